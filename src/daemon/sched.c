/* sched.c: the scheduler interface's dispatch (each gs_sched_* call goes to the
 * implementation's table, timed and checked the same way for all) and what implementations
 * share: state names, the growable job list, bounded string copies. */
#include "daemon/sched.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

const char *gs_sched_state_name(gs_sched_state state)
{
    switch (state) {
    case GS_SCHED_PENDING: return "pending";
    case GS_SCHED_RUNNING: return "running";
    case GS_SCHED_SUSPENDED: return "suspended";
    case GS_SCHED_COMPLETING: return "completing";
    case GS_SCHED_ENDED: return "ended";
    case GS_SCHED_UNKNOWN: break;
    }
    return "unknown";
}

const char *gs_sched_strerror(int status)
{
    switch (status) {
    case 0: return "ok";
    case GS_SCHED_ENOJOB: return "no such job";
    case GS_SCHED_ESTATE: return "the job's state does not allow this";
    case GS_SCHED_ETIMEOUT: return "the job did not reach the expected state in time";
    case GS_SCHED_EDOWN: return "the scheduler cannot be reached";
    case GS_SCHED_EREFUSED: return "the scheduler refused";
    default: return gs_strerror(status);
    }
}

void gs_sched_jobs_free(gs_sched_jobs *jobs)
{
    if (!jobs)
        return;
    free(jobs->job);
    jobs->job = NULL;
    jobs->n = jobs->cap = 0;
}

gs_sched_job *gs_sched_jobs_push(gs_sched_jobs *jobs)
{
    if (jobs->n == jobs->cap) {
        size_t cap = jobs->cap ? jobs->cap * 2 : 64;
        gs_sched_job *p = realloc(jobs->job, cap * sizeof *p);
        if (!p)
            return NULL;
        jobs->job = p;
        jobs->cap = cap;
    }
    gs_sched_job *j = &jobs->job[jobs->n++];
    memset(j, 0, sizeof *j);
    return j;
}

bool gs_sched_copy(char *dst, size_t dst_len, const char *src)
{
    if (!src)
        src = "";
    size_t n = strlen(src);
    bool cut = n >= dst_len;
    if (cut)
        n = dst_len - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return cut;
}

void gs_sched_result_from_job(gs_sched_result *res, const gs_sched_job *job)
{
    res->state = job->state;
    gs_sched_copy(res->state_name, sizeof res->state_name, job->state_name);
    gs_sched_copy(res->reason, sizeof res->reason, job->reason);
    res->held = job->held;
    res->restarts = job->restarts;
}

void gs_sched_free(gs_sched *s)
{
    if (s)
        s->ops->free(s);
}

const char *gs_sched_kind(const gs_sched *s)
{
    return s->ops->kind;
}

int gs_sched_list(gs_sched *s, gs_sched_jobs *jobs, gs_error *err)
{
    jobs->n = 0;
    return s->ops->list(s, jobs, err);
}

int gs_sched_get(gs_sched *s, uint32_t id, gs_sched_job *job, gs_error *err)
{
    memset(job, 0, sizeof *job);
    return s->ops->get(s, id, job, err);
}

/* Every action starts from a clean result and ends with its status and time in it. */
static void result_start(gs_sched_result *res)
{
    memset(res, 0, sizeof *res);
    res->state = GS_SCHED_UNKNOWN;
}

static int result_end(gs_sched_result *res, double t0, int status)
{
    res->status = status;
    res->elapsed_ms = now_ms() - t0;
    if (status != 0 && !res->message[0])
        gs_sched_copy(res->message, sizeof res->message, gs_sched_strerror(status));
    return status;
}

int gs_sched_suspend(gs_sched *s, uint32_t id, gs_sched_result *res)
{
    double t0 = now_ms();
    result_start(res);
    return result_end(res, t0, s->ops->suspend(s, id, res));
}

int gs_sched_resume(gs_sched *s, uint32_t id, gs_sched_result *res)
{
    double t0 = now_ms();
    result_start(res);
    return result_end(res, t0, s->ops->resume(s, id, res));
}

int gs_sched_requeue(gs_sched *s, uint32_t id, gs_sched_result *res)
{
    double t0 = now_ms();
    result_start(res);
    return result_end(res, t0, s->ops->requeue(s, id, res));
}

int gs_sched_signal(gs_sched *s, uint32_t id, int sig, gs_sched_signal_to to, gs_sched_result *res)
{
    double t0 = now_ms();
    result_start(res);
    if (sig <= 0 || sig > 64 || (to != GS_SCHED_SIGNAL_BATCH && to != GS_SCHED_SIGNAL_FULL &&
                                 to != GS_SCHED_SIGNAL_STEPS)) {
        gs_sched_copy(res->message, sizeof res->message, "signal: expected a signal number 1-64 and a target");
        return result_end(res, t0, GS_EINPUT);
    }
    return result_end(res, t0, s->ops->signal(s, id, sig, to, res));
}

int gs_sched_update_job(gs_sched *s, uint32_t id, const gs_sched_update *u, gs_sched_result *res)
{
    double t0 = now_ms();
    result_start(res);
    if (!u || u->start_s < 0 || (u->hold != GS_SCHED_HOLD_KEEP && u->hold != GS_SCHED_HOLD &&
                                 u->hold != GS_SCHED_RELEASE)) {
        gs_sched_copy(res->message, sizeof res->message, "update: expected a start time >= 0 and a hold of keep, hold or release");
        return result_end(res, t0, GS_EINPUT);
    }
    return result_end(res, t0, s->ops->update(s, id, u, res));
}
