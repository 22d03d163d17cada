/* gridsplit sweep files: the SWEEP.yaml of `gridsplit sweep` (docs/sweep.md) and what a sweep
 * reads (src/read/sweep_in.c). A sweep names a command, its input file, fixed arguments, axes
 * (a command-line option, or a field of the input YAML, with values) and the result fields to
 * collect. Its cases are the axes' cross product, numbered with the last axis varying fastest.
 * A case's input file is the input's YAML tree (libyaml) with the axes' fields replaced,
 * emitted by libyaml's emitter; relative paths in it are made absolute so that the case file
 * reads as the input did from its own directory. The collected fields are picked from each
 * case's result JSON (summary.json) by field path or JSON pointer (jansson). */
#ifndef GRIDSPLIT_READ_SWEEP_H
#define GRIDSPLIT_READ_SWEEP_H

#include <stddef.h>

#include "gridsplit/error.h"

#define GS_SWEEP_MAX_AXES 16
#define GS_SWEEP_MAX_VALUES 10000
#define GS_SWEEP_MAX_CASES 100000
#define GS_SWEEP_MAX_COLLECT 256
#define GS_SWEEP_MAX_ARGS 256
#define GS_SWEEP_NAME_MAX 128
#define GS_SWEEP_PATH_MAX 1024

/** What an axis sets. */
typedef enum gs_sweep_axis_kind {
    GS_SWEEP_OPTION = 0, /**< a command-line option: --NAME VALUE (a flag: given or not) */
    GS_SWEEP_FIELD = 1,  /**< one or more fields of the input file (or of a file it names) */
} gs_sweep_axis_kind;

/** One value as the merged table shows it: CSV text (a scalar as written in SWEEP.yaml, a
 * list or mapping as compact JSON; empty for null or absent) and JSON text. Both malloc'ed. */
typedef struct gs_sweep_cell {
    char *csv;
    char *json;
    int present; /**< collected fields: 1 when the field was found (its value may be null) */
} gs_sweep_cell;

/** Where something is in SWEEP.yaml, for messages. */
typedef struct gs_sweep_mark {
    int line, column;              /**< 1-based; 0 when unknown */
    char field[GS_SWEEP_NAME_MAX]; /**< "axes[1].values[2]" */
} gs_sweep_mark;

typedef struct gs_sweep_axis {
    char name[GS_SWEEP_NAME_MAX]; /**< the table's column: `name:`, else the option without
                                       dashes, else the field path */
    gs_sweep_axis_kind kind;
    char option[64];              /**< GS_SWEEP_OPTION: the option's name without dashes */
    size_t nvalues;
    char **arg;                   /**< GS_SWEEP_OPTION: each value's argument text (a list is
                                       joined with commas); NULL for a field axis */
    int *is_bool;                 /**< GS_SWEEP_OPTION: 1 true, 0 false (a plain true/false
                                       value, for a flag option), -1 anything else */
    gs_sweep_cell *cells;         /**< each value in the table */
    gs_sweep_mark mark;           /**< the axis (its option, field or set key) */
    gs_sweep_mark *vmark;         /**< each value */
} gs_sweep_axis;

/** A parsed SWEEP.yaml. Free with gs_sweep_free. */
typedef struct gs_sweep {
    char path[GS_SWEEP_PATH_MAX];   /**< as given */
    char dir[GS_SWEEP_PATH_MAX];    /**< its directory, absolute: arguments are read from there */
    char command[32];
    gs_sweep_mark command_mark;
    char input[GS_SWEEP_PATH_MAX];  /**< the input file, absolute; "" when none */
    gs_sweep_mark input_mark;
    char result[256];               /**< the result file in each case's --out (summary.json) */
    size_t nargs;
    char **args;                    /**< the fixed arguments */
    gs_sweep_mark *args_mark;
    size_t naxes;
    gs_sweep_axis *axes;
    size_t nfield_axes;             /**< axes that edit the input (0: the input is passed as is) */
    size_t ncollect;
    char (*collect_name)[GS_SWEEP_NAME_MAX]; /**< the table's columns */
    char **collect_path;            /**< as written (field path or JSON pointer) */
    size_t ncases;                  /**< the product of the axes' value counts (>= 1) */
    char shared[GS_SWEEP_PATH_MAX]; /**< ${GS_SHARED} as the input would see it (absolute) */
    struct gs__sweep_in *in;        /**< internal: the YAML documents and the fields to edit */
} gs_sweep;

/** Read and check path: the keys, the axes (every field resolved in the input file and in the
 * files it names, each conflict and each missing key or item named with a "did you mean"),
 * the collected paths, the number of cases. GS_EINPUT errors name SWEEP.yaml's line, column
 * and field (or the input file's, for its own syntax). *out is freed with gs_sweep_free. */
int gs_sweep_load(const char *path, gs_sweep **out, gs_error *err);

void gs_sweep_free(gs_sweep *s);

/** The value index of each axis (naxes entries) for case c (0-based, below ncases): the last
 * axis varies fastest. */
void gs_sweep_case_values(const gs_sweep *s, size_t c, size_t *vidx);

/** One file of a case: its name in the case's directory and its text. */
typedef struct gs_sweep_file {
    char name[GS_SWEEP_NAME_MAX + 32];
    char *text;
    size_t len;
} gs_sweep_file;

/** The input files of case c, to be written into directory dir (absolute): the input file
 * with the case's fields set (named as the input), and each file it names that an axis edits
 * (named "in-FIELD-NAME"; the input names it by its path in dir). None when no axis edits the
 * input (*n = 0). Free with gs_sweep_files_free. GS_OK or an error (GS_ENOMEM, GS_ERUNTIME
 * when libyaml fails to emit). */
int gs_sweep_case_files(const gs_sweep *s, size_t c, const char *dir, gs_sweep_file **files,
                        size_t *n, gs_error *err);

void gs_sweep_files_free(gs_sweep_file *f, size_t n);

/** The input path to give the command for a case whose files are in dir: dir/NAME when an
 * axis edits the input, else the input itself; "" when the sweep has none. -1 when it does
 * not fit in len bytes. */
int gs_sweep_case_input(const gs_sweep *s, const char *dir, char *out, size_t len);

/** Read the result JSON at path and pick every collected field into cells (ncollect; free
 * each with gs_sweep_cell_clear): numbers in their shortest exact form, strings as they are,
 * lists and objects as compact JSON; absent: present 0, CSV empty, JSON null. GS_EINPUT when
 * the file is missing or not JSON (naming it), GS_ENOMEM. */
int gs_sweep_pick(const gs_sweep *s, const char *path, gs_sweep_cell *cells, gs_error *err);

void gs_sweep_cell_clear(gs_sweep_cell *c);

/** A case's status file (written by gs_sweep_write_status, include/gridsplit/write/sweep.h). */
typedef struct gs_sweep_status {
    int exit_code; /**< the command's exit code; -1 when it was killed */
    int signal;    /**< the signal that ended it, 0 when none */
    double seconds;
} gs_sweep_status;

/** Read a status file: 1 when read, 0 when there is none, GS_EINPUT when it is malformed. */
int gs_sweep_read_status(const char *path, gs_sweep_status *st, gs_error *err);

/** Parse a field path ("sites[id=west-texas].gpus", "horizon_years", "zones[0].price.path")
 * or, starting with '/', a JSON pointer (RFC 6901): GS_OK or GS_EINPUT with the reason in
 * err->message (for tests and the reader). */
int gs_sweep_check_path(const char *text, gs_error *err);

#endif
