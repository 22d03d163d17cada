/* gridsplit fleet model: sites, clusters, GPUs, training runs, inference services and their
 * demand regions, and grid zones with their series. One model for the CLI, the daemon and the
 * tests. A fleet is built by gs_fleet_load() (gridsplit/read/fleet.h) or by hand, checked by
 * gs_fleet_validate(), and freed by gs_fleet_free(), which frees everything it points to.
 * Cross references are indices into the fleet's arrays (e.g. cluster.site), resolved at load. */
#ifndef GRIDSPLIT_FLEET_H
#define GRIDSPLIT_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/series.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_ID_MAX 64
#define GS_PATH_MAX 512

typedef enum gs_class { GS_TRAINING = 0, GS_INFERENCE = 1 } gs_class;
#define GS_NCLASS 2
/** "training" / "inference" */
const char *gs_class_name(gs_class c);

/** Over which window a job's tier (its floor on average throughput) is held: the event only
 * (the default, the strictest), the rolling 24 h ending at the event's end, or the whole run. */
typedef enum gs_tier_window { GS_TIER_EVENT = 0, GS_TIER_DAY, GS_TIER_RUN } gs_tier_window;
/** "event" / "day" / "run" */
const char *gs_tier_window_name(gs_tier_window w);

/* ---- power-cap curves (measured; the model holds them, the planner reads them) ---------- */

#define GS_CAPCURVE_MAX 16

/** Throughput (share of uncapped) against GPU power cap (share of board power), increasing in
 * both, at n points with cap_frac[n-1] == 1 and throughput_frac[n-1] == 1. Caps below
 * cap_frac[0] were not measured and are not offered. power_frac[i] is the measured draw per GPU
 * at cap_frac[i] as a share of board power (has_power 1); has_power 0: the draw is the cap. */
typedef struct gs_capcurve {
    char workload[32];                 /**< "pretraining", "finetuning", "inference-batch", "inference" */
    size_t n;
    double cap_frac[GS_CAPCURVE_MAX];
    double throughput_frac[GS_CAPCURVE_MAX];
    int samples[GS_CAPCURVE_MAX];      /**< measurements averaged into each point */
    double power_frac[GS_CAPCURVE_MAX];
    int has_power;
} gs_capcurve;

typedef enum gs_cooling { GS_COOL_AIR = 0, GS_COOL_HYBRID, GS_COOL_LIQUID } gs_cooling;
const char *gs_cooling_name(gs_cooling c);

/** One GPU model of the catalogue. Power per GPU, in watts. */
typedef struct gs_gpu {
    char id[GS_ID_MAX];        /**< "H100", "B200", ... */
    double board_w;            /**< board power (TDP) */
    double idle_w;             /**< idle draw of a powered GPU */
    double overhead_w;         /**< server overhead per GPU (CPU, memory, NIC, fans), at full load */
    double overhead_idle_w;    /**< server overhead per GPU when the GPUs are idle */
    char source[256];          /**< where the figures were read */
} gs_gpu;

/** A reference to a time series in a file, as written in the fleet file. */
typedef struct gs_series_ref {
    char path[GS_PATH_MAX];    /**< file, after ${GS_SHARED} and relative-path expansion; "" when absent */
    char format[32];           /**< importer: "csv", "price", "carbon", "eia930", "ercot-dam-spp", ... */
    char column[64];           /**< value column (csv), settlement point (ercot), "" for default */
    char time_column[64];      /**< csv: timestamp column, "" for the first */
    char tz[64];               /**< csv: time zone of naive timestamps, "" for UTC */
    double scale;              /**< multiply values by this (unit conversion); 1 by default */
} gs_series_ref;

/** A grid pricing/balancing zone and its series (loaded on demand; NULL when absent). */
typedef struct gs_zone {
    char id[GS_ID_MAX];        /**< "ERCOT", "PJM-DOM", "DE-LU", ... */
    gs_series_ref price_ref, carbon_ref, demand_ref;
    gs_series *price_usd_per_mwh;
    gs_series *carbon_g_per_kwh;
    gs_series *demand_mw;      /**< the zone's system demand */
    int demand_stamped_at_end; /**< 1: demand_mw's points carry the end of their hour (EIA-930's
                                    "hour ending"): the zone's demand at time t is the value
                                    stamped in the hour after t (set by the reader) */
} gs_zone;

typedef enum gs_pue_kind { GS_PUE_CONST = 0, GS_PUE_MONTHLY, GS_PUE_SERIES } gs_pue_kind;

typedef struct gs_site {
    char id[GS_ID_MAX];
    char name[128];
    double lat, lon;           /**< degrees */
    char tz[64];               /**< IANA time zone, e.g. "America/Chicago" */
    int zone;                  /**< index into gs_fleet.zones */
    double interconnect_mw;
    gs_pue_kind pue_kind;
    double pue;                /**< GS_PUE_CONST */
    double pue_monthly[12];    /**< GS_PUE_MONTHLY, January first, by the site's local month */
    gs_series_ref pue_ref;     /**< GS_PUE_SERIES */
    gs_series *pue_series;
    gs_cooling cooling;
    double rack_kw_max;        /**< highest rack density the site supports */
    int oversubscribed;        /**< 1: a nameplate above GS_NAMEPLATE_OVER_MAX x interconnect_mw
                                    is intended (a warning, not an error) */
} gs_site;

/** The most GPUs a cluster may have: ten million, some thirty times the largest clusters built
 * (a count beyond it is a typo, and keeps every GPU-count product far from overflowing). */
#define GS_CLUSTER_GPUS_MAX 10000000
/** The most power per GPU a model may state (board_w, idle_w, overhead_w, overhead_idle_w), in
 * W: 100 kW, fifty times the largest board power of today. */
#define GS_GPU_W_MAX 100000.0
/** A site's nameplate (gs_site_nameplate_mw) may be at most this many times its
 * interconnect_mw unless the site says it is intended (oversubscribed): operators do
 * oversubscribe a connection modestly, since a fleet seldom draws its nameplate at once (GPUs
 * below board power, power capping), but well beyond that the fleet cannot run as planned. */
#define GS_NAMEPLATE_OVER_MAX 1.5

typedef struct gs_cluster {
    char id[GS_ID_MAX];
    int site;                  /**< index into sites */
    gs_class cls;
    int gpu;                   /**< index into gpus */
    int gpus;                  /**< GPU count */
    int racks;
    double utilisation;        /**< training: mean GPU activity while running, 0..1 (default 0.9) */
    int service;               /**< inference: index into services, -1 for none (idle) */
    double cost_usd_per_gpu_hour; /**< value of an hour of one GPU (for the cost of pauses) */
} gs_cluster;

/** A training run plan on one cluster. */
typedef struct gs_run {
    char id[GS_ID_MAX];
    int cluster;               /**< index into clusters (must be a training cluster) */
    int gpus;                  /**< GPUs it uses (<= cluster gpus) */
    int64_t start_s;           /**< UTC */
    double length_s;           /**< wall-clock length, without pauses */
    double utilisation;        /**< <0: the cluster's */
    double ckpt_interval_s;    /**< time between checkpoints; 0: none */
    double ckpt_duration_s;    /**< length of one checkpoint dip */
    double ckpt_power_frac;    /**< power during a dip as a share of running power (0..1) */
    double restart_overhead_s; /**< time lost on resuming after a pause */
    int64_t deadline_s;        /**< UTC; 0: none */
    double tier;               /**< floor on average throughput over the run (0..1); 1: must-run */
    char workload[32];         /**< "pretraining", "finetuning", ... (power-cap curve) */
    char power_curve[GS_ID_MAX]; /**< id in gs_fleet.power_curves: the run's own measured curve;
                                      "": the built-in curve of its workload */
    gs_tier_window tier_window;/**< the window its tier is held over (default: the event) */
    char ckpt_signal[16];      /**< signal the run checkpoints on when sent ("USR1", no "SIG");
                                    "": it checkpoints only on its schedule */
    double ckpt_signal_s;      /**< length of a checkpoint on signal (ckpt_signal set) */
    double lead_cap_s;         /**< time from the decision to a cap acting; 0: the policy's */
    double lead_pause_s;       /**< time to drain and pause; 0: the policy's */
} gs_run;

/** A demand region of an inference service. */
typedef struct gs_region {
    char id[GS_ID_MAX];
    double lat, lon;
    char tz[64];
    double share;              /**< share of the service's users (shares sum to 1) */
    int site;                  /**< site serving it; -1: the nearest site running the service */
} gs_region;

/** The diurnal shape of demand in local time. Demand at local hour h is
 * peak x (trough_frac + (1 - trough_frac) x bump(h)), trough_frac = 1 / peak_to_trough, where
 * bump() is a smooth daily curve equal to 1 at peak_hour and 0 twelve hours away. */
typedef struct gs_shape {
    double peak_hour;          /**< local hour of the daily peak (default 15) */
    double peak_to_trough;     /**< ratio of daily peak to daily minimum (default 4) */
    double sharpness;          /**< exponent of the bump: >1 narrows the peak (default 1.5) */
    double weekend_factor;     /**< weekend demand relative to weekday (default 0.85) */
    double growth_per_year;    /**< compound growth, e.g. 0.5 for +50 %/year (default 0) */
} gs_shape;

typedef struct gs_service {
    char id[GS_ID_MAX];
    double peak_requests_per_s;    /**< total requests/s if every region peaked at once */
    double energy_per_request_j;   /**< GPU energy per request above idle */
    double requests_per_s_per_gpu; /**< throughput of one GPU */
    double latency_budget_ms;
    double server_time_ms;         /**< the budget's share spent computing the answer: the round
                                        trip must fit latency_budget_ms - server_time_ms; 0 (not
                                        stated): the router's default, 50 ms */
    double floor_frac;             /**< share of GPUs always provisioned (default 0.2) */
    double headroom_frac;          /**< provisioned GPUs above demand (default 0.15) */
    gs_shape shape;
    gs_series_ref demand_ref;      /**< measured demand (requests/s) replacing the shape */
    gs_series *demand_rps;
    int64_t growth_epoch_s;        /**< time from which growth compounds (default: simulation start) */
    char power_curve[GS_ID_MAX];   /**< id in gs_fleet.power_curves: throughput per GPU against its
                                        power cap; "": the built-in curve of inference */
    double tier;                   /**< floor on the share of its work kept while capped (0..1]:
                                        throughput per GPU x GPUs against demand; 0 (not stated)
                                        or 1: no cap may cost requests */
    gs_tier_window tier_window;    /**< the window the tier is held over (default: the event) */
    double lead_cap_s;             /**< time from the decision to a cap acting; 0: the policy's */
    size_t nregions;
    gs_region *regions;
} gs_service;

/** A measured power-cap curve (fleet `power_curves:`), read from a DVFS sweep file or a table
 * of points and fitted by the reader: caps as shares of board_w, throughput made
 * non-decreasing in the cap and 1 at the board power, measured draw per GPU (power_frac) when
 * the data has it. Runs and services name it by id. */
typedef struct gs_power_curve {
    char id[GS_ID_MAX];
    char workload[32];         /**< "pretraining", "finetuning", "inference-batch" or "inference" */
    int gpu;                   /**< index into gpus whose board power the caps are shares of;
                                    -1: not stated (board_w is the highest cap measured) */
    double board_w;            /**< the board power of the caps' shares */
    gs_capcurve curve;         /**< curve.workload = workload */
    char source[GS_PATH_MAX + 96]; /**< "FILE, workload NAME" or "points" */
} gs_power_curve;

typedef struct gs_fleet {
    char path[GS_PATH_MAX];    /**< file it was read from */
    char name[128];
    size_t ngpus, nzones, nsites, nclusters, nruns, nservices;
    gs_gpu *gpus;
    gs_zone *zones;
    gs_site *sites;
    gs_cluster *clusters;
    gs_run *runs;
    gs_service *services;
    size_t npower_curves;
    gs_power_curve *power_curves;
    int64_t default_from_s, default_to_s; /**< period named in the file, 0 when absent */
    /** The network inputs the fleet names (its `network:` section), expanded paths, "" when
     * absent: a measured RTT matrix and its places, the submarine cables directory, data
     * transfer prices and their places. Every command that routes inference (route, simulate,
     * flex, serve) reads them through gs_route_inputs_load_fleet (gridsplit/read/netcost.h);
     * a command-line option of the same name overrides the fleet's. */
    struct {
        char rtt[GS_PATH_MAX], rtt_regions[GS_PATH_MAX], cables[GS_PATH_MAX];
        char net_prices[GS_PATH_MAX], net_places[GS_PATH_MAX];
    } network;
    /** Whether the tz database knows a zone (1) or not (0), asked by gs_fleet_validate for every
     * site and region; set by the reader (gs_tz_known of gridsplit/read/tz.h); NULL: zone names
     * are only checked to be non-empty. The model itself never reads the tz database. */
    int (*tz_known)(const char *name);
} gs_fleet;


/** Check the fleet's invariants (references, counts, PUE >= 1, shares, overlapping runs on the
 * same GPUs, ...). Returns 0 or GS_EINPUT with err filled. gs_fleet_load calls it.
 * err names the field path ("clusters[2].gpus", "training.runs[0].tier") and the fleet's path,
 * without a line (gs_fleet_load adds the line and column). For fleets built by hand: ids must
 * be non-empty and unique; run.utilisation < 0 (the cluster's) or in (0, 1]; run.tier and
 * cluster.utilisation in (0, 1]; run.workload one of pretraining, finetuning, inference-batch;
 * site and region tz must exist in the tz database (when fleet->tz_known is set); inference
 * clusters need a service. Power curves: ids unique, workload one of the above or inference,
 * 2..GS_CAPCURVE_MAX points with caps rising to 1, throughput in (0, 1] non-decreasing and 1
 * at cap 1, power_frac (has_power) positive, non-decreasing, at most 1.25; a run's or
 * service's power_curve must name one (and, when the curve states its gpu, be on a cluster of
 * that GPU). run.ckpt_signal "" or one of HUP INT QUIT USR1 USR2 ALRM TERM CONT URG XCPU
 * WINCH, with ckpt_signal_s > 0; leads >= 0; service.tier in [0, 1] (0: 1). Sizes: at most
 * GS_CLUSTER_GPUS_MAX GPUs per cluster, GPU powers at most GS_GPU_W_MAX, and a site's
 * nameplate (gs_site_nameplate_mw) at most GS_NAMEPLATE_OVER_MAX x its interconnect_mw unless
 * the site is oversubscribed. */
int gs_fleet_validate(const gs_fleet *fleet, gs_error *err);

/** Free a fleet and all it owns; NULL is a no-op. */
void gs_fleet_free(gs_fleet *fleet);


/** Index of the entity with this id, or -1. */
int gs_fleet_find_site(const gs_fleet *f, const char *id);
int gs_fleet_find_zone(const gs_fleet *f, const char *id);
int gs_fleet_find_gpu(const gs_fleet *f, const char *id);
int gs_fleet_find_cluster(const gs_fleet *f, const char *id);
int gs_fleet_find_service(const gs_fleet *f, const char *id);
int gs_fleet_find_run(const gs_fleet *f, const char *id);
int gs_fleet_find_power_curve(const gs_fleet *f, const char *id);

/** The measured curve a run or a service names (power_curve id), or NULL when it names none
 * (the built-in curve of its workload applies: gs_capcurve_builtin of gridsplit/flex.h). */
const gs_power_curve *gs_run_power_curve(const gs_fleet *f, const gs_run *r);
const gs_power_curve *gs_service_power_curve(const gs_fleet *f, const gs_service *s);

/** IT nameplate of a cluster in MW: GPUs x (board_w + overhead_w) of its GPU model, without
 * PUE. 0 when the cluster's GPU index is out of range. */
double gs_cluster_nameplate_mw(const gs_fleet *f, const gs_cluster *c);

/** The site's peak PUE: its constant PUE, the highest of its monthly ones, or the highest value
 * of its PUE series when loaded (gs_fleet_load_series); 1 for a series not loaded. */
double gs_site_peak_pue(const gs_site *s);

/** Nameplate of a site at its grid connection in MW: the IT nameplate of its clusters
 * (gs_cluster_nameplate_mw) x its peak PUE. gs_fleet_validate refuses a site whose nameplate is
 * above GS_NAMEPLATE_OVER_MAX x interconnect_mw unless the site is oversubscribed. */
double gs_site_nameplate_mw(const gs_fleet *f, size_t site);

/** The warning for a site that is oversubscribed and whose nameplate is indeed above
 * GS_NAMEPLATE_OVER_MAX x its interconnect_mw: one line in buf, without "warning:" (every
 * command that loads the fleet prints it). Returns 1 when written, 0 when the site needs none. */
int gs_site_nameplate_warning(const gs_fleet *f, size_t site, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
