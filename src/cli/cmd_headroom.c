/* cmd_headroom.c: `gridsplit headroom`: curtailment-enabled headroom of a grid zone (the largest
 * constant new load that fits at a curtailment rate), from any hourly demand CSV or from the
 * EIA-930 files directly, for one zone or a list of them (docs/headroom.md). Options:
 * gs_cmd_headroom_decl (cli/opts.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "gridsplit/headroom.h"
#include "gridsplit/time.h"
#include "gridsplit/read/eia930.h"
#include "gridsplit/read/import.h"
#include "gridsplit/read/tz.h"
#include "write/outfile.h"

static const char *const CMD = "headroom";

static const gs_opt_decl HEADROOM_OPTS[] = {
    {.name = "csv", .type = GS_OPT_INPUT, .flags = GS_OPT_STDIO | GS_OPT_REPEAT, .max_items = 64,
     .help = "any hourly demand CSV; give it again for more zones (one zone a file, named by "
             "the file; the same --column in each)"},
    {.name = "column", .type = GS_OPT_STRING, .metavar = "NAME", .requires = "csv",
     .help = "the demand column"},
    {.name = "time-column", .type = GS_OPT_STRING, .metavar = "NAME", .requires = "csv",
     .def_help = "the first column", .help = "the timestamp column"},
    {.name = "tz", .type = GS_OPT_STRING, .metavar = "TZ", .requires = "csv", .def_help = "UTC",
     .help = "IANA zone of timestamps without an offset"},
    {.name = "eia930", .type = GS_OPT_INDIR,
     .help = "the EIA-930 releases (docs/headroom.md): one zone or a list of them"},
    {.name = "ba", .type = GS_OPT_STRING, .metavar = "NAME", .requires = "eia930",
     .help = "one balancing authority"},
    {.name = "ba-list", .type = GS_OPT_LIST, .elem = GS_OPT_STRING, .metavar = "A,B,...",
     .requires = "eia930", .help = "several balancing authorities"},
    {.name = "all", .requires = "eia930", .help = "every balancing authority"},
    {.name = "raw", .requires = "eia930",
     .help = "raw columns and the original EIA files, cleaned by the full rule instead of the "
             "release's cleaned column"},
    {.name = "rates", .type = GS_OPT_LIST, .elem = GS_OPT_NUM, .unit = "%", .range = "(0, 100)",
     .max_items = GS_HEADROOM_MAX_RATES, .def = "0.25,0.5,1,5", .help = "curtailment rates"},
    {.name = "format", .type = GS_OPT_CHOICE, .choices = "json text csv markdown",
     .metavar = "FMT", .def_help = "json for one zone, markdown for a list",
     .help = "output format"},
    {.name = "out", .type = GS_OPT_OUTFILE,
     .help = "write there (atomically) instead of standard output"},
    {.name = "report-changes", .type = GS_OPT_OUTFILE,
     .help = "every hour the cleaning changed, as CSV"},
    {.name = "from", .type = GS_OPT_INT, .metavar = "YEAR", .range = "[1990, 2100]",
     .def_help = "the data's first; EIA-930: 2016", .help = "first calendar year"},
    {.name = "to", .type = GS_OPT_INT, .metavar = "YEAR", .range = "[1990, 2100]",
     .def_help = "the data's last; EIA-930: 2024", .help = "last calendar year, inclusive"},
    {.name = "spike-factor", .type = GS_OPT_NUM, .metavar = "K", .range = "(1, inf)", .def = "2",
     .help = "cleaning by the full rule (--csv, --raw): a value above K x or below 1/K x the "
             "median of +-24 h is a spike"},
    {0}};

static const gs_opt_group HEADROOM_GROUPS[] = {
    {.options = "csv eia930", .rule = GS_GROUP_EXCLUSIVE | GS_GROUP_REQUIRED},
    {.options = "column", .rule = GS_GROUP_REQUIRED, .when = "csv"},
    {.options = "ba ba-list all", .rule = GS_GROUP_EXCLUSIVE | GS_GROUP_REQUIRED,
     .when = "eia930"},
    {0}};

const gs_cmd_decl gs_cmd_headroom_decl = {
    .name = "headroom",
    .summary = "how much flexible load a grid takes at a curtailment rate",
    .usage = "--csv FILE [--csv FILE ...] --column NAME\n"
             " [--time-column NAME] [--tz TZ] [options]\n"
             "--eia930 DIR --ba NAME [--from YEAR --to YEAR] [--raw]\n"
             " [options]\n"
             "--eia930 DIR (--all | --ba-list A,B,...) [--from YEAR]\n"
             " [--to YEAR] [options]",
    .description = "The largest constant new load L (MW) a zone takes if L is curtailed whenever "
                   "demand + L would exceed the zone's seasonal peak (June-August peak for "
                   "April-October, December-February peak for November-March), at each "
                   "curtailment rate (curtailed MWh / (L x hours), per calendar year, averaged "
                   "over the years). Needs at least a year of hourly demand (8,760 hours, which "
                   "hold both seasonal peaks): less is refused.\n\n"
                   "Cleaning: EIA-930 cleaned columns get only their missing hours filled; CSV "
                   "input and --raw get the full rule (missing, <= 0, >= 1e9, spikes, one-hour "
                   "jumps), each bad hour linearly interpolated from its valid neighbours; "
                   "--report-changes lists them.",
    .opts = HEADROOM_OPTS,
    .groups = HEADROOM_GROUPS,
};

typedef struct args {
    const char *csv, *column, *time_column, *tz;
    const char *csvs[64]; /* every --csv given, in order */
    size_t ncsv;
    const char *eia, *ba, *ba_list, *out, *changes, *format;
    int all, raw;
    int year_from, year_to;
    double rates[GS_HEADROOM_MAX_RATES];
    size_t n_rates;
    double spike;
} args;

/* 1 when --tz names a zone the importer takes: UTC (any of its spellings) or a zone of the
 * system's tz database. */
static int tz_known(const char *z)
{
    return !z || strcasecmp(z, "UTC") == 0 || strcasecmp(z, "Etc/UTC") == 0 ||
           strcasecmp(z, "Z") == 0 || strcasecmp(z, "GMT") == 0 || gs_tz_known(z);
}

/* The parsed options into a; the command's own checks. 0, or the usage error printed (2). */
static int read_args(const gs_opts *o, args *a)
{
    memset(a, 0, sizeof *a);
    a->csv = gs_opts_str(o, "csv");
    a->ncsv = a->csv ? gs_opts_count(o, "csv") : 0;
    if (a->ncsv > sizeof a->csvs / sizeof a->csvs[0])
        a->ncsv = sizeof a->csvs / sizeof a->csvs[0];
    for (size_t i = 0; i < a->ncsv; i++) {
        size_t len;
        a->csvs[i] = gs_opts_item(o, "csv", i, &len); /* a whole argv string */
    }
    a->column = gs_opts_str(o, "column");
    a->time_column = gs_opts_str(o, "time-column");
    a->tz = gs_opts_str(o, "tz");
    a->eia = gs_opts_str(o, "eia930");
    a->ba = gs_opts_str(o, "ba");
    a->ba_list = gs_opts_str(o, "ba-list");
    a->all = gs_opts_flag(o, "all");
    a->raw = gs_opts_flag(o, "raw");
    a->out = gs_opts_str(o, "out");
    a->changes = gs_opts_str(o, "report-changes");
    a->n_rates = gs_opts_count(o, "rates");
    for (size_t k = 0; k < a->n_rates; k++)
        a->rates[k] = gs_opts_item_num(o, "rates", k);
    a->year_from = gs_opts_has(o, "from") ? (int)gs_opts_int(o, "from") : 0;
    a->year_to = gs_opts_has(o, "to") ? (int)gs_opts_int(o, "to") : 0;
    a->spike = gs_opts_num(o, "spike-factor");
    a->format = gs_opts_str(o, "format");
    if (!a->format)
        a->format = (a->all || a->ba_list || a->ncsv > 1) ? "markdown" : "json";
    if (!tz_known(a->tz))
        return gs_opts_fail(o, "tz", "unknown time zone '%s' (not in the system's tz database)",
                            a->tz);
    if (gs_opts_given(o, "spike-factor") && a->eia && !a->raw)
        return gs_opts_fail(o, "spike-factor", "applies only with --csv or --raw (the release's "
                                               "cleaned column gets only its missing hours "
                                               "filled)");
    /* the years in effect: EIA-930 defaults to 2016..2024 */
    int yf = a->year_from ? a->year_from : a->eia ? 2016 : 0;
    int yt = a->year_to ? a->year_to : a->eia ? 2024 : 0;
    if (yf && yt && yf > yt) {
        if (a->year_to)
            return gs_opts_fail(o, "to", "expected a year >= --from (%d), found '%s'", yf,
                                gs_opts_str(o, "to"));
        return gs_opts_fail(o, "from", "expected a year <= --to (%d, the default with --eia930), "
                                       "found '%s'",
                            yt, gs_opts_str(o, "from"));
    }
    return 0;
}

/* One zone's answer with what went into it. */
typedef struct zone_run {
    char name[48], code[16];
    char source[1100];
    const char *cleaning;
    gs_headroom h;
    gs_demand_changes ch;
    int year_from, year_to;
} zone_run;

/* "PJM" from ".../PJM.csv" or ".../PJM.csv.zst": a zone named by its file */
static void zone_of_file(const char *path, char *out, size_t len)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    snprintf(out, len, "%s", b);
    static const char *const ext[] = {".zst", ".gz", ".csv", ".txt"};
    for (size_t k = 0; k < sizeof ext / sizeof ext[0]; k++) {
        size_t n = strlen(out), e = strlen(ext[k]);
        if (n > e && strcasecmp(out + n - e, ext[k]) == 0)
            out[n - e] = '\0';
    }
}

/* One zone: ba is the balancing authority (--eia930) or the CSV file (--csv). */
static int load_zone(const args *a, const char *ba, zone_run *z, gs_error *err)
{
    gs_series *s = NULL;
    int rc;
    gs_clean_opts co = {0};
    co.spike_factor = a->spike;
    if (a->csv) {
        const char *file = ba;
        gs_import_opts io = {0};
        io.format = "csv";
        io.quantity = GS_QTY_POWER_MW; /* a zone's demand */
        io.time_column = a->time_column;
        io.value_column = a->column;
        io.tz = a->tz;
        gs_points *p = NULL;
        rc = gs_import_points(file, &io, &p, err);
        if (rc)
            return rc;
        int64_t from = 0, to = 0;
        if (a->year_from || a->year_to) {
            gs_parse_time("1990-01-01", &from, NULL);
            gs_parse_time("2101-01-01", &to, NULL);
            char buf[32];
            if (a->year_from) {
                snprintf(buf, sizeof buf, "%04d-01-01", a->year_from);
                gs_parse_time(buf, &from, NULL);
            }
            if (a->year_to) {
                snprintf(buf, sizeof buf, "%04d-01-01", a->year_to + 1);
                gs_parse_time(buf, &to, NULL);
            }
        }
        rc = gs_demand_from_points(p, from, to, &s, err);
        gs_points_free(p);
        if (rc) {
            if (!err->file[0])
                snprintf(err->file, sizeof err->file, "%s", file);
            return rc;
        }
        if (a->ncsv > 1) /* several files: each zone by its file */
            zone_of_file(file, z->name, sizeof z->name);
        else
            snprintf(z->name, sizeof z->name, "%s", a->column);
        snprintf(z->source, sizeof z->source, "%s (column %s)", file, a->column);
        z->cleaning = "full rule: missing, <= 0, >= 1e9 MW, beyond k x / 1/k x the median of "
                      "+-24 h, or a one-hour jump > 0.2 x that median -> linear interpolation";
    } else {
        gs_eia930_opts eo = {0};
        eo.dir = a->eia;
        eo.ba = ba;
        eo.year_from = a->year_from;
        eo.year_to = a->year_to;
        eo.raw = a->raw;
        gs_eia930_info info;
        rc = gs_eia930_load(&eo, &s, &info, err);
        if (rc)
            return rc;
        snprintf(z->name, sizeof z->name, "%s", info.name);
        snprintf(z->code, sizeof z->code, "%s", info.code);
        snprintf(z->source, sizeof z->source, "%s", info.sources);
        co.only_missing = !a->raw;
        z->cleaning = a->raw ? "raw EIA values, full rule: missing, <= 0, >= 1e9 MW, beyond k x / "
                               "1/k x the median of +-24 h, or a one-hour jump > 0.2 x that "
                               "median -> linear interpolation"
                             : "the releases' cleaned column (Ruggles et al.); missing hours "
                               "interpolated";
    }
    rc = gs_demand_clean(s, &co, &z->ch, err);
    if (rc == GS_OK) {
        rc = gs_headroom_solve(s, a->rates, a->n_rates, &z->h, err);
        if (rc && !err->file[0]) /* name the input: the file, or the zone of the releases */
            snprintf(err->file, sizeof err->file, "%s", a->csv ? ba : z->name);
    }
    gs_series_free(s);
    if (rc == GS_OK) {
        z->year_from = z->h.year_first;
        z->year_to = z->h.year_last;
    }
    return rc;
}

static double rnd(double x, double unit) { return isfinite(x) ? round(x / unit) * unit : x; }

static json_t *zone_json(const zone_run *z)
{
    json_t *o = json_object();
    json_object_set_new(o, "zone", json_string(z->name));
    if (z->code[0])
        json_object_set_new(o, "eia_code", json_string(z->code));
    json_object_set_new(o, "from", json_integer(z->year_from));
    json_object_set_new(o, "to", json_integer(z->year_to));
    char a[32], b[32];
    gs_format_time(z->h.start_s, a);
    gs_format_time(z->h.end_s, b);
    json_object_set_new(o, "start_utc", json_string(a));
    json_object_set_new(o, "end_utc", json_string(b));
    json_object_set_new(o, "hours", json_integer((json_int_t)z->h.hours));
    json_object_set_new(o, "years", json_real(rnd(z->h.years, 1e-4)));
    json_t *t = json_object();
    json_object_set_new(t, "summer", json_real(rnd(z->h.threshold_summer_mw, 0.1)));
    json_object_set_new(t, "winter", json_real(rnd(z->h.threshold_winter_mw, 0.1)));
    json_object_set_new(o, "threshold_mw", t);
    json_t *rs = json_array();
    for (size_t k = 0; k < z->h.n_results; k++) {
        const gs_headroom_result *r = &z->h.results[k];
        json_t *x = json_object();
        json_object_set_new(x, "rate_pct", json_real(r->rate_pct));
        json_object_set_new(x, "headroom_mw", json_real(rnd(r->headroom_mw, 0.1)));
        json_object_set_new(x, "curtailed_hours_per_year", json_real(rnd(r->curtailed_hours_per_year, 0.01)));
        json_object_set_new(x, "mean_event_hours", json_real(rnd(r->mean_event_hours, 0.01)));
        json_object_set_new(x, "max_event_hours", json_real(r->max_event_hours));
        json_object_set_new(x, "events", json_integer((json_int_t)r->events));
        json_object_set_new(x, "hours_keeping_50pct", json_real(rnd(r->hours_keeping_50pct, 0.01)));
        json_object_set_new(x, "hours_keeping_75pct", json_real(rnd(r->hours_keeping_75pct, 0.01)));
        json_object_set_new(x, "hours_keeping_90pct", json_real(rnd(r->hours_keeping_90pct, 0.01)));
        json_object_set_new(x, "curtailed_mwh_per_year", json_real(rnd(r->curtailed_mwh_per_year, 0.1)));
        json_object_set_new(x, "achieved_rate_pct", json_real(rnd(r->achieved_rate_pct, 1e-9)));
        json_array_append_new(rs, x);
    }
    json_object_set_new(o, "results", rs);
    json_object_set_new(o, "load_factor", json_real(rnd(z->h.load_factor, 1e-4)));
    json_object_set_new(o, "peak_mw", json_real(rnd(z->h.peak_mw, 0.1)));
    json_object_set_new(o, "mean_mw", json_real(rnd(z->h.mean_mw, 0.1)));
    json_object_set_new(o, "cleaned_hours", json_integer((json_int_t)z->ch.n));
    json_t *bk = json_object();
    for (int k = 0; k < GS_CHANGE_NKINDS; k++)
        json_object_set_new(bk, gs_change_kind_name(k), json_integer((json_int_t)z->ch.by_kind[k]));
    json_object_set_new(o, "cleaned_by_kind", bk);
    json_object_set_new(o, "cleaning", json_string(z->cleaning));
    json_object_set_new(o, "source", json_string(z->source));
    return o;
}

static void write_text(FILE *f, const zone_run *z)
{
    fprintf(f, "%s%s%s%s: %d..%d, %zu hours, peak %.0f MW, load factor %.3f\n", z->name,
            z->code[0] ? " (EIA " : "", z->code, z->code[0] ? ")" : "", z->year_from, z->year_to,
            z->h.hours, z->h.peak_mw, z->h.load_factor);
    fprintf(f, "thresholds: summer %.0f MW (Apr-Oct), winter %.0f MW (Nov-Mar)\n",
            z->h.threshold_summer_mw, z->h.threshold_winter_mw);
    fprintf(f, "source: %s\ncleaning: %s; %zu hours changed\n\n", z->source, z->cleaning, z->ch.n);
    fprintf(f, "%8s %12s %10s %10s %10s %10s %10s\n", "rate %", "headroom MW", "hours/yr",
            "event h", ">=50% h", ">=75% h", ">=90% h");
    for (size_t k = 0; k < z->h.n_results; k++) {
        const gs_headroom_result *r = &z->h.results[k];
        fprintf(f, "%8g %12.0f %10.1f %10.2f %10.1f %10.1f %10.1f\n", r->rate_pct, r->headroom_mw,
                r->curtailed_hours_per_year, r->mean_event_hours, r->hours_keeping_50pct,
                r->hours_keeping_75pct, r->hours_keeping_90pct);
    }
}

static void write_table(FILE *f, const zone_run *zs, size_t nz, const args *a, int markdown)
{
    size_t nr = a->n_rates;
    if (markdown) {
        fprintf(f, "| zone | EIA | peak GW | load factor |");
        for (size_t k = 0; k < nr; k++)
            fprintf(f, " %g %% GW |", a->rates[k]);
        for (size_t k = 0; k < nr; k++)
            fprintf(f, " %g %% h/yr |", a->rates[k]);
        for (size_t k = 0; k < nr; k++)
            fprintf(f, " %g %% event h |", a->rates[k]);
        fprintf(f, " cleaned h |\n|---|---|--:|--:|");
        for (size_t k = 0; k < 3 * nr + 1; k++)
            fprintf(f, "--:|");
        fprintf(f, "\n");
    } else {
        fprintf(f, "zone,eia_code,from,to,peak_mw,load_factor,threshold_summer_mw,threshold_winter_mw");
        for (size_t k = 0; k < nr; k++)
            fprintf(f, ",headroom_mw_%g,hours_per_year_%g,mean_event_hours_%g,keep50_%g,keep75_%g,keep90_%g",
                    a->rates[k], a->rates[k], a->rates[k], a->rates[k], a->rates[k], a->rates[k]);
        fprintf(f, ",cleaned_hours\n");
    }
    double tot[GS_HEADROOM_MAX_RATES] = {0}, hrs[GS_HEADROOM_MAX_RATES] = {0},
           ev[GS_HEADROOM_MAX_RATES] = {0}, peak = 0;
    for (size_t i = 0; i < nz; i++) {
        const zone_run *z = &zs[i];
        peak += z->h.peak_mw;
        if (markdown) {
            fprintf(f, "| %s | %s | %.1f | %.3f |", z->name, z->code, z->h.peak_mw / 1000,
                    z->h.load_factor);
            for (size_t k = 0; k < nr; k++)
                fprintf(f, " %.2f |", z->h.results[k].headroom_mw / 1000);
            for (size_t k = 0; k < nr; k++)
                fprintf(f, " %.0f |", z->h.results[k].curtailed_hours_per_year);
            for (size_t k = 0; k < nr; k++)
                fprintf(f, " %.2f |", z->h.results[k].mean_event_hours);
            fprintf(f, " %zu |\n", z->ch.n);
        } else {
            fprintf(f, "%s,%s,%d,%d,%.1f,%.4f,%.1f,%.1f", z->name, z->code, z->year_from,
                    z->year_to, z->h.peak_mw, z->h.load_factor, z->h.threshold_summer_mw,
                    z->h.threshold_winter_mw);
            for (size_t k = 0; k < nr; k++) {
                const gs_headroom_result *r = &z->h.results[k];
                fprintf(f, ",%.1f,%.2f,%.2f,%.2f,%.2f,%.2f", r->headroom_mw,
                        r->curtailed_hours_per_year, r->mean_event_hours, r->hours_keeping_50pct,
                        r->hours_keeping_75pct, r->hours_keeping_90pct);
            }
            fprintf(f, ",%zu\n", z->ch.n);
        }
        for (size_t k = 0; k < nr; k++) {
            tot[k] += z->h.results[k].headroom_mw;
            hrs[k] += z->h.results[k].curtailed_hours_per_year;
            ev[k] += z->h.results[k].mean_event_hours;
        }
    }
    if (markdown && nz) {
        fprintf(f, "| **total** (hours, events: mean of zones) | | %.1f | |", peak / 1000);
        for (size_t k = 0; k < nr; k++)
            fprintf(f, " **%.1f** |", tot[k] / 1000);
        for (size_t k = 0; k < nr; k++)
            fprintf(f, " %.0f |", hrs[k] / (double)nz);
        for (size_t k = 0; k < nr; k++)
            fprintf(f, " %.2f |", ev[k] / (double)nz);
        fprintf(f, " |\n");
    }
}

static int write_changes(const char *path, const zone_run *zs, size_t nz, gs_error *err)
{
    gs__outfile o;
    int rc = gs__outfile_open(&o, path, err);
    if (rc)
        return rc;
    fprintf(o.f, "zone,time_utc,kind,original_mw,replaced_mw\n");
    for (size_t i = 0; i < nz; i++)
        for (size_t k = 0; k < zs[i].ch.n; k++) {
            const gs_demand_change *c = &zs[i].ch.v[k];
            char ts[32];
            gs_format_time(c->t, ts);
            if (isnan(c->original))
                fprintf(o.f, "%s,%s,%s,,%.3f\n", zs[i].name, ts, gs_change_kind_name(c->kind),
                        c->replaced);
            else
                fprintf(o.f, "%s,%s,%s,%.3f,%.3f\n", zs[i].name, ts, gs_change_kind_name(c->kind),
                        c->original, c->replaced);
        }
    return gs__outfile_commit(&o, err);
}

int gs_cmd_headroom(int argc, char **argv)
{
    gs_opts *op;
    int rc = gs_opts_cli(&gs_cmd_headroom_decl, argc, argv, NULL, &op);
    if (!op)
        return rc; /* --help printed (0) or usage error printed (2) */
    args a;
    rc = read_args(op, &a);
    gs_opts_free(op); /* a's texts point into argv or the declaration */
    if (rc)
        return rc;

    /* the zones (--ba-list: checked item by item, at most 64, none empty) */
    const char *list[64];
    size_t nz = 0;
    char *listbuf = NULL;
    if (a.all) {
        const char *const *d = gs_eia930_default_bas(&nz);
        if (nz > sizeof list / sizeof list[0])
            nz = sizeof list / sizeof list[0];
        for (size_t i = 0; i < nz; i++)
            list[i] = d[i];
    } else if (a.ba_list) {
        listbuf = strdup(a.ba_list);
        if (!listbuf)
            return 1;
        for (char *t = listbuf; t && nz < sizeof list / sizeof list[0];) {
            char *comma = strchr(t, ',');
            if (comma)
                *comma = '\0';
            list[nz++] = t;
            t = comma ? comma + 1 : NULL;
        }
    } else if (a.csv) {
        nz = a.ncsv;
        for (size_t i = 0; i < nz; i++)
            list[i] = a.csvs[i];
    } else {
        list[0] = a.ba;
        nz = 1;
    }

    zone_run *zs = calloc(nz, sizeof *zs);
    gs_error err = {0};
    if (!zs) {
        free(listbuf);
        return 1;
    }
    for (size_t i = 0; i < nz && rc == 0; i++)
        rc = load_zone(&a, list[i], &zs[i], &err);
    int multi = a.all || a.ba_list || a.ncsv > 1;

    if (rc == 0) {
        gs__outfile o = {0};
        FILE *f = stdout;
        if (a.out) {
            rc = gs__outfile_open(&o, a.out, &err);
            f = o.f;
        }
        if (rc == 0) {
            if (strcmp(a.format, "json") == 0) {
                json_t *j;
                if (multi) {
                    j = json_array();
                    for (size_t i = 0; i < nz; i++)
                        json_array_append_new(j, zone_json(&zs[i]));
                } else {
                    j = zone_json(&zs[0]);
                }
                json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
                fputc('\n', f);
                json_decref(j);
            } else if (strcmp(a.format, "text") == 0) {
                for (size_t i = 0; i < nz; i++) {
                    if (i)
                        fputc('\n', f);
                    write_text(f, &zs[i]);
                }
            } else {
                write_table(f, zs, nz, &a, strcmp(a.format, "markdown") == 0);
            }
            if (a.out)
                rc = gs__outfile_commit(&o, &err);
            else if (fflush(stdout) != 0)
                rc = gs_error_set(&err, GS_EIO, "<stdout>", 0, 0, NULL, "cannot write");
        }
        if (rc == 0 && a.changes)
            rc = write_changes(a.changes, zs, nz, &err);
    }
    for (size_t i = 0; i < nz; i++)
        gs_demand_changes_free(&zs[i].ch);
    free(zs);
    free(listbuf);
    return rc ? gs_cli_fail(CMD, &err) : 0;
}
