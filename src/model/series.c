/* series.c: the point set and regular series containers (include/gridsplit/series.h).
 * Resampling, gap reporting and filling live in src/model/resample.c. */
#include "gridsplit/series.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

gs_points *gs_points_new(void)
{
    return calloc(1, sizeof(gs_points));
}

int gs_points_push(gs_points *p, int64_t t, double t_frac, double v)
{
    if (p->n == p->cap) {
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
    int64_t i = (t - s->start_s) / s->step_s;
    if ((size_t)i >= s->n)
        return NAN;
    return s->v[i];
}
