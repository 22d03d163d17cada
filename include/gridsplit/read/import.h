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

/** What a series' values are, for their range check. Every value (after `scale` and
 * `range_scale`) must lie within +-limit, else its row is refused (GS_EINPUT naming file, line,
 * column, the value and the limit): a value beyond what the quantity can be is a mistake in the
 * file, and keeping values far from the largest double (1.8e308) keeps every sum, mean and
 * product made of them finite. Limits (docs/import-formats.md, "Ranges"): */
typedef enum gs_quantity {
    GS_QTY_AUTO = 0,  /**< from the format: price, ercot-dam-spp, ercot-dam-as: a price; carbon:
                           a carbon intensity; eia930: a power in MW; nvidia-smi: a power in W;
                           csv: any value */
    GS_QTY_ANY,       /**< a value in any unit: |v| <= 1e15 */
    GS_QTY_PRICE,     /**< a price per MWh (or per MW-h of a reserve), any currency: |v| <= 1e9 */
    GS_QTY_CARBON,    /**< a carbon intensity in gCO2/kWh: |v| <= 1e9 */
    GS_QTY_POWER_MW,  /**< a power in MW: |v| <= 1e12 (EIA-930 raw files hold sentinels near
                           2.1e9 MW, which are kept and reported as outliers) */
    GS_QTY_POWER_W,   /**< a power in W: |v| <= 1e18 (the same 1e12 MW) */
} gs_quantity;

/** The largest magnitude a value of quantity q may have (GS_QTY_AUTO: that of GS_QTY_ANY). */
double gs_quantity_limit(gs_quantity q);

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
    gs_quantity quantity;     /**< what the values are, for the range check (default: from the
                                   format) */
    double range_scale;       /**< the factor the caller multiplies the values by afterwards
                                   (a fleet's series `scale:`); the range check applies to the
                                   values so scaled; 0 means 1 */
    size_t *gpus_out;         /**< out, may be NULL: an nvidia-smi per-GPU log's GPUs per sample
                                   (the rows summed into each point); 0 for other formats */
    int *stamped_at_end_out;  /**< out, may be NULL: 1 when a file read stamps each value at the
                                   end of its hour (eia930: EIA's "hour ending"; the points
                                   keep the stamp, docs/import-formats.md), else 0 */
} gs_import_opts;

/** Import one file, or every file matching a glob pattern (sorted by name, concatenated).
 * *out is a new point set owned by the caller (gs_points_free). Bad rows are GS_EINPUT with
 * file, line, column and field named. */
int gs_import_points(const char *path, const gs_import_opts *opts, gs_points **out, gs_error *err);



#ifdef __cplusplus
}
#endif
#endif
