/* gridsplit planner: THE function that decides what to curtail when the grid calls. Given the
 * fleet's state at a decision time (each job's power, checkpoint phase, tier over its window
 * and what it already lost, its own measured power curve, lead times, checkpoint on demand;
 * inference services with their capacity and latency budget), a grid event (reduce to / by MW
 * at a site, a zone or the fleet, over a window, with notice and ramp; a price; a capacity
 * peak; a reserve deployment) and a policy, it returns the plan: per job, the lever, when it
 * acts, the MW before and after, the cost and the job's average throughput over each window;
 * meeting the target with the highest tier-weighted throughput, then at least cost (or least
 * cost only), without breaking any tier, as early as the levers' lead times allow, with the
 * response curve (MW at +1 s .. +15 min and the target time, and why), or saying exactly how
 * far it falls short; and the same plan as gs_override entries for gs_simulate. Consecutive
 * intervals of one event are planned jointly (gs_plan_make_intervals). The same function runs
 * in backtests and in the live daemon: pure, deterministic, no I/O, clock or globals.
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

/** What the planner maximises among the plans that meet the target. */
typedef enum gs_priority {
    GS_PRIORITY_THROUGHPUT = 0, /**< the highest tier-weighted throughput, then the least cost
                                     (the default) */
    GS_PRIORITY_COST,           /**< the least cost only (the planner before issue 9) */
} gs_priority;
/** "throughput", "cost"; gs_priority_parse: the reverse, -1 */
const char *gs_priority_name(gs_priority p);
int gs_priority_parse(const char *name);

typedef struct gs_policy {
    gs_policy_kind kind;
    gs_priority priority;         /**< default GS_PRIORITY_THROUGHPUT. The weights of the
                                       tier-weighted throughput are each job's floor (its tier;
                                       1 for must-run and for inference without one), as the
                                       Emerald/SRP field test weighs them:
                                       sum(avg x floor) / sum(floor) over the jobs in scope, avg
                                       being the job's average throughput over its own tier
                                       window (served share for inference) */
    int allow_inference_shed;     /**< 0: inference is never shed (default) */
    double usd_per_request;       /**< revenue lost per inference request shed (default 0.002) */
    double reserve_mw;            /**< reserve: MW committed for the hour */
    double capacity_usd_per_mw;   /**< capacity: value of one MW off a peak hour (default 0) */
    double requeue_overhead_s;    /**< extra restart time of a requeued job (default 1800) */
    double shrink_frac;           /**< shrink keeps this share of GPUs (default 0.5) */
    double cap_lead_s;            /**< time to apply a power cap (default 60) */
    double pause_lead_s;          /**< time to drain and pause a job (default 300) */
    double ckpt_lead_s;           /**< time for a checkpoint signal to reach a job (default 0:
                                       counted in pause_lead_s); a checkpoint-pause acts after
                                       ckpt_lead_s + the job's ckpt_signal_s + pause_lead_s */
    double deadline_penalty;      /**< a GPU-hour past a deadline costs (1 + this) x (default 1) */
    int exact_core;               /**< jobs searched exhaustively around the greedy break point
                                       (default 8; 0: greedy with repair only) */
    int64_t decided_s;            /**< the decision time (UTC): when the plan is made and the
                                       levers can start (each acts from here + its lead; the
                                       response curve counts from here). 0 (default): each
                                       event's start - notice, when it is announced (backtests).
                                       It may be after the start, for an event under way (the
                                       live daemon called late, or restarted): then the part of
                                       the window already gone is neither asked for nor counted:
                                       the plan covers [decided_s, end), the target applies from
                                       max(start + ramp, decided_s), a tier over the event window
                                       is held over what is left. An event (or interval) that
                                       ends at or before it is an error. The state (gs_plan_state)
                                       is the fleet's at this time. */
    int all_entries;              /**< gs_plan_make_intervals: 1: each interval's plan lists
                                       every job in scope; 0 (default): only the jobs it
                                       curtails (lever != run; the others change no total, and
                                       the weighted figure still counts them), which keeps 24
                                       hourly plans of 10,000 jobs from writing 57 MB.
                                       gs_plan_make always lists every job. */
} gs_policy;

/** Fill p with the defaults of policy kind k. */
void gs_policy_default(gs_policy_kind k, gs_policy *p);

/** One job's state at the decision time (built at the edge from the fleet and run plans, or
 * the scheduler). Zero-initialise, then fill. Zero means: flex.window the event (the default
 * window), no checkpoint on signal, the policy's lead times, no inference cap (capacity_rps 0);
 * set latency_left_ms to NAN when unknown. */
typedef struct gs_plan_job {
    char id[GS_ID_MAX];
    gs_class cls;
    int run;                      /**< index into fleet runs (training), -1 otherwise */
    int cluster, site, zone;      /**< indices into the fleet */
    double power_mw;              /**< now, at the grid connection (PUE applied) */
    /* both classes */
    const gs_gpu *gpu;            /**< its GPU model (power model of gs_gpu_power_w) */
    double utilisation;           /**< training: GPU activity while running */
    double pue;
    const gs_capcurve *curve;     /**< the job's own measured curve (from the fleet), else the
                                       built-in one of its workload; NULL: no cap lever. With
                                       has_power, a capped GPU draws power_frac x board (never
                                       more than it draws running); without, the cap. Inference:
                                       throughput (requests/s a GPU serves) against cap */
    gs_flex_job flex;             /**< cost-model view: GPUs, slack used, checkpoint phase, tier,
                                       flex.window (GS_TIER_EVENT / DAY / RUN) and
                                       flex.lost_day_s (lost in the 24 h ending at the event's
                                       end); inference: only tier and window are read */
    double next_ckpt_s;           /**< UTC of its next checkpoint's end; <0: none known */
    int ckpt_on_signal;           /**< 1: the job checkpoints when told (lever checkpoint-pause) */
    double ckpt_signal_s;         /**< duration of an on-demand checkpoint (s) */
    double cap_lead_s;            /**< per-job lead times (s); 0: the policy's default */
    double pause_lead_s;
    double ckpt_lead_s;           /**< time for the checkpoint signal to reach the job */
    /* inference */
    double requests_per_s;        /**< requests served now */
    double serving_gpus;          /**< GPUs serving them */
    double capacity_rps;          /**< requests/s those GPUs serve at full power; 0: no cap */
    double server_ms;             /**< server time of a request at full power (ms) */
    double latency_left_ms;       /**< the latency budget left for the server: budget minus the
                                       network round trip the edge measured (ms); NAN: unknown,
                                       then no inference cap is offered */
} gs_plan_job;

/** The fleet's state: its jobs and each site's total load now (all classes, idle GPUs, PUE),
 * at the decision time (gs_policy.decided_s). */
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
    /* issue 9 */
    gs_tier_window tier_window;   /**< the window the job's tier is checked over; the averages
                                       over every window are cost.avg_window[] */
    int continued;                /**< intervals: continues the previous interval's pause (no
                                       restart, no redo, no lead) */
    double weight;                /**< its weight in the tier-weighted throughput (its floor) */
    double perf;                  /**< its performance in that figure: the average throughput
                                       over its own window (inference: served share) */
    double lead_s;                /**< the lever's lead time (0 for run) */
    int64_t act_s;                /**< when the lever acts: decision time + lead (run: start) */
    double server_ms;             /**< inference: server time at the cap (ms); else 0 */
    double capacity_rps;          /**< inference: requests/s at the cap; else 0 */
} gs_plan_entry;

/** One point of the response curve: what the plan has achieved at at_s. */
#define GS_PLAN_POINTS 6
typedef struct gs_plan_point {
    int64_t at_s;                 /**< UTC */
    int64_t after_s;              /**< at_s - decision time: 1, 10, 60, 300, 900, then the
                                       target time (start + ramp; may be 0 or repeat one) */
    int in_force;                 /**< 1 when the target applies at at_s (>= start + ramp) */
    double achieved_mw;           /**< cuts of the chosen levers holding by at_s */
    double shortfall_mw;          /**< in force: max(0, target - achieved); else 0 */
    double waiting_mw;            /**< cuts of chosen levers still waiting for their lead */
    char why[160];                /**< which levers are waiting and from when they act */
} gs_plan_point;

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
    gs_plan_entry *entries;       /**< every job in scope, in job order (an interval's plan
                                       without policy.all_entries: every job it curtails) */
    size_t noverrides;
    gs_override *overrides;       /**< pauses and caps of training runs, for gs_simulate */
    char note[256];               /**< why the plan is what it is (shortfall reasons, ...) */
    /* issue 9 */
    gs_priority priority;         /**< the policy's */
    double weighted_throughput;   /**< sum(perf x weight) / sum(weight) over the entries (1 with
                                       none) */
    int64_t decided_s;            /**< decision time: policy.decided_s, else start - notice */
    int64_t target_s;             /**< when the target applies: start + ramp, or the decision
                                       time for an event under way past its ramp */
    int64_t met_s;                /**< first time the planned cut reaches the target; -1: never */
    gs_plan_point points[GS_PLAN_POINTS]; /**< the response curve, in the order of after_s above */
} gs_plan;

/** Plan the response to ev under pol, decided at pol->decided_s (0: ev's start - notice; after
 * the start: the event under way, planned for what is left of it). *out is filled (free with
 * gs_plan_free).
 * The scope is ev's site, zone or the fleet, and ev->cls: for an event on one load class only
 * that class's jobs are in scope and the baseline is their power; for all load (the default)
 * every job at the scope is, and the baseline is st->site_mw summed over the scope's sites.
 * Returns 0, or GS_EINPUT for an impossible request (negative target, end <= start, an event
 * over at the decision time, a scope index out of range, an unknown class, an event asking to
 * shed inference under a policy that forbids it). */
int gs_plan_make(const gs_plan_state *st, const gs_event *ev, const gs_policy *pol,
                 gs_plan *out, gs_error *err);

void gs_plan_free(gs_plan *p);

/** Plan n consecutive intervals of one event jointly (an OpenADR 3 event's intervals, or a
 * capacity limit that changes each hour): evs[0..n) of the same scope, class and kind, each
 * starting where the previous ends, each with its own mw (target). plans_out[n] are filled
 * (each freed with gs_plan_free; on error none is left allocated); each lists the jobs it
 * curtails, or every job in scope with pol->all_entries (the totals, the weighted figure,
 * the response curve and the overrides are the same either way). A job paused in one interval
 * may continue the pause in the next (no restart, no redo, no lead: entry.continued); it is
 * resumed and paused again only when that is better by the policy's objective. The loss of
 * each interval counts against the run and day windows of the next ones. With pol->decided_s
 * set, every interval is decided then (the first may be under way; none may be over). Returns
 * 0, or GS_EINPUT (as gs_plan_make, plus intervals not consecutive or of another scope / class
 * / kind), GS_ENOMEM. */
int gs_plan_make_intervals(const gs_plan_state *st, const gs_event *evs, size_t n,
                           const gs_policy *pol, gs_plan *plans_out, gs_error *err);

/** The admissible options of job `job` for ev under pol (every lever that keeps the job's tier
 * over its window and can act before the end, before dominated ones are dropped), "run" first.
 * A lever whose lead ends after start + ramp is listed as it would hold: from decision + lead
 * (from_s > start + ramp); gs_plan_make uses those only when the others cannot meet the target.
 * Writes at most max entries and returns how many there are (an operator's "what could this
 * job give"; the tests' exhaustive search uses it). */
size_t gs_plan_job_options(const gs_plan_state *st, const gs_event *ev, const gs_policy *pol,
                           size_t job, gs_plan_entry *out, size_t max);




#ifdef __cplusplus
}
#endif
#endif
