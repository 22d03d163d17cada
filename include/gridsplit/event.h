/* gridsplit events: THE one event model. A grid event asks for something of the fleet's load
 * at a scope (a site, a zone or the whole fleet; optionally only one load class there) over a
 * window [start, end), announced `notice` ahead and applying from `start + ramp`: keep the
 * load at or below MW (reduce_to), take MW off (reduce_by), a price, a capacity peak hour, a
 * reserve deployment. The planner (gridsplit/plan.h) plans them; routing (gridsplit/route.h)
 * takes the ones that cap a site's inference load as gs_route_cap. Every command that takes
 * events reads them with the one reader (gridsplit/read/events.h, docs/events.md).
 *
 * Model layer: pure data and its invariants (src/model/event.c): names, validation, the
 * overlap rule, the time order and the conversion to route caps. No I/O, no clock, no globals;
 * deterministic. */
#ifndef GRIDSPLIT_EVENT_H
#define GRIDSPLIT_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/fleet.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What an event asks. The names (gs_plan_event_kind_name) are the native form's "type". */
typedef enum gs_plan_event_kind {
    GS_PEV_REDUCE_TO = 1,   /**< keep the scope's load at or below mw */
    GS_PEV_REDUCE_BY,       /**< take mw off the scope's load */
    GS_PEV_PRICE,           /**< an energy price (USD/MWh) over the window: curtail when it pays */
    GS_PEV_PEAK,            /**< a capacity peak hour (the hours that set the obligation) */
    GS_PEV_RESERVE_DEPLOY,  /**< a deployment of a reserve product the fleet offered: mw deployed */
} gs_plan_event_kind;
/** "reduce_to", "reduce_by", "price", "peak", "reserve_deploy" ("?" for anything else) */
const char *gs_plan_event_kind_name(gs_plan_event_kind k);
/** The reverse of gs_plan_event_kind_name: the kind, or -1 for an unknown name (or NULL). */
int gs_plan_event_kind_parse(const char *name);

typedef enum gs_scope { GS_SCOPE_FLEET = 0, GS_SCOPE_SITE, GS_SCOPE_ZONE } gs_scope;

/** The load class an event is about. 0 is all load, so that a zero-initialised gs_event
 * means what it always meant. "A cap on a site's inference" is a reduce_to on that site with
 * GS_EVCLS_INFERENCE. */
typedef enum gs_event_class {
    GS_EVCLS_ALL = 0,       /**< all load at the scope (both classes, idle GPUs, PUE) */
    GS_EVCLS_TRAINING,      /**< only the training load at the scope */
    GS_EVCLS_INFERENCE,     /**< only the inference load at the scope */
} gs_event_class;
/** "all", "training", "inference" ("?" for anything else) */
const char *gs_event_class_name(gs_event_class c);
/** The event class of one load class (GS_TRAINING -> GS_EVCLS_TRAINING, ...). */
gs_event_class gs_event_class_of(gs_class c);

/** One grid event (one interval of an OpenADR event becomes one gs_event). Zero-initialised,
 * then kind, times and mw set: a fleet-wide event on all load, no notice, no ramp. */
typedef struct gs_event {
    char id[GS_ID_MAX];
    gs_plan_event_kind kind;
    gs_scope scope;
    int scope_index;          /**< site or zone index for GS_SCOPE_SITE / GS_SCOPE_ZONE */
    gs_event_class cls;       /**< the load class in scope (GS_EVCLS_ALL: all load) */
    int64_t start_s, end_s;   /**< UTC, [start, end) */
    int64_t notice_s;         /**< announced this long before start (decisions are made then) */
    int64_t ramp_s;           /**< the target applies from start + ramp; a lever that cannot act
                                   by then is not used */
    double mw;                /**< reduce_to: the limit; reduce_by / reserve_deploy: the cut;
                                   peak: a limit when > 0 */
    double price_usd_per_mwh; /**< price events */
    int asks_inference_shed;  /**< the event explicitly asks inference load to be shed */
} gs_event;

/** 1 when load of class c at ev's scope is in ev's scope (ev->cls is all or c). */
int gs_event_covers_class(const gs_event *ev, gs_class c);

/* ---- limits: what gs_event_validate accepts ------------------------------------------- */

/** Times: years 0001 to 9999 (0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z), for start, end
 * and the announcement start - notice. */
#define GS_EVENT_TIME_MIN_S INT64_C(-62135596800)
#define GS_EVENT_TIME_MAX_S INT64_C(253402300799)
/** Notice and ramp: 0 .. 100 years of 365.25 days (the largest duration, docs/durations.md). */
#define GS_EVENT_DURATION_MAX_S INT64_C(3155760000)
/** MW of a target, limit, cut or cap: 0 .. 1,000,000 MW (a terawatt: every grid on Earth
 * together peaks at a few TW; a larger figure is a typo or units in W). */
#define GS_EVENT_MAX_MW 1e6
/** Prices: -1,000,000 .. 1,000,000 USD/MWh (market caps are a few thousand). */
#define GS_EVENT_MAX_PRICE_USD_PER_MWH 1e6
/** Events (OpenADR intervals included) in one file or one list. */
#define GS_EVENTS_MAX 100000

/** Check one event against the fleet f (f may be NULL: scope indices are then only checked to
 * be >= 0): a known kind, scope and class; start and end within years 0001..9999 with
 * end > start; notice and ramp within 0..GS_EVENT_DURATION_MAX_S and start - notice within
 * the years too; mw finite, >= 0 and <= GS_EVENT_MAX_MW (not for price events); a finite
 * price within +-GS_EVENT_MAX_PRICE_USD_PER_MWH (price events); a site or zone index the
 * fleet has; no shed_inference on an event for training load only. Pure arithmetic, no
 * overflow for any field values. Returns 0 or GS_EINPUT with err->field the event's key
 * ("type", "site", "zone", "class", "start", "end", "notice", "ramp", "mw",
 * "price_usd_per_mwh", "shed_inference") and a message naming the limit and the value found;
 * err->file is left empty for the caller. */
int gs_event_validate(const gs_event *ev, const gs_fleet *f, gs_error *err);

/** 1 when a and b are over intersecting scopes (the fleet meets everything; a zone meets its
 * sites; classes meet unless one is training and the other inference). */
int gs_events_scopes_meet(const gs_fleet *f, const gs_event *a, const gs_event *b);

/** Sort evs by start time, stably (events starting together keep their order). Returns 0 or
 * GS_ENOMEM (evs unchanged). */
int gs_events_sort(gs_event *evs, size_t n, gs_error *err);

/** Refuse events over meeting scopes (gs_events_scopes_meet) whose windows overlap: the
 * planner plans one event at a time per scope. evs in any order, checked against f (not
 * NULL: the zones of its sites); O(n log n + n x (sites + zones)). Returns 0, GS_EINPUT (err->field the later event's id; the message names both
 * events and the times) or GS_ENOMEM. */
int gs_events_check_overlap(const gs_event *evs, size_t n, const gs_fleet *f, gs_error *err);

/* ---- route caps: the events routing takes --------------------------------------------- */

/** A grid cap on a site's inference draw (MW at the grid connection, PUE included) over
 * [from_s, to_s): what routing takes (gridsplit/route.h). Several caps on one site at once:
 * the lowest applies. */
typedef struct gs_route_cap {
    char id[GS_ID_MAX];          /**< the event's name (reports) */
    int site;                    /**< index into fleet->sites */
    int64_t from_s, to_s;
    double mw;                   /**< >= 0 */
} gs_route_cap;

/** 1 when site s of f runs some training (a cluster of class training). */
int gs_site_has_training(const gs_fleet *f, int site);

/** Convert events to route caps, one cap per event, in the same order, into out[n]: an event
 * is a cap when it is a reduce_to at a site, on the site's inference load (class inference,
 * or class all at a site that runs no training); the cap holds from start + ramp to end, at
 * mw. Anything else is refused (GS_EINPUT, err->field the event's key, the message naming the
 * event and saying what route takes): another type, a zone or the fleet, class training,
 * class all at a site that also runs training (routing only moves inference: give class
 * inference), shed_inference, a ramp as long as the window. err->file is left to the caller.
 * Returns 0 or GS_EINPUT. */
int gs_events_to_route_caps(const gs_event *evs, size_t n, const gs_fleet *f, gs_route_cap *out,
                            gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
