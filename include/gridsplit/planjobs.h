/* gridsplit planner jobs: the planner's view of the fleet's jobs (gs_plan_job of
 * gridsplit/plan.h) built from the fleet model, the one way `gridsplit plan`, the flex backtest
 * (`flex`, `simulate --policy flexible`) and later the daemon fill it: each training run's power,
 * power-cap curve (its own measured one, else the built-in of its workload), checkpoint phase,
 * checkpoint on signal, lead times, tier and tier window, and what it has lost already; each
 * inference cluster's GPUs serving, capacity, server time, the latency budget left after the
 * round trip its requests take, curve and tier. Also a recorder of those round trips for
 * gs_simulate's routing callback. Pure: no I/O, no clock, no globals. See docs/plan.md. */
#ifndef GRIDSPLIT_PLANJOBS_H
#define GRIDSPLIT_PLANJOBS_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/fleet.h"
#include "gridsplit/plan.h"
#include "gridsplit/route.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The curve a run plans with: its own measured curve (gs_run_power_curve), else the built-in
 * curve of its workload (gs_capcurve_builtin); NULL when neither exists. */
const gs_capcurve *gs_plan_run_curve(const gs_fleet *f, const gs_run *r);

/** The curve an inference service plans with: its own (gs_service_power_curve), else the
 * built-in "inference" curve, else the built-in "inference-batch" one. */
const gs_capcurve *gs_plan_service_curve(const gs_fleet *f, const gs_service *s);

/** The planner's view of training run `run` of f over an event starting at t, decided at now
 * (j zeroed and filled): power at the grid (GPUs x gs_gpu_power_w at its utilisation x pue),
 * its curve (gs_plan_run_curve), the work since its last scheduled checkpoint at t and the end
 * of its next checkpoint at or after now, its checkpoint on signal (ckpt_on_signal,
 * ckpt_signal_s), its lead times (0: the policy's), its tier and tier window, and what it has
 * lost already: slack_used_s over the run (also taken off its deadline margin) and lost_day_s
 * in the 24 h ending at the event's end. */
void gs_plan_job_of_run(const gs_fleet *f, int run, int64_t t, int64_t now, double pue,
                        double slack_used_s, double lost_day_s, gs_plan_job *j);

/** The planner's view of inference cluster `cluster` of f (j zeroed and filled), drawing
 * power_mw at the grid (PUE pue) and serving requests_per_s now: the GPUs serving them (the
 * router's provisioning: requests_per_s x (1 + headroom_frac) / requests_per_s_per_gpu, within
 * floor_frac x GPUs .. GPUs), their capacity at full power (serving GPUs x
 * requests_per_s_per_gpu), the server time of a request at full power (server_time_ms, else
 * GS_ROUTE_DEFAULT_SERVER_MS), the latency budget left for the server, latency_budget_ms -
 * rtt_ms (rtt_ms NAN: unknown, then latency_left_ms is NAN and the planner offers no cap), the
 * curve (gs_plan_service_curve), the service's tier (0: 1) and tier window, its cap lead. */
void gs_plan_job_of_inference(const gs_fleet *f, int cluster, double power_mw,
                              double requests_per_s, double pue, double rtt_ms, gs_plan_job *j);

/** The round trips requests take, recorded from the routed flows of a simulation: for each
 * service and site, the longest round trip (ms) of a region -> site arc carrying requests at
 * the first routed step whose middle is at or after at_s (NAN: no flow there, or no step
 * recorded). */
typedef struct gs_plan_rtt {
    int64_t at_s;
    size_t nservices, nsites;
    double *max_ms;               /**< [service * nsites + site] */
    int recorded;                 /**< 1 once a step has been recorded */
    int64_t step_mid_s;           /**< the middle of the step recorded */
} gs_plan_rtt;

/** Prepare r for fleet f (allocates; free with gs_plan_rtt_free). Returns 0 or GS_ENOMEM. */
int gs_plan_rtt_init(gs_plan_rtt *r, const gs_fleet *f, int64_t at_s, gs_error *err);
void gs_plan_rtt_free(gs_plan_rtt *r);

/** gs_sim_opts.on_route with route_ctx = a gs_plan_rtt. */
void gs_plan_rtt_on_route(void *ctx, const gs_router *rt, int64_t t, const double *const *demand,
                          const double *cap_mw, const double *pue);

/** The round trip recorded for (service, site), NAN when none. */
double gs_plan_rtt_ms(const gs_plan_rtt *r, int service, int site);

#ifdef __cplusplus
}
#endif
#endif
