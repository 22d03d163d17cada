/* gridsplit candidate files: candidate sites, their zones and series, and demand regions
 * (src/read/candidates.c). */
#ifndef GRIDSPLIT_READ_SITE_H
#define GRIDSPLIT_READ_SITE_H

#include <stddef.h>
#include "gridsplit/error.h"
#include "gridsplit/market.h"
#include "gridsplit/site.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Read and validate a candidates file (docs/site.md). Bad input is GS_EINPUT naming file, line,
 * column and field. *out owned by the caller: gs_site_file_free. Series are not loaded. */
int gs_site_file_load(const char *path, gs_site_file **out, gs_error *err);
/** Read a `regions:` YAML file (fleet format) into *regions (caller frees with free()). Shares
 * must sum to 1 within 0.001. */
int gs_site_regions_load(const char *path, gs_region **regions, size_t *n, gs_error *err);
/** Load every zone series (price, carbon, demand file or EIA-930 BA). */
int gs_site_file_load_series(gs_site_file *f, gs_error *err);
void gs_site_file_free(gs_site_file *f);

/** The year's hourly price series (UTC hours, mean of the points in each) of every product of
 * cat a training site could sell: availability paid, training-eligible, with a series, and for
 * which used(p, ctx) is non-zero (a zone of the caller's training sites). Paths expand
 * ${GS_SHARED} beside near_file. A series that does not cover the year, or whose files are
 * absent, leaves price NULL with the reason in note. *out (one entry a product kept, *nout):
 * gs_site_market_series_free. Only GS_ENOMEM is an error. Used by `site` and `scenarios`. */
int gs_site_market_series_read(const gs_market_catalog *cat, const char *near_file, int year,
                               int (*used)(const gs_product *p, void *arg), void *arg,
                               gs_site_market_series **out, size_t *nout, gs_error *err);
void gs_site_market_series_free(gs_site_market_series *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif
