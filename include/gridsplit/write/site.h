/* gridsplit site outputs: scores.csv, scores.json and report.html (src/write/site_report.c). */
#ifndef GRIDSPLIT_WRITE_SITE_H
#define GRIDSPLIT_WRITE_SITE_H

#include <stddef.h>
#include "gridsplit/error.h"
#include "gridsplit/site.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_site_outputs {
    const gs_site_file *f;
    const gs_site_result *r;
    const gs_region *regions;
    size_t nregions;
    const gs_latency_model *latency;
    const gs_site_placement *place; /**< NULL, or 3: K-1, K, K+1 (entries with k <= 0 skipped) */
    size_t nplace;
    int chosen;                     /**< index into place of the K run, -1 none */
} gs_site_outputs;

/** Write DIR/scores.csv, DIR/scores.json and DIR/report.html (each atomically). */
int gs_site_write_outputs(const gs_site_outputs *o, const char *dir, gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
