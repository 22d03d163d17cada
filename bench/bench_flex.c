/* bench_flex: a year of `flex` at 5-minute steps for 100 training clusters (one per site, ten
 * time zones) and 1,000 jobs (10 runs of 34 days each), all in one ERCOT-like zone with a
 * synthetic hourly real-time price (spikes above the value of lost progress on 40 afternoons),
 * ECRS at its published 2023 average, 4CP at 50 USD/kW-year, four peak intervals and one
 * emergency deployment. Times gs_flexsim_run (baseline simulation, hourly stacking for every
 * cluster, every event through gs_plan_make, the simulation with overrides, payments and both
 * mistakes). Target: under 2 s. Usage: bench_flex */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gridsplit/fleet.h"
#include "gridsplit/flexsim.h"
#include "gridsplit/market.h"
#include "gridsplit/sim.h"
#include "gridsplit/read/market.h"
#include "gridsplit/read/tz.h"

#define NSITES 100
#define RUNS_PER 10
#define T0 1704067200LL /* 2024-01-01 */
#define YEAR (366LL * 86400)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static const char *TZS[] = {"America/Chicago", "America/New_York", "America/Denver", "America/Los_Angeles",
                            "America/Chicago", "America/Chicago", "America/Phoenix", "America/Chicago",
                            "America/New_York", "America/Chicago"};

static gs_fleet *make_fleet(void)
{
    gs_fleet *f = calloc(1, sizeof *f);
    snprintf(f->name, sizeof f->name, "bench flex");
    f->ngpus = 1;
    f->gpus = calloc(1, sizeof *f->gpus);
    f->gpus[0] = (gs_gpu){"H100", 700, 72, 575, 230, "bench"};
    f->nzones = 1;
    f->zones = calloc(1, sizeof *f->zones);
    snprintf(f->zones[0].id, sizeof f->zones[0].id, "ERCOT");
    f->nsites = NSITES;
    f->sites = calloc(NSITES, sizeof *f->sites);
    f->nclusters = NSITES;
    f->clusters = calloc(NSITES, sizeof *f->clusters);
    f->nruns = NSITES * RUNS_PER;
    f->runs = calloc(f->nruns, sizeof *f->runs);
    for (int s = 0; s < NSITES; s++) {
        gs_site *st = &f->sites[s];
        snprintf(st->id, sizeof st->id, "site-%03d", s);
        snprintf(st->tz, sizeof st->tz, "%s", TZS[s % 10]);
        st->pue = 1.15;
        st->lat = 30 + s * 0.05;
        st->lon = -100 + s * 0.05;
        gs_cluster *cl = &f->clusters[s];
        snprintf(cl->id, sizeof cl->id, "cl-%03d", s);
        cl->site = s;
        cl->cls = GS_TRAINING;
        cl->gpus = 8192;
        cl->utilisation = 0.85;
        cl->service = -1;
        cl->cost_usd_per_gpu_hour = 2.0;
        for (int k = 0; k < RUNS_PER; k++) {
            gs_run *run = &f->runs[s * RUNS_PER + k];
            snprintf(run->id, sizeof run->id, "run-%03d-%02d", s, k);
            run->cluster = s;
            run->gpus = 8192;
            run->start_s = T0 + k * 36LL * 86400 + s * 900;
            run->length_s = 34.0 * 86400;
            run->utilisation = -1;
            run->ckpt_interval_s = 10800;
            run->ckpt_duration_s = 300;
            run->ckpt_power_frac = 0.35;
            run->restart_overhead_s = 900;
            run->tier = s % 3 == 0 ? 0.75 : 0.9;
            snprintf(run->workload, sizeof run->workload, "pretraining");
        }
    }
    return f;
}

int main(void)
{
    gs_fleet *f = make_fleet();
    gs_error err = {0};
    gs_market_catalog *cat = NULL;
    if (gs_market_catalog_load(NULL, &cat, &err) < 0) {
        fprintf(stderr, "catalog: %s\n", err.message);
        return 1;
    }
    size_t nh = (size_t)(YEAR / 3600);
    gs_series *ecrs = gs_series_new(T0, 3600, nh), *rt = gs_series_new(T0, 3600, nh), *cp = gs_series_new(T0, 3600, nh);
    for (size_t h = 0; h < nh; h++) {
        ecrs->v[h] = 76.77;
        cp->v[h] = 50;
        size_t day = h / 24, hod = h % 24;
        rt->v[h] = 35 + 20 * sin((double)hod / 24 * 6.283) + ((day % 9 == 0 && hod >= 20 && hod <= 23) ? 3000 : 0);
    }
    gs_flexsim_product prods[3] = {
        {gs_market_find_product(cat, "ERCOT-ECRS"), ecrs, "bench: 76.77 USD/MW-h"},
        {gs_market_find_product(cat, "ERCOT-RT-ENERGY"), rt, "bench: synthetic hourly price"},
        {gs_market_find_product(cat, "ERCOT-4CP"), cp, "bench: 50 USD/kW-year"},
    };
    gs_flexsim_event evs[5];
    memset(evs, 0, sizeof evs);
    static const int days[4] = {178, 212, 222, 251};
    for (int i = 0; i < 5; i++) {
        gs_event *ev = &evs[i].ev;
        snprintf(ev->id, sizeof ev->id, i < 4 ? "4cp-%d" : "eea-%d", i);
        ev->scope = GS_SCOPE_ZONE;
        ev->scope_index = 0;
        if (i < 4) {
            ev->kind = GS_PEV_PEAK;
            ev->start_s = T0 + days[i] * 86400LL + 21 * 3600;
            ev->end_s = ev->start_s + 7200;
            ev->notice_s = 3600;
        } else {
            ev->kind = GS_PEV_RESERVE_DEPLOY;
            ev->start_s = T0 + 300 * 86400LL + 1 * 3600 + 1500;
            ev->end_s = ev->start_s + 8520;
            ev->ramp_s = 600;
        }
        snprintf(evs[i].origin, sizeof evs[i].origin, "catalog");
    }
    gs_flexsim_opts o;
    gs_flexsim_opts_default(&o);
    o.from_s = T0;
    o.to_s = T0 + YEAR;
    o.step_s = 300;
    double t0 = now();
    gs_sim_tz tz;
    if (gs_sim_tz_load(f, T0 - 86400, T0 + YEAR + 86400, &tz, &err) < 0) {
        fprintf(stderr, "tz: %s\n", err.message);
        return 1;
    }
    double t1 = now();
    gs_flexsim_result *r = NULL;
    if (gs_flexsim_run(f, &tz, prods, 3, evs, 5, &o, &r, &err) < 0) {
        fprintf(stderr, "flex: %s\n", err.message);
        return 1;
    }
    double t2 = now();
    double net = 0, mwh = 0;
    for (size_t k = 0; k < r->nrows; k++) {
        net += r->rows[k].net_usd;
        mwh += r->rows[k].mwh_shed;
    }
    printf("bench_flex: %zu clusters, %zu jobs, %zu steps of 5 min: %zu events, %zu planner calls, "
           "net %.0f USD, %.0f MWh shed\n", f->nclusters, f->nruns, (size_t)(YEAR / 300), r->nevents,
           r->planner_calls, net, mwh);
    printf("bench_flex: time zones %.3f s; flex run %.3f s (target < 2 s)\n", t1 - t0, t2 - t1);
    gs_flexsim_free(r);
    gs_sim_tz_free(f, &tz);
    gs_series_free(ecrs);
    gs_series_free(rt);
    gs_series_free(cp);
    gs_market_catalog_free(cat);
    gs_fleet_free(f);
    return 0;
}
