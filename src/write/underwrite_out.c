/* underwrite_out.c: the outputs of `gridsplit underwrite` (include/gridsplit/write/underwrite.h,
 * docs/underwrite.md): cashflow.csv, the yearly table by site and class with site and deal
 * totals, and summary.json, the metrics (NPV, IRR with its status, payback, cost per MWh and
 * per GPU-hour), the contract comparison of each site with both classes and every input figure
 * with its source. Each file is written under a temporary name and renamed. Deterministic. */
#include "gridsplit/write/underwrite.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "write/outfile.h"
#include "write/outfmt.h"

static const char *const CLASS_NAME[GS_NCLASS + 1] = {"training", "inference", "total"};

static void csv_row(FILE *f, const char *site, const char *cls, const gs_econ_row *r)
{
    gs__csv_str(f, site);
    fprintf(f, ",%s,%d,", cls, r->year);
    const double v[] = {r->price_usd_per_mwh, r->energy_mwh, r->gpu_hours,
                        r->capex_facility_usd, r->capex_gpu_usd, r->capex_interconnect_usd,
                        r->energy_usd, r->capacity_usd, r->maintenance_usd, r->staff_usd,
                        r->insurance_usd, r->tax_usd, r->revenue_usd, r->flex_usd, r->net_usd};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        if (i)
            fputc(',', f);
        gs__csv_num(f, v[i], 2);
    }
    fputc('\n', f);
}

static int write_csv(const gs_uw_outputs *o, const char *path, gs_error *err)
{
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    const gs_econ_result *r = o->r;
    fputs("site,class,year,price_usd_per_mwh,energy_mwh,gpu_hours,capex_facility_usd,"
          "capex_gpu_usd,capex_interconnect_usd,energy_usd,capacity_usd,maintenance_usd,"
          "staff_usd,insurance_usd,tax_usd,revenue_usd,flex_usd,net_usd\n",
          of.f);
    for (size_t s = 0; s < r->nsites; s++)
        for (int k = 0; k <= GS_NCLASS; k++) {
            if (k < GS_NCLASS && !o->sites[s].cls[k].present)
                continue;
            for (int y = 0; y <= r->years; y++)
                csv_row(of.f, o->sites[s].id, CLASS_NAME[k], gs_econ_row_at(r, s, k, y));
        }
    for (int y = 0; y <= r->years; y++)
        csv_row(of.f, "all", "total", &r->total[y]);
    return gs__outfile_commit(&of, err);
}

static const char *irr_status(gs_irr_status s)
{
    switch (s) {
    case GS_IRR_OK: return "ok";
    case GS_IRR_NO_SIGN_CHANGE: return "no_sign_change";
    case GS_IRR_NO_ROOT: return "no_root";
    case GS_IRR_MULTIPLE: return "multiple_roots";
    default: return "?";
    }
}

static json_t *metrics_json(const gs_econ_metrics *m)
{
    json_t *irr = json_object();
    json_object_set_new(irr, "status", json_string(irr_status(m->irr.status)));
    json_object_set_new(irr, "rate", gs__json_num(m->irr.irr, 6));
    json_object_set_new(irr, "sign_changes", json_integer(m->irr.sign_changes));
    if (m->irr.status == GS_IRR_MULTIPLE) {
        json_t *roots = json_array();
        json_array_append_new(roots, gs__json_num(m->irr.roots[0], 6));
        json_array_append_new(roots, gs__json_num(m->irr.roots[1], 6));
        json_object_set_new(irr, "roots", roots);
    }
    json_t *j = json_object();
    json_object_set_new(j, "npv_usd", gs__json_num(m->npv_usd, 0));
    json_object_set_new(j, "irr", irr);
    json_object_set_new(j, "payback_years",
                        m->payback_reached ? gs__json_num(m->payback_years, 2) : json_null());
    json_object_set_new(j, "cost_usd_per_mwh", gs__json_num(m->cost_usd_per_mwh, 2));
    json_object_set_new(j, "cost_usd_per_gpu_hour", gs__json_num(m->cost_usd_per_gpu_hour, 4));
    json_object_set_new(j, "pv_cost_usd", gs__json_num(m->pv_cost_usd, 0));
    json_object_set_new(j, "pv_revenue_usd", gs__json_num(m->pv_revenue_usd, 0));
    return j;
}

static json_t *summary(const gs_uw_outputs *o)
{
    const gs_econ_result *r = o->r;
    json_t *root = json_object();
    json_object_set_new(root, "deal", json_string(o->deal_path));
    json_object_set_new(root, "fleet", json_string(o->fleet_path));
    json_object_set_new(root, "horizon_years", json_integer(r->years));
    json_object_set_new(root, "discount_rate", gs__json_num(o->terms->discount_rate, 6));
    json_object_set_new(root, "total", metrics_json(&r->total_metrics));
    json_t *sites = json_array();
    for (size_t s = 0; s < r->nsites; s++) {
        const gs_econ_site *es = &o->sites[s];
        json_t *js = json_object();
        json_object_set_new(js, "id", json_string(es->id));
        json_object_set_new(js, "prices", json_string(o->price_note[s]));
        json_t *py = json_array();
        for (size_t i = 0; i < es->nprice_years; i++) {
            json_t *e = json_object();
            if (es->price_year[i])
                json_object_set_new(e, "year", json_integer(es->price_year[i]));
            json_object_set_new(e, "mean_usd_per_mwh", gs__json_num(es->price_usd_per_mwh[i], 2));
            json_array_append_new(py, e);
        }
        json_object_set_new(js, "price_years", py);
        json_object_set_new(js, "capacity_usd_per_mw_year",
                            gs__json_num(es->capacity_usd_per_mw_year, 0));
        json_object_set_new(js, "flex_usd_per_mw_year", gs__json_num(es->flex_usd_per_mw_year, 0));
        for (int k = 0; k < GS_NCLASS; k++) {
            const gs_econ_unit *u = &es->cls[k];
            if (!u->present)
                continue;
            json_t *jc = metrics_json(&r->metrics[s * (GS_NCLASS + 1) + (size_t)k]);
            json_object_set_new(jc, "it_mw", gs__json_num(u->it_mw, 3));
            json_object_set_new(jc, "gpus", gs__json_num(u->gpus, 0));
            json_object_set_new(jc, "utilisation", gs__json_num(u->utilisation, 4));
            json_object_set_new(jc, "facility_capex_usd_per_mw",
                                gs__json_num(u->facility_capex_usd_per_mw, 0));
            json_object_set_new(jc, "gpu_capex_usd", gs__json_num(u->gpu_capex_usd, 0));
            json_object_set_new(jc, "revenue_usd_per_gpu_hour",
                                gs__json_num(u->revenue_usd_per_gpu_hour, 4));
            json_object_set_new(jc, "contract", json_string(k == GS_TRAINING ? "interruptible"
                                                                             : "firm"));
            json_object_set_new(js, CLASS_NAME[k], jc);
        }
        json_object_set_new(js, "total", metrics_json(&r->metrics[s * (GS_NCLASS + 1) +
                                                                  GS_NCLASS]));
        const gs_econ_contracts *c = &r->contracts[s];
        if (c->present) {
            json_t *jc = json_object();
            for (int k = 0; k < GS_NCONTRACT; k++) {
                json_t *e = json_object();
                json_object_set_new(e, "pv_cost_usd", gs__json_num(c->pv_cost_usd[k], 0));
                json_object_set_new(e, "saving_vs_firm_usd",
                                    gs__json_num(c->saving_vs_firm_usd[k], 0));
                json_object_set_new(jc, gs_contract_name((gs_contract)k), e);
            }
            json_object_set_new(js, "contracts", jc);
        } else {
            json_object_set_new(js, "contracts", json_null());
        }
        json_array_append_new(sites, js);
    }
    json_object_set_new(root, "sites", sites);
    json_t *fig = json_array();
    for (size_t i = 0; i < o->nfigures; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "name", json_string(o->figures[i].name));
        json_object_set_new(e, "value", gs__json_num(o->figures[i].value, 6));
        json_object_set_new(e, "source", json_string(o->figures[i].source));
        json_array_append_new(fig, e);
    }
    json_object_set_new(root, "assumptions", fig);
    return root;
}

int gs_uw_write_outputs(const gs_uw_outputs *o, const char *dir, gs_error *err)
{
    char path[1024];
    int rc = gs__mkdirs(dir, err);
    if (rc)
        return rc;
    snprintf(path, sizeof path, "%s/cashflow.csv", dir);
    if ((rc = write_csv(o, path, err)))
        return rc;
    json_t *root = summary(o);
    if (!root)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    snprintf(path, sizeof path, "%s/summary.json", dir);
    gs__outfile of;
    rc = gs__outfile_open(&of, path, err);
    if (!rc) {
        if (json_dumpf(root, of.f, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                       JSON_REAL_PRECISION(12)) != 0) {
            gs__outfile_abort(&of);
            rc = gs_error_set(err, GS_EIO, path, 0, 0, NULL, "could not write the JSON");
        } else {
            rc = gs__outfile_commit(&of, err);
        }
    }
    json_decref(root);
    return rc;
}
