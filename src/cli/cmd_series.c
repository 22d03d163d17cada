/* cmd_series.c: `gridsplit series FILE`: import a real time-series export (any format of
 * gridsplit/import.h), resample it to a regular UTC series at any step and write it as CSV,
 * with every gap, duplicate, outlier and filled step listed on request (text or JSON).
 * Page: docs/series.md. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "gridsplit/time.h"
#include "gridsplit/read/import.h"
#include "write/outfile.h"

static const char *const CMD = "series";

static void usage(FILE *out)
{
    fprintf(out,
            "usage: gridsplit series FILE [OPTIONS]\n\n"
            "Import a time series (a CSV export, plain or .gz/.zst, or a quoted glob of files read\n"
            "in name order), resample it to a regular UTC step and print it as CSV\n"
            "(timestamp,value; a missing value is an empty cell). Each timestamp is the start\n"
            "of the step it covers.\n\n"
            "Input:\n"
            "  --format F        auto (default: from the header), csv, price, carbon, eia930,\n"
            "                    ercot-dam-spp, ercot-dam-as, nvidia-smi (docs/import-formats.md)\n"
            "  --column C        value column: csv: a header name (default: the 2nd column);\n"
            "                    eia930: cleaned (default), raw, forecast; carbon: direct\n"
            "                    (default), lca; ercot-dam-spp: settlement point (default\n"
            "                    HB_HUBAVG); ercot-dam-as: REGUP, REGDN, RRS, NSPIN\n"
            "  --time-column C   csv: timestamp column (default: the first column)\n"
            "  --tz Z            IANA zone of timestamps without an offset (default UTC)\n"
            "  --unit U          unit label (default: from the format)\n"
            "  --scale X         multiply every value by X\n\n"
            "Output:\n"
            "  --step S          300, 90s, 5min, 15min, 1h, hourly, 28d, PT15M... (default: the\n"
            "                    data's own step, the median spacing of its points)\n"
            "  --method M        mean (default: time-weighted mean of each step; finer steps hold\n"
            "                    the covering value), hold (value at each step's start),\n"
            "                    interp (linear between points, never across a gap)\n"
            "  --fill F          none (default: gaps stay empty), hold, interp, zero\n"
            "  --from T, --to T  the period [T, T) in ISO 8601 (default: the data's span)\n"
            "  --out FILE        write the CSV to FILE (written whole or not at all)\n"
            "  --report          list every gap, duplicate, outlier and filled step on stderr\n"
            "  --report-json F   the same list and the counts as JSON in file F ('-': stdout\n"
            "                    when --out is given)\n"
            "  -h, --help        this text\n\n"
            "Outliers are values further than 8 median absolute deviations (at least 5 %% of the\n"
            "median) from the median of the 24 points centred on them: reported, never changed.\n\n"
            "Exit codes: 0 ok, 2 bad input or usage, 1 run-time failure.\n");
}

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

static int parse_enum(const char *opt, const char *text, const char *const *names, int n, int *out)
{
    for (int i = 0; i < n; i++)
        if (strcmp(text, names[i]) == 0) {
            *out = i;
            return 0;
        }
    char list[128] = "";
    size_t u = 0;
    for (int i = 0; i < n; i++)
        u += (size_t)snprintf(list + u, sizeof list - u, "%s%s", i ? ", " : "", names[i]);
    return gs_cli_usage_error(CMD, "option %s: expected one of %s, found '%s'", opt, list, text);
}

int gs_cmd_series(int argc, char **argv)
{
    gs_import_opts io = {0};
    const char *file = NULL, *step_txt = NULL, *from_txt = NULL, *to_txt = NULL, *out_path = NULL,
               *json_path = NULL;
    int method = GS_RESAMPLE_MEAN, fill = GS_FILL_NONE, report = 0;
    static const char *const methods[] = {"mean", "hold", "interp"};
    static const char *const fills[] = {"none", "hold", "interp", "zero"};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--report") == 0) {
            report = 1;
            continue;
        }
        if (strncmp(a, "--", 2) == 0) {
            static const char *const with_value[] = {"--format", "--column", "--time-column", "--tz",
                                                     "--unit", "--scale", "--step", "--method",
                                                     "--fill", "--from", "--to", "--out",
                                                     "--report-json"};
            const char *eq = strchr(a, '=');
            size_t nl = eq ? (size_t)(eq - a) : strlen(a);
            const char *opt = NULL;
            for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
                if (strlen(with_value[k]) == nl && strncmp(a, with_value[k], nl) == 0)
                    opt = with_value[k];
            if (!opt)
                return gs_cli_usage_error(CMD, "unknown option '%s'", a);
            const char *v = eq ? eq + 1 : NULL;
            if (!v) {
                if (i + 1 >= argc)
                    return gs_cli_usage_error(CMD, "option %s: expected a value, found none", opt);
                v = argv[++i];
            }
            if (strcmp(opt, "--format") == 0)
                io.format = v;
            else if (strcmp(opt, "--column") == 0)
                io.value_column = v;
            else if (strcmp(opt, "--time-column") == 0)
                io.time_column = v;
            else if (strcmp(opt, "--tz") == 0)
                io.tz = v;
            else if (strcmp(opt, "--unit") == 0)
                io.unit = v;
            else if (strcmp(opt, "--scale") == 0) {
                char *end;
                errno = 0;
                io.scale = strtod(v, &end);
                if (end == v || *end || errno || !isfinite(io.scale) || io.scale == 0)
                    return gs_cli_usage_error(CMD, "option --scale: expected a non-zero number, found '%s'", v);
            } else if (strcmp(opt, "--step") == 0)
                step_txt = v;
            else if (strcmp(opt, "--method") == 0) {
                if (parse_enum(opt, v, methods, 3, &method))
                    return 2;
            } else if (strcmp(opt, "--fill") == 0) {
                if (parse_enum(opt, v, fills, 4, &fill))
                    return 2;
            } else if (strcmp(opt, "--from") == 0)
                from_txt = v;
            else if (strcmp(opt, "--to") == 0)
                to_txt = v;
            else if (strcmp(opt, "--out") == 0)
                out_path = v;
            else
                json_path = v;
            continue;
        }
        if (file)
            return gs_cli_usage_error(CMD, "expected one input FILE, found a second: '%s' (quote a glob)", a);
        file = a;
    }
    if (!file)
        return gs_cli_usage_error(CMD, "expected an input FILE, found none");
    if (json_path && strcmp(json_path, "-") == 0 && !out_path)
        return gs_cli_usage_error(CMD, "option --report-json -: needs --out (stdout carries the series)");

    gs_error err = {0};
    int64_t step = 0, from = 0, to = 0;
    if (step_txt && gs_parse_step(step_txt, &step, &err) != GS_OK) {
        snprintf(err.field, sizeof err.field, "--step");
        return gs_cli_fail(CMD, &err);
    }
    if (from_txt && gs_parse_time(from_txt, &from, &err) != GS_OK) {
        snprintf(err.field, sizeof err.field, "--from");
        return gs_cli_fail(CMD, &err);
    }
    if (to_txt && gs_parse_time(to_txt, &to, &err) != GS_OK) {
        snprintf(err.field, sizeof err.field, "--to");
        return gs_cli_fail(CMD, &err);
    }

    gs_points *p = NULL;
    int rc = gs_import_points(file, &io, &p, &err);
    if (rc != GS_OK)
        return gs_cli_fail(CMD, &err);
    if ((from_txt || to_txt) && p->n) {
        /* one end given: the other is the data's own */
        int64_t lo = p->t[0], hi = p->t[0];
        for (size_t i = 1; i < p->n; i++) {
            if (p->t[i] < lo)
                lo = p->t[i];
            if (p->t[i] > hi)
                hi = p->t[i];
        }
        if (!from_txt)
            from = lo;
        if (!to_txt)
            to = hi + 1;
        if (to <= from) {
            gs_points_free(p);
            return gs_cli_usage_error(CMD, "option --to: expected a time after --from, found %s", to_txt ? to_txt : "the data's end");
        }
        if (step > 0 && !from_txt)
            from = from - (from % step + step) % step;
        if (step > 0 && (to - from) % step)
            to += step - (to - from) % step;
    }
    gs_quality q = {0};
    gs_series *s = NULL;
    rc = gs_series_from_points(p, from, to, step, (gs_resample)method, (gs_fill)fill, &q, &s, &err);
    size_t npoints = p->n;
    gs_points_free(p);
    if (rc != GS_OK) {
        if (!err.file[0])
            snprintf(err.file, sizeof err.file, "%s", file);
        gs_quality_free(&q);
        return gs_cli_fail(CMD, &err);
    }
    int code = 0;
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
    return code;
}
