/* main.c: the `gridsplit` command: dispatches to one subcommand per file (cli.h). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "gridsplit/time.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"check", gs_cmd_check, "validate a fleet file without running it"},
    {"simulate", gs_cmd_simulate, "power of every site by load class over time, with a report"},
    {"trace", gs_cmd_trace, "find the checkpoint rhythm in a GPU power log"},
    {"series", gs_cmd_series, "import, check and resample a time series"},
    {"headroom", gs_cmd_headroom, "how much flexible load a grid takes at a curtailment rate"},
    {"latency", gs_cmd_latency, "round-trip model between places, calibrated on measurements"},
    {"plan", gs_cmd_plan, "what to curtail when the grid calls: one event planned, as JSON"},
    {"flex", gs_cmd_flex, "what flexibility earns per cluster and product, and what it costs (backtest)"},
    {"markets", gs_cmd_markets, "market products and grid events with their rules and sources"},
    {"route", gs_cmd_route, "route inference demand to sites within its latency budget"},
    {"site", gs_cmd_site, "rank candidate sites, one score per load class; choose inference sites"},
    {"regions", gs_cmd_regions, "demand regions from population: cities grouped by k-means or by country"},
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: gridsplit COMMAND [OPTIONS]\n\n"
            "Models AI training and AI inference as the two grid loads they are.\n\n"
            "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'gridsplit COMMAND --help' describes a command; docs/ has a page for each.\n"
                 "Options: --version, --help\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("gridsplit %s\n", GS_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "gridsplit: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
