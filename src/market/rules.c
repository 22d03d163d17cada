/* rules.c: the market rules the planner and `flex` apply (include/gridsplit/market.h):
 * eligibility of a load class, whether a deployment fits a product, stacking of offers so that
 * no MW is sold twice in one interval, availability and energy payments, shortfall penalties.
 * Pure: no I/O, no clock, no globals; results depend only on the arguments. */
#include "gridsplit/market.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

gs_eligibility gs_product_eligibility(const gs_product *p, gs_class c)
{
    if (!p || (c != GS_TRAINING && c != GS_INFERENCE))
        return GS_ELIG_NO;
    return p->eligible[c];
}

int gs_product_check_class(const gs_product *p, gs_class c, int shifting, gs_error *err)
{
    gs_eligibility e = gs_product_eligibility(p, c);
    const char *src = p->src_eligibility[0] ? p->src_eligibility : p->src_rules;
    if (e == GS_ELIG_YES)
        return 0;
    if (e == GS_ELIG_SHIFT && shifting)
        return 0;
    if (e == GS_ELIG_SHIFT)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "eligible", 
                            "%s load may provide %s only by shifting its load to another site, not by curtailing it (source: %s)",
                            gs_class_name(c), p->id, src);
    return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "eligible",
                        "%s load is not eligible for %s (%s %s product; source: %s)", gs_class_name(c),
                        p->id, gs_direction_name(p->direction), gs_product_kind_name(p->kind), src);
}

/* "3 h", "45 min", "30 s" */
static void fmt_dur(double s, char *buf, size_t len)
{
    if (s >= 3600 && fmod(s, 900) == 0)
        snprintf(buf, len, "%g h", s / 3600);
    else if (s >= 60 && fmod(s, 30) == 0)
        snprintf(buf, len, "%g min", s / 60);
    else
        snprintf(buf, len, "%g s", s);
}

int gs_deployment_check(const gs_product *p, const gs_deployment *d, gs_error *err)
{
    char a[32], b[32];
    if (!(d->response_s >= 0) || !(d->duration_s > 0) || !(d->calls_per_day >= 0) || !(d->calls_per_year >= 0))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "deployment",
                            "expected response >= 0, duration > 0 and calls >= 0, found response %g s, duration %g s, calls %g/day %g/year",
                            d->response_s, d->duration_s, d->calls_per_day, d->calls_per_year);
    if (!isnan(p->full_response_s) && d->response_s > p->full_response_s) {
        fmt_dur(d->response_s, a, sizeof a);
        fmt_dur(p->full_response_s, b, sizeof b);
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "full_response",
                            "the load needs %s to respond but %s requires full response within %s (source: %s)",
                            a, p->id, b, p->src_timing);
    }
    if (!isnan(p->max_duration_s) && d->duration_s > p->max_duration_s) {
        fmt_dur(d->duration_s, a, sizeof a);
        fmt_dur(p->max_duration_s, b, sizeof b);
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "max_duration",
                            "a %s deployment exceeds %s's maximum duration of %s (source: %s)", a, p->id, b,
                            p->src_duration);
    }
    if (!isnan(p->min_duration_s) && d->duration_s < p->min_duration_s) {
        fmt_dur(d->duration_s, a, sizeof a);
        fmt_dur(p->min_duration_s, b, sizeof b);
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "min_duration",
                            "a %s deployment is shorter than %s's minimum duration of %s (source: %s)", a, p->id,
                            b, p->src_duration);
    }
    if (!isnan(p->max_calls_per_day) && d->calls_per_day > p->max_calls_per_day)
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "max_calls_per_day",
                            "%g deployments a day exceed %s's maximum of %g a day (source: %s)", d->calls_per_day,
                            p->id, p->max_calls_per_day, p->src_frequency);
    if (!isnan(p->max_calls_per_year) && d->calls_per_year > p->max_calls_per_year)
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "max_calls_per_year",
                            "%g deployments a year exceed %s's maximum of %g a year (source: %s)", d->calls_per_year,
                            p->id, p->max_calls_per_year, p->src_frequency);
    return 0;
}

/* ---- stacking ---- */

static int uses_down(const gs_product *p)
{
    return p->direction == GS_DIR_DOWN || p->direction == GS_DIR_BOTH;
}
static int uses_up(const gs_product *p)
{
    return p->direction == GS_DIR_UP || p->direction == GS_DIR_BOTH;
}

static int check_offers(const gs_offer *offers, size_t n, const gs_stack_room *room, size_t nintervals,
                        gs_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const gs_offer *o = &offers[i];
        if (!o->product)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "offers", "offer %zu has no product", i);
        if (!(o->mw >= 0) || !isfinite(o->mw))
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "offers",
                                "offer %zu (%s): expected MW >= 0, found %g", i, o->product->id, o->mw);
        if (o->interval >= nintervals)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "offers",
                                "offer %zu (%s): interval %zu is outside the %zu intervals given", i,
                                o->product->id, o->interval, nintervals);
        const gs_stack_room *r = &room[o->interval];
        if (!(r->down_mw >= 0) || !(r->up_mw >= 0))
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "headroom",
                                "interval %zu: expected headroom >= 0, found down %g MW, up %g MW", o->interval,
                                r->down_mw, r->up_mw);
    }
    return 0;
}

/* Order of offers: by interval, then priority, then array index (stable, deterministic). */
typedef struct ord {
    size_t idx;
    const gs_offer *o;
} ord;

static int cmp_ord(const void *a, const void *b)
{
    const ord *x = a, *y = b;
    if (x->o->interval != y->o->interval)
        return x->o->interval < y->o->interval ? -1 : 1;
    if (x->o->priority != y->o->priority)
        return x->o->priority < y->o->priority ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int gs_stack_allocate(const gs_offer *offers, size_t n, const gs_stack_room *room, size_t nintervals,
                      double *alloc_mw, gs_error *err)
{
    int rc = check_offers(offers, n, room, nintervals, err);
    if (rc)
        return rc;
    if (n == 0)
        return 0;
    ord *o = malloc(n * sizeof *o);
    if (!o)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    for (size_t i = 0; i < n; i++)
        o[i] = (ord){i, &offers[i]};
    qsort(o, n, sizeof *o, cmp_ord);
    size_t cur = (size_t)-1;
    double down = 0, up = 0;
    for (size_t k = 0; k < n; k++) {
        const gs_offer *of = o[k].o;
        if (of->interval != cur) {
            cur = of->interval;
            down = room[cur].down_mw;
            up = room[cur].up_mw;
        }
        double a = of->mw;
        if (uses_down(of->product) && a > down)
            a = down;
        if (uses_up(of->product) && a > up)
            a = up;
        if (a < 0)
            a = 0;
        if (uses_down(of->product))
            down -= a;
        if (uses_up(of->product))
            up -= a;
        alloc_mw[o[k].idx] = a;
    }
    free(o);
    return 0;
}

int gs_stack_check(const gs_offer *offers, size_t n, const gs_stack_room *room, size_t nintervals,
                   gs_error *err)
{
    int rc = check_offers(offers, n, room, nintervals, err);
    if (rc)
        return rc;
    /* tolerance for sums of decimal MW */
    const double eps = 1e-9;
    for (size_t t = 0; t < nintervals; t++) {
        double sum[2] = {0, 0};
        for (size_t i = 0; i < n; i++) {
            if (offers[i].interval != t)
                continue;
            if (uses_down(offers[i].product))
                sum[0] += offers[i].mw;
            if (uses_up(offers[i].product))
                sum[1] += offers[i].mw;
        }
        double avail[2] = {room[t].down_mw, room[t].up_mw};
        for (int dir = 0; dir < 2; dir++) {
            if (sum[dir] <= avail[dir] + eps * (1 + avail[dir]))
                continue;
            char list[512];
            size_t used = 0;
            list[0] = '\0';
            for (size_t i = 0; i < n && used < sizeof list; i++) {
                if (offers[i].interval != t || !(dir == 0 ? uses_down(offers[i].product) : uses_up(offers[i].product)))
                    continue;
                int k = snprintf(list + used, sizeof list - used, "%s%s %g MW", used ? ", " : "",
                                 offers[i].product->id, offers[i].mw);
                if (k < 0)
                    break;
                used += (size_t)k;
            }
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "offers",
                                "interval %zu: %g MW offered %s but only %g MW can be %s (the same MW would be sold twice): %s",
                                t, sum[dir], dir == 0 ? "down" : "up", avail[dir],
                                dir == 0 ? "reduced" : "added", list);
        }
    }
    return 0;
}

/* ---- payments ---- */

/* Availability price per MW per hour, in price's currency: the unit's basis (MW-h, MW-day,
 * kW-month) spread over the hours it pays for. */
static double rate_per_mw_h(const gs_product *p, double price)
{
    double h = gs_price_unit_mw_hours(p->availability_unit);
    return isnan(h) ? 0 : price / h;
}

double gs_availability_payment(const gs_product *p, double mw, double hours, double price)
{
    return mw * hours * rate_per_mw_h(p, price);
}

double gs_energy_payment(const gs_product *p, double mwh, double price)
{
    return gs_price_unit_is_energy(p->energy_unit) ? mwh * price : 0;
}

double gs_shortfall_penalty(const gs_product *p, double committed_mw, double delivered_mw,
                            double hours, double price)
{
    double short_mw = committed_mw - delivered_mw;
    if (!(short_mw > 0) || !(hours > 0))
        return 0;
    double factor = isnan(p->penalty_factor) ? 1.0 : p->penalty_factor;
    return short_mw * hours * rate_per_mw_h(p, price) * factor;
}
