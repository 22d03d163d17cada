/* planner.c: THE planner (include/gridsplit/plan.h). For one event: list each in-scope job's
 * admissible options (lever, MW cut, cost), respecting notice, ramp and the job's tier; then
 *  - reduce events: least-cost cover of the target. Greedy by marginal cost per MW on each
 *    job's lower convex hull of (MW, cost), a repair pass that downgrades choices the target
 *    does not need, and an exhaustive search over the `exact_core` jobs nearest the greedy
 *    break point (all jobs when there are that few: then the plan is proved optimal);
 *  - price / peak events: each job independently takes its best net-value option.
 * The scope is a site, a zone or the fleet, and the event's load class (gs_event.cls: all
 * load, or only training / inference jobs). The event model is src/model/event.c.
 * Pure: allocates with malloc, no I/O, no clock, no globals; deterministic (ties by index). */
#include "gridsplit/plan.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXOPT 12

static const char *const policy_names[] = {"must-run", "comply", "price", "reserve", "capacity"};

const char *gs_policy_name(gs_policy_kind k)
{
    return (unsigned)k < 5 ? policy_names[k] : "?";
}

int gs_policy_parse(const char *name)
{
    for (int i = 0; i < 5; i++)
        if (name && strcmp(name, policy_names[i]) == 0)
            return i;
    return -1;
}

void gs_policy_default(gs_policy_kind k, gs_policy *p)
{
    memset(p, 0, sizeof *p);
    p->kind = k;
    p->usd_per_request = 0.002;
    p->requeue_overhead_s = 1800;
    p->shrink_frac = 0.5;
    p->cap_lead_s = 60;
    p->pause_lead_s = 300;
    p->deadline_penalty = 1;
    p->exact_core = 8;
}

typedef struct opt {
    gs_lever lever;
    int src;               /* what it came from (SRC_*: a cap point, a shed share, a lever) */
    double cut_mw, cost_usd;
    double cap_frac, thr;
    int64_t from_s;
    gs_flex_cost fc;
    double lost_requests;
} opt;

/* One job's options as job_options lists them (scratch: lives on the stack). */
typedef struct jobopts {
    int n;                 /* options; [0] is "run" */
    int only;              /* -1: list every option; else only the one from source only */
    opt o[MAXOPT];
} jobopts;

/* Sources of options: cap points and shed shares are 0.., the other levers these. */
enum { SRC_CKPT = GS_CAPCURVE_MAX, SRC_NOW, SRC_REQUEUE, SRC_SHRINK };

/* What the search needs of one kept option: 16 bytes, in one pool for all jobs. */
typedef struct cand {
    double cut_mw, cost_usd;
} cand;

/* One in-scope job as the search sees it: its kept (undominated) options sorted by cut are
 * pool[first .. first + n), [0] "run"; tag[k] is option k's source (the chosen one is
 * listed again, alone, for the plan's entry); hull[] the lower convex hull. */
typedef struct jobsol {
    int job;
    int first;
    unsigned char n, nhull;
    unsigned char tag[MAXOPT];
    unsigned char hull[MAXOPT];
} jobsol;

/* The "run" option of every job (the memset zeroes its padding: entries compare bytewise). */
static void run_opt(const gs_event *ev, opt *o)
{
    memset(o, 0, sizeof *o);
    o->lever = GS_LEVER_RUN;
    o->thr = 1;
    o->from_s = ev->start_s;
    o->fc.avg_throughput = 1;
    o->fc.tier_ok = 1;
}

/* A job is in scope when it is at the event's site / zone / fleet and of its load class. */
static int in_scope(const gs_plan_state *st, const gs_event *ev, const gs_plan_job *j)
{
    if (!gs_event_covers_class(ev, j->cls))
        return 0;
    switch (ev->scope) {
    case GS_SCOPE_FLEET: return 1;
    case GS_SCOPE_SITE: return j->site == ev->scope_index;
    case GS_SCOPE_ZONE: return j->zone == ev->scope_index;
    }
    return 0;
}

static double train_mw(const gs_plan_job *j, double activity)
{
    return j->flex.gpus * gs_gpu_power_w(j->gpu, activity) * j->pue * 1e-6;
}

static void add_opt(jobopts *jo, const gs_plan_job *j, int src, gs_lever lever, double mw_after,
                    double lost_s, double cap, double thr, int64_t from, const gs_policy *pol)
{
    if (jo->n >= MAXOPT)
        return;
    opt *o = &jo->o[jo->n];
    memset(o, 0, sizeof *o);
    o->lever = lever;
    o->src = src;
    o->cut_mw = j->power_mw - mw_after;
    if (!(o->cut_mw > 1e-12))
        return;
    gs_flex_price(&j->flex, lost_s, pol->deadline_penalty, &o->fc);
    if (!o->fc.tier_ok)
        return;
    o->cost_usd = o->fc.usd;
    o->cap_frac = cap;
    o->thr = thr;
    o->from_s = from;
    jo->n++;
}

#define WANT(jo, s) ((jo)->only < 0 || (jo)->only == (s))

/* The admissible options of job j for event ev; only < 0: all of them, "run" first; else
 * "run" and the one from source only (to list a chosen option again, as it was). */
static void job_options(const gs_plan_state *st, const gs_event *ev, const gs_policy *pol,
                        int ji, int only, jobopts *jo)
{
    const gs_plan_job *j = &st->jobs[ji];
    run_opt(ev, &jo->o[0]);
    jo->n = 1; /* run */
    jo->only = only;
    double dur = (double)(ev->end_s - ev->start_s);
    int64_t now = ev->start_s - (ev->notice_s > 0 ? ev->notice_s : 0);
    int64_t ready = ev->start_s + (ev->ramp_s > 0 ? ev->ramp_s : 0); /* target applies from */
    if (j->cls == GS_INFERENCE) {
        if (!pol->allow_inference_shed || !(j->power_mw > 0))
            return;
        static const double fr[] = {0.25, 0.5, 1.0};
        for (int k = 0; k < 3 && jo->n < MAXOPT; k++) {
            if (!WANT(jo, k))
                continue;
            opt *o = &jo->o[jo->n];
            memset(o, 0, sizeof *o);
            o->lever = GS_LEVER_SHED;
            o->src = k;
            o->cut_mw = fr[k] * j->power_mw;
            o->lost_requests = fr[k] * j->requests_per_s * dur;
            o->cost_usd = o->lost_requests * pol->usd_per_request;
            o->fc.usd = o->cost_usd;
            o->fc.avg_throughput = 1 - fr[k];
            o->fc.tier_ok = 1;
            o->thr = 1 - fr[k];
            o->from_s = ev->start_s;
            jo->n++;
        }
        return;
    }
    if (!j->gpu || !(j->flex.gpus > 0) || j->flex.tier >= 1)
        return; /* must-run jobs have no lever */
    const gs_gpu *g = j->gpu;
    double util = j->utilisation;
    double run_gpu_w = g->idle_w + util * (g->board_w - g->idle_w);
    /* power caps: need cap_lead_s before the target applies */
    if (j->curve && now + pol->cap_lead_s <= ready) {
        for (size_t k = 0; k + 1 < j->curve->n; k++) {
            if (!WANT(jo, (int)k))
                continue;
            double cap = j->curve->cap_frac[k];
            double cap_w = cap * g->board_w;
            if (cap_w >= run_gpu_w)
                continue;
            double a = g->board_w > g->idle_w ? (cap_w - g->idle_w) / (g->board_w - g->idle_w) : 0;
            if (a < 0)
                a = 0;
            double thr = gs_capcurve_throughput(j->curve, cap);
            double lost = gs_flex_lost_s(&j->flex, GS_LEVER_CAP, dur, -1, thr, 0);
            add_opt(jo, j, (int)k, GS_LEVER_CAP, train_mw(j, a), lost, cap, thr, ev->start_s, pol);
        }
    }
    double idle_mw = train_mw(j, 0);
    int ckpt_ok = j->next_ckpt_s >= 0 && (double)now <= j->next_ckpt_s &&
                  j->next_ckpt_s <= (double)ev->start_s;
    double early = ckpt_ok ? (double)ev->start_s - j->next_ckpt_s : -1;
    int64_t ckpt_t = ckpt_ok ? (int64_t)j->next_ckpt_s : ev->start_s;
    if (ckpt_ok && WANT(jo, SRC_CKPT)) {
        double lost = gs_flex_lost_s(&j->flex, GS_LEVER_PAUSE_CKPT, dur, early, 0, 0);
        add_opt(jo, j, SRC_CKPT, GS_LEVER_PAUSE_CKPT, idle_mw, lost, 0, 0, ckpt_t, pol);
    }
    if (now + pol->pause_lead_s <= ready && WANT(jo, SRC_NOW)) {
        double lost = gs_flex_lost_s(&j->flex, GS_LEVER_PAUSE_NOW, dur, -1, 0, 0);
        add_opt(jo, j, SRC_NOW, GS_LEVER_PAUSE_NOW, idle_mw, lost, 0, 0, ev->start_s, pol);
    }
    if ((ckpt_ok || now + pol->pause_lead_s <= ready) && WANT(jo, SRC_REQUEUE)) {
        double lost = gs_flex_lost_s(&j->flex, GS_LEVER_REQUEUE, dur, early, 0,
                                     pol->requeue_overhead_s);
        add_opt(jo, j, SRC_REQUEUE, GS_LEVER_REQUEUE, 0, lost, 0, 0, ckpt_t, pol);
    }
    double k = pol->shrink_frac;
    if (k > 0 && k < 1 && now + pol->pause_lead_s <= ready && WANT(jo, SRC_SHRINK)) {
        double lost = gs_flex_lost_s(&j->flex, GS_LEVER_SHRINK, dur, -1, k, 0);
        double a = k * util;
        double cap = g->board_w > 0 ? (g->idle_w + a * (g->board_w - g->idle_w)) / g->board_w : 1;
        add_opt(jo, j, SRC_SHRINK, GS_LEVER_SHRINK, train_mw(j, a), lost, cap, k, ev->start_s, pol);
    }
}

/* Order of options by cut, then cost, then lever. */
static int opt_less(const opt *x, const opt *y)
{
    if (x->cut_mw != y->cut_mw)
        return x->cut_mw < y->cut_mw;
    if (x->cost_usd != y->cost_usd)
        return x->cost_usd < y->cost_usd;
    return (int)x->lever < (int)y->lever;
}

/* Keep the options of jo that are not dominated (a bigger cut for no more money), sorted by
 * cut, in pool[js->first ..], and their lower convex hull from the origin ("run"). Option i is
 * dominated by k != i when k cuts at least as much for no more money and strictly so, or
 * equally and k comes first. */
static void prune_and_hull(const jobopts *jo, jobsol *js, cand *pool)
{
    int n = jo->n;
    int idx[MAXOPT];
    idx[0] = 0; /* "run" stays first */
    for (int i = 1; i < n; i++) { /* stable insertion sort of the rest */
        int v = i, p = i;
        while (p > 1 && opt_less(&jo->o[v], &jo->o[idx[p - 1]])) {
            idx[p] = idx[p - 1];
            p--;
        }
        idx[p] = v;
    }
    /* In that order an option can only be dominated by "run", by an equal cut before it (then
     * at no more cost), or by a strictly bigger cut at no more cost: one pass from the right
     * with the least cost of the strictly bigger cuts. */
    char dom[MAXOPT];
    const opt *o0 = &jo->o[0];
    double minw = 0;
    int have = 0;
    for (int p = n - 1; p >= 1;) {
        double c = jo->o[idx[p]].cut_mw;
        int q = p;
        while (q > 1 && jo->o[idx[q - 1]].cut_mw == c)
            q--;
        for (int r = q; r <= p; r++) {
            const opt *b = &jo->o[idx[r]];
            dom[r] = r > q || (have && minw <= b->cost_usd) ||
                     (o0->cut_mw >= b->cut_mw && o0->cost_usd <= b->cost_usd);
        }
        for (int r = q; r <= p; r++) {
            double w = jo->o[idx[r]].cost_usd;
            if (!have || w < minw)
                minw = w;
            have = 1;
        }
        p = q - 1;
    }
    cand *kc = pool + js->first;
    int nk = 0;
    for (int p = 0; p < n; p++)
        if (p == 0 || !dom[p]) {
            kc[nk] = (cand){jo->o[idx[p]].cut_mw, jo->o[idx[p]].cost_usd};
            js->tag[nk++] = (unsigned char)jo->o[idx[p]].src;
        }
    js->n = (unsigned char)nk;
    /* lower convex hull from the origin (option 0) */
    int nh = 0;
    for (int i = 0; i < nk; i++) {
        while (nh >= 2) {
            const cand *p = &kc[js->hull[nh - 2]], *q = &kc[js->hull[nh - 1]];
            const cand *r = &kc[i];
            double cross = (q->cut_mw - p->cut_mw) * (r->cost_usd - p->cost_usd) -
                           (q->cost_usd - p->cost_usd) * (r->cut_mw - p->cut_mw);
            if (cross <= 0)
                nh--;
            else
                break;
        }
        js->hull[nh++] = (unsigned char)i;
    }
    js->nhull = (unsigned char)nh;
}

/* One hull step of one job; the greedy takes them by (slope, jo, h). key: the slope as an
 * unsigned integer of the same order (-0 as +0), so that a stable radix sort of the steps,
 * generated in (jo, h) order, gives that order without comparisons. */
typedef struct step {
    uint64_t key;
    int jo, h;          /* jobsol index, hull position reached */
} step;

static uint64_t slope_key(double slope)
{
    if (slope == 0)
        slope = 0; /* -0 compares equal to +0 */
    uint64_t u;
    memcpy(&u, &slope, sizeof u);
    return (u >> 63) ? ~u : u | (1ULL << 63);
}

#define RADIX_BITS 11
#define RADIX_N (1 << RADIX_BITS)
#define RADIX_PASSES 3 /* the key's top 32 bits: 11 + 11 + 10 */

/* Stable sort of a[0..n) by key; tmp: n more steps, cnt: RADIX_PASSES x RADIX_N counters.
 * An LSD radix sort on the keys' top 32 bits (digits all steps share are skipped), then a
 * stable insertion sort of the runs equal there (rare: slopes within a few parts per
 * million). Returns a or tmp, whichever holds the result. */
static step *sort_steps(step *a, step *tmp, size_t n, size_t *cnt)
{
    memset(cnt, 0, (size_t)RADIX_PASSES * RADIX_N * sizeof *cnt);
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < RADIX_PASSES; d++)
            cnt[(size_t)d * RADIX_N + ((a[i].key >> (32 + d * RADIX_BITS)) & (RADIX_N - 1))]++;
    step *src = a, *dst = tmp;
    for (int d = 0; d < RADIX_PASSES; d++) {
        size_t *c = cnt + (size_t)d * RADIX_N;
        int shift = 32 + d * RADIX_BITS;
        if (n == 0 || c[(src[0].key >> shift) & (RADIX_N - 1)] == n)
            continue;
        size_t sum = 0;
        for (int b = 0; b < RADIX_N; b++) {
            size_t t = c[b];
            c[b] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++)
            dst[c[(src[i].key >> shift) & (RADIX_N - 1)]++] = src[i];
        step *t = src;
        src = dst;
        dst = t;
    }
    for (size_t i = 1; i < n; i++) {
        if (src[i].key >> 32 != src[i - 1].key >> 32 || src[i].key >= src[i - 1].key)
            continue;
        step v = src[i];
        size_t p = i;
        while (p > 0 && v.key < src[p - 1].key) {
            src[p] = src[p - 1];
            p--;
        }
        src[p] = v;
    }
    return src;
}

/* Exhaustive search over the core jobs (their full option sets), others fixed. */
typedef struct dfs {
    const jobsol *js;
    const cand *pool;
    const int *core;
    int ncore;
    double *suffix;     /* max cut of core[k..] */
    int *cur, *best;
    double best_cost;
    long nodes, budget;
    int aborted;
} dfs;

static void dfs_go(dfs *d, int k, double need, double cost)
{
    if (d->aborted)
        return;
    if (++d->nodes > d->budget) {
        d->aborted = 1;
        return;
    }
    if (cost >= d->best_cost - 1e-9)
        return;
    if (need <= 1e-9) {
        d->best_cost = cost;
        for (int i = 0; i < d->ncore; i++)
            d->best[i] = i < k ? d->cur[i] : 0;
        return;
    }
    if (k == d->ncore || d->suffix[k] < need - 1e-9)
        return;
    const jobsol *js = &d->js[d->core[k]];
    const cand *o = d->pool + js->first;
    for (int i = js->n - 1; i >= 0; i--) { /* bigger cuts first: finds covers early */
        d->cur[k] = i;
        dfs_go(d, k + 1, need - o[i].cut_mw, cost + o[i].cost_usd);
    }
    d->cur[k] = 0;
}

typedef struct core_key {
    int jo;
    double maxcut;
} core_key;

static int cmp_corekey(const void *a, const void *b)
{
    const core_key *x = a, *y = b;
    if (x->maxcut != y->maxcut)
        return x->maxcut > y->maxcut ? -1 : 1;
    return x->jo - y->jo;
}

/* Option k of job js in the pool. */
#define OPT(js, k) (&pool[(js).first + (k)])
/* The largest cut of job js. */
#define MAXCUT(js) (pool[(js).first + (js).n - 1].cut_mw)

/* Least-cost cover: choice[i] = option index of js[i]. Returns 1 if proved optimal. */
static int solve_cover(const jobsol *js, const cand *pool, int n, double need, int *choice,
                       const gs_policy *pol, int *err_nomem)
{
    for (int i = 0; i < n; i++)
        choice[i] = 0;
    if (need <= 1e-9)
        return 1;
    /* total available; if short, take every job's largest cut (cheapest among equals) */
    double avail = 0;
    for (int i = 0; i < n; i++)
        avail += MAXCUT(js[i]);
    if (avail < need - 1e-9) {
        for (int i = 0; i < n; i++)
            choice[i] = js[i].n - 1;
        return 1;
    }
    size_t nsteps = 0;
    for (int i = 0; i < n; i++)
        nsteps += (size_t)(js[i].nhull - 1);
    step *steps = malloc((nsteps ? 2 * nsteps : 1) * sizeof *steps);
    size_t *cnt = malloc((size_t)RADIX_PASSES * RADIX_N * sizeof *cnt);
    int *hpos = calloc((size_t)n + 1, sizeof *hpos);
    if (!steps || !cnt || !hpos) {
        free(steps);
        free(cnt);
        free(hpos);
        *err_nomem = 1;
        return 0;
    }
    size_t ns = 0;
    for (int i = 0; i < n; i++)
        for (int h = 1; h < js[i].nhull; h++) {
            const cand *p = OPT(js[i], js[i].hull[h - 1]), *q = OPT(js[i], js[i].hull[h]);
            steps[ns++] = (step){slope_key((q->cost_usd - p->cost_usd) / (q->cut_mw - p->cut_mw)),
                                 i, h};
        }
    const step *sorted = sort_steps(steps, steps + ns, ns, cnt);
    free(cnt);
    double got = 0;
    size_t brk = 0;
    for (size_t s = 0; s < ns && got < need - 1e-9; s++) {
        const jobsol *j = &js[sorted[s].jo];
        got += OPT(*j, j->hull[sorted[s].h])->cut_mw - OPT(*j, j->hull[hpos[sorted[s].jo]])->cut_mw;
        hpos[sorted[s].jo] = sorted[s].h;
        brk = s;
    }
    for (int i = 0; i < n; i++)
        choice[i] = js[i].hull[hpos[i]];
    /* repair: downgrade choices the target does not need, biggest saving first */
    for (int pass = 0; pass < 4; pass++) {
        double excess = got - need;
        int bi = -1, bo = -1;
        double bsave = 1e-9;
        for (int i = 0; i < n; i++) {
            const cand *o = OPT(js[i], 0);
            const cand *c = &o[choice[i]];
            for (int k = 0; k < js[i].n; k++) {
                double save = c->cost_usd - o[k].cost_usd;
                if (save > bsave && c->cut_mw - o[k].cut_mw <= excess + 1e-9) {
                    bsave = save;
                    bi = i;
                    bo = k;
                }
            }
        }
        if (bi < 0)
            break;
        got -= OPT(js[bi], choice[bi])->cut_mw - OPT(js[bi], bo)->cut_mw;
        choice[bi] = bo;
    }
    int optimal = 0;
    int K = pol->exact_core;
    if (K > 0) {
        /* core: the jobs of the steps nearest the break point, or all jobs with options */
        int *core = malloc((size_t)K * sizeof *core);
        int *cur = calloc((size_t)K, sizeof *cur), *best = calloc((size_t)K, sizeof *best);
        double *suffix = calloc((size_t)K + 1, sizeof *suffix);
        char *inc = calloc((size_t)n + 1, 1);
        int nwith = 0;
        for (int i = 0; i < n; i++)
            nwith += js[i].n > 1;
        if (core && cur && best && suffix && inc) {
            int nc = 0;
            if (nwith <= K) {
                for (int i = 0; i < n; i++)
                    if (js[i].n > 1)
                        core[nc++] = i;
            } else {
                for (size_t d = 0; nc < K && d <= ns; d++) {
                    size_t cand_s[2] = {brk + d, brk >= d ? brk - d : (size_t)-1};
                    for (int c = 0; c < 2 && nc < K; c++)
                        if (cand_s[c] < ns && !inc[sorted[cand_s[c]].jo]) {
                            inc[sorted[cand_s[c]].jo] = 1;
                            core[nc++] = sorted[cand_s[c]].jo;
                        }
                }
            }
            core_key *ck = malloc((size_t)(nc ? nc : 1) * sizeof *ck);
            if (ck) {
                for (int c = 0; c < nc; c++)
                    ck[c] = (core_key){core[c], MAXCUT(js[core[c]])};
                qsort(ck, (size_t)nc, sizeof *ck, cmp_corekey);
                for (int c = 0; c < nc; c++)
                    core[c] = ck[c].jo;
                free(ck);
                double fixed_cut = 0, core_cost = 0;
                for (int i = 0; i < n; i++)
                    fixed_cut += OPT(js[i], choice[i])->cut_mw;
                for (int c = 0; c < nc; c++) {
                    fixed_cut -= OPT(js[core[c]], choice[core[c]])->cut_mw;
                    core_cost += OPT(js[core[c]], choice[core[c]])->cost_usd;
                    best[c] = choice[core[c]];
                }
                for (int c = nc - 1; c >= 0; c--)
                    suffix[c] = suffix[c + 1] + MAXCUT(js[core[c]]);
                dfs d = {js, pool, core, nc, suffix, cur, best, core_cost + 1e-9, 0,
                         nwith <= K ? 5000000L : 50000L, 0};
                dfs_go(&d, 0, need - fixed_cut, 0);
                for (int c = 0; c < nc; c++)
                    choice[core[c]] = best[c];
                optimal = nwith <= K && !d.aborted;
            }
        } else {
            *err_nomem = 1;
        }
        free(core);
        free(cur);
        free(best);
        free(suffix);
        free(inc);
    }
    free(steps);
    free(hpos);
    return optimal;
}

size_t gs_plan_job_options(const gs_plan_state *st, const gs_event *ev, const gs_policy *pol,
                           size_t job, gs_plan_entry *out, size_t max)
{
    if (job >= st->njobs)
        return 0;
    jobopts jo;
    job_options(st, ev, pol, (int)job, -1, &jo);
    const gs_plan_job *j = &st->jobs[job];
    for (int i = 0; i < jo.n && (size_t)i < max; i++) {
        const opt *o = &jo.o[i];
        gs_plan_entry *e = &out[i];
        memset(e, 0, sizeof *e);
        e->job = (int)job;
        e->lever = o->lever;
        e->from_s = o->from_s;
        e->to_s = ev->end_s;
        e->cap_frac = o->lever == GS_LEVER_RUN ? 1 : o->cap_frac;
        e->throughput = o->lever == GS_LEVER_RUN ? 1 : o->thr;
        e->mw_before = j->power_mw;
        e->reduction_mw = o->cut_mw;
        e->mw_after = j->power_mw - o->cut_mw;
        e->cost = o->fc;
        e->tier_floor = j->cls == GS_TRAINING ? j->flex.tier : 1;
        e->slack_left_s = j->cls == GS_TRAINING ? gs_flex_slack_left_s(&j->flex) - o->fc.lost_s : 0;
        e->lost_requests = o->lost_requests;
    }
    return (size_t)jo.n;
}

void gs_plan_free(gs_plan *p)
{
    if (!p)
        return;
    free(p->entries);
    free(p->overrides);
    memset(p, 0, sizeof *p);
}

static int push_ovr(gs_plan *p, size_t *cap, gs_override o)
{
    if (p->noverrides == *cap) {
        size_t nc = *cap ? 2 * *cap : 16;
        gs_override *n = realloc(p->overrides, nc * sizeof *n);
        if (!n)
            return GS_ENOMEM;
        p->overrides = n;
        *cap = nc;
    }
    p->overrides[p->noverrides++] = o;
    return GS_OK;
}

/* The overrides that make gs_simulate follow entry e of run job j. */
static int entry_overrides(gs_plan *p, size_t *cap, const gs_plan_job *j, const gs_plan_entry *e,
                           const gs_policy *pol, int64_t end)
{
    if (j->cls != GS_TRAINING || j->run < 0)
        return GS_OK;
    double ro = j->flex.restart_overhead_s > 0 ? j->flex.restart_overhead_s : 0;
    double redo = j->flex.since_ckpt_s > 0 ? j->flex.since_ckpt_s : 0;
    int rc = GS_OK;
    int64_t back;
    switch (e->lever) {
    case GS_LEVER_CAP:
        return push_ovr(p, cap, (gs_override){j->run, GS_OVR_CAP, e->from_s, end, e->cap_frac,
                                               e->throughput});
    case GS_LEVER_SHRINK:
        rc = push_ovr(p, cap, (gs_override){j->run, GS_OVR_CAP, e->from_s, end, e->cap_frac,
                                             e->throughput});
        if (rc == GS_OK && 2 * ro + redo >= 1)
            rc = push_ovr(p, cap, (gs_override){j->run, GS_OVR_CAP, end,
                                                 end + (int64_t)ceil(2 * ro + redo), 1.0, 0.0});
        return rc;
    case GS_LEVER_PAUSE_CKPT:
        return push_ovr(p, cap, (gs_override){j->run, GS_OVR_PAUSE, e->from_s, end, 0, 0});
    case GS_LEVER_PAUSE_NOW:
    case GS_LEVER_REQUEUE: {
        int64_t stop = end;
        if (e->lever == GS_LEVER_REQUEUE)
            stop += (int64_t)ceil(pol->requeue_overhead_s > 0 ? pol->requeue_overhead_s : 0);
        rc = push_ovr(p, cap, (gs_override){j->run,
                                             e->lever == GS_LEVER_REQUEUE ? GS_OVR_OFF : GS_OVR_PAUSE,
                                             e->from_s, stop, 0, 0});
        int redo_now = e->lever == GS_LEVER_PAUSE_NOW ||
                       (e->lever == GS_LEVER_REQUEUE && e->cost.lost_s >
                        (double)(stop - e->from_s) + ro + 0.5);
        back = stop + (int64_t)ceil(ro);
        if (rc == GS_OK && redo_now && redo >= 1)
            rc = push_ovr(p, cap, (gs_override){j->run, GS_OVR_CAP, back,
                                                 back + (int64_t)ceil(redo), 1.0, 0.0});
        return rc;
    }
    default:
        return GS_OK;
    }
}

int gs_plan_make(const gs_plan_state *st, const gs_event *ev, const gs_policy *pol,
                 gs_plan *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    out->kind = ev->kind;
    out->limit_mw = NAN;
    if (ev->end_s <= ev->start_s)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "end",
                            "expected an end after the start, found a window of %lld s",
                            (long long)(ev->end_s - ev->start_s));
    if (!(ev->mw >= 0) && ev->kind != GS_PEV_PRICE && ev->kind != GS_PEV_PEAK)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "mw",
                            "expected a target of at least 0 MW, found %g", ev->mw);
    if (ev->notice_s < 0 || ev->ramp_s < 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, ev->notice_s < 0 ? "notice" : "ramp",
                            "expected a duration of at least 0, found %lld s",
                            (long long)(ev->notice_s < 0 ? ev->notice_s : ev->ramp_s));
    if (ev->scope == GS_SCOPE_SITE && (ev->scope_index < 0 || (size_t)ev->scope_index >= st->nsites))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "site",
                            "expected a site of the fleet, found index %d", ev->scope_index);
    if (ev->asks_inference_shed && !pol->allow_inference_shed)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "shed_inference",
                            "the event asks to shed inference load, which policy '%s' does not "
                            "allow (inference cannot pause: shedding it is an outage)",
                            gs_policy_name(pol->kind));

    if (ev->cls != GS_EVCLS_ALL && ev->cls != GS_EVCLS_TRAINING && ev->cls != GS_EVCLS_INFERENCE)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "class",
                            "expected training or inference (or none: all load), found class %d",
                            (int)ev->cls);

    /* baseline of the scope: each site's load (all classes); for an event on one load class,
     * the power of that class's jobs in scope */
    double base = 0;
    if (ev->cls == GS_EVCLS_ALL) {
        for (size_t s = 0; s < st->nsites; s++)
            if (ev->scope == GS_SCOPE_FLEET ||
                (ev->scope == GS_SCOPE_SITE && (int)s == ev->scope_index) ||
                (ev->scope == GS_SCOPE_ZONE && st->site_zone[s] == ev->scope_index))
                base += st->site_mw[s];
    } else {
        for (size_t i = 0; i < st->njobs; i++)
            if (in_scope(st, ev, &st->jobs[i]))
                base += st->jobs[i].power_mw;
    }
    out->baseline_mw = base;
    double need = 0;
    switch (ev->kind) {
    case GS_PEV_REDUCE_TO:
        out->limit_mw = ev->mw;
        need = base - ev->mw > 0 ? base - ev->mw : 0;
        break;
    case GS_PEV_REDUCE_BY:
        need = ev->mw;
        break;
    case GS_PEV_RESERVE_DEPLOY:
        need = pol->kind == GS_POLICY_RESERVE ? fmin(ev->mw, pol->reserve_mw) : ev->mw;
        break;
    case GS_PEV_PEAK:
        if (ev->mw > 0) { /* a peak with a limit: keep under it */
            out->limit_mw = ev->mw;
            need = base - ev->mw > 0 ? base - ev->mw : 0;
        }
        break;
    case GS_PEV_PRICE:
        break;
    }
    out->target_mw = need;

    /* jobs in scope and their options */
    size_t nin = 0;
    for (size_t i = 0; i < st->njobs; i++)
        nin += in_scope(st, ev, &st->jobs[i]);
    jobsol *jos = malloc((nin ? nin : 1) * sizeof *jos);
    cand *pool = malloc((nin ? nin : 1) * MAXOPT * sizeof *pool);
    int *choice = malloc((nin ? nin : 1) * sizeof *choice);
    out->entries = malloc((nin ? nin : 1) * sizeof *out->entries);
    if (!jos || !pool || !choice || !out->entries) {
        free(jos);
        free(pool);
        free(choice);
        gs_plan_free(out);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    int n = 0, npool = 0;
    jobopts jo; /* scratch */
    for (size_t i = 0; i < st->njobs; i++)
        if (in_scope(st, ev, &st->jobs[i])) {
            job_options(st, ev, pol, (int)i, -1, &jo);
            jos[n].job = (int)i;
            jos[n].first = npool;
            prune_and_hull(&jo, &jos[n], pool);
            npool += jos[n].n;
            out->available_mw += MAXCUT(jos[n]);
            choice[n] = 0;
            n++;
        }

    int nomem = 0;
    double hours = (double)(ev->end_s - ev->start_s) / 3600.0;
    int value_mode = (ev->kind == GS_PEV_PRICE && pol->kind == GS_POLICY_PRICE) ||
                     (ev->kind == GS_PEV_PEAK && pol->kind == GS_POLICY_CAPACITY && !(ev->mw > 0));
    if (pol->kind == GS_POLICY_MUST_RUN) {
        out->optimal = 1;
        snprintf(out->note, sizeof out->note, "policy must-run: nothing is curtailed");
    } else if (value_mode) {
        for (int i = 0; i < n; i++) {
            double bestv = 0;
            for (int k = 1; k < jos[i].n; k++) {
                const cand *o = OPT(jos[i], k);
                double v = (ev->kind == GS_PEV_PRICE ? ev->price_usd_per_mwh * o->cut_mw * hours
                                                    : pol->capacity_usd_per_mw * o->cut_mw) -
                           o->cost_usd;
                if (v > bestv + 1e-9) {
                    bestv = v;
                    choice[i] = k;
                }
            }
        }
        out->optimal = 1;
    } else if (need > 0) {
        out->optimal = solve_cover(jos, pool, n, need, choice, pol, &nomem);
    } else {
        out->optimal = 1;
    }
    if (nomem) {
        free(jos);
        free(pool);
        free(choice);
        gs_plan_free(out);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }

    /* entries: every in-scope job, in job order */
    size_t ocap = 0;
    int rc = GS_OK;
    for (int i = 0; i < n && rc == GS_OK; i++) {
        const gs_plan_job *j = &st->jobs[jos[i].job];
        /* the chosen option in full: "run", or listed again (only curtailed jobs) */
        if (choice[i] == 0)
            run_opt(ev, &jo.o[0]);
        else
            job_options(st, ev, pol, jos[i].job, jos[i].tag[choice[i]], &jo);
        const opt *o = &jo.o[choice[i] == 0 ? 0 : 1];
        gs_plan_entry *e = &out->entries[out->nentries++];
        memset(e, 0, sizeof *e);
        e->job = jos[i].job;
        e->lever = o->lever;
        e->from_s = o->lever == GS_LEVER_RUN ? ev->start_s : o->from_s;
        e->to_s = ev->end_s;
        e->cap_frac = o->lever == GS_LEVER_RUN ? 1 : o->cap_frac;
        e->throughput = o->lever == GS_LEVER_RUN ? 1 : o->thr;
        e->mw_before = j->power_mw;
        e->reduction_mw = o->cut_mw;
        e->mw_after = j->power_mw - o->cut_mw;
        e->cost = o->fc;
        if (o->lever == GS_LEVER_RUN && j->cls == GS_TRAINING)
            gs_flex_price(&j->flex, 0, pol->deadline_penalty, &e->cost);
        e->tier_floor = j->cls == GS_TRAINING ? j->flex.tier : 1;
        e->slack_left_s = j->cls == GS_TRAINING ? gs_flex_slack_left_s(&j->flex) - o->fc.lost_s : 0;
        e->lost_requests = o->lost_requests;
        out->achieved_mw += o->cut_mw;
        out->cost_usd += o->cost_usd;
        rc = entry_overrides(out, &ocap, j, e, pol, ev->end_s);
    }
    free(jos);
    free(pool);
    free(choice);
    if (rc < 0) {
        gs_plan_free(out);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    out->shortfall_mw = out->target_mw - out->achieved_mw > 1e-9 ? out->target_mw - out->achieved_mw : 0;
    if (ev->kind == GS_PEV_PRICE)
        out->value_usd = ev->price_usd_per_mwh * out->achieved_mw * hours;
    else if (ev->kind == GS_PEV_PEAK)
        out->value_usd = pol->capacity_usd_per_mw * out->achieved_mw;
    if (out->shortfall_mw > 0 && !out->note[0])
        snprintf(out->note, sizeof out->note,
                 "short by %.3f MW: the scope can cut at most %.3f MW within the jobs' tiers, "
                 "the notice and the ramp", out->shortfall_mw, out->available_mw);
    return GS_OK;
}
