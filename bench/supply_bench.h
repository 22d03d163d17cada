/* supply_bench.h: what bench_supply.c and bench_supply_opt.c share: the clock, a file check, a
 * comparison for qsort, and a CarbonExplorer case file read through the library's own reader
 * (gs_supply_case_read, src/read/supply_in.c). */
#ifndef GS_BENCH_SUPPLY_BENCH_H
#define GS_BENCH_SUPPLY_BENCH_H

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "gridsplit/read/supply.h"

static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A case file's ren_mw and dc_mw into *ren and *load (malloc'ed); the row count, 0 on failure. */
static inline size_t read_inputs(const char *path, double **ren, double **load)
{
    gs_supply_case c;
    gs_error err = {0};
    if (gs_supply_case_read(path, &c, &err) != 0)
        return 0;
    free(c.t_s);
    free(*ren);
    free(*load);
    *ren = c.ren_mw;
    *load = c.load_mw;
    return c.n;
}

#endif
