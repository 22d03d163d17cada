/* test_planjobs.c: the planner's jobs built from the fleet (src/plan/jobs.c): a run's own
 * measured curve (else the built-in of its workload), checkpoint on signal, leads, tier window
 * and what it lost already; an inference cluster's serving GPUs, capacity, server time, the
 * latency budget left after the routed round trip (NAN when nothing is routed: no cap), curve
 * and tier; and the round trips recorded from a simulation's routing. */
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
#include "gridsplit/flex.h"
#include "gridsplit/load.h"
#include "gridsplit/planjobs.h"
#include "gridsplit/route.h"
#include "gridsplit/sim.h"
#include "gridsplit/time.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/tz.h"

static const char *FLEET =
    "name: jobs\n"
    "gpus:\n"
    "  - {id: A100, overhead_w: 0, overhead_idle_w: 0}\n"
    "power_curves:\n"
    "  - id: mine\n"
    "    workload: pretraining\n"
    "    gpu: A100\n"
    "    points:\n"
    "      - {cap_w: 200, throughput: 0.6, power_w: 195}\n"
    "      - {cap_w: 400, throughput: 1.0, power_w: 380}\n"
    "  - id: serve\n"
    "    workload: inference\n"
    "    gpu: A100\n"
    "    points:\n"
    "      - {cap_w: 200, throughput: 0.8, power_w: 190}\n"
    "      - {cap_w: 400, throughput: 1.0, power_w: 370}\n"
    "zones:\n"
    "  - id: SRP\n"
    "sites:\n"
    "  - {id: phx, lat: 33.45, lon: -112.07, tz: America/Phoenix, zone: SRP, interconnect_mw: 1, pue: 1.2}\n"
    "  - {id: far, lat: 51.5, lon: -0.1, tz: Europe/London, zone: SRP, interconnect_mw: 1, pue: 1.0}\n"
    "clusters:\n"
    "  - {id: train, site: phx, class: training, gpu: A100, gpus: 96, racks: 3}\n"
    "  - {id: inf, site: phx, class: inference, gpu: A100, gpus: 32, racks: 1, service: chat}\n"
    "  - {id: idle, site: far, class: inference, gpu: A100, gpus: 8, racks: 1, service: chat}\n"
    "training:\n"
    "  runs:\n"
    "    - id: own\n"
    "      cluster: train\n"
    "      gpus: 48\n"
    "      start: 2025-05-03T21:40Z\n"
    "      length: 10h\n"
    "      checkpoint: {interval: 1h, duration: 2min, on_signal: USR1, signal_duration: 90s}\n"
    "      tier: 0.5\n"
    "      tier_window: day\n"
    "      utilisation: 0.9\n"
    "      power_curve: mine\n"
    "      leads: {cap: 10s, pause: 2min}\n"
    "    - id: builtin\n"
    "      cluster: train\n"
    "      gpus: 48\n"
    "      start: 2025-05-03T21:40Z\n"
    "      length: 10h\n"
    "      workload: finetuning\n"
    "services:\n"
    "  - id: chat\n"
    "    peak_requests_per_s: 20\n"
    "    energy_per_request_j: 300\n"
    "    requests_per_s_per_gpu: 1\n"
    "    latency_budget_ms: 2000\n"
    "    server_time_ms: 1000\n"
    "    headroom_frac: 0.25\n"
    "    floor_frac: 0.1\n"
    "    shape: {peak_to_trough: 1, weekend_factor: 1}\n"
    "    power_curve: serve\n"
    "    tier: 0.9\n"
    "    tier_window: run\n"
    "    leads: {cap: 10s}\n"
    "    regions:\n"
    "      - {id: users, lat: 33.45, lon: -112.07, tz: America/Phoenix, share: 1, site: phx}\n";

static char path[512];

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/gs_test_planjobs_%ld.yaml", tmp && tmp[0] ? tmp : "/tmp",
             (long)getpid());
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(FLEET, f);
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

static gs_fleet *load(void)
{
    gs_fleet *f = NULL;
    gs_error err = {0};
    int rc = gs_fleet_load(path, &f, &err);
    if (rc) {
        char buf[2048];
        gs_error_format(&err, buf, sizeof buf);
        print_error("%s\n", buf);
    }
    assert_int_equal(rc, 0);
    return f;
}

static void test_run_job_carries_the_fleet_fields(void **state)
{
    (void)state;
    gs_fleet *f = load();
    int64_t t0, t;
    assert_int_equal(gs_parse_time("2025-05-03T21:40Z", &t0, NULL), 0);
    t = t0 + 90 * 60; /* 1.5 h in: 30 min since the last scheduled checkpoint */
    gs_plan_job j;
    gs_plan_job_of_run(f, 0, t, t - 600, 1.2, 1800, 900, &j);
    assert_string_equal(j.id, "own");
    assert_int_equal(j.cls, GS_TRAINING);
    assert_int_equal(j.run, 0);
    assert_ptr_equal(j.curve, &f->power_curves[0].curve);
    assert_int_equal(j.curve->has_power, 1);
    assert_true(fabs(j.power_mw - 48 * gs_gpu_power_w(j.gpu, 0.9) * 1.2e-6) < 1e-12);
    assert_true(fabs(j.flex.since_ckpt_s - 1800) < 1e-9);
    assert_true(j.next_ckpt_s == (double)(t0 + 7200)); /* the first to end after now */
    gs_plan_job_of_run(f, 0, t, t0 + 3000, 1.2, 1800, 900, &j);
    assert_true(j.next_ckpt_s == (double)(t0 + 3600)); /* between now and the start */
    assert_int_equal(j.ckpt_on_signal, 1);
    assert_true(j.ckpt_signal_s == 90);
    assert_true(j.cap_lead_s == 10 && j.pause_lead_s == 120 && j.ckpt_lead_s == 0);
    assert_true(j.flex.tier == 0.5);
    assert_int_equal(j.flex.window, GS_TIER_DAY);
    assert_true(j.flex.slack_used_s == 1800 && j.flex.lost_day_s == 900);
    assert_true(isinf(j.flex.deadline_margin_s));
    /* the other run: the built-in curve of its workload, the policy's leads, no signal */
    gs_plan_job_of_run(f, 1, t, t, 1.0, 0, 0, &j);
    assert_ptr_equal(j.curve, gs_capcurve_builtin("finetuning"));
    assert_int_equal(j.ckpt_on_signal, 0);
    assert_true(j.cap_lead_s == 0 && j.pause_lead_s == 0);
    assert_int_equal(j.flex.window, GS_TIER_EVENT);
    assert_true(j.flex.tier == 1);
    assert_true(j.flex.since_ckpt_s == 5400); /* no schedule: all work since the start */
    assert_true(j.next_ckpt_s < 0);
    gs_fleet_free(f);
}

static void test_inference_job_capacity_and_latency_left(void **state)
{
    (void)state;
    gs_fleet *f = load();
    gs_plan_job j;
    gs_plan_job_of_inference(f, 1, 0.01, 20, 1.2, 12.5, &j);
    assert_string_equal(j.id, "inf");
    assert_int_equal(j.cls, GS_INFERENCE);
    assert_int_equal(j.run, -1);
    assert_non_null(j.gpu);
    assert_true(j.power_mw == 0.01 && j.requests_per_s == 20 && j.pue == 1.2);
    assert_true(fabs(j.serving_gpus - 25) < 1e-12); /* 20 x 1.25 / 1 */
    assert_true(fabs(j.capacity_rps - 25) < 1e-12);
    assert_true(j.server_ms == 1000);
    assert_true(fabs(j.latency_left_ms - 1987.5) < 1e-12);
    assert_ptr_equal(j.curve, &f->power_curves[1].curve);
    assert_true(j.flex.tier == 0.9);
    assert_int_equal(j.flex.window, GS_TIER_RUN);
    assert_true(j.cap_lead_s == 10);
    /* serving GPUs stay within floor .. all; unknown round trip: NAN, no cap */
    gs_plan_job_of_inference(f, 1, 0.01, 100, 1.0, NAN, &j);
    assert_true(j.serving_gpus == 32 && j.capacity_rps == 32);
    assert_true(isnan(j.latency_left_ms));
    gs_plan_job_of_inference(f, 1, 0.0, 0, 1.0, 5, &j);
    assert_true(fabs(j.serving_gpus - 3.2) < 1e-12);
    /* a service with no tier, no server time, no curve: 1, the router's 50 ms, built-in */
    f->services[0].tier = 0;
    f->services[0].server_time_ms = 0;
    f->services[0].power_curve[0] = 0;
    gs_plan_job_of_inference(f, 1, 0.01, 20, 1.0, 10, &j);
    assert_true(j.flex.tier == 1);
    assert_true(j.server_ms == GS_ROUTE_DEFAULT_SERVER_MS);
    assert_non_null(j.curve);
    assert_ptr_equal(j.curve, gs_plan_service_curve(f, &f->services[0]));
    gs_fleet_free(f);
}

static void test_round_trips_come_from_the_routed_flows(void **state)
{
    (void)state;
    gs_fleet *f = load();
    int64_t t;
    assert_int_equal(gs_parse_time("2025-05-03T23:10Z", &t, NULL), 0);
    gs_error err = {0};
    gs_sim_tz tz;
    assert_int_equal(gs_sim_tz_load(f, t - 86400, t + 86400, &tz, &err), 0);
    gs_plan_rtt rtt;
    assert_int_equal(gs_plan_rtt_init(&rtt, f, t, &err), 0);
    assert_true(isnan(gs_plan_rtt_ms(&rtt, 0, 0)));
    gs_sim_opts so = {0};
    so.from_s = t;
    so.to_s = t + 600;
    so.step_s = 300;
    so.on_route = gs_plan_rtt_on_route;
    so.route_ctx = &rtt;
    gs_sim_result *r = NULL;
    assert_int_equal(gs_simulate(f, &tz, &so, &r, &err), 0);
    assert_int_equal(rtt.recorded, 1);
    assert_true(rtt.step_mid_s >= t && rtt.step_mid_s < t + 300);
    double near = gs_plan_rtt_ms(&rtt, 0, 0); /* users at the site itself: a few ms */
    assert_true(near > 0 && near < 50);
    assert_true(isnan(gs_plan_rtt_ms(&rtt, 0, 1))); /* nothing routed to London */
    assert_true(isnan(gs_plan_rtt_ms(&rtt, 1, 0)));  /* no such service */
    gs_sim_result_free(r);
    gs_plan_rtt_free(&rtt);
    gs_plan_rtt_free(NULL);
    gs_sim_tz_free(f, &tz);
    gs_fleet_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_job_carries_the_fleet_fields),
        cmocka_unit_test(test_inference_job_capacity_and_latency_left),
        cmocka_unit_test(test_round_trips_come_from_the_routed_flows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
