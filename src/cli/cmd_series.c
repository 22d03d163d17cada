/* cmd_series.c: `gridsplit series FILE`: import a real time-series export (any format of
 * gridsplit/import.h), resample it to a regular UTC series at any step and write it as CSV,
 * with every gap, duplicate, outlier and filled step listed on request (text or JSON).
 * Options: gs_cmd_series_decl (cli/opts.h). Page: docs/series.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "gridsplit/time.h"
#include "gridsplit/read/import.h"
#include "gridsplit/read/tz.h"
#include "write/outfile.h"

static const char *const CMD = "series";

static const gs_opt_decl SERIES_OPTS[] = {
    /* input */
    {.name = "format", .type = GS_OPT_CHOICE, .metavar = "F", .def = "auto",
     .choices = "auto csv price carbon eia930 ercot-dam-spp ercot-dam-as nvidia-smi",
     .help = "input format (docs/import-formats.md); auto: from the header"},
    {.name = "column", .type = GS_OPT_STRING, .metavar = "C",
     .modes = "auto csv carbon eia930 ercot-dam-spp ercot-dam-as",
     .help = "value column: csv: a header name (default: the 2nd column); eia930: cleaned "
             "(default), raw, forecast; carbon: direct (default), lca; ercot-dam-spp: "
             "settlement point (default HB_HUBAVG); ercot-dam-as: REGUP, REGDN, RRS, NSPIN"},
    {.name = "time-column", .type = GS_OPT_STRING, .metavar = "C", .modes = "auto csv",
     .def_help = "the first column", .help = "csv: timestamp column"},
    {.name = "tz", .type = GS_OPT_STRING, .metavar = "Z", .modes = "auto csv nvidia-smi",
     .def_help = "UTC", .help = "IANA zone of timestamps without an offset"},
    {.name = "unit", .type = GS_OPT_STRING, .metavar = "U", .def_help = "from the format",
     .help = "unit label"},
    {.name = "scale", .type = GS_OPT_NUM, .metavar = "X", .def = "1",
     .help = "multiply every value by X, which is not 0"},
    /* output */
    {.name = "step", .type = GS_OPT_STEP, .metavar = "S",
     .def_help = "the data's own step, the median spacing of its points",
     .help = "output step: 300, 90s, 5min, 15min, 1h, hourly, 28d, PT15M, ..."},
    {.name = "method", .type = GS_OPT_CHOICE, .metavar = "M", .choices = "mean hold interp",
     .def = "mean",
     .help = "mean: time-weighted mean of each step (finer steps hold the covering value); "
             "hold: value at each step's start; interp: linear between points, never across a "
             "gap"},
    {.name = "fill", .type = GS_OPT_CHOICE, .metavar = "F", .choices = "none hold interp zero",
     .def = "none", .help = "how gaps are filled; none: gaps stay empty"},
    {.name = "from", .type = GS_OPT_TIME, .metavar = "T", .def_help = "the data's start",
     .help = "start of the period [T, --to), ISO 8601"},
    {.name = "to", .type = GS_OPT_TIME, .metavar = "T", .def_help = "the data's end",
     .help = "end of the period, exclusive"},
    {.name = "out", .type = GS_OPT_OUTFILE, .def_help = "standard output",
     .help = "write the CSV to FILE, whole or not at all"},
    {.name = "report",
     .help = "list every gap, duplicate, outlier and filled step on standard error"},
    {.name = "report-json", .type = GS_OPT_OUTFILE, .metavar = "F", .flags = GS_OPT_STDIO,
     .help = "the same list and the counts as JSON in file F; '-' needs --out FILE for the "
             "series"},
    {0}};

const gs_cmd_decl gs_cmd_series_decl = {
    .name = "series",
    .summary = "import, check and resample a time series",
    .description = "Import a time series (a CSV export, plain or .gz/.zst, or a quoted glob of "
                   "files read in name order; '-' is standard input), resample it to a regular "
                   "UTC step and print it as CSV (timestamp,value; a missing value is an empty "
                   "cell). Each timestamp is the start of the step it covers.\n\n"
                   "Outliers are values further than 8 median absolute deviations (at least 5 % "
                   "of the median) from the median of the 24 points centred on them: reported, "
                   "never changed.",
    .mode_option = "format",
    .args = {.name = "input file", .metavar = "FILE", .type = GS_OPT_INPUT, .min = 1, .max = 1,
             .flags = GS_OPT_GLOB | GS_OPT_STDIO},
    .opts = SERIES_OPTS,
};

static const char *kind_name(int k)
{
    switch (k) {
    case GS_ISSUE_GAP: return "gap";
    case GS_ISSUE_DUPLICATE: return "duplicate";
    case GS_ISSUE_OUTLIER: return "outlier";
    default: return "filled";
    }
}

static void write_series(FILE *f, const gs_series *s)
{
    char ts[24];
    fputs("timestamp,value\n", f);
    for (size_t i = 0; i < s->n; i++) {
        gs_format_time(s->start_s + (int64_t)i * s->step_s, ts);
        if (isnan(s->v[i]))
            fprintf(f, "%s,\n", ts);
        else
            fprintf(f, "%s,%.10g\n", ts, s->v[i]);
    }
}

static void write_report_text(FILE *f, const gs_series *s, const gs_quality *q, size_t npoints)
{
    char ts[24];
    fprintf(f, "series '%s' (%s): %zu points -> %zu steps of %lld s; %zu gaps, %zu duplicates, "
               "%zu outliers, %zu filled\n",
            s->name, s->unit[0] ? s->unit : "no unit", npoints, s->n, (long long)s->step_s, q->gaps,
            q->duplicates, q->outliers, q->filled);
    for (size_t i = 0; i < q->n; i++) {
        const gs_issue *is = &q->issues[i];
        gs_format_time(is->t, ts);
        if (is->kind == GS_ISSUE_GAP)
            fprintf(f, "gap       %s  %lld s missing\n", ts, (long long)is->length_s);
        else
            fprintf(f, "%-9s %s  %.10g\n", kind_name(is->kind), ts, is->value);
    }
}

static void write_report_json(FILE *f, const char *input, const gs_series *s, const gs_quality *q,
                              size_t npoints)
{
    char ts[24];
    fputs("{\n  \"input\": \"", f);
    for (const char *c = input; *c; c++) {
        if (*c == '"' || *c == '\\')
            fputc('\\', f);
        if ((unsigned char)*c >= 0x20)
            fputc(*c, f);
    }
    gs_format_time(s->start_s, ts);
    fprintf(f, "\",\n  \"points\": %zu,\n  \"start\": \"%s\",\n  \"step_s\": %lld,\n  \"steps\": %zu,\n",
            npoints, ts, (long long)s->step_s, s->n);
    fprintf(f, "  \"gaps\": %zu,\n  \"duplicates\": %zu,\n  \"outliers\": %zu,\n  \"filled\": %zu,\n"
               "  \"issues\": [",
            q->gaps, q->duplicates, q->outliers, q->filled);
    for (size_t i = 0; i < q->n; i++) {
        const gs_issue *is = &q->issues[i];
        gs_format_time(is->t, ts);
        fprintf(f, "%s\n    {\"kind\": \"%s\", \"t\": \"%s\"", i ? "," : "", kind_name(is->kind), ts);
        if (is->kind == GS_ISSUE_GAP)
            fprintf(f, ", \"length_s\": %lld}", (long long)is->length_s);
        else
            fprintf(f, ", \"value\": %.10g}", is->value);
    }
    fputs(q->n ? "\n  ]\n}\n" : "]\n}\n", f);
}

/* 1 when --tz names a zone the importer takes: UTC (any of its spellings) or a zone of the
 * system's tz database. */
static int tz_known(const char *z)
{
    return !z || strcasecmp(z, "UTC") == 0 || strcasecmp(z, "Etc/UTC") == 0 ||
           strcasecmp(z, "Z") == 0 || strcasecmp(z, "GMT") == 0 || gs_tz_known(z);
}

/* The command's own checks, after the parse: 0, or the usage error printed (2). */
static int check_relations(const gs_opts *op)
{
    const char *json = gs_opts_str(op, "report-json");
    if (json && strcmp(json, "-") == 0 && !gs_opts_given(op, "out"))
        return gs_opts_fail(op, "report-json", "'-' needs --out FILE: standard output carries "
                                               "the series");
    if (!tz_known(gs_opts_str(op, "tz")))
        return gs_opts_fail(op, "tz", "unknown time zone '%s' (not in the system's tz database)",
                            gs_opts_str(op, "tz"));
    if (gs_opts_num(op, "scale") == 0)
        return gs_opts_fail(op, "scale", "expected a non-zero number, found '%s'",
                            gs_opts_str(op, "scale"));
    if (gs_opts_given(op, "from") && gs_opts_given(op, "to") &&
        gs_opts_time(op, "to") <= gs_opts_time(op, "from"))
        return gs_opts_fail(op, "to", "expected a time after --from (%s), found '%s'",
                            gs_opts_str(op, "from"), gs_opts_str(op, "to"));
    return 0;
}

int gs_cmd_series(int argc, char **argv)
{
    gs_opts *op;
    int rc = gs_opts_cli(&gs_cmd_series_decl, argc, argv, NULL, &op);
    if (!op)
        return rc; /* --help printed (0) or usage error printed (2) */
    if ((rc = check_relations(op))) {
        gs_opts_free(op);
        return rc;
    }
    const char *file = gs_opts_arg(op, 0);
    gs_import_opts io = {0};
    io.format = gs_opts_str(op, "format");
    io.value_column = gs_opts_str(op, "column");
    io.time_column = gs_opts_str(op, "time-column");
    io.tz = gs_opts_str(op, "tz");
    io.unit = gs_opts_str(op, "unit");
    io.scale = gs_opts_num(op, "scale");
    int64_t step = gs_opts_has(op, "step") ? gs_opts_step(op, "step") : 0;
    int have_from = gs_opts_given(op, "from") > 0, have_to = gs_opts_given(op, "to") > 0;
    int64_t from = have_from ? gs_opts_time(op, "from") : 0;
    int64_t to = have_to ? gs_opts_time(op, "to") : 0;
    /* in the order of the choices of --method and --fill */
    static const gs_resample methods[] = {GS_RESAMPLE_MEAN, GS_RESAMPLE_HOLD, GS_RESAMPLE_INTERP};
    static const gs_fill fills[] = {GS_FILL_NONE, GS_FILL_HOLD, GS_FILL_INTERP, GS_FILL_ZERO};
    gs_resample method = methods[gs_opts_choice(op, "method")];
    gs_fill fill = fills[gs_opts_choice(op, "fill")];
    const char *out_path = gs_opts_str(op, "out"), *json_path = gs_opts_str(op, "report-json");
    int report = gs_opts_flag(op, "report");

    gs_error err = {0};
    gs_points *p = NULL;
    rc = gs_import_points(file, &io, &p, &err);
    if (rc != GS_OK) {
        gs_opts_free(op);
        return gs_cli_fail(CMD, &err);
    }
    if ((have_from || have_to) && p->n) {
        /* one end given: the other is the data's own */
        int64_t lo = p->t[0], hi = p->t[0];
        for (size_t i = 1; i < p->n; i++) {
            if (p->t[i] < lo)
                lo = p->t[i];
            if (p->t[i] > hi)
                hi = p->t[i];
        }
        if (!have_from)
            from = lo;
        if (!have_to)
            to = hi + 1;
        if (to <= from) { /* one end given, beyond the data's other end */
            char edge[24];
            gs_format_time(have_from ? hi : lo, edge);
            rc = have_from ? gs_opts_fail(op, "from", "expected a time before the data's end "
                                                       "(%s), found '%s'",
                                          edge, gs_opts_str(op, "from"))
                           : gs_opts_fail(op, "to", "expected a time after the data's start "
                                                     "(%s), found '%s'",
                                          edge, gs_opts_str(op, "to"));
            gs_points_free(p);
            gs_opts_free(op);
            return rc;
        }
        if (step > 0 && !have_from)
            from = from - (from % step + step) % step;
        if (step > 0 && (to - from) % step)
            to += step - (to - from) % step;
    }
    gs_quality q = {0};
    gs_series *s = NULL;
    rc = gs_series_from_points(p, from, to, step, method, fill, &q, &s, &err);
    size_t npoints = p->n;
    gs_points_free(p);
    if (rc != GS_OK) {
        if (!err.file[0])
            snprintf(err.file, sizeof err.file, "%s", file);
        gs_quality_free(&q);
        gs_opts_free(op);
        return gs_cli_fail(CMD, &err);
    }
    int code = 0;
    /* the importer keeps every value within its quantity's range, so the resampled values are
     * finite; should one not be, it is an error, never an "inf" in the output */
    for (size_t i = 0; i < s->n; i++)
        if (isinf(s->v[i])) {
            char ts[24];
            gs_format_time(s->start_s + (int64_t)i * s->step_s, ts);
            gs_error_set(&err, GS_ERUNTIME, file, 0, 0, NULL,
                         "the value of the step at %s is not a finite number: nothing written", ts);
            gs_quality_free(&q);
            gs_series_free(s);
            gs_opts_free(op);
            return gs_cli_fail(CMD, &err);
        }
    if (out_path) {
        gs__outfile o;
        if ((rc = gs__outfile_open(&o, out_path, &err)) == GS_OK) {
            write_series(o.f, s);
            rc = gs__outfile_commit(&o, &err);
        }
        if (rc != GS_OK)
            code = gs_cli_fail(CMD, &err);
    } else {
        write_series(stdout, s);
        if (fflush(stdout) != 0) {
            gs_error_set(&err, GS_EIO, "stdout", 0, 0, NULL, "cannot write the series");
            code = gs_cli_fail(CMD, &err);
        }
    }
    if (!code && report)
        write_report_text(stderr, s, &q, npoints);
    if (!code && json_path) {
        if (strcmp(json_path, "-") == 0) {
            write_report_json(stdout, file, s, &q, npoints);
        } else {
            gs__outfile o;
            if ((rc = gs__outfile_open(&o, json_path, &err)) == GS_OK) {
                write_report_json(o.f, file, s, &q, npoints);
                rc = gs__outfile_commit(&o, &err);
            }
            if (rc != GS_OK)
                code = gs_cli_fail(CMD, &err);
        }
    }
    gs_quality_free(&q);
    gs_series_free(s);
    gs_opts_free(op);
    return code;
}
