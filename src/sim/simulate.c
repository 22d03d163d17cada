/* simulate.c: the simulation engine (include/gridsplit/sim.h). Power of every site by load
 * class over a period at a fixed step:
 * - training: every training cluster draws idle power over the whole period; each run adds
 *   (segment power - idle) x its GPUs over each segment of its timeline, added as ranges on a
 *   difference array (O(runs + dips + steps), not O(clusters x steps)), and each checkpoint
 *   dip subtracts its share of the step it falls in;
 * - inference: at every step, each region's demand follows the service's shape in the region's
 *   local time and is routed to sites (src/net/route.c: within the latency budget and the
 *   sites' capacity, grid caps included, at least cost; a pinned region stays on its site
 *   unless the site is capped); each site's clusters provision GPUs for what they serve (a
 *   floor plus headroom above demand) and draw idle power for provisioned GPUs plus energy per
 *   request served;
 * - PUE (constant, monthly in the site's local time, or a series) turns IT power into power at
 *   the grid connection. Statistics are computed in src/sim/stats.c. */
#include "gridsplit/sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/load.h"
#include "sim/stats.h"

#define WEEK_S 604800
#define SHAPE_SLOT_S 300

void gs_sim_result_free(gs_sim_result *r)
{
    if (!r)
        return;
    free(r->mw);
    free(r->site_class);
    free(r->site);
    free(r->served_requests);
    free(r->unserved_requests);
    free(r->run_start_s);
    free(r->run_end_s);
    free(r);
}

/* The accumulation grid of one run: direct per-step adds (W) and a difference array for ranges. */
typedef struct grid {
    double *mw;    /* [site][class][step], W while accumulating */
    double *diff;  /* [site][step + 1], training ranges, W */
    size_t n;
    int64_t from, to, step;
} grid;

static double *cell(grid *g, size_t site, gs_class c)
{
    return g->mw + (site * GS_NCLASS + (size_t)c) * g->n;
}

/* Add w watts over [a, b) to the training curve of site: partial steps directly, whole steps
 * through the difference array. */
static void add_range(grid *g, size_t site, int64_t a, int64_t b, double w)
{
    if (a < g->from)
        a = g->from;
    if (b > g->to)
        b = g->to;
    if (b <= a || w == 0)
        return;
    double *direct = cell(g, site, GS_TRAINING);
    double *diff = g->diff + site * (g->n + 1);
    size_t i0 = (size_t)((a - g->from) / g->step);
    size_t i1 = (size_t)((b - g->from) / g->step);
    double inv = 1.0 / (double)g->step;
    if (i0 == i1) {
        direct[i0] += w * (double)(b - a) * inv;
        return;
    }
    int64_t s0 = g->from + (int64_t)i0 * g->step;
    if (a > s0) {
        direct[i0] += w * (double)(s0 + g->step - a) * inv;
        i0++;
    }
    diff[i0] += w;
    diff[i1] -= w;
    if (i1 < g->n) {
        int64_t e = b - (g->from + (int64_t)i1 * g->step);
        if (e > 0)
            direct[i1] += w * (double)e * inv;
    }
}

/* Subtract the checkpoint dips of a running segment: dip k covers
 * [seg_from + k I - D, seg_from + k I), at (1 - power_frac) x running power. */
static void add_dips(grid *g, size_t site, const gs_run *run, const gs_segment *sg)
{
    double I = run->ckpt_interval_s, D = run->ckpt_duration_s;
    if (I <= 0 || D <= 0 || !sg->dips)
        return;
    double drop_w = -(1.0 - run->ckpt_power_frac) * sg->gpu_power_w * run->gpus;
    int64_t lo = sg->from_s > g->from ? sg->from_s : g->from;
    int64_t hi = sg->to_s < g->to ? sg->to_s : g->to;
    if (hi <= lo)
        return;
    double k0 = floor((double)(lo - sg->from_s) / I);
    if (k0 < 1)
        k0 = 1;
    for (double k = k0;; k++) {
        double d_end = (double)sg->from_s + k * I;
        double d_start = d_end - D;
        if (d_start >= (double)hi)
            break;
        if (d_end > (double)hi)
            d_end = (double)hi;
        if (d_start < (double)lo)
            d_start = (double)lo;
        if (d_end <= d_start)
            continue;
        /* spread over the steps the dip touches */
        double *direct = cell(g, site, GS_TRAINING);
        double t = d_start;
        while (t < d_end) {
            size_t i = (size_t)((t - (double)g->from) / (double)g->step);
            if (i >= g->n)
                break;
            double step_end = (double)g->from + (double)(i + 1) * (double)g->step;
            double e = step_end < d_end ? step_end : d_end;
            direct[i] += drop_w * (e - t) / (double)g->step;
            t = e;
        }
    }
}

/* A run's place in the start order: by cluster, then planned start, then index. */
typedef struct run_key {
    int cluster;
    int64_t start_s;
    size_t idx;
} run_key;

static int cmp_run_key(const void *a, const void *b)
{
    const run_key *x = a, *y = b;
    if (x->cluster != y->cluster)
        return (x->cluster > y->cluster) - (x->cluster < y->cluster);
    if (x->start_s != y->start_s)
        return (x->start_s > y->start_s) - (x->start_s < y->start_s);
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Earliest time >= want at which cluster c has `need` GPUs free, given the runs already placed
 * on it (order[0..k), with their effective starts and ends). */
static int64_t earliest_free(const gs_fleet *f, const gs_sim_result *r, const size_t *order,
                             size_t k, int cluster_gpus, int need, int64_t want)
{
    int64_t t = want;
    for (;;) {
        int busy = 0;
        int64_t next = INT64_MAX;
        for (size_t j = 0; j < k; j++) {
            size_t q = order[j];
            if (r->run_start_s[q] <= t && t < r->run_end_s[q]) {
                busy += f->runs[q].gpus;
                if (r->run_end_s[q] < next)
                    next = r->run_end_s[q];
            }
        }
        if (cluster_gpus - busy >= need || next == INT64_MAX)
            return t;
        t = next;
    }
}

static int simulate_training(const gs_fleet *f, const gs_sim_opts *o, grid *g, gs_sim_result *r,
                             gs_error *err)
{
    for (size_t c = 0; c < f->nclusters; c++) {
        const gs_cluster *cl = &f->clusters[c];
        if (cl->cls != GS_TRAINING)
            continue;
        add_range(g, (size_t)cl->site, g->from, g->to,
                  cl->gpus * gs_gpu_power_w(&f->gpus[cl->gpu], 0));
    }
    size_t max = 2 * o->noverrides + 4;
    gs_segment *seg = malloc(max * sizeof *seg);
    size_t *order = malloc((f->nruns ? f->nruns : 1) * sizeof *order);
    run_key *keys = malloc((f->nruns ? f->nruns : 1) * sizeof *keys);
    if (!seg || !order || !keys) {
        free(seg);
        free(order);
        free(keys);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    /* by cluster, then planned start: each run starts when its GPUs are free */
    for (size_t q = 0; q < f->nruns; q++)
        keys[q] = (run_key){f->runs[q].cluster, f->runs[q].start_s, q};
    qsort(keys, f->nruns, sizeof *keys, cmp_run_key);
    for (size_t q = 0; q < f->nruns; q++)
        order[q] = keys[q].idx;
    free(keys);
    int rc = GS_OK;
    size_t first = 0; /* first run of the current cluster in order[] */
    for (size_t k = 0; k < f->nruns; k++) {
        size_t q = order[k];
        const gs_run *run = &f->runs[q];
        const gs_cluster *cl = &f->clusters[run->cluster];
        if (k == 0 || run->cluster != f->runs[order[k - 1]].cluster)
            first = k;
        int64_t start = earliest_free(f, r, order + first, k - first, cl->gpus, run->gpus,
                                      run->start_s);
        double idle_w = gs_gpu_power_w(&f->gpus[cl->gpu], 0);
        int ns = gs_run_timeline_at(f, (int)q, start, o->overrides, o->noverrides, seg, max, err);
        if (ns < 0) {
            rc = ns;
            break;
        }
        r->run_start_s[q] = start;
        r->run_end_s[q] = ns > 0 ? seg[ns - 1].to_s : start;
        for (int i = 0; i < ns; i++) {
            add_range(g, (size_t)cl->site, seg[i].from_s, seg[i].to_s,
                      (seg[i].gpu_power_w - idle_w) * run->gpus);
            add_dips(g, (size_t)cl->site, run, &seg[i]);
        }
    }
    free(order);
    free(seg);
    return rc;
}

/* An inference cluster as the step loop sees it. */
typedef struct icl {
    int grp, service;
    double share;         /* its share of the group's GPUs, and so of the group's demand */
    double gpus, cap_rps, gpus_per_rps, floor_gpus;
    double idle_w;        /* per provisioned GPU */
    double w_per_rps;     /* energy per request with its server overhead, W per request/s */
    double *out;          /* the site's inference curve */
} icl;

static int month_of_days(int64_t z);

/* PUE of site s at UTC time t (constant, monthly by local month, or a series). */
static double site_pue(const gs_site *st, const gs_tz *tz, int64_t t, int64_t mid, size_t *hint)
{
    double pue = st->pue;
    if (st->pue_kind == GS_PUE_MONTHLY) {
        int64_t local = t + gs_tz_offset(tz, t, hint);
        int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
        pue = st->pue_monthly[month_of_days(day)];
    } else if (st->pue_kind == GS_PUE_SERIES) {
        double p = gs_series_at(st->pue_series, mid);
        pue = isnan(p) ? st->pue : p;
    }
    return pue >= 1.0 ? pue : 1.0;
}

static int simulate_inference(const gs_fleet *f, const gs_sim_tz *tz, const gs_sim_opts *o,
                              grid *g, gs_sim_result *r, gs_error *err)
{
    size_t nsv = f->nservices;
    if (nsv == 0)
        return GS_OK;
    int rc = GS_OK;
    gs_router *rt = NULL;
    size_t **hint = calloc(nsv, sizeof *hint);
    double **week = calloc(nsv, sizeof *week);
    double **dem = calloc(nsv, sizeof *dem);
    size_t ns = f->nsites ? f->nsites : 1;
    double *pue = malloc(ns * sizeof *pue);
    double *capmw = malloc(ns * sizeof *capmw);
    size_t *pue_hint = calloc(ns, sizeof *pue_hint);
    int *inf_site = calloc(ns, sizeof *inf_site); /* 1: the site has inference clusters */
    int *capped_site = calloc(ns, sizeof *capped_site); /* 1: some cap names the site */
    icl *ics = NULL;
    if (!hint || !week || !dem || !pue || !capmw || !pue_hint || !inf_site || !capped_site)
        goto out_nomem;
    if ((rc = gs_router_new(f, o->route, &rt, err)) < 0)
        goto out;
    for (size_t v = 0; v < nsv; v++) {
        const gs_service *sv = &f->services[v];
        hint[v] = calloc(sv->nregions ? sv->nregions : 1, sizeof **hint);
        week[v] = malloc((WEEK_S / SHAPE_SLOT_S) * sizeof **week);
        dem[v] = calloc(sv->nregions ? sv->nregions : 1, sizeof **dem);
        if (!hint[v] || !week[v] || !dem[v])
            goto out_nomem;
        for (int k = 0; k < WEEK_S / SHAPE_SLOT_S; k++)
            week[v][k] = gs_shape_factor(&sv->shape, (int64_t)k * SHAPE_SLOT_S + SHAPE_SLOT_S / 2);
        int serves = 0;
        for (size_t s = 0; s < f->nsites; s++)
            if (gs_router_group_of(rt, (int)v, (int)s) >= 0)
                serves = 1;
        for (size_t rg = 0; rg < sv->nregions; rg++) {
            const gs_region *re = &sv->regions[rg];
            if (!serves || (re->site >= 0 && gs_router_group_of(rt, (int)v, re->site) < 0)) {
                rc = gs_error_set(err, GS_EINPUT, f->path, 0, 0, "services.regions",
                                  "region '%s' of service '%s' has no site running the service "
                                  "to serve it",
                                  re->id, sv->id);
                goto out;
            }
        }
    }
    int any_cap = o->ncaps > 0;
    for (size_t c = 0; c < o->ncaps; c++)
        if (o->caps[c].site >= 0 && (size_t)o->caps[c].site < f->nsites)
            capped_site[o->caps[c].site] = 1;
    if (o->site_cap_mw)
        for (size_t s = 0; s < f->nsites; s++)
            if (o->site_cap_mw[s]) {
                capped_site[s] = 1;
                any_cap = 1;
            }

    /* the inference clusters, with what the step loop needs precomputed */
    size_t nic = 0;
    ics = malloc((f->nclusters ? f->nclusters : 1) * sizeof *ics);
    if (!ics)
        goto out_nomem;
    const gs_route_group *groups = gs_router_groups(rt);
    for (size_t c = 0; c < f->nclusters; c++) {
        const gs_cluster *cl = &f->clusters[c];
        if (cl->cls != GS_INFERENCE || cl->service < 0)
            continue;
        int k = gs_router_group_of(rt, cl->service, cl->site);
        const gs_service *sv = &f->services[cl->service];
        const gs_gpu *gp = &f->gpus[cl->gpu];
        inf_site[cl->site] = 1;
        /* server overhead grows with GPU activity in proportion */
        double dyn = gp->board_w - gp->idle_w;
        double ovh = dyn > 0 ? (gp->overhead_w - gp->overhead_idle_w) / dyn : 0;
        ics[nic++] = (icl){.grp = k,
                           .service = cl->service,
                           .share = cl->gpus / groups[k].gpus,
                           .gpus = cl->gpus,
                           .cap_rps = cl->gpus * sv->requests_per_s_per_gpu,
                           .gpus_per_rps = (1.0 + sv->headroom_frac) / sv->requests_per_s_per_gpu,
                           .floor_gpus = sv->floor_frac * cl->gpus,
                           .idle_w = gs_gpu_power_w(gp, 0),
                           .w_per_rps = sv->energy_per_request_j * (1.0 + ovh),
                           .out = cell(g, (size_t)cl->site, GS_INFERENCE)};
    }
    for (size_t s = 0; s < f->nsites; s++) {
        pue[s] = f->sites[s].pue >= 1.0 ? f->sites[s].pue : 1.0;
        capmw[s] = INFINITY;
    }

    int64_t epoch0 = g->from;
    const double year_s = 365.2425 * 86400.0;
    const double *grps = gs_router_group_rps(rt);
    for (size_t i = 0; i < g->n; i++) {
        int64_t t = g->from + (int64_t)i * g->step;
        int64_t mid = t + g->step / 2;
        for (size_t v = 0; v < nsv; v++) {
            const gs_service *sv = &f->services[v];
            int64_t ep = sv->growth_epoch_s ? sv->growth_epoch_s : epoch0;
            double growth = sv->shape.growth_per_year != 0
                                ? pow(1.0 + sv->shape.growth_per_year, (double)(mid - ep) / year_s)
                                : 1.0;
            double measured = sv->demand_rps ? gs_series_at(sv->demand_rps, mid) : NAN;
            for (size_t rg = 0; rg < sv->nregions; rg++) {
                const gs_region *re = &sv->regions[rg];
                double d;
                if (sv->demand_rps) {
                    d = isnan(measured) ? 0 : measured * re->share;
                } else {
                    int64_t local = mid + gs_tz_offset(&tz->region_tz[v][rg], mid, &hint[v][rg]);
                    int64_t w = local % WEEK_S;
                    if (w < 0)
                        w += WEEK_S;
                    d = sv->peak_requests_per_s * re->share * week[v][w / SHAPE_SLOT_S] * growth;
                }
                dem[v][rg] = d;
            }
        }
        for (size_t s = 0; s < f->nsites; s++)
            if (inf_site[s] && f->sites[s].pue_kind != GS_PUE_CONST)
                pue[s] = site_pue(&f->sites[s], &tz->site_tz[s], t, mid, &pue_hint[s]);
        if (any_cap) {
            for (size_t s = 0; s < f->nsites; s++) {
                if (!capped_site[s])
                    continue;
                double c = INFINITY;
                if (o->site_cap_mw && o->site_cap_mw[s]) {
                    double v = gs_series_at(o->site_cap_mw[s], mid);
                    if (!isnan(v) && v < c)
                        c = v;
                }
                capmw[s] = c;
            }
            for (size_t c = 0; c < o->ncaps; c++) {
                const gs_route_cap *cp = &o->caps[c];
                if (cp->site >= 0 && (size_t)cp->site < f->nsites && mid >= cp->from_s &&
                    mid < cp->to_s && cp->mw < capmw[cp->site])
                    capmw[cp->site] = cp->mw;
            }
        }
        gs_router_step(rt, mid, (const double *const *)dem, any_cap ? capmw : NULL, pue);
        if (o->on_route)
            o->on_route(o->route_ctx, rt, mid, (const double *const *)dem, capmw, pue);
        for (size_t v = 0; v < nsv; v++) {
            const double *un = gs_router_unserved(rt, (int)v);
            double u = 0;
            for (size_t rg = 0; rg < f->services[v].nregions; rg++)
                u += un[rg];
            r->unserved_requests[v] += u * (double)g->step;
        }
        for (size_t q = 0; q < nic; q++) {
            const icl *ic = &ics[q];
            double rps = grps[ic->grp] * ic->share;
            double served = rps < ic->cap_rps ? rps : ic->cap_rps;
            double prov = served * ic->gpus_per_rps;
            if (prov < ic->floor_gpus)
                prov = ic->floor_gpus;
            if (prov > ic->gpus)
                prov = ic->gpus;
            ic->out[i] += prov * ic->idle_w + served * ic->w_per_rps;
            r->served_requests[ic->service] += served * (double)g->step;
            r->unserved_requests[ic->service] += (rps - served) * (double)g->step;
        }
        if (o->progress && (i & 4095) == 0)
            o->progress(o->progress_ctx, 0.1 + 0.7 * (double)i / (double)g->n);
    }
    goto out;
out_nomem:
    rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
out:
    for (size_t v = 0; v < nsv; v++) {
        if (hint)
            free(hint[v]);
        if (week)
            free(week[v]);
        if (dem)
            free(dem[v]);
    }
    free(hint);
    free(week);
    free(dem);
    free(pue);
    free(capmw);
    free(pue_hint);
    free(inf_site);
    free(capped_site);
    free(ics);
    gs_router_free(rt);
    return rc;
}

/* Civil month (0..11) of a day count since 1970-01-01 (Howard Hinnant's algorithm). */
static int month_of_days(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    return (int)(mp < 10 ? mp + 2 : mp - 10);
}

/* Turn the W grid into MW at the grid connection: add the training ranges, apply PUE. */
static void finish_grid(const gs_fleet *f, const gs_sim_tz *tz, grid *g)
{
    for (size_t s = 0; s < f->nsites; s++) {
        const gs_site *st = &f->sites[s];
        double *tr = cell(g, s, GS_TRAINING);
        double *in = cell(g, s, GS_INFERENCE);
        const double *diff = g->diff + s * (g->n + 1);
        double run = 0;
        size_t hint = 0;
        for (size_t i = 0; i < g->n; i++) {
            run += diff[i];
            int64_t t = g->from + (int64_t)i * g->step;
            double pue = site_pue(st, &tz->site_tz[s], t, t + g->step / 2, &hint);
            tr[i] = (tr[i] + run) * pue * 1e-6;
            in[i] = in[i] * pue * 1e-6;
        }
    }
}

int gs_simulate(const gs_fleet *f, const gs_sim_tz *tz, const gs_sim_opts *opts,
                gs_sim_result **out, gs_error *err)
{
    *out = NULL;
    int64_t step = opts->step_s > 0 ? opts->step_s : 300;
    if (opts->to_s <= opts->from_s)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "to",
                            "the period is empty: 'to' must be after 'from'");
    if ((opts->to_s - opts->from_s) % step != 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "to",
                            "the period (%lld s) is not a whole number of %lld s steps",
                            (long long)(opts->to_s - opts->from_s), (long long)step);
    size_t n = (size_t)((opts->to_s - opts->from_s) / step);
    gs_sim_result *r = calloc(1, sizeof *r);
    grid g = {0};
    int rc = GS_OK;
    if (!r)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    r->start_s = opts->from_s;
    r->step_s = step;
    r->nsteps = n;
    r->nsites = f->nsites;
    r->nservices = f->nservices;
    size_t ns = f->nsites ? f->nsites : 1;
    r->mw = calloc(ns * GS_NCLASS * n, sizeof *r->mw);
    r->site_class = calloc(ns * GS_NCLASS, sizeof *r->site_class);
    r->site = calloc(ns, sizeof *r->site);
    r->served_requests = calloc(f->nservices ? f->nservices : 1, sizeof(double));
    r->unserved_requests = calloc(f->nservices ? f->nservices : 1, sizeof(double));
    r->nruns = f->nruns;
    r->overrides_applied = opts->noverrides;
    r->run_start_s = calloc(f->nruns ? f->nruns : 1, sizeof *r->run_start_s);
    r->run_end_s = calloc(f->nruns ? f->nruns : 1, sizeof *r->run_end_s);
    g.diff = calloc(ns * (n + 1), sizeof *g.diff);
    if (!r->mw || !r->site_class || !r->site || !r->served_requests || !r->unserved_requests ||
        !r->run_start_s || !r->run_end_s ||
        !g.diff) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL,
                          "out of memory for %zu sites x %zu steps", f->nsites, n);
        goto out_free;
    }
    g.mw = r->mw;
    g.n = n;
    g.from = opts->from_s;
    g.to = opts->to_s;
    g.step = step;
    if (opts->progress)
        opts->progress(opts->progress_ctx, 0.0);
    if ((rc = simulate_training(f, opts, &g, r, err)) < 0)
        goto out_free;
    if (opts->progress)
        opts->progress(opts->progress_ctx, 0.1);
    if ((rc = simulate_inference(f, tz, opts, &g, r, err)) < 0)
        goto out_free;
    finish_grid(f, tz, &g);
    if (opts->progress)
        opts->progress(opts->progress_ctx, 0.8);
    if ((rc = gs__sim_stats(f, tz, r, err)) < 0)
        goto out_free;
    if (opts->progress)
        opts->progress(opts->progress_ctx, 1.0);
    free(g.diff);
    *out = r;
    return GS_OK;
out_free:
    free(g.diff);
    gs_sim_result_free(r);
    return rc;
}
