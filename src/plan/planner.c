/* planner.c: THE planner (include/gridsplit/plan.h). For one event: list each in-scope job's
 * options (lever, MW cut, cost, and its loss of tier-weighted throughput), respecting the job's
 * tier over its window (event, rolling day, run), its lead times and, for inference, its
 * latency budget and capacity; then
 *  - reduce events: the best cover of the target by the policy's priority, lexicographically:
 *    the least loss of tier-weighted throughput, then the least cost ("throughput", default),
 *    or the least cost only ("cost"). Greedy by marginal objective per MW on each job's lower
 *    convex hull of (MW, primary), ties by the secondary; a repair pass that downgrades
 *    choices the target does not need; an exhaustive search over the `exact_core` jobs
 *    nearest the greedy break point (all jobs when there are that few: then the plan is
 *    proved optimal). When the levers that can act by start + ramp cannot meet the target,
 *    the levers that act later join from the earliest time the target can be met;
 *  - price / peak events: each job independently takes its best net-value option;
 * and the response curve (MW achieved at +1 s .. +15 min and the target time, and why).
 * gs_plan_make_intervals plans consecutive intervals in order, offering a paused job the
 * continuation of its pause (no restart, no redo, no lead) and the bridge of a short resume;
 * each interval's plan lists the jobs it curtails (every job with policy.all_entries), and
 * what did not change from one interval to the next (a job's options, its hull steps' order,
 * its entry, the scratch memory, what depends on the job and the policy only) is reused; a job
 * whose only change is what it lost (in the run, the day, or its work since the checkpoint)
 * has the options it was listed with priced again (reprice), and the entry of a lever it
 * keeps, priced again (reprice_entry). The decision time is policy.decided_s (else the
 * event's start - notice); an event under way then is planned for what is left of it.
 * Inference is capped within its latency budget, serving its demand or, down to its tier over
 * its window, a share of it. The scope is a site, a zone or the fleet, and the event's load
 * class (gs_event.cls: all load, or only training / inference jobs). The event model is
 * src/model/event.c.
 * Pure: allocates with malloc, no I/O, no clock, no globals; deterministic (ties by index). */
#include "gridsplit/plan.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXOPT 24

/* The small functions every option of every job goes through: inlined (the per-option calls
 * were a tenth of the instructions of 24 hourly intervals over 10,000 jobs). */
#define HOT static inline __attribute__((always_inline))

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

const char *gs_priority_name(gs_priority p)
{
    return p == GS_PRIORITY_THROUGHPUT ? "throughput" : p == GS_PRIORITY_COST ? "cost" : "?";
}

int gs_priority_parse(const char *name)
{
    if (name && strcmp(name, "throughput") == 0)
        return GS_PRIORITY_THROUGHPUT;
    if (name && strcmp(name, "cost") == 0)
        return GS_PRIORITY_COST;
    return -1;
}

void gs_policy_default(gs_policy_kind k, gs_policy *p)
{
    memset(p, 0, sizeof *p);
    p->kind = k;
    p->priority = GS_PRIORITY_THROUGHPUT;
    p->usd_per_request = 0.002;
    p->requeue_overhead_s = 1800;
    p->shrink_frac = 0.5;
    p->cap_lead_s = 60;
    p->pause_lead_s = 300;
    p->ckpt_lead_s = 0;
    p->deadline_penalty = 1;
    p->exact_core = 8;
}

/* What the earlier intervals of one event did to a job (gs_plan_make_intervals). */
typedef struct carry {
    double lost_s;         /* wall-clock lost in earlier intervals (run slack, deadline) */
    double lost_day_s;     /* of it, inside this interval's day window */
    double since_ckpt_s;   /* work since the last checkpoint at this interval's start */
    int paused;            /* paused through the previous interval (lever `lever`) */
    int bridge;            /* was paused, and resumed gap_s before this one, in interval
                              `resumed` */
    int resumed;
    gs_lever lever;
    double gap_s;
} carry;

/* What a training job's options need that depends on the job and the policy only, not on the
 * interval: computed once per gs_plan_make_intervals call (jconst_init), by the expressions
 * job_options uses when it has none (the same bits). */
typedef struct jconst {
    double cap_lead, pause_lead, cks_lead; /* the leads of a cap, a pause, a checkpoint-pause */
    double idle_mw, shrink_mw;             /* the job idle, and shrunk (policy.shrink_frac) */
    const double *capcut;                  /* [curve n - 1]: the cut of curve point k's cap */
    unsigned drawn;                        /* bit k: point k's draw is below the running draw
                                              (else it has no cap option) */
    unsigned char lost_matters, day, training; /* cache_hit's and reprices_entry's flags (read
                                              here, not from the larger job) */
    double w;                              /* weight_of the job */
    gs_class cls;                          /* its class */
} jconst;

/* One planning problem: an event (or one interval of one) and what came before it. The event
 * as planned is evc: the one given, or, under way at the decision time, what is left of it
 * (from the decision time, the ramp shortened by what has gone). A ctx is not copied (ev
 * points into it). */
typedef struct ctx {
    const gs_plan_state *st;
    const gs_event *ev;    /* &evc */
    gs_event evc;
    const gs_policy *pol;
    int64_t now;           /* decision time: pol->decided_s, else start - notice */
    int64_t ready;         /* the target applies from: start + ramp (after what has gone) */
    double dur;            /* end - start (what is left) */
    int later;             /* an interval after the first: no scheduled pause-at-checkpoint */
    const carry *cy;       /* [njobs] or NULL */
    const jconst *jc;      /* [njobs] or NULL (filled for the training jobs in scope) */
} ctx;

static void ctx_init(ctx *c, const gs_plan_state *st, const gs_event *ev, const gs_policy *pol)
{
    memset(c, 0, sizeof *c);
    c->st = st;
    c->evc = *ev;
    c->ev = &c->evc;
    c->pol = pol;
    c->now = ev->start_s - (ev->notice_s > 0 ? ev->notice_s : 0);
    if (pol->decided_s != 0) {
        /* decided at a given time; an event under way is planned from it: the part gone is
         * neither asked for nor counted, the ramp runs on from where it is */
        gs_event *e = &c->evc;
        c->now = pol->decided_s;
        if (c->now > e->start_s) {
            int64_t gone = c->now - e->start_s;
            e->ramp_s = e->ramp_s > gone ? e->ramp_s - gone : 0;
            e->start_s = c->now;
        }
        e->notice_s = e->start_s - c->now;
    }
    c->ready = c->evc.start_s + (c->evc.ramp_s > 0 ? c->evc.ramp_s : 0);
    c->dur = (double)(c->evc.end_s - c->evc.start_s);
}

/* Scratch memory reused from one planning problem to the next (the intervals of one event):
 * grown as needed, never shrunk, freed at the end of the call. Nothing read from it is left
 * from an earlier problem: every user writes (or clears) what it reads. */
typedef struct buf {
    void *p;
    size_t cap;            /* bytes */
} buf;

typedef struct wspace {
    buf jos, choice, pool[2], steps, cnt, hpos, inc, cur, late, sorted[2], rep, same;
    buf step2;             /* sort_steps: runs of equal keys */
    buf recs;              /* intervals: the rawopt records of the jobs (ocache.rfirst) */
    size_t nrecs;          /* records used */
    int pcur;              /* pool[pcur]: this problem's options; pool[!pcur]: the previous one's */
    int scur;              /* sorted[scur]: this problem's hull steps in greedy order */
    int sprev_ok;          /* sorted[!scur] holds the previous problem's (nsprev of them, over
                              sprev_n jobs) */
    size_t nsprev;
    int sprev_n;
} wspace;

/* b with room for n bytes (its contents kept), or NULL when out of memory. */
static void *buf_get(buf *b, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;
        while (nc < n)
            nc = nc > SIZE_MAX / 2 ? n : 2 * nc;
        void *q = realloc(b->p, nc);
        if (!q)
            return NULL;
        b->p = q;
        b->cap = nc;
    }
    return b->p;
}

static void wspace_free(wspace *w)
{
    buf *all[] = {&w->jos,  &w->choice, &w->pool[0],   &w->pool[1],   &w->steps,
                  &w->cnt,  &w->hpos,   &w->inc,       &w->cur,       &w->late,
                  &w->rep,  &w->same,   &w->sorted[0], &w->sorted[1], &w->recs,
                  &w->step2};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(all[i]->p);
    memset(w, 0, sizeof *w);
}

/* One option of one job: what the search needs (listed for every option of every job). */
typedef struct opt {
    unsigned char lever, src;
    unsigned char ontime;  /* acts by start + ramp */
    unsigned char cont;    /* continues (or bridges to) an earlier interval's pause */
    int64_t from_s;        /* when it holds */
    double cut_mw, cost_usd;
    double loss;           /* weight x (the job's average over its window without - with it) */
    double p, s;           /* the objective: (loss, cost) or (cost, 0) by the priority */
} opt;

/* The rest of an option, for its entry: written only when jo->full. */
typedef struct optdet {
    double perf;           /* the job's average throughput over its window with it */
    double cap_frac, thr;
    double draw_frac;      /* cap: the capped GPU's draw as a share of board power */
    double lead_s;
    double lost_requests;
    double server_ms, capacity_rps;
    gs_flex_cost fc;
} optdet;

/* One job's options as job_options lists them (scratch: lives on the stack). */
typedef struct jobopts {
    int n;                 /* options; [0] is "run" */
    int only;              /* -1: list every option; else only the one from source only */
    int full;              /* write d[] (the entries' details) too */
    int ckpt;              /* a scheduled checkpoint before the start was considered (the first
                              interval only: its options may differ from a later one's) */
    int any_late;          /* an option acts after start + ramp */
    int nocut;             /* a cap was priced but cuts nothing (not listed) */
    double w, base;        /* the job's weight and its average over its window without a lever */
    gs_flex_pricer pr;     /* training: the job's pricer for this event */
    opt o[MAXOPT];
    double lost[MAXOPT], evthr[MAXOPT]; /* what each training option was priced with */
    optdet d[MAXOPT];
} jobopts;

/* Sources of options: cap points 0..GS_CAPCURVE_MAX-2, the others these. */
enum {
    SRC_BCAP = GS_CAPCURVE_MAX, /* the cap where the tier (or latency, capacity) binds */
    SRC_CKPT,
    SRC_NOW,
    SRC_REQUEUE,
    SRC_SHRINK,
    SRC_CKSIG,
    SRC_CONT,
    SRC_SERVE, /* inference: the deepest cap that still serves every request */
    SRC_SHED0 /* .. + 2 */
};

/* What the search needs of one kept option: (cut, primary, secondary) in one pool. */
typedef struct cand {
    double cut_mw, p, s;
} cand;

/* One in-scope job as the search sees it: its kept (undominated) options sorted by cut are
 * pool[first .. first + n), [0] "run"; tag[k] is option k's source (the chosen one is
 * listed again, alone, for the plan's entry); hull[] the lower convex hull of (cut, p). */
typedef struct jobsol {
    int job;
    int first;
    unsigned char n, nhull;
    unsigned char tag[MAXOPT];
    unsigned char hull[MAXOPT];
} jobsol;

/* Intervals: a job's kept options in the previous interval, what they depended on, and the
 * one the plan chose. The same inputs give the same options: then they are copied, not listed
 * again; the same choice gives the same entry, its times moved to this interval. When only
 * what the job lost grew, its options are its records priced again (rawopt, reprice), and the
 * entry of the same lever the previous entry priced again (reprices_entry). */
typedef struct ocache {
    int valid;
    double dur;
    int later, ontime_mask;
    double lost_s, lost_day_s, since_ckpt_s, gap_s;
    int paused, bridge, lever, ckpt;
    int since_kept;        /* a kept option depends on the work since the checkpoint */
    int chosen;            /* option index chosen (into js's kept options); -1: none yet */
    double elost_s;        /* the lost time its last entry was priced with (NAN: none) */
    jobsol js;             /* js.first: into icache.pool */
    int rfirst;            /* its records (rawopt) in wspace.recs: rfirst .. + nrec, room for */
    unsigned char nrec, rroom, rok; /* rroom; rok: they hold the options listed (reprice) */
    unsigned char keyed;   /* this interval: its options are those cached or its records, under
                              what the previous interval's were listed with (not listed afresh) */
    int esrc;              /* the source of the option of its entry in the previous interval;
                              -1: none (it ran) */
} ocache;

/* Intervals: one option of a training job as it was listed (in listing order), with what it
 * was priced with: when only what the job lost, lost in the day or did since its checkpoint
 * grew, its options are those records, priced again (reprice). */
typedef struct rawopt {
    double cut, lost, evthr;
    unsigned char lever, src;
} rawopt;

/* Compact intervals: the perf of each job in scope when it runs (what the weighted figure needs
 * of the jobs not listed), logged as it changes from one interval to the next (most jobs run
 * at the same perf all day): interval k's values are cur after the changes logged up to the
 * end of interval k. */
typedef struct perflog {
    double *cur;           /* [nscope] each job's perf running, as last logged (NAN: none) */
    int *x;                /* the changes: job x (its index in scope) ... */
    double *v;             /* ... runs at perf v from the interval the change is logged in */
    size_t n, cap;
} perflog;

/* Log that scope job x runs at perf v in this interval. Returns 0 when out of memory. */
static int log_perf(perflog *pl, int x, double v)
{
    if (memcmp(&pl->cur[x], &v, sizeof v) == 0)
        return 1; /* (the same bits: NANs too) */
    if (pl->n == pl->cap) {
        size_t nc = pl->cap ? 2 * pl->cap : 4096;
        int *nx = realloc(pl->x, nc * sizeof *nx);
        if (nx)
            pl->x = nx;
        double *nv = nx ? realloc(pl->v, nc * sizeof *nv) : NULL;
        if (!nv)
            return 0;
        pl->v = nv;
        pl->cap = nc;
    }
    pl->x[pl->n] = x;
    pl->v[pl->n++] = v;
    pl->cur[x] = v;
    return 1;
}

/* The intervals' state for plan_core: the jobs in scope, the cache of their options in the
 * previous interval's pool, and that interval's entries (for the entries). Compact plans (the
 * default) list only the jobs curtailed; the perf of the others (what the weighted figure
 * needs) is kept apart, and pos[] says where each job's entry is. */
typedef struct icache {
    ocache *job;           /* [nscope] */
    const cand *pool;      /* the previous interval's pool (in the workspace) */
    const gs_plan_entry *prev; /* the previous interval's entries; NULL in the first */
    size_t nprev;
    const int *scope;      /* [nscope] the jobs in scope (the same in every interval) */
    size_t nscope;
    int compact;           /* list only the jobs curtailed (lever != run) */
    const int *ppos;       /* compact: [nscope] each job's index in prev, -1: it ran */
    int *cpos;             /* compact: [nscope] the same for this interval (written) */
    struct perflog *pl;    /* compact: the perf of the jobs that run, as it changes */
} icache;

static double weight_of(const gs_plan_job *j)
{
    double t = j->flex.tier;
    return t > 0 && t <= 1 ? t : 1;
}

/* The job's cost-model view for this interval: what earlier intervals lost added. */
HOT gs_flex_job flex_of(const ctx *c, int ji)
{
    gs_flex_job f = c->st->jobs[ji].flex;
    if (c->cy) {
        const carry *y = &c->cy[ji];
        f.slack_used_s += y->lost_s;
        f.lost_day_s += y->lost_day_s;
        f.since_ckpt_s = y->since_ckpt_s;
        if (isfinite(f.deadline_margin_s))
            f.deadline_margin_s -= y->lost_s;
    }
    return f;
}

HOT double lead_of(double job_lead, double pol_lead)
{
    return job_lead > 0 ? job_lead : (pol_lead > 0 ? pol_lead : 0);
}

HOT void set_obj(const ctx *c, opt *o)
{
    if (c->pol->priority == GS_PRIORITY_COST) {
        o->p = o->cost_usd;
        o->s = 0;
    } else {
        o->p = o->loss;
        o->s = o->cost_usd;
    }
}

/* The "run" option of every job. */
HOT void run_opt(const ctx *c, jobopts *jo)
{
    opt *o = &jo->o[0];
    memset(o, 0, sizeof *o);
    o->lever = GS_LEVER_RUN;
    o->ontime = 1;
    o->from_s = c->ev->start_s;
    if (jo->full) {
        optdet *d = &jo->d[0];
        memset(d, 0, sizeof *d); /* padding too: entries compare bytewise */
        d->thr = 1;
        d->cap_frac = 1;
        d->perf = jo->base;
        d->fc.avg_throughput = 1;
        d->fc.avg_window[0] = d->fc.avg_window[1] = d->fc.avg_window[2] = 1;
        d->fc.tier_ok = 1;
    }
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

HOT double train_mw(const gs_plan_job *j, double activity)
{
    return j->flex.gpus * gs_gpu_power_w(j->gpu, activity) * j->pue * 1e-6;
}

/* Timing of a lever of lead `lead`: on time (acts by start + ramp: holds from the start) or
 * late (holds from decision + lead). Returns 0 when it cannot act before the end. */
HOT int timing(const ctx *c, double lead, int *ontime, int64_t *from)
{
    if ((double)c->now + lead <= (double)c->ready) {
        *ontime = 1;
        *from = c->ev->start_s;
        return 1;
    }
    *ontime = 0;
    *from = c->now + (int64_t)ceil(lead);
    if (*from < c->ev->start_s)
        *from = c->ev->start_s;
    return *from < c->ev->end_s;
}

/* Add a training option: priced over the job's window, kept when its tier holds. Returns its
 * details (NULL when not kept; a scratch slot when !jo->full). */
/* add_opt once priced (usd, perf: gs_flex_quick's, tier kept) and its cut known (> 1e-12). */
HOT optdet *add_priced(const ctx *c, jobopts *jo, const gs_flex_job *f, int src,
                       gs_lever lever, double cut, double usd, double perf, double lost_s,
                       double event_thr, double cap, double thr, int ontime, int64_t from,
                       double lead)
{
    if (jo->n >= MAXOPT)
        return NULL;
    opt *o = &jo->o[jo->n];
    o->cut_mw = cut;
    o->lever = (unsigned char)lever;
    o->src = (unsigned char)src;
    o->ontime = (unsigned char)ontime;
    o->cont = 0;
    o->from_s = from;
    o->cost_usd = usd;
    jo->lost[jo->n] = lost_s;
    jo->evthr[jo->n] = event_thr;
    double l = jo->w * (jo->base - perf);
    o->loss = l > 0 ? l : 0;
    set_obj(c, o);
    jo->any_late |= !ontime;
    optdet *d = &jo->d[jo->n];
    jo->n++;
    if (!jo->full)
        return d;
    memset(d, 0, sizeof *d);
    gs_flex_price_window(f, lost_s, c->dur, event_thr, c->pol->deadline_penalty, &d->fc);
    d->perf = perf;
    d->cap_frac = cap;
    d->thr = thr;
    d->lead_s = lead;
    return d;
}

HOT optdet *add_opt(const ctx *c, jobopts *jo, const gs_plan_job *j, const gs_flex_job *f,
                       int src, gs_lever lever, double mw_after, double lost_s, double event_thr,
                       double cap, double thr, int ontime, int64_t from, double lead)
{
    if (jo->n >= MAXOPT)
        return NULL;
    double cut = j->power_mw - mw_after;
    if (!(cut > 1e-12))
        return NULL;
    double usd, perf;
    if (!gs_flex_quick(&jo->pr, lost_s, event_thr, &usd, &perf))
        return NULL;
    return add_priced(c, jo, f, src, lever, cut, usd, perf, lost_s, event_thr, cap, thr, ontime,
                      from, lead);
}

#define WANT(jo, s) ((jo)->only < 0 || (jo)->only == (s))

/* A non-training option with no dollar cost from the cost model (inference). */
static optdet *add_plain(const ctx *c, jobopts *jo, int src, gs_lever lever, double cut,
                         double usd, double perf, int ontime, int64_t from)
{
    if (jo->n >= MAXOPT)
        return NULL;
    opt *o = &jo->o[jo->n];
    o->lever = (unsigned char)lever;
    o->src = (unsigned char)src;
    o->ontime = (unsigned char)ontime;
    o->cont = 0;
    o->from_s = from;
    o->cut_mw = cut;
    o->cost_usd = usd;
    double l = jo->w * (jo->base - perf);
    o->loss = l > 0 ? l : 0;
    set_obj(c, o);
    jo->any_late |= !ontime;
    optdet *d = &jo->d[jo->n];
    jo->n++;
    if (!jo->full)
        return NULL;
    memset(d, 0, sizeof *d);
    d->perf = perf;
    d->fc.usd = usd;
    d->fc.avg_throughput = perf;
    d->fc.avg_window[0] = d->fc.avg_window[1] = d->fc.avg_window[2] = perf;
    d->fc.tier_ok = 1;
    return d;
}

/* Inference: the share of its demand a service serves, averaged over its tier window, when it
 * serves share s of it for hold seconds of the event (what is left of it: dur) and lost
 * lday_s of full service earlier in the day: over the event (and over the "run": a service has
 * none, so the strictest, the event), 1 - hold / dur x (1 - s); over the 24 h ending at the
 * event's end, 1 - (lday + hold (1 - s)) / max(dur, 24 h). */
static double served_avg(gs_tier_window w, double s, double hold, double dur, double lday_s)
{
    double v;
    if (w == GS_TIER_DAY) {
        double win = dur > 86400.0 ? dur : 86400.0;
        v = 1 - ((lday_s > 0 ? lday_s : 0) + hold * (1 - s)) / win;
    } else {
        v = 1 - hold / dur * (1 - s);
    }
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* An inference job's cost-model figures when it serves share s for hold of the event: the time
 * of full service lost, and the served share over each window. */
static void inference_windows(const gs_flex_job *f, double s, double hold, double dur,
                              gs_flex_cost *fc)
{
    fc->lost_s = s < 1 ? hold * (1 - s) : 0;
    fc->avg_window[GS_TIER_EVENT] = s < 1 ? served_avg(GS_TIER_EVENT, s, hold, dur, 0) : 1;
    fc->avg_window[GS_TIER_DAY] = served_avg(GS_TIER_DAY, s, hold, dur, f->lost_day_s);
    fc->avg_window[GS_TIER_RUN] = fc->avg_window[GS_TIER_EVENT];
    fc->avg_throughput = fc->avg_window[GS_TIER_RUN];
}

/* The least served share (while capped for hold of the event) that keeps a service's tier
 * over its window: 1 for tier 1 (every request served), else from served_avg >= tier. */
static double served_floor(const gs_flex_job *f, double hold, double dur)
{
    double tier = f->tier > 0 && f->tier <= 1 ? f->tier : 1;
    if (tier >= 1 || !(hold > 0))
        return 1;
    double smin;
    if (f->window == GS_TIER_DAY) {
        double win = dur > 86400.0 ? dur : 86400.0;
        double lday = f->lost_day_s > 0 ? f->lost_day_s : 0;
        smin = 1 - (win * (1 - tier) - lday) / hold;
    } else {
        smin = 1 - (1 - tier) * dur / hold;
    }
    return smin < 0 ? 0 : smin > 1 ? 1 : smin;
}

/* Inference: caps within the latency budget, serving its demand or, down to its tier over its
 * window, a share of it (the capacity at the cap serves fewer requests than demand: the rest
 * are not served, each priced at usd_per_request); shedding only when the policy allows. */
static void inference_options(const ctx *c, int ji, jobopts *jo)
{
    const gs_plan_job *j = &c->st->jobs[ji];
    const gs_policy *pol = c->pol;
    const gs_event *ev = c->ev;
    const gs_gpu *g = j->gpu;
    const gs_capcurve *cv = j->curve;
    if (cv && cv->n >= 2 && g && g->board_w > g->idle_w && j->serving_gpus > 0 &&
        j->capacity_rps > 0 && j->requests_per_s >= 0 && isfinite(j->latency_left_ms) &&
        j->server_ms >= 0 && j->server_ms <= j->latency_left_ms && j->power_mw > 0) {
        double lead = lead_of(j->cap_lead_s, pol->cap_lead_s);
        int ontime;
        int64_t from;
        double u = j->requests_per_s / j->capacity_rps;
        if (u <= 1 && timing(c, lead, &ontime, &from)) {
            gs_flex_job f = flex_of(c, ji);
            double hold = (double)(ev->end_s - from);
            /* throughput floors: latency (server time within the budget left), serving every
             * request (u), and the tier (a share smin of them over its window) */
            double tlat = j->latency_left_ms > 0 ? j->server_ms / j->latency_left_ms : 0;
            double tserve = u > tlat ? u : tlat;
            double smin = served_floor(&f, hold, c->dur);
            double tmin = u * smin > tlat ? u * smin : tlat;
            double pue = j->pue > 0 ? j->pue : 1;
            double span = g->board_w - g->idle_w;
            double pfull = gs_capcurve_power_frac(cv, 1.0);
            double a_now = u * (pfull * g->board_w - g->idle_w) / span;
            double w_now = gs_gpu_power_w(g, a_now > 0 ? a_now : 0);
            /* smallest cut first: the deepest cap serving every request (when the tier lets
             * it serve fewer), the deepest the floors allow, then the curve's points */
            for (size_t k = cv->n + 1; k-- > 0;) {
                int src = (int)k;
                double cap;
                if (k + 1 < cv->n) {
                    cap = cv->cap_frac[k];
                } else { /* a bound, between the curve's points */
                    src = k + 1 == cv->n ? SRC_BCAP : SRC_SERVE;
                    if (!WANT(jo, src) || (src == SRC_SERVE && !(tmin < tserve - 1e-12)))
                        continue;
                    cap = gs_capcurve_cap_for(cv, src == SRC_BCAP ? tmin : tserve);
                    int dup = !(cap > 0 && cap < 1);
                    for (size_t q = 0; q + 1 < cv->n && !dup; q++)
                        dup = fabs(cv->cap_frac[q] - cap) < 1e-9;
                    if (dup)
                        continue;
                }
                if (!WANT(jo, src))
                    continue;
                double t = gs_capcurve_throughput(cv, cap);
                if (!(t > 0) || t < tmin - 1e-12)
                    continue;
                /* served share while capped: all of it at or above the demand */
                double sv = t >= u - 1e-12 ? 1 : t / u;
                double busy = sv < 1 ? 1 : u / t;
                double pc = gs_capcurve_power_frac(cv, cap);
                if (pc > pfull)
                    pc = pfull;
                double a_cap = busy * (pc * g->board_w - g->idle_w) / span;
                double cut = j->serving_gpus * (w_now - gs_gpu_power_w(g, a_cap > 0 ? a_cap : 0)) *
                             pue * 1e-6;
                if (cut > j->power_mw)
                    cut = j->power_mw;
                if (!(cut > 1e-12))
                    continue;
                /* every request served within its budget: perf 1, no cost; else the share
                 * served over its window, the requests not served priced */
                double lost_requests =
                    sv < 1 ? (j->requests_per_s - j->capacity_rps * t) * hold : 0;
                double perf = sv < 1 ? served_avg(f.window, sv, hold, c->dur, f.lost_day_s)
                                     : jo->base;
                optdet *d = add_plain(c, jo, src, GS_LEVER_CAP, cut,
                                      lost_requests * pol->usd_per_request, perf, ontime, from);
                if (d) {
                    d->cap_frac = cap;
                    d->thr = t;
                    d->draw_frac = pc;
                    d->lead_s = lead;
                    d->server_ms = j->server_ms / t;
                    d->capacity_rps = j->capacity_rps * t;
                    d->lost_requests = lost_requests;
                    inference_windows(&f, sv, hold, c->dur, &d->fc);
                }
            }
        }
    }
    if (!pol->allow_inference_shed || !(j->power_mw > 0))
        return;
    static const double fr[] = {0.25, 0.5, 1.0};
    for (int k = 0; k < 3; k++) {
        if (!WANT(jo, SRC_SHED0 + k))
            continue;
        double lost_requests = fr[k] * j->requests_per_s * c->dur;
        optdet *d = add_plain(c, jo, SRC_SHED0 + k, GS_LEVER_SHED, fr[k] * j->power_mw,
                              lost_requests * pol->usd_per_request, 1 - fr[k], 1, ev->start_s);
        if (d) {
            d->thr = 1 - fr[k];
            d->lost_requests = lost_requests;
        }
    }
}

/* Per-job constants of its cap options. */
typedef struct capctx {
    double run_gpu_w, board_w, idle_w;
    double hold, frac;     /* how long a cap holds, and as a share of the event */
} capctx;

/* The activity of a GPU capped to draw draw_w (0 .. 1). */
HOT double cap_activity(const capctx *k, double draw_w)
{
    double a = k->board_w > k->idle_w ? (draw_w - k->idle_w) / (k->board_w - k->idle_w) : 0;
    return a < 0 ? 0 : a;
}

/* A training cap with throughput thr whose GPU draws draw_frac of board power: its lost time,
 * the job's throughput over the event and its cut. memo: NULL, or its cut when its draw is
 * below the running draw (jconst; else it is not asked). Returns 0 when its draw is not below
 * the running draw (no option). */
HOT int cap_raw(const gs_plan_job *j, const capctx *k, double thr, double draw_frac,
                   const double *memo, double *lost, double *evthr, double *cut)
{
    double draw_w = draw_frac * k->board_w;
    if (!memo && !(draw_w < k->run_gpu_w))
        return 0;
    double t = thr < 0 ? 0 : thr > 1 ? 1 : thr;
    *lost = k->hold * (1 - t); /* gs_flex_lost_s(cap) */
    *evthr = 1 - k->frac * (1 - thr);
    *cut = memo ? *memo : j->power_mw - train_mw(j, cap_activity(k, draw_w));
    return 1;
}

/* A training cap at share `cap` of board power with throughput thr (one option); memo: as
 * cap_raw. Returns -1 when it breaks the tier. */
HOT int cap_option(const ctx *c, jobopts *jo, const gs_plan_job *j, const gs_flex_job *f,
                      const capctx *k, int src, double cap, double thr, double draw_frac,
                      int ontime, int64_t from, double lead, const double *memo)
{
    double lost, evthr, cut;
    if (!cap_raw(j, k, thr, draw_frac, memo, &lost, &evthr, &cut))
        return 0;
    double usd, perf;
    if (!gs_flex_quick(&jo->pr, lost, evthr, &usd, &perf))
        return -1; /* the tier: a lower cap loses more */
    if (!(cut > 1e-12)) {
        jo->nocut = 1;
        return 0;
    }
    optdet *d = add_priced(c, jo, f, src, GS_LEVER_CAP, cut, usd, perf, lost, evthr, cap, thr,
                           ontime, from, lead);
    if (d && jo->full)
        d->draw_frac = draw_frac;
    return 0;
}

/* Job j's caps over the event of c when they act from `from`. */
static capctx cap_ctx(const ctx *c, const gs_plan_job *j, int64_t from)
{
    const gs_gpu *g = j->gpu;
    capctx kc = {g->idle_w + j->utilisation * (g->board_w - g->idle_w), g->board_w, g->idle_w,
                 (double)(c->ev->end_s - from), 0};
    kc.frac = kc.hold / c->dur;
    return kc;
}

/* The cap where the tier binds over the event or the day window (f's, tier `tier`), caps
 * holding `hold` of the event of dur: 1 and *bc when it lies between the curve's points, else
 * 0 (no such option). */
static int bcap_of(const gs_capcurve *cv, const gs_flex_job *f, double tier, double dur,
                   double hold, double *bc)
{
    if (f->window != GS_TIER_EVENT && f->window != GS_TIER_DAY)
        return 0;
    double tmin;
    if (f->window == GS_TIER_EVENT) {
        tmin = 1 - (1 - tier) * dur / hold;
    } else {
        double win = dur > 86400.0 ? dur : 86400.0;
        double lday = f->lost_day_s > 0 ? f->lost_day_s : 0;
        tmin = 1 - (win * (1 - tier) - lday) / hold;
    }
    if (!(tmin > cv->throughput_frac[0] + 1e-9 && tmin < 1))
        return 0;
    *bc = gs_capcurve_cap_for(cv, tmin);
    int dup = !(*bc > 0 && *bc < 1);
    for (size_t q = 0; q + 1 < cv->n && !dup; q++)
        dup = fabs(cv->cap_frac[q] - *bc) < 1e-9;
    return !dup;
}

/* The job's weight and its average over its window without a lever (jo->w, jo->base); with
 * run_cost the full cost of "run" there, else the job's pricer (training). Returns its view. */
static gs_flex_job job_base(const ctx *c, int ji, jobopts *jo, gs_flex_cost *run_cost)
{
    const jconst *m = c->jc ? &c->jc[ji] : NULL; /* (what it has of the job: not read again) */
    gs_class cls = m ? m->cls : c->st->jobs[ji].cls;
    jo->w = m ? m->w : weight_of(&c->st->jobs[ji]);
    jo->base = 1;
    gs_flex_job f = flex_of(c, ji);
    if (cls == GS_INFERENCE) /* the share served without a lever: all of it, but for a day
                                window what earlier intervals did not serve */
        jo->base = served_avg(f.window, 1, 0, c->dur, f.lost_day_s);
    /* (a must-run job listed for the search has no option: its base is not needed) */
    if (cls == GS_TRAINING && (run_cost || f.tier < 1 || jo->full)) {
        if (run_cost) {
            gs_flex_price_window(&f, 0, c->dur, 1, c->pol->deadline_penalty, run_cost);
            jo->base = run_cost->avg_window[(unsigned)f.window < 3 ? f.window : GS_TIER_RUN];
        } else {
            double usd;
            gs_flex_pricer_init(&jo->pr, &f, c->dur, c->pol->deadline_penalty);
            gs_flex_quick(&jo->pr, 0, 1, &usd, &jo->base);
        }
    }
    return f;
}

/* The options of job ji for the event of c; only < 0: all of them, "run" first; else "run"
 * and the one from source only (to list a chosen option again, as it was). full: write the
 * entries' details (d[]) too. */
static void job_options(const ctx *c, int ji, int only, int full, jobopts *jo)
{
    const gs_plan_job *j = &c->st->jobs[ji];
    const gs_event *ev = c->ev;
    const gs_policy *pol = c->pol;
    jo->n = 1; /* run */
    jo->only = only;
    jo->full = full;
    jo->any_late = 0;
    jo->ckpt = 0;
    jo->nocut = 0;
    gs_flex_job f = job_base(c, ji, jo, NULL);
    run_opt(c, jo);
    if (j->cls == GS_INFERENCE) {
        inference_options(c, ji, jo);
        return;
    }
    if (!j->gpu || !(f.gpus > 0) || f.tier >= 1)
        return; /* must-run jobs have no lever */
    const gs_gpu *g = j->gpu;
    const jconst *m = c->jc ? &c->jc[ji] : NULL;
    double dur = c->dur;
    int64_t now = c->now, start = ev->start_s;
    double tier = f.tier > 0 ? f.tier : 1;
    int ontime;
    int64_t from;
    /* power caps, smallest cut (highest cap) first */
    double cap_lead = m ? m->cap_lead : lead_of(j->cap_lead_s, pol->cap_lead_s);
    if (j->curve && j->curve->n >= 2 && timing(c, cap_lead, &ontime, &from)) {
        const gs_capcurve *cv = j->curve;
        capctx kc = cap_ctx(c, j, from);
        double bc;
        if (WANT(jo, SRC_BCAP) && bcap_of(cv, &f, tier, dur, kc.hold, &bc))
            cap_option(c, jo, j, &f, &kc, SRC_BCAP, bc, gs_capcurve_throughput(cv, bc),
                       gs_capcurve_power_frac(cv, bc), ontime, from, cap_lead, NULL);
        for (size_t k = cv->n - 1; k-- > 0;)
            if (WANT(jo, (int)k) && (!m || (m->drawn >> k & 1)) &&
                cap_option(c, jo, j, &f, &kc, (int)k, cv->cap_frac[k], cv->throughput_frac[k],
                           cv->has_power ? cv->power_frac[k] : cv->cap_frac[k], ontime, from,
                           cap_lead, m ? &m->capcut[k] : NULL) < 0 &&
                jo->only < 0)
                break;
    }
    if (only >= 0 && only < SRC_BCAP + 1)
        return; /* a cap: nothing else to list */
    double idle_mw = m ? m->idle_mw : train_mw(j, 0);
    double ro = f.restart_overhead_s > 0 ? f.restart_overhead_s : 0;
    double pause_lead = m ? m->pause_lead : lead_of(j->pause_lead_s, pol->pause_lead_s);
    /* continuing the previous interval's pause, or bridging the resume since an earlier one */
    if (c->cy && (c->cy[ji].paused || c->cy[ji].bridge) && WANT(jo, SRC_CONT)) {
        const carry *y = &c->cy[ji];
        double lost = dur + (y->paused ? 0 : y->gap_s);
        if (add_opt(c, jo, j, &f, SRC_CONT, y->lever, y->lever == GS_LEVER_REQUEUE ? 0 : idle_mw,
                    lost, 0, 0, 0, 1, start, 0))
            jo->o[jo->n - 1].cont = 1;
    }
    int ckpt_ok = !c->later && j->next_ckpt_s >= 0 && (double)now <= j->next_ckpt_s &&
                  j->next_ckpt_s <= (double)start;
    jo->ckpt = ckpt_ok;
    double early = ckpt_ok ? (double)start - j->next_ckpt_s : -1;
    int64_t ckpt_t = ckpt_ok ? (int64_t)j->next_ckpt_s : start;
    if (ckpt_ok && WANT(jo, SRC_CKPT) && f.window != GS_TIER_EVENT) {
        double lost = gs_flex_lost_s(&f, GS_LEVER_PAUSE_CKPT, dur, early, 0, 0);
        add_opt(c, jo, j, &f, SRC_CKPT, GS_LEVER_PAUSE_CKPT, idle_mw, lost, 0, 0, 0, 1, ckpt_t, 0);
    }
    int pause_ok = timing(c, pause_lead, &ontime, &from);
    double hold = (double)(ev->end_s - from);
    /* over the event window a pause holding all of it is 0 < the floor: skip pricing it */
    int ev_win = f.window == GS_TIER_EVENT;
    /* work since the last checkpoint when a late lever acts */
    gs_flex_job fl = f;
    fl.since_ckpt_s = (f.since_ckpt_s > 0 ? f.since_ckpt_s : 0) + (double)(from - start);
    double redo = fl.since_ckpt_s;
    if (pause_ok && WANT(jo, SRC_NOW) && !(ev_win && 1 - hold / dur < tier - 1e-9)) {
        double lost = gs_flex_lost_s(&fl, GS_LEVER_PAUSE_NOW, hold, -1, 0, 0);
        add_opt(c, jo, j, &f, SRC_NOW, GS_LEVER_PAUSE_NOW, idle_mw, lost, 1 - hold / dur, 0, 0,
                ontime, from, pause_lead);
    }
    if (j->ckpt_on_signal && j->ckpt_signal_s >= 0 && WANT(jo, SRC_CKSIG)) {
        double lead = m ? m->cks_lead
                        : lead_of(j->ckpt_lead_s, pol->ckpt_lead_s) + j->ckpt_signal_s + pause_lead;
        int ot;
        int64_t fr;
        if (timing(c, lead, &ot, &fr)) {
            double h = (double)(ev->end_s - fr);
            double lost = gs_flex_lost_s(&f, GS_LEVER_CKPT_PAUSE, h, j->ckpt_signal_s, 0, 0);
            add_opt(c, jo, j, &f, SRC_CKSIG, GS_LEVER_CKPT_PAUSE, idle_mw, lost, 1 - h / dur, 0, 0,
                    ot, fr, lead);
        }
    }
    if ((ckpt_ok || pause_ok) && WANT(jo, SRC_REQUEUE)) {
        double lost;
        int64_t rf = ckpt_ok ? ckpt_t : from;
        if (ckpt_ok)
            lost = gs_flex_lost_s(&f, GS_LEVER_REQUEUE, dur, early, 0, pol->requeue_overhead_s);
        else
            lost = gs_flex_lost_s(&fl, GS_LEVER_REQUEUE, hold, -1, 0, pol->requeue_overhead_s);
        double evthr = ckpt_ok ? 0 : 1 - hold / dur;
        add_opt(c, jo, j, &f, SRC_REQUEUE, GS_LEVER_REQUEUE, 0, lost, evthr, 0, 0,
                ckpt_ok ? 1 : ontime, rf, ckpt_ok ? 0 : pause_lead);
    }
    double k = pol->shrink_frac;
    if (k > 0 && k < 1 && pause_ok && WANT(jo, SRC_SHRINK)) {
        double lost = gs_flex_lost_s(&fl, GS_LEVER_SHRINK, hold, -1, k, 0);
        double a = k * j->utilisation;
        double cap = g->board_w > 0 ? (g->idle_w + a * (g->board_w - g->idle_w)) / g->board_w : 1;
        /* the first restart and the redo fall inside the event */
        double evthr = 1 - hold / dur * (1 - k) - (ro + redo) * k / dur;
        add_opt(c, jo, j, &f, SRC_SHRINK, GS_LEVER_SHRINK, m ? m->shrink_mw : train_mw(j, a), lost,
                evthr, cap, k, ontime, from, pause_lead);
    }
}

/* The constants of training job ji (jconst) under pol; capcut: room for its curve's n - 1
 * points. */
static void jconst_init(const gs_plan_job *j, const gs_policy *pol, jconst *m, double *capcut)
{
    memset(m, 0, sizeof *m);
    m->capcut = capcut;
    m->cap_lead = lead_of(j->cap_lead_s, pol->cap_lead_s);
    m->pause_lead = lead_of(j->pause_lead_s, pol->pause_lead_s);
    m->cks_lead = lead_of(j->ckpt_lead_s, pol->ckpt_lead_s) + j->ckpt_signal_s + m->pause_lead;
    /* what earlier intervals lost moves the run window and the deadline only, what they lost
     * in the day the day window only: over the event with no deadline the options depend on
     * neither */
    const gs_flex_job *f = &j->flex;
    m->lost_matters = f->window == GS_TIER_RUN || (unsigned)f->window > GS_TIER_RUN ||
                      isfinite(f->deadline_margin_s);
    m->day = f->window == GS_TIER_DAY;
    m->training = j->cls == GS_TRAINING;
    m->w = weight_of(j);
    m->cls = j->cls;
    if (j->cls != GS_TRAINING || !j->gpu)
        return;
    const gs_gpu *g = j->gpu;
    m->idle_mw = train_mw(j, 0);
    m->shrink_mw = train_mw(j, pol->shrink_frac * j->utilisation);
    const gs_capcurve *cv = j->curve;
    if (!cv || cv->n < 2)
        return;
    capctx kc = {g->idle_w + j->utilisation * (g->board_w - g->idle_w), g->board_w, g->idle_w, 0,
                 0};
    for (size_t k = 0; k + 1 < cv->n; k++) {
        double draw_w = (cv->has_power ? cv->power_frac[k] : cv->cap_frac[k]) * kc.board_w;
        if (!(draw_w < kc.run_gpu_w))
            continue;
        m->drawn |= 1u << k;
        capcut[k] = j->power_mw - train_mw(j, cap_activity(&kc, draw_w));
    }
}

/* Lexicographic order of (p, s). */
static int lex_le(double p1, double s1, double p2, double s2)
{
    return p1 < p2 || (p1 == p2 && s1 <= s2);
}
static int lex_lt(double p1, double s1, double p2, double s2)
{
    return p1 < p2 || (p1 == p2 && s1 < s2);
}

/* An option as the pruning sees it. */
typedef struct pz {
    double cut, p, s;
    unsigned char lever, src;
} pz;

/* Keep the options of jo that hold by `upto` (on time, or late from no later than upto) and
 * are not dominated, sorted by cut, in pool[js->first ..], and their lower convex hull of
 * (cut, p) from the origin ("run"). Option i is dominated by k != i when k cuts at least as
 * much and is no worse by the objective (priority cost: no more money, as before issue 9;
 * priority throughput: strictly better, so that a smaller cut at the same objective stays
 * for the trim), or cuts equally and comes first. */
static void prune_sorted(int strict, const pz *v, int n, int nonan, jobsol *js, cand *pool);

/* Insert x into v[1 .. n), sorted by (cut, p, s, lever), after its equals (v[0]: "run").
 * Returns n + 1. */
HOT int pz_insert(pz *v, int n, pz x)
{
    int p = n;
    while (p > 1) {
        const pz *u = &v[p - 1];
        if (!(x.cut < u->cut ||
              (x.cut == u->cut &&
               (x.p < u->p ||
                (x.p == u->p && (x.s < u->s || (x.s == u->s && x.lever < u->lever)))))))
            break;
        v[p] = v[p - 1];
        p--;
    }
    v[p] = x;
    return n + 1;
}

static void prune_and_hull(const ctx *c, const jobopts *jo, int64_t upto, jobsol *js, cand *pool)
{
    /* the options holding by upto: [0] "run", the rest by (cut, p, s, lever), stably
     * (insertion; caps come smallest cut first, so it is nearly sorted), copied compact */
    const opt *o = jo->o;
    pz v[MAXOPT];
    int n = 1;
    v[0] = (pz){o[0].cut_mw, o[0].p, o[0].s, o[0].lever, o[0].src};
    int nonan = o[0].p == o[0].p && o[0].s == o[0].s;
    for (int i = 1; i < jo->n; i++) {
        const opt *w = &o[i];
        if (!w->ontime && w->from_s > upto)
            continue;
        nonan &= w->p == w->p && w->s == w->s;
        n = pz_insert(v, n, (pz){w->cut_mw, w->p, w->s, w->lever, w->src});
    }
    prune_sorted(c->pol->priority != GS_PRIORITY_COST, v, n, nonan, js, pool);
}

/* prune_and_hull once the options are sorted: v[0] "run", v[1 .. n) by (cut, p, s, lever) and
 * their listing order. */
static void prune_sorted(int strict, const pz *v, int n, int nonan, jobsol *js, cand *pool)
{
    /* In that order an option can only be dominated by "run", by an equal cut before it, or
     * by a strictly bigger cut: one pass from the right with the lexicographic least (p, s)
     * of the strictly bigger cuts. */
    char dom[MAXOPT];
    double mp = 0, ms = 0;
    int have = 0;
    /* Without a NaN the order is total: the least (p, s) of equal cuts is the first of them,
     * the others are dominated, and one pass finds the same. */
    for (int p = n - 1; nonan && p >= 1; p--) {
        const pz *b = &v[p];
        if (p > 1 && v[p - 1].cut == b->cut) {
            dom[p] = 1;
            continue;
        }
        int beaten = strict ? lex_lt(mp, ms, b->p, b->s) : lex_le(mp, ms, b->p, b->s);
        dom[p] = (have && beaten) || (v[0].cut >= b->cut && lex_le(v[0].p, v[0].s, b->p, b->s));
        if (!have || lex_lt(b->p, b->s, mp, ms)) {
            mp = b->p;
            ms = b->s;
        }
        have = 1;
    }
    for (int p = n - 1; !nonan && p >= 1;) {
        double cut = v[p].cut;
        int q = p;
        while (q > 1 && v[q - 1].cut == cut)
            q--;
        for (int r = q; r <= p; r++) {
            const pz *b = &v[r];
            int beaten = strict ? lex_lt(mp, ms, b->p, b->s) : lex_le(mp, ms, b->p, b->s);
            dom[r] = r > q || (have && beaten) ||
                     (v[0].cut >= b->cut && lex_le(v[0].p, v[0].s, b->p, b->s));
        }
        for (int r = q; r <= p; r++) {
            if (!have || lex_lt(v[r].p, v[r].s, mp, ms)) {
                mp = v[r].p;
                ms = v[r].s;
            }
            have = 1;
        }
        p = q - 1;
    }
    cand *kc = pool + js->first;
    int nk = 0;
    for (int p = 0; p < n; p++)
        if (p == 0 || !dom[p]) {
            kc[nk] = (cand){v[p].cut, v[p].p, v[p].s};
            js->tag[nk++] = v[p].src;
        }
    js->n = (unsigned char)nk;
    /* lower convex hull from the origin (option 0) */
    int nh = 0;
    for (int i = 0; i < nk; i++) {
        while (nh >= 2) {
            const cand *a = &kc[js->hull[nh - 2]], *b = &kc[js->hull[nh - 1]];
            const cand *r = &kc[i];
            double cross = (b->cut_mw - a->cut_mw) * (r->p - a->p) -
                           (b->p - a->p) * (r->cut_mw - a->cut_mw);
            if (cross <= 0)
                nh--;
            else
                break;
        }
        js->hull[nh++] = (unsigned char)i;
    }
    js->nhull = (unsigned char)nh;
}

/* One hull step of one job; the greedy takes them by (slope of p, slope of s, jo, h). key,
 * key2 (step_key2): the slopes as unsigned integers of the same order (-0 as +0), so that
 * stable radix sorts of the steps, generated in (jo, h) order, give that order without
 * comparisons. key2 decides only between equal keys (rare): found when needed, not kept. */
typedef struct step {
    uint64_t key;
    int jo, h;          /* jobsol index, hull position reached */
} step;

/* A step with its key2 (sorting runs of equal keys with qsort). */
typedef struct step2 {
    uint64_t key, key2;
    int jo, h;
} step2;

/* What the steps' key2 are found from: the jobs' kept options, and the priority. */
typedef struct stepctx {
    const jobsol *js;
    const cand *pool;
    int thrprio;
} stepctx;

static uint64_t slope_key(double slope)
{
    if (slope == 0)
        slope = 0; /* -0 compares equal to +0 */
    uint64_t u;
    memcpy(&u, &slope, sizeof u);
    return (u >> 63) ? ~u : u | (1ULL << 63);
}

/* The slope of s along step t (priority throughput; else 0), as job_steps would key it. */
static uint64_t step_key2(const stepctx *x, const step *t)
{
    if (!x->thrprio)
        return 0;
    const jobsol *j = &x->js[t->jo];
    const cand *a = &x->pool[j->first + j->hull[t->h - 1]];
    const cand *b = &x->pool[j->first + j->hull[t->h]];
    double dc = b->cut_mw - a->cut_mw;
    return slope_key((b->s - a->s) / dc);
}

static int step_less(const stepctx *x, const step *a, const step *b)
{
    return a->key < b->key || (a->key == b->key && step_key2(x, a) < step_key2(x, b));
}

#define RADIX_BITS 11
#define RADIX_N (1 << RADIX_BITS)
#define RADIX_PASSES 3 /* the key's top 32 bits: 11 + 11 + 10 */

static int cmp_step(const void *a, const void *b)
{
    const step2 *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->key2 != y->key2)
        return x->key2 < y->key2 ? -1 : 1;
    if (x->jo != y->jo)
        return x->jo < y->jo ? -1 : 1;
    return (x->h > y->h) - (x->h < y->h);
}

/* Stable sort of a[0..n) by (key, key2); tmp: n more steps, cnt: RADIX_PASSES x RADIX_N
 * counters. An LSD radix sort on key's top 32 bits (digits all steps share are skipped),
 * then the runs equal there sorted by (key, key2): by insertion when short (rare: slopes
 * within a few parts per million), else by qsort with (jo, h) last (the order they were
 * generated in: stable), in t2 (ws). Returns a or tmp, whichever holds the result; NULL when
 * out of memory. */
static step *sort_steps(step *a, step *tmp, size_t n, size_t *cnt, const stepctx *x, buf *t2)
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
    for (size_t i = 0; i < n;) {
        size_t e = i + 1;
        while (e < n && src[e].key >> 32 == src[i].key >> 32)
            e++;
        int sorted = 1;
        for (size_t q = i + 1; q < e && sorted; q++)
            sorted = !step_less(x, &src[q], &src[q - 1]);
        if (sorted) {
        } else if (e - i > 16) {
            step2 *w = buf_get(t2, (e - i) * sizeof *w);
            if (!w)
                return NULL;
            for (size_t q = i; q < e; q++)
                w[q - i] = (step2){src[q].key, step_key2(x, &src[q]), src[q].jo, src[q].h};
            qsort(w, e - i, sizeof *w, cmp_step);
            for (size_t q = i; q < e; q++)
                src[q] = (step){w[q - i].key, w[q - i].jo, w[q - i].h};
        } else {
            for (size_t q = i + 1; q < e; q++) {
                if (!step_less(x, &src[q], &src[q - 1]))
                    continue;
                step v = src[q];
                size_t p = q;
                while (p > i && step_less(x, &v, &src[p - 1])) {
                    src[p] = src[p - 1];
                    p--;
                }
                src[p] = v;
            }
        }
        i = e;
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
    double bp, bs, ep;  /* the best (p, s) so far; the tolerance on p */
    long nodes, budget;
    int aborted;
    double *stk;        /* [3 (ncore + 1)]: scratch of dfs_go */
    const cand **ko;    /* [ncore]: scratch of dfs_go */
} dfs;


/* The search from the root (need, p = s = 0), depth first, each core job's options bigger cuts
 * first (finds covers early); a node is counted when visited (the budget), and is a leaf when
 * it is no better than the best, covers the need (a new best), or cannot. Iterative: the
 * nodes at depth k + 1 are visited from their parent at depth k, whose (need, p, s) is at [k]
 * and whose child being visited is cur[k]; only a node that is not a leaf is entered. */
static void dfs_go(dfs *d, double need0)
{
    int nc = d->ncore, k = 0;
    int *cur = d->cur;
    double *needv = d->stk, *pv = needv + nc + 1, *sv = pv + nc + 1;
    const cand **ko = d->ko;
    const double *suffix = d->suffix;
    double bp = d->bp, bs = d->bs, ep = d->ep; /* in registers */
    double hi = bp + ep, lo = bp - ep, sl = bs - 1e-9; /* no_better's bounds, as it sums them */
    long nodes = d->nodes, budget = d->budget;
    for (int c = 0; c < nc; c++)
        ko[c] = d->pool + d->js[d->core[c]].first;
    /* the root */
    if (++nodes > budget) {
        d->aborted = 1;
        goto done;
    }
    /* no better than the best: p more, or about equal p and no less s */
    if (0 > hi || (0 >= lo && 0 >= sl))
        goto done;
    if (need0 <= 1e-9) {
        bp = bs = 0;
        for (int i = 0; i < nc; i++)
            d->best[i] = 0;
        goto done;
    }
    if (nc == 0 || suffix[0] < need0 - 1e-9)
        goto done;
    needv[0] = need0;
    pv[0] = sv[0] = 0;
    cur[0] = d->js[d->core[0]].n - 1;
    for (;;) {
        if (cur[k] < 0) { /* every child of the node at depth k visited: back to its parent */
            if (k == 0)
                break;
            k--;
            cur[k]--;
            continue;
        }
        const cand *o = &ko[k][cur[k]];
        if (++nodes > budget) {
            d->aborted = 1;
            break;
        }
        double p = pv[k] + o->p, s = sv[k] + o->s, need = needv[k] - o->cut_mw;
        if (p > hi || (p >= lo && s >= sl)) {
        } else if (need <= 1e-9) {
            bp = p;
            bs = s;
            hi = bp + ep;
            lo = bp - ep;
            sl = bs - 1e-9;
            for (int i = 0; i < nc; i++)
                d->best[i] = i <= k ? cur[i] : 0;
        } else if (!(k + 1 == nc || suffix[k + 1] < need - 1e-9)) {
            needv[k + 1] = need;
            pv[k + 1] = p;
            sv[k + 1] = s;
            k++;
            cur[k] = d->js[d->core[k]].n - 1;
            continue;
        }
        cur[k]--;
    }
done:
    d->bp = bp;
    d->bs = bs;
    d->nodes = nodes;
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

/* The best cover by the objective: choice[i] = option index of js[i]. Returns 1 if proved
 * optimal. */
/* One downgrade the repair may make: job i from its choice to its option k. */
typedef struct dgrade {
    int i, k;
} dgrade;

/* The repair's best downgrade so far: one that saves p (class 2), or only s at the same p (1). */
typedef struct rbest {
    int bi, bo, bclass;
    double bsp, bss;
} rbest;

HOT void repair_consider(const jobsol *js, const cand *pool, const int *choice, int i, int k,
                            double ep, int thrprio, rbest *b)
{
    const cand *o = OPT(js[i], 0);
    const cand *cc = &o[choice[i]];
    double sp = cc->p - o[k].p, ss = cc->s - o[k].s;
    if (sp > ep) {
        if (b->bclass < 2 || sp > b->bsp) {
            b->bclass = 2;
            b->bsp = sp;
            b->bi = i;
            b->bo = k;
        }
    } else if (thrprio && sp >= -ep && ss > b->bss && b->bclass < 2) {
        b->bclass = 1;
        b->bss = ss;
        b->bi = i;
        b->bo = k;
    }
}

/* Job i's steps along its hull (in (jo, h) order), at steps[ns..]; returns the new ns. */
HOT size_t job_steps(const jobsol *js, const cand *pool, int i, int thrprio, step *steps,
                        size_t ns)
{
    for (int h = 1; h < js[i].nhull; h++) {
        const cand *a = OPT(js[i], js[i].hull[h - 1]), *b = OPT(js[i], js[i].hull[h]);
        double dc = b->cut_mw - a->cut_mw;
        steps[ns++] = (step){slope_key((b->p - a->p) / dc), i, h};
    }
    return ns;
}

/* The best cover by the objective: choice[i] = option index of js[i]. same (or NULL): jobs whose
 * hull is the one they had in the previous call on this workspace, over the same n jobs; their
 * steps are taken, in order, from that call's (kept in ws) and merged with the others', sorted
 * (the same order as sorting them all). Returns 1 if proved optimal. */
static int solve_cover(const jobsol *js, const cand *pool, int n, double need, int *choice,
                       const gs_policy *pol, wspace *ws, const unsigned char *same,
                       int *err_nomem)
{
    int thrprio = pol->priority != GS_PRIORITY_COST;
    double ep = thrprio ? 1e-12 : 1e-9;
    const stepctx sx = {js, pool, thrprio};
    int sprev_ok = ws->sprev_ok && ws->sprev_n == n && same;
    ws->sprev_ok = 0;
    for (int i = 0; i < n; i++)
        choice[i] = 0;
    if (need <= 1e-9)
        return 1;
    /* total available; if short, take every job's largest cut (best among equals) */
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
    step *steps = buf_get(&ws->steps, (nsteps ? 2 * nsteps : 1) * sizeof *steps);
    size_t *cnt = buf_get(&ws->cnt, (size_t)RADIX_PASSES * RADIX_N * sizeof *cnt);
    int *hpos = buf_get(&ws->hpos, ((size_t)n + 1) * sizeof *hpos);
    step *sorted = buf_get(&ws->sorted[ws->scur], (nsteps ? nsteps : 1) * sizeof *sorted);
    if (!steps || !cnt || !hpos || !sorted) {
        *err_nomem = 1;
        return 0;
    }
    memset(hpos, 0, ((size_t)n + 1) * sizeof *hpos);
    size_t ns = 0;
    if (sprev_ok) {
        /* the new steps sorted, merged with the previous call's of the jobs unchanged */
        for (int i = 0; i < n; i++)
            if (!same[i])
                ns = job_steps(js, pool, i, thrprio, steps, ns);
        const step *fresh = sort_steps(steps, steps + ns, ns, cnt, &sx, &ws->step2);
        if (!fresh) {
            *err_nomem = 1;
            return 0;
        }
        const step *old = ws->sorted[!ws->scur].p;
        size_t a = 0, b = 0, m = 0, nold = ws->nsprev;
        for (;;) {
            while (a < nold && !same[old[a].jo])
                a++;
            if (a == nold || b == ns)
                break;
            const step *x = &old[a], *y = &fresh[b];
            int xfirst = x->key < y->key;
            if (x->key == y->key) { /* by key2, then (jo, h) */
                uint64_t kx = step_key2(&sx, x), ky = step_key2(&sx, y);
                xfirst = kx < ky ||
                         (kx == ky && (x->jo < y->jo || (x->jo == y->jo && x->h < y->h)));
            }
            sorted[m++] = xfirst ? old[a++] : fresh[b++];
        }
        for (; a < nold; a++)
            if (same[old[a].jo])
                sorted[m++] = old[a];
        for (; b < ns; b++)
            sorted[m++] = fresh[b];
        ns = m;
    } else {
        for (int i = 0; i < n; i++)
            ns = job_steps(js, pool, i, thrprio, steps, ns);
        const step *srt = sort_steps(steps, steps + ns, ns, cnt, &sx, &ws->step2);
        if (!srt) {
            *err_nomem = 1;
            return 0;
        }
        memcpy(sorted, srt, ns * sizeof *sorted);
    }
    ws->scur ^= 1; /* kept for the next call */
    ws->sprev_ok = 1;
    ws->nsprev = ns;
    ws->sprev_n = n;
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
    /* repair: downgrade choices the target does not need, biggest saving first. The excess
     * only shrinks: the first pass keeps the downgrades within it (dl), the later ones scan
     * those and the jobs already downgraded, in the same order (job, option): the same
     * choices as scanning every job each pass. */
    size_t ndl = 0, dlcap = 64;
    dgrade *dl = buf_get(&ws->rep, dlcap * sizeof *dl);
    int chg[4], nchg = 0;
    for (int pass = 0; pass < 4 && dl; pass++) {
        double excess = got - need;
        rbest b = {-1, -1, 0, ep, 1e-9};
        if (pass == 0) {
            for (int i = 0; i < n && dl; i++) {
                if (choice[i] == 0)
                    continue; /* only a smaller cut can save: options are sorted by cut */
                const cand *o = OPT(js[i], 0);
                const cand *cc = &o[choice[i]];
                for (int k = 0; k < choice[i]; k++) {
                    if (cc->cut_mw - o[k].cut_mw > excess + 1e-9)
                        continue;
                    if (ndl == dlcap) {
                        dlcap *= 2;
                        if (!(dl = buf_get(&ws->rep, dlcap * sizeof *dl)))
                            break;
                    }
                    dl[ndl++] = (dgrade){i, k};
                    repair_consider(js, pool, choice, i, k, ep, thrprio, &b);
                }
            }
        } else {
            for (size_t q = 0, c = 0; q <= ndl; q++) {
                int iq = q < ndl ? dl[q].i : n;
                for (; c < (size_t)nchg && chg[c] <= iq; c++) { /* a job downgraded: afresh */
                    int i = chg[c];
                    const cand *o = OPT(js[i], 0);
                    const cand *cc = &o[choice[i]];
                    for (int k = 0; k < choice[i]; k++)
                        if (cc->cut_mw - o[k].cut_mw <= excess + 1e-9)
                            repair_consider(js, pool, choice, i, k, ep, thrprio, &b);
                }
                if (q == ndl)
                    break;
                int skip = 0;
                for (int x = 0; x < nchg; x++)
                    skip |= chg[x] == iq;
                const cand *o = OPT(js[iq], 0);
                if (!skip && o[choice[iq]].cut_mw - o[dl[q].k].cut_mw <= excess + 1e-9)
                    repair_consider(js, pool, choice, iq, dl[q].k, ep, thrprio, &b);
            }
        }
        if (b.bi < 0)
            break;
        got -= OPT(js[b.bi], choice[b.bi])->cut_mw - OPT(js[b.bi], b.bo)->cut_mw;
        choice[b.bi] = b.bo;
        int seen = 0;
        for (int x = 0; x < nchg; x++)
            seen |= chg[x] == b.bi;
        if (!seen) { /* in job order */
            int x = nchg++;
            while (x > 0 && chg[x - 1] > b.bi) {
                chg[x] = chg[x - 1];
                x--;
            }
            chg[x] = b.bi;
        }
    }
    if (!dl) {
        *err_nomem = 1;
        return 0;
    }
    int optimal = 0;
    int K = pol->exact_core;
    if (K > 0) {
        /* core: the jobs of the steps nearest the break point, or all jobs with options */
        int *core = malloc((size_t)K * sizeof *core);
        int *cur = calloc((size_t)K, sizeof *cur), *best = calloc((size_t)K, sizeof *best);
        double *suffix = calloc((size_t)K + 1, sizeof *suffix);
        double *stk = malloc(3 * ((size_t)K + 1) * sizeof *stk);
        const cand **ko = malloc((size_t)K * sizeof *ko);
        char *inc = buf_get(&ws->inc, (size_t)n + 1);
        if (inc)
            memset(inc, 0, (size_t)n + 1);
        int nwith = 0;
        for (int i = 0; i < n; i++)
            nwith += js[i].n > 1;
        if (core && cur && best && suffix && stk && ko && inc) {
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
                double fixed_cut = 0, core_p = 0, core_s = 0;
                for (int i = 0; i < n; i++)
                    fixed_cut += OPT(js[i], choice[i])->cut_mw;
                for (int c = 0; c < nc; c++) {
                    fixed_cut -= OPT(js[core[c]], choice[core[c]])->cut_mw;
                    core_p += OPT(js[core[c]], choice[core[c]])->p;
                    core_s += OPT(js[core[c]], choice[core[c]])->s;
                    best[c] = choice[core[c]];
                }
                for (int c = nc - 1; c >= 0; c--)
                    suffix[c] = suffix[c + 1] + MAXCUT(js[core[c]]);
                /* the greedy's (p, s) must be beaten (cost priority: by 1e-9, as before) */
                dfs d = {js, pool, core, nc, suffix, cur, best,
                         thrprio ? core_p : core_p + ep, thrprio ? core_s : 1e-9, ep, 0,
                         nwith <= K ? 5000000L : 50000L, 0, stk, ko};
                dfs_go(&d, need - fixed_cut);
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
        free(stk);
        free(ko);
    }
    /* trim (priority throughput): a smaller cut at the same objective when the target allows
     * (an inference cap deeper than needed costs nothing, but is not needed) */
    if (thrprio) {
        double excess = -need;
        for (int i = 0; i < n; i++)
            excess += OPT(js[i], choice[i])->cut_mw;
        for (int i = 0; i < n && excess > 1e-9; i++) {
            const cand *o = OPT(js[i], 0);
            const cand *cc = &o[choice[i]];
            for (int k = 0; k < choice[i]; k++)
                if (o[k].p <= cc->p && o[k].s <= cc->s && cc->cut_mw - o[k].cut_mw <= excess) {
                    excess -= cc->cut_mw - o[k].cut_mw;
                    choice[i] = k;
                    break;
                }
        }
    }
    return optimal;
}

/* ---- entries ------------------------------------------------------------------------- */

static int is_pause(gs_lever l)
{
    return l == GS_LEVER_PAUSE_CKPT || l == GS_LEVER_PAUSE_NOW || l == GS_LEVER_REQUEUE ||
           l == GS_LEVER_CKPT_PAUSE;
}

/* The entry of job ji under option k of jo (listed with full), or "run" when jo is NULL. */
static void fill_entry(const ctx *c, int ji, const jobopts *jo, int k, gs_plan_entry *e)
{
    const gs_plan_job *j = &c->st->jobs[ji];
    const gs_event *ev = c->ev;
    int run = !jo || jo->o[k].lever == GS_LEVER_RUN;
    const opt *o = run ? NULL : &jo->o[k];
    const optdet *d = run ? NULL : &jo->d[k];
    memset(e, 0, sizeof *e);
    e->job = ji;
    e->lever = run ? GS_LEVER_RUN : (gs_lever)o->lever;
    e->from_s = run ? ev->start_s : o->from_s;
    e->to_s = ev->end_s;
    e->cap_frac = run ? 1 : d->cap_frac;
    e->throughput = run ? 1 : d->thr;
    e->mw_before = j->power_mw;
    e->reduction_mw = run ? 0 : o->cut_mw;
    e->mw_after = j->power_mw - e->reduction_mw;
    jobopts b; /* run: only its w, base and pricer are written */
    gs_flex_cost rc;
    gs_flex_job f;
    if (run) {
        f = job_base(c, ji, &b, &rc);
    } else { /* what job_base gives a lever's entry: the job's view and weight */
        f = flex_of(c, ji);
        b.w = weight_of(j);
    }
    if (run) {
        if (j->cls == GS_TRAINING) {
            e->cost = rc;
        } else {
            memset(&e->cost, 0, sizeof e->cost);
            inference_windows(&f, 1, 0, c->dur, &e->cost);
            e->cost.tier_ok = 1;
        }
    } else {
        e->cost = d->fc;
    }
    e->tier_floor = j->cls == GS_TRAINING ? j->flex.tier : weight_of(j);
    e->slack_left_s = j->cls == GS_TRAINING ? gs_flex_slack_left_s(&f) - e->cost.lost_s : 0;
    e->lost_requests = run ? 0 : d->lost_requests;
    e->tier_window = j->flex.window;
    e->weight = b.w;
    e->perf = run ? b.base : d->perf;
    e->lead_s = run ? 0 : d->lead_s;
    e->act_s = run ? ev->start_s
                   : o->ontime && d->lead_s > 0 ? c->now + (int64_t)ceil(d->lead_s) : o->from_s;
    e->server_ms = run ? 0 : d->server_ms;
    e->capacity_rps = run ? 0 : d->capacity_rps;
    e->continued = run ? 0 : o->cont;
}

/* Entry e of the previous interval (the same option) moved to the interval of c: when the lever
 * holds and acts (every lever of a cached job acts on time). */
static void move_entry(const ctx *c, gs_plan_entry *e)
{
    e->from_s = c->ev->start_s;
    e->to_s = c->ev->end_s;
    e->act_s = e->lever == GS_LEVER_RUN || !(e->lead_s > 0) ? c->ev->start_s
                                                            : c->now + (int64_t)ceil(e->lead_s);
}

/* 1 when the entry of training job ji under the option from source src, listed with the same
 * inputs as in the previous interval but what the job lost (in the run, the day), differs from
 * that interval's only by its price (reprice_entry): the option loses the same time and gives
 * the same throughput over the event. Not so for the options that depend on the work since
 * the checkpoint or on a scheduled checkpoint, or for the cap where the tier binds over the
 * day (it moves with what was lost in the day). */
static int reprices_entry(const ctx *c, int ji, int src)
{
    const jconst *m = &c->jc[ji];
    return m->training && src != SRC_NOW && src != SRC_REQUEUE && src != SRC_SHRINK &&
           src != SRC_CKPT && !(src == SRC_BCAP && m->day);
}

/* Entry e (reprices_entry) priced again for what its job lost: its cost with the same lost
 * time and throughput over the event (cost.avg_window[event] is that throughput, clamped as
 * gs_flex_price_window clamps it), its perf and the slack left, as fill_entry gives them. */
static void reprice_entry(const ctx *c, gs_plan_entry *e)
{
    gs_flex_job f = flex_of(c, e->job);
    gs_flex_price_window(&f, e->cost.lost_s, c->dur, e->cost.avg_window[GS_TIER_EVENT],
                         c->pol->deadline_penalty, &e->cost);
    e->perf = e->cost.avg_window[(unsigned)f.window < 3 ? f.window : GS_TIER_RUN];
    e->slack_left_s = gs_flex_slack_left_s(&f) - e->cost.lost_s;
}

/* The perf of job ji running (its "run" entry's perf, fill_entry), without the entry. */
static double run_perf(const ctx *c, int ji)
{
    jobopts b; /* only its w, base and pricer are written */
    gs_flex_cost rc;
    job_base(c, ji, &b, &rc);
    return b.base;
}

size_t gs_plan_job_options(const gs_plan_state *st, const gs_event *ev, const gs_policy *pol,
                           size_t job, gs_plan_entry *out, size_t max)
{
    if (job >= st->njobs || ev->end_s <= ev->start_s ||
        (pol->decided_s != 0 && ev->end_s <= pol->decided_s))
        return 0; /* nothing to plan (gs_plan_make says why) */
    ctx c;
    ctx_init(&c, st, ev, pol);
    jobopts jo;
    job_options(&c, (int)job, -1, 1, &jo);
    for (int i = 0; i < jo.n && (size_t)i < max; i++)
        fill_entry(&c, (int)job, &jo, i, &out[i]);
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

/* The overrides that make gs_simulate follow entry e of run job j, its lever holding until
 * `end` (the end of the event, or of the last interval its pause continues through); since:
 * the work since its last checkpoint at `start` (a late lever redoes what it did after). */
static int entry_overrides(gs_plan *p, size_t *cap, const gs_plan_job *j, const gs_plan_entry *e,
                           const gs_policy *pol, int64_t start, int64_t end, double since)
{
    if (j->cls != GS_TRAINING || j->run < 0)
        return GS_OK;
    double ro = j->flex.restart_overhead_s > 0 ? j->flex.restart_overhead_s : 0;
    double redo = since > 0 ? since : 0;
    if (e->from_s > start)
        redo += (double)(e->from_s - start);
    int rc = GS_OK;
    int64_t back;
    switch (e->lever) {
    case GS_LEVER_CAP: {
        /* the simulator draws min(power_frac (else cap_frac) x board, running): the measured
         * draw the plan's MW assume */
        double draw = 0;
        if (j->curve && j->curve->has_power) {
            double d = gs_capcurve_power_frac(j->curve, e->cap_frac);
            if (d > 0)
                draw = d;
        }
        return push_ovr(p, cap, (gs_override){j->run, GS_OVR_CAP, e->from_s, end, e->cap_frac,
                                               e->throughput, draw});
    }
    case GS_LEVER_SHRINK:
        rc = push_ovr(p, cap, (gs_override){j->run, GS_OVR_CAP, e->from_s, end, e->cap_frac,
                                             e->throughput, 0});
        if (rc == GS_OK && 2 * ro + redo >= 1)
            rc = push_ovr(p, cap, (gs_override){j->run, GS_OVR_CAP, end,
                                                 end + (int64_t)ceil(2 * ro + redo), 1.0, 0.0, 0});
        return rc;
    case GS_LEVER_PAUSE_CKPT:
        return push_ovr(p, cap, (gs_override){j->run, GS_OVR_PAUSE, e->from_s, end, 0, 0, 0});
    case GS_LEVER_CKPT_PAUSE: {
        /* the on-demand checkpoint: full power, no progress, just before the pause */
        int64_t ck = (int64_t)ceil(j->ckpt_signal_s > 0 ? j->ckpt_signal_s : 0);
        if (ck >= 1)
            rc = push_ovr(p, cap, (gs_override){j->run, GS_OVR_CAP, e->from_s - ck, e->from_s,
                                                 1.0, 0.0, 0});
        if (rc == GS_OK)
            rc = push_ovr(p, cap, (gs_override){j->run, GS_OVR_PAUSE, e->from_s, end, 0, 0, 0});
        return rc;
    }
    case GS_LEVER_PAUSE_NOW:
    case GS_LEVER_REQUEUE: {
        int64_t stop = end;
        if (e->lever == GS_LEVER_REQUEUE)
            stop += (int64_t)ceil(pol->requeue_overhead_s > 0 ? pol->requeue_overhead_s : 0);
        rc = push_ovr(p, cap, (gs_override){j->run,
                                             e->lever == GS_LEVER_REQUEUE ? GS_OVR_OFF : GS_OVR_PAUSE,
                                             e->from_s, stop, 0, 0, 0});
        int redo_now = e->lever == GS_LEVER_PAUSE_NOW ||
                       (e->lever == GS_LEVER_REQUEUE && e->cost.lost_s >
                        (double)(stop - e->from_s) + ro + 0.5);
        back = stop + (int64_t)ceil(ro);
        if (rc == GS_OK && redo_now && redo >= 1)
            rc = push_ovr(p, cap, (gs_override){j->run, GS_OVR_CAP, back,
                                                 back + (int64_t)ceil(redo), 1.0, 0.0, 0});
        return rc;
    }
    default:
        return GS_OK;
    }
}

/* ---- one event ----------------------------------------------------------------------- */

static int validate(const gs_plan_state *st, const gs_event *ev, const gs_policy *pol,
                    gs_error *err)
{
    if (ev->end_s <= ev->start_s)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "end",
                            "expected an end after the start, found a window of %lld s",
                            (long long)(ev->end_s - ev->start_s));
    if (pol->decided_s != 0 && ev->end_s <= pol->decided_s)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "end",
                            "expected an event that ends after the decision time (UTC %lld), "
                            "found one over %lld s before it: nothing is left to plan",
                            (long long)pol->decided_s, (long long)(pol->decided_s - ev->end_s));
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
    if (pol->priority != GS_PRIORITY_THROUGHPUT && pol->priority != GS_PRIORITY_COST)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "priority",
                            "expected priority throughput or cost, found %d", (int)pol->priority);
    return GS_OK;
}

/* A late option: when it holds from, its cut, its job. */
typedef struct late {
    int64_t from_s;
    double cut_mw;
    int jo;
} late;

static int cmp_late(const void *a, const void *b)
{
    const late *x = a, *y = b;
    if (x->from_s != y->from_s)
        return x->from_s < y->from_s ? -1 : 1;
    if (x->jo != y->jo)
        return x->jo - y->jo;
    return (x->cut_mw > y->cut_mw) - (x->cut_mw < y->cut_mw);
}

/* The scope's largest cut when the late levers holding by m join (mx: n scratch). */
static double late_total(const jobsol *jos, const cand *pool, int n, const late *lt, size_t nlt,
                         int64_t m, double *mx)
{
    for (int i = 0; i < n; i++)
        mx[i] = MAXCUT(jos[i]);
    for (size_t a = 0; a < nlt; a++)
        if (lt[a].from_s <= m && lt[a].cut_mw > mx[lt[a].jo])
            mx[lt[a].jo] = lt[a].cut_mw;
    double total = 0;
    for (int i = 0; i < n; i++)
        total += mx[i];
    return total;
}

static int nomem(gs_error *err)
{
    return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

/* Plan the event of c: out's scope figures, options, the search and the entries (every job
 * in scope, in job order). Totals, the response curve and overrides: finish_plan. */
/* Which of the job's leads (cap, pause, checkpoint-pause) act by start + ramp. */
static int ontime_mask(const ctx *c, const jconst *jc)
{
    double now = (double)c->now, ready = (double)c->ready;
    return (now + jc->cap_lead <= ready) | (now + jc->pause_lead <= ready) << 1 |
           (now + jc->cks_lead <= ready) << 2;
}

/* 1 when the job's options in c are those cached (see ocache). */
static int cache_hit(const ctx *c, int ji, const ocache *k, int mask)
{
    const carry *y = &c->cy[ji];
    const jconst *m = &c->jc[ji]; /* (lost_matters: see jconst_init) */
    return k->valid && k->dur == c->dur && (k->later == c->later || !k->ckpt) &&
           k->ontime_mask == mask &&
           (!m->lost_matters || k->lost_s == y->lost_s) &&
           (!m->day || k->lost_day_s == y->lost_day_s) &&
           k->paused == y->paused &&
           k->bridge == y->bridge && k->lever == (int)y->lever && k->gap_s == y->gap_s &&
           (k->since_kept ? k->since_ckpt_s == y->since_ckpt_s
                          : y->since_ckpt_s >= k->since_ckpt_s);
}

/* 1 when a kept option of js depends on the work since the checkpoint (pause-now, shrink, a
 * requeue without a checkpoint before the start). When none does, more work since the
 * checkpoint leaves the kept options as they are: it only adds lost time to the options that
 * depend on it (more cost, no more average throughput over any window, a tier that fails
 * still failing), and an option beaten by another (or first among equal cuts) stays beaten by
 * it, or by the kept option that beat that one, which did not change. */
static int since_kept(const jobsol *js, int ckpt)
{
    for (int q = 1; q < js->n; q++) {
        int t = js->tag[q];
        if (t == SRC_NOW || t == SRC_SHRINK || (t == SRC_REQUEUE && !ckpt))
            return 1;
    }
    return 0;
}

/* Keep the options job_options listed (jo, every one on time, none a scheduled checkpoint's)
 * as the records of cache k in ws (none when out of memory). */
static void store_records(const jobopts *jo, ocache *k, wspace *ws)
{
    k->rok = 0;
    if (jo->nocut || jo->n >= MAXOPT - 1)
        return; /* a cap priced but not listed, or no room for one more: listed afresh */
    int room = jo->n; /* the options but "run", and one more: the cap where the tier binds */
    if (k->rroom < room) {
        rawopt *r = buf_get(&ws->recs, (ws->nrecs + (size_t)room) * sizeof *r);
        if (!r)
            return;
        k->rfirst = (int)ws->nrecs;
        k->rroom = (unsigned char)room;
        ws->nrecs += (size_t)room;
    }
    rawopt *r = (rawopt *)ws->recs.p + k->rfirst;
    for (int q = 1; q < jo->n; q++)
        r[q - 1] = (rawopt){jo->o[q].cut_mw, jo->lost[q], jo->evthr[q], jo->o[q].lever,
                            jo->o[q].src};
    k->nrec = (unsigned char)(jo->n - 1);
    k->rok = 1;
}

/* 1 when training job ji's options in c are its records of cache k (rawopt) priced again:
 * they were listed with every lever on time, and since then only what the job lost, lost in
 * the day and did since its checkpoint grew (everything else cache_hit compares is the same).
 * Then the fresh listing lists what it did, in the same order, but the options that broke the
 * tier (more lost time only makes a tier stricter, and an option that depends on the work
 * since the checkpoint only loses more) and the caps after the first that breaks it, and the
 * cap where the tier binds over the day, which moved (found again). */
static int reprice_ok(const ctx *c, int ji, const ocache *k, int mask)
{
    const carry *y = &c->cy[ji];
    return k->rok && k->valid && mask == 7 && k->ontime_mask == mask && k->dur == c->dur &&
           (k->later == c->later || !k->ckpt) && k->paused == y->paused &&
           k->bridge == y->bridge && k->lever == (int)y->lever && k->gap_s == y->gap_s &&
           y->lost_s >= k->lost_s && y->lost_day_s >= k->lost_day_s &&
           y->since_ckpt_s >= k->since_ckpt_s;
}

/* Job ji's options (reprice_ok) priced again from its records r (of cache k, rewritten: the
 * options listed now), pruned into js at pool: the same as job_options and prune_and_hull.
 * Returns 0 when it cannot say (a figure not a number, no room): then it is listed afresh. */
static int reprice(const ctx *c, int ji, ocache *k, rawopt *r, jobsol *js, cand *pool)
{
    const gs_plan_job *j = &c->st->jobs[ji];
    const gs_policy *pol = c->pol;
    jobopts jo; /* only its w, base and pricer are written */
    gs_flex_job f = job_base(c, ji, &jo, NULL);
    int nr = k->nrec;
    int levers = j->gpu && f.gpus > 0 && f.tier < 1; /* else "run" only (job_options) */
    if (levers && f.window == GS_TIER_DAY && k->lost_day_s != c->cy[ji].lost_day_s) {
        /* the cap where the tier binds over the day moved: found again, first (as listed) */
        if (nr > 0 && r[0].src == SRC_BCAP)
            memmove(r, r + 1, (size_t)--nr * sizeof *r);
        int ontime;
        int64_t from;
        double bc, lost, evthr, cut;
        capctx kc;
        if (j->curve && j->curve->n >= 2 && timing(c, c->jc[ji].cap_lead, &ontime, &from) &&
            (kc = cap_ctx(c, j, from),
             bcap_of(j->curve, &f, f.tier > 0 ? f.tier : 1, c->dur, kc.hold, &bc)) &&
            cap_raw(j, &kc, gs_capcurve_throughput(j->curve, bc),
                    gs_capcurve_power_frac(j->curve, bc), NULL, &lost, &evthr, &cut) &&
            cut > 1e-12) { /* (one that cuts nothing is not listed, and breaks nothing) */
            if (nr + 1 > k->rroom)
                return 0;
            memmove(r + 1, r, (size_t)nr * sizeof *r);
            r[0] = (rawopt){cut, lost, evthr, GS_LEVER_CAP, SRC_BCAP};
            nr++;
        }
    }
    /* the options that depend on the work since the checkpoint, as job_options prices them
     * (every lever on time: from the start) */
    int64_t start = c->ev->start_s, from = start;
    gs_flex_job fl = f;
    fl.since_ckpt_s = (f.since_ckpt_s > 0 ? f.since_ckpt_s : 0) + (double)(from - start);
    double redo = fl.since_ckpt_s, dur = c->dur;
    double hold = (double)(c->ev->end_s - from);
    double ro = f.restart_overhead_s > 0 ? f.restart_overhead_s : 0;
    double ks = pol->shrink_frac;
    int cost = pol->priority == GS_PRIORITY_COST;
    pz v[MAXOPT];
    v[0] = (pz){0, 0, 0, GS_LEVER_RUN, 0};
    int n = 1, q = 0, broken = 0, nan = 0;
    for (int i = 0; i < nr; i++) {
        rawopt x = r[i];
        int curve = x.src < SRC_BCAP;
        if (curve && broken)
            continue;
        if (x.src == SRC_NOW) {
            x.lost = gs_flex_lost_s(&fl, GS_LEVER_PAUSE_NOW, hold, -1, 0, 0);
        } else if (x.src == SRC_REQUEUE) {
            x.lost = gs_flex_lost_s(&fl, GS_LEVER_REQUEUE, hold, -1, 0, pol->requeue_overhead_s);
        } else if (x.src == SRC_SHRINK) {
            x.lost = gs_flex_lost_s(&fl, GS_LEVER_SHRINK, hold, -1, ks, 0);
            x.evthr = 1 - hold / dur * (1 - ks) - (ro + redo) * ks / dur;
        }
        double usd, perf;
        if (!gs_flex_quick(&jo.pr, x.lost, x.evthr, &usd, &perf)) {
            broken |= curve; /* the caps after it lose more */
            continue;
        }
        double l = jo.w * (jo.base - perf);
        double loss = l > 0 ? l : 0;
        double p = cost ? usd : loss, sv = cost ? 0 : usd;
        nan |= (p != p) | (sv != sv);
        if (q != i) /* the records of the options listed now (what depends on the work since
                       the checkpoint is priced again each time) */
            r[q] = r[i];
        q++;
        n = pz_insert(v, n, (pz){x.cut, p, sv, x.lever, x.src});
    }
    if (nan)
        return 0; /* the order of the options would depend on the listing's */
    k->nrec = (unsigned char)q;
    prune_sorted(!cost, v, n, 1, js, pool);
    return 1;
}

static int plan_core(const ctx *c, gs_plan *out, icache *ic, wspace *ws, int *late_used,
                     gs_error *err)
{
    ocache *cache = ic ? ic->job : NULL;
    *late_used = 0;
    const gs_plan_state *st = c->st;
    const gs_event *ev = c->ev;
    const gs_policy *pol = c->pol;
    memset(out, 0, sizeof *out);
    out->kind = ev->kind;
    out->limit_mw = NAN;
    out->priority = pol->priority;
    out->decided_s = c->now;
    out->target_s = c->ready;
    out->met_s = -1;

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
    if (ic && ic->scope)
        nin = ic->nscope;
    else
        for (size_t i = 0; i < st->njobs; i++)
            nin += in_scope(st, ev, &st->jobs[i]);
    size_t poolcap = (nin ? nin : 1) * MAXOPT;
    jobsol *jos = buf_get(&ws->jos, (nin ? nin : 1) * sizeof *jos);
    cand *pool = buf_get(&ws->pool[ws->pcur], poolcap * sizeof *pool);
    int *choice = buf_get(&ws->choice, (nin ? nin : 1) * sizeof *choice);
    /* the jobs whose options (so hull) are the previous interval's: for the search's steps */
    unsigned char *same = cache ? buf_get(&ws->same, nin ? nin : 1) : NULL;
    late *lt = NULL;
    size_t nlt = 0, ltcap = 0;
    if (!jos || !pool || !choice || (cache && !same))
        return nomem(err);
    double hours = c->dur / 3600.0;
    int value_mode = (ev->kind == GS_PEV_PRICE && pol->kind == GS_POLICY_PRICE) ||
                     (ev->kind == GS_PEV_PEAK && pol->kind == GS_POLICY_CAPACITY && !(ev->mw > 0));
    int cover = pol->kind != GS_POLICY_MUST_RUN && !value_mode && need > 0;
    int n = 0, npool = 0, oom = 0;
    jobopts jo; /* scratch */
    int listed = ic && ic->scope; /* intervals: the scope's jobs, known */
    for (size_t x = 0, i = 0; x < (listed ? ic->nscope : st->njobs); x++)
        if (listed ? (i = (size_t)ic->scope[x], 1) : (i = x, in_scope(st, ev, &st->jobs[i]))) {
            int mask = cache ? ontime_mask(c, &c->jc[i]) : 0;
            if (same)
                same[n] = 0;
            if (cache && cache_hit(c, (int)i, &cache[n], mask)) {
                same[n] = 1;
                cache[n].keyed = 1;
                jos[n] = cache[n].js;
                jos[n].first = npool;
                memcpy(pool + npool, ic->pool + cache[n].js.first, (size_t)jos[n].n * sizeof *pool);
                cache[n].js.first = npool; /* in this pool, which becomes the cache's */
                npool += jos[n].n;
                out->available_mw += MAXCUT(jos[n]);
                choice[n] = 0;
                n++;
                continue;
            }
            jos[n].job = (int)i;
            jos[n].first = npool;
            int listed_now = 1;
            if (cache && reprice_ok(c, (int)i, &cache[n], mask)) {
                ocache *k = &cache[n];
                rawopt *r = (rawopt *)ws->recs.p + k->rfirst;
                listed_now = !reprice(c, (int)i, k, r, &jos[n], pool);
                if (listed_now)
                    k->rok = 0; /* its records may be half rewritten */
                jo.n = 1; /* (what the late levers below read: none) */
                jo.any_late = 0;
                jo.ckpt = 0;
            }
            if (listed_now) {
                job_options(c, (int)i, -1, 0, &jo);
                prune_and_hull(c, &jo, c->ready, &jos[n], pool);
            }
            if (cache) {
                ocache *k = &cache[n];
                const carry *y = &c->cy[i];
                k->keyed = !listed_now;
                if (listed_now) {
                    k->rok = 0; /* (records are only a shortcut: none when out of memory) */
                    if (!jo.any_late && !jo.ckpt && st->jobs[i].cls == GS_TRAINING)
                        store_records(&jo, k, ws);
                }
                k->valid = !jo.any_late;
                k->dur = c->dur;
                k->later = c->later;
                k->ontime_mask = mask;
                k->lost_s = y->lost_s;
                k->lost_day_s = y->lost_day_s;
                k->since_ckpt_s = y->since_ckpt_s;
                k->gap_s = y->gap_s;
                k->paused = y->paused;
                k->bridge = y->bridge;
                k->lever = (int)y->lever;
                k->since_kept = since_kept(&jos[n], jo.ckpt);
                k->ckpt = jo.ckpt;
                k->chosen = -1;
                k->elost_s = NAN;
                k->js = jos[n];
            }
            npool += jos[n].n;
            out->available_mw += MAXCUT(jos[n]);
            choice[n] = 0;
            size_t first_lt = nlt;
            if (cover)
                for (int k = 1; k < jo.n; k++)
                    if (!jo.o[k].ontime) {
                        size_t q = first_lt;
                        while (q < nlt && lt[q].from_s != jo.o[k].from_s)
                            q++;
                        if (q < nlt) { /* one record per job and time: the largest cut */
                            if (jo.o[k].cut_mw > lt[q].cut_mw)
                                lt[q].cut_mw = jo.o[k].cut_mw;
                            continue;
                        }
                        if (nlt == ltcap) {
                            size_t nc = ltcap ? 2 * ltcap : 64;
                            late *nl = realloc(lt, nc * sizeof *nl);
                            if (!nl) {
                                oom = 1;
                                break;
                            }
                            lt = nl;
                            ltcap = nc;
                        }
                        lt[nlt++] = (late){jo.o[k].from_s, jo.o[k].cut_mw, n};
                    }
            n++;
        }

    /* The levers that act by start + ramp cannot meet the target: the ones that act later
     * join, up to the earliest time D when the scope's largest cuts meet it (all of them if
     * never), and the search runs over the levers holding by D. */
    int used_late = 0;
    if (!oom && cover && nlt > 0 && out->available_mw < need - 1e-9) {
        double *mx = malloc((size_t)n * sizeof *mx);
        char *mark = calloc((size_t)n, 1);
        if (!mx || !mark) {
            oom = 1;
        } else {
            /* the least D such that the largest cuts holding by D meet the target: the total
             * is non-decreasing in D, so bisect over [earliest, latest] late time */
            int64_t lo = lt[0].from_s, hi = lt[0].from_s;
            for (size_t a = 1; a < nlt; a++) {
                lo = lt[a].from_s < lo ? lt[a].from_s : lo;
                hi = lt[a].from_s > hi ? lt[a].from_s : hi;
            }
            int64_t upto = hi;
            if (late_total(jos, pool, n, lt, nlt, hi, mx) >= need - 1e-9) {
                int64_t l = lo, h = hi;
                while (l < h) {
                    int64_t m = l + (h - l) / 2;
                    if (late_total(jos, pool, n, lt, nlt, m, mx) >= need - 1e-9)
                        h = m;
                    else
                        l = m + 1;
                }
                upto = l;
            }
            size_t nrel = 0;
            for (size_t a = 0; a < nlt; a++)
                if (lt[a].from_s <= upto && !mark[lt[a].jo]) {
                    mark[lt[a].jo] = 1;
                    nrel++;
                }
            if ((size_t)npool + nrel * MAXOPT > poolcap) {
                size_t nc = (size_t)npool + nrel * MAXOPT;
                cand *np = buf_get(&ws->pool[ws->pcur], nc * sizeof *np);
                if (!np)
                    oom = 1;
                else {
                    pool = np;
                    poolcap = nc;
                }
            }
            if (!oom) {
                for (int i = 0; i < n; i++)
                    if (mark[i]) {
                        if (same)
                            same[i] = 0;
                        out->available_mw -= MAXCUT(jos[i]);
                        job_options(c, jos[i].job, -1, 0, &jo);
                        jos[i].first = npool;
                        prune_and_hull(c, &jo, upto, &jos[i], pool);
                        npool += jos[i].n;
                        out->available_mw += MAXCUT(jos[i]);
                    }
                used_late = 1;
            }
        }
        free(mx);
        free(mark);
    }
    free(lt);
    if (oom)
        return nomem(err);

    int nm = 0;
    if (pol->kind == GS_POLICY_MUST_RUN || value_mode || !(need > 0))
        ws->sprev_ok = 0; /* no search: no steps for the next interval's */
    if (pol->kind == GS_POLICY_MUST_RUN) {
        out->optimal = 1;
        snprintf(out->note, sizeof out->note, "policy must-run: nothing is curtailed");
    } else if (value_mode) {
        int cp = pol->priority == GS_PRIORITY_COST;
        for (int i = 0; i < n; i++) {
            double bestv = 0;
            for (int k = 1; k < jos[i].n; k++) {
                const cand *o = OPT(jos[i], k);
                double usd = cp ? o->p : o->s;
                double v = (ev->kind == GS_PEV_PRICE ? ev->price_usd_per_mwh * o->cut_mw * hours
                                                    : pol->capacity_usd_per_mw * o->cut_mw) -
                           usd;
                if (v > bestv + 1e-9) {
                    bestv = v;
                    choice[i] = k;
                }
            }
        }
        out->optimal = 1;
    } else if (need > 0) {
        out->optimal = solve_cover(jos, pool, n, need, choice, pol, ws, same, &nm);
    } else {
        out->optimal = 1;
    }
    if (nm)
        return nomem(err);

    /* entries: every in-scope job (compact: every one curtailed), in job order; the chosen
     * option listed again */
    int compact = ic && ic->compact;
    size_t nent = (size_t)n;
    if (compact) {
        nent = 0;
        for (int i = 0; i < n; i++)
            nent += choice[i] != 0;
    }
    out->entries = nent ? malloc(nent * sizeof *out->entries) : NULL;
    if (nent && !out->entries)
        return nomem(err);
    for (int i = 0; i < n; i++) {
        /* the same options and the same choice as the previous interval: its entry, moved */
        int kept = cache && cache[i].valid && cache[i].chosen == choice[i] && ic->prev &&
                   cache[i].elost_s == c->cy[jos[i].job].lost_s;
        const gs_plan_entry *pe = NULL;
        if (kept && !compact && (size_t)i < ic->nprev && ic->prev[i].job == jos[i].job)
            pe = &ic->prev[i];
        else if (kept && compact && choice[i] != 0 && ic->ppos[i] >= 0)
            pe = &ic->prev[ic->ppos[i]];
        if (compact && choice[i] == 0) { /* runs: only its perf, for the weighted figure */
            ic->cpos[i] = -1;
            if (kept)
                continue; /* its perf running is the previous interval's (logged then) */
        } else if (pe) {
            if (compact)
                ic->cpos[i] = (int)out->nentries;
            gs_plan_entry *e = &out->entries[out->nentries++];
            *e = *pe;
            move_entry(c, e);
            continue;
        }
        /* the same lever as in the previous interval, listed with the same inputs but what
         * the job lost: that entry, moved and priced again */
        int src = choice[i] != 0 ? jos[i].tag[choice[i]] : -1;
        const gs_plan_entry *pu = NULL;
        if (cache && ic->prev && cache[i].keyed && cache[i].valid && src >= 0 &&
            cache[i].esrc == src && reprices_entry(c, jos[i].job, src)) {
            if (!compact && (size_t)i < ic->nprev && ic->prev[i].job == jos[i].job)
                pu = &ic->prev[i];
            else if (compact && ic->ppos[i] >= 0)
                pu = &ic->prev[ic->ppos[i]];
        }
        if (cache) {
            cache[i].chosen = cache[i].valid ? choice[i] : -1;
            cache[i].elost_s = c->cy[jos[i].job].lost_s;
            cache[i].esrc = src;
        }
        if (compact && choice[i] == 0) {
            if (!log_perf(ic->pl, i, run_perf(c, jos[i].job))) {
                gs_plan_free(out);
                return nomem(err);
            }
            continue;
        }
        if (compact)
            ic->cpos[i] = (int)out->nentries;
        gs_plan_entry *e = &out->entries[out->nentries++];
        if (pu) {
            *e = *pu;
            move_entry(c, e);
            reprice_entry(c, e);
        } else if (choice[i] == 0) {
            fill_entry(c, jos[i].job, NULL, 0, e);
        } else {
            job_options(c, jos[i].job, jos[i].tag[choice[i]], 1, &jo);
            fill_entry(c, jos[i].job, &jo, jo.n > 1 ? 1 : 0, e);
        }
    }
    if (ic) { /* this pool holds the cached options now */
        ic->pool = pool;
        ws->pcur ^= 1;
    }
    *late_used = used_late;
    return GS_OK;
}

/* ---- totals, the response curve, the note ---------------------------------------------- */

typedef struct lvgroup {
    gs_lever lever;
    int64_t from_s;
    double mw;
    int n;
} lvgroup;

/* Why the plan at point t is what it is: the levers still waiting, grouped by lever and
 * time, earliest first. */
/* The groups of point_why: the levers of cur[0 .. ncur) still waiting at at_s. */
typedef struct whygroups {
    lvgroup g[4];
    int ng, more;
} whygroups;

static void why_groups(const lvgroup *cur, size_t ncur, int64_t at_s, whygroups *wg)
{
    lvgroup *g = wg->g;
    int ng = 0, more = 0;
    for (size_t i = 0; i < ncur; i++) {
        const lvgroup *e = &cur[i];
        if (e->from_s <= at_s)
            continue;
        int k = 0;
        while (k < ng && !(g[k].lever == e->lever && g[k].from_s == e->from_s))
            k++;
        if (k == ng) {
            if (ng < 4) {
                g[ng++] = (lvgroup){e->lever, e->from_s, 0, 0};
            } else { /* keep the 4 earliest */
                int w = 0;
                for (int q = 1; q < 4; q++)
                    if (g[q].from_s > g[w].from_s)
                        w = q;
                if (e->from_s < g[w].from_s) {
                    more += g[w].n;
                    g[w] = (lvgroup){e->lever, e->from_s, 0, 0};
                    k = w;
                } else {
                    more++;
                    continue;
                }
            }
        }
        g[k].mw += e->mw;
        g[k].n++;
    }
    for (int a = 1; a < ng; a++) /* sort by time, then lever */
        for (int b = a; b > 0 && (g[b].from_s < g[b - 1].from_s ||
                                  (g[b].from_s == g[b - 1].from_s && g[b].lever < g[b - 1].lever));
             b--) {
            lvgroup t = g[b];
            g[b] = g[b - 1];
            g[b - 1] = t;
        }
    wg->ng = ng;
    wg->more = more;
}

/* Why the plan at point pt is what it is, the levers still waiting grouped as wg. */
static void point_why(const ctx *c, const whygroups *wg, gs_plan_point *pt)
{
    const lvgroup *g = wg->g;
    int ng = wg->ng, more = wg->more;
    char *w = pt->why;
    size_t cap = sizeof pt->why, len = 0;
    w[0] = 0;
#define PUT(...)                                                                                   \
    do {                                                                                           \
        if (len < cap) {                                                                           \
            int r_ = snprintf(w + len, cap - len, __VA_ARGS__);                                    \
            len += r_ > 0 ? (size_t)r_ : 0;                                                        \
        }                                                                                          \
    } while (0)
    if (pt->at_s < c->ready)
        PUT("target applies from +%llds", (long long)(c->ready - c->now));
    else if (pt->at_s >= c->ev->end_s)
        PUT("event over");
    else if (pt->shortfall_mw > 0)
        PUT("short %.3f MW", pt->shortfall_mw);
    else
        PUT("target met");
    for (int k = 0; k < ng; k++)
        PUT("%s %s %.3f MW (%d) at +%llds", k ? "," : "; waiting:", gs_lever_name(g[k].lever),
            g[k].mw, g[k].n, (long long)(g[k].from_s - c->now));
    if (more)
        PUT(", %d more", more);
    if (pt->shortfall_mw > 0 && pt->waiting_mw < pt->shortfall_mw - 1e-9)
        PUT("; no more within tiers and leads");
#undef PUT
    if (len >= cap && cap > 4)
        memcpy(w + cap - 4, "...", 4);
}

/* Totals, weighted throughput, shortfall, value, the response curve and the note. A compact
 * plan (runperf not NULL) lists only the jobs curtailed, sorted by job: the others' weight and
 * perf (runperf[x] for scope[x]) join the weighted figure in job order, as their entries would
 * (the jobs running add nothing to the other sums). */
static void finish_plan(const ctx *c, gs_plan *out, int late_used, wspace *ws,
                        const double *runperf, const int *scope, const double *wts, size_t nscope)
{
    const gs_event *ev = c->ev;
    const gs_policy *pol = c->pol;
    out->achieved_mw = 0;
    out->cost_usd = 0;
    double sw = 0, swp = 0, at_ready = 0;
    size_t nlater = 0;
    for (size_t i = 0; i < out->nentries; i++) {
        const gs_plan_entry *e = &out->entries[i];
        out->achieved_mw += e->reduction_mw;
        out->cost_usd += e->lever == GS_LEVER_RUN ? 0 : e->cost.usd;
        if (!runperf) {
            sw += e->weight;
            swp += e->weight * e->perf;
        }
        if (e->reduction_mw > 0) {
            if (e->from_s <= c->ready)
                at_ready += e->reduction_mw;
            else
                nlater++;
        }
    }
    for (size_t x = 0, q = 0; runperf && x < nscope; x++) {
        if (q < out->nentries && out->entries[q].job == scope[x]) {
            sw += out->entries[q].weight;
            swp += out->entries[q].weight * out->entries[q].perf;
            q++;
        } else {
            sw += wts[x];
            swp += wts[x] * runperf[x];
        }
    }
    out->weighted_throughput = sw > 0 ? swp / sw : 1;
    out->shortfall_mw = out->target_mw - out->achieved_mw > 1e-9 ? out->target_mw - out->achieved_mw : 0;
    double hours = c->dur / 3600.0;
    if (ev->kind == GS_PEV_PRICE)
        out->value_usd = ev->price_usd_per_mwh * out->achieved_mw * hours;
    else if (ev->kind == GS_PEV_PEAK)
        out->value_usd = pol->capacity_usd_per_mw * out->achieved_mw;
    /* met: at start + ramp, or when the last lever it needs acts */
    out->met_s = -1;
    if (at_ready >= out->target_mw - 1e-9) {
        out->met_s = c->ready;
    } else if (out->shortfall_mw == 0 && nlater > 0) {
        late *t = buf_get(&ws->late, nlater * sizeof *t);
        if (t) {
            /* the late levers by time; the cut reaches the target at one of them */
            size_t k = 0;
            for (size_t i = 0; i < out->nentries; i++)
                if (out->entries[i].reduction_mw > 0 && out->entries[i].from_s > c->ready)
                    t[k++] = (late){out->entries[i].from_s, out->entries[i].reduction_mw, (int)i};
            qsort(t, nlater, sizeof *t, cmp_late);
            double got = at_ready;
            for (size_t a = 0; a < nlater && out->met_s < 0; a++) {
                got += t[a].cut_mw;
                if (got >= out->target_mw - 1e-9)
                    out->met_s = t[a].from_s;
            }
        }
    }
    /* the response curve, over the curtailed entries (as lever, from when it acts and holds:
     * the later of its start and decision + lead, MW) */
    size_t ncur = 0;
    lvgroup *cur = buf_get(&ws->cur, (out->nentries ? out->nentries : 1) * sizeof *cur);
    for (size_t i = 0; cur && i < out->nentries; i++) {
        const gs_plan_entry *e = &out->entries[i];
        int64_t t = e->act_s > e->from_s ? e->act_s : e->from_s; /* it acts, and holds */
        if (e->lever != GS_LEVER_RUN && t < e->to_s && e->reduction_mw > 0)
            cur[ncur++] = (lvgroup){e->lever, t, e->reduction_mw, 1};
    }
    /* once every lever acts, a point has them all: their sum, in the same order */
    int64_t latest = INT64_MIN, earliest = INT64_MAX;
    double all_mw = 0;
    for (size_t i = 0; i < ncur; i++) {
        all_mw += cur[i].mw;
        latest = cur[i].from_s > latest ? cur[i].from_s : latest;
        earliest = cur[i].from_s < earliest ? cur[i].from_s : earliest;
    }
    /* before the first lever acts, every point waits for them all: the same sum and groups */
    whygroups none, every, wg;
    memset(&none, 0, sizeof none);
    int have_every = 0;
    static const int64_t after[GS_PLAN_POINTS - 1] = {1, 10, 60, 300, 900};
    for (int k = 0; k < GS_PLAN_POINTS; k++) {
        gs_plan_point *pt = &out->points[k];
        memset(pt, 0, sizeof *pt);
        pt->after_s = k < GS_PLAN_POINTS - 1 ? after[k] : c->ready - c->now;
        pt->at_s = c->now + pt->after_s;
        pt->in_force = pt->at_s >= c->ready && pt->at_s < ev->end_s;
        int all = pt->at_s >= latest, waits = pt->at_s < earliest;
        if (pt->at_s < ev->end_s && all)
            pt->achieved_mw = all_mw;
        else if (pt->at_s < ev->end_s && waits)
            pt->waiting_mw = all_mw;
        else if (pt->at_s < ev->end_s)
            for (size_t i = 0; i < ncur; i++) {
                if (cur[i].from_s <= pt->at_s)
                    pt->achieved_mw += cur[i].mw;
                else
                    pt->waiting_mw += cur[i].mw;
            }
        double sf = out->target_mw - pt->achieved_mw;
        pt->shortfall_mw = pt->in_force && sf > 1e-9 ? sf : 0;
        const whygroups *pw = &none;
        if (cur && !all && waits) {
            if (!have_every)
                why_groups(cur, ncur, pt->at_s, &every);
            have_every = 1;
            pw = &every;
        } else if (cur && !all) {
            why_groups(cur, ncur, pt->at_s, &wg);
            pw = &wg;
        }
        point_why(c, pw, pt);
    }
    if (out->note[0])
        return;
    if (out->shortfall_mw > 0 && !late_used)
        snprintf(out->note, sizeof out->note,
                 "short by %.3f MW: the scope can cut at most %.3f MW within the jobs' tiers, "
                 "the notice and the ramp", out->shortfall_mw, out->available_mw);
    else if (out->shortfall_mw > 0)
        snprintf(out->note, sizeof out->note,
                 "short by %.3f MW: the scope can cut at most %.3f MW within the jobs' tiers, even "
                 "with the levers that act after start + ramp (from when they act: see the "
                 "response curve)", out->shortfall_mw, out->available_mw);
    else if (late_used)
        snprintf(out->note, sizeof out->note,
                 "the levers that act by start + ramp cut %.3f of the %.3f MW asked: the plan "
                 "uses levers that act later and meets the target %lld s after the decision, "
                 "%lld s after start + ramp (see the response curve)", at_ready, out->target_mw,
                 (long long)(out->met_s - c->now), (long long)(out->met_s - c->ready));
}

static int single_overrides(const ctx *c, gs_plan *out)
{
    size_t ocap = 0;
    for (size_t i = 0; i < out->nentries; i++) {
        const gs_plan_entry *e = &out->entries[i];
        const gs_plan_job *j = &c->st->jobs[e->job];
        int rc = entry_overrides(out, &ocap, j, e, c->pol, c->ev->start_s, c->ev->end_s,
                                 j->flex.since_ckpt_s);
        if (rc < 0)
            return rc;
    }
    return GS_OK;
}

int gs_plan_make(const gs_plan_state *st, const gs_event *ev, const gs_policy *pol,
                 gs_plan *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    out->kind = ev->kind;
    out->limit_mw = NAN;
    out->met_s = -1;
    int rc = validate(st, ev, pol, err);
    if (rc < 0)
        return rc;
    ctx c;
    ctx_init(&c, st, ev, pol);
    int late_used = 0;
    wspace ws;
    memset(&ws, 0, sizeof ws);
    if ((rc = plan_core(&c, out, NULL, &ws, &late_used, err)) < 0) {
        wspace_free(&ws);
        return rc;
    }
    finish_plan(&c, out, late_used, &ws, NULL, NULL, NULL, 0);
    wspace_free(&ws);
    if (single_overrides(&c, out) < 0) {
        gs_plan_free(out);
        return nomem(err);
    }
    return GS_OK;
}

/* ---- consecutive intervals, jointly ---------------------------------------------------- */

/* Entry e of interval c (a run) becomes the continuation of a pause (a bridge). */
static void make_continued(const ctx *c, gs_plan_entry *e, gs_lever lever, double cut_mw,
                           const gs_flex_job *f)
{
    const gs_plan_job *j = &c->st->jobs[e->job];
    e->lever = lever;
    e->from_s = c->ev->start_s;
    e->act_s = c->ev->start_s;
    e->to_s = c->ev->end_s;
    e->cap_frac = 0;
    e->throughput = 0;
    e->reduction_mw = cut_mw;
    e->mw_after = j->power_mw - cut_mw;
    e->lead_s = 0;
    e->continued = 1;
    gs_flex_price_window(f, c->dur, c->dur, 0, c->pol->deadline_penalty, &e->cost);
    e->perf = e->cost.avg_window[(unsigned)f->window < 3 ? f->window : GS_TIER_RUN];
    e->slack_left_s = gs_flex_slack_left_s(f) - e->cost.lost_s;
}

/* f after losing lost_s more over its run (slack, deadline), day_s of it in its day window. */
static void lose_more(gs_flex_job *f, double lost_s, double day_s)
{
    f->slack_used_s += lost_s;
    if (isfinite(f->deadline_margin_s))
        f->deadline_margin_s -= lost_s;
    f->lost_day_s += day_s;
}

static int cmp_entry_job(const void *a, const void *b)
{
    const gs_plan_entry *x = a, *y = b;
    return (x->job > y->job) - (x->job < y->job);
}

static void free_plans(gs_plan *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        gs_plan_free(&p[i]);
}

int gs_plan_make_intervals(const gs_plan_state *st, const gs_event *evs, size_t n,
                           const gs_policy *pol, gs_plan *plans_out, gs_error *err)
{
    for (size_t i = 0; i < n; i++) {
        memset(&plans_out[i], 0, sizeof plans_out[i]);
        plans_out[i].kind = evs[i].kind;
        plans_out[i].limit_mw = NAN;
        plans_out[i].met_s = -1;
    }
    if (n == 0)
        return GS_OK;
    for (size_t i = 0; i < n; i++) {
        int rc = validate(st, &evs[i], pol, err);
        if (rc < 0)
            return rc;
        if (i == 0)
            continue;
        const gs_event *a = &evs[i - 1], *b = &evs[i];
        if (b->start_s != a->end_s)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "start",
                                "expected interval %zu to start where interval %zu ends "
                                "(consecutive intervals), found a %s of %lld s", i, i - 1,
                                b->start_s > a->end_s ? "gap" : "overlap",
                                (long long)(b->start_s > a->end_s ? b->start_s - a->end_s
                                                                  : a->end_s - b->start_s));
        if (b->scope != a->scope || b->scope_index != a->scope_index || b->cls != a->cls ||
            b->kind != a->kind)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "type",
                                "expected the intervals of one event: the same type, scope and "
                                "class; interval %zu differs from interval %zu", i, i - 1);
    }
    carry *cy = calloc(st->njobs ? st->njobs : 1, sizeof *cy);
    ctx *cs = malloc(n * sizeof *cs);
    int *lu = calloc(n, sizeof *lu);
    int compact = !pol->all_entries;
    /* the jobs in scope (the same in every interval), in job order, and where each is */
    size_t ne = 0, lo = 0;
    for (size_t j = 0; j < st->njobs; j++)
        ne += in_scope(st, &evs[0], &st->jobs[j]);
    size_t nne = n * ne > 0 ? n * ne : 1;
    int *scope = malloc((ne ? ne : 1) * sizeof *scope); /* [ne] */
    double *jw = malloc((ne ? ne : 1) * sizeof *jw); /* [ne] each job's weight */
    double *nck = malloc((ne ? ne : 1) * sizeof *nck); /* [ne] each job's next checkpoint */
    int *xof = malloc((st->njobs ? st->njobs : 1) * sizeof *xof); /* job -> x, -1: out */
    jconst *jc = malloc((st->njobs ? st->njobs : 1) * sizeof *jc); /* [njobs], in scope filled */
    double *capcut = NULL; /* the jconst's cuts */
    /* the work since the checkpoint at each interval's start of each entry that gets overrides
     * (a lever, not continuing a pause), in job order: since[k] for interval k (one array an
     * interval: growing one would copy it) */
    double **since = calloc(n, sizeof *since);
    double *dsum = calloc(ne ? ne : 1, sizeof *dsum); /* [ne] lost in the intervals lo..k-1 */
    /* compact: the perf of each job running (logged as it changes: where each interval's
     * changes start in the log; the values as finish_plan reads them), where its entry is in
     * this and the previous interval, which entries are continued pauses, which lists a bridge
     * grew */
    perflog plog;
    memset(&plog, 0, sizeof plog);
    plog.cur = compact ? malloc((ne ? ne : 1) * sizeof *plog.cur) : NULL;
    size_t *plfirst = compact ? malloc((n + 1) * sizeof *plfirst) : NULL;
    double *runperf = compact ? malloc((ne ? ne : 1) * sizeof *runperf) : NULL;
    int *pos = compact ? malloc(2 * (ne ? ne : 1) * sizeof *pos) : NULL;
    unsigned char *contp = compact ? calloc(nne, 1) : NULL;
    unsigned char *grown = compact ? calloc(n, 1) : NULL;
    /* each plan is finished (finish_plan) once its interval is planned, while its entries are
     * fresh; again at the end when a later bridge changed it (refin), its note then cleared
     * unless plan_core wrote it (cnote) */
    unsigned char *refin = calloc(n, 1), *cnote = calloc(n, 1);
    icache ic;
    memset(&ic, 0, sizeof ic);
    wspace ws;
    memset(&ws, 0, sizeof ws);
    int rc = GS_OK;
    size_t done = 0;
    if (!cy || !cs || !lu || !since || !refin || !cnote || !scope || !jw || !nck || !xof || !jc ||
        !dsum ||
        (compact && (!plog.cur || !plfirst || !runperf || !pos || !contp || !grown))) {
        rc = nomem(err);
        goto out;
    }
    for (size_t j = 0, x = 0; j < st->njobs; j++) {
        xof[j] = in_scope(st, &evs[0], &st->jobs[j]) ? (int)x : -1;
        if (xof[j] >= 0) {
            jw[x] = weight_of(&st->jobs[j]);
            nck[x] = st->jobs[j].next_ckpt_s;
            scope[x++] = (int)j;
        }
    }
    size_t ncut = 0;
    for (size_t x = 0; x < ne; x++) {
        const gs_capcurve *cv = st->jobs[scope[x]].curve;
        ncut += cv && cv->n >= 2 ? cv->n - 1 : 0;
    }
    if (!(capcut = malloc((ncut ? ncut : 1) * sizeof *capcut))) {
        rc = nomem(err);
        goto out;
    }
    for (size_t x = 0, q = 0; x < ne; x++) {
        const gs_plan_job *j = &st->jobs[scope[x]];
        jconst_init(j, pol, &jc[scope[x]], capcut + q);
        q += j->curve && j->curve->n >= 2 ? j->curve->n - 1 : 0;
    }
    ic.scope = scope;
    ic.nscope = ne;
    ic.compact = compact;
    for (size_t x = 0; compact && x < ne; x++)
        plog.cur[x] = NAN; /* (finish_plan starts from the same) */
    if (!(ic.job = calloc(ne ? ne : 1, sizeof *ic.job))) { /* the cache of options */
        rc = nomem(err);
        goto out;
    }
    for (size_t j = 0; j < st->njobs; j++)
        cy[j].since_ckpt_s = st->jobs[j].flex.since_ckpt_s;
    for (size_t k = 0; k < n; k++) {
        ctx *c = &cs[k];
        ctx_init(c, st, &evs[k], pol);
        c->later = k > 0;
        c->cy = cy;
        c->jc = jc;
        /* the day window: what earlier intervals lost in the 24 h ending at this one's end
         * (dsum: the losses of intervals lo..k-1) */
        if (k > 0) {
            while (lo < k && cs[lo].ev->start_s < evs[k].end_s - 86400) {
                /* what interval lo cost each job (its entries': the others lost nothing) */
                const gs_plan *pl = &plans_out[lo];
                for (size_t q = 0; q < pl->nentries; q++)
                    dsum[xof[pl->entries[q].job]] -= pl->entries[q].cost.lost_s;
                lo++;
            }
            for (size_t x = 0; x < ne; x++)
                cy[scope[x]].lost_day_s = dsum[x] > 0 ? dsum[x] : 0;
        }

        ic.prev = k >= 1 ? plans_out[k - 1].entries : NULL;
        ic.nprev = k >= 1 ? plans_out[k - 1].nentries : 0;
        if (compact) {
            ic.cpos = pos + (k % 2) * ne;
            ic.ppos = pos + ((k + 1) % 2) * ne;
            ic.pl = &plog;
            plfirst[k] = plog.n;
        }
        if ((rc = plan_core(c, &plans_out[k], &ic, &ws, &lu[k], err)) < 0)
            goto out;
        done = k + 1;
        gs_plan *p = &plans_out[k];
        cnote[k] = p->note[0] != 0;
        /* (at most one an entry: a bridge below makes none) */
        size_t nsince = 0;
        if (!(since[k] = malloc((p->nentries ? p->nentries : 1) * sizeof *since[k]))) {
            rc = nomem(err);
            goto out;
        }
        gs_plan_entry runs; /* compact: what a job that runs reads as */
        memset(&runs, 0, sizeof runs);
        runs.lever = GS_LEVER_RUN;
        runs.throughput = 1;
        for (size_t x = 0; x < ne; x++) {
            gs_plan_entry *e = &runs;
            if (!compact)
                e = &p->entries[x];
            else if (ic.cpos[x] >= 0)
                e = &p->entries[ic.cpos[x]];
            else
                runs.job = scope[x];
            carry *y = &cy[e->job];
            double since_start = y->since_ckpt_s;
            double lost = e->cost.lost_s;
            if (e->continued && !y->paused && y->bridge) {
                /* the bridge: paused through the intervals it had resumed in (they ran; the
                 * intervals it was paused through before keep their entries) */
                double gap = 0, gapday = 0;
                for (size_t i = (size_t)y->resumed; i < k; i++) {
                    gs_flex_job f = flex_of(&cs[i], e->job);
                    lose_more(&f, gap, gap);
                    gs_plan_entry *b;
                    if (compact) { /* the interval's list gains the job's entry */
                        gs_plan *pi = &plans_out[i];
                        gs_plan_entry *ne2 = realloc(pi->entries, (pi->nentries + 1) * sizeof *ne2);
                        if (!ne2) {
                            rc = nomem(err);
                            goto out;
                        }
                        pi->entries = ne2;
                        b = &pi->entries[pi->nentries++];
                        fill_entry(&cs[i], e->job, NULL, 0, b);
                        grown[i] = 1;
                        contp[i * ne + x] = 1;
                    } else {
                        b = &plans_out[i].entries[x];
                    }
                    make_continued(&cs[i], b, y->lever, e->reduction_mw, &f);
                    refin[i] = 1;
                    gap += b->cost.lost_s;
                    if (i >= lo) {
                        dsum[x] += b->cost.lost_s;
                        gapday += b->cost.lost_s;
                    }
                }
                /* this interval's entry counts the gap in its windows, as its option did */
                gs_flex_job f = flex_of(c, e->job);
                lose_more(&f, gap, gapday);
                make_continued(c, e, y->lever, e->reduction_mw, &f);
                lost = gap + e->cost.lost_s;
                y->paused = 1;
            }
            y->lost_s += lost;
            dsum[x] += e->cost.lost_s;
            if (e->lever != GS_LEVER_RUN && !(e->continued && is_pause(e->lever)))
                since[k][nsince++] = since_start;
            if (compact && e->continued && is_pause(e->lever))
                contp[k * ne + x] = 1;
            double dur = c->dur;
            if (is_pause(e->lever)) {
                y->paused = 1;
                y->lever = e->lever;
                y->bridge = 0;
                y->gap_s = 0;
                y->since_ckpt_s = 0;
            } else {
                if (y->paused) { /* resumes: from its checkpoint, after the restart */
                    y->paused = 0;
                    y->bridge = 1;
                    y->resumed = (int)k;
                    y->gap_s = 0;
                    y->since_ckpt_s = 0;
                }
                if (y->bridge) {
                    if (e->lever == GS_LEVER_RUN && y->gap_s + dur <= 86400)
                        y->gap_s += dur;
                    else
                        y->bridge = 0;
                }
                y->since_ckpt_s += dur * e->throughput;
                if (nck[x] > (double)c->ev->start_s && nck[x] <= (double)evs[k].end_s)
                    y->since_ckpt_s = (double)evs[k].end_s - nck[x];
            }
        }
        /* (compact: the jobs that run at their perf logged so far) */
        finish_plan(c, p, lu[k], &ws, compact ? plog.cur : NULL, scope, jw, ne);
    }
    /* lists a bridge grew: back in job order */
    for (size_t k = 0; compact && k < n; k++)
        if (grown[k])
            qsort(plans_out[k].entries, plans_out[k].nentries, sizeof *plans_out[k].entries,
                  cmp_entry_job);
    for (size_t x = 0; compact && x < ne; x++)
        runperf[x] = NAN;
    for (size_t k = 0; k < n; k++) {
        size_t q1 = compact ? (k + 1 < n ? plfirst[k + 1] : plog.n) : 0;
        for (size_t q = compact ? plfirst[k] : 0; q < q1; q++)
            runperf[plog.x[q]] = plog.v[q];
        if (!refin[k])
            continue;
        if (!cnote[k])
            plans_out[k].note[0] = 0;
        finish_plan(&cs[k], &plans_out[k], lu[k], &ws, compact ? runperf : NULL, scope, jw, ne);
    }
    /* overrides: a pause continued through later intervals is one pause (one restart) */
    for (size_t k = 0; k < n && rc == GS_OK; k++) {
        gs_plan *p = &plans_out[k];
        size_t since_q = 0;
        /* room for two an entry (only one that is curtailed and not continued has any: most
         * one, none more than two; what is not written is not touched) */
        size_t ocap = 2 * p->nentries;
        if (ocap && !(p->overrides = malloc(ocap * sizeof *p->overrides)))
            ocap = 0; /* push_ovr grows it, or says out of memory */
        for (size_t q = 0; q < p->nentries && rc == GS_OK; q++) {
            const gs_plan_entry *e = &p->entries[q];
            size_t x = compact ? (size_t)xof[e->job] : q;
            if (e->lever == GS_LEVER_RUN || (e->continued && is_pause(e->lever)))
                continue;
            int64_t end = evs[k].end_s;
            if (is_pause(e->lever))
                for (size_t k2 = k + 1;
                     k2 < n && (compact ? contp[k2 * ne + x] != 0
                                        : plans_out[k2].entries[x].continued &&
                                              is_pause(plans_out[k2].entries[x].lever));
                     k2++)
                    end = evs[k2].end_s;
            if (entry_overrides(p, &ocap, &st->jobs[e->job], e, pol, cs[k].ev->start_s, end,
                                since[k][since_q++]) < 0)
                rc = nomem(err);
        }
    }
out:
    if (rc < 0)
        free_plans(plans_out, done);
    free(cy);
    free(cs);
    free(lu);
    for (size_t k = 0; since && k < n; k++)
        free(since[k]);
    free(since);
    free(dsum);
    free(ic.job);
    wspace_free(&ws);
    free(scope);
    free(jw);
    free(nck);
    free(xof);
    free(jc);
    free(capcut);
    free(runperf);
    free(plog.cur);
    free(plog.x);
    free(plog.v);
    free(plfirst);
    free(pos);
    free(contp);
    free(grown);
    free(refin);
    free(cnote);
    return rc;
}

