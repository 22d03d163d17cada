/* config.c: the configuration of `gridsplit serve` (src/daemon/config.h): reads the YAML file
 * with libyaml through the readers' shared helpers (src/read/yaml_util.h), applies the
 * documented defaults and checks every value, so that `gridsplit serve --check` and the daemon
 * refuse the same things: unknown keys (with the list of known ones), bad durations (the one
 * grammar of gridsplit/duration.h), bad listen addresses, tokens, enumerations, a missing fleet
 * file, a cap hook that cannot run. Every error names file, line, column and the key's path.
 * The mapping's values (class, tier, ckpt, ...) are read with gs_map_parse_tag, the parser of
 * the `grid:` comment tags, so a value means the same in both places. Also the bearer tokens'
 * SHA-256 (OpenSSL EVP) and their constant-time match. */
#include "daemon/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "gridsplit/duration.h"
#include "gridsplit/plan.h"
#include "model/text.h"
#include "read/reader.h"
#include "read/yaml_util.h"

#define PATH_LEN GS__YAML_PATH_LEN
enum { OPT = GS__YAML_OPT, REQ = GS__YAML_REQ };

/** The largest body limit accepted (the server keeps a body in memory). */
#define BODY_MAX_LIMIT_BYTES ((size_t)1 << 30)

static const char *const TOP_KEYS[] = {"fleet",     "store", "reports", "http",    "scheduler",
                                       "mapping",   "telemetry", "hooks", "planner", "openadr",
                                       NULL};
static const char *const VEN_KEYS[] = {"vtn",      "client_id",    "client_secret",
                                       "client_secret_file", "ven_name", "poll",
                                       "programs", "resources",    "default_site",
                                       "units",    "simple_levels", "report", "callback",
                                       NULL};
static const char *const VEN_RES_KEYS[] = {"resource", "site", NULL};
static const char *const HTTP_KEYS[] = {"listen", "read_open", "body_max", "tokens", NULL};
static const char *const TOKEN_KEYS[] = {"name", "sha256", NULL};
static const char *const SCHED_KEYS[] = {"kind", "poll", "action_timeout", "action_retries", NULL};
static const char *const MAP_KEYS[] = {"partitions", "rules", "comment_tags", "default_tier", NULL};
static const char *const SET_KEYS[] = {"class", "tier",     "window",  "ckpt", "interval",
                                       "curve", "workload", "cluster", NULL};
static const char *const PART_KEYS[] = {"partition", "nodes",   "class",    "tier",
                                        "window",    "ckpt",    "interval", "curve",
                                        "workload",  "cluster", NULL};
static const char *const RULE_KEYS[] = {"match", "set", NULL};
static const char *const MATCH_KEYS[] = {"partition", "qos", "account", "name", "nodes", NULL};
static const char *const TELE_KEYS[] = {"stale_after", "mqtt", NULL};
static const char *const MQTT_KEYS[] = {"host", "port", "topic", NULL};
static const char *const HOOK_KEYS[] = {"power_cap", "router", "timeout", NULL};
static const char *const ROUTER_KEYS[] = {"weights", "url", NULL};
static const char *const PLAN_KEYS[] = {"policy", "pause_lead", "cap_lead", NULL};

/* ---- typed reads (each returns 1 when read, 0 when absent, or a negative gs_err) ---- */

/* The scalar text of key in map into *text (NULL when absent); path gets its field path. A
 * list, a mapping or a null is an error naming what was expected. */
static int get_scalar(gs__yaml *y, const yaml_node_t *map, const char *base, const char *key,
                      int req, const char *what, char *path, yaml_node_t **v, const char **text)
{
    char found[96];
    *text = NULL;
    int rc = gs__yaml_lookup(y, map, base, key, req, what, path, v);
    if (rc <= 0)
        return rc;
    const char *s = gs__yaml_scalar(*v);
    if (!s || gs__yaml_is_null(*v)) {
        gs__yaml_describe(*v, found, sizeof found);
        return gs__yaml_fail(y, *v, path, "expected %s, found %s", what, found);
    }
    *text = s;
    return 1;
}

/* A string of fewer than len bytes, not empty. */
static int get_word(gs__yaml *y, const yaml_node_t *map, const char *base, const char *key, int req,
                    char *out, size_t len)
{
    char path[PATH_LEN], found[96];
    yaml_node_t *v;
    const char *s;
    int rc = get_scalar(y, map, base, key, req, "a string", path, &v, &s);
    if (rc <= 0)
        return rc;
    if (!s[0] || strlen(s) >= len) {
        gs__yaml_describe(v, found, sizeof found);
        return gs__yaml_fail(y, v, path, "expected a string of 1 to %zu characters, found %s",
                             len - 1, found);
    }
    memcpy(out, s, strlen(s) + 1);
    return 1;
}

/* A duration of the one grammar (above 0 when positive). */
static int get_duration(gs__yaml *y, const yaml_node_t *map, const char *base, const char *key,
                        int positive, double *out)
{
    char path[PATH_LEN];
    yaml_node_t *v;
    const char *s;
    int rc = get_scalar(y, map, base, key, OPT, "a duration such as 30s, 5min or 2h", path, &v, &s);
    if (rc <= 0)
        return rc;
    gs_error e = {0};
    double d;
    if (gs_duration_parse(s, &d, &e) != GS_OK)
        return gs__yaml_fail(y, v, path, "%s", e.message);
    if (positive && !(d > 0))
        return gs__yaml_fail(y, v, path,
                             "expected a positive duration such as 5s or 2min, found '%s'", s);
    *out = d;
    return 1;
}

static int get_bool(gs__yaml *y, const yaml_node_t *map, const char *base, const char *key,
                    bool *out)
{
    char path[PATH_LEN];
    yaml_node_t *v;
    const char *s;
    int rc = get_scalar(y, map, base, key, OPT, "true or false", path, &v, &s);
    if (rc <= 0)
        return rc;
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
        *out = true;
    else if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
        *out = false;
    else
        return gs__yaml_fail(y, v, path, "expected true or false, found '%s'", s);
    return 1;
}

/* An integer in lo..hi. */
static int get_int(gs__yaml *y, const yaml_node_t *map, const char *base, const char *key, long lo,
                   long hi, int *out)
{
    char path[PATH_LEN];
    yaml_node_t *v;
    const char *s;
    int rc = get_scalar(y, map, base, key, OPT, "an integer", path, &v, &s);
    if (rc <= 0)
        return rc;
    char *end = NULL;
    long n = 0;
    int ok = isdigit((unsigned char)s[0]) || (s[0] == '-' && isdigit((unsigned char)s[1]));
    if (ok) {
        errno = 0;
        n = strtol(s, &end, 10);
        ok = !*end && errno != ERANGE && n >= lo && n <= hi;
    }
    if (!ok)
        return gs__yaml_fail(y, v, path, "expected an integer from %ld to %ld, found '%s'", lo, hi,
                             s);
    *out = (int)n;
    return 1;
}

/* A number in lo..hi. */
static int get_num_range(gs__yaml *y, const yaml_node_t *map, const char *base, const char *key,
                         double lo, double hi, double *out)
{
    char path[PATH_LEN], found[96];
    yaml_node_t *v;
    const char *s;
    int rc = get_scalar(y, map, base, key, OPT, "a number", path, &v, &s);
    if (rc <= 0)
        return rc;
    double d;
    if (gs__yaml_number(v, &d) || d < lo || d > hi) {
        gs__yaml_describe(v, found, sizeof found);
        return gs__yaml_fail(y, v, path, "expected a number from %g to %g, found %s", lo, hi,
                             found);
    }
    *out = d;
    return 1;
}

/* A file path, ${VAR}-expanded and made relative to the configuration's folder. */
static int get_path(gs__yaml *y, const yaml_node_t *map, const char *base, const char *key, int req,
                    char *out, size_t len, yaml_node_t **vout)
{
    char path[PATH_LEN], found[96];
    yaml_node_t *v;
    const char *s;
    int rc = get_scalar(y, map, base, key, req, "a file name", path, &v, &s);
    if (rc <= 0)
        return rc;
    if (!s[0]) {
        gs__yaml_describe(v, found, sizeof found);
        return gs__yaml_fail(y, v, path, "expected a file name, found %s", found);
    }
    rc = gs__yaml_expand_path(y, v, path, s, out, len);
    if (rc != GS_OK)
        return rc;
    if (vout)
        *vout = v;
    return 1;
}

/* The folder of file path p must exist (a file written there later). */
static int check_parent_dir(gs__yaml *y, const yaml_node_t *v, const char *path, const char *p)
{
    char dir[GS_CFG_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", p);
    char *slash = strrchr(dir, '/');
    if (!slash)
        return GS_OK; /* the current directory */
    if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    struct stat st;
    if (stat(dir, &st) != 0)
        return gs__yaml_fail(y, v, path,
                             "expected a file in an existing folder, found '%s' (%s: %s)", p, dir,
                             strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return gs__yaml_fail(
            y, v, path, "expected a file in an existing folder, found '%s' (%s is not a folder)", p,
            dir);
    return GS_OK;
}

/* ---- http ---- */

/* "host:port" with host an IPv4 address or "localhost" (stored as 127.0.0.1). */
static int parse_listen(gs__yaml *y, const yaml_node_t *v, const char *path, const char *s,
                        gs_serve_config *c)
{
    const char *colon = strrchr(s, ':');
    const char *expect = "expected HOST:PORT with HOST an IPv4 address or localhost and PORT 0 to "
                         "65535 (such as 127.0.0.1:8742)";
    if (!colon || colon == s || (size_t)(colon - s) >= sizeof c->listen_addr || !colon[1])
        return gs__yaml_fail(y, v, path, "%s, found '%s'", expect, s);
    char host[sizeof c->listen_addr];
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    long port = 0;
    for (const char *p = colon + 1; *p; p++) {
        if (!isdigit((unsigned char)*p) || port > 65535)
            return gs__yaml_fail(y, v, path, "%s, found '%s'", expect, s);
        port = port * 10 + (*p - '0');
    }
    if (port > 65535)
        return gs__yaml_fail(y, v, path, "%s, found '%s' (the port is above 65535)", expect, s);
    struct in_addr a;
    if (!strcmp(host, "localhost"))
        snprintf(host, sizeof host, "127.0.0.1");
    else if (inet_pton(AF_INET, host, &a) != 1)
        return gs__yaml_fail(y, v, path, "%s, found '%s' ('%s' is not an IPv4 address)", expect, s,
                             host);
    inet_pton(AF_INET, host, &a);
    snprintf(c->listen_addr, sizeof c->listen_addr, "%s", host);
    c->port = (int)port;
    c->listen_public = (ntohl(a.s_addr) >> 24) != 127;
    return GS_OK;
}

/* "1048576", "1MiB", "64 KiB", "512kB": a size in bytes, 1 .. BODY_MAX_LIMIT_BYTES. */
static int parse_size(const char *s, size_t *out)
{
    static const struct {
        const char *unit;
        unsigned long long mult;
    } units[] = {{"", 1},
                 {"B", 1},
                 {"KiB", 1024ull},
                 {"MiB", 1048576ull},
                 {"GiB", 1073741824ull},
                 {"kB", 1000ull},
                 {"KB", 1000ull},
                 {"MB", 1000000ull},
                 {"GB", 1000000000ull}};
    const char *p = s;
    unsigned long long n = 0;
    if (!isdigit((unsigned char)*p))
        return -1;
    for (; isdigit((unsigned char)*p); p++) {
        if (n > BODY_MAX_LIMIT_BYTES)
            return -1;
        n = n * 10 + (unsigned long long)(*p - '0');
    }
    while (*p == ' ')
        p++;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (!strcmp(p, units[i].unit)) {
            if (n == 0 || n > BODY_MAX_LIMIT_BYTES / units[i].mult)
                return -1;
            *out = (size_t)(n * units[i].mult);
            return 0;
        }
    }
    return -1;
}

static int read_tokens(gs__yaml *y, const yaml_node_t *http, gs_serve_config *c)
{
    yaml_node_t *seq;
    size_t n;
    int rc =
        gs__yaml_get_list(y, http, "http", "tokens", OPT, "a list of {name, sha256}", &seq, &n);
    if (rc <= 0)
        return rc;
    if (n > GS_CFG_TOKENS_MAX)
        return gs__yaml_fail(y, seq, "http.tokens", "expected at most %d tokens, found %zu",
                             GS_CFG_TOKENS_MAX, n);
    for (size_t i = 0; i < n; i++) {
        char base[PATH_LEN], path[PATH_LEN];
        yaml_node_t *item = gs__yaml_item(y, seq, i), *v;
        const char *s;
        gs__yaml_index(base, "http.tokens", i);
        rc = gs__yaml_check_map(y, item, base, "a token {name, sha256}", TOKEN_KEYS);
        if (rc != GS_OK)
            return rc;
        gs_token *t = &c->tokens[i];
        rc = get_word(y, item, base, "name", REQ, t->name, sizeof t->name);
        if (rc < 0)
            return rc;
        char npath[PATH_LEN];
        gs__yaml_path_cut(npath, base, "name");
        for (const char *p = t->name; *p; p++)
            if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
                return gs__yaml_fail(
                    y, gs__yaml_get(y, item, "name"), npath,
                    "expected a token name of letters, digits, '.', '_' and '-', found '%s'",
                    t->name);
        rc = get_scalar(y, item, base, "sha256", REQ, "64 hex digits (the SHA-256 of the token)",
                        path, &v, &s);
        if (rc < 0)
            return rc;
        size_t k = 0;
        for (; s[k] && k < 64 && isxdigit((unsigned char)s[k]); k++)
            t->sha256_hex[k] = (char)tolower((unsigned char)s[k]);
        if (k != 64 || s[k])
            return gs__yaml_fail(y, v, path,
                                 "expected 64 hex digits (the SHA-256 of the token, as "
                                 "`printf %%s TOKEN | sha256sum` prints it), found %zu characters",
                                 strlen(s));
        t->sha256_hex[64] = '\0';
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(c->tokens[j].name, t->name))
                return gs__yaml_fail(y, gs__yaml_get(y, item, "name"), npath,
                                     "token name '%s' is given twice (http.tokens[%zu] has it)",
                                     t->name, j);
            if (!strcmp(c->tokens[j].sha256_hex, t->sha256_hex))
                return gs__yaml_fail(y, v, path,
                                     "token '%s' has the same sha256 as token '%s': each holder "
                                     "needs a token of their own",
                                     t->name, c->tokens[j].name);
        }
        c->ntokens = i + 1;
    }
    return 1;
}

static int read_http(gs__yaml *y, const yaml_node_t *root, gs_serve_config *c)
{
    char path[PATH_LEN], found[96];
    yaml_node_t *http, *v;
    const char *s;
    int rc = gs__yaml_lookup(y, root, "", "http", OPT, "a mapping", path, &http);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(y, http, "http",
                                 "a mapping of {listen, read_open, body_max, tokens}",
                                 HTTP_KEYS)) != GS_OK)
        return rc;
    rc = get_scalar(y, http, "http", "listen", OPT, "HOST:PORT such as 127.0.0.1:8742", path, &v,
                    &s);
    if (rc < 0)
        return rc;
    if (rc == 1 && (rc = parse_listen(y, v, path, s, c)) != GS_OK)
        return rc;
    if ((rc = get_bool(y, http, "http", "read_open", &c->read_open)) < 0)
        return rc;
    rc = get_scalar(y, http, "http", "body_max", OPT, "a size such as 1MiB or 65536", path, &v, &s);
    if (rc < 0)
        return rc;
    if (rc == 1 && parse_size(s, &c->body_max_bytes)) {
        gs__yaml_describe(v, found, sizeof found);
        return gs__yaml_fail(y, v, path,
                             "expected a size in bytes from 1 to 1GiB such as 65536, 64KiB or "
                             "1MiB, found %s",
                             found);
    }
    rc = read_tokens(y, http, c);
    return rc < 0 ? rc : 1;
}

/* ---- scheduler, telemetry, planner ---- */

static int read_scheduler(gs__yaml *y, const yaml_node_t *root, gs_serve_config *c)
{
    char path[PATH_LEN];
    yaml_node_t *m, *v;
    const char *s;
    int rc = gs__yaml_lookup(y, root, "", "scheduler", OPT, "a mapping", path, &m);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(y, m, "scheduler",
                                 "a mapping of {kind, poll, action_timeout, action_retries}",
                                 SCHED_KEYS)) != GS_OK)
        return rc;
    rc = get_scalar(y, m, "scheduler", "kind", OPT, "slurm or fake", path, &v, &s);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        if (strcmp(s, "slurm") && strcmp(s, "fake"))
            return gs__yaml_fail(y, v, path, "expected slurm or fake, found '%s'", s);
        snprintf(c->scheduler, sizeof c->scheduler, "%s", s);
    }
    if ((rc = get_duration(y, m, "scheduler", "poll", 1, &c->poll_s)) < 0 ||
        (rc = get_duration(y, m, "scheduler", "action_timeout", 1, &c->action_timeout_s)) < 0 ||
        (rc = get_int(y, m, "scheduler", "action_retries", 0, 100, &c->action_retries)) < 0)
        return rc;
    return 1;
}

static int read_telemetry(gs__yaml *y, const yaml_node_t *root, gs_serve_config *c)
{
    char path[PATH_LEN];
    yaml_node_t *m, *mq;
    int rc = gs__yaml_lookup(y, root, "", "telemetry", OPT, "a mapping", path, &m);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(y, m, "telemetry", "a mapping of {stale_after, mqtt}",
                                 TELE_KEYS)) != GS_OK)
        return rc;
    if ((rc = get_duration(y, m, "telemetry", "stale_after", 1, &c->telemetry_stale_s)) < 0)
        return rc;
    rc = gs__yaml_lookup(y, m, "telemetry", "mqtt", OPT, "a mapping", path, &mq);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(y, mq, path, "a mapping of {host, port, topic}", MQTT_KEYS)) !=
        GS_OK)
        return rc;
    if ((rc = get_word(y, mq, "telemetry.mqtt", "host", REQ, c->mqtt_host, sizeof c->mqtt_host)) <
            0 ||
        (rc = get_int(y, mq, "telemetry.mqtt", "port", 1, 65535, &c->mqtt_port)) < 0 ||
        (rc = get_word(y, mq, "telemetry.mqtt", "topic", OPT, c->mqtt_topic,
                       sizeof c->mqtt_topic)) < 0)
        return rc;
    return 1;
}

/* openadr: the VEN (docs/openadr.md). The sites are checked against the fleet by serve. */
static int read_openadr(gs__yaml *y, const yaml_node_t *root, gs_serve_config *c)
{
    char path[PATH_LEN];
    yaml_node_t *m, *v, *seq;
    const char *s;
    gs_ven_config *vc = &c->ven;
    vc->poll_s = 30;
    vc->units_mw = 1e-3;
    vc->simple_levels[1] = 0.1;
    vc->simple_levels[2] = 0.25;
    vc->simple_levels[3] = 0.5;
    vc->report = true;
    int rc = gs__yaml_lookup(y, root, "", "openadr", OPT, "a mapping", path, &m);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(y, m, "openadr", "a mapping of the VEN's settings", VEN_KEYS)) !=
        GS_OK)
        return rc;
    vc->on = true;
    rc = get_scalar(y, m, "openadr", "vtn", REQ, "the VTN's base URL", path, &v, &s);
    if (rc < 0)
        return rc;
    if ((strncmp(s, "http://", 7) && strncmp(s, "https://", 8)) || strlen(s) >= sizeof vc->vtn)
        return gs__yaml_fail(y, v, path, "expected an http:// or https:// URL, found '%.100s'", s);
    snprintf(vc->vtn, sizeof vc->vtn, "%s", s);
    size_t l = strlen(vc->vtn);
    while (l && vc->vtn[l - 1] == '/')
        vc->vtn[--l] = '\0';
    if ((rc = get_word(y, m, "openadr", "client_id", REQ, vc->client_id, sizeof vc->client_id)) < 0 ||
        (rc = get_word(y, m, "openadr", "ven_name", REQ, vc->ven_name, sizeof vc->ven_name)) < 0 ||
        (rc = get_duration(y, m, "openadr", "poll", 1, &vc->poll_s)) < 0 ||
        (rc = get_word(y, m, "openadr", "default_site", OPT, vc->default_site,
                       sizeof vc->default_site)) < 0 ||
        (rc = get_bool(y, m, "openadr", "report", &vc->report)) < 0)
        return rc;
    rc = get_word(y, m, "openadr", "client_secret", OPT, vc->client_secret,
                  sizeof vc->client_secret);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        char file[GS_CFG_PATH_MAX];
        yaml_node_t *fv = NULL;
        rc = get_path(y, m, "openadr", "client_secret_file", OPT, file, sizeof file, &fv);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return gs__yaml_fail(y, m, "openadr", "expected client_secret or client_secret_file, "
                                 "found neither");
        FILE *fp = fopen(file, "r");
        if (!fp || !fgets(vc->client_secret, sizeof vc->client_secret, fp)) {
            if (fp)
                fclose(fp);
            return gs__yaml_fail(y, fv, "openadr.client_secret_file",
                                 "expected a readable file holding the secret, found '%s' (%s)",
                                 file, strerror(errno));
        }
        fclose(fp);
        vc->client_secret[strcspn(vc->client_secret, "\r\n")] = '\0';
        if (!vc->client_secret[0])
            return gs__yaml_fail(y, fv, "openadr.client_secret_file",
                                 "expected a secret on the file's first line, found none");
    }
    rc = get_scalar(y, m, "openadr", "callback", OPT, "the URL the VTN calls", path, &v, &s);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        if ((strncmp(s, "http://", 7) && strncmp(s, "https://", 8)) ||
            strlen(s) >= sizeof vc->callback || !strstr(s, "/openadr/notify"))
            return gs__yaml_fail(y, v, path, "expected the http(s) URL of this daemon's "
                                 "/openadr/notify as the VTN reaches it, found '%.100s'", s);
        snprintf(vc->callback, sizeof vc->callback, "%s", s);
    }
    rc = get_scalar(y, m, "openadr", "units", OPT, "KW or MW", path, &v, &s);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        if (!strcmp(s, "KW"))
            vc->units_mw = 1e-3;
        else if (!strcmp(s, "MW"))
            vc->units_mw = 1;
        else
            return gs__yaml_fail(y, v, path, "expected KW or MW, found '%.40s'", s);
    }
    size_t n;
    rc = gs__yaml_get_list(y, m, "openadr", "programs", OPT, "a list of program names", &seq, &n);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        if (n > GS_VEN_PROGRAMS_MAX)
            return gs__yaml_fail(y, seq, "openadr.programs", "expected at most %d programs, "
                                 "found %zu", GS_VEN_PROGRAMS_MAX, n);
        for (size_t i = 0; i < n; i++) {
            yaml_node_t *it = gs__yaml_item(y, seq, i);
            const char *t = gs__yaml_scalar(it);
            char ip[PATH_LEN];
            gs__yaml_index(ip, "openadr.programs", i);
            if (!t || !t[0] || strlen(t) >= sizeof vc->programs[0])
                return gs__yaml_fail(y, it, ip, "expected a program name, found %s",
                                     t ? "an empty or too long name" : "no text");
            snprintf(vc->programs[i], sizeof vc->programs[i], "%s", t);
        }
        vc->nprograms = n;
    }
    rc = gs__yaml_get_list(y, m, "openadr", "resources", OPT, "a list of {resource, site}", &seq,
                           &n);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        if (n > GS_VEN_RESOURCES_MAX)
            return gs__yaml_fail(y, seq, "openadr.resources", "expected at most %d resources, "
                                 "found %zu", GS_VEN_RESOURCES_MAX, n);
        for (size_t i = 0; i < n; i++) {
            char base[PATH_LEN];
            yaml_node_t *it = gs__yaml_item(y, seq, i);
            gs__yaml_index(base, "openadr.resources", i);
            if ((rc = gs__yaml_check_map(y, it, base, "a {resource, site}", VEN_RES_KEYS)) !=
                    GS_OK ||
                (rc = get_word(y, it, base, "resource", REQ, vc->resources[i].resource,
                               sizeof vc->resources[i].resource)) < 0 ||
                (rc = get_word(y, it, base, "site", REQ, vc->resources[i].site,
                               sizeof vc->resources[i].site)) < 0)
                return rc;
        }
        vc->nresources = n;
    }
    rc = gs__yaml_get_list(y, m, "openadr", "simple_levels", OPT, "a list of four shares", &seq,
                           &n);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        if (n != 4)
            return gs__yaml_fail(y, seq, "openadr.simple_levels", "expected four shares (levels "
                                 "0, 1, 2, 3), found %zu", n);
        for (size_t i = 0; i < 4; i++) {
            yaml_node_t *it = gs__yaml_item(y, seq, i);
            double d;
            char ip[PATH_LEN];
            gs__yaml_index(ip, "openadr.simple_levels", i);
            if (gs__yaml_number(it, &d) || !(d >= 0 && d <= 1))
                return gs__yaml_fail(y, it, ip, "expected a share from 0 to 1, found %s",
                                     gs__yaml_scalar(it) ? gs__yaml_scalar(it) : "no number");
            vc->simple_levels[i] = d;
        }
    }
    return 1;
}

static int read_planner(gs__yaml *y, const yaml_node_t *root, gs_serve_config *c)
{
    char path[PATH_LEN];
    yaml_node_t *m, *v;
    const char *s;
    int rc = gs__yaml_lookup(y, root, "", "planner", OPT, "a mapping", path, &m);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(y, m, "planner", "a mapping of {policy, pause_lead, cap_lead}",
                                 PLAN_KEYS)) != GS_OK)
        return rc;
    rc = get_scalar(y, m, "planner", "policy", OPT, "a policy name", path, &v, &s);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        if (gs_policy_parse(s) < 0 || strlen(s) >= sizeof c->policy) {
            char all[256] = "";
            for (int k = 0; k <= GS_POLICY_CAPACITY; k++) {
                size_t l = strlen(all);
                snprintf(all + l, sizeof all - l, "%s%s", k ? ", " : "",
                         gs_policy_name((gs_policy_kind)k));
            }
            return gs__yaml_fail(y, v, path, "expected a policy (one of: %s), found '%s'", all, s);
        }
        snprintf(c->policy, sizeof c->policy, "%s", s);
    }
    if ((rc = get_duration(y, m, "planner", "pause_lead", 0, &c->pause_lead_s)) < 0 ||
        (rc = get_duration(y, m, "planner", "cap_lead", 0, &c->cap_lead_s)) < 0)
        return rc;
    return 1;
}

/* ---- hooks ---- */

/* Whether file p is a regular file this process may execute; why gets the reason. */
static int executable(const char *p, char *why, size_t len)
{
    struct stat st;
    if (stat(p, &st) != 0) {
        snprintf(why, len, "%s", errno == ENOENT ? "no such file" : strerror(errno));
        return 0;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, len, "not a regular file");
        return 0;
    }
    if (access(p, X_OK) != 0) {
        snprintf(why, len, "not executable (%s)", strerror(errno));
        return 0;
    }
    return 1;
}

/* hooks.power_cap: "PROGRAM [ARGS...]" (no shell). A PROGRAM with a '/' is a path (relative
 * to the configuration's folder); a bare name is looked up in PATH, as gs_hook_run does. The
 * command is stored with the program's path resolved. */
static int read_cap_hook(gs__yaml *y, const yaml_node_t *hooks, gs_serve_config *c)
{
    char path[PATH_LEN];
    yaml_node_t *v;
    const char *s;
    int rc = get_scalar(y, hooks, "hooks", "power_cap", OPT, "a command (PROGRAM ARGS...)", path,
                        &v, &s);
    if (rc <= 0)
        return rc;
    const char *p = s;
    while (isspace((unsigned char)*p))
        p++;
    size_t n = strcspn(p, " \t\r\n\v\f");
    if (n == 0)
        return gs__yaml_fail(y, v, path, "expected a command (PROGRAM ARGS...), found '%s'", s);
    char prog[GS_CFG_PATH_MAX], resolved[GS_CFG_PATH_MAX], why[160];
    if (n >= sizeof prog)
        return gs__yaml_fail(y, v, path, "expected a program name of at most %zu characters",
                             sizeof prog - 1);
    memcpy(prog, p, n);
    prog[n] = '\0';
    const char *rest = p + n;
    if (strchr(prog, '/')) {
        rc = gs__yaml_expand_path(y, v, path, prog, resolved, sizeof resolved);
        if (rc != GS_OK)
            return rc;
        if (!executable(resolved, why, sizeof why))
            return gs__yaml_fail(y, v, path, "expected an executable program, found '%s': %s",
                                 resolved, why);
    } else {
        const char *env = getenv("PATH");
        const char *dirs = env && env[0] ? env : "/usr/local/bin:/usr/bin:/bin";
        int found = 0;
        while (!found && *dirs) {
            size_t dl = strcspn(dirs, ":");
            int k = snprintf(resolved, sizeof resolved, "%.*s/%s", (int)dl, dl ? dirs : ".", prog);
            if (k > 0 && (size_t)k < sizeof resolved && executable(resolved, why, sizeof why))
                found = 1;
            dirs += dl;
            if (*dirs == ':')
                dirs++;
        }
        if (!found)
            return gs__yaml_fail(y, v, path,
                                 "expected an executable program, found '%s', which is not in "
                                 "PATH (give its path, such as /usr/local/bin/%s)",
                                 prog, prog);
        snprintf(resolved, sizeof resolved, "%s",
                 prog); /* gs_hook_run searches PATH the same way */
    }
    if (resolved[strcspn(resolved, " \t\r\n\v\f")])
        return gs__yaml_fail(y, v, path,
                             "expected a program path without white space (the command is split "
                             "on white space), found '%s'; move the configuration or give an "
                             "absolute path",
                             resolved);
    int k = snprintf(c->cap_hook, sizeof c->cap_hook, "%s%s", resolved, rest);
    if (k < 0 || (size_t)k >= sizeof c->cap_hook)
        return gs__yaml_fail(y, v, path, "expected a command of at most %zu characters",
                             sizeof c->cap_hook - 1);
    /* trailing white space is no argument */
    for (size_t l = strlen(c->cap_hook); l && isspace((unsigned char)c->cap_hook[l - 1]); l--)
        c->cap_hook[l - 1] = '\0';
    return 1;
}

static int read_hooks(gs__yaml *y, const yaml_node_t *root, gs_serve_config *c)
{
    char path[PATH_LEN];
    yaml_node_t *m, *r, *v;
    const char *s;
    int rc = gs__yaml_lookup(y, root, "", "hooks", OPT, "a mapping", path, &m);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(y, m, "hooks", "a mapping of {power_cap, router, timeout}",
                                 HOOK_KEYS)) != GS_OK)
        return rc;
    if ((rc = read_cap_hook(y, m, c)) < 0)
        return rc;
    if ((rc = get_duration(y, m, "hooks", "timeout", 1, &c->hook_timeout_s)) < 0)
        return rc;
    rc = gs__yaml_lookup(y, m, "hooks", "router", OPT, "a mapping", path, &r);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(y, r, path, "a mapping of {weights, url}", ROUTER_KEYS)) != GS_OK)
        return rc;
    rc = get_path(y, r, "hooks.router", "weights", OPT, c->router_weights_path,
                  sizeof c->router_weights_path, &v);
    if (rc < 0)
        return rc;
    if (rc == 1 &&
        (rc = check_parent_dir(y, v, "hooks.router.weights", c->router_weights_path)) != GS_OK)
        return rc;
    rc = get_scalar(y, r, "hooks.router", "url", OPT, "a URL (http://... or https://...)", path, &v,
                    &s);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        int bad = strncasecmp(s, "http://", 7) && strncasecmp(s, "https://", 8);
        for (const char *p = s; *p && !bad; p++)
            bad = (unsigned char)*p <= ' ' || *p == 0x7f;
        if (bad || strlen(s) >= sizeof c->router_url || !s[strncasecmp(s, "http://", 7) ? 8 : 7])
            return gs__yaml_fail(y, v, path,
                                 "expected a URL starting with http:// or https:// (no spaces), "
                                 "found '%s'",
                                 s);
        snprintf(c->router_url, sizeof c->router_url, "%s", s);
    }
    return 1;
}

/* ---- mapping ---- */

/* The keys of SET_KEYS present in map into *set: each value is checked here for its type and
 * range, then read by gs_map_parse_tag as "key=value", the grammar of the `grid:` tags. */
static int read_set(gs__yaml *y, const yaml_node_t *map, const char *base, gs_map_set *set)
{
    for (size_t i = 0; SET_KEYS[i]; i++) {
        const char *key = SET_KEYS[i];
        char path[PATH_LEN], tag[512], why[256];
        yaml_node_t *v;
        const char *s;
        int rc = get_scalar(y, map, base, key, OPT, "a value", path, &v, &s);
        if (rc < 0)
            return rc;
        if (rc == 0)
            continue;
        if (!strcmp(key, "class") && strcmp(s, "training") && strcmp(s, "inference"))
            return gs__yaml_fail(y, v, path, "expected training or inference, found '%s'", s);
        if (!strcmp(key, "window") && strcmp(s, "event") && strcmp(s, "day") && strcmp(s, "run"))
            return gs__yaml_fail(y, v, path, "expected event, day or run, found '%s'", s);
        if (!strcmp(key, "tier")) {
            double t;
            if (gs__yaml_number(v, &t) || t < 0 || t > 1)
                return gs__yaml_fail(y, v, path,
                                     "expected a tier from 0 to 1 (the floor on the job's average "
                                     "throughput; 1 must run), found '%s'",
                                     s);
        }
        if (strchr(s, ',') || strchr(s, '='))
            return gs__yaml_fail(y, v, path, "expected a %s without ',' or '=', found '%s'", key,
                                 s);
        int k = snprintf(tag, sizeof tag, "%s=%s", key, s);
        if (k < 0 || (size_t)k >= sizeof tag)
            return gs__yaml_fail(y, v, path, "expected a %s of at most %zu characters", key,
                                 sizeof tag - strlen(key) - 2);
        gs_map_set one;
        memset(&one, 0, sizeof one);
        why[0] = '\0';
        if (gs_map_parse_tag(tag, &one, why, sizeof why) != 0) {
            const char *w = why;
            size_t kl = strlen(key); /* "ckpt: expected ..." says the key the path names */
            if (!strncmp(w, key, kl) && w[kl] == ':' && w[kl + 1] == ' ')
                w += kl + 2;
            return gs__yaml_fail(y, v, path, "%s", w[0] ? w : "not a valid value");
        }
        if (one.has_cls) {
            set->has_cls = true;
            set->cls = one.cls;
        }
        if (one.has_tier) {
            set->has_tier = true;
            set->tier = one.tier;
        }
        if (one.has_window) {
            set->has_window = true;
            set->window = one.window;
        }
        if (one.has_ckpt) {
            set->has_ckpt = true;
            memcpy(set->ckpt_signal, one.ckpt_signal, sizeof set->ckpt_signal);
            set->ckpt_signal_s = one.ckpt_signal_s;
        }
        if (one.has_ckpt_interval) {
            set->has_ckpt_interval = true;
            set->ckpt_interval_s = one.ckpt_interval_s;
        }
        if (one.has_curve) {
            set->has_curve = true;
            memcpy(set->power_curve, one.power_curve, sizeof set->power_curve);
        }
        if (one.has_workload) {
            set->has_workload = true;
            memcpy(set->workload, one.workload, sizeof set->workload);
        }
        if (one.has_cluster) {
            set->has_cluster = true;
            memcpy(set->cluster, one.cluster, sizeof set->cluster);
        }
    }
    return GS_OK;
}

static int read_partitions(gs__yaml *y, const yaml_node_t *m, gs_map *map)
{
    yaml_node_t *seq;
    size_t n;
    int rc = gs__yaml_get_list(y, m, "mapping", "partitions", OPT,
                               "a list of {partition, class, tier, ...}", &seq, &n);
    if (rc <= 0)
        return rc;
    if (n == 0)
        return GS_OK;
    map->defaults = calloc(n, sizeof *map->defaults);
    if (!map->defaults)
        return gs_error_set(y->err, GS_ENOMEM, y->file, 0, 0, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        char base[PATH_LEN];
        yaml_node_t *item = gs__yaml_item(y, seq, i);
        gs_map_rule *r = &map->defaults[i];
        gs__yaml_index(base, "mapping.partitions", i);
        if ((rc = gs__yaml_check_map(y, item, base,
                                     "a partition's defaults {partition, class, tier, ...}",
                                     PART_KEYS)) != GS_OK)
            return rc;
        if ((rc = get_word(y, item, base, "partition", REQ, r->partition, sizeof r->partition)) <
                0 ||
            (rc = get_word(y, item, base, "nodes", OPT, r->nodes, sizeof r->nodes)) < 0 ||
            (rc = read_set(y, item, base, &r->set)) < 0)
            return rc;
        map->ndefaults = i + 1;
    }
    return GS_OK;
}

static int read_rules(gs__yaml *y, const yaml_node_t *m, gs_map *map)
{
    yaml_node_t *seq;
    size_t n;
    int rc = gs__yaml_get_list(y, m, "mapping", "rules", OPT, "a list of {match, set}", &seq, &n);
    if (rc <= 0)
        return rc;
    if (n == 0)
        return GS_OK;
    map->rules = calloc(n, sizeof *map->rules);
    if (!map->rules)
        return gs_error_set(y->err, GS_ENOMEM, y->file, 0, 0, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        char base[PATH_LEN], mpath[PATH_LEN], spath[PATH_LEN];
        yaml_node_t *item = gs__yaml_item(y, seq, i), *match, *set;
        gs_map_rule *r = &map->rules[i];
        gs__yaml_index(base, "mapping.rules", i);
        if ((rc = gs__yaml_check_map(y, item, base, "a rule {match, set}", RULE_KEYS)) != GS_OK)
            return rc;
        rc = gs__yaml_lookup(y, item, base, "match", OPT, "a mapping", mpath, &match);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            if ((rc = gs__yaml_check_map(
                     y, match, mpath,
                     "a mapping of patterns {partition, qos, account, name, nodes}", MATCH_KEYS)) !=
                GS_OK)
                return rc;
            if ((rc = get_word(y, match, mpath, "partition", OPT, r->partition,
                               sizeof r->partition)) < 0 ||
                (rc = get_word(y, match, mpath, "qos", OPT, r->qos, sizeof r->qos)) < 0 ||
                (rc = get_word(y, match, mpath, "account", OPT, r->account, sizeof r->account)) <
                    0 ||
                (rc = get_word(y, match, mpath, "name", OPT, r->name, sizeof r->name)) < 0 ||
                (rc = get_word(y, match, mpath, "nodes", OPT, r->nodes, sizeof r->nodes)) < 0)
                return rc;
        }
        rc = gs__yaml_lookup(y, item, base, "set", REQ, "what the rule sets: {class, tier, ...}",
                             spath, &set);
        if (rc < 0)
            return rc;
        if ((rc = gs__yaml_check_map(
                 y, set, spath,
                 "a mapping of {class, tier, window, ckpt, interval, curve, workload, cluster}",
                 SET_KEYS)) != GS_OK)
            return rc;
        if (set->data.mapping.pairs.top == set->data.mapping.pairs.start) {
            char all[256];
            gs__join_words(SET_KEYS, all, sizeof all);
            return gs__yaml_fail(y, set, spath, "expected at least one of: %s, found nothing", all);
        }
        if ((rc = read_set(y, set, spath, &r->set)) < 0)
            return rc;
        map->nrules = i + 1;
    }
    return GS_OK;
}

static int read_mapping(gs__yaml *y, const yaml_node_t *root, gs_serve_config *c)
{
    char path[PATH_LEN];
    yaml_node_t *m;
    int rc = gs__yaml_lookup(y, root, "", "mapping", OPT, "a mapping", path, &m);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(y, m, "mapping",
                                 "a mapping of {partitions, rules, comment_tags, default_tier}",
                                 MAP_KEYS)) != GS_OK)
        return rc;
    if ((rc = read_partitions(y, m, &c->map)) < 0 || (rc = read_rules(y, m, &c->map)) < 0 ||
        (rc = get_bool(y, m, "mapping", "comment_tags", &c->map.comment_tags)) < 0 ||
        (rc = get_num_range(y, m, "mapping", "default_tier", 0, 1, &c->map.default_tier)) < 0)
        return rc;
    return 1;
}

/* ---- the file ---- */

static void set_defaults(gs_serve_config *c)
{
    snprintf(c->listen_addr, sizeof c->listen_addr, "127.0.0.1");
    c->port = 8742;
    c->read_open = false;
    c->listen_public = false;
    c->body_max_bytes = (size_t)1 << 20;
    snprintf(c->scheduler, sizeof c->scheduler, "slurm");
    c->poll_s = 5;
    c->action_timeout_s = 30;
    c->action_retries = 2;
    c->map.comment_tags = true;
    c->map.default_tier = 1;
    c->telemetry_stale_s = 120;
    c->mqtt_port = 1883;
    snprintf(c->mqtt_topic, sizeof c->mqtt_topic, "gridsplit/power/#");
    c->hook_timeout_s = 10;
    snprintf(c->policy, sizeof c->policy, "comply");
    c->pause_lead_s = 30;
    c->cap_lead_s = 10;
}

static int read_root(gs__yaml *y, const yaml_node_t *root, gs_serve_config *c)
{
    yaml_node_t *v;
    int rc = gs__yaml_check_map(y, root, "", "a mapping of settings (fleet, http, scheduler, ...)",
                                TOP_KEYS);
    if (rc != GS_OK)
        return rc;
    rc = get_path(y, root, "", "fleet", REQ, c->fleet_path, sizeof c->fleet_path, &v);
    if (rc < 0)
        return rc;
    gs_error e = {0};
    if (gs__path_check(c->fleet_path, &e) != GS_OK || !strcmp(c->fleet_path, "-"))
        return gs__yaml_fail(y, v, "fleet", "expected a readable fleet file, found '%s' (%s)",
                             c->fleet_path, e.message[0] ? e.message : "standard input");
    rc = get_path(y, root, "", "store", OPT, c->store_path, sizeof c->store_path, &v);
    if (rc < 0)
        return rc;
    if (rc == 1 && (rc = check_parent_dir(y, v, "store", c->store_path)) != GS_OK)
        return rc;
    rc = get_path(y, root, "", "reports", OPT, c->reports_dir, sizeof c->reports_dir, &v);
    if (rc < 0)
        return rc;
    if (rc == 1 && (rc = check_parent_dir(y, v, "reports", c->reports_dir)) != GS_OK)
        return rc;
    if ((rc = read_http(y, root, c)) < 0 || (rc = read_scheduler(y, root, c)) < 0 ||
        (rc = read_mapping(y, root, c)) < 0 || (rc = read_telemetry(y, root, c)) < 0 ||
        (rc = read_hooks(y, root, c)) < 0 || (rc = read_planner(y, root, c)) < 0 ||
        (rc = read_openadr(y, root, c)) < 0)
        return rc;
    return GS_OK;
}

int gs_serve_config_load(const char *path, gs_serve_config **out, gs_error *err)
{
    *out = NULL;
    if (!path || !path[0] || strcmp(path, "-") == 0)
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                            "expected the name of a configuration file, found '%s'",
                            path ? path : "");
    if (strlen(path) >= GS_CFG_PATH_MAX)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                            "expected a configuration path of at most %d characters",
                            GS_CFG_PATH_MAX - 1);
    gs_serve_config *c = calloc(1, sizeof *c);
    if (!c)
        return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
    snprintf(c->path, sizeof c->path, "%s", path);
    set_defaults(c);

    yaml_document_t doc;
    int rc = gs__yaml_load(path, NULL, 0, 1, &doc, err);
    if (rc != GS_OK) {
        free(c);
        return rc;
    }
    gs__yaml y;
    memset(&y, 0, sizeof y);
    y.doc = &doc;
    y.file = path;
    y.err = err;
    y.strict_paths = 1;
    y.catalog_style = 1;
    /* relative paths are relative to the configuration's folder, made absolute so that they
     * stay right whatever the daemon's working directory becomes */
    char abs[GS_PATH_MAX];
    int k = path[0] == '/' ? snprintf(abs, sizeof abs, "%s", path) : -1;
    if (k < 0) {
        char cwd[GS_PATH_MAX];
        if (getcwd(cwd, sizeof cwd))
            k = snprintf(abs, sizeof abs, "%s/%s", cwd, path);
        if (k < 0 || (size_t)k >= sizeof abs)
            k = snprintf(abs, sizeof abs, "%s", path);
    }
    gs__yaml_set_dir(&y, abs);

    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || gs__yaml_is_null(root))
        rc = gs_error_set(err, GS_EINPUT, path, 1, 1, NULL,
                          "expected a mapping of settings (fleet, http, scheduler, ...; "
                          "docs/serve.md, \"Configuration\"), found nothing");
    else
        rc = read_root(&y, root, c);
    if (rc == GS_OK && !c->store_path[0]) {
        k = snprintf(c->store_path, sizeof c->store_path, "%s/gridsplit-serve.db", y.dir);
        if (k < 0 || (size_t)k >= sizeof c->store_path)
            rc = gs_error_set(
                err, GS_EINPUT, path, 0, 0, "store",
                "the default store path beside the configuration is too long; give store:");
    }
    if (rc == GS_OK && !c->reports_dir[0]) {
        /* beside the store */
        char dir[GS_CFG_PATH_MAX];
        snprintf(dir, sizeof dir, "%s", c->store_path);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        k = snprintf(c->reports_dir, sizeof c->reports_dir, "%s/gridsplit-events",
                     slash ? dir : ".");
        if (k < 0 || (size_t)k >= sizeof c->reports_dir)
            rc = gs_error_set(err, GS_EINPUT, path, 0, 0, "reports",
                              "the default reports folder beside the store is too long; give "
                              "reports:");
    }
    yaml_document_delete(&doc);
    if (rc != GS_OK) {
        gs_serve_config_free(c);
        return rc;
    }
    *out = c;
    return GS_OK;
}

void gs_serve_config_free(gs_serve_config *c)
{
    if (!c)
        return;
    gs_map_free(&c->map);
    free(c);
}

/* ---- tokens ---- */

void gs_sha256_hex(const char *text, size_t len, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_Digest(text ? text : "", text ? len : 0, md, &n, EVP_sha256(), NULL) || n != 32) {
        memset(hex, 0, 65); /* cannot happen with OpenSSL's built-in SHA-256; matches nothing */
        return;
    }
    for (unsigned int i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
}

const gs_token *gs_serve_token_match(const gs_serve_config *c, const char *presented)
{
    if (!c || !presented || !presented[0])
        return NULL;
    char hex[65];
    gs_sha256_hex(presented, strlen(presented), hex);
    if (!hex[0])
        return NULL;
    const gs_token *match = NULL;
    /* every configured token is compared, whatever matched before: the time taken says nothing
     * about which token (or which prefix of one) was close */
    for (size_t i = 0; i < c->ntokens && i < GS_CFG_TOKENS_MAX; i++) {
        int differs = CRYPTO_memcmp(hex, c->tokens[i].sha256_hex, 64);
        if (!differs && !match)
            match = &c->tokens[i];
    }
    return match;
}
