/* cmd_flex.c: `gridsplit flex FLEET.yaml --out DIR [--from --to --step] [--policy P]
 * [--events FILE|catalog|none] [--products LIST] [--price PRODUCT=VALUE]...`: the flex backtest
 * (include/gridsplit/flexsim.h, docs/flex.md). The edge: loads the fleet and its series, the
 * market catalogue, each product's price over the period (a zone's energy at the fleet's own
 * price for the zone, as `simulate` prices it; else a series through the importers, a published
 * figure of the catalogue for the period, or a user value, each labelled: cli/flexrun.c), the grid
 * events (the catalogue's in the fleet's zones and/or an event file), runs the engine and writes
 * flex.csv, jobs.csv, events.csv, summary.json and report.html (with the warnings of the set-up).
 * Shows the progress line on a terminal (cli.h). Options: gs_cmd_flex_decl (cli/opts.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "gridsplit/fleet.h"
#include "gridsplit/flexsim.h"
#include "gridsplit/time.h"
#include "gridsplit/market.h"
#include "gridsplit/plan.h"
#include "gridsplit/sim.h"
#include "gridsplit/read/netcost.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/tz.h"
#include "gridsplit/write/flex.h"
#include "cli/flexrun.h"

static const gs_opt_decl FLEX_OPTS[] = {
    {.name = "out", .type = GS_OPT_OUTDIR, .flags = GS_OPT_REQUIRED,
     .help = "output directory, created if missing"},
    {.name = "from", .type = GS_OPT_TIME, .multiple_of = "1h",
     .def_help = "the fleet's period.from", .help = "start of the period, ISO 8601 UTC"},
    {.name = "to", .type = GS_OPT_TIME, .multiple_of = "1h", .def_help = "the fleet's period.to",
     .help = "end of the period, exclusive"},
    {.name = "step", .type = GS_OPT_STEP, .def = "5min", .divides = "1h",
     .help = "simulation step"},
    {.name = "policy", .type = GS_OPT_CHOICE, .choices = "flexible must-run", .def = "flexible",
     .metavar = "P",
     .help = "flexible: offer, curtail when it pays, deliver deployments; must-run: the planner "
             "under must-run (nothing offered or curtailed)"},
    {.name = "events", .type = GS_OPT_LIST, .elem = GS_OPT_INPUT, .choices = "catalog none",
     .max_items = 2, .metavar = "E", .def = "catalog", .help = GS__FLEXRUN_EVENTS_HELP},
    {.name = "products", .type = GS_OPT_LIST, .elem = GS_OPT_STRING, .metavar = "LIST",
     .max_items = GS__FLEX_MAXP,
     .def_help = "every catalogue product of the fleet's zones",
     .help = "product ids (see `gridsplit markets`); a listed product the fleet cannot offer, "
             "or with no price in the period, is an error"},
    {.name = "price", .type = GS_OPT_PAIR, .metavar = "PRODUCT=VALUE", .range = "[0, inf)",
     .flags = GS_OPT_REPEAT, .max_items = GS__FLEX_MAXPRICE,
     .help = "price a product at a constant VALUE in its unit (peak products: USD per kW-year "
             "of avoided charge), labelled user-supplied everywhere it is used"},
    {.name = "catalog", .type = GS_OPT_INPUT, .def_help = "the built-in one",
     .help = "a user market catalogue overriding the built-in one"},
    {.name = "offer-share", .type = GS_OPT_NUM, .metavar = "X", .range = "[0, 1]", .def = "1",
     .help = "share of the cuttable MW offered to reserves each hour"},
    {.name = "usd-per-request", .type = GS_OPT_NUM, .metavar = "X", .unit = "USD",
     .range = "[0, inf)", .def = "0.002",
     .help = "value of an inference request (mistake (a): inference offered like training)"},
    {.name = "no-report", .help = "do not write report.html"},
    {0}};

const gs_cmd_decl gs_cmd_flex_decl = {
    .name = "flex",
    .summary = "what flexibility earns per cluster and product, and what it costs (backtest)",
    .description = "Backtest of what each training cluster earns from each market product over a "
                   "period, and what the curtailments cost: every curtailment is planned by the "
                   "one planner (gs_plan_make) and simulated by the load model of `simulate`. "
                   "Writes DIR/flex.csv, jobs.csv, events.csv, summary.json and report.html, "
                   "with the two mistakes compared: inference offered into reserves like "
                   "training, and training treated as must-run. The period is whole UTC hours.",
    .epilog = "Exit codes: 0 ok, 2 bad input (the message names the option, or the file, line "
              "and field), 1 runtime failure. See docs/flex.md.",
    .mode_option = "policy",
    .args = {.name = "fleet file", .metavar = "FLEET.yaml", .type = GS_OPT_INPUT, .min = 1,
             .max = 1},
    .opts = FLEX_OPTS,
};

/* The --price pairs as flexrun takes them. Returns 0 or the exit code after printing. */
static int user_prices(const gs_opts *o, gs__uprice *up, size_t *nup)
{
    *nup = 0;
    if (!gs_opts_given(o, "price"))
        return 0;
    size_t n = gs_opts_count(o, "price");
    for (size_t i = 0; i < n && *nup < GS__FLEX_MAXPRICE; i++) {
        const char *key;
        size_t klen;
        double v;
        if (gs_opts_pair(o, "price", i, &key, &klen, &v) < 0)
            continue;
        if (klen >= GS_ID_MAX)
            return gs_opts_fail(o, "price", "expected a product id of at most %d characters, "
                                "found '%.*s'", GS_ID_MAX - 1, (int)klen, key);
        for (size_t k = 0; k < *nup; k++)
            if (strlen(up[k].id) == klen && !strncasecmp(up[k].id, key, klen))
                return gs_opts_fail(o, "price", "product '%.*s' priced twice: give it once",
                                    (int)klen, key);
        snprintf(up[*nup].id, sizeof up[*nup].id, "%.*s", (int)klen, key);
        up[*nup].v = v;
        (*nup)++;
    }
    return 0;
}

int gs_cmd_flex(int argc, char **argv)
{
    gs_opts *o;
    int rc = gs_opts_cli(&gs_cmd_flex_decl, argc, argv, NULL, &o);
    if (!o)
        return rc; /* --help printed (0) or usage error printed (2) */
    /* values point into argv: they outlive o */
    const char *fleet_path = gs_opts_arg(o, 0);
    const char *out_dir = gs_opts_str(o, "out");
    const char *events_arg = gs_opts_str(o, "events");
    const char *catalog = gs_opts_str(o, "catalog");
    const char *products_arg = gs_opts_str(o, "products");
    int no_report = gs_opts_flag(o, "no-report");
    gs__uprice up[GS__FLEX_MAXPRICE];
    size_t nup = 0;
    gs_flexsim_opts fo;
    gs_flexsim_opts_default(&fo);
    fo.policy = strcmp(gs_opts_mode(o), "must-run") == 0 ? GS_POLICY_MUST_RUN : GS_POLICY_PRICE;
    fo.step_s = gs_opts_step(o, "step");
    fo.offer_share = gs_opts_num(o, "offer-share");
    fo.usd_per_request = gs_opts_num(o, "usd-per-request");
    if ((rc = user_prices(o, up, &nup)) != 0 || (rc = gs__flexrun_events_check(o, "events")) != 0) {
        gs_opts_free(o);
        return rc;
    }

    gs_error err = {0};
    gs_fleet *f = NULL;
    gs__flexrun fr;
    memset(&fr, 0, sizeof fr);
    gs_flexsim_result *res = NULL;
    gs_sim_tz tz;
    int have_tz = 0;
    gs_route_inputs netin; /* the RTT sources the fleet names (its network: section) */
    memset(&netin, 0, sizeof netin);
    gs_route_opts ro = gs_route_opts_default();

    if ((rc = gs_cli_load_fleet("flex", fleet_path, &f, &err)) < 0) {
        gs_opts_free(o);
        goto fail;
    }
    rc = gs_cli_period(o, f, fo.step_s, &fo.from_s, &fo.to_s);
    if (!rc)
        rc = gs__flexrun_period_check(o, f, fo.from_s, fo.to_s, fo.step_s, "");
    gs_opts_free(o);
    if (rc) {
        gs_fleet_free(f);
        return rc;
    }
    if ((rc = gs_fleet_load_series(f, &err)) < 0 ||
        (rc = gs_route_inputs_load_fleet(&netin, f, NULL, NULL, NULL, NULL, NULL, &ro, &err)) < 0)
        goto fail;
    if (netin.warning[0])
        fprintf(stderr, "gridsplit flex: warning: %s\n", netin.warning);
    fo.route = &ro;
    if ((rc = gs__flexrun_prepare(&fr, f, &fo, catalog, products_arg, events_arg, up, nup, &err)) < 0)
        goto fail;
    if ((rc = gs_sim_tz_load(f, fo.from_s - 86400, fo.to_s + 86400, &tz, &err)) < 0)
        goto fail;
    have_tz = 1;
    {
        gs_cli_progress pg;
        gs_cli_progress_start(&pg, "flex", false);
        fo.progress = gs_cli_progress_cb;
        fo.progress_ctx = &pg;
        rc = gs_flexsim_run(f, &tz, fr.prods, fr.np, fr.fev, fr.nfev, &fo, &res, &err);
        gs_cli_progress_end(&pg);
        fo.progress = NULL;
        fo.progress_ctx = NULL;
        if (rc < 0)
            goto fail;
    }
    {
        /* the set-up's warnings (printed on stderr already) for summary.json and the report */
        char more[96];
        const char *warns[GS__FLEX_MAXWARN + 1];
        gs_flexsim_notes notes = {warns, 0};
        for (size_t k = 0; k < fr.nwarn; k++)
            warns[notes.nwarnings++] = fr.warnings[k];
        if (fr.nwarn_more) {
            snprintf(more, sizeof more, "and %zu more warnings (printed on stderr)", fr.nwarn_more);
            warns[notes.nwarnings++] = more;
        }
        if ((rc = gs_flexsim_write_outputs(f, fr.prods, fr.np, &fo, res, &notes, out_dir, &err)) < 0)
            goto fail;
        if (!no_report) {
            char path[1100];
            snprintf(path, sizeof path, "%s/report.html", out_dir);
            if ((rc = gs_flexsim_write_report(f, fr.prods, fr.np, &fo, res, &notes, path, &err)) < 0)
                goto fail;
        }
    }
    {
        double rev = 0, cost = 0, net = 0, mwh = 0;
        for (size_t k = 0; k < res->nrows; k++) {
            rev += res->rows[k].revenue_usd;
            cost += res->rows[k].curtailment_cost_usd + res->rows[k].penalty_usd;
            net += res->rows[k].net_usd;
            mwh += res->rows[k].mwh_shed;
        }
        size_t nw = fr.nwarn + fr.nwarn_more;
        char warned[48] = "";
        if (nw)
            snprintf(warned, sizeof warned, ", %zu warning%s", nw, nw == 1 ? "" : "s");
        printf("flex: %zu rows, %zu events, revenue %.0f USD, cost %.0f USD, net %.0f USD, %.1f MWh shed; "
               "%zu exclusions%s (summary.json); outputs in %s\n",
               res->nrows, res->nevents, rev, cost, net, mwh, res->nexcl, warned, out_dir);
    }
    rc = 0;
fail:
    gs_flexsim_free(res);
    if (have_tz)
        gs_sim_tz_free(f, &tz);
    gs__flexrun_clear(&fr);
    gs_route_inputs_free(&netin);
    gs_fleet_free(f);
    return rc < 0 ? gs_cli_fail("flex", &err) : 0;
}
