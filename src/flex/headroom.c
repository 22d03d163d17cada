/* headroom.c: curtailment-enabled headroom of a zone (include/gridsplit/headroom.h): seasonal
 * peak thresholds, the exact solve for the new load L at a curtailment rate, the direct
 * evaluation of a given L (hours, events), and the cleaning of raw hourly demand. Pure: no I/O,
 * no globals. */
#include "gridsplit/headroom.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/time.h"

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

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The year and month of the times of a series walked in order: the calendar is worked out
 * once a month, not once an hour. */
typedef struct month_cursor {
    int64_t from, to; /* [from, to): the month of year/month, UTC seconds */
    int year, month;
} month_cursor;

static void month_at(month_cursor *c, int64_t t)
{
    if (t >= c->from && t < c->to)
        return;
    year_month(t, &c->year, &c->month);
    c->from = days_from_civil(c->year, c->month, 1) * 86400;
    c->to = days_from_civil(c->year + (c->month == 12), c->month % 12 + 1, 1) * 86400;
}

#define MONTH_CURSOR_INIT {1, 0, 0, 0}

static int is_summer_peak_month(int m) { return m >= 6 && m <= 8; }
static int is_winter_peak_month(int m) { return m == 12 || m <= 2; }
static int uses_summer_threshold(int m) { return m >= 4 && m <= 10; }

/* ---- thresholds ---- */

void gs_headroom_thresholds(const gs_series *d, double *summer_mw, double *winter_mw)
{
    double s = NAN, w = NAN;
    month_cursor c = MONTH_CURSOR_INIT;
    for (size_t i = 0; i < d->n; i++) {
        double v = d->v[i];
        if (isnan(v))
            continue;
        month_at(&c, d->start_s + (int64_t)i * d->step_s);
        int m = c.month;
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
    month_cursor mc = MONTH_CURSOR_INIT;
    for (size_t i = 0; i < d->n; i++) {
        month_at(&mc, d->start_s + (int64_t)i * d->step_s);
        int y = mc.year;
        m = mc.month;
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

/* (slack, weight) pairs, sorted by slack. */
typedef struct sw {
    double e, w;
} sw;

/* Sort p[0..n) by slack, stably (equal slacks keep their order in time, so the sums over them
 * run in the same order whatever the sort): a least-significant-digit radix sort on the bits
 * of the slacks, which are >= 0 and finite, so that their bits order as the numbers do. Eight
 * passes of one byte, skipping a byte all slacks share; tmp holds n pairs. */
static void sort_slacks(sw *p, sw *tmp, size_t n)
{
    size_t count[8][256];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++) {
        uint64_t k;
        memcpy(&k, &p[i].e, sizeof k);
        for (int b = 0; b < 8; b++)
            count[b][(k >> (8 * b)) & 0xff]++;
    }
    sw *src = p, *dst = tmp;
    for (int b = 0; b < 8; b++) {
        size_t *c = count[b], sum = 0;
        int shared = 0;
        for (int v = 0; v < 256; v++)
            if (c[v] == n)
                shared = 1;
        if (shared)
            continue;
        for (int v = 0; v < 256; v++) {
            size_t x = c[v];
            c[v] = sum;
            sum += x;
        }
        for (size_t i = 0; i < n; i++) {
            uint64_t k;
            memcpy(&k, &src[i].e, sizeof k);
            dst[c[(k >> (8 * b)) & 0xff]++] = src[i];
        }
        sw *t = src;
        src = dst;
        dst = t;
    }
    if (src != p)
        memcpy(p, src, n * sizeof *p);
}

/* Enough hours for the method: a calendar year's rate needs a year of hours (8,760) and the
 * thresholds need both seasonal peaks (June-August, December-February), which any 8,760
 * consecutive hours hold. The message says what is missing. */
static int check_coverage(const gs_series *d, gs_error *err)
{
    if (d->n >= 8760)
        return GS_OK;
    int summer = 0, winter = 0;
    month_cursor c = MONTH_CURSOR_INIT;
    for (size_t i = 0; i < d->n; i++) {
        month_at(&c, d->start_s + (int64_t)i * d->step_s);
        summer |= is_summer_peak_month(c.month);
        winter |= is_winter_peak_month(c.month);
    }
    char a[32], b[32];
    gs_format_time(d->start_s, a);
    gs_format_time(d->start_s + (int64_t)d->n * d->step_s, b);
    const char *no_summer = "no June-August hour (the summer peak sets the April-October "
                            "threshold)",
               *no_winter = "no December-February hour (the winter peak sets the "
                            "November-March threshold)";
    return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                        "too little data for a headroom: %zu hours (%s to %s), less than a year "
                        "(8760 hours; the curtailment rate is a yearly one)%s%s%s%s: give at least "
                        "a year of hourly demand",
                        d->n, a, b, !summer || !winter ? ", and " : "",
                        !summer ? no_summer : "", !summer && !winter ? " and " : "",
                        !winter ? no_winter : "");
}

int gs_headroom_solve(const gs_series *d, const double *rates_pct, size_t n_rates,
                      gs_headroom *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = check_series(d, err);
    if (rc == GS_OK)
        rc = check_coverage(d, err);
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
    sw *p = malloc(2 * c.n * sizeof *p);
    if (!p) {
        ctx_free(&c);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t i = 0; i < c.n; i++) {
        p[i].e = c.slack[i];
        p[i].w = c.rate_w[c.yidx[i]];
    }
    sort_slacks(p, p + c.n, c.n);

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

/* The point-valid values of a centred window [i - win, i + win], kept sorted as the window
 * slides: the value leaving and the value entering cost a search and a shift over the values
 * between them, instead of a sort of the whole window for every hour. The values are finite
 * and > 0 (the point rules rejected the others), so equality finds the value to remove. */
typedef struct sorted_window {
    double *v;
    size_t n;
} sorted_window;

/* The first index of v[0..n) whose value is >= x (n if none): a binary search whose steps are
 * conditional moves, not branches, since the comparisons are unpredictable. */
static size_t lower_bound(const double *v, size_t n, double x)
{
    if (n == 0)
        return 0;
    const double *base = v;
    while (n > 1) {
        size_t half = n / 2;
        base = base[half - 1] < x ? base + half : base;
        n -= half;
    }
    return (size_t)(base - v) + (*base < x);
}

static void window_insert(sorted_window *w, double x)
{
    size_t p = lower_bound(w->v, w->n, x);
    memmove(w->v + p + 1, w->v + p, (w->n - p) * sizeof *w->v);
    w->v[p] = x;
    w->n++;
}

static void window_erase(sorted_window *w, double x)
{
    size_t p = lower_bound(w->v, w->n, x); /* w->v[p] == x */
    memmove(w->v + p, w->v + p + 1, (w->n - p - 1) * sizeof *w->v);
    w->n--;
}

/* Take out one occurrence of out and put in in: the values between the two places move by one. */
static void window_replace(sorted_window *w, double out, double in)
{
    double *v = w->v;
    size_t q = lower_bound(v, w->n, out); /* v[q] == out: the free slot */
    if (in > out) {
        for (; q + 1 < w->n && v[q + 1] < in; q++)
            v[q] = v[q + 1];
    } else {
        for (; q > 0 && v[q - 1] > in; q--)
            v[q] = v[q - 1];
    }
    v[q] = in;
}

/* The median of the window's values without one occurrence of x (x is in the window, which
 * holds at least one other value): the mean of the two middle values for an even count, as a
 * sort of the other values gives. Without x, the value of rank k is v[k] if v[k] < x (it lies
 * before every copy of x) and v[k + 1] otherwise: no search needed. */
static double window_median_without(const sorted_window *w, double x)
{
    const double *v = w->v;
    size_t m = w->n - 1;
#define AT(k) (v[k] < x ? v[k] : v[(k) + 1])
    return (m % 2) ? AT(m / 2) : 0.5 * (AT(m / 2 - 1) + AT(m / 2));
#undef AT
}

/* A value that takes part in the spike medians: not rejected by a point rule (the spike and
 * jump kinds set during the same pass do not take a value out of its neighbours' windows). */
static int in_windows(int kind) { return kind < 0 || kind >= GS_CHANGE_SPIKE_HIGH; }

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
    /* pass 2: spikes against the median of the point-valid values within +-win hours (the hour
     * itself left out), the window slid along the series */
    if (!o.only_missing) {
        sorted_window w = {win_buf, 0};
        size_t uwin = (size_t)win;
        for (size_t j = 0; j < n && j <= uwin; j++)
            if (in_windows(kind[j]))
                window_insert(&w, d->v[j]);
        for (size_t i = 0; i < n; i++) {
            if (i > 0) { /* [i-1-win, i-1+win] -> [i-win, i+win] */
                int out = i > uwin && in_windows(kind[i - 1 - uwin]);
                int in = i + uwin < n && in_windows(kind[i + uwin]);
                if (out && in)
                    window_replace(&w, d->v[i - 1 - uwin], d->v[i + uwin]);
                else if (out)
                    window_erase(&w, d->v[i - 1 - uwin]);
                else if (in)
                    window_insert(&w, d->v[i + uwin]);
            }
            if (kind[i] >= 0)
                continue;
            size_t m = w.n - 1; /* the valid neighbours: the window without hour i */
            if (m == 0 || m < (size_t)(win / 2))
                continue;
            double med = window_median_without(&w, d->v[i]);
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
