/* test_peaks: PJM's five coincident peaks (gs_five_cp, src/econ/peaks.c) on hourly loads built
 * here: one hour per local day (America/New_York, from the system tz database), the local-day
 * and season edges, non-finite hours, ties, fewer than five days, the order and the limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "gridsplit/error.h"
#include "gridsplit/peaks.h"
#include "gridsplit/read/tz.h"
#include "gridsplit/series.h"
#include "gridsplit/time.h"
#include "gridsplit/tz.h"

#define YEAR 2024

/* UTC seconds of YEAR-mo-dd hh:00 UTC */
static int64_t utc(int mo, int dd, int hh) { return gs_utc_from_civil(YEAR, mo, dd, hh, 0, 0); }

typedef struct fx {
    gs_tz tz;
    gs_points *p;
} fx;

static int setup(void **state)
{
    static fx f;
    memset(&f, 0, sizeof f);
    gs_error err = {0};
    if (gs_tz_load("America/New_York", gs_utc_from_civil(YEAR, 5, 1, 0, 0, 0),
                   gs_utc_from_civil(YEAR, 11, 1, 0, 0, 0), &f.tz, &err))
        return -1;
    f.p = gs_points_new();
    if (!f.p)
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    gs_points_free(f->p);
    gs_tz_clear(&f->tz);
    return 0;
}

static void push(fx *f, int64_t t, double mw) { assert_int_equal(gs_points_push(f->p, t, 0, mw), 0); }

static void expect(const gs_cp_hour *h, int64_t from, double mw)
{
    assert_int_equal(h->from_s, from);
    assert_int_equal(h->to_s, from + 3600);
    assert_true(h->mw == mw);
}

/* two high hours on one day give one peak: the day's highest; the day's second hour (490) is
 * higher than the other days' peaks but never listed */
static void one_hour_per_local_day(void **state)
{
    fx *f = *state;
    push(f, utc(7, 10, 18), 500);
    push(f, utc(7, 10, 19), 490);
    push(f, utc(7, 11, 18), 300);
    push(f, utc(7, 12, 18), 200);
    gs_cp_hour h[5];
    assert_int_equal(gs_five_cp(f->p, &f->tz, YEAR, h, 5), 3);
    expect(&h[0], utc(7, 10, 18), 500);
    expect(&h[1], utc(7, 11, 18), 300);
    expect(&h[2], utc(7, 12, 18), 200);
}

/* days are New York's: 2024-07-11 03:00 UTC is 23:00 EDT on 10 July (the same day as 10 July's
 * 18:00 UTC, which it beats), 2024-07-12 04:00 UTC is midnight EDT starting 12 July (a day of
 * its own, not 11 July's). By UTC days the answer would be 450, 400, 350. */
static void local_day_boundary(void **state)
{
    fx *f = *state;
    push(f, utc(7, 10, 18), 400);
    push(f, utc(7, 11, 3), 450);
    push(f, utc(7, 11, 18), 300);
    push(f, utc(7, 12, 4), 350);
    gs_cp_hour h[5];
    assert_int_equal(gs_five_cp(f->p, &f->tz, YEAR, h, 5), 3);
    expect(&h[0], utc(7, 11, 3), 450);
    expect(&h[1], utc(7, 12, 4), 350);
    expect(&h[2], utc(7, 11, 18), 300);
}

/* 1 June 00:00 EDT to 30 September 24:00 EDT, of the year asked for: 31 May 23:00 EDT, 1 October
 * 00:00 EDT and a July hour of 2023 are left out, however high */
static void summer_in_local_time_only(void **state)
{
    fx *f = *state;
    push(f, gs_utc_from_civil(YEAR - 1, 7, 15, 18, 0, 0), 999);
    push(f, utc(6, 1, 3), 900);  /* 31 May 23:00 EDT */
    push(f, utc(6, 1, 4), 100);  /* 1 June 00:00 EDT */
    push(f, utc(8, 15, 18), 150);
    push(f, utc(10, 1, 3), 200); /* 30 September 23:00 EDT */
    push(f, utc(10, 1, 4), 950); /* 1 October 00:00 EDT */
    push(f, utc(12, 20, 18), 990);
    gs_cp_hour h[5];
    assert_int_equal(gs_five_cp(f->p, &f->tz, YEAR, h, 5), 3);
    expect(&h[0], utc(10, 1, 3), 200);
    expect(&h[1], utc(8, 15, 18), 150);
    expect(&h[2], utc(6, 1, 4), 100);
}

/* a NaN or infinite hour is no hour: the day keeps its finite peak, a day with none is no day */
static void non_finite_hours_skipped(void **state)
{
    fx *f = *state;
    push(f, utc(7, 10, 18), NAN);
    push(f, utc(7, 10, 19), 300);
    push(f, utc(7, 10, 20), INFINITY);
    push(f, utc(7, 11, 18), NAN);
    push(f, utc(7, 12, 18), INFINITY);
    push(f, utc(7, 13, 18), -INFINITY);
    push(f, utc(7, 14, 18), 200);
    gs_cp_hour h[5];
    assert_int_equal(gs_five_cp(f->p, &f->tz, YEAR, h, 5), 2);
    expect(&h[0], utc(7, 10, 19), 300);
    expect(&h[1], utc(7, 14, 18), 200);
}

/* equal hours of a day: the first keeps the peak; equal days: the earlier day ranks first, in
 * whatever order the file lists them */
static void ties(void **state)
{
    fx *f = *state;
    push(f, utc(7, 20, 18), 400);
    push(f, utc(7, 10, 18), 500);
    push(f, utc(7, 10, 19), 500);
    push(f, utc(7, 12, 18), 400);
    gs_cp_hour h[5];
    assert_int_equal(gs_five_cp(f->p, &f->tz, YEAR, h, 5), 3);
    expect(&h[0], utc(7, 10, 18), 500);
    expect(&h[1], utc(7, 12, 18), 400);
    expect(&h[2], utc(7, 20, 18), 400);
}

/* a full summer of hours (a daily curve peaking at 21:00 UTC, each day's level scrambled):
 * five hours, highest first, each the top of its day; at most max are written */
static void five_highest_first_and_the_limit(void **state)
{
    fx *f = *state;
    double top[GS_5CP_DAYS];
    for (int d = 0; d < GS_5CP_DAYS; d++) {
        top[d] = 100000 + (double)((d * 37) % GS_5CP_DAYS) * 100; /* distinct levels */
        int64_t day0 = utc(6, 1, 4) + (int64_t)d * 86400;     /* local midnight (EDT) */
        for (int hh = 0; hh < 24; hh++)
            push(f, day0 + hh * 3600, top[d] - 50.0 * fabs((double)(hh - 17)));
    }
    /* the expected five: the highest levels; their hour is 17:00 EDT = 21:00 UTC */
    gs_cp_hour h[8];
    for (int k = 0; k < 8; k++)
        h[k].from_s = -1;
    assert_int_equal(gs_five_cp(f->p, &f->tz, YEAR, h, 8), 5);
    assert_int_equal(h[5].from_s, -1);
    for (int k = 0; k < 5; k++) {
        double want = 100000 + (double)(GS_5CP_DAYS - 1 - k) * 100;
        int d = 0;
        while (top[d] != want)
            d++;
        expect(&h[k], utc(6, 1, 21) + (int64_t)d * 86400, want);
        if (k)
            assert_true(h[k].mw < h[k - 1].mw);
    }
    gs_cp_hour g[3];
    assert_int_equal(gs_five_cp(f->p, &f->tz, YEAR, g, 3), 3);
    assert_true(g[2].mw == h[2].mw && g[2].from_s == h[2].from_s);
    assert_int_equal(gs_five_cp(f->p, &f->tz, YEAR, g, 0), 0);
}

static void no_hours_no_peaks(void **state)
{
    fx *f = *state;
    gs_cp_hour h[5];
    assert_int_equal(gs_five_cp(f->p, &f->tz, YEAR, h, 5), 0);
    push(f, utc(7, 10, 18), 500);
    assert_int_equal(gs_five_cp(f->p, &f->tz, YEAR + 1, h, 5), 0);
    assert_int_equal(gs_five_cp(f->p, &f->tz, YEAR, h, 5), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(one_hour_per_local_day, setup, teardown),
        cmocka_unit_test_setup_teardown(local_day_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(summer_in_local_time_only, setup, teardown),
        cmocka_unit_test_setup_teardown(non_finite_hours_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(ties, setup, teardown),
        cmocka_unit_test_setup_teardown(five_highest_first_and_the_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(no_hours_no_peaks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
