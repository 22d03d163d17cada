/* scenarios.c: demand trajectories of training and inference and what they do to a fleet
 * (include/gridsplit/scenarios.h, docs/scenarios.md). Owns: the growth index and share curves
 * of a scenario, the per-site, per-class, per-year table (capacity, demand, served, unserved,
 * spare, convertible and stranded MW, shares of interconnection and zone headroom, utilisation,
 * flexibility revenue, new racks' density), the conversion test of training campuses (RTT to
 * the nearest large demand region, gs_latency_rtt_ms, against the budget) and each site's value
 * under each trajectory. Flexibility revenue is gs_site_rank's market value (site.h) of a
 * one-candidate file at the year's load; values compose gs_econ_underwrite's rows (econ.h),
 * affine in utilisation, with the year's utilisation and flexibility revenue. Pure: no I/O, no
 * clock, no globals, deterministic. */
#include "gridsplit/scenarios.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/latency.h"
#include "gridsplit/route.h"

#define NK GS_NCLASS

static const char *const FORM_NAME[GS_SCEN_NFORMS] = {"classes", "total_share", "training_share",
                                                      "inference_share", "between"};

const char *gs_scen_form_name(gs_scen_form f)
{
    return (unsigned)f < GS_SCEN_NFORMS ? FORM_NAME[f] : "?";
}

/* ---- trajectories ------------------------------------------------------------------------ */

/* The rate that takes year - 1 to year: the last step from at or before year; 0 before any. */
static double rate_of(const gs_scen_growth *g, int year)
{
    double r = 0;
    for (size_t i = 0; i < g->n; i++)
        if (g->step[i].from_year <= year)
            r = g->step[i].rate;
    return r;
}

double gs_scen_growth_index(const gs_scen_growth *g, int base_year, int year)
{
    double x = 1;
    for (int y = base_year + 1; y <= year; y++)
        x *= 1.0 + rate_of(g, y);
    for (int y = base_year; y > year; y--)
        x /= 1.0 + rate_of(g, y);
    return x;
}

double gs_scen_curve_at(const gs_scen_curve *c, int year)
{
    if (c->n == 0)
        return NAN;
    if (year <= c->pt[0].year)
        return c->pt[0].value;
    for (size_t i = 1; i < c->n; i++)
        if (year <= c->pt[i].year) {
            const gs_scen_point *a = &c->pt[i - 1], *b = &c->pt[i];
            return a->value + (b->value - a->value) * (double)(year - a->year) /
                                  (double)(b->year - a->year);
        }
    return c->pt[c->n - 1].value;
}

static int check_growth(const gs_scen_growth *g, size_t i, const char *key, gs_error *err)
{
    char field[96];
    if (g->n > GS_SCEN_STEPS_MAX) {
        snprintf(field, sizeof field, "scenarios[%zu].%s.growth", i, key);
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field, "expected at most %d steps, found %zu",
                            GS_SCEN_STEPS_MAX, g->n);
    }
    for (size_t j = 0; j < g->n; j++) {
        const gs_scen_rate *s = &g->step[j];
        snprintf(field, sizeof field, "scenarios[%zu].%s.growth[%zu]", i, key, j);
        if (s->from_year < GS_SCEN_YEAR_MIN || s->from_year > GS_SCEN_YEAR_MAX)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field, "expected a year in [%d, %d], found %d",
                                GS_SCEN_YEAR_MIN, GS_SCEN_YEAR_MAX, s->from_year);
        if (j && s->from_year <= g->step[j - 1].from_year)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field,
                                "expected steps by ascending year, found %d after %d", s->from_year,
                                g->step[j - 1].from_year);
        if (!(isfinite(s->rate) && s->rate > -1 && s->rate <= GS_SCEN_RATE_MAX))
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field,
                                "expected a growth rate per year in (-1, %g], found %g",
                                GS_SCEN_RATE_MAX, s->rate);
    }
    return 0;
}

int gs_scen_check(const gs_scenario *set, size_t n, gs_error *err)
{
    char field[96];
    for (size_t i = 0; i < n; i++) {
        const gs_scenario *s = &set[i];
        snprintf(field, sizeof field, "scenarios[%zu].id", i);
        if (!s->id[0])
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field, "expected an id, found none");
        for (size_t j = 0; j < i; j++)
            if (!strcmp(set[j].id, s->id))
                return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field,
                                    "expected each id once, found '%s' again", s->id);
        if ((unsigned)s->form >= GS_SCEN_NFORMS)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field, "scenario '%s': unknown form %d",
                                s->id, (int)s->form);
        int rc;
        if ((rc = check_growth(&s->training, i, "training", err)) ||
            (rc = check_growth(&s->inference, i, "inference", err)) ||
            (rc = check_growth(&s->total, i, "total", err)))
            return rc;
        int need_share = s->form == GS_SCEN_TOTAL_SHARE || s->form == GS_SCEN_TRAINING_SHARE ||
                         s->form == GS_SCEN_INFERENCE_SHARE;
        snprintf(field, sizeof field, "scenarios[%zu].inference_share", i);
        if (need_share && s->share.n == 0)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field,
                                "scenario '%s' (%s): expected inference share points, found none",
                                s->id, gs_scen_form_name(s->form));
        if (s->share.n > GS_SCEN_STEPS_MAX)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field, "expected at most %d points, found %zu",
                                GS_SCEN_STEPS_MAX, s->share.n);
        for (size_t j = 0; j < s->share.n; j++) {
            const gs_scen_point *p = &s->share.pt[j];
            snprintf(field, sizeof field, "scenarios[%zu].inference_share[%zu]", i, j);
            if (p->year < GS_SCEN_YEAR_MIN || p->year > GS_SCEN_YEAR_MAX)
                return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field, "expected a year in [%d, %d], found %d",
                                    GS_SCEN_YEAR_MIN, GS_SCEN_YEAR_MAX, p->year);
            if (j && p->year <= s->share.pt[j - 1].year)
                return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field,
                                    "expected points by ascending year, found %d after %d", p->year,
                                    s->share.pt[j - 1].year);
            if (!(isfinite(p->value) && p->value > 0 && p->value < 1))
                return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field,
                                    "expected a share in (0, 1), found %g", p->value);
        }
        if (s->form == GS_SCEN_BETWEEN) {
            snprintf(field, sizeof field, "scenarios[%zu].between", i);
            if (s->between[0] >= i || s->between[1] >= i)
                return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field,
                                    "scenario '%s': expected two scenarios defined before it", s->id);
            if (!(isfinite(s->weight) && s->weight >= 0 && s->weight <= 1))
                return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field,
                                    "expected a weight in [0, 1], found %g", s->weight);
        }
    }
    return 0;
}

static double odds(double s)
{
    return s / (1.0 - s);
}

void gs_scen_index(const gs_scenario *set, size_t n, size_t i, int base_year, int year,
                   double idx[GS_NCLASS])
{
    const gs_scenario *s = &set[i];
    double s0 = gs_scen_curve_at(&s->share, base_year), s1 = gs_scen_curve_at(&s->share, year);
    switch (s->form) {
    case GS_SCEN_CLASSES:
        idx[GS_TRAINING] = gs_scen_growth_index(&s->training, base_year, year);
        idx[GS_INFERENCE] = gs_scen_growth_index(&s->inference, base_year, year);
        break;
    case GS_SCEN_TOTAL_SHARE: {
        double g = gs_scen_growth_index(&s->total, base_year, year);
        idx[GS_TRAINING] = g * (1.0 - s1) / (1.0 - s0);
        idx[GS_INFERENCE] = g * s1 / s0;
        break;
    }
    case GS_SCEN_TRAINING_SHARE:
        idx[GS_TRAINING] = gs_scen_growth_index(&s->training, base_year, year);
        idx[GS_INFERENCE] = idx[GS_TRAINING] * odds(s1) / odds(s0);
        break;
    case GS_SCEN_INFERENCE_SHARE:
        idx[GS_INFERENCE] = gs_scen_growth_index(&s->inference, base_year, year);
        idx[GS_TRAINING] = idx[GS_INFERENCE] * odds(s0) / odds(s1);
        break;
    case GS_SCEN_BETWEEN: {
        double a[NK], b[NK];
        if (s->between[0] < i && s->between[1] < i && i < n) {
            gs_scen_index(set, n, s->between[0], base_year, year, a);
            gs_scen_index(set, n, s->between[1], base_year, year, b);
        } else {
            a[0] = a[1] = b[0] = b[1] = NAN;
        }
        for (int k = 0; k < NK; k++)
            idx[k] = pow(a[k], 1.0 - s->weight) * pow(b[k], s->weight);
        break;
    }
    default:
        idx[GS_TRAINING] = idx[GS_INFERENCE] = NAN;
        break;
    }
}

/* ---- applied to a fleet ------------------------------------------------------------------ */

const gs_scen_cell *gs_scen_cell_at(const gs_scen_result *res, size_t r, int y, size_t s, int k)
{
    return &res->cells[(((r * (size_t)res->years + (size_t)y) * res->nsites + s) * NK) + (size_t)k];
}

void gs_scen_result_free(gs_scen_result *r)
{
    if (!r)
        return;
    free(r->cells);
    free(r->sites);
    free(r->value);
    free(r->flat);
    free(r->totals);
    free(r->zone_share);
    free(r->index);
    free(r);
}

/* The flexibility cache of one training site: the market value at each load asked so far. */
typedef struct flexcache {
    size_t n, cap;
    double *load, *usd;
} flexcache;

typedef struct run_ctx {
    const gs_scen_inputs *in;
    gs_scen_result *res;
    flexcache *fc;             /* [nsites] */
} run_ctx;

/* The training clusters of site s: IT kW per GPU and value of a GPU-hour, GPU-weighted. */
static void training_gpu_figures(const gs_fleet *f, size_t s, double *kw, double *usd)
{
    double gpus = 0, it = 0, val = 0, valgpus = 0;
    for (size_t c = 0; c < f->nclusters; c++) {
        const gs_cluster *cl = &f->clusters[c];
        if (cl->site != (int)s || cl->cls != GS_TRAINING)
            continue;
        gpus += cl->gpus;
        it += gs_cluster_nameplate_mw(f, cl);
        if (cl->cost_usd_per_gpu_hour > 0) {
            val += cl->gpus * cl->cost_usd_per_gpu_hour;
            valgpus += cl->gpus;
        }
    }
    gs_site_params d = gs_site_params_default();
    *kw = gpus > 0 && it > 0 ? it * 1000.0 / gpus : d.gpu_kw;
    *usd = valgpus > 0 ? val / valgpus : d.usd_per_gpu_hour;
}

/* The market value of site s's training load at load_mw (grid MW, at most the interconnection),
 * by gs_site_rank on a one-candidate file (the rules of `gridsplit site`, docs/site.md). score
 * (may be NULL) gets the whole score. */
static int flex_value(const gs_scen_inputs *in, size_t s, double load_mw, double *usd,
                      gs_site_score *score, gs_error *err)
{
    const gs_fleet *f = in->fleet;
    const gs_site *site = &f->sites[s];
    const gs_zone *zone = &f->zones[site->zone];
    gs_site_zone z;
    gs_site_cand k;
    gs_site_file file;
    memset(&z, 0, sizeof z);
    memset(&k, 0, sizeof k);
    memset(&file, 0, sizeof file);
    snprintf(z.id, sizeof z.id, "%s", zone->id);
    /* the engine only reads the series; the site file's type is not const */
    z.price = (gs_series *)zone->price_usd_per_mwh;
    /* without a price series the zone's energy price plays no part: the market lines are what
     * is used (the arbitrage component is an energy cost, not revenue) */
    z.price_assumed_usd_per_mwh = z.price ? NAN : 0;
    z.carbon_assumed_g_per_kwh = NAN;
    z.headroom_assumed_mw = NAN;
    snprintf(z.source, sizeof z.source, "fleet %.240s", f->path);
    snprintf(k.id, sizeof k.id, "%s", site->id);
    snprintf(k.name, sizeof k.name, "%s", site->name);
    k.lat = site->lat;
    k.lon = site->lon;
    k.zone = 0;
    k.interconnect_mw = site->interconnect_mw;
    k.years_to_power = 1;
    k.pue = gs_site_peak_pue(site);
    k.rack_kw_max = site->rack_kw_max;
    k.cooling = site->cooling;
    k.classes = 1 << GS_TRAINING;
    snprintf(file.path, sizeof file.path, "%s", f->path);
    snprintf(file.name, sizeof file.name, "%s", f->name);
    file.nzones = 1;
    file.zones = &z;
    file.ncands = 1;
    file.cands = &k;
    gs_site_default_weights(GS_TRAINING, file.weight[GS_TRAINING]);
    gs_site_default_weights(GS_INFERENCE, file.weight[GS_INFERENCE]);
    for (int c = 0; c < GS_SC_N; c++)
        file.best[c] = file.worst[c] = NAN;
    file.params = gs_site_params_default();
    file.params.training_utilisation = site->interconnect_mw > 0 ? load_mw / site->interconnect_mw : 0;
    training_gpu_figures(f, s, &file.params.gpu_kw, &file.params.usd_per_gpu_hour);
    file.year = in->market_year;
    gs_site_score_opts so;
    memset(&so, 0, sizeof so);
    so.markets = in->markets;
    so.mseries = in->mseries;
    so.nmseries = in->nmseries;
    gs_site_result r;
    int rc = gs_site_rank(&file, GS_TRAINING, &so, &r, err);
    if (rc)
        return rc;
    double sum = 0;
    if (r.n == 1) {
        for (size_t q = 0; q < r.s[0].nmarket; q++)
            if (r.s[0].market[q].priced)
                sum += r.s[0].market[q].usd_per_year;
        if (score)
            *score = r.s[0];
    }
    gs_site_result_free(&r);
    *usd = sum;
    return 0;
}

/* The cached market value of site s at load_mw. */
static int flex_at(run_ctx *c, size_t s, double load_mw, double *usd, gs_error *err)
{
    flexcache *fc = &c->fc[s];
    for (size_t i = 0; i < fc->n; i++)
        if (fc->load[i] == load_mw) {
            *usd = fc->usd[i];
            return 0;
        }
    int rc = flex_value(c->in, s, load_mw, usd, NULL, err);
    if (rc)
        return rc;
    if (fc->n == fc->cap) {
        size_t cap = fc->cap ? 2 * fc->cap : 16;
        double *l = realloc(fc->load, cap * sizeof *l);
        if (!l)
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        fc->load = l;
        double *u = realloc(fc->usd, cap * sizeof *u);
        if (!u)
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        fc->usd = u;
        fc->cap = cap;
    }
    fc->load[fc->n] = load_mw;
    fc->usd[fc->n++] = *usd;
    return 0;
}

/* Mean GPU activity of class k at site s for a demand index. */
static double utilisation(const gs_scen_inputs *in, const gs_scen_site *si, int k, double idx)
{
    double u0 = si->base_utilisation[k];
    if (!isfinite(u0))
        return NAN;
    double cap = fmax(in->params.max_utilisation[k], u0);
    return fmin(cap, u0 * idx);
}

/* The year's market value of site s's training load (0 without training or markets). */
static int flex_of_year(run_ctx *c, size_t s, double u, double *usd, gs_error *err)
{
    const gs_scen_site *si = &c->res->sites[s];
    *usd = 0;
    if (!si->present[GS_TRAINING] || !c->in->markets || !isfinite(u))
        return 0;
    double load = fmin(si->capacity_mw[GS_TRAINING] * u, si->interconnect_mw);
    return flex_at(c, s, load, usd, err);
}

/* What the fleet says of site s: classes, capacity, utilisation, hosting, conversion. */
static void site_facts(const gs_scen_inputs *in, size_t s, gs_scen_site *si)
{
    const gs_fleet *f = in->fleet;
    const gs_site *site = &f->sites[s];
    double gpus[NK] = {0}, busy[NK] = {0};
    for (size_t c = 0; c < f->nclusters; c++) {
        const gs_cluster *cl = &f->clusters[c];
        if (cl->site != (int)s)
            continue;
        si->present[cl->cls] = 1;
        si->capacity_mw[cl->cls] += gs_cluster_nameplate_mw(f, cl) * gs_site_peak_pue(site);
        gpus[cl->cls] += cl->gpus;
        busy[cl->cls] += cl->gpus * cl->utilisation;
    }
    si->base_utilisation[GS_TRAINING] = gpus[GS_TRAINING] > 0 ? busy[GS_TRAINING] / gpus[GS_TRAINING] : NAN;
    si->base_utilisation[GS_INFERENCE] = NAN;
    si->interconnect_mw = site->interconnect_mw;
    si->headroom_mw = in->zone_headroom_mw ? in->zone_headroom_mw[site->zone] : NAN;
    gs_site_params d = gs_site_params_default();
    double cap = site->cooling <= GS_COOL_LIQUID ? d.cooling_cap_kw[site->cooling] : INFINITY;
    si->rack_kw_host = fmin(site->rack_kw_max, cap);
    /* the conversion test: the nearest large demand region of any service */
    if (!si->present[GS_TRAINING])
        return;
    gs_latency_model lm = gs_latency_model_default();
    double best = INFINITY;
    for (size_t v = 0; v < f->nservices; v++) {
        const gs_service *svc = &f->services[v];
        double limit = in->params.rtt_limit_ms > 0
                           ? in->params.rtt_limit_ms
                           : svc->latency_budget_ms - (svc->server_time_ms > 0
                                                           ? svc->server_time_ms
                                                           : GS_ROUTE_DEFAULT_SERVER_MS);
        for (size_t g = 0; g < svc->nregions; g++) {
            const gs_region *reg = &svc->regions[g];
            if (!(reg->share >= in->params.large_region_share))
                continue;
            double ms = gs_latency_rtt_ms(&lm, site->lat, site->lon, reg->lat, reg->lon);
            if (ms < best) {
                best = ms;
                si->assessed = 1;
                snprintf(si->region, sizeof si->region, "%s", reg->id);
                snprintf(si->service, sizeof si->service, "%s", svc->id);
                si->region_share = reg->share;
                si->rtt_ms = ms;
                si->limit_ms = limit;
                si->convertible = ms <= limit;
            }
        }
    }
    if (!si->assessed)
        si->region_share = si->rtt_ms = si->limit_ms = NAN;
}

static int check_inputs(const gs_scen_inputs *in, gs_error *err)
{
    if (!in || !in->fleet || !in->set || !in->run)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL, "expected a fleet and scenarios to run");
    int rc = gs_scen_check(in->set, in->nset, err);
    if (rc)
        return rc;
    if (in->nrun == 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "scenarios", "expected at least one scenario to run");
    for (size_t i = 0; i < in->nrun; i++)
        if (in->run[i] >= in->nset)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "scenarios",
                                "expected scenarios of the set (%zu), found index %zu", in->nset, in->run[i]);
    if (in->years < 1 || in->years > 100)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "years", "expected 1 to 100 years, found %d",
                            in->years);
    if (in->from_year < GS_SCEN_YEAR_MIN || in->from_year + in->years - 1 > GS_SCEN_YEAR_MAX)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "from_year",
                            "expected years within [%d, %d], found %d to %d", GS_SCEN_YEAR_MIN,
                            GS_SCEN_YEAR_MAX, in->from_year, in->from_year + in->years - 1);
    const gs_scen_params *p = &in->params;
    for (int k = 0; k < NK; k++) {
        if (!(p->max_utilisation[k] > 0 && p->max_utilisation[k] <= 1))
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "max_utilisation",
                                "expected a share in (0, 1] for %s, found %g", gs_class_name((gs_class)k),
                                p->max_utilisation[k]);
        if (p->rack_kw[k].n > GS_SCEN_STEPS_MAX)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "rack_kw", "expected at most %d points",
                                GS_SCEN_STEPS_MAX);
        for (size_t j = 0; j < p->rack_kw[k].n; j++)
            if (!(isfinite(p->rack_kw[k].pt[j].value) && p->rack_kw[k].pt[j].value > 0) ||
                (j && p->rack_kw[k].pt[j].year <= p->rack_kw[k].pt[j - 1].year))
                return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "rack_kw",
                                    "expected densities > 0 kW by ascending year for %s",
                                    gs_class_name((gs_class)k));
    }
    if (!(p->large_region_share > 0 && p->large_region_share <= 1))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "large_region_share",
                            "expected a share in (0, 1], found %g", p->large_region_share);
    if (!(isfinite(p->rtt_limit_ms) && p->rtt_limit_ms >= 0))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "rtt_limit_ms",
                            "expected a budget >= 0 ms, found %g", p->rtt_limit_ms);
    for (size_t z = 0; in->zone_headroom_mw && z < in->fleet->nzones; z++) {
        double h = in->zone_headroom_mw[z];
        if (!isnan(h) && !(isfinite(h) && h >= 0))
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "headroom",
                                "zone '%s': expected a headroom >= 0 MW, found %g",
                                in->fleet->zones[z].id, h);
    }
    for (size_t s = 0; s < in->fleet->nsites; s++) {
        int z = in->fleet->sites[s].zone;
        if (z < 0 || (size_t)z >= in->fleet->nzones)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "sites", "site '%s': no zone",
                                in->fleet->sites[s].id);
    }
    if (in->markets && (in->market_year < GS_SCEN_YEAR_MIN || in->market_year > GS_SCEN_YEAR_MAX))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "market_year", "expected a year in [%d, %d], found %d",
                            GS_SCEN_YEAR_MIN, GS_SCEN_YEAR_MAX, in->market_year);
    if (in->econ && !in->terms)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "terms", "expected the deal's terms with its sites");
    return 0;
}

/* The affine rows of one underwritten site: net(k, y) = a + b x utilisation (flexibility 0;
 * in a zone charged on its coincident peaks, the firm inference class's capacity charge left
 * out: min(1, draw in the peaks per unit of utilisation x utilisation) is not affine, and
 * value_of adds it year by year, as the engine charges it). */
typedef struct affine {
    double *a, *b; /* [k * (horizon + 1) + y] */
    const gs_econ_site *es;
} affine;

static int affine_rows(const gs_econ_site *es, const gs_econ_terms *t, affine *out, gs_error *err)
{
    gs_econ_site three[3];
    static const double U[3] = {1.0, 0.5, 0.75};
    for (int i = 0; i < 3; i++) {
        three[i] = *es;
        three[i].flex_usd_per_mw_year = 0;
        if (three[i].cp_basis) /* the firm capacity charge: value_of */
            memset(three[i].cp_firm_share, 0, sizeof three[i].cp_firm_share);
        for (int k = 0; k < NK; k++)
            if (three[i].cls[k].present)
                three[i].cls[k].utilisation = U[i];
    }
    gs_econ_result *r = NULL;
    int rc = gs_econ_underwrite(three, 3, t, &r, err);
    if (rc)
        return rc;
    size_t n = (size_t)t->years + 1;
    out->es = es;
    out->a = calloc(NK * n, sizeof *out->a);
    out->b = calloc(NK * n, sizeof *out->b);
    if (!out->a || !out->b) {
        gs_econ_result_free(r);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (int k = 0; k < NK; k++) {
        if (!es->cls[k].present)
            continue;
        for (size_t y = 0; y < n; y++) {
            double n1 = gs_econ_row_at(r, 0, k, (int)y)->net_usd;
            double nh = gs_econ_row_at(r, 1, k, (int)y)->net_usd;
            double nq = gs_econ_row_at(r, 2, k, (int)y)->net_usd;
            double a = 2 * nh - n1, b = 2 * (n1 - nh);
            double tol = 1e-9 * (fabs(n1) + fabs(nh) + fabs(nq)) + 1e-6;
            if (!(fabs(a + 0.75 * b - nq) <= tol)) {
                gs_econ_result_free(r);
                return gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, es->id,
                                    "the underwriting engine's %s row of year %zu is not affine in "
                                    "utilisation (%.2f at 0.75, %.2f composed): the scenarios' NPV "
                                    "rule no longer holds",
                                    gs_class_name((gs_class)k), y, nq, a + 0.75 * b);
            }
            out->a[(size_t)k * n + y] = a;
            out->b[(size_t)k * n + y] = b;
        }
    }
    gs_econ_result_free(r);
    return 0;
}

/* The value of underwritten site s when class k's demand index in calendar year Y is idx(k, Y):
 * scenario run r, or the flat trajectory (r == SIZE_MAX). */
static int value_of(run_ctx *c, size_t s, const affine *af, size_t r, gs_scen_value *v,
                    gs_error *err)
{
    const gs_scen_inputs *in = c->in;
    const gs_scen_site *si = &c->res->sites[s];
    int H = in->terms->years;
    size_t n = (size_t)H + 1;
    double *cf = malloc(n * sizeof *cf);
    if (!cf)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    double pv = 0, d = 1;
    memset(v, 0, sizeof *v);
    for (size_t y = 0; y < n; y++) {
        int cal = in->from_year + (y ? (int)y - 1 : 0);
        double idx[NK] = {1, 1};
        if (r != (size_t)-1)
            gs_scen_index(in->set, in->nset, in->run[r], in->from_year, cal, idx);
        double net = 0, flex = 0;
        for (int k = 0; k < NK; k++) {
            if (!si->present[k])
                continue;
            double u = utilisation(in, si, k, idx[k]);
            net += af->a[(size_t)k * n + y] + af->b[(size_t)k * n + y] * u;
            if (k == GS_INFERENCE && af->es->cp_basis && y > 0) {
                /* the firm class's charge on its draw in the coincident peaks at u */
                gs_econ_site at = *af->es;
                at.cls[k].utilisation = u;
                const gs_econ_unit *eu = &at.cls[k];
                net -= at.capacity_usd_per_mw_year *
                       pow(1.0 + in->terms->cost_escalation, (double)y - 1) * eu->it_mw *
                       eu->pue * gs_econ_capacity_share(&at, in->terms, k, (int)y, 0);
            }
            if (k == GS_TRAINING && y > 0) {
                int rc = flex_of_year(c, s, u, &flex, err);
                if (rc) {
                    free(cf);
                    return rc;
                }
            }
        }
        cf[y] = net + flex;
        pv += flex / d;
        d *= 1.0 + in->terms->discount_rate;
    }
    v->npv_usd = gs_econ_npv(cf, n, in->terms->discount_rate);
    v->irr = gs_econ_irr(cf, n);
    v->payback_reached = gs_econ_payback(cf, n, &v->payback_years);
    v->pv_flex_usd = pv;
    free(cf);
    return 0;
}

static void cleanup(affine *af, flexcache *fc, size_t nsites)
{
    for (size_t s = 0; s < nsites; s++) {
        if (af) {
            free(af[s].a);
            free(af[s].b);
        }
        if (fc) {
            free(fc[s].load);
            free(fc[s].usd);
        }
    }
    free(af);
    free(fc);
}

int gs_scen_run(const gs_scen_inputs *in, gs_scen_result **out, gs_error *err)
{
    *out = NULL;
    int rc = check_inputs(in, err);
    if (rc)
        return rc;
    const gs_fleet *f = in->fleet;
    size_t S = f->nsites, R = in->nrun, Y = (size_t)in->years;
    gs_scen_result *res = calloc(1, sizeof *res);
    run_ctx c;
    memset(&c, 0, sizeof c);
    c.in = in;
    c.res = res;
    affine *af = NULL;
    if (!res)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    res->nrun = R;
    res->nsites = S;
    res->nzones = f->nzones;
    res->from_year = in->from_year;
    res->years = in->years;
    res->horizon = in->econ ? in->terms->years : 0;
    res->cells = calloc(R * Y * (S ? S : 1) * NK, sizeof *res->cells);
    res->sites = calloc(S ? S : 1, sizeof *res->sites);
    res->value = calloc(R * (S ? S : 1), sizeof *res->value);
    res->flat = calloc(S ? S : 1, sizeof *res->flat);
    res->totals = calloc(R * Y * NK, sizeof *res->totals);
    res->zone_share = calloc(R * Y * (f->nzones ? f->nzones : 1), sizeof *res->zone_share);
    res->index = calloc(R * Y * NK, sizeof *res->index);
    c.fc = calloc(S ? S : 1, sizeof *c.fc);
    af = calloc(S ? S : 1, sizeof *af);
    if (!res->cells || !res->sites || !res->value || !res->flat || !res->totals ||
        !res->zone_share || !res->index || !c.fc || !af) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto fail;
    }

    /* the sites, and the deal's sites matched to them */
    for (size_t s = 0; s < S; s++)
        site_facts(in, s, &res->sites[s]);
    const gs_econ_site **econ_of = calloc(S ? S : 1, sizeof *econ_of);
    if (!econ_of) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto fail;
    }
    for (size_t e = 0; in->econ && e < in->necon; e++) {
        const gs_econ_site *es = &in->econ[e];
        int s = gs_fleet_find_site(f, es->id);
        char field[48];
        snprintf(field, sizeof field, "sites[%zu]", e);
        if (s < 0) {
            rc = gs_error_set(err, GS_EINPUT, NULL, 0, 0, field,
                              "expected a site of the fleet, found '%s'", es->id);
        } else if (econ_of[s]) {
            rc = gs_error_set(err, GS_EINPUT, NULL, 0, 0, field, "expected each site once, found '%s' again",
                              es->id);
        } else {
            for (int k = 0; k < NK && !rc; k++)
                if (!es->cls[k].present != !res->sites[s].present[k])
                    rc = gs_error_set(err, GS_EINPUT, NULL, 0, 0, field,
                                      "site '%s': the deal %s %s load, the fleet %s", es->id,
                                      es->cls[k].present ? "has" : "has no", gs_class_name((gs_class)k),
                                      res->sites[s].present[k] ? "has" : "has none");
        }
        if (rc) {
            free(econ_of);
            goto fail;
        }
        econ_of[s] = es;
        res->sites[s].underwritten = 1;
        for (int k = 0; k < NK; k++)
            if (es->cls[k].present)
                res->sites[s].base_utilisation[k] = es->cls[k].utilisation;
    }

    /* flexibility at the base load */
    for (size_t s = 0; in->markets && s < S; s++) {
        gs_scen_site *si = &res->sites[s];
        if (!si->present[GS_TRAINING])
            continue;
        gs_site_score sc;
        memset(&sc, 0, sizeof sc);
        double load = fmin(si->capacity_mw[GS_TRAINING] * si->base_utilisation[GS_TRAINING],
                           si->interconnect_mw);
        if ((rc = flex_value(in, s, load, &si->flex_base_usd, &sc, err)))
            break;
        si->flex_valued = 1;
        si->flex_base_load_mw = load;
        si->flex_base_offer_mw = sc.offer_mw;
        si->nmarket = sc.nmarket;
        memcpy(si->market, sc.market, sc.nmarket * sizeof sc.market[0]);
    }
    if (rc) {
        free(econ_of);
        goto fail;
    }

    /* the table */
    for (size_t r = 0; r < R && !rc; r++)
        for (size_t y = 0; y < Y && !rc; y++) {
            int cal = in->from_year + (int)y;
            double idx[NK];
            gs_scen_index(in->set, in->nset, in->run[r], in->from_year, cal, idx);
            for (int k = 0; k < NK; k++)
                res->index[(r * Y + y) * NK + (size_t)k] = idx[k];
            double *zsh = &res->zone_share[(r * Y + y) * f->nzones];
            for (size_t z = 0; z < f->nzones; z++)
                zsh[z] = 0;
            for (size_t s = 0; s < S && !rc; s++) {
                const gs_scen_site *si = &res->sites[s];
                for (int k = 0; k < NK; k++) {
                    gs_scen_cell *cell = &res->cells[((r * Y + y) * S + s) * NK + (size_t)k];
                    cell->index = idx[k];
                    cell->rack_kw = gs_scen_curve_at(&in->params.rack_kw[k], cal);
                    cell->rack_fits = isnan(cell->rack_kw) ? -1 : cell->rack_kw <= si->rack_kw_host;
                    if (!si->present[k]) {
                        cell->capacity_mw = cell->demand_mw = cell->served_mw = cell->unserved_mw =
                            cell->spare_mw = cell->convertible_mw = cell->stranded_mw =
                                cell->interconnect_share = cell->headroom_share = cell->utilisation =
                                    cell->load_mw = cell->flex_usd = NAN;
                        cell->rack_fits = -1;
                        continue;
                    }
                    double cap = si->capacity_mw[k];
                    cell->capacity_mw = cap;
                    cell->demand_mw = cap * idx[k];
                    cell->served_mw = fmin(cell->demand_mw, cap);
                    cell->unserved_mw = cell->demand_mw - cell->served_mw;
                    cell->spare_mw = cap - cell->served_mw;
                    cell->convertible_mw = cell->stranded_mw = NAN;
                    if (k == GS_TRAINING && si->assessed) {
                        cell->convertible_mw = si->convertible ? cell->spare_mw : 0;
                        cell->stranded_mw = si->convertible ? 0 : cell->spare_mw;
                    }
                    cell->interconnect_share =
                        si->interconnect_mw > 0 ? cell->demand_mw / si->interconnect_mw : NAN;
                    cell->headroom_share =
                        si->headroom_mw > 0 ? cell->demand_mw / si->headroom_mw : NAN;
                    cell->utilisation = utilisation(in, si, k, idx[k]);
                    cell->load_mw = cap * cell->utilisation;
                    cell->flex_usd = NAN;
                    if (k == GS_TRAINING && in->markets &&
                        (rc = flex_of_year(&c, s, cell->utilisation, &cell->flex_usd, err)))
                        break;
                    zsh[f->sites[s].zone] += cell->demand_mw;
                    gs_scen_total *t = &res->totals[(r * Y + y) * NK + (size_t)k];
                    t->demand_mw += cell->demand_mw;
                    t->served_mw += cell->served_mw;
                    t->unserved_mw += cell->unserved_mw;
                    t->spare_mw += cell->spare_mw;
                    if (isfinite(cell->convertible_mw))
                        t->convertible_mw += cell->convertible_mw;
                    if (isfinite(cell->stranded_mw))
                        t->stranded_mw += cell->stranded_mw;
                    if (isfinite(cell->flex_usd))
                        t->flex_usd += cell->flex_usd;
                }
            }
            for (size_t z = 0; z < f->nzones; z++) {
                double h = in->zone_headroom_mw ? in->zone_headroom_mw[z] : NAN;
                zsh[z] = h > 0 ? zsh[z] / h : NAN;
            }
        }

    /* values */
    for (size_t s = 0; s < S && !rc; s++) {
        if (!econ_of[s])
            continue;
        if ((rc = affine_rows(econ_of[s], in->terms, &af[s], err)))
            break;
        if ((rc = value_of(&c, s, &af[s], (size_t)-1, &res->flat[s], err)))
            break;
        for (size_t r = 0; r < R && !rc; r++)
            rc = value_of(&c, s, &af[s], r, &res->value[r * S + s], err);
    }
    free(econ_of);
    cleanup(af, c.fc, S);
    if (rc) {
        gs_scen_result_free(res);
        return rc;
    }
    *out = res;
    return 0;
fail:
    cleanup(af, c.fc, S);
    gs_scen_result_free(res);
    return rc;
}
