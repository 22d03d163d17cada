/* cmd_route.c: `gridsplit route FLEET.yaml --out DIR`: inference demand routed to sites within
 * the latency budget and capacity (grid caps from --events included), at least cost; writes
 * DIR/flows.csv, DIR/summary.json and DIR/report.html (docs/route.md). */
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

static const gs_opt_decl ROUTE_OPTS[] = {
    {.name = "out", .type = GS_OPT_OUTDIR, .flags = GS_OPT_REQUIRED,
     .help = "output directory, created if missing"},
    {.name = "from", .type = GS_OPT_TIME, .def_help = "the fleet's period.from",
     .help = "start, ISO 8601 UTC"},
    {.name = "to", .type = GS_OPT_TIME, .def_help = "the fleet's period.to",
     .help = "end, exclusive"},
    {.name = "step", .type = GS_OPT_STEP, .def = "5min", .divides = "1d", .help = "routing step"},
    {.name = "events", .type = GS_OPT_INPUT, .flags = GS_OPT_STDIO,
     .help = "grid caps on sites, JSON (docs/route.md)"},
    /* the per-service bound (below each latency_budget_ms) is checked once the fleet is read */
    {.name = "server-ms", .type = GS_OPT_NUM, .metavar = "MS", .unit = "ms", .range = "[0, inf)",
     .def = "50",
     .help = "server time taken from the latency budget, for each service whose fleet entry "
             "does not state server_time_ms; below each such service's latency_budget_ms"},
    {.name = "latency-penalty", .type = GS_OPT_NUM, .metavar = "X",
     .unit = "USD per million requests per ms of RTT", .range = "[0, inf)", .def = "0.02",
     .help = "cost of round-trip time"},
    {.name = "default-price", .type = GS_OPT_NUM, .metavar = "X", .unit = "USD/MWh",
     .range = "[0, inf)", .def = "50", .help = "energy price where a zone has none"},
    {.name = "no-flows", .help = "do not write flows.csv"},
    {.name = "no-report", .help = "do not write report.html"},
    {.name = "quiet", .help = "no closing message"},
    {0}};

const gs_cmd_decl gs_cmd_route_decl = {
    .name = "route",
    .summary = "route inference demand to sites within its latency budget",
    .description = "Routes each inference region's demand to the sites running its service, step "
                   "by step: within the latency budget, within each site's capacity (shrunk by "
                   "grid caps), at least cost (energy at the site's price + a penalty per ms). "
                   "Writes DIR/flows.csv (timestamp,service,region,site,requests_per_s,rtt_ms) "
                   "and DIR/summary.json (per site, per region, per event: MW moved, where to, "
                   "latency added, unserved) and DIR/report.html (self-contained, opens offline: "
                   "world map of sites, regions and flows, events, tables).",
    .args = {.name = "fleet file", .metavar = "FLEET.yaml", .type = GS_OPT_INPUT, .min = 1,
             .max = 1},
    .opts = ROUTE_OPTS,
};

/* --server-ms is the server time of every service that does not state its own server_time_ms:
 * refused, as the fleet field is, unless below that service's latency budget. */
static int check_server_ms(const gs_opts *o, const gs_fleet *f, double server_ms)
{
    if (!gs_opts_given(o, "server-ms"))
        return 0;
    for (size_t i = 0; i < f->nservices; i++) {
        const gs_service *s = &f->services[i];
        if (s->server_time_ms > 0 || !(s->latency_budget_ms > 0))
            continue; /* its own server time, or no budget */
        if (!(server_ms < s->latency_budget_ms))
            return gs_opts_fail(o, "server-ms",
                                "expected a server time of 0 ms or more and below the latency "
                                "budget of service '%s' (%.10g ms, %s), found '%s'",
                                s->id, s->latency_budget_ms, f->path,
                                gs_opts_str(o, "server-ms"));
    }
    return 0;
}

int gs_cmd_route(int argc, char **argv)
{
    gs_opts *o;
    int rc = gs_opts_cli(&gs_cmd_route_decl, argc, argv, NULL, &o);
    if (!o)
        return rc; /* --help printed (0) or usage error printed (2) */
    /* values point into argv: they outlive o */
    const char *fleet_path = gs_opts_arg(o, 0);
    const char *out = gs_opts_str(o, "out");
    const char *events = gs_opts_str(o, "events");
    int quiet = gs_opts_flag(o, "quiet"), no_flows = gs_opts_flag(o, "no-flows");
    int no_report = gs_opts_flag(o, "no-report");
    gs_route_opts ro = gs_route_opts_default();
    ro.server_ms = gs_opts_num(o, "server-ms");
    ro.usd_per_mreq_ms = gs_opts_num(o, "latency-penalty");
    ro.default_price_usd_per_mwh = gs_opts_num(o, "default-price");
    gs_error err = {0};
    gs_sim_opts so = {0};
    so.step_s = gs_opts_step(o, "step");

    gs_fleet *f = NULL;
    gs_route_cap *caps = NULL;
    size_t ncaps = 0;
    gs_route_recorder *rec = NULL;
    gs_route_report *rep = NULL;
    gs_sim_result *r = NULL;
    gs_sim_tz tz = {0};
    int have_tz = 0;
    if (gs_fleet_load(fleet_path, &f, &err) < 0) {
        gs_opts_free(o);
        return gs_cli_fail("route", &err);
    }
    rc = gs_cli_period(o, f, so.step_s, &so.from_s, &so.to_s);
    if (!rc)
        rc = check_server_ms(o, f, ro.server_ms);
    gs_opts_free(o);
    if (rc) {
        gs_fleet_free(f);
        return rc;
    }
    gs_events_read_opts eo = {0};
    if (events && gs_route_caps_read(events, f, &caps, &ncaps, &eo, &err) < 0)
        goto fail;
    if (eo.warning[0])
        fprintf(stderr, "gridsplit route: warning: %s\n", eo.warning);
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
