/* flexrun.c: the set-up shared by `gridsplit flex` and `gridsplit simulate --policy`: the
 * market catalogue, the products the fleet can offer with each one's price over the period (a
 * zone's energy at the fleet's own price series for the zone, as `simulate` prices it; other
 * products from a series through the importers, a published figure of the catalogue for the
 * period, or a user value, each labelled), and the grid events (the catalogue's in the fleet's
 * zones and/or an event file, checked against the loads in their scope and the period) as the
 * flex engine takes them (include/gridsplit/flexsim.h). */
#include "cli/flexrun.h"

#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "gridsplit/time.h"
#include "gridsplit/read/events.h"
#include "gridsplit/read/import.h"
#include "gridsplit/read/market.h"
#include "read/yaml_util.h"

/* A warning: printed on stderr and kept for the outputs (summary.json, report.html). */
static void warn(gs__flexrun *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(gs__flexrun *x, const char *fmt, ...)
{
    char buf[GS__FLEX_WARNLEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "gridsplit: warning: %s\n", buf);
    if (x->nwarn < GS__FLEX_MAXWARN)
        memcpy(x->warnings[x->nwarn++], buf, sizeof buf);
    else
        x->nwarn_more++;
}

/* A label, cut at len - 1 characters when longer (a price source names paths and ids). */
static int fmt_label(char *dst, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fmt_label(char *dst, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, len, fmt, ap);
    va_end(ap);
    return n < 0 ? 0 : n;
}

/* 1 when nothing exists at path (a file, or a pattern no file matches). */
static int path_missing(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return 0;
    if (!strpbrk(path, "*?["))
        return errno == ENOENT || errno == ENOTDIR;
    glob_t g;
    int gr = glob(path, 0, NULL, &g);
    if (gr == 0)
        globfree(&g);
    return gr == GLOB_NOMATCH;
}

/* The years a catalogue series covers, from its span ("2015-2016", "2020"): [*a, *b) UTC.
 * Returns 0 when the span names no years (then the series is read whatever the period). */
static int span_years(const char *span, int64_t *a, int64_t *b)
{
    int y1 = 0, y2 = 0, n = 0;
    if (sscanf(span, "%d-%d%n", &y1, &y2, &n) == 2 && span[n] == 0 && y1 <= y2)
        ;
    else if (sscanf(span, "%d%n", &y1, &n) == 1 && span[n] == 0)
        y2 = y1;
    else
        return 0;
    if (y1 < 1 || y2 > 9999)
        return 0;
    *a = gs_utc_from_civil(y1, 1, 1, 0, 0, 0);
    *b = gs_utc_from_civil(y2 + 1, 1, 1, 0, 0, 0);
    return 1;
}

/* A zone-priced product: an energy product the catalogue prices at the zone's hourly wholesale
 * price (its series is of the `price` format, a zone's price file). Its price is the fleet's own
 * price series for each zone, in the unit `simulate` charges the energy with (the fleet's
 * zones[].price: USD/MWh, or the file's currency). */
static int zone_priced_product(const gs_product *p)
{
    return p->kind == GS_PK_ENERGY && p->has_series && !strcmp(p->series.format, "price");
}

/* Zone z's price (the fleet's zones[].price) hourly over [from, to): the mean of its finite
 * values in each hour (a step of an hour or more: its value at mid-hour). NULL in *out when
 * the fleet names no price for the zone. */
static int zone_hourly(const gs_zone *z, int64_t from, int64_t to, gs_series **out, gs_error *err)
{
    *out = NULL;
    const gs_series *zs = z->price_usd_per_mwh;
    if (!zs)
        return 0;
    size_t n = (size_t)((to - from) / 3600);
    gs_series *s = gs_series_new(from, 3600, n);
    if (!s)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (size_t h = 0; h < n; h++) {
        int64_t t0 = from + (int64_t)h * 3600;
        if (zs->step_s >= 3600) {
            s->v[h] = gs_series_at(zs, t0 + 1800);
            continue;
        }
        /* the steps starting within [t0, t0 + 1 h) */
        int64_t d = t0 - zs->start_s;
        int64_t i0 = d >= 0 ? (d + zs->step_s - 1) / zs->step_s : 0;
        double sum = 0;
        size_t cnt = 0;
        for (int64_t i = i0; i >= 0 && (size_t)i < zs->n && zs->start_s + i * zs->step_s < t0 + 3600; i++)
            if (isfinite(zs->v[i])) {
                sum += zs->v[i];
                cnt++;
            }
        s->v[h] = cnt ? sum / (double)cnt : NAN;
    }
    *out = s;
    return 0;
}

/* Price zone-priced product p (zone_priced_product) from the fleet's zones: x->zone_hourly for
 * each fleet zone of p, p's price the first priced zone's (it only says "priced somewhere";
 * the engine takes each zone's own). */
static int zone_price(gs__flexrun *x, size_t k, const gs_fleet *f, int64_t from, int64_t to, gs_error *err)
{
    const gs_product *p = x->prods[k].p;
    char *label = x->prods[k].label;
    size_t len = sizeof x->prods[k].label, lab = 0;
    label[0] = 0;
    const gs_series *first = NULL;
    char unpriced[160] = "", empty[200] = "";
    for (size_t z = 0; z < f->nzones; z++) {
        if (!gs_product_in_zone(p, f->zones[z].id))
            continue;
        if (!x->zone_hourly[z]) {
            int rc = zone_hourly(&f->zones[z], from, to, &x->zone_hourly[z], err);
            if (rc < 0)
                return rc;
        }
        const gs_series *s = x->zone_hourly[z];
        size_t have = 0;
        for (size_t i = 0; s && i < s->n; i++)
            have += isfinite(s->v[i]);
        if (!s) {
            if (!unpriced[0])
                snprintf(unpriced, sizeof unpriced, "%.60s", f->zones[z].id);
            continue;
        }
        if (!have) {
            if (!empty[0])
                snprintf(empty, sizeof empty, "%.60s (%.120s)", f->zones[z].id, f->zones[z].price_ref.path);
            continue;
        }
        if (!first)
            first = s;
        if (lab < len)
            lab += (size_t)fmt_label(label + lab, len - lab, "%sthe fleet's price of zone %.60s (%.120s), %zu of %zu hours",
                                    lab ? "; " : "", f->zones[z].id, f->zones[z].price_ref.path, have, s->n);
    }
    x->zone_priced[k] = 1;
    x->prods[k].price = first;
    if (first)
        return 0;
    if (empty[0])
        fmt_label(label, len, "no price in the period: the fleet's price series of zone %s has no hour in it "
                 "(pass --price %s=VALUE to supply one)", empty, p->id);
    else
        fmt_label(label, len, "no price: the fleet names no price series for zone %s (zones[].price), so "
                 "`simulate` leaves its energy unpriced too (pass --price %s=VALUE to supply one)", unpriced, p->id);
    return 0;
}

/* The catalogue's published figures over the hours of s, in USD: in each hour the figure that
 * gs_market_price_at picks in the first fleet zone of p that has one (the rule `site` shares:
 * a zonal figure beats a market-wide one, a shorter period a longer one, so a season beats its
 * planning year; converted to USD at the annual average rate of the hour's year). Names each
 * figure used once in label. 1: some hour priced; 0: none; <0: an error (no exchange rate). */
static int apply_published(const gs_market_catalog *cat, const gs_product *p, const gs_fleet *f, gs_series *s,
                           char *label, size_t len, gs_error *err)
{
    const gs_published_price *named[64];
    size_t nnamed = 0, lab = 0;
    int any = 0;
    label[0] = 0;
    /* the fleet's zones the product is sold in, matched once rather than at every step */
    size_t *zones = malloc((f->nzones ? f->nzones : 1) * sizeof *zones), nz = 0;
    if (!zones)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (size_t z = 0; z < f->nzones; z++)
        if (gs_product_in_zone(p, f->zones[z].id))
            zones[nz++] = z;
    for (size_t i = 0; i < s->n && nz; i++) {
        int64_t t = s->start_s + (int64_t)i * s->step_s;
        gs_price_quote q;
        int rc = 0;
        for (size_t k = 0; k < nz && rc == 0; k++)
            if ((rc = gs_market_price_at(cat, p, f->zones[zones[k]].id, t, &q, err)) < 0) {
                free(zones);
                return rc;
            }
        if (rc != 1)
            continue;
        s->v[i] = q.usd;
        any = 1;
        size_t k = 0;
        while (k < nnamed && named[k] != q.figure)
            k++;
        if (k < nnamed || nnamed == sizeof named / sizeof named[0] || lab + 1 >= len)
            continue;
        named[nnamed++] = q.figure;
        const gs_published_price *pp = q.figure;
        char fx[128] = "", opened[128] = "";
        if (q.fx[0])
            snprintf(fx, sizeof fx, " = %.4g USD at %.5g USD/%s, %d average", q.usd, q.usd_per_unit,
                     gs_price_unit_currency(pp->unit), q.fx[0]->year);
        if (p->opens_s && p->opens_s > pp->from_s) {
            char ts[32];
            gs_format_time(p->opens_s, ts);
            snprintf(opened, sizeof opened, ", from %.10s when %s opened", ts, p->id);
        }
        lab += (size_t)snprintf(label + lab, len - lab, "%s%s %s %g %s%s (%s%s; %s)", lab ? "; " : "", pp->period,
                                pp->zone, pp->value, gs_price_unit_name(pp->unit), fx, pp->label, opened, pp->source);
        if (lab >= len)
            lab = len - 1;
    }
    free(zones);
    return any;
}

/* Build each product's price over [from, to) hourly (not zone-priced products without a user
 * price: zone_price). Returns 0 or an exit code. */
static int load_price(gs__flexrun *x, const gs_product *p, const gs_fleet *f, int64_t from, int64_t to,
                      const gs__uprice *up, size_t nup, gs_series **out, char *label, size_t len,
                      gs_error *err)
{
    *out = NULL;
    size_t n = (size_t)((to - from) / 3600);
    for (size_t k = 0; k < nup; k++)
        if (!strcasecmp(up[k].id, p->id)) {
            gs_series *s = gs_series_new(from, 3600, n);
            if (!s)
                return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            for (size_t i = 0; i < n; i++)
                s->v[i] = up[k].v;
            const char *un = gs_price_unit_name(p->availability_unit != GS_UNIT_NONE ? p->availability_unit : p->energy_unit);
            const char *basis = strchr(un, '/'); /* a user price is in USD, in the unit's basis */
            snprintf(label, len, "user-supplied: %g %s%s (--price)", up[k].v, p->kind == GS_PK_PEAK ? "USD/kW-year" : "USD",
                     p->kind == GS_PK_PEAK ? "" : basis ? basis : "");
            *out = s;
            return 0;
        }
    if (p->kind == GS_PK_PEAK) {
        snprintf(label, len, "no rate: the USD/kW-year charge behind %s is each utility's tariff, not in the "
                 "catalogue; pass --price %s=USD_PER_KW_YEAR", p->id, p->id);
        return 0;
    }
    /* the catalogue's series: read only when its span meets the period; a file not found is
     * said (never taken for "no data in the period") */
    char why[GS_PATH_MAX + 320] = "";
    if (p->has_series) {
        char path[GS_PATH_MAX + 256];
        gs__expand_shared(p->series.path, f->path, path, sizeof path);
        int64_t ya, yb;
        if (span_years(p->series.span, &ya, &yb) && (yb <= from || ya >= to)) {
            snprintf(why, sizeof why, "its series covers %s only", p->series.span);
        } else if (path_missing(path)) {
            snprintf(why, sizeof why, "its series (%.40s) is missing: not found: %.700s", p->series.span, path);
            warn(x, "%s: not found: %s (the catalogue's price series of %s, %s)", p->id, path, p->id,
                 p->series.span);
        } else {
            gs_import_opts io = {0};
            io.quantity = GS_QTY_PRICE;
            io.format = p->series.format;
            io.value_column = p->series.column[0] ? p->series.column : NULL;
            gs_points *pts = NULL;
            int rc = gs_import_points(path, &io, &pts, err);
            gs_series *s = NULL;
            if (rc == 0) {
                rc = gs_series_from_points(pts, from, to, 3600, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL, &s, err);
                gs_points_free(pts);
            }
            if (rc < 0) {
                if (!err->file[0])
                    snprintf(err->file, sizeof err->file, "%.*s", (int)sizeof err->file - 1, path);
                return rc;
            }
            size_t have = 0;
            for (size_t i = 0; i < s->n; i++)
                have += isfinite(s->v[i]);
            if (have) {
                snprintf(label, len, "series %s%s%s (%s), %zu of %zu hours priced", p->series.format,
                         p->series.column[0] ? " " : "", p->series.column, p->series.span, have, s->n);
                *out = s;
                return 0;
            }
            gs_series_free(s);
            snprintf(why, sizeof why, "its series (%s) has no hour in the period", p->series.span);
        }
    }
    gs_series *s = gs_series_new(from, 3600, n);
    if (!s)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    int pub = apply_published(x->cat, p, f, s, label, len, err);
    if (pub < 0) {
        gs_series_free(s);
        return pub;
    }
    if (pub) {
        *out = s;
        return 0;
    }
    gs_series_free(s);
    if (why[0])
        snprintf(label, len, "no price in the period: %s and no published figure covers the period "
                 "(pass --price %s=VALUE to supply one)", why, p->id);
    else
        snprintf(label, len, "no price in the period: no series and %s (pass --price %s=VALUE to supply one)",
                 p->nprices ? "no published figure covers the period" : "no published figure for it", p->id);
    return 0;
}

/* any cluster of a class that may offer p (training: yes; inference: shift is not modelled) */
static int product_fits_fleet(const gs_product *p, const gs_fleet *f, char *why, size_t len)
{
    int in_zone = 0;
    for (size_t c = 0; c < f->nclusters; c++) {
        const gs_cluster *cl = &f->clusters[c];
        if (!gs_product_in_zone(p, f->zones[f->sites[cl->site].zone].id))
            continue;
        in_zone = 1;
        if (cl->cls == GS_TRAINING && p->eligible[GS_TRAINING] == GS_ELIG_YES)
            return 1;
    }
    if (!in_zone) {
        snprintf(why, len, "no cluster of the fleet is in a zone of %s (zones:", p->id);
        for (size_t z = 0; z < p->nzones; z++)
            snprintf(why + strlen(why), len - strlen(why), " %s", p->zones[z]);
        snprintf(why + strlen(why), len - strlen(why), ")");
        return 0;
    }
    gs_error e = {0};
    if (gs_product_check_class(p, GS_INFERENCE, 0, &e) < 0)
        snprintf(why, len, "the only clusters in its zones are inference: %.400s", e.message);
    else
        snprintf(why, len, "the only clusters in its zones are inference, which may offer %s only by "
                 "moving load to another site; flex does not model that shift", p->id);
    return 0;
}

/* 1 when a cluster of class cls runs in ev's scope. */
static int scope_runs(const gs_fleet *f, const gs_event *ev, gs_class cls)
{
    for (size_t c = 0; c < f->nclusters; c++) {
        int s = f->clusters[c].site;
        if (f->clusters[c].cls == cls &&
            (ev->scope == GS_SCOPE_FLEET || (ev->scope == GS_SCOPE_SITE && ev->scope_index == s) ||
             (ev->scope == GS_SCOPE_ZONE && ev->scope_index == f->sites[s].zone)))
            return 1;
    }
    return 0;
}

/* The scope as words: "site 'iowa'", "zone 'ERCOT'", "the fleet"; and its key in the file. */
static const char *scope_words(const gs_fleet *f, const gs_event *ev, char *buf, size_t len, const char **key)
{
    if (ev->scope == GS_SCOPE_SITE) {
        snprintf(buf, len, "site '%s'", f->sites[ev->scope_index].id);
        *key = "site";
    } else if (ev->scope == GS_SCOPE_ZONE) {
        snprintf(buf, len, "zone '%s'", f->zones[ev->scope_index].id);
        *key = "zone";
    } else {
        snprintf(buf, len, "the fleet");
        *key = "class";
    }
    return buf;
}

/* The file's events against the fleet and the period, as `route` takes its caps: an event on
 * the load of a class its scope does not run moves nothing (refused); one wholly outside the
 * period acts on nothing (a warning, left out); one partly inside is taken for the part
 * inside; an inference limit is a warning (the flexible policy curtails training only). */
static int check_file_events(gs__flexrun *x, const gs_fleet *f, const gs_flexsim_opts *fo, gs_error *err)
{
    char pa[32], pb[32], a[32], b[32], sw[GS_ID_MAX + 16];
    gs_format_time(fo->from_s, pa);
    gs_format_time(fo->to_s, pb);
    size_t keep = 0;
    for (size_t i = 0; i < x->nfile; i++) {
        gs_event *ev = &x->file_evs[i];
        const char *key;
        scope_words(f, ev, sw, sizeof sw, &key);
        if (ev->cls != GS_EVCLS_ALL) {
            gs_class cls = ev->cls == GS_EVCLS_INFERENCE ? GS_INFERENCE : GS_TRAINING;
            if (!scope_runs(f, ev, cls)) {
                char field[48];
                snprintf(field, sizeof field, "events[%zu].%s", i, key);
                return gs_error_set(err, GS_EINPUT, x->events_file, 0, 0, field,
                                    "event '%s': %s runs no %s, so a limit on its %s load moves "
                                    "nothing (expected a scope that runs %s, or class: all)",
                                    ev->id, sw, gs_class_name(cls), gs_class_name(cls), gs_class_name(cls));
            }
        }
        if (ev->asks_inference_shed)
            return gs_error_set(err, GS_EINPUT, x->events_file, 0, 0, "shed_inference",
                                "event '%s' asks to shed inference: flex never sheds inference in its "
                                "flexible policy (pausing inference is an outage); mistake (a) in the "
                                "report shows what that would cost", ev->id);
        if (ev->end_s <= fo->from_s || ev->start_s >= fo->to_s) {
            gs_format_time(ev->start_s, a);
            gs_format_time(ev->end_s, b);
            warn(x, "event '%s' (%s .. %s) is outside the period %s .. %s: it acts on nothing "
                 "(%s)", ev->id, a, b, pa, pb, x->events_file);
            continue;
        }
        if (ev->cls == GS_EVCLS_INFERENCE)
            warn(x, "event '%s' limits the inference load of %s: the flexible policy curtails "
                 "training only and never sheds inference, so nothing is planned for it (`gridsplit "
                 "route --events` moves its requests to other sites)", ev->id, sw);
        if (ev->start_s < fo->from_s)
            ev->start_s = fo->from_s;
        if (ev->end_s > fo->to_s)
            ev->end_s = fo->to_s;
        x->file_evs[keep++] = *ev;
    }
    x->nfile = keep;
    return 0;
}

int gs__flexrun_prepare(gs__flexrun *x, gs_fleet *f, gs_flexsim_opts *fo,
                        const char *catalog, const char *products_arg, const char *events_arg,
                        const gs__uprice *up, size_t nup, gs_error *err)
{
    int rc, use_catalog = 0;
    memset(x, 0, sizeof *x);
    if ((rc = gs_market_catalog_load(catalog, &x->cat,  err)) < 0)
        return rc;
    x->zone_hourly = calloc(f->nzones + 1, sizeof *x->zone_hourly);
    if (!x->zone_hourly)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    x->nzones = f->nzones;
    fo->zone_priced = x->zone_priced;
    fo->zone_price = (const gs_series *const *)x->zone_hourly;

    /* products */
    if (products_arg) {
        char buf[2048];
        snprintf(buf, sizeof buf, "%s", products_arg);
        char *save = NULL;
        for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ')
                tok++;
            const gs_product *p = gs_market_find_product(x->cat, tok);
            if (!p) {
                rc = gs_error_set(err, GS_EINPUT, NULL, 0, 0, "--products",
                                  "unknown product '%s' (see `gridsplit markets`)", tok);
                return rc;
            }
            char why[640];
            if (!product_fits_fleet(p, f, why, sizeof why)) {
                rc = gs_error_set(err, GS_EINPUT, f->path, 0, 0, "--products",
                                  "%s cannot be offered by this fleet: %s", p->id, why);
                return rc;
            }
            if (x->np >= GS__FLEX_MAXP) {
                rc = gs_error_set(err, GS_EINPUT, NULL, 0, 0, "--products", "at most %d products", GS__FLEX_MAXP);
                return rc;
            }
            x->prods[x->np++].p = p;
        }
    } else {
        for (size_t k = 0; k < x->cat->nproducts && x->np < GS__FLEX_MAXP; k++) {
            char why[640];
            const gs_product *p = &x->cat->products[k];
            int zone = 0;
            for (size_t z = 0; z < f->nzones; z++)
                zone |= gs_product_in_zone(p, f->zones[z].id);
            if (zone && (product_fits_fleet(p, f, why, sizeof why) ||
                         p->eligible[GS_TRAINING] == GS_ELIG_YES)) /* kept for mistake (a) */
                x->prods[x->np++].p = p;
        }
    }
    for (size_t k = 0; k < nup; k++) {
        int found = 0;
        for (size_t p = 0; p < x->np; p++)
            found |= !strcasecmp(x->prods[p].p->id, up[k].id);
        if (!found) {
            rc = gs_error_set(err, GS_EINPUT, NULL, 0, 0, "--price",
                              "product '%s' is not among the products of this run", up[k].id);
            return rc;
        }
    }
    for (size_t p = 0; p < x->np; p++) {
        int user = 0;
        for (size_t k = 0; k < nup; k++)
            user |= !strcasecmp(up[k].id, x->prods[p].p->id);
        if (!user && zone_priced_product(x->prods[p].p)) {
            if ((rc = zone_price(x, p, f, fo->from_s, fo->to_s, err)) < 0)
                return rc;
        } else {
            if ((rc = load_price(x, x->prods[p].p, f, fo->from_s, fo->to_s, up, nup, &x->series[p],
                                 x->prods[p].label, sizeof x->prods[p].label, err)) < 0)
                return rc;
            x->prods[p].price = x->series[p];
        }
        if (products_arg && !x->prods[p].price) {
            rc = gs_error_set(err, GS_EINPUT, NULL, 0, 0, "--products", "%s: %s", x->prods[p].p->id, x->prods[p].label);
            return rc;
        }
    }

    /* events */
    {
        char buf[1100];
        snprintf(buf, sizeof buf, "%s", events_arg);
        char *save = NULL;
        for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            if (!strcmp(tok, "catalog"))
                use_catalog = 1;
            else if (!strcmp(tok, "none"))
                ;
            else
                snprintf(x->events_file, sizeof x->events_file, "%s", tok);
        }
    }
    if (x->events_file[0]) {
        gs_events_read_opts eo = {.require_events = 1};
        if ((rc = gs_events_read(x->events_file, f, &x->file_evs, &x->nfile, &eo, err)) < 0)
            return rc;
        if (eo.warning[0])
            warn(x, "%s", eo.warning);
        if ((rc = check_file_events(x, f, fo, err)) < 0)
            return rc;
    }
    x->fev = calloc((use_catalog ? x->cat->nevents * f->nzones : 0) + x->nfile + 1, sizeof *x->fev);
    if (!x->fev) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        return rc;
    }
    for (size_t i = 0; use_catalog && i < x->cat->nevents; i++) {
        const gs_grid_event *g = &x->cat->events[i];
        if (g->end_s <= fo->from_s || g->start_s >= fo->to_s)
            continue;
        for (size_t z = 0; z < f->nzones; z++) {
            if (!gs_event_in_zone(g, f->zones[z].id))
                continue;
            gs_flexsim_event *e = &x->fev[x->nfev++];
            snprintf(e->ev.id, sizeof e->ev.id, "%s", g->id);
            e->ev.scope = GS_SCOPE_ZONE;
            e->ev.scope_index = (int)z;
            e->ev.start_s = g->start_s < fo->from_s ? fo->from_s : g->start_s;
            e->ev.end_s = g->end_s > fo->to_s ? fo->to_s : g->end_s;
            if (g->kind == GS_EV_4CP) {
                e->ev.kind = GS_PEV_PEAK;
                e->ev.notice_s = fo->price_notice_s; /* 4CP alerts come ahead: the hour is foreseen */
            } else {
                e->ev.kind = GS_PEV_RESERVE_DEPLOY; /* what the zone's clusters committed is deployed */
                e->ev.ramp_s = 600;
            }
            snprintf(e->origin, sizeof e->origin, "catalog");
            snprintf(e->source, sizeof e->source, "%.250s", g->source);
        }
    }
    /* catalogue events overlapping in one zone (an EEA declared during a load-management day)
     * are one window: the union, planned once */
    for (size_t i = 0; i < x->nfev; i++)
        for (size_t k = i + 1; k < x->nfev; k++) {
            gs_flexsim_event *a = &x->fev[i], *b = &x->fev[k];
            if (a->ev.scope_index != b->ev.scope_index || a->ev.start_s >= b->ev.end_s || b->ev.start_s >= a->ev.end_s)
                continue;
            if (b->ev.start_s < a->ev.start_s)
                a->ev.start_s = b->ev.start_s;
            if (b->ev.end_s > a->ev.end_s)
                a->ev.end_s = b->ev.end_s;
            if (b->ev.kind == GS_PEV_RESERVE_DEPLOY) {
                a->ev.kind = GS_PEV_RESERVE_DEPLOY;
                a->ev.notice_s = 0;
                a->ev.ramp_s = 600;
            }
            char bid[sizeof b->ev.id];
            memcpy(bid, b->ev.id, sizeof bid);
            size_t l = strlen(a->ev.id);
            snprintf(a->ev.id + l, sizeof a->ev.id - l, "+%s", bid);
            x->fev[k] = x->fev[--x->nfev];
            k = i; /* rescan */
        }
    for (size_t i = 0; i < x->nfile; i++) {
        gs_flexsim_event *e = &x->fev[x->nfev++];
        e->ev = x->file_evs[i];
        snprintf(e->origin, sizeof e->origin, "file");
        snprintf(e->source, sizeof e->source, "%.250s", x->events_file);
    }

    return GS_OK;
}

void gs__flexrun_clear(gs__flexrun *x)
{
    for (size_t p = 0; p < x->np; p++)
        gs_series_free(x->series[p]);
    for (size_t z = 0; x->zone_hourly && z < x->nzones; z++)
        gs_series_free(x->zone_hourly[z]);
    free(x->zone_hourly);
    free(x->fev);
    free(x->file_evs);
    gs_market_catalog_free(x->cat);
    memset(x, 0, sizeof *x);
}

int gs__flexrun_events_check(const gs_opts *o, const char *name)
{
    size_t n = gs_opts_count(o, name), ncat = 0, nnone = 0, nfile = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *it = gs_opts_item(o, name, i, &len);
        if (len == 7 && !memcmp(it, "catalog", 7))
            ncat++;
        else if (len == 4 && !memcmp(it, "none", 4))
            nnone++;
        else
            nfile++;
    }
    const char *text = gs_opts_str(o, name);
    if (nnone && n > 1)
        return gs_opts_fail(o, name, "expected none alone (no events), found '%s'", text);
    if (ncat > 1 || nfile > 1)
        return gs_opts_fail(o, name, "expected catalog, none, FILE or catalog,FILE, found '%s'",
                            text);
    return 0;
}

int gs__flexrun_period_check(const gs_opts *o, const gs_fleet *f, int64_t from_s, int64_t to_s,
                             int64_t step_s, const char *why)
{
    if (3600 % step_s)
        return gs_opts_fail(o, "step", "expected a step that divides 1h%s, found '%s'", why,
                            gs_opts_str(o, "step"));
    static const char *const names[2] = {"from", "to"};
    const int64_t t[2] = {from_s, to_s};
    for (int k = 0; k < 2; k++) {
        if (t[k] % 3600 == 0)
            continue;
        if (gs_opts_given(o, names[k]))
            return gs_opts_fail(o, names[k], "expected a time on the 1h grid (UTC)%s, found '%s'",
                                why, gs_opts_str(o, names[k]));
        char ts[32];
        gs_format_time(t[k], ts);
        return gs_opts_fail(o, names[k], "required: the fleet's period.%s (%s, in %s) is not a "
                            "whole UTC hour: give --%s on the 1h grid", names[k], ts, f->path,
                            names[k]);
    }
    return 0;
}
