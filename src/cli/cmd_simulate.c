/* cmd_simulate.c: `gridsplit simulate FLEET.yaml --out DIR`: the power of every site by load
 * class over a period, written as load.csv, summary.json and report.html. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "gridsplit/fleet.h"
#include "gridsplit/time.h"
#include "gridsplit/sim.h"
#include "gridsplit/write/sim.h"
#include "write/outfile.h"
#include "cli/flexrun.h"
#include "gridsplit/flexsim.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/tz.h"

static const gs_opt_decl SIMULATE_OPTS[] = {
    {.name = "out", .type = GS_OPT_OUTDIR, .flags = GS_OPT_REQUIRED,
     .help = "output directory, created if missing"},
    {.name = "from", .type = GS_OPT_TIME, .def_help = "the fleet's period.from",
     .help = "start, ISO 8601 UTC"},
    {.name = "to", .type = GS_OPT_TIME, .def_help = "the fleet's period.to",
     .help = "end, exclusive"},
    {.name = "step", .type = GS_OPT_STEP, .def = "5min", .divides = "1d",
     .help = "simulation step: 1min, 5min, 15min, 1h, ..."},
    {.name = "load-step", .type = GS_OPT_STEP, .def_help = "--step",
     .help = "step of load.csv, a multiple of --step"},
    {.name = "policy", .type = GS_OPT_CHOICE, .choices = "flexible must-run", .def = "must-run",
     .metavar = "P",
     .help = "flexible: apply the planner to the period's grid events and prices (curtail "
             "training when it pays, as `gridsplit flex` decides); must-run: the fleet's run "
             "plans as they are"},
    {.name = "events", .type = GS_OPT_LIST, .elem = GS_OPT_INPUT, .choices = "catalog none",
     .max_items = 2, .metavar = "E", .def = "catalog", .modes = "flexible",
     .help = GS__FLEXRUN_EVENTS_HELP},
    {.name = "no-csv", .help = "do not write load.csv"},
    {.name = "no-report", .help = "do not write report.html"},
    {.name = "quiet", .help = "no progress bar and no closing message"},
    {0}};

static const gs_opt_group SIMULATE_GROUPS[] = {
    /* --load-step is the step of load.csv: nothing to do without it */
    {.options = "no-csv load-step", .rule = GS_GROUP_EXCLUSIVE},
    {0}};

const gs_cmd_decl gs_cmd_simulate_decl = {
    .name = "simulate",
    .summary = "power of every site by load class over time, with a report",
    .description = "Power of every site, split into training and inference, over a period at a "
                   "fixed step. Writes DIR/load.csv (timestamp,site,class,mw), DIR/summary.json "
                   "and DIR/report.html.",
    .mode_option = "policy",
    .args = {.name = "fleet file", .metavar = "FLEET.yaml", .type = GS_OPT_INPUT, .min = 1,
             .max = 1},
    .opts = SIMULATE_OPTS,
    .groups = SIMULATE_GROUPS,
};

int gs_cmd_simulate(int argc, char **argv)
{
    gs_opts *o;
    int rc = gs_opts_cli(&gs_cmd_simulate_decl, argc, argv, NULL, &o);
    if (!o)
        return rc; /* --help printed (0) or usage error printed (2) */
    /* values point into argv: they outlive o */
    const char *fleet_path = gs_opts_arg(o, 0);
    const char *out = gs_opts_str(o, "out");
    const char *events = gs_opts_str(o, "events");
    int flexible = strcmp(gs_opts_mode(o), "flexible") == 0;
    int no_csv = gs_opts_flag(o, "no-csv"), no_report = gs_opts_flag(o, "no-report");
    int quiet = gs_opts_flag(o, "quiet");
    gs_error err = {0};
    gs_sim_opts so = {0};
    so.step_s = gs_opts_step(o, "step");
    int64_t load_step_s = gs_opts_has(o, "load-step") ? gs_opts_step(o, "load-step") : 0;
    if (load_step_s % so.step_s) {
        rc = gs_opts_fail(o, "load-step", "expected a multiple of --step (%s), found '%s'",
                          gs_opts_str(o, "step"), gs_opts_str(o, "load-step"));
        gs_opts_free(o);
        return rc;
    }
    if (flexible && (rc = gs__flexrun_events_check(o, "events")) != 0) {
        gs_opts_free(o);
        return rc;
    }
    gs_fleet *f = NULL;
    if ((rc = gs_cli_load_fleet("simulate", fleet_path, &f, &err)) < 0) {
        gs_opts_free(o);
        return gs_cli_fail("simulate", &err);
    }
    rc = gs_cli_period(o, f, so.step_s, &so.from_s, &so.to_s);
    if (!rc && flexible) /* the planner plans whole hours */
        rc = gs__flexrun_period_check(o, f, so.from_s, so.to_s, so.step_s,
                                      " with --policy flexible");
    gs_opts_free(o);
    if (rc) {
        gs_fleet_free(f);
        return rc;
    }
    if ((rc = gs_fleet_load_series(f, &err)) < 0)
        goto out_fail;
    gs_sim_tz tz;
    if ((rc = gs_sim_tz_load(f, so.from_s, so.to_s, &tz, &err)) < 0)
        goto out_fail;
    gs__flexrun fr;
    memset(&fr, 0, sizeof fr);
    gs_flexsim_result *plan = NULL;
    if (flexible) {
        /* the one planner over the period's events and prices, as `gridsplit flex` runs it */
        gs_flexsim_opts fo;
        gs_flexsim_opts_default(&fo);
        fo.from_s = so.from_s;
        fo.to_s = so.to_s;
        fo.step_s = so.step_s;
        fo.policy = GS_POLICY_PRICE;
        if ((rc = gs__flexrun_prepare(&fr, f, &fo, NULL, NULL, events, NULL, 0, &err)) < 0 ||
            (rc = gs_flexsim_run(f, &tz, fr.prods, fr.np, fr.fev, fr.nfev, &fo, &plan, &err)) < 0) {
            gs__flexrun_clear(&fr);
            gs_sim_tz_free(f, &tz);
            goto out_fail;
        }
        so.overrides = plan->overrides;
        so.noverrides = plan->noverrides;
        if (!quiet)
            fprintf(stderr, "simulate: policy flexible: %zu events and %zu price hours planned, %zu "
                            "pauses and caps applied\n",
                    plan->nevents, plan->price_hours_screened, plan->noverrides);
    }
    gs_cli_progress pg;
    gs_cli_progress_start(&pg, "simulate", quiet);
    so.progress = gs_cli_progress_cb;
    so.progress_ctx = &pg;
    gs_sim_result *r = NULL;
    rc = gs_simulate(f, &tz, &so, &r, &err);
    gs_cli_progress_end(&pg);
    gs_flexsim_free(plan);
    gs__flexrun_clear(&fr);
    if (rc < 0) {
        if (!err.file[0])
            snprintf(err.file, sizeof err.file, "%s", fleet_path);
        gs_sim_tz_free(f, &tz);
        goto out_fail;
    }
    char path[1024];
    if ((rc = gs__mkdirs(out, &err)) < 0)
        goto out_write_fail;
    if (!no_csv) {
        snprintf(path, sizeof path, "%s/load.csv", out);
        if ((rc = gs_write_load_csv(f, r, load_step_s, path, &err)) < 0)
            goto out_write_fail;
    }
    snprintf(path, sizeof path, "%s/summary.json", out);
    if ((rc = gs_write_summary_json(f, r, path, &err)) < 0)
        goto out_write_fail;
    if (!no_report) {
        snprintf(path, sizeof path, "%s/report.html", out);
        gs_report_opts ro = {.tz = &tz};
        if ((rc = gs_report_write_html_opts(f, r, &ro, path, &err)) < 0)
            goto out_write_fail;
    }
    for (size_t s = 0; s < r->nsites; s++) {
        const gs_site *st = &f->sites[s];
        if (st->interconnect_mw > 0 && r->site[s].peak_mw > st->interconnect_mw)
            fprintf(stderr,
                    "simulate: warning: site '%s' peaks at %.1f MW, above its %.1f MW "
                    "interconnection\n",
                    st->id, r->site[s].peak_mw, st->interconnect_mw);
    }
    if (!quiet)
        fprintf(stderr,
                "simulate: %zu sites, %zu steps of %lld s; fleet peak %.1f MW (training %.1f, "
                "inference %.1f); outputs in %s/\n",
                r->nsites, r->nsteps, (long long)r->step_s, r->fleet.peak_mw,
                r->fleet_class[GS_TRAINING].peak_mw, r->fleet_class[GS_INFERENCE].peak_mw, out);
    gs_sim_result_free(r);
    gs_sim_tz_free(f, &tz);
    gs_fleet_free(f);
    return 0;
out_write_fail:
    gs_sim_result_free(r);
    gs_sim_tz_free(f, &tz);
out_fail:
    gs_fleet_free(f);
    return gs_cli_fail("simulate", &err);
}
