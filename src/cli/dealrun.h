/* dealrun.h (internal to the CLI): the part of resolving a deal that reads files and runs
 * simulations, shared by `gridsplit underwrite` and `gridsplit scenarios` so that one site
 * under one deal is valued alike by both: the zones' headroom from their demand series (the
 * headroom engine) and the capacity shares of zones charged on their coincident peaks (ERCOT
 * 4CP: the grid-event catalogue's intervals; PJM 5CP: the five highest daily peak hours of
 * June-September of the RTO's EIA-930 load, derived for each price year; inference's draw in
 * them simulated). */
#ifndef GS_CLI_DEALRUN_H
#define GS_CLI_DEALRUN_H

#include <stddef.h>

#include "gridsplit/econ.h"
#include "gridsplit/error.h"
#include "gridsplit/fleet.h"
#include "gridsplit/read/deal.h"
#include "gridsplit/write/underwrite.h"

/** A zone's headroom for flexible load, from its demand series. */
typedef struct gs__zone_headroom {
    int known;                        /**< 1: mw is the headroom engine's figure */
    double mw;
    int year_first, year_last;        /**< the demand series' years */
    size_t hours;
    char why[192];                    /**< known 0: why there is none */
} gs__zone_headroom;

/** The headroom of fleet zone z at curtailment rate rate_pct: the zone's demand series as an
 * hourly copy (sub-hourly steps averaged), missing hours filled (gs_demand_clean, only
 * missing), gs_headroom_solve. A zone without a usable series: known 0 and why. Returns 0, or
 * GS_ENOMEM. */
int gs__dealrun_zone_headroom(const gs_fleet *f, size_t z, double rate_pct,
                              gs__zone_headroom *h, gs_error *err);

/** gs_deal_resolve_ex, then what needs files and simulations: each site's headroom_mw (the
 * deal's, else its zone's at the curtailment rate of terms->curtailed_hours_per_year;
 * headroom_note[i], 192 bytes, says which, may be NULL) and, in a zone charged on its
 * coincident peaks, cp_basis with the paused and firm shares (cp[i] for the outputs, may be
 * NULL). price_note and req_note as gs_deal_resolve_ex. f's series must be loaded. */
int gs__dealrun_resolve(const gs_deal *d, const gs_fleet *f, gs_econ_site *sites,
                        gs_econ_terms *terms, char (*price_note)[64],
                        gs_deal_req_note *req_note, char (*headroom_note)[192], gs_uw_cp *cp,
                        gs_error *err);

#endif
