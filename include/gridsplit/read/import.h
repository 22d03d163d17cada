/* gridsplit importers: read real time-series exports (generic CSV, EIA-930, hourly price and
 * carbon files, ERCOT day-ahead prices and ancillary clearing prices, nvidia-smi logs), plain
 * or compressed (.zst, .gz), into gs_points (src/read/import.c). Regular series from points:
 * gridsplit/series.h. */
#ifndef GRIDSPLIT_READ_IMPORT_H
#define GRIDSPLIT_READ_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/series.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of an import; zero-initialise, then set what matters. */
typedef struct gs_import_opts {
    const char *format;       /**< "csv", "price", "carbon", "eia930", "ercot-dam-spp",
                                   "ercot-dam-as", "nvidia-smi"; NULL or "auto": from the header */
    const char *time_column;  /**< csv: timestamp column name (default: the first column) */
    const char *value_column; /**< csv: value column; eia930: "cleaned" (default) or "raw";
                                   carbon: "direct" (default) or "lca"; ercot-dam-spp: settlement
                                   point (default HB_HUBAVG); ercot-dam-as: REGUP, REGDN, RRS, NSPIN;
                                   nvidia-smi: "sum" (default: all GPUs summed per sample) */
    const char *tz;           /**< time zone of timestamps without an offset (default UTC) */
    const char *unit;         /**< unit label of the values (default: from the format) */
    double scale;             /**< multiply values by this; 0 means 1 */
} gs_import_opts;

/** Import one file, or every file matching a glob pattern (sorted by name, concatenated).
 * *out is a new point set owned by the caller (gs_points_free). Bad rows are GS_EINPUT with
 * file, line, column and field named. */
int gs_import_points(const char *path, const gs_import_opts *opts, gs_points **out, gs_error *err);



#ifdef __cplusplus
}
#endif
#endif
