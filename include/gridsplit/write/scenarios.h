/* gridsplit scenarios outputs: DIR/scenarios.csv (one row per scenario, year, site and class),
 * DIR/summary.json (every figure of the run with the rules' inputs and their sources) and the
 * text table of standard output (src/write/scenarios_out.c, docs/scenarios.md). */
#ifndef GRIDSPLIT_WRITE_SCENARIOS_H
#define GRIDSPLIT_WRITE_SCENARIOS_H

#include <stddef.h>
#include <stdio.h>

#include "gridsplit/error.h"
#include "gridsplit/scenarios.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A figure in effect (a reference figure or a default) with its unit and source. */
typedef struct gs_scen_out_figure {
    const char *id;
    double value;
    const char *unit;
    const char *source;
} gs_scen_out_figure;

/** What the outputs show beside the result. */
typedef struct gs_scen_outputs {
    const char *fleet_path;
    const char *deal_path;                 /**< NULL: no deal (no NPV) */
    const gs_scen_inputs *in;
    const gs_scen_result *res;
    double headroom_rate_pct;
    const char (*zone_note)[192];          /**< [fleet->nzones]: where each headroom came from */
    const char *market_note;               /**< the market catalogue and its year, or why none */
    const gs_scen_out_figure *figures;     /**< reference figures of the catalogue */
    size_t nfigures;
    const gs_scen_out_figure *assumptions; /**< the defaults and options in effect */
    size_t nassumptions;
} gs_scen_outputs;

/** Write DIR/scenarios.csv and DIR/summary.json, each under a temporary name and renamed. */
int gs_scen_write_outputs(const gs_scen_outputs *o, const char *dir, gs_error *err);

/** The summary (what summary.json holds) to f. */
int gs_scen_write_json(const gs_scen_outputs *o, FILE *f, gs_error *err);

/** The text table of standard output to f: headroom, the conversion test, and per scenario the
 * indexes, each site's demand, shares and value in the milestone years (first, +2, +5, last). */
void gs_scen_write_text(const gs_scen_outputs *o, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
