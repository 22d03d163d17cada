/* gridsplit plan output: a plan as JSON (src/write/plan_json.c). */
#ifndef GRIDSPLIT_WRITE_PLAN_H
#define GRIDSPLIT_WRITE_PLAN_H

#include <stddef.h>
#include "gridsplit/fleet.h"
#include "gridsplit/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Plans of consecutive intervals as one JSON text (malloc'd, caller frees): target_mw,
 * achieved_mw, shortfall_mw (of the interval with the largest shortfall), cost_usd (total),
 * jobs[] (id, class, lever, power_mw, throughput, tier_floor, ...: only curtailed jobs unless
 * all_jobs) and, for several intervals, intervals[] with the same fields each. NULL when out
 * of memory. */
char *gs_plans_to_json(size_t n, const gs_plan *plans, const gs_event *evs,
                       const gs_plan_state *st, const gs_fleet *f, const gs_policy *pol,
                       int all_jobs);

#ifdef __cplusplus
}
#endif
#endif
