/* runner.c: from a grid event to actions on the scheduler and back (docs/serve.md, "From an
 * event to actions"). The main loop calls gs_runner_step every tick. An event is planned by THE
 * planner (gs_plan_make, gs_plan_make_intervals) from the live picture when its decision time
 * comes; the plan becomes steps per job (checkpoint signal, then suspend; suspend; power cap);
 * each step is journaled as an intent before it is taken and its outcome after, with the job's
 * state read back from the scheduler; a step that fails is retried, and after the last retry
 * the event is re-planned without that job for the MW it would have given. At the end of each
 * job's lever (the event's end, or a cancellation) every touched job is restored (resume,
 * uncap), confirmed the same way. What a job has had done to it is never kept anywhere but
 * the journal: after a restart gs_runner_recover rebuilds it from there and reconciles the
 * intents left without an outcome with what the scheduler says, so nothing is done twice and
 * no job stays paused past its event. */
#include "daemon/serve.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/hooks.h"
#include "daemon/shift.h"
#include "gridsplit/flex.h"
#include "gridsplit/load.h"
#include "gridsplit/planjobs.h"
#include "gridsplit/read/events.h"
#include "gridsplit/time.h"
#include "gridsplit/write/plan.h"

/* A Slurm job's length is not known to the daemon: the run window's denominator (docs/serve.md). */
#define LIVE_LENGTH_S (30.0 * 86400)
/* At most this many re-plans per event after failed actions. */
#define MAX_REPLANS 3
/* Seconds between attempts of a failed step. */
#define RETRY_S 2.0

static const struct {
    const char *name;
    int signo;
} SIGNALS[] = {{"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"TERM", SIGTERM}, {"INT", SIGINT},
               {"HUP", SIGHUP},   {"QUIT", SIGQUIT}, {"ALRM", SIGALRM}, {"CONT", SIGCONT}};

static int signo_of(const char *name)
{
    if (!name || !name[0])
        return 0;
    if (!strncmp(name, "SIG", 3))
        name += 3;
    for (size_t i = 0; i < sizeof SIGNALS / sizeof SIGNALS[0]; i++)
        if (!strcmp(SIGNALS[i].name, name))
            return SIGNALS[i].signo;
    return 0;
}

static int lever_parse(const char *name)
{
    for (int l = GS_LEVER_RUN; l <= GS_LEVER_CKPT_PAUSE; l++)
        if (!strcmp(gs_lever_name((gs_lever)l), name))
            return l;
    return -1;
}

static void fmt_time(double t, char buf[32])
{
    gs_format_time((int64_t)floor(t), buf);
}

/* ---- parsing a posted event -------------------------------------------------------------- */

int gs_runner_parse(const gs_serve *s, const char *body, size_t len, gs_event **evs, size_t *n,
                    gs_error *err)
{
    gs_events_read_opts o = {.require_events = 1};
    int rc = gs_events_read_buffer("POST /v1/events", body, len, s->fleet, evs, n, &o, err);
    if (rc < 0)
        return rc;
    const gs_event *e = *evs;
    const char *why = NULL;
    for (size_t i = 0; i < *n && !why; i++) {
        if (e[i].kind != GS_PEV_REDUCE_TO && e[i].kind != GS_PEV_REDUCE_BY &&
            e[i].kind != GS_PEV_PRICE)
            why = "the daemon carries out reduce_to, reduce_by and price events (peak and "
                  "reserve events are for plan, simulate and flex)";
        else if (i > 0 && (e[i].start_s != e[i - 1].end_s || e[i].scope != e[0].scope ||
                           e[i].scope_index != e[0].scope_index || e[i].cls != e[0].cls ||
                           e[i].kind != e[0].kind))
            why = "one event per request: its intervals must follow each other without a gap, "
                  "over one scope, class and kind (post separate events separately)";
    }
    if (why) {
        free(*evs);
        *evs = NULL;
        *n = 0;
        return gs_error_set(err, GS_EINPUT, "POST /v1/events", 0, 0, NULL, "%s", why);
    }
    return 0;
}

/* ---- the planner's state from the live picture ------------------------------------------- */

typedef struct plan_input {
    gs_plan_state st;
    gs_plan_job *jobs;
    uint32_t *ids;             /* scheduler id of jobs[i] */
    const gs_live_job **lj;    /* the live job of jobs[i] */
    double *site_mw;
    int *site_zone;
} plan_input;

static void plan_input_free(plan_input *pi)
{
    free(pi->jobs);
    free(pi->ids);
    free(pi->lj);
    free(pi->site_mw);
    free(pi->site_zone);
    memset(pi, 0, sizeof *pi);
}

/* Is job id excluded (already in a step of rt)? */
static bool in_event(const gs_ev_rt *rt, uint32_t id)
{
    for (size_t i = 0; rt && i < rt->nctl; i++)
        if (rt->ctl[i].job_id == id)
            return true;
    return false;
}

static int plan_input_build(const gs_serve *s, const gs_live *live, const gs_ev_rt *exclude,
                            double now, plan_input *pi)
{
    const gs_fleet *f = s->fleet;
    memset(pi, 0, sizeof *pi);
    pi->jobs = calloc(live->njobs ? live->njobs : 1, sizeof *pi->jobs);
    pi->ids = calloc(live->njobs ? live->njobs : 1, sizeof *pi->ids);
    pi->lj = calloc(live->njobs ? live->njobs : 1, sizeof *pi->lj);
    pi->site_mw = calloc(f->nsites ? f->nsites : 1, sizeof *pi->site_mw);
    pi->site_zone = calloc(f->nsites ? f->nsites : 1, sizeof *pi->site_zone);
    if (!pi->jobs || !pi->ids || !pi->lj || !pi->site_mw || !pi->site_zone) {
        plan_input_free(pi);
        return GS_ENOMEM;
    }
    for (size_t k = 0; k < f->nsites; k++) {
        pi->site_zone[k] = f->sites[k].zone;
        for (size_t c = 0; c < live->nsites; c++)
            if (live->sites[c].site == (int)k)
                for (int x = 0; x < GS_LIVE_NCLS; x++)
                    pi->site_mw[k] += live->sites[c].mw[x];
    }
    size_t n = 0;
    for (size_t i = 0; i < live->njobs; i++) {
        const gs_live_job *l = &live->jobs[i];
        if (!l->jc.classified || l->job.state != GS_SCHED_RUNNING || in_event(exclude, l->job.id))
            continue;
        const gs_cluster *c = &f->clusters[l->jc.cluster];
        gs_plan_job *j = &pi->jobs[n];
        memset(j, 0, sizeof *j);
        snprintf(j->id, sizeof j->id, "%u", l->job.id);
        j->cls = l->jc.cls;
        j->run = -1;
        j->cluster = l->jc.cluster;
        j->site = c->site;
        j->zone = f->sites[c->site].zone;
        j->power_mw = l->mw;
        j->gpu = &f->gpus[c->gpu];
        j->utilisation = c->utilisation;
        j->pue = l->it_w > 0 ? l->mw * 1e6 / l->it_w : 1;
        j->latency_left_ms = NAN;
        j->flex.gpus = l->job.gpus;
        j->flex.usd_per_gpu_hour = c->cost_usd_per_gpu_hour;
        j->flex.tier = l->jc.tier;
        j->flex.window = l->jc.window;
        j->next_ckpt_s = -1;
        if (j->cls == GS_TRAINING) {
            if (s->cfg->cap_hook[0]) {
                gs_run r;
                memset(&r, 0, sizeof r);
                snprintf(r.workload, sizeof r.workload, "%s",
                         l->jc.workload[0] ? l->jc.workload : "pretraining");
                snprintf(r.power_curve, sizeof r.power_curve, "%s", l->jc.power_curve);
                j->curve = gs_plan_run_curve(f, &r);
            }
            double started = l->job.start_s > 0 ? (double)l->job.start_s : now;
            double progress = now > started ? now - started : 0;
            double I = l->jc.ckpt_interval_s;
            j->flex.length_s = LIVE_LENGTH_S;
            j->flex.since_ckpt_s = I > 0 ? fmod(progress, I) : progress;
            j->flex.restart_overhead_s = 0;
            j->flex.deadline_margin_s = INFINITY;
            if (I > 0)
                j->next_ckpt_s = started + (floor(progress / I) + 1) * I;
            j->ckpt_on_signal = signo_of(l->jc.ckpt_signal) != 0;
            j->ckpt_signal_s = j->ckpt_on_signal ? l->jc.ckpt_signal_s : 0;
        } else {
            /* inference: no measured demand or capacity live yet (docs/serve.md): no cap, and
             * shedding only when the policy allows it */
            j->flex.length_s = LIVE_LENGTH_S;
        }
        pi->ids[n] = l->job.id;
        pi->lj[n] = l;
        n++;
    }
    pi->st.njobs = n;
    pi->st.jobs = pi->jobs;
    pi->st.nsites = f->nsites;
    pi->st.site_mw = pi->site_mw;
    pi->st.site_zone = pi->site_zone;
    return 0;
}

static void live_policy(const gs_serve *s, gs_policy *pol)
{
    int k = gs_policy_parse(s->cfg->policy);
    gs_policy_default(k >= 0 ? (gs_policy_kind)k : GS_POLICY_COMPLY, pol);
    pol->pause_lead_s = s->cfg->pause_lead_s;
    pol->cap_lead_s = s->cfg->cap_lead_s;
    pol->ckpt_lead_s = 0;
    /* levers the daemon cannot carry out on Slurm yet (docs/serve.md): a job cannot be shrunk in
     * place, and a requeue restarts it at once unless held; priced out of every plan */
    pol->shrink_frac = 0;
    pol->requeue_overhead_s = 1e7;
}

/* ---- steps ------------------------------------------------------------------------------- */

static int ctl_push(gs_ev_rt *rt, gs_ev_ctl **out)
{
    if (rt->nctl == rt->capctl) {
        size_t cap = rt->capctl ? 2 * rt->capctl : 16;
        gs_ev_ctl *c = realloc(rt->ctl, cap * sizeof *c);
        if (!c)
            return GS_ENOMEM;
        rt->ctl = c;
        rt->capctl = cap;
    }
    *out = &rt->ctl[rt->nctl++];
    memset(*out, 0, sizeof **out);
    return 0;
}

/* The steps of one plan's entries, appended to rt. */
static int steps_of_plan(const gs_serve *s, gs_ev_rt *rt, const plan_input *pi, const gs_plan *p,
                         const gs_policy *pol, double now)
{
    for (size_t e = 0; e < p->nentries; e++) {
        const gs_plan_entry *en = &p->entries[e];
        if (en->lever == GS_LEVER_RUN)
            continue;
        const gs_plan_job *j = &pi->jobs[en->job];
        gs_ev_ctl *c = NULL;
        if (en->continued) {
            for (size_t k = rt->nctl; k-- > 0;)
                if (rt->ctl[k].job_id == pi->ids[en->job] && rt->ctl[k].lever == en->lever) {
                    c = &rt->ctl[k];
                    break;
                }
            if (c) {
                if ((double)en->to_s > c->until_s)
                    c->until_s = (double)en->to_s;
                continue;
            }
        }
        int rc = ctl_push(rt, &c);
        if (rc < 0)
            return rc;
        c->job_id = pi->ids[en->job];
        snprintf(c->job_name, sizeof c->job_name, "%.63s", pi->lj[en->job]->job.name);
        c->lever = en->lever;
        c->until_s = (double)en->to_s;
        c->mw_before = en->mw_before;
        c->mw_after = en->mw_after;
        c->cost_usd = en->cost.usd;
        c->tier = en->tier_floor;
        c->throughput = en->perf;
        double from = (double)en->from_s;
        double pause_lead = j->pause_lead_s > 0 ? j->pause_lead_s : pol->pause_lead_s;
        switch (en->lever) {
        case GS_LEVER_CAP:
            c->cap_w = en->cap_frac * j->gpu->board_w;
            c->act_s = fmax(now, from - en->lead_s);
            c->suspend_s = c->act_s;
            break;
        case GS_LEVER_CKPT_PAUSE:
            c->signo = signo_of(pi->lj[en->job]->jc.ckpt_signal);
            c->act_s = fmax(now, from - en->lead_s);
            c->suspend_s = c->act_s + j->ckpt_signal_s + pol->ckpt_lead_s;
            break;
        case GS_LEVER_PAUSE_CKPT:
            c->act_s = fmax(now, from);
            c->suspend_s = c->act_s;
            break;
        default: /* pause now; requeue and shrink are priced out (live_policy) but if ever
                    chosen are carried out as a suspend, which keeps idle power: the report
                    then shows the truth */
            c->act_s = fmax(now, from - pause_lead);
            c->suspend_s = c->act_s;
            break;
        }
    }
    return 0;
}

/* The steps as JSON, stored beside the plan so that a restarted daemon knows them. */
static json_t *steps_json(const gs_ev_rt *rt)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < rt->nctl; i++) {
        const gs_ev_ctl *c = &rt->ctl[i];
        json_array_append_new(
            a, json_pack("{s:I, s:s, s:s, s:f, s:i, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}",
                         "job_id", (json_int_t)c->job_id, "job_name", c->job_name, "lever",
                         gs_lever_name(c->lever), "cap_w", c->cap_w, "signo", c->signo, "act",
                         c->act_s, "suspend", c->suspend_s, "until", c->until_s, "mw_before",
                         c->mw_before, "mw_after", c->mw_after, "cost_usd", c->cost_usd, "tier",
                         c->tier, "throughput", c->throughput));
    }
    return a;
}

static int steps_from_json(gs_ev_rt *rt, const json_t *a)
{
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x)
    {
        gs_ev_ctl *c;
        if (ctl_push(rt, &c) < 0)
            return GS_ENOMEM;
        c->job_id = (uint32_t)json_integer_value(json_object_get(x, "job_id"));
        snprintf(c->job_name, sizeof c->job_name, "%s",
                 json_string_value(json_object_get(x, "job_name")) ?: "");
        int l = lever_parse(json_string_value(json_object_get(x, "lever")) ?: "");
        c->lever = l >= 0 ? (gs_lever)l : GS_LEVER_PAUSE_NOW;
        c->cap_w = json_number_value(json_object_get(x, "cap_w"));
        c->signo = (int)json_integer_value(json_object_get(x, "signo"));
        c->act_s = json_number_value(json_object_get(x, "act"));
        c->suspend_s = json_number_value(json_object_get(x, "suspend"));
        c->until_s = json_number_value(json_object_get(x, "until"));
        c->mw_before = json_number_value(json_object_get(x, "mw_before"));
        c->mw_after = json_number_value(json_object_get(x, "mw_after"));
        c->cost_usd = json_number_value(json_object_get(x, "cost_usd"));
        c->tier = json_number_value(json_object_get(x, "tier"));
        c->throughput = json_number_value(json_object_get(x, "throughput"));
    }
    return 0;
}

/* Store {"plans": [the planner's JSON, one per planning], "steps": [...]} for the event. The
 * first planning writes the planner's text as it is (no parse: a plan over 10,000 jobs is
 * megabytes); a re-plan reads the earlier plans back. */
static void store_plan(gs_serve *s, gs_ev_rt *rt, const char *plan_json)
{
    gs_error err = {0};
    json_t *steps = steps_json(rt);
    char *steps_text = steps ? json_dumps(steps, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(steps);
    char *earlier = NULL; /* the earlier plans, as the inside of a JSON array */
    gs_store_event ev = {0};
    if (gs_store_event_get(s->store, rt->id, &ev, &err) == 0 && ev.plan) {
        json_t *doc = json_loads(ev.plan, 0, NULL);
        json_t *plans = json_object_get(doc, "plans");
        char *arr = json_array_size(plans) ? json_dumps(plans, JSON_COMPACT) : NULL;
        if (arr) {
            size_t l = strlen(arr);
            arr[l - 1] = '\0'; /* drop the brackets */
            earlier = strdup(arr + 1);
            free(arr);
        }
        json_decref(doc);
    }
    gs_store_event_clear(&ev);
    size_t len = (earlier ? strlen(earlier) + 1 : 0) + (plan_json ? strlen(plan_json) : 0) +
                 (steps_text ? strlen(steps_text) : 2) + 64;
    char *text = steps_text ? malloc(len) : NULL;
    if (text)
        snprintf(text, len, "{\"plans\": [%s%s%s], \"route_mw\": %.9g, \"steps\": %s}",
                 earlier ? earlier : "", earlier && plan_json ? "," : "",
                 plan_json ? plan_json : "", rt->route_mw, steps_text);
    if (!text || gs_store_event_plan(s->store, rt->id, text, &err) < 0)
        gs_serve_log(s, "error", "event %lld: the plan could not be journaled: %s",
                     (long long)rt->id, text ? err.message : "out of memory");
    free(text);
    free(steps_text);
    free(earlier);
}

static void set_state(gs_serve *s, gs_ev_rt *rt, const char *state, const char *note, double now)
{
    gs_error err = {0};
    snprintf(rt->state, sizeof rt->state, "%s", state);
    if (gs_store_event_state(s->store, rt->id, state, note, now, &err) < 0)
        gs_serve_log(s, "error", "event %lld: state %s not journaled: %s", (long long)rt->id,
                     state, err.message);
    gs_serve_log(s, "info", "event %lld: %s%s%s", (long long)rt->id, state, note ? ": " : "",
                 note ? note : "");
}

/* Plan (or re-plan for extra_mw after failures: extra_mw > 0) event rt from the live picture. */
static int plan_event(gs_serve *s, gs_ev_rt *rt, const gs_live *live, double now, double extra_mw)
{
    double t_start = gs_serve_now();
    plan_input pi;
    int rc = plan_input_build(s, live, extra_mw > 0 ? rt : NULL, now, &pi);
    if (rc < 0)
        return rc;
    gs_policy pol;
    live_policy(s, &pol);
    if (rt->evs[0].kind == GS_PEV_PRICE) {
        /* a price: curtail what is worth less than the energy it saves (the price policy) */
        pol.kind = GS_POLICY_PRICE;
    }
    /* the intervals still to come, from now: what has gone is neither asked for nor counted */
    gs_event *evs = calloc(rt->nevs, sizeof *evs);
    gs_plan *plans = calloc(rt->nevs, sizeof *plans);
    size_t n = 0;
    if (!evs || !plans) {
        free(evs);
        free(plans);
        plan_input_free(&pi);
        return GS_ENOMEM;
    }
    int64_t now_i = (int64_t)ceil(now);
    for (size_t i = 0; i < rt->nevs; i++) {
        gs_event e = rt->evs[i];
        if (e.end_s <= now_i)
            continue;
        if (e.start_s < now_i) {
            int64_t gone = now_i - e.start_s;
            e.ramp_s = e.ramp_s > gone ? e.ramp_s - gone : 0;
            e.start_s = now_i;
        }
        e.notice_s = e.start_s - now_i;
        if (extra_mw > 0) {
            e.kind = GS_PEV_REDUCE_BY;
            e.mw = extra_mw;
        }
        evs[n++] = e;
    }
    gs_error err = {0};
    double t_plan = gs_serve_now();
    if (n == 0)
        rc = gs_error_set(&err, GS_EINPUT, NULL, 0, 0, NULL, "the event ended before it was planned");
    else if (n == 1)
        rc = gs_plan_make(&pi.st, &evs[0], &pol, &plans[0], &err);
    else
        rc = gs_plan_make_intervals(&pi.st, evs, n, &pol, plans, &err);
    double plan_ms = (gs_serve_now() - t_plan) * 1e3;
    if (rc < 0) {
        snprintf(rt->note, sizeof rt->note, "not planned: %.200s", err.message);
        free(evs);
        free(plans);
        plan_input_free(&pi);
        return rc;
    }
    size_t before = rt->nctl;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = steps_of_plan(s, rt, &pi, &plans[i], &pol, now);
    if (extra_mw <= 0) {
        rt->target_mw = plans[0].target_mw;
        rt->limit_mw = plans[0].limit_mw;
        rt->baseline_mw = plans[0].baseline_mw;
        rt->planned_mw = plans[0].achieved_mw;
        /* what the jobs cannot give, inference may move elsewhere, when a router is there */
        bool router = s->cfg->router_weights_path[0] || s->cfg->router_url[0];
        if (router && evs[0].scope == GS_SCOPE_SITE && evs[0].cls != GS_EVCLS_TRAINING &&
            plans[0].shortfall_mw > 1e-9)
            rt->route_mw = plans[0].shortfall_mw;
    } else {
        rt->planned_mw += plans[0].achieved_mw;
    }
    snprintf(rt->note, sizeof rt->note, "%s%.200s", extra_mw > 0 ? "re-planned: " : "",
             plans[0].note[0] ? plans[0].note : "target met by the plan");
    gs_plan_out_opts oo = {.all_jobs = 0};
    gs_plan_state *sts = calloc(n, sizeof *sts);
    for (size_t i = 0; sts && i < n; i++)
        sts[i] = pi.st;
    char *json = sts ? gs_plans_to_json(n, plans, evs, sts, s->fleet, &pol, &oo) : NULL;
    free(sts);
    store_plan(s, rt, json);
    free(json);
    double total_ms = (gs_serve_now() - t_start) * 1e3;
    pthread_mutex_lock(&s->mu);
    s->last_plan_ms = plan_ms;
    s->last_plan_total_ms = total_ms;
    pthread_mutex_unlock(&s->mu);
    gs_serve_log(s, "info",
                 "event %lld: %s %zu job%s, baseline %.6f MW, target %.6f MW, planned %.6f MW, "
                 "%zu step%s (planner %.1f ms of %.1f ms)",
                 (long long)rt->id, extra_mw > 0 ? "re-planned" : "planned", pi.st.njobs,
                 pi.st.njobs == 1 ? "" : "s", plans[0].baseline_mw, plans[0].target_mw,
                 plans[0].achieved_mw, rt->nctl - before, rt->nctl - before == 1 ? "" : "s",
                 plan_ms, total_ms);
    for (size_t i = 0; i < n; i++)
        gs_plan_free(&plans[i]);
    free(plans);
    free(evs);
    plan_input_free(&pi);
    return rc;
}

/* ---- acting ------------------------------------------------------------------------------ */

typedef enum { STEP_SIGNAL, STEP_SUSPEND, STEP_CAP, STEP_RESUME, STEP_UNCAP } step_kind;
static const char *const STEP_LEVER[] = {"checkpoint", "suspend", "cap", "resume", "uncap"};

static const gs_live_job *live_job(const gs_live *live, uint32_t id)
{
    for (size_t i = 0; i < live->njobs; i++)
        if (live->jobs[i].job.id == id)
            return &live->jobs[i];
    return NULL;
}

/* One step due this tick: what, on which job, its journal rows and what came of it. */
typedef struct due {
    gs_ev_ctl *c;
    step_kind k;
    int64_t aid;            /* the intent's id; 0: not journaled (then never taken) */
    int how;                /* 0 done, 1 failed (may be retried), 2 the job is gone */
    const char *state_after;
    char detail[256];
    double elapsed_ms;
    double done_s;
} due;

/* The step ctl c needs at now, if any (restoring at the lever's end, else acting). */
static bool next_step(const gs_ev_rt *rt, const gs_ev_ctl *c, double now, step_kind *k)
{
    if (c->restored || now < c->next_try_s)
        return false;
    if (rt->cancelled || now >= c->until_s) {
        if (c->suspended) {
            *k = STEP_RESUME;
            return true;
        }
        if (c->capped) {
            *k = STEP_UNCAP;
            return true;
        }
        return false; /* never acted, or only signalled: nothing to undo (act() marks it) */
    }
    if (c->failed || now < c->act_s)
        return false;
    if (c->lever == GS_LEVER_CAP) {
        *k = STEP_CAP;
        return !c->capped;
    }
    if (c->lever == GS_LEVER_CKPT_PAUSE && !c->signalled && c->signo) {
        *k = STEP_SIGNAL;
        return true;
    }
    *k = STEP_SUSPEND;
    return !c->suspended && now >= c->suspend_s;
}

/* Take one step (its intent is journaled already); fill d's outcome. */
static void take_step(gs_serve *s, due *d, const gs_live *live)
{
    gs_ev_ctl *c = d->c;
    gs_sched_result r = {0};
    int rc = 0;
    double t0 = gs_serve_now();
    if (d->k == STEP_CAP || d->k == STEP_UNCAP) {
        const gs_live_job *lj = live_job(live, c->job_id);
        char id[16], watts[32];
        snprintf(id, sizeof id, "%u", c->job_id);
        snprintf(watts, sizeof watts, "%.0f", d->k == STEP_CAP ? c->cap_w : 0.0);
        const char *args[] = {id, lj ? lj->job.nodes : "", watts};
        char out[200] = "";
        int st = gs_hook_run(s->cfg->cap_hook, args, 3, s->cfg->hook_timeout_s, out, sizeof out,
                             NULL);
        rc = st == 0 ? 0 : -1;
        size_t ol = strlen(out);
        while (ol && (out[ol - 1] == '\n' || out[ol - 1] == '\r'))
            out[--ol] = 0;
        snprintf(d->detail, sizeof d->detail, "%.80s exit %d%s%.150s", s->cfg->cap_hook, st,
                 out[0] ? ": " : "", out);
        d->state_after = st == 0 ? (d->k == STEP_CAP ? "capped" : "uncapped") : "unknown";
        d->how = rc == 0 ? 0 : 1;
    } else {
        if (d->k == STEP_SIGNAL)
            rc = gs_sched_signal(s->sched, c->job_id, c->signo, GS_SCHED_SIGNAL_BATCH, &r);
        else if (d->k == STEP_SUSPEND)
            rc = gs_sched_suspend(s->sched, c->job_id, &r);
        else
            rc = gs_sched_resume(s->sched, c->job_id, &r);
        /* the state read back decides, not the call's word alone; a job already in the
         * intended state (suspended twice, resumed while running) is done */
        gs_sched_state want = d->k == STEP_SUSPEND ? GS_SCHED_SUSPENDED
                              : d->k == STEP_RESUME ? GS_SCHED_RUNNING
                                                    : r.state;
        if (d->k != STEP_SIGNAL && (rc == 0 || rc == GS_SCHED_ESTATE))
            rc = r.state == want ? 0 : GS_SCHED_ESTATE;
        d->state_after = gs_sched_state_name(r.state);
        snprintf(d->detail, sizeof d->detail, "%.40s%s%.200s",
                 rc == 0 ? "ok" : gs_sched_strerror(rc), r.message[0] ? ": " : "", r.message);
        bool gone = rc == GS_SCHED_ENOJOB || r.state == GS_SCHED_ENDED;
        d->how = rc == 0 ? 0 : gone ? 2 : 1;
    }
    d->done_s = gs_serve_now();
    d->elapsed_ms = (d->done_s - t0) * 1e3;
}

/* A step failed: retry later, or give up on the job. Returns true when the job was given up. */
static bool step_failed(gs_serve *s, gs_ev_ctl *c, int how, double now, const char *what)
{
    c->attempts++;
    if (how == 2 || c->attempts > s->cfg->action_retries) {
        c->failed = true;
        snprintf(c->fail_note, sizeof c->fail_note, "%s failed %s", what,
                 how == 2 ? "(the job is gone)" : "after every retry");
        return true;
    }
    c->next_try_s = now + RETRY_S;
    return false;
}

/* Carry out rt's steps due at now: every intent journaled (one transaction), then every step
 * taken, then every outcome journaled (one transaction). Returns the MW given up by jobs that
 * failed this call. */
static double act(gs_serve *s, gs_ev_rt *rt, const gs_live *live, double now)
{
    double lost_mw = 0;
    due *ds = calloc(rt->nctl ? rt->nctl : 1, sizeof *ds);
    if (!ds)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < rt->nctl; i++) {
        gs_ev_ctl *c = &rt->ctl[i];
        step_kind k;
        if (next_step(rt, c, now, &k)) {
            ds[n].c = c;
            ds[n++].k = k;
        } else if (!c->restored && (rt->cancelled || now >= c->until_s) && !c->suspended &&
                   !c->capped) {
            /* its lever has ended with nothing to undo */
            c->restored = true;
            c->restored_s = c->signalled ? now : 0;
        }
    }
    if (n == 0) {
        free(ds);
        return 0;
    }
    /* 1. the intents, before anything is done */
    gs_error err = {0};
    bool batch = gs_store_batch_begin(s->store, &err) == 0;
    for (size_t i = 0; i < n && batch; i++) {
        gs_ev_ctl *c = ds[i].c;
        gs_store_action a = {0};
        a.event_id = rt->id;
        a.job_id = c->job_id;
        snprintf(a.job_name, sizeof a.job_name, "%s", c->job_name);
        snprintf(a.lever, sizeof a.lever, "%s", STEP_LEVER[ds[i].k]);
        a.arg = ds[i].k == STEP_CAP ? c->cap_w : ds[i].k == STEP_SIGNAL ? c->signo : 0;
        a.attempt = c->attempts + 1;
        a.intent_s = now;
        a.mw_before = c->mw_before;
        a.mw_after = c->mw_after;
        if (gs_store_action_intent(s->store, &a, &ds[i].aid, &err) < 0)
            ds[i].aid = 0;
    }
    if (batch && gs_store_batch_end(s->store, &err) < 0)
        batch = false;
    if (!batch) {
        /* never act without the intent on disk: try again at the next tick */
        gs_serve_log(s, "error", "event %lld: %zu step%s not taken: the journal refused: %s",
                     (long long)rt->id, n, n == 1 ? "" : "s", err.message);
        free(ds);
        return 0;
    }
    /* 2. the steps */
    for (size_t i = 0; i < n && !s->stop; i++)
        if (ds[i].aid > 0)
            take_step(s, &ds[i], live);
    /* 3. the outcomes */
    if (gs_store_batch_begin(s->store, &err) == 0) {
        for (size_t i = 0; i < n; i++)
            if (ds[i].aid > 0 && ds[i].done_s > 0)
                gs_store_action_outcome(s->store, ds[i].aid, ds[i].how == 0 ? "done" : "failed",
                                        ds[i].done_s, ds[i].elapsed_ms, ds[i].state_after,
                                        ds[i].detail, &err);
        if (gs_store_batch_end(s->store, &err) < 0)
            gs_serve_log(s, "error", "event %lld: outcomes not journaled: %s (a restart will "
                         "read them back from the scheduler)", (long long)rt->id, err.message);
    }
    /* 4. what came of them */
    unsigned long done = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        due *d = &ds[i];
        gs_ev_ctl *c = d->c;
        if (d->aid <= 0 || d->done_s <= 0)
            continue;
        const char *what = STEP_LEVER[d->k];
        gs_serve_log(s, d->how == 0 ? "info" : "warning",
                     "event %lld job %u (%s): %s %s in %.0f ms (%s)", (long long)rt->id,
                     c->job_id, c->job_name, what, d->how == 0 ? "done" : "failed",
                     d->elapsed_ms, d->detail);
        if (d->how == 0) {
            done++;
            c->attempts = 0;
            switch (d->k) {
            case STEP_SIGNAL: {
                c->signalled = true;
                /* the checkpoint takes its time from when the signal went */
                double wait = c->suspend_s - c->act_s;
                if (now + wait > c->suspend_s)
                    c->suspend_s = now + wait;
                break;
            }
            case STEP_SUSPEND:
                c->suspended = true;
                break;
            case STEP_CAP:
                c->capped = true;
                break;
            default:
                c->restored = true;
                c->restored_s = d->done_s;
                break;
            }
            continue;
        }
        failed++;
        if (d->k == STEP_RESUME || d->k == STEP_UNCAP) {
            if (d->how == 2) { /* the job is gone: nothing left to restore */
                c->restored = true;
                c->restored_s = d->done_s;
            } else {
                /* never left paused or capped: keep trying, and say so */
                c->next_try_s = now + RETRY_S;
                gs_serve_log(s, "error", "event %lld job %u: %s failed; retrying in %.0f s",
                             (long long)rt->id, c->job_id, what, RETRY_S);
            }
        } else if (step_failed(s, c, d->how, now, what)) {
            lost_mw += c->mw_before - c->mw_after;
        }
    }
    pthread_mutex_lock(&s->mu);
    s->actions_done += done;
    s->actions_failed += failed;
    pthread_mutex_unlock(&s->mu);
    free(ds);
    return lost_mw;
}

/* ---- the events' lives ------------------------------------------------------------------- */

static void rt_free(gs_ev_rt *rt)
{
    free(rt->evs);
    free(rt->ctl);
    memset(rt, 0, sizeof *rt);
}

void gs_runner_free(gs_serve *s)
{
    for (size_t i = 0; i < s->nevs; i++)
        rt_free(&s->evs[i]);
    free(s->evs);
    s->evs = NULL;
    s->nevs = 0;
}

static void rt_window(gs_ev_rt *rt)
{
    rt->start_s = (double)rt->evs[0].start_s;
    rt->end_s = (double)rt->evs[rt->nevs - 1].end_s;
    rt->decide_s = (double)(rt->evs[0].start_s - rt->evs[0].notice_s);
    rt->limit_mw = NAN;
}

/* Build a runtime for stored event e (body parsed again against the fleet). */
static int rt_from_store(gs_serve *s, const gs_store_event *e, gs_ev_rt *rt, gs_error *err)
{
    memset(rt, 0, sizeof *rt);
    rt->id = e->id;
    int rc = gs_runner_parse(s, e->body, strlen(e->body), &rt->evs, &rt->nevs, err);
    if (rc < 0)
        return rc;
    rt_window(rt);
    if (!strcmp(e->state, "cancelled") || (!strcmp(e->state, "restoring") && e->note[0] == 'c'))
        rt->cancelled = true;
    snprintf(rt->state, sizeof rt->state, "%s", e->state);
    if (e->plan) {
        json_t *doc = json_loads(e->plan, 0, NULL);
        rt->route_mw = json_number_value(json_object_get(doc, "route_mw"));
        if (!(rt->route_mw > 0) || !isfinite(rt->route_mw))
            rt->route_mw = 0;
        json_t *steps = json_object_get(doc, "steps");
        if (steps && steps_from_json(rt, steps) < 0) {
            json_decref(doc);
            rt_free(rt);
            return GS_ENOMEM;
        }
        rt->planned = true;
        json_decref(doc);
    }
    return 0;
}

static gs_ev_ctl *ctl_of(gs_ev_rt *rt, uint32_t job)
{
    /* the first step of the job not yet restored (a job may have several over the intervals) */
    for (size_t i = 0; i < rt->nctl; i++)
        if (rt->ctl[i].job_id == job && !rt->ctl[i].restored)
            return &rt->ctl[i];
    for (size_t i = 0; i < rt->nctl; i++)
        if (rt->ctl[i].job_id == job)
            return &rt->ctl[i];
    return NULL;
}

/* Apply one journaled action (with an outcome) to the steps. */
static void replay(gs_ev_rt *rt, const gs_store_action *a)
{
    if (!strcmp(a->lever, "route")) {
        rt->route_mw = a->mw_before; /* wanted, whatever came of it */
        if (strcmp(a->phase, "done"))
            return;
        if (a->arg > 0)
            rt->routed = true;
        else
            rt->route_restored = true;
        return;
    }
    gs_ev_ctl *c = ctl_of(rt, a->job_id);
    if (!c)
        return;
    bool done = !strcmp(a->phase, "done");
    bool skipped = !strcmp(a->phase, "skipped");
    const char *l = a->lever;
    if (!strcmp(l, "checkpoint") && (done || skipped))
        c->signalled = true;
    else if (!strcmp(l, "suspend") && done)
        c->suspended = true;
    else if (!strcmp(l, "cap") && done)
        c->capped = true;
    else if ((!strcmp(l, "resume") || !strcmp(l, "uncap")) && done) {
        c->restored = true;
        c->restored_s = a->outcome_s;
    }
}

int gs_runner_recover(gs_serve *s, double now, gs_error *err)
{
    gs_store_event *evs = NULL;
    size_t n = 0;
    int rc = gs_store_events_list(s->store, true, 0, &evs, &n, err);
    if (rc < 0)
        return rc;
    /* oldest first */
    for (size_t k = n; k-- > 0;) {
        gs_store_event *e = &evs[k];
        gs_ev_rt rt;
        gs_error perr = {0};
        if (rt_from_store(s, e, &rt, &perr) < 0) {
            char note[256];
            snprintf(note, sizeof note, "cannot be carried out after a restart: %.200s",
                     perr.message);
            gs_store_event_state(s->store, e->id, "failed", note, now, &perr);
            gs_serve_log(s, "error", "event %lld: %s", (long long)e->id, note);
            continue;
        }
        gs_store_action *as = NULL;
        size_t na = 0;
        if (gs_store_actions_list(s->store, e->id, 0, 0, &as, &na, err) < 0) {
            rt_free(&rt);
            gs_store_events_free(evs, n);
            return err->code ? err->code : GS_ERUNTIME;
        }
        size_t fixed = 0;
        for (size_t i = 0; i < na; i++) {
            gs_store_action *a = &as[i];
            if (!strcmp(a->phase, "intent")) {
                /* the daemon stopped between the intent and its outcome: ask the scheduler */
                gs_sched_job j;
                gs_error je = {0};
                int g = gs_sched_get(s->sched, a->job_id, &j, &je);
                const char *phase = "failed";
                char detail[256];
                const char *st = g == 0 ? gs_sched_state_name(j.state) : "unknown";
                if (!strcmp(a->lever, "suspend") && g == 0 && j.state == GS_SCHED_SUSPENDED) {
                    phase = "done";
                    snprintf(detail, sizeof detail, "confirmed after a restart: the job is suspended");
                } else if (!strcmp(a->lever, "resume") && g == 0 && j.state == GS_SCHED_RUNNING) {
                    phase = "done";
                    snprintf(detail, sizeof detail, "confirmed after a restart: the job is running");
                } else if (!strcmp(a->lever, "route")) {
                    snprintf(detail, sizeof detail,
                             "not confirmed before a restart: published again if still due "
                             "(publishing weights is idempotent)");
                } else if (!strcmp(a->lever, "checkpoint")) {
                    phase = "skipped";
                    snprintf(detail, sizeof detail,
                             "delivery unknown after a restart: not sent again (a second "
                             "checkpoint would only cost time)");
                } else {
                    snprintf(detail, sizeof detail,
                             "not confirmed before a restart (the job is %s): taken again if "
                             "still due", st);
                }
                gs_store_action_outcome(s->store, a->id, phase, now, 0, st, detail, &je);
                snprintf(a->phase, sizeof a->phase, "%s", phase);
                fixed++;
            }
            replay(&rt, a);
        }
        free(as);
        gs_serve_log(s, "info",
                     "event %lld: recovered from the journal (state %s, %zu step%s, %zu action%s, "
                     "%zu unconfirmed intent%s reconciled with the scheduler)",
                     (long long)e->id, e->state, rt.nctl, rt.nctl == 1 ? "" : "s", na,
                     na == 1 ? "" : "s", fixed, fixed == 1 ? "" : "s");
        pthread_mutex_lock(&s->mu);
        gs_ev_rt *grown = realloc(s->evs, (s->nevs + 1) * sizeof *grown);
        if (grown) {
            s->evs = grown;
            s->evs[s->nevs++] = rt;
        }
        pthread_mutex_unlock(&s->mu);
        if (!grown) {
            rt_free(&rt);
            gs_store_events_free(evs, n);
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        }
    }
    gs_store_events_free(evs, n);
    return 0;
}

/* Take the events posted and the cancellations asked since the last step. */
static void take_queues(gs_serve *s, double now)
{
    pthread_mutex_lock(&s->mu);
    size_t ni = s->nincoming, nc = s->ncancels;
    int64_t *in = s->incoming, *cx = s->cancels;
    s->incoming = NULL;
    s->nincoming = s->capincoming = 0;
    s->cancels = NULL;
    s->ncancels = s->capcancels = 0;
    pthread_mutex_unlock(&s->mu);
    for (size_t i = 0; i < ni; i++) {
        gs_store_event e = {0};
        gs_error err = {0};
        gs_ev_rt rt;
        if (gs_store_event_get(s->store, in[i], &e, &err) < 0 ||
            rt_from_store(s, &e, &rt, &err) < 0) {
            gs_serve_log(s, "error", "event %lld: not taken: %s", (long long)in[i], err.message);
            gs_store_event_clear(&e);
            continue;
        }
        gs_store_event_clear(&e);
        pthread_mutex_lock(&s->mu);
        gs_ev_rt *grown = realloc(s->evs, (s->nevs + 1) * sizeof *grown);
        if (grown) {
            s->evs = grown;
            s->evs[s->nevs++] = rt;
        }
        pthread_mutex_unlock(&s->mu);
        if (!grown)
            rt_free(&rt);
    }
    for (size_t i = 0; i < nc; i++) {
        pthread_mutex_lock(&s->mu);
        for (size_t k = 0; k < s->nevs; k++)
            if (s->evs[k].id == cx[i] && !s->evs[k].cancelled) {
                s->evs[k].cancelled = true;
                pthread_mutex_unlock(&s->mu);
                set_state(s, &s->evs[k], "cancelled", "restoring every touched job",
                          now);
                pthread_mutex_lock(&s->mu);
            }
        pthread_mutex_unlock(&s->mu);
    }
    free(in);
    free(cx);
}

/* The router: at the event's start, move inference off the event's site for what the plan
 * could not cut (shift.h decides the weights within latency and headroom); at its end, the
 * baseline weights. Journaled like every step (lever "route", job 0; arg 1 shift, 0 restore). */
static void route_step(gs_serve *s, gs_ev_rt *rt, const gs_live *live, double now)
{
    if (rt->route_mw <= 0 || rt->route_restored || now < rt->route_next_s)
        return;
    bool ending = rt->cancelled || now >= rt->end_s;
    bool restore = rt->routed && ending;
    if (!restore && (rt->routed || ending || now < rt->start_s - s->cfg->cap_lead_s)) {
        if (ending && !rt->routed)
            rt->route_restored = true; /* never shifted: nothing to undo */
        return;
    }
    gs_store_action a = {0};
    a.event_id = rt->id;
    snprintf(a.job_name, sizeof a.job_name, "inference router");
    snprintf(a.lever, sizeof a.lever, "route");
    a.arg = restore ? 0 : 1;
    a.attempt = rt->route_attempts + 1;
    a.intent_s = now;
    a.mw_before = rt->route_mw;
    int64_t aid = 0;
    gs_error err = {0};
    if (gs_store_action_intent(s->store, &a, &aid, &err) < 0) {
        gs_serve_log(s, "error", "event %lld: route not taken: the journal refused: %s",
                     (long long)rt->id, err.message);
        return;
    }
    gs_shift *sh = NULL;
    size_t n = 0;
    char why[512] = "", detail[256] = "";
    int rc = gs_shift_plan(s->fleet, live, rt->evs[0].scope_index, restore ? 0 : rt->route_mw,
                           &s->route, &sh, &n, &err);
    double shifted = 0;
    if (rc == 0) {
        for (size_t i = 0; i < n; i++)
            shifted += sh[i].shifted_mw;
        char id[32];
        snprintf(id, sizeof id, "%lld", (long long)rt->id);
        char *json = gs_shift_json(s->fleet, sh, n, id, now, restore);
        rc = json ? gs_router_publish(s->cfg->router_weights_path, s->cfg->router_url, json,
                                      s->cfg->hook_timeout_s, why, sizeof why)
                  : -1;
        free(json);
        if (restore)
            snprintf(detail, sizeof detail, "baseline weights published%s%.200s",
                     rc ? ": " : "", why);
        else
            snprintf(detail, sizeof detail, "%.6f of %.6f MW moved off the site%s%.120s%s%.80s",
                     shifted, rt->route_mw, n && sh[0].note[0] ? " (" : "",
                     n ? sh[0].note : "", n && sh[0].note[0] ? ")" : "", rc ? why : "");
    } else {
        snprintf(detail, sizeof detail, "%.250s", err.message);
    }
    gs_shift_free(sh, n);
    gs_store_action_outcome(s->store, aid, rc == 0 ? "done" : "failed", gs_serve_now(), 0,
                            rc == 0 ? (restore ? "baseline" : "shifted") : "unknown", detail,
                            &err);
    gs_serve_log(s, rc == 0 ? "info" : "warning", "event %lld: route %s: %s", (long long)rt->id,
                 rc == 0 ? "done" : "failed", detail);
    if (rc == 0) {
        rt->route_attempts = 0;
        if (restore)
            rt->route_restored = true;
        else
            rt->routed = true;
    } else if (!restore && ++rt->route_attempts > s->cfg->action_retries) {
        rt->route_mw = 0; /* given up: the report shows the shortfall */
    } else {
        rt->route_next_s = now + RETRY_S;
    }
}

/* The finished event's report as a file: REPORTS/event-ID.json (temporary name, then rename). */
static void write_report(gs_serve *s, int64_t id)
{
    const char *dir = s->cfg->reports_dir;
    if (!dir[0])
        return;
    char *text = gs_serve_event_report(s, id);
    char path[GS_CFG_PATH_MAX + 64], tmp[GS_CFG_PATH_MAX + 80];
    snprintf(path, sizeof path, "%s/event-%lld.json", dir, (long long)id);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        gs_serve_log(s, "error", "event %lld: report not written: %s: %s", (long long)id, dir,
                     strerror(errno));
        free(text);
        return;
    }
    FILE *fp = text ? fopen(tmp, "w") : NULL;
    bool ok = fp && fputs(text, fp) >= 0 && fputc('\n', fp) != EOF;
    ok = fp && fclose(fp) == 0 && ok;
    if (ok && rename(tmp, path) == 0)
        gs_serve_log(s, "info", "event %lld: report written to %s", (long long)id, path);
    else {
        gs_serve_log(s, "error", "event %lld: report not written to %s: %s", (long long)id, path,
                     text ? strerror(errno) : "out of memory");
        remove(tmp);
    }
    free(text);
}

void gs_runner_step(gs_serve *s, const gs_live *live, double now)
{
    take_queues(s, now);
    for (size_t i = 0; i < s->nevs && !s->stop; i++) {
        gs_ev_rt *rt = &s->evs[i];
        if (rt->finished)
            continue;
        if (!rt->planned && !rt->cancelled) {
            if (now < rt->decide_s)
                continue;
            if (now >= rt->end_s) {
                set_state(s, rt, "failed", "the event had ended before it could be planned", now);
                rt->finished = true;
                continue;
            }
            int rc = plan_event(s, rt, live, now, 0);
            rt->planned = true;
            if (rc < 0) {
                set_state(s, rt, "failed", rt->note, now);
                rt->finished = true;
                continue;
            }
            set_state(s, rt, "planned", rt->note, now);
        }
        double lost = act(s, rt, live, now);
        route_step(s, rt, live, now);
        if (lost > 1e-9 && !rt->cancelled && now < rt->end_s) {
            if (rt->replans < MAX_REPLANS) {
                rt->replans++;
                pthread_mutex_lock(&s->mu);
                s->replans++;
                pthread_mutex_unlock(&s->mu);
                if (plan_event(s, rt, live, now, lost) < 0)
                    gs_serve_log(s, "warning", "event %lld: re-plan for %.3f MW failed: %s",
                                 (long long)rt->id, lost, rt->note);
            } else {
                gs_serve_log(s, "warning", "event %lld: %.3f MW lost to failed actions, no "
                             "re-plan left", (long long)rt->id, lost);
            }
        }
        bool all_applied = true, all_restored = true, any = false;
        for (size_t k = 0; k < rt->nctl; k++) {
            const gs_ev_ctl *c = &rt->ctl[k];
            bool applied = c->failed || (c->lever == GS_LEVER_CAP ? c->capped : c->suspended);
            all_applied &= applied || now < c->act_s;
            all_restored &= c->restored;
            any |= c->signalled || c->suspended || c->capped;
        }
        all_restored &= rt->route_mw <= 0 || rt->route_restored;
        any |= rt->routed;
        bool ended = rt->cancelled || now >= rt->end_s;
        if (ended && all_restored) {
            char note[256], at[32];
            double last = 0;
            for (size_t k = 0; k < rt->nctl; k++)
                last = fmax(last, rt->ctl[k].restored_s);
            snprintf(note, sizeof note, "%s; %s", rt->cancelled ? "cancelled" : "ended",
                     last > 0 ? "every touched job restored" : "no job was touched");
            if (last > 0) {
                fmt_time(last, at);
                size_t l = strlen(note);
                snprintf(note + l, sizeof note - l, " by %s", at);
            }
            set_state(s, rt, "done", note, now);
            write_report(s, rt->id);
            rt->finished = true;
        } else if (ended) {
            if (strcmp(rt->state, "restoring"))
                set_state(s, rt, "restoring",
                          rt->cancelled ? "cancelled: restoring every touched job"
                                        : "ended: restoring every touched job", now);
        } else if (any && all_applied) {
            if (strcmp(rt->state, "active"))
                set_state(s, rt, "active", NULL, now);
        } else if (any) {
            if (strcmp(rt->state, "acting"))
                set_state(s, rt, "acting", NULL, now);
        }
    }
    /* drop finished events */
    pthread_mutex_lock(&s->mu);
    size_t w = 0;
    for (size_t i = 0; i < s->nevs; i++) {
        if (s->evs[i].finished)
            rt_free(&s->evs[i]);
        else
            s->evs[w++] = s->evs[i];
    }
    s->nevs = w;
    pthread_mutex_unlock(&s->mu);
}
