/* live.c: the live picture of live.h ("which racks are training and which inference this
 * hour") and its JSON for GET /v1/load. Pure: the fleet, the mapping, the scheduler's jobs and a
 * telemetry snapshot at a given time in, the picture out.
 *
 * How each figure is made (docs/serve.md, "GET /v1/load"):
 * - A job's modelled IT power: its GPUs at the fleet's GPU model with their server share
 *   (gs_gpu_power_w): running at its cluster's utilisation, for training and inference alike
 *   (inference clusters carry the fleet's utilisation too, default 0.9: no live request rate is
 *   read, so this is an upper estimate of a serving GPU); suspended at activity 0 (a suspended
 *   job keeps its GPUs: idle power, not zero); pending, completing, ended: 0.
 * - Measured: a running or suspended job's nodes (gs_hostlist_each) each with a fresh reading
 *   (now - at_s <= stale_s). A node's watts are split among the running and suspended jobs on it
 *   in proportion to each job's modelled watts per node (its modelled watts / its node count),
 *   or to its GPUs per node when a job on the node has no model (unclassified without a cluster)
 *   or all modelled watts are 0, or equally when those are 0 too. A job is measured only when
 *   every one of its nodes is fresh; then its IT power is the sum of its shares, else its model.
 *   Readings of nodes that run no job are counted but not placed (idle GPUs are modelled below).
 * - MW at the grid = IT W x the site's PUE now / 1e6. PUE: constant; monthly by the site's month
 *   at UTC + lon/15 h (mean solar time: the engine takes no time-zone database, so within a few
 *   hours of a month's turn this may pick the neighbouring month, a difference of a few
 *   hundredths); a series at now when loaded and finite, else the site's constant field (1 for a
 *   series site, shown as the "pue" of the site so the reader sees it). PUE below 1 counts as 1.
 * - Unclassified jobs: placed where the mapping named a fleet cluster (gs_job_class.named_cluster:
 *   class missing or different, bad tag, unknown curve) and modelled on that cluster like any
 *   other job, counted under "unclassified" at that cluster's site. With no cluster their power is
 *   unknown: 0 unless every node is measured, and then they count at no site (their MW are IT
 *   power, no PUE known).
 * - Idle GPUs: each cluster's GPUs not held by a running or suspended job (classified or placed
 *   unclassified) at activity 0, x PUE, under the cluster's class. Always modelled. GPUs held
 *   beyond the cluster's count (overcommit) leave 0 idle, never negative.
 * - Site source: "measured" when every figure of the site is measured, "mixed" when some are,
 *   "modelled" otherwise (also a site with nothing). Job power_source: "measured", "modelled",
 *   "unknown" (running or suspended without a model or full telemetry), "none" (not running).
 * - Counters: nodes_measured and nodes_stale count the snapshot's nodes by freshness (every node
 *   with a reading, busy or not); nodes_silent the distinct nodes of running or suspended jobs
 *   with no reading at all. */
#include "daemon/live.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gridsplit/duration.h"
#include "gridsplit/load.h"
#include "gridsplit/time.h"

const char *gs_live_cls_name(int i)
{
    switch (i) {
    case GS_LIVE_TRAINING: return "training";
    case GS_LIVE_INFERENCE: return "inference";
    case GS_LIVE_UNCLASSIFIED: return "unclassified";
    default: return "unknown";
    }
}

void gs_live_free(gs_live *l)
{
    if (!l)
        return;
    free(l->jobs);
    free(l->sites);
    memset(l, 0, sizeof *l);
}

double gs_live_site_pue(const gs_site *s, double now_s)
{
    double pue = s->pue;
    if (s->pue_kind == GS_PUE_MONTHLY) {
        double local = now_s + s->lon / 15.0 * 3600.0;
        int month = 1;
        if (isfinite(local))
            gs_civil_from_utc((int64_t)floor(local), NULL, &month, NULL, NULL, NULL, NULL);
        if (month >= 1 && month <= 12)
            pue = s->pue_monthly[month - 1];
    } else if (s->pue_kind == GS_PUE_SERIES && s->pue_series && isfinite(now_s)) {
        double v = gs_series_at(s->pue_series, (int64_t)floor(now_s));
        if (isfinite(v))
            pue = v;
    }
    return isfinite(pue) && pue >= 1.0 ? pue : 1.0;
}

/* ---- nodes of jobs --------------------------------------------------------------------------- */

typedef struct node_job {
    char node[GS_TELEMETRY_NODE_MAX];
    bool too_long; /* the name does not fit: no reading can match it */
    size_t job;
} node_job;

typedef struct pairs {
    node_job *p;
    size_t n, cap;
    size_t job;
    bool oom;
} pairs;

static void add_pair(const char *name, void *ctx)
{
    pairs *ps = ctx;
    if (ps->oom)
        return;
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 256;
        node_job *p = realloc(ps->p, cap * sizeof *p);
        if (!p) {
            ps->oom = true;
            return;
        }
        ps->p = p;
        ps->cap = cap;
    }
    node_job *nj = &ps->p[ps->n++];
    size_t len = strlen(name);
    nj->too_long = len >= sizeof nj->node;
    snprintf(nj->node, sizeof nj->node, "%s", name);
    nj->job = ps->job;
}

static int pair_cmp(const void *a, const void *b)
{
    const node_job *x = a, *y = b;
    int c = strcmp(x->node, y->node);
    if (c)
        return c;
    if (x->too_long != y->too_long)
        return x->too_long ? 1 : -1;
    return x->job < y->job ? -1 : x->job > y->job;
}

static int reading_cmp(const void *a, const void *b)
{
    const gs_telemetry_reading *x = *(const gs_telemetry_reading *const *)a;
    const gs_telemetry_reading *y = *(const gs_telemetry_reading *const *)b;
    int c = strncmp(x->node, y->node, sizeof x->node);
    if (c)
        return c;
    return x->at_s > y->at_s ? -1 : x->at_s < y->at_s; /* the latest first */
}

/* The latest reading of node in the sorted array, or NULL. */
static const gs_telemetry_reading *find_reading(const gs_telemetry_reading **r, size_t n,
                                                const char *node)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strncmp(r[mid]->node, node, sizeof r[mid]->node) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strncmp(r[lo]->node, node, sizeof r[lo]->node) == 0 ? r[lo] : NULL;
}

static bool active(gs_sched_state st)
{
    return st == GS_SCHED_RUNNING || st == GS_SCHED_SUSPENDED;
}

/* ---- the picture ----------------------------------------------------------------------------- */

int gs_live_build(const gs_fleet *f, const gs_map *m, const gs_sched_jobs *jobs,
                  const gs_telemetry_reading *readings, size_t nreadings, double stale_s,
                  double now_s, gs_live *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    if (!f)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL, "no fleet for the live picture");
    if (nreadings && !readings)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                            "%zu readings given without their array", nreadings);
    size_t njobs = jobs ? jobs->n : 0;
    int rc = GS_ENOMEM;
    double *pue = NULL, *share_w = NULL, *weight = NULL;
    int64_t *busy = NULL;      /* GPUs held per cluster (64 bits: any gpus field adds up) */
    int *nnodes = NULL, *nfresh = NULL;
    const gs_telemetry_reading **rs = NULL;
    pairs ps = {0};

    out->at_s = now_s;
    out->njobs = njobs;
    out->nsites = f->nsites;
    out->jobs = calloc(njobs ? njobs : 1, sizeof *out->jobs);
    out->sites = calloc(f->nsites ? f->nsites : 1, sizeof *out->sites);
    pue = calloc(f->nsites ? f->nsites : 1, sizeof *pue);
    busy = calloc(f->nclusters ? f->nclusters : 1, sizeof *busy);
    share_w = calloc(njobs ? njobs : 1, sizeof *share_w);
    weight = calloc(njobs ? njobs : 1, sizeof *weight);
    nnodes = calloc(njobs ? njobs : 1, sizeof *nnodes);
    nfresh = calloc(njobs ? njobs : 1, sizeof *nfresh);
    rs = calloc(nreadings ? nreadings : 1, sizeof *rs);
    if (!out->jobs || !out->sites || !pue || !busy || !share_w || !weight || !nnodes || !nfresh ||
        !rs)
        goto fail;
    for (size_t s = 0; s < f->nsites; s++) {
        out->sites[s].site = (int)s;
        pue[s] = gs_live_site_pue(&f->sites[s], now_s);
        out->sites[s].pue = pue[s];
    }

    /* classify and model every job; list the nodes of the active ones */
    for (size_t i = 0; i < njobs; i++) {
        gs_live_job *lj = &out->jobs[i];
        lj->job = jobs->job[i];
        gs_classify(m, f, &lj->job, &lj->jc);
        int c = lj->jc.classified ? lj->jc.cluster : lj->jc.named_cluster;
        if (c < 0 || (size_t)c >= f->nclusters)
            c = -1;
        lj->cluster = c;
        lj->site = c >= 0 ? f->clusters[c].site : -1;
        lj->modelled_w = 0;
        if (!active(lj->job.state))
            continue;
        if (c >= 0) {
            const gs_cluster *cl = &f->clusters[c];
            if (cl->gpu >= 0 && (size_t)cl->gpu < f->ngpus) {
                double a = lj->job.state == GS_SCHED_RUNNING ? cl->utilisation : 0;
                lj->modelled_w = lj->job.gpus * gs_gpu_power_w(&f->gpus[cl->gpu], a);
            }
            busy[c] += lj->job.gpus;
        }
        ps.job = i;
        size_t before = ps.n;
        int k = gs_hostlist_each(lj->job.nodes, add_pair, &ps);
        if (ps.oom)
            goto fail;
        if (k < 0)
            ps.n = before; /* a malformed list: no node of it is placed */
    }

    /* telemetry: the latest reading of each node, by name */
    for (size_t r = 0; r < nreadings; r++)
        rs[r] = &readings[r];
    if (nreadings > 1)
        qsort(rs, nreadings, sizeof *rs, reading_cmp);
    for (size_t r = 0; r < nreadings; r++) {
        if (r > 0 && strncmp(rs[r]->node, rs[r - 1]->node, sizeof rs[r]->node) == 0)
            continue; /* an older duplicate */
        if (now_s - rs[r]->at_s <= stale_s)
            out->nodes_measured++;
        else
            out->nodes_stale++;
    }
    if (ps.n > 1)
        qsort(ps.p, ps.n, sizeof *ps.p, pair_cmp);
    /* each job's distinct nodes ("a,a" is one node) */
    memset(nnodes, 0, (njobs ? njobs : 1) * sizeof *nnodes);
    for (size_t k = 0; k < ps.n; k++)
        if (k == 0 || pair_cmp(&ps.p[k - 1], &ps.p[k]) != 0)
            nnodes[ps.p[k].job]++;
    for (size_t a = 0; a < ps.n;) {
        size_t b = a + 1;
        while (b < ps.n && ps.p[b].too_long == ps.p[a].too_long &&
               strcmp(ps.p[a].node, ps.p[b].node) == 0)
            b++;
        const gs_telemetry_reading *rd =
            ps.p[a].too_long ? NULL : find_reading(rs, nreadings, ps.p[a].node);
        if (!rd) {
            out->nodes_silent++;
        } else if (now_s - rd->at_s <= stale_s && isfinite(rd->watts) && rd->watts >= 0) {
            /* split the node's watts among its jobs (each job once) */
            bool all_modelled = true;
            double sum_w = 0, sum_g = 0;
            for (size_t k = a; k < b; k++) {
                size_t j = ps.p[k].job;
                if (k > a && ps.p[k - 1].job == j)
                    continue;
                all_modelled = all_modelled && out->jobs[j].cluster >= 0;
                sum_w += out->jobs[j].modelled_w / nnodes[j];
                sum_g += (double)out->jobs[j].job.gpus / nnodes[j];
            }
            int basis = all_modelled && sum_w > 0 ? 0 : sum_g > 0 ? 1 : 2;
            double sum = basis == 0 ? sum_w : basis == 1 ? sum_g : 0;
            size_t count = 0;
            for (size_t k = a; k < b; k++) {
                size_t j = ps.p[k].job;
                if (k > a && ps.p[k - 1].job == j)
                    continue;
                weight[j] = basis == 0 ? out->jobs[j].modelled_w / nnodes[j]
                    : basis == 1       ? (double)out->jobs[j].job.gpus / nnodes[j]
                                       : 1;
                count++;
            }
            if (basis == 2)
                sum = (double)count;
            for (size_t k = a; k < b; k++) {
                size_t j = ps.p[k].job;
                if (k > a && ps.p[k - 1].job == j)
                    continue;
                share_w[j] += rd->watts * weight[j] / sum;
                nfresh[j]++;
            }
        }
        a = b;
    }

    /* each job's power, and the sites' totals */
    for (size_t i = 0; i < njobs; i++) {
        gs_live_job *lj = &out->jobs[i];
        lj->nnodes = nnodes[i];
        lj->nnodes_fresh = nfresh[i];
        if (!active(lj->job.state))
            continue;
        lj->measured = nnodes[i] > 0 && nfresh[i] == nnodes[i];
        lj->it_w = lj->measured ? share_w[i] : lj->modelled_w;
        if (!isfinite(lj->it_w) || lj->it_w < 0)
            lj->it_w = 0;
        int s = lj->site;
        lj->mw = lj->it_w * (s >= 0 ? pue[s] : 1.0) / 1e6;
        if (s < 0)
            continue;
        gs_live_site *ls = &out->sites[s];
        int k = lj->jc.classified ? (int)lj->jc.cls : GS_LIVE_UNCLASSIFIED;
        ls->mw[k] += lj->mw;
        if (lj->measured) {
            ls->measured_mw[k] += lj->mw;
            ls->has_measured = true;
        } else {
            ls->has_modelled = true;
        }
        ls->jobs[k]++;
        if (lj->job.state == GS_SCHED_SUSPENDED)
            ls->suspended[k]++;
    }
    for (size_t c = 0; c < f->nclusters; c++) {
        const gs_cluster *cl = &f->clusters[c];
        if (cl->site < 0 || (size_t)cl->site >= f->nsites)
            continue;
        gs_live_site *ls = &out->sites[cl->site];
        ls->racks[cl->cls] += cl->racks;
        ls->gpus[cl->cls] += cl->gpus;
        int64_t held = ls->gpus_busy[cl->cls] + busy[c];
        ls->gpus_busy[cl->cls] = held > INT_MAX ? INT_MAX : (int)held;
        int64_t idle = cl->gpus - busy[c];
        if (idle > 0 && cl->gpu >= 0 && (size_t)cl->gpu < f->ngpus) {
            ls->mw[cl->cls] += idle * gs_gpu_power_w(&f->gpus[cl->gpu], 0) * pue[cl->site] / 1e6;
            ls->has_modelled = true;
        }
    }
    rc = 0;
fail:
    free(pue);
    free(busy);
    free(share_w);
    free(weight);
    free(nnodes);
    free(nfresh);
    free(rs);
    free(ps.p);
    if (rc < 0) {
        gs_live_free(out);
        return gs_error_set(err, rc, NULL, 0, 0, NULL, "out of memory building the live picture");
    }
    return 0;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

typedef struct jb {
    bool ok;
} jb;

static void put(jb *b, json_t *obj, const char *key, json_t *v)
{
    if (!v || !obj || json_object_set_new(obj, key, v) != 0)
        b->ok = false;
}

static void append(jb *b, json_t *arr, json_t *v)
{
    if (!v || !arr || json_array_append_new(arr, v) != 0)
        b->ok = false;
}

/* A number rounded to 6 decimals; never NaN or infinite (0 then). */
static json_t *num6(double x)
{
    double r = isfinite(x) ? round(x * 1e6) / 1e6 : 0;
    if (!isfinite(r) || r == 0)
        r = 0; /* also -0 */
    return json_real(r);
}

static json_t *str_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

/* An object of the three classes' doubles, or (n == 2) ints of the two load classes. */
static json_t *by_cls_mw(jb *b, const double *v)
{
    json_t *o = json_object();
    for (int i = 0; i < GS_LIVE_NCLS; i++)
        put(b, o, gs_live_cls_name(i), num6(v[i]));
    return o;
}

static json_t *by_cls_int(jb *b, const int *v, int n)
{
    json_t *o = json_object();
    for (int i = 0; i < n; i++)
        put(b, o, gs_live_cls_name(i), json_integer(v[i]));
    return o;
}

const char *gs_live_job_power_source(const gs_live_job *lj)
{
    if (!active(lj->job.state))
        return "none";
    if (lj->measured)
        return "measured";
    return lj->cluster >= 0 ? "modelled" : "unknown";
}

const char *gs_live_site_source(const gs_live_site *ls)
{
    if (ls->has_measured && !ls->has_modelled)
        return "measured";
    return ls->has_measured ? "mixed" : "modelled";
}

static json_t *job_json(jb *b, const gs_live_job *lj, const gs_fleet *f)
{
    json_t *o = json_object();
    const gs_job_class *jc = &lj->jc;
    put(b, o, "id", json_integer(lj->job.id));
    put(b, o, "name", json_string(lj->job.name));
    put(b, o, "partition", json_string(lj->job.partition));
    put(b, o, "state", json_string(gs_sched_state_name(lj->job.state)));
    put(b, o, "class", jc->classified ? json_string(gs_class_name(jc->cls)) : json_null());
    put(b, o, "classified", json_boolean(jc->classified));
    if (!jc->classified)
        put(b, o, "reason", json_string(jc->reason));
    put(b, o, "site",
        lj->site >= 0 && (size_t)lj->site < f->nsites ? json_string(f->sites[lj->site].id)
                                                      : json_null());
    put(b, o, "cluster",
        lj->cluster >= 0 && (size_t)lj->cluster < f->nclusters
            ? json_string(f->clusters[lj->cluster].id)
            : json_null());
    put(b, o, "tier", jc->classified ? num6(jc->tier) : json_null());
    put(b, o, "window",
        jc->classified ? json_string(gs_tier_window_name(jc->window)) : json_null());
    json_t *ckpt = json_null();
    if (jc->ckpt_signal[0]) {
        char d[40], s[64];
        gs_duration_format(jc->ckpt_signal_s, d, sizeof d);
        snprintf(s, sizeof s, "%s/%s", jc->ckpt_signal, d);
        json_decref(ckpt);
        ckpt = json_string(s);
    }
    put(b, o, "ckpt", ckpt);
    json_t *interval = json_null();
    if (jc->ckpt_interval_s > 0) {
        char d[40];
        gs_duration_format(jc->ckpt_interval_s, d, sizeof d);
        json_decref(interval);
        interval = json_string(d);
    }
    put(b, o, "ckpt_interval", interval);
    put(b, o, "workload", str_or_null(jc->workload));
    put(b, o, "curve", str_or_null(jc->power_curve));
    put(b, o, "gpus", json_integer(lj->job.gpus));
    put(b, o, "nodes", json_string(lj->job.nodes));
    put(b, o, "mw", num6(lj->mw));
    put(b, o, "measured", json_boolean(lj->measured));
    put(b, o, "power_source", json_string(gs_live_job_power_source(lj)));
    put(b, o, "source", json_string(jc->source));
    return o;
}

char *gs_live_json(const gs_live *l, const gs_fleet *f)
{
    if (!l || !f)
        return NULL;
    jb b = {true};
    json_t *root = json_object();
    char at[32];
    gs_format_time(isfinite(l->at_s) ? (int64_t)floor(l->at_s) : 0, at);
    put(&b, root, "at", json_string(at));
    json_t *tel = json_object();
    put(&b, tel, "nodes_measured", json_integer((json_int_t)l->nodes_measured));
    put(&b, tel, "nodes_stale", json_integer((json_int_t)l->nodes_stale));
    put(&b, tel, "nodes_silent", json_integer((json_int_t)l->nodes_silent));
    put(&b, root, "telemetry", tel);

    json_t *sites = json_array();
    for (size_t i = 0; i < l->nsites && b.ok; i++) {
        const gs_live_site *ls = &l->sites[i];
        if (ls->site < 0 || (size_t)ls->site >= f->nsites)
            continue;
        const gs_site *st = &f->sites[ls->site];
        json_t *o = json_object();
        put(&b, o, "site", json_string(st->id));
        put(&b, o, "name", json_string(st->name));
        put(&b, o, "zone",
            st->zone >= 0 && (size_t)st->zone < f->nzones ? json_string(f->zones[st->zone].id)
                                                          : json_null());
        put(&b, o, "pue", num6(ls->pue));
        put(&b, o, "mw", by_cls_mw(&b, ls->mw));
        put(&b, o, "measured_mw", by_cls_mw(&b, ls->measured_mw));
        put(&b, o, "source", json_string(gs_live_site_source(ls)));
        put(&b, o, "jobs", by_cls_int(&b, ls->jobs, GS_LIVE_NCLS));
        put(&b, o, "suspended", by_cls_int(&b, ls->suspended, GS_LIVE_NCLS));
        put(&b, o, "racks", by_cls_int(&b, ls->racks, 2));
        put(&b, o, "gpus", by_cls_int(&b, ls->gpus, 2));
        put(&b, o, "gpus_busy", by_cls_int(&b, ls->gpus_busy, 2));
        append(&b, sites, o);
    }
    put(&b, root, "sites", sites);

    json_t *jobs = json_array();
    for (size_t i = 0; i < l->njobs && b.ok; i++)
        append(&b, jobs, job_json(&b, &l->jobs[i], f));
    put(&b, root, "jobs", jobs);

    char *text = b.ok
        ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))
        : NULL;
    json_decref(root);
    return text;
}
