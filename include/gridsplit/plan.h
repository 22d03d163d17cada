/* gridsplit planner: THE function that decides what to curtail when the grid calls. Given the
 * fleet's state at a decision time (each job's power, checkpoint phase, tier and slack used,
 * power-cap curve), a grid event (reduce to / by MW at a site, a zone or the fleet, over a
 * window, with notice and ramp; a price; a capacity peak; a reserve deployment) and a policy,
 * it returns the plan: per job, the lever, its interval, the MW before and after, and the cost,
 * meeting the target at least cost without breaking any tier, or saying exactly how far it
 * falls short; and the same plan as gs_override entries for gs_simulate. The same function
 * runs in backtests and in the live daemon: pure, deterministic, no I/O, clock or globals.
 * See docs/plan.md. */
#ifndef GRIDSPLIT_PLAN_H
#define GRIDSPLIT_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/event.h"
#include "gridsplit/fleet.h"
#include "gridsplit/flex.h"
#include "gridsplit/load.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The event model (gs_event, gs_plan_event_kind, gs_scope, gs_event_class) is
 * gridsplit/event.h. */

typedef enum gs_policy_kind {
    GS_POLICY_MUST_RUN = 0,   /**< never curtail: the plan is the shortfall (backtest baseline) */
    GS_POLICY_COMPLY,         /**< meet reduce events at least cost (the default) */
    GS_POLICY_PRICE,          /**< meet reduce events; on price events curtail every job whose
                                   lost progress is worth less than the energy it saves */
    GS_POLICY_RESERVE,        /**< reserve offer: commit reserve_mw each hour, paid for
                                   availability; curtail up to the commitment when deployed */
    GS_POLICY_CAPACITY,       /**< capacity: in peak hours curtail every job whose cost per MW
                                   is below capacity_usd_per_mw */
} gs_policy_kind;
/** "must-run", "comply", "price", "reserve", "capacity"; gs_policy_parse: the reverse, -1 */
const char *gs_policy_name(gs_policy_kind k);
int gs_policy_parse(const char *name);

typedef struct gs_policy {
    gs_policy_kind kind;
    int allow_inference_shed;     /**< 0: inference is never shed (default) */
    double usd_per_request;       /**< revenue lost per inference request shed (default 0.002) */
    double reserve_mw;            /**< reserve: MW committed for the hour */
    double capacity_usd_per_mw;   /**< capacity: value of one MW off a peak hour (default 0) */
    double requeue_overhead_s;    /**< extra restart time of a requeued job (default 1800) */
    double shrink_frac;           /**< shrink keeps this share of GPUs (default 0.5) */
    double cap_lead_s;            /**< time to apply a power cap (default 60) */
    double pause_lead_s;          /**< time to drain and pause a job (default 300) */
    double deadline_penalty;      /**< a GPU-hour past a deadline costs (1 + this) x (default 1) */
    int exact_core;               /**< jobs searched exhaustively around the greedy break point
                                       (default 8; 0: greedy with repair only) */
} gs_policy;

/** Fill p with the defaults of policy kind k. */
void gs_policy_default(gs_policy_kind k, gs_policy *p);

/** One job's state at the decision time (built at the edge from run plans or the scheduler). */
typedef struct gs_plan_job {
    char id[GS_ID_MAX];
    gs_class cls;
    int run;                      /**< index into fleet runs (training), -1 otherwise */
    int cluster, site, zone;      /**< indices into the fleet */
    double power_mw;              /**< now, at the grid connection (PUE applied) */
    /* training */
    const gs_gpu *gpu;            /**< its GPU model (power model of gs_gpu_power_w) */
    double utilisation;
    double pue;
    const gs_capcurve *curve;     /**< NULL: no cap lever */
    gs_flex_job flex;             /**< cost-model view (slack used, checkpoint phase, ...) */
    double next_ckpt_s;           /**< UTC of its next checkpoint's end; <0: none known */
    /* inference */
    double requests_per_s;        /**< requests served now */
} gs_plan_job;

/** The fleet's state: its jobs and each site's total load now (all classes, idle GPUs, PUE). */
typedef struct gs_plan_state {
    size_t njobs;
    const gs_plan_job *jobs;
    size_t nsites;
    const double *site_mw;        /**< [nsites] */
    const int *site_zone;         /**< [nsites] zone index of each site */
} gs_plan_state;

/** The plan for one job in the event's scope. */
typedef struct gs_plan_entry {
    int job;                      /**< index into state.jobs */
    gs_lever lever;
    int64_t from_s, to_s;         /**< when the lever holds (pause-checkpoint starts earlier) */
    double cap_frac;              /**< cap: GPU cap as a share of board power */
    double throughput;            /**< progress rate while the lever holds (1 when run) */
    double mw_before, mw_after;   /**< at the grid, during the event */
    double reduction_mw;
    gs_flex_cost cost;            /**< lost time, dollars, share, slip, tier check */
    double tier_floor;            /**< the job's tier (1 for inference) */
    double slack_left_s;          /**< after this plan */
    double lost_requests;         /**< shed inference */
} gs_plan_entry;

typedef struct gs_plan {
    gs_plan_event_kind kind;
    double baseline_mw;           /**< the scope's load without the plan */
    double limit_mw;              /**< reduce_to: the limit; NAN otherwise */
    double target_mw;             /**< reduction asked for (0 for price events) */
    double achieved_mw;           /**< reduction planned */
    double shortfall_mw;          /**< max(0, target - achieved): exact */
    double available_mw;          /**< most the scope could cut within tiers and notice */
    double cost_usd;
    double value_usd;             /**< price / peak / reserve events: the value earned */
    int optimal;                  /**< 1 when the search proved least cost */
    size_t nentries;
    gs_plan_entry *entries;       /**< every job in scope, in job order */
    size_t noverrides;
    gs_override *overrides;       /**< pauses and caps of training runs, for gs_simulate */
    char note[256];               /**< why the plan is what it is (shortfall reasons, ...) */
} gs_plan;

/** Plan the response to ev under pol. *out is filled (free with gs_plan_free).
 * The scope is ev's site, zone or the fleet, and ev->cls: for an event on one load class only
 * that class's jobs are in scope and the baseline is their power; for all load (the default)
 * every job at the scope is, and the baseline is st->site_mw summed over the scope's sites.
 * Returns 0, or GS_EINPUT for an impossible request (negative target, end <= start, a scope
 * index out of range, an unknown class, an event asking to shed inference under a policy that
 * forbids it). */
int gs_plan_make(const gs_plan_state *st, const gs_event *ev, const gs_policy *pol,
                 gs_plan *out, gs_error *err);

void gs_plan_free(gs_plan *p);

/** The admissible options of job `job` for ev under pol (every lever that respects notice, ramp
 * and the job's tier, before dominated ones are dropped), "run" first. Writes at most max
 * entries and returns how many there are (an operator's "what could this job give"; the
 * tests' exhaustive search uses it). */
size_t gs_plan_job_options(const gs_plan_state *st, const gs_event *ev, const gs_policy *pol,
                           size_t job, gs_plan_entry *out, size_t max);




#ifdef __cplusplus
}
#endif
#endif
