/* cmd_flex.c: `gridsplit flex FLEET.yaml --out DIR [--from --to --step] [--policy P]
 * [--events FILE|catalog|none] [--products LIST] [--price ID=VALUE]...`: the flex backtest
 * (include/gridsplit/flexsim.h, docs/flex.md). The edge: loads the fleet and its series, the
 * market catalogue, each product's price over the period (a series through the importers, a
 * published figure of the catalogue for the period, or a user value, each labelled), the grid
 * events (the catalogue's in the fleet's zones and/or an event file), runs the engine and writes
 * flex.csv, jobs.csv, events.csv, summary.json and report.html. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "gridsplit/fleet.h"
#include "gridsplit/flexsim.h"
#include "gridsplit/time.h"
#include "gridsplit/market.h"
#include "gridsplit/plan.h"
#include "gridsplit/sim.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/tz.h"
#include "gridsplit/write/flex.h"
#include "cli/flexrun.h"

/* Declared in cli/cli.h once the command is registered; repeated so this file builds alone. */
int gs_cmd_flex(int argc, char **argv);

static const char *HELP =
    "usage: gridsplit flex FLEET.yaml --out DIR [options]\n"
    "\n"
    "Backtest of what each training cluster earns from each market product over a period, and\n"
    "what the curtailments cost: every curtailment is planned by the one planner (gs_plan_make) and\n"
    "simulated by the load model of `simulate`. Writes DIR/flex.csv, jobs.csv, events.csv,\n"
    "summary.json and report.html, with the two mistakes compared: inference offered into reserves\n"
    "like training, and training treated as must-run.\n"
    "\n"
    "Options:\n"
    "  --out DIR             output directory (required)\n"
    "  --from T, --to T      period, ISO 8601 UTC, whole hours (default: the fleet's period)\n"
    "  --step S              simulation step (default 5min; must divide an hour)\n"
    "  --policy P            flexible (default) or must-run\n"
    "  --events E            catalog (default: the catalogue's events in the fleet's zones), none,\n"
    "                        or an event FILE (docs/plan.md), alone or as catalog,FILE\n"
    "  --products LIST       comma-separated product ids (default: every catalogue product of the\n"
    "                        fleet's zones); a listed product with no price in the period is an error\n"
    "  --price ID=VALUE      price a product at a constant VALUE in its unit (peak products: USD per\n"
    "                        kW-year of avoided charge); labelled user-supplied; repeatable\n"
    "  --catalog FILE        a user market catalogue overriding the built-in one\n"
    "  --offer-share X       share of the cuttable MW offered to reserves (default 1)\n"
    "  --usd-per-request X   value of an inference request (default 0.002)\n"
    "  --no-report           skip report.html\n"
    "  -h, --help            this text\n"
    "\n"
    "Exit codes: 0 ok, 2 bad input, 1 failure. See docs/flex.md.\n";

static int parse_num(const char *opt, const char *text, double *x)
{
    char *end;
    *x = strtod(text, &end);
    if (end == text || *end || !isfinite(*x) || *x < 0)
        return gs_cli_usage_error("flex", "%s: expected a number >= 0, found '%s'", opt, text);
    return 0;
}

int gs_cmd_flex(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, 0, 'o'},      {"from", required_argument, 0, 'f'},
        {"to", required_argument, 0, 't'},       {"step", required_argument, 0, 's'},
        {"policy", required_argument, 0, 'p'},   {"events", required_argument, 0, 'e'},
        {"products", required_argument, 0, 'P'}, {"price", required_argument, 0, 'r'},
        {"catalog", required_argument, 0, 'c'},  {"offer-share", required_argument, 0, 'O'},
        {"usd-per-request", required_argument, 0, 'u'}, {"no-report", no_argument, 0, 'N'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    const char *out_dir = NULL, *from_t = NULL, *to_t = NULL, *step_t = NULL, *policy = "flexible";
    const char *events_arg = "catalog", *products_arg = NULL, *catalog = NULL;
    gs__uprice up[GS__FLEX_MAXPRICE];
    size_t nup = 0;
    int no_report = 0, c;
    gs_flexsim_opts fo;
    gs_flexsim_opts_default(&fo);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out_dir = optarg; break;
        case 'f': from_t = optarg; break;
        case 't': to_t = optarg; break;
        case 's': step_t = optarg; break;
        case 'p': policy = optarg; break;
        case 'e': events_arg = optarg; break;
        case 'P': products_arg = optarg; break;
        case 'c': catalog = optarg; break;
        case 'N': no_report = 1; break;
        case 'O':
            if (parse_num("--offer-share", optarg, &fo.offer_share))
                return 2;
            if (fo.offer_share > 1)
                return gs_cli_usage_error("flex", "--offer-share: expected a share in [0, 1], found '%s'", optarg);
            break;
        case 'u': if (parse_num("--usd-per-request", optarg, &fo.usd_per_request)) return 2; break;
        case 'r': {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || (size_t)(eq - optarg) >= GS_ID_MAX || nup >= GS__FLEX_MAXPRICE)
                return gs_cli_usage_error("flex", "--price: expected PRODUCT=VALUE, found '%s'", optarg);
            snprintf(up[nup].id, sizeof up[nup].id, "%.*s", (int)(eq - optarg), optarg);
            if (parse_num("--price", eq + 1, &up[nup].v))
                return 2;
            nup++;
            break;
        }
        case 'h': fputs(HELP, stdout); return 0;
        default:
            return gs_cli_usage_error("flex", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return gs_cli_usage_error("flex", "expected one fleet file, found %d arguments", argc - optind);
    if (!out_dir)
        return gs_cli_usage_error("flex", "--out DIR is required");
    if (!strcmp(policy, "flexible"))
        fo.policy = GS_POLICY_PRICE;
    else if (!strcmp(policy, "must-run"))
        fo.policy = GS_POLICY_MUST_RUN;
    else
        return gs_cli_usage_error("flex", "--policy: expected flexible or must-run, found '%s'", policy);

    gs_error err = {0};
    gs_fleet *f = NULL;
    gs__flexrun fr;
    memset(&fr, 0, sizeof fr);
    gs_flexsim_result *res = NULL;
    gs_sim_tz tz;
    int have_tz = 0, rc;

    if (step_t) {
        if ((rc = gs_parse_step(step_t, &fo.step_s, &err)) < 0) {
            snprintf(err.field, sizeof err.field, "--step");
            goto fail;
        }
    }
    if ((rc = gs_fleet_load(argv[optind], &f, &err)) < 0)
        goto fail;
    fo.from_s = f->default_from_s;
    fo.to_s = f->default_to_s;
    if (from_t && (rc = gs_parse_time(from_t, &fo.from_s, &err)) < 0) {
        snprintf(err.field, sizeof err.field, "--from");
        goto fail;
    }
    if (to_t && (rc = gs_parse_time(to_t, &fo.to_s, &err)) < 0) {
        snprintf(err.field, sizeof err.field, "--to");
        goto fail;
    }
    if (!(fo.to_s > fo.from_s)) {
        rc = gs_error_set(&err, GS_EINPUT, NULL, 0, 0, "--from/--to",
                          "expected a period (--from, --to, or the fleet's period:), found none or an empty one");
        goto fail;
    }
    if (fo.from_s % 3600 || fo.to_s % 3600 || 3600 % fo.step_s) {
        rc = gs_error_set(&err, GS_EINPUT, NULL, 0, 0, "--from/--to/--step",
                          "expected whole UTC hours and a step dividing an hour, found a %lld s step",
                          (long long)fo.step_s);
        goto fail;
    }
    if ((rc = gs_fleet_load_series(f, &err)) < 0)
        goto fail;
    if ((rc = gs__flexrun_prepare(&fr, f, &fo, catalog, products_arg, events_arg, up, nup, &err)) < 0)
        goto fail;
    if ((rc = gs_sim_tz_load(f, fo.from_s - 86400, fo.to_s + 86400, &tz, &err)) < 0)
        goto fail;
    have_tz = 1;
    if ((rc = gs_flexsim_run(f, &tz, fr.prods, fr.np, fr.fev, fr.nfev, &fo, &res, &err)) < 0)
        goto fail;
    if ((rc = gs_flexsim_write_outputs(f, fr.prods, fr.np, &fo, res, out_dir, &err)) < 0)
        goto fail;
    if (!no_report) {
        char path[1100];
        snprintf(path, sizeof path, "%s/report.html", out_dir);
        if ((rc = gs_flexsim_write_report(f, fr.prods, fr.np, &fo, res, path, &err)) < 0)
            goto fail;
    }
    {
        double rev = 0, cost = 0, net = 0, mwh = 0;
        for (size_t k = 0; k < res->nrows; k++) {
            rev += res->rows[k].revenue_usd;
            cost += res->rows[k].curtailment_cost_usd + res->rows[k].penalty_usd;
            net += res->rows[k].net_usd;
            mwh += res->rows[k].mwh_shed;
        }
        printf("flex: %zu rows, %zu events, revenue %.0f USD, cost %.0f USD, net %.0f USD, %.1f MWh shed; "
               "%zu exclusions (summary.json); outputs in %s\n",
               res->nrows, res->nevents, rev, cost, net, mwh, res->nexcl, out_dir);
    }
    rc = 0;
fail:
    gs_flexsim_free(res);
    if (have_tz)
        gs_sim_tz_free(f, &tz);
    gs__flexrun_clear(&fr);
    gs_fleet_free(f);
    return rc < 0 ? gs_cli_fail("flex", &err) : 0;
}
