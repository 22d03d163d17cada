/* gridsplit event files: grid events (native JSON or OpenADR 3) read against a fleet
 * (src/read/events.c). */
#ifndef GRIDSPLIT_READ_EVENTS_H
#define GRIDSPLIT_READ_EVENTS_H

#include <stddef.h>
#include "gridsplit/error.h"
#include "gridsplit/fleet.h"
#include "gridsplit/plan.h"
#include "gridsplit/route.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Read an event file (JSON: the native form or an OpenADR 3 event; docs/plan.md) against
 * fleet f: each interval becomes one gs_event, in time order. Checks every field (a site or
 * zone the fleet has, times, durations, MW >= 0, no overlapping intervals in one scope).
 * *out is owned by the caller (free()). Errors name the file, the field path, the expected
 * and the found value: GS_EINPUT. */
int gs_events_load(const char *path, const gs_fleet *f, gs_event **out, size_t *n,
                   gs_error *err);

/** Read an events file (JSON, docs/route.md): {"events": [{"id", "site", "from", "to",
 * "cap_mw"}]}. Sites are resolved against f. *caps is caller-owned (free()). Errors are
 * GS_EINPUT naming the file, the field and what was found. */
int gs_route_events_read(const char *path, const gs_fleet *f, gs_route_cap **caps, size_t *n,
                         gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
