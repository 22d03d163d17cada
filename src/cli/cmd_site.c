/* cmd_site.c: `gridsplit site`: rank candidate sites for one load class with every score
 * component shown, and (inference) choose K sites by a facility-location MIP; writes
 * scores.csv, scores.json and report.html (docs/site.md). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/stat.h>

#include "cli/cli.h"
#include "read/yaml_util.h"
#include "gridsplit/time.h"
#include "gridsplit/market.h"
#include "gridsplit/site.h"
#include "gridsplit/read/import.h"
#include "gridsplit/read/market.h"
#include "gridsplit/read/site.h"
#include "gridsplit/write/site.h"

static const char *const CMD = "site";

static void help(FILE *f)
{
    fprintf(f,
            "usage: gridsplit site CANDIDATES.yaml --class training|inference --out DIR\n"
            "                      [--choose K] [--regions FILE] [--max-seconds S] [--catalog FILE]\n"
            "\n"
            "Ranks candidate sites for one load class. Every component of the score is shown:\n"
            "raw value and unit, normalised 0..1, weight, contribution (docs/site.md).\n"
            "  training:  energy cost net of curtailing the top-price hours and of the reserve and\n"
            "             capacity revenue of the market catalogue (each product shown), zone\n"
            "             headroom at the curtailment rate, years to power, carbon, 100-160 kW racks\n"
            "  inference: users within the latency budget, RTT to those users, energy cost,\n"
            "             grid capacity vs need, 15-40 kW racks\n"
            "\n"
            "Options:\n"
            "  --class C         training or inference (required)\n"
            "  --out DIR         output directory: scores.csv, scores.json, report.html (required)\n"
            "  --regions FILE    demand regions (`regions:` YAML, fleet format); overrides the\n"
            "                    file's regions_file; required for inference\n"
            "  --choose K        inference: choose K sites serving all demand within the budget at\n"
            "                    least cost (COIN-OR Cbc), and show K-1 and K+1 too\n"
            "  --max-seconds S   time limit of each placement solve (default 60)\n"
            "  --catalog FILE    training: market products and events replacing or adding to the\n"
            "                    built-in catalogue (docs/markets.md)\n"
            "\n"
            "Exit codes: 0 ok, 2 bad input, 1 run-time failure.\n");
}

static int parse_int(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < INT_MIN || v > INT_MAX)
        return -1;
    *out = (int)v;
    return 0;
}

/* The year's hourly price series of every catalogue product a training candidate could sell
 * (zone, training-eligible, availability paid, with a series), through the importers. A series
 * that does not cover the year, or whose files are absent, leaves price NULL with the reason. */
static void free_market_series(gs_site_market_series *s, size_t n);

static int load_market_series(const gs_site_file *f, const gs_market_catalog *cat,
                              gs_site_market_series **out, size_t *nout, gs_error *err)
{
    *out = NULL;
    *nout = 0;
    gs_site_market_series *ms = calloc(cat->nproducts ? cat->nproducts : 1, sizeof *ms);
    if (!ms)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    size_t n = 0;
    int64_t t0 = gs_utc_from_civil(f->year, 1, 1, 0, 0, 0), t1 = gs_utc_from_civil(f->year + 1, 1, 1, 0, 0, 0);
    for (size_t i = 0; i < cat->nproducts; i++) {
        const gs_product *p = &cat->products[i];
        if (!p->has_series || !gs_price_unit_is_availability(p->availability_unit) ||
            gs_product_eligibility(p, GS_TRAINING) != GS_ELIG_YES)
            continue;
        int used = 0;
        for (size_t k = 0; k < f->ncands && !used; k++)
            used = (f->cands[k].classes & (1 << GS_TRAINING)) &&
                   gs_product_in_zone(p, f->zones[f->cands[k].zone].id);
        if (!used)
            continue;
        gs_site_market_series *m = &ms[n++];
        snprintf(m->product, sizeof m->product, "%s", p->id);
        char path[GS_PATH_MAX + 256];
        gs__expand_shared(p->series.path, f->path, path, sizeof path);
        gs_import_opts io = {0};
        io.format = p->series.format;
        io.value_column = p->series.column[0] ? p->series.column : NULL;
        gs_points *pts = NULL;
        gs_error ie = {0};
        int rc = gs_import_points(path, &io, &pts, &ie);
        if (rc == 0)
            rc = gs_series_from_points(pts, t0, t1, 3600, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL, &m->price, &ie);
        gs_points_free(pts);
        if (rc) {
            if (rc == GS_ENOMEM) {
                free_market_series(ms, n);
                return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            }
            snprintf(m->note, sizeof m->note, "series %s not read (%.120s)", p->series.format, ie.message);
            m->price = NULL;
            continue;
        }
        size_t have = 0;
        for (size_t h = 0; h < m->price->n; h++)
            have += isfinite(m->price->v[h]) != 0;
        if (!have) {
            gs_series_free(m->price);
            m->price = NULL;
            snprintf(m->note, sizeof m->note, "series %s %s covers %s, not %d", p->series.format,
                     p->series.column, p->series.span, f->year);
        } else {
            snprintf(m->note, sizeof m->note, "series %s %s, %d", p->series.format, p->series.column, f->year);
        }
    }
    *out = ms;
    *nout = n;
    return GS_OK;
}

static void free_market_series(gs_site_market_series *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        gs_series_free(s[i].price);
    free(s);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int gs_cmd_site(int argc, char **argv)
{
    const char *file = NULL, *cls_s = NULL, *out = NULL, *regions_path = NULL, *catalog = NULL;
    int choose = 0;
    double max_s = 60;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            help(stdout);
            return 0;
        }
        int has_val = i + 1 < argc;
        if (!strcmp(a, "--class") || !strcmp(a, "--out") || !strcmp(a, "--choose") ||
            !strcmp(a, "--regions") || !strcmp(a, "--max-seconds") || !strcmp(a, "--catalog")) {
            if (!has_val)
                return gs_cli_usage_error(CMD, "option %s needs a value", a);
            const char *v = argv[++i];
            if (!strcmp(a, "--class"))
                cls_s = v;
            else if (!strcmp(a, "--out"))
                out = v;
            else if (!strcmp(a, "--regions"))
                regions_path = v;
            else if (!strcmp(a, "--catalog"))
                catalog = v;
            else if (!strcmp(a, "--choose")) {
                if (parse_int(v, &choose) || choose < 1)
                    return gs_cli_usage_error(CMD, "--choose: expected a positive integer, found '%s'", v);
            } else {
                char *end;
                max_s = strtod(v, &end);
                if (end == v || *end || !(max_s > 0))
                    return gs_cli_usage_error(CMD, "--max-seconds: expected a positive number, found '%s'", v);
            }
        } else if (a[0] == '-' && a[1]) {
            return gs_cli_usage_error(CMD, "unknown option '%s'", a);
        } else if (!file) {
            file = a;
        } else {
            return gs_cli_usage_error(CMD, "one candidates file expected, found a second: '%s'", a);
        }
    }
    if (!file)
        return gs_cli_usage_error(CMD, "no candidates file given");
    if (!cls_s)
        return gs_cli_usage_error(CMD, "--class is required (training or inference)");
    gs_class cls;
    if (!strcmp(cls_s, "training"))
        cls = GS_TRAINING;
    else if (!strcmp(cls_s, "inference"))
        cls = GS_INFERENCE;
    else
        return gs_cli_usage_error(CMD, "--class: expected training or inference, found '%s'", cls_s);
    if (!out)
        return gs_cli_usage_error(CMD, "--out DIR is required");
    if (catalog && cls != GS_TRAINING)
        return gs_cli_usage_error(CMD, "--catalog values training flexibility: use it with --class training");
    if (choose && cls != GS_INFERENCE)
        return gs_cli_usage_error(CMD, "--choose places inference sites: use it with --class inference");

    gs_error err = {0};
    gs_site_file *f = NULL;
    gs_region *regs = NULL;
    size_t nregs = 0;
    gs_site_result res = {0};
    gs_market_catalog *cat = NULL;
    gs_site_market_series *mser = NULL;
    size_t nmser = 0;
    gs_site_placement place[3];
    memset(place, 0, sizeof place);
    int rc = gs_site_file_load(file, &f, &err);
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
    if ((rc = gs_site_file_load_series(f, &err)))
        goto fail;
    gs_latency_model lm = gs_latency_model_default();
    gs_site_score_opts so = {0};
    so.regions = R;
    so.nregions = NR;
    so.latency = &lm;
    if (cls == GS_TRAINING) {
        if ((rc = gs_market_catalog_load(catalog, &cat, &err)) ||
            (rc = load_market_series(f, cat, &mser, &nmser, &err)))
            goto fail;
        so.markets = cat;
        so.mseries = mser;
        so.nmseries = nmser;
    }
    if ((rc = gs_site_rank(f, cls, &so, &res, &err)))
        goto fail;

    if (cls == GS_INFERENCE) {
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
        if (best_reach <= 0) {
            rc = gs_error_set(&err, GS_EINPUT, f->path, 0, 0, "params.latency_budget_ms",
                              "no candidate reaches any demand region within the latency budget of "
                              "%.0f ms (the closest pair is %.1f ms apart)",
                              f->params.latency_budget_ms, nearest);
            goto fail;
        }
    }

    size_t nplace = 0;
    int chosen = -1;
    if (choose) {
        if ((size_t)choose > res.n) {
            rc = gs_cli_usage_error(CMD, "--choose %d: only %zu inference candidates", choose, res.n);
            goto out;
        }
        int ks[3] = {choose - 1, choose, choose + 1};
        for (int q = 0; q < 3; q++) {
            if (ks[q] < 1 || (size_t)ks[q] > res.n) {
                place[q].k = 0;
                continue;
            }
            double t0 = now_s();
            if ((rc = gs_site_place(f, &res, &so, ks[q], max_s, &place[q], &err)))
                goto fail;
            place[q].seconds = now_s() - t0;
        }
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
    free_market_series(mser, nmser);
    gs_market_catalog_free(cat);
    free(regs);
    gs_site_file_free(f);
    return rc;
}
