/* gridsplit simulation outputs: load.csv (timestamp, site, class, MW) and summary.json.
 * Both are written to a temporary name and renamed when complete. */
#ifndef GRIDSPLIT_SIMOUT_H
#define GRIDSPLIT_SIMOUT_H

#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/fleet.h"
#include "gridsplit/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Write path as CSV `timestamp,site,class,mw`: one row per step (or per out_step_s, a whole
 * multiple of the result's step: the mean over it), site and class, timestamps ISO 8601 UTC at
 * the start of the interval, MW with 4 decimals. Returns 0 or a negative gs_err. */
int gs_write_load_csv(const gs_fleet *f, const gs_sim_result *r, int64_t out_step_s,
                      const char *path, gs_error *err);

/** Write path as JSON: the period, the fleet, and gs_load_stats for the fleet, each class
 * fleet-wide, each site, and each site and class; inference served and unserved requests per
 * service. NaN statistics are written as null. Returns 0 or a negative gs_err. */
int gs_write_summary_json(const gs_fleet *f, const gs_sim_result *r, const char *path,
                          gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
