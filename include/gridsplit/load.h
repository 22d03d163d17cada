/* gridsplit load models: the power of each load class over time.
 * Training: GPUs x per-GPU power at the run's utilisation (+ server overhead), with checkpoint
 * dips, idle GPUs between runs, and pause / power-cap states driven by overrides (the planner).
 * Inference: provisioned GPUs at idle + energy per request x requests served, from the demand of
 * each region in its own local time. Powers here are IT power (before PUE), in watts or MW as
 * named. Pure functions: no I/O. */
#ifndef GRIDSPLIT_LOAD_H
#define GRIDSPLIT_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/fleet.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Power of one GPU and its share of the server at activity a (0 idle .. 1 full board power):
 * idle_w + a (board_w - idle_w) + overhead_idle_w + a (overhead_w - overhead_idle_w). */
double gs_gpu_power_w(const gs_gpu *g, double activity);

/** A state imposed on a training run over [from_s, to_s): a pause (GPUs idle, no progress), a
 * power cap (GPU power limited to cap_frac of board power, progress at throughput_frac; a GPU
 * draws power_frac of board power when that is known from a measured curve, else the cap, and
 * never more than it draws running), or off (the run's servers powered down, 0 W, no progress:
 * a requeue). Pause and off are followed by the run's restart overhead. */
typedef enum gs_override_kind { GS_OVR_PAUSE = 1, GS_OVR_CAP = 2, GS_OVR_OFF = 3 } gs_override_kind;
typedef struct gs_override {
    int run;                  /**< index into fleet->runs */
    gs_override_kind kind;
    int64_t from_s, to_s;
    double cap_frac;          /**< GS_OVR_CAP: GPU power cap as a share of board power */
    double throughput_frac;   /**< GS_OVR_CAP: progress rate while capped (from the cap curve) */
    double power_frac;        /**< GS_OVR_CAP: the capped GPU's measured draw as a share of board
                                   power (a measured curve's power_frac at cap_frac; 1-3 % below
                                   the cap in Emerald's sweep); 0: unknown, it draws the cap */
} gs_override;

/** One stretch of a run's timeline with constant state. */
typedef enum gs_seg_kind { GS_SEG_RUN = 0, GS_SEG_PAUSED, GS_SEG_RESTART, GS_SEG_CAPPED, GS_SEG_OFF } gs_seg_kind;
typedef struct gs_segment {
    gs_seg_kind kind;
    int64_t from_s, to_s;
    double gpu_power_w;       /**< per GPU (with its server share) while in this segment */
    double progress_rate;     /**< useful work per second of wall-clock (1 running, 0 paused) */
    int dips;                 /**< 1 when checkpoint dips happen in this segment */
} gs_segment;

/** The timeline of run r of fleet f under the given overrides (those with .run == r are used;
 * they must not overlap). Pauses stop progress and add the restart overhead after them; caps
 * slow it; the run ends when its work (length_s of full-speed time) is done.
 * Writes at most max segments into seg and returns their number, or a negative gs_err. */
int gs_run_timeline(const gs_fleet *f, int r, const gs_override *ovr, size_t novr,
                    gs_segment *seg, size_t max, gs_error *err);

/** The same, for the run started at start_s instead of its planned start (a run that waits
 * for GPUs still held by an earlier, delayed run on its cluster). */
int gs_run_timeline_at(const gs_fleet *f, int r, int64_t start_s, const gs_override *ovr,
                       size_t novr, gs_segment *seg, size_t max, gs_error *err);

/** Checkpoint dip time (s) within [a, b) seconds after the start of dipping, for dips of length
 * dur_s at the end of every interval_s (dip k covers [k I - D, k I)). */
double gs_ckpt_dip_time(double a, double b, double interval_s, double dur_s);

/** The diurnal shape of a service at local time: a share of peak demand in (0, 1], with
 * weekday/weekend difference (local_s is seconds since 1970-01-01 00:00 local time). */
double gs_shape_factor(const gs_shape *s, int64_t local_s);

#ifdef __cplusplus
}
#endif
#endif
