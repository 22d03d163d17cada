/* import.c: real time-series exports into gs_points (include/gridsplit/read/import.h). One file or
 * a glob of files (sorted, concatenated), plain or compressed through read/reader.h. Each format
 * is recognised from its header line; every row is either a point, a documented skip (blank
 * line, ERCOT rows of other settlement points, an nvidia-smi log's cut-off last sample) or a
 * GS_EINPUT naming file, line, column, field, what was expected and what was found.
 * Formats and their cleaning rules: docs/import-formats.md. */
#include "gridsplit/time.h"

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "gridsplit/tz.h"
#include "gridsplit/read/import.h"
#include "gridsplit/read/tz.h"
#include "gridsplit/series.h"
#include "read/reader.h"

#define MAX_FIELDS 64

enum fmt { F_AUTO, F_CSV, F_PRICE, F_CARBON, F_EIA930, F_ERCOT_SPP, F_ERCOT_AS, F_NVSMI, F_NVSMI_AGG };

static const struct {
    const char *name;
    enum fmt f;
} formats[] = {
    {"auto", F_AUTO},         {"csv", F_CSV},         {"price", F_PRICE},
    {"carbon", F_CARBON},     {"eia930", F_EIA930},   {"ercot-dam-spp", F_ERCOT_SPP},
    {"ercot-dam-as", F_ERCOT_AS}, {"nvidia-smi", F_NVSMI},
};

/* The state of one import: options, the zone for naive local times, the file being read. */
typedef struct imp {
    const gs_import_opts *o;
    enum fmt want;          /* requested format (F_AUTO: per file from the header) */
    gs_points *p;
    gs_tz tz;               /* loaded when opts->tz names a zone other than UTC, or for ERCOT */
    int tz_loaded;
    size_t tz_hint;
    int64_t last_t;         /* last UTC time produced (to resolve repeated local hours) */
    int have_last;
    double scale;
    double range_scale;     /* the caller's later factor (opts->range_scale), for the range check */
    /* per file */
    gs_quantity qty;        /* what the values are (never GS_QTY_AUTO once a file's format is known) */
    double limit;           /* the largest magnitude a value may have: gs_quantity_limit(qty) */
    const char *path;
    long line;
    char *linebuf;          /* start of the current line (for columns) */
    char *hdr[MAX_FIELDS];  /* trimmed header names (copied) */
    int nhdr;
    char day[10];           /* fast_time: the date of the last timestamp read, YYYY-MM-DD ... */
    int64_t day_t;          /* ... and its midnight, UTC seconds (valid when day[0]) */
} imp;

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static int col_of(const imp *m, const char *field)
{
    return m->linebuf && field >= m->linebuf ? (int)(field - m->linebuf) + 1 : 0;
}

static int row_error(imp *m, const char *field_ptr, int col, gs_error *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int row_error(imp *m, const char *field_ptr, int col, gs_error *err, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *name = col >= 0 && col < m->nhdr ? m->hdr[col] : NULL;
    return gs_error_set(err, GS_EINPUT, m->path, (int)m->line, col_of(m, field_ptr), name, "%s", msg);
}

/* Length of the decimal number at the start of s: [+-] digits [. digits] [e [+-] digits], or
 * [+-] . digits [...]; 0 when s does not start with one. Hexadecimal floats (0x1p3), inf and nan
 * are not decimal numbers. */
static size_t decimal_len(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    size_t int_digits = 0, frac_digits = 0;
    while (isdigit((unsigned char)*p)) {
        p++;
        int_digits++;
    }
    if (*p == '.') {
        const char *q = p + 1;
        while (isdigit((unsigned char)*q)) {
            q++;
            frac_digits++;
        }
        if (int_digits || frac_digits)
            p = q;
    }
    if (!int_digits && !frac_digits)
        return 0;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        if (*q == '+' || *q == '-')
            q++;
        if (isdigit((unsigned char)*q)) {
            while (isdigit((unsigned char)*q))
                q++;
            p = q;
        }
    }
    return (size_t)(p - s);
}

double gs_quantity_limit(gs_quantity q)
{
    switch (q) {
    case GS_QTY_PRICE:
    case GS_QTY_CARBON: return 1e9;
    case GS_QTY_POWER_MW: return 1e12;
    case GS_QTY_POWER_W: return 1e18;
    case GS_QTY_AUTO:
    case GS_QTY_ANY: break;
    }
    return 1e15;
}

/* What a value of the import is, for the range message: "a price in USD/MWh". The unit label
 * (--unit, or the format's) names the unit of prices, intensities and other values; a power's
 * limit is in its own unit. */
static void quantity_text(const imp *m, char *buf, size_t len)
{
    const char *label = m->o->unit && m->o->unit[0] ? m->o->unit : m->p->unit;
    switch (m->qty) {
    case GS_QTY_PRICE:
        snprintf(buf, len, "a price in %s", label[0] ? label : "USD/MWh");
        return;
    case GS_QTY_CARBON:
        snprintf(buf, len, "a carbon intensity in %s", label[0] ? label : "gCO2/kWh");
        return;
    case GS_QTY_POWER_MW: snprintf(buf, len, "a power in MW"); return;
    case GS_QTY_POWER_W: snprintf(buf, len, "a power in W"); return;
    case GS_QTY_AUTO:
    case GS_QTY_ANY: break;
    }
    snprintf(buf, len, "a value%s%s", label[0] ? " in " : "", label);
}

/* "value 'TEXT' is out of range ...: expected |v| <= 1eN for a price in USD/MWh". factor: the
 * scale the value was checked at (1: none); scaled: the value so scaled (not shown when it
 * overflowed). */
static int out_of_range(imp *m, char *raw, int col, const char *text, double factor,
                        double scaled, gs_error *err)
{
    char what[96], how[96] = "";
    quantity_text(m, what, sizeof what);
    if (factor != 1 && isfinite(scaled))
        snprintf(how, sizeof how, " once scaled by %g (%g)", factor, scaled);
    else if (factor != 1)
        snprintf(how, sizeof how, " once scaled by %g", factor);
    return row_error(m, raw, col, err, "value '%s' is out of range%s: expected |v| <= 1e%d for %s",
                     text, how, (int)lround(log10(m->limit)), what);
}

/* A decimal number, possibly followed by a unit word (nvidia-smi writes "72.36 W"). Empty,
 * "NaN" (any case), "NA", "[N/A]", "EMPTY", "MISSING" give NaN: a missing value. Denormals
 * (4.9e-324) are numbers; inf, hexadecimal floats (0x1p3) and values beyond the quantity's
 * limit (m->limit, after --scale and the caller's range_scale) are refused. Returns 0 or
 * GS_EINPUT. */
static int parse_value(imp *m, char *raw, int col, const char *unit_suffix, double *v, gs_error *err)
{
    char *s = trim(raw);
    if (*s == '\0' || strcasecmp(s, "nan") == 0 || strcasecmp(s, "NA") == 0 ||
        strcmp(s, "[N/A]") == 0 || strcmp(s, "EMPTY") == 0 || strcmp(s, "MISSING") == 0) {
        *v = NAN;
        return GS_OK;
    }
    const char *body = s + (*s == '+' || *s == '-');
    size_t dl = decimal_len(s);
    if (dl == 0 && strncasecmp(body, "inf", 3) == 0)
        return row_error(m, raw, col, err,
                         "expected a finite number, found '%s' (an empty cell or NaN is a missing "
                         "value)",
                         s);
    if (dl > 0 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X'))
        return row_error(m, raw, col, err,
                         "expected a decimal number, found '%s' (hexadecimal numbers are not read)",
                         s);
    if (dl == 0)
        return row_error(m, raw, col, err, "expected a number%s%s, found '%s'",
                         unit_suffix ? " in " : "", unit_suffix ? unit_suffix : "", s);
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    /* ERANGE with a finite result is an underflow (a denormal or 0): still the number written */
    if (end != s + dl)
        return row_error(m, raw, col, err, "expected a number%s%s, found '%s'",
                         unit_suffix ? " in " : "", unit_suffix ? unit_suffix : "", s);
    if (!isfinite(x))
        return out_of_range(m, raw, col, s, 1, x, err);
    while (*end == ' ')
        end++;
    if (*end && unit_suffix && strcmp(end, unit_suffix) == 0)
        end += strlen(end);
    if (*end)
        return row_error(m, raw, col, err, "expected a number%s%s, found '%s'",
                         unit_suffix ? " in " : "", unit_suffix ? unit_suffix : "", s);
    double y = x * m->scale;
    if (!(fabs(y * m->range_scale) <= m->limit)) {
        double k = m->scale * m->range_scale;
        return out_of_range(m, raw, col, s, k, x * k, err);
    }
    *v = y;
    return GS_OK;
}

/* UTC of naive local time L in m->tz. fold: -1 earlier of two (first occurrence), +1 later,
 * 0 choose by order (the later one if the earlier would go back before the last point). */
static int local_to_utc(imp *m, int64_t L, int fold, int64_t *t, const char *fp, int col, gs_error *err)
{
    int32_t ob = gs_tz_offset(&m->tz, L - 86400, &m->tz_hint);
    int32_t oa = gs_tz_offset(&m->tz, L + 86400, &m->tz_hint);
    int64_t ta = L - ob, tb = L - oa;
    int va = gs_tz_offset(&m->tz, ta, &m->tz_hint) == ob;
    int vb = gs_tz_offset(&m->tz, tb, &m->tz_hint) == oa;
    if (va && vb && ta != tb) {
        int64_t early = ta < tb ? ta : tb, late = ta < tb ? tb : ta;
        if (fold > 0)
            *t = late;
        else if (fold < 0)
            *t = early;
        else
            *t = (m->have_last && early <= m->last_t) ? late : early;
    } else if (va) {
        *t = ta;
    } else if (vb) {
        *t = tb;
    } else {
        char buf[24];
        gs_format_time(L, buf);
        buf[19] = '\0';
        return row_error(m, fp, col, err,
                         "local time %s does not exist in time zone %s (skipped by a daylight-saving "
                         "change)",
                         buf, m->tz.name);
    }
    return GS_OK;
}

static int load_tz(imp *m, const char *name, gs_error *err)
{
    if (m->tz_loaded)
        return GS_OK;
    int rc = gs_tz_load(name, gs_utc_from_civil(1900, 1, 1, 0, 0, 0),
                        gs_utc_from_civil(2100, 1, 1, 0, 0, 0), &m->tz, err);
    if (rc == GS_OK)
        m->tz_loaded = 1;
    else if (err && !err->field[0])
        snprintf(err->field, sizeof err->field, "tz");
    return rc;
}

static int is_utc_name(const char *z)
{
    return !z || !*z || strcasecmp(z, "UTC") == 0 || strcasecmp(z, "Etc/UTC") == 0 ||
           strcasecmp(z, "Z") == 0 || strcasecmp(z, "GMT") == 0;
}

/* Parse a timestamp field; naive times are in opts->tz when use_tz, else UTC. */
static int parse_ts(imp *m, char *raw, int col, int use_tz, int64_t *t, double *frac, gs_error *err)
{
    char *s = trim(raw);
    int has_off = 0;
    /* the parser's message goes straight into err (filled only when it fails: no per-row
     * clearing of a 1.7 kB gs_error), then becomes the row's error with file, line, column */
    if (gs_parse_time_frac(s, t, frac, &has_off, err) != GS_OK)
        return err ? row_error(m, raw, col, err, "%s", err->message) : GS_EINPUT;
    if (!has_off && use_tz && m->tz_loaded) {
        int64_t L = *t;
        return local_to_utc(m, L, 0, t, raw, col, err);
    }
    return GS_OK;
}

static int push(imp *m, int64_t t, double frac, double v, gs_error *err)
{
    if (gs_points_push(m->p, t, frac, v) != GS_OK)
        return gs_error_set(err, GS_ENOMEM, m->path, (int)m->line, 0, NULL, "out of memory");
    m->last_t = t;
    m->have_last = 1;
    return GS_OK;
}

static int find_col(const imp *m, const char *name)
{
    for (int i = 0; i < m->nhdr; i++)
        if (strcasecmp(m->hdr[i], name) == 0)
            return i;
    return -1;
}

static int find_col_containing(const imp *m, const char *part)
{
    for (int i = 0; i < m->nhdr; i++)
        if (strstr(m->hdr[i], part))
            return i;
    return -1;
}

static int missing_col(imp *m, const char *what, const char *name, gs_error *err)
{
    char cols[700] = "";
    size_t u = 0;
    for (int i = 0; i < m->nhdr && u < sizeof cols; i++)
        u += (size_t)snprintf(cols + u, sizeof cols - u, "%s'%s'", i ? ", " : "", m->hdr[i]);
    return gs_error_set(err, GS_EINPUT, m->path, 1, 0, what,
                        "expected a column named '%s' in the header, found columns %s", name, cols);
}

static enum fmt detect(const imp *m)
{
    if (m->nhdr >= 3 && strcmp(m->hdr[0], "Datetime (UTC)") == 0 &&
        find_col_containing(m, "Price") >= 0)
        return F_PRICE;
    if (m->nhdr >= 2 && strcmp(m->hdr[0], "Datetime (UTC)") == 0 &&
        find_col_containing(m, "Carbon Intensity") >= 0)
        return F_CARBON;
    if (find_col(m, "date_time") == 0 && find_col_containing(m, "demand (MW)") >= 0)
        return F_EIA930;
    if (find_col(m, "Settlement Point Price") >= 0 && find_col(m, "Hour Ending") >= 0)
        return F_ERCOT_SPP;
    if (find_col(m, "Repeated Hour Flag") >= 0 && find_col(m, "REGDN") >= 0)
        return F_ERCOT_AS;
    if (find_col(m, "power.draw [W]") >= 0 && find_col(m, "timestamp") >= 0)
        return F_NVSMI;
    if (find_col(m, "power_watts") >= 0 && find_col(m, "datetime") >= 0)
        return F_NVSMI_AGG;
    return F_CSV;
}

static const char *fmt_name(enum fmt f)
{
    switch (f) {
    case F_PRICE: return "price";
    case F_CARBON: return "carbon";
    case F_EIA930: return "eia930";
    case F_ERCOT_SPP: return "ercot-dam-spp";
    case F_ERCOT_AS: return "ercot-dam-as";
    case F_NVSMI: case F_NVSMI_AGG: return "nvidia-smi";
    case F_CSV: return "csv";
    default: return "auto";
    }
}

static void set_label(imp *m, const char *unit, const char *name)
{
    if (!m->p->unit[0])
        snprintf(m->p->unit, sizeof m->p->unit, "%s",
                 m->o->unit && m->o->unit[0] ? m->o->unit : unit);
    if (!m->p->name[0])
        snprintf(m->p->name, sizeof m->p->name, "%s", name);
}

/* Split the current line; blank lines give 0 fields (skipped by the callers). */
static int split(imp *m, char *line, char **f)
{
    m->linebuf = line;
    if (line[0] == '\0')
        return 0;
    return gs__csv_split(line, f, MAX_FIELDS);
}

static int need_fields(imp *m, int nf, int need, const char *line_end, gs_error *err)
{
    if (nf >= need)
        return GS_OK;
    return gs_error_set(err, GS_EINPUT, m->path, (int)m->line, col_of(m, line_end),
                        need - 1 < m->nhdr ? m->hdr[need - 1] : NULL,
                        "expected %d fields as in the header, found %d", need, nf);
}

/* ---- the common rows, read directly ------------------------------------------------------ */

/* Nearly every row of an hourly export is like `2024-01-01 00:00:00,12345`: unquoted fields, a
 * timestamp YYYY-MM-DD[T ]HH:MM[:SS] followed by nothing, Z or +-HH:MM, and a plain decimal
 * number. fast_row reads such a row in place, without splitting and trimming it or calling
 * gs_parse_time_frac and strtod, giving bit for bit what the general path gives; any other row,
 * and any row the general path would refuse, it leaves alone (0), and the general path reads
 * that row from its start. The general path stays the definition. */

static int two_digits(const char *s)
{
    unsigned a = (unsigned char)s[0] - '0', b = (unsigned char)s[1] - '0';
    return a < 10 && b < 10 ? (int)(a * 10 + b) : -1;
}

/* A timestamp in one of the forms above at s, followed by a comma or the end of the line
 * (avail characters from s to it): its length, with *t (UTC when *has_off, else naive) as
 * gs_parse_time_frac reads it; 0 when it is not of those forms. The midnight of the last date
 * read is kept, since rows come in order. Nothing at or past s + avail is read. */
static size_t fast_time(imp *m, const char *s, size_t avail, int64_t *t, int *has_off)
{
    if (avail < 16)
        return 0;
    if (!m->day[0] || memcmp(s, m->day, 10) != 0) {
        int y1 = two_digits(s), y2 = two_digits(s + 2), mo = two_digits(s + 5),
            d = two_digits(s + 8);
        if (y1 < 0 || y2 < 0 || mo < 1 || mo > 12 || d < 1 || (s[4] != '-' && s[4] != '/') ||
            s[7] != s[4])
            return 0;
        int y = y1 * 100 + y2;
        static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        if (d > dm[mo - 1] + (mo == 2 && leap))
            return 0;
        m->day_t = gs_utc_from_civil(y, mo, d, 0, 0, 0);
        memcpy(m->day, s, 10);
    }
    int h = two_digits(s + 11), mi = two_digits(s + 14), sec = 0;
    if ((s[10] != 'T' && s[10] != ' ') || s[13] != ':' || h < 0 || h > 23 || mi < 0 || mi > 59)
        return 0; /* 24:00 (the end of a day) is the general path's */
    size_t k = 16;
    if (k < avail && s[k] == ':') {
        if (avail < 19 || (sec = two_digits(s + 17)) < 0 || sec > 59)
            return 0; /* a leap second :60 too */
        k = 19;
    }
    int off = 0;
    *has_off = 0;
    if (k < avail && s[k] == 'Z') {
        *has_off = 1;
        k++;
    } else if (k < avail && (s[k] == '+' || s[k] == '-')) {
        if (avail < k + 6 || s[k + 3] != ':')
            return 0;
        int oh = two_digits(s + k + 1), om = two_digits(s + k + 4);
        if (oh < 0 || oh > 18 || om < 0 || om > 59)
            return 0;
        off = (s[k] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        *has_off = 1;
        k += 6;
    }
    if (k < avail && s[k] != ',')
        return 0;
    *t = m->day_t + (int64_t)h * 3600 + (int64_t)mi * 60 + sec - off;
    return k;
}

/* A plain decimal number at s, followed by a comma or the end of the line (avail characters
 * from s to it): [+-] digits [. digits] or [+-] . digits, at most 15 digits in all, so that the
 * digits make an integer below 2^53 and the power of ten dividing it is exact: the quotient,
 * rounded once, is the correctly rounded value strtod gives. Its length, or 0. */
static size_t fast_number(const char *s, size_t avail, double *x)
{
    static const double p10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    size_t i = avail > 0 && (s[0] == '-' || s[0] == '+');
    uint64_t u = 0;
    int nd = 0, nf = 0;
    for (; i < avail && (unsigned)(s[i] - '0') < 10; i++, nd++)
        u = u * 10 + (uint64_t)(s[i] - '0');
    if (i < avail && s[i] == '.')
        for (i++; i < avail && (unsigned)(s[i] - '0') < 10; i++, nd++, nf++)
            u = u * 10 + (uint64_t)(s[i] - '0');
    if ((i < avail && s[i] != ',') || nd == 0 || nd > 15)
        return 0;
    double v = nf ? (double)u / p10[nf] : (double)u;
    *x = s[0] == '-' ? -v : v;
    return i;
}

/* A row of the common kind (above): 1 with its time (in UTC, as parse_ts gives it) and value
 * (scaled and in range, as parse_value gives it); 0 for any other row, nothing changed but the
 * date kept by fast_time; a negative code when the row's local time does not exist in --tz
 * (the general path's error). Fields are unquoted up to the last one read: a quote opening
 * one of them would change where the fields end. */
static int fast_row(imp *m, char *line, size_t len, int tcol, int vcol, int use_tz, int64_t *t,
                    double *v, gs_error *err)
{
    const char *p = line, *end = line + len, *ts = NULL;
    int last = tcol > vcol ? tcol : vcol, has_off = 0, have_v = 0;
    double x = 0;
    for (int c = 0;; c++) {
        if (p == end || *p == '"')
            return 0;
        size_t n;
        if (c == tcol) {
            ts = p;
            if (!(n = fast_time(m, p, (size_t)(end - p), t, &has_off)))
                return 0;
        } else if (c == vcol) {
            if (!(n = fast_number(p, (size_t)(end - p), &x)))
                return 0;
            have_v = 1;
        } else {
            for (n = 0; p + n < end && p[n] != ','; n++)
                ;
        }
        p += n;
        if (c == last)
            break;
        if (p == end)
            return 0; /* too few fields */
        p++;          /* the comma */
    }
    if (!ts || !have_v)
        return 0;
    double y = x * m->scale;
    if (!(fabs(y * m->range_scale) <= m->limit))
        return 0;
    *v = y;
    if (!has_off && use_tz && m->tz_loaded) {
        m->linebuf = line; /* for the error's column */
        int rc = local_to_utc(m, *t, 0, t, ts, tcol, err);
        if (rc != GS_OK)
            return rc;
    }
    return 1;
}

/* ---- simple formats: one timestamp column, one value column ------------------------------ */

static int read_simple(imp *m, gs__reader *r, int tcol, int vcol, int use_tz, const char *unit_suffix,
                       gs_error *err)
{
    char *line;
    size_t len;
    char *f[MAX_FIELDS];
    int need = (tcol > vcol ? tcol : vcol) + 1;
    int rc;
    m->day[0] = '\0';
    while ((rc = gs__reader_line(r, &line, &len, err)) == 1) {
        m->line = gs__reader_lineno(r);
        if (!unit_suffix) {
            int64_t t;
            double v;
            int fr = fast_row(m, line, len, tcol, vcol, use_tz, &t, &v, err);
            if (fr < 0)
                return fr;
            if (fr == 1) {
                if ((rc = push(m, t, 0, v, err)) != GS_OK)
                    return rc;
                continue;
            }
        }
        int nf = split(m, line, f);
        if (nf == 0)
            continue;
        if ((rc = need_fields(m, nf, need, line + len, err)) != GS_OK)
            return rc;
        int64_t t;
        double frac = 0, v;
        if ((rc = parse_ts(m, f[tcol], tcol, use_tz, &t, &frac, err)) != GS_OK)
            return rc;
        if ((rc = parse_value(m, f[vcol], vcol, unit_suffix, &v, err)) != GS_OK)
            return rc;
        if ((rc = push(m, t, frac, v, err)) != GS_OK)
            return rc;
    }
    return rc;
}

/* ---- ERCOT day-ahead: Delivery Date MM/DD/YYYY, Hour Ending 01:00..24:00, Central time ---- */

static int ercot_time(imp *m, char *fdate, int cdate, char *fhe, int che, char *fflag, int cflag,
                      int64_t *t, gs_error *err)
{
    char *d = trim(fdate), *h = trim(fhe), *fl = trim(fflag);
    int mo, dd, y, he, hm = 0;
    char tail;
    if (sscanf(d, "%2d/%2d/%4d%c", &mo, &dd, &y, &tail) != 3 || mo < 1 || mo > 12 || dd < 1 ||
        dd > 31)
        return row_error(m, fdate, cdate, err, "expected a date MM/DD/YYYY, found '%s'", d);
    int64_t chk = gs_utc_from_civil(y, mo, dd, 0, 0, 0);
    int cm, cd;
    gs_civil_from_utc(chk, NULL, &cm, &cd, NULL, NULL, NULL);
    if (cm != mo || cd != dd)
        return row_error(m, fdate, cdate, err, "expected a date MM/DD/YYYY, found '%s' (no such day)", d);
    if (sscanf(h, "%2d:%2d%c", &he, &hm, &tail) != 2 || he < 1 || he > 24 || hm != 0)
        return row_error(m, fhe, che, err, "expected an hour ending 01:00 to 24:00, found '%s'", h);
    int fold;
    if (strcmp(fl, "N") == 0)
        fold = -1;
    else if (strcmp(fl, "Y") == 0)
        fold = 1;
    else
        return row_error(m, fflag, cflag, err, "expected a repeated hour flag Y or N, found '%s'", fl);
    /* the interval [HE-1, HE) local; stamp its start */
    int64_t L = gs_utc_from_civil(y, mo, dd, he - 1, 0, 0);
    return local_to_utc(m, L, fold, t, fhe, che, err);
}

static int read_ercot(imp *m, gs__reader *r, enum fmt kind, gs_error *err)
{
    int cdate = find_col(m, "Delivery Date"), che = find_col(m, "Hour Ending"),
        cflag = find_col(m, "Repeated Hour Flag");
    if (cdate < 0)
        return missing_col(m, "Delivery Date", "Delivery Date", err);
    if (che < 0)
        return missing_col(m, "Hour Ending", "Hour Ending", err);
    if (cflag < 0)
        return missing_col(m, "Repeated Hour Flag", "Repeated Hour Flag", err);
    if (m->tz_loaded && strcmp(m->tz.name, "America/Chicago") != 0) {
        gs_tz_clear(&m->tz); /* ERCOT publishes Central Prevailing Time whatever --tz says */
        m->tz_loaded = 0;
    }
    int rc = load_tz(m, "America/Chicago", err);
    if (rc)
        return rc;
    int csp = -1, cval;
    const char *want = m->o->value_column;
    if (kind == F_ERCOT_SPP) {
        csp = find_col(m, "Settlement Point");
        cval = find_col(m, "Settlement Point Price");
        if (csp < 0)
            return missing_col(m, "Settlement Point", "Settlement Point", err);
        if (cval < 0)
            return missing_col(m, "Settlement Point Price", "Settlement Point Price", err);
        if (!want || !*want)
            want = "HB_HUBAVG";
        set_label(m, "USD/MWh", want);
    } else {
        if (!want || !*want)
            return gs_error_set(err, GS_EINPUT, m->path, 1, 0, "value_column",
                                "expected a product to read (--column REGUP, REGDN, RRS or NSPIN), "
                                "found none");
        cval = find_col(m, want);
        if (cval < 0)
            return missing_col(m, want, want, err);
        set_label(m, "USD/MW-h", want);
    }
    int need = cdate;
    int cols[5] = {che, cflag, cval, csp, 0};
    for (int i = 0; i < 4; i++)
        if (cols[i] > need)
            need = cols[i];
    need++;
    char *line;
    size_t len;
    char *f[MAX_FIELDS];
    long matched = 0;
    char seen[512] = "";
    size_t seen_n = 0;
    while ((rc = gs__reader_line(r, &line, &len, err)) == 1) {
        m->line = gs__reader_lineno(r);
        int nf = split(m, line, f);
        if (nf == 0)
            continue;
        if ((rc = need_fields(m, nf, need, line + len, err)) != GS_OK)
            return rc;
        if (csp >= 0) {
            char *sp = trim(f[csp]);
            if (strcmp(sp, want) != 0) {
                if (!matched && seen_n < sizeof seen - 40 && !strstr(seen, sp))
                    seen_n += (size_t)snprintf(seen + seen_n, sizeof seen - seen_n, "%s%s",
                                               seen_n ? ", " : "", sp);
                continue;
            }
        }
        matched++;
        int64_t t;
        double v;
        if ((rc = ercot_time(m, f[cdate], cdate, f[che], che, f[cflag], cflag, &t, err)) != GS_OK)
            return rc;
        if ((rc = parse_value(m, f[cval], cval, NULL, &v, err)) != GS_OK)
            return rc;
        if ((rc = push(m, t, 0, v, err)) != GS_OK)
            return rc;
    }
    if (rc < 0)
        return rc;
    if (csp >= 0 && !matched)
        return gs_error_set(err, GS_EINPUT, m->path, 0, 0, "Settlement Point",
                            "expected rows for settlement point '%s', found only %s", want,
                            seen_n ? seen : "no rows");
    return GS_OK;
}

/* ---- nvidia-smi per-GPU logs: one row per GPU per sample, summed per sample -------------- */

typedef struct nvrow {
    int64_t t;
    double frac, v;
    long line;
    int idx;
} nvrow;

static int read_nvsmi(imp *m, gs__reader *r, gs_error *err)
{
    int ct = find_col(m, "timestamp"), cp = find_col(m, "power.draw [W]"), ci = find_col(m, "index");
    const char *want = m->o->value_column;
    if (want && *want && strcmp(want, "sum") != 0)
        return gs_error_set(err, GS_EINPUT, m->path, 1, 0, "value_column",
                            "expected 'sum' (power of all GPUs per sample) for an nvidia-smi log, "
                            "found '%s'",
                            want);
    set_label(m, "W", "power.draw sum");
    int need = (ct > cp ? ct : cp) + 1;
    if (ci >= need)
        need = ci + 1;
    nvrow *rows = NULL;
    size_t n = 0, cap = 0;
    char *line;
    size_t len;
    char *f[MAX_FIELDS];
    int rc;
    while ((rc = gs__reader_line(r, &line, &len, err)) == 1) {
        m->line = gs__reader_lineno(r);
        int nf = split(m, line, f);
        if (nf == 0)
            continue;
        if ((rc = need_fields(m, nf, need, line + len, err)) != GS_OK)
            goto out;
        nvrow x = {.line = m->line, .idx = -1};
        if ((rc = parse_ts(m, f[ct], ct, 1, &x.t, &x.frac, err)) != GS_OK)
            goto out;
        if ((rc = parse_value(m, f[cp], cp, "W", &x.v, err)) != GS_OK)
            goto out;
        if (ci >= 0) {
            char *s = trim(f[ci]), *end;
            long id = strtol(s, &end, 10);
            if (end == s || *end || id < 0) {
                rc = row_error(m, f[ci], ci, err, "expected a GPU index, found '%s'", s);
                goto out;
            }
            x.idx = (int)id;
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 4096;
            nvrow *nr = realloc(rows, nc * sizeof *nr);
            if (!nr) {
                rc = gs_error_set(err, GS_ENOMEM, m->path, 0, 0, NULL, "out of memory");
                goto out;
            }
            rows = nr;
            cap = nc;
        }
        rows[n++] = x;
    }
    if (rc < 0)
        goto out;
    rc = GS_OK;
    if (n == 0)
        goto out;
    /* GPUs per sample: with an index column, the rows until the first index repeats; without,
     * the most common size of groups of rows written within 50 ms of the group's first row. */
    size_t ngpu = 0;
    if (ci >= 0) {
        for (ngpu = 1; ngpu < n && rows[ngpu].idx != rows[0].idx; ngpu++)
            ;
    } else {
        size_t counts[65] = {0};
        size_t g = 0;
        double t0 = 0;
        for (size_t i = 0; i < n; i++) {
            double ti = (double)(rows[i].t - rows[0].t) + rows[i].frac;
            if (i == 0 || ti - t0 > 0.05) {
                if (g)
                    counts[g < 64 ? g : 64]++;
                g = 0;
                t0 = ti;
            }
            g++;
        }
        counts[g < 64 ? g : 64]++;
        size_t best = 1;
        for (size_t k = 1; k < 64; k++)
            if (counts[k] > counts[best])
                best = k;
        ngpu = best;
    }
    if (m->o->gpus_out)
        *m->o->gpus_out = ngpu;
    /* samples are consecutive groups of ngpu rows, stamped with the first row's time; an
     * incomplete last group (the log cut mid-sample) is dropped */
    for (size_t i = 0; i + ngpu <= n; i += ngpu) {
        double sum = 0;
        for (size_t k = 0; k < ngpu; k++) {
            if (ci >= 0 && rows[i + k].idx != rows[k].idx) {
                m->line = rows[i + k].line;
                m->linebuf = NULL;
                rc = gs_error_set(err, GS_EINPUT, m->path, (int)rows[i + k].line, 0, "index",
                                  "expected GPU index %d (each sample lists the same %zu GPUs in "
                                  "order), found %d",
                                  rows[k].idx, ngpu, rows[i + k].idx);
                goto out;
            }
            sum += rows[i + k].v;
        }
        if (isnan(sum)) {
            rc = gs_error_set(err, GS_EINPUT, m->path, (int)rows[i].line, 0, "power.draw [W]",
                              "expected the power of the sample's %zu GPUs to add up to a number "
                              "below 1.8e308, found a larger sum",
                              ngpu);
            goto out;
        }
        if (!(fabs(sum * m->range_scale) <= m->limit)) {
            char what[96];
            quantity_text(m, what, sizeof what);
            rc = gs_error_set(err, GS_EINPUT, m->path, (int)rows[i].line, 0, "power.draw [W]",
                              "the power of the sample's %zu GPUs adds up to %g, out of range: "
                              "expected |v| <= 1e%d for %s",
                              ngpu, sum * m->range_scale, (int)lround(log10(m->limit)), what);
            goto out;
        }
        m->line = rows[i].line;
        if ((rc = push(m, rows[i].t, rows[i].frac, sum, err)) != GS_OK)
            goto out;
    }
out:
    free(rows);
    return rc;
}

/* ---- one file ------------------------------------------------------------------------------ */

static int import_file(imp *m, const char *path, gs_error *err)
{
    gs__reader *r = gs__reader_open(path, err);
    if (!r)
        return err ? err->code : GS_EIO;
    m->path = gs__reader_path(r);
    m->line = 0;
    m->nhdr = 0;
    char *line;
    size_t len;
    int rc = gs__reader_line(r, &line, &len, err);
    if (rc <= 0) {
        if (rc == 0)
            rc = gs_error_set(err, GS_EINPUT, m->path, 1, 0, NULL,
                              "expected a header line, found an empty file");
        goto out;
    }
    m->line = 1; /* a UTF-8 BOM is dropped by the reader */
    char *hf[MAX_FIELDS];
    int nh = gs__csv_split(line, hf, MAX_FIELDS);
    if (nh > MAX_FIELDS)
        nh = MAX_FIELDS;
    for (int i = 0; i < nh; i++) {
        m->hdr[i] = strdup(trim(hf[i]));
        if (!m->hdr[i]) {
            rc = gs_error_set(err, GS_ENOMEM, m->path, 1, 0, NULL, "out of memory");
            goto out;
        }
        m->nhdr = i + 1;
    }
    enum fmt f = detect(m);
    if (m->want != F_AUTO) {
        int agree = f == m->want || (m->want == F_NVSMI && f == F_NVSMI_AGG) || m->want == F_CSV;
        if (!agree) {
            rc = gs_error_set(err, GS_EINPUT, m->path, 1, 1, "format",
                              "expected the header of a '%s' file, found '%s...' (looks like '%s')",
                              fmt_name(m->want), m->hdr[0], fmt_name(f));
            goto out;
        }
        if (m->want == F_CSV)
            f = F_CSV;
    }
    const char *vc = m->o->value_column && m->o->value_column[0] ? m->o->value_column : NULL;
    m->qty = m->o->quantity;
    if (m->qty == GS_QTY_AUTO)
        m->qty = f == F_PRICE || f == F_ERCOT_SPP || f == F_ERCOT_AS ? GS_QTY_PRICE
                 : f == F_CARBON                                     ? GS_QTY_CARBON
                 : f == F_EIA930                                     ? GS_QTY_POWER_MW
                 : f == F_NVSMI || f == F_NVSMI_AGG                  ? GS_QTY_POWER_W
                                                                     : GS_QTY_ANY;
    m->limit = gs_quantity_limit(m->qty);
    switch (f) {
    case F_PRICE: {
        int c = find_col_containing(m, "Price");
        set_label(m, "USD/MWh", m->hdr[c]);
        rc = read_simple(m, r, 0, c, 0, NULL, err);
        break;
    }
    case F_CARBON: {
        const char *which = vc ? vc : "direct";
        const char *tag = strcasecmp(which, "direct") == 0 ? "(direct)"
                          : strcasecmp(which, "lca") == 0  ? "(LCA)"
                                                           : NULL;
        if (!tag) {
            rc = gs_error_set(err, GS_EINPUT, m->path, 1, 0, "value_column",
                              "expected 'direct' or 'lca' for a carbon file, found '%s'", which);
            break;
        }
        int c = find_col_containing(m, tag);
        if (c < 0) {
            rc = missing_col(m, which, tag, err);
            break;
        }
        set_label(m, "gCO2/kWh", m->hdr[c]);
        rc = read_simple(m, r, 0, c, 0, NULL, err);
        break;
    }
    case F_EIA930: {
        const char *which = vc ? vc : "cleaned";
        char name[96];
        snprintf(name, sizeof name, "%s demand (MW)", which);
        int c = find_col(m, name);
        if (c < 0 && !vc)
            c = find_col(m, "demand (MW)"); /* original EIA files: one demand column */
        if (c < 0 && vc)
            c = find_col(m, vc);
        if (c < 0) {
            rc = missing_col(m, "value_column", name, err);
            break;
        }
        set_label(m, "MW", m->hdr[c]);
        rc = read_simple(m, r, 0, c, 0, NULL, err);
        if (m->o->stamped_at_end_out) /* EIA's hour ending: the stamp closes its hour */
            *m->o->stamped_at_end_out = 1;
        break;
    }
    case F_ERCOT_SPP:
    case F_ERCOT_AS:
        rc = read_ercot(m, r, f, err);
        break;
    case F_NVSMI:
        rc = read_nvsmi(m, r, err);
        break;
    case F_NVSMI_AGG: {
        int ct = find_col(m, "datetime"), cv = find_col(m, "power_watts");
        set_label(m, "W", "power_watts");
        rc = read_simple(m, r, ct, cv, 1, NULL, err);
        break;
    }
    default: {
        int tc = 0, c = 1;
        if (m->o->time_column && m->o->time_column[0]) {
            tc = find_col(m, m->o->time_column);
            if (tc < 0) {
                rc = missing_col(m, "time_column", m->o->time_column, err);
                break;
            }
        }
        if (vc) {
            c = find_col(m, vc);
            if (c < 0) {
                rc = missing_col(m, "value_column", vc, err);
                break;
            }
        } else if (m->nhdr < 2) {
            rc = gs_error_set(err, GS_EINPUT, m->path, 1, 0, NULL,
                              "expected a header with a time and a value column, found one column '%s'",
                              m->hdr[0]);
            break;
        } else if (c == tc) {
            c = 0;
        }
        set_label(m, "", m->hdr[c]);
        rc = read_simple(m, r, tc, c, 1, NULL, err);
        break;
    }
    }
out:
    for (int i = 0; i < m->nhdr; i++)
        free(m->hdr[i]);
    m->nhdr = 0;
    m->path = NULL;
    gs__reader_close(r);
    return rc;
}

int gs_import_points(const char *path, const gs_import_opts *opts, gs_points **out, gs_error *err)
{
    static const gs_import_opts none = {0};
    *out = NULL;
    imp m = {.o = opts ? opts : &none};
    m.scale = m.o->scale != 0 ? m.o->scale : 1.0;
    m.range_scale = m.o->range_scale != 0 ? m.o->range_scale : 1.0;
    if (m.o->gpus_out)
        *m.o->gpus_out = 0;
    m.want = F_AUTO;
    const char *fs = m.o->format;
    if (fs && *fs) {
        int found = 0;
        for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
            if (strcmp(fs, formats[i].name) == 0) {
                m.want = formats[i].f;
                found = 1;
            }
        if (!found)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "format",
                                "expected one of auto, csv, price, carbon, eia930, ercot-dam-spp, "
                                "ercot-dam-as, nvidia-smi, found '%s'",
                                fs);
    }
    int rc = GS_OK;
    if (!is_utc_name(m.o->tz) && (rc = load_tz(&m, m.o->tz, err)) != GS_OK)
        return rc;
    m.p = gs_points_new();
    if (!m.p) {
        gs_tz_clear(&m.tz);
        return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
    }
    struct stat st;
    if (strpbrk(path, "*?[") && stat(path, &st) != 0) { /* a pattern, not a file named so */
        glob_t g;
        int gr = glob(path, 0, NULL, &g);
        if (gr == GLOB_NOMATCH) {
            rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL, "no file matches");
        } else if (gr != 0) {
            rc = gs_error_set(err, GS_EIO, path, 0, 0, NULL, "cannot expand the pattern");
        } else {
            for (size_t i = 0; i < g.gl_pathc && rc == GS_OK; i++)
                rc = import_file(&m, g.gl_pathv[i], err);
            globfree(&g);
        }
    } else {
        rc = import_file(&m, path, err);
    }
    if (m.tz_loaded)
        gs_tz_clear(&m.tz);
    if (rc != GS_OK) {
        gs_points_free(m.p);
        return rc;
    }
    *out = m.p;
    return GS_OK;
}
