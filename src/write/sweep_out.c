/* sweep_out.c: the outputs of `gridsplit sweep` (include/gridsplit/write/sweep.h,
 * docs/sweep.md): the merged table (sweep.csv, sweep.json: one row per case, in case order),
 * each case's status file and input files, each under a temporary name and renamed
 * (outfile.c). sweep.json is written by hand, one row per line, so that the values keep the
 * exact text the reader gave them (shortest exact numbers). */
#include "gridsplit/write/sweep.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "write/outfile.h"
#include "write/outfmt.h"

const char *gs_sweep_state_text(gs_sweep_out_state s, int code, char *buf, size_t len)
{
    switch (s) {
    case GS_SWEEP_OK: snprintf(buf, len, "ok"); break;
    case GS_SWEEP_FAILED: snprintf(buf, len, "failed (exit %d)", code); break;
    case GS_SWEEP_KILLED: snprintf(buf, len, "killed (signal %d)", code); break;
    default: snprintf(buf, len, "not run"); break;
    }
    return buf;
}

static const char *state_word(gs_sweep_out_state s)
{
    return s == GS_SWEEP_OK ? "ok" : s == GS_SWEEP_FAILED ? "failed" : s == GS_SWEEP_KILLED ? "killed" : "not run";
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static int write_csv(const gs_sweep_out *t, const char *path, gs_error *err)
{
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    FILE *f = of.f;
    fputs("case", f);
    for (size_t a = 0; a < t->naxes; a++) {
        fputc(',', f);
        gs__csv_str(f, t->axis_names[a]);
    }
    fputs(",status", f);
    for (size_t k = 0; k < t->nfields; k++) {
        fputc(',', f);
        gs__csv_str(f, t->field_names[k]);
    }
    fputc('\n', f);
    for (size_t r = 0; r < t->nrows; r++) {
        const gs_sweep_out_row *row = &t->rows[r];
        char st[64];
        fprintf(f, "%zu", row->case_no);
        for (size_t a = 0; a < t->naxes; a++) {
            fputc(',', f);
            gs__csv_str(f, row->axis[a].csv ? row->axis[a].csv : "");
        }
        fputc(',', f);
        gs__csv_str(f, gs_sweep_state_text(row->state, row->code, st, sizeof st));
        for (size_t k = 0; k < t->nfields; k++) {
            fputc(',', f);
            if (row->state == GS_SWEEP_OK && row->field && row->field[k].csv)
                gs__csv_str(f, row->field[k].csv);
        }
        fputc('\n', f);
    }
    return gs__outfile_commit(&of, err);
}

static int write_json(const gs_sweep_out *t, const char *path, gs_error *err)
{
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    FILE *f = of.f;
    size_t ok = 0;
    for (size_t r = 0; r < t->nrows; r++)
        ok += t->rows[r].state == GS_SWEEP_OK;
    fputs("{\n  \"command\": ", f);
    json_str(f, t->command);
    fprintf(f, ",\n  \"cases\": %zu,\n  \"ok\": %zu,\n  \"failed\": %zu,\n  \"axes\": [", t->nrows, ok,
            t->nrows - ok);
    for (size_t a = 0; a < t->naxes; a++) {
        if (a)
            fputs(", ", f);
        json_str(f, t->axis_names[a]);
    }
    fputs("],\n  \"fields\": [", f);
    for (size_t k = 0; k < t->nfields; k++) {
        fputs(k ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
        json_str(f, t->field_names[k]);
        fputs(", \"path\": ", f);
        json_str(f, t->field_paths[k]);
        fputs("}", f);
    }
    fputs(t->nfields ? "\n  ],\n  \"rows\": [" : "],\n  \"rows\": [", f);
    for (size_t r = 0; r < t->nrows; r++) {
        const gs_sweep_out_row *row = &t->rows[r];
        fprintf(f, "%s\n    {\"case\": %zu, \"status\": \"%s\"", r ? "," : "", row->case_no,
                state_word(row->state));
        if (row->state == GS_SWEEP_FAILED)
            fprintf(f, ", \"exit\": %d", row->code);
        else if (row->state == GS_SWEEP_KILLED)
            fprintf(f, ", \"signal\": %d", row->code);
        fputs(", \"axes\": {", f);
        for (size_t a = 0; a < t->naxes; a++) {
            if (a)
                fputs(", ", f);
            json_str(f, t->axis_names[a]);
            fprintf(f, ": %s", row->axis[a].json ? row->axis[a].json : "null");
        }
        fputs("}, \"fields\": ", f);
        if (row->state != GS_SWEEP_OK || !row->field) {
            fputs("null}", f);
            continue;
        }
        fputc('{', f);
        for (size_t k = 0; k < t->nfields; k++) {
            if (k)
                fputs(", ", f);
            json_str(f, t->field_names[k]);
            fprintf(f, ": %s", row->field[k].json ? row->field[k].json : "null");
        }
        fputs("}}", f);
    }
    fputs(t->nrows ? "\n  ]\n}\n" : "]\n}\n", f);
    return gs__outfile_commit(&of, err);
}

int gs_sweep_write_table(const gs_sweep_out *t, const char *dir, gs_error *err)
{
    char path[1024];
    if (snprintf(path, sizeof path, "%s/sweep.json", dir) >= (int)sizeof path)
        return gs_error_set(err, GS_EINPUT, dir, 0, 0, NULL, "expected a shorter output directory");
    int rc = gs__mkdirs(dir, err);
    if (rc)
        return rc;
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    if ((rc = write_csv(t, path, err)))
        return rc;
    snprintf(path, sizeof path, "%s/sweep.json", dir);
    return write_json(t, path, err);
}

int gs_sweep_write_status(const char *path, size_t case_no, int exit_code, int sig,
                          double seconds, const char *const *argv, size_t argc, gs_error *err)
{
    json_t *root = json_object(), *args = json_array();
    if (!root || !args) {
        json_decref(root);
        json_decref(args);
        return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
    }
    json_object_set_new(root, "case", json_integer((json_int_t)case_no));
    json_object_set_new(root, "exit", json_integer(exit_code));
    json_object_set_new(root, "signal", json_integer(sig));
    json_object_set_new(root, "seconds", gs__json_num(seconds, 4));
    for (size_t i = 0; i < argc; i++)
        json_array_append_new(args, json_string(argv[i] ? argv[i] : ""));
    json_object_set_new(root, "args", args);
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (!rc) {
        if (json_dumpf(root, of.f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) != 0 ||
            fputc('\n', of.f) == EOF) {
            gs__outfile_abort(&of);
            rc = gs_error_set(err, GS_EIO, path, 0, 0, NULL, "cannot write");
        } else {
            rc = gs__outfile_commit(&of, err);
        }
    }
    json_decref(root);
    return rc;
}

int gs_sweep_write_text(const char *path, const char *text, size_t len, gs_error *err)
{
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    if (len && fwrite(text, 1, len, of.f) != len) {
        gs__outfile_abort(&of);
        return gs_error_set(err, GS_EIO, path, 0, 0, NULL, "cannot write");
    }
    return gs__outfile_commit(&of, err);
}
