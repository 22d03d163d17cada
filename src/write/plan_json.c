/* plan_json.c: plans as JSON (include/gridsplit/write/plan.h): target, achieved, shortfall,
 * tier-weighted throughput, cost, the response curve and the jobs (lever, power before and
 * after, throughput during the event, floor, window and the averages over each window) of one
 * event or of several events or intervals. */
#include "gridsplit/write/plan.h"
#include "gridsplit/flex.h"
#include "gridsplit/time.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double r6(double x) { return isfinite(x) ? round(x * 1e6) / 1e6 : 0; }
static double r2(double x) { return isfinite(x) ? round(x * 100) / 100 : 0; }

static json_t *time_or_null(int64_t t, int known)
{
    if (!known)
        return json_null();
    char b[24];
    gs_format_time(t, b);
    return json_string(b);
}

/* The curve a job plans with, as the plan names it. */
static const char *curve_name(const gs_plan_job *j, const gs_fleet *f, char *buf, size_t len)
{
    if (!j->curve)
        return NULL;
    for (size_t i = 0; i < f->npower_curves; i++)
        if (j->curve == &f->power_curves[i].curve)
            return f->power_curves[i].id;
    snprintf(buf, len, "built-in %s", j->curve->workload);
    return buf;
}

static json_t *job_json(const gs_plan_entry *e, const gs_plan_job *j, const gs_fleet *f)
{
    char a[24], b[24], cb[64];
    gs_format_time(e->from_s, a);
    gs_format_time(e->to_s, b);
    json_t *x = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:s, s:f, s:f}",
                          "id", j->id, "class", gs_class_name(j->cls),
                          "site", f->sites[j->site].id, "lever", gs_lever_name(e->lever),
                          "from", a, "to", b, "power_mw", r6(e->mw_after),
                          "power_before_mw", r6(e->mw_before), "reduction_mw", r6(e->reduction_mw),
                          "throughput", r6(e->throughput), "tier_floor", r6(e->tier_floor),
                          "tier_window", gs_tier_window_name(e->tier_window),
                          "weight", r6(e->weight), "perf", r6(e->perf));
    if (!x)
        return NULL;
    json_object_set_new(x, "avg_throughput",
                        json_pack("{s:f, s:f, s:f}", "event", r6(e->cost.avg_window[GS_TIER_EVENT]),
                                  "day", r6(e->cost.avg_window[GS_TIER_DAY]),
                                  "run", r6(e->cost.avg_window[GS_TIER_RUN])));
    if (e->lever != GS_LEVER_RUN) {
        json_object_set_new(x, "acts", time_or_null(e->act_s, 1));
        json_object_set_new(x, "lead_s", json_real(r6(e->lead_s)));
    }
    if (e->continued)
        json_object_set_new(x, "continued", json_true());
    json_object_set_new(x, "cost_usd", json_real(r2(e->cost.usd)));
    if (e->lever == GS_LEVER_CAP || e->lever == GS_LEVER_SHRINK) {
        json_object_set_new(x, "cap_frac", json_real(r6(e->cap_frac)));
        if (j->gpu && e->lever == GS_LEVER_CAP)
            json_object_set_new(x, "cap_w", json_real(r2(e->cap_frac * j->gpu->board_w)));
    }
    const char *cn = curve_name(j, f, cb, sizeof cb);
    if (cn)
        json_object_set_new(x, "curve", json_string(cn));
    if (j->cls == GS_TRAINING) {
        json_object_set_new(x, "cost_share", json_real(r6(e->cost.share)));
        json_object_set_new(x, "lost_h", json_real(r6(e->cost.lost_s / 3600)));
        json_object_set_new(x, "run_avg_throughput", json_real(r6(e->cost.avg_throughput)));
        json_object_set_new(x, "slack_left_h", json_real(r6(e->slack_left_s / 3600)));
        if (e->cost.slip_s > 0)
            json_object_set_new(x, "deadline_slip_h", json_real(r6(e->cost.slip_s / 3600)));
        if (j->ckpt_on_signal) {
            const gs_run *run = j->run >= 0 ? &f->runs[j->run] : NULL;
            json_object_set_new(x, "checkpoint_signal",
                                json_string(run && run->ckpt_signal[0] ? run->ckpt_signal : "yes"));
            json_object_set_new(x, "checkpoint_signal_s", json_real(r6(j->ckpt_signal_s)));
        }
    } else {
        json_object_set_new(x, "requests_per_s", json_real(r6(j->requests_per_s)));
        json_object_set_new(x, "serving_gpus", json_real(r6(j->serving_gpus)));
        json_object_set_new(x, "capacity_rps", json_real(r6(j->capacity_rps)));
        if (e->lever == GS_LEVER_CAP) {
            json_object_set_new(x, "capacity_rps_capped", json_real(r6(e->capacity_rps)));
            json_object_set_new(x, "server_ms_capped", json_real(r6(e->server_ms)));
        }
        json_object_set_new(x, "server_ms", json_real(r6(j->server_ms)));
        if (isfinite(j->latency_left_ms)) {
            json_object_set_new(x, "latency_left_ms", json_real(r6(j->latency_left_ms)));
        } else {
            json_object_set_new(x, "latency_left_ms", json_null());
            json_object_set_new(x, "latency_note",
                                json_string("no request was routed to this site at the event "
                                            "start: the round trip is unknown, so no power cap "
                                            "is offered"));
        }
        if (e->lost_requests > 0)
            json_object_set_new(x, "lost_requests", json_real(round(e->lost_requests)));
    }
    return x;
}

static json_t *plan_json(const gs_plan *p, const gs_plan_state *st, const gs_event *ev,
                         const gs_fleet *f, const gs_policy *pol, const gs_plan_out_opts *o)
{
    char t0[24], t1[24];
    gs_format_time(ev->start_s, t0);
    gs_format_time(ev->end_s, t1);
    const char *scope = ev->scope == GS_SCOPE_SITE ? f->sites[ev->scope_index].id
                        : ev->scope == GS_SCOPE_ZONE ? f->zones[ev->scope_index].id : "fleet";
    json_t *o_ = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:b}",
                           "event", ev->id, "type", gs_plan_event_kind_name(ev->kind), "scope", scope,
                           "start", t0, "end", t1, "policy", gs_policy_name(pol->kind),
                           "priority", gs_priority_name(p->priority),
                           "target_mw", r6(p->target_mw), "achieved_mw", r6(p->achieved_mw),
                           "shortfall_mw", r6(p->shortfall_mw),
                           "weighted_throughput", r6(p->weighted_throughput),
                           "cost_usd", r2(p->cost_usd),
                           "baseline_mw", r6(p->baseline_mw), "available_mw", r6(p->available_mw),
                           "optimal", p->optimal);
    if (!o_)
        return NULL;
    if (ev->cls != GS_EVCLS_ALL)
        json_object_set_new(o_, "class", json_string(gs_event_class_name(ev->cls)));
    if (isfinite(p->limit_mw))
        json_object_set_new(o_, "limit_mw", json_real(r6(p->limit_mw)));
    if (ev->kind == GS_PEV_PRICE)
        json_object_set_new(o_, "price_usd_per_mwh", json_real(ev->price_usd_per_mwh));
    if (ev->kind == GS_PEV_PRICE || ev->kind == GS_PEV_PEAK)
        json_object_set_new(o_, "value_usd", json_real(r2(p->value_usd)));
    json_object_set_new(o_, "decided", time_or_null(p->decided_s, 1));
    if (p->decided_s > ev->start_s) /* under way: planned for what is left */
        json_object_set_new(o_, "under_way_s",
                            json_integer((json_int_t)(p->decided_s - ev->start_s)));
    json_object_set_new(o_, "target_at", time_or_null(p->target_s, 1));
    json_object_set_new(o_, "met_at", time_or_null(p->met_s, p->met_s >= 0));
    if (p->note[0])
        json_object_set_new(o_, "note", json_string(p->note));
    json_t *curve = json_array();
    for (int k = 0; k < GS_PLAN_POINTS; k++) {
        const gs_plan_point *q = &p->points[k];
        json_t *x = json_pack("{s:I, s:o, s:b, s:f, s:f, s:f}", "after_s", (json_int_t)q->after_s,
                              "at", time_or_null(q->at_s, 1), "in_force", q->in_force,
                              "achieved_mw", r6(q->achieved_mw), "shortfall_mw", r6(q->shortfall_mw),
                              "waiting_mw", r6(q->waiting_mw));
        if (x && q->why[0])
            json_object_set_new(x, "why", json_string(q->why));
        if (x)
            json_array_append_new(curve, x);
    }
    json_object_set_new(o_, "response_curve", curve);
    json_t *jobs = json_array();
    for (size_t i = 0; i < p->nentries; i++) {
        const gs_plan_entry *e = &p->entries[i];
        if (!o->all_jobs && e->lever == GS_LEVER_RUN)
            continue;
        json_t *x = job_json(e, &st->jobs[e->job], f);
        if (x)
            json_array_append_new(jobs, x);
    }
    json_object_set_new(o_, "jobs", jobs);
    return o_;
}

char *gs_plans_to_json(size_t n, const gs_plan *plans, const gs_event *evs,
                       const gs_plan_state *sts, const gs_fleet *f, const gs_policy *pol,
                       const gs_plan_out_opts *o)
{
    if (n == 0)
        return NULL;
    gs_plan_out_opts none = {0};
    if (!o)
        o = &none;
    json_t *root;
    if (n == 1) {
        root = plan_json(&plans[0], &sts[0], &evs[0], f, pol, o);
    } else {
        /* the binding plan: the largest shortfall, then the largest target */
        size_t w = 0;
        double cost = 0;
        for (size_t i = 0; i < n; i++) {
            cost += plans[i].cost_usd;
            if (plans[i].shortfall_mw > plans[w].shortfall_mw ||
                (plans[i].shortfall_mw == plans[w].shortfall_mw &&
                 plans[i].target_mw > plans[w].target_mw))
                w = i;
        }
        root = plan_json(&plans[w], &sts[w], &evs[w], f, pol, o);
        if (root) {
            json_object_set_new(root, "cost_usd", json_real(r2(cost)));
            json_object_set_new(root, "binding_interval", json_integer((json_int_t)w));
            json_t *arr = json_array();
            for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, plan_json(&plans[i], &sts[i], &evs[i], f, pol, o));
            json_object_set_new(root, "intervals", arr);
        }
    }
    if (!root)
        return NULL;
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(10) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return s;
}
