/* test_report: the HTML report of a simulation (src/write/sim_report.c) on a fleet and a result built
 * by hand: self-contained (uPlot and data inline, no external reference), fleet strings escaped
 * for HTML and for the JSON block, the data block valid JSON, hourly means above the size cap,
 * deterministic bytes, nothing left behind on failure.
 *
 * Also a helper for the browser test (tests/e2e/report_browser.sh) while `gridsplit simulate`
 * cannot write a report:  test_report --write PATH [--days N] [--step S] [--sites N]
 * [--max-values N] [--offsets] writes the report of a synthetic fleet and exits (--offsets:
 * with fixed UTC offsets per site embedded, as gs_report_opts.tz gives them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gridsplit/write/sim.h"
#include "embed/assets.h"

#define EVIL_NAME "Abilene \"West\" <script>alert(1)</script> & 'co'"
#define EVIL_ID "abi</script><!--"

static const char *const SITE_IDS[] = {EVIL_ID, "ash", "fra", "sgp"};
static const char *const SITE_NAMES[] = {EVIL_NAME, "Ashburn \xc3\xa9 Loudoun", "Frankfurt",
                                         "Singapore"};
static const char *const SITE_TZ[] = {"America/Chicago", "America/New_York", "Europe/Berlin",
                                      "Asia/Singapore"};
static const double SITE_TZ_H[] = {-6, -5, 1, 8};

typedef struct fixture {
    gs_fleet fleet;
    gs_zone zones[2];
    gs_site sites[4];
    gs_cluster clusters[8];
    gs_sim_result res;
    char dir[256];
    char path[512];
} fixture;

static void stats_of(const double *v, size_t n, int64_t step_s, gs_load_stats *st)
{
    double sum = 0, peak = -INFINITY, min = INFINITY;
    for (size_t i = 0; i < n; i++) {
        sum += v[i];
        peak = v[i] > peak ? v[i] : peak;
        min = v[i] < min ? v[i] : min;
    }
    st->energy_mwh = sum * (double)step_s / 3600.0;
    st->peak_mw = peak;
    st->min_mw = min;
    st->mean_mw = n ? sum / (double)n : NAN;
    st->load_factor = peak > 0 ? st->mean_mw / peak : NAN;
    st->peak_to_trough = min > 0 ? peak / min : NAN;
    st->peak_hour_local = 15.0;
    st->coincidence = NAN; /* no system demand: shown as a dash */
}

/* A fleet of nsites sites (2 zones, a training and an inference cluster each) and a result of
 * `days` days at step_s: flat training with a checkpoint dip every 3 h, diurnal inference
 * peaking at 15 h local. */
static void build(fixture *fx, size_t nsites, int days, int64_t step_s)
{
    memset(fx, 0, sizeof *fx);
    gs_fleet *f = &fx->fleet;
    snprintf(f->name, sizeof f->name, "Demo <fleet> \"A&B\"");
    snprintf(fx->zones[0].id, sizeof fx->zones[0].id, "ERCOT");
    snprintf(fx->zones[1].id, sizeof fx->zones[1].id, "PJM-DOM");
    f->zones = fx->zones;
    f->nzones = 2;
    for (size_t s = 0; s < nsites; s++) {
        gs_site *st = &fx->sites[s];
        snprintf(st->id, sizeof st->id, "%s", SITE_IDS[s]);
        snprintf(st->name, sizeof st->name, "%s", SITE_NAMES[s]);
        snprintf(st->tz, sizeof st->tz, "%s", SITE_TZ[s]);
        st->zone = (int)(s % 2);
        st->interconnect_mw = 300;
        st->pue = 1.2;
        for (int k = 0; k < GS_NCLASS; k++) {
            gs_cluster *c = &fx->clusters[s * 2 + (size_t)k];
            snprintf(c->id, sizeof c->id, "c%zu%d", s, k);
            c->site = (int)s;
            c->cls = (gs_class)k;
            c->gpus = k == 0 ? 16384 : 4096;
            c->racks = k == 0 ? 512 : 256;
            c->service = -1;
        }
    }
    f->sites = fx->sites;
    f->nsites = nsites;
    f->clusters = fx->clusters;
    f->nclusters = nsites * 2;

    gs_sim_result *r = &fx->res;
    r->start_s = 1704067200; /* 2024-01-01T00:00:00Z */
    r->step_s = step_s;
    r->nsteps = (size_t)((int64_t)days * 86400 / step_s);
    r->nsites = nsites;
    r->mw = malloc(nsites * GS_NCLASS * r->nsteps * sizeof(double));
    r->site_class = calloc(nsites * GS_NCLASS, sizeof(gs_load_stats));
    r->site = calloc(nsites, sizeof(gs_load_stats));
    assert_non_null(r->mw);
    assert_non_null(r->site_class);
    assert_non_null(r->site);
    double *tot = malloc(r->nsteps * sizeof(double));
    double *fc[GS_NCLASS] = {calloc(r->nsteps, sizeof(double)), calloc(r->nsteps, sizeof(double))};
    double *ft = calloc(r->nsteps, sizeof(double));
    assert_non_null(tot);
    assert_non_null(fc[0]);
    assert_non_null(fc[1]);
    assert_non_null(ft);
    for (size_t s = 0; s < nsites; s++) {
        double *tr = r->mw + (s * GS_NCLASS + 0) * r->nsteps;
        double *in = r->mw + (s * GS_NCLASS + 1) * r->nsteps;
        double slab = 120.0 + 30.0 * (double)s;
        for (size_t i = 0; i < r->nsteps; i++) {
            int64_t t = (int64_t)i * step_s;
            double local_h = fmod((double)t / 3600.0 + SITE_TZ_H[s] + 48.0, 24.0);
            tr[i] = (t % 10800) < 600 ? slab * 0.55 : slab + 0.25 * sin((double)i * 0.7);
            double bump = 0.5 + 0.5 * cos((local_h - 15.0) * M_PI / 12.0);
            in[i] = 40.0 * (0.25 + 0.75 * pow(bump, 1.5)) + 0.1234567 * (double)(i % 7);
            tot[i] = tr[i] + in[i];
            fc[0][i] += tr[i];
            fc[1][i] += in[i];
        }
        stats_of(tr, r->nsteps, step_s, &r->site_class[s * GS_NCLASS + 0]);
        stats_of(in, r->nsteps, step_s, &r->site_class[s * GS_NCLASS + 1]);
        stats_of(tot, r->nsteps, step_s, &r->site[s]);
    }
    for (size_t i = 0; i < r->nsteps; i++)
        ft[i] = fc[0][i] + fc[1][i];
    stats_of(fc[0], r->nsteps, step_s, &r->fleet_class[0]);
    stats_of(fc[1], r->nsteps, step_s, &r->fleet_class[1]);
    stats_of(ft, r->nsteps, step_s, &r->fleet);
    r->fleet.coincidence = 1.234;
    free(tot);
    free(fc[0]);
    free(fc[1]);
    free(ft);

    snprintf(fx->dir, sizeof fx->dir, "/tmp/gs_test_report.XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->path, sizeof fx->path, "%s/report.html", fx->dir);
}

static void release(fixture *fx)
{
    free(fx->res.mw);
    free(fx->res.site_class);
    free(fx->res.site);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = (size_t)n;
    }
    return buf;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static size_t dir_entries(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    if (!p)
        return (size_t)-1;
    long n = -1;
    if (fscanf(p, "%ld", &n) != 1)
        n = -1;
    pclose(p);
    return (size_t)n;
}

static void cleanup_dir(fixture *fx)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    assert_int_equal(system(cmd), 0);
}

/* The text of the JSON data block, parsed. */
static json_t *data_block(const char *html)
{
    const char *open = "<script type=\"application/json\" id=\"gs-data\">";
    const char *a = strstr(html, open);
    assert_non_null(a);
    a += strlen(open);
    const char *b = strstr(a, "</script>");
    assert_non_null(b);
    json_error_t jerr;
    json_t *j = json_loadb(a, (size_t)(b - a), 0, &jerr);
    if (!j)
        fail_msg("data block is not JSON: %s at %d:%d", jerr.text, jerr.line, jerr.column);
    return j;
}

static void test_report_is_self_contained_with_uplot_and_data_inline(void **state)
{
    (void)state;
    fixture fx;
    build(&fx, 2, 3, 300);
    gs_error err = {0};
    int rc = gs_report_write_html(&fx.fleet, &fx.res, fx.path, &err);
    if (rc)
        fail_msg("%s", err.message);
    size_t len = 0;
    char *html = slurp(fx.path, &len);
    assert_non_null(html);
    assert_int_equal(strlen(html), len); /* no NUL bytes */
    assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);

    /* uPlot's own code and CSS inline */
    size_t ulen = 0;
    const char *uplot = gs__asset("uPlot.iife.min.js", &ulen);
    assert_non_null(uplot);
    char head[201];
    memcpy(head, uplot + 100, 200);
    head[200] = '\0';
    assert_non_null(strstr(html, head));
    assert_non_null(strstr(html, ".uplot"));
    assert_non_null(strstr(html, "<script type=\"application/json\" id=\"gs-data\">"));
    assert_null(strstr(html, "@@GS_"));

    /* no external resources: the only URL is uPlot's banner comment */
    const char *banner = "https://github.com/leeoniya/uPlot";
    size_t urls = count(html, "http://") + count(html, "https://");
    assert_int_equal(urls, count(html, banner));
    assert_true(urls <= 1);
    assert_null(strstr(html, "<link"));
    assert_null(strstr(html, "@import"));
    assert_null(strstr(html, " src="));
    assert_null(strstr(html, "url("));

    /* header and summary */
    assert_non_null(strstr(html, "2024-01-01 \xe2\x86\x92 2024-01-04 UTC"));
    assert_non_null(strstr(html, "5 min"));
    assert_non_null(strstr(html, "row-site-class"));
    assert_int_equal(count(html, "<tr class=\"row-"), 3 + 2 * 3);
    assert_non_null(strstr(html, "<td class=\"num\">\xe2\x80\x94</td>")); /* NaN coincidence */
    assert_non_null(strstr(html, "<td class=\"num\">1.23</td>"));      /* fleet coincidence */
    assert_null(strstr(html, "resolution-note"));
    free(html);
    release(&fx);
    cleanup_dir(&fx);
}

static void test_report_escapes_fleet_strings_for_html_and_json(void **state)
{
    (void)state;
    fixture fx;
    build(&fx, 2, 1, 300);
    gs_error err = {0};
    assert_int_equal(gs_report_write_html(&fx.fleet, &fx.res, fx.path, &err), 0);
    char *html = slurp(fx.path, NULL);
    assert_non_null(html);
    /* never raw */
    assert_null(strstr(html, "<script>alert"));
    assert_null(strstr(html, "<fleet>"));
    assert_null(strstr(html, "<!--"));
    /* exactly the report's three scripts are closed */
    assert_int_equal(count(html, "</script"), 3);
    assert_int_equal(count(html, "<script"), 3);
    /* HTML-escaped in the table and the title */
    assert_non_null(strstr(html, "Abilene &quot;West&quot; &lt;script&gt;alert(1)&lt;/script&gt; "
                                 "&amp; &#39;co&#39;"));
    assert_non_null(strstr(html, "<h1>Demo &lt;fleet&gt; &quot;A&amp;B&quot;</h1>"));
    /* JSON-escaped in the data block, and round-trips exactly */
    assert_non_null(strstr(html, "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
    json_t *j = data_block(html);
    json_t *sites = json_object_get(j, "sites");
    assert_int_equal(json_array_size(sites), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(sites, 0), "name")),
                        EVIL_NAME);
    assert_string_equal(json_string_value(json_object_get(json_array_get(sites, 0), "id")),
                        EVIL_ID);
    assert_string_equal(json_string_value(json_object_get(json_array_get(sites, 1), "name")),
                        "Ashburn \xc3\xa9 Loudoun");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "fleet"), "name")),
        "Demo <fleet> \"A&B\"");
    json_decref(j);
    free(html);
    release(&fx);
    cleanup_dir(&fx);
}

static void test_report_data_block_has_series_and_load_duration_curves(void **state)
{
    (void)state;
    fixture fx;
    build(&fx, 2, 3, 300);
    gs_error err = {0};
    assert_int_equal(gs_report_write_html(&fx.fleet, &fx.res, fx.path, &err), 0);
    char *html = slurp(fx.path, NULL);
    assert_non_null(html);
    json_t *j = data_block(html);
    json_t *ts = json_object_get(j, "ts");
    assert_int_equal(json_integer_value(json_object_get(ts, "n")), 864);
    assert_int_equal(json_integer_value(json_object_get(ts, "step_s")), 300);
    assert_int_equal(json_integer_value(json_object_get(ts, "agg")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "ldc_n")), 501);
    json_t *s0 = json_array_get(json_object_get(j, "sites"), 0);
    json_t *mw = json_object_get(s0, "mw");
    assert_int_equal(json_array_size(mw), 2);
    assert_int_equal(json_array_size(json_array_get(mw, 1)), 864);
    /* rounded to kW: value i of inference equals the input to 3 decimals */
    double v5 = json_number_value(json_array_get(json_array_get(mw, 1), 5));
    assert_float_equal(v5, gs_sim_mw(&fx.res, 0, GS_INFERENCE, 5), 0.0005 + 1e-12);
    /* curves: descending, peak first, minimum last */
    json_t *ldc = json_object_get(s0, "ldc");
    assert_int_equal(json_array_size(ldc), 3);
    json_t *inf = json_array_get(ldc, 1);
    assert_int_equal(json_array_size(inf), 501);
    for (size_t k = 1; k < 501; k++)
        assert_true(json_number_value(json_array_get(inf, k)) <=
                    json_number_value(json_array_get(inf, k - 1)));
    assert_float_equal(json_number_value(json_array_get(inf, 0)), fx.res.site_class[1].peak_mw,
                       0.001);
    assert_float_equal(json_number_value(json_array_get(inf, 500)), fx.res.site_class[1].min_mw,
                       0.001);
    json_t *fl = json_object_get(j, "fleet_ldc");
    assert_int_equal(json_array_size(fl), 3);
    assert_float_equal(json_number_value(json_array_get(json_array_get(fl, 2), 0)),
                       fx.res.fleet.peak_mw, 0.001);
    json_decref(j);
    free(html);
    release(&fx);
    cleanup_dir(&fx);
}

static void test_report_embeds_hourly_means_above_the_cap_and_says_so(void **state)
{
    (void)state;
    fixture fx;
    build(&fx, 2, 3, 300);
    gs_error err = {0};
    gs_report_opts o = {.max_values = 1000};
    assert_int_equal(gs_report_write_html_opts(&fx.fleet, &fx.res, &o, fx.path, &err), 0);
    char *html = slurp(fx.path, NULL);
    assert_non_null(html);
    assert_non_null(strstr(html, "id=\"resolution-note\""));
    assert_non_null(strstr(html, "means over 1 h"));
    json_t *j = data_block(html);
    json_t *ts = json_object_get(j, "ts");
    assert_int_equal(json_integer_value(json_object_get(ts, "n")), 72);
    assert_int_equal(json_integer_value(json_object_get(ts, "step_s")), 3600);
    assert_int_equal(json_integer_value(json_object_get(ts, "agg")), 12);
    /* the first hourly mean of training at site 1 */
    double sum = 0;
    for (size_t i = 0; i < 12; i++)
        sum += gs_sim_mw(&fx.res, 1, GS_TRAINING, i);
    json_t *s1 = json_array_get(json_object_get(j, "sites"), 1);
    assert_float_equal(json_number_value(json_array_get(
                           json_array_get(json_object_get(s1, "mw"), 0), 0)),
                       sum / 12.0, 0.0005 + 1e-12);
    json_decref(j);
    free(html);

    /* still too many for hourly: daily means */
    o.max_values = 12;
    assert_int_equal(gs_report_write_html_opts(&fx.fleet, &fx.res, &o, fx.path, &err), 0);
    html = slurp(fx.path, NULL);
    assert_non_null(html);
    assert_non_null(strstr(html, "means over 1 d"));
    free(html);
    release(&fx);
    cleanup_dir(&fx);
}

static void test_report_is_byte_identical_for_the_same_inputs(void **state)
{
    (void)state;
    fixture fx;
    build(&fx, 2, 2, 300);
    gs_error err = {0};
    char p2[600];
    snprintf(p2, sizeof p2, "%s/again.html", fx.dir);
    assert_int_equal(gs_report_write_html(&fx.fleet, &fx.res, fx.path, &err), 0);
    assert_int_equal(gs_report_write_html(&fx.fleet, &fx.res, p2, &err), 0);
    size_t l1 = 0, l2 = 0;
    char *a = slurp(fx.path, &l1), *b = slurp(p2, &l2);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(l1, l2);
    assert_memory_equal(a, b, l1);
    free(a);
    free(b);
    release(&fx);
    cleanup_dir(&fx);
}

static void test_report_failure_leaves_no_file_behind(void **state)
{
    (void)state;
    fixture fx;
    build(&fx, 2, 1, 300);
    gs_error err = {0};
    /* a directory that cannot exist: its parent is a regular file */
    char blocker[600], bad[700];
    snprintf(blocker, sizeof blocker, "%s/blocker", fx.dir);
    FILE *b = fopen(blocker, "w");
    assert_non_null(b);
    fclose(b);
    snprintf(bad, sizeof bad, "%s/report.html", blocker);
    int rc = gs_report_write_html(&fx.fleet, &fx.res, bad, &err);
    assert_int_equal(rc, GS_EIO);
    assert_non_null(strstr(err.file, "blocker"));
    assert_int_equal(dir_entries(fx.dir), 1);

    /* a result that does not match the fleet: an input error, no file */
    fx.res.nsites = 3;
    memset(&err, 0, sizeof err);
    rc = gs_report_write_html(&fx.fleet, &fx.res, fx.path, &err);
    assert_int_equal(rc, GS_EINPUT);
    assert_non_null(strstr(err.message, "sites"));
    fx.res.nsites = 2;
    assert_int_equal(dir_entries(fx.dir), 1);
    struct stat st;
    assert_int_equal(stat(fx.path, &st), -1);
    release(&fx);
    cleanup_dir(&fx);
}

static void test_report_embeds_site_offsets_when_given(void **state)
{
    (void)state;
    fixture fx;
    build(&fx, 2, 1, 3600);
    gs_tz tzs[2];
    gs_tz_span spans[2][2] = {{{0, -21600}, {1710000000, -18000}}, {{0, -18000}, {0, 0}}};
    memset(tzs, 0, sizeof tzs);
    tzs[0].n = 2;
    tzs[0].spans = spans[0];
    tzs[1].n = 1;
    tzs[1].spans = spans[1];
    gs_sim_tz simtz = {.site_tz = tzs, .region_tz = NULL};
    gs_report_opts o = {.tz = &simtz, .title = "Custom <title>"};
    gs_error err = {0};
    assert_int_equal(gs_report_write_html_opts(&fx.fleet, &fx.res, &o, fx.path, &err), 0);
    char *html = slurp(fx.path, NULL);
    assert_non_null(html);
    assert_non_null(strstr(html, "\"offsets\":[[0,-21600],[1710000000,-18000]]"));
    assert_non_null(strstr(html, "\"offsets\":[[0,-18000]]"));
    assert_non_null(strstr(html, "<h1>Custom &lt;title&gt;</h1>"));
    json_t *j = data_block(html);
    json_decref(j);
    free(html);
    release(&fx);
    cleanup_dir(&fx);
}

/* --write PATH [--days N] [--step S] [--sites N] [--max-values N] */
static int write_mode(int argc, char **argv)
{
    const char *path = NULL;
    long days = 14, step = 300, sites = 3, maxv = 0;
    int offsets = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        long *dst = NULL;
        if (strcmp(a, "--write") == 0 && v) {
            path = v;
            i++;
            continue;
        } else if (strcmp(a, "--offsets") == 0) {
            offsets = 1;
            continue;
        } else if (strcmp(a, "--days") == 0) {
            dst = &days;
        } else if (strcmp(a, "--step") == 0) {
            dst = &step;
        } else if (strcmp(a, "--sites") == 0) {
            dst = &sites;
        } else if (strcmp(a, "--max-values") == 0) {
            dst = &maxv;
        }
        if (!dst || !v) {
            fprintf(stderr, "test_report: bad argument '%s'\n", a);
            return 2;
        }
        errno = 0;
        *dst = strtol(v, &end, 10);
        if (errno || !end || *end || *dst < 0) {
            fprintf(stderr, "test_report: bad value '%s' for %s\n", v, a);
            return 2;
        }
        i++;
    }
    if (!path || days < 1 || step < 1 || sites < 1 || sites > 4) {
        fprintf(stderr, "usage: test_report --write PATH [--days N] [--step S] [--sites 1..4] "
                        "[--max-values N] [--offsets]\n");
        return 2;
    }
    fixture fx;
    build(&fx, (size_t)sites, (int)days, step);
    rmdir(fx.dir);
    gs_report_opts o = {.max_values = (size_t)maxv};
    /* --offsets: embed fixed UTC offsets per site, as a caller with the engine's zones would */
    gs_tz tzs[4];
    gs_tz_span spans[4];
    gs_sim_tz simtz = {.site_tz = tzs, .region_tz = NULL};
    memset(tzs, 0, sizeof tzs);
    for (size_t s = 0; s < 4; s++) {
        spans[s].from_s = fx.res.start_s;
        spans[s].offset_s = (int32_t)(SITE_TZ_H[s] * 3600);
        tzs[s].n = 1;
        tzs[s].spans = &spans[s];
    }
    if (offsets)
        o.tz = &simtz;
    gs_error err = {0};
    int rc = gs_report_write_html_opts(&fx.fleet, &fx.res, &o, path, &err);
    release(&fx);
    if (rc) {
        char msg[2048];
        gs_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "test_report: %s\n", msg);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return write_mode(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_is_self_contained_with_uplot_and_data_inline),
        cmocka_unit_test(test_report_escapes_fleet_strings_for_html_and_json),
        cmocka_unit_test(test_report_data_block_has_series_and_load_duration_curves),
        cmocka_unit_test(test_report_embeds_hourly_means_above_the_cap_and_says_so),
        cmocka_unit_test(test_report_is_byte_identical_for_the_same_inputs),
        cmocka_unit_test(test_report_failure_leaves_no_file_behind),
        cmocka_unit_test(test_report_embeds_site_offsets_when_given),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
