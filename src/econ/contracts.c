/* contracts.c: the contract comparison of a site that holds both classes
 * (include/gridsplit/econ.h, docs/underwrite.md): one firm contract for all load; two contracts
 * under one roof (training interruptible, inference firm); and the two mistakes (a
 * training-style interruptible offer on the inference racks; the training racks framed as
 * must-run, with firm supply and redundancy built for it). Each is the present value of what
 * differs between them: energy, capacity charges (per MW of peak draw, with a relief when
 * interruptible, or per MW drawn in the coincident peaks: gs_econ_capacity_share), revenue lost
 * to curtailment (per GPU-hour, or the requests served in the curtailed hours), flexibility
 * revenue (gs_econ_flex: the deal's figure or the flex engine's of the year's price year) and
 * redundancy capex. Pure. */
#include <math.h>
#include <string.h>

#include "gridsplit/econ.h"

#define HOURS_PER_YEAR 8760.0

const char *gs_contract_name(gs_contract c)
{
    switch (c) {
    case GS_CONTRACT_FIRM_ALL: return "firm_all";
    case GS_CONTRACT_SPLIT: return "split";
    case GS_CONTRACT_ALL_INTERRUPTIBLE: return "all_interruptible";
    case GS_CONTRACT_MUSTRUN_TRAINING: return "mustrun_training";
    default: return "?";
    }
}

/* The yearly contract-dependent cost of one class: energy + capacity + lost revenue - flex. */
static double class_cost(const gs_econ_site *s, const gs_econ_terms *t, int k, int y,
                         int interruptible)
{
    const gs_econ_unit *u = &s->cls[k];
    if (!u->present)
        return 0;
    double grid_mw = u->it_mw * u->pue;
    double price = gs_econ_price(s, t, y);
    double cap = s->capacity_usd_per_mw_year * pow(1.0 + t->cost_escalation, y - 1);
    int refresh = u->refresh_years > 0 ? u->refresh_years : 1;
    double rev = u->revenue_usd_per_gpu_hour *
                 pow(1.0 + t->revenue_escalation, (y - 1) % refresh);
    int per_request = k == GS_INFERENCE && s->req.on;
    gs_econ_demand_year dy = gs_econ_demand_at(s, y);
    double util = per_request ? dy.utilisation : u->utilisation;
    if (!interruptible)
        return price * grid_mw * util * HOURS_PER_YEAR +
               cap * grid_mw * gs_econ_capacity_share(s, t, k, y, 0);
    double h = t->curtailed_hours_per_year;
    double energy = price * (1.0 - t->interruptible_energy_discount) * grid_mw * util *
                    (HOURS_PER_YEAR - h);
    /* per request: the requests served in the curtailed hours, at the year's price */
    double lost = per_request ? dy.served_rps * 3600.0 * h * dy.usd_per_request
                              : u->gpus * util * h * rev;
    if (k == GS_INFERENCE)
        lost *= t->inference_sla_penalty;
    double flex = k == GS_TRAINING ? gs_econ_flex(s, y) * grid_mw : 0;
    return energy + cap * grid_mw * gs_econ_capacity_share(s, t, k, y, 1) + lost - flex;
}

gs_econ_contracts gs_econ_compare_contracts(const gs_econ_site *s, const gs_econ_terms *t)
{
    gs_econ_contracts c;
    memset(&c, 0, sizeof c);
    if (!s->cls[GS_TRAINING].present || !s->cls[GS_INFERENCE].present)
        return c;
    c.present = 1;
    /* interruptible? [contract][class] */
    static const int intr[GS_NCONTRACT][GS_NCLASS] = {{0, 0}, {1, 0}, {1, 1}, {0, 0}};
    for (int k = 0; k < GS_NCONTRACT; k++) {
        double pv = 0, d = 1;
        for (int y = 1; y <= t->years; y++) {
            d *= 1.0 + t->discount_rate;
            pv += (class_cost(s, t, GS_TRAINING, y, intr[k][0]) +
                   class_cost(s, t, GS_INFERENCE, y, intr[k][1])) / d;
        }
        if (k == GS_CONTRACT_MUSTRUN_TRAINING) /* year 0: redundancy for must-run training */
            pv += t->mustrun_redundancy_usd_per_mw * s->cls[GS_TRAINING].it_mw *
                  s->cls[GS_TRAINING].pue;
        c.pv_cost_usd[k] = pv;
    }
    for (int k = 0; k < GS_NCONTRACT; k++)
        c.saving_vs_firm_usd[k] = c.pv_cost_usd[GS_CONTRACT_FIRM_ALL] - c.pv_cost_usd[k];
    return c;
}
