/* catalog.c: queries over the market and grid-event catalogues (include/gridsplit/market.h):
 * names of kinds, directions, units and precisions; lookups by id; which zones a product or
 * event covers; freeing. Pure: the catalogues are read by src/read/market_catalog.c. */
#include "market/catalog.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const gs__market_kind_names[] = {"capacity", "reserve", "regulation", "emergency", "peak", "energy", NULL};
const char *const gs__market_dir_names[] = {"down", "up", "both", NULL};
const char *const gs__market_elig_names[] = {"no", "yes", "shift", NULL};
const char *const gs__market_unit_names[] = {"none", "USD/MW-h", "USD/MW-day", "EUR/MW-h", "USD/MWh", "EUR/MWh", NULL};
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
    return u >= GS_UNIT_NONE && u <= GS_UNIT_EUR_PER_MWH ? gs__market_unit_names[u] : "?";
}
int gs_price_unit_is_availability(gs_price_unit u)
{
    return u == GS_UNIT_USD_PER_MW_H || u == GS_UNIT_USD_PER_MW_DAY || u == GS_UNIT_EUR_PER_MW_H;
}
int gs_price_unit_is_energy(gs_price_unit u)
{
    return u == GS_UNIT_USD_PER_MWH || u == GS_UNIT_EUR_PER_MWH;
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
