/* cmd_trace.c: `gridsplit trace FILE`: read a GPU power log (nvidia-smi per-GPU or summed) with
 * the importer, run the trace engine (gridsplit/trace.h) and print the steady level, the
 * checkpoint dips and their rhythm as text, JSON, or a fleet-file fragment of the training
 * model's parameters. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "gridsplit/time.h"
#include "gridsplit/trace.h"
#include "gridsplit/read/import.h"

static const char *const CMD = "trace";

static void usage(FILE *out)
{
    fprintf(out,
            "usage: gridsplit trace [OPTIONS] FILE\n\n"
            "Find the checkpoint rhythm in a GPU power log: the steady training level, the dips\n"
            "(checkpoints), their median period and length, and the share of time they take.\n"
            "FILE is an nvidia-smi CSV log (per-GPU rows, summed per sample) or its summed form\n"
            "(datetime,power_watts,...), plain or compressed (.zst, .gz), or a quoted glob.\n"
            "Start-up (idle, ramp) and the tail after the run are not dips: dips are looked\n"
            "for only inside the training span.\n\n"
            "Options:\n"
            "  --format F        text (default), json, or yaml-params\n"
            "  --emit-params     same as --format yaml-params: the fitted training-model\n"
            "                    parameters as a fleet-file fragment\n"
            "  --gpus N          GPUs in the log, to give the steady power per GPU (default 1)\n"
            "  --dips            text: list every dip\n"
            "  --from S, --to S  analyse only [S, S) seconds from the log's first sample\n"
            "  --dip-below F     a dip starts below F x the steady plateau (default 0.6)\n"
            "  --dip-above F     and ends above F x the steady plateau (default 0.7)\n"
            "  --min-dip S       shorter low stretches are noise (default 2 s)\n"
            "  --smooth S        running-median window (default 0.5 s)\n"
            "  --steady W        test dips against this level instead of the measured plateau\n"
            "  --stop-frac F     a low stretch below F x the median level of all of them is a\n"
            "                    stop (the job halted near idle), not a checkpoint (default 0.75)\n"
            "  --regular-tol F   dips are periodic when the median absolute deviation of their\n"
            "                    intervals is at most F x the median interval (default 0.25)\n"
            "  --input-format X  importer format (default nvidia-smi; see 'gridsplit series')\n"
            "  -h, --help        this text\n\n"
            "Exit codes: 0 ok, 2 bad input or usage, 1 run-time failure.\n");
}

/* Parse a finite number for option name; returns 0 or prints and returns 2. */
static int parse_num(const char *name, const char *text, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(x))
        return gs_cli_usage_error(CMD, "option %s: expected a number, found '%s'", name, text);
    *out = x;
    return 0;
}

static void jnum(const char *key, double x, int decimals, int *first)
{
    printf("%s\"%s\": ", *first ? "" : ", ", key);
    *first = 0;
    if (isfinite(x))
        printf("%.*f", decimals, x);
    else
        printf("null");
}

static void print_json(const char *file, const gs_trace_result *r, int gpus)
{
    int first = 1;
    printf("{");
    jnum("steady_w", r->steady_w, 1, &first);
    jnum("dip_w", r->dip_w, 1, &first);
    jnum("dip_period_s", r->dip_period_s, 2, &first);
    jnum("dip_duration_s", r->dip_duration_s, 2, &first);
    jnum("dip_share", r->dip_share, 4, &first);
    json_t *js = json_string(file);
    char *fs = js ? json_dumps(js, JSON_ENCODE_ANY) : NULL;
    printf(", \"file\": %s", fs ? fs : "null");
    free(fs);
    json_decref(js);
    printf(", \"samples\": %zu", r->samples);
    jnum("sample_s", r->sample_s, 3, &first);
    jnum("duration_s", r->duration_s, 2, &first);
    jnum("floor_w", r->floor_w, 1, &first);
    jnum("plateau_w", r->ref_w, 1, &first);
    jnum("start_s", r->start_s, 2, &first);
    jnum("end_s", r->end_s, 2, &first);
    jnum("span_s", r->span_s, 2, &first);
    printf(", \"dips\": %zu, \"stops\": %zu", r->ndips, r->nstops);
    jnum("stop_s", r->stop_s, 2, &first);
    printf(", \"periodic\": %s, \"intervals\": %zu", r->periodic ? "true" : "false", r->nintervals);
    jnum("dip_interval_min_s", r->dip_interval_min_s, 2, &first);
    jnum("dip_interval_max_s", r->dip_interval_max_s, 2, &first);
    jnum("dip_regularity", r->dip_regularity, 3, &first);
    jnum("power_frac", r->ndips ? r->dip_w / r->steady_w : NAN, 3, &first);
    printf(", \"gpus\": %d", gpus);
    jnum("steady_w_per_gpu", r->steady_w / gpus, 1, &first);
    printf(", \"dip_list\": [");
    for (size_t i = 0; i < r->ndips; i++)
        printf("%s{\"start_s\": %.2f, \"duration_s\": %.2f, \"level_w\": %.1f, \"stop\": %s}",
               i ? ", " : "", r->dips[i].start_s, r->dips[i].duration_s, r->dips[i].level_w,
               r->dips[i].stop ? "true" : "false");
    printf("]}\n");
}

static void print_text(const char *file, const char *unit, const gs_trace_result *r, int gpus,
                       const gs_trace_opts *o, int list)
{
    printf("trace %s: %zu samples every %.2f s over %.1f s (%s)\n", file, r->samples, r->sample_s,
           r->duration_s, unit);
    if (!isfinite(r->start_s)) {
        printf("training span   none: power never reaches %.0f %% of the %.0f %s plateau\n",
               100 * (o->dip_above > 0 ? o->dip_above : 0.7), r->ref_w, unit);
        printf("steady          %.0f %s (median of the whole log)\n", r->steady_w, unit);
        return;
    }
    printf("training span   %.1f .. %.1f s (%.1f s); before it start-up, after it the tail\n",
           r->start_s, r->end_s, r->span_s);
    printf("idle floor      %.0f %s\n", r->floor_w, unit);
    if (gpus > 1)
        printf("steady          %.0f %s (%.1f %s per GPU, %d GPUs)\n", r->steady_w, unit,
               r->steady_w / gpus, unit, gpus);
    else
        printf("steady          %.0f %s\n", r->steady_w, unit);
    if (r->nstops > 0)
        printf("stops           %zu, %.1f s in all (power near idle: the job halted; not "
               "counted as checkpoints)\n",
               r->nstops, r->stop_s);
    if (r->ndips == 0) {
        printf("dips            none: power never fell below %.0f %% of the %.0f %s plateau for "
               "%.0f s or more inside the span\n",
               100 * (o->dip_below > 0 ? o->dip_below : 0.6), r->ref_w, unit,
               o->min_dip_s > 0 ? o->min_dip_s : 2.0);
        printf("period          none (no dips)\n");
        return;
    }
    printf("dips            %zu, at %.0f %s (%.2f of steady), median %.1f s long\n", r->ndips,
           r->dip_w, unit, r->dip_w / r->steady_w, r->dip_duration_s);
    if (r->periodic)
        printf("period          %.1f s (median start-to-start of %zu interval%s: %.1f .. %.1f s, "
               "regularity %.2f)\n",
               r->dip_period_s, r->nintervals, r->nintervals == 1 ? "" : "s",
               r->dip_interval_min_s, r->dip_interval_max_s, r->dip_regularity);
    else if (r->nintervals == 0)
        printf("period          none: no two consecutive checkpoint dips\n");
    else
        printf("period          none: intervals %.1f .. %.1f s are irregular (regularity %.2f)\n",
               r->dip_interval_min_s, r->dip_interval_max_s, r->dip_regularity);
    printf("time lost       %.3f of the running span in checkpoint dips\n", r->dip_share);
    if (list)
        for (size_t i = 0; i < r->ndips + r->nstops; i++)
            printf("  %-4s %3zu  at %8.1f s  for %6.1f s  at %.0f %s\n",
                   r->dips[i].stop ? "stop" : "dip", i + 1, r->dips[i].start_s,
                   r->dips[i].duration_s, r->dips[i].level_w, unit);
}

static void print_params(const char *file, const gs_trace_result *r, int gpus)
{
    printf("# fitted by gridsplit trace from %s: %zu checkpoint dips, %zu intervals, in a %.1f s "
           "training span\n",
           file, r->ndips, r->nintervals, r->span_s);
    if (r->periodic)
        printf("checkpoint: {interval: %.1fs, duration: %.1fs, power_frac: %.3f}\n",
               r->dip_period_s, r->dip_duration_s, r->dip_w / r->steady_w);
    else
        printf("# no periodic checkpoint dips found: no checkpoint entry\n");
    printf("steady_w_per_gpu: %.1f  # %.1f W / %d GPU%s\n", r->steady_w / gpus, r->steady_w, gpus,
           gpus == 1 ? "" : "s");
}

int gs_cmd_trace(int argc, char **argv)
{
    gs_trace_opts o = {0};
    const char *file = NULL, *format = "text", *input_format = "nvidia-smi";
    int gpus = 1, list = 0, rc;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--emit-params") == 0) {
            format = "yaml-params";
            continue;
        }
        if (strcmp(a, "--dips") == 0) {
            list = 1;
            continue;
        }
        if (a[0] == '-' && a[1] == '-') {
            if (i + 1 >= argc)
                return gs_cli_usage_error(CMD, "option %s needs a value", a);
            const char *v = argv[++i];
            double x = 0;
            if (strcmp(a, "--format") == 0) {
                if (strcmp(v, "text") && strcmp(v, "json") && strcmp(v, "yaml-params"))
                    return gs_cli_usage_error(CMD, "option --format: expected text, json or "
                                                   "yaml-params, found '%s'", v);
                format = v;
            } else if (strcmp(a, "--input-format") == 0) {
                input_format = v;
            } else if (strcmp(a, "--gpus") == 0) {
                if ((rc = parse_num(a, v, &x)))
                    return rc;
                if (x < 1 || x > 1e6 || x != floor(x))
                    return gs_cli_usage_error(CMD, "option --gpus: expected a whole number >= 1, "
                                                   "found '%s'", v);
                gpus = (int)x;
            } else {
                static const struct {
                    const char *name;
                    size_t off;
                } nums[] = {
                    {"--from", offsetof(gs_trace_opts, from_s)},
                    {"--to", offsetof(gs_trace_opts, to_s)},
                    {"--dip-below", offsetof(gs_trace_opts, dip_below)},
                    {"--dip-above", offsetof(gs_trace_opts, dip_above)},
                    {"--min-dip", offsetof(gs_trace_opts, min_dip_s)},
                    {"--smooth", offsetof(gs_trace_opts, smooth_s)},
                    {"--steady", offsetof(gs_trace_opts, steady_w)},
                    {"--regular-tol", offsetof(gs_trace_opts, regular_tol)},
                    {"--stop-frac", offsetof(gs_trace_opts, stop_frac)},
                };
                size_t k = 0;
                while (k < sizeof nums / sizeof nums[0] && strcmp(a, nums[k].name) != 0)
                    k++;
                if (k == sizeof nums / sizeof nums[0])
                    return gs_cli_usage_error(CMD, "unknown option '%s'", a);
                if ((rc = parse_num(a, v, &x)))
                    return rc;
                if (x <= 0 && strcmp(a, "--from") != 0)
                    return gs_cli_usage_error(CMD, "option %s: expected a value > 0, found '%s'", a, v);
                *(double *)((char *)&o + nums[k].off) = x;
            }
            continue;
        }
        if (file)
            return gs_cli_usage_error(CMD, "expected one FILE, found '%s' and '%s'", file, a);
        file = a;
    }
    if (!file)
        return gs_cli_usage_error(CMD, "expected a FILE (a GPU power log)");

    gs_error err = {0};
    gs_import_opts io = {.format = input_format};
    gs_points *p = NULL;
    if ((rc = gs_import_points(file, &io, &p, &err)) != 0)
        return gs_cli_fail(CMD, &err);
    gs_trace_result *r = NULL;
    rc = gs_trace_analyze(p, &o, &r, &err);
    if (rc != 0) {
        if (rc == GS_EINPUT && !err.file[0])
            snprintf(err.file, sizeof err.file, "%s", file);
        gs_points_free(p);
        return gs_cli_fail(CMD, &err);
    }
    const char *unit = p->unit[0] ? p->unit : "W";
    if (strcmp(format, "json") == 0)
        print_json(file, r, gpus);
    else if (strcmp(format, "yaml-params") == 0)
        print_params(file, r, gpus);
    else
        print_text(file, unit, r, gpus, &o, list);
    gs_trace_result_free(r);
    gs_points_free(p);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "gridsplit trace: writing the output failed\n");
        return 1;
    }
    return 0;
}
