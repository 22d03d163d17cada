/* gridsplit underwrite outputs: cashflow.csv and summary.json (src/write/underwrite_out.c,
 * docs/underwrite.md). */
#ifndef GRIDSPLIT_WRITE_UNDERWRITE_H
#define GRIDSPLIT_WRITE_UNDERWRITE_H

#include <stddef.h>

#include "gridsplit/econ.h"
#include "gridsplit/error.h"

/** One input figure in effect, for summary.json's "assumptions". */
typedef struct gs_uw_out_figure {
    const char *name;
    double value;
    const char *source;
} gs_uw_out_figure;

typedef struct gs_uw_outputs {
    const char *deal_path;
    const char *fleet_path;
    const gs_econ_site *sites;        /**< r->nsites */
    const char (*price_note)[64];     /**< r->nsites: where each site's prices came from */
    const gs_econ_terms *terms;
    const gs_econ_result *r;
    const gs_uw_out_figure *figures;
    size_t nfigures;
} gs_uw_outputs;

/** Write DIR/cashflow.csv (one row per site, class and year; the site totals; the deal's
 * total) and DIR/summary.json (metrics per site and class, totals, contract comparisons, the
 * figures in effect with their sources), each under a temporary name and renamed. */
int gs_uw_write_outputs(const gs_uw_outputs *o, const char *dir, gs_error *err);

#endif
