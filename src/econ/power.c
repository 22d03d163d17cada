/* power.c: time to power (gs_econ_time_to_power of include/gridsplit/econ.h, docs/underwrite.md
 * "Time to power"): a curtailable connection (the split contract: training interruptible,
 * inference firm) can come years_saved earlier where the grid has headroom for flexible load.
 * Per site, the NPV of the site as underwritten, starting now, against the same site on a firm
 * contract (no discount, relief, curtailment or flexibility revenue) starting years_saved later,
 * whose flows are the firm flows shifted: NPV / (1 + r)^years_saved. The difference splits into
 * the contract (curtailable - firm, both now) and the earlier start (firm now - firm later).
 * Whether the site's flexible draw fits the zone's headroom is reported beside it. Pure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/econ.h"
#include "econ/econ_internal.h"

/* NPV of site s with training on the interruptible contract (intr_training) or firm; inference
 * always firm. cf: years + 1 doubles of scratch. */
static double site_npv(const gs_econ_site *s, const gs_econ_terms *t, int intr_training,
                       double *cf)
{
    for (int y = 0; y <= t->years; y++) {
        cf[y] = 0;
        for (int k = 0; k < GS_NCLASS; k++) {
            gs_econ_row r;
            gs__econ_class_row(s, t, k, y, k == GS_TRAINING && intr_training, &r);
            cf[y] += r.net_usd;
        }
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
        p->npv_curtailable_usd = site_npv(s, t, 1, cf);
        p->npv_firm_usd = site_npv(s, t, 0, cf);
        p->npv_firm_delayed_usd =
            p->npv_firm_usd / pow(1.0 + t->discount_rate, p->present ? s->years_saved : 0);
        p->value_usd = p->npv_curtailable_usd - p->npv_firm_delayed_usd;
        p->contract_usd = p->npv_curtailable_usd - p->npv_firm_usd;
        p->timing_usd = p->npv_firm_usd - p->npv_firm_delayed_usd;
    }
    free(cf);
    return 0;
}
