/* gridsplit econ.h: underwriting arithmetic (pure: no I/O, no clock, no globals). The deal
 * model (per site and class: MW, GPUs, prices, costs), the yearly cash-flow table, NPV, IRR,
 * payback, levelised cost per MWh and per GPU-hour, and the contract comparison of a site that
 * holds both classes (docs/underwrite.md gives every formula). Implemented in
 * src/econ/finance.c (NPV, IRR, payback, prices), src/econ/contracts.c (the comparison),
 * src/econ/cashflow.c (the yearly table), src/econ/spread.c (P10 / P50 / P90 over the price
 * years), src/econ/tornado.c (one input at a time), src/econ/power.c (time to power) and
 * src/econ/requests.c (inference revenue per request with a demand trajectory). */
#ifndef GS_ECON_H
#define GS_ECON_H

#include <stddef.h>

#include "gridsplit/error.h"
#include "gridsplit/fleet.h"

/** Horizon bounds in years (issue 12: 10-25 years). */
#define GS_ECON_YEARS_MIN 10
#define GS_ECON_YEARS_MAX 25
/** Price years a site may cycle through. */
#define GS_ECON_PRICE_YEARS_MAX 32

/* ---- the arithmetic ---------------------------------------------------------------------- */

/** NPV of flows cf[0..n-1] at rate r: sum cf[t] / (1 + r)^t (cf[0] undiscounted). NAN when
 * r <= -1 or n == 0. */
double gs_econ_npv(const double *cf, size_t n, double r);

/** What gs_econ_irr found. */
typedef enum gs_irr_status {
    GS_IRR_OK = 0,            /**< exactly one root in the search range: *irr is it */
    GS_IRR_NO_SIGN_CHANGE,    /**< the flows never change sign: no rate makes NPV zero */
    GS_IRR_NO_ROOT,           /**< the flows change sign but NPV has no root in the range */
    GS_IRR_MULTIPLE,          /**< several roots (flows with more than one sign change) */
} gs_irr_status;

/** The search range of gs_econ_irr: rates in [GS_IRR_MIN, GS_IRR_MAX]. */
#define GS_IRR_MIN (-0.99)
#define GS_IRR_MAX 10.0

/** Result of gs_econ_irr. */
typedef struct gs_irr {
    gs_irr_status status;
    double irr;              /**< GS_IRR_OK: the rate; NAN otherwise (never a made-up number) */
    double roots[2];         /**< GS_IRR_MULTIPLE: the two lowest roots found */
    int sign_changes;        /**< sign changes of the flows (zeros skipped) */
} gs_irr;

/** IRR of cf[0..n-1]: NPV scanned on a grid of rates over [GS_IRR_MIN, GS_IRR_MAX] (steps
 * finer below 100 %), each bracket refined by bisection to 1e-12; status as documented. */
gs_irr gs_econ_irr(const double *cf, size_t n);

/** Payback: the first time cumulative flows (from year 0) turn from negative to >= 0 and stay
 * there, in years with linear interpolation within the year. Returns 1 and sets *years when
 * reached within the flows, 0 (with *years NAN) when not or when n is 0; flows that never go
 * negative pay back at 0. */
int gs_econ_payback(const double *cf, size_t n, double *years);

/* ---- the deal model ---------------------------------------------------------------------- */

/** One class at one site, all inputs resolved (the reader fills them from the deal, the
 * fleet and the catalogue). */
typedef struct gs_econ_unit {
    int present;                     /**< 0: the site has no load of this class */
    double it_mw;                    /**< IT nameplate (GPUs x (board + overhead)) */
    double pue;                      /**< peak PUE of the site */
    double gpus;                     /**< GPU count */
    double utilisation;              /**< mean IT load as a share of nameplate, 0..1 */
    double facility_capex_usd_per_mw;/**< building, electrical, cooling per IT MW */
    double gpu_capex_usd;            /**< GPU (and its server share) price per GPU */
    int refresh_years;               /**< GPUs bought again every this many years */
    double revenue_usd_per_gpu_hour; /**< revenue of a sold GPU-hour, year 1 */
    /* Added with colocation revenue (docs/underwrite.md "Colocation revenue per kW-month").
     * Zeroed: revenue per GPU-hour (or per request). */
    int colocation;                  /**< 1: the class's IT capacity is leased to a tenant:
                                          revenue = colo_leased_kw x colo_usd_per_kw_month x 12
                                          x (1 + colocation_escalation)^(y-1), not per GPU-hour;
                                          on an interruptible contract the rent of the hours
                                          curtailed or paused is credited to the tenant */
    double colo_usd_per_kw_month;    /**< rent per leased IT kW per month, year 1 */
    double colo_leased_kw;           /**< IT kW leased (it_mw x 1000 x occupancy, or given) */
    int colo_pass_through;           /**< 1: the tenant pays the energy: the operator's
                                          energy_usd is 0 and the rent excludes it */
} gs_econ_unit;

/** Hours of a week at which the form of a site's inference demand is sampled
 * (gs_econ_requests.shape): hour 0 is Monday 00:00-01:00 UTC. */
#define GS_ECON_SHAPE_HOURS 168
/** Years a demand trajectory may list (later years grow at its growth rate). */
#define GS_ECON_DEMAND_YEARS_MAX GS_ECON_YEARS_MAX

/** Inference revenue per served request (src/econ/requests.c, docs/underwrite.md "Inference
 * revenue per request"): the site's demand (a trajectory of peak and mean requests/s by year,
 * shaped over the hours of a week) is served up to its capacity; revenue = served requests x
 * the price of a request, and the class's utilisation of the year is served / capacity. A
 * zeroed struct (on 0) keeps revenue per GPU-hour at the unit's utilisation. */
typedef struct gs_econ_requests {
    int on;                          /**< 1: the site's inference earns per served request */
    double usd_per_request;          /**< price of a served request, year 1 */
    double price_escalation;         /**< the price changes by this per year (no reset at a
                                          refresh: a request is worth the same on new GPUs) */
    double capacity_rps;             /**< requests/s the site's inference GPUs serve (GPUs x
                                          the service's requests_per_s_per_gpu) */
    size_t nyears;                   /**< demand years listed, 1..GS_ECON_DEMAND_YEARS_MAX */
    double peak_rps[GS_ECON_DEMAND_YEARS_MAX]; /**< demand at the site: peak requests/s of
                                          horizon year i + 1 */
    double mean_rps[GS_ECON_DEMAND_YEARS_MAX]; /**< mean requests/s of the same year (<= peak) */
    double growth;                   /**< after the last listed year both grow by this a year */
    double shape[GS_ECON_SHAPE_HOURS];/**< the demand's form over a week, a share of its peak
                                          (largest 1): demand(h) = mean + (peak - mean) x
                                          (shape[h] - mean(shape)) / (1 - mean(shape)) */
} gs_econ_requests;

/** One site of the deal. */
typedef struct gs_econ_site {
    char id[GS_ID_MAX];
    gs_econ_unit cls[GS_NCLASS];
    size_t nprice_years;             /**< price years cycled over the horizon (>= 1) */
    int price_year[GS_ECON_PRICE_YEARS_MAX];  /**< calendar years (0: a flat input price) */
    double price_usd_per_mwh[GS_ECON_PRICE_YEARS_MAX]; /**< mean price of each price year */
    double capacity_usd_per_mw_year; /**< transmission and capacity charges per MW of peak grid
                                          draw (IT x PUE) on a firm contract (cp_basis: per MW
                                          drawn in the coincident peaks) */
    double interconnect_usd_per_mw;  /**< one-off, per MW of grid draw */
    double flex_usd_per_mw_year;     /**< flexibility revenue per MW of training grid draw
                                          (the deal's figure; see flex_by_year) */
    /* Added with the spread, the coincident peaks and time to power. A zeroed field keeps the
     * behaviour described above: price years from the first, cycled; a capacity charge per MW
     * of peak grid draw; no earlier start. */
    size_t price_start;              /**< horizon year 1 uses price year price_start (mod n) */
    int price_hold;                  /**< 1: price year price_start for every year (no cycling) */
    int cp_basis;                    /**< 1: capacity_usd_per_mw_year is charged per MW of the
                                          class's draw in the zone's coincident peaks (ERCOT
                                          4CP) instead of per MW of peak grid draw */
    double cp_firm_share[GS_NCLASS][GS_ECON_PRICE_YEARS_MAX]; /**< cp_basis: the class's mean
                                          draw in the peaks of each price year, running as it
                                          runs on a firm contract, per unit of its utilisation
                                          (draw in the peaks / mean draw, 0..10): the share of
                                          grid_mw charged is this x the year's utilisation,
                                          at most 1 */
    double cp_paused_share[GS_NCLASS];/**< cp_basis: the same share when it pauses for the
                                          peaks (an interruptible class: its GPUs idle) */
    double years_saved;              /**< time to power: years a curtailable connection comes
                                          before a firm one (0: not valued) */
    int headroom_known;              /**< 1: headroom_mw is the zone's flexible-load headroom */
    double headroom_mw;              /**< new flexible load that fits in the zone at the
                                          curtailment rate of curtailed_hours_per_year */
    /* Added with flexibility revenue from the flex engine and revenue per request. Zeroed:
     * flex_usd_per_mw_year every year, inference revenue per GPU-hour. */
    int flex_by_year;                /**< 1: training's flexibility revenue of year y is
                                          flex_year_usd_per_mw_year[gs_econ_price_index(s, y)]
                                          (one figure per price year, from the flex engine on
                                          that year) instead of flex_usd_per_mw_year */
    double flex_year_usd_per_mw_year[GS_ECON_PRICE_YEARS_MAX]; /**< net flexibility revenue
                                          per MW of training grid draw, per price year */
    gs_econ_requests req;            /**< inference revenue per request (req.on) */
    /* Added with the training lost to coincident-peak pauses. Zeroed: no pause. */
    double cp_pause_hours[GS_ECON_PRICE_YEARS_MAX]; /**< cp_basis: hours a year an
                                          interruptible class pauses for the coincident peaks
                                          of each price year (drawing cp_paused_share of its
                                          grid_mw, selling nothing), on top of the contract's
                                          curtailed hours */
} gs_econ_site;

/** Terms every site shares. Shares are fractions per year. */
typedef struct gs_econ_terms {
    int years;                       /**< horizon, GS_ECON_YEARS_MIN..MAX */
    double discount_rate;            /**< for NPV and levelised costs */
    double energy_escalation;        /**< energy prices grow by this per year */
    double revenue_escalation;       /**< GPU-hour revenue changes by this per year */
    double cost_escalation;          /**< staff and capacity charges grow by this per year */
    double maintenance_share;        /**< of facility capex, per year */
    double insurance_share;          /**< of facility + GPU capex in service, per year */
    double property_tax_share;       /**< of facility capex, per year */
    double staff_usd_per_mw_year;    /**< per IT MW, year 1 */
    /* contracts */
    double interruptible_energy_discount;   /**< share off the energy price, interruptible */
    double interruptible_capacity_relief;   /**< share of capacity charges waived */
    double curtailed_hours_per_year;        /**< hours an interruptible load is called */
    double inference_sla_penalty;           /**< lost inference revenue x this when curtailed */
    double mustrun_redundancy_usd_per_mw;   /**< extra backup capex per MW for must-run */
    /* Added with the lease's own escalator. Zeroed: a flat rent. */
    double colocation_escalation;    /**< colocation rent changes by this per year */
} gs_econ_terms;

/** One row: one year, one site, one class (or a total). Costs positive, net = revenue +
 * flex - costs - capex. */
typedef struct gs_econ_row {
    int year;                        /**< 0 = construction, 1..years operation */
    double energy_mwh, gpu_hours;
    double price_usd_per_mwh;
    double capex_facility_usd, capex_gpu_usd, capex_interconnect_usd;
    double energy_usd, capacity_usd, maintenance_usd, staff_usd, insurance_usd, tax_usd;
    double revenue_usd, flex_usd;
    double net_usd;
} gs_econ_row;

/** Metrics of one series of rows. */
typedef struct gs_econ_metrics {
    double npv_usd;
    gs_irr irr;
    int payback_reached;
    double payback_years;            /**< NAN when not reached */
    double cost_usd_per_mwh;         /**< PV(all costs and capex) / PV(MWh) */
    double cost_usd_per_gpu_hour;    /**< PV(all costs and capex) / PV(GPU-hours) */
    double pv_cost_usd, pv_revenue_usd;
} gs_econ_metrics;

/** The four ways to contract a site that holds both classes, compared on the PV of what
 * differs between them (energy, capacity, curtailment, flexibility revenue, redundancy). */
typedef enum gs_contract {
    GS_CONTRACT_FIRM_ALL = 0,        /**< one firm contract for all load */
    GS_CONTRACT_SPLIT,               /**< training interruptible, inference firm */
    GS_CONTRACT_ALL_INTERRUPTIBLE,   /**< mistake 1: training-style offer on inference racks */
    GS_CONTRACT_MUSTRUN_TRAINING,    /**< mistake 2: training racks framed as must-run */
    GS_NCONTRACT
} gs_contract;

/** "firm_all", "split", "all_interruptible", "mustrun_training". */
const char *gs_contract_name(gs_contract c);

typedef struct gs_econ_contracts {
    int present;                     /**< 1 when the site holds both classes */
    double pv_cost_usd[GS_NCONTRACT];/**< PV of the contract-dependent costs (net of flex) */
    double saving_vs_firm_usd[GS_NCONTRACT]; /**< firm_all's PV cost minus this one's */
} gs_econ_contracts;

/** The result of one underwriting. rows[(s * (GS_NCLASS + 1) + k) * (years + 1) + y]: site s,
 * class k (k == GS_NCLASS: the site's total), year y; total[y] the deal's total. */
typedef struct gs_econ_result {
    size_t nsites;
    int years;
    gs_econ_row *rows;
    gs_econ_row *total;
    gs_econ_metrics *metrics;        /**< [s * (GS_NCLASS + 1) + k]; absent classes zeroed */
    gs_econ_metrics total_metrics;
    gs_econ_contracts *contracts;    /**< [s] */
} gs_econ_result;

/** Underwrite sites[0..nsites-1] under t. Every site is contracted the way the comparison
 * recommends (GS_CONTRACT_SPLIT): training load on the interruptible tariff (discounted energy
 * and capacity, curtailed hours lost, flexibility revenue), inference load firm. Checks the
 * inputs (finite, in range: GS_EINPUT naming the field). *out is allocated: free with
 * gs_econ_result_free. */
int gs_econ_underwrite(const gs_econ_site *sites, size_t nsites, const gs_econ_terms *t,
                       gs_econ_result **out, gs_error *err);

void gs_econ_result_free(gs_econ_result *r);

/** Row of site s, class k (GS_NCLASS: site total), year y. */
const gs_econ_row *gs_econ_row_at(const gs_econ_result *r, size_t s, int k, int y);

/** The contract comparison of one site (src/econ/contracts.c): zeroed with present 0 unless
 * the site has both classes. */
gs_econ_contracts gs_econ_compare_contracts(const gs_econ_site *s, const gs_econ_terms *t);

/** The contract-dependent cost of class k at site s in year y (1..), firm or interruptible
 * (src/econ/contracts.c): energy + capacity - flexibility revenue + the revenue the contract
 * loses against a firm one (x inference_sla_penalty for inference). */
double gs_econ_contract_cost(const gs_econ_site *s, const gs_econ_terms *t, int k, int y,
                             int interruptible);

/** Hours an interruptible class of site s is off in year y (1..): curtailed_hours_per_year +
 * the price year's cp_pause_hours (cp_basis), at most the year's 8,760 (a pause beyond what
 * the curtailments leave stops there). */
double gs_econ_off_hours(const gs_econ_site *s, const gs_econ_terms *t, int y);

/** Price of year y (1..) at site s: its price years cycled from price_start (or price year
 * price_start held), escalated by (1 + e)^(y - 1). */
double gs_econ_price(const gs_econ_site *s, const gs_econ_terms *t, int y);

/** The price year (index into price_usd_per_mwh) that year y (1..) of site s uses. */
size_t gs_econ_price_index(const gs_econ_site *s, int y);

/** Share of a class's grid_mw charged capacity in year y (1..) at site s: with cp_basis, its
 * draw in the coincident peaks of that year's price year (cp_paused_share when interruptible,
 * min(1, cp_firm_share x the year's utilisation) otherwise: the one row not affine in
 * utilisation, which src/econ/scenarios.c composes apart); without, 1 (firm) or
 * 1 - interruptible_capacity_relief. */
double gs_econ_capacity_share(const gs_econ_site *s, const gs_econ_terms *t, int k, int y,
                              int interruptible);

/** Training's flexibility revenue per MW of grid draw in year y (1..) of site s:
 * flex_year_usd_per_mw_year of the year's price year when flex_by_year, else
 * flex_usd_per_mw_year. */
double gs_econ_flex(const gs_econ_site *s, int y);

/** One year of a site's inference demand and what it serves (src/econ/requests.c). */
typedef struct gs_econ_demand_year {
    double peak_rps, mean_rps;       /**< the demand of the year */
    double served_rps;               /**< mean requests/s served: the mean over the week's
                                          hours of min(capacity, demand) */
    double unserved_share;           /**< 1 - served / mean demand (0 when no demand) */
    double utilisation;              /**< served / capacity */
    double usd_per_request;          /**< the price of the year, escalated */
} gs_econ_demand_year;

/** Year y (1..) of site s's demand trajectory (s->req.on; zeroed otherwise). */
gs_econ_demand_year gs_econ_demand_at(const gs_econ_site *s, int y);

/** Mean of a demand shape over the week (GS_ECON_SHAPE_HOURS values). */
double gs_econ_shape_mean(const double *shape);

/* ---- the spread over price years (src/econ/spread.c) ------------------------------------ */

/** How the price years make scenarios. */
typedef enum gs_spread_mode {
    GS_SPREAD_ROTATE = 0,            /**< scenario i starts every site at its price year i and
                                          cycles them (each year used as often as the others) */
    GS_SPREAD_HOLD,                  /**< scenario i holds price year i for the whole horizon */
} gs_spread_mode;

/** "rotate", "hold". */
const char *gs_spread_mode_name(gs_spread_mode m);

/** Percentile p (0..1) of v[0..n-1] by linear interpolation between order statistics (the
 * sample at rank (n - 1) p, numpy's default); v is not changed. NAN when n is 0. */
double gs_econ_percentile(const double *v, size_t n, double p);

/** The metrics of every scenario. Scenario i uses price year i mod n_s at site s (n_s its
 * number of price years); there are as many scenarios as the most price years of any site. */
typedef struct gs_econ_spread {
    gs_spread_mode mode;
    size_t nsites, nscen;
    size_t *start;                   /**< [i * nsites + s]: the price year scenario i starts at */
    double *npv_usd;                 /**< [i * nsites * (GS_NCLASS + 1) + s * (GS_NCLASS + 1) + k]
                                          (k == GS_NCLASS: the site's total); absent classes NAN */
    double *cost_usd_per_mwh;        /**< same layout */
    double *total_npv_usd;           /**< [i]: the deal */
    double *total_cost_usd_per_mwh;  /**< [i] */
    double (*npv_pct)[3];            /**< [s * (GS_NCLASS + 1) + k]: P10, P50, P90 */
    double (*mwh_pct)[3];            /**< the same for cost per MWh */
    double total_npv_pct[3], total_mwh_pct[3];
} gs_econ_spread;

/** Underwrite every scenario of the price years (the sites' price_start is ignored; every
 * other input as in gs_econ_underwrite) and take P10 / P50 / P90 of NPV and cost per MWh per
 * site and class and for the deal. *out: free with gs_econ_spread_free. */
int gs_econ_spread_run(const gs_econ_site *sites, size_t nsites, const gs_econ_terms *t,
                       gs_spread_mode mode, gs_econ_spread **out, gs_error *err);

void gs_econ_spread_free(gs_econ_spread *s);

/* ---- the tornado (src/econ/tornado.c) ---------------------------------------------------- */

/** The inputs a tornado moves. */
typedef enum gs_econ_lever {
    GS_LEVER_DISCOUNT_RATE = 0,      /**< terms.discount_rate (kept in [-0.99, 0.99], or at
                                          the base rate if it lies beyond) */
    GS_LEVER_ENERGY_PRICE,           /**< every price year of every site */
    GS_LEVER_ENERGY_ESCALATION,      /**< terms.energy_escalation (an escalation lever is kept
                                          at -0.99 or above, or at the base if below) */
    GS_LEVER_FACILITY_CAPEX,         /**< facility_capex_usd_per_mw of every unit */
    GS_LEVER_GPU_PRICE,              /**< gpu_capex_usd of every unit */
    GS_LEVER_TRAINING_REVENUE,       /**< revenue_usd_per_gpu_hour of training units */
    GS_LEVER_INFERENCE_REVENUE,      /**< revenue_usd_per_gpu_hour of inference units (and the
                                          price of a request where revenue is per request) */
    GS_LEVER_REVENUE_ESCALATION,     /**< terms.revenue_escalation (and a request price's
                                          escalation) */
    GS_LEVER_FLEX_REVENUE,           /**< flex_usd_per_mw_year (and every price year's
                                          figure) of every site */
    GS_LEVER_PUE,                    /**< pue of every unit (kept >= 1) */
    GS_LEVER_TRAINING_UTILISATION,   /**< utilisation of training units (kept in (0, 1]) */
    GS_LEVER_INFERENCE_UTILISATION,  /**< utilisation of inference units (kept in (0, 1]) */
    GS_LEVER_CAPACITY_CHARGE,        /**< capacity_usd_per_mw_year of every site */
    GS_LEVER_CURTAILED_HOURS,        /**< terms.curtailed_hours_per_year (kept in [0, 8760]) */
    GS_LEVER_INFERENCE_DEMAND,       /**< every listed peak and mean of a site's demand (sites
                                          with revenue per request) */
    GS_LEVER_COLOCATION_RENT,        /**< colo_usd_per_kw_month of every leased unit */
    GS_LEVER_COLOCATION_ESCALATION,  /**< terms.colocation_escalation */
    GS_NLEVERS
} gs_econ_lever;

/** The lever's name, as in the catalogue's tornado list ("discount_rate", "energy_price",
 * ...). */
const char *gs_econ_lever_name(gs_econ_lever l);

/** How a move changes its input: adds low / high to it, or multiplies it by them. */
typedef enum gs_move_kind { GS_MOVE_ADD = 0, GS_MOVE_SCALE } gs_move_kind;

typedef struct gs_econ_move {
    gs_econ_lever lever;
    gs_move_kind kind;
    double low, high;                /**< the change at the low and the high end */
} gs_econ_move;

/** One bar: the deal's NPV with the input at its low and its high end. */
typedef struct gs_econ_bar {
    size_t move;                     /**< index into the moves given */
    double npv_low_usd, npv_high_usd;
    double swing_usd;                /**< |npv_high - npv_low| */
} gs_econ_bar;

typedef struct gs_econ_tornado {
    double base_npv_usd;             /**< the deal's NPV with no input moved */
    size_t nbars, nsites;
    gs_econ_bar *bars;               /**< sorted by swing, largest first (ties: move order) */
    double *site_npv_low_usd;        /**< [bar * nsites + s]: each site's total NPV */
    double *site_npv_high_usd;
} gs_econ_tornado;

/** Move each input to its low and its high end, one at a time, and underwrite again. A move
 * that would take a utilisation out of (0, 1], a PUE below 1 or curtailed hours out of [0,
 * 8760] stops at the bound (docs/underwrite.md). *out: free with gs_econ_tornado_free. */
int gs_econ_tornado_run(const gs_econ_site *sites, size_t nsites, const gs_econ_terms *t,
                        const gs_econ_move *moves, size_t nmoves, gs_econ_tornado **out,
                        gs_error *err);

void gs_econ_tornado_free(gs_econ_tornado *t);

/** Apply one end of a move (end 0: low, 1: high) to copies of the inputs (sites[0..nsites-1]
 * and *t, changed in place). */
void gs_econ_move_apply(const gs_econ_move *m, int end, gs_econ_site *sites, size_t nsites,
                        gs_econ_terms *t);

/* ---- time to power (src/econ/power.c) ---------------------------------------------------- */

/** The value of connecting years_saved earlier on a curtailable contract (the split: training
 * interruptible) than on a firm one, for one site. */
typedef struct gs_econ_power {
    int present;                     /**< 1: the site has training load and years_saved > 0 */
    double years_saved;
    double flexible_mw;              /**< the training grid draw the curtailable contract
                                          covers (it_mw x pue) */
    int headroom_known;
    double headroom_mw;
    int fits;                        /**< headroom known and flexible_mw <= headroom_mw */
    double npv_curtailable_usd;      /**< the site's training as underwritten (interruptible),
                                          starting now; inference, firm and on its firm
                                          connection either way, is not in the comparison */
    double npv_firm_usd;             /**< the training firm (no discount, relief, curtailment
                                          or flexibility revenue), starting now */
    double npv_firm_delayed_usd;     /**< the same, starting years_saved later:
                                          npv_firm / (1 + r)^years_saved */
    double value_usd;                /**< npv_curtailable - npv_firm_delayed */
    double contract_usd;             /**< of which the contract: npv_curtailable - npv_firm */
    double timing_usd;               /**< of which the earlier start: npv_firm - delayed */
} gs_econ_power;

/** Time to power of every site (out[0..nsites-1]); inputs checked as in gs_econ_underwrite. */
int gs_econ_time_to_power(const gs_econ_site *sites, size_t nsites, const gs_econ_terms *t,
                          gs_econ_power *out, gs_error *err);

#endif
