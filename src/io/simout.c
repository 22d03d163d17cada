/* simout.c: writers of the simulation's load.csv and summary.json (include/gridsplit/simout.h). */
#include "gridsplit/simout.h"

#include <jansson.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/import.h"
#include "io/outfile.h"

/* Format v >= 0 or < 0 with 4 decimals into buf; returns length. Faster than printf. */
static size_t fmt_fixed4(double v, char *buf)
{
    char *p = buf;
    if (!isfinite(v)) {
        memcpy(buf, "nan", 3);
        return 3;
    }
    if (fabs(v) >= 1e14)
        return (size_t)snprintf(buf, 40, "%.4f", v);
    if (v < 0) {
        *p++ = '-';
        v = -v;
    }
    unsigned long long x = (unsigned long long)(v * 10000.0 + 0.5);
    unsigned long long ip = x / 10000, fp = x % 10000;
    char tmp[24];
    int k = 0;
    do {
        tmp[k++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (k)
        *p++ = tmp[--k];
    *p++ = '.';
    p[3] = (char)('0' + fp % 10);
    fp /= 10;
    p[2] = (char)('0' + fp % 10);
    fp /= 10;
    p[1] = (char)('0' + fp % 10);
    fp /= 10;
    p[0] = (char)('0' + fp % 10);
    p += 4;
    return (size_t)(p - buf);
}

/* A writer thread: the formatter fills one buffer while the thread writes the other, so
 * formatting overlaps the kernel's copy and the CSV is written at the disk's pace. */
typedef struct bgwriter {
    FILE *f;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *pending;        /* buffer handed over, NULL when the thread is idle */
    size_t pending_len;
    int done, failed, started;
} bgwriter;

static void *bg_main(void *arg)
{
    bgwriter *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->pending && !w->done)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->pending && w->done)
            break;
        char *b = w->pending;
        size_t n = w->pending_len;
        pthread_mutex_unlock(&w->mu);
        size_t wrote = fwrite(b, 1, n, w->f);
        pthread_mutex_lock(&w->mu);
        if (wrote != n)
            w->failed = 1;
        w->pending = NULL;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Hand buf over (waiting for the previous one to be written); without a thread, write it. */
static void bg_submit(bgwriter *w, char *buf, size_t n)
{
    if (!w->started) {
        if (fwrite(buf, 1, n, w->f) != n)
            w->failed = 1;
        return;
    }
    pthread_mutex_lock(&w->mu);
    while (w->pending)
        pthread_cond_wait(&w->cv, &w->mu);
    w->pending = buf;
    w->pending_len = n;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

/* Wait until nothing is pending (so the caller may reuse the other buffer). */
static void bg_wait(bgwriter *w)
{
    if (!w->started)
        return;
    pthread_mutex_lock(&w->mu);
    while (w->pending)
        pthread_cond_wait(&w->cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

static void bg_start(bgwriter *w, FILE *f)
{
    memset(w, 0, sizeof *w);
    w->f = f;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->started = pthread_create(&w->th, NULL, bg_main, w) == 0;
}

/* Finish: wait for the last buffer, stop the thread. Returns 0, or -1 if a write failed. */
static int bg_finish(bgwriter *w)
{
    if (w->started) {
        pthread_mutex_lock(&w->mu);
        w->done = 1;
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->th, NULL);
    }
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    return w->failed ? -1 : 0;
}

int gs_write_load_csv(const gs_fleet *f, const gs_sim_result *r, int64_t out_step_s,
                      const char *path, gs_error *err)
{
    if (out_step_s <= 0)
        out_step_s = r->step_s;
    if (out_step_s % r->step_s != 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "load-step",
                            "the output step (%lld s) must be a whole multiple of the simulation "
                            "step (%lld s)",
                            (long long)out_step_s, (long long)r->step_s);
    size_t k = (size_t)(out_step_s / r->step_s);
    gs__outfile o;
    int rc = gs__outfile_open(&o, path, err);
    if (rc < 0)
        return rc;
    fputs("timestamp,site,class,mw\n", o.f);
    /* Rows are assembled in a buffer and written in large blocks: this runs at disk speed. */
    enum { BUF = 1 << 20 };
    char *bufs[2] = {malloc(BUF), malloc(BUF)};
    char *buf = bufs[0];
    int cur = 0;
    if (!bufs[0] || !bufs[1]) {
        free(bufs[0]);
        free(bufs[1]);
        gs__outfile_abort(&o);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    size_t used = 0, idlen[GS_NCLASS] = {0};
    const char *cname[GS_NCLASS];
    for (int c = 0; c < GS_NCLASS; c++) {
        cname[c] = gs_class_name((gs_class)c);
        idlen[c] = strlen(cname[c]);
    }
    /* Output rows are produced in blocks of steps: first the block's means are gathered series
     * by series (sequential reads of each curve), then the rows are written time by time. */
    enum { BLOCK = 64 };
    size_t ncurves = r->nsites * GS_NCLASS;
    double *blk = malloc((ncurves ? ncurves : 1) * BLOCK * sizeof *blk);
    if (!blk) {
        free(bufs[0]);
        free(bufs[1]);
        gs__outfile_abort(&o);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    size_t nout = (r->nsteps + k - 1) / k;
    bgwriter bw;
    fflush(o.f);
    bg_start(&bw, o.f);
    char ts[32];
    for (size_t b0 = 0; b0 < nout; b0 += BLOCK) {
        size_t nb = nout - b0 < BLOCK ? nout - b0 : BLOCK;
        for (size_t q = 0; q < ncurves; q++) {
            const double *v = r->mw + q * r->nsteps;
            for (size_t j = 0; j < nb; j++) {
                size_t i = (b0 + j) * k;
                size_t m = i + k <= r->nsteps ? k : r->nsteps - i;
                double acc = 0;
                for (size_t u = 0; u < m; u++)
                    acc += v[i + u];
                blk[j * ncurves + q] = acc / (double)m;
            }
        }
        for (size_t j = 0; j < nb; j++) {
            gs_format_time(r->start_s + (int64_t)((b0 + j) * k) * r->step_s, ts);
            size_t tslen = strlen(ts);
            for (size_t s = 0; s < r->nsites; s++) {
                const char *sid = f->sites[s].id;
                size_t slen = strlen(sid);
                for (int c = 0; c < GS_NCLASS; c++) {
                    if (used + tslen + slen + idlen[c] + 48 > BUF) {
                        bg_submit(&bw, buf, used);
                        cur ^= 1;
                        buf = bufs[cur];
                        used = 0;
                    }
                    char *p = buf + used;
                    memcpy(p, ts, tslen);
                    p += tslen;
                    *p++ = ',';
                    memcpy(p, sid, slen);
                    p += slen;
                    *p++ = ',';
                    memcpy(p, cname[c], idlen[c]);
                    p += idlen[c];
                    *p++ = ',';
                    p += fmt_fixed4(blk[j * ncurves + s * GS_NCLASS + (size_t)c], p);
                    *p++ = '\n';
                    used = (size_t)(p - buf);
                }
            }
        }
    }
    free(blk);
    bg_submit(&bw, buf, used);
    bg_wait(&bw);
    int wfail = bg_finish(&bw);
    free(bufs[0]);
    free(bufs[1]);
    if (wfail) {
        gs__outfile_abort(&o);
        return gs_error_set(err, GS_EIO, path, 0, 0, NULL, "write failed");
    }
    return gs__outfile_commit(&o, err);
}

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *stats_json(const gs_load_stats *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "energy_mwh", num(s->energy_mwh));
    json_object_set_new(o, "peak_mw", num(s->peak_mw));
    json_object_set_new(o, "min_mw", num(s->min_mw));
    json_object_set_new(o, "mean_mw", num(s->mean_mw));
    json_object_set_new(o, "load_factor", num(s->load_factor));
    json_object_set_new(o, "peak_to_trough", num(s->peak_to_trough));
    json_object_set_new(o, "peak_hour_local", num(s->peak_hour_local));
    json_object_set_new(o, "coincidence", num(s->coincidence));
    json_object_set_new(o, "energy_cost_usd", num(s->energy_cost_usd));
    json_object_set_new(o, "mean_price_usd_per_mwh", num(s->mean_price_usd_per_mwh));
    json_object_set_new(o, "price_coverage", num(s->price_coverage));
    json_object_set_new(o, "co2_t", num(s->co2_t));
    json_object_set_new(o, "carbon_coverage", num(s->carbon_coverage));
    return o;
}

int gs_write_summary_json(const gs_fleet *f, const gs_sim_result *r, const char *path,
                          gs_error *err)
{
    char a[32], b[32];
    gs_format_time(r->start_s, a);
    gs_format_time(r->start_s + (int64_t)r->nsteps * r->step_s, b);
    json_t *root = json_object();
    json_object_set_new(root, "fleet", json_string(f->name));
    json_object_set_new(root, "from", json_string(a));
    json_object_set_new(root, "to", json_string(b));
    json_object_set_new(root, "step_s", json_integer(r->step_s));
    json_object_set_new(root, "steps", json_integer((json_int_t)r->nsteps));
    json_object_set_new(root, "overrides_applied", json_integer((json_int_t)r->overrides_applied));
    json_t *fl = stats_json(&r->fleet);
    json_t *fcl = json_object();
    for (int c = 0; c < GS_NCLASS; c++)
        json_object_set_new(fcl, gs_class_name((gs_class)c), stats_json(&r->fleet_class[c]));
    json_object_set_new(fl, "classes", fcl);
    /* fleet-wide days and hours are UTC: the fleet spans time zones */
    json_object_set_new(fl, "time_basis", json_string("UTC"));
    json_object_set_new(root, "fleet_stats", fl);
    json_t *sites = json_array();
    for (size_t s = 0; s < r->nsites; s++) {
        const gs_site *st = &f->sites[s];
        json_t *so = stats_json(&r->site[s]);
        json_object_set_new(so, "id", json_string(st->id));
        json_object_set_new(so, "zone", json_string(f->zones[st->zone].id));
        json_object_set_new(so, "tz", json_string(st->tz));
        /* the site's peak against its grid connection: above 1, the fleet plan does not fit */
        json_object_set_new(so, "interconnect_mw", num(st->interconnect_mw));
        json_object_set_new(so, "peak_over_interconnect",
                            num(st->interconnect_mw > 0 ? r->site[s].peak_mw / st->interconnect_mw
                                                        : NAN));
        json_t *cl = json_object();
        for (int c = 0; c < GS_NCLASS; c++)
            json_object_set_new(cl, gs_class_name((gs_class)c),
                                stats_json(&r->site_class[s * GS_NCLASS + (size_t)c]));
        json_object_set_new(so, "classes", cl);
        json_array_append_new(sites, so);
    }
    json_object_set_new(root, "sites", sites);
    json_t *svs = json_array();
    for (size_t v = 0; v < r->nservices; v++) {
        json_t *so = json_object();
        json_object_set_new(so, "id", json_string(f->services[v].id));
        json_object_set_new(so, "served_requests", json_real(r->served_requests[v]));
        json_object_set_new(so, "unserved_requests", json_real(r->unserved_requests[v]));
        json_array_append_new(svs, so);
    }
    json_object_set_new(root, "services", svs);
    /* training runs as simulated: a run waits for GPUs an earlier, delayed run still holds */
    json_t *runs = json_array();
    for (size_t q = 0; q < r->nruns; q++) {
        const gs_run *run = &f->runs[q];
        char t0[32], t1[32];
        gs_format_time(r->run_start_s[q], t0);
        gs_format_time(r->run_end_s[q], t1);
        json_t *ro = json_object();
        json_object_set_new(ro, "id", json_string(run->id));
        json_object_set_new(ro, "cluster", json_string(f->clusters[run->cluster].id));
        json_object_set_new(ro, "start", json_string(t0));
        json_object_set_new(ro, "end", json_string(t1));
        json_object_set_new(ro, "delay_s", json_integer(r->run_start_s[q] - run->start_s));
        json_array_append_new(runs, ro);
    }
    json_object_set_new(root, "runs", runs);

    gs__outfile o;
    int rc = gs__outfile_open(&o, path, err);
    if (rc == GS_OK) {
        if (json_dumpf(root, o.f, JSON_INDENT(2) | JSON_REAL_PRECISION(8)) != 0) {
            gs__outfile_abort(&o);
            rc = gs_error_set(err, GS_EIO, path, 0, 0, NULL, "cannot write JSON");
        } else {
            fputc('\n', o.f);
            rc = gs__outfile_commit(&o, err);
        }
    }
    json_decref(root);
    return rc;
}
