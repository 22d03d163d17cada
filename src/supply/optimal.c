/* optimal.c: the exact and optimal methods of `gridsplit supply` (include/gridsplit/supply_opt.h,
 * docs/supply.md): the least 24/7 battery, the best dispatch of a battery and within-day
 * shifting, and training-aware shifting, each written as one linear program (the variables and
 * rows the header documents) and solved by COIN-OR Clp's dual simplex after presolve, single
 * threaded, messages off; then the second stage (tidy) that picks tidy flows among the optima:
 * day by day for the within-day methods, once more over the year (primal simplex from the
 * optimal basis) for training. Owns: the LP builder (rows of triplets into Clp's column-major
 * form), the check of Clp's answers against the rows as built, the three formulations, and the
 * results read back (netting same-hour charge and discharge).
 * Pure apart from the solver: no I/O, no clock, no globals. */
#include "gridsplit/supply_opt.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <coin/Clp_C_Interface.h>

#define NONE SIZE_MAX
#define BIG DBL_MAX /* Clp's infinity */

/* ---- a sparse LP built row by row --------------------------------------------------------- */

typedef struct lp {
    size_t ncol, nrow, nnz;
    size_t rcap, tcap;
    double *clb, *cub, *obj;
    double *rlb, *rub;
    int *ti, *tj;
    double *tv;
    int oom;
} lp;

static int lp_init(lp *l, size_t ncol, size_t rows_hint, size_t nnz_hint)
{
    memset(l, 0, sizeof *l);
    l->ncol = ncol;
    l->clb = calloc(ncol ? ncol : 1, sizeof *l->clb);
    l->cub = calloc(ncol ? ncol : 1, sizeof *l->cub);
    l->obj = calloc(ncol ? ncol : 1, sizeof *l->obj);
    l->rcap = rows_hint ? rows_hint : 16;
    l->tcap = nnz_hint ? nnz_hint : 64;
    l->rlb = malloc(l->rcap * sizeof *l->rlb);
    l->rub = malloc(l->rcap * sizeof *l->rub);
    l->ti = malloc(l->tcap * sizeof *l->ti);
    l->tj = malloc(l->tcap * sizeof *l->tj);
    l->tv = malloc(l->tcap * sizeof *l->tv);
    if (!l->clb || !l->cub || !l->obj || !l->rlb || !l->rub || !l->ti || !l->tj || !l->tv)
        l->oom = 1;
    return l->oom ? -1 : 0;
}

static void lp_free(lp *l)
{
    free(l->clb), free(l->cub), free(l->obj), free(l->rlb), free(l->rub);
    free(l->ti), free(l->tj), free(l->tv);
    memset(l, 0, sizeof *l);
}

static void lp_col(lp *l, size_t j, double lo, double hi, double cost)
{
    l->clb[j] = lo;
    l->cub[j] = hi;
    l->obj[j] = cost;
}

/* A new row lo <= . <= hi; its index (the rows are numbered in the order they are made). */
static size_t lp_row(lp *l, double lo, double hi)
{
    if (l->oom)
        return 0;
    if (l->nrow == l->rcap) {
        size_t cap = 2 * l->rcap;
        double *a = realloc(l->rlb, cap * sizeof *a);
        if (!a) {
            l->oom = 1;
            return 0;
        }
        l->rlb = a;
        double *b = realloc(l->rub, cap * sizeof *b);
        if (!b) {
            l->oom = 1;
            return 0;
        }
        l->rub = b;
        l->rcap = cap;
    }
    l->rlb[l->nrow] = lo;
    l->rub[l->nrow] = hi;
    return l->nrow++;
}

/* Coefficient v of column j in row i (each pair at most once). */
static void lp_add(lp *l, size_t i, size_t j, double v)
{
    if (l->oom || v == 0)
        return;
    if (l->nnz == l->tcap) {
        size_t cap = 2 * l->tcap;
        int *a = realloc(l->ti, cap * sizeof *a);
        if (!a) {
            l->oom = 1;
            return;
        }
        l->ti = a;
        int *b = realloc(l->tj, cap * sizeof *b);
        if (!b) {
            l->oom = 1;
            return;
        }
        l->tj = b;
        double *c = realloc(l->tv, cap * sizeof *c);
        if (!c) {
            l->oom = 1;
            return;
        }
        l->tv = c;
        l->tcap = cap;
    }
    l->ti[l->nnz] = (int)i;
    l->tj[l->nnz] = (int)j;
    l->tv[l->nnz] = v;
    l->nnz++;
}

/* The largest violation of a row's or a column's bounds by x, relative to max(1, |bound|,
 * the row's sum |a_ij x_j|). act: 2 nrow values of scratch. */
static double lp_violation(const lp *l, const double *x, double *act)
{
    memset(act, 0, 2 * l->nrow * sizeof *act);
    double *mag = act + l->nrow; /* sum |a_ij x_j|: the scale of the row's terms */
    for (size_t k = 0; k < l->nnz; k++) {
        double v = l->tv[k] * x[l->tj[k]];
        act[l->ti[k]] += v;
        mag[l->ti[k]] += fabs(v);
    }
    double worst = 0;
    for (size_t i = 0; i < l->nrow; i++) {
        double lo = (l->rlb[i] - act[i]) / fmax(1.0, fmax(fabs(l->rlb[i]), mag[i]));
        double hi = (act[i] - l->rub[i]) / fmax(1.0, fmax(fabs(l->rub[i]), mag[i]));
        worst = fmax(worst, fmax(lo, hi));
    }
    for (size_t j = 0; j < l->ncol; j++) {
        double lo = (l->clb[j] - x[j]) / fmax(1.0, fabs(l->clb[j]));
        double hi = (x[j] - l->cub[j]) / fmax(1.0, fabs(l->cub[j]));
        worst = fmax(worst, fmax(lo, hi));
    }
    return worst;
}

/* The lexicographic second stage: keep obj x at its optimum f (row obj x <= f + tol), then
 * minimise obj2 from the current basis. Returns 0 when it ended optimal. idx and val: scratch of
 * at least ncol values. *iterations: plus the simplex iterations. */
static int second_objective(Clp_Simplex *m, const lp *l, const double *obj2, double f, int *idx,
                            double *val, int *iterations)
{
    CoinBigIndex starts[2] = {0, 0};
    int k = 0;
    for (size_t j = 0; j < l->ncol; j++)
        if (l->obj[j] != 0) {
            idx[k] = (int)j;
            val[k] = l->obj[j];
            k++;
        }
    starts[1] = k;
    double lo = -BIG, hi = f + 1e-9 * fmax(1.0, fabs(f));
    Clp_addRows(m, 1, &lo, &hi, starts, idx, val);
    Clp_chgObjCoefficients(m, obj2);
    Clp_primal(m, 0);
    *iterations += Clp_numberIterations(m);
    if (Clp_status(m) == 0 && Clp_secondaryStatus(m) != 0) {
        /* optimal when scaled, not quite unscaled: one more pass from there cleans it up */
        Clp_primal(m, 0);
        *iterations += Clp_numberIterations(m);
    }
    return Clp_status(m) == 0 ? 0 : -1;
}

/* Solve: minimise obj. *infeasible 1 when Clp proves the LP infeasible (sol untouched);
 * else sol (ncol values) and *objective. obj2 (NULL or ncol values): a second objective,
 * minimised among the solutions within 1e-9 max(1, |optimum|) of the first's optimum (a row
 * obj x <= optimum + that, then primal simplex from the optimal basis; Clp's own feasibility
 * tolerance, 1e-7, applies to that row too). When that second solve does not end optimal, the
 * first solution stands. */
static int lp_solve(lp *l, const double *obj2, double *sol, double *objective, int *iterations,
                    int *infeasible, gs_error *err)
{
    *infeasible = 0;
    if (l->oom)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory building the LP");
    if (l->ncol > INT32_MAX || l->nrow > INT32_MAX || l->nnz > INT32_MAX)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "hours",
                            "expected an LP of at most 2^31 rows and columns, found %zu x %zu",
                            l->nrow, l->ncol);
    CoinBigIndex *start = calloc(l->ncol + 1, sizeof *start);
    size_t len = l->nnz > l->ncol ? l->nnz : l->ncol; /* also the second stage's scratch */
    int *index = malloc((len ? len : 1) * sizeof *index);
    double *value = malloc((len ? len : 1) * sizeof *value);
    size_t *fill = calloc(l->ncol + 1, sizeof *fill);
    int rc = GS_OK;
    Clp_Simplex *m = NULL;
    if (!start || !index || !value || !fill) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory building the LP");
        goto out;
    }
    /* column-major by counting: stable, so each column's rows stay in the order made */
    for (size_t k = 0; k < l->nnz; k++)
        fill[(size_t)l->tj[k] + 1]++;
    for (size_t j = 0; j < l->ncol; j++)
        fill[j + 1] += fill[j];
    for (size_t j = 0; j <= l->ncol; j++)
        start[j] = (CoinBigIndex)fill[j];
    for (size_t k = 0; k < l->nnz; k++) {
        size_t p = fill[l->tj[k]]++;
        index[p] = l->ti[k];
        value[p] = l->tv[k];
    }
    m = Clp_newModel();
    if (!m) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "cannot create the Clp model");
        goto out;
    }
    Clp_setLogLevel(m, 0);
    Clp_loadProblem(m, (int)l->ncol, (int)l->nrow, start, index, value, l->clb, l->cub, l->obj,
                    l->rlb, l->rub);
    Clp_setOptimizationDirection(m, 1.0);
    /* dual simplex after presolve (the fastest on a site-year: bench/bench_supply_opt.c), with
     * presolve's doubleton action off: CoinUtils 2.11's presolve_dupmajor leaks a byte per
     * call inside it on some of these LPs (LeakSanitizer), at no measurable cost in time */
    Clp_Solve *how = ClpSolve_new();
    if (!how) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "cannot create the Clp options");
        goto out;
    }
    ClpSolve_setSolveType(how, 0, 0);     /* ClpSolve::useDual */
    ClpSolve_setPresolveType(how, 0, -1); /* ClpSolve::presolveOn, default passes */
    ClpSolve_setDoDoubleton(how, 0);
    Clp_initialSolveWithOptions(m, how);
    ClpSolve_delete(how);
    *iterations = Clp_numberIterations(m);
    if (Clp_status(m) == 0 && Clp_secondaryStatus(m) != 0) {
        Clp_primal(m, 0); /* optimal when scaled, not quite unscaled: clean up from there */
        *iterations += Clp_numberIterations(m);
    }
    int st = Clp_status(m);
    if (st == 1) {
        *infeasible = 1;
    } else if (st == 0) {
        memcpy(sol, Clp_getColSolution(m), l->ncol * sizeof *sol);
        *objective = Clp_objectiveValue(m);
        /* Clp's answer checked against the rows as built (it solves a scaled, presolved copy) */
        double *act = malloc((l->nrow ? 2 * l->nrow : 1) * sizeof *act);
        if (!act) {
            rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto out;
        }
        double viol = lp_violation(l, sol, act);
        if (viol > 1e-6) {
            free(act);
            rc = gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL,
                              "the LP solver's answer breaks a constraint by %.3g (relative): "
                              "numerical trouble",
                              viol);
            goto out;
        }
        if (obj2 && second_objective(m, l, obj2, *objective, index, value, iterations) == 0) {
            const double *x2 = Clp_getColSolution(m);
            if (lp_violation(l, x2, act) <= 1e-6)
                memcpy(sol, x2, l->ncol * sizeof *sol);
        }
        free(act);
    } else {
        rc = gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL,
                          "the LP solver stopped without an answer (Clp status %d/%d: %s)", st,
                          Clp_secondaryStatus(m),
                          st == 2   ? "unbounded"
                          : st == 3 ? "iteration limit"
                                    : "numerical trouble");
    }
out:
    if (m)
        Clp_deleteModel(m);
    free(start), free(index), free(value), free(fill);
    return rc;
}

/* ---- options and inputs ------------------------------------------------------------------- */

void gs_supply_opt_defaults(gs_supply_opt_opts *o, double battery_mwh)
{
    memset(o, 0, sizeof *o);
    gs_battery_nmc(&o->battery, battery_mwh);
    o->bounds = GS_SUPPLY_BOUNDS_HOUR;
    o->start = GS_SUPPLY_START_GIVEN;
    o->initial_share = 1.0;
    o->flexible_pct = 0.0;
    o->max_capacity_mw = INFINITY;
    o->day = NULL;
    o->tidy = 1;
}

void gs_supply_train_defaults(gs_supply_train_opts *t)
{
    t->checkpoint_h = 1.0;
    t->pause_lost_h = 0.0;
    t->window_h = 168.0;
    t->tier = 1.0;
    t->tier_window_h = 24.0;
    t->training_max_mw = INFINITY;
}

int gs_supply_opt_check(const gs_supply_opt_opts *o, size_t n, gs_error *err)
{
    if (!o)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "options", "no options given");
    int rc = gs_battery_check(&o->battery, err);
    if (rc < 0)
        return rc;
    if (o->bounds != GS_SUPPLY_BOUNDS_HOUR && o->bounds != GS_SUPPLY_BOUNDS_LIMIT)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "bounds",
                            "expected HOUR (0) or LIMIT (1), found %d", (int)o->bounds);
    if (o->start != GS_SUPPLY_START_GIVEN && o->start != GS_SUPPLY_START_CYCLIC)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "start",
                            "expected GIVEN (0) or CYCLIC (1), found %d", (int)o->start);
    if (!(o->initial_share >= 0 && o->initial_share <= 1))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "initial_share",
                            "expected a share of the capacity in [0, 1], found %g",
                            o->initial_share);
    if (!(o->flexible_pct >= 0 && o->flexible_pct <= 100))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "flexible_pct",
                            "expected a flexible share of 0 to 100 %%, found %g", o->flexible_pct);
    if (!(o->max_capacity_mw > 0)) /* NaN fails too; INFINITY is no limit */
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "max_capacity_mw",
                            "expected a capacity > 0 MW (or infinity), found %g",
                            o->max_capacity_mw);
    if (o->day)
        for (size_t t = 1; t < n; t++)
            if (o->day[t] < o->day[t - 1])
                return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "day",
                                    "expected non-decreasing day labels, found %zu at hour %zu "
                                    "after %zu",
                                    o->day[t], t, o->day[t - 1]);
    return 0;
}

static int check_train(const gs_supply_train_opts *t, gs_error *err)
{
    if (!t)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "training", "no training options given");
    if (!(t->checkpoint_h > 0) || !isfinite(t->checkpoint_h))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "checkpoint_h",
                            "expected a checkpoint interval > 0 hours, found %g", t->checkpoint_h);
    if (!(t->pause_lost_h >= 0) || !isfinite(t->pause_lost_h))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "pause_lost_h",
                            "expected the work lost per pause >= 0 hours, found %g",
                            t->pause_lost_h);
    if (!(t->window_h >= 1))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "window_h",
                            "expected a window of at least 1 hour, found %g", t->window_h);
    if (!(t->tier > 0 && t->tier <= 1))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "tier",
                            "expected a tier in (0, 1], found %g", t->tier);
    if (!(t->tier_window_h >= 1))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "tier_window_h",
                            "expected a tier window of at least 1 hour, found %g",
                            t->tier_window_h);
    if (!(t->training_max_mw > 0))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "training_max_mw",
                            "expected the most training may draw > 0 MW (or infinity), found %g",
                            t->training_max_mw);
    return 0;
}

/* Every value finite and >= 0. */
static int check_series(const double *v, size_t n, const char *name, gs_error *err)
{
    if (!v)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, name, "no %s series given", name);
    for (size_t t = 0; t < n; t++)
        if (!isfinite(v[t]) || v[t] < 0)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, name,
                                "expected a finite value >= 0 MW at hour %zu, found %g", t, v[t]);
    return 0;
}

/* Hours in a window of h hours (floor; the whole series when longer or infinite). */
static size_t window_hours(double h, size_t n)
{
    return h >= (double)n ? n : (size_t)floor(h);
}

/* ---- the battery and the hourly balance, shared by the three methods ---------------------- */

/* The columns of one formulation. The load of hour t is lconst[t] plus column lcol[t] (NONE:
 * no column). The battery's capacity is C, or column colC when sized. g: NONE when the grid is
 * not allowed (sizing). The charge before the first hour: s_{n-1} (cyclic), else s_init (C
 * fixed) or share x C (sized). */
typedef struct form {
    size_t n;
    const double *ren;
    double *lconst;
    size_t *lcol;
    size_t c0, d0, s0, g0, colC;
    double C;
    int cyclic;
    double s_init, share;
} form;

static void form_start(form *f, const gs_supply_opt_opts *o)
{
    f->cyclic = o->start == GS_SUPPLY_START_CYCLIC;
    f->s_init = o->battery.initial_mwh;
    f->share = o->initial_share;
}

/* Columns c, d, s (and their bounds when C is fixed) and the hourly rows. */
static void add_hours(lp *l, const form *f, const gs_supply_opt_opts *o)
{
    const gs_battery *b = &o->battery;
    size_t n = f->n;
    double ec = b->eff_charge, ed = b->eff_discharge;
    double cmax = b->charge_rate / ec, dmax = b->discharge_rate / ed; /* x C */
    double up = b->upper_v, lo = b->lower_v;                          /* x C */
    if (o->bounds == GS_SUPPLY_BOUNDS_LIMIT) {
        up += fmax(b->upper_u, 0) * cmax;
        lo += fmin(b->lower_u, 0) * dmax;
    }
    int sized = f->colC != NONE;
    for (size_t t = 0; t < n; t++) {
        size_t c = f->c0 + t, d = f->d0 + t, s = f->s0 + t;
        if (sized) {
            lp_col(l, c, 0, BIG, 0);
            lp_col(l, d, 0, BIG, 0);
            lp_col(l, s, 0, BIG, 0);
        } else {
            lp_col(l, c, 0, cmax * f->C, 0);
            lp_col(l, d, 0, dmax * f->C, 0);
            if (o->bounds == GS_SUPPLY_BOUNDS_LIMIT)
                lp_col(l, s, fmax(0, lo * f->C), fmax(0, up * f->C), 0);
            else
                lp_col(l, s, 0, BIG, 0);
        }
        if (f->g0 != NONE)
            lp_col(l, f->g0 + t, 0, BIG, 1.0);
        /* renewables to the load r = x - d - g: 0 <= r and r + c <= ren */
        double k = f->lconst[t];
        size_t r1 = lp_row(l, -k, BIG);
        size_t r2 = lp_row(l, -BIG, f->ren[t] - k);
        for (int q = 0; q < 2; q++) {
            size_t r = q ? r2 : r1;
            if (f->lcol[t] != NONE)
                lp_add(l, r, f->lcol[t], 1.0);
            lp_add(l, r, d, -1.0);
            if (f->g0 != NONE)
                lp_add(l, r, f->g0 + t, -1.0);
        }
        lp_add(l, r2, c, 1.0);
        /* s_t - s_{t-1} - ec c_t + ed d_t = 0; s_{-1}: given, a share of C, or s_{n-1} */
        double rhs = 0;
        if (t == 0 && !f->cyclic && !sized)
            rhs = f->s_init;
        size_t r3 = lp_row(l, rhs, rhs);
        int cyc_self = t == 0 && f->cyclic && n == 1;
        if (!cyc_self)
            lp_add(l, r3, s, 1.0);
        if (t > 0)
            lp_add(l, r3, s - 1, -1.0);
        else if (f->cyclic && !cyc_self)
            lp_add(l, r3, f->s0 + n - 1, -1.0);
        else if (!f->cyclic && sized)
            lp_add(l, r3, f->colC, -f->share);
        lp_add(l, r3, c, -ec);
        lp_add(l, r3, d, ed);
        if (o->bounds == GS_SUPPLY_BOUNDS_HOUR) {
            /* s_t - u c_t <= v C;  s_t - lu d_t >= lv C */
            size_t r4 = lp_row(l, -BIG, sized ? 0 : up * f->C);
            lp_add(l, r4, s, 1.0);
            lp_add(l, r4, c, -b->upper_u);
            size_t r5 = lp_row(l, sized ? 0 : lo * f->C, BIG);
            lp_add(l, r5, s, 1.0);
            lp_add(l, r5, d, -b->lower_u);
            if (sized) {
                lp_add(l, r4, f->colC, -up);
                lp_add(l, r5, f->colC, -lo);
            }
        } else if (sized) {
            size_t r4 = lp_row(l, -BIG, 0);
            lp_add(l, r4, s, 1.0);
            lp_add(l, r4, f->colC, -up);
            if (lo > 0) {
                size_t r5 = lp_row(l, 0, BIG);
                lp_add(l, r5, s, 1.0);
                lp_add(l, r5, f->colC, -lo);
            }
        }
        if (sized) {
            size_t r6 = lp_row(l, -BIG, 0);
            lp_add(l, r6, c, 1.0);
            lp_add(l, r6, f->colC, -cmax);
            size_t r7 = lp_row(l, -BIG, 0);
            lp_add(l, r7, d, 1.0);
            lp_add(l, r7, f->colC, -dmax);
        }
    }
}

static double nz(double v)
{
    return v < 0 && v > -1e-6 ? 0 : v;
}

/* Read the hourly figures back: x, c, d, s, g (netting same-hour flows), into res and series. */
static void read_back(const form *f, const gs_supply_opt_opts *o, const double *sol,
                      gs_supply_opt_series *se, gs_supply_opt_result *res)
{
    const gs_battery *b = &o->battery;
    double ec = b->eff_charge, ed = b->eff_discharge;
    int net = ed >= ec && b->upper_u <= 0 && b->lower_u >= 0;
    double C = f->colC != NONE ? sol[f->colC] : f->C;
    res->capacity_mwh = C;
    if (o->start == GS_SUPPLY_START_CYCLIC)
        res->soc_start_mwh = nz(sol[f->s0 + f->n - 1]);
    else
        res->soc_start_mwh = f->colC != NONE ? o->initial_share * C : b->initial_mwh;
    for (size_t t = 0; t < f->n; t++) {
        double x = nz(f->lconst[t] + (f->lcol[t] != NONE ? sol[f->lcol[t]] : 0));
        double c = nz(sol[f->c0 + t]), d = nz(sol[f->d0 + t]), s = nz(sol[f->s0 + t]);
        double g = f->g0 != NONE ? nz(sol[f->g0 + t]) : 0;
        if (net && c > 0 && d > 0) {
            if (ec * c >= ed * d) {
                c -= ed * d / ec;
                d = 0;
            } else {
                d -= ec * c / ed;
                c = 0;
            }
        }
        double r = nz(x - d - g);
        double spill = nz(f->ren[t] - r - c);
        res->load_mwh += x;
        res->grid_mwh += g;
        res->direct_mwh += r;
        res->charged_mwh += c;
        res->discharged_mwh += d;
        res->spilled_mwh += spill;
        res->ren_mwh += f->ren[t];
        if (se) {
            if (se->load_mw)
                se->load_mw[t] = x;
            if (se->charge_mw)
                se->charge_mw[t] = c;
            if (se->discharge_mw)
                se->discharge_mw[t] = d;
            if (se->soc_mwh)
                se->soc_mwh[t] = s;
            if (se->grid_mw)
                se->grid_mw[t] = g;
            if (se->spill_mw)
                se->spill_mw[t] = spill;
        }
        if (t + 1 == f->n)
            res->soc_end_mwh = s;
    }
    res->coverage_pct =
        res->load_mwh > 0 ? 100.0 * (res->load_mwh - res->grid_mwh) / res->load_mwh : 100.0;
}

/* The end of the day that starts at hour t0: blocks of 24 hours, or runs of equal labels. */
static size_t day_end(size_t t0, size_t n, const size_t *day)
{
    size_t t1 = t0 + 1;
    if (day)
        while (t1 < n && day[t1] == day[t0])
            t1++;
    else
        t1 = t0 + 24 < n ? t0 + 24 : n;
    return t1;
}

/* Day rows: for each day sum x_t = sum load_t; and m_t + x_t >= load_t (m0: NONE for none). */
static void add_days(lp *l, const form *f, const double *load, const size_t *day, size_t m0)
{
    size_t n = f->n;
    for (size_t t0 = 0, t1; t0 < n; t0 = t1) {
        t1 = day_end(t0, n, day);
        double e = 0;
        for (size_t t = t0; t < t1; t++)
            e += load[t];
        size_t r = lp_row(l, e, e);
        for (size_t t = t0; t < t1; t++)
            lp_add(l, r, f->lcol[t], 1.0);
    }
    for (size_t t = 0; m0 != NONE && t < n; t++) {
        lp_col(l, m0 + t, 0, BIG, 0);
        size_t r = lp_row(l, load[t], BIG);
        lp_add(l, r, m0 + t, 1.0);
        lp_add(l, r, f->lcol[t], 1.0);
    }
}

static int alloc_form(form *f, size_t n)
{
    f->lconst = malloc(n * sizeof *f->lconst);
    f->lcol = malloc(n * sizeof *f->lcol);
    return f->lconst && f->lcol ? 0 : -1;
}

static void free_form(form *f)
{
    free(f->lconst);
    free(f->lcol);
}

static void res_init(gs_supply_opt_result *res, size_t n)
{
    memset(res, 0, sizeof *res);
    res->hours = n;
    res->status = GS_SUPPLY_OPTIMAL;
}

/* The within-day load: x_t columns from 0 when flexible, else constants. Returns columns used. */
static size_t load_columns(lp *l, form *f, const double *load, const gs_supply_opt_opts *o,
                           int build)
{
    double flex = o->flexible_pct / 100.0;
    size_t used = 0;
    for (size_t t = 0; t < f->n; t++) {
        if (flex > 0) {
            f->lconst[t] = 0;
            f->lcol[t] = used++;
            if (build) {
                double hi = fmax(o->max_capacity_mw, load[t]);
                lp_col(l, f->lcol[t], (1 - flex) * load[t], hi >= BIG ? BIG : hi, 0);
            }
        } else {
            f->lconst[t] = load[t];
            f->lcol[t] = NONE;
        }
    }
    return used;
}

/* The column layout of a within-day LP of f->n hours: x (when flexible), c, d, s, then g (or C
 * when sized), then m (when flexible). Returns the column count. */
static size_t within_day_layout(form *f, const double *load, const gs_supply_opt_opts *o,
                                int sized, size_t *m0)
{
    size_t n = f->n, nx = load_columns(NULL, f, load, o, 0);
    f->c0 = nx;
    f->d0 = f->c0 + n;
    f->s0 = f->d0 + n;
    size_t ncol = f->s0 + n;
    if (sized) {
        f->g0 = NONE;
        f->colC = ncol++;
    } else {
        f->g0 = ncol;
        f->colC = NONE;
        ncol += n;
    }
    *m0 = nx ? ncol : NONE;
    return nx ? ncol + n : ncol;
}

/* The second stage, day by day: among the dispatches of the day [t0, t1) that start it with
 * the battery's charge of the first stage (sol), end it within 1e-8 C of it and take no more
 * grid energy than it, the
 * one with the least battery throughput and load moved (sum c + d + m). The days are
 * independent once their ends are fixed: 365 small LPs instead of one large degenerate one.
 * sol is updated in place where a day's LP ends optimal. */
static int tidy_days(const form *f, size_t m0, const double *load, const gs_supply_opt_opts *o,
                     double *sol, int *iterations, gs_error *err)
{
    size_t n = f->n;
    double C = f->colC != NONE ? sol[f->colC] : f->C;
    form d = {.C = C, .colC = NONE};
    int rc = 0;
    double *sub = NULL;
    if (alloc_form(&d, n) < 0) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto out;
    }
    for (size_t t0 = 0, t1; t0 < n; t0 = t1) {
        t1 = day_end(t0, n, o->day);
        d.n = t1 - t0;
        d.ren = f->ren + t0;
        d.cyclic = 0;
        if (t0 > 0)
            d.s_init = sol[f->s0 + t0 - 1];
        else if (f->cyclic)
            d.s_init = sol[f->s0 + n - 1];
        else
            d.s_init = f->colC != NONE ? f->share * C : f->s_init;
        size_t dm0;
        size_t ncol = within_day_layout(&d, load + t0, o, f->colC != NONE, &dm0);
        d.colC = NONE; /* the day's battery is the first stage's, fixed */
        if (f->colC != NONE)
            d.g0 = NONE;
        lp l;
        if (lp_init(&l, ncol, 9 * d.n, 24 * d.n) < 0) {
            lp_free(&l);
            rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto out;
        }
        load_columns(&l, &d, load + t0, o, 1);
        add_hours(&l, &d, o);
        if (dm0 != NONE)
            add_days(&l, &d, load + t0, o->day ? o->day + t0 : NULL, dm0); /* one day */
        /* the day's end within 1e-8 C of the first stage's: an exact end can be out of reach
         * where the first stage's is within Clp's tolerance of a bound (the C/L/C lower bound
         * s >= 0.01 d only tends to 0); the next day starts from the first stage's */
        size_t last = d.s0 + d.n - 1;
        double v = sol[f->s0 + t1 - 1], band = 1e-8 * fmax(1.0, C);
        l.clb[last] = fmax(l.clb[last], v - band);
        l.cub[last] = fmin(l.cub[last], v + band);
        if (l.clb[last] > l.cub[last])
            l.clb[last] = l.cub[last];
        if (d.g0 != NONE) {
            double g = 0;
            for (size_t t = t0; t < t1; t++)
                g += sol[f->g0 + t];
            size_t r = lp_row(&l, -BIG, g + 1e-9 * fmax(1.0, g));
            for (size_t k = 0; k < d.n; k++)
                lp_add(&l, r, d.g0 + k, 1.0);
        }
        for (size_t k = 0; k < d.n; k++) {
            l.obj[d.c0 + k] = l.obj[d.d0 + k] = 1;
            if (d.g0 != NONE)
                l.obj[d.g0 + k] = 0;
            if (dm0 != NONE)
                l.obj[dm0 + k] = 1;
        }
        free(sub);
        sub = malloc(ncol * sizeof *sub);
        double obj = 0;
        int it = 0, infeasible = 0;
        rc = sub ? lp_solve(&l, NULL, sub, &obj, &it, &infeasible, err)
                 : gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        lp_free(&l);
        if (rc == GS_ENOMEM)
            goto out;
        *iterations += it;
        if (rc < 0 || infeasible) { /* numerical trouble: the first stage's day stands */
            rc = 0;
            continue;
        }
        for (size_t k = 0; k < d.n; k++) {
            size_t t = t0 + k;
            if (f->lcol[t] != NONE)
                sol[f->lcol[t]] = sub[d.lcol[k]];
            sol[f->c0 + t] = sub[d.c0 + k];
            sol[f->d0 + t] = sub[d.d0 + k];
            sol[f->s0 + t] = sub[d.s0 + k];
            if (f->g0 != NONE)
                sol[f->g0 + t] = sub[d.g0 + k];
            if (m0 != NONE)
                sol[m0 + t] = sub[dm0 + k];
        }
    }
out:
    free(sub);
    free_form(&d);
    return rc;
}

/* Dispatch (sized 0) or sizing (sized 1). */
static int solve_within_day(const double *ren, const double *load, size_t n,
                            const gs_supply_opt_opts *o, int sized, gs_supply_opt_series *se,
                            gs_supply_opt_result *res, gs_error *err)
{
    res_init(res, n);
    if (n == 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "hours", "expected at least one hour");
    int rc;
    if ((rc = check_series(ren, n, "ren_mw", err)) < 0 ||
        (rc = check_series(load, n, "load_mw", err)) < 0 ||
        (rc = gs_supply_opt_check(o, n, err)) < 0)
        return rc;
    form f = {.n = n, .ren = ren, .C = o->battery.capacity_mwh};
    form_start(&f, o);
    lp l;
    memset(&l, 0, sizeof l);
    double *sol = NULL;
    if (alloc_form(&f, n) < 0) {
        free_form(&f);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    size_t m0;
    size_t ncol = within_day_layout(&f, load, o, sized, &m0);
    if (lp_init(&l, ncol, 9 * n, 22 * n) < 0) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto out;
    }
    load_columns(&l, &f, load, o, 1);
    if (sized)
        lp_col(&l, f.colC, 0, BIG, 1.0);
    add_hours(&l, &f, o);
    if (m0 != NONE)
        add_days(&l, &f, load, o->day, m0);
    sol = malloc(ncol * sizeof *sol);
    if (!sol) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto out;
    }
    int infeasible = 0;
    res->rows = l.nrow;
    res->cols = l.ncol;
    rc = lp_solve(&l, NULL, sol, &res->objective, &res->iterations, &infeasible, err);
    lp_free(&l);
    if (rc < 0)
        goto out;
    if (infeasible) {
        res->status = GS_SUPPLY_INFEASIBLE;
        res->capacity_mwh = INFINITY;
        res->objective = INFINITY;
        res->coverage_pct = NAN;
        goto out;
    }
    if (o->tidy && (rc = tidy_days(&f, m0, load, o, sol, &res->iterations, err)) < 0)
        goto out;
    read_back(&f, o, sol, se, res);
    for (size_t t = 0; t < n; t++) {
        double x = f.lconst[t] + (f.lcol[t] != NONE ? sol[f.lcol[t]] : 0);
        if (load[t] > x)
            res->shifted_mwh += load[t] - x;
    }
out:
    free(sol);
    lp_free(&l);
    free_form(&f);
    return rc;
}

int gs_supply_opt_battery_247(const double *ren_mw, const double *load_mw, size_t n,
                              const gs_supply_opt_opts *o, gs_supply_opt_series *series,
                              gs_supply_opt_result *res, gs_error *err)
{
    return solve_within_day(ren_mw, load_mw, n, o, 1, series, res, err);
}

int gs_supply_opt_dispatch(const double *ren_mw, const double *load_mw, size_t n,
                           const gs_supply_opt_opts *o, gs_supply_opt_series *series,
                           gs_supply_opt_result *res, gs_error *err)
{
    return solve_within_day(ren_mw, load_mw, n, o, 0, series, res, err);
}

/* ---- training-aware shifting -------------------------------------------------------------- */

int gs_supply_opt_train(const double *ren_mw, const double *training_mw, const double *other_mw,
                        size_t n, const gs_supply_opt_opts *o, const gs_supply_train_opts *tr,
                        gs_supply_opt_series *se, gs_supply_opt_result *res, gs_error *err)
{
    res_init(res, n);
    if (n == 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "hours", "expected at least one hour");
    int rc;
    if ((rc = check_series(ren_mw, n, "ren_mw", err)) < 0 ||
        (rc = check_series(training_mw, n, "training_mw", err)) < 0 ||
        (rc = check_series(other_mw, n, "other_mw", err)) < 0 ||
        (rc = gs_supply_opt_check(o, n, err)) < 0 || (rc = check_train(tr, err)) < 0)
        return rc;

    form f = {.n = n, .ren = ren_mw, .C = o->battery.capacity_mwh, .colC = NONE};
    form_start(&f, o);
    lp l;
    memset(&l, 0, sizeof l);
    double *sol = NULL, *obj2 = NULL;
    size_t *blk = malloc(n * sizeof *blk), *bstart = malloc((n + 1) * sizeof *bstart);
    if (alloc_form(&f, n) < 0 || !blk || !bstart) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto out;
    }
    /* checkpoint intervals: a block starts at each hour ceil(k checkpoint_h) */
    size_t nb = 0;
    double kk = 0;
    for (size_t t = 0; t < n; t++) {
        while (ceil(kk * tr->checkpoint_h - 1e-9) < (double)t)
            kk += 1;
        if (t == 0 || ceil(kk * tr->checkpoint_h - 1e-9) == (double)t)
            bstart[nb++] = t;
        blk[t] = nb - 1;
    }
    bstart[nb] = n;
    /* columns: y_b, r_b, then c, d, s, g, then m_b >= -y_b (MW paused, second stage) */
    size_t y0 = 0, r0 = nb;
    f.c0 = 2 * nb;
    f.d0 = f.c0 + n;
    f.s0 = f.d0 + n;
    f.g0 = f.s0 + n;
    size_t m0 = f.g0 + n;
    size_t ncol = m0 + nb;
    size_t W = window_hours(tr->tier_window_h, n), wh = window_hours(tr->window_h, n);
    size_t per_row = 2 * (W / (size_t)fmax(1, floor(tr->checkpoint_h)) + 2);
    if (lp_init(&l, ncol, 8 * n + 3 * nb, 16 * n + (n - W + 1) * per_row + 4 * nb) < 0) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto out;
    }
    for (size_t b = 0; b < nb; b++) {
        lp_col(&l, y0 + b, -BIG, BIG, 0);
        lp_col(&l, r0 + b, 0, BIG, 0);
    }
    for (size_t t = 0; t < n; t++) {
        double T = training_mw[t];
        double cap = fmax(fmin(tr->training_max_mw, o->max_capacity_mw - other_mw[t]), T);
        size_t y = y0 + blk[t];
        if (t == bstart[blk[t]]) {
            l.clb[y] = -T;
            l.cub[y] = cap - T;
        } else {
            l.clb[y] = fmax(l.clb[y], -T);
            l.cub[y] = fmin(l.cub[y], cap - T);
        }
        f.lconst[t] = T + other_mw[t];
        f.lcol[t] = y;
    }
    for (size_t b = 0; b < nb; b++)
        if (l.cub[y0 + b] >= BIG)
            l.cub[y0 + b] = BIG;
    add_hours(&l, &f, o);
    /* resumptions: r_b - y_b + y_{b-1} >= 0 */
    for (size_t b = 0; b < nb; b++) {
        size_t r = lp_row(&l, 0, BIG);
        lp_add(&l, r, r0 + b, 1.0);
        lp_add(&l, r, y0 + b, -1.0);
        if (b > 0)
            lp_add(&l, r, y0 + b - 1, 1.0);
    }
    /* The work of hours [a, e) less the lost work of the resumptions in it: sum over the blocks
     * it overlaps of (hours in common) y_b - lost r_b (b starting in [a, e)), as one row */
    for (int pass = 0; pass < 2; pass++) {
        /* pass 0: windows, = 0; pass 1: rolling tier windows, >= (tier - 1) sum T */
        size_t len = pass ? W : wh, last = pass ? n - W : (n - 1) / wh;
        double asked = 0;
        for (size_t k = 0; k <= last; k++) {
            size_t a = pass ? k : k * wh, e = a + len < n ? a + len : n;
            double lo = 0;
            if (pass) {
                if (k % 1024 == 0) { /* a running sum, recomputed now and then: no drift */
                    asked = 0;
                    for (size_t t = a; t < e; t++)
                        asked += training_mw[t];
                } else
                    asked += training_mw[e - 1] - training_mw[a - 1];
                lo = (tr->tier - 1) * asked;
            }
            size_t r = lp_row(&l, lo, pass ? BIG : 0);
            for (size_t b = blk[a]; b <= blk[e - 1]; b++) {
                size_t s0 = bstart[b] > a ? bstart[b] : a;
                size_t s1 = bstart[b + 1] < e ? bstart[b + 1] : e;
                lp_add(&l, r, y0 + b, (double)(s1 - s0));
                if (bstart[b] >= a)
                    lp_add(&l, r, r0 + b, -tr->pause_lost_h);
            }
        }
    }
    sol = malloc(ncol * sizeof *sol);
    obj2 = calloc(ncol, sizeof *obj2);
    if (!sol || !obj2) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto out;
    }
    /* second stage: the least lost work (x 100), then battery throughput and training paused
     * (MWh) among the optima */
    for (size_t b = 0; b < nb; b++) {
        lp_col(&l, m0 + b, 0, BIG, 0);
        size_t r = lp_row(&l, 0, BIG);
        lp_add(&l, r, m0 + b, 1.0);
        lp_add(&l, r, y0 + b, 1.0);
        obj2[r0 + b] = 100 * tr->pause_lost_h;
        obj2[m0 + b] = (double)(bstart[b + 1] - bstart[b]);
    }
    for (size_t t = 0; t < n; t++)
        obj2[f.c0 + t] = obj2[f.d0 + t] = 1;
    int infeasible = 0;
    res->rows = l.nrow;
    res->cols = l.ncol;
    rc = lp_solve(&l, o->tidy ? obj2 : NULL, sol, &res->objective, &res->iterations,
                  &infeasible, err);
    if (rc < 0)
        goto out;
    if (infeasible) { /* cannot happen (y = 0 is feasible) unless numerics fail */
        rc = gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL,
                          "the LP solver found the training plan itself infeasible");
        goto out;
    }
    read_back(&f, o, sol, se, res);
    for (size_t b = 0; b < nb; b++)
        res->resumed_mw += nz(sol[r0 + b]);
    res->lost_work_mwh = tr->pause_lost_h * res->resumed_mw;
    for (size_t t = 0; t < n; t++) {
        double y = sol[y0 + blk[t]];
        if (y < 0)
            res->shifted_mwh += -y;
        if (se && se->training_mw)
            se->training_mw[t] = nz(training_mw[t] + y);
    }
out:
    free(sol);
    free(obj2);
    free(blk);
    free(bstart);
    lp_free(&l);
    free_form(&f);
    return rc;
}
