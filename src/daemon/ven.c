/* ven.c: the daemon's OpenADR 3 VEN (ven.h; docs/openadr.md). One thread: token, registration,
 * polling of programs and events, translation into the daemon's events, withdrawal, reports.
 * HTTP through libcurl, JSON through jansson. */
#include "daemon/ven.h"

#include <curl/curl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/serve.h"
#include "gridsplit/duration.h"
#include "gridsplit/event.h"
#include "gridsplit/time.h"

#define PAGE 50             /* the document's largest page */
#define MAX_PAGES 200       /* 10,000 objects: beyond, the VTN is not paging */
#define HTTP_TIMEOUT_S 15
#define FOREVER_S (7 * 86400.0) /* a duration of P9999Y ("infinity") is planned this far */
#define MAX_TAKEN 4096

/* An OpenADR event the VEN has handed to the daemon. */
typedef struct taken {
    char oadr_id[128];
    char ext[192];        /* the daemon event's ext id */
    int64_t daemon_id;
    bool reported, gone;
    bool listed;          /* seen in the current poll's listing */
} taken;

struct gs_ven {
    gs_serve *s;
    const gs_ven_config *vc;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop, started, wake;
    unsigned sub_tries;
    CURL *curl;
    char token[4096];
    double token_renew_s;  /* renew the token at this time (INFINITY: only after a 401) */
    char token_url[2100];
    gs_ven_status st;
    taken *tk;
    size_t ntk;
};

/* ---- small helpers ----------------------------------------------------------------------- */

static void fmt_iso(double t, char buf[32])
{
    gs_format_time((int64_t)floor(t), buf);
}

bool gs_ven_time(const char *text, double *t)
{
    if (!text || !text[0])
        return false;
    int64_t s;
    double frac = 0;
    gs_error e = {0};
    if (gs_parse_time_frac(text, &s, &frac, NULL, &e) != 0)
        return false;
    *t = (double)s + frac;
    return true;
}

/* A duration: ISO 8601 (PT15M, P1D) or the grammar's; P9999Y ("infinity") -> FOREVER_S. */
static bool ven_duration(const char *text, double *d)
{
    if (!text)
        return false;
    if (!strncmp(text, "P9999Y", 6)) {
        *d = FOREVER_S;
        return true;
    }
    gs_error e = {0};
    return gs_duration_parse(text, d, &e) == 0 && *d >= 0;
}

static const char *str_of(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A number, also when sent as a string (VTNs differ). */
static bool num_of(const json_t *v, double *x)
{
    if (json_is_number(v)) {
        *x = json_number_value(v);
        return isfinite(*x);
    }
    if (json_is_string(v)) {
        char *end;
        *x = strtod(json_string_value(v), &end);
        return end != json_string_value(v) && !*end && isfinite(*x);
    }
    return false;
}

/* ---- translation ------------------------------------------------------------------------- */

/* The fleet site an event is for: a target naming a configured resource, the VEN's name
 * (default_site), or no target at all (default_site). -1: not for this VEN. */
static int site_of(const gs_ven_config *vc, const gs_fleet *f, const json_t *targets,
                   const char **resource)
{
    const char *site = NULL;
    bool any = false, mine = false;
    size_t i;
    json_t *t;
    json_array_foreach(targets, i, t)
    {
        /* 3.1: plain strings; 3.0: {"type": ..., "values": [...]} */
        const json_t *vals = json_is_object(t) ? json_object_get(t, "values") : NULL;
        size_t nv = vals ? json_array_size(vals) : 1;
        for (size_t k = 0; k < nv; k++) {
            const json_t *x = vals ? json_array_get(vals, k) : t;
            if (!json_is_string(x))
                continue;
            const char *name = json_string_value(x);
            any = true;
            for (size_t r = 0; r < vc->nresources && !site; r++)
                if (!strcmp(vc->resources[r].resource, name)) {
                    site = vc->resources[r].site;
                    *resource = vc->resources[r].resource;
                }
            if (!strcmp(name, vc->ven_name))
                mine = true;
        }
    }
    if (!site && (mine || !any) && vc->default_site[0]) {
        site = vc->default_site;
        *resource = NULL;
    }
    if (!site)
        return -1;
    for (size_t k = 0; k < f->nsites; k++)
        if (!strcmp(f->sites[k].id, site))
            return (int)k;
    return -1;
}

typedef struct ivl {
    double start, dur;
    const char *kind;      /* native type: reduce_to, reduce_by, price; NULL: nothing to do */
    double value;          /* MW, or USD/MWh */
} ivl;

static int cmp_ivl(const void *a, const void *b)
{
    const ivl *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* MW (or USD/MWh for prices) of one unit of payload type ptype, from the payload descriptors. */
static double unit_of(const gs_ven_config *vc, const json_t *pds, const char *ptype)
{
    size_t i;
    json_t *pd;
    json_array_foreach(pds, i, pd)
    {
        const char *pt = str_of(pd, "payloadType");
        const char *u = str_of(pd, "units");
        if (!pt || strcmp(pt, ptype) || !u)
            continue;
        if (!strcmp(u, "KW"))
            return 1e-3;
        if (!strcmp(u, "MW"))
            return 1;
        if (!strcmp(u, "W"))
            return 1e-6;
        if (!strcmp(u, "USD_PER_KWH"))
            return 1000;
        if (!strcmp(u, "USD_PER_MWH"))
            return 1;
    }
    return !strcmp(ptype, "PRICE") ? 1000 : vc->units_mw; /* a price per kWh unless told */
}

int gs_ven_translate(const gs_ven_config *vc, const gs_fleet *f, const json_t *e, double now_s,
                     double (*site_mw)(void *ctx, int site), void *ctx, json_t ***docs,
                     char ***ext, size_t *ndocs, char *why, size_t why_len)
{
    *docs = NULL;
    *ext = NULL;
    *ndocs = 0;
    why[0] = '\0';
    const char *id = str_of(e, "id");
    if (!json_is_object(e) || !id || !id[0]) {
        snprintf(why, why_len, "not an event object with an id");
        return -1;
    }
    const char *resource = NULL;
    int site = site_of(vc, f, json_object_get(e, "targets"), &resource);
    if (site < 0) {
        snprintf(why, why_len, "event %.64s: targets none of this VEN's resources", id);
        return 0;
    }
    const json_t *pds = json_object_get(e, "payloadDescriptors");
    double created = 0;
    gs_ven_time(str_of(e, "createdDateTime"), &created);
    const char *mod = str_of(e, "modificationDateTime");
    if (!mod)
        mod = str_of(e, "createdDateTime");
    /* the event's intervalPeriod applies to each interval in turn: start + n x duration */
    const json_t *eip = json_object_get(e, "intervalPeriod");
    double estart = NAN, edur = NAN;
    const char *es = str_of(eip, "start");
    if (es && !strncmp(es, "0001-01-01", 10))
        estart = now_s;
    else if (es && !gs_ven_time(es, &estart)) {
        snprintf(why, why_len, "event %.64s: intervalPeriod.start '%.40s' is not a time", id, es);
        return -1;
    }
    if (str_of(eip, "duration") && !ven_duration(str_of(eip, "duration"), &edur)) {
        snprintf(why, why_len, "event %.64s: intervalPeriod.duration '%.40s' is not a duration",
                 id, str_of(eip, "duration"));
        return -1;
    }
    const json_t *ivs = json_object_get(e, "intervals");
    size_t n = json_array_size(ivs);
    if (n == 0 || n > 10000) {
        snprintf(why, why_len, "event %.64s: expected 1 to 10,000 intervals, found %zu", id, n);
        return -1;
    }
    /* in interval id order (the document does not promise the array's order) */
    size_t *order = malloc(n * sizeof *order);
    ivl *iv = calloc(n, sizeof *iv);
    if (!order || !iv) {
        free(order);
        free(iv);
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++) /* insertion sort by id: n is small */
        for (size_t k = i; k > 0; k--) {
            json_int_t a = json_integer_value(json_object_get(json_array_get(ivs, order[k - 1]), "id"));
            json_int_t b = json_integer_value(json_object_get(json_array_get(ivs, order[k]), "id"));
            if (a <= b)
                break;
            size_t t = order[k];
            order[k] = order[k - 1];
            order[k - 1] = t;
        }
    size_t used = 0, levels0 = 0, unknown = 0, beyond = 0, brief = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *x = json_array_get(ivs, order[i]);
        ivl *v = &iv[i];
        v->start = isfinite(estart) ? estart + (double)i * (isfinite(edur) ? edur : 0) : NAN;
        v->dur = edur;
        const json_t *ip = json_object_get(x, "intervalPeriod");
        const char *s = str_of(ip, "start");
        if (s && !strncmp(s, "0001-01-01", 10))
            v->start = now_s;
        else if (s && !gs_ven_time(s, &v->start)) {
            snprintf(why, why_len, "event %.64s: intervals[%zu].intervalPeriod.start '%.40s' is "
                     "not a time", id, i, s);
            free(order);
            free(iv);
            return -1;
        }
        if (str_of(ip, "duration") && !ven_duration(str_of(ip, "duration"), &v->dur)) {
            snprintf(why, why_len, "event %.64s: intervals[%zu] has a bad duration", id, i);
            free(order);
            free(iv);
            return -1;
        }
        if (!isfinite(v->start) || !(v->dur > 0)) {
            snprintf(why, why_len, "event %.64s: intervals[%zu] has %s (here or in the event's "
                     "intervalPeriod)", id, i,
                     !isfinite(v->start) ? "no start" : isfinite(v->dur) ? "a zero duration"
                                                                          : "no duration");
            free(order);
            free(iv);
            return -1;
        }
        size_t k;
        json_t *pl;
        json_array_foreach(json_object_get(x, "payloads"), k, pl)
        {
            const char *type = str_of(pl, "type");
            double val;
            if (!type || !num_of(json_array_get(json_object_get(pl, "values"), 0), &val))
                continue;
            if (!strcmp(type, "IMPORT_CAPACITY_LIMIT") ||
                !strcmp(type, "IMPORT_CAPACITY_SUBSCRIPTION")) {
                if (val < 0)
                    continue;
                v->kind = "reduce_to";
                v->value = val * unit_of(vc, pds, type);
            } else if (!strcmp(type, "SIMPLE")) {
                if (!(val >= 0 && val <= 3) || floor(val) != val)
                    continue; /* checked before the cast: 2e13 is no int */
                int level = (int)val;
                if (vc->simple_levels[level] <= 0) {
                    levels0++;
                    continue;
                }
                double mw = site_mw ? site_mw(ctx, site) : 0;
                if (!(mw > 0))
                    continue;
                v->kind = "reduce_by";
                v->value = vc->simple_levels[level] * mw;
            } else if (!strcmp(type, "PRICE")) {
                v->kind = "price";
                v->value = val * unit_of(vc, pds, type);
            } else {
                unknown++;
                continue;
            }
            /* beyond what the daemon's events can hold: not an act, said below */
            double lim = !strcmp(v->kind, "price") ? GS_EVENT_MAX_PRICE_USD_PER_MWH
                                                   : GS_EVENT_MAX_MW;
            if (!(fabs(v->value) <= lim)) {
                v->kind = NULL;
                beyond++;
                continue;
            }
            break; /* one act per interval: the first payload it can act on */
        }
        /* the daemon's events are in whole seconds: an interval that starts and ends within one
         * second (PT0.5S at .2) would be an event with no length, which the daemon refuses */
        if (v->kind && floor(v->start + v->dur) <= floor(v->start)) {
            v->kind = NULL;
            brief++;
        }
        used += v->kind != NULL;
    }
    free(order);
    qsort(iv, n, sizeof *iv, cmp_ivl);
    /* drop what is over or has nothing to do; runs of consecutive intervals of one kind */
    json_t **d = calloc(n, sizeof *d);
    char **xs = calloc(n, sizeof *xs);
    size_t nd = 0;
    for (size_t i = 0; i < n && d && xs;) {
        if (!iv[i].kind || iv[i].start + iv[i].dur <= now_s) {
            i++;
            continue;
        }
        json_t *arr = json_array();
        size_t k = i;
        for (; k < n && iv[k].kind && !strcmp(iv[k].kind, iv[i].kind) &&
               (k == i || fabs(iv[k].start - (iv[k - 1].start + iv[k - 1].dur)) < 0.5);
             k++) {
            char a[32], b[32], nid[64];
            fmt_iso(iv[k].start, a);
            fmt_iso(iv[k].start + iv[k].dur, b);
            snprintf(nid, sizeof nid, "%.40s#%zu", id, k);
            json_t *ne = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", nid, "type", iv[k].kind,
                                   "site", f->sites[site].id, "start", a, "end", b);
            if (!strcmp(iv[k].kind, "price"))
                json_object_set_new(ne, "price_usd_per_mwh", json_real(iv[k].value));
            else
                json_object_set_new(ne, "mw", json_real(iv[k].value));
            if (created > 0 && created < iv[k].start) {
                /* the notice tells the daemon when to plan (start - notice): a day at most, so
                 * that an event published far ahead is planned on the day's picture */
                char notice[48];
                snprintf(notice, sizeof notice, "%.0fs", fmin(86400, floor(iv[k].start - created)));
                json_object_set_new(ne, "notice", json_string(notice));
            }
            json_array_append_new(arr, ne);
        }
        d[nd] = json_pack("{s:o}", "events", arr);
        size_t xl = 192;
        xs[nd] = malloc(xl);
        if (xs[nd])
            snprintf(xs[nd], xl, "%.100s@%.40s#%zu", id, mod ? mod : "", nd);
        nd++;
        i = k;
    }
    free(iv);
    if (!d || !xs) {
        free(d);
        free(xs);
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    if (nd == 0) {
        free(d);
        free(xs);
        snprintf(why, why_len, "event %.64s: nothing to act on (%s)", id,
                 used ? "every interval is over"
                 : levels0 ? "SIMPLE level 0: normal operation"
                 : beyond  ? "values beyond 1e6 MW or 1e6 USD/MWh (check the payload "
                             "descriptors' units)"
                 : brief   ? "intervals shorter than the daemon's one-second resolution"
                 : unknown ? "no payload this VEN acts on (IMPORT_CAPACITY_LIMIT, "
                             "IMPORT_CAPACITY_SUBSCRIPTION, SIMPLE, PRICE)"
                           : "no payload with a value");
        return 0;
    }
    *docs = d;
    *ext = xs;
    *ndocs = nd;
    return 0;
}

/* ---- HTTP -------------------------------------------------------------------------------- */

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    buf *b = ud;
    size_t add = size * nmemb;
    if (b->n + add + 1 > 16u << 20)
        return 0; /* over 16 MB: not an answer we read */
    if (b->n + add + 1 > b->cap) {
        size_t cap = (b->n + add + 1) * 2;
        char *g = realloc(b->p, cap);
        if (!g)
            return 0;
        b->p = g;
        b->cap = cap;
    }
    memcpy(b->p + b->n, ptr, add);
    b->n += add;
    b->p[b->n] = '\0';
    return add;
}

/* One request; *status gets the HTTP status (0: none), *out the body (caller frees). */
static int request(gs_ven *v, const char *method, const char *url, const char *ctype,
                   const char *body, bool auth, long *status, char **out)
{
    CURL *c = v->curl;
    curl_easy_reset(c);
    buf b = {0};
    struct curl_slist *h = NULL;
    char hdr[4200];
    if (auth && v->token[0]) {
        snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", v->token);
        h = curl_slist_append(h, hdr);
    }
    if (ctype) {
        snprintf(hdr, sizeof hdr, "Content-Type: %s", ctype);
        h = curl_slist_append(h, hdr);
    }
    h = curl_slist_append(h, "Accept: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)HTTP_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "gridsplit-ven/" GS_VERSION);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(h);
    *status = 0;
    if (rc != CURLE_OK) {
        snprintf(v->st.last_error, sizeof v->st.last_error, "%.8s %.120s: %.100s", method, url,
                 curl_easy_strerror(rc));
        free(b.p);
        *out = NULL;
        return -1;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    *out = b.p ? b.p : strdup("");
    return 0;
}

/* The words of a problem body or an OAuth error, for the log. */
static void problem_text(const char *body, char *out, size_t len)
{
    json_t *o = body ? json_loads(body, 0, NULL) : NULL;
    const char *t = str_of(o, "detail");
    if (!t)
        t = str_of(o, "title");
    if (!t)
        t = str_of(o, "error_description");
    if (!t)
        t = str_of(o, "error");
    snprintf(out, len, "%.200s", t ? t : body ? body : "");
    json_decref(o);
}

static void join_url(const gs_ven *v, const char *path, char *out, size_t len)
{
    snprintf(out, len, "%s%s", v->vc->vtn, path);
}

static int get_token(gs_ven *v)
{
    long st;
    char *body = NULL, url[2048];
    if (!v->token_url[0]) {
        join_url(v, "/auth/server", url, sizeof url);
        if (request(v, "GET", url, NULL, NULL, false, &st, &body) < 0)
            return -1;
        json_t *o = json_loads(body, 0, NULL);
        const char *tu = str_of(o, "tokenURL");
        if (st != 200 || !tu) {
            char p[220];
            problem_text(body, p, sizeof p);
            snprintf(v->st.last_error, sizeof v->st.last_error,
                     "GET /auth/server: HTTP %ld, no tokenURL%s%.180s", st, p[0] ? ": " : "", p);
            json_decref(o);
            free(body);
            return -1;
        }
        if (!strncmp(tu, "http://", 7) || !strncmp(tu, "https://", 8))
            snprintf(v->token_url, sizeof v->token_url, "%.2000s", tu);
        else /* relative: to the VTN's base */
            snprintf(v->token_url, sizeof v->token_url, "%.1024s%s%.1000s", v->vc->vtn,
                     tu[0] == '/' ? "" : "/", tu);
        json_decref(o);
        free(body);
    }
    char *id = curl_easy_escape(v->curl, v->vc->client_id, 0);
    char *sec = curl_easy_escape(v->curl, v->vc->client_secret, 0);
    char form[4096];
    snprintf(form, sizeof form, "grant_type=client_credentials&client_id=%s&client_secret=%s",
             id ? id : "", sec ? sec : "");
    curl_free(id);
    curl_free(sec);
    int rc = request(v, "POST", v->token_url, "application/x-www-form-urlencoded", form, false,
                     &st, &body);
    memset(form, 0, sizeof form);
    if (rc < 0)
        return -1;
    json_t *o = json_loads(body, 0, NULL);
    const char *tok = str_of(o, "access_token");
    if (st != 200 || !tok || strlen(tok) >= sizeof v->token) {
        char p[220];
        problem_text(body, p, sizeof p);
        snprintf(v->st.last_error, sizeof v->st.last_error, "token: HTTP %ld%s%.200s", st,
                 p[0] ? ": " : "", p);
        json_decref(o);
        free(body);
        v->token_url[0] = '\0'; /* ask /auth/server again next time */
        return -1;
    }
    snprintf(v->token, sizeof v->token, "%s", tok);
    double exp;
    /* expires_in may be absent (then the token is renewed after a 401), a number or a string */
    if (num_of(json_object_get(o, "expires_in"), &exp) && exp > 0)
        v->token_renew_s = gs_serve_now() + fmax(1, exp * 0.8);
    else
        v->token_renew_s = INFINITY;
    json_decref(o);
    free(body);
    gs_serve_log(v->s, "info", "ven: token from %s%s", v->token_url,
                 isfinite(v->token_renew_s) ? "" : " (no expiry given: renewed after a 401)");
    return 0;
}

/* A call to the VTN with the token; a 401 renews the token and tries once more. */
static int api(gs_ven *v, const char *method, const char *path, const char *body, long *st,
               char **out)
{
    char url[4096];
    join_url(v, path, url, sizeof url);
    if ((!v->token[0] || gs_serve_now() >= v->token_renew_s) && get_token(v) < 0)
        return -1;
    if (request(v, method, url, body ? "application/json" : NULL, body, true, st, out) < 0)
        return -1;
    if (*st == 401) {
        free(*out);
        *out = NULL;
        v->token[0] = '\0';
        if (get_token(v) < 0 ||
            request(v, method, url, body ? "application/json" : NULL, body, true, st, out) < 0)
            return -1;
    }
    return 0;
}

/* Every object of a listing, page by page (skip/limit, skip advancing by what came; no order
 * promised: deduplicated by id).
 * Returns a JSON array (caller decrefs) or NULL. */
static json_t *list_all(gs_ven *v, const char *path)
{
    json_t *all = json_array();
    size_t skip = 0;
    for (int page = 0; page < MAX_PAGES; page++) {
        char p[1024];
        snprintf(p, sizeof p, "%s%sskip=%zu&limit=%d", path, strchr(path, '?') ? "&" : "?", skip,
                 PAGE);
        long st;
        char *body = NULL;
        if (api(v, "GET", p, NULL, &st, &body) < 0) {
            json_decref(all);
            return NULL;
        }
        json_t *arr = st == 200 ? json_loads(body, 0, NULL) : NULL;
        if (!json_is_array(arr)) {
            char pr[220];
            problem_text(body, pr, sizeof pr);
            snprintf(v->st.last_error, sizeof v->st.last_error, "GET %.80s: HTTP %ld%s%.120s", p,
                     st, pr[0] ? ": " : "", pr);
            json_decref(arr);
            free(body);
            json_decref(all);
            return NULL;
        }
        free(body);
        size_t got = json_array_size(arr), fresh = 0, i;
        json_t *x;
        json_array_foreach(arr, i, x)
        {
            const char *id = str_of(x, "id");
            bool dup = false;
            size_t k;
            json_t *y;
            json_array_foreach(all, k, y)
            {
                const char *yid = str_of(y, "id");
                if (id && yid && !strcmp(id, yid)) {
                    dup = true;
                    break;
                }
            }
            if (!dup) {
                json_array_append(all, x);
                fresh++;
            }
        }
        json_decref(arr);
        /* a VTN may send smaller pages than asked: the listing ends with an empty page (or one
         * with nothing new), not with a short one */
        skip += got;
        if (got == 0 || fresh == 0)
            break;
    }
    return all;
}

static int ensure_registered(gs_ven *v)
{
    if (v->st.registered)
        return 0;
    char *name = curl_easy_escape(v->curl, v->vc->ven_name, 0);
    char path[512];
    snprintf(path, sizeof path, "/vens?venName=%s", name ? name : "");
    curl_free(name);
    json_t *vens = list_all(v, path);
    if (!vens)
        return -1;
    size_t i;
    json_t *x;
    json_array_foreach(vens, i, x)
    {
        const char *n = str_of(x, "venName"), *id = str_of(x, "id");
        if (n && id && !strcmp(n, v->vc->ven_name)) {
            snprintf(v->st.ven_id, sizeof v->st.ven_id, "%s", id);
            v->st.registered = true;
        }
    }
    json_decref(vens);
    if (!v->st.registered) {
        json_t *req = json_pack("{s:s, s:s}", "objectType", "VEN_VEN_REQUEST", "venName",
                                v->vc->ven_name);
        char *body = json_dumps(req, JSON_COMPACT);
        json_decref(req);
        long st;
        char *out = NULL;
        int rc = body ? api(v, "POST", "/vens", body, &st, &out) : -1;
        free(body);
        if (rc < 0)
            return -1;
        json_t *o = json_loads(out, 0, NULL);
        const char *id = str_of(o, "id");
        if ((st == 200 || st == 201) && id) {
            snprintf(v->st.ven_id, sizeof v->st.ven_id, "%s", id);
            v->st.registered = true;
        } else {
            char p[220];
            problem_text(out, p, sizeof p);
            snprintf(v->st.last_error, sizeof v->st.last_error, "POST /vens: HTTP %ld%s%.200s", st,
                     p[0] ? ": " : "", p);
        }
        json_decref(o);
        free(out);
        if (!v->st.registered)
            return -1;
    }
    gs_serve_log(v->s, "info", "ven: registered as '%s' (VEN id %s)", v->vc->ven_name,
                 v->st.ven_id);
    return 0;
}

/* A subscription to events and programs with this run's callback token (the VTN then calls
 * the daemon's /openadr/notify, which wakes the VEN). Ours from an earlier run (same callback
 * URL) are deleted first: their token is gone. Polling goes on at `poll` whatever happens, so
 * a VTN that stops notifying is still read. */
static void ensure_subscription(gs_ven *v)
{
    if (v->st.subscribed || !v->vc->callback[0] || !v->s->callback_token[0])
        return;
    if (v->sub_tries++ % 20) /* after a refusal, ask again every 20 polls */
        return;
    json_t *subs = list_all(v, "/subscriptions");
    if (!subs) {
        gs_serve_log(v->s, "warning", "ven: subscriptions not read (%s): polling only",
                     v->st.last_error);
        return;
    }
    size_t i;
    json_t *x;
    json_array_foreach(subs, i, x)
    {
        const char *cn = str_of(x, "clientName"), *id = str_of(x, "id");
        if (!cn || !id || strcmp(cn, v->vc->ven_name))
            continue;
        bool ours = false;
        size_t k;
        json_t *op;
        json_array_foreach(json_object_get(x, "objectOperations"), k, op)
        {
            const char *cb = str_of(op, "callbackUrl");
            ours |= cb && !strcmp(cb, v->vc->callback);
        }
        if (!ours)
            continue;
        char path[256];
        char *eid = curl_easy_escape(v->curl, id, 0);
        snprintf(path, sizeof path, "/subscriptions/%s", eid ? eid : "");
        curl_free(eid);
        long st;
        char *out = NULL;
        if (api(v, "DELETE", path, NULL, &st, &out) == 0)
            gs_serve_log(v->s, "info", "ven: an earlier subscription (%s) deleted: HTTP %ld", id,
                         st);
        free(out);
    }
    json_decref(subs);
    json_t *req = json_pack("{s:s, s:[{s:[s, s], s:[s, s, s], s:s, s:s}]}", "clientName",
                            v->vc->ven_name, "objectOperations", "objects", "EVENT", "PROGRAM",
                            "operations", "CREATE", "UPDATE", "DELETE", "callbackUrl",
                            v->vc->callback, "bearerToken", v->s->callback_token);
    char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    long st = 0;
    char *out = NULL;
    int rc = body ? api(v, "POST", "/subscriptions", body, &st, &out) : -1;
    if (body)
        memset(body, 0, strlen(body));
    free(body);
    if (rc == 0 && (st == 200 || st == 201)) {
        v->st.subscribed = true;
        gs_serve_log(v->s, "info", "ven: subscribed to event and program changes; the VTN calls "
                     "%s (polling every %g s goes on)", v->vc->callback, v->vc->poll_s);
    } else {
        char p[220];
        problem_text(out, p, sizeof p);
        gs_serve_log(v->s, "warning", "ven: no subscription (HTTP %ld%s%.200s): polling only",
                     st, p[0] ? ": " : "", p);
    }
    free(out);
}

/* ---- events and reports ------------------------------------------------------------------ */

static double site_mw_now(void *ctx, int site)
{
    gs_serve *s = ctx;
    double mw = 0;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->live.nsites; i++)
        if (s->live.sites[i].site == site)
            for (int c = 0; c < GS_LIVE_NCLS; c++)
                mw += s->live.sites[i].mw[c];
    pthread_mutex_unlock(&s->mu);
    return mw;
}

static taken *find_taken(gs_ven *v, const char *ext)
{
    for (size_t i = 0; i < v->ntk; i++)
        if (!strcmp(v->tk[i].ext, ext))
            return &v->tk[i];
    return NULL;
}

static taken *add_taken(gs_ven *v, const char *oadr, const char *ext, int64_t id)
{
    if (v->ntk >= MAX_TAKEN) { /* forget the oldest reported ones */
        size_t w = 0;
        for (size_t i = 0; i < v->ntk; i++)
            if (!(v->tk[i].reported && i < v->ntk / 2))
                v->tk[w++] = v->tk[i];
        v->ntk = w;
    }
    taken *g = realloc(v->tk, (v->ntk + 1) * sizeof *g);
    if (!g)
        return NULL;
    v->tk = g;
    taken *t = &g[v->ntk++];
    memset(t, 0, sizeof *t);
    snprintf(t->oadr_id, sizeof t->oadr_id, "%s", oadr);
    snprintf(t->ext, sizeof t->ext, "%s", ext);
    t->daemon_id = id;
    return t;
}

/* Take the events of one listing; mark those still listed. */
static void take_events(gs_ven *v, json_t *events)
{
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        json_t **docs = NULL;
        char **ext = NULL;
        size_t nd = 0;
        char why[300];
        const char *oid = str_of(e, "id");
        int rc = gs_ven_translate(v->vc, v->s->fleet, e, gs_serve_now(), site_mw_now, v->s,
                                  &docs, &ext, &nd, why, sizeof why);
        if (rc < 0 || nd == 0) {
            /* say it once per event */
            char key[192];
            snprintf(key, sizeof key, "!%.100s@%.60s", oid ? oid : "?",
                     str_of(e, "modificationDateTime") ? str_of(e, "modificationDateTime") : "");
            if (!find_taken(v, key)) {
                gs_serve_log(v->s, rc < 0 ? "warning" : "info", "ven: %s", why);
                taken *t = add_taken(v, oid ? oid : "?", key, 0);
                if (t)
                    t->reported = true;
            }
            if (oid)
                for (size_t k = 0; k < v->ntk; k++)
                    if (!strcmp(v->tk[k].oadr_id, oid))
                        v->tk[k].listed = true;
            continue;
        }
        for (size_t d = 0; d < nd; d++) {
            taken *t = find_taken(v, ext[d]);
            if (!t) {
                char *body = json_dumps(docs[d], JSON_COMPACT | JSON_REAL_PRECISION(12));
                int64_t id = 0;
                bool dup = false;
                gs_error err = {0};
                int r = body ? gs_serve_take_event(v->s, body, strlen(body), "ven",
                                                   v->vc->ven_name, ext[d], &id, &dup, &err)
                             : -1;
                free(body);
                if (r < 0) {
                    char msg[600];
                    gs_error_format(&err, msg, sizeof msg);
                    gs_serve_log(v->s, "warning", "ven: event %s not taken: %s", oid, msg);
                    v->st.events_refused++;
                    t = add_taken(v, oid, ext[d], 0);
                    if (t)
                        t->reported = true; /* nothing to report */
                } else {
                    gs_serve_log(v->s, "info", "ven: OpenADR event %s -> daemon event %lld", oid,
                                 (long long)id);
                    v->st.events_taken += !dup;
                    t = add_taken(v, oid, ext[d], id);
                }
            }
            if (t)
                t->listed = true;
        }
        for (size_t d = 0; d < nd; d++) {
            json_decref(docs[d]);
            free(ext[d]);
        }
        free(docs);
        free(ext);
    }
}

/* The USAGE report of a done event: the site's mean load per interval, from the journal. */
static char *report_of(gs_ven *v, const taken *t, const gs_store_event *e)
{
    gs_serve *s = v->s;
    gs_event *evs = NULL;
    size_t n = 0;
    gs_error err = {0};
    if (gs_runner_parse(s, e->body, strlen(e->body), &evs, &n, &err) < 0 || n == 0)
        return NULL;
    int site = evs[0].scope == GS_SCOPE_SITE ? evs[0].scope_index : -1;
    const char *res = v->vc->ven_name;
    for (size_t r = 0; r < v->vc->nresources && site >= 0; r++)
        if (!strcmp(v->vc->resources[r].site, s->fleet->sites[site].id)) {
            res = v->vc->resources[r].resource;
            break;
        }
    json_t *ivs = json_array();
    for (size_t i = 0; i < n && site >= 0; i++) {
        gs_store_sample *rows = NULL;
        size_t nr = 0;
        if (gs_store_samples_range(s->store, (double)evs[i].start_s, (double)evs[i].end_s,
                                   s->fleet->sites[site].id, &rows, &nr, &err) < 0)
            continue;
        double sum = 0;
        size_t k = 0;
        for (size_t a = 0; a < nr;) {
            double at = rows[a].at_s, mw = 0;
            for (; a < nr && rows[a].at_s == at; a++)
                mw += rows[a].mw;
            sum += mw;
            k++;
        }
        free(rows);
        if (!k)
            continue;
        char start[32], dur[48];
        fmt_iso((double)evs[i].start_s, start);
        snprintf(dur, sizeof dur, "PT%lldS", (long long)(evs[i].end_s - evs[i].start_s));
        json_array_append_new(
            ivs, json_pack("{s:I, s:{s:s, s:s}, s:[{s:s, s:[f]}]}", "id", (json_int_t)i,
                           "intervalPeriod", "start", start, "duration", dur, "payloads", "type",
                           "USAGE", "values", sum / (double)k * 1000.0));
    }
    free(evs);
    char name[128];
    snprintf(name, sizeof name, "gridsplit event %lld: load achieved", (long long)t->daemon_id);
    json_t *rep = json_pack(
        "{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s}], s:[{s:s, s:o}]}", "eventID", t->oadr_id,
        "clientName", v->vc->ven_name, "reportName", name, "payloadDescriptors", "objectType",
        "REPORT_PAYLOAD_DESCRIPTOR", "payloadType", "USAGE", "readingType", "DIRECT_READ",
        "units", "KW", "resources", "resourceName", res, "intervals", ivs);
    char *text = rep ? json_dumps(rep, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(rep);
    return text;
}

static void send_reports(gs_ven *v)
{
    for (size_t i = 0; i < v->ntk && !v->stop; i++) {
        taken *t = &v->tk[i];
        if (t->reported || t->daemon_id <= 0)
            continue;
        if (t->gone) { /* withdrawn by the VTN: it has no event to report on */
            t->reported = true;
            continue;
        }
        gs_store_event e = {0};
        gs_error err = {0};
        if (gs_store_event_get(v->s->store, t->daemon_id, &e, &err) < 0)
            continue;
        bool done = !strcmp(e.state, "done") || !strcmp(e.state, "failed");
        char *body = done && v->vc->report && !strcmp(e.state, "done") ? report_of(v, t, &e)
                                                                       : NULL;
        gs_store_event_clear(&e);
        if (!done)
            continue;
        if (!body) {
            t->reported = true; /* failed events, or reports off: nothing to send */
            continue;
        }
        long st;
        char *out = NULL;
        int rc = api(v, "POST", "/reports", body, &st, &out);
        if (rc == 0 && (st == 200 || st == 201)) {
            t->reported = true;
            v->st.reports_sent++;
            /* journaled, so a restart does not send it again */
            gs_store_action a = {0};
            a.event_id = t->daemon_id;
            snprintf(a.job_name, sizeof a.job_name, "openadr report");
            snprintf(a.lever, sizeof a.lever, "report");
            a.attempt = 1;
            a.intent_s = gs_serve_now();
            int64_t aid = 0;
            if (gs_store_action_intent(v->s->store, &a, &aid, &err) == 0)
                gs_store_action_outcome(v->s->store, aid, "done", gs_serve_now(), 0, "sent",
                                        "USAGE report posted to the VTN", &err);
            gs_serve_log(v->s, "info", "ven: report of event %lld posted (OpenADR event %s)",
                         (long long)t->daemon_id, t->oadr_id);
        } else {
            v->st.report_errors++;
            char p[220];
            problem_text(out, p, sizeof p);
            gs_serve_log(v->s, "warning", "ven: report of event %lld not taken: HTTP %ld%s%s",
                         (long long)t->daemon_id, st, p[0] ? ": " : "", p);
        }
        free(out);
        free(body);
    }
}

/* Cancel the open daemon events whose OpenADR event was withdrawn or changed. */
static void withdraw(gs_ven *v)
{
    for (size_t i = 0; i < v->ntk; i++) {
        taken *t = &v->tk[i];
        if (t->listed || t->gone || t->daemon_id <= 0 || t->reported)
            continue;
        t->gone = true;
        gs_store_event e = {0};
        gs_error err = {0};
        if (gs_store_event_get(v->s->store, t->daemon_id, &e, &err) == 0 &&
            strcmp(e.state, "done") && strcmp(e.state, "failed") && strcmp(e.state, "cancelled")) {
            gs_serve *s = v->s;
            pthread_mutex_lock(&s->mu);
            int64_t *g = realloc(s->cancels, (s->ncancels + 1) * sizeof *g);
            if (g) {
                s->cancels = g;
                s->cancels[s->ncancels++] = t->daemon_id;
                s->capcancels = s->ncancels;
            }
            pthread_cond_signal(&s->wake);
            pthread_mutex_unlock(&s->mu);
            gs_serve_log(s, "info", "ven: OpenADR event %s was withdrawn or changed: daemon event "
                         "%lld cancelled", t->oadr_id, (long long)t->daemon_id);
        }
        gs_store_event_clear(&e);
    }
}

static void poll_once(gs_ven *v)
{
    v->st.polls++;
    v->st.last_poll_s = gs_serve_now();
    if (ensure_registered(v) < 0) {
        v->st.poll_errors++;
        gs_serve_log(v->s, "warning", "ven: %s (trying again in %g s)", v->st.last_error,
                     v->vc->poll_s);
        return;
    }
    ensure_subscription(v);
    json_t *progs = list_all(v, "/programs");
    if (!progs) {
        v->st.poll_errors++;
        gs_serve_log(v->s, "warning", "ven: %s", v->st.last_error);
        return;
    }
    for (size_t k = 0; k < v->ntk; k++)
        v->tk[k].listed = false;
    bool ok = true;
    size_t i;
    json_t *p;
    json_array_foreach(progs, i, p)
    {
        const char *pid = str_of(p, "id"), *pname = str_of(p, "programName");
        if (!pid)
            continue;
        bool follow = v->vc->nprograms == 0;
        for (size_t k = 0; k < v->vc->nprograms && pname; k++)
            follow |= !strcmp(v->vc->programs[k], pname);
        if (!follow)
            continue;
        char *eid = curl_easy_escape(v->curl, pid, 0);
        char path[512];
        snprintf(path, sizeof path, "/events?programID=%s", eid ? eid : "");
        curl_free(eid);
        json_t *evs = list_all(v, path);
        if (!evs) {
            ok = false;
            v->st.poll_errors++;
            gs_serve_log(v->s, "warning", "ven: %s", v->st.last_error);
            continue;
        }
        take_events(v, evs);
        json_decref(evs);
    }
    json_decref(progs);
    if (ok)
        withdraw(v); /* only after a complete listing */
    send_reports(v);
}

/* At start: the events the VEN handed over before (the journal's source "ven"), so that none is
 * taken twice nor reported twice. */
static void remember(gs_ven *v)
{
    gs_store_event *evs = NULL;
    size_t n = 0;
    gs_error err = {0};
    if (gs_store_events_list(v->s->store, false, MAX_TAKEN, &evs, &n, &err) < 0)
        return;
    for (size_t i = n; i-- > 0;) {
        if (strcmp(evs[i].source, "ven"))
            continue;
        char oid[128];
        snprintf(oid, sizeof oid, "%s", evs[i].ext_id);
        oid[strcspn(oid, "@")] = '\0';
        taken *t = add_taken(v, oid, evs[i].ext_id, evs[i].id);
        if (!t)
            break;
        gs_store_action *as = NULL;
        size_t na = 0;
        if (gs_store_actions_list(v->s->store, evs[i].id, 0, 0, &as, &na, &err) == 0)
            for (size_t k = 0; k < na; k++)
                t->reported |= !strcmp(as[k].lever, "report") && !strcmp(as[k].phase, "done");
        free(as);
    }
    gs_store_events_free(evs, n);
}

static void *run(void *arg)
{
    gs_ven *v = arg;
    remember(v);
    pthread_mutex_lock(&v->mu);
    while (!v->stop) {
        pthread_mutex_unlock(&v->mu);
        poll_once(v);
        pthread_mutex_lock(&v->mu);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        double w = v->vc->poll_s;
        until.tv_sec += (time_t)w;
        until.tv_nsec += (long)((w - floor(w)) * 1e9);
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!v->stop && !v->wake && pthread_cond_timedwait(&v->cv, &v->mu, &until) == 0)
            ;
        v->wake = false;
    }
    pthread_mutex_unlock(&v->mu);
    return NULL;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

int gs_ven_start(gs_serve *s, gs_ven **out, gs_error *err)
{
    *out = NULL;
    const gs_ven_config *vc = &s->cfg->ven;
    /* every site named must be the fleet's */
    for (size_t r = 0; r <= vc->nresources; r++) {
        const char *site = r < vc->nresources ? vc->resources[r].site : vc->default_site;
        if (!site[0])
            continue;
        bool known = false;
        for (size_t k = 0; k < s->fleet->nsites; k++)
            known |= !strcmp(s->fleet->sites[k].id, site);
        if (!known)
            return gs_error_set(err, GS_EINPUT, s->cfg->path, 0, 0, "openadr",
                                "%s names site '%s', which the fleet %s does not have",
                                r < vc->nresources ? "a resource" : "default_site", site,
                                s->cfg->fleet_path);
    }
    pthread_once(&curl_once, curl_init);
    gs_ven *v = calloc(1, sizeof *v);
    if (!v)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    v->s = s;
    v->vc = vc;
    v->token_renew_s = 0;
    v->curl = curl_easy_init();
    pthread_mutex_init(&v->mu, NULL);
    pthread_cond_init(&v->cv, NULL);
    if (!v->curl || pthread_create(&v->th, NULL, run, v) != 0) {
        if (v->curl)
            curl_easy_cleanup(v->curl);
        pthread_mutex_destroy(&v->mu);
        pthread_cond_destroy(&v->cv);
        free(v);
        return gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL, "the VEN could not start");
    }
    v->started = true;
    gs_serve_log(s, "info", "ven: polling %s every %g s as '%s'", vc->vtn, vc->poll_s,
                 vc->ven_name);
    *out = v;
    return 0;
}

void gs_ven_stop(gs_ven *v)
{
    if (!v)
        return;
    pthread_mutex_lock(&v->mu);
    v->stop = true;
    pthread_cond_signal(&v->cv);
    pthread_mutex_unlock(&v->mu);
    if (v->started)
        pthread_join(v->th, NULL);
    curl_easy_cleanup(v->curl);
    pthread_mutex_destroy(&v->mu);
    pthread_cond_destroy(&v->cv);
    memset(v->token, 0, sizeof v->token);
    free(v->tk);
    free(v);
}

void gs_ven_wake(gs_ven *v)
{
    if (!v)
        return;
    pthread_mutex_lock(&v->mu);
    v->wake = true;
    v->st.notifications++;
    pthread_cond_signal(&v->cv);
    pthread_mutex_unlock(&v->mu);
}

void gs_ven_status_get(gs_ven *v, gs_ven_status *st)
{
    memset(st, 0, sizeof *st);
    if (!v)
        return;
    /* counters written by the VEN's thread only; a torn read of a counter is harmless here,
     * but copy under the lock for the strings */
    pthread_mutex_lock(&v->mu);
    *st = v->st;
    pthread_mutex_unlock(&v->mu);
}
