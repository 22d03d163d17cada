/* shift.h: where inference traffic goes when a grid event asks a site to cut its inference
 * load. Inference cannot pause; its flexibility is moving requests to other sites of the same
 * service within the service's latency budget and their free GPUs. gs_shift_plan decides the
 * share of each service's traffic every one of its sites should take; gs_shift_json writes the
 * weights document the router adapter publishes (gs_router_publish of src/daemon/hooks.h).
 * Pure: no I/O, no clock; the live picture (src/daemon/live.h) and the fleet are the inputs.
 *
 * The rules, for event site E asking cut_mw off its inference load at the live picture's time:
 *
 * 1. Services: every service with an inference cluster at E, in fleet order. A service's sites
 *    are the sites with an inference cluster of it, in fleet order.
 * 2. A service's MW at a site (mw_before) is what live.h counts as inference there, split by
 *    service: the classified inference jobs running or suspended on its clusters at the site
 *    (their lj->mw, measured or modelled) plus its clusters' GPUs held by no job at idle
 *    (gs_gpu_power_w(gpu, 0) x PUE). Summed over the services of a site it is live's
 *    mw[GS_LIVE_INFERENCE] of that site.
 * 3. Baseline weights: each site's share of the service's MW now; when the service draws no MW
 *    anywhere, its share of the service's GPUs; when it has no GPUs either, equal shares.
 * 4. What moves: the service's MW above idle at E (dynamic MW = mw_before minus the idle draw
 *    of the GPUs in that figure: all its GPUs at E but those held by unclassified jobs, whose
 *    power live.h counts as unclassified), clamped at 0. The share moved off is
 *    min(1, cut_mw / the dynamic MW of all services at E): the same share for every service at
 *    E, so each is asked cut_mw x its share of E's dynamic MW (asked_mw). Traffic is counted
 *    in GPUs serving it: the GPUs of E's running classified inference jobs of the service
 *    (serving); the share moved off x serving is what should move (a GPU-equivalent of traffic
 *    is requests_per_s_per_gpu requests/s, the same at every site of a service).
 * 5. Receivers: the other sites of the service whose round trip from E is within the RTT limit
 *    latency_budget_ms - server_time_ms (server_time_ms 0: GS_ROUTE_DEFAULT_SERVER_MS of
 *    include/gridsplit/route.h; a budget <= 0: no limit, as the router), by the plain latency
 *    model with its defaults (gs_latency_model_default of include/gridsplit/latency.h: no
 *    measured matrix or cable graph, which a pure function cannot read), and with headroom:
 *    GPUs of the service's clusters there held by no job (busy GPUs at the live utilisation
 *    are assumed to have none spare).
 * 6. Placement: the traffic to move is spread over the receivers in proportion to their
 *    headroom, each taking at most its headroom (so all fill to the same fraction). What cannot
 *    be placed stays at E: shifted_mw < asked_mw and the note says why (no site within the
 *    limit, no free GPUs there, not enough, no load above idle at E).
 * 7. Weights: E keeps its baseline weight x (1 - placed / serving); receiver r gains E's
 *    baseline weight x placed_r / serving. They are >= 0, finite, and sum to 1 per service.
 *    shifted_mw = E's dynamic MW x placed / serving; E's mw_after = mw_before - shifted_mw; a
 *    receiver's mw_after adds its placed GPUs at their clusters' utilisation above idle x its
 *    PUE (a model: the traffic is new there).
 *
 * Memory: gs_shift_plan allocates *out (one block per service plus its sites); free it with
 * gs_shift_free. */
#ifndef GS_DAEMON_SHIFT_H
#define GS_DAEMON_SHIFT_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/live.h"
#include "gridsplit/error.h"
#include "gridsplit/fleet.h"
#include "gridsplit/route.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One site of a service in a shift. */
typedef struct gs_shift_site {
    int site;                  /**< index into the fleet's sites */
    double weight;             /**< share of the service's traffic it should take, 0..1 */
    double mw_before, mw_after;/**< the service's MW at the site's grid connection, now and
                                    with the shift (rule 2, rule 7) */
    double rtt_ms;             /**< round trip from the event site (0 for the event site; NaN
                                    when a coordinate is invalid) */
    gs_rtt_source rtt_source;  /**< where rtt_ms comes from: measured, cable or plain (the
                                    route opts given to gs_shift_plan; plain without them) */
    bool eligible;             /**< a receiver: within the RTT limit with free GPUs (false for
                                    the event site) */
    char why[128];             /**< why it is or is not a receiver, or what moves off it */
    /* added to the contract: */
    double baseline;           /**< its weight without any shift (rule 3): the restore */
    double headroom_gpus;      /**< GPUs of the service's clusters here held by no job */
    double moved_gpus;         /**< GPU-equivalents of traffic taken (> 0) or given off (< 0) */
} gs_shift_site;

/** The shift of one service. */
typedef struct gs_shift {
    int service;               /**< index into the fleet's services; -1 in the entry that says
                                    why there is none (see gs_shift_plan) */
    size_t nsites;
    gs_shift_site *sites;      /**< the service's sites, in fleet order */
    double shifted_mw;         /**< MW that leaves the event site (<= asked_mw) */
    double asked_mw;           /**< the part of cut_mw asked of this service (rule 4) */
    char note[256];            /**< one sentence: what moved where, or why less than asked */
    /* added to the contract: */
    double rtt_limit_ms;       /**< latency_budget_ms - server time; INFINITY without a budget */
} gs_shift;

/** For event site `site` (index into the fleet) asking `cut_mw` MW off its inference load now,
 * decide for every service that has an inference cluster at that site the share of that
 * service's traffic each of its sites should take (the rules above). *out gets one gs_shift
 * per such service, in fleet order, and *n their count. When the site has no inference cluster
 * with a service, *n is 0 and *out holds a single entry (service -1, no sites) whose note says
 * why; free it all the same with gs_shift_free(*out, 0). cut_mw 0 gives the baseline weights.
 * live must be gs_live_build's picture of the same fleet. Returns 0, GS_EINPUT (NULL
 * arguments, a site not in the fleet, cut_mw negative or not finite, a live picture of another
 * number of sites) or GS_ENOMEM, with err filled; on error *out is NULL and *n 0. */
int gs_shift_plan(const gs_fleet *f, const gs_live *live, int site, double cut_mw,
                  const gs_route_opts *ro, gs_shift **out, size_t *n, gs_error *err);

/** Free what gs_shift_plan made (s NULL is fine); n is its count. */
void gs_shift_free(gs_shift *s, size_t n);

/** The weights document for the router: {"at": ISO, "event": EVENT_ID or null, "services":
 * [{"service": ID, "weights": {SITE: share, ...}, "shifted_mw": x, "note": ...}]}; baseline=true
 * writes the weights without any shift (the restore: each site's baseline, shifted_mw 0, note
 * "baseline"). Sites in fleet order; weights to 15 significant digits (they sum to 1 within
 * 1e-12), MW rounded to 6 decimals; never NaN. at_s: UTC seconds (not finite or outside years
 * 1970..9999: the epoch). event_id NULL or "": null. n entries of s (the entry of a site
 * without a service, service -1, is skipped). malloc'ed JSON text (free it), NULL when out of
 * memory, f is NULL or event_id is not UTF-8. */
char *gs_shift_json(const gs_fleet *f, const gs_shift *s, size_t n, const char *event_id,
                    double at_s, bool baseline);

#ifdef __cplusplus
}
#endif
#endif
