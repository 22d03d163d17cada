/* test_site.c: site scoring and placement (include/gridsplit/site.h): components shown with raw,
 * normalised, weight and contribution; flexible price net of the top hours; missing data
 * renormalised; placement by Cbc reaches full coverage when it can and reports shortfalls;
 * the candidates reader refuses unknown zones and impossible coordinates with the line. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gridsplit/site.h"

static gs_site_file *make_file(void)
{
    gs_site_file *f = calloc(1, sizeof *f);
    f->params = gs_site_params_default();
    for (int c = 0; c < GS_NCLASS; c++)
        gs_site_default_weights((gs_class)c, f->weight[c]);
    for (int i = 0; i < GS_SC_N; i++)
        f->best[i] = f->worst[i] = NAN;
    f->nzones = 2;
    f->zones = calloc(2, sizeof *f->zones);
    snprintf(f->zones[0].id, sizeof f->zones[0].id, "CHEAP");
    snprintf(f->zones[1].id, sizeof f->zones[1].id, "DEAR");
    for (int z = 0; z < 2; z++) {
        f->zones[z].carbon_assumed_g_per_kwh = NAN;
        f->zones[z].headroom_assumed_mw = NAN;
        f->zones[z].price_assumed_usd_per_mwh = NAN;
    }
    /* CHEAP: 100 hours at 10, then 1 hour at 1010; DEAR: constant 150 */
    gs_series *p = gs_series_new(0, 3600, 101);
    for (size_t i = 0; i < 100; i++)
        p->v[i] = 10;
    p->v[100] = 1010;
    f->zones[0].price = p;
    f->zones[0].carbon_assumed_g_per_kwh = 50;
    f->zones[1].price_assumed_usd_per_mwh = 150;
    f->zones[1].headroom_assumed_mw = 1000;
    f->ncands = 3;
    f->cands = calloc(3, sizeof *f->cands);
    const struct { const char *id; double lat, lon; int zone; double ic, rack; gs_cooling cool; } c[3] = {
        {"west", 32, -100, 0, 500, 160, GS_COOL_LIQUID},
        {"east", 39, -77, 1, 100, 40, GS_COOL_AIR},
        {"eu", 50, 8, 1, 100, 40, GS_COOL_HYBRID}};
    for (int i = 0; i < 3; i++) {
        gs_site_cand *k = &f->cands[i];
        snprintf(k->id, sizeof k->id, "%s", c[i].id);
        snprintf(k->name, sizeof k->name, "%s", c[i].id);
        k->lat = c[i].lat;
        k->lon = c[i].lon;
        k->zone = c[i].zone;
        k->interconnect_mw = c[i].ic;
        k->years_to_power = 2;
        k->pue = 1.2;
        k->build_usd_per_mw = 10e6;
        k->rack_kw_max = c[i].rack;
        k->cooling = c[i].cool;
        k->classes = 3;
    }
    return f;
}

static const gs_site_component *comp(const gs_site_score *s, gs_site_comp k)
{
    for (size_t i = 0; i < s->ncomp; i++)
        if (s->comp[i].comp == k)
            return &s->comp[i];
    return NULL;
}

static void test_training_components_are_all_shown(void **state)
{
    (void)state;
    gs_site_file *f = make_file();
    f->params.flex_hours_share = 0.01; /* 1 of 101 hours: the 1010 hour */
    gs_site_result r;
    gs_error err = {0};
    assert_int_equal(gs_site_rank(f, GS_TRAINING, NULL, &r, &err), 0);
    assert_int_equal(r.n, 3);
    assert_string_equal(f->cands[r.s[0].cand].id, "west");
    const gs_site_score *w = &r.s[0];
    const gs_site_component *e = comp(w, GS_SC_ENERGY_COST);
    assert_non_null(e);
    /* mean 2010/101 x 1.2; curtailing the top hour leaves 10 x 1.2 = 12 */
    assert_true(fabs(w->energy_cost_usd_per_mwh - 2010.0 / 101 * 1.2) < 1e-9);
    assert_true(fabs(e->raw - 12.0) < 1e-9);
    assert_true(fabs(e->norm - (12.0 - 200) / (20 - 200)) < 1e-12 || e->norm == 1.0);
    assert_true(fabs(e->contribution - e->weight * e->norm) < 1e-12);
    /* density: liquid 160 kW hosts 100-160; air 40 caps at 30: cannot host */
    assert_true(comp(w, GS_SC_DENSITY)->norm == 1.0);
    const gs_site_score *east = r.s[1].cand == 1 ? &r.s[1] : &r.s[2];
    assert_true(comp(east, GS_SC_DENSITY)->raw == 30.0);
    assert_true(comp(east, GS_SC_DENSITY)->norm == 0.0);
    /* carbon unknown for DEAR: no data, excluded from the weight */
    assert_true(isnan(comp(east, GS_SC_CARBON)->norm));
    assert_true(fabs(east->weight_with_data - (1.0 - 0.15)) < 1e-12);
    /* every score equals the sum of contributions over the weight with data */
    for (size_t i = 0; i < r.n; i++) {
        double sum = 0;
        for (size_t c = 0; c < r.s[i].ncomp; c++)
            sum += r.s[i].comp[c].contribution;
        assert_true(fabs(r.s[i].score - sum / r.s[i].weight_with_data) < 1e-12);
        assert_int_equal(r.s[i].rank, (int)i + 1);
    }
    gs_site_result_free(&r);
    gs_site_file_free(f);
}

static gs_region REG[3] = {
    {"texas", 31, -97, "America/Chicago", 0.3, -1},
    {"virginia", 38.9, -77.0, "America/New_York", 0.5, -1},
    {"germany", 50.1, 8.7, "Europe/Berlin", 0.2, -1},
};

static void test_inference_reach_and_placement(void **state)
{
    (void)state;
    gs_site_file *f = make_file();
    f->params.latency_budget_ms = 40;
    f->params.demand_mw = 150;
    gs_site_score_opts o = {0};
    o.regions = REG;
    o.nregions = 3;
    gs_site_result r;
    gs_error err = {0};
    assert_int_equal(gs_site_rank(f, GS_INFERENCE, &o, &r, &err), 0);
    for (size_t i = 0; i < r.n; i++) {
        const gs_site_cand *k = &f->cands[r.s[i].cand];
        double want = !strcmp(k->id, "eu") ? 0.2 : 0.8; /* Texas and Virginia are within 40 ms */
        assert_true(fabs(r.s[i].reach_share - want) < 1e-12);
    }
    gs_site_placement p;
    assert_int_equal(gs_site_place(f, &r, &o, 2, 30, &p, &err), 0);
    assert_int_equal(p.nopen, 2);
    /* two sites cannot reach Germany and North America at once unless one is eu */
    int has_eu = 0;
    for (size_t j = 0; j < p.nopen; j++)
        has_eu |= !strcmp(f->cands[p.open[j]].id, "eu");
    assert_true(has_eu);
    assert_true(fabs(p.coverage - 1.0) < 1e-6);
    assert_true(p.unserved_mw < 1e-6);
    gs_site_placement_free(&p);
    /* one site: a shortfall, reported */
    assert_int_equal(gs_site_place(f, &r, &o, 1, 30, &p, &err), 0);
    assert_true(p.coverage < 0.81);
    assert_true(p.unserved_mw > 29);
    gs_site_placement_free(&p);
    /* K out of range */
    assert_int_equal(gs_site_place(f, &r, &o, 4, 30, &p, &err), GS_EINPUT);
    gs_site_result_free(&r);
    gs_site_file_free(f);
}

static int write_tmp(char *path, size_t len, const char *text)
{
    snprintf(path, len, "/tmp/gs_test_site_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    FILE *fp = fdopen(fd, "w");
    fputs(text, fp);
    fclose(fp);
    return 0;
}

static const char *BASE =
    "zones:\n"
    "  - {id: Z1, price_usd_per_mwh: 40}\n"
    "candidates:\n"
    "  - id: a\n"
    "    lat: %s\n"
    "    lon: 10\n"
    "    zone: %s\n"
    "    interconnect_mw: 100\n"
    "    years_to_power: 2\n"
    "    pue: 1.2\n"
    "    land_usd_per_mw: 0\n"
    "    build_usd_per_mw: 1\n"
    "    rack_kw_max: 40\n";

static void test_reader_refuses_bad_input(void **state)
{
    (void)state;
    char text[1024], path[64];
    gs_site_file *f = NULL;
    gs_error err = {0};
    snprintf(text, sizeof text, BASE, "45", "Z1");
    assert_int_equal(write_tmp(path, sizeof path, text), 0);
    assert_int_equal(gs_site_file_load(path, &f, &err), 0);
    assert_int_equal(f->ncands, 1);
    gs_site_file_free(f);
    unlink(path);

    snprintf(text, sizeof text, BASE, "45", "Z2");
    assert_int_equal(write_tmp(path, sizeof path, text), 0);
    assert_int_equal(gs_site_file_load(path, &f, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "unknown zone 'Z2'"));
    assert_int_equal(err.line, 7);
    assert_string_equal(err.field, "candidates[0].zone");
    unlink(path);

    memset(&err, 0, sizeof err);
    snprintf(text, sizeof text, BASE, "95", "Z1");
    assert_int_equal(write_tmp(path, sizeof path, text), 0);
    assert_int_equal(gs_site_file_load(path, &f, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "latitude"));
    assert_int_equal(err.line, 5);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_training_components_are_all_shown),
        cmocka_unit_test(test_inference_reach_and_placement),
        cmocka_unit_test(test_reader_refuses_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
