/* gridsplit supply, exact and optimal (src/supply/optimal.c; issue 13, docs/supply.md): the
 * least battery for 24/7 coverage, the best dispatch of a battery and within-day load shifting,
 * and training-aware shifting, each one linear program solved by COIN-OR Clp.
 *
 * Inputs are hourly: ren_mw[t] (renewable supply) and the load, t = 0..n-1, MW averaged over
 * hour t (so MW of an hour = MWh of that hour). Every method writes the same LP variables:
 *
 *   x_t  the load served in hour t after shifting (MW)
 *   c_t  battery charging in hour t: MW drawn from renewables (the battery stores ec c_t)
 *   d_t  battery discharging in hour t: MW delivered to the load (the battery gives ed d_t)
 *   s_t  energy in the battery at the end of hour t (MWh); s_{-1} the starting charge
 *   g_t  grid energy in hour t (MW)
 *
 * with, for every hour (the "hourly balance"):
 *   x_t - d_t - g_t >= 0                  renewables to the load, r_t = x_t - d_t - g_t >= 0
 *   x_t - d_t - g_t + c_t <= ren_t        the battery charges from renewables only: r_t + c_t
 *                                         <= ren_t (the rest, ren_t - r_t - c_t, is spilled)
 *   s_t = s_{t-1} + ec c_t - ed d_t       (ec = eff_charge 0.97, ed = eff_discharge 1.04)
 *   0 <= c_t <= C rc / ec,  0 <= d_t <= C rd / ed      (rc, rd: charge_rate, discharge_rate 3)
 * and the C/L/C bounds of gs_battery (u, v = upper_u, upper_v; lu, lv = lower_u, lower_v) at
 * one of two time steps (gs_supply_bounds):
 *   HOUR:  s_t <= u c_t + v C  and  s_t >= lu d_t + lv C: the battery model's inequalities
 *          applied once an hour, to the hour's average power and the end-of-hour charge.
 *          CarbonExplorer (src/supply/compat.c) applies the same inequalities every minute to
 *          that minute's power, so it can taper the power within an hour and end the hour
 *          closer to full or empty (with u = -0.04, an hour that charges at c_t MW ends at most
 *          at C - 0.04 c_t here). A dispatch that meets the hourly inequalities at constant
 *          power through each hour meets them at every minute too (the charge moves
 *          monotonically within the hour, so its end is its extreme): every HOUR answer is
 *          achievable by the per-minute battery: a lower bound on its best coverage and an upper
 *          bound on its least 24/7 capacity.
 *   LIMIT: the limit of short steps: the power-dependent terms may taper to nothing within an
 *          hour, leaving lv C + min(lu, 0) C rd / ed <= s_t <= v C + max(u, 0) C rc / ec
 *          (CarbonExplorer's bounds: 0 <= s_t <= C). A relaxation: every per-minute dispatch,
 *          CarbonExplorer's included, summed by hour is feasible here, so LIMIT's coverage is
 *          an upper bound on any dispatch's at any step, and its 24/7 capacity a lower bound.
 * On ERCOT 2021 CarbonExplorer's figures lie between the two (tests/unit/test_supply_opt.c):
 * its per-minute simulation covers every hour with the HOUR 24/7 capacity (792.266 MWh; 0.001
 * less fails) and not with LIMIT's (791.818); its 200 MWh battery's grid energy (4,590.99 MWh)
 * is between LIMIT's optimum (4,590.99, lower by 4e-4) and HOUR's (4,591.58).
 *
 * A battery that charges and discharges in the same hour only loses energy; the LP may still
 * return such an hour among equally good answers. The results net them out (the smaller flow
 * cancelled against the larger, the end-of-hour charge and the grid unchanged) when ed >= ec,
 * u <= 0 and lu >= 0, where netting keeps every constraint; otherwise the flows are as solved.
 *
 * The second stage (tidy): an LP's optimum is rarely unique (hours with a surplus leave the
 * battery and the shifting free), and the vertex the simplex stops at may cycle the battery or
 * move load to no purpose. Within-day methods then re-solve each day on its own: the charge at
 * the day's start and end (the end within 1e-8 C: the series may step by that much at
 * midnight) and the day's grid energy held at the first stage's, the day's
 * sum_t (c_t + d_t + m_t) minimised, m_t >= load_t - x_t the energy moved out of hour t. The
 * figures (coverage, grid, capacity) are the first stage's optimum (within 1e-9 relative and
 * Clp's tolerance, 1e-7); the flows are the least within each day given its ends (not the least
 * over the year, which one more LP of the year would give at four times the cost). Training
 * re-solves the whole LP once more (its work crosses days): among the optima, the least lost
 * work, battery throughput and training paused (gs_supply_train_opts).
 *
 * Renewable coverage (every method): 100 (sum_t x_t - sum_t g_t) / sum_t x_t, the share of the
 * load's energy met by renewables in the same hour, directly or through the battery (which
 * charges from renewables only): CarbonExplorer's coverage of the battery and shifting.
 *
 * Engines: no I/O, no clock, no globals, deterministic (Clp single-threaded, messages off). */
#ifndef GRIDSPLIT_SUPPLY_OPT_H
#define GRIDSPLIT_SUPPLY_OPT_H

#include <stddef.h>

#include "gridsplit/error.h"
#include "gridsplit/supply.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where the C/L/C bounds apply (above). */
typedef enum gs_supply_bounds {
    GS_SUPPLY_BOUNDS_HOUR = 0, /**< at each hour's end with the hour's average power
                                    (achievable: the default) */
    GS_SUPPLY_BOUNDS_LIMIT = 1 /**< in the limit of short steps (a relaxation: a bound) */
} gs_supply_bounds;

/** The battery's charge before the first hour. */
typedef enum gs_supply_start {
    GS_SUPPLY_START_GIVEN = 0, /**< dispatch: battery.initial_mwh (CarbonExplorer: full);
                                    sizing: initial_share x C */
    GS_SUPPLY_START_CYCLIC = 1 /**< s_{-1} = s_{n-1}: the year ends with the charge it began
                                    with (free, chosen by the LP): no energy from a battery
                                    that starts full */
} gs_supply_start;

/** How a solve ended. */
typedef enum gs_supply_status {
    GS_SUPPLY_OPTIMAL = 0,   /**< the LP's optimum */
    GS_SUPPLY_INFEASIBLE = 1 /**< no dispatch meets the constraints: for the 24/7 sizing, no
                                  battery of any size covers every hour (renewable energy too
                                  short once the battery's losses are paid, with a cyclic or
                                  partly charged start); capacity_mwh is INFINITY */
} gs_supply_status;

/** Options shared by the three methods. */
typedef struct gs_supply_opt_opts {
    gs_battery battery;      /**< efficiencies, rates and C/L/C bounds (steps_per_hour is not
                                  used: the LP's step is the hour); capacity_mwh and initial_mwh
                                  are the dispatch's battery (the sizing's capacity is the
                                  unknown) */
    gs_supply_bounds bounds; /**< GS_SUPPLY_BOUNDS_HOUR */
    gs_supply_start start;   /**< GS_SUPPLY_START_GIVEN */
    double initial_share;    /**< sizing with START_GIVEN: s_{-1} = initial_share x C, in [0, 1]:
                                  1 (full, as CarbonExplorer's bisection starts) */
    double flexible_pct;     /**< within-day shifting (dispatch and sizing; the training method
                                  ignores it): each hour may give up to this share of its load
                                  to other hours of its day, in [0, 100]: 0 */
    double max_capacity_mw;  /**< the most load an hour may take after shifting (an hour whose
                                  own load is above keeps its load as a ceiling: x_t <=
                                  max(max_capacity_mw, load_t)); > 0, may be INFINITY (the
                                  default). CarbonExplorer: 150 % of the load's peak */
    const size_t *day;       /**< NULL: days are blocks of 24 hours from the first (as
                                  CarbonExplorer's); else n non-decreasing labels, the hours with
                                  one label forming a day (calendar days from the caller's
                                  times). A last block shorter than 24 hours is a day of its own */
    int tidy;                /**< 1 (the default): a second stage picks, among the dispatches
                                  with the optimum's grid energy (or capacity), one that cycles
                                  the battery and moves load the least (below); 0: the first
                                  optimum Clp finds, the same figures of coverage, grid and
                                  capacity but hourly flows that may cycle the battery or move
                                  load to no purpose */
} gs_supply_opt_opts;

/** Defaults: gs_battery_nmc(battery_mwh) (full at the start), HOUR bounds, START_GIVEN,
 * initial_share 1, flexible_pct 0, max_capacity_mw INFINITY, day NULL, tidy 1. */
void gs_supply_opt_defaults(gs_supply_opt_opts *o, double battery_mwh);

/** Training-aware shifting (gs_supply_opt_train). The load is training_mw[t] (the training
 * campus's planned MW) plus other_mw[t] (inference and the rest: fixed). Training runs at
 * x_t = training_mw[t] + y_b(t) where y_b is one deviation (MW, pausing < 0, catching up > 0)
 * per checkpoint interval b: training power changes only at checkpoint boundaries, hours
 * ceil(k checkpoint_h), k = 0, 1, ... from the first hour (every hour when checkpoint_h <= 1).
 * Each MW resumed costs pause_lost_h hours of work: r_b >= y_b - y_{b-1} (y_{-1} = 0: the plan's
 * own ramps are in the plan), lost work pause_lost_h r_b MWh, charged in the interval where the
 * resumption happens. Work is MWh of training (throughput proportional to training power).
 * With work(a, e) = sum over hours t in [a, e) of y_b(t) - pause_lost_h x sum of r_b over the
 * blocks b that start in [a, e) (the work done beyond the plan, net of the work lost):
 *   window:   work(a, e) = 0 for each window [a, e) of floor(window_h) hours from the first hour
 *             (the last possibly shorter): the work asked in a window is done within it, and
 *             may move across days inside it;
 *   tier:     work(tau, tau + W) >= (tier - 1) x sum of training_t over [tau, tau + W) for every
 *             rolling window of W = floor(tier_window_h) hours inside the series (the whole
 *             series if longer): work done >= tier x work asked (the planner's throughput floor
 *             over a rolling day: gridsplit/flex.h);
 *   capacity: 0 <= x_t <= max(min(training_max_mw, max_capacity_mw - other_t), training_t).
 * A linear relaxation: training MW are continuous (any share of the campus may pause, where
 * real jobs pause whole: it overstates what pausing can follow), each MW resumed pays the same
 * lost work whatever its job (a job's restart costs its whole size: understated when a job is
 * partly resumed), and the lost work is energy owed to the window, not placed in the hours
 * after the resumption (the LP may run it in the sunniest hour of the window).
 * The second stage (tidy) of this method minimises 100 x the lost work MWh + the MWh through
 * the battery (sum c_t + d_t) + the MWh of training paused (sum max(0, -y_b(t))) among the
 * dispatches with the least grid energy: lost work first, as the planner prices it in GPU
 * hours where the first stage, counting only energy, is indifferent when the energy to redo
 * the work is free surplus. */
typedef struct gs_supply_train_opts {
    double checkpoint_h;    /**< checkpoint interval, hours, > 0 */
    double pause_lost_h;    /**< work lost per MW resumed, hours (checkpoint save + restart:
                                 the planner's ckpt_duration_s + restart_overhead_s), >= 0 */
    double window_h;        /**< the run's window (deadline), hours, >= 1 */
    double tier;            /**< floor on throughput over a rolling tier window, (0, 1] */
    double tier_window_h;   /**< the rolling window of the tier, hours, >= 1: 24 */
    double training_max_mw; /**< the most training may draw (the campus's nameplate), > 0, may
                                 be INFINITY */
} gs_supply_train_opts;

/** Defaults: checkpoint 1 h, pause_lost_h 0, window 168 h, tier 1, tier window 24 h,
 * training_max_mw INFINITY. */
void gs_supply_train_defaults(gs_supply_train_opts *t);

/** The figures of one method; the same fields for every method so that they can be set side by
 * side. */
typedef struct gs_supply_opt_result {
    gs_supply_status status;
    size_t hours;           /**< n */
    double capacity_mwh;    /**< the battery: the one given, or the least for 24/7 (INFINITY
                                 when infeasible) */
    double load_mwh;        /**< sum x_t: the load after shifting (training: with the lost
                                 work) */
    double ren_mwh;         /**< sum ren_t */
    double grid_mwh;        /**< sum g_t: energy not met by renewables */
    double coverage_pct;    /**< 100 (load - grid) / load; 100 for a zero load */
    double direct_mwh;      /**< sum r_t: renewables straight to the load */
    double charged_mwh;     /**< sum c_t: renewables into the battery */
    double discharged_mwh;  /**< sum d_t: battery to the load */
    double spilled_mwh;     /**< sum (ren_t - r_t - c_t): renewables neither used nor stored */
    double soc_start_mwh;   /**< s_{-1} */
    double soc_end_mwh;     /**< s_{n-1} */
    double shifted_mwh;     /**< sum max(0, load_t - x_t): energy moved out of its hour
                                 (training: of training_t + other_t) */
    double lost_work_mwh;   /**< training: pause_lost_h x sum r_b; 0 otherwise */
    double resumed_mw;      /**< training: sum r_b; 0 otherwise */
    double objective;       /**< the LP's objective as solved (the first stage's): grid MWh
                                 (dispatch, training) or C (sizing) */
    int iterations;         /**< simplex iterations */
    size_t rows, cols;      /**< the LP's size */
} gs_supply_opt_result;

/** Hourly series out (each NULL or n values of the caller's). */
typedef struct gs_supply_opt_series {
    double *load_mw;      /**< x_t: the load after shifting */
    double *training_mw;  /**< training only: training_t + y_b(t) (training method) */
    double *charge_mw;    /**< c_t */
    double *discharge_mw; /**< d_t */
    double *soc_mwh;      /**< s_t at the end of hour t */
    double *grid_mw;      /**< g_t */
    double *spill_mw;     /**< ren_t - r_t - c_t */
} gs_supply_opt_series;

/** Check the options (battery fields through gs_battery_check with capacity and initial
 * charge, bounds, start, initial_share in [0, 1], flexible_pct in [0, 100], max_capacity_mw
 * > 0, day labels non-decreasing): 0 or GS_EINPUT naming the field. */
int gs_supply_opt_check(const gs_supply_opt_opts *o, size_t n, gs_error *err);

/** The least capacity C of a battery shaped as o->battery (its efficiencies, rates and bounds
 * scaled by C) with which every hour's load is met by renewables and the battery (g_t = 0
 * for all t), with the within-day shifting of o (flexible_pct 0: CarbonExplorer's question):
 * the LP "minimise C" over C and the dispatch; its optimum is the true minimum for the LP's
 * step (HOUR: a size the per-minute battery achieves; LIMIT: no smaller battery can do it at
 * any step), not a bisection. The battery starts at initial_share x C (START_GIVEN) or cyclic.
 * res->status GS_SUPPLY_INFEASIBLE (capacity INFINITY) when no size does; a start full is
 * always feasible (a large enough battery's first charge covers everything). series: NULL or
 * the least battery's dispatch. Returns 0 (optimal or infeasible), GS_EINPUT (n = 0, a value
 * negative, NaN or infinite, naming the series and the hour; bad options), GS_ENOMEM, or
 * GS_ERUNTIME when Clp stops without an answer or with one that breaks a constraint by more
 * than 1e-6 of the row's scale (its answer is checked against the rows as built). */
int gs_supply_opt_battery_247(const double *ren_mw, const double *load_mw, size_t n,
                              const gs_supply_opt_opts *o, gs_supply_opt_series *series,
                              gs_supply_opt_result *res, gs_error *err);

/** The best dispatch of o->battery and within-day shifting: minimise sum g_t (maximise
 * coverage) over x, c, d, s, g subject to the hourly balance, the battery, and the shifting
 * x_t in [(1 - flexible_pct / 100) load_t, max(max_capacity_mw, load_t)] with each day's
 * sum x_t = its sum load_t. With flexible_pct 0 the battery alone; with capacity 0 shifting
 * alone. Always feasible (the grid meets any gap). Returns as gs_supply_opt_battery_247. */
int gs_supply_opt_dispatch(const double *ren_mw, const double *load_mw, size_t n,
                           const gs_supply_opt_opts *o, gs_supply_opt_series *series,
                           gs_supply_opt_result *res, gs_error *err);

/** Training-aware shifting with o->battery (flexible_pct and day are not used: training moves
 * by the rules of t, the other load stays): minimise sum g_t over y, r and the battery's
 * dispatch, subject to the hourly balance (x_t = training_t + y_b(t) + other_t) and the rules
 * of gs_supply_train_opts. Always feasible (the plan itself, y = 0, is). Returns as
 * gs_supply_opt_battery_247, and GS_EINPUT for bad training options. */
int gs_supply_opt_train(const double *ren_mw, const double *training_mw, const double *other_mw,
                        size_t n, const gs_supply_opt_opts *o, const gs_supply_train_opts *t,
                        gs_supply_opt_series *series, gs_supply_opt_result *res, gs_error *err);

#ifdef __cplusplus
}
#endif

#endif
