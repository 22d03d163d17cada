/* headroom.c: curtailment-enabled headroom of a zone (include/gridsplit/headroom.h): seasonal
 * peak thresholds, the exact solve for the new load L at a curtailment rate, the direct
 * evaluation of a given L (hours, events), and the cleaning of raw hourly demand. Pure: no I/O,
 * no globals. */
#include "gridsplit/headroom.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- calendar (UTC) ---- */

/* Civil date from days since 1970-01-01 (H. Hinnant's algorithm). */
static void civil_from_days(int64_t z, int *year, int *month)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int)(y + (m <= 2));
    *month = (int)m;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static void year_month(int64_t t, int *year, int *month)
{
    civil_from_days(floor_div(t, 86400), year, month);
}

static int is_summer_peak_month(int m) { return m >= 6 && m <= 8; }
static int is_winter_peak_month(int m) { return m == 12 || m <= 2; }
static int uses_summer_threshold(int m) { return m >= 4 && m <= 10; }

/* ---- thresholds ---- */

void gs_headroom_thresholds(const gs_series *d, double *summer_mw, double *winter_mw)
{
    double s = NAN, w = NAN;
    for (size_t i = 0; i < d->n; i++) {
        double v = d->v[i];
        if (isnan(v))
            continue;
        int y, m;
        year_month(d->start_s + (int64_t)i * d->step_s, &y, &m);
        if (is_summer_peak_month(m) && (isnan(s) || v > s))
            s = v;
        else if (is_winter_peak_month(m) && (isnan(w) || v > w))
            w = v;
    }
    *summer_mw = s;
    *winter_mw = w;
}

/* Per-hour context shared by solve and eval: slack e' = max(0, threshold - demand), the
 * year of each hour, and the per-year weights. */
typedef struct ctx {
    size_t n;
    double *slack;       /* n */
    int *yidx;           /* n: index of the hour's year */
    int nyears;
    double *rate_w;      /* per year: a_y / H_y (weight of one hour in the averaged rate) */
    double *count_w;     /* per year: a_y / min(1, H_y/8760) (weight of one hour in per-year counts) */
    double years;        /* sum of min(1, H_y/8760) */
} ctx;

static void ctx_free(ctx *c)
{
    free(c->slack);
    free(c->yidx);
    free(c->rate_w);
    free(c->count_w);
    memset(c, 0, sizeof *c);
}

static int check_series(const gs_series *d, gs_error *err)
{
    if (!d || d->n == 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "demand", "the demand series is empty");
    if (d->step_s != 3600)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "demand",
                            "expected an hourly series (step 3600 s), found step %lld s",
                            (long long)d->step_s);
    size_t nan = 0;
    for (size_t i = 0; i < d->n; i++)
        if (!isfinite(d->v[i]))
            nan++;
    if (nan)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "demand",
                            "%zu hours without a value: clean the series first", nan);
    return GS_OK;
}

static int ctx_build(const gs_series *d, double summer, double winter, ctx *c, gs_error *err)
{
    memset(c, 0, sizeof *c);
    int y0, y1, m;
    year_month(d->start_s, &y0, &m);
    year_month(d->start_s + (int64_t)(d->n - 1) * d->step_s, &y1, &m);
    c->n = d->n;
    c->nyears = y1 - y0 + 1;
    c->slack = malloc(d->n * sizeof *c->slack);
    c->yidx = malloc(d->n * sizeof *c->yidx);
    c->rate_w = calloc((size_t)c->nyears, sizeof *c->rate_w);
    c->count_w = calloc((size_t)c->nyears, sizeof *c->count_w);
    size_t *hy = calloc((size_t)c->nyears, sizeof *hy);
    if (!c->slack || !c->yidx || !c->rate_w || !c->count_w || !hy) {
        free(hy);
        ctx_free(c);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t i = 0; i < d->n; i++) {
        int y;
        year_month(d->start_s + (int64_t)i * d->step_s, &y, &m);
        double thr = uses_summer_threshold(m) ? summer : winter;
        if (isnan(thr)) {
            free(hy);
            ctx_free(c);
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "demand",
                                "the series has %s hours but no %s hour to set their threshold",
                                uses_summer_threshold(m) ? "April-October" : "November-March",
                                uses_summer_threshold(m) ? "June-August" : "December-February");
        }
        double e = thr - d->v[i];
        c->slack[i] = e > 0 ? e : 0;
        c->yidx[i] = y - y0;
        hy[y - y0]++;
    }
    double sum_a = 0;
    for (int k = 0; k < c->nyears; k++) {
        double frac = hy[k] >= 8760 ? 1.0 : (double)hy[k] / 8760.0;
        sum_a += frac;
    }
    c->years = sum_a;
    for (int k = 0; k < c->nyears; k++) {
        if (!hy[k])
            continue;
        double frac = hy[k] >= 8760 ? 1.0 : (double)hy[k] / 8760.0;
        double a = frac / sum_a;
        c->rate_w[k] = a / (double)hy[k];
        c->count_w[k] = a / frac;
    }
    free(hy);
    return GS_OK;
}

/* Direct evaluation of L over the context (O(n)). */
static void ctx_eval(const ctx *c, double L, gs_headroom_result *r)
{
    double rate = 0, mwh = 0, hours = 0, k50 = 0, k75 = 0, k90 = 0;
    size_t events = 0, run = 0, max_run = 0, curtailed = 0;
    for (size_t i = 0; i < c->n; i++) {
        double e = c->slack[i];
        if (L > 0 && e < L) {
            double cut = L - e; /* <= L since e >= 0 */
            int y = c->yidx[i];
            rate += c->rate_w[y] * cut / L;
            mwh += c->count_w[y] * cut;
            hours += c->count_w[y];
            if (e >= 0.5 * L)
                k50 += c->count_w[y];
            if (e >= 0.75 * L)
                k75 += c->count_w[y];
            if (e >= 0.9 * L)
                k90 += c->count_w[y];
            curtailed++;
            if (run == 0)
                events++;
            run++;
            if (run > max_run)
                max_run = run;
        } else {
            run = 0;
        }
    }
    r->achieved_rate_pct = 100.0 * rate;
    r->headroom_mw = L;
    r->curtailed_mwh_per_year = mwh;
    r->curtailed_hours_per_year = hours;
    r->hours_keeping_50pct = k50;
    r->hours_keeping_75pct = k75;
    r->hours_keeping_90pct = k90;
    r->events = events;
    r->mean_event_hours = events ? (double)curtailed / (double)events : 0.0;
    r->max_event_hours = (double)max_run;
}

int gs_headroom_eval(const gs_series *d, double summer_mw, double winter_mw, double load_mw,
                     gs_headroom_result *r, gs_error *err)
{
    int rc = check_series(d, err);
    if (rc)
        return rc;
    if (!(load_mw >= 0) || !isfinite(load_mw))
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "load_mw",
                            "expected a new load >= 0 MW, found %g", load_mw);
    ctx c;
    rc = ctx_build(d, summer_mw, winter_mw, &c, err);
    if (rc)
        return rc;
    memset(r, 0, sizeof *r);
    ctx_eval(&c, load_mw, r);
    r->rate_pct = r->achieved_rate_pct;
    ctx_free(&c);
    return GS_OK;
}

/* Sorted (slack, weight) pairs. */
typedef struct sw {
    double e, w;
} sw;

static int cmp_sw(const void *a, const void *b)
{
    double x = ((const sw *)a)->e, y = ((const sw *)b)->e;
    return (x > y) - (x < y);
}

int gs_headroom_solve(const gs_series *d, const double *rates_pct, size_t n_rates,
                      gs_headroom *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = check_series(d, err);
    if (rc)
        return rc;
    if (n_rates == 0 || n_rates > GS_HEADROOM_MAX_RATES)
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "rates",
                            "expected 1 to %d rates, found %zu", GS_HEADROOM_MAX_RATES, n_rates);
    for (size_t k = 0; k < n_rates; k++)
        if (!(rates_pct[k] > 0 && rates_pct[k] < 100))
            return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "rates",
                                "a curtailment rate must be in (0, 100) percent, found %g",
                                rates_pct[k]);

    double summer, winter;
    gs_headroom_thresholds(d, &summer, &winter);
    ctx c;
    rc = ctx_build(d, summer, winter, &c, err);
    if (rc)
        return rc;

    out->threshold_summer_mw = summer;
    out->threshold_winter_mw = winter;
    double peak = -INFINITY, sum = 0;
    for (size_t i = 0; i < d->n; i++) {
        sum += d->v[i];
        if (d->v[i] > peak)
            peak = d->v[i];
    }
    out->peak_mw = peak;
    out->mean_mw = sum / (double)d->n;
    out->load_factor = peak > 0 ? out->mean_mw / peak : NAN;
    out->start_s = d->start_s;
    out->end_s = d->start_s + (int64_t)d->n * d->step_s;
    out->hours = d->n;
    int m;
    year_month(out->start_s, &out->year_first, &m);
    year_month(out->end_s - 1, &out->year_last, &m);
    out->years = c.years;

    /* F(L) = sum_{e_i < L} w_i (1 - e_i / L): on [e_(k-1), e_(k)] it is W_k - S_k / L with
     * W_k, S_k the sums of w and w*e over the k smallest slacks. Increasing in L. */
    sw *p = malloc(c.n * sizeof *p);
    if (!p) {
        ctx_free(&c);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t i = 0; i < c.n; i++) {
        p[i].e = c.slack[i];
        p[i].w = c.rate_w[c.yidx[i]];
    }
    qsort(p, c.n, sizeof *p, cmp_sw);

    for (size_t k = 0; k < n_rates; k++) {
        double r = rates_pct[k] / 100.0;
        double W = 0, S = 0, L = 0;
        size_t i = 0;
        /* hours at slack 0 are curtailed fully for any L > 0 */
        while (i < c.n && p[i].e <= 0) {
            W += p[i].w;
            i++;
        }
        if (W >= r) {
            L = 0; /* even an infinitesimal load is curtailed more than r */
        } else {
            for (;;) {
                if (i == c.n) {
                    L = S / (W - r);
                    break;
                }
                /* F at the next breakpoint, with the sums over the slacks below it */
                double e = p[i].e;
                double F = W - S / e;
                if (F >= r) {
                    L = S / (W - r);
                    break;
                }
                /* take every slack equal to e */
                while (i < c.n && p[i].e == e) {
                    W += p[i].w;
                    S += p[i].w * p[i].e;
                    i++;
                }
            }
        }
        gs_headroom_result *res = &out->results[k];
        ctx_eval(&c, L, res);
        res->rate_pct = rates_pct[k];
    }
    out->n_results = n_rates;
    free(p);
    ctx_free(&c);
    return GS_OK;
}

/* ---- cleaning ---- */

const char *gs_change_kind_name(int kind)
{
    switch (kind) {
    case GS_CHANGE_MISSING: return "missing";
    case GS_CHANGE_NONPOSITIVE: return "non-positive";
    case GS_CHANGE_SENTINEL: return "sentinel";
    case GS_CHANGE_SPIKE_HIGH: return "above k x median";
    case GS_CHANGE_SPIKE_LOW: return "below median / k";
    case GS_CHANGE_JUMP: return "one-hour jump";
    default: return "?";
    }
}

void gs_demand_changes_free(gs_demand_changes *c)
{
    if (!c)
        return;
    free(c->v);
    memset(c, 0, sizeof *c);
}

static int changes_push(gs_demand_changes *c, int64_t t, int kind, double orig, double repl)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        gs_demand_change *nv = realloc(c->v, cap * sizeof *nv);
        if (!nv)
            return GS_ENOMEM;
        c->v = nv;
        c->cap = cap;
    }
    c->v[c->n++] = (gs_demand_change){t, kind, orig, repl};
    c->by_kind[kind]++;
    return GS_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int gs_demand_clean(gs_series *d, const gs_clean_opts *opts, gs_demand_changes *changes,
                    gs_error *err)
{
    gs_clean_opts o = opts ? *opts : (gs_clean_opts){0};
    double k = o.spike_factor > 0 ? o.spike_factor : 2.0;
    int win = o.window_hours > 0 ? o.window_hours : 24;
    double sentinel = o.sentinel_mw > 0 ? o.sentinel_mw : 1e9;
    double jump = o.jump_fraction > 0 ? o.jump_fraction : 0.2;
    if (!(k > 1))
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "spike_factor",
                            "expected a spike factor > 1, found %g", k);
    size_t n = d->n;
    if (n == 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "demand", "the demand series is empty");
    int *kind = malloc(n * sizeof *kind);
    double *win_buf = malloc((size_t)(2 * win + 1) * sizeof *win_buf);
    if (!kind || !win_buf) {
        free(kind);
        free(win_buf);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    /* pass 1: point rules */
    for (size_t i = 0; i < n; i++) {
        double v = d->v[i];
        kind[i] = -1;
        if (!isfinite(v))
            kind[i] = GS_CHANGE_MISSING;
        else if (!o.only_missing && v <= 0)
            kind[i] = GS_CHANGE_NONPOSITIVE;
        else if (!o.only_missing && v >= sentinel)
            kind[i] = GS_CHANGE_SENTINEL;
    }
    /* pass 2: spikes against the median of the point-valid values within +-win hours */
    if (!o.only_missing) {
        for (size_t i = 0; i < n; i++) {
            if (kind[i] >= 0)
                continue;
            size_t lo = i >= (size_t)win ? i - (size_t)win : 0;
            size_t hi = i + (size_t)win < n ? i + (size_t)win : n - 1;
            int m = 0;
            for (size_t j = lo; j <= hi; j++)
                if (j != i && (kind[j] < 0 || kind[j] >= GS_CHANGE_SPIKE_HIGH))
                    win_buf[m++] = d->v[j];
            if (m < win / 2)
                continue;
            qsort(win_buf, (size_t)m, sizeof *win_buf, cmp_double);
            double med = (m % 2) ? win_buf[m / 2] : 0.5 * (win_buf[m / 2 - 1] + win_buf[m / 2]);
            if (d->v[i] > k * med)
                kind[i] = GS_CHANGE_SPIKE_HIGH;
            else if (d->v[i] < med / k)
                kind[i] = GS_CHANGE_SPIKE_LOW;
            else if (i > 0 && i + 1 < n && kind[i - 1] < 0 && kind[i + 1] < 0) {
                double up = d->v[i] - fmax(d->v[i - 1], d->v[i + 1]);
                double down = fmin(d->v[i - 1], d->v[i + 1]) - d->v[i];
                if (up > jump * med || down > jump * med)
                    kind[i] = GS_CHANGE_JUMP;
            }
        }
    }
    free(win_buf);
    /* pass 3: interpolate */
    size_t prev = SIZE_MAX;
    int any = 0;
    for (size_t i = 0; i < n; i++)
        if (kind[i] < 0) {
            any = 1;
            break;
        }
    if (!any) {
        free(kind);
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "demand",
                            "no valid hour in the demand series (all %zu missing or rejected)", n);
    }
    int rc = GS_OK;
    for (size_t i = 0; i < n && rc == GS_OK; i++) {
        if (kind[i] < 0) {
            prev = i;
            continue;
        }
        size_t next = i + 1;
        while (next < n && kind[next] >= 0)
            next++;
        /* hours i .. next-1 are bad */
        for (size_t j = i; j < next; j++) {
            double v;
            if (prev == SIZE_MAX)
                v = d->v[next];
            else if (next == n)
                v = d->v[prev];
            else
                v = d->v[prev] + (d->v[next] - d->v[prev]) * (double)(j - prev) /
                                     (double)(next - prev);
            double orig = d->v[j];
            d->v[j] = v;
            if (changes)
                rc = changes_push(changes, d->start_s + (int64_t)j * d->step_s, kind[j],
                                  isfinite(orig) ? orig : NAN, v);
            if (rc)
                break;
        }
        i = next - 1;
    }
    free(kind);
    if (rc)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    return GS_OK;
}
