/* gridsplit time zones: a zone's UTC offsets over a period as a short list of transitions,
 * computed once at the edge from the system's tz database (gridsplit/read/tz.h), so engines
 * convert UTC to local time without touching the environment or the C library's global
 * time-zone state (src/model/tz.c). */
#ifndef GRIDSPLIT_TZ_H
#define GRIDSPLIT_TZ_H

#include <stddef.h>
#include <stdint.h>


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

void gs_tz_clear(gs_tz *tz);

/** Free the spans (not tz itself); the zone may be reused. */
void gs_tz_clear(gs_tz *tz);

/** UTC offset in seconds at UTC time t. hint (may be NULL) remembers the last span for
 * monotone scans. */
int32_t gs_tz_offset(const gs_tz *tz, int64_t t, size_t *hint);

#ifdef __cplusplus
}
#endif
#endif
