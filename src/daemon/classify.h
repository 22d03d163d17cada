/* classify.h: which job is training and which inference, and where it runs. The daemon's
 * documented mapping (docs/serve.md, "Job mapping") from what the scheduler says of a job
 * (partition, QOS, account, name, --comment, nodes) to what the planner needs: its load class,
 * its tier, its checkpoint behaviour, its power curve and the fleet cluster (so the site and
 * racks) it runs on. Pure: no I/O, no clock; the rules come from the configuration
 * (config.c). A job that matches nothing is unclassified, never guessed. */
#ifndef GS_DAEMON_CLASSIFY_H
#define GS_DAEMON_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/sched.h"
#include "gridsplit/fleet.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a rule sets; a field left unset (its has_ flag 0) keeps what earlier steps gave. */
typedef struct gs_map_set {
    bool has_cls;
    gs_class cls;              /**< GS_TRAINING or GS_INFERENCE */
    bool has_tier;
    double tier;               /**< floor on average throughput over the window, 0..1; 1 must-run */
    bool has_window;
    gs_tier_window window;     /**< the window the tier holds over */
    bool has_ckpt;
    char ckpt_signal[16];      /**< "USR1" (no "SIG"); "" checkpoints only on its schedule */
    double ckpt_signal_s;      /**< how long a checkpoint on that signal takes */
    bool has_ckpt_interval;
    double ckpt_interval_s;    /**< scheduled checkpoints every this long; 0 none */
    bool has_curve;
    char power_curve[GS_ID_MAX]; /**< id in the fleet's power_curves; "" the built-in one */
    bool has_workload;
    char workload[32];         /**< "pretraining", "finetuning", "inference", ... */
    bool has_cluster;
    char cluster[GS_ID_MAX];   /**< fleet cluster id */
} gs_map_set;

/** One rule: every pattern given must match (shell patterns, fnmatch(3); "" = any). */
typedef struct gs_map_rule {
    char partition[GS_SCHED_WORD_MAX];
    char qos[GS_SCHED_WORD_MAX];
    char account[GS_SCHED_WORD_MAX];
    char name[GS_SCHED_NAME_MAX];
    char nodes[GS_SCHED_NODES_MAX]; /**< a node name pattern; matches when every node of the
                                         job matches */
    gs_map_set set;
} gs_map_rule;

/** The mapping, in the order it applies (later steps override earlier ones):
 *  1. the partition defaults (`partitions:` of the configuration; the first whose partition
 *     pattern matches);
 *  2. the rules (`rules:`), every rule that matches, in order;
 *  3. the job's own --comment, when comment_tags is set: `grid:` followed by comma-separated
 *     key=value pairs: class=training|inference, tier=0.75, window=event|day|run,
 *     ckpt=USR1/120s (signal/duration of the one duration grammar) or ckpt=none,
 *     interval=4h, curve=ID, workload=WORD, cluster=ID. Anything else in the comment is left
 *     alone; a bad grid: tag makes the job unclassified with the reason.
 * A job is classified when it ends with a class and a cluster of the fleet whose class is the
 * job's; else it is unclassified with a reason. */
typedef struct gs_map {
    size_t ndefaults;
    gs_map_rule *defaults;     /**< owned: only partition (and nodes) are read as patterns */
    size_t nrules;
    gs_map_rule *rules;        /**< owned */
    bool comment_tags;         /**< default true */
    double default_tier;       /**< when nothing sets one: 1 (must-run, never touched) */
} gs_map;

/** Free what m owns and zero it. */
void gs_map_free(gs_map *m);

/** A job as the daemon sees it: the scheduler's view plus the mapping's answer. */
typedef struct gs_job_class {
    bool classified;
    char reason[160];          /**< unclassified: why ("no rule matches partition 'debug'",
                                    "cluster 'x' is not in the fleet", "grid: tag: ...") */
    gs_class cls;
    int cluster;               /**< index into the fleet's clusters; -1 unclassified */
    int site;                  /**< the cluster's site; -1 unclassified */
    int named_cluster;         /**< the fleet cluster the mapping named, kept also when the job
                                    is unclassified (class missing or different, ...); -1 when
                                    none was named or it is not in the fleet */
    double tier;
    gs_tier_window window;
    char ckpt_signal[16];
    double ckpt_signal_s;
    double ckpt_interval_s;
    char power_curve[GS_ID_MAX];
    char workload[32];
    /* which rule decided what, for GET /v1/load and the logs */
    char source[96];           /**< e.g. "partition training; rule 2; comment" */
} gs_job_class;

/** Classify job under m against fleet f into *out (always filled; out->classified tells). */
void gs_classify(const gs_map *m, const gs_fleet *f, const gs_sched_job *job, gs_job_class *out);

/** Parse the body of a `grid:` comment tag ("tier=0.75,ckpt=USR1/120s") into *set.
 * Returns 0, or -1 with why (a short sentence) in why[why_len]. Used by gs_classify and by the
 * configuration's checks. All or nothing: on success *set is replaced by exactly what the text
 * sets (set may be NULL to only check); on error it is not written. Keys at most once; the fleet
 * references (cluster, curve) are checked by gs_classify, not here. */
int gs_map_parse_tag(const char *text, gs_map_set *set, char *why, size_t why_len);

/** The most host names one list may expand to (a larger one is refused as malformed). */
#define GS_HOSTLIST_MAX 65536

/** Expand a host list in the scheduler's compressed form ("gpu[01-03,07],login1") calling
 * fn(name, ctx) for each host name, in order. Returns the count, or -1 for a malformed list.
 * Ranges keep the zero padding of their lower bound ("n[01-10]": n01 .. n10); several bracket
 * groups in one name multiply ("r[1-2]n[1-2]": r1n1 r1n2 r2n1 r2n2). Malformed (-1, and fn is
 * called for no host): unbalanced or nested brackets, an empty name, range or "[]", a range
 * whose end is below its start or with more than 9 digits, spaces or control characters, a name
 * over 255 characters, more than GS_HOSTLIST_MAX names. "" is 0 hosts. fn may be NULL (count
 * only). */
int gs_hostlist_each(const char *list, void (*fn)(const char *name, void *ctx), void *ctx);

#ifdef __cplusplus
}
#endif
#endif
