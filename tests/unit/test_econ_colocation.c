/* test_econ_colocation.c: colocation revenue per kW-month in the underwriting engine
 * (include/gridsplit/econ.h, docs/underwrite.md "Colocation revenue per kW-month"): the rent of
 * the leased IT kW by hand (x 12 months, escalated by colocation_escalation with no reset at a
 * refresh), the energy passed through to the tenant or paid by the operator, the other class
 * untouched, a leased class on an interruptible contract crediting the rent of the hours off
 * (in the cash flow and in the contract comparison), and bad inputs refused. */
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

#define near(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

/* Both classes at one flat price of 40 USD/MWh; the inference hall (20 MW IT, PUE 1.2, 60 %
 * utilisation) leased: 18,000 kW (90 %) at 150 USD per kW-month, the tenant's own GPUs. */
static gs_econ_site site(int pass_through)
{
    gs_econ_site s;
    memset(&s, 0, sizeof s);
    snprintf(s.id, sizeof s.id, "campus");
    campus_classes(&s);
    s.nprice_years = 1;
    s.price_usd_per_mwh[0] = 40;
    s.capacity_usd_per_mw_year = 60000;
    s.interconnect_usd_per_mw = 150000;
    s.flex_usd_per_mw_year = 20000;
    gs_econ_unit *u = &s.cls[GS_INFERENCE];
    u->colocation = 1;
    u->colo_usd_per_kw_month = 150;
    u->colo_leased_kw = 18000;
    u->colo_pass_through = pass_through;
    u->gpu_capex_usd = 0; /* as the reader sets it: the tenant brings its servers */
    return s;
}

static gs_econ_result *underwrite(const gs_econ_site *s, const gs_econ_terms *t)
{
    gs_econ_result *r = NULL;
    gs_error err = {0};
    assert_int_equal(gs_econ_underwrite(s, 1, t, &r, &err), 0);
    return r;
}

static void rent_by_hand(void **state)
{
    (void)state;
    gs_econ_terms t = terms();
    gs_econ_site s = site(1);
    gs_econ_result *r = underwrite(&s, &t);
    const gs_econ_row *y1 = gs_econ_row_at(r, 0, GS_INFERENCE, 1);
    /* 18,000 kW x 150 USD x 12 months */
    near(y1->revenue_usd, 32400000.0, 1e-6);
    /* year 7: colocation_escalation, 1.03^6, not revenue_escalation's -5 %, and no reset at
     * the refresh of year 5 (GPU-hours would reset) */
    near(gs_econ_row_at(r, 0, GS_INFERENCE, 7)->revenue_usd,
                        32400000.0 * pow(1.03, 6), 1e-6);
    /* passed through: the MWh are counted, the operator pays none of them */
    near(y1->energy_mwh, 20 * 1.2 * 0.6 * 8760.0, 1e-6);
    near(y1->energy_usd, 0, 0);
    near(y1->capex_gpu_usd, 0, 0);
    /* net = 32.4 M - capacity 1.44 M - maintenance 4.68 M - staff 1.2 M - insurance 1.17 M -
     * tax 2.34 M */
    near(y1->net_usd, 21570000.0, 1e-6);
    /* the training hall is as without colocation */
    gs_econ_site plain = site(1);
    plain.cls[GS_INFERENCE].colocation = 0;
    gs_econ_result *p = underwrite(&plain, &t);
    for (int y = 0; y <= t.years; y++)
        near(gs_econ_row_at(r, 0, GS_TRAINING, y)->net_usd,
                            gs_econ_row_at(p, 0, GS_TRAINING, y)->net_usd, 1e-9);
    assert_true(fabs(gs_econ_row_at(p, 0, GS_INFERENCE, 1)->revenue_usd - 32400000.0) > 1e6);
    gs_econ_result_free(p);
    gs_econ_result_free(r);
}

static void energy_paid_by_the_operator(void **state)
{
    (void)state;
    gs_econ_terms t = terms();
    gs_econ_site s = site(0);
    gs_econ_result *r = underwrite(&s, &t);
    const gs_econ_row *y1 = gs_econ_row_at(r, 0, GS_INFERENCE, 1);
    /* 126,144 MWh x 40 USD (firm: no discount) */
    near(y1->energy_usd, 126144.0 * 40, 1e-6);
    near(y1->net_usd, 21570000.0 - 126144.0 * 40, 1e-6);
    /* year 2: the price escalated 2 %, the rent up 3 % */
    const gs_econ_row *y2 = gs_econ_row_at(r, 0, GS_INFERENCE, 2);
    near(y2->energy_usd, 126144.0 * 40 * 1.02, 1e-6);
    near(y2->revenue_usd, 32400000.0 * 1.03, 1e-6);
    gs_econ_result_free(r);
}

/* A leased class on an interruptible contract: the rent of the curtailed (and paused) hours is
 * credited back to the tenant, in the cash flow and in the contract comparison; a pass-through
 * lease's energy is not the operator's in either. */
static void interruptible_lease_credits_the_hours_off(void **state)
{
    (void)state;
    gs_econ_terms t = terms();
    gs_econ_site s = site(1);
    /* lease the training hall too: 36,000 kW at 150 USD */
    gs_econ_unit *tr = &s.cls[GS_TRAINING];
    tr->colocation = 1;
    tr->colo_usd_per_kw_month = 150;
    tr->colo_leased_kw = 36000;
    tr->colo_pass_through = 1;
    tr->gpu_capex_usd = 0;
    gs_econ_result *r = underwrite(&s, &t);
    /* training is interruptible: 43.8 h of 8,760 credited */
    double rent1 = 36000 * 150 * 12.0;
    near(gs_econ_row_at(r, 0, GS_TRAINING, 1)->revenue_usd, rent1 * (8760 - 43.8) / 8760, 1e-6);
    near(gs_econ_row_at(r, 0, GS_TRAINING, 3)->revenue_usd,
         rent1 * 1.03 * 1.03 * (8760 - 43.8) / 8760, 1e-6);
    /* inference is firm: the whole rent */
    near(gs_econ_row_at(r, 0, GS_INFERENCE, 1)->revenue_usd, 32400000.0, 1e-6);
    /* the contracts: firm, energy (0: passed through) + capacity on peak draw */
    double cap_t = 60000 * 48.0, cap_i = 60000 * 24.0;
    near(gs_econ_contract_cost(&s, &t, GS_TRAINING, 1, 0), cap_t, 1e-6);
    /* interruptible: relieved capacity + the rent of the hours off - flexibility revenue */
    near(gs_econ_contract_cost(&s, &t, GS_TRAINING, 1, 1),
         cap_t * 0.2 + rent1 * 43.8 / 8760 - 20000 * 48.0, 1e-6);
    /* inference on an interruptible offer: the credit x the SLA penalty, no flex */
    near(gs_econ_contract_cost(&s, &t, GS_INFERENCE, 1, 1),
         cap_i * 0.2 + 32400000.0 * 43.8 / 8760 * 10, 1e-6);
    /* the energy paid by the operator: back in both */
    s.cls[GS_INFERENCE].colo_pass_through = 0;
    near(gs_econ_contract_cost(&s, &t, GS_INFERENCE, 1, 0), 24 * 0.6 * 8760 * 40.0 + cap_i,
         1e-6);
    gs_econ_result_free(r);
}

/* Every contract's PV is the sum of its classes' yearly costs, discounted. */
static void contract_pv_is_the_yearly_costs(void **state)
{
    (void)state;
    gs_econ_terms t = terms();
    gs_econ_site s = site(1);
    gs_econ_contracts c = gs_econ_compare_contracts(&s, &t);
    assert_true(c.present);
    double pv = 0, d = 1;
    for (int y = 1; y <= t.years; y++) {
        d *= 1.08;
        pv += (gs_econ_contract_cost(&s, &t, GS_TRAINING, y, 1) +
               gs_econ_contract_cost(&s, &t, GS_INFERENCE, y, 0)) / d;
    }
    near(c.pv_cost_usd[GS_CONTRACT_SPLIT], pv, 1e-6 * fabs(pv));
    near(c.saving_vs_firm_usd[GS_CONTRACT_SPLIT],
         c.pv_cost_usd[GS_CONTRACT_FIRM_ALL] - c.pv_cost_usd[GS_CONTRACT_SPLIT], 1e-6);
}

static void bad_colocation_is_refused(void **state)
{
    (void)state;
    gs_econ_terms t = terms();
    gs_econ_result *r = NULL;
    gs_error err = {0};
    gs_econ_site s = site(1);
    s.cls[GS_INFERENCE].colo_usd_per_kw_month = -1;
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, &err), GS_EINPUT);
    assert_string_equal(err.field, "colocation_usd_per_kw_month");
    s = site(1);
    s.cls[GS_INFERENCE].colo_leased_kw = NAN;
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, &err), GS_EINPUT);
    assert_string_equal(err.field, "colocation_leased_kw");
    s = site(1);
    s.req.on = 1; /* a second revenue rule on the same inference, itself valid */
    s.req.capacity_rps = 1000;
    s.req.nyears = 1;
    for (int h = 0; h < GS_ECON_SHAPE_HOURS; h++)
        s.req.shape[h] = 1;
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "one revenue rule"));
    assert_null(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rent_by_hand),
        cmocka_unit_test(energy_paid_by_the_operator),
        cmocka_unit_test(interruptible_lease_credits_the_hours_off),
        cmocka_unit_test(contract_pv_is_the_yearly_costs),
        cmocka_unit_test(bad_colocation_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
