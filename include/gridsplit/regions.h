/* gridsplit demand regions: where inference users are. Cities (name, country, population,
 * location) are grouped into demand regions, either within each country by distance (greedy,
 * largest city first) or by population-weighted k-means on the sphere; each region gets a
 * population-weighted centroid, a dominant country, a time zone from the tz database's
 * zone1970.tab and a demand share (population x the country's adoption factor / total).
 * The clustering (src/net/regions.c) is pure and deterministic; reading the population file,
 * the adoption file and the tz tables is done at the edge (gridsplit/read/regions.h). */
#ifndef GRIDSPLIT_REGIONS_H
#define GRIDSPLIT_REGIONS_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One populated place. */
typedef struct gs_city {
    const char *name;          /**< owned by the gs_cities that holds it (or by the caller) */
    char country[4];           /**< ISO 3166-1 alpha-2, upper case ("US") */
    double population;         /**< people, >= 0 */
    double lat, lon;           /**< degrees */
} gs_city;

/** A set of cities read from a file. gs_cities_free frees the array and the names. */
typedef struct gs_cities {
    size_t n;
    gs_city *c;
    char *names;               /**< storage of every name */
    size_t names_len;
} gs_cities;


/** A time zone of the tz database's zone1970.tab: the countries it covers and its principal
 * location. */
typedef struct gs_tz_place {
    char name[64];             /**< IANA name, "America/New_York" */
    char countries[160];       /**< comma-separated ISO codes, "CH,DE,LI" */
    double lat, lon;           /**< principal location, degrees */
} gs_tz_place;

typedef struct gs_tz_places {
    size_t n;
    gs_tz_place *p;
    size_t ncodes;             /**< ISO 3166 codes known to iso3166.tab */
    char (*codes)[4];
    size_t dropped;            /**< zone1970.tab rows whose zone gs_tz_load refused (not in p) */
} gs_tz_places;


/** Index into places of the zone for a point in country: the zone whose principal location is
 * nearest among the zones that list the country first (their principal location is in it),
 * else among the zones listing it at all, else the nearest overall; -1 when n is 0. */
int gs_tz_place_pick(const gs_tz_place *places, size_t n, const char *country, double lat,
                     double lon);


/** Adoption factor of one country (demand per person relative to 1). */
typedef struct gs_adoption {
    char country[4];
    double factor;             /**< >= 0 */
    int line;                  /**< line of the file it was read from; 0 when built by hand */
} gs_adoption;


/** Filters applied to cities before clustering. */
typedef struct gs_city_filter {
    const char (*countries)[4]; /**< keep only these countries; NULL or ncountries 0: all */
    size_t ncountries;
    double min_population;      /**< keep cities with population >= this */
    int has_bbox;               /**< keep cities inside [lat_min, lat_max] x [lon_min, lon_max];
                                     lon_min > lon_max crosses the antimeridian */
    double lat_min, lon_min, lat_max, lon_max;
} gs_city_filter;

/** Keep the cities that pass the filter, in order, at the front of c; returns how many. */
size_t gs_cities_filter(gs_city *c, size_t n, const gs_city_filter *f);

typedef enum gs_regions_method {
    GS_REGIONS_KMEANS = 0,      /**< population-weighted k-means on unit vectors, k-means++ init */
    GS_REGIONS_COUNTRY = 1,     /**< within each country: greedy radius clustering */
} gs_regions_method;

typedef struct gs_regions_params {
    gs_regions_method method;
    size_t k;                   /**< k-means: number of regions, 1..number of cities */
    uint64_t seed;              /**< k-means++ draws */
    int max_iter;               /**< k-means: Lloyd iterations at most (0: 100) */
    double radius_km;           /**< country: cities within this of a centre join it; > 0 */
    const gs_adoption *adoption; /**< per-country demand factor (missing countries: 1) */
    size_t nadoption;
} gs_regions_params;

/** One demand region. */
typedef struct gs_demand_region {
    char id[64];                /**< lower-case country + rank in that country: "us-1" */
    char country[4];            /**< the country with the most population in the region */
    double population;          /**< people */
    double demand;              /**< population x adoption factor */
    double share;               /**< demand / total demand */
    double lat, lon;            /**< demand-weighted centroid on the sphere, degrees */
    double radius_km;           /**< demand-weighted mean distance of its cities to the centroid */
    size_t ncities;
    size_t largest;             /**< index (into the cities given) of its most populous city */
    char tz[64];                /**< "" until gs_regions_assign_tz */
} gs_demand_region;

typedef struct gs_regions_result {
    size_t n;                   /**< regions, sorted by demand, largest first */
    gs_demand_region *r;
    size_t *city_region;        /**< per input city: index of its region; SIZE_MAX if excluded
                                     (adoption factor 0) */
    size_t ncities_used;
    double population, demand;  /**< totals over the cities used */
    int iterations;             /**< k-means: Lloyd iterations run */
    int converged;              /**< k-means: 1 when no assignment changed in the last one */
    size_t empty_dropped;       /**< k-means: clusters left empty (duplicate places), dropped */
} gs_regions_result;

/** Group cities into demand regions. Pure and deterministic: the same cities, order, params
 * and seed give the same result. Cities whose country's adoption factor is 0 are left out.
 * Errors: GS_EINPUT for k = 0, k > cities with demand, radius <= 0, no city with demand.
 * Free with gs_regions_result_free. */
int gs_regions_cluster(const gs_city *cities, size_t n, const gs_regions_params *p,
                       gs_regions_result *out, gs_error *err);

/** Fill each region's tz: every city of the region's (dominant) country takes the zone that
 * gs_tz_place_pick gives its own location, and the zone with the most population wins (ties:
 * the zone listed first). A region with no such city takes the zone of its centroid.
 * cities/ncities are those given to gs_regions_cluster. Returns 0 or GS_ENOMEM. */
int gs_regions_assign_tz(gs_regions_result *res, const gs_city *cities, size_t ncities,
                         const gs_tz_place *places, size_t n, gs_error *err);

void gs_regions_result_free(gs_regions_result *r);

#ifdef __cplusplus
}
#endif
#endif
