/* flexrun.h (internal to the CLI): the set-up shared by `gridsplit flex` and `gridsplit
 * simulate --policy`: catalogue, products with their prices over the period, and grid events,
 * ready for gs_flexsim_run. */
#ifndef GS_CLI_FLEXRUN_H
#define GS_CLI_FLEXRUN_H

#include <stddef.h>

#include "gridsplit/fleet.h"
#include "gridsplit/flexsim.h"
#include "gridsplit/market.h"
#include "gridsplit/plan.h"

#define GS__FLEX_MAXP 64
#define GS__FLEX_MAXPRICE 32

/** A user price for a product (--price ID=VALUE). */
typedef struct gs__uprice {
    char id[GS_ID_MAX];
    double v;
} gs__uprice;

/** What a flex run needs beside the fleet; owned, freed by gs__flexrun_clear. */
typedef struct gs__flexrun {
    gs_market_catalog *cat;
    gs_flexsim_product prods[GS__FLEX_MAXP];
    gs_series *series[GS__FLEX_MAXP];
    size_t np;
    gs_flexsim_event *fev;
    size_t nfev;
    gs_event *file_evs;
    size_t nfile;
    char events_file[1024];
} gs__flexrun;

/** Fill x for fleet f (series loaded) over fo's period: catalogue (NULL: built-in), products
 * (products_arg: comma-separated ids, NULL: every product of the fleet's zones), user prices,
 * events (events_arg: "catalog", "none", a file, or "catalog,FILE"). Returns 0 or a negative
 * gs_err with err filled; call gs__flexrun_clear either way. */
int gs__flexrun_prepare(gs__flexrun *x, gs_fleet *f, const gs_flexsim_opts *fo,
                        const char *catalog, const char *products_arg, const char *events_arg,
                        const gs__uprice *up, size_t nup, gs_error *err);
void gs__flexrun_clear(gs__flexrun *x);

#endif
