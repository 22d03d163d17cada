/* bench_supply.c: the compatibility mode of `gridsplit supply` (src/supply/compat.c) on one
 * site-year, against CarbonExplorer itself.
 *
 * 1. gs_supply_compat_analyse on the ERCOT 2021 case of issue 13 (a 70 MW data centre beside
 *    300 MW of solar and 300 MW of wind, ../shared/data/genmix/inputs_ERCO_2021-01-01_
 *    2021-12-31.csv; 8,737 hours): coverage, the 24/7 battery by bisection (18 simulations of
 *    the year at one-minute steps), a 200 MWh battery applied each minute, daily shifting alone
 *    and after the battery. The data are read first; only the analysis is timed, REPEATS times
 *    (default 51), median and min reported. Target: median < 30 ms.
 * 2. With --ce CHECKOUT: tools/carbonexplorer/ref.py runs CarbonExplorer's own functions on the
 *    same file (a checkout of github facebookresearch/CarbonExplorer: tools/carbonexplorer/
 *    README.md), once; its wall time (the time of CarbonExplorer's calls, as ref.py prints it)
 *    gives the ratio, and its figures are checked against ours (0.01 percentage point, 0.1 MWh).
 *    Python: $PYTHON, default Debian's /usr/bin/python3 with python3-pandas.
 *
 * Usage: bench_supply [--ce CHECKOUT] [INPUTS.csv] [REPEATS]. The inputs default to
 * $GS_SHARED/data/genmix/..., else ../shared/... from the project root or ../../shared/... from
 * a build folder; ref.py is found from the project root, a build folder or $GS_SRC. Exit
 * status: 1 when the median misses the target or the two disagree. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "gridsplit/supply.h"

#define TARGET_MS 30.0
#define INPUTS "data/genmix/inputs_ERCO_2021-01-01_2021-12-31.csv"

#include "supply_bench.h"

static const char *const names[] = {
    "coverage_pct",        "non_ren_mwh",     "battery_247_mwh",   "coverage_battery_pct",
    "non_ren_battery_mwh", "coverage_cas_pct", "non_ren_cas_mwh", "coverage_both_pct",
    "non_ren_both_mwh"};

static void figures(const gs_supply_compat_result *r, double v[9])
{
    v[0] = r->coverage_pct;
    v[1] = r->non_ren_mwh;
    v[2] = r->battery_247_mwh;
    v[3] = r->coverage_battery_pct;
    v[4] = r->non_ren_battery_mwh;
    v[5] = r->coverage_cas_pct;
    v[6] = r->non_ren_cas_mwh;
    v[7] = r->coverage_both_pct;
    v[8] = r->non_ren_both_mwh;
}

/* Run ref.py on the inputs; compare and report the ratio. 0 agree, 1 disagree, -1 not run. */
static int versus_carbonexplorer(const char *checkout, const char *inputs,
                                 const gs_supply_compat_result *r, double median_ms)
{
    const char *src = getenv("GS_SRC");
    const char *cands[] = {"tools/carbonexplorer/ref.py", "../tools/carbonexplorer/ref.py", NULL};
    char ref[1024] = "";
    if (src) {
        snprintf(ref, sizeof ref, "%s/tools/carbonexplorer/ref.py", src);
        if (!is_file(ref))
            ref[0] = '\0';
    }
    for (int i = 0; !ref[0] && cands[i]; i++)
        if (is_file(cands[i]))
            snprintf(ref, sizeof ref, "%s", cands[i]);
    if (!ref[0]) {
        printf("  CarbonExplorer: skipped (tools/carbonexplorer/ref.py not found; set GS_SRC)\n");
        return -1;
    }
    const char *py = getenv("PYTHON");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' '%s' 2>/dev/null", py ? py : "/usr/bin/python3",
             ref, checkout, inputs);
    FILE *p = popen(cmd, "r");
    if (!p) {
        printf("  CarbonExplorer: skipped (could not run %s)\n", ref);
        return -1;
    }
    double ours[9], theirs[9], wall_s = NAN;
    int seen = 0;
    figures(r, ours);
    char line[512];
    while (fgets(line, sizeof line, p)) {
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        double v = strtod(tab + 1, NULL);
        if (!strcmp(line, "ce_wall_s"))
            wall_s = v;
        for (int i = 0; i < 9; i++)
            if (!strcmp(line, names[i])) {
                theirs[i] = v;
                seen |= 1 << i;
            }
    }
    int st = pclose(p);
    if (st != 0 || seen != (1 << 9) - 1 || !isfinite(wall_s)) {
        printf("  CarbonExplorer: skipped (%s failed: status %d; needs python3-pandas)\n", ref,
               st);
        return -1;
    }
    int bad = 0;
    for (int i = 0; i < 9; i++) {
        double tol = strstr(names[i], "_pct") ? 0.01 : 0.1;
        if (!(fabs(ours[i] - theirs[i]) <= tol) && !(isnan(ours[i]) && isnan(theirs[i]))) {
            printf("  DISAGREE %s: gridsplit %.6f, CarbonExplorer %.6f\n", names[i], ours[i],
                   theirs[i]);
            bad = 1;
        }
    }
    printf("  CarbonExplorer (ref.py, its functions' wall time): %.2f s; gridsplit median "
           "%.2f ms: %.0fx faster\n",
           wall_s, median_ms, wall_s * 1e3 / median_ms);
    printf("  check: the 9 figures agree (0.01 pp, 0.1 MWh): %s\n", bad ? "NO" : "yes");
    return bad;
}

int main(int argc, char **argv)
{
    const char *checkout = NULL;
    if (argc > 2 && !strcmp(argv[1], "--ce")) {
        checkout = argv[2];
        argc -= 2;
        argv += 2;
    }
    char path[1024];
    const char *shared = getenv("GS_SHARED");
    if (argc > 1) {
        snprintf(path, sizeof path, "%s", argv[1]);
    } else {
        /* $GS_SHARED, else ../shared from the project root or ../../shared from a build dir */
        snprintf(path, sizeof path, "%s/%s", shared ? shared : "../shared", INPUTS);
        if (!shared && !is_file(path))
            snprintf(path, sizeof path, "../../shared/%s", INPUTS);
    }
    int repeats = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 51;
    if (repeats < 1)
        repeats = 1;
    double *ren = NULL, *load = NULL;
    size_t n = read_inputs(path, &ren, &load);
    if (n == 0) {
        fprintf(stderr, "bench_supply: cannot read %s (set GS_SHARED)\n", path);
        free(ren);
        free(load);
        return 1;
    }
    gs_supply_compat_opts o;
    gs_supply_compat_defaults(&o);
    size_t wn = gs_supply_compat_work_len(n);
    double *work = malloc(wn * sizeof *work);
    double *ms = malloc((size_t)repeats * sizeof *ms);
    if (!work || !ms) {
        fprintf(stderr, "bench_supply: out of memory\n");
        return 1;
    }
    gs_supply_compat_result r;
    gs_error err = {0};
    for (int i = 0; i < repeats; i++) {
        double t0 = now_s();
        int rc = gs_supply_compat_analyse(ren, load, n, &o, work, NULL, &r, &err);
        ms[i] = (now_s() - t0) * 1e3;
        if (rc) {
            fprintf(stderr, "bench_supply: %s\n", err.message);
            return 1;
        }
    }
    qsort(ms, (size_t)repeats, sizeof *ms, cmp_double);
    double median = ms[repeats / 2];
    printf("compat full analysis, %s: %zu hours (%zu shifted)\n", path, n, r.hours_shifted);
    printf("  coverage %.4f %%, with 200 MWh %.4f %%, shifting %.4f %%, both %.4f %%; 24/7 "
           "battery %.4f MWh (%d simulations of the year at 1-minute steps)\n",
           r.coverage_pct, r.coverage_battery_pct, r.coverage_cas_pct, r.coverage_both_pct,
           r.battery_247_mwh, r.battery_247_steps);
    printf("  %d runs: median %.3f ms, min %.3f ms (target < %.0f ms)\n", repeats, median, ms[0],
           TARGET_MS);
    int rc = median < TARGET_MS ? 0 : 1;
    if (checkout && versus_carbonexplorer(checkout, path, &r, median) == 1)
        rc = 1;
    free(ms);
    free(work);
    free(ren);
    free(load);
    return rc;
}
