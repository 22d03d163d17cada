/* test_serve_telemetry.c: measured node power (src/daemon/telemetry.c): the latest reading per
 * node (newer replaces, older is ignored), bad readings refused, the POST /v1/telemetry body all
 * or nothing with the field named, MQTT payloads, the counters, concurrent writers; and the MQTT
 * subscriber against a REAL broker (Debian's /usr/sbin/mosquitto on a free loopback port):
 * started before the broker it connects when the broker comes up, readings arrive, the broker
 * killed it reads disconnected, the broker restarted on the same port it reconnects by itself
 * and receives again. Without /usr/sbin/mosquitto, outside CI only, the broker test is skipped
 * (exit 77 after the other tests pass). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon/telemetry.h"

#define NOW 1796662805.0 /* 2026-12-07T17:00:05Z */
#define MOSQUITTO "/usr/sbin/mosquitto"

static const gs_telemetry_reading *find(const gs_telemetry_reading *r, size_t n, const char *node)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].node, node) == 0)
            return &r[i];
    return NULL;
}

/* The latest reading of node now (copied), or watts -1 when there is none. */
static gs_telemetry_reading latest(gs_telemetry *t, const char *node)
{
    gs_telemetry_reading *r = NULL, out;
    size_t n = 0;
    memset(&out, 0, sizeof out);
    out.watts = -1;
    assert_int_equal(gs_telemetry_snapshot(t, &r, &n), 0);
    const gs_telemetry_reading *x = find(r, n, node);
    if (x)
        out = *x;
    free(r);
    return out;
}

static size_t nnodes(gs_telemetry *t)
{
    gs_telemetry_reading *r = NULL;
    size_t n = 0;
    assert_int_equal(gs_telemetry_snapshot(t, &r, &n), 0);
    free(r);
    return n;
}

/* ---- the table ------------------------------------------------------------------------------- */

static void test_newer_replaces_older_is_ignored(void **st)
{
    (void)st;
    gs_telemetry *t = gs_telemetry_new();
    assert_non_null(t);
    assert_int_equal(gs_telemetry_put(t, "gpu001", 5000, NOW - 10, NOW), 0);
    assert_true(latest(t, "gpu001").watts == 5000);
    assert_int_equal(gs_telemetry_put(t, "gpu001", 5100, NOW - 5, NOW), 0); /* newer */
    assert_true(latest(t, "gpu001").watts == 5100);
    assert_int_equal(gs_telemetry_put(t, "gpu001", 4000, NOW - 20, NOW + 1),
                     0); /* older: kept out */
    gs_telemetry_reading r = latest(t, "gpu001");
    assert_true(r.watts == 5100);
    assert_true(r.at_s == NOW - 5);
    assert_true(r.received_s == NOW);
    assert_int_equal(gs_telemetry_put(t, "gpu001", 5200, NOW - 5, NOW + 2),
                     0); /* same time: replaces */
    assert_true(latest(t, "gpu001").watts == 5200);
    assert_int_equal(nnodes(t), 1);
    unsigned long acc = 0, ref = 0;
    gs_telemetry_counts(t, &acc, &ref);
    assert_int_equal(acc, 4);
    assert_int_equal(ref, 0);
    gs_telemetry_free(t);
    gs_telemetry_free(NULL);
}

static void test_bad_readings_are_refused(void **st)
{
    (void)st;
    gs_telemetry *t = gs_telemetry_new();
    char longname[GS_TELEMETRY_NODE_MAX + 1];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(gs_telemetry_put(t, "", 1, NOW, NOW), -1);
    assert_int_equal(gs_telemetry_put(t, NULL, 1, NOW, NOW), -1);
    assert_int_equal(gs_telemetry_put(t, longname, 1, NOW, NOW), -1);
    assert_int_equal(gs_telemetry_put(t, "gpu 1", 1, NOW, NOW), -1);
    assert_int_equal(gs_telemetry_put(t, "gpu/1", 1, NOW, NOW), -1);
    assert_int_equal(gs_telemetry_put(t, "gpu1", NAN, NOW, NOW), -1);
    assert_int_equal(gs_telemetry_put(t, "gpu1", INFINITY, NOW, NOW), -1);
    assert_int_equal(gs_telemetry_put(t, "gpu1", -1, NOW, NOW), -1);
    assert_int_equal(gs_telemetry_put(t, "gpu1", 2e6, NOW, NOW), -1);
    assert_int_equal(gs_telemetry_put(t, "gpu1", 1, NAN, NOW), -1);
    assert_int_equal(gs_telemetry_put(t, "gpu1", 1, -5, NOW), -1);
    assert_int_equal(gs_telemetry_put(t, "gpu1", 1, NOW + 3600, NOW), -1); /* far ahead */
    assert_int_equal(nnodes(t), 0);
    longname[GS_TELEMETRY_NODE_MAX - 1] = '\0'; /* 63 characters fit */
    assert_int_equal(gs_telemetry_put(t, longname, 0, NOW + 60, NOW), 0);
    assert_int_equal(gs_telemetry_put(t, "a-b_c.d9", 1e6, NOW, NOW), 0);
    unsigned long acc = 0, ref = 0;
    gs_telemetry_counts(t, &acc, &ref);
    assert_int_equal(acc, 2);
    assert_int_equal(ref, 12);
    gs_telemetry_free(t);
}

static void test_many_nodes_keep_their_own_readings(void **st)
{
    (void)st;
    gs_telemetry *t = gs_telemetry_new();
    char node[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(node, sizeof node, "n%05d", i);
        assert_int_equal(gs_telemetry_put(t, node, i, NOW, NOW), 0);
    }
    for (int i = 0; i < 5000; i += 7) {
        snprintf(node, sizeof node, "n%05d", i);
        assert_int_equal(gs_telemetry_put(t, node, i + 0.5, NOW + 1, NOW + 1), 0);
    }
    gs_telemetry_reading *r = NULL;
    size_t n = 0;
    assert_int_equal(gs_telemetry_snapshot(t, &r, &n), 0);
    assert_int_equal(n, 5000);
    for (size_t i = 0; i < n; i++) {
        int k = (int)strtol(r[i].node + 1, NULL, 10);
        assert_true(r[i].watts == (k % 7 == 0 ? k + 0.5 : k));
    }
    free(r);
    gs_telemetry_free(t);
}

typedef struct writer {
    gs_telemetry *t;
    int id;
} writer;

static void *write_many(void *arg)
{
    writer *w = arg;
    char node[32];
    for (int i = 0; i < 2000; i++) {
        snprintf(node, sizeof node, "w%d-%d", w->id, i % 100);
        gs_telemetry_put(w->t, node, i, NOW - 2000 + i, NOW);
        if (i % 100 == 0) {
            gs_telemetry_reading *r = NULL;
            size_t n = 0;
            gs_telemetry_snapshot(w->t, &r, &n);
            free(r);
        }
    }
    return NULL;
}

static void test_concurrent_writers_and_snapshots(void **st)
{
    (void)st;
    gs_telemetry *t = gs_telemetry_new();
    pthread_t th[4];
    writer w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (writer){t, i};
        assert_int_equal(pthread_create(&th[i], NULL, write_many, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(nnodes(t), 400);
    assert_true(latest(t, "w3-99").watts == 1999);
    unsigned long acc = 0, ref = 0;
    gs_telemetry_counts(t, &acc, &ref);
    assert_int_equal(acc, 8000);
    assert_int_equal(ref, 0);
    gs_telemetry_free(t);
}

/* ---- POST /v1/telemetry ---------------------------------------------------------------------- */

static int post(gs_telemetry *t, const char *body, char *why, size_t len)
{
    return gs_telemetry_post_json(t, body, strlen(body), NOW, why, len);
}

static void test_post_json_good(void **st)
{
    (void)st;
    gs_telemetry *t = gs_telemetry_new();
    char why[256];
    const char *body =
        "{\"readings\": ["
        "{\"node\": \"gpu001\", \"watts\": 5230.5, \"at\": \"2026-12-07T17:00:05Z\"},"
        "{\"node\": \"gpu002\", \"watts\": 0, \"at\": 1796662800},"
        "{\"node\": \"gpu003\", \"watts\": 12},"
        "{\"node\": \"gpu004\", \"watts\": 100, \"at\": \"2026-12-07T18:00:00.5+01:00\"}]}";
    assert_int_equal(post(t, body, why, sizeof why), 4);
    assert_string_equal(why, "");
    gs_telemetry_reading r = latest(t, "gpu001");
    assert_true(r.watts == 5230.5);
    assert_true(r.at_s == NOW);
    assert_true(r.received_s == NOW);
    assert_true(latest(t, "gpu002").at_s == NOW - 5);
    assert_true(latest(t, "gpu003").at_s == NOW); /* no "at": now */
    assert_true(latest(t, "gpu004").at_s == NOW - 5 + 0.5);
    assert_int_equal(post(t, "{\"readings\": []}", why, sizeof why), 0);

    /* a newer and an older one in a later post */
    body =
        "{\"readings\": [{\"node\": \"gpu001\", \"watts\": 6000, \"at\": \"2026-12-07T17:00:06Z\"},"
        "{\"node\": \"gpu002\", \"watts\": 7000, \"at\": \"2026-12-07T16:00:00Z\"}]}";
    assert_int_equal(post(t, body, why, sizeof why), 2);
    assert_true(latest(t, "gpu001").watts == 6000);
    assert_true(latest(t, "gpu002").watts == 0);
    unsigned long acc = 0, ref = 0;
    gs_telemetry_counts(t, &acc, &ref);
    assert_int_equal(acc, 6);
    assert_int_equal(ref, 0);
    gs_telemetry_free(t);
}

static void test_post_json_bad_is_all_or_nothing(void **st)
{
    (void)st;
    gs_telemetry *t = gs_telemetry_new();
    assert_int_equal(gs_telemetry_put(t, "keep", 1, NOW, NOW), 0);
    static const char *const bad[][2] = {
        {"not json", "body is not JSON: "},
        {"{\"readings\": [{\"node\": \"a\", \"watts\": 1e999}]}",
         "body is not JSON: real number overflow"},
        {"[1, 2]", "expected an object {\"readings\": [...]}, found an array"},
        {"5", "expected an object {\"readings\": [...]}, found a scalar"},
        {"null", "expected an object {\"readings\": [...]}, found a scalar"},
        {"{}", "readings: missing"},
        {"{\"readings\": {}}", "readings: expected an array of readings"},
        {"{\"readings\": [], \"extra\": 1}", "unknown key 'extra' (expected only \"readings\")"},
        {"{\"readings\": [], \"readings\": []}", "body is not JSON: duplicate object key"},
        {"{\"readings\": [{\"node\": \"a\", \"watts\": 1}, 7]}", "readings[1]: expected an object"},
        {"{\"readings\": [{\"node\": \"a\", \"watts\": 1}, {\"node\": \"b\", \"watts\": -1}]}",
         "readings[1].watts: expected a number of watts from 0 to 1000000, found -1"},
        {"{\"readings\": [{\"node\": \"a\", \"watts\": 1}, {\"node\": \"b\", \"watts\": \"5\"}]}",
         "readings[1].watts: expected a number of watts from 0 to 1000000, found \"5\""},
        {"{\"readings\": [{\"node\": \"a\", \"watts\": 1}, {\"node\": \"b\"}]}",
         "readings[1].watts: missing: expected a number of watts >= 0"},
        {"{\"readings\": [{\"node\": \"a\", \"watts\": 1}, {\"watts\": 5}]}",
         "readings[1].node: expected a node name (1 to 63 letters, digits, '.', '_', '-'), found "
         "nothing"},
        {"{\"readings\": [{\"node\": \"\", \"watts\": 5}]}",
         "readings[0].node: expected a node name (1 to 63 letters, digits, '.', '_', '-'), found "
         "\"\""},
        {"{\"readings\": [{\"node\": 5, \"watts\": 5}]}",
         "readings[0].node: expected a node name (1 to 63 letters, digits, '.', '_', '-'), found "
         "5"},
        {"{\"readings\": [{\"node\": \"a\", \"watts\": 1, \"volts\": 5}]}",
         "readings[0]: unknown key 'volts' (known: node, watts, at)"},
        {"{\"readings\": [{\"node\": \"a\", \"watts\": 1, \"at\": \"yesterday\"}]}",
         "readings[0].at: expected a UTC time such as \"2026-12-07T17:00:05Z\" or a number of "
         "seconds, found "
         "\"yesterday\""},
        {"{\"readings\": [{\"node\": \"a\", \"watts\": 1, \"at\": true}]}",
         "readings[0].at: expected a UTC time such as \"2026-12-07T17:00:05Z\" or a number of "
         "seconds, found true"},
        {"{\"readings\": [{\"node\": \"a\", \"watts\": 1, \"at\": -3}]}",
         "readings[0].at: expected a time after 1970, found -3"},
        {"{\"readings\": [{\"node\": \"a\", \"watts\": 1, \"at\": \"2026-12-07T18:00:05Z\"}]}",
         "readings[0].at: expected a time at most 300 s after the daemon's clock, found "
         "\"2026-12-07T18:00:05Z\" (3600 s ahead)"},
        {"{\"readings\": [{\"node\": \"a\\u0000b\", \"watts\": 1}]}", "body is not JSON: "},
    };
    char why[256];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        why[0] = '\0';
        int rc = post(t, bad[i][0], why, sizeof why);
        if (rc != -1)
            fail_msg("'%s' gave %d", bad[i][0], rc);
        if (strncmp(why, bad[i][1], strlen(bad[i][1])) != 0)
            fail_msg("'%s':\n got  %s\n want %s...", bad[i][0], why, bad[i][1]);
        assert_int_equal(nnodes(t), 1); /* nothing recorded: only "keep" */
    }
    assert_true(latest(t, "a").watts == -1);
    unsigned long acc = 0, ref = 0;
    gs_telemetry_counts(t, &acc, &ref);
    assert_int_equal(acc, 1);
    assert_true(ref >= sizeof bad / sizeof *bad);
    /* NULL why and NULL body are fine */
    assert_int_equal(gs_telemetry_post_json(t, "x", 1, NOW, NULL, 0), -1);
    assert_int_equal(gs_telemetry_post_json(t, NULL, 0, NOW, why, sizeof why), -1);
    /* a body with a NUL inside its length is not JSON */
    assert_int_equal(gs_telemetry_post_json(t, "{\"readings\": []}\0x", 18, NOW, why, sizeof why),
                     -1);
    gs_telemetry_free(t);
}

/* ---- MQTT payloads --------------------------------------------------------------------------- */

static int msg(gs_telemetry *t, const char *topic, const char *payload)
{
    return gs_telemetry_mqtt_message(t, topic, payload, strlen(payload), NOW);
}

static void test_mqtt_payload_forms(void **st)
{
    (void)st;
    gs_telemetry *t = gs_telemetry_new();
    assert_int_equal(msg(t, "gridsplit/power/gpu001", "5230.5"), 0);
    gs_telemetry_reading r = latest(t, "gpu001");
    assert_true(r.watts == 5230.5);
    assert_true(r.at_s == NOW);
    assert_int_equal(msg(t, "gridsplit/power/gpu002", " 12\n"), 0);
    assert_true(latest(t, "gpu002").watts == 12);
    assert_int_equal(msg(t, "site/a/gpu003", "{\"watts\": 100, \"at\": \"2026-12-07T17:00:00Z\"}"),
                     0);
    r = latest(t, "gpu003");
    assert_true(r.watts == 100);
    assert_true(r.at_s == NOW - 5);
    assert_int_equal(msg(t, "gpu004", "{\"watts\": 7}"), 0); /* one level: the node */
    assert_true(latest(t, "gpu004").watts == 7);
    /* older than the kept one: taken, changes nothing */
    assert_int_equal(msg(t, "x/gpu003", "{\"watts\": 1, \"at\": \"2026-12-07T16:00:00Z\"}"), 0);
    assert_true(latest(t, "gpu003").watts == 100);

    const char *bad[][2] = {
        {"gridsplit/power/gpu001", "abc"},
        {"gridsplit/power/gpu001", "-5"},
        {"gridsplit/power/gpu001", "nan"},
        {"gridsplit/power/gpu001", "1e999"},
        {"gridsplit/power/gpu001", "\"5\""},
        {"gridsplit/power/gpu001", "[5]"},
        {"gridsplit/power/gpu001", "{\"watts\": 5, \"volts\": 1}"},
        {"gridsplit/power/gpu001", "{\"at\": \"2026-12-07T17:00:00Z\"}"},
        {"gridsplit/power/gpu001", "{\"watts\": 5, \"at\": \"2027-01-01T00:00:00Z\"}"},
        {"gridsplit/power/gpu001", "5 6"},
        {"gridsplit/power/", "5"},
        {"", "5"},
        {"gridsplit/power/gpu 1", "5"},
        {"gridsplit/power/gpu001", ""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (msg(t, bad[i][0], bad[i][1]) != -1)
            fail_msg("topic '%s' payload '%s' was accepted", bad[i][0], bad[i][1]);
    assert_int_equal(gs_telemetry_mqtt_message(t, NULL, "5", 1, NOW), -1);
    assert_int_equal(gs_telemetry_mqtt_message(t, "a/b", NULL, 0, NOW), -1);
    assert_true(latest(t, "gpu001").watts == 5230.5);
    unsigned long acc = 0, ref = 0;
    gs_telemetry_counts(t, &acc, &ref);
    assert_int_equal(acc, 5);
    assert_int_equal(ref, sizeof bad / sizeof *bad + 2);
    gs_telemetry_free(t);
}

/* ---- the subscriber against a real broker ---------------------------------------------------- */

typedef struct logbuf {
    pthread_mutex_t mu;
    char text[16384];
} logbuf;

static void log_line(void *ctx, const char *level, const char *m)
{
    logbuf *lb = ctx;
    pthread_mutex_lock(&lb->mu);
    size_t used = strlen(lb->text);
    snprintf(lb->text + used, sizeof lb->text - used, "%s: %s\n", level, m);
    pthread_mutex_unlock(&lb->mu);
}

static bool log_has(logbuf *lb, const char *s)
{
    pthread_mutex_lock(&lb->mu);
    bool has = strstr(lb->text, s) != NULL;
    pthread_mutex_unlock(&lb->mu);
    return has;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static bool port_open(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    bool ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* The broker test's state, so that its teardown stops the broker and removes its folder also
 * after a failed assertion. */
typedef struct broker {
    char dir[64];
    int port;
    pid_t pid; /* 0: not running */
} broker;

static int broker_setup(void **st)
{
    broker *b = calloc(1, sizeof *b);
    if (!b)
        return -1;
    /* mkdtemp's template: the prefix and six 'X' */
    int k = snprintf(b->dir, sizeof b->dir, "/tmp/gs-mqtt-");
    memset(b->dir + k, 'X', 6);
    b->dir[k + 6] = '\0';
    if (!mkdtemp(b->dir)) {
        free(b);
        return -1;
    }
    *st = b;
    return 0;
}

static void broker_stop(broker *b)
{
    if (b->pid > 0) {
        kill(b->pid, SIGTERM);
        int status;
        waitpid(b->pid, &status, 0);
        b->pid = 0;
    }
}

static int broker_teardown(void **st)
{
    broker *b = *st;
    broker_stop(b);
    char path[128];
    snprintf(path, sizeof path, "%s/mosquitto.conf", b->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/mosquitto.log", b->dir);
    unlink(path);
    rmdir(b->dir);
    free(b);
    return 0;
}

/* Start the broker on b->port, its output in b->dir/mosquitto.log; wait (bounded) until it
 * listens. */
static void broker_start(broker *b)
{
    char conf[128], logf[128];
    snprintf(conf, sizeof conf, "%s/mosquitto.conf", b->dir);
    snprintf(logf, sizeof logf, "%s/mosquitto.log", b->dir);
    FILE *c = fopen(conf, "w");
    assert_non_null(c);
    fprintf(c, "listener %d 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n",
            b->port);
    fclose(c);
    int fd = open(logf, O_WRONLY | O_CREAT | O_APPEND, 0644);
    assert_true(fd >= 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* the broker's output goes to the log, never to the test's pipes (ctest waits on them) */
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(MOSQUITTO, MOSQUITTO, "-c", conf, (char *)NULL);
        _exit(127);
    }
    close(fd);
    b->pid = pid;
    for (int i = 0; i < 300 && !port_open(b->port); i++) { /* up to 30 s */
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            b->pid = 0;
            fail_msg("mosquitto exited at start (status %d); see %s", status, logf);
        }
        sleep_ms(100);
    }
    if (!port_open(b->port))
        fail_msg("mosquitto does not listen on port %d after 30 s", b->port);
}

typedef struct pub_state {
    volatile int published;
} pub_state;

static void on_publish(struct mosquitto *m, void *obj, int mid)
{
    (void)m;
    (void)mid;
    ((pub_state *)obj)->published = 1;
}

/* Publish one retained message (QoS 1) with a client of our own; returns once the broker has it. */
static void publish(int port, const char *topic, const char *payload)
{
    pub_state ps = {0};
    struct mosquitto *m = mosquitto_new(NULL, true, &ps);
    assert_non_null(m);
    mosquitto_publish_callback_set(m, on_publish);
    int rc = mosquitto_connect(m, "127.0.0.1", port, 30);
    if (rc != MOSQ_ERR_SUCCESS)
        fail_msg("publisher cannot connect: %s", mosquitto_strerror(rc));
    assert_int_equal(mosquitto_publish(m, NULL, topic, (int)strlen(payload), payload, 1, true), 0);
    for (int i = 0; i < 300 && !ps.published; i++) /* PUBACK, bounded */
        mosquitto_loop(m, 100, 1);
    assert_true(ps.published);
    mosquitto_disconnect(m);
    mosquitto_destroy(m);
}

/* Wait (bounded) until node's reading has these watts. */
static bool wait_watts(gs_telemetry *t, const char *node, double watts)
{
    for (int i = 0; i < 600; i++) { /* up to 30 s */
        if (latest(t, node).watts == watts)
            return true;
        sleep_ms(50);
    }
    return false;
}

static bool wait_connected(gs_mqtt *m, bool want)
{
    for (int i = 0; i < 600; i++) { /* up to 60 s: reconnects back off to 10 s */
        if (gs_mqtt_connected(m) == want)
            return true;
        sleep_ms(100);
    }
    return false;
}

static void test_mqtt_subscriber_real_broker_reconnects(void **st)
{
    broker *b = *st;
    b->port = free_port();
    int port = b->port;
    gs_telemetry *t = gs_telemetry_new();
    logbuf lb;
    memset(&lb, 0, sizeof lb);
    pthread_mutex_init(&lb.mu, NULL);

    /* the subscriber first: the broker is not up yet */
    gs_mqtt *m = NULL;
    gs_error e = {0};
    assert_int_equal(
        gs_mqtt_start(t, "127.0.0.1", port, "gridsplit/power/#", log_line, &lb, &m, &e), 0);
    assert_non_null(m);
    assert_false(gs_mqtt_connected(m));

    broker_start(b);
    if (!wait_connected(m, true))
        fail_msg("the subscriber did not connect once the broker was up; log:\n%s", lb.text);
    assert_true(log_has(&lb, "info: MQTT connected to 127.0.0.1:"));

    publish(port, "gridsplit/power/gpu001", "5230.5");
    publish(port, "gridsplit/power/gpu002", "{\"watts\": 812}");
    publish(port, "elsewhere/gpu009", "1"); /* not under the topic */
    assert_true(wait_watts(t, "gpu001", 5230.5));
    assert_true(wait_watts(t, "gpu002", 812));

    /* the broker goes away: disconnected */
    broker_stop(b);
    if (!wait_connected(m, false))
        fail_msg("still connected after the broker was killed; log:\n%s", lb.text);
    assert_true(log_has(&lb, "warning: MQTT connection to 127.0.0.1:"));

    /* and comes back on the same port: reconnected by itself, receiving again */
    broker_start(b);
    if (!wait_connected(m, true))
        fail_msg("the subscriber did not reconnect; log:\n%s", lb.text);
    assert_true(log_has(&lb, "info: MQTT reconnected to 127.0.0.1:"));
    publish(port, "gridsplit/power/gpu001", "6100");
    publish(port, "gridsplit/power/gpu003", "{\"watts\": 42.5}");
    assert_true(wait_watts(t, "gpu001", 6100));
    assert_true(wait_watts(t, "gpu003", 42.5));
    assert_true(latest(t, "gpu009").watts == -1);
    unsigned long acc = 0, ref = 0;
    gs_telemetry_counts(t, &acc, &ref);
    assert_true(acc >= 4);
    assert_int_equal(ref, 0);

    /* a bad payload on the topic is counted as refused */
    publish(port, "gridsplit/power/gpu004", "lots");
    publish(port, "gridsplit/power/gpu005", "1");
    assert_true(wait_watts(t, "gpu005", 1));
    gs_telemetry_counts(t, &acc, &ref);
    assert_int_equal(ref, 1);

    gs_mqtt_stop(m);
    broker_stop(b);
    /* stopping while the broker is down returns too */
    assert_int_equal(gs_mqtt_start(t, "127.0.0.1", port, "gridsplit/power/#", NULL, NULL, &m, &e),
                     0);
    gs_mqtt_stop(m);
    gs_mqtt_stop(NULL);
    assert_false(gs_mqtt_connected(NULL));
    gs_telemetry_free(t);
    pthread_mutex_destroy(&lb.mu);
}

static void test_mqtt_start_refuses_bad_arguments(void **st)
{
    (void)st;
    gs_telemetry *t = gs_telemetry_new();
    gs_mqtt *m = (gs_mqtt *)1;
    gs_error e = {0};
    assert_int_equal(gs_mqtt_start(t, "", 1883, "a/#", NULL, NULL, &m, &e), GS_EINPUT);
    assert_null(m);
    assert_string_equal(e.field, "telemetry.mqtt.host");
    assert_int_equal(gs_mqtt_start(t, "127.0.0.1", 0, "a/#", NULL, NULL, &m, &e), GS_EINPUT);
    assert_string_equal(e.message, "expected a port from 1 to 65535, found 0");
    assert_int_equal(gs_mqtt_start(t, "127.0.0.1", 70000, "a/#", NULL, NULL, &m, &e), GS_EINPUT);
    assert_int_equal(gs_mqtt_start(t, "127.0.0.1", 1883, "a/#/b", NULL, NULL, &m, &e), GS_EINPUT);
    assert_string_equal(e.field, "telemetry.mqtt.topic");
    assert_int_equal(gs_mqtt_start(t, "127.0.0.1", 1883, "", NULL, NULL, &m, &e), GS_EINPUT);
    assert_int_equal(gs_mqtt_start(NULL, "127.0.0.1", 1883, "a/#", NULL, NULL, &m, &e), GS_EINPUT);
    gs_telemetry_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_newer_replaces_older_is_ignored),
        cmocka_unit_test(test_bad_readings_are_refused),
        cmocka_unit_test(test_many_nodes_keep_their_own_readings),
        cmocka_unit_test(test_concurrent_writers_and_snapshots),
        cmocka_unit_test(test_post_json_good),
        cmocka_unit_test(test_post_json_bad_is_all_or_nothing),
        cmocka_unit_test(test_mqtt_payload_forms),
        cmocka_unit_test(test_mqtt_start_refuses_bad_arguments),
    };
    const struct CMUnitTest broker_tests[] = {
        cmocka_unit_test_setup_teardown(test_mqtt_subscriber_real_broker_reconnects, broker_setup,
                                        broker_teardown),
    };
    int failed = cmocka_run_group_tests_name("telemetry", tests, NULL, NULL);
    const char *ci = getenv("CI");
    if (access(MOSQUITTO, X_OK) != 0 && !(ci && strcmp(ci, "true") == 0)) {
        printf(
            "SKIP the broker test: %s is not installed (Debian package mosquitto; 'make setup')\n",
            MOSQUITTO);
        return failed ? 1 : 77;
    }
    failed +=
        cmocka_run_group_tests_name("telemetry with a real mosquitto", broker_tests, NULL, NULL);
    return failed ? 1 : 0;
}
