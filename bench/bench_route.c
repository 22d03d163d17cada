/* bench_route: routing of inference demand, 200 regions x 100 sites, a year at 5-minute steps
 * (105,408 steps) on one core. One service; regions and sites spread over the inhabited
 * latitudes, a tenth of the regions pinned to their nearest site; RTT limit 150 ms (budget 200
 * - 50 ms server time); GPU capacity CAP_FACTOR
 * (default 3) x the peak of the sum of demand, uneven across sites (0.3x .. 1.7x the mean) so
 * that capacity binds at some sites' local peaks; hourly prices per site
 * (every hour changes the costs); and 50 grid caps of 4 h on random sites.
 * Prints the time of the routing alone (gs_router_step, demand precomputed per step from the
 * diurnal shape in each region's solar time), broken down by the kind of step (warm: only
 * demand changed; repaired: prices or caps changed too; fresh: the first), and of the whole
 * gs_simulate with routing. The cost is the router's default (latency penalty 0.5 USD per
 * Mreq per ms, data transfer between continents at the built-in prices; the sites' and regions'
 * continents from their coordinates) unless PENALTY or BYTES_PER_TOKEN say otherwise
 * (bench_route 3 0.02 0: the cost before data transfer and the new penalty).
 * Usage: bench_route [CAP_FACTOR [PENALTY [BYTES_PER_TOKEN]]] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gridsplit/fleet.h"
#include "gridsplit/geo.h"
#include "gridsplit/load.h"
#include "gridsplit/route.h"
#include "gridsplit/sim.h"
#include "gridsplit/read/tz.h"

#define NSITES 100
#define NREGIONS 200
#define NZONES 100
#define NCAPS 50
#define T0 1704067200LL /* 2024-01-01 */
#ifndef YEAR
#define YEAR (366LL * 86400)
#endif
#define STEP 300

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t seed = 42;
static double urand(void)
{
    uint64_t z = (seed += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

static gs_fleet *make_fleet(double cap_factor)
{
    gs_fleet *f = calloc(1, sizeof *f);
    snprintf(f->name, sizeof f->name, "bench-route");
    f->ngpus = 1;
    f->gpus = calloc(1, sizeof *f->gpus);
    f->gpus[0] = (gs_gpu){"H100", 700, 72, 575, 230, "bench"};
    f->nzones = NZONES;
    f->zones = calloc(NZONES, sizeof *f->zones);
    for (int z = 0; z < NZONES; z++) {
        snprintf(f->zones[z].id, sizeof f->zones[z].id, "z%d", z);
        gs_series *p = gs_series_new(T0 - 86400, 3600, (size_t)(YEAR / 3600 + 48));
        for (size_t i = 0; i < p->n; i++) /* daily swing + noise, USD/MWh */
            p->v[i] = 40 + 30 * sin((double)i * 2 * M_PI / 24 + z) + 10 * urand();
        f->zones[z].price_usd_per_mwh = p;
    }
    f->nsites = NSITES;
    f->sites = calloc(NSITES, sizeof *f->sites);
    f->nclusters = NSITES;
    f->clusters = calloc(NSITES, sizeof *f->clusters);
    for (int s = 0; s < NSITES; s++) {
        gs_site *st = &f->sites[s];
        snprintf(st->id, sizeof st->id, "site-%03d", s);
        snprintf(st->tz, sizeof st->tz, "UTC");
        st->zone = s;
        st->pue = 1.1 + 0.3 * urand();
        st->lat = -40 + 100 * urand();
        st->lon = -180 + 360 * urand();
        gs_cluster *cl = &f->clusters[s];
        snprintf(cl->id, sizeof cl->id, "cl-%03d", s);
        cl->site = s;
        cl->cls = GS_INFERENCE;
        cl->gpu = 0;
        cl->gpus = 0; /* set below */
        cl->service = 0;
    }
    f->nservices = 1;
    f->services = calloc(1, sizeof *f->services);
    gs_service *sv = &f->services[0];
    snprintf(sv->id, sizeof sv->id, "chat");
    sv->peak_requests_per_s = 2000000;
    sv->energy_per_request_j = 55;
    sv->requests_per_s_per_gpu = 10;
    sv->latency_budget_ms = 200;
    sv->floor_frac = 0.1;
    sv->headroom_frac = 0.15;
    sv->shape = (gs_shape){15, 4, 1.5, 0.85, 0};
    sv->nregions = NREGIONS;
    sv->regions = calloc(NREGIONS, sizeof *sv->regions);
    double tot = 0;
    for (int g = 0; g < NREGIONS; g++) {
        gs_region *re = &sv->regions[g];
        snprintf(re->id, sizeof re->id, "r-%03d", g);
        snprintf(re->tz, sizeof re->tz, "UTC");
        re->lat = -40 + 100 * urand();
        re->lon = -180 + 360 * urand();
        re->share = 0.2 + urand();
        re->site = -1;
        if (g % 10 == 0) { /* a tenth of the regions pinned, to their nearest site */
            double best = INFINITY;
            for (int q = 0; q < NSITES; q++) {
                double d = gs_geo_distance_km(re->lat, re->lon, f->sites[q].lat, f->sites[q].lon);
                if (d < best) {
                    best = d;
                    re->site = q;
                }
            }
        }
        tot += re->share;
    }
    for (int g = 0; g < NREGIONS; g++)
        sv->regions[g].share /= tot;
    /* GPUs: cap_factor x the peak in total, uneven (0.3x .. 1.7x of the mean) */
    double gpus_total = cap_factor * sv->peak_requests_per_s / sv->requests_per_s_per_gpu;
    double w[NSITES], wt = 0;
    for (int s = 0; s < NSITES; s++)
        wt += (w[s] = 0.3 + 1.4 * urand());
    for (int s = 0; s < NSITES; s++)
        f->clusters[s].gpus = (int)(gpus_total * w[s] / wt) + 1;
    return f;
}

int main(int argc, char **argv)
{
    double cap_factor = argc > 1 ? strtod(argv[1], NULL) : 3.0;
    if (!(cap_factor > 0))
        cap_factor = 3.0;
    gs_fleet *f = make_fleet(cap_factor);
    gs_route_opts ro = gs_route_opts_default();
    if (argc > 2)
        ro.usd_per_mreq_ms = strtod(argv[2], NULL);
    if (argc > 3)
        ro.bytes_per_token = strtod(argv[3], NULL);
    printf("GPU capacity %.2f x the peak of total demand; latency penalty %g USD/Mreq/ms; %g "
           "bytes per token\n",
           cap_factor, ro.usd_per_mreq_ms, ro.bytes_per_token);
    gs_error err = {0};
    gs_route_cap caps[NCAPS];
    for (int c = 0; c < NCAPS; c++) {
        int64_t from = T0 + (int64_t)(urand() * (double)(YEAR - 86400)) / 3600 * 3600;
        caps[c] = (gs_route_cap){.site = (int)(urand() * NSITES), .from_s = from,
                                 .to_s = from + 4 * 3600, .mw = 2};
        snprintf(caps[c].id, sizeof caps[c].id, "cap-%d", c);
    }
    size_t nsteps = (size_t)(YEAR / STEP);
    gs_service *sv = &f->services[0];

    /* 1. the routing alone: demand from the shape in each region's solar time */
    gs_router *rt = NULL;
    double tb = now();
    if (gs_router_new(f, &ro, &rt, &err) < 0) {
        fprintf(stderr, "router: %s\n", err.message);
        return 1;
    }
    printf("router built in %.3f s\n", now() - tb);
    size_t na;
    gs_router_arcs(rt, 0, &na);
    double *dem = malloc(NREGIONS * sizeof *dem), capmw[NSITES];
    const double *dd[1] = {dem};
    double unserved = 0, served = 0;
    /* per kind of step (0 fresh, 1 repaired, 2 warm): steps, time, dual and primal pivots */
    double kt[3] = {0}, kmax[3] = {0};
    uint64_t kn[3] = {0}, kd[3] = {0}, ka[3] = {0};
    gs_transport_stats st0, st1;
    gs_router_stats(rt, &st0);
    double t0 = now();
    for (size_t i = 0; i < nsteps; i++) {
        int64_t mid = T0 + (int64_t)i * STEP + STEP / 2;
        for (int g = 0; g < NREGIONS; g++) {
            int64_t local = mid + (int64_t)(sv->regions[g].lon / 15.0 * 3600);
            dem[g] = sv->peak_requests_per_s * sv->regions[g].share *
                     gs_shape_factor(&sv->shape, local);
        }
        int any = 0;
        for (int s = 0; s < NSITES; s++)
            capmw[s] = INFINITY;
        for (int c = 0; c < NCAPS; c++)
            if (mid >= caps[c].from_s && mid < caps[c].to_s) {
                capmw[caps[c].site] = caps[c].mw;
                any = 1;
            }
        double ts = now();
        gs_router_step(rt, mid, dd, any ? capmw : NULL, NULL);
        double te = now() - ts;
        gs_router_stats(rt, &st1);
        int kind = st1.fresh > st0.fresh ? 0 : st1.repaired > st0.repaired ? 1 : 2;
        kn[kind]++;
        kt[kind] += te;
        if (te > kmax[kind])
            kmax[kind] = te;
        kd[kind] += st1.dual_pivots - st0.dual_pivots;
        ka[kind] += st1.primal_pivots - st0.primal_pivots;
        st0 = st1;
        const double *un = gs_router_unserved(rt, 0);
        for (int g = 0; g < NREGIONS; g++) {
            unserved += un[g] * STEP;
            served += (dem[g] - un[g]) * STEP;
        }
    }
    double t1 = now();
    printf("regions %d, sites %d, arcs within budget %zu (%.0f %% of pairs), steps %zu\n",
           NREGIONS, NSITES, na, 100.0 * (double)na / (NREGIONS * NSITES), nsteps);
    printf("pivots (basis changes) %llu; unserved share %.2e\n",
           (unsigned long long)gs_router_augmentations(rt), unserved / (served + unserved));
    printf("routing alone (target < 5 s):        %.3f s (%.1f us per step)\n", t1 - t0,
           (t1 - t0) / (double)nsteps * 1e6);
    static const char *kname[3] = {"fresh", "repaired (prices/caps changed)", "warm (demand only)"};
    for (int k = 0; k < 3; k++)
        if (kn[k])
            printf("  %-31s %7llu steps, %8.3f s, %7.1f us/step (max %7.1f), "
                   "%6.2f dual + %6.2f primal pivots/step\n",
                   kname[k], (unsigned long long)kn[k], kt[k], kt[k] / (double)kn[k] * 1e6,
                   kmax[k] * 1e6, (double)kd[k] / (double)kn[k], (double)ka[k] / (double)kn[k]);
    gs_router_free(rt);

    /* 2. the whole simulation with routing, demand in each region's time zone */
    double t2 = now();
    gs_sim_tz tz;
    if (gs_sim_tz_load(f, T0, T0 + YEAR, &tz, &err) < 0) {
        fprintf(stderr, "tz: %s\n", err.message);
        return 1;
    }
    gs_sim_opts o = {.from_s = T0, .to_s = T0 + YEAR, .step_s = STEP, .route = &ro,
                     .caps = caps, .ncaps = NCAPS};
    gs_sim_result *r = NULL;
    if (gs_simulate(f, &tz, &o, &r, &err) < 0) {
        fprintf(stderr, "simulate: %s\n", err.message);
        return 1;
    }
    double t3 = now();
    printf("gs_simulate with routing + stats:    %.3f s\n", t3 - t2);
    gs_sim_result_free(r);
    gs_sim_tz_free(f, &tz);
    free(dem);
    gs_fleet_free(f);
    return 0;
}
