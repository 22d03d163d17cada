/* ven.h: the daemon's OpenADR 3 VEN (docs/openadr.md): on its own thread, it authenticates to a
 * utility's VTN (OAuth2 client credentials, the token URL from /auth/server, refreshed before
 * expiry and after a 401), registers the VEN (VEN_VEN_REQUEST) once, polls the programs and
 * events it follows, turns each event's intervals into the daemon's events (the one event
 * format: IMPORT_CAPACITY_LIMIT and IMPORT_CAPACITY_SUBSCRIPTION -> reduce_to, SIMPLE levels ->
 * reduce_by a share of the site's load, PRICE -> price) at the site its targets name, hands them
 * to the daemon as POST /v1/events does (source "ven"), cancels those the VTN withdraws or
 * changes, and after each is done POSTs a USAGE report of the load achieved per interval.
 * Liberal in what it reads (FACTS.md: VTNs in the field), strict in what it sends. It never
 * talks to the scheduler; the daemon's main loop acts. */
#ifndef GS_DAEMON_VEN_H
#define GS_DAEMON_VEN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "daemon/config.h"
#include "gridsplit/error.h"
#include "gridsplit/fleet.h"

#ifdef __cplusplus
extern "C" {
#endif

struct gs_serve;
typedef struct gs_ven gs_ven;

/** Start the VEN of s (s->cfg->ven.on) on its own thread. Returns 0, or GS_EINPUT when the
 * configuration names a site the fleet lacks, GS_ERUNTIME when the thread cannot start. The
 * VTN need not be reachable: the VEN keeps trying and logs why. */
int gs_ven_start(struct gs_serve *s, gs_ven **out, gs_error *err);
/** Stop and free (NULL is fine): the thread ends within a second or the current request's
 * timeout. */
void gs_ven_stop(gs_ven *v);

/** Poll now (a notification from the VTN arrived). */
void gs_ven_wake(gs_ven *v);

/** Counters for /metrics and /v1/health. */
typedef struct gs_ven_status {
    bool registered;
    char ven_id[128];
    unsigned long polls, poll_errors, events_taken, events_refused, reports_sent, report_errors;
    unsigned long notifications;
    bool subscribed;
    double last_poll_s;
    char last_error[256];
} gs_ven_status;
void gs_ven_status_get(gs_ven *v, gs_ven_status *st);

/* ---- the translation, pure (tested on its own) ------------------------------------------- */

/** One OpenADR 3 event object into the daemon's events: a native document
 * {"events": [...]} per run of consecutive intervals of one kind (*docs[0..*ndocs), each with
 * its own ext id "EVENTID@MODIFIED#RUN" in ext[]), for the fleet site its targets name. now_s
 * stands for a start of "0001-01-01" (OpenADR's "now"); site_mw(site) gives the site's load
 * now (SIMPLE levels are shares of it). Returns 0 with *ndocs 0 and why filled when the event is
 * not for this VEN or has nothing to act on (past, level 0, no known payload), -1 with why for an
 * event it cannot read. Caller frees docs[i] (json_decref), docs and ext. */
int gs_ven_translate(const gs_ven_config *vc, const gs_fleet *f, const json_t *event,
                     double now_s, double (*site_mw)(void *ctx, int site), void *ctx,
                     json_t ***docs, char ***ext, size_t *ndocs, char *why, size_t why_len);

/** A time as VTNs send it ("2026-12-07T17:00:00Z", "...00.123+01:00", "2026-12-07 17:00:00"
 * without a zone = UTC) into UTC seconds; false when unreadable. */
bool gs_ven_time(const char *text, double *t);

#ifdef __cplusplus
}
#endif
#endif
