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

#include "gridsplit/time.h"
#include "write/outfile.h"
#include "write/outfmt.h"

static const char *const CLASS_NAME[GS_NCLASS + 1] = {"training", "inference", "total"};

/* The columns of a cash-flow row (gs_econ_row), the year and its figures: cashflow.csv and the
 * report's JSON. */
#define NFIG 15
static const char *const ROW_COLS[1 + NFIG] = {
    "year", "price_usd_per_mwh", "energy_mwh", "gpu_hours", "capex_facility_usd",
    "capex_gpu_usd", "capex_interconnect_usd", "energy_usd", "capacity_usd",
    "maintenance_usd", "staff_usd", "insurance_usd", "tax_usd", "revenue_usd", "flex_usd",
    "net_usd"};

static void row_figures(const gs_econ_row *r, double v[NFIG])
{
    const double x[NFIG] = {r->price_usd_per_mwh, r->energy_mwh, r->gpu_hours,
                            r->capex_facility_usd, r->capex_gpu_usd, r->capex_interconnect_usd,
                            r->energy_usd, r->capacity_usd, r->maintenance_usd, r->staff_usd,
                            r->insurance_usd, r->tax_usd, r->revenue_usd, r->flex_usd, r->net_usd};
    memcpy(v, x, sizeof x);
}

static void csv_row(FILE *f, const char *site, const char *cls, const gs_econ_row *r)
{
    gs__csv_str(f, site);
    fprintf(f, ",%s,%d,", cls, r->year);
    double v[NFIG];
    row_figures(r, v);
    for (size_t i = 0; i < NFIG; i++) {
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
    fputs("site,class", of.f);
    for (size_t i = 0; i < 1 + NFIG; i++)
        fprintf(of.f, ",%s", ROW_COLS[i]);
    fputc('\n', of.f);
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

static json_t *metrics_json(const gs_econ_metrics *m)
{
    json_t *irr = json_object();
    json_object_set_new(irr, "status", json_string(gs__irr_status_name(m->irr.status)));
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

/* ---- the spread over price years ---- */

#define NK (GS_NCLASS + 1)

static const char *const PCT_NAME[3] = {"p10", "p50", "p90"};

static int start_year(const gs_uw_outputs *o, size_t i, size_t s)
{
    const gs_econ_spread *sp = o->spread;
    const gs_econ_site *es = &o->sites[s];
    size_t k = sp->start[i * sp->nsites + s];
    return k < es->nprice_years ? es->price_year[k] : 0;
}

static void spread_csv_rows(FILE *f, const gs_uw_outputs *o, const char *site, const char *cls,
                            size_t s, const double *npv, const double *mwh, size_t stride,
                            const double *npv_pct, const double *mwh_pct)
{
    const gs_econ_spread *sp = o->spread;
    for (size_t i = 0; i < sp->nscen; i++) {
        gs__csv_str(f, site);
        fprintf(f, ",%s,%zu,", cls, i + 1);
        int y = s < sp->nsites ? start_year(o, i, s) : 0;
        if (y)
            fprintf(f, "%d", y);
        fputc(',', f);
        gs__csv_num(f, npv[i * stride], 0);
        fputc(',', f);
        gs__csv_num(f, mwh[i * stride], 2);
        fputc('\n', f);
    }
    for (int p = 0; p < 3; p++) {
        gs__csv_str(f, site);
        fprintf(f, ",%s,%s,,", cls, PCT_NAME[p]);
        gs__csv_num(f, npv_pct[p], 0);
        fputc(',', f);
        gs__csv_num(f, mwh_pct[p], 2);
        fputc('\n', f);
    }
}

static int write_spread_csv(const gs_uw_outputs *o, const char *path, gs_error *err)
{
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    const gs_econ_spread *sp = o->spread;
    size_t stride = sp->nsites * NK;
    fputs("site,class,scenario,start_price_year,npv_usd,cost_usd_per_mwh\n", of.f);
    for (size_t s = 0; s < sp->nsites; s++)
        for (int k = 0; k < NK; k++) {
            if (k < GS_NCLASS && !o->sites[s].cls[k].present)
                continue;
            size_t j = s * NK + (size_t)k;
            spread_csv_rows(of.f, o, o->sites[s].id, CLASS_NAME[k], s, sp->npv_usd + j,
                            sp->cost_usd_per_mwh + j, stride, sp->npv_pct[j], sp->mwh_pct[j]);
        }
    spread_csv_rows(of.f, o, "all", "total", sp->nsites, sp->total_npv_usd,
                    sp->total_cost_usd_per_mwh, 1, sp->total_npv_pct, sp->total_mwh_pct);
    return gs__outfile_commit(&of, err);
}

static json_t *pct_json(const double p[3], int decimals)
{
    json_t *j = json_object();
    for (int i = 0; i < 3; i++)
        json_object_set_new(j, PCT_NAME[i], gs__json_num(p[i], decimals));
    return j;
}

static json_t *spread_entry(const gs_econ_spread *sp, const double *npv, const double *mwh,
                            size_t stride, const double *npv_pct, const double *mwh_pct)
{
    json_t *j = json_object();
    json_object_set_new(j, "npv_usd", pct_json(npv_pct, 0));
    json_object_set_new(j, "cost_usd_per_mwh", pct_json(mwh_pct, 2));
    json_t *a = json_array(), *b = json_array();
    for (size_t i = 0; i < sp->nscen; i++) {
        json_array_append_new(a, gs__json_num(npv[i * stride], 0));
        json_array_append_new(b, gs__json_num(mwh[i * stride], 2));
    }
    json_object_set_new(j, "scenario_npv_usd", a);
    json_object_set_new(j, "scenario_cost_usd_per_mwh", b);
    return j;
}

static json_t *spread_json(const gs_uw_outputs *o)
{
    const gs_econ_spread *sp = o->spread;
    size_t stride = sp->nsites * NK;
    json_t *j = json_object();
    json_object_set_new(j, "mode", json_string(gs_spread_mode_name(sp->mode)));
    json_object_set_new(j, "scenarios", json_integer((json_int_t)sp->nscen));
    json_object_set_new(j, "percentiles",
                        json_string("linear interpolation between the sorted scenarios (rank "
                                    "(n - 1) p, numpy's default)"));
    json_object_set_new(j, "total", spread_entry(sp, sp->total_npv_usd,
                                                 sp->total_cost_usd_per_mwh, 1,
                                                 sp->total_npv_pct, sp->total_mwh_pct));
    json_t *sites = json_array();
    for (size_t s = 0; s < sp->nsites; s++) {
        json_t *js = json_object();
        json_object_set_new(js, "id", json_string(o->sites[s].id));
        json_t *starts = json_array();
        for (size_t i = 0; i < sp->nscen; i++) {
            int y = start_year(o, i, s);
            json_array_append_new(starts, y ? json_integer(y) : json_null());
        }
        json_object_set_new(js, "start_price_year", starts);
        for (int k = 0; k < NK; k++) {
            if (k < GS_NCLASS && !o->sites[s].cls[k].present)
                continue;
            size_t jx = s * NK + (size_t)k;
            json_object_set_new(js, CLASS_NAME[k],
                                spread_entry(sp, sp->npv_usd + jx, sp->cost_usd_per_mwh + jx,
                                             stride, sp->npv_pct[jx], sp->mwh_pct[jx]));
        }
        json_array_append_new(sites, js);
    }
    json_object_set_new(j, "sites", sites);
    return j;
}

/* ---- the tornado ---- */

static const char *move_kind(gs_move_kind k)
{
    return k == GS_MOVE_SCALE ? "scale" : "add";
}

static int write_tornado_csv(const gs_uw_outputs *o, const char *path, gs_error *err)
{
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    const gs_econ_tornado *t = o->tornado;
    fputs("rank,input,kind,low,high,base_npv_usd,npv_low_usd,npv_high_usd,swing_usd,source\n",
          of.f);
    for (size_t i = 0; i < t->nbars; i++) {
        const gs_econ_bar *b = &t->bars[i];
        const gs_econ_move *m = &o->moves[b->move];
        fprintf(of.f, "%zu,%s,%s,", i + 1, gs_econ_lever_name(m->lever), move_kind(m->kind));
        const double v[] = {m->low, m->high, t->base_npv_usd, b->npv_low_usd, b->npv_high_usd,
                            b->swing_usd};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            gs__csv_num(of.f, v[k], k < 2 ? 6 : 0);
            fputc(',', of.f);
        }
        gs__csv_str(of.f, o->move_source ? o->move_source[b->move] : "");
        fputc('\n', of.f);
    }
    return gs__outfile_commit(&of, err);
}

static json_t *tornado_json(const gs_uw_outputs *o)
{
    const gs_econ_tornado *t = o->tornado;
    json_t *j = json_object();
    json_object_set_new(j, "base_npv_usd", gs__json_num(t->base_npv_usd, 0));
    json_t *bars = json_array();
    for (size_t i = 0; i < t->nbars; i++) {
        const gs_econ_bar *b = &t->bars[i];
        const gs_econ_move *m = &o->moves[b->move];
        json_t *e = json_object();
        json_object_set_new(e, "input", json_string(gs_econ_lever_name(m->lever)));
        json_object_set_new(e, "kind", json_string(move_kind(m->kind)));
        json_object_set_new(e, "low", gs__json_num(m->low, 6));
        json_object_set_new(e, "high", gs__json_num(m->high, 6));
        json_object_set_new(e, "npv_low_usd", gs__json_num(b->npv_low_usd, 0));
        json_object_set_new(e, "npv_high_usd", gs__json_num(b->npv_high_usd, 0));
        json_object_set_new(e, "swing_usd", gs__json_num(b->swing_usd, 0));
        json_t *sites = json_array();
        for (size_t s = 0; s < t->nsites; s++) {
            json_t *js = json_object();
            json_object_set_new(js, "id", json_string(o->sites[s].id));
            json_object_set_new(js, "npv_low_usd",
                                gs__json_num(t->site_npv_low_usd[i * t->nsites + s], 0));
            json_object_set_new(js, "npv_high_usd",
                                gs__json_num(t->site_npv_high_usd[i * t->nsites + s], 0));
            json_array_append_new(sites, js);
        }
        json_object_set_new(e, "sites", sites);
        json_object_set_new(e, "source",
                            json_string(o->move_source ? o->move_source[b->move] : ""));
        json_array_append_new(bars, e);
    }
    json_object_set_new(j, "bars", bars);
    return j;
}

/* ---- time to power ---- */

static json_t *power_json(const gs_uw_outputs *o)
{
    json_t *a = json_array();
    for (size_t s = 0; s < o->r->nsites; s++) {
        const gs_econ_power *p = &o->power[s];
        json_t *e = json_object();
        json_object_set_new(e, "id", json_string(o->sites[s].id));
        json_object_set_new(e, "valued", json_boolean(p->present));
        json_object_set_new(e, "years_saved", gs__json_num(p->years_saved, 3));
        json_object_set_new(e, "flexible_mw", gs__json_num(p->flexible_mw, 3));
        json_object_set_new(e, "headroom_mw",
                            p->headroom_known ? gs__json_num(p->headroom_mw, 1) : json_null());
        json_object_set_new(e, "headroom_source",
                            json_string(o->headroom_note && o->headroom_note[s]
                                            ? o->headroom_note[s]
                                            : ""));
        json_object_set_new(e, "fits", p->headroom_known ? json_boolean(p->fits) : json_null());
        json_object_set_new(e, "npv_curtailable_usd", gs__json_num(p->npv_curtailable_usd, 0));
        json_object_set_new(e, "npv_firm_usd", gs__json_num(p->npv_firm_usd, 0));
        json_object_set_new(e, "npv_firm_delayed_usd", gs__json_num(p->npv_firm_delayed_usd, 0));
        json_object_set_new(e, "value_usd", gs__json_num(p->value_usd, 0));
        json_object_set_new(e, "contract_usd", gs__json_num(p->contract_usd, 0));
        json_object_set_new(e, "timing_usd", gs__json_num(p->timing_usd, 0));
        json_array_append_new(a, e);
    }
    return a;
}

/* ---- flexibility revenue and revenue per request ---- */

static const char *flex_source_name(gs_uw_flex_source k)
{
    switch (k) {
    case GS_UW_FLEX_DEAL: return "deal";
    case GS_UW_FLEX_ENGINE: return "flex engine";
    default: return "none";
    }
}

/* Per price year, the figure the cash flows use and where it came from. */
static json_t *flex_json(const gs_uw_outputs *o, size_t s)
{
    const gs_econ_site *es = &o->sites[s];
    const gs_uw_flex *x = o->flex ? &o->flex[s] : NULL;
    json_t *j = json_object();
    gs_uw_flex_source src = x ? x->source
                              : es->cls[GS_TRAINING].present ? GS_UW_FLEX_DEAL : GS_UW_FLEX_NONE;
    json_object_set_new(j, "source", json_string(flex_source_name(src)));
    json_object_set_new(j, "training_grid_mw",
                        es->cls[GS_TRAINING].present
                            ? gs__json_num(es->cls[GS_TRAINING].it_mw * es->cls[GS_TRAINING].pue, 3)
                            : json_null());
    json_t *ys = json_array();
    for (size_t p = 0; src != GS_UW_FLEX_NONE && p < es->nprice_years; p++) {
        json_t *e = json_object();
        json_object_set_new(e, "price_year",
                            es->price_year[p] ? json_integer(es->price_year[p]) : json_null());
        json_object_set_new(e, "usd_per_mw_year",
                            gs__json_num(es->flex_by_year ? es->flex_year_usd_per_mw_year[p]
                                                          : es->flex_usd_per_mw_year, 2));
        json_object_set_new(e, "source", json_string(x ? x->label[p] : "from the deal"));
        if (src == GS_UW_FLEX_ENGINE) {
            char a[32], b[32];
            gs_format_time(x->from_s[p], a);
            gs_format_time(x->to_s[p], b);
            json_object_set_new(e, "from", json_string(a));
            json_object_set_new(e, "to", json_string(b));
            json_object_set_new(e, "to_a_year", gs__json_num(x->scale[p], 6));
            json_object_set_new(e, "revenue_usd", gs__json_num(x->revenue_usd[p], 2));
            json_object_set_new(e, "cost_usd", gs__json_num(x->cost_usd[p], 2));
            json_object_set_new(e, "net_usd", gs__json_num(x->net_usd[p], 2));
            json_object_set_new(e, "hours_curtailed", gs__json_num(x->hours_curtailed[p], 2));
            json_object_set_new(e, "mwh_shed", gs__json_num(x->mwh_shed[p], 3));
            json_object_set_new(e, "products", json_string(x->products[p]));
        }
        json_array_append_new(ys, e);
    }
    json_object_set_new(j, "price_years", ys);
    return j;
}

/* The rule's inputs with their sources and each year's demand and what it serves. */
static json_t *requests_json(const gs_uw_outputs *o, size_t s)
{
    const gs_econ_site *es = &o->sites[s];
    const gs_econ_requests *q = &es->req;
    const gs_uw_req *n = o->req ? &o->req[s] : NULL;
    json_t *j = json_object();
    json_object_set_new(j, "basis", json_string("request"));
    json_object_set_new(j, "usd_per_1000_requests", gs__json_num(1000 * q->usd_per_request, 6));
    json_object_set_new(j, "usd_per_million_tokens",
                        n ? gs__json_num(n->usd_per_million_tokens, 6) : json_null());
    json_object_set_new(j, "tokens_per_request",
                        n ? gs__json_num(n->tokens_per_request, 2) : json_null());
    json_object_set_new(j, "price_source", json_string(n && n->price ? n->price : ""));
    json_object_set_new(j, "price_escalation", gs__json_num(q->price_escalation, 6));
    json_object_set_new(j, "capacity_requests_per_s", gs__json_num(q->capacity_rps, 2));
    json_object_set_new(j, "requests_per_s_per_gpu",
                        n ? gs__json_num(n->requests_per_s_per_gpu, 4) : json_null());
    json_object_set_new(j, "capacity_source", json_string(n && n->capacity ? n->capacity : ""));
    json_object_set_new(j, "usd_per_busy_gpu_hour",
                        n ? gs__json_num(q->usd_per_request * n->requests_per_s_per_gpu * 3600, 4)
                          : json_null());
    json_object_set_new(j, "demand_source", json_string(n && n->demand ? n->demand : ""));
    json_object_set_new(j, "growth", gs__json_num(q->growth, 6));
    json_object_set_new(j, "growth_source", json_string(n && n->growth ? n->growth : ""));
    json_object_set_new(j, "shape_source", json_string(n && n->shape ? n->shape : ""));
    json_object_set_new(j, "shape_mean", gs__json_num(gs_econ_shape_mean(q->shape), 6));
    json_t *sh = json_array();
    for (int h = 0; h < GS_ECON_SHAPE_HOURS; h++)
        json_array_append_new(sh, gs__json_num(q->shape[h], 6));
    json_object_set_new(j, "shape_week_utc", sh);
    json_t *ys = json_array();
    for (int y = 1; y <= o->r->years; y++) {
        gs_econ_demand_year d = gs_econ_demand_at(es, y);
        json_t *e = json_object();
        json_object_set_new(e, "year", json_integer(y));
        json_object_set_new(e, "peak_requests_per_s", gs__json_num(d.peak_rps, 2));
        json_object_set_new(e, "mean_requests_per_s", gs__json_num(d.mean_rps, 2));
        json_object_set_new(e, "served_requests_per_s", gs__json_num(d.served_rps, 2));
        json_object_set_new(e, "unserved_share", gs__json_num(d.unserved_share, 6));
        json_object_set_new(e, "utilisation", gs__json_num(d.utilisation, 6));
        json_object_set_new(e, "usd_per_1000_requests", gs__json_num(1000 * d.usd_per_request, 6));
        json_array_append_new(ys, e);
    }
    json_object_set_new(j, "years", ys);
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
        json_object_set_new(js, "flex_usd_per_mw_year",
                            es->flex_by_year ? json_null()
                                             : gs__json_num(es->flex_usd_per_mw_year, 0));
        json_object_set_new(js, "flexibility", flex_json(o, s));
        for (int k = 0; k < GS_NCLASS; k++) {
            const gs_econ_unit *u = &es->cls[k];
            if (!u->present)
                continue;
            json_t *jc = metrics_json(&r->metrics[s * (GS_NCLASS + 1) + (size_t)k]);
            json_object_set_new(jc, "it_mw", gs__json_num(u->it_mw, 3));
            json_object_set_new(jc, "gpus", gs__json_num(u->gpus, 0));
            json_object_set_new(jc, "utilisation", k == GS_INFERENCE && es->req.on
                                                       ? json_null() /* by year: revenue */
                                                       : gs__json_num(u->utilisation, 4));
            json_object_set_new(jc, "facility_capex_usd_per_mw",
                                gs__json_num(u->facility_capex_usd_per_mw, 0));
            json_object_set_new(jc, "gpu_capex_usd", gs__json_num(u->gpu_capex_usd, 0));
            json_object_set_new(jc, "revenue_usd_per_gpu_hour",
                                gs__json_num(u->revenue_usd_per_gpu_hour, 4));
            json_object_set_new(jc, "contract", json_string(k == GS_TRAINING ? "interruptible"
                                                                             : "firm"));
            /* what the class's revenue is paid on: GPU-hours, requests, or a lease */
            json_t *rev;
            if (u->colocation) {
                rev = json_pack("{s:s}", "basis", "colocation");
                json_object_set_new(rev, "usd_per_kw_month",
                                    gs__json_num(u->colo_usd_per_kw_month, 4));
                json_object_set_new(rev, "leased_kw", gs__json_num(u->colo_leased_kw, 2));
                json_object_set_new(rev, "escalation",
                                    gs__json_num(o->terms->colocation_escalation, 6));
                json_object_set_new(rev, "energy_pass_through",
                                    json_boolean(u->colo_pass_through));
                json_object_set_new(rev, "credited_when_off", json_boolean(k == GS_TRAINING));
            } else if (k == GS_INFERENCE && es->req.on)
                rev = requests_json(o, s);
            else
                rev = json_pack("{s:s}", "basis", "gpu_hour");
            json_object_set_new(jc, "revenue", rev);
            json_object_set_new(js, CLASS_NAME[k], jc);
        }
        json_object_set_new(js, "total", metrics_json(&r->metrics[s * (GS_NCLASS + 1) +
                                                                  GS_NCLASS]));
        if (o->cp && o->cp[s].present) {
            const gs_uw_cp *cp = &o->cp[s];
            json_t *jp = json_object();
            json_object_set_new(jp, "zone", json_string(cp->zone));
            json_object_set_new(jp, "basis", json_string(cp->basis[0] ? cp->basis : "4cp"));
            json_object_set_new(jp, "tz", cp->tz[0] ? json_string(cp->tz) : json_null());
            json_object_set_new(jp, "note", json_string(cp->note));
            json_t *ps = json_object();
            for (int k = 0; k < GS_NCLASS; k++)
                if (es->cls[k].present)
                    json_object_set_new(ps, CLASS_NAME[k], gs__json_num(es->cp_paused_share[k], 4));
            json_object_set_new(jp, "paused_share", ps);
            json_object_set_new(jp, "pause_source",
                                json_string(cp->pause_given ? "deal (cp_pause_hours_per_year)"
                                                            : "the peak intervals' length"));
            json_t *ys = json_array();
            for (size_t j = 0; j < cp->nyears; j++) {
                json_t *e = json_object();
                json_object_set_new(e, "year", json_integer(cp->year[j]));
                json_object_set_new(e, "intervals", json_integer(cp->intervals[j]));
                json_t *hs = json_array();
                for (int q = 0; q < cp->intervals[j] && q < 8; q++) {
                    char t0[32], t1[32];
                    gs_format_time(cp->peak_from[j][q], t0);
                    gs_format_time(cp->peak_to[j][q], t1);
                    json_t *h = json_pack("{s:s,s:s}", "from", t0, "to", t1);
                    if (isfinite(cp->peak_mw[j][q]))
                        json_object_set_new(h, "rto_load_mw", gs__json_num(cp->peak_mw[j][q], 0));
                    json_array_append_new(hs, h);
                }
                json_object_set_new(e, "peaks", hs);
                json_object_set_new(e, "pause_hours", gs__json_num(cp->pause_hours[j], 4));
                for (int k = 0; k < GS_NCLASS; k++)
                    if (es->cls[k].present) {
                        char key[32];
                        snprintf(key, sizeof key, "%s_share", CLASS_NAME[k]);
                        json_object_set_new(e, key, gs__json_num(cp->share[j][k], 4));
                    }
                json_array_append_new(ys, e);
            }
            json_object_set_new(jp, "years", ys);
            json_t *fs = json_array();
            for (size_t i = 0; i < es->nprice_years; i++) {
                json_t *e = json_object();
                for (int k = 0; k < GS_NCLASS; k++)
                    if (es->cls[k].present) {
                        char key[32];
                        snprintf(key, sizeof key, "%s_share", CLASS_NAME[k]);
                        json_object_set_new(e, key, gs__json_num(es->cp_firm_share[k][i], 4));
                    }
                json_object_set_new(e, "pause_hours", gs__json_num(es->cp_pause_hours[i], 4));
                json_array_append_new(fs, e);
            }
            json_object_set_new(jp, "price_year_firm_share", fs);
            json_object_set_new(js, "coincident_peaks", jp);
        } else {
            json_object_set_new(js, "coincident_peaks", json_null());
        }
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
    if (o->spread)
        json_object_set_new(root, "spread", spread_json(o));
    if (o->tornado && o->moves)
        json_object_set_new(root, "tornado", tornado_json(o));
    if (o->power)
        json_object_set_new(root, "time_to_power", power_json(o));
    return root;
}

static json_t *rows_json(const gs_econ_row *rows, int years)
{
    json_t *a = json_array();
    for (int y = 0; y <= years; y++) {
        double v[NFIG];
        row_figures(&rows[y], v);
        json_t *e = json_array();
        json_array_append_new(e, json_integer(rows[y].year));
        for (size_t i = 0; i < NFIG; i++)
            json_array_append_new(e, gs__json_num(v[i], 2));
        json_array_append_new(a, e);
    }
    return a;
}

char *gs_uw_report_json(const gs_uw_outputs *o)
{
    json_t *root = summary(o);
    if (!root)
        return NULL;
    const gs_econ_result *r = o->r;
    json_t *cf = json_object();
    json_t *jc = json_array();
    for (size_t i = 0; i < 1 + NFIG; i++)
        json_array_append_new(jc, json_string(ROW_COLS[i]));
    json_object_set_new(cf, "columns", jc);
    json_t *series = json_array();
    for (size_t s = 0; s < r->nsites; s++)
        for (int k = 0; k <= GS_NCLASS; k++) {
            if (k < GS_NCLASS && !o->sites[s].cls[k].present)
                continue;
            json_t *e = json_object();
            json_object_set_new(e, "site", json_string(o->sites[s].id));
            json_object_set_new(e, "class", json_string(CLASS_NAME[k]));
            json_object_set_new(e, "rows", rows_json(gs_econ_row_at(r, s, k, 0), r->years));
            json_array_append_new(series, e);
        }
    json_t *e = json_object();
    json_object_set_new(e, "site", json_string("all"));
    json_object_set_new(e, "class", json_string("total"));
    json_object_set_new(e, "rows", rows_json(r->total, r->years));
    json_array_append_new(series, e);
    json_object_set_new(cf, "series", series);
    json_object_set_new(root, "cashflow", cf);
    char *text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    return text;
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
    if (o->spread) {
        snprintf(path, sizeof path, "%s/spread.csv", dir);
        if ((rc = write_spread_csv(o, path, err)))
            return rc;
    }
    if (o->tornado && o->moves) {
        snprintf(path, sizeof path, "%s/tornado.csv", dir);
        if ((rc = write_tornado_csv(o, path, err)))
            return rc;
    }
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
