/* tornado.c: the tornado of an underwriting (gs_econ_tornado_run of include/gridsplit/econ.h,
 * docs/underwrite.md "The tornado"): each input moved to the low and the high end of its range,
 * one at a time, every other input as given; the deal's NPV (and each site's) at both ends and
 * the swing between them, the bars sorted by swing. The ranges come from the caller (the
 * catalogue's tornado list, each with its source). Pure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/econ.h"

#define NK (GS_NCLASS + 1)

static const char *const LEVER_NAME[GS_NLEVERS] = {
    "discount_rate", "energy_price", "energy_escalation", "facility_capex", "gpu_price",
    "training_revenue", "inference_revenue", "revenue_escalation", "flex_revenue", "pue",
    "training_utilisation", "inference_utilisation", "capacity_charge", "curtailed_hours",
    "inference_demand", "colocation_rent", "colocation_escalation"};

const char *gs_econ_lever_name(gs_econ_lever l)
{
    return l >= 0 && l < GS_NLEVERS ? LEVER_NAME[l] : "?";
}

void gs_econ_tornado_free(gs_econ_tornado *t)
{
    if (!t)
        return;
    free(t->bars);
    free(t->site_npv_low_usd);
    free(t->site_npv_high_usd);
    free(t);
}

static double moved(double v, const gs_econ_move *m, int end)
{
    double d = end ? m->high : m->low;
    return m->kind == GS_MOVE_SCALE ? v * d : v + d;
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* A rate moved and kept in the engine's domain: a discount rate in (-1, 1), an escalation above
 * -1, held 0.01 inside the bound (or at the base value, if that is closer to the bound) so that
 * a valid deal's tornado never fails on its own move. */
static double rate_moved(double v, const gs_econ_move *m, int end, int upper)
{
    double r = moved(v, m, end);
    double lo = v < -0.99 ? v : -0.99, hi = v > 0.99 ? v : 0.99;
    return upper ? clamp(r, lo, hi) : r < lo ? lo : r;
}

void gs_econ_move_apply(const gs_econ_move *m, int end, gs_econ_site *sites, size_t nsites,
                        gs_econ_terms *t)
{
    switch (m->lever) {
    case GS_LEVER_DISCOUNT_RATE: t->discount_rate = rate_moved(t->discount_rate, m, end, 1); return;
    case GS_LEVER_ENERGY_ESCALATION:
        t->energy_escalation = rate_moved(t->energy_escalation, m, end, 0);
        return;
    case GS_LEVER_REVENUE_ESCALATION:
        t->revenue_escalation = rate_moved(t->revenue_escalation, m, end, 0);
        for (size_t s = 0; s < nsites; s++)
            if (sites[s].req.on)
                sites[s].req.price_escalation =
                    rate_moved(sites[s].req.price_escalation, m, end, 0);
        return;
    case GS_LEVER_COLOCATION_ESCALATION:
        t->colocation_escalation = rate_moved(t->colocation_escalation, m, end, 0);
        return;
    case GS_LEVER_CURTAILED_HOURS:
        t->curtailed_hours_per_year = clamp(moved(t->curtailed_hours_per_year, m, end), 0, 8760);
        return;
    default: break;
    }
    for (size_t s = 0; s < nsites; s++) {
        gs_econ_site *es = &sites[s];
        switch (m->lever) {
        case GS_LEVER_ENERGY_PRICE:
            for (size_t i = 0; i < es->nprice_years; i++)
                es->price_usd_per_mwh[i] = moved(es->price_usd_per_mwh[i], m, end);
            break;
        case GS_LEVER_FLEX_REVENUE:
            es->flex_usd_per_mw_year = moved(es->flex_usd_per_mw_year, m, end);
            for (size_t i = 0; es->flex_by_year && i < es->nprice_years; i++)
                es->flex_year_usd_per_mw_year[i] = moved(es->flex_year_usd_per_mw_year[i], m, end);
            break;
        case GS_LEVER_INFERENCE_DEMAND:
            for (size_t i = 0; es->req.on && i < es->req.nyears; i++) {
                es->req.peak_rps[i] = fmax(0, moved(es->req.peak_rps[i], m, end));
                es->req.mean_rps[i] = fmax(0, moved(es->req.mean_rps[i], m, end));
            }
            break;
        case GS_LEVER_CAPACITY_CHARGE:
            es->capacity_usd_per_mw_year = moved(es->capacity_usd_per_mw_year, m, end);
            break;
        default:
            for (int k = 0; k < GS_NCLASS; k++) {
                gs_econ_unit *u = &es->cls[k];
                if (!u->present)
                    continue;
                switch (m->lever) {
                case GS_LEVER_FACILITY_CAPEX:
                    u->facility_capex_usd_per_mw = moved(u->facility_capex_usd_per_mw, m, end);
                    break;
                case GS_LEVER_GPU_PRICE: u->gpu_capex_usd = moved(u->gpu_capex_usd, m, end); break;
                case GS_LEVER_PUE: u->pue = fmax(1.0, moved(u->pue, m, end)); break;
                case GS_LEVER_COLOCATION_RENT:
                    if (u->colocation)
                        u->colo_usd_per_kw_month = fmax(0, moved(u->colo_usd_per_kw_month, m, end));
                    break;
                case GS_LEVER_TRAINING_REVENUE:
                case GS_LEVER_INFERENCE_REVENUE:
                    if (k == (m->lever == GS_LEVER_TRAINING_REVENUE ? GS_TRAINING : GS_INFERENCE))
                        u->revenue_usd_per_gpu_hour = moved(u->revenue_usd_per_gpu_hour, m, end);
                    if (k == GS_INFERENCE && m->lever == GS_LEVER_INFERENCE_REVENUE && es->req.on)
                        es->req.usd_per_request = moved(es->req.usd_per_request, m, end);
                    break;
                case GS_LEVER_TRAINING_UTILISATION:
                case GS_LEVER_INFERENCE_UTILISATION:
                    if (k == (m->lever == GS_LEVER_TRAINING_UTILISATION ? GS_TRAINING
                                                                        : GS_INFERENCE))
                        u->utilisation = clamp(moved(u->utilisation, m, end), 1e-6, 1.0);
                    break;
                default: break;
                }
            }
            break;
        }
    }
}

static int cmp_bar(const void *a, const void *b)
{
    const gs_econ_bar *x = a, *y = b;
    if (x->swing_usd != y->swing_usd)
        return x->swing_usd < y->swing_usd ? 1 : -1;
    return (x->move > y->move) - (x->move < y->move);
}

int gs_econ_tornado_run(const gs_econ_site *sites, size_t nsites, const gs_econ_terms *t,
                        const gs_econ_move *moves, size_t nmoves, gs_econ_tornado **out,
                        gs_error *err)
{
    *out = NULL;
    for (size_t i = 0; i < nmoves; i++)
        if (moves[i].lever < 0 || moves[i].lever >= GS_NLEVERS ||
            (moves[i].kind != GS_MOVE_ADD && moves[i].kind != GS_MOVE_SCALE) ||
            !isfinite(moves[i].low) || !isfinite(moves[i].high))
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "tornado",
                                "expected moves with a known input, kind and finite ends, "
                                "found move %zu", i);
    gs_econ_result *base = NULL;
    int rc = gs_econ_underwrite(sites, nsites, t, &base, err);
    if (rc)
        return rc;
    gs_econ_tornado *tor = calloc(1, sizeof *tor);
    gs_econ_site *copy = calloc(nsites, sizeof *copy);
    if (tor) {
        tor->base_npv_usd = base->total_metrics.npv_usd;
        tor->nbars = nmoves;
        tor->nsites = nsites;
        tor->bars = calloc(nmoves ? nmoves : 1, sizeof *tor->bars);
        tor->site_npv_low_usd = calloc(nmoves * nsites + 1, sizeof(double));
        tor->site_npv_high_usd = calloc(nmoves * nsites + 1, sizeof(double));
    }
    gs_econ_result_free(base);
    if (!tor || !copy || !tor->bars || !tor->site_npv_low_usd || !tor->site_npv_high_usd) {
        gs_econ_tornado_free(tor);
        free(copy);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    double *lo_site = malloc((nmoves * nsites + 1) * sizeof *lo_site);
    double *hi_site = malloc((nmoves * nsites + 1) * sizeof *hi_site);
    if (!lo_site || !hi_site) {
        free(lo_site);
        free(hi_site);
        gs_econ_tornado_free(tor);
        free(copy);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t i = 0; i < nmoves && !rc; i++) {
        gs_econ_bar *b = &tor->bars[i];
        b->move = i;
        for (int end = 0; end < 2 && !rc; end++) {
            gs_econ_terms tt = *t;
            memcpy(copy, sites, nsites * sizeof *copy);
            gs_econ_move_apply(&moves[i], end, copy, nsites, &tt);
            gs_econ_result *r = NULL;
            if ((rc = gs_econ_underwrite(copy, nsites, &tt, &r, err)))
                break;
            (end ? &b->npv_high_usd : &b->npv_low_usd)[0] = r->total_metrics.npv_usd;
            for (size_t s = 0; s < nsites; s++)
                (end ? hi_site : lo_site)[i * nsites + s] = r->metrics[s * NK + GS_NCLASS].npv_usd;
            gs_econ_result_free(r);
        }
        b->swing_usd = fabs(b->npv_high_usd - b->npv_low_usd);
    }
    free(copy);
    if (rc) {
        free(lo_site);
        free(hi_site);
        gs_econ_tornado_free(tor);
        return rc;
    }
    qsort(tor->bars, nmoves, sizeof *tor->bars, cmp_bar);
    /* the per-site figures follow their bars into the sorted order */
    for (size_t i = 0; i < nmoves; i++)
        for (size_t s = 0; s < nsites; s++) {
            tor->site_npv_low_usd[i * nsites + s] = lo_site[tor->bars[i].move * nsites + s];
            tor->site_npv_high_usd[i * nsites + s] = hi_site[tor->bars[i].move * nsites + s];
        }
    free(lo_site);
    free(hi_site);
    *out = tor;
    return 0;
}
