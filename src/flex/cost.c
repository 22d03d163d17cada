/* cost.c: the true cost of flexibility (include/gridsplit/flex.h): wall-clock a training run
 * loses to each lever, valued at the cluster's cost of a GPU-hour, its share of the run, the
 * deadline slip, and whether the run stays above its tier (average throughput floor). */
#include "gridsplit/flex.h"

#include <math.h>
#include <string.h>

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
    case GS_LEVER_CKPT_PAUSE:
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
    memset(out, 0, sizeof *out); /* padding too: costs compare bytewise */
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
    out->avg_window[GS_TIER_EVENT] = NAN; /* unknown without the event: gs_flex_price_window */
    out->avg_window[GS_TIER_DAY] = NAN;
    out->avg_window[GS_TIER_RUN] = out->avg_throughput;
}

void gs_flex_price_window(const gs_flex_job *j, double lost_s, double dur_s, double event_thr,
                          double deadline_penalty, gs_flex_cost *out)
{
    gs_flex_price(j, lost_s, deadline_penalty, out);
    double tier = j->tier > 0 ? j->tier : 1;
    double ev = event_thr;
    ev = ev < 0 ? 0 : ev > 1 ? 1 : ev;
    double win = dur_s > 86400.0 ? dur_s : 86400.0;
    double lday = j->lost_day_s > 0 ? j->lost_day_s : 0;
    double day = 1 - (lday + lost_s) / win;
    out->avg_window[GS_TIER_EVENT] = ev;
    out->avg_window[GS_TIER_DAY] = day < 0 ? 0 : day > 1 ? 1 : day;
    out->avg_window[GS_TIER_RUN] = out->avg_throughput;
    switch (j->window) {
    case GS_TIER_EVENT:
        out->tier_ok = lost_s <= 0 || ev >= tier - 1e-9;
        break;
    case GS_TIER_DAY:
        out->tier_ok = lost_s <= 0 || day >= tier - 1e-9;
        break;
    default:
        break; /* run: gs_flex_price's check */
    }
}

void gs_flex_pricer_init(gs_flex_pricer *p, const gs_flex_job *j, double dur_s,
                         double deadline_penalty)
{
    p->usd_per_s = j->gpus * j->usd_per_gpu_hour / 3600.0;
    p->penalty = deadline_penalty > 0 ? deadline_penalty : 0;
    p->has_margin = isfinite(j->deadline_margin_s);
    p->margin = fmax(0.0, j->deadline_margin_s);
    p->length_s = j->length_s;
    p->length_slack_s = j->length_s + j->slack_used_s;
    p->slack_ok_s = gs_flex_slack_left_s(j) + 1e-6;
    p->tier = j->tier > 0 ? j->tier : 1;
    p->dur_s = dur_s;
    p->day_win_s = dur_s > 86400.0 ? dur_s : 86400.0;
    p->lost_day_s = j->lost_day_s > 0 ? j->lost_day_s : 0;
    p->window = j->window;
}
