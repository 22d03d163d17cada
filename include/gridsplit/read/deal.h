/* gridsplit deal files: the DEAL.yaml of `gridsplit underwrite` (docs/underwrite.md) and the
 * built-in underwriting catalogue data/catalog/underwrite.yaml, whose every default names its
 * source (src/read/deal.c). */
#ifndef GRIDSPLIT_READ_DEAL_H
#define GRIDSPLIT_READ_DEAL_H

#include <stddef.h>

#include "gridsplit/econ.h"
#include "gridsplit/error.h"
#include "gridsplit/fleet.h"

/** The scalar figures of the catalogue, each overridable at the deal's top level. */
typedef enum gs_uw_key {
    GS_UW_DISCOUNT_RATE = 0,
    GS_UW_ENERGY_ESCALATION,
    GS_UW_REVENUE_ESCALATION,
    GS_UW_COST_ESCALATION,
    GS_UW_MAINTENANCE_SHARE,
    GS_UW_INSURANCE_SHARE,
    GS_UW_PROPERTY_TAX_SHARE,
    GS_UW_STAFF_USD_PER_MW_YEAR,
    GS_UW_INTERCONNECT_USD_PER_MW,
    GS_UW_CAPACITY_USD_PER_MW_YEAR,
    GS_UW_REFRESH_YEARS,
    GS_UW_TRAINING_USD_PER_GPU_HOUR,
    GS_UW_INFERENCE_USD_PER_GPU_HOUR,
    GS_UW_INFERENCE_UTILISATION,
    GS_UW_INTERRUPTIBLE_ENERGY_DISCOUNT,
    GS_UW_INTERRUPTIBLE_CAPACITY_RELIEF,
    GS_UW_CURTAILED_HOURS_PER_YEAR,
    GS_UW_INFERENCE_SLA_PENALTY,
    GS_UW_MUSTRUN_REDUNDANCY_USD_PER_MW,
    GS_UW_DENSITY_BASE_KW,
    GS_UW_DENSITY_USD_PER_MW_PER_KW,
    GS_UW_YEARS_SAVED,
    GS_UW_INFERENCE_USD_PER_1000_REQUESTS, /**< revenue per request: the price (default) */
    GS_UW_TOKENS_PER_REQUEST,        /**< a price per million tokens x this = per request */
    GS_UW_REQUEST_PRICE_ESCALATION,  /**< the price of a request changes by this a year */
    GS_UW_COLOCATION_USD_PER_KW_MONTH, /**< colocation: rent per leased IT kW per month */
    GS_UW_COLOCATION_ESCALATION,     /**< colocation: the rent changes by this a year */
    GS_UW_NKEYS
} gs_uw_key;

/** The key's name in the catalogue and the deal ("discount_rate"). */
const char *gs_uw_key_name(gs_uw_key k);

#define GS_UW_SOURCE_MAX 512
#define GS_UW_LIST_MAX 32

/** One figure in effect and where it came from (the catalogue's source, or "deal file"). */
typedef struct gs_uw_figure {
    double value;
    char source[GS_UW_SOURCE_MAX];
} gs_uw_figure;

/** Per-site overrides from the deal (NAN: not given) and where the entry is. */
typedef struct gs_deal_site {
    char id[GS_ID_MAX];
    int line, column;
    double price_usd_per_mwh;
    double capacity_usd_per_mw_year;
    double flex_usd_per_mw_year;
    double interconnect_usd_per_mw;
    double training_usd_per_gpu_hour;
    double inference_usd_per_gpu_hour;
    double inference_utilisation;
    double facility_capex_usd_per_mw;
    double years_saved;              /**< time to power (NAN: the deal's or the catalogue's) */
    double headroom_mw;              /**< the zone's flexible-load headroom (NAN: not given) */
    double cp_pause_hours_per_year;  /**< hours an interruptible class pauses for the zone's
                                          coincident peaks each year (NAN: the peaks' own
                                          length) */
    /* inference revenue per request (NAN: not given here) */
    double inference_usd_per_1000_requests;
    double inference_usd_per_million_tokens;
    double tokens_per_request;
    int demand_given;                /**< 1: the site's demand trajectory (`demand:`) */
    int demand_line, demand_column;
    size_t demand_npeak, demand_nmean;  /**< years listed (a number is one year) */
    double demand_peak_rps[GS_ECON_DEMAND_YEARS_MAX];
    double demand_mean_rps[GS_ECON_DEMAND_YEARS_MAX];
    double demand_growth;            /**< NAN: the service's growth_per_year */
    /* colocation revenue per kW-month (docs/underwrite.md): on when any colocation_ field is
     * given; NAN / -1: not given */
    int colocation;                  /**< 1: the site (colocation_classes of it) is leased */
    int colocation_classes;          /**< bit 1 << GS_TRAINING, 1 << GS_INFERENCE (0: every
                                          class the site has) */
    double colocation_usd_per_kw_month; /**< NAN: the deal's or the catalogue's */
    double colocation_occupancy;     /**< share of IT capacity leased (NAN: 1) */
    double colocation_leased_kw;     /**< leased IT kW (NAN: it_mw x 1000 x occupancy) */
    int colocation_pass_through;     /**< -1: not given (true); 0, 1 */
} gs_deal_site;

/** How a zone charges transmission and capacity (the catalogue's zones, `basis`). */
typedef enum gs_uw_basis {
    GS_UW_BASIS_PEAK = 0,            /**< per MW of peak grid draw */
    GS_UW_BASIS_4CP,                 /**< per MW drawn in the four coincident peaks (ERCOT) */
    GS_UW_BASIS_5CP,                 /**< per MW drawn in the five coincident peak hours of the
                                          zone's RTO load (PJM), derived from peak_load */
} gs_uw_basis;

/** A deal file with the catalogue's defaults applied. */
typedef struct gs_deal {
    char path[GS_PATH_MAX];          /**< the deal file, as named in errors */
    char fleet_path[GS_PATH_MAX];    /**< resolved relative to the deal file */
    int horizon_years;
    double price_usd_per_mwh;        /**< flat price where a site has no price series; NAN */
    double flex_usd_per_mw_year;     /**< flexibility revenue per MW of training grid draw */
    int flex_given;                  /**< 1: the deal gives flex_usd_per_mw_year (top level):
                                          every site takes it instead of the flex engine's */
    int fig_given[GS_UW_NKEYS];      /**< 1: the deal overrides that catalogue figure */
    double inference_usd_per_million_tokens; /**< NAN: not given at the top level */
    gs_uw_figure fig[GS_UW_NKEYS];
    gs_uw_figure capex[3];           /**< facility capex per MW by gs_cooling */
    size_t ngpus;
    char gpu_id[GS_UW_LIST_MAX][GS_ID_MAX];
    gs_uw_figure gpu_price[GS_UW_LIST_MAX];
    size_t nzones;
    char zone_id[GS_UW_LIST_MAX][GS_ID_MAX];
    gs_uw_figure zone_capacity[GS_UW_LIST_MAX];
    gs_uw_basis zone_basis[GS_UW_LIST_MAX];
    char zone_peak_load[GS_UW_LIST_MAX][GS_PATH_MAX]; /**< basis 5cp: the RTO's hourly load
                                          (EIA-930 file, ${GS_SHARED} expanded); else "" */
    char zone_peak_tz[GS_UW_LIST_MAX][GS_ID_MAX];     /**< basis 5cp: the time zone of its days */
    size_t nmoves;                   /**< the tornado: each input's range, with its source */
    gs_econ_move moves[GS_NLEVERS];
    char move_source[GS_NLEVERS][GS_UW_SOURCE_MAX];
    gs_spread_mode spread_mode;      /**< the deal's price_spread (default rotate) */
    size_t nsites;
    gs_deal_site *sites;
} gs_deal;

/** The catalogue's basis of the fleet zone id (GS_UW_BASIS_PEAK when it has no entry). */
gs_uw_basis gs_deal_zone_basis(const gs_deal *d, const char *zone_id);

/** The catalogue's entry of the fleet zone id (-1 when it has none). */
int gs_deal_zone_index(const gs_deal *d, const char *zone_id);

/** Read the catalogue (embedded) and the deal file at path. *out owns a new deal (free with
 * gs_deal_free). Bad input: GS_EINPUT naming file, line, column, field, expected and found. */
int gs_deal_load(const char *path, gs_deal **out, gs_error *err);

void gs_deal_free(gs_deal *d);

/** Where a site's inference revenue per request came from (gs_deal_resolve_ex). */
typedef struct gs_deal_req_note {
    int on;                          /**< 1: the site earns per request */
    char price[256];                 /**< "deal file (site): 0.22 USD per million tokens x 1366
                                          tokens per request" */
    char capacity[256];              /**< "fleet: 24576 GPUs x 10 requests/s per GPU (chat)" */
    char demand[256];                /**< "deal file (site)" or the fleet's service peak */
    char shape[256];                 /**< "fleet: the diurnal shape of service chat ..." */
    char growth[192];
    double requests_per_s_per_gpu;   /**< GPU-weighted over the site's inference clusters */
    double tokens_per_request;       /**< NAN when the price is per request */
    double usd_per_million_tokens;   /**< NAN when the price is per request */
    int mean_from_shape;             /**< 1: every mean is its peak x the shape's mean */
    int peak_from_shape;             /**< 1: every peak is its mean / the shape's mean */
} gs_deal_req_note;

/** gs_deal_resolve, and where each site's revenue per request came from (req_note[i], may be
 * NULL). A site earns per request (sites[i].req.on) when the deal gives it (or the deal's top
 * level) a price per 1000 requests or per million tokens, or the site a `demand:` trajectory:
 * capacity = GPUs x the service's requests_per_s_per_gpu; demand from the site's `demand:`
 * (else the services' peak_requests_per_s, each times the site's share of the service's
 * GPUs); its form over a week from the services' diurnal shapes, each region in its own local
 * time (reads the tz database). Errors name the deal's line (GS_EINPUT): a site without
 * inference, a service with measured demand (no shape), two prices at one level. */
int gs_deal_resolve_ex(const gs_deal *d, const gs_fleet *f, gs_econ_site *sites,
                       gs_econ_terms *terms, char (*price_note)[64], gs_deal_req_note *req_note,
                       gs_error *err);

/** The econ engine's inputs from the deal and its fleet (series loaded where the fleet has
 * them: a zone's price series gives one price per calendar year with at least 90 % of its
 * hours, cycled over the horizon). sites (d->nsites) and *terms are filled; price_note[i]
 * (64 bytes each, may be NULL) says where site i's prices came from; years_saved and a given
 * headroom_mw are copied. Capacity is charged on peak draw (cp_basis 0): the shares of a zone
 * charged on its coincident peaks need the simulation, which `gridsplit underwrite` runs
 * (src/cli/cmd_underwrite.c, gs_deal_zone_basis says which zones). A deal site missing from
 * the fleet, a GPU without a price, a site without any price: GS_EINPUT at the deal's line. */
int gs_deal_resolve(const gs_deal *d, const gs_fleet *f, gs_econ_site *sites,
                    gs_econ_terms *terms, char (*price_note)[64], gs_error *err);

#endif
