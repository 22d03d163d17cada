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
#include "cli/opts.h"

#define GS__FLEX_MAXP 64
#define GS__FLEX_MAXPRICE 32

/** A user price for a product (--price ID=VALUE). */
typedef struct gs__uprice {
    char id[GS_ID_MAX];
    double v;
} gs__uprice;

/** The warnings a run keeps for its outputs (each is also printed on stderr); beyond these,
 * only a count. */
#define GS__FLEX_MAXWARN 16
#define GS__FLEX_WARNLEN 512

/** What a flex run needs beside the fleet; owned, freed by gs__flexrun_clear. */
typedef struct gs__flexrun {
    gs_market_catalog *cat;
    gs_flexsim_product prods[GS__FLEX_MAXP];
    gs_series *series[GS__FLEX_MAXP];
    size_t np;
    /** 1: product p is priced at each zone's own price (zone_hourly), as `simulate` prices the
     * energy a zone's sites draw (docs/flex.md, Prices). */
    unsigned char zone_priced[GS__FLEX_MAXP];
    gs_series **zone_hourly;        /**< [nzones]: the fleet's zones[].price hourly over the
                                         period (mean of its steps), NULL where the fleet
                                         names none */
    size_t nzones;
    gs_flexsim_event *fev;
    size_t nfev;
    gs_event *file_evs;
    size_t nfile;
    char events_file[1024];
    char warnings[GS__FLEX_MAXWARN][GS__FLEX_WARNLEN];
    size_t nwarn;                   /**< warnings kept (<= GS__FLEX_MAXWARN) */
    size_t nwarn_more;              /**< warnings printed but not kept */
} gs__flexrun;

/** Fill x for fleet f (series loaded) over fo's period: catalogue (NULL: built-in), products
 * (products_arg: comma-separated ids, NULL: every product of the fleet's zones), user prices,
 * events (events_arg: "catalog", "none", a file, or "catalog,FILE"). Sets fo->zone_priced and
 * fo->zone_price (pointing into x) for gs_flexsim_run. Prints each warning on stderr
 * ("gridsplit: warning: ...") and keeps it in x->warnings: a file event wholly outside the
 * period (left out), an inference cap the flexible policy cannot act on, a catalogue series
 * not found. Refuses (GS_EINPUT, the events file and "events[i].site" / ".zone" / ".class") a
 * file event on the load of a class its scope does not run. Returns 0 or a negative gs_err
 * with err filled; call gs__flexrun_clear either way. */
int gs__flexrun_prepare(gs__flexrun *x, gs_fleet *f, gs_flexsim_opts *fo,
                        const char *catalog, const char *products_arg, const char *events_arg,
                        const gs__uprice *up, size_t nup, gs_error *err);
void gs__flexrun_clear(gs__flexrun *x);

/** The --events option of flex and simulate as an option declaration's fields: a LIST of
 * INPUT items with the words catalog and none. */
#define GS__FLEXRUN_EVENTS_HELP                                                                \
    "grid events the planner sees: catalog (the catalogue's events in the fleet's zones), "   \
    "none, an event FILE (docs/events.md), or catalog,FILE"

/** What the item checks of the option layer cannot say about --events (option name): "none"
 * stands alone, catalog and a FILE at most once each. Returns 0, or prints the refusal through
 * gs_opts_fail and returns its exit code (2). */
int gs__flexrun_events_check(const gs_opts *o, const char *name);

/** The flex engine plans whole UTC hours: step_s (option "step") divides 1 h, from_s and to_s
 * (options "from" and "to", else fleet f's period) on whole hours. why: appended to the
 * expectation (" with --policy flexible", or ""). Returns 0, or prints the refusal naming the
 * option through gs_opts_fail and returns its exit code (2). */
int gs__flexrun_period_check(const gs_opts *o, const gs_fleet *f, int64_t from_s, int64_t to_s,
                             int64_t step_s, const char *why);

#endif
