/* test_flexsim.c: the flex backtest engine (src/flex/backtest.c) on a one-cluster fleet built by
 * hand: must-run earns and costs nothing; a price spike above the value of lost progress is
 * curtailed by the planner and pays more than it costs; reserve availability is MW sold x price
 * and never oversold; hours without a price are excluded, never priced; overlapping events and
 * events outside the period are refused. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gridsplit/fleet.h"
#include "gridsplit/flexsim.h"
#include "gridsplit/market.h"
#include "gridsplit/sim.h"
#include "gridsplit/read/market.h"
#include "gridsplit/read/tz.h"

#define T0 1688169600LL /* 2023-07-01 */
#define DAYS 10

typedef struct fx {
    gs_fleet *f;
    gs_market_catalog *cat;
    gs_sim_tz tz;
    gs_series *ecrs, *rt;
    gs_flexsim_product prods[2];
    gs_flexsim_opts o;
} fx;

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);
    gs_fleet *f = calloc(1, sizeof *f);
    snprintf(f->name, sizeof f->name, "unit");
    f->ngpus = 1;
    f->gpus = calloc(1, sizeof *f->gpus);
    f->gpus[0] = (gs_gpu){"H100", 700, 72, 575, 230, "test"};
    f->nzones = 1;
    f->zones = calloc(1, sizeof *f->zones);
    snprintf(f->zones[0].id, sizeof f->zones[0].id, "ERCOT");
    f->nsites = 1;
    f->sites = calloc(1, sizeof *f->sites);
    snprintf(f->sites[0].id, sizeof f->sites[0].id, "wt");
    snprintf(f->sites[0].tz, sizeof f->sites[0].tz, "America/Chicago");
    f->sites[0].pue = 1.15;
    f->nclusters = 1;
    f->clusters = calloc(1, sizeof *f->clusters);
    gs_cluster *c = &f->clusters[0];
    snprintf(c->id, sizeof c->id, "wt-h100");
    c->cls = GS_TRAINING;
    c->gpus = 8192;
    c->utilisation = 0.85;
    c->service = -1;
    c->cost_usd_per_gpu_hour = 2.0;
    f->nruns = 1;
    f->runs = calloc(1, sizeof *f->runs);
    gs_run *r = &f->runs[0];
    snprintf(r->id, sizeof r->id, "run1");
    r->gpus = 8192;
    r->start_s = T0 - 86400;
    r->length_s = 28.0 * 86400;
    r->utilisation = -1;
    r->ckpt_interval_s = 10800;
    r->ckpt_duration_s = 300;
    r->ckpt_power_frac = 0.35;
    r->restart_overhead_s = 900;
    r->tier = 0.9;
    snprintf(r->workload, sizeof r->workload, "pretraining");
    x->f = f;
    gs_error err = {0};
    assert_int_equal(gs_market_catalog_load(NULL, &x->cat, &err), 0);
    assert_int_equal(gs_sim_tz_load(f, T0 - 86400, T0 + (DAYS + 1) * 86400LL, &x->tz, &err), 0);
    size_t nh = DAYS * 24;
    x->ecrs = gs_series_new(T0, 3600, nh);
    x->rt = gs_series_new(T0, 3600, nh);
    for (size_t h = 0; h < nh; h++) {
        x->ecrs->v[h] = 10.0;
        x->rt->v[h] = 30.0;
    }
    for (size_t h = 100; h < 103; h++)
        x->rt->v[h] = 9000.0; /* a spike far above the value of lost progress (~2,000 USD/MWh) */
    x->prods[0] = (gs_flexsim_product){gs_market_find_product(x->cat, "ERCOT-ECRS"), x->ecrs, "test 10"};
    x->prods[1] = (gs_flexsim_product){gs_market_find_product(x->cat, "ERCOT-RT-ENERGY"), x->rt, "test rt"};
    assert_non_null(x->prods[0].p);
    assert_non_null(x->prods[1].p);
    gs_flexsim_opts_default(&x->o);
    x->o.from_s = T0;
    x->o.to_s = T0 + DAYS * 86400LL;
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;
    gs_sim_tz_free(x->f, &x->tz);
    gs_series_free(x->ecrs);
    gs_series_free(x->rt);
    gs_market_catalog_free(x->cat);
    gs_fleet_free(x->f);
    free(x);
    return 0;
}

static const gs_flexsim_row *find(const gs_flexsim_result *r, const char *id, const gs_flexsim_product *p)
{
    for (size_t k = 0; k < r->nrows; k++)
        if (r->rows[k].product >= 0 && !strcmp(p[r->rows[k].product].p->id, id))
            return &r->rows[k];
    return NULL;
}

static void must_run_earns_and_costs_nothing(void **state)
{
    fx *x = *state;
    gs_error err = {0};
    gs_flexsim_result *r = NULL;
    x->o.policy = GS_POLICY_MUST_RUN;
    assert_int_equal(gs_flexsim_run(x->f, &x->tz, x->prods, 2, NULL, 0, &x->o, &r, &err), 0);
    for (size_t k = 0; k < r->nrows; k++) {
        assert_true(r->rows[k].revenue_usd == 0);
        assert_true(r->rows[k].curtailment_cost_usd == 0);
        assert_true(r->rows[k].mwh_shed == 0);
    }
    gs_flexsim_free(r);
    x->o.policy = GS_POLICY_PRICE;
}

static void price_spike_is_curtailed_and_pays(void **state)
{
    fx *x = *state;
    gs_error err = {0};
    gs_flexsim_result *r = NULL;
    assert_int_equal(gs_flexsim_run(x->f, &x->tz, x->prods, 2, NULL, 0, &x->o, &r, &err), 0);
    const gs_flexsim_row *e = find(r, "ERCOT-RT-ENERGY", x->prods);
    assert_non_null(e);
    assert_true(e->mwh_shed > 0);
    assert_true(e->energy_usd > e->curtailment_cost_usd); /* the planner curtails only when it pays */
    assert_true(e->hours_curtailed >= 3);
    /* the price hours went through the planner */
    assert_true(r->planner_calls >= 1);
    assert_true(r->price_hours_screened == 3);
    /* one job, its slack used within its tier */
    assert_int_equal(r->njobs, 1);
    assert_true(r->jobs[0].slack_used_s > 0);
    assert_true(r->jobs[0].avg_throughput >= r->jobs[0].tier_floor);
    gs_flexsim_free(r);
}

static void reserve_availability_is_mw_times_price_never_oversold(void **state)
{
    fx *x = *state;
    gs_error err = {0};
    gs_flexsim_result *r = NULL;
    assert_int_equal(gs_flexsim_run(x->f, &x->tz, x->prods, 2, NULL, 0, &x->o, &r, &err), 0);
    const gs_flexsim_row *a = find(r, "ERCOT-ECRS", x->prods);
    assert_non_null(a);
    assert_true(a->offered_mw_h > 0);
    assert_true(fabs(a->availability_usd - 10.0 * a->offered_mw_h) < 1e-6 * a->availability_usd);
    /* the cluster draws about 8192 x 0.7 kW x 1.15 = 6.6 MW: never more than that sold per hour */
    assert_true(a->offered_mw_h <= 8192 * 1.3e-3 * 1.15 * DAYS * 24);
    /* hours curtailed for the price spike sold less reserve than the others */
    for (size_t h = 100; h < 103; h++)
        assert_true(r->reserved_mw[h] < r->reserved_mw[50]);
    gs_flexsim_free(r);
}

static void price_gaps_are_excluded_not_priced(void **state)
{
    fx *x = *state;
    gs_error err = {0};
    for (size_t h = 10; h < 20; h++)
        x->ecrs->v[h] = NAN;
    gs_flexsim_result *r = NULL;
    assert_int_equal(gs_flexsim_run(x->f, &x->tz, x->prods, 2, NULL, 0, &x->o, &r, &err), 0);
    const gs_flexsim_row *a = find(r, "ERCOT-ECRS", x->prods);
    assert_true(a->excluded_h == 10);
    assert_true(r->reserved_mw[15] == 0);
    int reported = 0;
    for (size_t k = 0; k < r->nexcl; k++)
        reported |= strstr(r->excl[k].why, "without a price") != NULL;
    assert_true(reported);
    gs_flexsim_free(r);
    for (size_t h = 10; h < 20; h++)
        x->ecrs->v[h] = 10.0;
}

static void bad_events_are_refused(void **state)
{
    fx *x = *state;
    gs_error err = {0};
    gs_flexsim_event ev[2];
    memset(ev, 0, sizeof ev);
    for (int i = 0; i < 2; i++) {
        snprintf(ev[i].ev.id, sizeof ev[i].ev.id, "e%d", i);
        ev[i].ev.kind = GS_PEV_RESERVE_DEPLOY;
        ev[i].ev.scope = GS_SCOPE_ZONE;
        ev[i].ev.start_s = T0 + 86400 + i * 1800;
        ev[i].ev.end_s = ev[i].ev.start_s + 3600;
    }
    gs_flexsim_result *r = NULL;
    assert_int_equal(gs_flexsim_run(x->f, &x->tz, x->prods, 2, ev, 2, &x->o, &r, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "overlaps"));
    assert_null(r);
    ev[0].ev.start_s = T0 - 7200; /* before the period */
    ev[0].ev.end_s = T0 - 3600;
    memset(&err, 0, sizeof err);
    assert_int_equal(gs_flexsim_run(x->f, &x->tz, x->prods, 2, ev, 1, &x->o, &r, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "not inside the period"));
}

static void deployment_delivers_the_commitment(void **state)
{
    fx *x = *state;
    gs_error err = {0};
    gs_flexsim_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.ev.id, sizeof ev.ev.id, "eea");
    ev.ev.kind = GS_PEV_RESERVE_DEPLOY;
    ev.ev.scope = GS_SCOPE_ZONE;
    ev.ev.start_s = T0 + 2 * 86400 + 1500;
    ev.ev.end_s = ev.ev.start_s + 7200;
    ev.ev.ramp_s = 600;
    gs_flexsim_result *r = NULL;
    assert_int_equal(gs_flexsim_run(x->f, &x->tz, x->prods, 2, &ev, 1, &x->o, &r, &err), 0);
    const gs_flexsim_event_out *o = NULL;
    for (size_t k = 0; k < r->nevents; k++)
        if (!strcmp(r->events[k].e.ev.id, "eea"))
            o = &r->events[k];
    assert_non_null(o);
    assert_true(o->target_mw > 0);
    assert_true(o->achieved_mw >= o->target_mw - 1e-6);
    assert_true(o->shortfall_mw == 0);
    assert_true(o->mwh_shed > 0);
    const gs_flexsim_row *a = find(r, "ERCOT-ECRS", x->prods);
    assert_true(a->curtailment_cost_usd > 0);
    assert_true(a->penalty_usd == 0);
    gs_flexsim_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(must_run_earns_and_costs_nothing),
        cmocka_unit_test(price_spike_is_curtailed_and_pays),
        cmocka_unit_test(reserve_availability_is_mw_times_price_never_oversold),
        cmocka_unit_test(price_gaps_are_excluded_not_priced),
        cmocka_unit_test(bad_events_are_refused),
        cmocka_unit_test(deployment_delivers_the_commitment),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
