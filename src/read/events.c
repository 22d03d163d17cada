/* events.c: THE one reader of event files (include/gridsplit/read/events.h, docs/events.md):
 * JSON in the native form (one event object, or {"events": [...]}), OpenADR 3 events (one
 * EVENT object, or an array of them) and the old route-cap form ({"events": [{"id", "site",
 * "from", "to", "cap_mw"}]}, read as reduce_to on the site's inference load, with a warning
 * showing the native form), into gs_event (gridsplit/event.h). Every bad field is reported with
 * the file, the field path, what was expected and what was found; every number is checked
 * against its limit before it is converted, so no input overflows; the overlap check is a sweep
 * in time order (src/model/event.c), so 100,000 intervals read in well under a second. */
#include "gridsplit/read/events.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/duration.h"
#include "gridsplit/time.h"
#include "read/reader.h"

_Static_assert((int64_t)GS_DURATION_MAX_S == GS_EVENT_DURATION_MAX_S,
               "event durations follow the one duration grammar's limit");

typedef struct ctx {
    const char *path;
    const gs_fleet *f;
    gs_error *err;
    gs_event *evs;           /* events read so far */
    size_t n, cap;
    /* the old route-cap form: how many elements used it, the first one's path and its
     * native form */
    size_t nlegacy;
    char legacy_at[48];
    char *legacy_native;     /* json_dumps of the first one, malloc'd */
} ctx;

static int fail(ctx *c, const char *field, const char *fmt, const char *found)
    __attribute__((format(printf, 3, 0)));
static int fail(ctx *c, const char *field, const char *fmt, const char *found)
{
    return gs_error_set(c->err, GS_EINPUT, c->path, 0, 0, field, fmt, found);
}

static int nomem(ctx *c)
{
    return gs_error_set(c->err, GS_ENOMEM, c->path, 0, 0, NULL, "out of memory");
}

/* A short text of a JSON value for "found ..." */
static void found_text(const json_t *v, char *buf, size_t n)
{
    if (!v) {
        snprintf(buf, n, "nothing");
        return;
    }
    if (json_is_real(v)) { /* the shortest text that reads back: 1e+303, not 1.0000000000000001e+303 */
        double x = json_real_value(v);
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, n, "%.*g", prec, x);
            if (strtod(buf, NULL) == x)
                break;
        }
        return;
    }
    char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    snprintf(buf, n, "%s", t ? t : "?");
    if (strlen(buf) >= n - 1 && n > 4)
        memcpy(buf + n - 4, "...", 4);
    free(t);
}

/* "events[0]." -> "events[0]"; "" -> what (for messages about the whole object) */
static const char *base_name(const char *base, char *buf, size_t n, const char *what)
{
    if (!base[0])
        return what;
    snprintf(buf, n, "%s", base);
    size_t l = strlen(buf);
    if (l && buf[l - 1] == '.')
        buf[l - 1] = '\0';
    return buf;
}

static int push(ctx *c, const gs_event *ev)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? 2 * c->cap : 16;
        gs_event *p = realloc(c->evs, nc * sizeof *p);
        if (!p)
            return nomem(c);
        c->evs = p;
        c->cap = nc;
    }
    c->evs[c->n++] = *ev;
    return GS_OK;
}

/* At most GS_EVENTS_MAX events in all: refuse `more` beyond those read so far. */
static int check_count(ctx *c, const char *field, const char *what, size_t more)
{
    if (more <= (size_t)GS_EVENTS_MAX - c->n)
        return GS_OK;
    return gs_error_set(c->err, GS_EINPUT, c->path, 0, 0, field,
                        "expected at most %d %s in one file, found %zu%s", GS_EVENTS_MAX, what,
                        more + c->n, c->n ? " with the events before" : "");
}

static int get_time(ctx *c, const json_t *v, const char *field, int64_t *t)
{
    char found[96];
    if (!json_is_string(v)) {
        found_text(v, found, sizeof found);
        return fail(c, field, "expected an ISO 8601 time such as 2025-08-15T19:00Z, found %s", found);
    }
    gs_error e = {0};
    if (gs_parse_time(json_string_value(v), t, &e) < 0)
        return fail(c, field, "expected an ISO 8601 time such as 2025-08-15T19:00Z, found '%s'",
                    json_string_value(v));
    if (*t < GS_EVENT_TIME_MIN_S || *t > GS_EVENT_TIME_MAX_S)
        return fail(c, field, "expected a time in the years 0001 to 9999 (UTC), found '%s'",
                    json_string_value(v));
    return GS_OK;
}

/* A duration: a string of the one grammar (docs/durations.md) or a number of seconds; at most
 * GS_EVENT_DURATION_MAX_S (checked before the conversion to whole seconds). */
static int get_dur(ctx *c, const json_t *v, const char *field, int64_t *out)
{
    char found[96];
    double s = 0;
    if (json_is_number(v)) {
        s = json_number_value(v);
        found_text(v, found, sizeof found);
        if (!(s >= 0) || !isfinite(s))
            return fail(c, field, "expected a duration of at least 0, found %s", found);
        if (s > (double)GS_EVENT_DURATION_MAX_S)
            return fail(c, field, "expected a duration of at most 100 years (3155760000 s), "
                                  "found %s", found);
    } else if (json_is_string(v)) {
        gs_error e = {0};
        if (gs_duration_parse(json_string_value(v), &s, &e) < 0) {
            int limit = strstr(e.message, "at most") != NULL;
            return gs_error_set(c->err, GS_EINPUT, c->path, 0, 0, field, "%s%s", e.message,
                                limit ? "" : " (at most 100 years; docs/durations.md)");
        }
        if (!(s >= 0) || s > (double)GS_EVENT_DURATION_MAX_S) /* the grammar promises this */
            return fail(c, field, "expected a duration of at most 100 years, found '%s'",
                        json_string_value(v));
    } else {
        found_text(v, found, sizeof found);
        return fail(c, field, "expected a duration such as 90s, 15min, 3h or PT15M, found %s", found);
    }
    *out = (int64_t)llround(s);
    return GS_OK;
}

static int get_mw(ctx *c, const json_t *v, const char *field, double scale, double *mw)
{
    char found[96];
    found_text(v, found, sizeof found);
    if (!json_is_number(v) || !isfinite(json_number_value(v)))
        return fail(c, field, "expected a number of MW, found %s", found);
    double x = json_number_value(v) * scale;
    if (x < 0)
        return fail(c, field, "expected a target of at least 0 MW, found %s", found);
    if (!(x <= GS_EVENT_MAX_MW)) {
        char msg[160];
        snprintf(msg, sizeof msg, "expected a target of at most %.0f MW (a terawatt), found %%s%s",
                 GS_EVENT_MAX_MW, scale == 1 ? "" : " KW");
        return fail(c, field, msg, found);
    }
    *mw = x;
    return GS_OK;
}

static int get_price(ctx *c, const json_t *v, const char *field, double *p)
{
    char found[96];
    found_text(v, found, sizeof found);
    if (!json_is_number(v) || !isfinite(json_number_value(v)))
        return fail(c, field, "expected a price in USD/MWh, found %s", found);
    if (fabs(json_number_value(v)) > GS_EVENT_MAX_PRICE_USD_PER_MWH)
        return fail(c, field, "expected a price of -1000000 to 1000000 USD/MWh, found %s", found);
    *p = json_number_value(v);
    return GS_OK;
}

/* "training" / "inference" / "all" */
static int parse_class(const char *s, gs_event_class *cls)
{
    if (!strcmp(s, "training"))
        *cls = GS_EVCLS_TRAINING;
    else if (!strcmp(s, "inference"))
        *cls = GS_EVCLS_INFERENCE;
    else if (!strcmp(s, "all"))
        *cls = GS_EVCLS_ALL;
    else
        return -1;
    return 0;
}

/* site or zone by id; a "site:" / "zone:" prefix forces the kind */
static int resolve_scope(ctx *c, const char *field, const char *kind, const char *id, gs_event *ev)
{
    int want_site = kind && !strcmp(kind, "site"), want_zone = kind && !strcmp(kind, "zone");
    if (!kind) {
        if (!strncmp(id, "site:", 5)) {
            want_site = 1;
            id += 5;
        } else if (!strncmp(id, "zone:", 5)) {
            want_zone = 1;
            id += 5;
        }
    }
    int s = want_zone ? -1 : gs_fleet_find_site(c->f, id);
    int z = want_site ? -1 : gs_fleet_find_zone(c->f, id);
    if (s >= 0) {
        ev->scope = GS_SCOPE_SITE;
        ev->scope_index = s;
        return GS_OK;
    }
    if (z >= 0) {
        ev->scope = GS_SCOPE_ZONE;
        ev->scope_index = z;
        return GS_OK;
    }
    char msg[256];
    snprintf(msg, sizeof msg, "expected a %s of fleet '%.100s', found '%%s'",
             want_site ? "site" : want_zone ? "zone" : "site or zone", c->f->name);
    return fail(c, field, msg, id);
}

static int check_keys(ctx *c, const json_t *obj, const char *base, const char *const *keys,
                      const char *hint_keys, const char *hint)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        int ok = 0;
        for (size_t i = 0; keys[i] && !ok; i++)
            ok = !strcmp(k, keys[i]);
        if (!ok) {
            char field[128];
            snprintf(field, sizeof field, "%s%s", base, k);
            char list[512] = "";
            size_t len = 0;
            for (size_t i = 0; keys[i]; i++)
                len += (size_t)snprintf(list + len, len < sizeof list ? sizeof list - len : 0,
                                        "%s%s", i ? ", " : "", keys[i]);
            char wrapped[64];
            snprintf(wrapped, sizeof wrapped, " %s ", k);
            int hinted = hint_keys && strlen(k) < 40 && strstr(hint_keys, wrapped);
            char msg[1000];
            snprintf(msg, sizeof msg, "unknown key (expected one of: %s), found '%%s'%s", list,
                     hinted ? hint : "");
            return fail(c, field, msg, k);
        }
    }
    return GS_OK;
}

/* Validate ev (gs_event_validate) and report its error at the field of the file that holds
 * the value: map[] pairs the event's key with that field (after base); NULL-terminated. */
static int check_event(ctx *c, const gs_event *ev, const char *base, const char *const *map)
{
    gs_error e = {0};
    if (gs_event_validate(ev, c->f, &e) == GS_OK)
        return GS_OK;
    const char *key = e.field;
    for (size_t i = 0; map && map[i]; i += 2)
        if (!strcmp(map[i], e.field)) {
            key = map[i + 1];
            break;
        }
    char field[192];
    snprintf(field, sizeof field, "%s%s", base, key);
    return gs_error_set(c->err, e.code, c->path, 0, 0, field, "%s", e.message);
}

/* ---- the native form ------------------------------------------------------------------- */

/* {"id", "type", "site"|"zone", "class", "start", "end"|"duration", "notice", "ramp", "mw",
 * "price_usd_per_mwh", "shed_inference"} */
static int parse_native(ctx *c, const json_t *o, const char *base)
{
    static const char *const keys[] = {"id", "type", "site", "zone", "class", "start", "end",
                                       "duration", "notice", "ramp", "mw", "price_usd_per_mwh",
                                       "shed_inference", NULL};
    char field[160], found[96], bn[64];
    int rc;
    if (!json_is_object(o)) {
        found_text(o, found, sizeof found);
        return fail(c, base_name(base, bn, sizeof bn, "event"), "expected an event object, found %s",
                    found);
    }
    if ((rc = check_keys(c, o, base, keys, " from to cap_mw ",
                         " (from, to and cap_mw are the old route-cap form: write start, end "
                         "and mw; docs/events.md)")) < 0)
        return rc;
    gs_event ev;
    memset(&ev, 0, sizeof ev);
    const json_t *v = json_object_get(o, "id");
#define F(name) (snprintf(field, sizeof field, "%s%s", base, name), field)
    if (v && !json_is_string(v)) {
        found_text(v, found, sizeof found);
        return fail(c, F("id"), "expected a name (a string), found %s", found);
    }
    snprintf(ev.id, sizeof ev.id, "%s", v ? json_string_value(v) : "event");
    v = json_object_get(o, "type");
    int k = json_is_string(v) ? gs_plan_event_kind_parse(json_string_value(v)) : -1;
    if (k < 0) {
        found_text(v, found, sizeof found);
        return fail(c, F("type"),
                    "expected one of reduce_to, reduce_by, price, peak, reserve_deploy, found %s",
                    found);
    }
    ev.kind = (gs_plan_event_kind)k;
    const json_t *site = json_object_get(o, "site"), *zone = json_object_get(o, "zone");
    if (site && zone)
        return fail(c, F("zone"), "expected either site or zone, found both (site '%s')",
                    json_is_string(site) ? json_string_value(site) : "?");
    if (site || zone) {
        const json_t *s = site ? site : zone;
        if (!json_is_string(s)) {
            found_text(s, found, sizeof found);
            return fail(c, F(site ? "site" : "zone"), "expected an id, found %s", found);
        }
        if ((rc = resolve_scope(c, F(site ? "site" : "zone"), site ? "site" : "zone",
                                json_string_value(s), &ev)) < 0)
            return rc;
    } else {
        ev.scope = GS_SCOPE_FLEET;
    }
    if ((v = json_object_get(o, "class"))) {
        if (!json_is_string(v) || parse_class(json_string_value(v), &ev.cls) < 0) {
            found_text(v, found, sizeof found);
            return fail(c, F("class"), "expected training or inference (none: all load at the "
                                       "scope), found %s", found);
        }
    }
    if ((rc = get_time(c, json_object_get(o, "start"), F("start"), &ev.start_s)) < 0)
        return rc;
    const json_t *end = json_object_get(o, "end"), *dur = json_object_get(o, "duration");
    if (end && dur)
        return fail(c, F("duration"), "expected either end or duration, found both%s", "");
    if (!end && !dur)
        return fail(c, F("end"), "expected an end time or a duration, found %s", "neither");
    if (end) {
        if ((rc = get_time(c, end, F("end"), &ev.end_s)) < 0)
            return rc;
    } else {
        int64_t d;
        if ((rc = get_dur(c, dur, F("duration"), &d)) < 0)
            return rc;
        ev.end_s = ev.start_s + d; /* both bounded: no overflow */
    }
    if (ev.end_s <= ev.start_s) {
        found_text(end ? end : dur, found, sizeof found);
        return fail(c, F(end ? "end" : "duration"), "expected an end after the start, found %s", found);
    }
    if ((v = json_object_get(o, "notice")) && (rc = get_dur(c, v, F("notice"), &ev.notice_s)) < 0)
        return rc;
    if ((v = json_object_get(o, "ramp")) && (rc = get_dur(c, v, F("ramp"), &ev.ramp_s)) < 0)
        return rc;
    v = json_object_get(o, "mw");
    if (ev.kind == GS_PEV_PRICE) {
        if ((rc = get_price(c, json_object_get(o, "price_usd_per_mwh"), F("price_usd_per_mwh"),
                            &ev.price_usd_per_mwh)) < 0)
            return rc;
    } else if (v || ev.kind != GS_PEV_PEAK) {
        if ((rc = get_mw(c, v, F("mw"), 1.0, &ev.mw)) < 0)
            return rc;
    }
    v = json_object_get(o, "shed_inference");
    if (v && !json_is_boolean(v)) {
        found_text(v, found, sizeof found);
        return fail(c, F("shed_inference"), "expected true or false, found %s", found);
    }
    ev.asks_inference_shed = v && json_is_true(v);
#undef F
    const char *map[] = {"end", end ? "end" : "duration", NULL};
    if ((rc = check_event(c, &ev, base, map)) < 0)
        return rc;
    return push(c, &ev);
}

/* ---- the old route-cap form: {"id", "site", "from", "to", "cap_mw"} -------------------- */

static int is_legacy(const json_t *o)
{
    return json_is_object(o) && !json_object_get(o, "type") &&
           (json_object_get(o, "cap_mw") || json_object_get(o, "from") || json_object_get(o, "to"));
}

static int parse_legacy(ctx *c, const json_t *o, size_t i)
{
    static const char *const keys[] = {"id", "site", "from", "to", "cap_mw"};
    char field[128], found[96];
    const char *k;
    json_t *val;
    json_object_foreach((json_t *)o, k, val) {
        int known = 0;
        for (size_t q = 0; q < 5; q++)
            known |= strcmp(k, keys[q]) == 0;
        if (!known) {
            snprintf(field, sizeof field, "events[%zu].%.40s", i, k);
            return fail(c, field, "unknown key (expected id, site, from, to, cap_mw: the old "
                                  "route-cap form), found '%s'", k);
        }
    }
    for (size_t q = 0; q < 5; q++)
        if (!json_object_get(o, keys[q])) {
            snprintf(field, sizeof field, "events[%zu].%s", i, keys[q]);
            return fail(c, field, "missing (the old route-cap form has id, site, from, to and "
                                  "cap_mw; docs/events.md has the one event form)%s", "");
        }
    gs_event ev;
    memset(&ev, 0, sizeof ev);
    for (size_t q = 0; q < 4; q++)
        if (!json_is_string(json_object_get(o, keys[q]))) {
            snprintf(field, sizeof field, "events[%zu].%s", i, keys[q]);
            found_text(json_object_get(o, keys[q]), found, sizeof found);
            return fail(c, field, "expected a string, found %s", found);
        }
    snprintf(ev.id, sizeof ev.id, "%s", json_string_value(json_object_get(o, "id")));
    const char *site = json_string_value(json_object_get(o, "site"));
    ev.kind = GS_PEV_REDUCE_TO;
    ev.scope = GS_SCOPE_SITE;
    ev.cls = GS_EVCLS_INFERENCE;
    ev.scope_index = gs_fleet_find_site(c->f, site);
    snprintf(field, sizeof field, "events[%zu].site", i);
    if (ev.scope_index < 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "expected a site of fleet '%.100s', found '%%s'", c->f->name);
        return fail(c, field, msg, site);
    }
    int rc;
    snprintf(field, sizeof field, "events[%zu].from", i);
    if ((rc = get_time(c, json_object_get(o, "from"), field, &ev.start_s)) < 0)
        return rc;
    snprintf(field, sizeof field, "events[%zu].to", i);
    if ((rc = get_time(c, json_object_get(o, "to"), field, &ev.end_s)) < 0)
        return rc;
    if (ev.end_s <= ev.start_s)
        return fail(c, field, "expected a time after 'from', found '%s'",
                    json_string_value(json_object_get(o, "to")));
    const json_t *mw = json_object_get(o, "cap_mw");
    snprintf(field, sizeof field, "events[%zu].cap_mw", i);
    found_text(mw, found, sizeof found);
    if (!json_is_number(mw) || !(json_number_value(mw) >= 0))
        return fail(c, field, "expected a number of MW >= 0, found %s", found);
    if (!(json_number_value(mw) <= GS_EVENT_MAX_MW))
        return fail(c, field, "expected a cap of at most 1000000 MW (a terawatt), found %s", found);
    ev.mw = json_number_value(mw);
    char base[48];
    snprintf(base, sizeof base, "events[%zu].", i);
    const char *map[] = {"start", "from", "end", "to", "mw", "cap_mw", NULL};
    if ((rc = check_event(c, &ev, base, map)) < 0)
        return rc;
    if (c->nlegacy++ == 0) {
        snprintf(c->legacy_at, sizeof c->legacy_at, "events[%zu]", i);
        json_t *nf = json_object();
        if (!nf)
            return nomem(c);
        json_object_set(nf, "id", json_object_get(o, "id"));
        json_object_set_new(nf, "type", json_string("reduce_to"));
        json_object_set(nf, "site", json_object_get(o, "site"));
        json_object_set_new(nf, "class", json_string("inference"));
        json_object_set(nf, "start", json_object_get(o, "from"));
        json_object_set(nf, "end", json_object_get(o, "to"));
        json_object_set(nf, "mw", (json_t *)mw);
        c->legacy_native = json_dumps(nf, JSON_PRESERVE_ORDER);
        json_decref(nf);
        if (!c->legacy_native)
            return nomem(c);
    }
    return push(c, &ev);
}

/* ---- OpenADR 3 ------------------------------------------------------------------------- */

/* targets: one site or zone ("site:ID" / "zone:ID" to be explicit; a 3.0 {"type", "values":
 * [ID]} object) and optionally one "class:training" / "class:inference"; none: the fleet. */
static int parse_targets(ctx *c, const json_t *targets, const char *pre, gs_event *proto)
{
    char field[160], found[96];
    int rc;
    snprintf(field, sizeof field, "%stargets", pre);
    size_t nt = json_is_array(targets) ? json_array_size(targets) : 0;
    if (!json_is_array(targets) || nt < 1 || nt > 2) {
        found_text(targets, found, sizeof found);
        return fail(c, field, "expected one target (a site or zone id), and optionally a load "
                              "class (class:training or class:inference), found %s", found);
    }
    int have_scope = 0, have_class = 0;
    for (size_t i = 0; i < nt; i++) {
        const json_t *t = json_array_get(targets, i);
        snprintf(field, sizeof field, "%stargets[%zu]", pre, i);
        const char *id = NULL;
        if (json_is_string(t))
            id = json_string_value(t);
        else if (json_is_object(t)) { /* 3.0 valuesMap form {"type": ..., "values": [id]} */
            const json_t *vals = json_object_get(t, "values");
            if (json_is_array(vals) && json_array_size(vals) == 1 && json_is_string(json_array_get(vals, 0)))
                id = json_string_value(json_array_get(vals, 0));
        }
        if (!id) {
            found_text(t, found, sizeof found);
            return fail(c, field, "expected a site or zone id, found %s", found);
        }
        if (!strncmp(id, "class:", 6)) {
            if (have_class)
                return fail(c, field, "expected one load class target, found a second: '%s'", id);
            if (parse_class(id + 6, &proto->cls) < 0)
                return fail(c, field, "expected class:training or class:inference, found '%s'", id);
            have_class = 1;
            continue;
        }
        if (have_scope)
            return fail(c, field, "expected one site or zone target, found a second: '%s'", id);
        if ((rc = resolve_scope(c, field, NULL, id, proto)) < 0)
            return rc;
        have_scope = 1;
    }
    return GS_OK;
}

/* One OpenADR 3 event: intervalPeriod, intervals[].payloads[] of IMPORT_CAPACITY_LIMIT (reduce
 * to), PRICE, or the private GS_REDUCE_BY / GS_PEAK / GS_RESERVE_DEPLOY; targets (above);
 * payloadDescriptors[].units KW or MW (default MW); createdDateTime gives the notice. pre: the
 * field path of the event ("" or "[2]."). */
static int parse_openadr(ctx *c, const json_t *o, const char *pre)
{
    char field[192], found[96];
    int rc;
    if (!json_is_object(o)) {
        found_text(o, found, sizeof found);
        char bn[64];
        return fail(c, base_name(pre, bn, sizeof bn, "event"),
                    "expected an OpenADR 3 EVENT object, found %s", found);
    }
#define F(name) (snprintf(field, sizeof field, "%s%s", pre, name), field)
    gs_event proto;
    memset(&proto, 0, sizeof proto);
    const json_t *v = json_object_get(o, "eventName");
    if (!json_is_string(v))
        v = json_object_get(o, "id");
    snprintf(proto.id, sizeof proto.id, "%s", json_is_string(v) ? json_string_value(v) : "event");
    proto.scope = GS_SCOPE_FLEET;
    const json_t *targets = json_object_get(o, "targets");
    if (targets && !json_is_null(targets) && (rc = parse_targets(c, targets, pre, &proto)) < 0)
        return rc;
    double scale = 1.0;
    const json_t *pds = json_object_get(o, "payloadDescriptors");
    size_t i;
    const json_t *pd;
    if (json_is_array(pds))
        json_array_foreach(pds, i, pd) {
            const json_t *u = json_object_get(pd, "units");
            if (!u || json_is_null(u))
                continue;
            snprintf(field, sizeof field, "%spayloadDescriptors[%zu].units", pre, i);
            if (json_is_string(u) && !strcmp(json_string_value(u), "KW"))
                scale = 1e-3;
            else if (json_is_string(u) && !strcmp(json_string_value(u), "MW"))
                scale = 1;
            else if (json_is_string(u) && !strcmp(json_string_value(u), "USD_PER_MWH"))
                ;
            else {
                found_text(u, found, sizeof found);
                return fail(c, field, "expected units KW, MW or USD_PER_MWH, found %s", found);
            }
        }
    int64_t created = 0;
    int has_created = 0;
    if ((v = json_object_get(o, "createdDateTime"))) {
        if ((rc = get_time(c, v, F("createdDateTime"), &created)) < 0)
            return rc;
        has_created = 1;
    }
    int64_t dstart = 0, ddur = -1;
    int has_dstart = 0;
    const json_t *ip = json_object_get(o, "intervalPeriod");
    if (ip) {
        if ((v = json_object_get(ip, "start"))) {
            if ((rc = get_time(c, v, F("intervalPeriod.start"), &dstart)) < 0)
                return rc;
            has_dstart = 1;
        }
        if ((v = json_object_get(ip, "duration")) &&
            (rc = get_dur(c, v, F("intervalPeriod.duration"), &ddur)) < 0)
            return rc;
    }
    const json_t *ivs = json_object_get(o, "intervals");
    if (!json_is_array(ivs) || json_array_size(ivs) == 0) {
        found_text(ivs, found, sizeof found);
        return fail(c, F("intervals"), "expected a non-empty list of intervals, found %s", found);
    }
    if ((rc = check_count(c, F("intervals"), "intervals", json_array_size(ivs))) < 0)
        return rc;
    int64_t next_start = dstart;
    int has_next = has_dstart;
    const json_t *iv;
    json_array_foreach(ivs, i, iv) {
        gs_event ev = proto;
        int64_t start = next_start, dur = ddur;
        int has_start = has_next;
        const json_t *p = json_object_get(iv, "intervalPeriod");
        if (p) {
            if ((v = json_object_get(p, "start"))) {
                snprintf(field, sizeof field, "%sintervals[%zu].intervalPeriod.start", pre, i);
                if ((rc = get_time(c, v, field, &start)) < 0)
                    return rc;
                has_start = 1;
            }
            if ((v = json_object_get(p, "duration"))) {
                snprintf(field, sizeof field, "%sintervals[%zu].intervalPeriod.duration", pre, i);
                if ((rc = get_dur(c, v, field, &dur)) < 0)
                    return rc;
            }
        }
        snprintf(field, sizeof field, "%sintervals[%zu].intervalPeriod", pre, i);
        if (!has_start)
            return fail(c, field, "expected a start (here or in the event's intervalPeriod), found %s", "none");
        if (dur <= 0)
            return fail(c, field, "expected a positive duration (here or in the event's intervalPeriod), found %s", "none");
        /* start is within the years (read, or the end of a checked interval), dur within
         * 100 years: no overflow */
        ev.start_s = start;
        ev.end_s = start + dur;
        next_start = ev.end_s;
        has_next = 1;
        ev.notice_s = has_created && created < ev.start_s ? ev.start_s - created : 0;
        const json_t *pls = json_object_get(iv, "payloads");
        snprintf(field, sizeof field, "%sintervals[%zu].payloads", pre, i);
        if (!json_is_array(pls) || json_array_size(pls) == 0) {
            found_text(pls, found, sizeof found);
            return fail(c, field, "expected a list of payloads, found %s", found);
        }
        int got = 0;
        size_t k;
        const json_t *pl;
        char valfield[192] = "";
        json_array_foreach(pls, k, pl) {
            const json_t *ty = json_object_get(pl, "type"), *vals = json_object_get(pl, "values");
            snprintf(field, sizeof field, "%sintervals[%zu].payloads[%zu].type", pre, i, k);
            const char *t = json_is_string(ty) ? json_string_value(ty) : "";
            gs_plan_event_kind kind;
            if (!strcmp(t, "IMPORT_CAPACITY_LIMIT"))
                kind = GS_PEV_REDUCE_TO;
            else if (!strcmp(t, "GS_REDUCE_BY"))
                kind = GS_PEV_REDUCE_BY;
            else if (!strcmp(t, "PRICE"))
                kind = GS_PEV_PRICE;
            else if (!strcmp(t, "GS_PEAK"))
                kind = GS_PEV_PEAK;
            else if (!strcmp(t, "GS_RESERVE_DEPLOY"))
                kind = GS_PEV_RESERVE_DEPLOY;
            else {
                found_text(ty, found, sizeof found);
                return fail(c, field, "expected a payload type IMPORT_CAPACITY_LIMIT, PRICE, "
                            "GS_REDUCE_BY, GS_PEAK or GS_RESERVE_DEPLOY, found %s", found);
            }
            if (got)
                return fail(c, field, "expected one payload per interval, found a second: %s", t);
            got = 1;
            ev.kind = kind;
            snprintf(valfield, sizeof valfield, "%sintervals[%zu].payloads[%zu].values[0]", pre, i, k);
            const json_t *x = json_is_array(vals) ? json_array_get(vals, 0) : NULL;
            if (kind == GS_PEV_PRICE)
                rc = get_price(c, x, valfield, &ev.price_usd_per_mwh);
            else
                rc = get_mw(c, x, valfield, scale, &ev.mw);
            if (rc < 0)
                return rc;
        }
        if (i > 0)
            snprintf(ev.id, sizeof ev.id, "%.40s#%u", proto.id, (unsigned)i);
        /* every key of the event is one place of the file */
        char ipfield[160], created_f[160], targets_f[160];
        snprintf(ipfield, sizeof ipfield, "intervals[%zu].intervalPeriod", i);
        snprintf(created_f, sizeof created_f, "createdDateTime");
        snprintf(targets_f, sizeof targets_f, "targets");
        const char *vf = valfield + strlen(pre);
        const char *map[] = {"start", ipfield, "end", ipfield, "notice", created_f,
                             "mw", vf, "price_usd_per_mwh", vf, "site", targets_f,
                             "zone", targets_f, "class", targets_f,
                             "shed_inference", targets_f, NULL};
        if ((rc = check_event(c, &ev, pre, map)) < 0)
            return rc;
        if ((rc = push(c, &ev)) < 0)
            return rc;
    }
#undef F
    return GS_OK;
}

static int is_openadr(const json_t *o)
{
    return json_is_object(o) && (json_object_get(o, "intervals") || json_object_get(o, "objectType") ||
                                 json_object_get(o, "programID"));
}

/* ---- the reader ------------------------------------------------------------------------ */

static int read_root(ctx *c, const json_t *root)
{
    char found[96];
    int rc;
    if (is_openadr(root))
        return parse_openadr(c, root, "");
    if (json_is_array(root)) { /* OpenADR 3 events, as a VTN lists them */
        if ((rc = check_count(c, "events", "events", json_array_size(root))) < 0)
            return rc;
        size_t i;
        const json_t *o;
        json_array_foreach(root, i, o) {
            char pre[32];
            snprintf(pre, sizeof pre, "[%zu].", i);
            if ((rc = parse_openadr(c, o, pre)) < 0)
                return rc;
        }
        return GS_OK;
    }
    if (json_is_object(root) && json_object_get(root, "events")) {
        const json_t *evs = json_object_get(root, "events");
        if (json_object_size(root) != 1 || !json_is_array(evs)) {
            found_text(json_object_size(root) != 1 ? root : evs, found, sizeof found);
            return fail(c, "events", "expected a list of events (and no other key), found %s", found);
        }
        if ((rc = check_count(c, "events", "events", json_array_size(evs))) < 0)
            return rc;
        for (size_t i = 0; i < json_array_size(evs); i++) {
            const json_t *o = json_array_get(evs, i);
            if (is_legacy(o)) {
                rc = parse_legacy(c, o, i);
            } else {
                char base[48];
                snprintf(base, sizeof base, "events[%zu].", i);
                rc = parse_native(c, o, base);
            }
            if (rc < 0)
                return rc;
        }
        return GS_OK;
    }
    return parse_native(c, root, "");
}

/* From a parsed document to the events: the checks after the JSON parse, shared by the file
 * and the buffer readers. name is what errors call the input. Takes root. */
static int read_parsed(const char *name, json_t *root, const gs_fleet *f, gs_event **out,
                       size_t *n, gs_events_read_opts *opts, gs_error *err)
{
    ctx c = {.path = name, .f = f, .err = err};
    int rc = read_root(&c, root);
    json_decref(root);
    if (rc == GS_OK && c.n == 0 && opts && opts->require_events)
        rc = gs_error_set(err, GS_EINPUT, name, 0, 0, "events",
                          "expected a non-empty list of events (and no other key), found []");
    if (rc == GS_OK && !(opts && opts->allow_overlap)) {
        gs_error e = {0};
        if ((rc = gs_events_check_overlap(c.evs, c.n, f, &e)) < 0)
            rc = gs_error_set(err, e.code, name, 0, 0, e.field[0] ? e.field : NULL, "%s", e.message);
    }
    if (rc == GS_OK && !(opts && opts->keep_file_order)) {
        gs_error e = {0};
        if ((rc = gs_events_sort(c.evs, c.n, &e)) < 0)
            rc = gs_error_set(err, e.code, name, 0, 0, NULL, "%s", e.message);
    }
    if (rc == GS_OK && c.nlegacy && opts) {
        char more[96] = "";
        if (c.nlegacy > 1)
            snprintf(more, sizeof more, " (and %zu more event%s in the old form)",
                     c.nlegacy - 1, c.nlegacy > 2 ? "s" : "");
        snprintf(opts->warning, sizeof opts->warning,
                 "%.512s: %s: the old route-cap form {id, site, from, to, cap_mw} is read as a "
                 "reduce_to on the site's inference load; the one event form (docs/events.md) "
                 "is: %.1200s%s", name, c.legacy_at, c.legacy_native, more);
    }
    free(c.legacy_native);
    if (rc < 0) {
        free(c.evs);
        return rc;
    }
    *out = c.evs;
    *n = c.n;
    return GS_OK;
}

/* Parse text[0..len) (a UTF-8 byte order mark opening it is skipped, as every reader of
 * gridsplit does) and read the events in it; name is what errors call it. */
static int read_text(const char *name, const char *text, size_t len, const gs_fleet *f,
                     gs_event **out, size_t *n, gs_events_read_opts *opts, gs_error *err)
{
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
        text += 3;
        len -= 3;
    }
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return gs_error_set(err, GS_EINPUT, name, je.line > 0 ? je.line : 0,
                            je.column > 0 ? je.column : 0, NULL, "%s", je.text);
    return read_parsed(name, root, f, out, n, opts, err);
}

int gs_events_read(const char *path, const gs_fleet *f, gs_event **out, size_t *n,
                   gs_events_read_opts *opts, gs_error *err)
{
    *out = NULL;
    *n = 0;
    if (opts)
        opts->warning[0] = '\0';
    /* a missing file, a directory, a device or an unreadable file: bad input, before jansson;
     * so is a file over GS_EVENTS_MAX_BYTES (an endless pipe included), before it is parsed */
    char *text = NULL;
    size_t len = 0;
    int rc = gs__read_all(path, GS_EVENTS_MAX_BYTES, "an event file", &text, &len, err);
    if (rc < 0)
        return rc;
    rc = read_text(path, text, len, f, out, n, opts, err);
    free(text);
    return rc;
}

int gs_events_read_buffer(const char *name, const char *buf, size_t len, const gs_fleet *f,
                          gs_event **out, size_t *n, gs_events_read_opts *opts, gs_error *err)
{
    *out = NULL;
    *n = 0;
    if (opts)
        opts->warning[0] = '\0';
    if (len > GS_EVENTS_MAX_BYTES)
        return gs_error_set(err, GS_EINPUT, name, 0, 0, NULL,
                            "expected an event document of at most %d MiB, found %zu bytes",
                            GS_EVENTS_MAX_BYTES >> 20, len);
    return read_text(name, buf, len, f, out, n, opts, err);
}

int gs_route_caps_read(const char *path, const gs_fleet *f, gs_route_cap **caps, size_t *n,
                       gs_events_read_opts *opts, gs_error *err)
{
    *caps = NULL;
    *n = 0;
    gs_events_read_opts o = {.keep_file_order = 1, .allow_overlap = 1};
    gs_event *evs = NULL;
    size_t m = 0;
    int rc = gs_events_read(path, f, &evs, &m, &o, err);
    if (opts)
        memcpy(opts->warning, o.warning, sizeof o.warning);
    if (rc < 0)
        return rc;
    gs_route_cap *c = calloc(m ? m : 1, sizeof *c);
    if (!c) {
        free(evs);
        return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
    }
    if ((rc = gs_events_to_route_caps(evs, m, f, c, err)) < 0) {
        snprintf(err->file, sizeof err->file, "%s", path);
        free(c);
        free(evs);
        return rc;
    }
    free(evs);
    *caps = c;
    *n = m;
    return GS_OK;
}
