/* gridsplit simulation: the power of every site, split by load class, over a period at a fixed
 * step, and its summary statistics. A pure engine: gs_simulate() reads no file and no clock;
 * the caller loads the fleet, its series and the time zones first (gs_sim_prepare). Memory is
 * sites x classes x steps, never clusters x steps. Inference demand is routed to sites by
 * src/net/route.c at every step (docs/route.md). */
#ifndef GRIDSPLIT_SIM_H
#define GRIDSPLIT_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/fleet.h"
#include "gridsplit/load.h"
#include "gridsplit/route.h"
#include "gridsplit/tz.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_sim_opts {
    int64_t from_s, to_s;     /**< UTC period [from, to); to - from a whole number of steps */
    int64_t step_s;           /**< default 300 */
    const gs_override *overrides; /**< pauses and power caps of training runs (may be NULL) */
    size_t noverrides;
    /* Inference routing (include/gridsplit/route.h, docs/route.md). At every step each
     * region's demand is routed to the sites running its service within the latency budget,
     * within capacity, at least cost; a region with `site:` set stays on that site unless the
     * site is under a grid cap, when its overflow may spill to other sites within budget. */
    const gs_route_opts *route;   /**< routing options; NULL: gs_route_opts_default() */
    const gs_route_cap *caps;     /**< grid caps on sites' inference MW (events); may be NULL */
    size_t ncaps;
    /** Per site, a series of caps on its inference MW (e.g. from the planner); NULL, or NULL
     * entries, or NaN values: no cap. With caps, the lowest applies. */
    const gs_series *const *site_cap_mw;
    /** Called after routing each step (t: the step's middle, UTC) with the router (read its
     * flows with gs_router_flow), the demand [service][region] in requests/s, the caps
     * (INFINITY: none) and the PUE of every site; may be NULL. */
    void (*on_route)(void *ctx, const gs_router *r, int64_t t, const double *const *demand,
                     const double *cap_mw, const double *pue);
    void *route_ctx;
    /** Called now and then with the share of the work done (0..1); may be NULL. */
    void (*progress)(void *ctx, double done);
    void *progress_ctx;
} gs_sim_opts;

/** Statistics of one load curve (a site and class, a site, a class fleet-wide, the fleet). */
typedef struct gs_load_stats {
    double energy_mwh;
    double peak_mw, min_mw, mean_mw;
    double load_factor;       /**< mean / peak */
    double peak_to_trough;    /**< daily max / daily min, median over whole days (local days
                                   for a site, UTC days fleet-wide); NaN if a day's min is 0 */
    double peak_hour_local;   /**< hour of the daily peak in local time, median over days */
    double coincidence;       /**< mean load in the zone's top 1 % system-demand hours divided by
                                   the load's mean; NaN when the zone has no system demand */
    double energy_cost_usd;   /**< energy x the zone's hourly price, over the steps that have a
                                   price; NaN when the zone has no price series */
    double mean_price_usd_per_mwh; /**< load-weighted price paid: cost / priced energy */
    double price_coverage;    /**< share of the energy whose step has a price (1 = all) */
    double co2_t;             /**< energy x the zone's carbon intensity (t CO2), NaN without one */
    double carbon_coverage;   /**< share of the energy whose step has a carbon intensity */
} gs_load_stats;

/** Time zones the engine needs, computed at the edge: one per site and per region. */
typedef struct gs_sim_tz {
    gs_tz *site_tz;           /**< nsites */
    gs_tz **region_tz;        /**< per service, per region */
} gs_sim_tz;

typedef struct gs_sim_result {
    int64_t start_s, step_s;
    size_t nsteps, nsites;
    double *mw;               /**< [site][class][step]: index (site*GS_NCLASS + class)*nsteps + i;
                                   MW at the grid connection (PUE applied), step average */
    gs_load_stats *site_class;/**< [site*GS_NCLASS + class] */
    gs_load_stats *site;      /**< [site], both classes */
    gs_load_stats fleet_class[GS_NCLASS];
    gs_load_stats fleet;
    /* Inference service levels over the period, per service. */
    size_t nservices;
    double *served_requests;  /**< [service] requests served */
    double *unserved_requests;/**< [service] requests no site could serve within the latency
                                   budget and capacity (grid caps included) */
    /* Training runs as simulated, per run: a run waits while an earlier run on its cluster,
     * delayed by pauses or caps, still holds the GPUs it needs. */
    size_t nruns;
    int64_t *run_start_s;     /**< [run] effective start (>= planned start) */
    int64_t *run_end_s;       /**< [run] end: when its work is done */
    size_t overrides_applied; /**< pauses and caps from the planner that shaped the curves */
} gs_sim_result;


/** Run the simulation. *out is a new result owned by the caller (gs_sim_result_free). */
int gs_simulate(const gs_fleet *f, const gs_sim_tz *tz, const gs_sim_opts *opts,
                gs_sim_result **out, gs_error *err);

/** Power at step i of site s, class c. */
static inline double gs_sim_mw(const gs_sim_result *r, size_t site, gs_class c, size_t i)
{
    return r->mw[(site * GS_NCLASS + (size_t)c) * r->nsteps + i];
}

void gs_sim_result_free(gs_sim_result *r);

#ifdef __cplusplus
}
#endif
#endif
