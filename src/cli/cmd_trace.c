/* cmd_trace.c: `gridsplit trace FILE`: read a GPU power log (nvidia-smi per-GPU or summed) with
 * the importer, run the trace engine (gridsplit/trace.h) and print the steady level, the
 * checkpoint dips and their rhythm as text, JSON, or a fleet-file fragment of a training run's
 * keys (checkpoint, and utilisation when the GPU model is known; durations in the grammar of
 * gridsplit/duration.h), which `gridsplit check` accepts pasted into a run. The GPUs of a
 * per-GPU nvidia-smi log are those the importer detects, unless --gpus says otherwise.
 * Options: gs_cmd_trace_decl (cli/opts.h). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "gridsplit/duration.h"
#include "gridsplit/fleet.h"
#include "gridsplit/time.h"
#include "gridsplit/trace.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/import.h"

static const char *const CMD = "trace";

static const gs_opt_decl TRACE_OPTS[] = {
    {.name = "format", .type = GS_OPT_CHOICE, .choices = "text json yaml-params", .def = "text",
     .metavar = "F", .help = "output; yaml-params: the fitted training-model parameters as a "
                             "fleet-file fragment"},
    {.name = "emit-params", .means = "format=yaml-params",
     .help = "the fitted training-model parameters as a fleet-file fragment"},
    {.name = "gpus", .type = GS_OPT_INT, .range = "[1, 1000000]",
     .def_help = "the GPUs per sample of a per-GPU nvidia-smi log, else 1",
     .help = "GPUs in the log, to give the steady power per GPU"},
    {.name = "gpu", .type = GS_OPT_STRING, .metavar = "MODEL",
     .def_help = "none (no utilisation entry)",
     .help = "the log's GPU model, an id of the built-in catalogue (H100, B200, ...): the "
             "steady power per GPU then gives the run's utilisation"},
    {.name = "dips", .modes = "text", .help = "list every dip"},
    {.name = "from", .type = GS_OPT_DURATION, .metavar = "S", .def = "0s",
     .help = "analyse only from this offset after the log's first sample"},
    {.name = "to", .type = GS_OPT_DURATION, .metavar = "S", .range = "(0s, inf)",
     .def_help = "the log's end",
     .help = "analyse only up to this offset after the log's first sample, exclusive"},
    {.name = "dip-below", .type = GS_OPT_NUM, .metavar = "F", .range = "(0, 1]", .def = "0.6",
     .help = "a dip starts below F x the steady plateau"},
    {.name = "dip-above", .type = GS_OPT_NUM, .metavar = "F", .range = "(0, 1]",
     .def_help = "0.7, or --dip-below when that is higher",
     .help = "and ends above F x the steady plateau; at least --dip-below"},
    {.name = "min-dip", .type = GS_OPT_DURATION, .range = "(0s, 1d]", .def = "2s",
     .help = "shorter low stretches are noise"},
    {.name = "smooth", .type = GS_OPT_DURATION, .range = "(0s, 1h]", .def = "0.5s",
     .help = "running-median window"},
    {.name = "steady", .type = GS_OPT_NUM, .metavar = "W", .unit = "W", .range = "(0, inf)",
     .def_help = "the measured plateau", .help = "test dips against this level"},
    {.name = "stop-frac", .type = GS_OPT_NUM, .metavar = "F", .range = "(0, 1]", .def = "0.75",
     .help = "a low stretch below F x the median level of all of them is a stop (the job "
             "halted near idle), not a checkpoint"},
    {.name = "regular-tol", .type = GS_OPT_NUM, .metavar = "F", .range = "(0, 1]",
     .def = "0.25", .help = "dips are periodic when the median absolute deviation of their "
                            "intervals is at most F x the median interval"},
    {.name = "input-format", .type = GS_OPT_CHOICE, .metavar = "X",
     .choices = "auto csv price carbon eia930 ercot-dam-spp ercot-dam-as nvidia-smi",
     .def = "nvidia-smi", .help = "importer format (see 'gridsplit series'); other formats give "
                                  "values in the file's unit"},
    {0}};

const gs_cmd_decl gs_cmd_trace_decl = {
    .name = "trace",
    .summary = "find the checkpoint rhythm in a GPU power log",
    .description = "Find the checkpoint rhythm in a GPU power log: the steady training level, "
                   "the dips (checkpoints), their median period and length, and the share of "
                   "time they take. FILE is an nvidia-smi CSV log (per-GPU rows, summed per "
                   "sample) or its summed form (datetime,power_watts,...), plain or compressed "
                   "(.zst, .gz), or a quoted glob; '-' is standard input. Start-up (idle, ramp) "
                   "and the tail after the run are not dips: dips are looked for only inside "
                   "the training span.",
    .mode_option = "format",
    .args = {.name = "power log", .metavar = "FILE", .type = GS_OPT_INPUT, .min = 1, .max = 1,
             .flags = GS_OPT_GLOB | GS_OPT_STDIO},
    .opts = TRACE_OPTS,
};

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

/* seconds to 0.1 s, as the text shows them, in the one grammar (gridsplit/duration.h): "252s",
 * "17.6s", "2min"; a fleet file reads it back. */
static void duration_text(double s, char *buf, size_t len)
{
    char tenths[64];
    snprintf(tenths, sizeof tenths, "%.1f", s);
    gs_duration_format(strtod(tenths, NULL), buf, len);
}

/* The run's utilisation from the steady power per GPU: the training model draws
 * idle_w + utilisation x (board_w - idle_w) per GPU (src/load/training.c); NaN when the GPU is
 * unknown or the level falls outside (0, 1] of that range. */
static double utilisation_of(const gs_gpu *g, double w_per_gpu)
{
    if (!g || !(g->board_w > g->idle_w))
        return NAN;
    double u = (w_per_gpu - g->idle_w) / (g->board_w - g->idle_w);
    return u > 0 && u <= 1 ? u : NAN;
}

static void print_params(const char *file, const gs_trace_result *r, int gpus, const gs_gpu *g)
{
    printf("# fitted by gridsplit trace from %s: %zu checkpoint dips, %zu intervals, in a %.1f s "
           "training span\n",
           file, r->ndips, r->nintervals, r->span_s);
    if (r->periodic) {
        char interval[40], duration[40];
        duration_text(r->dip_period_s, interval, sizeof interval);
        duration_text(r->dip_duration_s, duration, sizeof duration);
        printf("checkpoint: {interval: %s, duration: %s, power_frac: %.3f}\n", interval, duration,
               r->dip_w / r->steady_w);
    } else {
        printf("# no periodic checkpoint dips found: no checkpoint entry\n");
    }
    double w = r->steady_w / gpus;
    /* the level as printed, so that the comment's arithmetic gives the printed utilisation */
    char wt[64];
    snprintf(wt, sizeof wt, "%.1f", w);
    w = strtod(wt, NULL);
    double u = utilisation_of(g, w);
    if (isfinite(u))
        printf("utilisation: %.3f  # steady %.1f W per GPU (%.1f W / %d GPU%s) on %s: (%.1f - "
               "idle_w %g) / (board_w %g - idle_w %g)\n",
               u, w, r->steady_w, gpus, gpus == 1 ? "" : "s", g->id, w, g->idle_w, g->board_w,
               g->idle_w);
    else if (g)
        printf("# steady %.1f W per GPU (%.1f W / %d GPU%s) is outside %s's range from idle_w %g "
               "to board_w %g W: no utilisation entry\n",
               w, r->steady_w, gpus, gpus == 1 ? "" : "s", g->id, g->idle_w, g->board_w);
    else
        printf("# steady %.1f W per GPU (%.1f W / %d GPU%s); --gpu MODEL gives the run's "
               "utilisation\n",
               w, r->steady_w, gpus, gpus == 1 ? "" : "s");
}

int gs_cmd_trace(int argc, char **argv)
{
    gs_opts *op;
    int rc = gs_opts_cli(&gs_cmd_trace_decl, argc, argv, NULL, &op);
    if (!op)
        return rc; /* --help printed (0) or usage error printed (2) */
    const char *file = gs_opts_arg(op, 0);
    const char *format = gs_opts_mode(op);
    int gpus = gs_opts_has(op, "gpus") ? (int)gs_opts_int(op, "gpus") : 0; /* 0: from the log */
    int list = gs_opts_flag(op, "dips");
    gs_trace_opts o = {0};
    o.from_s = gs_opts_dur(op, "from");
    o.to_s = gs_opts_has(op, "to") ? gs_opts_dur(op, "to") : 0;
    o.dip_below = gs_opts_num(op, "dip-below");
    /* the engine's rule: --dip-above defaults to 0.7, or to --dip-below when that is higher */
    o.dip_above = gs_opts_has(op, "dip-above") ? gs_opts_num(op, "dip-above")
                  : o.dip_below > 0.7          ? o.dip_below
                                               : 0.7;
    o.min_dip_s = gs_opts_dur(op, "min-dip");
    o.smooth_s = gs_opts_dur(op, "smooth");
    o.steady_w = gs_opts_has(op, "steady") ? gs_opts_num(op, "steady") : 0;
    o.stop_frac = gs_opts_num(op, "stop-frac");
    o.regular_tol = gs_opts_num(op, "regular-tol");
    if (o.to_s > 0 && o.to_s <= o.from_s) {
        rc = gs_opts_fail(op, "to", "expected an offset after --from (%s), found '%s'",
                          gs_opts_str(op, "from"), gs_opts_str(op, "to"));
        gs_opts_free(op);
        return rc;
    }
    if (o.dip_above < o.dip_below) {
        rc = gs_opts_fail(op, "dip-above", "expected a share >= --dip-below (%s), found '%s'",
                          gs_opts_str(op, "dip-below"), gs_opts_str(op, "dip-above"));
        gs_opts_free(op);
        return rc;
    }

    gs_error err = {0};
    gs_gpu *catalog = NULL, *gpu = NULL;
    size_t ncatalog = 0;
    if (gs_opts_has(op, "gpu")) {
        const char *want = gs_opts_str(op, "gpu");
        if ((rc = gs_gpu_catalog(&catalog, &ncatalog, &err)) != 0) {
            gs_opts_free(op);
            return gs_cli_fail(CMD, &err);
        }
        char ids[256] = "";
        size_t used = 0;
        for (size_t i = 0; i < ncatalog; i++) {
            if (strcmp(catalog[i].id, want) == 0)
                gpu = &catalog[i];
            int k = snprintf(ids + used, sizeof ids - used, "%s%s", i ? ", " : "", catalog[i].id);
            if (k > 0 && (size_t)k < sizeof ids - used)
                used += (size_t)k;
        }
        if (!gpu) {
            rc = gs_opts_fail(op, "gpu", "expected a GPU model of the built-in catalogue (%s), "
                              "found '%s'", ids, want);
            free(catalog);
            gs_opts_free(op);
            return rc;
        }
    }
    size_t detected = 0;
    gs_import_opts io = {.format = gs_opts_str(op, "input-format"), .gpus_out = &detected};
    gs_points *p = NULL;
    if ((rc = gs_import_points(file, &io, &p, &err)) != 0) {
        free(catalog);
        gs_opts_free(op);
        return gs_cli_fail(CMD, &err);
    }
    if (gpus == 0)
        gpus = detected > 0 && detected <= 1000000 ? (int)detected : 1;
    gs_trace_result *r = NULL;
    rc = gs_trace_analyze(p, &o, &r, &err);
    if (rc != 0) {
        if (rc == GS_EINPUT && !err.file[0])
            snprintf(err.file, sizeof err.file, "%s", file);
        gs_points_free(p);
        free(catalog);
        gs_opts_free(op);
        return gs_cli_fail(CMD, &err);
    }
    const char *unit = p->unit[0] ? p->unit : "W";
    if (strcmp(format, "json") == 0)
        print_json(file, r, gpus);
    else if (strcmp(format, "yaml-params") == 0)
        print_params(file, r, gpus, gpu);
    else
        print_text(file, unit, r, gpus, &o, list);
    gs_trace_result_free(r);
    gs_points_free(p);
    free(catalog);
    gs_opts_free(op);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "gridsplit trace: writing the output failed\n");
        return 1;
    }
    return 0;
}
