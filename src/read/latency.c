/* latency.c: reading for the latency model (include/gridsplit/read/latency.h): the region
 * catalogue (CSV), measured RTT matrices (CSV, plain or compressed, aggregated to the median per
 * pair) and the submarine cable GeoJSON (via jansson) into a finished cable graph. */
#include "gridsplit/geo.h"
#include "gridsplit/latency.h"
#include "gridsplit/read/latency.h"
#include "read/reader.h"
#include "read/regions_list.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAXF 64
/* a measured matrix keeps one cell per pair of regions: R x R of them */
#define MAX_MATRIX_REGIONS 2048

/* ---- helpers ------------------------------------------------------------------------------ */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static int parse_double(const char *s, double *out)
{
    if (!*s)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int find_col(char **f, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcasecmp(trim(f[i]), name) == 0)
            return i;
    return -1;
}

/* A line source: either a reader over a file or text in memory. */
struct lines {
    gs__reader *r;
    const char *text;
    size_t len, pos;
    char *buf;
    size_t cap;
    long lineno;
    const char *label;
};

static int next_line(struct lines *L, char **line, gs_error *err)
{
    if (L->r) {
        size_t n;
        int rc = gs__reader_line(L->r, line, &n, err);
        L->lineno = gs__reader_lineno(L->r);
        return rc;
    }
    if (L->pos >= L->len)
        return 0;
    const char *s = L->text + L->pos;
    const char *nl = memchr(s, '\n', L->len - L->pos);
    size_t n = nl ? (size_t)(nl - s) : L->len - L->pos;
    L->pos += n + (nl ? 1 : 0);
    if (n && s[n - 1] == '\r')
        n--;
    if (n + 1 > L->cap) {
        char *b = realloc(L->buf, n + 1);
        if (!b)
            return gs_error_set(err, GS_ENOMEM, L->label, 0, 0, NULL, "out of memory");
        L->buf = b;
        L->cap = n + 1;
    }
    memcpy(L->buf, s, n);
    L->buf[n] = '\0';
    *line = L->buf;
    L->lineno++;
    return 1;
}

static int is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t')
            return 0;
    return 1;
}

/* ---- region catalogue ---------------------------------------------------------------------- */

int gs__latency_region_push(gs_latency_regions *out, size_t *cap, const char *name, double lat,
                            double lon, const char *continent, gs_error *err)
{
    if (out->n == *cap) {
        size_t c = *cap ? *cap * 2 : 32;
        gs_latency_region *r = realloc(out->r, c * sizeof *r);
        if (!r)
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        out->r = r;
        *cap = c;
    }
    gs_latency_region *r = &out->r[out->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->lat = lat;
    r->lon = lon;
    snprintf(r->continent, sizeof r->continent, "%s", continent ? continent : "");
    return GS_OK;
}

static int regions_from(struct lines *L, gs_latency_regions *out, gs_error *err)
{
    const char *file = L->label;
    char *line, *f[MAXF];
    int rc;
    size_t cap = 0;
    out->r = NULL;
    out->n = 0;
    do {
        rc = next_line(L, &line, err);
    } while (rc == 1 && is_blank(line));
    if (rc < 0)
        return rc;
    if (rc == 0)
        return gs_error_set(err, GS_EINPUT, file, 0, 0, NULL,
                            "empty region catalogue: expected a header 'name,lat,lon'");
    int nf = gs__csv_split(line, f, MAXF);
    if (nf > MAXF)
        nf = MAXF;
    int cn = find_col(f, nf, "name"), cla = find_col(f, nf, "lat"), clo = find_col(f, nf, "lon");
    int cc = find_col(f, nf, "continent");
    if (cla < 0)
        cla = find_col(f, nf, "latitude");
    if (clo < 0)
        clo = find_col(f, nf, "longitude");
    if (cn < 0 || cla < 0 || clo < 0)
        return gs_error_set(err, GS_EINPUT, file, (int)L->lineno, 0, NULL,
                            "region catalogue header must name the columns name, lat and lon");
    int need = cn > cla ? cn : cla;
    if (clo > need)
        need = clo;
    while ((rc = next_line(L, &line, err)) == 1) {
        int ln = (int)L->lineno;
        if (is_blank(line) || line[0] == '#')
            continue;
        int k = gs__csv_split(line, f, MAXF);
        if (k <= need) {
            rc = gs_error_set(err, GS_EINPUT, file, ln, 0, NULL,
                              "expected at least %d fields, found %d", need + 1, k);
            goto fail;
        }
        char *name = trim(f[cn]);
        double lat, lon;
        if (!*name) {
            rc = gs_error_set(err, GS_EINPUT, file, ln, cn + 1, "name", "empty region name");
            goto fail;
        }
        if (parse_double(trim(f[cla]), &lat)) {
            rc = gs_error_set(err, GS_EINPUT, file, ln, cla + 1, "lat",
                              "expected a latitude in degrees, found '%s'", f[cla]);
            goto fail;
        }
        if (parse_double(trim(f[clo]), &lon)) {
            rc = gs_error_set(err, GS_EINPUT, file, ln, clo + 1, "lon",
                              "expected a longitude in degrees, found '%s'", f[clo]);
            goto fail;
        }
        if (!gs_geo_valid(lat, lon)) {
            rc = gs_error_set(err, GS_ERANGE, file, ln, 0, "lat,lon",
                              "region '%s': %g,%g is not a place on Earth (lat in [-90, 90], "
                              "lon in [-180, 180])",
                              name, lat, lon);
            goto fail;
        }
        if (gs_latency_regions_find(out, name) >= 0) {
            rc = gs_error_set(err, GS_EINPUT, file, ln, cn + 1, "name",
                              "region '%s' is listed twice", name);
            goto fail;
        }
        if (strlen(name) >= sizeof out->r[0].name) {
            rc = gs_error_set(err, GS_EINPUT, file, ln, cn + 1, "name",
                              "region name longer than %zu characters", sizeof out->r[0].name - 1);
            goto fail;
        }
        if ((rc = gs__latency_region_push(out, &cap, name, lat, lon,
                                          cc >= 0 && cc < k ? trim(f[cc]) : "", err)) < 0) {
            snprintf(err->file, sizeof err->file, "%s", file);
            err->line = (int)ln;
            goto fail;
        }
    }
    if (rc < 0)
        goto fail;
    if (out->n == 0)
        return gs_error_set(err, GS_EINPUT, file, 0, 0, NULL, "region catalogue has no regions");
    return 0;
fail:
    gs_latency_regions_free(out);
    return rc;
}

int gs_latency_regions_read(const char *path, gs_latency_regions *out, gs_error *err)
{
    out->r = NULL;
    out->n = 0;
    int rc0 = gs__path_check(path, err);
    if (rc0 != GS_OK)
        return rc0;
    struct lines L = {0};
    L.label = path;
    L.r = gs__reader_open(path, err);
    if (!L.r)
        return err ? err->code : GS_EIO;
    int rc = regions_from(&L, out, err);
    gs__reader_close(L.r);
    return rc;
}

int gs_latency_regions_parse(const char *text, size_t len, const char *label,
                             gs_latency_regions *out, gs_error *err)
{
    struct lines L = {0};
    L.text = text;
    L.len = len;
    L.label = label;
    int rc = regions_from(&L, out, err);
    free(L.buf);
    return rc;
}

int gs_latency_regions_find(const gs_latency_regions *regs, const char *name)
{
    for (size_t i = 0; i < regs->n; i++)
        if (strcmp(regs->r[i].name, name) == 0)
            return (int)i;
    for (size_t i = 0; i < regs->n; i++)
        if (strcasecmp(regs->r[i].name, name) == 0)
            return (int)i;
    return -1;
}

void gs_latency_regions_free(gs_latency_regions *regs)
{
    if (!regs)
        return;
    free(regs->r);
    regs->r = NULL;
    regs->n = 0;
}

/* ---- measured matrix ----------------------------------------------------------------------- */

struct vec {
    double *v;
    size_t n, cap;
};

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static void note_skip(gs_latency_measured *m, const char *kind)
{
    for (size_t i = 0; i < m->nskipped; i++)
        if (strcmp(m->skipped[i].kind, kind) == 0) {
            m->skipped[i].rows++;
            return;
        }
    size_t max = sizeof m->skipped / sizeof m->skipped[0];
    if (m->nskipped < max) {
        snprintf(m->skipped[m->nskipped].kind, sizeof m->skipped[0].kind, "%s", kind);
        m->skipped[m->nskipped++].rows = 1;
    } else {
        snprintf(m->skipped[max - 1].kind, sizeof m->skipped[0].kind, "(other kinds)");
        m->skipped[max - 1].rows++;
    }
}

int gs_latency_measured_read(const char *path, const gs_latency_regions *regs, const char *kind,
                             gs_latency_measured *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    if (!kind)
        kind = "Inter-region latency";
    int rc = gs__path_check(path, err);
    if (rc != GS_OK)
        return rc;
    size_t R = regs->n;
    if (R > MAX_MATRIX_REGIONS)
        return gs_error_set(err, GS_EINPUT, path, 0, 0, "regions",
                            "expected at most %d regions in the region catalogue of a measured "
                            "matrix (a cell per pair), found %zu",
                            MAX_MATRIX_REGIONS, R);
    struct vec *cell = calloc(R * R + 1, sizeof *cell);
    if (!cell)
        return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
    gs__reader *r = gs__reader_open(path, err);
    if (!r) {
        free(cell);
        return err ? err->code : GS_EIO;
    }
    char *line, *f[MAXF];
    size_t len;
    do {
        rc = gs__reader_line(r, &line, &len, err);
    } while (rc == 1 && is_blank(line));
    if (rc == 0)
        rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                          "empty file: expected a header naming src, dst and avg_latency_ms");
    if (rc < 0)
        goto done;
    int nf = gs__csv_split(line, f, MAXF);
    if (nf > MAXF)
        nf = MAXF;
    int cs = find_col(f, nf, "src"), cd = find_col(f, nf, "dst"), ck = find_col(f, nf, "kind");
    int cv = find_col(f, nf, "avg_latency_ms");
    if (cv < 0)
        cv = find_col(f, nf, "rtt_ms");
    if (cv < 0)
        cv = find_col(f, nf, "latency_ms");
    if (cs < 0 || cd < 0 || cv < 0) {
        rc = gs_error_set(err, GS_EINPUT, path, (int)gs__reader_lineno(r), 0, NULL,
                          "header must name the columns src, dst and one of avg_latency_ms, "
                          "rtt_ms, latency_ms");
        goto done;
    }
    int ncols = nf;
    while ((rc = gs__reader_line(r, &line, &len, err)) == 1) {
        int ln = (int)gs__reader_lineno(r);
        if (is_blank(line))
            continue;
        int k = gs__csv_split(line, f, MAXF);
        if (k != ncols) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, 0, NULL,
                              "expected %d fields as in the header, found %d", ncols, k);
            goto done;
        }
        out->rows_read++;
        if (ck >= 0 && strcasecmp(trim(f[ck]), kind) != 0) {
            note_skip(out, trim(f[ck]));
            continue;
        }
        char *src = trim(f[cs]), *dst = trim(f[cd]);
        int a = gs_latency_regions_find(regs, src);
        if (a < 0) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, cs + 1, "src",
                              "unknown region '%s': add it to the region catalogue (--regions "
                              "FILE: name,lat,lon)",
                              src);
            goto done;
        }
        int b = gs_latency_regions_find(regs, dst);
        if (b < 0) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, cd + 1, "dst",
                              "unknown region '%s': add it to the region catalogue (--regions "
                              "FILE: name,lat,lon)",
                              dst);
            goto done;
        }
        double v;
        /* at most 1e6 ms (1000 s): far past any network (IBM's worst pair is under 400 ms),
         * and a cost made of it stays finite */
        if (parse_double(trim(f[cv]), &v) || !(v > 0 && v <= 1e6)) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, cv + 1, "avg_latency_ms",
                              "expected a positive round-trip time in ms of at most 1e6, found "
                              "'%s'", f[cv]);
            goto done;
        }
        if (a == b) {
            out->rows_same++;
            continue;
        }
        if (a > b) {
            int t = a;
            a = b;
            b = t;
        }
        struct vec *c = &cell[(size_t)a * R + (size_t)b];
        if (c->n == c->cap) {
            size_t nc = c->cap ? c->cap * 2 : 16;
            double *nv = realloc(c->v, nc * sizeof *nv);
            if (!nv) {
                rc = gs_error_set(err, GS_ENOMEM, path, ln, 0, NULL, "out of memory");
                goto done;
            }
            c->v = nv;
            c->cap = nc;
        }
        c->v[c->n++] = v;
        out->rows_used++;
    }
    if (rc < 0)
        goto done;
    size_t np = 0;
    for (size_t i = 0; i < R * R; i++)
        np += cell[i].n > 0;
    if (np == 0) {
        rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                          "no measured pairs of kind '%s' between two different regions", kind);
        goto done;
    }
    out->pairs = calloc(np, sizeof *out->pairs);
    if (!out->pairs) {
        rc = gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t a = 0; a < R; a++)
        for (size_t b = a + 1; b < R; b++) {
            struct vec *c = &cell[a * R + b];
            if (!c->n)
                continue;
            qsort(c->v, c->n, sizeof *c->v, cmp_double);
            gs_latency_pair *p = &out->pairs[out->n++];
            p->a = (int)a;
            p->b = (int)b;
            p->rows = c->n;
            p->min_ms = c->v[0];
            p->max_ms = c->v[c->n - 1];
            p->rtt_ms = c->n % 2 ? c->v[c->n / 2] : 0.5 * (c->v[c->n / 2 - 1] + c->v[c->n / 2]);
        }
    rc = 0;
done:
    for (size_t i = 0; i < R * R; i++)
        free(cell[i].v);
    free(cell);
    gs__reader_close(r);
    if (rc < 0)
        gs_latency_measured_free(out);
    return rc;
}

void gs_latency_measured_free(gs_latency_measured *m)
{
    if (!m)
        return;
    free(m->pairs);
    m->pairs = NULL;
    m->n = 0;
}

/* ---- cable GeoJSON ------------------------------------------------------------------------- */

static json_t *load_features(const char *path, gs_error *err, int *rc)
{
    json_error_t je;
    if ((*rc = gs__path_check(path, err)) != GS_OK)
        return NULL;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        FILE *f = fopen(path, "rb");
        if (!f) {
            *rc = gs_error_set(err, GS_EIO, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
            return NULL;
        }
        fclose(f);
        *rc = gs_error_set(err, GS_EINPUT, path, je.line, je.column, NULL, "invalid JSON: %s",
                           je.text);
        return NULL;
    }
    json_t *feats = json_object_get(root, "features");
    if (!json_is_array(feats)) {
        json_decref(root);
        *rc = gs_error_set(err, GS_EINPUT, path, 0, 0, "features",
                           "expected a GeoJSON FeatureCollection with a 'features' array");
        return NULL;
    }
    return root;
}

static int coord_pair(json_t *pt, double *lat, double *lon)
{
    if (!json_is_array(pt) || json_array_size(pt) < 2 || !json_is_number(json_array_get(pt, 0)) ||
        !json_is_number(json_array_get(pt, 1)))
        return -1;
    *lon = json_number_value(json_array_get(pt, 0));
    *lat = json_number_value(json_array_get(pt, 1));
    return gs_geo_valid(*lat, *lon) ? 0 : -1;
}

static int add_line(gs_cable_graph *g, json_t *line, const char *path, size_t fi, double **buf,
                    size_t *cap, gs_error *err)
{
    if (!json_is_array(line))
        return gs_error_set(err, GS_EINPUT, path, 0, 0, "geometry.coordinates",
                            "feature %zu: expected an array of [lon, lat] points", fi + 1);
    size_t n = json_array_size(line);
    if (n < 2)
        return 0; /* a degenerate line carries no length */
    if (2 * n > *cap) {
        double *b = realloc(*buf, 2 * n * sizeof *b);
        if (!b)
            return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
        *buf = b;
        *cap = 2 * n;
    }
    for (size_t i = 0; i < n; i++)
        if (coord_pair(json_array_get(line, i), &(*buf)[2 * i], &(*buf)[2 * i + 1]))
            return gs_error_set(err, GS_EINPUT, path, 0, 0, "geometry.coordinates",
                                "feature %zu, point %zu: expected [lon, lat] in degrees", fi + 1,
                                i + 1);
    int rc = gs_cables_add_route(g, *buf, n, err);
    if (rc < 0 && err && !err->file[0])
        snprintf(err->file, sizeof err->file, "%s", path);
    return rc;
}

int gs_cables_read_dir(const char *dir, gs_cable_graph **out, gs_error *err)
{
    *out = NULL;
    int rc = gs__dir_check(dir, err);
    if (rc != GS_OK)
        return rc;
    char lp[1024], cp[1024];
    snprintf(lp, sizeof lp, "%s/landing-point-geo.json", dir);
    snprintf(cp, sizeof cp, "%s/cable-geo.json", dir);
    json_t *lroot = load_features(lp, err, &rc);
    if (!lroot)
        return rc;
    json_t *croot = load_features(cp, err, &rc);
    if (!croot) {
        json_decref(lroot);
        return rc;
    }
    gs_cable_graph *g = gs_cables_new();
    double *buf = NULL;
    size_t cap = 0;
    if (!g) {
        rc = gs_error_set(err, GS_ENOMEM, dir, 0, 0, NULL, "out of memory");
        goto done;
    }
    json_t *lf = json_object_get(lroot, "features");
    for (size_t i = 0; i < json_array_size(lf); i++) {
        json_t *geom = json_object_get(json_array_get(lf, i), "geometry");
        double lat, lon;
        if (!json_is_object(geom) || coord_pair(json_object_get(geom, "coordinates"), &lat, &lon)) {
            rc = gs_error_set(err, GS_EINPUT, lp, 0, 0, "geometry",
                              "feature %zu: expected a Point with [lon, lat] in degrees", i + 1);
            goto done;
        }
        if ((rc = gs_cables_add_landing(g, lat, lon, err)) < 0)
            goto done;
    }
    json_t *cf = json_object_get(croot, "features");
    for (size_t i = 0; i < json_array_size(cf); i++) {
        json_t *geom = json_object_get(json_array_get(cf, i), "geometry");
        const char *type = json_string_value(json_object_get(geom, "type"));
        json_t *coords = json_object_get(geom, "coordinates");
        if (!type || !json_is_array(coords)) {
            rc = gs_error_set(err, GS_EINPUT, cp, 0, 0, "geometry",
                              "feature %zu: expected a LineString or MultiLineString", i + 1);
            goto done;
        }
        if (strcmp(type, "LineString") == 0) {
            if ((rc = add_line(g, coords, cp, i, &buf, &cap, err)) < 0)
                goto done;
        } else if (strcmp(type, "MultiLineString") == 0) {
            for (size_t j = 0; j < json_array_size(coords); j++)
                if ((rc = add_line(g, json_array_get(coords, j), cp, i, &buf, &cap, err)) < 0)
                    goto done;
        } else {
            rc = gs_error_set(err, GS_EINPUT, cp, 0, 0, "geometry.type",
                              "feature %zu: expected LineString or MultiLineString, found '%s'",
                              i + 1, type);
            goto done;
        }
    }
    if ((rc = gs_cables_finish(g, err)) < 0)
        goto done;
    *out = g;
    g = NULL;
    rc = 0;
done:
    free(buf);
    gs_cables_free(g);
    json_decref(lroot);
    json_decref(croot);
    return rc;
}
