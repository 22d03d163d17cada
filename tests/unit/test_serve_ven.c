/* test_serve_ven.c: the VEN's translation of OpenADR 3 events into the daemon's events
 * (src/daemon/ven.c gs_ven_translate, gs_ven_time), including what VTNs in the field send
 * (../shared/FACTS.md): times without a zone or with a space, 3.0-style targets, numbers as
 * strings, intervals out of order, an event-level intervalPeriod applied to each interval in
 * turn, "0001-01-01" for now and P9999Y for ever. Every document it makes is read back by the
 * daemon's own event reader (gs_events_read_buffer) on the e2e fleet. The VEN against a VTN
 * through a validating proxy is tests/e2e/ven_vtn.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>

#include "daemon/ven.h"
#include "gridsplit/read/events.h"
#include "gridsplit/read/fleet.h"

#define NOW 1796644800.0 /* 2026-12-07T12:00:00Z */

static gs_fleet *fleet;
static gs_ven_config vc;

static double site_mw(void *ctx, int site)
{
    (void)ctx;
    return site == 0 ? 2.0 : 0;
}

static int setup(void **state)
{
    (void)state;
    const char *src = getenv("GS_SRC");
    char path[512];
    snprintf(path, sizeof path, "%s/tests/serve/fleet.yaml", src ? src : "../..");
    gs_error err = {0};
    if (gs_fleet_load(path, &fleet, &err) != 0)
        fail_msg("%s: %s", path, err.message);
    memset(&vc, 0, sizeof vc);
    vc.on = true;
    snprintf(vc.ven_name, sizeof vc.ven_name, "gs-ven");
    snprintf(vc.default_site, sizeof vc.default_site, "lab");
    vc.nresources = 1;
    snprintf(vc.resources[0].resource, sizeof vc.resources[0].resource, "lab-meter");
    snprintf(vc.resources[0].site, sizeof vc.resources[0].site, "lab");
    vc.units_mw = 1e-3;
    vc.simple_levels[1] = 0.1;
    vc.simple_levels[2] = 0.25;
    vc.simple_levels[3] = 0.5;
    vc.report = true;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    gs_fleet_free(fleet);
    return 0;
}

typedef struct result {
    int rc;
    size_t n;
    json_t **docs;
    char **ext;
    char why[300];
} result;

static result translate(const char *text)
{
    result r = {0};
    json_error_t je;
    json_t *e = json_loads(text, 0, &je);
    if (!e)
        fail_msg("test JSON: %s", je.text);
    r.rc = gs_ven_translate(&vc, fleet, e, NOW, site_mw, NULL, &r.docs, &r.ext, &r.n, r.why,
                            sizeof r.why);
    json_decref(e);
    return r;
}

static void result_free(result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        json_decref(r->docs[i]);
        free(r->ext[i]);
    }
    free(r->docs);
    free(r->ext);
}

/* The document read back by the daemon's reader: its events. */
static gs_event *read_back(const json_t *doc, size_t *n)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    gs_event *evs = NULL;
    gs_error err = {0};
    gs_events_read_opts o = {.require_events = 1};
    if (gs_events_read_buffer("ven", text, strlen(text), fleet, &evs, n, &o, &err) != 0)
        fail_msg("the daemon refuses the VEN's document %s: %s", text, err.message);
    free(text);
    return evs;
}

static void test_capacity_limit_intervals_in_turn(void **state)
{
    (void)state;
    /* the event's intervalPeriod applies to each interval in turn: 13:00, 13:15 */
    result r = translate(
        "{\"id\": \"e1\", \"programID\": \"p1\", \"createdDateTime\": \"2026-12-07T12:30:00Z\","
        " \"modificationDateTime\": \"2026-12-07T12:31:00Z\", \"targets\": [\"lab-meter\"],"
        " \"payloadDescriptors\": [{\"objectType\": \"EVENT_PAYLOAD_DESCRIPTOR\","
        "   \"payloadType\": \"IMPORT_CAPACITY_LIMIT\", \"units\": \"KW\"}],"
        " \"intervalPeriod\": {\"start\": \"2026-12-07T13:00:00Z\", \"duration\": \"PT15M\"},"
        " \"intervals\": [{\"id\": 0, \"payloads\": [{\"type\": \"IMPORT_CAPACITY_LIMIT\", \"values\": [800]}]},"
        "                {\"id\": 1, \"payloads\": [{\"type\": \"IMPORT_CAPACITY_LIMIT\", \"values\": [600.5]}]}]}");
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.ext[0], "e1@2026-12-07T12:31:00Z#0");
    size_t n;
    gs_event *evs = read_back(r.docs[0], &n);
    assert_int_equal(n, 2);
    assert_int_equal(evs[0].kind, GS_PEV_REDUCE_TO);
    assert_int_equal(evs[0].scope, GS_SCOPE_SITE);
    assert_int_equal(evs[0].start_s, (int64_t)NOW + 3600);
    assert_int_equal(evs[0].end_s, (int64_t)NOW + 3600 + 900);
    assert_int_equal(evs[1].start_s, (int64_t)NOW + 3600 + 900);
    assert_true(fabs(evs[0].mw - 0.8) < 1e-9);
    assert_true(fabs(evs[1].mw - 0.6005) < 1e-9);
    assert_int_equal(evs[0].notice_s, 1800); /* created 30 min before */
    free(evs);
    result_free(&r);
}

static void test_field_quirks(void **state)
{
    (void)state;
    /* a space for T, no zone (UTC), 3.0-style targets, a value as a string, intervals listed
     * out of order, each with its own period, MW units */
    result r = translate(
        "{\"id\": \"e2\", \"createdDateTime\": \"2026-12-07 12:00:00\","
        " \"targets\": [{\"type\": \"RESOURCE_NAME\", \"values\": [\"lab-meter\"]}],"
        " \"payloadDescriptors\": [{\"payloadType\": \"IMPORT_CAPACITY_SUBSCRIPTION\", \"units\": \"MW\"}],"
        " \"intervals\": ["
        "  {\"id\": 7, \"intervalPeriod\": {\"start\": \"2026-12-07 14:00:00\", \"duration\": \"PT1H\"},"
        "   \"payloads\": [{\"type\": \"IMPORT_CAPACITY_SUBSCRIPTION\", \"values\": [\"0.5\"]}]},"
        "  {\"id\": 3, \"intervalPeriod\": {\"start\": \"2026-12-07T13:00:00.000+00:00\", \"duration\": \"PT1H\"},"
        "   \"payloads\": [{\"type\": \"IMPORT_CAPACITY_SUBSCRIPTION\", \"values\": [0.75]}]}]}");
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 1);
    size_t n;
    gs_event *evs = read_back(r.docs[0], &n);
    assert_int_equal(n, 2);
    assert_int_equal(evs[0].start_s, (int64_t)NOW + 3600);
    assert_true(fabs(evs[0].mw - 0.75) < 1e-9);
    assert_true(fabs(evs[1].mw - 0.5) < 1e-9);
    free(evs);
    result_free(&r);
}

static void test_targets(void **state)
{
    (void)state;
    const char *tmpl =
        "{\"id\": \"e3\", %s \"intervalPeriod\": {\"start\": \"2026-12-07T13:00:00Z\", "
        "\"duration\": \"PT1H\"}, \"intervals\": [{\"id\": 0, \"payloads\": [{\"type\": "
        "\"IMPORT_CAPACITY_LIMIT\", \"values\": [900]}]}]}";
    char text[1024];
    /* another VEN's resource: not for us */
    snprintf(text, sizeof text, tmpl, "\"targets\": [\"other-site\"],");
    result r = translate(text);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 0);
    assert_non_null(strstr(r.why, "targets none"));
    result_free(&r);
    /* the VEN's own name, or nobody: the default site */
    snprintf(text, sizeof text, tmpl, "\"targets\": [\"gs-ven\"],");
    r = translate(text);
    assert_int_equal(r.n, 1);
    result_free(&r);
    snprintf(text, sizeof text, tmpl, "");
    r = translate(text);
    assert_int_equal(r.n, 1);
    result_free(&r);
}

static void test_simple_levels_and_price(void **state)
{
    (void)state;
    result r = translate(
        "{\"id\": \"s\", \"intervalPeriod\": {\"start\": \"2026-12-07T13:00:00Z\", \"duration\": \"PT30M\"},"
        " \"intervals\": [{\"id\": 0, \"payloads\": [{\"type\": \"SIMPLE\", \"values\": [2]}]}]}");
    assert_int_equal(r.n, 1);
    size_t n;
    gs_event *evs = read_back(r.docs[0], &n);
    assert_int_equal(evs[0].kind, GS_PEV_REDUCE_BY);
    assert_true(fabs(evs[0].mw - 0.25 * 2.0) < 1e-9); /* a quarter of the site's 2 MW */
    free(evs);
    result_free(&r);
    r = translate(
        "{\"id\": \"s0\", \"intervalPeriod\": {\"start\": \"2026-12-07T13:00:00Z\", \"duration\": \"PT30M\"},"
        " \"intervals\": [{\"id\": 0, \"payloads\": [{\"type\": \"SIMPLE\", \"values\": [0]}]}]}");
    assert_int_equal(r.n, 0);
    assert_non_null(strstr(r.why, "level 0"));
    result_free(&r);
    r = translate(
        "{\"id\": \"p\", \"payloadDescriptors\": [{\"payloadType\": \"PRICE\", \"units\": \"USD_PER_KWH\"}],"
        " \"intervalPeriod\": {\"start\": \"2026-12-07T13:00:00Z\", \"duration\": \"PT1H\"},"
        " \"intervals\": [{\"id\": 0, \"payloads\": [{\"type\": \"PRICE\", \"values\": [0.35]}]}]}");
    assert_int_equal(r.n, 1);
    evs = read_back(r.docs[0], &n);
    assert_int_equal(evs[0].kind, GS_PEV_PRICE);
    assert_true(fabs(evs[0].price_usd_per_mwh - 350) < 1e-9);
    free(evs);
    result_free(&r);
}

static void test_runs_split_on_a_gap_or_a_new_kind(void **state)
{
    (void)state;
    result r = translate(
        "{\"id\": \"g\", \"intervals\": ["
        " {\"id\": 0, \"intervalPeriod\": {\"start\": \"2026-12-07T13:00:00Z\", \"duration\": \"PT1H\"},"
        "  \"payloads\": [{\"type\": \"IMPORT_CAPACITY_LIMIT\", \"values\": [900]}]},"
        " {\"id\": 1, \"intervalPeriod\": {\"start\": \"2026-12-07T15:00:00Z\", \"duration\": \"PT1H\"},"
        "  \"payloads\": [{\"type\": \"IMPORT_CAPACITY_LIMIT\", \"values\": [900]}]},"
        " {\"id\": 2, \"intervalPeriod\": {\"start\": \"2026-12-07T16:00:00Z\", \"duration\": \"PT1H\"},"
        "  \"payloads\": [{\"type\": \"PRICE\", \"values\": [0.1]}]}]}");
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 3);
    assert_string_not_equal(r.ext[0], r.ext[1]);
    result_free(&r);
}

static void test_now_forever_past_and_bad(void **state)
{
    (void)state;
    result r = translate(
        "{\"id\": \"f\", \"intervalPeriod\": {\"start\": \"0001-01-01T00:00:00Z\", \"duration\": \"P9999Y\"},"
        " \"intervals\": [{\"id\": 0, \"payloads\": [{\"type\": \"IMPORT_CAPACITY_LIMIT\", \"values\": [900]}]}]}");
    assert_int_equal(r.n, 1);
    size_t n;
    gs_event *evs = read_back(r.docs[0], &n);
    assert_int_equal(evs[0].start_s, (int64_t)NOW);
    assert_int_equal(evs[0].end_s - evs[0].start_s, 7 * 86400);
    free(evs);
    result_free(&r);
    r = translate(
        "{\"id\": \"old\", \"intervalPeriod\": {\"start\": \"2026-12-06T13:00:00Z\", \"duration\": \"PT1H\"},"
        " \"intervals\": [{\"id\": 0, \"payloads\": [{\"type\": \"IMPORT_CAPACITY_LIMIT\", \"values\": [900]}]}]}");
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 0);
    assert_non_null(strstr(r.why, "over"));
    result_free(&r);
    const char *bad[] = {
        "[]",
        "{\"intervals\": []}",
        "{\"id\": \"b\", \"intervals\": []}",
        "{\"id\": \"b\", \"intervalPeriod\": {\"start\": \"yesterday\"}, \"intervals\": [{\"id\": 0, \"payloads\": []}]}",
        "{\"id\": \"b\", \"intervals\": [{\"id\": 0, \"payloads\": [{\"type\": \"SIMPLE\", \"values\": [1]}]}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = translate(bad[i]);
        if (r.rc != -1)
            fail_msg("case %zu: rc %d, %zu docs (%s)", i, r.rc, r.n, r.why);
        assert_true(r.why[0] != '\0');
        result_free(&r);
    }
    /* what it does not act on: said, not taken */
    r = translate(
        "{\"id\": \"u\", \"intervalPeriod\": {\"start\": \"2026-12-07T13:00:00Z\", \"duration\": \"PT1H\"},"
        " \"intervals\": [{\"id\": 0, \"payloads\": [{\"type\": \"GHG\", \"values\": [300]}]}]}");
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 0);
    assert_non_null(strstr(r.why, "no payload this VEN acts on"));
    result_free(&r);
}

/* Found by the fuzzer: an interval far after createdDateTime gave a notice over the duration
 * grammar's 100 years, which the daemon refused. The notice is at most a day. */
static void test_notice_at_most_a_day(void **state)
{
    (void)state;
    result r = translate(
        "{\"id\": \"far\", \"createdDateTime\": \"2026-12-07 12:30:00\","
        " \"intervalPeriod\": {\"start\": \"4052-12-07T13:00:00Z\", \"duration\": \"PT1H\"},"
        " \"intervals\": [{\"id\": 0, \"payloads\": [{\"type\": \"SIMPLE\", \"values\": [2]}]}]}");
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 1);
    size_t n;
    gs_event *evs = read_back(r.docs[0], &n);
    assert_int_equal(evs[0].notice_s, 86400);
    free(evs);
    result_free(&r);
}

/* Found by the fuzzer: a PRICE of 9001 USD/kWh (9,001,000 USD/MWh) is beyond what an event can
 * hold: dropped with the reason, not sent to be refused. */
static void test_values_beyond_the_events_limits(void **state)
{
    (void)state;
    result r = translate(
        "{\"id\": \"e3\", \"intervalPeriod\": {\"start\": \"4001-01-01T00:00:00Z\", \"duration\": \"PT2H\"},"
        " \"intervals\": [{\"id\": 0, \"payloads\": [{\"type\": \"PRICE\", \"values\": [9001]}]}]}");
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 0);
    assert_non_null(strstr(r.why, "beyond"));
    result_free(&r);
}

/* Found by the fuzzer: an interval within one second (start .2 s, PT0.5S) made an event whose
 * start and end were the same whole second, which the daemon refuses: not acted on, and said. */
static void test_interval_under_a_second(void **state)
{
    (void)state;
    result r = translate(
        "{\"id\": \"e4\", \"intervalPeriod\": {\"start\": \"7001-01-01T00:00:00.2Z\", \"duration\": \"PT0.5S\"},"
        " \"intervals\": [{\"id\": 0, \"payloads\": [{\"type\": \"IMPORT_CAPACITY_LIMIT\", \"values\": [1000]}]}]}");
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 0);
    assert_non_null(strstr(r.why, "shorter than the daemon's one-second resolution"));
    result_free(&r);
    /* the same length across a second's boundary (.7 to 1.2) is one second of event */
    r = translate(
        "{\"id\": \"e5\", \"intervalPeriod\": {\"start\": \"7001-01-01T00:00:00.7Z\", \"duration\": \"PT0.5S\"},"
        " \"intervals\": [{\"id\": 0, \"payloads\": [{\"type\": \"IMPORT_CAPACITY_LIMIT\", \"values\": [1000]}]}]}");
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 1);
    size_t n;
    gs_event *evs = read_back(r.docs[0], &n);
    assert_int_equal(n, 1);
    assert_int_equal(evs[0].end_s - evs[0].start_s, 1);
    free(evs);
    result_free(&r);
}

static void test_times(void **state)
{
    (void)state;
    double t;
    assert_true(gs_ven_time("2026-12-07T12:00:00Z", &t) && t == NOW);
    assert_true(gs_ven_time("2026-12-07 12:00:00", &t) && t == NOW);
    assert_true(gs_ven_time("2026-12-07T13:00:00+01:00", &t) && t == NOW);
    assert_true(gs_ven_time("2026-12-07T12:00:00.250Z", &t) && fabs(t - NOW - 0.25) < 1e-9);
    assert_false(gs_ven_time("", &t));
    assert_false(gs_ven_time("12:00", &t));
    assert_false(gs_ven_time(NULL, &t));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capacity_limit_intervals_in_turn),
        cmocka_unit_test(test_field_quirks),
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_simple_levels_and_price),
        cmocka_unit_test(test_runs_split_on_a_gap_or_a_new_kind),
        cmocka_unit_test(test_now_forever_past_and_bad),
        cmocka_unit_test(test_notice_at_most_a_day),
        cmocka_unit_test(test_values_beyond_the_events_limits),
        cmocka_unit_test(test_interval_under_a_second),
        cmocka_unit_test(test_times),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
