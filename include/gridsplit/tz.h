/* gridsplit time zones: a zone's UTC offsets over a period as a short list of transitions,
 * computed once at the edge from the system's tz database, so engines convert UTC to local
 * time without touching the environment or the C library's global time-zone state. */
#ifndef GRIDSPLIT_TZ_H
#define GRIDSPLIT_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "gridsplit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_tz_span {
    int64_t from_s;           /**< UTC start of this offset */
    int32_t offset_s;         /**< local = UTC + offset */
} gs_tz_span;

typedef struct gs_tz {
    char name[64];
    size_t n;
    gs_tz_span *spans;        /**< sorted by from_s; spans[0].from_s <= the period's start */
} gs_tz;

/** Build the offsets of IANA zone name over [from_s, to_s). Fails with GS_EINPUT when the
 * zone is unknown to the system's tz database. tz->spans is owned by tz (gs_tz_clear). */
int gs_tz_load(const char *name, int64_t from_s, int64_t to_s, gs_tz *tz, gs_error *err);
void gs_tz_clear(gs_tz *tz);

/** UTC offset in seconds at UTC time t. hint (may be NULL) remembers the last span for
 * monotone scans. */
int32_t gs_tz_offset(const gs_tz *tz, int64_t t, size_t *hint);

#ifdef __cplusplus
}
#endif
#endif
