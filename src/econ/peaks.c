/* peaks.c: PJM's five coincident peaks (5CP) of a summer from an RTO's hourly load
 * (gs_five_cp of include/gridsplit/peaks.h): each local day's highest hour of June to
 * September, then the five highest days. Pure. */
#include <math.h>
#include <string.h>

#include "gridsplit/peaks.h"
#include "gridsplit/time.h"

size_t gs_five_cp(const gs_points *p, const gs_tz *tz, int year, gs_cp_hour *out, size_t max)
{
    double best[GS_5CP_DAYS];
    int64_t at[GS_5CP_DAYS];
    for (int k = 0; k < GS_5CP_DAYS; k++) {
        best[k] = -INFINITY;
        at[k] = 0;
    }
    if (!p || !tz || !out)
        return 0;
    int64_t jun1 = gs_utc_from_civil(year, 6, 1, 0, 0, 0);
    size_t hint = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (!isfinite(p->v[i]))
            continue;
        /* the local calendar day of the hour's start, counted from 1 June */
        int64_t local = p->t[i] + gs_tz_offset(tz, p->t[i], &hint);
        int64_t day = (local - jun1) >= 0 ? (local - jun1) / 86400 : -1;
        if (day < 0 || day >= GS_5CP_DAYS)
            continue;
        /* the first of equal hours keeps the day's peak */
        if (p->v[i] > best[day]) {
            best[day] = p->v[i];
            at[day] = p->t[i];
        }
    }
    size_t n = 0, want = max < 5 ? max : 5;
    int used[GS_5CP_DAYS];
    memset(used, 0, sizeof used);
    while (n < want) {
        int b = -1;
        for (int k = 0; k < GS_5CP_DAYS; k++)
            if (!used[k] && isfinite(best[k]) && (b < 0 || best[k] > best[b]))
                b = k;
        if (b < 0)
            break;
        used[b] = 1;
        out[n].from_s = at[b];
        out[n].to_s = at[b] + 3600;
        out[n++].mw = best[b];
    }
    return n;
}
