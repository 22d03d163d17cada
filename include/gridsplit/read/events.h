/* gridsplit event files: THE one reader of grid events (src/read/events.c) for every command
 * that takes them (plan, route, flex, simulate; later the daemon). One file holds the native
 * form (one event object, or {"events": [...]}), OpenADR 3 events (one EVENT object, or an
 * array of them), or the old route-cap form ({"events": [{"id", "site", "from", "to",
 * "cap_mw"}]}), which is read as reduce_to events on the site's inference load with a warning
 * that shows the same event in the native form. docs/events.md describes the format. */
#ifndef GRIDSPLIT_READ_EVENTS_H
#define GRIDSPLIT_READ_EVENTS_H

#include <stddef.h>
#include "gridsplit/error.h"
#include "gridsplit/event.h"
#include "gridsplit/fleet.h"
#include "gridsplit/plan.h"
#include "gridsplit/route.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_EVENTS_WARNING_MAX 2048
/** The largest event file or body read (32 MiB): 100,000 events (GS_EVENTS_MAX) fit in it; more
 * is refused before it is parsed (an endless pipe, /dev/zero through a pipe, a 74 MB file of a
 * million OpenADR intervals that would take 1.2 GB to parse). */
#define GS_EVENTS_MAX_BYTES (32 << 20)

/** Options of gs_events_read (zero-initialise: the planner's defaults). */
typedef struct gs_events_read_opts {
    int keep_file_order;   /**< 0: events in time order (stable: ties keep the file's order);
                                1: in the file's order (route lists its caps as written) */
    int allow_overlap;     /**< 0: refuse events over meeting scopes whose windows overlap (the
                                planner plans one at a time); 1: allow them (route: the lowest
                                cap applies) */
    int require_events;    /**< 1: a file without events is bad input ("expected a non-empty
                                list of events"), as for plan, flex and simulate */
    char warning[GS_EVENTS_WARNING_MAX]; /**< out: empty, or one line for the user (without
                                a trailing newline) when the file used the old route-cap form:
                                "PATH: events[0]: ... {the same event in the native form}";
                                the caller prints it (gridsplit CMD: warning: ...) */
} gs_events_read_opts;

/** Read an event file against fleet f: each event (each interval of an OpenADR event) becomes
 * one gs_event. Checks every field: known keys, a site or zone the fleet has, a class, times
 * in the years 0001..9999, durations of the one grammar (gs_duration_parse, at most 100
 * years), MW and prices within their limits (gridsplit/event.h), every event valid
 * (gs_event_validate), at most GS_EVENTS_MAX events, and (unless opts->allow_overlap) no
 * overlap over meeting scopes. {"events": []} gives *n = 0. opts may be NULL (defaults; the
 * warning is then dropped). *out is owned by the caller (free()); NULL with *n = 0 on error.
 * Errors name the file, the field path (events[2].mw, intervals[0].intervalPeriod.duration),
 * the expected and the found value: GS_EINPUT (exit 2; also a missing file: "PATH: no such
 * file", a directory: "PATH: is a directory", a device or an unreadable file: the reason, as
 * gs__path_check says; a file of more than GS_EVENTS_MAX_BYTES: "expected an event file of at
 * most 32 MiB, found more"), GS_ENOMEM. path "-" reads standard input. A UTF-8 byte order mark
 * opening the text is skipped. */
int gs_events_read(const char *path, const gs_fleet *f, gs_event **out, size_t *n,
                   gs_events_read_opts *opts, gs_error *err);

/** gs_events_read of a document in memory (the daemon's POST /v1/events): buf[0..len) is the
 * JSON text, name what errors call it ("POST /v1/events"). The same checks and errors, with
 * line and column in the body. */
int gs_events_read_buffer(const char *name, const char *buf, size_t len, const gs_fleet *f,
                          gs_event **out, size_t *n, gs_events_read_opts *opts, gs_error *err);

/** What `route` takes: gs_events_read in the file's order, overlaps allowed (the lowest cap
 * applies), then gs_events_to_route_caps (reduce_to on a site's inference load; anything else
 * is refused with a message saying what route takes). opts may be NULL; its order and overlap
 * settings are ignored (route's always apply); its warning is filled as gs_events_read's.
 * *caps is caller-owned (free()). Errors as gs_events_read, and the conversion's (err->field
 * the event's key, the message naming the event). */
int gs_route_caps_read(const char *path, const gs_fleet *f, gs_route_cap **caps, size_t *n,
                       gs_events_read_opts *opts, gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
