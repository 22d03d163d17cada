/* gridsplit simulation outputs: load.csv (timestamp, site, class, MW) and summary.json
 * (src/write/simout.c); the HTML report (src/write/sim_report.c): one self-contained file
 * (charts and data inline, opens offline): stacked MW by class per site and fleet-wide,
 * zoomable with a synchronised cursor; a typical day per class in each site's local time;
 * load-duration curves; the summary table. Deterministic: the same fleet and result give the
 * same bytes (no clock is read); docs/report.md says what each part shows. Every file is
 * written to a temporary name and renamed when complete. */
#ifndef GRIDSPLIT_WRITE_SIM_H
#define GRIDSPLIT_WRITE_SIM_H

#include <stddef.h>
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


/** Default cap on the number of MW values embedded for the time-series charts (sites x classes
 * x steps). Above it the charts get hourly means (daily if hourly is still too many). */
#define GS_REPORT_MAX_VALUES 4000000u

/** Points of each embedded load-duration curve (fewer when the period has fewer steps). */
#define GS_REPORT_LDC_POINTS 501u

/** Options of a report; zero-initialise, then set what matters. */
typedef struct gs_report_opts {
    size_t max_values;        /**< cap on embedded time-series values; 0: GS_REPORT_MAX_VALUES */
    const gs_sim_tz *tz;      /**< optional: the sites' UTC offsets over the period (e.g. those
                                   given to gs_simulate), embedded so local hours match the
                                   engine's exactly; NULL: the page converts with the browser's
                                   own tz database (Intl) from each site's IANA name */
    const char *title;        /**< optional heading; NULL: the fleet's name */
} gs_report_opts;

/** Write the report of result r for fleet f to path (via a temporary file renamed at the end;
 * nothing is left behind on failure). r->nsites must equal f->nsites. Returns 0 or a negative
 * gs_err (GS_EINPUT for a result that does not match the fleet, GS_EIO, GS_ENOMEM). */
int gs_report_write_html(const gs_fleet *f, const gs_sim_result *r, const char *path,
                         gs_error *err);

/** The same with options (opts may be NULL). */
int gs_report_write_html_opts(const gs_fleet *f, const gs_sim_result *r,
                              const gs_report_opts *opts, const char *path, gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
