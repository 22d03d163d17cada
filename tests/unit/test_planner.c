/* test_planner.c: the planner (src/plan/planner.c): targets met when feasible, shortfalls
 * exact, tiers never broken (random fleets, fixed seed), determinism, notice and ramp, the
 * least-cost search equal to an exhaustive search on small instances, overrides that make the
 * run timeline lose exactly the planned time. */
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
