/* gridsplit routing inputs read from files (src/read/netcost.c): network transfer prices between
 * cloud regions, and the bundle of everything the router may take from files (a measured RTT
 * matrix and its places, the submarine cables, the transfer prices) loaded in one call. */
#ifndef GRIDSPLIT_READ_NETCOST_H
#define GRIDSPLIT_READ_NETCOST_H

#include <stddef.h>

#include "gridsplit/error.h"
#include "gridsplit/fleet.h"
#include "gridsplit/latency.h"
#include "gridsplit/route.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Read a matrix of data transfer prices, USD per GB, from the place of each row to the place of
 * each column: CSV whose header is an empty (or any) first cell and then the place names, and
 * whose rows are a name then one price per column (the green-dcc matrices of
 * ../shared/data/network_cost), plain or compressed. Rows and columns must name the same
 * places; prices are finite and >= 0; the diagonal is taken as 0. places_csv gives their
 * coordinates: CSV with a header naming the name (name or region) and the coordinates (lat or
 * latitude, lon or longitude), e.g. ../shared/data/geo/cloud_regions_latlon.csv; a place listed
 * there only by its zones (NAME-a, NAME-b: GCP) takes its first zone's. A priced place
 * without coordinates there is left out and named in warning (may be NULL; wlen bytes); fewer
 * than 2 places left is an error. Errors name the file, line and column. *out: gs_netcost_free. */
int gs_netcost_read(const char *matrix_csv, const char *places_csv, gs_netcost **out,
                    char *warning, size_t wlen, gs_error *err);
void gs_netcost_free(gs_netcost *n);

/** Everything the router may read from files, owned here; gs_route_inputs_load points a
 * gs_route_opts at it. */
typedef struct gs_route_inputs {
    gs_latency_regions rtt_places;
    gs_latency_measured rtt_measured;
    int have_rtt;
    gs_cable_graph *cables;
    gs_netcost *netcost;
    char warning[512];           /**< "" or what was left out (places without coordinates) */
} gs_route_inputs;

/** Load the files that are named (NULL: not given) and point o at them: rtt, a measured RTT
 * matrix (gs_latency_measured_read; rows of kind "Inter-region latency" when it has a kind
 * column) whose places are in rtt_places (CSV name,lat,lon; NULL: the built-in catalogue of the
 * IBM Cloud regions, data/catalog/latency_regions.csv); cables, a TeleGeography-style
 * directory (gs_cables_read_dir); net_prices with net_places (gs_netcost_read; both or
 * neither). o's labels are set to the paths. *in must be zeroed first; free with
 * gs_route_inputs_free (after the router that reads it). Errors as the readers give them. */
int gs_route_inputs_load(gs_route_inputs *in, const char *rtt, const char *rtt_places,
                         const char *cables, const char *net_prices, const char *net_places,
                         gs_route_opts *o, gs_error *err);
void gs_route_inputs_free(gs_route_inputs *in);

/** The same with the fleet's own inputs (its `network:` section, gs_fleet.network) where the
 * command line names none: an option given (non-NULL) wins over the fleet's file of the same
 * kind (rtt with rtt_places, cables, net_prices with net_places). f may be NULL. */
int gs_route_inputs_load_fleet(gs_route_inputs *in, const gs_fleet *f, const char *rtt,
                               const char *rtt_places, const char *cables, const char *net_prices,
                               const char *net_places, gs_route_opts *o, gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
