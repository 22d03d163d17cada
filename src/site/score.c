/* score.c: scoring of candidate sites per load class (include/gridsplit/site.h, docs/site.md).
 * Owns: the component catalogue (names, units, default weights and anchors), the zone figures
 * (mean and flexible price, mean carbon, curtailment-enabled headroom through gs_headroom_solve)
 * and the per-candidate components, each kept with its raw value, anchors, normalised value,
 * weight and contribution. Pure: no I/O, no globals, deterministic (ties rank by id). */
#include "gridsplit/site.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/headroom.h"

static const struct {
    const char *name, *unit;
} COMP[GS_SC_N] = {
    [GS_SC_ENERGY_COST] = {"energy_cost", "USD/MWh"},
    [GS_SC_HEADROOM] = {"headroom", "MW"},
    [GS_SC_YEARS_TO_POWER] = {"years_to_power", "years"},
    [GS_SC_CARBON] = {"carbon", "gCO2/kWh"},
    [GS_SC_DENSITY] = {"density", "kW/rack"},
    [GS_SC_REACH] = {"reach", "share"},
    [GS_SC_RTT] = {"rtt", "ms"},
    [GS_SC_GRID] = {"grid", "MW"},
    [GS_SC_BUILD_COST] = {"build_cost", "USD/MW"},
};

const char *gs_site_comp_name(gs_site_comp c)
{
    return (unsigned)c < GS_SC_N ? COMP[c].name : "?";
}

const char *gs_site_comp_unit(gs_site_comp c)
{
    return (unsigned)c < GS_SC_N ? COMP[c].unit : "";
}

size_t gs_site_class_components(gs_class cls, gs_site_comp *out)
{
    static const gs_site_comp tr[] = {GS_SC_ENERGY_COST, GS_SC_HEADROOM, GS_SC_YEARS_TO_POWER,
                                      GS_SC_CARBON, GS_SC_DENSITY, GS_SC_BUILD_COST};
    static const gs_site_comp inf[] = {GS_SC_REACH, GS_SC_RTT, GS_SC_ENERGY_COST, GS_SC_GRID,
                                       GS_SC_DENSITY, GS_SC_BUILD_COST};
    const gs_site_comp *src = cls == GS_TRAINING ? tr : inf;
    size_t n = cls == GS_TRAINING ? sizeof tr / sizeof tr[0] : sizeof inf / sizeof inf[0];
    if (out)
        memcpy(out, src, n * sizeof *src);
    return n;
}

void gs_site_default_weights(gs_class cls, double *w)
{
    for (int i = 0; i < GS_SC_N; i++)
        w[i] = 0;
    if (cls == GS_TRAINING) {
        w[GS_SC_ENERGY_COST] = 0.35;
        w[GS_SC_HEADROOM] = 0.20;
        w[GS_SC_YEARS_TO_POWER] = 0.20;
        w[GS_SC_CARBON] = 0.15;
        w[GS_SC_DENSITY] = 0.10;
    } else {
        w[GS_SC_REACH] = 0.35;
        w[GS_SC_RTT] = 0.20;
        w[GS_SC_ENERGY_COST] = 0.15;
        w[GS_SC_GRID] = 0.20;
        w[GS_SC_DENSITY] = 0.10;
    }
    w[GS_SC_BUILD_COST] = 0; /* shown, not weighted, unless the file says so */
}

gs_site_params gs_site_params_default(void)
{
    gs_site_params p;
    memset(&p, 0, sizeof p);
    p.need_mw[GS_TRAINING] = 200;
    p.need_mw[GS_INFERENCE] = 40;
    p.flex_hours_share = 0.01;
    p.headroom_rate_pct = 1.0;
    p.latency_budget_ms = 80;
    p.rack_kw_range[GS_TRAINING][0] = 100;
    p.rack_kw_range[GS_TRAINING][1] = 160;
    p.rack_kw_range[GS_INFERENCE][0] = 15;
    p.rack_kw_range[GS_INFERENCE][1] = 40;
    p.cooling_cap_kw[GS_COOL_AIR] = 30;
    p.cooling_cap_kw[GS_COOL_HYBRID] = 60;
    p.cooling_cap_kw[GS_COOL_LIQUID] = INFINITY;
    p.demand_mw = 200;
    p.latency_penalty_usd_per_ms_mw_year = 2000;
    p.site_fixed_usd_per_year = 10e6;
    p.capex_annuity = 0.10;
    return p;
}

/* Default anchors (best, worst) of a component for a class. */
static void default_anchors(const gs_site_file *f, gs_class cls, gs_site_comp c, double *best,
                            double *worst)
{
    const gs_site_params *p = &f->params;
    switch (c) {
    case GS_SC_ENERGY_COST: *best = 20; *worst = 200; break;
    case GS_SC_HEADROOM: *best = 2 * p->need_mw[cls]; *worst = 0; break;
    case GS_SC_YEARS_TO_POWER: *best = 1; *worst = 6; break;
    case GS_SC_CARBON: *best = 0; *worst = 700; break;
    case GS_SC_DENSITY: *best = p->rack_kw_range[cls][1]; *worst = p->rack_kw_range[cls][0]; break;
    case GS_SC_REACH: *best = 1; *worst = 0; break;
    case GS_SC_RTT: *best = 10; *worst = 250; break;
    case GS_SC_GRID: *best = p->need_mw[cls]; *worst = 0; break;
    case GS_SC_BUILD_COST: *best = 5e6; *worst = 15e6; break;
    default: *best = 1; *worst = 0; break;
    }
    if (!isnan(f->best[c]))
        *best = f->best[c];
    if (!isnan(f->worst[c]))
        *worst = f->worst[c];
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int gs_site_zone_stats_compute(const gs_site_file *f, size_t zi, gs_site_zone_stats *o,
                               gs_error *err)
{
    const gs_site_zone *z = &f->zones[zi];
    memset(o, 0, sizeof *o);
    o->mean_price_usd_per_mwh = o->flex_price_usd_per_mwh = NAN;
    o->mean_carbon_g_per_kwh = o->headroom_mw = o->peak_demand_mw = NAN;
    if (z->price) {
        size_t n = 0;
        double *v = malloc((z->price->n ? z->price->n : 1) * sizeof *v);
        if (!v)
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        for (size_t i = 0; i < z->price->n; i++)
            if (isfinite(z->price->v[i]))
                v[n++] = z->price->v[i];
        if (n == 0) {
            free(v);
            return gs_error_set(err, GS_EINPUT, z->price_ref.path, 0, 0, NULL,
                                "zone '%s': the price series has no value", z->id);
        }
        qsort(v, n, sizeof *v, cmp_dbl);
        double sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += v[i];
        size_t cut = (size_t)floor(f->params.flex_hours_share * (double)n);
        double keep = 0;
        for (size_t i = 0; i < n - cut; i++)
            keep += v[i];
        o->mean_price_usd_per_mwh = sum / (double)n;
        o->flex_price_usd_per_mwh = n > cut ? keep / (double)(n - cut) : o->mean_price_usd_per_mwh;
        o->price_hours = (double)n;
        free(v);
    } else if (!isnan(z->price_assumed_usd_per_mwh)) {
        /* a constant price: curtailing saves nothing per MWh */
        o->mean_price_usd_per_mwh = o->flex_price_usd_per_mwh = z->price_assumed_usd_per_mwh;
        o->price_assumed = 1;
    } else {
        return gs_error_set(err, GS_EINPUT, f->path, 0, 0, NULL,
                            "zone '%s' has no price series loaded and no assumed price", z->id);
    }
    if (z->carbon) {
        double sum = 0;
        size_t n = 0;
        for (size_t i = 0; i < z->carbon->n; i++)
            if (isfinite(z->carbon->v[i])) {
                sum += z->carbon->v[i];
                n++;
            }
        if (n)
            o->mean_carbon_g_per_kwh = sum / (double)n;
    } else if (!isnan(z->carbon_assumed_g_per_kwh)) {
        o->mean_carbon_g_per_kwh = z->carbon_assumed_g_per_kwh;
        o->carbon_assumed = 1;
    }
    if (z->demand) {
        gs_headroom h;
        gs_error e = {0};
        double rate = f->params.headroom_rate_pct;
        if (gs_headroom_solve(z->demand, &rate, 1, &h, &e) == GS_OK) {
            o->headroom_mw = h.results[0].headroom_mw;
            o->peak_demand_mw = h.peak_mw;
        }
    }
    if (isnan(o->headroom_mw) && !isnan(z->headroom_assumed_mw)) {
        o->headroom_mw = z->headroom_assumed_mw;
        o->headroom_assumed = 1;
    }
    return GS_OK;
}

static void set_comp(gs_site_component *c, gs_site_comp k, double raw, double best, double worst,
                     double weight, int assumed, const char *note)
{
    c->comp = k;
    c->raw = raw;
    c->best = best;
    c->worst = worst;
    c->weight = weight;
    c->assumed = assumed;
    snprintf(c->note, sizeof c->note, "%s", note ? note : "");
    if (!isfinite(raw)) {
        c->raw = NAN;
        c->norm = NAN;
        c->contribution = 0;
        return;
    }
    double x = (raw - worst) / (best - worst);
    c->norm = x < 0 ? 0 : x > 1 ? 1 : x;
    c->contribution = weight * c->norm;
}

/* Rank order: higher score first, then id. */
static int before(const gs_site_file *f, const gs_site_score *x, const gs_site_score *y)
{
    if (x->score != y->score)
        return x->score > y->score;
    return strcmp(f->cands[x->cand].id, f->cands[y->cand].id) < 0;
}

int gs_site_rank(const gs_site_file *f, gs_class cls, const gs_site_score_opts *opts,
                  gs_site_result *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    out->cls = cls;
    gs_site_score_opts none;
    memset(&none, 0, sizeof none);
    if (!opts)
        opts = &none;
    if (cls == GS_INFERENCE && (!opts->regions || opts->nregions == 0))
        return gs_error_set(err, GS_EINPUT, f->path, 0, 0, "regions_file",
                            "inference scoring needs demand regions: give --regions FILE or "
                            "'regions_file' in the candidates file");
    gs_latency_model lm = opts->latency ? *opts->latency : gs_latency_model_default();
    const gs_site_params *p = &f->params;

    out->zones = calloc(f->nzones ? f->nzones : 1, sizeof *out->zones);
    out->s = calloc(f->ncands ? f->ncands : 1, sizeof *out->s);
    if (!out->zones || !out->s) {
        gs_site_result_free(out);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    out->nzones = f->nzones;
    int rc;
    for (size_t z = 0; z < f->nzones; z++)
        if ((rc = gs_site_zone_stats_compute(f, z, &out->zones[z], err))) {
            gs_site_result_free(out);
            return rc;
        }

    gs_site_comp comps[GS_SITE_MAX_COMP];
    size_t nc = gs_site_class_components(cls, comps);
    double need = p->need_mw[cls];
    for (size_t i = 0; i < f->ncands; i++) {
        const gs_site_cand *k = &f->cands[i];
        if (!(k->classes & (1 << cls)))
            continue;
        const gs_site_zone_stats *zs = &out->zones[k->zone];
        const gs_site_zone *zone = &f->zones[k->zone];
        gs_site_score *s = &out->s[out->n++];
        s->cand = (int)i;
        s->pue = k->pue;
        s->mean_price_usd_per_mwh = zs->mean_price_usd_per_mwh;
        s->energy_cost_usd_per_mwh = zs->mean_price_usd_per_mwh * k->pue;
        if (cls == GS_TRAINING) {
            s->flex_value_usd_per_mwh =
                opts->flex_value ? opts->flex_value(f, i, zs, opts->flex_ctx)
                                 : (zs->mean_price_usd_per_mwh - zs->flex_price_usd_per_mwh) * k->pue;
        }
        s->energy_cost_net_usd_per_mwh = s->energy_cost_usd_per_mwh - s->flex_value_usd_per_mwh;
        s->headroom_mw = zs->headroom_mw;
        s->available_mw = isnan(zs->headroom_mw) ? k->interconnect_mw
                                                  : fmin(k->interconnect_mw, zs->headroom_mw);
        double cap = p->cooling_cap_kw[k->cooling];
        s->density_kw = fmin(k->rack_kw_max, cap);
        s->hosts_range = s->density_kw >= p->rack_kw_range[cls][1];
        s->build_usd_per_mw = k->land_usd_per_mw + k->build_usd_per_mw;
        s->reach_share = s->rtt_ms = NAN;
        if (cls == GS_INFERENCE) {
            double reach = 0, rtt = 0;
            for (size_t r = 0; r < opts->nregions; r++) {
                const gs_region *g = &opts->regions[r];
                double ms = gs_latency_rtt_ms(&lm, k->lat, k->lon, g->lat, g->lon);
                rtt += g->share * ms;
                if (ms <= p->latency_budget_ms)
                    reach += g->share;
            }
            s->reach_share = reach;
            s->rtt_ms = rtt;
        }
        s->ncomp = nc;
        double wsum = 0, csum = 0;
        for (size_t c = 0; c < nc; c++) {
            gs_site_comp kc = comps[c];
            double best, worst, raw = NAN;
            int assumed = 0;
            char note[192] = "";
            default_anchors(f, cls, kc, &best, &worst);
            switch (kc) {
            case GS_SC_ENERGY_COST:
                if (cls == GS_TRAINING) {
                    raw = s->energy_cost_net_usd_per_mwh;
                    snprintf(note, sizeof note,
                             "mean %.2f USD/MWh x PUE %.2f = %.2f, less %.2f avoided by curtailing "
                             "the top %.1f %% price hours%s",
                             zs->mean_price_usd_per_mwh, k->pue, s->energy_cost_usd_per_mwh,
                             s->flex_value_usd_per_mwh, 100 * p->flex_hours_share,
                             zs->price_assumed ? " (assumed constant price)" : "");
                } else {
                    raw = s->energy_cost_usd_per_mwh;
                    snprintf(note, sizeof note, "mean %.2f USD/MWh x PUE %.2f%s",
                             zs->mean_price_usd_per_mwh, k->pue,
                             zs->price_assumed ? " (assumed constant price)" : "");
                }
                assumed = zs->price_assumed;
                break;
            case GS_SC_HEADROOM:
                /* what the campus can draw: the zone's curtailment-enabled headroom, capped by
                 * the site's interconnection; the interconnection alone when the zone's is unknown */
                raw = s->available_mw;
                assumed = zs->headroom_assumed;
                if (isnan(zs->headroom_mw))
                    snprintf(note, sizeof note, "zone %s headroom unknown (no demand series): "
                             "interconnection %.0f MW only; need %.0f MW", zone->id, k->interconnect_mw, need);
                else
                    snprintf(note, sizeof note, "min(zone %s headroom %.0f MW at %.2g %% curtailment "
                             "(%s %d%s), interconnection %.0f MW); need %.0f MW",
                             zone->id, zs->headroom_mw, p->headroom_rate_pct,
                             zone->eia930_ba[0] ? "EIA-930" : "demand series", f->year,
                             assumed ? ", assumed" : "", k->interconnect_mw, need);
                break;
            case GS_SC_YEARS_TO_POWER:
                raw = k->years_to_power;
                snprintf(note, sizeof note, "as given in the candidates file");
                break;
            case GS_SC_CARBON:
                raw = zs->mean_carbon_g_per_kwh;
                assumed = zs->carbon_assumed;
                snprintf(note, sizeof note, "%s", isnan(raw) ? "no carbon series and no assumed figure"
                                                 : assumed ? "assumed annual mean"
                                                           : "mean of the hourly series");
                break;
            case GS_SC_DENSITY:
                raw = s->density_kw;
                snprintf(note, sizeof note, "design %.0f kW/rack, %s cooling%s; class range %.0f-%.0f kW: %s",
                         k->rack_kw_max, gs_cooling_name(k->cooling),
                         isfinite(cap) && cap < k->rack_kw_max ? " caps it" : "",
                         p->rack_kw_range[cls][0], p->rack_kw_range[cls][1],
                         s->hosts_range ? "hosts the whole range"
                         : s->density_kw >= p->rack_kw_range[cls][0] ? "hosts part of it"
                                                                     : "cannot host it");
                break;
            case GS_SC_REACH:
                raw = s->reach_share;
                snprintf(note, sizeof note, "share of users with RTT <= %.0f ms", p->latency_budget_ms);
                break;
            case GS_SC_RTT:
                raw = s->rtt_ms;
                snprintf(note, sizeof note, "demand-weighted over all %zu regions", opts->nregions);
                break;
            case GS_SC_GRID:
                raw = s->available_mw;
                snprintf(note, sizeof note, "min(interconnection %.0f MW, zone headroom %s); need %.0f MW",
                         k->interconnect_mw, isnan(zs->headroom_mw) ? "unknown" : "", need);
                if (!isnan(zs->headroom_mw)) {
                    char hb[32];
                    snprintf(hb, sizeof hb, "%.0f MW", zs->headroom_mw);
                    snprintf(note, sizeof note, "min(interconnection %.0f MW, zone headroom %s); need %.0f MW",
                             k->interconnect_mw, hb, need);
                }
                assumed = zs->headroom_assumed;
                break;
            case GS_SC_BUILD_COST:
                raw = s->build_usd_per_mw;
                snprintf(note, sizeof note, "land %.2f + build %.2f MUSD/MW",
                         k->land_usd_per_mw / 1e6, k->build_usd_per_mw / 1e6);
                break;
            default:
                break;
            }
            set_comp(&s->comp[c], kc, raw, best, worst, f->weight[cls][kc], assumed, note);
            if (!isnan(s->comp[c].norm)) {
                wsum += s->comp[c].weight;
                csum += s->comp[c].contribution;
            }
        }
        s->weight_with_data = wsum;
        s->score = wsum > 0 ? csum / wsum : 0;
    }
    if (out->n == 0) {
        gs_site_result_free(out);
        return gs_error_set(err, GS_EINPUT, f->path, 0, 0, "candidates",
                            "no candidate is offered for %s (see each candidate's 'classes')",
                            gs_class_name(cls));
    }
    /* insertion sort: a few hundred candidates at most, and no global comparator state */
    for (size_t i = 1; i < out->n; i++) {
        gs_site_score t = out->s[i];
        size_t j = i;
        for (; j > 0 && before(f, &t, &out->s[j - 1]); j--)
            out->s[j] = out->s[j - 1];
        out->s[j] = t;
    }
    for (size_t i = 0; i < out->n; i++)
        out->s[i].rank = (int)i + 1;
    return GS_OK;
}

void gs_site_result_free(gs_site_result *r)
{
    if (!r)
        return;
    free(r->s);
    free(r->zones);
    r->s = NULL;
    r->zones = NULL;
    r->n = r->nzones = 0;
}
