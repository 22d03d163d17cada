/* shift.c: the inference shift of shift.h (which share of each service's traffic every site
 * takes when an event site cuts its inference load) and the router's weights document. Pure:
 * the fleet and the live picture in, the plan out; the rules are written in shift.h.
 *
 * How: one pass over the live jobs gives each cluster's GPUs held (running or suspended, any
 * job), held by unclassified jobs, serving (running classified inference jobs) and the MW of
 * its classified inference jobs; the clusters are then summed by (service, site). Traffic is
 * counted in GPU-equivalents (a service's requests_per_s_per_gpu is the same at all its sites),
 * so moving traffic and filling free GPUs are the same unit. */
#include "daemon/shift.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gridsplit/latency.h"
#include "gridsplit/load.h"
#include "gridsplit/route.h"
#include "gridsplit/time.h"

/* What the live jobs hold on one cluster. */
typedef struct cl_live {
    double held;       /* GPUs of running or suspended jobs, any */
    double held_uncl;  /* of them, by jobs not classified inference (unclassified, placed) */
    double serving;    /* GPUs of running classified inference jobs */
    double jobs_mw;    /* MW of running or suspended classified inference jobs */
} cl_live;

/* A service at one site, summed over its clusters there. */
typedef struct agg {
    double gpus;
    double mw;         /* rule 2 */
    double idle_mw;    /* idle draw of the GPUs in mw (rule 4) */
    double serving;    /* GPUs serving traffic */
    double free;       /* GPUs held by no job: the headroom */
    double dyn_mw_per_free; /* MW above idle of one free GPU at its cluster's utilisation (x PUE),
                               averaged over the free GPUs */
} agg;

void gs_shift_free(gs_shift *s, size_t n)
{
    if (!s)
        return;
    for (size_t i = 0; i < n; i++)
        free(s[i].sites);
    free(s);
}

/* Cut a string whose last UTF-8 sequence was truncated by snprintf (so it stays valid JSON
 * text). */
static void utf8_trim(char *s)
{
    size_t len = strlen(s);
    size_t p = len, back = 0;
    while (p > 0 && back < 4 && ((unsigned char)s[p - 1] & 0xC0) == 0x80) {
        p--;
        back++;
    }
    if (p == 0)
        return;
    unsigned char lead = (unsigned char)s[p - 1];
    size_t need = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3
        : (lead & 0xF8) == 0xF0 ? 4 : 1;
    if (need > back + 1)
        s[p - 1] = '\0';
}

/* Write a message into buf (cut to fit, never in the middle of a UTF-8 sequence); returns the
 * length written. */
static size_t setf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static size_t setf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    if (k < 0)
        buf[0] = '\0';
    utf8_trim(buf);
    return strlen(buf);
}

static double site_pue(const gs_live *live, size_t s)
{
    double pue = live->sites[s].pue;
    return isfinite(pue) && pue >= 1.0 ? pue : 1.0;
}

static bool is_inference_of(const gs_fleet *f, const gs_cluster *c, int service)
{
    return c->cls == GS_INFERENCE && c->service == service && c->site >= 0 &&
           (size_t)c->site < f->nsites;
}

/* The service's figures at site s. */
static agg aggregate(const gs_fleet *f, const gs_live *live, const cl_live *cl, int service,
                     size_t s)
{
    agg a = {0};
    double pue = site_pue(live, s);
    double dyn_free_mw = 0;
    for (size_t c = 0; c < f->nclusters; c++) {
        const gs_cluster *k = &f->clusters[c];
        if (!is_inference_of(f, k, service) || (size_t)k->site != s)
            continue;
        double gpus = k->gpus > 0 ? k->gpus : 0;
        double held = fmin(cl[c].held, gpus);
        double uncl = fmin(cl[c].held_uncl, gpus);
        double free_gpus = gpus - held;
        double p0 = 0, pu = 0;
        if (k->gpu >= 0 && (size_t)k->gpu < f->ngpus) {
            p0 = gs_gpu_power_w(&f->gpus[k->gpu], 0);
            pu = gs_gpu_power_w(&f->gpus[k->gpu], k->utilisation);
        }
        a.gpus += gpus;
        a.mw += cl[c].jobs_mw + free_gpus * p0 * pue / 1e6;
        a.idle_mw += (gpus - uncl) * p0 * pue / 1e6;
        a.serving += fmin(cl[c].serving, gpus);
        a.free += free_gpus;
        dyn_free_mw += free_gpus * fmax(0, pu - p0) * pue / 1e6;
    }
    a.dyn_mw_per_free = a.free > 0 ? dyn_free_mw / a.free : 0;
    if (!isfinite(a.mw) || a.mw < 0)
        a.mw = 0;
    return a;
}

static bool service_at(const gs_fleet *f, int service, size_t s)
{
    for (size_t c = 0; c < f->nclusters; c++)
        if (is_inference_of(f, &f->clusters[c], service) && (size_t)f->clusters[c].site == s)
            return true;
    return false;
}

/* One service's shift (rule 3 to 7) into *sh. sites[] and ag[] are scratch of nsites. */
static int plan_service(const gs_fleet *f, const gs_live *live, const cl_live *cl, int v,
                        size_t e, double frac, double asked_mw, double cut_mw,
                        const gs_route_opts *ro, gs_shift *sh, agg *ag)
{
    const gs_service *sv = &f->services[v];
    const gs_site *es = &f->sites[e];
    sh->service = v;
    sh->asked_mw = asked_mw;
    size_t ns = 0;
    for (size_t s = 0; s < f->nsites; s++)
        if (service_at(f, v, s))
            ns++;
    sh->sites = calloc(ns ? ns : 1, sizeof *sh->sites);
    if (!sh->sites)
        return GS_ENOMEM;
    sh->nsites = ns;
    double server_ms = sv->server_time_ms > 0 ? sv->server_time_ms : GS_ROUTE_DEFAULT_SERVER_MS;
    double limit = sv->latency_budget_ms > 0 ? sv->latency_budget_ms - server_ms : INFINITY;
    sh->rtt_limit_ms = limit;
    gs_continent ce = gs_continent_of(es->tz, es->lat, es->lon);

    /* rule 3: baseline weights */
    size_t ie = 0;
    double sum_mw = 0, sum_gpus = 0;
    for (size_t s = 0, i = 0; s < f->nsites; s++) {
        if (!service_at(f, v, s))
            continue;
        ag[i] = aggregate(f, live, cl, v, s);
        sh->sites[i].site = (int)s;
        if (s == e)
            ie = i;
        sum_mw += ag[i].mw;
        sum_gpus += ag[i].gpus;
        i++;
    }
    for (size_t i = 0; i < ns; i++) {
        gs_shift_site *x = &sh->sites[i];
        x->baseline = sum_mw > 0     ? ag[i].mw / sum_mw
                    : sum_gpus > 0 ? ag[i].gpus / sum_gpus
                                   : 1.0 / (double)ns;
        x->mw_before = ag[i].mw;
        x->headroom_gpus = ag[i].free;
    }

    /* rule 5: receivers */
    size_t n_within = 0, n_recv = 0;
    double headroom = 0;
    for (size_t i = 0; i < ns; i++) {
        gs_shift_site *x = &sh->sites[i];
        const gs_site *st = &f->sites[x->site];
        if (i == ie) {
            x->rtt_ms = 0;
            continue;
        }
        /* the best source the daemon has (the fleet's network section): measured, cable-aware
         * between continents, else the plain model, as the router */
        x->rtt_ms = gs_route_rtt_ms(ro, es->lat, es->lon, ce, st->lat, st->lon,
                                    gs_continent_of(st->tz, st->lat, st->lon), &x->rtt_source);
        if (!isfinite(x->rtt_ms)) {
            setf(x->why, sizeof x->why, "no round trip from %s: invalid coordinates", es->id);
        } else if (!(x->rtt_ms <= limit)) {
            setf(x->why, sizeof x->why, "RTT %.1f ms (%s) from %s is over the %.0f ms limit",
                 x->rtt_ms, gs_rtt_source_name(x->rtt_source), es->id, limit);
        } else {
            n_within++;
            if (ag[i].free > 0) {
                x->eligible = true;
                n_recv++;
                headroom += ag[i].free;
            } else {
                setf(x->why, sizeof x->why, "no free GPUs (RTT %.1f ms, %s, is within %.0f ms)",
                     x->rtt_ms, gs_rtt_source_name(x->rtt_source), limit);
            }
        }
    }

    /* rule 4 and 6: what should move, what is placed */
    double serving = ag[ie].serving;
    double dyn_mw = fmax(0, ag[ie].mw - ag[ie].idle_mw);
    double wanted = frac * serving;
    double placed = headroom > 0 ? fmin(wanted, headroom) : 0;
    double fill = headroom > 0 ? placed / headroom : 0;
    double moved_frac = serving > 0 ? placed / serving : 0;
    sh->shifted_mw = dyn_mw * moved_frac;

    /* rule 7: weights and MW after */
    double bE = sh->sites[ie].baseline;
    double sum_w = 0;
    for (size_t i = 0; i < ns; i++) {
        gs_shift_site *x = &sh->sites[i];
        double w = x->baseline;
        x->mw_after = x->mw_before;
        if (i == ie) {
            w = bE * (1.0 - moved_frac);
            x->moved_gpus = -placed;
            x->mw_after = fmax(0, x->mw_before - sh->shifted_mw);
        } else if (x->eligible) {
            double g = ag[i].free * fill;
            x->moved_gpus = g;
            w += serving > 0 ? bE * g / serving : 0;
            x->mw_after = x->mw_before + g * ag[i].dyn_mw_per_free;
            if (placed > 0)
                setf(x->why, sizeof x->why,
                     "takes %.0f GPUs of traffic (%.0f free), RTT %.1f ms (%s)", g, ag[i].free,
                     x->rtt_ms, gs_rtt_source_name(x->rtt_source));
            else
                setf(x->why, sizeof x->why, "could take %.0f GPUs of traffic, RTT %.1f ms (%s)",
                     ag[i].free, x->rtt_ms, gs_rtt_source_name(x->rtt_source));
        }
        x->weight = isfinite(w) && w > 0 ? w : 0;
        sum_w += x->weight;
    }
    if (sum_w > 0 && isfinite(sum_w)) {
        for (size_t i = 0; i < ns; i++)
            sh->sites[i].weight /= sum_w;
    } else {
        for (size_t i = 0; i < ns; i++)
            sh->sites[i].weight = 1.0 / (double)ns;
    }
    setf(sh->sites[ie].why, sizeof sh->sites[ie].why,
         "event site: %.0f of %.0f serving GPUs' traffic moves off", placed, serving);

    /* the note */
    double stays_mw = fmax(0, fmin(asked_mw, dyn_mw) - sh->shifted_mw);
    char *nt = sh->note;
    size_t nl = sizeof sh->note;
    if (cut_mw <= 0) {
        setf(nt, nl, "nothing asked of %s: baseline weights", es->id);
    } else if (serving <= 0 || dyn_mw <= 0) {
        setf(nt, nl, "%s has no %s traffic above idle to move (no running inference job): "
             "weights unchanged", es->id, sv->id);
    } else if (ns < 2) {
        setf(nt, nl, "%s runs at no other site: %.3f MW stays at %s", sv->id, stays_mw,
             es->id);
    } else if (n_within == 0) {
        setf(nt, nl, "no other site of %s is within the %.0f ms RTT limit of %s: %.3f MW "
             "stays there", sv->id, limit, es->id, stays_mw);
    } else if (n_recv == 0) {
        setf(nt, nl, "the %zu site%s of %s within %.0f ms of %s %s no free GPUs: %.3f MW "
             "stays there", n_within, n_within == 1 ? "" : "s", sv->id, limit, es->id,
             n_within == 1 ? "has" : "have", stays_mw);
    } else {
        size_t at = setf(nt, nl, "moved %.0f of %.0f serving GPUs' traffic (%.3f MW) off %s to "
                         "%zu site%s within %.0f ms", placed, serving, sh->shifted_mw, es->id,
                         n_recv, n_recv == 1 ? "" : "s", limit);
        if (placed < wanted)
            setf(nt + at, nl - at, "; no more free GPUs there: %.3f MW stays at %s",
                 stays_mw, es->id);
        else if (asked_mw > dyn_mw)
            setf(nt + at, nl - at, "; %.3f MW asked but only %.3f MW is above idle",
                 asked_mw, dyn_mw);
    }
    return 0;
}

int gs_shift_plan(const gs_fleet *f, const gs_live *live, int site, double cut_mw,
                  const gs_route_opts *ro, gs_shift **out, size_t *n, gs_error *err)
{
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    if (!f || !live || !out || !n)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                            "gs_shift_plan: expected a fleet, a live picture and outputs, "
                            "found NULL");
    if (site < 0 || (size_t)site >= f->nsites)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "site",
                            "expected a site index of the fleet (0 to %zu), found %d",
                            f->nsites ? f->nsites - 1 : 0, site);
    if (!isfinite(cut_mw) || cut_mw < 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "cut_mw",
                            "expected a cut of 0 MW or more, found %g", cut_mw);
    if (live->nsites != f->nsites || (f->nsites && !live->sites) || (live->njobs && !live->jobs))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "live",
                            "expected the live picture of this fleet (%zu sites), found one of "
                            "%zu sites", f->nsites, live->nsites);
    size_t e = (size_t)site;

    /* the services at the event site */
    size_t nserv = 0;
    for (size_t v = 0; v < f->nservices; v++)
        if (service_at(f, (int)v, e))
            nserv++;
    if (nserv == 0) {
        gs_shift *none = calloc(1, sizeof *none);
        if (!none)
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory planning a shift");
        none->service = -1;
        none->asked_mw = cut_mw;
        none->rtt_limit_ms = INFINITY;
        setf(none->note, sizeof none->note,
             "%s has no inference cluster with a service: no traffic to move",
             f->sites[e].id);
        *out = none;
        return 0;
    }

    cl_live *cl = calloc(f->nclusters ? f->nclusters : 1, sizeof *cl);
    agg *ag = calloc(f->nsites ? f->nsites : 1, sizeof *ag);
    gs_shift *sh = calloc(nserv, sizeof *sh);
    if (!cl || !ag || !sh) {
        free(cl);
        free(ag);
        free(sh);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory planning a shift");
    }
    for (size_t j = 0; j < live->njobs; j++) {
        const gs_live_job *lj = &live->jobs[j];
        gs_sched_state st = lj->job.state;
        if (st != GS_SCHED_RUNNING && st != GS_SCHED_SUSPENDED)
            continue;
        if (lj->cluster < 0 || (size_t)lj->cluster >= f->nclusters)
            continue;
        size_t c = (size_t)lj->cluster;
        double g = lj->job.gpus;
        cl[c].held += g;
        bool inf = lj->jc.classified && lj->jc.cls == GS_INFERENCE &&
                   f->clusters[c].cls == GS_INFERENCE;
        if (!inf) {
            cl[c].held_uncl += g;
            continue;
        }
        if (isfinite(lj->mw) && lj->mw > 0)
            cl[c].jobs_mw += lj->mw;
        if (st == GS_SCHED_RUNNING)
            cl[c].serving += g;
    }

    /* rule 4: one share moved off for every service at the event site */
    double *dyn = calloc(nserv, sizeof *dyn);
    if (!dyn) {
        free(cl);
        free(ag);
        free(sh);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory planning a shift");
    }
    double dyn_site = 0;
    for (size_t v = 0, i = 0; v < f->nservices; v++) {
        if (!service_at(f, (int)v, e))
            continue;
        agg a = aggregate(f, live, cl, (int)v, e);
        dyn[i] = a.serving > 0 ? fmax(0, a.mw - a.idle_mw) : 0;
        dyn_site += dyn[i];
        i++;
    }
    double frac = dyn_site > 0 ? fmin(1.0, cut_mw / dyn_site) : 0;
    int rc = 0;
    size_t done = 0;
    for (size_t v = 0; v < f->nservices && rc == 0; v++) {
        if (!service_at(f, (int)v, e))
            continue;
        double asked = dyn_site > 0 ? cut_mw * dyn[done] / dyn_site : cut_mw / (double)nserv;
        rc = plan_service(f, live, cl, (int)v, e, frac, asked, cut_mw, ro, &sh[done], ag);
        done++;
    }
    free(dyn);
    free(cl);
    free(ag);
    if (rc != 0) {
        gs_shift_free(sh, done);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory planning a shift");
    }
    *out = sh;
    *n = nserv;
    return 0;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

typedef struct jb {
    bool ok;
} jb;

static void put(jb *b, json_t *obj, const char *key, json_t *v)
{
    if (!v || !obj || json_object_set_new(obj, key, v) != 0)
        b->ok = false;
}

/* A number rounded to 6 decimals; never NaN or infinite (0 then). */
static json_t *num6(double x)
{
    double r = isfinite(x) ? round(x * 1e6) / 1e6 : 0;
    if (!isfinite(r) || r == 0)
        r = 0; /* also -0 */
    return json_real(r);
}

/* A weight (15 significant digits in the text), 0 for anything not a finite positive number. */
static json_t *weight(double w)
{
    return json_real(isfinite(w) && w > 0 ? w : 0.0);
}

char *gs_shift_json(const gs_fleet *f, const gs_shift *s, size_t n, const char *event_id,
                    double at_s, bool baseline)
{
    if (!f || (n && !s))
        return NULL;
    jb b = {true};
    json_t *root = json_object();
    char at[32];
    double t = isfinite(at_s) && at_s >= 0 && at_s <= 253402300799.0 ? floor(at_s) : 0;
    gs_format_time((int64_t)t, at);
    put(&b, root, "at", json_string(at));
    put(&b, root, "event", event_id && event_id[0] ? json_string(event_id) : json_null());
    json_t *arr = json_array();
    for (size_t i = 0; i < n && b.ok; i++) {
        const gs_shift *x = &s[i];
        if (x->service < 0 || (size_t)x->service >= f->nservices)
            continue;
        json_t *o = json_object();
        put(&b, o, "service", json_string(f->services[x->service].id));
        json_t *w = json_object();
        for (size_t k = 0; k < x->nsites && x->sites; k++) {
            const gs_shift_site *ss = &x->sites[k];
            if (ss->site < 0 || (size_t)ss->site >= f->nsites)
                continue;
            put(&b, w, f->sites[ss->site].id, weight(baseline ? ss->baseline : ss->weight));
        }
        put(&b, o, "weights", w);
        put(&b, o, "shifted_mw", num6(baseline ? 0 : x->shifted_mw));
        put(&b, o, "note", json_string(baseline ? "baseline" : x->note));
        if (!arr || json_array_append_new(arr, o) != 0)
            b.ok = false;
    }
    put(&b, root, "services", arr);
    char *text = b.ok
        ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))
        : NULL;
    json_decref(root);
    return text;
}
