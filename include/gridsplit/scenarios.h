/* gridsplit scenarios: trajectories of training and inference demand by year, and what they do
 * to a fleet: MW by class per site per year, the share of each site's interconnection and of
 * its zone's curtailment-enabled headroom that demand takes, flexibility revenue from the market
 * catalogue (valued as `gridsplit site` values it, gridsplit/site.h), each site's NPV under each
 * scenario (the underwriting engine, gridsplit/econ.h, as it is) and, for training campuses,
 * whether their idle MW could turn into inference within the latency budget (stranded-asset
 * risk, gridsplit/latency.h). docs/scenarios.md gives every rule. Pure: no I/O, no clock, no
 * globals, deterministic (src/econ/scenarios.c). */
#ifndef GRIDSPLIT_SCENARIOS_H
#define GRIDSPLIT_SCENARIOS_H

#include <stddef.h>

#include "gridsplit/econ.h"
#include "gridsplit/error.h"
#include "gridsplit/fleet.h"
#include "gridsplit/site.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Entries of a growth path or a curve at most. */
#define GS_SCEN_STEPS_MAX 16
/** Room for a figure's source. */
#define GS_SCEN_SOURCE_MAX 320
/** Calendar years a scenario may speak of. */
#define GS_SCEN_YEAR_MIN 1990
#define GS_SCEN_YEAR_MAX 2150
/** Growth rates per year: above -1 (a class cannot fall below nothing), at most 10 (+1,000 %). */
#define GS_SCEN_RATE_MAX 10.0

/** From from_year on (until the next step), demand grows by rate a year: the index of year y is
 * the index of y - 1 times (1 + rate). */
typedef struct gs_scen_rate {
    int from_year;
    double rate;
    char source[GS_SCEN_SOURCE_MAX];
} gs_scen_rate;

/** A growth path: steps by ascending from_year; before the first step, no growth. */
typedef struct gs_scen_growth {
    size_t n;
    gs_scen_rate step[GS_SCEN_STEPS_MAX];
} gs_scen_growth;

typedef struct gs_scen_point {
    int year;
    double value;
    char source[GS_SCEN_SOURCE_MAX];
} gs_scen_point;

/** A curve of values by year: linear between its points (by ascending year), held at the first
 * point's value before it and at the last one's after it. */
typedef struct gs_scen_curve {
    size_t n;
    gs_scen_point pt[GS_SCEN_STEPS_MAX];
} gs_scen_curve;

/** How a scenario says what each class's demand does. */
typedef enum gs_scen_form {
    GS_SCEN_CLASSES = 0,     /**< a growth path for training and one for inference */
    GS_SCEN_TOTAL_SHARE,     /**< a growth path for all AI demand, and the inference share */
    GS_SCEN_TRAINING_SHARE,  /**< training's growth path, and the inference share */
    GS_SCEN_INFERENCE_SHARE, /**< inference's growth path, and the inference share */
    GS_SCEN_BETWEEN,         /**< the mix of two other scenarios (geometric, by weight) */
    GS_SCEN_NFORMS
} gs_scen_form;

/** "classes", "total_share", "training_share", "inference_share", "between". */
const char *gs_scen_form_name(gs_scen_form f);

/** One scenario. The index of a class in a year is its demand relative to the base year (the
 * fleet as it is): 1 in the base year. */
typedef struct gs_scenario {
    char id[GS_ID_MAX];
    char name[160];
    char source[GS_SCEN_SOURCE_MAX];  /**< where the scenario as a whole comes from */
    char origin[GS_PATH_MAX];         /**< "catalogue" or the file it was read from */
    gs_scen_form form;
    gs_scen_growth training, inference, total;
    gs_scen_curve share;              /**< inference's share of AI data-centre demand, in (0, 1) */
    size_t between[2];                /**< BETWEEN: the two scenarios mixed (earlier in the set) */
    double weight;                    /**< BETWEEN: weight of between[1], in [0, 1] */
} gs_scenario;

/** The growth index of year relative to base_year: the product of (1 + rate) over the years
 * base_year + 1 .. year (its inverse for a year before base_year); 1 in base_year. */
double gs_scen_growth_index(const gs_scen_growth *g, int base_year, int year);

/** The curve's value in year (linear between points, held outside them); NAN for no point. */
double gs_scen_curve_at(const gs_scen_curve *c, int year);

/** Check a set of scenarios: ids non-empty and unique, growth steps ascending with rates in
 * (-1, GS_SCEN_RATE_MAX], shares in (0, 1) by ascending year, years in [GS_SCEN_YEAR_MIN,
 * GS_SCEN_YEAR_MAX], the paths each form needs (and no others), a BETWEEN's two scenarios
 * earlier in the set and its weight in [0, 1]. GS_EINPUT naming "scenarios[i].field". */
int gs_scen_check(const gs_scenario *set, size_t n, gs_error *err);

/** The index of each class in year for scenario i of a checked set (docs/scenarios.md):
 *   CLASSES:         training = G_t(y), inference = G_i(y)
 *   TOTAL_SHARE:     training = G(y) (1 - s(y)) / (1 - s(b)), inference = G(y) s(y) / s(b)
 *   TRAINING_SHARE:  training = G_t(y), inference = G_t(y) odds(s(y)) / odds(s(b))
 *   INFERENCE_SHARE: inference = G_i(y), training = G_i(y) odds(s(b)) / odds(s(y))
 *   BETWEEN:         idx_k = a_k^(1 - w) b_k^w
 * with G the growth index from base_year b, s the inference share curve, odds(s) = s / (1 - s).
 * idx[GS_TRAINING] and idx[GS_INFERENCE] are filled. */
void gs_scen_index(const gs_scenario *set, size_t n, size_t i, int base_year, int year,
                   double idx[GS_NCLASS]);

/* ---- applied to a fleet ------------------------------------------------------------------ */

/** The figures the application uses beside the scenarios (the catalogue's defaults). */
typedef struct gs_scen_params {
    double max_utilisation[GS_NCLASS]; /**< the highest mean GPU activity demand growth can lift a
                                            class to, (0, 1] (the base is kept when higher) */
    double large_region_share;         /**< a demand region holding at least this share of its
                                            service's users is "large demand", (0, 1] */
    double rtt_limit_ms;               /**< > 0: the round-trip budget of the conversion test;
                                            0: each service's latency_budget_ms less its
                                            server_time_ms (GS_ROUTE_DEFAULT_SERVER_MS if unset) */
    gs_scen_curve rack_kw[GS_NCLASS];  /**< rack density of new racks of each class by year, kW */
} gs_scen_params;

/** What the run needs. Pointers not marked optional must be set. */
typedef struct gs_scen_inputs {
    const gs_fleet *fleet;
    const gs_scenario *set;            /**< every scenario known (checked with gs_scen_check) */
    size_t nset;
    const size_t *run;                 /**< the scenarios to run: indexes into set */
    size_t nrun;
    int from_year;                     /**< the first year of the table: the fleet as it is */
    int years;                         /**< years in the table, 1..100 */
    gs_scen_params params;
    const double *zone_headroom_mw;    /**< [fleet->nzones]: each zone's headroom, NAN unknown
                                            (optional: NULL, all unknown) */
    /* flexibility revenue (optional: markets NULL for none) */
    const struct gs_market_catalog *markets;
    const gs_site_market_series *mseries; /**< product price series of market_year (may be NULL) */
    size_t nmseries;
    int market_year;                   /**< the year the catalogue's prices are taken from */
    /* underwriting (optional: econ NULL for none) */
    const gs_econ_site *econ;          /**< sites of a resolved deal, matched to the fleet by id;
                                            their flex_usd_per_mw_year is replaced by the market
                                            figure of each year */
    size_t necon;
    const gs_econ_terms *terms;        /**< the deal's terms; terms->years is the NPV horizon */
} gs_scen_inputs;

/** One class at one site in one year of one scenario. NAN where a figure does not apply or is
 * unknown (written as empty or null, never as a number). */
typedef struct gs_scen_cell {
    double index;              /**< the class's demand index */
    double capacity_mw;        /**< the class's grid nameplate at the site: IT x peak PUE */
    double demand_mw;          /**< capacity_mw x index: the grid capacity the demand needs */
    double served_mw;          /**< min(demand, capacity): what the site as built takes */
    double unserved_mw;        /**< demand - served: growth the site cannot take */
    double spare_mw;           /**< capacity - served: idle capacity */
    double convertible_mw;     /**< training: spare MW within the latency budget of large demand */
    double stranded_mw;        /**< training: spare MW beyond it (the stranded-asset risk) */
    double interconnect_share; /**< demand_mw / the site's interconnect_mw */
    double headroom_share;     /**< demand_mw / the zone's headroom (NAN: unknown or 0) */
    double utilisation;        /**< min(max(u_max, u0), u0 x index): mean GPU activity */
    double load_mw;            /**< capacity_mw x utilisation: mean grid draw */
    double flex_usd;           /**< training: market revenue of the year at load_mw */
    double rack_kw;            /**< density of the class's new racks this year */
    int rack_fits;             /**< 1 when rack_kw <= what the site hosts (rack_kw_max and cooling) */
} gs_scen_cell;

/** What the fleet says of a site, and the tests made once per site. */
typedef struct gs_scen_site {
    int present[GS_NCLASS];
    double capacity_mw[GS_NCLASS];
    double base_utilisation[GS_NCLASS]; /**< u0: the deal's, else training's clusters (GPU-
                                             weighted); NAN for inference without a deal */
    double interconnect_mw;
    double headroom_mw;                 /**< its zone's (NAN unknown) */
    double rack_kw_host;                /**< min(rack_kw_max, the cooling's cap of site.h) */
    /* conversion test (sites with training) */
    int assessed;                       /**< 1: a large demand region exists */
    char region[GS_ID_MAX], service[GS_ID_MAX];
    double region_share, rtt_ms, limit_ms; /**< the nearest large region, its RTT and budget */
    int convertible;                    /**< rtt_ms <= limit_ms */
    /* flexibility at the base load (sites with training, markets given) */
    int flex_valued;
    double flex_base_load_mw, flex_base_offer_mw, flex_base_usd;
    size_t nmarket;
    gs_site_market_line market[GS_SITE_MAX_MARKET]; /**< the product lines of site.h */
    /* underwriting */
    int underwritten;                   /**< 1: the site is in the deal */
} gs_scen_site;

/** A site's value under one trajectory: the composed cash flows' metrics. */
typedef struct gs_scen_value {
    double npv_usd;
    gs_irr irr;
    int payback_reached;
    double payback_years;
    double pv_flex_usd;
} gs_scen_value;

/** Fleet totals of one class in one year of one scenario. */
typedef struct gs_scen_total {
    double demand_mw, served_mw, unserved_mw, spare_mw, convertible_mw, stranded_mw, flex_usd;
} gs_scen_total;

typedef struct gs_scen_result {
    size_t nrun, nsites, nzones;
    int from_year, years, horizon;      /**< horizon: the NPV's years (0 without a deal) */
    gs_scen_cell *cells;                /**< [((r x years + y) x nsites + s) x GS_NCLASS + k] */
    gs_scen_site *sites;                /**< [s] */
    gs_scen_value *value;               /**< [r x nsites + s] (underwritten sites) */
    gs_scen_value *flat;                /**< [s]: every index 1, the fleet as it is every year */
    gs_scen_total *totals;              /**< [(r x years + y) x GS_NCLASS + k] */
    double *zone_share;                 /**< [(r x years + y) x nzones + z]: the fleet's demand in
                                             the zone / its headroom (NAN unknown) */
    double *index;                      /**< [(r x years + y) x GS_NCLASS + k] */
} gs_scen_result;

/** Apply the scenarios to the fleet (docs/scenarios.md). Flexibility revenue is gs_site_rank's
 * market value of a one-candidate file per training site at each year's load (cached by load).
 * NPVs: per underwritten site, gs_econ_underwrite at utilisation 1 and 0.5 (flexibility 0)
 * gives each row as a + b x utilisation (checked at 0.75: GS_ERUNTIME if the engine's rows are
 * not affine in utilisation); each year's rows at that year's utilisation plus the year's
 * flexibility revenue are the flows of gs_econ_npv, gs_econ_irr and gs_econ_payback. Returns
 * 0, GS_EINPUT (bad inputs, naming the field), GS_ERUNTIME or GS_ENOMEM. *out: free with
 * gs_scen_result_free. */
int gs_scen_run(const gs_scen_inputs *in, gs_scen_result **out, gs_error *err);

void gs_scen_result_free(gs_scen_result *r);

/** The cell of run r, year index y (0..years-1), site s, class k. */
const gs_scen_cell *gs_scen_cell_at(const gs_scen_result *res, size_t r, int y, size_t s, int k);

#ifdef __cplusplus
}
#endif
#endif
