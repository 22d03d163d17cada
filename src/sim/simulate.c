/* simulate.c: the simulation engine (include/gridsplit/sim.h). Power of every site by load
 * class over a period at a fixed step:
 * - training: every training cluster draws idle power over the whole period; each run adds its
 *   segments' power above idle x its GPUs over the steps it spans, each checkpoint dip
 *   subtracting its share of the step it falls in: O(steps x sites + the steps the runs span)
 *   time, sites x steps of memory. With detail each run is drawn into a scratch curve first
 *   and each cluster into another (its figures), then added to the site's: two curves more;
 * - inference: at every step, each region's demand follows the service's shape in the region's
 *   local time and is routed to sites (src/net/route.c: within the latency budget and the
 *   sites' capacity, grid caps included, at least cost; a pinned region stays on its site
 *   unless the site is capped); each site's clusters provision GPUs for what they serve (a
 *   floor plus headroom above demand) and draw idle power for provisioned GPUs plus energy per
 *   request served;
 * - PUE (constant, monthly in the site's local time, or a series) turns IT power into power at
 *   the grid connection. Statistics are computed in src/sim/stats.c; with gs_sim_opts.detail,
 *   the figures of every cluster, run and override here (energy, peak, cost, CO2, GPU-hours,
 *   pauses, caps, delays, what each override cut). */
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
    free(r->cluster);
    free(r->run);
    free(r->ovr);
    free(r);
}

/* The step grid of one run: the result's curves (W while accumulating) and the period. */
typedef struct grid {
    double *mw;    /* [site][class][step] */
    size_t n;
    int64_t from, to, step;
} grid;

static double *cell(grid *g, size_t site, gs_class c)
{
    return g->mw + (site * GS_NCLASS + (size_t)c) * g->n;
}

/* Add w watts over [a, b) to the curve v of the grid's steps: partial steps in proportion. */
static void add_range(const grid *g, double *v, int64_t a, int64_t b, double w)
{
    if (a < g->from)
        a = g->from;
    if (b > g->to)
        b = g->to;
    if (b <= a || w == 0)
        return;
    size_t i0 = (size_t)((a - g->from) / g->step);
    size_t i1 = (size_t)((b - 1 - g->from) / g->step); /* the last step touched */
    double inv = 1.0 / (double)g->step;
    if (i0 == i1) {
        v[i0] += w * (double)(b - a) * inv;
        return;
    }
    v[i0] += w * (double)(g->from + (int64_t)(i0 + 1) * g->step - a) * inv;
    for (size_t i = i0 + 1; i < i1; i++)
        v[i] += w;
    v[i1] += w * (double)(b - (g->from + (int64_t)i1 * g->step)) * inv;
}

/* Subtract the checkpoint dips of a running segment from v: dip k covers
 * [seg_from + k I - D, seg_from + k I), at (1 - power_frac) x running power. */
static void add_dips(const grid *g, double *v, const gs_run *run, const gs_segment *sg)
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
        double t = d_start;
        while (t < d_end) {
            size_t i = (size_t)((t - (double)g->from) / (double)g->step);
            if (i >= g->n)
                break;
            double step_end = (double)g->from + (double)(i + 1) * (double)g->step;
            double e = step_end < d_end ? step_end : d_end;
            v[i] += drop_w * (e - t) / (double)g->step;
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

/* ---- figures of clusters, runs and overrides (gs_sim_opts.detail) ----------------------- */

/* Sums of one curve at the grid connection, step by step. */
typedef struct acc {
    double mwh, peak, cost, e_p, tons, e_c;
} acc;

static void acc_step(acc *a, double mw, double h, const gs_zone *z, int64_t mid)
{
    double e = mw * h;
    a->mwh += e;
    if (mw > a->peak)
        a->peak = mw;
    if (z && z->price_usd_per_mwh) {
        double p = gs_series_at(z->price_usd_per_mwh, mid);
        if (!isnan(p)) {
            a->e_p += e;
            a->cost += e * p;
        }
    }
    if (z && z->carbon_g_per_kwh) {
        double c = gs_series_at(z->carbon_g_per_kwh, mid);
        if (!isnan(c)) {
            a->e_c += e;
            a->tons += e * c * 1e-3; /* MWh x g/kWh = kg; / 1000 = t */
        }
    }
}

/* Energy, peak, mean, cost and CO2 of out from a's sums over `hours` (gs_load_stats' rules:
 * cost and CO2 NaN without the series, coverage the share of the energy covered). */
static void acc_finish(const acc *a, double hours, const gs_zone *z, gs_part_stats *out)
{
    out->energy_mwh = a->mwh;
    out->peak_mw = a->peak;
    out->hours = hours;
    out->mean_mw = hours > 0 ? a->mwh / hours : NAN;
    out->energy_cost_usd = out->mean_price_usd_per_mwh = out->price_coverage = NAN;
    out->co2_t = out->carbon_coverage = NAN;
    if (z && z->price_usd_per_mwh) {
        out->energy_cost_usd = a->cost;
        out->mean_price_usd_per_mwh = a->e_p > 0 ? a->cost / a->e_p : NAN;
        out->price_coverage = a->mwh > 0 ? a->e_p / a->mwh : NAN;
    }
    if (z && z->carbon_g_per_kwh) {
        out->co2_t = a->tons;
        out->carbon_coverage = a->mwh > 0 ? a->e_c / a->mwh : NAN;
    }
}

static double site_pue(const gs_site *st, const gs_tz *tz, int64_t t, int64_t mid, size_t *hint);

/* Figures of the curve v (W of IT power) over steps [i0, i1) of site s. */
static void curve_figures(const gs_fleet *f, const gs_sim_tz *tz, const grid *g, size_t s,
                          const double *v, size_t i0, size_t i1, acc *a)
{
    const gs_site *st = &f->sites[s];
    const gs_zone *z = &f->zones[st->zone];
    double h = (double)g->step / 3600.0;
    size_t hint = 0;
    for (size_t i = i0; i < i1; i++) {
        int64_t t = g->from + (int64_t)i * g->step, mid = t + g->step / 2;
        double pue = site_pue(st, &tz->site_tz[s], t, mid, &hint);
        acc_step(a, v[i] * pue * 1e-6, h, z, mid);
    }
}

/* Seconds of [a, b) within [lo, hi). */
static int64_t overlap_s(int64_t a, int64_t b, int64_t lo, int64_t hi)
{
    int64_t x = a > lo ? a : lo, y = b < hi ? b : hi;
    return y > x ? y - x : 0;
}

/* Joules per GPU of a run's timeline seg[0..ns) over [a, b): each segment's power less its
 * checkpoint dips, and idle power outside the timeline (its GPUs idle in the cluster). */
static double seg_energy_j(const gs_run *run, const gs_segment *seg, int ns, double idle_w,
                           int64_t a, int64_t b)
{
    double e = 0;
    int64_t covered = 0;
    for (int k = 0; k < ns; k++) {
        int64_t lo = seg[k].from_s > a ? seg[k].from_s : a;
        int64_t hi = seg[k].to_s < b ? seg[k].to_s : b;
        if (hi <= lo)
            continue;
        e += seg[k].gpu_power_w * (double)(hi - lo);
        if (seg[k].dips)
            e -= (1.0 - run->ckpt_power_frac) * seg[k].gpu_power_w *
                 gs_ckpt_dip_time((double)(lo - seg[k].from_s), (double)(hi - seg[k].from_s),
                                  run->ckpt_interval_s, run->ckpt_duration_s);
        covered += hi - lo;
    }
    return e + idle_w * (double)((b - a) - covered);
}

/* A run's draw per GPU while running (as gs_run_timeline_at computes it), and whether override
 * o cuts it (a pause, an off, a cap below it). */
static double running_gpu_w(const gs_fleet *f, const gs_run *run)
{
    const gs_cluster *c = &f->clusters[run->cluster];
    double util = run->utilisation >= 0 ? run->utilisation : c->utilisation;
    return gs_gpu_power_w(&f->gpus[c->gpu], util);
}

static int override_cuts(const gs_fleet *f, const gs_run *run, const gs_override *o)
{
    if (o->kind != GS_OVR_CAP)
        return 1;
    const gs_cluster *c = &f->clusters[run->cluster];
    const gs_gpu *g = &f->gpus[c->gpu];
    double util = run->utilisation >= 0 ? run->utilisation : c->utilisation;
    double gpu_w = g->idle_w + util * (g->board_w - g->idle_w);
    double cap_w = (o->power_frac > 0 ? o->power_frac : o->cap_frac) * g->board_w;
    return cap_w < gpu_w;
}

/* The figures of run q (timeline seg[0..ns), started at start) and of its overrides: what
 * each cut against the run's timeline with none (base[0..nb)). */
static void run_figures(const gs_fleet *f, const gs_sim_tz *tz, const gs_sim_opts *o,
                        const grid *g, gs_sim_result *r, size_t q, const gs_segment *seg, int ns,
                        const gs_segment *base, int nb)
{
    const gs_run *run = &f->runs[q];
    const gs_cluster *cl = &f->clusters[run->cluster];
    const gs_site *st = &f->sites[cl->site];
    const gs_zone *z = &f->zones[st->zone];
    gs_part_stats *ps = &r->run[q];
    double run_w = running_gpu_w(f, run), idle_w = gs_gpu_power_w(&f->gpus[cl->gpu], 0);
    ps->delay_h = (double)(r->run_start_s[q] - run->start_s) / 3600.0;
    ps->runs = 1;
    for (int k = 0; k < ns; k++) {
        double h = (double)overlap_s(seg[k].from_s, seg[k].to_s, g->from, g->to) / 3600.0;
        if (seg[k].kind == GS_SEG_PAUSED || seg[k].kind == GS_SEG_OFF) {
            ps->paused_h += h;
            continue;
        }
        ps->gpu_hours += h * run->gpus;
        if (seg[k].kind == GS_SEG_CAPPED && seg[k].gpu_power_w < run_w * (1.0 - 1e-12))
            ps->capped_h += h;
    }
    int64_t end = r->run_end_s[q];
    for (size_t k = 0; k < o->noverrides; k++) {
        const gs_override *ov = &o->overrides[k];
        if (ov->run != (int)q)
            continue;
        gs_override_stats *os = &r->ovr[k];
        os->cuts = override_cuts(f, run, ov);
        os->applied = overlap_s(ov->from_s, ov->to_s, r->run_start_s[q], end) > 0;
        if (os->cuts && os->applied)
            ps->curtailments++;
        int64_t a = ov->from_s > g->from ? ov->from_s : g->from;
        int64_t b = ov->to_s < g->to ? ov->to_s : g->to;
        os->usd_saved = z->price_usd_per_mwh ? 0 : NAN;
        os->co2_t_avoided = z->carbon_g_per_kwh ? 0 : NAN;
        if (b <= a)
            continue;
        os->hours = (double)(b - a) / 3600.0;
        /* step by step: the cut at the step's PUE, price and carbon */
        size_t hint = 0;
        for (size_t i = (size_t)((a - g->from) / g->step); i < g->n; i++) {
            int64_t t = g->from + (int64_t)i * g->step, mid = t + g->step / 2;
            if (t >= b)
                break;
            int64_t u = a > t ? a : t, v = b < t + g->step ? b : t + g->step;
            double pue = site_pue(st, &tz->site_tz[cl->site], t, mid, &hint);
            double d = (seg_energy_j(run, base, nb, idle_w, u, v) -
                        seg_energy_j(run, seg, ns, idle_w, u, v)) *
                       run->gpus * pue / 3.6e9; /* W s -> MWh */
            os->mwh_cut += d;
            if (z->price_usd_per_mwh) {
                double p = gs_series_at(z->price_usd_per_mwh, mid);
                if (!isnan(p))
                    os->usd_saved += d * p;
            }
            if (z->carbon_g_per_kwh) {
                double c = gs_series_at(z->carbon_g_per_kwh, mid);
                if (!isnan(c))
                    os->co2_t_avoided += d * c * 1e-3;
            }
        }
        os->mw_cut = os->mwh_cut / os->hours;
    }
}

/* Training: every training cluster draws idle power over the whole period, and each of its
 * runs its GPUs' power (less the checkpoint dips) from its start to its end instead of their
 * idle power. Without detail a run goes straight into its site's curve; with detail it is drawn
 * into a scratch curve over the steps it spans (its figures), then added to its cluster's
 * scratch curve (the cluster's figures), then to the site's: memory stays sites x steps plus
 * two curves. */
static int simulate_training(const gs_fleet *f, const gs_sim_tz *tz, const gs_sim_opts *o,
                             grid *g, gs_sim_result *r, gs_error *err)
{
    int detail = r->cluster != NULL;
    size_t n = g->n;
    size_t max = 2 * o->noverrides + 4;
    gs_segment *seg = malloc(max * sizeof *seg);
    gs_segment *base = detail ? malloc(max * sizeof *base) : NULL;
    size_t *order = malloc((f->nruns ? f->nruns : 1) * sizeof *order);
    run_key *keys = malloc((f->nruns ? f->nruns : 1) * sizeof *keys);
    double *rv = detail ? malloc((n ? n : 1) * sizeof *rv) : NULL; /* one run's W */
    double *cv = detail ? malloc((n ? n : 1) * sizeof *cv) : NULL; /* one cluster's W */
    double *site_idle = calloc(f->nsites ? f->nsites : 1, sizeof *site_idle);
    int rc = GS_OK;
    if (!seg || !order || !keys || !site_idle || (detail && (!rv || !base || !cv))) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL,
                          "out of memory for the training curves (%zu steps)", n);
        goto out;
    }
    /* by cluster, then planned start: each run starts when its GPUs are free */
    for (size_t q = 0; q < f->nruns; q++)
        keys[q] = (run_key){f->runs[q].cluster, f->runs[q].start_s, q};
    qsort(keys, f->nruns, sizeof *keys, cmp_run_key);
    for (size_t q = 0; q < f->nruns; q++)
        order[q] = keys[q].idx;
    size_t k = 0;
    for (size_t c = 0; c < f->nclusters && rc >= 0; c++) {
        const gs_cluster *cl = &f->clusters[c];
        size_t first = k;
        while (k < f->nruns && f->runs[order[k]].cluster == (int)c)
            k++;
        if (cl->cls != GS_TRAINING && k == first)
            continue;
        int fig = detail && cl->cls == GS_TRAINING;
        double *tv = fig ? cv : cell(g, (size_t)cl->site, GS_TRAINING);
        double idle_w = gs_gpu_power_w(&f->gpus[cl->gpu], 0);
        double all_w = cl->gpus * idle_w;
        if (fig)
            for (size_t i = 0; i < n; i++)
                tv[i] = all_w;
        else
            site_idle[cl->site] += all_w; /* added once per site below */
        for (size_t j = first; j < k; j++) {
            size_t q = order[j];
            const gs_run *run = &f->runs[q];
            int64_t start = earliest_free(f, r, order + first, j - first, cl->gpus, run->gpus,
                                          run->start_s);
            int ns = gs_run_timeline_at(f, (int)q, start, o->overrides, o->noverrides, seg, max,
                                        err);
            if (ns < 0) {
                rc = ns;
                break;
            }
            int64_t end = ns > 0 ? seg[ns - 1].to_s : start;
            r->run_start_s[q] = start;
            r->run_end_s[q] = end;
            int64_t a = start > g->from ? start : g->from, b = end < g->to ? end : g->to;
            size_t i0 = 0, i1 = 0;
            if (!fig) {
                /* straight into the site's curve: its GPUs' power above idle */
                for (int i = 0; i < ns; i++) {
                    add_range(g, tv, seg[i].from_s, seg[i].to_s,
                              (seg[i].gpu_power_w - idle_w) * run->gpus);
                    add_dips(g, tv, run, &seg[i]);
                }
                continue;
            }
            if (b > a) {
                i0 = (size_t)((a - g->from) / g->step);
                i1 = (size_t)((b - g->from + g->step - 1) / g->step);
                memset(rv + i0, 0, (i1 - i0) * sizeof *rv);
                for (int i = 0; i < ns; i++) {
                    add_range(g, rv, seg[i].from_s, seg[i].to_s, seg[i].gpu_power_w * run->gpus);
                    add_dips(g, rv, run, &seg[i]);
                }
                /* its GPUs draw the run's power instead of their idle power */
                add_range(g, tv, start, end, -idle_w * run->gpus);
                for (size_t i = i0; i < i1; i++)
                    tv[i] += rv[i];
            }
            acc ra = {0};
            curve_figures(f, tz, g, (size_t)cl->site, rv, i0, i1, &ra);
            acc_finish(&ra, (double)overlap_s(start, end, g->from, g->to) / 3600.0,
                       &f->zones[f->sites[cl->site].zone], &r->run[q]);
            int nb = 0;
            for (size_t v = 0; v < o->noverrides && nb == 0; v++)
                if (o->overrides[v].run == (int)q)
                    nb = -1;
            if (nb < 0 &&
                (nb = gs_run_timeline_at(f, (int)q, start, NULL, 0, base, max, err)) < 0) {
                rc = nb;
                break;
            }
            run_figures(f, tz, o, g, r, q, seg, ns, base, nb);
        }
        if (!fig || rc < 0)
            continue;
        gs_part_stats *cs = &r->cluster[c];
        acc ca = {0};
        curve_figures(f, tz, g, (size_t)cl->site, cv, 0, n, &ca);
        acc_finish(&ca, (double)(g->to - g->from) / 3600.0, &f->zones[f->sites[cl->site].zone],
                   cs);
        for (size_t j = first; j < k; j++) {
            const gs_part_stats *rs = &r->run[order[j]];
            cs->gpu_hours += rs->gpu_hours;
            cs->paused_h += rs->paused_h;
            cs->capped_h += rs->capped_h;
            cs->delay_h += rs->delay_h;
            cs->curtailments += rs->curtailments;
            cs->runs += rs->hours > 0;
        }
        double *sv = cell(g, (size_t)cl->site, GS_TRAINING);
        for (size_t i = 0; i < n; i++)
            sv[i] += cv[i];
    }
    for (size_t st = 0; st < f->nsites && rc >= 0; st++)
        if (site_idle[st] != 0) {
            double *sv = cell(g, st, GS_TRAINING);
            for (size_t i = 0; i < n; i++)
                sv[i] += site_idle[st];
        }
out:
    free(site_idle);
    free(seg);
    free(base);
    free(order);
    free(keys);
    free(rv);
    free(cv);
    return rc;
}

/* An inference cluster as the step loop sees it. */
typedef struct icl {
    int grp, service, cluster, site;
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
    acc *ica = NULL; /* with detail: each inference cluster's sums */
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
    if (!ics || (r->cluster && !(ica = calloc(f->nclusters ? f->nclusters : 1, sizeof *ica))))
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
                           .cluster = (int)c,
                           .site = cl->site,
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
            double w = prov * ic->idle_w + served * ic->w_per_rps;
            ic->out[i] += w;
            r->served_requests[ic->service] += served * (double)g->step;
            r->unserved_requests[ic->service] += (rps - served) * (double)g->step;
            if (ica) {
                acc_step(&ica[q], w * pue[ic->site] * 1e-6, (double)g->step / 3600.0,
                         &f->zones[f->sites[ic->site].zone], mid);
                r->cluster[ic->cluster].gpu_hours += prov * (double)g->step / 3600.0;
            }
        }
        if (o->progress && (i & 4095) == 0)
            o->progress(o->progress_ctx, 0.1 + 0.7 * (double)i / (double)g->n);
    }
    for (size_t q = 0; ica && q < nic; q++)
        acc_finish(&ica[q], (double)(g->to - g->from) / 3600.0,
                   &f->zones[f->sites[ics[q].site].zone], &r->cluster[ics[q].cluster]);
    goto out;
out_nomem:
    rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
out:
    free(ica);
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

/* Turn the W grid into MW at the grid connection: apply PUE. */
static void finish_grid(const gs_fleet *f, const gs_sim_tz *tz, grid *g)
{
    for (size_t s = 0; s < f->nsites; s++) {
        const gs_site *st = &f->sites[s];
        double *tr = cell(g, s, GS_TRAINING);
        double *in = cell(g, s, GS_INFERENCE);
        size_t hint = 0;
        for (size_t i = 0; i < g->n; i++) {
            int64_t t = g->from + (int64_t)i * g->step;
            double pue = site_pue(st, &tz->site_tz[s], t, t + g->step / 2, &hint);
            tr[i] = tr[i] * pue * 1e-6;
            in[i] = in[i] * pue * 1e-6;
        }
    }
}

double gs_sim_memory_bytes(const gs_fleet *f, const gs_sim_opts *o)
{
    int64_t step = o->step_s > 0 ? o->step_s : 300;
    double n = o->to_s > o->from_s ? (double)((o->to_s - o->from_s) / step) : 0;
    double ns = f->nsites ? (double)f->nsites : 1;
    double days = n * (double)step / 86400.0 + 3;
    double result = 8.0 * ns * GS_NCLASS * n;
    /* drawing the training with detail: one run's curve and one cluster's */
    double drawing = o->detail ? 16.0 * n : 0;
    /* the statistics: the site total and the fleet's two classes, a top-1 % mask per zone, the
     * two curves that make one (values and sorted), the days of one curve */
    double stats = 8.0 * n * 3 + (double)f->nzones * n + 16.0 * n + 16.0 * days;
    double small = (double)f->nruns * (16 + 2 * sizeof(gs_part_stats)) +
                   (double)f->nclusters * (sizeof(gs_part_stats) + 64) +
                   (double)o->noverrides * (sizeof(gs_override_stats) + 4 * sizeof(gs_segment));
    return result + (drawing > stats ? drawing : stats) + small;
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
    int nomem = !r->mw || !r->site_class || !r->site || !r->served_requests ||
                !r->unserved_requests || !r->run_start_s || !r->run_end_s;
    if (opts->detail && !nomem) {
        r->nclusters = f->nclusters;
        r->noverrides = opts->noverrides;
        r->cluster = calloc(f->nclusters ? f->nclusters : 1, sizeof *r->cluster);
        r->run = calloc(f->nruns ? f->nruns : 1, sizeof *r->run);
        r->ovr = calloc(opts->noverrides ? opts->noverrides : 1, sizeof *r->ovr);
        nomem = !r->cluster || !r->run || !r->ovr;
    }
    if (nomem) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL,
                          "out of memory for %zu sites x %zu steps", f->nsites, n);
        goto out_free;
    }
    g.mw = r->mw;
    g.n = n;
    g.from = opts->from_s;
    g.to = opts->to_s;
    g.step = step;
    if (r->cluster) {
        /* every figure defined before the draw fills it (a cluster with no service, a run
         * outside the period: no energy) */
        acc none = {0};
        for (size_t c = 0; c < f->nclusters; c++)
            acc_finish(&none, (double)(g.to - g.from) / 3600.0,
                       &f->zones[f->sites[f->clusters[c].site].zone], &r->cluster[c]);
        for (size_t q = 0; q < f->nruns; q++)
            acc_finish(&none, 0, &f->zones[f->sites[f->clusters[f->runs[q].cluster].site].zone],
                       &r->run[q]);
    }
    if (opts->progress)
        opts->progress(opts->progress_ctx, 0.0);
    if ((rc = simulate_training(f, tz, opts, &g, r, err)) < 0)
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
    *out = r;
    return GS_OK;
out_free:
    gs_sim_result_free(r);
    return rc;
}
