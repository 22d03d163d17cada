/* test_market.c: the market catalogue (loading, validation, sources), the market rules
 * (eligibility, deployment fit, stacking, payments, penalties), currencies and exchange rates,
 * and which published figure prices a product at a time (periods, seasons, segments). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gridsplit/market.h"
#include "gridsplit/time.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/market.h"

static gs_market_catalog *load(void)
{
    gs_error err = {0};
    gs_market_catalog *cat = NULL;
    int rc = gs_market_catalog_load(NULL, &cat, &err);
    if (rc)
        fprintf(stderr, "%s:%d: %s: %s\n", err.file, err.line, err.field, err.message);
    assert_int_equal(rc, 0);
    return cat;
}

static void catalogue_loads_and_every_product_has_a_source_and_eligible_classes(void **state)
{
    gs_market_catalog *cat = load();
    assert_true(cat->nproducts >= 15);
    assert_true(cat->nevents >= 8);
    for (size_t i = 0; i < cat->nproducts; i++) {
        const gs_product *p = &cat->products[i];
        assert_true(p->src_rules[0] != '\0');
        assert_true(p->src_eligibility[0] != '\0');
        assert_true(p->nzones >= 1);
        assert_int_equal(p->eligible[GS_TRAINING], GS_ELIG_YES);
        assert_true(p->eligible[GS_INFERENCE] != GS_ELIG_YES);
        for (size_t k = 0; k < p->nprices; k++)
            assert_true(p->prices[k].source[0] != '\0');
        if (p->has_series)
            assert_true(p->series.source[0] != '\0');
        if (!isnan(p->full_response_s) || !isnan(p->notice_s))
            assert_true(p->src_timing[0] != '\0');
        if (!isnan(p->max_duration_s) || !isnan(p->min_duration_s))
            assert_true(p->src_duration[0] != '\0');
    }
    for (size_t i = 0; i < cat->nevents; i++) {
        assert_true(cat->events[i].source[0] != '\0');
        assert_true(cat->events[i].end_s > cat->events[i].start_s);
    }
    gs_market_catalog_free(cat);
}

static void catalogue_has_the_published_pjm_capacity_prices(void **state)
{
    gs_market_catalog *cat = load();
    const gs_product *p = gs_market_find_product(cat, "PJM-CAPACITY-DR");
    assert_non_null(p);
    assert_int_equal(p->availability_unit, GS_UNIT_USD_PER_MW_DAY);
    int seen = 0;
    for (size_t i = 0; i < p->nprices; i++) {
        const gs_published_price *q = &p->prices[i];
        if (!strcmp(q->period, "2025/2026") && !strcmp(q->zone, "PJM-RTO"))
            seen += fabs(q->value - 269.92) < 1e-9;
        if (!strcmp(q->period, "2025/2026") && !strcmp(q->zone, "PJM-DOM"))
            seen += fabs(q->value - 444.26) < 1e-9;
        if (!strcmp(q->period, "2026/2027"))
            seen += fabs(q->value - 329.17) < 1e-9;
        if (!strcmp(q->period, "2027/2028"))
            seen += fabs(q->value - 333.44) < 1e-9;
    }
    assert_int_equal(seen, 4);
    const gs_grid_event *e = gs_market_find_event(cat, "ERCOT-EEA2-2023-09-06");
    assert_non_null(e);
    assert_int_equal(e->kind, GS_EV_EMERGENCY);
    assert_true(e->start_s == 1694046300); /* 2023-09-07T00:25:00Z */
    gs_market_catalog_free(cat);
}

static void inference_is_ineligible_for_reserves_and_may_only_shift_for_energy(void **state)
{
    gs_market_catalog *cat = load();
    gs_error err = {0};
    for (size_t i = 0; i < cat->nproducts; i++) {
        const gs_product *p = &cat->products[i];
        if (p->kind == GS_PK_RESERVE || p->kind == GS_PK_REGULATION || p->kind == GS_PK_EMERGENCY) {
            assert_int_equal(gs_product_eligibility(p, GS_INFERENCE), GS_ELIG_NO);
            assert_int_equal(gs_product_check_class(p, GS_INFERENCE, 1, &err), GS_EINPUT);
        }
        assert_int_equal(gs_product_check_class(p, GS_TRAINING, 0, &err), 0);
    }
    const gs_product *ecrs = gs_market_find_product(cat, "ERCOT-ECRS");
    assert_int_equal(gs_product_check_class(ecrs, GS_INFERENCE, 0, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "inference load is not eligible for ERCOT-ECRS"));
    const gs_product *rt = gs_market_find_product(cat, "ERCOT-RT-ENERGY");
    assert_int_equal(gs_product_check_class(rt, GS_INFERENCE, 1, &err), 0);
    assert_int_equal(gs_product_check_class(rt, GS_INFERENCE, 0, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "only by shifting"));
    gs_market_catalog_free(cat);
}

static void deployment_longer_than_max_duration_is_rejected_with_a_clear_message(void **state)
{
    gs_market_catalog *cat = load();
    gs_error err = {0};
    const gs_product *ers = gs_market_find_product(cat, "ERCOT-ERS-30");
    assert_non_null(ers);
    gs_deployment ok = {.response_s = 900, .duration_s = 4 * 3600};
    assert_int_equal(gs_deployment_check(ers, &ok, &err), 0);
    gs_deployment too_long = {.response_s = 900, .duration_s = 10 * 3600};
    assert_int_equal(gs_deployment_check(ers, &too_long, &err), GS_ERANGE);
    assert_string_equal(err.field, "max_duration");
    assert_non_null(strstr(err.message, "a 10 h deployment exceeds ERCOT-ERS-30's maximum duration of 8 h"));
    assert_non_null(strstr(err.message, "source:"));
    gs_deployment too_slow = {.response_s = 3600, .duration_s = 3600};
    assert_int_equal(gs_deployment_check(ers, &too_slow, &err), GS_ERANGE);
    assert_string_equal(err.field, "full_response");
    assert_non_null(strstr(err.message, "needs 1 h to respond"));
    gs_market_catalog_free(cat);
}

static void deployment_check_applies_calls_and_min_duration_of_a_user_product(void **state)
{
    const char *text = "products:\n"
                       "  - id: TEST-DR\n    name: test\n    market: T\n    zones: [T]\n    kind: emergency\n"
                       "    direction: down\n    min_duration: 30min\n    max_duration: 2h\n"
                       "    max_calls_per_day: 1\n    max_calls_per_year: 10\n"
                       "    eligible: {training: yes, inference: no}\n"
                       "    sources: {rules: r, duration: d, frequency: f, eligibility: e}\n";
    gs_market_catalog cat = {0};
    gs_error err = {0};
    assert_int_equal(gs_market_catalog_parse(text, strlen(text), "t.yaml", &cat, &err), 0);
    const gs_product *p = gs_market_find_product(&cat, "TEST-DR");
    gs_deployment d = {.duration_s = 600};
    assert_int_equal(gs_deployment_check(p, &d, &err), GS_ERANGE);
    assert_string_equal(err.field, "min_duration");
    d = (gs_deployment){.duration_s = 3600, .calls_per_day = 2};
    assert_int_equal(gs_deployment_check(p, &d, &err), GS_ERANGE);
    assert_string_equal(err.field, "max_calls_per_day");
    d = (gs_deployment){.duration_s = 3600, .calls_per_day = 1, .calls_per_year = 11};
    assert_int_equal(gs_deployment_check(p, &d, &err), GS_ERANGE);
    assert_string_equal(err.field, "max_calls_per_year");
    free(cat.products[0].prices);
    free(cat.products);
}

static gs_product mk(const char *id, gs_direction dir)
{
    gs_product p;
    memset(&p, 0, sizeof p);
    snprintf(p.id, sizeof p.id, "%s", id);
    p.direction = dir;
    p.penalty_factor = NAN;
    return p;
}

static void stacking_never_sells_the_same_mw_twice(void **state)
{
    gs_product rrs = mk("RRS", GS_DIR_DOWN), ecrs = mk("ECRS", GS_DIR_DOWN), regdn = mk("REGDN", GS_DIR_UP),
               fcr = mk("FCR", GS_DIR_BOTH);
    gs_stack_room room[2] = {{.down_mw = 100, .up_mw = 20}, {.down_mw = 50, .up_mw = 0}};
    gs_offer offers[] = {
        {.interval = 0, .product = &ecrs, .mw = 80, .priority = 20},
        {.interval = 0, .product = &rrs, .mw = 60, .priority = 10},
        {.interval = 0, .product = &regdn, .mw = 30, .priority = 40},
        {.interval = 1, .product = &fcr, .mw = 10, .priority = 5},
        {.interval = 1, .product = &rrs, .mw = 70, .priority = 10},
    };
    double alloc[5];
    gs_error err = {0};
    assert_int_equal(gs_stack_allocate(offers, 5, room, 2, alloc, &err), 0);
    /* interval 0: RRS first (60 of 100 down), then ECRS gets the remaining 40; Reg-Down uses up room */
    assert_true(fabs(alloc[1] - 60) < 1e-12);
    assert_true(fabs(alloc[0] - 40) < 1e-12);
    assert_true(fabs(alloc[2] - 20) < 1e-12);
    /* interval 1: symmetric FCR needs up room too: none, so 0; RRS gets 50 */
    assert_true(alloc[3] == 0);
    assert_true(fabs(alloc[4] - 50) < 1e-12);
    /* the offers as given oversell interval 0 down: named in the error */
    assert_int_equal(gs_stack_check(offers, 5, room, 2, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "interval 0: 140 MW offered down but only 100 MW"));
    assert_non_null(strstr(err.message, "ECRS 80 MW"));
    /* the allocation itself always passes the check */
    gs_offer fixed[5];
    for (int i = 0; i < 5; i++) {
        fixed[i] = offers[i];
        fixed[i].mw = alloc[i];
    }
    assert_int_equal(gs_stack_check(fixed, 5, room, 2, &err), 0);
    /* bad input */
    offers[0].mw = -1;
    assert_int_equal(gs_stack_allocate(offers, 5, room, 2, alloc, &err), GS_EINPUT);
    offers[0].mw = 1;
    offers[0].interval = 7;
    assert_int_equal(gs_stack_check(offers, 5, room, 2, &err), GS_EINPUT);
}

static void payments_and_penalties_on_hand_examples(void **state)
{
    gs_product hourly = mk("H", GS_DIR_DOWN), daily = mk("D", GS_DIR_DOWN), none = mk("N", GS_DIR_DOWN);
    hourly.availability_unit = GS_UNIT_USD_PER_MW_H;
    hourly.energy_unit = GS_UNIT_USD_PER_MWH;
    daily.availability_unit = GS_UNIT_USD_PER_MW_DAY;
    /* 50 MW of ECRS for 4 h at 76.77 $/MW-h = 15,354 $ */
    assert_true(fabs(gs_availability_payment(&hourly, 50, 4, 76.77) - 15354.0) < 1e-6);
    /* 100 MW of capacity for a whole day at 269.92 $/MW-day = 26,992 $; for a year (365 d) */
    assert_true(fabs(gs_availability_payment(&daily, 100, 24, 269.92) - 26992.0) < 1e-6);
    assert_true(fabs(gs_availability_payment(&daily, 1, 24 * 365, 269.92) - 98520.8) < 1e-6);
    /* energy: 25 MWh at 1,910 $/MWh */
    assert_true(fabs(gs_energy_payment(&hourly, 25, 1910) - 47750.0) < 1e-6);
    assert_true(gs_energy_payment(&daily, 25, 1910) == 0);
    assert_true(gs_availability_payment(&none, 10, 1, 100) == 0);
    /* shortfall: 50 MW committed, 40 delivered, 2 h at 10 $/MW-h: forfeit 10 x 2 x 10 = 200 $ */
    assert_true(fabs(gs_shortfall_penalty(&hourly, 50, 40, 2, 10) - 200.0) < 1e-9);
    hourly.penalty_factor = 3;
    assert_true(fabs(gs_shortfall_penalty(&hourly, 50, 40, 2, 10) - 600.0) < 1e-9);
    assert_true(gs_shortfall_penalty(&hourly, 50, 55, 2, 10) == 0);
}

static int parse_err(const char *text, gs_error *err)
{
    gs_market_catalog cat = {0};
    int rc = gs_market_catalog_parse(text, strlen(text), "user.yaml", &cat, err);
    for (size_t i = 0; i < cat.nproducts; i++)
        free(cat.products[i].prices);
    free(cat.products);
    free(cat.events);
    free(cat.fx);
    return rc;
}

#define PROD "products:\n  - id: X\n    name: x\n    market: M\n    zones: [Z]\n    kind: reserve\n    direction: down\n" \
             "    eligible: {training: yes, inference: no}\n"

static void bad_catalogues_are_rejected_with_file_line_field_expected_and_found(void **state)
{
    gs_error err = {0};
    assert_int_equal(parse_err(PROD "    sources: {rules: r, eligibility: e}\n    max_duraton: 2h\n", &err), GS_EINPUT);
    assert_string_equal(err.file, "user.yaml");
    assert_int_equal(err.line, 10);
    assert_non_null(strstr(err.message, "did you mean 'max_duration'"));

    assert_int_equal(parse_err(PROD "    sources: {rules: r, eligibility: e, duration: d}\n    max_duration: 2\n", &err), GS_EINPUT);
    assert_string_equal(err.field, "products[0].max_duration");
    assert_non_null(strstr(err.message, "found '2'"));

    assert_int_equal(parse_err(PROD "    sources: {rules: r, eligibility: e}\n    max_duration: 2h\n", &err), GS_EINPUT);
    assert_string_equal(err.field, "products[0].sources.duration");

    assert_int_equal(parse_err(PROD "    sources: {rules: r, eligibility: e, payment: p}\n    availability_unit: USD/MWh\n", &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "expected an availability unit"));

    assert_int_equal(parse_err(PROD "    sources: {rules: r, eligibility: e, payment: p}\n    availability_unit: $/MW\n", &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "expected a price unit"));

    assert_int_equal(parse_err("products:\n  - id: X\n    name: x\n    market: M\n    zones: [Z]\n    kind: reserve\n"
                               "    direction: down\n    eligible: {training: yes, inference: shift}\n"
                               "    sources: {rules: r, eligibility: e}\n", &err), GS_EINPUT);
    assert_string_equal(err.field, "products[0].eligible.inference");

    assert_int_equal(parse_err(PROD "    sources: {eligibility: e}\n", &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "'rules'"));

    assert_int_equal(parse_err(PROD "    sources: {rules: r, eligibility: e, duration: d}\n    min_duration: 3h\n    max_duration: 2h\n", &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "longer than max_duration"));

    assert_int_equal(parse_err("events:\n  - id: E\n    zones: [ERCOT]\n    kind: emergency\n    start: 2023-09-07T02:00:00Z\n"
                               "    end: 2023-09-07T01:00:00Z\n    precision: minute\n    action: a\n    source: s\n", &err), GS_EINPUT);
    assert_string_equal(err.field, "events[0].end");

    assert_int_equal(parse_err("events:\n  - id: E\n    zones: [ERCOT]\n    kind: emergency\n    start: 2023-09-07 02:00\n"
                               "    end: 2023-09-07T03:00:00Z\n    precision: minute\n    action: a\n    source: s\n", &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "UTC time"));

    /* a published figure's period that looks like a span must be one */
#define PRICE(x) PROD "    sources: {rules: r, eligibility: e, payment: p}\n    availability_unit: NOK/MW-h\n" \
                 "    prices:\n      - {" x ", zone: Z, value: 1, unit: NOK/MW-h, label: l, source: s}\n"
    assert_int_equal(parse_err(PRICE("period: \"2024-13..2024-14\""), &err), GS_EINPUT);
    assert_string_equal(err.field, "products[0].prices[0].period");
    assert_non_null(strstr(err.message, "months 01-12"));
    assert_int_equal(parse_err(PRICE("period: \"2024-05..2024-02\""), &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "end is not before its start"));
    assert_int_equal(parse_err(PRICE("period: \"2023/2025\""), &err), GS_EINPUT);
    /* a segment is in local time: its offset is required, its hours ordered */
    assert_int_equal(parse_err(PRICE("period: \"2021\", days: mon-fri"), &err), GS_EINPUT);
    assert_string_equal(err.field, "products[0].prices[0].utc_offset");
    assert_int_equal(parse_err(PRICE("period: \"2021\", hours: \"10:00-09:00\", utc_offset: \"+01:00\""), &err), GS_EINPUT);
    assert_string_equal(err.field, "products[0].prices[0].hours");
    assert_int_equal(parse_err(PRICE("period: \"2021\", days: fri-mon, utc_offset: \"+01:00\""), &err), GS_EINPUT);
    assert_string_equal(err.field, "products[0].prices[0].days");
    assert_int_equal(parse_err(PRICE("period: \"2021\", hours: \"05:00-24:00\", utc_offset: \"1h\""), &err), GS_EINPUT);
    assert_string_equal(err.field, "products[0].prices[0].utc_offset");
    /* free text is listed, not an error */
    assert_int_equal(parse_err(PRICE("period: \"winter 2020/21\""), &err), 0);
    /* an energy figure must be in the product's energy unit */
    assert_int_equal(parse_err(PROD "    sources: {rules: r, eligibility: e, payment: p}\n    energy_unit: CAD/MWh\n"
                               "    prices:\n      - {period: \"2023\", zone: Z, value: 1, unit: USD/MWh, label: l, source: s}\n", &err),
                     GS_EINPUT);
    assert_non_null(strstr(err.message, "energy unit CAD/MWh"));
    /* exchange rates: known currencies, a rate > 0, once per pair and year in a file */
    assert_int_equal(parse_err("fx:\n  - {currency: CAF, base: USD, year: 2023, rate: 1.35, source: s}\n", &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "did you mean 'CAD'"));
    assert_int_equal(parse_err("fx:\n  - {currency: CAD, base: USD, year: 2023, rate: 0, source: s}\n", &err), GS_EINPUT);
    assert_string_equal(err.field, "fx[0].rate");
    assert_int_equal(parse_err("fx:\n  - {currency: CAD, base: USD, year: 2023, rate: 1.3, source: s}\n"
                               "  - {currency: CAD, base: USD, year: 2023, rate: 1.4, source: t}\n", &err), GS_EINPUT);
    assert_int_equal(err.line, 3);
    assert_int_equal(parse_err("fx:\n  - {currency: CAD, base: USD, year: 2023, rate: 1.3}\n", &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "'source'"));
#undef PRICE
}

static void user_catalogue_overrides_and_adds(void **state)
{
    char path[] = "/tmp/gs_test_market_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("products:\n  - id: ERCOT-ERS-30\n    name: replaced\n    market: ERCOT\n    zones: [ERCOT]\n"
          "    kind: emergency\n    direction: down\n    max_duration: 4h\n    eligible: {training: yes, inference: no}\n"
          "    sources: {rules: mine, duration: mine, eligibility: mine}\n"
          "events:\n  - id: MY-EVENT\n    zones: [ERCOT]\n    kind: reserve-deployment\n    start: 2024-01-01T00:00:00Z\n"
          "    end: 2024-01-01T01:00:00Z\n    precision: minute\n    action: a\n    source: s\n", f);
    fclose(f);
    gs_market_catalog *base = load(), *cat = NULL;
    gs_error err = {0};
    assert_int_equal(gs_market_catalog_load(path, &cat, &err), 0);
    remove(path);
    assert_int_equal(cat->nproducts, base->nproducts);
    assert_int_equal(cat->nevents, base->nevents + 1);
    const gs_product *p = gs_market_find_product(cat, "ERCOT-ERS-30");
    assert_string_equal(p->name, "replaced");
    assert_true(p->max_duration_s == 4 * 3600);
    assert_non_null(gs_market_find_event(cat, "MY-EVENT"));
    gs_market_catalog *none = NULL;
    assert_int_equal(gs_market_catalog_load("/nonexistent/markets.yaml", &none, &err), GS_EINPUT);
    assert_null(none);
    gs_market_catalog_free(cat);
    gs_market_catalog_free(base);
}

static void zone_filter_matches_market_zone_and_rto_wide_products(void **state)
{
    gs_market_catalog *cat = load();
    const gs_product *sr = gs_market_find_product(cat, "PJM-SYNC-RESERVE"), *ecrs = gs_market_find_product(cat, "ERCOT-ECRS");
    assert_true(gs_product_in_zone(sr, "PJM"));
    assert_true(gs_product_in_zone(sr, "PJM-DOM"));
    assert_false(gs_product_in_zone(sr, "ERCOT"));
    assert_true(gs_product_in_zone(ecrs, "ercot"));
    assert_false(gs_product_in_zone(ecrs, "DE-LU"));
    gs_market_catalog_free(cat);
}

static void pjm_economic_dr_and_4cp_intervals_of_each_year_are_catalogued(void **state)
{
    gs_market_catalog *cat = load();
    gs_error err = {0};
    /* PJM economic demand response: an energy product, training yes, inference no, priced by the
     * Dominion real-time LMP series like PJM-RT-ENERGY, with the rules' sources */
    const gs_product *dr = gs_market_find_product(cat, "PJM-ECON-DR");
    assert_non_null(dr);
    assert_int_equal(dr->kind, GS_PK_ENERGY);
    assert_int_equal(dr->direction, GS_DIR_DOWN);
    assert_int_equal(dr->energy_unit, GS_UNIT_USD_PER_MWH);
    assert_int_equal(dr->availability_unit, GS_UNIT_NONE);
    assert_int_equal(gs_product_eligibility(dr, GS_TRAINING), GS_ELIG_YES);
    assert_int_equal(gs_product_eligibility(dr, GS_INFERENCE), GS_ELIG_NO);
    assert_int_equal(gs_product_check_class(dr, GS_INFERENCE, 1, &err), GS_EINPUT);
    assert_int_equal(gs_product_check_class(dr, GS_TRAINING, 0, &err), 0);
    assert_true(gs_product_in_zone(dr, "PJM-DOM"));
    assert_non_null(strstr(dr->payment, "Net Benefits Test"));
    assert_non_null(strstr(dr->src_rules, "Order 745"));
    assert_true(dr->src_payment[0] && dr->src_telemetry[0] && dr->baseline[0]);
    const gs_product *rt = gs_market_find_product(cat, "PJM-RT-ENERGY");
    assert_true(dr->has_series && rt->has_series);
    assert_string_equal(dr->series.path, rt->series.path);
    assert_string_equal(dr->series.format, rt->series.format);
    /* ERCOT ERS is priced per MW per hour (capacity demand curve in $/MW/h) */
    assert_int_equal(gs_market_find_product(cat, "ERCOT-ERS-10")->availability_unit, GS_UNIT_USD_PER_MW_H);
    /* one 4CP interval per year, as published (UTC; CDT = UTC-5) */
    static const struct {
        const char *id;
        int64_t start, end;
        gs_time_precision prec;
    } cp[] = {
        {"ERCOT-4CP-2022-07", 1658352600, 1658353500, GS_PREC_MINUTE}, /* 2022-07-20 16:30-16:45 CDT */
        {"ERCOT-4CP-2023-09", 1694203200, 1694210400, GS_PREC_HOUR},   /* 2023-09-08 15:00-17:00 CDT */
        {"ERCOT-4CP-2024-06", 1719786600, 1719787500, GS_PREC_MINUTE}, /* 2024-06-30 17:30-17:45 CDT */
        {"ERCOT-4CP-2024-09", 1726865100, 1726866000, GS_PREC_MINUTE}, /* 2024-09-20 15:45-16:00 CDT */
    };
    for (size_t i = 0; i < sizeof cp / sizeof cp[0]; i++) {
        const gs_grid_event *e = gs_market_find_event(cat, cp[i].id);
        assert_non_null(e);
        assert_int_equal(e->kind, GS_EV_4CP);
        assert_true(e->start_s == cp[i].start);
        assert_true(e->end_s == cp[i].end);
        assert_int_equal(e->precision, cp[i].prec);
        assert_true(gs_event_in_zone(e, "ERCOT"));
        assert_true(strstr(e->source, "NP9-83-M") || strstr(e->source, "Electricityplans"));
    }
    /* four intervals a year in 2022, 2023 and 2024, each in its month (June..September) */
    for (int year = 2022; year <= 2024; year++)
        for (int m = 6; m <= 9; m++) {
            char id[32];
            snprintf(id, sizeof id, "ERCOT-4CP-%d-%02d", year, m);
            const gs_grid_event *e = gs_market_find_event(cat, id);
            assert_non_null(e);
            assert_int_equal(e->kind, GS_EV_4CP);
            assert_true(e->end_s - e->start_s <= 2 * 3600);
        }
    gs_market_catalog_free(cat);
}

/* The repository root: GS_SRC (set by the test registration), else from this file's path. */
static void source_root(char *out, size_t len)
{
    const char *src = getenv("GS_SRC");
    if (src && *src) {
        snprintf(out, len, "%s", src);
        return;
    }
    snprintf(out, len, "%s", __FILE__);
    char *cut = strstr(out, "/tests/unit/");
    if (cut)
        *cut = '\0';
    else
        snprintf(out, len, ".");
}

/* Every site of the bundled example fleets is in a zone the catalogue has products for: a site
 * with a training cluster has a product training may provide that is not plain energy (it pays
 * for flexibility), a site with an inference cluster one inference may join by shifting. */
static void every_example_site_zone_has_a_product(void **state)
{
    gs_market_catalog *cat = load();
    static const char *const fleets[] = {"examples/real/fleet.yaml", "examples/demo/fleet.yaml"};
    char root[1024], path[1200];
    source_root(root, sizeof root);
    for (size_t k = 0; k < sizeof fleets / sizeof fleets[0]; k++) {
        snprintf(path, sizeof path, "%s/%s", root, fleets[k]);
        gs_fleet *f = NULL;
        gs_error err = {0};
        int rc = gs_fleet_load(path, &f, &err);
        if (rc)
            fprintf(stderr, "%s:%d: %s: %s\n", err.file, err.line, err.field, err.message);
        assert_int_equal(rc, 0);
        assert_true(f->nsites >= 8);
        for (size_t s = 0; s < f->nsites; s++) {
            const char *zone = f->zones[f->sites[s].zone].id;
            int training = 0, inference = 0;
            for (size_t c = 0; c < f->nclusters; c++)
                if (f->clusters[c].site == (int)s) {
                    training |= f->clusters[c].cls == GS_TRAINING;
                    inference |= f->clusters[c].cls == GS_INFERENCE;
                }
            size_t any = 0, flex_training = 0, shift = 0;
            for (size_t i = 0; i < cat->nproducts; i++) {
                const gs_product *p = &cat->products[i];
                if (!gs_product_in_zone(p, zone))
                    continue;
                any++;
                flex_training += p->eligible[GS_TRAINING] == GS_ELIG_YES && p->kind != GS_PK_ENERGY;
                shift += p->eligible[GS_INFERENCE] == GS_ELIG_SHIFT;
            }
            if (!any || (training && !flex_training) || (inference && !shift))
                fprintf(stderr, "%s: site %s, zone %s: %zu products, %zu for training, %zu inference may shift to\n",
                        fleets[k], f->sites[s].id, zone, any, flex_training, shift);
            assert_true(any >= 1);
            assert_true(!training || flex_training >= 1);
            assert_true(!inference || shift >= 1);
        }
        gs_fleet_free(f);
    }
    gs_market_catalog_free(cat);
}

/* A published figure of product p for (period, zone) with value v whose source names what. */
static int has_price(const gs_product *p, const char *period, const char *zone, double v, const char *what)
{
    for (size_t i = 0; i < p->nprices; i++) {
        const gs_published_price *q = &p->prices[i];
        if (!strcmp(q->period, period) && !strcmp(q->zone, zone) && fabs(q->value - v) < 1e-9 &&
            strstr(q->source, what))
            return 1;
    }
    return 0;
}

/* The markets added for the examples' sites (MISO, Hydro-Quebec, the Nordic markets, AESO,
 * CAISO, NYISO, ISO-NE, SPP, the Netherlands, Singapore, Brazil): their key products load with
 * the sources of their rules, figures and eligibility, in the zones the examples use. */
static void added_markets_key_products_load_with_their_sources(void **state)
{
    gs_market_catalog *cat = load();
    static const struct {
        const char *id, *market, *zone;
    } key[] = {
        {"MISO-LMR", "MISO", "MISO"},           {"MISO-DRR-ENERGY", "MISO", "MISO-LRZ3"},
        {"HQ-INTERRUPTIBLE", "HQ", "HQ"},       {"NO-FCR-N", "Nordic", "NO3"},
        {"NO-FCR-D-UP", "Nordic", "NO3"},       {"NO-FCR-D-DOWN", "Nordic", "NO4"},
        {"NO-AFRR-UP", "Nordic", "NO3"},        {"NO-AFRR-DOWN", "Nordic", "NO5"},
        {"NO-MFRR-UP", "Nordic", "NO3"},        {"SE-FCR-N", "Nordic", "SE2"},
        {"SE-FCR-D-UP", "Nordic", "SE2"},       {"SE-FCR-D-DOWN", "Nordic", "DK2"},
        {"AESO-SUPPLEMENTAL", "AESO", "AESO"},  {"AESO-LSSI", "AESO", "AESO"},
        {"CAISO-PDR-ENERGY", "CAISO", "CAISO"}, {"CAISO-BIP", "CAISO", "CAISO"},
        {"CAISO-ELRP", "CAISO", "CAISO"},       {"NYISO-SCR", "NYISO", "NYISO"},
        {"NYISO-EDRP", "NYISO", "NYISO"},       {"NYISO-DSASP", "NYISO", "NYISO"},
        {"ISONE-FCM-DR", "ISONE", "ISONE"},     {"SPP-DR", "SPP", "SPP"},
        {"NL-REDISPATCH", "NL", "NL"},          {"NL-CAP-LIMIT", "NL", "NL"},
        {"NL-TDTR", "NL", "NL"},                {"NL-DA-ENERGY", "NL", "NL"},
        {"SG-ENERGY", "SG", "SG"},              {"SG-IL", "SG", "SG"},
        {"BR-SE-ENERGY", "BR", "BR-SE"},
    };
    for (size_t i = 0; i < sizeof key / sizeof key[0]; i++) {
        const gs_product *p = gs_market_find_product(cat, key[i].id);
        if (!p)
            fprintf(stderr, "missing product %s\n", key[i].id);
        assert_non_null(p);
        assert_string_equal(p->market, key[i].market);
        assert_true(gs_product_in_zone(p, key[i].zone));
        assert_false(gs_product_in_zone(p, "ERCOT"));
        assert_true(p->src_rules[0] && p->src_eligibility[0]);
        assert_true(!p->payment[0] || p->src_payment[0]);
        assert_int_equal(p->eligible[GS_TRAINING], GS_ELIG_YES);
        for (size_t k = 0; k < p->nprices; k++)
            assert_true(p->prices[k].source[0] != '\0');
    }

    /* MISO: the Planning Resource Auction by Local Resource Zone (Iowa is Zone 3), per MW-day */
    const gs_product *lmr = gs_market_find_product(cat, "MISO-LMR");
    assert_int_equal(lmr->kind, GS_PK_CAPACITY);
    assert_int_equal(lmr->availability_unit, GS_UNIT_USD_PER_MW_DAY);
    assert_true(has_price(lmr, "2022/2023", "MISO-LRZ3", 236.66, "T&D World"));
    assert_true(has_price(lmr, "2022/2023", "MISO-LRZ8", 2.88, "T&D World"));
    assert_true(has_price(lmr, "2024-06..2024-08", "MISO-LRZ3", 30.00, "MISO news release"));
    assert_true(has_price(lmr, "2025-06..2025-08", "MISO-LRZ3", 666.50, "Utility Dive"));
    assert_true(has_price(lmr, "2025/2026", "MISO-LRZ3", 217, "Utility Dive"));
    assert_true(lmr->src_timing[0] && strstr(lmr->src_timing, "ER19-650"));
    assert_false(gs_product_in_zone(lmr, "PJM-DOM"));

    /* Hydro-Quebec Rate L interruptible option I: notice, duration and calls, each sourced */
    const gs_product *hq = gs_market_find_product(cat, "HQ-INTERRUPTIBLE");
    assert_true(hq->notice_s == 2 * 3600 && hq->min_duration_s == 4 * 3600 && hq->max_duration_s == 5 * 3600);
    assert_true(hq->max_calls_per_day == 2 && hq->max_calls_per_year == 20);
    assert_true(strstr(hq->src_timing, "Hydro-Quebec") && strstr(hq->src_duration, "Hydro-Quebec") &&
                strstr(hq->src_frequency, "Hydro-Quebec"));
    assert_non_null(strstr(hq->payment, "20.787"));
    /* the variable credit, typed per MWh in CAD; the fixed credit is not stated: no availability */
    assert_int_equal(hq->availability_unit, GS_UNIT_NONE);
    assert_int_equal(hq->energy_unit, GS_UNIT_CAD_PER_MWH);
    assert_true(has_price(hq, "undated (https copy)", "HQ", 207.87, "hydroquebec.com"));
    assert_true(has_price(hq, "undated (http copy)", "HQ", 200.00, "hydroquebec.com"));
    gs_error err = {0};
    gs_deployment fits = {.response_s = 600, .duration_s = 4 * 3600, .calls_per_day = 2, .calls_per_year = 20};
    assert_int_equal(gs_deployment_check(hq, &fits, &err), 0);
    gs_deployment six_h = {.response_s = 600, .duration_s = 6 * 3600};
    assert_int_equal(gs_deployment_check(hq, &six_h, &err), GS_ERANGE);
    assert_string_equal(err.field, "max_duration");
    gs_deployment thrice = {.response_s = 600, .duration_s = 4 * 3600, .calls_per_day = 3};
    assert_int_equal(gs_deployment_check(hq, &thrice, &err), GS_ERANGE);

    /* Nordic FCR: symmetric FCR-N, FCR-D up = load reduces, down = load increases */
    const gs_product *fcrn = gs_market_find_product(cat, "NO-FCR-N");
    assert_int_equal(fcrn->direction, GS_DIR_BOTH);
    assert_true(fcrn->full_response_s == 150);
    assert_int_equal(gs_market_find_product(cat, "NO-FCR-D-UP")->direction, GS_DIR_DOWN);
    assert_int_equal(gs_market_find_product(cat, "NO-FCR-D-DOWN")->direction, GS_DIR_UP);
    assert_int_equal(gs_market_find_product(cat, "SE-FCR-D-UP")->availability_unit, GS_UNIT_EUR_PER_MW_H);
    assert_true(has_price(gs_market_find_product(cat, "SE-FCR-D-UP"), "2022-01..2023-03", "SE-DK2", 57.19,
                          "next-dimension"));
    for (size_t i = 0; i < cat->nproducts; i++) /* inference joins no Nordic reserve */
        if (!strcmp(cat->products[i].market, "Nordic"))
            assert_int_equal(cat->products[i].eligible[GS_INFERENCE], GS_ELIG_NO);

    /* CAISO ELRP: 2 USD/kWh from 2022 (D.21-12-015), events of 1-5 h */
    const gs_product *elrp = gs_market_find_product(cat, "CAISO-ELRP");
    assert_int_equal(elrp->kind, GS_PK_EMERGENCY);
    assert_true(has_price(elrp, "2022", "CAISO", 2000, "D.21-12-015"));
    assert_true(elrp->min_duration_s == 3600 && elrp->max_duration_s == 5 * 3600);
    /* NYISO EDRP: at least 100 kW within two hours of notice (MST Attachment G) */
    const gs_product *edrp = gs_market_find_product(cat, "NYISO-EDRP");
    assert_true(edrp->notice_s == 2 * 3600);
    assert_non_null(strstr(edrp->src_timing, "Attachment G"));
    /* the Netherlands: TenneT's non-firm transport right is a tariff, not a payment */
    assert_int_equal(gs_market_find_product(cat, "NL-TDTR")->kind, GS_PK_PEAK);
    assert_non_null(strstr(gs_market_find_product(cat, "NL-TDTR")->src_rules, "ACM"));
    /* a MISO grid event, in MISO's zones */
    const gs_grid_event *mg = gs_market_find_event(cat, "MISO-MAXGEN-2017-09-22");
    assert_non_null(mg);
    assert_true(gs_event_in_zone(mg, "MISO") && gs_event_in_zone(mg, "MISO-LRZ3"));
    assert_true(mg->start_s == 1506106800); /* 2017-09-22T19:00:00Z = 14:00 EST */
    gs_market_catalog_free(cat);
}

/* UTC seconds of a civil time */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
    return gs_utc_from_civil(y, mo, d, h, mi, 0);
}

static void units_carry_a_currency_and_a_basis(void **state)
{
    assert_string_equal(gs_price_unit_currency(GS_UNIT_CAD_PER_MWH), "CAD");
    assert_string_equal(gs_price_unit_currency(GS_UNIT_NOK_PER_MW_H), "NOK");
    assert_string_equal(gs_price_unit_currency(GS_UNIT_EUR_PER_MW_H), "EUR");
    assert_string_equal(gs_price_unit_currency(GS_UNIT_USD_PER_KW_MONTH), "USD");
    assert_string_equal(gs_price_unit_currency(GS_UNIT_NONE), "");
    assert_string_equal(gs_price_unit_name(GS_UNIT_CAD_PER_KW_MONTH), "CAD/kW-month");
    assert_true(gs_price_unit_is_availability(GS_UNIT_NOK_PER_MW_H) && !gs_price_unit_is_energy(GS_UNIT_NOK_PER_MW_H));
    assert_true(gs_price_unit_is_energy(GS_UNIT_CAD_PER_MWH) && !gs_price_unit_is_availability(GS_UNIT_CAD_PER_MWH));
    assert_true(gs_price_unit_mw_hours(GS_UNIT_USD_PER_MW_DAY) == 24);
    assert_true(isnan(gs_price_unit_mw_hours(GS_UNIT_USD_PER_MWH)));
    /* a per-kW-month price over a year: 12 x price x 1000 per MW, exactly */
    gs_product m = mk("M", GS_DIR_DOWN);
    m.availability_unit = GS_UNIT_USD_PER_KW_MONTH;
    assert_true(fabs(gs_availability_payment(&m, 1, 8760, 3.98) - 12 * 3.98 * 1000) < 1e-6);
    /* a NOK/MW-h price pays per MW-h, in the price's currency */
    m.availability_unit = GS_UNIT_NOK_PER_MW_H;
    assert_true(fabs(gs_availability_payment(&m, 10, 2, 11.7) - 234.0) < 1e-9);
}

static void exchange_rates_convert_at_the_annual_average_of_the_year(void **state)
{
    gs_market_catalog *cat = load();
    gs_error err = {0};
    double r = 0;
    const gs_fx_rate *used[2];
    /* Bank of Canada quotes CAD per USD */
    assert_int_equal(gs_fx_usd_per_unit(cat, "CAD", 2023, &r, used, &err), 0);
    assert_true(fabs(r - 1 / 1.3497) < 1e-12);
    assert_non_null(strstr(used[0]->source, "Bank of Canada"));
    assert_null(used[1]);
    /* the ECB quotes USD per EUR */
    assert_int_equal(gs_fx_usd_per_unit(cat, "EUR", 2023, &r, used, &err), 0);
    assert_true(fabs(r - 1.0813) < 1e-12);
    /* NOK through EUR: (USD per EUR) / (NOK per EUR) */
    assert_int_equal(gs_fx_usd_per_unit(cat, "NOK", 2021, &r, used, &err), 0);
    assert_true(fabs(r - 1.1827 / 10.1633) < 1e-12);
    assert_non_null(used[0]);
    assert_non_null(used[1]);
    assert_int_equal(gs_fx_usd_per_unit(cat, "USD", 1999, &r, used, &err), 0);
    assert_true(r == 1);
    /* a year without a rate is an error naming the currency and the year */
    assert_int_equal(gs_fx_usd_per_unit(cat, "CAD", 2019, &r, used, &err), GS_ERANGE);
    assert_non_null(strstr(err.message, "CAD in 2019"));
    gs_market_catalog_free(cat);
}

/* The value and USD of p's figure in zone at t; -1 when none applies. */
static double usd_at(const gs_market_catalog *cat, const char *id, const char *zone, int64_t t, double *value)
{
    gs_price_quote q;
    gs_error err = {0};
    int rc = gs_market_price_at(cat, gs_market_find_product(cat, id), zone, t, &q, &err);
    assert_true(rc >= 0);
    if (value)
        *value = rc ? q.value : -1;
    return rc ? q.usd : -1;
}

static void the_figure_of_a_time_is_zonal_then_the_shortest_period(void **state)
{
    gs_market_catalog *cat = load();
    double v;
    /* MISO: the 2022/23 planning year until May 31 2023 ... */
    assert_true(usd_at(cat, "MISO-LMR", "MISO-LRZ3", utc(2023, 3, 1, 12, 0), NULL) == 236.66);
    assert_true(usd_at(cat, "MISO-LMR", "MISO-LRZ3", utc(2023, 6, 1, 3, 0), NULL) == 236.66);
    /* ... then no Zone 3 figure for 2023/24 (the seasons are sourced for Zone 1 only) */
    assert_true(usd_at(cat, "MISO-LMR", "MISO-LRZ3", utc(2023, 7, 1, 12, 0), NULL) == -1);
    assert_true(usd_at(cat, "MISO-LMR", "MISO-LRZ1", utc(2023, 7, 1, 12, 0), NULL) == 10.00);
    assert_true(usd_at(cat, "MISO-LMR", "MISO-LRZ1", utc(2024, 1, 15, 12, 0), NULL) == 2.00);
    /* the planning year's four seasons apply, each in its months */
    assert_true(usd_at(cat, "MISO-LMR", "MISO-LRZ3", utc(2024, 7, 1, 12, 0), NULL) == 30.00);
    assert_true(usd_at(cat, "MISO-LMR", "MISO-LRZ3", utc(2024, 10, 1, 12, 0), NULL) == 15.00);
    assert_true(usd_at(cat, "MISO-LMR", "MISO-LRZ3", utc(2025, 2, 28, 23, 0), NULL) == 0.75);
    assert_true(usd_at(cat, "MISO-LMR", "MISO-LRZ3", utc(2025, 3, 1, 0, 0), NULL) == 34.10);
    /* a season beats its planning year's annual-basis figure (217) */
    assert_true(usd_at(cat, "MISO-LMR", "MISO-LRZ3", utc(2025, 7, 1, 12, 0), NULL) == 666.50);
    assert_true(usd_at(cat, "MISO-LMR", "MISO-LRZ8", utc(2025, 7, 1, 12, 0), NULL) == 212);
    assert_true(usd_at(cat, "MISO-LMR", "MISO-LRZ8", utc(2023, 3, 1, 12, 0), NULL) == 2.88);
    /* PJM: a zonal figure beats the RTO one; other zones take the RTO's */
    assert_true(usd_at(cat, "PJM-CAPACITY-DR", "PJM-DOM", utc(2025, 7, 1, 12, 0), NULL) == 444.26);
    assert_true(usd_at(cat, "PJM-CAPACITY-DR", "PJM-AEP", utc(2025, 7, 1, 12, 0), NULL) == 269.92);
    assert_true(usd_at(cat, "PJM-CAPACITY-DR", "PJM-DOM", utc(2023, 7, 1, 12, 0), NULL) == 34.13);
    /* ECRS: nothing before the product opened; the Jul-Aug commentary figure is not applied */
    assert_true(usd_at(cat, "ERCOT-ECRS", "ERCOT", utc(2023, 3, 1, 12, 0), NULL) == -1);
    assert_true(usd_at(cat, "ERCOT-ECRS", "ERCOT", utc(2023, 7, 1, 12, 0), NULL) == 76.77);
    assert_true(usd_at(cat, "ERCOT-ECRS", "ERCOT", utc(2024, 7, 15, 12, 0), NULL) == 9.62);
    /* Norway's RKOM-B 2020/21, NOK, weekdays 05:00-24:00 at UTC+1, converted at the hour's year */
    double usd = usd_at(cat, "NO-MFRR-UP", "NO3", utc(2020, 12, 1, 10, 0), &v); /* a Tuesday */
    assert_true(v == 11.70);
    assert_true(fabs(usd - 11.70 * 1.1422 / 10.7228) < 1e-9);
    usd = usd_at(cat, "NO-MFRR-UP", "NO3", utc(2021, 1, 5, 10, 0), &v);
    assert_true(fabs(usd - 11.70 * 1.1827 / 10.1633) < 1e-9);
    assert_true(usd_at(cat, "NO-MFRR-UP", "NO3", utc(2020, 12, 5, 10, 0), NULL) == -1);  /* Saturday */
    assert_true(usd_at(cat, "NO-MFRR-UP", "NO3", utc(2020, 12, 1, 3, 59), NULL) == -1);  /* 04:59 local */
    assert_true(usd_at(cat, "NO-MFRR-UP", "NO3", utc(2020, 12, 1, 4, 0), NULL) > 0);     /* 05:00 local */
    assert_true(usd_at(cat, "NO-MFRR-UP", "NO3", utc(2020, 12, 1, 23, 0), NULL) == -1);  /* 24:00 local */
    assert_true(usd_at(cat, "NO-MFRR-UP", "NO3", utc(2020, 11, 6, 10, 0), NULL) == -1);  /* before week 46 */
    assert_true(usd_at(cat, "NO-MFRR-UP", "NO3", utc(2021, 4, 19, 10, 0), NULL) == -1);  /* after week 15 */
    assert_true(usd_at(cat, "NO-MFRR-UP", "NO3", utc(2023, 1, 10, 10, 0), NULL) == -1);  /* none for 2023 */
    assert_true(usd_at(cat, "NO-MFRR-UP", "SE2", utc(2020, 12, 1, 10, 0), NULL) == -1);
    /* ISO-NE's FCA 17, per kW-month: a month (730 h) of 1 MW pays 1000 x 2.59 USD */
    const gs_product *fcm = gs_market_find_product(cat, "ISONE-FCM-DR");
    usd = usd_at(cat, "ISONE-FCM-DR", "ISONE", utc(2026, 7, 1, 12, 0), &v);
    assert_true(v == 2.59 && usd == 2.59);
    assert_true(fabs(gs_availability_payment(fcm, 1, 730, usd) - 2590) < 1e-9);
    assert_true(usd_at(cat, "ISONE-FCM-DR", "ISONE", utc(2026, 5, 31, 12, 0), NULL) == -1);
    /* Hydro-Quebec: the credits are undated, so they apply to no hour */
    assert_true(usd_at(cat, "HQ-INTERRUPTIBLE", "HQ", utc(2023, 1, 10, 12, 0), NULL) == -1);
    gs_market_catalog_free(cat);
}

static void a_non_usd_figure_without_a_rate_for_its_years_is_refused(void **state)
{
    char path[] = "/tmp/gs_test_market_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("products:\n  - id: MY-CAD\n    name: x\n    market: M\n    zones: [Z]\n    kind: capacity\n"
          "    direction: down\n    availability_unit: CAD/MW-h\n    eligible: {training: yes, inference: no}\n"
          "    sources: {rules: r, payment: p, eligibility: e}\n"
          "    prices:\n      - {period: \"2018-12..2019-02\", zone: Z, value: 5, unit: CAD/MW-h, label: l, source: s}\n", f);
    fclose(f);
    gs_market_catalog *cat = NULL;
    gs_error err = {0};
    assert_int_equal(gs_market_catalog_load(path, &cat, &err), GS_EINPUT);
    assert_null(cat);
    assert_string_equal(err.file, path);
    assert_int_equal(err.line, 12);
    assert_non_null(strstr(err.message, "CAD in 2018"));
    /* with the user's own rates for those years it loads, and converts at each hour's year */
    f = fopen(path, "a");
    fputs("fx:\n  - {currency: CAD, base: USD, year: 2018, rate: 1.25, source: mine}\n"
          "  - {currency: CAD, base: USD, year: 2019, rate: 1.5, source: mine}\n", f);
    fclose(f);
    assert_int_equal(gs_market_catalog_load(path, &cat, &err), 0);
    remove(path);
    const gs_product *p = gs_market_find_product(cat, "MY-CAD");
    gs_price_quote q;
    assert_int_equal(gs_market_price_at(cat, p, "Z", utc(2018, 12, 31, 23, 0), &q, &err), 1);
    assert_true(fabs(q.usd - 4.0) < 1e-12 && q.value == 5 && q.unit == GS_UNIT_CAD_PER_MW_H);
    assert_int_equal(gs_market_price_at(cat, p, "Z", utc(2019, 1, 1, 0, 0), &q, &err), 1);
    assert_true(fabs(q.usd - 5 / 1.5) < 1e-12);
    assert_int_equal(gs_market_price_at(cat, p, "Z", utc(2019, 3, 1, 0, 0), &q, &err), 0);
    gs_market_catalog_free(cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catalogue_loads_and_every_product_has_a_source_and_eligible_classes),
        cmocka_unit_test(catalogue_has_the_published_pjm_capacity_prices),
        cmocka_unit_test(inference_is_ineligible_for_reserves_and_may_only_shift_for_energy),
        cmocka_unit_test(deployment_longer_than_max_duration_is_rejected_with_a_clear_message),
        cmocka_unit_test(deployment_check_applies_calls_and_min_duration_of_a_user_product),
        cmocka_unit_test(stacking_never_sells_the_same_mw_twice),
        cmocka_unit_test(payments_and_penalties_on_hand_examples),
        cmocka_unit_test(bad_catalogues_are_rejected_with_file_line_field_expected_and_found),
        cmocka_unit_test(user_catalogue_overrides_and_adds),
        cmocka_unit_test(zone_filter_matches_market_zone_and_rto_wide_products),
        cmocka_unit_test(pjm_economic_dr_and_4cp_intervals_of_each_year_are_catalogued),
        cmocka_unit_test(every_example_site_zone_has_a_product),
        cmocka_unit_test(added_markets_key_products_load_with_their_sources),
        cmocka_unit_test(units_carry_a_currency_and_a_basis),
        cmocka_unit_test(exchange_rates_convert_at_the_annual_average_of_the_year),
        cmocka_unit_test(the_figure_of_a_time_is_zonal_then_the_shortest_period),
        cmocka_unit_test(a_non_usd_figure_without_a_rate_for_its_years_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
