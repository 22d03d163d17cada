/* gridsplit headroom: curtailment-enabled headroom of a grid zone. The largest constant new load
 * L (MW) that fits beside a zone's hourly demand if it accepts curtailment whenever
 * demand + L would exceed the zone's historical seasonal peak, at a given curtailment rate.
 *
 * Definitions (docs/headroom.md has the long form):
 * - threshold of an hour: the highest June-August demand of the whole period for hours in
 *   April-October, the highest December-February demand for hours in November-March (months of
 *   the UTC timestamp);
 * - curtailment of an hour: min(L, max(0, demand + L - threshold)) (the new load can give up at
 *   most itself: in a shoulder-month hour already above the threshold it is curtailed fully);
 * - curtailment rate: per calendar year curtailed MWh / (L x hours of the year), averaged over
 *   the years (a partial year counts with weight hours/8760, capped at 1);
 * - L at a rate is found exactly (the rate is a piecewise function W_k - S_k/L of L over the
 *   sorted slacks threshold - demand), not by bisection;
 * - at least a year of hourly demand: less is refused (GS_EINPUT), never answered with a NaN
 *   threshold.
 *
 * The engine (gs_headroom_solve, gs_headroom_eval, gs_demand_clean) is pure: no I/O, no globals.
 * The loaders (gs_demand_from_points, gs_eia930_*) read files: gridsplit/read/eia930.h. */
#ifndef GRIDSPLIT_HEADROOM_H
#define GRIDSPLIT_HEADROOM_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/series.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_HEADROOM_MAX_RATES 32

/** What one curtailment rate gives. Hour counts are per year (mean over the calendar years). */
typedef struct gs_headroom_result {
    double rate_pct;                 /**< the requested rate, percent */
    double achieved_rate_pct;        /**< the rate recomputed directly at headroom_mw */
    double headroom_mw;              /**< L */
    double curtailed_mwh_per_year;
    double curtailed_hours_per_year; /**< hours with any curtailment */
    double hours_keeping_50pct;      /**< curtailed hours in which at least 50 % of L runs */
    double hours_keeping_75pct;
    double hours_keeping_90pct;
    double mean_event_hours;         /**< consecutive curtailed hours form one event (the
                                          study's definition; docs/headroom.md on why its
                                          published means are about half of these) */
    double max_event_hours;
    size_t events;                   /**< over the whole period */
} gs_headroom_result;

/** The answer for one zone and period. */
typedef struct gs_headroom {
    double threshold_summer_mw;  /**< highest June-August demand of the period */
    double threshold_winter_mw;  /**< highest December-February demand of the period */
    double peak_mw, mean_mw;
    double load_factor;          /**< mean / peak */
    int64_t start_s, end_s;      /**< [start, end) of the hours used */
    size_t hours;
    int year_first, year_last;
    double years;                /**< effective years: sum of min(1, hours/8760) */
    size_t n_results;
    gs_headroom_result results[GS_HEADROOM_MAX_RATES];
} gs_headroom;

/** Solve for L at each rate in rates_pct (each in (0, 100)). demand: hourly (step 3600 s),
 * no NaN (clean it first: gs_demand_clean), at least a year of hours (8,760, which hold a
 * June-August and a December-February hour for the two thresholds): a shorter series is
 * GS_EINPUT "too little data for a headroom: N hours (START to END), less than a year ...",
 * naming a missing seasonal peak. Fills *out. Returns 0, GS_EINPUT (bad or too short series)
 * or GS_ERANGE (a rate out of range). O(n): the slacks are sorted by a radix sort. */
int gs_headroom_solve(const gs_series *demand, const double *rates_pct, size_t n_rates,
                      gs_headroom *out, gs_error *err);

/** The seasonal thresholds of an hourly demand series (NaN where a season has no hour). */
void gs_headroom_thresholds(const gs_series *demand, double *summer_mw, double *winter_mw);

/** Evaluate a given new load L directly (O(n)): fills every field of *r except rate_pct
 * (set to the achieved rate). Thresholds as from gs_headroom_thresholds. */
int gs_headroom_eval(const gs_series *demand, double summer_mw, double winter_mw, double load_mw,
                     gs_headroom_result *r, gs_error *err);

/* ---- cleaning of raw demand (pure) ---- */

enum {
    GS_CHANGE_MISSING = 0,   /**< no value for the hour (a gap, an empty field, NaN) */
    GS_CHANGE_NONPOSITIVE,   /**< value <= 0 */
    GS_CHANGE_SENTINEL,      /**< value >= sentinel_mw (e.g. 2,147,480,000 in EIA files) */
    GS_CHANGE_SPIKE_HIGH,    /**< value > spike_factor x rolling median */
    GS_CHANGE_SPIKE_LOW,     /**< value < rolling median / spike_factor */
    GS_CHANGE_JUMP,          /**< one hour off both neighbours, same side, by > jump x median */
    GS_CHANGE_NKINDS
};

/** Name of a change kind ("missing", "non-positive", ...). */
const char *gs_change_kind_name(int kind);

typedef struct gs_demand_change {
    int64_t t;          /**< UTC seconds of the hour */
    int kind;           /**< GS_CHANGE_* */
    double original;    /**< NaN when missing */
    double replaced;
} gs_demand_change;

/** Changed hours; owned by the caller, free with gs_demand_changes_free. */
typedef struct gs_demand_changes {
    size_t n, cap;
    gs_demand_change *v;
    size_t by_kind[GS_CHANGE_NKINDS];
} gs_demand_changes;

void gs_demand_changes_free(gs_demand_changes *c); /**< frees the array, not c */

typedef struct gs_clean_opts {
    int only_missing;      /**< 1: fill NaN hours only (for already-cleaned data) */
    double spike_factor;   /**< k; 0 means 2 */
    int window_hours;      /**< half-width of the centred median window; 0 means 24 */
    double sentinel_mw;    /**< 0 means 1e9 */
    double jump_fraction;  /**< 0 means 0.2 */
} gs_clean_opts;

/** Clean an hourly series in place: a value that is missing (NaN), <= 0, >= sentinel,
 * above k x / below 1/k x the median m of the valid values within +-window hours (needs at
 * least window/2 valid neighbours), or a one-hour jump (above both neighbouring hours, or below
 * both, by more than jump_fraction x m) is replaced by linear interpolation between the nearest
 * valid hours before and after (the nearest valid value at either end). Every replaced hour
 * is appended to *changes (may be NULL). Most hours are decided by the least and largest valid
 * values of the blocks around them, between which the median lies; the others get the median
 * from a sorted window slid along the series. Returns 0, GS_ENOMEM, or GS_EINPUT
 * when the series has no valid hour. */
int gs_demand_clean(gs_series *demand, const gs_clean_opts *opts, gs_demand_changes *changes,
                    gs_error *err);


#ifdef __cplusplus
}
#endif
#endif
