/* cmd_route.c: `gridsplit route FLEET.yaml --out DIR`: inference demand routed to sites within
 * the latency budget and capacity (grid caps from --events included), at least cost; writes
 * DIR/flows.csv, DIR/summary.json and DIR/report.html (docs/route.md). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "gridsplit/fleet.h"
#include "gridsplit/time.h"
#include "gridsplit/route.h"
#include "gridsplit/sim.h"
#include "gridsplit/read/events.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/tz.h"
#include "gridsplit/write/route.h"
#include "write/outfile.h"

static const char *HELP =
    "usage: gridsplit route FLEET.yaml --out DIR [options]\n"
    "\n"
    "Routes each inference region's demand to the sites running its service, step by step:\n"
    "within the latency budget, within each site's capacity (shrunk by grid caps), at least\n"
    "cost (energy at the site's price + a penalty per ms). Writes DIR/flows.csv\n"
    "(timestamp,service,region,site,requests_per_s,rtt_ms) and DIR/summary.json (per site,\n"
    "per region, per event: MW moved, where to, latency added, unserved) and DIR/report.html\n"
    "(self-contained, opens offline: world map of sites, regions and flows, events, tables).\n"
    "\n"
    "Options:\n"
    "  --out DIR              output directory (created if missing; required)\n"
    "  --from TIME            start, ISO 8601 UTC (default: the fleet's period.from)\n"
    "  --to TIME              end, exclusive (default: the fleet's period.to)\n"
    "  --step STEP            routing step (default 5min)\n"
    "  --events FILE          grid caps on sites, JSON (docs/route.md)\n"
    "  --server-ms MS         server time taken from the budget (default 50)\n"
    "  --latency-penalty X    USD per million requests per ms of RTT (default 0.02)\n"
    "  --default-price X      USD/MWh where a zone has no price (default 50)\n"
    "  --no-flows             do not write flows.csv\n"
    "  --no-report            do not write report.html\n"
    "  --quiet                no closing message\n"
    "  -h, --help             this text\n"
    "\n"
    "Exit codes: 0 ok, 2 bad input (the message names file, line, field), 1 runtime failure.\n";

static int parse_num(const char *s, double *v)
{
    char *end;
    *v = strtod(s, &end);
    return end != s && *end == '\0' && isfinite(*v) && *v >= 0;
}

int gs_cmd_route(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, 0, 'o'},          {"from", required_argument, 0, 'f'},
        {"to", required_argument, 0, 't'},           {"step", required_argument, 0, 's'},
        {"events", required_argument, 0, 'e'},       {"server-ms", required_argument, 0, 'S'},
        {"latency-penalty", required_argument, 0, 'L'}, {"default-price", required_argument, 0, 'P'},
        {"no-flows", no_argument, 0, 'F'},           {"quiet", no_argument, 0, 'q'},
        {"no-report", no_argument, 0, 'R'},
        {"help", no_argument, 0, 'h'},               {0, 0, 0, 0}};
    const char *out = NULL, *from = NULL, *to = NULL, *step = "5min", *events = NULL;
    int quiet = 0, no_flows = 0, no_report = 0, c;
    gs_route_opts ro = gs_route_opts_default();
    gs_error err = {0};
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 's': step = optarg; break;
        case 'e': events = optarg; break;
        case 'S':
            if (!parse_num(optarg, &ro.server_ms))
                return gs_cli_usage_error("route", "--server-ms: expected ms >= 0, found '%s'",
                                          optarg);
            break;
        case 'L':
            if (!parse_num(optarg, &ro.usd_per_mreq_ms))
                return gs_cli_usage_error("route",
                                          "--latency-penalty: expected a number >= 0, found '%s'",
                                          optarg);
            break;
        case 'P':
            if (!parse_num(optarg, &ro.default_price_usd_per_mwh))
                return gs_cli_usage_error("route",
                                          "--default-price: expected USD/MWh >= 0, found '%s'",
                                          optarg);
            break;
        case 'F': no_flows = 1; break;
        case 'R': no_report = 1; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(HELP, stdout); return 0;
        default:
            return gs_cli_usage_error("route", "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return gs_cli_usage_error("route", "expected one fleet file, found %d arguments",
                                  argc - optind);
    if (!out)
        return gs_cli_usage_error("route", "--out DIR is required");
    const char *fleet_path = argv[optind];

    gs_sim_opts so = {0};
    if (gs_parse_step(step, &so.step_s, &err) < 0) {
        snprintf(err.field, sizeof err.field, "--step");
        return gs_cli_fail("route", &err);
    }
    gs_fleet *f = NULL;
    gs_route_cap *caps = NULL;
    size_t ncaps = 0;
    gs_route_recorder *rec = NULL;
    gs_route_report *rep = NULL;
    gs_sim_result *r = NULL;
    gs_sim_tz tz = {0};
    int have_tz = 0;
    if (gs_fleet_load(fleet_path, &f, &err) < 0)
        return gs_cli_fail("route", &err);
    if (gs_cli_period(f, from, to, &so.from_s, &so.to_s, &err) < 0)
        goto fail;
    if (events && gs_route_events_read(events, f, &caps, &ncaps, &err) < 0)
        goto fail;
    if (gs_fleet_load_series(f, &err) < 0)
        goto fail;
    if (gs_sim_tz_load(f, so.from_s, so.to_s, &tz, &err) < 0)
        goto fail;
    have_tz = 1;
    if (gs__mkdirs(out, &err) < 0)
        goto fail;
    char flows[1024], summary[1024], report[1024];
    snprintf(flows, sizeof flows, "%s/flows.csv", out);
    snprintf(summary, sizeof summary, "%s/summary.json", out);
    snprintf(report, sizeof report, "%s/report.html", out);
    if (gs_route_recorder_new(f, &ro, caps, ncaps, so.step_s, no_flows ? NULL : flows, &rec,
                              &err) < 0)
        goto fail;
    so.route = &ro;
    so.caps = caps;
    so.ncaps = ncaps;
    so.on_route = gs_route_recorder_step;
    so.route_ctx = rec;
    if (!no_report) {
        if (gs_route_report_new(f, &ro, caps, ncaps, rec, &rep, &err) < 0)
            goto fail;
        so.on_route = gs_route_report_step; /* forwards each step to rec */
        so.route_ctx = rep;
    }
    if (gs_simulate(f, &tz, &so, &r, &err) < 0) {
        if (!err.file[0])
            snprintf(err.file, sizeof err.file, "%s", fleet_path);
        goto fail;
    }
    if (gs_route_recorder_finish(rec, summary, so.from_s, so.to_s, &err) < 0)
        goto fail;
    if (rep && gs_route_report_write(rep, summary, report, &err) < 0)
        goto fail;
    if (!quiet) {
        double served = 0, unserved = 0;
        for (size_t v = 0; v < r->nservices; v++) {
            served += r->served_requests[v];
            unserved += r->unserved_requests[v];
        }
        fprintf(stderr,
                "route: %zu services, %zu steps of %lld s, %zu events; %.4g requests served, "
                "%.4g unserved; outputs in %s/\n",
                f->nservices, r->nsteps, (long long)r->step_s, ncaps, served, unserved, out);
    }
    gs_route_report_free(rep);
    gs_route_recorder_free(rec);
    gs_sim_result_free(r);
    gs_sim_tz_free(f, &tz);
    free(caps);
    gs_fleet_free(f);
    return 0;
fail:
    gs_route_report_free(rep);
    gs_route_recorder_free(rec);
    gs_sim_result_free(r);
    if (have_tz)
        gs_sim_tz_free(f, &tz);
    free(caps);
    gs_fleet_free(f);
    return gs_cli_fail("route", &err);
}
