/* regions_list.h (internal): what the readers of named places share (src/read/latency.c: the
 * region catalogues; src/read/netcost.c: the places of a price matrix): appending one place to
 * a growing gs_latency_regions. */
#ifndef GS_READ_REGIONS_LIST_H
#define GS_READ_REGIONS_LIST_H

#include <stddef.h>

#include "gridsplit/error.h"
#include "gridsplit/latency.h"

/** Append a place (name cut to the field's size by the caller's check, continent may be "")
 * to out, whose array holds *cap entries (grown by doubling; *cap updated). Returns 0 or
 * GS_ENOMEM (err without file or line: the caller adds them); out is unchanged then. */
int gs__latency_region_push(gs_latency_regions *out, size_t *cap, const char *name, double lat,
                            double lon, const char *continent, gs_error *err);

#endif
