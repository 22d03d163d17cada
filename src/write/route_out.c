/* route_out.c: route outputs (include/gridsplit/write/route.h): the recorder that follows a
 * routed simulation step by step to write flows.csv and summary.json (per site, per region,
 * per event: MW moved and where to, the latency added, unserved requests). The recorder routes each event window a second time
 * without caps (a baseline router) to measure what each event moved. */
#include "gridsplit/write/route.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/time.h"
#include "write/outfile.h"

/* ---- the recorder ------------------------------------------------------------------------- */

typedef struct sample {
    double v, w;
} sample;

typedef struct ev_acc {
    size_t steps;
    double base_mw, with_mw;   /* sums over active steps at the capped site */
    double *site_gain_mw;      /* [site] sum of (with - base) MW */
    double moved_req, unserved_req, added_ms_w;
    sample *s;
    size_t ns, cap;
} ev_acc;

struct gs_route_recorder {
    const gs_fleet *f;
    gs_route_opts o;
    const gs_route_cap *caps;
    size_t ncaps;
    int64_t step_s;
    gs__outfile csv;
    int csv_open;
    gs_router *base;           /* routes without caps during event windows */
    double **arc_req;          /* [service][arc] requests */
    double **dem_req, **un_req;/* [service][region] */
    ev_acc *ev;
    double *site_has;          /* [site] 1 when it serves something */
    int failed;
};

void gs_route_recorder_free(gs_route_recorder *rec)
{
    if (!rec)
        return;
    if (rec->csv_open)
        gs__outfile_abort(&rec->csv);
    gs_router_free(rec->base);
    for (size_t v = 0; v < rec->f->nservices; v++) {
        if (rec->arc_req)
            free(rec->arc_req[v]);
        if (rec->dem_req)
            free(rec->dem_req[v]);
        if (rec->un_req)
            free(rec->un_req[v]);
    }
    free(rec->arc_req);
    free(rec->dem_req);
    free(rec->un_req);
    if (rec->ev)
        for (size_t e = 0; e < rec->ncaps; e++) {
            free(rec->ev[e].site_gain_mw);
            free(rec->ev[e].s);
        }
    free(rec->ev);
    free(rec->site_has);
    free(rec);
}

int gs_route_recorder_new(const gs_fleet *f, const gs_route_opts *o, const gs_route_cap *caps,
                          size_t ncaps, int64_t step_s, const char *flows_csv,
                          gs_route_recorder **out, gs_error *err)
{
    *out = NULL;
    gs_route_recorder *rec = calloc(1, sizeof *rec);
    if (!rec)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    rec->f = f;
    rec->o = o ? *o : gs_route_opts_default();
    rec->caps = caps;
    rec->ncaps = ncaps;
    rec->step_s = step_s;
    int rc = gs_router_new(f, &rec->o, &rec->base, err);
    if (rc < 0) {
        gs_route_recorder_free(rec);
        return rc;
    }
    size_t nv = f->nservices ? f->nservices : 1, ns = f->nsites ? f->nsites : 1;
    rec->arc_req = calloc(nv, sizeof *rec->arc_req);
    rec->dem_req = calloc(nv, sizeof *rec->dem_req);
    rec->un_req = calloc(nv, sizeof *rec->un_req);
    rec->ev = calloc(ncaps ? ncaps : 1, sizeof *rec->ev);
    rec->site_has = calloc(ns, sizeof *rec->site_has);
    if (!rec->arc_req || !rec->dem_req || !rec->un_req || !rec->ev || !rec->site_has)
        goto nomem;
    for (size_t v = 0; v < f->nservices; v++) {
        size_t na;
        gs_router_arcs(rec->base, (int)v, &na);
        size_t nr = f->services[v].nregions ? f->services[v].nregions : 1;
        rec->arc_req[v] = calloc(na ? na : 1, sizeof **rec->arc_req);
        rec->dem_req[v] = calloc(nr, sizeof **rec->dem_req);
        rec->un_req[v] = calloc(nr, sizeof **rec->un_req);
        if (!rec->arc_req[v] || !rec->dem_req[v] || !rec->un_req[v])
            goto nomem;
    }
    for (size_t e = 0; e < ncaps; e++) {
        rec->ev[e].site_gain_mw = calloc(ns, sizeof *rec->ev[e].site_gain_mw);
        if (!rec->ev[e].site_gain_mw)
            goto nomem;
    }
    const gs_route_group *g = gs_router_groups(rec->base);
    for (size_t k = 0; k < gs_router_group_count(rec->base); k++)
        rec->site_has[g[k].site] = 1;
    if (flows_csv) {
        if ((rc = gs__outfile_open(&rec->csv, flows_csv, err)) < 0) {
            gs_route_recorder_free(rec);
            return rc;
        }
        rec->csv_open = 1;
        fputs("timestamp,service,region,site,requests_per_s,rtt_ms,rtt_source\n", rec->csv.f);
    }
    *out = rec;
    return GS_OK;
nomem:
    gs_route_recorder_free(rec);
    return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

static void push_sample(ev_acc *a, double v, double w)
{
    if (a->ns == a->cap) {
        size_t nc = a->cap ? 2 * a->cap : 256;
        sample *p = realloc(a->s, nc * sizeof *p);
        if (!p)
            return; /* the p95 then covers fewer samples; the mean is kept separately */
        a->s = p;
        a->cap = nc;
    }
    a->s[a->ns++] = (sample){v, w};
}

void gs_route_recorder_step(void *ctx, const gs_router *r, int64_t t,
                            const double *const *demand, const double *cap_mw,
                            const double *pue)
{
    gs_route_recorder *rec = ctx;
    const gs_fleet *f = rec->f;
    double dt = (double)rec->step_s;
    char ts[32];
    gs_format_time(t - rec->step_s / 2, ts);
    for (size_t v = 0; v < f->nservices; v++) {
        size_t na;
        const gs_route_arc *arcs = gs_router_arcs(r, (int)v, &na);
        const double *fl = gs_router_flow(r, (int)v), *un = gs_router_unserved(r, (int)v);
        const gs_service *sv = &f->services[v];
        for (size_t a = 0; a < na; a++) {
            if (fl[a] <= 0)
                continue;
            rec->arc_req[v][a] += fl[a] * dt;
            if (rec->csv_open)
                fprintf(rec->csv.f, "%s,%s,%s,%s,%.3f,%.1f,%s\n", ts, sv->id,
                        sv->regions[arcs[a].region].id, f->sites[arcs[a].site].id, fl[a],
                        arcs[a].rtt_ms, gs_rtt_source_name(arcs[a].rtt_source));
        }
        for (size_t g = 0; g < sv->nregions; g++) {
            rec->dem_req[v][g] += demand[v][g] * dt;
            rec->un_req[v][g] += un[g] * dt;
        }
    }
    /* events active now: compare with the same step routed without caps */
    int active = 0;
    for (size_t e = 0; e < rec->ncaps; e++)
        if (t >= rec->caps[e].from_s && t < rec->caps[e].to_s)
            active = 1;
    if (!active)
        return;
    gs_router_step(rec->base, t, demand, NULL, pue);
    for (size_t e = 0; e < rec->ncaps; e++) {
        const gs_route_cap *c = &rec->caps[e];
        if (!(t >= c->from_s && t < c->to_s))
            continue;
        ev_acc *a = &rec->ev[e];
        a->steps++;
        double p = pue ? pue[c->site] : f->sites[c->site].pue;
        a->base_mw += gs_router_site_mw(rec->base, c->site, p);
        a->with_mw += gs_router_site_mw(r, c->site, p);
        for (size_t s = 0; s < f->nsites; s++) {
            if (!rec->site_has[s] || (int)s == c->site)
                continue;
            double ps = pue ? pue[s] : f->sites[s].pue;
            a->site_gain_mw[s] +=
                gs_router_site_mw(r, (int)s, ps) - gs_router_site_mw(rec->base, (int)s, ps);
        }
        for (size_t v = 0; v < f->nservices; v++) {
            size_t na;
            const gs_route_arc *arcs = gs_router_arcs(r, (int)v, &na);
            const double *fw = gs_router_flow(r, (int)v), *fb = gs_router_flow(rec->base, (int)v);
            const double *uw = gs_router_unserved(r, (int)v);
            const double *ub = gs_router_unserved(rec->base, (int)v);
            size_t a0 = 0;
            for (size_t g = 0; g < f->services[v].nregions; g++) {
                double in = 0, out = 0, in_ms = 0, out_ms = 0;
                size_t a1 = a0;
                while (a1 < na && arcs[a1].region == (int)g)
                    a1++;
                for (size_t q = a0; q < a1; q++) {
                    double d = fw[q] - fb[q];
                    if (d > 0) {
                        in += d;
                        in_ms += d * arcs[q].rtt_ms;
                    } else if (d < 0) {
                        out -= d;
                        out_ms -= d * arcs[q].rtt_ms;
                    }
                }
                a0 = a1;
                a->unserved_req += (uw[g] - ub[g]) * dt;
                if (in > 1e-9 && out > 1e-9) {
                    double added = in_ms / in - out_ms / out;
                    a->moved_req += in * dt;
                    a->added_ms_w += added * in * dt;
                    push_sample(a, added, in * dt);
                }
            }
        }
    }
}

static int cmp_sample(const void *x, const void *y)
{
    const sample *a = x, *b = y;
    return (a->v > b->v) - (a->v < b->v);
}

/* weighted quantile q of n samples (sorted here); NaN when empty */
static double wquantile(sample *s, size_t n, double q)
{
    double tot = 0;
    for (size_t i = 0; i < n; i++)
        tot += s[i].w;
    if (n == 0 || !(tot > 0))
        return NAN;
    qsort(s, n, sizeof *s, cmp_sample);
    double acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc += s[i].w;
        if (acc >= q * tot)
            return s[i].v;
    }
    return s[n - 1].v;
}

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

int gs_route_recorder_finish(gs_route_recorder *rec, const char *summary_json, int64_t from_s,
                             int64_t to_s, gs_error *err)
{
    const gs_fleet *f = rec->f;
    int rc = GS_OK;
    if (rec->csv_open) {
        rec->csv_open = 0;
        if ((rc = gs__outfile_commit(&rec->csv, err)) < 0)
            return rc;
    }
    if (!summary_json)
        return GS_OK;
    size_t maxn = 1;
    for (size_t v = 0; v < f->nservices; v++) {
        size_t na;
        gs_router_arcs(rec->base, (int)v, &na);
        if (na > maxn)
            maxn = na;
    }
    sample *tmp = malloc(maxn * sizeof *tmp);
    if (!tmp)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    char a[32], b[32];
    gs_format_time(from_s, a);
    gs_format_time(to_s, b);
    json_t *root = json_object();
    json_object_set_new(root, "fleet", json_string(f->name));
    json_object_set_new(root, "from", json_string(a));
    json_object_set_new(root, "to", json_string(b));
    json_object_set_new(root, "step_s", json_integer(rec->step_s));
    json_t *op = json_object();
    json_object_set_new(op, "server_ms", json_real(rec->o.server_ms));
    json_object_set_new(op, "latency_penalty_usd_per_mreq_ms", json_real(rec->o.usd_per_mreq_ms));
    json_object_set_new(op, "default_price_usd_per_mwh",
                        json_real(rec->o.default_price_usd_per_mwh));
    json_object_set_new(op, "route_factor", json_real(rec->o.route_factor));
    json_object_set_new(op, "overhead_ms", json_real(rec->o.overhead_ms));
    json_object_set_new(op, "rtt_matrix",
                        rec->o.rtt_label ? json_string(rec->o.rtt_label) : json_null());
    json_object_set_new(op, "rtt_matrix_within_km", json_real(rec->o.rtt_snap_km));
    json_object_set_new(op, "cables",
                        rec->o.cables_label ? json_string(rec->o.cables_label) : json_null());
    if (rec->o.cables) {
        json_object_set_new(op, "cable_route_factor", json_real(rec->o.cable_route_factor));
        json_object_set_new(op, "cable_factor", json_real(rec->o.cable_factor));
        json_object_set_new(op, "cable_overhead_ms", json_real(rec->o.cable_overhead_ms));
    }
    json_object_set_new(op, "tokens_in", json_real(rec->o.tokens_in));
    json_object_set_new(op, "tokens_out", json_real(rec->o.tokens_out));
    json_object_set_new(op, "bytes_per_token", json_real(rec->o.bytes_per_token));
    json_object_set_new(op, "transfer_prices",
                        json_string(rec->o.netcost_label ? rec->o.netcost_label
                                                         : "built-in, per continent"));
    json_object_set_new(root, "options", op);

    /* what could not be done as asked: caps outside the period, pins beyond the limit */
    json_t *warns = json_array();
    char wbuf[512];
    for (size_t e = 0; e < rec->ncaps; e++)
        if (rec->caps[e].to_s <= from_s || rec->caps[e].from_s >= to_s) {
            snprintf(wbuf, sizeof wbuf, "event '%s' is outside the period %s .. %s: it caps nothing",
                     rec->caps[e].id, a, b);
            json_array_append_new(warns, json_string(wbuf));
        }
    for (size_t v = 0; v < f->nservices; v++)
        for (size_t g = 0; g < f->services[v].nregions; g++) {
            double rtt;
            gs_rtt_source src;
            if (gs_router_pin_beyond(rec->base, (int)v, (int)g, &rtt, &src)) {
                snprintf(wbuf, sizeof wbuf,
                         "region '%s' of service '%s' is pinned to site '%s' at %.1f ms (%s), "
                         "beyond the %.1f ms RTT limit: its requests are unserved",
                         f->services[v].regions[g].id, f->services[v].id,
                         f->sites[f->services[v].regions[g].site].id, rtt,
                         gs_rtt_source_name(src), gs_router_rtt_limit_ms(rec->base, (int)v));
                json_array_append_new(warns, json_string(wbuf));
            }
        }
    json_object_set_new(root, "warnings", warns);

    /* per site: served, unserved (of regions whose home it is), RTT mean and p95 */
    json_t *sites = json_array();
    for (size_t s = 0; s < f->nsites; s++) {
        const gs_site *st = &f->sites[s];
        double served = 0, ms = 0, unserved = 0, cap = 0;
        size_t n = 0;
        json_t *svs = json_array();
        for (size_t v = 0; v < f->nservices; v++) {
            size_t na;
            const gs_route_arc *arcs = gs_router_arcs(rec->base, (int)v, &na);
            for (size_t q = 0; q < na; q++)
                if (arcs[q].site == (int)s && rec->arc_req[v][q] > 0) {
                    served += rec->arc_req[v][q];
                    ms += rec->arc_req[v][q] * arcs[q].rtt_ms;
                    if (n < maxn)
                        tmp[n++] = (sample){arcs[q].rtt_ms, rec->arc_req[v][q]};
                }
            for (size_t g = 0; g < f->services[v].nregions; g++)
                if (gs_router_home_site(rec->base, (int)v, (int)g) == (int)s)
                    unserved += rec->un_req[v][g];
            int k = gs_router_group_of(rec->base, (int)v, (int)s);
            if (k >= 0) {
                cap += gs_router_groups(rec->base)[k].cap_rps;
                json_array_append_new(svs, json_string(f->services[v].id));
            }
        }
        /* p95 across services: merge is approximate when a site serves several services */
        json_t *so = json_object();
        json_object_set_new(so, "id", json_string(st->id));
        json_object_set_new(so, "name", json_string(st->name[0] ? st->name : st->id));
        json_object_set_new(so, "lat", json_real(st->lat));
        json_object_set_new(so, "lon", json_real(st->lon));
        json_object_set_new(so, "services", svs);
        json_object_set_new(so, "capacity_requests_per_s", json_real(cap));
        json_object_set_new(so, "served_requests", json_real(served));
        json_object_set_new(so, "unserved_requests", json_real(unserved));
        json_object_set_new(so, "rtt_mean_ms", num(served > 0 ? ms / served : NAN));
        json_object_set_new(so, "rtt_p95_ms", num(wquantile(tmp, n, 0.95)));
        json_array_append_new(sites, so);
    }
    json_object_set_new(root, "sites", sites);

    json_t *services = json_array();
    for (size_t v = 0; v < f->nservices; v++) {
        const gs_service *sv = &f->services[v];
        size_t na;
        const gs_route_arc *arcs = gs_router_arcs(rec->base, (int)v, &na);
        json_t *so = json_object();
        double tot_served = 0, tot_un = 0, transfer_usd = 0, by_src[3] = {0};
        json_object_set_new(so, "id", json_string(sv->id));
        json_object_set_new(so, "latency_budget_ms", json_real(sv->latency_budget_ms));
        json_object_set_new(so, "rtt_limit_ms", num(gs_router_rtt_limit_ms(rec->base, (int)v)));
        json_t *regs = json_array();
        size_t a0 = 0;
        for (size_t g = 0; g < sv->nregions; g++) {
            const gs_region *re = &sv->regions[g];
            size_t a1 = a0, n = 0;
            while (a1 < na && arcs[a1].region == (int)g)
                a1++;
            double served = 0, ms = 0;
            json_t *to = json_array();
            for (size_t q = a0; q < a1; q++) {
                double x = rec->arc_req[v][q];
                if (x <= 0)
                    continue;
                served += x;
                ms += x * arcs[q].rtt_ms;
                transfer_usd += x * 1e-6 * arcs[q].transfer_usd_per_mreq;
                by_src[arcs[q].rtt_source] += x;
                tmp[n++] = (sample){arcs[q].rtt_ms, x};
                json_t *t = json_object();
                json_object_set_new(t, "site", json_string(f->sites[arcs[q].site].id));
                json_object_set_new(t, "requests", json_real(x));
                json_object_set_new(t, "rtt_ms", json_real(arcs[q].rtt_ms));
                json_object_set_new(t, "rtt_source",
                                    json_string(gs_rtt_source_name(arcs[q].rtt_source)));
                json_object_set_new(t, "transfer_usd_per_mreq",
                                    json_real(arcs[q].transfer_usd_per_mreq));
                json_array_append_new(to, t);
            }
            a0 = a1;
            tot_served += served;
            tot_un += rec->un_req[v][g];
            int home = gs_router_home_site(rec->base, (int)v, (int)g);
            json_t *ro = json_object();
            json_object_set_new(ro, "id", json_string(re->id));
            json_object_set_new(ro, "lat", json_real(re->lat));
            json_object_set_new(ro, "lon", json_real(re->lon));
            json_object_set_new(ro, "pinned_site",
                                re->site >= 0 ? json_string(f->sites[re->site].id) : json_null());
            json_object_set_new(ro, "home_site",
                                home >= 0 ? json_string(f->sites[home].id) : json_null());
            json_object_set_new(ro, "demand_requests", json_real(rec->dem_req[v][g]));
            json_object_set_new(ro, "served_requests", json_real(served));
            json_object_set_new(ro, "unserved_requests", json_real(rec->un_req[v][g]));
            json_object_set_new(ro, "rtt_mean_ms", num(served > 0 ? ms / served : NAN));
            json_object_set_new(ro, "rtt_p95_ms", num(wquantile(tmp, n, 0.95)));
            json_object_set_new(ro, "sites", to);
            json_array_append_new(regs, ro);
        }
        json_object_set_new(so, "served_requests", json_real(tot_served));
        json_object_set_new(so, "unserved_requests", json_real(tot_un));
        json_object_set_new(so, "transfer_cost_usd", json_real(transfer_usd));
        json_t *bs = json_object();
        for (int k = GS_RTT_MEASURED; k >= GS_RTT_PLAIN; k--)
            json_object_set_new(bs, gs_rtt_source_name((gs_rtt_source)k), json_real(by_src[k]));
        json_object_set_new(so, "served_requests_by_rtt_source", bs);
        /* every pair within the limit (or pinned), with its RTT and source, served or not */
        json_t *pairs = json_array();
        for (size_t q = 0; q < na; q++) {
            json_t *p = json_array();
            json_array_append_new(p, json_string(sv->regions[arcs[q].region].id));
            json_array_append_new(p, json_string(f->sites[arcs[q].site].id));
            json_array_append_new(p, json_real(arcs[q].rtt_ms));
            json_array_append_new(p, json_string(gs_rtt_source_name(arcs[q].rtt_source)));
            json_array_append_new(pairs, p);
        }
        json_object_set_new(so, "pairs_within_limit", pairs);
        json_object_set_new(so, "regions", regs);
        json_array_append_new(services, so);
    }
    json_object_set_new(root, "services", services);

    json_t *events = json_array();
    for (size_t e = 0; e < rec->ncaps; e++) {
        const gs_route_cap *c = &rec->caps[e];
        ev_acc *ac = &rec->ev[e];
        double n = ac->steps ? (double)ac->steps : NAN;
        gs_format_time(c->from_s, a);
        gs_format_time(c->to_s, b);
        json_t *eo = json_object();
        json_object_set_new(eo, "id", json_string(c->id));
        json_object_set_new(eo, "site", json_string(f->sites[c->site].id));
        json_object_set_new(eo, "from", json_string(a));
        json_object_set_new(eo, "to", json_string(b));
        json_object_set_new(eo, "cap_mw", json_real(c->mw));
        json_object_set_new(eo, "steps", json_integer((json_int_t)ac->steps));
        json_object_set_new(eo, "site_mw_without_cap", num(ac->base_mw / n));
        json_object_set_new(eo, "site_mw_with_cap", num(ac->with_mw / n));
        json_object_set_new(eo, "mw_moved", num((ac->base_mw - ac->with_mw) / n));
        json_t *to = json_array();
        /* destinations by MW gained, largest first (stable: site order on ties) */
        int *order = malloc((f->nsites ? f->nsites : 1) * sizeof *order);
        size_t no = 0;
        for (size_t s = 0; order && s < f->nsites; s++)
            if (ac->steps && ac->site_gain_mw[s] / n > 1e-6)
                order[no++] = (int)s;
        for (size_t i = 1; i < no; i++)
            for (size_t j = i; j > 0 && ac->site_gain_mw[order[j]] > ac->site_gain_mw[order[j - 1]];
                 j--) {
                int x = order[j];
                order[j] = order[j - 1];
                order[j - 1] = x;
            }
        for (size_t i = 0; i < no; i++) {
            json_t *t = json_object();
            json_object_set_new(t, "site", json_string(f->sites[order[i]].id));
            json_object_set_new(t, "mw", json_real(ac->site_gain_mw[order[i]] / n));
            json_array_append_new(to, t);
        }
        free(order);
        json_object_set_new(eo, "moved_to", to);
        json_object_set_new(eo, "requests_moved", json_real(ac->moved_req));
        json_object_set_new(eo, "rtt_added_mean_ms",
                            num(ac->moved_req > 0 ? ac->added_ms_w / ac->moved_req : NAN));
        json_object_set_new(eo, "rtt_added_p95_ms", num(wquantile(ac->s, ac->ns, 0.95)));
        json_object_set_new(eo, "unserved_requests", json_real(ac->unserved_req));
        json_array_append_new(events, eo);
    }
    json_object_set_new(root, "events", events);
    free(tmp);

    gs__outfile o;
    rc = gs__outfile_open(&o, summary_json, err);
    if (rc == GS_OK) {
        if (json_dumpf(root, o.f, JSON_INDENT(2) | JSON_REAL_PRECISION(8)) != 0) {
            gs__outfile_abort(&o);
            rc = gs_error_set(err, GS_EIO, summary_json, 0, 0, NULL, "cannot write JSON");
        } else {
            fputc('\n', o.f);
            rc = gs__outfile_commit(&o, err);
        }
    }
    json_decref(root);
    return rc;
}
