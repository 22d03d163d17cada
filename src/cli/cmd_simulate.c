/* cmd_simulate.c: `gridsplit simulate FLEET.yaml --out DIR`: the power of every site by load
 * class over a period, written as load.csv, summary.json and report.html. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "gridsplit/fleet.h"
#include "gridsplit/time.h"
#include "gridsplit/write/sim.h"
#include "gridsplit/sim.h"
#include "gridsplit/write/sim.h"
#include "write/outfile.h"
#include "cli/flexrun.h"
#include "gridsplit/flexsim.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/tz.h"

static const char *HELP =
    "usage: gridsplit simulate FLEET.yaml --out DIR [options]\n"
    "\n"
    "Power of every site, split into training and inference, over a period at a fixed step.\n"
    "Writes DIR/load.csv (timestamp,site,class,mw), DIR/summary.json and DIR/report.html.\n"
    "\n"
    "Options:\n"
    "  --out DIR          output directory (created if missing; required)\n"
    "  --from TIME        start, ISO 8601 UTC (default: the fleet's period.from)\n"
    "  --to TIME          end, exclusive (default: the fleet's period.to)\n"
    "  --step STEP        simulation step: 1min, 5min, 15min, 1h, ... (default 5min)\n"
    "  --load-step STEP   step of load.csv, a multiple of --step (default: --step)\n"
    "  --policy P         apply the planner to the period's grid events and prices: flexible\n"
    "                     (curtail training when it pays, as `gridsplit flex` decides) or must-run\n"
    "                     (the default: the fleet's run plans as they are)\n"
    "  --events E         with --policy: catalog (default: the catalogue's events in the fleet's\n"
    "                     zones), none, an event FILE, or catalog,FILE\n"
    "  --no-csv           do not write load.csv\n"
    "  --no-report        do not write report.html\n"
    "  --quiet            no progress bar and no closing message\n"
    "  -h, --help         this text\n"
    "\n"
    "Exit codes: 0 ok, 2 bad input (the message names file, line, field), 1 runtime failure.\n";

struct progress {
    int on;
    int last;
};

static void show_progress(void *ctx, double done)
{
    struct progress *p = ctx;
    if (!p->on)
        return;
    int pct = (int)(done * 100.0 + 0.5);
    if (pct == p->last)
        return;
    p->last = pct;
    int bar = pct * 30 / 100;
    fprintf(stderr, "\rsimulate [%.*s%*s] %3d%%", bar, "##############################",
            30 - bar, "", pct);
    if (pct >= 100)
        fputc('\n', stderr);
    fflush(stderr);
}

int gs_cmd_simulate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, 0, 'o'},     {"from", required_argument, 0, 'f'},
        {"to", required_argument, 0, 't'},      {"step", required_argument, 0, 's'},
        {"load-step", required_argument, 0, 'l'}, {"no-csv", no_argument, 0, 'C'},
        {"no-report", no_argument, 0, 'R'},     {"quiet", no_argument, 0, 'q'},
        {"policy", required_argument, 0, 'p'},  {"events", required_argument, 0, 'e'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    const char *out = NULL, *from = NULL, *to = NULL, *step = "5min", *load_step = NULL;
    const char *policy = "must-run", *events = "catalog";
    int no_csv = 0, no_report = 0, quiet = 0, c;
    gs_error err = {0};
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 's': step = optarg; break;
        case 'l': load_step = optarg; break;
        case 'C': no_csv = 1; break;
        case 'R': no_report = 1; break;
        case 'q': quiet = 1; break;
        case 'p': policy = optarg; break;
        case 'e': events = optarg; break;
        case 'h': fputs(HELP, stdout); return 0;
        default:
            return gs_cli_usage_error("simulate", "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return gs_cli_usage_error("simulate", "expected one fleet file, found %d arguments",
                                  argc - optind);
    if (!out)
        return gs_cli_usage_error("simulate", "--out DIR is required");
    if (strcmp(policy, "flexible") != 0 && strcmp(policy, "must-run") != 0)
        return gs_cli_usage_error("simulate", "--policy: expected flexible or must-run, found '%s'",
                                  policy);
    const char *fleet_path = argv[optind];

    gs_sim_opts so = {0};
    int64_t load_step_s = 0;
    if (gs_parse_step(step, &so.step_s, &err) < 0) {
        snprintf(err.field, sizeof err.field, "--step");
        return gs_cli_fail("simulate", &err);
    }
    if (load_step && gs_parse_step(load_step, &load_step_s, &err) < 0) {
        snprintf(err.field, sizeof err.field, "--load-step");
        return gs_cli_fail("simulate", &err);
    }
    gs_fleet *f = NULL;
    int rc = gs_fleet_load(fleet_path, &f, &err);
    if (rc < 0)
        return gs_cli_fail("simulate", &err);
    if (gs_cli_period(f, from, to, &so.from_s, &so.to_s, &err) < 0)
        goto out_fail;
    if ((rc = gs_fleet_load_series(f, &err)) < 0)
        goto out_fail;
    gs_sim_tz tz;
    if ((rc = gs_sim_tz_load(f, so.from_s, so.to_s, &tz, &err)) < 0)
        goto out_fail;
    gs__flexrun fr;
    memset(&fr, 0, sizeof fr);
    gs_flexsim_result *plan = NULL;
    if (strcmp(policy, "flexible") == 0) {
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
    struct progress pg = {!quiet && isatty(2), -1};
    so.progress = show_progress;
    so.progress_ctx = &pg;
    gs_sim_result *r = NULL;
    rc = gs_simulate(f, &tz, &so, &r, &err);
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
