/* test_econ_risk.c: the risk views of an underwriting (include/gridsplit/econ.h): percentiles
 * by linear interpolation; the spread over price years (each rotation is the underwriting
 * started at that price year, hold is one year for the whole horizon, sites with fewer price
 * years wrap); the tornado (an exactly known swing for flexibility revenue, directions of the
 * discount rate and the energy price, bars sorted, utilisation held at 1, bad moves refused);
 * time to power (the firm case delayed is the firm NPV discounted, the parts add up, headroom
 * decides whether the load fits); capacity charged on the coincident peaks (ERCOT 4CP) instead
 * of peak draw. */
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

/* A site with both classes and three price years: 40, 60 and 200 USD/MWh. */
static gs_econ_site site(void)
{
    gs_econ_site s;
    memset(&s, 0, sizeof s);
    snprintf(s.id, sizeof s.id, "campus");
    campus_classes(&s);
    s.nprice_years = 3;
    s.price_year[0] = 2020;
    s.price_year[1] = 2021;
    s.price_year[2] = 2022;
    s.price_usd_per_mwh[0] = 40;
    s.price_usd_per_mwh[1] = 60;
    s.price_usd_per_mwh[2] = 200;
    s.capacity_usd_per_mw_year = 60000;
    s.interconnect_usd_per_mw = 150000;
    s.flex_usd_per_mw_year = 20000;
    return s;
}

static double npv_of(const gs_econ_site *s, size_t n, const gs_econ_terms *t)
{
    gs_econ_result *r = NULL;
    gs_error err = {0};
    assert_int_equal(gs_econ_underwrite(s, n, t, &r, &err), 0);
    double v = r->total_metrics.npv_usd;
    gs_econ_result_free(r);
    return v;
}

static void percentiles_interpolate_between_sorted_values(void **state)
{
    (void)state;
    const double v[] = {5, 1, 3, 2, 4};
    assert_true(fabs(gs_econ_percentile(v, 5, 0.10) - 1.4) < 1e-12);
    assert_true(fabs(gs_econ_percentile(v, 5, 0.50) - 3.0) < 1e-12);
    assert_true(fabs(gs_econ_percentile(v, 5, 0.90) - 4.6) < 1e-12);
    assert_true(v[0] == 5); /* not sorted in place */
    assert_true(gs_econ_percentile(v, 1, 0.9) == 5);
    assert_true(isnan(gs_econ_percentile(v, 0, 0.5)));
    assert_true(isnan(gs_econ_percentile(v, 5, 1.5)));
}

static void price_years_rotate_and_hold(void **state)
{
    (void)state;
    gs_econ_site s = site();
    gs_econ_terms t = terms();
    /* the price of year y starting at price year 1: 60, 200, 40, 60 ... escalated */
    s.price_start = 1;
    assert_true(fabs(gs_econ_price(&s, &t, 1) - 60) < 1e-9);
    assert_true(fabs(gs_econ_price(&s, &t, 2) - 200 * 1.02) < 1e-9);
    assert_true(fabs(gs_econ_price(&s, &t, 3) - 40 * 1.02 * 1.02) < 1e-9);
    s.price_hold = 1;
    assert_true(fabs(gs_econ_price(&s, &t, 3) - 60 * 1.02 * 1.02) < 1e-9);
    assert_int_equal(gs_econ_price_index(&s, 7), 1);
}

static void spread_scenarios_are_the_underwriting_started_at_each_year(void **state)
{
    (void)state;
    gs_econ_site s = site();
    gs_econ_terms t = terms();
    gs_econ_spread *sp = NULL;
    gs_error err = {0};
    assert_int_equal(gs_econ_spread_run(&s, 1, &t, GS_SPREAD_ROTATE, &sp, &err), 0);
    assert_int_equal(sp->nscen, 3);
    double npv[3];
    for (size_t i = 0; i < 3; i++) {
        gs_econ_site c = s;
        c.price_start = i;
        npv[i] = npv_of(&c, 1, &t);
        assert_int_equal(sp->start[i], i);
        assert_true(fabs(sp->total_npv_usd[i] - npv[i]) < 1e-3);
        assert_true(fabs(sp->npv_usd[i * 3 + GS_NCLASS] - npv[i]) < 1e-3); /* the site total */
        assert_true(isfinite(sp->npv_usd[i * 3 + GS_TRAINING]));
    }
    /* P50 of three is the middle one; P10 / P90 between the ends and the middle */
    double lo = fmin(npv[0], fmin(npv[1], npv[2])), hi = fmax(npv[0], fmax(npv[1], npv[2]));
    double mid = npv[0] + npv[1] + npv[2] - lo - hi;
    assert_true(fabs(sp->total_npv_pct[1] - mid) < 1e-3);
    assert_true(fabs(sp->total_npv_pct[0] - (lo + 0.2 * (mid - lo))) < 1e-3);
    assert_true(fabs(sp->total_npv_pct[2] - (mid + 0.8 * (hi - mid))) < 1e-3);
    assert_true(sp->total_mwh_pct[0] <= sp->total_mwh_pct[1]);
    double rotate_width = sp->total_npv_pct[2] - sp->total_npv_pct[0];
    gs_econ_spread_free(sp);

    /* hold: scenario 2 is 200 USD/MWh for ten years, the worst; as a one-year site */
    assert_int_equal(gs_econ_spread_run(&s, 1, &t, GS_SPREAD_HOLD, &sp, &err), 0);
    gs_econ_site one = s;
    one.nprice_years = 1;
    one.price_usd_per_mwh[0] = 200;
    assert_true(fabs(sp->total_npv_usd[2] - npv_of(&one, 1, &t)) < 1e-3);
    assert_true(sp->total_npv_usd[2] < sp->total_npv_usd[1]);
    assert_true(sp->total_npv_usd[1] < sp->total_npv_usd[0]);
    /* holding a year is wider than rotating them */
    assert_true(sp->total_npv_pct[2] - sp->total_npv_pct[0] > rotate_width);
    gs_econ_spread_free(sp);

    /* a site with fewer price years wraps: 2 years against 3 */
    gs_econ_site two[2] = {site(), site()};
    two[1].nprice_years = 2;
    snprintf(two[1].id, sizeof two[1].id, "other");
    assert_int_equal(gs_econ_spread_run(two, 2, &t, GS_SPREAD_ROTATE, &sp, &err), 0);
    assert_int_equal(sp->nscen, 3);
    assert_int_equal(sp->start[2 * 2 + 1], 0);
    assert_int_equal(sp->start[1 * 2 + 1], 1);
    gs_econ_spread_free(sp);

    /* a bad mode is refused */
    assert_int_equal(gs_econ_spread_run(&s, 1, &t, (gs_spread_mode)7, &sp, &err), GS_EINPUT);
    assert_null(sp);
}

static void tornado_swings_and_order(void **state)
{
    (void)state;
    gs_econ_site s = site();
    gs_econ_terms t = terms();
    const gs_econ_move moves[] = {
        {GS_LEVER_FLEX_REVENUE, GS_MOVE_SCALE, 0, 2},
        {GS_LEVER_DISCOUNT_RATE, GS_MOVE_ADD, -0.02, 0.02},
        {GS_LEVER_ENERGY_PRICE, GS_MOVE_SCALE, 0.5, 1.5},
        {GS_LEVER_TRAINING_UTILISATION, GS_MOVE_ADD, -0.1, 0.5},
        {GS_LEVER_GPU_PRICE, GS_MOVE_SCALE, 0.8, 1.2},
    };
    gs_econ_tornado *tor = NULL;
    gs_error err = {0};
    assert_int_equal(gs_econ_tornado_run(&s, 1, &t, moves, 5, &tor, &err), 0);
    assert_int_equal(tor->nbars, 5);
    assert_true(fabs(tor->base_npv_usd - npv_of(&s, 1, &t)) < 1e-3);
    for (size_t i = 0; i + 1 < tor->nbars; i++)
        assert_true(tor->bars[i].swing_usd >= tor->bars[i + 1].swing_usd);
    for (size_t i = 0; i < tor->nbars; i++) {
        const gs_econ_bar *b = &tor->bars[i];
        assert_true(fabs(b->swing_usd - fabs(b->npv_high_usd - b->npv_low_usd)) < 1e-6);
        assert_true(fabs(tor->site_npv_low_usd[i] - b->npv_low_usd) < 1e-3);
        if (b->move == 0) {
            /* flexibility revenue from none to twice: twice its PV, 20,000 x 48 MW a year */
            double pv = 0;
            for (int y = 1; y <= 10; y++)
                pv += 20000 * 48.0 / pow(1.08, y);
            assert_true(fabs(b->swing_usd - 2 * pv) < 1e-3);
            assert_true(b->npv_high_usd > b->npv_low_usd);
        }
        if (b->move == 1)
            assert_true(b->npv_low_usd > b->npv_high_usd); /* a lower rate is worth more */
        if (b->move == 2)
            assert_true(b->npv_low_usd > b->npv_high_usd); /* cheaper energy is worth more */
        if (b->move == 3) {
            /* 0.85 + 0.5 stops at 1: the same as utilisation 1 */
            gs_econ_site c = s;
            c.cls[GS_TRAINING].utilisation = 1.0;
            assert_true(fabs(b->npv_high_usd - npv_of(&c, 1, &t)) < 1e-3);
        }
    }
    gs_econ_tornado_free(tor);
    /* a valid deal near the engine's bounds: the rate levers stay in its domain (a discount
     * rate of 0.99 + 0.02 is held at 0.99, an escalation of -0.98 - 0.05 at -0.99) */
    {
        gs_econ_terms e = t;
        e.discount_rate = 0.99;
        e.energy_escalation = -0.98;
        const gs_econ_move edge[] = {
            {GS_LEVER_DISCOUNT_RATE, GS_MOVE_ADD, -0.02, 0.02},
            {GS_LEVER_ENERGY_ESCALATION, GS_MOVE_ADD, -0.05, 0.05},
        };
        assert_int_equal(gs_econ_tornado_run(&s, 1, &e, edge, 2, &tor, &err), 0);
        for (size_t i = 0; i < tor->nbars; i++)
            if (tor->bars[i].move == 0)
                assert_true(fabs(tor->bars[i].npv_high_usd - tor->base_npv_usd) < 1e-6);
        gs_econ_tornado_free(tor);
        gs_econ_terms m = e;
        gs_econ_move_apply(&edge[1], 0, NULL, 0, &m);
        assert_true(m.energy_escalation == -0.99);
    }
    /* a move of an unknown input is refused */
    gs_econ_move bad = {(gs_econ_lever)99, GS_MOVE_ADD, 0, 1};
    assert_int_equal(gs_econ_tornado_run(&s, 1, &t, &bad, 1, &tor, &err), GS_EINPUT);
    assert_null(tor);
}

static void time_to_power_values_the_earlier_start(void **state)
{
    (void)state;
    gs_econ_site s = site();
    gs_econ_terms t = terms();
    s.years_saved = 2;
    s.headroom_known = 1;
    s.headroom_mw = 100; /* 48 MW of training draw fits */
    gs_econ_power p;
    gs_error err = {0};
    assert_int_equal(gs_econ_time_to_power(&s, 1, &t, &p, &err), 0);
    assert_int_equal(p.present, 1);
    assert_int_equal(p.fits, 1);
    assert_true(fabs(p.flexible_mw - 48) < 1e-9);
    /* only training can use the curtailable connection: the inference hall stays firm and
     * waits for its firm connection either way, so the comparison is training's alone */
    assert_true(s.cls[GS_INFERENCE].present);
    gs_econ_site tr = s;
    memset(&tr.cls[GS_INFERENCE], 0, sizeof tr.cls[GS_INFERENCE]);
    gs_econ_power pt;
    assert_int_equal(gs_econ_time_to_power(&tr, 1, &t, &pt, &err), 0);
    assert_true(p.npv_curtailable_usd == pt.npv_curtailable_usd);
    assert_true(p.timing_usd == pt.timing_usd && p.value_usd == pt.value_usd);
    /* curtailable now is the underwriting of training itself */
    assert_true(fabs(p.npv_curtailable_usd - npv_of(&tr, 1, &t)) < 1e-3);
    assert_true(fabs(p.npv_curtailable_usd - npv_of(&s, 1, &t)) > 1e3);
    /* firm: training firm, no flexibility revenue, no curtailment, full price */
    double cf[11];
    gs_econ_site firm = tr;
    firm.flex_usd_per_mw_year = 0;
    gs_econ_terms ft = t;
    ft.curtailed_hours_per_year = 0;
    ft.interruptible_energy_discount = 0;
    ft.interruptible_capacity_relief = 0;
    /* (an interruptible contract with nothing off and no hours curtailed is the firm one) */
    assert_true(fabs(p.npv_firm_usd - npv_of(&firm, 1, &ft)) < 1e-3);
    (void)cf;
    assert_true(fabs(p.npv_firm_delayed_usd - p.npv_firm_usd / (1.08 * 1.08)) < 1e-3);
    assert_true(fabs(p.value_usd - (p.contract_usd + p.timing_usd)) < 1e-3);
    assert_true(p.timing_usd > 0 && p.value_usd > 0);
    /* too much load for the headroom: reported, not fitting */
    s.headroom_mw = 10;
    assert_int_equal(gs_econ_time_to_power(&s, 1, &t, &p, &err), 0);
    assert_int_equal(p.fits, 0);
    /* no years saved: not valued, the firm case not delayed */
    s.years_saved = 0;
    assert_int_equal(gs_econ_time_to_power(&s, 1, &t, &p, &err), 0);
    assert_int_equal(p.present, 0);
    assert_true(p.timing_usd == 0);
    /* a bad figure is refused with its field */
    s.years_saved = -1;
    assert_int_equal(gs_econ_time_to_power(&s, 1, &t, &p, &err), GS_EINPUT);
    assert_string_equal(err.field, "years_saved");
}

static void capacity_on_coincident_peaks(void **state)
{
    (void)state;
    gs_econ_site s = site();
    gs_econ_terms t = terms();
    s.cp_basis = 1;
    s.cp_paused_share[GS_TRAINING] = 0.15;
    s.cp_paused_share[GS_INFERENCE] = 0.2;
    for (size_t i = 0; i < 3; i++) {
        s.cp_firm_share[GS_TRAINING][i] = 1.0;        /* a flat slab: 0.85 at utilisation 0.85 */
        s.cp_firm_share[GS_INFERENCE][i] = (0.7 + 0.1 * (double)i) / 0.6; /* peak / mean */
    }
    gs_econ_result *r = NULL;
    gs_error err = {0};
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, &err), 0);
    /* training pauses for the peaks: charged on its idle draw, no relief factor */
    const gs_econ_row *t1 = gs_econ_row_at(r, 0, GS_TRAINING, 1);
    assert_true(fabs(t1->capacity_usd - 60000 * 48 * 0.15) < 1e-6);
    /* inference cannot: charged on its draw in the peaks of each price year (peak / mean x
     * utilisation 0.6) */
    const gs_econ_row *i2 = gs_econ_row_at(r, 0, GS_INFERENCE, 2);
    assert_true(fabs(i2->capacity_usd - 60000 * 1.02 * 24 * 0.8) < 1e-6);
    const gs_econ_row *i4 = gs_econ_row_at(r, 0, GS_INFERENCE, 4); /* price year 0 again */
    assert_true(fabs(i4->capacity_usd - 60000 * pow(1.02, 3) * 24 * 0.7) < 1e-6);
    gs_econ_result_free(r);
    /* the shares follow the price years when they rotate */
    s.price_start = 1;
    assert_true(fabs(gs_econ_capacity_share(&s, &t, GS_INFERENCE, 1, 0) - 0.8) < 1e-12);
    assert_true(fabs(gs_econ_capacity_share(&s, &t, GS_TRAINING, 1, 1) - 0.15) < 1e-12);
    s.price_start = 0;
    /* the firm share scales with utilisation (affine, as `gridsplit scenarios` needs), the
     * paused one does not */
    gs_econ_site h = s;
    h.cls[GS_INFERENCE].utilisation = 0.3;
    h.cls[GS_TRAINING].utilisation = 0.5;
    assert_true(fabs(gs_econ_capacity_share(&h, &t, GS_INFERENCE, 1, 0) - 0.35) < 1e-12);
    assert_true(fabs(gs_econ_capacity_share(&h, &t, GS_TRAINING, 1, 0) - 0.5) < 1e-12);
    assert_true(fabs(gs_econ_capacity_share(&h, &t, GS_TRAINING, 1, 1) - 0.15) < 1e-12);
    /* without the basis: 1 firm, 1 - relief interruptible */
    gs_econ_site p = s;
    p.cp_basis = 0;
    assert_true(fabs(gs_econ_capacity_share(&p, &t, GS_TRAINING, 1, 1) - 0.2) < 1e-12);
    assert_true(gs_econ_capacity_share(&p, &t, GS_INFERENCE, 1, 0) == 1.0);
    /* the contracts charge the same way: firm training pays on 0.85 instead of 0.15, so the
     * split saves the difference's PV (and more) against one firm contract */
    gs_econ_contracts c = gs_econ_compare_contracts(&s, &t);
    double pv = 0;
    for (int y = 1; y <= 10; y++)
        pv += 60000 * pow(1.02, y - 1) * 48 * (0.85 - 0.15) / pow(1.08, y);
    gs_econ_site nocap = s;
    nocap.capacity_usd_per_mw_year = 0;
    gs_econ_contracts c0 = gs_econ_compare_contracts(&nocap, &t);
    assert_true(fabs((c.saving_vs_firm_usd[GS_CONTRACT_SPLIT] -
                      c0.saving_vs_firm_usd[GS_CONTRACT_SPLIT]) - pv) < 1e-3);
    /* a share out of range is refused */
    s.cp_firm_share[GS_INFERENCE][1] = NAN;
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, &err), GS_EINPUT);
    assert_string_equal(err.field, "cp_firm_share");
}

/* An interruptible class pauses for the coincident peaks of its price year: it sells nothing
 * in those hours (on top of the contract's curtailed hours), draws its idle share, and the
 * contract comparison counts the revenue lost; a firm class does not pause. */
static void paused_for_the_peaks(void **state)
{
    (void)state;
    gs_econ_site s = site();
    gs_econ_terms t = terms();
    s.cp_basis = 1;
    s.cp_paused_share[GS_TRAINING] = 0.25;
    s.cp_paused_share[GS_INFERENCE] = 0.25;
    for (size_t i = 0; i < 3; i++) {
        s.cp_firm_share[GS_TRAINING][i] = 1.0;
        s.cp_firm_share[GS_INFERENCE][i] = 1.0;
    }
    s.cp_pause_hours[0] = 8;   /* 2020 */
    s.cp_pause_hours[1] = 1;   /* 2021 */
    s.cp_pause_hours[2] = 0;   /* 2022 */
    gs_econ_result *r = NULL;
    gs_error err = {0};
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, &err), 0);
    /* year 1 (2020): 8,760 - 43.8 - 8 hours of work, 8 of idle draw */
    const gs_econ_row *t1 = gs_econ_row_at(r, 0, GS_TRAINING, 1);
    double h1 = 8760 - 43.8 - 8;
    assert_true(fabs(t1->gpu_hours - 32768 * 0.85 * h1) < 1e-6);
    assert_true(fabs(t1->energy_mwh - 48 * (0.85 * h1 + 0.25 * 8)) < 1e-6);
    assert_true(fabs(t1->revenue_usd - 32768 * 0.85 * h1 * 2.0) < 1e-6);
    assert_true(fabs(gs_econ_off_hours(&s, &t, 1) - 51.8) < 1e-12);
    /* year 2 (2021): 1 h; year 4 cycles back to 2020 */
    assert_true(fabs(gs_econ_row_at(r, 0, GS_TRAINING, 2)->gpu_hours -
                     32768 * 0.85 * (8760 - 43.8 - 1)) < 1e-6);
    assert_true(fabs(gs_econ_off_hours(&s, &t, 4) - 51.8) < 1e-12);
    /* inference is firm: a whole year, whatever the peaks */
    assert_true(fabs(gs_econ_row_at(r, 0, GS_INFERENCE, 1)->gpu_hours - 16384 * 0.6 * 8760) <
                1e-6);
    gs_econ_result_free(r);
    /* the contracts: training's interruptible cost counts the revenue of the paused hours */
    gs_econ_site none = s;
    memset(none.cp_pause_hours, 0, sizeof none.cp_pause_hours);
    double with = gs_econ_contract_cost(&s, &t, GS_TRAINING, 1, 1);
    double without = gs_econ_contract_cost(&none, &t, GS_TRAINING, 1, 1);
    /* 8 h: the revenue lost, less the energy not bought (the idle draw still bought) */
    double price = 40 * 0.85; /* discounted */
    double d = 32768 * 0.85 * 8 * 2.0 - price * 48 * (0.85 * 8 - 0.25 * 8);
    assert_true(fabs((with - without) - d) < 1e-6);
    assert_true(gs_econ_contract_cost(&s, &t, GS_TRAINING, 1, 0) ==
                gs_econ_contract_cost(&none, &t, GS_TRAINING, 1, 0));
    /* the curtailed and paused hours stop at the year: nothing sold, nothing negative (as the
     * tornado's curtailed_hours x2 may take a valid deal) */
    s.cp_pause_hours[1] = 8760;
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, &err), 0);
    const gs_econ_row *t2 = gs_econ_row_at(r, 0, GS_TRAINING, 2);
    assert_true(t2->gpu_hours == 0 && t2->revenue_usd == 0);
    assert_true(fabs(t2->energy_mwh - 48 * 0.25 * (8760 - 43.8)) < 1e-6);
    assert_true(fabs(gs_econ_off_hours(&s, &t, 2) - 8760) < 1e-12);
    gs_econ_result_free(r);
    /* a pause beyond a year is refused */
    s.cp_pause_hours[1] = 8761;
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, &err), GS_EINPUT);
    assert_string_equal(err.field, "cp_pause_hours");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(percentiles_interpolate_between_sorted_values),
        cmocka_unit_test(price_years_rotate_and_hold),
        cmocka_unit_test(spread_scenarios_are_the_underwriting_started_at_each_year),
        cmocka_unit_test(tornado_swings_and_order),
        cmocka_unit_test(time_to_power_values_the_earlier_start),
        cmocka_unit_test(capacity_on_coincident_peaks),
        cmocka_unit_test(paused_for_the_peaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
