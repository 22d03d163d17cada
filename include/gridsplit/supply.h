/* gridsplit supply: a site's load against wind, solar and a battery, hour by hour (issue 13;
 * docs/supply.md has the long form).
 *
 * Two families of methods on the same inputs (hourly renewable supply ren_mw[i] and load
 * load_mw[i], i = 0..n-1, MW averaged over hour i, so MW of an hour = MWh of that hour):
 * - compatibility mode (src/supply/compat.c): the rules of Meta's CarbonExplorer
 *   (github facebookresearch/CarbonExplorer, src/battery.py and src/cas.py) re-implemented so
 *   that the same inputs give the same figures: the battery simulated each minute with its
 *   C/L/C model, its 24/7 battery found by bisection to 0.1 MWh, its greedy within-day shifting;
 * - exact and optimal (src/supply/optimal.c, gridsplit/supply_opt.h): the least 24/7 battery
 *   exactly, the best dispatch of battery and shifting as a linear program (COIN-OR Clp), and
 *   training-aware shifting (work moves only at checkpoint boundaries, across days within the
 *   run's deadline and tier).
 *
 * Engines: no I/O, no clock, no globals, deterministic. */
#ifndef GRIDSPLIT_SUPPLY_H
#define GRIDSPLIT_SUPPLY_H

#include <stddef.h>

#include "gridsplit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A battery: the C/L/C model (Kazhamiaka et al., "Tractable lithium-ion storage models for
 * optimizing energy systems", Energy Informatics 2 (2019)), as CarbonExplorer uses it.
 * With b the energy held (MWh), C the capacity, p the power applied over a step of dt hours:
 * - charging p >= 0 stores p * eff_charge * dt, with p <= C / eff_charge * charge_rate and
 *   b + p * eff_charge * dt <= upper_u * p + upper_v * C;
 * - discharging p >= 0 delivers p * dt and draws p * eff_discharge * dt, with
 *   p <= C / eff_discharge * discharge_rate and b - p * eff_discharge * dt >= lower_u * p +
 *   lower_v * C. */
typedef struct gs_battery {
    double capacity_mwh;     /**< C */
    double initial_mwh;      /**< b at the start (CarbonExplorer starts full: = C) */
    double eff_charge;       /**< stored per MWh charged: 0.97 (lithium NMC) */
    double eff_discharge;    /**< drawn per MWh delivered: 1.04 */
    double charge_rate;      /**< c_lim, per hour: 3 */
    double discharge_rate;   /**< d_lim, per hour: 3 */
    double upper_u, upper_v; /**< -0.04, 1 */
    double lower_u, lower_v; /**< 0.01, 0 */
    int steps_per_hour;      /**< simulation steps per hour: 60 (each minute) */
} gs_battery;

/** The lithium-NMC defaults above for a battery of capacity_mwh, starting full. */
void gs_battery_nmc(gs_battery *b, double capacity_mwh);

/** Check a battery's fields (finite, capacity >= 0, initial charge in [0, capacity],
 * efficiencies > 0, rates > 0, steps in 1..3600, and the C/L/C denominators positive:
 * eff_charge / steps_per_hour - upper_u > 0, lower_u + eff_discharge / steps_per_hour > 0):
 * 0 or GS_EINPUT naming the field. */
int gs_battery_check(const gs_battery *b, gs_error *err);

/** Renewable coverage: sum over hours of min(ren, load) / sum of load, in [0, 1] (the share of
 * the load's energy met by renewables hour by hour). 0 for a zero load. */
double gs_supply_coverage(const double *ren_mw, const double *load_mw, size_t n);

/* ---- compatibility mode: CarbonExplorer's rules (src/supply/compat.c) ----
 *
 * Each function reproduces one piece of CarbonExplorer (commit named in
 * tests/data/supply/ce_reference.tsv) operation for operation, in the same floating-point
 * order, quirks included; docs/supply.md lists the quirks. "Hour" below means one value of the
 * input arrays; CarbonExplorer assumes hours and so does this mode. Inputs: ren_mw[i] >= 0 and
 * load_mw[i] >= 0, finite (checked by gs_supply_compat_analyse; the building blocks trust
 * their caller). */

/** One step of CarbonExplorer's Battery2.charge with input_mw >= 0 offered, dt = 1 /
 * steps_per_hour: p = min(input, C / eff_charge * charge_rate,
 * (upper_v * C - b) / (eff_charge * dt - upper_u)), then b += p * eff_charge * dt. */
void gs_supply_compat_charge_step(const gs_battery *b, double *soc_mwh, double input_mw);

/** One step of Battery2.discharge with output_mw >= 0 asked: p = min(output,
 * C / eff_discharge * discharge_rate, (b - lower_v * C) / (lower_u + eff_discharge * dt)),
 * b -= p * eff_discharge * dt. Returns the MWh delivered, p * dt. */
double gs_supply_compat_discharge_step(const gs_battery *b, double *soc_mwh, double output_mw);

/** One hour of net power net_mw = renewables - load: steps_per_hour charge steps with net_mw
 * offered when net_mw > 0, else steps_per_hour discharge steps asking -net_mw. Updates
 * *soc_mwh; returns the MWh delivered (0 when charging). The same figures as the steps one by
 * one, with the runs of identical steps taken in a tight loop. */
double gs_supply_compat_hour(const gs_battery *b, double *soc_mwh, double net_mw);

/** CarbonExplorer's sim_battery_247: does battery b, starting at b->initial_mwh, meet the load
 * every hour? An hour with net_mw < 0 fails when the MWh delivered is below -net_mw - 0.0001.
 * Returns 1 (every hour met) or 0 (stops at the first hour that fails). */
int gs_supply_compat_covers(const double *ren_mw, const double *load_mw, size_t n,
                            const gs_battery *b);

/** CarbonExplorer's calculate_247_battery_capacity_b2_sim: the battery for 24/7 by bisection.
 * model gives the efficiencies and limits (its capacity and initial charge are ignored).
 * First a battery of 0; then l = 0, u = max_mwh and while u - l > 0.1: med = (l + u) / 2 and
 * a battery of capacity med starting full that covers the load makes u = med, else l = med.
 * *capacity_mwh: 0 when no battery is needed; NaN when u never moved (max_mwh too small);
 * otherwise the last med tested (CarbonExplorer's answer, which may be a size that failed, up
 * to 0.1 MWh below u). *steps (may be NULL): the simulations run, the first included.
 * Returns 0, or GS_EINPUT for n = 0, a bad battery or max_mwh not above 0.1 (finite). */
int gs_supply_compat_battery_247(const double *ren_mw, const double *load_mw, size_t n,
                                 const gs_battery *model, double max_mwh, double *capacity_mwh,
                                 int *steps, gs_error *err);

/** CarbonExplorer's apply_battery: battery b from b->initial_mwh (CarbonExplorer: full), hour
 * by hour (gs_supply_compat_hour with net = ren - load). Like CarbonExplorer it rewrites
 * ren_mw in place: an hour with a surplus (load - ren <= 0) loses the whole surplus, in
 * steps_per_hour additions of (load - ren) / steps_per_hour, whether the battery took it or not
 * (so ren ends about equal to the load); an hour with a gap gains the MWh the battery
 * delivered. *non_ren_mwh: the sum over gap hours of gap - delivered. soc_mwh (n values, may
 * be NULL): the battery's charge at the end of each hour. Returns 0 or GS_EINPUT (n = 0, bad
 * battery). */
int gs_supply_compat_apply_battery(const gs_battery *b, double *ren_mw, const double *load_mw,
                                   size_t n, double *soc_mwh, double *non_ren_mwh, gs_error *err);

/** CarbonExplorer's cas (carbon-aware scheduling for 24/7), rewriting load_mw in place. Days
 * are blocks of 24 hours from the first (by position, not by calendar). In each day the hours
 * are ordered by (ren, load) ascending, ties in input order; then with start = 0 and end = 23
 * (positions in that order), while start < end: surplus = ren - load at end, gap = load - ren
 * at start, space = min(surplus, max_capacity_mw - load at end); surplus <= 0 moves end down,
 * gap <= 0 moves start up; when no work is pending, work = min(gap, flexible_pct / 100 * load
 * at start); space > work moves the work (start up, work 0), else moves space (work -= space,
 * end down). *hours_shifted: the hours of CarbonExplorer's output, 24 * whole days; a last
 * block of fewer than 23 hours stops the loop (those hours are dropped, load left as given).
 * Returns 0; GS_EINPUT for fewer than 24 hours (CarbonExplorer fails joining no day),
 * flexible_pct outside [0, 100], max_capacity_mw negative or not finite, or a last block of
 * exactly 23 hours (CarbonExplorer fails there with an IndexError). */
int gs_supply_compat_cas(const double *ren_mw, double *load_mw, size_t n, double flexible_pct,
                         double max_capacity_mw, size_t *hours_shifted, gs_error *err);

/** CarbonExplorer's calculate_coverage, in percent: 100 * (sum load - non_ren) / sum load with
 * non_ren the sum of load - ren over hours where load > ren (*non_ren_mwh, may be NULL).
 * NaN for a zero load (CarbonExplorer divides by zero). */
double gs_supply_compat_coverage_pct(const double *ren_mw, const double *load_mw, size_t n,
                                     double *non_ren_mwh);

/** The parameters of a compatibility analysis. */
typedef struct gs_supply_compat_opts {
    gs_battery battery;        /**< applied battery: gs_battery_nmc(200 MWh), starting full */
    double flexible_pct;       /**< share of each hour's load that may move within the day: 40 */
    double extra_capacity_pct; /**< max capacity = peak + peak * extra / 100: 50 (150 % of the
                                    peak) */
    double max_battery_mwh;    /**< upper bound of the 24/7 bisection: 10,000 */
} gs_supply_compat_opts;

/** CarbonExplorer's parameters for the three reference cases (above). */
void gs_supply_compat_defaults(gs_supply_compat_opts *o);

/** Every figure CarbonExplorer's notebook reports for one case. */
typedef struct gs_supply_compat_result {
    size_t hours;                /**< n */
    size_t hours_shifted;        /**< hours in cas's output (whole days; see
                                      gs_supply_compat_cas) */
    double load_mwh;             /**< sum of the load */
    double peak_mw;              /**< highest hourly load */
    double max_capacity_mw;      /**< peak + peak * extra_capacity_pct / 100 */
    double coverage_pct;         /**< renewables alone, all hours */
    double non_ren_mwh;
    double battery_247_mwh;      /**< gs_supply_compat_battery_247 on the renewables alone:
                                      0 none needed, NaN above max_battery_mwh */
    int battery_247_steps;       /**< simulations the bisection ran */
    double coverage_battery_pct; /**< with the battery: 100 * (load - non_ren) / load */
    double non_ren_battery_mwh;  /**< apply_battery's non-renewable MWh */
    double coverage_cas_pct;     /**< with shifting only, over hours_shifted hours */
    double non_ren_cas_mwh;
    double coverage_both_pct;    /**< battery first, then shifting on the renewables it left
                                      (CarbonExplorer's order), over hours_shifted hours */
    double non_ren_both_mwh;
} gs_supply_compat_result;

/** Hourly series after each step (n values each; any pointer may be NULL). */
typedef struct gs_supply_compat_series {
    double *ren_battery_mw; /**< renewables as apply_battery leaves them (the input of the
                                 last step) */
    double *soc_mwh;        /**< the applied battery's charge at the end of each hour */
    double *load_cas_mw;    /**< load after shifting alone (hours from hours_shifted on: as
                                 given) */
    double *load_both_mw;   /**< load after the battery then shifting */
} gs_supply_compat_series;

/** Doubles of work space gs_supply_compat_analyse needs for n hours when the caller gives it
 * (3 n). */
size_t gs_supply_compat_work_len(size_t n);

/** The full compatibility analysis of one site-year: coverage, the 24/7 battery, the battery
 * applied each minute, daily shifting alone and after the battery. work: NULL (the engine
 * allocates once and frees) or gs_supply_compat_work_len(n) doubles of the caller's; series:
 * NULL or the hourly series wanted. Returns 0; GS_EINPUT naming the hour and the series for
 * n = 0 or a value negative, NaN or infinite, or naming the option (battery fields,
 * flexible_pct outside [0, 100], extra_capacity_pct negative, max_battery_mwh not above 0.1,
 * fewer than 24 hours or a last day of exactly 23, where CarbonExplorer's cas fails);
 * GS_ENOMEM. */
int gs_supply_compat_analyse(const double *ren_mw, const double *load_mw, size_t n,
                             const gs_supply_compat_opts *opts, double *work,
                             gs_supply_compat_series *series, gs_supply_compat_result *res,
                             gs_error *err);

#ifdef __cplusplus
}
#endif

#endif
