/* cmd_latency.c: `gridsplit latency`: calibrate the RTT model on a measured matrix and report
 * the error per pair (plain and cable-aware), or print the modelled RTT between two points.
 * Options: gs_cmd_latency_decl (cli/opts.h). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "gridsplit/geo.h"
#include "gridsplit/latency.h"
#include "gridsplit/read/latency.h"
#include "embed/assets.h"

#define CMD "latency"

static const gs_opt_decl LATENCY_OPTS[] = {
    {.name = "calibrate", .type = GS_OPT_INPUT, .metavar = "MEASURED.csv",
     .help = "fit route_factor and overhead_ms to a measured matrix (CSV with src, dst, "
             "avg_latency_ms and optional kind; .gz/.zst read directly; pairs are the median of "
             "their rows) and report the error per pair"},
    {.name = "regions", .type = GS_OPT_INPUT, .requires = "calibrate",
     .def_help = "the built-in catalogue",
     .help = "the coordinates of the measured set's regions (CSV name,lat,lon[,continent])"},
    {.name = "kind", .type = GS_OPT_STRING, .metavar = "KIND", .requires = "calibrate",
     .def = "Inter-region latency",
     .help = "use only the rows of this kind (case-insensitive), when the file has a kind "
             "column"},
    {.name = "fit", .type = GS_OPT_CHOICE, .choices = "robust lsq", .def = "robust",
     .requires = "calibrate",
     .help = "robust minimises the mean absolute relative error; lsq is least squares"},
    {.name = "from", .type = GS_OPT_STRING, .metavar = "LAT,LON",
     .help = "one end of the pair, in degrees"},
    {.name = "to", .type = GS_OPT_STRING, .metavar = "LAT,LON",
     .help = "the other end of the pair"},
    {.name = "route-factor", .type = GS_OPT_NUM, .metavar = "F", .range = "[1, inf)",
     .requires = "from", .def_help = "1.535, or 1.768 with --cables",
     .help = "path length over great-circle, over land"},
    {.name = "overhead-ms", .type = GS_OPT_NUM, .metavar = "O", .unit = "ms", .range = "[0, inf)",
     .requires = "from", .def_help = "3.273, or 2.3 with --cables",
     .help = "fixed RTT added to every pair"},
    {.name = "cables", .type = GS_OPT_INDIR,
     .help = "landing-point-geo.json and cable-geo.json: adds the cable-aware model"},
    {.name = "cable-factor", .type = GS_OPT_NUM, .metavar = "F", .range = "[1, inf)",
     .requires = "cables", .def_help = "fitted in [1, 2] with --calibrate, else 1.21",
     .help = "path over cable geometry length"},
    {.name = "format", .type = GS_OPT_CHOICE, .choices = "json text",
     .def_help = "json with --calibrate, text with --from", .help = "output format"},
    {0}};

static const gs_opt_group LATENCY_GROUPS[] = {
    {.options = "calibrate from", .rule = GS_GROUP_EXCLUSIVE | GS_GROUP_REQUIRED},
    {.options = "calibrate to", .rule = GS_GROUP_EXCLUSIVE},
    {.options = "to", .rule = GS_GROUP_REQUIRED, .when = "from"},
    {0}};

const gs_cmd_decl gs_cmd_latency_decl = {
    .name = "latency",
    .summary = "round-trip model between places, calibrated on measurements",
    .usage = "--calibrate MEASURED.csv [--regions FILE]\n"
             " [--cables DIR [--cable-factor F]] [--kind KIND]\n"
             " [--fit robust|lsq] [--format json|text]\n"
             "--from LAT,LON --to LAT,LON [--route-factor F]\n"
             " [--overhead-ms O] [--cables DIR [--cable-factor F]]\n"
             " [--format json|text]",
    .description = "Round-trip time model: RTT = 2 x great-circle x route_factor / 200,000 km/s "
                   "+ overhead. --calibrate fits it to a measured matrix; --from and --to print "
                   "the modelled RTT between two points. The defaults are the fits on the IBM "
                   "Cloud VPC matrix (docs/latency.md).",
    .opts = LATENCY_OPTS,
    .groups = LATENCY_GROUPS,
};

static int parse_latlon(const char *s, double *lat, double *lon)
{
    char *end;
    *lat = strtod(s, &end);
    if (end == s || *end != ',')
        return -1;
    const char *p = end + 1;
    *lon = strtod(p, &end);
    if (end == p || *end != '\0')
        return -1;
    return 0;
}

static double r3(double x)
{
    return round(x * 1000.0) / 1000.0;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Median and maximum of the absolute values of v[0..n) (n may be 0: NAN). */
static void med_max(const double *v, size_t n, double *med, double *max)
{
    *med = NAN;
    *max = NAN;
    if (n == 0)
        return;
    double *t = malloc(n * sizeof *t);
    if (!t)
        return;
    for (size_t i = 0; i < n; i++)
        t[i] = fabs(v[i]);
    qsort(t, n, sizeof *t, cmp_double);
    *med = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
    *max = t[n - 1];
    free(t);
}

static json_t *num_or_null(double x)
{
    return isfinite(x) ? json_real(r3(x)) : json_null();
}

struct opts {
    const char *calibrate, *regions, *cables, *format, *kind, *fit, *from, *to;
    double route_factor, overhead_ms, cable_factor;
    int have_rf, have_oh;
};

static int load_regions(const struct opts *o, gs_latency_regions *regs, gs_error *err)
{
    if (o->regions)
        return gs_latency_regions_read(o->regions, regs, err);
    size_t len;
    const char *text = gs__asset("latency_regions.csv", &len);
    if (!text)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                            "no built-in region catalogue in this build: pass --regions FILE "
                            "(e.g. data/catalog/latency_regions.csv)");
    return gs_latency_regions_parse(text, len, "latency_regions.csv (built in)", regs, err);
}

static int run_calibrate(const struct opts *o)
{
    gs_error err = {0};
    gs_latency_regions regs = {0};
    gs_latency_measured meas = {0};
    gs_cable_graph *cables = NULL;
    gs_latency_sample *s = NULL;
    double *e_ms = NULL, *e_pct = NULL, *ce_pct = NULL, *ic_plain = NULL, *ic_cable = NULL;
    json_t *root = NULL;
    int rc = 0;
    gs_latency_fit_method method =
        strcmp(o->fit, "lsq") == 0 ? GS_LATENCY_FIT_LSQ : GS_LATENCY_FIT_ROBUST_REL;

    if ((rc = load_regions(o, &regs, &err)) < 0)
        goto fail;
    if ((rc = gs_latency_measured_read(o->calibrate, &regs, o->kind, &meas, &err)) < 0)
        goto fail;
    size_t n = meas.n;
    s = calloc(n, sizeof *s);
    e_ms = calloc(n, sizeof *e_ms);
    e_pct = calloc(n, sizeof *e_pct);
    ce_pct = calloc(n, sizeof *ce_pct);
    ic_plain = calloc(n, sizeof *ic_plain);
    ic_cable = calloc(n, sizeof *ic_cable);
    if (!s || !e_ms || !e_pct || !ce_pct || !ic_plain || !ic_cable) {
        rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        const gs_latency_region *a = &regs.r[meas.pairs[i].a], *b = &regs.r[meas.pairs[i].b];
        int ic = a->continent[0] && b->continent[0] ? strcasecmp(a->continent, b->continent) != 0
                                                    : -1;
        s[i] = (gs_latency_sample){a->lat, a->lon, b->lat, b->lon, meas.pairs[i].rtt_ms, ic};
    }
    gs_latency_model plain = gs_latency_model_default();
    if ((rc = gs_latency_fit(&plain, s, n, method, &err)) < 0)
        goto fail;
    gs_latency_model cab = plain;
    cab.cable_factor = o->cable_factor; /* 0: fitted */
    if (o->cables) {
        if ((rc = gs_cables_read_dir(o->cables, &cables, &err)) < 0)
            goto fail;
        cab.cables = cables;
        if ((rc = gs_latency_fit(&cab, s, n, method, &err)) < 0)
            goto fail;
    }
    size_t nic = 0;
    json_t *pairs = json_array();
    for (size_t i = 0; i < n; i++) {
        const gs_latency_region *a = &regs.r[meas.pairs[i].a], *b = &regs.r[meas.pairs[i].b];
        double y = meas.pairs[i].rtt_ms;
        double pm = gs_latency_rtt_ms(&plain, s[i].lat1, s[i].lon1, s[i].lat2, s[i].lon2);
        e_ms[i] = pm - y;
        e_pct[i] = 100.0 * (pm - y) / y;
        int known = a->continent[0] && b->continent[0];
        int ic = known && strcasecmp(a->continent, b->continent) != 0;
        json_t *p = json_object();
        json_object_set_new(p, "src", json_string(a->name));
        json_object_set_new(p, "dst", json_string(b->name));
        json_object_set_new(p, "distance_km",
                            json_real(round(gs_geo_distance_km(s[i].lat1, s[i].lon1, s[i].lat2,
                                                               s[i].lon2))));
        json_object_set_new(p, "measured_ms", json_real(r3(y)));
        json_object_set_new(p, "rows", json_integer((json_int_t)meas.pairs[i].rows));
        json_object_set_new(p, "model_ms", json_real(r3(pm)));
        json_object_set_new(p, "error_ms", json_real(r3(e_ms[i])));
        json_object_set_new(p, "error_pct", json_real(r3(e_pct[i])));
        json_object_set_new(p, "intercontinental", known ? json_boolean(ic) : json_null());
        if (cables) {
            double cm = gs_latency_rtt_between_ms(&cab, s[i].lat1, s[i].lon1, s[i].lat2,
                                                  s[i].lon2, s[i].intercontinental);
            ce_pct[i] = 100.0 * (cm - y) / y;
            json_object_set_new(p, "cable_model_ms", json_real(r3(cm)));
            json_object_set_new(p, "cable_error_pct", json_real(r3(ce_pct[i])));
            if (ic) {
                ic_plain[nic] = e_pct[i];
                ic_cable[nic] = ce_pct[i];
                nic++;
            }
        }
        json_array_append_new(pairs, p);
    }
    double med_pct, max_pct, med_ms, max_ms;
    med_max(e_pct, n, &med_pct, &max_pct);
    med_max(e_ms, n, &med_ms, &max_ms);
    root = json_object();
    json_object_set_new(root, "route_factor", json_real(r3(plain.route_factor)));
    json_object_set_new(root, "overhead_ms", json_real(r3(plain.overhead_ms)));
    json_object_set_new(root, "fit",
                        json_string(method == GS_LATENCY_FIT_LSQ
                                        ? "lsq: least squares on ms"
                                        : "robust: minimises the mean absolute relative error"));
    json_object_set_new(root, "pairs", json_integer((json_int_t)n));
    json_object_set_new(root, "median_error_pct", json_real(r3(med_pct)));
    json_object_set_new(root, "worst_error_pct", json_real(r3(max_pct)));
    json_object_set_new(root, "median_error_ms", json_real(r3(med_ms)));
    json_object_set_new(root, "worst_error_ms", json_real(r3(max_ms)));
    json_object_set_new(root, "rows_read", json_integer((json_int_t)meas.rows_read));
    json_object_set_new(root, "rows_used", json_integer((json_int_t)meas.rows_used));
    json_t *sk = json_object();
    for (size_t i = 0; i < meas.nskipped; i++)
        json_object_set_new(sk, meas.skipped[i].kind,
                            json_integer((json_int_t)meas.skipped[i].rows));
    if (meas.rows_same)
        json_object_set_new(sk, "(src equals dst)", json_integer((json_int_t)meas.rows_same));
    json_object_set_new(root, "rows_skipped", sk);
    if (cables) {
        double cmed, cmax, icp_med, icp_max, icc_med, icc_max;
        med_max(ce_pct, n, &cmed, &cmax);
        med_max(ic_plain, nic, &icp_med, &icp_max);
        med_max(ic_cable, nic, &icc_med, &icc_max);
        json_t *c = json_object();
        json_object_set_new(c, "route_factor", json_real(r3(cab.route_factor)));
        json_object_set_new(c, "overhead_ms", json_real(r3(cab.overhead_ms)));
        json_object_set_new(c, "cable_factor", json_real(r3(cab.cable_factor)));
        json_object_set_new(c, "graph_nodes", json_integer((json_int_t)gs_cables_node_count(cables)));
        json_object_set_new(c, "graph_edges", json_integer((json_int_t)gs_cables_edge_count(cables)));
        json_object_set_new(c, "landing_points",
                            json_integer((json_int_t)gs_cables_landing_count(cables)));
        json_object_set_new(c, "median_error_pct", json_real(r3(cmed)));
        json_object_set_new(c, "worst_error_pct", json_real(r3(cmax)));
        json_object_set_new(c, "intercontinental_pairs", json_integer((json_int_t)nic));
        json_object_set_new(c, "intercontinental_median_error_pct", num_or_null(icc_med));
        json_object_set_new(c, "intercontinental_worst_error_pct", num_or_null(icc_max));
        json_object_set_new(c, "plain_intercontinental_median_error_pct", num_or_null(icp_med));
        json_object_set_new(c, "plain_intercontinental_worst_error_pct", num_or_null(icp_max));
        json_object_set_new(root, "cable_aware", c);
    }
    json_object_set_new(root, "pair_errors", pairs);

    if (strcmp(o->format, "json") == 0) {
        char *txt = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        if (!txt) {
            rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto fail;
        }
        printf("%s\n", txt);
        free(txt);
    } else {
        printf("fit: %s\n", json_string_value(json_object_get(root, "fit")));
        printf("plain model: route_factor %.3f, overhead_ms %.3f, %zu pairs from %zu rows\n",
               plain.route_factor, plain.overhead_ms, n, meas.rows_used);
        for (size_t i = 0; i < meas.nskipped; i++)
            printf("skipped %zu rows of kind '%s'\n", meas.skipped[i].rows, meas.skipped[i].kind);
        printf("error: median %.1f ms (%.1f %%), worst %.1f ms (%.1f %%)\n", med_ms, med_pct,
               max_ms, max_pct);
        if (cables) {
            json_t *c = json_object_get(root, "cable_aware");
            printf("cable-aware: route_factor %.3f, overhead_ms %.3f, cable_factor %.3f; graph %zu "
                   "nodes, %zu edges, %zu landing points\n",
                   cab.route_factor, cab.overhead_ms, cab.cable_factor,
                   gs_cables_node_count(cables), gs_cables_edge_count(cables),
                   gs_cables_landing_count(cables));
            printf("cable-aware error: median %.1f %%, worst %.1f %%\n",
                   json_real_value(json_object_get(c, "median_error_pct")),
                   json_real_value(json_object_get(c, "worst_error_pct")));
            printf("intercontinental pairs (%zu): median error cable-aware %.1f %%, plain %.1f %%\n",
                   nic, json_number_value(json_object_get(c, "intercontinental_median_error_pct")),
                   json_number_value(
                       json_object_get(c, "plain_intercontinental_median_error_pct")));
        }
        printf("\n%-14s %-14s %8s %9s %9s %8s %8s", "src", "dst", "km", "measured", "model",
               "err_ms", "err_%");
        if (cables)
            printf(" %9s %8s", "cable_ms", "cable_%");
        printf(" %s\n", "ic");
        size_t k;
        json_t *p;
        json_array_foreach(pairs, k, p)
        {
            printf("%-14s %-14s %8.0f %9.1f %9.1f %8.1f %8.1f",
                   json_string_value(json_object_get(p, "src")),
                   json_string_value(json_object_get(p, "dst")),
                   json_number_value(json_object_get(p, "distance_km")),
                   json_number_value(json_object_get(p, "measured_ms")),
                   json_number_value(json_object_get(p, "model_ms")),
                   json_number_value(json_object_get(p, "error_ms")),
                   json_number_value(json_object_get(p, "error_pct")));
            if (cables)
                printf(" %9.1f %8.1f", json_number_value(json_object_get(p, "cable_model_ms")),
                       json_number_value(json_object_get(p, "cable_error_pct")));
            json_t *ic = json_object_get(p, "intercontinental");
            printf(" %s\n", json_is_null(ic) ? "?" : json_is_true(ic) ? "yes" : "no");
        }
    }
    rc = 0;
    goto out;
fail:
    rc = gs_cli_fail(CMD, &err);
out:
    json_decref(root);
    free(s);
    free(e_ms);
    free(e_pct);
    free(ce_pct);
    free(ic_plain);
    free(ic_cable);
    gs_cables_free(cables);
    gs_latency_measured_free(&meas);
    gs_latency_regions_free(&regs);
    return rc;
}

/* LAT,LON of option name into *lat, *lon: 0, or the usage error printed (2). */
static int read_place(const gs_opts *op, const char *name, double *lat, double *lon)
{
    const char *v = gs_opts_str(op, name);
    if (parse_latlon(v, lat, lon))
        return gs_opts_fail(op, name, "expected LAT,LON in degrees, found '%s'", v);
    if (!gs_geo_valid(*lat, *lon))
        return gs_opts_fail(op, name, "%g,%g is not a place on Earth (lat in [-90, 90], lon in "
                                      "[-180, 180])",
                            *lat, *lon);
    return 0;
}

static int run_point(const struct opts *o, double lat1, double lon1, double lat2, double lon2)
{
    gs_latency_model m = gs_latency_model_default();
    if (o->cables) {
        m.route_factor = GS_LATENCY_DEFAULT_CABLE_ROUTE_FACTOR;
        m.overhead_ms = GS_LATENCY_DEFAULT_CABLE_OVERHEAD_MS;
    }
    m.cable_factor = o->cable_factor > 0 ? o->cable_factor : GS_LATENCY_DEFAULT_CABLE_FACTOR;
    if (o->have_rf)
        m.route_factor = o->route_factor;
    if (o->have_oh)
        m.overhead_ms = o->overhead_ms;
    gs_cable_graph *cables = NULL;
    if (o->cables) {
        gs_error err = {0};
        if (gs_cables_read_dir(o->cables, &cables, &err) < 0)
            return gs_cli_fail(CMD, &err);
        m.cables = cables;
    }
    double km = gs_geo_distance_km(lat1, lon1, lat2, lon2);
    double rtt = gs_latency_rtt_ms(&m, lat1, lon1, lat2, lon2);
    if (strcmp(o->format, "json") == 0)
        printf("{\"distance_km\": %.1f, \"rtt_ms\": %.3f, \"route_factor\": %.3f, "
               "\"overhead_ms\": %.3f, \"cable_aware\": %s}\n",
               km, rtt, m.route_factor, m.overhead_ms, cables ? "true" : "false");
    else
        printf("rtt_ms %.1f (great-circle %.0f km, route_factor %.3f, overhead_ms %.3f%s)\n", rtt,
               km, m.route_factor, m.overhead_ms, cables ? ", cable-aware" : "");
    gs_cables_free(cables);
    return 0;
}

int gs_cmd_latency(int argc, char **argv)
{
    gs_opts *op;
    int rc = gs_opts_cli(&gs_cmd_latency_decl, argc, argv, NULL, &op);
    if (!op)
        return rc; /* --help printed (0) or usage error printed (2) */
    struct opts o = {0};
    o.calibrate = gs_opts_str(op, "calibrate");
    o.regions = gs_opts_str(op, "regions");
    o.cables = gs_opts_str(op, "cables");
    o.kind = gs_opts_str(op, "kind");
    o.fit = gs_opts_str(op, "fit");
    o.from = gs_opts_str(op, "from");
    o.to = gs_opts_str(op, "to");
    o.have_rf = gs_opts_given(op, "route-factor") > 0;
    o.route_factor = o.have_rf ? gs_opts_num(op, "route-factor") : 0;
    o.have_oh = gs_opts_given(op, "overhead-ms") > 0;
    o.overhead_ms = o.have_oh ? gs_opts_num(op, "overhead-ms") : 0;
    o.cable_factor = gs_opts_has(op, "cable-factor") ? gs_opts_num(op, "cable-factor") : 0;
    o.format = gs_opts_str(op, "format");
    if (o.calibrate) {
        if (!o.format)
            o.format = "json";
        gs_opts_free(op); /* o's texts point into argv or the declaration */
        return run_calibrate(&o);
    }
    double lat1, lon1, lat2, lon2;
    if ((rc = read_place(op, "from", &lat1, &lon1)) || (rc = read_place(op, "to", &lat2, &lon2))) {
        gs_opts_free(op);
        return rc;
    }
    gs_opts_free(op);
    if (!o.format)
        o.format = "text";
    return run_point(&o, lat1, lon1, lat2, lon2);
}
