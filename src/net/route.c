/* route.c: routing of inference demand (include/gridsplit/route.h): the min-cost
 * transportation solver (a network simplex that keeps its basis from one step to the next) and
 * the fleet router that builds one transportation problem per service and solves it per step.
 * Pure: no I/O, no globals; all memory is allocated by the constructors. */
#include "gridsplit/route.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/geo.h"
#include "gridsplit/latency.h"
#include "gridsplit/load.h"

gs_route_opts gs_route_opts_default(void)
{
    return (gs_route_opts){.server_ms = GS_ROUTE_DEFAULT_SERVER_MS,
                           .usd_per_mreq_ms = GS_ROUTE_DEFAULT_USD_PER_MREQ_MS,
                           .default_price_usd_per_mwh = GS_ROUTE_DEFAULT_PRICE_USD_PER_MWH,
                           .route_factor = GS_ROUTE_ROUTE_FACTOR,
                           .overhead_ms = GS_ROUTE_OVERHEAD_MS,
                           .rtt_snap_km = GS_ROUTE_MEASURED_KM,
                           .cable_route_factor = GS_LATENCY_DEFAULT_CABLE_ROUTE_FACTOR,
                           .cable_factor = GS_LATENCY_DEFAULT_CABLE_FACTOR,
                           .cable_overhead_ms = GS_LATENCY_DEFAULT_CABLE_OVERHEAD_MS,
                           .tokens_in = GS_ROUTE_DEFAULT_TOKENS_IN,
                           .tokens_out = GS_ROUTE_DEFAULT_TOKENS_OUT,
                           .bytes_per_token = GS_ROUTE_DEFAULT_BYTES_PER_TOKEN};
}

/* ---- round-trip times and transfer costs of a pair ----------------------------------------- */

double gs_route_builtin_usd_per_gb(gs_continent c)
{
    switch (c) {
    case GS_CONTINENT_NORTH_AMERICA:
    case GS_CONTINENT_EUROPE:
        return 0.02;
    case GS_CONTINENT_ASIA:
        return 0.09;
    case GS_CONTINENT_OCEANIA:
        return 0.098;
    case GS_CONTINENT_SOUTH_AMERICA:
        return 0.138;
    case GS_CONTINENT_AFRICA:
        return 0.147;
    default:
        return 0;
    }
}

/* One end of a pair: where it is, its continent, its nearest measured place (within the snap
 * distance) and its nearest priced place. */
typedef struct endpoint {
    double lat, lon;
    gs_continent cont;
    int place;          /* measured place, -1 none */
    double place_km;
    int price_place;    /* priced place, -1 none */
} endpoint;

static endpoint endpoint_at(const gs_route_opts *o, double lat, double lon, gs_continent c)
{
    endpoint e = {.lat = lat, .lon = lon, .cont = c, .place = -1, .price_place = -1};
    if (o->rtt_places && o->rtt_measured)
        e.place = gs_latency_regions_nearest(o->rtt_places, lat, lon, o->rtt_snap_km, &e.place_km);
    if (o->netcost)
        e.price_place = gs_latency_regions_nearest(&o->netcost->places, lat, lon, INFINITY, NULL);
    return e;
}

/* The pair's RTT from the best source. When limit is finite and the pair is certainly beyond it
 * (a lower bound of the cable path exceeds it), the lower bound is returned without the costly
 * cable query: the caller drops such pairs anyway. */
static double pair_rtt(const gs_route_opts *o, const endpoint *a, const endpoint *b, double limit,
                       gs_rtt_source *src)
{
    double ms_per_km = 2.0 * o->route_factor / GS_FIBRE_KM_PER_MS;
    if (a->place >= 0 && b->place >= 0 && a->place != b->place) {
        double m = gs_latency_measured_rtt(o->rtt_measured, a->place, b->place);
        if (isfinite(m)) {
            *src = GS_RTT_MEASURED;
            return m + ms_per_km * (a->place_km + b->place_km);
        }
    }
    int inter = a->cont != GS_CONTINENT_UNKNOWN && b->cont != GS_CONTINENT_UNKNOWN &&
                a->cont != b->cont;
    if (inter && o->cables) {
        double d = gs_geo_distance_km(a->lat, a->lon, b->lat, b->lon);
        double f = o->cable_route_factor < o->cable_factor ? o->cable_route_factor : o->cable_factor;
        double lb = 2.0 * f * d / GS_FIBRE_KM_PER_MS + o->cable_overhead_ms;
        *src = GS_RTT_CABLE;
        if (lb > limit)
            return lb;
        gs_latency_model cm = {o->cable_route_factor, o->cable_overhead_ms, o->cable_factor,
                               o->cables, NULL};
        double r = gs_latency_rtt_between_ms(&cm, a->lat, a->lon, b->lat, b->lon, 1);
        if (isfinite(r))
            return r;
    }
    *src = GS_RTT_PLAIN; /* as gs_latency_rtt_ms of the plain model */
    return 2.0 * (o->route_factor * gs_geo_distance_km(a->lat, a->lon, b->lat, b->lon)) /
               GS_FIBRE_KM_PER_MS +
           o->overhead_ms;
}

static double pair_transfer(const gs_route_opts *o, const endpoint *r, const endpoint *s)
{
    double bin = o->tokens_in * o->bytes_per_token, bout = o->tokens_out * o->bytes_per_token;
    double pin = 0, pout = 0;
    if (o->netcost) {
        size_t n = o->netcost->places.n;
        int a = r->price_place, b = s->price_place;
        if (a < 0 || b < 0 || a == b)
            return 0;
        pin = o->netcost->usd_per_gb[(size_t)a * n + (size_t)b];
        pout = o->netcost->usd_per_gb[(size_t)b * n + (size_t)a];
    } else {
        if (r->cont == GS_CONTINENT_UNKNOWN || s->cont == GS_CONTINENT_UNKNOWN ||
            r->cont == s->cont)
            return 0;
        pin = gs_route_builtin_usd_per_gb(r->cont);
        pout = gs_route_builtin_usd_per_gb(s->cont);
    }
    /* USD/GB x bytes x 1e6 requests / 1e9 bytes per GB */
    double v = (pin * bin + pout * bout) * 1e-3;
    return v > 0 && isfinite(v) ? v : 0;
}

double gs_route_rtt_ms(const gs_route_opts *o, double lat1, double lon1, gs_continent c1,
                       double lat2, double lon2, gs_continent c2, gs_rtt_source *src)
{
    gs_route_opts d = gs_route_opts_default();
    if (!o)
        o = &d;
    if (!gs_geo_valid(lat1, lon1) || !gs_geo_valid(lat2, lon2))
        return NAN;
    endpoint a = endpoint_at(o, lat1, lon1, c1), b = endpoint_at(o, lat2, lon2, c2);
    gs_rtt_source s;
    double r = pair_rtt(o, &a, &b, INFINITY, &s);
    if (src)
        *src = s;
    return r;
}

double gs_route_transfer_usd_per_mreq(const gs_route_opts *o, double lat1, double lon1,
                                      gs_continent c1, double lat2, double lon2, gs_continent c2)
{
    gs_route_opts d = gs_route_opts_default();
    if (!o)
        o = &d;
    endpoint a = endpoint_at(o, lat1, lon1, c1), b = endpoint_at(o, lat2, lon2, c2);
    return pair_transfer(o, &a, &b);
}

/* ---- transportation solver ---------------------------------------------------------------- */

/* A network simplex on: sources 0..ns-1, destinations ns..ns+nd-1 and a root T = ns+nd. Arcs
 * (index a): 0..na-1 the transportation arcs (source -> destination, cost[a], no bound; a
 * disabled arc has bound 0); na+i the "unserved" arc of source i (i -> T, cost M, no bound);
 * na+ns+j the arc of destination j to T (cost 0, bound cap[j]). Source i supplies supply[i] and
 * T absorbs the total.
 *
 * A basis is a spanning tree of arcs; every other arc is at its lower bound (0) or, for the
 * destination arcs, at its upper bound (cap). The tree fixes the flows (from the supplies) and
 * the potentials (reduced cost c(u,v) + phi(u) - phi(v) = 0 on tree arcs). It is optimal when
 * the flows are within bounds (primal feasible) and the reduced costs have the right sign
 * (dual feasible: >= 0 at the lower bound, <= 0 at the upper).
 *
 * The basis is kept between solves. New supplies, capacities or disabled arcs leave it dual
 * feasible: the dual simplex restores the bounds. New costs leave it primal feasible: the
 * primal simplex (block pricing, strongly feasible leaving-arc rule) restores the signs. A
 * first solve starts from the tree of unserved arcs (all demand unserved, M-cost start). The
 * trees here have ~300 nodes: a primal pivot re-hangs the subtree it cuts off (parents,
 * depths, potentials) and moves flow around its cycle; a dual pivot, rare, and the start of a
 * solve recompute the tree order, potentials and flows whole (O(nodes)) from the supplies.
 * A destination losing its capacity while full at its bound (a cap that disappears) cannot be
 * kept at an infinite bound: that solve starts fresh (the router's capacities are finite). */

enum { ST_BASIC, ST_LOWER, ST_UPPER };

struct gs_transport {
    size_t nsrc, ndst, narcs, nnodes, m;
    int *arc_src, *arc_dst;
    size_t *src_start, *src_arc; /* arcs by source (CSR), ascending arc index */
    size_t *dst_start, *dst_arc; /* arcs by destination */
    int *tail, *head;            /* [m] ends of every arc, the unserved and T arcs included */
    int have;                    /* a basis from a previous solve is held */
    unsigned char *state;        /* [m] */
    double *cst, *ub, *x;        /* [m] cost, upper bound, flow */
    unsigned char *off0;         /* [narcs] disabled at the previous solve */
    double *b;                   /* [node] supply (T: minus the total) */
    double big_m;                /* cost of an unserved unit */
    double eps, tol;             /* flow and reduced-cost tolerances */
    /* the tree */
    int *tree, *tpos;            /* tree arcs [nnodes - 1]; tpos[a] position or -1 */
    int *parent, *parc, *order, *depth; /* [node]; parc: arc to the parent */
    int *first, *nxt, *prv;      /* tree arcs by node: linked lists of slots 2a (at the tail
                                    of arc a) and 2a + 1 (at its head) */
    int *bfs;                    /* [node] scratch queue */
    double *phi, *sub;           /* [node] potentials, subtree net supply */
    unsigned char *side;         /* [node] dual pivot: 1 in the subtree cut off */
    size_t block_next;           /* primal pricing: next arc to look at */
    int order_ok;                /* order (BFS from T) matches the tree */
    gs_transport_stats st;
};

void gs_transport_free(gs_transport *t)
{
    if (!t)
        return;
    free(t->arc_src);
    free(t->arc_dst);
    free(t->src_start);
    free(t->src_arc);
    free(t->dst_start);
    free(t->dst_arc);
    free(t->tail);
    free(t->head);
    free(t->state);
    free(t->cst);
    free(t->ub);
    free(t->x);
    free(t->off0);
    free(t->b);
    free(t->tree);
    free(t->tpos);
    free(t->parent);
    free(t->parc);
    free(t->order);
    free(t->depth);
    free(t->first);
    free(t->nxt);
    free(t->prv);
    free(t->bfs);
    free(t->phi);
    free(t->sub);
    free(t->side);
    free(t);
}

static void csr(size_t n, const int *key, size_t narcs, size_t *start, size_t *list)
{
    memset(start, 0, (n + 1) * sizeof *start);
    for (size_t k = 0; k < narcs; k++)
        start[key[k] + 1]++;
    for (size_t i = 0; i < n; i++)
        start[i + 1] += start[i];
    size_t *fill = start; /* reuse: fill then shift back */
    for (size_t k = 0; k < narcs; k++)
        list[fill[key[k]]++] = k;
    for (size_t i = n; i > 0; i--)
        start[i] = start[i - 1];
    start[0] = 0;
}

int gs_transport_new(size_t nsrc, size_t ndst, const int *arc_src, const int *arc_dst,
                     size_t narcs, gs_transport **out, gs_error *err)
{
    *out = NULL;
    for (size_t k = 0; k < narcs; k++)
        if (arc_src[k] < 0 || (size_t)arc_src[k] >= nsrc || arc_dst[k] < 0 ||
            (size_t)arc_dst[k] >= ndst)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "arcs",
                                "arc %zu joins %d -> %d, outside %zu sources x %zu destinations",
                                k, arc_src[k], arc_dst[k], nsrc, ndst);
    gs_transport *t = calloc(1, sizeof *t);
    if (!t)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    t->nsrc = nsrc;
    t->ndst = ndst;
    t->narcs = narcs;
    t->nnodes = nsrc + ndst + 1;
    t->m = narcs + nsrc + ndst;
    size_t na = narcs ? narcs : 1, nn = t->nnodes, m = t->m ? t->m : 1;
    t->arc_src = calloc(na, sizeof *t->arc_src);
    t->arc_dst = calloc(na, sizeof *t->arc_dst);
    t->src_start = calloc(nsrc + 1, sizeof *t->src_start);
    t->src_arc = calloc(na, sizeof *t->src_arc);
    t->dst_start = calloc(ndst + 1, sizeof *t->dst_start);
    t->dst_arc = calloc(na, sizeof *t->dst_arc);
    t->tail = calloc(m, sizeof *t->tail);
    t->head = calloc(m, sizeof *t->head);
    t->state = calloc(m, 1);
    t->cst = calloc(m, sizeof *t->cst);
    t->ub = calloc(m, sizeof *t->ub);
    t->x = calloc(m, sizeof *t->x);
    t->off0 = calloc(na, 1);
    t->b = calloc(nn, sizeof *t->b);
    t->tree = calloc(nn, sizeof *t->tree);
    t->tpos = calloc(m, sizeof *t->tpos);
    t->parent = calloc(nn, sizeof *t->parent);
    t->parc = calloc(nn, sizeof *t->parc);
    t->order = calloc(nn, sizeof *t->order);
    t->depth = calloc(nn, sizeof *t->depth);
    t->first = calloc(nn, sizeof *t->first);
    t->nxt = calloc(2 * m, sizeof *t->nxt);
    t->prv = calloc(2 * m, sizeof *t->prv);
    t->bfs = calloc(nn, sizeof *t->bfs);
    t->phi = calloc(nn, sizeof *t->phi);
    t->sub = calloc(nn, sizeof *t->sub);
    t->side = calloc(nn, 1);
    if (!t->arc_src || !t->arc_dst || !t->src_start || !t->src_arc || !t->dst_start ||
        !t->dst_arc || !t->tail || !t->head || !t->state || !t->cst || !t->ub || !t->x || !t->off0 || !t->b ||
        !t->tree || !t->tpos || !t->parent || !t->parc || !t->order || !t->depth ||
        !t->first || !t->nxt || !t->prv || !t->bfs || !t->phi || !t->sub || !t->side) {
        gs_transport_free(t);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    if (narcs) {
        memcpy(t->arc_src, arc_src, narcs * sizeof *arc_src);
        memcpy(t->arc_dst, arc_dst, narcs * sizeof *arc_dst);
    }
    csr(nsrc, t->arc_src, narcs, t->src_start, t->src_arc);
    csr(ndst, t->arc_dst, narcs, t->dst_start, t->dst_arc);
    for (size_t a = 0; a < narcs; a++) {
        t->tail[a] = arc_src[a];
        t->head[a] = (int)nsrc + arc_dst[a];
    }
    for (size_t i = 0; i < nsrc; i++) {
        t->tail[narcs + i] = (int)i;
        t->head[narcs + i] = (int)(nsrc + ndst);
    }
    for (size_t j = 0; j < ndst; j++) {
        t->tail[narcs + nsrc + j] = (int)(nsrc + j);
        t->head[narcs + nsrc + j] = (int)(nsrc + ndst);
    }
    *out = t;
    return GS_OK;
}

void gs_transport_reset(gs_transport *t) { t->have = 0; }

void gs_transport_get_stats(const gs_transport *t, gs_transport_stats *out) { *out = t->st; }

static double supply_of(const double *supply, size_t i)
{
    return supply[i] > 0 ? supply[i] : 0; /* negative or NaN: nothing */
}

static double cap_of(const double *cap, size_t j)
{
    if (!cap || isnan(cap[j]))
        return INFINITY;
    return cap[j] > 0 ? cap[j] : 0;
}

static double rc_of(const gs_transport *t, size_t a)
{
    return t->cst[a] + t->phi[t->tail[a]] - t->phi[t->head[a]];
}

static void tree_flows(gs_transport *t);

/* Tree order (BFS from T), parents, depths, potentials and flows, from the tree arcs, the
 * supplies and the non-tree arcs at their upper bound (destination arcs only). */
static void tree_update(gs_transport *t)
{
    size_t nn = t->nnodes;
    const int T = (int)(nn - 1);
    size_t qh = 0, qt = 0;
    t->order[qt++] = T;
    t->parent[T] = -1;
    t->parc[T] = -1;
    t->depth[T] = 0;
    t->phi[T] = 0;
    while (qh < qt) {
        int u = t->order[qh++];
        for (int sl = t->first[u]; sl >= 0; sl = t->nxt[sl]) {
            int a = sl >> 1;
            if (a == t->parc[u])
                continue;
            int tl = t->tail[a], hd = t->head[a];
            int v = tl == u ? hd : tl;
            t->parent[v] = u;
            t->parc[v] = a;
            t->depth[v] = t->depth[u] + 1;
            /* reduced cost 0 on tree arcs: phi(head) = phi(tail) + cost */
            t->phi[v] = tl == u ? t->phi[u] + t->cst[a] : t->phi[u] - t->cst[a];
            t->order[qt++] = v;
        }
    }
    t->order_ok = 1;
    tree_flows(t);
}

/* Flows of the tree arcs: the net supply of each subtree leaves it by its parent arc. */
static void tree_flows(gs_transport *t)
{
    size_t nn = t->nnodes;
    const int T = (int)(nn - 1);
    for (size_t v = 0; v < nn; v++)
        t->sub[v] = t->b[v];
    for (size_t j = 0; j < t->ndst; j++) {
        size_t a = t->narcs + t->nsrc + j;
        if (t->state[a] == ST_UPPER) {
            t->sub[t->nsrc + j] -= t->ub[a];
            t->sub[T] += t->ub[a];
        }
    }
    for (size_t q = nn; q-- > 1;) {
        int v = t->order[q];
        int a = t->parc[v];
        t->x[a] = t->tail[a] == v ? t->sub[v] : -t->sub[v];
        t->sub[t->parent[v]] += t->sub[v];
    }
}

static void slot_link(gs_transport *t, int sl, int v)
{
    t->prv[sl] = -1;
    t->nxt[sl] = t->first[v];
    if (t->first[v] >= 0)
        t->prv[t->first[v]] = sl;
    t->first[v] = sl;
}

static void slot_unlink(gs_transport *t, int sl, int v)
{
    if (t->prv[sl] >= 0)
        t->nxt[t->prv[sl]] = t->nxt[sl];
    else
        t->first[v] = t->nxt[sl];
    if (t->nxt[sl] >= 0)
        t->prv[t->nxt[sl]] = t->prv[sl];
}

static void tree_swap(gs_transport *t, int out_arc, int in_arc)
{
    slot_unlink(t, 2 * out_arc, t->tail[out_arc]);
    slot_unlink(t, 2 * out_arc + 1, t->head[out_arc]);
    slot_link(t, 2 * in_arc, t->tail[in_arc]);
    slot_link(t, 2 * in_arc + 1, t->head[in_arc]);
    int p = t->tpos[out_arc];
    t->tree[p] = in_arc;
    t->tpos[in_arc] = p;
    t->tpos[out_arc] = -1;
    t->state[in_arc] = ST_BASIC;
}

/* The starting basis: every source on its unserved arc, every destination arc at 0. */
static void basis_fresh(gs_transport *t)
{
    size_t na = t->narcs;
    for (size_t a = 0; a < t->m; a++) {
        t->state[a] = a < na ? ST_LOWER : ST_BASIC;
        t->tpos[a] = a < na ? -1 : (int)(a - na);
        if (a >= na)
            t->tree[a - na] = (int)a;
    }
    for (size_t v = 0; v < t->nnodes; v++)
        t->first[v] = -1;
    for (size_t q = 0; q + 1 < t->nnodes; q++) {
        int a = t->tree[q];
        slot_link(t, 2 * a, t->tail[a]);
        slot_link(t, 2 * a + 1, t->head[a]);
    }
    t->block_next = 0;
    t->st.fresh++;
}

/* Primal simplex from a primal feasible basis. Returns the pivots, or -1 past the limit. */
static int primal(gs_transport *t, size_t limit)
{
    size_t m = t->m;
    size_t block = (size_t)sqrt((double)m);
    if (block < 16)
        block = 16;
    int pivots = 0;
    for (;;) {
        /* block search: the most violating arc of the first block that has one */
        int in = -1;
        double best = 0;
        size_t a = t->block_next, seen = 0, inblock = 0;
        while (seen < m) {
            if (t->state[a] == ST_LOWER && t->ub[a] > 0) {
                double r = rc_of(t, a);
                if (r < -t->tol && -r > best) {
                    best = -r;
                    in = (int)a;
                }
            } else if (t->state[a] == ST_UPPER) {
                double r = rc_of(t, a);
                if (r > t->tol && r > best) {
                    best = r;
                    in = (int)a;
                }
            }
            seen++;
            if (++a == m)
                a = 0;
            if (++inblock == block) {
                if (in >= 0)
                    break;
                inblock = 0;
            }
        }
        t->block_next = a;
        if (in < 0)
            return pivots;
        if ((size_t)pivots >= limit)
            return -1;
        /* the cycle: first -> second along the entering arc, back through the tree */
        int up = t->state[in] == ST_LOWER; /* flow on the entering arc increases */
        int first = up ? t->tail[in] : t->head[in];
        int second = up ? t->head[in] : t->tail[in];
        double delta = t->ub[in];
        int out = in, out_dec = 0, out_side = 0; /* out_dec: its flow decreases */
        int u = first, v = second;
        while (u != v) { /* find the join */
            if (t->depth[u] >= t->depth[v])
                u = t->parent[u];
            else
                v = t->parent[v];
        }
        int join = u;
        /* first -> join: flow runs from the parent down to the child */
        for (u = first; u != join; u = t->parent[u]) {
            int e = t->parc[u];
            double d = t->tail[e] == u ? t->x[e] : t->ub[e] - t->x[e];
            if (d < delta) {
                delta = d;
                out = e;
                out_dec = t->tail[e] == u;
                out_side = 1;
            }
        }
        /* second -> join: flow runs from the child up to the parent */
        for (u = second; u != join; u = t->parent[u]) {
            int e = t->parc[u];
            double d = t->tail[e] == u ? t->ub[e] - t->x[e] : t->x[e];
            if (d <= delta) {
                delta = d;
                out = e;
                out_dec = t->tail[e] != u;
                out_side = 2;
            }
        }
        if (!isfinite(delta))
            return -1; /* unbounded: cannot happen with the unserved arcs */
        pivots++;
        /* flows around the cycle */
        if (delta > 0) {
            t->x[in] += up ? delta : -delta;
            for (u = first; u != join; u = t->parent[u]) {
                int e = t->parc[u];
                t->x[e] += t->tail[e] == u ? -delta : delta;
            }
            for (u = second; u != join; u = t->parent[u]) {
                int e = t->parc[u];
                t->x[e] += t->tail[e] == u ? delta : -delta;
            }
        }
        if (out == in) { /* the entering arc goes from one bound to the other */
            t->state[in] = up ? ST_UPPER : ST_LOWER;
            t->x[in] = up ? t->ub[in] : 0;
            continue;
        }
        t->state[out] = out_dec || !(t->ub[out] > 0) ? ST_LOWER : ST_UPPER;
        t->x[out] = t->state[out] == ST_UPPER ? t->ub[out] : 0;
        /* the subtree cut off by the leaving arc hangs from the entering arc now: its
         * parents, depths and potentials, by a search from the entering arc's end in it */
        int in_first = out_side == 1;
        int q = in_first ? first : second, o = in_first ? second : first;
        tree_swap(t, out, in);
        t->parent[q] = o;
        t->parc[q] = in;
        t->depth[q] = t->depth[o] + 1;
        t->phi[q] = t->tail[in] == o ? t->phi[o] + t->cst[in] : t->phi[o] - t->cst[in];
        size_t qh = 0, qt = 0;
        t->bfs[qt++] = q;
        while (qh < qt) {
            int w = t->bfs[qh++];
            for (int sl = t->first[w]; sl >= 0; sl = t->nxt[sl]) {
                int e = sl >> 1;
                if (e == t->parc[w])
                    continue;
                int y = t->tail[e] == w ? t->head[e] : t->tail[e];
                t->parent[y] = w;
                t->parc[y] = e;
                t->depth[y] = t->depth[w] + 1;
                t->phi[y] = t->tail[e] == w ? t->phi[w] + t->cst[e] : t->phi[w] - t->cst[e];
                t->bfs[qt++] = y;
            }
        }
        t->order_ok = 0;
    }
}

/* Dual simplex from a dual feasible basis: while a tree arc is outside its bounds, it leaves
 * at the bound it crossed and the arc entering across the same cut is the one of least
 * |reduced cost| (ties: the lower arc index). Returns the pivots, or -1 past the limit. */
static int dual(gs_transport *t, size_t limit)
{
    size_t nn = t->nnodes, nt = nn - 1, m = t->m, ns = t->nsrc, nd = t->ndst, na = t->narcs;
    double eps = t->eps;
    int pivots = 0;
    for (;;) {
        int out = -1;
        double worst = eps;
        for (size_t q = 0; q < nt; q++) {
            int a = t->tree[q];
            double v = t->x[a] < 0 ? -t->x[a] : t->x[a] - t->ub[a];
            if (v > worst || (v == worst && out >= 0 && a < out)) {
                worst = v;
                out = a;
            }
        }
        if (out < 0)
            return pivots;
        if ((size_t)pivots >= limit)
            return -1;
        int below = t->x[out] < 0;
        int tl = t->tail[out], hd = t->head[out];
        int child = t->parc[tl] == out ? tl : hd;
        size_t nsub = 0;
        t->side[t->order[0]] = 0;
        for (size_t q = 1; q < nn; q++) {
            int v = t->order[q];
            t->side[v] = v == child || t->side[t->parent[v]];
            nsub += t->side[v];
        }
        /* flow must cross the cut from side sx to the other; the arcs across it are found
         * from the nodes of the smaller side */
        unsigned char sx = below ? t->side[hd] : t->side[tl];
        unsigned char scan = nsub <= nn / 2;
        int in = -1;
        double key = INFINITY;
        for (size_t v = 0; v < nn; v++) {
            if (t->side[v] != scan)
                continue;
            size_t q0, q1, extra0, extra1;
            const size_t *list;
            if (v < ns) {
                list = t->src_arc;
                q0 = t->src_start[v];
                q1 = t->src_start[v + 1];
                extra0 = na + v;
                extra1 = extra0 + 1;
            } else if (v < ns + nd) {
                list = t->dst_arc;
                q0 = t->dst_start[v - ns];
                q1 = t->dst_start[v - ns + 1];
                extra0 = na + ns + (v - ns);
                extra1 = extra0 + 1;
            } else { /* T: the unserved and destination arcs */
                list = NULL;
                q0 = q1 = 0;
                extra0 = na;
                extra1 = m;
            }
            for (size_t q = q0; q < q1 + (extra1 - extra0); q++) {
                size_t a = q < q1 ? list[q] : extra0 + (q - q1);
                unsigned char st = t->state[a];
                if (st == ST_BASIC)
                    continue;
                int p = t->tail[a], h = t->head[a];
                if (t->side[p] == t->side[h])
                    continue;
                double k;
                if (st == ST_LOWER && t->ub[a] > 0 && t->side[p] == sx)
                    k = rc_of(t, a);
                else if (st == ST_UPPER && t->side[h] == sx)
                    k = -rc_of(t, a);
                else
                    continue;
                if (k < key || (k == key && (int)a < in)) {
                    key = k;
                    in = (int)a;
                }
            }
        }
        if (in < 0)
            return -1; /* infeasible: cannot happen with the unserved arcs */
        t->state[out] = below || !(t->ub[out] > 0) ? ST_LOWER : ST_UPPER;
        t->x[out] = t->state[out] == ST_UPPER ? t->ub[out] : 0;
        if (t->state[in] == ST_UPPER)
            t->x[in] = t->ub[in];
        tree_swap(t, out, in);
        tree_update(t);
        pivots++;
    }
}

static void set_costs(gs_transport *t, const double *cost, const unsigned char *off)
{
    size_t na = t->narcs, ns = t->nsrc;
    if (na)
        memcpy(t->cst, cost, na * sizeof *cost);
    for (size_t a = 0; a < na; a++) {
        t->off0[a] = off ? off[a] != 0 : 0;
        t->ub[a] = t->off0[a] ? 0 : INFINITY;
    }
    for (size_t i = 0; i < ns; i++) {
        t->cst[na + i] = t->big_m;
        t->ub[na + i] = INFINITY;
    }
}

static int solve_fresh(gs_transport *t, const double *cost, const unsigned char *off,
                       double big_m, size_t limit)
{
    t->big_m = big_m;
    t->tol = 1e-12 * big_m;
    set_costs(t, cost, off);
    basis_fresh(t);
    for (size_t a = 0; a < t->m; a++)
        t->x[a] = 0;
    tree_update(t);
    int p = primal(t, limit);
    t->st.primal_pivots += p > 0 ? (uint64_t)p : 0;
    return p;
}

/* The solve, leaving the result in t->x (arcs, then unserved, then destination loads). */
static int transport_run(gs_transport *t, const double *supply, const double *cap,
                         const double *cost, const unsigned char *off, int same_costs)
{
    size_t ns = t->nsrc, nd = t->ndst, na = t->narcs, nn = t->nnodes;
    const size_t T = ns + nd;
    t->st.solves++;
    double total = 0;
    for (size_t i = 0; i < ns; i++) {
        t->b[i] = supply_of(supply, i);
        total += t->b[i];
    }
    for (size_t j = 0; j < nd; j++)
        t->b[ns + j] = 0;
    t->b[T] = -total;
    t->eps = 1e-13 * (1.0 + total);
    size_t limit = 50 * (t->m + nn) + 1000;
    int changed_costs = !t->have;
    if (t->have && !same_costs) {
        changed_costs = na && memcmp(cost, t->cst, na * sizeof *cost) != 0;
        for (size_t a = 0; a < na && !changed_costs; a++)
            changed_costs = (off ? off[a] != 0 : 0) != t->off0[a];
    }
    double big_m = t->big_m;
    if (changed_costs) {
        double maxabs = 0;
        for (size_t a = 0; a < na; a++)
            if (!(off && off[a]) && fabs(cost[a]) > maxabs)
                maxabs = fabs(cost[a]);
        /* larger than any chain of reroutings: serving more always wins */
        big_m = (maxabs + 1.0) * 4.0 * (double)(ns + nd + 2);
        if (t->have && big_m < t->big_m)
            big_m = t->big_m; /* kept while it suffices */
    }
    int fresh = !t->have, pivots = 0, changed_caps = 0;
    for (size_t j = 0; j < nd; j++) {
        size_t a = na + ns + j;
        double c = cap_of(cap, j);
        if (c != t->ub[a]) {
            changed_caps = 1;
            t->ub[a] = c;
            if (t->state[a] == ST_UPPER) {
                if (!isfinite(c))
                    fresh = 1; /* at an infinite bound: start again */
                t->x[a] = c;
            }
        }
    }
    if (!fresh) {
        /* 1. new supplies, capacities, arcs switched off, at the old costs: dual simplex */
        int enable = 0;
        if (changed_costs)
            for (size_t a = 0; a < na; a++) {
                int o = off ? off[a] != 0 : 0;
                if (o && !t->off0[a])
                    t->ub[a] = 0;
                else if (!o && t->off0[a])
                    enable = 1;
            }
        if (t->order_ok)
            tree_flows(t); /* the tree and potentials are the last solve's */
        else
            tree_update(t);
        int pd = dual(t, limit);
        if (pd < 0)
            fresh = 1;
        else {
            pivots += pd;
            t->st.dual_pivots += (uint64_t)pd;
        }
        /* 2. new costs (and arcs switched on): primal simplex */
        if (!fresh && (changed_costs || enable)) {
            t->big_m = big_m;
            t->tol = 1e-12 * big_m;
            set_costs(t, cost, off);
            tree_update(t);
            int pp = primal(t, limit);
            if (pp < 0)
                fresh = 1;
            else {
                pivots += pp;
                t->st.primal_pivots += (uint64_t)pp;
            }
        }
        if (!fresh) {
            if (changed_costs || changed_caps)
                t->st.repaired++;
            else
                t->st.warm++;
        }
    }
    if (fresh) {
        int p = solve_fresh(t, cost, off, big_m, limit);
        pivots = p > 0 ? p : 0;
    }
    /* rounding: flows within their bounds */
    for (size_t q = 0; q + 1 < nn; q++) {
        int a = t->tree[q];
        if (t->x[a] < 0)
            t->x[a] = 0;
        else if (t->x[a] > t->ub[a])
            t->x[a] = t->ub[a];
    }
    t->have = 1;
    return pivots;
}

int gs_transport_solve(gs_transport *t, const double *supply, const double *cap,
                       const double *cost, const unsigned char *off, int same_costs,
                       double *flow, double *unserved)
{
    int pivots = transport_run(t, supply, cap, cost, off, same_costs);
    if (t->narcs)
        memcpy(flow, t->x, t->narcs * sizeof *flow);
    if (t->nsrc)
        memcpy(unserved, t->x + t->narcs, t->nsrc * sizeof *unserved);
    return pivots;
}

/* ---- the fleet router --------------------------------------------------------------------- */

typedef struct svc_route {
    gs_transport *tp;
    size_t narcs, nregions, ngroups;
    gs_route_arc *arcs;
    int *groups;          /* local destination -> global group */
    int *arc_local_dst;
    double *cost, *cap, *prev_gcost; /* flows and unserved: in tp (the warm start) */
    double *arc_fixed;    /* [arc] the cost that does not change: latency penalty, transfer,
                             spill penalty (USD per million requests) */
    unsigned char *off, *prev_capped;
    int *home;            /* [region] home site */
    double *pin_rtt;      /* [region] RTT to the pinned site, NaN when not pinned there */
    unsigned char *pin_src, *pin_beyond; /* [region] its source; 1: beyond the RTT limit */
    int have_costs;
    double rtt_limit_ms;
} svc_route;

typedef struct group_x {
    size_t c0, c1;        /* clusters of the group: cl_list[c0..c1) */
    double cost_usd_per_mreq; /* this step */
    double last_it_w, last_cap; /* capacity inversion cache */
    int capped;
} group_x;

struct gs_router {
    const gs_fleet *f;
    gs_route_opts o;
    size_t ngroups;
    gs_route_group *groups;
    group_x *gx;
    int *cl_list;
    double *site_gpus;    /* inference GPUs of each site, all services */
    double *rps, *capnow; /* [group] this step: served, capacity */
    svc_route *sv;
    uint64_t augmentations;
};

/* Power model of one cluster serving rps: provisioned GPUs (floor .. gpus, headroom above
 * demand) at idle + energy per request with server overhead. Same as src/sim/simulate.c. */
static double cluster_it_w(const gs_fleet *f, const gs_cluster *cl, double rps)
{
    const gs_service *sv = &f->services[cl->service];
    const gs_gpu *gp = &f->gpus[cl->gpu];
    double dyn = gp->board_w - gp->idle_w;
    double ovh = dyn > 0 ? (gp->overhead_w - gp->overhead_idle_w) / dyn : 0;
    double cap = cl->gpus * sv->requests_per_s_per_gpu;
    double served = rps < cap ? rps : cap;
    double prov = served * (1.0 + sv->headroom_frac) / sv->requests_per_s_per_gpu;
    double floor_g = sv->floor_frac * cl->gpus;
    if (prov < floor_g)
        prov = floor_g;
    if (prov > cl->gpus)
        prov = cl->gpus;
    return prov * gs_gpu_power_w(gp, 0) + served * sv->energy_per_request_j * (1.0 + ovh);
}

static double group_it_w(const gs_router *r, size_t g, double rps)
{
    const gs_fleet *f = r->f;
    double w = 0;
    for (size_t q = r->gx[g].c0; q < r->gx[g].c1; q++) {
        const gs_cluster *cl = &f->clusters[r->cl_list[q]];
        w += cluster_it_w(f, cl, rps * cl->gpus / r->groups[g].gpus);
    }
    return w;
}

static double capacity_under(const gs_router *r, size_t g, double it_w)
{
    double hi = r->groups[g].cap_rps;
    if (group_it_w(r, g, hi) <= it_w)
        return hi;
    if (group_it_w(r, g, 0) > it_w)
        return 0;
    double lo = 0;
    for (int it = 0; it < 60; it++) {
        double mid = 0.5 * (lo + hi);
        if (group_it_w(r, g, mid) <= it_w)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void gs_router_free(gs_router *r)
{
    if (!r)
        return;
    if (r->sv)
        for (size_t v = 0; v < r->f->nservices; v++) {
            svc_route *s = &r->sv[v];
            gs_transport_free(s->tp);
            free(s->arcs);
            free(s->groups);
            free(s->arc_local_dst);
            free(s->cost);
            free(s->arc_fixed);
            free(s->pin_rtt);
            free(s->pin_src);
            free(s->pin_beyond);
            free(s->cap);
            free(s->prev_gcost);
            free(s->off);
            free(s->prev_capped);
            free(s->home);
        }
    free(r->sv);
    free(r->groups);
    free(r->gx);
    free(r->cl_list);
    free(r->site_gpus);
    free(r->rps);
    free(r->capnow);
    free(r);
}

static int arc_cmp(const void *a, const void *b)
{
    const gs_route_arc *x = a, *y = b;
    if (x->region != y->region)
        return x->region < y->region ? -1 : 1;
    if (x->pinned != y->pinned)
        return x->pinned ? -1 : 1;
    return (x->site > y->site) - (x->site < y->site);
}

int gs_router_new(const gs_fleet *f, const gs_route_opts *o, gs_router **out, gs_error *err)
{
    *out = NULL;
    gs_router *r = calloc(1, sizeof *r);
    if (!r)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    r->f = f;
    r->o = o ? *o : gs_route_opts_default();
    size_t nc = f->nclusters ? f->nclusters : 1;
    r->groups = calloc(nc, sizeof *r->groups);
    r->gx = calloc(nc, sizeof *r->gx);
    r->cl_list = malloc(nc * sizeof *r->cl_list);
    r->site_gpus = calloc(f->nsites ? f->nsites : 1, sizeof *r->site_gpus);
    r->sv = calloc(f->nservices ? f->nservices : 1, sizeof *r->sv);
    r->rps = calloc(nc, sizeof *r->rps);
    r->capnow = calloc(nc, sizeof *r->capnow);
    if (!r->groups || !r->gx || !r->cl_list || !r->site_gpus || !r->sv || !r->rps || !r->capnow)
        goto nomem;
    /* groups in the order of their first cluster; clusters listed group by group */
    for (size_t c = 0; c < f->nclusters; c++) {
        const gs_cluster *cl = &f->clusters[c];
        if (cl->cls != GS_INFERENCE || cl->service < 0)
            continue;
        r->site_gpus[cl->site] += cl->gpus;
        size_t k;
        for (k = 0; k < r->ngroups; k++)
            if (r->groups[k].service == cl->service && r->groups[k].site == cl->site)
                break;
        if (k == r->ngroups) {
            r->groups[k] = (gs_route_group){.service = cl->service, .site = cl->site};
            r->ngroups++;
        }
        r->groups[k].gpus += cl->gpus;
    }
    size_t nl = 0;
    for (size_t k = 0; k < r->ngroups; k++) {
        gs_route_group *g = &r->groups[k];
        const gs_service *sv = &f->services[g->service];
        r->gx[k].c0 = nl;
        for (size_t c = 0; c < f->nclusters; c++) {
            const gs_cluster *cl = &f->clusters[c];
            if (cl->cls == GS_INFERENCE && cl->service == g->service && cl->site == g->site)
                r->cl_list[nl++] = (int)c;
        }
        r->gx[k].c1 = nl;
        g->cap_rps = g->gpus * sv->requests_per_s_per_gpu;
        /* marginal IT energy per request above the floor: (power at capacity - power at a
         * level just above the floor) / rps, i.e. the slope of the power model */
        double hi = g->cap_rps, lo = hi * 0.5;
        g->j_per_req = hi > 0 ? (group_it_w(r, k, hi) - group_it_w(r, k, lo)) / (hi - lo) : 0;
        r->gx[k].last_it_w = NAN;
    }
    /* the sites' ends of their pairs: continent, nearest measured and priced places */
    endpoint *site_end = malloc((f->nsites ? f->nsites : 1) * sizeof *site_end);
    if (!site_end)
        goto nomem;
    for (size_t q = 0; q < f->nsites; q++) {
        const gs_site *st = &f->sites[q];
        site_end[q] = endpoint_at(&r->o, st->lat, st->lon, gs_continent_of(st->tz, st->lat, st->lon));
    }
    for (size_t v = 0; v < f->nservices; v++) {
        const gs_service *sv = &f->services[v];
        svc_route *s = &r->sv[v];
        s->nregions = sv->nregions;
        double server_ms = sv->server_time_ms > 0 ? sv->server_time_ms : r->o.server_ms;
        s->rtt_limit_ms = sv->latency_budget_ms > 0 ? sv->latency_budget_ms - server_ms : INFINITY;
        size_t ng = 0;
        for (size_t k = 0; k < r->ngroups; k++)
            if (r->groups[k].service == (int)v)
                ng++;
        s->ngroups = ng;
        size_t maxarcs = (sv->nregions ? sv->nregions : 1) * (ng ? ng : 1);
        size_t nrb = sv->nregions ? sv->nregions : 1;
        s->groups = malloc((ng ? ng : 1) * sizeof *s->groups);
        s->arcs = malloc(maxarcs * sizeof *s->arcs);
        s->home = malloc(nrb * sizeof *s->home);
        s->pin_rtt = malloc(nrb * sizeof *s->pin_rtt);
        s->pin_src = calloc(nrb, 1);
        s->pin_beyond = calloc(nrb, 1);
        if (!s->groups || !s->arcs || !s->home || !s->pin_rtt || !s->pin_src || !s->pin_beyond) {
            free(site_end);
            goto nomem;
        }
        ng = 0;
        for (size_t k = 0; k < r->ngroups; k++)
            if (r->groups[k].service == (int)v)
                s->groups[ng++] = (int)k;
        size_t na = 0;
        for (size_t rg = 0; rg < sv->nregions; rg++) {
            const gs_region *re = &sv->regions[rg];
            int pinned_here = 0;
            for (size_t q = 0; q < ng; q++)
                if (r->groups[s->groups[q]].site == re->site)
                    pinned_here = 1;
            endpoint rend =
                endpoint_at(&r->o, re->lat, re->lon, gs_continent_of(re->tz, re->lat, re->lon));
            s->pin_rtt[rg] = NAN;
            if (pinned_here) {
                /* the pin first: a pin beyond the limit leaves the region without arcs */
                gs_rtt_source src;
                double rtt = pair_rtt(&r->o, &rend, &site_end[re->site], INFINITY, &src);
                s->pin_rtt[rg] = rtt;
                s->pin_src[rg] = (unsigned char)src;
                s->pin_beyond[rg] = !(rtt <= s->rtt_limit_ms);
            }
            double best_rtt = INFINITY;
            s->home[rg] = pinned_here ? re->site : -1;
            for (size_t q = 0; q < ng && !s->pin_beyond[rg]; q++) {
                int k = s->groups[q];
                const endpoint *send = &site_end[r->groups[k].site];
                gs_rtt_source src;
                double rtt = pair_rtt(&r->o, &rend, send, s->rtt_limit_ms, &src);
                int is_pin = pinned_here && r->groups[k].site == re->site;
                if (!(rtt <= s->rtt_limit_ms))
                    continue;
                s->arcs[na++] = (gs_route_arc){.region = (int)rg,
                                               .site = r->groups[k].site,
                                               .group = k,
                                               .rtt_ms = rtt,
                                               .rtt_source = src,
                                               .transfer_usd_per_mreq =
                                                   pair_transfer(&r->o, &rend, send),
                                               .pinned = is_pin,
                                               .spill = pinned_here && !is_pin};
                if (!pinned_here && rtt < best_rtt) {
                    best_rtt = rtt;
                    s->home[rg] = r->groups[k].site;
                }
            }
        }
        qsort(s->arcs, na, sizeof *s->arcs, arc_cmp);
        s->narcs = na;
        size_t nab = na ? na : 1;
        int *asrc = malloc(nab * sizeof *asrc);
        s->arc_local_dst = malloc(nab * sizeof *s->arc_local_dst);
        s->cost = malloc(nab * sizeof *s->cost);
        s->arc_fixed = malloc(nab * sizeof *s->arc_fixed);
        s->off = calloc(nab, 1);
        s->cap = malloc((ng ? ng : 1) * sizeof *s->cap);
        s->prev_gcost = malloc((ng ? ng : 1) * sizeof *s->prev_gcost);
        s->prev_capped = calloc(ng ? ng : 1, 1);
        if (!asrc || !s->arc_local_dst || !s->cost || !s->arc_fixed || !s->off || !s->cap ||
            !s->prev_gcost || !s->prev_capped) {
            free(asrc);
            free(site_end);
            goto nomem;
        }
        for (size_t a = 0; a < na; a++) {
            const gs_route_arc *ar = &s->arcs[a];
            s->arc_fixed[a] = r->o.usd_per_mreq_ms * ar->rtt_ms + ar->transfer_usd_per_mreq +
                              (ar->spill ? GS_ROUTE_PIN_PENALTY_USD_PER_MREQ : 0);
            asrc[a] = s->arcs[a].region;
            for (size_t q = 0; q < ng; q++)
                if (s->groups[q] == s->arcs[a].group)
                    s->arc_local_dst[a] = (int)q;
        }
        int rc = gs_transport_new(sv->nregions, ng, asrc, s->arc_local_dst, na, &s->tp, err);
        free(asrc);
        if (rc < 0) {
            free(site_end);
            gs_router_free(r);
            return rc;
        }
    }
    free(site_end);
    *out = r;
    return GS_OK;
nomem:
    gs_router_free(r);
    return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

void gs_router_step(gs_router *r, int64_t t, const double *const *demand, const double *cap_mw,
                    const double *pue)
{
    const gs_fleet *f = r->f;
    /* per group: price x marginal energy at the grid, and capacity under any cap */
    for (size_t k = 0; k < r->ngroups; k++) {
        const gs_route_group *g = &r->groups[k];
        group_x *x = &r->gx[k];
        const gs_site *st = &f->sites[g->site];
        double p = pue ? pue[g->site] : st->pue;
        if (!(p >= 1.0))
            p = 1.0;
        const gs_series *ps = f->zones ? f->zones[st->zone].price_usd_per_mwh : NULL;
        double price = ps ? gs_series_at(ps, t) : NAN;
        if (isnan(price))
            price = r->o.default_price_usd_per_mwh;
        /* USD/MWh x J/request x 1e6 requests / 3.6e9 J/MWh */
        x->cost_usd_per_mreq = price * g->j_per_req * p / 3600.0;
        double cmw = cap_mw ? cap_mw[g->site] : INFINITY;
        x->capped = isfinite(cmw);
        if (x->capped) {
            double it_w = cmw * 1e6 / p * (g->gpus / r->site_gpus[g->site]);
            if (it_w != x->last_it_w) {
                x->last_it_w = it_w;
                x->last_cap = capacity_under(r, k, it_w);
            }
            r->capnow[k] = x->last_cap;
        } else {
            r->capnow[k] = g->cap_rps;
        }
        r->rps[k] = 0;
    }
    for (size_t v = 0; v < f->nservices; v++) {
        svc_route *s = &r->sv[v];
        int same = s->have_costs;
        for (size_t q = 0; q < s->ngroups; q++) {
            const group_x *x = &r->gx[s->groups[q]];
            s->cap[q] = r->capnow[s->groups[q]];
            if (x->cost_usd_per_mreq != s->prev_gcost[q] || x->capped != s->prev_capped[q])
                same = 0;
        }
        if (!same) {
            for (size_t q = 0; q < s->ngroups; q++) {
                s->prev_gcost[q] = r->gx[s->groups[q]].cost_usd_per_mreq;
                s->prev_capped[q] = (unsigned char)r->gx[s->groups[q]].capped;
            }
            for (size_t a = 0; a < s->narcs; a++) {
                const gs_route_arc *ar = &s->arcs[a];
                s->cost[a] = r->gx[ar->group].cost_usd_per_mreq + s->arc_fixed[a];
                if (ar->spill) {
                    int home = s->home[ar->region];
                    int hg = gs_router_group_of(r, (int)v, home);
                    s->off[a] = (unsigned char)!(hg >= 0 && r->gx[hg].capped);
                }
            }
            s->have_costs = 1;
        }
        int paths = transport_run(s->tp, demand[v], s->cap, s->cost, s->off, same);
        r->augmentations += (uint64_t)paths;
        const double *load = s->tp->x + s->tp->narcs + s->tp->nsrc;
        for (size_t q = 0; q < s->ngroups; q++)
            r->rps[s->groups[q]] += load[q];
    }
}

const gs_route_arc *gs_router_arcs(const gs_router *r, int service, size_t *narcs)
{
    *narcs = r->sv[service].narcs;
    return r->sv[service].arcs;
}
const double *gs_router_flow(const gs_router *r, int service) { return r->sv[service].tp->x; }
const double *gs_router_unserved(const gs_router *r, int service)
{
    return r->sv[service].tp->x + r->sv[service].tp->narcs;
}
int gs_router_home_site(const gs_router *r, int service, int region)
{
    return r->sv[service].home[region];
}
size_t gs_router_group_count(const gs_router *r) { return r->ngroups; }
const gs_route_group *gs_router_groups(const gs_router *r) { return r->groups; }
int gs_router_group_of(const gs_router *r, int service, int site)
{
    for (size_t k = 0; k < r->ngroups; k++)
        if (r->groups[k].service == service && r->groups[k].site == site)
            return (int)k;
    return -1;
}
int gs_router_pin_beyond(const gs_router *r, int service, int region, double *rtt_ms,
                         gs_rtt_source *src)
{
    const svc_route *s = &r->sv[service];
    if (!s->pin_beyond[region])
        return 0;
    if (rtt_ms)
        *rtt_ms = s->pin_rtt[region];
    if (src)
        *src = (gs_rtt_source)s->pin_src[region];
    return 1;
}

double gs_router_rtt_limit_ms(const gs_router *r, int service)
{
    return r->sv[service].rtt_limit_ms;
}
uint64_t gs_router_augmentations(const gs_router *r) { return r->augmentations; }

void gs_router_stats(const gs_router *r, gs_transport_stats *out)
{
    memset(out, 0, sizeof *out);
    for (size_t v = 0; v < r->f->nservices; v++) {
        const gs_transport_stats *a = &r->sv[v].tp->st;
        out->solves += a->solves;
        out->fresh += a->fresh;
        out->repaired += a->repaired;
        out->warm += a->warm;
        out->primal_pivots += a->primal_pivots;
        out->dual_pivots += a->dual_pivots;
    }
}

const double *gs_router_group_rps(const gs_router *r) { return r->rps; }
const double *gs_router_group_cap(const gs_router *r) { return r->capnow; }

double gs_router_site_mw(const gs_router *r, int site, double pue)
{
    double w = 0;
    for (size_t k = 0; k < r->ngroups; k++)
        if (r->groups[k].site == site)
            w += group_it_w(r, k, r->rps[k]);
    return w * pue * 1e-6;
}

static double fleet_pool_w(const gs_fleet *f, int service, int site, double gpus, double rps)
{
    double w = 0;
    for (size_t c = 0; c < f->nclusters; c++) {
        const gs_cluster *cl = &f->clusters[c];
        if (cl->cls == GS_INFERENCE && cl->service == service && cl->site == site)
            w += cluster_it_w(f, cl, rps * cl->gpus / gpus);
    }
    return w;
}

double gs_route_capacity_under_w(const gs_fleet *f, int service, int site, double it_w)
{
    double gpus = 0;
    for (size_t c = 0; c < f->nclusters; c++) {
        const gs_cluster *cl = &f->clusters[c];
        if (cl->cls == GS_INFERENCE && cl->service == service && cl->site == site)
            gpus += cl->gpus;
    }
    if (gpus <= 0)
        return 0;
    double hi = gpus * f->services[service].requests_per_s_per_gpu, lo = 0;
    if (fleet_pool_w(f, service, site, gpus, hi) <= it_w)
        return hi;
    if (fleet_pool_w(f, service, site, gpus, 0) > it_w)
        return 0;
    for (int it = 0; it < 60; it++) {
        double mid = 0.5 * (lo + hi);
        if (fleet_pool_w(f, service, site, gpus, mid) <= it_w)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}
