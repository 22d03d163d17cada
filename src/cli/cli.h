/* cli.h: the subcommands of the `gridsplit` command and the helpers they share. Each
 * subcommand lives in its own src/cli/cmd_NAME.c, uses only the public API (plus the io
 * helpers for output files) and returns the process exit code: 0 ok, 2 bad input, 1 failure. */
#ifndef GS_CLI_H
#define GS_CLI_H

#include <stdint.h>

#include "gridsplit/error.h"
#include "gridsplit/fleet.h"

int gs_cmd_check(int argc, char **argv);
int gs_cmd_simulate(int argc, char **argv);
int gs_cmd_trace(int argc, char **argv);
int gs_cmd_series(int argc, char **argv);
int gs_cmd_headroom(int argc, char **argv);
int gs_cmd_latency(int argc, char **argv);
int gs_cmd_regions(int argc, char **argv);
int gs_cmd_markets(int argc, char **argv);
int gs_cmd_plan(int argc, char **argv);
int gs_cmd_flex(int argc, char **argv);
int gs_cmd_route(int argc, char **argv);
int gs_cmd_site(int argc, char **argv);

/** Print err to stderr as "gridsplit CMD: FILE:LINE:COL: field 'F': message" and return the
 * exit code for it. */
int gs_cli_fail(const char *cmd, const gs_error *err);

/** The period of a run: the fleet's `period:` unless --from / --to (ISO 8601, UTC) say
 * otherwise. Returns 0, or GS_EINPUT with err naming the option or the missing period. */
int gs_cli_period(const gs_fleet *f, const char *from, const char *to, int64_t *from_s,
                  int64_t *to_s, gs_error *err);

/** Print "gridsplit CMD: message" to stderr and return 2 (usage errors). */
int gs_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
