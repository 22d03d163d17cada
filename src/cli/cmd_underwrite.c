/* cmd_underwrite.c: `gridsplit underwrite DEAL.yaml --out DIR`: value the sites of a deal per
 * site and class, year by year over 10-25 years (cash flow, NPV, IRR, payback, cost per MWh and
 * per GPU-hour), compare the contracts of a site with both classes, and around that the spread
 * over price years, the tornado and time to power (the zones' headroom from their demand
 * series, by the headroom engine), with capacity charges on the coincident peaks where the
 * zone sets them so (ERCOT 4CP: the intervals of the grid-event catalogue, inference's draw in
 * them simulated; both resolved by src/cli/dealrun.c, which `gridsplit scenarios` shares), and
 * flexibility revenue from the flex engine (include/gridsplit/flexsim.h,
 * prepared by src/cli/flexrun.c as `gridsplit flex` prepares it) over each price year, passed
 * to the econ engine as figures; writes cashflow.csv, spread.csv, tornado.csv, summary.json, underwrite.xlsx
 * (the base case as live formulas) and report.html and prints the figures
 * (docs/underwrite.md). Options: gs_cmd_underwrite_decl. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/dealrun.h"
#include "cli/flexrun.h"
#include "cli/opts.h"
#include "gridsplit/econ.h"
#include "gridsplit/flexsim.h"
#include "gridsplit/headroom.h"
#include "gridsplit/load.h"
#include "gridsplit/market.h"
#include "gridsplit/read/deal.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/market.h"
#include "gridsplit/read/tz.h"
#include "gridsplit/sim.h"
#include "gridsplit/time.h"
#include "gridsplit/write/underwrite.h"
#include "gridsplit/write/underwrite_xlsx.h"

static const char *const CMD = "underwrite";

static const gs_opt_decl UW_OPTS[] = {
    {.name = "out", .type = GS_OPT_OUTDIR, .flags = GS_OPT_REQUIRED,
     .help = "output directory, created if missing: cashflow.csv, spread.csv, tornado.csv, "
             "summary.json, underwrite.xlsx, report.html"},
    {.name = "years", .type = GS_OPT_INT, .metavar = "N", .unit = "years", .range = "[10, 25]",
     .def_help = "the deal's horizon_years", .help = "the horizon, instead of the deal's"},
    {0}};

const gs_cmd_decl gs_cmd_underwrite_decl = {
    .name = "underwrite",
    .summary = "value a deal's sites per class: cash flow, NPV, IRR, payback, contracts",
    .usage = "DEAL.yaml --out DIR [--years N]",
    .description =
        "Read a deal file (the fleet it takes its sites and clusters from, the horizon, prices "
        "and overrides of the built-in catalogue, whose every default names its source) and "
        "compute per site and class, year by year, capital and operating costs, revenue "
        "(inference per GPU-hour, or per request or token served against a demand trajectory "
        "up to the site's capacity) and flexibility revenue (the flex engine's on the deal's "
        "fleet over each price year, unless the deal gives flex_usd_per_mw_year); then NPV, "
        "IRR, payback and the levelised cost per MWh and per "
        "GPU-hour. Training load is contracted interruptible, inference firm; for a site with "
        "both classes the four contracts (one firm contract, two under one roof, and the two "
        "mistakes) are compared. Energy prices come from the fleet's zone price series (one "
        "mean per calendar year, cycled over the horizon, escalated) or a flat input. Around "
        "that base case: the spread of NPV and cost per MWh over the price years (P10, P50, "
        "P90; the deal's price_spread: rotate or hold), a tornado of the largest inputs (the "
        "catalogue's ranges, each sourced), time to power (a curtailable connection years_saved "
        "earlier against a firm one, with the zone's headroom for flexible load) and, in a "
        "zone charged on its coincident peaks (ERCOT 4CP), capacity charges from each class's "
        "draw in the peak intervals (training pauses, inference is simulated). underwrite.xlsx "
        "holds the base case's cash flows as live formulas over an Inputs sheet; report.html "
        "the charts.",
    .epilog = "Exit codes: 0 ok, 2 bad input (the message names the option, or the file, line "
              "and field), 1 runtime failure. See docs/underwrite.md.",
    .args = {.name = "deal file", .metavar = "DEAL.yaml", .type = GS_OPT_INPUT, .min = 1,
             .max = 1},
    .opts = UW_OPTS,
};

static void money(char *buf, size_t len, double usd)
{
    if (!isfinite(usd))
        snprintf(buf, len, "n/a");
    else if (fabs(usd) >= 1e9)
        snprintf(buf, len, "%.2f bn USD", usd / 1e9);
    else
        snprintf(buf, len, "%.1f M USD", usd / 1e6);
}

/* A move's end as text: "x0.83" (scale) or "+0.02" (add). */
static void move_end(char *buf, size_t len, const gs_econ_move *m, int end)
{
    double v = end ? m->high : m->low;
    if (m->kind == GS_MOVE_SCALE)
        snprintf(buf, len, "x%g", v);
    else
        snprintf(buf, len, "%+g", v);
}

static void print_spread_line(const char *label, const double npv[3], const double mwh[3])
{
    char a[48], b[48], c[48];
    money(a, sizeof a, npv[0]);
    money(b, sizeof b, npv[1]);
    money(c, sizeof c, npv[2]);
    printf("  %-26s NPV P10 %-13s P50 %-13s P90 %-13s cost P10 %8.2f P50 %8.2f P90 %8.2f "
           "USD/MWh\n", label, a, b, c, mwh[0], mwh[1], mwh[2]);
}

static void print_spread(const gs_econ_spread *sp, const gs_econ_site *sites)
{
    printf("spread over price years (%s: %zu scenario%s, %s)\n", gs_spread_mode_name(sp->mode),
           sp->nscen, sp->nscen == 1 ? "" : "s",
           sp->mode == GS_SPREAD_ROTATE ? "each starting at another price year and cycling"
                                        : "each holding one price year for the whole horizon");
    static const char *const cn[GS_NCLASS + 1] = {"training", "inference", "total"};
    for (size_t s = 0; s < sp->nsites; s++)
        for (int k = 0; k <= GS_NCLASS; k++) {
            if (k < GS_NCLASS && !sites[s].cls[k].present)
                continue;
            char label[GS_ID_MAX + 16];
            snprintf(label, sizeof label, "%s %s", sites[s].id, cn[k]);
            size_t j = s * (GS_NCLASS + 1) + (size_t)k;
            print_spread_line(label, sp->npv_pct[j], sp->mwh_pct[j]);
        }
    print_spread_line("deal total", sp->total_npv_pct, sp->total_mwh_pct);
}

static void print_tornado(const gs_econ_tornado *t, const gs_econ_move *moves)
{
    char base[48];
    money(base, sizeof base, t->base_npv_usd);
    printf("tornado (deal NPV %s; one input at a time to the low / high end of its range, "
           "largest swing first)\n", base);
    for (size_t i = 0; i < t->nbars; i++) {
        const gs_econ_bar *b = &t->bars[i];
        const gs_econ_move *m = &moves[b->move];
        char lo[24], hi[24], a[48], c[48], w[48], ends[56];
        move_end(lo, sizeof lo, m, 0);
        move_end(hi, sizeof hi, m, 1);
        snprintf(ends, sizeof ends, "%s / %s", lo, hi);
        money(a, sizeof a, b->npv_low_usd);
        money(c, sizeof c, b->npv_high_usd);
        money(w, sizeof w, b->swing_usd);
        printf("  %2zu %-22s %-18s NPV %-13s / %-13s swing %s\n", i + 1,
               gs_econ_lever_name(m->lever), ends, a, c, w);
    }
}

static void print_power(const gs_econ_power *p, const gs_econ_site *sites, size_t n,
                        const char (*notes)[192], const gs_econ_terms *t)
{
    printf("time to power (a curtailable connection, training interruptible, against a firm one "
           "that comes years_saved later; headroom at %.2f %% curtailment)\n",
           100.0 * t->curtailed_hours_per_year / 8760.0);
    for (size_t i = 0; i < n; i++) {
        const gs_econ_power *e = &p[i];
        char hr[64];
        if (e->headroom_known)
            snprintf(hr, sizeof hr, "headroom %.0f MW: %s", e->headroom_mw,
                     e->fits ? "fits" : "does not fit");
        else
            snprintf(hr, sizeof hr, "headroom unknown");
        printf("  %-12s flexible %.1f MW, %s (%s)\n", sites[i].id, e->flexible_mw, hr, notes[i]);
        if (!e->present) {
            printf("  %-12s earlier start not valued (%s)\n", "",
                   sites[i].cls[GS_TRAINING].present ? "years_saved 0" : "no training load");
            continue;
        }
        char a[48], b[48], c[48], v[48], k[48], m[48];
        money(a, sizeof a, e->npv_curtailable_usd);
        money(b, sizeof b, e->npv_firm_usd);
        money(c, sizeof c, e->npv_firm_delayed_usd);
        money(v, sizeof v, e->value_usd);
        money(k, sizeof k, e->contract_usd);
        money(m, sizeof m, e->timing_usd);
        printf("  %-12s %.1f years earlier: training NPV curtailable now %s, firm now %s, firm "
               "%.1f years later %s\n", "", e->years_saved, a, b, e->years_saved, c);
        printf("  %-12s the earlier start is worth %s (contract %s + timing %s)\n", "", v, k, m);
    }
}

/* ---- flexibility revenue from the flex engine --------------------------------------------- */

/* One backtested period of the fleet: what each fleet site's training clusters earned. */
typedef struct flex_period {
    int64_t from, to;
    double *revenue, *cost, *net, *hours, *mwh;   /* [fleet site] */
    char (*products)[GS_UW_FLEX_TEXT];             /* [fleet site] */
} flex_period;

static void flex_period_free(flex_period *p)
{
    free(p->revenue);
    free(p->cost);
    free(p->net);
    free(p->hours);
    free(p->mwh);
    free(p->products);
    memset(p, 0, sizeof *p);
}

/* Append to a product list (cut at the buffer, never overflowing). */
static void add_text(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_text(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

/* Run the flex engine (the market catalogue's products in the fleet's zones, the catalogue's
 * grid events, the one planner deciding every curtailment: src/cli/flexrun.c as `gridsplit
 * flex` prepares it) over [from, to) and sum, per fleet site, its training clusters' rows:
 * revenue, the cost of the curtailments and penalties, net. Peak products (4CP, 5CP) are left
 * out: the capacity charge of the underwriting already counts what pausing in the peaks saves. */
static int flex_run(gs_fleet *f, flex_period *p, gs_error *err)
{
    size_t ns = f->nsites ? f->nsites : 1;
    p->revenue = calloc(ns, sizeof *p->revenue);
    p->cost = calloc(ns, sizeof *p->cost);
    p->net = calloc(ns, sizeof *p->net);
    p->hours = calloc(ns, sizeof *p->hours);
    p->mwh = calloc(ns, sizeof *p->mwh);
    p->products = calloc(ns, sizeof *p->products);
    if (!p->revenue || !p->cost || !p->net || !p->hours || !p->mwh || !p->products)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    gs_flexsim_opts fo;
    gs_flexsim_opts_default(&fo);
    fo.from_s = p->from;
    fo.to_s = p->to;
    fo.comparisons = 0;
    gs__flexrun x;
    memset(&x, 0, sizeof x);
    gs_sim_tz tz;
    int have_tz = 0;
    gs_flexsim_result *res = NULL;
    int rc = gs__flexrun_prepare(&x, f, &fo, NULL, NULL, "catalog", NULL, 0, err);
    if (!rc && !(rc = gs_sim_tz_load(f, p->from - 86400, p->to + 86400, &tz, err)))
        have_tz = 1;
    if (!rc)
        rc = gs_flexsim_run(f, &tz, x.prods, x.np, x.fev, x.nfev, &fo, &res, err);
    for (size_t k = 0; !rc && k < res->nrows; k++) {
        const gs_flexsim_row *w = &res->rows[k];
        if (w->cluster < 0 || (size_t)w->cluster >= f->nclusters)
            continue;
        int site = f->clusters[w->cluster].site;
        if (site < 0 || (size_t)site >= f->nsites)
            continue;
        const gs_product *pr = w->product >= 0 && (size_t)w->product < x.np
                                   ? x.prods[w->product].p
                                   : NULL;
        const char *id = pr ? pr->id : "file event";
        if (pr && pr->kind == GS_PK_PEAK) {
            add_text(p->products[site], GS_UW_FLEX_TEXT, "%s%s left out (peak: the capacity "
                     "charge counts it)", p->products[site][0] ? "; " : "", id);
            continue;
        }
        int priced = 1;
        for (size_t e = 0; pr && e < res->nexcl; e++)
            if (res->excl[e].product == w->product)
                priced = 0;
        p->revenue[site] += w->revenue_usd;
        p->cost[site] += w->curtailment_cost_usd + w->penalty_usd;
        p->net[site] += w->net_usd;
        p->hours[site] += w->hours_curtailed;
        p->mwh[site] += w->mwh_shed;
        if (priced || w->net_usd != 0)
            add_text(p->products[site], GS_UW_FLEX_TEXT, "%s%s net %.0f USD",
                     p->products[site][0] ? "; " : "", id, w->net_usd);
        else
            add_text(p->products[site], GS_UW_FLEX_TEXT, "%s%s no price",
                     p->products[site][0] ? "; " : "", id);
    }
    gs_flexsim_free(res);
    if (have_tz)
        gs_sim_tz_free(f, &tz);
    gs__flexrun_clear(&x);
    return rc;
}

/* Whether a run of the fleet's training plan works on one of site fi's clusters in [from, to). */
static int site_has_runs(const gs_fleet *f, int fi, int64_t from, int64_t to)
{
    for (size_t r = 0; r < f->nruns; r++) {
        const gs_run *run = &f->runs[r];
        if (run->cluster < 0 || (size_t)run->cluster >= f->nclusters ||
            f->clusters[run->cluster].site != fi)
            continue;
        int64_t end = run->start_s + (int64_t)run->length_s;
        if (run->start_s < to && end > from)
            return 1;
    }
    return 0;
}

/* The flexibility revenue of each site with training load, per price year: the deal's
 * flex_usd_per_mw_year where it gives one (site or top level), else the flex engine on the
 * deal's fleet over that calendar year (a flat price: the fleet's period), net of the cost of
 * its curtailments, scaled to a year of 8,760 h (a leap year's figure x 8760 / 8784), per MW of
 * training grid draw. */
static int flex_revenue(const gs_deal *d, gs_fleet *f, gs_econ_site *sites, gs_uw_flex *fx,
                        gs_error *err)
{
    flex_period per[GS_ECON_PRICE_YEARS_MAX];
    size_t nper = 0;
    int rc = 0;
    memset(per, 0, sizeof per);
    for (size_t i = 0; i < d->nsites && !rc; i++) {
        const gs_deal_site *ds = &d->sites[i];
        gs_econ_site *s = &sites[i];
        gs_uw_flex *x = &fx[i];
        memset(x, 0, sizeof *x);
        x->nyears = s->nprice_years;
        const gs_econ_unit *u = &s->cls[GS_TRAINING];
        if (!u->present) {
            x->source = GS_UW_FLEX_NONE;
            for (size_t p = 0; p < x->nyears; p++)
                snprintf(x->label[p], sizeof x->label[p], "none (no training load)");
            continue;
        }
        x->grid_mw = u->it_mw * u->pue;
        if (!isnan(ds->flex_usd_per_mw_year) || d->flex_given) {
            x->source = GS_UW_FLEX_DEAL;
            for (size_t p = 0; p < x->nyears; p++)
                snprintf(x->label[p], sizeof x->label[p], "from the deal");
            continue;
        }
        x->source = GS_UW_FLEX_ENGINE;
        int fi = gs_fleet_find_site(f, s->id);
        char field[64];
        snprintf(field, sizeof field, "sites[%zu]", i);
        for (size_t p = 0; p < x->nyears && !rc; p++) {
            int64_t from, to;
            if (s->price_year[p]) {
                from = gs_utc_from_civil(s->price_year[p], 1, 1, 0, 0, 0);
                to = gs_utc_from_civil(s->price_year[p] + 1, 1, 1, 0, 0, 0);
            } else if (f->default_from_s && f->default_to_s > f->default_from_s &&
                       f->default_from_s % 3600 == 0 && f->default_to_s % 3600 == 0) {
                from = f->default_from_s;
                to = f->default_to_s;
            } else {
                rc = gs_error_set(err, GS_EINPUT, d->path, ds->line, ds->column, field,
                                  "expected a period of whole hours in the fleet %s (site '%s' "
                                  "has a flat price, so the flex engine backtests the fleet's "
                                  "period) or flex_usd_per_mw_year in the deal, found %s",
                                  d->fleet_path, s->id,
                                  f->default_from_s ? "a period off the hour" : "neither");
                break;
            }
            if (!site_has_runs(f, fi, from, to)) {
                char a[32], b[32];
                gs_format_time(from, a);
                gs_format_time(to, b);
                rc = gs_error_set(err, GS_EINPUT, d->path, ds->line, ds->column, field,
                                  "expected training runs on site '%s''s clusters in %s .. %s "
                                  "(the flex engine values flexibility from the runs the "
                                  "fleet plans: %s training.runs), found none; plan runs "
                                  "there or give flex_usd_per_mw_year in the deal",
                                  s->id, a, b, d->fleet_path);
                break;
            }
            size_t k = 0;
            while (k < nper && !(per[k].from == from && per[k].to == to))
                k++;
            if (k == nper) {
                per[nper].from = from;
                per[nper].to = to;
                if ((rc = flex_run(f, &per[nper], err))) {
                    flex_period_free(&per[nper]);
                    break;
                }
                nper++;
            }
            double scale = 8760.0 * 3600.0 / (double)(to - from);
            x->from_s[p] = from;
            x->to_s[p] = to;
            x->scale[p] = scale; /* to a year of 8,760 h, as the cash flows count one */
            if (s->price_year[p])
                snprintf(x->label[p], sizeof x->label[p], "from the flex engine, price year %d",
                         s->price_year[p]);
            else {
                char a[32], b[32];
                gs_format_time(from, a);
                gs_format_time(to, b);
                snprintf(x->label[p], sizeof x->label[p],
                         "from the flex engine, the fleet's period %.10s .. %.10s", a, b);
            }
            x->revenue_usd[p] = per[k].revenue[fi];
            x->cost_usd[p] = per[k].cost[fi];
            x->net_usd[p] = per[k].net[fi];
            x->hours_curtailed[p] = per[k].hours[fi];
            x->mwh_shed[p] = per[k].mwh[fi];
            snprintf(x->products[p], sizeof x->products[p], "%s", per[k].products[fi]);
            s->flex_year_usd_per_mw_year[p] = per[k].net[fi] * x->scale[p] / x->grid_mw;
        }
        if (!rc)
            s->flex_by_year = 1;
    }
    for (size_t k = 0; k < nper; k++)
        flex_period_free(&per[k]);
    return rc;
}

/* A whole number with thousands separators: "336,015", "-1,200". */
static void thousands(char *buf, size_t len, double v)
{
    char raw[64];
    snprintf(raw, sizeof raw, "%.0f", fabs(v));
    size_t n = strlen(raw), o = 0;
    if (v < 0 && strcmp(raw, "0") && o + 1 < len)
        buf[o++] = '-';
    for (size_t i = 0; i < n && o + 2 < len; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = '\0';
}

static void print_flex(const gs_uw_flex *x, const gs_econ_site *s)
{
    if (x->source == GS_UW_FLEX_NONE)
        return;
    char v[48];
    if (x->source == GS_UW_FLEX_DEAL) {
        thousands(v, sizeof v, s->flex_usd_per_mw_year);
        printf("  flexibility revenue (USD per MW-year of training grid draw, %.1f MW): %s, from "
               "the deal\n", x->grid_mw, v);
        return;
    }
    printf("  flexibility revenue (USD per MW-year of training grid draw, %.1f MW, net of the "
           "curtailments' cost), from the flex engine:", x->grid_mw);
    for (size_t p = 0; p < x->nyears; p++) {
        thousands(v, sizeof v, s->flex_year_usd_per_mw_year[p]);
        if (s->price_year[p])
            printf("%s %d %s", p ? ";" : "", s->price_year[p], v);
        else
            printf("%s the fleet's period %s", p ? ";" : "", v);
    }
    printf("\n");
}

/* ---- inference revenue per request ------------------------------------------------------- */

static void print_requests(const gs_econ_site *s, const gs_deal_req_note *n, int years)
{
    if (!s->req.on)
        return;
    const gs_econ_requests *q = &s->req;
    char a[48], b[48], c[48];
    thousands(a, sizeof a, q->capacity_rps);
    printf("  inference revenue per request: %.4f USD per 1000 requests (%s); capacity %s "
           "requests/s (%.0f GPUs x %g): %.2f USD per busy GPU-hour\n",
           1000 * q->usd_per_request, n->price, a, s->cls[GS_INFERENCE].gpus,
           n->requests_per_s_per_gpu, q->usd_per_request * n->requests_per_s_per_gpu * 3600);
    thousands(a, sizeof a, q->peak_rps[0]);
    thousands(b, sizeof b, q->mean_rps[0]);
    printf("  demand, requests/s: year 1 peak %s, mean %s, growing %.1f %% a year after year "
           "%zu; served of the mean:", a, b, 100 * q->growth, q->nyears);
    int show[] = {1, 5, 10, 15, 20, 25};
    for (size_t k = 0; k < sizeof show / sizeof show[0]; k++) {
        if (show[k] > years)
            continue;
        gs_econ_demand_year dy = gs_econ_demand_at(s, show[k]);
        thousands(b, sizeof b, dy.served_rps);
        thousands(c, sizeof c, dy.mean_rps);
        printf("%s year %d %s of %s", k ? ";" : "", show[k], b, c);
    }
    printf("\n");
}

/* A leased class's terms (docs/underwrite.md "Colocation revenue per kW-month"). */
static void print_leases(const gs_econ_site *s, const gs_econ_terms *t)
{
    for (int k = 0; k < GS_NCLASS; k++) {
        const gs_econ_unit *u = &s->cls[k];
        if (!u->present || !u->colocation)
            continue;
        char kw[48];
        thousands(kw, sizeof kw, u->colo_leased_kw);
        printf("  %s leased: %s kW at %.2f USD per kW-month, %+.1f %% a year; energy %s%s\n",
               k == GS_TRAINING ? "training" : "inference", kw, u->colo_usd_per_kw_month,
               100 * t->colocation_escalation,
               u->colo_pass_through ? "paid by the tenant" : "paid by the operator",
               k == GS_TRAINING ? "; the rent of the hours curtailed or paused credited back"
                                : "");
    }
}

static void print_metrics(const char *label, const gs_econ_metrics *m)
{
    char npv[48], irr[64], pb[32];
    money(npv, sizeof npv, m->npv_usd);
    switch (m->irr.status) {
    case GS_IRR_OK: snprintf(irr, sizeof irr, "%.2f %%", 100 * m->irr.irr); break;
    case GS_IRR_NO_SIGN_CHANGE: snprintf(irr, sizeof irr, "none (no sign change)"); break;
    case GS_IRR_NO_ROOT: snprintf(irr, sizeof irr, "none (no root)"); break;
    default:
        snprintf(irr, sizeof irr, "multiple (%.2f %%, %.2f %%)", 100 * m->irr.roots[0],
                 100 * m->irr.roots[1]);
        break;
    }
    if (m->payback_reached)
        snprintf(pb, sizeof pb, "%.2f years", m->payback_years);
    else
        snprintf(pb, sizeof pb, "not reached");
    printf("  %-22s NPV %-16s IRR %-14s payback %-12s %8.2f USD/MWh %7.3f USD/GPU-h\n", label,
           npv, irr, pb, m->cost_usd_per_mwh, m->cost_usd_per_gpu_hour);
}

int gs_cmd_underwrite(int argc, char **argv)
{
    gs_opts *o;
    int rc = gs_opts_cli(&gs_cmd_underwrite_decl, argc, argv, NULL, &o);
    if (!o)
        return rc;
    const char *path = gs_opts_arg(o, 0);
    const char *out = gs_opts_str(o, "out");
    int years = gs_opts_given(o, "years") ? (int)gs_opts_int(o, "years") : 0;

    gs_error err = {0};
    gs_deal *d = NULL;
    gs_fleet *f = NULL;
    gs_econ_site *sites = NULL;
    char(*notes)[64] = NULL;
    gs_econ_result *r = NULL;
    gs_econ_spread *sp = NULL;
    char(*hnotes)[192] = NULL;
    const char **hnote_ptr = NULL;
    gs_econ_power *power = NULL;
    gs_uw_cp *cps = NULL;
    gs_econ_tornado *tor = NULL;
    gs_uw_flex *flex = NULL;
    gs_deal_req_note *rnotes = NULL;
    gs_uw_req *req = NULL;
    gs_uw_out_figure figs[GS_UW_NKEYS + 3];
    const char *move_src[GS_NLEVERS];
    gs_econ_move moves[GS_NLEVERS];
    size_t nmoves = 0;
    if ((rc = gs_deal_load(path, &d, &err)) ||
        (rc = gs_cli_load_fleet(CMD, d->fleet_path, &f, &err)))
        goto fail;
    /* the series (prices, and PUE series for the peak PUE) only when the fleet has some */
    int has_series = 0;
    for (size_t i = 0; i < f->nzones; i++)
        has_series |= f->zones[i].price_ref.path[0] != '\0';
    for (size_t i = 0; i < f->nzones; i++)
        has_series |= f->zones[i].demand_ref.path[0] != '\0';
    for (size_t i = 0; i < f->nsites; i++)
        has_series |= f->sites[i].pue_kind == GS_PUE_SERIES;
    if (has_series && (rc = gs_fleet_load_series(f, &err)))
        goto fail;
    sites = calloc(d->nsites, sizeof *sites);
    notes = calloc(d->nsites, sizeof *notes);
    hnotes = calloc(d->nsites, sizeof *hnotes);
    power = calloc(d->nsites, sizeof *power);
    cps = calloc(d->nsites, sizeof *cps);
    hnote_ptr = calloc(d->nsites, sizeof *hnote_ptr);
    flex = calloc(d->nsites, sizeof *flex);
    rnotes = calloc(d->nsites, sizeof *rnotes);
    req = calloc(d->nsites, sizeof *req);
    if (!sites || !notes || !hnotes || !power || !hnote_ptr || !cps || !flex || !rnotes ||
        !req) {
        rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto fail;
    }
    gs_econ_terms terms;
    if ((rc = gs__dealrun_resolve(d, f, sites, &terms, notes, rnotes, hnotes, cps, &err)))
        goto fail;
    if (years)
        terms.years = years;
    if ((rc = flex_revenue(d, f, sites, flex, &err)))
        goto fail;
    for (size_t i = 0; i < d->nsites; i++) {
        const gs_deal_req_note *n = &rnotes[i];
        req[i] = (gs_uw_req){.on = n->on, .price = n->price, .capacity = n->capacity,
                             .demand = n->demand, .shape = n->shape, .growth = n->growth,
                             .requests_per_s_per_gpu = n->requests_per_s_per_gpu,
                             .tokens_per_request = n->tokens_per_request,
                             .usd_per_million_tokens = n->usd_per_million_tokens,
                             .mean_from_shape = n->mean_from_shape,
                             .peak_from_shape = n->peak_from_shape};
    }
    /* the tornado's inputs, less the two revenue per request replaces or brings: inference
     * demand where no site earns per request, inference utilisation where every inference
     * site does; the rent's two where no site is leased, and a class's revenue where every
     * site leases that class */
    {
        int any_req = 0, any_gpuh = 0, any_lease = 0, sold[GS_NCLASS] = {0};
        for (size_t i = 0; i < d->nsites; i++) {
            for (int k = 0; k < GS_NCLASS; k++) {
                any_lease |= sites[i].cls[k].colocation;
                sold[k] |= sites[i].cls[k].present && !sites[i].cls[k].colocation;
            }
            if (!sites[i].cls[GS_INFERENCE].present)
                continue;
            any_req |= sites[i].req.on;
            any_gpuh |= !sites[i].req.on;
        }
        for (size_t i = 0; i < d->nmoves; i++) {
            gs_econ_lever l = d->moves[i].lever;
            if ((l == GS_LEVER_INFERENCE_DEMAND && !any_req) ||
                ((l == GS_LEVER_COLOCATION_RENT || l == GS_LEVER_COLOCATION_ESCALATION) &&
                 !any_lease) ||
                (l == GS_LEVER_TRAINING_REVENUE && !sold[GS_TRAINING] && any_lease) ||
                (l == GS_LEVER_INFERENCE_REVENUE && !sold[GS_INFERENCE] && any_lease) ||
                (l == GS_LEVER_INFERENCE_UTILISATION && any_req && !any_gpuh))
                continue;
            move_src[nmoves] = d->move_source[i];
            moves[nmoves++] = d->moves[i];
        }
    }
    for (size_t i = 0; i < d->nsites; i++)
        hnote_ptr[i] = hnotes[i];
    if ((rc = gs_econ_underwrite(sites, d->nsites, &terms, &r, &err))) {
        if (!err.file[0])
            snprintf(err.file, sizeof err.file, "%s", path);
        goto fail;
    }
    if ((rc = gs_econ_spread_run(sites, d->nsites, &terms, d->spread_mode, &sp, &err)) ||
        (rc = gs_econ_tornado_run(sites, d->nsites, &terms, moves, nmoves, &tor, &err)) ||
        (rc = gs_econ_time_to_power(sites, d->nsites, &terms, power, &err))) {
        if (!err.file[0])
            snprintf(err.file, sizeof err.file, "%s", path);
        goto fail;
    }
    size_t nf = 0;
    for (int k = 0; k < GS_UW_NKEYS; k++)
        figs[nf++] = (gs_uw_out_figure){gs_uw_key_name((gs_uw_key)k), d->fig[k].value,
                                        d->fig[k].source};
    static const char *const cool[3] = {"facility_capex_usd_per_mw.air",
                                        "facility_capex_usd_per_mw.hybrid",
                                        "facility_capex_usd_per_mw.liquid"};
    for (int k = 0; k < 3; k++)
        figs[nf++] = (gs_uw_out_figure){cool[k], d->capex[k].value, d->capex[k].source};
    gs_uw_outputs uo = {.deal_path = path, .fleet_path = d->fleet_path, .sites = sites,
                        .price_note = (const char(*)[64])notes, .terms = &terms, .r = r,
                        .figures = figs, .nfigures = nf, .spread = sp, .tornado = tor,
                        .moves = moves, .move_source = move_src, .nmoves = nmoves,
                        .power = power, .headroom_note = hnote_ptr, .cp = cps, .flex = flex,
                        .req = req};
    if ((rc = gs_uw_write_outputs(&uo, out, &err)))
        goto fail;
    char xlsx[1024];
    if (snprintf(xlsx, sizeof xlsx, "%s/underwrite.xlsx", out) >= (int)sizeof xlsx) {
        rc = gs_error_set(&err, GS_EINPUT, NULL, 0, 0, "out",
                          "expected an output directory of at most %zu characters, found %zu",
                          sizeof xlsx - sizeof "/underwrite.xlsx", strlen(out));
        goto fail;
    }
    if ((rc = gs_uw_write_xlsx(&uo, xlsx, &err)))
        goto fail;
    char html[1024];
    snprintf(html, sizeof html, "%s/report.html", out);
    if ((rc = gs_uw_write_report(&uo, html, &err)))
        goto fail;

    printf("underwrite %s: %zu site%s over %d years at %.1f %% discount\n", path, r->nsites,
           r->nsites == 1 ? "" : "s", r->years, 100 * terms.discount_rate);
    for (size_t s = 0; s < r->nsites; s++) {
        printf("site %s (prices: %s)\n", sites[s].id, notes[s]);
        static const char *const cn[GS_NCLASS + 1] = {"training (interruptible)",
                                                      "inference (firm)", "site total"};
        for (int k = 0; k <= GS_NCLASS; k++)
            if (k == GS_NCLASS || sites[s].cls[k].present)
                print_metrics(cn[k], &r->metrics[s * (GS_NCLASS + 1) + (size_t)k]);
        if (cps[s].present) {
            printf("  capacity on %s coincident peaks: draw in the intervals / grid draw:",
                   cps[s].zone);
            for (int k = 0; k < GS_NCLASS; k++)
                if (sites[s].cls[k].present)
                    printf(" %s paused %.1f %%", k == GS_TRAINING ? "training" : "inference",
                           100 * sites[s].cp_paused_share[k]);
            for (size_t j = 0; j < cps[s].nyears; j++) {
                printf("; %d", cps[s].year[j]);
                for (int k = 0; k < GS_NCLASS; k++)
                    if (sites[s].cls[k].present)
                        printf(" %s firm %.1f %%", k == GS_TRAINING ? "training" : "inference",
                               100 * cps[s].share[j][k]);
            }
            printf("\n");
            /* the hours an interruptible class (training) pauses for them, selling nothing */
            if (sites[s].cls[GS_TRAINING].present) {
                printf("  paused for the peaks when interruptible (h a year, %s):",
                       cps[s].pause_given ? "the deal's cp_pause_hours_per_year"
                                          : "the intervals' length");
                for (size_t p = 0; p < sites[s].nprice_years; p++)
                    if (sites[s].price_year[p])
                        printf("%s %d %.2f", p ? ";" : "", sites[s].price_year[p],
                               sites[s].cp_pause_hours[p]);
                    else /* a flat price: the mean of the years with intervals */
                        printf(" %.2f every year", sites[s].cp_pause_hours[p]);
                printf("\n");
            }
        }
        print_flex(&flex[s], &sites[s]);
        print_requests(&sites[s], &rnotes[s], r->years);
        print_leases(&sites[s], &terms);
        const gs_econ_contracts *c = &r->contracts[s];
        if (c->present)
            for (int k = 0; k < GS_NCONTRACT; k++) {
                char pv[48], sv[48];
                money(pv, sizeof pv, c->pv_cost_usd[k]);
                money(sv, sizeof sv, c->saving_vs_firm_usd[k]);
                printf("  contract %-18s PV cost %-16s saving vs firm_all %s\n",
                       gs_contract_name((gs_contract)k), pv, sv);
            }
    }
    print_metrics("deal total", &r->total_metrics);
    print_spread(sp, sites);
    print_tornado(tor, moves);
    print_power(power, sites, d->nsites, (const char(*)[192])hnotes, &terms);
    printf("wrote %s/cashflow.csv, %s/spread.csv, %s/tornado.csv, %s/summary.json, %s, %s\n",
           out, out, out, out, xlsx, html);
    rc = 0;
    goto done;
fail:
    rc = gs_cli_fail(CMD, &err);
done:
    gs_econ_result_free(r);
    gs_econ_spread_free(sp);
    gs_econ_tornado_free(tor);
    free(hnotes);
    free(hnote_ptr);
    free(flex);
    free(rnotes);
    free(req);
    free(power);
    free(cps);
    free(sites);
    free(notes);
    gs_fleet_free(f);
    gs_deal_free(d);
    gs_opts_free(o);
    return rc;
}
