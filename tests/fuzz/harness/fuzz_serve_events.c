/* fuzz_serve_events.c: libFuzzer harness of the daemon's POST /v1/events end to end through its
 * HTTP handler (gs_serve_api, src/daemon/api.c): the input is the request body, handed to the
 * handler as the HTTP server hands it (a NUL-terminated copy with its length, a token that
 * matched). The daemon's state is set up as tests/unit/test_serve_runner.c does it: the fleet
 * tests/serve/fleet.yaml, the fake scheduler, a SQLite journal in a temporary folder (in
 * /dev/shm where there is one). An accepted event is then read back as GET /v1/events/{id}
 * (its report, built from the journaled body) and taken off the incoming queue, so the state
 * stays small. Any status but 200, 201, 400 and 413 is a finding (500 is out of memory only).
 * Seeds in tests/fuzz/corpus/serve_events/. */
#include "fuzz_util.h"

#include <pthread.h>

#include "daemon/sched_fake.h"
#include "daemon/serve.h"
#include "gridsplit/read/fleet.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define T0 1796644800.0 /* 2026-12-07T12:00:00Z */

static struct {
    char dir[256];
    gs_serve s;
    gs_serve_config cfg;
    gs_token token;
} w;

static void cleanup(void)
{
    gs_serve *s = &w.s;
    gs_runner_free(s);
    free(s->load_json);
    free(s->incoming);
    free(s->cancels);
    gs_telemetry_free(s->tel);
    gs_store_close(s->store);
    gs_sched_free(s->sched);
    gs_fleet_free(s->fleet);
    if (s->log_fp)
        fclose(s->log_fp);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", w.dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz_serve_events: could not remove %s\n", w.dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(w.dir, sizeof w.dir, "%s/gs_fuzz_serve.XXXXXX", base);
    if (!mkdtemp(w.dir)) {
        perror("mkdtemp");
        exit(1);
    }
    gs_serve *s = &w.s;
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->logmu, NULL);
    pthread_cond_init(&s->wake, NULL);
    s->log_text = true;
    s->log_fp = fopen("/dev/null", "w");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/serve/fleet.yaml", gs_fuzz_src());
    gs_error err = {0};
    if (gs_fleet_load(path, &s->fleet, &err) != 0) {
        fprintf(stderr, "fuzz_serve_events: %s: %s\n", path, err.message);
        exit(1);
    }
    gs_serve_config *c = &w.cfg;
    snprintf(c->reports_dir, sizeof c->reports_dir, "%s/reports", w.dir);
    snprintf(c->policy, sizeof c->policy, "comply");
    c->pause_lead_s = 2;
    c->cap_lead_s = 2;
    c->action_retries = 2;
    c->hook_timeout_s = 5;
    c->telemetry_stale_s = 120;
    c->body_max_bytes = 1 << 20;
    c->map.comment_tags = true;
    c->map.default_tier = 1;
    s->cfg = c;
    if (gs_sched_fake_new((int64_t)T0 - 600, &s->sched, &err) != 0) {
        fprintf(stderr, "fuzz_serve_events: fake scheduler: %s\n", err.message);
        exit(1);
    }
    s->tel = gs_telemetry_new();
    snprintf(path, sizeof path, "%s/serve.db", w.dir);
    if (!s->tel || gs_store_open(path, &s->store, &err) != 0) {
        fprintf(stderr, "fuzz_serve_events: %s: %s\n", path, err.message);
        exit(1);
    }
    snprintf(w.token.name, sizeof w.token.name, "fuzz");
    atexit(cleanup);
    return 0;
}

static int call(const char *method, const char *path, const char *body, size_t len)
{
    gs_http_req q = {.method = method, .path = path, .query = "", .body = body,
                     .body_len = len, .token = &w.token};
    gs_http_resp r = {.status = 200};
    gs_serve_api(&w.s, &q, &r);
    free(r.body);
    return r.status;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > w.cfg.body_max_bytes)
        return 0; /* the server answers 413 before the handler */
    char *body = gs_fuzz_str(data, size);
    if (!body)
        return 0;
    gs_http_req q = {.method = "POST", .path = "/v1/events", .query = "", .body = body,
                     .body_len = size, .token = &w.token};
    gs_http_resp r = {.status = 200};
    gs_serve_api(&w.s, &q, &r);
    int status = r.status;
    if (getenv("GS_FUZZ_VERBOSE")) /* what the handler answered, to check the seeds */
        fprintf(stderr, "POST /v1/events: %d %.*s\n", status, (int)r.len, r.body ? r.body : "");
    free(r.body);
    free(body);
    if (status != 200 && status != 201 && status != 400) {
        fprintf(stderr, "fuzz_serve_events: POST /v1/events answered %d\n", status);
        abort();
    }
    if ((status == 200 || status == 201) && r.location[0]) {
        int st = call("GET", r.location, "", 0);
        if (st != 200) {
            fprintf(stderr, "fuzz_serve_events: GET %s answered %d\n", r.location, st);
            abort();
        }
    }
    pthread_mutex_lock(&w.s.mu);
    w.s.nincoming = 0;
    pthread_mutex_unlock(&w.s.mu);
    return 0;
}
