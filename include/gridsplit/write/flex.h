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

/** What the run's set-up said beside the engine's results: its warnings (an event outside the
 * period, an inference limit the flexible policy cannot act on, a series not found), written
 * to summary.json "warnings" and shown in the report. NULL: none. */
typedef struct gs_flexsim_notes {
    const char *const *warnings;
    size_t nwarnings;
} gs_flexsim_notes;

/** Write DIR/flex.csv, jobs.csv, events.csv, summary.json (each via a temporary renamed into
 * place). prods as given to gs_flexsim_run. */
int gs_flexsim_write_outputs(const gs_fleet *f, const gs_flexsim_product *prods, size_t nprods,
                             const gs_flexsim_opts *opts, const gs_flexsim_result *r,
                             const gs_flexsim_notes *notes, const char *dir, gs_error *err);

/** The summary as a JSON text (malloc'd; NULL when out of memory): the data of the report. */
char *gs_flexsim_summary_json(const gs_fleet *f, const gs_flexsim_product *prods, size_t nprods,
                              const gs_flexsim_opts *opts, const gs_flexsim_result *r,
                              const gs_flexsim_notes *notes, int with_timeline);

/** Write DIR/report.html: self-contained (uPlot and the data inline). */
int gs_flexsim_write_report(const gs_fleet *f, const gs_flexsim_product *prods, size_t nprods,
                            const gs_flexsim_opts *opts, const gs_flexsim_result *r,
                            const gs_flexsim_notes *notes, const char *path, gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
