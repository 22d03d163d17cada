/* bench_supply_opt.c: the exact and optimal methods of `gridsplit supply` (src/supply/optimal.c)
 * on one site-year: the ERCOT 2021 case of issue 13 (a 70 MW data centre beside 300 MW of solar
 * and 300 MW of wind, ../shared/data/genmix/inputs_ERCO_2021-01-01_2021-12-31.csv; 8,737 hours).
 *
 * Timed, REPEATS times each (default 5), median and min reported:
 * 1. the optimal dispatch: a 200 MWh lithium-NMC battery starting full, 40 % of the load
 *    flexible within a day, each hour's load at most 150 % of the peak (CarbonExplorer's
 *    parameters), C/L/C bounds at the hour, the second stage (tidy) on: the defaults. Target:
 *    median < 1 s.
 * 2. the same without the second stage (the first stage alone: the same coverage).
 * 3. the exact 24/7 battery (renewables alone, starting full, bounds at the hour).
 * 4. the dispatch and the 24/7 battery with the bounds in the limit of short steps, and
 *    training-aware shifting with the same battery (40 % of each hour's load is training:
 *    checkpoints every 4 h, 0.25 h of work lost per MW resumed, a 7-day window, tier 0.8 over a
 *    rolling day, at most 150 % of the peak in all), for the record.
 * Clp: dual simplex after presolve (src/supply/optimal.c says why).
 * The data are read first; only the solves are timed. Run on one core:
 *   taskset -c 0 build-opt-rel/bench_supply_opt [INPUTS.csv] [REPEATS]
 * The inputs default to $GS_SHARED/data/genmix/..., else ../shared/... from the project root or
 * ../../shared/... from a build folder. Exit status 1 when the dispatch's median misses 1 s. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "gridsplit/supply_opt.h"

#define TARGET_S 1.0
#define INPUTS "data/genmix/inputs_ERCO_2021-01-01_2021-12-31.csv"

#include "supply_bench.h"

enum { DISPATCH, SIZING, TRAIN };

typedef struct job {
    const char *name;
    int kind;
    gs_supply_opt_opts o;
} job;

static int run(const job *j, const gs_supply_train_opts *tr, const double *ren,
               const double *load, const double *train, const double *other, size_t n,
               gs_supply_opt_result *r)
{
    gs_error e = {0};
    int rc;
    if (j->kind == DISPATCH)
        rc = gs_supply_opt_dispatch(ren, load, n, &j->o, NULL, r, &e);
    else if (j->kind == SIZING)
        rc = gs_supply_opt_battery_247(ren, load, n, &j->o, NULL, r, &e);
    else
        rc = gs_supply_opt_train(ren, train, other, n, &j->o, tr, NULL, r, &e);
    if (rc < 0)
        fprintf(stderr, "bench_supply_opt: %s: %s\n", j->name, e.message);
    return rc;
}

int main(int argc, char **argv)
{
    char path[1024];
    const char *env = getenv("GS_SHARED");
    if (argc > 1)
        snprintf(path, sizeof path, "%s", argv[1]);
    else if (env)
        snprintf(path, sizeof path, "%s/%s", env, INPUTS);
    else {
        snprintf(path, sizeof path, "../shared/%s", INPUTS);
        if (!is_file(path))
            snprintf(path, sizeof path, "../../shared/%s", INPUTS);
    }
    int repeats = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 5;
    if (repeats < 1 || repeats > 1000)
        repeats = 5;
    double *ren = NULL, *load = NULL;
    size_t n = read_inputs(path, &ren, &load);
    if (n == 0) {
        fprintf(stderr, "bench_supply_opt: cannot read %s\n", path);
        free(ren), free(load);
        return 2;
    }
    double peak = 0;
    for (size_t t = 0; t < n; t++)
        peak = load[t] > peak ? load[t] : peak;

    job jobs[6];
    memset(jobs, 0, sizeof jobs);
    jobs[0].name = "dispatch 200 MWh, 40 % flexible (HOUR)";
    jobs[0].kind = DISPATCH;
    gs_supply_opt_defaults(&jobs[0].o, 200);
    jobs[0].o.flexible_pct = 40;
    jobs[0].o.max_capacity_mw = 1.5 * peak;
    jobs[1] = jobs[0];
    jobs[1].name = "  the same, first stage only (tidy 0)";
    jobs[1].o.tidy = 0;
    jobs[2].name = "exact 24/7 battery (HOUR)";
    jobs[2].kind = SIZING;
    gs_supply_opt_defaults(&jobs[2].o, 0);
    jobs[3] = jobs[0];
    jobs[3].name = "dispatch 200 MWh, 40 % flexible (LIMIT)";
    jobs[3].o.bounds = GS_SUPPLY_BOUNDS_LIMIT;
    jobs[4] = jobs[2];
    jobs[4].name = "exact 24/7 battery (LIMIT)";
    jobs[4].o.bounds = GS_SUPPLY_BOUNDS_LIMIT;
    jobs[5] = jobs[0];
    jobs[5].name = "training-aware, 200 MWh (HOUR)";
    jobs[5].kind = TRAIN;
    jobs[5].o.flexible_pct = 0;
    gs_supply_train_opts tr;
    gs_supply_train_defaults(&tr);
    tr.checkpoint_h = 4;
    tr.pause_lost_h = 0.25;
    tr.window_h = 168;
    tr.tier = 0.8;
    double *train = malloc(n * sizeof *train), *other = malloc(n * sizeof *other);
    if (!train || !other)
        return 2;
    for (size_t t = 0; t < n; t++) {
        train[t] = 0.4 * load[t];
        other[t] = load[t] - train[t];
    }

    printf("bench_supply_opt: %s, %zu hours, %d runs each\n", path, n, repeats);
    double *t = malloc((size_t)repeats * sizeof *t);
    int status = 0;
    for (size_t k = 0; k < sizeof jobs / sizeof *jobs; k++) {
        gs_supply_opt_result r;
        for (int i = 0; i < repeats; i++) {
            double t0 = now_s();
            if (run(&jobs[k], &tr, ren, load, train, other, n, &r) < 0)
                return 1;
            t[i] = now_s() - t0;
        }
        qsort(t, (size_t)repeats, sizeof *t, cmp_double);
        double med = t[repeats / 2];
        printf("  %-42s median %7.1f ms  min %7.1f ms  (%zu rows, %zu cols, %d iterations)\n",
               jobs[k].name, 1e3 * med, 1e3 * t[0], r.rows, r.cols, r.iterations);
        if (jobs[k].kind == SIZING)
            printf("  %-42s %s%.6f MWh\n", "", r.status ? "infeasible " : "", r.capacity_mwh);
        else
            printf("  %-42s coverage %.4f %%, grid %.3f MWh, through the battery %.1f MWh, "
                   "moved %.1f MWh, lost work %.3f MWh\n",
                   "", r.coverage_pct, r.grid_mwh, r.charged_mwh + r.discharged_mwh,
                   r.shifted_mwh, r.lost_work_mwh);
        if (k == 0 && med >= TARGET_S) {
            printf("  MISSED: the dispatch's median is not under %.0f s\n", TARGET_S);
            status = 1;
        }
    }
    free(t), free(train), free(other), free(ren), free(load);
    return status;
}
