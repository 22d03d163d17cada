/* http.h: the daemon's HTTP server, over libmicrohttpd (Debian libmicrohttpd-dev; why in
 * docs/serve.md). It owns the parts every endpoint shares: listening (loopback by default),
 * bearer-token checks (every mutating method needs a configured token; GET needs one unless
 * the configuration opens reads), the body size limit (413), reading the whole body, and
 * answering; the daemon's one handler (api.c) decides the rest. Handlers run on the server's
 * threads: the handler must lock what it shares. */
#ifndef GS_DAEMON_HTTP_H
#define GS_DAEMON_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/config.h"
#include "gridsplit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_http_req {
    const char *method;        /**< "GET", "POST", ... */
    const char *path;          /**< "/v1/load" (no query) */
    const char *query;         /**< the raw query after '?', "" when none */
    const char *body;          /**< NUL-terminated copy of the body ("" when none) */
    size_t body_len;
    const gs_token *token;     /**< the matched token, NULL when reads are open and none was
                                    given (a mutating request never reaches the handler
                                    without one) */
} gs_http_req;

typedef struct gs_http_resp {
    int status;                /**< default 200 */
    char content_type[64];     /**< default "application/json" */
    char *body;                /**< malloc'ed by the handler; freed by the server */
    size_t len;
    char location[128];        /**< a Location header when not "" */
} gs_http_resp;

typedef void (*gs_http_handler)(void *ctx, const gs_http_req *req, gs_http_resp *resp);

typedef struct gs_http gs_http;

/** Start serving cfg's listen address with handler h(ctx, ...). *port_out gets the port bound
 * (useful with port 0). Returns 0, or GS_ERUNTIME with err saying why (address in use, ...). */
int gs_http_start(const gs_serve_config *cfg, gs_http_handler h, void *ctx, gs_http **out,
                  int *port_out, gs_error *err);
/** Stop: no new requests; those under way finish; then free. NULL is fine. */
void gs_http_stop(gs_http *h);

/** Set resp to a JSON error {"error": MESSAGE, "status": STATUS} (printf-formatted). This and
 * gs_http_text free a body resp already has (the server hands the handler resp with none). */
void gs_http_error(gs_http_resp *resp, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Set resp's body to a copy of text with status and content type. */
void gs_http_text(gs_http_resp *resp, int status, const char *content_type, const char *text);
/** The value of key in a raw query ("a=1&b=x%20y"), URL-decoded into buf ('+' a space, %XX a
 * byte; a broken escape or %00 stays as written); the first one when repeated, "" for a bare
 * "key". False when absent, or when the value does not fit in buf (never cut). */
bool gs_http_query(const char *query, const char *key, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
