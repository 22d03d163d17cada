/* test_planner.c: the planner (src/plan/planner.c): targets met when feasible, shortfalls
 * exact, tiers never broken (random fleets, fixed seed), determinism, notice and ramp, the
 * least-cost search equal to an exhaustive search on small instances, overrides that make the
 * run timeline lose exactly the planned time, and the optimised planner's plans byte-identical
 * to those of the reference (the planner before its speed-up) on random and bench-sized
 * instances. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gridsplit/plan.h"

static const gs_gpu H100 = {"H100", 700, 72, 575, 150, "test"};

typedef struct rng {
    uint64_t s;
} rng;
static double urand(rng *r)
{
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(r->s >> 11) / 9007199254740992.0;
}

#define T0 1700000000LL

/* A random fleet of n training jobs (and one inference cluster) on nsites sites. */
typedef struct fleet {
    gs_plan_job jobs[64];
    size_t n;
    double site_mw[4];
    int site_zone[4];
} fleet;

static void make_fleet(fleet *f, size_t n, rng *r)
{
    memset(f, 0, sizeof *f);
    static const char *const wl[] = {"pretraining", "finetuning", "inference-batch"};
    static const double tiers[] = {0.9, 0.75, 0.5, 1.0};
    for (size_t i = 0; i < n; i++) {
        gs_plan_job *j = &f->jobs[i];
        snprintf(j->id, sizeof j->id, "run-%zu", i);
        j->cls = GS_TRAINING;
        j->run = (int)i;
        j->site = (int)(i % 2);
        j->zone = 0;
        j->gpu = &H100;
        j->utilisation = 0.7 + 0.3 * urand(r);
        j->pue = 1.1 + 0.2 * urand(r);
        j->curve = gs_capcurve_builtin(wl[(int)(urand(r) * 3) % 3]);
        j->flex.gpus = (double)(256 + (int)(urand(r) * 4096));
        j->flex.usd_per_gpu_hour = 1.5 + 2 * urand(r);
        j->flex.length_s = 86400.0 * (2 + 26 * urand(r));
        j->flex.since_ckpt_s = 3 * 3600 * urand(r);
        j->flex.restart_overhead_s = 60 * (int)(urand(r) * 30);
        j->flex.tier = tiers[(int)(urand(r) * 4) % 4];
        double allowed = j->flex.tier < 1 ? j->flex.length_s * (1 / j->flex.tier - 1) : 0;
        j->flex.slack_used_s = allowed * urand(r) * (urand(r) < 0.3 ? 1.0 : 0.2);
        j->flex.deadline_margin_s = urand(r) < 0.5 ? INFINITY : 86400 * urand(r);
        j->next_ckpt_s = urand(r) < 0.5 ? (double)(T0 - 3600 + (int)(urand(r) * 7200)) : -1;
        j->power_mw = j->flex.gpus * gs_gpu_power_w(&H100, j->utilisation) * j->pue * 1e-6;
        f->site_mw[j->site] += j->power_mw;
    }
    /* an inference cluster on site 1 */
    gs_plan_job *inf = &f->jobs[n];
    snprintf(inf->id, sizeof inf->id, "chat");
    inf->cls = GS_INFERENCE;
    inf->run = -1;
    inf->site = 1;
    inf->power_mw = 5;
    inf->requests_per_s = 20000;
    inf->flex.tier = 1;
    inf->next_ckpt_s = -1;
    f->site_mw[1] += 5;
    f->n = n + 1;
}

static gs_plan_state state_of(const fleet *f)
{
    gs_plan_state st = {f->n, f->jobs, 2, f->site_mw, f->site_zone};
    return st;
}

static gs_event reduce_by(double mw)
{
    gs_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.id, sizeof ev.id, "ev");
    ev.kind = GS_PEV_REDUCE_BY;
    ev.scope = GS_SCOPE_FLEET;
    ev.start_s = T0;
    ev.end_s = T0 + 3 * 3600;
    ev.notice_s = 3600;
    ev.ramp_s = 600;
    ev.mw = mw;
    return ev;
}

static void check_plan_invariants(const gs_plan_state *st, const gs_plan *p)
{
    double sum = 0;
    for (size_t i = 0; i < p->nentries; i++) {
        const gs_plan_entry *e = &p->entries[i];
        const gs_plan_job *j = &st->jobs[e->job];
        sum += e->reduction_mw;
        assert_true(e->reduction_mw >= 0);
        assert_true(e->mw_after >= -1e-9);
        if (j->cls == GS_TRAINING && e->lever != GS_LEVER_RUN) {
            /* the tier floor holds over the whole run */
            double total = j->flex.length_s + j->flex.slack_used_s + e->cost.lost_s;
            assert_true(j->flex.length_s / total >= j->flex.tier - 1e-9);
            assert_true(e->cost.tier_ok);
            assert_true(j->flex.tier < 1);
        }
        if (j->cls == GS_INFERENCE)
            assert_int_equal(e->lever, GS_LEVER_RUN); /* never shed unless allowed */
    }
    assert_true(fabs(sum - p->achieved_mw) < 1e-6);
    assert_true(fabs(p->shortfall_mw - fmax(0, p->target_mw - p->achieved_mw)) < 1e-9);
}

static void tiers_never_broken_on_random_fleets(void **s)
{
    (void)s;
    rng r = {12345};
    gs_policy pol;
    gs_policy_default(GS_POLICY_COMPLY, &pol);
    for (int it = 0; it < 300; it++) {
        fleet f;
        make_fleet(&f, 1 + (size_t)(urand(&r) * 40), &r);
        gs_plan_state st = state_of(&f);
        gs_event ev = reduce_by(urand(&r) * (f.site_mw[0] + f.site_mw[1]));
        gs_plan p;
        gs_error err = {0};
        assert_int_equal(gs_plan_make(&st, &ev, &pol, &p, &err), 0);
        check_plan_invariants(&st, &p);
        if (p.available_mw >= p.target_mw)
            assert_true(p.achieved_mw >= p.target_mw - 1e-9); /* met when feasible */
        else
            assert_true(fabs(p.shortfall_mw - (p.target_mw - p.available_mw)) < 1e-9);
        gs_plan_free(&p);
    }
}

static void shortfall_is_exact(void **s)
{
    (void)s;
    rng r = {7};
    fleet f;
    make_fleet(&f, 10, &r);
    gs_plan_state st = state_of(&f);
    gs_policy pol;
    gs_policy_default(GS_POLICY_COMPLY, &pol);
    gs_event ev = reduce_by(1e6);
    gs_plan p;
    gs_error err = {0};
    assert_int_equal(gs_plan_make(&st, &ev, &pol, &p, &err), 0);
    double avail = 0;
    for (size_t i = 0; i < st.njobs; i++) {
        gs_plan_entry o[16];
        size_t n = gs_plan_job_options(&st, &ev, &pol, i, o, 16);
        double best = 0;
        for (size_t k = 0; k < n; k++)
            best = fmax(best, o[k].reduction_mw);
        avail += best;
    }
    assert_true(fabs(p.available_mw - avail) < 1e-9);
    assert_true(fabs(p.achieved_mw - avail) < 1e-9);
    assert_true(fabs(p.shortfall_mw - (1e6 - avail)) < 1e-9);
    assert_true(p.note[0] != 0);
    gs_plan_free(&p);
    /* must-run: nothing curtailed, the shortfall is the whole target */
    gs_policy mr;
    gs_policy_default(GS_POLICY_MUST_RUN, &mr);
    ev = reduce_by(10);
    assert_int_equal(gs_plan_make(&st, &ev, &mr, &p, &err), 0);
    assert_true(p.achieved_mw == 0 && p.shortfall_mw == 10);
    gs_plan_free(&p);
}

static void same_input_same_plan(void **s)
{
    (void)s;
    rng r = {99};
    fleet f;
    make_fleet(&f, 40, &r);
    gs_plan_state st = state_of(&f);
    gs_policy pol;
    gs_policy_default(GS_POLICY_COMPLY, &pol);
    gs_event ev = reduce_by(0.4 * (f.site_mw[0] + f.site_mw[1]));
    gs_plan a, b;
    gs_error err = {0};
    assert_int_equal(gs_plan_make(&st, &ev, &pol, &a, &err), 0);
    assert_int_equal(gs_plan_make(&st, &ev, &pol, &b, &err), 0);
    assert_int_equal(a.nentries, b.nentries);
    assert_memory_equal(a.entries, b.entries, a.nentries * sizeof *a.entries);
    assert_int_equal(a.noverrides, b.noverrides);
    assert_memory_equal(a.overrides, b.overrides, a.noverrides * sizeof *a.overrides);
    assert_true(a.cost_usd == b.cost_usd);
    gs_plan_free(&a);
    gs_plan_free(&b);
}

static void notice_and_ramp_decide_the_levers(void **s)
{
    (void)s;
    fleet f;
    rng r = {3};
    make_fleet(&f, 1, &r);
    gs_plan_job *j = &f.jobs[0];
    j->flex.tier = 0.5;
    j->flex.slack_used_s = 0;
    j->flex.deadline_margin_s = INFINITY;
    gs_plan_state st = state_of(&f);
    gs_policy pol;
    gs_policy_default(GS_POLICY_COMPLY, &pol);
    gs_event ev = reduce_by(1);
    gs_plan_entry o[16];
    /* checkpoint 30 min before the start, 1 h of notice: pause-at-checkpoint is offered */
    j->next_ckpt_s = (double)(T0 - 1800);
    size_t n = gs_plan_job_options(&st, &ev, &pol, 0, o, 16);
    int has = 0;
    for (size_t k = 0; k < n; k++)
        has |= o[k].lever == GS_LEVER_PAUSE_CKPT && o[k].from_s == T0 - 1800;
    assert_true(has);
    /* checkpoint after the start: no pause-at-checkpoint; pause-now and caps remain */
    j->next_ckpt_s = (double)(T0 + 600);
    n = gs_plan_job_options(&st, &ev, &pol, 0, o, 16);
    int now = 0, cap = 0;
    for (size_t k = 0; k < n; k++) {
        assert_true(o[k].lever != GS_LEVER_PAUSE_CKPT);
        now |= o[k].lever == GS_LEVER_PAUSE_NOW;
        cap |= o[k].lever == GS_LEVER_CAP;
    }
    assert_true(now && cap);
    /* checkpoint before the event was announced: not usable either */
    j->next_ckpt_s = (double)(T0 - 7200);
    n = gs_plan_job_options(&st, &ev, &pol, 0, o, 16);
    for (size_t k = 0; k < n; k++)
        assert_true(o[k].lever != GS_LEVER_PAUSE_CKPT);
    /* no notice, no ramp: nothing can act in time, the shortfall is the target */
    ev.notice_s = 0;
    ev.ramp_s = 0;
    gs_plan p;
    gs_error err = {0};
    assert_int_equal(gs_plan_make(&st, &ev, &pol, &p, &err), 0);
    assert_true(p.achieved_mw == 0 && fabs(p.shortfall_mw - 1) < 1e-12);
    gs_plan_free(&p);
    /* a 2-minute ramp lets a cap (60 s) act but not a pause (300 s drain) */
    ev.ramp_s = 120;
    n = gs_plan_job_options(&st, &ev, &pol, 0, o, 16);
    cap = 0;
    for (size_t k = 0; k < n; k++) {
        assert_true(o[k].lever == GS_LEVER_RUN || o[k].lever == GS_LEVER_CAP);
        cap |= o[k].lever == GS_LEVER_CAP;
    }
    assert_true(cap);
}

/* Exhaustive search over every combination of every job's admissible options. */
static double exhaustive(const gs_plan_state *st, const gs_event *ev, const gs_policy *pol,
                         double need, double *best_cut)
{
    gs_plan_entry o[16][16];
    size_t n[16];
    size_t nj = st->njobs;
    for (size_t i = 0; i < nj; i++)
        n[i] = gs_plan_job_options(st, ev, pol, i, o[i], 16);
    size_t idx[16] = {0};
    double best = INFINITY;
    *best_cut = 0;
    for (;;) {
        double cut = 0, cost = 0;
        for (size_t i = 0; i < nj; i++) {
            cut += o[i][idx[i]].reduction_mw;
            cost += o[i][idx[i]].cost.usd;
        }
        if (cut >= need - 1e-9 && cost < best) {
            best = cost;
            *best_cut = cut;
        }
        size_t i = 0;
        while (i < nj && ++idx[i] == n[i])
            idx[i++] = 0;
        if (i == nj)
            break;
    }
    return best;
}

static void least_cost_equals_exhaustive_on_small_instances(void **s)
{
    (void)s;
    rng r = {2024};
    gs_policy pol, greedy;
    gs_policy_default(GS_POLICY_COMPLY, &pol);
    gs_policy_default(GS_POLICY_COMPLY, &greedy);
    greedy.exact_core = 0;
    int same_greedy = 0, total = 0;
    for (int it = 0; it < 400; it++) {
        fleet f;
        make_fleet(&f, 1 + (size_t)(urand(&r) * 5), &r);
        gs_plan_state st = state_of(&f);
        gs_event ev = reduce_by(urand(&r) * 0.9 * (f.site_mw[0] + f.site_mw[1]));
        gs_plan p, g;
        gs_error err = {0};
        assert_int_equal(gs_plan_make(&st, &ev, &pol, &p, &err), 0);
        assert_int_equal(gs_plan_make(&st, &ev, &greedy, &g, &err), 0);
        double cut;
        double best = exhaustive(&st, &ev, &pol, p.target_mw, &cut);
        if (isfinite(best)) {
            total++;
            assert_true(p.optimal);
            assert_true(p.shortfall_mw == 0);
            assert_true(fabs(p.cost_usd - best) <= 1e-6 * fmax(1, best));
            assert_true(g.cost_usd >= best - 1e-6 * fmax(1, best)); /* greedy never beats it */
            assert_true(g.shortfall_mw == 0);
            same_greedy += fabs(g.cost_usd - best) <= 1e-6 * fmax(1, best);
        }
        gs_plan_free(&p);
        gs_plan_free(&g);
    }
    printf("greedy + repair alone matched the exhaustive optimum on %d of %d instances\n",
           same_greedy, total);
    assert_true(total > 150);
}

static void inference_is_shed_only_when_allowed(void **s)
{
    (void)s;
    rng r = {5};
    fleet f;
    make_fleet(&f, 2, &r);
    gs_plan_state st = state_of(&f);
    gs_policy pol;
    gs_policy_default(GS_POLICY_COMPLY, &pol);
    gs_event ev = reduce_by(1e5);
    gs_plan p;
    gs_error err = {0};
    assert_int_equal(gs_plan_make(&st, &ev, &pol, &p, &err), 0);
    for (size_t i = 0; i < p.nentries; i++)
        if (st.jobs[p.entries[i].job].cls == GS_INFERENCE)
            assert_int_equal(p.entries[i].lever, GS_LEVER_RUN);
    gs_plan_free(&p);
    ev.asks_inference_shed = 1;
    assert_int_equal(gs_plan_make(&st, &ev, &pol, &p, &err), GS_EINPUT);
    assert_string_equal(err.field, "shed_inference");
    pol.allow_inference_shed = 1;
    assert_int_equal(gs_plan_make(&st, &ev, &pol, &p, &err), 0);
    int shed = 0;
    for (size_t i = 0; i < p.nentries; i++)
        if (p.entries[i].lever == GS_LEVER_SHED) {
            shed = 1;
            assert_true(p.entries[i].lost_requests > 0 && p.entries[i].cost.usd > 0);
        }
    assert_true(shed);
    gs_plan_free(&p);
}

static void bad_events_are_rejected(void **s)
{
    (void)s;
    rng r = {1};
    fleet f;
    make_fleet(&f, 2, &r);
    gs_plan_state st = state_of(&f);
    gs_policy pol;
    gs_policy_default(GS_POLICY_COMPLY, &pol);
    gs_plan p;
    gs_error err = {0};
    gs_event ev = reduce_by(-1);
    assert_int_equal(gs_plan_make(&st, &ev, &pol, &p, &err), GS_EINPUT);
    assert_string_equal(err.field, "mw");
    ev = reduce_by(1);
    ev.end_s = ev.start_s;
    assert_int_equal(gs_plan_make(&st, &ev, &pol, &p, &err), GS_EINPUT);
    ev = reduce_by(1);
    ev.scope = GS_SCOPE_SITE;
    ev.scope_index = 9;
    assert_int_equal(gs_plan_make(&st, &ev, &pol, &p, &err), GS_EINPUT);
}

static void price_policy_curtails_when_price_exceeds_lost_value(void **s)
{
    (void)s;
    rng r = {11};
    fleet f;
    make_fleet(&f, 1, &r);
    gs_plan_job *j = &f.jobs[0];
    j->flex.tier = 0.5;
    j->flex.slack_used_s = 0;
    j->flex.deadline_margin_s = INFINITY;
    gs_plan_state st = state_of(&f);
    gs_policy pol;
    gs_policy_default(GS_POLICY_PRICE, &pol);
    gs_event ev = reduce_by(0);
    ev.kind = GS_PEV_PRICE;
    /* the cheapest $/MWh of the job's options */
    gs_plan_entry o[16];
    size_t n = gs_plan_job_options(&st, &ev, &pol, 0, o, 16);
    double breakeven = INFINITY;
    for (size_t k = 1; k < n; k++)
        breakeven = fmin(breakeven, o[k].cost.usd / (o[k].reduction_mw * 3));
    gs_plan p;
    gs_error err = {0};
    ev.price_usd_per_mwh = breakeven * 0.99;
    assert_int_equal(gs_plan_make(&st, &ev, &pol, &p, &err), 0);
    assert_true(p.achieved_mw == 0);
    gs_plan_free(&p);
    ev.price_usd_per_mwh = breakeven * 1.01;
    assert_int_equal(gs_plan_make(&st, &ev, &pol, &p, &err), 0);
    assert_true(p.achieved_mw > 0 && p.value_usd > p.cost_usd);
    gs_plan_free(&p);
    /* comply ignores prices */
    gs_policy_default(GS_POLICY_COMPLY, &pol);
    assert_int_equal(gs_plan_make(&st, &ev, &pol, &p, &err), 0);
    assert_true(p.achieved_mw == 0);
    gs_plan_free(&p);
}

static void reserve_deploys_at_most_the_commitment(void **s)
{
    (void)s;
    rng r = {13};
    fleet f;
    make_fleet(&f, 20, &r);
    gs_plan_state st = state_of(&f);
    gs_policy pol;
    gs_policy_default(GS_POLICY_RESERVE, &pol);
    pol.reserve_mw = 3;
    gs_event ev = reduce_by(50);
    ev.kind = GS_PEV_RESERVE_DEPLOY;
    gs_plan p;
    gs_error err = {0};
    assert_int_equal(gs_plan_make(&st, &ev, &pol, &p, &err), 0);
    assert_true(p.target_mw == 3);
    gs_plan_free(&p);
}

/* The overrides make the run's timeline lose exactly the planned wall-clock. */
static void overrides_reproduce_the_planned_loss(void **s)
{
    (void)s;
    gs_gpu g = H100;
    gs_site site;
    memset(&site, 0, sizeof site);
    gs_cluster cl;
    memset(&cl, 0, sizeof cl);
    cl.gpus = 1024;
    cl.utilisation = 0.9;
    cl.cls = GS_TRAINING;
    gs_run run;
    memset(&run, 0, sizeof run);
    run.gpus = 1024;
    run.start_s = T0 - 86400;
    run.length_s = 28 * 86400.0;
    run.utilisation = -1;
    run.restart_overhead_s = 600;
    run.tier = 0.9;
    gs_fleet fl;
    memset(&fl, 0, sizeof fl);
    fl.gpus = &g;
    fl.ngpus = 1;
    fl.sites = &site;
    fl.nsites = 1;
    fl.clusters = &cl;
    fl.nclusters = 1;
    fl.runs = &run;
    fl.nruns = 1;
    static const gs_lever want[] = {GS_LEVER_PAUSE_CKPT, GS_LEVER_PAUSE_NOW, GS_LEVER_CAP};
    for (int w = 0; w < 3; w++) {
        gs_plan_job j;
        memset(&j, 0, sizeof j);
        j.cls = GS_TRAINING;
        j.gpu = &g;
        j.utilisation = 0.9;
        j.pue = 1;
        j.curve = gs_capcurve_builtin("pretraining");
        j.flex = (gs_flex_job){1024, 2, run.length_s, 1800, 600, 0.9, 0, INFINITY};
        j.next_ckpt_s = want[w] == GS_LEVER_PAUSE_CKPT ? (double)(T0 - 600) : -1;
        j.power_mw = 1024 * gs_gpu_power_w(&g, 0.9) * 1e-6;
        double site_mw = j.power_mw;
        int zone = 0;
        gs_plan_state st = {1, &j, 1, &site_mw, &zone};
        gs_policy pol;
        gs_policy_default(GS_POLICY_COMPLY, &pol);
        gs_event ev = reduce_by(want[w] == GS_LEVER_CAP ? 0.2 : j.power_mw * 0.7);
        gs_plan p;
        gs_error err = {0};
        assert_int_equal(gs_plan_make(&st, &ev, &pol, &p, &err), 0);
        assert_int_equal(p.entries[0].lever, want[w]);
        gs_segment seg[16];
        int ns = gs_run_timeline(&fl, 0, p.overrides, p.noverrides, seg, 16, &err);
        assert_true(ns > 0);
        double end = (double)seg[ns - 1].to_s;
        double planned_end = (double)run.start_s + run.length_s + p.entries[0].cost.lost_s;
        assert_true(fabs(end - planned_end) <= 2.0);
        gs_plan_free(&p);
    }
}

/* ---- the reference: the planner before its speed-up (bench/bench_planner: ~9 ms for 10,000
 * jobs), kept verbatim but for the ref_ prefix. The optimised planner must give the same plan,
 * byte for byte: same options kept, same greedy order (slope, job, hull step), same repair and
 * core search, same floating-point sums in the same order. ----------------------------------- */
#define MAXOPT 12

typedef struct ref_opt {
    gs_lever lever;
    double cut_mw, cost_usd;
    double cap_frac, thr;
    int64_t from_s;
    gs_flex_cost fc;
    double lost_requests;
} ref_opt;

typedef struct ref_jobopts {
    int job;
    int n;                 /* options; [0] is "run" */
    ref_opt o[MAXOPT];
    int hull[MAXOPT];      /* indices of the lower convex hull, by cut */
    int nhull;
} ref_jobopts;

static int ref_in_scope(const gs_plan_state *st, const gs_event *ev, const gs_plan_job *j)
{
    switch (ev->scope) {
    case GS_SCOPE_FLEET: return 1;
    case GS_SCOPE_SITE: return j->site == ev->scope_index;
    case GS_SCOPE_ZONE: return j->zone == ev->scope_index;
    }
    return 0;
}

static double ref_train_mw(const gs_plan_job *j, double activity)
{
    return j->flex.gpus * gs_gpu_power_w(j->gpu, activity) * j->pue * 1e-6;
}

static void ref_add_opt(ref_jobopts *jo, const gs_plan_job *j, gs_lever lever, double mw_after,
                    double lost_s, double cap, double thr, int64_t from, const gs_policy *pol)
{
    if (jo->n >= MAXOPT)
        return;
    ref_opt *o = &jo->o[jo->n];
    memset(o, 0, sizeof *o);
    o->lever = lever;
    o->cut_mw = j->power_mw - mw_after;
    if (!(o->cut_mw > 1e-12))
        return;
    gs_flex_price(&j->flex, lost_s, pol->deadline_penalty, &o->fc);
    if (!o->fc.tier_ok)
        return;
    o->cost_usd = o->fc.usd;
    o->cap_frac = cap;
    o->thr = thr;
    o->from_s = from;
    jo->n++;
}

/* The admissible options of job j for event ev. */
static void ref_job_options(const gs_plan_state *st, const gs_event *ev, const gs_policy *pol,
                        int ji, ref_jobopts *jo)
{
    const gs_plan_job *j = &st->jobs[ji];
    memset(jo, 0, sizeof *jo);
    jo->job = ji;
    jo->n = 1; /* run */
    jo->o[0].lever = GS_LEVER_RUN;
    jo->o[0].thr = 1;
    jo->o[0].from_s = ev->start_s;
    jo->o[0].fc.avg_throughput = 1;
    jo->o[0].fc.tier_ok = 1;
    double dur = (double)(ev->end_s - ev->start_s);
    int64_t now = ev->start_s - (ev->notice_s > 0 ? ev->notice_s : 0);
    int64_t ready = ev->start_s + (ev->ramp_s > 0 ? ev->ramp_s : 0); /* target applies from */
    if (j->cls == GS_INFERENCE) {
        if (!pol->allow_inference_shed || !(j->power_mw > 0))
            return;
        static const double fr[] = {0.25, 0.5, 1.0};
        for (int k = 0; k < 3 && jo->n < MAXOPT; k++) {
            ref_opt *o = &jo->o[jo->n];
            memset(o, 0, sizeof *o);
            o->lever = GS_LEVER_SHED;
            o->cut_mw = fr[k] * j->power_mw;
            o->lost_requests = fr[k] * j->requests_per_s * dur;
            o->cost_usd = o->lost_requests * pol->usd_per_request;
            o->fc.usd = o->cost_usd;
            o->fc.avg_throughput = 1 - fr[k];
            o->fc.tier_ok = 1;
            o->thr = 1 - fr[k];
            o->from_s = ev->start_s;
            jo->n++;
        }
        return;
    }
    if (!j->gpu || !(j->flex.gpus > 0) || j->flex.tier >= 1)
        return; /* must-run jobs have no lever */
    const gs_gpu *g = j->gpu;
    double util = j->utilisation;
    double run_gpu_w = g->idle_w + util * (g->board_w - g->idle_w);
    /* power caps: need cap_lead_s before the target applies */
    if (j->curve && now + pol->cap_lead_s <= ready) {
        for (size_t k = 0; k + 1 < j->curve->n; k++) {
            double cap = j->curve->cap_frac[k];
            double cap_w = cap * g->board_w;
            if (cap_w >= run_gpu_w)
                continue;
            double a = g->board_w > g->idle_w ? (cap_w - g->idle_w) / (g->board_w - g->idle_w) : 0;
            if (a < 0)
                a = 0;
            double thr = gs_capcurve_throughput(j->curve, cap);
            double lost = gs_flex_lost_s(&j->flex, GS_LEVER_CAP, dur, -1, thr, 0);
            ref_add_opt(jo, j, GS_LEVER_CAP, ref_train_mw(j, a), lost, cap, thr, ev->start_s, pol);
        }
    }
    double idle_mw = ref_train_mw(j, 0);
    int ckpt_ok = j->next_ckpt_s >= 0 && (double)now <= j->next_ckpt_s &&
                  j->next_ckpt_s <= (double)ev->start_s;
    double early = ckpt_ok ? (double)ev->start_s - j->next_ckpt_s : -1;
    int64_t ckpt_t = ckpt_ok ? (int64_t)j->next_ckpt_s : ev->start_s;
    if (ckpt_ok) {
        double lost = gs_flex_lost_s(&j->flex, GS_LEVER_PAUSE_CKPT, dur, early, 0, 0);
        ref_add_opt(jo, j, GS_LEVER_PAUSE_CKPT, idle_mw, lost, 0, 0, ckpt_t, pol);
    }
    if (now + pol->pause_lead_s <= ready) {
        double lost = gs_flex_lost_s(&j->flex, GS_LEVER_PAUSE_NOW, dur, -1, 0, 0);
        ref_add_opt(jo, j, GS_LEVER_PAUSE_NOW, idle_mw, lost, 0, 0, ev->start_s, pol);
    }
    if (ckpt_ok || now + pol->pause_lead_s <= ready) {
        double lost = gs_flex_lost_s(&j->flex, GS_LEVER_REQUEUE, dur, early, 0,
                                     pol->requeue_overhead_s);
        ref_add_opt(jo, j, GS_LEVER_REQUEUE, 0, lost, 0, 0, ckpt_t, pol);
    }
    double k = pol->shrink_frac;
    if (k > 0 && k < 1 && now + pol->pause_lead_s <= ready) {
        double lost = gs_flex_lost_s(&j->flex, GS_LEVER_SHRINK, dur, -1, k, 0);
        double a = k * util;
        double cap = g->board_w > 0 ? (g->idle_w + a * (g->board_w - g->idle_w)) / g->board_w : 1;
        ref_add_opt(jo, j, GS_LEVER_SHRINK, ref_train_mw(j, a), lost, cap, k, ev->start_s, pol);
    }
}

/* Keep options that are not dominated (a bigger cut for no more money), sorted by cut. */
static int ref_cmp_opt(const void *a, const void *b)
{
    const ref_opt *x = a, *y = b;
    if (x->cut_mw != y->cut_mw)
        return x->cut_mw < y->cut_mw ? -1 : 1;
    if (x->cost_usd != y->cost_usd)
        return x->cost_usd < y->cost_usd ? -1 : 1;
    return (int)x->lever - (int)y->lever;
}

static void ref_prune_and_hull(ref_jobopts *jo)
{
    qsort(jo->o + 1, (size_t)(jo->n - 1), sizeof(ref_opt), ref_cmp_opt);
    /* drop dominated: walking by cut ascending, an option must cost more than every smaller one
     * and be dominated by no larger one at no more cost */
    ref_opt keep[MAXOPT];
    int nk = 0;
    for (int i = 0; i < jo->n; i++) {
        int dom = 0;
        for (int k = 0; k < jo->n && !dom; k++) {
            if (k == i)
                continue;
            const ref_opt *a = &jo->o[k], *b = &jo->o[i];
            if (a->cut_mw >= b->cut_mw && a->cost_usd <= b->cost_usd &&
                (a->cut_mw > b->cut_mw || a->cost_usd < b->cost_usd || k < i))
                dom = 1;
        }
        if (!dom || i == 0)
            keep[nk++] = jo->o[i];
    }
    memcpy(jo->o, keep, (size_t)nk * sizeof(ref_opt));
    jo->n = nk;
    /* lower convex hull from the origin (option 0) */
    jo->nhull = 0;
    for (int i = 0; i < jo->n; i++) {
        while (jo->nhull >= 2) {
            const ref_opt *p = &jo->o[jo->hull[jo->nhull - 2]], *q = &jo->o[jo->hull[jo->nhull - 1]];
            const ref_opt *r = &jo->o[i];
            double cross = (q->cut_mw - p->cut_mw) * (r->cost_usd - p->cost_usd) -
                           (q->cost_usd - p->cost_usd) * (r->cut_mw - p->cut_mw);
            if (cross <= 0)
                jo->nhull--;
            else
                break;
        }
        jo->hull[jo->nhull++] = i;
    }
}

typedef struct ref_step {
    int jo, h;          /* job-options index, hull position reached */
    double slope;
} ref_step;

static int ref_cmp_step(const void *a, const void *b)
{
    const ref_step *x = a, *y = b;
    if (x->slope != y->slope)
        return x->slope < y->slope ? -1 : 1;
    if (x->jo != y->jo)
        return x->jo - y->jo;
    return x->h - y->h;
}

/* Exhaustive search over the core jobs (their full option sets), others fixed. */
typedef struct ref_dfs {
    ref_jobopts *jos;
    const int *core;
    int ncore;
    double *suffix;     /* max cut of core[k..] */
    int *cur, *best;
    double best_cost;
    long nodes, budget;
    int aborted;
} ref_dfs;

static void ref_dfs_go(ref_dfs *d, int k, double need, double cost)
{
    if (d->aborted)
        return;
    if (++d->nodes > d->budget) {
        d->aborted = 1;
        return;
    }
    if (cost >= d->best_cost - 1e-9)
        return;
    if (need <= 1e-9) {
        d->best_cost = cost;
        for (int i = 0; i < d->ncore; i++)
            d->best[i] = i < k ? d->cur[i] : 0;
        return;
    }
    if (k == d->ncore || d->suffix[k] < need - 1e-9)
        return;
    const ref_jobopts *jo = &d->jos[d->core[k]];
    for (int i = jo->n - 1; i >= 0; i--) { /* bigger cuts first: finds covers early */
        d->cur[k] = i;
        ref_dfs_go(d, k + 1, need - jo->o[i].cut_mw, cost + jo->o[i].cost_usd);
    }
    d->cur[k] = 0;
}

typedef struct ref_core_key {
    int jo;
    double maxcut;
} ref_core_key;

static int ref_cmp_corekey(const void *a, const void *b)
{
    const ref_core_key *x = a, *y = b;
    if (x->maxcut != y->maxcut)
        return x->maxcut > y->maxcut ? -1 : 1;
    return x->jo - y->jo;
}

/* Least-cost cover: choice[i] = option index of jos[i]. Returns 1 if proved optimal. */
static int ref_solve_cover(ref_jobopts *jos, int n, double need, int *choice, const gs_policy *pol,
                       int *err_nomem)
{
    for (int i = 0; i < n; i++)
        choice[i] = 0;
    if (need <= 1e-9)
        return 1;
    /* total available; if short, take every job's largest cut (cheapest among equals) */
    double avail = 0;
    for (int i = 0; i < n; i++)
        avail += jos[i].o[jos[i].n - 1].cut_mw;
    if (avail < need - 1e-9) {
        for (int i = 0; i < n; i++)
            choice[i] = jos[i].n - 1;
        return 1;
    }
    size_t nsteps = 0;
    for (int i = 0; i < n; i++)
        nsteps += (size_t)(jos[i].nhull - 1);
    ref_step *steps = malloc((nsteps ? nsteps : 1) * sizeof *steps);
    int *hpos = calloc((size_t)n + 1, sizeof *hpos);
    if (!steps || !hpos) {
        free(steps);
        free(hpos);
        *err_nomem = 1;
        return 0;
    }
    size_t ns = 0;
    for (int i = 0; i < n; i++)
        for (int h = 1; h < jos[i].nhull; h++) {
            const ref_opt *p = &jos[i].o[jos[i].hull[h - 1]], *q = &jos[i].o[jos[i].hull[h]];
            steps[ns++] = (ref_step){i, h, (q->cost_usd - p->cost_usd) / (q->cut_mw - p->cut_mw)};
        }
    qsort(steps, ns, sizeof *steps, ref_cmp_step);
    double got = 0;
    size_t brk = 0;
    for (size_t s = 0; s < ns && got < need - 1e-9; s++) {
        const ref_jobopts *jo = &jos[steps[s].jo];
        got += jo->o[jo->hull[steps[s].h]].cut_mw - jo->o[jo->hull[hpos[steps[s].jo]]].cut_mw;
        hpos[steps[s].jo] = steps[s].h;
        brk = s;
    }
    for (int i = 0; i < n; i++)
        choice[i] = jos[i].hull[hpos[i]];
    /* repair: downgrade choices the target does not need, biggest saving first */
    for (int pass = 0; pass < 4; pass++) {
        double excess = got - need;
        int bi = -1, bo = -1;
        double bsave = 1e-9;
        for (int i = 0; i < n; i++) {
            const ref_opt *c = &jos[i].o[choice[i]];
            for (int k = 0; k < jos[i].n; k++) {
                const ref_opt *o = &jos[i].o[k];
                double save = c->cost_usd - o->cost_usd;
                if (save > bsave && c->cut_mw - o->cut_mw <= excess + 1e-9) {
                    bsave = save;
                    bi = i;
                    bo = k;
                }
            }
        }
        if (bi < 0)
            break;
        got -= jos[bi].o[choice[bi]].cut_mw - jos[bi].o[bo].cut_mw;
        choice[bi] = bo;
    }
    int optimal = 0;
    int K = pol->exact_core;
    if (K > 0) {
        /* core: the jobs of the steps nearest the break point, or all jobs with options */
        int *core = malloc((size_t)K * sizeof *core);
        int *cur = calloc((size_t)K, sizeof *cur), *best = calloc((size_t)K, sizeof *best);
        double *suffix = calloc((size_t)K + 1, sizeof *suffix);
        char *inc = calloc((size_t)n + 1, 1);
        int nwith = 0;
        for (int i = 0; i < n; i++)
            nwith += jos[i].n > 1;
        if (core && cur && best && suffix && inc) {
            int nc = 0;
            if (nwith <= K) {
                for (int i = 0; i < n; i++)
                    if (jos[i].n > 1)
                        core[nc++] = i;
            } else {
                for (size_t d = 0; nc < K && d <= ns; d++) {
                    size_t cand[2] = {brk + d, brk >= d ? brk - d : (size_t)-1};
                    for (int c = 0; c < 2 && nc < K; c++)
                        if (cand[c] < ns && !inc[steps[cand[c]].jo]) {
                            inc[steps[cand[c]].jo] = 1;
                            core[nc++] = steps[cand[c]].jo;
                        }
                }
            }
            ref_core_key *ck = malloc((size_t)(nc ? nc : 1) * sizeof *ck);
            if (ck) {
                for (int c = 0; c < nc; c++)
                    ck[c] = (ref_core_key){core[c], jos[core[c]].o[jos[core[c]].n - 1].cut_mw};
                qsort(ck, (size_t)nc, sizeof *ck, ref_cmp_corekey);
                for (int c = 0; c < nc; c++)
                    core[c] = ck[c].jo;
                free(ck);
                double fixed_cut = 0, core_cost = 0;
                for (int i = 0; i < n; i++)
                    fixed_cut += jos[i].o[choice[i]].cut_mw;
                for (int c = 0; c < nc; c++) {
                    fixed_cut -= jos[core[c]].o[choice[core[c]]].cut_mw;
                    core_cost += jos[core[c]].o[choice[core[c]]].cost_usd;
                    best[c] = choice[core[c]];
                }
                for (int c = nc - 1; c >= 0; c--)
                    suffix[c] = suffix[c + 1] + jos[core[c]].o[jos[core[c]].n - 1].cut_mw;
                ref_dfs d = {jos, core, nc, suffix, cur, best, core_cost + 1e-9, 0,
                         nwith <= K ? 5000000L : 50000L, 0};
                ref_dfs_go(&d, 0, need - fixed_cut, 0);
                for (int c = 0; c < nc; c++)
                    choice[core[c]] = best[c];
                optimal = nwith <= K && !d.aborted;
            }
        } else {
            *err_nomem = 1;
        }
        free(core);
        free(cur);
        free(best);
        free(suffix);
        free(inc);
    }
    free(steps);
    free(hpos);
    return optimal;
}

static int ref_push_ovr(gs_plan *p, size_t *cap, gs_override o)
{
    if (p->noverrides == *cap) {
        size_t nc = *cap ? 2 * *cap : 16;
        gs_override *n = realloc(p->overrides, nc * sizeof *n);
        if (!n)
            return GS_ENOMEM;
        p->overrides = n;
        *cap = nc;
    }
    p->overrides[p->noverrides++] = o;
    return GS_OK;
}

/* The overrides that make gs_simulate follow entry e of run job j. */
static int ref_entry_overrides(gs_plan *p, size_t *cap, const gs_plan_job *j, const gs_plan_entry *e,
                           const gs_policy *pol, int64_t end)
{
    if (j->cls != GS_TRAINING || j->run < 0)
        return GS_OK;
    double ro = j->flex.restart_overhead_s > 0 ? j->flex.restart_overhead_s : 0;
    double redo = j->flex.since_ckpt_s > 0 ? j->flex.since_ckpt_s : 0;
    int rc = GS_OK;
    int64_t back;
    switch (e->lever) {
    case GS_LEVER_CAP:
        return ref_push_ovr(p, cap, (gs_override){j->run, GS_OVR_CAP, e->from_s, end, e->cap_frac,
                                               e->throughput});
    case GS_LEVER_SHRINK:
        rc = ref_push_ovr(p, cap, (gs_override){j->run, GS_OVR_CAP, e->from_s, end, e->cap_frac,
                                             e->throughput});
        if (rc == GS_OK && 2 * ro + redo >= 1)
            rc = ref_push_ovr(p, cap, (gs_override){j->run, GS_OVR_CAP, end,
                                                 end + (int64_t)ceil(2 * ro + redo), 1.0, 0.0});
        return rc;
    case GS_LEVER_PAUSE_CKPT:
        return ref_push_ovr(p, cap, (gs_override){j->run, GS_OVR_PAUSE, e->from_s, end, 0, 0});
    case GS_LEVER_PAUSE_NOW:
    case GS_LEVER_REQUEUE: {
        int64_t stop = end;
        if (e->lever == GS_LEVER_REQUEUE)
            stop += (int64_t)ceil(pol->requeue_overhead_s > 0 ? pol->requeue_overhead_s : 0);
        rc = ref_push_ovr(p, cap, (gs_override){j->run,
                                             e->lever == GS_LEVER_REQUEUE ? GS_OVR_OFF : GS_OVR_PAUSE,
                                             e->from_s, stop, 0, 0});
        int redo_now = e->lever == GS_LEVER_PAUSE_NOW ||
                       (e->lever == GS_LEVER_REQUEUE && e->cost.lost_s >
                        (double)(stop - e->from_s) + ro + 0.5);
        back = stop + (int64_t)ceil(ro);
        if (rc == GS_OK && redo_now && redo >= 1)
            rc = ref_push_ovr(p, cap, (gs_override){j->run, GS_OVR_CAP, back,
                                                 back + (int64_t)ceil(redo), 1.0, 0.0});
        return rc;
    }
    default:
        return GS_OK;
    }
}

static int ref_plan_make(const gs_plan_state *st, const gs_event *ev, const gs_policy *pol,
                 gs_plan *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    out->kind = ev->kind;
    out->limit_mw = NAN;
    if (ev->end_s <= ev->start_s)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "end",
                            "expected an end after the start, found a window of %lld s",
                            (long long)(ev->end_s - ev->start_s));
    if (!(ev->mw >= 0) && ev->kind != GS_PEV_PRICE && ev->kind != GS_PEV_PEAK)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "mw",
                            "expected a target of at least 0 MW, found %g", ev->mw);
    if (ev->notice_s < 0 || ev->ramp_s < 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, ev->notice_s < 0 ? "notice" : "ramp",
                            "expected a duration of at least 0, found %lld s",
                            (long long)(ev->notice_s < 0 ? ev->notice_s : ev->ramp_s));
    if (ev->scope == GS_SCOPE_SITE && (ev->scope_index < 0 || (size_t)ev->scope_index >= st->nsites))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "site",
                            "expected a site of the fleet, found index %d", ev->scope_index);
    if (ev->asks_inference_shed && !pol->allow_inference_shed)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "shed_inference",
                            "the event asks to shed inference load, which policy '%s' does not "
                            "allow (inference cannot pause: shedding it is an outage)",
                            gs_policy_name(pol->kind));

    /* baseline of the scope */
    double base = 0;
    for (size_t s = 0; s < st->nsites; s++)
        if (ev->scope == GS_SCOPE_FLEET || (ev->scope == GS_SCOPE_SITE && (int)s == ev->scope_index) ||
            (ev->scope == GS_SCOPE_ZONE && st->site_zone[s] == ev->scope_index))
            base += st->site_mw[s];
    out->baseline_mw = base;
    double need = 0;
    switch (ev->kind) {
    case GS_PEV_REDUCE_TO:
        out->limit_mw = ev->mw;
        need = base - ev->mw > 0 ? base - ev->mw : 0;
        break;
    case GS_PEV_REDUCE_BY:
        need = ev->mw;
        break;
    case GS_PEV_RESERVE_DEPLOY:
        need = pol->kind == GS_POLICY_RESERVE ? fmin(ev->mw, pol->reserve_mw) : ev->mw;
        break;
    case GS_PEV_PEAK:
        if (ev->mw > 0) { /* a peak with a limit: keep under it */
            out->limit_mw = ev->mw;
            need = base - ev->mw > 0 ? base - ev->mw : 0;
        }
        break;
    case GS_PEV_PRICE:
        break;
    }
    out->target_mw = need;

    /* jobs in scope and their options */
    size_t nin = 0;
    for (size_t i = 0; i < st->njobs; i++)
        nin += ref_in_scope(st, ev, &st->jobs[i]);
    ref_jobopts *jos = malloc((nin ? nin : 1) * sizeof *jos);
    int *choice = malloc((nin ? nin : 1) * sizeof *choice);
    out->entries = malloc((nin ? nin : 1) * sizeof *out->entries);
    if (!jos || !choice || !out->entries) {
        free(jos);
        free(choice);
        gs_plan_free(out);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    int n = 0;
    for (size_t i = 0; i < st->njobs; i++)
        if (ref_in_scope(st, ev, &st->jobs[i])) {
            ref_job_options(st, ev, pol, (int)i, &jos[n]);
            ref_prune_and_hull(&jos[n]);
            out->available_mw += jos[n].o[jos[n].n - 1].cut_mw;
            choice[n] = 0;
            n++;
        }

    int nomem = 0;
    double hours = (double)(ev->end_s - ev->start_s) / 3600.0;
    int value_mode = (ev->kind == GS_PEV_PRICE && pol->kind == GS_POLICY_PRICE) ||
                     (ev->kind == GS_PEV_PEAK && pol->kind == GS_POLICY_CAPACITY && !(ev->mw > 0));
    if (pol->kind == GS_POLICY_MUST_RUN) {
        out->optimal = 1;
        snprintf(out->note, sizeof out->note, "policy must-run: nothing is curtailed");
    } else if (value_mode) {
        for (int i = 0; i < n; i++) {
            double bestv = 0;
            for (int k = 1; k < jos[i].n; k++) {
                const ref_opt *o = &jos[i].o[k];
                double v = (ev->kind == GS_PEV_PRICE ? ev->price_usd_per_mwh * o->cut_mw * hours
                                                    : pol->capacity_usd_per_mw * o->cut_mw) -
                           o->cost_usd;
                if (v > bestv + 1e-9) {
                    bestv = v;
                    choice[i] = k;
                }
            }
        }
        out->optimal = 1;
    } else if (need > 0) {
        out->optimal = ref_solve_cover(jos, n, need, choice, pol, &nomem);
    } else {
        out->optimal = 1;
    }
    if (nomem) {
        free(jos);
        free(choice);
        gs_plan_free(out);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }

    /* entries: every in-scope job, in job order */
    size_t ocap = 0;
    int rc = GS_OK;
    for (int i = 0; i < n && rc == GS_OK; i++) {
        const gs_plan_job *j = &st->jobs[jos[i].job];
        const ref_opt *o = &jos[i].o[choice[i]];
        gs_plan_entry *e = &out->entries[out->nentries++];
        memset(e, 0, sizeof *e);
        e->job = jos[i].job;
        e->lever = o->lever;
        e->from_s = o->lever == GS_LEVER_RUN ? ev->start_s : o->from_s;
        e->to_s = ev->end_s;
        e->cap_frac = o->lever == GS_LEVER_RUN ? 1 : o->cap_frac;
        e->throughput = o->lever == GS_LEVER_RUN ? 1 : o->thr;
        e->mw_before = j->power_mw;
        e->reduction_mw = o->cut_mw;
        e->mw_after = j->power_mw - o->cut_mw;
        e->cost = o->fc;
        if (o->lever == GS_LEVER_RUN && j->cls == GS_TRAINING)
            gs_flex_price(&j->flex, 0, pol->deadline_penalty, &e->cost);
        e->tier_floor = j->cls == GS_TRAINING ? j->flex.tier : 1;
        e->slack_left_s = j->cls == GS_TRAINING ? gs_flex_slack_left_s(&j->flex) - o->fc.lost_s : 0;
        e->lost_requests = o->lost_requests;
        out->achieved_mw += o->cut_mw;
        out->cost_usd += o->cost_usd;
        rc = ref_entry_overrides(out, &ocap, j, e, pol, ev->end_s);
    }
    free(jos);
    free(choice);
    if (rc < 0) {
        gs_plan_free(out);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    out->shortfall_mw = out->target_mw - out->achieved_mw > 1e-9 ? out->target_mw - out->achieved_mw : 0;
    if (ev->kind == GS_PEV_PRICE)
        out->value_usd = ev->price_usd_per_mwh * out->achieved_mw * hours;
    else if (ev->kind == GS_PEV_PEAK)
        out->value_usd = pol->capacity_usd_per_mw * out->achieved_mw;
    if (out->shortfall_mw > 0 && !out->note[0])
        snprintf(out->note, sizeof out->note,
                 "short by %.3f MW: the scope can cut at most %.3f MW within the jobs' tiers, "
                 "the notice and the ramp", out->shortfall_mw, out->available_mw);
    return GS_OK;
}

/* ---- optimised planner == reference ------------------------------------------------------ */

static void assert_same_plan(const gs_plan *a, const gs_plan *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_memory_equal(&a->baseline_mw, &b->baseline_mw, sizeof a->baseline_mw);
    assert_memory_equal(&a->limit_mw, &b->limit_mw, sizeof a->limit_mw);
    assert_memory_equal(&a->target_mw, &b->target_mw, sizeof a->target_mw);
    assert_memory_equal(&a->achieved_mw, &b->achieved_mw, sizeof a->achieved_mw);
    assert_memory_equal(&a->shortfall_mw, &b->shortfall_mw, sizeof a->shortfall_mw);
    assert_memory_equal(&a->available_mw, &b->available_mw, sizeof a->available_mw);
    assert_memory_equal(&a->cost_usd, &b->cost_usd, sizeof a->cost_usd);
    assert_memory_equal(&a->value_usd, &b->value_usd, sizeof a->value_usd);
    assert_int_equal(a->optimal, b->optimal);
    assert_int_equal(a->nentries, b->nentries);
    if (a->nentries)
        assert_memory_equal(a->entries, b->entries, a->nentries * sizeof *a->entries);
    assert_int_equal(a->noverrides, b->noverrides);
    if (a->noverrides)
        assert_memory_equal(a->overrides, b->overrides, a->noverrides * sizeof *a->overrides);
    assert_string_equal(a->note, b->note);
}

/* Plan with both, compare; returns 1 when the plan curtails something. */
static int plan_both(const gs_plan_state *st, const gs_event *ev, const gs_policy *pol)
{
    gs_plan a, b;
    gs_error ea = {0}, eb = {0};
    int ra = gs_plan_make(st, ev, pol, &a, &ea);
    int rb = ref_plan_make(st, ev, pol, &b, &eb);
    assert_int_equal(ra, rb);
    if (ra < 0) {
        assert_string_equal(ea.message, eb.message);
        return 0;
    }
    assert_same_plan(&a, &b);
    int curtailed = a.achieved_mw > 0;
    gs_plan_free(&a);
    gs_plan_free(&b);
    return curtailed;
}

static void optimised_planner_gives_the_reference_plans_on_random_instances(void **s)
{
    (void)s;
    rng r = {31337};
    static const gs_plan_event_kind kinds[] = {GS_PEV_REDUCE_BY, GS_PEV_REDUCE_TO, GS_PEV_PRICE,
                                               GS_PEV_PEAK, GS_PEV_RESERVE_DEPLOY};
    static const int64_t leads[] = {0, 120, 600, 3600};
    static const int cores[] = {8, 0, 3, 8};
    int curtailed = 0;
    for (int it = 0; it < 1500; it++) {
        fleet f;
        make_fleet(&f, 1 + (size_t)(urand(&r) * 63), &r);
        if (it % 7 == 0) /* clones, some nudged by a few parts per 1e12: equal and near slopes */
            for (size_t i = 1; i + 1 < f.n; i++) {
                f.jobs[i] = f.jobs[0];
                f.jobs[i].run = (int)i;
                if (urand(&r) < 0.5)
                    f.jobs[i].flex.usd_per_gpu_hour *= 1 + 1e-12 * (double)(i % 5);
            }
        for (size_t i = 0; i < f.n; i++)
            f.jobs[i].zone = (int)(urand(&r) * 2);
        f.site_zone[1] = 1;
        gs_plan_state st = state_of(&f);
        gs_event ev = reduce_by(urand(&r) * 1.1 * (f.site_mw[0] + f.site_mw[1]));
        ev.kind = kinds[(int)(urand(&r) * 5) % 5];
        ev.scope = (gs_scope)((int)(urand(&r) * 3) % 3);
        ev.scope_index = ev.scope == GS_SCOPE_FLEET ? 0 : (int)(urand(&r) * 2);
        ev.notice_s = leads[(int)(urand(&r) * 4) % 4];
        ev.ramp_s = leads[(int)(urand(&r) * 4) % 4];
        ev.price_usd_per_mwh = 5000 * urand(&r);
        if (ev.kind == GS_PEV_REDUCE_TO || (ev.kind == GS_PEV_PEAK && urand(&r) < 0.5))
            ev.mw = urand(&r) * (f.site_mw[0] + f.site_mw[1]);
        else if (ev.kind == GS_PEV_PEAK)
            ev.mw = 0;
        gs_policy pol;
        gs_policy_default((gs_policy_kind)((int)(urand(&r) * 5) % 5), &pol);
        pol.exact_core = cores[it % 4];
        pol.allow_inference_shed = urand(&r) < 0.3;
        pol.reserve_mw = 50 * urand(&r);
        pol.capacity_usd_per_mw = 20000 * urand(&r);
        curtailed += plan_both(&st, &ev, &pol);
    }
    assert_true(curtailed > 500);
}

/* Bench-sized fleets: thousands of hull steps (the sort), the core search on its budget. */
static void optimised_planner_gives_the_reference_plans_on_large_fleets(void **s)
{
    (void)s;
    static const char *const wl[] = {"pretraining", "finetuning", "inference-batch"};
    static const double tiers[] = {0.9, 0.75, 0.5, 1.0};
    static const size_t sizes[] = {300, 2000, 10000};
    rng r = {4242};
    for (int it = 0; it < 3; it++) {
        size_t n = sizes[it];
        gs_plan_job *jobs = calloc(n, sizeof *jobs);
        assert_non_null(jobs);
        double site_mw[8] = {0};
        int site_zone[8] = {0, 0, 1, 1, 2, 2, 3, 3};
        for (size_t i = 0; i < n; i++) {
            gs_plan_job *j = &jobs[i];
            j->cls = GS_TRAINING;
            j->run = (int)i;
            j->site = (int)(i % 8);
            j->zone = site_zone[j->site];
            j->gpu = &H100;
            j->utilisation = 0.7 + 0.3 * urand(&r);
            j->pue = 1.15;
            j->curve = gs_capcurve_builtin(wl[i % 3]);
            j->flex = (gs_flex_job){256 + 4096 * urand(&r), 2 + 2 * urand(&r),
                                    86400 * (2 + 26 * urand(&r)), 3 * 3600 * urand(&r), 900,
                                    tiers[i % 4], 0, urand(&r) < 0.5 ? INFINITY : 86400 * urand(&r)};
            j->flex.slack_used_s = j->flex.length_s * (1 / j->flex.tier - 1) * 0.5 * urand(&r);
            j->next_ckpt_s = urand(&r) < 0.5 ? (double)(T0 - 3600 + (int64_t)(7200 * urand(&r))) : -1;
            j->power_mw = j->flex.gpus * gs_gpu_power_w(&H100, j->utilisation) * j->pue * 1e-6;
            site_mw[j->site] += j->power_mw;
        }
        double total = 0;
        for (int k = 0; k < 8; k++)
            total += site_mw[k];
        gs_plan_state st = {n, jobs, 8, site_mw, site_zone};
        gs_policy pol;
        gs_policy_default(GS_POLICY_COMPLY, &pol);
        static const double shares[] = {0.01, 0.25, 0.6, 2.0};
        for (int k = 0; k < 4; k++) {
            gs_event ev = reduce_by(shares[k] * total);
            assert_true(plan_both(&st, &ev, &pol));
        }
        gs_event ev = reduce_by(0.1 * total);
        ev.scope = GS_SCOPE_ZONE;
        ev.scope_index = 2;
        assert_true(plan_both(&st, &ev, &pol));
        pol.exact_core = 0;
        assert_true(plan_both(&st, &ev, &pol));
        free(jobs);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tiers_never_broken_on_random_fleets),
        cmocka_unit_test(shortfall_is_exact),
        cmocka_unit_test(same_input_same_plan),
        cmocka_unit_test(notice_and_ramp_decide_the_levers),
        cmocka_unit_test(least_cost_equals_exhaustive_on_small_instances),
        cmocka_unit_test(inference_is_shed_only_when_allowed),
        cmocka_unit_test(bad_events_are_rejected),
        cmocka_unit_test(price_policy_curtails_when_price_exceeds_lost_value),
        cmocka_unit_test(reserve_deploys_at_most_the_commitment),
        cmocka_unit_test(overrides_reproduce_the_planned_loss),
        cmocka_unit_test(optimised_planner_gives_the_reference_plans_on_random_instances),
        cmocka_unit_test(optimised_planner_gives_the_reference_plans_on_large_fleets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
