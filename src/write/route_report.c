/* route_report.c: report.html of `gridsplit route` (include/gridsplit/write/route.h, docs/route.md
 * "The report"). Two parts:
 * - a step hook (gs_route_report_step) that forwards each routed step to the flows/summary
 *   recorder and keeps what summary.json lacks: each site's mean and peak inference MW and
 *   served rate, each site's inference MW over time (a bounded series: bucket means, an hour
 *   or more, at most SERIES_POINTS buckets, merged in pairs when the period is longer), and
 *   per event the flows per (region, site) over its window and each site's MW over the window,
 *   with the cap and without it (its own uncapped router, stepped only inside event windows;
 *   outside them the two are the same);
 * - the writer: summary.json + those figures -> one compact JSON block (flows aggregated per
 *   (region, site) over the period and per event window, indices instead of repeated ids),
 *   inlined with web/route.html, route.css, map.js, route.js, topojson-client and the
 *   world-atlas land outlines into one self-contained file. Written under a temporary name and
 *   renamed; deterministic (no clock). */
#include "gridsplit/route.h"
#include "gridsplit/write/route.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "embed/assets.h"
#include "write/html.h"
#include "write/outfile.h"

/* A series of one value per step as bucket means: buckets of width seconds from t0, at most cap
 * of them; a step past the last bucket merges the buckets in pairs and doubles the width, so a
 * series of any length holds at most cap buckets (a year at 5 min: 1,500 buckets of 6 h). */
typedef struct series {
    int64_t t0, width;
    size_t n, cap;
    double *sum;
    uint32_t *cnt;
} series;

#define SERIES_POINTS 8784      /* the period's series: a leap year of hours */
#define SERIES_EVENT_POINTS 600 /* an event window's: buckets of one step or more */

static int series_init(series *x, size_t cap)
{
    memset(x, 0, sizeof *x);
    x->cap = cap;
    x->sum = calloc(cap, sizeof *x->sum);
    x->cnt = calloc(cap, sizeof *x->cnt);
    return x->sum && x->cnt ? 0 : -1;
}

static void series_free(series *x)
{
    free(x->sum);
    free(x->cnt);
}

static void series_add(series *x, int64_t t, int64_t width, double v)
{
    if (!x->width) {
        x->t0 = t;
        x->width = width > 0 ? width : 1;
    }
    if (t < x->t0 || !isfinite(v))
        return;
    size_t i = (size_t)((t - x->t0) / x->width);
    while (i >= x->cap) {
        for (size_t k = 0; k < (x->n + 1) / 2; k++) {
            x->sum[k] = x->sum[2 * k] + (2 * k + 1 < x->n ? x->sum[2 * k + 1] : 0);
            x->cnt[k] = x->cnt[2 * k] + (2 * k + 1 < x->n ? x->cnt[2 * k + 1] : 0);
        }
        size_t m = (x->n + 1) / 2;
        memset(x->sum + m, 0, (x->cap - m) * sizeof *x->sum);
        memset(x->cnt + m, 0, (x->cap - m) * sizeof *x->cnt);
        x->n = m;
        x->width *= 2;
        i = (size_t)((t - x->t0) / x->width);
    }
    x->sum[i] += v;
    x->cnt[i]++;
    if (i + 1 > x->n)
        x->n = i + 1;
}

struct gs_route_report {
    const gs_fleet *f;
    const gs_route_cap *caps;
    size_t ncaps;
    gs_route_recorder *rec;      /* forwarded to; not owned */
    gs_router *base;             /* uncapped router for event windows */
    size_t nsteps;
    unsigned char *site_has;     /* [site] runs some service */
    double *mw_sum, *mw_peak;    /* [site] inference MW at the grid connection */
    double *rps_peak;            /* [site] requests/s served, highest step */
    size_t *arc_off;             /* [service] offset of its arcs in the per-event arrays */
    size_t narcs;                /* all services' arcs */
    size_t *ev_steps;            /* [event] */
    double *ev_with, *ev_base;   /* [event x narcs] requests/s summed over the window's steps */
    series *mw_series;           /* [site] inference MW over the period */
    series *ev_mw_with, *ev_mw_base; /* [event x site] over the window, with / without the cap */
    int64_t step_s;              /* the simulation's step */
};

void gs_route_report_free(gs_route_report *rep)
{
    if (!rep)
        return;
    gs_router_free(rep->base);
    free(rep->site_has);
    free(rep->mw_sum);
    free(rep->mw_peak);
    free(rep->rps_peak);
    free(rep->arc_off);
    free(rep->ev_steps);
    free(rep->ev_with);
    free(rep->ev_base);
    size_t ns = rep->f ? rep->f->nsites : 0;
    for (size_t s = 0; rep->mw_series && s < ns; s++)
        series_free(&rep->mw_series[s]);
    for (size_t k = 0; rep->ev_mw_with && k < rep->ncaps * ns; k++) {
        series_free(&rep->ev_mw_with[k]);
        series_free(&rep->ev_mw_base[k]);
    }
    free(rep->mw_series);
    free(rep->ev_mw_with);
    free(rep->ev_mw_base);
    free(rep);
}

int gs_route_report_new(const gs_fleet *f, const gs_route_opts *o, const gs_route_cap *caps,
                        size_t ncaps, int64_t step_s, gs_route_recorder *rec,
                        gs_route_report **out, gs_error *err)
{
    *out = NULL;
    gs_route_report *rep = calloc(1, sizeof *rep);
    if (!rep)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    rep->f = f;
    rep->caps = caps;
    rep->ncaps = ncaps;
    rep->rec = rec;
    rep->step_s = step_s > 0 ? step_s : 1;
    int rc = gs_router_new(f, o, &rep->base, err);
    if (rc < 0) {
        gs_route_report_free(rep);
        return rc;
    }
    size_t ns = f->nsites ? f->nsites : 1, nv = f->nservices ? f->nservices : 1;
    rep->site_has = calloc(ns, 1);
    rep->mw_sum = calloc(ns, sizeof(double));
    rep->mw_peak = calloc(ns, sizeof(double));
    rep->rps_peak = calloc(ns, sizeof(double));
    rep->arc_off = calloc(nv, sizeof(size_t));
    rep->ev_steps = calloc(ncaps ? ncaps : 1, sizeof(size_t));
    if (!rep->site_has || !rep->mw_sum || !rep->mw_peak || !rep->rps_peak || !rep->arc_off ||
        !rep->ev_steps)
        goto nomem;
    for (size_t v = 0; v < f->nservices; v++) {
        size_t na;
        gs_router_arcs(rep->base, (int)v, &na);
        rep->arc_off[v] = rep->narcs;
        rep->narcs += na;
        for (size_t s = 0; s < f->nsites; s++)
            if (gs_router_group_of(rep->base, (int)v, (int)s) >= 0)
                rep->site_has[s] = 1;
    }
    if (ncaps) {
        size_t n = ncaps * (rep->narcs ? rep->narcs : 1);
        rep->ev_with = calloc(n, sizeof(double));
        rep->ev_base = calloc(n, sizeof(double));
        if (!rep->ev_with || !rep->ev_base)
            goto nomem;
    }
    rep->mw_series = calloc(ns, sizeof *rep->mw_series);
    rep->ev_mw_with = calloc(ncaps * ns + 1, sizeof *rep->ev_mw_with);
    rep->ev_mw_base = calloc(ncaps * ns + 1, sizeof *rep->ev_mw_base);
    if (!rep->mw_series || !rep->ev_mw_with || !rep->ev_mw_base)
        goto nomem;
    for (size_t s = 0; s < f->nsites; s++) {
        if (!rep->site_has[s])
            continue;
        if (series_init(&rep->mw_series[s], SERIES_POINTS) < 0)
            goto nomem;
        for (size_t e = 0; e < ncaps; e++)
            if (series_init(&rep->ev_mw_with[e * f->nsites + s], SERIES_EVENT_POINTS) < 0 ||
                series_init(&rep->ev_mw_base[e * f->nsites + s], SERIES_EVENT_POINTS) < 0)
                goto nomem;
    }
    *out = rep;
    return GS_OK;
nomem:
    gs_route_report_free(rep);
    return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

void gs_route_report_step(void *ctx, const gs_router *r, int64_t t,
                          const double *const *demand, const double *cap_mw,
                          const double *pue)
{
    gs_route_report *rep = ctx;
    const gs_fleet *f = rep->f;
    if (rep->rec)
        gs_route_recorder_step(rep->rec, r, t, demand, cap_mw, pue);
    rep->nsteps++;
    /* the series' buckets: an hour, or the step when longer */
    int64_t hour = rep->step_s > 3600 ? rep->step_s : 3600;
    const gs_route_group *gr = gs_router_groups(r);
    const double *grps = gs_router_group_rps(r);
    size_t ng = gs_router_group_count(r);
    for (size_t s = 0; s < f->nsites; s++) {
        if (!rep->site_has[s])
            continue;
        double mw = gs_router_site_mw(r, (int)s, pue ? pue[s] : f->sites[s].pue), rps = 0;
        for (size_t k = 0; k < ng; k++)
            if (gr[k].site == (int)s)
                rps += grps[k];
        rep->mw_sum[s] += mw;
        series_add(&rep->mw_series[s], t, hour, mw);
        if (mw > rep->mw_peak[s])
            rep->mw_peak[s] = mw;
        if (rps > rep->rps_peak[s])
            rep->rps_peak[s] = rps;
    }
    int active = 0;
    for (size_t e = 0; e < rep->ncaps; e++)
        active |= t >= rep->caps[e].from_s && t < rep->caps[e].to_s;
    if (!active)
        return;
    gs_router_step(rep->base, t, demand, NULL, pue);
    for (size_t e = 0; e < rep->ncaps; e++) {
        if (!(t >= rep->caps[e].from_s && t < rep->caps[e].to_s))
            continue;
        rep->ev_steps[e]++;
        for (size_t s = 0; s < f->nsites; s++) {
            if (!rep->site_has[s])
                continue;
            double p = pue ? pue[s] : f->sites[s].pue;
            series_add(&rep->ev_mw_with[e * f->nsites + s], t, rep->step_s,
                       gs_router_site_mw(r, (int)s, p));
            series_add(&rep->ev_mw_base[e * f->nsites + s], t, rep->step_s,
                       gs_router_site_mw(rep->base, (int)s, p));
        }
        double *w = rep->ev_with + e * rep->narcs, *b = rep->ev_base + e * rep->narcs;
        for (size_t v = 0; v < f->nservices; v++) {
            size_t na, nb;
            gs_router_arcs(r, (int)v, &na);
            gs_router_arcs(rep->base, (int)v, &nb);
            if (na != nb)
                continue; /* not the same router options: nothing comparable */
            const double *fw = gs_router_flow(r, (int)v), *fb = gs_router_flow(rep->base, (int)v);
            size_t off = rep->arc_off[v];
            for (size_t a = 0; a < na; a++) {
                w[off + a] += fw[a];
                b[off + a] += fb[a];
            }
        }
    }
}

/* ---- the data block ------------------------------------------------------------------------ */

static double jd(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *js(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static json_t *num(double v)
{
    if (!isfinite(v))
        return json_null();
    return json_real(v == 0 ? 0 : v); /* no "-0" */
}

static int site_index(const gs_fleet *f, const char *id)
{
    return id && *id ? gs_fleet_find_site(f, id) : -1;
}

static json_t *idx_or_null(int i)
{
    return i >= 0 ? json_integer(i) : json_null();
}

/* {"t0": UTC seconds of the first bucket, "width_s", "mw": [bucket mean or null]}, MW rounded
 * to 4 decimals (0.1 kW); null for a series that saw no step. */
static json_t *series_json(const series *x)
{
    if (!x->sum || !x->n)
        return json_null();
    json_t *o = json_object(), *v = json_array();
    json_object_set_new(o, "t0", json_integer((json_int_t)x->t0));
    json_object_set_new(o, "width_s", json_integer((json_int_t)x->width));
    for (size_t i = 0; i < x->n; i++)
        json_array_append_new(v, x->cnt[i] ? num(round(x->sum[i] / x->cnt[i] * 1e4) / 1e4)
                                           : json_null());
    json_object_set_new(o, "mw", v);
    return o;
}

/* The page's data from the summary and the report's own figures; NULL when out of memory. */
static json_t *build_data(const gs_route_report *rep, json_t *sum)
{
    const gs_fleet *f = rep->f;
    json_t *root = json_object();
    if (!root)
        return NULL;
    double step_s = jd(sum, "step_s");
    double period_s = step_s * (double)rep->nsteps;
    json_object_set_new(root, "fleet", json_string(f->name));
#ifdef GS_VERSION
    json_object_set_new(root, "gridsplit", json_string(GS_VERSION));
#endif
    json_object_set_new(root, "from", json_string(js(sum, "from")));
    json_object_set_new(root, "to", json_string(js(sum, "to")));
    json_object_set_new(root, "step_s", num(step_s));
    json_object_set_new(root, "steps", json_integer((json_int_t)rep->nsteps));
    json_t *op = json_object_get(sum, "options");
    json_t *opts = json_object();
    json_object_set_new(opts, "server_ms", num(jd(op, "server_ms")));
    json_object_set_new(opts, "latency_penalty_usd_per_mreq_ms",
                        num(jd(op, "latency_penalty_usd_per_mreq_ms")));
    json_object_set_new(opts, "default_price_usd_per_mwh", num(jd(op, "default_price_usd_per_mwh")));
    /* where the round trips come from, and what data transfer costs */
    const char *keys[] = {"rtt_matrix", "cables", "transfer_prices"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        const char *v = json_string_value(json_object_get(op, keys[k]));
        json_object_set_new(opts, keys[k], v ? json_string(v) : json_null());
    }
    json_object_set_new(opts, "tokens_in", num(jd(op, "tokens_in")));
    json_object_set_new(opts, "tokens_out", num(jd(op, "tokens_out")));
    json_object_set_new(opts, "bytes_per_token", num(jd(op, "bytes_per_token")));
    json_object_set_new(root, "options", opts);
    json_t *warns = json_object_get(sum, "warnings");
    json_object_set_new(root, "warnings", warns ? json_deep_copy(warns) : json_array());

    /* sites, in fleet order (the summary's order) */
    json_t *sites = json_array();
    json_t *ssum = json_object_get(sum, "sites");
    for (size_t s = 0; s < f->nsites; s++) {
        const gs_site *st = &f->sites[s];
        json_t *so = NULL;
        for (size_t i = 0; i < json_array_size(ssum); i++)
            if (strcmp(js(json_array_get(ssum, i), "id"), st->id) == 0)
                so = json_array_get(ssum, i);
        double cap = jd(so, "capacity_requests_per_s"), served = jd(so, "served_requests");
        double mean_rps = period_s > 0 ? served / period_s : NAN;
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(st->id));
        json_object_set_new(o, "name", json_string(st->name[0] ? st->name : st->id));
        json_object_set_new(o, "lat", num(st->lat));
        json_object_set_new(o, "lon", num(st->lon));
        json_t *svs = json_object_get(so, "services");
        json_object_set_new(o, "services", svs ? json_deep_copy(svs) : json_array());
        json_object_set_new(o, "inference", json_boolean(rep->site_has[s]));
        json_object_set_new(o, "capacity_rps", num(cap));
        json_object_set_new(o, "served_requests", num(served));
        json_object_set_new(o, "served_rps_mean", num(mean_rps));
        json_object_set_new(o, "served_rps_peak", num(rep->site_has[s] ? rep->rps_peak[s] : NAN));
        json_object_set_new(o, "load_mean", num(cap > 0 ? mean_rps / cap : NAN));
        json_object_set_new(o, "load_peak", num(cap > 0 ? rep->rps_peak[s] / cap : NAN));
        json_object_set_new(o, "mw_mean", num(rep->site_has[s] && rep->nsteps
                                                  ? rep->mw_sum[s] / (double)rep->nsteps
                                                  : NAN));
        json_object_set_new(o, "mw_peak", num(rep->site_has[s] ? rep->mw_peak[s] : NAN));
        /* the daily shape of its routed draw, when the command added it to the summary */
        json_t *shape = json_object_get(so, "inference_shape");
        json_object_set_new(o, "peak_hour_local", num(jd(shape, "peak_hour_local")));
        json_object_set_new(o, "peak_to_trough", num(jd(shape, "peak_to_trough")));
        json_object_set_new(o, "unserved_requests", num(jd(so, "unserved_requests")));
        json_object_set_new(o, "rtt_mean_ms", num(jd(so, "rtt_mean_ms")));
        json_object_set_new(o, "rtt_p95_ms", num(jd(so, "rtt_p95_ms")));
        json_object_set_new(o, "mw_series", rep->site_has[s] ? series_json(&rep->mw_series[s])
                                                             : json_null());
        json_array_append_new(sites, o);
    }
    json_object_set_new(root, "sites", sites);

    /* services, their regions (flattened, in fleet order) and the flows over the period */
    json_t *services = json_array(), *regions = json_array(), *flows = json_array();
    json_t *vsum = json_object_get(sum, "services");
    size_t roff = 0;
    for (size_t v = 0; v < f->nservices; v++) {
        const gs_service *sv = &f->services[v];
        json_t *vo = json_array_get(vsum, v);
        json_t *rs = json_object_get(vo, "regions");
        double demand = 0;
        for (size_t g = 0; g < json_array_size(rs); g++)
            demand += jd(json_array_get(rs, g), "demand_requests");
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(sv->id));
        json_object_set_new(o, "latency_budget_ms", num(sv->latency_budget_ms));
        json_object_set_new(o, "rtt_limit_ms", num(jd(vo, "rtt_limit_ms")));
        json_object_set_new(o, "demand_requests", num(demand));
        json_object_set_new(o, "served_requests", num(jd(vo, "served_requests")));
        json_object_set_new(o, "unserved_requests", num(jd(vo, "unserved_requests")));
        json_object_set_new(o, "transfer_cost_usd", num(jd(vo, "transfer_cost_usd")));
        json_t *bs = json_object_get(vo, "served_requests_by_rtt_source");
        json_object_set_new(o, "served_by_rtt_source", bs ? json_deep_copy(bs) : json_object());
        json_object_set_new(o, "first_region", json_integer((json_int_t)roff));
        json_object_set_new(o, "regions", json_integer((json_int_t)sv->nregions));
        json_array_append_new(services, o);
        for (size_t g = 0; g < sv->nregions; g++) {
            const gs_region *re = &sv->regions[g];
            json_t *ro = NULL;
            for (size_t i = 0; i < json_array_size(rs); i++)
                if (strcmp(js(json_array_get(rs, i), "id"), re->id) == 0)
                    ro = json_array_get(rs, i);
            double d = jd(ro, "demand_requests");
            json_t *x = json_object();
            json_object_set_new(x, "service", json_integer((json_int_t)v));
            json_object_set_new(x, "id", json_string(re->id));
            json_object_set_new(x, "lat", num(re->lat));
            json_object_set_new(x, "lon", num(re->lon));
            json_object_set_new(x, "pinned", idx_or_null(re->site));
            json_object_set_new(x, "home", idx_or_null(site_index(f, js(ro, "home_site"))));
            json_object_set_new(x, "share", num(demand > 0 ? d / demand : NAN));
            json_object_set_new(x, "demand_requests", num(d));
            json_object_set_new(x, "served_requests", num(jd(ro, "served_requests")));
            json_object_set_new(x, "unserved_requests", num(jd(ro, "unserved_requests")));
            json_object_set_new(x, "rtt_mean_ms", num(jd(ro, "rtt_mean_ms")));
            json_object_set_new(x, "rtt_p95_ms", num(jd(ro, "rtt_p95_ms")));
            json_array_append_new(regions, x);
            json_t *to = json_object_get(ro, "sites");
            for (size_t i = 0; i < json_array_size(to); i++) {
                json_t *t = json_array_get(to, i);
                int s = site_index(f, js(t, "site"));
                double req = jd(t, "requests");
                if (s < 0 || !(req > 0) || !(period_s > 0))
                    continue;
                /* [region, site, mean requests/s over the period, RTT ms, RTT source] */
                json_t *fl = json_array();
                const char *src = json_string_value(json_object_get(t, "rtt_source"));
                json_array_append_new(fl, json_integer((json_int_t)(roff + g)));
                json_array_append_new(fl, json_integer(s));
                json_array_append_new(fl, num(req / period_s));
                json_array_append_new(fl, num(jd(t, "rtt_ms")));
                json_array_append_new(fl, json_string(src ? src : "plain"));
                json_array_append_new(flows, fl);
            }
        }
        roff += sv->nregions;
    }
    json_object_set_new(root, "services", services);
    json_object_set_new(root, "regions", regions);
    json_object_set_new(root, "flows", flows);

    /* events: the summary's figures + the flows each one moved, per (region, site) */
    json_t *events = json_array(), *esum = json_object_get(sum, "events");
    for (size_t e = 0; e < rep->ncaps && e < json_array_size(esum); e++) {
        json_t *eo = json_array_get(esum, e);
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(rep->caps[e].id));
        json_object_set_new(o, "site", json_integer(rep->caps[e].site));
        json_object_set_new(o, "from", json_string(js(eo, "from")));
        json_object_set_new(o, "to", json_string(js(eo, "to")));
        json_object_set_new(o, "cap_mw", num(rep->caps[e].mw));
        json_object_set_new(o, "steps", json_integer((json_int_t)rep->ev_steps[e]));
        json_object_set_new(o, "site_mw_without_cap", num(jd(eo, "site_mw_without_cap")));
        json_object_set_new(o, "site_mw_with_cap", num(jd(eo, "site_mw_with_cap")));
        json_object_set_new(o, "mw_moved", num(jd(eo, "mw_moved")));
        json_t *mt = json_array(), *mts = json_object_get(eo, "moved_to");
        for (size_t i = 0; i < json_array_size(mts); i++) {
            json_t *t = json_array_get(mts, i);
            json_t *p = json_array();
            json_array_append_new(p, idx_or_null(site_index(f, js(t, "site"))));
            json_array_append_new(p, num(jd(t, "mw")));
            json_array_append_new(mt, p);
        }
        json_object_set_new(o, "moved_to", mt);
        json_object_set_new(o, "requests_moved", num(jd(eo, "requests_moved")));
        json_object_set_new(o, "rtt_added_mean_ms", num(jd(eo, "rtt_added_mean_ms")));
        json_object_set_new(o, "rtt_added_p95_ms", num(jd(eo, "rtt_added_p95_ms")));
        json_object_set_new(o, "unserved_requests", num(jd(eo, "unserved_requests")));
        /* gained: [region, site, mean requests/s added over the window, RTT ms];
         * shed: the same for flows the cap reduced */
        json_t *gained = json_array(), *shed = json_array();
        double n = (double)rep->ev_steps[e];
        roff = 0;
        for (size_t v = 0; n > 0 && v < f->nservices; v++) {
            size_t na;
            const gs_route_arc *arcs = gs_router_arcs(rep->base, (int)v, &na);
            const double *w = rep->ev_with + e * rep->narcs + rep->arc_off[v];
            const double *b = rep->ev_base + e * rep->narcs + rep->arc_off[v];
            for (size_t a = 0; a < na; a++) {
                double d = (w[a] - b[a]) / n;
                if (fabs(d) < 1e-3)
                    continue;
                json_t *p = json_array();
                json_array_append_new(p, json_integer((json_int_t)(roff + (size_t)arcs[a].region)));
                json_array_append_new(p, json_integer(arcs[a].site));
                json_array_append_new(p, num(fabs(d)));
                json_array_append_new(p, num(arcs[a].rtt_ms));
                json_array_append_new(d > 0 ? gained : shed, p);
            }
            roff += f->services[v].nregions;
        }
        json_object_set_new(o, "gained", gained);
        json_object_set_new(o, "shed", shed);
        /* each inference site's MW over the window: [site, with the cap, without it] */
        json_t *ser = json_array();
        for (size_t st = 0; st < f->nsites; st++) {
            if (!rep->site_has[st])
                continue;
            json_t *p = json_array();
            json_array_append_new(p, json_integer((json_int_t)st));
            json_array_append_new(p, series_json(&rep->ev_mw_with[e * f->nsites + st]));
            json_array_append_new(p, series_json(&rep->ev_mw_base[e * f->nsites + st]));
            json_array_append_new(ser, p);
        }
        json_object_set_new(o, "mw_series", ser);
        json_array_append_new(events, o);
    }
    json_object_set_new(root, "events", events);
    return root;
}

/* ---- the HTML file ------------------------------------------------------------------------- */

struct route_fill {
    const gs_route_report *rep;
    const char *text;
};

static int fill(FILE *f, void *ctx, const char *key, size_t kl, gs_error *err)
{
    const struct route_fill *x = ctx;
#define IS(k) (kl == sizeof(k) - 1 && memcmp(key, k, kl) == 0)
    if (IS("TITLE")) {
        gs__html_text(f, x->rep->f->name);
    } else if (IS("VERSION")) {
#ifdef GS_VERSION
        gs__html_text(f, GS_VERSION);
#endif
    } else if (IS("CSS")) {
        return gs__html_asset(f, "route.css", err);
    } else if (IS("MAP_JS")) {
        return gs__html_asset(f, "map.js", err);
    } else if (IS("JS")) {
        return gs__html_asset(f, "route.js", err);
    } else if (IS("TOPOJSON_JS")) {
        return gs__html_asset(f, "topojson-client.min.js", err);
    } else if (IS("LAND")) {
        return gs__html_asset_json(f, "land-110m.json", err);
    } else if (IS("DATA")) {
        gs__html_script_json(f, x->text);
    } else {
        return 1;
    }
#undef IS
    return GS_OK;
}

int gs_route_report_write(const gs_route_report *rep, const char *summary_json,
                          const char *report_html, gs_error *err)
{
    json_error_t je;
    json_t *sum = json_load_file(summary_json, 0, &je);
    if (!sum)
        return gs_error_set(err, GS_EIO, summary_json, je.line, je.column, NULL,
                            "cannot read the routing summary: %s", je.text);
    json_t *data = build_data(rep, sum);
    json_decref(sum);
    char *text = data ? json_dumps(data, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(7))
                      : NULL;
    json_decref(data);
    if (!text)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    gs__outfile of;
    int rc = gs__outfile_open(&of, report_html, err);
    if (rc) {
        free(text);
        return rc;
    }
    rc = gs__html_template(of.f, "route.html", fill, &(struct route_fill){rep, text}, err);
    free(text);
    if (rc) {
        gs__outfile_abort(&of);
        return rc;
    }
    return gs__outfile_commit(&of, err);
}
