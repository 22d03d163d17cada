/* route.c: routing of inference demand (include/gridsplit/route.h): the min-cost
 * transportation solver (cheapest-arc start + successive shortest paths on reduced costs) and
 * the fleet router that builds one transportation problem per service and solves it per step.
 * Pure: no I/O, no globals; all memory is allocated by the constructors. */
#include "gridsplit/route.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/latency.h"
#include "gridsplit/load.h"

gs_route_opts gs_route_opts_default(void)
{
    return (gs_route_opts){.server_ms = GS_ROUTE_DEFAULT_SERVER_MS,
                           .usd_per_mreq_ms = GS_ROUTE_DEFAULT_USD_PER_MREQ_MS,
                           .default_price_usd_per_mwh = GS_ROUTE_DEFAULT_PRICE_USD_PER_MWH,
                           .route_factor = GS_ROUTE_ROUTE_FACTOR,
                           .overhead_ms = GS_ROUTE_OVERHEAD_MS};
}

/* ---- transportation solver ---------------------------------------------------------------- */

/* The network: sources 0..ns-1, destinations ns..ns+nd-1, and a sink T = ns+nd. Arc k joins
 * source arc_src[k] to destination arc_dst[k] (cost[k], no upper bound); every source has an
 * "unserved" arc to T (cost M, no bound) and every destination an arc to T (cost 0, bound
 * cap[j]). Source i supplies supply[i], T absorbs the total. The state kept between solves is a
 * flow x (arcs), un (source -> T), load (destination -> T) and node potentials phi such that
 * every residual arc has a non-negative reduced cost c(u,v) + phi(u) - phi(v): the flow is
 * optimal for what it carries. A solve restores feasibility for the new supplies (and
 * optimality for new costs or capacities) with a primal-dual method: flow moves from nodes
 * with excess to nodes with deficit along arcs of zero reduced cost (the "tight" graph,
 * Dinic's blocking flows), and when no such path is left, Dijkstra on reduced costs from the
 * excess nodes raises the potentials. */

struct gs_transport {
    size_t nsrc, ndst, narcs, nnodes;
    int *arc_src, *arc_dst;
    size_t *src_start, *src_arc; /* arcs by source (CSR), ascending arc index */
    size_t *dst_start, *dst_arc; /* arcs by destination */
    /* the state kept between solves (the warm start) */
    int have;                    /* a previous solution is held */
    double *x, *un, *load;       /* flows: [arc], [source] unserved, [destination] served */
    double *cost0, *cap0;        /* costs and capacities the state is optimal for */
    unsigned char *off0;
    double big_m;                /* cost of an unserved unit */
    double *phi;                 /* [node] potentials */
    double *ex;                  /* [node] excess: supply - net outflow */
    int *supp, *spos;            /* arcs with positive flow; spos[k] its position, -1 none */
    size_t nsupp;
    double eps, tol;             /* flow and reduced-cost tolerances of the current solve */
    /* tight graph: arcs of zero reduced cost under phi */
    int tight_ok;
    int *tl;                     /* tight arcs, by source */
    size_t *ts_start;            /* [nsrc + 1] into tl */
    size_t *td_start;            /* [ndst + 1] into td_arc: tight arcs by destination */
    int *td_arc;
    unsigned char *tight_u;      /* [source]: its unserved arc is tight */
    unsigned char *tight_d;      /* [destination]: its arc to T is tight */
    /* Dijkstra: indexed binary heap on dist; hpos -1 not in heap, -2 settled */
    double *dist;
    int *heap, *hpos;
    size_t nheap;
    size_t *sd_start;            /* [ndst + 1] positive-flow arcs by destination */
    int *sd_arc;
    /* blocking flows */
    int *level, *queue, *cur, *stk;
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
    free(t->x);
    free(t->un);
    free(t->load);
    free(t->cost0);
    free(t->cap0);
    free(t->off0);
    free(t->phi);
    free(t->ex);
    free(t->supp);
    free(t->spos);
    free(t->tl);
    free(t->ts_start);
    free(t->td_start);
    free(t->td_arc);
    free(t->tight_u);
    free(t->tight_d);
    free(t->dist);
    free(t->heap);
    free(t->hpos);
    free(t->sd_start);
    free(t->sd_arc);
    free(t->level);
    free(t->queue);
    free(t->cur);
    free(t->stk);
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
    size_t na = narcs ? narcs : 1, nn = t->nnodes, ns1 = nsrc + 1, nd1 = ndst + 1;
    size_t ns = nsrc ? nsrc : 1, nd = ndst ? ndst : 1;
    t->arc_src = calloc(na, sizeof *t->arc_src);
    t->arc_dst = calloc(na, sizeof *t->arc_dst);
    t->src_start = calloc(ns1, sizeof *t->src_start);
    t->src_arc = calloc(na, sizeof *t->src_arc);
    t->dst_start = calloc(nd1, sizeof *t->dst_start);
    t->dst_arc = calloc(na, sizeof *t->dst_arc);
    t->x = calloc(na, sizeof *t->x);
    t->un = calloc(ns, sizeof *t->un);
    t->load = calloc(nd, sizeof *t->load);
    t->cost0 = calloc(na, sizeof *t->cost0);
    t->cap0 = calloc(nd, sizeof *t->cap0);
    t->off0 = calloc(na, 1);
    t->phi = calloc(nn, sizeof *t->phi);
    t->ex = calloc(nn, sizeof *t->ex);
    t->supp = malloc(na * sizeof *t->supp);
    t->spos = malloc(na * sizeof *t->spos);
    t->tl = malloc(na * sizeof *t->tl);
    t->ts_start = malloc(ns1 * sizeof *t->ts_start);
    t->td_start = malloc(nd1 * sizeof *t->td_start);
    t->td_arc = malloc(na * sizeof *t->td_arc);
    t->tight_u = calloc(ns, 1);
    t->tight_d = calloc(nd, 1);
    t->dist = malloc(nn * sizeof *t->dist);
    t->heap = malloc(nn * sizeof *t->heap);
    t->hpos = malloc(nn * sizeof *t->hpos);
    t->sd_start = malloc(nd1 * sizeof *t->sd_start);
    t->sd_arc = malloc(na * sizeof *t->sd_arc);
    t->level = malloc(nn * sizeof *t->level);
    t->queue = malloc(nn * sizeof *t->queue);
    t->cur = malloc(nn * sizeof *t->cur);
    t->stk = malloc(nn * sizeof *t->stk);
    if (!t->arc_src || !t->arc_dst || !t->src_start || !t->src_arc || !t->dst_start ||
        !t->dst_arc || !t->x || !t->un || !t->load || !t->cost0 || !t->cap0 || !t->off0 ||
        !t->phi || !t->ex || !t->supp || !t->spos || !t->tl || !t->ts_start || !t->td_start ||
        !t->td_arc || !t->tight_u || !t->tight_d || !t->dist || !t->heap || !t->hpos ||
        !t->sd_start || !t->sd_arc || !t->level || !t->queue || !t->cur || !t->stk) {
        gs_transport_free(t);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    if (narcs) {
        memcpy(t->arc_src, arc_src, narcs * sizeof *arc_src);
        memcpy(t->arc_dst, arc_dst, narcs * sizeof *arc_dst);
    }
    csr(nsrc, t->arc_src, narcs, t->src_start, t->src_arc);
    csr(ndst, t->arc_dst, narcs, t->dst_start, t->dst_arc);
    for (size_t k = 0; k < narcs; k++)
        t->spos[k] = -1;
    *out = t;
    return GS_OK;
}

void gs_transport_reset(gs_transport *t) { t->have = 0; }

void gs_transport_get_stats(const gs_transport *t, gs_transport_stats *out) { *out = t->st; }

/* ---- small helpers ---- */

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

static void supp_add(gs_transport *t, int k)
{
    t->spos[k] = (int)t->nsupp;
    t->supp[t->nsupp++] = k;
}

static void supp_del(gs_transport *t, int k)
{
    int p = t->spos[k];
    int last = t->supp[--t->nsupp];
    t->supp[p] = last;
    t->spos[last] = p;
    t->spos[k] = -1;
}

/* ---- indexed min-heap on dist, ties to the lower node ---- */

static int heap_less(const gs_transport *t, int a, int b)
{
    return t->dist[a] < t->dist[b] || (t->dist[a] == t->dist[b] && a < b);
}

static void heap_up(gs_transport *t, size_t i)
{
    int v = t->heap[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        int u = t->heap[p];
        if (!heap_less(t, v, u))
            break;
        t->heap[i] = u;
        t->hpos[u] = (int)i;
        i = p;
    }
    t->heap[i] = v;
    t->hpos[v] = (int)i;
}

static void heap_down(gs_transport *t, size_t i)
{
    int v = t->heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= t->nheap)
            break;
        if (c + 1 < t->nheap && heap_less(t, t->heap[c + 1], t->heap[c]))
            c++;
        int u = t->heap[c];
        if (!heap_less(t, u, v))
            break;
        t->heap[i] = u;
        t->hpos[u] = (int)i;
        i = c;
    }
    t->heap[i] = v;
    t->hpos[v] = (int)i;
}

static void relax(gs_transport *t, int u, int v, double rc)
{
    if (rc < 0)
        rc = 0; /* rounding: reduced costs are >= 0 in exact arithmetic */
    double d = t->dist[u] + rc;
    if (d < t->dist[v]) {
        t->dist[v] = d;
        if (t->hpos[v] < 0) {
            t->heap[t->nheap] = v;
            t->hpos[v] = (int)t->nheap;
            t->nheap++;
        }
        heap_up(t, (size_t)t->hpos[v]);
    }
}

/* ---- the starts ---- */

/* Fresh start: every source on its cheapest active arc (ties: the lower arc index), each
 * destination passing on at most its capacity (an overflowing one keeps the excess). The
 * potentials (a source at minus its cheapest cost, the rest 0) make every residual arc's
 * reduced cost non-negative. */
static void start_fresh(gs_transport *t, const double *supply, const double *cost,
                        const unsigned char *off, double big_m)
{
    size_t ns = t->nsrc, nd = t->ndst;
    for (size_t q = 0; q < t->nsupp; q++) {
        t->x[t->supp[q]] = 0;
        t->spos[t->supp[q]] = -1;
    }
    t->nsupp = 0;
    t->big_m = big_m;
    for (size_t j = 0; j < nd; j++)
        t->load[j] = 0;
    for (size_t i = 0; i < ns; i++) {
        int b = -1;
        for (size_t q = t->src_start[i]; q < t->src_start[i + 1]; q++) {
            size_t k = t->src_arc[q];
            if (off && off[k])
                continue;
            if (b < 0 || cost[k] < cost[b])
                b = (int)k;
        }
        double s = supply_of(supply, i);
        if (b < 0) {
            t->un[i] = s;
            t->phi[i] = -big_m;
            continue;
        }
        t->un[i] = 0;
        t->phi[i] = -cost[b];
        if (s > 0) {
            t->x[b] = s;
            supp_add(t, b);
            t->load[t->arc_dst[b]] += s;
        }
    }
    for (size_t j = 0; j < nd; j++) {
        if (t->load[j] > t->cap0[j])
            t->load[j] = t->cap0[j];
        t->phi[ns + j] = 0;
    }
    t->phi[ns + nd] = 0;
    t->tight_ok = 0;
    t->st.fresh++;
}

/* Warm start after costs, disabled arcs or capacities changed: keep the previous flow where it
 * stays optimal, and make every residual arc's reduced cost non-negative again by moving the
 * potentials and removing flow from the arcs that are no longer of zero reduced cost (the
 * removed flow becomes excess and deficit that the solve routes again). */
static void start_repair(gs_transport *t, const double *cost, const unsigned char *off,
                         int costs_changed, double big_m)
{
    size_t ns = t->nsrc, nd = t->ndst;
    const int T = (int)(ns + nd);
    double eps = t->eps, tol = t->tol;
    if (big_m > t->big_m)
        t->big_m = big_m; /* kept when it suffices: the unserved arcs keep their costs */
    double M = t->big_m;
    /* potentials relative to T (a common shift changes no reduced cost) */
    double pt = t->phi[T];
    for (size_t v = 0; v < t->nnodes; v++)
        t->phi[v] -= pt;
    /* flow on arcs switched off, and above a lower capacity */
    if (off)
        for (size_t q = t->nsupp; q-- > 0;) {
            int k = t->supp[q];
            if (off[k]) {
                t->x[k] = 0;
                supp_del(t, k);
            }
        }
    for (size_t j = 0; j < nd; j++)
        if (t->load[j] > t->cap0[j])
            t->load[j] = t->cap0[j];
    /* destinations: where all arcs into j changed cost by the same amount (a price change at
     * a site), shifting phi_j by it keeps their reduced costs; the arc to T bounds the shift:
     * a full destination (no room) needs phi_j <= phi_T, an empty one phi_j >= phi_T, a partly
     * used one phi_j = phi_T. */
    for (size_t j = 0; j < nd; j++) {
        double dj = INFINITY;
        if (costs_changed)
            for (size_t q = t->dst_start[j]; q < t->dst_start[j + 1]; q++) {
                size_t k = t->dst_arc[q];
                double d = cost[k] - t->cost0[k];
                if (d < dj)
                    dj = d;
            }
        if (!isfinite(dj))
            dj = 0;
        double c = t->cap0[j], l = t->load[j], *p = &t->phi[ns + j];
        int full = l >= c - eps, empty = l <= eps;
        if (full && empty)
            *p += dj; /* no capacity: no residual arc to or from T */
        else if (full)
            *p = fmin(*p + dj, 0);
        else if (empty)
            *p = fmax(*p + dj, 0);
        else
            *p = 0;
    }
    /* sources: the least potential that keeps all their arcs' reduced costs >= 0 */
    for (size_t i = 0; i < ns; i++) {
        double m = -M;
        for (size_t q = t->src_start[i]; q < t->src_start[i + 1]; q++) {
            size_t k = t->src_arc[q];
            if (off && off[k])
                continue;
            double v = t->phi[ns + (size_t)t->arc_dst[k]] - cost[k];
            if (v > m)
                m = v;
        }
        t->phi[i] = m;
    }
    /* flow only on arcs of zero reduced cost */
    for (size_t q = t->nsupp; q-- > 0;) {
        int k = t->supp[q];
        double rc = cost[k] + t->phi[t->arc_src[k]] - t->phi[ns + (size_t)t->arc_dst[k]];
        if (rc > tol) {
            t->x[k] = 0;
            supp_del(t, k);
        }
    }
    for (size_t i = 0; i < ns; i++)
        if (t->un[i] > 0 && M + t->phi[i] > tol)
            t->un[i] = 0;
    for (size_t j = 0; j < nd; j++) {
        double p = t->phi[ns + j];
        if (p < -tol && t->cap0[j] - t->load[j] > eps)
            t->load[j] = t->cap0[j]; /* finite: an unbounded destination is never full */
        else if (p > tol && t->load[j] > eps)
            t->load[j] = 0;
    }
    t->tight_ok = 0;
    t->st.repaired++;
}

static void compute_excess(gs_transport *t, const double *supply, double total)
{
    size_t ns = t->nsrc, nd = t->ndst;
    double et = -total;
    for (size_t i = 0; i < ns; i++) {
        t->ex[i] = supply_of(supply, i) - t->un[i];
        et += t->un[i];
    }
    for (size_t j = 0; j < nd; j++) {
        t->ex[ns + j] = -t->load[j];
        et += t->load[j];
    }
    t->ex[ns + nd] = et;
    for (size_t q = 0; q < t->nsupp; q++) {
        int k = t->supp[q];
        t->ex[t->arc_src[k]] -= t->x[k];
        t->ex[ns + (size_t)t->arc_dst[k]] += t->x[k];
    }
}

/* ---- the tight graph and blocking flows on it ---- */

static void build_tight(gs_transport *t, const double *cost, const unsigned char *off)
{
    size_t ns = t->nsrc, nd = t->ndst, n = 0;
    const double *phi = t->phi, tol = t->tol;
    double pT = phi[ns + nd];
    for (size_t j = 0; j <= nd; j++)
        t->td_start[j] = 0;
    for (size_t i = 0; i < ns; i++) {
        t->ts_start[i] = n;
        double pi = phi[i];
        for (size_t q = t->src_start[i]; q < t->src_start[i + 1]; q++) {
            size_t k = t->src_arc[q];
            if (off && off[k])
                continue;
            int j = t->arc_dst[k];
            if (cost[k] + pi - phi[ns + (size_t)j] <= tol) {
                t->tl[n++] = (int)k;
                t->td_start[j + 1]++;
            }
        }
        t->tight_u[i] = t->big_m + pi - pT <= tol;
    }
    t->ts_start[ns] = n;
    for (size_t j = 0; j < nd; j++) {
        t->td_start[j + 1] += t->td_start[j];
        t->tight_d[j] = fabs(phi[ns + j] - pT) <= tol;
    }
    size_t *fill = t->td_start;
    for (size_t q = 0; q < n; q++)
        t->td_arc[fill[t->arc_dst[t->tl[q]]]++] = t->tl[q];
    for (size_t j = nd; j > 0; j--)
        t->td_start[j] = t->td_start[j - 1];
    t->td_start[0] = 0;
    t->tight_ok = 1;
}

enum { FWD, BWD, SRC_T, T_SRC, DST_T, T_DST };

/* The p-th tight residual arc out of node u: its head, residual capacity, kind and index.
 * Returns 0 past the end. */
static int tight_arc(const gs_transport *t, int u, size_t p, int *v, double *res, int *kind,
                     int *idx)
{
    size_t ns = t->nsrc, nd = t->ndst;
    if ((size_t)u < ns) {
        size_t a = t->ts_start[u], b = t->ts_start[u + 1];
        if (a + p < b) {
            int k = t->tl[a + p];
            *v = (int)ns + t->arc_dst[k];
            *res = INFINITY;
            *kind = FWD;
            *idx = k;
            return 1;
        }
        if (a + p > b)
            return 0;
        *v = (int)(ns + nd);
        *res = t->tight_u[u] ? INFINITY : 0;
        *kind = SRC_T;
        *idx = u;
        return 1;
    }
    if ((size_t)u < ns + nd) {
        size_t j = (size_t)u - ns, a = t->td_start[j], b = t->td_start[j + 1];
        if (a + p < b) {
            int k = t->td_arc[a + p];
            *v = t->arc_src[k];
            *res = t->x[k];
            *kind = BWD;
            *idx = k;
            return 1;
        }
        if (a + p > b)
            return 0;
        *v = (int)(ns + nd);
        *res = t->tight_d[j] ? t->cap0[j] - t->load[j] : 0;
        *kind = DST_T;
        *idx = (int)j;
        return 1;
    }
    if (p < nd) {
        *v = (int)(ns + p);
        *res = t->tight_d[p] ? t->load[p] : 0;
        *kind = T_DST;
        *idx = (int)p;
        return 1;
    }
    if (p < nd + ns) {
        size_t i = p - nd;
        *v = (int)i;
        *res = t->tight_u[i] ? t->un[i] : 0;
        *kind = T_SRC;
        *idx = (int)i;
        return 1;
    }
    return 0;
}

static void push(gs_transport *t, int u, int v, int kind, int idx, double delta)
{
    double eps = t->eps;
    switch (kind) {
    case FWD:
        if (t->spos[idx] < 0)
            supp_add(t, idx);
        t->x[idx] += delta;
        break;
    case BWD:
        t->x[idx] -= delta;
        if (t->x[idx] <= eps) {
            t->x[idx] = 0;
            supp_del(t, idx);
        }
        break;
    case SRC_T:
        t->un[idx] += delta;
        break;
    case T_SRC:
        t->un[idx] -= delta;
        if (t->un[idx] <= eps)
            t->un[idx] = 0;
        break;
    case DST_T:
        t->load[idx] += delta;
        if (t->load[idx] >= t->cap0[idx] - eps)
            t->load[idx] = t->cap0[idx];
        break;
    default: /* T_DST */
        t->load[idx] -= delta;
        if (t->load[idx] <= eps)
            t->load[idx] = 0;
        break;
    }
    t->ex[u] -= delta;
    t->ex[v] += delta;
}

/* One augmenting path from excess node s along the level graph to a node with a deficit. */
static int augment_from(gs_transport *t, int s)
{
    double eps = t->eps;
    int d = 0;
    t->stk[0] = s;
    while (d >= 0) {
        int u = t->stk[d];
        if (d > 0 && t->ex[u] < -eps) {
            double delta = t->ex[s] < -t->ex[u] ? t->ex[s] : -t->ex[u];
            int v, kind, idx;
            double res;
            for (int e = 0; e < d; e++) {
                tight_arc(t, t->stk[e], (size_t)t->cur[t->stk[e]], &v, &res, &kind, &idx);
                if (res < delta)
                    delta = res;
            }
            for (int e = 0; e < d; e++) {
                tight_arc(t, t->stk[e], (size_t)t->cur[t->stk[e]], &v, &res, &kind, &idx);
                push(t, t->stk[e], v, kind, idx, delta);
            }
            return 1;
        }
        int v, kind, idx, adv = 0;
        double res;
        while (tight_arc(t, u, (size_t)t->cur[u], &v, &res, &kind, &idx)) {
            if (res > eps && t->level[v] == t->level[u] + 1) {
                t->stk[++d] = v;
                adv = 1;
                break;
            }
            t->cur[u]++;
        }
        if (!adv) {
            t->level[u] = -1; /* dead end for this round */
            d--;
            if (d >= 0)
                t->cur[t->stk[d]]++;
        }
    }
    return 0;
}

/* Dinic on the tight graph: blocking flows from all excess nodes to all deficit nodes until
 * no deficit can be reached. Returns the number of augmenting paths. */
static int tight_flow(gs_transport *t)
{
    size_t nn = t->nnodes;
    double eps = t->eps;
    int paths = 0;
    for (size_t round = 0; round < 4 * nn + 16; round++) {
        size_t qh = 0, qt = 0;
        for (size_t v = 0; v < nn; v++) {
            t->level[v] = -1;
            t->cur[v] = 0;
            if (t->ex[v] > eps) {
                t->level[v] = 0;
                t->queue[qt++] = (int)v;
            }
        }
        int found = 0;
        while (qh < qt) {
            int u = t->queue[qh++];
            if (t->ex[u] < -eps) {
                found = 1;
                continue; /* a deficit ends a path */
            }
            int v, kind, idx;
            double res;
            for (size_t p = 0; tight_arc(t, u, p, &v, &res, &kind, &idx); p++)
                if (res > eps && t->level[v] < 0) {
                    t->level[v] = t->level[u] + 1;
                    t->queue[qt++] = v;
                }
        }
        if (!found)
            break;
        for (size_t s = 0; s < nn; s++)
            if (t->level[s] == 0)
                while (t->ex[s] > eps && augment_from(t, (int)s))
                    paths++;
    }
    return paths;
}

/* Dijkstra on reduced costs over the residual graph from all excess nodes, until every deficit
 * node is settled; potentials += min(dist, last settled dist). Returns 0 when no deficit node
 * can be reached. */
static int raise_potentials(gs_transport *t, const double *cost, const unsigned char *off)
{
    size_t ns = t->nsrc, nd = t->ndst, nn = t->nnodes;
    const int T = (int)(ns + nd);
    double eps = t->eps, M = t->big_m, *phi = t->phi;
    /* positive-flow arcs by destination */
    for (size_t j = 0; j <= nd; j++)
        t->sd_start[j] = 0;
    for (size_t q = 0; q < t->nsupp; q++)
        t->sd_start[t->arc_dst[t->supp[q]] + 1]++;
    for (size_t j = 0; j < nd; j++)
        t->sd_start[j + 1] += t->sd_start[j];
    size_t *fill = t->sd_start;
    for (size_t q = 0; q < t->nsupp; q++)
        t->sd_arc[fill[t->arc_dst[t->supp[q]]]++] = t->supp[q];
    for (size_t j = nd; j > 0; j--)
        t->sd_start[j] = t->sd_start[j - 1];
    t->sd_start[0] = 0;

    t->nheap = 0;
    size_t ndef = 0, reached = 0;
    for (size_t v = 0; v < nn; v++) {
        t->dist[v] = INFINITY;
        t->hpos[v] = -1;
        if (t->ex[v] < -eps)
            ndef++;
    }
    for (size_t v = 0; v < nn; v++)
        if (t->ex[v] > eps) {
            t->dist[v] = 0;
            t->heap[t->nheap] = (int)v;
            t->hpos[v] = (int)t->nheap;
            t->nheap++;
        }
    if (!t->nheap || !ndef)
        return 0;
    double last = 0;
    while (t->nheap > 0) {
        int u = t->heap[0];
        t->nheap--;
        if (t->nheap > 0) {
            t->heap[0] = t->heap[t->nheap];
            t->hpos[t->heap[0]] = 0;
            heap_down(t, 0);
        }
        t->hpos[u] = -2;
        last = t->dist[u];
        if (t->ex[u] < -eps && ++reached == ndef)
            break;
        double pu = phi[u];
        if ((size_t)u < ns) {
            for (size_t q = t->src_start[u]; q < t->src_start[u + 1]; q++) {
                size_t k = t->src_arc[q];
                int v = (int)ns + t->arc_dst[k];
                if (t->hpos[v] == -2 || (off && off[k]))
                    continue;
                relax(t, u, v, cost[k] + pu - phi[v]);
            }
            if (t->hpos[T] != -2)
                relax(t, u, T, M + pu - phi[T]);
        } else if (u < T) {
            size_t j = (size_t)u - ns;
            for (size_t q = t->sd_start[j]; q < t->sd_start[j + 1]; q++) {
                int k = t->sd_arc[q];
                int v = t->arc_src[k];
                if (t->hpos[v] != -2 && t->x[k] > eps)
                    relax(t, u, v, -cost[k] + pu - phi[v]);
            }
            if (t->hpos[T] != -2 && t->cap0[j] - t->load[j] > eps)
                relax(t, u, T, pu - phi[T]);
        } else {
            for (size_t j = 0; j < nd; j++)
                if (t->hpos[ns + j] != -2 && t->load[j] > eps)
                    relax(t, u, (int)(ns + j), pu - phi[ns + j]);
            for (size_t i = 0; i < ns; i++)
                if (t->hpos[i] != -2 && t->un[i] > eps)
                    relax(t, u, (int)i, -M + pu - phi[i]);
        }
    }
    if (!reached)
        return 0;
    for (size_t v = 0; v < nn; v++)
        phi[v] += t->dist[v] < last ? t->dist[v] : last;
    t->tight_ok = 0;
    t->st.dijkstra++;
    return 1;
}

static int unbalanced(const gs_transport *t)
{
    int pos = 0, neg = 0;
    for (size_t v = 0; v < t->nnodes; v++) {
        pos |= t->ex[v] > t->eps;
        neg |= t->ex[v] < -t->eps;
    }
    return pos && neg;
}

/* Route the excess to the deficits. Returns the paths used, or -1 if it cannot finish (never
 * seen: a guard against numerical trouble). */
static int route_excess(gs_transport *t, const double *cost, const unsigned char *off)
{
    int paths = 0;
    for (size_t phase = 0; unbalanced(t); phase++) {
        if (!t->tight_ok)
            build_tight(t, cost, off);
        paths += tight_flow(t);
        if (!unbalanced(t))
            break;
        if (phase > 4 * t->nnodes + 64 || !raise_potentials(t, cost, off))
            return -1;
    }
    return paths;
}

/* The solve, leaving the result in t->x, t->un, t->load. */
static int transport_run(gs_transport *t, const double *supply, const double *cap,
                         const double *cost, const unsigned char *off, int same_costs)
{
    size_t ns = t->nsrc, nd = t->ndst, na = t->narcs;
    t->st.solves++;
    double total = 0;
    for (size_t i = 0; i < ns; i++)
        total += supply_of(supply, i);
    t->eps = 1e-13 * (1.0 + total);
    int caps_changed = 0;
    for (size_t j = 0; j < nd; j++) {
        double c = cap_of(cap, j);
        if (c != t->cap0[j]) {
            caps_changed = 1;
            t->cap0[j] = c;
        }
    }
    int costs_changed = !t->have;
    if (t->have && !same_costs) {
        costs_changed = na && memcmp(cost, t->cost0, na * sizeof *cost) != 0;
        for (size_t k = 0; k < na && !costs_changed; k++)
            costs_changed = (off ? off[k] : 0) != t->off0[k];
    }
    double big_m = t->big_m;
    if (costs_changed) {
        double maxabs = 0;
        for (size_t k = 0; k < na; k++)
            if (!(off && off[k]) && fabs(cost[k]) > maxabs)
                maxabs = fabs(cost[k]);
        /* larger than any chain of reroutings: serving more always wins */
        big_m = (maxabs + 1.0) * 4.0 * (double)(ns + nd + 2);
    }
    if (!t->have || big_m > t->big_m)
        t->tol = 1e-13 * big_m;
    if (!t->have)
        start_fresh(t, supply, cost, off, big_m);
    else if (costs_changed || caps_changed)
        start_repair(t, cost, off, costs_changed, big_m);
    else
        t->st.warm++;
    if (costs_changed) {
        if (na)
            memcpy(t->cost0, cost, na * sizeof *cost);
        for (size_t k = 0; k < na; k++)
            t->off0[k] = off ? off[k] : 0;
    }
    compute_excess(t, supply, total);
    int paths = route_excess(t, cost, off);
    if (paths < 0) { /* start again from the cheapest arcs */
        start_fresh(t, supply, cost, off, big_m);
        t->tol = 1e-13 * big_m;
        compute_excess(t, supply, total);
        paths = route_excess(t, cost, off);
        if (paths < 0)
            paths = 0;
    }
    /* keep the potentials small (a common shift changes no reduced cost) */
    const size_t T = ns + nd;
    if (fabs(t->phi[T]) > t->big_m) {
        double pt = t->phi[T];
        for (size_t v = 0; v < t->nnodes; v++)
            t->phi[v] -= pt;
        t->tight_ok = 0;
    }
    t->have = 1;
    t->st.augmentations += (uint64_t)paths;
    return paths;
}

int gs_transport_solve(gs_transport *t, const double *supply, const double *cap,
                       const double *cost, const unsigned char *off, int same_costs,
                       double *flow, double *unserved)
{
    int paths = transport_run(t, supply, cap, cost, off, same_costs);
    if (t->narcs)
        memcpy(flow, t->x, t->narcs * sizeof *flow);
    if (t->nsrc)
        memcpy(unserved, t->un, t->nsrc * sizeof *unserved);
    return paths;
}

/* ---- the fleet router --------------------------------------------------------------------- */

typedef struct svc_route {
    gs_transport *tp;
    size_t narcs, nregions, ngroups;
    gs_route_arc *arcs;
    int *groups;          /* local destination -> global group */
    int *arc_local_dst;
    double *cost, *cap, *prev_gcost; /* flows and unserved: in tp (the warm start) */
    unsigned char *off, *prev_capped;
    int *home;            /* [region] home site */
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
    gs_latency_model lm = gs_latency_model_default();
    lm.route_factor = r->o.route_factor;
    lm.overhead_ms = r->o.overhead_ms;
    for (size_t v = 0; v < f->nservices; v++) {
        const gs_service *sv = &f->services[v];
        svc_route *s = &r->sv[v];
        s->nregions = sv->nregions;
        s->rtt_limit_ms = sv->latency_budget_ms > 0 ? sv->latency_budget_ms - r->o.server_ms
                                                    : INFINITY;
        size_t ng = 0;
        for (size_t k = 0; k < r->ngroups; k++)
            if (r->groups[k].service == (int)v)
                ng++;
        s->ngroups = ng;
        size_t maxarcs = (sv->nregions ? sv->nregions : 1) * (ng ? ng : 1);
        s->groups = malloc((ng ? ng : 1) * sizeof *s->groups);
        s->arcs = malloc(maxarcs * sizeof *s->arcs);
        s->home = malloc((sv->nregions ? sv->nregions : 1) * sizeof *s->home);
        if (!s->groups || !s->arcs || !s->home)
            goto nomem;
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
            double best_rtt = INFINITY;
            s->home[rg] = pinned_here ? re->site : -1;
            for (size_t q = 0; q < ng; q++) {
                int k = s->groups[q];
                const gs_site *st = &f->sites[r->groups[k].site];
                double rtt = gs_latency_rtt_ms(&lm, re->lat, re->lon, st->lat, st->lon);
                int is_pin = pinned_here && r->groups[k].site == re->site;
                if (!is_pin && !(rtt <= s->rtt_limit_ms))
                    continue;
                s->arcs[na++] = (gs_route_arc){.region = (int)rg,
                                               .site = r->groups[k].site,
                                               .group = k,
                                               .rtt_ms = rtt,
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
        s->off = calloc(nab, 1);
        s->cap = malloc((ng ? ng : 1) * sizeof *s->cap);
        s->prev_gcost = malloc((ng ? ng : 1) * sizeof *s->prev_gcost);
        s->prev_capped = calloc(ng ? ng : 1, 1);
        if (!asrc || !s->arc_local_dst || !s->cost || !s->off || !s->cap || !s->prev_gcost || !s->prev_capped) {
            free(asrc);
            goto nomem;
        }
        for (size_t a = 0; a < na; a++) {
            asrc[a] = s->arcs[a].region;
            for (size_t q = 0; q < ng; q++)
                if (s->groups[q] == s->arcs[a].group)
                    s->arc_local_dst[a] = (int)q;
        }
        int rc = gs_transport_new(sv->nregions, ng, asrc, s->arc_local_dst, na, &s->tp, err);
        free(asrc);
        if (rc < 0) {
            gs_router_free(r);
            return rc;
        }
    }
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
                s->cost[a] = r->gx[ar->group].cost_usd_per_mreq +
                             r->o.usd_per_mreq_ms * ar->rtt_ms +
                             (ar->spill ? GS_ROUTE_PIN_PENALTY_USD_PER_MREQ : 0);
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
        for (size_t q = 0; q < s->ngroups; q++)
            r->rps[s->groups[q]] += s->tp->load[q];
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
    return r->sv[service].tp->un;
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
        out->dijkstra += a->dijkstra;
        out->augmentations += a->augmentations;
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
