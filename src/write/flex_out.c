/* flex_out.c: the outputs of `gridsplit flex` (include/gridsplit/write/flex.h, docs/flex.md):
 * DIR/flex.csv (cluster x product: revenue, its parts, curtailment cost, penalty, net, hours
 * curtailed, MWh shed, excluded hours), DIR/jobs.csv (per training run: tier floor, slack
 * allowed and used, throughput lost), DIR/events.csv (per event: target, achieved, shortfall,
 * levers) and DIR/summary.json (totals, rows, exclusions, the two mistakes). Each file is
 * written under a temporary name and renamed. Deterministic: no clock. */
#include "gridsplit/flexsim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gridsplit/time.h"
#include "gridsplit/write/flex.h"
#include "write/outfile.h"
#include "write/outfmt.h"

/* ",v": the next numeric field of a row (empty when v is not finite). */
static void csv_field(FILE *f, double v, int d)
{
    fputc(',', f);
    gs__csv_num(f, v, d);
}

/* The figures of a row (gs_flexsim_row) in column order, each with its decimals: flex.csv, the
 * rows of summary.json and their totals. */
#define NFIG 10
static const char *const FIG_NAME[NFIG] = {
    "revenue_usd", "availability_usd", "energy_usd", "avoided_usd", "curtailment_cost_usd",
    "penalty_usd", "net_usd", "offered_mw_h", "hours_curtailed", "mwh_shed"};
static const int FIG_DEC[NFIG] = {2, 2, 2, 2, 2, 2, 2, 3, 3, 3};

static void row_figures(const gs_flexsim_row *w, double v[NFIG])
{
    const double x[NFIG] = {w->revenue_usd, w->availability_usd, w->energy_usd, w->avoided_usd,
                            w->curtailment_cost_usd, w->penalty_usd, w->net_usd,
                            w->offered_mw_h, w->hours_curtailed, w->mwh_shed};
    memcpy(v, x, sizeof x);
}

/* The figures v (row_figures) into the JSON object j. */
static void figures_json(json_t *j, const double v[NFIG])
{
    for (int i = 0; i < NFIG; i++)
        json_object_set_new(j, FIG_NAME[i], gs__json_num(v[i], FIG_DEC[i]));
}

static const char *prod_id(const gs_flexsim_product *prods, int p)
{
    return p >= 0 ? prods[p].p->id : "event";
}

static const char *currency(const gs_flexsim_product *prods, int p)
{
    if (p < 0)
        return "USD";
    /* the currency the product's prices are published in ("" when the catalogue types no
     * unit for it); the _usd columns are converted (gs_market_price_at: the annual average
     * rate of each hour's year) */
    gs_price_unit u = prods[p].p->availability_unit != GS_UNIT_NONE ? prods[p].p->availability_unit
                                                                   : prods[p].p->energy_unit;
    return prods[p].p->kind == GS_PK_PEAK ? "USD" : gs_price_unit_currency(u); /* 4CP: USD/kW-year */
}

static int write_flex_csv(const gs_fleet *f, const gs_flexsim_product *prods, const gs_flexsim_result *r,
                          const char *path, gs_error *err)
{
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    FILE *o = of.f;
    fputs("cluster,site,zone,product,kind,currency", o);
    for (int i = 0; i < NFIG; i++)
        fprintf(o, ",%s", FIG_NAME[i]);
    fputs(",events,excluded_price_h,price_source\n", o);
    for (size_t k = 0; k < r->nrows; k++) {
        const gs_flexsim_row *w = &r->rows[k];
        const gs_cluster *c = &f->clusters[w->cluster];
        gs__csv_str(o, c->id);
        fputc(',', o);
        gs__csv_str(o, f->sites[c->site].id);
        fputc(',', o);
        gs__csv_str(o, f->zones[f->sites[c->site].zone].id);
        fputc(',', o);
        gs__csv_str(o, prod_id(prods, w->product));
        fprintf(o, ",%s,%s", w->product >= 0 ? gs_product_kind_name(prods[w->product].p->kind) : "event",
                currency(prods, w->product));
        double v[NFIG];
        row_figures(w, v);
        for (int i = 0; i < NFIG; i++)
            csv_field(o, v[i], FIG_DEC[i]);
        fprintf(o, ",%d", w->events);
        csv_field(o, w->excluded_h, 0);
        fputc(',', o);
        gs__csv_str(o, w->product >= 0 ? prods[w->product].label : "");
        fputc('\n', o);
    }
    return gs__outfile_commit(&of, err);
}

static int write_jobs_csv(const gs_fleet *f, const gs_flexsim_result *r, const char *path, gs_error *err)
{
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    FILE *o = of.f;
    fputs("job,cluster,site,gpus,length_h,tier_floor,slack_allowed_h,slack_used_h,slack_used_share,"
          "throughput_lost,avg_throughput,lost_gpu_h,cost_usd,events\n", o);
    for (size_t k = 0; k < r->njobs; k++) {
        const gs_flexsim_job *j = &r->jobs[k];
        const gs_run *run = &f->runs[j->run];
        const gs_cluster *c = &f->clusters[run->cluster];
        gs__csv_str(o, run->id);
        fputc(',', o);
        gs__csv_str(o, c->id);
        fputc(',', o);
        gs__csv_str(o, f->sites[c->site].id);
        fprintf(o, ",%d", run->gpus);
        csv_field(o, run->length_s / 3600.0, 3);
        csv_field(o, j->tier_floor, 4);
        csv_field(o, j->slack_allowed_s / 3600.0, 3);
        csv_field(o, j->slack_used_s / 3600.0, 4);
        csv_field(o, j->slack_allowed_s > 0 ? j->slack_used_s / j->slack_allowed_s : 0, 6);
        csv_field(o, j->throughput_lost, 8);
        csv_field(o, j->avg_throughput, 8);
        csv_field(o, j->lost_gpu_h, 1);
        csv_field(o, j->cost_usd, 2);
        fprintf(o, ",%d\n", j->events);
    }
    return gs__outfile_commit(&of, err);
}

static const char *scope_name(const gs_fleet *f, const gs_event *ev)
{
    if (ev->scope == GS_SCOPE_SITE && ev->scope_index >= 0 && (size_t)ev->scope_index < f->nsites)
        return f->sites[ev->scope_index].id;
    if (ev->scope == GS_SCOPE_ZONE && ev->scope_index >= 0 && (size_t)ev->scope_index < f->nzones)
        return f->zones[ev->scope_index].id;
    return "fleet";
}

static int write_events_csv(const gs_fleet *f, const gs_flexsim_product *prods, const gs_flexsim_result *r,
                            const char *path, gs_error *err)
{
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    FILE *o = of.f;
    fputs("event,origin,type,scope,start,end,notice_s,product,price_usd_per_mwh,target_mw,achieved_mw,"
          "shortfall_mw,available_mw,mwh_shed,cost_usd,value_usd,penalty_usd,jobs_curtailed,levers,note\n", o);
    for (size_t k = 0; k < r->nevents; k++) {
        const gs_flexsim_event_out *x = &r->events[k];
        const gs_event *ev = &x->e.ev;
        char a[24], b[24];
        gs_format_time(ev->start_s, a);
        gs_format_time(ev->end_s, b);
        gs__csv_str(o, ev->id);
        fprintf(o, ",%s,%s,", x->e.origin, gs_plan_event_kind_name(ev->kind));
        gs__csv_str(o, scope_name(f, ev));
        fprintf(o, ",%s,%s,%lld,", a, b, (long long)ev->notice_s);
        gs__csv_str(o, x->product >= 0 ? prods[x->product].p->id : "");
        csv_field(o, ev->kind == GS_PEV_PRICE ? ev->price_usd_per_mwh : NAN, 2);
        csv_field(o, x->target_mw, 3);
        csv_field(o, x->achieved_mw, 3);
        csv_field(o, x->shortfall_mw, 3);
        csv_field(o, x->available_mw, 3);
        csv_field(o, x->mwh_shed, 3);
        csv_field(o, x->cost_usd, 2);
        csv_field(o, x->value_usd, 2);
        csv_field(o, x->penalty_usd, 2);
        fprintf(o, ",%d,", x->jobs_curtailed);
        gs__csv_str(o, x->levers);
        fputc(',', o);
        gs__csv_str(o, x->note);
        fputc('\n', o);
    }
    return gs__outfile_commit(&of, err);
}

static json_t *row_json(const gs_fleet *f, const gs_flexsim_product *prods, const gs_flexsim_row *w)
{
    json_t *j = json_object();
    const gs_cluster *c = &f->clusters[w->cluster];
    json_object_set_new(j, "cluster", json_string(c->id));
    json_object_set_new(j, "site", json_string(f->sites[c->site].id));
    json_object_set_new(j, "product", json_string(prod_id(prods, w->product)));
    json_object_set_new(j, "kind", json_string(w->product >= 0 ? gs_product_kind_name(prods[w->product].p->kind) : "event"));
    json_object_set_new(j, "currency", json_string(currency(prods, w->product)));
    double v[NFIG];
    row_figures(w, v);
    figures_json(j, v);
    json_object_set_new(j, "events", json_integer(w->events));
    json_object_set_new(j, "excluded_price_h", gs__json_num(w->excluded_h, 0));
    return j;
}

/* One of the mistakes of summary.json: what it is and its rows (a new reference, stolen). */
static void mistake(json_t *mis, const char *key, const char *what, json_t *rows)
{
    json_t *m = json_object();
    json_object_set_new(m, "what", json_string(what));
    json_object_set_new(m, "rows", rows);
    json_object_set_new(mis, key, m);
}

char *gs_flexsim_summary_json(const gs_fleet *f, const gs_flexsim_product *prods, size_t nprods,
                              const gs_flexsim_opts *opts, const gs_flexsim_result *r,
                              const gs_flexsim_notes *notes, int with_timeline)
{
    json_t *root = json_object();
    char a[24], b[24];
    gs_format_time(r->from_s, a);
    gs_format_time(r->to_s, b);
    json_object_set_new(root, "fleet", json_string(f->name));
#ifdef GS_VERSION
    json_object_set_new(root, "gridsplit", json_string(GS_VERSION));
#endif
    json_t *per = json_object();
    json_object_set_new(per, "from", json_string(a));
    json_object_set_new(per, "to", json_string(b));
    json_object_set_new(per, "step_s", json_integer(r->step_s));
    json_object_set_new(per, "hours", json_integer((json_int_t)r->nhours));
    json_object_set_new(root, "period", per);
    json_object_set_new(root, "policy", json_string(opts->policy == GS_POLICY_MUST_RUN ? "must-run" : "flexible"));
    json_object_set_new(root, "offer_share", gs__json_num(opts->offer_share, 4));
    json_object_set_new(root, "price_notice_s", json_integer(opts->price_notice_s));
    json_object_set_new(root, "usd_per_request", gs__json_num(opts->usd_per_request, 6));
    json_object_set_new(root, "price_screen_usd_per_mwh", gs__json_num(r->screen_usd_per_mwh, 2));
    json_object_set_new(root, "price_hours_sent_to_planner", json_integer((json_int_t)r->price_hours_screened));
    json_object_set_new(root, "planner_calls", json_integer((json_int_t)r->planner_calls));
    json_object_set_new(root, "simulated_training_mwh_baseline", gs__json_num(r->base_training_mwh, 1));
    json_object_set_new(root, "simulated_training_mwh_flexible", gs__json_num(r->flex_training_mwh, 1));

    json_t *pj = json_array();
    for (size_t p = 0; p < nprods; p++) {
        json_t *x = json_object();
        json_object_set_new(x, "id", json_string(prods[p].p->id));
        json_object_set_new(x, "kind", json_string(gs_product_kind_name(prods[p].p->kind)));
        json_object_set_new(x, "direction", json_string(gs_direction_name(prods[p].p->direction)));
        json_object_set_new(x, "priced", json_boolean(prods[p].price != NULL));
        json_object_set_new(x, "price_source", json_string(prods[p].label));
        if (opts->zone_priced && opts->zone_priced[p]) {
            /* priced at each zone's own price (the fleet's zones[].price): hours priced per zone */
            json_t *zp = json_object();
            for (size_t z = 0; z < f->nzones; z++) {
                if (!gs_product_in_zone(prods[p].p, f->zones[z].id))
                    continue;
                const gs_series *s = opts->zone_price ? opts->zone_price[z] : NULL;
                size_t have = 0;
                for (size_t i = 0; s && i < s->n; i++)
                    have += isfinite(s->v[i]);
                json_object_set_new(zp, f->zones[z].id, json_integer((json_int_t)have));
            }
            json_object_set_new(x, "zone_hours_priced", zp);
        }
        json_array_append_new(pj, x);
    }
    json_object_set_new(root, "products", pj);

    double tot[NFIG] = {0};
    json_t *rows = json_array();
    for (size_t k = 0; k < r->nrows; k++) {
        double v[NFIG];
        row_figures(&r->rows[k], v);
        for (int i = 0; i < NFIG; i++)
            tot[i] += v[i];
        json_array_append_new(rows, row_json(f, prods, &r->rows[k]));
    }
    json_t *tj = json_object();
    figures_json(tj, tot);
    json_object_set_new(tj, "events", json_integer((json_int_t)r->nevents));
    json_object_set_new(root, "totals", tj);
    json_object_set_new(root, "rows", rows);

    json_t *ex = json_array();
    for (size_t k = 0; k < r->nexcl; k++) {
        json_t *x = json_object();
        json_object_set_new(x, "product", r->excl[k].product >= 0 ? json_string(prods[r->excl[k].product].p->id) : json_null());
        json_object_set_new(x, "why", json_string(r->excl[k].why));
        json_array_append_new(ex, x);
    }
    json_object_set_new(root, "excluded", ex);
    json_t *wa = json_array();
    for (size_t k = 0; notes && k < notes->nwarnings; k++)
        json_array_append_new(wa, json_string(notes->warnings[k]));
    json_object_set_new(root, "warnings", wa);

    json_t *evs = json_array();
    for (size_t k = 0; k < r->nevents; k++) {
        const gs_flexsim_event_out *x = &r->events[k];
        if (!(x->achieved_mw > 0) && !(x->target_mw > 0) && strcmp(x->e.origin, "price") == 0)
            continue;
        json_t *ej = json_object();
        gs_format_time(x->e.ev.start_s, a);
        gs_format_time(x->e.ev.end_s, b);
        json_object_set_new(ej, "id", json_string(x->e.ev.id));
        json_object_set_new(ej, "origin", json_string(x->e.origin));
        json_object_set_new(ej, "type", json_string(gs_plan_event_kind_name(x->e.ev.kind)));
        json_object_set_new(ej, "scope", json_string(scope_name(f, &x->e.ev)));
        json_object_set_new(ej, "start", json_string(a));
        json_object_set_new(ej, "end", json_string(b));
        json_object_set_new(ej, "product", x->product >= 0 ? json_string(prods[x->product].p->id) : json_null());
        json_object_set_new(ej, "target_mw", gs__json_num(x->target_mw, 3));
        json_object_set_new(ej, "achieved_mw", gs__json_num(x->achieved_mw, 3));
        json_object_set_new(ej, "shortfall_mw", gs__json_num(x->shortfall_mw, 3));
        json_object_set_new(ej, "mwh_shed", gs__json_num(x->mwh_shed, 3));
        json_object_set_new(ej, "cost_usd", gs__json_num(x->cost_usd, 2));
        json_object_set_new(ej, "value_usd", gs__json_num(x->value_usd, 2));
        json_object_set_new(ej, "penalty_usd", gs__json_num(x->penalty_usd, 2));
        json_object_set_new(ej, "levers", json_string(x->levers));
        json_object_set_new(ej, "note", json_string(x->note));
        json_array_append_new(evs, ej);
    }
    json_object_set_new(root, "events", evs);

    json_t *jobs = json_object();
    double lost = 0, worst = 0, cost = 0;
    int curtailed = 0, broken = 0;
    for (size_t k = 0; k < r->njobs; k++) {
        const gs_flexsim_job *j = &r->jobs[k];
        lost += j->lost_gpu_h;
        cost += j->cost_usd;
        curtailed += j->slack_used_s > 0;
        if (j->throughput_lost > worst)
            worst = j->throughput_lost;
        broken += j->avg_throughput < j->tier_floor - 1e-12;
    }
    json_object_set_new(jobs, "runs", json_integer((json_int_t)r->njobs));
    json_object_set_new(jobs, "runs_curtailed", json_integer(curtailed));
    json_object_set_new(jobs, "lost_gpu_h", gs__json_num(lost, 1));
    json_object_set_new(jobs, "cost_usd", gs__json_num(cost, 2));
    json_object_set_new(jobs, "max_throughput_lost", gs__json_num(worst, 8));
    json_object_set_new(jobs, "tiers_broken", json_integer(broken));
    json_object_set_new(root, "jobs", jobs);

    json_t *mis = json_object();
    json_t *ia = json_array();
    for (size_t k = 0; k < r->ninfer; k++) {
        const gs_flexsim_infer *x = &r->infer[k];
        const gs_cluster *c = &f->clusters[x->cluster];
        json_t *j = json_object();
        json_object_set_new(j, "cluster", json_string(c->id));
        json_object_set_new(j, "site", json_string(f->sites[c->site].id));
        json_object_set_new(j, "product", json_string(prods[x->product].p->id));
        json_object_set_new(j, "price_source", json_string(prods[x->product].label));
        json_object_set_new(j, "refused_because", json_string(x->refused));
        json_object_set_new(j, "offered_mw_h", gs__json_num(x->offered_mw_h, 3));
        json_object_set_new(j, "availability_usd", gs__json_num(x->availability_usd, 2));
        json_object_set_new(j, "deployments", json_integer(x->deployments));
        json_object_set_new(j, "deployed_h", gs__json_num(x->deployed_h, 3));
        json_object_set_new(j, "requests_lost", gs__json_num(x->requests_lost, 0));
        json_object_set_new(j, "requests_lost_planned", gs__json_num(x->requests_lost_planned, 0));
        json_object_set_new(j, "revenue_lost_usd", gs__json_num(x->revenue_lost_usd, 2));
        json_object_set_new(j, "penalty_if_not_delivered_usd", gs__json_num(x->penalty_if_not_delivered_usd, 2));
        json_object_set_new(j, "net_usd", gs__json_num(x->net_usd, 2));
        json_array_append_new(ia, j);
    }
    mistake(mis, "inference_offered_like_training",
            "inference racks offered into reserves as if they were training: availability earned, requests no "
            "site could serve within the latency budget when deployed (simulated with the site's inference "
            "capped), their value, and the penalty if the operator refused to shed instead", ia);
    json_t *mb = json_array();
    for (size_t k = 0; k < r->nmustrun; k++) {
        const gs_flexsim_mustrun *x = &r->mustrun[k];
        json_t *j = json_object();
        json_object_set_new(j, "cluster", json_string(f->clusters[x->cluster].id));
        json_object_set_new(j, "flexible_revenue_usd", gs__json_num(x->flexible_revenue_usd, 2));
        json_object_set_new(j, "flexible_cost_usd", gs__json_num(x->flexible_cost_usd, 2));
        json_object_set_new(j, "flexible_net_usd", gs__json_num(x->flexible_net_usd, 2));
        json_object_set_new(j, "mustrun_net_usd", gs__json_num(x->mustrun_net_usd, 2));
        json_object_set_new(j, "left_on_table_usd", gs__json_num(x->left_on_table_usd, 2));
        json_object_set_new(j, "delivered_in_events_mw_h", gs__json_num(x->mustrun_shortfall_mw_h, 3));
        json_array_append_new(mb, j);
    }
    mistake(mis, "training_must_run",
            "training treated as must-run: nothing offered, nothing curtailed (the planner under must-run); "
            "the flexible policy's net is what must-run leaves on the table", mb);
    json_object_set_new(root, "mistakes", mis);

    if (with_timeline) {
        json_t *tl = json_object();
        gs_format_time(r->from_s, a);
        json_object_set_new(tl, "start", json_string(a));
        json_object_set_new(tl, "start_s", json_integer(r->from_s));
        json_object_set_new(tl, "step_s", json_integer(3600));
        json_t *sites = json_array();
        for (size_t s = 0; s < r->nsites; s++) {
            int any = 0;
            for (size_t h = 0; h < r->nhours && !any; h++)
                any = r->curtailed_mw[s * r->nhours + h] != 0 || r->reserved_mw[s * r->nhours + h] != 0;
            if (!any)
                continue;
            json_t *sj = json_object();
            json_object_set_new(sj, "site", json_string(f->sites[s].id));
            json_t *cu = json_array(), *re = json_array();
            for (size_t h = 0; h < r->nhours; h++) {
                json_array_append_new(cu, json_real(gs__round(r->curtailed_mw[s * r->nhours + h], 2)));
                json_array_append_new(re, json_real(gs__round(r->reserved_mw[s * r->nhours + h], 2)));
            }
            json_object_set_new(sj, "curtailed_mw", cu);
            json_object_set_new(sj, "reserved_mw", re);
            json_array_append_new(sites, sj);
        }
        json_object_set_new(tl, "sites", sites);
        json_object_set_new(root, "timeline", tl);
    }
    char *text = json_dumps(root, JSON_INDENT(with_timeline ? 0 : 2) | JSON_PRESERVE_ORDER |
                                      JSON_REAL_PRECISION(12) | (with_timeline ? JSON_COMPACT : 0));
    json_decref(root);
    return text;
}

int gs_flexsim_write_outputs(const gs_fleet *f, const gs_flexsim_product *prods, size_t nprods,
                             const gs_flexsim_opts *opts, const gs_flexsim_result *r,
                             const gs_flexsim_notes *notes, const char *dir, gs_error *err)
{
    char path[1024];
    int rc = gs__mkdirs(dir, err);
    if (rc)
        return rc;
    snprintf(path, sizeof path, "%s/flex.csv", dir);
    if ((rc = write_flex_csv(f, prods, r, path, err)))
        return rc;
    snprintf(path, sizeof path, "%s/jobs.csv", dir);
    if ((rc = write_jobs_csv(f, r, path, err)))
        return rc;
    snprintf(path, sizeof path, "%s/events.csv", dir);
    if ((rc = write_events_csv(f, prods, r, path, err)))
        return rc;
    char *text = gs_flexsim_summary_json(f, prods, nprods, opts, r, notes, 0);
    if (!text)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    snprintf(path, sizeof path, "%s/summary.json", dir);
    gs__outfile of;
    if ((rc = gs__outfile_open(&of, path, err))) {
        free(text);
        return rc;
    }
    fputs(text, of.f);
    fputc('\n', of.f);
    free(text);
    return gs__outfile_commit(&of, err);
}
