/* test_serve_hooks.c: the daemon's hooks (src/daemon/hooks.c). The cap command runs without a
 * shell, with its arguments, its output and errors captured, its exit status returned; a
 * program that cannot start is -1 with the reason; one past its timeout is -2 and killed (one
 * that ignores SIGTERM too, by SIGKILL); it inherits no descriptor of ours. The router's weights
 * land in their file whole (no temporary file left) and reach an HTTP server (a raw socket
 * server in this test) as the POST body; an answer of 500 is a failure naming the status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/hooks.h"

static int make_dir(void **st)
{
    char *dir = malloc(64);
    snprintf(dir, 64, "/tmp/gs-serve-hooks-XXXXXX");
    assert_non_null(mkdtemp(dir));
    *st = dir;
    return 0;
}

static int remove_dir(void **st)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", (char *)*st);
    assert_int_equal(system(cmd), 0);
    free(*st);
    return 0;
}

static void write_script(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(chmod(path, 0755), 0);
}

/* ---- gs_hook_run ---- */

static void test_a_command_runs_with_its_arguments_and_its_output_is_kept(void **st)
{
    (void)st;
    char out[256];
    double ms = -1;
    const char *args[] = {"a  b", "c"};
    int rc = gs_hook_run("/bin/echo  -n   hello", args, 2, 5.0, out, sizeof out, &ms);
    assert_int_equal(rc, 0);
    /* no shell: "a  b" is one argument, its two spaces kept */
    assert_string_equal(out, "hello a  b c");
    assert_true(ms >= 0);
    /* a bare name is looked up in PATH */
    rc = gs_hook_run("echo", args, 1, 5.0, out, sizeof out, NULL);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "a  b\n");
    /* the output is cut to the buffer */
    rc = gs_hook_run("/bin/echo hello", NULL, 0, 5.0, out, 4, NULL);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "hel");
    /* no buffer at all is fine */
    assert_int_equal(gs_hook_run("/bin/echo hello", NULL, 0, 5.0, NULL, 0, NULL), 0);
}

static void test_the_exit_status_and_standard_error_come_back(void **st)
{
    char *dir = *st, path[128], out[256];
    snprintf(path, sizeof path, "%s/cap.sh", dir);
    write_script(path, "#!/bin/sh\necho \"out $1 $2 $3\"\necho \"err\" >&2\nexit 3\n");
    const char *args[] = {"1234", "gpu[01-02]", "350"};
    int rc = gs_hook_run(path, args, 3, 5.0, out, sizeof out, NULL);
    assert_int_equal(rc, 3);
    assert_string_equal(out, "out 1234 gpu[01-02] 350\nerr\n");
    /* a program killed by a signal: 128 + the signal, as shells say */
    const char *kill_self[] = {"-c", "kill -9 $$"};
    rc = gs_hook_run("/bin/sh", kill_self, 2, 5.0, out, sizeof out, NULL);
    assert_int_equal(rc, 128 + 9);
    /* the standard input is empty */
    const char *read_in[] = {"-c", "cat; echo done"};
    rc = gs_hook_run("/bin/sh", read_in, 2, 5.0, out, sizeof out, NULL);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "done\n");
}

static void test_a_program_that_cannot_start_is_minus_1_with_the_reason(void **st)
{
    char *dir = *st, path[128], out[256];
    int rc = gs_hook_run("/nonexistent/cap-gpu 1", NULL, 0, 5.0, out, sizeof out, NULL);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(out, "/nonexistent/cap-gpu"));
    assert_non_null(strstr(out, "No such file"));
    rc = gs_hook_run("no-such-program-gridsplit", NULL, 0, 5.0, out, sizeof out, NULL);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(out, "no-such-program-gridsplit"));
    /* not executable */
    snprintf(path, sizeof path, "%s/plain.txt", dir);
    write_script(path, "text\n");
    assert_int_equal(chmod(path, 0644), 0);
    rc = gs_hook_run(path, NULL, 0, 5.0, out, sizeof out, NULL);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(out, "Permission denied"));
    /* nothing to run, no timeout */
    assert_int_equal(gs_hook_run("   ", NULL, 0, 5.0, out, sizeof out, NULL), -1);
    assert_non_null(strstr(out, "empty command"));
    assert_int_equal(gs_hook_run("/bin/true", NULL, 0, 0.0, out, sizeof out, NULL), -1);
    assert_int_equal(gs_hook_run(NULL, NULL, 0, 1.0, out, sizeof out, NULL), -1);
}

static void test_a_command_past_its_timeout_is_killed_and_minus_2(void **st)
{
    (void)st;
    char out[256];
    double ms = -1;
    int rc = gs_hook_run("sleep 5", NULL, 0, 0.3, out, sizeof out, &ms);
    assert_int_equal(rc, -2);
    assert_true(ms >= 300);
    assert_true(ms < 4000); /* a sanity bound only: it did not wait for the 5 s */
    /* one that ignores SIGTERM is killed 1 s later; what it started goes with it */
    const char *stubborn[] = {"-c", "trap '' TERM; echo started; sleep 5; sleep 5"};
    rc = gs_hook_run("/bin/sh", stubborn, 2, 0.3, out, sizeof out, &ms);
    assert_int_equal(rc, -2);
    assert_string_equal(out, "started\n");
    assert_true(ms < 4000);
}

static void test_a_command_inherits_no_descriptor_of_ours(void **st)
{
    (void)st;
    int fd = open("/dev/null", O_RDONLY); /* no O_CLOEXEC: a careless descriptor */
    assert_true(fd >= 0);
    assert_int_equal(dup2(fd, 57), 57);
    close(fd);
    char out[4096];
    const char *list[] = {"-c", "ls /proc/$$/fd"};
    int rc = gs_hook_run("/bin/sh", list, 2, 5.0, out, sizeof out, NULL);
    assert_int_equal(rc, 0);
    /* the shell's own 0, 1, 2 (and whatever it opens itself), never our 57 */
    char *tok = out;
    while (*tok) {
        long n = strtol(tok, &tok, 10);
        assert_true(n != 57);
        while (*tok == '\n' || *tok == ' ')
            tok++;
    }
    assert_non_null(strstr(out, "0\n1\n2\n"));
    close(57);
}

/* ---- gs_router_publish ---- */

static void test_weights_land_in_their_file_whole_with_no_temporary_left(void **st)
{
    char *dir = *st, path[128], why[256];
    snprintf(path, sizeof path, "%s/weights.json", dir);
    const char *json = "{\"sites\": {\"ashburn\": 0.6, \"frankfurt\": 0.4}}\n";
    assert_int_equal(gs_router_publish(path, "", json, 5.0, why, sizeof why), 0);
    assert_string_equal(why, "");
    /* twice: the second replaces the first */
    const char *json2 = "{\"sites\": {\"ashburn\": 1}}\n";
    assert_int_equal(gs_router_publish(path, NULL, json2, 5.0, why, sizeof why), 0);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char got[256] = "";
    size_t n = fread(got, 1, sizeof got - 1, fp);
    got[n] = '\0';
    fclose(fp);
    assert_string_equal(got, json2);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0644);
    DIR *d = opendir(dir);
    assert_non_null(d);
    int files = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            files++;
            assert_string_equal(e->d_name, "weights.json");
        }
    closedir(d);
    assert_int_equal(files, 1);
    /* a folder that does not exist: -1, naming the file */
    assert_int_equal(gs_router_publish("/nonexistent/dir/w.json", "", json, 5.0, why, sizeof why), -1);
    assert_non_null(strstr(why, "/nonexistent/dir/w.json"));
    /* nothing to do is fine */
    assert_int_equal(gs_router_publish("", "", json, 5.0, why, sizeof why), 0);
}

/* The first place needle occurs in hay, ignoring case, or NULL. */
static const char *find_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (!strncasecmp(hay, needle, n))
            return hay;
    return NULL;
}

/* A one-request HTTP server on a raw socket: accepts one connection, reads the request
 * (headers, then Content-Length bytes of body), answers status. */
typedef struct tiny {
    int fd, port, status;
    pthread_t th;
    char req[8192];
    size_t len;
    char body[4096];
} tiny;

static void *tiny_run(void *arg)
{
    tiny *t = arg;
    int c = accept(t->fd, NULL, NULL);
    if (c < 0)
        return NULL;
    size_t need = 0;
    char *hdr_end = NULL;
    while (t->len < sizeof t->req - 1) {
        ssize_t k = recv(c, t->req + t->len, sizeof t->req - 1 - t->len, 0);
        if (k <= 0)
            break;
        t->len += (size_t)k;
        t->req[t->len] = '\0';
        if (!hdr_end && (hdr_end = strstr(t->req, "\r\n\r\n"))) {
            const char *cl = find_nocase(t->req, "\r\nContent-Length:");
            need = cl ? (size_t)strtoul(cl + 17, NULL, 10) : 0;
        }
        if (hdr_end && t->len - (size_t)(hdr_end + 4 - t->req) >= need)
            break;
    }
    if (hdr_end)
        snprintf(t->body, sizeof t->body, "%s", hdr_end + 4);
    char ans[128];
    int n = snprintf(ans, sizeof ans, "HTTP/1.1 %d X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                     t->status);
    (void)!send(c, ans, (size_t)n, MSG_NOSIGNAL);
    close(c);
    return NULL;
}

static void tiny_start(tiny *t, int status)
{
    memset(t, 0, sizeof *t);
    t->status = status;
    t->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(t->fd >= 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(t->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(t->fd, 4), 0);
    socklen_t sl = sizeof sa;
    assert_int_equal(getsockname(t->fd, (struct sockaddr *)&sa, &sl), 0);
    t->port = ntohs(sa.sin_port);
    assert_int_equal(pthread_create(&t->th, NULL, tiny_run, t), 0);
}

static void tiny_join(tiny *t)
{
    pthread_join(t->th, NULL);
    close(t->fd);
}

static void test_weights_are_posted_as_json_and_a_500_is_a_failure_naming_it(void **st)
{
    char *dir = *st, path[128], url[128], why[256];
    const char *json = "{\"sites\": {\"ashburn\": 0.25, \"sao-paulo\": 0.75}}";
    tiny t;
    tiny_start(&t, 200);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/weights", t.port);
    snprintf(path, sizeof path, "%s/w.json", dir);
    int rc = gs_router_publish(path, url, json, 10.0, why, sizeof why);
    tiny_join(&t);
    if (rc)
        fail_msg("%s", why);
    assert_string_equal(t.body, json);
    assert_true(strncmp(t.req, "POST /v1/weights HTTP/1.1\r\n", 27) == 0);
    assert_non_null(find_nocase(t.req, "\r\nContent-Type: application/json\r\n"));
    assert_int_equal(access(path, R_OK), 0);

    tiny_start(&t, 500);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/weights", t.port);
    rc = gs_router_publish("", url, json, 10.0, why, sizeof why);
    tiny_join(&t);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(why, "500"));
    assert_string_equal(t.body, json);

    /* nobody listening: -1 with curl's reason */
    tiny_start(&t, 200);
    int port = t.port;
    shutdown(t.fd, SHUT_RDWR); /* the accept returns; the port is closed */
    tiny_join(&t);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/weights", port);
    rc = gs_router_publish("", url, json, 5.0, why, sizeof why);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(why, url));
    /* both a bad file and a bad URL: both said */
    rc = gs_router_publish("/nonexistent/dir/w.json", url, json, 5.0, why, sizeof why);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(why, "/nonexistent/dir/w.json"));
    assert_non_null(strstr(why, url));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_command_runs_with_its_arguments_and_its_output_is_kept),
        cmocka_unit_test_setup_teardown(test_the_exit_status_and_standard_error_come_back, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_a_program_that_cannot_start_is_minus_1_with_the_reason, make_dir, remove_dir),
        cmocka_unit_test(test_a_command_past_its_timeout_is_killed_and_minus_2),
        cmocka_unit_test(test_a_command_inherits_no_descriptor_of_ours),
        cmocka_unit_test_setup_teardown(test_weights_land_in_their_file_whole_with_no_temporary_left, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_weights_are_posted_as_json_and_a_500_is_a_failure_naming_it, make_dir, remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
