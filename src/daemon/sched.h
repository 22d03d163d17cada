/* sched.h: the daemon's one interface to a workload scheduler. The daemon (issue 10,
 * `gridsplit serve`) reads the jobs and acts on them only through these functions, so another
 * scheduler can follow Slurm. Two implementations: sched_slurm.c (the real Slurm, through
 * libslurm) and sched_fake.c (an in-memory stand-in for benchmarks and unit tests only).
 *
 * Every action (suspend, resume, requeue, signal, update) returns 0 or a negative status and
 * fills a caller-owned gs_sched_result with the job's state as read back from the scheduler
 * after the action, so the caller never has to trust a call that "succeeded": the state it
 * reports is what the scheduler says now. What each action waits for is written above it. */
#ifndef GS_DAEMON_SCHED_H
#define GS_DAEMON_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Statuses of the scheduler interface: 0 or one of these (or a negative gs_err: GS_ENOMEM,
 * GS_EINPUT for a bad argument). gs_sched_strerror names them. */
enum {
    GS_SCHED_ENOJOB = -101,    /**< no such job */
    GS_SCHED_ESTATE = -102,    /**< the job is not in a state that allows the action */
    GS_SCHED_ETIMEOUT = -103,  /**< the scheduler took the action, but the job did not reach the
                                    expected state within the timeout (the result has its state) */
    GS_SCHED_EDOWN = -104,     /**< the scheduler cannot be reached */
    GS_SCHED_EREFUSED = -105,  /**< the scheduler refused for another reason (its words are in
                                    the message) */
};

/** A job's state, reduced to what the daemon acts on; the scheduler's own word is in
 * gs_sched_job.state_name. */
typedef enum gs_sched_state {
    GS_SCHED_PENDING = 0,  /**< waiting to start (see held and reason) */
    GS_SCHED_RUNNING,      /**< running */
    GS_SCHED_SUSPENDED,    /**< stopped in place: keeps its GPUs (idle power), not its CPUs */
    GS_SCHED_COMPLETING,   /**< ending or being requeued: processes are being cleaned up */
    GS_SCHED_ENDED,        /**< completed, cancelled, failed, timed out, ... */
    GS_SCHED_UNKNOWN,
} gs_sched_state;

/** The lowercase name of a state ("pending", "running", "suspended", ...). */
const char *gs_sched_state_name(gs_sched_state state);

/** Sizes of the text fields of a job (longer texts are cut, and the job says so). */
enum {
    GS_SCHED_NAME_MAX = 128,
    GS_SCHED_WORD_MAX = 64,   /* partition, account, QOS, state and reason words */
    GS_SCHED_COMMENT_MAX = 512,
    GS_SCHED_NODES_MAX = 256, /* a host list in the scheduler's compressed form */
};

/** One job as the scheduler reports it. A value type: no pointers, copy freely. */
typedef struct gs_sched_job {
    uint32_t id;
    char name[GS_SCHED_NAME_MAX];
    char partition[GS_SCHED_WORD_MAX];
    char account[GS_SCHED_WORD_MAX];  /**< "" when the scheduler keeps no accounts */
    char qos[GS_SCHED_WORD_MAX];      /**< "" likewise */
    char comment[GS_SCHED_COMMENT_MAX]; /**< the submitter's --comment: the daemon's mapping reads it */
    char nodes[GS_SCHED_NODES_MAX];   /**< allocated nodes; "" while pending */
    gs_sched_state state;
    char state_name[GS_SCHED_WORD_MAX]; /**< the scheduler's word: "RUNNING", "CANCELLED", ... */
    char reason[GS_SCHED_WORD_MAX];     /**< why it waits: "BeginTime", "JobHeldAdmin", ...; "" if none */
    bool held;                        /**< pending and held until released */
    bool truncated;                   /**< a text field above was cut to fit */
    uint32_t gpus;   /**< GPUs allocated while running or suspended (a suspended job keeps them),
                          else requested */
    uint32_t cpus;   /**< CPUs allocated or requested (a suspended job's CPUs are free for others
                          although this still counts them) */
    int64_t submit_s;  /**< UTC seconds */
    int64_t start_s;   /**< UTC seconds of the current run's start; 0 when not started */
    int64_t suspend_s; /**< UTC seconds of the last suspend or resume; 0 if never */
    uint32_t restarts; /**< times requeued (the job sees it as SLURM_RESTART_COUNT) */
} gs_sched_job;

/** A list of jobs: caller-owned, reused across calls (gs_sched_list grows it), freed with
 * gs_sched_jobs_free. Zero-initialise it. */
typedef struct gs_sched_jobs {
    gs_sched_job *job;
    size_t n;
    size_t cap;
} gs_sched_jobs;

/** Free the array of jobs and leave jobs empty (NULL is fine). */
void gs_sched_jobs_free(gs_sched_jobs *jobs);

/** What an action did: its status, the state read back after it, and how long it took. */
typedef struct gs_sched_result {
    int status;            /**< the same as the action's return value */
    gs_sched_state state;  /**< the job's state read back (GS_SCHED_UNKNOWN if it could not be) */
    char state_name[GS_SCHED_WORD_MAX];
    char reason[GS_SCHED_WORD_MAX];
    bool held;
    uint32_t restarts;
    double elapsed_ms;     /**< from the call to the state read back, waits included */
    char message[256];     /**< what went wrong, or a note (e.g. a wait for the scheduler); "" */
} gs_sched_result;

/** Where a signal goes. Checkpoint on demand is SIGUSR1 to the batch script (BATCH) or to the
 * script and all its children (FULL). A signal to the steps only (STEPS) never reaches a batch
 * script. */
typedef enum gs_sched_signal_to {
    GS_SCHED_SIGNAL_BATCH = 0, /**< the batch script only */
    GS_SCHED_SIGNAL_FULL,      /**< the batch script, its children and every step */
    GS_SCHED_SIGNAL_STEPS,     /**< the job's steps (srun), not the batch script */
} gs_sched_signal_to;

/** Hold or release in gs_sched_update. */
typedef enum gs_sched_hold {
    GS_SCHED_HOLD_KEEP = 0, /**< unchanged */
    GS_SCHED_HOLD,          /**< hold a pending job (it will not start until released) */
    GS_SCHED_RELEASE,       /**< release a held job */
} gs_sched_hold;

/** Changes to a job; zero-initialise and set what changes. */
typedef struct gs_sched_update {
    const char *comment;     /**< new comment; NULL: unchanged */
    int64_t start_s;         /**< earliest start, UTC seconds (a pending job); 0: unchanged */
    uint32_t time_limit_min; /**< new time limit in minutes; 0: unchanged */
    gs_sched_hold hold;
} gs_sched_update;

/** A scheduler (opaque). Made by gs_sched_slurm_new (sched_slurm.h) or gs_sched_fake_new
 * (sched_fake.h), freed by gs_sched_free. Not thread-safe: one thread at a time. */
typedef struct gs_sched gs_sched;

/** Free s and what it holds (NULL is fine). */
void gs_sched_free(gs_sched *s);

/** The implementation's name: "slurm" or "fake". */
const char *gs_sched_kind(const gs_sched *s);

/** Every job the scheduler knows (pending, running, suspended, and those ended recently), in
 * the scheduler's order, into jobs (replacing what it held). Returns 0 or a negative status
 * with err filled. */
int gs_sched_list(gs_sched *s, gs_sched_jobs *jobs, gs_error *err);

/** One job into *job. Returns 0, GS_SCHED_ENOJOB (also for a job ended long ago) or another
 * negative status, with err filled. */
int gs_sched_get(gs_sched *s, uint32_t id, gs_sched_job *job, gs_error *err);

/** Suspend a running job; returns once the scheduler reports it SUSPENDED (within tens of ms).
 * Its processes get SIGTSTP at once and SIGSTOP about 2 s later; its CPUs are freed, its GPUs
 * stay allocated. */
int gs_sched_suspend(gs_sched *s, uint32_t id, gs_sched_result *res);

/** Resume a suspended job; returns once it reads RUNNING and, when the suspend was under about
 * 2 s ago, once that suspend has settled (a resume sent sooner waits behind it on the node, and
 * a signal sent in that window can be lost). Resuming may overcommit the node when pending jobs
 * started on the CPUs the suspend freed. */
int gs_sched_resume(gs_sched *s, uint32_t id, gs_sched_result *res);

/** Requeue a running or suspended job so that it starts again at once (not after the
 * scheduler's default delay, and released when the scheduler held it); returns when it runs
 * again (restarts grew) or, when the node is full, when it is pending with nothing but resources
 * to wait for. */
int gs_sched_requeue(gs_sched *s, uint32_t id, gs_sched_result *res);

/** Send signal sig to the job (to: where). Returns when the scheduler has taken the request;
 * delivery is not confirmed (have jobs acknowledge, e.g. a checkpoint marker). A suspended job
 * cannot be signalled (GS_SCHED_ESTATE: resume it first); a job resumed less than about 2 s
 * after its suspend would lose the signal, so the call first waits for that suspend to settle. */
int gs_sched_signal(gs_sched *s, uint32_t id, int sig, gs_sched_signal_to to, gs_sched_result *res);

/** Change a job (see gs_sched_update); returns with the state read back. */
int gs_sched_update_job(gs_sched *s, uint32_t id, const gs_sched_update *u, gs_sched_result *res);

/** A short text for a status (0, gs_err or GS_SCHED_*). */
const char *gs_sched_strerror(int status);

/* ---- for implementations only ------------------------------------------------------------ */

/** The operations an implementation provides; every implementation's struct begins with a
 * `gs_sched` whose ops point at its table. */
typedef struct gs_sched_ops {
    const char *kind;
    void (*free)(gs_sched *s);
    int (*list)(gs_sched *s, gs_sched_jobs *jobs, gs_error *err);
    int (*get)(gs_sched *s, uint32_t id, gs_sched_job *job, gs_error *err);
    int (*suspend)(gs_sched *s, uint32_t id, gs_sched_result *res);
    int (*resume)(gs_sched *s, uint32_t id, gs_sched_result *res);
    int (*requeue)(gs_sched *s, uint32_t id, gs_sched_result *res);
    int (*signal)(gs_sched *s, uint32_t id, int sig, gs_sched_signal_to to, gs_sched_result *res);
    int (*update)(gs_sched *s, uint32_t id, const gs_sched_update *u, gs_sched_result *res);
} gs_sched_ops;

struct gs_sched {
    const gs_sched_ops *ops;
};

/** Make room for one more job in jobs and return it (zeroed), or NULL when out of memory. */
gs_sched_job *gs_sched_jobs_push(gs_sched_jobs *jobs);

/** Copy src into dst (dst_len bytes), cut to fit; true when it was cut. NULL copies as "". */
bool gs_sched_copy(char *dst, size_t dst_len, const char *src);

/** Fill res's state fields from job (status, elapsed and message are left alone). */
void gs_sched_result_from_job(gs_sched_result *res, const gs_sched_job *job);

#ifdef __cplusplus
}
#endif
#endif
