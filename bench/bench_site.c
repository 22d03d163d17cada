/* bench_site: scoring and placement of 100 inference candidates for 200 demand regions
 * (synthetic, deterministic: an LCG with a fixed seed places points on land-ish latitudes).
 * Target: under 30 s for the placement. Usage: bench_site [CANDIDATES REGIONS K] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gridsplit/site.h"
#include "gridsplit/read/site.h"

static unsigned long long seed = 42;
static double uni(void)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(seed >> 11) / 9007199254740992.0;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    size_t nc = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 100;
    size_t nr = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 200;
    int k = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 10;
    gs_site_file *f = calloc(1, sizeof *f);
    f->params = gs_site_params_default();
    f->params.latency_budget_ms = 60;
    f->params.demand_mw = 1000;
    for (int c = 0; c < GS_NCLASS; c++)
        gs_site_default_weights((gs_class)c, f->weight[c]);
    for (int i = 0; i < GS_SC_N; i++)
        f->best[i] = f->worst[i] = NAN;
    f->nzones = 10;
    f->zones = calloc(f->nzones, sizeof *f->zones);
    for (size_t z = 0; z < f->nzones; z++) {
        snprintf(f->zones[z].id, sizeof f->zones[z].id, "Z%zu", z);
        f->zones[z].price_assumed_usd_per_mwh = 30 + 15 * (double)z;
        f->zones[z].carbon_assumed_g_per_kwh = 50 + 60 * (double)z;
        f->zones[z].headroom_assumed_mw = NAN;
    }
    f->ncands = nc;
    f->cands = calloc(nc, sizeof *f->cands);
    for (size_t i = 0; i < nc; i++) {
        gs_site_cand *c = &f->cands[i];
        snprintf(c->id, sizeof c->id, "c%03zu", i);
        snprintf(c->name, sizeof c->name, "candidate %zu", i);
        c->lat = -40 + 100 * uni();
        c->lon = -180 + 360 * uni();
        c->zone = (int)(uni() * (double)f->nzones);
        c->interconnect_mw = 40 + 200 * uni();
        c->years_to_power = 1 + 5 * uni();
        c->pue = 1.1 + 0.3 * uni();
        c->build_usd_per_mw = 9e6 + 5e6 * uni();
        c->rack_kw_max = 20 + 140 * uni();
        c->cooling = (gs_cooling)(int)(uni() * 3);
        c->classes = 3;
    }
    gs_region *r = calloc(nr, sizeof *r);
    for (size_t i = 0; i < nr; i++) {
        snprintf(r[i].id, sizeof r[i].id, "r%03zu", i);
        r[i].lat = -40 + 100 * uni();
        r[i].lon = -180 + 360 * uni();
        r[i].share = 1.0 / (double)nr;
        r[i].site = -1;
    }
    gs_site_score_opts o = {0};
    o.regions = r;
    o.nregions = nr;
    gs_site_result res;
    gs_error err = {0};
    double t0 = now();
    if (gs_site_rank(f, GS_INFERENCE, &o, &res, &err)) {
        fprintf(stderr, "bench_site: %s\n", err.message);
        return 1;
    }
    double t1 = now();
    gs_site_placement p;
    if (gs_site_place(f, &res, &o, k, 120, &p, &err)) {
        fprintf(stderr, "bench_site: %s\n", err.message);
        return 1;
    }
    double t2 = now();
    printf("bench_site: %zu candidates, %zu regions, K = %d: rank %.3f s, placement %.3f s (%s), "
           "coverage %.1f %%, cost %.1f MUSD/year\n",
           nc, nr, k, t1 - t0, t2 - t1, p.status == 0 ? "optimal" : "time limit",
           100 * p.coverage, p.cost_usd_per_year / 1e6);
    gs_site_placement_free(&p);
    gs_site_result_free(&res);
    free(r);
    gs_site_file_free(f);
    return t2 - t1 < 30 ? 0 : 1;
}
