/* stats.h (internal): summary statistics of the simulated load curves (gs_load_stats). */
#ifndef GS_SIM_STATS_H
#define GS_SIM_STATS_H

#include "gridsplit/sim.h"

/** Fill r's site_class, site, fleet_class and fleet statistics from r->mw. */
int gs__sim_stats(const gs_fleet *f, const gs_sim_tz *tz, gs_sim_result *r, gs_error *err);

/** Statistics of one curve of n values (MW) from start_s at step_s. tz: local days and hours
 * (NULL: UTC). top: 1 at the steps in the zone's top 1 % system-demand hours (NULL: no
 * coincidence). zone: price and carbon series for cost and emissions (NULL: none). */
void gs__curve_stats(const double *mw, size_t n, int64_t start_s, int64_t step_s, const gs_tz *tz,
                     const unsigned char *top, const gs_zone *zone, gs_load_stats *out);

#endif
