/* training.c: the training load model: per-GPU power, checkpoint dips, and a run's timeline
 * under pauses and power caps (include/gridsplit/load.h). */
#include "gridsplit/load.h"

#include <math.h>
#include <stdlib.h>

double gs_gpu_power_w(const gs_gpu *g, double a)
{
    if (a < 0)
        a = 0;
    if (a > 1)
        a = 1;
    return g->idle_w + a * (g->board_w - g->idle_w) + g->overhead_idle_w +
           a * (g->overhead_w - g->overhead_idle_w);
}

/* Cumulative dip time from 0 to x. */
static double dip_cum(double x, double interval_s, double dur_s)
{
    if (x <= 0)
        return 0;
    double k = floor(x / interval_s);
    double r = x - k * interval_s;
    double in = r - (interval_s - dur_s);
    return k * dur_s + (in > 0 ? in : 0);
}

double gs_ckpt_dip_time(double a, double b, double interval_s, double dur_s)
{
    if (interval_s <= 0 || dur_s <= 0 || b <= a)
        return 0;
    return dip_cum(b, interval_s, dur_s) - dip_cum(a, interval_s, dur_s);
}

static int cmp_ovr(const void *a, const void *b)
{
    const gs_override *x = *(const gs_override *const *)a, *y = *(const gs_override *const *)b;
    return (x->from_s > y->from_s) - (x->from_s < y->from_s);
}

static int push(gs_segment *seg, size_t max, size_t *n, gs_seg_kind kind, int64_t from,
                int64_t to, double w, double rate, gs_error *err)
{
    if (to <= from)
        return GS_OK;
    if (*n >= max)
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "overrides",
                            "run timeline has more than %zu segments", max);
    seg[*n] = (gs_segment){kind, from, to, w, rate, kind == GS_SEG_RUN};
    (*n)++;
    return GS_OK;
}

int gs_run_timeline(const gs_fleet *f, int r, const gs_override *ovr, size_t novr,
                    gs_segment *seg, size_t max, gs_error *err)
{
    return gs_run_timeline_at(f, r, f->runs[r].start_s, ovr, novr, seg, max, err);
}

int gs_run_timeline_at(const gs_fleet *f, int r, int64_t start_s, const gs_override *ovr,
                       size_t novr, gs_segment *seg, size_t max, gs_error *err)
{
    const gs_run *run = &f->runs[r];
    const gs_cluster *c = &f->clusters[run->cluster];
    const gs_gpu *g = &f->gpus[c->gpu];
    double util = run->utilisation >= 0 ? run->utilisation : c->utilisation;
    double run_w = gs_gpu_power_w(g, util);

    /* The overrides of this run, by start. */
    const gs_override **mine = NULL;
    size_t nm = 0;
    if (novr) {
        mine = malloc(novr * sizeof *mine);
        if (!mine)
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        for (size_t i = 0; i < novr; i++)
            if (ovr[i].run == r)
                mine[nm++] = &ovr[i];
        qsort(mine, nm, sizeof *mine, cmp_ovr);
    }

    size_t n = 0;
    int rc = GS_OK;
    double work_left = run->length_s; /* seconds of full-speed progress still to do */
    int64_t t = start_s;
    for (size_t i = 0; i < nm && work_left > 0; i++) {
        const gs_override *o = mine[i];
        int64_t from = o->from_s > t ? o->from_s : t;
        if (o->to_s <= from)
            continue;
        /* run at full speed until the override starts, or the work is done */
        if (from > t) {
            double span = (double)(from - t);
            if (span >= work_left) {
                int64_t end = t + (int64_t)ceil(work_left);
                rc = push(seg, max, &n, GS_SEG_RUN, t, end, run_w, 1.0, err);
                work_left = 0;
                t = end;
                break;
            }
            if ((rc = push(seg, max, &n, GS_SEG_RUN, t, from, run_w, 1.0, err)) < 0)
                goto out;
            work_left -= span;
            t = from;
        }
        if (o->kind == GS_OVR_PAUSE || o->kind == GS_OVR_OFF) {
            int off = o->kind == GS_OVR_OFF;
            if ((rc = push(seg, max, &n, off ? GS_SEG_OFF : GS_SEG_PAUSED, from, o->to_s,
                           off ? 0.0 : gs_gpu_power_w(g, 0), 0.0, err)) < 0)
                goto out;
            int64_t back = o->to_s + (int64_t)ceil(run->restart_overhead_s);
            if ((rc = push(seg, max, &n, GS_SEG_RESTART, o->to_s, back, run_w, 0.0, err)) < 0)
                goto out;
            t = back;
        } else {
            double gpu_w = g->idle_w + util * (g->board_w - g->idle_w);
            /* the measured draw at the cap when known, else the cap */
            double cap_w = (o->power_frac > 0 ? o->power_frac : o->cap_frac) * g->board_w;
            if (cap_w < gpu_w)
                gpu_w = cap_w;
            double a = g->board_w > g->idle_w ? (gpu_w - g->idle_w) / (g->board_w - g->idle_w) : 0;
            double rate = o->throughput_frac > 0 ? o->throughput_frac : 0;
            double span = (double)(o->to_s - from);
            int64_t end = o->to_s;
            if (rate > 0 && span * rate >= work_left) {
                end = from + (int64_t)ceil(work_left / rate);
                work_left = 0;
            } else {
                work_left -= span * rate;
            }
            if ((rc = push(seg, max, &n, GS_SEG_CAPPED, from, end, gs_gpu_power_w(g, a), rate,
                           err)) < 0)
                goto out;
            t = end;
        }
    }
    if (work_left > 0)
        rc = push(seg, max, &n, GS_SEG_RUN, t, t + (int64_t)ceil(work_left), run_w, 1.0, err);
out:
    free(mine);
    return rc < 0 ? rc : (int)n;
}
