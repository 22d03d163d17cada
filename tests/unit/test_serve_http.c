/* test_serve_http.c: the daemon's HTTP server (src/daemon/http.c) answering REAL requests over
 * loopback (libcurl as the client, a raw socket for garbage): bearer tokens (a mutating method
 * never reaches the handler without a configured token; reads need one unless the
 * configuration opens them, and a wrong one is refused even then), bodies passed intact, the
 * body limit (413 from Content-Length, chunked bodies cut off), the shared headers, Location,
 * query decoding, JSON errors escaped, garbage that leaves the server answering, a port in use,
 * and 100 requests from 4 threads all answered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "daemon/http.h"

#define TOKEN "desk-secret-token-1"
#define LIMIT_BYTES 1024

typedef struct server {
    gs_serve_config *cfg;
    gs_http *http;
    int port;
    pthread_mutex_t mu;
    int calls;                 /* handler calls */
    char last_token[64];       /* name of the token the handler saw last, "-" for none */
} server;

/* The test handler: /echo returns the body as it came; /who names the token; /q returns the
 * decoded value of x; /loc answers 201 with a Location; /err a JSON error with characters that
 * need escaping; /bad an impossible status; /empty nothing; anything else {"ok": true}. */
static void handler(void *ctx, const gs_http_req *req, gs_http_resp *resp)
{
    server *s = ctx;
    pthread_mutex_lock(&s->mu);
    s->calls++;
    snprintf(s->last_token, sizeof s->last_token, "%s", req->token ? req->token->name : "-");
    pthread_mutex_unlock(&s->mu);
    if (!strcmp(req->path, "/echo")) {
        resp->body = malloc(req->body_len ? req->body_len : 1);
        memcpy(resp->body, req->body, req->body_len);
        resp->len = req->body_len;
        snprintf(resp->content_type, sizeof resp->content_type, "application/octet-stream");
        assert_int_equal(req->body[req->body_len], '\0');
    } else if (!strcmp(req->path, "/v1/who")) {
        char text[256];
        snprintf(text, sizeof text, "%s %s %s", req->method, req->token ? req->token->name : "-",
                 req->query);
        gs_http_text(resp, 200, NULL, text);
    } else if (!strcmp(req->path, "/q")) {
        char v[64];
        if (gs_http_query(req->query, "x", v, sizeof v))
            gs_http_text(resp, 200, "text/plain", v);
        else
            gs_http_error(resp, 400, "no x");
    } else if (!strcmp(req->path, "/loc")) {
        gs_http_text(resp, 201, "application/json", "{\"id\": 42}");
        snprintf(resp->location, sizeof resp->location, "/v1/events/42");
    } else if (!strcmp(req->path, "/err")) {
        gs_http_error(resp, 422, "bad \"value\" at\nline %d: \\ %s", 3, "caf\xc3\xa9");
    } else if (!strcmp(req->path, "/bad")) {
        resp->status = 42;
    } else if (!strcmp(req->path, "/empty")) {
        resp->status = 204;
    } else {
        gs_http_text(resp, 200, "application/json", "{\"ok\": true}");
    }
}

static server *start(bool read_open)
{
    server *s = calloc(1, sizeof *s);
    assert_non_null(s);
    pthread_mutex_init(&s->mu, NULL);
    s->cfg = calloc(1, sizeof *s->cfg);
    assert_non_null(s->cfg);
    snprintf(s->cfg->listen_addr, sizeof s->cfg->listen_addr, "127.0.0.1");
    s->cfg->port = 0;
    s->cfg->read_open = read_open;
    s->cfg->body_max_bytes = LIMIT_BYTES;
    s->cfg->ntokens = 2;
    snprintf(s->cfg->tokens[0].name, sizeof s->cfg->tokens[0].name, "desk");
    gs_sha256_hex(TOKEN, strlen(TOKEN), s->cfg->tokens[0].sha256_hex);
    snprintf(s->cfg->tokens[1].name, sizeof s->cfg->tokens[1].name, "ven");
    gs_sha256_hex("ven-token", 9, s->cfg->tokens[1].sha256_hex);
    gs_error e = {0};
    int rc = gs_http_start(s->cfg, handler, s, &s->http, &s->port, &e);
    if (rc)
        fail_msg("gs_http_start: %s", e.message);
    assert_true(s->port > 0 && s->port <= 65535);
    return s;
}

static void stop(server *s)
{
    gs_http_stop(s->http);
    pthread_mutex_destroy(&s->mu);
    free(s->cfg);
    free(s);
}

static int calls(server *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->calls;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* ---- the client ---- */

typedef struct reply {
    long status;
    CURLcode rc;
    char *body;
    size_t len;
    char headers[4096];
    size_t hlen;
} reply;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    reply *r = ud;
    size_t k = size * n;
    char *b = realloc(r->body, r->len + k + 1);
    if (!b)
        return 0;
    r->body = b;
    memcpy(r->body + r->len, p, k);
    r->len += k;
    r->body[r->len] = '\0';
    return k;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    reply *r = ud;
    size_t k = size * n;
    if (r->hlen + k < sizeof r->headers) {
        memcpy(r->headers + r->hlen, p, k);
        r->hlen += k;
        r->headers[r->hlen] = '\0';
    }
    return k;
}

typedef struct chunked {
    size_t left;
} chunked;

static size_t on_read(char *p, size_t size, size_t n, void *ud)
{
    chunked *c = ud;
    size_t k = size * n < c->left ? size * n : c->left;
    memset(p, 'x', k);
    c->left -= k;
    return k;
}

/* One request. auth: the whole Authorization value, or NULL. body NULL: none. chunked_len > 0:
 * a chunked body of that many bytes instead. */
static reply request(int port, const char *method, const char *target, const char *auth,
                     const char *body, size_t body_len, size_t chunked_len)
{
    reply r;
    memset(&r, 0, sizeof r);
    CURL *c = curl_easy_init();
    assert_non_null(c);
    char url[512], hdr[1200];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, target);
    struct curl_slist *h = NULL;
    if (auth) {
        snprintf(hdr, sizeof hdr, "Authorization: %s", auth);
        h = curl_slist_append(h, hdr);
    }
    chunked ch = {chunked_len};
    curl_easy_setopt(c, CURLOPT_URL, url);
    if (!strcmp(method, "HEAD"))
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    } else if (chunked_len) {
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(c, CURLOPT_READDATA, &ch);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        h = curl_slist_append(h, "Transfer-Encoding: chunked");
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    r.rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return r;
}

static reply get(int port, const char *target, const char *auth)
{
    return request(port, "GET", target, auth, NULL, 0, 0);
}

static void reply_free(reply *r)
{
    free(r->body);
    r->body = NULL;
}

/* The value of header name in r (case-insensitive name), or "" */
static const char *header(const reply *r, const char *name, char *buf, size_t len)
{
    buf[0] = '\0';
    const char *p = r->headers;
    size_t nl = strlen(name);
    while (*p) {
        const char *eol = strstr(p, "\r\n");
        size_t ll = eol ? (size_t)(eol - p) : strlen(p);
        if (ll > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            snprintf(buf, len, "%.*s", (int)(ll - (size_t)(v - p)), v);
            return buf;
        }
        p += ll + (eol ? 2 : 0);
    }
    return buf;
}

/* r's body is {"error": MSG, "status": status}; MSG into msg. */
static void assert_json_error(const reply *r, int status, char *msg, size_t len)
{
    assert_non_null(r->body);
    json_error_t je;
    json_t *j = json_loads(r->body, 0, &je);
    if (!j)
        fail_msg("not JSON: %s (%s)", r->body, je.text);
    const char *m = json_string_value(json_object_get(j, "error"));
    assert_non_null(m);
    assert_int_equal(json_integer_value(json_object_get(j, "status")), status);
    assert_int_equal(json_object_size(j), 2);
    if (msg)
        snprintf(msg, len, "%s", m);
    json_decref(j);
}

#define BEARER "Bearer " TOKEN

/* ---- the tests ---- */

static void test_get_with_a_token_is_answered_with_the_shared_headers(void **st)
{
    server *s = start(false);
    char v[256];
    reply r = get(s->port, "/v1/who?a=1", BEARER);
    assert_int_equal(r.rc, CURLE_OK);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "GET desk a=1");
    assert_string_equal(header(&r, "Cache-Control", v, sizeof v), "no-store");
    assert_string_equal(header(&r, "X-Content-Type-Options", v, sizeof v), "nosniff");
    assert_string_equal(header(&r, "Content-Type", v, sizeof v), "text/plain; charset=utf-8");
    reply_free(&r);
    /* the scheme is case-insensitive, the other token works too */
    r = get(s->port, "/v1/who", "bearer   ven-token");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "GET ven ");
    reply_free(&r);
    r = get(s->port, "/", BEARER);
    assert_int_equal(r.status, 200);
    assert_string_equal(header(&r, "Content-Type", v, sizeof v), "application/json");
    reply_free(&r);
    /* HEAD: the headers, no body */
    r = request(s->port, "HEAD", "/", BEARER, NULL, 0, 0);
    assert_int_equal(r.rc, CURLE_OK);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    reply_free(&r);
    assert_int_equal(calls(s), 4);
    stop(s);
}

static void test_get_without_or_with_a_wrong_token_is_401_and_never_reaches_the_handler(void **st)
{
    server *s = start(false);
    char v[256], none[256], wrong[256], other[256];
    reply r = get(s->port, "/v1/who", NULL);
    assert_int_equal(r.status, 401);
    assert_string_equal(header(&r, "WWW-Authenticate", v, sizeof v), "Bearer");
    assert_string_equal(header(&r, "Content-Type", v, sizeof v), "application/json");
    assert_string_equal(header(&r, "Cache-Control", v, sizeof v), "no-store");
    assert_json_error(&r, 401, none, sizeof none);
    reply_free(&r);
    r = get(s->port, "/v1/who", "Bearer not-the-token");
    assert_int_equal(r.status, 401);
    assert_string_equal(header(&r, "WWW-Authenticate", v, sizeof v), "Bearer");
    assert_json_error(&r, 401, wrong, sizeof wrong);
    reply_free(&r);
    assert_string_not_equal(none, wrong);
    /* /metrics holds data: a token too */
    r = get(s->port, "/metrics", NULL);
    assert_int_equal(r.status, 401);
    reply_free(&r);
    /* the dashboard's own files hold none: they load without one, so the page can ask */
    r = get(s->port, "/", NULL);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    r = get(s->port, "/dashboard.js", NULL);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    /* but never a write */
    r = request(s->port, "POST", "/", NULL, "{}", 2, 0);
    assert_int_equal(r.status, 401);
    reply_free(&r);
    /* neither says anything of the tokens there are */
    assert_null(strstr(none, "desk"));
    assert_null(strstr(wrong, "desk"));
    assert_null(strstr(wrong, "not-the-token"));
    /* another scheme, an empty token, a token with a space, a very long one */
    const char *bad[] = {"Basic ZGVzazpzZWNyZXQ=", "Bearer", "Bearer ", "Bearer a b", TOKEN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = get(s->port, "/v1/who", bad[i]);
        assert_int_equal(r.status, 401);
        assert_json_error(&r, 401, other, sizeof other);
        reply_free(&r);
    }
    char *lng = malloc(5000);
    memcpy(lng, "Bearer ", 7);
    memset(lng + 7, 'a', 4000);
    lng[4007] = '\0';
    r = get(s->port, "/v1/who", lng);
    assert_int_equal(r.status, 401);
    reply_free(&r);
    free(lng);
    assert_int_equal(calls(s), 2); /* "/" and "/dashboard.js" only */
    stop(s);
}

static void test_open_reads_answer_without_a_token_but_not_with_a_wrong_one(void **st)
{
    server *s = start(true);
    reply r = get(s->port, "/v1/who", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "GET - ");
    reply_free(&r);
    r = get(s->port, "/v1/who", BEARER);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "GET desk ");
    reply_free(&r);
    r = get(s->port, "/v1/who", "Bearer wrong");
    assert_int_equal(r.status, 401);
    assert_json_error(&r, 401, NULL, 0);
    reply_free(&r);
    /* writes still need one */
    r = request(s->port, "POST", "/v1/who", NULL, "{}", 2, 0);
    assert_int_equal(r.status, 401);
    reply_free(&r);
    r = request(s->port, "DELETE", "/v1/who", NULL, NULL, 0, 0);
    assert_int_equal(r.status, 401);
    reply_free(&r);
    assert_int_equal(calls(s), 2);
    stop(s);
}

static void test_post_needs_a_configured_token_and_then_gets_its_body_intact(void **st)
{
    server *s = start(false);
    reply r = request(s->port, "POST", "/echo", NULL, "{\"a\": 1}", 8, 0);
    assert_int_equal(r.status, 401);
    assert_json_error(&r, 401, NULL, 0);
    reply_free(&r);
    r = request(s->port, "POST", "/echo", "Bearer wrong", "{\"a\": 1}", 8, 0);
    assert_int_equal(r.status, 401);
    reply_free(&r);
    r = request(s->port, "PUT", "/echo", "Bearer " TOKEN "x", "{}", 2, 0);
    assert_int_equal(r.status, 401);
    reply_free(&r);
    assert_int_equal(calls(s), 0);

    /* a body of every byte value, NUL included, at exactly the limit */
    char body[LIMIT_BYTES];
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = (char)(i * 7 + 3);
    r = request(s->port, "POST", "/echo", BEARER, body, sizeof body, 0);
    assert_int_equal(r.rc, CURLE_OK);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, sizeof body);
    assert_memory_equal(r.body, body, sizeof body);
    reply_free(&r);
    /* chunked, under the limit */
    r = request(s->port, "POST", "/echo", BEARER, NULL, 0, 1000);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 1000);
    reply_free(&r);
    /* an empty body */
    r = request(s->port, "POST", "/echo", BEARER, "", 0, 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    reply_free(&r);
    assert_int_equal(calls(s), 3);
    stop(s);
}

static void test_a_body_over_the_limit_is_413_and_not_handled(void **st)
{
    server *s = start(false);
    char *big = malloc(2 * 1024 * 1024);
    memset(big, 'b', 2 * 1024 * 1024);
    reply r = request(s->port, "POST", "/echo", BEARER, big, LIMIT_BYTES + 1, 0);
    assert_int_equal(r.status, 413);
    char msg[256];
    assert_json_error(&r, 413, msg, sizeof msg);
    assert_non_null(strstr(msg, "1024 bytes"));
    reply_free(&r);
    r = request(s->port, "POST", "/echo", BEARER, big, 2 * 1024 * 1024, 0);
    assert_int_equal(r.status, 413);
    assert_json_error(&r, 413, NULL, 0);
    reply_free(&r);
    /* chunked past the limit: cut off (413 or the connection closed), never handled */
    r = request(s->port, "POST", "/echo", BEARER, NULL, 0, 64 * 1024);
    assert_true(r.status == 413 || r.rc != CURLE_OK);
    reply_free(&r);
    free(big);
    assert_int_equal(calls(s), 0);
    r = get(s->port, "/", BEARER);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    stop(s);
}

/* Write raw bytes to the server, read whatever comes back (up to a short timeout), close. */
static void raw(int port, const char *data, size_t len, char *got, size_t got_len)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    struct timeval tv = {0, 500000}; /* bounds the wait for an answer that may never come */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    size_t off = 0;
    while (off < len) {
        ssize_t k = send(fd, data + off, len - off, MSG_NOSIGNAL);
        if (k <= 0)
            break;
        off += (size_t)k;
    }
    shutdown(fd, SHUT_WR);
    size_t n = 0;
    if (got_len)
        got[0] = '\0';
    for (;;) {
        ssize_t k = recv(fd, got_len > n + 1 ? got + n : (char[64]){0}, got_len > n + 1 ? got_len - n - 1 : 64, 0);
        if (k <= 0)
            break;
        if (got_len > n + 1) {
            n += (size_t)k;
            got[n] = '\0';
        }
    }
    close(fd);
}

static void test_garbage_from_the_network_leaves_the_server_answering(void **st)
{
    server *s = start(false);
    char got[4096];
    static const char *const junk[] = {
        "GARBAGE\r\n\r\n",
        "\x00\xff\xfe\r\n\r\n",
        "GET\r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n",
        "GET /who HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        "GET /who HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " TOKEN
        "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n",
        "GET /%zz%%%00 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " TOKEN "\r\n\r\n",
        "GET /who HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\x01" TOKEN "\r\n\r\n",
        "GET /who HTTP/1.1\r\nHo",
        "POST /echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " TOKEN
        "\r\nContent-Length: 100\r\n\r\nonly a part",
        "GET /who?x=%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        size_t len = i == 1 ? 7 : strlen(junk[i]);
        raw(s->port, junk[i], len, got, sizeof got);
        if (got[0] && strncmp(got, "HTTP/1.", 7) != 0)
            fail_msg("case %zu: not an HTTP answer: %.80s", i, got);
    }
    /* a header block far over the connection's memory */
    size_t big = 256 * 1024;
    char *huge = malloc(big);
    int k = snprintf(huge, big, "GET /who?a=b HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(huge + k, 'h', big - (size_t)k - 4);
    memcpy(huge + big - 4, "\r\n\r\n", 4);
    raw(s->port, huge, big, got, sizeof got);
    free(huge);
    /* still answering */
    reply r = get(s->port, "/v1/who", BEARER);
    assert_int_equal(r.rc, CURLE_OK);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    stop(s);
}

static void test_queries_are_decoded_and_location_is_sent(void **st)
{
    server *s = start(true);
    reply r = get(s->port, "/q?y=1&x=a%20b+c%2B%2fd&x=second", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "a b c+/d");
    reply_free(&r);
    r = get(s->port, "/q?y=1", NULL);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    r = request(s->port, "POST", "/loc", BEARER, "{}", 2, 0);
    assert_int_equal(r.status, 201);
    char v[256];
    assert_string_equal(header(&r, "Location", v, sizeof v), "/v1/events/42");
    assert_string_equal(r.body, "{\"id\": 42}");
    reply_free(&r);
    /* no Location unless set */
    r = get(s->port, "/q?x=1", NULL);
    assert_string_equal(header(&r, "Location", v, sizeof v), "");
    reply_free(&r);
    stop(s);
}

static void test_query_lookup_edge_cases(void **st)
{
    (void)st;
    char buf[16];
    assert_true(gs_http_query("a=1&b=x%20y", "b", buf, sizeof buf));
    assert_string_equal(buf, "x y");
    assert_true(gs_http_query("a=1&b=x%20y", "a", buf, sizeof buf));
    assert_string_equal(buf, "1");
    assert_false(gs_http_query("a=1&b=2", "c", buf, sizeof buf));
    assert_false(gs_http_query("", "a", buf, sizeof buf));
    assert_false(gs_http_query("ab=1", "a", buf, sizeof buf));
    assert_true(gs_http_query("flag&a=2", "flag", buf, sizeof buf));
    assert_string_equal(buf, "");
    assert_true(gs_http_query("a=", "a", buf, sizeof buf));
    assert_string_equal(buf, "");
    assert_true(gs_http_query("%61=encoded+key", "a", buf, sizeof buf));
    assert_string_equal(buf, "encoded key");
    /* a broken escape and %00 stay as written */
    assert_true(gs_http_query("a=%zz%4", "a", buf, sizeof buf));
    assert_string_equal(buf, "%zz%4");
    assert_true(gs_http_query("a=x%00y", "a", buf, sizeof buf));
    assert_string_equal(buf, "x%00y");
    /* too long for the buffer: not found, never cut */
    assert_false(gs_http_query("a=0123456789abcdefgh", "a", buf, sizeof buf));
    assert_false(gs_http_query(NULL, "a", buf, sizeof buf));
}

static void test_json_errors_are_escaped_and_bad_statuses_become_500(void **st)
{
    server *s = start(true);
    reply r = get(s->port, "/err", NULL);
    assert_int_equal(r.status, 422);
    char msg[256];
    assert_json_error(&r, 422, msg, sizeof msg);
    assert_string_equal(msg, "bad \"value\" at\nline 3: \\ caf\xc3\xa9");
    reply_free(&r);
    r = get(s->port, "/bad", NULL);
    assert_int_equal(r.status, 500);
    assert_json_error(&r, 500, NULL, 0);
    reply_free(&r);
    r = get(s->port, "/empty", NULL);
    assert_int_equal(r.status, 204);
    assert_int_equal(r.len, 0);
    reply_free(&r);
    /* not UTF-8: kept as ASCII, still JSON */
    gs_http_resp resp;
    memset(&resp, 0, sizeof resp);
    gs_http_error(&resp, 404, "no such path '%s'", "/\xff\xfe");
    assert_int_equal(resp.status, 404);
    json_t *j = json_loads(resp.body, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "error")), "no such path '/?" "?'");
    json_decref(j);
    /* a second call replaces the first body (no leak under ASan) */
    gs_http_text(&resp, 200, NULL, "plain");
    assert_string_equal(resp.body, "plain");
    assert_string_equal(resp.content_type, "text/plain; charset=utf-8");
    free(resp.body);
    stop(s);
}

static void test_a_port_in_use_is_a_clear_error(void **st)
{
    server *s = start(false);
    gs_serve_config cfg;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.listen_addr, sizeof cfg.listen_addr, "127.0.0.1");
    cfg.port = s->port;
    cfg.body_max_bytes = 10;
    gs_http *h = NULL;
    int port = -1;
    gs_error e = {0};
    assert_int_equal(gs_http_start(&cfg, handler, s, &h, &port, &e), GS_ERUNTIME);
    assert_null(h);
    assert_non_null(strstr(e.message, "in use"));
    snprintf(cfg.listen_addr, sizeof cfg.listen_addr, "not-an-address");
    assert_int_equal(gs_http_start(&cfg, handler, s, &h, &port, &e), GS_ERUNTIME);
    assert_null(h);
    gs_http_stop(NULL);
    stop(s);
}

typedef struct worker {
    int port;
    int ok;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < 25; i++) {
        char target[64];
        snprintf(target, sizeof target, "/v1/who?i=%d", i);
        reply r = get(w->port, target, BEARER);
        char want[64];
        snprintf(want, sizeof want, "GET desk i=%d", i);
        if (r.rc == CURLE_OK && r.status == 200 && r.body && !strcmp(r.body, want))
            w->ok++;
        reply_free(&r);
    }
    return NULL;
}

static void test_100_requests_from_4_threads_are_all_answered(void **st)
{
    server *s = start(false);
    pthread_t t[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i].port = s->port;
        w[i].ok = 0;
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    int ok = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        ok += w[i].ok;
    }
    assert_int_equal(ok, 100);
    assert_int_equal(calls(s), 100);
    stop(s);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_with_a_token_is_answered_with_the_shared_headers),
        cmocka_unit_test(test_get_without_or_with_a_wrong_token_is_401_and_never_reaches_the_handler),
        cmocka_unit_test(test_open_reads_answer_without_a_token_but_not_with_a_wrong_one),
        cmocka_unit_test(test_post_needs_a_configured_token_and_then_gets_its_body_intact),
        cmocka_unit_test(test_a_body_over_the_limit_is_413_and_not_handled),
        cmocka_unit_test(test_garbage_from_the_network_leaves_the_server_answering),
        cmocka_unit_test(test_queries_are_decoded_and_location_is_sent),
        cmocka_unit_test(test_query_lookup_edge_cases),
        cmocka_unit_test(test_json_errors_are_escaped_and_bad_statuses_become_500),
        cmocka_unit_test(test_a_port_in_use_is_a_clear_error),
        cmocka_unit_test(test_100_requests_from_4_threads_are_all_answered),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
