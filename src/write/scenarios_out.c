/* scenarios_out.c: the outputs of `gridsplit scenarios` (include/gridsplit/write/scenarios.h,
 * docs/scenarios.md): scenarios.csv, one row per scenario, year, site and class with every figure
 * of the table; summary.json, the run's inputs (fleet, deal, headroom of each zone and where it
 * came from, the conversion test of each training campus, flexibility products at the base
 * load, the reference figures and defaults with their sources), each scenario's indexes, fleet
 * totals and zone shares by year, and each site's value and peaks under it; and the text table
 * of standard output. Files are written under a temporary name and renamed. Deterministic. */
#include "gridsplit/write/scenarios.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "write/outfile.h"
#include "write/outfmt.h"

#define NK GS_NCLASS

static const char *const CLS[NK] = {"training", "inference"};

/* ---- CSV --------------------------------------------------------------------------------- */

static int write_csv(const gs_scen_outputs *o, const char *path, gs_error *err)
{
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    const gs_scen_result *r = o->res;
    const gs_fleet *f = o->in->fleet;
    FILE *F = of.f;
    fputs("scenario,year,site,class,index,capacity_mw,demand_mw,served_mw,unserved_mw,spare_mw,"
          "convertible_mw,stranded_mw,interconnect_share,headroom_share,utilisation,load_mw,"
          "flex_usd,rack_kw,rack_fits\n",
          F);
    for (size_t q = 0; q < r->nrun; q++) {
        const gs_scenario *sc = &o->in->set[o->in->run[q]];
        for (int y = 0; y < r->years; y++)
            for (size_t s = 0; s < r->nsites; s++)
                for (int k = 0; k < NK; k++) {
                    if (!r->sites[s].present[k])
                        continue;
                    const gs_scen_cell *c = gs_scen_cell_at(r, q, y, s, k);
                    gs__csv_str(F, sc->id);
                    fprintf(F, ",%d,", r->from_year + y);
                    gs__csv_str(F, f->sites[s].id);
                    fprintf(F, ",%s", CLS[k]);
                    const double v[] = {c->index, c->capacity_mw, c->demand_mw, c->served_mw,
                                        c->unserved_mw, c->spare_mw, c->convertible_mw,
                                        c->stranded_mw, c->interconnect_share,
                                        c->headroom_share, c->utilisation, c->load_mw,
                                        c->flex_usd, c->rack_kw};
                    const int dec[] = {6, 3, 3, 3, 3, 3, 3, 3, 6, 6, 6, 3, 2, 3};
                    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
                        fputc(',', F);
                        gs__csv_num(F, v[i], dec[i]);
                    }
                    fputc(',', F);
                    if (c->rack_fits >= 0)
                        fprintf(F, "%d", c->rack_fits);
                    fputc('\n', F);
                }
    }
    return gs__outfile_commit(&of, err);
}

/* ---- JSON -------------------------------------------------------------------------------- */

static json_t *value_json(const gs_scen_value *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "npv_usd", gs__json_num(v->npv_usd, 2));
    json_t *irr = json_object();
    json_object_set_new(irr, "status", json_string(gs__irr_status_name(v->irr.status)));
    json_object_set_new(irr, "rate", gs__json_num(v->irr.status == GS_IRR_OK ? v->irr.irr : NAN, 6));
    json_object_set_new(irr, "sign_changes", json_integer(v->irr.sign_changes));
    json_object_set_new(o, "irr", irr);
    json_object_set_new(o, "payback_years",
                        gs__json_num(v->payback_reached ? v->payback_years : NAN, 3));
    json_object_set_new(o, "pv_flex_usd", gs__json_num(v->pv_flex_usd, 2));
    return o;
}

static json_t *figures_json(const gs_scen_out_figure *fg, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "id", json_string(fg[i].id));
        json_object_set_new(x, "value", gs__json_num(fg[i].value, 6));
        json_object_set_new(x, "unit", json_string(fg[i].unit ? fg[i].unit : ""));
        json_object_set_new(x, "source", json_string(fg[i].source ? fg[i].source : ""));
        json_array_append_new(a, x);
    }
    return a;
}

static json_t *growth_json(const gs_scen_growth *g)
{
    json_t *a = json_array();
    for (size_t i = 0; i < g->n; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "from", json_integer(g->step[i].from_year));
        json_object_set_new(x, "rate", gs__json_num(g->step[i].rate, 6));
        json_object_set_new(x, "source", json_string(g->step[i].source));
        json_array_append_new(a, x);
    }
    return a;
}

static json_t *curve_json(const gs_scen_curve *c)
{
    json_t *a = json_array();
    for (size_t i = 0; i < c->n; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "year", json_integer(c->pt[i].year));
        json_object_set_new(x, "value", gs__json_num(c->pt[i].value, 6));
        json_object_set_new(x, "source", json_string(c->pt[i].source));
        json_array_append_new(a, x);
    }
    return a;
}

static json_t *site_json(const gs_scen_outputs *o, size_t s)
{
    const gs_scen_result *r = o->res;
    const gs_fleet *f = o->in->fleet;
    const gs_scen_site *si = &r->sites[s];
    json_t *x = json_object();
    json_object_set_new(x, "id", json_string(f->sites[s].id));
    json_object_set_new(x, "zone", json_string(f->zones[f->sites[s].zone].id));
    json_object_set_new(x, "interconnect_mw", gs__json_num(si->interconnect_mw, 3));
    json_object_set_new(x, "zone_headroom_mw", gs__json_num(si->headroom_mw, 1));
    json_object_set_new(x, "rack_kw_host", gs__json_num(si->rack_kw_host, 3));
    json_t *cl = json_object();
    for (int k = 0; k < NK; k++) {
        if (!si->present[k])
            continue;
        json_t *c = json_object();
        json_object_set_new(c, "capacity_mw", gs__json_num(si->capacity_mw[k], 3));
        json_object_set_new(c, "base_utilisation", gs__json_num(si->base_utilisation[k], 6));
        json_object_set_new(cl, CLS[k], c);
    }
    json_object_set_new(x, "classes", cl);
    if (si->present[GS_TRAINING] && si->assessed) {
        json_t *c = json_object();
        json_object_set_new(c, "region", json_string(si->region));
        json_object_set_new(c, "service", json_string(si->service));
        json_object_set_new(c, "region_share", gs__json_num(si->region_share, 6));
        json_object_set_new(c, "rtt_ms", gs__json_num(si->rtt_ms, 3));
        json_object_set_new(c, "limit_ms", gs__json_num(si->limit_ms, 3));
        json_object_set_new(c, "convertible", json_boolean(si->convertible));
        json_object_set_new(x, "conversion", c);
    } else {
        json_object_set_new(x, "conversion", json_null());
    }
    if (si->flex_valued) {
        json_t *fx = json_object();
        json_object_set_new(fx, "load_mw", gs__json_num(si->flex_base_load_mw, 3));
        json_object_set_new(fx, "offer_mw", gs__json_num(si->flex_base_offer_mw, 3));
        json_object_set_new(fx, "usd_per_year", gs__json_num(si->flex_base_usd, 2));
        json_t *pa = json_array();
        for (size_t q = 0; q < si->nmarket; q++) {
            const gs_site_market_line *L = &si->market[q];
            json_t *p = json_object();
            json_object_set_new(p, "product", json_string(L->product));
            json_object_set_new(p, "kind", json_string(L->kind));
            json_object_set_new(p, "priced", json_boolean(L->priced));
            json_object_set_new(p, "basis", json_string(L->basis));
            json_object_set_new(p, "unit", json_string(L->unit));
            json_object_set_new(p, "price_mean", gs__json_num(L->price_mean, 4));
            json_object_set_new(p, "hours_sold", gs__json_num(L->hours_sold, 2));
            json_object_set_new(p, "usd_per_year", gs__json_num(L->priced ? L->usd_per_year : NAN, 2));
            json_object_set_new(p, "note", json_string(L->note));
            json_array_append_new(pa, p);
        }
        json_object_set_new(fx, "products", pa);
        json_object_set_new(x, "flexibility", fx);
    } else {
        json_object_set_new(x, "flexibility", json_null());
    }
    json_object_set_new(x, "underwritten", json_boolean(si->underwritten));
    json_object_set_new(x, "flat", si->underwritten ? value_json(&r->flat[s]) : json_null());
    return x;
}

/* A site's peaks under run q: its demand (both classes) over interconnection and zone headroom. */
static json_t *site_run_json(const gs_scen_outputs *o, size_t q, size_t s)
{
    const gs_scen_result *r = o->res;
    const gs_scen_site *si = &r->sites[s];
    json_t *x = json_object();
    json_object_set_new(x, "id", json_string(o->in->fleet->sites[s].id));
    double pk_ic = -1, pk_hr = -1, strand = 0, conv = 0;
    int pk_ic_y = 0, pk_hr_y = 0, over = 0, rack_bad[NK] = {0, 0};
    int any_strand = 0;
    for (int y = 0; y < r->years; y++) {
        double ic = 0, hr = 0;
        int hr_known = 0;
        for (int k = 0; k < NK; k++) {
            if (!si->present[k])
                continue;
            const gs_scen_cell *c = gs_scen_cell_at(r, q, y, s, k);
            ic += c->interconnect_share;
            if (isfinite(c->headroom_share)) {
                hr += c->headroom_share;
                hr_known = 1;
            }
            if (c->rack_fits == 0 && !rack_bad[k])
                rack_bad[k] = r->from_year + y;
            if (isfinite(c->stranded_mw)) {
                any_strand = 1;
                strand = fmax(strand, c->stranded_mw);
                conv = fmax(conv, c->convertible_mw);
            }
        }
        if (ic > pk_ic) {
            pk_ic = ic;
            pk_ic_y = r->from_year + y;
        }
        if (ic > 1 && !over)
            over = r->from_year + y;
        if (hr_known && hr > pk_hr) {
            pk_hr = hr;
            pk_hr_y = r->from_year + y;
        }
    }
    json_object_set_new(x, "peak_interconnect_share", gs__json_num(pk_ic, 6));
    json_object_set_new(x, "peak_interconnect_year", json_integer(pk_ic_y));
    json_object_set_new(x, "first_year_over_interconnect", over ? json_integer(over) : json_null());
    json_object_set_new(x, "peak_headroom_share", pk_hr >= 0 ? gs__json_num(pk_hr, 6) : json_null());
    json_object_set_new(x, "peak_headroom_year", pk_hr >= 0 ? json_integer(pk_hr_y) : json_null());
    json_t *rk = json_object();
    for (int k = 0; k < NK; k++)
        if (si->present[k])
            json_object_set_new(rk, CLS[k], rack_bad[k] ? json_integer(rack_bad[k]) : json_null());
    json_object_set_new(x, "first_year_rack_unfit", rk);
    json_object_set_new(x, "max_stranded_mw", any_strand ? gs__json_num(strand, 3) : json_null());
    json_object_set_new(x, "max_convertible_mw", any_strand ? gs__json_num(conv, 3) : json_null());
    if (si->underwritten) {
        const gs_scen_value *v = &r->value[q * r->nsites + s];
        json_object_set_new(x, "value", value_json(v));
        json_object_set_new(x, "npv_vs_flat_usd", gs__json_num(v->npv_usd - r->flat[s].npv_usd, 2));
    } else {
        json_object_set_new(x, "value", json_null());
        json_object_set_new(x, "npv_vs_flat_usd", json_null());
    }
    return x;
}

static json_t *summary(const gs_scen_outputs *o)
{
    const gs_scen_result *r = o->res;
    const gs_scen_inputs *in = o->in;
    const gs_fleet *f = in->fleet;
    json_t *root = json_object();
    json_object_set_new(root, "command", json_string("scenarios"));
    json_object_set_new(root, "fleet", json_string(o->fleet_path));
    json_object_set_new(root, "deal", o->deal_path ? json_string(o->deal_path) : json_null());
    json_object_set_new(root, "from_year", json_integer(r->from_year));
    json_object_set_new(root, "years", json_integer(r->years));
    json_object_set_new(root, "horizon_years", r->horizon ? json_integer(r->horizon) : json_null());
    json_object_set_new(root, "discount_rate",
                        in->terms && in->econ ? gs__json_num(in->terms->discount_rate, 6) : json_null());
    json_object_set_new(root, "headroom_rate_pct", gs__json_num(o->headroom_rate_pct, 6));
    json_object_set_new(root, "markets", json_string(o->market_note ? o->market_note : ""));
    json_t *zs = json_array();
    for (size_t z = 0; z < f->nzones; z++) {
        json_t *x = json_object();
        json_object_set_new(x, "id", json_string(f->zones[z].id));
        json_object_set_new(x, "headroom_mw",
                            gs__json_num(in->zone_headroom_mw ? in->zone_headroom_mw[z] : NAN, 1));
        json_object_set_new(x, "note", json_string(o->zone_note ? o->zone_note[z] : ""));
        json_array_append_new(zs, x);
    }
    json_object_set_new(root, "zones", zs);
    json_t *sa = json_array();
    for (size_t s = 0; s < r->nsites; s++)
        json_array_append_new(sa, site_json(o, s));
    json_object_set_new(root, "sites", sa);

    json_t *ra = json_array();
    for (size_t q = 0; q < r->nrun; q++) {
        const gs_scenario *sc = &in->set[in->run[q]];
        json_t *x = json_object();
        json_object_set_new(x, "id", json_string(sc->id));
        json_object_set_new(x, "name", json_string(sc->name));
        json_object_set_new(x, "source", json_string(sc->source));
        json_object_set_new(x, "origin", json_string(sc->origin));
        json_object_set_new(x, "form", json_string(gs_scen_form_name(sc->form)));
        if (sc->form == GS_SCEN_BETWEEN) {
            json_t *b = json_array();
            json_array_append_new(b, json_string(in->set[sc->between[0]].id));
            json_array_append_new(b, json_string(in->set[sc->between[1]].id));
            json_object_set_new(x, "between", b);
            json_object_set_new(x, "weight", gs__json_num(sc->weight, 6));
        } else {
            if (sc->training.n)
                json_object_set_new(x, "training_growth", growth_json(&sc->training));
            if (sc->inference.n)
                json_object_set_new(x, "inference_growth", growth_json(&sc->inference));
            if (sc->total.n)
                json_object_set_new(x, "total_growth", growth_json(&sc->total));
            if (sc->share.n)
                json_object_set_new(x, "inference_share", curve_json(&sc->share));
        }
        json_t *ya = json_array();
        for (int y = 0; y < r->years; y++) {
            json_t *yr = json_object();
            json_object_set_new(yr, "year", json_integer(r->from_year + y));
            for (int k = 0; k < NK; k++) {
                const gs_scen_total *t = &r->totals[((size_t)q * (size_t)r->years + (size_t)y) * NK + (size_t)k];
                json_t *c = json_object();
                json_object_set_new(c, "index",
                                    gs__json_num(r->index[((size_t)q * (size_t)r->years + (size_t)y) * NK + (size_t)k], 6));
                json_object_set_new(c, "demand_mw", gs__json_num(t->demand_mw, 3));
                json_object_set_new(c, "served_mw", gs__json_num(t->served_mw, 3));
                json_object_set_new(c, "unserved_mw", gs__json_num(t->unserved_mw, 3));
                json_object_set_new(c, "spare_mw", gs__json_num(t->spare_mw, 3));
                if (k == GS_TRAINING) {
                    json_object_set_new(c, "convertible_mw", gs__json_num(t->convertible_mw, 3));
                    json_object_set_new(c, "stranded_mw", gs__json_num(t->stranded_mw, 3));
                    json_object_set_new(c, "flex_usd", in->markets ? gs__json_num(t->flex_usd, 2)
                                                                  : json_null());
                }
                json_object_set_new(yr, CLS[k], c);
            }
            json_t *zsh = json_object();
            for (size_t z = 0; z < f->nzones; z++) {
                double v = r->zone_share[((size_t)q * (size_t)r->years + (size_t)y) * f->nzones + z];
                if (isfinite(v))
                    json_object_set_new(zsh, f->zones[z].id, gs__json_num(v, 6));
            }
            json_object_set_new(yr, "zone_headroom_share", zsh);
            json_array_append_new(ya, yr);
        }
        json_object_set_new(x, "years", ya);
        json_t *ss = json_array();
        for (size_t s = 0; s < r->nsites; s++)
            json_array_append_new(ss, site_run_json(o, q, s));
        json_object_set_new(x, "sites", ss);
        json_array_append_new(ra, x);
    }
    json_object_set_new(root, "scenarios", ra);
    json_object_set_new(root, "figures", figures_json(o->figures, o->nfigures));
    json_object_set_new(root, "assumptions", figures_json(o->assumptions, o->nassumptions));
    return root;
}

int gs_scen_write_json(const gs_scen_outputs *o, FILE *f, gs_error *err)
{
    json_t *root = summary(o);
    int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    if (rc == 0 && fputc('\n', f) == EOF)
        rc = -1;
    if (rc)
        return gs_error_set(err, GS_EIO, NULL, 0, 0, NULL, "could not write the summary");
    return 0;
}

int gs_scen_write_outputs(const gs_scen_outputs *o, const char *dir, gs_error *err)
{
    char path[1024];
    int rc = gs__mkdirs(dir, err);
    if (rc)
        return rc;
    if (snprintf(path, sizeof path, "%s/scenarios.csv", dir) >= (int)sizeof path)
        return gs_error_set(err, GS_EINPUT, dir, 0, 0, "out", "expected a shorter output directory");
    if ((rc = write_csv(o, path, err)))
        return rc;
    snprintf(path, sizeof path, "%s/summary.json", dir);
    gs__outfile of;
    if ((rc = gs__outfile_open(&of, path, err)))
        return rc;
    if ((rc = gs_scen_write_json(o, of.f, err))) {
        gs__outfile_abort(&of);
        return rc;
    }
    return gs__outfile_commit(&of, err);
}

/* ---- text -------------------------------------------------------------------------------- */

static void money(char *buf, size_t len, double usd)
{
    if (!isfinite(usd))
        snprintf(buf, len, "n/a");
    else if (fabs(usd) >= 1e9)
        snprintf(buf, len, "%.2f bn", usd / 1e9);
    else
        snprintf(buf, len, "%.1f M", usd / 1e6);
}

static void pct(char *buf, size_t len, double share)
{
    if (!isfinite(share))
        snprintf(buf, len, "n/a");
    else
        snprintf(buf, len, "%.1f %%", 100 * share);
}

/* The milestone years: first, +2, +5, last (those within the table, once each). */
static size_t milestones(const gs_scen_result *r, int *ys)
{
    int cand[4] = {0, 2, 5, r->years - 1};
    size_t n = 0;
    for (int i = 0; i < 4; i++)
        if (cand[i] < r->years && (n == 0 || cand[i] > ys[n - 1]))
            ys[n++] = cand[i];
    return n;
}

void gs_scen_write_text(const gs_scen_outputs *o, FILE *F)
{
    const gs_scen_result *r = o->res;
    const gs_scen_inputs *in = o->in;
    const gs_fleet *f = in->fleet;
    fprintf(F, "scenarios of %s: %zu site%s, %zu scenario%s, %d-%d (%d year%s)%s\n", o->fleet_path,
            r->nsites, r->nsites == 1 ? "" : "s", r->nrun, r->nrun == 1 ? "" : "s", r->from_year,
            r->from_year + r->years - 1, r->years, r->years == 1 ? "" : "s",
            o->deal_path ? "" : "; no deal: no NPV (give --deal)");
    fprintf(F, "zone headroom at %g %% curtailment:\n", o->headroom_rate_pct);
    for (size_t z = 0; z < f->nzones; z++) {
        int used = 0;
        for (size_t s = 0; s < f->nsites; s++)
            used |= f->sites[s].zone == (int)z;
        if (!used)
            continue;
        double h = in->zone_headroom_mw ? in->zone_headroom_mw[z] : NAN;
        if (isfinite(h))
            fprintf(F, "  %-12s %9.0f MW  %s\n", f->zones[z].id, h, o->zone_note ? o->zone_note[z] : "");
        else
            fprintf(F, "  %-12s %12s  %s\n", f->zones[z].id, "",
                    o->zone_note ? o->zone_note[z] : "unknown");
    }
    int any = 0;
    for (size_t s = 0; s < r->nsites; s++) {
        const gs_scen_site *si = &r->sites[s];
        if (!si->present[GS_TRAINING])
            continue;
        if (!any)
            fprintf(F, "training campuses turned into inference (nearest large demand region, "
                       "round trip vs budget):\n");
        any = 1;
        if (!si->assessed) {
            fprintf(F, "  %-14s no large demand region in the fleet: not assessed\n", f->sites[s].id);
            continue;
        }
        fprintf(F, "  %-14s %s (%s, %.0f %% of users) %.1f ms %s %.0f ms: %s\n", f->sites[s].id,
                si->region, si->service, 100 * si->region_share, si->rtt_ms,
                si->convertible ? "<=" : ">", si->limit_ms,
                si->convertible ? "could serve inference"
                                : "cannot serve it: idle MW would be stranded");
    }
    int ys[4];
    size_t nm = milestones(r, ys);
    for (size_t q = 0; q < r->nrun; q++) {
        const gs_scenario *sc = &in->set[in->run[q]];
        fprintf(F, "\nscenario %s: %s\n", sc->id, sc->name);
        fprintf(F, "  %-24s", "demand index");
        for (size_t m = 0; m < nm; m++)
            fprintf(F, " %9d", r->from_year + ys[m]);
        fputc('\n', F);
        for (int k = 0; k < NK; k++) {
            fprintf(F, "  %-24s", CLS[k]);
            for (size_t m = 0; m < nm; m++)
                fprintf(F, " %9.3f", r->index[((size_t)q * (size_t)r->years + (size_t)ys[m]) * NK + (size_t)k]);
            fputc('\n', F);
        }
        int last = ys[nm - 1];
        fprintf(F, "  %-24s", "demand MW");
        for (size_t m = 0; m < nm; m++)
            fprintf(F, " %9d", r->from_year + ys[m]);
        fprintf(F, "  %9s %9s %11s %s\n", "% inter.", "% zone", "flex USD", "NPV (vs flat)");
        fprintf(F, "  %-24s", "");
        for (size_t m = 0; m < nm; m++)
            fprintf(F, " %9s", "");
        fprintf(F, "  %9d %9d %11d\n", r->from_year + last, r->from_year + last, r->from_year + last);
        for (size_t s = 0; s < r->nsites; s++) {
            const gs_scen_site *si = &r->sites[s];
            for (int k = 0; k < NK; k++) {
                if (!si->present[k])
                    continue;
                char label[64];
                snprintf(label, sizeof label, "%.14s %s", f->sites[s].id, CLS[k]);
                fprintf(F, "  %-24s", label);
                for (size_t m = 0; m < nm; m++)
                    fprintf(F, " %9.1f", gs_scen_cell_at(r, q, ys[m], s, k)->demand_mw);
                const gs_scen_cell *c = gs_scen_cell_at(r, q, last, s, k);
                char ic[24], hr[24], fx[24], npv[64] = "";
                pct(ic, sizeof ic, c->interconnect_share);
                pct(hr, sizeof hr, c->headroom_share);
                if (k == GS_TRAINING && isfinite(c->flex_usd))
                    money(fx, sizeof fx, c->flex_usd);
                else
                    snprintf(fx, sizeof fx, "-");
                if (si->underwritten && (k == NK - 1 || !si->present[NK - 1])) {
                    const gs_scen_value *v = &r->value[q * r->nsites + s];
                    char a[24], b[24];
                    money(a, sizeof a, v->npv_usd);
                    money(b, sizeof b, v->npv_usd - r->flat[s].npv_usd);
                    snprintf(npv, sizeof npv, "%s (%s%s)", a,
                             v->npv_usd - r->flat[s].npv_usd >= 0 ? "+" : "", b);
                } else if (!si->underwritten && (k == NK - 1 || !si->present[NK - 1])) {
                    snprintf(npv, sizeof npv, "-");
                }
                fprintf(F, "  %9s %9s %11s%s%s\n", ic, hr, fx, npv[0] ? " " : "", npv);
            }
        }
        const gs_scen_total *tt = &r->totals[((size_t)q * (size_t)r->years + (size_t)last) * NK + GS_TRAINING];
        const gs_scen_total *ti = &r->totals[((size_t)q * (size_t)r->years + (size_t)last) * NK + GS_INFERENCE];
        double max_strand = 0, max_conv = 0;
        int y_strand = 0;
        for (int y = 0; y < r->years; y++) {
            const gs_scen_total *a = &r->totals[((size_t)q * (size_t)r->years + (size_t)y) * NK + GS_TRAINING];
            if (a->stranded_mw > max_strand) {
                max_strand = a->stranded_mw;
                y_strand = r->from_year + y;
            }
            max_conv = fmax(max_conv, a->convertible_mw);
        }
        fprintf(F, "  fleet %d: training %.1f MW demanded, %.1f MW above its campuses; inference "
                   "%.1f MW, %.1f MW above its sites\n",
                r->from_year + last, tt->demand_mw, tt->unserved_mw, ti->demand_mw, ti->unserved_mw);
        if (max_strand > 0)
            fprintf(F, "  stranded-asset risk: up to %.1f MW of idle training capacity (%d) beyond "
                       "the latency budget of any large demand; %.1f MW within it\n",
                    max_strand, y_strand, max_conv);
        else if (max_conv > 0)
            fprintf(F, "  idle training capacity: up to %.1f MW, all within the latency budget of "
                       "large demand (none stranded)\n",
                    max_conv);
        else
            fprintf(F, "  no idle training capacity: training demand never falls below the "
                       "campuses\n");
    }
}
