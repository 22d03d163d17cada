/* opts.c: the subcommands' options from one declaration each (opts.h): the parse of argv (no
 * getopt: no global state, no abbreviations), the checks of types, units, ranges, paths, modes,
 * conditions, groups and positional arguments, the typed values, and the --help text. Also the
 * one check of an input path that every reader makes (gs_cli_check_input_path). */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/opts.h"
#include "read/reader.h"
#include "gridsplit/duration.h"
#include "gridsplit/time.h"

#define WIDTH 80          /* of the --help text */
#define OPT_COL_MAX 30    /* help column of the option list at most */
#define LIST_MAX 64       /* items of a LIST when .max_items is 0 */
#define ITEM_MAX 1024     /* longest LIST item or PAIR key parsed (through a stack buffer) */
#define NAME_MAX_LEN 48   /* longest option name */
#define META_MAX_LEN 40   /* longest metavar */
#define HELP_BUF 2048     /* one option's help with its notes */
#define NBSP '\x1f'        /* in --help text: a space the wrapping does not break at */

/* ---- the result ---- */

typedef struct slot {
    int given;        /* times on the command line; 1 when set by a shorthand */
    int via;          /* the shorthand option that set it, -1 */
    const char *text; /* value in effect: argv, the declaration's default or shorthand */
    int choice;       /* CHOICE (INPUT): index in .choices, -1 */
    double num;       /* NUM, INT, DURATION, STEP (seconds), PAIR (last number) */
    int64_t i;        /* INT, STEP, TIME */
    size_t nitems;    /* LIST */
} slot;

typedef struct occ {
    int opt;
    const char *text;
} occ;

struct gs_opts {
    const gs_cmd_decl *d;
    size_t nopts;
    slot *slot;
    occ *occ;
    size_t nocc;
    const char **args;
    size_t nargs;
    const char *mode;
    FILE *err;
};

/* a parsed value, before it lands in a slot */
typedef struct val {
    int choice;
    double num;
    int64_t i;
    size_t nitems;
} val;

/* what the checks of a value may use */
typedef struct ctx {
    gs_clock_fn now;
    void *now_ctx;
    int fs; /* check the file system (given values); 0 for defaults and validation */
} ctx;

static int64_t system_now(void *unused)
{
    (void)unused;
    return (int64_t)time(NULL);
}

/* ---- small text helpers ---- */

static size_t count_opts(const gs_cmd_decl *d)
{
    size_t n = 0;
    while (d->opts && d->opts[n].name)
        n++;
    return n;
}

static int find_opt(const gs_cmd_decl *d, const char *name, size_t len)
{
    for (size_t k = 0; d->opts && d->opts[k].name; k++)
        if (strlen(d->opts[k].name) == len && memcmp(d->opts[k].name, name, len) == 0)
            return (int)k;
    return -1;
}

/* The next word of a list separated by sep (spaces also end a word when sep is ' '): returns
 * its start and *len, or NULL at the end; *p advances. */
static const char *next_word(const char **p, char sep, size_t *len)
{
    const char *s = *p;
    while (*s == ' ' || (sep != ' ' && *s == sep))
        s++;
    if (!*s)
        return NULL;
    const char *e = s;
    while (*e && *e != sep && *e != ' ')
        e++;
    *len = (size_t)(e - s);
    *p = e;
    return s;
}

/* Index of word w (wlen bytes) in list (separated by sep), -1 when absent. */
static int word_index(const char *list, char sep, const char *w, size_t wlen)
{
    const char *p = list ? list : "";
    size_t len;
    int k = 0;
    for (const char *s; (s = next_word(&p, sep, &len)); k++)
        if (len == wlen && memcmp(s, w, len) == 0)
            return k;
    return -1;
}

static int count_words(const char *list, char sep)
{
    const char *p = list ? list : "";
    size_t len;
    int n = 0;
    while (next_word(&p, sep, &len))
        n++;
    return n;
}

/* Bounded appends to a buffer. */
typedef struct buf {
    char *s;
    size_t cap, len;
} buf;

static void bput(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bput(buf *b, const char *fmt, ...)
{
    if (b->len >= b->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->len = (size_t)n < b->cap - b->len ? b->len + (size_t)n : b->cap;
}

/* "a", "a or b", "a, b or c" from a word list; prefix before each word ("--" for options). */
static void bput_words(buf *b, const char *list, char sep, const char *prefix)
{
    int n = count_words(list, sep), k = 0;
    const char *p = list;
    size_t len;
    for (const char *s; (s = next_word(&p, sep, &len)); k++)
        bput(b, "%s%s%.*s", k == 0 ? "" : k == n - 1 ? " or " : ", ", prefix, (int)len, s);
}

static int set_err(gs_error *err, gs_err code, const char *field, const char *file,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int set_err(gs_error *err, gs_err code, const char *field, const char *file,
                   const char *fmt, ...)
{
    if (!err)
        return code;
    memset(err, 0, sizeof *err);
    err->code = code;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

static const char *type_metavar(gs_opt_type t)
{
    switch (t) {
    case GS_OPT_STRING: return "TEXT";
    case GS_OPT_INT: return "N";
    case GS_OPT_NUM: return "X";
    case GS_OPT_DURATION: return "DURATION";
    case GS_OPT_STEP: return "STEP";
    case GS_OPT_TIME: return "TIME";
    case GS_OPT_INPUT: return "FILE";
    case GS_OPT_INDIR: return "DIR";
    case GS_OPT_OUTDIR: return "DIR";
    case GS_OPT_OUTFILE: return "FILE";
    case GS_OPT_PAIR: return "KEY=X";
    case GS_OPT_LIST: return "LIST";
    default: return "VALUE";
    }
}

/* The metavar of option od into m (CHOICE: the name in capitals). */
static const char *metavar(const gs_opt_decl *od, char *m, size_t n)
{
    if (od->metavar)
        return od->metavar;
    if (od->type != GS_OPT_CHOICE)
        return type_metavar(od->type);
    size_t i = 0;
    for (; od->name[i] && i + 1 < n; i++)
        m[i] = od->name[i] == '-' ? '_' : (char)toupper((unsigned char)od->name[i]);
    m[i] = 0;
    return m;
}

/* ---- ranges ---- */

typedef struct range {
    int has;
    double lo, hi;
    int lo_open, hi_open;
    const char *lo_t, *hi_t; /* endpoint texts, lo_n / hi_n bytes */
    int lo_n, hi_n;
} range;

static int is_timelike(gs_opt_type t)
{
    return t == GS_OPT_DURATION || t == GS_OPT_STEP;
}

static int parse_endpoint(const char *s, size_t n, gs_opt_type t, double *v)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    if (!strcmp(tmp, "inf") || !strcmp(tmp, "+inf")) {
        *v = INFINITY;
        return 0;
    }
    if (!strcmp(tmp, "-inf")) {
        *v = -INFINITY;
        return 0;
    }
    if (is_timelike(t)) {
        gs_error e = {0};
        return gs_duration_parse(tmp, v, &e) < 0 ? -1 : 0;
    }
    char *end;
    errno = 0;
    *v = strtod(tmp, &end);
    return (end == tmp || *end || errno || !isfinite(*v)) ? -1 : 0;
}

/* Parse "[a, b]", "(a, b)", "[a, inf)" for values of type t; 0 or -1. */
static int range_parse(const char *text, gs_opt_type t, range *r)
{
    memset(r, 0, sizeof *r);
    if (!text)
        return 0;
    size_t n = strlen(text);
    if (n < 5 || (text[0] != '[' && text[0] != '(') || (text[n - 1] != ']' && text[n - 1] != ')'))
        return -1;
    const char *comma = strchr(text, ',');
    if (!comma || strchr(comma + 1, ','))
        return -1;
    const char *a = text + 1, *ae = comma, *b = comma + 1, *be = text + n - 1;
    while (a < ae && *a == ' ')
        a++;
    while (ae > a && ae[-1] == ' ')
        ae--;
    while (b < be && *b == ' ')
        b++;
    while (be > b && be[-1] == ' ')
        be--;
    if (parse_endpoint(a, (size_t)(ae - a), t, &r->lo) < 0 ||
        parse_endpoint(b, (size_t)(be - b), t, &r->hi) < 0 || !(r->lo <= r->hi) ||
        r->lo == INFINITY || r->hi == -INFINITY)
        return -1;
    r->has = 1;
    r->lo_open = text[0] == '(';
    r->hi_open = text[n - 1] == ')';
    r->lo_t = a;
    r->lo_n = (int)(ae - a);
    r->hi_t = b;
    r->hi_n = (int)(be - b);
    return 0;
}

static int range_ok(const range *r, double v)
{
    if (!r->has)
        return 1;
    if (r->lo_open ? !(v > r->lo) : !(v >= r->lo))
        return 0;
    if (r->hi_open ? !(v < r->hi) : !(v <= r->hi))
        return 0;
    return 1;
}

/* " in [0, 200]", " >= 0", " < 100" or "". */
static void bput_range(buf *b, const range *r, const char *decl_text)
{
    if (!r->has)
        return;
    int lo_inf = isinf(r->lo), hi_inf = isinf(r->hi);
    if (!lo_inf && !hi_inf)
        bput(b, " in %s", decl_text);
    else if (!lo_inf)
        bput(b, " %s %.*s", r->lo_open ? ">" : ">=", r->lo_n, r->lo_t);
    else if (!hi_inf)
        bput(b, " %s %.*s", r->hi_open ? "<" : "<=", r->hi_n, r->hi_t);
}

/* The number a .multiple_of or .divides text stands for (seconds for durations and times). */
static int grid_value(const char *text, gs_opt_type t, double *v)
{
    if (t == GS_OPT_INT) {
        char *end;
        errno = 0;
        long long x = strtoll(text, &end, 10);
        *v = (double)x;
        return (end == text || *end || errno || x <= 0) ? -1 : 0;
    }
    gs_error e = {0};
    return (gs_duration_parse(text, v, &e) < 0 || !(*v > 0)) ? -1 : 0;
}

/* v on od's grid: a multiple of .multiple_of, a divisor of .divides. */
static int grid_ok(const gs_opt_decl *od, gs_opt_type t, double v)
{
    double g;
    if (od->multiple_of && grid_value(od->multiple_of, t, &g) == 0 && fmod(v, g) != 0)
        return 0;
    if (od->divides && grid_value(od->divides, t, &g) == 0 && (!(v > 0) || fmod(g, v) != 0))
        return 0;
    return 1;
}

/* "a number of ms in [0, 200]", "a whole number >= 1", "a step in [1min, 1h] that divides 1h",
 * "a time on the 1h grid (UTC)" */
static void bput_expected(buf *b, const gs_opt_decl *od, gs_opt_type t)
{
    range r;
    range_parse(od->range, t, &r);
    switch (t) {
    case GS_OPT_INT: bput(b, "a whole number"); break;
    case GS_OPT_DURATION: bput(b, "a duration"); break;
    case GS_OPT_STEP: bput(b, "a step"); break;
    case GS_OPT_TIME: bput(b, "a time"); break;
    default: bput(b, "a number"); break;
    }
    if (od->unit && !is_timelike(t))
        bput(b, " of %s", od->unit);
    bput_range(b, &r, od->range);
    if (t == GS_OPT_TIME && od->multiple_of)
        bput(b, " on the %s grid (UTC)", od->multiple_of);
    else if (od->multiple_of)
        bput(b, " that is a multiple of %s", od->multiple_of);
    if (od->divides)
        bput(b, "%s divides %s", od->multiple_of ? " and" : " that", od->divides);
}

/* ---- paths ---- */

int gs_cli_check_input_path(const char *path, gs_error *err)
{
    return gs__path_check(path, err); /* the readers' own check: one message for every command */
}

static int has_glob_chars(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

/* An input path, or with GS_OPT_GLOB a pattern matching at least one file. */
static int check_input(const char *path, unsigned flags, gs_error *err)
{
    if ((flags & GS_OPT_GLOB) && has_glob_chars(path)) {
        struct stat st;
        if (stat(path, &st) == 0)
            return gs_cli_check_input_path(path, err);
        glob_t g;
        memset(&g, 0, sizeof g);
        int rc = glob(path, 0, NULL, &g);
        size_t n = g.gl_pathc;
        globfree(&g);
        if (rc != 0 || n == 0)
            return set_err(err, GS_EINPUT, NULL, path, "no file matches");
        return GS_OK;
    }
    return gs_cli_check_input_path(path, err);
}

static int check_indir(const char *path, gs_error *err)
{
    return gs__dir_check(path, err);
}

static int check_outdir(const char *path, gs_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return GS_OK; /* the command creates it */
        return set_err(err, GS_EINPUT, NULL, path, "%s", strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return set_err(err, GS_EINPUT, NULL, path, "exists and is not a directory");
    return GS_OK;
}

static int check_outfile(const char *path, gs_error *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return set_err(err, GS_EINPUT, NULL, path, "is a directory");
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        return GS_OK;
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= sizeof dir)
        return set_err(err, GS_EINPUT, NULL, path, "path too long");
    memcpy(dir, path, n);
    dir[n] = 0;
    if (stat(dir, &st) != 0) {
        if (errno == ENOENT)
            return set_err(err, GS_EINPUT, NULL, path, "its directory '%s' does not exist", dir);
        return set_err(err, GS_EINPUT, NULL, path, "%s", strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return set_err(err, GS_EINPUT, NULL, path, "'%s' is not a directory", dir);
    return GS_OK;
}

/* ---- values ---- */

static int check_value(const gs_opt_decl *od, gs_opt_type t, const char *text, const ctx *c,
                       const char *where, val *v, gs_error *err);

/* An error about option od: field "--NAME". */
static int opt_err(gs_error *err, const gs_opt_decl *od, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int opt_err(gs_error *err, const gs_opt_decl *od, const char *file, const char *fmt, ...)
{
    char field[NAME_MAX_LEN + 3];
    snprintf(field, sizeof field, "--%s", od->name);
    char msg[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return set_err(err, GS_EINPUT, field, file, "%s", msg);
}

/* A parser's message kept, the option named, `where` appended. */
static int opt_err_from(gs_error *err, const gs_opt_decl *od, const gs_error *from,
                        const char *prefix, const char *where)
{
    const char *m = from->message;
    if (prefix && strncmp(m, "expected ", 9) == 0)
        return opt_err(err, od, NULL, "expected %s%s%s", prefix, m + 9, where);
    return opt_err(err, od, NULL, "%s%s", m, where);
}

static int bad_number(gs_error *err, const gs_opt_decl *od, gs_opt_type t, const char *text,
                      const char *where)
{
    char m[512];
    buf b = {m, sizeof m, 0};
    m[0] = 0;
    bput_expected(&b, od, t);
    return opt_err(err, od, NULL, "expected %s, found '%s'%s", m, text, where);
}

static int check_list(const gs_opt_decl *od, const char *text, const ctx *c, val *v,
                      gs_error *err)
{
    unsigned lo = od->min_items ? od->min_items : 1;
    unsigned hi = od->max_items ? od->max_items : LIST_MAX;
    size_t n = 0;
    const char *p = text;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        n++;
        if (len == 0)
            return opt_err(err, od, NULL, "expected items separated by commas, found an empty "
                           "item %zu in '%s'", n, text);
        if (n > hi)
            return opt_err(err, od, NULL, "expected at most %u items, found more in '%s'", hi,
                           text);
        if (len >= ITEM_MAX)
            return opt_err(err, od, NULL, "item %zu is longer than %d characters", n,
                           ITEM_MAX - 1);
        char item[ITEM_MAX], where[ITEM_MAX + 64];
        memcpy(item, p, len);
        item[len] = 0;
        if (e || n > 1)
            snprintf(where, sizeof where, " (item %zu of '%.*s')", n, ITEM_MAX, text);
        else
            where[0] = 0;
        val iv;
        int rc = check_value(od, od->elem, item, c, where, &iv, err);
        if (rc < 0)
            return rc;
        if (!e)
            break;
        p = e + 1;
    }
    if (n < lo)
        return opt_err(err, od, NULL, "expected at least %u items, found %zu in '%s'", lo, n,
                       text);
    v->nitems = n;
    return GS_OK;
}

/* Check text as a value of type t of option od (t is od->type, or od->elem for a LIST item);
 * where: appended to messages (the item of a list). Fills v. */
static int check_value(const gs_opt_decl *od, gs_opt_type t, const char *text, const ctx *c,
                       const char *where, val *v, gs_error *err)
{
    memset(v, 0, sizeof *v);
    v->choice = -1;
    range r;
    range_parse(od->range, t, &r);
    switch (t) {
    case GS_OPT_FLAG:
        return GS_OK;
    case GS_OPT_STRING:
        if (!*text)
            return opt_err(err, od, NULL, "expected a value, found ''%s", where);
        return GS_OK;
    case GS_OPT_CHOICE: {
        v->choice = word_index(od->choices, ' ', text, strlen(text));
        if (v->choice >= 0 && strchr(text, ' ') == NULL && *text)
            return GS_OK;
        char m[512];
        buf b = {m, sizeof m, 0};
        m[0] = 0;
        bput_words(&b, od->choices, ' ', "");
        return opt_err(err, od, NULL, "expected %s, found '%s'%s", m, text, where);
    }
    case GS_OPT_INT: {
        char *end;
        errno = 0;
        long long x = strtoll(text, &end, 10);
        if (!*text || isspace((unsigned char)text[0]) || *end || errno ||
            !range_ok(&r, (double)x) || !grid_ok(od, t, (double)x))
            return bad_number(err, od, t, text, where);
        v->i = x;
        v->num = (double)x;
        return GS_OK;
    }
    case GS_OPT_NUM: {
        char *end;
        errno = 0;
        double x = strtod(text, &end);
        if (!*text || isspace((unsigned char)text[0]) || *end || errno == ERANGE ||
            !isfinite(x) || !range_ok(&r, x))
            return bad_number(err, od, t, text, where);
        v->num = x;
        return GS_OK;
    }
    case GS_OPT_DURATION: {
        gs_error e = {0};
        double s = 0;
        if (gs_duration_parse(text, &s, &e) < 0)
            return opt_err_from(err, od, &e, NULL, where);
        if (!range_ok(&r, s) || !grid_ok(od, t, s))
            return bad_number(err, od, t, text, where);
        v->num = s;
        return GS_OK;
    }
    case GS_OPT_STEP: {
        gs_error e = {0};
        int64_t s = 0;
        if (gs_duration_parse_step(text, &s, &e) < 0)
            return opt_err_from(err, od, &e, NULL, where);
        if (!range_ok(&r, (double)s) || !grid_ok(od, t, (double)s))
            return bad_number(err, od, t, text, where);
        v->i = s;
        v->num = (double)s;
        return GS_OK;
    }
    case GS_OPT_TIME: {
        if ((od->flags & GS_OPT_NOW) && strcmp(text, "now") == 0) {
            /* the clock's time as it is: "now" is not rounded to the grid */
            v->i = c->now ? c->now(c->now_ctx) : system_now(NULL);
            return GS_OK;
        }
        gs_error e = {0};
        if (gs_parse_time(text, &v->i, &e) < 0)
            return opt_err_from(err, od, &e, (od->flags & GS_OPT_NOW) ? "'now' or " : NULL,
                                where);
        if (!grid_ok(od, t, (double)v->i))
            return bad_number(err, od, t, text, where);
        return GS_OK;
    }
    case GS_OPT_INPUT: {
        if (od->choices && (v->choice = word_index(od->choices, ' ', text, strlen(text))) >= 0)
            return GS_OK;
        if (strcmp(text, "-") == 0 && !(od->flags & GS_OPT_STDIO))
            return opt_err(err, od, NULL, "expected a file, found '-' (standard input is not "
                           "accepted here)%s", where);
        if (!*text)
            return opt_err(err, od, NULL, "expected a file name, found ''%s", where);
        if (!c->fs || strcmp(text, "-") == 0)
            return GS_OK;
        gs_error e = {0};
        if (check_input(text, od->flags, &e) < 0)
            return opt_err(err, od, e.file, "%s%s", e.message, where);
        return GS_OK;
    }
    case GS_OPT_INDIR:
    case GS_OPT_OUTDIR: {
        if (!*text)
            return opt_err(err, od, NULL, "expected a directory name, found ''%s", where);
        if (!c->fs)
            return GS_OK;
        gs_error e = {0};
        if ((t == GS_OPT_INDIR ? check_indir(text, &e) : check_outdir(text, &e)) < 0)
            return opt_err(err, od, e.file, "%s%s", e.message, where);
        return GS_OK;
    }
    case GS_OPT_OUTFILE: {
        if (!*text)
            return opt_err(err, od, NULL, "expected a file name, found ''%s", where);
        if (strcmp(text, "-") == 0) {
            if (od->flags & GS_OPT_STDIO)
                return GS_OK;
            return opt_err(err, od, NULL, "expected a file, found '-' (standard output is not "
                           "accepted here)%s", where);
        }
        if (!c->fs)
            return GS_OK;
        gs_error e = {0};
        if (check_outfile(text, &e) < 0)
            return opt_err(err, od, e.file, "%s%s", e.message, where);
        return GS_OK;
    }
    case GS_OPT_PAIR: {
        const char *eq = strchr(text, '=');
        char m[META_MAX_LEN + 8];
        if (!eq || eq == text)
            return opt_err(err, od, NULL, "expected %s, found '%s'%s",
                           metavar(od, m, sizeof m), text, where);
        if ((size_t)(eq - text) >= ITEM_MAX)
            return opt_err(err, od, NULL, "the key before '=' is longer than %d characters",
                           ITEM_MAX - 1);
        char w[ITEM_MAX + 64];
        snprintf(w, sizeof w, " after '=' in '%.*s'%s", ITEM_MAX, text, where);
        int rc = check_value(od, GS_OPT_NUM, eq + 1, c, w, v, err);
        v->choice = -1;
        return rc;
    }
    case GS_OPT_LIST:
        return check_list(od, text, c, v, err);
    }
    return opt_err(err, od, NULL, "unknown option type %d", (int)t);
}

/* ---- conditions: "NAME" or "NAME=V1|V2", words joined by spaces, all must hold ---- */

static int cond_valid(const gs_cmd_decl *d, const char *cond, char *why, size_t n)
{
    const char *p = cond;
    size_t len;
    int words = 0;
    for (const char *s; (s = next_word(&p, ' ', &len)); words++) {
        const char *eq = memchr(s, '=', len);
        size_t nlen = eq ? (size_t)(eq - s) : len;
        int k = find_opt(d, s, nlen);
        if (k < 0) {
            snprintf(why, n, "condition '%s': no option --%.*s", cond, (int)nlen, s);
            return -1;
        }
        if (!eq)
            continue;
        const gs_opt_decl *od = &d->opts[k];
        if (od->type == GS_OPT_FLAG || eq + 1 == s + len) {
            snprintf(why, n, "condition '%s': --%s has no value to compare", cond, od->name);
            return -1;
        }
        if (od->type != GS_OPT_CHOICE)
            continue;
        const char *vp = eq + 1, *ve = s + len;
        while (vp < ve) {
            const char *bar = memchr(vp, '|', (size_t)(ve - vp));
            size_t vlen = bar ? (size_t)(bar - vp) : (size_t)(ve - vp);
            if (word_index(od->choices, ' ', vp, vlen) < 0) {
                snprintf(why, n, "condition '%s': '%.*s' is not a choice of --%s", cond,
                         (int)vlen, vp, od->name);
                return -1;
            }
            vp += vlen + (bar ? 1 : 0);
        }
    }
    if (!words) {
        snprintf(why, n, "empty condition");
        return -1;
    }
    return 0;
}

static int cond_holds(const gs_opts *o, const char *cond)
{
    if (!cond)
        return 1;
    const char *p = cond;
    size_t len;
    for (const char *s; (s = next_word(&p, ' ', &len));) {
        const char *eq = memchr(s, '=', len);
        size_t nlen = eq ? (size_t)(eq - s) : len;
        int k = find_opt(o->d, s, nlen);
        if (k < 0)
            return 0;
        const slot *sl = &o->slot[k];
        if (!eq) {
            if (!sl->given)
                return 0;
            continue;
        }
        if (!sl->text)
            return 0;
        const char *vp = eq + 1, *ve = s + len;
        int any = 0;
        while (vp < ve && !any) {
            const char *bar = memchr(vp, '|', (size_t)(ve - vp));
            size_t vlen = bar ? (size_t)(bar - vp) : (size_t)(ve - vp);
            any = strlen(sl->text) == vlen && memcmp(sl->text, vp, vlen) == 0;
            vp += vlen + (bar ? 1 : 0);
        }
        if (!any)
            return 0;
    }
    return 1;
}

/* "--eia930", "--policy reserve", "--policy comply or price", joined by " and " */
static void bput_cond(buf *b, const char *cond)
{
    const char *p = cond;
    size_t len;
    int first = 1;
    for (const char *s; (s = next_word(&p, ' ', &len)); first = 0) {
        const char *eq = memchr(s, '=', len);
        size_t nlen = eq ? (size_t)(eq - s) : len;
        bput(b, "%s--%.*s", first ? "" : " and ", (int)nlen, s);
        if (!eq)
            continue;
        char vals[256];
        size_t vn = (size_t)(s + len - (eq + 1));
        if (vn >= sizeof vals)
            vn = sizeof vals - 1;
        memcpy(vals, eq + 1, vn);
        vals[vn] = 0;
        bput(b, " ");
        bput_words(b, vals, '|', "");
    }
}

/* ---- validation ---- */

static int decl_err(gs_error *err, const gs_cmd_decl *d, const gs_opt_decl *od, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));
static int decl_err(gs_error *err, const gs_cmd_decl *d, const gs_opt_decl *od, const char *fmt,
                    ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char field[NAME_MAX_LEN + 3] = "";
    if (od && od->name)
        snprintf(field, sizeof field, "--%.*s", NAME_MAX_LEN, od->name);
    return set_err(err, GS_ERUNTIME, field, NULL, "declaration of '%s': %s",
                   d && d->name ? d->name : "?", msg);
}

static int numeric_type(gs_opt_type t)
{
    return t == GS_OPT_INT || t == GS_OPT_NUM || t == GS_OPT_PAIR;
}

static int64_t fixed_clock(void *unused)
{
    (void)unused;
    return 0;
}

static size_t help_text(const gs_cmd_decl *d, const gs_opt_decl *od, char *out, size_t n);

int gs_opts_validate(const gs_cmd_decl *d, gs_error *err)
{
    char why[512];
    if (!d || !d->name || !*d->name)
        return decl_err(err, d, NULL, "no command name");
    if (!d->opts)
        return decl_err(err, d, NULL, "no option table (give one ending with {0})");
    const ctx c = {fixed_clock, NULL, 0};
    for (size_t k = 0; d->opts[k].name; k++) {
        const gs_opt_decl *od = &d->opts[k];
        size_t nl = strlen(od->name);
        if (nl == 0 || nl > NAME_MAX_LEN || od->name[0] == '-')
            return decl_err(err, d, od, "a name is 1 to %d characters, not starting with '-'",
                            NAME_MAX_LEN);
        for (size_t i = 0; i < nl; i++)
            if (!(islower((unsigned char)od->name[i]) || isdigit((unsigned char)od->name[i]) ||
                  od->name[i] == '-'))
                return decl_err(err, d, od, "a name has lower-case letters, digits and '-'");
        if (!strcmp(od->name, "help"))
            return decl_err(err, d, od, "--help is reserved (every command has it)");
        if (find_opt(d, od->name, nl) != (int)k)
            return decl_err(err, d, od, "declared twice");
        if (!od->help || !*od->help)
            return decl_err(err, d, od, "no help text");
        if ((int)od->type < (int)GS_OPT_FLAG || (int)od->type > (int)GS_OPT_LIST)
            return decl_err(err, d, od, "unknown type %d", (int)od->type);
        if (od->metavar && (strlen(od->metavar) == 0 || strlen(od->metavar) > META_MAX_LEN))
            return decl_err(err, d, od, "a metavar is 1 to %d characters", META_MAX_LEN);
        gs_opt_type vt = od->type == GS_OPT_LIST ? od->elem : od->type;
        if (od->type == GS_OPT_LIST &&
            (od->elem == GS_OPT_FLAG || od->elem == GS_OPT_TIME || od->elem == GS_OPT_OUTDIR ||
             od->elem == GS_OPT_OUTFILE || od->elem == GS_OPT_PAIR || od->elem == GS_OPT_LIST ||
             (int)od->elem > (int)GS_OPT_LIST))
            return decl_err(err, d, od, "a list's items are STRING, CHOICE, INT, NUM, DURATION, "
                            "STEP, INPUT or INDIR");
        if (od->type != GS_OPT_LIST && (od->elem || od->min_items))
            return decl_err(err, d, od, ".elem and .min_items are for lists");
        if (od->type == GS_OPT_LIST && od->max_items && od->min_items > od->max_items)
            return decl_err(err, d, od, ".min_items > .max_items");
        if (od->type != GS_OPT_LIST && od->max_items && !(od->flags & GS_OPT_REPEAT))
            return decl_err(err, d, od, ".max_items is for lists and repeated options");
        if (od->type == GS_OPT_LIST && (od->flags & GS_OPT_REPEAT))
            return decl_err(err, d, od, "a list is not also repeated");
        if ((vt == GS_OPT_CHOICE) != (od->choices != NULL) && vt != GS_OPT_INPUT)
            return decl_err(err, d, od, ".choices go with CHOICE (and INPUT) only, and CHOICE "
                            "needs them");
        if (od->choices) {
            if (count_words(od->choices, ' ') == 0)
                return decl_err(err, d, od, "empty .choices");
            const char *p = od->choices; /* no word twice */
            size_t len;
            int i = 0;
            for (const char *s; (s = next_word(&p, ' ', &len)); i++)
                if (word_index(od->choices, ' ', s, len) != i)
                    return decl_err(err, d, od, "choice '%.*s' twice", (int)len, s);
        }
        if ((od->unit || od->range) && !numeric_type(vt) && !is_timelike(vt))
            return decl_err(err, d, od, ".unit and .range go with INT, NUM, DURATION, STEP, "
                            "PAIR");
        if (od->unit && is_timelike(vt))
            return decl_err(err, d, od, "a duration's unit is seconds: no .unit");
        range r;
        if (od->range && range_parse(od->range, vt == GS_OPT_PAIR ? GS_OPT_NUM : vt, &r) < 0)
            return decl_err(err, d, od, "range '%s': expected [a, b], (a, b], [a, inf), ...",
                            od->range);
        if (od->flags & ~(GS_OPT_REQUIRED | GS_OPT_REPEAT | GS_OPT_NOW | GS_OPT_STDIO |
                          GS_OPT_GLOB))
            return decl_err(err, d, od, "unknown flags 0x%x", od->flags);
        double g;
        if ((od->multiple_of || od->divides) && vt != GS_OPT_INT && !is_timelike(vt) &&
            vt != GS_OPT_TIME)
            return decl_err(err, d, od, ".multiple_of and .divides go with INT, DURATION, STEP "
                            "and TIME");
        if (od->divides && vt == GS_OPT_TIME)
            return decl_err(err, d, od, "a time does not divide anything: use .multiple_of");
        if ((od->multiple_of && grid_value(od->multiple_of, vt, &g) < 0) ||
            (od->divides && grid_value(od->divides, vt, &g) < 0))
            return decl_err(err, d, od, ".multiple_of / .divides: expected a %s > 0",
                            vt == GS_OPT_INT ? "whole number" : "duration");
        if ((od->flags & GS_OPT_NOW) && od->type != GS_OPT_TIME)
            return decl_err(err, d, od, "GS_OPT_NOW goes with TIME");
        if ((od->flags & GS_OPT_STDIO) && vt != GS_OPT_INPUT && vt != GS_OPT_OUTFILE)
            return decl_err(err, d, od, "GS_OPT_STDIO goes with INPUT and OUTFILE");
        if ((od->flags & GS_OPT_GLOB) && vt != GS_OPT_INPUT)
            return decl_err(err, d, od, "GS_OPT_GLOB goes with INPUT");
        if (od->type == GS_OPT_FLAG && (od->def || od->def_help || od->metavar ||
                                        (od->flags & (GS_OPT_REPEAT | GS_OPT_REQUIRED))))
            return decl_err(err, d, od, "a flag has no default, metavar, repeat or required");
        if (od->means && od->type != GS_OPT_FLAG)
            return decl_err(err, d, od, ".means goes with FLAG");
        if (od->def && od->def_help)
            return decl_err(err, d, od, ".def and .def_help exclude each other");
        if ((od->flags & GS_OPT_REQUIRED) && (od->def || od->def_help || od->modes))
            return decl_err(err, d, od, "a required option has no default and no modes");
        if (od->def) {
            val v;
            gs_error e = {0};
            if (check_value(od, od->type, od->def, &c, "", &v, &e) < 0)
                return decl_err(err, d, od, "default '%s': %s", od->def, e.message);
        }
        if (od->means) {
            const char *eq = strchr(od->means, '=');
            int t = eq ? find_opt(d, od->means, (size_t)(eq - od->means)) : -1;
            if (t < 0 || t == (int)k)
                return decl_err(err, d, od, ".means '%s': expected NAME=VALUE of another option",
                                od->means);
            const gs_opt_decl *to = &d->opts[t];
            if (to->type == GS_OPT_FLAG || (to->flags & GS_OPT_REPEAT))
                return decl_err(err, d, od, ".means: --%s is a flag or repeated", to->name);
            val v;
            gs_error e = {0};
            if (check_value(to, to->type, eq + 1, &c, "", &v, &e) < 0)
                return decl_err(err, d, od, ".means '%s': %s", od->means, e.message);
        }
        if (od->modes) {
            if (!d->mode_option)
                return decl_err(err, d, od, ".modes without a mode option in the command");
            int m = find_opt(d, d->mode_option, strlen(d->mode_option));
            if (m < 0)
                return decl_err(err, d, NULL, "mode option --%s is not declared", d->mode_option);
            if (m == (int)k)
                return decl_err(err, d, od, "the mode option applies in every mode");
            const char *p = od->modes;
            size_t len;
            if (!count_words(od->modes, ' '))
                return decl_err(err, d, od, "empty .modes");
            for (const char *s; (s = next_word(&p, ' ', &len));)
                if (word_index(d->opts[m].choices, ' ', s, len) < 0)
                    return decl_err(err, d, od, "mode '%.*s' is not a choice of --%s",
                                    (int)len, s, d->mode_option);
        }
        if (od->requires && cond_valid(d, od->requires, why, sizeof why) < 0)
            return decl_err(err, d, od, ".requires: %s", why);
        char h[HELP_BUF];
        if (help_text(d, od, h, sizeof h) >= sizeof h - 1)
            return decl_err(err, d, od, "help text longer than %d characters", HELP_BUF - 2);
    }
    if (d->mode_option) {
        int m = find_opt(d, d->mode_option, strlen(d->mode_option));
        if (m < 0 || d->opts[m].type != GS_OPT_CHOICE)
            return decl_err(err, d, NULL, "mode option --%s: expected a declared CHOICE option",
                            d->mode_option);
    }
    for (size_t g = 0; d->groups && d->groups[g].options; g++) {
        const gs_opt_group *gr = &d->groups[g];
        int n = count_words(gr->options, ' ');
        if (!gr->rule || (gr->rule & ~(GS_GROUP_EXCLUSIVE | GS_GROUP_REQUIRED)))
            return decl_err(err, d, NULL, "group '%s': no rule", gr->options);
        if ((gr->rule & GS_GROUP_EXCLUSIVE) && n < 2)
            return decl_err(err, d, NULL, "group '%s': exclusive needs two options", gr->options);
        const char *p = gr->options;
        size_t len;
        for (const char *s; (s = next_word(&p, ' ', &len));)
            if (find_opt(d, s, len) < 0)
                return decl_err(err, d, NULL, "group '%s': no option --%.*s", gr->options,
                                (int)len, s);
        if (gr->when && cond_valid(d, gr->when, why, sizeof why) < 0)
            return decl_err(err, d, NULL, "group '%s': .when: %s", gr->options, why);
        if (gr->unless && cond_valid(d, gr->unless, why, sizeof why) < 0)
            return decl_err(err, d, NULL, "group '%s': .unless: %s", gr->options, why);
    }
    const gs_arg_decl *a = &d->args;
    if (a->max > 0) {
        if (!a->name || !a->metavar)
            return decl_err(err, d, NULL, "arguments need .name and .metavar");
        if (a->type != GS_OPT_STRING && a->type != GS_OPT_INPUT)
            return decl_err(err, d, NULL, "arguments are STRING or INPUT");
        if (a->min > a->max)
            return decl_err(err, d, NULL, "arguments: .min > .max");
        if ((a->flags & ~(GS_OPT_STDIO | GS_OPT_GLOB)) ||
            ((a->flags & (GS_OPT_STDIO | GS_OPT_GLOB)) && a->type != GS_OPT_INPUT))
            return decl_err(err, d, NULL, "arguments: flags STDIO and GLOB go with INPUT");
    } else if (a->min || a->name || a->unless) {
        return decl_err(err, d, NULL, "arguments: .max is 0 (none accepted)");
    }
    if (a->unless && cond_valid(d, a->unless, why, sizeof why) < 0)
        return decl_err(err, d, NULL, "arguments: .unless: %s", why);
    if (d->usage) {
        const char *p = d->usage;
        while (*p) {
            const char *e = strchr(p, '\n');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            size_t sp = strspn(p, " ");
            if (sp > len)
                sp = len;
            if (len - sp + strlen(d->name) + strlen("usage: gridsplit  ") > WIDTH)
                return decl_err(err, d, NULL, "a usage line is longer than %d columns", WIDTH);
            p += len + (e ? 1 : 0);
        }
    }
    return GS_OK;
}

/* ---- suggestions ---- */

/* Optimal string alignment distance (insertions, deletions, substitutions, transpositions). */
static size_t osa(const char *a, size_t n, const char *b, size_t m)
{
    size_t d0[NAME_MAX_LEN + 2], d1[NAME_MAX_LEN + 2], d2[NAME_MAX_LEN + 2];
    if (n > NAME_MAX_LEN + 1 || m > NAME_MAX_LEN + 1)
        return (size_t)-1;
    size_t *pp = d0, *p = d1, *cur = d2;
    for (size_t j = 0; j <= m; j++)
        p[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = p[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (p[j - 1] + cost < v)
                v = p[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
        }
        size_t *t = pp;
        pp = p;
        p = cur;
        cur = t;
    }
    return p[m];
}

/* The declared name nearest to name (len bytes), NULL when none is near. */
static const char *nearest(const gs_cmd_decl *d, const char *name, size_t len)
{
    const char *best = NULL;
    size_t bd = (size_t)-1;
    for (size_t k = 0;; k++) {
        const char *cand = d->opts[k].name ? d->opts[k].name : "help";
        size_t cl = strlen(cand);
        size_t dist = osa(name, len, cand, cl);
        /* a prefix of a longer name is near too (--ste, --report) */
        if (len >= 3 && len < cl && memcmp(cand, name, len) == 0 && dist > 1)
            dist = 1;
        if (dist < bd) {
            bd = dist;
            best = cand;
        }
        if (!d->opts[k].name)
            break;
    }
    size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    return bd <= limit ? best : NULL;
}

static int unknown_option(const gs_cmd_decl *d, const char *arg, size_t arglen, gs_error *err)
{
    const char *name = arg;
    size_t len = arglen;
    while (len && *name == '-')
        name++, len--;
    const char *near = len ? nearest(d, name, len) : NULL;
    char field[NAME_MAX_LEN + 8];
    snprintf(field, sizeof field, "%.*s%s", arglen > NAME_MAX_LEN + 4 ? NAME_MAX_LEN : (int)arglen,
             arg, arglen > NAME_MAX_LEN + 4 ? "..." : "");
    if (near)
        return set_err(err, GS_EINPUT, field, NULL, "unknown option; did you mean --%s?", near);
    return set_err(err, GS_EINPUT, field, NULL, "unknown option");
}

/* ---- the parse ---- */

static const char *number_word(size_t n)
{
    static const char *const w[] = {"no", "one", "two", "three", "four", "five", "six", "seven",
                                    "eight", "nine", "ten"};
    return n < sizeof w / sizeof w[0] ? w[n] : NULL;
}

static int args_error(const gs_cmd_decl *d, size_t n, unsigned lo, unsigned hi, const char *cond,
                      gs_error *err)
{
    const gs_arg_decl *a = &d->args;
    char found[64], exp[512];
    if (n == 0)
        snprintf(found, sizeof found, "none");
    else
        snprintf(found, sizeof found, "%zu argument%s", n, n == 1 ? "" : "s");
    buf b = {exp, sizeof exp, 0};
    exp[0] = 0;
    char num[24];
    const char *nw = number_word(lo);
    if (!nw) {
        snprintf(num, sizeof num, "%u", lo);
        nw = num;
    }
    if (hi == 0)
        bput(&b, "no %ss", a->name);
    else if (lo == hi)
        bput(&b, "%s %s%s", nw, a->name, lo == 1 ? "" : "s");
    else if (lo == 0 && hi == 1)
        bput(&b, "at most one %s", a->name);
    else if (hi == GS_OPTS_MANY)
        bput(&b, "at least %s %s%s", nw, a->name, lo == 1 ? "" : "s");
    else if (lo == 0)
        bput(&b, "at most %u %ss", hi, a->name);
    else
        bput(&b, "%u to %u %ss", lo, hi, a->name);
    if (cond) {
        bput(&b, " with ");
        bput_cond(&b, cond);
    }
    return set_err(err, GS_EINPUT, NULL, NULL, "expected %s, found %s", exp, found);
}

static int set_value(gs_opts *o, int k, const char *text, const ctx *c, gs_error *err)
{
    const gs_opt_decl *od = &o->d->opts[k];
    slot *s = &o->slot[k];
    s->text = text;
    if (od->type == GS_OPT_FLAG)
        return GS_OK;
    val v;
    int rc = check_value(od, od->type, text, c, "", &v, err);
    if (rc < 0)
        return rc;
    s->choice = v.choice;
    s->num = v.num;
    s->i = v.i;
    s->nitems = v.nitems;
    return GS_OK;
}

static int parse(gs_opts *o, int argc, char **argv, const ctx *c, gs_error *err)
{
    const gs_cmd_decl *d = o->d;
    char m[META_MAX_LEN + 8];
    int only_args = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_args || a[0] != '-' || a[1] == '\0') {
            o->args[o->nargs++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_args = 1;
            continue;
        }
        const char *name = a + (a[1] == '-' ? 2 : 1);
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        int k = a[1] == '-' ? find_opt(d, name, nlen) : -1;
        if (k < 0)
            return unknown_option(d, a, (size_t)(name - a) + nlen, err);
        const gs_opt_decl *od = &d->opts[k];
        slot *s = &o->slot[k];
        const char *value = NULL;
        if (od->type == GS_OPT_FLAG) {
            if (eq)
                return opt_err(err, od, NULL, "takes no value, found '%s'", a);
        } else if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc && !(argv[i + 1][0] == '-' && argv[i + 1][1] == '-')) {
            value = argv[++i];
        } else if (i + 1 < argc) {
            return opt_err(err, od, NULL, "expected %s, found the option '%s'",
                           metavar(od, m, sizeof m), argv[i + 1]);
        } else {
            return opt_err(err, od, NULL, "expected %s, found none", metavar(od, m, sizeof m));
        }
        if (s->given && !(od->flags & GS_OPT_REPEAT)) {
            if (value)
                return opt_err(err, od, NULL, "given twice ('%s', then '%s'): give it once",
                               s->text, value);
            return opt_err(err, od, NULL, "given twice: give it once");
        }
        if ((od->flags & GS_OPT_REPEAT) && od->max_items && (unsigned)s->given >= od->max_items)
            return opt_err(err, od, NULL, "given more than %u times", od->max_items);
        s->given++;
        o->occ[o->nocc++] = (occ){k, value};
        int rc = set_value(o, k, value, c, err);
        if (rc < 0)
            return rc;
    }

    /* shorthands: --emit-params is --format yaml-params */
    for (size_t k = 0; k < o->nopts; k++) {
        const gs_opt_decl *od = &d->opts[k];
        if (!od->means || !o->slot[k].given)
            continue;
        const char *eq = strchr(od->means, '=');
        int t = find_opt(d, od->means, (size_t)(eq - od->means));
        slot *ts = &o->slot[t];
        if (ts->given && strcmp(ts->text, eq + 1) != 0) {
            const char *other = ts->via >= 0 ? d->opts[ts->via].name : NULL;
            if (other)
                return opt_err(err, od, NULL, "means --%s %s, which contradicts --%s",
                               d->opts[t].name, eq + 1, other);
            return opt_err(err, od, NULL, "means --%s %s, which contradicts --%s %s",
                           d->opts[t].name, eq + 1, d->opts[t].name, ts->text);
        }
        if (!ts->given) {
            ts->given = 1;
            ts->via = (int)k;
            int rc = set_value(o, t, eq + 1, c, err);
            if (rc < 0)
                return rc;
        }
    }

    /* defaults, parsed by the same code (no file-system checks) */
    ctx dc = *c;
    dc.fs = 0;
    for (size_t k = 0; k < o->nopts; k++) {
        const gs_opt_decl *od = &d->opts[k];
        if (o->slot[k].given || !od->def)
            continue;
        gs_error e = {0};
        if (set_value(o, (int)k, od->def, &dc, &e) < 0)
            return set_err(err, GS_ERUNTIME, e.field, NULL, "internal error: bad default '%s': %s",
                           od->def, e.message);
    }
    if (d->mode_option)
        o->mode = o->slot[find_opt(d, d->mode_option, strlen(d->mode_option))].text;

    /* positional arguments: how many */
    const gs_arg_decl *ad = &d->args;
    int none = ad->unless && cond_holds(o, ad->unless);
    unsigned lo = none ? 0 : ad->min, hi = none ? 0 : ad->max;
    if (o->nargs < lo || o->nargs > hi) {
        if (ad->max == 0)
            return set_err(err, GS_EINPUT, NULL, NULL, "unexpected argument '%s' (this command "
                           "takes options only)", o->args[0]);
        return args_error(d, o->nargs, lo, hi, none ? ad->unless : NULL, err);
    }

    /* required options */
    for (size_t k = 0; k < o->nopts; k++) {
        const gs_opt_decl *od = &d->opts[k];
        if ((od->flags & GS_OPT_REQUIRED) && !o->slot[k].given)
            return opt_err(err, od, NULL, "required: give --%s %s", od->name,
                           metavar(od, m, sizeof m));
    }

    /* groups */
    for (size_t g = 0; d->groups && d->groups[g].options; g++) {
        const gs_opt_group *gr = &d->groups[g];
        if ((gr->when && !cond_holds(o, gr->when)) || (gr->unless && cond_holds(o, gr->unless)))
            continue;
        const char *p = gr->options;
        size_t len;
        int first = -1, n = 0, words = count_words(gr->options, ' ');
        for (const char *s; (s = next_word(&p, ' ', &len));) {
            int k = find_opt(d, s, len);
            if (!o->slot[k].given)
                continue;
            if (n++ == 0) {
                first = k;
            } else if (gr->rule & GS_GROUP_EXCLUSIVE) {
                const char *fv = d->opts[first].type == GS_OPT_CHOICE ? o->slot[first].text : NULL;
                return opt_err(err, &d->opts[k], NULL, "cannot go with --%s%s%s",
                               d->opts[first].name, fv ? " " : "", fv ? fv : "");
            }
        }
        if (n || !(gr->rule & GS_GROUP_REQUIRED))
            continue;
        char msg[768];
        buf b = {msg, sizeof msg, 0};
        msg[0] = 0;
        p = gr->options;
        int w = 0;
        for (const char *s; (s = next_word(&p, ' ', &len)); w++) {
            const gs_opt_decl *od = &d->opts[find_opt(d, s, len)];
            bput(&b, "%s--%s", w == 0 ? "" : w == words - 1 ? " or " : ", ", od->name);
            if (od->type != GS_OPT_FLAG)
                bput(&b, " %s", metavar(od, m, sizeof m));
        }
        if (gr->when) {
            bput(&b, " with ");
            bput_cond(&b, gr->when);
        }
        if (words == 1) {
            const gs_opt_decl *od = &d->opts[find_opt(d, gr->options, strcspn(gr->options, " "))];
            char tail[512];
            buf tb = {tail, sizeof tail, 0};
            tail[0] = 0;
            if (gr->when) {
                bput(&tb, " with ");
                bput_cond(&tb, gr->when);
            }
            if (gr->unless) {
                bput(&tb, " unless ");
                bput_cond(&tb, gr->unless);
            }
            return opt_err(err, od, NULL, "required%s: give --%s%s%s", tail, od->name,
                           od->type == GS_OPT_FLAG ? "" : " ",
                           od->type == GS_OPT_FLAG ? "" : metavar(od, m, sizeof m));
        }
        return set_err(err, GS_EINPUT, NULL, NULL, "expected %s", msg);
    }

    /* modes and conditions */
    for (size_t k = 0; k < o->nopts; k++) {
        const gs_opt_decl *od = &d->opts[k];
        if (!o->slot[k].given)
            continue;
        if (od->modes && (!o->mode || word_index(od->modes, ' ', o->mode, strlen(o->mode)) < 0)) {
            char msg[512];
            buf b = {msg, sizeof msg, 0};
            msg[0] = 0;
            bput_words(&b, od->modes, ' ', "");
            return opt_err(err, od, NULL, "applies only with --%s %s", d->mode_option, msg);
        }
        if (od->requires && !cond_holds(o, od->requires)) {
            char msg[512];
            buf b = {msg, sizeof msg, 0};
            msg[0] = 0;
            bput_cond(&b, od->requires);
            return opt_err(err, od, NULL, "applies only with %s", msg);
        }
    }

    /* positional arguments: what they are */
    for (size_t i = 0; i < o->nargs && ad->type == GS_OPT_INPUT; i++) {
        const char *a = o->args[i];
        if (strcmp(a, "-") == 0) {
            if (ad->flags & GS_OPT_STDIO)
                continue;
            return set_err(err, GS_EINPUT, NULL, NULL, "expected a %s, found '-' (standard input "
                           "is not accepted here)", ad->name);
        }
        int rc = check_input(a, ad->flags, err);
        if (rc < 0)
            return rc;
    }
    return GS_OK;
}

int gs_opts_parse(const gs_cmd_decl *d, int argc, char **argv, const gs_opts_env *env,
                  gs_opts **out, gs_error *err)
{
    *out = NULL;
    int rc = gs_opts_validate(d, err);
    if (rc < 0)
        return rc;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return GS_OPTS_HELP;
    }
    gs_opts *o = calloc(1, sizeof *o);
    size_t n = count_opts(d), na = argc > 0 ? (size_t)argc : 1;
    if (o) {
        o->slot = calloc(n ? n : 1, sizeof *o->slot);
        o->occ = calloc(na, sizeof *o->occ);
        o->args = calloc(na, sizeof *o->args);
    }
    if (!o || !o->slot || !o->occ || !o->args) {
        gs_opts_free(o);
        return set_err(err, GS_ENOMEM, NULL, NULL, "out of memory");
    }
    o->d = d;
    o->nopts = n;
    o->err = env && env->err ? env->err : stderr;
    for (size_t k = 0; k < n; k++) {
        o->slot[k].via = -1;
        o->slot[k].choice = -1;
    }
    ctx c = {env && env->now ? env->now : system_now, env ? env->now_ctx : NULL, 1};
    rc = parse(o, argc, argv, &c, err);
    if (rc < 0) {
        gs_opts_free(o);
        return rc;
    }
    *out = o;
    return GS_OK;
}

int gs_opts_cli(const gs_cmd_decl *d, int argc, char **argv, const gs_opts_env *env,
                gs_opts **out)
{
    gs_error err = {0};
    *out = NULL;
    int rc = gs_opts_parse(d, argc, argv, env, out, &err);
    if (rc == GS_OPTS_HELP) {
        FILE *f = env && env->out ? env->out : stdout;
        return gs_opts_help(d, f) < 0 ? 1 : 0;
    }
    if (rc < 0)
        return gs_opts_print_error(d, &err, env && env->err ? env->err : stderr);
    return 0;
}

void gs_opts_free(gs_opts *o)
{
    if (!o)
        return;
    free(o->slot);
    free(o->occ);
    free(o->args);
    free(o);
}

int gs_opts_print_error(const gs_cmd_decl *d, const gs_error *err, FILE *out)
{
    const char *name = d && d->name ? d->name : "?";
    fprintf(out, "gridsplit %s: ", name);
    if (err->field[0])
        fprintf(out, "%s: ", err->field);
    if (err->file[0]) {
        if (err->line > 0)
            fprintf(out, "%s:%d: ", err->file, err->line);
        else
            fprintf(out, "%s: ", err->file);
    }
    fprintf(out, "%s\n", err->message[0] ? err->message : gs_strerror(err->code));
    int code = gs_exit_code(err->code);
    if (code == 2)
        fprintf(out, "(see 'gridsplit %s --help')\n", name);
    return code;
}

int gs_opts_fail(const gs_opts *o, const char *name, const char *fmt, ...)
{
    FILE *f = o && o->err ? o->err : stderr;
    const char *cmd = o ? o->d->name : "?";
    fprintf(f, "gridsplit %s: ", cmd);
    if (name)
        fprintf(f, "--%s: ", name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fprintf(f, "\n(see 'gridsplit %s --help')\n", cmd);
    return 2;
}

/* ---- reading values ---- */

#define TBIT(x) (1u << (x))

static int need(const gs_opts *o, const char *name, unsigned types)
{
    int k = find_opt(o->d, name, strlen(name));
    if (k < 0 || !(TBIT(o->d->opts[k].type) & types)) {
        fprintf(stderr, "gridsplit %s: internal error: option --%s is %s\n", o->d->name, name,
                k < 0 ? "not declared" : "read with the wrong type");
        abort();
    }
    return k;
}

#define ANY_TYPE 0xffffffffu

int gs_opts_given(const gs_opts *o, const char *name)
{
    return o->slot[need(o, name, ANY_TYPE)].given;
}

int gs_opts_has(const gs_opts *o, const char *name)
{
    const slot *s = &o->slot[need(o, name, ANY_TYPE)];
    return s->given > 0 || s->text != NULL;
}

int gs_opts_flag(const gs_opts *o, const char *name)
{
    return o->slot[need(o, name, TBIT(GS_OPT_FLAG))].given > 0;
}

const char *gs_opts_str(const gs_opts *o, const char *name)
{
    return o->slot[need(o, name, ANY_TYPE)].text;
}

int gs_opts_choice(const gs_opts *o, const char *name)
{
    const slot *s = &o->slot[need(o, name, TBIT(GS_OPT_CHOICE) | TBIT(GS_OPT_INPUT))];
    return s->text ? s->choice : -1;
}

double gs_opts_num(const gs_opts *o, const char *name)
{
    unsigned types = TBIT(GS_OPT_NUM) | TBIT(GS_OPT_INT) | TBIT(GS_OPT_DURATION) |
                     TBIT(GS_OPT_STEP);
    const slot *s = &o->slot[need(o, name, types)];
    return s->text ? s->num : NAN;
}

int64_t gs_opts_int(const gs_opts *o, const char *name)
{
    const slot *s = &o->slot[need(o, name, TBIT(GS_OPT_INT) | TBIT(GS_OPT_STEP))];
    return s->text ? s->i : 0;
}

double gs_opts_dur(const gs_opts *o, const char *name)
{
    const slot *s = &o->slot[need(o, name, TBIT(GS_OPT_DURATION) | TBIT(GS_OPT_STEP))];
    return s->text ? s->num : NAN;
}

int64_t gs_opts_step(const gs_opts *o, const char *name)
{
    const slot *s = &o->slot[need(o, name, TBIT(GS_OPT_STEP))];
    return s->text ? s->i : 0;
}

int64_t gs_opts_time(const gs_opts *o, const char *name)
{
    const slot *s = &o->slot[need(o, name, TBIT(GS_OPT_TIME))];
    return s->text ? s->i : 0;
}

const char *gs_opts_mode(const gs_opts *o)
{
    return o->mode;
}

size_t gs_opts_count(const gs_opts *o, const char *name)
{
    int k = need(o, name, ANY_TYPE);
    const gs_opt_decl *od = &o->d->opts[k];
    const slot *s = &o->slot[k];
    if (od->type == GS_OPT_LIST)
        return s->text ? s->nitems : 0;
    if (od->flags & GS_OPT_REPEAT)
        return s->given ? (size_t)s->given : s->text ? 1 : 0;
    return s->given > 0 || s->text;
}

const char *gs_opts_item(const gs_opts *o, const char *name, size_t i, size_t *len)
{
    int k = need(o, name, ANY_TYPE);
    const gs_opt_decl *od = &o->d->opts[k];
    const slot *s = &o->slot[k];
    const char *t = NULL;
    if (od->type == GS_OPT_LIST) {
        if (!s->text || i >= s->nitems)
            return NULL;
        t = s->text;
        for (size_t j = 0; j < i; j++)
            t = strchr(t, ',') + 1;
        if (len)
            *len = strcspn(t, ",");
        return t;
    }
    if ((od->flags & GS_OPT_REPEAT) && s->given && s->via < 0) {
        size_t j = 0;
        for (size_t q = 0; q < o->nocc; q++)
            if (o->occ[q].opt == k && j++ == i) {
                t = o->occ[q].text;
                break;
            }
    } else if (i == 0) {
        t = s->text;
    }
    if (t && len)
        *len = strlen(t);
    return t;
}

double gs_opts_item_num(const gs_opts *o, const char *name, size_t i)
{
    int k = need(o, name, ANY_TYPE);
    const gs_opt_decl *od = &o->d->opts[k];
    size_t len = 0;
    const char *t = gs_opts_item(o, name, i, &len);
    if (!t || len >= ITEM_MAX)
        return NAN;
    char item[ITEM_MAX];
    memcpy(item, t, len);
    item[len] = 0;
    gs_opt_type ty = od->type == GS_OPT_LIST ? od->elem : od->type;
    const char *num = item;
    if (ty == GS_OPT_PAIR) {
        const char *eq = strchr(item, '=');
        if (!eq)
            return NAN;
        num = eq + 1;
        ty = GS_OPT_NUM;
    }
    static const ctx c = {fixed_clock, NULL, 0};
    val v;
    if (!(numeric_type(ty) || is_timelike(ty)) || check_value(od, ty, num, &c, "", &v, NULL) < 0)
        return NAN;
    return v.num;
}

int gs_opts_pair(const gs_opts *o, const char *name, size_t i, const char **key, size_t *key_len,
                 double *value)
{
    need(o, name, TBIT(GS_OPT_PAIR));
    size_t len = 0;
    const char *t = gs_opts_item(o, name, i, &len);
    if (!t)
        return -1;
    const char *eq = strchr(t, '=');
    if (!eq)
        return -1;
    if (key)
        *key = t;
    if (key_len)
        *key_len = (size_t)(eq - t);
    if (value)
        *value = gs_opts_item_num(o, name, i);
    return 0;
}

size_t gs_opts_nargs(const gs_opts *o)
{
    return o->nargs;
}

const char *gs_opts_arg(const gs_opts *o, size_t i)
{
    return i < o->nargs ? o->args[i] : NULL;
}

/* ---- the --help text ---- */

typedef struct wr {
    FILE *f;
    int col;
    int fresh; /* nothing written on this line since its indent */
} wr;

static void wr_nl(wr *w)
{
    fputc('\n', w->f);
    w->col = 0;
    w->fresh = 1;
}

static void wr_pad(wr *w, int to)
{
    while (w->col < to) {
        fputc(' ', w->f);
        w->col++;
    }
    w->fresh = 1;
}

/* One unbreakable word; continuation lines start at indent. */
static void wr_word(wr *w, const char *s, size_t len, int indent)
{
    if (!w->fresh) {
        if (w->col + 1 + (int)len > WIDTH) {
            wr_nl(w);
            wr_pad(w, indent);
        } else {
            fputc(' ', w->f);
            w->col++;
        }
    }
    for (size_t i = 0; i < len; i++)
        fputc(s[i] == NBSP ? ' ' : s[i], w->f);
    w->col += (int)len;
    w->fresh = 0;
}

/* Text wrapped at WIDTH, words separated by white space; a blank line starts a paragraph. */
static void wr_text(wr *w, const char *s, int indent)
{
    while (*s) {
        if (*s == '\n' && s[1] == '\n') {
            wr_nl(w);
            wr_nl(w);
            wr_pad(w, indent);
            s += 2;
            while (*s == '\n')
                s++;
            continue;
        }
        if (isspace((unsigned char)*s)) {
            s++;
            continue;
        }
        size_t len = 0;
        while (s[len] && !isspace((unsigned char)s[len]))
            len++;
        wr_word(w, s, len, indent);
        s += len;
    }
}

/* The option's help with its notes: "help (unit in range; choices; only with ...; default)". */
static size_t help_text(const gs_cmd_decl *d, const gs_opt_decl *od, char *out, size_t n)
{
    buf b = {out, n, 0};
    out[0] = 0;
    bput(&b, "%s", od->help);
    char notes[HELP_BUF];
    buf nb = {notes, sizeof notes, 0};
    notes[0] = 0;
#define NOTE (nb.len ? "; " : "")
    gs_opt_type vt = od->type == GS_OPT_LIST ? od->elem : od->type;
    if (od->type == GS_OPT_LIST)
        bput(&nb, "%scomma-separated", NOTE);
    if (od->unit || od->range) {
        range r;
        range_parse(od->range, vt == GS_OPT_PAIR ? GS_OPT_NUM : vt, &r);
        char ur[256];
        buf ub = {ur, sizeof ur, 0};
        ur[0] = 0;
        if (od->unit)
            bput(&ub, "%s", od->unit);
        bput_range(&ub, &r, od->range);
        for (char *q = strchr(ur, ','); q && q[1] == ' '; q = strchr(q + 1, ','))
            q[1] = NBSP; /* "[0, 200]" stays on one line */
        const char *t = ur[0] == ' ' ? ur + 1 : ur;
        if (*t)
            bput(&nb, "%s%s", NOTE, t);
    }
    if (od->multiple_of && vt == GS_OPT_TIME)
        bput(&nb, "%son the %s grid, UTC", NOTE, od->multiple_of);
    else if (od->multiple_of)
        bput(&nb, "%sa multiple of %s", NOTE, od->multiple_of);
    if (od->divides)
        bput(&nb, "%sdivides %s", NOTE, od->divides);
    if (vt == GS_OPT_CHOICE) {
        bput(&nb, "%s", NOTE);
        bput_words(&nb, od->choices, ' ', "");
    }
    if ((od->flags & GS_OPT_STDIO) && vt == GS_OPT_INPUT)
        bput(&nb, "%s'-': standard input", NOTE);
    if ((od->flags & GS_OPT_STDIO) && vt == GS_OPT_OUTFILE)
        bput(&nb, "%s'-': standard output", NOTE);
    if (od->flags & GS_OPT_NOW)
        bput(&nb, "%sor 'now'", NOTE);
    if (od->means) {
        const char *eq = strchr(od->means, '=');
        bput(&nb, "%ssame as --%.*s %s", NOTE, (int)(eq - od->means), od->means, eq + 1);
    }
    const gs_opt_group *req = NULL; /* a group that requires this option alone */
    for (size_t g = 0; d->groups && d->groups[g].options; g++) {
        const gs_opt_group *gr = &d->groups[g];
        if ((gr->rule & GS_GROUP_REQUIRED) && count_words(gr->options, ' ') == 1 &&
            strcspn(gr->options, " ") == strlen(od->name) &&
            strncmp(gr->options, od->name, strlen(od->name)) == 0)
            req = gr;
    }
    /* "required with --policy reserve" says "only with --policy reserve" too */
    char mode_cond[256] = "";
    if (od->modes && count_words(od->modes, ' ') == 1)
        snprintf(mode_cond, sizeof mode_cond, "%s=%s", d->mode_option, od->modes);
    if (od->modes && !(req && req->when && !req->unless && !strcmp(req->when, mode_cond))) {
        bput(&nb, "%sonly with --%s ", NOTE, d->mode_option);
        bput_words(&nb, od->modes, ' ', "");
    }
    /* "required with --csv" says "only with --csv" too */
    if (od->requires && !(req && req->when && !req->unless && !strcmp(req->when, od->requires))) {
        bput(&nb, "%sonly with ", NOTE);
        bput_cond(&nb, od->requires);
    }
    if (req) {
        const gs_opt_group *gr = req;
        bput(&nb, "%srequired", NOTE);
        if (gr->when) {
            bput(&nb, " with ");
            bput_cond(&nb, gr->when);
        }
        if (gr->unless) {
            bput(&nb, " unless ");
            bput_cond(&nb, gr->unless);
        }
    }
    if (od->flags & GS_OPT_REPEAT)
        bput(&nb, "%srepeatable", NOTE);
    if (od->flags & GS_OPT_REQUIRED)
        bput(&nb, "%srequired", NOTE);
    if (od->def)
        bput(&nb, "%sdefault %s", NOTE, od->def);
    else if (od->def_help)
        bput(&nb, "%sdefault: %s", NOTE, od->def_help);
#undef NOTE
    if (nb.len)
        bput(&b, " (%s)", notes);
    return b.len;
}

static size_t left_len(const gs_opt_decl *od)
{
    char m[META_MAX_LEN + 8];
    size_t n = 2 + strlen(od->name);
    if (od->type != GS_OPT_FLAG)
        n += 1 + strlen(metavar(od, m, sizeof m));
    return n;
}

static void wr_usage_token(wr *w, const char *s, int indent)
{
    wr_word(w, s, strlen(s), indent);
}

int gs_opts_help(const gs_cmd_decl *d, FILE *out)
{
    wr w = {out, 0, 1};
    char m[META_MAX_LEN + 8], tok[META_MAX_LEN + NAME_MAX_LEN + 16];
    size_t nopt = count_opts(d);

    /* usage */
    int uind = (int)(strlen("usage: gridsplit ") + strlen(d->name) + 1);
    if (d->usage) {
        const char *p = d->usage;
        int line = 0;
        while (*p) {
            const char *e = strchr(p, '\n');
            int len = (int)(e ? (size_t)(e - p) : strlen(p));
            if (*p == ' ') { /* a continuation: under the arguments of the line above */
                int sp = (int)strspn(p, " ");
                fprintf(out, "%*s%.*s\n", uind, "", len - sp, p + sp);
            } else {
                fprintf(out, "%s gridsplit %s %.*s\n", line++ ? "      " : "usage:", d->name, len,
                        p);
            }
            p += len + (e ? 1 : 0);
        }
        w.col = 0;
    } else {
        fprintf(out, "usage: gridsplit %s", d->name);
        w.col = uind - 1;
        w.fresh = 0;
        const gs_arg_decl *a = &d->args;
        if (a->max > 0) {
            if (a->min == 0)
                snprintf(tok, sizeof tok, "[%s%s]", a->metavar, a->max > 1 ? "..." : "");
            else
                snprintf(tok, sizeof tok, "%s%s", a->metavar, a->max > 1 ? "..." : "");
            wr_usage_token(&w, tok, uind);
        }
        int optional = 0;
        for (size_t k = 0; k < nopt; k++) {
            const gs_opt_decl *od = &d->opts[k];
            if (!(od->flags & GS_OPT_REQUIRED)) {
                optional = 1;
                continue;
            }
            snprintf(tok, sizeof tok, "--%s %s", od->name, metavar(od, m, sizeof m));
            wr_usage_token(&w, tok, uind);
        }
        if (optional)
            wr_usage_token(&w, "[options]", uind);
        wr_nl(&w);
    }

    if (d->description) {
        wr_nl(&w);
        wr_text(&w, d->description, 0);
        wr_nl(&w);
    }

    size_t widest = strlen("-h, --help");
    for (size_t k = 0; k < nopt; k++)
        if (left_len(&d->opts[k]) > widest)
            widest = left_len(&d->opts[k]);
    if (d->args.max > 0 && d->args.help && strlen(d->args.metavar) > widest)
        widest = strlen(d->args.metavar);
    int col = (int)widest + 4;
    if (col > OPT_COL_MAX)
        col = OPT_COL_MAX;

    if (d->args.max > 0 && d->args.help) {
        fprintf(out, "\nArguments:\n");
        w.col = 0;
        w.fresh = 1;
        fprintf(out, "  %s", d->args.metavar);
        w.col = 2 + (int)strlen(d->args.metavar);
        if (w.col > col - 2)
            wr_nl(&w);
        wr_pad(&w, col);
        wr_text(&w, d->args.help, col);
        wr_nl(&w);
    }

    fprintf(out, "\nOptions:\n");
    w.col = 0;
    w.fresh = 1;
    char h[HELP_BUF];
    for (size_t k = 0; k <= nopt; k++) {
        const char *text;
        if (k < nopt) {
            const gs_opt_decl *od = &d->opts[k];
            if (od->type == GS_OPT_FLAG)
                w.col = fprintf(out, "  --%s", od->name);
            else
                w.col = fprintf(out, "  --%s %s", od->name, metavar(od, m, sizeof m));
            help_text(d, od, h, sizeof h);
            text = h;
        } else {
            w.col = fprintf(out, "  -h, --help");
            text = "this text";
        }
        if (w.col > col - 2)
            wr_nl(&w);
        wr_pad(&w, col);
        wr_text(&w, text, col);
        wr_nl(&w);
    }

    wr_nl(&w);
    wr_text(&w, d->epilog ? d->epilog
                          : "Exit codes: 0 ok, 2 bad input (the message names the option, or the "
                            "file, line and field), 1 runtime failure.",
            0);
    wr_nl(&w);
    return ferror(out) ? -1 : 0;
}
