/* bench_headroom.c: time gs_headroom_solve over the 22 large US balancing authorities x
 * 2016-2024 x 4 curtailment rates, the data loaded (and gap-filled) first so only the solve is
 * timed. Target: < 1 s for the whole table. Usage: bench_headroom [EIA930_DIR] [REPEATS]
 * (default $GS_SHARED/data/eia930, 5 repeats; reports the fastest and the mean). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "gridsplit/headroom.h"
#include "gridsplit/read/eia930.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    char dir[1024];
    const char *shared = getenv("GS_SHARED");
    snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : "");
    if (argc <= 1) {
        /* $GS_SHARED, else ../shared from the project root or ../../shared from a build dir */
        struct stat st;
        snprintf(dir, sizeof dir, "%s/data/eia930", shared ? shared : "../shared");
        if (!shared && stat(dir, &st) != 0)
            snprintf(dir, sizeof dir, "../../shared/data/eia930");
    }
    int repeats = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 5;
    if (repeats < 1)
        repeats = 1;
    size_t nb;
    const char *const *bas = gs_eia930_default_bas(&nb);
    gs_series *s[64] = {0};
    double t0 = now_s();
    size_t hours = 0;
    for (size_t i = 0; i < nb; i++) {
        gs_eia930_opts o = {.dir = dir, .ba = bas[i], .year_from = 2016, .year_to = 2024};
        gs_eia930_info info;
        gs_error err = {0};
        if (gs_eia930_load(&o, &s[i], &info, &err) ||
            gs_demand_clean(s[i], &(gs_clean_opts){.only_missing = 1}, NULL, &err)) {
            char buf[2048];
            gs_error_format(&err, buf, sizeof buf);
            fprintf(stderr, "bench_headroom: %s: %s (skipped: no data)\n", bas[i], buf);
            for (size_t k = 0; k <= i; k++)
                gs_series_free(s[k]);
            return 0;
        }
        hours += s[i]->n;
    }
    double t_load = now_s() - t0;
    double rates[] = {0.25, 0.5, 1, 5};
    double best = 1e9, sum = 0, total_gw = 0;
    for (int r = 0; r < repeats; r++) {
        double a = now_s();
        total_gw = 0;
        for (size_t i = 0; i < nb; i++) {
            gs_headroom h;
            gs_error err = {0};
            if (gs_headroom_solve(s[i], rates, 4, &h, &err)) {
                fprintf(stderr, "bench_headroom: %s: %s\n", bas[i], err.message);
                return 1;
            }
            total_gw += h.results[0].headroom_mw / 1000;
        }
        double dt = now_s() - a;
        sum += dt;
        if (dt < best)
            best = dt;
    }
    printf("bench_headroom: %zu zones, %zu hours (2016-2024), 4 rates\n", nb, hours);
    printf("  load (read + join + fill, not the target): %.3f s\n", t_load);
    printf("  solve, all zones x 4 rates: best %.4f s, mean %.4f s over %d repeats (target < 1 s)\n",
           best, sum / repeats, repeats);
    printf("  check: total headroom at 0.25 %% = %.1f GW\n", total_gw);
    for (size_t i = 0; i < nb; i++)
        gs_series_free(s[i]);
    return best < 1.0 ? 0 : 1;
}
