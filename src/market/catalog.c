/* catalog.c: queries over the market and grid-event catalogues (include/gridsplit/market.h):
 * names of kinds, directions, units and precisions; units' currencies and bases; lookups by
 * id; which zones a product or event covers; which published figure prices a product at a
 * time and what it is in USD (the exchange rates of the catalogue); freeing. Pure: the
 * catalogues are read by src/read/market_catalog.c. */
#include "market/catalog.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gridsplit/time.h"

const char *const gs__market_kind_names[] = {"capacity", "reserve", "regulation", "emergency", "peak", "energy", NULL};
const char *const gs__market_dir_names[] = {"down", "up", "both", NULL};
const char *const gs__market_elig_names[] = {"no", "yes", "shift", NULL};
const char *const gs__market_unit_names[] = {"none", "USD/MW-h", "USD/MW-day", "EUR/MW-h", "USD/MWh", "EUR/MWh",
                                             "CAD/MW-h", "CAD/MWh", "NOK/MW-h", "NOK/MWh", "USD/kW-month",
                                             "CAD/kW-month", "EUR/MW-day", NULL};
const char *const gs__market_currencies[] = {"USD", "EUR", "CAD", "NOK", NULL};
const char *const gs__market_event_kind_names[] = {"emergency", "4cp", "load-management", "reserve-deployment", NULL};
const char *const gs__market_prec_names[] = {"minute", "hour", "day", NULL};

const char *gs_product_kind_name(gs_product_kind k)
{
    return k >= GS_PK_CAPACITY && k <= GS_PK_ENERGY ? gs__market_kind_names[k] : "?";
}
const char *gs_direction_name(gs_direction d)
{
    return d >= GS_DIR_DOWN && d <= GS_DIR_BOTH ? gs__market_dir_names[d] : "?";
}
const char *gs_eligibility_name(gs_eligibility e)
{
    return e >= GS_ELIG_NO && e <= GS_ELIG_SHIFT ? gs__market_elig_names[e] : "?";
}
const char *gs_price_unit_name(gs_price_unit u)
{
    return u >= GS_UNIT_NONE && u <= GS_UNIT_LAST ? gs__market_unit_names[u] : "?";
}
double gs_price_unit_mw_hours(gs_price_unit u)
{
    switch (u) {
    case GS_UNIT_USD_PER_MW_H:
    case GS_UNIT_EUR_PER_MW_H:
    case GS_UNIT_CAD_PER_MW_H:
    case GS_UNIT_NOK_PER_MW_H:
        return 1;
    case GS_UNIT_USD_PER_MW_DAY:
    case GS_UNIT_EUR_PER_MW_DAY:
        return 24;
    case GS_UNIT_USD_PER_KW_MONTH:
    case GS_UNIT_CAD_PER_KW_MONTH:
        return 730.0 / 1000.0; /* one kW-month = 0.001 MW x 730 h (8760 / 12) */
    default:
        return NAN;
    }
}
int gs_price_unit_is_availability(gs_price_unit u)
{
    return !isnan(gs_price_unit_mw_hours(u));
}
int gs_price_unit_is_energy(gs_price_unit u)
{
    return u == GS_UNIT_USD_PER_MWH || u == GS_UNIT_EUR_PER_MWH || u == GS_UNIT_CAD_PER_MWH ||
           u == GS_UNIT_NOK_PER_MWH;
}
const char *gs_price_unit_currency(gs_price_unit u)
{
    if (u <= GS_UNIT_NONE || u > GS_UNIT_LAST)
        return "";
    /* the names begin with the currency code: "CAD/MWh" */
    static const char *const cur[GS_UNIT_LAST + 1] = {"", "USD", "USD", "EUR", "USD", "EUR", "CAD", "CAD",
                                                      "NOK", "NOK", "USD", "CAD", "EUR"};
    return cur[u];
}
const char *gs_event_kind_name(gs_event_kind k)
{
    return k >= GS_EV_EMERGENCY && k <= GS_EV_RESERVE_DEPLOYMENT ? gs__market_event_kind_names[k] : "?";
}
const char *gs_time_precision_name(gs_time_precision p)
{
    return p >= GS_PREC_MINUTE && p <= GS_PREC_DAY ? gs__market_prec_names[p] : "?";
}

void gs__product_free(gs_product *p)
{
    free(p->prices);
    p->prices = NULL;
    p->nprices = 0;
}

void gs_market_catalog_free(gs_market_catalog *cat)
{
    if (!cat)
        return;
    for (size_t i = 0; i < cat->nproducts; i++)
        gs__product_free(&cat->products[i]);
    free(cat->products);
    free(cat->events);
    free(cat->fx);
    free(cat);
}

const gs_product *gs_market_find_product(const gs_market_catalog *cat, const char *id)
{
    for (size_t i = 0; cat && id && i < cat->nproducts; i++)
        if (!strcmp(cat->products[i].id, id))
            return &cat->products[i];
    return NULL;
}

const gs_grid_event *gs_market_find_event(const gs_market_catalog *cat, const char *id)
{
    for (size_t i = 0; cat && id && i < cat->nevents; i++)
        if (!strcmp(cat->events[i].id, id))
            return &cat->events[i];
    return NULL;
}

/* zone matches z exactly, or z is the prefix of zone before '-' ("PJM" matches "PJM-DOM"), or
 * zone is the market-wide "X-RTO" and z another zone of market X. */
static int zone_match(const char *zone, const char *z)
{
    if (!strcasecmp(zone, z))
        return 1;
    size_t n = strlen(z);
    if (n && !strncasecmp(zone, z, n) && zone[n] == '-')
        return 1;
    /* a market-wide zone "PJM-RTO" covers every zone of that market ("PJM-DOM") */
    const char *dash = strchr(zone, '-'), *zdash = strchr(z, '-');
    return dash && zdash && !strcasecmp(dash, "-RTO") && dash - zone == zdash - z &&
           !strncasecmp(zone, z, (size_t)(dash - zone));
}

int gs_product_in_zone(const gs_product *p, const char *zone)
{
    if (!zone || !strcasecmp(p->market, zone))
        return 1;
    for (size_t i = 0; i < p->nzones; i++)
        if (zone_match(p->zones[i], zone))
            return 1;
    return 0;
}

int gs_event_in_zone(const gs_grid_event *e, const char *zone)
{
    if (!zone)
        return 1;
    for (size_t i = 0; i < e->nzones; i++)
        if (zone_match(e->zones[i], zone))
            return 1;
    return 0;
}

/* ---- prices over time, exchange rates ---- */

/* The grammar is documented at gs_period_span in include/gridsplit/market.h. */
int gs_period_span(const char *s, int64_t *a, int64_t *b, const char **why)
{
    int y1 = 0, y2 = 0, m1 = 0, m2 = 0, d1 = 0, d2 = 0, n = 0;
    const char *unused;
    if (!why)
        why = &unused;
    *a = *b = 0;
    *why = "";
    if (sscanf(s, "%4d-%2d-%2d..%4d-%2d-%2d%n", &y1, &m1, &d1, &y2, &m2, &d2, &n) == 6 && !s[n] && n == 22) {
        if (m1 < 1 || m1 > 12 || m2 < 1 || m2 > 12 || d1 < 1 || d1 > 31 || d2 < 1 || d2 > 31) {
            *why = "a month 01-12 and a day 01-31";
            return -1;
        }
        *a = gs_utc_from_civil(y1, m1, d1, 0, 0, 0);
        *b = gs_utc_from_civil(y2, m2, d2 + 1, 0, 0, 0);
    } else if (n = 0, sscanf(s, "%4d-%2d..%4d-%2d%n", &y1, &m1, &y2, &m2, &n) == 4 && !s[n] && n == 16) {
        if (m1 < 1 || m1 > 12 || m2 < 1 || m2 > 12) {
            *why = "months 01-12";
            return -1;
        }
        *a = gs_utc_from_civil(y1, m1, 1, 0, 0, 0);
        *b = gs_utc_from_civil(y2, m2 + 1, 1, 0, 0, 0);
    } else if (n = 0, sscanf(s, "%4d/%4d%n", &y1, &y2, &n) == 2 && !s[n] && n == 9) {
        if (y2 != y1 + 1) {
            *why = "a June-May year whose second year follows the first (\"2023/2024\")";
            return -1;
        }
        *a = gs_utc_from_civil(y1, 6, 1, 4, 0, 0);
        *b = gs_utc_from_civil(y2, 6, 1, 4, 0, 0);
    } else if (n = 0, sscanf(s, "%4d%n", &y1, &n) == 1 && !s[n] && n == 4) {
        *a = gs_utc_from_civil(y1, 1, 1, 0, 0, 0);
        *b = gs_utc_from_civil(y1 + 1, 1, 1, 0, 0, 0);
    } else {
        return 0;
    }
    if (*b <= *a) {
        *why = "a range whose end is not before its start";
        *a = *b = 0;
        return -1;
    }
    return 1;
}


static const gs_fx_rate *find_fx(const gs_market_catalog *cat, const char *currency, const char *base, int year)
{
    for (size_t i = 0; cat && i < cat->nfx; i++)
        if (cat->fx[i].year == year && !strcmp(cat->fx[i].currency, currency) && !strcmp(cat->fx[i].base, base))
            return &cat->fx[i];
    return NULL;
}

int gs_fx_usd_per_unit(const gs_market_catalog *cat, const char *currency, int year,
                       double *usd_per_unit, const gs_fx_rate *used[2], gs_error *err)
{
    if (used)
        used[0] = used[1] = NULL;
    if (!strcmp(currency, "USD")) {
        *usd_per_unit = 1;
        return 0;
    }
    const gs_fx_rate *a;
    if ((a = find_fx(cat, currency, "USD", year))) { /* CAD per USD */
        *usd_per_unit = 1.0 / a->rate;
        if (used)
            used[0] = a;
        return 0;
    }
    if ((a = find_fx(cat, "USD", currency, year))) { /* USD per EUR */
        *usd_per_unit = a->rate;
        if (used)
            used[0] = a;
        return 0;
    }
    /* through a common base: NOK per EUR and USD per EUR */
    for (size_t i = 0; cat && i < cat->nfx; i++) {
        const gs_fx_rate *x = &cat->fx[i];
        if (x->year != year || strcmp(x->currency, currency))
            continue;
        const gs_fx_rate *u = find_fx(cat, "USD", x->base, year);
        if (u) {
            *usd_per_unit = u->rate / x->rate;
            if (used) {
                used[0] = x;
                used[1] = u;
            }
            return 0;
        }
    }
    return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "fx",
                        "no exchange rate for %s in %d: expected an fx: entry {currency: %s, base: USD "
                        "(or a base with a USD rate), year: %d, rate, source} in the market catalogue",
                        currency, year, currency, year);
}

static int year_of(int64_t t)
{
    int64_t y;
    int mo, d, h, mi, s;
    gs_civil_from_utc(t, &y, &mo, &d, &h, &mi, &s);
    return (int)y;
}

int gs_published_price_covers(const gs_product *p, const gs_published_price *pp, int64_t t)
{
    int64_t a = pp->from_s, b = pp->to_s;
    const char *why;
    if (a == b && gs_period_span(pp->period, &a, &b, &why) != 1) /* a figure not from the reader */
        return 0;
    if (t < a || t >= b)
        return 0;
    if (p && p->opens_s && t < p->opens_s)
        return 0;
    unsigned days = pp->days ? pp->days : GS_DAYS_ALL;
    int mfrom = pp->minute_from, mto = pp->minute_to ? pp->minute_to : 1440;
    if (days == GS_DAYS_ALL && mfrom == 0 && mto == 1440)
        return 1;
    int64_t local = t + pp->utc_offset_s;
    int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int minute = (int)((local - day * 86400) / 60);
    int weekday = (int)(((day % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday (3, Monday = 0) */
    return (days >> weekday & 1u) && minute >= mfrom && minute < mto;
}

/* 2: the figure is for zone itself; 1: market-wide (the market's name, or a "*-RTO" zone of the
 * market); 0: another zone. */
static int figure_level(const gs_product *p, const gs_published_price *pp, const char *zone)
{
    if (!zone || !strcasecmp(pp->zone, zone))
        return 2;
    if (!strcasecmp(pp->zone, p->market))
        return 1;
    size_t n = strlen(pp->zone);
    if (n > 4 && !strcasecmp(pp->zone + n - 4, "-RTO")) {
        /* "PJM-RTO" covers "PJM-DOM" and "PJM" */
        size_t m = n - 4;
        if (!strncasecmp(pp->zone, zone, m) && (zone[m] == '-' || zone[m] == '\0'))
            return 1;
    }
    return 0;
}

int gs_market_price_at(const gs_market_catalog *cat, const gs_product *p, const char *zone,
                       int64_t t, gs_price_quote *q, gs_error *err)
{
    memset(q, 0, sizeof *q);
    const gs_published_price *best = NULL;
    int best_level = 0;
    int64_t best_span = 0;
    for (size_t k = 0; k < p->nprices; k++) {
        const gs_published_price *pp = &p->prices[k];
        if (!gs_published_price_covers(p, pp, t))
            continue;
        int level = figure_level(p, pp, zone);
        if (!level)
            continue;
        int64_t a = pp->from_s, b = pp->to_s;
        const char *why;
        if (a == b)
            gs_period_span(pp->period, &a, &b, &why);
        int64_t span = b - a;
        if (!best || level > best_level || (level == best_level && span < best_span)) {
            best = pp;
            best_level = level;
            best_span = span;
        }
    }
    if (!best)
        return 0;
    double rate = 1;
    int rc = gs_fx_usd_per_unit(cat, gs_price_unit_currency(best->unit), year_of(t), &rate, q->fx, err);
    if (rc < 0) {
        if (err)
            snprintf(err->message + strlen(err->message), sizeof err->message - strlen(err->message),
                     " (for %s's figure %s %s, line %d)", p->id, best->period, best->zone, best->line);
        return rc;
    }
    q->figure = best;
    q->value = best->value;
    q->unit = best->unit;
    q->usd_per_unit = rate;
    q->usd = best->value * rate;
    return 1;
}

int gs_market_catalog_check_fx(const gs_market_catalog *cat, gs_error *err)
{
    for (size_t i = 0; cat && i < cat->nproducts; i++) {
        const gs_product *p = &cat->products[i];
        for (size_t k = 0; k < p->nprices; k++) {
            const gs_published_price *pp = &p->prices[k];
            const char *cur = gs_price_unit_currency(pp->unit);
            int64_t a = pp->from_s, b = pp->to_s;
            const char *why;
            if (!strcmp(cur, "USD") || (a == b && gs_period_span(pp->period, &a, &b, &why) != 1))
                continue;
            int y0 = year_of(a), y1 = year_of(b - 1);
            for (int y = y0; y <= y1; y++) {
                double r;
                gs_error e = {0};
                if (gs_fx_usd_per_unit(cat, cur, y, &r, NULL, &e) < 0)
                    return gs_error_set(err, GS_EINPUT, p->file, pp->line, 0, "fx",
                                        "%s's figure for %s in %s is in %s: expected an exchange rate for %s in %d "
                                        "under fx: ({currency, base, year, rate, source}), found none",
                                        p->id, pp->period, pp->zone, cur, cur, y);
            }
        }
    }
    return 0;
}
