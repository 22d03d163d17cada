/* gridsplit simulation outputs: load.csv (timestamp, site, class, MW), summary.json,
 * clusters.csv and runs.csv (src/write/simout.c); the HTML report (src/write/sim_report.c): one
 * self-contained file (charts and data inline, opens offline): stacked MW by class per site and
 * fleet-wide, zoomable with a synchronised cursor; a typical day per class in each site's local
 * time; load-duration curves; the summary table with cost, price and CO2; the clusters and runs;
 * the policy and, under the flexible one, every curtailment. Deterministic: the same fleet and
 * result give the same bytes (no clock is read); docs/report.md and docs/simulate.md say what
 * each part shows. Every file is written to a temporary name and renamed when complete.
 *
 * The one number rule of these outputs (docs/simulate.md): each number is rounded to its
 * unit's decimals below and written with no trailing zeros (JSON: at least one decimal, as a
 * JSON real; null where not defined; CSV: an empty field). A class a site has no cluster of
 * has no rows, no entry and no table row. */
#ifndef GRIDSPLIT_WRITE_SIM_H
#define GRIDSPLIT_WRITE_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/fleet.h"
#include "gridsplit/flexsim.h"
#include "gridsplit/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Decimals of each unit (the one number rule). */
#define GS_SIM_DEC_MW 4      /**< MW and MWh: to 0.1 kW(h) */
#define GS_SIM_DEC_H 4       /**< hours (durations, the local peak hour) */
#define GS_SIM_DEC_USD 2     /**< USD and USD/MWh: to the cent */
#define GS_SIM_DEC_T 3       /**< tonnes of CO2: to the kg */
#define GS_SIM_DEC_SHARE 6   /**< shares and ratios (load factor, coverage, coincidence, ...) */
#define GS_SIM_DEC_GPUH 2    /**< GPU-hours */
/* requests and GPUs: whole numbers; seconds and counts: integers */

/** What the simulation ran under, for summary.json and report.html. NULL or plan NULL: the
 * must-run policy (the run plans as they are). */
typedef struct gs_sim_policy_info {
    const char *events;               /**< flexible: --events as given */
    const gs_flexsim_result *plan;    /**< flexible: the planner's events and the overrides given
                                           to gs_simulate (run with detail: r->ovr) */
    const int *override_event;        /**< [plan->noverrides]: index into plan->events of the
                                           event each cutting override answered; -1: not known
                                           (or not cutting); NULL: none known */
} gs_sim_policy_info;

/** Totals of a flexible run (every field 0 / NaN under must-run). */
typedef struct gs_sim_policy_totals_t {
    size_t events_acted_on;           /**< events and price hours with a job curtailed */
    size_t curtailments;              /**< overrides that cut a run's draw, applied */
    size_t not_applied;               /**< cutting overrides that met no running run (it was
                                           waiting for GPUs, or done): they cut nothing */
    double hours, mwh_cut;            /**< summed over those */
    double usd_saved, co2_t_avoided;  /**< summed (NaN when no zone has the series) */
    double planner_cost_usd;          /**< the planner's cost of the progress lost */
    double value_usd;                 /**< the backtest's value of the events acted on */
} gs_sim_policy_totals_t;

/** The totals above from result r (run with detail) and pi. */
void gs_sim_policy_totals(const gs_sim_result *r, const gs_sim_policy_info *pi,
                          gs_sim_policy_totals_t *t);

/** "pause", "off" or "cap": the lever an override applies. */
const char *gs_sim_lever_name(const gs_override *o);

/** 1 when site `site` of f has a cluster of class cls (gs_class). */
int gs_sim_site_has_class(const gs_fleet *f, size_t site, int cls);

/** Write path as CSV `timestamp,site,class,mw`: one row per step (or per out_step_s, a whole
 * multiple of the result's step: the mean over it), site and class the site has, timestamps
 * ISO 8601 UTC at the start of the interval, MW by the number rule. Returns 0 or a negative
 * gs_err. */
int gs_write_load_csv(const gs_fleet *f, const gs_sim_result *r, int64_t out_step_s,
                      const char *path, gs_error *err);

/** Write path as JSON: the period, the policy, and gs_load_stats for the fleet, each class
 * fleet-wide, each site, and each site and class it has; with detail, every cluster's figures;
 * inference served and unserved requests per service; every training run (with detail, its
 * figures); under the flexible policy every event and price hour acted on with its actions
 * (docs/simulate.md). NaN statistics are written as null. Returns 0 or a negative gs_err. */
int gs_write_summary_json_policy(const gs_fleet *f, const gs_sim_result *r,
                                 const gs_sim_policy_info *pi, const char *path, gs_error *err);

/** The same under the must-run policy. */
int gs_write_summary_json(const gs_fleet *f, const gs_sim_result *r, const char *path,
                          gs_error *err);

/** Write path as CSV, one row per cluster: `cluster,site,class,gpus,energy_mwh,peak_mw,
 * mean_mw,gpu_hours,energy_cost_usd,mean_price_usd_per_mwh,co2_t,runs,delay_h,curtailments,
 * paused_h,capped_h` (the last five empty for inference). r must come from a run with detail.
 * Returns 0 or a negative gs_err. */
int gs_write_clusters_csv(const gs_fleet *f, const gs_sim_result *r, const char *path,
                          gs_error *err);

/** Write path as CSV, one row per training run: `run,cluster,site,gpus,planned_start,start,end,
 * delay_h,hours,energy_mwh,peak_mw,mean_mw,gpu_hours,energy_cost_usd,mean_price_usd_per_mwh,
 * co2_t,curtailments,paused_h,capped_h`. r must come from a run with detail. Returns 0 or a
 * negative gs_err. */
int gs_write_runs_csv(const gs_fleet *f, const gs_sim_result *r, const char *path, gs_error *err);


/** Default cap on the number of MW values embedded for the time-series charts (sites x classes
 * x steps). Above it the charts get hourly means (daily if hourly is still too many). */
#define GS_REPORT_MAX_VALUES 4000000u

/** Points of each embedded load-duration curve (fewer when the period has fewer steps). */
#define GS_REPORT_LDC_POINTS 501u

/** Options of a report; zero-initialise, then set what matters. */
typedef struct gs_report_opts {
    size_t max_values;        /**< cap on embedded time-series values; 0: GS_REPORT_MAX_VALUES */
    const gs_sim_tz *tz;      /**< optional: the sites' UTC offsets over the period (e.g. those
                                   given to gs_simulate), embedded so local hours match the
                                   engine's exactly; NULL: the page converts with the browser's
                                   own tz database (Intl) from each site's IANA name */
    const char *title;        /**< optional heading; NULL: the fleet's name */
    const gs_sim_policy_info *policy; /**< optional: the policy and its curtailments; NULL:
                                           must-run */
} gs_report_opts;

/** Write the report of result r for fleet f to path (via a temporary file renamed at the end;
 * nothing is left behind on failure). r->nsites must equal f->nsites. Returns 0 or a negative
 * gs_err (GS_EINPUT for a result that does not match the fleet, GS_EIO, GS_ENOMEM). */
int gs_report_write_html(const gs_fleet *f, const gs_sim_result *r, const char *path,
                         gs_error *err);

/** The same with options (opts may be NULL). */
int gs_report_write_html_opts(const gs_fleet *f, const gs_sim_result *r,
                              const gs_report_opts *opts, const char *path, gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
