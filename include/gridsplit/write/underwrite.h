/* gridsplit underwrite outputs: cashflow.csv, summary.json, spread.csv and tornado.csv
 * (src/write/underwrite_out.c), report.html (src/write/underwrite_report.c); docs/underwrite.md. */
#ifndef GRIDSPLIT_WRITE_UNDERWRITE_H
#define GRIDSPLIT_WRITE_UNDERWRITE_H

#include <stddef.h>

#include "gridsplit/econ.h"
#include "gridsplit/error.h"

/** One input figure in effect, for summary.json's "assumptions". */
typedef struct gs_uw_out_figure {
    const char *name;
    double value;
    const char *source;
} gs_uw_out_figure;

/** The coincident peaks that set a site's capacity charge (ERCOT 4CP, PJM 5CP), for the
 * outputs. */
typedef struct gs_uw_cp {
    int present;
    char zone[GS_ID_MAX];
    char basis[8];                    /**< "4cp" (catalogue intervals) or "5cp" (derived hours) */
    char tz[GS_ID_MAX];               /**< the ISO's clock (the catalogue's peak_tz), "" unknown */
    size_t nyears;                    /**< price years with their peaks */
    int year[GS_ECON_PRICE_YEARS_MAX];
    int intervals[GS_ECON_PRICE_YEARS_MAX]; /**< peak intervals found that year */
    int64_t peak_from[GS_ECON_PRICE_YEARS_MAX][8]; /**< each interval's UTC start, highest first
                                                        for 5cp */
    int64_t peak_to[GS_ECON_PRICE_YEARS_MAX][8];
    double peak_mw[GS_ECON_PRICE_YEARS_MAX][8]; /**< 5cp: the RTO load that hour (MW); 4cp: NAN */
    double share[GS_ECON_PRICE_YEARS_MAX][GS_NCLASS]; /**< firm draw in them / grid_mw */
    double pause_hours[GS_ECON_PRICE_YEARS_MAX]; /**< hours an interruptible class pauses
                                                     for them that year: their length */
    int pause_given;                  /**< 1: the deal's cp_pause_hours_per_year replaces them */
    char note[256];                   /**< how the shares were found */
} gs_uw_cp;

/** Where a site's flexibility revenue came from, per price year (docs/underwrite.md
 * "Flexibility revenue"). */
typedef enum gs_uw_flex_source {
    GS_UW_FLEX_NONE = 0,              /**< no training load at the site */
    GS_UW_FLEX_DEAL,                  /**< flex_usd_per_mw_year of the deal (site or top level) */
    GS_UW_FLEX_ENGINE,                /**< the flex engine over each price year */
} gs_uw_flex_source;

#define GS_UW_FLEX_TEXT 512

/** The flex engine's figures of one site over its price years, for the outputs. */
typedef struct gs_uw_flex {
    gs_uw_flex_source source;
    double grid_mw;                   /**< the training grid draw the figures are per MW of */
    size_t nyears;                    /**< = the site's nprice_years */
    char label[GS_ECON_PRICE_YEARS_MAX][96]; /**< "from the deal", "from the flex engine, price
                                          year 2021" */
    int64_t from_s[GS_ECON_PRICE_YEARS_MAX], to_s[GS_ECON_PRICE_YEARS_MAX]; /**< the period
                                          backtested (engine) */
    double scale[GS_ECON_PRICE_YEARS_MAX];    /**< to a year: 8760 h / the period's hours */
    double revenue_usd[GS_ECON_PRICE_YEARS_MAX];   /**< the site's training clusters, the
                                          period's products (peak products left out) */
    double cost_usd[GS_ECON_PRICE_YEARS_MAX];      /**< curtailment cost and penalties */
    double net_usd[GS_ECON_PRICE_YEARS_MAX];       /**< revenue - cost */
    double hours_curtailed[GS_ECON_PRICE_YEARS_MAX];
    double mwh_shed[GS_ECON_PRICE_YEARS_MAX];
    char products[GS_ECON_PRICE_YEARS_MAX][GS_UW_FLEX_TEXT]; /**< "ERCOT-RT-ENERGY net 102719
                                          USD; ERCOT-ECRS no price (...)" */
} gs_uw_flex;

/** Where a site's inference revenue per request came from (NULL pointers when the site earns
 * per GPU-hour). */
typedef struct gs_uw_req {
    int on;
    const char *price, *capacity, *demand, *shape, *growth;
    double requests_per_s_per_gpu;
    double tokens_per_request;        /**< NAN: priced per request */
    double usd_per_million_tokens;    /**< NAN: priced per request */
    int mean_from_shape;              /**< 1: the means are the peaks x the shape's mean */
    int peak_from_shape;              /**< 1: the peaks are the means / the shape's mean */
} gs_uw_req;

typedef struct gs_uw_outputs {
    const char *deal_path;
    const char *fleet_path;
    const gs_econ_site *sites;        /**< r->nsites */
    const char (*price_note)[64];     /**< r->nsites: where each site's prices came from */
    const gs_econ_terms *terms;
    const gs_econ_result *r;
    const gs_uw_out_figure *figures;
    size_t nfigures;
    /* Optional (NULL: not written). */
    const gs_econ_spread *spread;     /**< the spread over price years */
    const gs_econ_tornado *tornado;   /**< the tornado over moves[0..nmoves-1] */
    const gs_econ_move *moves;
    const char *const *move_source;   /**< [nmoves]: each range's source */
    size_t nmoves;
    const gs_econ_power *power;       /**< [r->nsites]: time to power */
    const char *const *headroom_note; /**< [r->nsites]: where each headroom came from ("" none) */
    const gs_uw_cp *cp;               /**< [r->nsites]: coincident peaks, NULL entries for none */
    const gs_uw_flex *flex;           /**< [r->nsites]: where flexibility revenue came from */
    const gs_uw_req *req;             /**< [r->nsites]: revenue per request's sources */
} gs_uw_outputs;

/** Write DIR/cashflow.csv (one row per site, class and year; the site totals; the deal's
 * total) and DIR/summary.json (metrics per site and class, totals, contract comparisons, the
 * figures in effect with their sources; the spread, tornado, time to power and coincident
 * peaks when given), with DIR/spread.csv and DIR/tornado.csv when those are given, each under
 * a temporary name and renamed. */
int gs_uw_write_outputs(const gs_uw_outputs *o, const char *dir, gs_error *err);

/** The data block of report.html: summary.json's content plus every cash-flow row (per site
 * and class, the site totals, the deal) as compact JSON text; malloc'd (free()), NULL on out
 * of memory. */
char *gs_uw_report_json(const gs_uw_outputs *o);

/** Write DIR's report.html (path) from gs_uw_report_json: one self-contained page
 * (web/underwrite.html, .css, .js inline; src/write/underwrite_report.c), under a temporary
 * name and renamed. */
int gs_uw_write_report(const gs_uw_outputs *o, const char *path, gs_error *err);

#endif
