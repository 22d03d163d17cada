/* deal.c: the deal file of `gridsplit underwrite` and the underwriting catalogue
 * (include/gridsplit/read/deal.h, docs/underwrite.md): data/catalog/underwrite.yaml (embedded
 * at build time; every figure with its source) gives the defaults, DEAL.yaml names the fleet,
 * the horizon, prices and overrides; gs_deal_resolve turns both and the fleet into the econ
 * engine's inputs (price years from the zones' price series). Same style as the fleet reader:
 * libyaml's document API, unknown keys refused with a "did you mean", every error naming file,
 * line, column, field, what was expected and what was found. */
#include "gridsplit/read/deal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "gridsplit/load.h"
#include "gridsplit/read/tz.h"
#include "gridsplit/time.h"
#include "embed/assets.h"
#include "read/yaml_util.h"

typedef gs__yaml ctx;
#define PATH_LEN GS__YAML_PATH_LEN
enum { OPT = GS__YAML_OPT, REQ = GS__YAML_REQ };

static const char *const KEY_NAMES[GS_UW_NKEYS + 1] = {
    "discount_rate", "energy_escalation", "revenue_escalation", "cost_escalation",
    "maintenance_share", "insurance_share", "property_tax_share", "staff_usd_per_mw_year",
    "interconnect_usd_per_mw", "capacity_usd_per_mw_year", "refresh_years",
    "training_usd_per_gpu_hour", "inference_usd_per_gpu_hour", "inference_utilisation",
    "interruptible_energy_discount", "interruptible_capacity_relief", "curtailed_hours_per_year",
    "inference_sla_penalty", "mustrun_redundancy_usd_per_mw", "density_base_kw",
    "density_usd_per_mw_per_kw", "years_saved", "inference_usd_per_1000_requests",
    "tokens_per_request", "request_price_escalation", "colocation_usd_per_kw_month",
    "colocation_escalation", NULL};

/* Ranges of the scalar figures: [lo, hi]. */
static const double KEY_LO[GS_UW_NKEYS] = {-0.99, -0.99, -0.99, -0.99, 0, 0, 0, 0, 0, 0, 1, 0, 0,
                                           0.01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, -0.99, 0,
                                           -0.99};
/* an escalation is at most 1 (100 % a year): a 3 meant as 3 % is refused, not compounded */
static const double KEY_HI[GS_UW_NKEYS] = {0.99, 1, 1, 1, 1, 1, 1, 1e9, 1e9, 1e9, 25, 1e4, 1e4,
                                           1, 1, 1, 8760, 1e3, 1e9, 1e4, 1e9, 10, 1e4, 1e7, 1,
                                           1e4, 1};

/* The range of a price per million tokens, and of requests/s of demand. */
#define USD_PER_MTOK_MAX 1e4
#define DEMAND_RPS_MAX 1e12

const char *gs_uw_key_name(gs_uw_key k)
{
    return k < GS_UW_NKEYS ? KEY_NAMES[k] : "?";
}

void gs_deal_free(gs_deal *d)
{
    if (!d)
        return;
    free(d->sites);
    free(d);
}

static int get_range(ctx *c, const yaml_node_t *map, const char *base, const char *key, int req,
                     double lo, double hi, double *out)
{
    int rc = gs__yaml_get_num(c, map, base, key, req, out);
    if (rc <= 0)
        return rc;
    if (!(*out >= lo && *out <= hi)) {
        char path[PATH_LEN];
        gs__yaml_path_cut(path, base, key);
        return gs__yaml_fail(c, gs__yaml_get(c, map, key), path,
                             "expected a number in [%g, %g], found %g", lo, hi, *out);
    }
    return 1;
}

/* A catalogue figure {value, source}. */
static int cat_figure(ctx *c, const yaml_node_t *map, const char *base, const char *key,
                      double lo, double hi, gs_uw_figure *f)
{
    static const char *const keys[] = {"value", "source", NULL};
    char path[PATH_LEN];
    yaml_node_t *n;
    int rc = gs__yaml_lookup(c, map, base, key, REQ, "a figure {value, source}", path, &n);
    if (rc < 0)
        return rc;
    if ((rc = gs__yaml_check_map(c, n, path, "a figure {value, source}", keys)) ||
        (rc = get_range(c, n, path, "value", REQ, lo, hi, &f->value)) < 0 ||
        (rc = gs__yaml_get_str(c, n, path, "source", REQ, f->source, sizeof f->source)) < 0)
        return rc;
    return 0;
}

/* A list of {id, <num_key>, source} entries. */
static int cat_list(ctx *c, const yaml_node_t *root, const char *key, const char *num_key,
                    char ids[][GS_ID_MAX], gs_uw_figure *figs, size_t *n)
{
    const char *keys[] = {"id", num_key, "source", NULL};
    yaml_node_t *seq;
    size_t len;
    char path[PATH_LEN];
    int rc = gs__yaml_get_list(c, root, "", key, REQ, "a list of entries", &seq, &len);
    if (rc < 0)
        return rc;
    if (len > GS_UW_LIST_MAX)
        return gs__yaml_fail(c, seq, key, "expected at most %d entries, found %zu", GS_UW_LIST_MAX,
                             len);
    for (size_t i = 0; i < len; i++) {
        yaml_node_t *e = gs__yaml_item(c, seq, i);
        gs__yaml_index(path, key, i);
        if ((rc = gs__yaml_check_map(c, e, path, "an entry {id, ..., source}", keys)) ||
            (rc = gs__yaml_get_str(c, e, path, "id", REQ, ids[i], GS_ID_MAX)) < 0 ||
            (rc = get_range(c, e, path, num_key, REQ, 0, 1e12, &figs[i].value)) < 0 ||
            (rc = gs__yaml_get_str(c, e, path, "source", REQ, figs[i].source,
                                   sizeof figs[i].source)) < 0)
            return rc;
    }
    *n = len;
    return 0;
}

/* zones: [{id, capacity_usd_per_mw_year, basis (peak_draw | 4cp | 5cp, optional), peak_load
 * and peak_tz (5cp: the RTO's hourly load, an EIA-930 file, and the time zone of its days),
 * source}] */
static int cat_zones(ctx *c, const yaml_node_t *root, gs_deal *d)
{
    static const char *const keys[] = {"id", "capacity_usd_per_mw_year", "basis", "peak_load",
                                       "peak_tz", "source", NULL};
    yaml_node_t *seq;
    size_t len;
    char path[PATH_LEN], basis[16];
    int rc = gs__yaml_get_list(c, root, "", "zones", REQ, "a list of zones", &seq, &len);
    if (rc < 0)
        return rc;
    if (len > GS_UW_LIST_MAX)
        return gs__yaml_fail(c, seq, "zones", "expected at most %d entries, found %zu",
                             GS_UW_LIST_MAX, len);
    for (size_t i = 0; i < len; i++) {
        yaml_node_t *e = gs__yaml_item(c, seq, i);
        gs__yaml_index(path, "zones", i);
        if ((rc = gs__yaml_check_map(c, e, path, "a zone {id, capacity_usd_per_mw_year, basis, "
                                                 "peak_load, peak_tz, source}", keys)) ||
            (rc = gs__yaml_get_str(c, e, path, "id", REQ, d->zone_id[i], GS_ID_MAX)) < 0 ||
            (rc = get_range(c, e, path, "capacity_usd_per_mw_year", REQ, 0, 1e12,
                            &d->zone_capacity[i].value)) < 0 ||
            (rc = gs__yaml_get_str(c, e, path, "source", REQ, d->zone_capacity[i].source,
                                   sizeof d->zone_capacity[i].source)) < 0 ||
            (rc = gs__yaml_get_str(c, e, path, "basis", OPT, basis, sizeof basis)) < 0)
            return rc;
        d->zone_basis[i] = GS_UW_BASIS_PEAK;
        if (rc == 1 && !strcmp(basis, "4cp"))
            d->zone_basis[i] = GS_UW_BASIS_4CP;
        else if (rc == 1 && !strcmp(basis, "5cp"))
            d->zone_basis[i] = GS_UW_BASIS_5CP;
        else if (rc == 1 && strcmp(basis, "peak_draw")) {
            char p2[PATH_LEN];
            gs__yaml_path_cut(p2, path, "basis");
            return gs__yaml_fail(c, gs__yaml_get(c, e, "basis"), p2,
                                 "expected peak_draw, 4cp or 5cp, found '%s'", basis);
        }
        int five = d->zone_basis[i] == GS_UW_BASIS_5CP;
        char raw[GS_PATH_MAX];
        d->zone_peak_load[i][0] = d->zone_peak_tz[i][0] = '\0';
        if ((rc = gs__yaml_get_str(c, e, path, "peak_load", five ? REQ : OPT, raw,
                                   sizeof raw)) < 0 ||
            (rc = gs__yaml_get_str(c, e, path, "peak_tz", five ? REQ : OPT, d->zone_peak_tz[i],
                                   GS_ID_MAX)) < 0)
            return rc;
        if (five)
            gs__expand_shared(raw, d->path, d->zone_peak_load[i], GS_PATH_MAX);
    }
    d->nzones = len;
    return 0;
}

/* tornado: [{input, kind (add | scale), low, high, source}], each input once */
static int cat_tornado(ctx *c, const yaml_node_t *root, gs_deal *d)
{
    static const char *const keys[] = {"input", "kind", "low", "high", "source", NULL};
    yaml_node_t *seq;
    size_t len;
    char path[PATH_LEN], name[48], kind[16];
    int rc = gs__yaml_get_list(c, root, "", "tornado", REQ, "a list of inputs and ranges", &seq,
                               &len);
    if (rc < 0)
        return rc;
    if (len > GS_NLEVERS)
        return gs__yaml_fail(c, seq, "tornado", "expected at most %d entries, found %zu",
                             GS_NLEVERS, len);
    for (size_t i = 0; i < len; i++) {
        yaml_node_t *e = gs__yaml_item(c, seq, i);
        gs_econ_move *m = &d->moves[i];
        gs__yaml_index(path, "tornado", i);
        if ((rc = gs__yaml_check_map(c, e, path, "a range {input, kind, low, high, source}",
                                     keys)) ||
            (rc = gs__yaml_get_str(c, e, path, "input", REQ, name, sizeof name)) < 0 ||
            (rc = gs__yaml_get_str(c, e, path, "kind", REQ, kind, sizeof kind)) < 0 ||
            (rc = get_range(c, e, path, "low", REQ, -1e9, 1e9, &m->low)) < 0 ||
            (rc = get_range(c, e, path, "high", REQ, -1e9, 1e9, &m->high)) < 0 ||
            (rc = gs__yaml_get_str(c, e, path, "source", REQ, d->move_source[i],
                                   sizeof d->move_source[i])) < 0)
            return rc;
        int l = 0;
        while (l < GS_NLEVERS && strcmp(gs_econ_lever_name((gs_econ_lever)l), name))
            l++;
        for (size_t j = 0; j < i && l < GS_NLEVERS; j++)
            if (d->moves[j].lever == (gs_econ_lever)l)
                l = GS_NLEVERS;
        if (l == GS_NLEVERS)
            return gs__yaml_fail(c, gs__yaml_get(c, e, "input"), path,
                                 "expected an input of the tornado not listed before "
                                 "(discount_rate, energy_price, ...), found '%s'", name);
        m->lever = (gs_econ_lever)l;
        if (!strcmp(kind, "add"))
            m->kind = GS_MOVE_ADD;
        else if (!strcmp(kind, "scale"))
            m->kind = GS_MOVE_SCALE;
        else
            return gs__yaml_fail(c, gs__yaml_get(c, e, "kind"), path,
                                 "expected add or scale, found '%s'", kind);
    }
    d->nmoves = len;
    return 0;
}

int gs_deal_zone_index(const gs_deal *d, const char *zone_id)
{
    for (size_t k = 0; zone_id && k < d->nzones; k++)
        if (!strcmp(d->zone_id[k], zone_id))
            return (int)k;
    return -1;
}

gs_uw_basis gs_deal_zone_basis(const gs_deal *d, const char *zone_id)
{
    for (size_t k = 0; zone_id && k < d->nzones; k++)
        if (!strcmp(d->zone_id[k], zone_id))
            return d->zone_basis[k];
    return GS_UW_BASIS_PEAK;
}

static int parse_catalog(ctx *c, const yaml_node_t *root, gs_deal *d)
{
    const char *keys[GS_UW_NKEYS + 5];
    for (int k = 0; k < GS_UW_NKEYS; k++)
        keys[k] = KEY_NAMES[k];
    keys[GS_UW_NKEYS] = "facility_capex_usd_per_mw";
    keys[GS_UW_NKEYS + 1] = "gpus";
    keys[GS_UW_NKEYS + 2] = "zones";
    keys[GS_UW_NKEYS + 3] = "tornado";
    keys[GS_UW_NKEYS + 4] = NULL;
    int rc = gs__yaml_check_map(c, root, "", "the underwriting catalogue", keys);
    if (rc)
        return rc;
    for (int k = 0; k < GS_UW_NKEYS; k++)
        if ((rc = cat_figure(c, root, "", KEY_NAMES[k], KEY_LO[k], KEY_HI[k], &d->fig[k])))
            return rc;
    static const char *const cool[] = {"air", "hybrid", "liquid", NULL};
    yaml_node_t *cap;
    char path[PATH_LEN];
    if ((rc = gs__yaml_lookup(c, root, "", "facility_capex_usd_per_mw", REQ, "capex by cooling",
                              path, &cap)) < 0 ||
        (rc = gs__yaml_check_map(c, cap, path, "capex by cooling {air, hybrid, liquid}", cool)))
        return rc;
    for (int k = 0; k < 3; k++)
        if ((rc = cat_figure(c, cap, path, cool[k], 0, 1e9, &d->capex[k])))
            return rc;
    if ((rc = cat_list(c, root, "gpus", "price_usd", d->gpu_id, d->gpu_price, &d->ngpus)) ||
        (rc = cat_zones(c, root, d)) || (rc = cat_tornado(c, root, d)))
        return rc;
    return 0;
}

/* One demand figure: a number (year 1) or a list by year (1 to GS_ECON_DEMAND_YEARS_MAX). */
static int demand_years(ctx *c, const yaml_node_t *map, const char *base, const char *key,
                        double *out, size_t *n)
{
    char path[PATH_LEN];
    yaml_node_t *v;
    int rc = gs__yaml_lookup(c, map, base, key, OPT, "requests/s", path, &v);
    *n = 0;
    if (rc <= 0)
        return rc;
    if (v->type == YAML_SCALAR_NODE) {
        if ((rc = get_range(c, map, base, key, OPT, 0, DEMAND_RPS_MAX, &out[0])) < 0)
            return rc;
        *n = 1;
        return 1;
    }
    size_t len;
    yaml_node_t *seq;
    if ((rc = gs__yaml_get_list(c, map, base, key, OPT,
                                "requests/s: a number (year 1) or a list by year", &seq,
                                &len)) < 0)
        return rc;
    if (len < 1 || len > GS_ECON_DEMAND_YEARS_MAX)
        return gs__yaml_fail(c, seq, path, "expected 1 to %d years of requests/s, found %zu",
                             GS_ECON_DEMAND_YEARS_MAX, len);
    for (size_t i = 0; i < len; i++) {
        yaml_node_t *e = gs__yaml_item(c, seq, i);
        char ip[PATH_LEN], found[80];
        gs__yaml_index(ip, path, i);
        if (gs__yaml_number(e, &out[i]) || !(out[i] >= 0 && out[i] <= DEMAND_RPS_MAX)) {
            gs__yaml_describe(e, found, sizeof found);
            return gs__yaml_fail(c, e, ip, "expected requests/s in [0, %g], found %s",
                                 DEMAND_RPS_MAX, found);
        }
    }
    *n = len;
    return 1;
}

/* A site's demand: {peak_requests_per_s, mean_requests_per_s, growth}, at least one of the
 * first two; lists of both have the same length. */
static int parse_demand(ctx *c, const yaml_node_t *site, const char *base, gs_deal_site *s)
{
    static const char *const keys[] = {"peak_requests_per_s", "mean_requests_per_s", "growth",
                                       NULL};
    char path[PATH_LEN];
    yaml_node_t *n;
    int rc = gs__yaml_lookup(c, site, base, "demand", OPT, "a demand trajectory", path, &n);
    s->demand_growth = NAN;
    if (rc <= 0)
        return rc;
    const char *what = "a demand trajectory {peak_requests_per_s, mean_requests_per_s, growth}";
    if ((rc = gs__yaml_check_map(c, n, path, what, keys)) ||
        (rc = demand_years(c, n, path, "peak_requests_per_s", s->demand_peak_rps,
                           &s->demand_npeak)) < 0 ||
        (rc = demand_years(c, n, path, "mean_requests_per_s", s->demand_mean_rps,
                           &s->demand_nmean)) < 0 ||
        (rc = get_range(c, n, path, "growth", OPT, -0.99, 10, &s->demand_growth)) < 0)
        return rc;
    s->demand_given = 1;
    s->demand_line = (int)n->start_mark.line + 1;
    s->demand_column = (int)n->start_mark.column + 1;
    if (!s->demand_npeak && !s->demand_nmean)
        return gs__yaml_fail(c, n, path, "expected %s with peak_requests_per_s or "
                             "mean_requests_per_s, found neither", what);
    if (s->demand_npeak > 1 && s->demand_nmean > 1 && s->demand_npeak != s->demand_nmean)
        return gs__yaml_fail(c, n, path, "expected lists of peak and mean requests/s of the "
                             "same years, found %zu and %zu years", s->demand_npeak,
                             s->demand_nmean);
    return 0;
}

/* A site's colocation fields (docs/underwrite.md "Colocation revenue per kW-month"). */
static int parse_colocation(ctx *c, const yaml_node_t *e, const char *path, gs_deal_site *s)
{
    static const char *const num[] = {"colocation_usd_per_kw_month", "colocation_occupancy",
                                      "colocation_leased_kw"};
    double *f[] = {&s->colocation_usd_per_kw_month, &s->colocation_occupancy,
                   &s->colocation_leased_kw};
    static const double lo[] = {0, 0.01, 0}, hi[] = {1e4, 1, 1e9};
    int rc;
    s->colocation_pass_through = -1;
    for (size_t j = 0; j < 3; j++) {
        *f[j] = NAN;
        if ((rc = get_range(c, e, path, num[j], OPT, lo[j], hi[j], f[j])) < 0)
            return rc;
        if (rc == 1)
            s->colocation = 1;
    }
    char p2[PATH_LEN], str[32];
    if ((rc = gs__yaml_get_str(c, e, path, "colocation_energy_pass_through", OPT, str,
                               sizeof str)) < 0)
        return rc;
    if (rc == 1) {
        s->colocation = 1;
        if (!strcmp(str, "true"))
            s->colocation_pass_through = 1;
        else if (!strcmp(str, "false"))
            s->colocation_pass_through = 0;
        else {
            gs__yaml_path_cut(p2, path, "colocation_energy_pass_through");
            return gs__yaml_fail(c, gs__yaml_get(c, e, "colocation_energy_pass_through"), p2,
                                 "expected true or false, found '%s'", str);
        }
    }
    if ((rc = gs__yaml_get_str(c, e, path, "colocation_classes", OPT, str, sizeof str)) < 0)
        return rc;
    if (rc == 1) {
        s->colocation = 1;
        if (!strcmp(str, "training"))
            s->colocation_classes = 1 << GS_TRAINING;
        else if (!strcmp(str, "inference"))
            s->colocation_classes = 1 << GS_INFERENCE;
        else if (strcmp(str, "all")) {
            gs__yaml_path_cut(p2, path, "colocation_classes");
            return gs__yaml_fail(c, gs__yaml_get(c, e, "colocation_classes"), p2,
                                 "expected training, inference or all, found '%s'", str);
        }
    }
    if (!isnan(s->colocation_occupancy) && !isnan(s->colocation_leased_kw)) {
        gs__yaml_path_cut(p2, path, "colocation_leased_kw");
        return gs__yaml_fail(c, gs__yaml_get(c, e, "colocation_leased_kw"), p2,
                             "expected colocation_leased_kw or colocation_occupancy, found both");
    }
    return 0;
}

static int parse_deal(ctx *c, const yaml_node_t *root, gs_deal *d)
{
    const char *keys[GS_UW_NKEYS + 8];
    int nk = 0;
    keys[nk++] = "fleet";
    keys[nk++] = "horizon_years";
    keys[nk++] = "price_usd_per_mwh";
    keys[nk++] = "flex_usd_per_mw_year";
    keys[nk++] = "price_spread";
    keys[nk++] = "sites";
    keys[nk++] = "inference_usd_per_million_tokens";
    for (int k = 0; k < GS_UW_NKEYS; k++)
        keys[nk++] = KEY_NAMES[k];
    keys[nk] = NULL;
    int rc = gs__yaml_check_map(c, root, "", "a deal (fleet, horizon_years, sites, ...)", keys);
    if (rc)
        return rc;
    char raw[GS_PATH_MAX];
    double v;
    if ((rc = gs__yaml_get_str(c, root, "", "fleet", REQ, raw, sizeof raw)) < 0 ||
        (rc = gs__yaml_expand_path(c, gs__yaml_get(c, root, "fleet"), "fleet", raw, d->fleet_path,
                                   sizeof d->fleet_path)))
        return rc;
    if ((rc = get_range(c, root, "", "horizon_years", REQ, GS_ECON_YEARS_MIN, GS_ECON_YEARS_MAX,
                        &v)) < 0)
        return rc;
    if (v != floor(v))
        return gs__yaml_fail(c, gs__yaml_get(c, root, "horizon_years"), "horizon_years",
                             "expected a whole number of years, found %g", v);
    d->horizon_years = (int)v;
    d->price_usd_per_mwh = NAN;
    d->inference_usd_per_million_tokens = NAN;
    if ((rc = get_range(c, root, "", "price_usd_per_mwh", OPT, -1000, 10000,
                        &d->price_usd_per_mwh)) < 0 ||
        (rc = get_range(c, root, "", "flex_usd_per_mw_year", OPT, 0, 1e7,
                        &d->flex_usd_per_mw_year)) < 0)
        return rc;
    d->flex_given = rc == 1;
    if ((rc = get_range(c, root, "", "inference_usd_per_million_tokens", OPT, 0,
                        USD_PER_MTOK_MAX, &d->inference_usd_per_million_tokens)) < 0)
        return rc;
    char mode[16];
    d->spread_mode = GS_SPREAD_ROTATE;
    if ((rc = gs__yaml_get_str(c, root, "", "price_spread", OPT, mode, sizeof mode)) < 0)
        return rc;
    if (rc == 1 && !strcmp(mode, "hold"))
        d->spread_mode = GS_SPREAD_HOLD;
    else if (rc == 1 && strcmp(mode, "rotate"))
        return gs__yaml_fail(c, gs__yaml_get(c, root, "price_spread"), "price_spread",
                             "expected rotate or hold, found '%s'", mode);
    for (int k = 0; k < GS_UW_NKEYS; k++) {
        if ((rc = get_range(c, root, "", KEY_NAMES[k], OPT, KEY_LO[k], KEY_HI[k], &v)) < 0)
            return rc;
        if (rc == 1) {
            if (k == GS_UW_REFRESH_YEARS && v != floor(v))
                return gs__yaml_fail(c, gs__yaml_get(c, root, KEY_NAMES[k]), KEY_NAMES[k],
                                     "expected a whole number of years, found %g", v);
            d->fig[k].value = v;
            d->fig_given[k] = 1;
            snprintf(d->fig[k].source, sizeof d->fig[k].source, "deal file %s", c->file);
        }
    }
    if (d->fig_given[GS_UW_INFERENCE_USD_PER_1000_REQUESTS] &&
        !isnan(d->inference_usd_per_million_tokens))
        return gs__yaml_fail(c, gs__yaml_get(c, root, "inference_usd_per_million_tokens"),
                             "inference_usd_per_million_tokens",
                             "expected one price of a request, found both "
                             "inference_usd_per_1000_requests and "
                             "inference_usd_per_million_tokens");
    static const char *const skeys[] = {"id", "price_usd_per_mwh", "capacity_usd_per_mw_year",
                                        "flex_usd_per_mw_year", "interconnect_usd_per_mw",
                                        "training_usd_per_gpu_hour", "inference_usd_per_gpu_hour",
                                        "inference_utilisation", "facility_capex_usd_per_mw",
                                        "years_saved", "headroom_mw",
                                        "inference_usd_per_1000_requests",
                                        "inference_usd_per_million_tokens", "tokens_per_request",
                                        "demand", "colocation_usd_per_kw_month",
                                        "colocation_occupancy", "colocation_leased_kw",
                                        "colocation_energy_pass_through", "colocation_classes",
                                        "cp_pause_hours_per_year", NULL};
    yaml_node_t *seq;
    size_t n;
    if ((rc = gs__yaml_get_list(c, root, "", "sites", REQ, "a list of sites {id, ...}", &seq, &n)) <
        0)
        return rc;
    if (n == 0)
        return gs__yaml_fail(c, seq, "sites", "expected at least one site, found an empty list");
    d->sites = calloc(n, sizeof *d->sites);
    if (!d->sites)
        return gs_error_set(c->err, GS_ENOMEM, c->file, 0, 0, NULL, "out of memory");
    d->nsites = n;
    char path[PATH_LEN];
    for (size_t i = 0; i < n; i++) {
        gs_deal_site *s = &d->sites[i];
        yaml_node_t *e = gs__yaml_item(c, seq, i);
        gs__yaml_index(path, "sites", i);
        s->line = (int)e->start_mark.line + 1;
        s->column = (int)e->start_mark.column + 1;
        double *f[] = {&s->price_usd_per_mwh, &s->capacity_usd_per_mw_year,
                       &s->flex_usd_per_mw_year, &s->interconnect_usd_per_mw,
                       &s->training_usd_per_gpu_hour, &s->inference_usd_per_gpu_hour,
                       &s->inference_utilisation, &s->facility_capex_usd_per_mw,
                       &s->years_saved, &s->headroom_mw, &s->inference_usd_per_1000_requests,
                       &s->inference_usd_per_million_tokens, &s->tokens_per_request};
        static const double lo[] = {-1000, 0, 0, 0, 0, 0, 0.01, 0, 0, 0, 0, 0, 1};
        static const double hi[] = {10000, 1e9, 1e7, 1e9, 1e4, 1e4, 1, 1e9, 10, 1e7, 1e4,
                                    USD_PER_MTOK_MAX, 1e7};
        if ((rc = gs__yaml_check_map(c, e, path, "a site {id, ...}", skeys)) ||
            (rc = gs__yaml_get_str(c, e, path, "id", REQ, s->id, sizeof s->id)) < 0)
            return rc;
        for (size_t j = 0; j < sizeof f / sizeof f[0]; j++) {
            *f[j] = NAN;
            if ((rc = get_range(c, e, path, skeys[j + 1], OPT, lo[j], hi[j], f[j])) < 0)
                return rc;
        }
        if (!isnan(s->inference_usd_per_1000_requests) &&
            !isnan(s->inference_usd_per_million_tokens)) {
            char p2[PATH_LEN];
            gs__yaml_path_cut(p2, path, "inference_usd_per_million_tokens");
            return gs__yaml_fail(c, gs__yaml_get(c, e, "inference_usd_per_million_tokens"), p2,
                                 "expected one price of a request, found both "
                                 "inference_usd_per_1000_requests and "
                                 "inference_usd_per_million_tokens");
        }
        s->cp_pause_hours_per_year = NAN;
        if ((rc = get_range(c, e, path, "cp_pause_hours_per_year", OPT, 0, 8760,
                            &s->cp_pause_hours_per_year)) < 0)
            return rc;
        if ((rc = parse_demand(c, e, path, s)) < 0 || (rc = parse_colocation(c, e, path, s)) < 0)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(d->sites[j].id, s->id))
                return gs__yaml_fail(c, e, path, "expected each site once, found '%s' again "
                                     "(first at line %d)", s->id, d->sites[j].line);
    }
    return 0;
}

int gs_deal_load(const char *path, gs_deal **out, gs_error *err)
{
    *out = NULL;
    gs_deal *d = calloc(1, sizeof *d);
    if (!d)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    snprintf(d->path, sizeof d->path, "%s", path);
    /* the catalogue */
    size_t len = 0;
    const char *text = gs__asset("underwrite.yaml", &len);
    const char *label = "underwrite.yaml (built-in catalogue)";
    if (!text) {
        gs_deal_free(d);
        return gs_error_set(err, GS_ERUNTIME, label, 0, 0, NULL,
                            "the catalogue was not embedded at build time");
    }
    yaml_document_t doc;
    ctx c = {0};
    c.file = label;
    c.err = err;
    int rc = gs__yaml_load(label, text, len, 0, &doc, err);
    if (!rc) {
        c.doc = &doc;
        rc = parse_catalog(&c, yaml_document_get_root_node(&doc), d);
        yaml_document_delete(&doc);
    }
    if (rc) {
        gs_deal_free(d);
        return rc;
    }
    /* the deal */
    ctx e = {0};
    e.file = path;
    e.err = err;
    gs__yaml_set_dir(&e, path);
    rc = gs__yaml_load(path, NULL, 0, 1, &doc, err);
    if (!rc) {
        e.doc = &doc;
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root)
            rc = gs_error_set(err, GS_EINPUT, path, 1, 1, NULL,
                              "expected a deal (fleet, horizon_years, sites, ...), found an "
                              "empty file");
        else
            rc = parse_deal(&e, root, d);
        yaml_document_delete(&doc);
    }
    if (rc) {
        gs_deal_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

/* ---- resolving against the fleet ---- */

static int site_fail(const gs_deal *d, const gs_deal_site *s, size_t i, gs_error *err,
                     const char *msg, const char *a, const char *b)
{
    char field[64];
    snprintf(field, sizeof field, "sites[%zu]", i);
    return gs_error_set(err, GS_EINPUT, d->path, s->line, s->column, field, msg, a, b);
}

/* Mean price of each calendar year (UTC) with at least 90 % of its steps present. */
static size_t price_years(const gs_series *p, int *year, double *mean)
{
    size_t n = 0;
    if (!p || p->n == 0 || p->step_s <= 0)
        return 0;
    int64_t y0, y1;
    int mo, dd, hh, mi, ss;
    gs_civil_from_utc(p->start_s, &y0, &mo, &dd, &hh, &mi, &ss);
    gs_civil_from_utc(p->start_s + (int64_t)(p->n - 1) * p->step_s, &y1, &mo, &dd, &hh, &mi, &ss);
    /* at most 200 calendar years are looked at (a series of odd steps stays cheap) */
    for (int64_t y = y0; y <= y1 && y < y0 + 200 && n < GS_ECON_PRICE_YEARS_MAX; y++) {
        int64_t a = gs_utc_from_civil(y, 1, 1, 0, 0, 0);
        int64_t b = gs_utc_from_civil(y + 1, 1, 1, 0, 0, 0);
        double sum = 0;
        size_t cnt = 0;
        for (size_t i = 0; i < p->n; i++) {
            int64_t t = p->start_s + (int64_t)i * p->step_s;
            if (t >= a && t < b && isfinite(p->v[i])) {
                sum += p->v[i];
                cnt++;
            }
        }
        double want = (double)(b - a) / (double)p->step_s;
        if (cnt > 0 && (double)cnt >= 0.9 * want) {
            year[n] = (int)y;
            mean[n++] = sum / (double)cnt;
        }
    }
    return n;
}

static double pick(double site, double dflt)
{
    return isnan(site) ? dflt : site;
}

/* A leased site (docs/underwrite.md "Colocation revenue per kW-month"): the classes named (or
 * every class it has) earn rent on their leased IT kW; the tenant brings its own servers, so
 * the operator buys no GPUs (gpu_capex_usd 0). A leased_kw for two classes is split by IT MW. */
static int resolve_colocation(const gs_deal *d, const gs_deal_site *ds, size_t i,
                              gs_econ_site *s, gs_error *err)
{
    int mask = ds->colocation_classes ? ds->colocation_classes
                                      : (1 << GS_TRAINING) | (1 << GS_INFERENCE);
    double it_all = 0;
    for (int k = 0; k < GS_NCLASS; k++)
        if ((mask >> k & 1) && s->cls[k].present)
            it_all += s->cls[k].it_mw;
    for (int k = 0; k < GS_NCLASS; k++)
        if ((ds->colocation_classes >> k & 1) && !s->cls[k].present)
            return site_fail(d, ds, i, err, "expected %s load at site '%s' for "
                             "colocation_classes, found none",
                             k == GS_TRAINING ? "training" : "inference", ds->id);
    for (int k = 0; k < GS_NCLASS; k++) {
        gs_econ_unit *u = &s->cls[k];
        if (!(mask >> k & 1) || !u->present)
            continue;
        if (k == GS_INFERENCE && s->req.on)
            return site_fail(d, ds, i, err, "expected one revenue rule for the inference of "
                             "site '%s', found %s (set colocation_classes: training, or drop "
                             "the request price)", ds->id,
                             "colocation and revenue per request");
        u->colocation = 1;
        u->colo_usd_per_kw_month = pick(ds->colocation_usd_per_kw_month,
                                        d->fig[GS_UW_COLOCATION_USD_PER_KW_MONTH].value);
        u->colo_leased_kw = !isnan(ds->colocation_leased_kw)
                                ? ds->colocation_leased_kw * u->it_mw / it_all
                                : u->it_mw * 1000.0 * pick(ds->colocation_occupancy, 1.0);
        u->colo_pass_through = ds->colocation_pass_through != 0;
        u->gpu_capex_usd = 0;
    }
    return 0;
}

/* ---- inference revenue per request ---- */

#define SHAPE_WEEK0 1704067200 /* Monday 2024-01-01 00:00 UTC: the week the shape is read over */

/* The form of site fi's inference demand over a week: the diurnal shape of each service its
 * inference clusters run (weighted by their GPUs), summed over the service's regions by share,
 * each region in its own local time; divided by its largest hour. */
static int demand_shape(const gs_deal *d, const gs_deal_site *ds, size_t i, const gs_fleet *f,
                        int fi, double *shape, char *note, size_t len, gs_error *err)
{
    double gpus_of[64] = {0}, all = 0;
    int svc[64];
    size_t nsvc = 0;
    for (size_t c = 0; c < f->nclusters; c++) {
        const gs_cluster *cl = &f->clusters[c];
        if (cl->site != fi || cl->cls != GS_INFERENCE || cl->service < 0 ||
            (size_t)cl->service >= f->nservices)
            continue;
        size_t k = 0;
        while (k < nsvc && svc[k] != cl->service)
            k++;
        if (k == nsvc) {
            if (nsvc == 64)
                continue;
            svc[nsvc++] = cl->service;
        }
        gpus_of[k] += cl->gpus;
        all += cl->gpus;
    }
    if (nsvc == 0 || all <= 0)
        return site_fail(d, ds, i, err, "expected inference clusters running a service at site "
                         "'%s' for revenue per request, found %s", ds->id, "none");
    for (int h = 0; h < GS_ECON_SHAPE_HOURS; h++)
        shape[h] = 0;
    size_t used = 0;
    for (size_t k = 0; k < nsvc; k++) {
        const gs_service *sv = &f->services[svc[k]];
        if (sv->demand_ref.path[0])
            return site_fail(d, ds, i, err,
                             "expected services with a diurnal shape at site '%s' (revenue per "
                             "request takes the form of its demand from it), found service "
                             "'%s' with measured demand; give the site's demand and use a "
                             "service with a shape", ds->id, sv->id);
        double share_sum = 0;
        for (size_t r = 0; r < sv->nregions; r++)
            share_sum += sv->regions[r].share;
        for (size_t r = 0; r < sv->nregions; r++) {
            const gs_region *rg = &sv->regions[r];
            gs_tz tz;
            gs_error e = {0};
            if (gs_tz_load(rg->tz, SHAPE_WEEK0 - 86400, SHAPE_WEEK0 + 8 * 86400, &tz, &e))
                return site_fail(d, ds, i, err, "expected a known time zone for the regions "
                                 "of the site's services, found '%s' (region '%s')", rg->tz,
                                 rg->id);
            double w = gpus_of[k] / all * (share_sum > 0 ? rg->share / share_sum : 0);
            size_t hint = 0;
            for (int h = 0; h < GS_ECON_SHAPE_HOURS; h++) {
                int64_t t = SHAPE_WEEK0 + (int64_t)h * 3600 + 1800;
                shape[h] += w * gs_shape_factor(&sv->shape, t + gs_tz_offset(&tz, t, &hint));
            }
            gs_tz_clear(&tz);
        }
        if (used < len) {
            int n = snprintf(note + used, len - used, "%s%s", used ? ", " : "", sv->id);
            used += n > 0 ? (size_t)n : 0;
        }
    }
    double hi = 0;
    for (int h = 0; h < GS_ECON_SHAPE_HOURS; h++)
        hi = fmax(hi, shape[h]);
    if (!(hi > 0))
        return site_fail(d, ds, i, err, "expected demand in the shape of the services at site "
                         "'%s', found %s", ds->id, "none (regions without a share)");
    for (int h = 0; h < GS_ECON_SHAPE_HOURS; h++)
        shape[h] /= hi;
    return 0;
}

/* Revenue per request of site i (sites[i] resolved otherwise), when the deal asks for it. */
static int resolve_requests(const gs_deal *d, const gs_deal_site *ds, size_t i, const gs_fleet *f,
                            int fi, gs_econ_site *s, gs_deal_req_note *rn, gs_error *err)
{
    double per_1000 = ds->inference_usd_per_1000_requests;
    double per_mtok = ds->inference_usd_per_million_tokens;
    const char *level = "site";
    if (isnan(per_1000) && isnan(per_mtok)) {
        level = "deal";
        if (d->fig_given[GS_UW_INFERENCE_USD_PER_1000_REQUESTS])
            per_1000 = d->fig[GS_UW_INFERENCE_USD_PER_1000_REQUESTS].value;
        else
            per_mtok = d->inference_usd_per_million_tokens;
    }
    int priced = !isnan(per_1000) || !isnan(per_mtok);
    if (!priced && !ds->demand_given)
        return 0;
    if (!s->cls[GS_INFERENCE].present)
        return site_fail(d, ds, i, err, "expected inference load at site '%s' for revenue per "
                         "request (a price per request or token, or demand), found %s", ds->id,
                         "none in the fleet");
    if (!isnan(ds->inference_usd_per_gpu_hour) && priced && !strcmp(level, "site"))
        return site_fail(d, ds, i, err, "expected revenue per GPU-hour or per request at site "
                         "'%s', found %s", ds->id,
                         "both inference_usd_per_gpu_hour and a price per request or token");
    gs_econ_requests *q = &s->req;
    gs_deal_req_note note;
    memset(&note, 0, sizeof note);
    note.on = 1;
    note.tokens_per_request = NAN;
    note.usd_per_million_tokens = NAN;
    q->on = 1;
    q->price_escalation = d->fig[GS_UW_REQUEST_PRICE_ESCALATION].value;
    if (!isnan(per_mtok)) {
        double tok = !isnan(ds->tokens_per_request) ? ds->tokens_per_request
                                                    : d->fig[GS_UW_TOKENS_PER_REQUEST].value;
        q->usd_per_request = per_mtok * tok / 1e6;
        note.tokens_per_request = tok;
        note.usd_per_million_tokens = per_mtok;
        snprintf(note.price, sizeof note.price,
                 "deal file (%s): %g USD per million tokens x %g tokens per request (%s)", level,
                 per_mtok, tok,
                 !isnan(ds->tokens_per_request) ? "deal file, site"
                 : d->fig_given[GS_UW_TOKENS_PER_REQUEST] ? "deal file"
                                                          : "catalogue tokens_per_request");
    } else if (!isnan(per_1000)) {
        q->usd_per_request = per_1000 / 1000.0;
        snprintf(note.price, sizeof note.price, "deal file (%s): %g USD per 1000 requests", level,
                 per_1000);
    } else {
        q->usd_per_request = d->fig[GS_UW_INFERENCE_USD_PER_1000_REQUESTS].value / 1000.0;
        snprintf(note.price, sizeof note.price,
                 "catalogue inference_usd_per_1000_requests: %g USD per 1000 requests",
                 d->fig[GS_UW_INFERENCE_USD_PER_1000_REQUESTS].value);
    }
    /* capacity: GPUs x the service's throughput, as route counts it */
    double cap = 0, gpus = 0, svc_peak = 0, growth = 0;
    char svc_names[128] = "";
    for (size_t c = 0; c < f->nclusters; c++) {
        const gs_cluster *cl = &f->clusters[c];
        if (cl->site != fi || cl->cls != GS_INFERENCE || cl->service < 0 ||
            (size_t)cl->service >= f->nservices)
            continue;
        const gs_service *sv = &f->services[cl->service];
        cap += cl->gpus * sv->requests_per_s_per_gpu;
        gpus += cl->gpus;
        /* the site's share of the service's peak: its GPUs over all GPUs running it */
        double all = 0;
        for (size_t k = 0; k < f->nclusters; k++)
            if (f->clusters[k].cls == GS_INFERENCE && f->clusters[k].service == cl->service)
                all += f->clusters[k].gpus;
        svc_peak += all > 0 ? sv->peak_requests_per_s * cl->gpus / all : 0;
        growth += cl->gpus * sv->shape.growth_per_year;
    }
    if (!(cap > 0))
        return site_fail(d, ds, i, err, "expected inference GPUs serving requests at site '%s' "
                         "(the service's requests_per_s_per_gpu), found %s", ds->id,
                         "no capacity");
    q->capacity_rps = cap;
    note.requests_per_s_per_gpu = cap / gpus;
    int sh = demand_shape(d, ds, i, f, fi, q->shape, svc_names, sizeof svc_names, err);
    if (sh)
        return sh;
    snprintf(note.capacity, sizeof note.capacity,
             "fleet: %.0f GPUs x %g requests/s per GPU (service %s), as route counts a site's "
             "capacity", gpus, note.requests_per_s_per_gpu, svc_names);
    snprintf(note.shape, sizeof note.shape,
             "fleet: the diurnal shape of service %s (each region in its own local time, "
             "weighted by its share), over the hours of a week", svc_names);
    double m = gs_econ_shape_mean(q->shape);
    if (ds->demand_given) {
        size_t n = ds->demand_npeak > ds->demand_nmean ? ds->demand_npeak : ds->demand_nmean;
        const double *pk = ds->demand_peak_rps, *mn = ds->demand_mean_rps;
        q->nyears = n;
        for (size_t y = 0; y < n; y++) {
            double p, a;
            if (ds->demand_npeak == n && ds->demand_nmean == n) { /* both by year */
                p = pk[y];
                a = mn[y];
            } else if (ds->demand_npeak == n) { /* peaks by year; mean: year 1's ratio */
                p = pk[y];
                a = ds->demand_nmean ? (pk[0] > 0 ? pk[y] * mn[0] / pk[0] : 0) : pk[y] * m;
            } else { /* means by year; peak: year 1's ratio */
                a = mn[y];
                p = ds->demand_npeak ? (mn[0] > 0 ? mn[y] * pk[0] / mn[0] : pk[0])
                                     : (m > 0 ? mn[y] / m : 0);
            }
            q->peak_rps[y] = p;
            q->mean_rps[y] = a;
        }
        note.mean_from_shape = ds->demand_nmean == 0;
        note.peak_from_shape = ds->demand_npeak == 0;
        snprintf(note.demand, sizeof note.demand, "deal file (site %s, line %d)%s%s", ds->id,
                 ds->demand_line,
                 ds->demand_npeak ? "" : "; peak = mean / the shape's mean",
                 ds->demand_nmean ? "" : "; mean = peak x the shape's mean");
    } else {
        q->nyears = 1;
        q->peak_rps[0] = svc_peak;
        q->mean_rps[0] = svc_peak * m;
        note.mean_from_shape = 1;
        snprintf(note.demand, sizeof note.demand,
                 "fleet: service %s's peak_requests_per_s x the site's share of the service's "
                 "GPUs; mean = peak x the shape's mean", svc_names);
    }
    if (ds->demand_given && !isnan(ds->demand_growth)) {
        q->growth = ds->demand_growth;
        snprintf(note.growth, sizeof note.growth, "deal file (site %s demand.growth)", ds->id);
    } else {
        q->growth = growth / gpus;
        snprintf(note.growth, sizeof note.growth,
                 "fleet: service %s's growth_per_year (the fleet format's default 0)",
                 svc_names);
    }
    /* the mean lies between the lowest the shape allows and the peak, every listed year */
    double lo = 1;
    for (int h = 0; h < GS_ECON_SHAPE_HOURS; h++)
        lo = fmin(lo, q->shape[h]);
    char field[96];
    snprintf(field, sizeof field, "sites[%zu].demand.mean_requests_per_s", i);
    for (size_t y = 0; y < q->nyears; y++) {
        double p = q->peak_rps[y], a = q->mean_rps[y];
        double floor_mean = 1 - m > 1e-12 ? p * (m - lo) / (1 - lo) : p;
        if (a > p * (1 + 1e-12) || a < floor_mean * (1 - 1e-9))
            return gs_error_set(err, GS_EINPUT, d->path, ds->demand_line, ds->demand_column,
                                field,
                                "expected a mean of %.0f to %.0f requests/s in year %zu (the "
                                "peak, %.0f, and the least the service's shape allows: its "
                                "lowest hour is %.3f of its peak, its mean %.3f), found %.0f",
                                floor_mean, p, y + 1, p, lo, m, a);
    }
    if (rn)
        *rn = note;
    return 0;
}

int gs_deal_resolve(const gs_deal *d, const gs_fleet *f, gs_econ_site *sites,
                    gs_econ_terms *t, char (*price_note)[64], gs_error *err)
{
    return gs_deal_resolve_ex(d, f, sites, t, price_note, NULL, err);
}

int gs_deal_resolve_ex(const gs_deal *d, const gs_fleet *f, gs_econ_site *sites,
                       gs_econ_terms *t, char (*price_note)[64], gs_deal_req_note *req_note,
                       gs_error *err)
{
    memset(t, 0, sizeof *t);
    t->years = d->horizon_years;
    t->discount_rate = d->fig[GS_UW_DISCOUNT_RATE].value;
    t->energy_escalation = d->fig[GS_UW_ENERGY_ESCALATION].value;
    t->revenue_escalation = d->fig[GS_UW_REVENUE_ESCALATION].value;
    t->cost_escalation = d->fig[GS_UW_COST_ESCALATION].value;
    t->maintenance_share = d->fig[GS_UW_MAINTENANCE_SHARE].value;
    t->insurance_share = d->fig[GS_UW_INSURANCE_SHARE].value;
    t->property_tax_share = d->fig[GS_UW_PROPERTY_TAX_SHARE].value;
    t->staff_usd_per_mw_year = d->fig[GS_UW_STAFF_USD_PER_MW_YEAR].value;
    t->interruptible_energy_discount = d->fig[GS_UW_INTERRUPTIBLE_ENERGY_DISCOUNT].value;
    t->interruptible_capacity_relief = d->fig[GS_UW_INTERRUPTIBLE_CAPACITY_RELIEF].value;
    t->curtailed_hours_per_year = d->fig[GS_UW_CURTAILED_HOURS_PER_YEAR].value;
    t->inference_sla_penalty = d->fig[GS_UW_INFERENCE_SLA_PENALTY].value;
    t->mustrun_redundancy_usd_per_mw = d->fig[GS_UW_MUSTRUN_REDUNDANCY_USD_PER_MW].value;
    t->colocation_escalation = d->fig[GS_UW_COLOCATION_ESCALATION].value;
    for (size_t i = 0; i < d->nsites; i++) {
        const gs_deal_site *ds = &d->sites[i];
        gs_econ_site *s = &sites[i];
        memset(s, 0, sizeof *s);
        snprintf(s->id, sizeof s->id, "%s", ds->id);
        int fi = gs_fleet_find_site(f, ds->id);
        if (fi < 0)
            return site_fail(d, ds, i, err, "expected a site of the fleet %s, found '%s'",
                             d->fleet_path, ds->id);
        const gs_site *fs = &f->sites[fi];
        const gs_zone *z = fs->zone >= 0 && (size_t)fs->zone < f->nzones ? &f->zones[fs->zone]
                                                                        : NULL;
        /* prices */
        char note[64] = "";
        if (!isnan(ds->price_usd_per_mwh)) {
            s->nprice_years = 1;
            s->price_usd_per_mwh[0] = ds->price_usd_per_mwh;
            snprintf(note, sizeof note, "flat (deal, site)");
        } else if (z && (s->nprice_years = price_years(z->price_usd_per_mwh, s->price_year,
                                                       s->price_usd_per_mwh)) > 0) {
            snprintf(note, sizeof note, "%.24s price years %d-%d", z->id,
                     s->price_year[0] % 100000, s->price_year[s->nprice_years - 1] % 100000);
        } else if (!isnan(d->price_usd_per_mwh)) {
            s->nprice_years = 1;
            s->price_usd_per_mwh[0] = d->price_usd_per_mwh;
            snprintf(note, sizeof note, "flat (deal)");
        } else {
            return site_fail(d, ds, i, err,
                             "expected a price for site '%s': its zone '%s' has no price series "
                             "with a whole year; give price_usd_per_mwh (site or deal)",
                             ds->id, z ? z->id : "?");
        }
        if (price_note)
            snprintf(price_note[i], 64, "%s", note);
        double cap = d->fig[GS_UW_CAPACITY_USD_PER_MW_YEAR].value;
        for (size_t k = 0; z && k < d->nzones; k++)
            if (!strcmp(d->zone_id[k], z->id))
                cap = d->zone_capacity[k].value;
        s->capacity_usd_per_mw_year = pick(ds->capacity_usd_per_mw_year, cap);
        s->interconnect_usd_per_mw =
            pick(ds->interconnect_usd_per_mw, d->fig[GS_UW_INTERCONNECT_USD_PER_MW].value);
        s->flex_usd_per_mw_year = pick(ds->flex_usd_per_mw_year, d->flex_usd_per_mw_year);
        s->years_saved = pick(ds->years_saved, d->fig[GS_UW_YEARS_SAVED].value);
        s->headroom_known = !isnan(ds->headroom_mw);
        s->headroom_mw = s->headroom_known ? ds->headroom_mw : 0;
        /* classes: sums over the site's clusters */
        double racks[GS_NCLASS] = {0}, capex[GS_NCLASS] = {0}, util[GS_NCLASS] = {0},
               rev[GS_NCLASS] = {0};
        for (size_t c = 0; c < f->nclusters; c++) {
            const gs_cluster *cl = &f->clusters[c];
            if (cl->site != fi)
                continue;
            gs_econ_unit *u = &s->cls[cl->cls];
            const char *gid = cl->gpu >= 0 && (size_t)cl->gpu < f->ngpus ? f->gpus[cl->gpu].id
                                                                         : "?";
            size_t g = 0;
            while (g < d->ngpus && strcmp(d->gpu_id[g], gid))
                g++;
            if (g == d->ngpus)
                return site_fail(d, ds, i, err,
                                 "expected a GPU priced in the underwriting catalogue "
                                 "(data/catalog/underwrite.yaml), found '%s' (cluster '%s')",
                                 gid, cl->id);
            u->present = 1;
            u->it_mw += gs_cluster_nameplate_mw(f, cl);
            u->gpus += cl->gpus;
            racks[cl->cls] += cl->racks;
            capex[cl->cls] += cl->gpus * d->gpu_price[g].value;
            double cu = cl->cls == GS_TRAINING
                            ? cl->utilisation
                            : pick(ds->inference_utilisation,
                                   d->fig[GS_UW_INFERENCE_UTILISATION].value);
            util[cl->cls] += cl->gpus * cu;
            double cr = cl->cls == GS_TRAINING
                            ? (cl->cost_usd_per_gpu_hour > 0
                                   ? cl->cost_usd_per_gpu_hour
                                   : d->fig[GS_UW_TRAINING_USD_PER_GPU_HOUR].value)
                            : d->fig[GS_UW_INFERENCE_USD_PER_GPU_HOUR].value;
            if (cl->cls == GS_TRAINING && !isnan(ds->training_usd_per_gpu_hour))
                cr = ds->training_usd_per_gpu_hour;
            if (cl->cls == GS_INFERENCE && !isnan(ds->inference_usd_per_gpu_hour))
                cr = ds->inference_usd_per_gpu_hour;
            rev[cl->cls] += cl->gpus * cr;
        }
        int any = 0;
        for (int k = 0; k < GS_NCLASS; k++) {
            gs_econ_unit *u = &s->cls[k];
            if (!u->present)
                continue;
            if (!(u->gpus > 0 && u->it_mw > 0))
                return site_fail(d, ds, i, err, "expected GPUs at site '%s', found %s", ds->id,
                                 "clusters without any");
            any = 1;
            u->pue = gs_site_peak_pue(fs);
            u->utilisation = util[k] / u->gpus;
            u->revenue_usd_per_gpu_hour = rev[k] / u->gpus;
            u->gpu_capex_usd = capex[k] / u->gpus;
            u->refresh_years = (int)d->fig[GS_UW_REFRESH_YEARS].value;
            double rack_kw = racks[k] > 0 ? u->it_mw * 1000.0 / racks[k] : fs->rack_kw_max;
            double base = d->capex[fs->cooling <= GS_COOL_LIQUID ? fs->cooling : 0].value;
            double over = rack_kw - d->fig[GS_UW_DENSITY_BASE_KW].value;
            if (over > 0)
                base += over * d->fig[GS_UW_DENSITY_USD_PER_MW_PER_KW].value;
            u->facility_capex_usd_per_mw = pick(ds->facility_capex_usd_per_mw, base);
        }
        if (!any)
            return site_fail(d, ds, i, err, "expected clusters at site '%s', found %s", ds->id,
                             "none in the fleet");
        if (req_note)
            memset(&req_note[i], 0, sizeof req_note[i]);
        int rc = resolve_requests(d, ds, i, f, fi, s, req_note ? &req_note[i] : NULL, err);
        if (rc)
            return rc;
        if (ds->colocation && (rc = resolve_colocation(d, ds, i, s, err)))
            return rc;
    }
    return 0;
}
