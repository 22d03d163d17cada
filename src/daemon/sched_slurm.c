/* sched_slurm.c: the scheduler interface (sched.h) on Slurm 22.05 through libslurm. Reads jobs
 * with slurm_load_jobs / slurm_load_job, acts with slurm_suspend, slurm_resume, slurm_requeue,
 * slurm_kill_job and slurm_update_job, and reads every job back after acting on it. The
 * behaviours of 22.05 that it handles were measured on Debian 12 (../shared/FACTS.md and
 * docs/serve.md, "Scheduler adapter"):
 * - error codes: some calls return the Slurm code, others -1 with the code in
 *   slurm_get_errno(); status_of() takes rc first, then the errno;
 * - a suspended job keeps its GPUs allocated (its gres detail stays): the job's gpus say so;
 * - a resume within ~2 s of the suspend waits behind it on the node, and a signal in that
 *   window is lost while the call reports success: resume and signal wait for the suspend to
 *   settle (own suspends timed to the ms; others' from Slurm's suspend time, to the second);
 * - a signal to a suspended job is refused ("Job can not be altered now");
 * - a requeued job waits ~120 s for its BeginTime: requeue sets it to now+1 (now itself can
 *   fail with "Job credential revoked"), after the job has left COMPLETING (an update made
 *   while it completes is overwritten); a requeued suspended job is held: requeue releases it. */
#include "daemon/sched_slurm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <slurm/slurm.h>
#include <slurm/slurm_errno.h>

/* Exported by libslurm 22.05 but missing from its header. */
extern char *slurm_job_reason_string(enum job_state_reason inx);

typedef struct settle_rec {
    uint32_t id;
    double suspend_ms;     /* monotonic time of our last suspend of the job */
    int64_t action_wall_s; /* wall-clock second just after our last suspend or resume */
} settle_rec;

typedef struct slurm_sched {
    gs_sched base;
    gs_sched_slurm_opts o;
    settle_rec *rec; /* our recent suspends, to know when they settle */
    size_t nrec, caprec;
} slurm_sched;

/* A job with what only this adapter needs. */
typedef struct sjob {
    gs_sched_job j;
    uint16_t reason_code;
    int64_t expected_start_s; /* pending: when Slurm means to start it (the BeginTime if any) */
} sjob;

static double mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double wall_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void sleep_ms(double ms)
{
    if (ms <= 0)
        return;
    struct timespec t = {.tv_sec = (time_t)(ms / 1e3), .tv_nsec = (long)((ms - (double)(time_t)(ms / 1e3) * 1e3) * 1e6)};
    nanosleep(&t, NULL);
}

/* ---- errors ------------------------------------------------------------------------------ */

/* The Slurm error of a failed call: its return value when that is a code, else the errno. */
static int slurm_code(int rc)
{
    return rc > 0 ? rc : slurm_get_errno();
}

static int status_of(int code)
{
    switch (code) {
    case ESLURM_INVALID_JOB_ID:
        return GS_SCHED_ENOJOB;
    case ESLURM_ALREADY_DONE:
    case ESLURM_JOB_PENDING:
    case ESLURM_DISABLED:
    case ESLURM_JOB_NOT_PENDING:
    case ESLURM_TRANSITION_STATE_NO_UPDATE:
    case ESLURM_BATCH_ONLY:
    case ESLURM_JOB_SUSPENDED:
    case ESLURM_JOB_NOT_SUSPENDED:
    case ESLURM_JOB_NOT_RUNNING:
    case ESLURM_JOB_NOT_PENDING_NOR_RUNNING:
    case ESLURM_JOB_FINISHED:
    case ESLURM_JOB_HELD:
        return GS_SCHED_ESTATE;
    default:
        break;
    }
    if ((code >= SLURM_COMMUNICATIONS_CONNECTION_ERROR && code <= SLURM_COMMUNICATIONS_MISSING_SOCKET_ERROR) ||
        (code >= SLURMCTLD_COMMUNICATIONS_CONNECTION_ERROR && code < SLURM_NO_CHANGE_IN_DATA) ||
        (code >= SLURM_PROTOCOL_SOCKET_IMPL_ZERO_RECV_LENGTH && code < ESLURM_AUTH_CRED_INVALID) ||
        (code >= ESLURM_AUTH_CRED_INVALID && code < ESLURM_AUTH_CRED_INVALID + 100))
        return GS_SCHED_EDOWN;
    return GS_SCHED_EREFUSED;
}

/* Status and message of a failed call: "slurm_suspend(12): Job is pending execution (2017)". */
static int failed(int rc, const char *call, uint32_t id, char *msg, size_t len)
{
    int code = slurm_code(rc);
    if (code == 0) {
        snprintf(msg, len, "%s failed on job %u (returned %d, no Slurm error code)", call, id, rc);
        return GS_SCHED_EREFUSED;
    }
    if (id)
        snprintf(msg, len, "%s(%u): %s (Slurm error %d)", call, id, slurm_strerror(code), code);
    else
        snprintf(msg, len, "%s: %s (Slurm error %d)", call, slurm_strerror(code), code);
    return status_of(code);
}

/* ---- reading jobs ------------------------------------------------------------------------ */

/* The count of a "gpu" entry in a comma list of GRES, where each entry is
 * [gres:|gres/]gpu[:type]:COUNT[(IDX:...)] and parentheses may hold commas. */
static uint32_t gpus_in(const char *s)
{
    uint32_t total = 0;
    if (!s)
        return 0;
    while (*s) {
        const char *end = s;
        int depth = 0;
        while (*end && (depth > 0 || *end != ',')) {
            depth += (*end == '(') - (*end == ')');
            end++;
        }
        const char *e = s;
        if (strncmp(e, "gres:", 5) == 0 || strncmp(e, "gres/", 5) == 0)
            e += 5;
        if (strncmp(e, "gpu", 3) == 0 && (e[3] == ':' || e[3] == '=')) {
            /* the count is the last ':'- or '='-separated field before '(' */
            const char *stop = e;
            while (stop < end && *stop != '(')
                stop++;
            const char *num = stop;
            while (num > e && num[-1] != ':' && num[-1] != '=')
                num--;
            char *nend = NULL;
            unsigned long n = strtoul(num, &nend, 10);
            if (nend != num && n < 1000000)
                total += (uint32_t)n;
        }
        s = *end ? end + 1 : end;
    }
    return total;
}

static gs_sched_state state_of(uint32_t st)
{
    if (st & JOB_COMPLETING)
        return GS_SCHED_COMPLETING;
    switch (st & JOB_STATE_BASE) {
    case JOB_PENDING: return GS_SCHED_PENDING;
    case JOB_RUNNING: return GS_SCHED_RUNNING;
    case JOB_SUSPENDED: return GS_SCHED_SUSPENDED;
    case JOB_COMPLETE:
    case JOB_CANCELLED:
    case JOB_FAILED:
    case JOB_TIMEOUT:
    case JOB_NODE_FAIL:
    case JOB_PREEMPTED:
    case JOB_BOOT_FAIL:
    case JOB_DEADLINE:
    case JOB_OOM:
        return GS_SCHED_ENDED;
    default:
        return GS_SCHED_UNKNOWN;
    }
}

static const char *state_word(uint32_t st)
{
    static const char *const words[] = {"PENDING", "RUNNING", "SUSPENDED", "COMPLETED",
                                        "CANCELLED", "FAILED", "TIMEOUT", "NODE_FAIL",
                                        "PREEMPTED", "BOOT_FAIL", "DEADLINE", "OUT_OF_MEMORY"};
    if (st & JOB_COMPLETING)
        return "COMPLETING";
    uint32_t b = st & JOB_STATE_BASE;
    return b < sizeof words / sizeof *words ? words[b] : "UNKNOWN";
}

static void job_from(const slurm_job_info_t *in, sjob *out)
{
    gs_sched_job *j = &out->j;
    memset(out, 0, sizeof *out);
    bool cut = false;
    j->id = in->job_id;
    cut |= gs_sched_copy(j->name, sizeof j->name, in->name);
    cut |= gs_sched_copy(j->partition, sizeof j->partition, in->partition);
    cut |= gs_sched_copy(j->account, sizeof j->account, in->account);
    cut |= gs_sched_copy(j->qos, sizeof j->qos, in->qos);
    cut |= gs_sched_copy(j->comment, sizeof j->comment, in->comment);
    j->state = state_of(in->job_state);
    gs_sched_copy(j->state_name, sizeof j->state_name, state_word(in->job_state));
    out->reason_code = in->state_reason;
    if (in->state_reason != WAIT_NO_REASON)
        gs_sched_copy(j->reason, sizeof j->reason, slurm_job_reason_string((enum job_state_reason)in->state_reason));
    j->held = j->state == GS_SCHED_PENDING &&
              (in->priority == 0 || in->state_reason == WAIT_HELD || in->state_reason == WAIT_HELD_USER);
    bool placed = j->state == GS_SCHED_RUNNING || j->state == GS_SCHED_SUSPENDED ||
                  j->state == GS_SCHED_COMPLETING || j->state == GS_SCHED_ENDED;
    if (placed)
        cut |= gs_sched_copy(j->nodes, sizeof j->nodes, in->nodes);
    /* GPUs: what the nodes gave it (kept while suspended), else what it asks for. */
    uint32_t alloc = 0;
    for (uint32_t i = 0; placed && in->gres_detail_str && i < in->gres_detail_cnt; i++)
        alloc += gpus_in(in->gres_detail_str[i]);
    if (alloc) {
        j->gpus = alloc;
    } else {
        uint32_t nodes = in->num_nodes ? in->num_nodes : 1;
        uint32_t tasks = in->num_tasks && in->num_tasks != NO_VAL ? in->num_tasks : 1;
        j->gpus = gpus_in(in->tres_per_job) + gpus_in(in->tres_per_node) * nodes +
                  gpus_in(in->tres_per_task) * tasks;
    }
    j->cpus = in->num_cpus == NO_VAL ? 0 : in->num_cpus;
    j->submit_s = (int64_t)in->submit_time;
    if (placed)
        j->start_s = (int64_t)in->start_time;
    else
        out->expected_start_s = (int64_t)in->start_time;
    j->suspend_s = (int64_t)in->suspend_time;
    j->restarts = in->restart_cnt;
    j->truncated = cut;
}

static int load_one(uint32_t id, sjob *out, char *msg, size_t len)
{
    job_info_msg_t *m = NULL;
    int rc = slurm_load_job(&m, id, SHOW_DETAIL);
    if (rc != 0)
        return failed(rc, "slurm_load_job", id, msg, len);
    int status = GS_SCHED_ENOJOB;
    for (uint32_t i = 0; m && i < m->record_count; i++) {
        if (m->job_array[i].job_id == id) {
            job_from(&m->job_array[i], out);
            status = 0;
            break;
        }
    }
    if (status)
        snprintf(msg, len, "slurm_load_job(%u): no such job", id);
    slurm_free_job_info_msg(m);
    return status;
}

/* Status of a failed action, with the job read back into res. The codes alone mislead: 22.05
 * answers a suspend or resume of an unknown job with "Zero Bytes were transmitted or received"
 * (5005), so the read decides: no such job is GS_SCHED_ENOJOB, and a controller that answers
 * the read is not down (GS_SCHED_EREFUSED with Slurm's words). */
static int action_failed(int rc, const char *call, uint32_t id, gs_sched_result *res)
{
    int st = failed(rc, call, id, res->message, sizeof res->message);
    sjob sj;
    char msg[256];
    int rd = load_one(id, &sj, msg, sizeof msg);
    if (rd == GS_SCHED_ENOJOB) {
        snprintf(res->message, sizeof res->message, "%s(%u): no such job", call, id);
        return GS_SCHED_ENOJOB;
    }
    if (rd == 0) {
        gs_sched_result_from_job(res, &sj.j);
        if (st == GS_SCHED_EDOWN)
            st = GS_SCHED_EREFUSED;
    }
    return st;
}

static int sl_list(gs_sched *s, gs_sched_jobs *jobs, gs_error *err)
{
    (void)s;
    job_info_msg_t *m = NULL;
    int rc = slurm_load_jobs((time_t)0, &m, SHOW_ALL | SHOW_DETAIL);
    if (rc != 0) {
        char msg[256];
        int st = failed(rc, "slurm_load_jobs", 0, msg, sizeof msg);
        gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL, "%s", msg);
        return st;
    }
    for (uint32_t i = 0; m && i < m->record_count; i++) {
        gs_sched_job *j = gs_sched_jobs_push(jobs);
        if (!j) {
            slurm_free_job_info_msg(m);
            gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory listing %u jobs", m->record_count);
            return GS_ENOMEM;
        }
        sjob sj;
        job_from(&m->job_array[i], &sj);
        *j = sj.j;
    }
    slurm_free_job_info_msg(m);
    return 0;
}

static int sl_get(gs_sched *s, uint32_t id, gs_sched_job *job, gs_error *err)
{
    (void)s;
    sjob sj;
    char msg[256];
    int st = load_one(id, &sj, msg, sizeof msg);
    if (st) {
        gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL, "%s", msg);
        return st;
    }
    *job = sj.j;
    return 0;
}

/* ---- waiting for a state ----------------------------------------------------------------- */

typedef bool (*job_pred)(const sjob *j, const void *arg);

/* Read the job back every poll_ms until pred holds or ms have passed. The last read is in
 * *out (and res). Returns 0, GS_SCHED_ETIMEOUT, or the status of a failed read. */
static int wait_for(slurm_sched *ss, uint32_t id, job_pred pred, const void *arg, int ms, sjob *out,
                    gs_sched_result *res)
{
    double deadline = mono_ms() + ms;
    for (;;) {
        int st = load_one(id, out, res->message, sizeof res->message);
        if (st)
            return st;
        gs_sched_result_from_job(res, &out->j);
        if (pred(out, arg))
            return 0;
        if (mono_ms() >= deadline)
            return GS_SCHED_ETIMEOUT;
        sleep_ms(ss->o.poll_ms);
    }
}

static bool is_state(const sjob *j, const void *arg)
{
    return j->j.state == *(const gs_sched_state *)arg;
}

/* ---- settling after a suspend ------------------------------------------------------------ */

static settle_rec *rec_find(slurm_sched *ss, uint32_t id)
{
    for (size_t i = 0; i < ss->nrec; i++)
        if (ss->rec[i].id == id)
            return &ss->rec[i];
    return NULL;
}

/* The record of job id, made if absent (old records are dropped first); NULL without memory. */
static settle_rec *rec_get(slurm_sched *ss, uint32_t id)
{
    settle_rec *r = rec_find(ss, id);
    if (r)
        return r;
    int64_t now = (int64_t)time(NULL);
    size_t k = 0;
    for (size_t i = 0; i < ss->nrec; i++)
        if (now - ss->rec[i].action_wall_s < 3600)
            ss->rec[k++] = ss->rec[i];
    ss->nrec = k;
    if (ss->nrec == ss->caprec) {
        size_t cap = ss->caprec ? 2 * ss->caprec : 64;
        settle_rec *p = realloc(ss->rec, cap * sizeof *p);
        if (!p)
            return NULL;
        ss->rec = p;
        ss->caprec = cap;
    }
    r = &ss->rec[ss->nrec++];
    memset(r, 0, sizeof *r);
    r->id = id;
    return r;
}

/* How many ms from now until the job's last suspend has settled on the node (0 if it has).
 * job.suspend_s is Slurm's time of the last suspend or resume, to the second: when it is not
 * ours, count from the end of that second. */
static double settle_left_ms(slurm_sched *ss, const gs_sched_job *job)
{
    settle_rec *r = rec_find(ss, job->id);
    if (r && job->suspend_s <= r->action_wall_s)
        return r->suspend_ms + ss->o.settle_ms - mono_ms();
    if (job->suspend_s <= 0)
        return 0;
    return (double)(job->suspend_s + 1) * 1e3 + ss->o.settle_ms - wall_ms();
}

static void note_action(slurm_sched *ss, uint32_t id, bool suspend)
{
    settle_rec *r = rec_get(ss, id);
    if (!r)
        return; /* without memory we fall back to Slurm's suspend time, which only waits longer */
    if (suspend)
        r->suspend_ms = mono_ms();
    r->action_wall_s = (int64_t)time(NULL);
}

static void note_wait(gs_sched_result *res, const char *what, double ms)
{
    size_t n = strlen(res->message);
    snprintf(res->message + n, sizeof res->message - n, "%swaited %.0f ms %s", n ? "; " : "", ms, what);
}

/* ---- actions ----------------------------------------------------------------------------- */

static int sl_suspend(gs_sched *s, uint32_t id, gs_sched_result *res)
{
    slurm_sched *ss = (slurm_sched *)s;
    int rc = slurm_suspend(id);
    if (rc != 0)
        return action_failed(rc, "slurm_suspend", id, res);
    /* Also for a job already suspended (Slurm takes that too): a later resume then waits a
     * settle it need not, never less. */
    note_action(ss, id, true);
    gs_sched_state want = GS_SCHED_SUSPENDED;
    sjob sj;
    return wait_for(ss, id, is_state, &want, ss->o.confirm_ms, &sj, res);
}

static int sl_resume(gs_sched *s, uint32_t id, gs_sched_result *res)
{
    slurm_sched *ss = (slurm_sched *)s;
    sjob before;
    int st = load_one(id, &before, res->message, sizeof res->message);
    if (st)
        return st;
    gs_sched_result_from_job(res, &before.j);
    /* The end of the suspend on the node, taken before note_action makes the resume ours. */
    double settled_at = mono_ms() + settle_left_ms(ss, &before.j);
    int rc = slurm_resume(id);
    if (rc != 0)
        return action_failed(rc, "slurm_resume", id, res);
    note_action(ss, id, false);
    gs_sched_state want = GS_SCHED_RUNNING;
    sjob sj;
    st = wait_for(ss, id, is_state, &want, ss->o.confirm_ms, &sj, res);
    if (st)
        return st;
    /* RUNNING is read back at once, but the node resumes the processes only after the suspend
     * has finished: wait for it, so that what follows (a signal) reaches them. */
    double left = settled_at - mono_ms();
    if (left > 0) {
        sleep_ms(left);
        note_wait(res, "for the suspend to settle on the node", left);
    }
    return 0;
}

static int sl_signal(gs_sched *s, uint32_t id, int sig, gs_sched_signal_to to, gs_sched_result *res)
{
    slurm_sched *ss = (slurm_sched *)s;
    sjob sj;
    int st = load_one(id, &sj, res->message, sizeof res->message);
    if (st)
        return st;
    gs_sched_result_from_job(res, &sj.j);
    if (sj.j.state == GS_SCHED_SUSPENDED) {
        snprintf(res->message, sizeof res->message,
                 "job %u is suspended: Slurm refuses to signal it until it is resumed", id);
        return GS_SCHED_ESTATE;
    }
    if (sj.j.state == GS_SCHED_RUNNING) {
        double left = settle_left_ms(ss, &sj.j);
        if (left > 0) {
            sleep_ms(left);
            note_wait(res, "for a recent suspend to settle before signalling", left);
        }
    }
    uint16_t flags = to == GS_SCHED_SIGNAL_BATCH ? KILL_JOB_BATCH : to == GS_SCHED_SIGNAL_FULL ? KILL_FULL_JOB : 0;
    int rc = slurm_kill_job(id, (uint16_t)sig, flags);
    if (rc != 0)
        return action_failed(rc, "slurm_kill_job", id, res);
    char ignore[256];
    if (load_one(id, &sj, ignore, sizeof ignore) == 0)
        gs_sched_result_from_job(res, &sj.j);
    return 0;
}

/* Set the earliest start to now+1 (not now: that can fail with "Job credential revoked") and
 * release a hold. */
static int relaunch_now(uint32_t id, bool release, char *msg, size_t len)
{
    job_desc_msg_t d;
    slurm_init_job_desc_msg(&d);
    d.job_id = id;
    d.begin_time = time(NULL) + 1;
    if (release)
        d.priority = INFINITE;
    int rc = slurm_update_job(&d);
    if (rc != 0)
        return failed(rc, "slurm_update_job", id, msg, len);
    return 0;
}

typedef struct requeue_arg {
    uint32_t restarts_before;
} requeue_arg;

/* Requeue has finished its first half: the old run is gone and the job pends or runs anew. */
static bool left_old_run(const sjob *j, const void *arg)
{
    const requeue_arg *a = arg;
    return j->j.state == GS_SCHED_PENDING || j->j.state == GS_SCHED_ENDED ||
           (j->j.state == GS_SCHED_RUNNING && j->j.restarts > a->restarts_before);
}

static int sl_requeue(gs_sched *s, uint32_t id, gs_sched_result *res)
{
    slurm_sched *ss = (slurm_sched *)s;
    sjob sj;
    int st = load_one(id, &sj, res->message, sizeof res->message);
    if (st)
        return st;
    gs_sched_result_from_job(res, &sj.j);
    requeue_arg a = {.restarts_before = sj.j.restarts};
    int rc = slurm_requeue(id, 0);
    if (rc != 0)
        return action_failed(rc, "slurm_requeue", id, res);
    double deadline = mono_ms() + ss->o.requeue_ms;
    int updates = 0;
    for (;;) {
        double left = deadline - mono_ms();
        st = wait_for(ss, id, left_old_run, &a, left > 0 ? (int)left : 0, &sj, res);
        if (st)
            return st;
        if (sj.j.state == GS_SCHED_RUNNING)
            return 0;
        if (sj.j.state == GS_SCHED_ENDED) {
            snprintf(res->message, sizeof res->message, "job %u ended instead of being requeued", id);
            return GS_SCHED_ESTATE;
        }
        /* PENDING: held (a suspended job requeued) or waiting for its BeginTime. */
        int64_t now = (int64_t)time(NULL);
        bool late = sj.reason_code == WAIT_TIME && sj.expected_start_s > now + 2;
        if ((sj.j.held || late) && updates < 3) {
            st = relaunch_now(id, sj.j.held, res->message, sizeof res->message);
            if (st)
                return st;
            updates++;
        } else if (mono_ms() >= deadline) {
            if (!sj.j.held && sj.reason_code != WAIT_TIME) {
                snprintf(res->message, sizeof res->message,
                         "job %u requeued and eligible, waiting for resources (%s)", id,
                         sj.j.reason[0] ? sj.j.reason : "no reason given");
                return 0;
            }
            snprintf(res->message, sizeof res->message, "job %u requeued but still pending (%s) after %d ms", id,
                     sj.j.reason[0] ? sj.j.reason : "no reason given", ss->o.requeue_ms);
            return GS_SCHED_ETIMEOUT;
        }
        sleep_ms(ss->o.poll_ms);
    }
}

static int sl_update(gs_sched *s, uint32_t id, const gs_sched_update *u, gs_sched_result *res)
{
    (void)s;
    job_desc_msg_t d;
    slurm_init_job_desc_msg(&d);
    d.job_id = id;
    char comment[GS_SCHED_COMMENT_MAX];
    if (u->comment) {
        if (gs_sched_copy(comment, sizeof comment, u->comment)) {
            snprintf(res->message, sizeof res->message, "update: a comment has at most %d characters",
                     GS_SCHED_COMMENT_MAX - 1);
            return GS_EINPUT;
        }
        d.comment = comment;
    }
    if (u->start_s)
        d.begin_time = (time_t)u->start_s;
    if (u->time_limit_min)
        d.time_limit = u->time_limit_min;
    if (u->hold == GS_SCHED_HOLD) {
        d.priority = 0;
        d.alloc_sid = ALLOC_SID_ADMIN_HOLD;
    } else if (u->hold == GS_SCHED_RELEASE) {
        d.priority = INFINITE;
    }
    int rc = slurm_update_job(&d);
    if (rc != 0)
        return action_failed(rc, "slurm_update_job", id, res);
    sjob sj;
    int st = load_one(id, &sj, res->message, sizeof res->message);
    if (st)
        return st;
    gs_sched_result_from_job(res, &sj.j);
    return 0;
}

static void sl_free(gs_sched *s)
{
    slurm_sched *ss = (slurm_sched *)s;
    free(ss->rec);
    free(ss);
    slurm_fini();
}

static const gs_sched_ops slurm_ops = {
    .kind = "slurm",
    .free = sl_free,
    .list = sl_list,
    .get = sl_get,
    .suspend = sl_suspend,
    .resume = sl_resume,
    .requeue = sl_requeue,
    .signal = sl_signal,
    .update = sl_update,
};

int gs_sched_slurm_new(const gs_sched_slurm_opts *opts, gs_sched **out, gs_error *err)
{
    *out = NULL;
    gs_sched_slurm_opts o = opts ? *opts : (gs_sched_slurm_opts){0};
    if (o.confirm_ms <= 0)
        o.confirm_ms = 5000;
    if (o.requeue_ms <= 0)
        o.requeue_ms = 15000;
    if (o.settle_ms <= 0)
        o.settle_ms = 2500;
    if (o.poll_ms <= 0)
        o.poll_ms = 10;
    const char *conf = o.conf;
    if (!conf || !*conf)
        conf = getenv("SLURM_CONF");
    if (!conf || !*conf)
        conf = "/etc/slurm/slurm.conf";
    if (access(conf, R_OK) != 0)
        return gs_error_set(err, GS_EINPUT, conf, 0, 0, NULL,
                            "cannot read the Slurm configuration (set SLURM_CONF or the adapter's conf)");
    slurm_sched *ss = calloc(1, sizeof *ss);
    if (!ss)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    ss->base.ops = &slurm_ops;
    ss->o = o;
    ss->o.conf = NULL; /* not kept: the caller's string may go */
    slurm_init(conf);
    int rc = slurm_ping(0);
    if (rc != 0) {
        char msg[256];
        failed(rc, "slurm_ping", 0, msg, sizeof msg);
        gs_error_set(err, GS_ERUNTIME, conf, 0, 0, NULL, "slurmctld does not answer: %s", msg);
        sl_free(&ss->base);
        return GS_SCHED_EDOWN;
    }
    *out = &ss->base;
    return 0;
}
