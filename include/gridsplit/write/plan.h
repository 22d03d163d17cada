/* gridsplit plan output: plans as JSON (src/write/plan_json.c) or as tables for a person
 * (src/write/plan_text.c). docs/plan.md documents every field. */
#ifndef GRIDSPLIT_WRITE_PLAN_H
#define GRIDSPLIT_WRITE_PLAN_H

#include <stddef.h>
#include "gridsplit/fleet.h"
#include "gridsplit/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What the writers print beside the plans. */
typedef struct gs_plan_out_opts {
    int all_jobs;               /**< every job in scope, not only those curtailed */
} gs_plan_out_opts;

/** Plans of n events or intervals (plans[i] the plan of evs[i], made on the state sts[i]) as
 * one JSON text (malloc'd, caller frees). The top level is the binding plan (the largest
 * shortfall, then the largest target): event, type, scope, start, end, policy, priority,
 * target_mw, achieved_mw, shortfall_mw, weighted_throughput, cost_usd (total), baseline_mw,
 * available_mw, optimal, decided (and under_way_s, when decided after the start), target_at,
 * met_at, response_curve[] (after_s, at, in_force,
 * achieved_mw, shortfall_mw, waiting_mw, why), jobs[] (id, class, site, lever, from, to,
 * power_before_mw, power_mw, reduction_mw, throughput, tier_floor, tier_window, weight, perf,
 * avg_throughput {event, day, run}, acts, lead_s, cost_usd, ...: only the curtailed jobs unless
 * o->all_jobs) and, for several, intervals[] with the same fields each. NULL when out of
 * memory. */
char *gs_plans_to_json(size_t n, const gs_plan *plans, const gs_event *evs,
                       const gs_plan_state *sts, const gs_fleet *f, const gs_policy *pol,
                       const gs_plan_out_opts *o);

/** The same plans as text for a person (malloc'd, caller frees): per plan a summary (event,
 * target, achieved, shortfall, tier-weighted throughput, cost, when the target is met), the
 * jobs' table (lever, cap, power before and after, throughput during the event, floor and
 * window, averages over the event, day and run, cost) and the response curve. Power in MW, or
 * in kW when the plan's baseline is below 1 MW (the header says which). NULL when out of
 * memory. */
char *gs_plans_to_text(size_t n, const gs_plan *plans, const gs_event *evs,
                       const gs_plan_state *sts, const gs_fleet *f, const gs_policy *pol,
                       const gs_plan_out_opts *o);

#ifdef __cplusplus
}
#endif
#endif
