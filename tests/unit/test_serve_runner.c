/* test_serve_runner.c: the daemon's runner (src/daemon/runner.c) and API (src/daemon/api.c)
 * above the FAKE scheduler (src/daemon/sched_fake.c), with a real SQLite journal in a temporary
 * folder, on the e2e test's fleet (tests/serve/fleet.yaml). Time is driven by the test (the
 * runner takes `now`), so every rule is checked exactly: events posted through the API handler
 * are planned by the planner and carried out as checkpoint signal -> suspend (after the
 * checkpoint's duration) on the right jobs; the event goes planned -> acting -> active ->
 * restoring -> done and every touched job is resumed at the end; a cancellation restores at
 * once; a job whose suspend keeps failing is given up after the retries and the event is
 * re-planned onto another job; a crash between an intent and its outcome is reconciled with
 * the scheduler at restart (no step taken twice; the journal complete); caps go through the
 * hook and come off at the end; bad requests get 4xx. The real Slurm is tests/e2e/serve_slurm.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <unistd.h>

#include "daemon/sched_fake.h"
#include "daemon/serve.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/time.h"

#define T0 1796644800.0 /* 2026-12-07T12:00:00Z */

typedef struct world {
    char dir[256];
    gs_serve s;
    gs_serve_config cfg;
    gs_fleet *fleet;
    gs_sched *sched;
    uint32_t a, b, c, d, inf; /* tiers 0.5, 0.9, 1, 0.5 (d: only in some tests), inference */
} world;

static gs_map_rule rule(const char *partition, gs_class cls, const char *cluster, double tier)
{
    gs_map_rule r;
    memset(&r, 0, sizeof r);
    snprintf(r.partition, sizeof r.partition, "%s", partition);
    r.set.has_cls = true;
    r.set.cls = cls;
    r.set.has_cluster = true;
    snprintf(r.set.cluster, sizeof r.set.cluster, "%s", cluster);
    r.set.has_tier = true;
    r.set.tier = tier;
    r.set.has_window = true;
    r.set.window = GS_TIER_DAY;
    if (cls == GS_TRAINING) {
        r.set.has_ckpt = true;
        snprintf(r.set.ckpt_signal, sizeof r.set.ckpt_signal, "USR1");
        r.set.ckpt_signal_s = 3;
    }
    return r;
}

static uint32_t add_job(world *w, const char *name, const char *partition, uint32_t gpus,
                        const char *comment)
{
    gs_sched_job j;
    memset(&j, 0, sizeof j);
    snprintf(j.name, sizeof j.name, "%s", name);
    snprintf(j.partition, sizeof j.partition, "%s", partition);
    snprintf(j.comment, sizeof j.comment, "%s", comment ? comment : "");
    snprintf(j.nodes, sizeof j.nodes, "gsnode1");
    j.state = GS_SCHED_RUNNING;
    j.gpus = gpus;
    j.cpus = 1;
    j.start_s = (int64_t)T0 - 600;
    uint32_t id = gs_sched_fake_add(w->sched, &j);
    assert_true(id > 0);
    return id;
}

/* A fresh daemon state over the same fleet, journal and scheduler (a restart: nothing carried
 * over but what is on disk and in the scheduler). */
static void daemon_up(world *w)
{
    gs_serve *s = &w->s;
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->logmu, NULL);
    pthread_cond_init(&s->wake, NULL);
    s->log_text = true;
    s->cfg = &w->cfg;
    s->fleet = w->fleet;
    s->sched = w->sched;
    s->tel = gs_telemetry_new();
    assert_non_null(s->tel);
    char path[512];
    snprintf(path, sizeof path, "%s/serve.db", w->dir);
    gs_error err = {0};
    assert_int_equal(gs_store_open(path, &s->store, &err), 0);
}

static void daemon_down(world *w)
{
    gs_serve *s = &w->s;
    gs_runner_free(s);
    gs_live_free(&s->live);
    free(s->load_json);
    free(s->incoming);
    free(s->cancels);
    gs_telemetry_free(s->tel);
    gs_store_close(s->store);
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->logmu);
    pthread_cond_destroy(&s->wake);
}

static int setup(void **state)
{
    world *w = calloc(1, sizeof *w);
    snprintf(w->dir, sizeof w->dir, "%s/gs_runner.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(w->dir));
    const char *src = getenv("GS_SRC");
    char fleet[512];
    snprintf(fleet, sizeof fleet, "%s/tests/serve/fleet.yaml", src ? src : "../..");
    gs_error err = {0};
    if (gs_fleet_load(fleet, &w->fleet, &err) != 0)
        fail_msg("%s: %s", fleet, err.message);
    gs_serve_config *c = &w->cfg;
    snprintf(c->reports_dir, sizeof c->reports_dir, "%s/reports", w->dir);
    snprintf(c->policy, sizeof c->policy, "comply");
    c->pause_lead_s = 2;
    c->cap_lead_s = 2;
    c->action_retries = 2;
    c->hook_timeout_s = 5;
    c->telemetry_stale_s = 120;
    c->map.comment_tags = true;
    c->map.default_tier = 1;
    c->map.ndefaults = 2;
    c->map.defaults = calloc(2, sizeof *c->map.defaults);
    c->map.defaults[0] = rule("training", GS_TRAINING, "lab-train", 0.9);
    c->map.defaults[1] = rule("inference", GS_INFERENCE, "lab-infer", 1);
    /* the jobs started 10 minutes before the test's T0: pausing one without a checkpoint
     * would lose those 10 minutes */
    assert_int_equal(gs_sched_fake_new((int64_t)T0 - 600, &w->sched, &err), 0);
    w->a = add_job(w, "train-a", "training", 2, "grid:tier=0.5");
    w->b = add_job(w, "train-b", "training", 2, NULL);
    w->c = add_job(w, "train-c", "training", 2, "grid:tier=1");
    w->inf = add_job(w, "infer-1", "inference", 1, NULL);
    daemon_up(w);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    daemon_down(w);
    gs_sched_free(w->sched);
    gs_fleet_free(w->fleet);
    gs_map_free(&w->cfg.map);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", w->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", w->dir);
    free(w);
    return 0;
}

/* One tick of the main loop at time now: read the scheduler, build the picture, run. */
static void tick(world *w, double now)
{
    gs_serve *s = &w->s;
    gs_sched_fake_set_time(w->sched, (int64_t)now);
    gs_sched_jobs jobs = {0};
    gs_error err = {0};
    assert_int_equal(gs_sched_list(s->sched, &jobs, &err), 0);
    gs_live live = {0};
    assert_int_equal(gs_live_build(s->fleet, &s->cfg->map, &jobs, NULL, 0, 120, now, &live, &err), 0);
    char *json = gs_live_json(&live, s->fleet);
    assert_non_null(json);
    pthread_mutex_lock(&s->mu);
    gs_live_free(&s->live);
    s->live = live;
    free(s->load_json);
    s->load_json = json;
    s->sched_up = true;
    pthread_mutex_unlock(&s->mu);
    gs_sched_jobs_free(&jobs);
    gs_runner_step(s, &s->live, now);
}

static json_t *call(world *w, const char *method, const char *path, const char *body, int *status)
{
    gs_http_req q = {.method = method, .path = path, .query = "", .body = body ? body : "",
                     .body_len = body ? strlen(body) : 0};
    char qbuf[256] = "";
    const char *qm = strchr(path, '?');
    char pbuf[256];
    if (qm) {
        snprintf(pbuf, sizeof pbuf, "%.*s", (int)(qm - path), path);
        snprintf(qbuf, sizeof qbuf, "%s", qm + 1);
        q.path = pbuf;
        q.query = qbuf;
    }
    gs_http_resp r = {.status = 200};
    gs_serve_api(&w->s, &q, &r);
    *status = r.status;
    json_t *o = r.body ? json_loadb(r.body, r.len, 0, NULL) : NULL;
    free(r.body);
    return o;
}

static double job_mw(world *w, uint32_t id)
{
    for (size_t i = 0; i < w->s.live.njobs; i++)
        if (w->s.live.jobs[i].job.id == id)
            return w->s.live.jobs[i].mw;
    fail_msg("job %u not in the picture", id);
    return 0;
}

/* The MW one 2-GPU training job gives up when suspended (it keeps idle GPUs). */
static double cut_of_one(world *w)
{
    const gs_fleet *f = w->fleet;
    const gs_gpu *g = &f->gpus[f->clusters[0].gpu];
    double idle = 2 * gs_gpu_power_w(g, 0) * 1.2 * 1e-6;
    return job_mw(w, w->a) - idle;
}

static int64_t post(world *w, const char *id, double start, double end, double mw)
{
    char a[32], b[32], body[512];
    gs_format_time((int64_t)start, a);
    gs_format_time((int64_t)end, b);
    snprintf(body, sizeof body,
             "{\"id\": \"%s\", \"type\": \"reduce_by\", \"site\": \"lab\", \"start\": \"%s\", "
             "\"end\": \"%s\", \"notice\": \"1min\", \"mw\": %.9f}",
             id, a, b, mw);
    int st = 0;
    json_t *o = call(w, "POST", "/v1/events", body, &st);
    assert_int_equal(st, 201);
    int64_t eid = json_integer_value(json_object_get(o, "id"));
    json_decref(o);
    assert_true(eid > 0);
    return eid;
}

static char *event_state(world *w, int64_t id)
{
    char path[64];
    snprintf(path, sizeof path, "/v1/events/%lld", (long long)id);
    int st = 0;
    json_t *o = call(w, "GET", path, NULL, &st);
    assert_int_equal(st, 200);
    char *s = strdup(json_string_value(json_object_get(o, "state")));
    json_decref(o);
    return s;
}

static void assert_state(world *w, int64_t id, const char *want)
{
    char *got = event_state(w, id);
    if (strcmp(got, want))
        fail_msg("event %lld is '%s', expected '%s'", (long long)id, got, want);
    free(got);
}

static gs_sched_state sched_state(world *w, uint32_t id)
{
    gs_sched_job j;
    gs_error err = {0};
    assert_int_equal(gs_sched_get(w->sched, id, &j, &err), 0);
    return j.state;
}

/* How many actions of event id on job with lever and phase the journal has. */
static size_t journal_count(world *w, int64_t ev, uint32_t job, const char *lever, const char *phase)
{
    gs_store_action *as = NULL;
    size_t n = 0, k = 0;
    gs_error err = {0};
    assert_int_equal(gs_store_actions_list(w->s.store, ev, 0, 0, &as, &n, &err), 0);
    for (size_t i = 0; i < n; i++)
        k += as[i].job_id == job && !strcmp(as[i].lever, lever) && !strcmp(as[i].phase, phase);
    free(as);
    return k;
}

static void test_checkpoint_then_suspend_then_restore(void **state)
{
    world *w = *state;
    tick(w, T0);
    double cut = cut_of_one(w);
    int64_t ev = post(w, "one", T0 + 10, T0 + 60, 1.5 * cut);
    tick(w, T0 + 0.5);
    /* planned at once (the notice has begun), but nothing is done before it must be: the
     * checkpoint-pause needs 3 s of checkpoint and 2 s of pause lead to hold at T0 + 10 */
    assert_state(w, ev, "planned");
    assert_int_equal(gs_sched_fake_signals(w->sched, w->a, NULL, NULL), 0);
    tick(w, T0 + 4.9);
    assert_int_equal(gs_sched_fake_signals(w->sched, w->a, NULL, NULL), 0);
    tick(w, T0 + 5);
    /* the checkpoint signal went to the two jobs with the lowest tiers, not the must-run one */
    assert_int_equal(gs_sched_fake_signals(w->sched, w->a, NULL, NULL), 1);
    assert_int_equal(gs_sched_fake_signals(w->sched, w->b, NULL, NULL), 1);
    assert_int_equal(gs_sched_fake_signals(w->sched, w->c, NULL, NULL), 0);
    assert_int_equal(gs_sched_fake_signals(w->sched, w->inf, NULL, NULL), 0);
    assert_state(w, ev, "acting");
    /* not suspended before the checkpoint has had its 3 s */
    tick(w, T0 + 7);
    assert_int_equal(sched_state(w, w->a), GS_SCHED_RUNNING);
    tick(w, T0 + 8);
    assert_int_equal(sched_state(w, w->a), GS_SCHED_SUSPENDED);
    assert_int_equal(sched_state(w, w->b), GS_SCHED_SUSPENDED);
    assert_int_equal(sched_state(w, w->c), GS_SCHED_RUNNING);
    assert_int_equal(sched_state(w, w->inf), GS_SCHED_RUNNING);
    tick(w, T0 + 9);
    assert_state(w, ev, "active");
    /* the picture counts suspended jobs at idle power, not zero */
    assert_true(job_mw(w, w->a) > 0);
    assert_true(job_mw(w, w->a) < job_mw(w, w->c));
    /* the report: the two jobs with their lever, nothing restored yet */
    int st = 0;
    char path[64];
    snprintf(path, sizeof path, "/v1/events/%lld", (long long)ev);
    json_t *r = call(w, "GET", path, NULL, &st);
    assert_int_equal(st, 200);
    assert_int_equal(json_array_size(json_object_get(r, "jobs")), 2);
    assert_true(json_number_value(json_object_get(r, "planned_mw")) >= 1.5 * cut - 1e-9);
    assert_true(json_is_null(json_object_get(json_array_get(json_object_get(r, "jobs"), 0), "restored_at")));
    json_decref(r);
    /* nothing happens twice while it holds */
    for (double t = T0 + 10; t < T0 + 60; t += 7)
        tick(w, t);
    assert_int_equal(gs_sched_fake_signals(w->sched, w->a, NULL, NULL), 1);
    assert_int_equal(journal_count(w, ev, w->a, "suspend", "done"), 1);
    /* the end: both resumed, the event done, every step once in the journal */
    tick(w, T0 + 60);
    assert_int_equal(sched_state(w, w->a), GS_SCHED_RUNNING);
    assert_int_equal(sched_state(w, w->b), GS_SCHED_RUNNING);
    assert_state(w, ev, "done");
    for (int k = 0; k < 2; k++) {
        uint32_t j = k ? w->b : w->a;
        assert_int_equal(journal_count(w, ev, j, "checkpoint", "done"), 1);
        assert_int_equal(journal_count(w, ev, j, "suspend", "done"), 1);
        assert_int_equal(journal_count(w, ev, j, "resume", "done"), 1);
    }
    r = call(w, "GET", path, NULL, &st);
    assert_false(json_is_null(json_object_get(json_array_get(json_object_get(r, "jobs"), 0), "restored_at")));
    assert_non_null(strstr(json_string_value(json_object_get(r, "note")), "restored"));
    json_decref(r);
    /* the same report as a file */
    char file[1100];
    snprintf(file, sizeof file, "%s/event-%lld.json", w->cfg.reports_dir, (long long)ev);
    json_t *f = json_load_file(file, 0, NULL);
    assert_non_null(f);
    assert_string_equal(json_string_value(json_object_get(f, "state")), "done");
    assert_int_equal(json_array_size(json_object_get(f, "jobs")), 2);
    json_decref(f);
    /* a done event cannot be cancelled */
    json_decref(call(w, "DELETE", path, NULL, &st));
    assert_int_equal(st, 409);
}

static void test_cancel_restores_at_once(void **state)
{
    world *w = *state;
    tick(w, T0);
    int64_t ev = post(w, "cancel-me", T0 + 10, T0 + 3600, 0.5 * cut_of_one(w));
    tick(w, T0 + 1);
    tick(w, T0 + 5);
    tick(w, T0 + 8);
    assert_int_equal(sched_state(w, w->a), GS_SCHED_SUSPENDED);
    int st = 0;
    char path[64];
    snprintf(path, sizeof path, "/v1/events/%lld", (long long)ev);
    json_decref(call(w, "DELETE", path, NULL, &st));
    assert_int_equal(st, 202);
    tick(w, T0 + 9);
    assert_int_equal(sched_state(w, w->a), GS_SCHED_RUNNING);
    assert_state(w, ev, "done");
}

static void test_failed_suspend_replans_onto_another_job(void **state)
{
    world *w = *state;
    w->d = add_job(w, "train-d", "training", 2, "grid:tier=0.5");
    tick(w, T0);
    double cut = cut_of_one(w);
    /* a: refused every time */
    assert_int_equal(gs_sched_fake_fail_next(w->sched, w->a, GS_SCHED_EREFUSED, 100), 0);
    int64_t ev = post(w, "fail", T0 + 10, T0 + 120, 0.9 * cut);
    for (double t = T0 + 1; t < T0 + 40; t += 1)
        tick(w, t);
    /* one of a and d was chosen (both tier 0.5); whichever it was, the cut is made */
    bool a_first = journal_count(w, ev, w->a, "checkpoint", "failed") +
                       journal_count(w, ev, w->a, "suspend", "failed") > 0;
    if (a_first) {
        assert_int_equal(sched_state(w, w->a), GS_SCHED_RUNNING);
        /* three attempts (1 + 2 retries), then the re-plan chose another job */
        assert_true(w->s.replans == 1);
        gs_sched_state sb = sched_state(w, w->b), sd = sched_state(w, w->d);
        assert_true(sb == GS_SCHED_SUSPENDED || sd == GS_SCHED_SUSPENDED);
    } else {
        assert_int_equal(sched_state(w, w->d), GS_SCHED_SUSPENDED);
    }
    assert_int_equal(sched_state(w, w->c), GS_SCHED_RUNNING);
    tick(w, T0 + 120);
    assert_int_equal(sched_state(w, w->b), GS_SCHED_RUNNING);
    assert_int_equal(sched_state(w, w->d), GS_SCHED_RUNNING);
    assert_state(w, ev, "done");
}

static void test_crash_between_intent_and_outcome(void **state)
{
    world *w = *state;
    tick(w, T0);
    int64_t ev = post(w, "crash", T0 + 10, T0 + 100, 1.5 * cut_of_one(w));
    tick(w, T0 + 1); /* planned */
    tick(w, T0 + 5); /* both signalled */
    assert_int_equal(gs_sched_fake_signals(w->sched, w->a, NULL, NULL), 1);
    /* the daemon was about to suspend a and b: a's suspend reached the scheduler, b's did not,
     * and the daemon died before journaling either outcome */
    gs_store_action in = {0};
    in.event_id = ev;
    snprintf(in.lever, sizeof in.lever, "suspend");
    in.attempt = 1;
    in.intent_s = T0 + 8;
    int64_t id = 0;
    gs_error err = {0};
    in.job_id = w->a;
    assert_int_equal(gs_store_action_intent(w->s.store, &in, &id, &err), 0);
    in.job_id = w->b;
    assert_int_equal(gs_store_action_intent(w->s.store, &in, &id, &err), 0);
    gs_sched_result res;
    assert_int_equal(gs_sched_suspend(w->sched, w->a, &res), 0);
    daemon_down(w); /* the crash: nothing of the runtime survives */
    daemon_up(w);
    gs_sched_fake_set_time(w->sched, (int64_t)T0 + 9);
    assert_int_equal(gs_runner_recover(&w->s, T0 + 9, &err), 0);
    assert_int_equal(w->s.nevs, 1);
    /* a: confirmed from the scheduler, not suspended again; b: failed, taken again */
    assert_int_equal(journal_count(w, ev, w->a, "suspend", "done"), 1);
    assert_int_equal(journal_count(w, ev, w->b, "suspend", "failed"), 1);
    tick(w, T0 + 9);
    assert_int_equal(sched_state(w, w->b), GS_SCHED_SUSPENDED);
    assert_int_equal(journal_count(w, ev, w->a, "suspend", "done"), 1);
    assert_int_equal(journal_count(w, ev, w->b, "suspend", "done"), 1);
    assert_int_equal(journal_count(w, ev, w->a, "suspend", "intent"), 0);
    /* no second checkpoint signal */
    assert_int_equal(gs_sched_fake_signals(w->sched, w->a, NULL, NULL), 1);
    assert_int_equal(gs_sched_fake_signals(w->sched, w->b, NULL, NULL), 1);
    /* a second crash, and the daemon comes back only after the event's end: it resumes */
    daemon_down(w);
    daemon_up(w);
    gs_sched_fake_set_time(w->sched, (int64_t)T0 + 500);
    assert_int_equal(gs_runner_recover(&w->s, T0 + 500, &err), 0);
    tick(w, T0 + 500);
    assert_int_equal(sched_state(w, w->a), GS_SCHED_RUNNING);
    assert_int_equal(sched_state(w, w->b), GS_SCHED_RUNNING);
    assert_state(w, ev, "done");
    assert_int_equal(journal_count(w, ev, w->a, "resume", "done"), 1);
}

static void test_caps_through_the_hook(void **state)
{
    world *w = *state;
    char log[512];
    snprintf(log, sizeof log, "%s/caps.log", w->dir);
    setenv("GS_CAP_LOG", log, 1);
    const char *src = getenv("GS_SRC");
    snprintf(w->cfg.cap_hook, sizeof w->cfg.cap_hook, "%s/tests/serve/cap_stub.sh",
             src ? src : "../..");
    tick(w, T0);
    int64_t ev = post(w, "cap", T0 + 10, T0 + 60, 0.2 * cut_of_one(w));
    for (double t = T0 + 1; t < T0 + 20; t += 1)
        tick(w, t);
    assert_int_equal(sched_state(w, w->a), GS_SCHED_RUNNING);
    assert_int_equal(sched_state(w, w->b), GS_SCHED_RUNNING);
    tick(w, T0 + 60);
    assert_state(w, ev, "done");
    FILE *fp = fopen(log, "r");
    assert_non_null(fp);
    char line[256];
    int caps = 0, uncaps = 0;
    while (fgets(line, sizeof line, fp)) {
        unsigned job;
        char nodes[64];
        double watts;
        assert_int_equal(sscanf(line, "%u %63s %lf", &job, nodes, &watts), 3);
        assert_string_equal(nodes, "gsnode1");
        assert_true(job == w->a || job == w->b); /* never the must-run job */
        if (watts > 0)
            caps++;
        else
            uncaps++;
    }
    fclose(fp);
    assert_true(caps >= 1);
    assert_int_equal(caps, uncaps);
    w->cfg.cap_hook[0] = 0;
    unsetenv("GS_CAP_LOG");
}

static void test_bad_requests(void **state)
{
    world *w = *state;
    tick(w, T0);
    int st = 0;
    json_t *o;
    const char *bad[] = {
        "{",                                                             /* malformed */
        "{\"id\": \"x\", \"type\": \"reduce_by\", \"site\": \"lab\", \"start\": "
        "\"2026-12-07T13:00Z\", \"duration\": \"1h\", \"mw\": 1, \"color\": 1}", /* unknown key */
        "{\"id\": \"x\", \"type\": \"reduce_by\", \"site\": \"mars\", \"start\": "
        "\"2026-12-07T13:00Z\", \"duration\": \"1h\", \"mw\": 1}",       /* unknown site */
        "{\"id\": \"x\", \"type\": \"reserve_deploy\", \"site\": \"lab\", \"start\": "
        "\"2026-12-07T13:00Z\", \"duration\": \"1h\", \"mw\": 1}", /* not live */
        "[]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        o = call(w, "POST", "/v1/events", bad[i], &st);
        if (st != 400)
            fail_msg("case %zu: status %d", i, st);
        assert_non_null(json_string_value(json_object_get(o, "error")));
        json_decref(o);
    }
    json_decref(call(w, "GET", "/v1/events/999", NULL, &st));
    assert_int_equal(st, 404);
    json_decref(call(w, "GET", "/v1/events/abc", NULL, &st));
    assert_int_equal(st, 400);
    json_decref(call(w, "GET", "/v1/jobs/999999", NULL, &st));
    assert_int_equal(st, 404);
    json_decref(call(w, "PUT", "/v1/load", NULL, &st));
    assert_int_equal(st, 405);
    json_decref(call(w, "GET", "/v1/nothing", NULL, &st));
    assert_int_equal(st, 404);
    json_decref(call(w, "GET", "/v1/load?from=yesterday", NULL, &st));
    assert_int_equal(st, 400);
    json_decref(call(w, "POST", "/v1/telemetry", "{\"readings\": [{\"node\": \"gsnode1\", \"watts\": -5}]}", &st));
    assert_int_equal(st, 400);
    /* the good ones */
    o = call(w, "GET", "/v1/load", NULL, &st);
    assert_int_equal(st, 200);
    assert_int_equal(json_array_size(json_object_get(o, "jobs")), 4);
    json_decref(o);
    char path[64];
    snprintf(path, sizeof path, "/v1/jobs/%u", w->a);
    o = call(w, "GET", path, NULL, &st);
    assert_int_equal(st, 200);
    assert_string_equal(json_string_value(json_object_get(o, "class")), "training");
    json_decref(o);
    json_decref(call(w, "POST", "/v1/telemetry", "{\"readings\": [{\"node\": \"gsnode1\", \"watts\": 3000}]}", &st));
    assert_int_equal(st, 200);
    gs_http_resp r = {.status = 200};
    gs_http_req q = {.method = "GET", .path = "/metrics", .query = "", .body = "", .body_len = 0};
    gs_serve_api(&w->s, &q, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "gridsplit_load_mw{site=\"lab\",class=\"training\"}"));
    free(r.body);
}

static void test_same_event_twice_is_taken_once(void **state)
{
    world *w = *state;
    tick(w, T0);
    int64_t a = post(w, "dup", T0 + 10, T0 + 60, 0.5 * cut_of_one(w));
    char a_s[32], b_s[32], body[512];
    gs_format_time((int64_t)T0 + 10, a_s);
    gs_format_time((int64_t)T0 + 60, b_s);
    snprintf(body, sizeof body,
             "{\"id\": \"dup\", \"type\": \"reduce_by\", \"site\": \"lab\", \"start\": \"%s\", "
             "\"end\": \"%s\", \"notice\": \"1min\", \"mw\": 0.0001}", a_s, b_s);
    int st = 0;
    json_t *o = call(w, "POST", "/v1/events", body, &st);
    assert_int_equal(st, 200);
    assert_int_equal(json_integer_value(json_object_get(o, "id")), a);
    json_decref(o);
}

/* Inference shifted through the router: the demo fleet's chat service at Ashburn, Frankfurt,
 * Singapore and Sao Paulo; an event on Ashburn's inference load, which has no lever but the
 * router; the weights file moves share off Ashburn at the start and is back at the end. */
static int setup_demo(void **state)
{
    world *w = calloc(1, sizeof *w);
    snprintf(w->dir, sizeof w->dir, "%s/gs_runner.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(w->dir));
    const char *src = getenv("GS_SRC");
    char fleet[512];
    snprintf(fleet, sizeof fleet, "%s/examples/demo/fleet.yaml", src ? src : "../..");
    gs_error err = {0};
    if (gs_fleet_load(fleet, &w->fleet, &err) != 0)
        fail_msg("%s: %s", fleet, err.message);
    gs_serve_config *c = &w->cfg;
    snprintf(c->policy, sizeof c->policy, "comply");
    snprintf(c->router_weights_path, sizeof c->router_weights_path, "%s/weights.json", w->dir);
    c->pause_lead_s = 2;
    c->cap_lead_s = 2;
    c->action_retries = 2;
    c->hook_timeout_s = 5;
    c->map.comment_tags = true;
    c->map.default_tier = 1;
    c->map.ndefaults = 2;
    c->map.defaults = calloc(2, sizeof *c->map.defaults);
    c->map.defaults[0] = rule("ash", GS_INFERENCE, "ash-h100", 1);
    c->map.defaults[1] = rule("fra", GS_INFERENCE, "fra-h100", 1);
    assert_int_equal(gs_sched_fake_new((int64_t)T0 - 600, &w->sched, &err), 0);
    w->a = add_job(w, "chat-ash", "ash", 4096, NULL);
    w->b = add_job(w, "chat-fra", "fra", 2048, NULL);
    daemon_up(w);
    *state = w;
    return 0;
}

static double weight_of(const char *path, const char *site)
{
    json_t *o = json_load_file(path, 0, NULL);
    assert_non_null(o);
    json_t *w = json_object_get(json_object_get(json_array_get(json_object_get(o, "services"), 0),
                                                "weights"),
                                site);
    assert_true(json_is_number(w));
    double v = json_number_value(w);
    json_decref(o);
    return v;
}

static void test_inference_moves_through_the_router(void **state)
{
    world *w = *state;
    tick(w, T0);
    char body[512], a[32], b[32];
    gs_format_time((int64_t)T0 + 10, a);
    gs_format_time((int64_t)T0 + 70, b);
    snprintf(body, sizeof body,
             "{\"id\": \"ash-inf\", \"type\": \"reduce_by\", \"site\": \"ashburn\", "
             "\"class\": \"inference\", \"start\": \"%s\", \"end\": \"%s\", "
             "\"notice\": \"1min\", \"mw\": 1}", a, b);
    int st = 0;
    json_t *o = call(w, "POST", "/v1/events", body, &st);
    if (st != 201)
        fail_msg("POST: %d %s", st, json_string_value(json_object_get(o, "error")));
    int64_t ev = json_integer_value(json_object_get(o, "id"));
    json_decref(o);
    tick(w, T0 + 1);
    assert_int_equal(access(w->cfg.router_weights_path, F_OK), -1); /* not before it must */
    tick(w, T0 + 9);
    double ash = weight_of(w->cfg.router_weights_path, "ashburn");
    double fra = weight_of(w->cfg.router_weights_path, "frankfurt");
    assert_true(ash > 0 && fra > 0);
    assert_int_equal(journal_count(w, ev, 0, "route", "done"), 1);
    /* jobs untouched */
    assert_int_equal(sched_state(w, w->a), GS_SCHED_RUNNING);
    tick(w, T0 + 70);
    /* the baseline is back: Ashburn had more than during the event, Frankfurt less */
    double ash_end = weight_of(w->cfg.router_weights_path, "ashburn");
    assert_true(ash_end > ash);
    assert_true(weight_of(w->cfg.router_weights_path, "frankfurt") < fra);
    assert_int_equal(journal_count(w, ev, 0, "route", "done"), 2);
    assert_state(w, ev, "done");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_checkpoint_then_suspend_then_restore, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_restores_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_suspend_replans_onto_another_job, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crash_between_intent_and_outcome, setup, teardown),
        cmocka_unit_test_setup_teardown(test_caps_through_the_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_event_twice_is_taken_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inference_moves_through_the_router, setup_demo,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
