/* fleet_yaml.c: the fleet file reader (YAML, through libyaml's document API) and the loading of
 * the series a fleet references, and the built-in GPU catalogue (include/gridsplit/read/fleet.h,
 * docs/fleet-format.md).
 * Reading checks the file's shape: known keys (with a "did you mean" for typos), types,
 * required fields, enumerations and references by id; it applies the documented defaults and
 * then calls gs_fleet_validate for the value checks. Every error names the file, line and
 * column, the field path ("clusters[2].gpus"), what was expected and what was found. The
 * position of every field read is remembered so that errors found by gs_fleet_validate, which
 * knows only field paths, are reported at their line too. */
#include "gridsplit/fleet.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "gridsplit/duration.h"
#include "gridsplit/flex.h"
#include "gridsplit/time.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/import.h"
#include "gridsplit/read/tz.h"
#include "embed/assets.h"
#include "model/text.h"
#include "read/yaml_util.h"

/* Internal, defined below for src/model/fleet.c (declared there too; no internal fleet header). */
int gs__gpus_from_yaml(const char *text, size_t len, const char *name, gs_gpu **out, size_t *n,
                       gs_error *err);

#define PATH_LEN GS__YAML_PATH_LEN
enum { OPT = GS__YAML_OPT, REQ = GS__YAML_REQ };

/* Where a field was read: its path, file (index into ctx.files) and 1-based line/column. */
typedef struct mark {
    char path[PATH_LEN];
    int file, line, col;
} mark;

typedef struct ctx {
    gs__yaml y;                /* first: the document, the file being read, its directory, err */
    int file_idx;
    gs_fleet *f;
    mark *marks;
    size_t nmarks, capmarks;
    char **files;
    size_t nfiles;
    int nomem;
} ctx;

/* ---- small helpers ---- */

static void remember(ctx *c, const char *path, const yaml_node_t *n)
{
    if (c->nmarks == c->capmarks) {
        size_t cap = c->capmarks ? c->capmarks * 2 : 256;
        mark *m = realloc(c->marks, cap * sizeof *m);
        if (!m) {
            c->nomem = 1;
            return;
        }
        c->marks = m;
        c->capmarks = cap;
    }
    mark *m = &c->marks[c->nmarks++];
    snprintf(m->path, sizeof m->path, "%s", path);
    m->file = c->file_idx;
    m->line = n ? (int)n->start_mark.line + 1 : 0;
    m->col = n ? (int)n->start_mark.column + 1 : 0;
}

/* gs__yaml_lookup's on_field: remember every field read (y is the first member of a ctx). */
static void remember_field(gs__yaml *y, const char *path, const yaml_node_t *n)
{
    remember((ctx *)y, path, n);
}

/* A context for the document of the file named file (errors go to err). */
static void ctx_init(ctx *c, gs_fleet *f, const char *file, gs_error *err)
{
    memset(c, 0, sizeof *c);
    c->y.err = err;
    c->y.file = file;
    c->y.strict_paths = 1;
    c->y.on_field = remember_field;
    c->f = f;
}

static int nomem(ctx *c)
{
    return gs_error_set(c->y.err, GS_ENOMEM, c->y.file, 0, 0, NULL, "out of memory");
}

static int get_int(ctx *c, const yaml_node_t *map, const char *base, const char *key, int req,
                   int *out)
{
    char path[PATH_LEN], found[96];
    yaml_node_t *v;
    int rc = gs__yaml_lookup(&c->y, map, base, key, req, "an integer", path, &v);
    if (rc <= 0)
        return rc;
    const char *s = gs__yaml_scalar(v);
    if (s && !gs__yaml_is_null(v) && s[0]) {
        char *end;
        errno = 0;
        long long n = strtoll(s, &end, 10);
        if (end != s && !*end && errno != ERANGE && n >= INT_MIN && n <= INT_MAX) {
            *out = (int)n;
            return 1;
        }
    }
    gs__yaml_describe(v, found, sizeof found);
    return gs__yaml_fail(&c->y, v, path, "expected an integer, found %s", found);
}

/* An IANA time zone name (its existence is checked by gs_fleet_validate). */
static int get_tz(ctx *c, const yaml_node_t *map, const char *base, char *out, size_t len)
{
    if (!gs__yaml_get(&c->y, map, "tz"))
        return gs__yaml_fail(&c->y, map, base, "missing required key 'tz' (an IANA time zone name such as America/Chicago)");
    return gs__yaml_get_str(&c->y, map, base, "tz", REQ, out, len);
}

static int get_time(ctx *c, const yaml_node_t *map, const char *base, const char *key, int req,
                    int64_t *out)
{
    char path[PATH_LEN], found[96];
    yaml_node_t *v;
    int rc = gs__yaml_lookup(&c->y, map, base, key, req, "an ISO 8601 time", path, &v);
    if (rc <= 0)
        return rc;
    gs_error e = {0};
    const char *s = gs__yaml_scalar(v);
    if (s && !gs__yaml_is_null(v) && gs_parse_time(s, out, &e) == GS_OK)
        return 1;
    gs__yaml_describe(v, found, sizeof found);
    return gs__yaml_fail(&c->y, v, path, "expected an ISO 8601 time such as 2024-01-01 or 2024-01-01T00:00Z, found %s", found);
}

/* A duration in the one grammar of gridsplit/duration.h ("90s", "1.5h", "1h30min", "PT15M"), or
 * a plain YAML number of seconds; either way finite, >= 0 and at most GS_DURATION_MAX_S. */
static int get_dur(ctx *c, const yaml_node_t *map, const char *base, const char *key, int req,
                   double *out)
{
    char path[PATH_LEN], found[96];
    yaml_node_t *v;
    int rc = gs__yaml_lookup(&c->y, map, base, key, req, "a duration", path, &v);
    if (rc <= 0)
        return rc;
    double sec;
    if (gs__yaml_number(v, &sec) == 0) {
        if (sec >= 0 && sec <= GS_DURATION_MAX_S) {
            *out = sec;
            return 1;
        }
        gs__yaml_describe(v, found, sizeof found);
        return gs__yaml_fail(&c->y, v, path,
                             "expected a duration of 0 to 100 years (a number of seconds up to "
                             "%.0f), found %s", GS_DURATION_MAX_S, found);
    }
    const char *s = gs__yaml_scalar(v);
    gs_error e = {0};
    if (s && !gs__yaml_is_null(v) && gs_duration_parse(s, &sec, &e) == GS_OK) {
        *out = sec;
        return 1;
    }
    if (!s || gs__yaml_is_null(v)) {
        gs__yaml_describe(v, found, sizeof found);
        return gs__yaml_fail(&c->y, v, path,
                             "expected a duration such as 90s, 5min, 1.5h, 2d, 1h30min or PT15M, "
                             "found %s", found);
    }
    return gs__yaml_fail(&c->y, v, path, "%s", e.message);
}

static int get_enum(ctx *c, const yaml_node_t *map, const char *base, const char *key, int req,
                    const char *const *names, int *out)
{
    char path[PATH_LEN], found[96], all[256];
    yaml_node_t *v;
    size_t used = 0, n = 0;
    all[0] = '\0';
    for (; names[n]; n++) {
        int w = snprintf(all + used, sizeof all - used, "%s%s", n ? (names[n + 1] ? ", " : " or ") : "", names[n]);
        if (w > 0 && (size_t)w < sizeof all - used)
            used += (size_t)w;
    }
    int rc = gs__yaml_lookup(&c->y, map, base, key, req, all, path, &v);
    if (rc <= 0)
        return rc;
    const char *s = gs__yaml_scalar(v);
    if (s && !gs__yaml_is_null(v)) {
        for (size_t i = 0; i < n; i++)
            if (!strcmp(names[i], s)) {
                *out = (int)i;
                return 1;
            }
        const char *near = gs__nearest_word(names, s);
        if (near)
            return gs__yaml_fail(&c->y, v, path, "expected %s, found '%s' (did you mean '%s'?)", all, s, near);
    }
    gs__yaml_describe(v, found, sizeof found);
    return gs__yaml_fail(&c->y, v, path, "expected %s, found %s", all, found);
}

/* Resolve a reference by id among n structs whose first member is the id. */
static int get_ref(ctx *c, const yaml_node_t *map, const char *base, const char *key, int req,
                   const char *what, const char *ids, size_t stride, size_t n, int *out)
{
    char id[GS_ID_MAX], path[PATH_LEN];
    if (req && !gs__yaml_get(&c->y, map, key))
        return gs__yaml_fail(&c->y, map, base, "missing required key '%s' (the id of a %s)", key, what);
    int rc = gs__yaml_get_str(&c->y, map, base, key, req, id, sizeof id);
    if (rc <= 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(ids + i * stride, id)) {
            *out = (int)i;
            return 1;
        }
    gs__yaml_path(path, base, key);
    yaml_node_t *v = gs__yaml_get(&c->y, map, key);
    const char *near = gs__nearest(id, ids, stride, n);
    if (near)
        return gs__yaml_fail(&c->y, v, path, "unknown %s '%s' (did you mean '%s'?)", what, id, near);
    if (n == 0)
        return gs__yaml_fail(&c->y, v, path, "unknown %s '%s' (the fleet defines none)", what, id);
    char all[512];
    size_t used = 0;
    all[0] = '\0';
    for (size_t i = 0; i < n && used < sizeof all; i++) {
        int w = snprintf(all + used, sizeof all - used, "%s%s", i ? ", " : "", ids + i * stride);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return gs__yaml_fail(&c->y, v, path, "unknown %s '%s' (expected one of: %s)", what, id, all);
}

/* Fail when id (just read from it) repeats one of the n ids before it (stride bytes apart). */
static int check_dup(ctx *c, const yaml_node_t *it, const char *path, const char *sect,
                     const char *ids, size_t stride, size_t n)
{
    const char *id = ids + n * stride;
    for (size_t j = 0; j < n; j++)
        if (!strcmp(ids + j * stride, id)) {
            char p2[PATH_LEN];
            gs__yaml_path(p2, path, "id");
            return gs__yaml_fail(&c->y, gs__yaml_get(&c->y, it, "id"), p2, "duplicate id '%s' (also %s[%zu])", id, sect, j);
        }
    return GS_OK;
}

/* ---- sections ---- */

static const char *const tier_windows[] = {"event", "day", "run", NULL};

/* power_curve: ID -> the id, checked against the fleet's curves (with a "did you mean"). */
static int get_curve_ref(ctx *c, const yaml_node_t *it, const char *path, char *out)
{
    int k = -1;
    int rc = get_ref(c, it, path, "power_curve", OPT, "power curve", c->f->power_curves
                     ? c->f->power_curves[0].id : "", sizeof(gs_power_curve), c->f->npower_curves, &k);
    if (rc > 0)
        snprintf(out, GS_ID_MAX, "%s", c->f->power_curves[k].id);
    return rc;
}

/* A lead time: a positive duration (0 would read as "the policy's": leave the key out). */
static int get_lead(ctx *c, const yaml_node_t *m, const char *base, const char *key, double *out)
{
    int rc = get_dur(c, m, base, key, OPT, out);
    if (rc > 0 && !(*out > 0)) {
        char kp[PATH_LEN];
        gs__yaml_path(kp, base, key);
        return gs__yaml_fail(&c->y, gs__yaml_get(&c->y, m, key), kp,
                             "expected a positive duration such as 10s or 5min (leave the key out "
                             "for the policy's default), found '%s'",
                             gs__yaml_scalar(gs__yaml_get(&c->y, m, key)));
    }
    return rc;
}

/* leads: {cap: DURATION[, pause: DURATION]} (pause only where pause_out is not NULL). */
static int get_leads(ctx *c, const yaml_node_t *it, const char *base, double *cap_out,
                     double *pause_out)
{
    static const char *const both[] = {"cap", "pause", NULL};
    static const char *const cap_only[] = {"cap", NULL};
    char lp[PATH_LEN];
    yaml_node_t *m;
    int rc = gs__yaml_lookup(&c->y, it, base, "leads", OPT, "lead times", lp, &m);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(&c->y, m, lp,
                                 pause_out ? "lead times {cap: DURATION, pause: DURATION}"
                                           : "lead times {cap: DURATION}",
                                 pause_out ? both : cap_only)) ||
        (rc = get_lead(c, m, lp, "cap", cap_out)) < 0 ||
        (pause_out && (rc = get_lead(c, m, lp, "pause", pause_out)) < 0))
        return rc;
    return GS_OK;
}

/* checkpoint.on_signal: a signal name, "SIG" prefix and case ignored ("usr1", "SIGUSR1"). Its
 * membership in the signals a job can catch is checked by gs_fleet_validate. */
static int get_signal(ctx *c, const yaml_node_t *m, const char *base, char *out, size_t len)
{
    char raw[32];
    int rc = gs__yaml_get_str(&c->y, m, base, "on_signal", OPT, raw, sizeof raw);
    if (rc <= 0)
        return rc;
    const char *p = raw;
    if (!strncasecmp(p, "SIG", 3))
        p += 3;
    size_t k = 0;
    for (; p[k] && k + 1 < len; k++)
        out[k] = (char)(p[k] >= 'a' && p[k] <= 'z' ? p[k] - 'a' + 'A' : p[k]);
    out[k] = 0;
    return 1;
}

static int parse_ref(ctx *c, const yaml_node_t *n, const char *path, gs_series_ref *r)
{
    static const char *const keys[] = {"path", "format", "column", "time_column", "tz", "scale", NULL};
    char raw[GS_PATH_MAX], pp[PATH_LEN];
    int rc = gs__yaml_check_map(&c->y, n, path, "a series reference {path, format, ...}", keys);
    if (rc)
        return rc;
    memset(r, 0, sizeof *r);
    r->scale = 1.0;
    if ((rc = gs__yaml_get_str(&c->y, n, path, "path", REQ, raw, sizeof raw)) < 0)
        return rc;
    gs__yaml_path(pp, path, "path");
    if ((rc = gs__yaml_expand_path(&c->y, gs__yaml_get(&c->y, n, "path"), pp, raw, r->path, sizeof r->path)))
        return rc;
    if ((rc = gs__yaml_get_str(&c->y, n, path, "format", REQ, r->format, sizeof r->format)) < 0 ||
        (rc = gs__yaml_get_str(&c->y, n, path, "column", OPT, r->column, sizeof r->column)) < 0 ||
        (rc = gs__yaml_get_str(&c->y, n, path, "time_column", OPT, r->time_column, sizeof r->time_column)) < 0 ||
        (rc = gs__yaml_get_str(&c->y, n, path, "tz", OPT, r->tz, sizeof r->tz)) < 0 ||
        (rc = gs__yaml_get_num(&c->y, n, path, "scale", OPT, &r->scale)) < 0)
        return rc;
    return GS_OK;
}

static int opt_ref(ctx *c, const yaml_node_t *map, const char *base, const char *key, gs_series_ref *r)
{
    char path[PATH_LEN];
    yaml_node_t *v;
    memset(r, 0, sizeof *r);
    r->scale = 1.0;
    int rc = gs__yaml_lookup(&c->y, map, base, key, OPT, "a series reference", path, &v);
    if (rc <= 0)
        return rc;
    return parse_ref(c, v, path, r);
}

static int parse_gpus(ctx *c, const yaml_node_t *root, size_t ncat)
{
    static const char *const keys[] = {"id", "board_w", "idle_w", "overhead_w", "overhead_idle_w", "source", NULL};
    yaml_node_t *seq;
    size_t n;
    int rc = gs__yaml_get_list(&c->y, root, "", "gpus", OPT, "a list of GPU models", &seq, &n);
    if (rc <= 0)
        return rc;
    gs_fleet *f = c->f;
    gs_gpu *g = realloc(f->gpus, (ncat + n + 1) * sizeof *g);
    if (!g)
        return nomem(c);
    f->gpus = g;
    for (size_t i = 0; i < n; i++) {
        char path[PATH_LEN], id[GS_ID_MAX];
        yaml_node_t *it = gs__yaml_item(&c->y, seq, i);
        gs__yaml_index(path, "gpus", i);
        remember(c, path, it);
        if ((rc = gs__yaml_check_map(&c->y, it, path, "a GPU model (a mapping)", keys)))
            return rc;
        if ((rc = gs__yaml_get_str(&c->y, it, path, "id", REQ, id, sizeof id)) < 0)
            return rc;
        int at = gs_fleet_find_gpu(f, id);
        if (at >= (int)ncat) {
            char p2[PATH_LEN];
            gs__yaml_path(p2, path, "id");
            return gs__yaml_fail(&c->y, gs__yaml_get(&c->y, it, "id"), p2, "duplicate id '%s' (also gpus[%d])", id, at - (int)ncat);
        }
        int fresh = at < 0;
        gs_gpu *x;
        if (fresh) {
            x = &f->gpus[f->ngpus++];
            memset(x, 0, sizeof *x);
            memcpy(x->id, id, sizeof id);
        } else {
            /* an override moves to the end so that later duplicates are found as such */
            gs_gpu keep = f->gpus[at];
            memmove(&f->gpus[at], &f->gpus[at + 1], (f->ngpus - (size_t)at - 1) * sizeof *x);
            ncat--;
            f->gpus[f->ngpus - 1] = keep;
            x = &f->gpus[f->ngpus - 1];
        }
        int req = fresh ? REQ : OPT;
        const struct { const char *key; double *v; int positive; } w[] = {
            {"board_w", &x->board_w, 1}, {"idle_w", &x->idle_w, 0},
            {"overhead_w", &x->overhead_w, 0}, {"overhead_idle_w", &x->overhead_idle_w, 0}};
        for (size_t k = 0; k < 4; k++) {
            if ((rc = gs__yaml_get_num(&c->y, it, path, w[k].key, req, w[k].v)) < 0)
                return rc;
            if (rc > 0 && (w[k].positive ? !(*w[k].v > 0) : !(*w[k].v >= 0))) {
                char p2[PATH_LEN];
                gs__yaml_path(p2, path, w[k].key);
                return gs__yaml_fail(&c->y, gs__yaml_get(&c->y, it, w[k].key), p2, "expected a %s power in W, found '%s'",
                            w[k].positive ? "positive" : "non-negative", gs__yaml_scalar(gs__yaml_get(&c->y, it, w[k].key)));
            }
        }
        if ((rc = gs__yaml_get_str(&c->y, it, path, "source", OPT, x->source, sizeof x->source)) < 0)
            return rc;
    }
    return GS_OK;
}

/* ---- power curves ---- */

/* Measurements of one curve before the fit: cap, throughput and (NAN: not measured) power, W. */
typedef struct curve_pts {
    double cap_w[256], thr[256], pow_w[256];
    size_t n;
} curve_pts;

/* Fit pts into p->curve for board power p->board_w with the one fit of the planner's curves
 * (gs_capcurve_fit_measured, gridsplit/flex.h): measurements at the same cap averaged, throughput
 * and draw made non-decreasing in the cap, throughput 1 at the board power, draw a share of the
 * board. Errors are placed at node at (field path). */
static int fit_curve(ctx *c, const yaml_node_t *at, const char *path, const curve_pts *pts,
                     int has_power, gs_power_curve *p)
{
    size_t caps = 0;
    for (size_t i = 0; i < pts->n; i++) {
        if (pts->cap_w[i] > p->board_w * (1 + 1e-9))
            return gs__yaml_fail(&c->y, at, path,
                                 "expected caps at or below the board power (%g W), found %g W",
                                 p->board_w, pts->cap_w[i]);
        size_t k = 0;
        while (k < i && fabs(pts->cap_w[k] - pts->cap_w[i]) > 1e-9 * p->board_w)
            k++;
        caps += k == i;
    }
    if (caps < 2)
        return gs__yaml_fail(&c->y, at, path,
                             "expected measurements at 2 caps or more (the board power and one "
                             "below it), found %zu", caps);
    gs_error e = {0};
    if (gs_capcurve_fit_measured(p->workload, pts->cap_w, pts->thr, has_power ? pts->pow_w : NULL,
                                 pts->n, p->board_w, &p->curve, &e) < 0)
        return gs__yaml_fail(&c->y, at, path, "%s", e.message);
    return GS_OK;
}

/* The column of a header (case-insensitive, spaces trimmed), or -1. */
static int column_of(char **h, int nh, const char *name)
{
    for (int i = 0; i < nh; i++) {
        const char *a = h[i];
        while (*a == ' ')
            a++;
        size_t l = strlen(a);
        while (l && a[l - 1] == ' ')
            l--;
        if (l == strlen(name) && !strncasecmp(a, name, l))
            return i;
    }
    return -1;
}

/* sweep: {path, workload}: the rows of one workload of a DVFS sweep file (dvfs_sweep.csv:
 * Workload, GPU power cap, throughput, total GPU power, normalized throughput, power per GPU). */
static int read_sweep(ctx *c, const yaml_node_t *sw, const char *path, curve_pts *pts,
                      char *source, size_t source_len)
{
    static const char *const keys[] = {"path", "workload", NULL};
    char raw[GS_PATH_MAX], file[GS_PATH_MAX], pp[PATH_LEN], name[128];
    int rc;
    if ((rc = gs__yaml_check_map(&c->y, sw, path, "a sweep {path: FILE, workload: NAME}", keys)) ||
        (rc = gs__yaml_get_str(&c->y, sw, path, "path", REQ, raw, sizeof raw)) < 0 ||
        (rc = gs__yaml_get_str(&c->y, sw, path, "workload", REQ, name, sizeof name)) < 0)
        return rc;
    gs__yaml_path(pp, path, "path");
    yaml_node_t *pv = gs__yaml_get(&c->y, sw, "path");
    if ((rc = gs__yaml_expand_path(&c->y, pv, pp, raw, file, sizeof file)))
        return rc;
    gs_error pe = {0};
    if (gs__path_check(file, &pe) < 0)
        return gs__yaml_fail(&c->y, pv, pp, "expected a readable DVFS sweep file, found '%s' (%s)",
                             file, pe.message);
    gs__reader *r = gs__reader_open(file, c->y.err);
    if (!r)
        return c->y.err->code ? c->y.err->code : GS_EIO;
    static const char *const cols[] = {"Workload", "GPU power cap", "normalized throughput",
                                       "power per GPU"};
    int ci[4] = {-1, -1, -1, -1}, ncols = 0;
    char *line, *fl[32];
    size_t len;
    char seen[1024] = "";
    size_t nseen = 0;
    pts->n = 0;
    rc = GS_OK;
    int got;
    while ((got = gs__reader_line(r, &line, &len, c->y.err)) > 0) {
        long ln = gs__reader_lineno(r);
        int nf = gs__csv_split(line, fl, 32);
        if (nf > 32)
            nf = 32;
        if (ln == 1) {
            for (int k = 0; k < 4; k++)
                if ((ci[k] = column_of(fl, nf, cols[k])) < 0 && k != 3) {
                    rc = gs_error_set(c->y.err, GS_EINPUT, file, 1, 0, cols[k],
                                      "expected a DVFS sweep header with the columns Workload, GPU "
                                      "power cap, normalized throughput (and power per GPU), "
                                      "found no column '%s'", cols[k]);
                    goto out;
                }
            ncols = nf;
            continue;
        }
        if (nf == 1 && !fl[0][0])
            continue; /* blank line */
        if (nf < ncols) {
            rc = gs_error_set(c->y.err, GS_EINPUT, file, (int)ln, 0, NULL,
                              "expected %d fields as in the header, found %d", ncols, nf);
            goto out;
        }
        if (strcmp(fl[ci[0]], name)) {
            /* remember the names seen for a "did you mean" */
            if (!strstr(seen, fl[ci[0]]) && nseen + strlen(fl[ci[0]]) + 3 < sizeof seen)
                nseen += (size_t)snprintf(seen + nseen, sizeof seen - nseen, "%s%s",
                                          nseen ? ", " : "", fl[ci[0]]);
            continue;
        }
        double v[3];
        for (int k = 1; k < 4; k++) {
            if (ci[k] < 0) {
                v[k - 1] = NAN;
                continue;
            }
            char *end;
            errno = 0;
            v[k - 1] = strtod(fl[ci[k]], &end);
            while (*end == ' ')
                end++;
            if (end == fl[ci[k]] || *end || !isfinite(v[k - 1]) || (k != 2 && !(v[k - 1] > 0)) ||
                (k == 2 && !(v[k - 1] >= 0))) {
                rc = gs_error_set(c->y.err, GS_EINPUT, file, (int)ln, 0, cols[k],
                                  "expected a %s number in column '%s', found '%s'",
                                  k == 2 ? "non-negative" : "positive", cols[k], fl[ci[k]]);
                goto out;
            }
            if (k != 2 && v[k - 1] > GS_GPU_W_MAX) { /* a cap or a draw per GPU, W */
                rc = gs_error_set(c->y.err, GS_EINPUT, file, (int)ln, 0, cols[k],
                                  "expected a power per GPU of at most %.0f W in column '%s', "
                                  "found '%s'", GS_GPU_W_MAX, cols[k], fl[ci[k]]);
                goto out;
            }
        }
        if (pts->n == sizeof pts->thr / sizeof pts->thr[0]) {
            rc = gs_error_set(c->y.err, GS_EINPUT, file, (int)ln, 0, NULL,
                              "expected at most %zu rows for workload '%s'",
                              sizeof pts->thr / sizeof pts->thr[0], name);
            goto out;
        }
        pts->cap_w[pts->n] = v[0];
        pts->thr[pts->n] = v[1];
        pts->pow_w[pts->n] = v[2];
        pts->n++;
    }
    if (got < 0) {
        rc = got;
        goto out;
    }
    if (pts->n == 0) {
        char wp[PATH_LEN];
        gs__yaml_path(wp, path, "workload");
        rc = gs__yaml_fail(&c->y, gs__yaml_get(&c->y, sw, "workload"), wp,
                           "expected a workload of %s, found '%s' (the file has: %s)", file, name,
                           nseen ? seen : "no rows");
        goto out;
    }
    if (snprintf(source, source_len, "%s, workload %s", file, name) < 0)
        source[0] = 0;
out:
    gs__reader_close(r);
    return rc;
}

/* points: [{cap_w, throughput, power_w}] */
static int read_points(ctx *c, const yaml_node_t *it, const char *path, curve_pts *pts,
                       int *has_power)
{
    static const char *const keys[] = {"cap_w", "throughput", "power_w", NULL};
    yaml_node_t *seq;
    size_t n;
    char lp[PATH_LEN];
    int rc = gs__yaml_get_list(&c->y, it, path, "points", REQ,
                               "a list of points {cap_w, throughput, power_w}", &seq, &n);
    if (rc < 0)
        return rc;
    gs__yaml_path(lp, path, "points");
    if (n > sizeof pts->thr / sizeof pts->thr[0])
        return gs__yaml_fail(&c->y, seq, lp, "expected at most %zu points, found %zu",
                             sizeof pts->thr / sizeof pts->thr[0], n);
    pts->n = n;
    int with = 0;
    for (size_t i = 0; i < n; i++) {
        char ip[PATH_LEN];
        yaml_node_t *x = gs__yaml_item(&c->y, seq, i);
        gs__yaml_index(ip, lp, i);
        remember(c, ip, x);
        double pw = NAN;
        if ((rc = gs__yaml_check_map(&c->y, x, ip, "a point {cap_w, throughput, power_w}", keys)) ||
            (rc = gs__yaml_get_num(&c->y, x, ip, "cap_w", REQ, &pts->cap_w[i])) < 0 ||
            (rc = gs__yaml_get_num(&c->y, x, ip, "throughput", REQ, &pts->thr[i])) < 0 ||
            (rc = gs__yaml_get_num(&c->y, x, ip, "power_w", OPT, &pw)) < 0)
            return rc;
        const struct { const char *key; double v; int needed; } chk[] = {
            {"cap_w", pts->cap_w[i], 1}, {"throughput", pts->thr[i], 1}, {"power_w", pw, rc > 0}};
        for (size_t k = 0; k < 3; k++)
            if (chk[k].needed && !(chk[k].v > 0)) {
                char kp[PATH_LEN];
                gs__yaml_path(kp, ip, chk[k].key);
                return gs__yaml_fail(&c->y, gs__yaml_get(&c->y, x, chk[k].key), kp,
                                     "expected a positive number, found '%s'",
                                     gs__yaml_scalar(gs__yaml_get(&c->y, x, chk[k].key)));
            }
        if (i > 0 && (rc > 0) != (with > 0)) {
            char kp[PATH_LEN];
            gs__yaml_path(kp, ip, "power_w");
            return gs__yaml_fail(&c->y, rc > 0 ? gs__yaml_get(&c->y, x, "power_w") : x,
                                 rc > 0 ? kp : ip,
                                 "expected power_w on every point or on none (points[0] %s it)",
                                 with ? "has" : "has not");
        }
        with = rc > 0;
        pts->pow_w[i] = pw;
    }
    if (n == 0)
        return gs__yaml_fail(&c->y, seq, lp, "expected at least 2 points, found none");
    *has_power = with;
    return GS_OK;
}

static int parse_power_curves(ctx *c, const yaml_node_t *root)
{
    static const char *const keys[] = {"id", "workload", "gpu", "board_w", "sweep", "points", NULL};
    static const char *const workloads[] = {"pretraining", "finetuning", "inference-batch",
                                            "inference", NULL};
    yaml_node_t *seq;
    size_t n;
    gs_fleet *f = c->f;
    int rc = gs__yaml_get_list(&c->y, root, "", "power_curves", OPT,
                               "a list of measured power-cap curves", &seq, &n);
    if (rc <= 0)
        return rc;
    f->power_curves = calloc(n ? n : 1, sizeof *f->power_curves);
    curve_pts *pts = malloc(sizeof *pts);
    if (!f->power_curves || !pts) {
        free(pts);
        return nomem(c);
    }
    rc = GS_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        char path[PATH_LEN];
        yaml_node_t *it = gs__yaml_item(&c->y, seq, i);
        gs_power_curve *p = &f->power_curves[i];
        f->npower_curves = i + 1;
        p->gpu = -1;
        int wl = 0;
        gs__yaml_index(path, "power_curves", i);
        remember(c, path, it);
        if ((rc = gs__yaml_check_map(&c->y, it, path,
                                     "a power curve {id, workload, sweep or points}", keys)) ||
            (rc = gs__yaml_get_str(&c->y, it, path, "id", REQ, p->id, sizeof p->id)) < 0 ||
            (rc = check_dup(c, it, path, "power_curves", f->power_curves[0].id, sizeof *p, i)) ||
            (rc = get_enum(c, it, path, "workload", REQ, workloads, &wl)) < 0 ||
            (rc = get_ref(c, it, path, "gpu", OPT, "GPU model", f->gpus[0].id, sizeof(gs_gpu),
                          f->ngpus, &p->gpu)) < 0 ||
            (rc = gs__yaml_get_num(&c->y, it, path, "board_w", OPT, &p->board_w)) < 0)
            break;
        rc = GS_OK;
        snprintf(p->workload, sizeof p->workload, "%s", workloads[wl]);
        yaml_node_t *gv = gs__yaml_get(&c->y, it, "gpu"), *bv = gs__yaml_get(&c->y, it, "board_w");
        yaml_node_t *sv = gs__yaml_get(&c->y, it, "sweep"), *pv = gs__yaml_get(&c->y, it, "points");
        char kp[PATH_LEN];
        if (gv && bv) {
            gs__yaml_path(kp, path, "board_w");
            rc = gs__yaml_fail(&c->y, bv, kp, "expected gpu or board_w, found both (the board "
                               "power is the GPU model's)");
            break;
        }
        if (bv && !(p->board_w > 0)) {
            gs__yaml_path(kp, path, "board_w");
            rc = gs__yaml_fail(&c->y, bv, kp, "expected a positive power in W, found '%s'",
                               gs__yaml_scalar(bv));
            break;
        }
        if (!!sv == !!pv) {
            if (sv) {
                gs__yaml_path(kp, path, "points");
                rc = gs__yaml_fail(&c->y, pv, kp, "expected sweep or points, found both");
            } else {
                rc = gs__yaml_fail(&c->y, it, path,
                                   "missing required key 'sweep' or 'points' (the measurements: "
                                   "sweep: {path: FILE, workload: NAME} or points: [{cap_w, "
                                   "throughput, power_w}])");
            }
            break;
        }
        int has_power = 0;
        const yaml_node_t *at = NULL;
        if (sv) {
            gs__yaml_path(kp, path, "sweep");
            at = sv;
            if ((rc = read_sweep(c, sv, kp, pts, p->source, sizeof p->source)))
                break;
            has_power = 1;
            for (size_t k = 0; k < pts->n; k++)
                has_power &= isfinite(pts->pow_w[k]);
        } else {
            gs__yaml_path(kp, path, "points");
            at = pv;
            if ((rc = read_points(c, it, path, pts, &has_power)))
                break;
            snprintf(p->source, sizeof p->source, "points");
        }
        if (p->gpu >= 0) {
            p->board_w = f->gpus[p->gpu].board_w;
        } else if (!bv) {
            p->board_w = 0;
            for (size_t k = 0; k < pts->n; k++)
                if (pts->cap_w[k] > p->board_w)
                    p->board_w = pts->cap_w[k];
        }
        rc = fit_curve(c, at, kp, pts, has_power, p);
    }
    free(pts);
    return rc;
}

static int parse_zones(ctx *c, const yaml_node_t *root)
{
    static const char *const keys[] = {"id", "price", "carbon", "demand", NULL};
    yaml_node_t *seq;
    size_t n;
    int rc = gs__yaml_get_list(&c->y, root, "", "zones", REQ, "a list of grid zones", &seq, &n);
    if (rc <= 0)
        return rc;
    c->f->zones = calloc(n ? n : 1, sizeof *c->f->zones);
    if (!c->f->zones)
        return nomem(c);
    for (size_t i = 0; i < n; i++) {
        char path[PATH_LEN];
        yaml_node_t *it = gs__yaml_item(&c->y, seq, i);
        gs_zone *z = &c->f->zones[i];
        c->f->nzones = i + 1;
        gs__yaml_index(path, "zones", i);
        remember(c, path, it);
        if ((rc = gs__yaml_check_map(&c->y, it, path, "a zone (a mapping)", keys)) ||
            (rc = gs__yaml_get_str(&c->y, it, path, "id", REQ, z->id, sizeof z->id)) < 0 ||
            (rc = check_dup(c, it, path, "zones", c->f->zones[0].id, sizeof *z, i)) ||
            (rc = opt_ref(c, it, path, "price", &z->price_ref)) < 0 ||
            (rc = opt_ref(c, it, path, "carbon", &z->carbon_ref)) < 0 ||
            (rc = opt_ref(c, it, path, "demand", &z->demand_ref)) < 0)
            return rc;
    }
    return GS_OK;
}

static int parse_pue(ctx *c, const yaml_node_t *it, const char *base, gs_site *s)
{
    char path[PATH_LEN], found[96];
    yaml_node_t *v;
    int rc = gs__yaml_lookup(&c->y, it, base, "pue", REQ, "a number, {monthly: [12 numbers]} or a series reference", path, &v);
    if (rc <= 0)
        return rc;
    if (v->type == YAML_SCALAR_NODE) {
        s->pue_kind = GS_PUE_CONST;
        return gs__yaml_get_num(&c->y, it, base, "pue", REQ, &s->pue) < 0 ? GS_EINPUT : GS_OK;
    }
    if (v->type == YAML_MAPPING_NODE && gs__yaml_get(&c->y, v, "monthly")) {
        static const char *const keys[] = {"monthly", NULL};
        yaml_node_t *seq;
        size_t n;
        if ((rc = gs__yaml_check_map(&c->y, v, path, "{monthly: [12 numbers]}", keys)) ||
            (rc = gs__yaml_get_list(&c->y, v, path, "monthly", REQ, "a list of 12 monthly PUEs", &seq, &n)) < 0)
            return rc;
        char mp[PATH_LEN];
        gs__yaml_path(mp, path, "monthly");
        if (n != 12)
            return gs__yaml_fail(&c->y, seq, mp, "expected 12 monthly values (January first), found %zu", n);
        for (size_t m = 0; m < 12; m++) {
            char ip[PATH_LEN];
            yaml_node_t *x = gs__yaml_item(&c->y, seq, m);
            gs__yaml_index(ip, mp, m);
            remember(c, ip, x);
            if (gs__yaml_number(x, &s->pue_monthly[m])) {
                gs__yaml_describe(x, found, sizeof found);
                return gs__yaml_fail(&c->y, x, ip, "expected a number, found %s", found);
            }
        }
        s->pue_kind = GS_PUE_MONTHLY;
        s->pue = s->pue_monthly[0];
        return GS_OK;
    }
    if (v->type == YAML_MAPPING_NODE) {
        s->pue_kind = GS_PUE_SERIES;
        s->pue = 1.0;
        return parse_ref(c, v, path, &s->pue_ref);
    }
    gs__yaml_describe(v, found, sizeof found);
    return gs__yaml_fail(&c->y, v, path, "expected a number, {monthly: [12 numbers]} or a series reference, found %s", found);
}

static int parse_sites(ctx *c, const yaml_node_t *root)
{
    static const char *const keys[] = {"id", "name", "lat", "lon", "tz", "zone", "interconnect_mw",
                                       "pue", "cooling", "rack_kw_max", "oversubscribed", NULL};
    static const char *const cooling[] = {"air", "hybrid", "liquid", NULL};
    static const char *const boolean[] = {"false", "true", NULL};
    yaml_node_t *seq;
    size_t n;
    gs_fleet *f = c->f;
    int rc = gs__yaml_get_list(&c->y, root, "", "sites", REQ, "a list of sites", &seq, &n);
    if (rc <= 0)
        return rc;
    f->sites = calloc(n ? n : 1, sizeof *f->sites);
    if (!f->sites)
        return nomem(c);
    for (size_t i = 0; i < n; i++) {
        char path[PATH_LEN];
        yaml_node_t *it = gs__yaml_item(&c->y, seq, i);
        gs_site *s = &f->sites[i];
        f->nsites = i + 1;
        int cool = GS_COOL_AIR, over = 0;
        gs__yaml_index(path, "sites", i);
        remember(c, path, it);
        if ((rc = gs__yaml_check_map(&c->y, it, path, "a site (a mapping)", keys)) ||
            (rc = gs__yaml_get_str(&c->y, it, path, "id", REQ, s->id, sizeof s->id)) < 0 ||
            (rc = check_dup(c, it, path, "sites", f->sites[0].id, sizeof *s, i)) ||
            (rc = gs__yaml_get_str(&c->y, it, path, "name", OPT, s->name, sizeof s->name)) < 0 ||
            (rc = gs__yaml_get_num(&c->y, it, path, "lat", REQ, &s->lat)) < 0 ||
            (rc = gs__yaml_get_num(&c->y, it, path, "lon", REQ, &s->lon)) < 0 ||
            (rc = get_tz(c, it, path, s->tz, sizeof s->tz)) < 0 ||
            (rc = get_ref(c, it, path, "zone", REQ, "zone", f->zones[0].id, sizeof(gs_zone), f->nzones, &s->zone)) < 0 ||
            (rc = gs__yaml_get_num(&c->y, it, path, "interconnect_mw", REQ, &s->interconnect_mw)) < 0 ||
            (rc = parse_pue(c, it, path, s)) < 0 ||
            (rc = get_enum(c, it, path, "cooling", OPT, cooling, &cool)) < 0 ||
            (rc = gs__yaml_get_num(&c->y, it, path, "rack_kw_max", OPT, &s->rack_kw_max)) < 0 ||
            (rc = get_enum(c, it, path, "oversubscribed", OPT, boolean, &over)) < 0)
            return rc;
        s->cooling = (gs_cooling)cool;
        s->oversubscribed = over;
        if (!s->name[0])
            memcpy(s->name, s->id, sizeof s->id);
    }
    return GS_OK;
}

static int parse_region(ctx *c, const yaml_node_t *it, const char *path, gs_region *g)
{
    static const char *const keys[] = {"id", "lat", "lon", "tz", "share", "site", NULL};
    gs_fleet *f = c->f;
    int rc;
    g->site = -1;
    remember(c, path, it);
    if ((rc = gs__yaml_check_map(&c->y, it, path, "a demand region (a mapping)", keys)) ||
        (rc = gs__yaml_get_str(&c->y, it, path, "id", REQ, g->id, sizeof g->id)) < 0 ||
        (rc = gs__yaml_get_num(&c->y, it, path, "lat", REQ, &g->lat)) < 0 ||
        (rc = gs__yaml_get_num(&c->y, it, path, "lon", REQ, &g->lon)) < 0 ||
        (rc = get_tz(c, it, path, g->tz, sizeof g->tz)) < 0 ||
        (rc = gs__yaml_get_num(&c->y, it, path, "share", REQ, &g->share)) < 0 ||
        (rc = get_ref(c, it, path, "site", OPT, "site", f->sites[0].id, sizeof(gs_site), f->nsites, &g->site)) < 0)
        return rc;
    return GS_OK;
}

static int add_file(ctx *c, const char *name)
{
    char **files = realloc(c->files, (c->nfiles + 1) * sizeof *files);
    if (!files)
        return -1;
    c->files = files;
    c->files[c->nfiles] = strdup(name);
    if (!c->files[c->nfiles])
        return -1;
    return (int)c->nfiles++;
}

/* Regions listed in a separate YAML file: a mapping with one key, regions. */
static int parse_regions_file(ctx *c, const yaml_node_t *it, const char *base, gs_service *s)
{
    char raw[GS_PATH_MAX], file[GS_PATH_MAX], path[PATH_LEN];
    int rc = gs__yaml_get_str(&c->y, it, base, "regions_file", REQ, raw, sizeof raw);
    if (rc < 0)
        return rc;
    gs__yaml_path(path, base, "regions_file");
    yaml_node_t *v = gs__yaml_get(&c->y, it, "regions_file");
    if ((rc = gs__yaml_expand_path(&c->y, v, path, raw, file, sizeof file)))
        return rc;
    struct stat st;
    if (stat(file, &st) != 0 || !S_ISREG(st.st_mode))
        return gs__yaml_fail(&c->y, v, path, "expected a readable regions file, found '%s' (%s)", file,
                    stat(file, &st) != 0 ? strerror(errno) : "not a regular file");
    yaml_document_t doc;
    if ((rc = gs__yaml_load(file, NULL, 0, 1, &doc, c->y.err)))
        return rc;
    yaml_document_t *saved_doc = c->y.doc;
    const char *saved_file = c->y.file;
    int saved_idx = c->file_idx;
    int idx = add_file(c, file);
    if (idx < 0) {
        yaml_document_delete(&doc);
        return nomem(c);
    }
    c->y.doc = &doc;
    c->y.file = c->files[idx];
    c->file_idx = idx;
    static const char *const keys[] = {"regions", NULL};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    yaml_node_t *seq;
    size_t n = 0;
    char rp[PATH_LEN];
    gs__yaml_path(rp, base, "regions");
    if (!root)
        rc = gs__yaml_fail(&c->y, NULL, NULL, "the regions file is empty: expected a mapping with a 'regions:' list");
    else if (!(rc = gs__yaml_check_map(&c->y, root, "", "a mapping with a 'regions:' list", keys)) &&
             (rc = gs__yaml_get_list(&c->y, root, "", "regions", REQ, "a list of demand regions", &seq, &n)) > 0) {
        rc = GS_OK;
        remember(c, rp, seq);
        s->regions = calloc(n ? n : 1, sizeof *s->regions);
        if (!s->regions)
            rc = nomem(c);
        for (size_t j = 0; !rc && j < n; j++) {
            char ip[PATH_LEN];
            s->nregions = j + 1;
            gs__yaml_index(ip, rp, j);
            rc = parse_region(c, gs__yaml_item(&c->y, seq, j), ip, &s->regions[j]);
        }
    }
    c->y.doc = saved_doc;
    c->y.file = saved_file;
    c->file_idx = saved_idx;
    yaml_document_delete(&doc);
    return rc < 0 ? rc : GS_OK;
}

static int parse_shape(ctx *c, const yaml_node_t *it, const char *base, gs_shape *h)
{
    static const char *const keys[] = {"peak_hour", "peak_to_trough", "sharpness", "weekend_factor",
                                       "growth_per_year", NULL};
    char path[PATH_LEN];
    yaml_node_t *v;
    h->peak_hour = 15;
    h->peak_to_trough = 4;
    h->sharpness = 1.5;
    h->weekend_factor = 0.85;
    h->growth_per_year = 0;
    int rc = gs__yaml_lookup(&c->y, it, base, "shape", OPT, "a demand shape", path, &v);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(&c->y, v, path, "a demand shape (a mapping)", keys)) ||
        (rc = gs__yaml_get_num(&c->y, v, path, "peak_hour", OPT, &h->peak_hour)) < 0 ||
        (rc = gs__yaml_get_num(&c->y, v, path, "peak_to_trough", OPT, &h->peak_to_trough)) < 0 ||
        (rc = gs__yaml_get_num(&c->y, v, path, "sharpness", OPT, &h->sharpness)) < 0 ||
        (rc = gs__yaml_get_num(&c->y, v, path, "weekend_factor", OPT, &h->weekend_factor)) < 0 ||
        (rc = gs__yaml_get_num(&c->y, v, path, "growth_per_year", OPT, &h->growth_per_year)) < 0)
        return rc;
    return GS_OK;
}

static int parse_services(ctx *c, const yaml_node_t *root)
{
    static const char *const keys[] = {
        "id", "peak_requests_per_s", "energy_per_request_j", "energy_per_token_j",
        "tokens_per_request", "requests_per_s_per_gpu", "latency_budget_ms", "server_time_ms", "floor_frac",
        "headroom_frac", "shape", "demand", "growth_epoch", "regions", "regions_file",
        "power_curve", "tier", "tier_window", "leads", NULL};
    yaml_node_t *seq;
    size_t n;
    gs_fleet *f = c->f;
    int rc = gs__yaml_get_list(&c->y, root, "", "services", OPT, "a list of inference services", &seq, &n);
    if (rc < 0)
        return rc;
    f->services = calloc(n ? n : 1, sizeof *f->services);
    if (!f->services)
        return nomem(c);
    for (size_t i = 0; i < n; i++) {
        char path[PATH_LEN];
        yaml_node_t *it = gs__yaml_item(&c->y, seq, i);
        gs_service *s = &f->services[i];
        f->nservices = i + 1;
        gs__yaml_index(path, "services", i);
        remember(c, path, it);
        s->floor_frac = 0.2;
        s->headroom_frac = 0.15;
        if ((rc = gs__yaml_check_map(&c->y, it, path, "an inference service (a mapping)", keys)) ||
            (rc = gs__yaml_get_str(&c->y, it, path, "id", REQ, s->id, sizeof s->id)) < 0 ||
            (rc = check_dup(c, it, path, "services", f->services[0].id, sizeof *s, i)) ||
            (rc = gs__yaml_get_num(&c->y, it, path, "peak_requests_per_s", REQ, &s->peak_requests_per_s)) < 0)
            return rc;
        /* energy: per request, or per token times tokens per request */
        yaml_node_t *per_req = gs__yaml_get(&c->y, it, "energy_per_request_j"), *per_tok = gs__yaml_get(&c->y, it, "energy_per_token_j");
        if (per_req && per_tok) {
            char p2[PATH_LEN];
            gs__yaml_path(p2, path, "energy_per_token_j");
            return gs__yaml_fail(&c->y, per_tok, p2, "expected energy_per_request_j or energy_per_token_j with "
                                        "tokens_per_request, found both");
        }
        if (per_tok) {
            double ej = 0, tokens = 0;
            if ((rc = gs__yaml_get_num(&c->y, it, path, "energy_per_token_j", REQ, &ej)) < 0 ||
                (rc = gs__yaml_get_num(&c->y, it, path, "tokens_per_request", REQ, &tokens)) < 0)
                return rc;
            s->energy_per_request_j = ej * tokens;
            /* validation names energy_per_request_j: point it at the per-token figure */
            char p2[PATH_LEN];
            gs__yaml_path(p2, path, "energy_per_request_j");
            remember(c, p2, per_tok);
        } else {
            if (gs__yaml_get(&c->y, it, "tokens_per_request")) {
                char p2[PATH_LEN];
                gs__yaml_path(p2, path, "tokens_per_request");
                return gs__yaml_fail(&c->y, gs__yaml_get(&c->y, it, "tokens_per_request"), p2,
                            "tokens_per_request goes with energy_per_token_j, which is missing");
            }
            if ((rc = gs__yaml_lookup(&c->y, it, path, "energy_per_request_j", REQ,
                             "a number of J, or energy_per_token_j with tokens_per_request",
                             (char[PATH_LEN]){0}, &per_req)) < 0 ||
                (rc = gs__yaml_get_num(&c->y, it, path, "energy_per_request_j", REQ, &s->energy_per_request_j)) < 0)
                return rc;
        }
        if ((rc = gs__yaml_get_num(&c->y, it, path, "requests_per_s_per_gpu", REQ, &s->requests_per_s_per_gpu)) < 0 ||
            (rc = gs__yaml_get_num(&c->y, it, path, "latency_budget_ms", REQ, &s->latency_budget_ms)) < 0 ||
            (rc = gs__yaml_get_num(&c->y, it, path, "server_time_ms", OPT, &s->server_time_ms)) < 0 ||
            (rc = gs__yaml_get_num(&c->y, it, path, "floor_frac", OPT, &s->floor_frac)) < 0 ||
            (rc = gs__yaml_get_num(&c->y, it, path, "headroom_frac", OPT, &s->headroom_frac)) < 0 ||
            (rc = parse_shape(c, it, path, &s->shape)) < 0 ||
            (rc = opt_ref(c, it, path, "demand", &s->demand_ref)) < 0 ||
            (rc = get_time(c, it, path, "growth_epoch", OPT, &s->growth_epoch_s)) < 0 ||
            (rc = get_curve_ref(c, it, path, s->power_curve)) < 0 ||
            (rc = gs__yaml_get_num(&c->y, it, path, "tier", OPT, &s->tier)) < 0)
            return rc;
        if (gs__yaml_get(&c->y, it, "tier") && !(s->tier > 0 && s->tier <= 1)) {
            char p2[PATH_LEN];
            gs__yaml_path(p2, path, "tier");
            return gs__yaml_fail(&c->y, gs__yaml_get(&c->y, it, "tier"), p2,
                                 "expected a fraction within (0, 1], found '%s'",
                                 gs__yaml_scalar(gs__yaml_get(&c->y, it, "tier")));
        }
        int tw = GS_TIER_EVENT;
        if ((rc = get_enum(c, it, path, "tier_window", OPT, tier_windows, &tw)) < 0 ||
            (rc = get_leads(c, it, path, &s->lead_cap_s, NULL)) < 0)
            return rc;
        s->tier_window = (gs_tier_window)tw;
        yaml_node_t *inl = gs__yaml_get(&c->y, it, "regions"), *file = gs__yaml_get(&c->y, it, "regions_file");
        if (inl && file) {
            char p2[PATH_LEN];
            gs__yaml_path(p2, path, "regions_file");
            return gs__yaml_fail(&c->y, file, p2, "expected regions or regions_file, found both");
        }
        if (file) {
            if ((rc = parse_regions_file(c, it, path, s)))
                return rc;
            continue;
        }
        yaml_node_t *rs;
        size_t nr;
        char rp[PATH_LEN];
        gs__yaml_path(rp, path, "regions");
        if ((rc = gs__yaml_get_list(&c->y, it, path, "regions", REQ, "a list of demand regions (or regions_file)", &rs, &nr)) < 0)
            return rc;
        s->regions = calloc(nr ? nr : 1, sizeof *s->regions);
        if (!s->regions)
            return nomem(c);
        for (size_t j = 0; j < nr; j++) {
            char ip[PATH_LEN];
            s->nregions = j + 1;
            gs__yaml_index(ip, rp, j);
            if ((rc = parse_region(c, gs__yaml_item(&c->y, rs, j), ip, &s->regions[j])))
                return rc;
        }
    }
    return GS_OK;
}

static int parse_clusters(ctx *c, const yaml_node_t *root)
{
    static const char *const keys[] = {"id", "site", "class", "gpu", "gpus", "racks", "utilisation",
                                       "cost_usd_per_gpu_hour", "service", NULL};
    static const char *const classes[] = {"training", "inference", NULL};
    yaml_node_t *seq;
    size_t n;
    gs_fleet *f = c->f;
    int rc = gs__yaml_get_list(&c->y, root, "", "clusters", REQ, "a list of clusters", &seq, &n);
    if (rc <= 0)
        return rc;
    f->clusters = calloc(n ? n : 1, sizeof *f->clusters);
    if (!f->clusters)
        return nomem(c);
    for (size_t i = 0; i < n; i++) {
        char path[PATH_LEN];
        yaml_node_t *it = gs__yaml_item(&c->y, seq, i);
        gs_cluster *k = &f->clusters[i];
        f->nclusters = i + 1;
        int cls = 0;
        gs__yaml_index(path, "clusters", i);
        remember(c, path, it);
        k->utilisation = 0.9;
        k->cost_usd_per_gpu_hour = 2.0;
        k->service = -1;
        if ((rc = gs__yaml_check_map(&c->y, it, path, "a cluster (a mapping)", keys)) ||
            (rc = gs__yaml_get_str(&c->y, it, path, "id", REQ, k->id, sizeof k->id)) < 0 ||
            (rc = check_dup(c, it, path, "clusters", f->clusters[0].id, sizeof *k, i)) ||
            (rc = get_ref(c, it, path, "site", REQ, "site", f->sites[0].id, sizeof(gs_site), f->nsites, &k->site)) < 0 ||
            (rc = get_enum(c, it, path, "class", REQ, classes, &cls)) < 0 ||
            (rc = get_ref(c, it, path, "gpu", REQ, "GPU model", f->gpus[0].id, sizeof(gs_gpu), f->ngpus, &k->gpu)) < 0 ||
            (rc = get_int(c, it, path, "gpus", REQ, &k->gpus)) < 0 ||
            (rc = get_int(c, it, path, "racks", REQ, &k->racks)) < 0 ||
            (rc = gs__yaml_get_num(&c->y, it, path, "utilisation", OPT, &k->utilisation)) < 0 ||
            (rc = gs__yaml_get_num(&c->y, it, path, "cost_usd_per_gpu_hour", OPT, &k->cost_usd_per_gpu_hour)) < 0)
            return rc;
        k->cls = (gs_class)cls;
        if (k->cls == GS_TRAINING && gs__yaml_get(&c->y, it, "service")) {
            char p2[PATH_LEN];
            gs__yaml_path(p2, path, "service");
            return gs__yaml_fail(&c->y, gs__yaml_get(&c->y, it, "service"), p2,
                        "expected no service on a training cluster (inference clusters run services), "
                        "found '%s'", gs__yaml_scalar(gs__yaml_get(&c->y, it, "service")) ? gs__yaml_scalar(gs__yaml_get(&c->y, it, "service")) : "");
        }
        if (k->cls == GS_INFERENCE && !gs__yaml_get(&c->y, it, "service"))
            return gs__yaml_fail(&c->y, it, path, "missing required key 'service' (inference clusters name the "
                                     "service they run)");
        if (k->cls == GS_INFERENCE &&
            (rc = get_ref(c, it, path, "service", REQ, "service", f->services[0].id, sizeof(gs_service),
                          f->nservices, &k->service)) < 0)
            return rc;
    }
    return GS_OK;
}

static int parse_runs(ctx *c, const yaml_node_t *root)
{
    static const char *const tkeys[] = {"runs", NULL};
    static const char *const keys[] = {"id", "cluster", "gpus", "start", "length", "gpu_hours",
                                       "checkpoint", "restart_overhead", "deadline", "tier",
                                       "utilisation", "workload", "power_curve", "tier_window",
                                       "leads", NULL};
    static const char *const ckeys[] = {"interval", "duration", "power_frac", "on_signal",
                                        "signal_duration", NULL};
    gs_fleet *f = c->f;
    char tp[PATH_LEN];
    yaml_node_t *t, *seq;
    size_t n;
    int rc = gs__yaml_lookup(&c->y, root, "", "training", OPT, "training runs", tp, &t);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(&c->y, t, "training", "a mapping with 'runs:'", tkeys)) ||
        (rc = gs__yaml_get_list(&c->y, t, "training", "runs", OPT, "a list of training runs", &seq, &n)) < 0)
        return rc;
    if (rc == 0)
        return GS_OK;
    f->runs = calloc(n ? n : 1, sizeof *f->runs);
    if (!f->runs)
        return nomem(c);
    for (size_t i = 0; i < n; i++) {
        char path[PATH_LEN];
        yaml_node_t *it = gs__yaml_item(&c->y, seq, i);
        gs_run *r = &f->runs[i];
        f->nruns = i + 1;
        gs__yaml_index(path, "training.runs", i);
        remember(c, path, it);
        r->utilisation = -1;
        r->tier = 1.0;
        r->ckpt_power_frac = 0.3;
        snprintf(r->workload, sizeof r->workload, "pretraining");
        if ((rc = gs__yaml_check_map(&c->y, it, path, "a training run (a mapping)", keys)) ||
            (rc = gs__yaml_get_str(&c->y, it, path, "id", REQ, r->id, sizeof r->id)) < 0 ||
            (rc = check_dup(c, it, path, "training.runs", f->runs[0].id, sizeof *r, i)) ||
            (rc = get_ref(c, it, path, "cluster", REQ, "cluster", f->clusters[0].id, sizeof(gs_cluster), f->nclusters, &r->cluster)) < 0)
            return rc;
        r->gpus = f->clusters[r->cluster].gpus;
        if ((rc = get_int(c, it, path, "gpus", OPT, &r->gpus)) < 0 ||
            (rc = get_time(c, it, path, "start", REQ, &r->start_s)) < 0)
            return rc;
        yaml_node_t *len = gs__yaml_get(&c->y, it, "length"), *gh = gs__yaml_get(&c->y, it, "gpu_hours");
        if (len && gh) {
            char p2[PATH_LEN];
            gs__yaml_path(p2, path, "gpu_hours");
            return gs__yaml_fail(&c->y, gh, p2, "expected length or gpu_hours, found both");
        }
        if (gh) {
            double h = 0;
            if ((rc = gs__yaml_get_num(&c->y, it, path, "gpu_hours", REQ, &h)) < 0)
                return rc;
            if (!(h > 0)) {
                char p2[PATH_LEN];
                gs__yaml_path(p2, path, "gpu_hours");
                return gs__yaml_fail(&c->y, gh, p2, "expected a positive number of GPU-hours, found '%s'", gs__yaml_scalar(gh));
            }
            r->length_s = r->gpus > 0 ? h * 3600.0 / r->gpus : 0;
            char p2[PATH_LEN];
            gs__yaml_path(p2, path, "length");
            remember(c, p2, gh);
        } else if ((rc = gs__yaml_lookup(&c->y, it, path, "length", REQ, "a duration, or gpu_hours", (char[PATH_LEN]){0}, &len)) < 0 ||
                   (rc = get_dur(c, it, path, "length", REQ, &r->length_s)) < 0) {
            return rc;
        }
        char cp[PATH_LEN];
        yaml_node_t *ck;
        if ((rc = gs__yaml_lookup(&c->y, it, path, "checkpoint", OPT, "a checkpoint rhythm", cp, &ck)) < 0)
            return rc;
        if (rc > 0) {
            /* a schedule (interval and duration), a signal (on_signal and its duration), or both */
            if ((rc = gs__yaml_check_map(&c->y, ck, cp,
                                         "a checkpoint {interval, duration, power_frac, on_signal, "
                                         "signal_duration}", ckeys)) ||
                (rc = get_signal(c, ck, cp, r->ckpt_signal, sizeof r->ckpt_signal)) < 0)
                return rc;
            int sched = !r->ckpt_signal[0] || gs__yaml_get(&c->y, ck, "interval");
            if ((rc = get_dur(c, ck, cp, "interval", sched ? REQ : OPT, &r->ckpt_interval_s)) < 0 ||
                (rc = get_dur(c, ck, cp, "duration", sched ? REQ : OPT, &r->ckpt_duration_s)) < 0 ||
                (rc = gs__yaml_get_num(&c->y, ck, cp, "power_frac", OPT, &r->ckpt_power_frac)) < 0)
                return rc;
            yaml_node_t *sd = gs__yaml_get(&c->y, ck, "signal_duration");
            if (sd && !r->ckpt_signal[0]) {
                char p2[PATH_LEN];
                gs__yaml_path(p2, cp, "signal_duration");
                return gs__yaml_fail(&c->y, sd, p2, "signal_duration goes with on_signal, which is "
                                     "missing");
            }
            if (r->ckpt_signal[0]) {
                r->ckpt_signal_s = r->ckpt_duration_s;
                if (!sd && !gs__yaml_get(&c->y, ck, "duration"))
                    return gs__yaml_fail(&c->y, ck, cp,
                                         "missing required key 'signal_duration' (how long a "
                                         "checkpoint on %s takes)", r->ckpt_signal);
                if ((rc = get_dur(c, ck, cp, "signal_duration", OPT, &r->ckpt_signal_s)) < 0)
                    return rc;
                if (!sd) { /* validation names signal_duration: point it at duration */
                    char p2[PATH_LEN];
                    gs__yaml_path(p2, cp, "signal_duration");
                    remember(c, p2, gs__yaml_get(&c->y, ck, "duration"));
                }
                if (!sched)
                    r->ckpt_duration_s = 0; /* no schedule: the duration is the signal's */
            }
        }
        if ((rc = get_dur(c, it, path, "restart_overhead", OPT, &r->restart_overhead_s)) < 0 ||
            (rc = get_time(c, it, path, "deadline", OPT, &r->deadline_s)) < 0 ||
            (rc = gs__yaml_get_num(&c->y, it, path, "tier", OPT, &r->tier)) < 0 ||
            (rc = gs__yaml_get_num(&c->y, it, path, "utilisation", OPT, &r->utilisation)) < 0 ||
            (rc = gs__yaml_get_str(&c->y, it, path, "workload", OPT, r->workload, sizeof r->workload)) < 0 ||
            (rc = get_curve_ref(c, it, path, r->power_curve)) < 0 ||
            (rc = get_leads(c, it, path, &r->lead_cap_s, &r->lead_pause_s)) < 0)
            return rc;
        int tw = GS_TIER_EVENT;
        if ((rc = get_enum(c, it, path, "tier_window", OPT, tier_windows, &tw)) < 0)
            return rc;
        r->tier_window = (gs_tier_window)tw;
        if (gs__yaml_get(&c->y, it, "utilisation") && !(r->utilisation > 0 && r->utilisation <= 1)) {
            char p2[PATH_LEN];
            gs__yaml_path(p2, path, "utilisation");
            return gs__yaml_fail(&c->y, gs__yaml_get(&c->y, it, "utilisation"), p2, "expected a fraction within (0, 1], found '%s'",
                        gs__yaml_scalar(gs__yaml_get(&c->y, it, "utilisation")));
        }
    }
    return GS_OK;
}

static int parse_period(ctx *c, const yaml_node_t *root)
{
    static const char *const keys[] = {"from", "to", NULL};
    char path[PATH_LEN];
    yaml_node_t *v;
    int rc = gs__yaml_lookup(&c->y, root, "", "period", OPT, "a period {from, to}", path, &v);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(&c->y, v, "period", "a period {from, to}", keys)) ||
        (rc = get_time(c, v, "period", "from", REQ, &c->f->default_from_s)) < 0 ||
        (rc = get_time(c, v, "period", "to", REQ, &c->f->default_to_s)) < 0)
        return rc;
    return GS_OK;
}

/* network: {rtt, rtt_regions, cables, net_prices, net_places}: paths (${GS_SHARED} and relative
 * to the fleet file expanded), each checked to exist here so that a typo is named at its line;
 * rtt_regions only with rtt, net_prices and net_places together (as the options). */
static int parse_network(ctx *c, const yaml_node_t *root)
{
    static const char *const keys[] = {"rtt", "rtt_regions", "cables", "net_prices", "net_places", NULL};
    const char *what = "a mapping of network inputs (rtt, rtt_regions, cables, net_prices, net_places)";
    char path[PATH_LEN];
    yaml_node_t *v;
    int rc = gs__yaml_lookup(&c->y, root, "", "network", OPT, what, path, &v);
    if (rc <= 0)
        return rc;
    if ((rc = gs__yaml_check_map(&c->y, v, "network", what, keys)))
        return rc;
    struct {
        const char *key;
        char *out;
        int dir;
    } f[] = {{"rtt", c->f->network.rtt, 0},
             {"rtt_regions", c->f->network.rtt_regions, 0},
             {"cables", c->f->network.cables, 1},
             {"net_prices", c->f->network.net_prices, 0},
             {"net_places", c->f->network.net_places, 0}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        char raw[GS_PATH_MAX], fp[PATH_LEN];
        if ((rc = gs__yaml_get_str(&c->y, v, "network", f[i].key, OPT, raw, sizeof raw)) < 0)
            return rc;
        if (rc == 0 || !raw[0])
            continue;
        gs__yaml_path(fp, "network", f[i].key);
        yaml_node_t *n = gs__yaml_get(&c->y, v, f[i].key);
        if ((rc = gs__yaml_expand_path(&c->y, n, fp, raw, f[i].out, GS_PATH_MAX)))
            return rc;
        struct stat st;
        if (stat(f[i].out, &st) != 0 || (f[i].dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)))
            return gs__yaml_fail(&c->y, n, fp, "expected a readable %s, found '%s' (%s)",
                                 f[i].dir ? "directory" : "file", f[i].out,
                                 stat(f[i].out, &st) != 0 ? strerror(errno)
                                 : f[i].dir ? "not a directory" : "not a regular file");
    }
    const yaml_node_t *first = gs__yaml_get(&c->y, v, "rtt_regions");
    if (c->f->network.rtt_regions[0] && !c->f->network.rtt[0])
        return gs__yaml_fail(&c->y, first, "network.rtt_regions",
                             "the places of a measured RTT matrix need the matrix (network.rtt)");
    if (!c->f->network.net_prices[0] != !c->f->network.net_places[0]) {
        const char *k = c->f->network.net_prices[0] ? "net_prices" : "net_places";
        return gs__yaml_fail(&c->y, gs__yaml_get(&c->y, v, k), c->f->network.net_prices[0]
                                 ? "network.net_prices" : "network.net_places",
                             "transfer prices and their places go together: give both "
                             "network.net_prices and network.net_places");
    }
    return GS_OK;
}

/* ---- documents ---- */

static void ctx_free(ctx *c)
{
    free(c->marks);
    for (size_t i = 0; i < c->nfiles; i++)
        free(c->files[i]);
    free(c->files);
}

/* Give an error found by gs_fleet_validate (field only) the position of that field, or of the
 * nearest enclosing field that was read. */
static void locate(ctx *c, gs_error *err)
{
    if (!err || err->line > 0 || !err->field[0])
        return;
    char want[PATH_LEN];
    snprintf(want, sizeof want, "%s", err->field);
    while (want[0]) {
        for (size_t i = c->nmarks; i-- > 0;) {
            if (!strcmp(c->marks[i].path, want)) {
                snprintf(err->file, sizeof err->file, "%s", c->files[c->marks[i].file]);
                err->line = c->marks[i].line;
                err->column = c->marks[i].col;
                return;
            }
        }
        char *cut = strrchr(want, '.');
        char *br = strrchr(want, '[');
        if (br && (!cut || br > cut))
            cut = br;
        if (!cut)
            break;
        *cut = '\0';
    }
}

static int parse_fleet(ctx *c, const yaml_node_t *root)
{
    static const char *const keys[] = {"name", "period", "gpus", "power_curves", "zones", "sites",
                                       "clusters", "training", "services", "network", NULL};
    int rc = gs__yaml_check_map(&c->y, root, "", "a fleet: a mapping of name, zones, sites, clusters, ...", keys);
    if (rc)
        return rc;
    gs_fleet *f = c->f;
    if ((rc = gs__yaml_get_str(&c->y, root, "", "name", OPT, f->name, sizeof f->name)) < 0 ||
        (rc = parse_period(c, root)) < 0 ||
        (rc = parse_gpus(c, root, f->ngpus)) < 0 ||
        (rc = parse_power_curves(c, root)) < 0 ||
        (rc = parse_zones(c, root)) < 0 ||
        (rc = parse_sites(c, root)) < 0 ||
        (rc = parse_services(c, root)) < 0 ||
        (rc = parse_clusters(c, root)) < 0 ||
        (rc = parse_runs(c, root)) < 0 ||
        (rc = parse_network(c, root)) < 0)
        return rc;
    if (c->nomem)
        return nomem(c);
    return GS_OK;
}

int gs_fleet_load(const char *path, gs_fleet **out, gs_error *err)
{
    *out = NULL;
    if (!path || !path[0])
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL, "no fleet file given");
    gs_fleet *f = calloc(1, sizeof *f);
    if (!f)
        return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
    ctx c;
    ctx_init(&c, f, path, err);
    int rc;
    if (strlen(path) >= sizeof f->path) {
        rc = gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL, "the fleet file's path is longer than %d characters",
                          GS_PATH_MAX - 1);
        goto out_free_fleet;
    }
    snprintf(f->path, sizeof f->path, "%s", path);
    gs__yaml_set_dir(&c.y, path);
    if (add_file(&c, path) < 0) {
        rc = gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
        goto out_free_fleet;
    }
    c.y.file = c.files[0];
    if ((rc = gs_gpu_catalog(&f->gpus, &f->ngpus, err)))
        goto out_free_fleet;

    yaml_document_t doc;
    if ((rc = gs__yaml_load(path, NULL, 0, 1, &doc, err)))
        goto out_free_fleet;
    c.y.doc = &doc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || gs__yaml_is_null(root))
        rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                          "the file is empty: expected a fleet, a mapping of name, zones, sites, "
                          "clusters, ...");
    else
        rc = parse_fleet(&c, root);
    yaml_document_delete(&doc);
    if (rc)
        goto out_free_fleet;
    if (!f->name[0]) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        snprintf(f->name, sizeof f->name, "%s", base);
        char *dot = strrchr(f->name, '.');
        if (dot && dot != f->name)
            *dot = '\0';
    }
    f->tz_known = gs_tz_known;
    if ((rc = gs_fleet_validate(f, err))) {
        locate(&c, err);
        goto out_free_fleet;
    }
    ctx_free(&c);
    *out = f;
    return GS_OK;

out_free_fleet:
    ctx_free(&c);
    gs_fleet_free(f);
    return rc;
}

/* ---- the GPU catalogue (parsed here for src/model/fleet.c) ---- */

int gs__gpus_from_yaml(const char *text, size_t len, const char *name, gs_gpu **out, size_t *n,
                       gs_error *err)
{
    *out = NULL;
    *n = 0;
    gs_fleet f = {0};
    ctx c;
    ctx_init(&c, &f, name, err);
    yaml_document_t doc;
    int rc = gs__yaml_load(name, text, len, 1, &doc, err);
    if (rc)
        return rc;
    c.y.doc = &doc;
    if (add_file(&c, name) < 0) {
        rc = gs_error_set(err, GS_ENOMEM, name, 0, 0, NULL, "out of memory");
        goto out_delete_doc;
    }
    static const char *const keys[] = {"gpus", NULL};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
        rc = gs_error_set(err, GS_EINPUT, name, 0, 0, NULL, "the GPU catalogue is empty");
        goto out_delete_doc;
    }
    if ((rc = gs__yaml_check_map(&c.y, root, "", "a GPU catalogue (gpus: [...])", keys)) ||
        (rc = parse_gpus(&c, root, 0)) < 0) {
        free(f.gpus);
        goto out_delete_doc;
    }
    if (c.nomem) {
        free(f.gpus);
        rc = nomem(&c);
        goto out_delete_doc;
    }
    rc = GS_OK;
    *out = f.gpus;
    *n = f.ngpus;
out_delete_doc:
    yaml_document_delete(&doc);
    ctx_free(&c);
    return rc;
}

/* ---- series ---- */

static int load_ref(const gs_series_ref *r, gs_quantity qty, const char *field, const char *label,
                    gs_series **out, int *stamped_at_end, gs_error *err)
{
    if (!r->path[0])
        return GS_OK;
    gs_import_opts o = {0};
    o.stamped_at_end_out = stamped_at_end;
    o.quantity = qty;
    o.range_scale = r->scale; /* applied below, after the resampling: values checked so scaled */
    o.format = r->format[0] ? r->format : NULL;
    o.time_column = r->time_column[0] ? r->time_column : NULL;
    o.value_column = r->column[0] ? r->column : NULL;
    o.tz = r->tz[0] ? r->tz : NULL;
    gs_points *p = NULL;
    gs_error e = {0};
    int rc = gs_import_points(r->path, &o, &p, &e);
    if (!rc)
        rc = gs_series_from_points(p, 0, 0, 0, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL, out, &e);
    gs_points_free(p);
    if (rc) {
        /* keep the importer's file and position; name the fleet field that referenced it */
        const char *msg = e.message[0] ? e.message : gs_strerror(rc);
        if (e.field[0])
            return gs_error_set(err, e.code ? e.code : rc, e.file[0] ? e.file : r->path, e.line,
                                e.column, field, "%.900s (column '%.100s')", msg, e.field);
        return gs_error_set(err, e.code ? e.code : rc, e.file[0] ? e.file : r->path, e.line, e.column,
                            field, "%s", msg);
    }
    if (r->scale != 1.0 && r->scale != 0.0)
        for (size_t i = 0; i < (*out)->n; i++)
            (*out)->v[i] *= r->scale;
    snprintf((*out)->name, sizeof (*out)->name, "%s", label);
    return GS_OK;
}

int gs_fleet_load_series(gs_fleet *f, gs_error *err)
{
    if (!f)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL, "no fleet");
    char field[PATH_LEN], label[128];
    int rc = GS_OK;
    for (size_t i = 0; i < f->nzones && !rc; i++) {
        gs_zone *z = &f->zones[i];
        struct { const gs_series_ref *r; gs_series **s; const char *key; gs_quantity q; int *end; } refs[] = {
            {&z->price_ref, &z->price_usd_per_mwh, "price", GS_QTY_PRICE, NULL},
            {&z->carbon_ref, &z->carbon_g_per_kwh, "carbon", GS_QTY_CARBON, NULL},
            {&z->demand_ref, &z->demand_mw, "demand", GS_QTY_POWER_MW, &z->demand_stamped_at_end}};
        for (size_t k = 0; k < 3 && !rc; k++) {
            if (*refs[k].s)
                continue;
            snprintf(field, sizeof field, "zones[%zu].%s", i, refs[k].key);
            snprintf(label, sizeof label, "%s %s", z->id, refs[k].key);
            rc = load_ref(refs[k].r, refs[k].q, field, label, refs[k].s, refs[k].end, err);
        }
    }
    for (size_t i = 0; i < f->nsites && !rc; i++) {
        gs_site *s = &f->sites[i];
        if (s->pue_kind != GS_PUE_SERIES || s->pue_series)
            continue;
        snprintf(field, sizeof field, "sites[%zu].pue", i);
        snprintf(label, sizeof label, "%s PUE", s->id);
        rc = load_ref(&s->pue_ref, GS_QTY_ANY, field, label, &s->pue_series, NULL, err);
    }
    for (size_t i = 0; i < f->nservices && !rc; i++) {
        gs_service *s = &f->services[i];
        if (s->demand_rps)
            continue;
        snprintf(field, sizeof field, "services[%zu].demand", i);
        snprintf(label, sizeof label, "%s demand", s->id);
        rc = load_ref(&s->demand_ref, GS_QTY_ANY, field, label, &s->demand_rps, NULL, err);
    }
    return rc;
}

int gs_gpu_catalog(gs_gpu **out, size_t *n, gs_error *err)
{
    size_t len = 0;
    const char *text = gs__asset("gpus.yaml", &len);
    *out = NULL;
    *n = 0;
    if (!text)
        return gs_error_set(err, GS_ERUNTIME, "gpus.yaml", 0, 0, NULL,
                            "the built-in GPU catalogue is missing from this build");
    return gs__gpus_from_yaml(text, len, "gpus.yaml (built-in catalogue)", out, n, err);
}
