/* resample.c: raw points into a regular series at any step (include/gridsplit/series.h), with
 * every duplicate, gap and outlier reported by timestamp and gaps filled only as asked.
 *
 * Model: each point is stamped at the start of the interval it covers and covers until the
 * next point, or for one native step (the median spacing) when the next point is further than
 * 1.5 native steps away (a gap). Bins are [start + k*step, start + (k+1)*step):
 *   mean    time-weighted mean of the coverage inside the bin (coarser steps: the plain mean
 *           of the points in the bin; finer steps: the covering point's value);
 *   hold    the value covering the bin's start;
 *   interp  linear interpolation between the two points around the bin's start, never across
 *           a gap.
 * A bin that nothing covers is NaN, then filled as gs_fill says. Everything is UTC seconds
 * (with the points' sub-second parts), so DST and leap years need no special case here.
 *
 * Bounds: the period is at most GS_SERIES_MAX_STEPS steps (gs_series_steps, checked before any
 * allocation of the period's size), times are within years 0000..9999 and steps at most 2^40 s,
 * so every int64 sum below stays far from overflow; at most GS_QUALITY_MAX_ISSUES issues are
 * stored. Finite values give finite results: a mean whose plain sum overflows (values near
 * 1.8e308) is recomputed from sums scaled by 2^-64, and an interpolation whose difference
 * overflows is taken as a weighted sum of its two ends. */
#include "gridsplit/series.h"
#include "gridsplit/time.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define GAP_FACTOR 1.5
#define OUTLIER_WINDOW 24
#define OUTLIER_MADS 8.0
#ifndef OUTLIER_FLOOR
#define OUTLIER_FLOOR 0.05
#endif
#define MAX_STEP_S ((int64_t)1 << 40) /* about 34,800 years */
#define SUM_SCALE 0x1p-64               /* scaled sums: finite for any 2^64 finite terms */

void gs_quality_free(gs_quality *q)
{
    if (!q)
        return;
    free(q->issues);
    memset(q, 0, sizeof *q);
}

/* Count the issue; store it while its kind has fewer than GS_QUALITY_MAX_ISSUES stored. Each
 * kind is added in time order, so the stored ones are each kind's earliest and, after the final
 * sort and cut (finish_issues), the earliest of all. */
static int add_issue(gs_quality *q, int kind, int64_t t, double v, int64_t len)
{
    if (!q)
        return GS_OK;
    size_t *count = kind == GS_ISSUE_GAP         ? &q->gaps
                    : kind == GS_ISSUE_DUPLICATE ? &q->duplicates
                    : kind == GS_ISSUE_OUTLIER   ? &q->outliers
                                                 : &q->filled;
    if (*count >= GS_QUALITY_MAX_ISSUES) {
        (*count)++;
        return GS_OK;
    }
    if (q->n == q->cap) {
        size_t nc = q->cap ? q->cap * 2 : 64;
        gs_issue *ni = realloc(q->issues, nc * sizeof *ni);
        if (!ni)
            return GS_ENOMEM;
        q->issues = ni;
        q->cap = nc;
    }
    q->issues[q->n++] = (gs_issue){.t = t, .kind = kind, .value = v, .length_s = len};
    (*count)++;
    return GS_OK;
}

typedef struct pt {
    int64_t t;
    double f;   /* sub-second part */
    double v;
    size_t i;   /* file order, to keep the first of duplicates */
} pt;

static int cmp_pt(const void *a, const void *b)
{
    const pt *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    if (x->f != y->f)
        return x->f < y->f ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int cmp_issue(const void *a, const void *b)
{
    const gs_issue *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (x->kind > y->kind) - (x->kind < y->kind);
}

/* floor division for int64 */
static int64_t fdiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Median absolute deviation of a sorted window w[0..n) around its median med. */
static double window_mad(const double *w, size_t n, double med)
{
    /* deviations below the median grow leftwards, above it rightwards: merge the two runs */
    size_t hi = 0;
    while (hi < n && w[hi] < med)
        hi++;
    size_t lo = hi; /* w[lo-1] is the largest below med */
    size_t want1 = (n - 1) / 2, want2 = n / 2, k = 0;
    double d1 = 0, d2 = 0;
    while (k <= want2) {
        double dl = lo > 0 ? med - w[lo - 1] : INFINITY;
        double dr = hi < n ? w[hi] - med : INFINITY;
        double d;
        if (dl <= dr) {
            d = dl;
            lo--;
        } else {
            d = dr;
            hi++;
        }
        if (k == want1)
            d1 = d;
        if (k == want2)
            d2 = d;
        k++;
    }
    return 0.5 * (d1 + d2);
}

/* Outliers among the n clean values (sorted by time): further than OUTLIER_MADS median absolute
 * deviations from the median of the centred window of OUTLIER_WINDOW points. The MAD is taken
 * at least 1 % of |median| (and 1e-9) so a flat run does not flag every small step. */
static int find_outliers(const pt *p, size_t n, gs_quality *q, int64_t from, int64_t to, int ranged)
{
    if (!q || n < 5)
        return GS_OK;
    size_t W = n < OUTLIER_WINDOW ? n : OUTLIER_WINDOW;
    double w[OUTLIER_WINDOW];
    size_t lo = 0;
    for (size_t k = 0; k < W; k++)
        w[k] = p[k].v;
    qsort(w, W, sizeof w[0], cmp_double);
    for (size_t i = 0; i < n; i++) {
        size_t want = i > W / 2 ? i - W / 2 : 0;
        if (want > n - W)
            want = n - W;
        while (lo < want) {
            /* slide: drop p[lo].v, add p[lo+W].v, keeping w sorted */
            double out = p[lo].v, in = p[lo + W].v;
            size_t j = 0;
            while (j < W && w[j] != out)
                j++;
            memmove(w + j, w + j + 1, (W - j - 1) * sizeof w[0]);
            size_t k = W - 1;
            while (k > 0 && w[k - 1] > in) {
                w[k] = w[k - 1];
                k--;
            }
            w[k] = in;
            lo++;
        }
        double med = 0.5 * w[(W - 1) / 2] + 0.5 * w[W / 2]; /* no overflow near 1.8e308 */
        double mad = window_mad(w, W, med);
        double floor_mad = fabs(med) * OUTLIER_FLOOR;
        if (floor_mad < 1e-9)
            floor_mad = 1e-9;
        if (mad < floor_mad)
            mad = floor_mad;
        if (fabs(p[i].v - med) > OUTLIER_MADS * mad) {
            if (ranged && (p[i].t < from || p[i].t >= to))
                continue;
            if (add_issue(q, GS_ISSUE_OUTLIER, p[i].t, p[i].v, 0) != GS_OK)
                return GS_ENOMEM;
        }
    }
    return GS_OK;
}

/* a + (b - a) * num / den (num/den in [0, 1]), as written; when that overflows (a and b near
 * 1.8e308 apart), the weighted sum of the two ends, kept between them: finite for finite ends. */
static double lerp(double a, double b, double num, double den)
{
    double v = a + (b - a) * num / den;
    if (isfinite(v))
        return v;
    double x = num / den;
    v = a * (1 - x) + b * x;
    double lo = a < b ? a : b, hi = a < b ? b : a;
    return v < lo ? lo : v > hi ? hi : v;
}

/* Time-weighted coverage of each bin: w[k] += seconds covered (w may be NULL), sum[k] +=
 * seconds x value x scale (the value scaled first, so a product never overflows when scale is
 * small); only the bins with only[k] set when only is not NULL. */
static void accumulate(const pt *p, size_t c, int64_t start, size_t nb, double step, double native,
                       double gap, double scale, double *w, double *sum, const unsigned char *only)
{
    for (size_t i = 0; i < c; i++) {
        double a = (double)(p[i].t - start) + p[i].f;
        double b = a + native;
        if (i + 1 < c) {
            double nx = (double)(p[i + 1].t - start) + p[i + 1].f;
            if (nx - a <= gap)
                b = nx;
        }
        if (b <= 0 || a >= (double)nb * step)
            continue;
        if (a < 0)
            a = 0;
        if (b > (double)nb * step)
            b = (double)nb * step;
        double v = p[i].v * scale;
        size_t k = (size_t)(a / step);
        while (k < nb && (double)k * step < b) {
            double lo = (double)k * step > a ? (double)k * step : a;
            double hi = (double)(k + 1) * step < b ? (double)(k + 1) * step : b;
            if (hi > lo && (!only || only[k])) {
                if (w)
                    w[k] += hi - lo;
                sum[k] += (hi - lo) * v;
            }
            k++;
        }
    }
}

/* Keep the earliest GS_QUALITY_MAX_ISSUES issues in time order; count the rest as omitted. */
static void finish_issues(gs_quality *q)
{
    if (!q)
        return;
    if (q->n > 1)
        qsort(q->issues, q->n, sizeof *q->issues, cmp_issue);
    if (q->n > GS_QUALITY_MAX_ISSUES)
        q->n = GS_QUALITY_MAX_ISSUES;
    size_t all = q->gaps + q->duplicates + q->outliers + q->filled;
    q->omitted = all > q->n ? all - q->n : 0;
}

/* UTC seconds of 0000-01-01 and 10000-01-01, widened by a day for offsets and 24:00 */
#define TIME_MIN_S (-62167219200LL - 86400)
#define TIME_MAX_S (253402300800LL + 86400)

int gs_series_from_points(const gs_points *pts, int64_t from_s, int64_t to_s, int64_t step_s,
                          gs_resample method, gs_fill fill, gs_quality *q, gs_series **out,
                          gs_error *err)
{
    *out = NULL;
    if (step_s < 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "step",
                            "expected a positive step in seconds (or 0 for the points' own), "
                            "found %lld",
                            (long long)step_s);
    if (step_s > MAX_STEP_S)
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "step",
                            "expected a step of at most %lld s (about 34,800 years), found %lld s",
                            (long long)MAX_STEP_S, (long long)step_s);
    if ((int)method < GS_RESAMPLE_MEAN || method > GS_RESAMPLE_INTERP)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "method",
                            "expected mean, hold or interp, found %d", (int)method);
    if ((int)fill < GS_FILL_NONE || fill > GS_FILL_ZERO)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "fill",
                            "expected none, hold, interp or zero, found %d", (int)fill);
    int ranged = !(from_s == 0 && to_s == 0);
    if (ranged && to_s <= from_s)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "to",
                            "expected the end of the period after its start, found start %lld and "
                            "end %lld",
                            (long long)from_s, (long long)to_s);
    if (ranged && (from_s < TIME_MIN_S || to_s > TIME_MAX_S))
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, from_s < TIME_MIN_S ? "from" : "to",
                            "expected a period within the years 0000 to 9999, found %lld to %lld "
                            "UTC seconds",
                            (long long)from_s, (long long)to_s);
    size_t n = pts ? pts->n : 0;
    for (size_t i = 0; i < n; i++)
        if (pts->t[i] < TIME_MIN_S || pts->t[i] > TIME_MAX_S)
            return gs_error_set(err, GS_ERANGE, pts->name, 0, 0, NULL,
                                "expected times within the years 0000 to 9999, found point %zu at "
                                "%lld UTC seconds",
                                i + 1, (long long)pts->t[i]);
    if (n > SIZE_MAX / sizeof(pt))
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    pt *p = malloc((n ? n : 1) * sizeof *p);
    if (!p)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    int sorted = 1;
    for (size_t i = 0; i < n; i++) {
        p[i] = (pt){pts->t[i], pts->t_frac ? pts->t_frac[i] : 0.0, pts->v[i], i};
        if (i && cmp_pt(&p[i - 1], &p[i]) > 0)
            sorted = 0;
    }
    if (!sorted)
        qsort(p, n, sizeof *p, cmp_pt);
    int rc = GS_OK;
    /* duplicates (same instant): keep the first in file order; NaN values are missing */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && p[m - 1].t == p[i].t && p[m - 1].f == p[i].f) {
            if ((!ranged || (p[i].t >= from_s && p[i].t < to_s)) &&
                add_issue(q, GS_ISSUE_DUPLICATE, p[i].t, p[i].v, 0) != GS_OK)
                goto nomem;
            continue;
        }
        p[m++] = p[i];
    }
    /* drop missing values: they leave the time they stood for uncovered, reported as a gap */
    size_t c = 0;
    for (size_t i = 0; i < m; i++)
        if (!isnan(p[i].v))
            p[c++] = p[i];
    if (c == 0) {
        free(p);
        return gs_error_set(err, GS_EINPUT, pts ? pts->name : NULL, 0, 0, NULL,
                            "expected at least one point with a value, found %zu points, none valid", n);
    }
    for (size_t i = 0; i < c; i++)
        if (!isfinite(p[i].v)) {
            int64_t t = p[i].t;
            free(p);
            char ts[24];
            gs_format_time(t, ts);
            return gs_error_set(err, GS_ERANGE, pts->name, 0, 0, NULL,
                                "expected finite values, found an infinite one at %s", ts);
        }
    /* native step: the median spacing between consecutive points */
    double native = 0;
    if (c >= 2) {
        double *d = malloc((c - 1) * sizeof *d);
        if (!d)
            goto nomem;
        for (size_t i = 0; i + 1 < c; i++)
            d[i] = (double)(p[i + 1].t - p[i].t) + (p[i + 1].f - p[i].f);
        qsort(d, c - 1, sizeof *d, cmp_double);
        native = d[(c - 1) / 2];
        free(d);
    }
    if (step_s == 0) {
        step_s = (int64_t)llround(native);
        if (step_s < 1)
            step_s = 1;
    }
    if (native <= 0)
        native = (double)step_s;
    /* the period */
    int64_t start, end;
    if (ranged) {
        start = from_s;
        end = to_s;
    } else {
        start = fdiv(p[0].t, step_s) * step_s;
        int64_t last_end = p[c - 1].t + (int64_t)ceil(native > 1 ? native : 1);
        end = fdiv(last_end - 1, step_s) * step_s + step_s;
        if (end <= start)
            end = start + step_s;
    }
    /* the one bound on the result, before anything of the period's size is allocated */
    size_t nb;
    if ((rc = gs_series_steps(start, end, step_s, &nb, err)) != GS_OK) {
        free(p);
        return rc;
    }
    gs_series *s = gs_series_new(start, step_s, nb);
    if (!s)
        goto nomem;
    if (pts) {
        memcpy(s->unit, pts->unit, sizeof s->unit);
        memcpy(s->name, pts->name, sizeof s->name);
    }
    const double gap = GAP_FACTOR * native;
    if (q && find_outliers(p, c, q, start, end, ranged) != GS_OK)
        goto nomem_s;
    /* times relative to the period's start, in seconds (double keeps sub-second parts) */
    const double step = (double)step_s;
    if (method == GS_RESAMPLE_MEAN) {
        /* the sums go into s->v, the weights into w */
        double *w = calloc(nb, sizeof *w);
        if (!w)
            goto nomem_s;
        for (size_t k = 0; k < nb; k++)
            s->v[k] = 0;
        accumulate(p, c, start, nb, step, native, gap, 1.0, w, s->v, NULL);
        size_t over = 0;
        for (size_t k = 0; k < nb; k++) {
            s->v[k] = w[k] > 0 ? s->v[k] / w[k] : NAN;
            over += w[k] > 0 && !isfinite(s->v[k]);
        }
        if (over) {
            /* the plain sum overflowed (values near 1.8e308): those bins again, from sums of
             * values x 2^-64 (at most step x 2^960: finite), the mean scaled back */
            unsigned char *redo = calloc(nb, 1);
            if (!redo) {
                free(w);
                goto nomem_s;
            }
            for (size_t k = 0; k < nb; k++)
                if (w[k] > 0 && !isfinite(s->v[k])) {
                    redo[k] = 1;
                    s->v[k] = 0;
                }
            accumulate(p, c, start, nb, step, native, gap, SUM_SCALE, NULL, s->v, redo);
            for (size_t k = 0; k < nb; k++)
                if (redo[k]) {
                    double v = s->v[k] / w[k] / SUM_SCALE;
                    /* a mean lies within its values: past 1.8e308 only by rounding */
                    s->v[k] = v > DBL_MAX ? DBL_MAX : v < -DBL_MAX ? -DBL_MAX : v;
                }
            free(redo);
        }
        free(w);
    } else {
        size_t i = 0;
        for (size_t k = 0; k < nb; k++) {
            double x = (double)k * step; /* bin start, relative */
            while (i + 1 < c && (double)(p[i + 1].t - start) + p[i + 1].f <= x)
                i++;
            double a = (double)(p[i].t - start) + p[i].f;
            if (a > x) {
                s->v[k] = NAN; /* before the first point */
                continue;
            }
            double nx = i + 1 < c ? (double)(p[i + 1].t - start) + p[i + 1].f : INFINITY;
            int joined = nx - a <= gap;
            if (method == GS_RESAMPLE_HOLD) {
                double cover = joined ? nx : a + native;
                s->v[k] = x < cover ? p[i].v : NAN;
            } else if (x == a) {
                s->v[k] = p[i].v;
            } else if (joined) {
                s->v[k] = lerp(p[i].v, p[i + 1].v, x - a, nx - a);
            } else {
                s->v[k] = NAN;
            }
        }
    }
    /* gaps: every run of steps that no point covers, before any filling */
    if (q) {
        for (size_t k = 0; k < nb; k++) {
            if (!isnan(s->v[k]))
                continue;
            size_t e = k;
            while (e < nb && isnan(s->v[e]))
                e++;
            if (add_issue(q, GS_ISSUE_GAP, start + (int64_t)k * step_s, NAN,
                          (int64_t)(e - k) * step_s) != GS_OK)
                goto nomem_s;
            k = e;
        }
    }
    /* fill only as asked, each filled step reported */
    if (fill != GS_FILL_NONE) {
        size_t prev = (size_t)-1;
        for (size_t k = 0; k < nb; k++) {
            if (!isnan(s->v[k])) {
                prev = k;
                continue;
            }
            size_t nxt = k + 1;
            while (nxt < nb && isnan(s->v[nxt]))
                nxt++;
            for (size_t j = k; j < nxt; j++) {
                double v = NAN;
                if (fill == GS_FILL_ZERO)
                    v = 0;
                else if (fill == GS_FILL_HOLD && prev != (size_t)-1)
                    v = s->v[prev];
                else if (fill == GS_FILL_INTERP && prev != (size_t)-1 && nxt < nb)
                    v = lerp(s->v[prev], s->v[nxt], (double)(j - prev), (double)(nxt - prev));
                if (!isnan(v)) {
                    s->v[j] = v;
                    if (add_issue(q, GS_ISSUE_FILLED, start + (int64_t)j * step_s, v, step_s) != GS_OK)
                        goto nomem_s;
                }
            }
            k = nxt - 1;
            /* prev stays the last value before the run (filled values are not re-used) */
        }
    }
    finish_issues(q);
    free(p);
    *out = s;
    return rc;
nomem_s:
    gs_series_free(s);
nomem:
    free(p);
    return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}
