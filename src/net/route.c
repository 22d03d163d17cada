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

#define EPS 1e-9

gs_route_opts gs_route_opts_default(void)
{
    return (gs_route_opts){.server_ms = GS_ROUTE_DEFAULT_SERVER_MS,
                           .usd_per_mreq_ms = GS_ROUTE_DEFAULT_USD_PER_MREQ_MS,
                           .default_price_usd_per_mwh = GS_ROUTE_DEFAULT_PRICE_USD_PER_MWH,
                           .route_factor = GS_ROUTE_ROUTE_FACTOR,
                           .overhead_ms = GS_ROUTE_OVERHEAD_MS};
}

/* ---- transportation solver ---------------------------------------------------------------- */

struct gs_transport {
    size_t nsrc, ndst, narcs, nnodes;
    int *arc_src, *arc_dst;
    size_t *src_start, *src_arc; /* arcs by source (CSR), ascending arc index */
    size_t *dst_start, *dst_arc; /* arcs by destination */
    int *best;                   /* cheapest active arc of each source, -1 none */
    double big_m;                /* cost of an unserved unit */
    double *load;                /* [dst] inflow */
    /* Dijkstra, nodes: sources, destinations, U (unserved), T (sink) */
    double *phi, *dist;
    int *pred, *pred_arc;        /* pred_arc: arc index, -1 for U/T arcs */
    int *heap, *pos;             /* indexed binary heap; pos -1: not in heap, -2: settled */
    size_t nheap;
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
    free(t->best);
    free(t->load);
    free(t->phi);
    free(t->dist);
    free(t->pred);
    free(t->pred_arc);
    free(t->heap);
    free(t->pos);
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
    t->nnodes = nsrc + ndst + 2;
    size_t na = narcs ? narcs : 1, nn = t->nnodes;
    t->arc_src = malloc(na * sizeof *t->arc_src);
    t->arc_dst = malloc(na * sizeof *t->arc_dst);
    t->src_start = malloc((nsrc + 1) * sizeof *t->src_start);
    t->src_arc = malloc(na * sizeof *t->src_arc);
    t->dst_start = malloc((ndst + 1) * sizeof *t->dst_start);
    t->dst_arc = malloc(na * sizeof *t->dst_arc);
    t->best = malloc((nsrc ? nsrc : 1) * sizeof *t->best);
    t->load = malloc((ndst ? ndst : 1) * sizeof *t->load);
    t->phi = malloc(nn * sizeof *t->phi);
    t->dist = malloc(nn * sizeof *t->dist);
    t->pred = malloc(nn * sizeof *t->pred);
    t->pred_arc = malloc(nn * sizeof *t->pred_arc);
    t->heap = malloc(nn * sizeof *t->heap);
    t->pos = malloc(nn * sizeof *t->pos);
    if (!t->arc_src || !t->arc_dst || !t->src_start || !t->src_arc || !t->dst_start ||
        !t->dst_arc || !t->best || !t->load || !t->phi || !t->dist || !t->pred || !t->pred_arc ||
        !t->heap || !t->pos) {
        gs_transport_free(t);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    if (narcs) {
        memcpy(t->arc_src, arc_src, narcs * sizeof *arc_src);
        memcpy(t->arc_dst, arc_dst, narcs * sizeof *arc_dst);
    }
    csr(nsrc, t->arc_src, narcs, t->src_start, t->src_arc);
    csr(ndst, t->arc_dst, narcs, t->dst_start, t->dst_arc);
    for (size_t i = 0; i < nsrc; i++)
        t->best[i] = -1;
    *out = t;
    return GS_OK;
}

/* indexed min-heap on dist */
static void heap_up(gs_transport *t, size_t i)
{
    int v = t->heap[i];
    double d = t->dist[v];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        int u = t->heap[p];
        if (t->dist[u] < d || (t->dist[u] == d && u < v))
            break;
        t->heap[i] = u;
        t->pos[u] = (int)i;
        i = p;
    }
    t->heap[i] = v;
    t->pos[v] = (int)i;
}

static void heap_down(gs_transport *t, size_t i)
{
    int v = t->heap[i];
    double d = t->dist[v];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= t->nheap)
            break;
        if (c + 1 < t->nheap) {
            int a = t->heap[c], b = t->heap[c + 1];
            if (t->dist[b] < t->dist[a] || (t->dist[b] == t->dist[a] && b < a))
                c++;
        }
        int u = t->heap[c];
        if (t->dist[u] > d || (t->dist[u] == d && u > v))
            break;
        t->heap[i] = u;
        t->pos[u] = (int)i;
        i = c;
    }
    t->heap[i] = v;
    t->pos[v] = (int)i;
}

static void relax(gs_transport *t, int u, int v, double rc, int arc)
{
    if (t->pos[v] == -2)
        return;
    if (rc < 0)
        rc = 0; /* rounding: reduced costs are >= 0 in exact arithmetic */
    double d = t->dist[u] + rc;
    if (d < t->dist[v]) {
        t->dist[v] = d;
        t->pred[v] = u;
        t->pred_arc[v] = arc;
        if (t->pos[v] < 0) {
            t->heap[t->nheap] = v;
            t->pos[v] = (int)t->nheap;
            t->nheap++;
        }
        heap_up(t, (size_t)t->pos[v]);
    }
}

int gs_transport_solve(gs_transport *t, const double *supply, const double *cap,
                       const double *cost, const unsigned char *off, int same_costs,
                       double *flow, double *unserved)
{
    size_t ns = t->nsrc, nd = t->ndst;
    const int U = (int)(ns + nd), T = U + 1;
    if (!same_costs) {
        double maxabs = 0;
        for (size_t i = 0; i < ns; i++) {
            int b = -1;
            for (size_t q = t->src_start[i]; q < t->src_start[i + 1]; q++) {
                size_t k = t->src_arc[q];
                if (off && off[k])
                    continue;
                if (b < 0 || cost[k] < cost[b])
                    b = (int)k;
                if (fabs(cost[k]) > maxabs)
                    maxabs = fabs(cost[k]);
            }
            t->best[i] = b;
        }
        /* larger than any chain of reroutings: serving more always wins */
        t->big_m = (maxabs + 1.0) * 4.0 * (double)(ns + nd + 2);
    }
    /* start: every source on its cheapest arc (optimal when no capacity binds) */
    if (t->narcs)
        memset(flow, 0, t->narcs * sizeof *flow);
    for (size_t j = 0; j < nd; j++)
        t->load[j] = 0;
    for (size_t i = 0; i < ns; i++) {
        int b = t->best[i];
        double s = supply[i] > 0 ? supply[i] : 0;
        if (b < 0) {
            unserved[i] = s;
            continue;
        }
        unserved[i] = 0;
        flow[b] = s;
        t->load[t->arc_dst[b]] += s;
    }
    int over = 0;
    for (size_t j = 0; j < nd && !over; j++)
        if (cap && t->load[j] > cap[j] + EPS)
            over = 1;
    if (!over)
        return 0;

    /* successive shortest paths from the overflowing destinations. Potentials: a source at
     * minus the cost of its current option, everything else 0: every residual arc has a
     * non-negative reduced cost c(u,v) + phi(u) - phi(v). */
    double M = t->big_m;
    for (size_t i = 0; i < ns; i++)
        t->phi[i] = t->best[i] >= 0 ? -cost[t->best[i]] : -M;
    for (size_t v = ns; v < t->nnodes; v++)
        t->phi[v] = 0;
    int paths = 0;
    for (;;) {
        for (size_t v = 0; v < t->nnodes; v++) {
            t->dist[v] = INFINITY;
            t->pos[v] = -1;
        }
        t->nheap = 0;
        int any = 0;
        for (size_t j = 0; j < nd; j++)
            if (t->load[j] > cap[j] + EPS) {
                int v = (int)(ns + j);
                t->dist[v] = 0;
                t->pred[v] = -1;
                t->pred_arc[v] = -1;
                t->heap[t->nheap] = v;
                t->pos[v] = (int)t->nheap;
                t->nheap++;
                heap_up(t, t->nheap - 1);
                any = 1;
            }
        if (!any)
            break;
        while (t->nheap > 0) {
            int u = t->heap[0];
            t->nheap--;
            if (t->nheap > 0) {
                t->heap[0] = t->heap[t->nheap];
                t->pos[t->heap[0]] = 0;
                heap_down(t, 0);
            }
            t->pos[u] = -2;
            if (u == T)
                break;
            double pu = t->phi[u];
            if (u < (int)ns) { /* source: forward arcs, and to U */
                size_t i = (size_t)u;
                for (size_t q = t->src_start[i]; q < t->src_start[i + 1]; q++) {
                    size_t k = t->src_arc[q];
                    if (off && off[k])
                        continue;
                    int v = (int)ns + t->arc_dst[k];
                    relax(t, u, v, cost[k] + pu - t->phi[v], (int)k);
                }
                relax(t, u, U, M + pu - t->phi[U], -1);
            } else if (u < U) { /* destination: backward arcs, and to T when it has room */
                size_t j = (size_t)u - ns;
                for (size_t q = t->dst_start[j]; q < t->dst_start[j + 1]; q++) {
                    size_t k = t->dst_arc[q];
                    if (flow[k] <= EPS)
                        continue;
                    int v = t->arc_src[k];
                    relax(t, u, v, -cost[k] + pu - t->phi[v], (int)k);
                }
                if (t->load[j] < cap[j] - EPS)
                    relax(t, u, T, pu - t->phi[T], -1);
            } else { /* U: back to sources with unserved demand, and to T */
                for (size_t i = 0; i < ns; i++)
                    if (unserved[i] > EPS)
                        relax(t, u, (int)i, -M + pu - t->phi[i], -1);
                relax(t, u, T, pu - t->phi[T], -1);
            }
        }
        if (!isfinite(t->dist[T]))
            break; /* cannot happen: an overflowing destination always reaches U */
        double dT = t->dist[T];
        for (size_t v = 0; v < t->nnodes; v++)
            t->phi[v] += t->dist[v] < dT ? t->dist[v] : dT;
        /* bottleneck along the path T <- ... <- start */
        double delta = INFINITY;
        int v = T;
        int start = -1;
        while (v >= 0) {
            int u = t->pred[v];
            if (u < 0) {
                start = v;
                break;
            }
            int k = t->pred_arc[v];
            if (v == T && u < U) {
                size_t j = (size_t)u - ns;
                double room = cap[j] - t->load[j];
                if (room < delta)
                    delta = room;
            } else if (u >= (int)ns && u < U && v < (int)ns) {
                if (flow[k] < delta) /* backward arc */
                    delta = flow[k];
            } else if (u == U && v < (int)ns) {
                if (unserved[v] < delta)
                    delta = unserved[v];
            }
            v = u;
        }
        size_t js = (size_t)start - ns;
        double excess = t->load[js] - cap[js];
        if (excess < delta)
            delta = excess;
        /* augment */
        v = T;
        while (t->pred[v] >= 0) {
            int u = t->pred[v];
            int k = t->pred_arc[v];
            if (v == T && u < U) {
                t->load[(size_t)u - ns] += delta;
            } else if (u < (int)ns && v >= (int)ns && v < U) {
                flow[k] += delta;
            } else if (u >= (int)ns && u < U && v < (int)ns) {
                flow[k] -= delta;
                if (flow[k] < EPS)
                    flow[k] = 0;
            } else if (u < (int)ns && v == U) {
                unserved[u] += delta;
            } else if (u == U && v < (int)ns) {
                unserved[v] -= delta;
                if (unserved[v] < EPS)
                    unserved[v] = 0;
            }
            v = u;
        }
        t->load[js] -= delta;
        if (t->load[js] - cap[js] < EPS)
            t->load[js] = cap[js];
        paths++;
        if (paths > 1000000)
            break; /* guard against a numerical loop; never seen */
    }
    return paths;
}

/* ---- the fleet router --------------------------------------------------------------------- */

typedef struct svc_route {
    gs_transport *tp;
    size_t narcs, nregions, ngroups;
    gs_route_arc *arcs;
    int *groups;          /* local destination -> global group */
    int *arc_local_dst;
    double *cost, *flow, *unserved, *cap, *prev_gcost;
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
            free(s->flow);
            free(s->unserved);
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
        s->flow = calloc(nab, sizeof *s->flow);
        s->off = calloc(nab, 1);
        s->unserved = calloc(sv->nregions ? sv->nregions : 1, sizeof *s->unserved);
        s->cap = malloc((ng ? ng : 1) * sizeof *s->cap);
        s->prev_gcost = malloc((ng ? ng : 1) * sizeof *s->prev_gcost);
        s->prev_capped = calloc(ng ? ng : 1, 1);
        if (!asrc || !s->arc_local_dst || !s->cost || !s->flow || !s->off || !s->unserved ||
            !s->cap || !s->prev_gcost || !s->prev_capped) {
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
        int paths = gs_transport_solve(s->tp, demand[v], s->cap, s->cost, s->off, same, s->flow,
                                       s->unserved);
        r->augmentations += (uint64_t)paths;
        for (size_t a = 0; a < s->narcs; a++)
            r->rps[s->arcs[a].group] += s->flow[a];
    }
}

const gs_route_arc *gs_router_arcs(const gs_router *r, int service, size_t *narcs)
{
    *narcs = r->sv[service].narcs;
    return r->sv[service].arcs;
}
const double *gs_router_flow(const gs_router *r, int service) { return r->sv[service].flow; }
const double *gs_router_unserved(const gs_router *r, int service)
{
    return r->sv[service].unserved;
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
