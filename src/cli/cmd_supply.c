/* cmd_supply.c: `gridsplit supply`: a site's load against wind, solar and a battery, hour by
 * hour (docs/supply.md): renewable coverage, the 24/7 battery, coverage with a battery and with
 * load shifted, by CarbonExplorer's rules (compatibility mode), by the optimum (a linear
 * program) and with training moved only at its checkpoints; grid emissions before and after.
 * Inputs: a CarbonExplorer case file (--case), or a fleet's site with wind and solar built at
 * given MW and scaled from a zone's real generation (--genmix, --ercot-fuel-mix). Outputs:
 * a summary (text or JSON), or with --out DIR: summary.json, hourly.csv and report.html. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "gridsplit/fleet.h"
#include "gridsplit/sim.h"
#include "gridsplit/supply.h"
#include "gridsplit/supply_opt.h"
#include "gridsplit/time.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/import.h"
#include "gridsplit/read/supply.h"
#include "gridsplit/read/tz.h"
#include "gridsplit/write/supply.h"
#include "gridsplit/write/supply_out.h"
#include "write/outfile.h"

static const char *const CMD = "supply";

static const gs_opt_decl SUPPLY_OPTS[] = {
    {.name = "case", .type = GS_OPT_INPUT,
     .help = "a CarbonExplorer case file (index,ren_mw,dc_mw: hourly renewable supply beside a "
             "data centre's load), instead of a fleet"},
    {.name = "site", .type = GS_OPT_STRING, .metavar = "ID",
     .def_help = "the fleet's only site, else required", .help = "the fleet's site"},
    {.name = "genmix", .type = GS_OPT_INPUT,
     .help = "hourly generation by fuel (time_utc,ba,WND,SUN,...: "
             "$GS_SHARED/data/genmix has one)"},
    {.name = "ba", .type = GS_OPT_STRING, .metavar = "NAME", .requires = "genmix",
     .def_help = "from the site's zone (ERCOT: ERCO)", .help = "the zone in --genmix"},
    {.name = "ercot-fuel-mix", .type = GS_OPT_INDIR,
     .help = "ERCOT's 15-minute generation by fuel, one file a year "
             "($GS_SHARED/data/ercot/fuel_mix)"},
    {.name = "wind-mw", .type = GS_OPT_NUM, .unit = "MW", .range = "[0, 1e6]", .def = "0",
     .help = "wind built for the site: the zone's wind output scaled so that its peak hour of "
             "the period is this many MW"},
    {.name = "solar-mw", .type = GS_OPT_NUM, .unit = "MW", .range = "[0, 1e6]", .def = "0",
     .help = "solar built for the site, scaled the same way"},
    {.name = "carbon", .type = GS_OPT_INPUT,
     .def_help = "fleet: the zone's carbon series",
     .help = "hourly grid carbon intensity, gCO2/kWh (any file `series` reads)"},
    {.name = "carbon-column", .type = GS_OPT_STRING, .metavar = "NAME", .requires = "carbon",
     .help = "the intensity column of a plain CSV --carbon file"},
    {.name = "battery-mwh", .type = GS_OPT_NUM, .unit = "MWh", .range = "[0, 1e7]", .def = "200",
     .help = "battery for the coverage figures (lithium NMC: efficiency 0.97 charging, 1.04 "
             "discharging, rate 3 x capacity an hour, CarbonExplorer's bounds)"},
    {.name = "flexible-pct", .type = GS_OPT_NUM, .unit = "%", .range = "[0, 100]", .def = "40",
     .help = "share of each hour's load that may move to another hour of the same day"},
    {.name = "max-capacity-pct", .type = GS_OPT_NUM, .unit = "%", .range = "[100, 1000]",
     .def = "150", .help = "the most load an hour may take after shifting, as a share of the "
                           "load's peak"},
    {.name = "steps-per-hour", .type = GS_OPT_INT, .range = "[1, 3600]", .def = "60",
     .help = "battery simulation steps per hour in compatibility mode (CarbonExplorer: 60)"},
    {.name = "ce-search-mwh", .type = GS_OPT_NUM, .unit = "MWh", .range = "(0.1, 1e7]",
     .def = "10000", .help = "compatibility mode: the upper bound of CarbonExplorer's bisection "
                             "for the 24/7 battery (its max_bsize)"},
    {.name = "train-window", .type = GS_OPT_DURATION, .range = "[1h, 366d]",
     .def_help = "the site's longest run", .help = "training-aware shifting: work asked in a "
                                                   "window must be done within it"},
    {.name = "from", .type = GS_OPT_TIME, .multiple_of = "1h", .def_help = "the fleet's period.from",
     .help = "start, ISO 8601 UTC"},
    {.name = "to", .type = GS_OPT_TIME, .multiple_of = "1h", .def_help = "the fleet's period.to",
     .help = "end, exclusive"},
    {.name = "format", .type = GS_OPT_CHOICE, .choices = "text json", .def = "text",
     .metavar = "FMT", .help = "the summary on standard output"},
    {.name = "out", .type = GS_OPT_OUTDIR,
     .help = "write summary.json, hourly.csv and report.html there"},
    {.name = "quiet", .help = "no progress and no closing message"},
    {0}};

static const gs_opt_group SUPPLY_GROUPS[] = {
    {.options = "genmix ercot-fuel-mix", .rule = GS_GROUP_EXCLUSIVE},
    {0}};

const gs_cmd_decl gs_cmd_supply_decl = {
    .name = "supply",
    .summary = "a site's load against wind, solar and a battery, hour by hour",
    .usage = "--case FILE [--carbon FILE] [options]\n"
             "FLEET.yaml [--site ID] (--genmix FILE [--ba NAME]\n"
             " | --ercot-fuel-mix DIR) --wind-mw MW --solar-mw MW\n"
             " [options]",
    .description =
        "Hour by hour, how much of a site's load wind and solar meet (coverage: the share of the "
        "load's energy met by renewables in the same hour), the smallest battery that gives "
        "24/7 coverage, coverage with a given battery, with load moved within a day, and with "
        "both; and the grid's emissions before and after (grid energy x the hour's carbon "
        "intensity).\n\n"
        "Each figure three ways: CarbonExplorer's rules (compatibility mode: the battery "
        "simulated each minute, the 24/7 battery by its bisection, its greedy within-day "
        "shifting; the same figures as its code on the same inputs), the optimum (the least "
        "24/7 battery exactly, and the best dispatch of battery and shifting as a linear "
        "program, COIN-OR Clp), and, for a fleet, training-aware shifting (training moves only "
        "at checkpoints, pauses cost lost work, work moves across days within the run's window "
        "and tier). See docs/supply.md.",
    .args = {.name = "fleet file", .metavar = "FLEET.yaml", .type = GS_OPT_INPUT, .min = 1,
             .max = 1, .unless = "case"},
    .opts = SUPPLY_OPTS,
    .groups = SUPPLY_GROUPS,
};

/* ---------------------------------------------------------------------------------------- */

/* The inputs once read: hourly ren and load, whatever their source. */
typedef struct inputs {
    size_t n;
    int64_t start_s;
    int64_t *t_s;        /* case files: their own times; fleet: NULL (start + 3600 i) */
    double *ren_mw, *load_mw, *train_mw, *wind_mw, *solar_mw, *carbon;
    char title[512];
    const char *kind, *file, *site, *zone, *supply_file, *carbon_file;
    double wind_built_mw, solar_built_mw;
    /* training-aware shifting: from the site's runs */
    double ckpt_interval_h, lost_h_per_pause, window_h, tier, training_max_mw;
    char site_buf[128], zone_buf[128];
    char warn[8][320];
    size_t nwarn;
} inputs;

static void inputs_free(inputs *in)
{
    free(in->t_s);
    free(in->ren_mw);
    free(in->load_mw);
    free(in->train_mw);
    free(in->wind_mw);
    free(in->solar_mw);
    free(in->carbon);
    memset(in, 0, sizeof *in);
}

static void warn(inputs *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(inputs *in, const char *fmt, ...)
{
    if (in->nwarn >= sizeof in->warn / sizeof *in->warn)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->warn[in->nwarn++], sizeof in->warn[0], fmt, ap);
    va_end(ap);
}

/* Hourly carbon intensity at the n hours from the points of a carbon file (NaN where none). */
static int carbon_hours(const char *path, const char *column, inputs *in, gs_error *err)
{
    gs_import_opts io = {0};
    io.value_column = column;
    io.quantity = GS_QTY_CARBON;
    gs_points *p = NULL;
    int rc = gs_import_points(path, &io, &p, err);
    if (rc < 0)
        return rc;
    int64_t t0 = in->t_s ? in->t_s[0] : in->start_s;
    int64_t t1 = in->t_s ? in->t_s[in->n - 1] + 3600 : in->start_s + (int64_t)in->n * 3600;
    gs_series *s = NULL;
    rc = gs_series_from_points(p, t0, t1, 3600, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL, &s, err);
    gs_points_free(p);
    if (rc < 0)
        return rc;
    in->carbon = malloc(in->n * sizeof *in->carbon);
    if (!in->carbon) {
        gs_series_free(s);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    size_t missing = 0;
    for (size_t i = 0; i < in->n; i++) {
        int64_t t = in->t_s ? in->t_s[i] : in->start_s + (int64_t)i * 3600;
        size_t k = (size_t)((t - t0) / 3600);
        in->carbon[i] = k < s->n ? s->v[k] : NAN;
        missing += !isfinite(in->carbon[i]);
    }
    gs_series_free(s);
    if (missing == in->n)
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                            "expected carbon intensities in the hours of the load, found none "
                            "(the file's times do not overlap the period)");
    if (missing)
        warn(in, "%zu of %zu hours have no carbon intensity: their grid energy is left out of "
                 "the emissions",
             missing, in->n);
    return GS_OK;
}

/* Renewable supply from the zone's hourly wind and solar: each scaled so that its peak hour of
 * the period gives the MW built (CarbonExplorer's rule: its case files are exactly this). */
static int scale_supply(const gs_genmix *g, inputs *in, gs_error *err)
{
    double pw = 0, ps = 0;
    for (size_t i = 0; i < g->n; i++) {
        if (isfinite(g->wind_mw[i]) && g->wind_mw[i] > pw)
            pw = g->wind_mw[i];
        if (isfinite(g->solar_mw[i]) && g->solar_mw[i] > ps)
            ps = g->solar_mw[i];
    }
    if (in->wind_built_mw > 0 && !(pw > 0))
        return gs_error_set(err, GS_EINPUT, in->supply_file, 0, 0, NULL,
                            "expected wind output in the period to scale --wind-mw by, found "
                            "none");
    if (in->solar_built_mw > 0 && !(ps > 0))
        return gs_error_set(err, GS_EINPUT, in->supply_file, 0, 0, NULL,
                            "expected solar output in the period to scale --solar-mw by, found "
                            "none");
    in->ren_mw = malloc(in->n * sizeof(double));
    in->wind_mw = malloc(in->n * sizeof(double));
    in->solar_mw = malloc(in->n * sizeof(double));
    if (!in->ren_mw || !in->wind_mw || !in->solar_mw)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    size_t gaps = 0;
    for (size_t i = 0; i < in->n; i++) {
        double w = g->wind_mw[i], s = g->solar_mw[i];
        if (!isfinite(w) || !isfinite(s))
            gaps++;
        in->wind_mw[i] = isfinite(w) && pw > 0 ? w / pw * in->wind_built_mw : 0;
        in->solar_mw[i] = isfinite(s) && ps > 0 ? s / ps * in->solar_built_mw : 0;
        in->ren_mw[i] = in->wind_mw[i] + in->solar_mw[i];
    }
    if (gaps)
        warn(in, "%zu of %zu hours have no wind or solar figure in %s: counted as no output "
                 "(coverage is understated there)",
             gaps, in->n, in->supply_file);
    return GS_OK;
}

/* The genmix zone of a fleet zone: EIA's code for ERCOT, the zone itself otherwise. */
static const char *genmix_ba(const char *zone)
{
    if (strncasecmp(zone, "ERCOT", 5) == 0 || strcasecmp(zone, "US-TEX-ERCO") == 0)
        return "ERCO";
    if (strcasecmp(zone, "GB") == 0 || strcasecmp(zone, "FR") == 0)
        return zone;
    return NULL;
}

/* Training-aware shifting's parameters from the site's runs (docs/supply.md): the shortest
 * checkpoint interval, the work a pause loses (checkpoint + restart overhead, the GPU-weighted
 * mean), the longest run as the window, the GPU-weighted tier (must-run counting as 1). */
static void training_params(const gs_fleet *f, int site, inputs *in)
{
    double gw = 0, lost = 0, tier = 0, ival = 0, win = 0;
    for (size_t k = 0; k < f->nruns; k++) {
        const gs_run *r = &f->runs[k];
        if (f->clusters[r->cluster].site != site)
            continue;
        double g = r->gpus;
        gw += g;
        lost += g * (r->ckpt_duration_s + r->restart_overhead_s);
        tier += g * r->tier;
        if (r->ckpt_interval_s > 0 && (ival == 0 || r->ckpt_interval_s < ival))
            ival = r->ckpt_interval_s;
        if (r->length_s > win)
            win = r->length_s;
    }
    in->ckpt_interval_h = ival > 0 ? ival / 3600.0 : 1.0;
    in->lost_h_per_pause = gw > 0 ? lost / gw / 3600.0 : 0;
    in->tier = gw > 0 ? tier / gw : 1.0;
    in->window_h = win > 0 ? win / 3600.0 : 24.0;
    /* the most training may draw: its clusters' nameplate at the grid connection */
    double np = 0;
    for (size_t c = 0; c < f->nclusters; c++)
        if (f->clusters[c].site == site && f->clusters[c].cls == GS_TRAINING)
            np += gs_cluster_nameplate_mw(f, &f->clusters[c]);
    in->training_max_mw = np * gs_site_peak_pue(&f->sites[site]);
}

static int fleet_inputs(const gs_opts *o, const char *fleet_path, inputs *in, int quiet,
                        gs_error *err)
{
    gs_fleet *f = NULL;
    gs_genmix g;
    memset(&g, 0, sizeof g);
    int rc = gs_cli_load_fleet(CMD, fleet_path, &f, err);
    if (rc < 0)
        return rc;
    in->kind = "fleet";
    in->file = fleet_path;
    const char *site_id = gs_opts_str(o, "site");
    int s = -1;
    if (site_id) {
        s = gs_fleet_find_site(f, site_id);
        if (s < 0) {
            rc = gs_opts_fail(o, "site", "expected a site of the fleet, found '%s'", site_id);
            goto out;
        }
    } else if (f->nsites == 1)
        s = 0;
    else {
        rc = gs_opts_fail(o, "site", "the fleet has %zu sites: name one (e.g. --site %s)",
                          f->nsites, f->sites[0].id);
        goto out;
    }
    const gs_site *st = &f->sites[s];
    in->site = st->id;
    in->zone = f->zones[st->zone].id;
    const char *genmix = gs_opts_str(o, "genmix"), *ercot = gs_opts_str(o, "ercot-fuel-mix");
    if (!genmix && !ercot) {
        rc = gs_cli_usage_error(CMD, "a fleet needs its site's wind and solar: --genmix FILE or "
                                     "--ercot-fuel-mix DIR (docs/supply.md)");
        goto out;
    }
    in->wind_built_mw = gs_opts_num(o, "wind-mw");
    in->solar_built_mw = gs_opts_num(o, "solar-mw");
    if (!(in->wind_built_mw > 0) && !(in->solar_built_mw > 0)) {
        rc = gs_opts_fail(o, "wind-mw", "expected wind or solar built for the site (--wind-mw, "
                                        "--solar-mw), found neither");
        goto out;
    }
    const char *ba = gs_opts_str(o, "ba");
    if (genmix && !ba && !(ba = genmix_ba(in->zone))) {
        rc = gs_opts_fail(o, "genmix", "the site's zone '%s' has no known name in --genmix: give "
                                       "--ba",
                          in->zone);
        goto out;
    }
    int64_t from_s, to_s;
    const int64_t step_s = 300;
    if ((rc = gs_cli_period(o, f, step_s, &from_s, &to_s)) != 0)
        goto out;
    if (from_s % 3600 || to_s % 3600) {
        rc = gs_cli_usage_error(CMD, "the period must start and end on whole UTC hours");
        goto out;
    }
    /* the supply first: a file that lacks the period fails before the simulation */
    if (genmix) {
        in->supply_file = genmix;
        rc = gs_genmix_read(genmix, ba, from_s, to_s, &g, err);
    } else {
        in->supply_file = ercot;
        gs_tz ct;
        memset(&ct, 0, sizeof ct);
        rc = gs_tz_load("America/Chicago", from_s - 2 * 86400, to_s + 2 * 86400, &ct, err);
        if (rc == GS_OK) {
            rc = gs_ercot_fuel_mix_read(ercot, &ct, from_s, to_s, &g, err);
            gs_tz_clear(&ct);
        }
    }
    if (rc < 0)
        goto out;
    if ((rc = gs_fleet_load_series(f, err)) < 0)
        goto out;
    gs_sim_tz tz;
    if ((rc = gs_sim_tz_load(f, from_s, to_s, &tz, err)) < 0)
        goto out;
    gs_sim_opts so = {0};
    so.from_s = from_s;
    so.to_s = to_s;
    so.step_s = step_s;
    gs_sim_result *r = NULL;
    if (!quiet)
        fprintf(stderr, "supply: simulating %s over %lld hours\n", fleet_path,
                (long long)((to_s - from_s) / 3600));
    rc = gs_simulate(f, &tz, &so, &r, err);
    gs_sim_tz_free(f, &tz);
    if (rc < 0)
        goto out;
    in->start_s = from_s;
    in->n = (size_t)((to_s - from_s) / 3600);
    in->load_mw = calloc(in->n, sizeof(double));
    in->train_mw = calloc(in->n, sizeof(double));
    if (!in->load_mw || !in->train_mw) {
        gs_sim_result_free(r);
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto out;
    }
    size_t per = 3600 / (size_t)step_s;
    for (size_t i = 0; i < in->n; i++) {
        double tr = 0, inf = 0;
        for (size_t j = 0; j < per; j++) {
            tr += gs_sim_mw(r, (size_t)s, GS_TRAINING, i * per + j);
            inf += gs_sim_mw(r, (size_t)s, GS_INFERENCE, i * per + j);
        }
        in->train_mw[i] = tr / (double)per;
        in->load_mw[i] = (tr + inf) / (double)per;
    }
    gs_sim_result_free(r);
    rc = scale_supply(&g, in, err);
    gs_genmix_free(&g);
    if (rc < 0)
        goto out;
    /* carbon: the file given, else the zone's series */
    const char *cf = gs_opts_str(o, "carbon");
    if (cf) {
        in->carbon_file = cf;
        rc = carbon_hours(cf, gs_opts_str(o, "carbon-column"), in, err);
    } else if (f->zones[st->zone].carbon_g_per_kwh) {
        const gs_series *cs = f->zones[st->zone].carbon_g_per_kwh;
        in->carbon_file = "the fleet zone's carbon series";
        in->carbon = malloc(in->n * sizeof(double));
        if (!in->carbon)
            rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        for (size_t i = 0; in->carbon && i < in->n; i++)
            in->carbon[i] = gs_series_at(cs, from_s + (int64_t)i * 3600 + 1800);
    } else
        warn(in, "no carbon intensity for zone %s (--carbon FILE): emissions not computed",
             in->zone);
    if (rc < 0)
        goto out;
    training_params(f, s, in);
    if (gs_opts_has(o, "train-window"))
        in->window_h = gs_opts_dur(o, "train-window") / 3600.0;
    snprintf(in->title, sizeof in->title, "%s: %s", f->name, st->name[0] ? st->name : st->id);
    /* the strings in st live in f: copy them before freeing it */
    snprintf(in->site_buf, sizeof in->site_buf, "%s", st->id);
    snprintf(in->zone_buf, sizeof in->zone_buf, "%s", in->zone);
    in->site = in->site_buf;
    in->zone = in->zone_buf;
out:
    gs_genmix_free(&g);
    gs_fleet_free(f);
    return rc;
}

static int case_inputs(const gs_opts *o, inputs *in, gs_error *err)
{
    const char *path = gs_opts_str(o, "case");
    static const char *const fleet_only[] = {"site", "genmix", "ercot-fuel-mix", "wind-mw",
                                             "solar-mw", "train-window", "from", "to"};
    for (size_t k = 0; k < sizeof fleet_only / sizeof *fleet_only; k++)
        if (gs_opts_given(o, fleet_only[k]))
            return gs_opts_fail(o, fleet_only[k], "applies to a fleet, not to a --case file (whose "
                                                  "ren_mw and dc_mw are the supply and the load)");
    gs_supply_case c;
    int rc = gs_supply_case_read(path, &c, err);
    if (rc < 0)
        return rc;
    in->kind = "case";
    in->file = path;
    in->n = c.n;
    in->t_s = c.t_s;
    in->start_s = c.t_s[0];
    in->ren_mw = c.ren_mw;
    in->load_mw = c.load_mw;
    const char *base = strrchr(path, '/');
    snprintf(in->title, sizeof in->title, "%s", base ? base + 1 : path);
    for (size_t i = 1; i < c.n; i++)
        if (c.t_s[i] - c.t_s[i - 1] != 3600) {
            warn(in, "the case's rows are not consecutive hours (row %zu follows row %zu by %lld "
                     "s): the rules work on rows, as CarbonExplorer's do",
                 i + 2, i + 1, (long long)(c.t_s[i] - c.t_s[i - 1]));
            break;
        }
    const char *cf = gs_opts_str(o, "carbon");
    if (cf) {
        in->carbon_file = cf;
        if ((rc = carbon_hours(cf, gs_opts_str(o, "carbon-column"), in, err)) < 0)
            return rc;
    }
    return GS_OK;
}

typedef struct params {
    double battery_mwh, flexible_pct, max_capacity_mw, max_capacity_pct, ce_search_mwh;
    int steps_per_hour;
    int quiet;
} params;

/* The figures of every method, filled by run_methods. */
#define MAX_METHODS 8
typedef struct results {
    gs_supply_method m[MAX_METHODS];
    size_t n;
    double b247_compat_mwh, b247_exact_mwh;
    char b247_note[320];
    char notes[MAX_METHODS][320];
    double *bufs[MAX_METHODS * 3]; /* hourly arrays owned here */
    size_t nbufs;
} results;

static double *buf(results *r, size_t n)
{
    if (r->nbufs >= sizeof r->bufs / sizeof *r->bufs)
        return NULL;
    double *b = calloc(n ? n : 1, sizeof *b);
    if (b)
        r->bufs[r->nbufs++] = b;
    return b;
}

static void results_free(results *r)
{
    for (size_t k = 0; k < r->nbufs; k++)
        free(r->bufs[k]);
    memset(r, 0, sizeof *r);
}

/* Grid energy x intensity, t (gCO2/kWh x MWh / 1000); NaN without intensities. */
static double emissions_t(const inputs *in, const double *grid_mw)
{
    if (!in->carbon || !grid_mw)
        return NAN;
    double t = 0;
    for (size_t i = 0; i < in->n; i++)
        if (isfinite(in->carbon[i]) && isfinite(grid_mw[i]))
            t += grid_mw[i] * in->carbon[i] / 1000.0;
    return t;
}

/* max(0, load - ren) hour by hour into g; the sum returned. */
static double gap(const double *load, const double *ren, size_t n, double *g)
{
    double t = 0;
    for (size_t i = 0; i < n; i++) {
        g[i] = load[i] > ren[i] ? load[i] - ren[i] : 0;
        t += g[i];
    }
    return t;
}

static gs_supply_method *add(results *r, const char *id, const char *family, const char *name,
                             double battery_mwh, double flexible_pct)
{
    gs_supply_method *m = &r->m[r->n];
    memset(m, 0, sizeof *m);
    m->id = id;
    m->family = family;
    m->name = name;
    m->battery_mwh = battery_mwh;
    m->flexible_pct = flexible_pct;
    m->note = r->notes[r->n];
    r->n++;
    return m;
}

/* One LP method into the table; the series kept. */
static int opt_method(results *r, const inputs *in, const char *id, const char *name,
                      const gs_supply_opt_opts *oo, const gs_supply_train_opts *to,
                      const double *other, gs_error *err)
{
    gs_supply_opt_series se = {0};
    se.soc_mwh = buf(r, in->n);
    se.grid_mw = buf(r, in->n);
    se.load_mw = oo->flexible_pct > 0 || to ? buf(r, in->n) : NULL;
    if (!se.soc_mwh || !se.grid_mw || ((oo->flexible_pct > 0 || to) && !se.load_mw))
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    gs_supply_opt_result res;
    int rc = to ? gs_supply_opt_train(in->ren_mw, in->train_mw, other, in->n, oo, to, &se, &res,
                                      err)
                : gs_supply_opt_dispatch(in->ren_mw, in->load_mw, in->n, oo, &se, &res, err);
    if (rc < 0)
        return rc;
    gs_supply_method *m = add(r, id, to ? "training" : "optimal", name, oo->battery.capacity_mwh,
                              to ? NAN : oo->flexible_pct);
    m->coverage = res.coverage_pct / 100.0;
    m->grid_mwh = res.grid_mwh;
    m->emissions_t = emissions_t(in, se.grid_mw);
    m->load_mw = se.load_mw;
    m->soc_mwh = oo->battery.capacity_mwh > 0 ? se.soc_mwh : NULL;
    m->grid_mw = se.grid_mw;
    if (to)
        snprintf(r->notes[r->n - 1], sizeof r->notes[0],
                 "LP (Clp), %d iterations: training moves only at %.3g-h checkpoints, each MW "
                 "resumed loses %.3g h of work, work done within %.0f-h windows, throughput >= "
                 "%.3g over every rolling %.0f h; %.1f MWh shifted, %.1f MWh of work lost to "
                 "pauses",
                 res.iterations, to->checkpoint_h, to->pause_lost_h, to->window_h, to->tier,
                 to->tier_window_h, res.shifted_mwh, res.lost_work_mwh);
    else
        snprintf(r->notes[r->n - 1], sizeof r->notes[0],
                 "LP (Clp), %d iterations, hourly steps, battery full at the start; %.1f MWh "
                 "shifted, %.1f MWh spilled",
                 res.iterations, res.shifted_mwh, res.spilled_mwh);
    return GS_OK;
}

static int run_methods(const inputs *in, const params *p, results *r, gs_error *err)
{
    size_t n = in->n;
    /* CarbonExplorer's rules */
    gs_supply_compat_opts co;
    gs_supply_compat_defaults(&co);
    gs_battery_nmc(&co.battery, p->battery_mwh);
    co.battery.steps_per_hour = p->steps_per_hour;
    co.flexible_pct = p->flexible_pct;
    co.extra_capacity_pct = p->max_capacity_pct - 100.0;
    co.max_battery_mwh = p->ce_search_mwh;
    gs_supply_compat_series cs = {buf(r, n), buf(r, n), buf(r, n), buf(r, n)};
    double *g0 = buf(r, n), *g1 = buf(r, n), *g2 = buf(r, n), *g3 = buf(r, n);
    if (!cs.ren_battery_mw || !cs.soc_mwh || !cs.load_cas_mw || !cs.load_both_mw || !g0 || !g1 ||
        !g2 || !g3)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    gs_supply_compat_result cr;
    int rc = gs_supply_compat_analyse(in->ren_mw, in->load_mw, n, &co, NULL, &cs, &cr, err);
    if (rc < 0)
        return rc;
    gs_supply_method *m = add(r, "none", "baseline", "Renewables only", 0, 0);
    m->coverage = cr.coverage_pct / 100.0;
    m->grid_mwh = gap(in->load_mw, in->ren_mw, n, g0);
    m->grid_mw = g0;
    m->emissions_t = emissions_t(in, g0);
    snprintf(r->notes[r->n - 1], sizeof r->notes[0],
             "hour by hour: min(renewables, load) over the load");
    m = add(r, "ce_battery", "compat", "Battery (CarbonExplorer's rules)", p->battery_mwh, 0);
    m->coverage = cr.coverage_battery_pct / 100.0;
    m->grid_mwh = cr.non_ren_battery_mwh;
    gap(in->load_mw, cs.ren_battery_mw, n, g1);
    m->grid_mw = g1;
    m->soc_mwh = cs.soc_mwh;
    m->emissions_t = emissions_t(in, g1);
    snprintf(r->notes[r->n - 1], sizeof r->notes[0],
             "apply_battery: greedy, simulated %d times an hour, starting full",
             p->steps_per_hour);
    m = add(r, "ce_shift", "compat", "Shifting (CarbonExplorer's cas)", 0, p->flexible_pct);
    m->coverage = cr.coverage_cas_pct / 100.0;
    m->grid_mwh = cr.non_ren_cas_mwh;
    gap(cs.load_cas_mw, in->ren_mw, n, g2);
    m->load_mw = cs.load_cas_mw;
    m->grid_mw = g2;
    m->emissions_t = emissions_t(in, g2);
    snprintf(r->notes[r->n - 1], sizeof r->notes[0],
             "cas: greedy within blocks of 24 rows, lowest-renewable hours to highest; over %zu "
             "of %zu hours (a last block under 24 rows is left out, as CarbonExplorer does)",
             cr.hours_shifted, n);
    m = add(r, "ce_shift_battery", "compat", "Battery, then shifting (CarbonExplorer)",
            p->battery_mwh, p->flexible_pct);
    m->coverage = cr.coverage_both_pct / 100.0;
    m->grid_mwh = cr.non_ren_both_mwh;
    gap(cs.load_both_mw, cs.ren_battery_mw, n, g3);
    m->load_mw = cs.load_both_mw;
    m->grid_mw = g3;
    m->soc_mwh = cs.soc_mwh;
    m->emissions_t = emissions_t(in, g3);
    snprintf(r->notes[r->n - 1], sizeof r->notes[0],
             "CarbonExplorer's order: apply_battery, then cas on the renewables it leaves (which "
             "it has emptied of every surplus: shifting then finds little to move)");
    r->b247_compat_mwh = cr.battery_247_mwh;

    /* the optimum */
    gs_supply_opt_opts oo;
    gs_supply_opt_defaults(&oo, p->battery_mwh);
    oo.max_capacity_mw = p->max_capacity_mw;
    gs_supply_opt_result br;
    gs_supply_opt_opts so = oo;
    so.flexible_pct = 0;
    if ((rc = gs_supply_opt_battery_247(in->ren_mw, in->load_mw, n, &so, NULL, &br, err)) < 0)
        return rc;
    r->b247_exact_mwh = br.status == GS_SUPPLY_OPTIMAL ? br.capacity_mwh : INFINITY;
    snprintf(r->b247_note, sizeof r->b247_note,
             "CarbonExplorer: bisection to 0.1 MWh over whole-battery simulations each %s "
             "(searched up to %.0f MWh, %d simulations); exact: the least capacity of an LP "
             "with the capacity as a variable, hourly steps, starting full%s",
             p->steps_per_hour == 60 ? "minute" : "step", p->ce_search_mwh,
             cr.battery_247_steps,
             br.status == GS_SUPPLY_OPTIMAL ? "" : " (infeasible: no battery covers every hour)");
    if ((rc = opt_method(r, in, "opt_battery", "Battery, best dispatch (LP)", &so, NULL, NULL,
                         err)) < 0)
        return rc;
    gs_supply_opt_opts sh = oo;
    sh.flexible_pct = p->flexible_pct;
    gs_battery_nmc(&sh.battery, 0);
    if (p->flexible_pct > 0 &&
        (rc = opt_method(r, in, "opt_shift", "Shifting, best (LP)", &sh, NULL, NULL, err)) < 0)
        return rc;
    oo.flexible_pct = p->flexible_pct;
    if (p->flexible_pct > 0 && (rc = opt_method(r, in, "opt_shift_battery",
                                                "Battery and shifting, best (LP)", &oo, NULL,
                                                NULL, err)) < 0)
        return rc;

    /* training moved only at its checkpoints */
    if (in->train_mw) {
        double *other = buf(r, n);
        if (!other)
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        for (size_t i = 0; i < n; i++) {
            other[i] = in->load_mw[i] - in->train_mw[i];
            if (other[i] < 0)
                other[i] = 0;
        }
        gs_supply_train_opts to;
        gs_supply_train_defaults(&to);
        to.checkpoint_h = in->ckpt_interval_h;
        to.pause_lost_h = in->lost_h_per_pause;
        to.window_h = in->window_h;
        to.tier = in->tier;
        /* the campus's nameplate: paused work is made up above the plan's own level */
        to.training_max_mw = in->training_max_mw > 0 ? in->training_max_mw : INFINITY;
        if (!p->quiet)
            fprintf(stderr, "supply: training-aware shifting: an LP over %zu hours (seconds)\n",
                    n);
        gs_supply_opt_opts tb = oo;
        tb.flexible_pct = 0;
        if ((rc = opt_method(r, in, "train_shift_battery", "Battery and training moved at "
                                                           "checkpoints (LP)",
                             &tb, &to, other, err)) < 0)
            return rc;
    }
    return GS_OK;
}

static void print_text(const gs_supply_report *r, FILE *out)
{
    double load = 0, ren = 0, pk = 0;
    for (size_t i = 0; i < r->n; i++) {
        load += r->load_mw[i];
        ren += r->ren_mw[i];
        if (r->load_mw[i] > pk)
            pk = r->load_mw[i];
    }
    fprintf(out, "%s\n", r->title);
    fprintf(out, "  %zu hours; load %.1f MWh (peak %.2f MW); renewable supply %.1f MWh", r->n,
            load, pk, ren);
    if (isfinite(r->wind_mw) || isfinite(r->solar_mw))
        fprintf(out, " (wind %.0f MW, solar %.0f MW built)", r->wind_mw, r->solar_mw);
    fputc('\n', out);
    fprintf(out, "  battery %.1f MWh, %.0f %% of the load flexible within a day, at most %.2f MW "
                 "an hour\n",
            r->battery_mwh, r->flexible_pct, r->max_capacity_mw);
    fprintf(out, "  24/7 battery: %.1f MWh by CarbonExplorer's bisection, %.3f MWh exactly\n",
            r->battery_247_compat_mwh, r->battery_247_exact_mwh);
    fprintf(out, "\n  %-22s %-9s %10s %12s %12s\n", "method", "family", "coverage", "grid MWh",
            "CO2 t");
    for (size_t k = 0; k < r->nmethods; k++) {
        const gs_supply_method *m = &r->methods[k];
        fprintf(out, "  %-22s %-9s %9.4f%% %12.1f ", m->id, m->family, m->coverage * 100,
                m->grid_mwh);
        if (isfinite(m->emissions_t))
            fprintf(out, "%12.1f\n", m->emissions_t);
        else
            fprintf(out, "%12s\n", "-");
    }
    for (size_t k = 0; k < r->nwarnings; k++)
        fprintf(out, "  warning: %s\n", r->warnings[k]);
}

int gs_cmd_supply(int argc, char **argv)
{
    gs_opts *o;
    int rc = gs_opts_cli(&gs_cmd_supply_decl, argc, argv, NULL, &o);
    if (!o)
        return rc;
    gs_error err = {0};
    inputs in;
    memset(&in, 0, sizeof in);
    results res;
    memset(&res, 0, sizeof res);
    int quiet = gs_opts_flag(o, "quiet");
    const char *out = gs_opts_str(o, "out");
    int json = strcmp(gs_opts_str(o, "format"), "json") == 0;
    if (gs_opts_has(o, "case")) {
        if (gs_opts_nargs(o) > 0) {
            rc = gs_opts_fail(o, "case", "give a case file or a fleet, not both");
            goto done;
        }
        rc = case_inputs(o, &in, &err);
    } else {
        rc = fleet_inputs(o, gs_opts_arg(o, 0), &in, quiet, &err);
    }
    if (rc != 0)
        goto done;
    double peak = 0;
    for (size_t i = 0; i < in.n; i++)
        if (in.load_mw[i] > peak)
            peak = in.load_mw[i];
    params p = {
        .battery_mwh = gs_opts_num(o, "battery-mwh"),
        .flexible_pct = gs_opts_num(o, "flexible-pct"),
        .max_capacity_mw = gs_opts_num(o, "max-capacity-pct") / 100.0 * peak,
        .max_capacity_pct = gs_opts_num(o, "max-capacity-pct"),
        .ce_search_mwh = gs_opts_num(o, "ce-search-mwh"),
        .steps_per_hour = (int)gs_opts_int(o, "steps-per-hour"),
        .quiet = quiet,
    };
    if ((rc = run_methods(&in, &p, &res, &err)) < 0)
        goto done;
    const char *wp[sizeof in.warn / sizeof *in.warn];
    for (size_t k = 0; k < in.nwarn; k++)
        wp[k] = in.warn[k];
    gs_battery bat;
    gs_battery_nmc(&bat, p.battery_mwh);
    bat.steps_per_hour = p.steps_per_hour;
    gs_supply_report rep = {
        .title = in.title,
        .kind = in.kind,
        .file = in.file,
        .site = in.site,
        .zone = in.zone,
        .supply_file = in.supply_file,
        .carbon_file = in.carbon_file,
        .wind_mw = in.wind_mw ? in.wind_built_mw : NAN,
        .solar_mw = in.wind_mw ? in.solar_built_mw : NAN,
        .start_s = in.start_s,
        .step_s = 3600,
        .n = in.n,
        .t_s = in.t_s,
        .ren_mw = in.ren_mw,
        .load_mw = in.load_mw,
        .wind_out_mw = in.wind_mw,
        .solar_out_mw = in.solar_mw,
        .training_mw = in.train_mw,
        .carbon_g_per_kwh = in.carbon,
        .battery_mwh = p.battery_mwh,
        .flexible_pct = p.flexible_pct,
        .max_capacity_mw = p.max_capacity_mw,
        .eff_charge = bat.eff_charge,
        .eff_discharge = bat.eff_discharge,
        .rate = bat.charge_rate,
        .steps_per_hour = p.steps_per_hour,
        .battery_247_compat_mwh = res.b247_compat_mwh,
        .battery_247_exact_mwh = res.b247_exact_mwh,
        .battery_247_note = res.b247_note,
        .methods = res.m,
        .nmethods = res.n,
        .warnings = wp,
        .nwarnings = in.nwarn,
    };
    if (out) {
        char path[4096];
        if ((rc = gs__mkdirs(out, &err)) < 0)
            goto done;
        char *sum = gs_supply_summary_json(&rep, 0), *full = gs_supply_summary_json(&rep, 1);
        if (!sum || !full) {
            free(sum);
            free(full);
            rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto done;
        }
        snprintf(path, sizeof path, "%s/summary.json", out);
        rc = gs_supply_write_text(sum, path, &err);
        if (rc == GS_OK) {
            snprintf(path, sizeof path, "%s/hourly.csv", out);
            rc = gs_supply_write_csv(&rep, path, &err);
        }
        if (rc == GS_OK) {
            snprintf(path, sizeof path, "%s/report.html", out);
            rc = gs_supply_write_report(in.title, full, path, &err);
        }
        free(full);
        if (rc == GS_OK && json)
            fprintf(stdout, "%s\n", sum);
        free(sum);
        if (rc < 0)
            goto done;
        if (!json)
            print_text(&rep, stdout);
        if (!quiet)
            fprintf(stderr, "supply: summary.json, hourly.csv and report.html in %s/\n", out);
    } else if (json) {
        char *sum = gs_supply_summary_json(&rep, 0);
        if (!sum) {
            rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto done;
        }
        fprintf(stdout, "%s\n", sum);
        free(sum);
    } else
        print_text(&rep, stdout);
    for (size_t k = 0; k < in.nwarn && !quiet; k++)
        fprintf(stderr, "gridsplit supply: warning: %s\n", in.warn[k]);
    rc = 0;
done:
    results_free(&res);
    inputs_free(&in);
    gs_opts_free(o);
    if (rc < 0)
        return gs_cli_fail(CMD, &err);
    return rc;
}
