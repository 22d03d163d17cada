/* gridsplit coincident peaks: PJM's five coincident peaks (5CP) of a summer, found in an RTO's
 * hourly load (src/econ/peaks.c; docs/underwrite.md "PJM capacity obligation on the five
 * coincident peaks (5CP)"). Pure: the caller reads the load and loads the time zone. */
#ifndef GRIDSPLIT_PEAKS_H
#define GRIDSPLIT_PEAKS_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/series.h"
#include "gridsplit/tz.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The summer of the 5CP rule: 1 June to 30 September, 30 + 31 + 31 + 30 days. */
#define GS_5CP_DAYS 122

/** One coincident-peak hour. */
typedef struct gs_cp_hour {
    int64_t from_s;           /**< UTC start of the hour */
    int64_t to_s;             /**< UTC end: from_s + 3600 */
    double mw;                /**< the RTO's load that hour */
} gs_cp_hour;

/** PJM's five coincident peaks of summer `year` (PJM Manual 19): the five highest daily peak
 * hours of the hourly load p from 1 June to 30 September, at most one per day, days being
 * calendar days in tz (tz must cover that summer). Each point of p is one hour starting at
 * p->t[i] (a file stamped at the end of the hour is shifted by the caller); its day is the local
 * calendar day of that start. Non-finite values are skipped; of equal hours of a day the first
 * in p keeps the day's peak, and of equal days the earlier day ranks first. Writes at most
 * min(5, max) hours to out, highest first, and returns how many: fewer than five when fewer
 * days have data. */
size_t gs_five_cp(const gs_points *p, const gs_tz *tz, int year, gs_cp_hour *out, size_t max);

#ifdef __cplusplus
}
#endif
#endif
