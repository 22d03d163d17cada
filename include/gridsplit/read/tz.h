/* gridsplit time zones from the system's tz database (TZif files; src/read/tzfile.c): one
 * zone's offsets over a period, and every zone a simulation of a fleet needs. */
#ifndef GRIDSPLIT_READ_TZ_H
#define GRIDSPLIT_READ_TZ_H

#include "gridsplit/error.h"
#include "gridsplit/sim.h"
#include "gridsplit/tz.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Build the offsets of IANA zone name over [from_s, to_s). Fails with GS_EINPUT when the
 * zone is unknown to the system's tz database. tz->spans is owned by tz (gs_tz_clear). */
int gs_tz_load(const char *name, int64_t from_s, int64_t to_s, gs_tz *tz, gs_error *err);

/** 1 when the system's tz database has zone name (a TZif file that reads), else 0. */
int gs_tz_known(const char *name);

/** Load the time zones of the fleet's sites and regions for the period (edge work: reads the
 * tz database). Free with gs_sim_tz_free. */
int gs_sim_tz_load(const gs_fleet *f, int64_t from_s, int64_t to_s, gs_sim_tz *tz, gs_error *err);
void gs_sim_tz_free(const gs_fleet *f, gs_sim_tz *tz);

#ifdef __cplusplus
}
#endif
#endif
