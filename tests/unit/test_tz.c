/* test_tz: offsets read from the system tz database, including DST transitions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "gridsplit/tz.h"
#include "gridsplit/error.h"
#include "gridsplit/read/tz.h"

/* 2024-03-10 08:00 UTC is 02:00 CST -> 03:00 CDT in Chicago. */
static void chicago_switches_to_daylight_time_on_second_sunday_of_march(void **state)
{
    (void)state;
    gs_tz tz;
    gs_error err = {0};
    assert_int_equal(gs_tz_load("America/Chicago", 1704067200, 1735689600, &tz, &err), 0);
    assert_int_equal(gs_tz_offset(&tz, 1710057600 - 1, NULL), -6 * 3600);
    assert_int_equal(gs_tz_offset(&tz, 1710057600, NULL), -5 * 3600);
    /* 2024-11-03 07:00 UTC back to CST */
    assert_int_equal(gs_tz_offset(&tz, 1730617200 - 1, NULL), -5 * 3600);
    assert_int_equal(gs_tz_offset(&tz, 1730617200, NULL), -6 * 3600);
    assert_true(tz.n == 3);
    gs_tz_clear(&tz);
}

static void singapore_has_one_fixed_offset(void **state)
{
    (void)state;
    gs_tz tz;
    gs_error err = {0};
    assert_int_equal(gs_tz_load("Asia/Singapore", 1704067200, 1735689600, &tz, &err), 0);
    assert_int_equal(tz.n, 1);
    assert_int_equal(gs_tz_offset(&tz, 1720000000, NULL), 8 * 3600);
    gs_tz_clear(&tz);
}

static void unknown_zone_is_bad_input_naming_it(void **state)
{
    (void)state;
    gs_tz tz;
    gs_error err = {0};
    assert_int_equal(gs_tz_load("Mars/Olympus_Mons", 0, 1, &tz, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "Mars/Olympus_Mons"));
    assert_int_equal(gs_tz_load("../etc/passwd", 0, 1, &tz, &err), GS_EINPUT);
}

static void monotone_hint_gives_same_answers(void **state)
{
    (void)state;
    gs_tz tz;
    gs_error err = {0};
    assert_int_equal(gs_tz_load("Europe/Berlin", 1577836800, 1735689600, &tz, &err), 0);
    size_t hint = 0;
    for (int64_t t = 1577836800; t < 1735689600; t += 3600)
        assert_int_equal(gs_tz_offset(&tz, t, &hint), gs_tz_offset(&tz, t, NULL));
    gs_tz_clear(&tz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chicago_switches_to_daylight_time_on_second_sunday_of_march),
        cmocka_unit_test(singapore_has_one_fixed_offset),
        cmocka_unit_test(unknown_zone_is_bad_input_naming_it),
        cmocka_unit_test(monotone_hint_gives_same_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
