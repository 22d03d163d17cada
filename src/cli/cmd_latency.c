/* cmd_latency.c: `gridsplit latency`: calibrate the RTT model on a measured matrix and report
 * the error per pair (plain and cable-aware), or print the modelled RTT between two points. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "gridsplit/geo.h"
#include "gridsplit/latency.h"
#include "gridsplit/read/latency.h"
#include "embed/assets.h"

#define CMD "latency"

static void help(FILE *out)
{
    fprintf(out,
            "usage: gridsplit latency --calibrate MEASURED.csv [--regions FILE] [--cables DIR]\n"
            "                         [--kind KIND] [--fit robust|lsq] [--cable-factor F]\n"
            "                         [--format json|text]\n"
            "       gridsplit latency --from LAT,LON --to LAT,LON [--route-factor F]\n"
            "                         [--overhead-ms O] [--cables DIR] [--format json|text]\n\n"
            "Round-trip time model: RTT = 2 x great-circle x route_factor / 200,000 km/s + overhead.\n"
            "--calibrate fits route_factor and overhead_ms to a measured matrix (CSV with src, dst,\n"
            "avg_latency_ms and optional kind; .gz/.zst read directly; pairs are the median of their\n"
            "rows) and reports the error per pair. --regions names the coordinates of the measured\n"
            "set's regions (CSV name,lat,lon[,continent]; default: the built-in catalogue).\n"
            "--cables DIR (landing-point-geo.json, cable-geo.json) adds the cable-aware model.\n"
            "--fit robust (default) minimises the mean absolute relative error; lsq is least squares.\n"
            "See docs/latency.md.\n");
}

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

static int parse_num(const char *s, double *v)
{
    char *end;
    *v = strtod(s, &end);
    return (end == s || *end != '\0' || !isfinite(*v)) ? -1 : 0;
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
    gs_latency_fit_method method = GS_LATENCY_FIT_ROBUST_REL;
    if (strcmp(o->fit, "lsq") == 0)
        method = GS_LATENCY_FIT_LSQ;
    else if (strcmp(o->fit, "robust") != 0)
        return gs_cli_usage_error(CMD, "--fit must be robust or lsq, found '%s'", o->fit);

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

static int run_point(const struct opts *o)
{
    double lat1, lon1, lat2, lon2;
    if (parse_latlon(o->from, &lat1, &lon1))
        return gs_cli_usage_error(CMD, "--from: expected LAT,LON in degrees, found '%s'", o->from);
    if (parse_latlon(o->to, &lat2, &lon2))
        return gs_cli_usage_error(CMD, "--to: expected LAT,LON in degrees, found '%s'", o->to);
    if (!gs_geo_valid(lat1, lon1))
        return gs_cli_usage_error(CMD,
                                  "--from: %g,%g is not a place on Earth (lat in [-90, 90], lon "
                                  "in [-180, 180])",
                                  lat1, lon1);
    if (!gs_geo_valid(lat2, lon2))
        return gs_cli_usage_error(CMD,
                                  "--to: %g,%g is not a place on Earth (lat in [-90, 90], lon in "
                                  "[-180, 180])",
                                  lat2, lon2);
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
    if (!(m.route_factor >= 1.0))
        return gs_cli_usage_error(CMD, "--route-factor must be >= 1, found %g", m.route_factor);
    if (!(m.overhead_ms >= 0))
        return gs_cli_usage_error(CMD, "--overhead-ms must be >= 0, found %g", m.overhead_ms);
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
    struct opts o = {0};
    o.format = NULL;
    o.fit = "robust";
    o.cable_factor = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help(stdout);
            return 0;
        }
        if (i + 1 >= argc)
            return gs_cli_usage_error(CMD, "unknown option or missing value: '%s'", a);
        const char *v = argv[++i];
        if (strcmp(a, "--calibrate") == 0)
            o.calibrate = v;
        else if (strcmp(a, "--regions") == 0)
            o.regions = v;
        else if (strcmp(a, "--cables") == 0)
            o.cables = v;
        else if (strcmp(a, "--format") == 0)
            o.format = v;
        else if (strcmp(a, "--kind") == 0)
            o.kind = v;
        else if (strcmp(a, "--fit") == 0)
            o.fit = v;
        else if (strcmp(a, "--from") == 0)
            o.from = v;
        else if (strcmp(a, "--to") == 0)
            o.to = v;
        else if (strcmp(a, "--route-factor") == 0) {
            if (parse_num(v, &o.route_factor))
                return gs_cli_usage_error(CMD, "--route-factor: expected a number, found '%s'", v);
            o.have_rf = 1;
        } else if (strcmp(a, "--overhead-ms") == 0) {
            if (parse_num(v, &o.overhead_ms))
                return gs_cli_usage_error(CMD, "--overhead-ms: expected a number, found '%s'", v);
            o.have_oh = 1;
        } else if (strcmp(a, "--cable-factor") == 0) {
            if (parse_num(v, &o.cable_factor) || !(o.cable_factor >= 1.0))
                return gs_cli_usage_error(CMD, "--cable-factor: expected a number >= 1, found '%s'",
                                          v);
        } else
            return gs_cli_usage_error(CMD, "unknown option '%s'", a);
    }
    if (o.format && strcmp(o.format, "json") != 0 && strcmp(o.format, "text") != 0)
        return gs_cli_usage_error(CMD, "--format must be json or text, found '%s'", o.format);
    if (o.calibrate) {
        if (o.from || o.to)
            return gs_cli_usage_error(CMD, "--calibrate and --from/--to are separate uses");
        if (!o.format)
            o.format = "json";
        return run_calibrate(&o);
    }
    if (o.from || o.to) {
        if (!o.from || !o.to)
            return gs_cli_usage_error(CMD, "--from and --to go together");
        if (!o.format)
            o.format = "text";
        return run_point(&o);
    }
    return gs_cli_usage_error(CMD, "expected --calibrate FILE or --from LAT,LON --to LAT,LON");
}
