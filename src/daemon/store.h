/* store.h: the daemon's journal, one SQLite file in WAL mode (docs/serve.md, "The store").
 * Every grid event, every intent and every outcome of an action is written here before and
 * after it happens (each write is its own committed transaction, synchronous=FULL for intents
 * and outcomes), so that a daemon restarted after kill -9 can see what it meant to do, what it
 * did and what it still owes; load samples (MW by site and class, measured or modelled) are kept
 * for GET /v1/load over past windows and the event reports. One connection, serialised
 * (SQLITE_OPEN_FULLMUTEX): the HTTP threads and the main loop may call in at once. Times are
 * UTC seconds as doubles (millisecond precision). */
#ifndef GS_DAEMON_STORE_H
#define GS_DAEMON_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_store gs_store;

/** Open (creating it and its schema when new) the store at path. The schema has a version
 * (PRAGMA user_version); a file of another version or that is not SQLite is GS_EINPUT with a
 * message naming the file. Another daemon holding the store is refused (an exclusive lock on
 * "PATH.lock", held until gs_store_close): GS_ERUNTIME "PATH is in use by process N". */
int gs_store_open(const char *path, gs_store **out, gs_error *err);
void gs_store_close(gs_store *s);

/* ---- events ------------------------------------------------------------------------------ */

/** An event's life: received -> planned -> acting -> active -> restoring -> done; or cancelled
 * (restoring follows when anything was touched) or failed (with a note). */
typedef struct gs_store_event {
    int64_t id;                /**< the daemon's id (GET /v1/events/{id}) */
    char ext_id[64];           /**< the event's own id (native id, OpenADR event id) */
    char source[16];           /**< "post", "ven", "file" */
    char who[64];              /**< the token's name that posted it */
    double received_s;
    double start_s, end_s;     /**< the event's window (the union of its intervals) */
    char state[16];
    double state_s;            /**< when it entered that state */
    char note[256];
    char *body;                /**< the event as received (JSON text); owned */
    char *plan;                /**< the plan as JSON (write/plan_json.c), NULL before planning;
                                    owned */
} gs_store_event;

void gs_store_event_clear(gs_store_event *e); /**< frees body and plan */
void gs_store_events_free(gs_store_event *e, size_t n);

/** Add an event in state "received"; its id into *id. */
int gs_store_event_add(gs_store *s, const char *ext_id, const char *source, const char *who,
                       double received_s, double start_s, double end_s, const char *body,
                       int64_t *id, gs_error *err);
/** Set its state (and note, NULL keeps it) at at_s. */
int gs_store_event_state(gs_store *s, int64_t id, const char *state, const char *note,
                         double at_s, gs_error *err);
int gs_store_event_plan(gs_store *s, int64_t id, const char *plan_json, gs_error *err);
/** One event; GS_EINPUT "no event N" when there is none. */
int gs_store_event_get(gs_store *s, int64_t id, gs_store_event *out, gs_error *err);
/** Events, newest first (by id), at most limit (0 = no limit): all (open_only false) or those
 * whose state is neither "done" nor "failed" (open_only true: what a restarted daemon still
 * owes). A "cancelled" event is still open: its restore may be owed; the runner sets "done"
 * (with a note) once it is restored. *out owned by the caller (gs_store_events_free). */
int gs_store_events_list(gs_store *s, bool open_only, size_t limit, gs_store_event **out,
                         size_t *n, gs_error *err);
/** An event with this ext_id and source that is not done, failed or cancelled (a repeated POST
 * or a VEN poll must not start it twice), the newest, its id into *id; *id = 0 (and 0 returned)
 * when there is none. ext_id is compared as stored: cut to the field's size. */
int gs_store_event_find(gs_store *s, const char *ext_id, const char *source, int64_t *id,
                        gs_error *err);

/* ---- actions: intent before, outcome after ------------------------------------------------ */

typedef struct gs_store_action {
    int64_t id;
    int64_t event_id;
    uint32_t job_id;           /**< scheduler job id; 0 for site-wide actions (router) */
    char job_name[64];
    char lever[16];            /**< "checkpoint", "suspend", "resume", "requeue", "cap",
                                    "uncap", "route", "release" */
    double arg;                /**< cap: watts per GPU; checkpoint: signal number; else 0 */
    int attempt;               /**< 1, 2, ... */
    char phase[12];            /**< "intent" (no outcome yet), "done", "failed", "skipped" */
    double intent_s;
    double outcome_s;          /**< 0 while an intent */
    double elapsed_ms;
    char state_after[32];      /**< the job's state read back after it ("suspended", ...) */
    char detail[256];          /**< the scheduler's or hook's words, or why skipped */
    double mw_before, mw_after;/**< the planner's figures for the job (0 when none) */
} gs_store_action;

/** Journal an intent (phase "intent") before acting; its id into *id. a's id, phase, outcome_s,
 * elapsed_ms and state_after are ignored; its detail is kept (why it is done). GS_EINPUT for
 * an event_id that names no event, an empty lever, attempt < 1 or a number not finite. */
int gs_store_action_intent(gs_store *s, const gs_store_action *a, int64_t *id, gs_error *err);
/** Journal the outcome of intent id: phase "done", "failed" or "skipped" (state_after NULL is
 * "", detail NULL keeps the intent's). Once only: GS_EINPUT for no action id or an action that
 * has its outcome already. */
int gs_store_action_outcome(gs_store *s, int64_t id, const char *phase, double at_s,
                            double elapsed_ms, const char *state_after, const char *detail,
                            gs_error *err);
/** Actions of one event (event_id > 0) or of all (0), with id > after_id, in id order, at most
 * limit (0 = all). *out owned by the caller (free()). */
int gs_store_actions_list(gs_store *s, int64_t event_id, int64_t after_id, size_t limit,
                          gs_store_action **out, size_t *n, gs_error *err);

/** A batch: the intents (or outcomes) written between gs_store_batch_begin and
 * gs_store_batch_end are one transaction, so one sync to disk for all of them (the runner
 * journals every intent of a tick before it takes any step, and their outcomes after). Other
 * threads wait on the store meanwhile. Calls of one thread; gs_store_batch_end always ends the
 * batch (on a failed commit nothing of it is kept: ROLLBACK). Returns 0 or a negative gs_err. */
int gs_store_batch_begin(gs_store *s, gs_error *err);
int gs_store_batch_end(gs_store *s, gs_error *err);

/* ---- load samples ------------------------------------------------------------------------ */

typedef struct gs_store_sample {
    double at_s;
    char site[64];             /**< fleet site id */
    char cls[16];              /**< "training", "inference", "unclassified" */
    double mw;
    bool measured;             /**< from telemetry (else modelled) */
    int jobs;                  /**< running jobs of that class there */
    int racks;                 /**< racks of that class there */
} gs_store_sample;

/** Add n samples in one transaction. */
int gs_store_samples_add(gs_store *s, const gs_store_sample *rows, size_t n, gs_error *err);
/** Samples with from_s <= at_s < to_s, of one site (NULL or "" = all), in time order.
 * *out owned by the caller (free()). */
int gs_store_samples_range(gs_store *s, double from_s, double to_s, const char *site,
                           gs_store_sample **out, size_t *n, gs_error *err);
/** Delete samples older than before_s. */
int gs_store_samples_prune(gs_store *s, double before_s, gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
