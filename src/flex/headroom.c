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

/* Per-hour context shared by solve and eval: slack e' = max(0, threshold - demand), where
 * each year's hours start, and the per-year weights. */
typedef struct ctx {
    size_t n;
    double *slack;       /* n */
    double slack_max;
    double peak, sum;    /* of the demand (sum in time order) */
    size_t *ystart;      /* nyears + 1: the first hour of each year, then n */
    int nyears;
    double *rate_w;      /* per year: a_y / H_y (weight of one hour in the averaged rate) */
    double *count_w;     /* per year: a_y / min(1, H_y/8760) (weight of one hour in per-year counts) */
    double years;        /* sum of min(1, H_y/8760) */
} ctx;

static void ctx_free(ctx *c)
{
    free(c->slack);
    free(c->ystart);
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
    c->ystart = calloc((size_t)c->nyears + 1, sizeof *c->ystart);
    c->rate_w = calloc((size_t)c->nyears, sizeof *c->rate_w);
    c->count_w = calloc((size_t)c->nyears, sizeof *c->count_w);
    size_t *hy = calloc((size_t)c->nyears, sizeof *hy);
    if (!c->slack || !c->ystart || !c->rate_w || !c->count_w || !hy) {
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
        c->sum += d->v[i];
        if (i == 0 || d->v[i] > c->peak)
            c->peak = d->v[i];
        c->slack[i] = e > 0 ? e : 0;
        if (c->slack[i] > c->slack_max)
            c->slack_max = c->slack[i];
        hy[y - y0]++;
    }
    for (int k = 0; k < c->nyears; k++)
        c->ystart[k + 1] = c->ystart[k] + hy[k];
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

/* Direct evaluation of L over the context: over every hour (hours NULL), or over the hours
 * listed in time order (nh of them), which must hold every hour curtailed at L. Sums run in
 * time order over the curtailed hours either way; an event is a run of consecutive curtailed
 * hours. */
static void ctx_eval(const ctx *c, const uint32_t *hours, size_t nh, double L,
                     gs_headroom_result *r)
{
    double rate = 0, mwh = 0, tot = 0, k50 = 0, k75 = 0, k90 = 0;
    size_t events = 0, run = 0, max_run = 0, curtailed = 0, prev = 0;
    int y = 0; /* the year of hour i */
    for (size_t j = 0; j < nh; j++) {
        size_t i = hours ? hours[j] : j;
        double e = c->slack[i];
        if (L > 0 && e < L) {
            double cut = L - e; /* <= L since e >= 0 */
            while (i >= c->ystart[y + 1])
                y++;
            rate += c->rate_w[y] * cut / L;
            mwh += c->count_w[y] * cut;
            tot += c->count_w[y];
            if (e >= 0.5 * L)
                k50 += c->count_w[y];
            if (e >= 0.75 * L)
                k75 += c->count_w[y];
            if (e >= 0.9 * L)
                k90 += c->count_w[y];
            curtailed++;
            if (run == 0 || prev + 1 != i) { /* the hour before was not curtailed */
                events++;
                run = 0;
            }
            run++;
            prev = i;
            if (run > max_run)
                max_run = run;
        }
    }
    r->achieved_rate_pct = 100.0 * rate;
    r->headroom_mw = L;
    r->curtailed_mwh_per_year = mwh;
    r->curtailed_hours_per_year = tot;
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
    ctx_eval(&c, NULL, c.n, load_mw, r);
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

/* The solve reads the slacks in increasing order only until F reaches the largest rate: in
 * demand data at 5 %, the smallest fifth of them or so. So it sorts only a prefix, the hours whose slacks
 * fall in the lowest of PREFIX_BUCKETS equal buckets from 0 to the largest slack, enough
 * buckets for F, estimated from each bucket's sums, to pass the largest rate one bucket before
 * the last one taken. A bucket is a monotone function of the slack, so the prefix holds every
 * slack below any slack it leaves out, ties all in or all out, and sorted (stably) it is the
 * start of the sorted whole: the solve's steps over it are those over the whole. Where the
 * prefix ends before the solve does (the estimate is not the exact F), the solve sorts the
 * whole (solve_from). */
#define PREFIX_BUCKETS 1024

typedef struct prefix {
    uint32_t *hours; /* the prefix's hours in time order */
    size_t n;
    double next;     /* the smallest slack left out ... */
    int has_next;    /* ... if any */
} prefix;

static size_t bucket_of(double e, double inv)
{
    double b = e * inv;
    return b < PREFIX_BUCKETS ? (size_t)b : PREFIX_BUCKETS;
}

/* 1 with the prefix for rates up to rmax; 0 when it would not save much (more than half of the
 * hours), when the slacks are all 0, or when memory is short: then the solve sorts the whole. */
static int prefix_build(const ctx *c, double rmax, prefix *pf)
{
    memset(pf, 0, sizeof *pf);
    if (c->n > UINT32_MAX)
        return 0;
    double emax = c->slack_max, inv = PREFIX_BUCKETS / emax;
    if (!(emax > 0) || !isfinite(inv))
        return 0;
    static const size_t nb = PREFIX_BUCKETS + 1;
    size_t count[PREFIX_BUCKETS + 1] = {0};
    double wsum[PREFIX_BUCKETS + 1] = {0}, esum[PREFIX_BUCKETS + 1] = {0};
    for (size_t i = 0, y = 0; i < c->n; i++) {
        while (i >= c->ystart[y + 1])
            y++;
        double e = c->slack[i], w = c->rate_w[y];
        size_t b = bucket_of(e, inv);
        count[b]++;
        wsum[b] += w;
        esum[b] += w * e;
    }
    /* F at the top of bucket b - 1 from the sums of buckets 0..b-1; one bucket more */
    double W = 0, S = 0;
    size_t take = 0, n = 0;
    for (size_t b = 1; b < nb && !take; b++) {
        W += wsum[b - 1];
        S += esum[b - 1];
        if (W - S / ((double)b / inv) >= rmax)
            take = b + 1;
    }
    for (size_t b = 0; b < take && b < nb; b++)
        n += count[b];
    if (!take || n > c->n / 2)
        return 0;
    pf->hours = malloc((n ? n : 1) * sizeof *pf->hours);
    if (!pf->hours)
        return 0;
    for (size_t i = 0; i < c->n; i++) {
        double e = c->slack[i];
        if (bucket_of(e, inv) < take) {
            pf->hours[pf->n++] = (uint32_t)i;
        } else if (!pf->has_next || e < pf->next) {
            pf->next = e;
            pf->has_next = 1;
        }
    }
    return 1;
}

/* The headroom at rate r from the slacks p[0..n) sorted (all of them, or a prefix whose first
 * slack left out is *next): 1 with *L, or 0 when the prefix ends before the answer does. */
static int solve_from(const sw *p, size_t n, const double *next, double r, double *L)
{
    double W = 0, S = 0;
    size_t i = 0;
    /* hours at slack 0 are curtailed fully for any L > 0 */
    while (i < n && p[i].e <= 0) {
        W += p[i].w;
        i++;
    }
    if (W >= r) {
        *L = 0; /* even an infinitesimal load is curtailed more than r */
        return 1;
    }
    for (;;) {
        if (i == n && !next) {
            *L = S / (W - r);
            return 1;
        }
        /* F at the next breakpoint, with the sums over the slacks below it */
        double e = i < n ? p[i].e : *next;
        double F = W - S / e;
        if (F >= r) {
            *L = S / (W - r);
            return 1;
        }
        if (i == n)
            return 0;
        /* take every slack equal to e */
        while (i < n && p[i].e == e) {
            W += p[i].w;
            S += p[i].w * p[i].e;
            i++;
        }
    }
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
    double peak = c.peak;
    out->peak_mw = peak;
    out->mean_mw = c.sum / (double)d->n;
    out->load_factor = peak > 0 ? out->mean_mw / peak : NAN;
    out->start_s = d->start_s;
    out->end_s = d->start_s + (int64_t)d->n * d->step_s;
    out->hours = d->n;
    int m;
    year_month(out->start_s, &out->year_first, &m);
    year_month(out->end_s - 1, &out->year_last, &m);
    out->years = c.years;

    /* F(L) = sum_{e_i < L} w_i (1 - e_i / L): on [e_(k-1), e_(k)] it is W_k - S_k / L with
     * W_k, S_k the sums of w and w*e over the k smallest slacks. Increasing in L. The slacks
     * sorted: a prefix of them (prefix_build), else (or when it falls short) all. */
    double rmax = 0;
    for (size_t k = 0; k < n_rates; k++)
        if (rates_pct[k] / 100.0 > rmax)
            rmax = rates_pct[k] / 100.0;
    prefix pf;
    int use_prefix = prefix_build(&c, rmax, &pf);
    sw *p = NULL;
    for (;;) {
        size_t np = use_prefix ? pf.n : c.n;
        p = malloc(2 * (np ? np : 1) * sizeof *p);
        if (!p) {
            free(pf.hours);
            ctx_free(&c);
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        }
        for (size_t j = 0, y = 0; j < np; j++) {
            size_t i = use_prefix ? pf.hours[j] : j; /* in time order */
            while (i >= c.ystart[y + 1])
                y++;
            p[j].e = c.slack[i];
            p[j].w = c.rate_w[y];
        }
        sort_slacks(p, p + np, np);
        const double *next = use_prefix && pf.has_next ? &pf.next : NULL;
        size_t k = 0;
        for (; k < n_rates; k++) {
            double L;
            if (!solve_from(p, np, next, rates_pct[k] / 100.0, &L))
                break;
            gs_headroom_result *res = &out->results[k];
            /* the prefix holds every hour curtailed at L unless a slack left out is below L */
            if (use_prefix && !(next && *next < L))
                ctx_eval(&c, pf.hours, pf.n, L, res);
            else
                ctx_eval(&c, NULL, c.n, L, res);
            res->rate_pct = rates_pct[k];
        }
        if (k == n_rates)
            break;
        free(p); /* the prefix fell short: sort the whole */
        use_prefix = 0;
    }
    out->n_results = n_rates;
    free(p);
    free(pf.hours);
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
    signed char *kind = malloc(n * sizeof *kind); /* -1 (kept) or a GS_CHANGE_* */
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
     * itself left out). Which values are in a window is fixed by pass 1 (in_windows), so the
     * count of a window slides along with it. The median lies between the least and the
     * largest value of any span holding the window, and the tests are monotone in it: an hour
     * at most k x such a least value, at least such a largest value / k, and off its neighbours
     * by at most jump x the least value is kept whatever the median is (in floating point too:
     * rounding is monotone, and a largest value below 2^1022 keeps the mean of the two middle
     * values from overflowing). The spans: blocks of about win/3 hours, each hour's window
     * within its block and r blocks either side. Only the other hours (a few hundred in 44,000
     * of EIA demand) need the median itself: the sorted window is then slid from the last hour
     * it served, or rebuilt when that is more than a window back. */
    if (!o.only_missing) {
        size_t uwin = (size_t)win, span = 2 * uwin + 1;
        size_t bs = uwin >= 3 ? (uwin + 2) / 3 : 1, r = (uwin + bs - 1) / bs; /* bs * r >= win */
        size_t nblk = (n + bs - 1) / bs;
        double *bmin = malloc(2 * nblk * sizeof *bmin), *bmax = bmin ? bmin + nblk : NULL;
        if (!bmin) {
            free(kind);
            free(win_buf);
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        }
        for (size_t b = 0, i = 0; b < nblk; b++) {
            double lo = INFINITY, hi = -INFINITY;
            for (size_t e = i + bs < n ? i + bs : n; i < e; i++)
                if (kind[i] < 0) {
                    lo = d->v[i] < lo ? d->v[i] : lo;
                    hi = d->v[i] > hi ? d->v[i] : hi;
                }
            bmin[b] = lo;
            bmax[b] = hi;
        }
        size_t count = 0, next = 0;
        sorted_window w = {win_buf, 0};
        size_t served = SIZE_MAX; /* the hour whose window w holds */
        double lo = 0, hi = 0, hi_k = 0;
        const double *v = d->v;
        for (size_t i = 0, b = 0, in_b = 0; i < n; i++, in_b++) {
            /* the window [i - win, i + win]: hours entering (untouched by this pass yet) ... */
            for (; next < n && next <= i + uwin; next++)
                count += kind[next] < 0;
            /* ... and the hour leaving */
            if (i > uwin && in_windows(kind[i - 1 - uwin]))
                count--;
            if (i == 0 || in_b == bs) { /* a new block: the bounds of blocks b - r .. b + r */
                b += i > 0;
                in_b = 0;
                lo = INFINITY;
                hi = -INFINITY;
                for (size_t q = b > r ? b - r : 0; q < nblk && q <= b + r; q++) {
                    lo = bmin[q] < lo ? bmin[q] : lo;
                    hi = bmax[q] > hi ? bmax[q] : hi;
                }
                hi_k = hi / k;
            }
            if (kind[i] >= 0)
                continue;
            size_t m = count - 1; /* the valid neighbours: the window without hour i */
            if (m == 0 || m < (size_t)(win / 2))
                continue;
            double x = v[i];
            int nb = i > 0 && i + 1 < n && kind[i - 1] < 0 && kind[i + 1] < 0;
            double up = 0, down = 0;
            if (nb) { /* both neighbours are valid values: finite, > 0 */
                double before = v[i - 1], after = v[i + 1];
                up = x - (before > after ? before : after);
                down = (before < after ? before : after) - x;
            }
            if (hi <= 0x1p1022 && x <= k * lo && x >= hi_k &&
                (!nb || (up <= jump * lo && down <= jump * lo)))
                continue;
            if (served == SIZE_MAX || i - served > span) {
                w.n = 0;
                for (size_t j = i > uwin ? i - uwin : 0; j < n && j <= i + uwin; j++)
                    if (in_windows(kind[j]))
                        window_insert(&w, v[j]);
            } else {
                for (size_t h = served + 1; h <= i; h++) { /* [h-1-win, h-1+win] -> [h-win, h+win] */
                    int out = h > uwin && in_windows(kind[h - 1 - uwin]);
                    int in = h + uwin < n && in_windows(kind[h + uwin]);
                    if (out && in)
                        window_replace(&w, v[h - 1 - uwin], v[h + uwin]);
                    else if (out)
                        window_erase(&w, v[h - 1 - uwin]);
                    else if (in)
                        window_insert(&w, v[h + uwin]);
                }
            }
            served = i;
            double med = window_median_without(&w, x);
            if (x > k * med)
                kind[i] = GS_CHANGE_SPIKE_HIGH;
            else if (x < med / k)
                kind[i] = GS_CHANGE_SPIKE_LOW;
            else if (nb && (up > jump * med || down > jump * med))
                kind[i] = GS_CHANGE_JUMP;
        }
        free(bmin);
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
