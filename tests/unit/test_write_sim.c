/* test_write_sim.c: the simulation's writers (src/write/simout.c, src/write/sim_report.c) on a
 * fleet, a result and a flexible policy's plan built by hand: one number rule (each unit's
 * decimals, no trailing zeros), no rows, entries or table rows for a class a site has no
 * cluster of, clusters.csv and runs.csv, the policy and every curtailment with its event in
 * summary.json and report.html. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gridsplit/write/sim.h"

enum { NSTEPS = 4 };

typedef struct world {
    char dir[64], path[128];
    gs_fleet f;
    gs_zone zone;
    gs_site site[2];
    gs_cluster cl[2];
    gs_run run;
    gs_sim_result r;
    double mw[2 * GS_NCLASS * NSTEPS];
    gs_load_stats site_class[2 * GS_NCLASS], site_all[2];
    gs_part_stats cluster[2], runst[1];
    int64_t run_start, run_end;
    gs_override ovr[2];
    gs_override_stats ovs[2];
    gs_flexsim_event_out ev[2];
    gs_flexsim_result plan;
    int ev_of[2];
    gs_sim_policy_info pi;
} world;

static void stats(gs_load_stats *s, double e)
{
    memset(s, 0, sizeof *s);
    s->energy_mwh = e;
    s->peak_mw = 2.123456789;
    s->min_mw = 1.5;
    s->mean_mw = 1.99999999;
    s->load_factor = 0.123456789;
    s->peak_to_trough = 2.5;
    s->peak_hour_local = 15.916666667;
    s->coincidence = NAN;
    s->energy_cost_usd = 12.3456;
    s->mean_price_usd_per_mwh = 45.678;
    s->price_coverage = 1;
    s->co2_t = 3.14159;
    s->carbon_coverage = 1;
}

static int setup(void **st)
{
    world *w = calloc(1, sizeof *w);
    if (!w)
        return -1;
    snprintf(w->dir, sizeof w->dir, "/tmp/gs_test_write_sim_XXXXXX");
    if (!mkdtemp(w->dir))
        return -1;
    snprintf(w->zone.id, sizeof w->zone.id, "ERCOT");
    snprintf(w->site[0].id, sizeof w->site[0].id, "wt");
    snprintf(w->site[1].id, sizeof w->site[1].id, "ash");
    snprintf(w->site[0].name, sizeof w->site[0].name, "West Texas");
    snprintf(w->site[1].name, sizeof w->site[1].name, "Ashburn");
    for (int s = 0; s < 2; s++) {
        w->site[s].interconnect_mw = 200;
        snprintf(w->site[s].tz, sizeof w->site[s].tz, "UTC");
    }
    /* a training cluster at wt, an inference cluster at ash: each site has one class */
    w->cl[0] = (gs_cluster){.id = "wt-h100", .site = 0, .cls = GS_TRAINING, .gpus = 1024, .service = -1};
    w->cl[1] = (gs_cluster){.id = "ash-h100", .site = 1, .cls = GS_INFERENCE, .gpus = 512, .service = -1};
    w->run = (gs_run){.id = "wt-run1", .cluster = 0, .gpus = 1024, .start_s = 1704067200};
    w->f = (gs_fleet){.name = "hand", .nzones = 1, .nsites = 2, .nclusters = 2, .nruns = 1};
    w->f.zones = &w->zone;
    w->f.sites = w->site;
    w->f.clusters = w->cl;
    w->f.runs = &w->run;
    for (size_t i = 0; i < sizeof w->mw / sizeof w->mw[0]; i++)
        w->mw[i] = 2.5;
    for (size_t i = 0; i < NSTEPS; i++) {
        w->mw[1 * NSTEPS + i] = 0; /* wt inference */
        w->mw[2 * NSTEPS + i] = 0; /* ash training */
    }
    gs_sim_result *r = &w->r;
    r->start_s = 1704067200; /* 2024-01-01 */
    r->step_s = 3600;
    r->nsteps = NSTEPS;
    r->nsites = 2;
    r->mw = w->mw;
    r->site_class = w->site_class;
    r->site = w->site_all;
    for (int k = 0; k < 2 * GS_NCLASS; k++)
        stats(&w->site_class[k], 10);
    stats(&w->site_all[0], 10);
    stats(&w->site_all[1], 10);
    stats(&r->fleet, 20);
    stats(&r->fleet_class[0], 10);
    stats(&r->fleet_class[1], 10);
    r->nruns = 1;
    w->run_start = 1704067200 + 3600;
    w->run_end = 1704067200 + 4 * 3600;
    r->run_start_s = &w->run_start;
    r->run_end_s = &w->run_end;
    r->nclusters = 2;
    r->cluster = w->cluster;
    r->run = w->runst;
    for (int c = 0; c < 2; c++)
        w->cluster[c] = (gs_part_stats){.energy_mwh = 1234.567891, .peak_mw = 2.5, .mean_mw = 1.25,
                                        .hours = 4, .gpu_hours = 4096.333333,
                                        .energy_cost_usd = 12.3456, .mean_price_usd_per_mwh = 45.678,
                                        .price_coverage = 1, .co2_t = NAN, .carbon_coverage = NAN,
                                        .runs = 1, .delay_h = 1, .curtailments = 1, .paused_h = 2};
    w->runst[0] = w->cluster[0];
    r->overrides_applied = 2;
    r->noverrides = 2;
    r->ovr = w->ovs;
    /* a pause, and the full-power stretch after it (not a curtailment) */
    w->ovr[0] = (gs_override){0, GS_OVR_PAUSE, 1704067200 + 3600, 1704067200 + 3 * 3600, 0, 0, 0};
    w->ovr[1] = (gs_override){0, GS_OVR_CAP, 1704067200 + 3 * 3600, 1704067200 + 3 * 3600 + 600, 1, 0, 0};
    w->ovs[0] = (gs_override_stats){.hours = 2, .mw_cut = 10.123456, .mwh_cut = 20.246912,
                                    .usd_saved = 1012.3456, .co2_t_avoided = NAN, .cuts = 1,
                                    .applied = 1};
    w->ovs[1] = (gs_override_stats){.hours = 600.0 / 3600, .usd_saved = 0, .co2_t_avoided = NAN};
    /* two events: a price hour acted on, a catalogue event that was not */
    gs_flexsim_event_out *x = &w->ev[0];
    snprintf(x->e.ev.id, sizeof x->e.ev.id, "price-ERCOT-2024-01-01T01");
    x->e.ev.kind = GS_PEV_PRICE;
    x->e.ev.scope = GS_SCOPE_ZONE;
    x->e.ev.scope_index = 0;
    x->e.ev.start_s = 1704067200 + 3600;
    x->e.ev.end_s = 1704067200 + 3 * 3600;
    x->e.ev.price_usd_per_mwh = 812.5;
    snprintf(x->e.origin, sizeof x->e.origin, "price");
    snprintf(x->levers, sizeof x->levers, "pause-checkpoint x1");
    x->jobs_curtailed = 1;
    x->achieved_mw = 10;
    x->cost_usd = 100.004;
    x->value_usd = 1000.5;
    snprintf(w->ev[1].e.ev.id, sizeof w->ev[1].e.ev.id, "eea-2024-01-01");
    w->ev[1].e.ev.kind = GS_PEV_RESERVE_DEPLOY;
    snprintf(w->ev[1].e.origin, sizeof w->ev[1].e.origin, "catalog");
    w->plan.events = w->ev;
    w->plan.nevents = 2;
    w->plan.overrides = w->ovr;
    w->plan.noverrides = 2;
    w->plan.screen_usd_per_mwh = 150;
    w->ev_of[0] = 0;
    w->ev_of[1] = -1;
    w->pi = (gs_sim_policy_info){.events = "catalog", .plan = &w->plan, .override_event = w->ev_of};
    *st = w;
    return 0;
}

static int teardown(void **st)
{
    world *w = *st;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", w->dir);
    int rc = system(cmd);
    free(w);
    return rc == 0 ? 0 : -1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = buf ? fread(buf, 1, (size_t)n, f) : 0;
    fclose(f);
    if (buf)
        buf[got] = 0;
    return buf;
}

static char *file(world *w, const char *name)
{
    snprintf(w->path, sizeof w->path, "%s/%s", w->dir, name);
    return w->path;
}

static void load_csv_has_no_rows_for_an_absent_class(void **st)
{
    world *w = *st;
    gs_error e = {0};
    assert_int_equal(gs_write_load_csv(&w->f, &w->r, 0, file(w, "load.csv"), &e), GS_OK);
    char *t = slurp(w->path);
    assert_non_null(t);
    assert_non_null(strstr(t, "2024-01-01T00:00:00Z,wt,training,2.5\n"));
    assert_non_null(strstr(t, "2024-01-01T00:00:00Z,ash,inference,2.5\n"));
    assert_null(strstr(t, ",wt,inference,"));
    assert_null(strstr(t, ",ash,training,"));
    /* header + 4 steps x 2 (site, class) pairs */
    size_t lines = 0;
    for (const char *p = t; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + NSTEPS * 2);
    free(t);
}

static void summary_follows_the_number_rule_and_skips_absent_classes(void **st)
{
    world *w = *st;
    gs_error e = {0};
    assert_int_equal(gs_write_summary_json(&w->f, &w->r, file(w, "summary.json"), &e), GS_OK);
    char *t = slurp(w->path);
    assert_non_null(t);
    /* MW to 4 decimals, shares to 6, hours to 4, money to the cent, tonnes to the kg */
    assert_non_null(strstr(t, "\"peak_mw\": 2.1235,"));
    assert_non_null(strstr(t, "\"mean_mw\": 2.0,"));
    assert_non_null(strstr(t, "\"load_factor\": 0.123457,"));
    assert_non_null(strstr(t, "\"peak_hour_local\": 15.9167,"));
    assert_non_null(strstr(t, "\"energy_cost_usd\": 12.35,"));
    assert_non_null(strstr(t, "\"mean_price_usd_per_mwh\": 45.68,"));
    assert_non_null(strstr(t, "\"co2_t\": 3.142,"));
    assert_non_null(strstr(t, "\"coincidence\": null,"));
    assert_non_null(strstr(t, "\"gpu_hours\": 4096.33,"));
    assert_null(strstr(t, "e+"));
    json_error_t je;
    json_t *j = json_loads(t, 0, &je);
    assert_non_null(j);
    json_t *s0 = json_object_get(json_array_get(json_object_get(j, "sites"), 0), "classes");
    json_t *s1 = json_object_get(json_array_get(json_object_get(j, "sites"), 1), "classes");
    assert_non_null(json_object_get(s0, "training"));
    assert_null(json_object_get(s0, "inference"));
    assert_null(json_object_get(s1, "training"));
    assert_non_null(json_object_get(s1, "inference"));
    /* the clusters' and runs' figures */
    json_t *c0 = json_array_get(json_object_get(j, "clusters"), 0);
    assert_string_equal(json_string_value(json_object_get(c0, "id")), "wt-h100");
    assert_float_equal(json_real_value(json_object_get(c0, "energy_mwh")), 1234.5679, 1e-9);
    assert_true(json_is_null(json_object_get(c0, "co2_t")));
    assert_int_equal(json_integer_value(json_object_get(c0, "curtailments")), 1);
    json_t *c1 = json_array_get(json_object_get(j, "clusters"), 1);
    assert_null(json_object_get(c1, "curtailments")); /* inference: no run counters */
    json_t *r0 = json_array_get(json_object_get(j, "runs"), 0);
    assert_int_equal(json_integer_value(json_object_get(r0, "delay_s")), 3600);
    assert_float_equal(json_real_value(json_object_get(r0, "paused_h")), 2, 0);
    /* must-run: the policy says so, and no curtailments */
    json_t *pol = json_object_get(j, "policy");
    assert_string_equal(json_string_value(json_object_get(pol, "name")), "must-run");
    assert_null(json_object_get(j, "curtailments"));
    json_decref(j);
    free(t);
}

static void summary_lists_every_curtailment_under_its_event(void **st)
{
    world *w = *st;
    gs_error e = {0};
    assert_int_equal(gs_write_summary_json_policy(&w->f, &w->r, &w->pi, file(w, "flex.json"), &e),
                     GS_OK);
    char *t = slurp(w->path);
    json_error_t je;
    json_t *j = json_loads(t, 0, &je);
    assert_non_null(j);
    json_t *pol = json_object_get(j, "policy");
    assert_string_equal(json_string_value(json_object_get(pol, "name")), "flexible");
    assert_int_equal(json_integer_value(json_object_get(pol, "events_acted_on")), 1);
    assert_int_equal(json_integer_value(json_object_get(pol, "curtailments")), 1);
    assert_float_equal(json_real_value(json_object_get(pol, "usd_saved")), 1012.35, 1e-9);
    assert_float_equal(json_real_value(json_object_get(pol, "planner_cost_usd")), 100.0, 1e-9);
    json_t *cs = json_object_get(j, "curtailments");
    assert_int_equal(json_array_size(cs), 1); /* the catalogue event was not acted on */
    json_t *c = json_array_get(cs, 0);
    assert_string_equal(json_string_value(json_object_get(c, "event")), "price-ERCOT-2024-01-01T01");
    assert_string_equal(json_string_value(json_object_get(c, "scope")), "zone ERCOT");
    assert_float_equal(json_real_value(json_object_get(c, "price_usd_per_mwh")), 812.5, 0);
    json_t *acts = json_object_get(c, "actions");
    assert_int_equal(json_array_size(acts), 1); /* the full-power stretch is no action */
    json_t *a = json_array_get(acts, 0);
    assert_string_equal(json_string_value(json_object_get(a, "run")), "wt-run1");
    assert_string_equal(json_string_value(json_object_get(a, "cluster")), "wt-h100");
    assert_string_equal(json_string_value(json_object_get(a, "site")), "wt");
    assert_string_equal(json_string_value(json_object_get(a, "lever")), "pause");
    assert_string_equal(json_string_value(json_object_get(a, "from")), "2024-01-01T01:00:00Z");
    assert_float_equal(json_real_value(json_object_get(a, "mw_cut")), 10.1235, 1e-9);
    assert_float_equal(json_real_value(json_object_get(a, "mwh_cut")), 20.2469, 1e-9);
    assert_float_equal(json_real_value(json_object_get(a, "usd_saved")), 1012.35, 1e-9);
    assert_true(json_is_null(json_object_get(a, "co2_t_avoided")));
    json_decref(j);
    free(t);
    /* an action whose event is not known is still listed, apart */
    w->ev_of[0] = -1;
    assert_int_equal(gs_write_summary_json_policy(&w->f, &w->r, &w->pi, file(w, "flex2.json"), &e),
                     GS_OK);
    t = slurp(w->path);
    j = json_loads(t, 0, &je);
    cs = json_object_get(j, "curtailments");
    assert_int_equal(json_array_size(cs), 2);
    assert_true(json_is_null(json_object_get(json_array_get(cs, 1), "event")));
    assert_int_equal(json_array_size(json_object_get(json_array_get(cs, 1), "actions")), 1);
    assert_int_equal(json_array_size(json_object_get(json_array_get(cs, 0), "actions")), 0);
    json_decref(j);
    free(t);
    w->ev_of[0] = 0;
}

static void clusters_and_runs_csv(void **st)
{
    world *w = *st;
    gs_error e = {0};
    assert_int_equal(gs_write_clusters_csv(&w->f, &w->r, file(w, "clusters.csv"), &e), GS_OK);
    char *t = slurp(w->path);
    assert_string_equal(t, "cluster,site,class,gpus,energy_mwh,peak_mw,mean_mw,gpu_hours,"
                           "energy_cost_usd,mean_price_usd_per_mwh,co2_t,runs,delay_h,"
                           "curtailments,paused_h,capped_h\n"
                           "wt-h100,wt,training,1024,1234.5679,2.5,1.25,4096.33,12.35,45.68,,1,1,"
                           "1,2,0\n"
                           "ash-h100,ash,inference,512,1234.5679,2.5,1.25,4096.33,12.35,45.68,,,,,"
                           ",\n");
    free(t);
    assert_int_equal(gs_write_runs_csv(&w->f, &w->r, file(w, "runs.csv"), &e), GS_OK);
    t = slurp(w->path);
    assert_string_equal(t, "run,cluster,site,gpus,planned_start,start,end,delay_h,hours,"
                           "energy_mwh,peak_mw,mean_mw,gpu_hours,energy_cost_usd,"
                           "mean_price_usd_per_mwh,co2_t,curtailments,paused_h,capped_h\n"
                           "wt-run1,wt-h100,wt,1024,2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,"
                           "2024-01-01T04:00:00Z,1,4,1234.5679,2.5,1.25,4096.33,12.35,45.68,,1,"
                           "2,0\n");
    free(t);
    /* a result without the figures: an error, nothing written */
    w->r.cluster = NULL;
    assert_int_equal(gs_write_clusters_csv(&w->f, &w->r, file(w, "none.csv"), &e), GS_EINPUT);
    assert_int_equal(access(w->path, F_OK), -1);
    w->r.cluster = w->cluster;
    w->cluster[0].energy_mwh = INFINITY;
    assert_int_equal(gs_write_clusters_csv(&w->f, &w->r, file(w, "inf.csv"), &e), GS_ERUNTIME);
    assert_int_equal(access(w->path, F_OK), -1);
    w->cluster[0].energy_mwh = 1234.567891;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

static void report_draws_costs_clusters_and_curtailments(void **st)
{
    world *w = *st;
    gs_error e = {0};
    gs_report_opts o = {.policy = &w->pi};
    assert_int_equal(gs_report_write_html_opts(&w->f, &w->r, &o, file(w, "report.html"), &e), GS_OK);
    char *t = slurp(w->path);
    assert_non_null(t);
    /* the summary: the fleet, its two classes, each site and its one class */
    assert_int_equal(count(t, "<tr class=\"row-"), 1 + 2 + 2 * 2);
    assert_non_null(strstr(t, "Energy cost<br>"));
    assert_non_null(strstr(t, "<td class=\"num\">12.35</td><td class=\"num\">45.68</td><td class=\"num\">3.1</td>"));
    /* the clusters, the runs, the curtailments with the event heading its action */
    assert_non_null(strstr(t, "id=\"clusters\""));
    assert_non_null(strstr(t, "id=\"runs\""));
    assert_non_null(strstr(t, "<table class=\"stats curt\">"));
    const char *ev = strstr(t, "price-ERCOT-2024-01-01T01");
    assert_non_null(ev);
    const char *act = strstr(ev, "<tr><td>wt-run1</td>");
    assert_non_null(act);
    assert_non_null(strstr(act, "<td class=\"cls\">pause</td>"));
    assert_non_null(strstr(t, "flexible <span class=\"muted\">(1 curtailment)</span>"));
    assert_null(strstr(t, "eea-2024-01-01")); /* not acted on */
    free(t);
    /* must-run: the section says so */
    assert_int_equal(gs_report_write_html(&w->f, &w->r, file(w, "mr.html"), &e), GS_OK);
    t = slurp(w->path);
    assert_non_null(strstr(t, "Policy <strong>must-run</strong>"));
    assert_null(strstr(t, "stats curt"));
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load_csv_has_no_rows_for_an_absent_class),
        cmocka_unit_test(summary_follows_the_number_rule_and_skips_absent_classes),
        cmocka_unit_test(summary_lists_every_curtailment_under_its_event),
        cmocka_unit_test(clusters_and_runs_csv),
        cmocka_unit_test(report_draws_costs_clusters_and_curtailments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
