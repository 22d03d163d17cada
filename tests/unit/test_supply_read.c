/* test_supply_read.c: the inputs of `gridsplit supply` (src/read/supply_in.c) on hand-made
 * files: ERCOT's fuel mix across both DST days of Central time (the spring day's empty hour,
 * the autumn day's repeated hour after the last labelled column), the hourly generation-by-fuel
 * file (zones, period, the errors naming what the file has) and CarbonExplorer's case files. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gridsplit/time.h"
#include "gridsplit/read/supply.h"
#include "gridsplit/read/tz.h"

static char dir[256];

static void write_file(const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A fuel-mix row: values 1..nv (MWh a quarter-hour), blanks at columns [b0, b1). */
static void row(FILE *f, const char *date, const char *fuel, int nv, int b0, int b1)
{
    fprintf(f, "%s 00:00:00,%s,FINAL,0", date, fuel);
    for (int j = 0; j < nv; j++) {
        if (j >= b0 && j < b1)
            fputs(",", f);
        else
            fprintf(f, ",%d", j + 1);
    }
    fputc('\n', f);
}

static int setup(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/gs_supply_read_XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(dir));
    char p[512];
    snprintf(p, sizeof p, "%s/IntGenbyFuel2023.csv", dir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("Date,Fuel,Settlement Type,Total", f);
    for (int j = 1; j <= 96; j++)
        fprintf(f, ",%d:%02d", (j * 15 / 60) % 24, j * 15 % 60);
    fputc('\n', f);
    /* spring forward: 100 columns, 2:15 .. 3:00 empty (the hour that does not exist) */
    row(f, "2023-03-12", "Wind", 96, 8, 12);
    row(f, "2023-03-12", "Coal", 96, 8, 12);
    row(f, "2023-03-12", "Solar", 96, 8, 12);
    /* fall back: 100 quarter-hours, the repeated hour's second pass after the last column */
    row(f, "2023-11-05", "Wind", 100, 0, 0);
    row(f, "2023-11-05", "Solar", 100, 0, 0);
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* 4 x the mean of the values a..b (1-based, MWh a quarter-hour): the hour's MW */
static double mw(int a, int b) { return 4.0 * (a + b) / 2.0; }

static void ercot_dst_days(void **state)
{
    (void)state;
    gs_tz tz;
    memset(&tz, 0, sizeof tz);
    gs_error err = {0};
    int64_t y0 = gs_utc_from_civil(2023, 1, 1, 0, 0, 0), y1 = gs_utc_from_civil(2024, 1, 1, 0, 0, 0);
    assert_int_equal(gs_tz_load("America/Chicago", y0, y1, &tz, &err), 0);
    /* spring: local midnight is 06:00 UTC; 23 hours */
    int64_t from = gs_utc_from_civil(2023, 3, 12, 6, 0, 0);
    gs_genmix g;
    assert_int_equal(gs_ercot_fuel_mix_read(dir, &tz, from, from + 23 * 3600, &g, &err), 0);
    assert_int_equal(g.n, 23);
    assert_int_equal(g.missing_hours, 0);
    assert_true(fabs(g.wind_mw[0] - mw(1, 4)) < 1e-9);   /* 00:00-01:00 CST */
    assert_true(fabs(g.wind_mw[1] - mw(5, 8)) < 1e-9);   /* 01:00-02:00 CST */
    assert_true(fabs(g.wind_mw[2] - mw(13, 16)) < 1e-9); /* 03:00-04:00 CDT: 08:00 UTC */
    assert_true(fabs(g.wind_mw[22] - mw(93, 96)) < 1e-9);
    assert_true(fabs(g.solar_mw[2] - mw(13, 16)) < 1e-9);
    gs_genmix_free(&g);
    /* fall: local midnight is 05:00 UTC; 25 hours */
    from = gs_utc_from_civil(2023, 11, 5, 5, 0, 0);
    assert_int_equal(gs_ercot_fuel_mix_read(dir, &tz, from, from + 25 * 3600, &g, &err), 0);
    assert_int_equal(g.n, 25);
    assert_int_equal(g.missing_hours, 0);
    assert_true(fabs(g.wind_mw[0] - mw(1, 4)) < 1e-9);    /* 00:00-01:00 CDT */
    assert_true(fabs(g.wind_mw[1] - mw(5, 8)) < 1e-9);    /* 01:00-02:00 CDT */
    assert_true(fabs(g.wind_mw[2] - mw(97, 100)) < 1e-9); /* 01:00-02:00 CST: the extra four */
    assert_true(fabs(g.wind_mw[3] - mw(9, 12)) < 1e-9);   /* 02:00-03:00 CST */
    assert_true(fabs(g.wind_mw[24] - mw(93, 96)) < 1e-9);
    gs_genmix_free(&g);
    /* a year without its file */
    from = gs_utc_from_civil(2024, 6, 1, 0, 0, 0);
    assert_true(gs_ercot_fuel_mix_read(dir, &tz, from, from + 3600, &g, &err) < 0);
    assert_non_null(strstr(err.message, "fuel-mix file for 2024"));
    gs_tz_clear(&tz);
}

static void genmix_zones_and_period(void **state)
{
    (void)state;
    write_file("gen.csv", "time_utc,ba,WND,SUN,NG\n"
                          "2021-01-01 00:00:00,ERCO,100,0,5\n"
                          "2021-01-01 00:00:00,GB,7,1,5\n"
                          "2021-01-01 01:00:00,ERCO,110,2.5,5\n"
                          "2021-01-01 03:00:00,ERCO,90,0,5\n");
    char p[512];
    snprintf(p, sizeof p, "%s/gen.csv", dir);
    gs_genmix g;
    gs_error err = {0};
    int64_t t0 = gs_utc_from_civil(2021, 1, 1, 0, 0, 0);
    assert_int_equal(gs_genmix_read(p, "erco", t0, t0 + 4 * 3600, &g, &err), 0);
    assert_int_equal(g.n, 4);
    assert_true(g.wind_mw[1] == 110 && g.solar_mw[1] == 2.5);
    assert_true(isnan(g.wind_mw[2]));
    assert_int_equal(g.missing_hours, 1);
    gs_genmix_free(&g);
    memset(&err, 0, sizeof err);
    assert_int_equal(gs_genmix_read(p, "FR", t0, t0 + 3600, &g, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "the file's zones: ERCO, GB"));
    memset(&err, 0, sizeof err);
    assert_int_equal(gs_genmix_read(p, "ERCO", t0 + 86400, t0 + 2 * 86400, &g, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "the file has 'ERCO' from 2021-01-01T00:00:00Z to "
                                    "2021-01-01T03:00:00Z"));
    write_file("gen_bad.csv", "time_utc,ba,WND,SUN\n2021-01-01 00:00:00,ERCO,nan,0\n");
    snprintf(p, sizeof p, "%s/gen_bad.csv", dir);
    memset(&err, 0, sizeof err);
    assert_int_equal(gs_genmix_read(p, "ERCO", t0, t0 + 3600, &g, &err), GS_EINPUT);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);
}

static void case_files(void **state)
{
    (void)state;
    char text[4096] = "index,ren_mw,dc_mw\n";
    for (int h = 0; h < 24; h++) {
        size_t l = strlen(text);
        snprintf(text + l, sizeof text - l, "2021-01-01 %02d:00:00,%d,70.5\n", h, h * 10);
    }
    write_file("case.csv", text);
    char p[512];
    snprintf(p, sizeof p, "%s/case.csv", dir);
    gs_supply_case c;
    gs_error err = {0};
    assert_int_equal(gs_supply_case_read(p, &c, &err), 0);
    assert_int_equal(c.n, 24);
    assert_true(c.ren_mw[23] == 230 && c.load_mw[0] == 70.5);
    assert_true(c.t_s[1] - c.t_s[0] == 3600);
    gs_supply_case_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ercot_dst_days),
        cmocka_unit_test(genmix_zones_and_period),
        cmocka_unit_test(case_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
