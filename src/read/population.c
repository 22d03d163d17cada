/* population.c: reads what demand regions are made from (include/gridsplit/read/regions.h): the
 * population file (cities CSV, plain/.gz/.zst), the adoption file (country,factor), the
 * time-zone boundary table embedded at build time (tzmap.bin, tools/tzmap.mjs) and the tz
 * database's zone1970.tab (zones, their countries and principal locations) with iso3166.tab
 * (the known country codes). Errors name the file, line, field and what was found. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gridsplit/geo.h"
#include "gridsplit/regions.h"
#include "gridsplit/tz.h"
#include "gridsplit/read/regions.h"
#include "gridsplit/read/tz.h"
#include "embed/assets.h"
#include "read/reader.h"

#define MAXF 64

static int parse_double(const char *s, double *v)
{
    char *end;
    while (*s == ' ')
        s++;
    if (!*s)
        return -1;
    *v = strtod(s, &end);
    while (*end == ' ')
        end++;
    return (end == s || *end != '\0' || !isfinite(*v)) ? -1 : 0;
}

/* Two ASCII letters, upper-cased into out; -1 otherwise. */
static int parse_code(const char *s, char out[4])
{
    if (strlen(s) != 2 || !isalpha((unsigned char)s[0]) || !isalpha((unsigned char)s[1]))
        return -1;
    out[0] = (char)toupper((unsigned char)s[0]);
    out[1] = (char)toupper((unsigned char)s[1]);
    out[2] = '\0';
    out[3] = '\0';
    return 0;
}

void gs_cities_free(gs_cities *c)
{
    if (!c)
        return;
    free(c->c);
    free(c->names);
    memset(c, 0, sizeof *c);
}

int gs_cities_read(const char *path, gs_cities *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    gs__reader *r = gs__reader_open(path, err);
    if (!r)
        return err ? err->code : GS_EIO;
    char *line, *f[MAXF];
    size_t len;
    int rc = gs__reader_line(r, &line, &len, err);
    if (rc <= 0) {
        gs__reader_close(r);
        return rc < 0 ? rc
                      : gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                                     "empty file: expected a CSV header with name, country, "
                                     "population, lat, lon");
    }
    if (len >= 3 && (unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB &&
        (unsigned char)line[2] == 0xBF)
        line += 3;
    int nf = gs__csv_split(line, f, MAXF);
    if (nf > MAXF) {
        gs__reader_close(r);
        return gs_error_set(err, GS_EINPUT, path, 1, 0, NULL,
                            "expected a header of at most %d columns, found %d", MAXF, nf);
    }
    static const char *const want[] = {"name", "country", "population", "lat", "lon"};
    int col[5];
    for (int k = 0; k < 5; k++) {
        col[k] = -1;
        for (int j = 0; j < nf; j++)
            if (strcasecmp(f[j], want[k]) == 0)
                col[k] = j;
        if (col[k] < 0) {
            gs__reader_close(r);
            return gs_error_set(err, GS_EINPUT, path, 1, 0, NULL,
                                "expected a header naming the columns name, country, population, "
                                "lat, lon; column '%s' is missing",
                                want[k]);
        }
    }
    size_t cap = 0, pool_cap = 0;
    size_t *name_off = NULL;
    while ((rc = gs__reader_line(r, &line, &len, err)) > 0) {
        int ln = (int)gs__reader_lineno(r);
        if (len == 0)
            continue;
        int n = gs__csv_split(line, f, MAXF);
        if (n != nf) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, 0, NULL,
                              "expected %d fields as in the header, found %d", nf, n);
            break;
        }
        if (out->n == cap) {
            size_t nc = cap ? cap * 2 : 4096;
            gs_city *c2 = realloc(out->c, nc * sizeof *c2);
            if (c2)
                out->c = c2;
            size_t *o2 = c2 ? realloc(name_off, nc * sizeof *o2) : NULL;
            if (!c2 || !o2) {
                rc = gs_error_set(err, GS_ENOMEM, path, ln, 0, NULL, "out of memory");
                break;
            }
            name_off = o2;
            cap = nc;
        }
        gs_city *c = &out->c[out->n];
        memset(c, 0, sizeof *c);
        if (parse_code(f[col[1]], c->country) < 0) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, col[1] + 1, "country",
                              "expected a two-letter ISO 3166 country code, found '%s'",
                              f[col[1]]);
            break;
        }
        /* at most 1e10: more than the world's people; sums of them stay exact and finite */
        if (parse_double(f[col[2]], &c->population) < 0 || !(c->population >= 0) ||
            c->population > 1e10) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, col[2] + 1, "population",
                              "expected a number of people >= 0 and at most 1e10, found '%s'",
                              f[col[2]]);
            break;
        }
        if (parse_double(f[col[3]], &c->lat) < 0) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, col[3] + 1, "lat",
                              "expected a latitude in degrees, found '%s'", f[col[3]]);
            break;
        }
        if (parse_double(f[col[4]], &c->lon) < 0) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, col[4] + 1, "lon",
                              "expected a longitude in degrees, found '%s'", f[col[4]]);
            break;
        }
        if (!gs_geo_valid(c->lat, c->lon)) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, col[3] + 1, "lat,lon",
                              "expected lat in [-90, 90] and lon in [-180, 180], found %s,%s "
                              "(not a place on Earth)",
                              f[col[3]], f[col[4]]);
            break;
        }
        size_t nl = strlen(f[col[0]]) + 1;
        if (out->names_len + nl > pool_cap) {
            size_t pc = pool_cap ? pool_cap * 2 : 1 << 20;
            while (pc < out->names_len + nl)
                pc *= 2;
            char *p2 = realloc(out->names, pc);
            if (!p2) {
                rc = gs_error_set(err, GS_ENOMEM, path, ln, 0, NULL, "out of memory");
                break;
            }
            out->names = p2;
            pool_cap = pc;
        }
        memcpy(out->names + out->names_len, f[col[0]], nl);
        name_off[out->n] = out->names_len;
        out->names_len += nl;
        out->n++;
    }
    gs__reader_close(r);
    if (rc < 0) {
        free(name_off);
        gs_cities_free(out);
        return rc;
    }
    for (size_t i = 0; i < out->n; i++)
        out->c[i].name = out->names + name_off[i];
    free(name_off);
    if (out->n == 0) {
        gs_cities_free(out);
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL, "no city rows after the header");
    }
    return GS_OK;
}

int gs_adoption_read(const char *path, gs_adoption **out, size_t *n, gs_error *err)
{
    *out = NULL;
    *n = 0;
    gs__reader *r = gs__reader_open(path, err);
    if (!r)
        return err ? err->code : GS_EIO;
    char *line, *f[4];
    size_t len, cap = 0;
    int rc, first = 1;
    while ((rc = gs__reader_line(r, &line, &len, err)) > 0) {
        int ln = (int)gs__reader_lineno(r);
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        int nf = gs__csv_split(line, f, 4);
        if (first && nf == 2 && strcasecmp(f[0], "country") == 0) {
            first = 0;
            continue;
        }
        first = 0;
        if (nf != 2) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, 0, NULL,
                              "expected 2 fields (country,factor), found %d", nf);
            break;
        }
        gs_adoption a = {.line = ln};
        if (parse_code(f[0], a.country) < 0) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, 1, "country",
                              "expected a two-letter ISO 3166 country code, found '%s'", f[0]);
            break;
        }
        if (parse_double(f[1], &a.factor) < 0 || a.factor < 0) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, 2, "factor",
                              "expected an adoption factor >= 0, found '%s'", f[1]);
            break;
        }
        for (size_t i = 0; i < *n; i++)
            if (strcmp((*out)[i].country, a.country) == 0) {
                rc = gs_error_set(err, GS_EINPUT, path, ln, 1, "country",
                                  "country '%s' appears twice", a.country);
                break;
            }
        if (rc < 0)
            break;
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            gs_adoption *a2 = realloc(*out, nc * sizeof *a2);
            if (!a2) {
                rc = gs_error_set(err, GS_ENOMEM, path, ln, 0, NULL, "out of memory");
                break;
            }
            *out = a2;
            cap = nc;
        }
        (*out)[(*n)++] = a;
    }
    gs__reader_close(r);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
        return rc;
    }
    return GS_OK;
}

/* ISO 6709 sign-degrees-minutes[-seconds]: +DDMM, +DDMMSS (lat), +DDDMM, +DDDMMSS (lon). */
static int parse_iso6709(const char *s, size_t ndeg, double *v)
{
    if (*s != '+' && *s != '-')
        return -1;
    double sign = *s == '-' ? -1 : 1;
    s++;
    size_t n = 0;
    while (isdigit((unsigned char)s[n]))
        n++;
    if (n != ndeg + 2 && n != ndeg + 4)
        return -1;
    double deg = 0, min = 0, sec = 0;
    for (size_t i = 0; i < ndeg; i++)
        deg = deg * 10 + (s[i] - '0');
    min = (s[ndeg] - '0') * 10 + (s[ndeg + 1] - '0');
    if (n == ndeg + 4)
        sec = (s[ndeg + 2] - '0') * 10 + (s[ndeg + 3] - '0');
    *v = sign * (deg + min / 60.0 + sec / 3600.0);
    return (int)n + 1;
}

void gs_tz_places_free(gs_tz_places *p)
{
    if (!p)
        return;
    free(p->p);
    free(p->codes);
    memset(p, 0, sizeof *p);
}

int gs_tz_places_has_code(const gs_tz_places *p, const char *code)
{
    for (size_t i = 0; i < p->ncodes; i++)
        if (strcmp(p->codes[i], code) == 0)
            return 1;
    return 0;
}

static int read_iso3166(const char *path, gs_tz_places *out, gs_error *err)
{
    gs__reader *r = gs__reader_open(path, err);
    if (!r)
        return err ? err->code : GS_EIO;
    char *line;
    size_t len, cap = 0;
    int rc;
    while ((rc = gs__reader_line(r, &line, &len, err)) > 0) {
        if (line[0] == '#' || len == 0)
            continue;
        char code[4];
        char *tab = strchr(line, '\t');
        if (tab)
            *tab = '\0';
        if (parse_code(line, code) < 0) {
            rc = gs_error_set(err, GS_EINPUT, path, (int)gs__reader_lineno(r), 1, NULL,
                              "expected a two-letter country code, found '%s'", line);
            break;
        }
        if (out->ncodes == cap) {
            size_t nc = cap ? cap * 2 : 256;
            char(*c2)[4] = realloc(out->codes, nc * sizeof *c2);
            if (!c2) {
                rc = gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
                break;
            }
            out->codes = c2;
            cap = nc;
        }
        memcpy(out->codes[out->ncodes++], code, 4);
    }
    gs__reader_close(r);
    return rc < 0 ? rc : GS_OK;
}

int gs_tz_places_read(const char *dir, gs_tz_places *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    if (!dir || !dir[0]) {
        dir = getenv("TZDIR");
        if (!dir || !dir[0])
            dir = "/usr/share/zoneinfo";
    }
    int rc0 = gs__dir_check(dir, err);
    if (rc0 != GS_OK)
        return rc0;
    char path[1024];
    snprintf(path, sizeof path, "%s/iso3166.tab", dir);
    int rc = read_iso3166(path, out, err);
    if (rc < 0) {
        gs_tz_places_free(out);
        return rc;
    }
    snprintf(path, sizeof path, "%s/zone1970.tab", dir);
    gs__reader *r = gs__reader_open(path, err);
    if (!r) {
        gs_tz_places_free(out);
        return err ? err->code : GS_EIO;
    }
    char *line, *f[5];
    size_t len, cap = 0;
    while ((rc = gs__reader_line(r, &line, &len, err)) > 0) {
        int ln = (int)gs__reader_lineno(r);
        if (line[0] == '#' || len == 0)
            continue;
        int nf = 0;
        for (char *p = line; nf < 5;) {
            f[nf++] = p;
            char *t = strchr(p, '\t');
            if (!t)
                break;
            *t = '\0';
            p = t + 1;
        }
        gs_tz_place z = {0};
        int k;
        if (nf < 3 || (k = parse_iso6709(f[1], 2, &z.lat)) < 0 ||
            parse_iso6709(f[1] + k, 3, &z.lon) < 0 || strlen(f[2]) >= sizeof z.name ||
            strlen(f[0]) >= sizeof z.countries) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, 0, NULL,
                              "expected 'CODES<TAB>+DDMM+DDDMM<TAB>Zone/Name', found '%s'", line);
            break;
        }
        memcpy(z.name, f[2], strlen(f[2]) + 1);
        memcpy(z.countries, f[0], strlen(f[0]) + 1);
        gs_tz tz = {0};
        gs_error e2 = {0};
        if (gs_tz_load(z.name, 0, 86400, &tz, &e2) < 0) {
            out->dropped++;
            continue;
        }
        gs_tz_clear(&tz);
        if (out->n == cap) {
            size_t nc = cap ? cap * 2 : 512;
            gs_tz_place *p2 = realloc(out->p, nc * sizeof *p2);
            if (!p2) {
                rc = gs_error_set(err, GS_ENOMEM, path, ln, 0, NULL, "out of memory");
                break;
            }
            out->p = p2;
            cap = nc;
        }
        out->p[out->n++] = z;
    }
    gs__reader_close(r);
    if (rc >= 0 && out->n == 0)
        rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL, "no loadable time zone listed");
    if (rc < 0) {
        gs_tz_places_free(out);
        return rc;
    }
    return GS_OK;
}

/* ---- the embedded time-zone boundary table (format: tools/tzmap.mjs) ---- */

#define TZMAP_ASSET "tzmap.bin"
#define TZMAP_HEAD 36

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void gs_tzmap_free(gs_tzmap *m)
{
    if (!m)
        return;
    free((void *)m->top); /* the one block holding every array */
    memset(m, 0, sizeof *m);
}

int gs_tzmap_load(gs_tzmap *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    size_t len = 0;
    const unsigned char *b = (const unsigned char *)gs__asset(TZMAP_ASSET, &len);
    if (!b)
        return gs_error_set(err, GS_ERUNTIME, TZMAP_ASSET, 0, 0, NULL,
                            "the time-zone boundary table is not embedded in this build");
    if (len < TZMAP_HEAD || memcmp(b, "GSTZMAP1", 8) != 0)
        return gs_error_set(err, GS_ERUNTIME, TZMAP_ASSET, 0, 0, NULL,
                            "expected a GSTZMAP1 table (tools/tzmap.mjs), found %zu other bytes", len);
    size_t nx = le32(b + 8), ny = le32(b + 12), nnodes = le32(b + 16), nzones = le32(b + 20);
    size_t pole = le32(b + 24), names_len = le32(b + 28), src_len = le32(b + 32);
    size_t nslots = nx * ny + 4 * nnodes;
    if (!nx || !ny || nx > 4096 || ny > 4096 || nnodes >= 0x8000 || !nzones || nzones >= 0x8000 ||
        pole >= nzones || !names_len || !src_len ||
        len != TZMAP_HEAD + 2 * nslots + names_len + src_len)
        return gs_error_set(err, GS_ERUNTIME, TZMAP_ASSET, 0, 0, NULL,
                            "the time-zone boundary table's header does not match its %zu bytes", len);
    const unsigned char *slots = b + TZMAP_HEAD, *names = slots + 2 * nslots;
    const unsigned char *src = names + names_len;
    if (names[names_len - 1] != '\0' || src[src_len - 1] != '\0')
        return gs_error_set(err, GS_ERUNTIME, TZMAP_ASSET, 0, 0, NULL,
                            "the time-zone boundary table's names are not NUL-terminated");
    /* one block: slots (u16), the name pointers, the usable flags, then the text */
    size_t off_names = 2 * nslots, off_ptr = (off_names + 7) & ~(size_t)7;
    size_t off_usable = off_ptr + nzones * sizeof(char *);
    size_t off_text = off_usable + nzones, total = off_text + names_len + src_len;
    unsigned char *mem = malloc(total);
    if (!mem)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    uint16_t *sl = (uint16_t *)(void *)mem;
    const char **np = (const char **)(void *)(mem + off_ptr);
    unsigned char *usable = mem + off_usable;
    char *text = (char *)mem + off_text;
    memcpy(text, names, names_len + src_len);
    int bad = 0;
    for (size_t i = 0; i < nslots && !bad; i++) {
        unsigned v = (unsigned)slots[2 * i] | (unsigned)slots[2 * i + 1] << 8;
        size_t owner = i < nx * ny ? SIZE_MAX : (i - nx * ny) / 4; /* SIZE_MAX: the top grid */
        /* a leaf names a zone; a child node lies after its parent, so every walk ends */
        bad = (v & 0x8000u) ? (v & 0x7fffu) >= nzones
                            : (v >= nnodes || (owner != SIZE_MAX && v <= owner));
        sl[i] = (uint16_t)v;
    }
    size_t z = 0;
    for (size_t o = 0; o < names_len; o += strlen(text + o) + 1)
        z++;
    if (!bad && z == nzones)
        for (size_t o = 0, i = 0; i < nzones; o += strlen(text + o) + 1)
            np[i++] = text + o;
    if (bad || z != nzones) {
        free(mem);
        return gs_error_set(err, GS_ERUNTIME, TZMAP_ASSET, 0, 0, NULL,
                            "the time-zone boundary table is malformed (%s)",
                            bad ? "a slot out of range" : "zone count");
    }
    for (size_t i = 0; i < nzones; i++) {
        gs_tz tz = {0};
        gs_error e2 = {0};
        usable[i] = strncmp(np[i], "Etc/", 4) != 0 && gs_tz_load(np[i], 0, 86400, &tz, &e2) == 0;
        if (usable[i])
            gs_tz_clear(&tz);
    }
    out->nx = nx;
    out->ny = ny;
    out->nnodes = nnodes;
    out->nzones = nzones;
    out->top = sl;
    out->nodes = sl + nx * ny;
    out->names = np;
    out->usable = usable;
    out->pole = pole;
    out->source = text + names_len;
    return GS_OK;
}
