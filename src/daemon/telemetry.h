/* telemetry.h: measured power as it arrives: posted to the API (POST /v1/telemetry) or read
 * from an MQTT broker (libmosquitto; Debian mosquitto as the broker), kept as the latest reading
 * of each node. Thread-safe (a mutex inside): the HTTP threads and the MQTT thread write, the
 * main loop takes snapshots. Readings are the IT power of one scheduler node in watts (the
 * daemon applies the site's PUE); docs/serve.md, "Telemetry", documents the JSON and the
 * topics. Nothing is invented: a node with no reading, or one older than the configured
 * staleness, is modelled and flagged so. */
#ifndef GS_DAEMON_TELEMETRY_H
#define GS_DAEMON_TELEMETRY_H

#include <stdbool.h>
#include <stddef.h>

#include "gridsplit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_TELEMETRY_NODE_MAX 64
/** The most nodes kept (a reading of a new node beyond them is refused). */
#define GS_TELEMETRY_NODES_MAX 262144
/** The most watts one node may report (1 MW: anything above is a unit mistake). */
#define GS_TELEMETRY_WATTS_MAX 1e6
/** How far ahead of the daemon's clock a reading's time may be (clock skew; a reading far in
 * the future would otherwise hide every later one). */
#define GS_TELEMETRY_AHEAD_MAX_S 300.0

typedef struct gs_telemetry_reading {
    char node[GS_TELEMETRY_NODE_MAX];
    double watts;              /**< IT power of the node, >= 0 and finite */
    double at_s;               /**< UTC seconds of the measurement */
    double received_s;         /**< when the daemon got it */
} gs_telemetry_reading;

typedef struct gs_telemetry gs_telemetry;

gs_telemetry *gs_telemetry_new(void);
void gs_telemetry_free(gs_telemetry *t);

/** Record one reading (a later or equal at_s replaces an earlier one; an older one is ignored).
 * Returns 0, or -1 for a bad reading (empty or too long node, or one with a character other than
 * letters, digits, '.', '_', '-'; non-finite, negative or above GS_TELEMETRY_WATTS_MAX watts;
 * at_s negative, non-finite or more than GS_TELEMETRY_AHEAD_MAX_S after received_s; a new node
 * beyond GS_TELEMETRY_NODES_MAX), GS_ENOMEM when out of memory. */
int gs_telemetry_put(gs_telemetry *t, const char *node, double watts, double at_s,
                     double received_s);

/** Take the body of POST /v1/telemetry:
 *   {"readings": [{"node": "gpu001", "watts": 5230.5, "at": "2026-12-07T17:00:05Z"}, ...]}
 * ("at" optional: now; also a number of UTC seconds). All or nothing: on any bad field nothing
 * is recorded and -1 is returned with a message naming the field (readings[2].watts: ...) in
 * why. Returns the number of readings recorded (each valid one counts, also when older than the
 * node's kept reading, which it then leaves alone), or GS_ENOMEM. Unknown keys and duplicate
 * keys are refused, so is a number JSON cannot hold (1e999). */
int gs_telemetry_post_json(gs_telemetry *t, const char *body, size_t len, double now_s,
                           char *why, size_t why_len);

/** Take one MQTT message: topic PREFIX/NODE (the node is the last topic level), payload either
 * a number of watts or {"watts": W, "at": ...}. Returns 0 or -1 (ignored, counted as bad). */
int gs_telemetry_mqtt_message(gs_telemetry *t, const char *topic, const char *payload,
                              size_t len, double now_s);

/** Copy every node's latest reading into *out (malloc'ed, caller frees), count into *n.
 * Returns 0 or GS_ENOMEM. */
int gs_telemetry_snapshot(gs_telemetry *t, gs_telemetry_reading **out, size_t *n);

/** Counters for /metrics: readings accepted and refused since start. */
void gs_telemetry_counts(gs_telemetry *t, unsigned long *accepted, unsigned long *refused);

/** An MQTT subscriber feeding t (libmosquitto, its own network thread; it reconnects by itself
 * and says so in the log function's lines). */
typedef struct gs_mqtt gs_mqtt;
typedef void (*gs_log_fn)(void *ctx, const char *level, const char *msg);
int gs_mqtt_start(gs_telemetry *t, const char *host, int port, const char *topic,
                  gs_log_fn log, void *log_ctx, gs_mqtt **out, gs_error *err);
void gs_mqtt_stop(gs_mqtt *m);
/** Whether the subscriber is connected now (for GET /v1/load and /metrics). */
bool gs_mqtt_connected(const gs_mqtt *m);

#ifdef __cplusplus
}
#endif
#endif
