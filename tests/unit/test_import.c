/* test_import.c: every import format on small files written by the test (plain, .gz, .zst),
 * ERCOT Central-time DST both ways, globs, and the exact errors for malformed rows; the one
 * input path check of every reader (gs__path_check); what a number is in a CSV cell (decimal,
 * denormals yes; hex, inf, overflow no) and the range of each quantity (1e308 is no price);
 * the GPUs an nvidia-smi log sums; NUL bytes and byte order marks; and the writers'
 * temporaries removed when the process is killed (write/outfile.c); the common rows read
 * without the general parsers, bit for bit as with them, and the rows beside them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>
#include <zstd.h>

#include "gridsplit/time.h"
#include "gridsplit/read/import.h"
#include "gridsplit/series.h"
#include "read/reader.h"
#include "write/outfile.h"

static char dir[256];

static int setup(void **st)
{
    (void)st;
    snprintf(dir, sizeof dir, "/tmp/gs_test_import_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *put(const char *name, const char *text)
{
    static char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t n = strlen(name);
    if (n > 3 && strcmp(name + n - 3, ".gz") == 0) {
        gzFile g = gzopen(path, "wb");
        assert_non_null(g);
        assert_int_equal(gzwrite(g, text, (unsigned)strlen(text)), (int)strlen(text));
        gzclose(g);
    } else if (n > 4 && strcmp(name + n - 4, ".zst") == 0) {
        size_t cap = ZSTD_compressBound(strlen(text));
        void *buf = malloc(cap);
        size_t z = ZSTD_compress(buf, cap, text, strlen(text), 3);
        assert_false(ZSTD_isError(z));
        FILE *f = fopen(path, "wb");
        fwrite(buf, 1, z, f);
        fclose(f);
        free(buf);
    } else {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
    }
    return path;
}

static int64_t T(const char *s)
{
    int64_t t;
    assert_int_equal(gs_parse_time(s, &t, NULL), GS_OK);
    return t;
}

static gs_points *imp(const char *path, const gs_import_opts *o)
{
    gs_points *p = NULL;
    gs_error e = {0};
    int rc = gs_import_points(path, o, &p, &e);
    if (rc != GS_OK)
        fail_msg("import %s: %s", path, e.message);
    return p;
}

static gs_error imp_fail(const char *path, const gs_import_opts *o)
{
    gs_points *p = NULL;
    gs_error e = {0};
    assert_int_equal(gs_import_points(path, o, &p, &e), GS_EINPUT);
    assert_null(p);
    return e;
}

static void test_csv_reads_named_columns_and_local_time_across_dst(void **st)
{
    (void)st;
    const char *f = put("load.csv", "id,when,mw\n"
                                    "a,2024-03-10 01:00,10\n"
                                    "b,2024-03-10 03:00,11\n"
                                    "c,2024-11-03 01:00,12\n"
                                    "d,2024-11-03 01:00,13\n"
                                    "e,2024-11-03 02:00+00:00,14\n");
    gs_import_opts o = {.time_column = "when", .value_column = "mw", .tz = "America/New_York"};
    gs_points *p = imp(f, &o);
    assert_int_equal(p->n, 5);
    assert_int_equal(p->t[0], T("2024-03-10T06:00Z")); /* EST */
    assert_int_equal(p->t[1], T("2024-03-10T07:00Z")); /* EDT: one hour later in UTC */
    assert_int_equal(p->t[2], T("2024-11-03T05:00Z")); /* first 01:00 (EDT) */
    assert_int_equal(p->t[3], T("2024-11-03T06:00Z")); /* repeated 01:00 (EST) */
    assert_int_equal(p->t[4], T("2024-11-03T02:00Z")); /* an explicit offset wins */
    assert_true(p->v[3] == 13.0);
    assert_string_equal(p->name, "mw");
    gs_points_free(p);
}

static void test_csv_rejects_local_time_inside_the_spring_gap(void **st)
{
    (void)st;
    const char *f = put("gap.csv", "t,v\n2024-03-10 02:30,1\n");
    gs_import_opts o = {.tz = "America/New_York"};
    gs_error e = imp_fail(f, &o);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 1);
    assert_string_equal(e.field, "t");
    assert_non_null(strstr(e.message, "does not exist in time zone America/New_York"));
}

static void test_price_file_is_detected_with_its_unit(void **st)
{
    (void)st;
    const char *f = put("p.csv.zst", "Datetime (UTC),Datetime (Local),Price (USD/MWh)\n"
                                     "2023-01-01 00:00:00+00:00,2022-12-31 18:00:00-06:00,10.42\n"
                                     "2023-01-01 01:00:00+00:00,2022-12-31 19:00:00-06:00,-3.5\n");
    gs_points *p = imp(f, NULL);
    assert_int_equal(p->n, 2);
    assert_string_equal(p->unit, "USD/MWh");
    assert_int_equal(p->t[1], T("2023-01-01T01:00Z"));
    assert_true(p->v[1] == -3.5);
    gs_points_free(p);
}

static void test_carbon_reads_direct_by_default_and_lca_on_request(void **st)
{
    (void)st;
    const char *f = put("c.csv.gz",
                        "Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO\xe2\x82\x82"
                        "eq/kWh (direct),Carbon Intensity gCO\xe2\x82\x82"
                        "eq/kWh (LCA),Low Carbon Percentage\n"
                        "2021-01-01 00:00:00,Australia,New South Wales,AU-NSW,543.41,594.78,28.5\n");
    gs_points *p = imp(f, NULL);
    assert_true(p->v[0] == 543.41);
    assert_string_equal(p->unit, "gCO2/kWh");
    gs_points_free(p);
    gs_import_opts o = {.format = "carbon", .value_column = "lca"};
    p = imp(f, &o);
    assert_true(p->v[0] == 594.78);
    gs_points_free(p);
}

static void test_eia930_keeps_empty_cells_as_missing_points(void **st)
{
    (void)st;
    const char *f = put("ba.csv", "date_time,raw demand (MW),category,cleaned demand (MW)\n"
                                  "2020-01-01 00:00:00,525,OKAY,525\n"
                                  "2020-01-01 01:00:00,EMPTY,MISSING,\n"
                                  "2020-01-01 02:00:00,900,ANOMALOUS,536\n");
    gs_points *p = imp(f, NULL);
    assert_int_equal(p->n, 3);
    assert_true(isnan(p->v[1]));
    assert_true(p->v[2] == 536);
    assert_string_equal(p->unit, "MW");
    gs_points_free(p);
    gs_import_opts o = {.value_column = "raw"};
    p = imp(f, &o);
    assert_true(p->v[2] == 900);
    gs_points_free(p);
    const char *orig = put("orig.csv", "date_time,demand (MW)\n2020-01-01 00:00:00,525\n");
    p = imp(orig, NULL);
    assert_true(p->v[0] == 525);
    gs_points_free(p);
}

static void test_ercot_spp_converts_central_time_with_dst_and_repeated_hour(void **st)
{
    (void)st;
    const char *f = put("spp.csv", "sheet,Delivery Date,Hour Ending,Repeated Hour Flag,Settlement Point,Settlement Point Price\n"
                                   "Mar,03/08/2015,02:00,N,HB_HUBAVG,18.07\n"
                                   "Mar,03/08/2015,02:00,N,HB_NORTH,99\n"
                                   "Mar,03/08/2015,04:00,N,HB_HUBAVG,17.75\n"
                                   "Nov,11/01/2015,02:00,N,HB_HUBAVG,15.5\n"
                                   "Nov,11/01/2015,02:00,Y,HB_HUBAVG,15.34\n"
                                   "Nov,11/01/2015,03:00,N,HB_HUBAVG,13.22\n"
                                   "Dec,12/31/2015,24:00,N,HB_HUBAVG,20\n");
    gs_points *p = imp(f, NULL);
    assert_int_equal(p->n, 6);
    assert_string_equal(p->name, "HB_HUBAVG");
    assert_int_equal(p->t[0], T("2015-03-08T07:00Z")); /* HE02 CST = 01:00-06:00 */
    assert_int_equal(p->t[1], T("2015-03-08T08:00Z")); /* HE04 CDT: contiguous in UTC */
    assert_int_equal(p->t[2], T("2015-11-01T06:00Z")); /* HE02 first (CDT) */
    assert_int_equal(p->t[3], T("2015-11-01T07:00Z")); /* HE02 repeated (CST) */
    assert_int_equal(p->t[4], T("2015-11-01T08:00Z"));
    assert_int_equal(p->t[5], T("2016-01-01T05:00Z")); /* HE24 = 23:00 CST */
    gs_points_free(p);
    gs_import_opts o = {.value_column = "HB_WEST"};
    gs_error e = imp_fail(f, &o);
    assert_non_null(strstr(e.message, "expected rows for settlement point 'HB_WEST', found only HB_HUBAVG, HB_NORTH"));
}

static void test_ercot_as_picks_a_product_despite_header_spaces(void **st)
{
    (void)st;
    const char *f = put("as.csv", "Delivery Date,Hour Ending,Repeated Hour Flag,REGDN,REGUP ,RRS,NSPIN\n"
                                  "01/01/2015,01:00,N,2.11,2.5,3,1\n");
    gs_import_opts o = {.value_column = "REGUP"};
    gs_points *p = imp(f, &o);
    assert_true(p->v[0] == 2.5);
    assert_string_equal(p->unit, "USD/MW-h");
    assert_int_equal(p->t[0], T("2015-01-01T06:00Z"));
    gs_points_free(p);
    o.value_column = NULL;
    gs_error e = imp_fail(f, &o);
    assert_non_null(strstr(e.message, "expected a product"));
}

static void test_nvidia_smi_sums_gpus_per_sample_and_keeps_subseconds(void **st)
{
    (void)st;
    const char *f = put("smi.csv", "timestamp, power.draw [W], utilization.gpu [%], memory.used [MiB]\n"
                                   "2025/07/27 00:34:45.155, 72.36 W, 0 %, 131 MiB\n"
                                   "2025/07/27 00:34:45.160, 70.00 W, 0 %, 17 MiB\n"
                                   "2025/07/27 00:34:45.220, 100.00 W, 0 %, 17 MiB\n"
                                   "2025/07/27 00:34:45.225, 60.00 W, 0 %, 17 MiB\n"
                                   "2025/07/27 00:34:45.355, 80.00 W, 0 %, 17 MiB\n"
                                   "2025/07/27 00:34:45.356, 81.00 W, 0 %, 17 MiB\n"
                                   "2025/07/27 00:34:45.455, 1.00 W, 0 %, 17 MiB\n");
    gs_points *p = imp(f, NULL);
    /* 2 GPUs per sample (most common group); the cut-off last row is dropped */
    assert_int_equal(p->n, 3);
    assert_string_equal(p->unit, "W");
    assert_true(fabs(p->v[0] - 142.36) < 1e-9);
    assert_true(fabs(p->v[1] - 160.0) < 1e-9);
    assert_true(fabs(p->v[2] - 161.0) < 1e-9);
    assert_non_null(p->t_frac);
    assert_true(fabs(p->t_frac[1] - 0.22) < 1e-9);
    gs_points_free(p);
    const char *g = put("agg.csv", "datetime,power_watts,time_seconds\n"
                                   "2025-07-27 00:47:09.120,575.3,0.0\n"
                                   "2025-07-27 00:47:09.236,575.33,0.116\n");
    gs_import_opts o = {.format = "nvidia-smi"};
    p = imp(g, &o);
    assert_int_equal(p->n, 2);
    assert_true(fabs(p->t_frac[1] - 0.236) < 1e-9);
    gs_points_free(p);
}

static void test_glob_reads_matching_files_in_name_order(void **st)
{
    (void)st;
    put("g_2.csv.zst", "t,v\n2024-01-01T02:00Z,2\n");
    put("g_1.csv.gz", "t,v\n2024-01-01T01:00Z,1\n");
    char pat[300];
    snprintf(pat, sizeof pat, "%s/g_*", dir);
    gs_points *p = imp(pat, NULL);
    assert_int_equal(p->n, 2);
    assert_true(p->v[0] == 1 && p->v[1] == 2);
    gs_points_free(p);
    snprintf(pat, sizeof pat, "%s/nothing_*", dir);
    gs_error e = imp_fail(pat, NULL);
    assert_string_equal(e.message, "no file matches");
    assert_string_equal(e.file, pat);
}

/* A file with exactly these bytes (NULs included). */
static const char *put_bytes(const char *name, const char *bytes, size_t n)
{
    static char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    fclose(f);
    return path;
}

static void test_every_reader_checks_its_path_first(void **st)
{
    (void)st;
    char missing[400], line[2048], want[2048];
    snprintf(missing, sizeof missing, "%s/nope.csv", dir);
    gs_error e = {0};
    assert_int_equal(gs__path_check(missing, &e), GS_EINPUT);
    assert_string_equal(e.file, missing);
    assert_string_equal(e.message, "no such file");
    gs_error_format(&e, line, sizeof line);
    snprintf(want, sizeof want, "%s: no such file", missing);
    assert_string_equal(line, want);
    assert_int_equal(gs_exit_code(e.code), 2);
    assert_int_equal(gs__path_check(dir, &e), GS_EINPUT);
    assert_string_equal(e.message, "is a directory");
    assert_int_equal(gs__path_check("/dev/zero", &e), GS_EINPUT);
    assert_string_equal(e.message, "not a regular file or pipe (a character device)");
    assert_int_equal(gs__path_check("-", &e), GS_OK);
    assert_int_equal(gs__path_check("", &e), GS_EINPUT);
    snprintf(want, sizeof want, "%s/x", put("plain.csv", "t,v\n"));
    assert_int_equal(gs__path_check(want, &e), GS_EINPUT);
    assert_string_equal(e.message, "Not a directory");
    /* unreadable: root reads anything, so only when not root */
    const char *locked = put("locked.csv", "t,v\n");
    assert_int_equal(chmod(locked, 0), 0);
    if (geteuid() != 0) {
        assert_int_equal(gs__path_check(locked, &e), GS_EINPUT);
        assert_string_equal(e.message, "Permission denied");
    }
    /* directories (the cables argument) */
    assert_int_equal(gs__dir_check(dir, &e), GS_OK);
    assert_int_equal(gs__dir_check(missing, &e), GS_EINPUT);
    assert_string_equal(e.message, "no such directory");
    assert_int_equal(gs__dir_check(put("notdir.csv", "t,v\n"), &e), GS_EINPUT);
    assert_string_equal(e.message, "not a directory");
    /* the importer: the same message, exit code 2 */
    e = imp_fail(missing, NULL);
    assert_string_equal(e.message, "no such file");
    e = imp_fail(dir, NULL);
    assert_string_equal(e.message, "is a directory");
    assert_null(gs__reader_open(dir, &e));
    assert_int_equal(e.code, GS_EINPUT);
}

static void test_a_nul_byte_is_refused_with_line_and_column(void **st)
{
    (void)st;
    static const char text[] = "t,mw\n2024-01-01T00:00Z,1\n2024-01-01T01:00Z,2\0003\n";
    const char *f = put_bytes("nul.csv", text, sizeof text - 1);
    gs_error e = imp_fail(f, NULL);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 20);
    assert_string_equal(e.message, "expected text, found a NUL byte (a binary file?)");
}

static void test_a_byte_order_mark_opens_a_csv(void **st)
{
    (void)st;
    const char *f = put("bom.csv", "\xEF\xBB\xBFtime,mw\n2024-01-01T00:00Z,5\n");
    gs_points *p = imp(f, NULL);
    assert_int_equal(p->n, 1);
    assert_true(p->v[0] == 5);
    assert_string_equal(p->name, "mw");
    gs_points_free(p);
}

static void test_numbers_are_decimal_finite_and_denormals_count(void **st)
{
    (void)st;
    const char *f = put("num.csv", "t,v\n2024-01-01T00:00Z,4.9e-324\n2024-01-01T01:00Z,-2.2e-310\n"
                                   "2024-01-01T02:00Z,1e-400\n2024-01-01T03:00Z,NaN\n"
                                   "2024-01-01T04:00Z,-1e15\n"
                                   "2024-01-01T05:00Z,+.5E+1\n");
    gs_points *p = imp(f, NULL);
    assert_int_equal(p->n, 6);
    assert_true(p->v[0] == 4.9e-324 && p->v[0] > 0);
    assert_true(p->v[1] == -2.2e-310);
    assert_true(p->v[2] == 0); /* below the smallest denormal: rounds to zero, as any rounding */
    assert_true(isnan(p->v[3])); /* NaN is a missing value (docs/import-formats.md) */
    assert_true(p->v[4] == -1e15); /* the edge of a plain CSV's range */
    assert_true(p->v[5] == 5);
    gs_points_free(p);
    struct {
        const char *cell, *msg;
    } bad[] = {
        {"0x1p3", "expected a decimal number, found '0x1p3' (hexadecimal numbers are not read)"},
        {"-0X10", "expected a decimal number, found '-0X10' (hexadecimal numbers are not read)"},
        {"inf", "expected a finite number, found 'inf' (an empty cell or NaN is a missing value)"},
        {"-Infinity",
         "expected a finite number, found '-Infinity' (an empty cell or NaN is a missing value)"},
        {"1e999", "value '1e999' is out of range: expected |v| <= 1e15 for a value"},
        {"1.7976931348623157e308",
         "value '1.7976931348623157e308' is out of range: expected |v| <= 1e15 for a value"},
        {"-1.000001e15", "value '-1.000001e15' is out of range: expected |v| <= 1e15 for a value"},
        {"12x", "expected a number, found '12x'"},
        {"1e", "expected a number, found '1e'"},
        {".", "expected a number, found '.'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "t,v\n2024-01-01T00:00Z,%s\n", bad[i].cell);
        gs_error e = imp_fail(put("bad_num.csv", text), NULL);
        assert_int_equal(e.line, 2);
        assert_int_equal(e.column, 19);
        assert_string_equal(e.field, "v");
        assert_string_equal(e.message, bad[i].msg);
    }
    /* --scale may not push a value past the range either, nor past the largest double */
    gs_import_opts o = {.scale = 10};
    gs_error e = imp_fail(put("big.csv", "t,v\n2024-01-01T00:00Z,2e14\n"), &o);
    assert_string_equal(e.message, "value '2e14' is out of range once scaled by 10 (2e+15): "
                                   "expected |v| <= 1e15 for a value");
    e = imp_fail(put("big.csv", "t,v\n2024-01-01T00:00Z,1e308\n"), &o);
    assert_string_equal(e.message, "value '1e308' is out of range once scaled by 10: expected "
                                   "|v| <= 1e15 for a value");
}

static void test_nvidia_smi_sum_beyond_its_range_is_refused(void **st)
{
    (void)st;
    const char *f = put("nv_big.csv", "timestamp, index, power.draw [W]\n"
                                      "2025/07/27 00:00:00.000, 0, 6e17 W\n"
                                      "2025/07/27 00:00:00.010, 1, 6e17 W\n");
    gs_error e = imp_fail(f, NULL);
    assert_int_equal(e.line, 2);
    assert_string_equal(e.field, "power.draw [W]");
    assert_string_equal(e.message, "the power of the sample's 2 GPUs adds up to 1.2e+18, out of "
                                   "range: expected |v| <= 1e18 for a power in W");
    /* one row past the range: refused at its cell */
    f = put("nv_big.csv", "timestamp, index, power.draw [W]\n"
                          "2025/07/27 00:00:00.000, 0, 1e308 W\n");
    e = imp_fail(f, NULL);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 28);
    assert_string_equal(e.message,
                        "value '1e308 W' is out of range: expected |v| <= 1e18 for a power in W");
}

/* Each quantity has its range (import-formats.md, "Ranges"): from the format, or from the
 * caller (a fleet's zone price read as a plain CSV), and after the caller's later scale. */
static void test_values_beyond_their_quantity_are_refused_with_the_limit(void **st)
{
    (void)st;
    assert_true(gs_quantity_limit(GS_QTY_PRICE) == 1e9);
    assert_true(gs_quantity_limit(GS_QTY_CARBON) == 1e9);
    assert_true(gs_quantity_limit(GS_QTY_POWER_MW) == 1e12);
    assert_true(gs_quantity_limit(GS_QTY_POWER_W) == 1e18);
    assert_true(gs_quantity_limit(GS_QTY_ANY) == 1e15);
    assert_true(gs_quantity_limit(GS_QTY_AUTO) == 1e15);
    /* a price file: 1e308 is no price */
    gs_error e = imp_fail(put("p.csv", "Datetime (UTC),Datetime (Local),Price (USD/MWh)\n"
                                       "2023-01-01 00:00:00+00:00,2022-12-31 18:00:00-06:00,10\n"
                                       "2023-01-01 01:00:00+00:00,2022-12-31 19:00:00-06:00,1e308\n"),
                          NULL);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 53);
    assert_string_equal(e.field, "Price (USD/MWh)");
    assert_string_equal(e.message, "value '1e308' is out of range: expected |v| <= 1e9 for a price "
                                   "in USD/MWh");
    /* a carbon file */
    e = imp_fail(put("c.csv", "Datetime (UTC),Carbon Intensity gCO2eq/kWh (direct)\n"
                              "2023-01-01 00:00:00,2e9\n"),
                 NULL);
    assert_string_equal(e.message, "value '2e9' is out of range: expected |v| <= 1e9 for a carbon "
                                   "intensity in gCO2/kWh");
    /* EIA-930's raw sentinels (2,147,480,000 MW) are kept: outliers, not range errors */
    const char *ba = put("ba.csv", "date_time,raw demand (MW),category,cleaned demand (MW)\n"
                                   "2020-01-01 00:00:00,2147480000,OKAY,525\n"
                                   "2020-01-01 01:00:00,2e12,OKAY,525\n");
    gs_import_opts raw = {.value_column = "raw"};
    gs_points *p = imp(ba, NULL);
    assert_int_equal(p->n, 2);
    gs_points_free(p);
    e = imp_fail(ba, &raw);
    assert_int_equal(e.line, 3);
    assert_string_equal(e.message, "value '2e12' is out of range: expected |v| <= 1e12 for a "
                                   "power in MW");
    /* a plain CSV the caller says is a price, with the unit label it gives */
    const char *pc = put("pc.csv", "t,EUR\n2024-01-01T00:00Z,5e8\n");
    gs_import_opts price = {.quantity = GS_QTY_PRICE};
    p = imp(pc, &price);
    assert_true(p->v[0] == 5e8);
    gs_points_free(p);
    price.unit = "EUR/MWh";
    price.scale = 3;
    e = imp_fail(pc, &price);
    assert_string_equal(e.message, "value '5e8' is out of range once scaled by 3 (1.5e+09): "
                                   "expected |v| <= 1e9 for a price in EUR/MWh");
    /* the caller's later scale (a fleet's `scale: 1.08`) counts, but is not applied here */
    gs_import_opts later = {.quantity = GS_QTY_PRICE, .range_scale = 4};
    e = imp_fail(pc, &later);
    assert_string_equal(e.message, "value '5e8' is out of range once scaled by 4 (2e+09): "
                                   "expected |v| <= 1e9 for a price in USD/MWh");
    later.range_scale = 2;
    p = imp(pc, &later);
    assert_true(p->v[0] == 5e8);
    gs_points_free(p);
}

/* gpus_out: the GPUs of each sample of a per-GPU nvidia-smi log, 0 for any other file. */
static void test_nvidia_smi_reports_the_gpus_it_sums(void **st)
{
    (void)st;
    const char *f = put("smi3.csv", "timestamp, index, power.draw [W]\n"
                                    "2025/07/27 00:00:00.000, 0, 70 W\n"
                                    "2025/07/27 00:00:00.001, 1, 71 W\n"
                                    "2025/07/27 00:00:00.002, 2, 72 W\n"
                                    "2025/07/27 00:00:00.100, 0, 70 W\n"
                                    "2025/07/27 00:00:00.101, 1, 71 W\n"
                                    "2025/07/27 00:00:00.102, 2, 72 W\n");
    size_t gpus = 99;
    gs_import_opts o = {.gpus_out = &gpus};
    gs_points *p = imp(f, &o);
    assert_int_equal(gpus, 3);
    assert_int_equal(p->n, 2);
    assert_true(p->v[0] == 213);
    gs_points_free(p);
    gpus = 99;
    p = imp(put("plain.csv", "t,v\n2024-01-01T00:00Z,5\n"), &o);
    assert_int_equal(gpus, 0);
    gs_points_free(p);
}

static void test_outfile_temporary_is_removed_on_sigterm(void **st)
{
    (void)st;
    char path[400], tmp[420];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    /* commit and abort release the registration */
    gs__outfile o;
    gs_error e = {0};
    int before = gs__outfile_live_temporaries();
    assert_int_equal(gs__outfile_open(&o, path, &e), GS_OK);
    assert_int_equal(gs__outfile_live_temporaries(), before + 1);
    fputs("x\n", o.f);
    assert_int_equal(gs__outfile_commit(&o, &e), GS_OK);
    assert_int_equal(gs__outfile_live_temporaries(), before);
    assert_int_equal(gs__outfile_open(&o, path, &e), GS_OK);
    gs__outfile_abort(&o);
    assert_int_equal(gs__outfile_live_temporaries(), before);
    assert_int_equal(remove(path), 0);
    /* a child killed while writing leaves neither the file nor its temporary */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        gs__outfile c;
        if (gs__outfile_open(&c, path, NULL) != GS_OK)
            _exit(3);
        fputs("partial\n", c.f);
        fflush(c.f);
        if (write(fds[1], "r", 1) != 1)
            _exit(4);
        for (;;)
            pause();
    }
    close(fds[1]);
    char ready;
    assert_int_equal(read(fds[0], &ready, 1), 1);
    close(fds[0]);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)pid);
    assert_int_equal(access(tmp, F_OK), 0); /* being written */
    assert_int_equal(kill(pid, SIGTERM), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGTERM); /* the default action, re-raised */
    assert_int_equal(access(tmp, F_OK), -1);
    assert_int_equal(access(path, F_OK), -1);
}

static void test_malformed_rows_name_file_line_column_field(void **st)
{
    (void)st;
    const char *f = put("bad_t.csv", "time,mw\n2024-01-01T00:00Z,1\n2024-01-01T0l:00Z,2\n");
    gs_error e = imp_fail(f, NULL);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 1);
    assert_string_equal(e.field, "time");
    assert_non_null(strstr(e.message, "found '2024-01-01T0l:00Z'"));
    assert_non_null(strstr(e.file, "bad_t.csv"));

    f = put("bad_v.csv", "time,mw\n2024-01-01T00:00Z,12x\n");
    e = imp_fail(f, NULL);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 19);
    assert_string_equal(e.field, "mw");
    assert_string_equal(e.message, "expected a number, found '12x'");

    f = put("short.csv", "time,a,b\n2024-01-01T00:00Z,1\n");
    gs_import_opts o = {.value_column = "b"};
    e = imp_fail(f, &o);
    assert_int_equal(e.line, 2);
    assert_non_null(strstr(e.message, "expected 3 fields as in the header, found 2"));

    o.value_column = "mw";
    e = imp_fail(f, &o);
    assert_int_equal(e.line, 1);
    assert_non_null(strstr(e.message, "expected a column named 'mw' in the header, found columns 'time', 'a', 'b'"));

    gs_import_opts u = {.format = "excel"};
    e = imp_fail(f, &u);
    assert_string_equal(e.field, "format");
    assert_non_null(strstr(e.message, "found 'excel'"));

    gs_import_opts w = {.format = "price"};
    e = imp_fail(f, &w);
    assert_non_null(strstr(e.message, "expected the header of a 'price' file"));

    f = put("spp_bad.csv", "Delivery Date,Hour Ending,Repeated Hour Flag,Settlement Point,Settlement Point Price\n"
                           "02/30/2015,01:00,N,HB_HUBAVG,1\n");
    e = imp_fail(f, NULL);
    assert_string_equal(e.field, "Delivery Date");
    assert_non_null(strstr(e.message, "no such day"));
}

/* ---- the common rows, read directly (import.c, fast_row): bit for bit the general path ---- */

static uint64_t next_rand(uint64_t *x)
{
    *x = *x * 6364136223846793005u + 1442695040888963407u;
    return *x >> 33;
}

/* Thousands of rows of the common form, numbers of 1 to 17 digits (16 and 17 are the general
 * path's), signed, with and without a fraction: each value is strtod's of its text bit for bit,
 * each time gs_parse_time's, whichever path read the row. */
static void test_common_rows_read_bit_for_bit_as_strtod_and_the_time_parser(void **st)
{
    (void)st;
    enum { N = 4000 };
    static char text[N * 80 + 64];
    static char cells[N][32], stamps[N][40];
    const char *forms[] = {"%04d-%02d-%02d %02d:00:00", "%04d-%02d-%02dT%02d:00:00Z",
                           "%04d-%02d-%02dT%02d:00", "%04d/%02d/%02d %02d:00:00",
                           "%04d-%02d-%02dT%02d:00:00+05:30", "%04d-%02d-%02d %02d:00:00-06:00"};
    uint64_t seed = 11;
    size_t u = (size_t)snprintf(text, sizeof text, "date_time,demand (MW)\n");
    for (int i = 0; i < N; i++) {
        int digits = 1 + (int)(next_rand(&seed) % 17), frac = (int)(next_rand(&seed) % 6);
        if (frac >= digits)
            frac = 0;
        char num[24];
        for (int k = 0; k < digits; k++)
            num[k] = (char)('0' + next_rand(&seed) % 10);
        num[digits] = '\0';
        const char *sign = next_rand(&seed) % 5 == 0 ? "-" : next_rand(&seed) % 9 == 0 ? "+" : "";
        if (frac)
            snprintf(cells[i], sizeof cells[i], "%s%.*s.%s", sign, digits - frac, num,
                     num + digits - frac);
        else
            snprintf(cells[i], sizeof cells[i], "%s%s", sign, num);
        int day = i / 24;
        snprintf(stamps[i], sizeof stamps[i], forms[next_rand(&seed) % 6], 2019 + day / 336,
                 1 + day / 28 % 12, 1 + day % 28, i % 24);
        u += (size_t)snprintf(text + u, sizeof text - u, "%.39s,%.31s%s", stamps[i], cells[i],
                              i % 3 ? "\n" : "\r\n");
    }
    gs_import_opts o = {.format = "csv", .quantity = GS_QTY_POWER_W}; /* |v| <= 1e18 */
    gs_points *p = imp(put("common.csv", text), &o);
    assert_int_equal(p->n, N);
    assert_null(p->t_frac);
    for (int i = 0; i < N; i++) {
        double want = strtod(cells[i], NULL);
        if (memcmp(&p->v[i], &want, sizeof want) != 0)
            fail_msg("row %d: '%s' read as %.17g, strtod gives %.17g", i + 2, cells[i], p->v[i],
                     want);
        assert_int_equal(p->t[i], T(stamps[i]));
    }
    gs_points_free(p);
}

/* Rows beside the common forms are the general path's, read as before: 24:00, a leap second,
 * a fraction of a second, lower-case z, +HHMM, spaces, a quoted field, an exponent, 16 digits,
 * the missing-value words, extra columns. */
static void test_rows_beside_the_common_forms_read_as_before(void **st)
{
    (void)st;
    const char *f = put("beside.csv", "time,mw,note\n"
                                      "2024-01-01 24:00:00,1,a\n"
                                      "2024-01-02 23:59:60,2.5,b\n"
                                      "2024-01-03 00:00:00.5,3\n"
                                      "2024-01-04T00:00z,1e3,\n"
                                      "2024-01-05T00:00:00+0100,  7 ,\n"
                                      "\"2024-01-06 00:00:00\",\"8\",\"x,y\"\n"
                                      "2024-01-07 00:00:00,1234567890123456,c\n"
                                      "2024-01-08 00:00:00,EMPTY,d\n"
                                      "2024-01-09 00:00:00,,e\n"
                                      "2024-01-10 00:00:00,NaN\n"
                                      "2024-01-11 00:00:00,-0,f\n");
    gs_import_opts o = {.value_column = "mw", .quantity = GS_QTY_POWER_W};
    gs_points *p = imp(f, &o);
    assert_int_equal(p->n, 11);
    assert_int_equal(p->t[0], T("2024-01-02T00:00:00Z"));
    assert_int_equal(p->t[1], T("2024-01-02T23:59:59Z"));
    assert_int_equal(p->t[2], T("2024-01-03T00:00:00Z"));
    assert_non_null(p->t_frac);
    assert_true(p->t_frac[2] == 0.5 && p->t_frac[0] == 0);
    assert_int_equal(p->t[3], T("2024-01-04T00:00:00Z"));
    assert_int_equal(p->t[4], T("2024-01-04T23:00:00Z"));
    assert_int_equal(p->t[5], T("2024-01-06T00:00:00Z"));
    double want[] = {1, 2.5, 3, 1000, 7, 8, 1234567890123456.0};
    for (int i = 0; i < 7; i++)
        assert_true(p->v[i] == want[i]);
    assert_true(isnan(p->v[7]) && isnan(p->v[8]) && isnan(p->v[9]));
    assert_true(p->v[10] == 0 && signbit(p->v[10]));
    gs_points_free(p);
    /* a quoted field before the time column holds what looks like a whole row */
    f = put("quoted.csv", "id,time,mw\n\"a,2024-01-01 00:00:00,5,b\",2024-01-02 00:00:00,7\n");
    o.time_column = "time";
    p = imp(f, &o);
    assert_int_equal(p->n, 1);
    assert_int_equal(p->t[0], T("2024-01-02T00:00:00Z"));
    assert_true(p->v[0] == 7);
    gs_points_free(p);
}

/* A row of the common form the general path refuses is refused with the general path's
 * message, line, column and field: no day 30 in February, no hour 25, a value beyond the
 * quantity's limit, a number followed by letters. */
static void test_common_rows_are_refused_as_the_general_path_refuses(void **st)
{
    (void)st;
    struct {
        const char *row, *msg;
        int col;
    } bad[] = {
        {"2024-02-30 00:00:00,5",
         "expected an ISO 8601 time such as 2024-01-01T00:00:00Z: day out of range for the month, "
         "found '2024-02-30 00:00:00'", 1},
        {"2023-02-29 00:00:00,5",
         "expected an ISO 8601 time such as 2024-01-01T00:00:00Z: day out of range for the month, "
         "found '2023-02-29 00:00:00'", 1},
        {"2100-02-29 00:00:00,5",
         "expected an ISO 8601 time such as 2024-01-01T00:00:00Z: day out of range for the month, "
         "found '2100-02-29 00:00:00'", 1},
        {"2024-01-01 24:30:00,5",
         "expected an ISO 8601 time such as 2024-01-01T00:00:00Z: hour, minute or second out of "
         "range, found '2024-01-01 24:30:00'", 1},
        {"2024-13-01 00:00:00,5",
         "expected an ISO 8601 time such as 2024-01-01T00:00:00Z: month out of range, found "
         "'2024-13-01 00:00:00'", 1},
        {"2024-01-01T00:00:00+19:00,5",
         "expected an ISO 8601 time such as 2024-01-01T00:00:00Z: UTC offset out of range, found "
         "'2024-01-01T00:00:00+19:00'", 1},
        {"2024-01-01 25:00:00,5",
         "expected an ISO 8601 time such as 2024-01-01T00:00:00Z: hour, minute or second out of "
         "range, found '2024-01-01 25:00:00'", 1},
        {"2024-01-01 00:00:00,2000000000000",
         "value '2000000000000' is out of range: expected |v| <= 1e12 for a power in MW", 21},
        {"2024-01-01 00:00:00,12x", "expected a number, found '12x'", 21},
        {"2024-01-01 00:00:00,", NULL, 0}, /* an empty cell is a missing value: read */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[160];
        snprintf(text, sizeof text, "date_time,demand (MW)\n2024-01-01 00:00:00,1\n%s\n",
                 bad[i].row);
        gs_import_opts o = {.format = "csv", .quantity = GS_QTY_POWER_MW};
        if (!bad[i].msg) {
            gs_points *p = imp(put("read.csv", text), &o);
            assert_int_equal(p->n, 2);
            assert_true(isnan(p->v[1]));
            gs_points_free(p);
            continue;
        }
        gs_error e = imp_fail(put("refused.csv", text), &o);
        assert_int_equal(e.line, 3);
        assert_int_equal(e.column, bad[i].col);
        assert_string_equal(e.field, bad[i].col == 1 ? "date_time" : "demand (MW)");
        assert_string_equal(e.message, bad[i].msg);
    }
}

/* Naive times of the common form in a time zone: the repeated hour of the autumn change in
 * order (first EDT, then EST), an explicit offset winning, and the hour the spring change
 * skips refused at its column. */
static void test_common_rows_in_a_time_zone_across_dst(void **st)
{
    (void)st;
    const char *f = put("tz.csv", "id,date_time,mw\n"
                                  "a,2024-11-03 00:00:00,1\n"
                                  "b,2024-11-03T01:00:00,2\n"
                                  "c,2024-11-03 01:00:00,3\n"
                                  "d,2024-11-03 02:00:00,4\n"
                                  "e,2024-11-03 02:00:00Z,5\n");
    gs_import_opts o = {.time_column = "date_time", .value_column = "mw",
                        .tz = "America/New_York"};
    gs_points *p = imp(f, &o);
    assert_int_equal(p->n, 5);
    assert_int_equal(p->t[0], T("2024-11-03T04:00:00Z"));
    assert_int_equal(p->t[1], T("2024-11-03T05:00:00Z")); /* 01:00 EDT */
    assert_int_equal(p->t[2], T("2024-11-03T06:00:00Z")); /* 01:00 EST, repeated */
    assert_int_equal(p->t[3], T("2024-11-03T07:00:00Z"));
    assert_int_equal(p->t[4], T("2024-11-03T02:00:00Z"));
    assert_true(p->v[2] == 3);
    gs_points_free(p);
    gs_error e = imp_fail(put("gap2.csv", "id,date_time,mw\na,2024-03-10 01:00:00,1\n"
                                          "b,2024-03-10 02:00:00,2\n"),
                          &o);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 3);
    assert_string_equal(e.field, "date_time");
    assert_non_null(strstr(e.message, "local time 2024-03-10T02:00:00 does not exist in time zone "
                                      "America/New_York"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_reads_named_columns_and_local_time_across_dst),
        cmocka_unit_test(test_csv_rejects_local_time_inside_the_spring_gap),
        cmocka_unit_test(test_price_file_is_detected_with_its_unit),
        cmocka_unit_test(test_carbon_reads_direct_by_default_and_lca_on_request),
        cmocka_unit_test(test_eia930_keeps_empty_cells_as_missing_points),
        cmocka_unit_test(test_ercot_spp_converts_central_time_with_dst_and_repeated_hour),
        cmocka_unit_test(test_ercot_as_picks_a_product_despite_header_spaces),
        cmocka_unit_test(test_nvidia_smi_sums_gpus_per_sample_and_keeps_subseconds),
        cmocka_unit_test(test_glob_reads_matching_files_in_name_order),
        cmocka_unit_test(test_every_reader_checks_its_path_first),
        cmocka_unit_test(test_a_nul_byte_is_refused_with_line_and_column),
        cmocka_unit_test(test_a_byte_order_mark_opens_a_csv),
        cmocka_unit_test(test_numbers_are_decimal_finite_and_denormals_count),
        cmocka_unit_test(test_nvidia_smi_sum_beyond_its_range_is_refused),
        cmocka_unit_test(test_values_beyond_their_quantity_are_refused_with_the_limit),
        cmocka_unit_test(test_nvidia_smi_reports_the_gpus_it_sums),
        cmocka_unit_test(test_outfile_temporary_is_removed_on_sigterm),
        cmocka_unit_test(test_malformed_rows_name_file_line_column_field),
        cmocka_unit_test(test_common_rows_read_bit_for_bit_as_strtod_and_the_time_parser),
        cmocka_unit_test(test_rows_beside_the_common_forms_read_as_before),
        cmocka_unit_test(test_common_rows_are_refused_as_the_general_path_refuses),
        cmocka_unit_test(test_common_rows_in_a_time_zone_across_dst),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
