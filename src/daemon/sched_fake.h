/* sched_fake.h: a FAKE scheduler: the scheduler interface (sched.h) on jobs held in memory, for
 * benchmarks over 10,000 jobs and for unit tests of code above the interface. It is not Slurm
 * and never stands in where the real scheduler is named (the daemon's end-to-end tests run on a
 * real Slurm: tests/slurm/). Its rules follow what Slurm 22.05 does, without the waits: a
 * running job can be suspended (keeping its GPUs; a second suspend is taken without effect),
 * signalled or requeued; a suspended job can be resumed or requeued (and runs again at once) but
 * not signalled; a pending job can be held, released, given a start time; any job that has not
 * ended can get a new comment. */
#ifndef GS_DAEMON_SCHED_FAKE_H
#define GS_DAEMON_SCHED_FAKE_H

#include "daemon/sched.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A fake scheduler with no jobs, its clock at start_s (UTC seconds, the time it stamps on
 * starts and suspends). Free with gs_sched_free. Returns 0 or GS_ENOMEM. */
int gs_sched_fake_new(int64_t start_s, gs_sched **out, gs_error *err);

/** Add a job copied from tmpl (its id is ignored: the fake numbers jobs 1, 2, 3, ...; its state
 * is PENDING or RUNNING as tmpl says, RUNNING for any other); returns the new id, or 0 when out
 * of memory. s must be a fake. */
uint32_t gs_sched_fake_add(gs_sched *s, const gs_sched_job *tmpl);

/** Set the fake's clock (UTC seconds). */
void gs_sched_fake_set_time(gs_sched *s, int64_t now_s);

/** End job id (as if it completed); returns 0 or GS_SCHED_ENOJOB. */
int gs_sched_fake_end(gs_sched *s, uint32_t id);

/** How many signals job id has received (0 for an unknown id); *last (may be NULL) gets the
 * last one's number and *last_to where it went. */
unsigned gs_sched_fake_signals(const gs_sched *s, uint32_t id, int *last, gs_sched_signal_to *last_to);

/** Make the next count actions on job id fail with status (a negative GS_SCHED_* code) without
 * changing the job, as a scheduler that refuses or times out would; returns 0 or
 * GS_SCHED_ENOJOB. */
int gs_sched_fake_fail_next(gs_sched *s, uint32_t id, int status, unsigned count);

#ifdef __cplusplus
}
#endif
#endif
