/* gridsplit supply outputs (src/write/supply_out.c; docs/supply.md): the hourly balance as CSV
 * and the summary as JSON (the report's data: gridsplit/write/supply.h). The figures are the
 * engines' (gridsplit/supply.h, gridsplit/supply_opt.h); this layer only lays them out. */
#ifndef GRIDSPLIT_WRITE_SUPPLY_OUT_H
#define GRIDSPLIT_WRITE_SUPPLY_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One way of meeting the load (renewables only, CarbonExplorer's rules, the optimum, ...). */
typedef struct gs_supply_method {
    const char *id;        /**< "none", "ce_battery", "ce_shift", "ce_shift_battery",
                                "opt_battery", "opt_shift_battery", "train_shift_battery" */
    const char *family;    /**< "baseline", "compat", "optimal", "training" */
    const char *name;      /**< for people */
    const char *note;      /**< how it was computed; may be NULL */
    double battery_mwh, flexible_pct;
    double coverage;       /**< share of the load's energy met by renewables (0..1) */
    double grid_mwh;       /**< energy from the grid */
    double emissions_t;    /**< grid energy x hourly carbon intensity; NaN without intensity */
    const double *load_mw; /**< hourly load after shifting (n); NULL: the load as given */
    const double *soc_mwh; /**< hourly battery energy at the end of each hour; NULL: none */
    const double *grid_mw; /**< hourly grid draw (n); NULL: unknown */
} gs_supply_method;

/** Everything `gridsplit supply` reports. NaN: unknown (null in JSON, empty in CSV). */
typedef struct gs_supply_report {
    const char *title;
    const char *kind;      /**< "case" or "fleet" */
    const char *file;      /**< the case file or the fleet file */
    const char *site, *zone, *supply_file, *carbon_file; /**< may be NULL */
    double wind_mw, solar_mw;
    int64_t start_s, step_s;
    size_t n;
    const int64_t *t_s;    /**< n times (case files may skip hours); NULL: start + i step */
    const double *ren_mw, *load_mw;
    const double *wind_out_mw, *solar_out_mw; /**< may be NULL */
    const double *training_mw;                /**< may be NULL */
    const double *carbon_g_per_kwh;           /**< may be NULL */
    double battery_mwh, flexible_pct, max_capacity_mw;
    double eff_charge, eff_discharge, rate;
    int steps_per_hour;
    double battery_247_compat_mwh, battery_247_exact_mwh;
    const char *battery_247_note;
    const gs_supply_method *methods;
    size_t nmethods;
    const char *const *warnings;
    size_t nwarnings;
} gs_supply_report;

/** The summary as JSON text (malloc'ed; NULL on out of memory); with_hourly adds the "hourly"
 * block the HTML report draws. Numbers rounded for people (MW and MWh to 0.001, coverage to
 * 1e-6); non-finite numbers are null. */
char *gs_supply_summary_json(const gs_supply_report *r, int with_hourly);

/** DIR/hourly.csv: time, ren_mw, load_mw[, wind_mw, solar_mw, training_mw, carbon_g_per_kwh],
 * then per method with hourly figures METHOD_load_mw, METHOD_soc_mwh, METHOD_grid_mw. Written
 * atomically. */
int gs_supply_write_csv(const gs_supply_report *r, const char *path, gs_error *err);

/** Write text (the JSON) to path atomically. */
int gs_supply_write_text(const char *text, const char *path, gs_error *err);

#ifdef __cplusplus
}
#endif

#endif
