/* bench_import.c: import a year of hourly series for 50 zones (the real price and carbon files
 * under $GS_SHARED/data, cycled to reach 50) and resample each to a regular hourly series with
 * its quality report. Prints wall time in total and per file. Usage: bench_import [YEAR] [N]. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gridsplit/time.h"
#include "gridsplit/read/import.h"
#include "gridsplit/series.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    const char *shared = getenv("GS_SHARED");
    const char *year = argc > 1 ? argv[1] : "2023";
    int want = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 50;
    char pat[1024];
    glob_t g;
    snprintf(pat, sizeof pat, "%s/data/prices/*/%s/*.csv.zst", shared ? shared : "../shared", year);
    if (glob(pat, 0, NULL, &g) != 0) {
        fprintf(stderr, "bench_import: no files match %s (set GS_SHARED)\n", pat);
        return 77;
    }
    snprintf(pat, sizeof pat, "%s/data/carbon/*/%s/*.csv.zst", shared ? shared : "../shared", year);
    glob(pat, GLOB_APPEND, NULL, &g);
    size_t points = 0, steps = 0, issues = 0;
    double t0 = now_s(), worst = 0;
    for (int i = 0; i < want; i++) {
        const char *path = g.gl_pathv[(size_t)i % g.gl_pathc];
        double t1 = now_s();
        gs_points *p = NULL;
        gs_error err = {0};
        if (gs_import_points(path, NULL, &p, &err) != GS_OK) {
            char buf[2048];
            gs_error_format(&err, buf, sizeof buf);
            fprintf(stderr, "bench_import: %s\n", buf);
            return 1;
        }
        gs_quality q = {0};
        gs_series *s = NULL;
        if (gs_series_from_points(p, 0, 0, 3600, GS_RESAMPLE_MEAN, GS_FILL_NONE, &q, &s, &err) != GS_OK) {
            fprintf(stderr, "bench_import: %s: %s\n", path, err.message);
            return 1;
        }
        points += p->n;
        steps += s->n;
        issues += q.n;
        gs_quality_free(&q);
        gs_series_free(s);
        gs_points_free(p);
        double dt = now_s() - t1;
        if (dt > worst)
            worst = dt;
    }
    double total = now_s() - t0;
    printf("bench_import: %d files (%zu distinct, year %s), %zu points -> %zu hourly steps, %zu issues\n",
           want, g.gl_pathc, year, points, steps, issues);
    printf("total %.3f s, %.2f ms per file (slowest %.2f ms)\n", total, total * 1e3 / want, worst * 1e3);
    globfree(&g);
    return 0;
}
