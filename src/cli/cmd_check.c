/* cmd_check.c: `gridsplit check FLEET.yaml [--series]`: read and validate a fleet file without
 * running it; print a one-line summary, or the one precise error (docs/check.md). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "cli/cli.h"
#include "gridsplit/fleet.h"
#include "gridsplit/time.h"
#include "gridsplit/read/fleet.h"

static const gs_opt_decl CHECK_OPTS[] = {
    {.name = "series",
     .help = "also load every series the fleet references and report its span"},
    {0}};

const gs_cmd_decl gs_cmd_check_decl = {
    .name = "check",
    .summary = "validate a fleet file without running it",
    .usage = "FLEET.yaml [--series]",
    .description = "Read a fleet file and check it: known keys, types, required fields, "
                   "references between sites, zones, clusters, services and runs, and the "
                   "model's invariants. Prints a one-line summary and exits 0, or prints the "
                   "first error with its file, line, column and field and exits 2.",
    .epilog = "Exit codes: 0 ok, 2 bad input (the message names the option, or the file, line "
              "and field), 1 runtime failure. See docs/check.md and docs/fleet-format.md.",
    .args = {.name = "fleet file", .metavar = "FLEET.yaml", .type = GS_OPT_INPUT, .min = 1,
             .max = 1},
    .opts = CHECK_OPTS,
};

static void print_series(const char *field, const gs_series *s)
{
    if (!s)
        return;
    size_t missing = 0;
    for (size_t i = 0; i < s->n; i++)
        if (isnan(s->v[i]))
            missing++;
    char a[32], b[32];
    gs_format_time(s->start_s, a);
    gs_format_time(s->start_s + (int64_t)s->n * s->step_s, b);
    printf("  %-28s %-24s %8zu values, step %" PRId64 " s, %s .. %s, %zu missing%s%s\n", field,
           s->name, s->n, s->step_s, a, b, missing, s->unit[0] ? ", unit " : "", s->unit);
}

int gs_cmd_check(int argc, char **argv)
{
    gs_opts *o;
    int rc = gs_opts_cli(&gs_cmd_check_decl, argc, argv, NULL, &o);
    if (!o)
        return rc; /* --help printed (0) or usage error printed (2) */
    const char *path = gs_opts_arg(o, 0);
    int series = gs_opts_flag(o, "series");

    gs_error err = {0};
    gs_fleet *f = NULL;
    rc = gs_cli_load_fleet("check", path, &f, &err);
    gs_opts_free(o); /* path points into argv: still valid */
    if (rc)
        return gs_cli_fail("check", &err);
    if (series && (rc = gs_fleet_load_series(f, &err))) {
        gs_fleet_free(f);
        return gs_cli_fail("check", &err);
    }

    double mw[GS_NCLASS] = {0};
    size_t nregions = 0;
    for (size_t i = 0; i < f->nclusters; i++)
        mw[f->clusters[i].cls] += gs_cluster_nameplate_mw(f, &f->clusters[i]);
    for (size_t i = 0; i < f->nservices; i++)
        nregions += f->services[i].nregions;
    printf("fleet '%s': %zu site%s, %zu cluster%s (%.1f MW nameplate training, %.1f MW inference), "
           "%zu run%s, %zu service%s, %zu region%s: ok\n",
           f->name, f->nsites, f->nsites == 1 ? "" : "s", f->nclusters, f->nclusters == 1 ? "" : "s",
           mw[GS_TRAINING], mw[GS_INFERENCE], f->nruns, f->nruns == 1 ? "" : "s", f->nservices,
           f->nservices == 1 ? "" : "s", nregions, nregions == 1 ? "" : "s");
    if (series) {
        size_t n = 0;
        char field[64];
        for (size_t i = 0; i < f->nzones; i++) {
            const gs_zone *z = &f->zones[i];
            snprintf(field, sizeof field, "zones[%zu].price", i);
            print_series(field, z->price_usd_per_mwh);
            snprintf(field, sizeof field, "zones[%zu].carbon", i);
            print_series(field, z->carbon_g_per_kwh);
            snprintf(field, sizeof field, "zones[%zu].demand", i);
            print_series(field, z->demand_mw);
            n += !!z->price_usd_per_mwh + !!z->carbon_g_per_kwh + !!z->demand_mw;
        }
        for (size_t i = 0; i < f->nsites; i++) {
            snprintf(field, sizeof field, "sites[%zu].pue", i);
            print_series(field, f->sites[i].pue_series);
            n += !!f->sites[i].pue_series;
        }
        for (size_t i = 0; i < f->nservices; i++) {
            snprintf(field, sizeof field, "services[%zu].demand", i);
            print_series(field, f->services[i].demand_rps);
            n += !!f->services[i].demand_rps;
        }
        printf("%zu series loaded\n", n);
    }
    gs_fleet_free(f);
    return 0;
}
