/* opts.h (internal to the CLI): one declaration of each subcommand's options, and the one module
 * that turns it into parsing, checking, typed values and the --help text (opts.c).
 *
 * A subcommand is a static gs_cmd_decl (its options with type, unit, range, default, modes,
 * metavar and help; its positional arguments; its rules between options), one call to
 * gs_opts_cli, and typed reads (gs_opts_num, gs_opts_time, ...). Every message names the option
 * ("--step: ..."), never a fleet field, and is printed as
 *     gridsplit CMD: --opt: message
 *     (see 'gridsplit CMD --help')
 * with exit code 2. Defaults are text parsed by the same code as given values, so
 * gs_opts_validate (run by a unit test over every command) catches a bad default.
 *
 *     static const gs_opt_decl OPTS[] = {
 *         {.name = "step", .type = GS_OPT_STEP, .def = "5min", .help = "simulation step"},
 *         {.name = "server-ms", .type = GS_OPT_NUM, .unit = "ms", .range = "[0, 200]",
 *          .def = "50", .metavar = "MS", .help = "server time taken from the budget"},
 *         {0}};
 *     static const gs_cmd_decl DECL = {.name = "route", .opts = OPTS, ...};
 *     gs_opts *o;
 *     int rc = gs_opts_cli(&DECL, argc, argv, NULL, &o);
 *     if (!o)
 *         return rc;                       // --help printed (0) or usage error printed (2)
 *     int64_t step_s = gs_opts_step(o, "step");
 *     ...
 *     gs_opts_free(o);
 *
 * Conditions ("requires", group "when"/"unless") are space-separated words, each either NAME
 * (option NAME was given) or NAME=V1|V2 (the value in effect of option NAME, default included, is
 * V1 or V2); all words must hold. Word lists (choices, modes, group options) are separated by
 * spaces.
 *
 * No global mutable state: the result is a struct the caller owns (gs_opts_free accepts NULL).
 * Values are pointers into argv (or into the declaration for defaults): nothing is copied. */
#ifndef GS_CLI_OPTS_H
#define GS_CLI_OPTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gridsplit/error.h"

/** What an option's value is. */
typedef enum gs_opt_type {
    GS_OPT_FLAG = 0,  /**< no value: given or not */
    GS_OPT_STRING,    /**< any non-empty text */
    GS_OPT_CHOICE,    /**< one word of .choices; the message lists them */
    GS_OPT_INT,       /**< a whole number (int64), in .unit, within .range */
    GS_OPT_NUM,       /**< a finite number (double), in .unit, within .range */
    GS_OPT_DURATION,  /**< gs_duration_parse: seconds (double); .range in durations:
                           "[1min, 1d]" */
    GS_OPT_STEP,      /**< gs_duration_parse_step: whole seconds (int64); .range in durations */
    GS_OPT_TIME,      /**< ISO 8601 (gs_parse_time), UTC seconds; "now" with GS_OPT_NOW */
    GS_OPT_INPUT,     /**< an existing readable file (gs_cli_check_input_path); words in
                           .choices are accepted instead of a path ("catalog", "none") */
    GS_OPT_INDIR,     /**< an existing directory to read from */
    GS_OPT_OUTDIR,    /**< an output directory: created by the command if missing; must not be
                           an existing non-directory */
    GS_OPT_OUTFILE,   /**< an output file: not a directory, in an existing directory */
    GS_OPT_PAIR,      /**< KEY=NUMBER (flex --price ID=VALUE); the number in .unit, .range */
    GS_OPT_LIST,      /**< comma-separated items of type .elem (any scalar type above but
                           FLAG, TIME, OUTDIR, OUTFILE); .min_items/.max_items */
} gs_opt_type;

/* gs_opt_decl.flags and gs_arg_decl.flags */
#define GS_OPT_REQUIRED 0x01u /**< must be given */
#define GS_OPT_REPEAT 0x02u   /**< may be given more than once (else twice is an error); read
                                   with gs_opts_count / gs_opts_item */
#define GS_OPT_NOW 0x04u      /**< TIME: the word "now" is the clock's time (gs_opts_env.now) */
#define GS_OPT_STDIO 0x08u    /**< INPUT, OUTFILE, positional INPUT: "-" is standard in/output */
#define GS_OPT_GLOB 0x10u     /**< INPUT: a quoted glob pattern matching at least one file */

/** One option, --NAME. Zero fields are "none"; a table ends with {0}. */
typedef struct gs_opt_decl {
    const char *name;     /**< without the dashes: "server-ms"; "help" is reserved */
    gs_opt_type type;
    const char *metavar;  /**< "MS"; NULL: from the type (X, N, STEP, TIME, FILE, DIR, ...) */
    const char *help;     /**< what it does, one or two sentences, no final period */
    const char *def;      /**< default, as text parsed like a given value; NULL: none */
    const char *def_help; /**< shown in --help when the default is computed by the command
                               ("the fleet's period.from"); def must then be NULL */
    const char *unit;     /**< INT, NUM, PAIR, LIST of them: "ms", "MW", "%", "USD/MWh" */
    const char *range;    /**< "[0, 200]", "(0, 100)", "[1, inf)", "[1min, 1d]"; NULL: any */
    const char *multiple_of; /**< TIME: on this grid from 1970-01-01T00:00Z ("1h": whole hours,
                                  UTC); STEP, DURATION, INT: a whole multiple of it */
    const char *divides;  /**< STEP, DURATION, INT: divides it exactly ("1h") */
    const char *choices;  /**< CHOICE: the words, space-separated; INPUT: words taken as-is */
    gs_opt_type elem;     /**< LIST: the items' type */
    unsigned min_items;   /**< LIST: at least this many items (0: 1) */
    unsigned max_items;   /**< LIST: at most (0: 64); REPEAT: occurrences at most (0: argc) */
    unsigned flags;       /**< GS_OPT_* */
    const char *modes;    /**< the modes it applies in (words of the mode option); NULL: all */
    const char *requires; /**< a condition that must hold when it is given; NULL: none */
    const char *means;    /**< FLAG shorthand for another option's value: "format=yaml-params" */
} gs_opt_decl;

/** gs_arg_decl.max: no upper bound. */
#define GS_OPTS_MANY 0xffffffffu

/** The positional arguments: one kind, min..max of them (max 0: none accepted). */
typedef struct gs_arg_decl {
    const char *name;    /**< in messages: "fleet file" ("expected one fleet file, found 2 ...") */
    const char *metavar; /**< in the usage line: "FLEET.yaml" */
    const char *help;    /**< NULL: no "Arguments:" section */
    gs_opt_type type;    /**< GS_OPT_STRING or GS_OPT_INPUT (checked like an input option) */
    unsigned min, max;
    unsigned flags;      /**< GS_OPT_STDIO, GS_OPT_GLOB */
    const char *unless;  /**< a condition under which no argument is expected
                              (plan --fit-powercap) */
} gs_arg_decl;

/* gs_opt_group.rule */
#define GS_GROUP_EXCLUSIVE 0x1u /**< at most one of the options */
#define GS_GROUP_REQUIRED 0x2u  /**< at least one of them (both bits: exactly one) */

/** A rule between options (a table ends with {0}). */
typedef struct gs_opt_group {
    const char *options; /**< space-separated option names */
    unsigned rule;       /**< GS_GROUP_* */
    const char *when;    /**< the rule holds only when this condition holds; NULL: always */
    const char *unless;  /**< ... and not when this one holds; NULL: never */
} gs_opt_group;

/** One subcommand. */
typedef struct gs_cmd_decl {
    const char *name;        /**< "simulate" */
    const char *summary;     /**< one line, for the list of commands */
    const char *usage;       /**< NULL: generated from the table; else lines separated by '\n',
                                  each what follows "gridsplit NAME ", or, starting with a
                                  space, the continuation of the line above */
    const char *description; /**< paragraphs separated by a blank line; wrapped to 80 columns */
    const char *epilog;      /**< NULL: the exit-code line */
    const char *mode_option; /**< a CHOICE option whose value is the mode; NULL: no modes */
    gs_arg_decl args;
    const gs_opt_decl *opts;     /**< ends with {0} */
    const gs_opt_group *groups;  /**< ends with {0}; NULL: none */
} gs_cmd_decl;

/** The clock for "now": UTC seconds. */
typedef int64_t (*gs_clock_fn)(void *ctx);

/** What the parse may use from outside; every field may be 0, and the pointer NULL. */
typedef struct gs_opts_env {
    gs_clock_fn now; /**< NULL: the system clock */
    void *now_ctx;
    FILE *out;       /**< --help text; NULL: stdout */
    FILE *err;       /**< usage errors; NULL: stderr */
} gs_opts_env;

/** The parsed command line: opaque, owned by the caller, freed with gs_opts_free. */
typedef struct gs_opts gs_opts;

/** gs_opts_parse's answer when -h or --help was given (a positive, non-error result). */
#define GS_OPTS_HELP 1

/** Parse and check argv (argv[0] is the subcommand's name) against d: unknown options (with
 * the nearest declared name), missing or repeated values, types, units and ranges, paths,
 * modes, conditions, groups, the positional arguments. Returns GS_OK with *out set (free with
 * gs_opts_free), GS_OPTS_HELP with *out NULL, or a negative gs_err with *out NULL and err filled:
 * field "--NAME" when one option is to blame, file the path when a path is, the message.
 * GS_EINPUT is bad usage (exit 2); GS_ENOMEM, or GS_ERUNTIME for an invalid declaration, exit 1.
 * env may be NULL. */
int gs_opts_parse(const gs_cmd_decl *d, int argc, char **argv, const gs_opts_env *env,
                  gs_opts **out, gs_error *err);

/** The one call of a subcommand: gs_opts_parse, then --help printed to env->out (returns 0) or
 * the error printed to env->err (returns its exit code, 2 for usage), with *out NULL in both
 * cases; or returns 0 with *out set: run the command. */
int gs_opts_cli(const gs_cmd_decl *d, int argc, char **argv, const gs_opts_env *env,
                gs_opts **out);

/** Free a result; NULL is fine. */
void gs_opts_free(gs_opts *o);

/** Print d's --help text (80 columns) to out: usage, description, arguments, options with
 * metavar, help, unit and range, choices, modes, default; epilog. `gridsplit help CMD` prints
 * the same. Returns 0, or -1 when writing failed. */
int gs_opts_help(const gs_cmd_decl *d, FILE *out);

/** Print err as a usage error of d ("gridsplit CMD: --opt: FILE: message" and the --help hint)
 * to out; returns the exit code (gs_exit_code). */
int gs_opts_print_error(const gs_cmd_decl *d, const gs_error *err, FILE *out);

/** For checks only the command can make after the parse (a whole hour, --to after --from):
 * print "gridsplit CMD: --NAME: message" (name NULL: no option) and the --help hint to the
 * parse's error stream; returns 2. */
int gs_opts_fail(const gs_opts *o, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Check a declaration: names, types, metavars, ranges, choices, modes, conditions, groups,
 * arguments, and every default parsed as a value (range included). Returns 0 or GS_ERUNTIME
 * with err naming the command and option. A unit test runs it over every command. */
int gs_opts_validate(const gs_cmd_decl *d, gs_error *err);

/* Reading the values. NAME is the declared name without dashes; reading a name that is not
 * declared, or with the wrong type, is a programming error: it prints and aborts (a unit test
 * of each command finds it). "In effect" means given on the command line, else the default. */

/** Times given on the command line (a `means` shorthand gives its target once); 0: not given. */
int gs_opts_given(const gs_opts *o, const char *name);
/** 1 when a value is in effect (given or defaulted). */
int gs_opts_has(const gs_opts *o, const char *name);
/** FLAG: 1 when given. */
int gs_opts_flag(const gs_opts *o, const char *name);
/** Any type: the text in effect (the last one of a repeated option), NULL when none. */
const char *gs_opts_str(const gs_opts *o, const char *name);
/** CHOICE: the index of the word in effect in .choices, -1 when none. */
int gs_opts_choice(const gs_opts *o, const char *name);
/** NUM, INT, DURATION, STEP: the value in effect (seconds for durations), NAN when none. */
double gs_opts_num(const gs_opts *o, const char *name);
/** INT, STEP (seconds): the value in effect, 0 when none. */
int64_t gs_opts_int(const gs_opts *o, const char *name);
/** DURATION, STEP: seconds, NAN when none. */
double gs_opts_dur(const gs_opts *o, const char *name);
/** STEP: whole seconds, 0 when none. */
int64_t gs_opts_step(const gs_opts *o, const char *name);
/** TIME: UTC seconds ("now": the clock's), 0 when none; check gs_opts_has first. */
int64_t gs_opts_time(const gs_opts *o, const char *name);
/** The mode (the mode option's word in effect), NULL when the command has none. */
const char *gs_opts_mode(const gs_opts *o);

/** LIST: items of the value in effect; REPEAT: occurrences given (1 for a default alone);
 * other types: 1 when a value is in effect, else 0. */
size_t gs_opts_count(const gs_opts *o, const char *name);
/** Item i (see gs_opts_count) as text of *len bytes, NOT NUL-terminated for LIST items (a
 * pointer into argv); NULL when i is out of range. */
const char *gs_opts_item(const gs_opts *o, const char *name, size_t i, size_t *len);
/** Item i as a number (LIST of NUM, INT, DURATION, STEP: seconds; PAIR: its number); NAN when
 * out of range. */
double gs_opts_item_num(const gs_opts *o, const char *name, size_t i);
/** PAIR item i: *key (key_len bytes, not NUL-terminated) and *value. Returns 0, or -1 when i
 * is out of range. */
int gs_opts_pair(const gs_opts *o, const char *name, size_t i, const char **key, size_t *key_len,
                 double *value);

/** Positional arguments. */
size_t gs_opts_nargs(const gs_opts *o);
const char *gs_opts_arg(const gs_opts *o, size_t i);

/** The check every reader of an input file makes (gs__path_check of src/read/reader.h, the
 * same function), with the message it gives: GS_OK, or GS_EINPUT with err->file = path and
 * message "no such file", "is a directory", "not a regular file or pipe (...)" or the
 * system's reason (strerror) for an unreadable file; gs_error_format then reads
 * "PATH: no such file". "-" (standard input) passes: whether it is allowed is the caller's
 * business. */
int gs_cli_check_input_path(const char *path, gs_error *err);

#endif
