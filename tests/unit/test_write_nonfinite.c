/* test_write_nonfinite.c: the simulation's writers (src/write/simout.c) never print inf or nan:
 * a non-finite power makes load.csv an error with nothing written, an infinite statistic
 * (an overflowed sum) makes summary.json one, while NaN statistics (not defined: no price
 * series, no whole day) stay the documented null. */
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
#include "gridsplit/sim.h"
#include "gridsplit/write/sim.h"

enum { NSTEPS = 4 };

typedef struct world {
    char dir[64];
    gs_fleet f;
    gs_zone zone;
    gs_site site;
    gs_cluster cl[GS_NCLASS];
    gs_sim_result r;
    double mw[GS_NCLASS * NSTEPS];
    gs_load_stats site_class[GS_NCLASS], site_all;
} world;

static void stats_nan(gs_load_stats *s)
{
    s->energy_mwh = 10;
    s->peak_mw = s->min_mw = s->mean_mw = 2.5;
    s->load_factor = 1;
    s->peak_to_trough = s->peak_hour_local = s->coincidence = NAN;
    s->energy_cost_usd = s->mean_price_usd_per_mwh = s->price_coverage = NAN;
    s->co2_t = s->carbon_coverage = NAN;
}

static int setup(void **st)
{
    world *w = calloc(1, sizeof *w);
    if (!w)
        return -1;
    snprintf(w->dir, sizeof w->dir, "/tmp/gs_test_nonfinite_XXXXXX");
    if (!mkdtemp(w->dir))
        return -1;
    snprintf(w->zone.id, sizeof w->zone.id, "ERCOT");
    snprintf(w->site.id, sizeof w->site.id, "west-texas");
    w->site.interconnect_mw = 200;
    w->f.zones = &w->zone;
    w->f.nzones = 1;
    w->f.sites = &w->site;
    w->f.nsites = 1;
    /* a cluster of each class: a class the site has no cluster of has no rows (simout.c) */
    for (int c = 0; c < GS_NCLASS; c++)
        w->cl[c] = (gs_cluster){.site = 0, .cls = (gs_class)c, .gpus = 8, .service = -1};
    w->f.clusters = w->cl;
    w->f.nclusters = GS_NCLASS;
    snprintf(w->f.name, sizeof w->f.name, "nonfinite");
    for (size_t i = 0; i < GS_NCLASS * NSTEPS; i++)
        w->mw[i] = 2.5;
    w->r.start_s = 1704067200; /* 2024-01-01 */
    w->r.step_s = 3600;
    w->r.nsteps = NSTEPS;
    w->r.nsites = 1;
    w->r.mw = w->mw;
    w->r.site_class = w->site_class;
    w->r.site = &w->site_all;
    for (int c = 0; c < GS_NCLASS; c++) {
        stats_nan(&w->site_class[c]);
        stats_nan(&w->r.fleet_class[c]);
    }
    stats_nan(&w->site_all);
    stats_nan(&w->r.fleet);
    *st = w;
    return 0;
}

static int teardown(void **st)
{
    world *w = *st;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", w->dir);
    int rc = system(cmd);
    free(w);
    return rc == 0 ? 0 : -1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

static void test_finite_results_are_written_and_nan_statistics_are_null(void **st)
{
    world *w = *st;
    char path[128];
    gs_error e = {0};
    snprintf(path, sizeof path, "%s/load.csv", w->dir);
    assert_int_equal(gs_write_load_csv(&w->f, &w->r, 0, path, &e), GS_OK);
    char *text = slurp(path);
    assert_non_null(text);
    assert_non_null(strstr(text, "2024-01-01T00:00:00Z,west-texas,training,2.5"));
    assert_null(strstr(text, ",nan"));
    snprintf(path, sizeof path, "%s/summary.json", w->dir);
    assert_int_equal(gs_write_summary_json(&w->f, &w->r, path, &e), GS_OK);
    text = slurp(path);
    assert_non_null(strstr(text, "\"energy_cost_usd\": null"));
    assert_null(strstr(text, ": inf"));
    assert_null(strstr(text, ": -inf"));
    assert_null(strstr(text, ": nan"));
}

static void test_a_non_finite_power_writes_no_load_csv(void **st)
{
    world *w = *st;
    char path[128];
    gs_error e = {0};
    snprintf(path, sizeof path, "%s/load-bad.csv", w->dir);
    w->mw[NSTEPS + 2] = NAN; /* inference, third hour */
    assert_int_equal(gs_write_load_csv(&w->f, &w->r, 0, path, &e), GS_ERUNTIME);
    assert_string_equal(e.message, "the inference power of site 'west-texas' at "
                                   "2024-01-01T02:00:00Z is not a finite number: nothing written");
    assert_int_equal(access(path, F_OK), -1);
    w->mw[NSTEPS + 2] = INFINITY;
    assert_int_equal(gs_write_load_csv(&w->f, &w->r, 0, path, &e), GS_ERUNTIME);
    assert_int_equal(access(path, F_OK), -1);
    w->mw[NSTEPS + 2] = 2.5;
}

static void test_an_overflowed_statistic_writes_no_summary(void **st)
{
    world *w = *st;
    char path[128];
    gs_error e = {0};
    snprintf(path, sizeof path, "%s/summary-bad.json", w->dir);
    /* a price series of 1e308 once made the cost inf, written as null beside a coverage of 1 */
    w->site_class[0].energy_cost_usd = INFINITY;
    w->site_class[0].price_coverage = 1;
    assert_int_equal(gs_write_summary_json(&w->f, &w->r, path, &e), GS_ERUNTIME);
    assert_string_equal(e.field, "energy_cost_usd");
    assert_string_equal(e.message, "site 'west-texas' training: not a finite number: nothing "
                                   "written");
    assert_int_equal(access(path, F_OK), -1);
    w->site_class[0].energy_cost_usd = NAN;
    w->r.fleet.co2_t = -INFINITY;
    assert_int_equal(gs_write_summary_json(&w->f, &w->r, path, &e), GS_ERUNTIME);
    assert_string_equal(e.field, "co2_t");
    assert_string_equal(e.message, "the fleet: not a finite number: nothing written");
    w->r.fleet.co2_t = NAN;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finite_results_are_written_and_nan_statistics_are_null),
        cmocka_unit_test(test_a_non_finite_power_writes_no_load_csv),
        cmocka_unit_test(test_an_overflowed_statistic_writes_no_summary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
