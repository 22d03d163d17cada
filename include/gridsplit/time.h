/* gridsplit time: UTC seconds from and to ISO 8601 text and civil dates (proleptic Gregorian,
 * no time zone, no leap seconds). Durations and steps: gridsplit/duration.h. Pure: no clock, no
 * time-zone state (src/model/time.c). */
#ifndef GRIDSPLIT_TIME_H
#define GRIDSPLIT_TIME_H

#include <stdint.h>
#include "gridsplit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Parse an ISO 8601 time ("2024-01-01", "2024-01-01T00:00", "2024-01-01 00:00:00+02:00",
 * "...Z") into UTC seconds; naive times are UTC. Returns 0 or GS_EINPUT. */
int gs_parse_time(const char *text, int64_t *t, gs_error *err);

/** Like gs_parse_time, and also: "2025/07/27 00:34:45.155" (nvidia-smi), fractional seconds
 * returned in *frac (in [0,1); frac may be NULL), and *has_offset (may be NULL) set to 1 when
 * the text carried "Z" or a numeric offset, 0 for a naive time (taken as UTC). */
int gs_parse_time_frac(const char *text, int64_t *t, double *frac, int *has_offset, gs_error *err);

/** UTC seconds of a civil date and time (proleptic Gregorian, no time zone, no leap seconds).
 * Fields may be out of range (hour 24, minute 60...): they carry over. */
int64_t gs_utc_from_civil(int64_t year, int month, int day, int hour, int minute, int second);

/** Civil date and time of UTC seconds t; any pointer may be NULL. */
void gs_civil_from_utc(int64_t t, int64_t *year, int *month, int *day, int *hour, int *minute,
                       int *second);

/** Write UTC seconds as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). */
void gs_format_time(int64_t t, char *buf);

#ifdef __cplusplus
}
#endif
#endif
