/* gridsplit flexibility: the levers the planner may pull on a job, the power-cap curves
 * (throughput and measured draw as functions of the GPU power cap: built in per workload type,
 * fitted on the Emerald AI Phoenix 2025 sweep, or a job's own from the fleet), and the true cost
 * of each lever: progress lost (GPU-hours valued at the cluster's cost_usd_per_gpu_hour),
 * restart overhead, work redone after an immediate pause (or the duration of a checkpoint on
 * demand), deadline slip, and the job's flexibility tier: a floor on its average throughput
 * over a window (the event, a rolling day, or the run, tracked as slack used). Pure functions:
 * no I/O, no clock, no globals. See docs/flex-cost.md. */
#ifndef GRIDSPLIT_FLEX_H
#define GRIDSPLIT_FLEX_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/fleet.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What the planner does to one job over an event. */
typedef enum gs_lever {
    GS_LEVER_RUN = 0,       /**< nothing: the job runs as planned */
    GS_LEVER_CAP,           /**< GPU power cap (training): slower progress, lower power */
    GS_LEVER_PAUSE_CKPT,    /**< pause at the next checkpoint (before the event starts) */
    GS_LEVER_PAUSE_NOW,     /**< pause at the event start, losing the work since the last checkpoint */
    GS_LEVER_REQUEUE,       /**< stop the job and requeue it: GPUs and servers off, longer restart */
    GS_LEVER_SHRINK,        /**< run on a share of its GPUs (restart from a checkpoint, twice) */
    GS_LEVER_SHED,          /**< inference: serve fewer requests (lost requests and revenue) */
    GS_LEVER_CKPT_PAUSE,    /**< checkpoint now (on a signal), then pause: loses the checkpoint's
                                 duration and a restart, not the work since the last checkpoint */
    GS_NLEVER
} gs_lever;

/** "run", "cap", "pause-checkpoint", "pause-now", "requeue", "shrink", "shed",
 * "checkpoint-pause". */
const char *gs_lever_name(gs_lever l);

/* ---- power-cap curves ---------------------------------------------------------------- */

/* The curve itself (gs_capcurve, GS_CAPCURVE_MAX) is model data: gridsplit/fleet.h (the fleet
 * holds each job's measured curve; these functions read it). */

/** The built-in curve of a workload type (fitted points of data/catalog/powercap.csv, compiled
 * in). Returns NULL for an unknown workload. */
const gs_capcurve *gs_capcurve_builtin(const char *workload);
/** Number of built-in curves, and the i-th. */
size_t gs_capcurve_builtin_count(void);
const gs_capcurve *gs_capcurve_builtin_at(size_t i);

/** Throughput share at cap_frac, linear between points; 1 at or above cap 1; NaN below the
 * curve's lowest cap. */
double gs_capcurve_throughput(const gs_capcurve *c, double cap_frac);

/** Measured draw per GPU at cap_frac as a share of board power, linear between points (has_power);
 * without measured power (has_power 0) the cap itself. 1 at or above cap 1 without measured
 * power, power_frac[n-1] with; NaN below the curve's lowest cap. The planner takes
 * min(this x board, the job's running draw) as a capped GPU's draw. */
double gs_capcurve_power_frac(const gs_capcurve *c, double cap_frac);

/** The lowest cap (share of board power) whose throughput is at least thr (the inverse of
 * gs_capcurve_throughput, linear between points): cap_frac[0] when thr <= throughput_frac[0];
 * NaN when thr > 1 or no cap reaches it. */
double gs_capcurve_cap_for(const gs_capcurve *c, double thr);

/** The workload type of a name in dvfs_sweep.csv: "pt_*" pretraining, "ft_*" finetuning,
 * "infer_*" inference-batch; NULL otherwise. */
const char *gs_capcurve_workload_of(const char *sweep_name);

/** Fit a monotone curve from n measurements (cap in W of a board of board_w, normalised
 * throughput): measurements at the same cap are averaged, then pooled adjacent violators
 * make the throughput non-decreasing in the cap; the point at the board power is scaled to 1.
 * Returns 0, or GS_EINPUT when there are no points, too many distinct caps, or none at
 * board_w. */
int gs_capcurve_fit(const char *workload, const double *cap_w, const double *throughput,
                    size_t n, double board_w, gs_capcurve *out, gs_error *err);

/** gs_capcurve_fit with the measured draw: power_w[i] is the draw per GPU (W) of measurement i
 * (dvfs_sweep.csv's "power per GPU"); measurements at the same cap are averaged, then made
 * non-decreasing in the cap the same way; power_frac = W / board_w, has_power = 1. power_w NULL:
 * gs_capcurve_fit (has_power 0). Also GS_EINPUT for a draw that is not finite and positive. */
int gs_capcurve_fit_measured(const char *workload, const double *cap_w, const double *throughput,
                             const double *power_w, size_t n, double board_w, gs_capcurve *out,
                             gs_error *err);

/* ---- the cost of a lever ------------------------------------------------------------- */

/** One training run as the cost model sees it at the decision time. Times in seconds. */
typedef struct gs_flex_job {
    double gpus;
    double usd_per_gpu_hour;     /**< the cluster's cost_usd_per_gpu_hour */
    double length_s;             /**< the run's work: wall-clock length at full speed */
    double since_ckpt_s;         /**< work done since the last checkpoint at the event start */
    double restart_overhead_s;   /**< lost on every resume */
    double tier;                 /**< floor on the job's average throughput over `window`, (0, 1];
                                      1 must-run; 0 is read as 1 */
    double slack_used_s;         /**< wall-clock already lost to earlier events (run window) */
    double deadline_margin_s;    /**< deadline minus planned finish (with slack used); INFINITY: none */
    gs_tier_window window;       /**< the window the tier holds over (GS_TIER_EVENT: zeroed) */
    double lost_day_s;           /**< wall-clock already lost in the 24 h ending at the event's end
                                      (day window; what earlier events cost it in that day) */
} gs_flex_job;

/** The cost of one lever on one job over one event. */
typedef struct gs_flex_cost {
    double lost_s;        /**< wall-clock of the whole run lost (finish moves later by this) */
    double gpu_hours;     /**< lost_s x gpus / 3600 */
    double usd;           /**< gpu_hours x usd_per_gpu_hour + slip_usd */
    double share;         /**< lost_s / length_s: the cost as a share of the run */
    double slip_s;        /**< how far past its deadline the run now finishes (0 if none) */
    double slip_usd;      /**< slip_s x gpus x usd_per_gpu_hour x deadline_penalty / 3600 */
    double avg_throughput;/**< the run's average throughput over its whole run after this
                               (= avg_window[GS_TIER_RUN]) */
    double avg_window[3]; /**< average throughput after this over each window, indexed by
                               gs_tier_window: the event, the 24 h ending at the event's end
                               (counting lost_day_s), the run (length / (length + slack + lost)) */
    int tier_ok;          /**< gs_flex_price: 1 when the run window holds (today's rule);
                               gs_flex_price_window: 1 when the job's own window holds */
} gs_flex_cost;

/** Wall-clock a run may still lose without breaking its tier:
 * length_s (1/tier - 1) - slack_used_s (negative when already broken). */
double gs_flex_slack_left_s(const gs_flex_job *j);

/** Wall-clock of the run lost by a lever over an event of dur_s:
 * cap:              dur_s (1 - throughput)
 * pause-checkpoint: early_s + dur_s + restart   (early_s: from the checkpoint to the start)
 * pause-now:        dur_s + restart + since_ckpt
 * requeue:          early_s + dur_s + restart + requeue_overhead_s (+ since_ckpt when early_s < 0)
 * shrink:           dur_s (1 - throughput) + 2 restart + since_ckpt   (throughput = share kept)
 * checkpoint-pause: early_s + dur_s + restart   (early_s: the on-demand checkpoint's duration)
 * Pass early_s < 0 for "no checkpoint before the start". */
double gs_flex_lost_s(const gs_flex_job *j, gs_lever lever, double dur_s, double early_s,
                      double throughput, double requeue_overhead_s);

/** Price the loss of lost_s (see gs_flex_cost); deadline_penalty multiplies the value of a
 * GPU-hour for the time past the deadline (0: slip is reported, not priced). */
void gs_flex_price(const gs_flex_job *j, double lost_s, double deadline_penalty,
                   gs_flex_cost *out);

/** gs_flex_price with the tier held over the job's own window (j->window): event_thr is the
 * job's average throughput over the event (dur_s long) under the lever (a cap's curve
 * throughput, 0 for a pause; 1 - (share of the event the lever holds) x (1 - throughput) when it
 * acts late); the day window is the 24 h ending at the event's end: 1 - (lost_day_s + lost_s) /
 * max(24 h, dur_s); the run window length / (length + slack_used + lost). All three go to
 * out->avg_window; tier_ok checks j->window's. */
void gs_flex_price_window(const gs_flex_job *j, double lost_s, double dur_s, double event_thr,
                          double deadline_penalty, gs_flex_cost *out);

/** The fast path of gs_flex_price_window for many levers of one job over one event (the
 * planner prices every option of every job): what does not depend on the lever, computed
 * once. gs_flex_quick gives the same dollars (bit for bit), the average over the job's window
 * and the tier check as gs_flex_price_window (tested). */
typedef struct gs_flex_pricer {
    double usd_per_s, penalty, margin, length_s, length_slack_s, slack_ok_s, tier;
    double dur_s, day_win_s, lost_day_s;
    gs_tier_window window;
    int has_margin;
} gs_flex_pricer;

void gs_flex_pricer_init(gs_flex_pricer *p, const gs_flex_job *j, double dur_s,
                         double deadline_penalty);
/** Returns tier_ok; *usd the cost, *avg the average throughput over the job's window. Inline:
 * the planner calls it for every option of every job. The expressions are those of
 * gs_flex_price / gs_flex_price_window, in the same order (the same bits). */
static inline int gs_flex_quick(const gs_flex_pricer *p, double lost_s, double event_thr,
                                double *usd, double *avg)
{
    double slip_s = p->has_margin ? fmax(0.0, lost_s - p->margin) : 0.0;
    double slip_usd = slip_s * p->usd_per_s * p->penalty;
    *usd = lost_s * p->usd_per_s + slip_usd;
    switch (p->window) {
    case GS_TIER_EVENT: {
        double ev = event_thr < 0 ? 0 : event_thr > 1 ? 1 : event_thr;
        *avg = ev;
        return lost_s <= 0 || ev >= p->tier - 1e-9;
    }
    case GS_TIER_DAY: {
        double day = 1 - (p->lost_day_s + lost_s) / p->day_win_s;
        *avg = day < 0 ? 0 : day > 1 ? 1 : day;
        return lost_s <= 0 || day >= p->tier - 1e-9;
    }
    default: {
        double total = p->length_slack_s + lost_s;
        *avg = total > 0 ? p->length_s / total : 1;
        return lost_s <= 0 || lost_s <= p->slack_ok_s;
    }
    }
}

#ifdef __cplusplus
}
#endif
#endif
