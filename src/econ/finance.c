/* finance.c: the cash-flow arithmetic of include/gridsplit/econ.h: NPV, IRR (grid scan and
 * bisection, with an honest status instead of a made-up rate), payback, the energy price of a
 * year (price years cycled from a start, or one held, and escalated), the share of a class's
 * draw charged capacity (peak draw, or its draw in the coincident peaks) and percentiles. Pure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/econ.h"

double gs_econ_npv(const double *cf, size_t n, double r)
{
    if (n == 0 || !(r > -1.0))
        return NAN;
    double v = 0, d = 1;
    for (size_t t = 0; t < n; t++) {
        v += cf[t] / d;
        d *= 1.0 + r;
    }
    return v;
}

static double bisect(const double *cf, size_t n, double a, double b, double fa)
{
    for (int i = 0; i < 200 && b - a > 1e-12; i++) {
        double m = 0.5 * (a + b), fm = gs_econ_npv(cf, n, m);
        if (fm == 0)
            return m;
        if ((fm < 0) == (fa < 0)) {
            a = m;
            fa = fm;
        } else {
            b = m;
        }
    }
    return 0.5 * (a + b);
}

gs_irr gs_econ_irr(const double *cf, size_t n)
{
    gs_irr r = {.status = GS_IRR_NO_SIGN_CHANGE, .irr = NAN, .roots = {NAN, NAN}};
    int last = 0;
    for (size_t t = 0; t < n; t++) {
        int s = cf[t] > 0 ? 1 : cf[t] < 0 ? -1 : 0;
        if (s && last && s != last)
            r.sign_changes++;
        if (s)
            last = s;
    }
    if (r.sign_changes == 0)
        return r;
    /* The grid: 0.1 % steps up to 100 %, then 1 % steps up to GS_IRR_MAX. */
    int nroots = 0;
    double a = GS_IRR_MIN, fa = gs_econ_npv(cf, n, a);
    while (a < GS_IRR_MAX - 1e-12) {
        double step = a < 1.0 ? 0.001 : 0.01;
        double b = a + step, fb = gs_econ_npv(cf, n, b);
        double root = NAN;
        if (fa == 0)
            root = a;
        else if (fb != 0 && (fa < 0) != (fb < 0))
            root = bisect(cf, n, a, b, fa);
        if (!isnan(root)) {
            if (nroots < 2)
                r.roots[nroots] = root;
            nroots++;
        }
        a = b;
        fa = fb;
    }
    if (fa == 0 && nroots < 2)
        r.roots[nroots++] = a;
    if (nroots == 0) {
        r.status = GS_IRR_NO_ROOT;
    } else if (nroots == 1) {
        r.status = GS_IRR_OK;
        r.irr = r.roots[0];
    } else {
        r.status = GS_IRR_MULTIPLE;
    }
    return r;
}

int gs_econ_payback(const double *cf, size_t n, double *years)
{
    *years = NAN;
    if (n == 0)
        return 0;
    double cum = 0;
    int last_neg = -1; /* the last year the cumulative flow was negative */
    for (size_t t = 0; t < n; t++) {
        cum += cf[t];
        if (cum < 0)
            last_neg = (int)t;
    }
    if (last_neg < 0) {
        *years = 0;
        return 1;
    }
    if ((size_t)last_neg == n - 1)
        return 0;
    double before = 0;
    for (int t = 0; t <= last_neg; t++)
        before += cf[t];
    double next = cf[last_neg + 1];
    *years = last_neg + (next > 0 ? -before / next : 1.0);
    return 1;
}

size_t gs_econ_price_index(const gs_econ_site *s, int y)
{
    if (s->nprice_years == 0)
        return 0;
    if (s->price_hold || y < 1)
        return s->price_start % s->nprice_years;
    return ((size_t)(y - 1) + s->price_start) % s->nprice_years;
}

double gs_econ_price(const gs_econ_site *s, const gs_econ_terms *t, int y)
{
    if (s->nprice_years == 0 || y < 1)
        return NAN;
    double base = s->price_usd_per_mwh[gs_econ_price_index(s, y)];
    return base * pow(1.0 + t->energy_escalation, y - 1);
}

double gs_econ_off_hours(const gs_econ_site *s, const gs_econ_terms *t, int y)
{
    double pause = s->cp_basis && y >= 1 ? s->cp_pause_hours[gs_econ_price_index(s, y)] : 0;
    double off = t->curtailed_hours_per_year + pause;
    return off < 8760.0 ? off : 8760.0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double gs_econ_percentile(const double *v, size_t n, double p)
{
    if (n == 0 || !(p >= 0 && p <= 1))
        return NAN;
    double small[64];
    double *w = n <= 64 ? small : malloc(n * sizeof *w);
    if (!w)
        return NAN;
    memcpy(w, v, n * sizeof *w);
    qsort(w, n, sizeof *w, cmp_double);
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    double r = w[lo] + (h - (double)lo) * (w[hi] - w[lo]);
    if (w != small)
        free(w);
    return r;
}
