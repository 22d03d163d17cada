/* test_resample.c: points to regular series in both directions, the native step, gaps,
 * duplicates and outliers reported with their timestamps, and filling only when asked; the
 * bound on a series' length (GS_SERIES_MAX_STEPS, refused before allocating), finite means and
 * interpolations of finite values near 1.8e308, and the cap on stored issues. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <float.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "gridsplit/time.h"
#include "gridsplit/series.h"

#define H 3600
static const int64_t T0 = 1709164800; /* 2024-02-29T00:00:00Z: a leap day */

static gs_points *hourly(const double *v, size_t n)
{
    gs_points *p = gs_points_new();
    for (size_t i = 0; i < n; i++)
        assert_int_equal(gs_points_push(p, T0 + (int64_t)i * H, 0, v[i]), GS_OK);
    return p;
}

static gs_series *run(const gs_points *p, int64_t from, int64_t to, int64_t step, gs_resample m,
                      gs_fill f, gs_quality *q)
{
    gs_series *s = NULL;
    gs_error e = {0};
    int rc = gs_series_from_points(p, from, to, step, m, f, q, &s, &e);
    if (rc != GS_OK)
        fail_msg("%s", e.message);
    return s;
}

static void test_native_step_is_the_median_spacing(void **st)
{
    (void)st;
    double v[] = {1, 2, 3, 4};
    gs_points *p = hourly(v, 4);
    gs_series *s = run(p, 0, 0, 0, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL);
    assert_int_equal(s->step_s, H);
    assert_int_equal(s->start_s, T0);
    assert_int_equal(s->n, 4);
    assert_true(s->v[3] == 4);
    gs_series_free(s);
    gs_points_free(p);
}

static void test_mean_to_a_coarser_step_averages_each_step(void **st)
{
    (void)st;
    double v[48];
    for (int i = 0; i < 48; i++)
        v[i] = i < 24 ? 10 : 20 + (i % 2);
    gs_points *p = hourly(v, 48);
    gs_series *s = run(p, 0, 0, 86400, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL);
    assert_int_equal(s->n, 2);
    assert_int_equal(s->start_s, T0);
    assert_true(fabs(s->v[0] - 10) < 1e-12);
    assert_true(fabs(s->v[1] - 20.5) < 1e-12);
    gs_series_free(s);
    /* 3 h steps across the leap day into March 1st */
    s = run(p, T0 + 21 * H, T0 + 27 * H, 3 * H, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL);
    assert_int_equal(s->n, 2);
    assert_true(fabs(s->v[0] - 10) < 1e-12);
    assert_true(fabs(s->v[1] - (20 + 21 + 20) / 3.0) < 1e-12);
    gs_series_free(s);
    gs_points_free(p);
}

static void test_finer_steps_hold_or_interpolate(void **st)
{
    (void)st;
    double v[] = {0, 60, 120};
    gs_points *p = hourly(v, 3);
    gs_series *s = run(p, T0, T0 + 2 * H, 900, GS_RESAMPLE_HOLD, GS_FILL_NONE, NULL);
    assert_int_equal(s->n, 8);
    assert_true(s->v[3] == 0 && s->v[4] == 60);
    gs_series_free(s);
    s = run(p, T0, T0 + 2 * H, 900, GS_RESAMPLE_INTERP, GS_FILL_NONE, NULL);
    assert_true(s->v[1] == 15 && s->v[4] == 60 && s->v[7] == 105);
    gs_series_free(s);
    /* mean to a finer step is the covering value */
    s = run(p, T0, T0 + 2 * H, 900, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL);
    assert_true(s->v[3] == 0 && s->v[5] == 60);
    gs_series_free(s);
    gs_points_free(p);
}

static void test_gaps_are_reported_with_timestamps_and_left_empty(void **st)
{
    (void)st;
    double v[] = {1, 2, 3, 4, 5, 6};
    gs_points *p = hourly(v, 6);
    p->t[3] += 2 * H; /* hours 3 and 4 missing */
    p->t[4] += 2 * H;
    p->t[5] += 2 * H;
    gs_quality q = {0};
    gs_series *s = run(p, 0, 0, H, GS_RESAMPLE_MEAN, GS_FILL_NONE, &q);
    assert_int_equal(s->n, 8);
    assert_true(isnan(s->v[3]) && isnan(s->v[4]));
    assert_int_equal(q.gaps, 1);
    assert_int_equal(q.issues[0].kind, GS_ISSUE_GAP);
    assert_int_equal(q.issues[0].t, T0 + 3 * H);
    assert_int_equal(q.issues[0].length_s, 2 * H);
    gs_quality_free(&q);
    gs_series_free(s);
    /* filled only when asked, each filled step reported */
    s = run(p, 0, 0, H, GS_RESAMPLE_MEAN, GS_FILL_INTERP, &q);
    assert_true(fabs(s->v[3] - (3 + 1 / 3.0)) < 1e-12);
    assert_true(fabs(s->v[4] - (3 + 2 / 3.0)) < 1e-12);
    assert_int_equal(q.filled, 2);
    gs_quality_free(&q);
    gs_series_free(s);
    s = run(p, 0, 0, H, GS_RESAMPLE_INTERP, GS_FILL_HOLD, &q);
    assert_true(s->v[3] == 3 && s->v[4] == 3);
    gs_quality_free(&q);
    gs_series_free(s);
    /* a period wider than the data: uncovered head and tail are gaps */
    s = run(p, T0 - 2 * H, T0 + 10 * H, H, GS_RESAMPLE_MEAN, GS_FILL_ZERO, &q);
    assert_int_equal(q.gaps, 3);
    assert_int_equal(q.issues[0].t, T0 - 2 * H);
    assert_true(s->v[0] == 0);
    gs_quality_free(&q);
    gs_series_free(s);
    gs_points_free(p);
}

static void test_duplicates_keep_the_first_value_and_are_reported(void **st)
{
    (void)st;
    gs_points *p = gs_points_new();
    gs_points_push(p, T0 + H, 0, 2);
    gs_points_push(p, T0, 0, 1);
    gs_points_push(p, T0 + H, 0, 99);
    gs_points_push(p, T0 + 2 * H, 0, 3);
    gs_quality q = {0};
    gs_series *s = run(p, 0, 0, H, GS_RESAMPLE_MEAN, GS_FILL_NONE, &q);
    assert_int_equal(s->n, 3);
    assert_true(s->v[0] == 1 && s->v[1] == 2 && s->v[2] == 3);
    assert_int_equal(q.duplicates, 1);
    assert_int_equal(q.issues[0].t, T0 + H);
    assert_true(q.issues[0].value == 99);
    gs_quality_free(&q);
    gs_series_free(s);
    gs_points_free(p);
}

static void test_outliers_are_reported_not_changed(void **st)
{
    (void)st;
    double v[72];
    for (int i = 0; i < 72; i++)
        v[i] = 100 + (i % 5);
    v[40] = 2147480000.0; /* an EIA-930 style sentinel */
    gs_points *p = hourly(v, 72);
    gs_quality q = {0};
    gs_series *s = run(p, 0, 0, H, GS_RESAMPLE_MEAN, GS_FILL_NONE, &q);
    assert_int_equal(q.outliers, 1);
    assert_int_equal(q.issues[0].kind, GS_ISSUE_OUTLIER);
    assert_int_equal(q.issues[0].t, T0 + 40 * H);
    assert_true(s->v[40] == 2147480000.0);
    gs_quality_free(&q);
    gs_series_free(s);
    gs_points_free(p);
}

static void test_subsecond_points_average_into_seconds(void **st)
{
    (void)st;
    gs_points *p = gs_points_new();
    for (int i = 0; i < 20; i++)
        gs_points_push(p, T0 + i / 10, (i % 10) / 10.0, i < 10 ? 500 : 700);
    gs_series *s = run(p, 0, 0, 1, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL);
    assert_int_equal(s->n, 2);
    assert_true(fabs(s->v[0] - 500) < 1e-9 && fabs(s->v[1] - 700) < 1e-9);
    gs_series_free(s);
    gs_points_free(p);
}

static void test_bad_arguments_are_input_errors(void **st)
{
    (void)st;
    double v[] = {NAN, NAN};
    gs_points *p = hourly(v, 2);
    gs_series *s = NULL;
    gs_error e = {0};
    assert_int_equal(gs_series_from_points(p, 0, 0, H, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL, &s, &e), GS_EINPUT);
    assert_null(s);
    assert_int_equal(gs_series_from_points(p, 10, 5, H, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL, &s, &e), GS_EINPUT);
    assert_int_equal(gs_series_from_points(p, 0, 0, -1, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL, &s, &e), GS_EINPUT);
    gs_points_free(p);
}

static void test_series_steps_counts_and_bounds_the_period(void **st)
{
    (void)st;
    size_t n = 7;
    gs_error e = {0};
    assert_int_equal(gs_series_steps(T0, T0 + 24 * H, H, &n, &e), GS_OK);
    assert_int_equal(n, 24);
    assert_int_equal(gs_series_steps(T0, T0 + 24 * H + 1, H, &n, &e), GS_OK);
    assert_int_equal(n, 25); /* a partial last step counts */
    assert_int_equal(gs_series_steps(0, GS_SERIES_MAX_STEPS, 1, &n, &e), GS_OK);
    assert_int_equal(n, GS_SERIES_MAX_STEPS);
    assert_int_equal(gs_series_steps(0, GS_SERIES_MAX_STEPS + 1, 1, &n, &e), GS_ERANGE);
    assert_int_equal(n, 0);
    assert_string_equal(e.field, "step");
    assert_string_equal(e.message,
                        "the period 1970-01-01T00:00:00Z to 1970-04-26T17:46:41Z at a step of 1 s "
                        "needs 10000001 steps; the limit is 10000000 (GS_SERIES_MAX_STEPS): narrow "
                        "the period (--from/--to) or choose a larger step (--step)");
    assert_int_equal(gs_exit_code(e.code), 2);
    /* any int64 arguments: no overflow */
    assert_int_equal(gs_series_steps(INT64_MIN, INT64_MAX, 1, &n, NULL), GS_ERANGE);
    assert_int_equal(gs_series_steps(INT64_MIN, INT64_MAX, INT64_MAX, &n, NULL), GS_OK);
    assert_int_equal(n, 3);
    assert_int_equal(gs_series_steps(0, 10, 0, &n, &e), GS_EINPUT);
    assert_int_equal(gs_series_steps(10, 10, 1, &n, &e), GS_EINPUT);
    assert_null(gs_series_new(0, 1, (size_t)GS_SERIES_MAX_STEPS + 1));
    assert_null(gs_series_new(0, 1, SIZE_MAX));
}

static void test_a_period_beyond_the_limit_is_refused_before_allocating(void **st)
{
    (void)st;
    /* two rows 2,690 years apart (tests/fuzz/csv_two_rows_2690y.csv): the last covers one more
     * native step, 47 M hourly steps in all */
    gs_points *p = gs_points_new();
    int64_t a, b;
    assert_int_equal(gs_parse_time("2015-07-03T14:00:00Z", &a, NULL), GS_OK);
    assert_int_equal(gs_parse_time("4705-07-03T13:00:00Z", &b, NULL), GS_OK);
    gs_points_push(p, a, 0, 1);
    gs_points_push(p, b, 0, 2);
    gs_quality q = {0};
    gs_series *s = NULL;
    gs_error e = {0};
    assert_int_equal(gs_series_from_points(p, 0, 0, H, GS_RESAMPLE_MEAN, GS_FILL_HOLD, &q, &s, &e),
                     GS_ERANGE);
    assert_null(s);
    assert_non_null(strstr(e.message, "at a step of 3600 s needs 47160094 steps; the limit is "
                                      "10000000 (GS_SERIES_MAX_STEPS)"));
    /* the same with a period: years 0000 to 9999 at 1 h */
    int64_t y0, y1;
    assert_int_equal(gs_parse_time("0000-01-01", &y0, NULL), GS_OK);
    assert_int_equal(gs_parse_time("9999-12-31", &y1, NULL), GS_OK);
    assert_int_equal(gs_series_from_points(p, y0, y1, H, GS_RESAMPLE_INTERP, GS_FILL_NONE, &q, &s, &e),
                     GS_ERANGE);
    assert_non_null(strstr(e.message, "needs 87658176 steps"));
    /* a coarser step fits */
    assert_int_equal(gs_series_from_points(p, 0, 0, 86400, GS_RESAMPLE_MEAN, GS_FILL_NONE, &q, &s, &e),
                     GS_OK);
    assert_true(s->n < GS_SERIES_MAX_STEPS);
    gs_series_free(s);
    gs_quality_free(&q);
    /* times outside the years 0000..9999 (possible only through the API) */
    gs_points_push(p, INT64_MAX / 2, 0, 3);
    assert_int_equal(gs_series_from_points(p, 0, 0, 0, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL, &s, &e),
                     GS_ERANGE);
    assert_non_null(strstr(e.message, "expected times within the years 0000 to 9999"));
    assert_int_equal(gs_series_from_points(p, 0, 0, INT64_MAX, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL,
                                           &s, &e),
                     GS_ERANGE);
    assert_string_equal(e.field, "step");
    gs_points_free(p);
}

static void test_finite_values_near_the_largest_double_give_finite_results(void **st)
{
    (void)st;
    /* tests/fuzz/csv_mean_overflow.csv: the plain weighted sum overflowed to inf and -inf */
    double v[] = {1e308, 1e308, 1e308, -1e308, DBL_MAX, DBL_MAX, -DBL_MAX, -DBL_MAX};
    gs_points *p = hourly(v, 8);
    gs_series *s = run(p, 0, 0, 2 * H, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL);
    assert_int_equal(s->n, 4);
    assert_true(s->v[0] == 1e308);
    assert_true(fabs(s->v[1]) < 1e292); /* (1e308 - 1e308) / 2: zero up to rounding */
    assert_true(s->v[2] == DBL_MAX);
    assert_true(s->v[3] == -DBL_MAX);
    gs_series_free(s);
    /* every method: no inf; NaN only after the last point for interp (nothing to its right) */
    gs_resample methods[] = {GS_RESAMPLE_MEAN, GS_RESAMPLE_HOLD, GS_RESAMPLE_INTERP};
    for (int m = 0; m < 3; m++) {
        s = run(p, 0, 0, 600, methods[m], GS_FILL_INTERP, NULL);
        assert_int_equal(s->n, 48);
        for (size_t k = 0; k < s->n; k++)
            assert_true(isfinite(s->v[k]) || (methods[m] == GS_RESAMPLE_INTERP && k > 42));
        gs_series_free(s);
    }
    gs_points_free(p);
    /* interpolation between ends 3.4e308 apart: the midpoint, not inf - inf */
    double w[] = {1.7e308, -1.7e308};
    p = hourly(w, 2);
    s = run(p, T0, T0 + H, 900, GS_RESAMPLE_INTERP, GS_FILL_NONE, NULL);
    assert_true(s->v[0] == 1.7e308);
    assert_true(fabs(s->v[2]) < 1e293);
    assert_true(isfinite(s->v[1]) && isfinite(s->v[3]));
    gs_series_free(s);
    gs_points_free(p);
    /* a gap filled between such ends */
    double w4[] = {1.7e308, 1.7e308, -1.7e308, -1.7e308};
    p = hourly(w4, 4);
    p->t[2] += 3 * H;
    p->t[3] += 3 * H;
    gs_quality q = {0};
    s = run(p, 0, 0, H, GS_RESAMPLE_MEAN, GS_FILL_INTERP, &q);
    assert_int_equal(q.filled, 3);
    assert_int_equal(s->n, 7);
    for (size_t k = 0; k < s->n; k++)
        assert_true(isfinite(s->v[k]));
    assert_true(s->v[2] > 0 && s->v[4] < 0 && fabs(s->v[3]) < 1e293);
    gs_quality_free(&q);
    gs_series_free(s);
    gs_points_free(p);
}

static void test_stored_issues_are_capped_and_the_rest_counted(void **st)
{
    (void)st;
    /* two points 30 days apart at 1 s: 2.6 M filled steps, one stored issue per step before */
    gs_points *p = gs_points_new();
    gs_points_push(p, T0, 0, 1);
    gs_points_push(p, T0 + 1, 0, 1);
    gs_points_push(p, T0 + 30 * 86400, 0, 2);
    gs_points_push(p, T0 + 30 * 86400 + 1, 0, 2);
    gs_quality q = {0};
    gs_series *s = run(p, 0, 0, 1, GS_RESAMPLE_MEAN, GS_FILL_HOLD, &q);
    size_t filled = s->n - 4;
    assert_int_equal(q.filled, filled);
    assert_int_equal(q.gaps, 1);
    assert_int_equal(q.n, GS_QUALITY_MAX_ISSUES);
    assert_int_equal(q.omitted, filled + 1 - GS_QUALITY_MAX_ISSUES);
    assert_true(q.cap <= 2 * GS_QUALITY_MAX_ISSUES + 64);
    /* the earliest, in time order: the gap, then the first filled steps */
    assert_int_equal(q.issues[0].kind, GS_ISSUE_GAP);
    assert_int_equal(q.issues[0].t, T0 + 2);
    assert_int_equal(q.issues[1].kind, GS_ISSUE_FILLED);
    assert_int_equal(q.issues[1].t, T0 + 2);
    assert_int_equal(q.issues[GS_QUALITY_MAX_ISSUES - 1].t, T0 + 2 + GS_QUALITY_MAX_ISSUES - 2);
    for (size_t i = 1; i < q.n; i++)
        assert_true(q.issues[i - 1].t <= q.issues[i].t);
    gs_quality_free(&q);
    gs_series_free(s);
    gs_points_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_native_step_is_the_median_spacing),
        cmocka_unit_test(test_mean_to_a_coarser_step_averages_each_step),
        cmocka_unit_test(test_finer_steps_hold_or_interpolate),
        cmocka_unit_test(test_gaps_are_reported_with_timestamps_and_left_empty),
        cmocka_unit_test(test_duplicates_keep_the_first_value_and_are_reported),
        cmocka_unit_test(test_outliers_are_reported_not_changed),
        cmocka_unit_test(test_subsecond_points_average_into_seconds),
        cmocka_unit_test(test_bad_arguments_are_input_errors),
        cmocka_unit_test(test_series_steps_counts_and_bounds_the_period),
        cmocka_unit_test(test_a_period_beyond_the_limit_is_refused_before_allocating),
        cmocka_unit_test(test_finite_values_near_the_largest_double_give_finite_results),
        cmocka_unit_test(test_stored_issues_are_capped_and_the_rest_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
