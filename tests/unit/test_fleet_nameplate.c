/* test_fleet_nameplate.c: a fleet's size against what it can be (src/model/fleet.c, read by
 * src/read/fleet_yaml.c): a site's nameplate (GPUs x (board_w + overhead_w) x peak PUE) above
 * 1.5x its interconnection is refused at interconnect_mw unless the site says
 * `oversubscribed: true`, which gives the warning every command prints; absurd GPU counts and
 * GPU powers are refused where they are written. */
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
#include "gridsplit/read/fleet.h"

static char dir[64];

static int setup(void **st)
{
    (void)st;
    snprintf(dir, sizeof dir, "/tmp/gs_test_nameplate_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A one-site fleet: SITE_EXTRA is added to the site's mapping, GPUS and RACKS to its one H100
 * training cluster, GPU_ENTRY (may be "") under gpus:. Written to DIR/NAME. */
static const char *fleet_file(const char *name, const char *site_extra, const char *gpus,
                              const char *gpu_entry)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "name: nameplate\n"
            "%s%s"
            "zones:\n"
            "  - id: ERCOT\n"
            "sites:\n"
            "  - {id: west-texas, lat: 32.45, lon: -99.73, tz: America/Chicago, zone: ERCOT, "
            "interconnect_mw: 200, pue: 1.15%s}\n"
            "clusters:\n"
            "  - {id: wt, site: west-texas, class: training, gpu: H100, gpus: %s, racks: 3072}\n",
            gpu_entry[0] ? "gpus:\n" : "", gpu_entry, site_extra, gpus);
    fclose(f);
    return path;
}

static gs_fleet *load_ok(const char *path)
{
    gs_fleet *f = NULL;
    gs_error e = {0};
    if (gs_fleet_load(path, &f, &e) != GS_OK) {
        char buf[1600];
        gs_error_format(&e, buf, sizeof buf);
        fail_msg("%s", buf);
    }
    return f;
}

static gs_error load_bad(const char *path)
{
    gs_fleet *f = NULL;
    gs_error e = {0};
    assert_int_equal(gs_fleet_load(path, &f, &e), GS_EINPUT);
    assert_null(f);
    return e;
}

/* The demo's West Texas campus: 98,304 H100 x (700 + 575) W x 1.15 = 144.1 MW on 200 MW. */
static void test_a_nameplate_within_the_interconnection_is_accepted_silently(void **st)
{
    (void)st;
    gs_fleet *f = load_ok(fleet_file("ok.yaml", "", "98304", ""));
    assert_true(fabs(gs_site_nameplate_mw(f, 0) - 98304 * 1275.0 * 1.15 / 1e6) < 1e-9);
    assert_true(gs_site_peak_pue(&f->sites[0]) == 1.15);
    char line[512] = "";
    assert_int_equal(gs_site_nameplate_warning(f, 0, line, sizeof line), 0);
    assert_string_equal(line, "");
    gs_fleet_free(f);
    /* up to 1.5x is a modest, accepted oversubscription: 200,000 GPUs = 293.25 MW = 1.47x */
    f = load_ok(fleet_file("modest.yaml", "", "200000", ""));
    assert_int_equal(f->sites[0].oversubscribed, 0);
    gs_fleet_free(f);
}

static void test_a_nameplate_far_above_the_interconnection_is_refused(void **st)
{
    (void)st;
    const char *p = fleet_file("far.yaml", "", "250000", "");
    gs_error e = load_bad(p);
    assert_string_equal(e.field, "sites[0].interconnect_mw");
    assert_int_equal(e.line, 5);
    assert_true(e.column > 80);
    assert_string_equal(e.message,
                        "site 'west-texas' has a nameplate of 366.6 MW (250000 GPUs x (board_w + "
                        "overhead_w) x peak PUE 1.15), 1.83x its interconnection: expected an "
                        "interconnect_mw of at least 244.4 MW (nameplate / 1.5), found 200; fewer "
                        "GPUs, a larger interconnect_mw, or oversubscribed: true on the site if it "
                        "is intended");
}

static void test_an_intended_oversubscription_is_accepted_with_a_warning(void **st)
{
    (void)st;
    gs_fleet *f = load_ok(fleet_file("intended.yaml", ", oversubscribed: true", "250000", ""));
    assert_int_equal(f->sites[0].oversubscribed, 1);
    char line[512];
    assert_int_equal(gs_site_nameplate_warning(f, 0, line, sizeof line), 1);
    assert_string_equal(line, "site 'west-texas': nameplate 366.6 MW is 1.83x its interconnect_mw "
                              "of 200.0 MW (above 1.5x: the fleet says it is intended, "
                              "oversubscribed: true)");
    gs_fleet_free(f);
    /* saying so where the nameplate fits: no warning */
    f = load_ok(fleet_file("said.yaml", ", oversubscribed: true", "98304", ""));
    assert_int_equal(gs_site_nameplate_warning(f, 0, line, sizeof line), 0);
    gs_fleet_free(f);
    f = load_ok(fleet_file("false.yaml", ", oversubscribed: false", "98304", ""));
    assert_int_equal(f->sites[0].oversubscribed, 0);
    gs_fleet_free(f);
    gs_error e = load_bad(fleet_file("yes.yaml", ", oversubscribed: yes", "98304", ""));
    assert_string_equal(e.field, "sites[0].oversubscribed");
    assert_string_equal(e.message, "expected false or true, found 'yes'");
}

static void test_the_peak_pue_counts(void **st)
{
    (void)st;
    /* 180,000 GPUs x 1275 W = 229.5 MW IT: x 1.15 = 263.9 MW (1.32x, ok); x 1.4 in one month =
     * 321.3 MW (1.61x, refused) */
    gs_fleet *f = load_ok(fleet_file("const.yaml", "", "180000", ""));
    gs_fleet_free(f);
    const char *p = fleet_file("monthly.yaml",
                               ", pue: {monthly: [1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.4, 1.1, 1.1, "
                               "1.1, 1.1, 1.1]}",
                               "180000", "");
    /* the site mapping then holds pue twice: write it without the constant one */
    FILE *fp = fopen(p, "r");
    char text[2048];
    size_t n = fread(text, 1, sizeof text - 1, fp);
    fclose(fp);
    text[n] = 0;
    char *dup = strstr(text, "pue: 1.15, ");
    assert_non_null(dup);
    memmove(dup, dup + strlen("pue: 1.15, "), strlen(dup + strlen("pue: 1.15, ")) + 1);
    fp = fopen(p, "w");
    fputs(text, fp);
    fclose(fp);
    gs_error e = load_bad(p);
    assert_string_equal(e.field, "sites[0].interconnect_mw");
    assert_non_null(strstr(e.message, "nameplate of 321.3 MW (180000 GPUs x (board_w + "
                                      "overhead_w) x peak PUE 1.4), 1.61x"));
}

static void test_absurd_counts_and_powers_are_refused_where_written(void **st)
{
    (void)st;
    /* two billion GPUs on 200 MW (issue 8): the count itself, before any nameplate */
    gs_error e = load_bad(fleet_file("2e9.yaml", "", "2000000000", ""));
    assert_string_equal(e.field, "clusters[0].gpus");
    assert_int_equal(e.line, 7);
    assert_string_equal(e.message, "expected at most 10000000 GPUs in a cluster (thirty times the "
                                   "largest built), found '2000000000'");
    /* ten million is the limit, and with oversubscribed the fleet loads */
    gs_fleet *f = load_ok(fleet_file("1e7.yaml", ", oversubscribed: true", "10000000", ""));
    assert_true(fabs(gs_site_nameplate_mw(f, 0) - 1e7 * 1275 * 1.15 / 1e6) < 1e-6);
    gs_fleet_free(f);
    /* a GPU of 1e308 W would make every power of the fleet infinite */
    e = load_bad(fleet_file("board.yaml", "", "8",
                            "  - {id: H100, board_w: 1e308}\n"));
    /* the field names the merged catalogue's index (the built-in models come first); the line
     * is the fleet's entry */
    assert_int_equal(strncmp(e.field, "gpus[", 5), 0);
    assert_non_null(strstr(e.field, "].board_w"));
    assert_int_equal(e.line, 3);
    assert_string_equal(e.message, "expected a power per GPU in W of 0 or more and at most 100000, "
                                   "found '1e+308'");
    e = load_bad(fleet_file("overhead.yaml", "", "8",
                            "  - {id: H100, overhead_w: 2e5}\n"));
    assert_non_null(strstr(e.field, "].overhead_w"));
    assert_int_equal(e.line, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_nameplate_within_the_interconnection_is_accepted_silently),
        cmocka_unit_test(test_a_nameplate_far_above_the_interconnection_is_refused),
        cmocka_unit_test(test_an_intended_oversubscription_is_accepted_with_a_warning),
        cmocka_unit_test(test_the_peak_pue_counts),
        cmocka_unit_test(test_absurd_counts_and_powers_are_refused_where_written),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
