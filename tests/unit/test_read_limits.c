/* test_read_limits.c: the hostile-input bounds of the readers (docs/hostile-inputs.md, issue 11):
 * an event document opening with a UTF-8 byte order mark is read as without it, from a file and
 * from a buffer (the daemon's POST /v1/events); an event buffer over GS_EVENTS_MAX_BYTES is
 * refused before it is parsed; the whole-file reader (gs__read_all, src/read/reader.c) stops one
 * byte past its limit, also on a pipe that never ends; a YAML document over GS__YAML_MAX_BYTES
 * is refused from a file, from a pipe and from memory (src/read/yaml_util.c). The same inputs
 * through the binary: tests/e2e/hostile_inputs.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "gridsplit/read/events.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/market.h"
#include "read/reader.h"

static gs_fleet *demo;

static int setup(void **st)
{
    (void)st;
    const char *src = getenv("GS_SRC");
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/demo/fleet.yaml", src && src[0] ? src : "../..");
    gs_error err = {0};
    if (gs_fleet_load(path, &demo, &err) != 0)
        fail_msg("%s: %s", path, err.message);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    gs_fleet_free(demo);
    return 0;
}

static const char EVENT[] = "{\"id\": \"cut\", \"type\": \"reduce_by\", \"site\": \"west-texas\", "
                            "\"start\": \"2024-01-20T19:00Z\", \"duration\": \"3h\", \"mw\": 40}";

static void event_with_bom_reads_as_without(void **st)
{
    (void)st;
    char buf[512];
    int len = snprintf(buf, sizeof buf, "\xef\xbb\xbf%s", EVENT);
    gs_event *evs = NULL;
    size_t n = 0;
    gs_error err = {0};
    assert_int_equal(gs_events_read_buffer("body", buf, (size_t)len, demo, &evs, &n, NULL, &err),
                     0);
    assert_int_equal(n, 1);
    assert_string_equal(evs[0].id, "cut");
    free(evs);

    char path[] = "/tmp/gs_test_read_limits_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, buf, (size_t)len), len);
    close(fd);
    assert_int_equal(gs_events_read(path, demo, &evs, &n, NULL, &err), 0);
    assert_int_equal(n, 1);
    free(evs);
    unlink(path);

    /* a BOM alone is an empty document, not an event */
    assert_int_equal(gs_events_read_buffer("body", "\xef\xbb\xbf", 3, demo, &evs, &n, NULL, &err),
                     GS_EINPUT);
    assert_null(evs);
}

static void event_buffer_over_the_limit_refused_before_parsing(void **st)
{
    (void)st;
    size_t len = (size_t)GS_EVENTS_MAX_BYTES + 1;
    char *buf = malloc(len);
    assert_non_null(buf);
    memset(buf, ' ', len); /* blanks: jansson would read them all and find nothing */
    gs_event *evs = NULL;
    size_t n = 0;
    gs_error err = {0};
    assert_int_equal(gs_events_read_buffer("POST /v1/events", buf, len, demo, &evs, &n, NULL, &err),
                     GS_EINPUT);
    assert_non_null(strstr(err.message, "expected an event document of at most 32 MiB, found "
                                        "33554433 bytes"));
    free(buf);
}

/* The read end of a pipe fed by a child that writes `byte` for ever (until the pipe closes). */
static int endless_pipe(char byte, pid_t *child)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    *child = fork();
    assert_true(*child >= 0);
    if (*child == 0) {
        close(p[0]);
        char block[4096];
        memset(block, byte, sizeof block);
        while (write(p[1], block, sizeof block) > 0)
            ;
        _exit(0);
    }
    close(p[1]);
    return p[0];
}

static void read_all_stops_one_byte_past_the_limit(void **st)
{
    (void)st;
    pid_t child;
    int fd = endless_pipe('x', &child);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    char *text = NULL;
    size_t len = 0;
    gs_error err = {0};
    assert_int_equal(gs__read_all(path, (size_t)1 << 20, "a test file", &text, &len, &err),
                     GS_EINPUT);
    assert_null(text);
    assert_non_null(strstr(err.message, "expected a test file of at most 1 MiB, found more"));
    close(fd);
    waitpid(child, NULL, 0);

    /* exactly at the limit is fine, and NUL-terminated */
    char tpath[] = "/tmp/gs_test_read_limits_XXXXXX";
    int t = mkstemp(tpath);
    assert_true(t >= 0);
    char *blk = calloc(1, (size_t)1 << 20);
    assert_non_null(blk);
    memset(blk, 'y', (size_t)1 << 20);
    assert_int_equal(write(t, blk, (size_t)1 << 20), 1 << 20);
    close(t);
    assert_int_equal(gs__read_all(tpath, (size_t)1 << 20, "a test file", &text, &len, &err), 0);
    assert_int_equal(len, (size_t)1 << 20);
    assert_int_equal(text[len], '\0');
    free(text);
    free(blk);
    unlink(tpath);
}

static void yaml_over_the_limit_refused(void **st)
{
    (void)st;
    /* from memory (a market catalogue as text) */
    size_t len = ((size_t)8 << 20) + 1;
    char *text = malloc(len);
    assert_non_null(text);
    memset(text, '\n', len);
    gs_market_catalog *cat = calloc(1, sizeof *cat);
    assert_non_null(cat);
    gs_error err = {0};
    assert_int_equal(gs_market_catalog_parse(text, len, "big.yaml", cat, &err), GS_EINPUT);
    assert_non_null(
        strstr(err.message, "expected a YAML document of at most 8 MiB, found 8388609 bytes"));
    gs_market_catalog_free(cat);
    free(text);

    /* from an endless pipe of blank lines (a fleet) */
    pid_t child;
    int fd = endless_pipe('\n', &child);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    gs_fleet *f = NULL;
    gs_error e2 = {0};
    assert_int_equal(gs_fleet_load(path, &f, &e2), GS_EINPUT);
    assert_null(f);
    assert_non_null(strstr(e2.message, "expected a YAML document of at most 8 MiB, found more"));
    close(fd);
    waitpid(child, NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(event_with_bom_reads_as_without),
        cmocka_unit_test(event_buffer_over_the_limit_refused_before_parsing),
        cmocka_unit_test(read_all_stops_one_byte_past_the_limit),
        cmocka_unit_test(yaml_over_the_limit_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
