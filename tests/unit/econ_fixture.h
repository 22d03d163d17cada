/* econ_fixture.h: what the econ and underwriting unit tests share: the terms of a 10-year deal
 * (8 % discount rate, 2 % escalation of energy and costs, -5 % a year of revenue, +3 % of rent, the
 * catalogue's shares and charges) and the two classes of a campus (40 MW of training on 32,768
 * GPUs at 85 %, 20 MW of inference on 16,384 at 60 %, PUE 1.2, 11.7 M USD per MW, 30,000 USD a
 * GPU refreshed every 5 years, 2 USD per GPU-hour) before each test sets its prices. */
#ifndef GS_TEST_ECON_FIXTURE_H
#define GS_TEST_ECON_FIXTURE_H

#include "gridsplit/econ.h"

static inline gs_econ_terms terms(void)
{
    gs_econ_terms t = {
        .years = 10, .discount_rate = 0.08, .energy_escalation = 0.02,
        .revenue_escalation = -0.05, .cost_escalation = 0.02, .maintenance_share = 0.02,
        .insurance_share = 0.005, .property_tax_share = 0.01, .staff_usd_per_mw_year = 60000,
        .interruptible_energy_discount = 0.15, .interruptible_capacity_relief = 0.8,
        .curtailed_hours_per_year = 43.8, .inference_sla_penalty = 10,
        .mustrun_redundancy_usd_per_mw = 1.5e6, .colocation_escalation = 0.03};
    return t;
}

static inline void campus_classes(gs_econ_site *s)
{
    for (int k = 0; k < GS_NCLASS; k++) {
        gs_econ_unit *u = &s->cls[k];
        u->present = 1;
        u->it_mw = k == GS_TRAINING ? 40 : 20;
        u->pue = 1.2;
        u->gpus = k == GS_TRAINING ? 32768 : 16384;
        u->utilisation = k == GS_TRAINING ? 0.85 : 0.6;
        u->facility_capex_usd_per_mw = 11.7e6;
        u->gpu_capex_usd = 30000;
        u->refresh_years = 5;
        u->revenue_usd_per_gpu_hour = 2.0;
    }
}

#endif
