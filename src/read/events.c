/* events.c: event files (include/gridsplit/read/events.h): grid events from JSON files (a
 * native form and OpenADR 3 events) into gs_event for the planner, and route caps. Every bad
 * field is reported with the file, the field path, what was expected and what was found. */
#include "gridsplit/read/events.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/time.h"

typedef struct ctx {
    const char *path;
    const gs_fleet *f;
    gs_error *err;
} ctx;

static int fail(ctx *c, const char *field, const char *fmt, const char *found)
{
    return gs_error_set(c->err, GS_EINPUT, c->path, 0, 0, field, fmt, found);
}

/* A short text of a JSON value for "found ..." */
static void found_text(const json_t *v, char *buf, size_t n)
{
    if (!v) {
        snprintf(buf, n, "nothing");
        return;
    }
    char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    snprintf(buf, n, "%s", t ? t : "?");
    if (strlen(buf) >= n - 1 && n > 4)
        memcpy(buf + n - 4, "...", 4);
    free(t);
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
    return GS_OK;
}

static int get_dur(ctx *c, const json_t *v, const char *field, int64_t *out)
{
    char found[96];
    double s = 0;
    if (json_is_number(v)) {
        s = json_number_value(v);
        if (!(s >= 0) || !isfinite(s)) {
            found_text(v, found, sizeof found);
            return fail(c, field, "expected a duration of at least 0, found %s", found);
        }
    } else if (json_is_string(v)) {
        gs_error e = {0};
        if (gs_parse_duration(json_string_value(v), &s, &e) < 0)
            return fail(c, field, "expected a duration such as 90s, 15min, 3h or PT15M, found '%s'",
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
    if (!json_is_number(v) || !isfinite(json_number_value(v))) {
        found_text(v, found, sizeof found);
        return fail(c, field, "expected a number of MW, found %s", found);
    }
    double x = json_number_value(v) * scale;
    if (x < 0) {
        found_text(v, found, sizeof found);
        return fail(c, field, "expected a target of at least 0 MW, found %s", found);
    }
    *mw = x;
    return GS_OK;
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
    return gs_error_set(c->err, GS_EINPUT, c->path, 0, 0, field, msg, id);
}

static int check_keys(ctx *c, const json_t *obj, const char *base, const char *const *keys)
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
            char msg[700];
            snprintf(msg, sizeof msg, "unknown key (expected one of: %s), found '%%s'", list);
            return gs_error_set(c->err, GS_EINPUT, c->path, 0, 0, field, msg, k);
        }
    }
    return GS_OK;
}

static int parse_kind(ctx *c, const json_t *v, const char *field, gs_plan_event_kind *k)
{
    static const char *const names[] = {"reduce_to", "reduce_by", "price", "peak", "reserve_deploy"};
    char found[96];
    if (json_is_string(v))
        for (int i = 0; i < 5; i++)
            if (!strcmp(json_string_value(v), names[i])) {
                *k = (gs_plan_event_kind)(i + 1);
                return GS_OK;
            }
    found_text(v, found, sizeof found);
    return fail(c, field,
                "expected one of reduce_to, reduce_by, price, peak, reserve_deploy, found %s", found);
}

/* native: {"id", "type", "site"|"zone", "start", "end"|"duration", "notice", "ramp", "mw",
 * "price_usd_per_mwh", "shed_inference"} */
static int parse_native(ctx *c, const json_t *o, const char *base, gs_event *ev)
{
    static const char *const keys[] = {"id", "type", "site", "zone", "start", "end", "duration",
                                       "notice", "ramp", "mw", "price_usd_per_mwh",
                                       "shed_inference", NULL};
    char field[128], found[96];
    int rc;
    if (!json_is_object(o)) {
        found_text(o, found, sizeof found);
        return fail(c, base[0] ? base : "event", "expected an event object, found %s", found);
    }
    if ((rc = check_keys(c, o, base, keys)) < 0)
        return rc;
    memset(ev, 0, sizeof *ev);
    const json_t *v = json_object_get(o, "id");
    snprintf(ev->id, sizeof ev->id, "%s", json_is_string(v) ? json_string_value(v) : "event");
#define F(name) (snprintf(field, sizeof field, "%s%s", base, name), field)
    if ((rc = parse_kind(c, json_object_get(o, "type"), F("type"), &ev->kind)) < 0)
        return rc;
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
                                json_string_value(s), ev)) < 0)
            return rc;
    } else {
        ev->scope = GS_SCOPE_FLEET;
    }
    if ((rc = get_time(c, json_object_get(o, "start"), F("start"), &ev->start_s)) < 0)
        return rc;
    const json_t *end = json_object_get(o, "end"), *dur = json_object_get(o, "duration");
    if (end && dur)
        return fail(c, F("duration"), "expected either end or duration, found both%s", "");
    if (!end && !dur)
        return fail(c, F("end"), "expected an end time or a duration, found %s", "neither");
    if (end) {
        if ((rc = get_time(c, end, F("end"), &ev->end_s)) < 0)
            return rc;
    } else {
        int64_t d;
        if ((rc = get_dur(c, dur, F("duration"), &d)) < 0)
            return rc;
        ev->end_s = ev->start_s + d;
    }
    if (ev->end_s <= ev->start_s) {
        found_text(end ? end : dur, found, sizeof found);
        return fail(c, F(end ? "end" : "duration"), "expected an end after the start, found %s", found);
    }
    if ((v = json_object_get(o, "notice")) && (rc = get_dur(c, v, F("notice"), &ev->notice_s)) < 0)
        return rc;
    if ((v = json_object_get(o, "ramp")) && (rc = get_dur(c, v, F("ramp"), &ev->ramp_s)) < 0)
        return rc;
    v = json_object_get(o, "mw");
    if (ev->kind == GS_PEV_PRICE) {
        v = json_object_get(o, "price_usd_per_mwh");
        if (!json_is_number(v) || !isfinite(json_number_value(v))) {
            found_text(v, found, sizeof found);
            return fail(c, F("price_usd_per_mwh"), "expected a price in USD/MWh, found %s", found);
        }
        ev->price_usd_per_mwh = json_number_value(v);
    } else if (v || ev->kind != GS_PEV_PEAK) {
        if ((rc = get_mw(c, v, F("mw"), 1.0, &ev->mw)) < 0)
            return rc;
    }
    v = json_object_get(o, "shed_inference");
    if (v && !json_is_boolean(v)) {
        found_text(v, found, sizeof found);
        return fail(c, F("shed_inference"), "expected true or false, found %s", found);
    }
    ev->asks_inference_shed = v && json_is_true(v);
#undef F
    return GS_OK;
}

/* OpenADR 3 event: intervalPeriod, intervals[].payloads[] of IMPORT_CAPACITY_LIMIT (reduce
 * to), PRICE, or the private GS_REDUCE_BY / GS_PEAK / GS_RESERVE_DEPLOY; targets[] name a site
 * or zone; payloadDescriptors[].units KW or MW (default MW); createdDateTime gives the notice. */
static int parse_openadr(ctx *c, const json_t *o, gs_event **out, size_t *n)
{
    char field[160], found[96];
    int rc;
    gs_event proto;
    memset(&proto, 0, sizeof proto);
    const json_t *v = json_object_get(o, "eventName");
    if (!json_is_string(v))
        v = json_object_get(o, "id");
    snprintf(proto.id, sizeof proto.id, "%s", json_is_string(v) ? json_string_value(v) : "event");
    proto.scope = GS_SCOPE_FLEET;
    const json_t *targets = json_object_get(o, "targets");
    if (targets && !json_is_null(targets)) {
        if (!json_is_array(targets) || json_array_size(targets) != 1) {
            found_text(targets, found, sizeof found);
            return fail(c, "targets", "expected one target (a site or zone id), found %s", found);
        }
        const json_t *t = json_array_get(targets, 0);
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
            return fail(c, "targets[0]", "expected a site or zone id, found %s", found);
        }
        if ((rc = resolve_scope(c, "targets[0]", NULL, id, &proto)) < 0)
            return rc;
    }
    double scale = 1.0;
    const json_t *pds = json_object_get(o, "payloadDescriptors");
    size_t i;
    const json_t *pd;
    if (json_is_array(pds))
        json_array_foreach(pds, i, pd) {
            const json_t *u = json_object_get(pd, "units");
            if (!u || json_is_null(u))
                continue;
            snprintf(field, sizeof field, "payloadDescriptors[%zu].units", i);
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
        if ((rc = get_time(c, v, "createdDateTime", &created)) < 0)
            return rc;
        has_created = 1;
    }
    int64_t dstart = 0, ddur = -1;
    int has_dstart = 0;
    const json_t *ip = json_object_get(o, "intervalPeriod");
    if (ip) {
        if ((v = json_object_get(ip, "start"))) {
            if ((rc = get_time(c, v, "intervalPeriod.start", &dstart)) < 0)
                return rc;
            has_dstart = 1;
        }
        if ((v = json_object_get(ip, "duration")) && (rc = get_dur(c, v, "intervalPeriod.duration", &ddur)) < 0)
            return rc;
    }
    const json_t *ivs = json_object_get(o, "intervals");
    if (!json_is_array(ivs) || json_array_size(ivs) == 0) {
        found_text(ivs, found, sizeof found);
        return fail(c, "intervals", "expected a non-empty list of intervals, found %s", found);
    }
    *n = json_array_size(ivs);
    *out = calloc(*n, sizeof **out);
    if (!*out)
        return gs_error_set(c->err, GS_ENOMEM, c->path, 0, 0, NULL, "out of memory");
    int64_t next_start = dstart;
    int has_next = has_dstart;
    const json_t *iv;
    json_array_foreach(ivs, i, iv) {
        gs_event *ev = &(*out)[i];
        *ev = proto;
        int64_t start = next_start, dur = ddur;
        int has_start = has_next;
        const json_t *p = json_object_get(iv, "intervalPeriod");
        if (p) {
            if ((v = json_object_get(p, "start"))) {
                snprintf(field, sizeof field, "intervals[%zu].intervalPeriod.start", i);
                if ((rc = get_time(c, v, field, &start)) < 0)
                    return rc;
                has_start = 1;
            }
            if ((v = json_object_get(p, "duration"))) {
                snprintf(field, sizeof field, "intervals[%zu].intervalPeriod.duration", i);
                if ((rc = get_dur(c, v, field, &dur)) < 0)
                    return rc;
            }
        }
        snprintf(field, sizeof field, "intervals[%zu].intervalPeriod", i);
        if (!has_start)
            return fail(c, field, "expected a start (here or in the event's intervalPeriod), found %s", "none");
        if (dur <= 0)
            return fail(c, field, "expected a positive duration (here or in the event's intervalPeriod), found %s", "none");
        ev->start_s = start;
        ev->end_s = start + dur;
        next_start = ev->end_s;
        has_next = 1;
        ev->notice_s = has_created && created < ev->start_s ? ev->start_s - created : 0;
        const json_t *pls = json_object_get(iv, "payloads");
        snprintf(field, sizeof field, "intervals[%zu].payloads", i);
        if (!json_is_array(pls) || json_array_size(pls) == 0) {
            found_text(pls, found, sizeof found);
            return fail(c, field, "expected a list of payloads, found %s", found);
        }
        int got = 0;
        size_t k;
        const json_t *pl;
        json_array_foreach(pls, k, pl) {
            const json_t *ty = json_object_get(pl, "type"), *vals = json_object_get(pl, "values");
            snprintf(field, sizeof field, "intervals[%zu].payloads[%zu].type", i, k);
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
            ev->kind = kind;
            snprintf(field, sizeof field, "intervals[%zu].payloads[%zu].values[0]", i, k);
            const json_t *x = json_is_array(vals) ? json_array_get(vals, 0) : NULL;
            if (kind == GS_PEV_PRICE) {
                if (!json_is_number(x)) {
                    found_text(x, found, sizeof found);
                    return fail(c, field, "expected a price in USD/MWh, found %s", found);
                }
                ev->price_usd_per_mwh = json_number_value(x);
            } else if ((rc = get_mw(c, x, field, scale, &ev->mw)) < 0) {
                return rc;
            }
        }
        if (i > 0)
            snprintf(ev->id, sizeof ev->id, "%.40s#%u", proto.id, (unsigned)(i % 100000u));
    }
    return GS_OK;
}

static int cmp_ev(const void *a, const void *b)
{
    const gs_event *x = a, *y = b;
    return (x->start_s > y->start_s) - (x->start_s < y->start_s);
}

static int same_scope(const gs_fleet *f, const gs_event *a, const gs_event *b)
{
    if (a->scope == GS_SCOPE_FLEET || b->scope == GS_SCOPE_FLEET)
        return 1;
    if (a->scope == b->scope)
        return a->scope_index == b->scope_index;
    const gs_event *s = a->scope == GS_SCOPE_SITE ? a : b, *z = a->scope == GS_SCOPE_ZONE ? a : b;
    return f->sites[s->scope_index].zone == z->scope_index;
}

int gs_events_load(const char *path, const gs_fleet *f, gs_event **out, size_t *n, gs_error *err)
{
    *out = NULL;
    *n = 0;
    ctx c = {path, f, err};
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        int io = je.line < 0 || strstr(je.text, "unable to open") != NULL;
        return gs_error_set(err, io ? GS_EIO : GS_EINPUT, path, je.line > 0 ? je.line : 0,
                            je.column > 0 ? je.column : 0, NULL, "%s", je.text);
    }
    int rc = GS_OK;
    if (json_is_object(root) && (json_object_get(root, "intervals") || json_object_get(root, "objectType") ||
                                 json_object_get(root, "programID"))) {
        rc = parse_openadr(&c, root, out, n);
    } else if (json_is_object(root) && json_object_get(root, "events")) {
        const json_t *evs = json_object_get(root, "events");
        if (json_object_size(root) != 1 || !json_is_array(evs) || json_array_size(evs) == 0) {
            char found[96];
            found_text(evs, found, sizeof found);
            rc = fail(&c, "events", "expected a non-empty list of events (and no other key), found %s", found);
        } else {
            *n = json_array_size(evs);
            *out = calloc(*n, sizeof **out);
            if (!*out)
                rc = gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
            for (size_t i = 0; rc == GS_OK && i < *n; i++) {
                char base[48];
                snprintf(base, sizeof base, "events[%zu].", i);
                rc = parse_native(&c, json_array_get(evs, i), base, &(*out)[i]);
            }
        }
    } else {
        *n = 1;
        *out = calloc(1, sizeof **out);
        rc = *out ? parse_native(&c, root, "", *out) : gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
    }
    json_decref(root);
    if (rc == GS_OK) {
        qsort(*out, *n, sizeof **out, cmp_ev);
        for (size_t i = 0; i < *n && rc == GS_OK; i++)
            for (size_t j = i + 1; j < *n && rc == GS_OK; j++)
                if ((*out)[j].start_s < (*out)[i].end_s && same_scope(f, &(*out)[i], &(*out)[j])) {
                    char a[24], b[24];
                    gs_format_time((*out)[i].end_s, a);
                    gs_format_time((*out)[j].start_s, b);
                    rc = gs_error_set(err, GS_EINPUT, path, 0, 0, (*out)[j].id,
                                      "expected events over the same site or zone not to overlap, "
                                      "found '%s' starting at %s before '%s' ends at %s",
                                      (*out)[j].id, b, (*out)[i].id, a);
                }
    }
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* ---- plans out -------------------------------------------------------------------------- */

int gs_route_events_read(const char *path, const gs_fleet *f, gs_route_cap **caps, size_t *n,
                         gs_error *err)
{
    *caps = NULL;
    *n = 0;
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return gs_error_set(err, GS_EINPUT, path, je.line, je.column, NULL, "%s", je.text);
    int rc = GS_OK;
    json_t *ev = json_is_object(root) ? json_object_get(root, "events") : NULL;
    if (!json_is_array(ev)) {
        rc = gs_error_set(err, GS_EINPUT, path, 0, 0, "events",
                          "expected an object with an 'events' array");
        goto out;
    }
    size_t m = json_array_size(ev);
    gs_route_cap *c = calloc(m ? m : 1, sizeof *c);
    if (!c) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < m; i++) {
        json_t *e = json_array_get(ev, i);
        char field[128];
        const char *keys[] = {"id", "site", "from", "to", "cap_mw"};
        if (!json_is_object(e)) {
            snprintf(field, sizeof field, "events[%zu]", i);
            rc = gs_error_set(err, GS_EINPUT, path, 0, 0, field, "expected an object");
            break;
        }
        const char *k;
        json_t *val;
        json_object_foreach(e, k, val)
        {
            int known = 0;
            for (size_t q = 0; q < 5; q++)
                known |= strcmp(k, keys[q]) == 0;
            if (!known) {
                snprintf(field, sizeof field, "events[%zu].%.40s", i, k);
                rc = gs_error_set(err, GS_EINPUT, path, 0, 0, field,
                                  "unknown key (expected id, site, from, to, cap_mw)");
                goto fail;
            }
        }
        for (size_t q = 0; q < 5; q++)
            if (!json_object_get(e, keys[q])) {
                snprintf(field, sizeof field, "events[%zu].%s", i, keys[q]);
                rc = gs_error_set(err, GS_EINPUT, path, 0, 0, field, "missing");
                goto fail;
            }
        const char *id = json_string_value(json_object_get(e, "id"));
        const char *site = json_string_value(json_object_get(e, "site"));
        const char *from = json_string_value(json_object_get(e, "from"));
        const char *to = json_string_value(json_object_get(e, "to"));
        json_t *mw = json_object_get(e, "cap_mw");
        snprintf(field, sizeof field, "events[%zu]", i);
        if (!id || !site || !from || !to) {
            rc = gs_error_set(err, GS_EINPUT, path, 0, 0, field,
                              "id, site, from and to must be strings");
            goto fail;
        }
        snprintf(c[i].id, sizeof c[i].id, "%s", id);
        c[i].site = gs_fleet_find_site(f, site);
        if (c[i].site < 0) {
            snprintf(field, sizeof field, "events[%zu].site", i);
            rc = gs_error_set(err, GS_EINPUT, path, 0, 0, field,
                              "expected a site of fleet '%s', found '%s'", f->name, site);
            goto fail;
        }
        gs_error te = {0};
        if (gs_parse_time(from, &c[i].from_s, &te) < 0 || gs_parse_time(to, &c[i].to_s, &te) < 0) {
            snprintf(field, sizeof field, "events[%zu].from/to", i);
            rc = gs_error_set(err, GS_EINPUT, path, 0, 0, field, "%s", te.message);
            goto fail;
        }
        if (c[i].to_s <= c[i].from_s) {
            snprintf(field, sizeof field, "events[%zu].to", i);
            rc = gs_error_set(err, GS_EINPUT, path, 0, 0, field, "expected a time after 'from'");
            goto fail;
        }
        if (!json_is_number(mw) || !(json_number_value(mw) >= 0)) {
            snprintf(field, sizeof field, "events[%zu].cap_mw", i);
            rc = gs_error_set(err, GS_EINPUT, path, 0, 0, field,
                              "expected a number of MW >= 0");
            goto fail;
        }
        c[i].mw = json_number_value(mw);
    }
fail:
    if (rc < 0) {
        free(c);
        goto out;
    }
    *caps = c;
    *n = m;
out:
    json_decref(root);
    return rc;
}
