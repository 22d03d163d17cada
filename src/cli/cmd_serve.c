/* cmd_serve.c: `gridsplit serve CONFIG.yaml [--check] [--port-file FILE] [--log text|json]`:
 * the daemon above the workload scheduler (src/daemon/serve.c; docs/serve.md). `--check`
 * validates the configuration and its fleet without starting. Built where the daemon is
 * (GS_HAVE_SERVE: libslurm and the daemon's libraries were found). */
#ifdef GS_HAVE_SERVE
#include <stdio.h>

#include "cli/cli.h"
#include "daemon/serve.h"

static const gs_opt_decl SERVE_OPTS[] = {
    {.name = "check",
     .help = "check the configuration and its fleet, print what was found, and exit (0 ok, 2 "
             "bad input) without starting"},
    {.name = "port-file", .type = GS_OPT_OUTFILE, .metavar = "FILE",
     .help = "once listening, write the port bound to FILE (useful with http.listen port 0)"},
    {.name = "log", .type = GS_OPT_CHOICE, .choices = "json text", .def = "json",
     .help = "log lines on standard error: one JSON object per line, or text"},
    {0}};

const gs_cmd_decl gs_cmd_serve_decl = {
    .name = "serve",
    .summary = "run the daemon above Slurm: live load by class, grid events, actions, restore",
    .usage = "CONFIG.yaml [options]",
    .description =
        "Run gridsplit as a daemon next to the workload scheduler. It reads which jobs run where "
        "(Slurm, through libslurm), classifies each as training or inference by the "
        "configuration's mapping, measures or models each site's MW by class, takes grid events "
        "over HTTP (POST /v1/events, native or OpenADR 3), plans them with the same planner as "
        "`plan` and `simulate`, carries the plan out (checkpoint signal, suspend, power cap), "
        "confirms every action by reading the job back, restores every touched job at the "
        "event's end, and journals every step in SQLite so that a restart after a crash picks up "
        "where it stopped. Stops cleanly on SIGTERM or SIGINT.",
    .epilog = "Exit codes: 0 stopped cleanly (or --check ok), 2 bad configuration or fleet (the "
              "message names the file, line and key), 1 runtime failure (the scheduler cannot "
              "be reached, the port is taken, the store is in use). See docs/serve.md.",
    .args = {.name = "configuration", .metavar = "CONFIG.yaml", .type = GS_OPT_INPUT, .min = 1,
             .max = 1},
    .opts = SERVE_OPTS,
};

int gs_cmd_serve(int argc, char **argv)
{
    gs_opts *o;
    int rc = gs_opts_cli(&gs_cmd_serve_decl, argc, argv, NULL, &o);
    if (!o)
        return rc;
    gs_error err = {0};
    if (gs_opts_flag(o, "check")) {
        char summary[2048] = "";
        rc = gs_serve_check(gs_opts_arg(o, 0), summary, sizeof summary, &err);
        gs_opts_free(o);
        if (rc < 0)
            return gs_cli_fail("serve", &err);
        fputs(summary, stdout);
        return 0;
    }
    gs_serve_opts so = {.config_path = gs_opts_arg(o, 0),
                        .port_file = gs_opts_given(o, "port-file") ? gs_opts_str(o, "port-file")
                                                                   : NULL,
                        .log_format = gs_opts_str(o, "log")};
    rc = gs_serve_run(&so, &err);
    gs_opts_free(o);
    if (rc < 0)
        return gs_cli_fail("serve", &err);
    return 0;
}
#else
/* cmd_serve.c: not built into this binary (no libslurm: see CMakeLists.txt). */
typedef int gs__cmd_serve_absent;
#endif
