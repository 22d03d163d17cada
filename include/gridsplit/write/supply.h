/* gridsplit supply report (src/write/supply_report.c; docs/supply.md): DIR/report.html of
 * `gridsplit supply`, one self-contained file drawn from the summary JSON with its hourly block
 * (gs_supply_summary_json in gridsplit/write/supply_out.h). */
#ifndef GRIDSPLIT_WRITE_SUPPLY_H
#define GRIDSPLIT_WRITE_SUPPLY_H

#include "gridsplit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Write the report to path (atomically): web/supply.html with its CSS, JS and uPlot inline,
 * title escaped for HTML (NULL: "gridsplit supply"), summary_json (the text of
 * gs_supply_summary_json with the hourly block) inlined in a <script type="application/json">
 * block, escaped so that nothing in it can close the block. Returns 0 or a negative gs_err:
 * GS_EINPUT without a path or a summary, GS_EIO naming path when it cannot be written (nothing
 * is left behind), GS_ERUNTIME when the build does not embed the report's assets. */
int gs_supply_write_report(const char *title, const char *summary_json, const char *path,
                           gs_error *err);

#ifdef __cplusplus
}
#endif

#endif
