/* test_econ_revenue.c: the two revenue rules added to the underwriting engine
 * (include/gridsplit/econ.h, docs/underwrite.md): flexibility revenue per price year (the flex
 * engine's figures: each year of the cash flow takes its price year's, the spread rotates them
 * with the prices, the tornado scales them, the contracts count them) and inference revenue
 * per served request (the demand shape mapped to the year's peak and mean, served up to the
 * capacity, by hand on a two-level shape; revenue, utilisation and energy from it; growth after
 * the listed years; the price's escalation; curtailed requests in the contracts; bad inputs
 * refused). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gridsplit/econ.h"
#include "econ_fixture.h"

/* A site with both classes and three price years (40, 60, 200 USD/MWh), the flex engine's
 * figure of each: 1,000, 50,000 and 7,000 USD per MW-year. */
static gs_econ_site site(void)
{
    gs_econ_site s;
    memset(&s, 0, sizeof s);
    snprintf(s.id, sizeof s.id, "campus");
    campus_classes(&s);
    s.nprice_years = 3;
    for (int i = 0; i < 3; i++)
        s.price_year[i] = 2020 + i;
    s.price_usd_per_mwh[0] = 40;
    s.price_usd_per_mwh[1] = 60;
    s.price_usd_per_mwh[2] = 200;
    s.capacity_usd_per_mw_year = 60000;
    s.interconnect_usd_per_mw = 150000;
    s.flex_usd_per_mw_year = 99999; /* must not be used once flex_by_year is set */
    s.flex_by_year = 1;
    s.flex_year_usd_per_mw_year[0] = 1000;
    s.flex_year_usd_per_mw_year[1] = 50000;
    s.flex_year_usd_per_mw_year[2] = 7000;
    return s;
}

/* Revenue per request on the site's inference: a shape of 84 hours at 1 and 84 at 0.5 (mean
 * 0.75), capacity 100,000 requests/s. */
static void per_request(gs_econ_site *s)
{
    gs_econ_requests *q = &s->req;
    q->on = 1;
    q->usd_per_request = 0.001;
    q->price_escalation = -0.1;
    q->capacity_rps = 100000;
    q->nyears = 2;
    q->peak_rps[0] = 80000;  /* below the capacity: every request served */
    q->mean_rps[0] = 60000;
    q->peak_rps[1] = 160000; /* above: the peak hours are cut */
    q->mean_rps[1] = 120000;
    q->growth = 0.5;
    for (int h = 0; h < GS_ECON_SHAPE_HOURS; h++)
        q->shape[h] = h % 2 ? 1.0 : 0.5;
}

static gs_econ_result *underwrite(const gs_econ_site *s, const gs_econ_terms *t)
{
    gs_econ_result *r = NULL;
    gs_error err = {0};
    assert_int_equal(gs_econ_underwrite(s, 1, t, &r, &err), 0);
    return r;
}

static void flex_of_each_year_is_its_price_years(void **state)
{
    (void)state;
    gs_econ_site s = site();
    gs_econ_terms t = terms();
    gs_econ_result *r = underwrite(&s, &t);
    double grid = 40 * 1.2;
    for (int y = 1; y <= t.years; y++) {
        double want = s.flex_year_usd_per_mw_year[(y - 1) % 3] * grid;
        assert_true(fabs(gs_econ_flex(&s, y) * grid - want) < 1e-9);
        assert_true(fabs(gs_econ_row_at(r, 0, GS_TRAINING, y)->flex_usd - want) < 1e-6);
        assert_true(gs_econ_row_at(r, 0, GS_INFERENCE, y)->flex_usd == 0);
    }
    assert_true(gs_econ_row_at(r, 0, GS_TRAINING, 0)->flex_usd == 0);
    /* the same site with one figure, the mean of the three, earns the same in total over
     * three years but not in the same years */
    gs_econ_site m = s;
    m.flex_by_year = 0;
    m.flex_usd_per_mw_year = (1000 + 50000 + 7000) / 3.0;
    gs_econ_result *rm = underwrite(&m, &t);
    double a = 0, b = 0;
    for (int y = 1; y <= 3; y++) {
        a += gs_econ_row_at(r, 0, GS_TRAINING, y)->flex_usd;
        b += gs_econ_row_at(rm, 0, GS_TRAINING, y)->flex_usd;
    }
    assert_true(fabs(a - b) < 1e-6);
    assert_true(fabs(gs_econ_row_at(r, 0, GS_TRAINING, 2)->flex_usd -
                     gs_econ_row_at(rm, 0, GS_TRAINING, 2)->flex_usd) > 1e5);
    gs_econ_result_free(r);
    gs_econ_result_free(rm);
    /* a non-finite figure is refused, a negative net (cost above revenue) is not */
    s.flex_year_usd_per_mw_year[1] = -500;
    gs_error err = {0};
    gs_econ_result *rr = NULL;
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &rr, &err), 0);
    gs_econ_result_free(rr);
    s.flex_year_usd_per_mw_year[1] = NAN;
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &rr, &err), GS_EINPUT);
    assert_string_equal(err.field, "flex_year_usd_per_mw_year");
}

static void flex_by_year_rotates_scales_and_counts_in_contracts(void **state)
{
    (void)state;
    gs_econ_site s = site();
    gs_econ_terms t = terms();
    /* the spread: scenario 2 starts at the second price year, for the flexibility revenue too */
    gs_econ_spread *sp = NULL;
    gs_error err = {0};
    assert_int_equal(gs_econ_spread_run(&s, 1, &t, GS_SPREAD_ROTATE, &sp, &err), 0);
    gs_econ_site s1 = s;
    s1.price_start = 1;
    gs_econ_result *r1 = underwrite(&s1, &t);
    assert_true(fabs(gs_econ_row_at(r1, 0, GS_TRAINING, 1)->flex_usd - 50000 * 48) < 1e-6);
    assert_true(fabs(sp->total_npv_usd[1] - r1->total_metrics.npv_usd) < 1e-3);
    gs_econ_result_free(r1);
    gs_econ_spread_free(sp);
    /* the tornado's flex_revenue x0 / x2: the swing is twice the PV of the yearly figures */
    gs_econ_move mv = {GS_LEVER_FLEX_REVENUE, GS_MOVE_SCALE, 0, 2};
    gs_econ_tornado *tor = NULL;
    assert_int_equal(gs_econ_tornado_run(&s, 1, &t, &mv, 1, &tor, &err), 0);
    double pv = 0;
    for (int y = 1; y <= t.years; y++)
        pv += gs_econ_flex(&s, y) * 48 / pow(1.08, y);
    assert_true(fabs(tor->bars[0].swing_usd - 2 * pv) < 1e-3);
    gs_econ_tornado_free(tor);
    /* contracts: every interruptible-training contract earns the year's figure, firm none */
    gs_econ_contracts c = gs_econ_compare_contracts(&s, &t);
    gs_econ_site z = s;
    for (int i = 0; i < 3; i++)
        z.flex_year_usd_per_mw_year[i] = 0;
    gs_econ_contracts cz = gs_econ_compare_contracts(&z, &t);
    assert_true(fabs((cz.pv_cost_usd[GS_CONTRACT_SPLIT] - c.pv_cost_usd[GS_CONTRACT_SPLIT]) -
                     pv) < 1e-3);
    assert_true(fabs(cz.pv_cost_usd[GS_CONTRACT_FIRM_ALL] -
                     c.pv_cost_usd[GS_CONTRACT_FIRM_ALL]) < 1e-6);
}

static void demand_is_served_up_to_the_capacity(void **state)
{
    (void)state;
    gs_econ_site s = site();
    per_request(&s);
    assert_true(fabs(gs_econ_shape_mean(s.req.shape) - 0.75) < 1e-12);
    /* year 1: demand(h) = 60,000 + 20,000 (shape - 0.75) / 0.25: 80,000 or 40,000, all served */
    gs_econ_demand_year d = gs_econ_demand_at(&s, 1);
    assert_true(fabs(d.served_rps - 60000) < 1e-6);
    assert_true(fabs(d.utilisation - 0.6) < 1e-12);
    assert_true(d.unserved_share < 1e-12);
    /* year 2: 160,000 or 80,000; the peak hours serve 100,000: (100,000 + 80,000) / 2 */
    d = gs_econ_demand_at(&s, 2);
    assert_true(fabs(d.peak_rps - 160000) < 1e-6 && fabs(d.mean_rps - 120000) < 1e-6);
    assert_true(fabs(d.served_rps - 90000) < 1e-6);
    assert_true(fabs(d.unserved_share - 0.25) < 1e-12);
    assert_true(fabs(d.usd_per_request - 0.0009) < 1e-15);
    /* year 3: past the list, grown 50 %: 240,000 or 120,000, everything cut to 100,000 */
    d = gs_econ_demand_at(&s, 3);
    assert_true(fabs(d.mean_rps - 180000) < 1e-6);
    assert_true(fabs(d.served_rps - 100000) < 1e-6);
    assert_true(fabs(d.utilisation - 1) < 1e-12);
    /* the cash flow: revenue = served x 3600 x 8760 x price; energy and GPU-hours at served /
     * capacity; firm (inference is) */
    gs_econ_terms t = terms();
    gs_econ_result *r = underwrite(&s, &t);
    for (int y = 1; y <= 3; y++) {
        gs_econ_demand_year dy = gs_econ_demand_at(&s, y);
        const gs_econ_row *row = gs_econ_row_at(r, 0, GS_INFERENCE, y);
        double rev = dy.served_rps * 3600 * 8760 * dy.usd_per_request;
        assert_true(fabs(row->revenue_usd - rev) < 1e-3);
        assert_true(fabs(row->energy_mwh - 20 * 1.2 * dy.utilisation * 8760) < 1e-6);
        assert_true(fabs(row->gpu_hours - 16384 * dy.utilisation * 8760) < 1e-6);
    }
    /* the training rows do not move */
    gs_econ_site g = site();
    gs_econ_result *rg = underwrite(&g, &t);
    assert_true(fabs(gs_econ_row_at(r, 0, GS_TRAINING, 4)->net_usd -
                     gs_econ_row_at(rg, 0, GS_TRAINING, 4)->net_usd) < 1e-6);
    gs_econ_result_free(rg);
    gs_econ_result_free(r);
}

static void requests_in_contracts_and_tornado(void **state)
{
    (void)state;
    gs_econ_site s = site();
    per_request(&s);
    gs_econ_terms t = terms();
    /* all_interruptible loses the requests of the curtailed hours x the SLA penalty, less the
     * energy not bought in them */
    gs_econ_contracts c = gs_econ_compare_contracts(&s, &t);
    double lost = 0, saved = 0, d = 1;
    for (int y = 1; y <= t.years; y++) {
        d *= 1.08;
        gs_econ_demand_year dy = gs_econ_demand_at(&s, y);
        double price = gs_econ_price(&s, &t, y), grid = 20 * 1.2;
        lost += dy.served_rps * 3600 * 43.8 * dy.usd_per_request * 10 / d;
        saved += (price * grid * dy.utilisation * 8760 -
                  price * 0.85 * grid * dy.utilisation * (8760 - 43.8)) / d;
        saved += s.capacity_usd_per_mw_year * pow(1.02, y - 1) * grid * 0.8 / d;
    }
    double diff = c.pv_cost_usd[GS_CONTRACT_ALL_INTERRUPTIBLE] - c.pv_cost_usd[GS_CONTRACT_SPLIT];
    assert_true(fabs(diff - (lost - saved)) < 1e-3);
    /* the tornado: inference_revenue scales the price of a request, inference_demand the
     * demand; the swing of the price is exact: 2 x 0.25 x PV(revenue) */
    gs_econ_move mv[2] = {{GS_LEVER_INFERENCE_REVENUE, GS_MOVE_SCALE, 0.75, 1.25},
                          {GS_LEVER_INFERENCE_DEMAND, GS_MOVE_SCALE, 0.5, 1.5}};
    gs_econ_tornado *tor = NULL;
    gs_error err = {0};
    assert_int_equal(gs_econ_tornado_run(&s, 1, &t, mv, 2, &tor, &err), 0);
    gs_econ_result *r = underwrite(&s, &t);
    double pv_rev = 0;
    for (int y = 1; y <= t.years; y++)
        pv_rev += gs_econ_row_at(r, 0, GS_INFERENCE, y)->revenue_usd / pow(1.08, y);
    gs_econ_result_free(r);
    for (size_t b = 0; b < tor->nbars; b++) {
        if (tor->bars[b].move == 0)
            assert_true(fabs(tor->bars[b].swing_usd - 0.5 * pv_rev) < 1e-2);
        else
            assert_true(tor->bars[b].npv_high_usd > tor->bars[b].npv_low_usd);
    }
    gs_econ_tornado_free(tor);
}

static void bad_request_inputs_are_refused(void **state)
{
    (void)state;
    gs_econ_terms t = terms();
    gs_econ_result *r = NULL;
    gs_error err = {0};
    gs_econ_site s = site();
    per_request(&s);
    s.req.mean_rps[0] = 90000; /* above the peak */
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, &err), GS_EINPUT);
    assert_string_equal(err.field, "demand.mean_requests_per_s");
    /* the shape reaches 0.5 of its peak: a mean below 0.5 x the peak would make hours negative */
    s = site();
    per_request(&s);
    s.req.mean_rps[0] = 30000;
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "at least 40000"));
    s = site();
    per_request(&s);
    s.req.capacity_rps = 0;
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, &err), GS_EINPUT);
    assert_string_equal(err.field, "capacity_rps");
    s = site();
    per_request(&s);
    s.req.shape[3] = 0.9; /* no hour at 1 */
    for (int h = 1; h < GS_ECON_SHAPE_HOURS; h += 2)
        s.req.shape[h] = 0.9;
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, &err), GS_EINPUT);
    assert_string_equal(err.field, "demand shape");
    s = site();
    per_request(&s);
    s.cls[GS_INFERENCE].present = 0;
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "inference load for revenue per request"));
    assert_null(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flex_of_each_year_is_its_price_years),
        cmocka_unit_test(flex_by_year_rotates_scales_and_counts_in_contracts),
        cmocka_unit_test(demand_is_served_up_to_the_capacity),
        cmocka_unit_test(requests_in_contracts_and_tornado),
        cmocka_unit_test(bad_request_inputs_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
