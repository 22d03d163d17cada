/* test_sched_slurm.c: the Slurm adapter (src/daemon/sched_slurm.c) against a REAL Slurm 22.05,
 * the single node that tests/slurm/up.sh starts (the ctest fixture "slurm": GS_SLURM_DIR and
 * SLURM_CONF name it). A training-like batch job (its script checkpoints on SIGUSR1: it appends a
 * line to a marker file and keeps running) and an inference-like job in the other partition are
 * submitted with sbatch, then: both are listed with their partitions, comments and GPUs; USR1
 * reaches the training script (marker); suspend reads SUSPENDED back within 1 s and the GPUs stay
 * allocated; resume reads RUNNING and a signal right after it still arrives; requeue runs the job
 * again within seconds (not Slurm's 120 s), also from SUSPENDED (held by Slurm, released by the
 * adapter); updates read back; unknown jobs and refused actions give their statuses; the
 * inference job is untouched throughout. Every wait is bounded, every step's time printed.
 * Without the fixture: skipped (77), except in CI (CI=true), where that is a failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon/sched.h"
#include "daemon/sched_slurm.h"

extern char **environ;

typedef struct state {
    gs_sched *s;
    char dir[512];  /* the Slurm directory of the fixture */
    char work[600]; /* this test's scripts, outputs and markers */
    uint32_t train, infer, later;
} state;

static state *g; /* for the log dump on failure */

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static void timing(const char *step, double ms)
{
    fprintf(stderr, "timing: %-58s %8.1f ms\n", step, ms);
}

/* An action's status must be want; else fail with its message. */
#define ASSERT_ACTION(call, want, r)                                                              \
    do {                                                                                        \
        int rc_ = (call);                                                                       \
        if (rc_ != (want))                                                                      \
            fail_msg("%s returned %d (%s), expected %d (%s): %s", #call, rc_, gs_sched_strerror(rc_), \
                     (int)(want), gs_sched_strerror(want), (r).message);                         \
    } while (0)

/* The tails of the Slurm logs, then fail: what CI shows when a step does not happen. */
static void dump_logs(void)
{
    static const char *const logs[] = {"slurmctld.log", "slurmd.log"};
    for (size_t i = 0; g && i < sizeof logs / sizeof *logs; i++) {
        char path[700];
        snprintf(path, sizeof path, "%s/log/%s", g->dir, logs[i]);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        static char lines[30][512];
        unsigned n = 0;
        while (fgets(lines[n % 30], sizeof lines[0], f))
            n++;
        fclose(f);
        fprintf(stderr, "---- last lines of %s\n", path);
        for (unsigned k = n > 30 ? n - 30 : 0; k < n; k++)
            fputs(lines[k % 30], stderr);
    }
}

#define FAIL_WITH_LOGS(...)       \
    do {                          \
        dump_logs();              \
        fail_msg(__VA_ARGS__);    \
    } while (0)

/* Run argv (PATH searched), its stdout into out (len bytes); returns its exit status, -1 if it
 * could not run. */
static int run(char *const argv[], char *out, size_t len)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);
    if (rc != 0) {
        close(fd[0]);
        return -1;
    }
    size_t got = 0;
    char buf[256];
    for (;;) {
        ssize_t n = read(fd[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t room = len > got + 1 ? len - 1 - got : 0, k = (size_t)n < room ? (size_t)n : room;
        memcpy(out + got, buf, k);
        got += k;
    }
    close(fd[0]);
    if (len)
        out[got] = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void write_script(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, 0755), 0);
}

/* sbatch the script; returns the job id. extra may be NULL. */
static uint32_t submit(state *t, const char *partition, const char *gres, const char *name, const char *comment,
                       const char *script, const char *extra)
{
    char part[80], gr[80], nm[160], cm[600], outp[700], sc[700];
    snprintf(part, sizeof part, "--partition=%s", partition);
    snprintf(gr, sizeof gr, "--gres=%s", gres);
    snprintf(nm, sizeof nm, "--job-name=%s", name);
    snprintf(cm, sizeof cm, "--comment=%s", comment);
    snprintf(outp, sizeof outp, "--output=%s/%%j.out", t->work);
    snprintf(sc, sizeof sc, "%s/%s", t->work, script);
    char *argv[] = {"sbatch", "--parsable", part, gr, nm, cm, outp, extra ? (char *)extra : sc,
                    extra ? sc : NULL, NULL};
    char out[128];
    double t0 = now_ms();
    int rc = run(argv, out, sizeof out);
    if (rc != 0)
        FAIL_WITH_LOGS("sbatch %s exited %d: %s", name, rc, out);
    char *end = NULL;
    unsigned long id = strtoul(out, &end, 10);
    if (end == out || id == 0)
        FAIL_WITH_LOGS("sbatch %s printed '%s', expected a job id", name, out);
    char step[128];
    snprintf(step, sizeof step, "sbatch %s (job %lu)", name, id);
    timing(step, now_ms() - t0);
    return (uint32_t)id;
}

static void cancel(uint32_t id)
{
    char ids[16];
    snprintf(ids, sizeof ids, "%u", id);
    char *argv[] = {"scancel", ids, NULL};
    char out[64];
    run(argv, out, sizeof out);
}

/* Read job id until it is in state want, for at most ms; returns it, fails (with the logs) if
 * it does not get there. */
static gs_sched_job wait_state(state *t, uint32_t id, gs_sched_state want, int ms)
{
    gs_sched_job j;
    gs_error e = {0};
    double deadline = now_ms() + ms;
    for (;;) {
        int rc = gs_sched_get(t->s, id, &j, &e);
        if (rc != 0)
            FAIL_WITH_LOGS("job %u: %s", id, e.message);
        if (j.state == want)
            return j;
        if (now_ms() > deadline)
            FAIL_WITH_LOGS("job %u not %s within %d ms: %s (%s)", id, gs_sched_state_name(want), ms, j.state_name,
                           j.reason);
        sleep_ms(20);
    }
}

/* Lines in a file (0 when it does not exist). */
static unsigned lines_in(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    unsigned n = 0;
    int c;
    while ((c = getc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

/* Wait until path has at least n lines, for at most ms; returns the ms it took, or -1. */
static double wait_lines(const char *path, unsigned n, int ms)
{
    double t0 = now_ms();
    while (lines_in(path) < n) {
        if (now_ms() - t0 > ms)
            return -1;
        sleep_ms(5);
    }
    return now_ms() - t0;
}

static void marker_path(state *t, uint32_t id, char *out, size_t len)
{
    snprintf(out, len, "%s/ckpt.%u", t->work, id);
}

static int setup(void **st)
{
    state *t = calloc(1, sizeof *t);
    assert_non_null(t);
    g = t;
    snprintf(t->dir, sizeof t->dir, "%s", getenv("GS_SLURM_DIR"));
    snprintf(t->work, sizeof t->work, "%s/work-%ld", t->dir, (long)getpid());
    assert_int_equal(mkdir(t->work, 0755), 0);

    /* The training job: checkpoints on USR1 (a line in ckpt.ID, with the restart count) and
     * goes on; `wait` lets the trap run at once instead of after the current sleep. */
    char text[2048];
    snprintf(text, sizeof text,
             "#!/bin/bash\n"
             "# training-like: checkpoint on SIGUSR1, then keep running\n"
             "trap 'echo \"ckpt $(date +%%s.%%N) restart=${SLURM_RESTART_COUNT:-0}\" >> %s/ckpt.$SLURM_JOB_ID' USR1\n"
             "echo \"start restart=${SLURM_RESTART_COUNT:-0} gpus=$CUDA_VISIBLE_DEVICES\" >> %s/start.$SLURM_JOB_ID\n"
             "while :; do sleep 1 & wait $!; done\n",
             t->work, t->work);
    char path[700];
    snprintf(path, sizeof path, "%s/train.sh", t->work);
    write_script(path, text);
    snprintf(text, sizeof text,
             "#!/bin/bash\n"
             "# inference-like: a service that just runs\n"
             "echo \"start restart=${SLURM_RESTART_COUNT:-0}\" >> %s/start.$SLURM_JOB_ID\n"
             "while :; do sleep 1 & wait $!; done\n",
             t->work);
    snprintf(path, sizeof path, "%s/infer.sh", t->work);
    write_script(path, text);

    double t0 = now_ms();
    gs_error e = {0};
    int rc = gs_sched_slurm_new(NULL, &t->s, &e);
    if (rc != 0)
        FAIL_WITH_LOGS("gs_sched_slurm_new: %s (%s)", e.message, gs_sched_strerror(rc));
    timing("connect (slurm_init + slurm_ping)", now_ms() - t0);
    assert_string_equal(gs_sched_kind(t->s), "slurm");

    t0 = now_ms();
    t->train = submit(t, "training", "gpu:2", "gs-train", "grid:class=training,tier=0.75,ckpt=USR1/120s",
                      "train.sh", NULL);
    t->infer = submit(t, "inference", "gpu:1", "gs-infer", "grid:class=inference", "infer.sh", NULL);
    wait_state(t, t->train, GS_SCHED_RUNNING, 20000);
    wait_state(t, t->infer, GS_SCHED_RUNNING, 20000);
    snprintf(path, sizeof path, "%s/start.%u", t->work, t->train);
    if (wait_lines(path, 1, 10000) < 0)
        FAIL_WITH_LOGS("the training script did not start (no %s)", path);
    timing("submit both to both RUNNING and the script started", now_ms() - t0);
    *st = t;
    return 0;
}

static int teardown(void **st)
{
    state *t = *st;
    if (!t)
        return 0;
    double t0 = now_ms();
    uint32_t ids[] = {t->train, t->infer, t->later};
    for (size_t i = 0; i < 3; i++)
        if (ids[i])
            cancel(ids[i]);
    /* bounded: the jobs leave RUNNING / SUSPENDED */
    for (size_t i = 0; i < 3; i++) {
        while (ids[i] && now_ms() - t0 < 15000) {
            gs_sched_job j;
            gs_error e = {0};
            if (gs_sched_get(t->s, ids[i], &j, &e) != 0 || j.state == GS_SCHED_ENDED)
                break;
            sleep_ms(20);
        }
    }
    timing("cancel all", now_ms() - t0);
    gs_sched_free(t->s);
    free(t);
    g = NULL;
    return 0;
}

static const gs_sched_job *find(const gs_sched_jobs *jobs, uint32_t id)
{
    for (size_t i = 0; i < jobs->n; i++)
        if (jobs->job[i].id == id)
            return &jobs->job[i];
    return NULL;
}

static void test_list_shows_both_jobs_with_partition_comment_and_gpus(void **st)
{
    state *t = *st;
    gs_sched_jobs jobs = {0};
    gs_error e = {0};
    double t0 = now_ms();
    assert_int_equal(gs_sched_list(t->s, &jobs, &e), 0);
    timing("list", now_ms() - t0);
    const gs_sched_job *tr = find(&jobs, t->train), *in = find(&jobs, t->infer);
    assert_non_null(tr);
    assert_non_null(in);
    assert_string_equal(tr->name, "gs-train");
    assert_string_equal(tr->partition, "training");
    assert_string_equal(tr->comment, "grid:class=training,tier=0.75,ckpt=USR1/120s");
    assert_int_equal(tr->state, GS_SCHED_RUNNING);
    assert_string_equal(tr->state_name, "RUNNING");
    assert_int_equal(tr->gpus, 2);
    assert_string_equal(tr->nodes, "gsnode1");
    assert_true(tr->start_s > 0);
    assert_true(tr->submit_s > 0 && tr->submit_s <= tr->start_s);
    assert_int_equal(tr->restarts, 0);
    assert_false(tr->held);
    assert_string_equal(in->name, "gs-infer");
    assert_string_equal(in->partition, "inference");
    assert_string_equal(in->comment, "grid:class=inference");
    assert_int_equal(in->state, GS_SCHED_RUNNING);
    assert_int_equal(in->gpus, 1);
    /* no accounting database here: account and QOS are empty, not "(null)" */
    assert_string_equal(tr->account, "");
    assert_string_equal(tr->qos, "");
    gs_sched_jobs_free(&jobs);
}

static void test_usr1_reaches_the_batch_script_and_the_checkpoint_marker_appears(void **st)
{
    state *t = *st;
    char marker[700];
    marker_path(t, t->train, marker, sizeof marker);
    gs_sched_result r;
    double t0 = now_ms();
    ASSERT_ACTION(gs_sched_signal(t->s, t->train, SIGUSR1, GS_SCHED_SIGNAL_BATCH, &r), 0, r);
    assert_int_equal(r.state, GS_SCHED_RUNNING);
    double took = wait_lines(marker, 1, 5000);
    if (took < 0)
        FAIL_WITH_LOGS("no checkpoint marker %s within 5 s of USR1 to the batch script", marker);
    timing("signal USR1 (batch) to checkpoint marker", now_ms() - t0);

    /* the whole job (KILL_FULL_JOB): the script gets it too */
    t0 = now_ms();
    ASSERT_ACTION(gs_sched_signal(t->s, t->train, SIGUSR1, GS_SCHED_SIGNAL_FULL, &r), 0, r);
    if (wait_lines(marker, 2, 5000) < 0)
        FAIL_WITH_LOGS("no second checkpoint line within 5 s of USR1 to the full job");
    timing("signal USR1 (full job) to checkpoint marker", now_ms() - t0);
    assert_int_equal(wait_state(t, t->train, GS_SCHED_RUNNING, 1000).restarts, 0);
}

static void test_suspend_reads_suspended_within_1s_and_the_gpus_stay(void **st)
{
    state *t = *st;
    gs_sched_result r;
    ASSERT_ACTION(gs_sched_suspend(t->s, t->train, &r), 0, r);
    timing("suspend to SUSPENDED read back", r.elapsed_ms);
    assert_int_equal(r.state, GS_SCHED_SUSPENDED);
    assert_string_equal(r.state_name, "SUSPENDED");
    if (r.elapsed_ms >= 1000)
        FAIL_WITH_LOGS("SUSPENDED read back after %.0f ms, expected under 1 s", r.elapsed_ms);
    gs_sched_job j;
    gs_error e = {0};
    assert_int_equal(gs_sched_get(t->s, t->train, &j, &e), 0);
    assert_int_equal(j.gpus, 2); /* Slurm keeps a suspended job's GPUs allocated */
    assert_true(j.suspend_s > 0);

    /* Slurm refuses to signal a suspended job, and the adapter says so */
    ASSERT_ACTION(gs_sched_signal(t->s, t->train, SIGUSR1, GS_SCHED_SIGNAL_BATCH, &r), GS_SCHED_ESTATE, r);
    assert_int_equal(r.state, GS_SCHED_SUSPENDED);
    assert_non_null(strstr(r.message, "suspended"));
    /* suspending twice: Slurm accepts it, and the state reads back the same */
    ASSERT_ACTION(gs_sched_suspend(t->s, t->train, &r), 0, r);
    assert_int_equal(r.state, GS_SCHED_SUSPENDED);
}

static void test_resume_right_after_suspend_reads_running_and_a_signal_then_arrives(void **st)
{
    state *t = *st;
    gs_sched_result r;
    /* the suspend of the previous test is under 2 s old: the adapter waits for it to settle */
    ASSERT_ACTION(gs_sched_resume(t->s, t->train, &r), 0, r);
    timing("resume (right after a suspend) to RUNNING and settled", r.elapsed_ms);
    assert_int_equal(r.state, GS_SCHED_RUNNING);
    char marker[700];
    marker_path(t, t->train, marker, sizeof marker);
    unsigned before = lines_in(marker);
    double t0 = now_ms();
    ASSERT_ACTION(gs_sched_signal(t->s, t->train, SIGUSR1, GS_SCHED_SIGNAL_BATCH, &r), 0, r);
    if (wait_lines(marker, before + 1, 5000) < 0)
        FAIL_WITH_LOGS("a USR1 sent right after the resume was lost (%s: %s)", marker, r.message);
    timing("signal right after resume to checkpoint marker", now_ms() - t0);

    /* a resume once the suspend has settled returns at once */
    ASSERT_ACTION(gs_sched_suspend(t->s, t->train, &r), 0, r);
    sleep_ms(2600);
    ASSERT_ACTION(gs_sched_resume(t->s, t->train, &r), 0, r);
    timing("resume (suspend settled) to RUNNING", r.elapsed_ms);
    assert_int_equal(r.state, GS_SCHED_RUNNING);
    assert_true(r.elapsed_ms < 1000);
    /* resuming a running job is refused */
    ASSERT_ACTION(gs_sched_resume(t->s, t->train, &r), GS_SCHED_ESTATE, r);
    assert_int_equal(r.state, GS_SCHED_RUNNING);
}

static void test_requeue_runs_the_job_again_within_seconds(void **st)
{
    state *t = *st;
    gs_sched_result r;
    ASSERT_ACTION(gs_sched_requeue(t->s, t->train, &r), 0, r);
    timing("requeue (running) to RUNNING again", r.elapsed_ms);
    assert_int_equal(r.state, GS_SCHED_RUNNING);
    assert_int_equal(r.restarts, 1);
    if (r.elapsed_ms > 10000)
        FAIL_WITH_LOGS("requeue took %.0f ms, expected a few seconds", r.elapsed_ms);
    char path[700];
    snprintf(path, sizeof path, "%s/start.%u", t->work, t->train);
    if (wait_lines(path, 2, 10000) < 0)
        FAIL_WITH_LOGS("the requeued script did not start again (%s)", path);
    /* the job knows it was restarted */
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[256], last[256] = "";
    while (fgets(line, sizeof line, f))
        snprintf(last, sizeof last, "%s", line);
    fclose(f);
    assert_non_null(strstr(last, "restart=1"));
}

static void test_requeue_of_a_suspended_job_releases_it_and_runs_it_again(void **st)
{
    state *t = *st;
    gs_sched_result r;
    char marker[700];
    marker_path(t, t->train, marker, sizeof marker);
    /* the new run must have set its trap before it is suspended: a checkpoint proves it */
    unsigned before = lines_in(marker);
    ASSERT_ACTION(gs_sched_signal(t->s, t->train, SIGUSR1, GS_SCHED_SIGNAL_BATCH, &r), 0, r);
    if (wait_lines(marker, before + 1, 5000) < 0)
        FAIL_WITH_LOGS("the requeued job did not checkpoint on USR1");
    ASSERT_ACTION(gs_sched_suspend(t->s, t->train, &r), 0, r);
    ASSERT_ACTION(gs_sched_requeue(t->s, t->train, &r), 0, r);
    timing("requeue (suspended: held by Slurm, released) to RUNNING", r.elapsed_ms);
    assert_int_equal(r.state, GS_SCHED_RUNNING);
    assert_false(r.held);
    assert_int_equal(r.restarts, 2);
    if (r.elapsed_ms > 10000)
        FAIL_WITH_LOGS("requeue of a suspended job took %.0f ms", r.elapsed_ms);
}

static void test_update_reads_back_and_releases_and_starts_a_held_job(void **st)
{
    state *t = *st;
    gs_sched_result r;
    gs_sched_update c = {.comment = "grid:class=training,tier=0.5"};
    ASSERT_ACTION(gs_sched_update_job(t->s, t->train, &c, &r), 0, r);
    assert_int_equal(r.state, GS_SCHED_RUNNING);
    gs_sched_job j;
    gs_error e = {0};
    assert_int_equal(gs_sched_get(t->s, t->train, &j, &e), 0);
    assert_string_equal(j.comment, "grid:class=training,tier=0.5");

    /* a job that would start in 10 minutes: hold, release, then start now */
    t->later = submit(t, "training", "gpu:1", "gs-later", "grid:class=training", "train.sh", "--begin=now+600");
    j = wait_state(t, t->later, GS_SCHED_PENDING, 5000);
    assert_int_equal(j.gpus, 1); /* requested */
    gs_sched_update hold = {.hold = GS_SCHED_HOLD};
    ASSERT_ACTION(gs_sched_update_job(t->s, t->later, &hold, &r), 0, r);
    assert_true(r.held);
    assert_int_equal(r.state, GS_SCHED_PENDING);
    gs_sched_update release = {.hold = GS_SCHED_RELEASE, .start_s = (int64_t)time(NULL) + 1};
    double t0 = now_ms();
    ASSERT_ACTION(gs_sched_update_job(t->s, t->later, &release, &r), 0, r);
    assert_false(r.held);
    wait_state(t, t->later, GS_SCHED_RUNNING, 10000);
    timing("release + start now to RUNNING", now_ms() - t0);
    /* Slurm takes a hold on a running job too; it keeps running, not held */
    ASSERT_ACTION(gs_sched_update_job(t->s, t->later, &hold, &r), 0, r);
    assert_int_equal(r.state, GS_SCHED_RUNNING);
    assert_false(r.held);
}

static void test_unknown_jobs_are_reported_as_such(void **st)
{
    state *t = *st;
    gs_sched_result r;
    gs_sched_job j;
    gs_error e = {0};
    uint32_t none = 4000000;
    assert_int_equal(gs_sched_get(t->s, none, &j, &e), GS_SCHED_ENOJOB);
    assert_non_null(strstr(e.message, "Invalid job id"));
    ASSERT_ACTION(gs_sched_suspend(t->s, none, &r), GS_SCHED_ENOJOB, r);
    assert_int_equal(r.state, GS_SCHED_UNKNOWN);
    ASSERT_ACTION(gs_sched_signal(t->s, none, SIGUSR1, GS_SCHED_SIGNAL_BATCH, &r), GS_SCHED_ENOJOB, r);
    ASSERT_ACTION(gs_sched_requeue(t->s, none, &r), GS_SCHED_ENOJOB, r);
    ASSERT_ACTION(gs_sched_resume(t->s, none, &r), GS_SCHED_ENOJOB, r);
}

static void test_the_inference_job_was_never_touched(void **st)
{
    state *t = *st;
    gs_sched_job j = wait_state(t, t->infer, GS_SCHED_RUNNING, 1000);
    assert_int_equal(j.restarts, 0);
    assert_int_equal(j.suspend_s, 0);
    char marker[700];
    marker_path(t, t->infer, marker, sizeof marker);
    assert_int_equal(lines_in(marker), 0);
}

int main(void)
{
    const char *dir = getenv("GS_SLURM_DIR");
    char env[600] = "";
    if (dir)
        snprintf(env, sizeof env, "%s/env", dir);
    if (!dir || access(env, R_OK) != 0 || !getenv("SLURM_CONF")) {
        const char *ci = getenv("CI");
        fprintf(stderr, "test_sched_slurm: no running test Slurm (GS_SLURM_DIR=%s; tests/slurm/up.sh makes one)\n",
                dir ? dir : "unset");
        if (ci && strcmp(ci, "true") == 0) {
            fprintf(stderr, "test_sched_slurm: CI=true: a test that needs Slurm fails without it\n");
            return 1;
        }
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_shows_both_jobs_with_partition_comment_and_gpus),
        cmocka_unit_test(test_usr1_reaches_the_batch_script_and_the_checkpoint_marker_appears),
        cmocka_unit_test(test_suspend_reads_suspended_within_1s_and_the_gpus_stay),
        cmocka_unit_test(test_resume_right_after_suspend_reads_running_and_a_signal_then_arrives),
        cmocka_unit_test(test_requeue_runs_the_job_again_within_seconds),
        cmocka_unit_test(test_requeue_of_a_suspended_job_releases_it_and_runs_it_again),
        cmocka_unit_test(test_update_reads_back_and_releases_and_starts_a_held_job),
        cmocka_unit_test(test_unknown_jobs_are_reported_as_such),
        cmocka_unit_test(test_the_inference_job_was_never_touched),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
