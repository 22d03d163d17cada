/* test_headroom.c: curtailment-enabled headroom on synthetic demand with hand-computed answers,
 * the averaging over years, monotonicity, the refusal of too little data, the cleaning rule
 * (its sliding median and its bounds against a sort of every window) and the solve over a sorted
 * prefix of the slacks against a sort of all of them. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gridsplit/headroom.h"
#include "gridsplit/time.h"

#define T2023 INT64_C(1672531200) /* 2023-01-01T00:00:00Z */
#define T2022 INT64_C(1640995200) /* 2022-01-01T00:00:00Z */

/* 2023: 1000 MW flat; winter peak 1100 on Jan 10 12:00, summer peak 1100 on Jul 1 12:00;
 * 1080 MW on Aug 1 14:00-17:00. Slacks: 2 hours at 0, 4 at 20, 8754 at 100. */
static gs_series *case_a(size_t extra_hours)
{
    gs_series *s = gs_series_new(T2023, 3600, 8760 + extra_hours);
    for (size_t i = 0; i < s->n; i++)
        s->v[i] = 1000;
    s->v[9 * 24 + 12] = 1100;
    s->v[181 * 24 + 12] = 1100;
    for (size_t i = 212 * 24 + 14; i <= 212 * 24 + 17; i++)
        s->v[i] = 1080;
    return s;
}

static void hand_computed_headroom(void **state)
{
    (void)state;
    gs_series *s = case_a(0);
    double rates[] = {0.01, 0.03, 0.05, 1.0};
    gs_headroom h;
    gs_error err = {0};
    assert_int_equal(gs_headroom_solve(s, rates, 4, &h, &err), 0);
    assert_true(fabs(h.threshold_summer_mw - 1100) < 1e-9);
    assert_true(fabs(h.threshold_winter_mw - 1100) < 1e-9);
    assert_int_equal(h.year_first, 2023);
    assert_int_equal(h.year_last, 2023);
    assert_int_equal(h.n_results, 4);

    /* 0.01 %: the two peak hours alone are 2/8760 = 0.0228 % at any L > 0: no headroom */
    assert_true(h.results[0].headroom_mw == 0);

    /* 0.03 %: 2 + 4 (1 - 20/L) = 0.0003 * 8760 -> L = 80 / 3.372 */
    const gs_headroom_result *r = &h.results[1];
    assert_true(fabs(r->headroom_mw - 80.0 / 3.372) < 1e-9);
    assert_true(fabs(r->achieved_rate_pct - 0.03) < 1e-9);
    assert_true(fabs(r->curtailed_hours_per_year - 6) < 1e-9);
    assert_int_equal(r->events, 3);
    assert_true(fabs(r->mean_event_hours - 2) < 1e-12);
    assert_true(fabs(r->max_event_hours - 4) < 1e-12);
    assert_true(fabs(r->hours_keeping_50pct - 4) < 1e-9); /* 20 >= 0.5 L = 11.9 */
    assert_true(fabs(r->hours_keeping_75pct - 4) < 1e-9); /* 20 >= 17.8 */
    assert_true(fabs(r->hours_keeping_90pct - 0) < 1e-9); /* 20 < 21.4 */
    /* curtailed MWh: 2 L + 4 (L - 20) */
    assert_true(fabs(r->curtailed_mwh_per_year - (6 * r->headroom_mw - 80)) < 1e-6);

    /* 0.05 %: 6 - 80/L = 4.38 */
    assert_true(fabs(h.results[2].headroom_mw - 80.0 / 1.62) < 1e-9);

    /* 1 %: every hour curtailed: 1 - (80 + 875400) / (8760 L) = 0.01 */
    r = &h.results[3];
    assert_true(fabs(r->headroom_mw - 875480.0 / (8760 * 0.99)) < 1e-9);
    assert_true(fabs(r->curtailed_hours_per_year - 8760) < 1e-9);
    assert_int_equal(r->events, 1);
    assert_true(fabs(r->mean_event_hours - 8760) < 1e-9);

    assert_true(fabs(h.load_factor - h.mean_mw / 1100) < 1e-12);
    gs_series_free(s);
}

static void a_stub_year_barely_counts(void **state)
{
    (void)state;
    /* one extra hour of 2024 (Jan 1 00:00 at 1000 MW, slack 100) weighs 1/8760 of a year */
    gs_series *s = case_a(1);
    double rates[] = {0.03};
    gs_headroom h;
    gs_error err = {0};
    assert_int_equal(gs_headroom_solve(s, rates, 1, &h, &err), 0);
    assert_int_equal(h.year_last, 2024);
    assert_true(fabs(h.years - (1 + 1.0 / 8760)) < 1e-12);
    assert_true(fabs(h.results[0].headroom_mw - 80.0 / 3.372) < 0.01);
    gs_series_free(s);
}

static void years_are_averaged_not_pooled(void **state)
{
    (void)state;
    /* 2022 flat 1000 with its peaks (1100 Jan 10 and Jul 1 12:00); 2023 = case A. The rate at L
     * is the mean of the two years' rates. */
    gs_series *a = case_a(0);
    gs_series *s = gs_series_new(T2022, 3600, 8760 * 2);
    for (size_t i = 0; i < 8760; i++)
        s->v[i] = 1000;
    s->v[9 * 24 + 12] = 1100;
    s->v[181 * 24 + 12] = 1100;
    for (size_t i = 0; i < 8760; i++)
        s->v[8760 + i] = a->v[i];
    gs_headroom_result r;
    gs_error err = {0};
    assert_int_equal(gs_headroom_eval(s, 1100, 1100, 50, &r, &err), 0);
    double y2022 = 2.0 / 8760, y2023 = (2 + 4 * (1 - 20.0 / 50)) / 8760;
    assert_true(fabs(r.achieved_rate_pct - 100 * (y2022 + y2023) / 2) < 1e-12);
    assert_true(fabs(r.curtailed_hours_per_year - 4) < 1e-12); /* (2 + 6) / 2 */
    gs_series_free(a);
    gs_series_free(s);
}

static void shoulder_hour_above_threshold_is_curtailed_fully(void **state)
{
    (void)state;
    /* Sep 5 15:00 at 1200 > summer peak 1100: curtailed by L (never more), whatever L */
    gs_series *s = case_a(0);
    s->v[247 * 24 + 15] = 1200;
    gs_headroom_result r;
    gs_error err = {0};
    assert_int_equal(gs_headroom_eval(s, 1100, 1100, 10, &r, &err), 0);
    /* hours: 2 peaks + Sep hour, each curtailed 10 MW */
    assert_true(fabs(r.curtailed_mwh_per_year - 30) < 1e-9);
    assert_true(fabs(r.achieved_rate_pct - 100 * 3.0 / 8760) < 1e-12);
    gs_series_free(s);
}

static uint64_t lcg(uint64_t *x)
{
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    return *x >> 11;
}

static gs_series *synthetic(int years)
{
    gs_series *s = gs_series_new(T2022, 3600, (size_t)years * 8760);
    uint64_t seed = 42;
    for (size_t i = 0; i < s->n; i++) {
        double hour = (double)(i % 24), day = (double)(i / 24);
        double season = 1 + 0.2 * cos(4 * M_PI * (day - 20) / 365.0); /* peaks Jan 20, Jul 22 */
        double diurnal = 1 + 0.15 * sin(2 * M_PI * (hour - 9) / 24.0);
        double noise = 1 + 0.05 * ((double)(lcg(&seed) % 1000) / 1000.0 - 0.5);
        s->v[i] = 30000 * season * diurnal * noise;
    }
    return s;
}

static void rate_is_monotone_and_solve_inverts_it(void **state)
{
    (void)state;
    gs_series *s = synthetic(3);
    double sm, wm;
    gs_headroom_thresholds(s, &sm, &wm);
    gs_error err = {0};
    double prev = 0;
    for (double L = 0; L <= 20000; L += 250) {
        gs_headroom_result r;
        assert_int_equal(gs_headroom_eval(s, sm, wm, L, &r, &err), 0);
        assert_true(r.achieved_rate_pct >= prev - 1e-12);
        prev = r.achieved_rate_pct;
    }
    double rates[] = {0.25, 0.5, 1, 5, 10, 50};
    gs_headroom h;
    assert_int_equal(gs_headroom_solve(s, rates, 6, &h, &err), 0);
    for (size_t k = 0; k < 6; k++) {
        assert_true(fabs(h.results[k].achieved_rate_pct - rates[k]) < 1e-9 * rates[k]);
        if (k)
            assert_true(h.results[k].headroom_mw > h.results[k - 1].headroom_mw);
        assert_true(h.results[k].headroom_mw > 0);
        assert_true(h.results[k].hours_keeping_50pct <= h.results[k].curtailed_hours_per_year);
        assert_true(h.results[k].hours_keeping_90pct <= h.results[k].hours_keeping_75pct);
        assert_true(h.results[k].hours_keeping_75pct <= h.results[k].hours_keeping_50pct);
    }
    gs_series_free(s);
}

static void bad_inputs_are_refused(void **state)
{
    (void)state;
    gs_series *s = case_a(0);
    gs_headroom h;
    gs_error err = {0};
    double zero[] = {0}, hundred[] = {100}, neg[] = {-1};
    assert_int_equal(gs_headroom_solve(s, zero, 1, &h, &err), GS_ERANGE);
    assert_int_equal(gs_headroom_solve(s, hundred, 1, &h, &err), GS_ERANGE);
    assert_int_equal(gs_headroom_solve(s, neg, 1, &h, &err), GS_ERANGE);
    s->v[100] = NAN;
    double ok[] = {1};
    assert_int_equal(gs_headroom_solve(s, ok, 1, &h, &err), GS_EINPUT);
    gs_series_free(s);
    gs_series *q = gs_series_new(T2023, 900, 100);
    for (size_t i = 0; i < q->n; i++)
        q->v[i] = 1;
    assert_int_equal(gs_headroom_solve(q, ok, 1, &h, &err), GS_EINPUT);
    gs_series_free(q);
    /* only April hours: no June-August hour to set their threshold */
    gs_series *apr = gs_series_new(T2023 + INT64_C(90) * 86400, 3600, 48);
    for (size_t i = 0; i < apr->n; i++)
        apr->v[i] = 5;
    assert_int_equal(gs_headroom_solve(apr, ok, 1, &h, &err), GS_EINPUT);
    gs_series_free(apr);
}

static void cleaning_replaces_and_reports_bad_hours(void **state)
{
    (void)state;
    gs_series *s = gs_series_new(T2023, 3600, 200);
    for (size_t i = 0; i < s->n; i++)
        s->v[i] = 1000 + (double)(i % 2) * 10; /* 1000, 1010, ... */
    s->v[0] = -3;            /* at the start: takes the next valid value */
    s->v[50] = NAN;          /* missing */
    s->v[60] = 0;            /* non-positive */
    s->v[61] = 2147480000;   /* sentinel, next to the zero: one run 60..61 */
    s->v[100] = 2500;        /* > 2 x median */
    s->v[150] = 400;         /* < median / 2 */
    s->v[120] = 1300;        /* one-hour jump: 290 MW > 0.2 x median above both neighbours */
    s->v[130] = 1150;        /* 140 MW < 0.2 x median: kept */
    s->v[170] = 1900;        /* < 2 x median but a jump of 890 MW */
    s->v[180] = 1900;        /* two hours high: not a one-hour jump, < 2 x median: kept */
    s->v[181] = 1900;
    gs_demand_changes ch = {0};
    gs_error err = {0};
    assert_int_equal(gs_demand_clean(s, NULL, &ch, &err), 0);
    assert_int_equal(ch.n, 8);
    assert_int_equal(ch.by_kind[GS_CHANGE_JUMP], 2);
    assert_int_equal(ch.by_kind[GS_CHANGE_MISSING], 1);
    assert_int_equal(ch.by_kind[GS_CHANGE_NONPOSITIVE], 2);
    assert_int_equal(ch.by_kind[GS_CHANGE_SENTINEL], 1);
    assert_int_equal(ch.by_kind[GS_CHANGE_SPIKE_HIGH], 1);
    assert_int_equal(ch.by_kind[GS_CHANGE_SPIKE_LOW], 1);
    assert_true(s->v[0] == 1010);
    assert_true(s->v[50] == 1010); /* between 1010 (hour 49) and 1010 (hour 51) */
    /* hours 59 (1010) .. 62 (1000): 60 -> 1010 - 10/3, 61 -> 1010 - 20/3 */
    assert_true(fabs(s->v[60] - (1010 - 10.0 / 3)) < 1e-9);
    assert_true(fabs(s->v[61] - (1010 - 20.0 / 3)) < 1e-9);
    assert_true(s->v[100] == 1010);
    assert_true(s->v[150] == 1010);
    assert_true(s->v[120] == 1010 && s->v[130] == 1150 && s->v[170] == 1010);
    assert_true(s->v[180] == 1900 && s->v[181] == 1900);
    assert_true(ch.v[0].t == T2023 && isnan(s->v[0]) == 0);
    assert_true(isnan(ch.v[1].original) && ch.v[1].kind == GS_CHANGE_MISSING);
    assert_true(ch.v[3].original == 2147480000 && ch.v[3].kind == GS_CHANGE_SENTINEL);
    gs_demand_changes_free(&ch);

    /* already-cleaned data: only the gaps are filled */
    gs_series *c = gs_series_new(T2023, 3600, 10);
    for (size_t i = 0; i < c->n; i++)
        c->v[i] = 100;
    c->v[3] = -1;
    c->v[4] = NAN;
    gs_clean_opts only = {.only_missing = 1};
    assert_int_equal(gs_demand_clean(c, &only, &ch, &err), 0);
    assert_int_equal(ch.n, 1);
    assert_true(c->v[3] == -1 && c->v[4] == 49.5); /* -1 .. 100 */
    gs_demand_changes_free(&ch);
    gs_series_free(c);
    gs_series_free(s);
}

/* The cleaning rule written plainly (as it was before the sliding window): the median of the
 * valid neighbours sorted anew for every hour. The sliding window must give the same kinds and
 * values bit for bit. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void reference_kinds(const double *v, size_t n, double k, int win, int *kind)
{
    double *buf = malloc((size_t)(2 * win + 1) * sizeof *buf);
    for (size_t i = 0; i < n; i++)
        kind[i] = !isfinite(v[i])  ? GS_CHANGE_MISSING
                  : v[i] <= 0      ? GS_CHANGE_NONPOSITIVE
                  : v[i] >= 1e9    ? GS_CHANGE_SENTINEL
                                   : -1;
    for (size_t i = 0; i < n; i++) {
        if (kind[i] >= 0)
            continue;
        size_t lo = i >= (size_t)win ? i - (size_t)win : 0;
        size_t hi = i + (size_t)win < n ? i + (size_t)win : n - 1;
        int m = 0;
        for (size_t j = lo; j <= hi; j++)
            if (j != i && (kind[j] < 0 || kind[j] >= GS_CHANGE_SPIKE_HIGH))
                buf[m++] = v[j];
        if (m == 0 || m < win / 2)
            continue;
        qsort(buf, (size_t)m, sizeof *buf, cmp_double);
        double med = (m % 2) ? buf[m / 2] : 0.5 * (buf[m / 2 - 1] + buf[m / 2]);
        if (v[i] > k * med)
            kind[i] = GS_CHANGE_SPIKE_HIGH;
        else if (v[i] < med / k)
            kind[i] = GS_CHANGE_SPIKE_LOW;
        else if (i > 0 && i + 1 < n && kind[i - 1] < 0 && kind[i + 1] < 0) {
            double up = v[i] - fmax(v[i - 1], v[i + 1]);
            double down = fmin(v[i - 1], v[i + 1]) - v[i];
            if (up > 0.2 * med || down > 0.2 * med)
                kind[i] = GS_CHANGE_JUMP;
        }
    }
    free(buf);
}

static void sliding_median_matches_a_sort_of_every_window(void **state)
{
    (void)state;
    uint64_t seed = 7;
    int wins[] = {1, 2, 3, 5, 24, 40};
    double ks[] = {1.2, 2, 3};
    for (int trial = 0; trial < 36; trial++) {
        int win = wins[trial % 6];
        double k = ks[trial % 3];
        size_t n = 1 + (size_t)(lcg(&seed) % 600);
        gs_series *s = gs_series_new(T2023, 3600, n);
        for (size_t i = 0; i < n; i++) {
            uint64_t r = lcg(&seed) % 1000;
            /* a daily shape, ties (integers, repeats), gaps, zeros, sentinels, spikes */
            double v = round(1000 + 300 * sin((double)i / 3.8)) + (double)(lcg(&seed) % 4);
            if (r < 40)
                v = NAN;
            else if (r < 50)
                v = 0;
            else if (r < 55)
                v = -5;
            else if (r < 60)
                v = 2147480000;
            else if (r < 90)
                v *= 2.5;
            else if (r < 120)
                v /= 2.5;
            else if (r < 160)
                v += 400;
            else if (r < 200)
                v = s->v[i > 0 ? i - 1 : 0]; /* a repeat (NaN at the start: a gap) */
            s->v[i] = v;
        }
        int *want = malloc(n * sizeof *want);
        reference_kinds(s->v, n, k, win, want);
        gs_demand_changes ch = {0};
        gs_error err = {0};
        gs_clean_opts o = {.spike_factor = k, .window_hours = win};
        int any_valid = 0;
        for (size_t i = 0; i < n; i++)
            any_valid |= want[i] < 0;
        int rc = gs_demand_clean(s, &o, &ch, &err);
        if (!any_valid) {
            assert_int_equal(rc, GS_EINPUT);
        } else {
            assert_int_equal(rc, 0);
            size_t c = 0;
            for (size_t i = 0; i < n; i++) {
                if (want[i] < 0)
                    continue;
                assert_true(c < ch.n);
                assert_true(ch.v[c].t == T2023 + (int64_t)i * 3600);
                assert_int_equal(ch.v[c].kind, want[i]);
                c++;
            }
            assert_int_equal(c, ch.n);
        }
        gs_demand_changes_free(&ch);
        free(want);
        gs_series_free(s);
    }
}

static gs_series *flat(int64_t start, size_t n)
{
    gs_series *s = gs_series_new(start, 3600, n);
    for (size_t i = 0; i < n; i++)
        s->v[i] = 1000 + (double)(i % 24);
    return s;
}

static void too_little_data_is_refused(void **state)
{
    (void)state;
    double rates[] = {0.25, 1};
    gs_headroom h;
    gs_error err = {0};
    /* 48 January hours: was a summer threshold of NaN and 0 MW at every rate */
    gs_series *s = flat(T2023, 48);
    assert_int_equal(gs_headroom_solve(s, rates, 2, &h, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "too little data"));
    assert_non_null(strstr(err.message, "48 hours (2023-01-01T00:00:00Z to 2023-01-03T00:00:00Z)"));
    assert_non_null(strstr(err.message, "less than a year"));
    assert_non_null(strstr(err.message, "no June-August hour"));
    assert_null(strstr(err.message, "no December-February hour"));
    gs_series_free(s);
    /* April and May: neither seasonal peak */
    s = flat(T2023 + INT64_C(90) * 86400, 24 * 61);
    assert_int_equal(gs_headroom_solve(s, rates, 2, &h, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "1464 hours"));
    assert_non_null(strstr(err.message, "no June-August hour"));
    assert_non_null(strstr(err.message, "no December-February hour"));
    gs_series_free(s);
    /* July to December: the winter peak (December) is there, the year is not */
    s = flat(T2023 + INT64_C(181) * 86400, 24 * 184);
    assert_int_equal(gs_headroom_solve(s, rates, 2, &h, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "less than a year"));
    assert_null(strstr(err.message, "no June-August"));
    assert_null(strstr(err.message, "no December-February"));
    gs_series_free(s);
    /* one hour short of a year, then a year: the boundary */
    s = flat(T2023, 8759);
    assert_int_equal(gs_headroom_solve(s, rates, 2, &h, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "8759 hours"));
    gs_series_free(s);
    s = flat(T2023 + INT64_C(150) * 86400, 8760); /* June 2023 to June 2024 */
    assert_int_equal(gs_headroom_solve(s, rates, 2, &h, &err), 0);
    assert_true(isfinite(h.threshold_summer_mw) && isfinite(h.threshold_winter_mw));
    assert_true(fabs(h.years - 1) < 1e-12);
    gs_series_free(s);
}

static void ties_across_years_solve_exactly(void **state)
{
    (void)state;
    /* demand in steps of 0.1 MW over two and a half years: many hours share a slack, in years of
     * different weights; the solve must still land on the rate asked for */
    gs_series *s = gs_series_new(T2022 + INT64_C(120) * 86400, 3600, 8760 * 2 + 4000);
    uint64_t seed = 3;
    for (size_t i = 0; i < s->n; i++)
        s->v[i] = 900 + (double)(lcg(&seed) % 20000) / 10;
    double rates[] = {0.05, 0.25, 1, 5, 20};
    gs_headroom h;
    gs_error err = {0};
    assert_int_equal(gs_headroom_solve(s, rates, 5, &h, &err), 0);
    for (size_t k = 0; k < 5; k++) {
        gs_headroom_result r;
        assert_int_equal(gs_headroom_eval(s, h.threshold_summer_mw, h.threshold_winter_mw,
                                          h.results[k].headroom_mw, &r, &err),
                         0);
        assert_true(h.results[k].headroom_mw > 0);
        assert_true(fabs(r.achieved_rate_pct - rates[k]) < 1e-9 * rates[k]);
    }
    gs_series_free(s);
}

/* Long series where most hours are plainly kept (the window's least and largest values decide
 * them) and a few need the median itself: scattered spikes and jumps (the sorted window rebuilt),
 * a stretch of 150 hours at twice the level and one of noise (the window slid hour by hour).
 * Kinds as the plain rule's, for several windows and factors. */
static void cleaning_bounds_leave_the_median_to_the_hours_that_need_it(void **state)
{
    (void)state;
    uint64_t seed = 19;
    int wins[] = {24, 7, 40, 1, 2, 24};
    double ks[] = {2, 1.5, 2, 3, 2, 1.2};
    for (int trial = 0; trial < 6; trial++) {
        size_t n = 6000 + (size_t)(lcg(&seed) % 500);
        gs_series *s = gs_series_new(T2023, 3600, n);
        for (size_t i = 0; i < n; i++) {
            double v = round(20000 + 5000 * sin((double)i * 2 * M_PI / 24)) +
                       (double)(lcg(&seed) % 200);
            uint64_t r = lcg(&seed) % 1000;
            if (r < 3)
                v *= 3;
            else if (r < 6)
                v /= 3;
            else if (r < 8)
                v = NAN;
            else if (r < 12)
                v *= 1.3; /* a one-hour jump */
            if (i >= 3000 && i < 3150)
                v *= 2;
            if (i >= 4000 && i < 4100)
                v *= 0.5 + (double)(lcg(&seed) % 1000) / 500;
            s->v[i] = v;
        }
        int *want = malloc(n * sizeof *want);
        reference_kinds(s->v, n, ks[trial], wins[trial], want);
        gs_demand_changes ch = {0};
        gs_error err = {0};
        gs_clean_opts o = {.spike_factor = ks[trial], .window_hours = wins[trial]};
        assert_int_equal(gs_demand_clean(s, &o, &ch, &err), 0);
        size_t c = 0, spikes = 0;
        for (size_t i = 0; i < n; i++) {
            if (want[i] < 0)
                continue;
            spikes += want[i] >= GS_CHANGE_SPIKE_HIGH;
            assert_true(c < ch.n);
            assert_true(ch.v[c].t == T2023 + (int64_t)i * 3600);
            assert_int_equal(ch.v[c].kind, want[i]);
            c++;
        }
        assert_int_equal(c, ch.n);
        assert_true(spikes > 20); /* the rule found something to change */
        gs_demand_changes_free(&ch);
        free(want);
        gs_series_free(s);
    }
}

/* The solve as it was written before it sorted only a prefix of the slacks: every slack
 * sorted (stably: equal slacks in time order), the breakpoints walked in order. */
typedef struct slack_at {
    double e, w;
    size_t i;
} slack_at;

static int cmp_slack(const void *a, const void *b)
{
    const slack_at *x = a, *y = b;
    if (x->e != y->e)
        return x->e < y->e ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static double reference_headroom(const gs_series *d, double rate_pct)
{
    double summer, winter;
    gs_headroom_thresholds(d, &summer, &winter);
    int64_t y0;
    gs_civil_from_utc(d->start_s, &y0, NULL, NULL, NULL, NULL, NULL);
    size_t hy[16] = {0};
    slack_at *p = malloc(d->n * sizeof *p);
    int *yi = malloc(d->n * sizeof *yi);
    for (size_t i = 0; i < d->n; i++) {
        int64_t y;
        int m;
        gs_civil_from_utc(d->start_s + (int64_t)i * 3600, &y, &m, NULL, NULL, NULL, NULL);
        double e = (m >= 4 && m <= 10 ? summer : winter) - d->v[i];
        p[i].e = e > 0 ? e : 0;
        p[i].i = i;
        yi[i] = (int)(y - y0);
        hy[yi[i]]++;
    }
    double sum_a = 0, rate_w[16] = {0};
    for (int k = 0; k < 16; k++)
        sum_a += hy[k] >= 8760 ? 1.0 : (double)hy[k] / 8760.0;
    for (int k = 0; k < 16; k++)
        if (hy[k])
            rate_w[k] = (hy[k] >= 8760 ? 1.0 : (double)hy[k] / 8760.0) / sum_a / (double)hy[k];
    for (size_t i = 0; i < d->n; i++)
        p[i].w = rate_w[yi[i]];
    qsort(p, d->n, sizeof *p, cmp_slack);
    double r = rate_pct / 100.0, W = 0, S = 0, L;
    size_t i = 0;
    while (i < d->n && p[i].e <= 0)
        W += p[i++].w;
    if (W >= r) {
        L = 0;
    } else {
        for (;;) {
            if (i == d->n) {
                L = S / (W - r);
                break;
            }
            double e = p[i].e;
            if (W - S / e >= r) {
                L = S / (W - r);
                break;
            }
            while (i < d->n && p[i].e == e) {
                W += p[i].w;
                S += p[i].w * p[i].e;
                i++;
            }
        }
    }
    free(p);
    free(yi);
    return L;
}

/* The solve sorts only the slacks it needs; it must land exactly where a sort of every slack
 * does, and report what an evaluation over every hour reports at that load: on demand with
 * ties (0.1 MW steps), partial years, rates whose prefix is small and rates that need most of
 * the slacks (then every slack is sorted). */
static void solve_sorts_what_it_needs_and_lands_where_a_full_sort_does(void **state)
{
    (void)state;
    double rates[] = {0.25, 0.5, 1, 5, 0.01, 30, 60};
    for (int c = 0; c < 3; c++) {
        gs_series *s;
        if (c == 0) {
            s = synthetic(3);
        } else {
            s = gs_series_new(T2022 + INT64_C(200) * 86400, 3600, 8760 * (size_t)c + 3000);
            uint64_t seed = 5 + (uint64_t)c;
            for (size_t i = 0; i < s->n; i++)
                s->v[i] = 900 + (double)(lcg(&seed) % 20000) / 10 +
                          300 * sin((double)i * 2 * M_PI / 24);
        }
        size_t nr = c == 2 ? 7 : 5;
        gs_headroom h;
        gs_error err = {0};
        assert_int_equal(gs_headroom_solve(s, rates, nr, &h, &err), 0);
        for (size_t k = 0; k < nr; k++) {
            double want = reference_headroom(s, rates[k]);
            assert_memory_equal(&h.results[k].headroom_mw, &want, sizeof want);
            gs_headroom_result r;
            assert_int_equal(gs_headroom_eval(s, h.threshold_summer_mw, h.threshold_winter_mw,
                                              want, &r, &err),
                             0);
            r.rate_pct = rates[k];
            assert_memory_equal(&h.results[k], &r, sizeof r);
        }
        gs_series_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_computed_headroom),
        cmocka_unit_test(a_stub_year_barely_counts),
        cmocka_unit_test(years_are_averaged_not_pooled),
        cmocka_unit_test(shoulder_hour_above_threshold_is_curtailed_fully),
        cmocka_unit_test(rate_is_monotone_and_solve_inverts_it),
        cmocka_unit_test(bad_inputs_are_refused),
        cmocka_unit_test(cleaning_replaces_and_reports_bad_hours),
        cmocka_unit_test(sliding_median_matches_a_sort_of_every_window),
        cmocka_unit_test(too_little_data_is_refused),
        cmocka_unit_test(ties_across_years_solve_exactly),
        cmocka_unit_test(cleaning_bounds_leave_the_median_to_the_hours_that_need_it),
        cmocka_unit_test(solve_sorts_what_it_needs_and_lands_where_a_full_sort_does),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
