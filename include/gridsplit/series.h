/* gridsplit time series: raw timestamped points as they come from a file (gs_points), and
 * regular series on a fixed step (gs_series). Time is UTC seconds since the epoch (int64);
 * missing values are NaN. Both own their arrays; gs_*_free accepts NULL. */
#ifndef GRIDSPLIT_SERIES_H
#define GRIDSPLIT_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Raw points in file order: t[i] in UTC seconds (fractional part in t_frac for sub-second
 * logs), v[i] the value in the series' unit. */
typedef struct gs_points {
    size_t n, cap;
    int64_t *t;      /**< UTC seconds */
    double *t_frac;  /**< sub-second part in [0,1), or NULL when all points are whole seconds */
    double *v;
    char unit[32];   /**< e.g. "MW", "USD/MWh", "gCO2/kWh", "W" */
    char name[128];  /**< what it is: zone, column, file */
} gs_points;

/** A regular series: value i covers [start_s + i*step_s, start_s + (i+1)*step_s). */
typedef struct gs_series {
    int64_t start_s;
    int64_t step_s;
    size_t n;
    double *v;       /**< n values, NaN where missing */
    char unit[32];
    char name[128];
} gs_series;

/** Allocate an empty point set. Free with gs_points_free. Returns NULL on out of memory. */
gs_points *gs_points_new(void);
/** Append one point; returns 0 or GS_ENOMEM. */
int gs_points_push(gs_points *p, int64_t t, double t_frac, double v);
void gs_points_free(gs_points *p);

/** The most steps a regular series may have: 10 million, i.e. 19 years at 1 min, 1,141 years
 * at 1 h, 115 days at 1 s (80 MB of values; a CSV of about 300 MB). Every series built from
 * input (gs_series_from_points, the EIA-930 hourly demand, a simulation period) is refused
 * beyond it before anything is allocated, with a message saying how many steps the period and
 * step would need (gs_series_steps). docs/series.md. */
#define GS_SERIES_MAX_STEPS 10000000

/** The most issues a gs_quality stores: 100,000 (3.2 MB). Further issues are counted in their
 * kind's count and in gs_quality.omitted, not stored; the stored ones are the earliest. */
#define GS_QUALITY_MAX_ISSUES 100000

/** Steps of a regular series over [start_s, end_s) at step_s: *n = ceil((end - start) / step).
 * GS_EINPUT when step_s <= 0 or end_s <= start_s; GS_ERANGE when *n would exceed
 * GS_SERIES_MAX_STEPS, with the message "the period START to END at a step of S s needs N
 * steps; the limit is 10000000 (GS_SERIES_MAX_STEPS): narrow the period (--from/--to) or choose
 * a larger step (--step)" (field "step"). Overflow-safe for any int64 arguments. err may be
 * NULL. */
int gs_series_steps(int64_t start_s, int64_t end_s, int64_t step_s, size_t *n, gs_error *err);

/** Allocate a regular series of n NaN values. Free with gs_series_free. NULL on out of memory
 * and when n > GS_SERIES_MAX_STEPS (check with gs_series_steps first for the message). */
gs_series *gs_series_new(int64_t start_s, int64_t step_s, size_t n);
void gs_series_free(gs_series *s);

/** Value covering UTC time t (NaN outside the series). */
double gs_series_at(const gs_series *s, int64_t t);

typedef enum gs_resample {
    GS_RESAMPLE_MEAN = 0,     /**< to a coarser step: mean of the points in each step */
    GS_RESAMPLE_HOLD,         /**< to a finer step: each value held until the next */
    GS_RESAMPLE_INTERP,       /**< to a finer step: linear interpolation between points */
} gs_resample;

typedef enum gs_fill {
    GS_FILL_NONE = 0,         /**< leave gaps as NaN (default) */
    GS_FILL_HOLD,             /**< carry the last value forward */
    GS_FILL_INTERP,           /**< interpolate linearly across the gap */
    GS_FILL_ZERO,
} gs_fill;

/** What an import or resample found wrong with the data, each with its timestamp. */
typedef struct gs_issue {
    int64_t t;                /**< UTC seconds */
    int kind;                 /**< GS_ISSUE_* */
    double value;             /**< the value concerned (NaN for a gap) */
    int64_t length_s;         /**< gaps: length of the gap */
} gs_issue;
enum { GS_ISSUE_GAP = 1, GS_ISSUE_DUPLICATE = 2, GS_ISSUE_OUTLIER = 3, GS_ISSUE_FILLED = 4 };

/** Issues found, in time order: at most GS_QUALITY_MAX_ISSUES stored (the earliest); the counts
 * count them all. */
typedef struct gs_quality {
    size_t n, cap;
    gs_issue *issues;
    size_t gaps, duplicates, outliers, filled;
    size_t omitted;           /**< issues counted above but not stored (beyond the cap) */
} gs_quality;

void gs_quality_free(gs_quality *q); /**< frees the issues array (not q itself) and zeroes q */

/** Build a regular series on [from_s, to_s) at step_s from points (sorted by time by this
 * function if needed). from_s = to_s = 0: the points' own span, aligned to step_s; step_s = 0:
 * the points' native step (median spacing, at least 1 s). A period of more than
 * GS_SERIES_MAX_STEPS steps is GS_ERANGE (gs_series_steps' message) before any allocation;
 * times outside years 0000..9999 and steps above 2^40 s are GS_ERANGE too. Means are computed
 * so that finite values always give a finite mean (no overflow near 1.8e308), likewise
 * interpolation. Each point covers from its time to
 * the next point (or one native step when the next is more than 1.5 native steps away).
 * Duplicated timestamps keep the first value and are reported; NaN values are missing; gaps
 * (runs of whole steps no point covers) are reported before filling and filled only as fill
 * says, each filled step reported; outliers (further than 8 median absolute deviations, the
 * MAD taken at least 5 % of |median|, from the median of the 24 points centred on them) are
 * reported, not changed. Issues are sorted by time, at most GS_QUALITY_MAX_ISSUES kept (the
 * earliest; q->omitted counts the rest). q may be NULL. *out is owned by the caller.
 * Details: docs/series.md. */
int gs_series_from_points(const gs_points *p, int64_t from_s, int64_t to_s, int64_t step_s,
                          gs_resample method, gs_fill fill, gs_quality *q, gs_series **out,
                          gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
