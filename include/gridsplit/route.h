/* gridsplit routing of inference demand: at every step, each demand region's requests are
 * sent to the sites running its service so that the round trip fits the service's latency
 * budget, no site serves more than its capacity (GPUs x requests_per_s_per_gpu, shrunk by grid
 * caps through the site's power model), and the cost is least: energy at the site's price, the
 * data transfer of carrying requests and answers between continents (or between priced cloud
 * regions), and a penalty per ms of round trip. What no site can take within budget is
 * unserved, and reported.
 *
 * Two layers, both pure (no I/O, no globals, deterministic):
 * - gs_transport: a min-cost transportation solver (sources with supply, destinations with
 *   capacity, sparse arcs, an "unserved" option per source at a prohibitive cost): a network
 *   simplex that keeps its basis (spanning tree, flows, potentials) from one call to the next.
 *   New demand or capacities: dual simplex pivots from the previous optimal basis; new costs:
 *   primal simplex pivots from it. docs/route.md has the method.
 * - gs_router: the fleet's services, regions and serving sites turned into transportation
 *   problems, solved per step. Each region -> site RTT is computed once, from the best source
 *   the options give: a measured matrix (gs_route_opts.rtt_measured), else the cable-aware
 *   model between continents (gs_route_opts.cables), else the plain calibrated model.
 *
 * Events (route caps among them): gridsplit/event.h; reading them: gridsplit/read/events.h;
 * reading measured matrices, cables and network prices: gridsplit/read/latency.h,
 * gridsplit/read/netcost.h; writing flows, summaries and the report: gridsplit/write/route.h. */
#ifndef GRIDSPLIT_ROUTE_H
#define GRIDSPLIT_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/event.h"
#include "gridsplit/fleet.h"
#include "gridsplit/latency.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Server time subtracted from a service's latency_budget_ms to give the network RTT limit,
 * for services whose fleet entry does not state server_time_ms: RTT limit = latency_budget_ms -
 * server time. */
#define GS_ROUTE_DEFAULT_SERVER_MS 50.0
/** Latency penalty: USD per million requests per ms of round trip. 0.5 = the value of a
 * request x the share of it lost per ms of delay: 5 USD per thousand requests (the list price
 * of a GPT-4o-class API call of the mean size of the Azure LLM inference trace's conversations,
 * 1,155 input and 211 output tokens at 2.50 and 10 USD per million: OpenAI price list, 2024)
 * x 1 % per 100 ms (Amazon: every 100 ms of latency cost 1 % of sales, G. Linden 2006).
 * docs/route.md "Costs" has the derivation, the break-even price gaps and the sensitivity. */
#define GS_ROUTE_DEFAULT_USD_PER_MREQ_MS 0.5
/** Tokens per request, in (prompt and context) and out (the answer): the means of the 19,366
 * requests of the Azure LLM inference trace 2023, conversation service (Azure Public Dataset,
 * CC BY 4.0; ../shared/data/workloads/azure_llm_2023). */
#define GS_ROUTE_DEFAULT_TOKENS_IN 1155.0
#define GS_ROUTE_DEFAULT_TOKENS_OUT 211.0
/** Bytes carried per token: text is about 4 characters per token for English with the GPT
 * tokenizers (OpenAI's rule of thumb), one byte each in UTF-8. Protocol framing (HTTP, a
 * streamed answer's per-token events) is not counted: raise it for streamed answers. */
#define GS_ROUTE_DEFAULT_BYTES_PER_TOKEN 4.0
/** A region or site takes the measured RTTs of the nearest place of a measured matrix within
 * this distance, plus the plain model's time over the distance to it (at route_factor, no
 * overhead) at each end. */
#define GS_ROUTE_MEASURED_KM 500.0
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

/** Prices of data transfer between named places (cloud regions), USD per GB (1e9 bytes) from
 * one to another, read by gs_netcost_read (gridsplit/read/netcost.h). */
typedef struct gs_netcost {
    gs_latency_regions places; /**< names and coordinates */
    double *usd_per_gb;        /**< [from * places.n + to]; the diagonal is 0 */
} gs_netcost;

/** Routing options: start from gs_route_opts_default() (zero factors are not the defaults). */
typedef struct gs_route_opts {
    double server_ms;            /**< RTT limit = budget - server_ms (a budget <= 0: no limit) */
    double usd_per_mreq_ms;      /**< latency penalty */
    double default_price_usd_per_mwh;
    double route_factor;         /**< plain latency model */
    double overhead_ms;
    /* RTT sources, best first: measured, then cable-aware between continents, then plain */
    const gs_latency_regions *rtt_places;    /**< places of a measured matrix; NULL: none */
    const gs_latency_measured *rtt_measured; /**< its pairs (indexes into rtt_places) */
    double rtt_snap_km;          /**< a region or site takes the measured RTTs of a place this
                                      close (GS_ROUTE_MEASURED_KM) */
    const gs_cable_graph *cables;/**< finished cable graph; NULL: no cable-aware model */
    double cable_route_factor, cable_factor, cable_overhead_ms; /**< GS_LATENCY_DEFAULT_CABLE_* */
    /* data transfer: bytes per request = (tokens_in + tokens_out) x bytes_per_token */
    double tokens_in, tokens_out, bytes_per_token;
    const gs_netcost *netcost;   /**< NULL: the built-in prices per continent
                                      (gs_route_builtin_usd_per_gb) */
    /* what the outputs name as the sources (file names); NULL: none given */
    const char *rtt_label, *cables_label, *netcost_label;
} gs_route_opts;

/** The defaults above. */
gs_route_opts gs_route_opts_default(void);

/** The built-in price of carrying a GB out of continent c to another continent, USD: AWS's
 * inter-region data transfer price of a region there (the sender pays), as in
 * ../shared/data/network_cost/aws_transmission_cost_matrix.csv (green-dcc, MIT): North America
 * and Europe 0.02 (us-east-1, eu-central-1), Asia 0.09 (ap-southeast-1, ap-northeast-1),
 * Oceania 0.098 (ap-southeast-2), South America 0.138 (sa-east-1), Africa 0.147 (af-south-1);
 * 0 for unknown and Antarctica. */
double gs_route_builtin_usd_per_gb(gs_continent c);

/** The RTT in ms between a region at (lat1, lon1) on continent c1 and a site at (lat2, lon2) on
 * c2 from the best source o gives (measured, cable-aware between continents, plain), with
 * that source in *src (may be NULL). o NULL: defaults. */
double gs_route_rtt_ms(const gs_route_opts *o, double lat1, double lon1, gs_continent c1,
                       double lat2, double lon2, gs_continent c2, gs_rtt_source *src);

/** Data transfer cost, USD per million requests, of serving a region at (lat1, lon1) on c1
 * from a site at (lat2, lon2) on c2. With o->netcost: each end's nearest priced place; 0 when
 * the same, else bytes in x price(region's -> site's) + bytes out x price(site's -> region's).
 * Without: 0 on the same continent (or an unknown one), else bytes in x the region continent's
 * built-in price + bytes out x the site continent's. */
double gs_route_transfer_usd_per_mreq(const gs_route_opts *o, double lat1, double lon1,
                                      gs_continent c1, double lat2, double lon2, gs_continent c2);

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
    gs_rtt_source rtt_source;    /**< where rtt_ms comes from */
    double transfer_usd_per_mreq;/**< data transfer cost of the pair */
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

/** Build the router of fleet f: serving groups, arcs within each service's RTT limit, RTTs
 * from the best source (gs_route_rtt_ms; continents from each place's tz and coordinates,
 * gs_continent_of) and their transfer costs. A pinned region is served by its own site only
 * within the limit too: a pin beyond it leaves the region without arcs, all its demand
 * unserved (gs_router_pin_beyond says which). o may be NULL (defaults); the router reads o's
 * matrix, cables and prices only here. Returns 0, or GS_ENOMEM. The router reads f while it
 * lives. */
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
/** The region's preferred site (its pinned site, else the nearest within budget: least RTT),
 * -1 none. */
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
/** 1 when region g of service v is pinned to a site running v that is beyond v's RTT limit
 * (its demand is then unserved), with the pair's RTT and its source; else 0. */
int gs_router_pin_beyond(const gs_router *r, int service, int region, double *rtt_ms,
                         gs_rtt_source *src);
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
