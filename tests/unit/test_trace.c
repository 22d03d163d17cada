/* test_trace.c: the trace engine on synthetic power logs: start-up, steady level, periodic
 * checkpoint dips, noise, glitches, stops and irregular dips. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "gridsplit/trace.h"

#define STEADY 4400.0
#define DIP 1220.0
#define IDLE 580.0
#define WARM 950.0

/* Deterministic noise in [-1, 1). */
static double noise(uint64_t *st)
{
    *st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*st >> 11) / (double)(1ULL << 52) - 1.0;
}

typedef struct synth {
    double idle_s;        /* idle at the start */
    double warm_s;        /* then a warm-up plateau at warm_w */
    double warm_w;
    double ramp_s;        /* then a ramp to steady */
    double run_s;         /* then the run */
    double tail_s;        /* then idle again */
    const double *dip_at; /* dip starts, seconds from the run's start */
    size_t ndips;
    double dip_len_s;
    double dip_w;
    double stop_at, stop_len_s; /* a halt to idle inside the run (stop_len_s 0: none) */
    double noise_w;
    int glitches;         /* single-sample drops to 8 % every ~13 s */
} synth;

/* 10 Hz samples from t0 = 1753576000 (2025-07-27). */
static gs_points *make(const synth *s)
{
    gs_points *p = gs_points_new();
    assert_non_null(p);
    uint64_t st = 42;
    double total = s->idle_s + s->warm_s + s->ramp_s + s->run_s + s->tail_s;
    double run0 = s->idle_s + s->warm_s + s->ramp_s;
    for (long i = 0; i * 0.1 < total; i++) {
        double t = i * 0.1, v;
        if (t < s->idle_s)
            v = IDLE;
        else if (t < s->idle_s + s->warm_s)
            v = s->warm_w;
        else if (t < run0)
            v = s->warm_w + (STEADY - s->warm_w) * (t - s->idle_s - s->warm_s) / s->ramp_s;
        else if (t < run0 + s->run_s) {
            double r = t - run0;
            v = STEADY;
            for (size_t k = 0; k < s->ndips; k++)
                if (r >= s->dip_at[k] && r < s->dip_at[k] + s->dip_len_s)
                    v = s->dip_w;
            if (s->stop_len_s > 0 && r >= s->stop_at && r < s->stop_at + s->stop_len_s)
                v = IDLE;
        } else
            v = IDLE;
        v += s->noise_w * noise(&st);
        if (s->glitches && i % 131 == 7)
            v *= 0.08;
        assert_int_equal(gs_points_push(p, 1753576000 + i / 10, (double)(i % 10) / 10.0, v), 0);
    }
    return p;
}

static gs_trace_result *analyze(const gs_points *p, const gs_trace_opts *o)
{
    gs_trace_result *r = NULL;
    gs_error err = {0};
    assert_int_equal(gs_trace_analyze(p, o, &r, &err), 0);
    assert_non_null(r);
    return r;
}

static void test_periodic_dips_give_period_duration_levels_and_share(void **state)
{
    (void)state;
    double at[8];
    for (int k = 0; k < 8; k++)
        at[k] = 40 + 60.0 * k;
    synth s = {.idle_s = 100, .warm_s = 20, .warm_w = WARM, .ramp_s = 5, .run_s = 500,
               .tail_s = 60, .dip_at = at, .ndips = 8, .dip_len_s = 15, .dip_w = DIP,
               .noise_w = 80, .glitches = 1};
    gs_points *p = make(&s);
    gs_trace_result *r = analyze(p, NULL);
    assert_int_equal(r->ndips, 8);
    assert_int_equal(r->nstops, 0);
    assert_int_equal(r->periodic, 1);
    assert_true(fabs(r->dip_period_s - 60) < 0.5);
    assert_true(fabs(r->dip_duration_s - 15) < 0.8);
    assert_true(fabs(r->steady_w - STEADY) < 30);
    assert_true(fabs(r->dip_w - DIP) < 30);
    /* the span starts on the ramp (not at the idle or warm-up) and ends with the run */
    assert_true(r->start_s > 120 && r->start_s < 126);
    assert_true(fabs(r->end_s - 625) < 1);
    double want_share = 8 * 15 / (625 - r->start_s);
    assert_true(fabs(r->dip_share - want_share) < 0.01);
    assert_true(fabs(r->dips[0].start_s - 165) < 1);
    gs_trace_result_free(r);
    gs_points_free(p);
}

static void test_steady_without_dips_reports_none(void **state)
{
    (void)state;
    synth s = {.idle_s = 60, .warm_s = 30, .warm_w = WARM, .ramp_s = 5, .run_s = 400,
               .tail_s = 30, .noise_w = 150, .glitches = 1};
    gs_points *p = make(&s);
    gs_trace_result *r = analyze(p, NULL);
    assert_int_equal(r->ndips, 0);
    assert_int_equal(r->periodic, 0);
    assert_true(isnan(r->dip_period_s));
    assert_true(isnan(r->dip_w));
    assert_true(isnan(r->dip_duration_s));
    assert_true(r->dip_share == 0);
    assert_true(fabs(r->steady_w - STEADY) < 30);
    gs_trace_result_free(r);
    gs_points_free(p);
}

/* A warm-up at the dip's own power level before the run, and the idle tail after it, are not
 * dips: only the run's dips count. */
static void test_startup_and_tail_are_not_dips(void **state)
{
    (void)state;
    double at[3] = {100, 200, 300};
    synth s = {.idle_s = 200, .warm_s = 90, .warm_w = DIP, .ramp_s = 3, .run_s = 380,
               .tail_s = 200, .dip_at = at, .ndips = 3, .dip_len_s = 20, .dip_w = DIP,
               .noise_w = 40};
    gs_points *p = make(&s);
    gs_trace_result *r = analyze(p, NULL);
    assert_int_equal(r->ndips, 3);
    assert_true(r->dips[0].start_s > 293 + 99);
    assert_true(r->start_s > 290);
    assert_true(r->end_s < 293 + 381);
    assert_true(fabs(r->dip_period_s - 100) < 0.5);
    gs_trace_result_free(r);
    gs_points_free(p);
}

static void test_short_drops_are_noise_not_dips(void **state)
{
    (void)state;
    double at[6] = {50, 110, 170, 230, 290, 350};
    synth s = {.idle_s = 30, .ramp_s = 5, .warm_w = IDLE, .run_s = 400, .tail_s = 30,
               .dip_at = at, .ndips = 6, .dip_len_s = 1.2, .dip_w = DIP, .noise_w = 60,
               .glitches = 1};
    gs_points *p = make(&s);
    gs_trace_result *r = analyze(p, NULL);
    assert_int_equal(r->ndips, 0);
    assert_true(isnan(r->dip_period_s));
    gs_trace_result_free(r);
    /* with a lower bound on dip length they are found */
    gs_trace_opts o = {.min_dip_s = 0.5};
    r = analyze(p, &o);
    assert_int_equal(r->ndips, 6);
    assert_true(fabs(r->dip_period_s - 60) < 0.5);
    gs_trace_result_free(r);
    gs_points_free(p);
}

static void test_irregular_dips_have_no_period(void **state)
{
    (void)state;
    double at[5] = {30, 60, 160, 190, 400};
    synth s = {.idle_s = 30, .ramp_s = 5, .warm_w = IDLE, .run_s = 500, .tail_s = 30,
               .dip_at = at, .ndips = 5, .dip_len_s = 10, .dip_w = DIP, .noise_w = 40};
    gs_points *p = make(&s);
    gs_trace_result *r = analyze(p, NULL);
    assert_int_equal(r->ndips, 5);
    assert_int_equal(r->periodic, 0);
    assert_true(isnan(r->dip_period_s));
    assert_int_equal(r->nintervals, 4);
    assert_true(r->dip_regularity > 0.25);
    assert_true(fabs(r->dip_duration_s - 10) < 0.8);
    gs_trace_result_free(r);
    gs_points_free(p);
}

static void test_one_dip_has_no_period(void **state)
{
    (void)state;
    double at[1] = {200};
    synth s = {.idle_s = 30, .ramp_s = 5, .warm_w = IDLE, .run_s = 500, .tail_s = 30,
               .dip_at = at, .ndips = 1, .dip_len_s = 15, .dip_w = DIP, .noise_w = 40};
    gs_points *p = make(&s);
    gs_trace_result *r = analyze(p, NULL);
    assert_int_equal(r->ndips, 1);
    assert_int_equal(r->nintervals, 0);
    assert_true(isnan(r->dip_period_s));
    assert_true(fabs(r->dip_duration_s - 15) < 0.8);
    gs_trace_result_free(r);
    gs_points_free(p);
}

/* A halt to idle in the middle of the run is a stop: not a checkpoint, no interval across it,
 * and its time is not in the share. */
static void test_stop_to_idle_is_not_a_checkpoint(void **state)
{
    (void)state;
    double at[5] = {50, 150, 250, 550, 650};
    synth s = {.idle_s = 30, .ramp_s = 5, .warm_w = IDLE, .run_s = 700, .tail_s = 30,
               .dip_at = at, .ndips = 5, .dip_len_s = 15, .dip_w = DIP, .stop_at = 320,
               .stop_len_s = 150, .noise_w = 40};
    gs_points *p = make(&s);
    gs_trace_result *r = analyze(p, NULL);
    assert_int_equal(r->ndips, 5);
    assert_int_equal(r->nstops, 1);
    assert_true(fabs(r->stop_s - 150) < 1);
    assert_int_equal(r->nintervals, 3);
    assert_true(fabs(r->dip_period_s - 100) < 0.5);
    assert_true(fabs(r->dip_share - 5 * 15 / (r->span_s - r->stop_s)) < 1e-9);
    gs_trace_result_free(r);
    gs_points_free(p);
}

static void test_from_to_restrict_the_window(void **state)
{
    (void)state;
    double at[8];
    for (int k = 0; k < 8; k++)
        at[k] = 40 + 60.0 * k;
    synth s = {.idle_s = 100, .ramp_s = 5, .warm_w = IDLE, .run_s = 500, .tail_s = 60,
               .dip_at = at, .ndips = 8, .dip_len_s = 15, .dip_w = DIP, .noise_w = 40};
    gs_points *p = make(&s);
    gs_trace_opts o = {.from_s = 200, .to_s = 400};
    gs_trace_result *r = analyze(p, &o);
    assert_true(r->start_s >= 200);
    assert_true(r->end_s < 400);
    assert_int_equal(r->ndips, 3); /* dips at 205, 265, 325 (385 runs past 400) */
    assert_true(fabs(r->dip_period_s - 60) < 0.5);
    gs_trace_result_free(r);
    gs_points_free(p);
}

static void test_bad_options_and_too_few_points_are_errors(void **state)
{
    (void)state;
    gs_points *p = gs_points_new();
    for (int i = 0; i < 5; i++)
        assert_int_equal(gs_points_push(p, 1000 + i, 0, 100), 0);
    gs_trace_result *r = NULL;
    gs_error err = {0};
    assert_int_equal(gs_trace_analyze(p, NULL, &r, &err), GS_EINPUT);
    assert_null(r);
    for (int i = 5; i < 50; i++)
        assert_int_equal(gs_points_push(p, 1000 + i, 0, 100), 0);
    gs_trace_opts o = {.dip_below = 0.8, .dip_above = 0.7};
    assert_int_equal(gs_trace_analyze(p, &o, &r, &err), GS_ERANGE);
    assert_string_equal(err.field, "dip-above");
    gs_trace_opts o2 = {.dip_below = 1.5};
    assert_int_equal(gs_trace_analyze(p, &o2, &r, &err), GS_ERANGE);
    assert_string_equal(err.field, "dip-below");
    gs_trace_opts o3 = {.from_s = 30, .to_s = 20};
    assert_int_equal(gs_trace_analyze(p, &o3, &r, &err), GS_ERANGE);
    assert_null(r);
    /* a flat log: steady, no dips */
    r = analyze(p, NULL);
    assert_int_equal(r->ndips, 0);
    assert_true(fabs(r->steady_w - 100) < 1e-9);
    gs_trace_result_free(r);
    gs_trace_result_free(NULL);
    gs_points_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_periodic_dips_give_period_duration_levels_and_share),
        cmocka_unit_test(test_steady_without_dips_reports_none),
        cmocka_unit_test(test_startup_and_tail_are_not_dips),
        cmocka_unit_test(test_short_drops_are_noise_not_dips),
        cmocka_unit_test(test_irregular_dips_have_no_period),
        cmocka_unit_test(test_one_dip_has_no_period),
        cmocka_unit_test(test_stop_to_idle_is_not_a_checkpoint),
        cmocka_unit_test(test_from_to_restrict_the_window),
        cmocka_unit_test(test_bad_options_and_too_few_points_are_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
