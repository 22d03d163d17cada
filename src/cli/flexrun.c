/* flexrun.c: the set-up shared by `gridsplit flex` and `gridsplit simulate --policy`: the
 * market catalogue, the products the fleet can offer with each one's price over the period (a
 * series through the importers, a published figure of the catalogue for the period, or a user
 * value, each labelled), and the grid events (the catalogue's in the fleet's zones and/or an
 * event file) as the flex engine takes them (include/gridsplit/flexsim.h). */
#include "cli/flexrun.h"

#include <math.h>
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

/* When a product began: a published annual figure applies from then (the catalogue's opens). */
static int64_t product_opens(const gs_product *p)
{
    return p->opens_s ? p->opens_s : INT64_MIN;
}

/* A published price that covers the period: period "YYYY" (that calendar year, UTC) or
 * "YYYY/YYYY" (a PJM delivery year, June 1 - May 31, 04:00Z). Fills s where it applies. */
static int apply_published(const gs_product *p, const gs_fleet *f, gs_series *s, char *label, size_t len)
{
    int any = 0;
    size_t lab = 0;
    label[0] = 0;
    for (size_t k = 0; k < p->nprices; k++) {
        const gs_published_price *pp = &p->prices[k];
        int y1 = 0, y2 = 0, nread = 0;
        int64_t a, b;
        if (sscanf(pp->period, "%d/%d%n", &y1, &y2, &nread) == 2 && pp->period[nread] == 0) {
            a = gs_utc_from_civil(y1, 6, 1, 4, 0, 0);
            b = gs_utc_from_civil(y2, 6, 1, 4, 0, 0);
        } else if (sscanf(pp->period, "%d%n", &y1, &nread) == 1 && pp->period[nread] == 0) {
            a = gs_utc_from_civil(y1, 1, 1, 0, 0, 0);
            b = gs_utc_from_civil(y1 + 1, 1, 1, 0, 0, 0);
        } else {
            continue; /* "2024-07..2024-08", "2025, 12:00-16:00": not a whole-period figure */
        }
        /* the zone: a zonal figure of a fleet zone beats the RTO one */
        int zonal = 0, rto = 0;
        for (size_t z = 0; z < f->nzones; z++)
            if (!strcasecmp(pp->zone, f->zones[z].id))
                zonal = 1;
        if (!zonal && strstr(pp->zone, "-RTO")) {
            int has_zonal = 0;
            for (size_t q = 0; q < p->nprices; q++)
                for (size_t z = 0; z < f->nzones; z++)
                    if (q != k && !strcmp(p->prices[q].period, pp->period) &&
                        !strcasecmp(p->prices[q].zone, f->zones[z].id))
                        has_zonal = 1;
            rto = !has_zonal;
        }
        if (!zonal && !rto && strcasecmp(pp->zone, p->market))
            continue;
        int64_t open = product_opens(p);
        if (open > a)
            a = open;
        int used = 0;
        for (size_t i = 0; i < s->n; i++) {
            int64_t t = s->start_s + (int64_t)i * s->step_s;
            if (t >= a && t < b) {
                s->v[i] = pp->value;
                used = 1;
            }
        }
        if (used) {
            any = 1;
            char opened[128] = "";
            if (open > INT64_MIN) {
                char ts[32];
                gs_format_time(open, ts);
                snprintf(opened, sizeof opened, ", from %.10s when %s opened", ts, p->id);
            }
            lab += (size_t)snprintf(label + lab, lab < len ? len - lab : 0, "%s%s %s %g %s (%s%s; %s)",
                                    lab ? "; " : "", pp->period, pp->zone, pp->value,
                                    gs_price_unit_name(pp->unit), pp->label, opened, pp->source);
            if (lab >= len)
                lab = len - 1;
        }
    }
    return any;
}

/* Build each product's price over [from, to) hourly. Returns 0 or an exit code. */
static int load_price(const gs_product *p, const gs_fleet *f, int64_t from, int64_t to,
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
            snprintf(label, len, "user-supplied: %g %s (--price)", up[k].v,
                     p->kind == GS_PK_PEAK ? "USD/kW-year" :
                     gs_price_unit_name(p->availability_unit != GS_UNIT_NONE ? p->availability_unit : p->energy_unit));
            *out = s;
            return 0;
        }
    if (p->kind == GS_PK_PEAK) {
        snprintf(label, len, "no rate: the USD/kW-year charge behind %s is each utility's tariff, not in the "
                 "catalogue; pass --price %s=USD_PER_KW_YEAR", p->id, p->id);
        return 0;
    }
    if (p->has_series) {
        char path[GS_PATH_MAX + 256];
        gs__expand_shared(p->series.path, f->path, path, sizeof path);
        gs_import_opts io = {0};
        io.quantity = GS_QTY_PRICE;
        io.format = p->series.format;
        io.value_column = p->series.column[0] ? p->series.column : NULL;
        gs_points *pts = NULL;
        gs_error ie = {0};
        int rc = gs_import_points(path, &io, &pts, &ie);
        if (rc == 0) {
            gs_series *s = NULL;
            rc = gs_series_from_points(pts, from, to, 3600, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL, &s, &ie);
            gs_points_free(pts);
            if (rc == 0) {
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
            }
        }
        /* no usable series over the period: fall through to published figures */
        if (rc != 0 && ie.code == GS_EINPUT && strstr(ie.message, "no file") == NULL && ie.line > 0) {
            *err = ie;
            return ie.code;
        }
    }
    gs_series *s = gs_series_new(from, 3600, n);
    if (!s)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (apply_published(p, f, s, label, len)) {
        *out = s;
        return 0;
    }
    gs_series_free(s);
    if (p->has_series)
        snprintf(label, len, "no price in the period: its series covers %s only and no published figure "
                 "covers the period (pass --price %s=VALUE to supply one)", p->series.span, p->id);
    else
        snprintf(label, len, "no price in the period: no series and no published figure for it "
                 "(pass --price %s=VALUE to supply one)", p->id);
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

int gs__flexrun_prepare(gs__flexrun *x, gs_fleet *f, const gs_flexsim_opts *fo,
                        const char *catalog, const char *products_arg, const char *events_arg,
                        const gs__uprice *up, size_t nup, gs_error *err)
{
    int rc, use_catalog = 0;
    memset(x, 0, sizeof *x);
    if ((rc = gs_market_catalog_load(catalog, &x->cat,  err)) < 0)
        return rc;

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
        if ((rc = load_price(x->prods[p].p, f, fo->from_s, fo->to_s, up, nup, &x->series[p], x->prods[p].label,
                             sizeof x->prods[p].label,  err)) < 0)
            return rc;
        x->prods[p].price = x->series[p];
        if (products_arg && !x->series[p]) {
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
            fprintf(stderr, "gridsplit: warning: %s\n", eo.warning);
        for (size_t i = 0; i < x->nfile; i++) {
            if (x->file_evs[i].start_s < fo->from_s || x->file_evs[i].start_s >= fo->to_s) {
                char a[24], b[24];
                gs_format_time(x->file_evs[i].start_s, a);
                gs_format_time(x->file_evs[i].start_s < fo->from_s ? fo->from_s : fo->to_s, b);
                rc = gs_error_set(err, GS_EINPUT, x->events_file, 0, 0, "start",
                                  "event '%s' starts %s, %s the period (%s %s): expected events "
                                  "within --from .. --to", x->file_evs[i].id, a,
                                  x->file_evs[i].start_s < fo->from_s ? "in the past, before" : "after",
                                  x->file_evs[i].start_s < fo->from_s ? "--from" : "--to", b);
                return rc;
            }
            if (x->file_evs[i].asks_inference_shed) {
                rc = gs_error_set(err, GS_EINPUT, x->events_file, 0, 0, "shed_inference",
                                  "event '%s' asks to shed inference: flex never sheds inference in its "
                                  "flexible policy (pausing inference is an outage); mistake (a) in the "
                                  "report shows what that would cost", x->file_evs[i].id);
                return rc;
            }
        }
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
