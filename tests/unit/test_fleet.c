/* test_fleet.c: the fleet file reader (src/read/fleet_yaml.c) and the fleet model's invariants
 * (src/model/fleet.c): defaults, overrides, series loading, and one precise error (file, line,
 * column, field, expected, found) per kind of mistake. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gridsplit/fleet.h"
#include "gridsplit/time.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/tz.h"

static const char *VALID =
    "name: unit fleet\n"
    "period: {from: 2024-01-01, to: 2025-01-01}\n"
    "gpus:\n"
    "  - {id: X1, board_w: 500, idle_w: 50, overhead_w: 300, overhead_idle_w: 120, source: test}\n"
    "  - {id: H100, board_w: 690}\n"
    "zones:\n"
    "  - id: ERCOT\n"
    "    price: {path: prices.csv, format: csv, column: usd, scale: 2}\n"
    "  - id: PJM\n"
    "sites:\n"
    "  - id: abilene\n"
    "    lat: 32.45\n"
    "    lon: -99.73\n"
    "    tz: America/Chicago\n"
    "    zone: ERCOT\n"
    "    interconnect_mw: 300\n"
    "    pue: 1.15\n"
    "    cooling: liquid\n"
    "    rack_kw_max: 160\n"
    "  - id: ashburn\n"
    "    name: Ashburn pod\n"
    "    lat: 39.04\n"
    "    lon: -77.49\n"
    "    tz: America/New_York\n"
    "    zone: PJM\n"
    "    interconnect_mw: 60\n"
    "    pue: {monthly: [1.2, 1.2, 1.2, 1.3, 1.3, 1.4, 1.4, 1.4, 1.3, 1.3, 1.2, 1.2]}\n"
    "clusters:\n"
    "  - id: abilene-a\n"
    "    site: abilene\n"
    "    class: training\n"
    "    gpu: H100\n"
    "    gpus: 32768\n"
    "    racks: 512\n"
    "  - id: ashburn-chat\n"
    "    site: ashburn\n"
    "    class: inference\n"
    "    gpu: X1\n"
    "    gpus: 4096\n"
    "    racks: 150\n"
    "    service: chat\n"
    "    utilisation: 0.5\n"
    "    cost_usd_per_gpu_hour: 3.5\n"
    "training:\n"
    "  runs:\n"
    "    - id: run-1\n"
    "      cluster: abilene-a\n"
    "      start: 2024-01-01T00:00Z\n"
    "      length: 28d\n"
    "      checkpoint: {interval: 3h, duration: 4min}\n"
    "      restart_overhead: 10min\n"
    "      deadline: 2024-02-15\n"
    "      tier: 0.9\n"
    "    - id: run-2\n"
    "      cluster: abilene-a\n"
    "      gpus: 16384\n"
    "      start: 2024-03-01\n"
    "      gpu_hours: 1638400\n"
    "      utilisation: 0.8\n"
    "      workload: finetuning\n"
    "services:\n"
    "  - id: chat\n"
    "    peak_requests_per_s: 50000\n"
    "    energy_per_token_j: 3\n"
    "    tokens_per_request: 500\n"
    "    requests_per_s_per_gpu: 8\n"
    "    latency_budget_ms: 200\n"
    "    shape: {peak_hour: 14}\n"
    "    regions:\n"
    "      - {id: us-east, lat: 39.0, lon: -77.5, tz: America/New_York, share: 0.7, site: ashburn}\n"
    "      - {id: us-west, lat: 37.4, lon: -122.1, tz: America/Los_Angeles, share: 0.3}\n";

/* A scratch directory per test run, removed at the end. */
static char dir[256];

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/gs_test_fleet_XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const files[] = {"f.yaml", "prices.csv", "regions.yaml", "sweep.csv", NULL};
    char p[512];
    for (int i = 0; files[i]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

static const char *write_file(const char *name, const char *text)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

/* VALID with the first occurrence of from replaced by to. */
static char *variant(const char *from, const char *to)
{
    const char *at = strstr(VALID, from);
    assert_non_null(at);
    size_t n = strlen(VALID) - strlen(from) + strlen(to) + 1;
    char *s = malloc(n);
    assert_non_null(s);
    size_t pre = (size_t)(at - VALID);
    memcpy(s, VALID, pre);
    memcpy(s + pre, to, strlen(to));
    memcpy(s + pre + strlen(to), at + strlen(from), strlen(at + strlen(from)) + 1);
    return s;
}

/* Load VALID with from -> to and expect GS_EINPUT at line:col on field with msg in the message.
 * line 0: do not check the position. */
static void expect_error(const char *from, const char *to, int line, int col, const char *field,
                         const char *msg)
{
    char *text = variant(from, to);
    const char *path = write_file("f.yaml", text);
    free(text);
    gs_fleet *f = NULL;
    gs_error err = {0};
    int rc = gs_fleet_load(path, &f, &err);
    if (rc != GS_EINPUT || !strstr(err.message, msg) || strcmp(err.field, field) ||
        (line && (err.line != line || err.column != col))) {
        char buf[2048];
        gs_error_format(&err, buf, sizeof buf);
        print_error("expected %d:%d field '%s' '%s', got rc %d: %s\n", line, col, field, msg, rc, buf);
        fail();
    }
    assert_null(f);
}

static void test_valid_fleet_loads_with_defaults(void **state)
{
    (void)state;
    const char *path = write_file("f.yaml", VALID);
    gs_fleet *f = NULL;
    gs_error err = {0};
    int rc = gs_fleet_load(path, &f, &err);
    if (rc) {
        char buf[2048];
        gs_error_format(&err, buf, sizeof buf);
        print_error("%s\n", buf);
    }
    assert_int_equal(rc, GS_OK);
    assert_non_null(f);
    assert_string_equal(f->name, "unit fleet");
    assert_string_equal(f->path, path);
    int64_t t;
    assert_int_equal(gs_parse_time("2024-01-01", &t, NULL), 0);
    assert_true(f->default_from_s == t);

    /* catalogue plus X1; H100 overridden in board_w only */
    gs_gpu *cat = NULL;
    size_t ncat = 0;
    assert_int_equal(gs_gpu_catalog(&cat, &ncat, &err), 0);
    assert_int_equal(f->ngpus, ncat + 1);
    int h100 = gs_fleet_find_gpu(f, "H100");
    assert_true(h100 >= 0);
    assert_true(f->gpus[h100].board_w == 690);
    for (size_t i = 0; i < ncat; i++)
        if (!strcmp(cat[i].id, "H100"))
            assert_true(f->gpus[h100].overhead_w == cat[i].overhead_w);
    free(cat);
    int x1 = gs_fleet_find_gpu(f, "X1");
    assert_true(x1 >= 0);
    assert_string_equal(f->gpus[x1].source, "test");

    /* zones and series refs */
    assert_int_equal(f->nzones, 2);
    char want[600];
    snprintf(want, sizeof want, "%s/prices.csv", dir);
    assert_string_equal(f->zones[0].price_ref.path, want);
    assert_string_equal(f->zones[0].price_ref.format, "csv");
    assert_string_equal(f->zones[0].price_ref.column, "usd");
    assert_true(f->zones[0].price_ref.scale == 2);
    assert_string_equal(f->zones[1].price_ref.path, "");
    assert_null(f->zones[0].price_usd_per_mwh);

    /* sites */
    assert_int_equal(f->nsites, 2);
    assert_string_equal(f->sites[0].name, "abilene");
    assert_string_equal(f->sites[1].name, "Ashburn pod");
    assert_int_equal(f->sites[1].zone, 1);
    assert_int_equal(f->sites[0].pue_kind, GS_PUE_CONST);
    assert_true(f->sites[0].pue == 1.15);
    assert_int_equal(f->sites[0].cooling, GS_COOL_LIQUID);
    assert_int_equal(f->sites[1].cooling, GS_COOL_AIR);
    assert_int_equal(f->sites[1].pue_kind, GS_PUE_MONTHLY);
    assert_true(f->sites[1].pue_monthly[5] == 1.4);
    assert_true(f->sites[1].rack_kw_max == 0);

    /* clusters */
    const gs_cluster *a = &f->clusters[0], *b = &f->clusters[1];
    assert_int_equal(a->cls, GS_TRAINING);
    assert_true(a->utilisation == 0.9);
    assert_true(a->cost_usd_per_gpu_hour == 2.0);
    assert_int_equal(a->service, -1);
    assert_int_equal(b->cls, GS_INFERENCE);
    assert_int_equal(b->service, 0);
    assert_int_equal(b->gpu, x1);
    assert_true(b->utilisation == 0.5);
    assert_true(b->cost_usd_per_gpu_hour == 3.5);
    assert_true(fabs(gs_cluster_nameplate_mw(f, a) - 32768 * (690 + f->gpus[h100].overhead_w) / 1e6) < 1e-9);

    /* runs */
    assert_int_equal(f->nruns, 2);
    const gs_run *r1 = &f->runs[0], *r2 = &f->runs[1];
    assert_int_equal(r1->gpus, 32768);
    assert_true(r1->length_s == 28 * 86400.0);
    assert_true(r1->ckpt_interval_s == 3 * 3600.0);
    assert_true(r1->ckpt_duration_s == 240.0);
    assert_true(r1->ckpt_power_frac == 0.3);
    assert_true(r1->restart_overhead_s == 600.0);
    assert_true(r1->tier == 0.9);
    assert_true(r1->utilisation < 0);
    assert_string_equal(r1->workload, "pretraining");
    assert_true(r1->deadline_s > r1->start_s);
    assert_true(r2->length_s == 100 * 3600.0);
    assert_true(r2->ckpt_interval_s == 0);
    assert_true(r2->tier == 1.0);
    assert_true(r2->deadline_s == 0);
    assert_true(r2->restart_overhead_s == 0);
    assert_true(r2->utilisation == 0.8);
    assert_string_equal(r2->workload, "finetuning");
    /* issue 9 fields: defaults */
    assert_string_equal(r1->power_curve, "");
    assert_int_equal(r1->tier_window, GS_TIER_EVENT);
    assert_string_equal(r1->ckpt_signal, "");
    assert_true(r1->ckpt_signal_s == 0 && r1->lead_cap_s == 0 && r1->lead_pause_s == 0);
    assert_int_equal(f->npower_curves, 0);
    assert_null(gs_run_power_curve(f, r1));

    /* services */
    const gs_service *s = &f->services[0];
    assert_true(s->energy_per_request_j == 1500);
    assert_true(s->floor_frac == 0.2);
    assert_true(s->headroom_frac == 0.15);
    assert_true(s->shape.peak_hour == 14);
    assert_true(s->shape.peak_to_trough == 4);
    assert_true(s->shape.sharpness == 1.5);
    assert_true(s->shape.weekend_factor == 0.85);
    assert_true(s->shape.growth_per_year == 0);
    assert_true(s->growth_epoch_s == 0);
    assert_int_equal(s->nregions, 2);
    assert_int_equal(s->regions[0].site, 1);
    assert_int_equal(s->regions[1].site, -1);
    assert_string_equal(s->regions[1].tz, "America/Los_Angeles");
    assert_true(s->tier == 0 && s->lead_cap_s == 0);
    assert_int_equal(s->tier_window, GS_TIER_EVENT);
    assert_string_equal(s->power_curve, "");
    assert_null(gs_service_power_curve(f, s));

    assert_int_equal(gs_fleet_find_site(f, "ashburn"), 1);
    assert_int_equal(gs_fleet_find_zone(f, "PJM"), 1);
    assert_int_equal(gs_fleet_find_cluster(f, "ashburn-chat"), 1);
    assert_int_equal(gs_fleet_find_service(f, "chat"), 0);
    assert_int_equal(gs_fleet_find_run(f, "run-2"), 1);
    assert_int_equal(gs_fleet_find_site(f, "nowhere"), -1);
    assert_int_equal(gs_fleet_validate(f, &err), 0);
    gs_fleet_free(f);
}

static void test_name_defaults_to_file_name(void **state)
{
    (void)state;
    char *text = variant("name: unit fleet\n", "");
    const char *path = write_file("f.yaml", text);
    free(text);
    gs_fleet *f = NULL;
    gs_error err = {0};
    assert_int_equal(gs_fleet_load(path, &f, &err), 0);
    assert_string_equal(f->name, "f");
    gs_fleet_free(f);
}

static void test_regions_file_is_relative_to_the_fleet(void **state)
{
    (void)state;
    write_file("regions.yaml", "regions:\n"
                               "  - {id: eu, lat: 50.1, lon: 8.7, tz: Europe/Berlin, share: 0.4}\n"
                               "  - {id: sg, lat: 1.35, lon: 103.8, tz: Asia/Singapore, share: 0.6, site: abilene}\n");
    char *text = variant("    regions:\n", "    regions_file: regions.yaml\n    regions_unused:\n");
    /* cut everything from regions_unused on: the service is the last section */
    *strstr(text, "    regions_unused:\n") = '\0';
    const char *path = write_file("f.yaml", text);
    free(text);
    gs_fleet *f = NULL;
    gs_error err = {0};
    int rc = gs_fleet_load(path, &f, &err);
    assert_int_equal(rc, 0);
    assert_int_equal(f->services[0].nregions, 2);
    assert_string_equal(f->services[0].regions[1].id, "sg");
    assert_int_equal(f->services[0].regions[1].site, 0);
    gs_fleet_free(f);

    /* an error inside the regions file is reported in that file */
    write_file("regions.yaml", "regions:\n  - {id: eu, lat: 50.1, lon: 8.7, tz: Europe/Berlin, share: 0.4}\n");
    text = variant("    regions:\n", "    regions_file: regions.yaml\n    regions_unused:\n");
    *strstr(text, "    regions_unused:\n") = '\0';
    path = write_file("f.yaml", text);
    free(text);
    assert_int_equal(gs_fleet_load(path, &f, &err), GS_EINPUT);
    assert_non_null(strstr(err.file, "regions.yaml"));
    assert_int_equal(err.line, 2);
    assert_string_equal(err.field, "services[0].regions");
    assert_non_null(strstr(err.message, "summing to 1, found 0.4"));
}

static void test_load_series_reads_scaled_native_series(void **state)
{
    (void)state;
    write_file("prices.csv", "time,usd\n"
                             "2024-01-01T00:00:00Z,10\n"
                             "2024-01-01T01:00:00Z,20\n"
                             "2024-01-01T02:00:00Z,30\n");
    const char *path = write_file("f.yaml", VALID);
    gs_fleet *f = NULL;
    gs_error err = {0};
    assert_int_equal(gs_fleet_load(path, &f, &err), 0);
    int rc = gs_fleet_load_series(f, &err);
    if (rc) {
        char buf[2048];
        gs_error_format(&err, buf, sizeof buf);
        print_error("%s\n", buf);
    }
    assert_int_equal(rc, 0);
    const gs_series *s = f->zones[0].price_usd_per_mwh;
    assert_non_null(s);
    assert_int_equal(s->n, 3);
    assert_int_equal(s->step_s, 3600);
    assert_true(s->v[0] == 20 && s->v[2] == 60);
    assert_null(f->zones[1].price_usd_per_mwh);
    gs_fleet_free(f);

    /* a missing column is reported against the fleet field that named the file */
    char *text = variant("column: usd", "column: eur");
    path = write_file("f.yaml", text);
    free(text);
    assert_int_equal(gs_fleet_load(path, &f, &err), 0);
    assert_true(gs_fleet_load_series(f, &err) < 0);
    assert_string_equal(err.field, "zones[0].price");
    gs_fleet_free(f);
}

static void test_unknown_key_suggests_the_nearest(void **state)
{
    (void)state;
    expect_error("    racks: 512\n", "    racks: 512\n    utilisaton: 0.8\n", 35, 5, "clusters[0]",
                 "unknown key 'utilisaton' (did you mean 'utilisation'?)");
    expect_error("name: unit fleet\n", "name: unit fleet\nzoness: []\n", 2, 1, "",
                 "unknown key 'zoness' (did you mean 'zones'?)");
    expect_error("    racks: 512\n", "    racks: 512\n    colour: red\n", 35, 5, "clusters[0]",
                 "unknown key 'colour' (expected one of: id, site, class");
}

static void test_wrong_types_are_named(void **state)
{
    (void)state;
    expect_error("gpus: 32768", "gpus: lots", 33, 11, "clusters[0].gpus", "expected an integer, found 'lots'");
    expect_error("gpus: 32768", "gpus: 3.5", 33, 11, "clusters[0].gpus", "expected an integer, found '3.5'");
    expect_error("interconnect_mw: 300", "interconnect_mw: \"300 MW\"", 16, 22, "sites[0].interconnect_mw",
                 "expected a number, found '300 MW'");
    expect_error("lat: 32.45", "lat: [1, 2]", 12, 10, "sites[0].lat", "expected a number, found a list");
    expect_error("length: 28d", "length: soon", 49, 15, "training.runs[0].length", "found 'soon'");
    expect_error("start: 2024-01-01T00:00Z", "start: 2024-13-01", 48, 14, "training.runs[0].start",
                 "expected an ISO 8601 time");
    expect_error("class: training", "class: trainig", 31, 12, "clusters[0].class",
                 "expected training or inference, found 'trainig' (did you mean 'training'?)");
}

static void test_missing_and_duplicate_fields(void **state)
{
    (void)state;
    expect_error("    gpu: X1\n", "", 35, 5, "clusters[1]", "missing required key 'gpu'");
    expect_error("    service: chat\n", "", 35, 5, "clusters[1]", "missing required key 'service'");
    expect_error("  - id: ashburn\n", "  - id: abilene\n", 20, 9, "sites[1].id", "duplicate id 'abilene' (also sites[0])");
    expect_error("    racks: 512\n", "    racks: 512\n    gpus: 8\n", 35, 5, "clusters[0]", "duplicate key 'gpus'");
    expect_error("      length: 28d\n", "      length: 28d\n      gpu_hours: 5\n", 50, 18, "training.runs[0].gpu_hours",
                 "expected length or gpu_hours, found both");
}

static void test_references_must_exist(void **state)
{
    (void)state;
    expect_error("    site: abilene\n", "    site: abilne\n", 30, 11, "clusters[0].site",
                 "unknown site 'abilne' (did you mean 'abilene'?)");
    expect_error("    zone: PJM\n", "    zone: MISO\n", 25, 11, "sites[1].zone", "unknown zone 'MISO' (expected one of: ERCOT, PJM)");
    expect_error("    gpu: X1\n", "    gpu: Z9\n", 38, 10, "clusters[1].gpu", "unknown GPU model 'Z9'");
    expect_error("    service: chat\n", "    service: chta\n", 41, 14, "clusters[1].service",
                 "unknown service 'chta' (did you mean 'chat'?)");
    expect_error("      cluster: abilene-a\n", "      cluster: ashburn-chat\n", 47, 16, "training.runs[0].cluster",
                 "expected a training cluster, found 'ashburn-chat'");
    expect_error("    class: training\n", "    class: training\n    service: chat\n", 32, 14, "clusters[0].service",
                 "expected no service on a training cluster");
}

static void test_values_out_of_range(void **state)
{
    (void)state;
    expect_error("gpus: 32768", "gpus: -4", 33, 11, "clusters[0].gpus", "expected a positive integer, found '-4'");
    expect_error("racks: 150", "racks: 0", 40, 12, "clusters[1].racks", "expected a positive integer, found '0'");
    expect_error("pue: 1.15", "pue: 0.95", 17, 10, "sites[0].pue", "expected a PUE of at least 1, found '0.95'");
    expect_error("[1.2, 1.2, 1.2, 1.3", "[1.2, 1.2, 0.9, 1.3", 0, 0, "sites[1].pue.monthly[2]", "found '0.9'");
    expect_error("lat: 32.45", "lat: 95", 12, 10, "sites[0].lat", "within [-90, 90], found '95'");
    expect_error("lon: -122.1", "lon: 190", 0, 0, "services[0].regions[1].lon", "found '190'");
    expect_error("tz: America/Chicago", "tz: Mars/Olympus", 14, 9, "sites[0].tz", "found 'Mars/Olympus'");
    expect_error("share: 0.3", "share: 0.2", 70, 7, "services[0].regions", "expected region shares summing to 1, found 0.9");
    expect_error("tier: 0.9", "tier: 1.5", 53, 13, "training.runs[0].tier", "expected a fraction within (0, 1], found '1.5'");
    expect_error("duration: 4min", "duration: 3h", 50, 44, "training.runs[0].checkpoint.duration",
                 "expected a checkpoint shorter than its interval (3h), found '3h'");
    expect_error("deadline: 2024-02-15", "deadline: 2024-01-20", 52, 17, "training.runs[0].deadline",
                 "found '2024-01-20T00:00:00Z'");
    expect_error("  - {id: H100, board_w: 690}", "  - {id: H100, board_w: -690}", 5, 25, "gpus[1].board_w",
                 "expected a positive power in W, found '-690'");
}

static void test_overlapping_runs_must_fit_the_cluster(void **state)
{
    (void)state;
    expect_error("start: 2024-03-01", "start: 2024-01-10", 57, 14, "training.runs[1].start",
                 "run 'run-2' overlaps run 'run-1' on cluster 'abilene-a' at 2024-01-10T00:00:00Z: "
                 "expected at most the cluster's 32768 GPUs in use, found 49152");
}

static void test_syntax_errors_and_empty_files(void **state)
{
    (void)state;
    expect_error("    lat: 39.04\n", "    lat: [39.04\n", 23, 8, "", "YAML syntax error");
    const char *path = write_file("f.yaml", "# nothing here\n");
    gs_fleet *f = NULL;
    gs_error err = {0};
    assert_int_equal(gs_fleet_load(path, &f, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "the file is empty"));
    assert_string_equal(err.file, path);
    path = write_file("f.yaml", "just a string\n");
    assert_int_equal(gs_fleet_load(path, &f, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "expected a fleet"));
    assert_null(f);
    snprintf(err.file, sizeof err.file, "x");
    assert_int_equal(gs_fleet_load("/nonexistent/fleet.yaml", &f, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "no such file"));
}

/* A fleet built by hand, as the engines' tests do. */
static gs_fleet *hand_fleet(void)
{
    gs_fleet *f = calloc(1, sizeof *f);
    gs_error err = {0};
    assert_int_equal(gs_gpu_catalog(&f->gpus, &f->ngpus, &err), 0);
    f->nzones = 1;
    f->zones = calloc(1, sizeof *f->zones);
    snprintf(f->zones[0].id, sizeof f->zones[0].id, "Z");
    f->nsites = 1;
    f->sites = calloc(1, sizeof *f->sites);
    gs_site *s = &f->sites[0];
    snprintf(s->id, sizeof s->id, "s");
    snprintf(s->tz, sizeof s->tz, "UTC");
    s->interconnect_mw = 10;
    s->pue = 1.2;
    f->nclusters = 1;
    f->clusters = calloc(1, sizeof *f->clusters);
    gs_cluster *c = &f->clusters[0];
    snprintf(c->id, sizeof c->id, "c");
    c->gpu = gs_fleet_find_gpu(f, "H100");
    c->gpus = 1000;
    c->racks = 10;
    c->utilisation = 0.9;
    c->service = -1;
    f->nruns = 2;
    f->runs = calloc(2, sizeof *f->runs);
    for (int i = 0; i < 2; i++) {
        gs_run *r = &f->runs[i];
        snprintf(r->id, sizeof r->id, "r%d", i);
        r->gpus = 500;
        r->start_s = i * 3600;
        r->length_s = 86400;
        r->utilisation = -1;
        r->tier = 1;
        snprintf(r->workload, sizeof r->workload, "pretraining");
    }
    return f;
}

static void test_validate_checks_hand_built_fleets(void **state)
{
    (void)state;
    gs_error err = {0};
    gs_fleet *f = hand_fleet();
    assert_int_equal(gs_fleet_validate(f, &err), 0);
    f->runs[1].gpus = 501;
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "training.runs[1].start");
    assert_int_equal(err.line, 0);
    f->runs[1].gpus = 500;
    f->sites[0].pue = 0.9;
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "sites[0].pue");
    f->sites[0].pue = 1.1;
    f->clusters[0].cls = GS_INFERENCE;
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "clusters[0].service");
    f->clusters[0].cls = GS_TRAINING;
    f->runs[0].ckpt_interval_s = 600;
    f->runs[0].ckpt_duration_s = 600;
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "training.runs[0].checkpoint.duration");
    f->runs[0].ckpt_duration_s = 60;
    f->runs[0].ckpt_power_frac = 0.3;
    f->clusters[0].site = 3;
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "clusters[0].site");
    f->clusters[0].site = 0;
    snprintf(f->sites[0].tz, sizeof f->sites[0].tz, "../etc/passwd");
    f->tz_known = NULL; /* the model alone does not read the tz database */
    assert_int_equal(gs_fleet_validate(f, &err), 0);
    f->tz_known = gs_tz_known; /* the reader's check, as gs_fleet_load sets it */
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "sites[0].tz");
    snprintf(f->sites[0].tz, sizeof f->sites[0].tz, "Europe/Oslo");
    assert_int_equal(gs_fleet_validate(f, &err), 0);
    gs_fleet_free(f);
    gs_fleet_free(NULL);
}

/* power_curves: a table of points (same caps averaged, throughput and draw made non-decreasing,
 * shares of the GPU model's board power) and a DVFS sweep file (relative to the fleet), named
 * by a run and a service. */
static void test_power_curves_are_fitted_and_referenced(void **state)
{
    (void)state;
    write_file("sweep.csv",
               "Workload,GPU power cap,throughput,total GPU power,normalized throughput,power per GPU\n"
               "other,400,1,400,1.0,390\n"
               "infer_a,100,0.01,97,0.25,97\n"
               "infer_a,300,0.03,290,0.9,290\n"
               "infer_a,400,0.033,368,1.0,368\n");
    char *a = variant("zones:\n",
                      "power_curves:\n"
                      "  - id: h100-pt\n"
                      "    workload: pretraining\n"
                      "    gpu: H100\n"
                      "    points:\n"
                      "      - {cap_w: 345, throughput: 0.70, power_w: 340}\n"
                      "      - {cap_w: 345, throughput: 0.66, power_w: 336}\n"
                      "      - {cap_w: 517.5, throughput: 0.65, power_w: 500}\n"
                      "      - {cap_w: 690, throughput: 1.0, power_w: 650}\n"
                      "  - id: sweep-inf\n"
                      "    workload: inference\n"
                      "    board_w: 400\n"
                      "    sweep: {path: sweep.csv, workload: infer_a}\n"
                      "zones:\n");
    const char *from = "      tier: 0.9\n";
    char *at = strstr(a, from);
    assert_non_null(at);
    char *b = malloc(strlen(a) + 512);
    assert_non_null(b);
    snprintf(b, strlen(a) + 512, "%.*s%s      power_curve: h100-pt\n      tier_window: day\n"
             "      leads: {cap: 10s, pause: 2min}\n%s",
             (int)(at - a), a, from, at + strlen(from));
    free(a);
    a = b;
    from = "    latency_budget_ms: 200\n";
    at = strstr(a, from);
    assert_non_null(at);
    b = malloc(strlen(a) + 512);
    assert_non_null(b);
    snprintf(b, strlen(a) + 512, "%.*s%s    power_curve: sweep-inf\n    tier: 0.75\n"
             "    tier_window: run\n    leads: {cap: 30s}\n%s",
             (int)(at - a), a, from, at + strlen(from));
    free(a);
    const char *path = write_file("f.yaml", b);
    free(b);
    gs_fleet *f = NULL;
    gs_error err = {0};
    int rc = gs_fleet_load(path, &f, &err);
    if (rc) {
        char buf[2048];
        gs_error_format(&err, buf, sizeof buf);
        print_error("%s\n", buf);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(f->npower_curves, 2);
    const gs_power_curve *p = &f->power_curves[0];
    assert_string_equal(p->id, "h100-pt");
    assert_string_equal(p->workload, "pretraining");
    assert_string_equal(p->curve.workload, "pretraining");
    assert_int_equal(p->gpu, gs_fleet_find_gpu(f, "H100"));
    assert_true(p->board_w == 690);
    assert_string_equal(p->source, "points");
    assert_int_equal(p->curve.n, 3);
    assert_int_equal(p->curve.has_power, 1);
    assert_true(fabs(p->curve.cap_frac[0] - 0.5) < 1e-12 && fabs(p->curve.cap_frac[1] - 0.75) < 1e-12);
    assert_true(p->curve.cap_frac[2] == 1);
    assert_int_equal(p->curve.samples[0], 2);
    /* (0.70 + 0.66) / 2 = 0.68 then 0.65: pooled, weights 2 and 1, to 0.67 */
    assert_true(fabs(p->curve.throughput_frac[0] - 0.67) < 1e-9);
    assert_true(fabs(p->curve.throughput_frac[1] - 0.67) < 1e-9);
    assert_true(p->curve.throughput_frac[2] == 1);
    assert_true(fabs(p->curve.power_frac[0] - 338.0 / 690) < 1e-9);
    assert_true(fabs(p->curve.power_frac[2] - 650.0 / 690) < 1e-9);
    const gs_power_curve *q = &f->power_curves[1];
    assert_int_equal(q->gpu, -1);
    assert_true(q->board_w == 400);
    assert_int_equal(q->curve.n, 3);
    assert_true(q->curve.cap_frac[0] == 0.25 && q->curve.throughput_frac[1] == 0.9);
    assert_true(fabs(q->curve.power_frac[0] - 97.0 / 400) < 1e-12);
    assert_non_null(strstr(q->source, "sweep.csv, workload infer_a"));
    assert_int_equal(gs_fleet_find_power_curve(f, "sweep-inf"), 1);
    const gs_run *r = &f->runs[0];
    assert_ptr_equal(gs_run_power_curve(f, r), p);
    assert_null(gs_run_power_curve(f, &f->runs[1]));
    assert_int_equal(r->tier_window, GS_TIER_DAY);
    assert_true(r->lead_cap_s == 10 && r->lead_pause_s == 120);
    const gs_service *s = &f->services[0];
    assert_ptr_equal(gs_service_power_curve(f, s), q);
    assert_true(s->tier == 0.75 && s->lead_cap_s == 30);
    assert_int_equal(s->tier_window, GS_TIER_RUN);
    assert_int_equal(gs_fleet_validate(f, &err), 0);
    gs_fleet_free(f);
}

/* checkpoint.on_signal: the SIG prefix and case are dropped; a signal-only checkpoint has no
 * schedule; signal_duration defaults to duration. */
static void test_checkpoint_on_signal(void **state)
{
    (void)state;
    char *t = variant("checkpoint: {interval: 3h, duration: 4min}",
                      "checkpoint: {on_signal: sigusr1, signal_duration: 2min}");
    const char *path = write_file("f.yaml", t);
    free(t);
    gs_fleet *f = NULL;
    gs_error err = {0};
    assert_int_equal(gs_fleet_load(path, &f, &err), 0);
    assert_string_equal(f->runs[0].ckpt_signal, "USR1");
    assert_true(f->runs[0].ckpt_signal_s == 120);
    assert_true(f->runs[0].ckpt_interval_s == 0 && f->runs[0].ckpt_duration_s == 0);
    gs_fleet_free(f);
    t = variant("checkpoint: {interval: 3h, duration: 4min}",
                "checkpoint: {interval: 3h, duration: 4min, on_signal: TERM}");
    path = write_file("f.yaml", t);
    free(t);
    assert_int_equal(gs_fleet_load(path, &f, &err), 0);
    assert_string_equal(f->runs[0].ckpt_signal, "TERM");
    assert_true(f->runs[0].ckpt_signal_s == 240 && f->runs[0].ckpt_interval_s == 3 * 3600.0);
    assert_true(f->runs[0].ckpt_duration_s == 240);
    gs_fleet_free(f);
    expect_error("checkpoint: {interval: 3h, duration: 4min}",
                 "checkpoint: {interval: 3h, duration: 4min, on_signal: STOP}", 50, 61,
                 "training.runs[0].checkpoint.on_signal", "a signal the job can catch");
    expect_error("checkpoint: {interval: 3h, duration: 4min}", "checkpoint: {on_signal: USR2}", 50,
                 19, "training.runs[0].checkpoint", "missing required key 'signal_duration'");
    expect_error("checkpoint: {interval: 3h, duration: 4min}", "checkpoint: {duration: 4min}", 50,
                 19, "training.runs[0].checkpoint", "missing required key 'interval'");
    expect_error("      tier: 0.9\n", "      tier: 0.9\n      tier_window: week\n", 54, 20,
                 "training.runs[0].tier_window", "expected event, day or run, found 'week'");
    expect_error("      tier: 0.9\n", "      tier: 0.9\n      power_curve: mine\n", 54, 20,
                 "training.runs[0].power_curve", "unknown power curve 'mine' (the fleet defines none)");
    expect_error("    latency_budget_ms: 200\n", "    latency_budget_ms: 200\n    tier: 0\n", 68, 11,
                 "services[0].tier", "expected a fraction within (0, 1], found '0'");
}

/* gs_fleet_validate checks what a hand-built fleet may get wrong in the new fields. */
static void test_validate_power_curves_and_signals(void **state)
{
    (void)state;
    const char *path = write_file("f.yaml", VALID);
    gs_fleet *f = NULL;
    gs_error err = {0};
    assert_int_equal(gs_fleet_load(path, &f, &err), 0);
    gs_power_curve pc = {.id = "c", .workload = "pretraining", .gpu = -1, .board_w = 400};
    pc.curve = (gs_capcurve){.workload = "pretraining", .n = 2, .cap_frac = {0.5, 1},
                             .throughput_frac = {0.7, 1}, .samples = {1, 1},
                             .power_frac = {0.45, 0.9}, .has_power = 1};
    f->power_curves = &pc;
    f->npower_curves = 1;
    snprintf(f->runs[0].power_curve, sizeof f->runs[0].power_curve, "c");
    assert_int_equal(gs_fleet_validate(f, &err), 0);
    pc.curve.cap_frac[0] = 1;
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "power_curves[0].points[1]");
    pc.curve.cap_frac[0] = 0.5;
    pc.curve.throughput_frac[1] = 0.9;
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "power_curves[0].points");
    pc.curve.throughput_frac[1] = 1;
    pc.curve.power_frac[0] = 0.95;
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "power_curves[0].points[1]");
    pc.curve.power_frac[0] = 0.45;
    pc.gpu = gs_fleet_find_gpu(f, "X1");
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "training.runs[0].power_curve");
    assert_non_null(strstr(err.message, "measured on X1 GPUs"));
    pc.gpu = -1;
    snprintf(pc.workload, sizeof pc.workload, "chat");
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "power_curves[0].workload");
    snprintf(pc.workload, sizeof pc.workload, "inference");
    snprintf(f->runs[0].ckpt_signal, sizeof f->runs[0].ckpt_signal, "KILL");
    f->runs[0].ckpt_signal_s = 60;
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "training.runs[0].checkpoint.on_signal");
    snprintf(f->runs[0].ckpt_signal, sizeof f->runs[0].ckpt_signal, "USR1");
    f->runs[0].ckpt_signal_s = 0;
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "training.runs[0].checkpoint.signal_duration");
    f->runs[0].ckpt_signal_s = 60;
    f->runs[0].lead_pause_s = -1;
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "training.runs[0].leads.pause");
    f->runs[0].lead_pause_s = 0;
    f->runs[0].tier_window = (gs_tier_window)7;
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "training.runs[0].tier_window");
    f->runs[0].tier_window = GS_TIER_RUN;
    f->services[0].tier = 1.5;
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "services[0].tier");
    f->services[0].tier = 0.5;
    snprintf(f->services[0].power_curve, sizeof f->services[0].power_curve, "d");
    assert_int_equal(gs_fleet_validate(f, &err), GS_EINPUT);
    assert_string_equal(err.field, "services[0].power_curve");
    assert_non_null(strstr(err.message, "expected one of: c"));
    snprintf(f->services[0].power_curve, sizeof f->services[0].power_curve, "c");
    assert_int_equal(gs_fleet_validate(f, &err), 0);
    assert_string_equal(gs_tier_window_name(GS_TIER_EVENT), "event");
    assert_string_equal(gs_tier_window_name(GS_TIER_DAY), "day");
    assert_string_equal(gs_tier_window_name(GS_TIER_RUN), "run");
    f->power_curves = NULL; /* pc is on the stack */
    f->npower_curves = 0;
    gs_fleet_free(f);
}

static void test_catalogue_and_names(void **state)
{
    (void)state;
    gs_gpu *g = NULL;
    size_t n = 0;
    gs_error err = {0};
    assert_int_equal(gs_gpu_catalog(&g, &n, &err), 0);
    assert_true(n >= 7);
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(g[i].board_w > 0);
        assert_true(g[i].source[0] != '\0');
        if (!strcmp(g[i].id, "H100")) {
            found = 1;
            assert_true(g[i].board_w == 700);
        }
    }
    assert_true(found);
    free(g);
    assert_string_equal(gs_class_name(GS_TRAINING), "training");
    assert_string_equal(gs_class_name(GS_INFERENCE), "inference");
    assert_string_equal(gs_cooling_name(GS_COOL_HYBRID), "hybrid");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_fleet_loads_with_defaults),
        cmocka_unit_test(test_name_defaults_to_file_name),
        cmocka_unit_test(test_regions_file_is_relative_to_the_fleet),
        cmocka_unit_test(test_load_series_reads_scaled_native_series),
        cmocka_unit_test(test_unknown_key_suggests_the_nearest),
        cmocka_unit_test(test_wrong_types_are_named),
        cmocka_unit_test(test_missing_and_duplicate_fields),
        cmocka_unit_test(test_references_must_exist),
        cmocka_unit_test(test_values_out_of_range),
        cmocka_unit_test(test_overlapping_runs_must_fit_the_cluster),
        cmocka_unit_test(test_syntax_errors_and_empty_files),
        cmocka_unit_test(test_validate_checks_hand_built_fleets),
        cmocka_unit_test(test_catalogue_and_names),
        cmocka_unit_test(test_power_curves_are_fitted_and_referenced),
        cmocka_unit_test(test_checkpoint_on_signal),
        cmocka_unit_test(test_validate_power_curves_and_signals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
