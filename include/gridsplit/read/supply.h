/* gridsplit supply inputs (src/read/supply_in.c; docs/supply.md): hourly wind and solar
 * generation of a grid zone from ../shared/data (genmix/gen_by_fuel_hourly_*.csv: hourly
 * generation by fuel per balancing authority; ercot/fuel_mix/IntGenbyFuelYYYY.csv[.zst]:
 * ERCOT's 15-minute generation by fuel), and CarbonExplorer's case files (genmix/inputs_*.csv:
 * index, ren_mw, dc_mw). */
#ifndef GRIDSPLIT_READ_SUPPLY_H
#define GRIDSPLIT_READ_SUPPLY_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/tz.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Hourly wind and solar generation of a zone: MW averaged over each UTC hour
 * [start_s + 3600 i, start_s + 3600 (i + 1)), i < n. NaN where the source has no value. */
typedef struct gs_genmix {
    int64_t start_s;
    size_t n;
    double *wind_mw;
    double *solar_mw;
    size_t missing_hours; /**< hours with NaN in either column */
} gs_genmix;

/** Read the hours [from_s, to_s) of balancing authority ba (e.g. ERCO, GB, FR; the `ba`
 * column, case-insensitive) from an hourly generation-by-fuel file (header time_utc, ba, WND,
 * SUN, ...; MWh per hour, UTC). Rows of other zones are skipped; rows outside the period too.
 * Errors: GS_EINPUT with file:line:column (bad time, bad or negative or non-finite number,
 * missing column, no row of ba in the period: naming the zones the file has). */
int gs_genmix_read(const char *path, const char *ba, int64_t from_s, int64_t to_s,
                   gs_genmix *out, gs_error *err);

/** Read the hours [from_s, to_s) from ERCOT's fuel-mix files in dir (IntGenbyFuelYYYY.csv or
 * .csv.zst, one per calendar year of Central time; the 2016 file's `Date-Fuel` layout too):
 * rows Wind and Solar, each a day of 15-minute MWh in order of actual time (92 on the spring
 * DST day, 100 on the autumn one), the day starting at local midnight (America/Chicago, whose
 * offsets come from tz: spans covering the period). Each quarter-hour's MWh x 4 is its MW; an
 * hour's MW is the mean of its quarter-hours. A year whose file is missing is GS_EINPUT
 * naming it. */
int gs_ercot_fuel_mix_read(const char *dir, const gs_tz *central, int64_t from_s,
                           int64_t to_s, gs_genmix *out, gs_error *err);

void gs_genmix_free(gs_genmix *g);

/** A CarbonExplorer case file: rows `index,ren_mw,dc_mw` (the index a naive UTC timestamp),
 * kept in file order (CarbonExplorer's rules work on rows, not on times). */
typedef struct gs_supply_case {
    size_t n;
    int64_t *t_s;
    double *ren_mw;
    double *load_mw;
} gs_supply_case;

/** Read a case file; at least 24 rows; values finite and >= 0. Errors with file:line:column. */
int gs_supply_case_read(const char *path, gs_supply_case *out, gs_error *err);

void gs_supply_case_free(gs_supply_case *c);

#ifdef __cplusplus
}
#endif

#endif
