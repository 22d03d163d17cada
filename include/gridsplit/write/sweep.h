/* gridsplit sweep outputs (src/write/sweep_out.c, docs/sweep.md): the merged table of a sweep
 * (DIR/sweep.csv and DIR/sweep.json, one row per case), each case's status file and each
 * case's input files, all written under a temporary name and renamed. Nothing in them depends
 * on where or when a case ran, so a local run and a Slurm run of one sweep give the same bytes. */
#ifndef GRIDSPLIT_WRITE_SWEEP_H
#define GRIDSPLIT_WRITE_SWEEP_H

#include <stddef.h>

#include "gridsplit/error.h"

/** One value of the table: its CSV text (written as a CSV field) and its JSON text (written
 * as is: the caller gives valid JSON). */
typedef struct gs_sweep_out_cell {
    const char *csv;
    const char *json;
} gs_sweep_out_cell;

/** How a case ended. */
typedef enum gs_sweep_out_state {
    GS_SWEEP_OK = 0,     /**< exit code 0 */
    GS_SWEEP_FAILED,     /**< another exit code */
    GS_SWEEP_KILLED,     /**< ended by a signal */
    GS_SWEEP_NOT_RUN,    /**< no status (a Slurm task that never ran it, --fail-fast) */
} gs_sweep_out_state;

typedef struct gs_sweep_out_row {
    size_t case_no;                  /**< 1-based */
    gs_sweep_out_state state;
    int code;                        /**< FAILED: the exit code; KILLED: the signal */
    const gs_sweep_out_cell *axis;   /**< naxes */
    const gs_sweep_out_cell *field;  /**< nfields (ignored unless state is OK) */
} gs_sweep_out_row;

typedef struct gs_sweep_out {
    const char *command;
    size_t naxes;
    const char *const *axis_names;
    size_t nfields;
    const char *const *field_names;
    const char *const *field_paths;
    size_t nrows;
    const gs_sweep_out_row *rows;
} gs_sweep_out;

/** The state's word in the table: "ok", "failed (exit N)", "killed (signal N)", "not run"
 * (into buf). */
const char *gs_sweep_state_text(gs_sweep_out_state s, int code, char *buf, size_t len);

/** Write DIR/sweep.csv (columns case, the axes, status, the fields; a case that did not end
 * ok has empty fields) and DIR/sweep.json ({command, cases, ok, failed, axes, fields, rows}). */
int gs_sweep_write_table(const gs_sweep_out *t, const char *dir, gs_error *err);

/** Write a case's status file: {"case", "exit", "signal", "seconds", "args"} (exit -1 when a
 * signal ended it). */
int gs_sweep_write_status(const char *path, size_t case_no, int exit_code, int sig,
                          double seconds, const char *const *argv, size_t argc, gs_error *err);

/** Write text (len bytes) to path. */
int gs_sweep_write_text(const char *path, const char *text, size_t len, gs_error *err);

#endif
