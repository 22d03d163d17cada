/* supply_in.c: the inputs of `gridsplit supply` (include/gridsplit/read/supply.h; docs/supply.md):
 * hourly wind and solar of a zone from an hourly generation-by-fuel file (genmix/) or from
 * ERCOT's 15-minute fuel-mix files (ercot/fuel_mix/), and CarbonExplorer's case files
 * (genmix/inputs_*.csv). Every bad cell is GS_EINPUT naming file:line:column. */
#include "gridsplit/read/supply.h"
#include "gridsplit/time.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/reader.h"

#define MAX_FIELDS 128
/* a power in MW (or MWh in an hour or a quarter-hour) beyond this is a mistake in the file
 * (the same bound as the importer's GS_QTY_POWER_MW) */
#define MW_LIMIT 1e12

/* Parse a finite number >= 0 and <= MW_LIMIT in cell s (line ln, column col of path). */
static int cell_num(const char *path, long ln, int col, const char *s, double *v, gs_error *err)
{
    char *end;
    errno = 0;
    while (*s == ' ')
        s++;
    double x = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (end == s || *end)
        return gs_error_set(err, GS_EINPUT, path, (int)ln, col, NULL,
                            "expected a number of MW, found '%s'", s);
    if (!isfinite(x) || x < 0 || x > MW_LIMIT)
        return gs_error_set(err, GS_EINPUT, path, (int)ln, col, NULL,
                            "expected a finite number of MW in [0, 1e12], found '%s'", s);
    *v = x;
    return GS_OK;
}

/* Index of the column named name in the header fields, or -1. */
static int col_of(char **f, int nf, const char *name)
{
    for (int i = 0; i < nf && i < MAX_FIELDS; i++)
        if (strcasecmp(f[i], name) == 0)
            return i;
    return -1;
}

static int time_cell(const char *path, long ln, int col, const char *s, int64_t *t, gs_error *err)
{
    gs_error e = {0};
    if (gs_parse_time(s, t, &e) != GS_OK)
        return gs_error_set(err, GS_EINPUT, path, (int)ln, col, NULL,
                            "expected a UTC time like 2021-01-01 00:00:00, found '%s'", s);
    return GS_OK;
}

static int alloc_hours(gs_genmix *g, int64_t from_s, int64_t to_s, gs_error *err)
{
    memset(g, 0, sizeof *g);
    if (to_s <= from_s || from_s % 3600 || to_s % 3600)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                            "expected a period of whole UTC hours, found %lld to %lld",
                            (long long)from_s, (long long)to_s);
    size_t n = (size_t)((to_s - from_s) / 3600);
    if (n > 24u * 366u * 50u)
        return gs_error_set(err, GS_ERANGE, NULL, 0, 0, NULL,
                            "expected a period of at most 50 years, found %zu hours", n);
    g->start_s = from_s;
    g->n = n;
    g->wind_mw = malloc(n * sizeof *g->wind_mw);
    g->solar_mw = malloc(n * sizeof *g->solar_mw);
    if (!g->wind_mw || !g->solar_mw) {
        gs_genmix_free(g);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        g->wind_mw[i] = g->solar_mw[i] = NAN;
    return GS_OK;
}

static void count_missing(gs_genmix *g)
{
    g->missing_hours = 0;
    for (size_t i = 0; i < g->n; i++)
        if (isnan(g->wind_mw[i]) || isnan(g->solar_mw[i]))
            g->missing_hours++;
}

void gs_genmix_free(gs_genmix *g)
{
    if (!g)
        return;
    free(g->wind_mw);
    free(g->solar_mw);
    memset(g, 0, sizeof *g);
}

int gs_genmix_read(const char *path, const char *ba, int64_t from_s, int64_t to_s,
                   gs_genmix *out, gs_error *err)
{
    int rc = alloc_hours(out, from_s, to_s, err);
    if (rc)
        return rc;
    gs__reader *r = gs__reader_open(path, err);
    if (!r) {
        gs_genmix_free(out);
        return err->code ? err->code : GS_EIO;
    }
    char *line, *f[MAX_FIELDS];
    size_t len;
    int ct = -1, cb = -1, cw = -1, cs = -1;
    size_t rows = 0;
    char zones[256] = "";
    int64_t ba_first = INT64_MAX, ba_last = INT64_MIN;
    rc = gs__reader_line(r, &line, &len, err);
    if (rc == 0)
        rc = gs_error_set(err, GS_EINPUT, path, 1, 0, NULL,
                          "expected a header time_utc,ba,WND,SUN,..., found an empty file");
    if (rc > 0) {
        int nf = gs__csv_split(line, f, MAX_FIELDS);
        ct = col_of(f, nf, "time_utc");
        cb = col_of(f, nf, "ba");
        cw = col_of(f, nf, "WND");
        cs = col_of(f, nf, "SUN");
        rc = GS_OK;
        if (ct < 0 || cb < 0 || cw < 0 || cs < 0)
            rc = gs_error_set(err, GS_EINPUT, path, 1, 0, NULL,
                              "expected the columns time_utc, ba, WND and SUN (hourly generation "
                              "by fuel), found a header without %s",
                              ct < 0 ? "time_utc" : cb < 0 ? "ba" : cw < 0 ? "WND" : "SUN");
    }
    int maxc = ct > cb ? ct : cb;
    maxc = maxc > cw ? maxc : cw;
    maxc = maxc > cs ? maxc : cs;
    while (rc == GS_OK && (rc = gs__reader_line(r, &line, &len, err)) > 0) {
        rc = GS_OK;
        long ln = gs__reader_lineno(r);
        if (len == 0)
            continue;
        int nf = gs__csv_split(line, f, MAX_FIELDS);
        if (nf <= maxc) {
            rc = gs_error_set(err, GS_EINPUT, path, (int)ln, 0, NULL,
                              "expected at least %d fields, found %d", maxc + 1, nf);
            break;
        }
        if (strcasecmp(f[cb], ba) != 0) {
            /* remember the zones the file has, for the error when ba has none */
            size_t zl = strlen(zones);
            if (!strstr(zones, f[cb]) && zl + strlen(f[cb]) + 3 < sizeof zones)
                snprintf(zones + zl, sizeof zones - zl, "%s%s", zl ? ", " : "", f[cb]);
            continue;
        }
        int64_t t;
        if ((rc = time_cell(path, ln, ct + 1, f[ct], &t, err)))
            break;
        if (t < ba_first)
            ba_first = t;
        if (t > ba_last)
            ba_last = t;
        if (t < from_s || t >= to_s)
            continue;
        if (t % 3600) {
            rc = gs_error_set(err, GS_EINPUT, path, (int)ln, ct + 1, NULL,
                              "expected a time on the hour, found '%s'", f[ct]);
            break;
        }
        double w, s;
        if ((rc = cell_num(path, ln, cw + 1, f[cw], &w, err)) ||
            (rc = cell_num(path, ln, cs + 1, f[cs], &s, err)))
            break;
        size_t i = (size_t)((t - from_s) / 3600);
        out->wind_mw[i] = w;
        out->solar_mw[i] = s;
        rows++;
    }
    gs__reader_close(r);
    if (rc == GS_OK && rows == 0) {
        char a[24], b[24];
        gs_format_time(from_s, a);
        gs_format_time(to_s, b);
        if (ba_first <= ba_last) {
            char c[24], d[24];
            gs_format_time(ba_first, c);
            gs_format_time(ba_last, d);
            rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                              "expected hours of zone '%s' from %s to %s, found none in that "
                              "period (the file has '%s' from %s to %s: --from/--to)",
                              ba, a, b, ba, c, d);
        } else
            rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                              "expected hours of zone '%s', found none (the file's zones: %s)",
                              ba, zones[0] ? zones : "none");
    }
    if (rc < 0) {
        gs_genmix_free(out);
        return rc;
    }
    count_missing(out);
    return GS_OK;
}

/* UTC of local midnight of the civil day (y, m, d) in zone tz. */
static int64_t local_midnight(const gs_tz *tz, int64_t y, int m, int d)
{
    int64_t L = gs_utc_from_civil(y, m, d, 0, 0, 0);
    int32_t o1 = gs_tz_offset(tz, L, NULL);
    int64_t t = L - o1;
    int32_t o2 = gs_tz_offset(tz, t, NULL);
    return o2 == o1 ? t : L - o2;
}

/* One fuel-mix file: add each Wind / Solar quarter-hour's MW into the hours' sums. */
static int fuel_mix_file(const char *path, const gs_tz *tz, gs_genmix *g, double *sw, double *ss,
                         unsigned *nw, unsigned *ns, gs_error *err)
{
    gs__reader *r = gs__reader_open(path, err);
    if (!r)
        return err->code ? err->code : GS_EIO;
    char *line, *f[MAX_FIELDS];
    size_t len;
    int rc = gs__reader_line(r, &line, &len, err);
    if (rc == 0)
        rc = gs_error_set(err, GS_EINPUT, path, 1, 0, NULL,
                          "expected a header Date,Fuel,Settlement Type,Total,0:15,..., found an "
                          "empty file");
    int first = 4; /* the first quarter-hour's column */
    int hnf = 0;
    if (rc > 0) {
        int nf = hnf = gs__csv_split(line, f, MAX_FIELDS);
        rc = GS_OK;
        if (nf >= 1 && strcasecmp(f[0], "Date-Fuel") == 0)
            first = 3; /* 2016: Date-Fuel (12/01/16_Wind), Total, 00:15:00, ...: see below */
        else if (nf < 5 || strcasecmp(f[0], "Date") != 0 || strcasecmp(f[1], "Fuel") != 0)
            rc = gs_error_set(err, GS_EINPUT, path, 1, 1, NULL,
                              "expected ERCOT's fuel-mix header Date,Fuel,Settlement Type,Total,"
                              "0:15,..., found '%s'",
                              nf ? f[0] : "");
        else {
            int ctot = col_of(f, nf, "Total");
            if (ctot >= 0)
                first = ctot + 1;
        }
    }
    int date_fuel = first == 3;
    int hcols = 0; /* the header's quarter-hour columns (96) */
    if (date_fuel) {
        /* 2016 layout: Date-Fuel ("2016-01-01_Wind"), Total, then the quarter-hours; find the
         * first column named like a time */
        first = -1;
        for (int i = 1; i < hnf && i < MAX_FIELDS; i++)
            if (strchr(f[i], ':')) {
                first = i;
                break;
            }
        if (first < 0)
            rc = gs_error_set(err, GS_EINPUT, path, 1, 0, NULL,
                              "expected quarter-hour columns (0:15, ...) in the header");
    }
    if (rc == GS_OK) {
        hcols = hnf - first;
        if (hcols < 92 || hcols > 100)
            rc = gs_error_set(err, GS_EINPUT, path, 1, first + 1, NULL,
                              "expected 96 quarter-hour columns after '%s', found %d",
                              first > 0 ? f[first - 1] : "", hcols);
    }
    while (rc == GS_OK && (rc = gs__reader_line(r, &line, &len, err)) > 0) {
        rc = GS_OK;
        long ln = gs__reader_lineno(r);
        if (len == 0)
            continue;
        int nf = gs__csv_split(line, f, MAX_FIELDS);
        if (nf > MAX_FIELDS) {
            rc = gs_error_set(err, GS_EINPUT, path, (int)ln, 0, NULL,
                              "expected at most %d fields, found %d", MAX_FIELDS, nf);
            break;
        }
        char datebuf[64];
        const char *date = f[0], *fuel = nf > 1 ? f[1] : "";
        if (date_fuel) {
            const char *us = strchr(f[0], '_');
            size_t dl = us ? (size_t)(us - f[0]) : strlen(f[0]);
            if (!us || dl >= sizeof datebuf) {
                rc = gs_error_set(err, GS_EINPUT, path, (int)ln, 1, NULL,
                                  "expected DATE_FUEL, found '%s'", f[0]);
                break;
            }
            memcpy(datebuf, f[0], dl);
            datebuf[dl] = 0;
            date = datebuf;
            fuel = us + 1;
        }
        int is_wind = strcasecmp(fuel, "Wind") == 0, is_solar = strcasecmp(fuel, "Solar") == 0;
        if (!is_wind && !is_solar)
            continue;
        int64_t y;
        int mo, d;
        int tail = 0;
        if (sscanf(date, "%4lld-%2d-%2d%n", (long long *)&y, &mo, &d, &tail) < 3 || mo < 1 ||
            mo > 12 || d < 1 || d > 31) {
            /* also M/D/YYYY (older files) */
            int mm, dd, yy;
            if (sscanf(date, "%d/%d/%d", &mm, &dd, &yy) == 3 && mm >= 1 && mm <= 12 && dd >= 1 &&
                dd <= 31) {
                y = yy < 100 ? 2000 + yy : yy; /* 2016: 12/01/16 */
                mo = mm;
                d = dd;
            } else {
                rc = gs_error_set(err, GS_EINPUT, path, (int)ln, 1, NULL,
                                  "expected a date like 2023-01-01, found '%s'", date);
                break;
            }
        }
        /* The columns are labelled by local wall time (the end of each quarter-hour,
         * 0:15 .. 24:00): on the spring DST day the missing hour's four cells are empty; on the
         * autumn day the labels 1:15 .. 2:00 are the first pass (daylight time) and the second
         * pass's four quarter-hours come after the last labelled column. */
        int64_t L0 = gs_utc_from_civil(y, mo, d, 0, 0, 0); /* local midnight, naive */
        /* days outside the period (the zone's offsets are known around the period only) */
        if (L0 + 36 * 3600 < g->start_s || L0 - 36 * 3600 >= g->start_s + (int64_t)g->n * 3600)
            continue;
        int32_t off0 = gs_tz_offset(tz, local_midnight(tz, y, mo, d), NULL);
        int64_t tr = 0; /* the day's offset change, UTC; 0: none */
        for (int64_t h = 1; h <= 25; h++) {
            int64_t t = L0 - off0 + h * 3600;
            if (gs_tz_offset(tz, t, NULL) != off0) {
                for (int64_t q = t - 3600; q <= t; q += 900)
                    if (gs_tz_offset(tz, q, NULL) != off0) {
                        tr = q;
                        break;
                    }
                break;
            }
        }
        for (int k = first; k < nf; k++) {
            if (f[k][0] == 0)
                continue;
            double v;
            if ((rc = cell_num(path, ln, k + 1, f[k], &v, err)))
                break;
            int j = k - first; /* 0: the quarter-hour ending 0:15 */
            int64_t end;
            if (j < hcols) {
                int64_t naive = L0 + (int64_t)(j + 1) * 900;
                end = naive - off0;
                /* past the change (its quarter-hour starts at or after it): the new offset */
                if (tr && end - 900 >= tr)
                    end = naive - gs_tz_offset(tz, tr, NULL);
            } else if (tr) {
                end = tr + (int64_t)(j - hcols + 1) * 900; /* the repeated hour, second pass */
            } else {
                rc = gs_error_set(err, GS_EINPUT, path, (int)ln, k + 1, NULL,
                                  "expected at most %d quarter-hours on a day without a DST "
                                  "change, found more",
                                  hcols);
                break;
            }
            int64_t t = end - 900;
            if (t < g->start_s || t >= g->start_s + (int64_t)g->n * 3600)
                continue;
            size_t i = (size_t)((t - g->start_s) / 3600);
            if (is_wind) {
                sw[i] += v * 4;
                nw[i]++;
            } else {
                ss[i] += v * 4;
                ns[i]++;
            }
        }
    }
    gs__reader_close(r);
    return rc < 0 ? rc : GS_OK;
}

int gs_ercot_fuel_mix_read(const char *dir, const gs_tz *central, int64_t from_s, int64_t to_s,
                           gs_genmix *out, gs_error *err)
{
    int rc = alloc_hours(out, from_s, to_s, err);
    if (rc)
        return rc;
    size_t n = out->n;
    double *sw = calloc(n, sizeof *sw), *ss = calloc(n, sizeof *ss);
    unsigned *nw = calloc(n, sizeof *nw), *ns = calloc(n, sizeof *ns);
    if (!sw || !ss || !nw || !ns) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }
    /* the Central-time years the period touches (a day starts up to 6 h after UTC midnight) */
    int64_t y0, y1;
    int mo, d, h, mi, s;
    gs_civil_from_utc(from_s - 6 * 3600, &y0, &mo, &d, &h, &mi, &s);
    gs_civil_from_utc(to_s - 1, &y1, &mo, &d, &h, &mi, &s);
    for (int64_t y = y0; y <= y1 && rc == GS_OK; y++) {
        char path[4096];
        const char *names[] = {"IntGenbyFuel%lld.csv.zst", "IntGenByFuel%lld.csv.zst",
                               "IntGenbyFuel%lld.csv", "IntGenByFuel%lld.csv"};
        int found = 0;
        for (size_t k = 0; k < sizeof names / sizeof *names && !found; k++) {
            char base[64];
            snprintf(base, sizeof base, names[k], (long long)y);
            if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, base) >= sizeof path)
                continue;
            gs_error e = {0};
            if (gs__path_check(path, &e) == GS_OK)
                found = 1;
        }
        if (!found) {
            /* a year needed only for the first hours before local midnight may be absent */
            if (y == y0 && y0 < y1) {
                continue;
            }
            rc = gs_error_set(err, GS_EINPUT, dir, 0, 0, NULL,
                              "expected ERCOT's fuel-mix file for %lld (IntGenbyFuel%lld.csv or "
                              ".csv.zst), found none",
                              (long long)y, (long long)y);
            break;
        }
        rc = fuel_mix_file(path, central, out, sw, ss, nw, ns, err);
    }
    if (rc == GS_OK) {
        for (size_t i = 0; i < n; i++) {
            out->wind_mw[i] = nw[i] ? sw[i] / nw[i] : NAN;
            out->solar_mw[i] = ns[i] ? ss[i] / ns[i] : NAN;
        }
        count_missing(out);
        if (out->missing_hours == n)
            rc = gs_error_set(err, GS_EINPUT, dir, 0, 0, NULL,
                              "expected Wind and Solar rows in the period, found none");
    }
done:
    free(sw);
    free(ss);
    free(nw);
    free(ns);
    if (rc < 0)
        gs_genmix_free(out);
    return rc;
}

void gs_supply_case_free(gs_supply_case *c)
{
    if (!c)
        return;
    free(c->t_s);
    free(c->ren_mw);
    free(c->load_mw);
    memset(c, 0, sizeof *c);
}

int gs_supply_case_read(const char *path, gs_supply_case *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    gs__reader *r = gs__reader_open(path, err);
    if (!r)
        return err->code ? err->code : GS_EIO;
    char *line, *f[MAX_FIELDS];
    size_t len, cap = 0;
    int ci = -1, cr = -1, cd = -1;
    int rc = gs__reader_line(r, &line, &len, err);
    if (rc == 0)
        rc = gs_error_set(err, GS_EINPUT, path, 1, 0, NULL,
                          "expected a header index,ren_mw,dc_mw, found an empty file");
    if (rc > 0) {
        int nf = gs__csv_split(line, f, MAX_FIELDS);
        ci = col_of(f, nf, "index");
        cr = col_of(f, nf, "ren_mw");
        cd = col_of(f, nf, "dc_mw");
        rc = GS_OK;
        if (ci < 0 || cr < 0 || cd < 0)
            rc = gs_error_set(err, GS_EINPUT, path, 1, 0, NULL,
                              "expected the columns index, ren_mw and dc_mw (a CarbonExplorer case "
                              "file), found a header without %s",
                              ci < 0 ? "index" : cr < 0 ? "ren_mw" : "dc_mw");
    }
    int maxc = ci > cr ? ci : cr;
    maxc = maxc > cd ? maxc : cd;
    while (rc == GS_OK && (rc = gs__reader_line(r, &line, &len, err)) > 0) {
        rc = GS_OK;
        long ln = gs__reader_lineno(r);
        if (len == 0)
            continue;
        int nf = gs__csv_split(line, f, MAX_FIELDS);
        if (nf <= maxc) {
            rc = gs_error_set(err, GS_EINPUT, path, (int)ln, 0, NULL,
                              "expected at least %d fields, found %d", maxc + 1, nf);
            break;
        }
        if (out->n == cap) {
            size_t nc = cap ? cap * 2 : 1024;
            if (nc > 24u * 366u * 50u) {
                rc = gs_error_set(err, GS_EINPUT, path, (int)ln, 0, NULL,
                                  "expected at most 50 years of hours, found more rows");
                break;
            }
            int64_t *t = realloc(out->t_s, nc * sizeof *t);
            if (t)
                out->t_s = t;
            double *a = realloc(out->ren_mw, nc * sizeof *a);
            if (a)
                out->ren_mw = a;
            double *b = realloc(out->load_mw, nc * sizeof *b);
            if (b)
                out->load_mw = b;
            if (!t || !a || !b) {
                rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
                break;
            }
            cap = nc;
        }
        size_t i = out->n;
        if ((rc = time_cell(path, ln, ci + 1, f[ci], &out->t_s[i], err)) ||
            (rc = cell_num(path, ln, cr + 1, f[cr], &out->ren_mw[i], err)) ||
            (rc = cell_num(path, ln, cd + 1, f[cd], &out->load_mw[i], err)))
            break;
        if (i > 0 && out->t_s[i] <= out->t_s[i - 1]) {
            rc = gs_error_set(err, GS_EINPUT, path, (int)ln, ci + 1, NULL,
                              "expected times in increasing order, found '%s' after the row "
                              "before",
                              f[ci]);
            break;
        }
        out->n++;
    }
    gs__reader_close(r);
    if (rc == GS_OK && out->n < 24)
        rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                          "expected at least 24 hourly rows (a day), found %zu", out->n);
    if (rc < 0) {
        gs_supply_case_free(out);
        return rc;
    }
    return GS_OK;
}
