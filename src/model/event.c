/* event.c: THE event model (include/gridsplit/event.h): the names of kinds and load classes,
 * the invariants of one event (gs_event_validate: kinds, scopes, times within years
 * 0001..9999, notice and ramp within 100 years, MW and prices within their limits, all without
 * overflow), the overlap rule over meeting scopes (a sweep in time order, O(n log n)), the
 * stable time order, and the conversion of the events routing takes (a reduce_to on a site's
 * inference load) into gs_route_cap. Pure: allocates with malloc, no I/O, clock or globals. */
#include "gridsplit/event.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/time.h"

static const char *const kind_names[] = {"reduce_to", "reduce_by", "price", "peak",
                                         "reserve_deploy"};
#define NKINDS 5

const char *gs_plan_event_kind_name(gs_plan_event_kind k)
{
    return k >= GS_PEV_REDUCE_TO && k <= GS_PEV_RESERVE_DEPLOY ? kind_names[k - 1] : "?";
}

int gs_plan_event_kind_parse(const char *name)
{
    for (int i = 0; name && i < NKINDS; i++)
        if (!strcmp(name, kind_names[i]))
            return i + 1;
    return -1;
}

const char *gs_event_class_name(gs_event_class c)
{
    switch (c) {
    case GS_EVCLS_ALL: return "all";
    case GS_EVCLS_TRAINING: return "training";
    case GS_EVCLS_INFERENCE: return "inference";
    }
    return "?";
}

gs_event_class gs_event_class_of(gs_class c)
{
    return c == GS_TRAINING ? GS_EVCLS_TRAINING : GS_EVCLS_INFERENCE;
}

int gs_event_covers_class(const gs_event *ev, gs_class c)
{
    return ev->cls == GS_EVCLS_ALL || ev->cls == gs_event_class_of(c);
}

static int in_years(int64_t t)
{
    return t >= GS_EVENT_TIME_MIN_S && t <= GS_EVENT_TIME_MAX_S;
}

/* A time for a message: ISO 8601 when within the years, else seconds. buf: 40 bytes. */
static const char *time_text(int64_t t, char *buf)
{
    if (in_years(t))
        gs_format_time(t, buf);
    else
        snprintf(buf, 40, "%" PRId64 " s", t);
    return buf;
}

static int bad(gs_error *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(gs_error *err, const char *field, const char *fmt, ...)
{
    char msg[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return gs_error_set(err, GS_EINPUT, NULL, 0, 0, field, "%s", msg);
}

int gs_event_validate(const gs_event *ev, const gs_fleet *f, gs_error *err)
{
    char a[40], b[40];
    if (ev->kind < GS_PEV_REDUCE_TO || ev->kind > GS_PEV_RESERVE_DEPLOY)
        return bad(err, "type", "expected one of reduce_to, reduce_by, price, peak, "
                                "reserve_deploy, found kind %d", (int)ev->kind);
    switch (ev->scope) {
    case GS_SCOPE_FLEET:
        break;
    case GS_SCOPE_SITE:
        if (ev->scope_index < 0 || (f && (size_t)ev->scope_index >= f->nsites))
            return bad(err, "site", "expected a site of fleet '%.100s', found site index %d",
                       f ? f->name : "?", ev->scope_index);
        break;
    case GS_SCOPE_ZONE:
        if (ev->scope_index < 0 || (f && (size_t)ev->scope_index >= f->nzones))
            return bad(err, "zone", "expected a zone of fleet '%.100s', found zone index %d",
                       f ? f->name : "?", ev->scope_index);
        break;
    default:
        return bad(err, "site", "expected a scope (the fleet, a site or a zone), found scope %d",
                   (int)ev->scope);
    }
    if (ev->cls != GS_EVCLS_ALL && ev->cls != GS_EVCLS_TRAINING && ev->cls != GS_EVCLS_INFERENCE)
        return bad(err, "class", "expected training or inference (or none: all load), found "
                                 "class %d", (int)ev->cls);
    if (!in_years(ev->start_s))
        return bad(err, "start", "expected a time in the years 0001 to 9999, found %s",
                   time_text(ev->start_s, a));
    if (!in_years(ev->end_s))
        return bad(err, "end", "expected an end in the years 0001 to 9999 (at most "
                               "9999-12-31T23:59:59Z), found %s", time_text(ev->end_s, a));
    if (ev->end_s <= ev->start_s)
        return bad(err, "end", "expected an end after the start %s, found %s",
                   time_text(ev->start_s, a), time_text(ev->end_s, b));
    if (ev->notice_s < 0 || ev->notice_s > GS_EVENT_DURATION_MAX_S)
        return bad(err, "notice", "expected a notice of 0 to 100 years (%" PRId64 " s), found "
                                  "%" PRId64 " s", GS_EVENT_DURATION_MAX_S, ev->notice_s);
    /* both terms are bounded: no overflow */
    if (ev->start_s - ev->notice_s < GS_EVENT_TIME_MIN_S)
        return bad(err, "notice", "expected the announcement (start - notice) in the years "
                                  "0001 to 9999, found %s - %" PRId64 " s",
                   time_text(ev->start_s, a), ev->notice_s);
    if (ev->ramp_s < 0 || ev->ramp_s > GS_EVENT_DURATION_MAX_S)
        return bad(err, "ramp", "expected a ramp of 0 to 100 years (%" PRId64 " s), found "
                                "%" PRId64 " s", GS_EVENT_DURATION_MAX_S, ev->ramp_s);
    if (ev->kind == GS_PEV_PRICE) {
        if (!isfinite(ev->price_usd_per_mwh) ||
            fabs(ev->price_usd_per_mwh) > GS_EVENT_MAX_PRICE_USD_PER_MWH)
            return bad(err, "price_usd_per_mwh", "expected a price of -%.0f to %.0f USD/MWh, "
                                                 "found %g", GS_EVENT_MAX_PRICE_USD_PER_MWH,
                       GS_EVENT_MAX_PRICE_USD_PER_MWH, ev->price_usd_per_mwh);
    } else {
        if (!isfinite(ev->mw))
            return bad(err, "mw", "expected a finite number of MW, found %g", ev->mw);
        if (ev->mw < 0)
            return bad(err, "mw", "expected a target of at least 0 MW, found %g MW", ev->mw);
        if (ev->mw > GS_EVENT_MAX_MW)
            return bad(err, "mw", "expected a target of at most %.0f MW (a terawatt), found %g MW",
                       GS_EVENT_MAX_MW, ev->mw);
    }
    if (ev->asks_inference_shed && ev->cls == GS_EVCLS_TRAINING)
        return bad(err, "shed_inference", "expected no shed_inference on an event for training "
                                          "load only (class training), found true");
    return GS_OK;
}

int gs_events_scopes_meet(const gs_fleet *f, const gs_event *a, const gs_event *b)
{
    if (a->cls != GS_EVCLS_ALL && b->cls != GS_EVCLS_ALL && a->cls != b->cls)
        return 0;
    if (a->scope == GS_SCOPE_FLEET || b->scope == GS_SCOPE_FLEET)
        return 1;
    if (a->scope == b->scope)
        return a->scope_index == b->scope_index;
    const gs_event *s = a->scope == GS_SCOPE_SITE ? a : b, *z = a->scope == GS_SCOPE_ZONE ? a : b;
    return f && s->scope_index >= 0 && (size_t)s->scope_index < f->nsites &&
           f->sites[s->scope_index].zone == z->scope_index;
}

typedef struct order {
    int64_t start;
    size_t idx;
} order;

static int cmp_order(const void *pa, const void *pb)
{
    const order *x = pa, *y = pb;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* The indices of evs in (start, index) order; NULL when out of memory. */
static order *time_order(const gs_event *evs, size_t n)
{
    order *o = malloc((n ? n : 1) * sizeof *o);
    if (!o)
        return NULL;
    for (size_t i = 0; i < n; i++)
        o[i] = (order){evs[i].start_s, i};
    qsort(o, n, sizeof *o, cmp_order);
    return o;
}

int gs_events_sort(gs_event *evs, size_t n, gs_error *err)
{
    if (n < 2)
        return GS_OK;
    order *o = time_order(evs, n);
    gs_event *tmp = malloc(n * sizeof *tmp);
    if (!o || !tmp) {
        free(o);
        free(tmp);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        tmp[i] = evs[o[i].idx];
    memcpy(evs, tmp, n * sizeof *tmp);
    free(o);
    free(tmp);
    return GS_OK;
}

/* The latest end among the events recorded in one slot (a scope and one load class). */
typedef struct slot {
    int64_t end;
    size_t ev;        /* the event that ends then; SIZE_MAX: none yet */
} slot;

static void look(const slot *s, slot *best)
{
    if (s->ev != SIZE_MAX && (best->ev == SIZE_MAX || s->end > best->end))
        *best = *s;
}

int gs_events_check_overlap(const gs_event *evs, size_t n, const gs_fleet *f, gs_error *err)
{
    if (n < 2)
        return GS_OK;
    size_t ns = f ? f->nsites : 0, nz = f ? f->nzones : 0;
    /* slots: [site][class], then [zone][class], then [fleet][class] */
    size_t nslots = 2 * (ns + nz + 1);
    slot *sl = malloc(nslots * sizeof *sl);
    order *o = time_order(evs, n);
    if (!sl || !o) {
        free(sl);
        free(o);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t i = 0; i < nslots; i++)
        sl[i] = (slot){0, SIZE_MAX};
    slot *site = sl, *zone = sl + 2 * ns, *fleet = sl + 2 * (ns + nz);
    int rc = GS_OK;
    for (size_t k = 0; k < n && rc == GS_OK; k++) {
        const gs_event *e = &evs[o[k].idx];
        int c0 = e->cls == GS_EVCLS_INFERENCE ? 1 : 0, c1 = e->cls == GS_EVCLS_TRAINING ? 0 : 1;
        int idx = e->scope_index;
        int ok_site = e->scope == GS_SCOPE_SITE && idx >= 0 && (size_t)idx < ns;
        int ok_zone = e->scope == GS_SCOPE_ZONE && idx >= 0 && (size_t)idx < nz;
        slot best = {0, SIZE_MAX};
        for (int c = c0; c <= c1; c++) {
            look(&fleet[c], &best);
            if (ok_site) {
                look(&site[2 * (size_t)idx + (size_t)c], &best);
                int z = f->sites[idx].zone;
                if (z >= 0 && (size_t)z < nz)
                    look(&zone[2 * (size_t)z + (size_t)c], &best);
            } else if (ok_zone || e->scope == GS_SCOPE_FLEET) {
                if (e->scope == GS_SCOPE_FLEET)
                    for (size_t z = 0; z < nz; z++)
                        look(&zone[2 * z + (size_t)c], &best);
                else
                    look(&zone[2 * (size_t)idx + (size_t)c], &best);
                for (size_t s = 0; s < ns; s++)
                    if (e->scope == GS_SCOPE_FLEET || f->sites[s].zone == idx)
                        look(&site[2 * s + (size_t)c], &best);
            }
        }
        if (best.ev != SIZE_MAX && best.end > e->start_s) {
            const gs_event *p = &evs[best.ev];
            char a[40], b[40];
            rc = gs_error_set(err, GS_EINPUT, NULL, 0, 0, e->id,
                              "expected events over the same site or zone (and load class) not "
                              "to overlap, found '%s' starting at %s before '%s' ends at %s",
                              e->id, time_text(e->start_s, b), p->id, time_text(p->end_s, a));
            break;
        }
        slot *own = ok_site ? &site[2 * (size_t)idx] : ok_zone ? &zone[2 * (size_t)idx] : fleet;
        if (e->scope != GS_SCOPE_FLEET && !ok_site && !ok_zone)
            continue; /* an index out of range: gs_event_validate refuses it */
        for (int c = c0; c <= c1; c++)
            if (own[c].ev == SIZE_MAX || e->end_s > own[c].end)
                own[c] = (slot){e->end_s, o[k].idx};
    }
    free(sl);
    free(o);
    return rc;
}

int gs_site_has_training(const gs_fleet *f, int site)
{
    for (size_t c = 0; c < f->nclusters; c++)
        if (f->clusters[c].site == site && f->clusters[c].cls == GS_TRAINING)
            return 1;
    return 0;
}

int gs_events_to_route_caps(const gs_event *evs, size_t n, const gs_fleet *f, gs_route_cap *out,
                            gs_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const gs_event *e = &evs[i];
        int rc = gs_event_validate(e, f, err);
        if (rc < 0)
            return rc;
        if (e->kind != GS_PEV_REDUCE_TO)
            return bad(err, "type", "event '%s': expected a reduce_to (route takes caps on a "
                                    "site's inference load), found type %s",
                       e->id, gs_plan_event_kind_name(e->kind));
        if (e->scope != GS_SCOPE_SITE)
            return bad(err, e->scope == GS_SCOPE_ZONE ? "zone" : "site",
                       "event '%s': expected a site (route caps one site's inference load), "
                       "found %s%s%s", e->id,
                       e->scope == GS_SCOPE_ZONE ? "zone '" : "the whole fleet",
                       e->scope == GS_SCOPE_ZONE && f && e->scope_index >= 0 &&
                               (size_t)e->scope_index < f->nzones
                           ? f->zones[e->scope_index].id
                           : "",
                       e->scope == GS_SCOPE_ZONE ? "'" : "");
        if (e->scope_index < 0 || (f && (size_t)e->scope_index >= f->nsites))
            return bad(err, "site", "event '%s': expected a site of the fleet, found site index "
                                    "%d", e->id, e->scope_index);
        const char *site = f ? f->sites[e->scope_index].id : "?";
        if (e->cls == GS_EVCLS_TRAINING)
            return bad(err, "class", "event '%s': expected class inference (routing only moves "
                                     "inference), found class training", e->id);
        if (e->cls == GS_EVCLS_ALL && f && gs_site_has_training(f, e->scope_index))
            return bad(err, "class", "event '%s': expected \"class\": \"inference\": site '%s' "
                                     "runs training, and routing only moves inference (route "
                                     "caps the site's inference load); found no class (all "
                                     "load)", e->id, site);
        if (e->asks_inference_shed)
            return bad(err, "shed_inference", "event '%s': expected no shed_inference (a cap "
                                              "moves inference load; what no site can take is "
                                              "reported unserved), found true", e->id);
        if (e->end_s - e->start_s <= e->ramp_s)
            return bad(err, "ramp", "event '%s': expected a ramp shorter than the event "
                                    "(%" PRId64 " s), found %" PRId64 " s: the cap would never "
                                    "apply", e->id, e->end_s - e->start_s, e->ramp_s);
        gs_route_cap *c = &out[i];
        memset(c, 0, sizeof *c);
        snprintf(c->id, sizeof c->id, "%s", e->id);
        c->site = e->scope_index;
        c->from_s = e->start_s + e->ramp_s;
        c->to_s = e->end_s;
        c->mw = e->mw;
    }
    return GS_OK;
}
