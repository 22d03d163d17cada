/* site_report.c: the outputs of `gridsplit site` (include/gridsplit/write/site.h, docs/site.md):
 * scores.csv (one row per candidate, every component's raw value, normalised value, weight and
 * contribution), scores.json (the same plus zones, regions and placement runs) and report.html
 * (self-contained: web/site.html with site.css, site.js, the shared map.js, topojson-client and
 * the world-atlas 110m land outlines inline, the data as one JSON block escaped for <script>).
 * Each file is written under a temporary name and renamed. Deterministic: no clock, no solve
 * times. */
#include "gridsplit/site.h"
#include "gridsplit/write/site.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "embed/assets.h"
#include "write/html.h"
#include "write/outfile.h"
#include "write/outfmt.h"

/* Unit suffix of a component's raw column in scores.csv. */
static const char *csv_unit(gs_site_comp c)
{
    switch (c) {
    case GS_SC_ENERGY_COST: return "usd_per_mwh";
    case GS_SC_HEADROOM: return "mw";
    case GS_SC_YEARS_TO_POWER: return "years";
    case GS_SC_CARBON: return "g_per_kwh";
    case GS_SC_DENSITY: return "kw_per_rack";
    case GS_SC_REACH: return "share";
    case GS_SC_RTT: return "ms";
    case GS_SC_GRID: return "mw";
    case GS_SC_BUILD_COST: return "usd_per_mw";
    default: return "value";
    }
}

static int write_csv(const gs_site_outputs *o, const char *path, gs_error *err)
{
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    FILE *f = of.f;
    const gs_site_result *r = o->r;
    gs_site_comp comps[GS_SITE_MAX_COMP];
    size_t nc = gs_site_class_components(r->cls, comps);
    fputs("rank,id,name,class,zone,lat,lon,score,weight_with_data", f);
    for (size_t c = 0; c < nc; c++) {
        const char *n = gs_site_comp_name(comps[c]);
        fprintf(f, ",%s_%s,%s_norm,%s_weight,%s_contribution,%s_assumed", n, csv_unit(comps[c]), n, n,
                n, n);
    }
    if (r->cls == GS_TRAINING)
        fputs(",energy_gross_usd_per_mwh,arbitrage_usd_per_mwh,market_usd_per_mwh", f);
    fputs(",chosen\n", f);
    const gs_site_placement *pl = o->chosen >= 0 ? &o->place[o->chosen] : NULL;
    for (size_t i = 0; i < r->n; i++) {
        const gs_site_score *s = &r->s[i];
        const gs_site_cand *k = &o->f->cands[s->cand];
        fprintf(f, "%d,", s->rank);
        gs__csv_str(f, k->id);
        fputc(',', f);
        gs__csv_str(f, k->name);
        fprintf(f, ",%s,", gs_class_name(r->cls));
        gs__csv_str(f, o->f->zones[k->zone].id);
        fputc(',', f);
        gs__csv_num(f, k->lat, 4);
        fputc(',', f);
        gs__csv_num(f, k->lon, 4);
        fputc(',', f);
        gs__csv_num(f, s->score, 4);
        fputc(',', f);
        gs__csv_num(f, s->weight_with_data, 4);
        for (size_t c = 0; c < s->ncomp; c++) {
            const gs_site_component *x = &s->comp[c];
            fputc(',', f);
            gs__csv_num(f, x->raw, x->comp == GS_SC_REACH ? 4 : 2);
            fputc(',', f);
            gs__csv_num(f, x->norm, 4);
            fputc(',', f);
            gs__csv_num(f, x->weight, 4);
            fputc(',', f);
            gs__csv_num(f, x->contribution, 4);
            fprintf(f, ",%d", x->assumed);
        }
        if (r->cls == GS_TRAINING) {
            fputc(',', f);
            gs__csv_num(f, s->energy_cost_usd_per_mwh, 2);
            fputc(',', f);
            gs__csv_num(f, s->arbitrage_usd_per_mwh, 2);
            fputc(',', f);
            gs__csv_num(f, s->market_usd_per_mwh, 2);
        }
        int chosen = 0;
        for (size_t j = 0; pl && j < pl->nopen; j++)
            if (pl->open[j] == s->cand)
                chosen = 1;
        fprintf(f, ",%d\n", chosen);
    }
    return gs__outfile_commit(&of, err);
}

static json_t *placement_json(const gs_site_outputs *o, const gs_site_placement *p)
{
    json_t *j = json_object();
    json_object_set_new(j, "k", json_integer(p->k));
    json_object_set_new(j, "status", json_string(p->status == 0 ? "optimal" : "time limit"));
    json_t *sites = json_array();
    for (size_t i = 0; i < p->nopen; i++)
        json_array_append_new(sites, json_string(o->f->cands[p->open[i]].id));
    json_object_set_new(j, "sites", sites);
    json_object_set_new(j, "coverage_share", gs__json_num(p->coverage, 4));
    json_object_set_new(j, "unserved_mw", gs__json_num(p->unserved_mw, 3));
    json_object_set_new(j, "cost_usd_per_year", gs__json_num(p->cost_usd_per_year, 0));
    json_object_set_new(j, "energy_usd_per_year", gs__json_num(p->energy_usd_per_year, 0));
    json_object_set_new(j, "latency_penalty_usd_per_year", gs__json_num(p->latency_usd_per_year, 0));
    json_object_set_new(j, "capex_usd_per_year", gs__json_num(p->capex_usd_per_year, 0));
    json_object_set_new(j, "fixed_usd_per_year", gs__json_num(p->fixed_usd_per_year, 0));
    json_object_set_new(j, "mean_rtt_ms", gs__json_num(p->mean_rtt_ms, 2));
    json_t *as = json_array(), *sv = json_array();
    for (size_t i = 0; i < o->nregions; i++) {
        json_array_append_new(as, p->assign[i] >= 0 ? json_string(o->f->cands[p->assign[i]].id) : json_null());
        json_array_append_new(sv, gs__json_num(p->served[i], 4));
    }
    json_object_set_new(j, "assign", as);
    json_object_set_new(j, "served_share", sv);
    /* why each chosen site, and each candidate ranked above the last chosen one that is not:
     * the solution's own figures (gs_site_place_reason) */
    json_t *why = json_array();
    int last = 0;
    for (size_t c = 0; c < p->ncand; c++)
        for (size_t k = 0; k < p->nopen; k++)
            if (p->open[k] == o->r->s[c].cand && o->r->s[c].rank > last)
                last = o->r->s[c].rank;
    for (size_t c = 0; c < p->ncand; c++) {
        bool open = false;
        for (size_t k = 0; k < p->nopen; k++)
            open |= p->open[k] == o->r->s[c].cand;
        if (!open && o->r->s[c].rank > last)
            continue;
        char reason[400];
        gs_site_place_reason(o->f, o->r, p, c, reason, sizeof reason);
        json_t *w = json_object();
        json_object_set_new(w, "site", json_string(o->f->cands[o->r->s[c].cand].id));
        json_object_set_new(w, "rank", json_integer(o->r->s[c].rank));
        json_object_set_new(w, "chosen", json_boolean(open));
        json_object_set_new(w, "served_mw", gs__json_num(p->served_mw[c], 3));
        json_object_set_new(w, "only_mw", gs__json_num(p->only_mw[c], 3));
        json_object_set_new(w, "reach_mw", gs__json_num(p->reach_mw[c], 3));
        json_object_set_new(w, "covered_share", gs__json_num(p->covered[c], 4));
        json_object_set_new(w, "cost_usd_per_mw_year", gs__json_num(p->cost_per_mw[c], 0));
        json_object_set_new(w, "paid_usd_per_mw_year", gs__json_num(p->paid_per_mw[c], 0));
        json_object_set_new(w, "reason", json_string(reason));
        json_array_append_new(why, w);
    }
    json_object_set_new(j, "why", why);
    return j;
}

/* Training: the energy cost's flexibility breakdown: the arbitrage proxy and each catalogue
 * product of the zone (priced: revenue; not: why), and the deployments' cost. */
static json_t *flex_json(const gs_site_file *f, const gs_site_result *r, const gs_site_score *s)
{
    const gs_site_zone_stats *zs = &r->zones[f->cands[s->cand].zone];
    json_t *j = json_object();
    json_object_set_new(j, "energy_cost_gross_usd_per_mwh", gs__json_num(s->energy_cost_usd_per_mwh, 2));
    json_t *a = json_object();
    json_object_set_new(a, "usd_per_mwh", gs__json_num(s->arbitrage_usd_per_mwh, 2));
    json_object_set_new(a, "hours_share", gs__json_num(f->params.flex_hours_share, 6));
    json_object_set_new(a, "basis", json_string(zs->price_assumed ? "assumed constant price" : "series"));
    json_object_set_new(a, "note", json_string("avoided cost of not buying the top-price hours: (mean price - "
                                               "mean of the hours kept) x PUE; no reserve is sold in those hours"));
    json_object_set_new(j, "arbitrage", a);
    json_object_set_new(j, "load_mw", gs__json_num(s->load_mw, 1));
    json_object_set_new(j, "offered_mw", gs__json_num(s->offer_mw, 1));
    json_object_set_new(j, "market_usd_per_mwh", gs__json_num(s->market_usd_per_mwh, 2));
    json_object_set_new(j, "flex_value_usd_per_mwh", gs__json_num(s->flex_value_usd_per_mwh, 2));
    json_object_set_new(j, "energy_cost_net_usd_per_mwh", gs__json_num(s->energy_cost_net_usd_per_mwh, 2));
    json_t *ps = json_array();
    for (size_t q = 0; q < s->nmarket; q++) {
        const gs_site_market_line *L = &s->market[q];
        json_t *pj = json_object();
        json_object_set_new(pj, "product", json_string(L->product));
        json_object_set_new(pj, "kind", json_string(L->kind));
        json_object_set_new(pj, "direction", json_string(L->direction));
        json_object_set_new(pj, "priced", json_boolean(L->priced));
        json_object_set_new(pj, "basis", L->basis[0] ? json_string(L->basis) : json_null());
        json_object_set_new(pj, "label", L->label[0] ? json_string(L->label) : json_null());
        json_object_set_new(pj, "unit", json_string(L->unit));
        json_object_set_new(pj, "price_mean", gs__json_num(L->price_mean, 3));
        json_object_set_new(pj, "hours_sold", gs__json_num(L->hours_sold, 2));
        json_object_set_new(pj, "mw_sold", gs__json_num(L->mw_sold, 2));
        json_object_set_new(pj, "usd_per_year", gs__json_num(L->usd_per_year, 0));
        json_object_set_new(pj, "usd_per_mw_year", gs__json_num(L->usd_per_mw_year, 0));
        json_object_set_new(pj, "usd_per_mwh", gs__json_num(L->usd_per_mwh, 3));
        json_object_set_new(pj, "note", json_string(L->note));
        json_array_append_new(ps, pj);
    }
    json_object_set_new(j, "products", ps);
    return j;
}

static json_t *build_json(const gs_site_outputs *o)
{
    const gs_site_file *f = o->f;
    const gs_site_result *r = o->r;
    const gs_site_params *p = &f->params;
    json_t *root = json_object();
    json_object_set_new(root, "name", json_string(f->name));
    json_object_set_new(root, "class", json_string(gs_class_name(r->cls)));
#ifdef GS_VERSION
    json_object_set_new(root, "gridsplit", json_string(GS_VERSION));
#endif
    json_object_set_new(root, "year", json_integer(f->year));
    json_t *pj = json_object();
    json_object_set_new(pj, "need_mw", gs__json_num(p->need_mw[r->cls], 3));
    json_object_set_new(pj, "flex_hours_share", gs__json_num(p->flex_hours_share, 6));
    json_object_set_new(pj, "headroom_rate_pct", gs__json_num(p->headroom_rate_pct, 4));
    json_object_set_new(pj, "latency_budget_ms", gs__json_num(p->latency_budget_ms, 3));
    json_object_set_new(pj, "rack_kw_min", gs__json_num(p->rack_kw_range[r->cls][0], 1));
    json_object_set_new(pj, "rack_kw_max", gs__json_num(p->rack_kw_range[r->cls][1], 1));
    json_object_set_new(pj, "demand_mw", gs__json_num(p->demand_mw, 3));
    json_object_set_new(pj, "latency_penalty_usd_per_ms_mw_year", gs__json_num(p->latency_penalty_usd_per_ms_mw_year, 2));
    json_object_set_new(pj, "site_fixed_usd_per_year", gs__json_num(p->site_fixed_usd_per_year, 0));
    json_object_set_new(pj, "capex_annuity", gs__json_num(p->capex_annuity, 6));
    if (r->cls == GS_TRAINING) {
        json_object_set_new(pj, "training_utilisation", gs__json_num(p->training_utilisation, 4));
        json_object_set_new(pj, "flex_offer_share", gs__json_num(p->flex_offer_share, 4));
        json_object_set_new(pj, "gpu_kw", gs__json_num(p->gpu_kw, 4));
        json_object_set_new(pj, "usd_per_gpu_hour", gs__json_num(p->usd_per_gpu_hour, 4));
        json_object_set_new(pj, "checkpoint_interval_h", gs__json_num(p->checkpoint_interval_h, 3));
        json_object_set_new(pj, "restart_overhead_s", gs__json_num(p->restart_overhead_s, 1));
    }
    json_object_set_new(root, "params", pj);

    json_t *cands = json_array();
    const gs_site_placement *pl = o->chosen >= 0 ? &o->place[o->chosen] : NULL;
    for (size_t i = 0; i < r->n; i++) {
        const gs_site_score *s = &r->s[i];
        const gs_site_cand *k = &f->cands[s->cand];
        json_t *c = json_object();
        json_object_set_new(c, "rank", json_integer(s->rank));
        json_object_set_new(c, "id", json_string(k->id));
        json_object_set_new(c, "name", json_string(k->name));
        json_object_set_new(c, "zone", json_string(f->zones[k->zone].id));
        json_object_set_new(c, "lat", gs__json_num(k->lat, 4));
        json_object_set_new(c, "lon", gs__json_num(k->lon, 4));
        json_object_set_new(c, "score", gs__json_num(s->score, 4));
        json_object_set_new(c, "weight_with_data", gs__json_num(s->weight_with_data, 4));
        int chosen = 0;
        for (size_t j = 0; pl && j < pl->nopen; j++)
            chosen |= pl->open[j] == s->cand;
        json_object_set_new(c, "chosen", json_boolean(chosen));
        json_t *comps = json_array();
        for (size_t q = 0; q < s->ncomp; q++) {
            const gs_site_component *x = &s->comp[q];
            json_t *cj = json_object();
            json_object_set_new(cj, "name", json_string(gs_site_comp_name(x->comp)));
            json_object_set_new(cj, "unit", json_string(gs_site_comp_unit(x->comp)));
            json_object_set_new(cj, "raw", gs__json_num(x->raw, x->comp == GS_SC_REACH ? 4 : 2));
            json_object_set_new(cj, "best", gs__json_num(x->best, 4));
            json_object_set_new(cj, "worst", gs__json_num(x->worst, 4));
            json_object_set_new(cj, "norm", gs__json_num(x->norm, 4));
            json_object_set_new(cj, "weight", gs__json_num(x->weight, 4));
            json_object_set_new(cj, "contribution", gs__json_num(x->contribution, 4));
            json_object_set_new(cj, "assumed", json_boolean(x->assumed));
            json_object_set_new(cj, "note", json_string(x->note));
            json_array_append_new(comps, cj);
        }
        json_object_set_new(c, "components", comps);
        json_t *d = json_object();
        json_object_set_new(d, "mean_price_usd_per_mwh", gs__json_num(s->mean_price_usd_per_mwh, 2));
        json_object_set_new(d, "pue", gs__json_num(s->pue, 3));
        json_object_set_new(d, "energy_cost_usd_per_mwh", gs__json_num(s->energy_cost_usd_per_mwh, 2));
        json_object_set_new(d, "flex_value_usd_per_mwh", gs__json_num(s->flex_value_usd_per_mwh, 2));
        json_object_set_new(d, "energy_cost_net_usd_per_mwh", gs__json_num(s->energy_cost_net_usd_per_mwh, 2));
        json_object_set_new(d, "headroom_mw", gs__json_num(s->headroom_mw, 1));
        json_object_set_new(d, "interconnect_mw", gs__json_num(k->interconnect_mw, 1));
        json_object_set_new(d, "available_mw", gs__json_num(s->available_mw, 1));
        json_object_set_new(d, "density_kw", gs__json_num(s->density_kw, 1));
        json_object_set_new(d, "hosts_class_range", json_boolean(s->hosts_range));
        json_object_set_new(d, "reach_share", gs__json_num(s->reach_share, 4));
        json_object_set_new(d, "rtt_ms", gs__json_num(s->rtt_ms, 2));
        json_object_set_new(d, "rtt_all_regions_ms", gs__json_num(s->rtt_all_ms, 2));
        json_object_set_new(d, "build_usd_per_mw", gs__json_num(s->build_usd_per_mw, 0));
        json_object_set_new(d, "years_to_power", gs__json_num(k->years_to_power, 2));
        json_object_set_new(d, "cooling", json_string(gs_cooling_name(k->cooling)));
        json_object_set_new(c, "details", d);
        if (r->cls == GS_TRAINING)
            json_object_set_new(c, "flexibility", flex_json(f, r, s));
        json_object_set_new(c, "source", json_string(k->source));
        json_array_append_new(cands, c);
    }
    json_object_set_new(root, "candidates", cands);

    json_t *zones = json_array();
    for (size_t z = 0; z < f->nzones; z++) {
        const gs_site_zone_stats *zs = &r->zones[z];
        json_t *zj = json_object();
        json_object_set_new(zj, "id", json_string(f->zones[z].id));
        json_object_set_new(zj, "mean_price_usd_per_mwh", gs__json_num(zs->mean_price_usd_per_mwh, 2));
        json_object_set_new(zj, "flex_price_usd_per_mwh", gs__json_num(zs->flex_price_usd_per_mwh, 2));
        json_object_set_new(zj, "price_assumed", json_boolean(zs->price_assumed));
        json_object_set_new(zj, "price_hours", gs__json_num(zs->price_hours, 0));
        json_object_set_new(zj, "mean_carbon_g_per_kwh", gs__json_num(zs->mean_carbon_g_per_kwh, 1));
        json_object_set_new(zj, "carbon_assumed", json_boolean(zs->carbon_assumed));
        json_object_set_new(zj, "headroom_mw", gs__json_num(zs->headroom_mw, 1));
        json_object_set_new(zj, "headroom_assumed", json_boolean(zs->headroom_assumed));
        json_object_set_new(zj, "peak_demand_mw", gs__json_num(zs->peak_demand_mw, 1));
        json_object_set_new(zj, "source", json_string(f->zones[z].source));
        json_array_append_new(zones, zj);
    }
    json_object_set_new(root, "zones", zones);

    json_t *regs = json_array();
    gs_latency_model lm = o->latency ? *o->latency : gs_latency_model_default();
    for (size_t i = 0; i < o->nregions; i++) {
        const gs_region *g = &o->regions[i];
        json_t *rj = json_object();
        json_object_set_new(rj, "id", json_string(g->id));
        json_object_set_new(rj, "lat", gs__json_num(g->lat, 4));
        json_object_set_new(rj, "lon", gs__json_num(g->lon, 4));
        json_object_set_new(rj, "share", gs__json_num(g->share, 6));
        /* round trip to the best-ranked candidate and to the nearest one */
        double near = INFINITY;
        for (size_t q = 0; q < r->n; q++) {
            const gs_site_cand *k = &f->cands[r->s[q].cand];
            double ms = gs_latency_rtt_ms(&lm, k->lat, k->lon, g->lat, g->lon);
            if (ms < near)
                near = ms;
        }
        json_object_set_new(rj, "nearest_rtt_ms", gs__json_num(near, 2));
        json_array_append_new(regs, rj);
    }
    json_object_set_new(root, "regions", regs);

    if (o->nplace) {
        json_t *pa = json_object();
        json_object_set_new(pa, "k", json_integer(o->chosen >= 0 ? o->place[o->chosen].k : 0));
        json_t *runs = json_array();
        for (size_t i = 0; i < o->nplace; i++)
            if (o->place[i].k > 0 && o->place[i].open)
                json_array_append_new(runs, placement_json(o, &o->place[i]));
        json_object_set_new(pa, "runs", runs);
        json_object_set_new(root, "placement", pa);
    } else {
        json_object_set_new(root, "placement", json_null());
    }
    return root;
}

static int write_json(json_t *root, const char *path, gs_error *err)
{
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    if (json_dumpf(root, of.f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12)) != 0) {
        gs__outfile_abort(&of);
        return gs_error_set(err, GS_EIO, path, 0, 0, NULL, "cannot write the JSON");
    }
    fputc('\n', of.f);
    return gs__outfile_commit(&of, err);
}

struct site_fill {
    const gs_site_outputs *o;
    const char *data;
};

static int fill(FILE *f, void *ctx, const char *key, size_t kl, gs_error *err)
{
    const struct site_fill *x = ctx;
#define IS(k) (kl == sizeof(k) - 1 && memcmp(key, k, kl) == 0)
    if (IS("TITLE")) {
        gs__html_text(f, x->o->f->name);
        fputs(" \xc2\xb7 ", f);
        gs__html_text(f, gs_class_name(x->o->r->cls));
    } else if (IS("CLASS")) {
        gs__html_text(f, gs_class_name(x->o->r->cls));
    } else if (IS("VERSION")) {
#ifdef GS_VERSION
        gs__html_text(f, GS_VERSION);
#endif
    } else if (IS("CSS")) {
        return gs__html_asset(f, "site.css", err);
    } else if (IS("JS")) {
        return gs__html_asset(f, "site.js", err);
    } else if (IS("TOPOJSON_JS")) {
        return gs__html_asset(f, "topojson-client.min.js", err);
    } else if (IS("MAP_JS")) {
        return gs__html_asset(f, "map.js", err);
    } else if (IS("LAND")) {
        return gs__html_asset_json(f, "land-110m.json", err);
    } else if (IS("DATA")) {
        gs__html_script_json(f, x->data);
    } else {
        return 1;
    }
#undef IS
    return GS_OK;
}

static int write_html(const gs_site_outputs *o, const char *data, const char *path, gs_error *err)
{
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    rc = gs__html_template(of.f, "site.html", fill, &(struct site_fill){o, data}, err);
    if (rc) {
        gs__outfile_abort(&of);
        return rc;
    }
    return gs__outfile_commit(&of, err);
}

int gs_site_write_outputs(const gs_site_outputs *o, const char *dir, gs_error *err)
{
    char path[1024];
    int rc = gs__mkdirs(dir, err);
    if (rc)
        return rc;
    snprintf(path, sizeof path, "%s/scores.csv", dir);
    if ((rc = write_csv(o, path, err)))
        return rc;
    json_t *root = build_json(o);
    if (!root)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    snprintf(path, sizeof path, "%s/scores.json", dir);
    rc = write_json(root, path, err);
    char *data = rc ? NULL : json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    if (rc)
        return rc;
    if (!data)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    snprintf(path, sizeof path, "%s/report.html", dir);
    rc = write_html(o, data, path, err);
    free(data);
    return rc;
}
