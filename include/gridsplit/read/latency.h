/* gridsplit latency inputs: region catalogues, measured RTT matrices and the submarine cable
 * map (src/read/latency.c). */
#ifndef GRIDSPLIT_READ_LATENCY_H
#define GRIDSPLIT_READ_LATENCY_H

#include "gridsplit/error.h"
#include "gridsplit/latency.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Read a region catalogue: CSV with a header naming at least name, lat, lon (optional
 * continent, source; other columns ignored), plain or compressed. Duplicate names, bad numbers
 * and impossible coordinates are GS_EINPUT/GS_ERANGE naming the file, line and field.
 * *out is caller-owned: gs_latency_regions_free. */
int gs_latency_regions_read(const char *path, gs_latency_regions *out, gs_error *err);
/** The same from text in memory (an embedded catalogue); label names it in errors. */
int gs_latency_regions_parse(const char *text, size_t len, const char *label,
                             gs_latency_regions *out, gs_error *err);
/** Index of the region called name (exact, then case-insensitive), or -1. */
int gs_latency_regions_find(const gs_latency_regions *regs, const char *name);
void gs_latency_regions_free(gs_latency_regions *regs);

/** Read a measured matrix: CSV with a header naming src, dst and the RTT column (avg_latency_ms,
 * rtt_ms or latency_ms), optional kind; plain, .gz or .zst. When the file has a kind column,
 * only rows of kind `kind` (case-insensitive) are used; kind NULL means "Inter-region latency"
 * (the IBM set's other kind, "Inter-AZ latency", measures zones inside one region). Every src and
 * dst of a used row must be in regs: otherwise GS_EINPUT naming the region, file and line.
 * Pairs are the median over their rows. *out is caller-owned: gs_latency_measured_free. */
int gs_latency_measured_read(const char *path, const gs_latency_regions *regs, const char *kind,
                             gs_latency_measured *out, gs_error *err);
void gs_latency_measured_free(gs_latency_measured *m);

/** Build a finished cable graph from a TeleGeography-style directory: landing-point-geo.json
 * (Point features) and cable-geo.json (LineString / MultiLineString features). Segment lengths
 * come from the route geometry. *out is caller-owned: gs_cables_free. Licence of the
 * TeleGeography data: CC BY-NC-SA 3.0 (non-commercial). */
int gs_cables_read_dir(const char *dir, gs_cable_graph **out, gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
