/* gridsplit routing of inference demand: at every step, each demand region's requests are
 * sent to the sites running its service so that the round trip fits the service's latency
 * budget, no site serves more than its capacity (GPUs x requests_per_s_per_gpu, shrunk by grid
 * caps through the site's power model), and the cost is least: energy at the site's price plus
 * a penalty per ms of round trip. What no site can take within budget is unserved, and reported.
 *
 * Two layers, both pure (no I/O, no globals, deterministic):
 * - gs_transport: a min-cost transportation solver (sources with supply, destinations with
 *   capacity, sparse arcs, an "unserved" option per source at a prohibitive cost): a network
 *   simplex that keeps its basis (spanning tree, flows, potentials) from one call to the next.
 *   New demand or capacities: dual simplex pivots from the previous optimal basis; new costs:
 *   primal simplex pivots from it. docs/route.md has the method.
 * - gs_router: the fleet's services, regions and serving sites turned into transportation
 *   problems (RTTs precomputed once with the plain calibrated latency model), solved per step.
 *
 * Events (route caps among them): gridsplit/event.h; reading them: gridsplit/read/events.h;
 * writing flows, summaries and the report: gridsplit/write/route.h. */
#ifndef GRIDSPLIT_ROUTE_H
#define GRIDSPLIT_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/event.h"
#include "gridsplit/fleet.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Server time subtracted from a service's latency_budget_ms to give the network RTT limit,
 * for services whose fleet entry does not state server_time_ms: RTT limit = latency_budget_ms -
 * server time. */
#define GS_ROUTE_DEFAULT_SERVER_MS 50.0
/** Latency penalty: USD per million requests per ms of round trip (100 ms ~ 2 USD/Mreq, about
 * the energy cost of a million 55 J requests at 50 USD/MWh with overheads and PUE). */
#define GS_ROUTE_DEFAULT_USD_PER_MREQ_MS 0.02
/** Price used at a site whose zone has no price series, or no value at the step. */
#define GS_ROUTE_DEFAULT_PRICE_USD_PER_MWH 50.0
/** Extra cost (USD per million requests) of serving a pinned region (region.site set) at
 * another site; such arcs exist only while the pinned site is under a grid cap. */
#define GS_ROUTE_PIN_PENALTY_USD_PER_MREQ 1000.0
/** Plain latency model used for routing: the robust fit on the IBM Cloud VPC matrix, produced by
 * `gridsplit latency --calibrate ../shared/data/geo/ibm_cloud_vpc_latency_weekly.csv.zst
 * --regions data/catalog/latency_regions.csv` (docs/latency.md); the same numbers as
 * GS_LATENCY_DEFAULT_ROUTE_FACTOR / GS_LATENCY_DEFAULT_OVERHEAD_MS. */
#define GS_ROUTE_ROUTE_FACTOR 1.535
#define GS_ROUTE_OVERHEAD_MS 3.273

typedef struct gs_route_opts {
    double server_ms;            /**< RTT limit = budget - server_ms (a budget <= 0: no limit) */
    double usd_per_mreq_ms;      /**< latency penalty */
    double default_price_usd_per_mwh;
    double route_factor;         /**< plain latency model */
    double overhead_ms;
} gs_route_opts;

/** The defaults above. */
gs_route_opts gs_route_opts_default(void);

/* gs_route_cap, a grid cap on a site's inference draw over [from_s, to_s), is part of the event
 * model (gridsplit/event.h): gs_events_to_route_caps makes them from events (a reduce_to on a
 * site's inference load). */

/* ---- the transportation solver -------------------------------------------------------- */

typedef struct gs_transport gs_transport;

/** A solver for nsrc sources and ndst destinations joined by narcs arcs (arc k from
 * arc_src[k] to arc_dst[k], any order, no duplicates needed). All memory is allocated here,
 * once: solving allocates nothing. Returns 0, GS_EINPUT for a bad index, or GS_ENOMEM. */
int gs_transport_new(size_t nsrc, size_t ndst, const int *arc_src, const int *arc_dst,
                     size_t narcs, gs_transport **out, gs_error *err);
void gs_transport_free(gs_transport *t);

/** Minimise sum cost[k] flow[k] + M x sum unserved, M larger than any chain of rerouting (so
 * the most demand is served first, then at least cost), subject to: for each source i,
 * sum of its arcs' flow + unserved[i] = supply[i]; for each destination j, inflow <= cap[j]
 * (INFINITY for none). off[k] != 0 disables arc k (off may be NULL). same_costs: 1 promises
 * that cost and off are unchanged since the previous call (0: they are compared).
 * Writes flow[narcs] and unserved[nsrc]. Allocates nothing.
 *
 * Warm start: the solver keeps the previous call's optimal flow and node potentials and
 * re-optimises from them; a first call (or one after gs_transport_reset) starts fresh from
 * every source on its cheapest arc. The cost is always the least (and the unserved total the
 * least); when several flows share it, which one is returned depends on the starting point:
 * a fresh start breaks ties towards the lower arc index, a warm start keeps as much of the
 * previous flow as stays optimal. The same sequence of calls gives the same results.
 * Returns the number of simplex pivots used (0 when the previous basis stayed optimal). */
int gs_transport_solve(gs_transport *t, const double *supply, const double *cap,
                       const double *cost, const unsigned char *off, int same_costs,
                       double *flow, double *unserved);

/** Forget the previous solution: the next solve starts fresh (as the first one does). */
void gs_transport_reset(gs_transport *t);

/** Work done by a solver (or, gs_router_stats, by all of a router's solvers) so far. */
typedef struct gs_transport_stats {
    uint64_t solves;             /**< calls */
    uint64_t fresh;              /**< started from the cheapest arcs (first call, reset) */
    uint64_t repaired;           /**< warm, after costs, disabled arcs or capacities changed */
    uint64_t warm;               /**< warm, only supplies changed */
    uint64_t primal_pivots;      /**< basis changes restoring optimality after new costs */
    uint64_t dual_pivots;        /**< basis changes restoring feasibility after new supplies,
                                      capacities or disabled arcs */
} gs_transport_stats;
void gs_transport_get_stats(const gs_transport *t, gs_transport_stats *out);

/* ---- the fleet router ----------------------------------------------------------------- */

/** One region -> site pair of a service that may carry requests. */
typedef struct gs_route_arc {
    int region;                  /**< index into the service's regions */
    int site;                    /**< index into fleet->sites */
    int group;                   /**< index of the (service, site) serving group */
    double rtt_ms;
    int pinned;                  /**< 1: the region's own site (region.site) */
    int spill;                   /**< 1: another site for a pinned region, used only while the
                                      pinned site is under a grid cap */
} gs_route_arc;

/** The inference clusters of one service at one site, served as one pool. */
typedef struct gs_route_group {
    int service, site;
    double gpus;                 /**< GPUs of its clusters */
    double cap_rps;              /**< uncapped capacity: gpus x requests_per_s_per_gpu */
    double j_per_req;            /**< marginal IT energy per request above the floor: energy per
                                      request with server overhead + idle of the GPUs provisioned
                                      for it (headroom included), J */
} gs_route_group;

typedef struct gs_router gs_router;

/** Build the router of fleet f: serving groups, arcs within each service's RTT limit (a pinned
 * region keeps its own site whatever the RTT), RTTs from the plain model. o may be NULL
 * (defaults). Returns 0, or GS_ENOMEM. The router reads f while it lives. */
int gs_router_new(const gs_fleet *f, const gs_route_opts *o, gs_router **out, gs_error *err);
void gs_router_free(gs_router *r);

/** Route one step at UTC time t (the step's middle, for prices): demand[v][g] requests/s of
 * region g of service v; cap_mw[s] the grid cap on site s's inference draw (INFINITY or NULL
 * for none); pue[s] the PUE of site s at this step (NULL: the site's constant pue). A cap is
 * shared by the services at the site in proportion to their GPUs. Allocates nothing. */
void gs_router_step(gs_router *r, int64_t t, const double *const *demand, const double *cap_mw,
                    const double *pue);

/* Results of the last step, valid until the next gs_router_step. */
const gs_route_arc *gs_router_arcs(const gs_router *r, int service, size_t *narcs);
const double *gs_router_flow(const gs_router *r, int service);      /**< [arc] requests/s */
const double *gs_router_unserved(const gs_router *r, int service);  /**< [region] requests/s */
/** The region's preferred site (its pinned site, else the cheapest within budget), -1 none. */
int gs_router_home_site(const gs_router *r, int service, int region);
size_t gs_router_group_count(const gs_router *r);
const gs_route_group *gs_router_groups(const gs_router *r);
/** Index of the (service, site) group, or -1. */
int gs_router_group_of(const gs_router *r, int service, int site);
const double *gs_router_group_rps(const gs_router *r);   /**< [group] requests/s served */
const double *gs_router_group_cap(const gs_router *r);   /**< [group] capacity at this step */
/** Inference MW of site s at the grid connection for the last step's routing (provisioned
 * GPUs at idle + energy per request served, with server overhead, x pue). */
double gs_router_site_mw(const gs_router *r, int site, double pue);
/** RTT limit of service v in ms (INFINITY when it has no budget). */
double gs_router_rtt_limit_ms(const gs_router *r, int service);
/** Simplex pivots (basis changes) used so far, primal and dual: a measure of how much the
 * routing changed from step to step. */
uint64_t gs_router_augmentations(const gs_router *r);
/** The solvers' work so far, summed over services. */
void gs_router_stats(const gs_router *r, gs_transport_stats *out);

/** Request capacity (requests/s) of a site's pool of clusters under an IT power limit it_w
 * (watts, PUE removed): the largest served rate whose power (provisioned GPUs at idle, with
 * the service's floor and headroom, + energy per request) fits. Exposed for tests. */
double gs_route_capacity_under_w(const gs_fleet *f, int service, int site, double it_w);




#ifdef __cplusplus
}
#endif
#endif
