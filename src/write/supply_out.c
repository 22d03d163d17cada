/* supply_out.c: the outputs of `gridsplit supply` (include/gridsplit/write/supply_out.h;
 * docs/supply.md): summary.json (and the report's data with the hourly block) and hourly.csv,
 * each written under a temporary name and renamed. Non-finite numbers are null in JSON and
 * empty in CSV, never "nan". */
#include "gridsplit/write/supply_out.h"
#include "gridsplit/time.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "write/outfile.h"
#include "write/outfmt.h"

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static void put_time(json_t *o, const char *k, int64_t t)
{
    char b[32];
    gs_format_time(t, b);
    json_object_set_new(o, k, json_string(b));
}

static int64_t time_of(const gs_supply_report *r, size_t i)
{
    return r->t_s ? r->t_s[i] : r->start_s + (int64_t)i * r->step_s;
}

static double sum(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            s += v[i];
    return s;
}

static double peak(const double *v, size_t n)
{
    double m = NAN;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]) && !(v[i] <= m))
            m = v[i];
    return m;
}

static json_t *arr(const double *v, size_t n, int decimals)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, gs__json_num(v[i], decimals));
    return a;
}

char *gs_supply_summary_json(const gs_supply_report *r, int with_hourly)
{
    json_t *root = json_object();
    if (!root)
        return NULL;
    double hours_per_step = (double)r->step_s / 3600.0;
    json_object_set_new(root, "title", str_or_null(r->title));
    json_t *src = json_object();
    json_object_set_new(src, "kind", str_or_null(r->kind));
    json_object_set_new(src, "file", str_or_null(r->file));
    json_object_set_new(src, "site", str_or_null(r->site));
    json_object_set_new(src, "zone", str_or_null(r->zone));
    json_object_set_new(src, "supply_file", str_or_null(r->supply_file));
    json_object_set_new(src, "wind_mw", gs__json_num(r->wind_mw, 3));
    json_object_set_new(src, "solar_mw", gs__json_num(r->solar_mw, 3));
    if (r->n) {
        put_time(src, "from", time_of(r, 0));
        put_time(src, "to", time_of(r, r->n - 1) + r->step_s);
    }
    json_object_set_new(src, "hours", json_integer((json_int_t)r->n));
    json_object_set_new(src, "carbon_file", str_or_null(r->carbon_file));
    json_object_set_new(root, "source", src);

    json_t *load = json_object();
    json_object_set_new(load, "energy_mwh", gs__json_num(sum(r->load_mw, r->n) * hours_per_step, 3));
    json_object_set_new(load, "peak_mw", gs__json_num(peak(r->load_mw, r->n), 3));
    json_object_set_new(load, "mean_mw", gs__json_num(r->n ? sum(r->load_mw, r->n) / r->n : NAN, 3));
    double tr = r->training_mw ? sum(r->training_mw, r->n) * hours_per_step : NAN;
    json_object_set_new(load, "training_mwh", gs__json_num(tr, 3));
    json_object_set_new(load, "inference_mwh",
                        gs__json_num(r->training_mw ? sum(r->load_mw, r->n) * hours_per_step - tr
                                                    : NAN,
                                     3));
    json_object_set_new(root, "load", load);

    json_t *sup = json_object();
    json_object_set_new(sup, "energy_mwh", gs__json_num(sum(r->ren_mw, r->n) * hours_per_step, 3));
    json_object_set_new(sup, "wind_mwh",
                        gs__json_num(r->wind_out_mw ? sum(r->wind_out_mw, r->n) * hours_per_step
                                                    : NAN,
                                     3));
    json_object_set_new(sup, "solar_mwh",
                        gs__json_num(r->solar_out_mw ? sum(r->solar_out_mw, r->n) * hours_per_step
                                                     : NAN,
                                     3));
    json_object_set_new(sup, "peak_mw", gs__json_num(peak(r->ren_mw, r->n), 3));
    json_object_set_new(root, "supply", sup);

    json_t *par = json_object();
    json_object_set_new(par, "battery_mwh", gs__json_num(r->battery_mwh, 3));
    json_object_set_new(par, "flexible_pct", gs__json_num(r->flexible_pct, 3));
    json_object_set_new(par, "max_capacity_mw", gs__json_num(r->max_capacity_mw, 3));
    json_object_set_new(par, "eff_charge", gs__json_num(r->eff_charge, 4));
    json_object_set_new(par, "eff_discharge", gs__json_num(r->eff_discharge, 4));
    json_object_set_new(par, "rate", gs__json_num(r->rate, 4));
    json_object_set_new(par, "steps_per_hour", json_integer(r->steps_per_hour));
    json_object_set_new(root, "params", par);

    json_t *b = json_object();
    json_object_set_new(b, "compat_mwh", gs__json_num(r->battery_247_compat_mwh, 3));
    json_object_set_new(b, "exact_mwh", gs__json_num(r->battery_247_exact_mwh, 3));
    json_object_set_new(b, "note", str_or_null(r->battery_247_note));
    json_object_set_new(root, "battery_247", b);

    json_t *ms = json_array();
    for (size_t k = 0; k < r->nmethods; k++) {
        const gs_supply_method *m = &r->methods[k];
        json_t *o = json_object();
        json_object_set_new(o, "id", str_or_null(m->id));
        json_object_set_new(o, "family", str_or_null(m->family));
        json_object_set_new(o, "name", str_or_null(m->name));
        json_object_set_new(o, "battery_mwh", gs__json_num(m->battery_mwh, 3));
        json_object_set_new(o, "flexible_pct", gs__json_num(m->flexible_pct, 3));
        json_object_set_new(o, "coverage", gs__json_num(m->coverage, 6));
        json_object_set_new(o, "coverage_pct", gs__json_num(m->coverage * 100, 4));
        json_object_set_new(o, "grid_mwh", gs__json_num(m->grid_mwh, 3));
        json_object_set_new(o, "emissions_t", gs__json_num(m->emissions_t, 3));
        json_object_set_new(o, "note", str_or_null(m->note));
        json_array_append_new(ms, o);
    }
    json_object_set_new(root, "methods", ms);
    json_t *w = json_array();
    for (size_t k = 0; k < r->nwarnings; k++)
        json_array_append_new(w, json_string(r->warnings[k]));
    json_object_set_new(root, "warnings", w);

    if (with_hourly) {
        json_t *h = json_object();
        if (r->n)
            put_time(h, "start", time_of(r, 0));
        json_object_set_new(h, "step_s", json_integer((json_int_t)r->step_s));
        json_object_set_new(h, "n", json_integer((json_int_t)r->n));
        if (r->t_s) { /* a case file may skip hours: its own times */
            json_t *ts = json_array();
            for (size_t i = 0; i < r->n; i++)
                json_array_append_new(ts, json_integer((json_int_t)r->t_s[i]));
            json_object_set_new(h, "t_s", ts);
        }
        json_object_set_new(h, "ren_mw", arr(r->ren_mw, r->n, 3));
        json_object_set_new(h, "load_mw", arr(r->load_mw, r->n, 3));
        json_object_set_new(h, "carbon_g_per_kwh", r->carbon_g_per_kwh
                                                       ? arr(r->carbon_g_per_kwh, r->n, 2)
                                                       : json_null());
        json_t *hm = json_object();
        for (size_t k = 0; k < r->nmethods; k++) {
            const gs_supply_method *m = &r->methods[k];
            if (!m->load_mw && !m->soc_mwh && !m->grid_mw)
                continue;
            json_t *o = json_object();
            json_object_set_new(o, "load_mw", m->load_mw ? arr(m->load_mw, r->n, 3) : json_null());
            json_object_set_new(o, "soc_mwh", m->soc_mwh ? arr(m->soc_mwh, r->n, 3) : json_null());
            json_object_set_new(o, "grid_mw", m->grid_mw ? arr(m->grid_mw, r->n, 3) : json_null());
            json_object_set_new(hm, m->id, o);
        }
        json_object_set_new(h, "methods", hm);
        json_object_set_new(root, "hourly", h);
    }
    /* 15 significant digits: the rounded figures print as written (611602.249, not
     * 611602.24899999995) */
    size_t flags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) |
                   (with_hourly ? JSON_COMPACT : JSON_INDENT(2));
    char *text = json_dumps(root, flags);
    json_decref(root);
    return text;
}

int gs_supply_write_text(const char *text, const char *path, gs_error *err)
{
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    fputs(text, of.f);
    fputc('\n', of.f);
    return gs__outfile_commit(&of, err);
}

int gs_supply_write_csv(const gs_supply_report *r, const char *path, gs_error *err)
{
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    FILE *f = of.f;
    fputs("time,ren_mw,load_mw", f);
    if (r->wind_out_mw)
        fputs(",wind_mw,solar_mw", f);
    if (r->training_mw)
        fputs(",training_mw", f);
    if (r->carbon_g_per_kwh)
        fputs(",carbon_g_per_kwh", f);
    for (size_t k = 0; k < r->nmethods; k++) {
        const gs_supply_method *m = &r->methods[k];
        if (m->load_mw)
            fprintf(f, ",%s_load_mw", m->id);
        if (m->soc_mwh)
            fprintf(f, ",%s_soc_mwh", m->id);
        if (m->grid_mw)
            fprintf(f, ",%s_grid_mw", m->id);
    }
    fputc('\n', f);
    for (size_t i = 0; i < r->n; i++) {
        char b[32];
        gs_format_time(time_of(r, i), b);
        fputs(b, f);
#define COL(v, d)                                                                                  \
    do {                                                                                           \
        fputc(',', f);                                                                             \
        gs__csv_num(f, (v), (d));                                                                  \
    } while (0)
        COL(r->ren_mw[i], 3);
        COL(r->load_mw[i], 3);
        if (r->wind_out_mw) {
            COL(r->wind_out_mw[i], 3);
            COL(r->solar_out_mw[i], 3);
        }
        if (r->training_mw)
            COL(r->training_mw[i], 3);
        if (r->carbon_g_per_kwh)
            COL(r->carbon_g_per_kwh[i], 2);
        for (size_t k = 0; k < r->nmethods; k++) {
            const gs_supply_method *m = &r->methods[k];
            if (m->load_mw)
                COL(m->load_mw[i], 3);
            if (m->soc_mwh)
                COL(m->soc_mwh[i], 3);
            if (m->grid_mw)
                COL(m->grid_mw[i], 3);
        }
#undef COL
        fputc('\n', f);
    }
    return gs__outfile_commit(&of, err);
}
