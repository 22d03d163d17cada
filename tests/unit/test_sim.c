/* test_sim: the simulation engine on fleets built by hand (include/gridsplit/sim.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/load.h"
#include "gridsplit/sim.h"
#include "gridsplit/read/tz.h"
#include "gridsplit/series.h"

#define T0 1704067200 /* 2024-01-01T00:00Z, a Monday */
#define DAY 86400

typedef struct hand {
    gs_fleet f;
    gs_gpu gpu;
    gs_zone zone;
    gs_site site[2];
    gs_cluster cl[3];
    gs_run run;
    gs_service sv;
    gs_region reg[2];
} hand;

/* Site 0 "a" (UTC) with a training cluster of 1000 H100 running one run; site 1 "b" (Tokyo)
 * with an inference cluster; a service with one region per site. */
static void build(hand *h)
{
    memset(h, 0, sizeof *h);
    h->gpu = (gs_gpu){"H100", 700, 72, 575, 230, "test"};
    snprintf(h->zone.id, sizeof h->zone.id, "Z");
    for (int s = 0; s < 2; s++) {
        snprintf(h->site[s].id, sizeof h->site[s].id, "%s", s ? "b" : "a");
        snprintf(h->site[s].tz, sizeof h->site[s].tz, "%s", s ? "Asia/Tokyo" : "UTC");
        h->site[s].pue = 1.2;
        h->site[s].lat = s ? 35.7 : 51.5;
        h->site[s].lon = s ? 139.7 : 0;
    }
    h->cl[0] = (gs_cluster){.id = "train", .site = 0, .cls = GS_TRAINING, .gpu = 0, .gpus = 1000,
                            .utilisation = 1.0, .service = -1};
    h->cl[1] = (gs_cluster){.id = "inf", .site = 1, .cls = GS_INFERENCE, .gpu = 0, .gpus = 1000,
                            .service = 0};
    h->cl[2] = (gs_cluster){.id = "inf-a", .site = 0, .cls = GS_INFERENCE, .gpu = 0, .gpus = 1000,
                            .service = 0};
    h->run = (gs_run){.id = "r", .cluster = 0, .gpus = 1000, .start_s = T0 + DAY,
                      .length_s = 5.0 * DAY, .utilisation = -1, .ckpt_interval_s = 10800,
                      .ckpt_duration_s = 300, .ckpt_power_frac = 0.3, .tier = 1};
    h->sv = (gs_service){.id = "chat", .peak_requests_per_s = 10000, .energy_per_request_j = 50,
                         .requests_per_s_per_gpu = 10, .floor_frac = 0.05, .headroom_frac = 0.1,
                         .shape = {15, 4, 1.5, 1.0, 0}};
    h->reg[0] = (gs_region){.id = "tokyo", .lat = 35.7, .lon = 139.7, .tz = "Asia/Tokyo",
                            .share = 0.5, .site = 1};
    h->reg[1] = (gs_region){.id = "london", .lat = 51.5, .lon = 0, .tz = "UTC", .share = 0.5,
                            .site = -1};
    h->sv.regions = h->reg;
    h->sv.nregions = 2;
    h->f = (gs_fleet){.name = "hand", .ngpus = 1, .nzones = 1, .nsites = 2, .nclusters = 3,
                      .nruns = 1, .nservices = 1};
    h->f.gpus = &h->gpu;
    h->f.zones = &h->zone;
    h->f.sites = h->site;
    h->f.clusters = h->cl;
    h->f.runs = &h->run;
    h->f.services = &h->sv;
}

static gs_sim_result *run_sim(hand *h, int64_t from, int64_t to, int64_t step)
{
    gs_sim_tz tz;
    gs_error err = {0};
    assert_int_equal(gs_sim_tz_load(&h->f, from, to, &tz, &err), 0);
    gs_sim_opts o = {.from_s = from, .to_s = to, .step_s = step};
    gs_sim_result *r = NULL;
    int rc = gs_simulate(&h->f, &tz, &o, &r, &err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err.message);
    assert_int_equal(rc, 0);
    gs_sim_tz_free(&h->f, &tz);
    return r;
}

static void training_energy_matches_the_analytic_run_with_dips(void **state)
{
    (void)state;
    hand h;
    build(&h);
    gs_sim_result *r = run_sim(&h, T0, T0 + 8 * DAY, 300);
    /* idle for 8 days + (running - idle) for 5 days - dips, all x PUE */
    double idle = 1000 * (72 + 230), run = 1000 * 1275;
    double dips = floor(5.0 * DAY / 10800) * 300; /* 40 dips of 300 s */
    double wh = idle * 8 * 24 + (run - idle) * 5 * 24 - 0.7 * run * dips / 3600;
    double expect_mwh = wh * 1.2 / 1e6;
    assert_float_equal(r->site_class[0 * GS_NCLASS + GS_TRAINING].energy_mwh, expect_mwh, 1e-6);
    assert_float_equal(r->site_class[0 * GS_NCLASS + GS_TRAINING].peak_mw, run * 1.2 / 1e6, 1e-9);
    gs_sim_result_free(r);
}

static void energy_does_not_depend_on_the_step(void **state)
{
    (void)state;
    hand h;
    build(&h);
    h.run.start_s = T0 + DAY + 437; /* not on a step boundary */
    gs_sim_result *a = run_sim(&h, T0, T0 + 8 * DAY, 60);
    gs_sim_result *b = run_sim(&h, T0, T0 + 8 * DAY, 3600);
    assert_float_equal(a->site_class[GS_TRAINING].energy_mwh, b->site_class[GS_TRAINING].energy_mwh,
                       1e-6);
    gs_sim_result_free(a);
    gs_sim_result_free(b);
}

static void a_running_training_site_is_near_flat(void **state)
{
    (void)state;
    hand h;
    build(&h);
    h.run.start_s = T0;
    h.run.length_s = 8.0 * DAY;
    gs_sim_result *r = run_sim(&h, T0, T0 + 7 * DAY, 300);
    const gs_load_stats *s = &r->site_class[GS_TRAINING];
    assert_true(s->load_factor > 0.97);
    assert_true(s->peak_to_trough < 1.0 / 0.3 + 1e-9);
    gs_sim_result_free(r);
}

static void inference_peaks_mid_afternoon_local_time_at_each_site(void **state)
{
    (void)state;
    hand h;
    build(&h);
    gs_sim_result *r = run_sim(&h, T0, T0 + 14 * DAY, 300);
    for (size_t s = 0; s < 2; s++) {
        const gs_load_stats *st = &r->site_class[s * GS_NCLASS + GS_INFERENCE];
        assert_true(st->peak_hour_local >= 14.0 && st->peak_hour_local <= 16.0);
        assert_true(st->peak_to_trough > 3.0 && st->peak_to_trough < 4.0 + 1e-9);
    }
    /* Tokyo and London nine hours apart: the fleet-wide inference curve is flatter */
    assert_true(r->fleet_class[GS_INFERENCE].peak_to_trough <
                r->site_class[1 * GS_NCLASS + GS_INFERENCE].peak_to_trough);
    assert_float_equal(r->unserved_requests[0], 0, 1e-9);
    gs_sim_result_free(r);
}

static void demand_beyond_capacity_is_reported_unserved(void **state)
{
    (void)state;
    hand h;
    build(&h);
    h.sv.peak_requests_per_s = 40000; /* 20,000 per site at peak; 10,000 of capacity each */
    gs_sim_result *r = run_sim(&h, T0, T0 + 2 * DAY, 300);
    assert_true(r->unserved_requests[0] > 0);
    /* a capped site never draws more than full provisioning */
    double full = 1000 * 302 + 10000 * 50 * (1 + 345.0 / 628.0);
    assert_true(r->site_class[1 * GS_NCLASS + GS_INFERENCE].peak_mw <= full * 1.2 / 1e6 + 1e-9);
    gs_sim_result_free(r);
}

static void pause_override_drops_training_to_idle(void **state)
{
    (void)state;
    hand h;
    build(&h);
    gs_override o = {0, GS_OVR_PAUSE, T0 + 2 * DAY, T0 + 2 * DAY + 3 * 3600, 0, 0, 0};
    gs_sim_tz tz;
    gs_error err = {0};
    assert_int_equal(gs_sim_tz_load(&h.f, T0, T0 + 8 * DAY, &tz, &err), 0);
    gs_sim_opts opt = {.from_s = T0, .to_s = T0 + 8 * DAY, .step_s = 300, .overrides = &o,
                       .noverrides = 1};
    gs_sim_result *r = NULL;
    assert_int_equal(gs_simulate(&h.f, &tz, &opt, &r, &err), 0);
    size_t i = (size_t)((2 * DAY + 3600) / 300);
    assert_float_equal(gs_sim_mw(r, 0, GS_TRAINING, i), 1000 * 302 * 1.2 / 1e6, 1e-9);
    gs_sim_result_free(r);
    gs_sim_tz_free(&h.f, &tz);
}

static void a_delayed_run_pushes_the_next_one_on_its_cluster(void **state)
{
    (void)state;
    hand h;
    build(&h);
    gs_run runs[2] = {h.run, h.run};
    runs[0].start_s = T0;
    runs[0].length_s = 2.0 * DAY;
    runs[1].start_s = T0 + 2 * DAY; /* back to back: needs all 1000 GPUs when run 0 ends */
    snprintf(runs[1].id, sizeof runs[1].id, "r2");
    h.f.runs = runs;
    h.f.nruns = 2;
    gs_override o = {0, GS_OVR_PAUSE, T0 + DAY, T0 + DAY + 6 * 3600, 0, 0, 0};
    gs_sim_tz tz;
    gs_error err = {0};
    assert_int_equal(gs_sim_tz_load(&h.f, T0, T0 + 6 * DAY, &tz, &err), 0);
    gs_sim_opts opt = {.from_s = T0, .to_s = T0 + 6 * DAY, .step_s = 300, .overrides = &o,
                       .noverrides = 1};
    gs_sim_result *r = NULL;
    assert_int_equal(gs_simulate(&h.f, &tz, &opt, &r, &err), 0);
    int64_t end0 = T0 + 2 * DAY + 6 * 3600; /* no restart overhead in the hand fleet */
    assert_int_equal(r->run_end_s[0], end0);
    assert_int_equal(r->run_start_s[1], end0);
    assert_int_equal(r->run_end_s[1], end0 + 5 * DAY);
    /* never more than one run's power on the cluster: no double counting while it waits */
    assert_true(r->site_class[GS_TRAINING].peak_mw <= 1000 * 1275 * 1.2 / 1e6 + 1e-9);
    gs_sim_result_free(r);
    gs_sim_tz_free(&h.f, &tz);
}

/* gs_simulate with detail and the given overrides over [T0, T0 + days). */
static gs_sim_result *run_detail(hand *h, int days, const gs_override *o, size_t no)
{
    gs_sim_tz tz;
    gs_error err = {0};
    assert_int_equal(gs_sim_tz_load(&h->f, T0, T0 + days * DAY, &tz, &err), 0);
    gs_sim_opts opt = {.from_s = T0, .to_s = T0 + days * DAY, .step_s = 300, .overrides = o,
                       .noverrides = no, .detail = 1};
    gs_sim_result *r = NULL;
    int rc = gs_simulate(&h->f, &tz, &opt, &r, &err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err.message);
    assert_int_equal(rc, 0);
    gs_sim_tz_free(&h->f, &tz);
    return r;
}

static void cluster_figures_add_up_to_the_site_curves(void **state)
{
    (void)state;
    hand h;
    build(&h);
    gs_sim_result *r = run_detail(&h, 8, NULL, 0);
    assert_non_null(r->cluster);
    assert_non_null(r->run);
    assert_int_equal(r->nclusters, 3);
    /* one cluster of each class per site here: a cluster's energy and peak are its site's */
    const gs_load_stats *tr = &r->site_class[0 * GS_NCLASS + GS_TRAINING];
    assert_float_equal(r->cluster[0].energy_mwh, tr->energy_mwh, 1e-9 * tr->energy_mwh);
    assert_float_equal(r->cluster[0].peak_mw, tr->peak_mw, 1e-12);
    assert_float_equal(r->cluster[0].mean_mw, tr->mean_mw, 1e-9);
    assert_float_equal(r->cluster[2].energy_mwh, r->site_class[0 * GS_NCLASS + GS_INFERENCE].energy_mwh, 1e-9);
    assert_float_equal(r->cluster[1].energy_mwh, r->site_class[1 * GS_NCLASS + GS_INFERENCE].energy_mwh, 1e-9);
    assert_float_equal(r->cluster[1].peak_mw, r->site_class[1 * GS_NCLASS + GS_INFERENCE].peak_mw, 1e-12);
    assert_float_equal(r->cluster[0].hours, 8 * 24, 0);
    /* the run: 1000 GPUs running for 5 days (120 GPU-hours each), 40 dips */
    const gs_part_stats *rs = &r->run[0];
    double run_j = 1000 * (1275.0 * 120 * 3600 - 0.7 * 1275 * 300 * 40);
    assert_float_equal(rs->energy_mwh, run_j * 1.2 / 3.6e9, 1e-9);
    assert_float_equal(rs->hours, 120, 0);
    assert_float_equal(rs->mean_mw, rs->energy_mwh / 120, 1e-12);
    assert_float_equal(rs->peak_mw, 1000 * 1275 * 1.2 / 1e6, 1e-9);
    assert_float_equal(rs->gpu_hours, 120000, 1e-6);
    assert_float_equal(r->cluster[0].gpu_hours, 120000, 1e-6);
    assert_int_equal(rs->curtailments, 0);
    assert_float_equal(rs->paused_h + rs->capped_h + rs->delay_h, 0, 0);
    /* no price or carbon series: not defined, not 0 */
    assert_true(isnan(rs->energy_cost_usd) && isnan(rs->co2_t) && isnan(r->cluster[1].co2_t));
    /* without detail: none of it */
    gs_sim_result *plain = run_sim(&h, T0, T0 + 8 * DAY, 300);
    assert_null(plain->cluster);
    assert_null(plain->run);
    assert_null(plain->ovr);
    for (size_t i = 0; i < r->nsteps; i++)
        assert_float_equal(gs_sim_mw(plain, 0, GS_TRAINING, i), gs_sim_mw(r, 0, GS_TRAINING, i), 1e-12);
    gs_sim_result_free(plain);
    gs_sim_result_free(r);
}

static void a_pause_is_a_curtailment_with_what_it_cut_and_saved(void **state)
{
    (void)state;
    hand h;
    build(&h);
    gs_series *price = gs_series_new(T0, 3600, 8 * 24);
    assert_non_null(price);
    for (size_t i = 0; i < price->n; i++)
        price->v[i] = 50;
    h.zone.price_usd_per_mwh = price;
    gs_override o = {0, GS_OVR_PAUSE, T0 + 2 * DAY, T0 + 2 * DAY + 3 * 3600, 0, 0, 0};
    gs_sim_result *r = run_detail(&h, 8, &o, 1);
    const gs_override_stats *os = &r->ovr[0];
    assert_int_equal(r->noverrides, 1);
    assert_int_equal(os->cuts, 1);
    assert_int_equal(os->applied, 1);
    assert_float_equal(os->hours, 3, 0);
    /* running 1275 W a GPU (less one checkpoint dip in the window) against 302 W paused */
    double cut_mwh = 1000 * (973.0 * 10800 - 0.7 * 1275 * 300) * 1.2 / 3.6e9;
    assert_float_equal(os->mwh_cut, cut_mwh, 1e-9);
    assert_float_equal(os->mw_cut, cut_mwh / 3, 1e-9);
    assert_float_equal(os->usd_saved, cut_mwh * 50, 1e-6);
    assert_true(isnan(os->co2_t_avoided));
    const gs_part_stats *rs = &r->run[0];
    assert_int_equal(rs->curtailments, 1);
    assert_float_equal(rs->paused_h, 3, 0);
    assert_float_equal(rs->hours, 123, 0);
    assert_float_equal(rs->gpu_hours, 120000, 1e-6);
    double run_j = 1000 * (1275.0 * 120 * 3600 - 0.7 * 1275 * 300 * 40 + 302.0 * 3 * 3600);
    assert_float_equal(rs->energy_mwh, run_j * 1.2 / 3.6e9, 1e-9);
    assert_float_equal(rs->energy_cost_usd, rs->energy_mwh * 50, 1e-6);
    assert_float_equal(rs->mean_price_usd_per_mwh, 50, 1e-9);
    assert_float_equal(rs->price_coverage, 1, 1e-12);
    assert_int_equal(r->cluster[0].curtailments, 1);
    assert_float_equal(r->cluster[0].paused_h, 3, 0);
    assert_float_equal(r->cluster[0].energy_cost_usd,
                       r->site_class[0 * GS_NCLASS + GS_TRAINING].energy_cost_usd, 1e-6);
    gs_sim_result_free(r);
    h.zone.price_usd_per_mwh = NULL;
    gs_series_free(price);
}

static void a_full_power_stretch_without_progress_is_no_curtailment(void **state)
{
    (void)state;
    hand h;
    build(&h);
    /* what a plan adds after a pause to redo lost work: full power, no progress */
    gs_override o = {0, GS_OVR_CAP, T0 + 2 * DAY + 3 * 3600, T0 + 2 * DAY + 3 * 3600 + 600, 1.0,
                     0.0, 0};
    gs_sim_result *r = run_detail(&h, 8, &o, 1);
    assert_int_equal(r->ovr[0].cuts, 0);
    assert_float_equal(r->ovr[0].mwh_cut, 0, 1e-12);
    assert_int_equal(r->run[0].curtailments, 0);
    assert_float_equal(r->run[0].capped_h, 0, 0);
    /* the run ends 600 s later: its work was put off */
    assert_int_equal(r->run_end_s[0], T0 + 6 * DAY + 600);
    gs_sim_result_free(r);
}

static void a_cap_on_a_run_that_waits_for_gpus_is_not_applied(void **state)
{
    (void)state;
    hand h;
    build(&h);
    gs_run runs[2] = {h.run, h.run};
    runs[0].start_s = T0;
    runs[0].length_s = 2.0 * DAY;
    runs[1].start_s = T0 + 2 * DAY;
    snprintf(runs[1].id, sizeof runs[1].id, "r2");
    h.f.runs = runs;
    h.f.nruns = 2;
    /* run 0 paused 6 h: run 1 waits until T0 + 2 d + 6 h; a cap on it at 2 d + 1 h meets nothing */
    gs_override o[2] = {{0, GS_OVR_PAUSE, T0 + DAY, T0 + DAY + 6 * 3600, 0, 0, 0},
                        {1, GS_OVR_CAP, T0 + 2 * DAY + 3600, T0 + 2 * DAY + 2 * 3600, 0.5, 0.8, 0}};
    gs_sim_result *r = run_detail(&h, 6, o, 2);
    assert_int_equal(r->run_start_s[1], T0 + 2 * DAY + 6 * 3600);
    assert_float_equal(r->run[1].delay_h, 6, 0);
    assert_int_equal(r->ovr[1].cuts, 1);
    assert_int_equal(r->ovr[1].applied, 0);
    assert_float_equal(r->ovr[1].mwh_cut, 0, 1e-12);
    assert_int_equal(r->run[1].curtailments, 0);
    assert_int_equal(r->run[0].curtailments, 1);
    assert_int_equal(r->cluster[0].curtailments, 1);
    assert_float_equal(r->cluster[0].delay_h, 6, 0);
    gs_sim_result_free(r);
}

static void the_memory_estimate_grows_with_sites_and_steps(void **state)
{
    (void)state;
    hand h;
    build(&h);
    gs_sim_opts o = {.from_s = T0, .to_s = T0 + 8 * DAY, .step_s = 300};
    double n = 8.0 * 288;
    double a = gs_sim_memory_bytes(&h.f, &o);
    /* the result's 2 sites x 2 classes, then the statistics' five curves and one byte a zone */
    double curves = 8 * 2 * 2 * n + 8 * 5 * n + n;
    assert_true(a >= curves && a < curves + 8192);
    o.to_s = T0 + 80 * DAY;
    double b = gs_sim_memory_bytes(&h.f, &o);
    assert_true(b > 9.9 * (a - 8192) && b < 10.1 * a);
    /* 100 years at 1 min on 2 sites: no overflow, about 52.6 M steps x (4 + 5) x 8 bytes */
    o.to_s = T0 + (int64_t)100 * 365 * DAY + 24 * DAY;
    o.step_s = 60;
    double c = gs_sim_memory_bytes(&h.f, &o);
    assert_true(c > 3.7e9 && c < 3.9e9);
}

static void period_must_be_whole_steps(void **state)
{
    (void)state;
    hand h;
    build(&h);
    gs_sim_tz tz;
    gs_error err = {0};
    assert_int_equal(gs_sim_tz_load(&h.f, T0, T0 + DAY, &tz, &err), 0);
    gs_sim_opts o = {.from_s = T0, .to_s = T0 + DAY + 7, .step_s = 300};
    gs_sim_result *r = NULL;
    assert_int_equal(gs_simulate(&h.f, &tz, &o, &r, &err), GS_EINPUT);
    assert_null(r);
    assert_non_null(strstr(err.message, "whole number"));
    gs_sim_tz_free(&h.f, &tz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(training_energy_matches_the_analytic_run_with_dips),
        cmocka_unit_test(energy_does_not_depend_on_the_step),
        cmocka_unit_test(a_running_training_site_is_near_flat),
        cmocka_unit_test(inference_peaks_mid_afternoon_local_time_at_each_site),
        cmocka_unit_test(demand_beyond_capacity_is_reported_unserved),
        cmocka_unit_test(pause_override_drops_training_to_idle),
        cmocka_unit_test(a_delayed_run_pushes_the_next_one_on_its_cluster),
        cmocka_unit_test(period_must_be_whole_steps),
        cmocka_unit_test(cluster_figures_add_up_to_the_site_curves),
        cmocka_unit_test(a_pause_is_a_curtailment_with_what_it_cut_and_saved),
        cmocka_unit_test(a_full_power_stretch_without_progress_is_no_curtailment),
        cmocka_unit_test(a_cap_on_a_run_that_waits_for_gpus_is_not_applied),
        cmocka_unit_test(the_memory_estimate_grows_with_sites_and_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
