/* gridsplit flexibility: the levers the planner may pull on a job, the power-cap curves
 * (throughput as a function of the GPU power cap, per workload type, fitted on the Emerald AI
 * Phoenix 2025 sweep), and the true cost of each lever: progress lost (GPU-hours valued at the
 * cluster's cost_usd_per_gpu_hour), restart overhead, work redone after an immediate pause,
 * deadline slip, and the run's flexibility tier (a floor on its average throughput over the run,
 * tracked as slack used). Pure functions: no I/O, no clock, no globals. See docs/flex-cost.md. */
#ifndef GRIDSPLIT_FLEX_H
#define GRIDSPLIT_FLEX_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"

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
    GS_NLEVER
} gs_lever;

/** "run", "cap", "pause-checkpoint", "pause-now", "requeue", "shrink", "shed". */
const char *gs_lever_name(gs_lever l);

/* ---- power-cap curves ---------------------------------------------------------------- */

#define GS_CAPCURVE_MAX 16

/** Throughput (share of uncapped) against GPU power cap (share of board power), increasing in
 * both, at n points with cap_frac[n-1] == 1 and throughput_frac[n-1] == 1. Caps below
 * cap_frac[0] were not measured and are not offered. */
typedef struct gs_capcurve {
    char workload[32];                 /**< "pretraining", "finetuning", "inference-batch" */
    size_t n;
    double cap_frac[GS_CAPCURVE_MAX];
    double throughput_frac[GS_CAPCURVE_MAX];
    int samples[GS_CAPCURVE_MAX];      /**< measurements averaged into each point */
} gs_capcurve;

/** The built-in curve of a workload type (fitted points of data/catalog/powercap.csv, compiled
 * in). Returns NULL for an unknown workload. */
const gs_capcurve *gs_capcurve_builtin(const char *workload);
/** Number of built-in curves, and the i-th. */
size_t gs_capcurve_builtin_count(void);
const gs_capcurve *gs_capcurve_builtin_at(size_t i);

/** Throughput share at cap_frac, linear between points; 1 at or above cap 1; NaN below the
 * curve's lowest cap. */
double gs_capcurve_throughput(const gs_capcurve *c, double cap_frac);

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

/* ---- the cost of a lever ------------------------------------------------------------- */

/** One training run as the cost model sees it at the decision time. Times in seconds. */
typedef struct gs_flex_job {
    double gpus;
    double usd_per_gpu_hour;     /**< the cluster's cost_usd_per_gpu_hour */
    double length_s;             /**< the run's work: wall-clock length at full speed */
    double since_ckpt_s;         /**< work done since the last checkpoint at the event start */
    double restart_overhead_s;   /**< lost on every resume */
    double tier;                 /**< floor on the run's average throughput, (0, 1]; 1 must-run */
    double slack_used_s;         /**< wall-clock already lost to earlier events */
    double deadline_margin_s;    /**< deadline minus planned finish (with slack used); INFINITY: none */
} gs_flex_job;

/** The cost of one lever on one job over one event. */
typedef struct gs_flex_cost {
    double lost_s;        /**< wall-clock of the whole run lost (finish moves later by this) */
    double gpu_hours;     /**< lost_s x gpus / 3600 */
    double usd;           /**< gpu_hours x usd_per_gpu_hour + slip_usd */
    double share;         /**< lost_s / length_s: the cost as a share of the run */
    double slip_s;        /**< how far past its deadline the run now finishes (0 if none) */
    double slip_usd;      /**< slip_s x gpus x usd_per_gpu_hour x deadline_penalty / 3600 */
    double avg_throughput;/**< the run's average throughput over its whole run after this */
    int tier_ok;          /**< 1 when avg_throughput >= tier (the slack is not exceeded) */
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
 * Pass early_s < 0 for "no checkpoint before the start". */
double gs_flex_lost_s(const gs_flex_job *j, gs_lever lever, double dur_s, double early_s,
                      double throughput, double requeue_overhead_s);

/** Price the loss of lost_s (see gs_flex_cost); deadline_penalty multiplies the value of a
 * GPU-hour for the time past the deadline (0: slip is reported, not priced). */
void gs_flex_price(const gs_flex_job *j, double lost_s, double deadline_penalty,
                   gs_flex_cost *out);

#ifdef __cplusplus
}
#endif
#endif
