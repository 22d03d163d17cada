/* gridsplit time series: raw timestamped points as they come from a file (gs_points), and
 * regular series on a fixed step (gs_series). Time is UTC seconds since the epoch (int64);
 * missing values are NaN. Both own their arrays; gs_*_free accepts NULL. */
#ifndef GRIDSPLIT_SERIES_H
#define GRIDSPLIT_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Raw points in file order: t[i] in UTC seconds (fractional part in t_frac for sub-second
 * logs), v[i] the value in the series' unit. */
typedef struct gs_points {
    size_t n, cap;
    int64_t *t;      /**< UTC seconds */
    double *t_frac;  /**< sub-second part in [0,1), or NULL when all points are whole seconds */
    double *v;
    char unit[32];   /**< e.g. "MW", "USD/MWh", "gCO2/kWh", "W" */
    char name[128];  /**< what it is: zone, column, file */
} gs_points;

/** A regular series: value i covers [start_s + i*step_s, start_s + (i+1)*step_s). */
typedef struct gs_series {
    int64_t start_s;
    int64_t step_s;
    size_t n;
    double *v;       /**< n values, NaN where missing */
    char unit[32];
    char name[128];
} gs_series;

/** Allocate an empty point set. Free with gs_points_free. Returns NULL on out of memory. */
gs_points *gs_points_new(void);
/** Append one point; returns 0 or GS_ENOMEM. */
int gs_points_push(gs_points *p, int64_t t, double t_frac, double v);
void gs_points_free(gs_points *p);

/** Allocate a regular series of n NaN values. Free with gs_series_free. NULL on out of memory. */
gs_series *gs_series_new(int64_t start_s, int64_t step_s, size_t n);
void gs_series_free(gs_series *s);

/** Value covering UTC time t (NaN outside the series). */
double gs_series_at(const gs_series *s, int64_t t);

#ifdef __cplusplus
}
#endif
#endif
