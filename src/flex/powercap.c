/* powercap.c: power-cap curves: throughput against GPU power cap per workload type. The
 * built-in points are data/catalog/powercap.csv (fitted from the Emerald AI Phoenix 2025
 * dvfs_sweep.csv by gs_capcurve_fit; regenerate with the command named in that file), compiled
 * in so that the engines never read a file. tests/unit/test_flexcost.c checks the two agree. */
#include "gridsplit/flex.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Points of data/catalog/powercap.csv (A100 SXM sweep, board 400 W; caps 100..400 W): the
 * throughput and the measured draw per GPU (power per GPU / 400 W), averaged per workload. */
static const gs_capcurve builtin[] = {
    {"pretraining", 6,
     {0.25, 0.5, 0.625, 0.75, 0.875, 1.0},
     {0.185502, 0.629093, 0.783681, 0.866671, 0.922643, 1.0},
     {3, 3, 3, 3, 3, 3},
     {0.253849, 0.491691, 0.612823, 0.728298, 0.842792, 0.955351}, 1},
    {"finetuning", 6,
     {0.25, 0.5, 0.625, 0.75, 0.875, 1.0},
     {0.234414, 0.795567, 0.891033, 0.944102, 0.973806, 1.0},
     {2, 2, 2, 2, 2, 2},
     {0.249961, 0.489366, 0.604931, 0.717307, 0.797117, 0.861262}, 1},
    {"inference-batch", 6,
     {0.25, 0.5, 0.625, 0.75, 0.875, 1.0},
     {0.225225, 0.780781, 0.870871, 0.930931, 0.975976, 1.0},
     {3, 3, 3, 3, 3, 3},
     {0.244849, 0.486611, 0.604417, 0.722367, 0.832213, 0.920937}, 1},
};

const char *gs_lever_name(gs_lever l)
{
    static const char *const names[GS_NLEVER] = {"run",     "cap",    "pause-checkpoint",
                                                 "pause-now", "requeue", "shrink", "shed",
                                                 "checkpoint-pause"};
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

double gs_capcurve_power_frac(const gs_capcurve *c, double cap)
{
    if (!c || c->n == 0 || !(cap >= c->cap_frac[0] - 1e-12))
        return NAN;
    if (!c->has_power)
        return cap < 1 ? cap : 1;
    if (cap >= c->cap_frac[c->n - 1])
        return c->power_frac[c->n - 1];
    for (size_t i = 1; i < c->n; i++)
        if (cap <= c->cap_frac[i]) {
            double a = c->cap_frac[i - 1], b = c->cap_frac[i];
            double u = b > a ? (cap - a) / (b - a) : 1;
            return c->power_frac[i - 1] + u * (c->power_frac[i] - c->power_frac[i - 1]);
        }
    return c->power_frac[c->n - 1];
}

double gs_capcurve_cap_for(const gs_capcurve *c, double thr)
{
    if (!c || c->n == 0 || !(thr <= 1 + 1e-12))
        return NAN;
    if (thr <= c->throughput_frac[0])
        return c->cap_frac[0];
    for (size_t i = 1; i < c->n; i++)
        if (thr <= c->throughput_frac[i]) {
            double a = c->throughput_frac[i - 1], b = c->throughput_frac[i];
            double u = b > a ? (thr - a) / (b - a) : 1;
            double cap = c->cap_frac[i - 1] + u * (c->cap_frac[i] - c->cap_frac[i - 1]);
            /* rounding: never a cap whose throughput falls short of thr */
            while (gs_capcurve_throughput(c, cap) < thr && cap < c->cap_frac[i])
                cap = nextafter(cap, 2.0);
            return cap;
        }
    return NAN;
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

/* Pool adjacent violators (weights w) on v[0..n): non-decreasing. */
static void pava(double *v, const double *w0, size_t n)
{
    double val[GS_CAPCURVE_MAX], wt[GS_CAPCURVE_MAX];
    size_t len[GS_CAPCURVE_MAX], nb = 0;
    for (size_t k = 0; k < n; k++) {
        val[nb] = v[k];
        wt[nb] = w0[k];
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
            v[k++] = val[b];
}

int gs_capcurve_fit(const char *workload, const double *cap_w, const double *thr, size_t n,
                    double board_w, gs_capcurve *out, gs_error *err)
{
    return gs_capcurve_fit_measured(workload, cap_w, thr, NULL, n, board_w, out, err);
}

int gs_capcurve_fit_measured(const char *workload, const double *cap_w, const double *thr,
                             const double *power_w, size_t n, double board_w, gs_capcurve *out,
                             gs_error *err)
{
    double psum[GS_CAPCURVE_MAX] = {0};
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
        if (power_w && !(isfinite(power_w[i]) && power_w[i] > 0))
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "power per GPU",
                                "expected a positive measured draw per GPU, found %g",
                                power_w[i]);
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
                psum[k] = psum[k - 1];
                out->samples[k] = out->samples[k - 1];
                k--;
            }
            out->cap_frac[k] = c;
            sum[k] = 0;
            psum[k] = 0;
            out->samples[k] = 0;
            out->n++;
        }
        sum[k] += thr[i];
        if (power_w)
            psum[k] += power_w[i];
        out->samples[k]++;
    }
    if (fabs(out->cap_frac[out->n - 1] - 1.0) > 1e-9)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "GPU power cap",
                            "expected a measurement at the board power %g W for '%s', found "
                            "a highest cap of %g W", board_w, out->workload,
                            out->cap_frac[out->n - 1] * board_w);
    /* Pool adjacent violators (weights = samples) for a non-decreasing fit. */
    double wt[GS_CAPCURVE_MAX] = {0};
    for (size_t k = 0; k < out->n; k++) {
        wt[k] = out->samples[k];
        out->throughput_frac[k] = sum[k] / out->samples[k];
        out->power_frac[k] = psum[k] / out->samples[k] / board_w;
    }
    pava(out->throughput_frac, wt, out->n);
    if (power_w) {
        pava(out->power_frac, wt, out->n);
        out->has_power = 1;
    } else {
        for (size_t k = 0; k < out->n; k++)
            out->power_frac[k] = 0;
    }
    double top = out->throughput_frac[out->n - 1];
    if (!(top > 0))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "normalized throughput",
                            "expected a positive throughput at full power for '%s', found %g",
                            out->workload, top);
    for (size_t k = 0; k < out->n; k++)
        out->throughput_frac[k] /= top;
    return GS_OK;
}
