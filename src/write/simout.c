/* simout.c: writers of the simulation's load.csv and summary.json (include/gridsplit/write/sim.h). */
#include "gridsplit/write/sim.h"

#include <jansson.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gridsplit/time.h"
#include "write/outfile.h"

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

/* load.csv is produced in blocks of BLOCK output steps. NFMT formatter threads take alternate
 * blocks: each gathers its block's means curve by curve (sequential reads of each curve), then
 * prints the block's rows into a slot of a small ring; the calling thread writes the slots to
 * the file in block order. Formatting thus runs beside the kernel's copy and the CSV is written
 * at the disk's pace. Without threads (creation failed) the caller does it all in order. */
enum { BLOCK = 64, NSLOT = 4, NFMT = 2 };

typedef struct csvjob {
    const gs_fleet *f;
    const gs_sim_result *r;
    size_t k;                 /* simulation steps per output row */
    size_t nout, nblocks, ncurves, slot_cap;
    const char *cname[GS_NCLASS];
    size_t idlen[GS_NCLASS];
    char *slot[NSLOT];
    size_t slot_len[NSLOT];
    long slot_block[NSLOT];   /* the block a slot holds ready to write, -1 when free */
    int stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} csvjob;

typedef struct csvfmt {
    csvjob *j;
    size_t first;             /* its first block; it takes every NFMT-th */
    double *blk;              /* BLOCK x ncurves means */
} csvfmt;

/* Print block b's rows into out (at most j->slot_cap bytes); returns their length. */
static size_t format_block(const csvjob *j, size_t b, double *blk, char *out)
{
    const gs_sim_result *r = j->r;
    size_t b0 = b * BLOCK, nb = j->nout - b0 < BLOCK ? j->nout - b0 : BLOCK;
    for (size_t q = 0; q < j->ncurves; q++) {
        const double *v = r->mw + q * r->nsteps;
        for (size_t i = 0; i < nb; i++) {
            size_t s0 = (b0 + i) * j->k;
            size_t m = s0 + j->k <= r->nsteps ? j->k : r->nsteps - s0;
            double acc = 0;
            for (size_t u = 0; u < m; u++)
                acc += v[s0 + u];
            blk[i * j->ncurves + q] = acc / (double)m;
        }
    }
    char *p = out, ts[32];
    for (size_t i = 0; i < nb; i++) {
        gs_format_time(r->start_s + (int64_t)((b0 + i) * j->k) * r->step_s, ts);
        size_t tslen = strlen(ts);
        for (size_t s = 0; s < r->nsites; s++) {
            const char *sid = j->f->sites[s].id;
            size_t slen = strlen(sid);
            for (int c = 0; c < GS_NCLASS; c++) {
                memcpy(p, ts, tslen);
                p += tslen;
                *p++ = ',';
                memcpy(p, sid, slen);
                p += slen;
                *p++ = ',';
                memcpy(p, j->cname[c], j->idlen[c]);
                p += j->idlen[c];
                *p++ = ',';
                p += fmt_fixed4(blk[i * j->ncurves + s * GS_NCLASS + (size_t)c], p);
                *p++ = '\n';
            }
        }
    }
    return (size_t)(p - out);
}

static void *fmt_main(void *arg)
{
    csvfmt *x = arg;
    csvjob *j = x->j;
    for (size_t b = x->first; b < j->nblocks; b += NFMT) {
        size_t s = b % NSLOT;
        pthread_mutex_lock(&j->mu);
        while (j->slot_block[s] != -1 && !j->stop)
            pthread_cond_wait(&j->cv, &j->mu);
        int stop = j->stop;
        pthread_mutex_unlock(&j->mu);
        if (stop)
            break;
        size_t len = format_block(j, b, x->blk, j->slot[s]);
        pthread_mutex_lock(&j->mu);
        j->slot_len[s] = len;
        j->slot_block[s] = (long)b;
        pthread_cond_broadcast(&j->cv);
        pthread_mutex_unlock(&j->mu);
    }
    return NULL;
}

/* write(2) all of buf (the slots go straight to the file: stdio would copy them once more). */
static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Every power of the result is a finite number (the readers keep inputs within their ranges):
 * should one not be, load.csv is not written rather than holding "nan" or "inf". */
static int check_mw_finite(const gs_fleet *f, const gs_sim_result *r, const char *path,
                           gs_error *err)
{
    size_t n = r->nsites * GS_NCLASS * r->nsteps;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(r->mw[i])) {
            size_t q = i / r->nsteps, step = i % r->nsteps;
            char ts[32];
            gs_format_time(r->start_s + (int64_t)step * r->step_s, ts);
            return gs_error_set(err, GS_ERUNTIME, path, 0, 0, NULL,
                                "the %s power of site '%s' at %s is not a finite number: "
                                "nothing written",
                                gs_class_name((gs_class)(q % GS_NCLASS)),
                                f->sites[q / GS_NCLASS].id, ts);
        }
    return GS_OK;
}

/* A statistic is a number or NaN (not defined: written as null, as documented); an infinity
 * would be a sum that overflowed, which summary.json does not pass off as "no data". */
static int check_stats_finite(const gs_load_stats *s, const char *what, const char *path,
                              gs_error *err)
{
    const struct { const char *key; double v; } k[] = {
        {"energy_mwh", s->energy_mwh},           {"peak_mw", s->peak_mw},
        {"min_mw", s->min_mw},                   {"mean_mw", s->mean_mw},
        {"load_factor", s->load_factor},         {"peak_to_trough", s->peak_to_trough},
        {"peak_hour_local", s->peak_hour_local}, {"coincidence", s->coincidence},
        {"energy_cost_usd", s->energy_cost_usd}, {"mean_price_usd_per_mwh", s->mean_price_usd_per_mwh},
        {"price_coverage", s->price_coverage},   {"co2_t", s->co2_t},
        {"carbon_coverage", s->carbon_coverage}};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (isinf(k[i].v))
            return gs_error_set(err, GS_ERUNTIME, path, 0, 0, k[i].key,
                                "%s: not a finite number: nothing written", what);
    return GS_OK;
}

int gs_write_load_csv(const gs_fleet *f, const gs_sim_result *r, int64_t out_step_s,
                      const char *path, gs_error *err)
{
    int frc = check_mw_finite(f, r, path, err);
    if (frc)
        return frc;
    if (out_step_s <= 0)
        out_step_s = r->step_s;
    if (out_step_s % r->step_s != 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "load-step",
                            "the output step (%lld s) must be a whole multiple of the simulation "
                            "step (%lld s)",
                            (long long)out_step_s, (long long)r->step_s);
    csvjob j;
    memset(&j, 0, sizeof j);
    j.f = f;
    j.r = r;
    j.k = (size_t)(out_step_s / r->step_s);
    j.nout = (r->nsteps + j.k - 1) / j.k;
    j.nblocks = (j.nout + BLOCK - 1) / BLOCK;
    j.ncurves = r->nsites * GS_NCLASS;
    size_t row_max = 0;
    for (int c = 0; c < GS_NCLASS; c++) {
        j.cname[c] = gs_class_name((gs_class)c);
        j.idlen[c] = strlen(j.cname[c]);
    }
    for (size_t s = 0; s < r->nsites; s++) {
        size_t l = strlen(f->sites[s].id);
        if (l > row_max)
            row_max = l;
    }
    /* timestamp (20) + site + class (<= 9) + number (<= 40) + 3 commas + newline */
    row_max += 20 + 9 + 40 + 4;
    j.slot_cap = (size_t)BLOCK * (j.ncurves ? j.ncurves : 1) * row_max;

    gs__outfile o;
    int rc = gs__outfile_open(&o, path, err);
    if (rc < 0)
        return rc;
    fputs("timestamp,site,class,mw\n", o.f);
    fflush(o.f);
    int fd = fileno(o.f), wfail = 0;
    csvfmt fm[NFMT];
    pthread_t th[NFMT];
    int started = 0, nomem = 0;
    for (int s = 0; s < NSLOT; s++) {
        j.slot[s] = malloc(j.slot_cap);
        j.slot_block[s] = -1;
        nomem |= !j.slot[s];
    }
    for (int t = 0; t < NFMT; t++) {
        fm[t] = (csvfmt){&j, (size_t)t, malloc((j.ncurves ? j.ncurves : 1) * BLOCK * sizeof(double))};
        nomem |= !fm[t].blk;
    }
    if (nomem) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto out;
    }
    pthread_mutex_init(&j.mu, NULL);
    pthread_cond_init(&j.cv, NULL);
    while (started < NFMT && pthread_create(&th[started], NULL, fmt_main, &fm[started]) == 0)
        started++;
    if (started < NFMT) {
        /* threads unavailable: stop those that started and do it all here, in order */
        pthread_mutex_lock(&j.mu);
        j.stop = 1;
        pthread_cond_broadcast(&j.cv);
        pthread_mutex_unlock(&j.mu);
        for (int t = 0; t < started; t++)
            pthread_join(th[t], NULL);
        started = 0;
        for (size_t b = 0; b < j.nblocks; b++) {
            size_t len = format_block(&j, b, fm[0].blk, j.slot[0]);
            wfail |= write_all(fd, j.slot[0], len) != 0;
        }
    } else {
        for (size_t b = 0; b < j.nblocks; b++) {
            size_t s = b % NSLOT;
            pthread_mutex_lock(&j.mu);
            while (j.slot_block[s] != (long)b)
                pthread_cond_wait(&j.cv, &j.mu);
            size_t len = j.slot_len[s];
            pthread_mutex_unlock(&j.mu);
            wfail |= write_all(fd, j.slot[s], len) != 0;
            pthread_mutex_lock(&j.mu);
            j.slot_block[s] = -1;
            pthread_cond_broadcast(&j.cv);
            pthread_mutex_unlock(&j.mu);
        }
        for (int t = 0; t < NFMT; t++)
            pthread_join(th[t], NULL);
    }
    pthread_mutex_destroy(&j.mu);
    pthread_cond_destroy(&j.cv);
    if (wfail)
        rc = gs_error_set(err, GS_EIO, path, 0, 0, NULL, "write failed: %s", strerror(errno));
out:
    for (int s = 0; s < NSLOT; s++)
        free(j.slot[s]);
    for (int t = 0; t < NFMT; t++)
        free(fm[t].blk);
    if (rc < 0) {
        gs__outfile_abort(&o);
        return rc;
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
    char what[GS_ID_MAX + 64];
    int frc = check_stats_finite(&r->fleet, "the fleet", path, err);
    for (int c = 0; !frc && c < GS_NCLASS; c++) {
        snprintf(what, sizeof what, "the fleet's %s", gs_class_name((gs_class)c));
        frc = check_stats_finite(&r->fleet_class[c], what, path, err);
    }
    for (size_t s = 0; !frc && s < r->nsites; s++) {
        snprintf(what, sizeof what, "site '%s'", f->sites[s].id);
        frc = check_stats_finite(&r->site[s], what, path, err);
        for (int c = 0; !frc && c < GS_NCLASS; c++) {
            snprintf(what, sizeof what, "site '%s' %s", f->sites[s].id,
                     gs_class_name((gs_class)c));
            frc = check_stats_finite(&r->site_class[s * GS_NCLASS + (size_t)c], what, path, err);
        }
    }
    if (frc)
        return frc;
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
