/* compat.c: the compatibility mode of `gridsplit supply` (include/gridsplit/supply.h): Meta's
 * CarbonExplorer (github facebookresearch/CarbonExplorer, src/battery.py, src/cas.py,
 * src/utils.py and the order of Carbon_Explorer.ipynb) re-implemented so that the same inputs
 * give the same figures: the C/L/C battery (Battery2) simulated each minute, the 24/7 battery by
 * its bisection, apply_battery, cas and calculate_coverage, and one entry point that runs the
 * notebook's whole analysis for a site-year.
 *
 * Every expression keeps CarbonExplorer's operands and order of evaluation, so that the doubles
 * are the same (the build is ISO C: GCC contracts no multiply-add; no -ffast-math). Speed comes
 * from structure, not from other arithmetic: within an hour the offered power is constant, so
 * while a battery step is known to be linear (the state-dependent limit provably not binding,
 * with a margin of 1e-9 relative) the loop is one addition per minute, and once a step leaves
 * the charge unchanged every later step of that hour would too.
 *
 * CarbonExplorer's quirks kept here (docs/supply.md lists them for users):
 * 1. apply_battery rewrites the renewables it is given: an hour with a surplus loses all of it
 *    (60 subtractions of surplus / 60) even when the battery is full and took nothing, so that
 *    shifting after the battery finds (almost) no surplus left and moves (almost) nothing:
 *    "battery then shifting" covers about what the battery alone covers, less than shifting
 *    alone in all three reference cases.
 * 2. The 24/7 bisection returns the last size it tested (med), not the smallest size known to
 *    work (u): it can be up to 0.1 MWh below a working size, and itself fail. NaN when no size
 *    up to the bound worked (the bound is a parameter; 0 when no battery is needed).
 * 3. sim_battery_247 restarts a full battery at every bisection step, and an hour passes when
 *    the MWh delivered fall short by at most 0.0001 MWh.
 * 4. cas cuts days every 24 values from the first, not on calendar days; a last block shorter
 *    than 23 hours ends the loop and is dropped from its output, so the coverage "with
 *    shifting" and "with both" is over the whole days only (8,736 of ERCOT's 8,737 hours, 8,760
 *    of GB's and FR's 8,761: the inputs end at 00:00 of 31 December). A last block of exactly 23
 *    hours makes CarbonExplorer fail (IndexError): an error here.
 * 5. cas orders a day by (renewables, load) with the load as it was before shifting; ties keep
 *    input order (pandas' multi-key sort is stable). A pending amount of work carries over when
 *    the end moves; when the space equals the work exactly the next work is recomputed from the
 *    already reduced load at start.
 * 6. Charging applies when renewables exceed the load in sim_battery_247 and when the load does
 *    not exceed them in apply_battery (an exact balance is a no-op either way).
 * 7. The coverage with the battery is 100 * (sum of load - non-renewable MWh) / sum of load over
 *    all hours; the others use calculate_coverage. Sums of the load are numpy's pairwise sums,
 *    as pandas forms them.
 *
 * Pure: no I/O, no clock, no globals. */
#include "gridsplit/supply.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the C/L/C battery (CarbonExplorer's Battery2) ---- */

/* A battery's constants, formed once as Battery2 forms them at every call. */
typedef struct clc {
    double dt;    /* T_u = 1 / points_per_hour */
    double pc;    /* (capacity / eff_c) * c_lim */
    double vc;    /* upper_lim_v * capacity */
    double den_c; /* (eff_c * T_u) - upper_lim_u */
    double ec;
    double pd;    /* (capacity / eff_d) * d_lim */
    double lc;    /* lower_lim_v * capacity */
    double den_d; /* lower_lim_u + (eff_d * T_u) */
    double ed;
    int steps;
} clc;

static void clc_init(clc *k, const gs_battery *b, double capacity_mwh)
{
    k->steps = b->steps_per_hour;
    k->dt = 1.0 / b->steps_per_hour;
    k->pc = (capacity_mwh / b->eff_charge) * b->charge_rate;
    k->vc = b->upper_v * capacity_mwh;
    k->den_c = (b->eff_charge * k->dt) - b->upper_u;
    k->ec = b->eff_charge;
    k->pd = (capacity_mwh / b->eff_discharge) * b->discharge_rate;
    k->lc = b->lower_v * capacity_mwh;
    k->den_d = b->lower_u + (b->eff_discharge * k->dt);
    k->ed = b->eff_discharge;
}

/* Battery2.charge(input, T_u): Python's min(a, b) is b only when b < a. */
static double charge_step(const clc *k, double b, double x)
{
    double mc = (k->vc - b) / k->den_c;
    double maxc = mc < k->pc ? mc : k->pc;
    double m = x < maxc ? x : maxc;
    return b + (m * k->ec * k->dt);
}

/* Battery2.discharge(output, T_u): the new charge in *b, the MWh delivered returned. */
static double discharge_step(const clc *k, double *b, double x)
{
    double md = (*b - k->lc) / k->den_d;
    double maxd = md < k->pd ? md : k->pd;
    double m = x < maxd ? x : maxd;
    *b = *b - (m * k->ed * k->dt);
    return maxd < x ? maxd * k->dt : x * k->dt;
}

/* steps charge steps offering x MW. While (vc - b) / den_c >= p = min(x, pc) the step adds
 * p * ec * dt exactly as Battery2 would (its min picks p); the test is made on b against a
 * threshold with a margin, the division done only near the limit. */
static double charge_hour(const clc *k, double b, double x)
{
    double p = x < k->pc ? x : k->pc;
    double inc = p * k->ec * k->dt;
    double pdc = p * k->den_c;
    double thr = k->vc - pdc - 1e-9 * (fabs(k->vc) + fabs(pdc)) - DBL_MIN;
    int j = 0;
    for (; j < k->steps && b <= thr; j++)
        b = b + inc;
    for (; j < k->steps; j++) {
        double nb = charge_step(k, b, x);
        if (nb == b)
            break; /* a fixed point: the remaining steps repeat it */
        b = nb;
    }
    return b;
}

/* steps discharge steps asking x MW; the MWh delivered summed as CarbonExplorer sums them. */
static double discharge_hour(const clc *k, double *bp, double x)
{
    double b = *bp, got = 0;
    double p = x < k->pd ? x : k->pd;
    double dec = p * k->ed * k->dt;
    double r = p * k->dt;
    double pdd = p * k->den_d;
    double thr = k->lc + pdd + 1e-9 * (fabs(k->lc) + fabs(pdd)) + DBL_MIN;
    int j = 0;
    for (; j < k->steps && b >= thr; j++) {
        b = b - dec;
        got += r;
    }
    for (; j < k->steps; j++) {
        double nb = b;
        double d = discharge_step(k, &nb, x);
        got += d;
        if (nb == b) { /* a fixed point: each remaining step delivers d again */
            for (j++; j < k->steps; j++)
                got += d;
            break;
        }
        b = nb;
    }
    *bp = b;
    return got;
}

void gs_supply_compat_charge_step(const gs_battery *b, double *soc_mwh, double input_mw)
{
    clc k;
    clc_init(&k, b, b->capacity_mwh);
    *soc_mwh = charge_step(&k, *soc_mwh, input_mw);
}

double gs_supply_compat_discharge_step(const gs_battery *b, double *soc_mwh, double output_mw)
{
    clc k;
    clc_init(&k, b, b->capacity_mwh);
    return discharge_step(&k, soc_mwh, output_mw);
}

double gs_supply_compat_hour(const gs_battery *b, double *soc_mwh, double net_mw)
{
    clc k;
    clc_init(&k, b, b->capacity_mwh);
    if (net_mw > 0) {
        *soc_mwh = charge_hour(&k, *soc_mwh, net_mw);
        return 0;
    }
    return discharge_hour(&k, soc_mwh, -net_mw);
}

/* ---- sim_battery_247 and its bisection ---- */

static int covers(const double *ren, const double *load, size_t n, const clc *k, double b)
{
    for (size_t i = 0; i < n; i++) {
        double net = ren[i] - load[i];
        if (net > 0) {
            b = charge_hour(k, b, net);
        } else {
            double got = discharge_hour(k, &b, -net);
            if (net < 0 && got < -net - 0.0001)
                return 0;
        }
    }
    return 1;
}

int gs_supply_compat_covers(const double *ren_mw, const double *load_mw, size_t n,
                            const gs_battery *b)
{
    clc k;
    clc_init(&k, b, b->capacity_mwh);
    return covers(ren_mw, load_mw, n, &k, b->initial_mwh);
}

int gs_supply_compat_battery_247(const double *ren_mw, const double *load_mw, size_t n,
                                 const gs_battery *model, double max_mwh, double *capacity_mwh,
                                 int *steps, gs_error *err)
{
    if (n == 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "hours", "expected at least one hour");
    gs_battery m = *model;
    m.capacity_mwh = 0;
    m.initial_mwh = 0;
    int rc = gs_battery_check(&m, err);
    if (rc)
        return rc;
    if (!isfinite(max_mwh) || !(max_mwh > 0.1))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "max_battery_mwh",
                            "expected an upper bound above 0.1 MWh (the bisection's "
                            "resolution), found %g",
                            max_mwh);
    int runs = 1;
    clc k;
    clc_init(&k, &m, 0);
    if (covers(ren_mw, load_mw, n, &k, 0)) {
        *capacity_mwh = 0;
    } else {
        double l = 0, u = max_mwh, med = 0;
        while (u - l > 0.1) {
            med = (u + l) / 2;
            clc_init(&k, &m, med);
            runs++;
            if (covers(ren_mw, load_mw, n, &k, med))
                u = med;
            else
                l = med;
        }
        *capacity_mwh = u == max_mwh ? NAN : med;
    }
    if (steps)
        *steps = runs;
    return 0;
}

/* ---- apply_battery ---- */

int gs_supply_compat_apply_battery(const gs_battery *b, double *ren_mw, const double *load_mw,
                                   size_t n, double *soc_mwh, double *non_ren_mwh, gs_error *err)
{
    if (n == 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "hours", "expected at least one hour");
    int rc = gs_battery_check(b, err);
    if (rc)
        return rc;
    clc k;
    clc_init(&k, b, b->capacity_mwh);
    double soc = b->initial_mwh, non_ren = 0;
    for (size_t i = 0; i < n; i++) {
        double gap = load_mw[i] - ren_mw[i];
        if (gap > 0) {
            double got = discharge_hour(&k, &soc, gap);
            non_ren = non_ren + gap - got;
            ren_mw[i] = ren_mw[i] + got;
        } else {
            soc = charge_hour(&k, soc, -gap);
            double g = gap * k.dt, r = ren_mw[i];
            for (int j = 0; j < k.steps; j++)
                r = r + g;
            ren_mw[i] = r;
        }
        if (soc_mwh)
            soc_mwh[i] = soc;
    }
    *non_ren_mwh = non_ren;
    return 0;
}

/* ---- cas ---- */

/* One day of cas: 24 hours at ren[0..24), load[0..24) rewritten. */
static void cas_day(const double *ren, double *load, double flexible_pct, double max_capacity)
{
    int idx[24];
    for (int i = 0; i < 24; i++)
        idx[i] = i;
    /* stable insertion sort by (ren, load) ascending, as pandas' multi-key sort */
    for (int i = 1; i < 24; i++) {
        int v = idx[i], j = i;
        while (j > 0 && (ren[v] < ren[idx[j - 1]] ||
                         (ren[v] == ren[idx[j - 1]] && load[v] < load[idx[j - 1]]))) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
    double sr[24], sl[24];
    for (int i = 0; i < 24; i++) {
        sr[i] = ren[idx[i]];
        sl[i] = load[idx[i]];
    }
    int start = 0, end = 23;
    double work = 0;
    while (start < end) {
        double surplus = sr[end] - sl[end];
        double gap = sl[start] - sr[start];
        double room = max_capacity - sl[end];
        double space = room < surplus ? room : surplus;
        if (surplus <= 0) {
            end = end - 1;
            continue;
        }
        if (gap <= 0) {
            start = start + 1;
            continue;
        }
        if (work <= 0 && gap > 0) {
            double flex = flexible_pct / 100 * sl[start];
            work = flex < gap ? flex : gap;
        }
        if (space > work) {
            sl[end] = sl[end] + work;
            sl[start] = sl[start] - work;
            start = start + 1;
            work = 0;
        } else {
            sl[end] = sl[end] + space;
            sl[start] = sl[start] - space;
            work = work - space;
            end = end - 1;
        }
    }
    for (int i = 0; i < 24; i++)
        load[idx[i]] = sl[i];
}

static int check_cas(size_t n, double flexible_pct, double max_capacity_mw, gs_error *err)
{
    if (n == 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "hours", "expected at least one hour");
    if (!(flexible_pct >= 0 && flexible_pct <= 100))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "flexible_pct",
                            "expected a flexible share of 0 to 100 %%, found %g", flexible_pct);
    if (!isfinite(max_capacity_mw) || max_capacity_mw < 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "max_capacity_mw",
                            "expected a capacity >= 0 MW, found %g", max_capacity_mw);
    if (n < 24)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "hours",
                            "expected at least one whole day (24 hours) for CarbonExplorer's "
                            "cas, found %zu hours (it fails on no whole day)",
                            n);
    if (n % 24 == 23)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "hours",
                            "%zu hours end with a block of exactly 23, where CarbonExplorer's "
                            "cas fails (IndexError); give whole days, or a last day of at most "
                            "22 hours (dropped, as CarbonExplorer drops it)",
                            n);
    return 0;
}

int gs_supply_compat_cas(const double *ren_mw, double *load_mw, size_t n, double flexible_pct,
                         double max_capacity_mw, size_t *hours_shifted, gs_error *err)
{
    int rc = check_cas(n, flexible_pct, max_capacity_mw, err);
    if (rc)
        return rc;
    size_t days = n / 24;
    for (size_t d = 0; d < days; d++)
        cas_day(ren_mw + 24 * d, load_mw + 24 * d, flexible_pct, max_capacity_mw);
    *hours_shifted = 24 * days;
    return 0;
}

/* ---- calculate_coverage ---- */

/* numpy's pairwise sum (add.reduce of a contiguous float64 array), as pandas' sum forms it. */
static double pairwise_sum(const double *a, size_t n)
{
    if (n < 8) {
        double res = 0.;
        for (size_t i = 0; i < n; i++)
            res += a[i];
        return res;
    }
    if (n <= 128) {
        double r[8];
        for (int j = 0; j < 8; j++)
            r[j] = a[j];
        size_t i;
        for (i = 8; i < n - (n % 8); i += 8)
            for (int j = 0; j < 8; j++)
                r[j] += a[i + (size_t)j];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)
            res += a[i];
        return res;
    }
    size_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

static double load_sum(const double *load, size_t n)
{
    return 0. + pairwise_sum(load, n);
}

double gs_supply_compat_coverage_pct(const double *ren_mw, const double *load_mw, size_t n,
                                     double *non_ren_mwh)
{
    double non_ren = 0;
    for (size_t i = 0; i < n; i++)
        if (load_mw[i] > ren_mw[i])
            non_ren = non_ren + load_mw[i] - ren_mw[i];
    if (non_ren_mwh)
        *non_ren_mwh = non_ren;
    double sum = load_sum(load_mw, n);
    return sum > 0 ? (sum - non_ren) / sum * 100 : NAN;
}

/* ---- the notebook's analysis ---- */

void gs_supply_compat_defaults(gs_supply_compat_opts *o)
{
    gs_battery_nmc(&o->battery, 200);
    o->flexible_pct = 40;
    o->extra_capacity_pct = 50;
    o->max_battery_mwh = 10000;
}

size_t gs_supply_compat_work_len(size_t n)
{
    return 3 * n;
}

static int check_series(const double *v, size_t n, const char *name, gs_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]) || v[i] < 0)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, name,
                                "expected MW >= 0 and finite in every hour, found %g in hour "
                                "%zu (0-based)",
                                v[i], i);
    return 0;
}

int gs_supply_compat_analyse(const double *ren_mw, const double *load_mw, size_t n,
                             const gs_supply_compat_opts *opts, double *work,
                             gs_supply_compat_series *series, gs_supply_compat_result *res,
                             gs_error *err)
{
    if (n == 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "hours", "expected at least one hour");
    int rc = check_series(ren_mw, n, "ren_mw", err);
    if (!rc)
        rc = check_series(load_mw, n, "load_mw", err);
    if (!rc)
        rc = gs_battery_check(&opts->battery, err);
    if (rc)
        return rc;
    if (!isfinite(opts->extra_capacity_pct) || opts->extra_capacity_pct < 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "extra_capacity_pct",
                            "expected a capacity above the peak >= 0 %%, found %g",
                            opts->extra_capacity_pct);
    if (!isfinite(opts->max_battery_mwh) || !(opts->max_battery_mwh > 0.1))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "max_battery_mwh",
                            "expected an upper bound above 0.1 MWh (the bisection's "
                            "resolution), found %g",
                            opts->max_battery_mwh);
    double peak = load_mw[0];
    for (size_t i = 1; i < n; i++)
        if (load_mw[i] > peak)
            peak = load_mw[i];
    double max_cap = peak + peak * opts->extra_capacity_pct / 100;
    rc = check_cas(n, opts->flexible_pct, max_cap, err);
    if (rc)
        return rc;

    gs_supply_compat_series none = {0};
    if (!series)
        series = &none;
    double *own = NULL;
    if (!work && !(series->ren_battery_mw && series->load_cas_mw && series->load_both_mw)) {
        own = malloc(gs_supply_compat_work_len(n) * sizeof *own);
        if (!own)
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory (%zu hours)", n);
        work = own;
    }
    double *ren_b = series->ren_battery_mw ? series->ren_battery_mw : work;
    double *load_cas = series->load_cas_mw ? series->load_cas_mw : work + n;
    double *load_both = series->load_both_mw ? series->load_both_mw : work + 2 * n;

    memset(res, 0, sizeof *res);
    res->hours = n;
    res->peak_mw = peak;
    res->max_capacity_mw = max_cap;
    res->load_mwh = load_sum(load_mw, n);
    res->coverage_pct = gs_supply_compat_coverage_pct(ren_mw, load_mw, n, &res->non_ren_mwh);

    rc = gs_supply_compat_battery_247(ren_mw, load_mw, n, &opts->battery, opts->max_battery_mwh,
                                      &res->battery_247_mwh, &res->battery_247_steps, err);
    if (rc)
        goto out_free;

    /* the battery, on its own copy of the renewables (each notebook cell starts afresh) */
    memcpy(ren_b, ren_mw, n * sizeof *ren_b);
    rc = gs_supply_compat_apply_battery(&opts->battery, ren_b, load_mw, n, series->soc_mwh,
                                        &res->non_ren_battery_mwh, err);
    if (rc)
        goto out_free;
    res->coverage_battery_pct =
        res->load_mwh > 0
            ? (res->load_mwh - res->non_ren_battery_mwh) / res->load_mwh * 100
            : NAN;

    /* shifting alone, then after the battery (the notebook's section 5.4) */
    memcpy(load_cas, load_mw, n * sizeof *load_cas);
    rc = gs_supply_compat_cas(ren_mw, load_cas, n, opts->flexible_pct, max_cap,
                              &res->hours_shifted, err);
    if (rc)
        goto out_free;
    res->coverage_cas_pct = gs_supply_compat_coverage_pct(ren_mw, load_cas, res->hours_shifted,
                                                          &res->non_ren_cas_mwh);
    memcpy(load_both, load_mw, n * sizeof *load_both);
    rc = gs_supply_compat_cas(ren_b, load_both, n, opts->flexible_pct, max_cap,
                              &res->hours_shifted, err);
    if (rc)
        goto out_free;
    res->coverage_both_pct = gs_supply_compat_coverage_pct(ren_b, load_both, res->hours_shifted,
                                                           &res->non_ren_both_mwh);
out_free:
    free(own);
    return rc;
}
