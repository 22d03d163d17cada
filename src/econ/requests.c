/* requests.c: inference revenue per served request with a demand trajectory (gs_econ_demand_at
 * of include/gridsplit/econ.h, docs/underwrite.md "Inference revenue per request"), and the
 * flexibility revenue of a year (gs_econ_flex), and the capacity share of a class in a year
 * (gs_econ_capacity_share: in a 4CP zone it scales with the utilisation). A site's demand in
 * year y has a peak and a mean
 * (the listed years, then grown at the trajectory's rate); over the hours of a week it takes
 * the form of the shape, mapped so that its largest hour is the peak and its mean the mean:
 * demand(h) = mean + (peak - mean) x (shape[h] - m) / (1 - m), m the shape's mean. Each hour
 * serves min(capacity, demand(h)); the year's served requests/s is the mean of those, its
 * utilisation served / capacity. Pure. */
#include <math.h>
#include <string.h>

#include "gridsplit/econ.h"

double gs_econ_flex(const gs_econ_site *s, int y)
{
    if (!s->flex_by_year)
        return s->flex_usd_per_mw_year;
    return s->flex_year_usd_per_mw_year[gs_econ_price_index(s, y)];
}

double gs_econ_shape_mean(const double *shape)
{
    double sum = 0;
    for (int h = 0; h < GS_ECON_SHAPE_HOURS; h++)
        sum += shape[h];
    return sum / GS_ECON_SHAPE_HOURS;
}

gs_econ_demand_year gs_econ_demand_at(const gs_econ_site *s, int y)
{
    gs_econ_demand_year d;
    memset(&d, 0, sizeof d);
    const gs_econ_requests *q = &s->req;
    if (!q->on || q->nyears < 1 || y < 1)
        return d;
    size_t n = q->nyears > GS_ECON_DEMAND_YEARS_MAX ? GS_ECON_DEMAND_YEARS_MAX : q->nyears;
    size_t i = (size_t)y <= n ? (size_t)y - 1 : n - 1;
    double grow = (size_t)y > n ? pow(1.0 + q->growth, (double)((size_t)y - n)) : 1.0;
    d.peak_rps = q->peak_rps[i] * grow;
    d.mean_rps = q->mean_rps[i] * grow;
    d.usd_per_request = q->usd_per_request * pow(1.0 + q->price_escalation, y - 1);
    double m = gs_econ_shape_mean(q->shape), served = 0;
    for (int h = 0; h < GS_ECON_SHAPE_HOURS; h++) {
        double dh = 1.0 - m > 1e-12
                        ? d.mean_rps + (d.peak_rps - d.mean_rps) * (q->shape[h] - m) / (1.0 - m)
                        : d.mean_rps;
        if (dh < 0)
            dh = 0;
        served += dh < q->capacity_rps ? dh : q->capacity_rps;
    }
    d.served_rps = served / GS_ECON_SHAPE_HOURS;
    d.unserved_share = d.mean_rps > 0 ? 1.0 - d.served_rps / d.mean_rps : 0;
    if (d.unserved_share < 0)
        d.unserved_share = 0;
    d.utilisation = q->capacity_rps > 0 ? d.served_rps / q->capacity_rps : 0;
    return d;
}

/* The capacity share (econ.h) lives here, beside the year's utilisation it scales with. */
double gs_econ_capacity_share(const gs_econ_site *s, const gs_econ_terms *t, int k, int y,
                              int interruptible)
{
    if (k < 0 || k >= GS_NCLASS)
        return NAN;
    if (!s->cp_basis)
        return interruptible ? 1.0 - t->interruptible_capacity_relief : 1.0;
    if (interruptible)
        return s->cp_paused_share[k];
    /* firm: the class's draw in the peaks per unit of the utilisation its energy is counted
     * at (the year's served / capacity when inference earns per request), so that a class
     * running harder draws more in the peaks; never more than its grid draw */
    const gs_econ_unit *u = &s->cls[k];
    double util = k == GS_INFERENCE && s->req.on ? gs_econ_demand_at(s, y).utilisation
                                                 : u->utilisation;
    double share = s->cp_firm_share[k][gs_econ_price_index(s, y)] * util;
    return share < 1.0 ? share : 1.0;
}
