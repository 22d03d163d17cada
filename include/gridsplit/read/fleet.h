/* gridsplit fleet files: reading and validating a fleet (YAML, docs/fleet-format.md), loading
 * the series it references, and the built-in GPU catalogue (src/read/fleet_yaml.c). */
#ifndef GRIDSPLIT_READ_FLEET_H
#define GRIDSPLIT_READ_FLEET_H

#include <stddef.h>
#include "gridsplit/error.h"
#include "gridsplit/fleet.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Read and validate a fleet file (YAML; see docs/fleet-format.md). On success *out owns a new
 * fleet (free with gs_fleet_free) whose series are not loaded yet. On bad input returns
 * GS_EINPUT with err naming file, line, column, field, the expected and the found value. */
int gs_fleet_load(const char *path, gs_fleet **out, gs_error *err);

/** Load every series the fleet references (zone price/carbon/demand, PUE series, measured
 * demand) through the importers. Returns 0 or a negative gs_err. */
int gs_fleet_load_series(gs_fleet *fleet, gs_error *err);

/** The built-in GPU catalogue (data/catalog/gpus.yaml embedded at build time).
 * *out is owned by the caller (free()). Returns 0 or a negative gs_err. */
int gs_gpu_catalog(gs_gpu **out, size_t *n, gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
