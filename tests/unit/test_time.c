/* test_time.c: ISO 8601 and nvidia-smi timestamps, step durations, calendar arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gridsplit/time.h"

static int64_t T(const char *s)
{
    int64_t t = -1;
    gs_error e = {0};
    int rc = gs_parse_time(s, &t, &e);
    if (rc != GS_OK)
        fail_msg("'%s': %s", s, e.message);
    return t;
}

static void test_parse_time_accepts_iso_forms_and_offsets(void **st)
{
    (void)st;
    assert_int_equal(T("1970-01-01"), 0);
    assert_int_equal(T("2024-01-01"), 1704067200);
    assert_int_equal(T("2024-01-01T00:00"), 1704067200);
    assert_int_equal(T("2024-01-01 00:00:00"), 1704067200);
    assert_int_equal(T("2024-01-01T00:00:00Z"), 1704067200);
    assert_int_equal(T("2024-01-01 02:00:00+02:00"), 1704067200);
    assert_int_equal(T("2023-12-31 18:00:00-06:00"), 1704067200);
    assert_int_equal(T("2024-01-01T05:30:00+0530"), 1704067200);
    assert_int_equal(T("  2024-01-01T00:00:00Z  "), 1704067200);
    assert_int_equal(T("2024-01-01 24:00"), 1704067200 + 86400);
    assert_int_equal(T("1969-12-31T23:59:59Z"), -1);
}

static void test_parse_time_handles_leap_years(void **st)
{
    (void)st;
    assert_int_equal(T("2024-03-01") - T("2024-02-28"), 2 * 86400);
    assert_int_equal(T("2023-03-01") - T("2023-02-28"), 86400);
    assert_int_equal(T("2000-03-01") - T("2000-02-28"), 2 * 86400);
    assert_int_equal(T("2100-03-01") - T("2100-02-28"), 86400);
    assert_int_equal(T("2024-02-29T12:00:00Z"), 1709208000);
    int64_t t;
    gs_error e = {0};
    assert_int_equal(gs_parse_time("2023-02-29", &t, &e), GS_EINPUT);
    assert_non_null(strstr(e.message, "day out of range"));
}

static void test_parse_time_frac_reads_nvidia_smi_stamps(void **st)
{
    (void)st;
    int64_t t;
    double f = -1;
    int off = -1;
    gs_error e = {0};
    assert_int_equal(gs_parse_time_frac("2025/07/27 00:34:45.155", &t, &f, &off, &e), GS_OK);
    assert_int_equal(t, T("2025-07-27T00:34:45Z"));
    assert_true(f > 0.1549 && f < 0.1551);
    assert_int_equal(off, 0);
    assert_int_equal(gs_parse_time_frac("2025-07-27 00:47:09.120+00:00", &t, &f, &off, &e), GS_OK);
    assert_true(f > 0.1199 && f < 0.1201);
    assert_int_equal(off, 1);
}

static void test_parse_time_frac_stays_below_one_second(void **st)
{
    (void)st;
    int64_t t;
    double f = -1;
    gs_error e = {0};
    /* nanoseconds: the most digits read, and the fraction stays in [0, 1) */
    assert_int_equal(gs_parse_time_frac("2205/07/27 00:22:27.999999999", &t, &f, NULL, &e), GS_OK);
    assert_int_equal(t, T("2205-07-27T00:22:27Z"));
    assert_true(f < 1.0 && f > 0.999999998);
    /* tests/fuzz/nvsmi_time_frac.txt: 17 digits rounded up to exactly 1.0 before */
    assert_int_equal(gs_parse_time_frac("2205/07/27 00:22:27.99999999999999998", &t, &f, NULL, &e),
                     GS_EINPUT);
    assert_string_equal(e.message,
                        "expected an ISO 8601 time such as 2024-01-01T00:00:00Z: at most 9 "
                        "fractional digits of a second (nanoseconds), found '2205/07/27 "
                        "00:22:27.99999999999999998'");
    assert_int_equal(gs_parse_time("2024-01-01T00:00:00.0000000000Z", &t, &e), GS_EINPUT);
    assert_int_equal(gs_parse_time("2024-01-01T00:00:00.000000000Z", &t, &e), GS_OK);
    assert_int_equal(t, T("2024-01-01T00:00:00Z"));
}

static void test_parse_time_rejects_malformed_text_with_what_was_found(void **st)
{
    (void)st;
    const char *bad[] = {"", "yesterday", "2024-13-01", "2024-01-32", "2024-01-01T25:00",
                         "2024-01-01T10:61", "2024-01-01T10:00:00+25:00", "2024-01-01x",
                         "2024-1-1", "2024-01-01T10:00:00.", "2024-01/01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t;
        gs_error e = {0};
        assert_int_equal(gs_parse_time(bad[i], &t, &e), GS_EINPUT);
        assert_non_null(strstr(e.message, "expected an ISO 8601 time"));
        char found[64];
        snprintf(found, sizeof found, "found '%s'", bad[i]);
        assert_non_null(strstr(e.message, found));
    }
}

static void test_format_time_round_trips(void **st)
{
    (void)st;
    char buf[21];
    gs_format_time(0, buf);
    assert_string_equal(buf, "1970-01-01T00:00:00Z");
    gs_format_time(1709208000, buf);
    assert_string_equal(buf, "2024-02-29T12:00:00Z");
    gs_format_time(-1, buf);
    assert_string_equal(buf, "1969-12-31T23:59:59Z");
    for (int64_t t = -400LL * 86400 * 365; t < 400LL * 86400 * 366; t += 86400 * 7 + 3607) {
        gs_format_time(t, buf);
        assert_int_equal(T(buf), t);
    }
}

static void test_civil_conversion_carries_over_fields(void **st)
{
    (void)st;
    assert_int_equal(gs_utc_from_civil(2024, 13, 1, 0, 0, 0), T("2025-01-01"));
    assert_int_equal(gs_utc_from_civil(2024, 1, 1, 24, 0, 0), T("2024-01-02"));
    assert_int_equal(gs_utc_from_civil(2024, 3, 0, 0, 0, 0), T("2024-02-29"));
    int64_t y;
    int mo, d, h, mi, s;
    gs_civil_from_utc(T("2016-12-31T23:59:58Z"), &y, &mo, &d, &h, &mi, &s);
    assert_int_equal(y, 2016);
    assert_int_equal(mo, 12);
    assert_int_equal(d, 31);
    assert_int_equal(h, 23);
    assert_int_equal(mi, 59);
    assert_int_equal(s, 58);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_time_accepts_iso_forms_and_offsets),
        cmocka_unit_test(test_parse_time_handles_leap_years),
        cmocka_unit_test(test_parse_time_frac_reads_nvidia_smi_stamps),
        cmocka_unit_test(test_parse_time_frac_stays_below_one_second),
        cmocka_unit_test(test_parse_time_rejects_malformed_text_with_what_was_found),
        cmocka_unit_test(test_format_time_round_trips),
        cmocka_unit_test(test_civil_conversion_carries_over_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
