/* gridsplit flex backtest: what each training cluster would have earned from each market product
 * over a period, and what the curtailments it took cost, with every curtailment decided by the one
 * planner (gs_plan_make) and its MWh shed measured by the same load model as `simulate`
 * (gs_simulate with the plan's overrides). Products are offered hour by hour within the headroom
 * the planner says a cluster can cut, stacked with market.h's rules (the same MW never sold twice
 * in an interval); grid events (catalogue or file) deploy what was committed; price hours above the
 * value of the progress lost become price events; peak intervals (4CP) become peak events.
 * Also the two mistakes the source documents warn about: (a) inference racks offered into reserves
 * like training (requests lost when deployed, penalty when not) and (b) training treated as
 * must-run (the revenue left on the table). Pure: no I/O, clock or globals; the caller loads the
 * fleet, its series, the time zones and the product prices. See docs/flex.md. */
#ifndef GRIDSPLIT_FLEXSIM_H
#define GRIDSPLIT_FLEXSIM_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/fleet.h"
#include "gridsplit/market.h"
#include "gridsplit/plan.h"
#include "gridsplit/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_FLEXSIM_LABEL 256

/** A product offered in the backtest and its price over the period. */
typedef struct gs_flexsim_product {
    const gs_product *p;
    /** Price in p's unit: availability (per MW-h or MW-day) for capacity / reserve / regulation /
     * emergency products, energy (per MWh) for energy products, USD per kW-year of avoided
     * charge for peak products (4CP, 5CP). NaN where missing: such hours are excluded from the
     * offer and counted (excluded_h), never priced at a guess. NULL: the product has no price
     * in the period (it is listed as excluded with `why`). */
    const gs_series *price;
    char label[GS_FLEXSIM_LABEL];   /**< where the price comes from ("series ...", "published
                                         annual average 2023 ...", "user-supplied") */
} gs_flexsim_product;

/** A grid event of the period. Catalogue emergencies and load-management calls are deployments
 * of what the zone's clusters committed (kind GS_PEV_RESERVE_DEPLOY, mw <= 0: the commitment);
 * 4CP intervals are peak events (GS_PEV_PEAK); file events keep their kind and MW. */
typedef struct gs_flexsim_event {
    gs_event ev;                    /**< scope is a zone or a site of the fleet */
    char origin[16];                /**< "catalog", "file", "price" */
    char source[GS_FLEXSIM_LABEL];  /**< catalogue source or file name */
} gs_flexsim_event;

typedef struct gs_flexsim_opts {
    int64_t from_s, to_s, step_s;   /**< period [from, to) and simulation step (default 300) */
    gs_policy_kind policy;          /**< GS_POLICY_PRICE (flexible, default) or GS_POLICY_MUST_RUN */
    double usd_per_request;         /**< value of an inference request (default 0.002) */
    const gs_route_opts *route;     /**< the router's options in every simulation (the RTT
                                         sources the fleet names: gs_route_inputs_load_fleet);
                                         NULL: the defaults, the plain model */
    double offer_share;             /**< share of the cuttable MW offered to reserves (default 1) */
    int64_t price_notice_s;         /**< foresight of price hours and peaks (default 3600) */
    double screen_margin;           /**< price hours below margin x the lowest value of lost
                                         progress per MWh are skipped (default 0.9) */
    int comparisons;                /**< 1: also compute mistakes (a) and (b) (default 1) */
    /** Energy products priced hour by hour at each zone's own price (the fleet's zones[].price,
     * as `simulate` prices the energy it draws; docs/flex.md, Prices). zone_priced[p] = 1: product
     * p's hours in fleet zone z are priced from zone_price[z] (NULL: that zone has no price, its
     * hours are not priced) and prods[p].price only says whether any zone is priced. NULL
     * (default): every product is priced from its prods[p].price alone. */
    const unsigned char *zone_priced;   /**< [nprods] */
    const gs_series *const *zone_price; /**< [f->nzones], hourly */
    /** Called with the share of the run done (0..1), from the engine's loop; NULL: none. */
    void (*progress)(void *ctx, double done);
    void *progress_ctx;
} gs_flexsim_opts;

void gs_flexsim_opts_default(gs_flexsim_opts *o);

/** One cluster and one product (product -1: events without a product, e.g. a file's
 * reduce_to). Money in USD (a product priced in EUR keeps its currency: see currency). */
typedef struct gs_flexsim_row {
    int cluster, product;
    double availability_usd, energy_usd, avoided_usd;
    double revenue_usd;             /**< availability + energy + avoided */
    double curtailment_cost_usd;    /**< planner cost of the curtailments (GPU-hours, restarts, redo) */
    double penalty_usd;             /**< shortfall penalties on deployments */
    double net_usd;                 /**< revenue - curtailment cost - penalty */
    double offered_mw_h;            /**< MW x hours sold (after stacking) */
    double hours_curtailed;         /**< hours the cluster cut load for this product */
    double mwh_shed;                /**< from the simulation with overrides */
    double excluded_h;              /**< hours the cluster could have offered but the price was missing */
    int events;                     /**< events that curtailed it */
} gs_flexsim_row;

/** One training run over the period. */
typedef struct gs_flexsim_job {
    int run;
    double tier_floor;
    double slack_allowed_s;         /**< length (1/tier - 1) */
    double slack_used_s;            /**< wall-clock lost to the period's curtailments */
    double lost_gpu_h, cost_usd;
    double throughput_lost;         /**< lost / length: share of the run's progress lost */
    double avg_throughput;          /**< length / (length + lost) */
    int events;
} gs_flexsim_job;

#define GS_FLEXSIM_LEVERS 160
typedef struct gs_flexsim_event_out {
    gs_flexsim_event e;
    int product;                    /**< product it is attributed to; -1 none */
    double target_mw, achieved_mw, shortfall_mw, available_mw;
    double cost_usd, value_usd, penalty_usd;
    double mwh_shed;                /**< simulated, over the window and the plan's lead */
    int jobs_curtailed;
    char levers[GS_FLEXSIM_LEVERS]; /**< "pause-checkpoint x2, cap x1" */
    char note[256];
} gs_flexsim_event_out;

/** Mistake (a): one inference cluster offered into one reserve-like product. */
typedef struct gs_flexsim_infer {
    int cluster, product;
    char refused[512];              /**< gs_product_check_class's message: why it is not allowed */
    double offered_mw_h;
    double availability_usd;        /**< NaN when the product has no price in the period */
    int deployments;
    double deployed_h;
    double requests_lost;           /**< simulated: requests no site could serve within the
                                         latency budget while the cluster was cut */
    double requests_lost_planned;   /**< the planner's estimate of the shed */
    double revenue_lost_usd;        /**< requests_lost x usd_per_request */
    double penalty_if_not_delivered_usd; /**< NaN when unpriced */
    double net_usd;                 /**< availability - revenue lost (NaN when unpriced) */
} gs_flexsim_infer;

/** Mistake (b): per training cluster, flexible vs must-run. */
typedef struct gs_flexsim_mustrun {
    int cluster;
    double flexible_net_usd, flexible_revenue_usd, flexible_cost_usd;
    double mustrun_net_usd;
    double left_on_table_usd;       /**< flexible - must-run */
    double mustrun_shortfall_mw_h;  /**< what the events asked and must-run could not give */
} gs_flexsim_mustrun;

/** An excluded product (or part of one) with the reason. */
typedef struct gs_flexsim_exclusion {
    int product;                    /**< -1: not a product (e.g. an event) */
    char why[384];
} gs_flexsim_exclusion;

typedef struct gs_flexsim_result {
    int64_t from_s, to_s, step_s;
    size_t nhours;
    size_t nrows;
    gs_flexsim_row *rows;
    size_t njobs;
    gs_flexsim_job *jobs;
    size_t nevents;
    gs_flexsim_event_out *events;
    size_t ninfer;
    gs_flexsim_infer *infer;
    size_t nmustrun;
    gs_flexsim_mustrun *mustrun;
    size_t nexcl;
    gs_flexsim_exclusion *excl;
    /** Hourly MW curtailed per site (simulated: baseline minus flexible training MW, mean over
     * the hour), [site * nhours + h]; and hourly MW sold as reserve / capacity per site. */
    double *curtailed_mw;
    double *reserved_mw;
    size_t nsites;
    double screen_usd_per_mwh;      /**< price screen used (lowest value of lost progress x margin) */
    size_t price_hours_screened;    /**< hours above the screen sent to the planner */
    size_t planner_calls;
    /** Fleet training energy over the period from gs_simulate without and with every plan's
     * overrides (the difference also holds the work moved past a run's planned end). */
    double base_training_mwh, flex_training_mwh;
    /** Every plan's overrides (pauses, caps, off) over the period, in planning order: given to
     * gs_simulate they draw the fleet's load under the policy (`simulate --policy`). */
    gs_override *overrides;
    size_t noverrides;
} gs_flexsim_result;

/** Run the backtest of fleet f (series loaded) over opts' period with the products and events
 * given (events sorted or not; overlapping events in one scope are an error). tz from
 * gs_sim_tz_load over at least the period. *out is owned by the caller (gs_flexsim_free).
 * Returns 0, GS_EINPUT (event outside the period or overlapping another in the same scope, a
 * product with no eligible class, ...), or GS_ENOMEM. */
int gs_flexsim_run(const gs_fleet *f, const gs_sim_tz *tz, const gs_flexsim_product *prods,
                   size_t nprods, const gs_flexsim_event *evs, size_t nevs,
                   const gs_flexsim_opts *opts, gs_flexsim_result **out, gs_error *err);

void gs_flexsim_free(gs_flexsim_result *r);


#ifdef __cplusplus
}
#endif
#endif
