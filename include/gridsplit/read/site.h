/* gridsplit candidate files: candidate sites, their zones and series, and demand regions
 * (src/read/candidates.c). */
#ifndef GRIDSPLIT_READ_SITE_H
#define GRIDSPLIT_READ_SITE_H

#include <stddef.h>
#include "gridsplit/error.h"
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

#ifdef __cplusplus
}
#endif
#endif
