/* test_sched_fake.c: the FAKE scheduler (src/daemon/sched_fake.c) keeps the interface's rules
 * over 10,000 jobs: ids and fields as added, Slurm's state rules (suspend keeps GPUs, a
 * suspended job cannot be signalled, a requeued one runs again), the statuses of refusals and
 * injected failures, and the dispatch's argument checks. No timing here: benchmarks live in
 * bench/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <signal.h>

#include "daemon/sched.h"
#include "daemon/sched_fake.h"

#define NJOBS 10000
#define T0 1700000000

typedef struct state {
    gs_sched *s;
    gs_sched_jobs jobs;
} state;

/* Job i (1-based): odd ids are training (8 GPUs, partition training), even inference (1 GPU);
 * every 100th is pending. */
static gs_sched_job tmpl(unsigned i)
{
    gs_sched_job j;
    memset(&j, 0, sizeof j);
    bool training = i % 2 == 1;
    snprintf(j.name, sizeof j.name, "%s-%u", training ? "pretrain" : "serve", i);
    snprintf(j.partition, sizeof j.partition, "%s", training ? "training" : "inference");
    snprintf(j.comment, sizeof j.comment, "grid:tier=%s", training ? "0.75" : "none");
    snprintf(j.nodes, sizeof j.nodes, "node%u", i % 50);
    j.gpus = training ? 8 : 1;
    j.cpus = training ? 64 : 8;
    j.state = i % 100 == 0 ? GS_SCHED_PENDING : GS_SCHED_RUNNING;
    return j;
}

static int setup(void **st)
{
    state *t = calloc(1, sizeof *t);
    gs_error e = {0};
    assert_int_equal(gs_sched_fake_new(T0, &t->s, &e), 0);
    for (unsigned i = 1; i <= NJOBS; i++) {
        gs_sched_job j = tmpl(i);
        assert_int_equal(gs_sched_fake_add(t->s, &j), i);
    }
    *st = t;
    return 0;
}

static int teardown(void **st)
{
    state *t = *st;
    gs_sched_jobs_free(&t->jobs);
    gs_sched_free(t->s);
    free(t);
    return 0;
}

static void test_list_returns_every_job_with_its_fields(void **st)
{
    state *t = *st;
    gs_error e = {0};
    assert_string_equal(gs_sched_kind(t->s), "fake");
    assert_int_equal(gs_sched_list(t->s, &t->jobs, &e), 0);
    assert_int_equal(t->jobs.n, NJOBS);
    unsigned pending = 0;
    for (unsigned i = 0; i < NJOBS; i++) {
        const gs_sched_job *j = &t->jobs.job[i];
        gs_sched_job want = tmpl(i + 1);
        assert_int_equal(j->id, i + 1);
        assert_string_equal(j->name, want.name);
        assert_string_equal(j->partition, want.partition);
        assert_string_equal(j->comment, want.comment);
        assert_int_equal(j->gpus, want.gpus);
        assert_int_equal(j->state, want.state);
        assert_int_equal(j->submit_s, T0);
        if (j->state == GS_SCHED_PENDING) {
            pending++;
            assert_int_equal(j->start_s, 0);
            assert_string_equal(j->nodes, "");
            assert_string_equal(j->state_name, "PENDING");
        } else {
            assert_int_equal(j->start_s, T0);
            assert_string_equal(j->state_name, "RUNNING");
        }
    }
    assert_int_equal(pending, NJOBS / 100);
    /* a second list reuses the array */
    gs_sched_job *before = t->jobs.job;
    assert_int_equal(gs_sched_list(t->s, &t->jobs, &e), 0);
    assert_ptr_equal(t->jobs.job, before);
    assert_int_equal(t->jobs.n, NJOBS);
}

static void test_suspend_resume_keeps_gpus_and_reads_the_state_back(void **st)
{
    state *t = *st;
    gs_sched_result r;
    gs_sched_fake_set_time(t->s, T0 + 60);
    for (uint32_t id = 1; id <= NJOBS; id += 2) {
        if (id % 100 == 0)
            continue;
        assert_int_equal(gs_sched_suspend(t->s, id, &r), 0);
        assert_int_equal(r.status, 0);
        assert_int_equal(r.state, GS_SCHED_SUSPENDED);
        assert_string_equal(r.state_name, "SUSPENDED");
    }
    gs_sched_job j;
    gs_error e = {0};
    assert_int_equal(gs_sched_get(t->s, 7, &j, &e), 0);
    assert_int_equal(j.state, GS_SCHED_SUSPENDED);
    assert_int_equal(j.gpus, 8); /* a suspended job keeps its GPUs */
    assert_int_equal(j.suspend_s, T0 + 60);

    /* a second suspend is taken (as Slurm does) and changes nothing */
    gs_sched_fake_set_time(t->s, T0 + 90);
    assert_int_equal(gs_sched_suspend(t->s, 7, &r), 0);
    assert_int_equal(r.state, GS_SCHED_SUSPENDED);
    assert_int_equal(gs_sched_get(t->s, 7, &j, &e), 0);
    assert_int_equal(j.suspend_s, T0 + 60);
    /* resuming a job that was never suspended is refused, state read back */
    assert_int_equal(gs_sched_resume(t->s, 8, &r), GS_SCHED_ESTATE);
    assert_int_equal(r.state, GS_SCHED_RUNNING);
    assert_non_null(strstr(r.message, "running"));

    gs_sched_fake_set_time(t->s, T0 + 120);
    for (uint32_t id = 1; id <= NJOBS; id += 2) {
        assert_int_equal(gs_sched_resume(t->s, id, &r), 0);
        assert_int_equal(r.state, GS_SCHED_RUNNING);
    }
    assert_int_equal(gs_sched_get(t->s, 7, &j, &e), 0);
    assert_int_equal(j.suspend_s, T0 + 120);
}

static void test_a_suspended_job_cannot_be_signalled_a_running_one_can(void **st)
{
    state *t = *st;
    gs_sched_result r;
    assert_int_equal(gs_sched_suspend(t->s, 11, &r), 0);
    assert_int_equal(gs_sched_signal(t->s, 11, SIGUSR1, GS_SCHED_SIGNAL_BATCH, &r), GS_SCHED_ESTATE);
    assert_int_equal(r.state, GS_SCHED_SUSPENDED);
    assert_int_equal(gs_sched_fake_signals(t->s, 11, NULL, NULL), 0);
    assert_int_equal(gs_sched_resume(t->s, 11, &r), 0);
    assert_int_equal(gs_sched_signal(t->s, 11, SIGUSR1, GS_SCHED_SIGNAL_FULL, &r), 0);
    assert_int_equal(r.state, GS_SCHED_RUNNING);
    int sig = 0;
    gs_sched_signal_to to = GS_SCHED_SIGNAL_BATCH;
    assert_int_equal(gs_sched_fake_signals(t->s, 11, &sig, &to), 1);
    assert_int_equal(sig, SIGUSR1);
    assert_int_equal(to, GS_SCHED_SIGNAL_FULL);
    /* bad arguments never reach the scheduler */
    assert_int_equal(gs_sched_signal(t->s, 11, 0, GS_SCHED_SIGNAL_BATCH, &r), GS_EINPUT);
    assert_int_equal(gs_sched_signal(t->s, 11, SIGUSR1, (gs_sched_signal_to)7, &r), GS_EINPUT);
    assert_int_equal(gs_sched_fake_signals(t->s, 11, NULL, NULL), 1);
}

static void test_requeue_runs_again_and_counts_restarts(void **st)
{
    state *t = *st;
    gs_sched_result r;
    gs_sched_fake_set_time(t->s, T0 + 300);
    assert_int_equal(gs_sched_requeue(t->s, 13, &r), 0);
    assert_int_equal(r.state, GS_SCHED_RUNNING);
    assert_int_equal(r.restarts, 1);
    /* a suspended job is requeued and runs again, not held */
    assert_int_equal(gs_sched_suspend(t->s, 13, &r), 0);
    assert_int_equal(gs_sched_requeue(t->s, 13, &r), 0);
    assert_int_equal(r.state, GS_SCHED_RUNNING);
    assert_false(r.held);
    assert_int_equal(r.restarts, 2);
    gs_sched_job j;
    gs_error e = {0};
    assert_int_equal(gs_sched_get(t->s, 13, &j, &e), 0);
    assert_int_equal(j.start_s, T0 + 300);
    /* a pending job cannot be requeued */
    assert_int_equal(gs_sched_requeue(t->s, 100, &r), GS_SCHED_ESTATE);
    assert_int_equal(r.state, GS_SCHED_PENDING);
}

static void test_update_holds_and_releases_a_pending_job_and_changes_comments(void **st)
{
    state *t = *st;
    gs_sched_result r;
    gs_sched_update hold = {.hold = GS_SCHED_HOLD};
    assert_int_equal(gs_sched_update_job(t->s, 200, &hold, &r), 0);
    assert_true(r.held);
    assert_string_equal(r.reason, "JobHeldAdmin");
    gs_sched_update rel = {.hold = GS_SCHED_RELEASE};
    assert_int_equal(gs_sched_update_job(t->s, 200, &rel, &r), 0);
    assert_false(r.held);
    /* a hold on a running job is taken and it keeps running; a start time is refused */
    assert_int_equal(gs_sched_update_job(t->s, 201, &hold, &r), 0);
    assert_int_equal(r.state, GS_SCHED_RUNNING);
    assert_false(r.held);
    gs_sched_update start = {.start_s = T0 + 900};
    assert_int_equal(gs_sched_update_job(t->s, 201, &start, &r), GS_SCHED_ESTATE);
    gs_sched_update c = {.comment = "grid:tier=0.5"};
    assert_int_equal(gs_sched_update_job(t->s, 201, &c, &r), 0);
    gs_sched_job j;
    gs_error e = {0};
    assert_int_equal(gs_sched_get(t->s, 201, &j, &e), 0);
    assert_string_equal(j.comment, "grid:tier=0.5");
    gs_sched_update bad = {.hold = (gs_sched_hold)9};
    assert_int_equal(gs_sched_update_job(t->s, 201, &bad, &r), GS_EINPUT);
    assert_int_equal(gs_sched_update_job(t->s, 201, NULL, &r), GS_EINPUT);
}

static void test_unknown_jobs_ended_jobs_and_injected_failures(void **st)
{
    state *t = *st;
    gs_sched_result r;
    gs_sched_job j;
    gs_error e = {0};
    assert_int_equal(gs_sched_get(t->s, NJOBS + 1, &j, &e), GS_SCHED_ENOJOB);
    assert_int_equal(gs_sched_get(t->s, 0, &j, &e), GS_SCHED_ENOJOB);
    assert_int_equal(gs_sched_suspend(t->s, NJOBS + 1, &r), GS_SCHED_ENOJOB);
    assert_int_equal(r.status, GS_SCHED_ENOJOB);
    assert_int_equal(r.state, GS_SCHED_UNKNOWN);
    assert_string_equal(gs_sched_strerror(r.status), "no such job");

    assert_int_equal(gs_sched_fake_end(t->s, 15), 0);
    assert_int_equal(gs_sched_suspend(t->s, 15, &r), GS_SCHED_ESTATE);
    assert_int_equal(r.state, GS_SCHED_ENDED);

    assert_int_equal(gs_sched_fake_fail_next(t->s, 17, GS_SCHED_ETIMEOUT, 2), 0);
    assert_int_equal(gs_sched_suspend(t->s, 17, &r), GS_SCHED_ETIMEOUT);
    assert_int_equal(r.state, GS_SCHED_RUNNING); /* nothing changed */
    assert_non_null(strstr(r.message, "injected"));
    assert_int_equal(gs_sched_suspend(t->s, 17, &r), GS_SCHED_ETIMEOUT);
    assert_int_equal(gs_sched_suspend(t->s, 17, &r), 0); /* the third goes through */
    assert_int_equal(r.state, GS_SCHED_SUSPENDED);
    assert_int_equal(gs_sched_fake_fail_next(t->s, NJOBS + 5, GS_SCHED_EDOWN, 1), GS_SCHED_ENOJOB);
    gs_sched_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_returns_every_job_with_its_fields),
        cmocka_unit_test(test_suspend_resume_keeps_gpus_and_reads_the_state_back),
        cmocka_unit_test(test_a_suspended_job_cannot_be_signalled_a_running_one_can),
        cmocka_unit_test(test_requeue_runs_again_and_counts_restarts),
        cmocka_unit_test(test_update_holds_and_releases_a_pending_job_and_changes_comments),
        cmocka_unit_test(test_unknown_jobs_ended_jobs_and_injected_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
