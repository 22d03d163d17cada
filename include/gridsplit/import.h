/* gridsplit importers: read real time-series exports (generic CSV, EIA-930, hourly price and
 * carbon files, ERCOT day-ahead prices and ancillary clearing prices, nvidia-smi logs), plain
 * or compressed (.zst, .gz), into gs_points; and turn points into regular series at any step
 * with gaps, duplicates and outliers reported (filled only when asked). */
#ifndef GRIDSPLIT_IMPORT_H
#define GRIDSPLIT_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/series.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of an import; zero-initialise, then set what matters. */
typedef struct gs_import_opts {
    const char *format;       /**< "csv", "price", "carbon", "eia930", "ercot-dam-spp",
                                   "ercot-dam-as", "nvidia-smi"; NULL or "auto": from the header */
    const char *time_column;  /**< csv: timestamp column name (default: the first column) */
    const char *value_column; /**< csv: value column; eia930: "cleaned" (default) or "raw";
                                   carbon: "direct" (default) or "lca"; ercot-dam-spp: settlement
                                   point (default HB_HUBAVG); ercot-dam-as: REGUP, REGDN, RRS, NSPIN;
                                   nvidia-smi: "sum" (default: all GPUs summed per sample) */
    const char *tz;           /**< time zone of timestamps without an offset (default UTC) */
    const char *unit;         /**< unit label of the values (default: from the format) */
    double scale;             /**< multiply values by this; 0 means 1 */
} gs_import_opts;

/** Import one file, or every file matching a glob pattern (sorted by name, concatenated).
 * *out is a new point set owned by the caller (gs_points_free). Bad rows are GS_EINPUT with
 * file, line, column and field named. */
int gs_import_points(const char *path, const gs_import_opts *opts, gs_points **out, gs_error *err);

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

typedef struct gs_quality {
    size_t n, cap;
    gs_issue *issues;
    size_t gaps, duplicates, outliers, filled;
} gs_quality;

void gs_quality_free(gs_quality *q); /**< frees the issues array (not q itself) and zeroes q */

/** Build a regular series on [from_s, to_s) at step_s from points (sorted by time by this
 * function if needed). from_s = to_s = 0: the points' own span, aligned to step_s; step_s = 0:
 * the points' native step (median spacing, at least 1 s). Each point covers from its time to
 * the next point (or one native step when the next is more than 1.5 native steps away).
 * Duplicated timestamps keep the first value and are reported; NaN values are missing; gaps
 * (runs of whole steps no point covers) are reported before filling and filled only as fill
 * says, each filled step reported; outliers (further than 8 median absolute deviations, the
 * MAD taken at least 5 % of |median|, from the median of the 24 points centred on them) are
 * reported, not changed. Issues are sorted by time. q may be NULL. *out is owned by the
 * caller. Details: docs/series.md. */
int gs_series_from_points(const gs_points *p, int64_t from_s, int64_t to_s, int64_t step_s,
                          gs_resample method, gs_fill fill, gs_quality *q, gs_series **out,
                          gs_error *err);

/** Parse a step such as "1min", "5min", "15min", "1h", "hourly", "300s" into seconds.
 * Returns 0 or GS_EINPUT. */
int gs_parse_step(const char *text, int64_t *step_s, gs_error *err);

/** Parse an ISO 8601 time ("2024-01-01", "2024-01-01T00:00", "2024-01-01 00:00:00+02:00",
 * "...Z") into UTC seconds; naive times are UTC. Returns 0 or GS_EINPUT. */
int gs_parse_time(const char *text, int64_t *t, gs_error *err);

/** Like gs_parse_time, and also: "2025/07/27 00:34:45.155" (nvidia-smi), fractional seconds
 * returned in *frac (in [0,1); frac may be NULL), and *has_offset (may be NULL) set to 1 when
 * the text carried "Z" or a numeric offset, 0 for a naive time (taken as UTC). */
int gs_parse_time_frac(const char *text, int64_t *t, double *frac, int *has_offset, gs_error *err);

/** UTC seconds of a civil date and time (proleptic Gregorian, no time zone, no leap seconds).
 * Fields may be out of range (hour 24, minute 60...): they carry over. */
int64_t gs_utc_from_civil(int64_t year, int month, int day, int hour, int minute, int second);

/** Civil date and time of UTC seconds t; any pointer may be NULL. */
void gs_civil_from_utc(int64_t t, int64_t *year, int *month, int *day, int *hour, int *minute,
                       int *second);

/** Write UTC seconds as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). */
void gs_format_time(int64_t t, char *buf);

#ifdef __cplusplus
}
#endif
#endif
