/* cost.c: the true cost of flexibility (include/gridsplit/flex.h): wall-clock a training run
 * loses to each lever, valued at the cluster's cost of a GPU-hour, its share of the run, the
 * deadline slip, and whether the run stays above its tier (average throughput floor). */
#include "gridsplit/flex.h"

#include <math.h>

double gs_flex_slack_left_s(const gs_flex_job *j)
{
    double tier = j->tier > 0 ? j->tier : 1;
    double allowed = tier >= 1 ? 0 : j->length_s * (1.0 / tier - 1.0);
    return allowed - j->slack_used_s;
}

double gs_flex_lost_s(const gs_flex_job *j, gs_lever lever, double dur_s, double early_s,
                      double thr, double requeue_overhead_s)
{
    double redo = j->since_ckpt_s > 0 ? j->since_ckpt_s : 0;
    double ro = j->restart_overhead_s > 0 ? j->restart_overhead_s : 0;
    if (thr < 0)
        thr = 0;
    if (thr > 1)
        thr = 1;
    switch (lever) {
    case GS_LEVER_RUN:
    case GS_LEVER_SHED:
        return 0;
    case GS_LEVER_CAP:
        return dur_s * (1 - thr);
    case GS_LEVER_PAUSE_CKPT:
        return (early_s > 0 ? early_s : 0) + dur_s + ro;
    case GS_LEVER_PAUSE_NOW:
        return dur_s + ro + redo;
    case GS_LEVER_REQUEUE:
        return (early_s >= 0 ? early_s : redo) + dur_s + ro +
               (requeue_overhead_s > 0 ? requeue_overhead_s : 0);
    case GS_LEVER_SHRINK:
        return dur_s * (1 - thr) + 2 * ro + redo;
    default:
        return 0;
    }
}

void gs_flex_price(const gs_flex_job *j, double lost_s, double deadline_penalty,
                   gs_flex_cost *out)
{
    double usd_per_s = j->gpus * j->usd_per_gpu_hour / 3600.0;
    out->lost_s = lost_s;
    out->gpu_hours = lost_s * j->gpus / 3600.0;
    double margin = j->deadline_margin_s;
    out->slip_s = isfinite(margin) ? fmax(0.0, lost_s - fmax(0.0, margin)) : 0.0;
    out->slip_usd = out->slip_s * usd_per_s * (deadline_penalty > 0 ? deadline_penalty : 0);
    out->usd = lost_s * usd_per_s + out->slip_usd;
    out->share = j->length_s > 0 ? lost_s / j->length_s : 0;
    double total = j->length_s + j->slack_used_s + lost_s;
    out->avg_throughput = total > 0 ? j->length_s / total : 1;
    out->tier_ok = lost_s <= 0 || lost_s <= gs_flex_slack_left_s(j) + 1e-6;
}
