/* powercap.c: power-cap curves: throughput against GPU power cap per workload type. The
 * built-in points are data/catalog/powercap.csv (fitted from the Emerald AI Phoenix 2025
 * dvfs_sweep.csv by gs_capcurve_fit; regenerate with the command named in that file), compiled
 * in so that the engines never read a file. tests/unit/test_flexcost.c checks the two agree. */
#include "gridsplit/flex.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Points of data/catalog/powercap.csv (A100 SXM sweep, board 400 W; caps 100..400 W). */
static const gs_capcurve builtin[] = {
    {"pretraining", 6,
     {0.25, 0.5, 0.625, 0.75, 0.875, 1.0},
     {0.185502, 0.629093, 0.783681, 0.866671, 0.922643, 1.0},
     {3, 3, 3, 3, 3, 3}},
    {"finetuning", 6,
     {0.25, 0.5, 0.625, 0.75, 0.875, 1.0},
     {0.234414, 0.795567, 0.891033, 0.944102, 0.973806, 1.0},
     {2, 2, 2, 2, 2, 2}},
    {"inference-batch", 6,
     {0.25, 0.5, 0.625, 0.75, 0.875, 1.0},
     {0.225225, 0.780781, 0.870871, 0.930931, 0.975976, 1.0},
     {3, 3, 3, 3, 3, 3}},
};

const char *gs_lever_name(gs_lever l)
{
    static const char *const names[GS_NLEVER] = {"run",     "cap",    "pause-checkpoint",
                                                 "pause-now", "requeue", "shrink", "shed"};
    return (unsigned)l < GS_NLEVER ? names[l] : "?";
}

size_t gs_capcurve_builtin_count(void) { return sizeof builtin / sizeof builtin[0]; }

const gs_capcurve *gs_capcurve_builtin_at(size_t i)
{
    return i < gs_capcurve_builtin_count() ? &builtin[i] : NULL;
}

const gs_capcurve *gs_capcurve_builtin(const char *workload)
{
    for (size_t i = 0; i < gs_capcurve_builtin_count(); i++)
        if (workload && strcmp(builtin[i].workload, workload) == 0)
            return &builtin[i];
    return NULL;
}

double gs_capcurve_throughput(const gs_capcurve *c, double cap)
{
    if (!c || c->n == 0 || !(cap >= c->cap_frac[0] - 1e-12))
        return NAN;
    if (cap >= c->cap_frac[c->n - 1])
        return c->throughput_frac[c->n - 1];
    for (size_t i = 1; i < c->n; i++)
        if (cap <= c->cap_frac[i]) {
            double a = c->cap_frac[i - 1], b = c->cap_frac[i];
            double u = b > a ? (cap - a) / (b - a) : 1;
            return c->throughput_frac[i - 1] + u * (c->throughput_frac[i] - c->throughput_frac[i - 1]);
        }
    return c->throughput_frac[c->n - 1];
}

const char *gs_capcurve_workload_of(const char *name)
{
    if (!name)
        return NULL;
    if (strncmp(name, "pt_", 3) == 0)
        return "pretraining";
    if (strncmp(name, "ft_", 3) == 0)
        return "finetuning";
    if (strncmp(name, "infer_", 6) == 0)
        return "inference-batch";
    return NULL;
}

int gs_capcurve_fit(const char *workload, const double *cap_w, const double *thr, size_t n,
                    double board_w, gs_capcurve *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->workload, sizeof out->workload, "%s", workload ? workload : "");
    if (n == 0 || !(board_w > 0))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "workload",
                            "expected measurements for '%s', found none", out->workload);
    double sum[GS_CAPCURVE_MAX] = {0};
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(cap_w[i]) || !isfinite(thr[i]) || cap_w[i] <= 0)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "GPU power cap",
                                "expected a positive cap and a finite throughput, found %g, %g",
                                cap_w[i], thr[i]);
        double c = cap_w[i] / board_w;
        size_t k = 0;
        while (k < out->n && fabs(out->cap_frac[k] - c) > 1e-9)
            k++;
        if (k == out->n) {
            if (out->n == GS_CAPCURVE_MAX)
                return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "GPU power cap",
                                    "expected at most %d distinct caps for '%s'",
                                    GS_CAPCURVE_MAX, out->workload);
            /* insert sorted */
            while (k > 0 && out->cap_frac[k - 1] > c) {
                out->cap_frac[k] = out->cap_frac[k - 1];
                sum[k] = sum[k - 1];
                out->samples[k] = out->samples[k - 1];
                k--;
            }
            out->cap_frac[k] = c;
            sum[k] = 0;
            out->samples[k] = 0;
            out->n++;
        }
        sum[k] += thr[i];
        out->samples[k]++;
    }
    if (fabs(out->cap_frac[out->n - 1] - 1.0) > 1e-9)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "GPU power cap",
                            "expected a measurement at the board power %g W for '%s', found "
                            "a highest cap of %g W", board_w, out->workload,
                            out->cap_frac[out->n - 1] * board_w);
    /* Pool adjacent violators (weights = samples) for a non-decreasing fit. */
    double val[GS_CAPCURVE_MAX], wt[GS_CAPCURVE_MAX];
    size_t len[GS_CAPCURVE_MAX], nb = 0;
    for (size_t k = 0; k < out->n; k++) {
        val[nb] = sum[k] / out->samples[k];
        wt[nb] = out->samples[k];
        len[nb] = 1;
        nb++;
        while (nb > 1 && val[nb - 2] > val[nb - 1]) {
            double w = wt[nb - 2] + wt[nb - 1];
            val[nb - 2] = (val[nb - 2] * wt[nb - 2] + val[nb - 1] * wt[nb - 1]) / w;
            wt[nb - 2] = w;
            len[nb - 2] += len[nb - 1];
            nb--;
        }
    }
    size_t k = 0;
    for (size_t b = 0; b < nb; b++)
        for (size_t j = 0; j < len[b]; j++)
            out->throughput_frac[k++] = val[b];
    double top = out->throughput_frac[out->n - 1];
    if (!(top > 0))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "normalized throughput",
                            "expected a positive throughput at full power for '%s', found %g",
                            out->workload, top);
    for (k = 0; k < out->n; k++)
        out->throughput_frac[k] /= top;
    return GS_OK;
}
