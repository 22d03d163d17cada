/* sched_fake.c: the FAKE scheduler of sched_fake.h: jobs in one array indexed by id - 1, every
 * action O(1) and immediate, with the state rules of Slurm 22.05 but none of its waits. For
 * benchmarks and unit tests only; the real scheduler is sched_slurm.c. */
#include "daemon/sched_fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fake_job {
    gs_sched_job j;
    unsigned signals;
    int last_sig;
    gs_sched_signal_to last_to;
    int fail_status;
    unsigned fail_count;
} fake_job;

typedef struct fake_sched {
    gs_sched base;
    fake_job *job;
    size_t n, cap;
    int64_t now_s;
} fake_sched;

static const gs_sched_ops fake_ops;

static fake_sched *as_fake(gs_sched *s)
{
    return s && s->ops == &fake_ops ? (fake_sched *)s : NULL;
}

static fake_job *find(fake_sched *fs, uint32_t id)
{
    return id >= 1 && id <= fs->n ? &fs->job[id - 1] : NULL;
}

static void set_state(fake_job *fj, gs_sched_state st)
{
    static const char *const words[] = {"PENDING", "RUNNING", "SUSPENDED", "COMPLETING", "COMPLETED", "UNKNOWN"};
    fj->j.state = st;
    gs_sched_copy(fj->j.state_name, sizeof fj->j.state_name, words[st]);
    if (st != GS_SCHED_PENDING) {
        fj->j.held = false;
        fj->j.reason[0] = '\0';
    }
}

/* The job of an action, or NULL with res filled: unknown id, or an injected failure. */
static fake_job *acting_on(fake_sched *fs, uint32_t id, gs_sched_result *res, int *status)
{
    fake_job *fj = find(fs, id);
    if (!fj) {
        snprintf(res->message, sizeof res->message, "fake: no job %u", id);
        *status = GS_SCHED_ENOJOB;
        return NULL;
    }
    gs_sched_result_from_job(res, &fj->j);
    if (fj->fail_count) {
        fj->fail_count--;
        snprintf(res->message, sizeof res->message, "fake: injected failure of job %u", id);
        *status = fj->fail_status;
        return NULL;
    }
    return fj;
}

static int refuse(fake_job *fj, const char *action, gs_sched_result *res)
{
    snprintf(res->message, sizeof res->message, "fake: cannot %s job %u while it is %s", action, fj->j.id,
             gs_sched_state_name(fj->j.state));
    return GS_SCHED_ESTATE;
}

static int fk_list(gs_sched *s, gs_sched_jobs *jobs, gs_error *err)
{
    fake_sched *fs = (fake_sched *)s;
    if (jobs->cap < fs->n) {
        gs_sched_job *p = realloc(jobs->job, fs->n * sizeof *p);
        if (!p)
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory listing %zu jobs", fs->n);
        jobs->job = p;
        jobs->cap = fs->n;
    }
    for (size_t i = 0; i < fs->n; i++)
        jobs->job[i] = fs->job[i].j;
    jobs->n = fs->n;
    return 0;
}

static int fk_get(gs_sched *s, uint32_t id, gs_sched_job *job, gs_error *err)
{
    fake_job *fj = find((fake_sched *)s, id);
    if (!fj) {
        gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL, "fake: no job %u", id);
        return GS_SCHED_ENOJOB;
    }
    *job = fj->j;
    return 0;
}

static int fk_suspend(gs_sched *s, uint32_t id, gs_sched_result *res)
{
    fake_sched *fs = (fake_sched *)s;
    int st = 0;
    fake_job *fj = acting_on(fs, id, res, &st);
    if (!fj)
        return st;
    if (fj->j.state == GS_SCHED_SUSPENDED)
        return 0; /* Slurm takes a second suspend without a word */
    if (fj->j.state != GS_SCHED_RUNNING)
        return refuse(fj, "suspend", res);
    set_state(fj, GS_SCHED_SUSPENDED); /* GPUs stay allocated, as in Slurm */
    fj->j.suspend_s = fs->now_s;
    gs_sched_result_from_job(res, &fj->j);
    return 0;
}

static int fk_resume(gs_sched *s, uint32_t id, gs_sched_result *res)
{
    fake_sched *fs = (fake_sched *)s;
    int st = 0;
    fake_job *fj = acting_on(fs, id, res, &st);
    if (!fj)
        return st;
    if (fj->j.state != GS_SCHED_SUSPENDED)
        return refuse(fj, "resume", res);
    set_state(fj, GS_SCHED_RUNNING);
    fj->j.suspend_s = fs->now_s;
    gs_sched_result_from_job(res, &fj->j);
    return 0;
}

static int fk_requeue(gs_sched *s, uint32_t id, gs_sched_result *res)
{
    fake_sched *fs = (fake_sched *)s;
    int st = 0;
    fake_job *fj = acting_on(fs, id, res, &st);
    if (!fj)
        return st;
    if (fj->j.state != GS_SCHED_RUNNING && fj->j.state != GS_SCHED_SUSPENDED)
        return refuse(fj, "requeue", res);
    set_state(fj, GS_SCHED_RUNNING); /* the fake has room for every job: it runs again at once */
    fj->j.restarts++;
    fj->j.start_s = fs->now_s;
    gs_sched_result_from_job(res, &fj->j);
    return 0;
}

static int fk_signal(gs_sched *s, uint32_t id, int sig, gs_sched_signal_to to, gs_sched_result *res)
{
    fake_sched *fs = (fake_sched *)s;
    int st = 0;
    fake_job *fj = acting_on(fs, id, res, &st);
    if (!fj)
        return st;
    if (fj->j.state != GS_SCHED_RUNNING)
        return refuse(fj, "signal", res);
    fj->signals++;
    fj->last_sig = sig;
    fj->last_to = to;
    return 0;
}

static int fk_update(gs_sched *s, uint32_t id, const gs_sched_update *u, gs_sched_result *res)
{
    fake_sched *fs = (fake_sched *)s;
    int st = 0;
    fake_job *fj = acting_on(fs, id, res, &st);
    if (!fj)
        return st;
    bool pending = fj->j.state == GS_SCHED_PENDING;
    if (fj->j.state == GS_SCHED_ENDED || (u->start_s && !pending))
        return refuse(fj, "update", res);
    if (u->comment && gs_sched_copy(fj->j.comment, sizeof fj->j.comment, u->comment))
        fj->j.truncated = true;
    if (!pending) {
        /* Slurm takes a hold or release of a running job; it keeps running. (What the hold
         * would do to a later requeue is not modelled.) */
    } else if (u->hold == GS_SCHED_HOLD) {
        fj->j.held = true;
        gs_sched_copy(fj->j.reason, sizeof fj->j.reason, "JobHeldAdmin");
    } else if (u->hold == GS_SCHED_RELEASE) {
        fj->j.held = false;
        fj->j.reason[0] = '\0';
    }
    gs_sched_result_from_job(res, &fj->j);
    return 0;
}

static void fk_free(gs_sched *s)
{
    fake_sched *fs = (fake_sched *)s;
    free(fs->job);
    free(fs);
}

static const gs_sched_ops fake_ops = {
    .kind = "fake",
    .free = fk_free,
    .list = fk_list,
    .get = fk_get,
    .suspend = fk_suspend,
    .resume = fk_resume,
    .requeue = fk_requeue,
    .signal = fk_signal,
    .update = fk_update,
};

int gs_sched_fake_new(int64_t start_s, gs_sched **out, gs_error *err)
{
    *out = NULL;
    fake_sched *fs = calloc(1, sizeof *fs);
    if (!fs)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    fs->base.ops = &fake_ops;
    fs->now_s = start_s;
    *out = &fs->base;
    return 0;
}

uint32_t gs_sched_fake_add(gs_sched *s, const gs_sched_job *tmpl)
{
    fake_sched *fs = as_fake(s);
    if (!fs || fs->n >= UINT32_MAX - 1)
        return 0;
    if (fs->n == fs->cap) {
        size_t cap = fs->cap ? 2 * fs->cap : 1024;
        fake_job *p = realloc(fs->job, cap * sizeof *p);
        if (!p)
            return 0;
        fs->job = p;
        fs->cap = cap;
    }
    fake_job *fj = &fs->job[fs->n++];
    memset(fj, 0, sizeof *fj);
    fj->j = *tmpl;
    fj->j.id = (uint32_t)fs->n;
    fj->j.submit_s = fs->now_s;
    fj->j.restarts = 0;
    fj->j.suspend_s = 0;
    if (tmpl->state == GS_SCHED_PENDING) {
        set_state(fj, GS_SCHED_PENDING);
        fj->j.start_s = 0;
        fj->j.nodes[0] = '\0';
    } else {
        set_state(fj, GS_SCHED_RUNNING);
        fj->j.start_s = fs->now_s;
    }
    return fj->j.id;
}

void gs_sched_fake_set_time(gs_sched *s, int64_t now_s)
{
    fake_sched *fs = as_fake(s);
    if (fs)
        fs->now_s = now_s;
}

int gs_sched_fake_end(gs_sched *s, uint32_t id)
{
    fake_sched *fs = as_fake(s);
    fake_job *fj = fs ? find(fs, id) : NULL;
    if (!fj)
        return GS_SCHED_ENOJOB;
    set_state(fj, GS_SCHED_ENDED);
    return 0;
}

unsigned gs_sched_fake_signals(const gs_sched *s, uint32_t id, int *last, gs_sched_signal_to *last_to)
{
    fake_sched *fs = as_fake((gs_sched *)s);
    fake_job *fj = fs ? find(fs, id) : NULL;
    if (!fj)
        return 0;
    if (last)
        *last = fj->last_sig;
    if (last_to)
        *last_to = fj->last_to;
    return fj->signals;
}

int gs_sched_fake_fail_next(gs_sched *s, uint32_t id, int status, unsigned count)
{
    fake_sched *fs = as_fake(s);
    fake_job *fj = fs ? find(fs, id) : NULL;
    if (!fj)
        return GS_SCHED_ENOJOB;
    fj->fail_status = status;
    fj->fail_count = count;
    return 0;
}
