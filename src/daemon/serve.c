/* serve.c: `gridsplit serve`, the daemon's life (docs/serve.md): start (configuration, fleet,
 * journal, scheduler, telemetry, recovery of what the journal says is owed, HTTP), the main
 * loop (read the scheduler's jobs, build the live picture, journal a load sample, run the
 * events' steps), structured logs, and a clean stop on SIGTERM or SIGINT. The main loop is the
 * only thread that talks to the scheduler and runs hooks; the HTTP threads see what it
 * publishes under the lock. */
#include "daemon/serve.h"

#include <errno.h>
#include <malloc.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>
#include <unistd.h>

#include "daemon/sched_fake.h"
#include "daemon/sched_slurm.h"
#include "daemon/ven.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/time.h"

/* How often the picture is refreshed while an event is being carried out (s). */
#define BUSY_POLL_S 1.0
/* Samples older than this are pruned (s). */
#define KEEP_SAMPLES_S (7 * 86400.0)

double gs_serve_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void gs_serve_log(gs_serve *s, const char *level, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    double now = gs_serve_now();
    char at[32];
    gs_format_time((int64_t)floor(now), at);
    /* milliseconds inside the ISO time: 2026-12-07T17:00:05.123Z */
    char ts[40];
    size_t l = strlen(at);
    if (l && at[l - 1] == 'Z')
        at[l - 1] = 0;
    snprintf(ts, sizeof ts, "%s.%03dZ", at, (int)fmod(now * 1000.0, 1000.0));
    pthread_mutex_lock(&s->logmu);
    FILE *out = s->log_fp ? s->log_fp : stderr;
    if (!s->log_text) {
        json_t *o = json_pack("{s:s, s:s, s:s}", "ts", ts, "level", level, "msg", msg);
        char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
        fprintf(out, "%s\n", line ? line : msg);
        free(line);
        json_decref(o);
    } else {
        fprintf(out, "%s %-7s %s\n", ts, level, msg);
    }
    fflush(out);
    pthread_mutex_unlock(&s->logmu);
}

static void log_cb(void *ctx, const char *level, const char *msg)
{
    gs_serve_log(ctx, level, "%s", msg);
}

/* ---- the picture ------------------------------------------------------------------------- */

static void journal_samples(gs_serve *s, const gs_live *l)
{
    size_t n = l->nsites * GS_LIVE_NCLS;
    gs_store_sample *rows = calloc(n ? n : 1, sizeof *rows);
    if (!rows)
        return;
    size_t k = 0;
    for (size_t i = 0; i < l->nsites; i++) {
        const gs_live_site *st = &l->sites[i];
        for (int c = 0; c < GS_LIVE_NCLS; c++) {
            gs_store_sample *r = &rows[k++];
            r->at_s = l->at_s;
            snprintf(r->site, sizeof r->site, "%s", s->fleet->sites[st->site].id);
            snprintf(r->cls, sizeof r->cls, "%s", gs_live_cls_name(c));
            r->mw = st->mw[c];
            r->measured = st->mw[c] > 0 && st->measured_mw[c] >= st->mw[c] * 0.999;
            r->jobs = st->jobs[c];
            r->racks = c < 2 ? st->racks[c] : 0;
        }
    }
    gs_error err = {0};
    if (gs_store_samples_add(s->store, rows, k, &err) < 0)
        gs_serve_log(s, "error", "load samples not journaled: %s", err.message);
    free(rows);
}

/* The picture's JSON with what only the daemon knows added (the scheduler's and MQTT's state):
 * done once per poll, so that GET /v1/load only copies a string. Takes json; NULL when out of
 * memory. */
static char *annotate(gs_serve *s, char *json, bool up, const char *note)
{
    json_t *o = json ? json_loads(json, 0, NULL) : NULL;
    free(json);
    if (!o)
        return NULL;
    json_object_set_new(o, "scheduler", json_pack("{s:s, s:b, s:s}", "kind",
                                                  gs_sched_kind(s->sched), "up", up, "note",
                                                  note ? note : ""));
    json_t *tel = json_object_get(o, "telemetry");
    if (json_is_object(tel))
        json_object_set_new(tel, "mqtt",
                            json_string(!s->mqtt                     ? "off"
                                        : gs_mqtt_connected(s->mqtt) ? "connected"
                                                                     : "disconnected"));
    char *out = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(o);
    return out;
}

/* Read the scheduler and rebuild the picture; publish it. Returns 0 or a negative status (the
 * previous picture stays, marked as such). */
static int poll_once(gs_serve *s, gs_sched_jobs *jobs, double now)
{
    gs_error err = {0};
    double t0 = gs_serve_now();
    int rc = gs_sched_list(s->sched, jobs, &err);
    if (rc < 0) {
        pthread_mutex_lock(&s->mu);
        bool was_up = s->sched_up;
        s->sched_up = false;
        snprintf(s->sched_note, sizeof s->sched_note, "%.250s", err.message);
        s->poll_failures++;
        char *old_json = s->load_json ? strdup(s->load_json) : NULL;
        pthread_mutex_unlock(&s->mu);
        char note[300];
        snprintf(note, sizeof note, "not read since the last poll that worked: %.250s", err.message);
        char *marked = annotate(s, old_json, false, note);
        if (marked) {
            pthread_mutex_lock(&s->mu);
            free(s->load_json);
            s->load_json = marked;
            pthread_mutex_unlock(&s->mu);
        }
        if (was_up)
            gs_serve_log(s, "error", "the scheduler cannot be read: %s", err.message);
        return rc;
    }
    gs_telemetry_reading *rd = NULL;
    size_t nrd = 0;
    gs_telemetry_snapshot(s->tel, &rd, &nrd);
    gs_live live = {0};
    rc = gs_live_build(s->fleet, &s->cfg->map, jobs, rd, nrd, s->cfg->telemetry_stale_s, now,
                       &live, &err);
    free(rd);
    if (rc < 0) {
        gs_serve_log(s, "error", "the live picture could not be built: %s", err.message);
        return rc;
    }
    char *json = annotate(s, gs_live_json(&live, s->fleet), true, NULL);
    journal_samples(s, &live);
    pthread_mutex_lock(&s->mu);
    bool was_down = !s->sched_up;
    s->sched_up = true;
    s->sched_note[0] = 0;
    gs_live_free(&s->live);
    s->live = live;
    if (json) {
        free(s->load_json);
        s->load_json = json;
    }
    s->polls++;
    s->last_poll_s = now;
    s->last_poll_ms = (gs_serve_now() - t0) * 1e3;
    pthread_mutex_unlock(&s->mu);
    if (was_down && s->polls > 1)
        gs_serve_log(s, "info", "the scheduler answers again");
    return 0;
}

/* ---- start and stop ---------------------------------------------------------------------- */

static int open_sched(const gs_serve_config *cfg, gs_sched **out, gs_error *err)
{
    if (!strcmp(cfg->scheduler, "fake"))
        return gs_sched_fake_new((int64_t)gs_serve_now(), out, err);
    gs_sched_slurm_opts so = {0};
    so.confirm_ms = (int)(cfg->action_timeout_s * 1000);
    return gs_sched_slurm_new(&so, out, err);
}

static void serve_free(gs_serve *s)
{
    gs_ven_stop(s->ven);
    gs_http_stop(s->http);
    gs_mqtt_stop(s->mqtt);
    gs_runner_free(s);
    gs_live_free(&s->live);
    free(s->load_json);
    free(s->incoming);
    free(s->cancels);
    gs_telemetry_free(s->tel);
    gs_sched_free(s->sched);
    gs_store_close(s->store);
    gs_route_inputs_free(&s->net);
    gs_fleet_free(s->fleet);
    gs_serve_config_free(s->cfg);
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->logmu);
    pthread_cond_destroy(&s->wake);
    memset(s->callback_token, 0, sizeof s->callback_token);
}

int gs_serve_check(const char *config_path, char *summary, size_t len, gs_error *err)
{
    gs_serve_config *cfg = NULL;
    int rc = gs_serve_config_load(config_path, &cfg, err);
    if (rc < 0)
        return rc;
    gs_fleet *f = NULL;
    rc = gs_fleet_load(cfg->fleet_path, &f, err);
    if (rc < 0) {
        gs_serve_config_free(cfg);
        return rc;
    }
    /* the network inputs the fleet names read as the daemon will read them at start */
    gs_route_inputs net;
    memset(&net, 0, sizeof net);
    gs_route_opts ro = gs_route_opts_default();
    rc = gs_route_inputs_load_fleet(&net, f, NULL, NULL, NULL, NULL, NULL, &ro, err);
    char network[1200];
    snprintf(network, sizeof network, "%s%s%s%s", ro.rtt_label ? "measured RTTs " : "",
             ro.rtt_label ? ro.rtt_label : "", ro.cables_label ? (ro.rtt_label ? ", cables " : "cables ") : "",
             ro.cables_label ? ro.cables_label : "");
    gs_route_inputs_free(&net);
    if (rc < 0) {
        gs_fleet_free(f);
        gs_serve_config_free(cfg);
        return rc;
    }
    /* every cluster a mapping names must be in the fleet, with the class it is mapped to */
    const gs_map *m = &cfg->map;
    for (size_t pass = 0; pass < 2 && rc == 0; pass++) {
        size_t n = pass ? m->nrules : m->ndefaults;
        const gs_map_rule *r = pass ? m->rules : m->defaults;
        for (size_t i = 0; i < n && rc == 0; i++) {
            if (!r[i].set.has_cluster)
                continue;
            int found = -1;
            for (size_t c = 0; c < f->nclusters; c++)
                if (!strcmp(f->clusters[c].id, r[i].set.cluster))
                    found = (int)c;
            if (found < 0)
                rc = gs_error_set(err, GS_EINPUT, config_path, 0, 0, "mapping",
                                  "%s %zu names cluster '%s', which the fleet %s does not have",
                                  pass ? "rule" : "partition default", i + 1, r[i].set.cluster,
                                  cfg->fleet_path);
            else if (r[i].set.has_cls && f->clusters[found].cls != r[i].set.cls)
                rc = gs_error_set(err, GS_EINPUT, config_path, 0, 0, "mapping",
                                  "%s %zu maps %s jobs to cluster '%s', whose class is %s",
                                  pass ? "rule" : "partition default", i + 1,
                                  gs_class_name(r[i].set.cls), r[i].set.cluster,
                                  gs_class_name(f->clusters[found].cls));
        }
    }
    const gs_ven_config *vc = &cfg->ven;
    for (size_t r = 0; rc == 0 && vc->on && r <= vc->nresources; r++) {
        const char *site = r < vc->nresources ? vc->resources[r].site : vc->default_site;
        bool known = !site[0];
        for (size_t k = 0; k < f->nsites && !known; k++)
            known = !strcmp(f->sites[k].id, site);
        if (!known)
            rc = gs_error_set(err, GS_EINPUT, config_path, 0, 0, "openadr",
                              "%s names site '%s', which the fleet %s does not have",
                              r < vc->nresources ? "a resource" : "default_site", site,
                              cfg->fleet_path);
    }
    size_t used = 0;
    for (size_t i = 0; rc == 0 && summary && i < f->nsites; i++) {
        char line[512];
        if (gs_site_nameplate_warning(f, i, line, sizeof line) && used < len) {
            int k = snprintf(summary + used, len - used, "warning: %s\n", line);
            used += k > 0 ? (size_t)k : 0;
        }
    }
    if (used > len)
        used = len;
    if (rc == 0 && summary && used < len)
        snprintf(summary + used, len - used,
                 "%s: ok\n  fleet %s: %zu site%s, %zu cluster%s\n  listen %s:%d (%s), %zu "
                 "token%s, reads %s\n  store %s\n  scheduler %s, poll every %g s\n  mapping: "
                 "%zu partition default%s, %zu rule%s, comment tags %s\n  power-cap hook: %s\n"
                 "  telemetry: %s%s\n  openadr: %s%s\n  shift RTTs: %s\n",
                 config_path, cfg->fleet_path, f->nsites, f->nsites == 1 ? "" : "s", f->nclusters,
                 f->nclusters == 1 ? "" : "s", cfg->listen_addr, cfg->port,
                 cfg->listen_public ? "NOT loopback: put TLS in front" : "loopback",
                 cfg->ntokens, cfg->ntokens == 1 ? "" : "s",
                 cfg->read_open ? "open" : "need a token", cfg->store_path, cfg->scheduler,
                 cfg->poll_s, m->ndefaults, m->ndefaults == 1 ? "" : "s", m->nrules,
                 m->nrules == 1 ? "" : "s", m->comment_tags ? "on" : "off",
                 cfg->cap_hook[0] ? cfg->cap_hook : "none (no power caps)",
                 cfg->mqtt_host[0] ? "MQTT " : "HTTP only", cfg->mqtt_host,
                 vc->on ? "VEN polling " : "off", vc->on ? vc->vtn : "",
                 network[0] ? network : "the plain model (the fleet names no network inputs)");
    gs_fleet_free(f);
    gs_serve_config_free(cfg);
    return rc;
}

static int write_port_file(const char *path, int port, gs_error *err)
{
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *fp = fopen(tmp, "w");
    if (!fp || fprintf(fp, "%d\n", port) < 0 || fclose(fp) != 0 || rename(tmp, path) != 0)
        return gs_error_set(err, GS_EIO, path, 0, 0, NULL, "cannot write the port file: %s",
                            strerror(errno));
    return 0;
}

int gs_serve_run(const gs_serve_opts *o, gs_error *err)
{
    gs_serve s0, *s = &s0;
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->logmu, NULL);
    pthread_cond_init(&s->wake, NULL);
    s->log_text = o->log_format && !strcmp(o->log_format, "text");
    s->started_s = gs_serve_now();

    /* SIGTERM and SIGINT are taken by the main loop (sigtimedwait), in every thread blocked */
    sigset_t stopset;
    sigemptyset(&stopset);
    sigaddset(&stopset, SIGTERM);
    sigaddset(&stopset, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopset, NULL);
    signal(SIGPIPE, SIG_IGN);

#ifdef __GLIBC__
    /* every event plans over the fleet's jobs (tens of MB for 10,000 jobs and 24 intervals):
     * keep freed memory for the next plan instead of returning it to the system and faulting
     * it in again (8,900 page faults a 24-interval plan with glibc's defaults, about 100 with
     * these; docs/PERFORMANCE.md, "Planner") */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
#endif
    int rc = gs_serve_config_load(o->config_path, &s->cfg, err);
    if (rc == 0)
        rc = gs_fleet_load(s->cfg->fleet_path, &s->fleet, err);
    s->route = gs_route_opts_default();
    if (rc == 0) /* the RTT sources the fleet names, for the shift of inference traffic */
        rc = gs_route_inputs_load_fleet(&s->net, s->fleet, NULL, NULL, NULL, NULL, NULL, &s->route,
                                        err);
    if (rc == 0)
        rc = gs_store_open(s->cfg->store_path, &s->store, err);
    if (rc == 0)
        rc = open_sched(s->cfg, &s->sched, err);
    if (rc == 0 && !(s->tel = gs_telemetry_new()))
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (rc < 0) {
        serve_free(s);
        return rc;
    }
    for (size_t i = 0; i < s->fleet->nsites; i++) {
        char line[512];
        if (gs_site_nameplate_warning(s->fleet, i, line, sizeof line))
            gs_serve_log(s, "warning", "%s", line);
    }
    if (s->cfg->listen_public)
        gs_serve_log(s, "warning", "http.listen %s is not loopback: put TLS in front of the "
                     "daemon (bearer tokens travel in a header)", s->cfg->listen_addr);
    gs_serve_log(s, "info", "gridsplit serve: configuration %s, fleet %s (%zu sites), store %s, "
                 "scheduler %s", o->config_path, s->cfg->fleet_path, s->fleet->nsites,
                 s->cfg->store_path, gs_sched_kind(s->sched));
    if (s->cfg->mqtt_host[0]) {
        gs_error me = {0};
        if (gs_mqtt_start(s->tel, s->cfg->mqtt_host, s->cfg->mqtt_port, s->cfg->mqtt_topic, log_cb,
                          s, &s->mqtt, &me) < 0)
            gs_serve_log(s, "warning", "MQTT telemetry not started: %s (power is modelled)",
                         me.message);
    }

    /* the picture first, then what the journal says is owed, then the door opens */
    gs_sched_jobs jobs = {0};
    double now = gs_serve_now();
    poll_once(s, &jobs, now);
    rc = gs_runner_recover(s, now, err);
    if (rc == 0 && s->cfg->ven.on && s->cfg->ven.callback[0]) {
        /* the VTN's notifications carry a token made now, known only to this run */
        unsigned char raw[32];
        if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw ||
            s->cfg->ntokens >= GS_CFG_TOKENS_MAX) {
            rc = gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL,
                              "no token for the VTN's notifications (%s)",
                              s->cfg->ntokens >= GS_CFG_TOKENS_MAX ? "too many tokens"
                                                                   : "getrandom failed");
        } else {
            for (size_t i = 0; i < sizeof raw; i++)
                snprintf(s->callback_token + 2 * i, 3, "%02x", raw[i]);
            gs_token *t = &s->cfg->tokens[s->cfg->ntokens++];
            snprintf(t->name, sizeof t->name, "vtn-callback");
            gs_sha256_hex(s->callback_token, strlen(s->callback_token), t->sha256_hex);
        }
    }
    if (rc == 0)
        rc = gs_http_start(s->cfg, gs_serve_api, s, &s->http, &s->port, err);
    if (rc == 0 && o->port_file)
        rc = write_port_file(o->port_file, s->port, err);
    if (rc == 0 && s->cfg->ven.on)
        rc = gs_ven_start(s, &s->ven, err);
    if (rc < 0) {
        gs_sched_jobs_free(&jobs);
        serve_free(s);
        return rc;
    }
    gs_serve_log(s, "info", "listening on http://%s:%d/ (reads %s, %zu token%s)",
                 s->cfg->listen_addr, s->port, s->cfg->read_open ? "open" : "need a token",
                 s->cfg->ntokens, s->cfg->ntokens == 1 ? "" : "s");

    double next_poll = now + s->cfg->poll_s, next_prune = now;
    while (!s->stop) {
        now = gs_serve_now();
        bool busy = false;
        pthread_mutex_lock(&s->mu);
        busy = s->nevs > 0 || s->nincoming > 0 || s->ncancels > 0;
        pthread_mutex_unlock(&s->mu);
        if (now >= next_poll || busy) {
            if (now >= next_poll || now - s->last_poll_s >= BUSY_POLL_S)
                poll_once(s, &jobs, now);
            next_poll = now + (busy ? BUSY_POLL_S : s->cfg->poll_s);
        }
        /* the runner works on its own copy of the picture's jobs: the lock is not held while
         * it talks to the scheduler */
        pthread_mutex_lock(&s->mu);
        bool have = s->live.nsites > 0 || s->live.njobs > 0 || s->polls > 0;
        pthread_mutex_unlock(&s->mu);
        if (have)
            gs_runner_step(s, &s->live, gs_serve_now());
        if (now >= next_prune) {
            gs_error pe = {0};
            gs_store_samples_prune(s->store, now - KEEP_SAMPLES_S, &pe);
            next_prune = now + 3600;
        }
        /* sleep until the next poll, a posted event, or a stop signal */
        double wait = fmin(next_poll - gs_serve_now(), busy ? 0.2 : 0.5);
        if (wait > 0) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            long ns = until.tv_nsec + (long)(wait * 1e9);
            until.tv_sec += ns / 1000000000L;
            until.tv_nsec = ns % 1000000000L;
            pthread_mutex_lock(&s->mu);
            if (s->nincoming == 0 && s->ncancels == 0)
                pthread_cond_timedwait(&s->wake, &s->mu, &until);
            pthread_mutex_unlock(&s->mu);
        }
        struct timespec zero = {0, 0};
        int sig = sigtimedwait(&stopset, NULL, &zero);
        if (sig == SIGTERM || sig == SIGINT) {
            gs_serve_log(s, "info", "%s: stopping (open events stay in the journal and are "
                         "taken up again at the next start)", sig == SIGTERM ? "SIGTERM" : "SIGINT");
            s->stop = 1;
        }
    }
    gs_sched_jobs_free(&jobs);
    gs_serve_log(s, "info", "stopped");
    serve_free(s);
    return 0;
}
