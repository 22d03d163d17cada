/* live.h: the live picture, "which racks are training and which inference this hour": every
 * job of the scheduler classified (classify.h) and placed on a fleet site, and each site's MW by
 * class, measured from node telemetry where fresh readings cover it and modelled from the
 * fleet's GPU model where not, each figure marked as which. Pure: built from the fleet, the
 * mapping, the scheduler's job list and a telemetry snapshot at a given time. */
#ifndef GS_DAEMON_LIVE_H
#define GS_DAEMON_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/classify.h"
#include "daemon/sched.h"
#include "daemon/telemetry.h"
#include "gridsplit/fleet.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The classes a live figure is kept for: the two load classes, then jobs not classified. */
enum { GS_LIVE_TRAINING = 0, GS_LIVE_INFERENCE = 1, GS_LIVE_UNCLASSIFIED = 2, GS_LIVE_NCLS = 3 };
const char *gs_live_cls_name(int i); /**< "training", "inference", "unclassified" */

typedef struct gs_live_job {
    gs_sched_job job;
    gs_job_class jc;
    double it_w;               /**< the job's IT power now (W): its GPUs at the fleet GPU model
                                    (running: at its cluster's utilisation; suspended: idle;
                                    pending/ended: 0), or its share of measured node power */
    double mw;                 /**< at the grid connection (site PUE applied) */
    bool measured;             /**< it_w comes from fresh telemetry of every node it runs on */
    int cluster;               /**< the fleet cluster its power is counted on: the
                                    classification's, or for an unclassified job the one the
                                    mapping named (jc.named_cluster); -1 none */
    int site;                  /**< that cluster's site; -1 none (its power is in no site) */
    double modelled_w;         /**< the model's IT power (also when it_w is measured); 0 for a
                                    job with no cluster or not running or suspended */
    int nnodes;                /**< distinct nodes of a running or suspended job's host list
                                    (0 when pending or malformed) */
    int nnodes_fresh;          /**< of them, with a fresh reading */
} gs_live_job;

typedef struct gs_live_site {
    int site;                  /**< index into the fleet's sites */
    double mw[GS_LIVE_NCLS];   /**< at the grid connection, by class, jobs' power plus the
                                    idle GPUs of the site's clusters of that class */
    double measured_mw[GS_LIVE_NCLS]; /**< the part of mw measured */
    int jobs[GS_LIVE_NCLS];    /**< running or suspended jobs */
    int suspended[GS_LIVE_NCLS];
    int racks[2];              /**< racks of the site's training / inference clusters */
    int gpus_busy[2], gpus[2]; /**< GPUs allocated to jobs / in the clusters, by the clusters'
                                    class (an unclassified job placed on a cluster counts in its
                                    cluster's class) */
    double pue;                /**< the PUE applied now (gs_live_site_pue) */
    bool has_measured;         /**< some figure of the site is measured */
    bool has_modelled;         /**< some figure of the site is modelled (a job, or idle GPUs) */
} gs_live_site;

typedef struct gs_live {
    double at_s;
    size_t njobs;
    gs_live_job *jobs;         /**< every job the scheduler listed, in its order */
    size_t nsites;
    gs_live_site *sites;       /**< one per fleet site, in fleet order */
    size_t nodes_measured;     /**< nodes with a fresh reading */
    size_t nodes_stale;        /**< nodes whose latest reading is older than stale_s */
    size_t nodes_silent;       /**< nodes running jobs with no reading at all */
} gs_live;

/** Build the picture at now_s into *out (free with gs_live_free). readings may be NULL with
 * nreadings 0 (everything modelled). Returns 0 or GS_ENOMEM. */
int gs_live_build(const gs_fleet *f, const gs_map *m, const gs_sched_jobs *jobs,
                  const gs_telemetry_reading *readings, size_t nreadings, double stale_s,
                  double now_s, gs_live *out, gs_error *err);
void gs_live_free(gs_live *l);

/** The PUE of site s at now_s as the live picture applies it: constant; monthly by the site's
 * month at UTC + lon/15 h (mean solar time: this engine takes no time-zone database); a series
 * at now when loaded and finite, else the site's pue field; below 1 (or NaN) counts as 1. */
double gs_live_site_pue(const gs_site *s, double now_s);

/** "measured" (every figure of the site measured), "mixed" or "modelled" (also for nothing). */
const char *gs_live_site_source(const gs_live_site *ls);

/** A job's power_source: "measured", "modelled", "unknown" (running or suspended with neither a
 * cluster to model it on nor fresh telemetry of all its nodes: counted as 0), "none" (pending,
 * completing or ended: 0 W). */
const char *gs_live_job_power_source(const gs_live_job *lj);

/** GET /v1/load for now as JSON (malloc'ed; NULL when out of memory): docs/serve.md,
 * "GET /v1/load", has the shape:
 *   {"at": "2026-12-07T17:00:05Z",
 *    "telemetry": {"nodes_measured": n, "nodes_stale": n, "nodes_silent": n},
 *    "sites": [{"site", "name", "zone", "pue", "mw": {"training", "inference", "unclassified"},
 *               "measured_mw": {same}, "source": "measured"|"modelled"|"mixed",
 *               "jobs": {same keys}, "suspended": {same keys}, "racks": {"training",
 *               "inference"}, "gpus": {same}, "gpus_busy": {same}}],
 *    "jobs": [{"id", "name", "partition", "state", "class": "training"|"inference"|null,
 *              "classified", "reason" (only when unclassified), "site": id|null,
 *              "cluster": id|null, "tier": x|null, "window": "event"|"day"|"run"|null,
 *              "ckpt": "USR1/2min"|null, "ckpt_interval": "4h"|null, "workload": s|null,
 *              "curve": s|null, "gpus", "nodes", "mw", "measured",
 *              "power_source": gs_live_job_power_source, "source": the mapping's steps}]}
 * Sites in fleet order, jobs in the scheduler's; MW rounded to 6 decimals, never NaN. */
char *gs_live_json(const gs_live *l, const gs_fleet *f);

#ifdef __cplusplus
}
#endif
#endif
