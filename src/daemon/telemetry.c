/* telemetry.c: measured node power of telemetry.h: the latest reading of each node behind one
 * mutex (an array of readings indexed by an open-addressing hash of the node name), the body of
 * POST /v1/telemetry and MQTT payloads parsed with jansson, and the MQTT subscriber over
 * libmosquitto (its own network thread, which reconnects by itself).
 *
 * Choices made here (the header leaves them open):
 * - A node name is 1..63 characters of letters, digits, '.', '_' and '-' (host names; the names
 *   reach logs, metrics and JSON unescaped-safe).
 * - A reading with the same at_s as the kept one replaces it; an older one is accepted (it was a
 *   valid reading) but changes nothing.
 * - Counters: accepted counts valid readings (also older ones), refused counts bad readings: each
 *   entry of a refused POST body (at least 1 for a body that is not JSON or has no readings
 *   array) and each bad MQTT message.
 * - The MQTT subscriber reconnects with a delay of 1 s doubling to at most 10 s, keeps alive
 *   every 30 s, subscribes at QoS 0 on each (re)connection with a clean session, and stamps
 *   readings without "at" with the wall clock (CLOCK_REALTIME) on arrival. The log function is
 *   called from libmosquitto's thread. */
#include "daemon/telemetry.h"

#include <math.h>
#include <mosquitto.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "gridsplit/time.h"

struct gs_telemetry {
    pthread_mutex_t mu;
    gs_telemetry_reading *r; /* the latest reading of each node, in order of first arrival */
    size_t n, cap;
    uint32_t *slot; /* hash of node name -> index + 1; 0 empty; nslot a power of 2 */
    size_t nslot;
    unsigned long accepted, refused;
};

gs_telemetry *gs_telemetry_new(void)
{
    gs_telemetry *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    if (pthread_mutex_init(&t->mu, NULL) != 0) {
        free(t);
        return NULL;
    }
    return t;
}

void gs_telemetry_free(gs_telemetry *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->mu);
    free(t->r);
    free(t->slot);
    free(t);
}

/* ---- the table (callers hold the mutex) ------------------------------------------------------ */

static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* The slot of node: the one holding it, or the empty one where it would go. */
static size_t find_slot(const gs_telemetry *t, const char *node)
{
    size_t mask = t->nslot - 1, i = (size_t)name_hash(node) & mask;
    while (t->slot[i] && strcmp(t->r[t->slot[i] - 1].node, node) != 0)
        i = (i + 1) & mask;
    return i;
}

/* Room for `more` new nodes (array and a hash kept at most half full). 0 or GS_ENOMEM. */
static int reserve(gs_telemetry *t, size_t more)
{
    if (more > GS_TELEMETRY_NODES_MAX || t->n + more > GS_TELEMETRY_NODES_MAX)
        return GS_ERANGE;
    size_t need = t->n + more;
    if (need > t->cap) {
        size_t cap = t->cap ? t->cap : 64;
        while (cap < need)
            cap *= 2;
        gs_telemetry_reading *r = realloc(t->r, cap * sizeof *r);
        if (!r)
            return GS_ENOMEM;
        t->r = r;
        t->cap = cap;
    }
    if (need * 2 > t->nslot) {
        size_t nslot = t->nslot ? t->nslot : 128;
        while (need * 2 > nslot)
            nslot *= 2;
        uint32_t *slot = calloc(nslot, sizeof *slot);
        if (!slot)
            return GS_ENOMEM;
        free(t->slot);
        t->slot = slot;
        t->nslot = nslot;
        for (size_t k = 0; k < t->n; k++)
            t->slot[find_slot(t, t->r[k].node)] = (uint32_t)(k + 1);
    }
    return 0;
}

/* Record a checked reading; room for a new node must have been reserved. */
static void record(gs_telemetry *t, const char *node, double watts, double at_s, double received_s)
{
    size_t i = find_slot(t, node);
    gs_telemetry_reading *r;
    if (t->slot[i]) {
        r = &t->r[t->slot[i] - 1];
        if (at_s < r->at_s) {
            t->accepted++;
            return;
        }
    } else {
        r = &t->r[t->n++];
        t->slot[i] = (uint32_t)t->n;
        snprintf(r->node, sizeof r->node, "%s", node);
    }
    r->watts = watts;
    r->at_s = at_s;
    r->received_s = received_s;
    t->accepted++;
}

static bool node_ok(const char *node)
{
    size_t n = 0;
    for (; node[n]; n++) {
        char c = node[n];
        if (n >= GS_TELEMETRY_NODE_MAX - 1 ||
            !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return n > 0;
}

/* Why a reading is bad (a static phrase), or NULL. */
static const char *reading_bad(const char *node, double watts, double at_s, double received_s)
{
    if (!node || !node_ok(node))
        return "node";
    if (!isfinite(watts) || watts < 0 || watts > GS_TELEMETRY_WATTS_MAX)
        return "watts";
    if (!isfinite(at_s) || at_s < 0 ||
        (isfinite(received_s) && at_s > received_s + GS_TELEMETRY_AHEAD_MAX_S))
        return "at";
    return NULL;
}

int gs_telemetry_put(gs_telemetry *t, const char *node, double watts, double at_s,
                     double received_s)
{
    if (!t)
        return -1;
    pthread_mutex_lock(&t->mu);
    int rc = -1;
    if (reading_bad(node, watts, at_s, received_s)) {
        t->refused++;
    } else if ((rc = reserve(t, t->nslot && t->slot[find_slot(t, node)] ? 0 : 1)) < 0) {
        t->refused++;
        rc = rc == GS_ENOMEM ? GS_ENOMEM : -1;
    } else {
        record(t, node, watts, at_s, received_s);
        rc = 0;
    }
    pthread_mutex_unlock(&t->mu);
    return rc;
}

static void count_refused(gs_telemetry *t, unsigned long n)
{
    pthread_mutex_lock(&t->mu);
    t->refused += n;
    pthread_mutex_unlock(&t->mu);
}

/* ---- JSON readings --------------------------------------------------------------------------- */

typedef struct parsed {
    char node[GS_TELEMETRY_NODE_MAX];
    double watts, at_s;
} parsed;

static void json_shown(const json_t *v, char *out, size_t len)
{
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (!s) {
        snprintf(out, len, "?");
        return;
    }
    size_t n = strlen(s);
    if (n > 40)
        snprintf(out, len, "%.40s...", s);
    else
        snprintf(out, len, "%s", s);
    free(s);
}

/* The "at" of a reading: absent -> now; a string of ISO 8601; a number of UTC seconds. */
static int parse_at(const json_t *v, double now_s, double *at_s, char *msg, size_t len)
{
    char shown[64];
    if (!v) {
        *at_s = now_s;
        return 0;
    }
    if (json_is_string(v)) {
        int64_t t = 0;
        double frac = 0;
        int has_offset = 0;
        if (gs_parse_time_frac(json_string_value(v), &t, &frac, &has_offset, NULL) < 0) {
            json_shown(v, shown, sizeof shown);
            snprintf(msg, len,
                     "expected a UTC time such as \"2026-12-07T17:00:05Z\" or a number of seconds, "
                     "found %s",
                     shown);
            return -1;
        }
        *at_s = (double)t + frac;
    } else if (json_is_number(v)) {
        *at_s = json_number_value(v);
    } else {
        json_shown(v, shown, sizeof shown);
        snprintf(
            msg, len,
            "expected a UTC time such as \"2026-12-07T17:00:05Z\" or a number of seconds, found %s",
            shown);
        return -1;
    }
    if (!isfinite(*at_s) || *at_s < 0) {
        json_shown(v, shown, sizeof shown);
        snprintf(msg, len, "expected a time after 1970, found %s", shown);
        return -1;
    }
    if (*at_s > now_s + GS_TELEMETRY_AHEAD_MAX_S) {
        json_shown(v, shown, sizeof shown);
        snprintf(msg, len,
                 "expected a time at most %.0f s after the daemon's clock, found %s (%.0f s ahead)",
                 GS_TELEMETRY_AHEAD_MAX_S, shown, *at_s - now_s);
        return -1;
    }
    return 0;
}

static int parse_watts(const json_t *v, double *watts, char *msg, size_t len)
{
    char shown[64];
    if (!v) {
        snprintf(msg, len, "missing: expected a number of watts >= 0");
        return -1;
    }
    double w = json_is_number(v) ? json_number_value(v) : NAN;
    if (!json_is_number(v) || !isfinite(w) || w < 0 || w > GS_TELEMETRY_WATTS_MAX) {
        json_shown(v, shown, sizeof shown);
        snprintf(msg, len, "expected a number of watts from 0 to %.0f, found %s",
                 GS_TELEMETRY_WATTS_MAX, shown);
        return -1;
    }
    *watts = w;
    return 0;
}

int gs_telemetry_post_json(gs_telemetry *t, const char *body, size_t len, double now_s, char *why,
                           size_t why_len)
{
    char dummy[8];
    if (!why || !why_len) {
        why = dummy;
        why_len = sizeof dummy;
    }
    why[0] = '\0';
    if (!t)
        return -1;
    if (!body) {
        snprintf(why, why_len, "no body: expected {\"readings\": [...]}");
        count_refused(t, 1);
        return -1;
    }
    json_error_t je;
    json_t *root = json_loadb(body, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(why, why_len, "body is not JSON: %s at line %d, column %d", je.text, je.line,
                 je.column);
        count_refused(t, 1);
        return -1;
    }
    int rc = -1;
    unsigned long nrefused = 1;
    parsed *p = NULL;
    char msg[192];
    json_t *arr = json_is_object(root) ? json_object_get(root, "readings") : NULL;
    if (!json_is_object(root)) {
        snprintf(why, why_len, "expected an object {\"readings\": [...]}, found %s",
                 json_is_array(root) ? "an array" : "a scalar");
        goto out;
    }
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val)
    {
        if (strcmp(key, "readings") != 0) {
            snprintf(why, why_len, "unknown key '%.60s' (expected only \"readings\")", key);
            goto out;
        }
    }
    if (!json_is_array(arr)) {
        snprintf(why, why_len, "readings: %s", arr ? "expected an array of readings" : "missing");
        goto out;
    }
    size_t n = json_array_size(arr);
    nrefused = n ? n : 1;
    if (n > GS_TELEMETRY_NODES_MAX) {
        snprintf(why, why_len, "readings: expected at most %d readings in one body, found %zu",
                 GS_TELEMETRY_NODES_MAX, n);
        goto out;
    }
    p = n ? calloc(n, sizeof *p) : NULL;
    if (n && !p) {
        snprintf(why, why_len, "out of memory");
        rc = GS_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(arr, i);
        if (!json_is_object(e)) {
            snprintf(why, why_len,
                     "readings[%zu]: expected an object {\"node\", \"watts\", \"at\"}", i);
            goto out;
        }
        json_object_foreach(e, key, val)
        {
            if (strcmp(key, "node") != 0 && strcmp(key, "watts") != 0 && strcmp(key, "at") != 0) {
                snprintf(why, why_len,
                         "readings[%zu]: unknown key '%.60s' (known: node, watts, at)", i, key);
                goto out;
            }
        }
        json_t *node = json_object_get(e, "node");
        if (!node || !json_is_string(node) || !node_ok(json_string_value(node))) {
            char shown[64] = "nothing";
            if (node)
                json_shown(node, shown, sizeof shown);
            snprintf(why, why_len,
                     "readings[%zu].node: expected a node name (1 to %d letters, digits, '.', '_', "
                     "'-'), found %s",
                     i, GS_TELEMETRY_NODE_MAX - 1, shown);
            goto out;
        }
        snprintf(p[i].node, sizeof p[i].node, "%s", json_string_value(node));
        if (parse_watts(json_object_get(e, "watts"), &p[i].watts, msg, sizeof msg) < 0) {
            snprintf(why, why_len, "readings[%zu].watts: %s", i, msg);
            goto out;
        }
        if (parse_at(json_object_get(e, "at"), now_s, &p[i].at_s, msg, sizeof msg) < 0) {
            snprintf(why, why_len, "readings[%zu].at: %s", i, msg);
            goto out;
        }
    }
    /* all good: record them together, so a snapshot sees all or none */
    pthread_mutex_lock(&t->mu);
    size_t fresh = n; /* nodes not yet known (a node twice in the body counts twice) */
    if (t->nslot) {
        fresh = 0;
        for (size_t i = 0; i < n; i++)
            fresh += !t->slot[find_slot(t, p[i].node)];
    }
    int r = reserve(t, fresh);
    if (r == 0) {
        for (size_t i = 0; i < n; i++)
            record(t, p[i].node, p[i].watts, p[i].at_s, now_s);
    } else {
        t->refused += n;
    }
    pthread_mutex_unlock(&t->mu);
    nrefused = 0;
    if (r == GS_ENOMEM) {
        snprintf(why, why_len, "out of memory");
        rc = GS_ENOMEM;
    } else if (r < 0) {
        snprintf(why, why_len, "readings: the daemon keeps at most %d nodes",
                 GS_TELEMETRY_NODES_MAX);
    } else {
        rc = (int)n;
    }
out:
    if (nrefused)
        count_refused(t, nrefused);
    free(p);
    json_decref(root);
    return rc;
}

int gs_telemetry_mqtt_message(gs_telemetry *t, const char *topic, const char *payload, size_t len,
                              double now_s)
{
    if (!t)
        return -1;
    const char *node = topic ? strrchr(topic, '/') : NULL;
    node = node ? node + 1 : topic;
    if (!node || !node_ok(node) || !payload || len == 0 || len > 4096) {
        count_refused(t, 1);
        return -1;
    }
    json_t *root = json_loadb(payload, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    double watts = 0, at_s = now_s;
    char msg[192];
    int ok = 0;
    if (root && json_is_number(root)) {
        ok = parse_watts(root, &watts, msg, sizeof msg) == 0;
    } else if (root && json_is_object(root)) {
        const char *key;
        json_t *val;
        ok = 1;
        json_object_foreach(root, key, val)
        {
            if (strcmp(key, "watts") != 0 && strcmp(key, "at") != 0)
                ok = 0;
        }
        ok = ok && parse_watts(json_object_get(root, "watts"), &watts, msg, sizeof msg) == 0 &&
            parse_at(json_object_get(root, "at"), now_s, &at_s, msg, sizeof msg) == 0;
    }
    json_decref(root);
    if (!ok) {
        count_refused(t, 1);
        return -1;
    }
    return gs_telemetry_put(t, node, watts, at_s, now_s) == 0 ? 0 : -1;
}

int gs_telemetry_snapshot(gs_telemetry *t, gs_telemetry_reading **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!t)
        return 0;
    int rc = 0;
    pthread_mutex_lock(&t->mu);
    if (t->n) {
        *out = malloc(t->n * sizeof **out);
        if (*out) {
            memcpy(*out, t->r, t->n * sizeof **out);
            *n = t->n;
        } else {
            rc = GS_ENOMEM;
        }
    }
    pthread_mutex_unlock(&t->mu);
    return rc;
}

void gs_telemetry_counts(gs_telemetry *t, unsigned long *accepted, unsigned long *refused)
{
    unsigned long a = 0, r = 0;
    if (t) {
        pthread_mutex_lock(&t->mu);
        a = t->accepted;
        r = t->refused;
        pthread_mutex_unlock(&t->mu);
    }
    if (accepted)
        *accepted = a;
    if (refused)
        *refused = r;
}

/* ---- the MQTT subscriber --------------------------------------------------------------------- */

struct gs_mqtt {
    struct mosquitto *mosq;
    gs_telemetry *t;
    char host[256];
    int port;
    char topic[256];
    gs_log_fn log;
    void *log_ctx;
    atomic_bool connected;
    atomic_bool was_connected; /* to say "reconnected" rather than "connected" */
};

static pthread_once_t mosq_once = PTHREAD_ONCE_INIT;
static void mosq_init(void)
{
    mosquitto_lib_init();
}

static void mqtt_log(gs_mqtt *m, const char *level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void mqtt_log(gs_mqtt *m, const char *level, const char *fmt, ...)
{
    if (!m->log)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    m->log(m->log_ctx, level, msg);
}

static double wall_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
    gs_mqtt *m = obj;
    if (rc != 0) {
        mqtt_log(m, "warning", "MQTT %s:%d refused the connection: %s; retrying", m->host, m->port,
                 mosquitto_connack_string(rc));
        return;
    }
    int src = mosquitto_subscribe(mosq, NULL, m->topic, 0);
    if (src != MOSQ_ERR_SUCCESS) {
        mqtt_log(m, "error", "MQTT %s:%d: subscribing to '%s' failed: %s", m->host, m->port,
                 m->topic, mosquitto_strerror(src));
        return;
    }
    bool again = atomic_exchange(&m->was_connected, true);
    atomic_store(&m->connected, true);
    mqtt_log(m, "info", "MQTT %s to %s:%d, subscribed to '%s'", again ? "reconnected" : "connected",
             m->host, m->port, m->topic);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
    gs_mqtt *m = obj;
    atomic_store(&m->connected, false);
    if (rc != 0)
        mqtt_log(m, "warning", "MQTT connection to %s:%d lost (%s); reconnecting", m->host, m->port,
                 mosquitto_strerror(rc));
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
    gs_mqtt *m = obj;
    if (!msg || !msg->topic || msg->payloadlen < 0)
        return;
    gs_telemetry_mqtt_message(m->t, msg->topic, msg->payload, (size_t)msg->payloadlen,
                              wall_now_s());
}

int gs_mqtt_start(gs_telemetry *t, const char *host, int port, const char *topic, gs_log_fn log,
                  void *log_ctx, gs_mqtt **out, gs_error *err)
{
    *out = NULL;
    if (!t)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "telemetry", "no telemetry store to feed");
    if (!host || !host[0] || strlen(host) >= sizeof((gs_mqtt *)0)->host)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "telemetry.mqtt.host",
                            "expected a host name of 1 to 255 characters, found '%.64s'",
                            host ? host : "");
    if (port < 1 || port > 65535)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "telemetry.mqtt.port",
                            "expected a port from 1 to 65535, found %d", port);
    if (!topic || !topic[0] || strlen(topic) >= sizeof((gs_mqtt *)0)->topic ||
        mosquitto_sub_topic_check(topic) != MOSQ_ERR_SUCCESS)
        return gs_error_set(
            err, GS_EINPUT, NULL, 0, 0, "telemetry.mqtt.topic",
            "expected an MQTT topic filter such as gridsplit/power/#, found '%.64s'",
            topic ? topic : "");
    pthread_once(&mosq_once, mosq_init);
    gs_mqtt *m = calloc(1, sizeof *m);
    if (!m)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    m->t = t;
    snprintf(m->host, sizeof m->host, "%s", host);
    m->port = port;
    snprintf(m->topic, sizeof m->topic, "%s", topic);
    m->log = log;
    m->log_ctx = log_ctx;
    atomic_init(&m->connected, false);
    atomic_init(&m->was_connected, false);
    m->mosq = mosquitto_new(NULL, true, m);
    if (!m->mosq) {
        free(m);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "MQTT client: out of memory");
    }
    mosquitto_connect_callback_set(m->mosq, on_connect);
    mosquitto_disconnect_callback_set(m->mosq, on_disconnect);
    mosquitto_message_callback_set(m->mosq, on_message);
    mosquitto_reconnect_delay_set(m->mosq, 1, 10, true);
    /* the network thread first, then the connection: connect_async made before loop_start
     * leaves libmosquitto 2.0.11 never retrying when the broker is down at that moment (tested
     * in tests/unit/test_serve_telemetry.c); in this order the thread connects and retries */
    int rc = mosquitto_loop_start(m->mosq);
    if (rc != MOSQ_ERR_SUCCESS) {
        mosquitto_destroy(m->mosq);
        free(m);
        return gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, "telemetry.mqtt",
                            "MQTT: cannot start the network thread: %s", mosquitto_strerror(rc));
    }
    rc = mosquitto_connect_async(m->mosq, m->host, m->port, 30);
    if (rc == MOSQ_ERR_INVAL) {
        mosquitto_loop_stop(m->mosq, true);
        mosquitto_destroy(m->mosq);
        free(m);
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "telemetry.mqtt",
                            "MQTT: cannot connect to %s:%d: %s", host, port,
                            mosquitto_strerror(rc));
    }
    if (rc != MOSQ_ERR_SUCCESS) /* the network thread retries by itself */
        mqtt_log(m, "warning", "MQTT %s:%d: %s; retrying", m->host, m->port,
                 rc == MOSQ_ERR_ERRNO ? "the broker cannot be reached" : mosquitto_strerror(rc));
    *out = m;
    return 0;
}

void gs_mqtt_stop(gs_mqtt *m)
{
    if (!m)
        return;
    mosquitto_disconnect(m->mosq);
    mosquitto_loop_stop(m->mosq, false);
    mosquitto_destroy(m->mosq);
    free(m);
}

bool gs_mqtt_connected(const gs_mqtt *m)
{
    return m && atomic_load(&m->connected);
}
