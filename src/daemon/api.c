/* api.c: the daemon's HTTP endpoints (docs/serve.md, "API"), behind http.c's listening, token
 * checks and body limit. Reads answer from what the main loop publishes (the latest picture as
 * JSON) and from the journal (events, actions, load samples); writes go to the journal first
 * and are handed to the main loop through its queues. Nothing here talks to the scheduler.
 *
 *   GET  /                      the dashboard (and /dashboard.js, /dashboard.css, /assets/...)
 *   GET  /v1/load               now: MW by class per site, racks and jobs by class, each job
 *   GET  /v1/load?from=&to=     a past window from the journal's load samples (&site=ID)
 *   GET  /v1/jobs/{id}          one job of the picture (404 for a job the scheduler lacks)
 *   POST /v1/events             a grid event (native or OpenADR 3): 201 with its id
 *   GET  /v1/events             events, newest first (&limit=N, default 100)
 *   GET  /v1/events/{id}        its report: plan, steps per job, target vs achieved over time,
 *                               the action log
 *   DELETE /v1/events/{id}      cancel it: every touched job is restored (also POST .../cancel)
 *   GET  /v1/actions?after=&limit=   the action log
 *   POST /v1/telemetry          node power readings
 *   GET  /v1/health             liveness and what the daemon is connected to
 *   GET  /metrics               Prometheus text */
#include "daemon/serve.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/ven.h"
#include "embed/assets.h"
#include "gridsplit/time.h"

static void iso(double t, char buf[32])
{
    gs_format_time((int64_t)floor(t), buf);
}

static json_t *iso_or_null(double t)
{
    if (!(t > 0))
        return json_null();
    char b[32];
    iso(t, b);
    return json_string(b);
}

static void reply_json(gs_http_resp *r, int status, json_t *o)
{
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(o);
    if (!text) {
        gs_http_error(r, 500, "out of memory");
        return;
    }
    r->status = status;
    snprintf(r->content_type, sizeof r->content_type, "application/json");
    r->body = text;
    r->len = strlen(text);
}

/* A number from the query: present and well-formed -> 1, absent -> 0, malformed -> -1. */
static int query_long(const char *q, const char *key, long long *v)
{
    char buf[32];
    if (!gs_http_query(q, key, buf, sizeof buf))
        return 0;
    char *end;
    long long x = strtoll(buf, &end, 10);
    if (!buf[0] || *end || x < 0)
        return -1;
    *v = x;
    return 1;
}

static int query_time(const char *q, const char *key, double *t, char *why, size_t len)
{
    char buf[64];
    if (!gs_http_query(q, key, buf, sizeof buf))
        return 0;
    int64_t v;
    gs_error e = {0};
    if (gs_parse_time(buf, &v, &e) < 0) {
        snprintf(why, len, "%s: expected a time like 2026-12-07T17:00:00Z, found '%.40s'", key,
                 buf);
        return -1;
    }
    *t = (double)v;
    return 1;
}

/* ---- static files ------------------------------------------------------------------------ */

static bool serve_asset(const char *path, gs_http_resp *r)
{
    static const struct {
        const char *path, *asset, *type;
    } FILES[] = {
        {"/", "dashboard.html", "text/html; charset=utf-8"},
        {"/dashboard.html", "dashboard.html", "text/html; charset=utf-8"},
        {"/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8"},
        {"/dashboard.css", "dashboard.css", "text/css; charset=utf-8"},
        {"/assets/uPlot.iife.min.js", "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
        {"/assets/uPlot.min.css", "uPlot.min.css", "text/css; charset=utf-8"},
    };
    for (size_t i = 0; i < sizeof FILES / sizeof FILES[0]; i++) {
        if (strcmp(path, FILES[i].path))
            continue;
        size_t len = 0;
        const char *a = gs__asset(FILES[i].asset, &len);
        if (!a) {
            gs_http_error(r, 404, "%s is not built into this binary", FILES[i].asset);
            return true;
        }
        r->body = malloc(len + 1);
        if (!r->body) {
            gs_http_error(r, 500, "out of memory");
            return true;
        }
        memcpy(r->body, a, len + 1);
        r->len = len;
        r->status = 200;
        snprintf(r->content_type, sizeof r->content_type, "%s", FILES[i].type);
        return true;
    }
    return false;
}

/* ---- load -------------------------------------------------------------------------------- */

static void get_load(gs_serve *s, const gs_http_req *q, gs_http_resp *r)
{
    char why[160] = "";
    double from = 0, to = 0;
    int hf = query_time(q->query, "from", &from, why, sizeof why);
    int ht = hf < 0 ? 0 : query_time(q->query, "to", &to, why, sizeof why);
    if (hf < 0 || ht < 0) {
        gs_http_error(r, 400, "%s", why);
        return;
    }
    if (!hf && !ht) {
        pthread_mutex_lock(&s->mu);
        char *copy = s->load_json ? strdup(s->load_json) : NULL;
        char note[256];
        snprintf(note, sizeof note, "%s", s->sched_note);
        pthread_mutex_unlock(&s->mu);
        if (!copy) {
            gs_http_error(r, 503, "no picture yet: the scheduler has not been read%s%s",
                          note[0] ? ": " : "", note);
            return;
        }
        r->status = 200;
        r->body = copy;
        r->len = strlen(copy);
        return;
    }
    double now = gs_serve_now();
    if (!hf)
        from = now - 86400;
    if (!ht)
        to = now + 1;
    if (to <= from) {
        gs_http_error(r, 400, "to must be after from");
        return;
    }
    char site[GS_ID_MAX] = "";
    gs_http_query(q->query, "site", site, sizeof site);
    if (site[0]) {
        bool known = false;
        for (size_t i = 0; i < s->fleet->nsites; i++)
            known |= !strcmp(s->fleet->sites[i].id, site);
        if (!known) {
            gs_http_error(r, 404, "no site '%s' in the fleet", site);
            return;
        }
    }
    gs_store_sample *rows = NULL;
    size_t n = 0;
    gs_error err = {0};
    if (gs_store_samples_range(s->store, from, to, site, &rows, &n, &err) < 0) {
        gs_http_error(r, 500, "%s", err.message);
        return;
    }
    /* at most ~1,440 points per site and class (a minute apart over a day): the journal keeps
     * every poll, the page does not need them all; &step=S asks for another spacing */
    long long step_q = 0;
    if (query_long(q->query, "step", &step_q) < 0) {
        free(rows);
        gs_http_error(r, 400, "step: expected a whole number of seconds");
        return;
    }
    double step = step_q > 0 ? (double)step_q : (to - from) / 1440.0;
    if (step < 1)
        step = 0;
    struct { char key[96]; double last; } *kept = NULL;
    size_t nkept = 0;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        if (step > 0) {
            char key[96];
            snprintf(key, sizeof key, "%s/%s", rows[i].site, rows[i].cls);
            size_t k = 0;
            while (k < nkept && strcmp(kept[k].key, key))
                k++;
            if (k == nkept) {
                void *g = realloc(kept, (nkept + 1) * sizeof *kept);
                if (!g)
                    break;
                kept = g;
                snprintf(kept[nkept].key, sizeof kept[nkept].key, "%s", key);
                kept[nkept++].last = -INFINITY;
            }
            if (rows[i].at_s < kept[k].last + step)
                continue;
            kept[k].last = rows[i].at_s;
        }
        json_t *x = json_pack("{s:o, s:s, s:s, s:f, s:b, s:i, s:i}", "at",
                              iso_or_null(rows[i].at_s), "site", rows[i].site, "class",
                              rows[i].cls, "mw", rows[i].mw, "measured", rows[i].measured, "jobs",
                              rows[i].jobs, "racks", rows[i].racks);
        json_array_append_new(arr, x);
    }
    free(rows);
    free(kept);
    reply_json(r, 200, json_pack("{s:o, s:o, s:f, s:o}", "from", iso_or_null(from), "to",
                                 iso_or_null(to), "step_s", step, "samples", arr));
}

static void get_job(gs_serve *s, const char *idtext, gs_http_resp *r)
{
    char *end;
    unsigned long id = strtoul(idtext, &end, 10);
    if (!idtext[0] || *end || id == 0 || id > UINT32_MAX) {
        gs_http_error(r, 400, "expected a job id (a positive number), found '%.40s'", idtext);
        return;
    }
    pthread_mutex_lock(&s->mu);
    char *copy = s->load_json ? strdup(s->load_json) : NULL;
    pthread_mutex_unlock(&s->mu);
    json_t *o = copy ? json_loads(copy, 0, NULL) : NULL;
    free(copy);
    json_t *jobs = json_object_get(o, "jobs");
    size_t i;
    json_t *x;
    json_array_foreach(jobs, i, x)
    {
        if ((unsigned long)json_integer_value(json_object_get(x, "id")) == id) {
            json_incref(x);
            json_decref(o);
            reply_json(r, 200, x);
            return;
        }
    }
    json_decref(o);
    gs_http_error(r, 404, "no job %lu: the scheduler does not list it", id);
}

/* ---- events ------------------------------------------------------------------------------ */

int gs_serve_take_event(gs_serve *s, const char *body, size_t len, const char *source,
                        const char *who, const char *ext_id, int64_t *id, bool *dup,
                        gs_error *err)
{
    gs_event *evs = NULL;
    size_t n = 0;
    *id = 0;
    *dup = false;
    int rc = gs_runner_parse(s, body, len, &evs, &n, err);
    if (rc < 0) {
        pthread_mutex_lock(&s->mu);
        s->events_refused++;
        pthread_mutex_unlock(&s->mu);
        return rc;
    }
    const char *ext = ext_id && ext_id[0] ? ext_id : evs[0].id;
    rc = gs_store_event_find(s->store, ext, source, id, err);
    if (rc == 0 && *id > 0) {
        free(evs);
        *dup = true;
        return 0;
    }
    if (rc == 0)
        rc = gs_store_event_add(s->store, ext, source, who ? who : "", gs_serve_now(),
                                (double)evs[0].start_s, (double)evs[n - 1].end_s, body, id, err);
    free(evs);
    if (rc < 0)
        return rc;
    pthread_mutex_lock(&s->mu);
    if (s->nincoming == s->capincoming) {
        size_t cap = s->capincoming ? 2 * s->capincoming : 8;
        int64_t *g = realloc(s->incoming, cap * sizeof *g);
        if (g) {
            s->incoming = g;
            s->capincoming = cap;
        }
    }
    bool queued = s->nincoming < s->capincoming;
    if (queued)
        s->incoming[s->nincoming++] = *id;
    s->events_received++;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->mu);
    if (!queued)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL,
                            "out of memory (event %lld is journaled and will be taken up at the "
                            "next start)", (long long)*id);
    gs_serve_log(s, "info", "event %lld received from %s %s: %zu interval%s", (long long)*id,
                 source, who && who[0] ? who : "(open reads)", n, n == 1 ? "" : "s");
    return 0;
}

static void post_event(gs_serve *s, const gs_http_req *q, gs_http_resp *r)
{
    gs_error err = {0};
    int64_t id = 0;
    bool dup = false;
    int rc = gs_serve_take_event(s, q->body, q->body_len, "post", q->token ? q->token->name : "",
                                 NULL, &id, &dup, &err);
    if (rc < 0) {
        char msg[1400];
        gs_error_format(&err, msg, sizeof msg);
        gs_http_error(r, err.code == GS_ENOMEM || err.code == GS_EIO ? 500 : 400, "%s", msg);
        return;
    }
    char loc[64];
    snprintf(loc, sizeof loc, "/v1/events/%" PRId64, id);
    snprintf(r->location, sizeof r->location, "%s", loc);
    reply_json(r, dup ? 200 : 201, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "state",
                                             dup ? "already received" : "received", "report",
                                             loc));
}

/* The sum of a site's samples of the event's classes at each time, from the journal. */
static json_t *timeline(gs_serve *s, const gs_store_event *e, const json_t *summary)
{
    json_t *arr = json_array();
    const char *scope = json_string_value(json_object_get(summary, "scope"));
    const char *cls = json_string_value(json_object_get(summary, "class"));
    json_t *base = json_object_get(summary, "baseline_mw");
    json_t *tgt = json_object_get(summary, "target_mw");
    if (!scope || strncmp(scope, "site ", 5) || !json_is_number(base))
        return arr; /* zone and fleet events: the timeline is per site in /v1/load */
    double baseline = json_number_value(base);
    double target = json_is_number(tgt) ? json_number_value(tgt) : NAN;
    double from = e->start_s - 600, to = e->end_s + 600;
    double now = gs_serve_now();
    if (to > now + 1)
        to = now + 1;
    gs_store_sample *rows = NULL;
    size_t n = 0;
    gs_error err = {0};
    if (gs_store_samples_range(s->store, from, to, scope + 5, &rows, &n, &err) < 0)
        return arr;
    for (size_t i = 0; i < n;) {
        double at = rows[i].at_s, mw = 0;
        bool measured = true;
        size_t k = i;
        for (; k < n && rows[k].at_s == at; k++) {
            bool in = !cls || !strcmp(cls, "all") || !strcmp(cls, rows[k].cls);
            if (in) {
                mw += rows[k].mw;
                measured &= rows[k].measured || rows[k].mw == 0;
            }
        }
        bool in_window = at >= e->start_s && at < e->end_s;
        json_array_append_new(
            arr, json_pack("{s:o, s:f, s:o, s:f, s:b}", "at", iso_or_null(at), "mw", mw,
                           "target_mw", in_window && isfinite(target) ? json_real(target)
                                                                      : json_null(),
                           "achieved_mw", baseline - mw, "measured", measured));
        i = k;
    }
    free(rows);
    return arr;
}

/* The summary of one stored event (the list, and the head of its report). */
static json_t *event_summary(gs_serve *s, const gs_store_event *e, json_t **plan_doc)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s}", "id",
                          (json_int_t)e->id, "ext_id", e->ext_id, "source", e->source, "who",
                          e->who, "state", e->state, "received", iso_or_null(e->received_s),
                          "start", iso_or_null(e->start_s), "end", iso_or_null(e->end_s),
                          "state_at", iso_or_null(e->state_s), "note", e->note);
    gs_event *evs = NULL;
    size_t n = 0;
    gs_error err = {0};
    if (e->body && gs_runner_parse(s, e->body, strlen(e->body), &evs, &n, &err) == 0 && n) {
        const gs_event *v = &evs[0];
        char scope[128];
        if (v->scope == GS_SCOPE_SITE)
            snprintf(scope, sizeof scope, "site %s", s->fleet->sites[v->scope_index].id);
        else if (v->scope == GS_SCOPE_ZONE)
            snprintf(scope, sizeof scope, "zone %s", s->fleet->zones[v->scope_index].id);
        else
            snprintf(scope, sizeof scope, "fleet");
        json_object_set_new(o, "scope", json_string(scope));
        json_object_set_new(o, "class", json_string(gs_event_class_name(v->cls)));
        json_object_set_new(o, "kind", json_string(gs_plan_event_kind_name(v->kind)));
        json_object_set_new(o, "mw", json_real(v->mw));
        json_object_set_new(o, "intervals", json_integer((json_int_t)n));
    }
    free(evs);
    json_t *doc = e->plan ? json_loads(e->plan, 0, NULL) : NULL;
    json_t *p0 = json_array_get(json_object_get(doc, "plans"), 0);
    json_t *tm = json_object_get(p0, "target_mw");
    json_object_set_new(o, "target_mw", tm ? json_copy(tm) : json_null());
    json_t *plans = json_object_get(doc, "plans");
    if (json_array_size(plans)) {
        double planned = 0;
        size_t i;
        json_t *p;
        json_array_foreach(plans, i, p) planned += json_number_value(json_object_get(p, "achieved_mw"));
        json_object_set_new(o, "planned_mw", json_real(planned));
        json_object_set_new(o, "baseline_mw", json_copy(json_object_get(p0, "baseline_mw")));
    } else {
        json_object_set_new(o, "planned_mw", json_null());
    }
    if (plan_doc)
        *plan_doc = doc;
    else
        json_decref(doc);
    /* what was achieved: over the samples inside the window where a target applied, the mean
     * and the least reduction (from the journal's samples; measured where telemetry was) */
    json_t *tl = timeline(s, e, o);
    double sum = 0, least = INFINITY;
    size_t k = 0, i;
    json_t *x;
    json_array_foreach(tl, i, x)
    {
        if (json_is_null(json_object_get(x, "target_mw")))
            continue;
        double a = json_number_value(json_object_get(x, "achieved_mw"));
        sum += a;
        least = fmin(least, a);
        k++;
    }
    json_object_set_new(o, "achieved_mw", k ? json_real(sum / (double)k) : json_null());
    json_object_set_new(o, "achieved_min_mw", k ? json_real(least) : json_null());
    json_object_set_new(o, "samples_in_window", json_integer((json_int_t)k));
    if (plan_doc)
        json_object_set_new(o, "timeline", tl);
    else
        json_decref(tl);
    return o;
}

static void get_events(gs_serve *s, const gs_http_req *q, gs_http_resp *r)
{
    long long limit = 100;
    if (query_long(q->query, "limit", &limit) < 0 || limit > 10000) {
        gs_http_error(r, 400, "limit: expected a number 0..10000");
        return;
    }
    gs_store_event *evs = NULL;
    size_t n = 0;
    gs_error err = {0};
    if (gs_store_events_list(s->store, false, (size_t)limit, &evs, &n, &err) < 0) {
        gs_http_error(r, 500, "%s", err.message);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, event_summary(s, &evs[i], NULL));
    gs_store_events_free(evs, n);
    reply_json(r, 200, json_pack("{s:o}", "events", arr));
}

static json_t *action_json(const gs_store_action *a)
{
    return json_pack("{s:I, s:I, s:I, s:s, s:s, s:f, s:i, s:s, s:o, s:o, s:f, s:s, s:s}", "id",
                     (json_int_t)a->id, "event_id", (json_int_t)a->event_id, "job_id",
                     (json_int_t)a->job_id, "job_name", a->job_name, "lever", a->lever, "arg",
                     a->arg, "attempt", a->attempt, "phase", a->phase, "intent_at",
                     iso_or_null(a->intent_s), "outcome_at", iso_or_null(a->outcome_s),
                     "elapsed_ms", a->elapsed_ms, "state_after", a->state_after, "detail",
                     a->detail);
}

static bool parse_id(const char *text, int64_t *id)
{
    char *end;
    long long v = strtoll(text, &end, 10);
    if (!text[0] || *end || v <= 0)
        return false;
    *id = v;
    return true;
}

/* The report of event id (NULL: no such event). */
static json_t *event_report(gs_serve *s, int64_t id)
{
    gs_store_event e = {0};
    gs_error err = {0};
    if (gs_store_event_get(s->store, id, &e, &err) < 0)
        return NULL;
    json_t *doc = NULL;
    json_t *o = event_summary(s, &e, &doc);
    gs_store_action *as = NULL;
    size_t na = 0;
    gs_store_actions_list(s->store, id, 0, 0, &as, &na, &err);
    json_t *acts = json_array();
    for (size_t i = 0; i < na; i++)
        json_array_append_new(acts, action_json(&as[i]));
    /* per job: its steps, with when it was restored (the journal's last resume or uncap) */
    json_t *jobs = json_array();
    size_t i;
    json_t *st;
    json_array_foreach(json_object_get(doc, "steps"), i, st)
    {
        json_int_t jid = json_integer_value(json_object_get(st, "job_id"));
        double restored = 0, acted = 0;
        const char *last = "planned";
        for (size_t k = 0; k < na; k++) {
            if ((json_int_t)as[k].job_id != jid)
                continue;
            if (!strcmp(as[k].phase, "done")) {
                if (!strcmp(as[k].lever, "resume") || !strcmp(as[k].lever, "uncap"))
                    restored = as[k].outcome_s;
                else if (acted == 0)
                    acted = as[k].outcome_s;
                last = as[k].lever;
            } else if (!strcmp(as[k].phase, "failed")) {
                last = "failed";
            }
        }
        json_array_append_new(
            jobs, json_pack("{s:I, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:o, s:o, s:s}", "id",
                            jid, "name", json_object_get(st, "job_name"), "lever",
                            json_object_get(st, "lever"), "mw_before",
                            json_object_get(st, "mw_before"), "mw_after",
                            json_object_get(st, "mw_after"), "cost_usd",
                            json_object_get(st, "cost_usd"), "tier", json_object_get(st, "tier"),
                            "throughput", json_object_get(st, "throughput"), "cap_w",
                            json_object_get(st, "cap_w"), "acted_at", iso_or_null(acted),
                            "restored_at", iso_or_null(restored), "last", last));
    }
    free(as);
    json_object_set_new(o, "jobs", jobs);
    json_object_set_new(o, "actions", acts);
    json_t *plans = json_object_get(doc, "plans");
    json_object_set_new(o, "plans", plans ? json_incref(plans) : json_array());
    json_decref(doc);
    gs_store_event_clear(&e);
    return o;
}

static void get_event(gs_serve *s, int64_t id, gs_http_resp *r)
{
    json_t *o = event_report(s, id);
    if (!o) {
        gs_http_error(r, 404, "no event %" PRId64, id);
        return;
    }
    reply_json(r, 200, o);
}

char *gs_serve_event_report(gs_serve *s, int64_t id)
{
    json_t *o = event_report(s, id);
    char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(o);
    return text;
}

static void cancel_event(gs_serve *s, int64_t id, gs_http_resp *r)
{
    gs_store_event e = {0};
    gs_error err = {0};
    if (gs_store_event_get(s->store, id, &e, &err) < 0) {
        gs_http_error(r, 404, "no event %" PRId64, id);
        return;
    }
    bool over = !strcmp(e.state, "done") || !strcmp(e.state, "failed");
    gs_store_event_clear(&e);
    if (over) {
        gs_http_error(r, 409, "event %" PRId64 " is already over", id);
        return;
    }
    pthread_mutex_lock(&s->mu);
    if (s->ncancels == s->capcancels) {
        size_t cap = s->capcancels ? 2 * s->capcancels : 8;
        int64_t *g = realloc(s->cancels, cap * sizeof *g);
        if (g) {
            s->cancels = g;
            s->capcancels = cap;
        }
    }
    bool queued = s->ncancels < s->capcancels;
    if (queued)
        s->cancels[s->ncancels++] = id;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->mu);
    if (!queued) {
        gs_http_error(r, 500, "out of memory");
        return;
    }
    gs_serve_log(s, "info", "event %" PRId64 ": cancellation asked", id);
    reply_json(r, 202, json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", "cancelling"));
}

static void get_actions(gs_serve *s, const gs_http_req *q, gs_http_resp *r)
{
    long long after = 0, limit = 200;
    if (query_long(q->query, "after", &after) < 0 || query_long(q->query, "limit", &limit) < 0 ||
        limit > 10000) {
        gs_http_error(r, 400, "after: expected an action id; limit: a number 0..10000");
        return;
    }
    gs_store_action *as = NULL;
    size_t n = 0;
    gs_error err = {0};
    if (gs_store_actions_list(s->store, 0, after, (size_t)limit, &as, &n, &err) < 0) {
        gs_http_error(r, 500, "%s", err.message);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, action_json(&as[i]));
    free(as);
    reply_json(r, 200, json_pack("{s:o}", "actions", arr));
}

/* ---- telemetry, health, metrics ---------------------------------------------------------- */

static void post_telemetry(gs_serve *s, const gs_http_req *q, gs_http_resp *r)
{
    char why[512] = "";
    int n = gs_telemetry_post_json(s->tel, q->body, q->body_len, gs_serve_now(), why, sizeof why);
    if (n < 0) {
        gs_http_error(r, 400, "%s", why);
        return;
    }
    reply_json(r, 200, json_pack("{s:i}", "accepted", n));
}

static void get_health(gs_serve *s, gs_http_resp *r)
{
    pthread_mutex_lock(&s->mu);
    json_t *o = json_pack("{s:b, s:s, s:b, s:s, s:o, s:f, s:I}", "ok", s->sched_up, "scheduler",
                          gs_sched_kind(s->sched), "scheduler_up", s->sched_up, "scheduler_note",
                          s->sched_note, "last_poll", iso_or_null(s->last_poll_s),
                          "uptime_s", gs_serve_now() - s->started_s, "open_events",
                          (json_int_t)s->nevs);
    pthread_mutex_unlock(&s->mu);
    reply_json(r, 200, o);
}

static void metrics(gs_serve *s, gs_http_resp *r)
{
    size_t cap = 8192, len = 0;
    char *b = malloc(cap);
    if (!b) {
        gs_http_error(r, 500, "out of memory");
        return;
    }
#define OUT(...)                                                                                  \
    do {                                                                                          \
        int k_ = snprintf(b + len, cap - len, __VA_ARGS__);                                        \
        if (k_ < 0)                                                                               \
            break;                                                                                \
        if ((size_t)k_ >= cap - len) {                                                            \
            size_t nc_ = (cap + (size_t)k_) * 2;                                                   \
            char *g_ = realloc(b, nc_);                                                           \
            if (!g_)                                                                              \
                break;                                                                            \
            b = g_;                                                                               \
            cap = nc_;                                                                            \
            snprintf(b + len, cap - len, __VA_ARGS__);                                             \
        }                                                                                         \
        len += (size_t)k_;                                                                        \
    } while (0)
    unsigned long acc = 0, ref = 0;
    gs_telemetry_counts(s->tel, &acc, &ref);
    pthread_mutex_lock(&s->mu);
    OUT("# HELP gridsplit_load_mw Load at the grid connection by site and class (MW).\n"
        "# TYPE gridsplit_load_mw gauge\n");
    for (size_t i = 0; i < s->live.nsites; i++)
        for (int c = 0; c < GS_LIVE_NCLS; c++)
            OUT("gridsplit_load_mw{site=\"%s\",class=\"%s\"} %.6f\n",
                s->fleet->sites[s->live.sites[i].site].id, gs_live_cls_name(c),
                s->live.sites[i].mw[c]);
    OUT("# HELP gridsplit_load_measured_mw The part of gridsplit_load_mw measured by telemetry.\n"
        "# TYPE gridsplit_load_measured_mw gauge\n");
    for (size_t i = 0; i < s->live.nsites; i++)
        for (int c = 0; c < GS_LIVE_NCLS; c++)
            OUT("gridsplit_load_measured_mw{site=\"%s\",class=\"%s\"} %.6f\n",
                s->fleet->sites[s->live.sites[i].site].id, gs_live_cls_name(c),
                s->live.sites[i].measured_mw[c]);
    OUT("# HELP gridsplit_jobs Jobs running or suspended by site and class.\n"
        "# TYPE gridsplit_jobs gauge\n");
    for (size_t i = 0; i < s->live.nsites; i++)
        for (int c = 0; c < GS_LIVE_NCLS; c++)
            OUT("gridsplit_jobs{site=\"%s\",class=\"%s\"} %d\n",
                s->fleet->sites[s->live.sites[i].site].id, gs_live_cls_name(c),
                s->live.sites[i].jobs[c]);
    OUT("# TYPE gridsplit_events_open gauge\ngridsplit_events_open %zu\n", s->nevs);
    OUT("# TYPE gridsplit_events_received_total counter\ngridsplit_events_received_total %lu\n",
        s->events_received);
    OUT("# TYPE gridsplit_events_refused_total counter\ngridsplit_events_refused_total %lu\n",
        s->events_refused);
    OUT("# TYPE gridsplit_actions_total counter\n"
        "gridsplit_actions_total{outcome=\"done\"} %lu\n"
        "gridsplit_actions_total{outcome=\"failed\"} %lu\n",
        s->actions_done, s->actions_failed);
    OUT("# TYPE gridsplit_replans_total counter\ngridsplit_replans_total %lu\n", s->replans);
    OUT("# TYPE gridsplit_scheduler_up gauge\ngridsplit_scheduler_up %d\n", s->sched_up ? 1 : 0);
    OUT("# TYPE gridsplit_scheduler_polls_total counter\ngridsplit_scheduler_polls_total %lu\n"
        "# TYPE gridsplit_scheduler_poll_failures_total counter\n"
        "gridsplit_scheduler_poll_failures_total %lu\n",
        s->polls, s->poll_failures);
    OUT("# TYPE gridsplit_scheduler_poll_seconds gauge\ngridsplit_scheduler_poll_seconds %.6f\n",
        s->last_poll_ms / 1e3);
    OUT("# TYPE gridsplit_telemetry_nodes gauge\n"
        "gridsplit_telemetry_nodes{state=\"measured\"} %zu\n"
        "gridsplit_telemetry_nodes{state=\"stale\"} %zu\n"
        "gridsplit_telemetry_nodes{state=\"silent\"} %zu\n",
        s->live.nodes_measured, s->live.nodes_stale, s->live.nodes_silent);
    OUT("# TYPE gridsplit_telemetry_readings_total counter\n"
        "gridsplit_telemetry_readings_total{outcome=\"accepted\"} %lu\n"
        "gridsplit_telemetry_readings_total{outcome=\"refused\"} %lu\n",
        acc, ref);
    OUT("# HELP gridsplit_plan_seconds The last planning: the planner alone, and all of it.\n"
        "# TYPE gridsplit_plan_seconds gauge\n"
        "gridsplit_plan_seconds{part=\"planner\"} %.6f\n"
        "gridsplit_plan_seconds{part=\"total\"} %.6f\n",
        s->last_plan_ms / 1e3, s->last_plan_total_ms / 1e3);
    if (s->ven) {
        gs_ven_status vs;
        gs_ven_status_get(s->ven, &vs);
        OUT("# TYPE gridsplit_ven_registered gauge\ngridsplit_ven_registered %d\n"
            "# TYPE gridsplit_ven_subscribed gauge\ngridsplit_ven_subscribed %d\n"
            "# TYPE gridsplit_ven_polls_total counter\ngridsplit_ven_polls_total %lu\n"
            "# TYPE gridsplit_ven_poll_errors_total counter\ngridsplit_ven_poll_errors_total %lu\n"
            "# TYPE gridsplit_ven_events_total counter\n"
            "gridsplit_ven_events_total{outcome=\"taken\"} %lu\n"
            "gridsplit_ven_events_total{outcome=\"refused\"} %lu\n"
            "# TYPE gridsplit_ven_reports_total counter\n"
            "gridsplit_ven_reports_total{outcome=\"sent\"} %lu\n"
            "gridsplit_ven_reports_total{outcome=\"error\"} %lu\n"
            "# TYPE gridsplit_ven_notifications_total counter\n"
            "gridsplit_ven_notifications_total %lu\n",
            vs.registered ? 1 : 0, vs.subscribed ? 1 : 0, vs.polls, vs.poll_errors, vs.events_taken, vs.events_refused, vs.reports_sent,
            vs.report_errors, vs.notifications);
    }
    OUT("# TYPE gridsplit_http_requests_total counter\ngridsplit_http_requests_total %lu\n"
        "# TYPE gridsplit_http_errors_total counter\ngridsplit_http_errors_total %lu\n",
        s->http_requests, s->http_errors);
    pthread_mutex_unlock(&s->mu);
#undef OUT
    r->status = 200;
    snprintf(r->content_type, sizeof r->content_type, "text/plain; version=0.0.4");
    r->body = b;
    r->len = len;
}

/* ---- the VTN's notifications (OpenADR 3 subscriptions; docs/openadr.md) ------------------- */

static void notify(gs_serve *s, const gs_http_req *q, gs_http_resp *r)
{
    if (!s->ven || !q->token || strcmp(q->token->name, "vtn-callback")) {
        gs_http_error(r, 403, "notifications are taken from the VTN this daemon subscribed to, "
                      "with the token it gave it");
        return;
    }
    /* an object, or (VTNs in the field) a JSON string holding one, perhaps in snake_case */
    json_t *o = json_loadb(q->body, q->body_len, JSON_DECODE_ANY, NULL);
    if (json_is_string(o)) {
        json_t *inner = json_loads(json_string_value(o), 0, NULL);
        json_decref(o);
        o = inner;
    }
    const char *type = json_string_value(json_object_get(o, "objectType"));
    if (!type)
        type = json_string_value(json_object_get(o, "object_type"));
    const char *op = json_string_value(json_object_get(o, "operation"));
    gs_serve_log(s, "info", "ven: notification from the VTN: %s %s", op ? op : "(no operation)",
                 type ? type : "(no objectType)");
    json_decref(o);
    gs_ven_wake(s->ven);
    reply_json(r, 200, json_object());
}

/* ---- routing ----------------------------------------------------------------------------- */

void gs_serve_api(void *ctx, const gs_http_req *q, gs_http_resp *r)
{
    gs_serve *s = ctx;
    const char *p = q->path;
    bool get = !strcmp(q->method, "GET") || !strcmp(q->method, "HEAD");
    bool post = !strcmp(q->method, "POST");
    bool del = !strcmp(q->method, "DELETE");
    const char *allow = NULL;
    if (!strcmp(p, "/v1/load")) {
        if (get)
            get_load(s, q, r);
        else
            allow = "GET";
    } else if (!strncmp(p, "/v1/jobs/", 9)) {
        if (get)
            get_job(s, p + 9, r);
        else
            allow = "GET";
    } else if (!strcmp(p, "/v1/events")) {
        if (post)
            post_event(s, q, r);
        else if (get)
            get_events(s, q, r);
        else
            allow = "GET, POST";
    } else if (!strncmp(p, "/v1/events/", 11)) {
        char idt[32];
        snprintf(idt, sizeof idt, "%s", p + 11);
        char *slash = strchr(idt, '/');
        bool cancel_path = slash && !strcmp(slash, "/cancel");
        if (slash)
            *slash = 0;
        int64_t id;
        if ((slash && !cancel_path) || strlen(p + 11) >= sizeof idt)
            gs_http_error(r, 404, "no such endpoint: %.100s", p);
        else if (!parse_id(idt, &id))
            gs_http_error(r, 400, "expected an event id (a positive number), found '%.30s'", idt);
        else if (cancel_path ? post : del)
            cancel_event(s, id, r);
        else if (!cancel_path && get)
            get_event(s, id, r);
        else
            allow = cancel_path ? "POST" : "GET, DELETE";
    } else if (!strcmp(p, "/v1/actions")) {
        if (get)
            get_actions(s, q, r);
        else
            allow = "GET";
    } else if (!strcmp(p, "/v1/telemetry")) {
        if (post)
            post_telemetry(s, q, r);
        else
            allow = "POST";
    } else if (!strcmp(p, "/v1/health")) {
        if (get)
            get_health(s, r);
        else
            allow = "GET";
    } else if (!strcmp(p, "/openadr/notify/echo")) {
        /* the VTN's check of a subscription's callback: echo what it sent */
        char echo[512];
        if (!get)
            allow = "GET";
        else if (!gs_http_query(q->query, "echo", echo, sizeof echo))
            gs_http_error(r, 400, "expected ?echo=TEXT");
        else
            gs_http_text(r, 200, "text/plain; charset=utf-8", echo);
    } else if (!strcmp(p, "/openadr/notify")) {
        if (post)
            notify(s, q, r);
        else
            allow = "POST";
    } else if (!strcmp(p, "/metrics")) {
        if (get)
            metrics(s, r);
        else
            allow = "GET";
    } else if (get && serve_asset(p, r)) {
        /* served */
    } else {
        gs_http_error(r, 404, "no such endpoint: %.100s (docs/serve.md lists them)", p);
    }
    if (allow)
        gs_http_error(r, 405, "%s %s: this endpoint takes %s", q->method, p, allow);
    pthread_mutex_lock(&s->mu);
    s->http_requests++;
    if (r->status >= 400)
        s->http_errors++;
    pthread_mutex_unlock(&s->mu);
}
