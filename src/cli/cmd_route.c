/* cmd_route.c: `gridsplit route FLEET.yaml --out DIR`: inference demand routed to sites within
 * the latency budget and capacity (grid caps from --events included), at least cost; writes
 * DIR/flows.csv, DIR/summary.json and DIR/report.html (docs/route.md). */
#include <jansson.h>
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
#include "gridsplit/read/netcost.h"
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
     .unit = "USD per million requests per ms of RTT", .range = "[0, inf)", .def = "0.5",
     .help = "cost of round-trip time: the value of a request x the share of it lost per ms "
             "(docs/route.md, Costs)"},
    {.name = "rtt", .type = GS_OPT_INPUT, .metavar = "FILE",
     .def_help = "the fleet's network.rtt, if it names one",
     .help = "measured RTT matrix (CSV src,dst,avg_latency_ms or rtt_ms, optional kind; .gz and "
             ".zst read directly), used for every region - site pair whose ends are within "
             "500 km of two different places of it, e.g. "
             "../shared/data/geo/ibm_cloud_vpc_latency_weekly.csv.zst"},
    {.name = "rtt-regions", .type = GS_OPT_INPUT, .metavar = "FILE", .requires = "rtt",
     .def_help = "the built-in catalogue of the IBM Cloud regions",
     .help = "the coordinates of the measured matrix's places (CSV name,lat,lon)"},
    {.name = "cables", .type = GS_OPT_INDIR,
     .def_help = "the fleet's network.cables, if it names one",
     .help = "submarine cables (landing-point-geo.json, cable-geo.json): the cable-aware model "
             "for pairs on different continents that the matrix does not cover"},
    {.name = "tokens-in", .type = GS_OPT_NUM, .metavar = "N", .unit = "tokens", .range = "[0, inf)",
     .def = "1155", .help = "tokens sent with a request (prompt and context)"},
    {.name = "tokens-out", .type = GS_OPT_NUM, .metavar = "N", .unit = "tokens",
     .range = "[0, inf)", .def = "211", .help = "tokens of an answer"},
    {.name = "bytes-per-token", .type = GS_OPT_NUM, .metavar = "B", .unit = "bytes",
     .range = "[0, inf)", .def = "4", .help = "bytes carried per token"},
    {.name = "net-prices", .type = GS_OPT_INPUT, .metavar = "FILE", .requires = "net-places",
     .def_help = "built-in prices per continent",
     .help = "data transfer prices between cloud regions (CSV matrix, USD per GB from each "
             "row's region to each column's), e.g. the AWS matrix of ../shared/data/network_cost"},
    {.name = "net-places", .type = GS_OPT_INPUT, .metavar = "FILE", .requires = "net-prices",
     .help = "the coordinates of the priced regions (CSV with name or region, lat or latitude, "
             "lon or longitude), e.g. ../shared/data/geo/cloud_regions_latlon.csv"},
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
                   "grid caps), at least cost (energy at the site's price + data transfer "
                   "between continents + a penalty per ms). Each pair's round trip comes from "
                   "the best source given: a measured matrix (--rtt), else the cable-aware "
                   "model between continents (--cables), else the plain model. "
                   "Writes DIR/flows.csv "
                   "(timestamp,service,region,site,requests_per_s,rtt_ms,rtt_source) "
                   "and DIR/summary.json (per site: its routed daily shape; per region: where "
                   "its requests went, at what RTT from which source; per event: MW moved, "
                   "where to, latency added, unserved) and DIR/report.html (self-contained, "
                   "opens offline: world map of sites, regions and flows, events, tables).",
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

/* A cap on a site that runs no inference cannot move anything: an error naming the event. */
static int check_cap_sites(const gs_fleet *f, const gs_route_cap *caps, size_t ncaps,
                           const char *path, gs_error *err)
{
    for (size_t i = 0; i < ncaps; i++) {
        int has = 0;
        for (size_t c = 0; c < f->nclusters && !has; c++)
            has = f->clusters[c].site == caps[i].site && f->clusters[c].cls == GS_INFERENCE &&
                  f->clusters[c].service >= 0;
        if (!has) {
            char field[48];
            snprintf(field, sizeof field, "events[%zu].site", i);
            return gs_error_set(err, GS_EINPUT, path, 0, 0, field,
                                "event '%s': site '%s' runs no inference, so a cap on its "
                                "inference load moves nothing (route caps sites that serve a "
                                "service)",
                                caps[i].id, f->sites[caps[i].site].id);
        }
    }
    return GS_OK;
}

/* Warnings before the run: caps wholly outside the period, pins beyond the RTT limit. */
static int warn_before_run(const gs_fleet *f, const gs_route_opts *ro, const gs_route_cap *caps,
                           size_t ncaps, int64_t from_s, int64_t to_s, gs_error *err)
{
    char a[32], b[32], pa[32], pb[32];
    gs_format_time(from_s, pa);
    gs_format_time(to_s, pb);
    for (size_t i = 0; i < ncaps; i++)
        if (caps[i].to_s <= from_s || caps[i].from_s >= to_s) {
            gs_format_time(caps[i].from_s, a);
            gs_format_time(caps[i].to_s, b);
            fprintf(stderr,
                    "gridsplit route: warning: event '%s' (%s .. %s) is outside the period %s .. "
                    "%s: it caps nothing\n",
                    caps[i].id, a, b, pa, pb);
        }
    gs_router *rt = NULL;
    int rc = gs_router_new(f, ro, &rt, err);
    if (rc < 0)
        return rc;
    for (size_t v = 0; v < f->nservices; v++)
        for (size_t g = 0; g < f->services[v].nregions; g++) {
            double rtt;
            gs_rtt_source src;
            if (gs_router_pin_beyond(rt, (int)v, (int)g, &rtt, &src))
                fprintf(stderr,
                        "gridsplit route: warning: region '%s' of service '%s' is pinned to site "
                        "'%s' at %.1f ms (%s), beyond the %.1f ms RTT limit: its requests are "
                        "unserved\n",
                        f->services[v].regions[g].id, f->services[v].id,
                        f->sites[f->services[v].regions[g].site].id, rtt, gs_rtt_source_name(src),
                        gs_router_rtt_limit_ms(rt, (int)v));
        }
    gs_router_free(rt);
    return GS_OK;
}

static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* What the routing made of each inference site's load: its shape over the period (simulate's
 * statistics of the site's inference MW), added to summary.json per site as "inference_shape"
 * and, unless quiet, printed one line per site. */
static int add_site_shapes(const char *summary, const gs_fleet *f, const gs_sim_result *r,
                           int quiet, gs_error *err)
{
    json_error_t je;
    json_t *root = json_load_file(summary, 0, &je);
    if (!root)
        return gs_error_set(err, GS_EIO, summary, je.line, je.column, NULL,
                            "cannot read the routing summary: %s", je.text);
    json_t *sites = json_object_get(root, "sites");
    for (size_t s = 0; s < f->nsites && s < json_array_size(sites); s++) {
        const gs_load_stats *st = &r->site_class[s * GS_NCLASS + GS_INFERENCE];
        if (!(st->energy_mwh > 0))
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "mean_mw", jnum(st->mean_mw));
        json_object_set_new(o, "peak_mw", jnum(st->peak_mw));
        json_object_set_new(o, "load_factor", jnum(st->load_factor));
        json_object_set_new(o, "peak_hour_local", jnum(st->peak_hour_local));
        json_object_set_new(o, "peak_to_trough", jnum(st->peak_to_trough));
        json_object_set_new(json_array_get(sites, s), "inference_shape", o);
        if (!quiet) {
            double h = st->peak_hour_local;
            char shape[96] = "no whole local day in the period for a daily shape";
            if (isfinite(h)) {
                int mins = (int)lround(h * 60) % 1440;
                int n = snprintf(shape, sizeof shape, "daily peak at %02d:%02d local", mins / 60,
                                 mins % 60);
                if (isfinite(st->peak_to_trough) && n > 0 && (size_t)n < sizeof shape)
                    snprintf(shape + n, sizeof shape - (size_t)n, ", daily max / min %.1f",
                             st->peak_to_trough);
            }
            fprintf(stderr,
                    "route: %-12s inference %.1f MW mean, %.1f MW peak (load factor %.2f); %s\n",
                    f->sites[s].id, st->mean_mw, st->peak_mw, st->load_factor, shape);
        }
    }
    gs__outfile o;
    int rc = gs__outfile_open(&o, summary, err);
    if (rc == GS_OK) {
        if (json_dumpf(root, o.f, JSON_INDENT(2) | JSON_REAL_PRECISION(8)) != 0) {
            gs__outfile_abort(&o);
            rc = gs_error_set(err, GS_EIO, summary, 0, 0, NULL, "cannot write JSON");
        } else {
            fputc('\n', o.f);
            rc = gs__outfile_commit(&o, err);
        }
    }
    json_decref(root);
    return rc;
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
    const char *rtt = gs_opts_str(o, "rtt"), *rtt_regions = gs_opts_str(o, "rtt-regions");
    const char *cables = gs_opts_str(o, "cables");
    const char *net_prices = gs_opts_str(o, "net-prices"), *net_places = gs_opts_str(o, "net-places");
    gs_route_opts ro = gs_route_opts_default();
    ro.server_ms = gs_opts_num(o, "server-ms");
    ro.usd_per_mreq_ms = gs_opts_num(o, "latency-penalty");
    ro.default_price_usd_per_mwh = gs_opts_num(o, "default-price");
    ro.tokens_in = gs_opts_num(o, "tokens-in");
    ro.tokens_out = gs_opts_num(o, "tokens-out");
    ro.bytes_per_token = gs_opts_num(o, "bytes-per-token");
    gs_route_inputs in;
    memset(&in, 0, sizeof in);
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
    if (gs_cli_load_fleet("route", fleet_path, &f, &err) < 0) {
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
    if (events && check_cap_sites(f, caps, ncaps, events, &err) < 0)
        goto fail;
    if (gs_route_inputs_load_fleet(&in, f, rtt, rtt_regions, cables, net_prices, net_places, &ro,
                                   &err) < 0)
        goto fail;
    if (in.warning[0])
        fprintf(stderr, "gridsplit route: warning: %s\n", in.warning);
    if (warn_before_run(f, &ro, caps, ncaps, so.from_s, so.to_s, &err) < 0)
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
        if (gs_route_report_new(f, &ro, caps, ncaps, so.step_s, rec, &rep, &err) < 0)
            goto fail;
        so.on_route = gs_route_report_step; /* forwards each step to rec */
        so.route_ctx = rep;
    }
    gs_cli_progress pg;
    gs_cli_progress_start(&pg, "route", quiet);
    so.progress = gs_cli_progress_cb;
    so.progress_ctx = &pg;
    rc = gs_simulate(f, &tz, &so, &r, &err);
    gs_cli_progress_end(&pg);
    if (rc < 0) {
        if (!err.file[0])
            snprintf(err.file, sizeof err.file, "%s", fleet_path);
        goto fail;
    }
    if (gs_route_recorder_finish(rec, summary, so.from_s, so.to_s, &err) < 0)
        goto fail;
    if (add_site_shapes(summary, f, r, quiet, &err) < 0)
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
    gs_route_inputs_free(&in);
    gs_fleet_free(f);
    return 0;
fail:
    gs_route_report_free(rep);
    gs_route_recorder_free(rec);
    gs_sim_result_free(r);
    if (have_tz)
        gs_sim_tz_free(f, &tz);
    free(caps);
    gs_route_inputs_free(&in);
    gs_fleet_free(f);
    return gs_cli_fail("route", &err);
}
