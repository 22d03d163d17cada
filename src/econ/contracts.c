/* contracts.c: the contract comparison of a site that holds both classes
 * (include/gridsplit/econ.h, docs/underwrite.md): one firm contract for all load; two contracts
 * under one roof (training interruptible, inference firm); and the two mistakes (a
 * training-style interruptible offer on the inference racks; the training racks framed as
 * must-run, with firm supply and redundancy built for it). Each is the present value of what
 * differs between them, from the class's own rows of the cash flow on each contract
 * (gs__econ_class_row): energy (none where a tenant pays its own), capacity charges (per MW of
 * peak draw, with a relief when interruptible, or per MW drawn in the coincident peaks:
 * gs_econ_capacity_share), the revenue lost to the hours curtailed or paused for the peaks (per
 * GPU-hour, the requests served in them, or a lease's rent credited for them), flexibility
 * revenue (gs_econ_flex: the deal's figure or the flex engine's of the year's price year) and
 * redundancy capex. Pure. */
#include <string.h>

#include "gridsplit/econ.h"
#include "econ/econ_internal.h"

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

/* The yearly contract-dependent cost of one class: the rows of the cash flow (src/econ/
 * cashflow.c) on that contract, so that every revenue rule (per GPU-hour, per request, a
 * lease) and every energy rule (a tenant paying its own) counts the same here:
 * energy + capacity - flex + what the contract loses against a firm one (the revenue of the
 * hours curtailed or paused; x inference_sla_penalty for inference). */
double gs_econ_contract_cost(const gs_econ_site *s, const gs_econ_terms *t, int k, int y,
                             int interruptible)
{
    if (k < 0 || k >= GS_NCLASS || !s->cls[k].present || y < 1)
        return 0;
    gs_econ_row firm, r;
    gs__econ_class_row(s, t, k, y, 0, &firm);
    if (!interruptible)
        return firm.energy_usd + firm.capacity_usd;
    gs__econ_class_row(s, t, k, y, 1, &r);
    double lost = firm.revenue_usd - r.revenue_usd;
    if (k == GS_INFERENCE)
        lost *= t->inference_sla_penalty;
    return r.energy_usd + r.capacity_usd + lost - r.flex_usd;
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
            pv += (gs_econ_contract_cost(s, t, GS_TRAINING, y, intr[k][0]) +
                   gs_econ_contract_cost(s, t, GS_INFERENCE, y, intr[k][1])) / d;
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
