/* trace.c: the trace engine (gridsplit/trace.h). Finds in a measured power log the steady
 * training level, the training span (start-up and tail excluded), the checkpoint dips inside
 * it and their period, length, level and share of time. Pure: no I/O, no globals.
 *
 * Steps: (1) times as seconds from the first point, sorted; (2) a running median over
 * smooth_s seconds removes noise and single-sample glitches; (3) the reference level is the median of
 * the smoothed samples above the midpoint between the floor (1st percentile) and the peak
 * (99.5th percentile), i.e. the top plateau; (4) the training span runs from the first to the
 * last sample at or above dip_above x reference; (5) inside it a dip starts below dip_below x
 * reference and ends above dip_above x reference (hysteresis), and counts when it lasts at
 * least min_dip_s; (6) a dip whose level is far below the others' (stop_frac x their median)
 * is a stop (the job halted), not a checkpoint; steady = median outside the dips, dip level =
 * median inside the checkpoint dips, period = median start-to-start interval of consecutive
 * checkpoint dips when those intervals are regular. */
#include "gridsplit/trace.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct tpoint {
    double t, v;
} tpoint;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_tpoint(const void *a, const void *b)
{
    const tpoint *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

/* Quantile q in [0,1] of n values, sorting v in place (nearest rank on linear positions). */
static double quantile_inplace(double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)floor(pos);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    double f = pos - (double)lo;
    return v[lo] + f * (v[hi] - v[lo]);
}

static void insertion_sort(double *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/* Running median of v over the points within half a window w of each one in time t (at most
 * kmax points, the nearest kept). win is scratch space of kmax doubles. */
static void running_median(const tpoint *pt, size_t n, double w, size_t kmax, double *out,
                           double *win)
{
    size_t a = 0, b = 0; /* window [a, b) */
    for (size_t i = 0; i < n; i++) {
        while (pt[a].t < pt[i].t - 0.5 * w)
            a++;
        if (b < i + 1)
            b = i + 1;
        while (b < n && pt[b].t <= pt[i].t + 0.5 * w)
            b++;
        size_t lo = a, hi = b;
        while (hi - lo > kmax) { /* trim the farther end */
            if (pt[i].t - pt[lo].t > pt[hi - 1].t - pt[i].t)
                lo++;
            else
                hi--;
        }
        size_t m = hi - lo;
        for (size_t j = 0; j < m; j++)
            win[j] = pt[lo + j].v;
        if (m <= 64)
            insertion_sort(win, m);
        else
            qsort(win, m, sizeof *win, cmp_double);
        out[i] = (m % 2) ? win[m / 2] : 0.5 * (win[m / 2 - 1] + win[m / 2]);
    }
}

void gs_trace_result_free(gs_trace_result *r)
{
    if (!r)
        return;
    free(r->dips);
    free(r);
}

static int check_frac(double x, const char *field, gs_error *err)
{
    if (!isfinite(x) || x < 0 || x > 1)
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, field,
                            "expected a share between 0 and 1, found %g", x);
    return 0;
}

int gs_trace_analyze(const gs_points *p, const gs_trace_opts *opts, gs_trace_result **out,
                     gs_error *err)
{
    gs_trace_opts o = {0};
    if (opts)
        o = *opts;
    if (!out || !p)
        return gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL, "gs_trace_analyze: NULL argument");
    *out = NULL;
    if (o.smooth_s < 0 || !isfinite(o.smooth_s))
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "smooth", "expected seconds >= 0, found %g", o.smooth_s);
    if (o.min_dip_s < 0 || !isfinite(o.min_dip_s))
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "min-dip", "expected seconds >= 0, found %g", o.min_dip_s);
    if (o.steady_w < 0 || !isfinite(o.steady_w))
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "steady", "expected a power >= 0, found %g", o.steady_w);
    if (o.from_s < 0 || o.to_s < 0 || !isfinite(o.from_s) || !isfinite(o.to_s) ||
        (o.to_s > 0 && o.to_s <= o.from_s))
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, o.to_s > 0 && o.to_s <= o.from_s ? "to" : "from",
                            "expected 0 <= from < to seconds, found from %g, to %g", o.from_s, o.to_s);
    if (o.smooth_s == 0)
        o.smooth_s = 0.5;
    if (o.stop_frac == 0)
        o.stop_frac = 0.75;
    if (o.dip_below == 0)
        o.dip_below = 0.6;
    if (o.dip_above == 0)
        o.dip_above = o.dip_below > 0.7 ? o.dip_below : 0.7;
    if (o.min_dip_s == 0)
        o.min_dip_s = 2.0;
    if (o.regular_tol == 0)
        o.regular_tol = 0.25;
    int rc;
    if ((rc = check_frac(o.dip_below, "dip-below", err)) || (rc = check_frac(o.dip_above, "dip-above", err)) ||
        (rc = check_frac(o.regular_tol, "regular-tol", err)) ||
        (rc = check_frac(o.stop_frac, "stop-frac", err)))
        return rc;
    if (o.dip_above < o.dip_below)
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "dip-above",
                            "expected dip-above (%g) >= dip-below (%g)", o.dip_above, o.dip_below);

    /* (1) usable points as seconds from the first point of the log, sorted. */
    tpoint *pt = NULL;
    double *s = NULL, *tmp = NULL;
    gs_trace_result *r = NULL;
    rc = GS_ENOMEM;
    pt = malloc((p->n ? p->n : 1) * sizeof *pt);
    if (!pt)
        goto out_nomem;
    size_t n = 0;
    int64_t t0 = 0;
    double f0 = 0;
    int have0 = 0;
    for (size_t i = 0; i < p->n; i++) {
        double fr = p->t_frac ? p->t_frac[i] : 0.0;
        if (!have0 || p->t[i] < t0 || (p->t[i] == t0 && fr < f0)) {
            t0 = p->t[i];
            f0 = fr;
            have0 = 1;
        }
    }
    for (size_t i = 0; i < p->n; i++) {
        if (!isfinite(p->v[i]))
            continue;
        double t = (double)(p->t[i] - t0) + ((p->t_frac ? p->t_frac[i] : 0.0) - f0);
        if (t < o.from_s || (o.to_s > 0 && t >= o.to_s))
            continue;
        pt[n].t = t;
        pt[n].v = p->v[i];
        n++;
    }
    if (n < 10) {
        free(pt);
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                            "too few power samples to analyse: %zu (at least 10 needed%s)", n,
                            (o.from_s > 0 || o.to_s > 0) ? " between --from and --to" : "");
    }
    qsort(pt, n, sizeof *pt, cmp_tpoint);

    r = calloc(1, sizeof *r);
    s = malloc(n * sizeof *s);
    tmp = malloc(n * sizeof *tmp);
    if (!r || !s || !tmp)
        goto out_nomem;
    r->samples = n;
    r->duration_s = pt[n - 1].t - pt[0].t;

    /* (2) median spacing, then the running median. */
    size_t nd = 0;
    for (size_t i = 1; i < n; i++)
        if (pt[i].t > pt[i - 1].t)
            tmp[nd++] = pt[i].t - pt[i - 1].t;
    r->sample_s = nd ? quantile_inplace(tmp, nd, 0.5) : 0.0;
    enum { KMAX = 1001 };
    double *win = malloc(KMAX * sizeof *win);
    if (!win)
        goto out_nomem;
    running_median(pt, n, o.smooth_s, KMAX, s, win);
    free(win);

    /* (3) floor, peak and the reference (top plateau) level. */
    memcpy(tmp, s, n * sizeof *tmp);
    r->floor_w = quantile_inplace(tmp, n, 0.01);
    double peak = quantile_inplace(tmp, n, 0.995); /* tmp stays sorted */
    double mid = 0.5 * (r->floor_w + peak);
    size_t a_hi = 0;
    while (a_hi < n && tmp[a_hi] < mid)
        a_hi++;
    double ref = (o.steady_w > 0) ? o.steady_w : quantile_inplace(tmp + a_hi, n - a_hi, 0.5);
    double enter = o.dip_below * ref, leave = o.dip_above * ref;
    r->ref_w = ref;

    /* (4) the training span. */
    size_t a = n, b = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] >= leave) {
            if (a == n)
                a = i;
            b = i;
        }
    r->dip_w = r->dip_duration_s = r->dip_period_s = NAN;
    r->dip_interval_min_s = r->dip_interval_max_s = r->dip_regularity = NAN;
    if (a == n) { /* nothing reaches the level: no span, no dips */
        r->start_s = r->end_s = NAN;
        r->span_s = 0;
        memcpy(tmp, s, n * sizeof *tmp);
        r->steady_w = quantile_inplace(tmp, n, 0.5);
        rc = 0;
        goto out_ok;
    }
    r->start_s = pt[a].t;
    r->end_s = pt[b].t;
    r->span_s = r->end_s - r->start_s;

    /* (5) low stretches with hysteresis; in_dip marks their samples (1 + index). */
    size_t *in_dip = calloc(n, sizeof *in_dip);
    size_t cap = 16, nlow = 0;
    r->dips = malloc(cap * sizeof *r->dips);
    if (!in_dip || !r->dips) {
        free(in_dip);
        goto out_nomem;
    }
    size_t ds = 0;
    int low = 0;
    for (size_t i = a; i <= b; i++) {
        if (!low && s[i] < enter) {
            low = 1;
            ds = i;
        } else if (low && s[i] > leave) {
            low = 0;
            double dur = pt[i].t - pt[ds].t;
            if (dur < o.min_dip_s)
                continue;
            if (nlow == cap) {
                gs_trace_dip *nd2 = realloc(r->dips, 2 * cap * sizeof *nd2);
                if (!nd2) {
                    free(in_dip);
                    goto out_nomem;
                }
                r->dips = nd2;
                cap *= 2;
            }
            for (size_t j = ds; j < i; j++) {
                tmp[j - ds] = s[j];
                in_dip[j] = nlow + 1;
            }
            gs_trace_dip *d = &r->dips[nlow++];
            d->start_s = pt[ds].t;
            d->duration_s = dur;
            d->level_w = quantile_inplace(tmp, i - ds, 0.5);
            d->stop = 0;
        }
    }

    /* (6) stops, levels, period, length, share. */
    if (nlow >= 2) {
        for (size_t j = 0; j < nlow; j++)
            tmp[j] = r->dips[j].level_w;
        double lmed = quantile_inplace(tmp, nlow, 0.5);
        for (size_t j = 0; j < nlow; j++)
            if (r->dips[j].level_w < o.stop_frac * lmed) {
                r->dips[j].stop = 1;
                r->nstops++;
                r->stop_s += r->dips[j].duration_s;
            }
    }
    r->ndips = nlow - r->nstops;
    size_t m = 0;
    for (size_t i = a; i <= b; i++)
        if (!in_dip[i])
            tmp[m++] = s[i];
    r->steady_w = m ? quantile_inplace(tmp, m, 0.5) : ref;
    if (r->ndips > 0) {
        m = 0;
        for (size_t i = a; i <= b; i++)
            if (in_dip[i] && !r->dips[in_dip[i] - 1].stop)
                tmp[m++] = s[i];
        r->dip_w = quantile_inplace(tmp, m, 0.5);
        double total = 0;
        m = 0;
        for (size_t j = 0; j < nlow; j++)
            if (!r->dips[j].stop) {
                tmp[m++] = r->dips[j].duration_s;
                total += r->dips[j].duration_s;
            }
        r->dip_duration_s = quantile_inplace(tmp, m, 0.5);
        double run = r->span_s - r->stop_s;
        r->dip_share = run > 0 ? total / run : 0;
    }
    free(in_dip);
    size_t ni = 0;
    for (size_t j = 0; j + 1 < nlow; j++)
        if (!r->dips[j].stop && !r->dips[j + 1].stop)
            tmp[ni++] = r->dips[j + 1].start_s - r->dips[j].start_s;
    r->nintervals = ni;
    if (ni > 0) {
        double med = quantile_inplace(tmp, ni, 0.5); /* sorted now */
        r->dip_interval_min_s = tmp[0];
        r->dip_interval_max_s = tmp[ni - 1];
        for (size_t j = 0; j < ni; j++)
            tmp[j] = fabs(tmp[j] - med);
        double mad = quantile_inplace(tmp, ni, 0.5);
        r->dip_regularity = med > 0 ? mad / med : NAN;
        if (med > 0 && r->dip_regularity <= o.regular_tol) {
            r->periodic = 1;
            r->dip_period_s = med;
        }
    }
    rc = 0;
out_ok:
    free(pt);
    free(s);
    free(tmp);
    *out = r;
    return rc;
out_nomem:
    free(pt);
    free(s);
    free(tmp);
    gs_trace_result_free(r);
    return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory analysing a trace");
}
