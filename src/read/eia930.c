/* eia930.c: hourly demand of one US balancing authority from the EIA-930 files of
 * $GS_SHARED/data/eia930 (include/gridsplit/read/eia930.h): name mapping (ERCOT -> ERCO, DEC ->
 * DUK, ...), the join of the Oct 2020 release (2015-07..2020-07) and the Jan 2025 release
 * (2020..2024; the later wins where they overlap), subregion sums where the 2025 release lists a
 * BA only by subregions (PJM-*, MISO-*, ...), and the binning of any point set into an hourly
 * series. Each file is read with gs_import_points (format "eia930"); cleaning is the pure
 * gs_demand_clean (src/flex/headroom.c). */
#include "gridsplit/headroom.h"
#include "gridsplit/time.h"
#include "gridsplit/read/eia930.h"
#include "gridsplit/read/import.h"

#include <ctype.h>
#include <dirent.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define R2020 "release_2020_Oct/balancing_authorities"
#define R2025_CLEAN "release_2025_Jan_include_subregions/subregions_and_balancing_authorities"
#define R2025_ORIG "release_2025_Jan_include_subregions/original_eia_files"

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int64_t year_start(int y) { return days_from_civil(y, 1, 1) * 86400; }

static int64_t floor_hour(int64_t t)
{
    int64_t q = t / 3600;
    if (t % 3600 != 0 && t < 0)
        q--;
    return q;
}

int gs_demand_from_points(const gs_points *p, int64_t from_s, int64_t to_s, gs_series **out,
                          gs_error *err)
{
    *out = NULL;
    int bounded = from_s != 0 || to_s != 0;
    int64_t h0 = INT64_MAX, h1 = INT64_MIN;
    for (size_t i = 0; i < p->n; i++) {
        if (bounded && (p->t[i] < from_s || p->t[i] >= to_s))
            continue;
        int64_t h = floor_hour(p->t[i]);
        if (h < h0)
            h0 = h;
        if (h > h1)
            h1 = h;
    }
    if (h0 > h1)
        return gs_error_set(err, GS_EINPUT, p->name, 0, 0, NULL,
                            "no demand values in the period asked for");
    /* the one bound on a series' length (GS_SERIES_MAX_STEPS), before allocating */
    size_t n;
    if (gs_series_steps(h0 * 3600, h1 * 3600 + 3600, 3600, &n, NULL) != GS_OK) {
        char a[24], b[24];
        gs_format_time(h0 * 3600, a); /* times from the importer: years 0000..9999 */
        gs_format_time(h1 * 3600, b);
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, NULL,
                            "the demand's hours %s to %s are %lld hourly steps; the limit is %d "
                            "(GS_SERIES_MAX_STEPS): narrow the period (--from/--to)",
                            a, b, (long long)(h1 - h0 + 1), GS_SERIES_MAX_STEPS);
    }
    gs_series *s = gs_series_new(h0 * 3600, 3600, n);
    unsigned *cnt = calloc(n, sizeof *cnt);
    if (!s || !cnt) {
        gs_series_free(s);
        free(cnt);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    /* cnt[k]: values summed into hour k, or MISSING once the hour has a missing value */
    const unsigned MISSING = UINT_MAX;
    for (size_t i = 0; i < n; i++)
        s->v[i] = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (bounded && (p->t[i] < from_s || p->t[i] >= to_s))
            continue;
        size_t k = (size_t)(floor_hour(p->t[i]) - h0);
        if (cnt[k] == MISSING)
            continue;
        if (isnan(p->v[i])) {
            cnt[k] = MISSING; /* an hour with a missing value stays missing */
            continue;
        }
        s->v[k] += p->v[i];
        cnt[k]++;
    }
    size_t over = 0;
    for (size_t i = 0; i < n; i++) {
        s->v[i] = cnt[i] && cnt[i] != MISSING ? s->v[i] / cnt[i] : NAN;
        over += cnt[i] && cnt[i] != MISSING && !isfinite(s->v[i]);
    }
    if (over) {
        /* finite values near 1.8e308 whose sum overflowed: those hours from values x 2^-64 */
        for (size_t i = 0; i < n; i++)
            if (cnt[i] && cnt[i] != MISSING && !isfinite(s->v[i]))
                s->v[i] = 0;
            else
                cnt[i] = 0; /* done */
        for (size_t i = 0; i < p->n; i++) {
            if (bounded && (p->t[i] < from_s || p->t[i] >= to_s))
                continue;
            size_t k = (size_t)(floor_hour(p->t[i]) - h0);
            if (cnt[k] && cnt[k] != MISSING)
                s->v[k] += p->v[i] * 0x1p-64;
        }
        for (size_t i = 0; i < n; i++)
            if (cnt[i] && cnt[i] != MISSING) {
                double v = s->v[i] / cnt[i] / 0x1p-64;
                s->v[i] = v > DBL_MAX ? DBL_MAX : v < -DBL_MAX ? -DBL_MAX : v;
            }
    }
    free(cnt);
    snprintf(s->unit, sizeof s->unit, "%s", p->unit[0] ? p->unit : "MW");
    snprintf(s->name, sizeof s->name, "%s", p->name);
    *out = s;
    return GS_OK;
}

/* ---- names ---- */

static const char *const default_bas[] = {
    "PJM", "MISO", "ERCOT", "SPP", "CAISO", "NYISO", "ISO-NE", "SOCO", "TVA", "FPL", "DEC",
    "DEF", "DEP", "SCP", "DESC", "BPA", "AZPS", "SRP", "PACE", "PSCO", "PACW", "PGE",
};

const char *const *gs_eia930_default_bas(size_t *n)
{
    *n = sizeof default_bas / sizeof default_bas[0];
    return default_bas;
}

/* Usual names -> EIA codes (balancing_authority_acronyms.csv.zst). */
static const struct {
    const char *name, *code;
} aliases[] = {
    {"ERCOT", "ERCO"}, {"CAISO", "CISO"}, {"NYISO", "NYIS"}, {"ISO-NE", "ISNE"},
    {"ISONE", "ISNE"}, {"SPP", "SWPP"},   {"BPA", "BPAT"},   {"DEC", "DUK"},
    {"DEP", "CPLE"},   {"DEF", "FPC"},    {"SCP", "SC"},     {"SANTEE", "SC"},
    {"DESC", "SCEG"},  {"TEP", "TEPC"},   {"PNM", "PNM"},    {"LADWP", "LDWP"},
};

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* dir/sub/CODE.csv.zst or .csv or .csv.gz; 1 if found (path in buf). */
static int find_file(const char *dir, const char *sub, const char *code, char *buf, size_t len)
{
    static const char *const ext[] = {".csv.zst", ".csv", ".csv.gz"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(buf, len, "%s/%s/%s%s", dir, sub, code, ext[i]);
        if (exists(buf))
            return 1;
    }
    return 0;
}

typedef struct names {
    size_t n, cap;
    char (*v)[48];
} names;

static int names_add(names *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 128;
        char(*nv)[48] = realloc(l->v, cap * sizeof *nv);
        if (!nv)
            return GS_ENOMEM;
        l->v = nv;
        l->cap = cap;
    }
    snprintf(l->v[l->n++], 48, "%s", s);
    return 0;
}

static int cmp_name(const void *a, const void *b) { return strcmp((const char *)a, (const char *)b); }

/* Base names (without extension) of the files in dir/sub; with prefix non-NULL only those
 * starting with "prefix-". */
static int list_dir(const char *dir, const char *sub, const char *prefix, names *out)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    DIR *d = opendir(path);
    if (!d)
        return 0;
    struct dirent *e;
    size_t plen = prefix ? strlen(prefix) : 0;
    int rc = 0;
    while ((e = readdir(d)) != NULL && rc == 0) {
        char base[256];
        snprintf(base, sizeof base, "%s", e->d_name);
        char *dot = strstr(base, ".csv");
        if (!dot || base[0] == '.')
            continue;
        *dot = '\0';
        if (prefix && (strncmp(base, prefix, plen) != 0 || base[plen] != '-'))
            continue;
        rc = names_add(out, base);
    }
    closedir(d);
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, cmp_name);
    return rc;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40)
        return 99;
    size_t row[41];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = toupper((unsigned char)a[i - 1]) == toupper((unsigned char)b[j - 1]) ? 0 : 1;
            size_t best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static int known_code(const char *dir, const char *code)
{
    char path[1024];
    if (find_file(dir, R2020, code, path, sizeof path) ||
        find_file(dir, R2025_CLEAN, code, path, sizeof path) ||
        find_file(dir, R2025_ORIG, code, path, sizeof path))
        return 1;
    names sub = {0};
    list_dir(dir, R2025_CLEAN, code, &sub);
    int found = sub.n > 0;
    free(sub.v);
    return found;
}

int gs_eia930_resolve(const char *dir, const char *name, char *code, size_t code_len,
                      gs_error *err)
{
    char up[48];
    size_t i = 0;
    for (; name[i] && i < sizeof up - 1; i++)
        up[i] = (char)toupper((unsigned char)name[i]);
    up[i] = '\0';
    const char *c = up;
    for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++)
        if (strcmp(up, aliases[k].name) == 0)
            c = aliases[k].code;
    if (up[0] && strchr(up, '/') == NULL && known_code(dir, c)) {
        snprintf(code, code_len, "%s", c);
        return GS_OK;
    }
    /* unknown: list close names */
    names all = {0};
    list_dir(dir, R2020, NULL, &all);
    list_dir(dir, R2025_CLEAN, NULL, &all);
    list_dir(dir, R2025_ORIG, NULL, &all);
    size_t nfiles = all.n;
    for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++)
        names_add(&all, aliases[k].name);
    if (nfiles == 0) {
        free(all.v);
        return gs_error_set(err, GS_EINPUT, dir, 0, 0, "ba",
                            "no EIA-930 files found under this folder (expected %s/ and %s/)",
                            R2020, R2025_CLEAN);
    }
    char close[512] = "";
    size_t used = 0, shown = 0;
    for (size_t k = 0; k < all.n && shown < 12; k++) {
        const char *cand = all.v[k];
        size_t d = edit_distance(up, cand);
        int sub = up[0] && (strncasecmp(cand, up, strlen(up)) == 0 ||
                            (strlen(cand) >= 2 && strncasecmp(up, cand, strlen(cand)) == 0));
        if (d <= 2 || sub) {
            used += (size_t)snprintf(close + used, sizeof close - used, "%s%s",
                                     shown ? ", " : "", cand);
            if (used >= sizeof close)
                break;
            shown++;
        }
    }
    free(all.v);
    if (shown)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "ba",
                            "unknown balancing authority '%s'; close names: %s", name, close);
    return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "ba",
                        "unknown balancing authority '%s'; names are EIA codes (file names in %s/%s) "
                        "or ERCOT, CAISO, NYISO, ISO-NE, SPP, BPA, DEC, DEP, DEF, SCP, DESC",
                        name, dir, R2020);
}

/* ---- loading ---- */

/* Read one file over [from, to) into acc (hour index from `from`); NaN where the file has no
 * value. Returns 0 or an error. */
static int read_into(const char *path, const char *column, int64_t from, size_t n, double *acc,
                     gs_error *err)
{
    gs_import_opts o = {0};
    o.format = "eia930";
    o.value_column = column;
    gs_points *p = NULL;
    int rc = gs_import_points(path, &o, &p, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        acc[i] = NAN;
    for (size_t i = 0; i < p->n; i++) {
        int64_t h = floor_hour(p->t[i] - from);
        if (h < 0 || (size_t)h >= n)
            continue;
        acc[h] = p->v[i];
    }
    gs_points_free(p);
    return GS_OK;
}

static const char *rel(const char *path, const char *dir)
{
    size_t l = strlen(dir);
    return strncmp(path, dir, l) == 0 && path[l] == '/' ? path + l + 1 : path;
}

int gs_eia930_load(const gs_eia930_opts *opts, gs_series **out, gs_eia930_info *info,
                   gs_error *err)
{
    *out = NULL;
    memset(info, 0, sizeof *info);
    int yf = opts->year_from ? opts->year_from : 2016;
    int yt = opts->year_to ? opts->year_to : 2024;
    if (yf > yt || yf < 1990 || yt > 2100)
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, "from/to",
                            "expected years with from <= to, found %d..%d", yf, yt);
    char code[16];
    int rc = gs_eia930_resolve(opts->dir, opts->ba, code, sizeof code, err);
    if (rc)
        return rc;
    snprintf(info->code, sizeof info->code, "%s", code);
    size_t i = 0;
    for (; opts->ba[i] && i < sizeof info->name - 1; i++)
        info->name[i] = (char)toupper((unsigned char)opts->ba[i]);
    info->name[i] = '\0';

    int64_t from = year_start(yf), to = year_start(yt + 1);
    size_t n = (size_t)((to - from) / 3600);
    double *v = malloc(n * sizeof *v), *tmp = malloc(n * sizeof *tmp), *sum = malloc(n * sizeof *sum);
    gs_series *s = NULL;
    names sub = {0};
    if (!v || !tmp || !sum) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < n; k++)
        v[k] = NAN;
    size_t used = 0;
    char path[1024];
    const char *col2020 = opts->raw ? "raw" : "cleaned";

    /* the Oct 2020 release: whole BAs, 2015-07-02 .. 2020-07-01 */
    if (find_file(opts->dir, R2020, code, path, sizeof path)) {
        rc = read_into(path, col2020, from, n, tmp, err);
        if (rc)
            goto done;
        size_t got = 0;
        for (size_t k = 0; k < n; k++)
            if (!isnan(tmp[k])) {
                v[k] = tmp[k];
                got++;
            }
        if (got) {
            info->files++;
            info->used_2020_release = 1;
            used += (size_t)snprintf(info->sources + used, sizeof info->sources - used,
                                     "%s (%s demand, %zu hours)", rel(path, opts->dir), col2020, got);
        }
    }

    /* the Jan 2025 release: the BA's own file, else the sum of its subregions */
    const char *dir25 = opts->raw ? R2025_ORIG : R2025_CLEAN;
    const char *col2025 = opts->raw ? NULL : "cleaned";
    int have25 = 0;
    size_t got25 = 0;
    if (find_file(opts->dir, dir25, code, path, sizeof path)) {
        rc = read_into(path, col2025, from, n, sum, err);
        if (rc)
            goto done;
        have25 = 1;
        info->files++;
    } else {
        list_dir(opts->dir, dir25, code, &sub);
        for (size_t k = 0; k < n; k++)
            sum[k] = 0;
        for (size_t f = 0; f < sub.n; f++) {
            if (!find_file(opts->dir, dir25, sub.v[f], path, sizeof path))
                continue;
            rc = read_into(path, col2025, from, n, tmp, err);
            if (rc)
                goto done;
            for (size_t k = 0; k < n; k++)
                sum[k] += tmp[k]; /* NaN if any subregion lacks the hour */
            info->files++;
            info->subregions++;
            have25 = 1;
        }
    }
    if (have25) {
        int64_t overlap = 0;
        int64_t first = -1, last = -1;
        for (size_t k = 0; k < n; k++)
            if (!isnan(sum[k])) {
                if (!isnan(v[k]))
                    overlap++;
                v[k] = sum[k];
                got25++;
                if (first < 0)
                    first = (int64_t)k;
                last = (int64_t)k;
            }
        /* an hour in the 2025 release's span where a subregion lacks a value: mark missing
         * (never fall back to the 2020 release inside the 2025 span) */
        if (first >= 0)
            for (int64_t k = first; k <= last; k++)
                if (isnan(sum[k]))
                    v[k] = NAN;
        if (got25) {
            info->used_2025_release = 1;
            info->overlap_hours = overlap;
            char what[256];
            if (info->subregions)
                snprintf(what, sizeof what, "sum of %zu subregions %s-* in %s", info->subregions,
                         code, dir25);
            else
                snprintf(what, sizeof what, "%s/%s", dir25, code);
            used += (size_t)snprintf(info->sources + (used < sizeof info->sources ? used : 0),
                                     used < sizeof info->sources ? sizeof info->sources - used : 0,
                                     "%s%s (%s, %zu hours%s)", used ? "; " : "", what,
                                     col2025 ? "cleaned demand" : "demand as EIA published it",
                                     got25, overlap ? ", wins where the releases overlap" : "");
            if (overlap) {
                size_t u = strlen(info->sources);
                snprintf(info->sources + u, sizeof info->sources - u,
                         "; %lld overlapping hours taken from the 2025 release", (long long)overlap);
            }
        }
    }
    /* trim hours no file covers at either end */
    size_t a = 0, b = n;
    while (a < n && isnan(v[a]))
        a++;
    while (b > a && isnan(v[b - 1]))
        b--;
    if (a == b) {
        rc = gs_error_set(err, GS_EINPUT, opts->dir, 0, 0, "ba",
                          "no EIA-930 demand for %s (%s) in %d..%d", info->name, code, yf, yt);
        goto done;
    }
    s = gs_series_new(from + (int64_t)a * 3600, 3600, b - a);
    if (!s) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }
    memcpy(s->v, v + a, (b - a) * sizeof *v);
    snprintf(s->unit, sizeof s->unit, "MW");
    snprintf(s->name, sizeof s->name, "%s", info->name);
    *out = s;
    s = NULL;
done:
    free(v);
    free(tmp);
    free(sum);
    free(sub.v);
    gs_series_free(s);
    return rc;
}
