/* cashflow.c: the yearly cash-flow table of an underwriting (gs_econ_underwrite of
 * include/gridsplit/econ.h): per site and class, year 0 (construction) and years 1..N
 * (operation), site and deal totals, their metrics (NPV, IRR, payback, cost per MWh and per
 * GPU-hour) and each mixed site's contract comparison. Formulas: docs/underwrite.md. Pure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/econ.h"
#include "econ/econ_internal.h"

#define HOURS_PER_YEAR 8760.0
#define NK (GS_NCLASS + 1)

const gs_econ_row *gs_econ_row_at(const gs_econ_result *r, size_t s, int k, int y)
{
    return &r->rows[(s * NK + (size_t)k) * (size_t)(r->years + 1) + (size_t)y];
}

static gs_econ_row *row_at(gs_econ_result *r, size_t s, int k, int y)
{
    return &r->rows[(s * NK + (size_t)k) * (size_t)(r->years + 1) + (size_t)y];
}

void gs_econ_result_free(gs_econ_result *r)
{
    if (!r)
        return;
    free(r->rows);
    free(r->total);
    free(r->metrics);
    free(r->contracts);
    free(r);
}

static int bad(gs_error *err, const char *field, const char *what, double v)
{
    return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field, "expected %s, found %g", what, v);
}

#define CHECK(cond, field, what, v)                                                               \
    do {                                                                                          \
        if (!(isfinite(v) && (cond)))                                                             \
            return bad(err, field, what, v);                                                      \
    } while (0)

static int check_terms(const gs_econ_terms *t, gs_error *err)
{
    if (t->years < GS_ECON_YEARS_MIN || t->years > GS_ECON_YEARS_MAX)
        return bad(err, "horizon_years", "a horizon of 10 to 25 years", t->years);
    CHECK(t->discount_rate > -1 && t->discount_rate < 1, "discount_rate", "a rate in (-1, 1)",
          t->discount_rate);
    CHECK(t->energy_escalation > -1, "energy_escalation", "a rate above -1", t->energy_escalation);
    CHECK(t->revenue_escalation > -1, "revenue_escalation", "a rate above -1",
          t->revenue_escalation);
    CHECK(t->cost_escalation > -1, "cost_escalation", "a rate above -1", t->cost_escalation);
    CHECK(t->colocation_escalation > -1, "colocation_escalation", "a rate above -1",
          t->colocation_escalation);
    CHECK(t->maintenance_share >= 0, "maintenance_share", "a share >= 0", t->maintenance_share);
    CHECK(t->insurance_share >= 0, "insurance_share", "a share >= 0", t->insurance_share);
    CHECK(t->property_tax_share >= 0, "property_tax_share", "a share >= 0", t->property_tax_share);
    CHECK(t->staff_usd_per_mw_year >= 0, "staff_usd_per_mw_year", "a cost >= 0",
          t->staff_usd_per_mw_year);
    CHECK(t->interruptible_energy_discount >= 0 && t->interruptible_energy_discount <= 1,
          "interruptible_energy_discount", "a share in [0, 1]", t->interruptible_energy_discount);
    CHECK(t->interruptible_capacity_relief >= 0 && t->interruptible_capacity_relief <= 1,
          "interruptible_capacity_relief", "a share in [0, 1]", t->interruptible_capacity_relief);
    CHECK(t->curtailed_hours_per_year >= 0 && t->curtailed_hours_per_year <= HOURS_PER_YEAR,
          "curtailed_hours_per_year", "hours in [0, 8760]", t->curtailed_hours_per_year);
    CHECK(t->inference_sla_penalty >= 0, "inference_sla_penalty", "a multiplier >= 0",
          t->inference_sla_penalty);
    CHECK(t->mustrun_redundancy_usd_per_mw >= 0, "mustrun_redundancy_usd_per_mw", "a cost >= 0",
          t->mustrun_redundancy_usd_per_mw);
    return 0;
}

/* Revenue per request: a price, a capacity, a trajectory and a shape the demand's mean and
 * peak can take (every hour of every listed year >= 0). */
static int check_requests(const gs_econ_site *s, gs_error *err)
{
    const gs_econ_requests *q = &s->req;
    if (!s->cls[GS_INFERENCE].present)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, s->id,
                            "expected inference load for revenue per request, found none");
    CHECK(q->usd_per_request >= 0, "usd_per_request", "a price >= 0", q->usd_per_request);
    CHECK(q->price_escalation > -1, "request_price_escalation", "a rate above -1",
          q->price_escalation);
    CHECK(q->capacity_rps > 0, "capacity_rps", "requests/s > 0", q->capacity_rps);
    CHECK(q->growth > -1, "demand.growth", "a rate above -1", q->growth);
    if (q->nyears < 1 || q->nyears > GS_ECON_DEMAND_YEARS_MAX)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "demand",
                            "expected 1 to %d years of demand, found %zu",
                            GS_ECON_DEMAND_YEARS_MAX, q->nyears);
    double lo = INFINITY, hi = -INFINITY;
    for (int h = 0; h < GS_ECON_SHAPE_HOURS; h++) {
        CHECK(q->shape[h] >= 0 && q->shape[h] <= 1 + 1e-9, "demand shape", "shares in [0, 1]",
              q->shape[h]);
        lo = fmin(lo, q->shape[h]);
        hi = fmax(hi, q->shape[h]);
    }
    if (!(fabs(hi - 1) <= 1e-9))
        return bad(err, "demand shape", "a shape whose largest hour is 1", hi);
    double m = gs_econ_shape_mean(q->shape);
    for (size_t i = 0; i < q->nyears; i++) {
        double p = q->peak_rps[i], a = q->mean_rps[i];
        CHECK(p >= 0, "demand.peak_requests_per_s", "requests/s >= 0", p);
        CHECK(a >= 0 && a <= p * (1 + 1e-12), "demand.mean_requests_per_s",
              "requests/s in [0, peak]", a);
        /* the lowest hour, mean + (peak - mean)(lo - m)/(1 - m), must not go below 0; a flat
         * shape takes no peak above the mean */
        double floor_mean = 1 - m > 1e-12 ? p * (m - lo) / (1 - lo) : p;
        if (a < floor_mean * (1 - 1e-9))
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "demand.mean_requests_per_s",
                                "expected a mean of at least %.6g requests/s for a peak of "
                                "%.6g (the demand's shape reaches down to %.4g of its peak), "
                                "found %.6g (year %zu)", floor_mean, p, lo, a, i + 1);
    }
    return 0;
}

static int check_site(const gs_econ_site *s, gs_error *err)
{
    if (s->nprice_years < 1 || s->nprice_years > GS_ECON_PRICE_YEARS_MAX)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, s->id,
                            "expected 1 to %d price years, found %zu", GS_ECON_PRICE_YEARS_MAX,
                            s->nprice_years);
    for (size_t i = 0; i < s->nprice_years; i++)
        CHECK(1, "price_usd_per_mwh", "a finite price", s->price_usd_per_mwh[i]);
    CHECK(s->capacity_usd_per_mw_year >= 0, "capacity_usd_per_mw_year", "a cost >= 0",
          s->capacity_usd_per_mw_year);
    CHECK(s->interconnect_usd_per_mw >= 0, "interconnect_usd_per_mw", "a cost >= 0",
          s->interconnect_usd_per_mw);
    CHECK(s->flex_usd_per_mw_year >= 0, "flex_usd_per_mw_year", "revenue >= 0",
          s->flex_usd_per_mw_year);
    if (s->flex_by_year) /* the flex engine's net: revenue less the cost of its curtailments */
        for (size_t i = 0; i < s->nprice_years; i++)
            CHECK(1, "flex_year_usd_per_mw_year", "a finite figure",
                  s->flex_year_usd_per_mw_year[i]);
    if (s->req.on) {
        int rc = check_requests(s, err);
        if (rc)
            return rc;
    }
    CHECK(s->years_saved >= 0 && s->years_saved <= GS_ECON_YEARS_MAX, "years_saved",
          "years in [0, 25]", s->years_saved);
    if (s->headroom_known)
        CHECK(s->headroom_mw >= 0, "headroom_mw", "MW >= 0", s->headroom_mw);
    if (s->cp_basis)
        for (int k = 0; k < GS_NCLASS; k++) {
            CHECK(s->cp_paused_share[k] >= 0 && s->cp_paused_share[k] <= 2, "cp_paused_share",
                  "a share of grid draw in [0, 2]", s->cp_paused_share[k]);
            for (size_t i = 0; i < s->nprice_years; i++)
                CHECK(s->cp_firm_share[k][i] >= 0 && s->cp_firm_share[k][i] <= 10,
                      "cp_firm_share", "a ratio of draw in the peaks to mean draw in [0, 10]",
                      s->cp_firm_share[k][i]);
        }
    if (s->cp_basis) /* with the curtailed hours, at most the year (gs_econ_off_hours) */
        for (size_t i = 0; i < s->nprice_years; i++)
            CHECK(s->cp_pause_hours[i] >= 0 && s->cp_pause_hours[i] <= HOURS_PER_YEAR,
                  "cp_pause_hours", "hours in [0, 8760]", s->cp_pause_hours[i]);
    int any = 0;
    for (int k = 0; k < GS_NCLASS; k++) {
        const gs_econ_unit *u = &s->cls[k];
        if (!u->present)
            continue;
        any = 1;
        CHECK(u->it_mw > 0, "it_mw", "MW > 0", u->it_mw);
        CHECK(u->pue >= 1, "pue", "a PUE >= 1", u->pue);
        CHECK(u->gpus >= 0, "gpus", "a GPU count >= 0", u->gpus);
        if (!(k == GS_INFERENCE && s->req.on)) /* per request: served / capacity */
            CHECK(u->utilisation > 0 && u->utilisation <= 1, "utilisation", "a share in (0, 1]",
                  u->utilisation);
        CHECK(u->facility_capex_usd_per_mw >= 0, "facility_capex_usd_per_mw", "a cost >= 0",
              u->facility_capex_usd_per_mw);
        CHECK(u->gpu_capex_usd >= 0, "gpu_capex_usd", "a price >= 0", u->gpu_capex_usd);
        if (u->refresh_years < 1)
            return bad(err, "refresh_years", "a refresh cycle of at least 1 year",
                       u->refresh_years);
        CHECK(u->revenue_usd_per_gpu_hour >= 0, "revenue_usd_per_gpu_hour", "revenue >= 0",
              u->revenue_usd_per_gpu_hour);
        if (u->colocation) {
            if (k == GS_INFERENCE && s->req.on)
                return gs_error_set(err, GS_EINPUT, NULL, 0, 0, s->id,
                                    "expected one revenue rule for inference, found colocation "
                                    "and revenue per request");
            CHECK(u->colo_usd_per_kw_month >= 0, "colocation_usd_per_kw_month",
                  "a rent >= 0 USD per kW-month", u->colo_usd_per_kw_month);
            CHECK(u->colo_leased_kw >= 0, "colocation_leased_kw", "kW >= 0", u->colo_leased_kw);
        }
    }
    if (!any)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, s->id,
                            "expected a site with training or inference load, found none");
    return 0;
}

int gs__econ_check(const gs_econ_site *sites, size_t nsites, const gs_econ_terms *t,
                   gs_error *err)
{
    int rc = check_terms(t, err);
    if (rc)
        return rc;
    if (nsites == 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "sites",
                            "expected at least one site, found none");
    for (size_t s = 0; s < nsites; s++)
        if ((rc = check_site(&sites[s], err)))
            return rc;
    return 0;
}

void gs__econ_add_row(gs_econ_row *a, const gs_econ_row *b)
{
    a->energy_mwh += b->energy_mwh;
    a->gpu_hours += b->gpu_hours;
    a->capex_facility_usd += b->capex_facility_usd;
    a->capex_gpu_usd += b->capex_gpu_usd;
    a->capex_interconnect_usd += b->capex_interconnect_usd;
    a->energy_usd += b->energy_usd;
    a->capacity_usd += b->capacity_usd;
    a->maintenance_usd += b->maintenance_usd;
    a->staff_usd += b->staff_usd;
    a->insurance_usd += b->insurance_usd;
    a->tax_usd += b->tax_usd;
    a->revenue_usd += b->revenue_usd;
    a->flex_usd += b->flex_usd;
    a->net_usd += b->net_usd;
    /* the price of a total: energy-weighted */
    a->price_usd_per_mwh = a->energy_mwh > 0 ? (a->energy_usd) / a->energy_mwh : 0;
}

static double row_cost(const gs_econ_row *r)
{
    return r->capex_facility_usd + r->capex_gpu_usd + r->capex_interconnect_usd + r->energy_usd +
           r->capacity_usd + r->maintenance_usd + r->staff_usd + r->insurance_usd + r->tax_usd;
}

static void metrics(const gs_econ_row *rows, int years, double rate, double *cf,
                    gs_econ_metrics *m)
{
    size_t n = (size_t)years + 1;
    double pv_mwh = 0, pv_gpuh = 0, d = 1;
    memset(m, 0, sizeof *m);
    for (size_t y = 0; y < n; y++) {
        cf[y] = rows[y].net_usd;
        m->pv_cost_usd += row_cost(&rows[y]) / d;
        m->pv_revenue_usd += (rows[y].revenue_usd + rows[y].flex_usd) / d;
        pv_mwh += rows[y].energy_mwh / d;
        pv_gpuh += rows[y].gpu_hours / d;
        d *= 1.0 + rate;
    }
    m->npv_usd = gs_econ_npv(cf, n, rate);
    m->irr = gs_econ_irr(cf, n);
    m->payback_reached = gs_econ_payback(cf, n, &m->payback_years);
    m->cost_usd_per_mwh = pv_mwh > 0 ? m->pv_cost_usd / pv_mwh : NAN;
    m->cost_usd_per_gpu_hour = pv_gpuh > 0 ? m->pv_cost_usd / pv_gpuh : NAN;
}

int gs_econ_underwrite(const gs_econ_site *sites, size_t nsites, const gs_econ_terms *t,
                       gs_econ_result **out, gs_error *err)
{
    *out = NULL;
    int rc = gs__econ_check(sites, nsites, t, err);
    if (rc)
        return rc;
    size_t n = (size_t)t->years + 1;
    gs_econ_result *r = calloc(1, sizeof *r);
    double *cf = malloc(n * sizeof *cf);
    if (r) {
        r->nsites = nsites;
        r->years = t->years;
        r->rows = calloc(nsites * NK * n, sizeof *r->rows);
        r->total = calloc(n, sizeof *r->total);
        r->metrics = calloc(nsites * NK, sizeof *r->metrics);
        r->contracts = calloc(nsites, sizeof *r->contracts);
    }
    if (!r || !cf || !r->rows || !r->total || !r->metrics || !r->contracts) {
        free(cf);
        gs_econ_result_free(r);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t y = 0; y < n; y++)
        r->total[y].year = (int)y;
    for (size_t s = 0; s < nsites; s++) {
        for (int y = 0; y < (int)n; y++) {
            gs_econ_row *tot = row_at(r, s, GS_NCLASS, y);
            tot->year = y;
            for (int k = 0; k < GS_NCLASS; k++) {
                gs_econ_row *cr = row_at(r, s, k, y);
                gs__econ_class_row(&sites[s], t, k, y, k == GS_TRAINING, cr);
                gs__econ_add_row(tot, cr);
            }
            gs__econ_add_row(&r->total[y], tot);
        }
        for (int k = 0; k < NK; k++)
            if (k == GS_NCLASS || sites[s].cls[k].present)
                metrics(row_at(r, s, k, 0), t->years, t->discount_rate, cf,
                        &r->metrics[s * NK + (size_t)k]);
        r->contracts[s] = gs_econ_compare_contracts(&sites[s], t);
    }
    metrics(r->total, t->years, t->discount_rate, cf, &r->total_metrics);
    free(cf);
    *out = r;
    return 0;
}
