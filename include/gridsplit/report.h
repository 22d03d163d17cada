/* gridsplit HTML report: one self-contained file (charts and data inline, opens offline) for a
 * simulation: stacked MW by class per site, zoomable; a typical day per class; load-duration
 * curves; the summary table. */
#ifndef GRIDSPLIT_REPORT_H
#define GRIDSPLIT_REPORT_H

#include "gridsplit/error.h"
#include "gridsplit/fleet.h"
#include "gridsplit/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Write the report of result r for fleet f to path (via a temporary file renamed at the end;
 * nothing is left behind on failure). Returns 0 or a negative gs_err. */
int gs_report_write_html(const gs_fleet *f, const gs_sim_result *r, const char *path,
                         gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
