/* cmd_scenarios.c: `gridsplit scenarios FLEET.yaml`: trajectories of training and inference
 * demand by year (the catalogue's presets, or scenario files) applied to a fleet: MW by class
 * per site per year, the share of each site's interconnection and of its zone's headroom that
 * demand takes (gs_headroom_solve on the zone's demand series, or a figure given), flexibility
 * revenue from the market catalogue (as `site` values it), each site's NPV under each scenario
 * with --deal (the underwriting engine, the deal resolved as `underwrite` resolves it:
 * src/cli/dealrun.c), and the conversion test of training campuses (RTT to
 * the nearest large demand region vs the latency budget). Writes scenarios.csv and summary.json
 * with --out and prints a table or the summary (docs/scenarios.md). Options:
 * gs_cmd_scenarios_decl. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/dealrun.h"
#include "cli/opts.h"
#include "read/yaml_util.h"
#include "gridsplit/econ.h"
#include "gridsplit/headroom.h"
#include "gridsplit/market.h"
#include "gridsplit/scenarios.h"
#include "gridsplit/time.h"
#include "gridsplit/read/deal.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/import.h"
#include "gridsplit/read/market.h"
#include "gridsplit/read/scenarios.h"
#include "gridsplit/read/site.h"
#include "gridsplit/write/scenarios.h"

static const char *const CMD = "scenarios";

static const gs_opt_decl SCEN_OPTS[] = {
    {.name = "scenario", .type = GS_OPT_STRING, .metavar = "NAME|FILE", .flags = GS_OPT_REPEAT,
     .def_help = "every preset of the catalogue (training-plateau, both-grow, mix)",
     .help = "a preset of the catalogue, or a scenario file (every scenario in it)"},
    {.name = "deal", .type = GS_OPT_INPUT, .metavar = "DEAL.yaml",
     .help = "a deal on the same fleet file (docs/underwrite.md): each of its sites' NPV under "
             "each scenario"},
    {.name = "from-year", .type = GS_OPT_INT, .metavar = "Y", .range = "[1990, 2100]",
     .def = "2025", .help = "the first year of the table: the fleet as it is (every index 1)"},
    {.name = "years", .type = GS_OPT_INT, .metavar = "N", .unit = "years", .range = "[1, 50]",
     .def_help = "the deal's horizon_years, else 10",
     .help = "years in the table (with --deal, also the NPV horizon: 10 to 25)"},
    {.name = "out", .type = GS_OPT_OUTDIR,
     .help = "output directory, created if missing: scenarios.csv, summary.json"},
    {.name = "format", .type = GS_OPT_CHOICE, .choices = "text json", .def = "text",
     .help = "standard output: a table, or the summary (summary.json's content)"},
    {.name = "headroom-rate", .type = GS_OPT_NUM, .metavar = "PCT", .unit = "%",
     .range = "(0, 100)", .def_help = "the catalogue's headroom_rate_pct, 0.5",
     .help = "curtailment rate of the zones' curtailment-enabled headroom"},
    {.name = "headroom", .type = GS_OPT_PAIR, .metavar = "ZONE=MW", .unit = "MW",
     .range = "[0, 1e7]", .flags = GS_OPT_REPEAT,
     .help = "a zone's headroom figure, instead of the headroom engine on its demand series"},
    {.name = "rtt-budget", .type = GS_OPT_NUM, .metavar = "MS", .unit = "ms", .range = "(0, 1000]",
     .def_help = "each service's latency_budget_ms less its server time",
     .help = "round-trip budget of the test whether a training campus could serve inference"},
    {.name = "catalog", .type = GS_OPT_INPUT,
     .help = "market products and events replacing or adding to the built-in catalogue "
             "(docs/markets.md), to value training flexibility"},
    {.name = "market-year", .type = GS_OPT_INT, .metavar = "Y", .range = "[1990, 2100]",
     .def_help = "the year of the fleet's period.from, else --from-year",
     .help = "the year whose catalogue prices value training flexibility"},
    {0}};

const gs_cmd_decl gs_cmd_scenarios_decl = {
    .name = "scenarios",
    .summary = "training and inference demand futures applied to a fleet: MW, shares, NPV",
    .usage = "FLEET.yaml [--scenario NAME|FILE ...] [--deal FILE]\n"
             " [--from-year Y] [--years N] [--out DIR]\n"
             " [--format text|json] [options]",
    .description =
        "Trajectories of training and inference demand by year (growth rates and the inference "
        "share of demand as inputs; the built-in presets are the source documents' futures: "
        "training plateaus while inference keeps growing, both keep growing, and the mix "
        "between, every figure sourced in data/catalog/scenarios.yaml) applied to a fleet: MW "
        "by class per site per year, the share of each site's interconnection and of its "
        "zone's curtailment-enabled headroom the demand takes, training flexibility revenue "
        "from the market catalogue, each site's NPV under each scenario (with --deal), and for "
        "each training campus whether its idle MW could turn into inference within the "
        "latency budget (stranded-asset risk).",
    .epilog = "Exit codes: 0 ok, 2 bad input (the message names the option, or the file, line "
              "and field), 1 runtime failure. See docs/scenarios.md.",
    .args = {.name = "fleet file", .metavar = "FLEET.yaml", .type = GS_OPT_INPUT, .min = 1,
             .max = 1},
    .opts = SCEN_OPTS,
};

/* Each zone's headroom: --headroom, else the headroom engine on its demand series at rate (as
 * `gridsplit underwrite` finds it: src/cli/dealrun.c). */
static int zone_headrooms(const gs_opts *o, const gs_fleet *f, double rate, double *mw,
                          char (*note)[192], gs_error *err)
{
    for (size_t z = 0; z < f->nzones; z++) {
        mw[z] = NAN;
        snprintf(note[z], 192, "unknown: the zone has no demand series (give --headroom %s=MW)",
                 f->zones[z].id);
    }
    size_t ng = gs_opts_count(o, "headroom");
    for (size_t i = 0; gs_opts_given(o, "headroom") && i < ng; i++) {
        const char *key;
        size_t kl;
        double v;
        gs_opts_pair(o, "headroom", i, &key, &kl, &v);
        char id[GS_ID_MAX];
        snprintf(id, sizeof id, "%.*s", (int)(kl < sizeof id ? kl : sizeof id - 1), key);
        int z = gs_fleet_find_zone(f, id);
        if (z < 0)
            return gs_opts_fail(o, "headroom", "expected a zone of the fleet, found '%s'", id);
        mw[z] = v;
        snprintf(note[z], 192, "given (--headroom %s=%g)", id, v);
    }
    for (size_t z = 0; z < f->nzones; z++) {
        if (!isnan(mw[z]) || !f->zones[z].demand_mw)
            continue;
        gs__zone_headroom zh;
        int rc = gs__dealrun_zone_headroom(f, z, rate, &zh, err);
        if (rc)
            return rc;
        if (!zh.known) {
            snprintf(note[z], 192, "unknown: %.170s", zh.why);
            continue;
        }
        mw[z] = zh.mw;
        snprintf(note[z], 192, "headroom engine on the zone's demand series, %d-%d, %zu hours",
                 zh.year_first, zh.year_last, zh.hours);
    }
    return 0;
}

/* A product one of the fleet's training clusters could sell: in its site's zone. */
static int fleet_zone_uses(const gs_product *p, void *ctx)
{
    const gs_fleet *f = ctx;
    for (size_t c = 0; c < f->nclusters; c++)
        if (f->clusters[c].cls == GS_TRAINING &&
            gs_product_in_zone(p, f->zones[f->sites[f->clusters[c].site].zone].id))
            return 1;
    return 0;
}

/* 1 when a and b name the same file. */
static int same_file(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    if (!realpath(a, ra) || !realpath(b, rb))
        return strcmp(a, b) == 0;
    return strcmp(ra, rb) == 0;
}

int gs_cmd_scenarios(int argc, char **argv)
{
    gs_opts *o;
    int rc = gs_opts_cli(&gs_cmd_scenarios_decl, argc, argv, NULL, &o);
    if (!o)
        return rc;
    const char *path = gs_opts_arg(o, 0);
    const char *out = gs_opts_str(o, "out");
    const char *deal_path = gs_opts_str(o, "deal");
    int json = gs_opts_choice(o, "format") == 1;
    int from_year = (int)gs_opts_int(o, "from-year");

    gs_error err = {0};
    gs_scen_catalog *cat = NULL;
    gs_fleet *f = NULL;
    gs_deal *d = NULL;
    gs_econ_site *esites = NULL;
    gs_market_catalog *mcat = NULL;
    gs_site_market_series *mser = NULL;
    size_t nmser = 0;
    gs_scen_result *res = NULL;
    double *hmw = NULL;
    char(*hnote)[192] = NULL;
    size_t *run = NULL;
    gs_scen_out_figure *figs = NULL, *assum = NULL;
    char(*rack_ids)[48] = NULL;
    size_t nrun = 0;

    if ((rc = gs_scen_catalog_load(&cat, &err)))
        goto fail;
    run = calloc(GS_SCEN_SET_MAX, sizeof *run);
    if (!run) {
        rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto fail;
    }
    /* the scenarios: presets by name, files by path; by default every preset */
    size_t ns = gs_opts_given(o, "scenario") ? gs_opts_count(o, "scenario") : 0;
    for (size_t i = 0; i < ns; i++) {
        size_t len;
        const char *arg = gs_opts_item(o, "scenario", i, &len);
        int at = gs_scen_find(cat, arg);
        size_t first, count;
        if (at >= 0) {
            first = (size_t)at;
            count = 1;
        } else {
            gs_error pe = {0};
            if (gs_cli_check_input_path(arg, &pe) < 0) {
                char known[512] = "";
                for (size_t k = 0; k < cat->npresets; k++)
                    snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s",
                             k ? ", " : "", cat->set[k].id);
                rc = gs_opts_fail(o, "scenario",
                                  "expected a preset (%s) or a scenario file, found '%s' (%s)",
                                  known, arg, pe.message);
                goto out;
            }
            if ((rc = gs_scen_file_load(cat, arg, &first, &count, &err)))
                goto fail;
        }
        for (size_t k = first; k < first + count; k++) {
            for (size_t j = 0; j < nrun; j++)
                if (run[j] == k) {
                    rc = gs_opts_fail(o, "scenario", "expected each scenario once, found '%s' again",
                                      cat->set[k].id);
                    goto out;
                }
            if (nrun == GS_SCEN_SET_MAX) {
                rc = gs_opts_fail(o, "scenario", "expected at most %d scenarios", GS_SCEN_SET_MAX);
                goto out;
            }
            run[nrun++] = k;
        }
    }
    if (!ns)
        for (size_t k = 0; k < cat->npresets; k++)
            run[nrun++] = k;

    /* the fleet and its series */
    if ((rc = gs_cli_load_fleet(CMD, path, &f, &err)))
        goto fail;
    int has_series = 0;
    for (size_t i = 0; i < f->nzones; i++)
        has_series |= f->zones[i].price_ref.path[0] || f->zones[i].demand_ref.path[0];
    for (size_t i = 0; i < f->nsites; i++)
        has_series |= f->sites[i].pue_kind == GS_PUE_SERIES;
    if (has_series && (rc = gs_fleet_load_series(f, &err)))
        goto fail;

    /* the deal */
    int years = gs_opts_given(o, "years") ? (int)gs_opts_int(o, "years") : 10;
    gs_econ_terms terms;
    memset(&terms, 0, sizeof terms);
    if (deal_path) {
        if ((rc = gs_deal_load(deal_path, &d, &err)))
            goto fail;
        if (!same_file(d->fleet_path, path)) {
            rc = gs_opts_fail(o, "deal",
                              "expected a deal on the fleet file %s, found one on %s (the NPVs "
                              "are of the fleet the scenarios are applied to)",
                              path, d->fleet_path);
            goto out;
        }
        esites = calloc(d->nsites, sizeof *esites);
        if (!esites) {
            rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto fail;
        }
        /* as `gridsplit underwrite` resolves it (src/cli/dealrun.c): headroom and the
         * capacity shares of zones charged on their coincident peaks (ERCOT 4CP) */
        if ((rc = gs__dealrun_resolve(d, f, esites, &terms, NULL, NULL, NULL, NULL, &err)))
            goto fail;
        if (gs_opts_given(o, "years")) {
            if (years < GS_ECON_YEARS_MIN || years > GS_ECON_YEARS_MAX) {
                rc = gs_opts_fail(o, "years",
                                  "expected %d to %d years with --deal (the NPV horizon), found %d",
                                  GS_ECON_YEARS_MIN, GS_ECON_YEARS_MAX, years);
                goto out;
            }
            terms.years = years;
        } else {
            years = terms.years;
        }
    }

    /* zone headroom */
    double rate = gs_opts_given(o, "headroom-rate") ? gs_opts_num(o, "headroom-rate")
                                                    : cat->headroom_rate_pct.value;
    hmw = calloc(f->nzones ? f->nzones : 1, sizeof *hmw);
    hnote = calloc(f->nzones ? f->nzones : 1, sizeof *hnote);
    if (!hmw || !hnote) {
        rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto fail;
    }
    if ((rc = zone_headrooms(o, f, rate, hmw, hnote, &err))) {
        if (rc == 2)
            goto out;
        goto fail;
    }

    /* markets */
    int market_year = from_year;
    if (gs_opts_given(o, "market-year")) {
        market_year = (int)gs_opts_int(o, "market-year");
    } else if (f->default_from_s) {
        int64_t y;
        int mo, dd, hh, mi, ss;
        gs_civil_from_utc(f->default_from_s, &y, &mo, &dd, &hh, &mi, &ss);
        market_year = (int)y;
    }
    if ((rc = gs_market_catalog_load(gs_opts_str(o, "catalog"), &mcat, &err)) ||
        (rc = gs_site_market_series_read(mcat, f->path, market_year, fleet_zone_uses, (void *)f, &mser,
                                        &nmser, &err)))
        goto fail;
    char market_note[GS_PATH_MAX + 160];
    snprintf(market_note, sizeof market_note, "%s market catalogue%s%.400s, prices of %d",
             gs_opts_str(o, "catalog") ? "built-in and user" : "built-in",
             gs_opts_str(o, "catalog") ? " " : "",
             gs_opts_str(o, "catalog") ? gs_opts_str(o, "catalog") : "", market_year);

    /* the run */
    gs_scen_inputs in;
    memset(&in, 0, sizeof in);
    in.fleet = f;
    in.set = cat->set;
    in.nset = cat->n;
    in.run = run;
    in.nrun = nrun;
    in.from_year = from_year;
    in.years = years;
    gs_scen_params_from(cat, &in.params);
    if (gs_opts_given(o, "rtt-budget"))
        in.params.rtt_limit_ms = gs_opts_num(o, "rtt-budget");
    in.zone_headroom_mw = hmw;
    in.markets = mcat;
    in.mseries = mser;
    in.nmseries = nmser;
    in.market_year = market_year;
    if (d) {
        in.econ = esites;
        in.necon = d->nsites;
        in.terms = &terms;
    }
    if ((rc = gs_scen_run(&in, &res, &err))) {
        if (!err.file[0])
            snprintf(err.file, sizeof err.file, "%s", rc == GS_ERUNTIME ? "" : path);
        goto fail;
    }

    /* outputs */
    figs = calloc(cat->nfigures ? cat->nfigures : 1, sizeof *figs);
    size_t nrack = cat->rack_kw[0].n + cat->rack_kw[1].n;
    assum = calloc(8 + nrack, sizeof *assum);
    rack_ids = calloc(nrack ? nrack : 1, sizeof *rack_ids);
    if (!figs || !assum || !rack_ids) {
        rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < cat->nfigures; i++)
        figs[i] = (gs_scen_out_figure){cat->figures[i].id, cat->figures[i].value,
                                       cat->figures[i].unit, cat->figures[i].source};
    size_t na = 0;
    assum[na++] = (gs_scen_out_figure){"max_utilisation.training", cat->max_utilisation[0].value,
                                       "share", cat->max_utilisation[0].source};
    assum[na++] = (gs_scen_out_figure){"max_utilisation.inference", cat->max_utilisation[1].value,
                                       "share", cat->max_utilisation[1].source};
    assum[na++] = (gs_scen_out_figure){"large_region_share", cat->large_region_share.value,
                                       "share of a service's users", cat->large_region_share.source};
    assum[na++] = (gs_scen_out_figure){
        "headroom_rate_pct", rate, "%",
        gs_opts_given(o, "headroom-rate") ? "--headroom-rate" : cat->headroom_rate_pct.source};
    if (gs_opts_given(o, "rtt-budget"))
        assum[na++] = (gs_scen_out_figure){"rtt_budget_ms", in.params.rtt_limit_ms, "ms",
                                           "--rtt-budget"};
    size_t ri = 0;
    for (int k = 0; k < GS_NCLASS; k++)
        for (size_t j = 0; j < cat->rack_kw[k].n; j++, ri++) {
            snprintf(rack_ids[ri], sizeof rack_ids[ri], "rack_kw.%s.%d",
                     gs_class_name((gs_class)k), cat->rack_kw[k].pt[j].year);
            assum[na++] = (gs_scen_out_figure){rack_ids[ri], cat->rack_kw[k].pt[j].value, "kW",
                                               cat->rack_kw[k].pt[j].source};
        }
    gs_scen_outputs so = {.fleet_path = path, .deal_path = deal_path, .in = &in, .res = res,
                          .headroom_rate_pct = rate, .zone_note = (const char(*)[192])hnote,
                          .market_note = market_note, .figures = figs,
                          .nfigures = cat->nfigures, .assumptions = assum, .nassumptions = na};
    if (out && (rc = gs_scen_write_outputs(&so, out, &err)))
        goto fail;
    if (json) {
        if ((rc = gs_scen_write_json(&so, stdout, &err)))
            goto fail;
    } else {
        gs_scen_write_text(&so, stdout);
        if (out)
            printf("wrote %s/scenarios.csv, %s/summary.json\n", out, out);
    }
    rc = 0;
    goto out;
fail:
    rc = gs_cli_fail(CMD, &err);
out:
    free(rack_ids);
    free(assum);
    free(figs);
    gs_scen_result_free(res);
    gs_site_market_series_free(mser, nmser);
    gs_market_catalog_free(mcat);
    free(hnote);
    free(hmw);
    free(esites);
    gs_deal_free(d);
    gs_fleet_free(f);
    free(run);
    gs_scen_catalog_free(cat);
    gs_opts_free(o);
    return rc;
}
