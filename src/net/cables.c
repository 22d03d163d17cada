/* cables.c: the submarine cable graph (include/gridsplit/latency.h): landing points and
 * branching units joined by cable segments, shortest paths by Dijkstra, and the all-pairs table
 * between landing points that makes cable-aware RTT queries cheap. Pure: no I/O. */
#include "gridsplit/geo.h"
#include "gridsplit/latency.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct edge {
    int a, b;
    double km;
};

struct gs_cable_graph {
    /* nodes */
    size_t n, cap;
    double *lat, *lon;
    unsigned char *landing;
    /* explicit and derived edges */
    struct edge *e;
    size_t ne, ecap;
    /* routes: vertices as lat,lon pairs; route r spans pts[2*roff[r] .. 2*(roff[r]+rn[r])) */
    double *pts;
    size_t npts, ptscap;
    size_t *roff, *rn;
    size_t nroutes, rcap;
    int finished;
    /* after finish: adjacency (CSR), connected landing points and their distance table */
    size_t *adj_off;
    int *adj_to;
    double *adj_km;
    int *acc;      /* node id of access point i */
    size_t nacc;
    float *table;  /* nacc x nacc shortest cable km, INFINITY when unreachable */
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

gs_cable_graph *gs_cables_new(void)
{
    return calloc(1, sizeof(gs_cable_graph));
}

void gs_cables_free(gs_cable_graph *g)
{
    if (!g)
        return;
    free(g->lat);
    free(g->lon);
    free(g->landing);
    free(g->e);
    free(g->pts);
    free(g->roff);
    free(g->rn);
    free(g->adj_off);
    free(g->adj_to);
    free(g->adj_km);
    free(g->acc);
    free(g->table);
    free(g);
}

static int add_node(gs_cable_graph *g, double lat, double lon, int landing, gs_error *err)
{
    if (g->n >= 0x7fffffff)
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, NULL, "too many cable graph nodes");
    if (g->n == g->cap) {
        size_t c = g->cap ? g->cap * 2 : 64;
        double *la = realloc(g->lat, c * sizeof *la);
        if (la)
            g->lat = la;
        double *lo = realloc(g->lon, c * sizeof *lo);
        if (lo)
            g->lon = lo;
        unsigned char *l = realloc(g->landing, c);
        if (l)
            g->landing = l;
        if (!la || !lo || !l)
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        g->cap = c;
    }
    g->lat[g->n] = lat;
    g->lon[g->n] = lon;
    g->landing[g->n] = (unsigned char)(landing != 0);
    return (int)g->n++;
}

int gs_cables_add_landing(gs_cable_graph *g, double lat, double lon, gs_error *err)
{
    if (g->finished)
        return gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL, "cable graph already finished");
    if (!gs_geo_valid(lat, lon))
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "coordinates",
                            "landing point %g,%g is not a valid latitude,longitude", lat, lon);
    return add_node(g, lat, lon, 1, err);
}

static int push_edge(gs_cable_graph *g, int a, int b, double km, gs_error *err)
{
    if (grow((void **)&g->e, &g->ecap, g->ne + 1, sizeof *g->e))
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    g->e[g->ne++] = (struct edge){a, b, km};
    return 0;
}

int gs_cables_add_edge(gs_cable_graph *g, int a, int b, double length_km, gs_error *err)
{
    if (g->finished)
        return gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL, "cable graph already finished");
    if (a < 0 || b < 0 || (size_t)a >= g->n || (size_t)b >= g->n)
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "node", "edge %d-%d names an unknown node",
                            a, b);
    if (!(length_km > 0) || !isfinite(length_km))
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "length_km",
                            "edge length must be positive, found %g", length_km);
    return push_edge(g, a, b, length_km, err);
}

int gs_cables_add_route(gs_cable_graph *g, const double *latlon, size_t npoints, gs_error *err)
{
    if (g->finished)
        return gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL, "cable graph already finished");
    if (npoints < 2)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "coordinates",
                            "a cable route needs at least 2 points, found %zu", npoints);
    for (size_t i = 0; i < npoints; i++)
        if (!gs_geo_valid(latlon[2 * i], latlon[2 * i + 1]))
            return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "coordinates",
                                "cable route point %zu (%g,%g) is not a valid latitude,longitude",
                                i, latlon[2 * i], latlon[2 * i + 1]);
    if (grow((void **)&g->pts, &g->ptscap, 2 * (g->npts + npoints), sizeof *g->pts))
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    size_t rc = g->rcap;
    if (grow((void **)&g->roff, &rc, g->nroutes + 1, sizeof *g->roff))
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    rc = g->rcap;
    if (grow((void **)&g->rn, &rc, g->nroutes + 1, sizeof *g->rn))
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    g->rcap = rc;
    memcpy(g->pts + 2 * g->npts, latlon, 2 * npoints * sizeof *latlon);
    g->roff[g->nroutes] = g->npts;
    g->rn[g->nroutes] = npoints;
    g->nroutes++;
    g->npts += npoints;
    return 0;
}

/* ---- Dijkstra --------------------------------------------------------------------------- */

struct heap_item {
    double d;
    int v;
};

struct heap {
    struct heap_item *a;
    size_t n, cap;
};

static int heap_push(struct heap *h, double d, int v)
{
    if (grow((void **)&h->a, &h->cap, h->n + 1, sizeof *h->a))
        return -1;
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h->a[p].d <= d)
            break;
        h->a[i] = h->a[p];
        i = p;
    }
    h->a[i] = (struct heap_item){d, v};
    return 0;
}

static struct heap_item heap_pop(struct heap *h)
{
    struct heap_item top = h->a[0], last = h->a[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->a[c + 1].d < h->a[c].d)
            c++;
        if (h->a[c].d >= last.d)
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (h->n)
        h->a[i] = last;
    return top;
}

/* CSR adjacency from an edge list. Returns 0 or -1 (out of memory). */
static int build_csr(size_t n, const struct edge *e, size_t ne, size_t **off_out, int **to_out,
                     double **km_out)
{
    size_t *off = calloc(n + 1, sizeof *off);
    int *to = malloc((2 * ne + 1) * sizeof *to);
    double *km = malloc((2 * ne + 1) * sizeof *km);
    size_t *fill = calloc(n + 1, sizeof *fill);
    if (!off || !to || !km || !fill) {
        free(off);
        free(to);
        free(km);
        free(fill);
        return -1;
    }
    for (size_t i = 0; i < ne; i++) {
        off[e[i].a + 1]++;
        off[e[i].b + 1]++;
    }
    for (size_t i = 0; i < n; i++)
        off[i + 1] += off[i];
    for (size_t i = 0; i < ne; i++) {
        size_t pa = off[e[i].a] + fill[e[i].a]++;
        to[pa] = e[i].b;
        km[pa] = e[i].km;
        size_t pb = off[e[i].b] + fill[e[i].b]++;
        to[pb] = e[i].a;
        km[pb] = e[i].km;
    }
    free(fill);
    *off_out = off;
    *to_out = to;
    *km_out = km;
    return 0;
}

/* Distances from src to every node into dist[n]. Returns 0 or -1 (out of memory). */
static int dijkstra(size_t n, const size_t *off, const int *to, const double *km, int src,
                    double *dist, struct heap *h)
{
    for (size_t i = 0; i < n; i++)
        dist[i] = INFINITY;
    dist[src] = 0;
    h->n = 0;
    if (heap_push(h, 0, src))
        return -1;
    while (h->n) {
        struct heap_item it = heap_pop(h);
        if (it.d > dist[it.v])
            continue;
        for (size_t k = off[it.v]; k < off[it.v + 1]; k++) {
            double nd = it.d + km[k];
            if (nd < dist[to[k]]) {
                dist[to[k]] = nd;
                if (heap_push(h, nd, to[k]))
                    return -1;
            }
        }
    }
    return 0;
}

double gs_cables_shortest_km(const gs_cable_graph *g, int a, int b)
{
    if (!g || a < 0 || b < 0 || (size_t)a >= g->n || (size_t)b >= g->n)
        return -1;
    if (a == b)
        return 0;
    size_t *off = g->adj_off;
    int *to = g->adj_to;
    double *km = g->adj_km;
    int own = 0;
    if (!g->finished) {
        if (build_csr(g->n, g->e, g->ne, &off, &to, &km))
            return NAN;
        own = 1;
    }
    double *dist = malloc(g->n * sizeof *dist);
    struct heap h = {0};
    double r = NAN;
    if (dist && dijkstra(g->n, off, to, km, a, dist, &h) == 0)
        r = dist[b];
    free(h.a);
    free(dist);
    if (own) {
        free(off);
        free(to);
        free(km);
    }
    return r;
}

/* ---- finishing: routes into edges ---------------------------------------------------------- */

struct latidx {
    double lat;
    int id;
};

static int cmp_latidx(const void *x, const void *y)
{
    const struct latidx *a = x, *b = y;
    if (a->lat != b->lat)
        return a->lat < b->lat ? -1 : 1;
    return a->id - b->id;
}

/* Nearest node among idx[0..n) (sorted by lat) within tol_km of (lat,lon), or -1. */
static int nearest_within(const gs_cable_graph *g, const struct latidx *idx, size_t n, double lat,
                          double lon, double tol_km)
{
    double w = tol_km / 111.0 + 1e-9;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (idx[mid].lat < lat - w)
            lo = mid + 1;
        else
            hi = mid;
    }
    int best = -1;
    double bd = tol_km;
    for (size_t i = lo; i < n && idx[i].lat <= lat + w; i++) {
        int id = idx[i].id;
        double d = gs_geo_distance_km(lat, lon, g->lat[id], g->lon[id]);
        if (d <= bd) {
            bd = d;
            best = id;
        }
    }
    return best;
}

static int sorted_index(const gs_cable_graph *g, int landing, struct latidx **out, size_t *nout)
{
    struct latidx *idx = malloc((g->n + 1) * sizeof *idx);
    if (!idx)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < g->n; i++)
        if ((g->landing[i] != 0) == (landing != 0))
            idx[k++] = (struct latidx){g->lat[i], (int)i};
    qsort(idx, k, sizeof *idx, cmp_latidx);
    *out = idx;
    *nout = k;
    return 0;
}

static int routes_to_edges(gs_cable_graph *g, gs_error *err)
{
    struct latidx *land = NULL, *junc = NULL;
    size_t nland = 0, njunc = 0;
    int rc = 0;
    if (sorted_index(g, 1, &land, &nland)) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }
    /* branching units: route end points that are not at a landing point, joined within tol */
    size_t jcap = 0;
    for (size_t r = 0; r < g->nroutes; r++) {
        for (int end = 0; end < 2; end++) {
            size_t v = g->roff[r] + (end ? g->rn[r] - 1 : 0);
            double la = g->pts[2 * v], lo = g->pts[2 * v + 1];
            if (nearest_within(g, land, nland, la, lo, GS_CABLES_SNAP_LANDING_KM) >= 0)
                continue;
            int found = -1;
            for (size_t j = 0; j < njunc && found < 0; j++) {
                int id = junc[j].id;
                if (fabs(g->lat[id] - la) < 0.05 &&
                    gs_geo_distance_km(la, lo, g->lat[id], g->lon[id]) <= GS_CABLES_SNAP_JOIN_KM)
                    found = id;
            }
            if (found >= 0)
                continue;
            int id = add_node(g, la, lo, 0, err);
            if (id < 0) {
                rc = id;
                goto done;
            }
            if (grow((void **)&junc, &jcap, njunc + 1, sizeof *junc)) {
                rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
                goto done;
            }
            junc[njunc++] = (struct latidx){la, id};
        }
    }
    if (njunc)
        qsort(junc, njunc, sizeof *junc, cmp_latidx);
    /* walk each route, cutting it at every stop */
    for (size_t r = 0; r < g->nroutes; r++) {
        int prev = -1;
        double acc = 0;
        for (size_t i = 0; i < g->rn[r]; i++) {
            size_t v = g->roff[r] + i;
            double la = g->pts[2 * v], lo = g->pts[2 * v + 1];
            if (i > 0)
                acc += gs_geo_distance_km(g->pts[2 * v - 2], g->pts[2 * v - 1], la, lo);
            int stop = nearest_within(g, land, nland, la, lo, GS_CABLES_SNAP_LANDING_KM);
            if (stop < 0)
                stop = nearest_within(g, junc, njunc, la, lo, GS_CABLES_SNAP_JOIN_KM);
            if (stop < 0)
                continue;
            if (prev >= 0 && stop != prev && acc > 0) {
                if ((rc = push_edge(g, prev, stop, acc, err)) < 0)
                    goto done;
            }
            prev = stop;
            acc = 0;
        }
    }
    /* metro links between nearby landing points (backhaul between landing stations) */
    for (size_t i = 0; i < nland; i++) {
        for (size_t j = i + 1; j < nland && land[j].lat - land[i].lat <= GS_CABLES_METRO_KM / 111.0;
             j++) {
            int a = land[i].id, b = land[j].id;
            double d = gs_geo_distance_km(g->lat[a], g->lon[a], g->lat[b], g->lon[b]);
            if (d <= GS_CABLES_METRO_KM &&
                (rc = push_edge(g, a, b, d > 0 ? d * GS_CABLES_METRO_FACTOR : 1e-3, err)) < 0)
                goto done;
        }
    }
done:
    free(land);
    free(junc);
    return rc;
}

int gs_cables_finish(gs_cable_graph *g, gs_error *err)
{
    if (g->finished)
        return 0;
    int rc = routes_to_edges(g, err);
    if (rc < 0)
        return rc;
    if (build_csr(g->n, g->e, g->ne, &g->adj_off, &g->adj_to, &g->adj_km))
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    g->finished = 1;
    g->acc = malloc((g->n + 1) * sizeof *g->acc);
    if (!g->acc)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    size_t na = 0;
    for (size_t i = 0; i < g->n; i++)
        if (g->landing[i] && g->adj_off[i + 1] > g->adj_off[i])
            g->acc[na++] = (int)i;
    g->nacc = na;
    g->table = malloc((na * na + 1) * sizeof *g->table);
    double *dist = malloc((g->n + 1) * sizeof *dist);
    struct heap h = {0};
    if (!g->table || !dist) {
        free(dist);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t i = 0; i < na; i++) {
        if (dijkstra(g->n, g->adj_off, g->adj_to, g->adj_km, g->acc[i], dist, &h)) {
            free(dist);
            free(h.a);
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        }
        for (size_t j = 0; j < na; j++)
            g->table[i * na + j] = (float)dist[g->acc[j]];
    }
    free(dist);
    free(h.a);
    return 0;
}

/* Access points of (lat,lon): every connected landing point within GS_CABLES_ACCESS_KM, or the
 * GS_CABLES_ACCESS_MIN nearest when fewer are that close; sorted by distance. ix[] indexes
 * g->acc, d[] is km; both have room for g->nacc entries. Returns the count. */
struct accd {
    double d;
    int i;
};

static int cmp_accd(const void *x, const void *y)
{
    const struct accd *a = x, *b = y;
    if (a->d != b->d)
        return a->d < b->d ? -1 : 1;
    return a->i - b->i;
}

static size_t access_points(const gs_cable_graph *g, double lat, double lon, struct accd *out)
{
    for (size_t i = 0; i < g->nacc; i++) {
        int id = g->acc[i];
        out[i] = (struct accd){gs_geo_distance_km(lat, lon, g->lat[id], g->lon[id]), (int)i};
    }
    qsort(out, g->nacc, sizeof *out, cmp_accd);
    size_t m = 0;
    while (m < g->nacc && (out[m].d <= GS_CABLES_ACCESS_KM || m < GS_CABLES_ACCESS_MIN))
        m++;
    return m;
}

double gs_cables_path_km(const gs_cable_graph *g, double lat1, double lon1, double lat2,
                         double lon2, double route_factor, double cable_factor, int force_cable)
{
    double direct = route_factor * gs_geo_distance_km(lat1, lon1, lat2, lon2);
    if (!g || !g->finished || g->nacc == 0)
        return direct;
    struct accd *A = malloc(2 * g->nacc * sizeof *A);
    if (!A)
        return NAN;
    struct accd *B = A + g->nacc;
    size_t na = access_points(g, lat1, lon1, A), nb = access_points(g, lat2, lon2, B);
    double best = force_cable ? INFINITY : direct;
    for (size_t i = 0; i < na; i++) {
        double legA = route_factor * A[i].d;
        if (legA >= best)
            break; /* sorted by distance: no later access point can do better */
        const float *row = g->table + (size_t)A[i].i * g->nacc;
        for (size_t j = 0; j < nb; j++) {
            double legB = route_factor * B[j].d;
            if (legA + legB >= best)
                break;
            double c = row[B[j].i];
            if (force_cable && !(c > 0))
                continue; /* one landing point for both ends is no cable at all */
            double t = legA + legB + cable_factor * c;
            if (t < best)
                best = t;
        }
    }
    free(A);
    return isfinite(best) ? best : direct;
}

size_t gs_cables_frontier(const gs_cable_graph *g, double lat1, double lon1, double lat2,
                          double lon2, double *land_km, double *cable_km, size_t max)
{
    if (!g || !g->finished || g->nacc == 0 || max == 0)
        return 0;
    struct accd *A = malloc(2 * g->nacc * sizeof *A);
    if (!A)
        return 0;
    struct accd *B = A + g->nacc;
    size_t na = access_points(g, lat1, lon1, A), nb = access_points(g, lat2, lon2, B);
    /* Pareto frontier of (land, cable): scan pairs, keep a small sorted list of non-dominated */
    size_t n = 0;
    for (size_t i = 0; i < na; i++) {
        const float *row = g->table + (size_t)A[i].i * g->nacc;
        for (size_t j = 0; j < nb; j++) {
            double L = A[i].d + B[j].d, C = row[B[j].i];
            if (!isfinite(C) || !(C > 0))
                continue;
            int dominated = 0;
            for (size_t k = 0; k < n && !dominated; k++)
                dominated = land_km[k] <= L && cable_km[k] <= C;
            if (dominated)
                continue;
            size_t w = 0;
            for (size_t k = 0; k < n; k++)
                if (!(L <= land_km[k] && C <= cable_km[k])) {
                    land_km[w] = land_km[k];
                    cable_km[w] = cable_km[k];
                    w++;
                }
            n = w;
            if (n < max) {
                land_km[n] = L;
                cable_km[n] = C;
                n++;
            }
        }
    }
    free(A);
    return n;
}

size_t gs_cables_node_count(const gs_cable_graph *g)
{
    return g ? g->n : 0;
}

size_t gs_cables_edge_count(const gs_cable_graph *g)
{
    return g ? g->ne : 0;
}

size_t gs_cables_landing_count(const gs_cable_graph *g)
{
    return g ? g->nacc : 0;
}
