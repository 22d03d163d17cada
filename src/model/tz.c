/* tz.c: a time zone's UTC offsets over a period as a list of spans (include/gridsplit/tz.h):
 * lookups and freeing. The spans are read from the tz database at the edge
 * (src/read/tzfile.c). */
#include "gridsplit/tz.h"

#include <stdlib.h>
#include <string.h>

void gs_tz_clear(gs_tz *tz)
{
    if (!tz)
        return;
    free(tz->spans);
    tz->spans = NULL;
    tz->n = 0;
}

int32_t gs_tz_offset(const gs_tz *tz, int64_t t, size_t *hint)
{
    size_t i = hint ? *hint : 0;
    if (i >= tz->n || tz->spans[i].from_s > t)
        i = 0;
    while (i + 1 < tz->n && tz->spans[i + 1].from_s <= t)
        i++;
    if (hint)
        *hint = i;
    return tz->spans[i].offset_s;
}
