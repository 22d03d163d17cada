/* bench_underwrite.c: one site's 20-year underwriting with flexibility revenue over five price
 * years (docs/PERFORMANCE.md "Underwrite"). The site is the West Texas training campus of
 * examples/underwrite/fleet-2020-2024.yaml on the real 2020-2024 ERCOT prices of
 * ../shared/data (its zone's hourly demand gives the headroom) and two years saved to power.
 *
 * 1. In process, each step alone, median of REPEATS, with 20,000 USD per MW-year of
 *    flexibility revenue typed in the deal (the engine's steps only): reading (the catalogue, the deal, the
 *    fleet and its hourly series, resolving them into the engine's inputs); the underwriting
 *    (the yearly table, NPV, IRR, payback, levelised costs); the spread over the five price
 *    years (five underwritings); the tornado (14 inputs x 2 ends); time to power.
 * 2. The whole command as a user runs it, `gridsplit underwrite DEAL --out DIR`, the deal
 *    naming no flexibility figure, so the command runs the flex engine over each of the five
 *    price years on the fleet's training runs (as `gridsplit flex` does), plus the above, the
 *    headroom of the zone's five years of demand, the coincident peaks, cashflow.csv,
 *    spread.csv, tornado.csv, summary.json, underwrite.xlsx and report.html), one process per
 *    round: wall-clock median and range over the rounds. Target: < 1 s.
 *
 * Usage: bench_underwrite [REPEATS] (default 5), from the project root or a build folder, with
 * gridsplit beside this program; $GS_SHARED (default ../shared) must hold data/prices. Exit
 * status 1 when the command misses the target or fails, 77 when the data is absent. */
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gridsplit/econ.h"
#include "gridsplit/read/deal.h"
#include "gridsplit/read/fleet.h"

extern char **environ;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The example fleet, from the project root or a build folder. */
static const char *find_fleet(void)
{
    static const char *const c[] = {"examples/underwrite/fleet-2020-2024.yaml",
                                    "../examples/underwrite/fleet-2020-2024.yaml", NULL};
    for (int i = 0; c[i]; i++)
        if (is_file(c[i]))
            return c[i];
    return NULL;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 5;
    if (reps < 1 || reps > 1000)
        reps = 5;
    const char *shared = getenv("GS_SHARED");
    char prices[1024];
    snprintf(prices, sizeof prices, "%s/data/prices/US-TEX-ERCO", shared ? shared : "../shared");
    struct stat st;
    const char *fleet_rel = find_fleet();
    if (stat(prices, &st) != 0 || !fleet_rel) {
        printf("bench_underwrite: skipped: needs %s and examples/underwrite/ (run from the "
               "project root or a build folder)\n", prices);
        return 77;
    }
    char fleet[4096], dir[] = "/tmp/gs_bench_uw.XXXXXX", deal[4200], deal_flex[4200], out[4200];
    if (!realpath(fleet_rel, fleet) || !mkdtemp(dir)) {
        perror("bench_underwrite");
        return 1;
    }
    snprintf(deal, sizeof deal, "%s/deal.yaml", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    FILE *f = fopen(deal, "w");
    if (!f) {
        perror(deal);
        return 1;
    }
    fprintf(f, "fleet: %s\nhorizon_years: 20\nflex_usd_per_mw_year: 20000\n"
               "sites:\n  - id: west-texas\n    years_saved: 2\n", fleet);
    fclose(f);
    /* the command's deal: flexibility revenue from the flex engine, price year by price year */
    snprintf(deal_flex, sizeof deal_flex, "%s/deal-flex.yaml", dir);
    if (!(f = fopen(deal_flex, "w"))) {
        perror(deal_flex);
        return 1;
    }
    fprintf(f, "fleet: %s\nhorizon_years: 20\nsites:\n  - id: west-texas\n    years_saved: 2\n",
            fleet);
    fclose(f);

    /* 1. in process */
    double t_read[1000], t_uw[1000], t_spread[1000], t_tor[1000], t_pow[1000];
    int bad = 0;
    double npv = NAN;
    for (int i = 0; i < reps; i++) {
        gs_error err = {0};
        gs_deal *d = NULL;
        gs_fleet *fl = NULL;
        gs_econ_site site;
        gs_econ_terms t;
        double t0 = now_s();
        if (gs_deal_load(deal, &d, &err) || gs_fleet_load(d->fleet_path, &fl, &err) ||
            gs_fleet_load_series(fl, &err) || gs_deal_resolve(d, fl, &site, &t, NULL, &err)) {
            fprintf(stderr, "bench_underwrite: %s:%d: %s\n", err.file, err.line, err.message);
            gs_fleet_free(fl);
            gs_deal_free(d);
            return 1;
        }
        double t1 = now_s();
        gs_econ_result *r = NULL;
        gs_econ_spread *sp = NULL;
        gs_econ_tornado *tor = NULL;
        gs_econ_power pw;
        bad |= gs_econ_underwrite(&site, 1, &t, &r, &err) != 0;
        double t2 = now_s();
        bad |= gs_econ_spread_run(&site, 1, &t, d->spread_mode, &sp, &err) != 0;
        double t3 = now_s();
        bad |= gs_econ_tornado_run(&site, 1, &t, d->moves, d->nmoves, &tor, &err) != 0;
        double t4 = now_s();
        bad |= gs_econ_time_to_power(&site, 1, &t, &pw, &err) != 0;
        double t5 = now_s();
        if (!bad && (site.nprice_years != 5 || !(site.flex_usd_per_mw_year > 0))) {
            fprintf(stderr, "bench_underwrite: expected five price years and flexibility "
                            "revenue, found %zu and %g\n", site.nprice_years,
                    site.flex_usd_per_mw_year);
            bad = 1;
        }
        if (r)
            npv = r->total_metrics.npv_usd;
        t_read[i] = (t1 - t0) * 1e3;
        t_uw[i] = (t2 - t1) * 1e3;
        t_spread[i] = (t3 - t2) * 1e3;
        t_tor[i] = (t4 - t3) * 1e3;
        t_pow[i] = (t5 - t4) * 1e3;
        gs_econ_result_free(r);
        gs_econ_spread_free(sp);
        gs_econ_tornado_free(tor);
        gs_fleet_free(fl);
        gs_deal_free(d);
        if (bad) {
            fprintf(stderr, "bench_underwrite: %s\n", err.message);
            return 1;
        }
    }
    printf("west-texas, 20 years, 5 price years (ERCOT 2020-2024), flexibility revenue "
           "20,000 USD/MW-year: NPV %.1f M USD\n", npv / 1e6);
    printf("  in process, median of %d: read (catalogue, deal, fleet, 5 years of hourly prices "
           "and demand) %.2f ms; underwriting %.3f ms; spread (5 scenarios) %.3f ms; tornado "
           "(%d underwritings) %.3f ms; time to power %.3f ms\n",
           reps, median(t_read, reps), median(t_uw, reps), median(t_spread, reps), 28,
           median(t_tor, reps), median(t_pow, reps));

    /* 2. the whole command */
    char exe[4096], bin[4200];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        perror("readlink");
        return 1;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    snprintf(bin, sizeof bin, "%s/gridsplit", exe);
    if (!is_file(bin)) {
        printf("  the whole command: skipped, no %s\n", bin);
        return 0;
    }
    double wall[1000];
    for (int i = 0; i < reps; i++) {
        char *args[] = {bin, "underwrite", deal_flex, "--out", out, NULL};
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1, 0);
        pid_t pid;
        double t0 = now_s();
        int rc = posix_spawn(&pid, bin, &fa, NULL, args, environ);
        posix_spawn_file_actions_destroy(&fa);
        int status = 0;
        if (rc == 0)
            waitpid(pid, &status, 0);
        wall[i] = now_s() - t0;
        if (rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "bench_underwrite: %s underwrite %s failed\n", bin, deal_flex);
            return 1;
        }
    }
    double lo = wall[0], hi = wall[0];
    for (int i = 1; i < reps; i++) {
        lo = fmin(lo, wall[i]);
        hi = fmax(hi, wall[i]);
    }
    double med = median(wall, reps);
    printf("  the whole command (gridsplit underwrite, flexibility from the flex engine over the "
           "five price years, every output), %d runs: median %.3f s "
           "(%.3f-%.3f s); target < 1 s: %s\n", reps, med, lo, hi, med < 1.0 ? "met" : "MISSED");
    static const char *const outs[] = {"cashflow.csv", "spread.csv", "tornado.csv",
                                       "summary.json", "underwrite.xlsx", "report.html", NULL};
    for (int i = 0; outs[i]; i++) {
        char p[4300];
        snprintf(p, sizeof p, "%s/%s", out, outs[i]);
        unlink(p);
    }
    if (rmdir(out) != 0 || unlink(deal) != 0 || unlink(deal_flex) != 0 || rmdir(dir) != 0)
        fprintf(stderr, "bench_underwrite: could not remove %s: %s\n", dir, strerror(errno));
    return med < 1.0 ? 0 : 1;
}
