/* yaml_util.c: the helpers the YAML readers share (src/read/yaml_util.h). */
#include "read/yaml_util.h"
#include "read/reader.h"
#include "model/text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- nodes ---- */

yaml_node_t *gs__yaml_node(const gs__yaml *y, int idx)
{
    return yaml_document_get_node(y->doc, idx);
}

yaml_node_t *gs__yaml_item(const gs__yaml *y, const yaml_node_t *seq, size_t i)
{
    return gs__yaml_node(y, seq->data.sequence.items.start[i]);
}

int gs__yaml_is_null(const yaml_node_t *n)
{
    if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *v = (const char *)n->data.scalar.value;
    return !v[0] || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL");
}

const char *gs__yaml_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

void gs__yaml_describe(const yaml_node_t *n, char *buf, size_t len)
{
    if (!n || gs__yaml_is_null(n))
        snprintf(buf, len, "nothing");
    else if (n->type == YAML_MAPPING_NODE)
        snprintf(buf, len, "a mapping");
    else if (n->type == YAML_SEQUENCE_NODE)
        snprintf(buf, len, "a list");
    else {
        const char *v = gs__yaml_scalar(n);
        if (strlen(v) > 60)
            snprintf(buf, len, "'%.60s...'", v);
        else
            snprintf(buf, len, "'%s'", v);
    }
}

yaml_node_t *gs__yaml_get(const gs__yaml *y, const yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *name = gs__yaml_scalar(gs__yaml_node(y, p->key));
        if (name && !strcmp(name, key)) {
            yaml_node_t *v = gs__yaml_node(y, p->value);
            return y->catalog_style && gs__yaml_is_null(v) ? NULL : v;
        }
    }
    return NULL;
}

/* ---- errors and suggestions ---- */

int gs__yaml_fail(const gs__yaml *y, const yaml_node_t *n, const char *path, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return gs_error_set(y->err, GS_EINPUT, y->file, n ? (int)n->start_mark.line + 1 : 0,
                        n ? (int)n->start_mark.column + 1 : 0, path, "%s", msg);
}

/* ---- field paths ---- */

/* Concatenate up to three strings into out (GS__YAML_PATH_LEN bytes); -1 when it does not fit. */
static int cat3(char *out, const char *a, const char *b, const char *c3)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c3);
    if (la + lb + lc >= GS__YAML_PATH_LEN) {
        out[0] = '\0';
        return -1;
    }
    memmove(out, a, la);
    memcpy(out + la, b, lb);
    memcpy(out + la + lb, c3, lc + 1);
    return 0;
}

int gs__yaml_path(char *out, const char *base, const char *key)
{
    char b[GS__YAML_PATH_LEN];
    memcpy(b, base, strlen(base) < GS__YAML_PATH_LEN ? strlen(base) + 1 : 1);
    if (strlen(base) >= GS__YAML_PATH_LEN)
        b[0] = '\0';
    return cat3(out, b, b[0] ? "." : "", key);
}

void gs__yaml_path_cut(char *out, const char *base, const char *key)
{
    size_t o = 0;
    for (const char *s = base; *s && o + 1 < GS__YAML_PATH_LEN; s++)
        out[o++] = *s;
    if (base[0] && o + 1 < GS__YAML_PATH_LEN)
        out[o++] = '.';
    for (const char *s = key; *s && o + 1 < GS__YAML_PATH_LEN; s++)
        out[o++] = *s;
    out[o] = '\0';
}

int gs__yaml_index(char *out, const char *base, size_t i)
{
    char b[GS__YAML_PATH_LEN], num[32];
    memcpy(b, base, strlen(base) < GS__YAML_PATH_LEN ? strlen(base) + 1 : 1);
    if (strlen(base) >= GS__YAML_PATH_LEN)
        b[0] = '\0';
    int k = snprintf(num, sizeof num, "[%zu]", i);
    if (k < 0)
        return -1;
    return cat3(out, b, num, "");
}

/* ---- fields ---- */

int gs__yaml_check_map(const gs__yaml *y, const yaml_node_t *n, const char *path, const char *what,
                       const char *const *keys)
{
    char found[96];
    if (!n || n->type != YAML_MAPPING_NODE) {
        gs__yaml_describe(n, found, sizeof found);
        return gs__yaml_fail(y, n, path, "expected %s, found %s", what, found);
    }
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = gs__yaml_node(y, p->key);
        const char *name = gs__yaml_scalar(k);
        if (!name) {
            gs__yaml_describe(k, found, sizeof found);
            return gs__yaml_fail(y, k, path, "expected a key name, found %s", found);
        }
        int known = 0;
        for (size_t i = 0; keys[i]; i++)
            known |= !strcmp(keys[i], name);
        if (!known) {
            char all[768];
            gs__join_words(keys, all, y->catalog_style ? sizeof all : 512);
            const char *best = gs__nearest_word(keys, name);
            if (y->catalog_style && best)
                return gs__yaml_fail(y, k, path, "unknown key '%s' (did you mean '%s'?); expected one of: %s",
                                     name, best, all);
            if (y->catalog_style)
                return gs__yaml_fail(y, k, path, "unknown key '%s'; expected one of: %s", name, all);
            if (best)
                return gs__yaml_fail(y, k, path, "unknown key '%s' (did you mean '%s'?)", name, best);
            return gs__yaml_fail(y, k, path, "unknown key '%s' (expected one of: %s)", name, all);
        }
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
            const char *prev = gs__yaml_scalar(gs__yaml_node(y, q->key));
            if (prev && !strcmp(prev, name)) {
                if (y->catalog_style)
                    return gs__yaml_fail(y, k, path, "key '%s' appears twice", name);
                return gs__yaml_fail(y, k, path, "duplicate key '%s' (first given at line %d)", name,
                                     (int)gs__yaml_node(y, q->key)->start_mark.line + 1);
            }
        }
    }
    return GS_OK;
}

int gs__yaml_lookup(gs__yaml *y, const yaml_node_t *map, const char *base, const char *key, int req,
                    const char *what, char *path, yaml_node_t **v)
{
    if (!y->strict_paths)
        gs__yaml_path_cut(path, base, key);
    else if (gs__yaml_path(path, base, key))
        return gs__yaml_fail(y, map, base, "the field path is too deep or too long to report");
    *v = gs__yaml_get(y, map, key);
    if (!*v) {
        if (req)
            return gs__yaml_fail(y, map, base, "missing required key '%s' (%s)", key, what);
        return 0;
    }
    if (y->on_field)
        y->on_field(y, path, *v);
    return 1;
}

int gs__yaml_number(const yaml_node_t *v, double *out)
{
    const char *s = gs__yaml_scalar(v);
    if (!s || gs__yaml_is_null(v) || !s[0])
        return -1;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (end == s || *end || errno == ERANGE || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}

int gs__yaml_get_num(gs__yaml *y, const yaml_node_t *map, const char *base, const char *key, int req,
                     double *out)
{
    char path[GS__YAML_PATH_LEN], found[96];
    yaml_node_t *v;
    int rc = gs__yaml_lookup(y, map, base, key, req, "a number", path, &v);
    if (rc <= 0)
        return rc;
    if (gs__yaml_number(v, out)) {
        gs__yaml_describe(v, found, sizeof found);
        return gs__yaml_fail(y, v, path, "expected a number, found %s", found);
    }
    return 1;
}

int gs__yaml_get_str(gs__yaml *y, const yaml_node_t *map, const char *base, const char *key, int req,
                     char *out, size_t len)
{
    char path[GS__YAML_PATH_LEN], found[96];
    yaml_node_t *v;
    int rc = gs__yaml_lookup(y, map, base, key, req, "a string", path, &v);
    if (rc <= 0)
        return rc;
    const char *s = gs__yaml_scalar(v);
    if (!s || gs__yaml_is_null(v)) {
        gs__yaml_describe(v, found, sizeof found);
        return gs__yaml_fail(y, v, path, "expected a string, found %s", found);
    }
    if (strlen(s) >= len) {
        gs__yaml_describe(v, found, sizeof found);
        return gs__yaml_fail(y, v, path, "expected a string of at most %zu characters, found %s", len - 1,
                             found);
    }
    memcpy(out, s, strlen(s) + 1);
    return 1;
}

int gs__yaml_get_list(gs__yaml *y, const yaml_node_t *map, const char *base, const char *key, int req,
                      const char *what, yaml_node_t **seq, size_t *n)
{
    char path[GS__YAML_PATH_LEN], found[96];
    *n = 0;
    int rc = gs__yaml_lookup(y, map, base, key, req, what, path, seq);
    if (rc <= 0)
        return rc;
    if ((*seq)->type != YAML_SEQUENCE_NODE) {
        gs__yaml_describe(*seq, found, sizeof found);
        return gs__yaml_fail(y, *seq, path, "expected %s, found %s", what, found);
    }
    *n = (size_t)((*seq)->data.sequence.items.top - (*seq)->data.sequence.items.start);
    return 1;
}

/* ---- files ---- */

void gs__yaml_set_dir(gs__yaml *y, const char *path)
{
    snprintf(y->dir, sizeof y->dir, "%s", path);
    char *slash = strrchr(y->dir, '/');
    if (slash)
        *(slash == y->dir ? slash + 1 : slash) = '\0';
    else
        snprintf(y->dir, sizeof y->dir, ".");
}

/* The nearest "shared" directory beside y->dir or one of its ancestors, else ../shared. */
static void default_shared(const gs__yaml *y, char *out, size_t len)
{
    char dir[GS_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", y->dir);
    if (dir[0] != '/') {
        char cwd[GS_PATH_MAX], tmp[GS_PATH_MAX];
        if (getcwd(cwd, sizeof cwd)) {
            int k = snprintf(tmp, sizeof tmp, "%s/%s", cwd, dir);
            if (k > 0 && (size_t)k < sizeof tmp)
                memcpy(dir, tmp, (size_t)k + 1);
        }
    }
    for (;;) {
        char cand[GS_PATH_MAX];
        struct stat st;
        int k = snprintf(cand, sizeof cand, "%s/../shared", dir);
        if (k > 0 && (size_t)k < sizeof cand && stat(cand, &st) == 0 && S_ISDIR(st.st_mode)) {
            snprintf(out, len, "%s", cand);
            return;
        }
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            break;
        *slash = '\0';
    }
    snprintf(out, len, "../shared");
}

void gs__expand_shared(const char *raw, const char *near_file, char *out, size_t len)
{
    const char *key = "${GS_SHARED}", *p = strstr(raw, key);
    if (!p) {
        snprintf(out, len, "%s", raw);
        return;
    }
    char shared[GS_PATH_MAX];
    const char *env = getenv("GS_SHARED");
    if (env && env[0]) {
        snprintf(shared, sizeof shared, "%s", env);
    } else {
        gs__yaml y;
        memset(&y, 0, sizeof y);
        gs__yaml_set_dir(&y, near_file);
        default_shared(&y, shared, sizeof shared);
    }
    snprintf(out, len, "%.*s%s%s", (int)(p - raw), raw, shared, p + strlen(key));
}

int gs__yaml_expand_path(const gs__yaml *y, const yaml_node_t *v, const char *path, const char *raw,
                         char *out, size_t len)
{
    char buf[GS_PATH_MAX * 2];
    size_t used = 0;
    const char *p = raw;
    while (*p) {
        if (p[0] == '$' && p[1] == '{') {
            const char *close = strchr(p + 2, '}');
            if (!close)
                return gs__yaml_fail(y, v, path, "expected a path with ${NAME} variables, found an unclosed '${' in '%s'", raw);
            char name[128], shared[GS_PATH_MAX];
            size_t nl = (size_t)(close - p - 2);
            if (nl == 0 || nl >= sizeof name)
                return gs__yaml_fail(y, v, path, "expected a variable name inside ${...}, found '%s'", raw);
            memcpy(name, p + 2, nl);
            name[nl] = '\0';
            const char *val = getenv(name);
            if ((!val || !val[0]) && !strcmp(name, "GS_SHARED")) {
                default_shared(y, shared, sizeof shared);
                val = shared;
            }
            if (!val)
                return gs__yaml_fail(y, v, path, "environment variable '%s' is not set (used in '%s')", name, raw);
            size_t vl = strlen(val);
            if (used + vl >= sizeof buf)
                return gs__yaml_fail(y, v, path, "expected a path of at most %d characters after expansion", GS_PATH_MAX - 1);
            memcpy(buf + used, val, vl);
            used += vl;
            p = close + 1;
        } else {
            if (used + 1 >= sizeof buf)
                return gs__yaml_fail(y, v, path, "expected a path of at most %d characters after expansion", GS_PATH_MAX - 1);
            buf[used++] = *p++;
        }
    }
    buf[used] = '\0';
    int k;
    /* a path that starts with a variable is taken as the variable gives it (relative to the
     * current directory if relative); other relative paths are relative to the file's */
    if (buf[0] == '/' || raw[0] == '$' || !y->dir[0] || !strcmp(y->dir, "."))
        k = snprintf(out, len, "%s", buf);
    else
        k = snprintf(out, len, "%s/%s", y->dir, buf);
    if (k < 0 || (size_t)k >= len)
        return gs__yaml_fail(y, v, path, "expected a path of at most %zu characters after expansion, found '%s'", len - 1, raw);
    return GS_OK;
}

/* libyaml's input from a file, counting: more than GS__YAML_MAX_BYTES is an error (the
 * handler fails; gs__yaml_load then names the limit). */
typedef struct yaml_input {
    FILE *fp;
    size_t read;
    int over;
} yaml_input;

static int yaml_read_capped(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
    yaml_input *in = data;
    *size_read = fread(buffer, 1, size, in->fp);
    in->read += *size_read;
    if (in->read > GS__YAML_MAX_BYTES) {
        in->over = 1;
        return 0;
    }
    return !ferror(in->fp);
}

int gs__yaml_load(const char *path, const char *text, size_t len, int detail, yaml_document_t *doc,
                  gs_error *err)
{
    yaml_parser_t parser;
    FILE *fp = NULL;
    yaml_input in = {0};
    if (!text && gs__path_check(path, err) != GS_OK)
        return err ? err->code : GS_EINPUT;
    if (text && len > GS__YAML_MAX_BYTES)
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                            "expected a YAML document of at most %zu MiB, found %zu bytes",
                            GS__YAML_MAX_BYTES >> 20, len);
    if (!yaml_parser_initialize(&parser))
        return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
    if (text) {
        yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    } else {
        fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
        if (!fp) {
            int e = errno;
            yaml_parser_delete(&parser);
            return gs_error_set(err, e == ENOENT ? GS_EINPUT : GS_EIO, path, 0, 0, NULL,
                                "cannot open the file: %s", strerror(e));
        }
        in.fp = fp;
        yaml_parser_set_input(&parser, yaml_read_capped, &in);
    }
    int rc = GS_OK;
    if (!yaml_parser_load(&parser, doc)) {
        const char *problem = parser.problem ? parser.problem : "unknown problem";
        if (in.over)
            rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                              "expected a YAML document of at most %zu MiB, found more",
                              GS__YAML_MAX_BYTES >> 20);
        else if (parser.error == YAML_MEMORY_ERROR)
            rc = gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
        else if (detail && parser.error == YAML_READER_ERROR)
            rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                              "YAML syntax error: %s (at byte %zu; expected UTF-8 text)", problem,
                              parser.problem_offset);
        else if (detail && parser.context)
            rc = gs_error_set(err, GS_EINPUT, path, (int)parser.problem_mark.line + 1,
                              (int)parser.problem_mark.column + 1, NULL,
                              "YAML syntax error: %s (%s started at line %d)", problem, parser.context,
                              (int)parser.context_mark.line + 1);
        else
            rc = gs_error_set(err, GS_EINPUT, path, (int)parser.problem_mark.line + 1,
                              (int)parser.problem_mark.column + 1, NULL, "YAML syntax error: %s", problem);
    }
    yaml_parser_delete(&parser);
    if (fp && fp != stdin)
        fclose(fp);
    return rc;
}
