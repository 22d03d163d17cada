/* http.c: the daemon's HTTP server over libmicrohttpd (src/daemon/http.h): listening on the
 * configured address (loopback by default) with an internal epoll thread pool of 2 (poll where
 * epoll is missing), bearer-token checks before any body is read, the body size limit (413 at
 * once from Content-Length, else as soon as the body passes it), the whole body read into a
 * per-request buffer, and the answer with the headers every endpoint shares. Also the small
 * helpers handlers answer with: JSON errors (jansson, so messages are escaped) and plain texts,
 * and query-string lookups with URL decoding. Nothing the network sends may crash it: every
 * request object is created in the URI callback and freed in the completion callback, whatever
 * happened in between. */
#include "daemon/http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/** Seconds an idle connection is kept. */
#define CONN_TIMEOUT_S 10u
/** Connections served at once (more wait in the listen queue). */
#define CONN_LIMIT 1000u
/** Threads answering requests: one slow handler does not stall every client. */
#define POOL_THREADS 2u
/** The longest bearer token looked at (longer ones are wrong tokens). */
#define TOKEN_MAX 1024

struct gs_http {
    struct MHD_Daemon *d;
    const gs_serve_config *cfg;
    gs_http_handler handler;
    void *ctx;
};

/* One request: created by the URI callback (or the first handler call), freed by the
 * completion callback. */
typedef struct req_state {
    char *query;               /* the raw query after '?', "" when none (malloc'ed) */
    bool started;              /* the headers have been looked at */
    bool answered;             /* a response is queued */
    const gs_token *token;
    char *body;                /* NUL-terminated */
    size_t len, cap;
} req_state;

static req_state *state_new(const char *uri)
{
    req_state *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    const char *q = uri ? strchr(uri, '?') : NULL;
    st->query = strdup(q ? q + 1 : "");
    if (!st->query) {
        free(st);
        return NULL;
    }
    return st;
}

static void state_free(req_state *st)
{
    if (!st)
        return;
    free(st->query);
    free(st->body);
    free(st);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *mc)
{
    (void)cls;
    (void)mc;
    return state_new(uri);
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)mc;
    (void)toe;
    state_free(*con_cls);
    *con_cls = NULL;
}

/* ---- answering ---- */

/* Whether s is fit for a header value (printable ASCII and spaces, not empty). */
static bool header_ok(const char *s)
{
    if (!s[0])
        return false;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
            return false;
    return true;
}

/* Queue resp (its body is taken over: freed here or by libmicrohttpd). */
static enum MHD_Result send_resp(struct MHD_Connection *mc, req_state *st, gs_http_resp *resp,
                                 bool www_auth)
{
    struct MHD_Response *r;
    if (resp->body && resp->len) {
        r = MHD_create_response_from_buffer(resp->len, resp->body, MHD_RESPMEM_MUST_FREE);
        if (!r)
            free(resp->body);
    } else {
        free(resp->body);
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    resp->body = NULL;
    if (!r)
        return MHD_NO;
    int status = resp->status;
    resp->content_type[sizeof resp->content_type - 1] = '\0';
    resp->location[sizeof resp->location - 1] = '\0';
    const char *ctype = header_ok(resp->content_type) ? resp->content_type : "application/json";
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    if (header_ok(resp->location))
        MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, resp->location);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    /* a page may load only the daemon's own files and talk only to the daemon */
    if (!strncmp(ctype, "text/html", 9))
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                "script-src 'self'; connect-src 'self'; base-uri 'none'; "
                                "form-action 'none'; frame-ancestors 'none'");
    if (www_auth)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    enum MHD_Result rc = MHD_queue_response(mc, (unsigned int)status, r);
    MHD_destroy_response(r);
    if (rc == MHD_YES && st)
        st->answered = true;
    return rc;
}

/* Answer with a JSON error at once (before the body is read: libmicrohttpd then reads no more
 * of it and closes the connection after the answer). */
static enum MHD_Result refuse(struct MHD_Connection *mc, req_state *st, int status, bool www_auth,
                              const char *msg)
{
    gs_http_resp resp;
    memset(&resp, 0, sizeof resp);
    gs_http_error(&resp, status, "%s", msg);
    return send_resp(mc, st, &resp, www_auth);
}

/* The token of an "Authorization: Bearer TOKEN" value copied into tok[TOKEN_MAX + 1]: 1, or 0
 * when the value is not of that form (another scheme, no token, a token with spaces), or -1
 * when the token is longer than TOKEN_MAX (a wrong token). */
static int bearer_token(const char *value, char *tok)
{
    const char *p = value;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strncasecmp(p, "Bearer", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
        return 0;
    p += 6;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = 0;
    while (p[n] && p[n] != ' ' && p[n] != '\t')
        n++;
    const char *rest = p + n;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    if (n == 0 || *rest)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x21 || (unsigned char)p[i] > 0x7e)
            return 0;
    if (n > TOKEN_MAX)
        return -1;
    memcpy(tok, p, n);
    tok[n] = '\0';
    return 1;
}

/* The first call for a request: its headers are in. Check the token and the announced body
 * size; refuse at once when either is wrong. */
static enum MHD_Result on_headers(gs_http *h, struct MHD_Connection *mc, const char *method,
                                  const char *url, req_state *st)
{
    const gs_serve_config *cfg = h->cfg;
    bool reading = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
    /* the dashboard's own files (everything outside /v1/ and /metrics) hold no data: they load
     * without a token, so that the page can ask for one */
    bool page = reading && url && strncmp(url, "/v1/", 4) && strcmp(url, "/v1") &&
                strcmp(url, "/metrics");
    const char *auth =
        MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (auth) {
        char tok[TOKEN_MAX + 1];
        int k = bearer_token(auth, tok);
        if (k == 0)
            return refuse(mc, st, 401, true,
                          "expected the header 'Authorization: Bearer TOKEN', found another form");
        st->token = k > 0 ? gs_serve_token_match(cfg, tok) : NULL;
        if (!st->token)
            return refuse(mc, st, 401, true, "the bearer token is not accepted");
    } else if (!page && (!reading || !cfg->read_open)) {
        return refuse(mc, st, 401, true,
                      "this request needs a bearer token (header 'Authorization: Bearer TOKEN')");
    }
    const char *cl =
        MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
        uint64_t n = 0;
        bool big = false;
        for (const char *p = cl; *p >= '0' && *p <= '9'; p++) {
            n = n * 10 + (uint64_t)(*p - '0');
            if (n > cfg->body_max_bytes) {
                big = true;
                break;
            }
        }
        if (big) {
            char msg[128];
            snprintf(msg, sizeof msg, "the body is larger than the limit of %zu bytes",
                     cfg->body_max_bytes);
            return refuse(mc, st, 413, false, msg);
        }
    }
    return MHD_YES;
}

/* Append a piece of the body; false when it would pass the limit (or memory runs out). */
static bool append_body(req_state *st, const char *data, size_t n, size_t max)
{
    if (n > max || st->len > max - n)
        return false;
    if (st->len + n + 1 > st->cap) {
        size_t cap = st->cap ? st->cap : 4096;
        while (cap < st->len + n + 1)
            cap *= 2;
        if (cap > max + 1)
            cap = max + 1;
        char *b = realloc(st->body, cap);
        if (!b)
            return false;
        st->body = b;
        st->cap = cap;
    }
    memcpy(st->body + st->len, data, n);
    st->len += n;
    st->body[st->len] = '\0';
    return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    gs_http *h = cls;
    (void)version;
    req_state *st = *con_cls;
    if (!st) {
        st = state_new(NULL); /* the URI callback ran out of memory */
        if (!st)
            return MHD_NO;
        *con_cls = st;
    }
    if (!st->started) {
        st->started = true;
        return on_headers(h, mc, method, url, st);
    }
    if (st->answered) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!append_body(st, upload_data, *upload_data_size, h->cfg->body_max_bytes)) {
            /* past the limit without a Content-Length (chunked): answer 413 where
             * libmicrohttpd lets us, else close the connection; read nothing more */
            char msg[128];
            snprintf(msg, sizeof msg, "the body is larger than the limit of %zu bytes",
                     h->cfg->body_max_bytes);
            if (refuse(mc, st, 413, false, msg) != MHD_YES)
                return MHD_NO;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    /* the whole request is in */
    gs_http_req req = {
        .method = method,
        .path = url ? url : "/",
        .query = st->query,
        .body = st->body ? st->body : "",
        .body_len = st->len,
        .token = st->token,
    };
    gs_http_resp resp;
    memset(&resp, 0, sizeof resp);
    resp.status = 200;
    snprintf(resp.content_type, sizeof resp.content_type, "application/json");
    h->handler(h->ctx, &req, &resp);
    if (resp.status < 100 || resp.status > 599) {
        int bad = resp.status;
        gs_http_error(&resp, 500, "the handler answered with status %d", bad);
    }
    return send_resp(mc, st, &resp, resp.status == 401);
}

/* ---- start and stop ---- */

static struct MHD_Daemon *start_daemon(gs_http *s, unsigned int flags, unsigned int threads,
                                       const struct sockaddr_in *sa)
{
    return MHD_start_daemon(flags, (uint16_t)s->cfg->port, NULL, NULL, on_request, s,
                            MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)sa,
                            MHD_OPTION_CONNECTION_TIMEOUT, CONN_TIMEOUT_S,
                            MHD_OPTION_CONNECTION_LIMIT, CONN_LIMIT,
                            MHD_OPTION_THREAD_POOL_SIZE, threads,
                            MHD_OPTION_URI_LOG_CALLBACK, on_uri, (void *)s,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, (void *)s,
                            MHD_OPTION_END);
}

/* Why libmicrohttpd could not listen on sa: bind a socket there ourselves and say what failed. */
static void why_not(const struct sockaddr_in *sa, char *why, size_t len)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(why, len, "cannot create a socket: %s", strerror(errno));
        return;
    }
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (const struct sockaddr *)sa, sizeof *sa) != 0)
        snprintf(why, len, "%s", strerror(errno));
    else if (listen(fd, 16) != 0)
        snprintf(why, len, "%s", strerror(errno));
    else
        snprintf(why, len, "libmicrohttpd could not start its threads");
    close(fd);
}

int gs_http_start(const gs_serve_config *cfg, gs_http_handler h, void *ctx, gs_http **out,
                  int *port_out, gs_error *err)
{
    *out = NULL;
    if (!cfg || !h)
        return gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL,
                            "the HTTP server needs a configuration and a handler");
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    if (cfg->port < 0 || cfg->port > 65535 ||
        inet_pton(AF_INET, cfg->listen_addr, &sa.sin_addr) != 1)
        return gs_error_set(err, GS_ERUNTIME, cfg->path, 0, 0, "http.listen",
                            "expected an IPv4 address and a port from 0 to 65535, found '%s:%d'",
                            cfg->listen_addr, cfg->port);
    sa.sin_port = htons((uint16_t)cfg->port);
    gs_http *s = calloc(1, sizeof *s);
    if (!s)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    s->cfg = cfg;
    s->handler = h;
    s->ctx = ctx;
    s->d = start_daemon(s, MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, POOL_THREADS, &sa);
    if (!s->d) /* no epoll: poll(2) */
        s->d = start_daemon(s, MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, POOL_THREADS, &sa);
    if (!s->d) {
        char why[256];
        why_not(&sa, why, sizeof why);
        free(s);
        return gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL, "cannot listen on %s:%d: %s",
                            cfg->listen_addr, cfg->port, why);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    int port = info ? (int)info->port : cfg->port;
    if (port <= 0) {
        MHD_stop_daemon(s->d);
        free(s);
        return gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL,
                            "listening on %s:%d, but the port bound cannot be read",
                            cfg->listen_addr, cfg->port);
    }
    if (port_out)
        *port_out = port;
    *out = s;
    return GS_OK;
}

void gs_http_stop(gs_http *h)
{
    if (!h)
        return;
    MHD_stop_daemon(h->d);
    free(h);
}

/* ---- helpers for handlers ---- */

void gs_http_error(gs_http_resp *resp, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *j = json_pack("{s:s, s:i}", "error", msg, "status", status);
    if (!j) { /* not UTF-8 (a path echoed back, say): keep the ASCII */
        for (char *p = msg; *p; p++)
            if ((unsigned char)*p >= 0x80)
                *p = '?';
        j = json_pack("{s:s, s:i}", "error", msg, "status", status);
    }
    char *text = j ? json_dumps(j, 0) : NULL;
    json_decref(j);
    free(resp->body);
    resp->body = text;
    resp->len = text ? strlen(text) : 0;
    resp->status = status;
    snprintf(resp->content_type, sizeof resp->content_type, "application/json");
}

void gs_http_text(gs_http_resp *resp, int status, const char *content_type, const char *text)
{
    free(resp->body);
    resp->body = strdup(text ? text : "");
    resp->len = resp->body ? strlen(resp->body) : 0;
    resp->status = status;
    snprintf(resp->content_type, sizeof resp->content_type, "%s",
             content_type && content_type[0] ? content_type : "text/plain; charset=utf-8");
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* URL-decode s[0..n) into out[len] ('+' is a space, %XX a byte; a '%' not followed by two hex
 * digits, or %00, stays as written). Returns the decoded length, or -1 when it does not fit. */
static long url_decode(const char *s, size_t n, char *out, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '+') {
            ch = ' ';
        } else if (ch == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            int v = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
            if (v != 0) {
                ch = (char)v;
                i += 2;
            }
        }
        if (o + 1 >= len)
            return -1;
        out[o++] = ch;
    }
    if (len)
        out[o] = '\0';
    return (long)o;
}

bool gs_http_query(const char *query, const char *key, char *buf, size_t len)
{
    if (!query || !key || !buf || !len)
        return false;
    buf[0] = '\0';
    const char *p = query;
    while (*p) {
        size_t n = strcspn(p, "&");
        const char *eq = memchr(p, '=', n);
        size_t kn = eq ? (size_t)(eq - p) : n;
        char name[256];
        if (kn > 0 && url_decode(p, kn, name, sizeof name) >= 0 && !strcmp(name, key)) {
            if (!eq) {
                buf[0] = '\0';
                return true;
            }
            if (url_decode(eq + 1, n - kn - 1, buf, len) < 0) {
                buf[0] = '\0';
                return false;
            }
            return true;
        }
        p += n;
        if (*p == '&')
            p++;
    }
    return false;
}
