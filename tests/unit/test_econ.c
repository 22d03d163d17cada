/* test_econ.c: the underwriting arithmetic (include/gridsplit/econ.h): NPV of known flows, IRR
 * of a textbook case, flows with two sign changes and two roots reported as such (no number),
 * flows that change sign without a root, flows that never change sign, payback reached and not,
 * the contract comparison's signs on a synthetic site with both classes, and the yearly table's
 * arithmetic and input checks. */
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

static void npv_of_known_flows(void **state)
{
    (void)state;
    const double cf[] = {-100, 60, 60};
    assert_true(fabs(gs_econ_npv(cf, 3, 0.10) - (-100 + 60 / 1.1 + 60 / 1.21)) < 1e-9);
    assert_true(fabs(gs_econ_npv(cf, 3, 0.0) - 20) < 1e-12);
    assert_true(isnan(gs_econ_npv(cf, 3, -1.0)));
    assert_true(isnan(gs_econ_npv(cf, 0, 0.1)));
}

static void irr_of_a_textbook_case(void **state)
{
    (void)state;
    /* 60x + 60x^2 = 100 with x = 1/(1+r): r = 120 / (sqrt(27600) - 60) - 1 */
    const double cf[] = {-100, 60, 60};
    gs_irr r = gs_econ_irr(cf, 3);
    assert_int_equal(r.status, GS_IRR_OK);
    assert_int_equal(r.sign_changes, 1);
    double want = 120.0 / (sqrt(27600.0) - 60.0) - 1.0;
    assert_true(fabs(r.irr - want) < 1e-8);
    assert_true(fabs(gs_econ_npv(cf, 3, r.irr)) < 1e-6);
    /* a negative IRR is a number too */
    const double loss[] = {-100, 50};
    r = gs_econ_irr(loss, 2);
    assert_int_equal(r.status, GS_IRR_OK);
    assert_true(fabs(r.irr + 0.5) < 1e-8);
}

static void irr_with_two_sign_changes_reports_both_roots(void **state)
{
    (void)state;
    /* -100 + 230x - 132x^2 = 0: x = 1/1.1 and 1/1.2 */
    const double cf[] = {-100, 230, -132};
    gs_irr r = gs_econ_irr(cf, 3);
    assert_int_equal(r.status, GS_IRR_MULTIPLE);
    assert_int_equal(r.sign_changes, 2);
    assert_true(isnan(r.irr));
    assert_true(fabs(r.roots[0] - 0.10) < 1e-8);
    assert_true(fabs(r.roots[1] - 0.20) < 1e-8);
}

static void irr_without_a_root_is_no_number(void **state)
{
    (void)state;
    /* -100 + 250x - 170x^2 < 0 for every x: sign changes, no root */
    const double cf[] = {-100, 250, -170};
    gs_irr r = gs_econ_irr(cf, 3);
    assert_int_equal(r.status, GS_IRR_NO_ROOT);
    assert_true(isnan(r.irr));
    const double gain[] = {100, 50, 0, 20};
    r = gs_econ_irr(gain, 4);
    assert_int_equal(r.status, GS_IRR_NO_SIGN_CHANGE);
    assert_int_equal(r.sign_changes, 0);
    assert_true(isnan(r.irr));
}

static void payback_reached_and_not(void **state)
{
    (void)state;
    double y;
    const double cf[] = {-100, 40, 40, 40};
    assert_int_equal(gs_econ_payback(cf, 4, &y), 1);
    assert_true(fabs(y - 2.5) < 1e-12);
    const double slow[] = {-100, 30, 30};
    assert_int_equal(gs_econ_payback(slow, 3, &y), 0);
    assert_true(isnan(y));
    /* a later outlay that sends the cumulative flow negative again moves payback after it */
    const double refresh[] = {-100, 60, 60, -50, 60};
    assert_int_equal(gs_econ_payback(refresh, 5, &y), 1);
    assert_true(fabs(y - (3 + 30.0 / 60.0)) < 1e-12);
    const double free_[] = {10, 5};
    assert_int_equal(gs_econ_payback(free_, 2, &y), 1);
    assert_true(y == 0);
}

static gs_econ_site mixed_site(void)
{
    gs_econ_site s;
    memset(&s, 0, sizeof s);
    snprintf(s.id, sizeof s.id, "campus");
    campus_classes(&s);
    s.nprice_years = 2;
    s.price_usd_per_mwh[0] = 40;
    s.price_usd_per_mwh[1] = 60;
    s.capacity_usd_per_mw_year = 60000;
    s.interconnect_usd_per_mw = 150000;
    s.flex_usd_per_mw_year = 20000;
    return s;
}

static void contract_comparison_signs(void **state)
{
    (void)state;
    gs_econ_site s = mixed_site();
    gs_econ_terms t = terms();
    gs_econ_contracts c = gs_econ_compare_contracts(&s, &t);
    assert_int_equal(c.present, 1);
    assert_true(c.saving_vs_firm_usd[GS_CONTRACT_FIRM_ALL] == 0);
    /* two contracts under one roof beat one firm contract; both mistakes lose */
    assert_true(c.saving_vs_firm_usd[GS_CONTRACT_SPLIT] > 0);
    assert_true(c.saving_vs_firm_usd[GS_CONTRACT_ALL_INTERRUPTIBLE] < 0);
    assert_true(c.saving_vs_firm_usd[GS_CONTRACT_MUSTRUN_TRAINING] < 0);
    assert_true(c.pv_cost_usd[GS_CONTRACT_SPLIT] < c.pv_cost_usd[GS_CONTRACT_ALL_INTERRUPTIBLE]);
    /* an interruptible tariff with nothing off and no flexibility revenue only loses hours */
    t.interruptible_energy_discount = 0;
    t.interruptible_capacity_relief = 0;
    s.flex_usd_per_mw_year = 0;
    c = gs_econ_compare_contracts(&s, &t);
    assert_true(c.saving_vs_firm_usd[GS_CONTRACT_SPLIT] < 0);
    /* a single-class site has no comparison */
    s.cls[GS_INFERENCE].present = 0;
    c = gs_econ_compare_contracts(&s, &t);
    assert_int_equal(c.present, 0);
}

static void yearly_table_arithmetic(void **state)
{
    (void)state;
    gs_econ_site s = mixed_site();
    gs_econ_terms t = terms();
    gs_econ_result *r = NULL;
    gs_error err = {0};
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, &err), 0);
    assert_int_equal(r->years, 10);
    /* year 0: facility, GPUs, interconnection; nothing else */
    const gs_econ_row *y0 = gs_econ_row_at(r, 0, GS_TRAINING, 0);
    assert_true(fabs(y0->capex_facility_usd - 40 * 11.7e6) < 1e-3);
    assert_true(fabs(y0->capex_gpu_usd - 32768 * 30000.0) < 1e-3);
    assert_true(fabs(y0->capex_interconnect_usd - 40 * 1.2 * 150000) < 1e-3);
    assert_true(y0->energy_usd == 0 && y0->revenue_usd == 0);
    /* year 1 training: interruptible energy and hours */
    const gs_econ_row *y1 = gs_econ_row_at(r, 0, GS_TRAINING, 1);
    double mwh = 40 * 1.2 * 0.85 * (8760 - 43.8);
    assert_true(fabs(y1->energy_mwh - mwh) < 1e-6);
    assert_true(fabs(y1->price_usd_per_mwh - 40 * 0.85) < 1e-9);
    assert_true(fabs(y1->revenue_usd - 32768 * 0.85 * (8760 - 43.8) * 2.0) < 1e-3);
    /* year 2: the second price year, escalated once; inference firm at full price */
    const gs_econ_row *i2 = gs_econ_row_at(r, 0, GS_INFERENCE, 2);
    assert_true(fabs(i2->price_usd_per_mwh - 60 * 1.02) < 1e-9);
    /* GPU refresh in year 5 (bought again), not in the last year */
    assert_true(gs_econ_row_at(r, 0, GS_TRAINING, 5)->capex_gpu_usd > 0);
    assert_true(gs_econ_row_at(r, 0, GS_TRAINING, 4)->capex_gpu_usd == 0);
    assert_true(gs_econ_row_at(r, 0, GS_TRAINING, 10)->capex_gpu_usd == 0);
    /* totals add up and the NPV is the NPV of the total flows */
    double cf[11];
    for (int y = 0; y <= 10; y++) {
        const gs_econ_row *a = gs_econ_row_at(r, 0, GS_TRAINING, y);
        const gs_econ_row *b = gs_econ_row_at(r, 0, GS_INFERENCE, y);
        const gs_econ_row *tot = gs_econ_row_at(r, 0, GS_NCLASS, y);
        assert_true(fabs(a->net_usd + b->net_usd - tot->net_usd) < 1e-3);
        assert_true(fabs(tot->net_usd - r->total[y].net_usd) < 1e-3);
        cf[y] = tot->net_usd;
    }
    assert_true(fabs(r->total_metrics.npv_usd - gs_econ_npv(cf, 11, 0.08)) < 1e-3);
    assert_true(isfinite(r->total_metrics.cost_usd_per_mwh));
    assert_true(isfinite(r->total_metrics.cost_usd_per_gpu_hour));
    assert_int_equal(r->contracts[0].present, 1);
    gs_econ_result_free(r);

    /* inputs out of range are refused with the field named */
    t.years = 5;
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, &err), GS_EINPUT);
    assert_null(r);
    assert_string_equal(err.field, "horizon_years");
    t = terms();
    s.cls[GS_TRAINING].utilisation = 1.5;
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, &err), GS_EINPUT);
    assert_string_equal(err.field, "utilisation");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(npv_of_known_flows),
        cmocka_unit_test(irr_of_a_textbook_case),
        cmocka_unit_test(irr_with_two_sign_changes_reports_both_roots),
        cmocka_unit_test(irr_without_a_root_is_no_number),
        cmocka_unit_test(payback_reached_and_not),
        cmocka_unit_test(contract_comparison_signs),
        cmocka_unit_test(yearly_table_arithmetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
