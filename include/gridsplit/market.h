/* gridsplit markets: the catalogue of products a large flexible load can earn from (capacity,
 * reserves, regulation, emergency programmes, avoided peak charges, price-responsive energy) and
 * of real historical grid events, and the pure rules the planner and `flex` apply to them:
 * eligibility of a load class, whether a deployment fits a product, stacking (never the same MW
 * sold twice in one interval), availability and energy payments, and shortfall penalties.
 * Catalogues: data/catalog/markets.yaml and grid_events.yaml (embedded at build time; format and
 * sources in docs/markets.md), optionally overridden by a user file. Loading lives in
 * src/read/market_catalog.c (gridsplit/read/market.h); queries over it in src/market/catalog.c; the rules in src/market/rules.c are pure (no I/O, clock or globals). */
#ifndef GRIDSPLIT_MARKET_H
#define GRIDSPLIT_MARKET_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/fleet.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_MARKET_ZONES_MAX 8
#define GS_MARKET_TEXT 512

/** What a product pays for. */
typedef enum gs_product_kind {
    GS_PK_CAPACITY = 0,   /**< resource adequacy (e.g. PJM capacity as demand response) */
    GS_PK_RESERVE,        /**< contingency / frequency reserves (ECRS, RRS, Non-Spin, SR, FCR, ...) */
    GS_PK_REGULATION,     /**< continuous regulation (ERCOT Reg, aFRR) */
    GS_PK_EMERGENCY,      /**< emergency programmes (ERCOT ERS, PJM load management) */
    GS_PK_PEAK,           /**< avoided peak-based charges (ERCOT 4CP, PJM 5CP) */
    GS_PK_ENERGY,         /**< price-responsive energy (day-ahead, intraday, real-time) */
} gs_product_kind;
/** "capacity", "reserve", "regulation", "emergency", "peak", "energy" */
const char *gs_product_kind_name(gs_product_kind k);

/** Direction in load terms: down = the load reduces its draw; up = it increases it. */
typedef enum gs_direction { GS_DIR_DOWN = 0, GS_DIR_UP, GS_DIR_BOTH } gs_direction;
/** "down", "up", "both" */
const char *gs_direction_name(gs_direction d);

/** Whether a load class may provide a product. */
typedef enum gs_eligibility {
    GS_ELIG_NO = 0,       /**< not at all */
    GS_ELIG_YES,          /**< by reducing (or raising) its own draw */
    GS_ELIG_SHIFT,        /**< only by moving load to another site (inference: geographic shift) */
} gs_eligibility;
/** "no", "yes", "shift" */
const char *gs_eligibility_name(gs_eligibility e);

/** Units of a price: a currency and a basis. Availability bases: per MW of capability per hour
 * (MW-h), per day (MW-day) or per kW per month (kW-month, as capacity auctions publish it).
 * Energy basis: per MWh delivered. A figure stays in the currency it was published in; money is
 * converted to USD where it is summed, at the catalogue's exchange rates (gs_market_price_at). */
typedef enum gs_price_unit {
    GS_UNIT_NONE = 0,
    GS_UNIT_USD_PER_MW_H,     /**< "USD/MW-h" */
    GS_UNIT_USD_PER_MW_DAY,   /**< "USD/MW-day" */
    GS_UNIT_EUR_PER_MW_H,     /**< "EUR/MW-h" */
    GS_UNIT_USD_PER_MWH,      /**< "USD/MWh" */
    GS_UNIT_EUR_PER_MWH,      /**< "EUR/MWh" */
    GS_UNIT_CAD_PER_MW_H,     /**< "CAD/MW-h" */
    GS_UNIT_CAD_PER_MWH,      /**< "CAD/MWh" */
    GS_UNIT_NOK_PER_MW_H,     /**< "NOK/MW-h" */
    GS_UNIT_NOK_PER_MWH,      /**< "NOK/MWh" */
    GS_UNIT_USD_PER_KW_MONTH, /**< "USD/kW-month" */
    GS_UNIT_CAD_PER_KW_MONTH, /**< "CAD/kW-month" */
    GS_UNIT_EUR_PER_MW_DAY,   /**< "EUR/MW-day" */
} gs_price_unit;
#define GS_UNIT_LAST GS_UNIT_EUR_PER_MW_DAY
/** "USD/MW-h", ... ; "none" for GS_UNIT_NONE */
const char *gs_price_unit_name(gs_price_unit u);
/** 1 for availability units (per MW of capability over time), 0 otherwise. */
int gs_price_unit_is_availability(gs_price_unit u);
/** 1 for energy units (per MWh), 0 otherwise. */
int gs_price_unit_is_energy(gs_price_unit u);
/** The currency of a unit: "USD", "EUR", "CAD", "NOK"; "" for GS_UNIT_NONE. */
const char *gs_price_unit_currency(gs_price_unit u);
/** Hours of one MW of capability that one unit of an availability price pays for: MW-h 1,
 * MW-day 24, kW-month 0.73 (a month of 730 h = 8760 / 12, per 1000 kW: the annual total is
 * exact, a single month's is within 2 %). NaN for energy units and GS_UNIT_NONE. */
double gs_price_unit_mw_hours(gs_price_unit u);

/** Days of the week a segment covers (gs_published_price.days), bit d for weekday d with
 * 0 = Monday .. 6 = Sunday. */
#define GS_DAYS_ALL 0x7f

/** A published figure standing in for a price series: an auction result or an average over a
 * period. The reader resolves `period` into [from_s, to_s) when it is a span: "YYYY" (calendar
 * year, UTC), "YYYY/YYYY" (a June-May delivery or planning year from June 1 04:00Z),
 * "YYYY-MM..YYYY-MM" (whole months, UTC) or "YYYY-MM-DD..YYYY-MM-DD" (whole days, UTC); any other
 * text ("2025, 12:00-16:00") is listed but never applied (from_s == to_s == 0; a figure built by
 * hand with both 0 gets its span from period: gs_period_span). A segment (days, hours and a
 * fixed UTC offset) limits the figure to part of each week. */
typedef struct gs_published_price {
    char period[32];          /**< "2025/2026", "2023", "2024-06..2024-08" */
    char zone[GS_ID_MAX];     /**< zone it applies to ("PJM-RTO", "PJM-DOM", "ERCOT", "DE-LU") */
    double value;             /**< as published, in unit's currency */
    gs_price_unit unit;
    char label[128];          /**< "auction clearing price", "published annual average", ... */
    char source[GS_MARKET_TEXT];
    int64_t from_s, to_s;     /**< UTC span of the period; both 0: not a span, never applied */
    unsigned days;            /**< segment: weekdays it covers (GS_DAYS_ALL: every day) */
    int minute_from, minute_to; /**< segment: local minutes of the day [from, to) (0, 1440: all) */
    int utc_offset_s;         /**< segment: local time = UTC + this (fixed; no daylight saving) */
    int line;                 /**< line in the catalogue file */
} gs_published_price;

/** An exchange rate of the catalogue: one unit of base buys rate units of currency, on average
 * over year (an annual average of a central bank's daily reference rates). */
typedef struct gs_fx_rate {
    char currency[4];         /**< "CAD", "NOK", "EUR", "USD" */
    char base[4];
    int year;
    double rate;              /**< units of currency per unit of base, > 0 */
    char source[GS_MARKET_TEXT];
    char file[GS_PATH_MAX];
    int line;
} gs_fx_rate;

/** A price series in a file, read by the importers (gs_import_points with this format). */
typedef struct gs_price_series {
    char format[32];          /**< importer format: "ercot-dam-as", "price", ... */
    char path[GS_PATH_MAX];   /**< as written, with ${GS_SHARED} unexpanded */
    char column[64];          /**< value column ("RRS", "REGUP", ...), "" for the default */
    gs_price_unit unit;
    char span[64];            /**< years the files cover, as stated */
    char source[GS_MARKET_TEXT];
} gs_price_series;

/** One market product. Figures not published (or not found with a source) are NaN; every
 * figure present has a source in the matching src_* field. */
typedef struct gs_product {
    char id[GS_ID_MAX];                 /**< "ERCOT-ECRS", "PJM-CAPACITY-DR", "DE-FCR", ... */
    char name[128];
    char market[16];                    /**< "ERCOT", "PJM", "EU" */
    size_t nzones;
    char zones[GS_MARKET_ZONES_MAX][GS_ID_MAX];
    gs_product_kind kind;
    gs_direction direction;
    double notice_s;                    /**< notice before the deployment starts (0: none) */
    double full_response_s;             /**< from instruction to full response */
    double min_duration_s, max_duration_s;  /**< of one deployment (or of one product block) */
    double max_calls_per_day, max_calls_per_year;
    gs_price_unit availability_unit;    /**< GS_UNIT_NONE: availability not paid */
    gs_price_unit energy_unit;          /**< GS_UNIT_NONE: energy not paid by the product */
    double penalty_factor;              /**< share of the availability payment forfeited per MW
                                             short (1 = forfeit); NaN: not published (rules.c
                                             then uses 1, the model's assumption) */
    gs_eligibility eligible[GS_NCLASS]; /**< by gs_class */
    int priority;                       /**< default stacking order (lower first) */
    int64_t opens_s;                    /**< UTC time the product began (0: before any data);
                                             a published annual figure applies from then */
    char telemetry[GS_MARKET_TEXT], baseline[GS_MARKET_TEXT], penalty[GS_MARKET_TEXT];
    char payment[GS_MARKET_TEXT];       /**< how availability and energy are paid, in words */
    char notes[GS_MARKET_TEXT];
    int has_series;
    gs_price_series series;
    size_t nprices;
    gs_published_price *prices;         /**< owned */
    /* sources of each group of rules and figures ("" when the group is absent) */
    char src_rules[GS_MARKET_TEXT], src_timing[GS_MARKET_TEXT], src_duration[GS_MARKET_TEXT];
    char src_frequency[GS_MARKET_TEXT], src_payment[GS_MARKET_TEXT], src_penalty[GS_MARKET_TEXT];
    char src_eligibility[GS_MARKET_TEXT], src_telemetry[GS_MARKET_TEXT];
    char file[GS_PATH_MAX];             /**< catalogue it came from, and its line */
    int line;
} gs_product;

typedef enum gs_event_kind {
    GS_EV_EMERGENCY = 0,      /**< "emergency": energy emergency alert */
    GS_EV_4CP,                /**< "4cp": an ERCOT 4CP interval */
    GS_EV_LOAD_MANAGEMENT,    /**< "load-management": demand response dispatched */
    GS_EV_RESERVE_DEPLOYMENT, /**< "reserve-deployment" */
} gs_event_kind;
const char *gs_event_kind_name(gs_event_kind k);

/** How exactly start and end are known. minute: as published; hour: the source gives the clock
 * hour only (the window brackets it); day: the source gives the day(s) only (the window spans
 * the local days). */
typedef enum gs_time_precision { GS_PREC_MINUTE = 0, GS_PREC_HOUR, GS_PREC_DAY } gs_time_precision;
const char *gs_time_precision_name(gs_time_precision p);

/** A real historical grid event. */
typedef struct gs_grid_event {
    char id[GS_ID_MAX];
    size_t nzones;
    char zones[GS_MARKET_ZONES_MAX][GS_ID_MAX];
    gs_event_kind kind;
    int64_t start_s, end_s;   /**< UTC */
    gs_time_precision precision;
    char level[32];           /**< "EEA2", "EEA3", "pre-emergency", ... ("" when none) */
    char action[GS_MARKET_TEXT];  /**< what loads were asked to do */
    char source[GS_MARKET_TEXT];
    char notes[GS_MARKET_TEXT];
    char file[GS_PATH_MAX];
    int line;
} gs_grid_event;

/** Both catalogues. Free with gs_market_catalog_free. */
typedef struct gs_market_catalog {
    size_t nproducts, nevents;
    gs_product *products;
    gs_grid_event *events;
    size_t nfx;
    gs_fx_rate *fx;           /**< exchange rates (`fx:`), owned */
} gs_market_catalog;


/** Free a catalogue and all it owns; NULL is a no-op. */
void gs_market_catalog_free(gs_market_catalog *cat);

/** The product or event with this id, or NULL. */
const gs_product *gs_market_find_product(const gs_market_catalog *cat, const char *id);
const gs_grid_event *gs_market_find_event(const gs_market_catalog *cat, const char *id);

/** 1 when the product (or event) covers zone (exact, case-insensitive match of a zone id, or of
 * the market name, e.g. "PJM" matches "PJM-DOM"'s market), else 0. */
int gs_product_in_zone(const gs_product *p, const char *zone);
int gs_event_in_zone(const gs_grid_event *e, const char *zone);

/* ---- prices over time and currencies (src/market/catalog.c): pure ---- */

/** USD for one unit of currency in year: 1 for "USD"; else from the catalogue's rates, directly
 * (CAD per USD) or through a common base (NOK per EUR and USD per EUR). 0 and *usd_per_unit set,
 * with the rates used in *used (up to 2, NULL where unused; used may be NULL); GS_ERANGE naming
 * the currency and year when the catalogue has no rate for them. */
int gs_fx_usd_per_unit(const gs_market_catalog *cat, const char *currency, int year,
                       double *usd_per_unit, const gs_fx_rate *used[2], gs_error *err);

/** The figure that prices p in zone at time t, and its value in USD. */
typedef struct gs_price_quote {
    const gs_published_price *figure;   /**< NULL: no figure applies */
    double value;                       /**< as published (figure's unit and currency) */
    gs_price_unit unit;
    double usd_per_unit;                /**< exchange rate used (1 for USD) */
    double usd;                         /**< value x usd_per_unit: USD in the unit's basis */
    const gs_fx_rate *fx[2];            /**< the rates used (NULL for USD) */
} gs_price_quote;

/** The UTC span [*from, *to) of a published period: "YYYY" (calendar year), "YYYY/YYYY" (a
 * June-May delivery or planning year from June 1 04:00Z, as PJM's and MISO's begin at midnight
 * Eastern), "YYYY-MM..YYYY-MM" (whole months) or "YYYY-MM-DD..YYYY-MM-DD" (whole days). 1: a
 * span; 0: other text (a figure listed but never applied); -1: the shape of a span with an
 * impossible date or an empty range (*why, when why is not NULL, says what was expected). */
int gs_period_span(const char *period, int64_t *from, int64_t *to, const char **why);

/** 1 when figure pp applies at UTC time t: its period is a span containing t (and t is not
 * before p's `opens`), and t falls in its segment; else 0. */
int gs_published_price_covers(const gs_product *p, const gs_published_price *pp, int64_t t);

/** The published figure of p that applies in zone at time t, converted to USD at the rate of
 * t's calendar year (the FX rule: the annual average of the year of the price, hour by hour).
 * Among the figures that cover t: one for the zone itself beats a market-wide one (the
 * market's name or a "*-RTO" zone of it); then the shortest period (a season beats its
 * planning year, a month range its year); then catalogue order. Returns 1 with *q filled, 0
 * when no figure applies (q->figure NULL), or GS_ERANGE when the figure's currency has no rate
 * for t's year. cat may be NULL only for USD figures. */
int gs_market_price_at(const gs_market_catalog *cat, const gs_product *p, const char *zone,
                       int64_t t, gs_price_quote *q, gs_error *err);

/** 0 when every non-USD figure of the catalogue that is a span has an exchange rate for each
 * calendar year it covers; else GS_EINPUT naming the figure (file, line), the currency and the
 * year. gs_market_catalog_load calls it after all files are merged. */
int gs_market_catalog_check_fx(const gs_market_catalog *cat, gs_error *err);

/* ---- rules (src/market/rules.c): pure functions ---- */

/** How class c may provide p. */
gs_eligibility gs_product_eligibility(const gs_product *p, gs_class c);

/** 0 when class c may provide p (shifting: 1 when the MW come from moving load to another site,
 * which is all inference may do); GS_EINPUT otherwise, with a message naming the product, the
 * class and the rule's source. */
int gs_product_check_class(const gs_product *p, gs_class c, int shifting, gs_error *err);

/** A deployment the load plans to offer: how fast it can respond, how long it holds, how often. */
typedef struct gs_deployment {
    double response_s;        /**< time the load needs from instruction to full reduction */
    double duration_s;        /**< length of one deployment */
    double calls_per_day;     /**< deployments per day assumed (0: not checked) */
    double calls_per_year;    /**< deployments per year assumed (0: not checked) */
} gs_deployment;

/** 0 when the deployment fits the product's rules: response within full_response_s, duration
 * within [min_duration_s, max_duration_s], calls within the maximum per day and year. Limits the
 * catalogue does not publish (NaN) are not checked. Otherwise GS_ERANGE with a message such as
 * "a 3 h deployment exceeds ERCOT-ERS-10's maximum of 2 h (source: ...)"; field names the rule. */
int gs_deployment_check(const gs_product *p, const gs_deployment *d, gs_error *err);

/** What the load can sell in one interval: MW it can reduce (down) and MW it can add (up). */
typedef struct gs_stack_room {
    double down_mw;
    double up_mw;
} gs_stack_room;

/** One offer: mw of product in interval; lower priority is served first (ties: array order). */
typedef struct gs_offer {
    size_t interval;
    const gs_product *product;
    double mw;
    int priority;
} gs_offer;

/** Allocate offers against the headroom of each interval in priority order, so that no MW is sold
 * twice: a down product uses down headroom, an up product up headroom, a symmetric (both)
 * product uses both. alloc_mw[i] (n values) gets what offer i may sell (0..offers[i].mw).
 * Returns 0, or GS_EINPUT for an offer with a negative or NaN MW or an interval >= nintervals. */
int gs_stack_allocate(const gs_offer *offers, size_t n, const gs_stack_room *room, size_t nintervals,
                      double *alloc_mw, gs_error *err);

/** 0 when the offers as given fit the headroom of every interval (nothing sold twice); else
 * GS_EINPUT naming the first oversold interval, the direction, the MW offered and available, and
 * the offers involved. */
int gs_stack_check(const gs_offer *offers, size_t n, const gs_stack_room *room, size_t nintervals,
                   gs_error *err);

/** Availability payment for mw offered over hours at price, in the basis of p's availability
 * unit (per MW-h; per MW-day, prorated by hours / 24; per kW-month, by hours / 730 x 1000).
 * The payment is in price's currency: pass the USD price of gs_market_price_at (q.usd) to get
 * USD. 0 when p pays no availability. */
double gs_availability_payment(const gs_product *p, double mw, double hours, double price);

/** Energy payment for mwh delivered at price (per MWh of p's energy unit, in price's currency:
 * pass q.usd for USD). 0 when p pays none. */
double gs_energy_payment(const gs_product *p, double mwh, double price);

/** Penalty for delivering delivered_mw of committed_mw over hours, at availability price (as in
 * gs_availability_payment): shortfall MW x the availability payment rate x penalty_factor (1 when
 * not published: the availability payment for the undelivered MW is forfeited). >= 0. */
double gs_shortfall_penalty(const gs_product *p, double committed_mw, double delivered_mw,
                            double hours, double price);

#ifdef __cplusplus
}
#endif
#endif
