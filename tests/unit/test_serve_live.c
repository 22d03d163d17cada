/* test_serve_live.c: the live picture (src/daemon/live.c) on the demo fleet
 * (examples/demo/fleet.yaml): a running job's GPUs at its cluster's utilisation, a suspended
 * one's at idle (it keeps its GPUs), pending / completing / ended at 0; each cluster's GPUs no
 * job holds counted at idle; measured power from fresh node readings split among the jobs on a
 * node, a job measured only when all its nodes are fresh, stale and silent nodes counted;
 * unclassified jobs counted where the mapping named a cluster and nowhere otherwise; PUE by the
 * site's month; and the JSON of GET /v1/load read back with the right numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <math.h>

#include "daemon/live.h"
#include "gridsplit/load.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/time.h"

#define NOW 1796662805.0 /* 2026-12-07T17:00:05Z */
#define STALE_S 120.0

typedef struct fx {
    gs_fleet *f;
    gs_map m;
    gs_sched_jobs jobs;
    gs_telemetry_reading r[32];
    size_t nr;
    gs_live l;
} fx;

static int setup(void **st)
{
    const char *src = getenv("GS_SRC");
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/demo/fleet.yaml", src ? src : ".");
    fx *x = calloc(1, sizeof *x);
    gs_error e = {0};
    if (gs_fleet_load(path, &x->f, &e) != 0) {
        fprintf(stderr, "cannot load %s: %s\n", path, e.message);
        free(x);
        return -1;
    }
    x->m.comment_tags = true;
    x->m.default_tier = 1;
    x->m.ndefaults = 2;
    x->m.defaults = calloc(2, sizeof *x->m.defaults);
    gs_map_rule *d = &x->m.defaults[0];
    snprintf(d->partition, sizeof d->partition, "training");
    d->set.has_cls = true;
    d->set.cls = GS_TRAINING;
    d->set.has_cluster = true;
    snprintf(d->set.cluster, sizeof d->set.cluster, "wt-h100");
    d = &x->m.defaults[1];
    snprintf(d->partition, sizeof d->partition, "inference");
    d->set.has_cls = true;
    d->set.cls = GS_INFERENCE;
    d->set.has_cluster = true;
    snprintf(d->set.cluster, sizeof d->set.cluster, "ash-h100");
    *st = x;
    return 0;
}

static int teardown(void **st)
{
    fx *x = *st;
    gs_live_free(&x->l);
    gs_sched_jobs_free(&x->jobs);
    gs_map_free(&x->m);
    gs_fleet_free(x->f);
    free(x);
    return 0;
}

static uint32_t add(fx *x, const char *partition, gs_sched_state st, uint32_t gpus,
                    const char *nodes, const char *comment)
{
    gs_sched_job *j = gs_sched_jobs_push(&x->jobs);
    assert_non_null(j);
    j->id = (uint32_t)x->jobs.n;
    snprintf(j->name, sizeof j->name, "job%u", j->id);
    snprintf(j->partition, sizeof j->partition, "%s", partition);
    snprintf(j->nodes, sizeof j->nodes, "%s", nodes);
    snprintf(j->comment, sizeof j->comment, "%s", comment);
    j->state = st;
    j->gpus = gpus;
    return j->id;
}

static void reading(fx *x, const char *node, double watts, double age_s)
{
    gs_telemetry_reading *r = &x->r[x->nr++];
    memset(r, 0, sizeof *r);
    snprintf(r->node, sizeof r->node, "%s", node);
    r->watts = watts;
    r->at_s = NOW - age_s;
    r->received_s = NOW - age_s;
}

static void build(fx *x)
{
    gs_error e = {0};
    gs_live_free(&x->l);
    int rc =
        gs_live_build(x->f, &x->m, &x->jobs, x->nr ? x->r : NULL, x->nr, STALE_S, NOW, &x->l, &e);
    if (rc != 0)
        fail_msg("gs_live_build: %s", e.message);
}

static const gs_live_job *ljob(fx *x, uint32_t id)
{
    assert_true(id >= 1 && id <= x->l.njobs);
    return &x->l.jobs[id - 1];
}

static const gs_live_site *lsite(fx *x, const char *id)
{
    int s = gs_fleet_find_site(x->f, id);
    assert_true(s >= 0);
    assert_int_equal(x->l.sites[s].site, s);
    return &x->l.sites[s];
}

static double pw(fx *x, const char *cluster, double activity)
{
    const gs_cluster *c = &x->f->clusters[gs_fleet_find_cluster(x->f, cluster)];
    return gs_gpu_power_w(&x->f->gpus[c->gpu], activity);
}

static double util(fx *x, const char *cluster)
{
    return x->f->clusters[gs_fleet_find_cluster(x->f, cluster)].utilisation;
}

static void near(double got, double want)
{
    if (!(fabs(got - want) <= 1e-9 * fmax(1, fabs(want))))
        fail_msg("got %.12g, want %.12g", got, want);
}

/* ---- power ----------------------------------------------------------------------------------- */

static void test_running_suspended_pending_and_idle_gpus_modelled(void **st)
{
    fx *x = *st;
    uint32_t run = add(x, "training", GS_SCHED_RUNNING, 8, "wt[001-002]", "");
    uint32_t sus = add(x, "training", GS_SCHED_SUSPENDED, 8, "wt[003-004]", "");
    uint32_t pend = add(x, "training", GS_SCHED_PENDING, 16, "", "");
    uint32_t comp = add(x, "training", GS_SCHED_COMPLETING, 8, "wt005", "");
    uint32_t end = add(x, "training", GS_SCHED_ENDED, 8, "wt006", "");
    uint32_t inf = add(x, "inference", GS_SCHED_RUNNING, 4, "ash01", "");
    build(x);

    /* the H100 of the catalogue: 302 W idle with its server share, 1129.05 W at 0.85 */
    near(pw(x, "wt-h100", 0), 302);
    near(pw(x, "wt-h100", util(x, "wt-h100")), 1129.05);
    const gs_live_job *j = ljob(x, run);
    assert_true(j->jc.classified);
    assert_false(j->measured);
    near(j->it_w, 8 * 1129.05);
    near(j->mw, 8 * 1129.05 * 1.15 / 1e6);
    near(j->modelled_w, j->it_w);
    assert_int_equal(j->nnodes, 2);
    assert_string_equal(gs_live_job_power_source(j), "modelled");
    j = ljob(x, sus);
    near(j->it_w, 8 * 302.0); /* suspended: its GPUs idle, not zero */
    near(j->mw, 8 * 302.0 * 1.15 / 1e6);
    for (uint32_t id = pend; id <= end; id++) {
        j = ljob(x, id);
        assert_true(j->it_w == 0 && j->mw == 0);
        assert_string_equal(gs_live_job_power_source(j), "none");
    }
    (void)comp;
    j = ljob(x, inf);
    near(j->it_w, 4 * pw(x, "ash-h100", util(x, "ash-h100")));
    near(j->mw, j->it_w * 1.30 / 1e6);

    const gs_live_site *s = lsite(x, "west-texas");
    near(s->pue, 1.15);
    double idle_mw = (98304 - 16) * 302.0 * 1.15 / 1e6;
    near(s->mw[GS_LIVE_TRAINING], (8 * 1129.05 + 8 * 302.0) * 1.15 / 1e6 + idle_mw);
    assert_true(s->mw[GS_LIVE_INFERENCE] == 0 && s->mw[GS_LIVE_UNCLASSIFIED] == 0);
    assert_true(s->measured_mw[GS_LIVE_TRAINING] == 0);
    assert_int_equal(s->jobs[GS_LIVE_TRAINING], 2);
    assert_int_equal(s->suspended[GS_LIVE_TRAINING], 1);
    assert_int_equal(s->gpus_busy[GS_TRAINING], 16);
    assert_int_equal(s->gpus[GS_TRAINING], 98304);
    assert_int_equal(s->racks[GS_TRAINING], 3072);
    assert_int_equal(s->racks[GS_INFERENCE], 0);
    assert_string_equal(gs_live_site_source(s), "modelled");

    s = lsite(x, "ashburn");
    near(s->mw[GS_LIVE_INFERENCE], (4 * pw(x, "ash-h100", 0.9) + (24576 - 4) * 302.0) * 1.30 / 1e6);
    assert_int_equal(s->jobs[GS_LIVE_INFERENCE], 1);
    assert_int_equal(s->gpus_busy[GS_INFERENCE], 4);
    /* a site with no jobs: all its GPUs idle */
    s = lsite(x, "quebec");
    near(s->mw[GS_LIVE_TRAINING], 32768 * pw(x, "qc-b200", 0) * 1.10 / 1e6);
    assert_int_equal(s->jobs[GS_LIVE_TRAINING], 0);

    assert_int_equal(x->l.nodes_measured, 0);
    assert_int_equal(x->l.nodes_stale, 0);
    assert_int_equal(x->l.nodes_silent, 5); /* wt001-004 and ash01; not the ended jobs' */
    assert_int_equal(x->l.njobs, 6);
    assert_int_equal(x->l.nsites, x->f->nsites);
    assert_true(x->l.at_s == NOW);
}

static void test_measured_modelled_and_stale(void **st)
{
    fx *x = *st;
    uint32_t run = add(x, "training", GS_SCHED_RUNNING, 8, "wt[001-002]", "");
    uint32_t sus = add(x, "training", GS_SCHED_SUSPENDED, 8, "wt[003-004]", "");
    uint32_t inf = add(x, "inference", GS_SCHED_RUNNING, 4, "ash01", "");
    uint32_t edge = add(x, "training", GS_SCHED_RUNNING, 8, "wt007", "");
    reading(x, "wt001", 6000, 10);
    reading(x, "wt002", 6100, 0);
    reading(x, "wt003", 2000, 5);
    reading(x, "wt004", 2000, 600); /* stale */
    reading(x, "idle99", 900, 1); /* no job on it: counted, not placed */
    reading(x, "wt007", 7000, STALE_S); /* exactly at the staleness limit: still fresh */
    build(x);

    const gs_live_job *j = ljob(x, run);
    assert_true(j->measured);
    near(j->it_w, 12100);
    near(j->mw, 12100 * 1.15 / 1e6);
    near(j->modelled_w, 8 * 1129.05);
    assert_int_equal(j->nnodes_fresh, 2);
    assert_string_equal(gs_live_job_power_source(j), "measured");
    j = ljob(x, sus); /* one node stale: modelled */
    assert_false(j->measured);
    near(j->it_w, 8 * 302.0);
    assert_int_equal(j->nnodes, 2);
    assert_int_equal(j->nnodes_fresh, 1);
    j = ljob(x, inf); /* no reading: modelled */
    assert_false(j->measured);
    assert_string_equal(gs_live_job_power_source(j), "modelled");
    j = ljob(x, edge);
    assert_true(j->measured);
    near(j->it_w, 7000);

    const gs_live_site *s = lsite(x, "west-texas");
    near(s->measured_mw[GS_LIVE_TRAINING], (12100 + 7000) * 1.15 / 1e6);
    near(s->mw[GS_LIVE_TRAINING],
         (12100 + 7000 + 8 * 302.0) * 1.15 / 1e6 + (98304 - 24) * 302.0 * 1.15 / 1e6);
    assert_string_equal(gs_live_site_source(s), "mixed");
    assert_string_equal(gs_live_site_source(lsite(x, "ashburn")), "modelled");
    assert_int_equal(x->l.nodes_measured, 5); /* wt001 wt002 wt003 wt007 idle99 */
    assert_int_equal(x->l.nodes_stale, 1); /* wt004 */
    assert_int_equal(x->l.nodes_silent, 1); /* ash01 */
}

static void test_node_power_split_among_its_jobs(void **st)
{
    fx *x = *st;
    /* two jobs on one node: in proportion to their modelled watts */
    uint32_t a = add(x, "training", GS_SCHED_RUNNING, 4, "sh01", "");
    uint32_t b = add(x, "training", GS_SCHED_SUSPENDED, 4, "sh01", "");
    /* a job over two nodes sharing one with another: modelled watts per node */
    uint32_t c = add(x, "training", GS_SCHED_RUNNING, 8, "m[1-2]", "");
    uint32_t d = add(x, "training", GS_SCHED_RUNNING, 4, "m2", "");
    /* an unclassified job with no cluster on a node with a classified one: by GPUs */
    uint32_t u = add(x, "debug", GS_SCHED_RUNNING, 2, "sh02", "");
    uint32_t e = add(x, "training", GS_SCHED_RUNNING, 6, "sh02", "");
    /* an unclassified job with no cluster and no reading: unknown, 0 */
    uint32_t v = add(x, "debug", GS_SCHED_RUNNING, 2, "dbg01", "");
    /* a node listed twice is one node */
    uint32_t w = add(x, "training", GS_SCHED_RUNNING, 8, "tw1,tw1", "");
    reading(x, "sh01", 5000, 1);
    reading(x, "m1", 3000, 1);
    reading(x, "m2", 4000, 1);
    reading(x, "sh02", 800, 1);
    reading(x, "tw1", 9000, 1);
    build(x);

    double wa = 4 * 1129.05, wb = 4 * 302.0;
    near(ljob(x, a)->it_w, 5000 * wa / (wa + wb));
    near(ljob(x, b)->it_w, 5000 * wb / (wa + wb));
    assert_true(ljob(x, a)->measured && ljob(x, b)->measured);
    near(ljob(x, c)->it_w, 3000 + 2000);
    near(ljob(x, d)->it_w, 2000);
    const gs_live_job *ju = ljob(x, u);
    assert_false(ju->jc.classified);
    assert_true(ju->measured);
    near(ju->it_w, 200);
    near(ju->mw, 200 / 1e6); /* no site: IT power, no PUE */
    assert_int_equal(ju->site, -1);
    assert_string_equal(gs_live_job_power_source(ju), "measured");
    near(ljob(x, e)->it_w, 600);
    const gs_live_job *jv = ljob(x, v);
    assert_false(jv->measured);
    assert_true(jv->it_w == 0 && jv->mw == 0);
    assert_string_equal(gs_live_job_power_source(jv), "unknown");
    assert_int_equal(ljob(x, w)->nnodes, 1);
    assert_true(ljob(x, w)->measured);
    near(ljob(x, w)->it_w, 9000);

    /* the unclassified job without a site counts nowhere */
    const gs_live_site *s = lsite(x, "west-texas");
    assert_true(s->mw[GS_LIVE_UNCLASSIFIED] == 0);
    assert_int_equal(s->jobs[GS_LIVE_UNCLASSIFIED], 0);
    double measured_it = 5000 + 3000 + 4000 + 600 + 9000;
    near(s->measured_mw[GS_LIVE_TRAINING], measured_it * 1.15 / 1e6);
    assert_int_equal(s->gpus_busy[GS_TRAINING], 4 + 4 + 8 + 4 + 6 + 8);
    assert_int_equal(x->l.nodes_silent, 1); /* dbg01 */
}

static void test_unclassified_with_a_named_cluster_counts_at_its_site(void **st)
{
    fx *x = *st;
    uint32_t mis = add(x, "training", GS_SCHED_RUNNING, 8, "wt001", "grid:class=inference");
    uint32_t bad = add(x, "training", GS_SCHED_SUSPENDED, 8, "wt002", "grid:tier=high");
    uint32_t pend = add(x, "training", GS_SCHED_PENDING, 8, "", "grid:class=inference");
    uint32_t malformed = add(x, "training", GS_SCHED_RUNNING, 8, "wt[1-", "");
    build(x);

    const gs_live_job *j = ljob(x, mis);
    assert_false(j->jc.classified);
    assert_string_equal(j->jc.reason, "cluster 'wt-h100' is for training, the job is inference");
    assert_int_equal(j->cluster, gs_fleet_find_cluster(x->f, "wt-h100"));
    assert_int_equal(j->site, gs_fleet_find_site(x->f, "west-texas"));
    near(j->it_w, 8 * 1129.05);
    j = ljob(x, bad);
    assert_false(j->jc.classified);
    near(j->it_w, 8 * 302.0);
    assert_true(ljob(x, pend)->mw == 0);
    j = ljob(x, malformed); /* a host list that cannot be read: modelled, no nodes */
    assert_true(j->jc.classified);
    assert_int_equal(j->nnodes, 0);
    near(j->it_w, 8 * 1129.05);

    const gs_live_site *s = lsite(x, "west-texas");
    near(s->mw[GS_LIVE_UNCLASSIFIED], (8 * 1129.05 + 8 * 302.0) * 1.15 / 1e6);
    assert_int_equal(s->jobs[GS_LIVE_UNCLASSIFIED], 2);
    assert_int_equal(s->suspended[GS_LIVE_UNCLASSIFIED], 1);
    assert_int_equal(s->jobs[GS_LIVE_TRAINING], 1);
    assert_int_equal(s->gpus_busy[GS_TRAINING], 24); /* their GPUs are not idle */
    near(s->mw[GS_LIVE_TRAINING], 8 * 1129.05 * 1.15 / 1e6 + (98304 - 24) * 302.0 * 1.15 / 1e6);
    assert_int_equal(x->l.nodes_silent, 2);
}

static void test_a_site_all_measured_and_overcommit(void **st)
{
    fx *x = *st;
    int c = gs_fleet_find_cluster(x->f, "sao-h100");
    x->f->clusters[c].gpus = 8;
    snprintf(x->m.defaults[1].set.cluster, sizeof x->m.defaults[1].set.cluster, "sao-h100");
    uint32_t a = add(x, "inference", GS_SCHED_RUNNING, 8, "sp1", "");
    reading(x, "sp1", 8000, 3);
    build(x);
    const gs_live_site *s = lsite(x, "sao-paulo");
    assert_true(ljob(x, a)->measured);
    near(s->mw[GS_LIVE_INFERENCE], 8000 * 1.40 / 1e6);
    near(s->measured_mw[GS_LIVE_INFERENCE], s->mw[GS_LIVE_INFERENCE]);
    assert_string_equal(gs_live_site_source(s), "measured");

    /* more GPUs held than the cluster has: no negative idle power */
    add(x, "inference", GS_SCHED_SUSPENDED, 8, "sp2", "");
    build(x);
    s = lsite(x, "sao-paulo");
    near(s->mw[GS_LIVE_INFERENCE], (8000 + 8 * 302.0) * 1.40 / 1e6);
    assert_int_equal(s->gpus_busy[GS_INFERENCE], 16);
    assert_string_equal(gs_live_site_source(s), "mixed");

    /* absurd GPU counts from the scheduler: no overflow, counts held at INT_MAX */
    add(x, "inference", GS_SCHED_RUNNING, UINT32_MAX, "sp3", "");
    add(x, "inference", GS_SCHED_RUNNING, UINT32_MAX, "sp4", "");
    build(x);
    s = lsite(x, "sao-paulo");
    assert_int_equal(s->gpus_busy[GS_INFERENCE], INT_MAX);
    assert_true(isfinite(s->mw[GS_LIVE_INFERENCE]));
}

static void test_pue_now(void **st)
{
    fx *x = *st;
    const gs_site *iowa = &x->f->sites[gs_fleet_find_site(x->f, "iowa")];
    /* 2026-07-01 03:00 UTC is still June 30 in Iowa (lon -93.62: UTC - 6.2 h) */
    near(gs_live_site_pue(iowa, (double)gs_utc_from_civil(2026, 7, 1, 3, 0, 0)), 1.14);
    near(gs_live_site_pue(iowa, (double)gs_utc_from_civil(2026, 7, 1, 12, 0, 0)), 1.15);
    near(gs_live_site_pue(iowa, (double)gs_utc_from_civil(2026, 1, 1, 3, 0, 0)), 1.10);
    near(gs_live_site_pue(&x->f->sites[gs_fleet_find_site(x->f, "singapore")], NOW), 1.40);
    gs_site s = *iowa;
    s.pue_kind = GS_PUE_SERIES;
    s.pue = 1.0;
    s.pue_series = NULL; /* not loaded: the site's field */
    near(gs_live_site_pue(&s, NOW), 1.0);
    gs_series *ser = gs_series_new((int64_t)NOW - 3600, 3600, 2);
    assert_non_null(ser);
    ser->v[0] = 1.2;
    ser->v[1] = NAN;
    s.pue_series = ser;
    near(gs_live_site_pue(&s, NOW - 10), 1.2);
    near(gs_live_site_pue(&s, NOW), 1.0); /* no value: the site's field */
    ser->v[0] = 0.5;
    near(gs_live_site_pue(&s, NOW - 10), 1.0); /* below 1 counts as 1 */
    gs_series_free(ser);

    /* the picture applies it: a job on the monthly site */
    snprintf(x->m.defaults[0].set.cluster, sizeof x->m.defaults[0].set.cluster, "ia-h200");
    uint32_t j = add(x, "training", GS_SCHED_RUNNING, 8, "ia001", "");
    build(x); /* December */
    near(ljob(x, j)->mw, ljob(x, j)->it_w * 1.10 / 1e6);
    near(lsite(x, "iowa")->pue, 1.10);
}

static void test_bad_arguments(void **st)
{
    fx *x = *st;
    gs_live l;
    gs_error e = {0};
    assert_int_equal(gs_live_build(NULL, &x->m, &x->jobs, NULL, 0, STALE_S, NOW, &l, &e),
                     GS_EINPUT);
    assert_int_equal(gs_live_build(x->f, &x->m, &x->jobs, NULL, 3, STALE_S, NOW, &l, &e),
                     GS_EINPUT);
    assert_string_equal(e.message, "3 readings given without their array");
    assert_int_equal(gs_live_build(x->f, &x->m, NULL, NULL, 0, STALE_S, NOW, &l, &e), 0);
    assert_int_equal(l.njobs, 0);
    char *text = gs_live_json(&l, x->f);
    assert_non_null(text);
    free(text);
    gs_live_free(&l);
    gs_live_free(NULL);
    assert_null(gs_live_json(NULL, x->f));
    assert_string_equal(gs_live_cls_name(GS_LIVE_UNCLASSIFIED), "unclassified");
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static json_t *site_of(json_t *root, const char *id)
{
    json_t *sites = json_object_get(root, "sites");
    for (size_t i = 0; i < json_array_size(sites); i++) {
        json_t *s = json_array_get(sites, i);
        if (strcmp(json_string_value(json_object_get(s, "site")), id) == 0)
            return s;
    }
    fail_msg("no site %s in the JSON", id);
    return NULL;
}

static json_t *job_of(json_t *root, uint32_t id)
{
    json_t *jobs = json_object_get(root, "jobs");
    for (size_t i = 0; i < json_array_size(jobs); i++) {
        json_t *j = json_array_get(jobs, i);
        if (json_integer_value(json_object_get(j, "id")) == id)
            return j;
    }
    fail_msg("no job %u in the JSON", id);
    return NULL;
}

static double num(json_t *o, const char *a, const char *b)
{
    json_t *v = json_object_get(o, a);
    if (b)
        v = json_object_get(v, b);
    if (!json_is_number(v))
        fail_msg("%s%s%s is not a number", a, b ? "." : "", b ? b : "");
    return json_number_value(v);
}

static void near6(double got, double want)
{
    if (!(fabs(got - round(want * 1e6) / 1e6) < 1e-9))
        fail_msg("got %.12g, want %.6f", got, want);
}

static void test_json_reads_back_with_the_right_numbers(void **st)
{
    fx *x = *st;
    uint32_t run = add(x, "training", GS_SCHED_RUNNING, 8, "wt[001-002]",
                       "grid:ckpt=USR1/120s,interval=4h,tier=0.75,window=run");
    uint32_t sus = add(x, "training", GS_SCHED_SUSPENDED, 8, "wt003", "");
    uint32_t unc = add(x, "debug", GS_SCHED_RUNNING, 2, "dbg01", "");
    uint32_t mis = add(x, "training", GS_SCHED_RUNNING, 8, "wt004", "grid:class=inference");
    uint32_t pend = add(x, "inference", GS_SCHED_PENDING, 1, "", "");
    reading(x, "wt001", 6000, 10);
    reading(x, "wt002", 6100, 10);
    reading(x, "wt003", 100, 3600);
    reading(x, "bad1", NAN, 1); /* never makes NaN in the JSON */
    uint32_t nanjob = add(x, "training", GS_SCHED_RUNNING, 8, "bad1", "");
    build(x);
    char *text = gs_live_json(&x->l, x->f);
    assert_non_null(text);
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    if (!root)
        fail_msg("the JSON does not read back: %s\n%s", je.text, text);

    assert_string_equal(json_string_value(json_object_get(root, "at")), "2026-12-07T17:00:05Z");
    json_t *tel = json_object_get(root, "telemetry");
    assert_int_equal(json_integer_value(json_object_get(tel, "nodes_measured")), 3);
    assert_int_equal(json_integer_value(json_object_get(tel, "nodes_stale")), 1);
    assert_int_equal(json_integer_value(json_object_get(tel, "nodes_silent")), 2);
    assert_int_equal(json_array_size(json_object_get(root, "sites")), x->f->nsites);
    assert_int_equal(json_array_size(json_object_get(root, "jobs")), 6);

    json_t *s = site_of(root, "west-texas");
    assert_string_equal(json_string_value(json_object_get(s, "name")),
                        "West Texas training campus");
    assert_string_equal(json_string_value(json_object_get(s, "zone")), "ERCOT");
    assert_string_equal(json_string_value(json_object_get(s, "source")), "mixed");
    near6(num(s, "pue", NULL), 1.15);
    double idle = (98304 - 32) * 302.0;
    double nanjob_w = 8 * 1129.05; /* its reading is not a number: modelled */
    near6(num(s, "mw", "training"), (12100 + 8 * 302.0 + nanjob_w + idle) * 1.15 / 1e6);
    near6(num(s, "mw", "inference"), 0);
    near6(num(s, "mw", "unclassified"), 8 * 1129.05 * 1.15 / 1e6);
    near6(num(s, "measured_mw", "training"), 12100 * 1.15 / 1e6);
    near6(num(s, "measured_mw", "unclassified"), 0);
    assert_int_equal((int)num(s, "jobs", "training"), 3);
    assert_int_equal((int)num(s, "jobs", "unclassified"), 1);
    assert_int_equal((int)num(s, "suspended", "training"), 1);
    assert_int_equal((int)num(s, "racks", "training"), 3072);
    assert_int_equal((int)num(s, "racks", "inference"), 0);
    assert_int_equal((int)num(s, "gpus", "training"), 98304);
    assert_int_equal((int)num(s, "gpus_busy", "training"), 32);
    assert_null(json_object_get(json_object_get(s, "racks"), "unclassified"));
    s = site_of(root, "frankfurt");
    near6(num(s, "mw", "inference"), 16384 * 302.0 * 1.30 / 1e6);
    assert_string_equal(json_string_value(json_object_get(s, "source")), "modelled");

    json_t *j = job_of(root, run);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "job1");
    assert_string_equal(json_string_value(json_object_get(j, "partition")), "training");
    assert_string_equal(json_string_value(json_object_get(j, "state")), "running");
    assert_string_equal(json_string_value(json_object_get(j, "class")), "training");
    assert_true(json_is_true(json_object_get(j, "classified")));
    assert_null(json_object_get(j, "reason"));
    assert_string_equal(json_string_value(json_object_get(j, "site")), "west-texas");
    assert_string_equal(json_string_value(json_object_get(j, "cluster")), "wt-h100");
    near6(num(j, "tier", NULL), 0.75);
    assert_string_equal(json_string_value(json_object_get(j, "window")), "run");
    assert_string_equal(json_string_value(json_object_get(j, "ckpt")), "USR1/2min");
    assert_string_equal(json_string_value(json_object_get(j, "ckpt_interval")), "4h");
    assert_int_equal(json_integer_value(json_object_get(j, "gpus")), 8);
    assert_string_equal(json_string_value(json_object_get(j, "nodes")), "wt[001-002]");
    near6(num(j, "mw", NULL), 12100 * 1.15 / 1e6);
    assert_true(json_is_true(json_object_get(j, "measured")));
    assert_string_equal(json_string_value(json_object_get(j, "power_source")), "measured");
    assert_string_equal(json_string_value(json_object_get(j, "source")),
                        "partition training; comment");

    j = job_of(root, sus);
    assert_string_equal(json_string_value(json_object_get(j, "state")), "suspended");
    assert_true(json_is_null(json_object_get(j, "ckpt")));
    assert_true(json_is_false(json_object_get(j, "measured"))); /* its reading is stale */
    near6(num(j, "mw", NULL), 8 * 302.0 * 1.15 / 1e6);
    near6(num(j, "tier", NULL), 1);

    j = job_of(root, unc);
    assert_true(json_is_null(json_object_get(j, "class")));
    assert_true(json_is_false(json_object_get(j, "classified")));
    assert_string_equal(json_string_value(json_object_get(j, "reason")),
                        "no rule matches partition 'debug' and the comment has no grid: tag");
    assert_true(json_is_null(json_object_get(j, "site")));
    assert_true(json_is_null(json_object_get(j, "cluster")));
    assert_true(json_is_null(json_object_get(j, "tier")));
    near6(num(j, "mw", NULL), 0);
    assert_string_equal(json_string_value(json_object_get(j, "power_source")), "unknown");

    j = job_of(root, mis);
    assert_true(json_is_null(json_object_get(j, "class")));
    assert_string_equal(json_string_value(json_object_get(j, "site")), "west-texas");
    assert_string_equal(json_string_value(json_object_get(j, "cluster")), "wt-h100");
    assert_string_equal(json_string_value(json_object_get(j, "reason")),
                        "cluster 'wt-h100' is for training, the job is inference");

    j = job_of(root, pend);
    assert_string_equal(json_string_value(json_object_get(j, "state")), "pending");
    assert_string_equal(json_string_value(json_object_get(j, "class")), "inference");
    assert_string_equal(json_string_value(json_object_get(j, "power_source")), "none");
    near6(num(j, "mw", NULL), 0);

    j = job_of(root, nanjob);
    assert_true(json_is_false(json_object_get(j, "measured")));
    near6(num(j, "mw", NULL), nanjob_w * 1.15 / 1e6);

    json_decref(root);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_running_suspended_pending_and_idle_gpus_modelled,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_measured_modelled_and_stale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_node_power_split_among_its_jobs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unclassified_with_a_named_cluster_counts_at_its_site,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_site_all_measured_and_overcommit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pue_now, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_reads_back_with_the_right_numbers, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
