/* spread.c: the spread of an underwriting over its price years (gs_econ_spread_run of
 * include/gridsplit/econ.h, docs/underwrite.md "The spread over price years"): the deal is
 * underwritten once per scenario, scenario i starting every site at its price year i (rotate:
 * the years then cycle, each used as often as the others; hold: that year for the whole
 * horizon), and P10 / P50 / P90 of NPV and cost per MWh are taken per site and class and for
 * the deal. Pure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/econ.h"

#define NK (GS_NCLASS + 1)

static const double PCT[3] = {0.10, 0.50, 0.90};

const char *gs_spread_mode_name(gs_spread_mode m)
{
    switch (m) {
    case GS_SPREAD_ROTATE: return "rotate";
    case GS_SPREAD_HOLD: return "hold";
    default: return "?";
    }
}

void gs_econ_spread_free(gs_econ_spread *s)
{
    if (!s)
        return;
    free(s->start);
    free(s->npv_usd);
    free(s->cost_usd_per_mwh);
    free(s->total_npv_usd);
    free(s->total_cost_usd_per_mwh);
    free(s->npv_pct);
    free(s->mwh_pct);
    free(s);
}

/* P10, P50, P90 of the finite values among v[i * stride] (i < n); NAN where none is. */
static void pcts(const double *v, size_t n, size_t stride, double *buf, double out[3])
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i * stride]))
            buf[m++] = v[i * stride];
    for (int p = 0; p < 3; p++)
        out[p] = gs_econ_percentile(buf, m, PCT[p]);
}

int gs_econ_spread_run(const gs_econ_site *sites, size_t nsites, const gs_econ_terms *t,
                       gs_spread_mode mode, gs_econ_spread **out, gs_error *err)
{
    *out = NULL;
    if (mode != GS_SPREAD_ROTATE && mode != GS_SPREAD_HOLD)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "price_spread",
                            "expected rotate or hold, found mode %d", (int)mode);
    size_t nscen = 0;
    for (size_t s = 0; s < nsites; s++)
        if (sites[s].nprice_years > nscen)
            nscen = sites[s].nprice_years;
    if (nsites == 0 || nscen == 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "sites",
                            "expected sites with price years, found none");
    gs_econ_spread *sp = calloc(1, sizeof *sp);
    gs_econ_site *copy = calloc(nsites, sizeof *copy);
    double *buf = malloc(nscen * sizeof *buf);
    if (sp) {
        sp->mode = mode;
        sp->nsites = nsites;
        sp->nscen = nscen;
        sp->start = calloc(nscen * nsites, sizeof *sp->start);
        sp->npv_usd = calloc(nscen * nsites * NK, sizeof *sp->npv_usd);
        sp->cost_usd_per_mwh = calloc(nscen * nsites * NK, sizeof *sp->cost_usd_per_mwh);
        sp->total_npv_usd = calloc(nscen, sizeof *sp->total_npv_usd);
        sp->total_cost_usd_per_mwh = calloc(nscen, sizeof *sp->total_cost_usd_per_mwh);
        sp->npv_pct = calloc(nsites * NK, sizeof *sp->npv_pct);
        sp->mwh_pct = calloc(nsites * NK, sizeof *sp->mwh_pct);
    }
    if (!sp || !copy || !buf || !sp->start || !sp->npv_usd || !sp->cost_usd_per_mwh ||
        !sp->total_npv_usd || !sp->total_cost_usd_per_mwh || !sp->npv_pct || !sp->mwh_pct) {
        gs_econ_spread_free(sp);
        free(copy);
        free(buf);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    memcpy(copy, sites, nsites * sizeof *copy);
    int rc = 0;
    for (size_t i = 0; i < nscen && !rc; i++) {
        for (size_t s = 0; s < nsites; s++) {
            size_t n = copy[s].nprice_years ? copy[s].nprice_years : 1;
            copy[s].price_start = i % n;
            copy[s].price_hold = mode == GS_SPREAD_HOLD;
            sp->start[i * nsites + s] = i % n;
        }
        gs_econ_result *r = NULL;
        if ((rc = gs_econ_underwrite(copy, nsites, t, &r, err)))
            break;
        for (size_t s = 0; s < nsites; s++)
            for (int k = 0; k < NK; k++) {
                size_t j = i * nsites * NK + s * NK + (size_t)k;
                int present = k == GS_NCLASS || sites[s].cls[k].present;
                const gs_econ_metrics *m = &r->metrics[s * NK + (size_t)k];
                sp->npv_usd[j] = present ? m->npv_usd : NAN;
                sp->cost_usd_per_mwh[j] = present ? m->cost_usd_per_mwh : NAN;
            }
        sp->total_npv_usd[i] = r->total_metrics.npv_usd;
        sp->total_cost_usd_per_mwh[i] = r->total_metrics.cost_usd_per_mwh;
        gs_econ_result_free(r);
    }
    if (!rc) {
        for (size_t j = 0; j < nsites * NK; j++) {
            pcts(sp->npv_usd + j, nscen, nsites * NK, buf, sp->npv_pct[j]);
            pcts(sp->cost_usd_per_mwh + j, nscen, nsites * NK, buf, sp->mwh_pct[j]);
        }
        pcts(sp->total_npv_usd, nscen, 1, buf, sp->total_npv_pct);
        pcts(sp->total_cost_usd_per_mwh, nscen, 1, buf, sp->total_mwh_pct);
    }
    free(copy);
    free(buf);
    if (rc) {
        gs_econ_spread_free(sp);
        return rc;
    }
    *out = sp;
    return 0;
}
