/* rows.c: one class's row of the yearly cash-flow table at one site, on either contract
 * (gs__econ_class_row of src/econ/econ_internal.h): what the table (src/econ/cashflow.c), the
 * contract comparison (src/econ/contracts.c) and time to power (src/econ/power.c) all build
 * on, so that a revenue or energy rule is written once. Formulas: docs/underwrite.md. Pure. */
#include <math.h>
#include <string.h>

#include "gridsplit/econ.h"
#include "econ/econ_internal.h"

#define HOURS_PER_YEAR 8760.0

/* One class at one site, year y (0: construction), on an interruptible contract (intr: a
 * discounted price over the hours not curtailed, capacity by gs_econ_capacity_share,
 * flexibility revenue for training) or a firm one. */
void gs__econ_class_row(const gs_econ_site *s, const gs_econ_terms *t, int k, int y, int intr,
                        gs_econ_row *r)
{
    const gs_econ_unit *u = &s->cls[k];
    memset(r, 0, sizeof *r);
    r->year = y;
    if (!u->present)
        return;
    double grid_mw = u->it_mw * u->pue;
    double facility = u->it_mw * u->facility_capex_usd_per_mw;
    double fleet_gpu = u->gpus * u->gpu_capex_usd;
    if (y < t->years && y % u->refresh_years == 0)
        r->capex_gpu_usd = fleet_gpu;
    if (y == 0) {
        r->capex_facility_usd = facility;
        r->capex_interconnect_usd = grid_mw * s->interconnect_usd_per_mw;
    } else {
        /* interruptible: the contract's curtailed hours and, in a zone charged on its
         * coincident peaks, the hours paused for them (drawing the idle share, selling
         * nothing) */
        double off = intr ? gs_econ_off_hours(s, t, y) : 0;
        double pause = intr ? off - t->curtailed_hours_per_year : 0; /* what the year leaves */
        double hours = HOURS_PER_YEAR - off;
        double esc = pow(1.0 + t->cost_escalation, y - 1);
        int per_request = k == GS_INFERENCE && s->req.on;
        gs_econ_demand_year dy = gs_econ_demand_at(s, y);
        double util = per_request ? dy.utilisation : u->utilisation;
        r->price_usd_per_mwh = gs_econ_price(s, t, y) *
                               (intr ? 1.0 - t->interruptible_energy_discount : 1.0);
        r->energy_mwh = grid_mw * (util * hours + s->cp_paused_share[k] * pause);
        r->gpu_hours = u->gpus * util * hours;
        /* colocation with the energy passed through: the tenant pays it, the operator
         * neither pays nor bills it */
        r->energy_usd = u->colocation && u->colo_pass_through
                            ? 0
                            : r->energy_mwh * r->price_usd_per_mwh;
        r->capacity_usd = s->capacity_usd_per_mw_year * esc * grid_mw *
                          gs_econ_capacity_share(s, t, k, y, intr);
        r->maintenance_usd = t->maintenance_share * facility * esc;
        r->staff_usd = t->staff_usd_per_mw_year * u->it_mw * esc;
        r->insurance_usd = t->insurance_share * (facility + fleet_gpu);
        r->tax_usd = t->property_tax_share * facility;
        /* the GPU-hour price of a model moves by revenue_escalation a year; a refresh brings
         * new GPUs at the year-1 price again */
        if (u->colocation) /* leased kW x rent x 12 months, escalated with no reset; the
                              rent of the hours off credited back */
            r->revenue_usd = u->colo_leased_kw * u->colo_usd_per_kw_month * 12.0 *
                             pow(1.0 + t->colocation_escalation, y - 1) * hours / HOURS_PER_YEAR;
        else if (per_request) /* served requests x the price of a request */
            r->revenue_usd = dy.served_rps * 3600.0 * hours * dy.usd_per_request;
        else
            r->revenue_usd = r->gpu_hours * u->revenue_usd_per_gpu_hour *
                             pow(1.0 + t->revenue_escalation, (y - 1) % u->refresh_years);
        r->flex_usd = intr && k == GS_TRAINING ? gs_econ_flex(s, y) * grid_mw : 0;
    }
    r->net_usd = r->revenue_usd + r->flex_usd - r->capex_facility_usd - r->capex_gpu_usd -
                 r->capex_interconnect_usd - r->energy_usd - r->capacity_usd -
                 r->maintenance_usd - r->staff_usd - r->insurance_usd - r->tax_usd;
}
