/* cmd_underwrite.c: `gridsplit underwrite DEAL.yaml --out DIR`: value the sites of a deal per
 * site and class, year by year over 10-25 years (cash flow, NPV, IRR, payback, cost per MWh and
 * per GPU-hour) and compare the contracts of a site with both classes; writes cashflow.csv,
 * summary.json and underwrite.xlsx (the same figures as live formulas) and prints the figures
 * (docs/underwrite.md). Options: gs_cmd_underwrite_decl. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "gridsplit/econ.h"
#include "gridsplit/read/deal.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/write/underwrite.h"
#include "gridsplit/write/underwrite_xlsx.h"

static const char *const CMD = "underwrite";

static const gs_opt_decl UW_OPTS[] = {
    {.name = "out", .type = GS_OPT_OUTDIR, .flags = GS_OPT_REQUIRED,
     .help = "output directory, created if missing: cashflow.csv, summary.json, underwrite.xlsx"},
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
        "compute per site and class, year by year, capital and operating costs, revenue and "
        "flexibility revenue; then NPV, IRR, payback and the levelised cost per MWh and per "
        "GPU-hour. Training load is contracted interruptible, inference firm; for a site with "
        "both classes the four contracts (one firm contract, two under one roof, and the two "
        "mistakes) are compared. Energy prices come from the fleet's zone price series (one "
        "mean per calendar year, cycled over the horizon, escalated) or a flat input. "
        "underwrite.xlsx holds the same cash flows as live formulas over an Inputs sheet.",
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
    gs_uw_out_figure figs[GS_UW_NKEYS + 3];
    if ((rc = gs_deal_load(path, &d, &err)) ||
        (rc = gs_cli_load_fleet(CMD, d->fleet_path, &f, &err)))
        goto fail;
    /* the series (prices, and PUE series for the peak PUE) only when the fleet has some */
    int has_series = 0;
    for (size_t i = 0; i < f->nzones; i++)
        has_series |= f->zones[i].price_ref.path[0] != '\0';
    for (size_t i = 0; i < f->nsites; i++)
        has_series |= f->sites[i].pue_kind == GS_PUE_SERIES;
    if (has_series && (rc = gs_fleet_load_series(f, &err)))
        goto fail;
    sites = calloc(d->nsites, sizeof *sites);
    notes = calloc(d->nsites, sizeof *notes);
    if (!sites || !notes) {
        rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto fail;
    }
    gs_econ_terms terms;
    if ((rc = gs_deal_resolve(d, f, sites, &terms, notes, &err)))
        goto fail;
    if (years)
        terms.years = years;
    if ((rc = gs_econ_underwrite(sites, d->nsites, &terms, &r, &err))) {
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
                        .figures = figs, .nfigures = nf};
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

    printf("underwrite %s: %zu site%s over %d years at %.1f %% discount\n", path, r->nsites,
           r->nsites == 1 ? "" : "s", r->years, 100 * terms.discount_rate);
    for (size_t s = 0; s < r->nsites; s++) {
        printf("site %s (prices: %s)\n", sites[s].id, notes[s]);
        static const char *const cn[GS_NCLASS + 1] = {"training (interruptible)",
                                                      "inference (firm)", "site total"};
        for (int k = 0; k <= GS_NCLASS; k++)
            if (k == GS_NCLASS || sites[s].cls[k].present)
                print_metrics(cn[k], &r->metrics[s * (GS_NCLASS + 1) + (size_t)k]);
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
    printf("wrote %s/cashflow.csv, %s/summary.json, %s\n", out, out, xlsx);
    rc = 0;
    goto done;
fail:
    rc = gs_cli_fail(CMD, &err);
done:
    gs_econ_result_free(r);
    free(sites);
    free(notes);
    gs_fleet_free(f);
    gs_deal_free(d);
    gs_opts_free(o);
    return rc;
}
