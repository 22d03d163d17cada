/* gridsplit demand regions: where inference users are. Cities (name, country, population,
 * location) are grouped into demand regions, either within each country by distance (greedy,
 * largest city first) or by population-weighted k-means on the sphere; each region gets a
 * population-weighted centroid, a dominant country, a time zone from real time-zone boundaries
 * (the embedded table of timezone-boundary-builder's polygons, gs_tzmap; the tz database's
 * zone1970.tab where the table has only a sea zone) and a demand share (population x the
 * country's adoption factor / total).
 * The clustering and the lookups (src/net/regions.c) are pure and deterministic; reading the
 * population file, the adoption file, the tz tables and the embedded boundary table is done at
 * the edge (gridsplit/read/regions.h). */
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


/** Time-zone boundaries as a quadtree (built at build time by tools/tzmap.mjs from the npm
 * package @photostructure/tz-lookup, which compresses timezone-boundary-builder's polygons;
 * read by gs_tzmap_load). The top level is an nx x ny grid of cells of 360/nx x 180/ny degrees
 * from (lat 90, lon -180), row by row southwards; each slot is a leaf, 0x8000 | zone index, or
 * the index of a node whose four children split the cell into NW, NE, SW and SE quarters. A
 * child node's index is always greater than its parent's. At sea the leaves are the nautical
 * zones Etc/GMT+N / Etc/GMT-N (15-degree bands; the sign is POSIX's: Etc/GMT+3 is UTC-3). */
typedef struct gs_tzmap {
    size_t nx, ny;
    size_t nnodes, nzones;
    const uint16_t *top;        /**< nx x ny slots */
    const uint16_t *nodes;      /**< 4 x nnodes slots */
    const char *const *names;   /**< nzones IANA names */
    const unsigned char *usable; /**< per zone: 1 when the system tz database loads it and it is
                                      not a sea zone (Etc/...); NULL: every zone usable */
    size_t pole;                /**< the zone at lat 90 */
    const char *source;         /**< "@photostructure/tz-lookup 11.7.0 (...)": provenance */
} gs_tzmap;

/** Index of the zone whose area holds (lat, lon) in the table (degrees; lon 180 and -180 are
 * the same meridian), or -1 for coordinates off the Earth or a malformed table. Pure; a walk of
 * at most ~15 levels. */
int gs_tzmap_lookup(const gs_tzmap *m, double lat, double lon);

/** The IANA name of the zone at (lat, lon), or NULL as gs_tzmap_lookup gives -1. At sea it is
 * the nautical zone of the 15-degree band (Etc/GMT+3 at 30 N, 40 W). */
const char *gs_tzmap_zone_at(const gs_tzmap *m, double lat, double lon);

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

/** Fill each region's tz from the time-zone boundaries: every city of the region's (dominant)
 * country takes the zone of the table (gs_tzmap_lookup) at its own location; where that zone is
 * not usable (a sea zone, or one the system tz database lacks) or map is NULL, the zone that
 * gs_tz_place_pick gives (zone1970.tab's nearest principal location in the country). The zone
 * with the most population wins (ties: the zone first in the table, then in places). A region
 * with no such city takes the zone of its centroid, by the same rule. cities/ncities are those
 * given to gs_regions_cluster. *fallback (may be NULL) gets the number of cities that fell back
 * to zone1970.tab. Returns 0 or GS_ENOMEM. */
int gs_regions_assign_tz(gs_regions_result *res, const gs_city *cities, size_t ncities,
                         const gs_tzmap *map, const gs_tz_place *places, size_t n,
                         size_t *fallback, gs_error *err);

void gs_regions_result_free(gs_regions_result *r);

#ifdef __cplusplus
}
#endif
#endif
