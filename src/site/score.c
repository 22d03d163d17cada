/* score.c: scoring of candidate sites per load class (include/gridsplit/site.h, docs/site.md).
 * Owns: the component catalogue (names, units, default weights and anchors), the zone figures
 * (mean and flexible price, mean carbon, curtailment-enabled headroom through gs_headroom_solve)
 * and the per-candidate components, each kept with its raw value, anchors, normalised value,
 * weight and contribution; for training, the flexibility value netted from the energy cost:
 * the top-hours arbitrage proxy and the market catalogue's reserve and capacity revenue (stacked
 * with market.h, never in the arbitrage hours, net of deployments priced with flex.h), each
 * product shown; for inference, reach and RTT over the people of the population file's places
 * within the latency budget. Pure: no I/O, no globals, deterministic (ties rank by id). */
#include "gridsplit/site.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/flex.h"
#include "gridsplit/headroom.h"
#include "gridsplit/time.h"
#include "gridsplit/market.h"

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
        /* latency to users drives inference siting (DESIGN.md): reach and RTT hold 0.60 */
        w[GS_SC_REACH] = 0.45;
        w[GS_SC_RTT] = 0.15;
        w[GS_SC_ENERGY_COST] = 0.15;
        w[GS_SC_GRID] = 0.15;
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
    p.training_utilisation = 0.85;
    p.flex_offer_share = 0.5;
    p.gpu_kw = 1.275;
    p.usd_per_gpu_hour = 2.0;
    p.checkpoint_interval_h = 3;
    p.restart_overhead_s = 600;
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
    case GS_SC_REACH: *best = 0.5; *worst = 0; break;
    case GS_SC_RTT: *best = 10; *worst = p->latency_budget_ms; break;
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

/* ---- flexibility revenue from the market catalogue (training; docs/site.md) ---- */

/* Availability per MW-h, in the price's currency, from a price in unit u's basis. */
static double rate_per_mw_h(gs_price_unit u, double price)
{
    double h = gs_price_unit_mw_hours(u);
    return isnan(h) ? 0 : price / h;
}

static void appendf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

typedef struct mprod {
    const gs_product *p;
    gs_site_market_line *line;
    double *price;          /* per hour of the year, NaN: no price */
} mprod;

/* Fill the hourly price of a product from a series of the edge, else the published figures
 * covering the year (a zonal figure beats the market-wide one). Returns the hours priced. */
static size_t product_prices(const gs_product *p, const char *zone, const gs_site_score_opts *opts,
                             int64_t t0, size_t nh, double *pr, gs_site_market_line *L)
{
    for (size_t h = 0; h < nh; h++)
        pr[h] = NAN;
    size_t have = 0;
    for (size_t k = 0; k < opts->nmseries && opts->mseries; k++) {
        const gs_site_market_series *ms = &opts->mseries[k];
        if (strcmp(ms->product, p->id))
            continue;
        if (ms->price)
            for (size_t h = 0; h < nh; h++) {
                double v = gs_series_at(ms->price, t0 + (int64_t)h * 3600);
                if (isfinite(v)) {
                    pr[h] = v;
                    have++;
                }
            }
        if (have) {
            snprintf(L->basis, sizeof L->basis, "series");
            L->label[0] = L->note[0] = 0;
            appendf(L->label, sizeof L->label, "series %s %s (%s)", p->series.format,
                    p->series.column, p->series.span);
            appendf(L->note, sizeof L->note, "%s; %zu hours priced; source: %s", ms->note, have,
                    p->series.source);
            return have;
        }
        snprintf(L->note, sizeof L->note, "%s; ", ms->note);
    }
    /* the published figures, in USD: in each hour the one gs_market_price_at picks (the rule
     * `flex` shares: zonal beats market-wide, a shorter period a longer one; the rate of the
     * hour's year) */
    const gs_published_price *named[32];
    size_t nnamed = 0;
    for (size_t h = 0; h < nh; h++) {
        int64_t t = t0 + (int64_t)h * 3600;
        gs_price_quote q;
        gs_error e = {0};
        if (!isnan(pr[h]) || gs_market_price_at(opts->markets, p, zone, t, &q, &e) != 1)
            continue;
        pr[h] = q.usd;
        have++;
        size_t k = 0;
        while (k < nnamed && named[k] != q.figure)
            k++;
        if (k == nnamed && nnamed < sizeof named / sizeof named[0]) {
            named[nnamed++] = q.figure;
            if (!L->basis[0]) {
                snprintf(L->basis, sizeof L->basis, "published");
                snprintf(L->label, sizeof L->label, "%s", q.figure->label);
            }
            appendf(L->note, sizeof L->note, "%s %s %g %s%s; ", q.figure->period, q.figure->zone, q.figure->value,
                    gs_price_unit_name(q.figure->unit), q.fx[0] ? " (in USD at the year's annual average)" : "");
        }
    }
    if (have) {
        const char *src = "";
        for (size_t k = 0; k < p->nprices && !src[0]; k++)
            src = p->prices[k].source;
        appendf(L->note, sizeof L->note, "source: %s", src);
    }
    return have;
}

/* The market revenue of training candidate k (score s), net of its deployments' cost: each hour
 * of the file's year not curtailed for arbitrage (curt), the MW offered are sold to the zone's
 * priced products in order of value per MW-h (gs_stack_allocate: never twice); availability
 * paid with gs_availability_payment; each catalogue grid event of the zone in the year deploys
 * the MW sold at its start, priced by the flex lever cost (pause at once). Pure. */
static int market_value(const gs_site_file *f, const gs_site_cand *k, const gs_site_score_opts *opts,
                        const gs_series *zprice, const unsigned char *curt, gs_site_score *s,
                        gs_error *err)
{
    const gs_site_params *P = &f->params;
    const gs_market_catalog *cat = opts->markets;
    const char *zone = f->zones[k->zone].id;
    int64_t t0 = gs_utc_from_civil(f->year, 1, 1, 0, 0, 0), t1 = gs_utc_from_civil(f->year + 1, 1, 1, 0, 0, 0);
    size_t nh = (size_t)((t1 - t0) / 3600);
    s->load_mw = k->interconnect_mw * P->training_utilisation;
    double off_down = fmin(P->flex_offer_share * k->interconnect_mw, s->load_mw);
    double off_up = fmin(P->flex_offer_share * k->interconnect_mw, k->interconnect_mw - s->load_mw);
    s->offer_mw = off_down;
    double it_mwh = s->load_mw * (double)nh / k->pue; /* IT energy of the year */
    if (!cat)
        return GS_OK;
    mprod mp[GS_SITE_MAX_MARKET];
    size_t nmp = 0;
    int rc = GS_OK;
    double *sold_down = calloc(nh, sizeof *sold_down);
    if (!sold_down)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (size_t i = 0; i < cat->nproducts && s->nmarket + 1 < GS_SITE_MAX_MARKET; i++) {
        const gs_product *p = &cat->products[i];
        if (!gs_product_in_zone(p, zone) || gs_product_eligibility(p, GS_TRAINING) != GS_ELIG_YES)
            continue;
        gs_site_market_line *L = &s->market[s->nmarket++];
        memset(L, 0, sizeof *L);
        snprintf(L->product, sizeof L->product, "%s", p->id);
        snprintf(L->kind, sizeof L->kind, "%s", gs_product_kind_name(p->kind));
        snprintf(L->direction, sizeof L->direction, "%s", gs_direction_name(p->direction));
        L->price_mean = L->hours_sold = L->mw_sold = NAN;
        const char *basis = strchr(gs_price_unit_name(p->availability_unit), '/');
        snprintf(L->unit, sizeof L->unit, "USD%s", basis ? basis : "");
        if (p->kind == GS_PK_ENERGY) {
            snprintf(L->note, sizeof L->note, "energy price: valued by the arbitrage component (the top "
                     "%.1f %% price hours), not counted twice", 100 * P->flex_hours_share);
            continue;
        }
        if (p->kind == GS_PK_PEAK) {
            snprintf(L->note, sizeof L->note, "avoided peak charge: the USD/kW-year rate is each "
                     "utility's tariff, not in the catalogue");
            continue;
        }
        if (!gs_price_unit_is_availability(p->availability_unit)) {
            snprintf(L->note, sizeof L->note, "availability not paid, or its price unit not sourced "
                     "(docs/markets.md)");
            continue;
        }
        double *pr = malloc(nh * sizeof *pr);
        if (!pr) {
            rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto done;
        }
        size_t have = product_prices(p, zone, opts, t0, nh, pr, L);
        if (!have) {
            free(pr);
            L->basis[0] = L->label[0] = 0;
            appendf(L->note, sizeof L->note, "no price for %d: %s", f->year,
                    p->has_series ? "its series does not cover the year and no published figure does"
                                  : "no series and no published figure covering the year");
            if (p->nprices) {
                appendf(L->note, sizeof L->note, " (figures for:");
                for (size_t q = 0; q < p->nprices; q++)
                    appendf(L->note, sizeof L->note, "%s %s", q ? ";" : "", p->prices[q].period);
                appendf(L->note, sizeof L->note, ")");
            }
            continue;
        }
        L->priced = 1;
        L->price_mean = L->hours_sold = L->mw_sold = 0;
        mp[nmp].p = p;
        mp[nmp].line = L;
        mp[nmp].price = pr;
        nmp++;
    }
    /* hour by hour: the curtailed hours sell nothing (the load is off); the others offer the MW
     * to the priced products, most valuable per MW-h first */
    for (size_t h = 0; h < nh && nmp; h++) {
        int64_t t = t0 + (int64_t)h * 3600;
        if (curt && zprice && t >= zprice->start_s) {
            size_t zi = (size_t)((t - zprice->start_s) / zprice->step_s);
            if (zi < zprice->n && curt[zi])
                continue;
        }
        gs_offer off[GS_SITE_MAX_MARKET];
        size_t idx[GS_SITE_MAX_MARKET], no = 0;
        for (size_t q = 0; q < nmp; q++) {
            double v = mp[q].price[h];
            if (!isfinite(v))
                continue;
            /* insertion by value per MW-h, descending; ties keep catalogue order */
            double r = rate_per_mw_h(mp[q].p->availability_unit, v);
            size_t j = no;
            while (j > 0 && rate_per_mw_h(mp[idx[j - 1]].p->availability_unit, mp[idx[j - 1]].price[h]) < r) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = q;
            no++;
        }
        if (!no)
            continue;
        for (size_t j = 0; j < no; j++) {
            const gs_product *p = mp[idx[j]].p;
            off[j].interval = 0;
            off[j].product = p;
            off[j].mw = p->direction == GS_DIR_UP ? off_up
                        : p->direction == GS_DIR_BOTH ? fmin(off_down, off_up) : off_down;
            off[j].priority = (int)j;
        }
        gs_stack_room room = {off_down, off_up};
        double alloc[GS_SITE_MAX_MARKET];
        if ((rc = gs_stack_allocate(off, no, &room, 1, alloc, err)))
            goto done;
        for (size_t j = 0; j < no; j++) {
            if (!(alloc[j] > 0))
                continue;
            mprod *m = &mp[idx[j]];
            double v = m->price[h];
            m->line->usd_per_year += gs_availability_payment(m->p, alloc[j], 1.0, v);
            m->line->hours_sold += 1;
            m->line->mw_sold += alloc[j];
            m->line->price_mean += v;
            if (m->p->direction != GS_DIR_UP)
                sold_down[h] += alloc[j];
        }
    }
    for (size_t q = 0; q < nmp; q++) {
        gs_site_market_line *L = mp[q].line;
        double mw = mp[q].p->direction == GS_DIR_UP ? off_up : off_down;
        if (L->hours_sold > 0) {
            L->price_mean /= L->hours_sold;
            L->mw_sold /= L->hours_sold;
        } else {
            L->price_mean = L->mw_sold = NAN;
        }
        L->usd_per_mw_year = mw > 0 ? L->usd_per_year / mw : 0;
        L->usd_per_mwh = it_mwh > 0 ? L->usd_per_year / it_mwh : 0;
        s->market_usd_per_mwh += L->usd_per_mwh;
    }
    /* deployments: the zone's catalogue grid events in the year call the MW sold at their start;
     * the runs on them pause at once and lose the work since their checkpoint (half an interval
     * on average), the event and a restart: flex.h's lever cost at usd_per_gpu_hour */
    if (nmp && cat->events) {
        gs_site_market_line D;
        memset(&D, 0, sizeof D);
        snprintf(D.product, sizeof D.product, "deployments");
        D.price_mean = D.mw_sold = NAN;
        snprintf(D.unit, sizeof D.unit, "USD/GPU-h");
        snprintf(D.basis, sizeof D.basis, "lever cost");
        snprintf(D.label, sizeof D.label, "pause at once, %.2f USD per GPU-hour lost", P->usd_per_gpu_hour);
        size_t nev = 0;
        for (size_t e = 0; e < cat->nevents; e++) {
            const gs_grid_event *ev = &cat->events[e];
            if (ev->kind == GS_EV_4CP || !gs_event_in_zone(ev, zone))
                continue;
            int64_t a = ev->start_s > t0 ? ev->start_s : t0, b = ev->end_s < t1 ? ev->end_s : t1;
            if (b <= a)
                continue;
            size_t h = (size_t)((a - t0) / 3600);
            double mw = h < nh ? sold_down[h] : 0;
            nev++;
            if (!(mw > 0)) {
                appendf(D.note, sizeof D.note, "%s: no MW sold that hour (curtailed for arbitrage or "
                        "unpriced); ", ev->id);
                continue;
            }
            gs_flex_job j;
            memset(&j, 0, sizeof j);
            j.gpus = mw * 1000.0 / k->pue / P->gpu_kw;
            j.usd_per_gpu_hour = P->usd_per_gpu_hour;
            j.length_s = 28 * 86400.0;
            j.since_ckpt_s = 0.5 * P->checkpoint_interval_h * 3600.0;
            j.restart_overhead_s = P->restart_overhead_s;
            j.tier = 1;
            j.deadline_margin_s = INFINITY;
            double dur = (double)(b - a);
            double lost = gs_flex_lost_s(&j, GS_LEVER_PAUSE_NOW, dur, -1, 0, 0);
            gs_flex_cost c;
            gs_flex_price(&j, lost, 0, &c);
            D.usd_per_year -= c.usd;
            D.hours_sold += dur / 3600.0;
            appendf(D.note, sizeof D.note, "%s: %.0f MW for %.2f h, %.0f GPU-h lost; ", ev->id, mw,
                    dur / 3600.0, c.gpu_hours);
        }
        if (nev) {
            D.priced = 1;
            snprintf(D.kind, sizeof D.kind, "cost");
            snprintf(D.direction, sizeof D.direction, "down");
            D.usd_per_mw_year = off_down > 0 ? D.usd_per_year / off_down : 0;
            D.usd_per_mwh = it_mwh > 0 ? D.usd_per_year / it_mwh : 0;
            s->market_usd_per_mwh += D.usd_per_mwh;
            s->market[s->nmarket++] = D;
        }
    }
done:
    for (size_t q = 0; q < nmp; q++)
        free(mp[q].price);
    free(sold_down);
    return rc;
}

/* The arbitrage hours of a zone's price series: the top floor(share x n) finite values (ties:
 * earlier hour first). NULL when the zone has no series; *mask owned by the caller. */
typedef struct vi {
    double v;
    size_t i;
} vi;
static int cmp_vi_desc(const void *a, const void *b)
{
    const vi *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? 1 : -1;
    return (x->i > y->i) - (x->i < y->i);
}
static int curtail_mask(const gs_series *p, double share, unsigned char **mask)
{
    *mask = NULL;
    if (!p || p->n == 0)
        return GS_OK;
    unsigned char *m = calloc(p->n, 1);
    vi *a = malloc(p->n * sizeof *a);
    if (!m || !a) {
        free(m);
        free(a);
        return GS_ENOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        if (isfinite(p->v[i]))
            a[n++] = (vi){p->v[i], i};
    qsort(a, n, sizeof *a, cmp_vi_desc);
    size_t cut = (size_t)floor(share * (double)n);
    for (size_t i = 0; i < cut && i < n; i++)
        m[a[i].i] = 1;
    free(a);
    *mask = m;
    return GS_OK;
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

    /* training: the arbitrage hours of each zone, so reserves are not sold in them */
    unsigned char **masks = calloc(f->nzones ? f->nzones : 1, sizeof *masks);
    if (!masks) {
        gs_site_result_free(out);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t z = 0; cls == GS_TRAINING && z < f->nzones; z++)
        if (curtail_mask(f->zones[z].price, p->flex_hours_share, &masks[z])) {
            rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto fail;
        }

    gs_site_comp comps[GS_SITE_MAX_COMP];
    size_t nc = gs_site_class_components(cls, comps);
    double need = p->need_mw[cls];
    /* inference: the people of the population places, the denominator of reach */
    double people = 0;
    size_t nplaces = 0;
    for (size_t q = 0; cls == GS_INFERENCE && opts->places && q < opts->nplaces; q++)
        if (opts->places[q].population > 0) {
            people += opts->places[q].population;
            nplaces++;
        }
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
            s->arbitrage_usd_per_mwh =
                opts->flex_value ? opts->flex_value(f, i, zs, opts->flex_ctx)
                                 : (zs->mean_price_usd_per_mwh - zs->flex_price_usd_per_mwh) * k->pue;
            if ((rc = market_value(f, k, opts, zone->price, masks[k->zone], s, err)))
                goto fail;
            s->flex_value_usd_per_mwh = s->arbitrage_usd_per_mwh + s->market_usd_per_mwh;
        }
        s->energy_cost_net_usd_per_mwh = s->energy_cost_usd_per_mwh - s->flex_value_usd_per_mwh;
        s->headroom_mw = zs->headroom_mw;
        s->available_mw = isnan(zs->headroom_mw) ? k->interconnect_mw
                                                  : fmin(k->interconnect_mw, zs->headroom_mw);
        double cap = p->cooling_cap_kw[k->cooling];
        s->density_kw = fmin(k->rack_kw_max, cap);
        s->hosts_range = s->density_kw >= p->rack_kw_range[cls][1];
        s->build_usd_per_mw = k->land_usd_per_mw + k->build_usd_per_mw;
        s->reach_share = s->rtt_ms = s->rtt_all_ms = s->reach_people = NAN;
        if (cls == GS_INFERENCE) {
            /* rtt: over the users the site can serve within the budget; the others are the
             * reach component's business and must not dominate this one */
            double reach = 0, rtt = 0, all = 0;
            for (size_t r = 0; r < opts->nregions; r++) {
                const gs_region *g = &opts->regions[r];
                double ms = gs_latency_rtt_ms(&lm, k->lat, k->lon, g->lat, g->lon);
                all += g->share * ms;
                if (ms <= p->latency_budget_ms) {
                    reach += g->share;
                    rtt += g->share * ms;
                }
            }
            s->rtt_all_ms = all;
            if (people > 0) {
                /* reach: the people of the population file whose place is within the budget's
                 * RTT of the site, by the same latency model; rtt over those people */
                double in = 0, in_ms = 0;
                for (size_t q = 0; q < opts->nplaces; q++) {
                    const gs_city *c = &opts->places[q];
                    if (!(c->population > 0))
                        continue;
                    double ms = gs_latency_rtt_ms(&lm, k->lat, k->lon, c->lat, c->lon);
                    if (ms <= p->latency_budget_ms) {
                        in += c->population;
                        in_ms += c->population * ms;
                    }
                }
                s->reach_people = in;
                reach = in / people;
                rtt = in > 0 ? in_ms / people : 0; /* so that rtt / reach is the mean */
            }
            s->reach_share = reach;
            s->rtt_ms = reach > 0 ? rtt / reach : p->latency_budget_ms;
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
                             "mean %.2f x PUE %.2f = %.2f, less arbitrage %.2f (top %.1f %% hours) "
                             "and markets %.2f (",
                             zs->mean_price_usd_per_mwh, k->pue, s->energy_cost_usd_per_mwh,
                             s->arbitrage_usd_per_mwh, 100 * p->flex_hours_share,
                             s->market_usd_per_mwh);
                    int any = 0;
                    for (size_t q = 0; q < s->nmarket; q++)
                        if (s->market[q].priced && strcmp(s->market[q].product, "deployments")) {
                            appendf(note, sizeof note, "%s%s", any ? ", " : "", s->market[q].product);
                            any = 1;
                        }
                    appendf(note, sizeof note, "%s) USD/MWh%s", any ? "" : "none priced",
                            zs->price_assumed ? "; assumed constant price" : "");
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
                if (people > 0 && lm.cables)
                    snprintf(note, sizeof note, "%.1f M of the %.1f M people of %zu populated places "
                             "with RTT <= %.0f ms (cable-aware latency model)",
                             s->reach_people / 1e6, people / 1e6, nplaces, p->latency_budget_ms);
                else if (people > 0)
                    snprintf(note, sizeof note, "%.1f M of the %.1f M people of %zu populated places "
                             "with RTT <= %.0f ms (2 x %.3f x great circle / 200 km/ms + %.1f ms)",
                             s->reach_people / 1e6, people / 1e6, nplaces, p->latency_budget_ms,
                             lm.route_factor, lm.overhead_ms);
                else
                    snprintf(note, sizeof note, "share of the demand regions with RTT <= %.0f ms "
                             "(no population places given)", p->latency_budget_ms);
                break;
            case GS_SC_RTT:
                raw = s->rtt_ms;
                if (s->reach_share > 0)
                    snprintf(note, sizeof note, "%s-weighted over the %s within %.0f ms "
                             "(%.1f %%); over all %zu regions: %.1f ms",
                             people > 0 ? "population" : "demand", people > 0 ? "people" : "users",
                             p->latency_budget_ms, 100 * s->reach_share, opts->nregions, s->rtt_all_ms);
                else
                    snprintf(note, sizeof note, "no user within %.0f ms: counted at the budget; over "
                             "all %zu regions: %.1f ms", p->latency_budget_ms, opts->nregions, s->rtt_all_ms);
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
    for (size_t z = 0; z < f->nzones; z++)
        free(masks[z]);
    free(masks);
    masks = NULL;
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
fail:
    for (size_t z = 0; masks && z < f->nzones; z++)
        free(masks[z]);
    free(masks);
    gs_site_result_free(out);
    return rc;
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
