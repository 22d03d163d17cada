/* test_events.c: the one event model (src/model/event.c) and the one event reader
 * (src/read/events.c): the native form (one object, a list, load class scope), OpenADR 3 (one
 * event, an array, class targets), the old route-cap form read with a warning that shows the
 * native form, conversion to route caps and each of its refusals, every refusal of the reader
 * with its field and message, the fuzz findings (tests/fuzz/: overflowing durations, notices
 * and MW), 100,000 intervals read (and 100,001 refused) with the overlap check as a sweep,
 * missing files and directories, determinism, and the planner honouring a class scope. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "gridsplit/event.h"
#include "gridsplit/plan.h"
#include "gridsplit/read/events.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/time.h"

static char tmpdir[256];
static gs_fleet *demo;

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && v[0] ? v : dflt;
}

static int setup(void **st)
{
    (void)st;
    snprintf(tmpdir, sizeof tmpdir, "%s/gs_test_events_XXXXXX", env_or("TMPDIR", "/tmp"));
    if (!mkdtemp(tmpdir))
        return -1;
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/demo/fleet.yaml", env_or("GS_SRC", "."));
    gs_error err = {0};
    if (gs_fleet_load(path, &demo, &err) < 0) {
        fprintf(stderr, "cannot load %s: %s\n", path, err.message);
        return -1;
    }
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        return -1;
    gs_fleet_free(demo);
    return 0;
}

/* Write text to tmpdir/name; returns the path (static buffer, valid until the next call). */
static const char *put(const char *name, const char *text)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    return path;
}

static const char *src_path(const char *rel)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", env_or("GS_SRC", "."), rel);
    return path;
}

static void full_message(const gs_error *err, char *buf, size_t n)
{
    gs_error_format(err, buf, n);
}

/* Read text as an event file; expect success. */
static gs_event *read_ok(const char *text, size_t *n, gs_events_read_opts *o)
{
    gs_event *evs = NULL;
    gs_error err = {0};
    int rc = gs_events_read(put("ok.json", text), demo, &evs, n, o, &err);
    if (rc < 0)
        fail_msg("unexpected error: %s (field '%s')", err.message, err.field);
    return evs;
}

/* Read text as an event file; expect exit-2 bad input with the field and every word given
 * (NULL-terminated) in the formatted message, which must also name the file. */
static void read_bad(const char *text, const char *field, ...)
{
    gs_event *evs = (gs_event *)1;
    size_t n = 99;
    gs_error err = {0};
    const char *path = put("bad.json", text);
    int rc = gs_events_read(path, demo, &evs, &n, NULL, &err);
    char msg[2048];
    full_message(&err, msg, sizeof msg);
    if (rc != GS_EINPUT)
        fail_msg("expected bad input for %s, got %d: %s", text, rc, msg);
    assert_int_equal(gs_exit_code(rc), 2);
    assert_null(evs);
    assert_int_equal(n, 0);
    assert_non_null(strstr(msg, path));
    if (field && strcmp(err.field, field) != 0)
        fail_msg("expected field '%s', got '%s': %s", field, err.field, msg);
    va_list ap;
    va_start(ap, field);
    for (const char *w; (w = va_arg(ap, const char *));)
        if (!strstr(msg, w))
            fail_msg("message lacks '%s': %s", w, msg);
    va_end(ap);
}

static int site(const char *id)
{
    return gs_fleet_find_site(demo, id);
}

static int zone(const char *id)
{
    return gs_fleet_find_zone(demo, id);
}

/* ---- the native form ------------------------------------------------------------------ */

static void native_one_object_reads_every_field(void **st)
{
    (void)st;
    size_t n;
    gs_event *e = read_ok("{\"id\": \"cut\", \"type\": \"reduce_by\", \"site\": \"west-texas\", "
                          "\"start\": \"2024-01-20T19:00Z\", \"duration\": \"3h\", \"notice\": "
                          "\"2h\", \"ramp\": \"10min\", \"mw\": 40}", &n, NULL);
    assert_int_equal(n, 1);
    assert_string_equal(e[0].id, "cut");
    assert_int_equal(e[0].kind, GS_PEV_REDUCE_BY);
    assert_int_equal(e[0].scope, GS_SCOPE_SITE);
    assert_int_equal(e[0].scope_index, site("west-texas"));
    assert_int_equal(e[0].cls, GS_EVCLS_ALL);
    int64_t t;
    gs_parse_time("2024-01-20T19:00Z", &t, NULL);
    assert_int_equal(e[0].start_s, t);
    assert_int_equal(e[0].end_s, t + 3 * 3600);
    assert_int_equal(e[0].notice_s, 7200);
    assert_int_equal(e[0].ramp_s, 600);
    assert_true(e[0].mw == 40);
    assert_int_equal(e[0].asks_inference_shed, 0);
    free(e);
}

static void native_list_in_time_order_with_class_scope(void **st)
{
    (void)st;
    size_t n;
    gs_event *e = read_ok(
        "{\"events\": ["
        "{\"id\": \"b\", \"type\": \"reduce_to\", \"site\": \"ashburn\", \"class\": \"inference\", "
        "\"start\": \"2024-07-16T19:00Z\", \"end\": \"2024-07-16T21:00Z\", \"mw\": 15},"
        "{\"id\": \"a\", \"type\": \"reduce_by\", \"zone\": \"ERCOT\", \"class\": \"training\", "
        "\"start\": \"2024-07-16T17:00Z\", \"duration\": 3600, \"mw\": 5},"
        "{\"id\": \"p\", \"type\": \"price\", \"zone\": \"DE-LU\", \"start\": \"2024-07-16T17:00Z\", \"duration\": "
        "\"PT1H\", \"price_usd_per_mwh\": -20},"
        "{\"id\": \"k\", \"type\": \"peak\", \"zone\": \"PJM-DOM\", \"start\": \"2024-07-17T17:00Z\", "
        "\"duration\": \"1h\", \"class\": \"all\"}"
        "]}", &n, NULL);
    assert_int_equal(n, 4);
    /* time order; ties keep the file's order */
    assert_string_equal(e[0].id, "a");
    assert_string_equal(e[1].id, "p");
    assert_string_equal(e[2].id, "b");
    assert_string_equal(e[3].id, "k");
    assert_int_equal(e[0].cls, GS_EVCLS_TRAINING);
    assert_int_equal(e[0].scope, GS_SCOPE_ZONE);
    assert_int_equal(e[0].scope_index, zone("ERCOT"));
    assert_int_equal(e[0].end_s - e[0].start_s, 3600);
    assert_int_equal(e[1].scope, GS_SCOPE_ZONE);
    assert_int_equal(e[1].scope_index, zone("DE-LU"));
    assert_true(e[1].price_usd_per_mwh == -20);
    assert_int_equal(e[2].cls, GS_EVCLS_INFERENCE);
    assert_int_equal(e[2].kind, GS_PEV_REDUCE_TO);
    assert_int_equal(e[3].kind, GS_PEV_PEAK);
    assert_true(e[3].mw == 0);
    assert_int_equal(e[3].cls, GS_EVCLS_ALL);
    free(e);
    /* in the file's order when asked */
    gs_events_read_opts o = {.keep_file_order = 1};
    e = read_ok("{\"events\": ["
                "{\"id\": \"late\", \"type\": \"reduce_by\", \"start\": \"2024-07-16T19:00Z\", "
                "\"duration\": \"1h\", \"mw\": 1},"
                "{\"id\": \"early\", \"type\": \"reduce_by\", \"start\": \"2024-07-16T17:00Z\", "
                "\"duration\": \"1h\", \"mw\": 1}]}", &n, &o);
    assert_string_equal(e[0].id, "late");
    assert_string_equal(o.warning, "");
    free(e);
}

static void empty_list_reads_no_events(void **st)
{
    (void)st;
    size_t n = 7;
    gs_event *e = read_ok("{\"events\": []}", &n, NULL);
    assert_int_equal(n, 0);
    free(e);
    /* the plan/flex entry point needs one */
    gs_error err = {0};
    e = (gs_event *)1;
    gs_events_read_opts req = {.require_events = 1};
    assert_int_equal(gs_events_read(put("empty.json", "{\"events\": []}"), demo, &e, &n, &req,
                                    &err),
                     GS_EINPUT);
    assert_null(e);
    assert_string_equal(err.field, "events");
    assert_non_null(strstr(err.message, "non-empty list of events"));
}

/* ---- OpenADR 3 ------------------------------------------------------------------------ */

static void openadr_example_gives_one_event_per_interval(void **st)
{
    (void)st;
    gs_event *e = NULL;
    size_t n;
    gs_error err = {0};
    assert_int_equal(gs_events_read(src_path("examples/events/openadr_capacity_limit.json"), demo,
                                    &e, &n, NULL, &err), 0);
    assert_int_equal(n, 3);
    static const char *const ids[] = {"ercot-import-limit", "ercot-import-limit#1",
                                      "ercot-import-limit#2"};
    static const double mw[] = {30, 25, 30};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(e[i].id, ids[i]);
        assert_int_equal(e[i].kind, GS_PEV_REDUCE_TO);
        assert_int_equal(e[i].scope, GS_SCOPE_ZONE);
        assert_int_equal(e[i].scope_index, zone("ERCOT"));
        assert_int_equal(e[i].cls, GS_EVCLS_ALL);
        assert_int_equal(e[i].end_s - e[i].start_s, 3600);
        assert_int_equal(e[i].notice_s, 7200 + 3600 * (int64_t)i);
        assert_true(e[i].mw == mw[i]);
        if (i)
            assert_int_equal(e[i].start_s, e[i - 1].end_s);
    }
    free(e);
}

static void openadr_array_kw_and_class_target(void **st)
{
    (void)st;
    size_t n;
    gs_event *e = read_ok(
        "[{\"objectType\": \"EVENT\", \"eventName\": \"cap\", \"targets\": [\"site:ashburn\", "
        "\"class:inference\"], \"payloadDescriptors\": [{\"units\": \"KW\"}], \"intervalPeriod\": "
        "{\"start\": \"2024-07-16T17:00:00Z\", \"duration\": \"PT4H\"}, \"intervals\": [{\"id\": 0, "
        "\"payloads\": [{\"type\": \"IMPORT_CAPACITY_LIMIT\", \"values\": [15000]}]}]},"
        " {\"objectType\": \"EVENT\", \"eventName\": \"px\", \"intervalPeriod\": {\"start\": "
        "\"2024-07-16T12:00:00Z\", \"duration\": \"PT1H\"}, \"intervals\": [{\"id\": 0, "
        "\"payloads\": [{\"type\": \"PRICE\", \"values\": [900]}]}]}]", &n, NULL);
    assert_int_equal(n, 2);
    assert_string_equal(e[0].id, "px");
    assert_int_equal(e[0].kind, GS_PEV_PRICE);
    assert_true(e[0].price_usd_per_mwh == 900);
    assert_string_equal(e[1].id, "cap");
    assert_int_equal(e[1].scope, GS_SCOPE_SITE);
    assert_int_equal(e[1].scope_index, site("ashburn"));
    assert_int_equal(e[1].cls, GS_EVCLS_INFERENCE);
    assert_true(fabs(e[1].mw - 15) < 1e-12);
    free(e);
}

static void openadr_refusals_name_the_field(void **st)
{
    (void)st;
    const char *head = "{\"objectType\": \"EVENT\", \"intervalPeriod\": {\"start\": "
                       "\"2024-07-16T17:00:00Z\", \"duration\": \"PT1H\"}, ";
    char buf[1024];
    snprintf(buf, sizeof buf, "%s\"targets\": [\"ashburn\", \"class:gpu\"], \"intervals\": "
             "[{\"payloads\": [{\"type\": \"IMPORT_CAPACITY_LIMIT\", \"values\": [1]}]}]}", head);
    read_bad(buf, "targets[1]", "class:training or class:inference", "class:gpu", NULL);
    snprintf(buf, sizeof buf, "%s\"targets\": [\"ashburn\", \"iowa\"], \"intervals\": "
             "[{\"payloads\": [{\"type\": \"IMPORT_CAPACITY_LIMIT\", \"values\": [1]}]}]}", head);
    read_bad(buf, "targets[1]", "one site or zone target", "iowa", NULL);
    snprintf(buf, sizeof buf, "%s\"intervals\": [{\"payloads\": [{\"type\": \"SIMPLE\", "
             "\"values\": [1]}]}]}", head);
    read_bad(buf, "intervals[0].payloads[0].type", "IMPORT_CAPACITY_LIMIT", "SIMPLE", NULL);
    snprintf(buf, sizeof buf, "%s\"intervals\": [{\"payloads\": [{\"type\": "
             "\"IMPORT_CAPACITY_LIMIT\", \"values\": [-1]}]}]}", head);
    read_bad(buf, "intervals[0].payloads[0].values[0]", "at least 0 MW", "-1", NULL);
    snprintf(buf, sizeof buf, "%s\"intervals\": [{\"payloads\": [{\"type\": \"PRICE\", "
             "\"values\": [1e9]}]}]}", head);
    read_bad(buf, "intervals[0].payloads[0].values[0]", "1000000 USD/MWh", NULL);
    read_bad("{\"objectType\": \"EVENT\", \"intervals\": [{\"payloads\": [{\"type\": \"GS_PEAK\", "
             "\"values\": [1]}]}]}", "intervals[0].intervalPeriod", "expected a start", NULL);
    read_bad("[{\"objectType\": \"EVENT\", \"intervals\": []}]", "[0].intervals",
             "non-empty list of intervals", NULL);
    read_bad("[17]", "[0]", "OpenADR 3 EVENT object", NULL);
    /* the last interval ends after 9999 */
    read_bad("{\"intervalPeriod\": {\"start\": \"9999-12-31T23:00:00Z\", \"duration\": \"PT1H\"}, "
             "\"intervals\": [{\"payloads\": [{\"type\": \"GS_PEAK\", \"values\": [1]}]}]}",
             "intervals[0].intervalPeriod", "0001 to 9999", NULL);
    /* announced before year 1 */
    read_bad("{\"createdDateTime\": \"0001-01-01T00:00:00Z\", \"intervalPeriod\": {\"start\": "
             "\"0200-01-01T00:00:00Z\", \"duration\": \"PT1H\"}, \"intervals\": [{\"payloads\": "
             "[{\"type\": \"GS_PEAK\", \"values\": [1]}]}]}", "createdDateTime", "100 years", NULL);
}

/* ---- the old route-cap form ----------------------------------------------------------- */

static void route_cap_form_is_read_as_inference_reduce_to_with_a_warning(void **st)
{
    (void)st;
    const char *path = src_path("tests/events/old_route_cap.json");
    gs_events_read_opts o;
    memset(&o, 'x', sizeof o);
    o.keep_file_order = 0;
    o.allow_overlap = 0;
    gs_event *e = NULL;
    size_t n;
    gs_error err = {0};
    assert_int_equal(gs_events_read(path, demo, &e, &n, &o, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(e[0].id, "pjm-dom-peak-2024-07-16");
    assert_int_equal(e[0].kind, GS_PEV_REDUCE_TO);
    assert_int_equal(e[0].scope, GS_SCOPE_SITE);
    assert_int_equal(e[0].scope_index, site("ashburn"));
    assert_int_equal(e[0].cls, GS_EVCLS_INFERENCE);
    assert_true(e[0].mw == 15);
    assert_int_equal(e[0].notice_s, 0);
    assert_int_equal(e[0].ramp_s, 0);
    char want[2048];
    snprintf(want, sizeof want,
             "%s: events[0]: the old route-cap form {id, site, from, to, cap_mw} is read as a "
             "reduce_to on the site's inference load; the one event form (docs/events.md) is: "
             "{\"id\": \"pjm-dom-peak-2024-07-16\", \"type\": \"reduce_to\", \"site\": "
             "\"ashburn\", \"class\": \"inference\", \"start\": \"2024-07-16T17:00Z\", \"end\": "
             "\"2024-07-16T21:00Z\", \"mw\": 15}", path);
    assert_string_equal(o.warning, want);
    free(e);
    /* several: the first is shown, the others counted */
    e = read_ok("{\"events\": ["
                "{\"id\": \"x\", \"site\": \"ashburn\", \"from\": \"2024-07-16\", \"to\": "
                "\"2024-07-17\", \"cap_mw\": 12.5},"
                "{\"id\": \"y\", \"site\": \"frankfurt\", \"from\": \"2024-07-16\", \"to\": "
                "\"2024-07-17\", \"cap_mw\": 3},"
                "{\"id\": \"z\", \"site\": \"singapore\", \"from\": \"2024-07-16\", \"to\": "
                "\"2024-07-17\", \"cap_mw\": 3}]}", &n, &o);
    assert_int_equal(n, 3);
    assert_non_null(strstr(o.warning, "\"mw\": 12.5}"));
    assert_non_null(strstr(o.warning, "(and 2 more events in the old form)"));
    free(e);
}

static void route_cap_form_keeps_its_messages(void **st)
{
    (void)st;
    read_bad("{\"events\": [{\"id\": \"x\", \"site\": \"nowhere\", \"from\": \"2024-07-16\", "
             "\"to\": \"2024-07-17\", \"cap_mw\": 1}]}", "events[0].site", "expected a site",
             "nowhere", NULL);
    read_bad("{\"events\": [{\"id\": \"x\", \"site\": \"ashburn\", \"from\": \"2024-07-16\", "
             "\"to\": \"2024-07-17\", \"cap_mw\": -1}]}", "events[0].cap_mw", ">= 0", NULL);
    read_bad("{\"events\": [{\"id\": \"x\", \"site\": \"ashburn\", \"from\": \"2024-07-16\", "
             "\"to\": \"2024-07-17\", \"cap_mw\": 1, \"cpa_mw\": 2}]}", "events[0].cpa_mw",
             "unknown key", NULL);
    read_bad("{\"events\": [{\"id\": \"x\", \"site\": \"ashburn\", \"from\": \"2024-07-16\", "
             "\"to\": \"2024-07-17\"}]}", "events[0].cap_mw", "missing", NULL);
    read_bad("{\"events\": [{\"id\": \"x\", \"site\": \"ashburn\", \"from\": \"2024-07-17\", "
             "\"to\": \"2024-07-16\", \"cap_mw\": 1}]}", "events[0].to", "after 'from'", NULL);
    read_bad("{\"events\": [{\"id\": \"x\", \"site\": \"ashburn\", \"from\": \"July\", "
             "\"to\": \"2024-07-16\", \"cap_mw\": 1}]}", "events[0].from", "ISO 8601", "July",
             NULL);
    read_bad("{\"events\": [{\"id\": \"x\", \"site\": \"ashburn\", \"from\": \"2024-07-16\", "
             "\"to\": \"2024-07-17\", \"cap_mw\": 1e9}]}", "events[0].cap_mw", "1000000 MW",
             NULL);
}

static void route_caps_from_both_forms_are_the_same(void **st)
{
    (void)st;
    gs_route_cap *a = NULL, *b = NULL, *c = NULL;
    size_t na, nb, nc;
    gs_error err = {0};
    const char *old_path = src_path("tests/events/old_route_cap.json");
    assert_int_equal(gs_route_caps_read(old_path, demo, &a, &na, NULL, &err), 0);
    gs_events_read_opts o = {0};
    assert_int_equal(gs_route_caps_read(old_path, demo, &c, &nc, &o, &err), 0);
    assert_non_null(strstr(o.warning, "old route-cap form"));
    assert_int_equal(gs_route_caps_read(
                         put("new.json", "{\"id\": \"pjm-dom-peak-2024-07-16\", \"type\": "
                             "\"reduce_to\", \"site\": \"ashburn\", \"class\": \"inference\", "
                             "\"start\": \"2024-07-16T17:00Z\", \"end\": \"2024-07-16T21:00Z\", "
                             "\"mw\": 15}"), demo, &b, &nb, &o, &err), 0);
    assert_string_equal(o.warning, "");
    assert_int_equal(na, 1);
    assert_int_equal(nb, 1);
    assert_int_equal(nc, 1);
    assert_memory_equal(a, b, sizeof *a);
    assert_memory_equal(a, c, sizeof *a);
    assert_int_equal(a[0].site, site("ashburn"));
    assert_true(a[0].mw == 15);
    assert_int_equal(a[0].to_s - a[0].from_s, 4 * 3600);
    free(a);
    free(b);
    free(c);
    /* route keeps the file's order and allows overlapping caps (the lowest applies) */
    assert_int_equal(gs_route_caps_read(
                         put("two.json", "{\"events\": ["
                             "{\"id\": \"late\", \"site\": \"ashburn\", \"from\": \"2024-07-16T18:00Z\", "
                             "\"to\": \"2024-07-16T20:00Z\", \"cap_mw\": 10},"
                             "{\"id\": \"early\", \"site\": \"ashburn\", \"from\": \"2024-07-16T17:00Z\", "
                             "\"to\": \"2024-07-16T21:00Z\", \"cap_mw\": 15}]}"),
                         demo, &a, &na, NULL, &err), 0);
    assert_int_equal(na, 2);
    assert_string_equal(a[0].id, "late");
    free(a);
    /* empty: no caps */
    assert_int_equal(gs_route_caps_read(put("none.json", "{\"events\": []}"), demo, &a, &na,
                                        NULL, &err), 0);
    assert_int_equal(na, 0);
    free(a);
}

/* A native event run through route's reader; expect its refusal. */
static void route_bad(const gs_fleet *f, const char *ev, const char *field, const char *w1,
                      const char *w2)
{
    gs_route_cap *caps = (gs_route_cap *)1;
    size_t n = 5;
    gs_error err = {0};
    const char *path = put("route.json", ev);
    int rc = gs_route_caps_read(path, f, &caps, &n, NULL, &err);
    char msg[2048];
    full_message(&err, msg, sizeof msg);
    if (rc != GS_EINPUT)
        fail_msg("expected route to refuse %s: %d %s", ev, rc, msg);
    assert_null(caps);
    assert_int_equal(n, 0);
    assert_non_null(strstr(msg, path));
    if (strcmp(err.field, field))
        fail_msg("expected field '%s', got '%s': %s", field, err.field, msg);
    if (!strstr(msg, w1) || (w2 && !strstr(msg, w2)))
        fail_msg("message lacks '%s' / '%s': %s", w1, w2 ? w2 : "", msg);
}

static void route_takes_reduce_to_on_a_sites_inference_and_refuses_the_rest(void **st)
{
    (void)st;
    const char *win = "\"start\": \"2024-07-16T17:00Z\", \"end\": \"2024-07-16T21:00Z\"";
    char buf[512];
    /* class all at a site running only inference: a cap; the ramp delays it */
    snprintf(buf, sizeof buf, "{\"id\": \"c\", \"type\": \"reduce_to\", \"site\": \"ashburn\", "
             "\"ramp\": \"15min\", %s, \"mw\": 15}", win);
    gs_route_cap *caps = NULL;
    size_t n;
    gs_error err = {0};
    assert_int_equal(gs_route_caps_read(put("r.json", buf), demo, &caps, &n, NULL, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(caps[0].to_s - caps[0].from_s, 4 * 3600 - 900);
    free(caps);
    snprintf(buf, sizeof buf, "{\"id\": \"c\", \"type\": \"reduce_by\", \"site\": \"ashburn\", "
             "%s, \"mw\": 15}", win);
    route_bad(demo, buf, "type", "event 'c'", "found type reduce_by");
    snprintf(buf, sizeof buf, "{\"id\": \"c\", \"type\": \"reduce_to\", \"zone\": \"PJM-DOM\", "
             "%s, \"mw\": 15}", win);
    route_bad(demo, buf, "zone", "expected a site", "zone 'PJM-DOM'");
    snprintf(buf, sizeof buf, "{\"id\": \"c\", \"type\": \"reduce_to\", %s, \"mw\": 15}", win);
    route_bad(demo, buf, "site", "expected a site", "the whole fleet");
    snprintf(buf, sizeof buf, "{\"id\": \"c\", \"type\": \"reduce_to\", \"site\": \"ashburn\", "
             "\"class\": \"training\", %s, \"mw\": 15}", win);
    route_bad(demo, buf, "class", "routing only moves inference", "found class training");
    snprintf(buf, sizeof buf, "{\"id\": \"c\", \"type\": \"reduce_to\", \"site\": \"west-texas\", "
             "%s, \"mw\": 15}", win);
    route_bad(demo, buf, "class", "\"class\": \"inference\"", "routing only moves inference");
    snprintf(buf, sizeof buf, "{\"id\": \"c\", \"type\": \"reduce_to\", \"site\": \"ashburn\", "
             "\"shed_inference\": true, %s, \"mw\": 15}", win);
    route_bad(demo, buf, "shed_inference", "expected no shed_inference", NULL);
    snprintf(buf, sizeof buf, "{\"id\": \"c\", \"type\": \"reduce_to\", \"site\": \"ashburn\", "
             "\"ramp\": \"4h\", %s, \"mw\": 15}", win);
    route_bad(demo, buf, "ramp", "shorter than the event", "never apply");
    /* a site with both classes: class all refused, class inference a cap */
    gs_fleet mixed = *demo;
    gs_cluster *cl = malloc(demo->nclusters * sizeof *cl);
    assert_non_null(cl);
    memcpy(cl, demo->clusters, demo->nclusters * sizeof *cl);
    for (size_t i = 0; i < demo->nclusters; i++)
        if (cl[i].site == site("frankfurt"))
            cl[i].cls = GS_TRAINING, cl[i].site = site("ashburn");
    mixed.clusters = cl;
    assert_int_equal(gs_site_has_training(&mixed, site("ashburn")), 1);
    assert_int_equal(gs_site_has_training(demo, site("ashburn")), 0);
    snprintf(buf, sizeof buf, "{\"id\": \"c\", \"type\": \"reduce_to\", \"site\": \"ashburn\", "
             "%s, \"mw\": 15}", win);
    route_bad(&mixed, buf, "class", "site 'ashburn' runs training", "\"class\": \"inference\"");
    snprintf(buf, sizeof buf, "{\"id\": \"c\", \"type\": \"reduce_to\", \"site\": \"ashburn\", "
             "\"class\": \"inference\", %s, \"mw\": 15}", win);
    assert_int_equal(gs_route_caps_read(put("r.json", buf), &mixed, &caps, &n, NULL, &err), 0);
    free(caps);
    free(cl);
}

/* ---- the reader's refusals ------------------------------------------------------------ */

static void every_refusal_names_file_field_and_value(void **st)
{
    (void)st;
#define BASE "\"type\": \"reduce_by\", \"site\": \"west-texas\", \"start\": \"2024-01-20T19:00Z\""
    read_bad("{" BASE ", \"duration\": \"3h\", \"mw\": 10, \"colour\": 1}", "colour",
             "unknown key", "colour", NULL);
    read_bad("{" BASE ", \"from\": \"2024-01-20T19:00Z\", \"duration\": \"3h\", \"mw\": 10}",
             "from", "unknown key", "old route-cap form: write start, end and mw", NULL);
    read_bad("{\"type\": \"cut\", \"start\": \"2024-01-20T19:00Z\", \"duration\": \"3h\", "
             "\"mw\": 1}", "type", "reduce_to, reduce_by", "\"cut\"", NULL);
    read_bad("{\"type\": \"reduce_by\", \"site\": \"atlantis\", \"start\": \"2024-01-20T19:00Z\", "
             "\"duration\": \"3h\", \"mw\": 1}", "site", "expected a site", "'atlantis'", NULL);
    read_bad("{\"type\": \"reduce_to\", \"zone\": \"NOWHERE\", \"start\": \"2024-01-20T19:00Z\", "
             "\"duration\": \"3h\", \"mw\": 1}", "zone", "found 'NOWHERE'", NULL);
    read_bad("{" BASE ", \"zone\": \"ERCOT\", \"duration\": \"3h\", \"mw\": 1}", "zone",
             "either site or zone", NULL);
    read_bad("{" BASE ", \"class\": \"gpu\", \"duration\": \"3h\", \"mw\": 1}", "class",
             "training or inference", "\"gpu\"", NULL);
    read_bad("{" BASE ", \"duration\": \"3h\", \"mw\": -5}", "mw", "at least 0 MW", "found -5",
             NULL);
    read_bad("{" BASE ", \"duration\": \"3h\", \"mw\": \"5\"}", "mw", "number of MW", NULL);
    read_bad("{" BASE ", \"duration\": \"3h\"}", "mw", "number of MW", "nothing", NULL);
    read_bad("{" BASE ", \"duration\": \"3 parsecs\", \"mw\": 1}", "duration", "3 parsecs",
             "100 years", NULL);
    read_bad("{" BASE ", \"duration\": \"3h\", \"end\": \"2024-01-20T22:00Z\", \"mw\": 1}",
             "duration", "either end or duration", NULL);
    read_bad("{" BASE ", \"mw\": 1}", "end", "an end time or a duration", NULL);
    read_bad("{" BASE ", \"end\": \"2024-01-20T18:00Z\", \"mw\": 1}", "end", "after the start",
             NULL);
    read_bad("{" BASE ", \"duration\": 0, \"mw\": 1}", "duration", "after the start", NULL);
    read_bad("{" BASE ", \"duration\": -60, \"mw\": 1}", "duration", "at least 0", NULL);
    read_bad("{" BASE ", \"duration\": \"3h\", \"ramp\": 4e9, \"mw\": 1}", "ramp", "100 years",
             "found 4e+09", NULL);
    read_bad("{" BASE ", \"duration\": \"3h\", \"notice\": \"200000d\", \"mw\": 1}", "notice",
             "at most 100 years", NULL);
    read_bad("{\"type\": \"reduce_by\", \"start\": \"Monday\", \"duration\": \"3h\", \"mw\": 1}",
             "start", "ISO 8601", "Monday", NULL);
    read_bad("{\"type\": \"reduce_by\", \"start\": \"0000-06-01\", \"duration\": \"3h\", "
             "\"mw\": 1}", "start", "years 0001 to 9999", NULL);
    read_bad("{\"type\": \"reduce_by\", \"start\": \"9999-12-31T22:00Z\", \"duration\": \"3h\", "
             "\"mw\": 1}", "duration", "0001 to 9999", NULL);
    read_bad("{\"type\": \"reduce_by\", \"start\": \"0002-01-01\", \"notice\": \"100w\", "
             "\"duration\": \"3h\", \"mw\": 1}", "notice", "start - notice", NULL);
    read_bad("{\"type\": \"price\", \"start\": \"2024-01-20T19:00Z\", \"duration\": \"3h\", "
             "\"price_usd_per_mwh\": 2e6}", "price_usd_per_mwh", "1000000 USD/MWh", NULL);
    read_bad("{\"type\": \"price\", \"start\": \"2024-01-20T19:00Z\", \"duration\": \"3h\"}",
             "price_usd_per_mwh", "a price in USD/MWh", NULL);
    read_bad("{" BASE ", \"duration\": \"3h\", \"mw\": 1, \"shed_inference\": \"yes\"}",
             "shed_inference", "true or false", NULL);
    read_bad("{" BASE ", \"class\": \"training\", \"duration\": \"3h\", \"mw\": 1, "
             "\"shed_inference\": true}", "shed_inference", "training load only", NULL);
    read_bad("{" BASE ", \"id\": 7, \"duration\": \"3h\", \"mw\": 1}", "id", "a name", NULL);
    read_bad("{\"events\": [17]}", "events[0]", "an event object", NULL);
    read_bad("{\"events\": {}}", "events", "a list of events", NULL);
    read_bad("{\"events\": [], \"more\": 1}", "events", "no other key", NULL);
    read_bad("{" BASE ", \"duration\": \"3h\", \"mw\": 10", NULL, "", NULL); /* syntax */
    read_bad("", NULL, "", NULL);
    /* overlap over meeting scopes, in any order of the file */
    read_bad("{\"events\": [{\"id\": \"b\", \"type\": \"reduce_by\", \"zone\": \"ERCOT\", "
             "\"start\": \"2024-01-20T21:00Z\", \"end\": \"2024-01-20T23:00Z\", \"mw\": 5}, "
             "{\"id\": \"a\", " BASE ", \"duration\": \"3h\", \"mw\": 10}]}", "b", "overlap",
             "'b' starting at 2024-01-20T21:00:00Z before 'a' ends at 2024-01-20T22:00:00Z", NULL);
#undef BASE
}

static void overlap_follows_scopes_and_classes(void **st)
{
    (void)st;
    size_t n;
    /* the same site, different classes: no overlap; two sites of one zone: none either */
    gs_event *e = read_ok(
        "{\"events\": ["
        "{\"id\": \"t\", \"type\": \"reduce_by\", \"site\": \"ashburn\", \"class\": \"training\", "
        "\"start\": \"2024-01-20T19:00Z\", \"duration\": \"3h\", \"mw\": 1},"
        "{\"id\": \"i\", \"type\": \"reduce_by\", \"site\": \"ashburn\", \"class\": \"inference\", "
        "\"start\": \"2024-01-20T19:00Z\", \"duration\": \"3h\", \"mw\": 1},"
        "{\"id\": \"f\", \"type\": \"reduce_by\", \"site\": \"frankfurt\", "
        "\"start\": \"2024-01-20T19:00Z\", \"duration\": \"3h\", \"mw\": 1},"
        "{\"id\": \"next\", \"type\": \"reduce_by\", "
        "\"start\": \"2024-01-20T22:00Z\", \"duration\": \"3h\", \"mw\": 1}]}", &n, NULL);
    assert_int_equal(n, 4);
    free(e);
    /* all load and one class at one site meet */
    read_bad("{\"events\": ["
             "{\"id\": \"all\", \"type\": \"reduce_by\", \"site\": \"ashburn\", "
             "\"start\": \"2024-01-20T19:00Z\", \"duration\": \"3h\", \"mw\": 1},"
             "{\"id\": \"inf\", \"type\": \"reduce_by\", \"site\": \"ashburn\", \"class\": "
             "\"inference\", \"start\": \"2024-01-20T21:59Z\", \"duration\": \"3h\", \"mw\": 1}]}",
             "inf", "'inf'", "'all'", NULL);
    /* the fleet meets a site; found however far apart in the file and in time order */
    read_bad("{\"events\": ["
             "{\"id\": \"long\", \"type\": \"reduce_by\", \"site\": \"iowa\", "
             "\"start\": \"2024-01-20T00:00Z\", \"duration\": \"2d\", \"mw\": 1},"
             "{\"id\": \"s1\", \"type\": \"reduce_by\", \"site\": \"quebec\", "
             "\"start\": \"2024-01-20T01:00Z\", \"duration\": \"1h\", \"mw\": 1},"
             "{\"id\": \"s2\", \"type\": \"reduce_by\", \"site\": \"ashburn\", "
             "\"start\": \"2024-01-20T02:00Z\", \"duration\": \"1h\", \"mw\": 1},"
             "{\"id\": \"z\", \"type\": \"reduce_by\", \"zone\": \"MISO-LRZ3\", "
             "\"start\": \"2024-01-21T02:00Z\", \"duration\": \"1h\", \"mw\": 1}]}",
             "z", "'z'", "'long'", NULL);
    /* allowed on request */
    gs_events_read_opts o = {.allow_overlap = 1};
    e = read_ok("{\"events\": ["
                "{\"id\": \"a\", \"type\": \"reduce_to\", \"site\": \"ashburn\", "
                "\"start\": \"2024-01-20T19:00Z\", \"duration\": \"3h\", \"mw\": 1},"
                "{\"id\": \"b\", \"type\": \"reduce_to\", \"site\": \"ashburn\", "
                "\"start\": \"2024-01-20T20:00Z\", \"duration\": \"3h\", \"mw\": 2}]}", &n, &o);
    assert_int_equal(n, 2);
    free(e);
}

static void missing_file_and_directory_are_bad_input(void **st)
{
    (void)st;
    gs_event *e = (gs_event *)1;
    size_t n = 3;
    gs_error err = {0};
    char path[1024], msg[2048];
    snprintf(path, sizeof path, "%s/no-such-events.json", tmpdir);
    assert_int_equal(gs_events_read(path, demo, &e, &n, NULL, &err), GS_EINPUT);
    assert_null(e);
    full_message(&err, msg, sizeof msg);
    char want[1200];
    snprintf(want, sizeof want, "%s: no such file", path);
    assert_string_equal(msg, want);
    memset(&err, 0, sizeof err);
    assert_int_equal(gs_events_read(tmpdir, demo, &e, &n, NULL, &err), GS_EINPUT);
    full_message(&err, msg, sizeof msg);
    snprintf(want, sizeof want, "%s: is a directory", tmpdir);
    assert_string_equal(msg, want);
    /* the kept entry points too */
    gs_route_cap *c = NULL;
    memset(&err, 0, sizeof err);
    assert_int_equal(gs_route_caps_read(path, demo, &c, &n, NULL, &err), GS_EINPUT);
    assert_int_equal(gs_exit_code(gs_events_read(tmpdir, demo, &e, &n, NULL, &err)), 2);
}

/* ---- the fuzz findings ---------------------------------------------------------------- */

static void fuzz(const char *name, const char *field, const char *w1, const char *w2)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fuzz/%s", env_or("GS_SRC", "."), name);
    gs_event *e = (gs_event *)1;
    size_t n = 3;
    gs_error err = {0};
    int rc = gs_events_read(path, demo, &e, &n, NULL, &err);
    char msg[2048];
    full_message(&err, msg, sizeof msg);
    if (rc != GS_EINPUT)
        fail_msg("%s: expected bad input, got %d: %s", name, rc, msg);
    assert_null(e);
    assert_non_null(strstr(msg, path));
    if (strcmp(err.field, field))
        fail_msg("%s: expected field '%s', got '%s': %s", name, field, err.field, msg);
    if (!strstr(msg, w1) || !strstr(msg, w2))
        fail_msg("%s: message lacks '%s' or '%s': %s", name, w1, w2, msg);
}

static void fuzz_findings_are_refused_at_their_limit(void **st)
{
    (void)st;
    fuzz("event_start_overflow.json", "events[0].duration", "'3e30'", "100 years");
    fuzz("event_openadr_duration_overflow.json", "intervalPeriod.duration",
         "'9.2233720368547e18s'", "100 years");
    fuzz("event_notice_1e308d.json", "notice", "'1e308d'", "100 years");
    fuzz("event_mw_1e303.json", "mw", "at most 1000000 MW", "1e+303");
    /* the same limits on the numeric forms */
    read_bad("{\"events\":[{\"type\":\"reduce_by\",\"start\":\"1012-01-20\",\"duration\":3e30,"
             "\"mw\":1}]}", "events[0].duration", "at most 100 years", "3e+30", NULL);
    read_bad("{\"intervals\":[{\"payloads\":[{\"type\":\"GS_PEAK\",\"values\":[1]}]}],"
             "\"intervalPeriod\":{\"start\":\"2024-01-01\",\"duration\":9.2233720368547e18}}",
             "intervalPeriod.duration", "at most 100 years", NULL);
    read_bad("{\"type\":\"reduce_by\",\"start\":\"2024-01-20T19:00Z\",\"duration\":\"3h\","
             "\"notice\":9.2e18,\"mw\":5}", "notice", "at most 100 years", NULL);
    read_bad("{\"objectType\": \"EVENT\", \"payloadDescriptors\": [{\"units\": \"KW\"}], "
             "\"intervalPeriod\": {\"start\": \"2024-07-16T17:00:00Z\", \"duration\": \"PT1H\"}, "
             "\"intervals\": [{\"payloads\": [{\"type\": \"GS_REDUCE_BY\", \"values\": [1e303]}]}]}",
             "intervals[0].payloads[0].values[0]", "1000000 MW", "KW", NULL);
}

/* ---- many intervals ------------------------------------------------------------------- */

/* An OpenADR event of n one-hour intervals from 2024-01-01; same_start: every interval says
 * it starts then (they all overlap). */
static const char *many_intervals(size_t n, int same_start)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/many.json", tmpdir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("{\"objectType\": \"EVENT\", \"eventName\": \"many\", \"targets\": [\"ERCOT\"], "
          "\"intervalPeriod\": {\"start\": \"2024-01-01T00:00:00Z\", \"duration\": \"PT1H\"}, "
          "\"intervals\": [", fp);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "%s{\"id\": %zu, %s\"payloads\": [{\"type\": \"IMPORT_CAPACITY_LIMIT\", "
                    "\"values\": [%zu]}]}", i ? "," : "", i,
                same_start ? "\"intervalPeriod\": {\"start\": \"2024-01-01T00:00:00Z\"}, " : "",
                i % 50);
    fputs("]}\n", fp);
    fclose(fp);
    return path;
}

static void hundred_thousand_intervals_read_and_one_more_refused(void **st)
{
    (void)st;
    gs_event *e = NULL;
    size_t n = 0;
    gs_error err = {0};
    assert_int_equal(gs_events_read(many_intervals(GS_EVENTS_MAX, 0), demo, &e, &n, NULL, &err), 0);
    assert_int_equal(n, GS_EVENTS_MAX);
    assert_string_equal(e[99999].id, "many#99999");
    assert_int_equal(e[99999].start_s - e[0].start_s, (int64_t)99999 * 3600);
    for (size_t i = 1; i < n; i++)
        assert_true(e[i].start_s == e[i - 1].end_s);
    free(e);
    /* all at once: the overlap is found (a sweep, not every pair) */
    memset(&err, 0, sizeof err);
    assert_int_equal(gs_events_read(many_intervals(GS_EVENTS_MAX, 1), demo, &e, &n, NULL, &err),
                     GS_EINPUT);
    assert_string_equal(err.field, "many#1");
    assert_non_null(strstr(err.message, "overlap"));
    /* one more than the limit */
    memset(&err, 0, sizeof err);
    assert_int_equal(gs_events_read(many_intervals(GS_EVENTS_MAX + 1, 0), demo, &e, &n, NULL,
                                    &err), GS_EINPUT);
    assert_string_equal(err.field, "intervals");
    assert_non_null(strstr(err.message, "at most 100000 intervals"));
    assert_non_null(strstr(err.message, "100001"));
}

/* ---- determinism ---------------------------------------------------------------------- */

static void same_file_same_events(void **st)
{
    (void)st;
    const char *files[] = {"examples/events/openadr_capacity_limit.json",
                           "examples/events/reduce_by_site.json", "examples/events/price_spike.json",
                           "examples/events/reserve_deploy.json", "examples/events/ashburn_cap.json",
                           "tests/events/old_route_cap.json"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        gs_event *a = NULL, *b = NULL;
        size_t na, nb;
        gs_error err = {0};
        assert_int_equal(gs_events_read(src_path(files[k]), demo, &a, &na, NULL, &err), 0);
        assert_int_equal(gs_events_read(src_path(files[k]), demo, &b, &nb, NULL, &err), 0);
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na * sizeof *a);
        for (size_t i = 0; i < na; i++)
            assert_int_equal(gs_event_validate(&a[i], demo, &err), 0);
        free(a);
        free(b);
    }
}

/* ---- the model ------------------------------------------------------------------------ */

static void validate_checks_every_limit_without_overflow(void **st)
{
    (void)st;
    gs_event ok;
    memset(&ok, 0, sizeof ok);
    snprintf(ok.id, sizeof ok.id, "e");
    ok.kind = GS_PEV_REDUCE_BY;
    ok.start_s = 1700000000;
    ok.end_s = ok.start_s + 3600;
    ok.mw = 1;
    gs_error err = {0};
    assert_int_equal(gs_event_validate(&ok, demo, &err), 0);
    assert_int_equal(gs_event_validate(&ok, NULL, &err), 0);
    struct {
        const char *field;
        gs_event ev;
    } bad[32];
    size_t nb = 0;
#define BAD(f, stmt) do { bad[nb].field = f; bad[nb].ev = ok; gs_event *e = &bad[nb++].ev; stmt; } while (0)
    BAD("type", e->kind = 0);
    BAD("type", e->kind = 9);
    BAD("site", (e->scope = GS_SCOPE_SITE, e->scope_index = (int)demo->nsites));
    BAD("zone", (e->scope = GS_SCOPE_ZONE, e->scope_index = -1));
    BAD("class", e->cls = 3);
    BAD("start", e->start_s = INT64_MIN);
    BAD("end", e->end_s = INT64_MAX);
    BAD("end", e->end_s = e->start_s);
    BAD("notice", e->notice_s = INT64_MAX);
    BAD("notice", e->notice_s = -1);
    BAD("notice", (e->start_s = GS_EVENT_TIME_MIN_S, e->end_s = e->start_s + 1, e->notice_s = 1));
    BAD("ramp", e->ramp_s = INT64_MIN);
    BAD("mw", e->mw = NAN);
    BAD("mw", e->mw = INFINITY);
    BAD("mw", e->mw = -0.5);
    BAD("mw", e->mw = 1e303);
    BAD("price_usd_per_mwh", (e->kind = GS_PEV_PRICE, e->price_usd_per_mwh = -INFINITY));
    BAD("price_usd_per_mwh", (e->kind = GS_PEV_PRICE, e->price_usd_per_mwh = 1e7));
    BAD("shed_inference", (e->cls = GS_EVCLS_TRAINING, e->asks_inference_shed = 1));
#undef BAD
    for (size_t i = 0; i < nb; i++) {
        memset(&err, 0, sizeof err);
        assert_int_equal(gs_event_validate(&bad[i].ev, demo, &err), GS_EINPUT);
        if (strcmp(err.field, bad[i].field))
            fail_msg("case %zu: expected field '%s', got '%s': %s", i, bad[i].field, err.field,
                     err.message);
        assert_string_equal(err.file, "");
    }
    /* the limits themselves are accepted */
    gs_event edge = ok;
    edge.start_s = GS_EVENT_TIME_MIN_S + GS_EVENT_DURATION_MAX_S;
    edge.notice_s = GS_EVENT_DURATION_MAX_S;
    edge.end_s = GS_EVENT_TIME_MAX_S;
    edge.ramp_s = GS_EVENT_DURATION_MAX_S;
    edge.mw = GS_EVENT_MAX_MW;
    assert_int_equal(gs_event_validate(&edge, demo, &err), 0);
    /* a price event's mw is not looked at */
    edge.kind = GS_PEV_PRICE;
    edge.mw = NAN;
    edge.price_usd_per_mwh = -GS_EVENT_MAX_PRICE_USD_PER_MWH;
    assert_int_equal(gs_event_validate(&edge, demo, &err), 0);
}

static void names_and_classes(void **st)
{
    (void)st;
    static const char *const names[] = {"reduce_to", "reduce_by", "price", "peak", "reserve_deploy"};
    for (int k = 1; k <= 5; k++) {
        assert_string_equal(gs_plan_event_kind_name((gs_plan_event_kind)k), names[k - 1]);
        assert_int_equal(gs_plan_event_kind_parse(names[k - 1]), k);
    }
    assert_string_equal(gs_plan_event_kind_name((gs_plan_event_kind)0), "?");
    assert_int_equal(gs_plan_event_kind_parse("reduce"), -1);
    assert_int_equal(gs_plan_event_kind_parse(NULL), -1);
    assert_string_equal(gs_event_class_name(GS_EVCLS_ALL), "all");
    assert_string_equal(gs_event_class_name(GS_EVCLS_INFERENCE), "inference");
    assert_string_equal(gs_event_class_name(GS_EVCLS_TRAINING), "training");
    gs_event ev;
    memset(&ev, 0, sizeof ev); /* zero: all load */
    assert_true(gs_event_covers_class(&ev, GS_TRAINING) && gs_event_covers_class(&ev, GS_INFERENCE));
    ev.cls = gs_event_class_of(GS_INFERENCE);
    assert_true(!gs_event_covers_class(&ev, GS_TRAINING) && gs_event_covers_class(&ev, GS_INFERENCE));
}

/* ---- the planner and the class scope -------------------------------------------------- */

static const gs_gpu H100 = {"H100", 700, 72, 575, 150, "test"};

static void planner_takes_only_the_events_class(void **st)
{
    (void)st;
    gs_plan_job jobs[3];
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < 2; i++) {
        gs_plan_job *j = &jobs[i];
        snprintf(j->id, sizeof j->id, "run-%d", i);
        j->cls = GS_TRAINING;
        j->run = i;
        j->gpu = &H100;
        j->utilisation = 0.9;
        j->pue = 1.2;
        j->curve = gs_capcurve_builtin("pretraining");
        j->flex.gpus = 4096;
        j->flex.usd_per_gpu_hour = 2;
        j->flex.length_s = 28 * 86400.0;
        j->flex.tier = 0.75;
        j->flex.deadline_margin_s = INFINITY;
        j->next_ckpt_s = -1;
        j->power_mw = j->flex.gpus * gs_gpu_power_w(&H100, j->utilisation) * j->pue * 1e-6;
    }
    gs_plan_job *inf = &jobs[2];
    snprintf(inf->id, sizeof inf->id, "chat");
    inf->cls = GS_INFERENCE;
    inf->run = -1;
    inf->power_mw = 5;
    inf->requests_per_s = 20000;
    inf->flex.tier = 1;
    inf->next_ckpt_s = -1;
    double site_mw[1] = {jobs[0].power_mw + jobs[1].power_mw + 5 + 0.7}; /* + idle GPUs */
    int site_zone[1] = {0};
    gs_plan_state s = {3, jobs, 1, site_mw, site_zone};
    gs_policy pol;
    gs_policy_default(GS_POLICY_COMPLY, &pol);
    pol.allow_inference_shed = 1;
    gs_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.id, sizeof ev.id, "ev");
    ev.kind = GS_PEV_REDUCE_TO;
    ev.scope = GS_SCOPE_SITE;
    ev.start_s = 1700000000;
    ev.end_s = ev.start_s + 3600;
    ev.notice_s = 3600;
    ev.mw = 3;
    gs_plan p;
    gs_error err = {0};
    /* inference only: the baseline is the inference job, the target takes 2 MW off it */
    ev.cls = GS_EVCLS_INFERENCE;
    assert_int_equal(gs_plan_make(&s, &ev, &pol, &p, &err), 0);
    assert_int_equal(p.nentries, 1);
    assert_int_equal(p.entries[0].job, 2);
    assert_true(fabs(p.baseline_mw - 5) < 1e-12);
    assert_true(fabs(p.target_mw - 2) < 1e-12);
    assert_true(p.achieved_mw >= 2 - 1e-9);
    assert_true(p.shortfall_mw == 0);
    gs_plan_free(&p);
    /* training only: the two runs */
    ev.cls = GS_EVCLS_TRAINING;
    ev.kind = GS_PEV_REDUCE_BY;
    ev.mw = 1;
    assert_int_equal(gs_plan_make(&s, &ev, &pol, &p, &err), 0);
    assert_int_equal(p.nentries, 2);
    assert_int_equal(p.entries[0].job, 0);
    assert_int_equal(p.entries[1].job, 1);
    assert_true(fabs(p.baseline_mw - (jobs[0].power_mw + jobs[1].power_mw)) < 1e-9);
    gs_plan_free(&p);
    /* all load: every job, the site's load as before */
    ev.cls = GS_EVCLS_ALL;
    assert_int_equal(gs_plan_make(&s, &ev, &pol, &p, &err), 0);
    assert_int_equal(p.nentries, 3);
    assert_true(p.baseline_mw == site_mw[0]);
    gs_plan_free(&p);
    ev.cls = 7;
    assert_int_equal(gs_plan_make(&s, &ev, &pol, &p, &err), GS_EINPUT);
    assert_string_equal(err.field, "class");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(native_one_object_reads_every_field),
        cmocka_unit_test(native_list_in_time_order_with_class_scope),
        cmocka_unit_test(empty_list_reads_no_events),
        cmocka_unit_test(openadr_example_gives_one_event_per_interval),
        cmocka_unit_test(openadr_array_kw_and_class_target),
        cmocka_unit_test(openadr_refusals_name_the_field),
        cmocka_unit_test(route_cap_form_is_read_as_inference_reduce_to_with_a_warning),
        cmocka_unit_test(route_cap_form_keeps_its_messages),
        cmocka_unit_test(route_caps_from_both_forms_are_the_same),
        cmocka_unit_test(route_takes_reduce_to_on_a_sites_inference_and_refuses_the_rest),
        cmocka_unit_test(every_refusal_names_file_field_and_value),
        cmocka_unit_test(overlap_follows_scopes_and_classes),
        cmocka_unit_test(missing_file_and_directory_are_bad_input),
        cmocka_unit_test(fuzz_findings_are_refused_at_their_limit),
        cmocka_unit_test(hundred_thousand_intervals_read_and_one_more_refused),
        cmocka_unit_test(same_file_same_events),
        cmocka_unit_test(validate_checks_every_limit_without_overflow),
        cmocka_unit_test(names_and_classes),
        cmocka_unit_test(planner_takes_only_the_events_class),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
