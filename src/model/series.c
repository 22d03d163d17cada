/* series.c: the point set and regular series containers (include/gridsplit/series.h), and the
 * one bound on a regular series' length (gs_series_steps, GS_SERIES_MAX_STEPS). Resampling, gap
 * reporting and filling live in src/model/resample.c. */
#include "gridsplit/series.h"
#include "gridsplit/time.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ISO 8601 for times within the years 0000..9999, else the UTC seconds themselves (never a
 * clamped label) */
static void label_time(int64_t t, char *buf, size_t len)
{
    if (t >= -62167219200LL && t < 253402300800LL) {
        char iso[24];
        gs_format_time(t, iso);
        snprintf(buf, len, "%s", iso);
    } else {
        snprintf(buf, len, "%lld UTC seconds", (long long)t);
    }
}

int gs_series_steps(int64_t start_s, int64_t end_s, int64_t step_s, size_t *n, gs_error *err)
{
    *n = 0;
    if (step_s <= 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "step",
                            "expected a positive step in seconds, found %lld", (long long)step_s);
    if (end_s <= start_s)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "to",
                            "expected the end of the period after its start, found start %lld and "
                            "end %lld",
                            (long long)start_s, (long long)end_s);
    /* end > start: the difference fits in uint64 whatever the values */
    uint64_t span = (uint64_t)end_s - (uint64_t)start_s;
    uint64_t steps = span / (uint64_t)step_s + (span % (uint64_t)step_s != 0);
    if (steps > GS_SERIES_MAX_STEPS) {
        char a[40], b[40];
        label_time(start_s, a, sizeof a);
        label_time(end_s, b, sizeof b);
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "step",
                            "the period %s to %s at a step of %lld s needs %llu steps; the limit "
                            "is %d (GS_SERIES_MAX_STEPS): narrow the period (--from/--to) or "
                            "choose a larger step (--step)",
                            a, b, (long long)step_s, (unsigned long long)steps,
                            GS_SERIES_MAX_STEPS);
    }
    *n = (size_t)steps;
    return GS_OK;
}

gs_points *gs_points_new(void)
{
    return calloc(1, sizeof(gs_points));
}

int gs_points_push(gs_points *p, int64_t t, double t_frac, double v)
{
    if (p->n == p->cap) {
        if (p->cap > SIZE_MAX / 2 / sizeof(double))
            return GS_ENOMEM;
        size_t cap = p->cap ? p->cap * 2 : 1024;
        int64_t *nt = realloc(p->t, cap * sizeof *nt);
        if (!nt)
            return GS_ENOMEM;
        p->t = nt;
        double *nv = realloc(p->v, cap * sizeof *nv);
        if (!nv)
            return GS_ENOMEM;
        p->v = nv;
        if (p->t_frac || t_frac != 0.0) {
            double *nf = realloc(p->t_frac, cap * sizeof *nf);
            if (!nf)
                return GS_ENOMEM;
            if (!p->t_frac)
                memset(nf, 0, p->n * sizeof *nf);
            p->t_frac = nf;
        }
        p->cap = cap;
    } else if (!p->t_frac && t_frac != 0.0) {
        double *nf = calloc(p->cap, sizeof *nf);
        if (!nf)
            return GS_ENOMEM;
        p->t_frac = nf;
    }
    p->t[p->n] = t;
    if (p->t_frac)
        p->t_frac[p->n] = t_frac;
    p->v[p->n] = v;
    p->n++;
    return GS_OK;
}

void gs_points_free(gs_points *p)
{
    if (!p)
        return;
    free(p->t);
    free(p->t_frac);
    free(p->v);
    free(p);
}

gs_series *gs_series_new(int64_t start_s, int64_t step_s, size_t n)
{
    if (n > GS_SERIES_MAX_STEPS)
        return NULL;
    gs_series *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->v = malloc((n ? n : 1) * sizeof *s->v);
    if (!s->v) {
        free(s);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        s->v[i] = NAN;
    s->start_s = start_s;
    s->step_s = step_s;
    s->n = n;
    return s;
}

void gs_series_free(gs_series *s)
{
    if (!s)
        return;
    free(s->v);
    free(s);
}

double gs_series_at(const gs_series *s, int64_t t)
{
    if (!s || s->step_s <= 0 || t < s->start_s)
        return NAN;
    uint64_t i = ((uint64_t)t - (uint64_t)s->start_s) / (uint64_t)s->step_s;
    if (i >= s->n)
        return NAN;
    return s->v[i];
}
