/* plan_json.c: plans as JSON (include/gridsplit/write/plan.h): target, achieved, shortfall,
 * cost and the curtailed jobs of one or several consecutive intervals. */
#include "gridsplit/write/plan.h"
#include "gridsplit/time.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double r6(double x) { return isfinite(x) ? round(x * 1e6) / 1e6 : 0; }
static double r2(double x) { return isfinite(x) ? round(x * 100) / 100 : 0; }

static json_t *plan_json(const gs_plan *p, const gs_plan_state *st, const gs_event *ev,
                         const gs_fleet *f, const gs_policy *pol, int all_jobs)
{
    char t0[24], t1[24];
    gs_format_time(ev->start_s, t0);
    gs_format_time(ev->end_s, t1);
    const char *scope = ev->scope == GS_SCOPE_SITE ? f->sites[ev->scope_index].id
                        : ev->scope == GS_SCOPE_ZONE ? f->zones[ev->scope_index].id : "fleet";
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:b}",
                          "event", ev->id, "type", gs_plan_event_kind_name(ev->kind), "scope", scope,
                          "start", t0, "end", t1, "policy", gs_policy_name(pol->kind),
                          "target_mw", r6(p->target_mw), "achieved_mw", r6(p->achieved_mw),
                          "shortfall_mw", r6(p->shortfall_mw), "cost_usd", r2(p->cost_usd),
                          "baseline_mw", r6(p->baseline_mw), "available_mw", r6(p->available_mw),
                          "optimal", p->optimal);
    if (!o)
        return NULL;
    if (isfinite(p->limit_mw))
        json_object_set_new(o, "limit_mw", json_real(r6(p->limit_mw)));
    if (ev->kind == GS_PEV_PRICE)
        json_object_set_new(o, "price_usd_per_mwh", json_real(ev->price_usd_per_mwh));
    if (ev->kind == GS_PEV_PRICE || ev->kind == GS_PEV_PEAK)
        json_object_set_new(o, "value_usd", json_real(r2(p->value_usd)));
    if (p->note[0])
        json_object_set_new(o, "note", json_string(p->note));
    json_t *jobs = json_array();
    for (size_t i = 0; i < p->nentries; i++) {
        const gs_plan_entry *e = &p->entries[i];
        if (!all_jobs && e->lever == GS_LEVER_RUN)
            continue;
        const gs_plan_job *j = &st->jobs[e->job];
        char a[24], b[24];
        gs_format_time(e->from_s, a);
        gs_format_time(e->to_s, b);
        json_t *x = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:f}",
                              "id", j->id, "class", gs_class_name(j->cls),
                              "site", f->sites[j->site].id, "lever", gs_lever_name(e->lever),
                              "from", a, "to", b, "power_mw", r6(e->mw_after),
                              "power_before_mw", r6(e->mw_before), "reduction_mw", r6(e->reduction_mw),
                              "throughput", r6(e->throughput), "tier_floor", r6(e->tier_floor),
                              "cost_usd", r2(e->cost.usd));
        if (!x)
            continue;
        if (j->cls == GS_TRAINING) {
            json_object_set_new(x, "cost_share", json_real(r6(e->cost.share)));
            json_object_set_new(x, "lost_h", json_real(r6(e->cost.lost_s / 3600)));
            json_object_set_new(x, "run_avg_throughput", json_real(r6(e->cost.avg_throughput)));
            json_object_set_new(x, "slack_left_h", json_real(r6(e->slack_left_s / 3600)));
            if (e->cost.slip_s > 0)
                json_object_set_new(x, "deadline_slip_h", json_real(r6(e->cost.slip_s / 3600)));
            if (e->lever == GS_LEVER_CAP || e->lever == GS_LEVER_SHRINK)
                json_object_set_new(x, "cap_frac", json_real(r6(e->cap_frac)));
        } else if (e->lost_requests > 0) {
            json_object_set_new(x, "lost_requests", json_real(round(e->lost_requests)));
        }
        json_array_append_new(jobs, x);
    }
    json_object_set_new(o, "jobs", jobs);
    return o;
}

char *gs_plans_to_json(size_t n, const gs_plan *plans, const gs_event *evs,
                       const gs_plan_state *st, const gs_fleet *f, const gs_policy *pol,
                       int all_jobs)
{
    if (n == 0)
        return NULL;
    json_t *root;
    if (n == 1) {
        root = plan_json(&plans[0], st, &evs[0], f, pol, all_jobs);
    } else {
        size_t w = 0;
        double cost = 0;
        for (size_t i = 0; i < n; i++) {
            cost += plans[i].cost_usd;
            if (plans[i].shortfall_mw > plans[w].shortfall_mw)
                w = i;
        }
        root = plan_json(&plans[w], st, &evs[w], f, pol, all_jobs);
        if (root) {
            json_object_set_new(root, "cost_usd", json_real(r2(cost)));
            json_object_set_new(root, "binding_interval", json_integer((json_int_t)w));
            json_t *arr = json_array();
            for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, plan_json(&plans[i], st, &evs[i], f, pol, all_jobs));
            json_object_set_new(root, "intervals", arr);
        }
    }
    if (!root)
        return NULL;
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(10) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return s;
}
