/* test_scenarios.c: the scenarios engine and its reader (include/gridsplit/scenarios.h,
 * include/gridsplit/read/scenarios.h, docs/scenarios.md): growth indexes and share curves;
 * each form's class indexes against the closed forms; the built-in catalogue (every figure
 * sourced, the presets' 2030 indexes as derived by hand); bad sets refused; on a small fleet,
 * the table's arithmetic (demand, served, unserved, spare, interconnection and headroom shares),
 * a remote training campus stranded and a near one convertible, new racks that no longer fit,
 * flexibility revenue from a catalogue product priced by hand, NPVs equal to the underwriting
 * engine's year by year; and scenario files refused with their line and field. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gridsplit/econ.h"
#include "gridsplit/market.h"
#include "gridsplit/scenarios.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/market.h"
#include "gridsplit/read/scenarios.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s/gs_scen_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const files[] = {"f.yaml", "s.yaml", NULL};
    char p[512];
    for (int i = 0; files[i]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

static const char *write_file(const char *name, const char *text)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static void near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol)) {
        print_error("got %.12g, want %.12g (tolerance %g)\n", got, want, tol);
        fail();
    }
}

/* rc must be 0; else the error is printed. */
static void ok(int rc, const gs_error *err)
{
    if (rc) {
        print_error("%s:%d:%d: field '%s': %s\n", err->file, err->line, err->column, err->field,
                    err->message);
        fail();
    }
}

static void step(gs_scen_growth *g, int from, double rate)
{
    g->step[g->n].from_year = from;
    g->step[g->n].rate = rate;
    snprintf(g->step[g->n].source, sizeof g->step[g->n].source, "test");
    g->n++;
}

static void point(gs_scen_curve *c, int year, double v)
{
    c->pt[c->n].year = year;
    c->pt[c->n].value = v;
    c->n++;
}

static void growth_index_and_curves(void **state)
{
    (void)state;
    gs_scen_growth g = {0};
    step(&g, 2026, 0.5);
    step(&g, 2028, -0.2);
    near(gs_scen_growth_index(&g, 2025, 2025), 1, 0);
    near(gs_scen_growth_index(&g, 2025, 2026), 1.5, 1e-12);
    near(gs_scen_growth_index(&g, 2025, 2027), 2.25, 1e-12);
    near(gs_scen_growth_index(&g, 2025, 2029), 2.25 * 0.8 * 0.8, 1e-12);
    /* before the first step: no growth; a year before the base: the inverse */
    near(gs_scen_growth_index(&g, 2020, 2025), 1, 0);
    near(gs_scen_growth_index(&g, 2027, 2025), 1 / 2.25, 1e-12);
    gs_scen_curve c = {0};
    assert_true(isnan(gs_scen_curve_at(&c, 2025)));
    point(&c, 2027, 0.5);
    point(&c, 2030, 0.7);
    near(gs_scen_curve_at(&c, 2020), 0.5, 0);
    near(gs_scen_curve_at(&c, 2028), 0.5 + 0.2 / 3, 1e-12);
    near(gs_scen_curve_at(&c, 2030), 0.7, 0);
    near(gs_scen_curve_at(&c, 2040), 0.7, 0);
}

static void forms_follow_their_closed_forms(void **state)
{
    (void)state;
    gs_scenario set[5];
    memset(set, 0, sizeof set);
    const char *ids[5] = {"a", "b", "c", "d", "e"};
    for (int i = 0; i < 5; i++)
        snprintf(set[i].id, sizeof set[i].id, "%s", ids[i]);
    /* a: classes */
    set[0].form = GS_SCEN_CLASSES;
    step(&set[0].training, 2026, 0.1);
    step(&set[0].inference, 2026, 0.3);
    /* b: total and share */
    set[1].form = GS_SCEN_TOTAL_SHARE;
    step(&set[1].total, 2026, 1.0);
    point(&set[1].share, 2025, 0.4);
    point(&set[1].share, 2027, 0.6);
    /* c: training and share */
    set[2].form = GS_SCEN_TRAINING_SHARE;
    step(&set[2].training, 2026, 0);
    set[2].share = set[1].share;
    /* d: inference and share */
    set[3].form = GS_SCEN_INFERENCE_SHARE;
    step(&set[3].inference, 2026, 0.5);
    set[3].share = set[1].share;
    /* e: between a and b */
    set[4].form = GS_SCEN_BETWEEN;
    set[4].between[0] = 0;
    set[4].between[1] = 1;
    set[4].weight = 0.25;
    gs_error err = {0};
    assert_int_equal(gs_scen_check(set, 5, &err), 0);
    double x[GS_NCLASS];
    gs_scen_index(set, 5, 0, 2025, 2027, x);
    near(x[GS_TRAINING], 1.21, 1e-12);
    near(x[GS_INFERENCE], 1.69, 1e-12);
    gs_scen_index(set, 5, 1, 2025, 2027, x);
    near(x[GS_TRAINING], 4 * 0.4 / 0.6, 1e-12);
    near(x[GS_INFERENCE], 4 * 0.6 / 0.4, 1e-12);
    /* the share is met: inference / (training + inference) in base units */
    near(0.4 * x[GS_INFERENCE] / (0.4 * x[GS_INFERENCE] + 0.6 * x[GS_TRAINING]), 0.6, 1e-12);
    gs_scen_index(set, 5, 2, 2025, 2027, x);
    near(x[GS_TRAINING], 1, 1e-12);
    near(x[GS_INFERENCE], (0.6 / 0.4) / (0.4 / 0.6), 1e-12);
    gs_scen_index(set, 5, 3, 2025, 2027, x);
    near(x[GS_INFERENCE], 2.25, 1e-12);
    near(x[GS_TRAINING], 2.25 * (0.4 / 0.6) / (0.6 / 0.4), 1e-12);
    gs_scen_index(set, 5, 4, 2025, 2027, x);
    near(x[GS_TRAINING], pow(1.21, 0.75) * pow(4 * 0.4 / 0.6, 0.25), 1e-12);
    near(x[GS_INFERENCE], pow(1.69, 0.75) * pow(4 * 0.6 / 0.4, 0.25), 1e-12);
    /* bad sets */
    set[4].between[1] = 4;
    assert_int_equal(gs_scen_check(set, 5, &err), GS_EINPUT);
    assert_string_equal(err.field, "scenarios[4].between");
    set[4].between[1] = 1;
    set[1].share.pt[1].value = 1.0;
    assert_int_equal(gs_scen_check(set, 5, &err), GS_EINPUT);
    assert_string_equal(err.field, "scenarios[1].inference_share[1]");
    set[1].share.pt[1].value = 0.6;
    set[0].training.step[0].rate = -1;
    assert_int_equal(gs_scen_check(set, 5, &err), GS_EINPUT);
    assert_string_equal(err.field, "scenarios[0].training.growth[0]");
    set[0].training.step[0].rate = 0.1;
    snprintf(set[3].id, sizeof set[3].id, "a");
    assert_int_equal(gs_scen_check(set, 5, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "'a' again"));
}

static void catalogue_presets_are_sourced_and_derive_by_hand(void **state)
{
    (void)state;
    gs_scen_catalog *cat = NULL;
    gs_error err = {0};
    ok(gs_scen_catalog_load(&cat, &err), &err);
    assert_int_equal(cat->npresets, 3);
    for (size_t i = 0; i < cat->nfigures; i++)
        assert_true(strlen(cat->figures[i].source) > 10);
    for (size_t i = 0; i < cat->n; i++) {
        const gs_scenario *s = &cat->set[i];
        assert_true(strlen(s->source) > 10);
        const gs_scen_growth *g[3] = {&s->training, &s->inference, &s->total};
        for (int k = 0; k < 3; k++)
            for (size_t j = 0; j < g[k]->n; j++)
                assert_true(strlen(g[k]->step[j].source) > 10);
        for (size_t j = 0; j < s->share.n; j++)
            assert_true(strlen(s->share.pt[j].source) > 10);
    }
    for (int k = 0; k < GS_NCLASS; k++) {
        assert_true(strlen(cat->max_utilisation[k].source) > 10);
        for (size_t j = 0; j < cat->rack_kw[k].n; j++)
            assert_true(strlen(cat->rack_kw[k].pt[j].source) > 10);
    }
    int plateau = gs_scen_find(cat, "training-plateau"), both = gs_scen_find(cat, "both-grow"),
        mix = gs_scen_find(cat, "mix");
    assert_true(plateau >= 0 && both >= 0 && mix >= 0);
    /* shares: 0.366667 (2025) .. 0.7 (2030) */
    double s0 = 0.366667, s1 = 0.7;
    double x[GS_NCLASS], y[GS_NCLASS], z[GS_NCLASS];
    gs_scen_index(cat->set, cat->n, (size_t)plateau, 2025, 2030, x);
    near(x[GS_TRAINING], 1, 1e-12);
    near(x[GS_INFERENCE], (s1 / (1 - s1)) / (s0 / (1 - s0)), 1e-9); /* 4.03 */
    gs_scen_index(cat->set, cat->n, (size_t)both, 2025, 2030, y);
    near(y[GS_TRAINING], pow(1.65, 5) * (1 - s1) / (1 - s0), 1e-9); /* 5.79 */
    near(y[GS_INFERENCE], pow(1.65, 5) * s1 / s0, 1e-9);             /* 23.35 */
    gs_scen_index(cat->set, cat->n, (size_t)mix, 2025, 2030, z);
    near(z[GS_TRAINING], sqrt(x[GS_TRAINING] * y[GS_TRAINING]), 1e-9);
    near(z[GS_INFERENCE], sqrt(x[GS_INFERENCE] * y[GS_INFERENCE]), 1e-9);
    /* after 2030 every preset holds */
    gs_scen_index(cat->set, cat->n, (size_t)both, 2025, 2040, z);
    near(z[GS_INFERENCE], y[GS_INFERENCE], 1e-9);
    /* both grow in both-grow, every year */
    for (int yr = 2026; yr <= 2030; yr++) {
        double a[GS_NCLASS], b[GS_NCLASS];
        gs_scen_index(cat->set, cat->n, (size_t)both, 2025, yr - 1, a);
        gs_scen_index(cat->set, cat->n, (size_t)both, 2025, yr, b);
        assert_true(b[GS_TRAINING] > a[GS_TRAINING] && b[GS_INFERENCE] > a[GS_INFERENCE]);
    }
    gs_scen_catalog_free(cat);
}

static const char *FLEET =
    "name: scenario test\n"
    "zones:\n"
    "  - id: Z\n"
    "  - id: Y\n"
    "sites:\n"
    "  - {id: remote, name: remote, lat: -45.0, lon: -140.0, tz: Pacific/Pitcairn, zone: Z, "
    "interconnect_mw: 100, pue: 1.2, cooling: liquid, rack_kw_max: 160}\n"
    "  - {id: near, name: near, lat: 41.0, lon: -75.0, tz: America/New_York, zone: Z, "
    "interconnect_mw: 100, pue: 1.1, cooling: liquid, rack_kw_max: 400}\n"
    "  - {id: metro, name: metro, lat: 40.71, lon: -74.01, tz: America/New_York, zone: Y, "
    "interconnect_mw: 40, pue: 1.3, cooling: hybrid, rack_kw_max: 40}\n"
    "clusters:\n"
    "  - {id: r1, site: remote, class: training, gpu: H100, gpus: 40000, racks: 1250, "
    "utilisation: 0.8, cost_usd_per_gpu_hour: 2.0}\n"
    "  - {id: n1, site: near, class: training, gpu: H100, gpus: 40000, racks: 1250, "
    "utilisation: 0.8}\n"
    "  - {id: m1, site: metro, class: inference, gpu: H100, gpus: 10000, racks: 500, service: chat}\n"
    "services:\n"
    "  - id: chat\n"
    "    peak_requests_per_s: 1000\n"
    "    energy_per_request_j: 50\n"
    "    requests_per_s_per_gpu: 10\n"
    "    latency_budget_ms: 200\n"
    "    regions:\n"
    "      - {id: us-east, lat: 40.71, lon: -74.01, tz: America/New_York, share: 1.0}\n";

/* Training halves in 2026 and holds; inference doubles in 2026 and holds. */
static void decline_set(gs_scenario *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->id, sizeof s->id, "decline");
    s->form = GS_SCEN_CLASSES;
    step(&s->training, 2026, -0.5);
    step(&s->training, 2027, 0);
    step(&s->inference, 2026, 1.0);
    step(&s->inference, 2027, 0);
}

static gs_scen_inputs inputs(const gs_fleet *f, const gs_scenario *set, const size_t *run,
                             const double *headroom)
{
    gs_scen_inputs in;
    memset(&in, 0, sizeof in);
    in.fleet = f;
    in.set = set;
    in.nset = 1;
    in.run = run;
    in.nrun = 1;
    in.from_year = 2025;
    in.years = 3;
    in.params.max_utilisation[GS_TRAINING] = 0.95;
    in.params.max_utilisation[GS_INFERENCE] = 0.8;
    in.params.large_region_share = 0.05;
    point(&in.params.rack_kw[GS_TRAINING], 2025, 130);
    point(&in.params.rack_kw[GS_TRAINING], 2026, 130);
    point(&in.params.rack_kw[GS_TRAINING], 2027, 300);
    point(&in.params.rack_kw[GS_INFERENCE], 2025, 30);
    in.zone_headroom_mw = headroom;
    return in;
}

static void table_arithmetic_and_stranded_campus(void **state)
{
    (void)state;
    gs_fleet *f = NULL;
    gs_error err = {0};
    ok(gs_fleet_load(write_file("f.yaml", FLEET), &f, &err), &err);
    gs_scenario set[1];
    decline_set(set);
    size_t run[1] = {0};
    double headroom[2] = {500, NAN};
    gs_scen_inputs in = inputs(f, set, run, headroom);
    gs_scen_result *r = NULL;
    ok(gs_scen_run(&in, &r, &err), &err);
    double cap_r = gs_cluster_nameplate_mw(f, &f->clusters[0]) * 1.2;
    double cap_n = gs_cluster_nameplate_mw(f, &f->clusters[1]) * 1.1;
    double cap_m = gs_cluster_nameplate_mw(f, &f->clusters[2]) * 1.3;
    /* 2025: the fleet as it is */
    const gs_scen_cell *c = gs_scen_cell_at(r, 0, 0, 0, GS_TRAINING);
    near(c->index, 1, 0);
    near(c->demand_mw, cap_r, 1e-9);
    near(c->spare_mw, 0, 1e-9);
    near(c->utilisation, 0.8, 1e-12);
    near(c->interconnect_share, cap_r / 100, 1e-12);
    near(c->headroom_share, cap_r / 500, 1e-12);
    assert_int_equal(c->rack_fits, 1);
    /* 2026: the remote campus half idle, beyond the budget: stranded */
    c = gs_scen_cell_at(r, 0, 1, 0, GS_TRAINING);
    near(c->demand_mw, cap_r / 2, 1e-9);
    near(c->served_mw, cap_r / 2, 1e-9);
    near(c->spare_mw, cap_r / 2, 1e-9);
    near(c->stranded_mw, cap_r / 2, 1e-9);
    near(c->convertible_mw, 0, 0);
    near(c->utilisation, 0.4, 1e-12);
    near(c->load_mw, cap_r * 0.4, 1e-9);
    assert_true(isnan(c->flex_usd)); /* no markets */
    assert_true(r->sites[0].assessed && !r->sites[0].convertible);
    assert_true(r->sites[0].rtt_ms > r->sites[0].limit_ms);
    near(r->sites[0].limit_ms, 150, 1e-12); /* 200 ms less the router's 50 ms */
    assert_string_equal(r->sites[0].region, "us-east");
    /* the near campus: convertible */
    const gs_scen_cell *n = gs_scen_cell_at(r, 0, 1, 1, GS_TRAINING);
    assert_true(r->sites[1].convertible);
    near(n->convertible_mw, cap_n / 2, 1e-9);
    near(n->stranded_mw, 0, 0);
    /* the metro inference site: demand doubled, half of it unserved; no deal: no utilisation */
    const gs_scen_cell *m = gs_scen_cell_at(r, 0, 1, 2, GS_INFERENCE);
    near(m->demand_mw, 2 * cap_m, 1e-9);
    near(m->served_mw, cap_m, 1e-9);
    near(m->unserved_mw, cap_m, 1e-9);
    near(m->interconnect_share, 2 * cap_m / 40, 1e-12);
    assert_true(isnan(m->headroom_share)); /* zone Y's headroom is unknown */
    assert_true(isnan(m->utilisation));
    assert_true(isnan(m->convertible_mw));
    /* absent classes are NAN */
    assert_true(isnan(gs_scen_cell_at(r, 0, 1, 2, GS_TRAINING)->demand_mw));
    /* 2027: training racks of 300 kW no longer fit the 160 kW campus; the 400 kW one hosts them */
    assert_int_equal(gs_scen_cell_at(r, 0, 2, 0, GS_TRAINING)->rack_fits, 0);
    assert_int_equal(gs_scen_cell_at(r, 0, 2, 1, GS_TRAINING)->rack_fits, 1);
    /* fleet totals and the zone's share */
    const gs_scen_total *t = &r->totals[(0 * 3 + 1) * GS_NCLASS + GS_TRAINING];
    near(t->stranded_mw, cap_r / 2, 1e-9);
    near(t->convertible_mw, cap_n / 2, 1e-9);
    near(r->zone_share[(0 * 3 + 1) * 2 + 0], (cap_r + cap_n) / 2 / 500, 1e-12);
    assert_true(isnan(r->zone_share[(0 * 3 + 1) * 2 + 1]));
    gs_scen_result_free(r);
    /* a budget given: 300 ms reaches New York from the South Pacific */
    in.params.rtt_limit_ms = 300;
    ok(gs_scen_run(&in, &r, &err), &err);
    assert_true(r->sites[0].convertible);
    near(gs_scen_cell_at(r, 0, 1, 0, GS_TRAINING)->stranded_mw, 0, 0);
    gs_scen_result_free(r);
    gs_fleet_free(f);
}

static gs_econ_terms terms(void)
{
    gs_econ_terms t;
    memset(&t, 0, sizeof t);
    t.years = 10;
    t.discount_rate = 0.08;
    t.energy_escalation = 0.02;
    t.revenue_escalation = -0.05;
    t.cost_escalation = 0.02;
    t.maintenance_share = 0.02;
    t.insurance_share = 0.005;
    t.property_tax_share = 0.01;
    t.staff_usd_per_mw_year = 60000;
    t.interruptible_energy_discount = 0.15;
    t.interruptible_capacity_relief = 0.8;
    t.curtailed_hours_per_year = 43.8;
    t.inference_sla_penalty = 10;
    t.mustrun_redundancy_usd_per_mw = 1.5e6;
    return t;
}

static gs_econ_site econ_site(const gs_fleet *f, const char *id, int k, double it_mw, double gpus,
                              double u)
{
    (void)f;
    gs_econ_site s;
    memset(&s, 0, sizeof s);
    snprintf(s.id, sizeof s.id, "%s", id);
    gs_econ_unit *e = &s.cls[k];
    e->present = 1;
    e->it_mw = it_mw;
    e->pue = k == GS_TRAINING ? 1.2 : 1.3;
    e->gpus = gpus;
    e->utilisation = u;
    e->facility_capex_usd_per_mw = 13e6;
    e->gpu_capex_usd = 30000;
    e->refresh_years = 5;
    e->revenue_usd_per_gpu_hour = 2.0;
    s.nprice_years = 1;
    s.price_usd_per_mwh[0] = 45;
    s.capacity_usd_per_mw_year = 60000;
    s.interconnect_usd_per_mw = 150000;
    s.flex_usd_per_mw_year = 20000; /* replaced by the market figure (none here: 0) */
    return s;
}

/* The NPV of site s when class k runs at u[y] in operating year y (1..years): each year's row
 * taken from its own underwriting at that utilisation. */
static double npv_year_by_year(gs_econ_site s, int k, const gs_econ_terms *t, const double *u)
{
    double cf[32];
    s.flex_usd_per_mw_year = 0;
    for (int y = 0; y <= t->years; y++) {
        s.cls[k].utilisation = y ? u[y] : u[1];
        gs_econ_result *r = NULL;
        gs_error err = {0};
        assert_int_equal(gs_econ_underwrite(&s, 1, t, &r, &err), 0);
        cf[y] = gs_econ_row_at(r, 0, GS_NCLASS, y)->net_usd;
        gs_econ_result_free(r);
    }
    return gs_econ_npv(cf, (size_t)t->years + 1, t->discount_rate);
}

static void npv_is_the_underwriting_engines_year_by_year(void **state)
{
    (void)state;
    gs_fleet *f = NULL;
    gs_error err = {0};
    ok(gs_fleet_load(write_file("f.yaml", FLEET), &f, &err), &err);
    gs_scenario set[1];
    decline_set(set);
    size_t run[1] = {0};
    gs_scen_inputs in = inputs(f, set, run, NULL);
    in.years = 10;
    gs_econ_terms t = terms();
    double it_r = gs_cluster_nameplate_mw(f, &f->clusters[0]);
    double it_m = gs_cluster_nameplate_mw(f, &f->clusters[2]);
    gs_econ_site es[2] = {econ_site(f, "remote", GS_TRAINING, it_r, 40000, 0.8),
                          econ_site(f, "metro", GS_INFERENCE, it_m, 10000, 0.6)};
    in.econ = es;
    in.necon = 2;
    in.terms = &t;
    gs_scen_result *r = NULL;
    ok(gs_scen_run(&in, &r, &err), &err);
    assert_int_equal(r->horizon, 10);
    assert_true(r->sites[0].underwritten && !r->sites[1].underwritten && r->sites[2].underwritten);
    /* flat: the engine's own NPV at the base utilisation, flexibility 0 */
    gs_econ_site flat = es[0];
    flat.flex_usd_per_mw_year = 0;
    gs_econ_result *er = NULL;
    assert_int_equal(gs_econ_underwrite(&flat, 1, &t, &er, &err), 0);
    near(r->flat[0].npv_usd, er->metrics[GS_NCLASS].npv_usd, 1e-3);
    near(r->flat[0].irr.irr, er->metrics[GS_NCLASS].irr.irr, 1e-9);
    gs_econ_result_free(er);
    /* the decline: training at 0.8 in 2025 (year 1), 0.4 from 2026; inference 0.6, then
     * min(0.8, 1.2) = 0.8 */
    double ut[11], ui[11];
    for (int y = 1; y <= 10; y++) {
        ut[y] = y == 1 ? 0.8 : 0.4;
        ui[y] = y == 1 ? 0.6 : 0.8;
    }
    near(r->value[0].npv_usd, npv_year_by_year(es[0], GS_TRAINING, &t, ut), 1e-3);
    near(r->value[2].npv_usd, npv_year_by_year(es[1], GS_INFERENCE, &t, ui), 1e-3);
    assert_true(r->value[0].npv_usd < r->flat[0].npv_usd);
    assert_true(r->value[2].npv_usd > r->flat[2].npv_usd);
    /* with a deal the inference utilisation is known */
    near(gs_scen_cell_at(r, 0, 1, 2, GS_INFERENCE)->utilisation, 0.8, 1e-12);
    gs_scen_result_free(r);
    /* a deal site the fleet does not have */
    snprintf(es[1].id, sizeof es[1].id, "elsewhere");
    assert_int_equal(gs_scen_run(&in, &r, &err), GS_EINPUT);
    assert_string_equal(err.field, "sites[1]");
    assert_null(r);
    gs_fleet_free(f);
}

static void flexibility_from_a_product_priced_by_hand(void **state)
{
    (void)state;
    gs_fleet *f = NULL;
    gs_error err = {0};
    ok(gs_fleet_load(write_file("f.yaml", FLEET), &f, &err), &err);
    const char *text =
        "products:\n"
        "  - id: TEST-RES\n    name: test reserve\n    market: Z\n    zones: [Z]\n"
        "    kind: reserve\n    direction: down\n    availability_unit: USD/MW-h\n"
        "    payment: paid per MW per hour\n"
        "    eligible: {training: yes, inference: no}\n"
        "    prices:\n"
        "      - {period: \"2023\", zone: Z, value: 10, unit: USD/MW-h, label: test, source: test}\n"
        "    sources: {rules: r, payment: p, eligibility: e}\n";
    gs_market_catalog *cat = calloc(1, sizeof *cat);
    assert_non_null(cat);
    assert_int_equal(gs_market_catalog_parse(text, strlen(text), "t.yaml", cat, &err), 0);
    gs_scenario set[1];
    decline_set(set);
    size_t run[1] = {0};
    gs_scen_inputs in = inputs(f, set, run, NULL);
    in.markets = cat;
    in.market_year = 2023;
    gs_scen_result *r = NULL;
    ok(gs_scen_run(&in, &r, &err), &err);
    double cap_r = gs_cluster_nameplate_mw(f, &f->clusters[0]) * 1.2;
    /* 2025: the load (cap x 0.8) is below half the 100 MW connection: all of it is offered,
     * every hour of 2023 at 10 USD/MW-h */
    double load = cap_r * 0.8;
    assert_true(load < 50);
    near(gs_scen_cell_at(r, 0, 0, 0, GS_TRAINING)->flex_usd, load * 10 * 8760, 1e-3);
    near(r->sites[0].flex_base_usd, load * 10 * 8760, 1e-3);
    assert_true(r->sites[0].flex_valued);
    /* 2026: half the load, half the revenue */
    near(gs_scen_cell_at(r, 0, 1, 0, GS_TRAINING)->flex_usd, load / 2 * 10 * 8760, 1e-3);
    /* inference earns none */
    assert_true(isnan(gs_scen_cell_at(r, 0, 1, 2, GS_INFERENCE)->flex_usd));
    /* the metro site is in zone Y, with no product: the remote and near campuses' sum */
    double near_load = gs_cluster_nameplate_mw(f, &f->clusters[1]) * 1.1 * 0.4;
    near(r->totals[(0 * 3 + 1) * GS_NCLASS + GS_TRAINING].flex_usd,
         (load / 2 + near_load) * 10 * 8760, 1e-3);
    gs_scen_result_free(r);
    gs_market_catalog_free(cat);
    gs_fleet_free(f);
}

static void scenario_files_refused_with_line_and_field(void **state)
{
    (void)state;
    gs_scen_catalog *cat = NULL;
    gs_error err = {0};
    ok(gs_scen_catalog_load(&cat, &err), &err);
    size_t first, count;
    /* a good file: sources default to the file, a between naming a preset */
    const char *p = write_file("s.yaml", "scenarios:\n"
                                         "  - id: slow\n"
                                         "    training: {growth: [{from: 2026, rate: 0.1}]}\n"
                                         "    inference: {growth: [{from: 2026, rate: 0.2}]}\n"
                                         "  - id: half\n"
                                         "    between: [slow, both-grow]\n");
    assert_int_equal(gs_scen_file_load(cat, p, &first, &count, &err), 0);
    assert_int_equal(count, 2);
    assert_int_equal(first, cat->npresets);
    assert_non_null(strstr(cat->set[first].training.step[0].source, "scenario file"));
    assert_int_equal(cat->set[first + 1].form, GS_SCEN_BETWEEN);
    near(cat->set[first + 1].weight, 0.5, 0);
    /* the same ids again */
    assert_int_equal(gs_scen_file_load(cat, p, &first, &count, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "already a scenario"));
    assert_int_equal(err.line, 2);
    size_t n_before = cat->n;
    struct {
        const char *text, *field, *msg;
        int line;
    } bad[] = {
        {"scenarios:\n  - id: x\n    training: {growth: [{from: 2026, rate: 0.1}]}\n",
         "scenarios[0]", "expected training and inference", 2},
        {"scenarios:\n  - id: x\n    training: {growth: [{from: 2026, rate: -1}]}\n"
         "    inference: {growth: [{from: 2026, rate: 0.1}]}\n",
         "scenarios[0].training.growth[0].rate", "expected a growth rate per year", 3},
        {"scenarios:\n  - id: x\n    total: {growth: [{from: 2026, rate: 0.1}]}\n"
         "    inference_share: [{year: 2025, value: 0.4}, {year: 2024, value: 0.5}]\n",
         "scenarios[0].inference_share[1]", "ascending year", 4},
        {"scenarios:\n  - id: x\n    between: [mixx, both-grow]\n",
         "scenarios[0].between[0]", "did you mean 'mix'", 3},
        {"scenarios:\n  - id: x\n    trainign: {growth: [{from: 2026, rate: 0.1}]}\n",
         "scenarios[0]", "did you mean 'training'", 3},
        {"scenarios:\n  - id: 'a b'\n    between: [mix, both-grow]\n", "scenarios[0].id",
         "expected an id of letters", 2},
        {"scenarios:\n  - id: x\n    between: [mix, both-grow]\n    weight: 2\n",
         "scenarios[0].weight", "expected a weight in [0, 1]", 4},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p = write_file("s.yaml", bad[i].text);
        memset(&err, 0, sizeof err);
        assert_int_equal(gs_scen_file_load(cat, p, &first, &count, &err), GS_EINPUT);
        if (strcmp(err.field, bad[i].field) || !strstr(err.message, bad[i].msg) ||
            err.line != bad[i].line) {
            print_error("case %zu: field '%s' line %d: %s\n", i, err.field, err.line, err.message);
            fail();
        }
        assert_int_equal(cat->n, n_before); /* nothing kept */
    }
    gs_scen_catalog_free(cat);
    /* a catalogue figure without a source */
    const char *c = "figures: []\n"
                    "defaults:\n"
                    "  max_utilisation: {training: {value: 0.9, source: s}, inference: {value: 0.8}}\n"
                    "  large_region_share: {value: 0.05, source: s}\n"
                    "  headroom_rate_pct: {value: 0.5, source: s}\n"
                    "  rack_kw: {training: [{year: 2025, value: 130, source: s}], "
                    "inference: [{year: 2025, value: 30, source: s}]}\n"
                    "scenarios:\n  - {id: x, source: s, between: [x, x]}\n";
    assert_int_equal(gs_scen_catalog_parse(c, strlen(c), "c.yaml", &cat, &err), GS_EINPUT);
    assert_string_equal(err.field, "defaults.max_utilisation.inference");
    assert_non_null(strstr(err.message, "missing required key 'source'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(growth_index_and_curves),
        cmocka_unit_test(forms_follow_their_closed_forms),
        cmocka_unit_test(catalogue_presets_are_sourced_and_derive_by_hand),
        cmocka_unit_test(table_arithmetic_and_stranded_campus),
        cmocka_unit_test(npv_is_the_underwriting_engines_year_by_year),
        cmocka_unit_test(flexibility_from_a_product_priced_by_hand),
        cmocka_unit_test(scenario_files_refused_with_line_and_field),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
