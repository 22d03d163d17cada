/* stats.c: summary statistics of load curves: energy, peak, minimum, mean, load factor, the
 * median daily peak-to-trough ratio and peak hour in local time, and coincidence with the
 * zone's system peak (mean load in the zone's top 1 % demand steps / mean load). */
#include "sim/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Cost and emissions of the curve against the zone's price and carbon series. */
static void cost_and_carbon(const double *mw, size_t n, int64_t start_s, int64_t step_s,
                            const gs_zone *zone, gs_load_stats *out)
{
    out->energy_cost_usd = out->mean_price_usd_per_mwh = out->price_coverage = NAN;
    out->co2_t = out->carbon_coverage = NAN;
    if (!zone)
        return;
    const gs_series *price = zone->price_usd_per_mwh, *co2 = zone->carbon_g_per_kwh;
    double h = (double)step_s / 3600.0, all = 0, e_p = 0, cost = 0, e_c = 0, tons = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t mid = start_s + (int64_t)i * step_s + step_s / 2;
        double e = mw[i] * h;
        all += e;
        if (price) {
            double p = gs_series_at(price, mid);
            if (!isnan(p)) {
                e_p += e;
                cost += e * p;
            }
        }
        if (co2) {
            double c = gs_series_at(co2, mid);
            if (!isnan(c)) {
                e_c += e;
                tons += e * c * 1e-3; /* MWh x g/kWh = kg; / 1000 = t */
            }
        }
    }
    if (price) {
        out->energy_cost_usd = cost;
        out->mean_price_usd_per_mwh = e_p > 0 ? cost / e_p : NAN;
        out->price_coverage = all > 0 ? e_p / all : NAN;
    }
    if (co2) {
        out->co2_t = tons;
        out->carbon_coverage = all > 0 ? e_c / all : NAN;
    }
}

void gs__curve_stats(const double *mw, size_t n, int64_t start_s, int64_t step_s, const gs_tz *tz,
                     const unsigned char *top, const gs_zone *zone, gs_load_stats *out)
{
    memset(out, 0, sizeof *out);
    out->coincidence = NAN;
    cost_and_carbon(mw, n, start_s, step_s, zone, out);
    if (n == 0) {
        out->peak_to_trough = out->peak_hour_local = out->load_factor = NAN;
        return;
    }
    double sum = 0, peak = -INFINITY, low = INFINITY, top_sum = 0;
    size_t top_n = 0;
    /* days: at most n of them */
    size_t maxdays = (size_t)((int64_t)n * step_s / 86400) + 3;
    double *ratio = malloc(maxdays * sizeof *ratio);
    double *hour = malloc(maxdays * sizeof *hour);
    size_t nd = 0;
    int64_t cur_day = INT64_MIN;
    double dmax = 0, dmin = 0, dmax_h = 0;
    int first_day = 1;
    size_t hint = 0;
    for (size_t i = 0; i < n; i++) {
        double v = mw[i];
        sum += v;
        if (v > peak)
            peak = v;
        if (v < low)
            low = v;
        if (top && top[i]) {
            top_sum += v;
            top_n++;
        }
        int64_t t = start_s + (int64_t)i * step_s;
        int64_t local = t + (tz ? gs_tz_offset(tz, t, &hint) : 0);
        int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
        double h = (double)(local - day * 86400) / 3600.0;
        if (day != cur_day) {
            /* close the previous day: only whole days (not the first partial one) count */
            if (cur_day != INT64_MIN && !first_day && ratio && hour) {
                ratio[nd] = dmin > 0 ? dmax / dmin : NAN;
                hour[nd] = dmax_h;
                nd++;
            }
            if (cur_day != INT64_MIN)
                first_day = 0;
            /* a period starting at local midnight has no partial first day */
            if (cur_day == INT64_MIN && local - day * 86400 < step_s)
                first_day = 0;
            cur_day = day;
            dmax = -INFINITY;
            dmin = INFINITY;
        }
        if (v > dmax) {
            dmax = v;
            dmax_h = h;
        }
        if (v < dmin)
            dmin = v;
    }
    /* the last day counts when the period ends at local midnight */
    if (cur_day != INT64_MIN && ratio && hour) {
        int64_t t_end = start_s + (int64_t)n * step_s;
        int64_t local_end = t_end + (tz ? gs_tz_offset(tz, t_end - 1, &hint) : 0);
        if (local_end % 86400 == 0 && !first_day) {
            ratio[nd] = dmin > 0 ? dmax / dmin : NAN;
            hour[nd] = dmax_h;
            nd++;
        }
    }
    out->energy_mwh = sum * (double)step_s / 3600.0;
    out->peak_mw = peak;
    out->min_mw = low;
    out->mean_mw = sum / (double)n;
    out->load_factor = peak > 0 ? out->mean_mw / peak : NAN;
    /* days with an undefined ratio (min 0) make the median undefined only if most are */
    size_t nr = 0;
    for (size_t d = 0; d < nd; d++)
        if (!isnan(ratio[d]))
            ratio[nr++] = ratio[d];
    out->peak_to_trough = nr * 2 > nd ? median(ratio, nr) : NAN;
    /* a load that never draws power, or a flat one, has no peak hour */
    out->peak_hour_local = peak > low ? median(hour, nd) : NAN;
    if (top && top_n > 0 && out->mean_mw > 0)
        out->coincidence = (top_sum / (double)top_n) / out->mean_mw;
    free(ratio);
    free(hour);
}

/* Mark the steps whose system demand is in the zone's top 1 % over the period. NULL when the
 * zone has no demand series covering the period. A series stamped at the end of each hour
 * (EIA-930, stamped_at_end) holds the demand of time t at t + 1 h. */
static unsigned char *top_mask(const gs_series *demand, int stamped_at_end, int64_t start_s,
                               int64_t step_s, size_t n)
{
    if (!demand)
        return NULL;
    double *v = malloc(n * sizeof *v);
    double *sorted = malloc(n * sizeof *sorted);
    unsigned char *mask = calloc(n, 1);
    size_t k = 0;
    if (!v || !sorted || !mask)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        v[i] = gs_series_at(demand, start_s + (int64_t)i * step_s + step_s / 2 +
                                        (stamped_at_end ? 3600 : 0));
        if (!isnan(v[i]))
            sorted[k++] = v[i];
    }
    if (k < 100 || k * 2 < n) /* too little of the period covered to say */
        goto fail;
    qsort(sorted, k, sizeof *sorted, cmp_double);
    double thr = sorted[k - 1 - k / 100];
    for (size_t i = 0; i < n; i++)
        mask[i] = !isnan(v[i]) && v[i] >= thr;
    free(v);
    free(sorted);
    return mask;
fail:
    free(v);
    free(sorted);
    free(mask);
    return NULL;
}

/* Fleet-wide cost and emissions: sums over the sites that have the series (coverage says how
 * much of the fleet's energy that is). */
static void sum_site_costs(const gs_fleet *f, gs_sim_result *r)
{
    for (int c = -1; c < GS_NCLASS; c++) {
        gs_load_stats *dst = c < 0 ? &r->fleet : &r->fleet_class[c];
        double cost = 0, e_p = 0, tons = 0, e_c = 0, all = 0;
        int any_p = 0, any_c = 0;
        for (size_t s = 0; s < f->nsites; s++) {
            const gs_load_stats *src = c < 0 ? &r->site[s] : &r->site_class[s * GS_NCLASS + (size_t)c];
            all += src->energy_mwh;
            if (!isnan(src->energy_cost_usd)) {
                any_p = 1;
                cost += src->energy_cost_usd;
                if (src->energy_mwh > 0)
                    e_p += src->energy_mwh * src->price_coverage;
            }
            if (!isnan(src->co2_t)) {
                any_c = 1;
                tons += src->co2_t;
                if (src->energy_mwh > 0)
                    e_c += src->energy_mwh * src->carbon_coverage;
            }
        }
        dst->energy_cost_usd = any_p ? cost : NAN;
        dst->mean_price_usd_per_mwh = any_p && e_p > 0 ? cost / e_p : NAN;
        dst->price_coverage = any_p && all > 0 ? e_p / all : NAN;
        dst->co2_t = any_c ? tons : NAN;
        dst->carbon_coverage = any_c && all > 0 ? e_c / all : NAN;
    }
}

int gs__sim_stats(const gs_fleet *f, const gs_sim_tz *tz, gs_sim_result *r, gs_error *err)
{
    size_t n = r->nsteps;
    double *tot = malloc((n ? n : 1) * sizeof *tot);
    double *fc = calloc((n ? n : 1) * GS_NCLASS, sizeof *fc);
    unsigned char **masks = calloc(f->nzones ? f->nzones : 1, sizeof *masks);
    if (!tot || !fc || !masks) {
        free(tot);
        free(fc);
        free(masks);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t z = 0; z < f->nzones; z++)
        masks[z] = top_mask(f->zones[z].demand_mw, f->zones[z].demand_stamped_at_end, r->start_s,
                            r->step_s, n);
    for (size_t s = 0; s < f->nsites; s++) {
        const gs_tz *stz = tz ? &tz->site_tz[s] : NULL;
        const unsigned char *m = masks[f->sites[s].zone];
        const gs_zone *zn = &f->zones[f->sites[s].zone];
        for (int c = 0; c < GS_NCLASS; c++) {
            const double *cv = r->mw + (s * GS_NCLASS + (size_t)c) * n;
            gs__curve_stats(cv, n, r->start_s, r->step_s, stz, m, zn, &r->site_class[s * GS_NCLASS + c]);
            for (size_t i = 0; i < n; i++)
                fc[(size_t)c * n + i] += cv[i];
        }
        const double *a = r->mw + (s * GS_NCLASS) * n, *b = a + n;
        for (size_t i = 0; i < n; i++)
            tot[i] = a[i] + b[i];
        gs__curve_stats(tot, n, r->start_s, r->step_s, stz, m, zn, &r->site[s]);
    }
    for (int c = 0; c < GS_NCLASS; c++)
        gs__curve_stats(fc + (size_t)c * n, n, r->start_s, r->step_s, NULL, NULL, NULL,
                        &r->fleet_class[c]);
    for (size_t i = 0; i < n; i++)
        tot[i] = fc[i] + fc[n + i];
    gs__curve_stats(tot, n, r->start_s, r->step_s, NULL, NULL, NULL, &r->fleet);
    sum_site_costs(f, r);
    for (size_t z = 0; z < f->nzones; z++)
        free(masks[z]);
    free(masks);
    free(tot);
    free(fc);
    return GS_OK;
}
