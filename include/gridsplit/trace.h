/* gridsplit trace analysis: find the rhythm of a training job in a measured power log (steady
 * level, checkpoint dips, their period, length and share of time) and fit the training-model
 * parameters (gs_run.ckpt_*) to it. Pure: points and options in, a result out; no I/O. */
#ifndef GRIDSPLIT_TRACE_H
#define GRIDSPLIT_TRACE_H

#include <stddef.h>

#include "gridsplit/error.h"
#include "gridsplit/series.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of gs_trace_analyze. Zero-initialise, then set what matters: every 0 means the
 * documented default. */
typedef struct gs_trace_opts {
    double from_s;        /**< analyse only points at or after this offset from the first point */
    double to_s;          /**< ... and before this offset; 0: to the end */
    double smooth_s;      /**< width in time of the running median that removes noise and
                               single-sample glitches (default 0.5 s) */
    double dip_below;     /**< a dip begins when power falls below this share of the steady
                               level (default 0.6) */
    double dip_above;     /**< and ends when it rises above this share (default 0.7; must be
                               >= dip_below) */
    double min_dip_s;     /**< shorter low stretches are noise, not dips (default 2 s) */
    double steady_w;      /**< the steady level to test dips against; 0: found from the trace */
    double stop_frac;     /**< a low stretch whose level is below this share of the median
                               level of all low stretches is a stop (the job halted, power near
                               idle), not a checkpoint (default 0.75) */
    double regular_tol;   /**< dips are periodic when the median absolute deviation of their
                               start-to-start intervals is at most this share of the median
                               interval (default 0.25) */
} gs_trace_opts;

/** One dip. All times in a result are seconds from the first point of the log (before
 * from_s/to_s are applied). */
typedef struct gs_trace_dip {
    double start_s;
    double duration_s;
    double level_w;       /**< median power during the dip */
    int stop;             /**< 1: a stop (level far below the other dips), not a checkpoint */
} gs_trace_dip;

/** What gs_trace_analyze found. NaN marks what does not exist (e.g. no period without dips).
 * Free with gs_trace_result_free. */
typedef struct gs_trace_result {
    size_t samples;       /**< points analysed (after --from/--to, NaN values skipped) */
    double sample_s;      /**< median spacing of the points */
    double duration_s;    /**< time from the first to the last analysed point */
    double floor_w;       /**< idle floor: 1st percentile of the smoothed power */
    double ref_w;         /**< the level dips are tested against: median of the top plateau
                               (or opts.steady_w) */
    double steady_w;      /**< median power inside the training span outside the dips */
    double start_s;       /**< training span: first time power reaches dip_above x ref_w (NaN
                               when it never does) */
    double end_s;         /**< ... and the last time */
    double span_s;        /**< end_s - start_s */
    size_t ndips;         /**< checkpoint dips (stops not counted) */
    size_t nstops;        /**< stops: low stretches near idle inside the span */
    double stop_s;        /**< total time of the stops */
    gs_trace_dip *dips;   /**< ndips + nstops low stretches in time order, stops flagged (owned) */
    double dip_w;         /**< median power over all checkpoint-dip time; NaN without dips */
    double dip_duration_s;/**< median dip length; NaN without dips */
    double dip_period_s;  /**< median start-to-start interval of consecutive checkpoint dips (no
                               stop between them) when they are periodic (at least one interval,
                               intervals regular); NaN otherwise */
    size_t nintervals;    /**< intervals the period rests on */
    double dip_interval_min_s, dip_interval_max_s; /**< range of the intervals; NaN without any */
    double dip_regularity;/**< median absolute deviation of the intervals / their median */
    double dip_share;     /**< total checkpoint-dip time / (span - stop time); 0 without dips */
    int periodic;         /**< 1 when dip_period_s is set */
} gs_trace_result;

/** Analyse a power log. p: the points (sorted by time by the caller or not: they are sorted
 * here on a copy), values in watts (any power unit works; the result is in the same unit).
 * On success *out is a new result owned by the caller (gs_trace_result_free). Errors:
 * GS_EINPUT when fewer than 10 usable points remain or the options are out of range (err
 * names the option in field), GS_ENOMEM. */
int gs_trace_analyze(const gs_points *p, const gs_trace_opts *opts, gs_trace_result **out,
                     gs_error *err);

/** Free a result; NULL is a no-op. */
void gs_trace_result_free(gs_trace_result *r);

#ifdef __cplusplus
}
#endif
#endif
