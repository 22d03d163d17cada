/* test_load: the training and inference load models (include/gridsplit/load.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gridsplit/load.h"

static const gs_gpu H100 = {"H100", 700, 72, 575, 230, "test"};

static void gpu_power_spans_idle_to_full_server_share(void **state)
{
    (void)state;
    assert_float_equal(gs_gpu_power_w(&H100, 0), 72 + 230, 1e-9);
    assert_float_equal(gs_gpu_power_w(&H100, 1), 700 + 575, 1e-9);
    assert_float_equal(gs_gpu_power_w(&H100, 0.5), 0.5 * (302 + 1275), 1e-9);
    /* activity is clamped, never extrapolated */
    assert_float_equal(gs_gpu_power_w(&H100, 1.7), 1275, 1e-9);
}

static void checkpoint_dip_time_counts_dips_at_the_end_of_each_interval(void **state)
{
    (void)state;
    /* dips of 300 s every 3 h: [10500, 10800), [21300, 21600) ... */
    assert_float_equal(gs_ckpt_dip_time(0, 10500, 10800, 300), 0, 1e-9);
    assert_float_equal(gs_ckpt_dip_time(0, 10800, 10800, 300), 300, 1e-9);
    assert_float_equal(gs_ckpt_dip_time(10600, 10700, 10800, 300), 100, 1e-9);
    assert_float_equal(gs_ckpt_dip_time(0, 86400, 10800, 300), 8 * 300, 1e-9);
    assert_float_equal(gs_ckpt_dip_time(0, 86400, 0, 300), 0, 1e-9);
}

static gs_fleet *one_run_fleet(gs_fleet *f, gs_gpu *g, gs_cluster *c, gs_run *r)
{
    memset(f, 0, sizeof *f);
    *g = H100;
    memset(c, 0, sizeof *c);
    snprintf(c->id, sizeof c->id, "c");
    c->cls = GS_TRAINING;
    c->gpus = 1000;
    c->utilisation = 1.0;
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "r");
    r->gpus = 1000;
    r->start_s = 1000000;
    r->length_s = 28 * 86400.0;
    r->utilisation = -1;
    r->restart_overhead_s = 600;
    r->tier = 0.9;
    f->gpus = g;
    f->ngpus = 1;
    f->clusters = c;
    f->nclusters = 1;
    f->runs = r;
    f->nruns = 1;
    return f;
}

static void run_without_overrides_is_one_running_segment(void **state)
{
    (void)state;
    gs_fleet f;
    gs_gpu g;
    gs_cluster c;
    gs_run r;
    one_run_fleet(&f, &g, &c, &r);
    gs_segment seg[8];
    gs_error err = {0};
    assert_int_equal(gs_run_timeline(&f, 0, NULL, 0, seg, 8, &err), 1);
    assert_int_equal(seg[0].kind, GS_SEG_RUN);
    assert_int_equal(seg[0].to_s - seg[0].from_s, 28 * 86400);
    assert_float_equal(seg[0].gpu_power_w, 1275, 1e-9);
}

static void pause_delays_the_end_by_pause_plus_restart(void **state)
{
    (void)state;
    gs_fleet f;
    gs_gpu g;
    gs_cluster c;
    gs_run r;
    one_run_fleet(&f, &g, &c, &r);
    gs_override o = {0, GS_OVR_PAUSE, 1000000 + 86400, 1000000 + 86400 + 3 * 3600, 0, 0, 0};
    gs_segment seg[8];
    gs_error err = {0};
    int n = gs_run_timeline(&f, 0, &o, 1, seg, 8, &err);
    assert_int_equal(n, 4);
    assert_int_equal(seg[1].kind, GS_SEG_PAUSED);
    assert_float_equal(seg[1].gpu_power_w, 302, 1e-9);
    assert_int_equal(seg[2].kind, GS_SEG_RESTART);
    assert_int_equal(seg[3].to_s, 1000000 + 28 * 86400 + 3 * 3600 + 600);
    /* the 3 h pause of a 4-week run costs 3 h / 672 h = 0.45 % of wall-clock plus the restart */
    double extra = (double)(seg[3].to_s - r.start_s) / r.length_s - 1.0;
    assert_float_equal(extra, (3 * 3600 + 600) / (28.0 * 86400), 1e-9);
}

static void off_override_powers_the_servers_down_and_delays_like_a_pause(void **state)
{
    (void)state;
    gs_fleet f;
    gs_gpu g;
    gs_cluster c;
    gs_run r;
    one_run_fleet(&f, &g, &c, &r);
    gs_override o = {0, GS_OVR_OFF, 1000000 + 3600, 1000000 + 7200, 0, 0, 0};
    gs_segment seg[8];
    gs_error err = {0};
    int n = gs_run_timeline(&f, 0, &o, 1, seg, 8, &err);
    assert_int_equal(n, 4);
    assert_int_equal(seg[1].kind, GS_SEG_OFF);
    assert_float_equal(seg[1].gpu_power_w, 0, 1e-12);
    assert_int_equal(seg[3].to_s, 1000000 + 28 * 86400 + 3600 + 600);
}

static void power_cap_lowers_power_and_stretches_the_run(void **state)
{
    (void)state;
    gs_fleet f;
    gs_gpu g;
    gs_cluster c;
    gs_run r;
    one_run_fleet(&f, &g, &c, &r);
    /* 200 W of 700 W... here a cap at half the board for 10 h at 0.63 throughput */
    gs_override o = {0, GS_OVR_CAP, 1000000, 1000000 + 36000, 0.5, 0.63, 0};
    gs_segment seg[8];
    gs_error err = {0};
    int n = gs_run_timeline(&f, 0, &o, 1, seg, 8, &err);
    assert_int_equal(n, 2);
    assert_int_equal(seg[0].kind, GS_SEG_CAPPED);
    assert_true(seg[0].gpu_power_w < 1275 && seg[0].gpu_power_w > 302);
    assert_float_equal(seg[0].progress_rate, 0.63, 1e-12);
    assert_int_equal(seg[1].to_s, 1000000 + 28 * 86400 + (int64_t)ceil(36000 * 0.37));
}

static void shape_peaks_at_peak_hour_with_the_stated_ratio(void **state)
{
    (void)state;
    gs_shape s = {15, 4, 1.5, 0.85, 0};
    /* 1970-01-05 was a Monday */
    int64_t monday = 4 * 86400;
    double peak = gs_shape_factor(&s, monday + 15 * 3600);
    double trough = gs_shape_factor(&s, monday + 3 * 3600);
    assert_float_equal(peak, 1.0, 1e-12);
    assert_float_equal(peak / trough, 4.0, 1e-9);
    for (int h = 0; h < 24; h++)
        assert_true(gs_shape_factor(&s, monday + h * 3600) <= peak + 1e-12);
    /* Saturday 1970-01-10 */
    assert_float_equal(gs_shape_factor(&s, 9 * 86400 + 15 * 3600), 0.85, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gpu_power_spans_idle_to_full_server_share),
        cmocka_unit_test(checkpoint_dip_time_counts_dips_at_the_end_of_each_interval),
        cmocka_unit_test(run_without_overrides_is_one_running_segment),
        cmocka_unit_test(pause_delays_the_end_by_pause_plus_restart),
        cmocka_unit_test(off_override_powers_the_servers_down_and_delays_like_a_pause),
        cmocka_unit_test(power_cap_lowers_power_and_stretches_the_run),
        cmocka_unit_test(shape_peaks_at_peak_hour_with_the_stated_ratio),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
