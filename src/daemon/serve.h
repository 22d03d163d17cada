/* serve.h: `gridsplit serve`, the daemon above the workload scheduler (docs/serve.md). One
 * struct holds its state and is passed around (no globals): the configuration, the fleet, the
 * journal (store.h), the scheduler (sched.h), telemetry (telemetry.h), the HTTP server
 * (http.h) and the events it is carrying out (runner.c). Threads: the main loop (serve.c) is
 * the only one that talks to the scheduler and the hooks; the HTTP threads (api.c) read
 * snapshots it publishes under `mu`, write to the store, and hand new events and cancellations
 * to the main loop through queues under `mu`. */
#ifndef GS_DAEMON_SERVE_H
#define GS_DAEMON_SERVE_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "daemon/config.h"
#include "daemon/http.h"
#include "daemon/live.h"
#include "daemon/sched.h"
#include "daemon/store.h"
#include "daemon/telemetry.h"
#include "gridsplit/read/netcost.h"
#include "gridsplit/event.h"
#include "gridsplit/fleet.h"
#include "gridsplit/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What the runner does to one job in one event: the plan's lever turned into steps, and what
 * the journal says has been done (rebuilt from the journal after a restart). */
typedef struct gs_ev_ctl {
    uint32_t job_id;
    char job_name[64];
    gs_lever lever;
    double cap_w;              /**< cap: watts per GPU */
    int signo;                 /**< checkpoint signal number (0: none) */
    double act_s;              /**< when the first step starts (UTC) */
    double suspend_s;          /**< when the suspend is due (after the checkpoint) */
    double until_s;            /**< when the lever ends (then the job is restored) */
    double mw_before, mw_after, cost_usd, tier, throughput;
    /* from the journal */
    bool signalled, suspended, capped, restored, failed;
    int attempts;              /**< failed attempts of the current step */
    double next_try_s;         /**< after a failed attempt: when to try again */
    double restored_s;         /**< when its restore was confirmed */
    char fail_note[160];
} gs_ev_ctl;

/** One open event being carried out. */
typedef struct gs_ev_rt {
    int64_t id;
    size_t nevs;
    gs_event *evs;             /**< its intervals (one for most events), in time order */
    double start_s, end_s;     /**< the union of the intervals */
    double decide_s;           /**< when it is planned: start - notice (now, if that is past) */
    bool planned, cancelled, finished;
    char state[16];            /**< as last journaled */
    int replans;               /**< re-plans after failed actions */
    size_t nctl, capctl;
    gs_ev_ctl *ctl;
    double target_mw;          /**< reduction asked (first interval) */
    double limit_mw;           /**< the MW the scope should be at or below (NAN when none) */
    double baseline_mw;        /**< the scope's load when planned */
    double planned_mw;         /**< reduction planned */
    /* inference shifted through the router (hooks.router): the planner's shortfall at a site
     * with inference in scope is offered to the service's other sites (shift.h) */
    double route_mw;           /**< MW asked of the router; 0: no shift */
    bool routed, route_restored;
    int route_attempts;
    double route_next_s;
    char note[256];
} gs_ev_rt;

typedef struct gs_serve {
    gs_serve_config *cfg;
    gs_fleet *fleet;
    gs_route_inputs net;      /**< the fleet's network inputs (its network: section) */
    gs_route_opts route;      /**< the router's options over them: the shift's RTTs */
    gs_store *store;
    gs_sched *sched;
    gs_telemetry *tel;
    gs_mqtt *mqtt;
    gs_http *http;
    struct gs_ven *ven;        /**< the OpenADR 3 VEN, when configured (ven.h) */
    char callback_token[65];   /**< the bearer token the VTN's notifications carry (made at
                                    start, accepted as the token "vtn-callback"); "" none */
    int port;
    double started_s;

    pthread_mutex_t mu;        /**< guards everything below */
    pthread_cond_t wake;       /**< signalled when a queue below grows */
    char *load_json;           /**< GET /v1/load body for now (the latest picture) */
    gs_live live;              /**< the latest picture */
    bool sched_up;
    char sched_note[256];
    int64_t *incoming;         /**< ids of events posted, not yet taken by the main loop */
    size_t nincoming, capincoming;
    int64_t *cancels;          /**< ids of events whose cancellation was asked */
    size_t ncancels, capcancels;
    gs_ev_rt *evs;             /**< open events (main loop owns; api reads under mu) */
    size_t nevs;
    /* counters for /metrics */
    unsigned long events_received, events_refused, actions_done, actions_failed, replans;
    unsigned long http_requests, http_errors, polls, poll_failures;
    double last_poll_s, last_poll_ms;
    double last_plan_ms;       /**< the planner's own time in the last planning (ms) */
    double last_plan_total_ms; /**< the whole planning: state, planner, plan journaled (ms) */

    volatile sig_atomic_t stop;
    pthread_mutex_t logmu;     /**< one log line at a time */
    bool log_text;             /**< text lines instead of JSON lines */
    FILE *log_fp;              /**< where log lines go; NULL: standard error */
} gs_serve;

/** Options of the command line (src/cli/cmd_serve.c). */
typedef struct gs_serve_opts {
    const char *config_path;
    const char *port_file;     /**< write the bound port here once listening (tests) */
    const char *log_format;    /**< "json" (default) or "text" */
} gs_serve_opts;

/** Run the daemon until SIGTERM or SIGINT: load and check the configuration and the fleet,
 * open the journal, connect the scheduler, recover what the journal says is owed, listen, and
 * loop. Returns 0 after a clean stop, or a negative gs_err with err filled. */
int gs_serve_run(const gs_serve_opts *o, gs_error *err);

/** `serve --check`: the configuration and its fleet are loaded and checked; summary gets a few
 * lines saying what was found. Returns 0 or a negative gs_err with err filled. */
int gs_serve_check(const char *config_path, char *summary, size_t len, gs_error *err);

/* ---- inside the daemon ------------------------------------------------------------------- */

/** A structured log line (JSON or text per the options) on standard error; thread-safe. */
void gs_serve_log(gs_serve *s, const char *level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** The current UTC time, seconds with a fraction. */
double gs_serve_now(void);

/** The HTTP handler (api.c): ctx is the gs_serve. */
void gs_serve_api(void *ctx, const gs_http_req *req, gs_http_resp *resp);

/** Take an event (POST /v1/events, the VEN): parse and check it (gs_runner_parse), journal it
 * with its source ("post", "ven") and who sent it, and hand it to the main loop. ext_id: the
 * id to know it by (NULL: the event's own id); an open event of the same source and ext_id is
 * not taken twice (*dup true, *id the first). Returns 0 or a negative gs_err with err. */
int gs_serve_take_event(gs_serve *s, const char *body, size_t len, const char *source,
                        const char *who, const char *ext_id, int64_t *id, bool *dup,
                        gs_error *err);

/** The report of event id as GET /v1/events/{id} gives it, as indented JSON (malloc'ed; NULL
 * when there is no such event or out of memory). */
char *gs_serve_event_report(gs_serve *s, int64_t id);

/** The runner (runner.c), called by the main loop with the lock NOT held. */
/** Take the events posted since the last call, recover the journal's open events (at start),
 * plan what is due, act on what is due, restore what has ended, finish what is restored. */
void gs_runner_step(gs_serve *s, const gs_live *live, double now_s);
/** At start: rebuild the open events from the journal and reconcile their unfinished intents
 * with the scheduler. */
int gs_runner_recover(gs_serve *s, double now_s, gs_error *err);
/** Free the runner's events (at stop). */
void gs_runner_free(gs_serve *s);
/** Parse an event body as POST /v1/events takes it: the events (intervals) into *evs, their
 * union window, and a short summary; 0 or GS_EINPUT with err. */
int gs_runner_parse(const gs_serve *s, const char *body, size_t len, gs_event **evs, size_t *n,
                    gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
