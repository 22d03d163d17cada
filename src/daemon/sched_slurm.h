/* sched_slurm.h: the scheduler interface (sched.h) on a real Slurm, through libslurm (the C
 * API of Debian's libslurm-dev, Slurm 22.05). Why libslurm and not slurmrestd: docs/serve.md,
 * "Scheduler adapter". */
#ifndef GS_DAEMON_SCHED_SLURM_H
#define GS_DAEMON_SCHED_SLURM_H

#include "daemon/sched.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of the Slurm adapter; zero-initialise, every 0 takes the default. */
typedef struct gs_sched_slurm_opts {
    const char *conf;       /**< slurm.conf; NULL: $SLURM_CONF, else /etc/slurm/slurm.conf */
    int confirm_ms;         /**< how long suspend, resume and update wait for the state to
                                 read back (default 5000) */
    int requeue_ms;         /**< how long a requeue waits for the job to run again (15000) */
    int settle_ms;          /**< how long after a suspend the node has finished it (2500): a
                                 resume or a signal before then waits (../shared/FACTS.md) */
    int poll_ms;            /**< interval between read-backs (10) */
} gs_sched_slurm_opts;

/** Connect to the Slurm that conf describes: checks that the file can be read (libslurm would
 * end the process otherwise) and that slurmctld answers. On success *out is a scheduler to free
 * with gs_sched_free; on failure *out is NULL, the status is GS_EINPUT (no such file) or
 * GS_SCHED_EDOWN, and err says why.
 * libslurm keeps its configuration in the process: one Slurm adapter per process at a time. */
int gs_sched_slurm_new(const gs_sched_slurm_opts *opts, gs_sched **out, gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
