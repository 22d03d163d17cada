/* simout.c: writers of the simulation's load.csv, summary.json, clusters.csv and runs.csv
 * (include/gridsplit/write/sim.h), every number by the one rule there (GS_SIM_DEC_*). */
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
#include "write/outfmt.h"

/* Format v with at most 4 decimals (trailing zeros dropped) into buf; returns the length. Faster
 * than printf. */
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
    /* the one number rule: trailing zeros dropped, and the point with them */
    while (p[-1] == '0')
        p--;
    if (p[-1] == '.')
        p--;
    if (p - buf == 2 && buf[0] == '-' && buf[1] == '0')
        buf[0] = '0', p = buf + 1;
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
    const unsigned char *present; /* [site * GS_NCLASS + class]: 1 when the site has the class */
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
                if (!j->present[s * GS_NCLASS + (size_t)c])
                    continue;
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

/* The same for a cluster's or a run's figures. */
static int check_part_finite(const gs_part_stats *p, const char *kind, const char *id,
                             const char *path, gs_error *err)
{
    const struct { const char *key; double v; } k[] = {
        {"energy_mwh", p->energy_mwh},           {"peak_mw", p->peak_mw},
        {"mean_mw", p->mean_mw},                 {"gpu_hours", p->gpu_hours},
        {"energy_cost_usd", p->energy_cost_usd}, {"co2_t", p->co2_t},
        {"paused_h", p->paused_h},               {"capped_h", p->capped_h}};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (isinf(k[i].v))
            return gs_error_set(err, GS_ERUNTIME, path, 0, 0, k[i].key,
                                "%s '%s': not a finite number: nothing written", kind, id);
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
    unsigned char *present = calloc(j.ncurves ? j.ncurves : 1, 1);
    if (!present)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (size_t s = 0; s < r->nsites; s++)
        for (int c = 0; c < GS_NCLASS; c++)
            present[s * GS_NCLASS + (size_t)c] = (unsigned char)gs_sim_site_has_class(f, s, c);
    j.present = present;
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
    if (rc < 0) {
        free(present);
        return rc;
    }
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
    free(present);
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

/* ---- the one number rule (write/sim.h: GS_SIM_DEC_*) ---------------------------------- */

static json_t *jmw(double v) { return gs__json_num(v, GS_SIM_DEC_MW); }
static json_t *jh(double v) { return gs__json_num(v, GS_SIM_DEC_H); }
static json_t *jusd(double v) { return gs__json_num(v, GS_SIM_DEC_USD); }
static json_t *jt(double v) { return gs__json_num(v, GS_SIM_DEC_T); }
static json_t *jshare(double v) { return gs__json_num(v, GS_SIM_DEC_SHARE); }
static json_t *jgpuh(double v) { return gs__json_num(v, GS_SIM_DEC_GPUH); }

int gs_sim_site_has_class(const gs_fleet *f, size_t site, int cls)
{
    for (size_t k = 0; k < f->nclusters; k++)
        if (f->clusters[k].site == (int)site && (int)f->clusters[k].cls == cls)
            return 1;
    return 0;
}

static int fleet_has_class(const gs_fleet *f, int cls)
{
    for (size_t k = 0; k < f->nclusters; k++)
        if ((int)f->clusters[k].cls == cls)
            return 1;
    return 0;
}

static json_t *stats_json(const gs_load_stats *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "energy_mwh", jmw(s->energy_mwh));
    json_object_set_new(o, "peak_mw", jmw(s->peak_mw));
    json_object_set_new(o, "min_mw", jmw(s->min_mw));
    json_object_set_new(o, "mean_mw", jmw(s->mean_mw));
    json_object_set_new(o, "load_factor", jshare(s->load_factor));
    json_object_set_new(o, "peak_to_trough", jshare(s->peak_to_trough));
    json_object_set_new(o, "peak_hour_local", jh(s->peak_hour_local));
    json_object_set_new(o, "coincidence", jshare(s->coincidence));
    json_object_set_new(o, "energy_cost_usd", jusd(s->energy_cost_usd));
    json_object_set_new(o, "mean_price_usd_per_mwh", jusd(s->mean_price_usd_per_mwh));
    json_object_set_new(o, "price_coverage", jshare(s->price_coverage));
    json_object_set_new(o, "co2_t", jt(s->co2_t));
    json_object_set_new(o, "carbon_coverage", jshare(s->carbon_coverage));
    return o;
}

/* The figures of a cluster or run (gs_part_stats) into o; training adds the run counters. */
static void part_json(json_t *o, const gs_part_stats *p, int training, int is_run)
{
    json_object_set_new(o, "energy_mwh", jmw(p->energy_mwh));
    json_object_set_new(o, "peak_mw", jmw(p->peak_mw));
    json_object_set_new(o, "mean_mw", jmw(p->mean_mw));
    json_object_set_new(o, "hours", jh(p->hours));
    json_object_set_new(o, "gpu_hours", jgpuh(p->gpu_hours));
    json_object_set_new(o, "energy_cost_usd", jusd(p->energy_cost_usd));
    json_object_set_new(o, "mean_price_usd_per_mwh", jusd(p->mean_price_usd_per_mwh));
    json_object_set_new(o, "price_coverage", jshare(p->price_coverage));
    json_object_set_new(o, "co2_t", jt(p->co2_t));
    json_object_set_new(o, "carbon_coverage", jshare(p->carbon_coverage));
    if (!training)
        return;
    if (!is_run)
        json_object_set_new(o, "runs", json_integer(p->runs));
    json_object_set_new(o, "delay_h", jh(p->delay_h));
    json_object_set_new(o, "curtailments", json_integer(p->curtailments));
    json_object_set_new(o, "paused_h", jh(p->paused_h));
    json_object_set_new(o, "capped_h", jh(p->capped_h));
}

/* "zone ERCOT", "site west-texas", "fleet" */
static void scope_name(const gs_fleet *f, const gs_event *ev, char *out, size_t cap)
{
    if (ev->scope == GS_SCOPE_SITE && ev->scope_index >= 0 && (size_t)ev->scope_index < f->nsites)
        snprintf(out, cap, "site %s", f->sites[ev->scope_index].id);
    else if (ev->scope == GS_SCOPE_ZONE && ev->scope_index >= 0 &&
             (size_t)ev->scope_index < f->nzones)
        snprintf(out, cap, "zone %s", f->zones[ev->scope_index].id);
    else
        snprintf(out, cap, "fleet");
}

const char *gs_sim_lever_name(const gs_override *o)
{
    return o->kind == GS_OVR_PAUSE ? "pause" : o->kind == GS_OVR_OFF ? "off" : "cap";
}

void gs_sim_policy_totals(const gs_sim_result *r, const gs_sim_policy_info *pi,
                          gs_sim_policy_totals_t *t)
{
    memset(t, 0, sizeof *t);
    t->usd_saved = t->co2_t_avoided = NAN;
    if (!pi || !pi->plan)
        return;
    const gs_flexsim_result *pl = pi->plan;
    for (size_t v = 0; v < pl->nevents; v++)
        if (pl->events[v].jobs_curtailed > 0) {
            t->events_acted_on++;
            t->planner_cost_usd += pl->events[v].cost_usd;
            t->value_usd += pl->events[v].value_usd;
        }
    for (size_t k = 0; r->ovr && k < r->noverrides; k++) {
        const gs_override_stats *os = &r->ovr[k];
        if (!os->cuts)
            continue;
        if (!os->applied) {
            t->not_applied++;
            continue;
        }
        t->curtailments++;
        t->mwh_cut += os->mwh_cut;
        t->hours += os->hours;
        if (!isnan(os->usd_saved))
            t->usd_saved = (isnan(t->usd_saved) ? 0 : t->usd_saved) + os->usd_saved;
        if (!isnan(os->co2_t_avoided))
            t->co2_t_avoided = (isnan(t->co2_t_avoided) ? 0 : t->co2_t_avoided) + os->co2_t_avoided;
    }
}

static json_t *policy_json(const gs_sim_result *r, const gs_sim_policy_info *pi)
{
    json_t *o = json_object();
    int flexible = pi && pi->plan;
    json_object_set_new(o, "name", json_string(flexible ? "flexible" : "must-run"));
    if (!flexible) {
        json_object_set_new(o, "overrides", json_integer((json_int_t)r->overrides_applied));
        return o;
    }
    const gs_flexsim_result *pl = pi->plan;
    gs_sim_policy_totals_t t;
    gs_sim_policy_totals(r, pi, &t);
    json_object_set_new(o, "events", json_string(pi->events ? pi->events : ""));
    json_object_set_new(o, "events_planned", json_integer((json_int_t)pl->nevents));
    json_object_set_new(o, "price_hours_screened", json_integer((json_int_t)pl->price_hours_screened));
    json_object_set_new(o, "price_screen_usd_per_mwh", jusd(pl->screen_usd_per_mwh));
    json_object_set_new(o, "events_acted_on", json_integer((json_int_t)t.events_acted_on));
    json_object_set_new(o, "overrides", json_integer((json_int_t)r->overrides_applied));
    json_object_set_new(o, "curtailments", json_integer((json_int_t)t.curtailments));
    json_object_set_new(o, "not_applied", json_integer((json_int_t)t.not_applied));
    json_object_set_new(o, "curtailed_hours", jh(t.hours));
    json_object_set_new(o, "mwh_cut", jmw(t.mwh_cut));
    json_object_set_new(o, "usd_saved", jusd(t.usd_saved));
    json_object_set_new(o, "co2_t_avoided", jt(t.co2_t_avoided));
    json_object_set_new(o, "planner_cost_usd", jusd(t.planner_cost_usd));
    json_object_set_new(o, "value_usd", jusd(t.value_usd));
    return o;
}

/* One action: an override that cut a run's draw, with what the simulation says it did. */
static json_t *action_json(const gs_fleet *f, const gs_sim_result *r, const gs_override *ov,
                           const gs_override_stats *os)
{
    const gs_run *run = &f->runs[ov->run];
    const gs_cluster *cl = &f->clusters[run->cluster];
    char a[32], b[32];
    gs_format_time(ov->from_s, a);
    gs_format_time(ov->to_s, b);
    json_t *o = json_object();
    json_object_set_new(o, "run", json_string(run->id));
    json_object_set_new(o, "cluster", json_string(cl->id));
    json_object_set_new(o, "site", json_string(f->sites[cl->site].id));
    json_object_set_new(o, "lever", json_string(gs_sim_lever_name(ov)));
    if (ov->kind == GS_OVR_CAP)
        json_object_set_new(o, "cap_frac", jshare(ov->cap_frac));
    json_object_set_new(o, "from", json_string(a));
    json_object_set_new(o, "to", json_string(b));
    json_object_set_new(o, "hours", jh(os->hours));
    json_object_set_new(o, "mw_cut", jmw(os->mw_cut));
    json_object_set_new(o, "mwh_cut", jmw(os->mwh_cut));
    json_object_set_new(o, "usd_saved", jusd(os->usd_saved));
    json_object_set_new(o, "co2_t_avoided", jt(os->co2_t_avoided));
    json_object_set_new(o, "applied", json_boolean(os->applied));
    if (!os->applied)
        json_object_set_new(o, "note", json_string("the run was not running then (it waited for "
                                                   "GPUs an earlier, curtailed run still held, "
                                                   "or its work was done): nothing was cut"));
    (void)r;
    return o;
}

/* Every event and price hour the planner acted on, each with its actions (overrides that cut,
 * by pi->override_event); actions whose event is not known are listed last under event null. */
static json_t *curtailments_json(const gs_fleet *f, const gs_sim_result *r,
                                 const gs_sim_policy_info *pi)
{
    json_t *arr = json_array();
    const gs_flexsim_result *pl = pi->plan;
    const gs_override *ovr = pl->overrides;
    size_t nov = r->ovr ? r->noverrides : 0;
    for (long v = 0; v <= (long)pl->nevents; v++) {
        json_t *acts = json_array();
        double mwh = 0, usd = NAN;
        for (size_t k = 0; k < nov; k++) {
            int ev = pi->override_event ? pi->override_event[k] : -1;
            if (!r->ovr[k].cuts || (v < (long)pl->nevents ? ev != v : ev >= 0))
                continue;
            json_array_append_new(acts, action_json(f, r, &ovr[k], &r->ovr[k]));
            mwh += r->ovr[k].mwh_cut;
            if (!isnan(r->ovr[k].usd_saved))
                usd = (isnan(usd) ? 0 : usd) + r->ovr[k].usd_saved;
        }
        if (v == (long)pl->nevents) {
            if (json_array_size(acts)) {
                json_t *o = json_object();
                json_object_set_new(o, "event", json_null());
                json_object_set_new(o, "note", json_string("the event of these actions is not known"));
                json_object_set_new(o, "actions", acts);
                json_array_append_new(arr, o);
            } else {
                json_decref(acts);
            }
            break;
        }
        const gs_flexsim_event_out *x = &pl->events[v];
        if (x->jobs_curtailed <= 0) {
            json_decref(acts);
            continue;
        }
        const gs_event *ev = &x->e.ev;
        char a[32], b[32], sc[GS_ID_MAX + 16];
        gs_format_time(ev->start_s, a);
        gs_format_time(ev->end_s, b);
        scope_name(f, ev, sc, sizeof sc);
        json_t *o = json_object();
        json_object_set_new(o, "event", json_string(ev->id));
        json_object_set_new(o, "origin", json_string(x->e.origin));
        json_object_set_new(o, "kind", json_string(gs_plan_event_kind_name(ev->kind)));
        json_object_set_new(o, "source", json_string(x->e.source));
        json_object_set_new(o, "start", json_string(a));
        json_object_set_new(o, "end", json_string(b));
        json_object_set_new(o, "hours", jh((double)(ev->end_s - ev->start_s) / 3600.0));
        json_object_set_new(o, "scope", json_string(sc));
        if (ev->kind == GS_PEV_PRICE)
            json_object_set_new(o, "price_usd_per_mwh", jusd(ev->price_usd_per_mwh));
        json_object_set_new(o, "target_mw", jmw(x->target_mw));
        json_object_set_new(o, "achieved_mw", jmw(x->achieved_mw));
        json_object_set_new(o, "levers", json_string(x->levers));
        json_object_set_new(o, "jobs_curtailed", json_integer(x->jobs_curtailed));
        json_object_set_new(o, "mwh_cut", jmw(mwh));
        json_object_set_new(o, "usd_saved", jusd(usd));
        json_object_set_new(o, "planner_cost_usd", jusd(x->cost_usd));
        json_object_set_new(o, "value_usd", jusd(x->value_usd));
        json_object_set_new(o, "penalty_usd", jusd(x->penalty_usd));
        if (x->note[0])
            json_object_set_new(o, "note", json_string(x->note));
        json_object_set_new(o, "actions", acts);
        json_array_append_new(arr, o);
    }
    return arr;
}

int gs_write_summary_json(const gs_fleet *f, const gs_sim_result *r, const char *path,
                          gs_error *err)
{
    return gs_write_summary_json_policy(f, r, NULL, path, err);
}

int gs_write_summary_json_policy(const gs_fleet *f, const gs_sim_result *r,
                                 const gs_sim_policy_info *pi, const char *path, gs_error *err)
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
    for (size_t c = 0; !frc && r->cluster && c < r->nclusters; c++)
        frc = check_part_finite(&r->cluster[c], "cluster", f->clusters[c].id, path, err);
    for (size_t q = 0; !frc && r->run && q < r->nruns; q++)
        frc = check_part_finite(&r->run[q], "run", f->runs[q].id, path, err);
    if (frc)
        return frc;
    if (pi && pi->plan && r->ovr && pi->plan->noverrides != r->noverrides)
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                            "summary: the plan has %zu overrides but the result %zu",
                            pi->plan->noverrides, r->noverrides);
    char a[32], b[32];
    gs_format_time(r->start_s, a);
    gs_format_time(r->start_s + (int64_t)r->nsteps * r->step_s, b);
    json_t *root = json_object();
    json_object_set_new(root, "fleet", json_string(f->name));
    json_object_set_new(root, "from", json_string(a));
    json_object_set_new(root, "to", json_string(b));
    json_object_set_new(root, "step_s", json_integer(r->step_s));
    json_object_set_new(root, "steps", json_integer((json_int_t)r->nsteps));
    json_object_set_new(root, "policy", policy_json(r, pi));
    json_object_set_new(root, "overrides_applied", json_integer((json_int_t)r->overrides_applied));
    json_t *fl = stats_json(&r->fleet);
    json_t *fcl = json_object();
    for (int c = 0; c < GS_NCLASS; c++)
        if (fleet_has_class(f, c))
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
        json_object_set_new(so, "interconnect_mw", jmw(st->interconnect_mw));
        json_object_set_new(so, "peak_over_interconnect",
                            jshare(st->interconnect_mw > 0
                                       ? r->site[s].peak_mw / st->interconnect_mw
                                       : NAN));
        json_t *cl = json_object();
        for (int c = 0; c < GS_NCLASS; c++)
            if (gs_sim_site_has_class(f, s, c))
                json_object_set_new(cl, gs_class_name((gs_class)c),
                                    stats_json(&r->site_class[s * GS_NCLASS + (size_t)c]));
        json_object_set_new(so, "classes", cl);
        json_array_append_new(sites, so);
    }
    json_object_set_new(root, "sites", sites);
    if (r->cluster) {
        json_t *cls = json_array();
        for (size_t c = 0; c < r->nclusters; c++) {
            const gs_cluster *cl = &f->clusters[c];
            json_t *co = json_object();
            json_object_set_new(co, "id", json_string(cl->id));
            json_object_set_new(co, "site", json_string(f->sites[cl->site].id));
            json_object_set_new(co, "class", json_string(gs_class_name(cl->cls)));
            json_object_set_new(co, "gpus", json_integer((json_int_t)llround(cl->gpus)));
            part_json(co, &r->cluster[c], cl->cls == GS_TRAINING, 0);
            json_array_append_new(cls, co);
        }
        json_object_set_new(root, "clusters", cls);
    }
    json_t *svs = json_array();
    for (size_t v = 0; v < r->nservices; v++) {
        json_t *so = json_object();
        json_object_set_new(so, "id", json_string(f->services[v].id));
        json_object_set_new(so, "served_requests", gs__json_num(r->served_requests[v], 0));
        json_object_set_new(so, "unserved_requests", gs__json_num(r->unserved_requests[v], 0));
        json_array_append_new(svs, so);
    }
    json_object_set_new(root, "services", svs);
    /* training runs as simulated: a run waits for GPUs an earlier, delayed run still holds */
    json_t *runs = json_array();
    for (size_t q = 0; q < r->nruns; q++) {
        const gs_run *run = &f->runs[q];
        const gs_cluster *cl = &f->clusters[run->cluster];
        char t0[32], t1[32];
        gs_format_time(r->run_start_s[q], t0);
        gs_format_time(r->run_end_s[q], t1);
        json_t *ro = json_object();
        json_object_set_new(ro, "id", json_string(run->id));
        json_object_set_new(ro, "cluster", json_string(cl->id));
        json_object_set_new(ro, "site", json_string(f->sites[cl->site].id));
        json_object_set_new(ro, "gpus", json_integer((json_int_t)run->gpus));
        json_object_set_new(ro, "start", json_string(t0));
        json_object_set_new(ro, "end", json_string(t1));
        json_object_set_new(ro, "delay_s", json_integer(r->run_start_s[q] - run->start_s));
        if (r->run)
            part_json(ro, &r->run[q], 1, 1);
        json_array_append_new(runs, ro);
    }
    json_object_set_new(root, "runs", runs);
    if (pi && pi->plan)
        json_object_set_new(root, "curtailments", curtailments_json(f, r, pi));

    gs__outfile o;
    int rc = gs__outfile_open(&o, path, err);
    if (rc == GS_OK) {
        /* numbers are rounded to their unit's decimals first: 15 significant digits print
         * them exactly and no longer */
        if (json_dumpf(root, o.f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)) != 0) {
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

/* ---- clusters.csv and runs.csv ---------------------------------------------------------- */

static void csv_sep_num(FILE *fp, double v, int decimals)
{
    fputc(',', fp);
    gs__csv_num(fp, v, decimals);
}

static int csv_finish(gs__outfile *o, const char *path, gs_error *err)
{
    if (ferror(o->f)) {
        gs__outfile_abort(o);
        return gs_error_set(err, GS_EIO, path, 0, 0, NULL, "write failed");
    }
    return gs__outfile_commit(o, err);
}

/* clusters.csv, or runs.csv (runs), opened with its header once the result has the n figures p
 * (gs_sim_opts.detail) and every one is finite. */
static int part_csv_open(gs__outfile *o, const gs_fleet *f, const gs_part_stats *p, size_t n,
                         int runs, const char *header, const char *path, gs_error *err)
{
    const char *kind = runs ? "run" : "cluster";
    if (!p)
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                            "%ss.csv: the result has no %s figures (gs_sim_opts.detail)", kind, kind);
    for (size_t i = 0; i < n; i++) {
        int frc = check_part_finite(&p[i], kind, runs ? f->runs[i].id : f->clusters[i].id, path, err);
        if (frc)
            return frc;
    }
    int rc = gs__outfile_open(o, path, err);
    if (rc < 0)
        return rc;
    fputs(header, o->f);
    return GS_OK;
}

/* The columns both tables share, energy to CO2. */
static void part_csv_figures(FILE *fp, const gs_part_stats *p)
{
    csv_sep_num(fp, p->energy_mwh, GS_SIM_DEC_MW);
    csv_sep_num(fp, p->peak_mw, GS_SIM_DEC_MW);
    csv_sep_num(fp, p->mean_mw, GS_SIM_DEC_MW);
    csv_sep_num(fp, p->gpu_hours, GS_SIM_DEC_GPUH);
    csv_sep_num(fp, p->energy_cost_usd, GS_SIM_DEC_USD);
    csv_sep_num(fp, p->mean_price_usd_per_mwh, GS_SIM_DEC_USD);
    csv_sep_num(fp, p->co2_t, GS_SIM_DEC_T);
}

int gs_write_clusters_csv(const gs_fleet *f, const gs_sim_result *r, const char *path,
                          gs_error *err)
{
    gs__outfile o;
    int rc = part_csv_open(&o, f, r->cluster, r->nclusters, 0,
                           "cluster,site,class,gpus,energy_mwh,peak_mw,mean_mw,gpu_hours,"
                           "energy_cost_usd,mean_price_usd_per_mwh,co2_t,runs,delay_h,"
                           "curtailments,paused_h,capped_h\n", path, err);
    if (rc)
        return rc;
    for (size_t c = 0; c < r->nclusters; c++) {
        const gs_cluster *cl = &f->clusters[c];
        const gs_part_stats *p = &r->cluster[c];
        int tr = cl->cls == GS_TRAINING;
        gs__csv_str(o.f, cl->id);
        fputc(',', o.f);
        gs__csv_str(o.f, f->sites[cl->site].id);
        fprintf(o.f, ",%s", gs_class_name(cl->cls));
        csv_sep_num(o.f, cl->gpus, 0);
        part_csv_figures(o.f, p);
        /* run counters: training clusters only (empty for inference) */
        csv_sep_num(o.f, tr ? p->runs : NAN, 0);
        csv_sep_num(o.f, tr ? p->delay_h : NAN, GS_SIM_DEC_H);
        csv_sep_num(o.f, tr ? p->curtailments : NAN, 0);
        csv_sep_num(o.f, tr ? p->paused_h : NAN, GS_SIM_DEC_H);
        csv_sep_num(o.f, tr ? p->capped_h : NAN, GS_SIM_DEC_H);
        fputc('\n', o.f);
    }
    return csv_finish(&o, path, err);
}

int gs_write_runs_csv(const gs_fleet *f, const gs_sim_result *r, const char *path, gs_error *err)
{
    gs__outfile o;
    int rc = part_csv_open(&o, f, r->run, r->nruns, 1,
                           "run,cluster,site,gpus,planned_start,start,end,delay_h,hours,energy_mwh,"
                           "peak_mw,mean_mw,gpu_hours,energy_cost_usd,mean_price_usd_per_mwh,co2_t,"
                           "curtailments,paused_h,capped_h\n", path, err);
    if (rc)
        return rc;
    for (size_t q = 0; q < r->nruns; q++) {
        const gs_run *run = &f->runs[q];
        const gs_cluster *cl = &f->clusters[run->cluster];
        const gs_part_stats *p = &r->run[q];
        char t0[32], t1[32], t2[32];
        gs_format_time(run->start_s, t0);
        gs_format_time(r->run_start_s[q], t1);
        gs_format_time(r->run_end_s[q], t2);
        gs__csv_str(o.f, run->id);
        fputc(',', o.f);
        gs__csv_str(o.f, cl->id);
        fputc(',', o.f);
        gs__csv_str(o.f, f->sites[cl->site].id);
        fprintf(o.f, ",%d,%s,%s,%s", run->gpus, t0, t1, t2);
        csv_sep_num(o.f, p->delay_h, GS_SIM_DEC_H);
        csv_sep_num(o.f, p->hours, GS_SIM_DEC_H);
        part_csv_figures(o.f, p);
        csv_sep_num(o.f, p->curtailments, 0);
        csv_sep_num(o.f, p->paused_h, GS_SIM_DEC_H);
        csv_sep_num(o.f, p->capped_h, GS_SIM_DEC_H);
        fputc('\n', o.f);
    }
    return csv_finish(&o, path, err);
}
