/* test_route: routing of inference demand (include/gridsplit/route.h). The transportation
 * solver is checked against the LP solved by COIN-OR Clp on random instances (fixed seed);
 * the fleet router against its invariants (budget, capacity, conservation, unserved reported,
 * determinism); simulate against a grid cap; the RTT sources (measured, cable-aware between
 * continents, plain), pins beyond the limit, data transfer costs and the latency penalty; the
 * network price reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <Clp_C_Interface.h>
#pragma GCC diagnostic pop

#include "gridsplit/geo.h"
#include "gridsplit/route.h"
#include "gridsplit/sim.h"
#include "gridsplit/read/netcost.h"
#include "gridsplit/read/tz.h"

#define T0 1704067200 /* 2024-01-01T00:00Z */
#define DAY 86400

/* deterministic generator (SplitMix64) */
static uint64_t rng_state;
static double urand(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

typedef struct inst {
    int ns, nd, na;
    int src[64], dst[64];
    double cost[64], supply[8], cap[6];
} inst;

static void random_instance(inst *p)
{
    p->ns = 1 + (int)(urand() * 8);
    p->nd = 1 + (int)(urand() * 6);
    p->na = 0;
    for (int i = 0; i < p->ns; i++)
        for (int j = 0; j < p->nd; j++)
            if (urand() < 0.6) {
                p->src[p->na] = i;
                p->dst[p->na] = j;
                p->cost[p->na] = urand() < 0.2 ? floor(urand() * 3) : urand() * 10; /* ties too */
                p->na++;
            }
    for (int i = 0; i < p->ns; i++)
        p->supply[i] = urand() < 0.1 ? 0 : urand() * 100;
    for (int j = 0; j < p->nd; j++)
        p->cap[j] = urand() < 0.15 ? INFINITY : urand() * 120;
}

/* The LP: min cost.x + M u  s.t.  sum_j x_ij + u_i = s_i,  sum_i x_ij <= c_j,  x, u >= 0. */
static void clp_solve(const inst *p, double *unserved_total, double *served_cost)
{
    const double M = 1e5;
    int ncol = p->na + p->ns, nrow = p->ns + p->nd;
    CoinBigIndex start[80];
    int index[160];
    double value[160], collb[80], colub[80], obj[80], rowlb[16], rowub[16];
    int nz = 0;
    for (int k = 0; k < p->na; k++) {
        start[k] = nz;
        index[nz] = p->src[k];
        value[nz++] = 1;
        index[nz] = p->ns + p->dst[k];
        value[nz++] = 1;
        collb[k] = 0;
        colub[k] = 1e30;
        obj[k] = p->cost[k];
    }
    for (int i = 0; i < p->ns; i++) {
        start[p->na + i] = nz;
        index[nz] = i;
        value[nz++] = 1;
        collb[p->na + i] = 0;
        colub[p->na + i] = 1e30;
        obj[p->na + i] = M;
    }
    start[ncol] = nz;
    for (int i = 0; i < p->ns; i++)
        rowlb[i] = rowub[i] = p->supply[i];
    for (int j = 0; j < p->nd; j++) {
        rowlb[p->ns + j] = -1e30;
        rowub[p->ns + j] = isfinite(p->cap[j]) ? p->cap[j] : 1e30;
    }
    Clp_Simplex *m = Clp_newModel();
    Clp_setLogLevel(m, 0);
    Clp_loadProblem(m, ncol, nrow, start, index, value, collb, colub, obj, rowlb, rowub);
    Clp_initialSolve(m);
    assert_int_equal(Clp_status(m), 0);
    const double *x = Clp_getColSolution(m);
    *unserved_total = 0;
    *served_cost = 0;
    for (int k = 0; k < p->na; k++)
        *served_cost += p->cost[k] * x[k];
    for (int i = 0; i < p->ns; i++)
        *unserved_total += x[p->na + i];
    Clp_deleteModel(m);
}

static void check_feasible(const inst *p, const double *flow, const double *un)
{
    for (int i = 0; i < p->ns; i++) {
        double out = un[i];
        assert_true(un[i] >= -1e-9);
        for (int k = 0; k < p->na; k++)
            if (p->src[k] == i)
                out += flow[k];
        assert_float_equal(out, p->supply[i], 1e-6);
    }
    for (int j = 0; j < p->nd; j++) {
        double in = 0;
        for (int k = 0; k < p->na; k++) {
            assert_true(flow[k] >= 0);
            if (p->dst[k] == j)
                in += flow[k];
        }
        assert_true(in <= p->cap[j] + 1e-6);
    }
}

static void compare_with_clp(const inst *p, const double *flow, const double *un)
{
    check_feasible(p, flow, un);
    double lp_un, lp_cost, my_un = 0, my_cost = 0;
    clp_solve(p, &lp_un, &lp_cost);
    for (int i = 0; i < p->ns; i++)
        my_un += un[i];
    for (int k = 0; k < p->na; k++)
        my_cost += p->cost[k] * flow[k];
    assert_float_equal(my_un, lp_un, 1e-6 * (1 + lp_un));
    assert_float_equal(my_cost, lp_cost, 1e-6 * (1 + fabs(lp_cost)));
}

static int some_destination_full(const inst *p, const double *flow)
{
    for (int j = 0; j < p->nd; j++) {
        double in = 0;
        for (int k = 0; k < p->na; k++)
            if (p->dst[k] == j)
                in += flow[k];
        if (isfinite(p->cap[j]) && p->cap[j] > 0 && in >= p->cap[j] - 1e-9)
            return 1;
    }
    return 0;
}

static double cost_of(const inst *p, const double *flow)
{
    double c = 0;
    for (int k = 0; k < p->na; k++)
        c += p->cost[k] * flow[k];
    return c;
}

static double sum_of(const double *v, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}

static void transport_matches_the_lp_on_random_instances(void **state)
{
    (void)state;
    rng_state = 20240101;
    int bound = 0;
    for (int n = 0; n < 500; n++) {
        inst p;
        random_instance(&p);
        gs_transport *t = NULL;
        gs_error err = {0};
        assert_int_equal(gs_transport_new((size_t)p.ns, (size_t)p.nd, p.src, p.dst,
                                          (size_t)p.na, &t, &err),
                         0);
        double flow[64], un[8];
        gs_transport_solve(t, p.supply, p.cap, p.cost, NULL, 0, flow, un);
        bound += some_destination_full(&p, flow);
        compare_with_clp(&p, flow, un);
        /* the next steps start from the previous solution: demand drifts, costs stay */
        for (int step = 0; step < 5; step++) {
            for (int i = 0; i < p.ns; i++)
                p.supply[i] *= 0.8 + 0.4 * urand();
            gs_transport_solve(t, p.supply, p.cap, p.cost, NULL, 1, flow, un);
            compare_with_clp(&p, flow, un);
        }
        gs_transport_free(t);
    }
    assert_true(bound > 100); /* capacity bound in many instances */
}

/* Warm starts (the previous step's basis) give the cost, served and unserved totals of a fresh
 * solve on random multi-step sequences: demand drifts every step; at some steps the prices of
 * destinations change (every arc into one destination by the same amount, as a site's price
 * does), arbitrary arc costs change, caps appear and disappear, arcs switch off and on. */
static void transport_warm_start_equals_a_fresh_solve_on_random_sequences(void **state)
{
    (void)state;
    rng_state = 20240607;
    int kinds[5] = {0};
    uint64_t fresh_total = 0;
    for (int n = 0; n < 300; n++) {
        inst p;
        random_instance(&p);
        gs_transport *warm = NULL, *fresh = NULL;
        assert_int_equal(gs_transport_new((size_t)p.ns, (size_t)p.nd, p.src, p.dst,
                                          (size_t)p.na, &warm, NULL),
                         0);
        assert_int_equal(gs_transport_new((size_t)p.ns, (size_t)p.nd, p.src, p.dst,
                                          (size_t)p.na, &fresh, NULL),
                         0);
        unsigned char off[64] = {0};
        double fw[64], uw[8], ff[64], uf[8];
        int caps_gone = 0;
        for (int step = 0; step < 30; step++) {
            int same = 1;
            for (int i = 0; i < p.ns; i++)
                p.supply[i] = urand() < 0.05 ? 0 : p.supply[i] * (0.85 + 0.3 * urand()) + 1;
            double u = urand();
            if (step > 0 && u < 0.25) { /* a destination's price moves */
                int j = (int)(urand() * p.nd);
                double d = urand() * 4 - 2;
                for (int k = 0; k < p.na; k++)
                    if (p.dst[k] == j)
                        p.cost[k] = fabs(p.cost[k] + d);
                same = 0;
                kinds[0]++;
            } else if (step > 0 && u < 0.35) { /* arbitrary costs */
                for (int k = 0; k < p.na; k++)
                    if (urand() < 0.3)
                        p.cost[k] = urand() < 0.3 ? floor(urand() * 3) : urand() * 10;
                same = 0;
                kinds[1]++;
            } else if (step > 0 && u < 0.5) { /* a cap appears, changes or disappears */
                int j = (int)(urand() * p.nd);
                p.cap[j] = isfinite(p.cap[j]) && urand() < 0.5 ? INFINITY : urand() * 120;
                caps_gone += !isfinite(p.cap[j]);
                kinds[2]++;
            } else if (step > 0 && u < 0.6 && p.na > 0) { /* an arc switches off or on */
                int k = (int)(urand() * p.na);
                off[k] = !off[k];
                same = 0;
                kinds[3]++;
            } else {
                kinds[4]++;
            }
            gs_transport_solve(warm, p.supply, p.cap, p.cost, off, same, fw, uw);
            gs_transport_reset(fresh);
            gs_transport_solve(fresh, p.supply, p.cap, p.cost, off, 0, ff, uf);
            check_feasible(&p, fw, uw);
            for (int k = 0; k < p.na; k++)
                if (off[k])
                    assert_float_equal(fw[k], 0, 0);
            double un_w = sum_of(uw, p.ns), un_f = sum_of(uf, p.ns);
            assert_float_equal(un_w, un_f, 1e-6 * (1 + un_f));
            double served_w = sum_of(fw, p.na), served_f = sum_of(ff, p.na);
            assert_float_equal(served_w, served_f, 1e-6 * (1 + served_f));
            double cw = cost_of(&p, fw), cf = cost_of(&p, ff);
            assert_float_equal(cw, cf, 1e-6 * (1 + fabs(cf)));
            if (step % 10 == 9) { /* and both are the LP's optimum */
                int any_off = 0;
                for (int k = 0; k < p.na; k++)
                    any_off |= off[k];
                if (!any_off)
                    compare_with_clp(&p, fw, uw);
            }
        }
        gs_transport_stats st;
        gs_transport_get_stats(warm, &st);
        assert_int_equal(st.solves, 30);
        /* fresh only at the start, or where a full destination lost its cap */
        assert_true(st.fresh >= 1 && st.fresh <= 1 + (uint64_t)caps_gone);
        fresh_total += st.fresh - 1;
        assert_int_equal(st.fresh + st.repaired + st.warm, 30);
        gs_transport_free(warm);
        gs_transport_free(fresh);
    }
    for (int k = 0; k < 5; k++)
        assert_true(kinds[k] > 100);
    assert_true(fresh_total < (uint64_t)kinds[2] / 4);
}

/* The same calls give the same flows (a warm start is a function of the calls so far). */
static void transport_warm_start_is_deterministic(void **state)
{
    (void)state;
    double out[2][40 * 64];
    for (int run = 0; run < 2; run++) {
        rng_state = 99;
        inst p;
        random_instance(&p);
        gs_transport *t = NULL;
        assert_int_equal(gs_transport_new((size_t)p.ns, (size_t)p.nd, p.src, p.dst,
                                          (size_t)p.na, &t, NULL),
                         0);
        double fl[64], un[8];
        for (int step = 0; step < 40; step++) {
            for (int i = 0; i < p.ns; i++)
                p.supply[i] *= 0.8 + 0.4 * urand();
            if (step % 7 == 3)
                for (int k = 0; k < p.na; k++)
                    p.cost[k] = urand() < 0.5 ? 1 : 2; /* many ties */
            gs_transport_solve(t, p.supply, p.cap, p.cost, NULL, step % 7 != 3, fl, un);
            memcpy(&out[run][step * 64], fl, sizeof fl);
        }
        gs_transport_free(t);
    }
    assert_memory_equal(out[0], out[1], sizeof out[0]);
}

static void transport_disabled_arcs_carry_nothing(void **state)
{
    (void)state;
    int src[] = {0, 0}, dst[] = {0, 1};
    double cost[] = {1, 5}, supply[] = {10}, cap[] = {4, INFINITY}, flow[2], un[1];
    unsigned char off[] = {0, 1};
    gs_transport *t = NULL;
    assert_int_equal(gs_transport_new(1, 2, src, dst, 2, &t, NULL), 0);
    gs_transport_solve(t, supply, cap, cost, off, 0, flow, un);
    assert_float_equal(flow[0], 4, 1e-9);
    assert_float_equal(flow[1], 0, 0);
    assert_float_equal(un[0], 6, 1e-9);
    off[1] = 0;
    gs_transport_solve(t, supply, cap, cost, off, 0, flow, un);
    assert_float_equal(flow[1], 6, 1e-9);
    assert_float_equal(un[0], 0, 1e-9);
    gs_transport_free(t);
}

/* ---- a hand-built fleet: 6 sites, 12 regions ------------------------------------------- */

typedef struct hand {
    gs_fleet f;
    gs_gpu gpu;
    gs_zone zone;
    gs_site site[6];
    gs_cluster cl[6];
    gs_service sv;
    gs_region reg[12];
} hand;

static const double SITE_LL[6][2] = {{39.04, -77.49}, {41.88, -87.63}, {33.75, -84.39},
                                     {50.11, 8.68},   {53.35, -6.26},  {45.32, -73.87}};

static void build(hand *h, double peak)
{
    memset(h, 0, sizeof *h);
    h->gpu = (gs_gpu){"H100", 700, 72, 575, 230, "test"};
    snprintf(h->zone.id, sizeof h->zone.id, "Z");
    for (int s = 0; s < 6; s++) {
        snprintf(h->site[s].id, sizeof h->site[s].id, "s%d", s);
        snprintf(h->site[s].tz, sizeof h->site[s].tz, "UTC");
        h->site[s].pue = 1.2 + 0.02 * s;
        h->site[s].lat = SITE_LL[s][0];
        h->site[s].lon = SITE_LL[s][1];
        h->cl[s] = (gs_cluster){.site = s, .cls = GS_INFERENCE, .gpu = 0,
                                .gpus = 500 + 300 * s, .service = 0};
        snprintf(h->cl[s].id, sizeof h->cl[s].id, "c%d", s);
    }
    h->sv = (gs_service){.id = "chat", .peak_requests_per_s = peak, .energy_per_request_j = 50,
                         .requests_per_s_per_gpu = 10, .latency_budget_ms = 120,
                         .floor_frac = 0.1, .headroom_frac = 0.15,
                         .shape = {15, 4, 1.5, 1.0, 0}};
    for (int g = 0; g < 12; g++) {
        gs_region *re = &h->reg[g];
        snprintf(re->id, sizeof re->id, "r%d", g);
        snprintf(re->tz, sizeof re->tz, "UTC");
        re->lat = 30 + 25 * urand();
        re->lon = -120 + 140 * urand();
        re->share = 1.0 / 12;
        re->site = g == 0 ? 0 : -1; /* one pinned region */
    }
    h->sv.regions = h->reg;
    h->sv.nregions = 12;
    h->f = (gs_fleet){.name = "hand", .ngpus = 1, .nzones = 1, .nsites = 6, .nclusters = 6,
                      .nservices = 1};
    h->f.gpus = &h->gpu;
    h->f.zones = &h->zone;
    h->f.sites = h->site;
    h->f.clusters = h->cl;
    h->f.services = &h->sv;
}

static void check_router_step(const gs_router *rt, const hand *h, const double *demand)
{
    size_t na;
    const gs_route_arc *arcs = gs_router_arcs(rt, 0, &na);
    const double *flow = gs_router_flow(rt, 0), *un = gs_router_unserved(rt, 0);
    double limit = gs_router_rtt_limit_ms(rt, 0);
    double tot[12] = {0};
    for (size_t a = 0; a < na; a++) {
        assert_true(flow[a] >= 0);
        if (flow[a] > 0) /* every served request within budget, pinned ones too */
            assert_true(arcs[a].rtt_ms <= limit);
        tot[arcs[a].region] += flow[a];
    }
    for (int g = 0; g < 12; g++)
        assert_float_equal(tot[g] + un[g], demand[g], 1e-6);
    const double *rps = gs_router_group_rps(rt), *cap = gs_router_group_cap(rt);
    for (size_t k = 0; k < gs_router_group_count(rt); k++)
        assert_true(rps[k] <= cap[k] + 1e-6); /* capacity never exceeded */
    (void)h;
}

static void router_respects_budget_and_capacity_and_reports_unserved(void **state)
{
    (void)state;
    rng_state = 7;
    hand h;
    build(&h, 600000); /* ~50,000 rps per region at peak: more than the sites hold */
    gs_router *rt = NULL;
    gs_error err = {0};
    assert_int_equal(gs_router_new(&h.f, NULL, &rt, &err), 0);
    double dem[12], cap[6];
    const double *dd[1] = {dem};
    double short_total = 0;
    for (int step = 0; step < 200; step++) {
        for (int g = 0; g < 12; g++)
            dem[g] = 50000.0 / 12 * 12 * urand() * (step % 2 ? 1.0 : 0.2);
        for (int s = 0; s < 6; s++)
            cap[s] = step % 3 == 0 && s < 2 ? 5.0 * urand() : INFINITY;
        gs_router_step(rt, T0 + step * 300, dd, cap, NULL);
        check_router_step(rt, &h, dem);
        const double *un = gs_router_unserved(rt, 0);
        for (int g = 0; g < 12; g++)
            short_total += un[g];
    }
    assert_true(short_total > 0); /* capacity short: unserved reported */
    assert_true(gs_router_augmentations(rt) > 0);
    gs_router_free(rt);
}

static void router_is_deterministic(void **state)
{
    (void)state;
    static double flows[2][4096];
    memset(flows, 0, sizeof flows);
    size_t na = 0;
    for (int run = 0; run < 2; run++) {
        rng_state = 11;
        hand h;
        build(&h, 300000);
        gs_router *rt = NULL;
        assert_int_equal(gs_router_new(&h.f, NULL, &rt, NULL), 0);
        double dem[12], cap[6];
        const double *dd[1] = {dem};
        size_t off = 0;
        for (int step = 0; step < 40; step++) {
            for (int g = 0; g < 12; g++)
                dem[g] = 40000 * urand();
            for (int s = 0; s < 6; s++)
                cap[s] = s == 0 ? 3.0 : INFINITY;
            gs_router_step(rt, T0 + step * 300, dd, cap, NULL);
            const double *fl = gs_router_flow(rt, 0);
            gs_router_arcs(rt, 0, &na);
            for (size_t a = 0; a < na && off < 4096; a++)
                flows[run][off++] = fl[a];
        }
        gs_router_free(rt);
    }
    assert_memory_equal(flows[0], flows[1], sizeof flows[0]);
}

/* The routing objective of the router's last step: energy at the site's price, the latency
 * penalty, data transfer, the pinned regions' spill penalty (docs/route.md). */
static double router_cost(const gs_router *rt, const hand *h, int64_t t)
{
    size_t na;
    const gs_route_arc *arcs = gs_router_arcs(rt, 0, &na);
    const double *flow = gs_router_flow(rt, 0);
    const gs_route_group *groups = gs_router_groups(rt);
    double price = gs_series_at(h->zone.price_usd_per_mwh, t), c = 0;
    for (size_t a = 0; a < na; a++) {
        const gs_route_group *g = &groups[arcs[a].group];
        double per = price * g->j_per_req * h->site[arcs[a].site].pue / 3600.0 +
                     GS_ROUTE_DEFAULT_USD_PER_MREQ_MS * arcs[a].rtt_ms +
                     arcs[a].transfer_usd_per_mreq +
                     (arcs[a].spill ? GS_ROUTE_PIN_PENALTY_USD_PER_MREQ : 0);
        c += flow[a] * per;
    }
    return c;
}

/* A router stepping warm through prices that change every hour and caps that come and go
 * gives, at every step, the served and unserved totals and the cost of a router that solves
 * that step alone (fresh). */
static void router_warm_steps_equal_fresh_solves(void **state)
{
    (void)state;
    rng_state = 17;
    hand h;
    build(&h, 400000);
    for (int s = 0; s < 6; s++) /* one zone per site would be the same: prices per step */
        h.site[s].pue = 1.1 + 0.05 * s;
    gs_series *price = gs_series_new(T0, 3600, 48);
    assert_non_null(price);
    for (size_t i = 0; i < price->n; i++)
        price->v[i] = 20 + 80 * urand();
    h.zone.price_usd_per_mwh = price;
    gs_router *warm = NULL;
    assert_int_equal(gs_router_new(&h.f, NULL, &warm, NULL), 0);
    double dem[12], cap[6];
    const double *dd[1] = {dem};
    for (int step = 0; step < 288; step++) {
        int64_t t = T0 + step * 300 + 150;
        for (int g = 0; g < 12; g++)
            dem[g] = 40000 * (0.5 + 0.5 * sin(step * 0.05 + g)) + 5000 * urand();
        for (int s = 0; s < 6; s++)
            cap[s] = (step / 12 + s) % 5 == 0 ? 1.0 + 4.0 * urand() : INFINITY;
        gs_router_step(warm, t, dd, cap, NULL);
        check_router_step(warm, &h, dem);
        gs_router *fresh = NULL;
        assert_int_equal(gs_router_new(&h.f, NULL, &fresh, NULL), 0);
        gs_router_step(fresh, t, dd, cap, NULL);
        const double *uw = gs_router_unserved(warm, 0), *uf = gs_router_unserved(fresh, 0);
        double su_w = 0, su_f = 0, sd = 0;
        for (int g = 0; g < 12; g++) {
            su_w += uw[g];
            su_f += uf[g];
            sd += dem[g];
        }
        assert_float_equal(su_w, su_f, 1e-9 * sd);
        double cw = router_cost(warm, &h, t), cf = router_cost(fresh, &h, t);
        assert_float_equal(cw, cf, 1e-9 * fabs(cf));
        gs_router_free(fresh);
    }
    gs_transport_stats st;
    gs_router_stats(warm, &st);
    assert_int_equal(st.fresh, 1);
    assert_true(st.repaired > 20 && st.warm > 100);
    gs_router_free(warm);
    gs_series_free(price);
}

static void capacity_under_a_cap_follows_the_power_model(void **state)
{
    (void)state;
    rng_state = 3;
    hand h;
    build(&h, 100000);
    /* site 0: 500 H100; floor 50 GPUs; full power 500 x 302 + 5000 rps x 50 x (1 + 345/628) */
    double full = 500 * 302 + 5000 * 50 * (1 + 345.0 / 628.0);
    assert_float_equal(gs_route_capacity_under_w(&h.f, 0, 0, full * 2), 5000, 1e-9);
    assert_float_equal(gs_route_capacity_under_w(&h.f, 0, 0, 50 * 302 * 0.5), 0, 0);
    double w = 0.6 * full;
    double c = gs_route_capacity_under_w(&h.f, 0, 0, w);
    /* above the floor, power = rps x (1.15/10 x 302 + 50 x 1.549...) */
    double per = 1.15 / 10 * 302 + 50 * (1 + 345.0 / 628.0);
    assert_float_equal(c, w / per, 1e-6 * c);
}

static void simulate_under_a_cap_moves_demand_and_keeps_the_site_under_it(void **state)
{
    (void)state;
    rng_state = 5;
    hand h;
    build(&h, 30000);
    for (int g = 0; g < 12; g++) { /* all regions near site 0 (Ashburn) */
        h.reg[g].lat = 39 + 0.1 * g;
        h.reg[g].lon = -77 - 0.1 * g;
    }
    gs_sim_tz tz;
    gs_error err = {0};
    assert_int_equal(gs_sim_tz_load(&h.f, T0, T0 + 2 * DAY, &tz, &err), 0);
    gs_route_cap cap = {.id = "cap", .site = 0, .from_s = T0 + DAY, .to_s = T0 + 2 * DAY,
                        .mw = 0.5};
    gs_sim_opts o = {.from_s = T0, .to_s = T0 + 2 * DAY, .step_s = 300, .caps = &cap,
                     .ncaps = 1};
    gs_sim_result *r = NULL;
    assert_int_equal(gs_simulate(&h.f, &tz, &o, &r, &err), 0);
    double before = 0, during = 0, others_before = 0, others_during = 0;
    for (size_t i = 0; i < r->nsteps; i++) {
        double mw0 = gs_sim_mw(r, 0, GS_INFERENCE, i);
        double rest = 0;
        for (size_t s = 1; s < 6; s++)
            rest += gs_sim_mw(r, s, GS_INFERENCE, i);
        if (i < r->nsteps / 2) {
            before += mw0;
            others_before += rest;
        } else {
            assert_true(mw0 <= 0.5 + 1e-9);
            during += mw0;
            others_during += rest;
        }
    }
    assert_true(during < before);
    assert_true(others_during > others_before); /* the demand went elsewhere */
    assert_float_equal(r->unserved_requests[0], 0, 1e-6);
    gs_sim_result_free(r);
    gs_sim_tz_free(&h.f, &tz);
}

/* ---- RTT sources, pins, transfer, the penalty: a fleet on real places --------------------- */

/* Sites Frankfurt, Ashburn, Sao Paulo (zones 0, 1, 2); regions Madrid and Berlin; a 200 ms
 * budget with the default 50 ms of server time: a 150 ms RTT limit. */
typedef struct world {
    gs_fleet f;
    gs_gpu gpu;
    gs_zone zone[3];
    gs_site site[3];
    gs_cluster cl[3];
    gs_service sv;
    gs_region reg[2];
} world;

static const struct {
    const char *id, *tz;
    double lat, lon;
} WSITE[3] = {{"frankfurt", "Europe/Berlin", 50.11, 8.68},
              {"ashburn", "America/New_York", 39.04, -77.49},
              {"sao-paulo", "America/Sao_Paulo", -23.55, -46.63}},
  WREG[2] = {{"europe-south", "Europe/Madrid", 40.42, -3.70},
             {"europe-central", "Europe/Berlin", 52.52, 13.40}};

static void build_world(world *w)
{
    memset(w, 0, sizeof *w);
    w->gpu = (gs_gpu){"H100", 700, 72, 575, 230, "test"};
    for (int s = 0; s < 3; s++) {
        snprintf(w->zone[s].id, sizeof w->zone[s].id, "z%d", s);
        snprintf(w->site[s].id, sizeof w->site[s].id, "%s", WSITE[s].id);
        snprintf(w->site[s].tz, sizeof w->site[s].tz, "%s", WSITE[s].tz);
        w->site[s].lat = WSITE[s].lat;
        w->site[s].lon = WSITE[s].lon;
        w->site[s].zone = s;
        w->site[s].pue = 1.3;
        w->cl[s] = (gs_cluster){.site = s, .cls = GS_INFERENCE, .gpu = 0, .gpus = 10000,
                                .service = 0};
        snprintf(w->cl[s].id, sizeof w->cl[s].id, "c%d", s);
    }
    w->sv = (gs_service){.id = "chat", .peak_requests_per_s = 1000, .energy_per_request_j = 55,
                         .requests_per_s_per_gpu = 10, .latency_budget_ms = 200,
                         .floor_frac = 0.1, .headroom_frac = 0.15, .shape = {15, 4, 1.5, 1.0, 0}};
    for (int g = 0; g < 2; g++) {
        gs_region *re = &w->reg[g];
        snprintf(re->id, sizeof re->id, "%s", WREG[g].id);
        snprintf(re->tz, sizeof re->tz, "%s", WREG[g].tz);
        re->lat = WREG[g].lat;
        re->lon = WREG[g].lon;
        re->share = 0.5;
        re->site = -1;
    }
    w->sv.regions = w->reg;
    w->sv.nregions = 2;
    w->f = (gs_fleet){.name = "world", .ngpus = 1, .nzones = 3, .nsites = 3, .nclusters = 3,
                      .nservices = 1};
    w->f.gpus = &w->gpu;
    w->f.zones = w->zone;
    w->f.sites = w->site;
    w->f.clusters = w->cl;
    w->f.services = &w->sv;
}

/* A measured matrix of three IBM places (city centres of the built-in catalogue): Madrid - Sao
 * Paulo 206 ms and Madrid - Frankfurt 29 ms, as the IBM Cloud matrix has them. */
typedef struct matrix {
    gs_latency_region place[3];
    gs_latency_pair pair[2];
    gs_latency_regions regs;
    gs_latency_measured m;
} matrix;

static void build_matrix(matrix *x)
{
    memset(x, 0, sizeof *x);
    x->place[0] = (gs_latency_region){"Frankfurt", 50.11552, 8.68417, "europe"};
    x->place[1] = (gs_latency_region){"Madrid", 40.41650, -3.70256, "europe"};
    x->place[2] = (gs_latency_region){"Sao Paulo", -23.54750, -46.63611, "south_america"};
    x->pair[0] = (gs_latency_pair){.a = 0, .b = 1, .rtt_ms = 29, .rows = 1};
    x->pair[1] = (gs_latency_pair){.a = 1, .b = 2, .rtt_ms = 206, .rows = 1};
    x->regs = (gs_latency_regions){x->place, 3};
    x->m = (gs_latency_measured){.pairs = x->pair, .n = 2};
}

static double plain_ms(double la1, double lo1, double la2, double lo2)
{
    return 2.0 * (GS_ROUTE_ROUTE_FACTOR * gs_geo_distance_km(la1, lo1, la2, lo2)) /
               GS_FIBRE_KM_PER_MS +
           GS_ROUTE_OVERHEAD_MS;
}

/* A two-cable graph: Lisbon - Fortaleza (South Atlantic) and Lisbon - New York. */
static gs_cable_graph *tiny_cables(void)
{
    gs_cable_graph *g = gs_cables_new();
    assert_non_null(g);
    int lis = gs_cables_add_landing(g, 38.72, -9.14, NULL);
    int forl = gs_cables_add_landing(g, -3.73, -38.52, NULL);
    int ny = gs_cables_add_landing(g, 40.58, -73.66, NULL);
    assert_true(lis >= 0 && forl >= 0 && ny >= 0);
    assert_int_equal(gs_cables_add_edge(g, lis, forl, 5900, NULL), 0);
    assert_int_equal(gs_cables_add_edge(g, lis, ny, 5600, NULL), 0);
    assert_int_equal(gs_cables_finish(g, NULL), 0);
    return g;
}

static void rtt_comes_from_the_best_source(void **state)
{
    (void)state;
    matrix x;
    build_matrix(&x);
    gs_route_opts o = gs_route_opts_default();
    const double mad[2] = {40.42, -3.70}, sp[2] = {-23.55, -46.63}, fra[2] = {50.11, 8.68};
    gs_continent eu = gs_continent_of("Europe/Madrid", mad[0], mad[1]);
    gs_continent sa = gs_continent_of("America/Sao_Paulo", sp[0], sp[1]);
    assert_int_equal(eu, GS_CONTINENT_EUROPE);
    assert_int_equal(sa, GS_CONTINENT_SOUTH_AMERICA);
    gs_rtt_source src;
    /* nothing given: the plain model (132 ms for Madrid - Sao Paulo) */
    double r = gs_route_rtt_ms(&o, mad[0], mad[1], eu, sp[0], sp[1], sa, &src);
    assert_int_equal(src, GS_RTT_PLAIN);
    assert_float_equal(r, plain_ms(mad[0], mad[1], sp[0], sp[1]), 1e-9);
    assert_true(r > 125 && r < 140);
    /* cables: the cable-aware model between continents, the plain one within a continent */
    gs_cable_graph *g = tiny_cables();
    o.cables = g;
    r = gs_route_rtt_ms(&o, mad[0], mad[1], eu, sp[0], sp[1], sa, &src);
    assert_int_equal(src, GS_RTT_CABLE);
    gs_latency_model cm = {GS_LATENCY_DEFAULT_CABLE_ROUTE_FACTOR,
                           GS_LATENCY_DEFAULT_CABLE_OVERHEAD_MS, GS_LATENCY_DEFAULT_CABLE_FACTOR,
                           g, NULL};
    assert_float_equal(r, gs_latency_rtt_between_ms(&cm, mad[0], mad[1], sp[0], sp[1], 1), 1e-9);
    r = gs_route_rtt_ms(&o, mad[0], mad[1], eu, fra[0], fra[1], eu, &src);
    assert_int_equal(src, GS_RTT_PLAIN);
    /* a measured matrix wins: 206 ms plus the plain model over the ~1 km to each place */
    o.rtt_places = &x.regs;
    o.rtt_measured = &x.m;
    r = gs_route_rtt_ms(&o, mad[0], mad[1], eu, sp[0], sp[1], sa, &src);
    assert_int_equal(src, GS_RTT_MEASURED);
    double legs = gs_geo_distance_km(mad[0], mad[1], 40.41650, -3.70256) +
                  gs_geo_distance_km(sp[0], sp[1], -23.54750, -46.63611);
    assert_float_equal(r, 206 + 2.0 * GS_ROUTE_ROUTE_FACTOR / GS_FIBRE_KM_PER_MS * legs, 1e-9);
    assert_true(r > 206 && r < 206.1);
    /* ... only within GS_ROUTE_MEASURED_KM of a place: Porto (~420 km from Madrid) takes
     * Madrid's figures plus ~6 ms; Paris (~1,050 km from Madrid) takes Frankfurt's place
     * (~480 km), whose pair with Sao Paulo is not measured, as Frankfurt's own: the cable model */
    r = gs_route_rtt_ms(&o, 41.15, -8.61, eu, sp[0], sp[1], sa, &src);
    assert_int_equal(src, GS_RTT_MEASURED);
    assert_true(r > 206 + 5 && r < 206 + 8);
    gs_route_rtt_ms(&o, 48.86, 2.35, eu, sp[0], sp[1], sa, &src);
    assert_int_equal(src, GS_RTT_CABLE);
    gs_route_rtt_ms(&o, fra[0], fra[1], eu, sp[0], sp[1], sa, &src);
    assert_int_equal(src, GS_RTT_CABLE);
    /* both ends at one place: not a measured pair */
    gs_route_rtt_ms(&o, 40.45, -3.75, eu, mad[0], mad[1], eu, &src);
    assert_int_equal(src, GS_RTT_PLAIN);
    gs_cables_free(g);
}

/* The router keeps a pair only when its RTT from the best source fits the limit: Madrid - Sao
 * Paulo is 132 ms by the plain model (within 150) and 206 ms measured (beyond). */
static void router_drops_pairs_beyond_the_limit_by_the_best_source(void **state)
{
    (void)state;
    world w;
    build_world(&w);
    matrix x;
    build_matrix(&x);
    for (int with = 0; with < 2; with++) {
        gs_route_opts o = gs_route_opts_default();
        if (with) {
            o.rtt_places = &x.regs;
            o.rtt_measured = &x.m;
        }
        gs_router *rt = NULL;
        assert_int_equal(gs_router_new(&w.f, &o, &rt, NULL), 0);
        size_t na;
        const gs_route_arc *arcs = gs_router_arcs(rt, 0, &na);
        int mad_sp = 0, mad_fra_measured = 0;
        for (size_t a = 0; a < na; a++) {
            assert_true(arcs[a].rtt_ms <= gs_router_rtt_limit_ms(rt, 0));
            if (arcs[a].region == 0 && arcs[a].site == 2)
                mad_sp = 1;
            if (arcs[a].region == 0 && arcs[a].site == 0)
                mad_fra_measured = arcs[a].rtt_source == GS_RTT_MEASURED;
        }
        assert_int_equal(mad_sp, !with);
        assert_int_equal(mad_fra_measured, with);
        gs_router_free(rt);
    }
}

/* A region pinned to a site beyond the limit is not served there: all its demand is
 * unserved, and gs_router_pin_beyond says so with the RTT and its source. */
static void a_pin_beyond_the_limit_leaves_the_region_unserved(void **state)
{
    (void)state;
    world w;
    build_world(&w);
    w.reg[1].site = 2; /* Berlin pinned to Sao Paulo: ~157 ms by the plain model */
    w.reg[0].site = 0; /* Madrid pinned to Frankfurt: within */
    gs_router *rt = NULL;
    assert_int_equal(gs_router_new(&w.f, NULL, &rt, NULL), 0);
    double rtt = 0;
    gs_rtt_source src = GS_RTT_MEASURED;
    assert_int_equal(gs_router_pin_beyond(rt, 0, 1, &rtt, &src), 1);
    assert_int_equal(src, GS_RTT_PLAIN);
    assert_float_equal(rtt, plain_ms(52.52, 13.40, -23.55, -46.63), 1e-9);
    assert_true(rtt > 150);
    assert_int_equal(gs_router_pin_beyond(rt, 0, 0, NULL, NULL), 0);
    assert_int_equal(gs_router_home_site(rt, 0, 1), 2);
    double dem[2] = {500, 700};
    const double *dd[1] = {dem};
    gs_router_step(rt, T0, dd, NULL, NULL);
    const double *un = gs_router_unserved(rt, 0), *fl = gs_router_flow(rt, 0);
    assert_float_equal(un[1], 700, 1e-9);
    assert_float_equal(un[0], 0, 1e-9);
    size_t na;
    const gs_route_arc *arcs = gs_router_arcs(rt, 0, &na);
    for (size_t a = 0; a < na; a++) {
        assert_int_not_equal(arcs[a].region, 1); /* no arc at all */
        if (fl[a] > 0)
            assert_int_equal(arcs[a].site, 0);
    }
    gs_router_free(rt);
}

static void transfer_costs_between_continents_and_priced_places(void **state)
{
    (void)state;
    gs_route_opts o = gs_route_opts_default();
    double bin = GS_ROUTE_DEFAULT_TOKENS_IN * GS_ROUTE_DEFAULT_BYTES_PER_TOKEN;
    double bout = GS_ROUTE_DEFAULT_TOKENS_OUT * GS_ROUTE_DEFAULT_BYTES_PER_TOKEN;
    gs_continent eu = GS_CONTINENT_EUROPE, na = GS_CONTINENT_NORTH_AMERICA;
    gs_continent sa = GS_CONTINENT_SOUTH_AMERICA;
    /* same continent: nothing; Madrid -> Ashburn: 0.02 USD/GB each way */
    assert_float_equal(gs_route_transfer_usd_per_mreq(&o, 40.42, -3.70, eu, 50.11, 8.68, eu), 0, 0);
    assert_float_equal(gs_route_transfer_usd_per_mreq(&o, 40.42, -3.70, eu, 39.04, -77.49, na),
                       (0.02 * bin + 0.02 * bout) * 1e-3, 1e-12);
    /* answers out of Sao Paulo pay sa-east-1's 0.138 */
    assert_float_equal(gs_route_transfer_usd_per_mreq(&o, 40.42, -3.70, eu, -23.55, -46.63, sa),
                       (0.02 * bin + 0.138 * bout) * 1e-3, 1e-12);
    assert_float_equal(gs_route_builtin_usd_per_gb(GS_CONTINENT_AFRICA), 0.147, 0);
    assert_float_equal(gs_route_builtin_usd_per_gb(GS_CONTINENT_UNKNOWN), 0, 0);
    o.tokens_in = 1000;
    o.tokens_out = 0;
    o.bytes_per_token = 1;
    assert_float_equal(gs_route_transfer_usd_per_mreq(&o, 40.42, -3.70, eu, 39.04, -77.49, na),
                       0.02 * 1000 * 1e-3, 1e-12);
    /* a price matrix: each end's nearest priced place; the same place costs nothing */
    gs_latency_region pl[2] = {{"eu-west", 48.86, 2.35, ""}, {"us-east", 38.9, -77.0, ""}};
    double p[4] = {0, 0.05, 0.03, 0};
    gs_netcost nc = {{pl, 2}, p};
    o = gs_route_opts_default();
    o.netcost = &nc;
    assert_float_equal(gs_route_transfer_usd_per_mreq(&o, 40.42, -3.70, eu, 39.04, -77.49, na),
                       (0.05 * bin + 0.03 * bout) * 1e-3, 1e-12);
    assert_float_equal(gs_route_transfer_usd_per_mreq(&o, 40.42, -3.70, eu, 50.11, 8.68, eu), 0, 0);
    /* the router carries it in each arc */
    world w;
    build_world(&w);
    gs_router *rt = NULL;
    assert_int_equal(gs_router_new(&w.f, NULL, &rt, NULL), 0);
    size_t n;
    const gs_route_arc *arcs = gs_router_arcs(rt, 0, &n);
    for (size_t a = 0; a < n; a++)
        assert_float_equal(arcs[a].transfer_usd_per_mreq,
                           arcs[a].site == 0 ? 0 : arcs[a].site == 1
                                                       ? (0.02 * bin + 0.02 * bout) * 1e-3
                                                       : (0.02 * bin + 0.138 * bout) * 1e-3,
                           1e-12);
    gs_router_free(rt);
}

/* Berlin's requests stay at Frankfurt under the default penalty although Ashburn's energy is
 * 120 USD/MWh cheaper; at the old 0.02 USD per Mreq per ms they crossed the Atlantic. Above
 * the break-even price gap (penalty x extra RTT + transfer, over the energy per request) they
 * cross again. */
static void the_latency_penalty_keeps_requests_near_unless_energy_pays_more(void **state)
{
    (void)state;
    world w;
    build_world(&w);
    gs_series *price[3];
    double usd[3] = {150, 30, 30};
    for (int z = 0; z < 3; z++) {
        price[z] = gs_series_new(T0, 3600, 24);
        assert_non_null(price[z]);
        for (size_t i = 0; i < price[z]->n; i++)
            price[z]->v[i] = usd[z];
        w.zone[z].price_usd_per_mwh = price[z];
    }
    double dem[2] = {0, 5000};
    const double *dd[1] = {dem};
    double pen[2] = {GS_ROUTE_DEFAULT_USD_PER_MREQ_MS, 0.02};
    for (int k = 0; k < 2; k++) {
        gs_route_opts o = gs_route_opts_default();
        o.usd_per_mreq_ms = pen[k];
        gs_router *rt = NULL;
        assert_int_equal(gs_router_new(&w.f, &o, &rt, NULL), 0);
        gs_router_step(rt, T0 + 1800, dd, NULL, NULL);
        const double *rps = gs_router_group_rps(rt);
        int fra = gs_router_group_of(rt, 0, 0), ash = gs_router_group_of(rt, 0, 1);
        assert_float_equal(rps[k == 0 ? fra : ash], 5000, 1e-6);
        if (k == 0) {
            /* the break-even gap: where Ashburn becomes cheaper */
            size_t na;
            const gs_route_arc *arcs = gs_router_arcs(rt, 0, &na);
            double d_fixed = 0, j = gs_router_groups(rt)[ash].j_per_req;
            for (size_t a = 0; a < na; a++)
                if (arcs[a].region == 1)
                    d_fixed += (arcs[a].site == 1 ? 1 : arcs[a].site == 0 ? -1 : 0) *
                               (o.usd_per_mreq_ms * arcs[a].rtt_ms + arcs[a].transfer_usd_per_mreq);
            double gap = d_fixed / (j * 1.3 / 3600.0); /* USD/MWh */
            assert_true(gap > 500);                    /* far above 2023's DE - PJM gaps */
            for (size_t i = 0; i < price[0]->n; i++)
                price[0]->v[i] = 30 + gap * 1.01;
            gs_router *r2 = NULL;
            assert_int_equal(gs_router_new(&w.f, &o, &r2, NULL), 0);
            gs_router_step(r2, T0 + 1800, dd, NULL, NULL);
            assert_float_equal(gs_router_group_rps(r2)[ash], 5000, 1e-6);
            gs_router_free(r2);
            for (size_t i = 0; i < price[0]->n; i++)
                price[0]->v[i] = 150;
        }
        gs_router_free(rt);
    }
    for (int z = 0; z < 3; z++)
        gs_series_free(price[z]);
}

/* ---- the network price reader ----------------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void netcost_reader_reads_matrices_and_names_bad_cells(void **state)
{
    (void)state;
    char dir[] = "/tmp/gs_test_netcost.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char m[256], p[256], w[512];
    snprintf(m, sizeof m, "%s/m.csv", dir);
    snprintf(p, sizeof p, "%s/p.csv", dir);
    write_file(p, "provider,region,location,country,latitude,longitude\n"
                  "AWS,us-east-1,\"US East (N. Virginia)\",USA,37.26,-79.10\n"
                  "AWS,eu-central-1,\"EU (Frankfurt)\",Germany,50.11,8.68\n");
    write_file(m, ",us-east-1,eu-central-1,local-1\n"
                  "us-east-1,0,0.02,0.01\n"
                  "eu-central-1,0.03,0,0.02\n"
                  "local-1,0.01,0.02,0\n");
    gs_netcost *nc = NULL;
    gs_error err = {0};
    assert_int_equal(gs_netcost_read(m, p, &nc, w, sizeof w, &err), 0);
    assert_int_equal(nc->places.n, 2);
    assert_string_equal(nc->places.r[1].name, "eu-central-1");
    assert_float_equal(nc->usd_per_gb[0 * 2 + 1], 0.02, 0);
    assert_float_equal(nc->usd_per_gb[1 * 2 + 0], 0.03, 0);
    assert_non_null(strstr(w, "'local-1'")); /* left out, and said */
    gs_netcost_free(nc);
    write_file(m, ",a,b\na,0,x\nb,1,0\n");
    assert_true(gs_netcost_read(m, p, &nc, NULL, 0, &err) < 0);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);
    write_file(m, ",us-east-1,eu-central-1\nus-east-1,0,-1\neu-central-1,1,0\n");
    assert_true(gs_netcost_read(m, p, &nc, NULL, 0, &err) < 0);
    assert_non_null(strstr(err.message, ">= 0"));
    write_file(m, ",us-east-1,eu-central-1\nus-east-1,0,1\n");
    assert_true(gs_netcost_read(m, p, &nc, NULL, 0, &err) < 0);
    assert_non_null(strstr(err.message, "no row for place 'eu-central-1'"));
    remove(m);
    remove(p);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(transport_matches_the_lp_on_random_instances),
        cmocka_unit_test(transport_warm_start_equals_a_fresh_solve_on_random_sequences),
        cmocka_unit_test(transport_warm_start_is_deterministic),
        cmocka_unit_test(transport_disabled_arcs_carry_nothing),
        cmocka_unit_test(router_respects_budget_and_capacity_and_reports_unserved),
        cmocka_unit_test(router_is_deterministic),
        cmocka_unit_test(router_warm_steps_equal_fresh_solves),
        cmocka_unit_test(capacity_under_a_cap_follows_the_power_model),
        cmocka_unit_test(simulate_under_a_cap_moves_demand_and_keeps_the_site_under_it),
        cmocka_unit_test(rtt_comes_from_the_best_source),
        cmocka_unit_test(router_drops_pairs_beyond_the_limit_by_the_best_source),
        cmocka_unit_test(a_pin_beyond_the_limit_leaves_the_region_unserved),
        cmocka_unit_test(transfer_costs_between_continents_and_priced_places),
        cmocka_unit_test(the_latency_penalty_keeps_requests_near_unless_energy_pays_more),
        cmocka_unit_test(netcost_reader_reads_matrices_and_names_bad_cells),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
