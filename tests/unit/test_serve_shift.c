/* test_serve_shift.c: the inference shift (src/daemon/shift.c) on the demo fleet
 * (examples/demo/fleet.yaml: service chat at ashburn, frankfurt, singapore, sao-paulo) and on a
 * small two-service fleet written here: baseline weights are the sites' shares of the service's
 * live inference MW; a cut moves weight off the event site to the sites within the RTT limit
 * only (Ashburn -> Frankfurt and Sao Paulo, never Singapore at 241 ms); the receivers' free GPUs
 * cap it, and what cannot be placed stays with a note; a cut above the MW above idle moves at
 * most all the traffic; no site within the limit or no free GPUs moves nothing; a site without
 * an inference service gives n = 0 with a note; two services at the event site share the cut;
 * unclassified jobs hold GPUs without being traffic; bad arguments are clear errors; and the
 * router's JSON parses back with weights summing to 1. */
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
#include <unistd.h>

#include "daemon/live.h"
#include "daemon/shift.h"
#include "gridsplit/read/latency.h"
#include "gridsplit/load.h"
#include "gridsplit/read/fleet.h"

#define NOW 1796662805.0 /* 2026-12-07T17:00:05Z */
#define EPS 1e-9

typedef struct fx {
    gs_fleet *f;
    gs_map m;
    gs_sched_jobs jobs;
    gs_live l;
    gs_shift *sh;
    size_t n;
    const gs_route_opts *ro; /* the RTT sources; NULL: the plain model */
} fx;

static void map_init(gs_map *m)
{
    m->comment_tags = true;
    m->default_tier = 1;
    m->ndefaults = 1;
    m->defaults = calloc(1, sizeof *m->defaults);
    assert_non_null(m->defaults);
    gs_map_rule *d = &m->defaults[0];
    snprintf(d->partition, sizeof d->partition, "inference");
    d->set.has_cls = true;
    d->set.cls = GS_INFERENCE;
}

static int setup_path(void **st, const char *path)
{
    fx *x = calloc(1, sizeof *x);
    gs_error e = {0};
    if (!x || gs_fleet_load(path, &x->f, &e) != 0) {
        fprintf(stderr, "cannot load %s: %s\n", path, e.message);
        free(x);
        return -1;
    }
    map_init(&x->m);
    *st = x;
    return 0;
}

static int setup(void **st)
{
    const char *src = getenv("GS_SRC");
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/demo/fleet.yaml", src ? src : ".");
    return setup_path(st, path);
}

static int teardown(void **st)
{
    fx *x = *st;
    gs_shift_free(x->sh, x->n);
    gs_live_free(&x->l);
    gs_sched_jobs_free(&x->jobs);
    gs_map_free(&x->m);
    gs_fleet_free(x->f);
    free(x);
    return 0;
}

/* A job on a cluster: partition "inference" (classified) or anything else (unclassified, but
 * placed on the cluster its tag names). */
static void job(fx *x, const char *partition, const char *cluster, gs_sched_state st,
                uint32_t gpus)
{
    gs_sched_job *j = gs_sched_jobs_push(&x->jobs);
    assert_non_null(j);
    j->id = (uint32_t)x->jobs.n;
    snprintf(j->name, sizeof j->name, "job%u", j->id);
    snprintf(j->partition, sizeof j->partition, "%s", partition);
    snprintf(j->comment, sizeof j->comment, "grid:cluster=%s", cluster);
    j->state = st;
    j->gpus = gpus;
}

static void build(fx *x)
{
    gs_error e = {0};
    gs_live_free(&x->l);
    if (gs_live_build(x->f, &x->m, &x->jobs, NULL, 0, 120, NOW, &x->l, &e) != 0)
        fail_msg("gs_live_build: %s", e.message);
}

static void plan(fx *x, const char *site, double cut_mw)
{
    gs_error e = {0};
    gs_shift_free(x->sh, x->n);
    x->sh = NULL;
    x->n = 0;
    int s = gs_fleet_find_site(x->f, site);
    assert_true(s >= 0);
    if (gs_shift_plan(x->f, &x->l, s, cut_mw, x->ro, &x->sh, &x->n, &e) != 0)
        fail_msg("gs_shift_plan: %s", e.message);
}

static const gs_shift_site *ssite(const gs_shift *sh, const gs_fleet *f, const char *id)
{
    int s = gs_fleet_find_site(f, id);
    for (size_t i = 0; i < sh->nsites; i++)
        if (sh->sites[i].site == s)
            return &sh->sites[i];
    fail_msg("site %s is not in the shift", id);
    return NULL;
}

/* MW above idle of one GPU of a cluster at its utilisation, at the site's PUE now. */
static double dyn_mw_per_gpu(fx *x, const char *cluster)
{
    const gs_cluster *c = &x->f->clusters[gs_fleet_find_cluster(x->f, cluster)];
    const gs_gpu *g = &x->f->gpus[c->gpu];
    return (gs_gpu_power_w(g, c->utilisation) - gs_gpu_power_w(g, 0)) *
           x->l.sites[c->site].pue / 1e6;
}

/* Every service: weights finite, >= 0, sum 1; sites in fleet order. */
static void check_weights(const gs_shift *sh, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double sum = 0, base = 0;
        for (size_t k = 0; k < sh[i].nsites; k++) {
            double w = sh[i].sites[k].weight;
            assert_true(isfinite(w) && w >= 0 && w <= 1 + EPS);
            sum += w;
            base += sh[i].sites[k].baseline;
            if (k > 0)
                assert_true(sh[i].sites[k].site > sh[i].sites[k - 1].site);
        }
        assert_true(fabs(sum - 1) < EPS);
        assert_true(fabs(base - 1) < EPS);
        assert_true(isfinite(sh[i].shifted_mw) && sh[i].shifted_mw >= 0);
        assert_true(sh[i].shifted_mw <= sh[i].asked_mw + EPS);
    }
}

/* The demo: ashburn 20000 of 24576 GPUs serving, frankfurt 16000 of 16384, singapore 10000 of
 * 14336, sao-paulo 4000 of 9216, and a training job that must not count. */
static void demo_jobs(fx *x, uint32_t ashburn)
{
    job(x, "inference", "ash-h100", GS_SCHED_RUNNING, ashburn);
    job(x, "inference", "fra-h100", GS_SCHED_RUNNING, 16000);
    job(x, "inference", "sin-h200", GS_SCHED_RUNNING, 10000);
    job(x, "inference", "sao-h100", GS_SCHED_RUNNING, 4000);
    job(x, "training", "wt-h100", GS_SCHED_RUNNING, 50000);
    build(x);
}

static void baseline_is_share_of_live_mw(void **st)
{
    fx *x = *st;
    demo_jobs(x, 20000);
    plan(x, "ashburn", 0);
    assert_int_equal(x->n, 1);
    const gs_shift *sh = &x->sh[0];
    assert_int_equal(sh->service, gs_fleet_find_service(x->f, "chat"));
    assert_int_equal(sh->nsites, 4);
    check_weights(x->sh, x->n);
    const char *ids[] = {"ashburn", "frankfurt", "singapore", "sao-paulo"};
    double total = 0;
    for (int i = 0; i < 4; i++)
        total += x->l.sites[gs_fleet_find_site(x->f, ids[i])].mw[GS_LIVE_INFERENCE];
    assert_true(total > 0);
    for (int i = 0; i < 4; i++) {
        const gs_shift_site *ss = ssite(sh, x->f, ids[i]);
        double mw = x->l.sites[ss->site].mw[GS_LIVE_INFERENCE];
        assert_true(fabs(ss->mw_before - mw) < EPS);
        assert_true(fabs(ss->baseline - mw / total) < EPS);
        assert_true(fabs(ss->weight - ss->baseline) < EPS);
        assert_true(fabs(ss->mw_after - ss->mw_before) < EPS);
    }
    assert_true(sh->shifted_mw == 0);
    assert_non_null(strstr(sh->note, "nothing asked"));
}

static void cut_moves_to_sites_within_budget_only(void **st)
{
    fx *x = *st;
    demo_jobs(x, 20000);
    /* 5 % of Ashburn's MW above idle: 1000 GPUs of traffic; Frankfurt (104 ms) has 384 free,
     * Sao Paulo (121 ms) 5216; Singapore (241 ms) is beyond 200 - 50 ms */
    double dyn = 20000 * dyn_mw_per_gpu(x, "ash-h100");
    plan(x, "ashburn", 0.05 * dyn);
    assert_int_equal(x->n, 1);
    const gs_shift *sh = &x->sh[0];
    check_weights(x->sh, x->n);
    assert_true(fabs(sh->rtt_limit_ms - 150) < EPS);
    assert_true(fabs(sh->asked_mw - 0.05 * dyn) < 1e-9);
    assert_true(fabs(sh->shifted_mw - 0.05 * dyn) < 1e-9);
    const gs_shift_site *ash = ssite(sh, x->f, "ashburn");
    const gs_shift_site *fra = ssite(sh, x->f, "frankfurt");
    const gs_shift_site *sin = ssite(sh, x->f, "singapore");
    const gs_shift_site *sao = ssite(sh, x->f, "sao-paulo");
    assert_false(ash->eligible);
    assert_true(fra->eligible);
    assert_true(sao->eligible);
    assert_false(sin->eligible);
    assert_true(fra->rtt_ms > 100 && fra->rtt_ms < 110);
    assert_true(sao->rtt_ms > 115 && sao->rtt_ms < 125);
    assert_true(sin->rtt_ms > 150);
    assert_non_null(strstr(sin->why, "over the 150 ms limit"));
    /* weights: Ashburn keeps 95 %, the receivers share 1000 GPUs by their free GPUs */
    assert_true(fabs(ash->weight - ash->baseline * 0.95) < EPS);
    assert_true(fabs(sin->weight - sin->baseline) < EPS);
    double g_fra = 1000.0 * 384 / 5600, g_sao = 1000.0 * 5216 / 5600;
    assert_true(fabs(fra->moved_gpus - g_fra) < 1e-6);
    assert_true(fabs(sao->moved_gpus - g_sao) < 1e-6);
    assert_true(fabs(ash->moved_gpus + 1000) < 1e-6);
    assert_true(fabs(fra->weight - (fra->baseline + ash->baseline * g_fra / 20000)) < EPS);
    assert_true(fabs(sao->weight - (sao->baseline + ash->baseline * g_sao / 20000)) < EPS);
    assert_true(fra->weight > fra->baseline && sao->weight > sao->baseline);
    assert_true(fabs(ash->mw_after - (ash->mw_before - sh->shifted_mw)) < EPS);
    assert_true(fabs(sao->mw_after - (sao->mw_before + g_sao * dyn_mw_per_gpu(x, "sao-h100"))) <
                EPS);
    assert_true(sin->mw_after == sin->mw_before);
    assert_non_null(strstr(sh->note, "moved 1000 of 20000"));
}

/* With a measured matrix (the fleet's network section, as the daemon loads it), the shift takes
 * each pair's RTT from it as the router does: Washington DC - Frankfurt measured at 140 ms is
 * within the 150 ms limit, Washington DC - Sao Paulo at 160 ms is not (the plain model said 121),
 * and each reason names the source. */
static void cut_uses_the_measured_rtts(void **st)
{
    fx *x = *st;
    const char *src = getenv("GS_SRC");
    char regions[1024], matrix[] = "/tmp/gs-shift-rtt-XXXXXX";
    snprintf(regions, sizeof regions, "%s/data/catalog/latency_regions.csv", src ? src : ".");
    int fd = mkstemp(matrix);
    assert_true(fd >= 0);
    const char *csv = "src,dst,avg_latency_ms\nWashington DC,Frankfurt,140\nWashington DC,Sao Paulo,160\n";
    assert_int_equal(write(fd, csv, strlen(csv)), (ssize_t)strlen(csv));
    close(fd);
    gs_latency_regions regs = {0};
    gs_latency_measured m = {0};
    gs_error e = {0};
    if (gs_latency_regions_read(regions, &regs, &e) != 0 ||
        gs_latency_measured_read(matrix, &regs, NULL, &m, &e) != 0)
        fail_msg("%s", e.message);
    unlink(matrix);
    gs_route_opts ro = gs_route_opts_default();
    ro.rtt_places = &regs;
    ro.rtt_measured = &m;
    x->ro = &ro;
    demo_jobs(x, 20000);
    plan(x, "ashburn", 0.05 * 20000 * dyn_mw_per_gpu(x, "ash-h100"));
    const gs_shift *sh = &x->sh[0];
    const gs_shift_site *fra = ssite(sh, x->f, "frankfurt"), *sao = ssite(sh, x->f, "sao-paulo");
    assert_int_equal(fra->rtt_source, GS_RTT_MEASURED);
    assert_true(fra->rtt_ms > 140 && fra->rtt_ms < 148); /* + the ends' distance to the places */
    assert_true(fra->eligible);
    assert_non_null(strstr(fra->why, "(measured)"));
    assert_int_equal(sao->rtt_source, GS_RTT_MEASURED);
    assert_false(sao->eligible);
    assert_non_null(strstr(sao->why, "(measured) from ashburn is over the 150 ms limit"));
    assert_int_equal(ssite(sh, x->f, "singapore")->rtt_source, GS_RTT_PLAIN);
    x->ro = NULL;
    gs_latency_measured_free(&m);
    gs_latency_regions_free(&regs);
}

static void headroom_caps_the_shift(void **st)
{
    fx *x = *st;
    demo_jobs(x, 20000);
    /* half of Ashburn: 10000 GPUs of traffic, 5600 free within the limit */
    double per = dyn_mw_per_gpu(x, "ash-h100");
    double dyn = 20000 * per;
    plan(x, "ashburn", 0.5 * dyn);
    const gs_shift *sh = &x->sh[0];
    check_weights(x->sh, x->n);
    assert_true(fabs(sh->asked_mw - 0.5 * dyn) < 1e-9);
    assert_true(fabs(sh->shifted_mw - 5600 * per) < 1e-9);
    assert_true(sh->shifted_mw < sh->asked_mw);
    const gs_shift_site *ash = ssite(sh, x->f, "ashburn");
    const gs_shift_site *fra = ssite(sh, x->f, "frankfurt");
    const gs_shift_site *sao = ssite(sh, x->f, "sao-paulo");
    assert_true(fabs(fra->moved_gpus - 384) < 1e-6);
    assert_true(fabs(sao->moved_gpus - 5216) < 1e-6);
    assert_true(fabs(fra->moved_gpus - fra->headroom_gpus) < 1e-6);
    assert_true(fabs(ash->weight - ash->baseline * (1 - 5600.0 / 20000)) < EPS);
    assert_non_null(strstr(sh->note, "no more free GPUs"));
    assert_non_null(strstr(sh->note, "stays at ashburn"));
}

static void cut_above_dynamic_moves_at_most_everything(void **st)
{
    fx *x = *st;
    demo_jobs(x, 2000); /* 2000 GPUs serving: less than the 5600 free */
    double dyn = 2000 * dyn_mw_per_gpu(x, "ash-h100");
    plan(x, "ashburn", 10 * dyn);
    const gs_shift *sh = &x->sh[0];
    check_weights(x->sh, x->n);
    assert_true(fabs(sh->asked_mw - 10 * dyn) < 1e-9);
    assert_true(fabs(sh->shifted_mw - dyn) < 1e-9);
    const gs_shift_site *ash = ssite(sh, x->f, "ashburn");
    assert_true(ash->weight < EPS);
    assert_true(fabs(ash->moved_gpus + 2000) < 1e-6);
    /* what stays is the idle draw of Ashburn's GPUs */
    const gs_cluster *c = &x->f->clusters[gs_fleet_find_cluster(x->f, "ash-h100")];
    double idle = 24576 * gs_gpu_power_w(&x->f->gpus[c->gpu], 0) * x->l.sites[c->site].pue / 1e6;
    assert_true(fabs(ash->mw_after - idle) < 1e-9);
    assert_non_null(strstr(sh->note, "above idle"));
    /* the same with a larger cut still: nothing more */
    plan(x, "ashburn", 1e6);
    assert_true(fabs(x->sh[0].shifted_mw - dyn) < 1e-9);
    check_weights(x->sh, x->n);
}

static void no_site_within_budget_moves_nothing(void **st)
{
    fx *x = *st;
    demo_jobs(x, 20000);
    /* Singapore: Frankfurt at 161 ms, Ashburn and Sao Paulo farther */
    plan(x, "singapore", 10);
    const gs_shift *sh = &x->sh[0];
    check_weights(x->sh, x->n);
    assert_true(sh->shifted_mw == 0);
    assert_true(fabs(sh->asked_mw - 10) < EPS);
    for (size_t i = 0; i < sh->nsites; i++) {
        assert_false(sh->sites[i].eligible);
        assert_true(fabs(sh->sites[i].weight - sh->sites[i].baseline) < EPS);
    }
    assert_non_null(strstr(sh->note, "no other site of chat is within the 150 ms"));
}

static void no_headroom_moves_nothing(void **st)
{
    fx *x = *st;
    demo_jobs(x, 24576); /* Ashburn full: Frankfurt's only site within the limit */
    plan(x, "frankfurt", 5);
    const gs_shift *sh = &x->sh[0];
    check_weights(x->sh, x->n);
    assert_true(sh->shifted_mw == 0);
    const gs_shift_site *ash = ssite(sh, x->f, "ashburn");
    assert_false(ash->eligible);
    assert_true(ash->headroom_gpus == 0);
    assert_non_null(strstr(ash->why, "no free GPUs"));
    assert_non_null(strstr(ssite(sh, x->f, "sao-paulo")->why, "over the 150 ms"));
    assert_non_null(strstr(sh->note, "has no free GPUs"));
    for (size_t i = 0; i < sh->nsites; i++)
        assert_true(fabs(sh->sites[i].weight - sh->sites[i].baseline) < EPS);
}

static void site_without_service_gives_none(void **st)
{
    fx *x = *st;
    demo_jobs(x, 20000);
    plan(x, "west-texas", 50);
    assert_int_equal(x->n, 0);
    assert_non_null(x->sh);
    assert_int_equal(x->sh[0].service, -1);
    assert_int_equal(x->sh[0].nsites, 0);
    assert_non_null(strstr(x->sh[0].note, "west-texas has no inference cluster"));
    char *js = gs_shift_json(x->f, x->sh, x->n, "evt-1", NOW, false);
    assert_non_null(js);
    json_error_t je;
    json_t *root = json_loads(js, 0, &je);
    assert_non_null(root);
    assert_int_equal(json_array_size(json_object_get(root, "services")), 0);
    json_decref(root);
    free(js);
}

static void unclassified_jobs_hold_gpus_but_are_not_traffic(void **st)
{
    fx *x = *st;
    job(x, "inference", "ash-h100", GS_SCHED_RUNNING, 20000);
    job(x, "inference", "fra-h100", GS_SCHED_RUNNING, 16000);
    job(x, "inference", "sao-h100", GS_SCHED_RUNNING, 4000);
    job(x, "debug", "sao-h100", GS_SCHED_RUNNING, 1216);      /* unclassified, placed */
    job(x, "inference", "sao-h100", GS_SCHED_SUSPENDED, 1000); /* holds, serves nothing */
    job(x, "debug", "ash-h100", GS_SCHED_RUNNING, 576);        /* unclassified at the event */
    build(x);
    int sao = gs_fleet_find_site(x->f, "sao-paulo");
    assert_int_equal(x->l.sites[sao].gpus_busy[GS_INFERENCE], 6216);
    /* MW above idle at Ashburn: the 20000 classified GPUs only */
    double per = dyn_mw_per_gpu(x, "ash-h100");
    plan(x, "ashburn", 0.5 * 20000 * per);
    const gs_shift *sh = &x->sh[0];
    check_weights(x->sh, x->n);
    const gs_shift_site *ss = ssite(sh, x->f, "sao-paulo");
    assert_true(fabs(ss->headroom_gpus - 3000) < EPS);
    assert_true(fabs(ss->mw_before - x->l.sites[sao].mw[GS_LIVE_INFERENCE]) < EPS);
    assert_true(fabs(ssite(sh, x->f, "ashburn")->mw_before -
                     x->l.sites[gs_fleet_find_site(x->f, "ashburn")].mw[GS_LIVE_INFERENCE]) < EPS);
    /* 10000 wanted, 384 + 3000 free */
    assert_true(fabs(sh->shifted_mw - 3384 * per) < 1e-9);
    assert_true(fabs(sh->asked_mw - 10000 * per) < 1e-9);
}

static void json_parses_back(void **st)
{
    fx *x = *st;
    demo_jobs(x, 20000);
    double dyn = 20000 * dyn_mw_per_gpu(x, "ash-h100");
    plan(x, "ashburn", 0.3 * dyn);
    for (int b = 0; b < 2; b++) {
        char *js = gs_shift_json(x->f, x->sh, x->n, b ? NULL : "evt-42", NOW, b == 1);
        assert_non_null(js);
        json_error_t je;
        json_t *root = json_loads(js, 0, &je);
        if (!root)
            fail_msg("JSON does not parse: %s: %s", je.text, js);
        assert_string_equal(json_string_value(json_object_get(root, "at")),
                            "2026-12-07T17:00:05Z");
        json_t *ev = json_object_get(root, "event");
        if (b)
            assert_true(json_is_null(ev));
        else
            assert_string_equal(json_string_value(ev), "evt-42");
        json_t *svcs = json_object_get(root, "services");
        assert_int_equal(json_array_size(svcs), 1);
        json_t *s0 = json_array_get(svcs, 0);
        assert_string_equal(json_string_value(json_object_get(s0, "service")), "chat");
        json_t *w = json_object_get(s0, "weights");
        assert_int_equal(json_object_size(w), 4);
        const char *want[] = {"ashburn", "frankfurt", "singapore", "sao-paulo"};
        const char *key;
        json_t *val;
        double sum = 0;
        int k = 0;
        json_object_foreach (w, key, val) {
            assert_string_equal(key, want[k]); /* fleet order */
            const gs_shift_site *ss = ssite(&x->sh[0], x->f, key);
            assert_true(json_is_number(val));
            assert_true(fabs(json_number_value(val) - (b ? ss->baseline : ss->weight)) < 1e-12);
            sum += json_number_value(val);
            k++;
        }
        assert_true(fabs(sum - 1) < EPS);
        double shifted = json_number_value(json_object_get(s0, "shifted_mw"));
        if (b) {
            assert_true(shifted == 0);
            assert_string_equal(json_string_value(json_object_get(s0, "note")), "baseline");
        } else {
            assert_true(shifted > 0 && fabs(shifted - x->sh[0].shifted_mw) < 1e-6);
            assert_string_equal(json_string_value(json_object_get(s0, "note")), x->sh[0].note);
        }
        json_decref(root);
        free(js);
    }
    /* odd inputs stay valid documents */
    char *js = gs_shift_json(x->f, x->sh, x->n, "", NAN, false);
    assert_non_null(js);
    json_t *root = json_loads(js, 0, NULL);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "at")), "1970-01-01T00:00:00Z");
    assert_true(json_is_null(json_object_get(root, "event")));
    json_decref(root);
    free(js);
    assert_null(gs_shift_json(NULL, x->sh, x->n, NULL, NOW, false));
}

static void bad_arguments_are_errors(void **st)
{
    fx *x = *st;
    demo_jobs(x, 20000);
    gs_shift *out = (gs_shift *)&out; /* must be reset */
    size_t n = 7;
    gs_error e = {0};
    assert_int_equal(gs_shift_plan(x->f, &x->l, -1, 1, NULL, &out, &n, &e), GS_EINPUT);
    assert_null(out);
    assert_int_equal(n, 0);
    assert_non_null(strstr(e.message, "found -1"));
    assert_int_equal(gs_shift_plan(x->f, &x->l, 99, 1, NULL, &out, &n, &e), GS_EINPUT);
    assert_non_null(strstr(e.message, "found 99"));
    assert_int_equal(gs_shift_plan(x->f, &x->l, 4, NAN, NULL, &out, &n, &e), GS_EINPUT);
    assert_int_equal(gs_shift_plan(x->f, &x->l, 4, INFINITY, NULL, &out, &n, &e), GS_EINPUT);
    assert_int_equal(gs_shift_plan(x->f, &x->l, 4, -1, NULL, &out, &n, &e), GS_EINPUT);
    assert_non_null(strstr(e.message, "found -1"));
    assert_int_equal(gs_shift_plan(x->f, NULL, 4, 1, NULL, &out, &n, &e), GS_EINPUT);
    assert_int_equal(gs_shift_plan(NULL, &x->l, 4, 1, NULL, &out, &n, &e), GS_EINPUT);
    assert_int_equal(gs_shift_plan(x->f, &x->l, 4, 1, NULL, NULL, &n, &e), GS_EINPUT);
    assert_int_equal(gs_shift_plan(x->f, &x->l, 4, 1, NULL, &out, NULL, &e), GS_EINPUT);
    gs_live other = x->l;
    other.nsites = 2;
    assert_int_equal(gs_shift_plan(x->f, &other, 4, 1, NULL, &out, &n, &e), GS_EINPUT);
    assert_non_null(strstr(e.message, "found one of 2 sites"));
    assert_null(out);
    gs_shift_free(NULL, 3);
}

/* ---- two services at one site (a fleet written here) ----------------------------------------- */

static const char two_services_yaml[] =
    "name: two services\n"
    "zones:\n"
    "  - id: Z\n"
    "sites:\n"
    "  - {id: a, name: A, lat: 39.04, lon: -77.49, tz: America/New_York, zone: Z, "
    "interconnect_mw: 100, pue: 1.2, cooling: air, rack_kw_max: 40}\n"
    "  - {id: b, name: B, lat: 40.71, lon: -74.01, tz: America/New_York, zone: Z, "
    "interconnect_mw: 100, pue: 1.1, cooling: air, rack_kw_max: 40}\n"
    "  - {id: c, name: C, lat: 35.68, lon: 139.69, tz: Asia/Tokyo, zone: Z, "
    "interconnect_mw: 100, pue: 1.3, cooling: air, rack_kw_max: 40}\n"
    "clusters:\n"
    "  - {id: a1, site: a, class: inference, gpu: H100, gpus: 2000, racks: 100, service: s1}\n"
    "  - {id: a2, site: a, class: inference, gpu: H200, gpus: 1000, racks: 50, service: s2}\n"
    "  - {id: b1, site: b, class: inference, gpu: H100, gpus: 4000, racks: 200, service: s1}\n"
    "  - {id: b2, site: b, class: inference, gpu: H100, gpus: 1000, racks: 50, service: s2}\n"
    "  - {id: c1, site: c, class: inference, gpu: H100, gpus: 4000, racks: 200, service: s1}\n"
    "services:\n"
    "  - id: s1\n"
    "    peak_requests_per_s: 10000\n"
    "    energy_per_request_j: 50\n"
    "    requests_per_s_per_gpu: 10\n"
    "    latency_budget_ms: 200\n"
    "    server_time_ms: 60\n"
    "    regions:\n"
    "      - {id: r1, lat: 40.0, lon: -75.0, tz: America/New_York, share: 1}\n"
    "  - id: s2\n"
    "    peak_requests_per_s: 5000\n"
    "    energy_per_request_j: 50\n"
    "    requests_per_s_per_gpu: 10\n"
    "    latency_budget_ms: 200\n"
    "    regions:\n"
    "      - {id: r2, lat: 40.0, lon: -75.0, tz: America/New_York, share: 1}\n";

static int setup_two(void **st)
{
    char path[] = "/tmp/gs_shift_fleet_XXXXXX.yaml";
    int fd = mkstemps(path, 5);
    if (fd < 0)
        return -1;
    FILE *fp = fdopen(fd, "w");
    if (!fp) {
        close(fd);
        unlink(path);
        return -1;
    }
    fputs(two_services_yaml, fp);
    fclose(fp);
    int rc = setup_path(st, path);
    unlink(path);
    return rc;
}

static void two_services_share_the_cut(void **st)
{
    fx *x = *st;
    job(x, "inference", "a1", GS_SCHED_RUNNING, 1000);
    job(x, "inference", "a2", GS_SCHED_RUNNING, 500);
    job(x, "inference", "b1", GS_SCHED_RUNNING, 1000);
    job(x, "inference", "c1", GS_SCHED_RUNNING, 2000);
    build(x);
    double d1 = 1000 * dyn_mw_per_gpu(x, "a1"), d2 = 500 * dyn_mw_per_gpu(x, "a2");
    double cut = 0.5 * (d1 + d2);
    plan(x, "a", cut);
    assert_int_equal(x->n, 2);
    check_weights(x->sh, x->n);
    const gs_shift *s1 = &x->sh[0], *s2 = &x->sh[1];
    assert_int_equal(s1->service, 0);
    assert_int_equal(s2->service, 1);
    assert_int_equal(s1->nsites, 3);
    assert_int_equal(s2->nsites, 2);
    assert_true(fabs(s1->rtt_limit_ms - 140) < EPS); /* its own server time */
    assert_true(fabs(s2->rtt_limit_ms - 150) < EPS); /* the default 50 ms */
    /* each asked its share of the site's MW above idle, and all of it placed */
    assert_true(fabs(s1->asked_mw + s2->asked_mw - cut) < 1e-9);
    assert_true(fabs(s1->asked_mw - 0.5 * d1) < 1e-9);
    assert_true(fabs(s1->shifted_mw - 0.5 * d1) < 1e-9);
    assert_true(fabs(s2->shifted_mw - 0.5 * d2) < 1e-9);
    assert_true(fabs(ssite(s1, x->f, "b")->moved_gpus - 500) < 1e-6);
    assert_true(fabs(ssite(s2, x->f, "b")->moved_gpus - 250) < 1e-6);
    assert_false(ssite(s1, x->f, "c")->eligible);
    assert_true(ssite(s1, x->f, "c")->weight == ssite(s1, x->f, "c")->baseline);
    /* per-service MW at a adds up to live's inference MW there */
    int a = gs_fleet_find_site(x->f, "a");
    assert_true(fabs(ssite(s1, x->f, "a")->mw_before + ssite(s2, x->f, "a")->mw_before -
                     x->l.sites[a].mw[GS_LIVE_INFERENCE]) < EPS);
    /* s2 draws no MW above idle at b, but has a baseline share there (its idle GPUs) */
    assert_true(ssite(s2, x->f, "b")->baseline > 0);
    char *js = gs_shift_json(x->f, x->sh, x->n, "evt", NOW, false);
    assert_non_null(js);
    json_t *root = json_loads(js, 0, NULL);
    assert_non_null(root);
    json_t *svcs = json_object_get(root, "services");
    assert_int_equal(json_array_size(svcs), 2);
    for (size_t i = 0; i < 2; i++) {
        json_t *w = json_object_get(json_array_get(svcs, i), "weights");
        const char *key;
        json_t *val;
        double sum = 0;
        json_object_foreach (w, key, val)
            sum += json_number_value(val);
        assert_true(fabs(sum - 1) < EPS);
    }
    json_decref(root);
    free(js);
}

static void no_traffic_at_event_site_moves_nothing(void **st)
{
    fx *x = *st;
    job(x, "inference", "b1", GS_SCHED_RUNNING, 1000);
    build(x);
    plan(x, "a", 5);
    assert_int_equal(x->n, 2);
    check_weights(x->sh, x->n);
    for (size_t i = 0; i < x->n; i++) {
        assert_true(x->sh[i].shifted_mw == 0);
        assert_non_null(strstr(x->sh[i].note, "no "));
        assert_non_null(strstr(x->sh[i].note, "traffic above idle"));
        for (size_t k = 0; k < x->sh[i].nsites; k++)
            assert_true(x->sh[i].sites[k].weight == x->sh[i].sites[k].baseline ||
                        fabs(x->sh[i].sites[k].weight - x->sh[i].sites[k].baseline) < EPS);
    }
}

int main(void)
{
    const struct CMUnitTest demo[] = {
        cmocka_unit_test_setup_teardown(baseline_is_share_of_live_mw, setup, teardown),
        cmocka_unit_test_setup_teardown(cut_moves_to_sites_within_budget_only, setup, teardown),
        cmocka_unit_test_setup_teardown(cut_uses_the_measured_rtts, setup, teardown),
        cmocka_unit_test_setup_teardown(headroom_caps_the_shift, setup, teardown),
        cmocka_unit_test_setup_teardown(cut_above_dynamic_moves_at_most_everything, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(no_site_within_budget_moves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(no_headroom_moves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(site_without_service_gives_none, setup, teardown),
        cmocka_unit_test_setup_teardown(unclassified_jobs_hold_gpus_but_are_not_traffic, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(json_parses_back, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_arguments_are_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(two_services_share_the_cut, setup_two, teardown),
        cmocka_unit_test_setup_teardown(no_traffic_at_event_site_moves_nothing, setup_two,
                                        teardown),
    };
    return cmocka_run_group_tests(demo, NULL, NULL);
}
