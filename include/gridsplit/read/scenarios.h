/* gridsplit scenario files: the built-in catalogue data/catalog/scenarios.yaml (embedded at build
 * time: reference figures, defaults and the presets, every figure with its source) and a user's
 * scenario files in the same format (src/read/scenarios_in.c, docs/scenarios.md). */
#ifndef GRIDSPLIT_READ_SCENARIOS_H
#define GRIDSPLIT_READ_SCENARIOS_H

#include <stddef.h>

#include "gridsplit/error.h"
#include "gridsplit/scenarios.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_SCEN_FIGURES_MAX 64
/** Scenarios known at most (presets and files together). */
#define GS_SCEN_SET_MAX 64

/** A reference figure of the catalogue. */
typedef struct gs_scen_figure {
    char id[GS_ID_MAX];
    double value;
    char unit[96];
    char source[GS_SCEN_SOURCE_MAX];
} gs_scen_figure;

/** A default in effect and where it comes from. */
typedef struct gs_scen_default {
    double value;
    char source[GS_SCEN_SOURCE_MAX];
} gs_scen_default;

/** The catalogue, and the scenarios of the files added to it. */
typedef struct gs_scen_catalog {
    size_t n;                        /**< scenarios in set */
    size_t npresets;                 /**< the first npresets are the catalogue's */
    gs_scenario *set;                /**< [GS_SCEN_SET_MAX] */
    size_t nfigures;
    gs_scen_figure figures[GS_SCEN_FIGURES_MAX];
    gs_scen_default max_utilisation[GS_NCLASS];
    gs_scen_default large_region_share;
    gs_scen_default headroom_rate_pct;
    gs_scen_curve rack_kw[GS_NCLASS];
} gs_scen_catalog;

/** Read the built-in catalogue. *out: free with gs_scen_catalog_free. */
int gs_scen_catalog_load(gs_scen_catalog **out, gs_error *err);

/** Read catalogue text (the built-in one's format) named name in errors (tests). */
int gs_scen_catalog_parse(const char *text, size_t len, const char *name, gs_scen_catalog **out,
                          gs_error *err);

/** Add the scenarios of a user file (`scenarios:` as in the catalogue; a source may be left out,
 * it is then "scenario file PATH") to cat: *first and *count say where they went in cat->set.
 * A `between` may name any scenario defined before it (presets included). An id already known is
 * an error. Bad input: GS_EINPUT naming file, line, column, field, expected and found. */
int gs_scen_file_load(gs_scen_catalog *cat, const char *path, size_t *first, size_t *count,
                      gs_error *err);

/** Index of the scenario with this id in cat->set, or -1. */
int gs_scen_find(const gs_scen_catalog *cat, const char *id);

/** The application's figures from the catalogue's defaults (rtt_limit_ms 0: each service's). */
void gs_scen_params_from(const gs_scen_catalog *cat, gs_scen_params *p);

void gs_scen_catalog_free(gs_scen_catalog *cat);

#ifdef __cplusplus
}
#endif
#endif
