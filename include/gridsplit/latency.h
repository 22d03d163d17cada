/* gridsplit latency: a model of the round-trip time (RTT) between two points on the Earth,
 * calibrated on measured matrices, optionally aware of the submarine cable graph, with
 * measured pairs overriding the model.
 *
 * Plain model:  RTT_ms = 2 x great_circle_km x route_factor / GS_FIBRE_KM_PER_MS + overhead_ms
 * Cable-aware:  the one-way path length is
 *     min( route_factor x d(p,q),
 *          min over landing points a near p, b near q of
 *              route_factor x (d(p,a) + d(b,q)) + cable_factor x cable_km(a,b) )
 *   where cable_km is the shortest path in the cable graph (Dijkstra, precomputed between all
 *   landing points by gs_cables_finish), and RTT = 2 x path / GS_FIBRE_KM_PER_MS + overhead_ms.
 * Overrides:    a measured pair (matched on both end points to within ~11 m, either direction)
 *   is returned as measured, before any model.
 *
 * Engines here are pure: no I/O, no globals. Reading the measured CSV, the region catalogue and
 * the cable GeoJSON lives in gridsplit/read/latency.h. */
#ifndef GRIDSPLIT_LATENCY_H
#define GRIDSPLIT_LATENCY_H

#include <stddef.h>

#include "gridsplit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Speed of light in optical fibre, km per ms (200,000 km/s). */
#define GS_FIBRE_KM_PER_MS 200.0

/** Defaults: the robust fit of the plain model on the IBM Cloud VPC inter-region matrix
 * (docs/latency.md has the command and the per-pair table). */
#define GS_LATENCY_DEFAULT_ROUTE_FACTOR 1.535
#define GS_LATENCY_DEFAULT_OVERHEAD_MS 3.273
/** Defaults of the cable-aware model, fitted the same way with the TeleGeography cables. */
#define GS_LATENCY_DEFAULT_CABLE_ROUTE_FACTOR 1.768
#define GS_LATENCY_DEFAULT_CABLE_OVERHEAD_MS 2.3
#define GS_LATENCY_DEFAULT_CABLE_FACTOR 1.21

/** Landing points considered at each end of a cable-aware path: all within this distance ... */
#define GS_CABLES_ACCESS_KM 5000.0
/** ... and at least this many nearest ones. */
#define GS_CABLES_ACCESS_MIN 8

/* ---- cable graph ------------------------------------------------------------------------ */

/** A graph of submarine cables: nodes are landing points (and branching units at sea), edges
 * are cable segments between consecutive stops of a cable, weighted by the length of the route
 * geometry between them. Build: gs_cables_new, gs_cables_add_landing for every landing point,
 * then gs_cables_add_route for every cable polyline (or gs_cables_add_edge), then
 * gs_cables_finish. Free with gs_cables_free. */
typedef struct gs_cable_graph gs_cable_graph;

/** Tolerances used by gs_cables_finish to join routes to landing points and to each other. */
#define GS_CABLES_SNAP_LANDING_KM 5.0 /**< a route vertex this close to a landing point stops there */
#define GS_CABLES_SNAP_JOIN_KM 1.0    /**< route end points this close are one branching unit */
#define GS_CABLES_METRO_KM 30.0       /**< landing points this close are linked over land ... */
#define GS_CABLES_METRO_FACTOR 1.5    /**< ... with great-circle x this factor */

/** A new empty graph, or NULL when out of memory. */
gs_cable_graph *gs_cables_new(void);
/** Free the graph; NULL is a no-op. */
void gs_cables_free(gs_cable_graph *g);

/** Add a landing point; returns its node id (>= 0) or a negative gs_err (GS_ERANGE for invalid
 * coordinates, GS_ENOMEM). Not after gs_cables_finish. */
int gs_cables_add_landing(gs_cable_graph *g, double lat, double lon, gs_error *err);

/** Add one cable polyline (npoints >= 2 vertices, lat/lon pairs in degrees: latlon[2i],
 * latlon[2i+1]). It is split into edges at gs_cables_finish: at every vertex within
 * GS_CABLES_SNAP_LANDING_KM of a landing point and at the end points of other polylines (branching
 * units). Returns 0 or a negative gs_err. */
int gs_cables_add_route(gs_cable_graph *g, const double *latlon, size_t npoints, gs_error *err);

/** Add an explicit undirected edge of length_km (> 0) between nodes a and b. */
int gs_cables_add_edge(gs_cable_graph *g, int a, int b, double length_km, gs_error *err);

/** Split the routes into edges, link nearby landing points, and precompute the shortest cable
 * distance between every pair of connected landing points (one Dijkstra per landing point:
 * O(L (V + E) log V) time and L^2 floats, L connected landing points; for the 1,439-point
 * TeleGeography set 8 MB and 0.18 s including the GeoJSON parse). Returns 0 or a negative gs_err. */
int gs_cables_finish(gs_cable_graph *g, gs_error *err);

/** Shortest cable distance in km between nodes a and b by Dijkstra on the graph (works before
 * and after gs_cables_finish); INFINITY when unreachable, -1 for a bad id. O((V + E) log V). */
double gs_cables_shortest_km(const gs_cable_graph *g, int a, int b);

/** The shortest one-way path in km from (lat1,lon1) to (lat2,lon2): over land to an access
 * landing point (every connected one within GS_CABLES_ACCESS_KM, at least the
 * GS_CABLES_ACCESS_MIN nearest) at route_factor, along cables (x cable_factor), and over land
 * from an access landing point; or, unless force_cable, directly over land at route_factor when
 * that is shorter. Needs gs_cables_finish. Cost: two scans and sorts of the L landing points plus
 * the access pairs, pruned by distance: about 0.45 ms for the TeleGeography set (measured in
 * docs/latency.md). NAN when out of memory. */
double gs_cables_path_km(const gs_cable_graph *g, double lat1, double lon1, double lat2,
                         double lon2, double route_factor, double cable_factor, int force_cable);

/** The Pareto frontier of (land km, cable km > 0) over the access pairs of a path (see
 * gs_cables_path_km), at most max entries: the cable path for any route_factor f and cable factor
 * c is min_k f land_km[k] + c cable_km[k]. Used to fit factors quickly. Returns the count. */
size_t gs_cables_frontier(const gs_cable_graph *g, double lat1, double lon1, double lat2,
                          double lon2, double *land_km, double *cable_km, size_t max);

/** Node, edge and connected-landing-point counts (for reports). */
size_t gs_cables_node_count(const gs_cable_graph *g);
size_t gs_cables_edge_count(const gs_cable_graph *g);
size_t gs_cables_landing_count(const gs_cable_graph *g);

/* ---- measured overrides ------------------------------------------------------------------- */

/** A lookup table of measured RTTs between point pairs, consulted before the model. */
typedef struct gs_latency_overrides gs_latency_overrides;

gs_latency_overrides *gs_latency_overrides_new(void);
void gs_latency_overrides_free(gs_latency_overrides *o);
/** Add (or replace) the measured RTT between two points; the pair is symmetric. Returns 0 or a
 * negative gs_err (GS_ERANGE for invalid coordinates or a non-positive RTT). O(n) per insert. */
int gs_latency_overrides_add(gs_latency_overrides *o, double lat1, double lon1, double lat2,
                             double lon2, double rtt_ms, gs_error *err);
/** 1 and *rtt_ms when the pair is in the table, else 0. O(log n). */
int gs_latency_overrides_lookup(const gs_latency_overrides *o, double lat1, double lon1,
                                double lat2, double lon2, double *rtt_ms);
size_t gs_latency_overrides_count(const gs_latency_overrides *o);

/* ---- the model ---------------------------------------------------------------------------- */

typedef struct gs_latency_model {
    double route_factor;                   /**< path length over great-circle, over land (>= 1) */
    double overhead_ms;                    /**< fixed RTT added to every pair (>= 0) */
    double cable_factor;                   /**< path over cable geometry length (~1); used with cables;
                                                <= 0 in gs_latency_fit: fitted in [1, 2] */
    const gs_cable_graph *cables;          /**< optional, finished; not owned */
    const gs_latency_overrides *overrides; /**< optional; not owned */
} gs_latency_model;

/** A plain model with the defaults above, no cables, no overrides. */
gs_latency_model gs_latency_model_default(void);

/** Modelled RTT in ms between two points (degrees). Order: overrides, then the cable-aware path
 * when cables are set (the shorter of direct over land and via cables: the continents of
 * arbitrary points are unknown), else the plain model. Plain: one haversine, ~50 ns. Cable-aware:
 * see gs_cables_path_km. Returns NAN for invalid coordinates. */
double gs_latency_rtt_ms(const gs_latency_model *m, double lat1, double lon1, double lat2,
                         double lon2);

/** As gs_latency_rtt_ms, when the caller knows whether the two points are on different
 * continents: intercontinental 1 forces the cable path (terrestrial legs + cables), 0 or -1
 * (unknown) takes the shorter of direct and via cables. Without cables, the plain model. */
double gs_latency_rtt_between_ms(const gs_latency_model *m, double lat1, double lon1, double lat2,
                                 double lon2, int intercontinental);

/** One measured pair for fitting. */
typedef struct gs_latency_sample {
    double lat1, lon1, lat2, lon2;
    double rtt_ms;
    int intercontinental; /**< 1 on different continents, 0 same, -1 unknown */
} gs_latency_sample;

typedef enum gs_latency_fit_method {
    /** Minimise the mean absolute relative error sum |pred - y| / y (robust, L1). Exact for the
     * plain model (enumeration of the LP's vertices); for the cable-aware one, a grid on
     * route_factor (0.01 over [1, 5], then 0.001 around the best) with the exact
     * weighted-median overhead for each factor. */
    GS_LATENCY_FIT_ROBUST_REL = 0,
    /** Ordinary least squares on ms (closed form for plain; grid + mean for cable-aware). */
    GS_LATENCY_FIT_LSQ = 1,
} gs_latency_fit_method;

/** Fit m->route_factor (constrained to [1, 5]) and m->overhead_ms (>= 0) to n >= 2 samples.
 * Uses m->cables and m->cable_factor when cables are set; ignores m->overrides. Returns 0, or
 * GS_EINPUT for too few or invalid samples. */
int gs_latency_fit(gs_latency_model *m, const gs_latency_sample *s, size_t n,
                   gs_latency_fit_method method, gs_error *err);


/** A named place of a measured set (a cloud region): coordinates and, optionally, continent. */
typedef struct gs_latency_region {
    char name[96];
    double lat, lon;
    char continent[32]; /**< "" when the catalogue has no continent column */
} gs_latency_region;

typedef struct gs_latency_regions {
    gs_latency_region *r;
    size_t n;
} gs_latency_regions;


/** Index of the place of regs nearest to (lat, lon) by great circle, at most max_km away
 * (INFINITY: any), with the distance in *km (may be NULL); -1 when none. O(regs->n). */
int gs_latency_regions_nearest(const gs_latency_regions *regs, double lat, double lon,
                               double max_km, double *km);

/** One measured region pair, aggregated over its rows in both directions. */
typedef struct gs_latency_pair {
    int a, b;          /**< region indexes, a < b */
    double rtt_ms;     /**< median over the rows (snapshots, both directions) */
    double min_ms, max_ms;
    size_t rows;
} gs_latency_pair;

/** A measured matrix read from CSV. */
typedef struct gs_latency_measured {
    gs_latency_pair *pairs; /**< sorted by (a, b) */
    size_t n;
    size_t rows_read;       /**< data rows in the file */
    size_t rows_used;       /**< rows that went into pairs */
    size_t rows_same;       /**< rows with src == dst, skipped */
    struct {
        char kind[64];
        size_t rows;
    } skipped[8];           /**< rows skipped by kind (first 8 kinds; the last one counts the rest) */
    size_t nskipped;
} gs_latency_measured;

/** The measured RTT (median) between places a and b of a matrix (either order), or NAN when
 * the pair was not measured (or a == b). O(log n): pairs are sorted by (a, b). */
double gs_latency_measured_rtt(const gs_latency_measured *m, int a, int b);

/* ---- continents and the source of an RTT ------------------------------------------------- */

/** Continents, as the region catalogue names them (data/catalog/latency_regions.csv). */
typedef enum gs_continent {
    GS_CONTINENT_UNKNOWN = 0,
    GS_CONTINENT_NORTH_AMERICA,
    GS_CONTINENT_SOUTH_AMERICA,
    GS_CONTINENT_EUROPE,
    GS_CONTINENT_AFRICA,
    GS_CONTINENT_ASIA,
    GS_CONTINENT_OCEANIA,
    GS_CONTINENT_ANTARCTICA,
    GS_NCONTINENTS
} gs_continent;

/** "north_america", "south_america", "europe", "africa", "asia", "oceania", "antarctica";
 * "unknown". */
const char *gs_continent_name(gs_continent c);

/** The continent of a place from its IANA time zone's area (Europe/, Asia/, Africa/,
 * Australia/, Antarctica/; America/ split into north and south at the Panama - Colombia border
 * by the coordinates; Pacific/ is oceania; legacy US/, Canada/, Mexico/, Brazil/, Chile/ too),
 * else from the coordinates (coarse boxes: Atlantic/, Indian/, Etc/UTC, "" and unknown areas).
 * GS_CONTINENT_UNKNOWN only for invalid coordinates without a telling tz. No I/O. */
gs_continent gs_continent_of(const char *tz, double lat, double lon);

/** Where a pair's RTT comes from: a measured matrix, the cable-aware model (pairs on different
 * continents), the plain model. */
typedef enum gs_rtt_source { GS_RTT_PLAIN = 0, GS_RTT_CABLE = 1, GS_RTT_MEASURED = 2 } gs_rtt_source;

/** "plain", "cable", "measured". */
const char *gs_rtt_source_name(gs_rtt_source s);



#ifdef __cplusplus
}
#endif
#endif
