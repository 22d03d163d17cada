/* backtest.c: the flex backtest engine (include/gridsplit/flexsim.h, docs/flex.md). Owns the
 * year-long loop of `gridsplit flex`: hourly offers of each training cluster stacked across
 * products (gs_stack_allocate), the events of the period (catalogue / file deployments, peak
 * intervals, price hours above the value of the progress lost) each planned by gs_plan_make on
 * the fleet's state at its decision time, the plans' overrides applied in one gs_simulate run
 * (MWh shed from the same load model as `simulate`), payments, penalties, per-job throughput,
 * and the two counterfactual mistakes. Pure: no I/O, clock or globals. Per-step work allocates
 * nothing: arrays are sized once per run (sites x steps, clusters x hours). */
#include "gridsplit/flexsim.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/flex.h"
#include "gridsplit/time.h"
#include "gridsplit/load.h"
#include "gridsplit/planjobs.h"
#include "gridsplit/tz.h"

void gs_flexsim_opts_default(gs_flexsim_opts *o)
{
    memset(o, 0, sizeof *o);
    o->step_s = 300;
    o->policy = GS_POLICY_PRICE;
    o->usd_per_request = 0.002;
    o->offer_share = 1.0;
    o->price_notice_s = 3600;
    o->screen_margin = 0.9;
    o->comparisons = 1;
}

void gs_flexsim_free(gs_flexsim_result *r)
{
    if (!r)
        return;
    free(r->rows);
    free(r->jobs);
    free(r->events);
    free(r->infer);
    free(r->mustrun);
    free(r->excl);
    free(r->curtailed_mw);
    free(r->reserved_mw);
    free(r->overrides);
    free(r);
}

/* ---- helpers ------------------------------------------------------------------------- */

static double site_pue_at(const gs_fleet *f, const gs_sim_tz *tz, int s, int64_t t)
{
    const gs_site *site = &f->sites[s];
    double pue = site->pue;
    if (site->pue_kind == GS_PUE_MONTHLY) {
        size_t hint = 0;
        int64_t local = t + gs_tz_offset(&tz->site_tz[s], t, &hint);
        int month = 1;
        gs_civil_from_utc(local, NULL, &month, NULL, NULL, NULL, NULL);
        pue = site->pue_monthly[month - 1];
    } else if (site->pue_kind == GS_PUE_SERIES && site->pue_series) {
        double v = gs_series_at(site->pue_series, t);
        if (isfinite(v))
            pue = v;
    }
    return pue >= 1.0 ? pue : 1.0;
}

static double run_util(const gs_fleet *f, const gs_run *r)
{
    return r->utilisation >= 0 ? r->utilisation : f->clusters[r->cluster].utilisation;
}

static int run_active(const gs_run *r, int64_t t)
{
    return r->start_s <= t && (double)(t - r->start_s) < r->length_s;
}

/* The planner's view of run i at time t, decided at now (run plans, slack carried over the run
 * and lost_day_s in the 24 h ending at the event's end): gridsplit/planjobs.h, as `plan` builds
 * it. */
static void make_job(const gs_fleet *f, const gs_sim_tz *tz, int i, int64_t t, int64_t now,
                     double slack_used, double lost_day_s, gs_plan_job *j)
{
    const gs_run *run = &f->runs[i];
    gs_plan_job_of_run(f, i, t, now, site_pue_at(f, tz, f->clusters[run->cluster].site, t),
                       slack_used, lost_day_s, j);
}

static double run_mw(const gs_fleet *f, const gs_sim_tz *tz, int i, int64_t t, double activity)
{
    const gs_run *run = &f->runs[i];
    const gs_cluster *c = &f->clusters[run->cluster];
    return run->gpus * gs_gpu_power_w(&f->gpus[c->gpu], activity) * site_pue_at(f, tz, c->site, t) * 1e-6;
}

static int is_reserve_like(const gs_product *p)
{
    return p->kind == GS_PK_RESERVE || p->kind == GS_PK_REGULATION || p->kind == GS_PK_EMERGENCY ||
           p->kind == GS_PK_CAPACITY;
}

/* product offered hour by hour for availability on cluster c, whatever its class */
static int offer_ok(const gs_fleet *f, const gs_flexsim_product *fp, int c)
{
    const gs_product *p = fp->p;
    const gs_cluster *cl = &f->clusters[c];
    if (!is_reserve_like(p))
        return 0;
    if (!gs_product_in_zone(p, f->zones[f->sites[cl->site].zone].id))
        return 0;
    return p->eligible[GS_TRAINING] == GS_ELIG_YES;
}


static int in_scope_site(const gs_fleet *f, const gs_event *ev, int site)
{
    switch (ev->scope) {
    case GS_SCOPE_FLEET: return 1;
    case GS_SCOPE_SITE: return ev->scope_index == site;
    case GS_SCOPE_ZONE: return f->sites[site].zone == ev->scope_index;
    }
    return 0;
}

/* Events in one scope must come one after another: sort by start (ties by input order) and
 * compare each event only with those that start before it ends, so n events that do not
 * overlap cost n log n, not n^2. The message names the later event in input order. */
typedef struct ev_at {
    int64_t start_s;
    size_t i;
} ev_at;

static int cmp_start(const void *a, const void *b)
{
    const ev_at *x = a, *y = b;
    if (x->start_s != y->start_s)
        return x->start_s < y->start_s ? -1 : 1;
    return x->i < y->i ? -1 : (x->i > y->i);
}

static int check_overlaps(const gs_fleet *f, const gs_flexsim_event *evs, size_t n, gs_error *err)
{
    if (n < 2)
        return GS_OK;
    ev_at *ix = malloc(n * sizeof *ix);
    if (!ix)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (size_t i = 0; i < n; i++)
        ix[i] = (ev_at){evs[i].ev.start_s, i};
    qsort(ix, n, sizeof *ix, cmp_start);
    int rc = GS_OK;
    for (size_t a = 0; a < n && rc == GS_OK; a++)
        for (size_t b = a + 1; b < n && ix[b].start_s < evs[ix[a].i].ev.end_s; b++) {
            size_t i = ix[a].i > ix[b].i ? ix[a].i : ix[b].i, k = ix[a].i > ix[b].i ? ix[b].i : ix[a].i;
            if (gs_events_scopes_meet(f, &evs[k].ev, &evs[i].ev)) {
                rc = gs_error_set(err, GS_EINPUT, evs[i].source, 0, 0, "start",
                                  "event '%s' overlaps event '%s' over the same sites: expected "
                                  "events in one scope one after another", evs[i].ev.id, evs[k].ev.id);
                break;
            }
        }
    free(ix);
    return rc;
}

static double price_at(const gs_flexsim_product *fp, int64_t t)
{
    return fp->price ? gs_series_at(fp->price, t) : NAN;
}

/* The price of product p in fleet zone z: a zone-priced energy product's is the zone's own
 * (opts zone_priced / zone_price, the fleet's zones[].price), any other product's its one price. */
static const gs_series *price_in(const gs_flexsim_product *prods, size_t p, const gs_flexsim_opts *o, int z)
{
    if (o->zone_priced && o->zone_priced[p])
        return o->zone_price && z >= 0 ? o->zone_price[z] : NULL;
    return prods[p].price;
}

/* Where each stage of a run ends, as a share of the whole: the two simulations take most of a
 * run (`GS_PROGRESS=1 gridsplit flex examples/real/fleet.yaml --step 1min --no-report` with
 * ../shared: the baseline about 45 %, the simulation with the plans about 30 %; the commitments
 * and the planning of the events most of the rest). */
#define PG_BASE 0.45
#define PG_COMMIT 0.52
#define PG_EVENTS 0.62
#define PG_FLEX 0.92
#define PG_AVAIL 0.95

/* Progress: the share done so far, and a stage [a, b) of the run that a simulation's own
 * progress (0..1) is mapped into. */
typedef struct stage {
    const gs_flexsim_opts *o;
    double a, b;
} stage;

static void progress_at(const gs_flexsim_opts *o, double done)
{
    if (o->progress)
        o->progress(o->progress_ctx, done);
}

static void stage_cb(void *ctx, double done)
{
    const stage *s = ctx;
    progress_at(s->o, s->a + (s->b - s->a) * done);
}

/* energy (W s per GPU) of a run's timeline over [a, b), checkpoint dips left out (the same on
 * both sides of a comparison) */
static double seg_energy(const gs_segment *seg, size_t n, int64_t a, int64_t b)
{
    double e = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t x = seg[i].from_s > a ? seg[i].from_s : a, y = seg[i].to_s < b ? seg[i].to_s : b;
        if (y > x)
            e += seg[i].gpu_power_w * (double)(y - x);
    }
    return e;
}

typedef struct evrun_t {
    size_t event;
    int run;
    int64_t from_s, to_s;
    int64_t event_end_s;   /* the event's end */
    double lost_s;         /* wall-clock the run lost to it (its tier's day and run windows) */
} evrun_t;

typedef struct eng {
    const gs_fleet *f;
    const gs_sim_tz *tz;
    const gs_flexsim_product *prods;
    size_t nprods;
    const gs_flexsim_opts *o;
    int64_t from, to, step;
    size_t nh, nsteps;
    double *share;          /* [run] share of its power the planner can cut within 10 min */
    double *commit;         /* [cluster * nh + h] MW committed to reserve-like products */
    double *opp;            /* [cluster * nh + h] highest availability price committed */
    double *realized;       /* [cluster * nh + h] MW curtailed for prices / peaks / file events */
    gs_offer *offers;       /* scratch, nprods + 1 */
    double *alloc;          /* scratch */
    int *oprod;             /* scratch: product index of each offer, -1 realized */
    gs_flexsim_row *m;      /* [cluster * (nprods + 1) + product + 1] */
    int *used;              /* same index: the row is relevant */
    gs_product realized_product; /* stands for curtailments already made (down) */
    int *crun;              /* runs grouped by cluster */
    size_t *crun_off;       /* [cluster .. cluster + 1) in crun */
    unsigned char *offer_ok;/* [cluster * nprods + product]: offered_by but for the class,
                               matched once (zone names compared at every hour were about a
                               third of `gridsplit underwrite examples/underwrite/deal.yaml`) */
} eng;

/* product p offered hour by hour for availability by class k on cluster c (the matrix filled
 * from offer_ok at the engine's start) */
static int offered_by(const eng *e, size_t p, int c, gs_class k)
{
    return e->f->clusters[c].cls == k && e->offer_ok[(size_t)c * e->nprods + p];
}

static gs_flexsim_row *row(eng *e, int c, int p)
{
    size_t k = (size_t)c * (e->nprods + 1) + (size_t)(p + 1);
    e->used[k] = 1;
    e->m[k].cluster = c;
    e->m[k].product = p;
    return &e->m[k];
}

/* Stack cluster c's offers in hour h: realized curtailments first, then reserve-like products
 * by price (highest first). Fills e->alloc / e->oprod; returns the number of offers, or <0. */
static int stack_hour(eng *e, int c, size_t h, gs_class cls, double down_mw, double up_mw,
                      double realized_mw, int count_excluded, gs_error *err)
{
    int64_t t = e->from + (int64_t)h * 3600 + 1800;
    size_t n = 0;
    if (realized_mw > 0) {
        e->offers[n] = (gs_offer){0, &e->realized_product, realized_mw, INT_MIN};
        e->oprod[n++] = -1;
    }
    for (size_t p = 0; p < e->nprods; p++) {
        if (!offered_by(e, p, c, cls))
            continue;
        double pr = price_at(&e->prods[p], t);
        if (!isfinite(pr)) {
            if (count_excluded && e->prods[p].price && down_mw > 0)
                row(e, c, (int)p)->excluded_h += 1;
            continue;
        }
        const gs_product *pp = e->prods[p].p;
        double mw = pp->direction == GS_DIR_UP ? up_mw : pp->direction == GS_DIR_BOTH ? fmin(up_mw, down_mw) : down_mw;
        e->offers[n] = (gs_offer){0, pp, mw > 0 ? mw : 0, 0};
        e->alloc[n] = gs_availability_payment(pp, 1.0, 1.0, pr); /* value of one MW-h */
        e->oprod[n++] = (int)p;
    }
    /* priority: by the value of one MW-h (per-day prices prorated), highest first; ties by the
     * catalogue's priority, then order */
    for (size_t q = 0; q < n; q++) {
        if (e->oprod[q] < 0)
            continue;
        int rank = 0;
        for (size_t k = 0; k < n; k++) {
            if (k == q || e->oprod[k] < 0)
                continue;
            double vk = e->alloc[k], vq = e->alloc[q];
            int pk = e->offers[k].product->priority, pq = e->offers[q].product->priority;
            if (vk > vq || (vk == vq && (pk < pq || (pk == pq && k < q))))
                rank++;
        }
        e->offers[q].priority = rank;
    }
    if (!n)
        return 0;
    gs_stack_room room = {down_mw > 0 ? down_mw : 0, up_mw > 0 ? up_mw : 0};
    /* realized curtailments may exceed the planner's 10-minute headroom (a pause decided an hour
     * ahead): the headroom is then what was actually cut */
    if (realized_mw > room.down_mw)
        room.down_mw = realized_mw;
    int rc = gs_stack_allocate(e->offers, n, &room, 1, e->alloc, err);
    if (rc < 0)
        return rc;
    return (int)n;
}

/* Cluster c's cuttable MW in hour h (share of each active run's power), and what it could add. */
static void cluster_room(eng *e, int c, size_t h, double *down, double *up)
{
    int64_t t = e->from + (int64_t)h * 3600 + 1800;
    *down = *up = 0;
    for (size_t k = e->crun_off[c]; k < e->crun_off[c + 1]; k++) {
        size_t i = (size_t)e->crun[k];
        const gs_run *r = &e->f->runs[i];
        if (!run_active(r, t))
            continue;
        double p = run_mw(e->f, e->tz, (int)i, t, run_util(e->f, r));
        *down += e->share[i] * p;
        *up += run_mw(e->f, e->tz, (int)i, t, 1.0) - p;
    }
    *down *= e->o->offer_share;
    *up *= e->o->offer_share;
}

static int add_excl(gs_flexsim_result *r, size_t *cap, int product, const char *why)
{
    if (r->nexcl == *cap) {
        size_t nc = *cap ? 2 * *cap : 8;
        gs_flexsim_exclusion *x = realloc(r->excl, nc * sizeof *x);
        if (!x)
            return GS_ENOMEM;
        r->excl = x;
        *cap = nc;
    }
    r->excl[r->nexcl].product = product;
    snprintf(r->excl[r->nexcl].why, sizeof r->excl[r->nexcl].why, "%s", why);
    r->nexcl++;
    return 0;
}

static int cmp_events(const void *a, const void *b)
{
    const gs_flexsim_event_out *x = a, *y = b;
    if (x->e.ev.start_s != y->e.ev.start_s)
        return x->e.ev.start_s < y->e.ev.start_s ? -1 : 1;
    return strcmp(x->e.ev.id, y->e.ev.id);
}

/* the peak product of the event's zone (4CP, 5CP), or -1 */
static int peak_product(eng *e, const gs_event *ev)
{
    for (size_t p = 0; p < e->nprods; p++) {
        const gs_product *pp = e->prods[p].p;
        if (pp->kind != GS_PK_PEAK)
            continue;
        for (size_t s = 0; s < e->f->nsites; s++)
            if (in_scope_site(e->f, ev, (int)s) &&
                gs_product_in_zone(pp, e->f->zones[e->f->sites[s].zone].id))
                return (int)p;
    }
    return -1;
}

static double peak_intervals(const gs_product *p)
{
    if (strstr(p->id, "4CP"))
        return 4;
    if (strstr(p->id, "5CP"))
        return 5;
    return 1;
}

/* ---- mistake (a): inference offered into reserves -------------------------------------- */

static int infer_deploy(eng *e, const gs_sim_result *base, gs_flexsim_infer *x, int p,
                        const gs_flexsim_event *fe, double committed, size_t *calls, gs_error *err)
{
    const gs_fleet *f = e->f;
    const gs_cluster *cl = &f->clusters[x->cluster];
    const gs_event *ev = &fe->ev;
    int64_t a = ev->start_s - (ev->start_s - e->from) % e->step;
    int64_t b = ev->end_s + (e->step - (ev->end_s - e->from) % e->step) % e->step;
    /* the planner, allowed to shed inference, on the inference jobs of the cluster's site */
    /* one step at the event start: power, requests and the routed round trips (a cap must keep
     * the server time within the budget the round trip leaves) */
    gs_plan_rtt rtt;
    int rc = gs_plan_rtt_init(&rtt, f, a, err);
    if (rc < 0)
        return rc;
    gs_sim_opts so = {0};
    so.from_s = a;
    so.to_s = a + e->step;
    so.step_s = e->step;
    so.route = e->o->route;
    so.on_route = gs_plan_rtt_on_route;
    so.route_ctx = &rtt;
    gs_sim_result *one = NULL;
    rc = gs_simulate(f, e->tz, &so, &one, err);
    double rtt_ms = cl->service >= 0 ? gs_plan_rtt_ms(&rtt, cl->service, cl->site) : NAN;
    gs_plan_rtt_free(&rtt);
    if (rc < 0)
        return rc;
    gs_plan_job jobs[64];
    size_t nj = 0;
    double site_gpus = 0, svc_gpus = 0;
    for (size_t k = 0; k < f->nclusters; k++) {
        if (f->clusters[k].cls != GS_INFERENCE)
            continue;
        if (f->clusters[k].site == cl->site)
            site_gpus += f->clusters[k].gpus;
        if (f->clusters[k].service == cl->service)
            svc_gpus += f->clusters[k].gpus;
    }
    /* NAN round trip (no request routed to the site then): no cap is offered, only shedding */
    gs_plan_job_of_inference(
        f, x->cluster,
        site_gpus > 0 ? gs_sim_mw(one, (size_t)cl->site, GS_INFERENCE, 0) * cl->gpus / site_gpus : 0,
        svc_gpus > 0 && cl->service >= 0
            ? one->served_requests[cl->service] / (double)e->step * cl->gpus / svc_gpus : 0,
        site_pue_at(f, e->tz, cl->site, ev->start_s), rtt_ms, &jobs[nj++]);
    double *site_mw = calloc(f->nsites ? f->nsites : 1, sizeof *site_mw);
    int *site_zone = calloc(f->nsites ? f->nsites : 1, sizeof *site_zone);
    if (!site_mw || !site_zone) {
        free(site_mw);
        free(site_zone);
        gs_sim_result_free(one);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t s = 0; s < f->nsites; s++) {
        site_mw[s] = gs_sim_mw(one, s, GS_TRAINING, 0) + gs_sim_mw(one, s, GS_INFERENCE, 0);
        site_zone[s] = f->sites[s].zone;
    }
    double site_inf = gs_sim_mw(one, (size_t)cl->site, GS_INFERENCE, 0);
    gs_sim_result_free(one);
    gs_plan_state st = {nj, jobs, f->nsites, site_mw, site_zone};
    gs_event dev = *ev;
    dev.kind = GS_PEV_RESERVE_DEPLOY;
    dev.scope = GS_SCOPE_SITE;
    dev.scope_index = cl->site;
    dev.mw = committed;
    dev.notice_s = 0;
    if (dev.ramp_s <= 0)
        dev.ramp_s = 600;
    gs_policy pol;
    gs_policy_default(GS_POLICY_RESERVE, &pol);
    pol.allow_inference_shed = 1;
    pol.usd_per_request = e->o->usd_per_request;
    pol.reserve_mw = committed;
    gs_plan plan;
    rc = gs_plan_make(&st, &dev, &pol, &plan, err);
    (*calls)++;
    free(site_mw);
    free(site_zone);
    if (rc < 0)
        return rc;
    double achieved = plan.achieved_mw;
    for (size_t k = 0; k < plan.nentries; k++)
        x->requests_lost_planned += plan.entries[k].lost_requests;
    gs_plan_free(&plan);
    /* the simulation with the site's inference capped: what the router could not serve */
    size_t n = (size_t)((b - a) / e->step);
    gs_series *cap = gs_series_new(a, e->step, n);
    const gs_series **caps = calloc(f->nsites, sizeof *caps);
    if (!cap || !caps) {
        gs_series_free(cap);
        free(caps);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        int64_t t = a + (int64_t)i * e->step;
        size_t bi = (size_t)((t - e->from) / e->step);
        double bmw = bi < base->nsteps ? gs_sim_mw(base, (size_t)cl->site, GS_INFERENCE, bi) : site_inf;
        cap->v[i] = (t + e->step > ev->start_s && t < ev->end_s) ? fmax(0, bmw - achieved) : NAN;
    }
    caps[cl->site] = cap;
    gs_sim_opts s1 = {0}, s2 = {0};
    s1.from_s = s2.from_s = a;
    s1.to_s = s2.to_s = b;
    s1.step_s = s2.step_s = e->step;
    s1.route = s2.route = e->o->route;
    s2.site_cap_mw = (const gs_series *const *)caps;
    gs_sim_result *r1 = NULL, *r2 = NULL;
    rc = gs_simulate(f, e->tz, &s1, &r1, err);
    if (rc >= 0)
        rc = gs_simulate(f, e->tz, &s2, &r2, err);
    if (rc >= 0 && cl->service >= 0) {
        double lost = r2->unserved_requests[cl->service] - r1->unserved_requests[cl->service];
        x->requests_lost += lost > 0 ? lost : 0;
    }
    gs_sim_result_free(r1);
    gs_sim_result_free(r2);
    gs_series_free(cap);
    free(caps);
    if (rc < 0)
        return rc;
    double hours = (double)(ev->end_s - ev->start_s) / 3600.0;
    x->deployments++;
    x->deployed_h += hours;
    double pr = price_at(&e->prods[p], ev->start_s);
    double pen = gs_shortfall_penalty(e->prods[p].p, committed, 0, hours, pr);
    if (isfinite(x->penalty_if_not_delivered_usd))
        x->penalty_if_not_delivered_usd = isfinite(pen) ? x->penalty_if_not_delivered_usd + pen : NAN;
    return 0;
}

static int mistake_a(eng *e, const gs_sim_result *base, const gs_flexsim_event *evs, size_t nevs,
                     gs_flexsim_result *res, size_t *calls, gs_error *err)
{
    const gs_fleet *f = e->f;
    size_t cap = 0;
    for (size_t c = 0; c < f->nclusters; c++)
        if (f->clusters[c].cls == GS_INFERENCE && f->clusters[c].service >= 0)
            for (size_t p = 0; p < e->nprods; p++)
                cap += offered_by(e, p, (int)c, GS_INFERENCE) && e->prods[p].p->direction == GS_DIR_DOWN;
    res->infer = calloc(cap ? cap : 1, sizeof *res->infer);
    if (!res->infer)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (size_t c = 0; c < f->nclusters; c++) {
        progress_at(e->o, PG_AVAIL + (1 - PG_AVAIL) * (double)c / (double)f->nclusters);
        const gs_cluster *cl = &f->clusters[c];
        if (cl->cls != GS_INFERENCE || cl->service < 0)
            continue;
        double site_gpus = 0;
        for (size_t k = 0; k < f->nclusters; k++)
            if (f->clusters[k].cls == GS_INFERENCE && f->clusters[k].site == cl->site)
                site_gpus += f->clusters[k].gpus;
        size_t first = res->ninfer;
        for (size_t p = 0; p < e->nprods; p++) {
            if (!offered_by(e, p, (int)c, GS_INFERENCE) || e->prods[p].p->direction != GS_DIR_DOWN)
                continue;
            gs_flexsim_infer *x = &res->infer[res->ninfer++];
            x->cluster = (int)c;
            x->product = (int)p;
            gs_error pe = {0};
            if (gs_product_check_class(e->prods[p].p, GS_INFERENCE, 0, &pe) < 0)
                snprintf(x->refused, sizeof x->refused, "%.500s", pe.message);
            x->availability_usd = e->prods[p].price ? 0 : NAN;
            x->penalty_if_not_delivered_usd = e->prods[p].price ? 0 : NAN;
        }
        if (res->ninfer == first)
            continue;
        /* hourly: the cluster's inference MW, stacked across its products by price */
        size_t per_h = e->nsteps / e->nh;
        for (size_t h = 0; h < e->nh; h++) {
            double mw = 0;
            for (size_t i = 0; i < per_h; i++)
                mw += gs_sim_mw(base, (size_t)cl->site, GS_INFERENCE, h * per_h + i);
            mw = site_gpus > 0 ? mw / (double)per_h * cl->gpus / site_gpus * e->o->offer_share : 0;
            int n = stack_hour(e, (int)c, h, GS_INFERENCE, mw, 0, 0, 0, err);
            if (n < 0)
                return n;
            int64_t t = e->from + (int64_t)h * 3600 + 1800;
            for (int q = 0; q < n; q++)
                for (size_t k = first; k < res->ninfer; k++)
                    if (res->infer[k].product == e->oprod[q]) {
                        gs_flexsim_infer *x = &res->infer[k];
                        x->offered_mw_h += e->alloc[q];
                        if (isfinite(x->availability_usd))
                            x->availability_usd += gs_availability_payment(e->prods[x->product].p, e->alloc[q], 1.0,
                                                                           price_at(&e->prods[x->product], t));
                    }
            /* deployments starting in this hour */
            for (size_t v = 0; v < nevs; v++) {
                const gs_flexsim_event *fe = &evs[v];
                if (fe->ev.kind != GS_PEV_RESERVE_DEPLOY || !in_scope_site(f, &fe->ev, cl->site))
                    continue;
                if (fe->ev.start_s < t - 1800 || fe->ev.start_s >= t + 1800)
                    continue;
                for (int q = 0; q < n; q++)
                    for (size_t k = first; k < res->ninfer; k++)
                        if (res->infer[k].product == e->oprod[q] && e->alloc[q] > 0) {
                            int rc = infer_deploy(e, base, &res->infer[k], e->oprod[q], fe, e->alloc[q], calls, err);
                            if (rc < 0)
                                return rc;
                        }
            }
        }
        for (size_t k = first; k < res->ninfer; k++) {
            gs_flexsim_infer *x = &res->infer[k];
            x->revenue_lost_usd = x->requests_lost * e->o->usd_per_request;
            x->net_usd = isfinite(x->availability_usd) ? x->availability_usd - x->revenue_lost_usd : NAN;
        }
    }
    return 0;
}

/* ---- the run ------------------------------------------------------------------------- */

int gs_flexsim_run(const gs_fleet *f, const gs_sim_tz *tz, const gs_flexsim_product *prods,
                   size_t nprods, const gs_flexsim_event *evs, size_t nevs,
                   const gs_flexsim_opts *opts, gs_flexsim_result **out, gs_error *err)
{
    gs_flexsim_opts od;
    if (!opts) {
        gs_flexsim_opts_default(&od);
        opts = &od;
    }
    *out = NULL;
    int64_t step = opts->step_s > 0 ? opts->step_s : 300;
    if (opts->to_s <= opts->from_s || (opts->to_s - opts->from_s) % 3600 || (opts->from_s % 3600) ||
        3600 % step)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "period",
                            "expected a period of whole UTC hours and a step dividing an hour, found "
                            "%lld s from %lld at a %lld s step",
                            (long long)(opts->to_s - opts->from_s), (long long)opts->from_s, (long long)step);
    if (!(opts->offer_share >= 0 && opts->offer_share <= 1))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "offer_share",
                            "expected a share in [0, 1], found %g", opts->offer_share);
    for (size_t i = 0; i < nevs; i++) {
        const gs_event *ev = &evs[i].ev;
        if (ev->start_s < opts->from_s || ev->end_s > opts->to_s || ev->end_s <= ev->start_s) {
            char a[24], b[24];
            gs_format_time(ev->start_s, a);
            gs_format_time(ev->end_s, b);
            return gs_error_set(err, GS_EINPUT, evs[i].source, 0, 0, "start",
                                "event '%s' (%s .. %s) is not inside the period: expected a window "
                                "within --from .. --to", ev->id, a, b);
        }
    }
    {
        int orc = check_overlaps(f, evs, nevs, err);
        if (orc < 0)
            return orc;
    }
    for (size_t p = 0; p < nprods; p++)
        if (prods[p].p->eligible[GS_TRAINING] == GS_ELIG_NO && prods[p].p->eligible[GS_INFERENCE] == GS_ELIG_NO)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "products",
                                "product %s is open to no load class", prods[p].p->id);

    eng E = {0};
    eng *e = &E;
    e->f = f;
    e->tz = tz;
    e->prods = prods;
    e->nprods = nprods;
    e->o = opts;
    e->from = opts->from_s;
    e->to = opts->to_s;
    e->step = step;
    e->nh = (size_t)((e->to - e->from) / 3600);
    e->nsteps = (size_t)((e->to - e->from) / step);
    e->realized_product.direction = GS_DIR_DOWN;
    snprintf(e->realized_product.id, sizeof e->realized_product.id, "curtailment");
    size_t nc = f->nclusters, nh = e->nh, nm = nc * (nprods + 1);
    gs_flexsim_result *res = calloc(1, sizeof *res);
    e->share = calloc(f->nruns + 1, sizeof *e->share);
    e->commit = calloc(nc * nh + 1, sizeof *e->commit);
    e->opp = calloc(nc * nh + 1, sizeof *e->opp);
    e->realized = calloc(nc * nh + 1, sizeof *e->realized);
    e->offers = calloc(nprods + 2, sizeof *e->offers);
    e->alloc = calloc(nprods + 2, sizeof *e->alloc);
    e->oprod = calloc(nprods + 2, sizeof *e->oprod);
    e->m = calloc(nm + 1, sizeof *e->m);
    e->used = calloc(nm + 1, sizeof *e->used);
    e->crun = calloc(f->nruns + 1, sizeof *e->crun);
    e->crun_off = calloc(nc + 2, sizeof *e->crun_off);
    e->offer_ok = calloc(nc * nprods + 1, sizeof *e->offer_ok);
    double *slack = calloc(f->nruns + 1, sizeof *slack);
    int64_t *busy = calloc(f->nruns + 1, sizeof *busy);
    double *screen = calloc(f->nzones + 1, sizeof *screen);
    gs_plan_job *jobs = calloc(f->nruns + 1, sizeof *jobs);
    double *site_mw = calloc(f->nsites + 1, sizeof *site_mw);
    int *site_zone = calloc(f->nsites + 1, sizeof *site_zone);
    gs_override *ovr = NULL;
    size_t novr = 0, ovr_cap = 0, ecap = 0, xcap = 0, calls = 0;
    gs_sim_result *base = NULL, *flex = NULL;
    double *evred = NULL; /* [event * nc] reduction by cluster */
    evrun_t *evrun = NULL; /* curtailed (event, run) pairs */
    size_t nevrun = 0, evrun_cap = 0;
    int64_t longest_s = 0; /* the longest event curtailed so far (the day-window scan's bound) */
    int rc = GS_OK;
    if (!res || !e->share || !e->commit || !e->opp || !e->realized || !e->offers || !e->alloc ||
        !e->oprod || !e->m || !e->used || !slack || !busy || !screen || !jobs || !site_mw || !site_zone) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }
    if (!e->crun || !e->crun_off || !e->offer_ok) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t c = 0; c < nc; c++)
        for (size_t p = 0; p < nprods; p++)
            e->offer_ok[c * nprods + p] = (unsigned char)offer_ok(f, &e->prods[p], (int)c);
    for (size_t i = 0; i < f->nruns; i++)
        e->crun_off[f->runs[i].cluster + 1]++;
    for (size_t c = 0; c < nc; c++)
        e->crun_off[c + 1] += e->crun_off[c];
    {
        size_t *fill = calloc(nc + 1, sizeof *fill);
        if (!fill) {
            rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < f->nruns; i++) {
            size_t c = (size_t)f->runs[i].cluster;
            e->crun[e->crun_off[c] + fill[c]++] = (int)i;
        }
        free(fill);
    }
    res->from_s = e->from;
    res->to_s = e->to;
    res->step_s = step;
    res->nhours = nh;
    res->nsites = f->nsites;
    for (size_t s = 0; s < f->nsites; s++)
        site_zone[s] = f->sites[s].zone;
    int mustrun = opts->policy == GS_POLICY_MUST_RUN;

    /* 1. baseline: the fleet as planned, no curtailment */
    progress_at(opts, 0);
    {
        gs_sim_opts so = {0};
        so.from_s = e->from;
        so.to_s = e->to;
        so.step_s = step;
        so.route = opts->route;
        stage sg = {opts, 0, PG_BASE};
        if (opts->progress) {
            so.progress = stage_cb;
            so.progress_ctx = &sg;
        }
        if ((rc = gs_simulate(f, tz, &so, &base, err)) < 0)
            goto done;
    }

    /* 2. per run: the share of its power the planner can cut within 10 minutes, and the lowest
     * value of lost progress per MWh any of its levers has (the price screen) */
    for (size_t z = 0; z < f->nzones; z++)
        screen[z] = INFINITY;
    for (size_t i = 0; i < f->nruns; i++) {
        const gs_run *r = &f->runs[i];
        int64_t mid = r->start_s + (int64_t)(r->length_s / 2);
        mid -= mid % 3600;
        gs_plan_job j;
        make_job(f, tz, (int)i, mid, mid - opts->price_notice_s, 0, 0, &j);
        gs_plan_state st = {1, &j, f->nsites, site_mw, site_zone};
        gs_event ev = {0};
        snprintf(ev.id, sizeof ev.id, "probe");
        ev.kind = GS_PEV_RESERVE_DEPLOY;
        ev.scope = GS_SCOPE_FLEET;
        ev.start_s = mid;
        ev.end_s = mid + 3600;
        ev.ramp_s = 600;
        ev.mw = j.power_mw;
        gs_policy pol;
        gs_policy_default(GS_POLICY_COMPLY, &pol);
        gs_plan_entry o[32];
        size_t n = gs_plan_job_options(&st, &ev, &pol, 0, o, 32);
        double best = 0;
        for (size_t k = 0; k < n && k < 32; k++)
            if (o[k].reduction_mw > best)
                best = o[k].reduction_mw;
        e->share[i] = j.power_mw > 0 ? best / j.power_mw : 0;
        /* price probe, decided an hour ahead */
        ev.kind = GS_PEV_PRICE;
        ev.notice_s = opts->price_notice_s;
        ev.ramp_s = 0;
        gs_policy_default(GS_POLICY_PRICE, &pol);
        n = gs_plan_job_options(&st, &ev, &pol, 0, o, 32);
        int z = f->sites[f->clusters[r->cluster].site].zone;
        for (size_t k = 0; k < n && k < 32; k++) {
            if (o[k].lever == GS_LEVER_RUN || !(o[k].reduction_mw > 0))
                continue;
            /* per MWh, the lever's progress lost while it holds (restarts only add to it) */
            double v = j.flex.gpus * j.flex.usd_per_gpu_hour * (1 - o[k].throughput) / o[k].reduction_mw;
            if (v < screen[z])
                screen[z] = v;
        }
    }
    res->screen_usd_per_mwh = INFINITY;
    for (size_t z = 0; z < f->nzones; z++) {
        screen[z] *= opts->screen_margin;
        if (screen[z] < res->screen_usd_per_mwh)
            res->screen_usd_per_mwh = screen[z];
    }

    /* 3. commitments hour by hour (pass 1: no realized curtailment yet) */
    if (!mustrun)
        for (size_t c = 0; c < nc; c++) {
            progress_at(opts, PG_BASE + (PG_COMMIT - PG_BASE) * (double)c / (double)nc);
            if (f->clusters[c].cls != GS_TRAINING)
                continue;
            for (size_t h = 0; h < nh; h++) {
                double down, up;
                cluster_room(e, (int)c, h, &down, &up);
                int n = stack_hour(e, (int)c, h, GS_TRAINING, down, up, 0, 0, err);
                if (n < 0) {
                    rc = n;
                    goto done;
                }
                int64_t t = e->from + (int64_t)h * 3600 + 1800;
                for (int q = 0; q < n; q++) {
                    if (e->alloc[q] <= 0)
                        continue;
                    const gs_product *pp = e->prods[e->oprod[q]].p;
                    if (pp->direction != GS_DIR_UP)
                        e->commit[c * nh + h] += e->alloc[q];
                    double v = gs_availability_payment(pp, 1.0, 1.0, price_at(&e->prods[e->oprod[q]], t));
                    if (v > e->opp[c * nh + h])
                        e->opp[c * nh + h] = v;
                }
            }
        }

    /* 4. the events: given ones, then price hours above the screen */
    res->events = calloc(nevs + 16, sizeof *res->events);
    ecap = nevs + 16;
    if (!res->events) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nevs; i++) {
        gs_flexsim_event_out *x = &res->events[res->nevents++];
        x->e = evs[i];
        x->product = -1;
        if (evs[i].ev.kind == GS_PEV_PEAK) {
            x->product = peak_product(e, &evs[i].ev);
            if (x->product < 0 || !prods[x->product].price) {
                snprintf(x->note, sizeof x->note, "%s%s", x->product < 0 ? "no peak product selected for this zone" :
                         "no rate for ", x->product < 0 ? "" : prods[x->product].p->id);
                if (x->product >= 0)
                    snprintf(x->note + strlen(x->note), sizeof x->note - strlen(x->note),
                             " (pass --price %s=USD_PER_KW_YEAR): not planned", prods[x->product].p->id);
            }
        }
    }
    if (!mustrun)
        for (size_t p = 0; p < nprods; p++) {
            const gs_product *pp = prods[p].p;
            if (pp->kind != GS_PK_ENERGY || !prods[p].price || pp->eligible[GS_TRAINING] != GS_ELIG_YES)
                continue;
            for (size_t z = 0; z < f->nzones; z++) {
                const gs_series *zp = price_in(prods, p, opts, (int)z);
                if (!zp || !gs_product_in_zone(pp, f->zones[z].id) || !isfinite(screen[z]))
                    continue;
                size_t h = 0;
                while (h < nh) {
                    int64_t t = e->from + (int64_t)h * 3600;
                    double pr = gs_series_at(zp, t + 1800);
                    double opp = 0;
                    for (size_t c = 0; c < nc; c++)
                        if (f->sites[f->clusters[c].site].zone == (int)z && e->opp[c * nh + h] > opp)
                            opp = e->opp[c * nh + h];
                    int ok = isfinite(pr) && pr - opp > screen[z] && t - opts->price_notice_s >= e->from;
                    for (size_t v = 0; ok && v < nevs; v++)
                        if (evs[v].ev.start_s < t + 3600 + 6 * 3600 && t - 6 * 3600 < evs[v].ev.end_s &&
                            (evs[v].ev.scope == GS_SCOPE_FLEET || (evs[v].ev.scope == GS_SCOPE_ZONE && evs[v].ev.scope_index == (int)z) ||
                             (evs[v].ev.scope == GS_SCOPE_SITE && f->sites[evs[v].ev.scope_index].zone == (int)z)))
                            ok = 0; /* a grid event within 6 h takes precedence */
                    if (!ok) {
                        h++;
                        continue;
                    }
                    size_t h0 = h;
                    double sum = 0;
                    while (h < nh) {
                        int64_t tt = e->from + (int64_t)h * 3600;
                        double q = gs_series_at(zp, tt + 1800), o2 = 0;
                        for (size_t c = 0; c < nc; c++)
                            if (f->sites[f->clusters[c].site].zone == (int)z && e->opp[c * nh + h] > o2)
                                o2 = e->opp[c * nh + h];
                        if (!(isfinite(q) && q - o2 > screen[z]))
                            break;
                        sum += q - o2;
                        h++;
                    }
                    res->price_hours_screened += h - h0;
                    if (res->nevents == ecap) {
                        size_t ncap = ecap * 2;
                        gs_flexsim_event_out *ne = realloc(res->events, ncap * sizeof *ne);
                        if (!ne) {
                            rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
                            goto done;
                        }
                        res->events = ne;
                        ecap = ncap;
                    }
                    gs_flexsim_event_out *x = &res->events[res->nevents++];
                    memset(x, 0, sizeof *x);
                    gs_event *ev = &x->e.ev;
                    char ts[24];
                    gs_format_time(t, ts);
                    snprintf(ev->id, sizeof ev->id, "price-%.40s-%.13s", f->zones[z].id, ts);
                    ev->kind = GS_PEV_PRICE;
                    ev->scope = GS_SCOPE_ZONE;
                    ev->scope_index = (int)z;
                    ev->start_s = t;
                    ev->end_s = e->from + (int64_t)h * 3600;
                    ev->notice_s = opts->price_notice_s;
                    ev->price_usd_per_mwh = sum / (double)(h - h0);
                    snprintf(x->e.origin, sizeof x->e.origin, "price");
                    snprintf(x->e.source, sizeof x->e.source, "%s", prods[p].label);
                    x->product = (int)p;
                }
            }
        }
    qsort(res->events, res->nevents, sizeof *res->events, cmp_events);
    evred = calloc(res->nevents * nc + 1, sizeof *evred);
    if (!evred) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }

    /* 5. plan every event on the fleet's state at its decision time */
    for (size_t v = 0; v < res->nevents; v++) {
        progress_at(opts, PG_COMMIT + (PG_EVENTS - PG_COMMIT) * (double)v / (double)res->nevents);
        gs_flexsim_event_out *x = &res->events[v];
        gs_event ev = x->e.ev;
        if (ev.kind == GS_PEV_PEAK && (x->product < 0 || !prods[x->product].price))
            continue;
        int64_t now = ev.start_s - ev.notice_s;
        size_t hi = (size_t)((ev.start_s - e->from) / 3600);
        gs_policy pol;
        gs_policy_default(mustrun ? GS_POLICY_MUST_RUN : GS_POLICY_COMPLY, &pol);
        pol.usd_per_request = opts->usd_per_request;
        if (!mustrun) {
            if (ev.kind == GS_PEV_PRICE) {
                gs_policy_default(GS_POLICY_PRICE, &pol);
            } else if (ev.kind == GS_PEV_PEAK) {
                gs_policy_default(GS_POLICY_CAPACITY, &pol);
                double rate = gs_series_at(prods[x->product].price, ev.start_s);
                pol.capacity_usd_per_mw = isfinite(rate) ? rate * 1000.0 / peak_intervals(prods[x->product].p) : 0;
            } else if (ev.kind == GS_PEV_RESERVE_DEPLOY) {
                gs_policy_default(GS_POLICY_RESERVE, &pol);
            }
        }
        if (ev.kind == GS_PEV_RESERVE_DEPLOY && !(ev.mw > 0)) {
            double committed = 0;
            for (size_t c = 0; c < nc; c++)
                if (f->clusters[c].cls == GS_TRAINING && in_scope_site(f, &ev, f->clusters[c].site))
                    committed += e->commit[c * nh + hi];
            ev.mw = committed;
            if (committed <= 0)
                snprintf(x->note, sizeof x->note, "nothing committed in scope: nothing to deploy");
        }
        if (ev.kind == GS_PEV_RESERVE_DEPLOY)
            pol.reserve_mw = ev.mw;
        size_t nj = 0;
        for (size_t i = 0; i < f->nruns; i++) {
            const gs_run *r = &f->runs[i];
            if (!run_active(r, ev.start_s) || busy[i] > now ||
                !in_scope_site(f, &ev, f->clusters[r->cluster].site))
                continue;
            /* lost in the 24 h ending at this event's end: the earlier curtailments of run i
             * whose event ended within them (scanning back from the latest) */
            double lost_day = 0;
            for (size_t k = nevrun; k-- > 0;) {
                if (evrun[k].event_end_s + longest_s <= ev.end_s - 86400)
                    break;
                if (evrun[k].run == (int)i && evrun[k].event_end_s > ev.end_s - 86400)
                    lost_day += evrun[k].lost_s;
            }
            make_job(f, tz, (int)i, ev.start_s, now, slack[i], lost_day, &jobs[nj++]);
        }
        size_t bi = (size_t)((ev.start_s - e->from) / step);
        for (size_t s = 0; s < f->nsites; s++)
            site_mw[s] = gs_sim_mw(base, s, GS_TRAINING, bi) + gs_sim_mw(base, s, GS_INFERENCE, bi);
        gs_plan_state st = {nj, jobs, f->nsites, site_mw, site_zone};
        gs_plan plan;
        if ((rc = gs_plan_make(&st, &ev, &pol, &plan, err)) < 0) {
            if (!err->file[0])
                snprintf(err->file, sizeof err->file, "%s", x->e.source);
            goto done;
        }
        calls++;
        x->target_mw = plan.target_mw;
        x->achieved_mw = plan.achieved_mw;
        x->shortfall_mw = plan.shortfall_mw;
        x->available_mw = plan.available_mw;
        x->cost_usd = plan.cost_usd;
        if (plan.note[0] && !x->note[0])
            snprintf(x->note, sizeof x->note, "%s", plan.note);
        int nlev[GS_NLEVER] = {0};
        double hours = (double)(ev.end_s - ev.start_s) / 3600.0;
        for (size_t k = 0; k < plan.nentries; k++) {
            const gs_plan_entry *pe = &plan.entries[k];
            if (pe->lever == GS_LEVER_RUN)
                continue;
            const gs_plan_job *j = &jobs[pe->job];
            nlev[pe->lever]++;
            x->jobs_curtailed++;
            slack[j->run] += pe->cost.lost_s;
            int64_t until = pe->to_s;
            for (size_t q = 0; q < plan.noverrides; q++)
                if (plan.overrides[q].run == j->run && plan.overrides[q].to_s > until)
                    until = plan.overrides[q].to_s;
            busy[j->run] = until + (int64_t)f->runs[j->run].restart_overhead_s + 3600;
            if (nevrun == evrun_cap) {
                size_t ncap = evrun_cap * 2 + 32;
                evrun_t *ne = realloc(evrun, ncap * sizeof *ne);
                if (!ne) {
                    gs_plan_free(&plan);
                    rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
                    goto done;
                }
                evrun = ne;
                evrun_cap = ncap;
            }
            evrun[nevrun++] = (evrun_t){v, j->run, pe->from_s < ev.start_s - ev.notice_s ? pe->from_s : ev.start_s - ev.notice_s,
                                        until + (int64_t)f->runs[j->run].restart_overhead_s,
                                        ev.end_s, pe->cost.lost_s};
            if (ev.end_s - ev.start_s > longest_s)
                longest_s = ev.end_s - ev.start_s;
            evred[v * nc + (size_t)j->cluster] += pe->reduction_mw;
            /* realized MW for stacking (deployments deliver the commitment itself) */
            if (ev.kind != GS_PEV_RESERVE_DEPLOY)
                for (int64_t t = pe->from_s - pe->from_s % 3600; t < pe->to_s; t += 3600) {
                    if (t < e->from || t >= e->to)
                        continue;
                    int64_t a = pe->from_s > t ? pe->from_s : t;
                    int64_t b = pe->to_s < t + 3600 ? pe->to_s : t + 3600;
                    e->realized[(size_t)j->cluster * nh + (size_t)((t - e->from) / 3600)] +=
                        pe->reduction_mw * (double)(b - a) / 3600.0;
                }
        }
        /* attribute cost / hours / events to rows */
        for (size_t c = 0; c < nc; c++) {
            double red = evred[v * nc + c];
            if (!(red > 0))
                continue;
            double cost = 0;
            for (size_t k = 0; k < plan.nentries; k++)
                if (plan.entries[k].lever != GS_LEVER_RUN && jobs[plan.entries[k].job].cluster == (int)c)
                    cost += plan.entries[k].cost.usd;
            if (ev.kind == GS_PEV_RESERVE_DEPLOY) {
                /* split over the products committed that hour, by MW */
                double down, up;
                cluster_room(e, (int)c, hi, &down, &up);
                int n = stack_hour(e, (int)c, hi, GS_TRAINING, down, up, 0, 0, err);
                if (n < 0) {
                    gs_plan_free(&plan);
                    rc = n;
                    goto done;
                }
                double tot = 0;
                for (int q = 0; q < n; q++)
                    if (e->oprod[q] >= 0 && prods[e->oprod[q]].p->direction != GS_DIR_UP)
                        tot += e->alloc[q];
                for (int q = 0; q < n; q++) {
                    if (e->oprod[q] < 0 || prods[e->oprod[q]].p->direction == GS_DIR_UP || !(e->alloc[q] > 0))
                        continue;
                    double w = e->alloc[q] / tot;
                    gs_flexsim_row *rw = row(e, (int)c, e->oprod[q]);
                    rw->curtailment_cost_usd += cost * w;
                    rw->hours_curtailed += hours;
                    rw->events++;
                    double delivered = x->target_mw > 0 ? e->alloc[q] * fmin(1, x->achieved_mw / x->target_mw) : 0;
                    double pen = gs_shortfall_penalty(prods[e->oprod[q]].p, e->alloc[q], delivered, hours,
                                                      price_at(&prods[e->oprod[q]], ev.start_s));
                    if (isfinite(pen)) {
                        rw->penalty_usd += pen;
                        x->penalty_usd += pen;
                    }
                    if (x->product < 0)
                        x->product = e->oprod[q];
                }
            } else {
                gs_flexsim_row *rw = row(e, (int)c, x->product);
                rw->curtailment_cost_usd += cost;
                rw->hours_curtailed += hours;
                rw->events++;
            }
        }
        {
            size_t len = 0;
            x->levers[0] = 0;
            for (int l = 1; l < GS_NLEVER; l++)
                if (nlev[l] && len + 40 < sizeof x->levers)
                    len += (size_t)snprintf(x->levers + len, sizeof x->levers - len, "%s%s x%d",
                                            len ? ", " : "", gs_lever_name((gs_lever)l), nlev[l]);
        }
        /* overrides for the simulation */
        if (plan.noverrides) {
            if (novr + plan.noverrides > ovr_cap) {
                size_t ncap = (novr + plan.noverrides) * 2 + 16;
                gs_override *no = realloc(ovr, ncap * sizeof *no);
                if (!no) {
                    gs_plan_free(&plan);
                    rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
                    goto done;
                }
                ovr = no;
                ovr_cap = ncap;
            }
            memcpy(ovr + novr, plan.overrides, plan.noverrides * sizeof *ovr);
            novr += plan.noverrides;
        }
        gs_plan_free(&plan);
    }
    res->planner_calls = calls;

    /* 6. the same load model with the plans applied */
    if (novr) {
        gs_sim_opts so = {0};
        so.from_s = e->from;
        so.to_s = e->to;
        so.step_s = step;
        so.route = opts->route;
        so.overrides = ovr;
        so.noverrides = novr;
        stage sg = {opts, PG_EVENTS, PG_FLEX};
        if (opts->progress) {
            so.progress = stage_cb;
            so.progress_ctx = &sg;
        }
        if ((rc = gs_simulate(f, tz, &so, &flex, err)) < 0)
            goto done;
    }
    progress_at(opts, PG_FLEX);
    res->base_training_mwh = base->fleet_class[GS_TRAINING].energy_mwh;
    res->flex_training_mwh = flex ? flex->fleet_class[GS_TRAINING].energy_mwh : res->base_training_mwh;
    res->curtailed_mw = calloc(f->nsites * nh + 1, sizeof *res->curtailed_mw);
    res->reserved_mw = calloc(f->nsites * nh + 1, sizeof *res->reserved_mw);
    if (!res->curtailed_mw || !res->reserved_mw) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }

    /* 7. MWh shed per event: each curtailed run's power from the load model's timeline
     * (gs_run_timeline, what gs_simulate draws for a run) with and without the overrides, over
     * the window from the earliest lever to the last override; energy payments at the product's
     * hourly price; avoided peak charges on the mean MW cut over the peak window */
    {
        size_t segcap = 2 * novr + 64;
        gs_segment *sb = malloc(segcap * sizeof *sb), *sf = malloc(segcap * sizeof *sf);
        if (!sb || !sf) {
            free(sb);
            free(sf);
            rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto done;
        }
        for (size_t q = 0; q < nevrun && rc >= 0; q++) {
            size_t v = evrun[q].event;
            int ri = evrun[q].run;
            gs_flexsim_event_out *x = &res->events[v];
            const gs_event *ev = &x->e.ev;
            const gs_run *run = &f->runs[ri];
            int cidx = run->cluster, sidx = f->clusters[cidx].site;
            int nb = gs_run_timeline(f, ri, NULL, 0, sb, segcap, err);
            int nf = nb >= 0 ? gs_run_timeline(f, ri, ovr, novr, sf, segcap, err) : nb;
            if (nb < 0 || nf < 0) {
                rc = nb < 0 ? nb : nf;
                break;
            }
            int64_t wa = evrun[q].from_s, wb = evrun[q].to_s;
            if (wa < e->from)
                wa = e->from;
            if (wb > e->to)
                wb = e->to;
            double scale = run->gpus * site_pue_at(f, tz, sidx, ev->start_s) / 3.6e9; /* W s -> MWh */
            double mwh = 0, usd = 0, peak_mwh = 0;
            for (int64_t t = wa - (wa - e->from) % 3600; t < wb; t += 3600) {
                int64_t ha = t > wa ? t : wa, hb = t + 3600 < wb ? t + 3600 : wb;
                double d = (seg_energy(sb, (size_t)nb, ha, hb) - seg_energy(sf, (size_t)nf, ha, hb)) * scale;
                mwh += d;
                res->curtailed_mw[(size_t)sidx * nh + (size_t)((t - e->from) / 3600)] += d;
                if (ev->kind == GS_PEV_PRICE && x->product >= 0) {
                    const gs_series *zp = price_in(prods, (size_t)x->product, opts, f->sites[sidx].zone);
                    double pr = zp ? gs_series_at(zp, t + 1800) : NAN;
                    if (isfinite(pr))
                        usd += d * pr;
                }
            }
            if (ev->kind == GS_PEV_PEAK)
                peak_mwh = (seg_energy(sb, (size_t)nb, ev->start_s, ev->end_s) -
                            seg_energy(sf, (size_t)nf, ev->start_s, ev->end_s)) * scale;
            x->mwh_shed += mwh;
            if (ev->kind == GS_PEV_RESERVE_DEPLOY) {
                /* to the products committed that hour, by MW, as the cost was */
                size_t hi = (size_t)((ev->start_s - e->from) / 3600);
                double down, up, tot = 0;
                cluster_room(e, cidx, hi, &down, &up);
                int n = stack_hour(e, cidx, hi, GS_TRAINING, down, up, 0, 0, err);
                if (n < 0) {
                    rc = n;
                    break;
                }
                for (int k = 0; k < n; k++)
                    if (e->oprod[k] >= 0 && prods[e->oprod[k]].p->direction != GS_DIR_UP)
                        tot += e->alloc[k];
                for (int k = 0; k < n && tot > 0; k++)
                    if (e->oprod[k] >= 0 && prods[e->oprod[k]].p->direction != GS_DIR_UP)
                        row(e, cidx, e->oprod[k])->mwh_shed += mwh * e->alloc[k] / tot;
            } else {
                gs_flexsim_row *rw = row(e, cidx, x->product);
                rw->mwh_shed += mwh;
                if (ev->kind == GS_PEV_PRICE) {
                    rw->energy_usd += usd;
                    x->value_usd += usd;
                } else if (ev->kind == GS_PEV_PEAK && x->product >= 0) {
                    double rate = gs_series_at(prods[x->product].price, ev->start_s);
                    double hours = (double)(ev->end_s - ev->start_s) / 3600.0;
                    double mw = hours > 0 ? peak_mwh / hours : 0;
                    double av = mw > 0 && isfinite(rate) ? mw * rate * 1000.0 / peak_intervals(prods[x->product].p) : 0;
                    rw->avoided_usd += av;
                    x->value_usd += av;
                }
            }
        }
        free(sb);
        free(sf);
        if (rc < 0)
            goto done;
    }

    /* 8. availability, hour by hour: realized curtailments take their MW first; the rest is sold
     * by price; the final set is checked (nothing sold twice) */
    if (!mustrun)
        for (size_t c = 0; c < nc; c++) {
            progress_at(opts, PG_FLEX + (PG_AVAIL - PG_FLEX) * (double)c / (double)nc);
            if (f->clusters[c].cls != GS_TRAINING)
                continue;
            size_t s = (size_t)f->clusters[c].site;
            for (size_t h = 0; h < nh; h++) {
                double down, up;
                cluster_room(e, (int)c, h, &down, &up);
                double real = e->realized[c * nh + h];
                int n = stack_hour(e, (int)c, h, GS_TRAINING, down, up, real, 1, err);
                if (n < 0) {
                    rc = n;
                    goto done;
                }
                if (n == 0)
                    continue;
                int64_t t = e->from + (int64_t)h * 3600 + 1800;
                for (int q = 0; q < n; q++) {
                    e->offers[q].mw = e->alloc[q];
                    if (e->oprod[q] < 0)
                        continue;
                    gs_flexsim_row *rw = row(e, (int)c, e->oprod[q]);
                    if (!(e->alloc[q] > 0))
                        continue;
                    rw->offered_mw_h += e->alloc[q];
                    rw->availability_usd += gs_availability_payment(prods[e->oprod[q]].p, e->alloc[q], 1.0,
                                                                    price_at(&prods[e->oprod[q]], t));
                    if (prods[e->oprod[q]].p->direction != GS_DIR_UP)
                        res->reserved_mw[s * nh + h] += e->alloc[q];
                }
                gs_stack_room room = {fmax(down, real), up};
                if ((rc = gs_stack_check(e->offers, (size_t)n, &room, 1, err)) < 0) {
                    rc = gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, "stacking",
                                      "internal: hour %zu of cluster %s oversold: %s", h, f->clusters[c].id,
                                      err->message);
                    goto done;
                }
            }
        }
    /* rows for every (training cluster, offered product) even when nothing happened */
    for (size_t c = 0; c < nc; c++)
        for (size_t p = 0; p < nprods; p++) {
            const gs_cluster *cl = &f->clusters[c];
            if (cl->cls == GS_TRAINING && prods[p].p->eligible[GS_TRAINING] == GS_ELIG_YES &&
                gs_product_in_zone(prods[p].p, f->zones[f->sites[cl->site].zone].id))
                row(e, (int)c, (int)p);
        }

    /* 9. jobs */
    res->jobs = calloc(f->nruns + 1, sizeof *res->jobs);
    if (!res->jobs) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < f->nruns; i++) {
        const gs_run *r = &f->runs[i];
        if (!(r->start_s < e->to && (double)r->start_s + r->length_s > (double)e->from))
            continue;
        gs_flexsim_job *jr = &res->jobs[res->njobs++];
        jr->run = (int)i;
        jr->tier_floor = r->tier;
        jr->slack_allowed_s = r->length_s * (1 / r->tier - 1);
        jr->slack_used_s = slack[i];
        jr->lost_gpu_h = slack[i] * r->gpus / 3600.0;
        jr->cost_usd = jr->lost_gpu_h * f->clusters[r->cluster].cost_usd_per_gpu_hour;
        jr->throughput_lost = r->length_s > 0 ? slack[i] / r->length_s : 0;
        jr->avg_throughput = r->length_s / (r->length_s + slack[i]);
    }
    /* events per job: count from evred is per cluster; count per run via slack changes is not
     * kept, so jobs[].events counts events whose window overlaps the run and curtailed its cluster */
    for (size_t k = 0; k < res->njobs; k++) {
        const gs_run *r = &f->runs[res->jobs[k].run];
        for (size_t v = 0; v < res->nevents; v++)
            if (evred[v * nc + (size_t)r->cluster] > 0 && run_active(r, res->events[v].e.ev.start_s))
                res->jobs[k].events++;
    }

    /* 10. rows: revenue and net */
    res->rows = calloc(nm + 1, sizeof *res->rows);
    if (!res->rows) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < nm; k++) {
        if (!e->used[k])
            continue;
        gs_flexsim_row *rw = &e->m[k];
        rw->revenue_usd = rw->availability_usd + rw->energy_usd + rw->avoided_usd;
        rw->net_usd = rw->revenue_usd - rw->curtailment_cost_usd - rw->penalty_usd;
        res->rows[res->nrows++] = *rw;
    }

    /* 11. exclusions */
    for (size_t p = 0; p < nprods; p++) {
        char why[384];
        if (!prods[p].price) {
            snprintf(why, sizeof why, "%s: %s", prods[p].p->id, prods[p].label[0] ? prods[p].label : "no price in the period");
            if ((rc = add_excl(res, &xcap, (int)p, why)) < 0)
                goto done;
        }
        double ex = 0;
        for (size_t c = 0; c < nc; c++)
            if (e->used[c * (nprods + 1) + p + 1])
                ex += e->m[c * (nprods + 1) + p + 1].excluded_h;
        for (size_t z = 0; prods[p].price && opts->zone_priced && opts->zone_priced[p] && z < f->nzones; z++) {
            int training = 0;
            for (size_t c = 0; c < nc && !training; c++)
                training = f->clusters[c].cls == GS_TRAINING && f->sites[f->clusters[c].site].zone == (int)z;
            if (!training || price_in(prods, p, opts, (int)z) || !gs_product_in_zone(prods[p].p, f->zones[z].id))
                continue;
            snprintf(why, sizeof why, "%s: zone %s has no price of its own (no price series for it in the "
                     "fleet): its hours are not priced", prods[p].p->id, f->zones[z].id);
            if ((rc = add_excl(res, &xcap, (int)p, why)) < 0)
                goto done;
        }
        if (prods[p].price && ex > 0) {
            snprintf(why, sizeof why, "%s: %.0f cluster-hours without a price were not offered (price gaps)",
                     prods[p].p->id, ex);
            if ((rc = add_excl(res, &xcap, (int)p, why)) < 0)
                goto done;
        }
    }
    for (size_t v = 0; v < res->nevents; v++)
        if (res->events[v].e.ev.kind == GS_PEV_PEAK && (res->events[v].product < 0 || !prods[res->events[v].product].price)) {
            char why[384];
            snprintf(why, sizeof why, "event %s: %s", res->events[v].e.ev.id, res->events[v].note);
            if ((rc = add_excl(res, &xcap, res->events[v].product, why)) < 0)
                goto done;
        }

    /* 12. the two mistakes */
    if (opts->comparisons && !mustrun) {
        res->mustrun = calloc(nc + 1, sizeof *res->mustrun);
        if (!res->mustrun) {
            rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto done;
        }
        for (size_t c = 0; c < nc; c++) {
            if (f->clusters[c].cls != GS_TRAINING)
                continue;
            gs_flexsim_mustrun *mr = &res->mustrun[res->nmustrun++];
            mr->cluster = (int)c;
            for (size_t k = 0; k < res->nrows; k++)
                if (res->rows[k].cluster == (int)c) {
                    mr->flexible_net_usd += res->rows[k].net_usd;
                    mr->flexible_revenue_usd += res->rows[k].revenue_usd;
                    mr->flexible_cost_usd += res->rows[k].curtailment_cost_usd + res->rows[k].penalty_usd;
                }
            /* must-run: the planner under must-run curtails nothing, earns nothing, costs nothing */
            mr->mustrun_net_usd = 0;
            mr->left_on_table_usd = mr->flexible_net_usd - mr->mustrun_net_usd;
            for (size_t v = 0; v < res->nevents; v++)
                if (evred[v * nc + c] > 0 && res->events[v].e.ev.kind == GS_PEV_RESERVE_DEPLOY)
                    mr->mustrun_shortfall_mw_h += evred[v * nc + c] *
                                                  (double)(res->events[v].e.ev.end_s - res->events[v].e.ev.start_s) / 3600.0;
        }
        if ((rc = mistake_a(e, base, evs, nevs, res, &calls, err)) < 0)
            goto done;
        res->planner_calls = calls;
    }
    progress_at(opts, 1);
    rc = GS_OK;
    /* hand the plans' overrides to the result: `simulate --policy` draws the same load */
    res->overrides = ovr;
    res->noverrides = novr;
    ovr = NULL;
done:
    gs_sim_result_free(base);
    gs_sim_result_free(flex);
    free(ovr);
    free(evred);
    free(evrun);
    free(e->share);
    free(e->commit);
    free(e->opp);
    free(e->realized);
    free(e->offers);
    free(e->alloc);
    free(e->oprod);
    free(e->m);
    free(e->used);
    free(e->crun);
    free(e->crun_off);
    free(e->offer_ok);
    free(slack);
    free(busy);
    free(screen);
    free(jobs);
    free(site_mw);
    free(site_zone);
    if (rc < 0) {
        gs_flexsim_free(res);
        return rc;
    }
    *out = res;
    return GS_OK;
}
