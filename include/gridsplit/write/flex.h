/* gridsplit flex outputs: flex.csv, jobs.csv, events.csv, summary.json (src/write/flex_out.c)
 * and report.html (src/write/flex_report.c). */
#ifndef GRIDSPLIT_WRITE_FLEX_H
#define GRIDSPLIT_WRITE_FLEX_H

#include <stddef.h>
#include "gridsplit/error.h"
#include "gridsplit/flexsim.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Write DIR/flex.csv, jobs.csv, events.csv, summary.json (each via a temporary renamed into
 * place). prods as given to gs_flexsim_run; title names the run. */
int gs_flexsim_write_outputs(const gs_fleet *f, const gs_flexsim_product *prods, size_t nprods,
                             const gs_flexsim_opts *opts, const gs_flexsim_result *r,
                             const char *dir, gs_error *err);

/** The summary as a JSON text (malloc'd; NULL when out of memory): the data of the report. */
char *gs_flexsim_summary_json(const gs_fleet *f, const gs_flexsim_product *prods, size_t nprods,
                              const gs_flexsim_opts *opts, const gs_flexsim_result *r,
                              int with_timeline);

/** Write DIR/report.html: self-contained (uPlot and the data inline). */
int gs_flexsim_write_report(const gs_fleet *f, const gs_flexsim_product *prods, size_t nprods,
                            const gs_flexsim_opts *opts, const gs_flexsim_result *r,
                            const char *path, gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
