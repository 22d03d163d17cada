/* test_serve_ven_fuzz.c: the inputs fuzzing found in the VEN's translation of OpenADR 3 events
 * (tests/fuzz/harness/fuzz_ven.c; src/daemon/ven.c gs_ven_translate), as regressions: each
 * tests/fuzz/ven_*.json is translated with the VEN set up as the harness sets it up, and every
 * document it makes is read by the daemon's event reader. ven_simple_level_2e13.json: a SIMPLE
 * level of 2e13 was cast to int before its range was checked (undefined behaviour that clang's
 * UBSan reports; gcc's -fsanitize=undefined leaves float casts out, so the clang fuzz build runs
 * these files as seeds of fuzz_ven in tests/e2e/fuzz_short.sh too); it is ignored like any level
 * outside 0..3. ven_subsecond_interval.json: an interval of PT0.5S starting at .2 s made an event
 * whose start and end were the same whole second, which the daemon refused; such intervals are
 * not acted on now (the reason says so). */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/ven.h"
#include "gridsplit/read/events.h"
#include "gridsplit/read/fleet.h"

#define NOW_S 1796644800.0 /* 2026-12-07T12:00:00Z */

static gs_fleet *fleet;
static gs_ven_config vc;
static const char *src;

static double site_mw(void *ctx, int site)
{
    (void)ctx;
    return site == 0 ? 2.0 : 0;
}

static int setup(void **state)
{
    (void)state;
    src = getenv("GS_SRC");
    if (!src || !src[0])
        src = "../..";
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/serve/fleet.yaml", src);
    gs_error err = {0};
    if (gs_fleet_load(path, &fleet, &err) != 0)
        fail_msg("%s: %s", path, err.message);
    memset(&vc, 0, sizeof vc);
    vc.on = true;
    snprintf(vc.ven_name, sizeof vc.ven_name, "gs-ven");
    snprintf(vc.default_site, sizeof vc.default_site, "lab");
    vc.nresources = 1;
    snprintf(vc.resources[0].resource, sizeof vc.resources[0].resource, "lab-meter");
    snprintf(vc.resources[0].site, sizeof vc.resources[0].site, "lab");
    vc.units_mw = 1e-3;
    vc.simple_levels[1] = 0.1;
    vc.simple_levels[2] = 0.25;
    vc.simple_levels[3] = 0.5;
    vc.report = true;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    gs_fleet_free(fleet);
    return 0;
}

/* Translate one file; the number of documents made, each read back by the daemon's reader. */
static size_t translate_file(const char *path)
{
    json_error_t je;
    json_t *ev = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!ev)
        fail_msg("%s: %s", path, je.text);
    json_t **docs = NULL;
    char **ext = NULL;
    size_t n = 0;
    char why[300] = "";
    int rc = gs_ven_translate(&vc, fleet, ev, NOW_S, site_mw, NULL, &docs, &ext, &n, why,
                              sizeof why);
    json_decref(ev);
    if (rc != 0)
        assert_int_equal(n, 0);
    for (size_t i = 0; i < n; i++) {
        char *doc = json_dumps(docs[i], JSON_COMPACT);
        assert_non_null(doc);
        gs_event *evs = NULL;
        size_t ne = 0;
        gs_error err = {0};
        gs_events_read_opts o = {.require_events = 1};
        if (gs_events_read_buffer("ven", doc, strlen(doc), fleet, &evs, &ne, &o, &err) != 0)
            fail_msg("%s: the daemon refuses the VEN's document %s: %s", path, doc, err.message);
        free(evs);
        free(doc);
        json_decref(docs[i]);
        free(ext[i]);
    }
    free(docs);
    free(ext);
    return n;
}

static void every_found_input_translates_cleanly(void **state)
{
    (void)state;
    char pattern[1100];
    snprintf(pattern, sizeof pattern, "%s/tests/fuzz/ven_*.json", src);
    glob_t g;
    assert_int_equal(glob(pattern, 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 1);
    for (size_t i = 0; i < g.gl_pathc; i++)
        translate_file(g.gl_pathv[i]);
    globfree(&g);
}

static void simple_level_2e13_is_ignored(void **state)
{
    (void)state;
    char path[1100];
    snprintf(path, sizeof path, "%s/tests/fuzz/ven_simple_level_2e13.json", src);
    /* interval 0 (level 2) makes the one document; interval 1 (level 2e13) nothing */
    assert_int_equal(translate_file(path), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_found_input_translates_cleanly),
        cmocka_unit_test(simple_level_2e13_is_ignored),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
