/* netcost.c: routing inputs from files (include/gridsplit/read/netcost.h): the matrix of data
 * transfer prices between cloud regions with the regions' coordinates, and the loader of all the
 * router's file inputs (measured RTT matrix, cables, prices). */
#include "gridsplit/read/netcost.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "embed/assets.h"
#include "gridsplit/geo.h"
#include "gridsplit/read/latency.h"
#include "read/regions_list.h"
#include "read/reader.h"

#define MAXF 512

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static int is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t')
            return 0;
    return 1;
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

static int col_of(char **f, int n, const char *a, const char *b)
{
    for (int i = 0; i < n; i++) {
        const char *x = trim(f[i]);
        if (strcasecmp(x, a) == 0 || (b && strcasecmp(x, b) == 0))
            return i;
    }
    return -1;
}

/* The places file: name (or region), lat (or latitude), lon (or longitude). */
static int read_places(const char *path, gs_latency_regions *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    gs__reader *r = gs__reader_open(path, err);
    if (!r)
        return err ? err->code : GS_EIO;
    char *line, *f[MAXF];
    size_t len, cap = 0;
    int rc;
    do {
        rc = gs__reader_line(r, &line, &len, err);
    } while (rc == 1 && is_blank(line));
    if (rc == 0)
        rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                          "empty file: expected a header naming name (or region), lat (or "
                          "latitude) and lon (or longitude)");
    if (rc < 0)
        goto done;
    int nf = gs__csv_split(line, f, MAXF);
    if (nf > MAXF)
        nf = MAXF;
    int cn = col_of(f, nf, "name", "region"), cla = col_of(f, nf, "lat", "latitude");
    int clo = col_of(f, nf, "lon", "longitude");
    if (cn < 0 || cla < 0 || clo < 0) {
        rc = gs_error_set(err, GS_EINPUT, path, (int)gs__reader_lineno(r), 0, NULL,
                          "header must name the columns name (or region), lat (or latitude) "
                          "and lon (or longitude)");
        goto done;
    }
    int need = cn > cla ? cn : cla;
    if (clo > need)
        need = clo;
    while ((rc = gs__reader_line(r, &line, &len, err)) == 1) {
        int ln = (int)gs__reader_lineno(r);
        if (is_blank(line) || line[0] == '#')
            continue;
        int k = gs__csv_split(line, f, MAXF);
        if (k <= need) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, 0, NULL, "expected at least %d fields, found %d",
                              need + 1, k);
            goto done;
        }
        char *name = trim(f[cn]);
        double lat, lon;
        if (!*name || strlen(name) >= sizeof out->r[0].name) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, cn + 1, "name",
                              "expected a place name of 1 to %zu characters",
                              sizeof out->r[0].name - 1);
            goto done;
        }
        if (parse_double(trim(f[cla]), &lat) || parse_double(trim(f[clo]), &lon) ||
            !gs_geo_valid(lat, lon)) {
            rc = gs_error_set(err, GS_EINPUT, path, ln, cla + 1, "lat,lon",
                              "place '%s': expected a latitude in [-90, 90] and a longitude in "
                              "[-180, 180], found '%s', '%s'",
                              name, f[cla], f[clo]);
            goto done;
        }
        int dup = 0;
        for (size_t i = 0; i < out->n && !dup; i++)
            dup = strcmp(out->r[i].name, name) == 0;
        if (dup)
            continue; /* the first row of a name wins (a file may list a region per provider) */
        if ((rc = gs__latency_region_push(out, &cap, name, lat, lon, "", err)) < 0) {
            snprintf(err->file, sizeof err->file, "%s", path);
            err->line = (int)ln;
            goto done;
        }
    }
done:
    gs__reader_close(r);
    if (rc < 0) {
        free(out->r);
        memset(out, 0, sizeof *out);
        return rc;
    }
    return GS_OK;
}

/* The place called name, else its first zone (name-a, name-b, ...: a GCP region listed only by
 * its zones), else -1. */
static int place_index(const gs_latency_regions *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->r[i].name, name) == 0)
            return (int)i;
    size_t n = strlen(name);
    for (size_t i = 0; i < p->n; i++) {
        const char *z = p->r[i].name;
        if (strncmp(z, name, n) == 0 && z[n] == '-' && z[n + 1] >= 'a' && z[n + 1] <= 'z' &&
            z[n + 2] == '\0')
            return (int)i;
    }
    return -1;
}

void gs_netcost_free(gs_netcost *n)
{
    if (!n)
        return;
    free(n->places.r);
    free(n->usd_per_gb);
    free(n);
}

int gs_netcost_read(const char *matrix_csv, const char *places_csv, gs_netcost **out,
                    char *warning, size_t wlen, gs_error *err)
{
    *out = NULL;
    if (warning && wlen)
        warning[0] = '\0';
    int rc = gs__path_check(matrix_csv, err);
    if (rc != GS_OK)
        return rc;
    if ((rc = gs__path_check(places_csv, err)) != GS_OK)
        return rc;
    gs_latency_regions coords;
    if ((rc = read_places(places_csv, &coords, err)) < 0)
        return rc;
    gs__reader *r = gs__reader_open(matrix_csv, err);
    if (!r) {
        free(coords.r);
        return err ? err->code : GS_EIO;
    }
    char *line, **f = malloc(MAXF * sizeof *f);
    char (*names)[96] = calloc(MAXF, sizeof *names);
    double *m = NULL;
    unsigned char *seen = NULL;
    gs_netcost *nc = NULL;
    size_t len;
    int n = 0;
    if (!f || !names) {
        rc = gs_error_set(err, GS_ENOMEM, matrix_csv, 0, 0, NULL, "out of memory");
        goto done;
    }
    do {
        rc = gs__reader_line(r, &line, &len, err);
    } while (rc == 1 && is_blank(line));
    if (rc == 0)
        rc = gs_error_set(err, GS_EINPUT, matrix_csv, 0, 0, NULL,
                          "empty file: expected a header ',PLACE,PLACE,...' (USD per GB from each "
                          "row's place to each column's)");
    if (rc < 0)
        goto done;
    int nf = gs__csv_split(line, f, MAXF);
    if (nf > MAXF) {
        rc = gs_error_set(err, GS_EINPUT, matrix_csv, 1, 0, NULL,
                          "expected at most %d places, found %d", MAXF - 1, nf - 1);
        goto done;
    }
    n = nf - 1;
    if (n < 2) {
        rc = gs_error_set(err, GS_EINPUT, matrix_csv, 1, 0, NULL,
                          "expected a header ',PLACE,PLACE,...' naming at least 2 places, found "
                          "%d",
                          n);
        goto done;
    }
    for (int j = 0; j < n; j++) {
        char *x = trim(f[j + 1]);
        if (!*x || strlen(x) >= sizeof names[0]) {
            rc = gs_error_set(err, GS_EINPUT, matrix_csv, 1, j + 2, NULL,
                              "expected a place name of 1 to %zu characters", sizeof names[0] - 1);
            goto done;
        }
        for (int i = 0; i < j; i++)
            if (strcmp(names[i], x) == 0) {
                rc = gs_error_set(err, GS_EINPUT, matrix_csv, 1, j + 2, NULL,
                                  "place '%s' is named twice", x);
                goto done;
            }
        snprintf(names[j], sizeof names[j], "%s", x);
    }
    m = calloc((size_t)n * (size_t)n, sizeof *m);
    seen = calloc((size_t)n, 1);
    if (!m || !seen) {
        rc = gs_error_set(err, GS_ENOMEM, matrix_csv, 0, 0, NULL, "out of memory");
        goto done;
    }
    while ((rc = gs__reader_line(r, &line, &len, err)) == 1) {
        int ln = (int)gs__reader_lineno(r);
        if (is_blank(line))
            continue;
        int k = gs__csv_split(line, f, MAXF);
        if (k != n + 1) {
            rc = gs_error_set(err, GS_EINPUT, matrix_csv, ln, 0, NULL,
                              "expected %d fields as in the header, found %d", n + 1, k);
            goto done;
        }
        char *from = trim(f[0]);
        int i = -1;
        for (int j = 0; j < n; j++)
            if (strcmp(names[j], from) == 0)
                i = j;
        if (i < 0) {
            rc = gs_error_set(err, GS_EINPUT, matrix_csv, ln, 1, NULL,
                              "row '%s' is not a place of the header", from);
            goto done;
        }
        if (seen[i]) {
            rc = gs_error_set(err, GS_EINPUT, matrix_csv, ln, 1, NULL, "row '%s' is given twice",
                              from);
            goto done;
        }
        seen[i] = 1;
        for (int j = 0; j < n; j++) {
            double v;
            /* at most 1e6 USD/GB (clouds charge cents): a cost made of it stays finite */
            if (parse_double(trim(f[j + 1]), &v) || !(v >= 0 && v <= 1e6)) {
                rc = gs_error_set(err, GS_EINPUT, matrix_csv, ln, j + 2, names[j],
                                  "expected a price in USD per GB >= 0 and at most 1e6 from '%s' "
                                  "to '%s', found '%s'",
                                  from, names[j], f[j + 1]);
                goto done;
            }
            m[(size_t)i * (size_t)n + (size_t)j] = i == j ? 0 : v;
        }
    }
    if (rc < 0)
        goto done;
    for (int i = 0; i < n; i++)
        if (!seen[i]) {
            rc = gs_error_set(err, GS_EINPUT, matrix_csv, 0, 0, NULL,
                              "no row for place '%s' (rows and columns name the same places)",
                              names[i]);
            goto done;
        }
    /* the places with coordinates, in the matrix's order */
    nc = calloc(1, sizeof *nc);
    int *keep = nc ? malloc((size_t)n * sizeof *keep) : NULL;
    if (!nc || !keep) {
        free(keep);
        rc = gs_error_set(err, GS_ENOMEM, matrix_csv, 0, 0, NULL, "out of memory");
        goto done;
    }
    size_t nk = 0, wpos = 0;
    for (int i = 0; i < n; i++) {
        int c = place_index(&coords, names[i]);
        if (c >= 0) {
            keep[nk++] = i;
        } else if (warning && wlen) {
            int w = snprintf(warning + wpos, wlen - wpos, "%s'%s'", wpos ? ", " : "", names[i]);
            if (w > 0 && (size_t)w < wlen - wpos)
                wpos += (size_t)w;
        }
    }
    if (nk < 2) {
        free(keep);
        rc = gs_error_set(err, GS_EINPUT, places_csv, 0, 0, NULL,
                          "expected coordinates for at least 2 places of %s, found %zu",
                          matrix_csv, nk);
        goto done;
    }
    nc->places.r = calloc(nk, sizeof *nc->places.r);
    nc->usd_per_gb = malloc(nk * nk * sizeof *nc->usd_per_gb);
    if (!nc->places.r || !nc->usd_per_gb) {
        free(keep);
        rc = gs_error_set(err, GS_ENOMEM, matrix_csv, 0, 0, NULL, "out of memory");
        goto done;
    }
    nc->places.n = nk;
    for (size_t a = 0; a < nk; a++) {
        nc->places.r[a] = coords.r[place_index(&coords, names[keep[a]])];
        for (size_t b = 0; b < nk; b++)
            nc->usd_per_gb[a * nk + b] = m[(size_t)keep[a] * (size_t)n + (size_t)keep[b]];
    }
    free(keep);
    if (wpos && warning) {
        char tmp[512];
        snprintf(tmp, sizeof tmp, "%s", warning);
        snprintf(warning, wlen, "%s: %zu priced place%s without coordinates in %s left out: %s",
                 matrix_csv, (size_t)n - nk, (size_t)n - nk == 1 ? "" : "s", places_csv, tmp);
    }
    *out = nc;
    nc = NULL;
    rc = GS_OK;
done:
    gs__reader_close(r);
    gs_netcost_free(nc);
    free(coords.r);
    free(f);
    free(names);
    free(m);
    free(seen);
    return rc;
}

/* ---- all the router's file inputs ---------------------------------------------------------- */

void gs_route_inputs_free(gs_route_inputs *in)
{
    if (!in)
        return;
    gs_latency_regions_free(&in->rtt_places);
    gs_latency_measured_free(&in->rtt_measured);
    gs_cables_free(in->cables);
    gs_netcost_free(in->netcost);
    memset(in, 0, sizeof *in);
}

int gs_route_inputs_load(gs_route_inputs *in, const char *rtt, const char *rtt_places,
                         const char *cables, const char *net_prices, const char *net_places,
                         gs_route_opts *o, gs_error *err)
{
    int rc;
    if (rtt) {
        if (rtt_places) {
            rc = gs_latency_regions_read(rtt_places, &in->rtt_places, err);
        } else {
            size_t len = 0;
            const char *text = gs__asset("latency_regions.csv", &len);
            if (!text)
                return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "rtt-regions",
                                    "no built-in region catalogue in this build: give the "
                                    "places of the measured matrix (CSV name,lat,lon)");
            rc = gs_latency_regions_parse(text, len, "latency_regions.csv (built in)",
                                          &in->rtt_places, err);
        }
        if (rc < 0)
            return rc;
        if ((rc = gs_latency_measured_read(rtt, &in->rtt_places, NULL, &in->rtt_measured, err)) < 0)
            return rc;
        in->have_rtt = 1;
        o->rtt_places = &in->rtt_places;
        o->rtt_measured = &in->rtt_measured;
        o->rtt_label = rtt;
    }
    if (cables) {
        if ((rc = gs_cables_read_dir(cables, &in->cables, err)) < 0)
            return rc;
        o->cables = in->cables;
        o->cables_label = cables;
    }
    if (net_prices || net_places) {
        if (!net_prices || !net_places)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, net_prices ? "net-places" : "net-prices",
                                "transfer prices need both the price matrix and its places' "
                                "coordinates");
        if ((rc = gs_netcost_read(net_prices, net_places, &in->netcost, in->warning,
                                  sizeof in->warning, err)) < 0)
            return rc;
        o->netcost = in->netcost;
        o->netcost_label = net_prices;
    }
    return GS_OK;
}

int gs_route_inputs_load_fleet(gs_route_inputs *in, const gs_fleet *f, const char *rtt,
                               const char *rtt_places, const char *cables, const char *net_prices,
                               const char *net_places, gs_route_opts *o, gs_error *err)
{
#define FLEET_OR_NULL(x) (f && f->network.x[0] ? f->network.x : NULL)
    if (!rtt && !rtt_places) {
        rtt = FLEET_OR_NULL(rtt);
        rtt_places = FLEET_OR_NULL(rtt_regions);
    }
    if (!cables)
        cables = FLEET_OR_NULL(cables);
    if (!net_prices && !net_places) {
        net_prices = FLEET_OR_NULL(net_prices);
        net_places = FLEET_OR_NULL(net_places);
    }
#undef FLEET_OR_NULL
    return gs_route_inputs_load(in, rtt, rtt_places, cables, net_prices, net_places, o, err);
}
