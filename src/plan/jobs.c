/* jobs.c: the planner's jobs built from the fleet model (include/gridsplit/planjobs.h): one
 * way for the CLI, the backtest and the daemon to fill gs_plan_job from runs and inference
 * clusters, and a recorder of routed round trips. Pure: no I/O, clock or globals. */
#include "gridsplit/planjobs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/flex.h"
#include "gridsplit/load.h"

const gs_capcurve *gs_plan_run_curve(const gs_fleet *f, const gs_run *r)
{
    const gs_power_curve *p = gs_run_power_curve(f, r);
    return p ? &p->curve : gs_capcurve_builtin(r->workload);
}

const gs_capcurve *gs_plan_service_curve(const gs_fleet *f, const gs_service *s)
{
    const gs_power_curve *p = gs_service_power_curve(f, s);
    if (p)
        return &p->curve;
    const gs_capcurve *c = gs_capcurve_builtin("inference");
    return c ? c : gs_capcurve_builtin("inference-batch");
}

void gs_plan_job_of_run(const gs_fleet *f, int i, int64_t t, int64_t now, double pue,
                        double slack_used_s, double lost_day_s, gs_plan_job *j)
{
    const gs_run *run = &f->runs[i];
    const gs_cluster *c = &f->clusters[run->cluster];
    memset(j, 0, sizeof *j);
    snprintf(j->id, sizeof j->id, "%s", run->id);
    j->cls = GS_TRAINING;
    j->run = i;
    j->cluster = run->cluster;
    j->site = c->site;
    j->zone = f->sites[c->site].zone;
    j->gpu = &f->gpus[c->gpu];
    j->utilisation = run->utilisation >= 0 ? run->utilisation : c->utilisation;
    j->pue = pue;
    j->power_mw = run->gpus * gs_gpu_power_w(j->gpu, j->utilisation) * pue * 1e-6;
    j->curve = gs_plan_run_curve(f, run);
    double progress = (double)(t - run->start_s);
    double I = run->ckpt_interval_s;
    j->flex = (gs_flex_job){.gpus = run->gpus,
                            .usd_per_gpu_hour = c->cost_usd_per_gpu_hour,
                            .length_s = run->length_s,
                            .since_ckpt_s = I > 0 ? fmod(progress, I) : progress,
                            .restart_overhead_s = run->restart_overhead_s,
                            .tier = run->tier,
                            .slack_used_s = slack_used_s,
                            .deadline_margin_s = run->deadline_s
                                                     ? (double)run->deadline_s -
                                                           ((double)run->start_s + run->length_s) -
                                                           slack_used_s
                                                     : INFINITY,
                            .window = run->tier_window,
                            .lost_day_s = lost_day_s};
    j->next_ckpt_s = -1;
    if (I > 0) {
        double last = (double)run->start_s + floor(progress / I) * I; /* last ckpt end <= t */
        if (last >= (double)now && last > (double)run->start_s)
            j->next_ckpt_s = last;
        else
            j->next_ckpt_s =
                (double)run->start_s + (floor(((double)now - (double)run->start_s) / I) + 1) * I;
    }
    j->ckpt_on_signal = run->ckpt_signal[0] != 0;
    j->ckpt_signal_s = j->ckpt_on_signal ? run->ckpt_signal_s : 0;
    j->cap_lead_s = run->lead_cap_s;
    j->pause_lead_s = run->lead_pause_s;
}

void gs_plan_job_of_inference(const gs_fleet *f, int k, double power_mw, double requests_per_s,
                              double pue, double rtt_ms, gs_plan_job *j)
{
    const gs_cluster *c = &f->clusters[k];
    memset(j, 0, sizeof *j);
    snprintf(j->id, sizeof j->id, "%s", c->id);
    j->cls = GS_INFERENCE;
    j->run = -1;
    j->cluster = k;
    j->site = c->site;
    j->zone = f->sites[c->site].zone;
    j->gpu = &f->gpus[c->gpu];
    j->pue = pue;
    j->power_mw = power_mw;
    j->requests_per_s = requests_per_s;
    j->next_ckpt_s = -1;
    j->flex.tier = 1;
    j->latency_left_ms = NAN;
    if (c->service < 0 || (size_t)c->service >= f->nservices)
        return;
    const gs_service *s = &f->services[c->service];
    double rpg = s->requests_per_s_per_gpu;
    double serving = rpg > 0 ? requests_per_s * (1.0 + s->headroom_frac) / rpg : 0;
    if (serving < s->floor_frac * c->gpus)
        serving = s->floor_frac * c->gpus;
    if (serving > c->gpus)
        serving = c->gpus;
    j->flex.gpus = serving;
    j->flex.usd_per_gpu_hour = c->cost_usd_per_gpu_hour;
    j->flex.tier = s->tier > 0 ? s->tier : 1;
    j->flex.window = s->tier_window;
    j->flex.deadline_margin_s = INFINITY;
    j->serving_gpus = serving;
    j->capacity_rps = serving * rpg;
    j->server_ms = s->server_time_ms > 0 ? s->server_time_ms : GS_ROUTE_DEFAULT_SERVER_MS;
    j->latency_left_ms = isfinite(rtt_ms) ? s->latency_budget_ms - rtt_ms : NAN;
    j->curve = gs_plan_service_curve(f, s);
    j->cap_lead_s = s->lead_cap_s;
}

int gs_plan_rtt_init(gs_plan_rtt *r, const gs_fleet *f, int64_t at_s, gs_error *err)
{
    memset(r, 0, sizeof *r);
    r->at_s = at_s;
    r->nservices = f->nservices;
    r->nsites = f->nsites;
    size_t n = r->nservices * r->nsites;
    r->max_ms = malloc((n ? n : 1) * sizeof *r->max_ms);
    if (!r->max_ms)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (size_t i = 0; i < n; i++)
        r->max_ms[i] = NAN;
    return GS_OK;
}

void gs_plan_rtt_free(gs_plan_rtt *r)
{
    if (!r)
        return;
    free(r->max_ms);
    r->max_ms = NULL;
}

void gs_plan_rtt_on_route(void *ctx, const gs_router *rt, int64_t t, const double *const *demand,
                          const double *cap_mw, const double *pue)
{
    (void)demand;
    (void)cap_mw;
    (void)pue;
    gs_plan_rtt *r = ctx;
    if (r->recorded || t < r->at_s)
        return;
    r->recorded = 1;
    r->step_mid_s = t;
    for (size_t v = 0; v < r->nservices; v++) {
        size_t na = 0;
        const gs_route_arc *arcs = gs_router_arcs(rt, (int)v, &na);
        const double *flow = gs_router_flow(rt, (int)v);
        if (!arcs || !flow)
            continue;
        for (size_t a = 0; a < na; a++) {
            if (!(flow[a] > 0) || arcs[a].site < 0 || (size_t)arcs[a].site >= r->nsites)
                continue;
            double *m = &r->max_ms[v * r->nsites + (size_t)arcs[a].site];
            if (!(*m >= arcs[a].rtt_ms))
                *m = arcs[a].rtt_ms;
        }
    }
}

double gs_plan_rtt_ms(const gs_plan_rtt *r, int service, int site)
{
    if (!r || !r->max_ms || service < 0 || site < 0 || (size_t)service >= r->nservices ||
        (size_t)site >= r->nsites)
        return NAN;
    return r->max_ms[(size_t)service * r->nsites + (size_t)site];
}
