/* gridsplit econ.h: underwriting arithmetic (pure: no I/O, no clock, no globals). The deal
 * model (per site and class: MW, GPUs, prices, costs), the yearly cash-flow table, NPV, IRR,
 * payback, levelised cost per MWh and per GPU-hour, and the contract comparison of a site that
 * holds both classes (docs/underwrite.md gives every formula). Implemented in
 * src/econ/finance.c (NPV, IRR, payback, prices), src/econ/contracts.c (the comparison) and
 * src/econ/cashflow.c (the yearly table). */
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
} gs_econ_unit;

/** One site of the deal. */
typedef struct gs_econ_site {
    char id[GS_ID_MAX];
    gs_econ_unit cls[GS_NCLASS];
    size_t nprice_years;             /**< price years cycled over the horizon (>= 1) */
    int price_year[GS_ECON_PRICE_YEARS_MAX];  /**< calendar years (0: a flat input price) */
    double price_usd_per_mwh[GS_ECON_PRICE_YEARS_MAX]; /**< mean price of each price year */
    double capacity_usd_per_mw_year; /**< transmission and capacity charges per MW of peak grid
                                          draw (IT x PUE) on a firm contract */
    double interconnect_usd_per_mw;  /**< one-off, per MW of grid draw */
    double flex_usd_per_mw_year;     /**< flexibility revenue per MW of training grid draw
                                          (a deal input, not the flex engine) */
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

/** Price of year y (1..) at site s: its price years cycled, escalated by (1 + e)^(y - 1). */
double gs_econ_price(const gs_econ_site *s, const gs_econ_terms *t, int y);

#endif
