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
    /** 1: also the figures of every cluster, every training run and every override
     * (gs_sim_result.cluster, .run, .ovr); it keeps two more curves of steps while the training
     * is drawn (gs_sim_memory_bytes). 0: those are NULL. */
    int detail;
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

/** A cluster's or a training run's figures over the period (gs_sim_opts.detail), at the grid
 * connection (the site's PUE applied). A run draws its GPUs' power from its (effective) start to
 * the end of its work, paused and capped stretches included; outside that its GPUs are the
 * cluster's, idle. A cluster's curve is its runs' plus its idle GPUs' (training) or its
 * provisioned GPUs' and requests' (inference): the clusters of a site and class add up to the
 * site's curve of that class. */
typedef struct gs_part_stats {
    double energy_mwh;
    double peak_mw;           /**< highest step average (0 for a run outside the period) */
    double mean_mw;           /**< energy / hours (NaN when hours is 0) */
    double hours;             /**< a cluster: the period; a run: the time it held its GPUs in it */
    double gpu_hours;         /**< GPUs x hours at work: a run's GPUs while running, capped or
                                   restarting (not paused or off); a training cluster: its runs';
                                   an inference cluster: its provisioned GPUs' */
    double paused_h;          /**< hours paused or off (a cluster: summed over its runs) */
    double capped_h;          /**< hours under a power cap below the running draw (summed) */
    double delay_h;           /**< hours the start waited for GPUs held by an earlier run
                                   (a cluster: summed over its runs) */
    int curtailments;         /**< overrides applied that cut the draw: pauses, offs and caps
                                   below the running draw (a cluster: summed over its runs) */
    int runs;                 /**< a cluster: its training runs that held GPUs in the period */
    double energy_cost_usd, mean_price_usd_per_mwh, price_coverage; /**< as gs_load_stats */
    double co2_t, carbon_coverage;                                  /**< as gs_load_stats */
} gs_part_stats;

/** What one override did (gs_sim_opts.detail): its run's draw under every override against its
 * draw with none (from the same start), over the override's window within the period. The work
 * a pause or cap puts off is done later (the run ends later): that energy is in the run's and
 * the cluster's figures, not here. */
typedef struct gs_override_stats {
    double hours;             /**< the override's window within the period */
    double mw_cut;            /**< mean MW less at the grid connection over those hours */
    double mwh_cut;
    double usd_saved;         /**< mwh_cut at the zone's price, step by step (NaN: no price) */
    double co2_t_avoided;     /**< mwh_cut at the zone's carbon intensity (NaN: no series) */
    int cuts;                 /**< 1 when it cuts the draw (pause, off, a cap below the running
                                   draw); 0 for the full-power stretches with no progress that a
                                   plan adds around a pause (an on-demand checkpoint, redone work) */
    int applied;              /**< 1 when its window meets the run's timeline; 0 when the run was
                                   not running then (it waited for GPUs an earlier, curtailed run
                                   still held, or its work was done): it cut nothing */
} gs_override_stats;

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
    /* With gs_sim_opts.detail (else NULL): */
    size_t nclusters;         /**< the fleet's */
    gs_part_stats *cluster;   /**< [cluster] */
    gs_part_stats *run;       /**< [run] */
    size_t noverrides;        /**< gs_sim_opts.noverrides */
    gs_override_stats *ovr;   /**< [override], in gs_sim_opts.overrides' order */
} gs_sim_result;

/** Bytes gs_simulate holds at its peak for the run o describes (its period, step, overrides and
 * detail) of fleet f: the result's curves (sites x
 * 2 classes x steps x 8), and two curves of scratch while the training is drawn with detail or
 * the statistics' temporaries (five curves and one byte per step and zone), whichever is larger,
 * plus what grows with
 * runs, clusters and overrides. A double: the product overflows no integer type. The caller's
 * own buffers (writers, the flexible policy's backtest) are not included. */
double gs_sim_memory_bytes(const gs_fleet *f, const gs_sim_opts *o);


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
