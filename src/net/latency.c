/* latency.c: the RTT model, its measured overrides and its fit (include/gridsplit/latency.h).
 * Pure: no I/O, no globals. The cable graph lives in cables.c. */
#include "gridsplit/latency.h"

#include "gridsplit/geo.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- overrides ---------------------------------------------------------------------------- */

struct okey {
    int32_t k[4]; /* quantised lat1, lon1, lat2, lon2 (1e-4 degree), smaller end point first */
};

struct oentry {
    struct okey key;
    double rtt_ms;
};

struct gs_latency_overrides {
    struct oentry *e;
    size_t n, cap;
};

static struct okey make_key(double lat1, double lon1, double lat2, double lon2)
{
    int32_t a0 = (int32_t)lround(lat1 * 1e4), a1 = (int32_t)lround(lon1 * 1e4);
    int32_t b0 = (int32_t)lround(lat2 * 1e4), b1 = (int32_t)lround(lon2 * 1e4);
    struct okey k;
    if (a0 < b0 || (a0 == b0 && a1 <= b1)) {
        k.k[0] = a0, k.k[1] = a1, k.k[2] = b0, k.k[3] = b1;
    } else {
        k.k[0] = b0, k.k[1] = b1, k.k[2] = a0, k.k[3] = a1;
    }
    return k;
}

static int cmp_key(const struct okey *a, const struct okey *b)
{
    for (int i = 0; i < 4; i++)
        if (a->k[i] != b->k[i])
            return a->k[i] < b->k[i] ? -1 : 1;
    return 0;
}

/* Index of the first entry >= key. */
static size_t lower_bound(const gs_latency_overrides *o, const struct okey *key)
{
    size_t lo = 0, hi = o->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cmp_key(&o->e[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

gs_latency_overrides *gs_latency_overrides_new(void)
{
    return calloc(1, sizeof(gs_latency_overrides));
}

void gs_latency_overrides_free(gs_latency_overrides *o)
{
    if (!o)
        return;
    free(o->e);
    free(o);
}

int gs_latency_overrides_add(gs_latency_overrides *o, double lat1, double lon1, double lat2,
                             double lon2, double rtt_ms, gs_error *err)
{
    if (!gs_geo_valid(lat1, lon1) || !gs_geo_valid(lat2, lon2))
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "coordinates",
                            "override %g,%g - %g,%g: not a valid latitude,longitude pair", lat1,
                            lon1, lat2, lon2);
    if (!(rtt_ms > 0) || !isfinite(rtt_ms))
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "rtt_ms",
                            "a measured RTT must be a positive number of ms, found %g", rtt_ms);
    struct okey key = make_key(lat1, lon1, lat2, lon2);
    size_t p = lower_bound(o, &key);
    if (p < o->n && cmp_key(&o->e[p].key, &key) == 0) {
        o->e[p].rtt_ms = rtt_ms;
        return 0;
    }
    if (o->n == o->cap) {
        size_t c = o->cap ? o->cap * 2 : 16;
        struct oentry *e = realloc(o->e, c * sizeof *e);
        if (!e)
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        o->e = e;
        o->cap = c;
    }
    memmove(o->e + p + 1, o->e + p, (o->n - p) * sizeof *o->e);
    o->e[p] = (struct oentry){key, rtt_ms};
    o->n++;
    return 0;
}

int gs_latency_overrides_lookup(const gs_latency_overrides *o, double lat1, double lon1,
                                double lat2, double lon2, double *rtt_ms)
{
    if (!o || o->n == 0)
        return 0;
    struct okey key = make_key(lat1, lon1, lat2, lon2);
    size_t p = lower_bound(o, &key);
    if (p < o->n && cmp_key(&o->e[p].key, &key) == 0) {
        if (rtt_ms)
            *rtt_ms = o->e[p].rtt_ms;
        return 1;
    }
    return 0;
}

size_t gs_latency_overrides_count(const gs_latency_overrides *o)
{
    return o ? o->n : 0;
}

/* ---- the model ---------------------------------------------------------------------------- */

gs_latency_model gs_latency_model_default(void)
{
    return (gs_latency_model){GS_LATENCY_DEFAULT_ROUTE_FACTOR, GS_LATENCY_DEFAULT_OVERHEAD_MS, 1.0,
                              NULL, NULL};
}

double gs_latency_rtt_between_ms(const gs_latency_model *m, double lat1, double lon1, double lat2,
                                 double lon2, int intercontinental)
{
    if (!gs_geo_valid(lat1, lon1) || !gs_geo_valid(lat2, lon2))
        return NAN;
    double r;
    if (m->overrides && gs_latency_overrides_lookup(m->overrides, lat1, lon1, lat2, lon2, &r))
        return r;
    double km;
    if (m->cables)
        km = gs_cables_path_km(m->cables, lat1, lon1, lat2, lon2, m->route_factor,
                               m->cable_factor, intercontinental == 1);
    else
        km = m->route_factor * gs_geo_distance_km(lat1, lon1, lat2, lon2);
    return 2.0 * km / GS_FIBRE_KM_PER_MS + m->overhead_ms;
}

double gs_latency_rtt_ms(const gs_latency_model *m, double lat1, double lon1, double lat2,
                         double lon2)
{
    return gs_latency_rtt_between_ms(m, lat1, lon1, lat2, lon2, -1);
}

/* ---- measured places and pairs ------------------------------------------------------------ */

int gs_latency_regions_nearest(const gs_latency_regions *regs, double lat, double lon,
                               double max_km, double *km)
{
    int best = -1;
    double bd = INFINITY;
    if (!regs || !gs_geo_valid(lat, lon))
        return -1;
    for (size_t i = 0; i < regs->n; i++) {
        double d = gs_geo_distance_km(lat, lon, regs->r[i].lat, regs->r[i].lon);
        if (d < bd) {
            bd = d;
            best = (int)i;
        }
    }
    if (best < 0 || !(bd <= max_km))
        return -1;
    if (km)
        *km = bd;
    return best;
}

double gs_latency_measured_rtt(const gs_latency_measured *m, int a, int b)
{
    if (!m || a == b || a < 0 || b < 0)
        return NAN;
    if (a > b) {
        int t = a;
        a = b;
        b = t;
    }
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const gs_latency_pair *p = &m->pairs[mid];
        if (p->a < a || (p->a == a && p->b < b))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < m->n && m->pairs[lo].a == a && m->pairs[lo].b == b)
        return m->pairs[lo].rtt_ms;
    return NAN;
}

/* ---- continents and RTT sources ------------------------------------------------------------ */

const char *gs_continent_name(gs_continent c)
{
    static const char *const names[GS_NCONTINENTS] = {
        "unknown", "north_america", "south_america", "europe", "africa", "asia", "oceania",
        "antarctica"};
    return c >= 0 && c < GS_NCONTINENTS ? names[c] : "unknown";
}

const char *gs_rtt_source_name(gs_rtt_source s)
{
    switch (s) {
    case GS_RTT_MEASURED:
        return "measured";
    case GS_RTT_CABLE:
        return "cable";
    default:
        return "plain";
    }
}

/* The Americas split at the Panama - Colombia border (77.3 W) and 7 N to the west of it. */
static gs_continent americas(double lat, double lon)
{
    return lat < 7.0 || (lat < 12.5 && lon > -77.3) ? GS_CONTINENT_SOUTH_AMERICA
                                                    : GS_CONTINENT_NORTH_AMERICA;
}

/* Coarse boxes, for places whose time zone does not tell (UTC, Atlantic/, Indian/). Checked
 * on the capitals and large cities of every continent (tests/unit/test_latency.c); borders
 * are approximate within a few hundred km (the Bosporus, the Caucasus, the Urals, Sinai). */
static gs_continent continent_box(double lat, double lon)
{
    if (!gs_geo_valid(lat, lon))
        return GS_CONTINENT_UNKNOWN;
    if (lat < -60)
        return GS_CONTINENT_ANTARCTICA;
    if (lon < -170 || lon > 170) /* the antimeridian: Chukotka, the Aleutians, the Pacific */
        return lat > 50 ? (lon > 0 ? GS_CONTINENT_ASIA : GS_CONTINENT_NORTH_AMERICA)
                        : GS_CONTINENT_OCEANIA;
    if (lat > 59 && lon >= -75 && lon < -10) /* Greenland; Iceland */
        return lat < 66.6 && lon > -25 ? GS_CONTINENT_EUROPE : GS_CONTINENT_NORTH_AMERICA;
    if (lon < -30)
        return americas(lat, lon);
    if (lon >= 60) {
        if ((lon > 110 && lat < -10) || (lon > 141 && lat < 20))
            return GS_CONTINENT_OCEANIA;
        return GS_CONTINENT_ASIA;
    }
    /* 30 W .. 60 E: Europe north of the Mediterranean (Andalusia, Sicily, Malta, Crete
     * included), less Anatolia, the Caucasus and the Caspian; Africa south of it; Asia east
     * of Sinai and the Red Sea */
    if (lat >= 37.4 || (lat >= 36.0 && lon < -1.5) || (lat >= 35.8 && lon >= 12 && lon < 26) ||
        (lat >= 34.8 && lon >= 23 && lon < 26.5)) {
        if ((lon >= 26.5 && lat < 41.0) || (lon >= 40 && lat < 44) || (lon >= 47 && lat < 52))
            return GS_CONTINENT_ASIA;
        return GS_CONTINENT_EUROPE;
    }
    if (lat >= 34.4 && lon >= 32) /* Cyprus, the Levant's north */
        return GS_CONTINENT_ASIA;
    if (lon < 35)
        return lon >= 34.2 && lat >= 29.5 ? GS_CONTINENT_ASIA : GS_CONTINENT_AFRICA;
    if (lat < 12 || (lon < 40 && lat < 18.5)) /* the Horn, Madagascar, Eritrea */
        return GS_CONTINENT_AFRICA;
    return GS_CONTINENT_ASIA;
}

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

gs_continent gs_continent_of(const char *tz, double lat, double lon)
{
    if (tz && *tz) {
        if (has_prefix(tz, "Europe/") || has_prefix(tz, "Arctic/"))
            return GS_CONTINENT_EUROPE;
        if (has_prefix(tz, "Asia/"))
            return GS_CONTINENT_ASIA;
        if (has_prefix(tz, "Africa/"))
            return GS_CONTINENT_AFRICA;
        if (has_prefix(tz, "Australia/"))
            return GS_CONTINENT_OCEANIA;
        if (has_prefix(tz, "Antarctica/"))
            return GS_CONTINENT_ANTARCTICA;
        if (has_prefix(tz, "US/") || has_prefix(tz, "Canada/") || has_prefix(tz, "Mexico/"))
            return GS_CONTINENT_NORTH_AMERICA;
        if (has_prefix(tz, "Brazil/") || has_prefix(tz, "Chile/"))
            return GS_CONTINENT_SOUTH_AMERICA;
        if (has_prefix(tz, "America/"))
            return gs_geo_valid(lat, lon) ? americas(lat, lon) : GS_CONTINENT_UNKNOWN;
        if (has_prefix(tz, "Pacific/")) {
            gs_continent c = continent_box(lat, lon);
            return c == GS_CONTINENT_NORTH_AMERICA || c == GS_CONTINENT_SOUTH_AMERICA ||
                           c == GS_CONTINENT_UNKNOWN
                       ? c
                       : GS_CONTINENT_OCEANIA;
        }
    }
    return continent_box(lat, lon);
}

/* ---- fitting ------------------------------------------------------------------------------ */

#define FIT_F_MIN 1.0
#define FIT_F_MAX 5.0
#define FIT_F_STEP 0.001
#define FIT_C_MIN 1.0
#define FIT_C_MAX 2.0
#define FIT_C_STEP 0.01

struct wv {
    double v, w;
};

static int cmp_wv(const void *x, const void *y)
{
    const struct wv *a = x, *b = y;
    return (a->v > b->v) - (a->v < b->v);
}

/* Weighted median of v (weights w), used as the L1-optimal offset. buf has n entries. */
static double weighted_median(struct wv *buf, size_t n)
{
    qsort(buf, n, sizeof *buf, cmp_wv);
    double tot = 0, acc = 0;
    for (size_t i = 0; i < n; i++)
        tot += buf[i].w;
    for (size_t i = 0; i < n; i++) {
        acc += buf[i].w;
        if (acc >= tot / 2)
            return buf[i].v;
    }
    return buf[n - 1].v;
}

/* Objective of a candidate: robust = sum |a x + b - y| / y; lsq = sum (a x + b - y)^2. */
static double objective(const double *x, const double *y, size_t n, double a, double b,
                        gs_latency_fit_method method)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double r = a * x[i] + b - y[i];
        s += method == GS_LATENCY_FIT_LSQ ? r * r : fabs(r) / y[i];
    }
    return s;
}

/* Best offset b >= 0 for a fixed slope: weighted median (robust) or mean (lsq). */
static double best_offset(const double *x, const double *y, size_t n, double a,
                          gs_latency_fit_method method, struct wv *buf)
{
    double b;
    if (method == GS_LATENCY_FIT_LSQ) {
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += y[i] - a * x[i];
        b = s / (double)n;
    } else {
        for (size_t i = 0; i < n; i++)
            buf[i] = (struct wv){y[i] - a * x[i], 1.0 / y[i]};
        b = weighted_median(buf, n);
    }
    return b < 0 ? 0 : b;
}

/* Plain model: y = a x + b with x = 2 d / c. Robust: the L1 optimum of a linear program lies
 * on a vertex, i.e. where two of {residual_i = 0, a = FIT_F_MIN, b = 0} hold: enumerate them.
 * LSQ: closed form, then clamped (re-solving the other parameter) when out of bounds. */
static void fit_linear(const double *x, const double *y, size_t n, gs_latency_fit_method method,
                       struct wv *buf, double *a_out, double *b_out)
{
    double best_a = FIT_F_MIN, best_b = best_offset(x, y, n, FIT_F_MIN, method, buf);
    double best = objective(x, y, n, best_a, best_b, method);
#define TRY(A, B)                                                                                  \
    do {                                                                                           \
        double a_ = (A), b_ = (B);                                                                 \
        if (isfinite(a_) && isfinite(b_) && a_ >= FIT_F_MIN && a_ <= FIT_F_MAX && b_ >= 0) {       \
            double o_ = objective(x, y, n, a_, b_, method);                                        \
            if (o_ < best - 1e-12) {                                                               \
                best = o_;                                                                         \
                best_a = a_;                                                                       \
                best_b = b_;                                                                       \
            }                                                                                      \
        }                                                                                          \
    } while (0)
    if (method == GS_LATENCY_FIT_LSQ) {
        double mx = 0, my = 0, sxx = 0, sxy = 0;
        for (size_t i = 0; i < n; i++)
            mx += x[i], my += y[i];
        mx /= (double)n, my /= (double)n;
        for (size_t i = 0; i < n; i++)
            sxx += (x[i] - mx) * (x[i] - mx), sxy += (x[i] - mx) * (y[i] - my);
        double a = sxx > 0 ? sxy / sxx : FIT_F_MIN;
        TRY(a, my - a * mx);
        /* b = 0 bound: a = sum xy / sum xx */
        double sxy0 = 0, sxx0 = 0;
        for (size_t i = 0; i < n; i++)
            sxy0 += x[i] * y[i], sxx0 += x[i] * x[i];
        if (sxx0 > 0)
            TRY(sxy0 / sxx0, 0.0);
        TRY(FIT_F_MAX, best_offset(x, y, n, FIT_F_MAX, method, buf));
    } else {
        for (size_t i = 0; i < n; i++) {
            if (x[i] > 0)
                TRY(y[i] / x[i], 0.0); /* through point i and b = 0 */
            TRY(FIT_F_MIN, y[i] - FIT_F_MIN * x[i]);
            for (size_t j = i + 1; j < n; j++) {
                if (fabs(x[j] - x[i]) < 1e-12)
                    continue;
                double a = (y[j] - y[i]) / (x[j] - x[i]);
                TRY(a, y[i] - a * x[i]);
            }
        }
    }
#undef TRY
    *a_out = best_a;
    *b_out = best_b;
}

int gs_latency_fit(gs_latency_model *m, const gs_latency_sample *s, size_t n,
                   gs_latency_fit_method method, gs_error *err)
{
    if (n < 2)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                            "fitting needs at least 2 measured pairs, found %zu", n);
    for (size_t i = 0; i < n; i++) {
        if (!gs_geo_valid(s[i].lat1, s[i].lon1) || !gs_geo_valid(s[i].lat2, s[i].lon2))
            return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "coordinates",
                                "sample %zu has invalid coordinates", i + 1);
        if (!(s[i].rtt_ms > 0) || !isfinite(s[i].rtt_ms))
            return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "rtt_ms",
                                "sample %zu: RTT must be positive, found %g", i + 1, s[i].rtt_ms);
    }
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    struct wv *buf = malloc(n * sizeof *buf);
    if (!x || !y || !buf) {
        free(x);
        free(y);
        free(buf);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        y[i] = s[i].rtt_ms;
    if (!m->cables) {
        for (size_t i = 0; i < n; i++)
            x[i] = 2.0 * gs_geo_distance_km(s[i].lat1, s[i].lon1, s[i].lat2, s[i].lon2) /
                   GS_FIBRE_KM_PER_MS;
        fit_linear(x, y, n, method, buf, &m->route_factor, &m->overhead_ms);
    } else {
        /* the path depends on the factor (which leg wins). Per sample, the Pareto frontier of
         * (land km, cable km) makes each factor cheap: coarse grid on the factor (0.01), then a
         * fine one (FIT_F_STEP) around the best; exact offset for each factor. */
        enum { FMAX = 256 };
        double *fl = malloc(n * FMAX * sizeof *fl), *fc = malloc(n * FMAX * sizeof *fc);
        size_t *fn = calloc(n, sizeof *fn);
        double *dd = malloc(n * sizeof *dd);
        if (!fl || !fc || !fn || !dd) {
            free(fl), free(fc), free(fn), free(dd), free(x), free(y), free(buf);
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        }
        for (size_t i = 0; i < n; i++) {
            dd[i] = gs_geo_distance_km(s[i].lat1, s[i].lon1, s[i].lat2, s[i].lon2);
            fn[i] = gs_cables_frontier(m->cables, s[i].lat1, s[i].lon1, s[i].lat2, s[i].lon2,
                                       fl + i * FMAX, fc + i * FMAX, FMAX);
        }
        double best = INFINITY, best_f = FIT_F_MIN, best_b = 0;
        int fit_c = !(m->cable_factor > 0);
        double best_c = fit_c ? 1.0 : m->cable_factor;
        for (int pass = 0; pass < 2; pass++) {
            double lo = pass ? fmax(FIT_F_MIN, best_f - 0.01) : FIT_F_MIN;
            double hi = pass ? fmin(FIT_F_MAX, best_f + 0.01) : FIT_F_MAX;
            double step = pass ? FIT_F_STEP : 0.01;
            int steps = (int)lround((hi - lo) / step);
            double clo = pass || !fit_c ? best_c : FIT_C_MIN;
            int csteps = pass || !fit_c ? 0 : (int)lround((FIT_C_MAX - FIT_C_MIN) / FIT_C_STEP);
            for (int kc = 0; kc <= csteps; kc++) {
                double c = clo + kc * FIT_C_STEP;
                for (int k = 0; k <= steps; k++) {
                    double f = lo + k * step;
                    for (size_t i = 0; i < n; i++) {
                        double p = s[i].intercontinental == 1 && fn[i] ? INFINITY : f * dd[i];
                        for (size_t j = 0; j < fn[i]; j++) {
                            double t = f * fl[i * FMAX + j] + c * fc[i * FMAX + j];
                            if (t < p)
                                p = t;
                        }
                        x[i] = 2.0 * p / GS_FIBRE_KM_PER_MS;
                    }
                    double b = best_offset(x, y, n, 1.0, method, buf);
                    double o = objective(x, y, n, 1.0, b, method);
                    if (o < best - 1e-12) {
                        best = o;
                        best_f = f;
                        best_b = b;
                        best_c = c;
                    }
                }
            }
        }
        m->cable_factor = best_c;
        free(fl), free(fc), free(fn), free(dd);
        m->route_factor = best_f;
        m->overhead_ms = best_b;
    }
    free(x);
    free(y);
    free(buf);
    return 0;
}
