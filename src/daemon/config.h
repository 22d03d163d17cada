/* config.h: the configuration of `gridsplit serve` (a YAML file; docs/serve.md, "Configuration",
 * documents every key with its default). gs_serve_config_load reads and checks it the way the
 * fleet reader does: unknown keys, bad values and missing files are errors that name the file,
 * line, column and key; `gridsplit serve --check CONFIG` runs exactly this and the fleet load. */
#ifndef GS_DAEMON_CONFIG_H
#define GS_DAEMON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/classify.h"
#include "gridsplit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_CFG_PATH_MAX 1024
#define GS_CFG_TOKENS_MAX 32

/** A bearer token, kept only as the SHA-256 of the token (64 lowercase hex digits). */
typedef struct gs_token {
    char name[GS_ID_MAX];      /**< who holds it ("grid-desk", "ven"): in the action log */
    char sha256_hex[65];
} gs_token;

/** The OpenADR 3 VEN (`openadr:`; docs/openadr.md). */
#define GS_VEN_RESOURCES_MAX 64
#define GS_VEN_PROGRAMS_MAX 16
typedef struct gs_ven_config {
    bool on;                           /**< an `openadr:` section is given */
    char vtn[GS_CFG_PATH_MAX];         /**< base URL of the VTN's API (no trailing '/') */
    char client_id[512];
    char client_secret[1024];          /**< `client_secret`, or read from `client_secret_file` */
    char ven_name[128];
    double poll_s;                     /**< default 30s */
    size_t nprograms;
    char programs[GS_VEN_PROGRAMS_MAX][128]; /**< program names to follow; none: every program */
    size_t nresources;
    struct {
        char resource[128];            /**< a resource name the VTN targets */
        char site[GS_ID_MAX];          /**< the fleet site it is */
    } resources[GS_VEN_RESOURCES_MAX];
    char default_site[GS_ID_MAX];      /**< events targeted at the VEN, or at nobody */
    double units_mw;                   /**< MW of one unit when a payload descriptor names none:
                                            `units: KW` (default, 1e-3) or MW (1) */
    double simple_levels[4];           /**< SIMPLE level -> share of the site's load to cut;
                                            default 0, 0.1, 0.25, 0.5 */
    bool report;                       /**< post USAGE reports of the load achieved (default true) */
    char callback[GS_CFG_PATH_MAX];    /**< `callback`: the URL the VTN calls when events change
                                            (this daemon's /openadr/notify as the VTN reaches
                                            it); "" = polling only */
} gs_ven_config;

typedef struct gs_serve_config {
    char path[GS_CFG_PATH_MAX];        /**< the file read (relative paths below are resolved
                                            against its folder) */
    char fleet_path[GS_CFG_PATH_MAX];  /**< `fleet:` (required) */
    char store_path[GS_CFG_PATH_MAX];  /**< `store:` SQLite file (default: gridsplit-serve.db
                                            beside the configuration) */
    char reports_dir[GS_CFG_PATH_MAX]; /**< `reports:` folder where each finished event's report
                                            is written as event-ID.json (default:
                                            gridsplit-events beside the store; created) */
    /* http: */
    char listen_addr[64];              /**< `http.listen` host part; default "127.0.0.1" */
    int port;                          /**< `http.listen` port part; default 8742; 0 = any free
                                            port (the daemon logs and writes the one it got) */
    bool listen_public;                /**< `http.listen` is not a loopback address (127/8):
                                            allowed, but the caller warns (tokens then cross the
                                            network in clear text: put TLS in front) */
    bool read_open;                    /**< `http.read_open`: GET endpoints without a token
                                            (default false; /metrics follows it too) */
    size_t body_max_bytes;             /**< `http.body_max`: default 1 MiB */
    size_t ntokens;
    gs_token tokens[GS_CFG_TOKENS_MAX];/**< `http.tokens: [{name, sha256}]` */
    /* scheduler: */
    char scheduler[16];                /**< `scheduler.kind`: "slurm" (default) or "fake" */
    double poll_s;                     /**< `scheduler.poll`: how often jobs are read (default 5s) */
    double action_timeout_s;           /**< `scheduler.action_timeout`: default 30s */
    int action_retries;                /**< `scheduler.action_retries`: default 2 */
    /* mapping: */
    gs_map map;                        /**< `mapping: {partitions, rules, comment_tags,
                                            default_tier}` */
    /* telemetry: */
    double telemetry_stale_s;          /**< `telemetry.stale_after`: default 2m */
    char mqtt_host[256];               /**< `telemetry.mqtt.host`; "" = no MQTT */
    int mqtt_port;                     /**< default 1883 */
    char mqtt_topic[256];              /**< `telemetry.mqtt.topic`: default "gridsplit/power/#" */
    /* hooks: */
    char cap_hook[GS_CFG_PATH_MAX];    /**< `hooks.power_cap`: a command run for each job capped
                                            or uncapped, with arguments JOB_ID NODES WATTS_PER_GPU
                                            (0 = remove the cap); "" = no cap lever */
    char router_weights_path[GS_CFG_PATH_MAX]; /**< `hooks.router.weights`: JSON file written
                                            (temporary name, then rename) with each site's share
                                            of inference; "" = none */
    char router_url[GS_CFG_PATH_MAX];  /**< `hooks.router.url`: POSTed the same JSON; "" = none */
    double hook_timeout_s;             /**< `hooks.timeout`: default 10s */
    /* openadr: */
    gs_ven_config ven;
    /* planner: */
    char policy[32];                   /**< `planner.policy`: default "comply" */
    double pause_lead_s;               /**< `planner.pause_lead`: default 30s (a live pause acts
                                            in seconds; docs/serve.md) */
    double cap_lead_s;                 /**< `planner.cap_lead`: default 10s */
} gs_serve_config;

/** Read and check the configuration at path into *out (allocated; free with
 * gs_serve_config_free). Returns 0, GS_EINPUT (err names file, line, column, key), GS_ENOMEM. */
int gs_serve_config_load(const char *path, gs_serve_config **out, gs_error *err);

void gs_serve_config_free(gs_serve_config *c);

/** The SHA-256 of text as 64 lowercase hex digits into hex[65]. */
void gs_sha256_hex(const char *text, size_t len, char hex[65]);

/** The token matching the bearer token `presented` (compared as SHA-256 in constant time over
 * every configured token), or NULL. */
const gs_token *gs_serve_token_match(const gs_serve_config *c, const char *presented);

#ifdef __cplusplus
}
#endif
#endif
