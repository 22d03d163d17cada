/* cli.h: the subcommands of the `gridsplit` command and the helpers they share. Each
 * subcommand lives in its own src/cli/cmd_NAME.c, uses only the public API (plus the io
 * helpers for output files) and returns the process exit code: 0 ok, 2 bad input, 1 failure.
 * Its options are one declaration, gs_cmd_NAME_decl (cli/opts.h), from which parsing, checking
 * and --help are made. */
#ifndef GS_CLI_H
#define GS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/opts.h"
#include "gridsplit/error.h"
#include "gridsplit/fleet.h"

int gs_cmd_check(int argc, char **argv);
int gs_cmd_simulate(int argc, char **argv);
int gs_cmd_trace(int argc, char **argv);
int gs_cmd_series(int argc, char **argv);
int gs_cmd_headroom(int argc, char **argv);
int gs_cmd_latency(int argc, char **argv);
int gs_cmd_regions(int argc, char **argv);
int gs_cmd_serve(int argc, char **argv);
int gs_cmd_markets(int argc, char **argv);
int gs_cmd_plan(int argc, char **argv);
int gs_cmd_flex(int argc, char **argv);
int gs_cmd_route(int argc, char **argv);
int gs_cmd_site(int argc, char **argv);
int gs_cmd_underwrite(int argc, char **argv);
int gs_cmd_scenarios(int argc, char **argv);
int gs_cmd_supply(int argc, char **argv);
int gs_cmd_sweep(int argc, char **argv);

/* The option declarations, one per subcommand (defined in cmd_NAME.c). */
extern const gs_cmd_decl gs_cmd_check_decl;
extern const gs_cmd_decl gs_cmd_simulate_decl;
extern const gs_cmd_decl gs_cmd_trace_decl;
extern const gs_cmd_decl gs_cmd_series_decl;
extern const gs_cmd_decl gs_cmd_headroom_decl;
extern const gs_cmd_decl gs_cmd_latency_decl;
extern const gs_cmd_decl gs_cmd_plan_decl;
extern const gs_cmd_decl gs_cmd_flex_decl;
extern const gs_cmd_decl gs_cmd_markets_decl;
extern const gs_cmd_decl gs_cmd_route_decl;
extern const gs_cmd_decl gs_cmd_site_decl;
extern const gs_cmd_decl gs_cmd_underwrite_decl;
extern const gs_cmd_decl gs_cmd_scenarios_decl;
extern const gs_cmd_decl gs_cmd_supply_decl;
extern const gs_cmd_decl gs_cmd_sweep_decl;
extern const gs_cmd_decl gs_cmd_regions_decl;
extern const gs_cmd_decl gs_cmd_serve_decl;

/** The progress line of a long-running command on a terminal (progress.c): drawn on stderr once
 * the run has taken a second, at most ten times a second, with the time taken and an estimate
 * of the time left; never when stderr is not a terminal or quiet is set (GS_PROGRESS=1 forces
 * it from the start, for tests; GS_PROGRESS=0 turns it off). */
typedef struct gs_cli_progress {
    const char *what;      /**< the command's name, first on the line */
    int on, forced, drawn, last_pct;
    double t0, last_draw;  /**< monotonic seconds */
} gs_cli_progress;
void gs_cli_progress_start(gs_cli_progress *p, const char *what, bool quiet);
/** done: the share of the work done, 0 to 1. */
void gs_cli_progress_update(gs_cli_progress *p, double done);
/** The same as an engine's progress callback: ctx is the gs_cli_progress. */
void gs_cli_progress_cb(void *ctx, double done);
/** Draws 100 % and ends the line when anything was drawn. */
void gs_cli_progress_end(gs_cli_progress *p);

/** One entry of the command list (main.c), in the order of the top usage. */
typedef struct gs_cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary; /**< only for a command without a decl (else decl->summary); NULL */
} gs_cli_command;

/** The front end's tables: every command, and the option declarations that exist (a command
 * without one answers `help CMD` by running `CMD --help`). */
typedef struct gs_cli_table {
    const gs_cli_command *cmds;
    size_t ncmds;
    const gs_cmd_decl *const *decls;
    size_t ndecls;
} gs_cli_table;

/** The `gridsplit` command's table: every subcommand and its declaration (common.c). */
extern const gs_cli_table gs_cli_commands;

/** The declaration of command NAME in t, NULL when it has none. */
const gs_cmd_decl *gs_cli_decl(const gs_cli_table *t, const char *name);

/** The `gridsplit` front end: --version, --help, `help [CMD]`, dispatch. `help CMD` prints to
 * out exactly what `CMD --help` prints (gs_opts_help); `help` the top usage; an unknown command
 * is an error on err with the nearest name (exit 2). Returns the exit code. */
int gs_cli_main(const gs_cli_table *t, int argc, char **argv, FILE *out, FILE *err);

/** The top usage: the commands with their summaries. */
void gs_cli_usage(const gs_cli_table *t, FILE *out);

/** Print err to stderr as "gridsplit CMD: FILE:LINE:COL: field 'F': message" and return the
 * exit code for it (GS_EINPUT: 2). */
int gs_cli_fail(const char *cmd, const gs_error *err);

/** The period of a run: the fleet's `period:` unless --from / --to (TIME options of o, parsed
 * by the option layer) say otherwise, checked against the step step_s (option "step"): a
 * period after its start, a whole number of steps. Each refusal names the option to blame
 * (--to, --from, or --step when the fleet's own period is not a whole number of steps) and is
 * printed through gs_opts_fail; a fleet without a period needs both options. Returns 0, or the
 * exit code (2) after printing. */
int gs_cli_period(const gs_opts *o, const gs_fleet *f, int64_t step_s, int64_t *from_s,
                  int64_t *to_s);

/** Load the fleet file at path (gs_fleet_load) for command cmd, and print to stderr
 * "gridsplit CMD: warning: ..." for each site whose nameplate is above what its interconnection
 * allows and which the fleet says is intended (gs_site_nameplate_warning): every command that
 * loads a fleet loads it here. Returns gs_fleet_load's result (err filled on failure). */
int gs_cli_load_fleet(const char *cmd, const char *path, gs_fleet **out, gs_error *err);

/** Print "gridsplit CMD: message" to stderr and return 2 (usage errors). */
int gs_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
