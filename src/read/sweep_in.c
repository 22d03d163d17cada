/* sweep_in.c: SWEEP.yaml of `gridsplit sweep` (include/gridsplit/read/sweep.h, docs/sweep.md):
 * the reader (keys, axes, collected fields), the fields of the input file an axis sets (found
 * in its libyaml tree by field path, with selectors such as sites[id=west-texas]), each case's
 * input files (the tree copied with those fields replaced and relative paths made absolute,
 * emitted by libyaml's emitter), and the fields picked from a case's result JSON (jansson).
 * Every error names SWEEP.yaml's line, column and field, what was expected and what was found. */
#include "gridsplit/read/sweep.h"

#include <errno.h>
#include <glob.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "model/text.h"
#include "read/yaml_util.h"

#define MAX_SEGS 32
#define MAX_DEPTH 64
#define MAX_LINKS 8

/* ---- a growing string ---- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

/* The buffer's text (an empty string when nothing was added), or NULL when out of memory. */
static char *sb_take(sbuf *b)
{
    if (b->oom) {
        free(b->p);
        return NULL;
    }
    if (!b->p)
        return strdup("");
    return b->p;
}

/* ---- numbers and JSON text ---- */

/* v in its shortest form that reads back exactly (%.1g .. %.17g), without an exponent
 * between 1e-6 and 1e17 (4615723700, not 4.6157237e+09). */
static void shortest(double v, char *buf, size_t len)
{
    if (v == 0) {
        snprintf(buf, len, "0");
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, len, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (!strchr(buf, 'e') || fabs(v) < 1e-6 || fabs(v) >= 1e17)
        return;
    char fixed[64];
    for (int d = 0; d <= 24; d++) {
        snprintf(fixed, sizeof fixed, "%.*f", d, v);
        if (strtod(fixed, NULL) == v) {
            snprintf(buf, len, "%s", fixed);
            return;
        }
    }
}

static void json_escaped(sbuf *b, const char *s)
{
    sb_add(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            sb_add(b, esc, 2);
        } else if (c == '\n') {
            sb_add(b, "\\n", 2);
        } else if (c == '\t') {
            sb_add(b, "\\t", 2);
        } else if (c == '\r') {
            sb_add(b, "\\r", 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            sb_add(b, esc, 6);
        } else {
            sb_add(b, (const char *)&c, 1);
        }
    }
    sb_add(b, "\"", 1);
}

/* A plain YAML scalar's JSON kind: 0 null, 1 true, 2 false, 3 integer, 4 real, 5 string;
 * *num gets the number's JSON text. */
static int plain_kind(const char *v, char *num, size_t len)
{
    if (!v[0] || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL"))
        return 0;
    if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE"))
        return 1;
    if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "FALSE"))
        return 2;
    /* a decimal number: [+-] digits [. digits] [e [+-] digits], at least one digit */
    const char *p = v;
    int digits = 0, real = 0;
    if (*p == '+' || *p == '-')
        p++;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.') {
        real = 1;
        p++;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
    }
    if (digits && (*p == 'e' || *p == 'E')) {
        real = 1;
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return 5;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (!digits || *p)
        return 5;
    errno = 0;
    if (!real) {
        long long i = strtoll(v, NULL, 10);
        if (errno != ERANGE) {
            snprintf(num, len, "%lld", i);
            return 3;
        }
    }
    errno = 0;
    double d = strtod(v, NULL);
    if (errno == ERANGE || !isfinite(d))
        return 5;
    shortest(d, num, len);
    return 4;
}

/* The JSON text of node n of document d (scalars typed as the readers read them). */
static void yaml_json(sbuf *b, yaml_document_t *d, yaml_node_t *n, int depth)
{
    if (!n || depth > MAX_DEPTH) {
        sb_str(b, "null");
        return;
    }
    if (n->type == YAML_SCALAR_NODE) {
        const char *v = (const char *)n->data.scalar.value;
        char num[64];
        if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
            json_escaped(b, v);
            return;
        }
        switch (plain_kind(v, num, sizeof num)) {
        case 0: sb_str(b, "null"); break;
        case 1: sb_str(b, "true"); break;
        case 2: sb_str(b, "false"); break;
        case 3:
        case 4: sb_str(b, num); break;
        default: json_escaped(b, v); break;
        }
    } else if (n->type == YAML_SEQUENCE_NODE) {
        sb_str(b, "[");
        for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
            if (i > n->data.sequence.items.start)
                sb_str(b, ",");
            yaml_json(b, d, yaml_document_get_node(d, *i), depth + 1);
        }
        sb_str(b, "]");
    } else if (n->type == YAML_MAPPING_NODE) {
        sb_str(b, "{");
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            if (p > n->data.mapping.pairs.start)
                sb_str(b, ",");
            yaml_node_t *k = yaml_document_get_node(d, p->key);
            json_escaped(b, k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value
                                                             : "?");
            sb_str(b, ":");
            yaml_json(b, d, yaml_document_get_node(d, p->value), depth + 1);
        }
        sb_str(b, "}");
    } else {
        sb_str(b, "null");
    }
}

/* The compact JSON text of a jansson value, numbers in their shortest exact form. */
static void json_text(sbuf *b, const json_t *v, int depth)
{
    char num[64];
    if (!v || depth > MAX_DEPTH) {
        sb_str(b, "null");
        return;
    }
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *x;
        int first = 1;
        sb_str(b, "{");
        json_object_foreach((json_t *)v, k, x) {
            if (!first)
                sb_str(b, ",");
            first = 0;
            json_escaped(b, k);
            sb_str(b, ":");
            json_text(b, x, depth + 1);
        }
        sb_str(b, "}");
        break;
    }
    case JSON_ARRAY:
        sb_str(b, "[");
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                sb_str(b, ",");
            json_text(b, json_array_get(v, i), depth + 1);
        }
        sb_str(b, "]");
        break;
    case JSON_STRING: json_escaped(b, json_string_value(v)); break;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        sb_str(b, num);
        break;
    case JSON_REAL:
        shortest(json_real_value(v), num, sizeof num);
        sb_str(b, num);
        break;
    case JSON_TRUE: sb_str(b, "true"); break;
    case JSON_FALSE: sb_str(b, "false"); break;
    default: sb_str(b, "null"); break;
    }
}

void gs_sweep_cell_clear(gs_sweep_cell *c)
{
    if (!c)
        return;
    free(c->csv);
    free(c->json);
    c->csv = c->json = NULL;
    c->present = 0;
}

/* ---- field paths ---- */

typedef enum { SEG_KEY, SEG_INDEX, SEG_SELECT } seg_kind;

typedef struct seg {
    seg_kind kind;
    char *key;    /* KEY: the key; SELECT: the item's key */
    char *val;    /* SELECT: the value it must have */
    size_t index; /* INDEX */
    int ptr;      /* a JSON pointer's token: a number may index a list */
} seg;

typedef struct fpath {
    seg s[MAX_SEGS];
    size_t n;
} fpath;

static void fpath_free(fpath *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->s[i].key);
        free(p->s[i].val);
    }
    p->n = 0;
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* Parse text into p: 0, or -1 with the reason in why (-2: out of memory). */
static int fpath_parse(const char *t, fpath *p, char *why, size_t wl)
{
    memset(p, 0, sizeof *p);
    size_t tl = strlen(t);
    if (!tl) {
        snprintf(why, wl, "expected a field path, found ''");
        return -1;
    }
    if (tl > 1000) {
        snprintf(why, wl, "expected a field path of at most 1000 characters, found %zu", tl);
        return -1;
    }
    if (t[0] == '/') { /* RFC 6901 */
        const char *s = t + 1;
        for (;;) {
            if (p->n == MAX_SEGS) {
                snprintf(why, wl, "expected a JSON pointer of at most %d tokens", MAX_SEGS);
                fpath_free(p);
                return -1;
            }
            const char *e = strchr(s, '/');
            size_t n = e ? (size_t)(e - s) : strlen(s);
            char *k = malloc(n + 1);
            if (!k) {
                fpath_free(p);
                return -2;
            }
            size_t o = 0;
            for (size_t i = 0; i < n; i++) {
                if (s[i] == '~') {
                    if (i + 1 < n && (s[i + 1] == '0' || s[i + 1] == '1')) {
                        k[o++] = s[i + 1] == '0' ? '~' : '/';
                        i++;
                        continue;
                    }
                    snprintf(why, wl, "expected '~0' or '~1' after '~' in JSON pointer '%s'", t);
                    free(k);
                    fpath_free(p);
                    return -1;
                }
                k[o++] = s[i];
            }
            k[o] = '\0';
            p->s[p->n++] = (seg){.kind = SEG_KEY, .key = k, .ptr = 1};
            if (!e)
                break;
            s = e + 1;
        }
        return 0;
    }
    size_t i = 0;
    int first = 1;
    while (i < tl) {
        if (p->n == MAX_SEGS) {
            snprintf(why, wl, "expected a field path of at most %d parts, found more in '%s'",
                     MAX_SEGS, t);
            fpath_free(p);
            return -1;
        }
        if (t[i] == '[') {
            const char *close = strchr(t + i, ']');
            if (!close) {
                snprintf(why, wl, "expected ']' after '[' in '%s'", t);
                fpath_free(p);
                return -1;
            }
            const char *in = t + i + 1;
            size_t n = (size_t)(close - in);
            size_t nd = strspn(in, "0123456789");
            if (n && nd == n) {
                errno = 0;
                unsigned long long v = strtoull(in, NULL, 10);
                if (errno == ERANGE || nd > 9) {
                    snprintf(why, wl, "expected an index below 1e9 in '%s'", t);
                    fpath_free(p);
                    return -1;
                }
                p->s[p->n++] = (seg){.kind = SEG_INDEX, .index = (size_t)v};
            } else {
                const char *eq = memchr(in, '=', n);
                if (!eq || eq == in || eq + 1 == close || memchr(in, '[', n)) {
                    snprintf(why, wl,
                             "expected [N] (an index) or [KEY=VALUE] (the item whose KEY is "
                             "VALUE), found '[%.*s]' in '%s'",
                             (int)n, in, t);
                    fpath_free(p);
                    return -1;
                }
                char *k = dup_n(in, (size_t)(eq - in)), *v = dup_n(eq + 1, (size_t)(close - eq - 1));
                if (!k || !v) {
                    free(k);
                    free(v);
                    fpath_free(p);
                    return -2;
                }
                p->s[p->n++] = (seg){.kind = SEG_SELECT, .key = k, .val = v};
            }
            i = (size_t)(close - t) + 1;
        } else {
            if (!first) {
                if (t[i] != '.') {
                    snprintf(why, wl, "expected '.' or '[' after ']' in '%s', found '%c'", t, t[i]);
                    fpath_free(p);
                    return -1;
                }
                i++;
            }
            size_t n = strcspn(t + i, ".[]");
            if (!n || t[i + n] == ']') {
                snprintf(why, wl, "expected a key at character %zu of '%s'", i + 1, t);
                fpath_free(p);
                return -1;
            }
            char *k = dup_n(t + i, n);
            if (!k) {
                fpath_free(p);
                return -2;
            }
            p->s[p->n++] = (seg){.kind = SEG_KEY, .key = k};
            i += n;
        }
        first = 0;
    }
    return 0;
}

int gs_sweep_check_path(const char *text, gs_error *err)
{
    fpath p;
    char why[512];
    int rc = fpath_parse(text, &p, why, sizeof why);
    if (rc == -2)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (rc < 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL, "%s", why);
    fpath_free(&p);
    return GS_OK;
}

/* The printable path of the first n segments of p. */
static void fpath_show(const fpath *p, size_t n, char *out, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && o < len; i++) {
        int k;
        if (p->s[i].kind == SEG_KEY)
            k = snprintf(out + o, len - o, "%s%s", i ? "." : "", p->s[i].key);
        else if (p->s[i].kind == SEG_INDEX)
            k = snprintf(out + o, len - o, "[%zu]", p->s[i].index);
        else
            k = snprintf(out + o, len - o, "[%s=%s]", p->s[i].key, p->s[i].val);
        if (k < 0)
            break;
        o += (size_t)k;
    }
    if (!out[0] && len > 6)
        snprintf(out, len, "(top)");
}

/* ---- the internal state ---- */

/* One YAML file a sweep edits: the input (docs[0]) or a file it names (`in:`). */
typedef struct sdoc {
    yaml_document_t doc;
    int loaded;
    char file[GS_SWEEP_PATH_MAX];  /* absolute */
    char dir[GS_SWEEP_PATH_MAX];   /* absolute */
    char show[GS_SWEEP_NAME_MAX];  /* as named in messages: its base name */
    char name[GS_SWEEP_NAME_MAX + 32]; /* the case file's name */
    char in[GS_SWEEP_NAME_MAX];    /* linked: the input's field that names it */
    char **rewrite;                /* per node (index - 1): an absolute path for a relative one */
    size_t nnodes;
} sdoc;

/* One field a case replaces: the value at pos of container (a mapping's pair or a list's
 * item), or a key added to a mapping. */
typedef struct target {
    int doc;
    int container;
    size_t pos;          /* SIZE_MAX: append `append` to the mapping */
    char *append;
    int replaced;        /* the node replaced (0 when appended) */
    int visited[MAX_DEPTH];
    size_t nvisited;
    int axis;            /* -1: the field naming linked document link */
    int link;
    char *tmpl;          /* `set:`: the value's text in place of each {} */
    char show[GS_SWEEP_NAME_MAX];
} target;

struct gs__sweep_in {
    yaml_document_t spec;
    int spec_loaded;
    int **value_node; /* per axis, per value: its node in spec */
    sdoc docs[1 + MAX_LINKS];
    size_t ndocs;
    target *t;
    size_t nt;
    fpath *collect;
};

/* ---- reading SWEEP.yaml ---- */

static void set_mark(gs_sweep_mark *m, const yaml_node_t *n, const char *field)
{
    m->line = n ? (int)n->start_mark.line + 1 : 0;
    m->column = n ? (int)n->start_mark.column + 1 : 0;
    snprintf(m->field, sizeof m->field, "%s", field ? field : "");
}

/* dir of path as an absolute path (cwd-based when relative), without resolving links. */
static int abs_dir_of(const char *path, char *out, size_t len)
{
    char d[GS_SWEEP_PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(d, sizeof d, ".");
    else if (slash == path)
        snprintf(d, sizeof d, "/");
    else
        snprintf(d, sizeof d, "%.*s", (int)(slash - path), path);
    if (d[0] == '/')
        return snprintf(out, len, "%s", d) < (int)len ? 0 : -1;
    char cwd[GS_SWEEP_PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return -1;
    int k = !strcmp(d, ".") ? snprintf(out, len, "%s", cwd) : snprintf(out, len, "%s/%s", cwd, d);
    return k >= 0 && (size_t)k < len ? 0 : -1;
}

static int make_abs(const char *path, char *out, size_t len)
{
    if (path[0] == '/')
        return snprintf(out, len, "%s", path) < (int)len ? 0 : -1;
    char cwd[GS_SWEEP_PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return -1;
    const char *p = path;
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    int k = snprintf(out, len, "%s/%s", cwd, p);
    return k >= 0 && (size_t)k < len ? 0 : -1;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Whether scalar text, a value of a file in dir, is a relative path there (a file or a glob
 * matching one): then *out gets dir/text (malloc'ed). */
static int relative_path(const char *dir, const char *text, char **out)
{
    *out = NULL;
    size_t n = strlen(text);
    if (!n || n >= 512 || text[0] == '/' || text[0] == '$' || text[0] == '~' || strchr(text, '\n') ||
        (!strchr(text, '/') && !strchr(text, '.')))
        return 0;
    char num[64];
    int kind = plain_kind(text, num, sizeof num);
    if (kind != 5)
        return 0;
    char full[GS_SWEEP_PATH_MAX + 520];
    snprintf(full, sizeof full, "%s/%s", dir, text);
    struct stat st;
    int found = stat(full, &st) == 0;
    if (!found && strpbrk(text, "*?[")) {
        glob_t g;
        found = glob(full, 0, NULL, &g) == 0 && g.gl_pathc > 0;
        globfree(&g);
    }
    if (!found)
        return 0;
    *out = strdup(full);
    return *out ? 1 : -1;
}

/* Mark the relative paths among doc's value scalars. */
static int find_rewrites(sdoc *d)
{
    size_t n = (size_t)(d->doc.nodes.top - d->doc.nodes.start);
    d->nnodes = n;
    d->rewrite = calloc(n ? n : 1, sizeof *d->rewrite);
    char *is_key = calloc(n ? n : 1, 1);
    if (!d->rewrite || !is_key) {
        free(is_key);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *m = &d->doc.nodes.start[i];
        if (m->type == YAML_MAPPING_NODE)
            for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++)
                if (p->key >= 1 && (size_t)p->key <= n)
                    is_key[p->key - 1] = 1;
    }
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        yaml_node_t *m = &d->doc.nodes.start[i];
        if (m->type == YAML_SCALAR_NODE && !is_key[i] &&
            relative_path(d->dir, (const char *)m->data.scalar.value, &d->rewrite[i]) < 0)
            rc = -1;
    }
    free(is_key);
    return rc;
}

/* What a walk to a field found. */
typedef struct walk {
    int container;
    size_t pos;
    const char *append;
    int replaced;
    int visited[MAX_DEPTH];
    size_t nvisited;
} walk;

static const char *scalar_of(yaml_document_t *d, int idx)
{
    yaml_node_t *n = yaml_document_get_node(d, idx);
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static const char *node_kind(const yaml_node_t *n)
{
    if (!n)
        return "nothing";
    return n->type == YAML_MAPPING_NODE ? "a mapping" : n->type == YAML_SEQUENCE_NODE ? "a list" : "a value";
}

/* Follow p in document d (named show in messages). The last key may be missing from its
 * mapping (then it is added). 0, or -1 with why; -2 out of memory. */
static int yaml_walk(yaml_document_t *d, const char *show, const fpath *p, walk *w, char *why,
                     size_t wl)
{
    memset(w, 0, sizeof *w);
    int cur = 1;
    yaml_node_t *n = yaml_document_get_node(d, cur);
    char at[512];
    if (!n) {
        snprintf(why, wl, "%s is empty", show);
        return -1;
    }
    for (size_t i = 0; i < p->n; i++) {
        const seg *s = &p->s[i];
        int last = i + 1 == p->n;
        fpath_show(p, i, at, sizeof at);
        if (w->nvisited == MAX_DEPTH) {
            snprintf(why, wl, "the field is nested too deep");
            return -1;
        }
        w->visited[w->nvisited++] = cur;
        int next = 0;
        size_t pos = 0;
        if (s->kind == SEG_KEY) {
            if (n->type != YAML_MAPPING_NODE) {
                snprintf(why, wl, "'%s' in %s is %s, not a mapping with key '%s'", at, show,
                         node_kind(n), s->key);
                return -1;
            }
            size_t np = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
            for (size_t k = 0; k < np; k++) {
                const char *name = scalar_of(d, n->data.mapping.pairs.start[k].key);
                if (name && !strcmp(name, s->key)) {
                    next = n->data.mapping.pairs.start[k].value;
                    pos = k;
                    break;
                }
            }
            if (!next) {
                if (last) { /* a key the case adds */
                    w->container = cur;
                    w->pos = SIZE_MAX;
                    w->append = s->key;
                    return 0;
                }
                const char **names = calloc(np + 1, sizeof *names);
                if (!names)
                    return -2;
                for (size_t k = 0; k < np; k++)
                    names[k] = scalar_of(d, n->data.mapping.pairs.start[k].key);
                size_t o = 0;
                for (size_t k = 0; k < np; k++)
                    if (names[k])
                        names[o++] = names[k];
                names[o] = NULL;
                const char *best = gs__nearest_word(names, s->key);
                char all[256];
                gs__join_words(names, all, sizeof all);
                if (best)
                    snprintf(why, wl, "'%s' in %s has no key '%s' (did you mean '%s'?)", at, show,
                             s->key, best);
                else
                    snprintf(why, wl, "'%s' in %s has no key '%s' (its keys: %s)", at, show, s->key,
                             all);
                free(names);
                return -1;
            }
        } else {
            if (n->type != YAML_SEQUENCE_NODE) {
                snprintf(why, wl, "'%s' in %s is %s, not a list", at, show, node_kind(n));
                return -1;
            }
            size_t len = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
            if (s->kind == SEG_INDEX) {
                if (s->index >= len) {
                    snprintf(why, wl, "'%s' in %s has %zu item%s, found index %zu", at, show, len,
                             len == 1 ? "" : "s", s->index);
                    return -1;
                }
                pos = s->index;
                next = n->data.sequence.items.start[pos];
            } else {
                size_t hits = 0;
                const char **vals = calloc(len + 1, sizeof *vals);
                if (!vals)
                    return -2;
                size_t nv = 0;
                for (size_t k = 0; k < len; k++) {
                    yaml_node_t *it = yaml_document_get_node(d, n->data.sequence.items.start[k]);
                    if (!it || it->type != YAML_MAPPING_NODE)
                        continue;
                    for (yaml_node_pair_t *q = it->data.mapping.pairs.start;
                         q < it->data.mapping.pairs.top; q++) {
                        const char *kn = scalar_of(d, q->key), *kv = scalar_of(d, q->value);
                        if (kn && kv && !strcmp(kn, s->key)) {
                            vals[nv++] = kv;
                            if (!strcmp(kv, s->val)) {
                                if (!hits++) {
                                    pos = k;
                                    next = n->data.sequence.items.start[k];
                                }
                            }
                        }
                    }
                }
                vals[nv] = NULL;
                if (hits != 1) {
                    if (hits > 1)
                        snprintf(why, wl, "%zu items of '%s' in %s have %s '%s': expected one", hits,
                                 at, show, s->key, s->val);
                    else {
                        const char *best = gs__nearest_word(vals, s->val);
                        char all[256];
                        gs__join_words(vals, all, sizeof all);
                        if (best)
                            snprintf(why, wl, "no item of '%s' in %s has %s '%s' (did you mean '%s'?)",
                                     at, show, s->key, s->val, best);
                        else if (nv)
                            snprintf(why, wl, "no item of '%s' in %s has %s '%s' (found: %s)", at, show,
                                     s->key, s->val, all);
                        else
                            snprintf(why, wl, "no item of '%s' in %s has a key '%s'", at, show, s->key);
                    }
                    free(vals);
                    return -1;
                }
                free(vals);
            }
        }
        if (last) {
            w->container = cur;
            w->pos = pos;
            w->replaced = next;
            return 0;
        }
        cur = next;
        n = yaml_document_get_node(d, cur);
    }
    /* an empty path cannot be parsed */
    snprintf(why, wl, "expected a field path");
    return -1;
}

/* Loading context. */
typedef struct lctx {
    gs__yaml y; /* SWEEP.yaml */
    gs_sweep *s;
    struct gs__sweep_in *in;
    gs_error *err;
} lctx;

static int oom(lctx *c)
{
    return gs_error_set(c->err, GS_ENOMEM, c->s->path, 0, 0, NULL, "out of memory");
}

static int load_doc(lctx *c, sdoc *d, const char *file)
{
    gs_error e = {0};
    snprintf(d->file, sizeof d->file, "%s", file);
    snprintf(d->show, sizeof d->show, "%s", base_name(file));
    if (abs_dir_of(file, d->dir, sizeof d->dir) < 0)
        return gs_error_set(c->err, GS_EINPUT, file, 0, 0, NULL, "expected a path of at most %d characters",
                            GS_SWEEP_PATH_MAX - 1);
    int rc = gs__yaml_load(file, NULL, 0, 1, &d->doc, &e);
    if (rc) {
        *c->err = e;
        return rc;
    }
    d->loaded = 1;
    if (!yaml_document_get_root_node(&d->doc))
        return gs_error_set(c->err, GS_EINPUT, file, 1, 1, NULL, "expected a YAML document, found an empty file");
    if (find_rewrites(d) < 0)
        return oom(c);
    return GS_OK;
}

/* A scalar key of SWEEP.yaml's top level as text (fewer than len bytes). */
static int get_text(lctx *c, yaml_node_t *root, const char *key, int req, char *out, size_t len,
                    gs_sweep_mark *m)
{
    yaml_node_t *v = gs__yaml_get(&c->y, root, key);
    if (m)
        set_mark(m, v ? v : root, key);
    int rc = gs__yaml_get_str(&c->y, root, "", key, req, out, len);
    if (rc == 1 && !out[0])
        return gs__yaml_fail(&c->y, v, key, "expected a non-empty value, found ''");
    return rc;
}

static const char *const TOP_KEYS[] = {"command", "input", "args", "axes", "collect", "result", NULL};
static const char *const AXIS_KEYS[] = {"option", "field", "set", "in", "name", "values", NULL};

/* Is mapping n a one-key shorthand {KEY: [values]} rather than a full axis? */
static int is_shorthand(lctx *c, yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE || n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1)
        return 0;
    const char *k = scalar_of(&c->in->spec, n->data.mapping.pairs.start[0].key);
    if (!k)
        return 0;
    for (size_t i = 0; AXIS_KEYS[i]; i++)
        if (!strcmp(k, AXIS_KEYS[i]))
            return 0;
    return 1;
}

/* One axis in construction. */
typedef struct axis_src {
    yaml_node_t *node;      /* the axis */
    yaml_node_t *key_node;  /* its option, field or set (for marks) */
    const char *option;     /* "--policy" */
    const char *field;      /* a field path */
    yaml_node_t *set;       /* mapping path -> template */
    const char *in;         /* linked file's field in the input */
    const char *name;
    yaml_node_t *values;
    int shorthand;          /* {KEY: [values]}: the key is the axis */
    char path[GS__YAML_PATH_LEN];
} axis_src;

static int read_axis(lctx *c, yaml_node_t *n, const char *path, axis_src *a)
{
    memset(a, 0, sizeof *a);
    a->node = n;
    snprintf(a->path, sizeof a->path, "%s", path);
    yaml_document_t *d = &c->in->spec;
    if (n->type == YAML_MAPPING_NODE && is_shorthand(c, n)) {
        yaml_node_pair_t *p = n->data.mapping.pairs.start;
        const char *k = scalar_of(d, p->key);
        a->key_node = yaml_document_get_node(d, p->key);
        a->shorthand = 1;
        if (!strncmp(k, "--", 2))
            a->option = k;
        else
            a->field = k;
        a->values = yaml_document_get_node(d, p->value);
        if (a->values->type != YAML_SEQUENCE_NODE) {
            char found[96];
            gs__yaml_describe(a->values, found, sizeof found);
            return gs__yaml_fail(&c->y, a->values, path,
                                 "expected a list of values for '%s', found %s", k, found);
        }
        return GS_OK;
    }
    int rc = gs__yaml_check_map(&c->y, n, path,
                                "an axis {option: --NAME, values: [...]}, {field: PATH, values: "
                                "[...]} or {set: {PATH: TEMPLATE, ...}, values: [...]}",
                                AXIS_KEYS);
    if (rc)
        return rc;
    yaml_node_t *opt = gs__yaml_get(&c->y, n, "option"), *fld = gs__yaml_get(&c->y, n, "field"),
                *set = gs__yaml_get(&c->y, n, "set"), *in = gs__yaml_get(&c->y, n, "in"),
                *name = gs__yaml_get(&c->y, n, "name");
    int kinds = !!opt + !!fld + !!set;
    if (kinds != 1)
        return gs__yaml_fail(&c->y, n, path, "expected exactly one of 'option', 'field' and 'set', found %d",
                             kinds);
    char sub[GS__YAML_PATH_LEN], found[96];
    const char *which = opt ? "option" : fld ? "field" : "set";
    gs__yaml_path_cut(sub, path, which);
    a->key_node = opt ? opt : fld ? fld : set;
    if (set) {
        if (set->type != YAML_MAPPING_NODE || set->data.mapping.pairs.top == set->data.mapping.pairs.start) {
            gs__yaml_describe(set, found, sizeof found);
            return gs__yaml_fail(&c->y, set, sub, "expected a mapping of field paths to templates "
                                 "holding {}, found %s", found);
        }
        a->set = set;
    } else {
        const char *v = gs__yaml_scalar(a->key_node);
        if (!v || !v[0]) {
            gs__yaml_describe(a->key_node, found, sizeof found);
            return gs__yaml_fail(&c->y, a->key_node, sub, "expected %s, found %s",
                                 opt ? "an option such as --policy" : "a field path such as sites[id=west-texas].gpus",
                                 found);
        }
        if (opt)
            a->option = v;
        else
            a->field = v;
    }
    if (in) {
        gs__yaml_path_cut(sub, path, "in");
        if (opt)
            return gs__yaml_fail(&c->y, in, sub, "expected 'in' only with 'field' or 'set', found it with 'option'");
        a->in = gs__yaml_scalar(in);
        if (!a->in || !a->in[0]) {
            gs__yaml_describe(in, found, sizeof found);
            return gs__yaml_fail(&c->y, in, sub, "expected the input's field that names a file (fleet), found %s", found);
        }
    }
    if (name) {
        gs__yaml_path_cut(sub, path, "name");
        a->name = gs__yaml_scalar(name);
        if (!a->name || !a->name[0] || strlen(a->name) >= GS_SWEEP_NAME_MAX) {
            gs__yaml_describe(name, found, sizeof found);
            return gs__yaml_fail(&c->y, name, sub, "expected a column name of 1 to %d characters, found %s",
                                 GS_SWEEP_NAME_MAX - 1, found);
        }
    } else if (set) {
        return gs__yaml_fail(&c->y, n, path, "missing required key 'name' (the column of an axis with 'set')");
    }
    rc = gs__yaml_lookup(&c->y, n, path, "values", GS__YAML_REQ, "a list of values", sub, &a->values);
    if (rc < 0)
        return rc;
    if (a->values->type != YAML_SEQUENCE_NODE) {
        gs__yaml_describe(a->values, found, sizeof found);
        return gs__yaml_fail(&c->y, a->values, sub, "expected a list of values, found %s", found);
    }
    return GS_OK;
}

/* Fill axis ax from its source. */
static int build_axis(lctx *c, size_t ai, const axis_src *a)
{
    gs_sweep_axis *ax = &c->s->axes[ai];
    yaml_document_t *d = &c->in->spec;
    size_t nv = (size_t)(a->values->data.sequence.items.top - a->values->data.sequence.items.start);
    char sub[GS__YAML_PATH_LEN], vpath[GS__YAML_PATH_LEN], found[96];
    if (a->shorthand) /* {KEY: [values]}: the values are the key's */
        snprintf(sub, sizeof sub, "%s", a->path);
    else
        gs__yaml_path_cut(sub, a->path, "values");
    if (!nv)
        return gs__yaml_fail(&c->y, a->values, sub, "expected at least one value, found an empty list");
    if (nv > GS_SWEEP_MAX_VALUES)
        return gs__yaml_fail(&c->y, a->values, sub, "expected at most %d values, found %zu",
                             GS_SWEEP_MAX_VALUES, nv);
    const char *what = a->option ? "option" : a->field ? "field" : "set";
    char kpath[GS__YAML_PATH_LEN];
    if (a->shorthand)
        snprintf(kpath, sizeof kpath, "%s", a->path);
    else
        gs__yaml_path_cut(kpath, a->path, what);
    set_mark(&ax->mark, a->key_node, kpath);
    ax->nvalues = nv;
    ax->cells = calloc(nv, sizeof *ax->cells);
    ax->vmark = calloc(nv, sizeof *ax->vmark);
    c->in->value_node[ai] = calloc(nv, sizeof(int));
    if (!ax->cells || !ax->vmark || !c->in->value_node[ai])
        return oom(c);
    if (a->option) {
        ax->kind = GS_SWEEP_OPTION;
        const char *o = a->option + 2;
        size_t ol = strlen(o);
        if (strncmp(a->option, "--", 2) || !ol || ol >= sizeof ax->option ||
            strspn(o, "abcdefghijklmnopqrstuvwxyz0123456789-") != ol || o[0] == '-')
            return gs__yaml_fail(&c->y, a->key_node, kpath, "expected an option such as --policy, found '%s'",
                                 a->option);
        snprintf(ax->option, sizeof ax->option, "%s", o);
        ax->arg = calloc(nv, sizeof *ax->arg);
        ax->is_bool = calloc(nv, sizeof *ax->is_bool);
        if (!ax->arg || !ax->is_bool)
            return oom(c);
    } else {
        ax->kind = GS_SWEEP_FIELD;
    }
    snprintf(ax->name, sizeof ax->name, "%s",
             a->name ? a->name : a->option ? a->option + 2 : a->field);
    if (!a->name && a->field && a->in)
        snprintf(ax->name, sizeof ax->name, "%s.%s", a->in, a->field);
    for (size_t v = 0; v < nv; v++) {
        int idx = a->values->data.sequence.items.start[v];
        yaml_node_t *vn = yaml_document_get_node(d, idx);
        gs__yaml_index(vpath, sub, v);
        set_mark(&ax->vmark[v], vn, vpath);
        c->in->value_node[ai][v] = idx;
        sbuf j = {0}, t = {0};
        yaml_json(&j, d, vn, 0);
        if (vn->type == YAML_SCALAR_NODE) {
            char num[64];
            const char *txt = (const char *)vn->data.scalar.value;
            if (vn->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || plain_kind(txt, num, sizeof num))
                sb_str(&t, txt);
        } else {
            sb_add(&t, j.p ? j.p : "", j.len);
        }
        ax->cells[v].json = sb_take(&j);
        ax->cells[v].csv = sb_take(&t);
        ax->cells[v].present = 1;
        if (!ax->cells[v].json || !ax->cells[v].csv)
            return oom(c);
        if (ax->kind == GS_SWEEP_OPTION) {
            sbuf b = {0};
            ax->is_bool[v] = -1;
            if (vn->type == YAML_SCALAR_NODE) {
                const char *txt = (const char *)vn->data.scalar.value;
                char num[64];
                int k = vn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? plain_kind(txt, num, sizeof num) : 5;
                if (k == 0)
                    return gs__yaml_fail(&c->y, vn, vpath, "expected a value for %s, found nothing", a->option);
                if (k == 1 || k == 2)
                    ax->is_bool[v] = k == 1;
                sb_str(&b, txt);
            } else if (vn->type == YAML_SEQUENCE_NODE && vn->data.sequence.items.top > vn->data.sequence.items.start) {
                for (yaml_node_item_t *i = vn->data.sequence.items.start; i < vn->data.sequence.items.top; i++) {
                    const char *txt = scalar_of(d, *i);
                    if (!txt) {
                        free(b.p); /* the items joined so far */
                        return gs__yaml_fail(&c->y, vn, vpath, "expected a value or a list of values for %s, "
                                             "found a list holding %s", a->option,
                                             node_kind(yaml_document_get_node(d, *i)));
                    }
                    if (i > vn->data.sequence.items.start)
                        sb_str(&b, ",");
                    sb_str(&b, txt);
                }
            } else {
                gs__yaml_describe(vn, found, sizeof found);
                return gs__yaml_fail(&c->y, vn, vpath, "expected a value or a list of values for %s, found %s",
                                     a->option, found);
            }
            ax->arg[v] = sb_take(&b);
            if (!ax->arg[v])
                return oom(c);
        } else if (a->set && vn->type != YAML_SCALAR_NODE) {
            gs__yaml_describe(vn, found, sizeof found);
            return gs__yaml_fail(&c->y, vn, vpath, "expected a value to put in place of {} in the templates, "
                                 "found %s", found);
        }
    }
    return GS_OK;
}

/* The linked document named by field `in` of the input (loaded once). */
static int link_doc(lctx *c, const char *in, const gs_sweep_mark *m, int *out)
{
    struct gs__sweep_in *I = c->in;
    for (size_t k = 1; k < I->ndocs; k++)
        if (!strcmp(I->docs[k].in, in)) {
            *out = (int)k;
            return GS_OK;
        }
    if (I->ndocs == 1 + MAX_LINKS)
        return gs_error_set(c->err, GS_EINPUT, c->s->path, m->line, m->column, m->field,
                            "expected at most %d files named by the input ('in'), found more", MAX_LINKS);
    fpath p;
    char why[600];
    int rc = fpath_parse(in, &p, why, sizeof why);
    if (rc == -2)
        return oom(c);
    if (rc < 0)
        return gs_error_set(c->err, GS_EINPUT, c->s->path, m->line, m->column, m->field, "in: %s", why);
    walk w;
    sdoc *base = &I->docs[0];
    rc = yaml_walk(&base->doc, base->show, &p, &w, why, sizeof why);
    fpath_free(&p);
    if (rc == -2)
        return oom(c);
    if (rc == 0 && !w.replaced)
        snprintf(why, sizeof why, "%s has no field '%s'", base->show, in), rc = -1;
    yaml_node_t *v = rc == 0 ? yaml_document_get_node(&base->doc, w.replaced) : NULL;
    if (rc == 0 && (!v || v->type != YAML_SCALAR_NODE || !v->data.scalar.value[0]))
        snprintf(why, sizeof why, "'%s' in %s is %s, not the path of a file", in, base->show, node_kind(v)), rc = -1;
    if (rc < 0)
        return gs_error_set(c->err, GS_EINPUT, c->s->path, m->line, m->column, m->field, "in: %s", why);
    /* the path as the input's reader takes it: ${VAR} expanded, relative to the input */
    gs_error e = {0};
    gs__yaml by = {.doc = &base->doc, .file = base->file, .err = &e};
    gs__yaml_set_dir(&by, base->file);
    char raw[GS_PATH_MAX], abs[GS_SWEEP_PATH_MAX];
    if ((rc = gs__yaml_expand_path(&by, v, in, (const char *)v->data.scalar.value, raw, sizeof raw))) {
        *c->err = e;
        return rc;
    }
    if (make_abs(raw, abs, sizeof abs) < 0)
        return gs_error_set(c->err, GS_EINPUT, base->file, (int)v->start_mark.line + 1,
                            (int)v->start_mark.column + 1, in, "expected a shorter path");
    sdoc *d = &I->docs[I->ndocs];
    memset(d, 0, sizeof *d);
    snprintf(d->in, sizeof d->in, "%s", in);
    if ((rc = load_doc(c, d, abs)))
        return rc;
    char safe[48], show[104];
    size_t o = 0;
    for (const char *s = in; *s && o + 1 < sizeof safe; s++)
        safe[o++] = (char)(((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                            (*s >= '0' && *s <= '9') || *s == '-' || *s == '_') ? *s : '_');
    safe[o] = '\0';
    snprintf(show, sizeof show, "%.100s", d->show);
    snprintf(d->name, sizeof d->name, "in-%s-%s", safe, show);
    *out = (int)I->ndocs++;
    /* the input's field that names it: replaced in each case by the case's copy */
    target *t = &I->t[I->nt++];
    memset(t, 0, sizeof *t);
    t->doc = 0;
    t->container = w.container;
    t->pos = w.pos;
    t->replaced = w.replaced;
    memcpy(t->visited, w.visited, sizeof w.visited);
    t->nvisited = w.nvisited;
    t->axis = -1;
    t->link = *out;
    snprintf(t->show, sizeof t->show, "in: %s", in);
    return GS_OK;
}

/* Resolve field text of axis ai in document di into a new target (template tmpl or NULL). */
static int add_target(lctx *c, size_t ai, int di, const char *text, const char *tmpl,
                      const gs_sweep_mark *m)
{
    struct gs__sweep_in *I = c->in;
    fpath p;
    char why[700];
    int rc = fpath_parse(text, &p, why, sizeof why);
    if (rc == -2)
        return oom(c);
    if (rc < 0)
        return gs_error_set(c->err, GS_EINPUT, c->s->path, m->line, m->column, m->field, "%s", why);
    walk w;
    rc = yaml_walk(&I->docs[di].doc, I->docs[di].show, &p, &w, why, sizeof why);
    char *append = rc == 0 && w.append ? strdup(w.append) : NULL; /* w.append is p's */
    fpath_free(&p);
    if (rc == -2 || (rc == 0 && w.append && !append))
        return oom(c);
    if (rc < 0)
        return gs_error_set(c->err, GS_EINPUT, c->s->path, m->line, m->column, m->field, "%s", why);
    target *t = &I->t[I->nt];
    memset(t, 0, sizeof *t);
    t->doc = di;
    t->container = w.container;
    t->pos = w.pos;
    t->replaced = w.replaced;
    memcpy(t->visited, w.visited, sizeof w.visited);
    t->nvisited = w.nvisited;
    t->axis = (int)ai;
    snprintf(t->show, sizeof t->show, "%s", text);
    t->append = append;
    I->nt++;
    if (tmpl && !(t->tmpl = strdup(tmpl)))
        return oom(c);
    return GS_OK;
}

static const char *target_owner(const gs_sweep *s, const target *t, char *buf, size_t len)
{
    if (t->axis < 0)
        snprintf(buf, len, "the file named by '%s'", t->show + 4);
    else
        snprintf(buf, len, "%s", s->axes[t->axis].mark.field);
    return buf;
}

/* Two targets on one field, or one inside the value another replaces. */
static int check_overlaps(lctx *c)
{
    struct gs__sweep_in *I = c->in;
    for (size_t i = 0; i < I->nt; i++)
        for (size_t j = 0; j < I->nt; j++) {
            if (i == j)
                continue;
            const target *a = &I->t[i], *b = &I->t[j];
            if (a->doc != b->doc)
                continue;
            int same = a->container == b->container &&
                       (a->append ? b->append && !strcmp(a->append, b->append)
                                  : !b->append && a->pos == b->pos);
            int inside = 0;
            for (size_t k = 0; a->replaced && k < b->nvisited; k++)
                inside |= b->visited[k] == a->replaced;
            if ((same && i < j) || inside) {
                const target *blame = b->axis >= 0 ? b : a;
                const gs_sweep_mark *m = &c->s->axes[blame->axis >= 0 ? blame->axis : 0].mark;
                char oa[GS_SWEEP_NAME_MAX + 40], ob[GS_SWEEP_NAME_MAX + 40];
                target_owner(c->s, a, oa, sizeof oa);
                target_owner(c->s, b, ob, sizeof ob);
                if (same)
                    return gs_error_set(c->err, GS_EINPUT, c->s->path, m->line, m->column, m->field,
                                        "'%s' (%s) and '%s' (%s) set the same field of %s", a->show, oa,
                                        b->show, ob, I->docs[a->doc].show);
                return gs_error_set(c->err, GS_EINPUT, c->s->path, m->line, m->column, m->field,
                                    "'%s' (%s) is inside '%s' (%s), which replaces it as a whole", b->show,
                                    ob, a->show, oa);
            }
        }
    return GS_OK;
}

static int read_collect(lctx *c, yaml_node_t *root)
{
    gs_sweep *s = c->s;
    yaml_node_t *n = gs__yaml_get(&c->y, root, "collect");
    if (!n || gs__yaml_is_null(n))
        return GS_OK;
    char found[96], path[GS__YAML_PATH_LEN];
    size_t cnt;
    if (n->type == YAML_MAPPING_NODE)
        cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    else if (n->type == YAML_SEQUENCE_NODE)
        cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    else {
        gs__yaml_describe(n, found, sizeof found);
        return gs__yaml_fail(&c->y, n, "collect", "expected a mapping of column names to field paths, or "
                             "a list of field paths, found %s", found);
    }
    if (cnt > GS_SWEEP_MAX_COLLECT)
        return gs__yaml_fail(&c->y, n, "collect", "expected at most %d fields, found %zu",
                             GS_SWEEP_MAX_COLLECT, cnt);
    s->collect_name = calloc(cnt ? cnt : 1, sizeof *s->collect_name);
    s->collect_path = calloc(cnt ? cnt : 1, sizeof *s->collect_path);
    c->in->collect = calloc(cnt ? cnt : 1, sizeof *c->in->collect);
    if (!s->collect_name || !s->collect_path || !c->in->collect)
        return oom(c);
    for (size_t i = 0; i < cnt; i++) {
        yaml_node_t *kn, *vn;
        if (n->type == YAML_MAPPING_NODE) {
            kn = yaml_document_get_node(&c->in->spec, n->data.mapping.pairs.start[i].key);
            vn = yaml_document_get_node(&c->in->spec, n->data.mapping.pairs.start[i].value);
            const char *k = gs__yaml_scalar(kn);
            if (!k || !k[0] || strlen(k) >= GS_SWEEP_NAME_MAX) {
                gs__yaml_describe(kn, found, sizeof found);
                return gs__yaml_fail(&c->y, kn, "collect", "expected a column name of 1 to %d characters, "
                                     "found %s", GS_SWEEP_NAME_MAX - 1, found);
            }
            gs__yaml_path_cut(path, "collect", k);
            snprintf(s->collect_name[i], GS_SWEEP_NAME_MAX, "%s", k);
        } else {
            vn = yaml_document_get_node(&c->in->spec, n->data.sequence.items.start[i]);
            gs__yaml_index(path, "collect", i);
        }
        const char *v = gs__yaml_scalar(vn);
        if (!v || !v[0]) {
            gs__yaml_describe(vn, found, sizeof found);
            return gs__yaml_fail(&c->y, vn, path, "expected a field path of the result (total.npv_usd) or "
                                 "a JSON pointer (/total/npv_usd), found %s", found);
        }
        if (n->type == YAML_SEQUENCE_NODE) {
            if (strlen(v) >= GS_SWEEP_NAME_MAX)
                return gs__yaml_fail(&c->y, vn, path, "expected a field path of at most %d characters as "
                                     "its own column name (give a name: collect: {NAME: PATH})",
                                     GS_SWEEP_NAME_MAX - 1);
            snprintf(s->collect_name[i], GS_SWEEP_NAME_MAX, "%s", v);
        }
        char why[600];
        int rc = fpath_parse(v, &c->in->collect[i], why, sizeof why);
        if (rc == -2)
            return oom(c);
        if (rc < 0)
            return gs__yaml_fail(&c->y, vn, path, "%s", why);
        if (!(s->collect_path[i] = strdup(v)))
            return oom(c);
        s->ncollect = i + 1;
    }
    return GS_OK;
}

/* Column names: unique, and neither "case" nor "status". */
static int check_columns(lctx *c)
{
    gs_sweep *s = c->s;
    size_t n = s->naxes + s->ncollect;
    for (size_t i = 0; i < n; i++) {
        const char *a = i < s->naxes ? s->axes[i].name : s->collect_name[i - s->naxes];
        gs_sweep_mark m = i < s->naxes ? s->axes[i].mark : (gs_sweep_mark){0};
        if (i >= s->naxes)
            snprintf(m.field, sizeof m.field, "collect");
        if (!strcmp(a, "case") || !strcmp(a, "status"))
            return gs_error_set(c->err, GS_EINPUT, s->path, m.line, m.column, m.field,
                                "expected a column name other than 'case' and 'status' (the table's "
                                "own), found '%s'; give the axis a name", a);
        for (size_t j = 0; j < i; j++) {
            const char *b = j < s->naxes ? s->axes[j].name : s->collect_name[j - s->naxes];
            if (!strcmp(a, b))
                return gs_error_set(c->err, GS_EINPUT, s->path, m.line, m.column, m.field,
                                    "the column '%s' appears twice; give the axis a name", a);
        }
    }
    return GS_OK;
}

int gs_sweep_load(const char *path, gs_sweep **out, gs_error *err)
{
    *out = NULL;
    gs_sweep *s = calloc(1, sizeof *s);
    struct gs__sweep_in *I = s ? calloc(1, sizeof *I) : NULL;
    if (!s || !I) {
        free(s);
        return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
    }
    s->in = I;
    lctx c = {.s = s, .in = I, .err = err};
    c.y.doc = &I->spec;
    c.y.file = path;
    c.y.err = err;
    int rc = GS_OK;
    axis_src *src = NULL;
    if (strlen(path) >= sizeof s->path) {
        rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL, "expected a path of at most %zu characters",
                          sizeof s->path - 1);
        goto fail;
    }
    snprintf(s->path, sizeof s->path, "%s", path);
    if ((rc = gs__yaml_load(path, NULL, 0, 1, &I->spec, err)))
        goto fail;
    I->spec_loaded = 1;
    gs__yaml_set_dir(&c.y, path);
    if (abs_dir_of(path, s->dir, sizeof s->dir) < 0) {
        rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL, "expected a path of at most %d characters",
                          GS_SWEEP_PATH_MAX - 1);
        goto fail;
    }
    yaml_node_t *root = yaml_document_get_root_node(&I->spec);
    if (!root) {
        rc = gs_error_set(err, GS_EINPUT, path, 1, 1, NULL,
                          "expected a sweep (command, input, axes, collect), found an empty file");
        goto fail;
    }
    if ((rc = gs__yaml_check_map(&c.y, root, "", "a sweep {command, input, args, axes, collect, result}",
                                 TOP_KEYS)))
        goto fail;
    /* command */
    if ((rc = get_text(&c, root, "command", GS__YAML_REQ, s->command, sizeof s->command, &s->command_mark)) < 0)
        goto fail;
    /* input, relative to SWEEP.yaml, ${VAR} expanded */
    yaml_node_t *in = gs__yaml_get(&c.y, root, "input");
    set_mark(&s->input_mark, in ? in : root, "input");
    if (in && !gs__yaml_is_null(in)) {
        const char *raw = gs__yaml_scalar(in);
        char found[96], exp[GS_PATH_MAX];
        if (!raw || !raw[0]) {
            gs__yaml_describe(in, found, sizeof found);
            rc = gs__yaml_fail(&c.y, in, "input", "expected the path of the command's input file, found %s", found);
            goto fail;
        }
        if ((rc = gs__yaml_expand_path(&c.y, in, "input", raw, exp, sizeof exp)))
            goto fail;
        if (make_abs(exp, s->input, sizeof s->input) < 0) {
            rc = gs__yaml_fail(&c.y, in, "input", "expected a path of at most %d characters", GS_SWEEP_PATH_MAX - 1);
            goto fail;
        }
        gs_error pe = {0};
        if (gs__path_check(s->input, &pe)) {
            rc = gs__yaml_fail(&c.y, in, "input", "%s: %s", raw, pe.message);
            goto fail;
        }
    }
    /* result */
    snprintf(s->result, sizeof s->result, "summary.json");
    if ((rc = get_text(&c, root, "result", GS__YAML_OPT, s->result, sizeof s->result, NULL)) < 0)
        goto fail;
    if (s->result[0] == '/' || strstr(s->result, "..")) {
        rc = gs__yaml_fail(&c.y, gs__yaml_get(&c.y, root, "result"), "result",
                           "expected a file name inside each case's --out directory (summary.json), found '%s'",
                           s->result);
        goto fail;
    }
    /* args */
    yaml_node_t *args = gs__yaml_get(&c.y, root, "args");
    if (args && !gs__yaml_is_null(args)) {
        char found[96], p[GS__YAML_PATH_LEN];
        if (args->type != YAML_SEQUENCE_NODE) {
            gs__yaml_describe(args, found, sizeof found);
            rc = gs__yaml_fail(&c.y, args, "args", "expected a list of arguments ([--step, 1h]), found %s", found);
            goto fail;
        }
        size_t n = (size_t)(args->data.sequence.items.top - args->data.sequence.items.start);
        if (n > GS_SWEEP_MAX_ARGS) {
            rc = gs__yaml_fail(&c.y, args, "args", "expected at most %d arguments, found %zu", GS_SWEEP_MAX_ARGS, n);
            goto fail;
        }
        s->args = calloc(n ? n : 1, sizeof *s->args);
        s->args_mark = calloc(n ? n : 1, sizeof *s->args_mark);
        if (!s->args || !s->args_mark) {
            rc = oom(&c);
            goto fail;
        }
        for (size_t i = 0; i < n; i++) {
            yaml_node_t *a = yaml_document_get_node(&I->spec, args->data.sequence.items.start[i]);
            gs__yaml_index(p, "args", i);
            set_mark(&s->args_mark[i], a, p);
            const char *v = gs__yaml_scalar(a);
            if (!v) {
                gs__yaml_describe(a, found, sizeof found);
                rc = gs__yaml_fail(&c.y, a, p, "expected an argument, found %s", found);
                goto fail;
            }
            if (!(s->args[i] = strdup(v))) {
                rc = oom(&c);
                goto fail;
            }
            s->nargs = i + 1;
        }
    }
    /* axes: a list of axes and shorthands, or a mapping of shorthands */
    yaml_node_t *axes = gs__yaml_get(&c.y, root, "axes");
    if (!axes) {
        rc = gs__yaml_fail(&c.y, root, "", "missing required key 'axes' (what varies from case to case)");
        goto fail;
    }
    size_t na = axes->type == YAML_SEQUENCE_NODE
                    ? (size_t)(axes->data.sequence.items.top - axes->data.sequence.items.start)
                : axes->type == YAML_MAPPING_NODE
                    ? (size_t)(axes->data.mapping.pairs.top - axes->data.mapping.pairs.start)
                    : 0;
    if (!na) {
        char found[96];
        gs__yaml_describe(axes, found, sizeof found);
        rc = gs__yaml_fail(&c.y, axes, "axes", "expected a list of axes (or a mapping of option or field "
                           "to values), found %s", axes->type == YAML_SCALAR_NODE ? found : "an empty one");
        goto fail;
    }
    if (na > GS_SWEEP_MAX_AXES) {
        rc = gs__yaml_fail(&c.y, axes, "axes", "expected at most %d axes, found %zu", GS_SWEEP_MAX_AXES, na);
        goto fail;
    }
    src = calloc(na, sizeof *src);
    s->axes = calloc(na, sizeof *s->axes);
    I->value_node = calloc(na, sizeof *I->value_node);
    if (!src || !s->axes || !I->value_node) {
        rc = oom(&c);
        goto fail;
    }
    s->naxes = na;
    size_t ntargets = MAX_LINKS;
    for (size_t i = 0; i < na; i++) {
        char p[GS__YAML_PATH_LEN];
        if (axes->type == YAML_SEQUENCE_NODE) {
            gs__yaml_index(p, "axes", i);
            yaml_node_t *a = yaml_document_get_node(&I->spec, axes->data.sequence.items.start[i]);
            if ((rc = read_axis(&c, a, p, &src[i])))
                goto fail;
        } else {
            yaml_node_pair_t *pr = &axes->data.mapping.pairs.start[i];
            yaml_node_t *k = yaml_document_get_node(&I->spec, pr->key);
            const char *kt = gs__yaml_scalar(k);
            char found[96];
            if (!kt || !kt[0]) {
                gs__yaml_describe(k, found, sizeof found);
                rc = gs__yaml_fail(&c.y, k, "axes", "expected an option (--policy) or a field path, found %s", found);
                goto fail;
            }
            gs__yaml_path_cut(p, "axes", kt);
            memset(&src[i], 0, sizeof src[i]);
            src[i].node = axes;
            src[i].key_node = k;
            src[i].shorthand = 1;
            if (!strncmp(kt, "--", 2))
                src[i].option = kt;
            else
                src[i].field = kt;
            src[i].values = yaml_document_get_node(&I->spec, pr->value);
            snprintf(src[i].path, sizeof src[i].path, "%s", p);
            if (src[i].values->type != YAML_SEQUENCE_NODE) {
                gs__yaml_describe(src[i].values, found, sizeof found);
                rc = gs__yaml_fail(&c.y, src[i].values, p, "expected a list of values, found %s", found);
                goto fail;
            }
        }
        if ((rc = build_axis(&c, i, &src[i])))
            goto fail;
        if (s->axes[i].kind == GS_SWEEP_FIELD) {
            s->nfield_axes++;
            ntargets += src[i].set ? (size_t)(src[i].set->data.mapping.pairs.top -
                                             src[i].set->data.mapping.pairs.start)
                                   : 1;
        }
    }
    /* the cases */
    s->ncases = 1;
    for (size_t i = 0; i < na; i++) {
        if (s->ncases > GS_SWEEP_MAX_CASES / s->axes[i].nvalues) {
            char what[256] = "";
            for (size_t k = 0; k < na; k++)
                snprintf(what + strlen(what), sizeof what - strlen(what), "%s%zu", k ? " x " : "",
                         s->axes[k].nvalues);
            rc = gs__yaml_fail(&c.y, axes, "axes", "expected at most %d cases, found more (%s values)",
                               GS_SWEEP_MAX_CASES, what);
            goto fail;
        }
        s->ncases *= s->axes[i].nvalues;
    }
    /* the fields: in the input, or in a file it names */
    if (s->nfield_axes) {
        if (!s->input[0]) {
            size_t i = 0;
            while (s->axes[i].kind != GS_SWEEP_FIELD)
                i++;
            rc = gs_error_set(err, GS_EINPUT, path, s->axes[i].mark.line, s->axes[i].mark.column,
                              s->axes[i].mark.field, "a field axis needs an input file: give 'input'");
            goto fail;
        }
        I->t = calloc(ntargets, sizeof *I->t);
        if (!I->t) {
            rc = oom(&c);
            goto fail;
        }
        I->ndocs = 1;
        if ((rc = load_doc(&c, &I->docs[0], s->input)))
            goto fail;
        snprintf(I->docs[0].name, sizeof I->docs[0].name, "%s", I->docs[0].show);
        for (size_t i = 0; i < na; i++) {
            if (s->axes[i].kind != GS_SWEEP_FIELD)
                continue;
            int di = 0;
            if (src[i].in && (rc = link_doc(&c, src[i].in, &s->axes[i].mark, &di)))
                goto fail;
            if (!src[i].set) {
                if ((rc = add_target(&c, i, di, src[i].field, NULL, &s->axes[i].mark)))
                    goto fail;
                continue;
            }
            for (yaml_node_pair_t *p = src[i].set->data.mapping.pairs.start; p < src[i].set->data.mapping.pairs.top; p++) {
                yaml_node_t *k = yaml_document_get_node(&I->spec, p->key), *v = yaml_document_get_node(&I->spec, p->value);
                char sp[GS__YAML_PATH_LEN], found[96];
                gs_sweep_mark m;
                const char *kt = gs__yaml_scalar(k), *vt = gs__yaml_scalar(v);
                gs__yaml_path_cut(sp, src[i].path, "set");
                if (kt)
                    gs__yaml_path_cut(sp, sp, kt);
                set_mark(&m, k, sp);
                if (!kt || !vt || !strstr(vt, "{}")) {
                    gs__yaml_describe(v, found, sizeof found);
                    rc = gs__yaml_fail(&c.y, v, sp, "expected a template holding {} (quoted: \"prices/{}/*.csv\"), "
                                       "found %s", found);
                    goto fail;
                }
                if ((rc = add_target(&c, i, di, kt, vt, &m)))
                    goto fail;
            }
        }
        if ((rc = check_overlaps(&c)))
            goto fail;
    }
    if ((rc = read_collect(&c, root)) || (rc = check_columns(&c)))
        goto fail;
    /* ${GS_SHARED} as the input (else SWEEP.yaml) would see it */
    char sh[GS_SWEEP_PATH_MAX];
    gs__expand_shared("${GS_SHARED}", s->input[0] ? s->input : path, sh, sizeof sh);
    if (make_abs(sh, s->shared, sizeof s->shared) < 0)
        snprintf(s->shared, sizeof s->shared, "%s", sh);
    free(src);
    *out = s;
    return GS_OK;
fail:
    free(src);
    gs_sweep_free(s);
    return rc ? rc : GS_EINPUT;
}

void gs_sweep_free(gs_sweep *s)
{
    if (!s)
        return;
    struct gs__sweep_in *I = s->in;
    for (size_t i = 0; i < s->naxes; i++) {
        gs_sweep_axis *a = &s->axes[i];
        for (size_t v = 0; v < a->nvalues; v++) {
            if (a->cells)
                gs_sweep_cell_clear(&a->cells[v]);
            if (a->arg)
                free(a->arg[v]);
        }
        free(a->cells);
        free(a->arg);
        free(a->is_bool);
        free(a->vmark);
        if (I && I->value_node)
            free(I->value_node[i]);
    }
    free(s->axes);
    for (size_t i = 0; i < s->nargs; i++)
        free(s->args[i]);
    free(s->args);
    free(s->args_mark);
    for (size_t i = 0; i < s->ncollect; i++) {
        free(s->collect_path[i]);
        if (I && I->collect)
            fpath_free(&I->collect[i]);
    }
    free(s->collect_name);
    free(s->collect_path);
    if (I) {
        free(I->value_node);
        free(I->collect);
        for (size_t i = 0; i < I->nt; i++) {
            free(I->t[i].append);
            free(I->t[i].tmpl);
        }
        free(I->t);
        for (size_t d = 0; d < I->ndocs; d++) {
            for (size_t k = 0; I->docs[d].rewrite && k < I->docs[d].nnodes; k++)
                free(I->docs[d].rewrite[k]);
            free(I->docs[d].rewrite);
            if (I->docs[d].loaded)
                yaml_document_delete(&I->docs[d].doc);
        }
        if (I->spec_loaded)
            yaml_document_delete(&I->spec);
        free(I);
    }
    free(s);
}

void gs_sweep_case_values(const gs_sweep *s, size_t c, size_t *vidx)
{
    for (size_t a = s->naxes; a-- > 0;) {
        vidx[a] = c % s->axes[a].nvalues;
        c /= s->axes[a].nvalues;
    }
}

/* ---- a case's files ---- */

typedef struct cctx {
    const gs_sweep *s;
    const size_t *vidx;
    char (*linkpath)[GS_SWEEP_PATH_MAX + GS_SWEEP_NAME_MAX + 40];
    int failed;
} cctx;

/* Add scalar text to dst, made absolute when it is a relative path of a file in dir. */
static int add_scalar(cctx *cc, yaml_document_t *dst, const char *text, yaml_scalar_style_t style,
                      const yaml_char_t *tag, const char *dir)
{
    char *abs = NULL;
    if (dir && relative_path(dir, text, &abs) < 0) {
        cc->failed = 1;
        return 0;
    }
    const char *t = abs ? abs : text;
    int r = yaml_document_add_scalar(dst, (yaml_char_t *)tag, (const yaml_char_t *)t, (int)strlen(t),
                                     abs ? YAML_ANY_SCALAR_STYLE : style);
    free(abs);
    if (!r)
        cc->failed = 1;
    return r;
}

/* Copy node idx of SWEEP.yaml (an axis value) into dst; relative paths as in directory dir. */
static int copy_spec(cctx *cc, yaml_document_t *dst, int idx, const char *dir, int depth)
{
    yaml_document_t *sd = &cc->s->in->spec;
    yaml_node_t *n = yaml_document_get_node(sd, idx);
    if (!n || depth > MAX_DEPTH) {
        cc->failed = 1;
        return 0;
    }
    if (n->type == YAML_SCALAR_NODE)
        return add_scalar(cc, dst, (const char *)n->data.scalar.value, n->data.scalar.style, NULL, dir);
    if (n->type == YAML_SEQUENCE_NODE) {
        int q = yaml_document_add_sequence(dst, NULL, n->data.sequence.style);
        for (yaml_node_item_t *i = n->data.sequence.items.start; q && i < n->data.sequence.items.top; i++) {
            int v = copy_spec(cc, dst, *i, dir, depth + 1);
            if (!v || !yaml_document_append_sequence_item(dst, q, v))
                q = 0;
        }
        if (!q)
            cc->failed = 1;
        return q;
    }
    int m = yaml_document_add_mapping(dst, NULL, n->data.mapping.style);
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; m && p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(sd, p->key);
        int kk = k && k->type == YAML_SCALAR_NODE
                     ? add_scalar(cc, dst, (const char *)k->data.scalar.value, k->data.scalar.style, NULL, NULL)
                     : copy_spec(cc, dst, p->key, NULL, depth + 1);
        int v = kk ? copy_spec(cc, dst, p->value, dir, depth + 1) : 0;
        if (!v || !yaml_document_append_mapping_pair(dst, m, kk, v))
            m = 0;
    }
    if (!m)
        cc->failed = 1;
    return m;
}

/* The node target t puts into dst for this case. */
static int target_value(cctx *cc, yaml_document_t *dst, const target *t)
{
    const struct gs__sweep_in *I = cc->s->in;
    const char *dir = I->docs[t->doc].dir;
    if (t->axis < 0)
        return add_scalar(cc, dst, cc->linkpath[t->link], YAML_ANY_SCALAR_STYLE, NULL, NULL);
    int vi = I->value_node[t->axis][cc->vidx[t->axis]];
    if (!t->tmpl)
        return copy_spec(cc, dst, vi, dir, 0);
    const char *val = scalar_of(&cc->s->in->spec, vi);
    sbuf b = {0};
    for (const char *p = t->tmpl; *p;) {
        const char *h = strstr(p, "{}");
        if (!h) {
            sb_str(&b, p);
            break;
        }
        sb_add(&b, p, (size_t)(h - p));
        sb_str(&b, val ? val : "");
        p = h + 2;
    }
    char *text = sb_take(&b);
    if (!text) {
        cc->failed = 1;
        return 0;
    }
    int r = add_scalar(cc, dst, text, YAML_ANY_SCALAR_STYLE, NULL, dir);
    free(text);
    return r;
}

static const target *find_target(const struct gs__sweep_in *I, int doc, int container, size_t pos)
{
    for (size_t i = 0; i < I->nt; i++)
        if (I->t[i].doc == doc && I->t[i].container == container && !I->t[i].append && I->t[i].pos == pos)
            return &I->t[i];
    return NULL;
}

/* Copy node idx of document di into dst with this case's fields set. */
static int copy_doc(cctx *cc, int di, yaml_document_t *dst, int idx, int depth)
{
    const struct gs__sweep_in *I = cc->s->in;
    const sdoc *d = &I->docs[di];
    yaml_node_t *n = yaml_document_get_node((yaml_document_t *)&d->doc, idx);
    if (!n || depth > MAX_DEPTH) {
        cc->failed = 1;
        return 0;
    }
    if (n->type == YAML_SCALAR_NODE) {
        const char *rw = d->rewrite[idx - 1];
        int r = yaml_document_add_scalar(dst, n->tag, (const yaml_char_t *)(rw ? rw : (const char *)n->data.scalar.value),
                                         -1, rw ? YAML_ANY_SCALAR_STYLE : n->data.scalar.style);
        if (!r)
            cc->failed = 1;
        return r;
    }
    if (n->type == YAML_SEQUENCE_NODE) {
        int q = yaml_document_add_sequence(dst, n->tag, n->data.sequence.style);
        size_t pos = 0;
        for (yaml_node_item_t *i = n->data.sequence.items.start; q && i < n->data.sequence.items.top; i++, pos++) {
            const target *t = find_target(I, di, idx, pos);
            int v = t ? target_value(cc, dst, t) : copy_doc(cc, di, dst, *i, depth + 1);
            if (!v || !yaml_document_append_sequence_item(dst, q, v))
                q = 0;
        }
        if (!q)
            cc->failed = 1;
        return q;
    }
    int m = yaml_document_add_mapping(dst, n->tag, n->data.mapping.style);
    size_t pos = 0;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; m && p < n->data.mapping.pairs.top; p++, pos++) {
        const target *t = find_target(I, di, idx, pos);
        yaml_node_t *k = yaml_document_get_node((yaml_document_t *)&d->doc, p->key);
        int kk = k && k->type == YAML_SCALAR_NODE
                     ? yaml_document_add_scalar(dst, k->tag, k->data.scalar.value, -1, k->data.scalar.style)
                     : copy_doc(cc, di, dst, p->key, depth + 1);
        int v = kk ? (t ? target_value(cc, dst, t) : copy_doc(cc, di, dst, p->value, depth + 1)) : 0;
        if (!v || !yaml_document_append_mapping_pair(dst, m, kk, v))
            m = 0;
    }
    for (size_t i = 0; m && i < I->nt; i++) {
        const target *t = &I->t[i];
        if (t->doc != di || t->container != idx || !t->append)
            continue;
        int kk = yaml_document_add_scalar(dst, NULL, (const yaml_char_t *)t->append, -1, YAML_ANY_SCALAR_STYLE);
        int v = kk ? target_value(cc, dst, t) : 0;
        if (!v || !yaml_document_append_mapping_pair(dst, m, kk, v))
            m = 0;
    }
    if (!m)
        cc->failed = 1;
    return m;
}

static int emit_out(void *data, unsigned char *buffer, size_t size)
{
    sbuf *b = data;
    sb_add(b, (const char *)buffer, size);
    return !b->oom;
}

/* Emit document di for this case into f. */
static int emit_doc(cctx *cc, int di, gs_sweep_file *f, gs_error *err)
{
    const sdoc *d = &cc->s->in->docs[di];
    yaml_document_t out;
    if (!yaml_document_initialize(&out, NULL, NULL, NULL, 1, 1))
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    cc->failed = 0;
    copy_doc(cc, di, &out, 1, 0);
    if (cc->failed) {
        yaml_document_delete(&out);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    yaml_emitter_t em;
    sbuf b = {0};
    sb_str(&b, "# gridsplit sweep: a case of ");
    sb_str(&b, d->file);
    sb_str(&b, "\n");
    if (!yaml_emitter_initialize(&em)) {
        yaml_document_delete(&out);
        free(b.p);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    yaml_emitter_set_output(&em, emit_out, &b);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_width(&em, -1);
    int ok = yaml_emitter_open(&em) && yaml_emitter_dump(&em, &out) && yaml_emitter_close(&em) &&
             yaml_emitter_flush(&em);
    char problem[256];
    snprintf(problem, sizeof problem, "%s", em.problem ? em.problem : "unknown");
    yaml_emitter_delete(&em);
    if (!ok || b.oom) {
        free(b.p);
        if (!ok)
            return gs_error_set(err, GS_ERUNTIME, d->file, 0, 0, NULL, "libyaml could not write the case: %s",
                                problem);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    f->text = b.p;
    f->len = b.len;
    snprintf(f->name, sizeof f->name, "%s", d->name);
    return GS_OK;
}

void gs_sweep_files_free(gs_sweep_file *f, size_t n)
{
    for (size_t i = 0; f && i < n; i++)
        free(f[i].text);
    free(f);
}

int gs_sweep_case_files(const gs_sweep *s, size_t c, const char *dir, gs_sweep_file **files,
                        size_t *n, gs_error *err)
{
    *files = NULL;
    *n = 0;
    if (!s->nfield_axes)
        return GS_OK;
    const struct gs__sweep_in *I = s->in;
    size_t vidx[GS_SWEEP_MAX_AXES];
    gs_sweep_case_values(s, c, vidx);
    char(*links)[GS_SWEEP_PATH_MAX + GS_SWEEP_NAME_MAX + 40] = calloc(I->ndocs, sizeof *links);
    gs_sweep_file *f = calloc(I->ndocs, sizeof *f);
    if (!links || !f) {
        free(links);
        free(f);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t d = 1; d < I->ndocs; d++)
        snprintf(links[d], sizeof links[d], "%s/%s", dir, I->docs[d].name);
    cctx cc = {.s = s, .vidx = vidx, .linkpath = links};
    int rc = GS_OK;
    /* the files it names first, then the input (the first of the list) */
    for (size_t k = 0; k < I->ndocs && !rc; k++)
        rc = emit_doc(&cc, (int)k, &f[k], err);
    free(links);
    if (rc) {
        gs_sweep_files_free(f, I->ndocs);
        return rc;
    }
    *files = f;
    *n = I->ndocs;
    return GS_OK;
}

int gs_sweep_case_input(const gs_sweep *s, const char *dir, char *out, size_t len)
{
    int k;
    if (!s->input[0])
        k = snprintf(out, len, "%s", "");
    else if (!s->nfield_axes)
        k = snprintf(out, len, "%s", s->input);
    else
        k = snprintf(out, len, "%s/%s", dir, s->in->docs[0].name);
    return k >= 0 && (size_t)k < len ? 0 : -1;
}

/* ---- results ---- */

/* Follow p in JSON value v: the value, or NULL when absent. */
static const json_t *json_walk(const json_t *v, const fpath *p)
{
    for (size_t i = 0; v && i < p->n; i++) {
        const seg *s = &p->s[i];
        if (s->kind == SEG_KEY) {
            if (json_is_object(v)) {
                v = json_object_get(v, s->key);
            } else if (json_is_array(v) && s->ptr && s->key[0] &&
                       strspn(s->key, "0123456789") == strlen(s->key) &&
                       (s->key[0] != '0' || !s->key[1]) && strlen(s->key) < 10) {
                v = json_array_get(v, (size_t)strtoul(s->key, NULL, 10));
            } else {
                v = NULL;
            }
        } else if (s->kind == SEG_INDEX) {
            v = json_is_array(v) ? json_array_get(v, s->index) : NULL;
        } else {
            const json_t *hit = NULL;
            if (json_is_array(v))
                for (size_t k = 0; k < json_array_size(v) && !hit; k++) {
                    const json_t *it = json_array_get(v, k), *x = json_object_get(it, s->key);
                    char num[64];
                    if (json_is_string(x) && !strcmp(json_string_value(x), s->val))
                        hit = it;
                    else if (json_is_integer(x)) {
                        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(x));
                        if (!strcmp(num, s->val))
                            hit = it;
                    }
                }
            v = hit;
        }
    }
    return v;
}

int gs_sweep_pick(const gs_sweep *s, const char *path, gs_sweep_cell *cells, gs_error *err)
{
    for (size_t i = 0; i < s->ncollect; i++)
        cells[i] = (gs_sweep_cell){0};
    json_error_t je;
    struct stat st;
    if (stat(path, &st) != 0)
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL, "no such file (the command wrote no %s)",
                            s->result);
    json_t *root = json_load_file(path, JSON_DECODE_ANY, &je);
    if (!root)
        return gs_error_set(err, GS_EINPUT, path, je.line, je.column, NULL, "expected JSON: %s", je.text);
    int rc = GS_OK;
    for (size_t i = 0; i < s->ncollect && !rc; i++) {
        const json_t *v = json_walk(root, &s->in->collect[i]);
        sbuf j = {0}, t = {0};
        if (v) {
            json_text(&j, v, 0);
            if (json_is_string(v))
                sb_str(&t, json_string_value(v));
            else if (!json_is_null(v))
                sb_add(&t, j.p ? j.p : "", j.len);
        } else {
            sb_str(&j, "null");
        }
        cells[i].json = sb_take(&j);
        cells[i].csv = sb_take(&t);
        cells[i].present = v != NULL;
        if (!cells[i].json || !cells[i].csv)
            rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    json_decref(root);
    if (rc)
        for (size_t i = 0; i < s->ncollect; i++)
            gs_sweep_cell_clear(&cells[i]);
    return rc;
}

int gs_sweep_read_status(const char *path, gs_sweep_status *st, gs_error *err)
{
    struct stat sb;
    *st = (gs_sweep_status){.exit_code = -1};
    if (stat(path, &sb) != 0)
        return 0;
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root)
        return gs_error_set(err, GS_EINPUT, path, je.line, je.column, NULL, "expected a case status: %s",
                            je.text);
    json_t *e = json_object_get(root, "exit"), *sg = json_object_get(root, "signal"),
           *sec = json_object_get(root, "seconds");
    int rc = 1;
    if (!json_is_integer(e) || !json_is_integer(sg))
        rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL, "expected a case status with \"exit\" and "
                          "\"signal\" numbers");
    else {
        st->exit_code = (int)json_integer_value(e);
        st->signal = (int)json_integer_value(sg);
        st->seconds = json_is_number(sec) ? json_number_value(sec) : 0;
    }
    json_decref(root);
    return rc;
}
