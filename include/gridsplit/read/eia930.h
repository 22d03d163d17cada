/* gridsplit EIA-930 demand: hourly demand of a US balancing authority from the EIA-930
 * releases (src/read/eia930.c), and hourly series from any demand points. */
#ifndef GRIDSPLIT_READ_EIA930_H
#define GRIDSPLIT_READ_EIA930_H

#include <stddef.h>
#include <stdint.h>
#include "gridsplit/error.h"
#include "gridsplit/series.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Hourly series from points: each value in the hour floor(t/3600) (the mean when several
 * share an hour), NaN for hours without a point, from the first to the last point's hour.
 * from_s/to_s non-zero: keep only points in [from_s, to_s). *out owned by the caller. */
int gs_demand_from_points(const gs_points *p, int64_t from_s, int64_t to_s, gs_series **out,
                          gs_error *err);

/** The 22 large US balancing authorities of Norris et al. (2025), by their usual names. */
const char *const *gs_eia930_default_bas(size_t *n);

/** Where the series of an EIA-930 load came from. */
typedef struct gs_eia930_info {
    char name[32];          /**< the name asked for, upper-case (e.g. "ERCOT") */
    char code[16];          /**< EIA code (e.g. "ERCO") */
    size_t files;           /**< files read */
    size_t subregions;      /**< subregion files summed (2025 release) */
    int used_2020_release, used_2025_release;
    int64_t overlap_hours;  /**< hours present in both releases (the 2025 release wins) */
    char sources[1024];     /**< human-readable: which release gave which years, which column */
} gs_eia930_info;

typedef struct gs_eia930_opts {
    const char *dir;        /**< the eia930 folder (holding release_2020_Oct/...) */
    const char *ba;         /**< a name (ERCOT, CAISO, DEC, ...) or an EIA code (ERCO, DUK) */
    int year_from, year_to; /**< calendar years, inclusive; 0: 2016 and 2024 */
    int raw;                /**< 1: raw columns / original EIA files (clean them yourself) */
} gs_eia930_opts;

/** Map a name to its EIA code ("ERCOT" -> "ERCO", "DEC" -> "DUK", "duk" -> "DUK"). Unknown
 * names give GS_EINPUT with a message listing close names found in dir. */
int gs_eia930_resolve(const char *dir, const char *name, char *code, size_t code_len,
                      gs_error *err);

/** Load one balancing authority's hourly demand over [year_from-01-01, year_to+1-01-01) UTC,
 * joining the 2020 and 2025 releases (the later wins where they overlap) and summing
 * subregions where the 2025 release lists the BA only by them. Hours no file has are NaN.
 * *out owned by the caller. */
int gs_eia930_load(const gs_eia930_opts *opts, gs_series **out, gs_eia930_info *info,
                   gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
