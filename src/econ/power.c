/* power.c: time to power (gs_econ_time_to_power of include/gridsplit/econ.h, docs/underwrite.md
 * "Time to power"): a curtailable connection (the split contract: training interruptible,
 * inference firm) can come years_saved earlier where the grid has headroom for flexible load.
 * Only the load that can use a curtailable connection comes earlier: training. An inference
 * hall stays firm, so it waits for its firm connection either way and its flows cancel out of
 * the comparison. Per site, the NPV of the training class as underwritten (interruptible),
 * starting now, against the same class on a firm contract (no discount, relief, curtailment or
 * flexibility revenue) starting years_saved later, whose flows are the firm flows shifted:
 * NPV / (1 + r)^years_saved. The difference splits into the contract (curtailable - firm, both
 * now) and the earlier start (firm now - firm later).
 * Whether the site's flexible draw fits the zone's headroom is reported beside it. Pure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/econ.h"
#include "econ/econ_internal.h"

/* NPV of site s's training class on the interruptible contract (intr) or firm. cf: years + 1
 * doubles of scratch. */
static double training_npv(const gs_econ_site *s, const gs_econ_terms *t, int intr, double *cf)
{
    for (int y = 0; y <= t->years; y++) {
        gs_econ_row r;
        gs__econ_class_row(s, t, GS_TRAINING, y, intr, &r);
        cf[y] = r.net_usd;
    }
    return gs_econ_npv(cf, (size_t)t->years + 1, t->discount_rate);
}

int gs_econ_time_to_power(const gs_econ_site *sites, size_t nsites, const gs_econ_terms *t,
                          gs_econ_power *out, gs_error *err)
{
    int rc = gs__econ_check(sites, nsites, t, err);
    if (rc)
        return rc;
    double *cf = malloc(((size_t)t->years + 1) * sizeof *cf);
    if (!cf)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (size_t i = 0; i < nsites; i++) {
        const gs_econ_site *s = &sites[i];
        gs_econ_power *p = &out[i];
        memset(p, 0, sizeof *p);
        const gs_econ_unit *u = &s->cls[GS_TRAINING];
        p->years_saved = s->years_saved;
        p->flexible_mw = u->present ? u->it_mw * u->pue : 0;
        p->headroom_known = s->headroom_known;
        p->headroom_mw = s->headroom_known ? s->headroom_mw : NAN;
        p->fits = s->headroom_known && p->flexible_mw <= s->headroom_mw;
        p->present = u->present && s->years_saved > 0;
        p->npv_curtailable_usd = u->present ? training_npv(s, t, 1, cf) : 0;
        p->npv_firm_usd = u->present ? training_npv(s, t, 0, cf) : 0;
        p->npv_firm_delayed_usd =
            p->npv_firm_usd / pow(1.0 + t->discount_rate, p->present ? s->years_saved : 0);
        p->value_usd = p->npv_curtailable_usd - p->npv_firm_delayed_usd;
        p->contract_usd = p->npv_curtailable_usd - p->npv_firm_usd;
        p->timing_usd = p->npv_firm_usd - p->npv_firm_delayed_usd;
    }
    free(cf);
    return 0;
}
