/* gridsplit route outputs: flows.csv and summary.json (src/write/route_out.c) and the HTML
 * report (src/write/route_report.c), both following a routed simulation step by step. */
#ifndef GRIDSPLIT_WRITE_ROUTE_H
#define GRIDSPLIT_WRITE_ROUTE_H

#include <stdint.h>
#include "gridsplit/error.h"
#include "gridsplit/fleet.h"
#include "gridsplit/route.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- flows and summary (src/write/route_out.c) ---------------------------------------- */

/** Follows a routed simulation (pass gs_route_recorder_step as gs_sim_opts.on_route and the
 * recorder as route_ctx): streams flows.csv (timestamp of the step's start, service, region,
 * site, requests_per_s, rtt_ms; non-zero flows only) when flows_csv is not NULL, totals
 * requests per region and site, and for each cap (event) routes its window again without caps
 * to report MW moved, where to, the RTT added to the moved requests (mean, p95) and the
 * requests left unserved by it. caps must outlive the recorder. */
typedef struct gs_route_recorder gs_route_recorder;
int gs_route_recorder_new(const gs_fleet *f, const gs_route_opts *o, const gs_route_cap *caps,
                          size_t ncaps, int64_t step_s, const char *flows_csv,
                          gs_route_recorder **out, gs_error *err);
void gs_route_recorder_step(void *ctx, const gs_router *r, int64_t t,
                            const double *const *demand, const double *cap_mw,
                            const double *pue);
/** Commit flows.csv and write summary_json (when not NULL): options, sites (coordinates,
 * capacity, served, unserved of the regions whose home it is, RTT mean and p95), services
 * with their regions (coordinates, pinned and home site, demand, served, unserved, RTT mean and
 * p95, requests per site), events. Returns 0 or GS_EIO. */
int gs_route_recorder_finish(gs_route_recorder *rec, const char *summary_json, int64_t from_s,
                             int64_t to_s, gs_error *err);
/** Free; removes an uncommitted flows.csv. NULL is a no-op. */
void gs_route_recorder_free(gs_route_recorder *rec);

/* ---- the HTML report (src/write/route_report.c, docs/route.md "The report") ------------- */

/** Follows a routed simulation like the recorder, for report.html: pass
 * gs_route_report_step as gs_sim_opts.on_route and the report as route_ctx; it forwards every
 * step to rec (may be NULL), then keeps what summary.json does not have: each site's mean and
 * peak inference MW, its inference MW over time (bucket means of an hour or step_s, whichever
 * is longer, at most 8,784 buckets, widened in pairs for longer periods), and for each cap
 * (event) the flows per (region, site) and each site's MW over its window with the cap and
 * without it (its own uncapped router, stepped only inside event windows). Memory: sites +
 * events x (arcs + sites x 600 buckets). o and caps must outlive it. Returns 0 or GS_ENOMEM. */
typedef struct gs_route_report gs_route_report;
int gs_route_report_new(const gs_fleet *f, const gs_route_opts *o, const gs_route_cap *caps,
                        size_t ncaps, int64_t step_s, gs_route_recorder *rec,
                        gs_route_report **out, gs_error *err);
void gs_route_report_step(void *ctx, const gs_router *r, int64_t t,
                          const double *const *demand, const double *cap_mw,
                          const double *pue);
/** Write report_html (self-contained, offline: web/route.html with its CSS and JS, the map
 * script, topojson-client and the world-atlas land outlines inline) from summary_json (as
 * written by gs_route_recorder_finish) and what rep gathered. Deterministic. Returns 0,
 * GS_EINPUT (summary unreadable), GS_EIO or GS_ERUNTIME (an asset missing from the build). */
int gs_route_report_write(const gs_route_report *rep, const char *summary_json,
                          const char *report_html, gs_error *err);
/** NULL is a no-op; does not free the recorder. */
void gs_route_report_free(gs_route_report *rep);

#ifdef __cplusplus
}
#endif
#endif
