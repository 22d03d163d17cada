/* duration.c: THE duration grammar of gridsplit (include/gridsplit/duration.h, docs/durations.md):
 * reading a duration ("90s", "1.5h", "1h30min", "PT15M", "hourly"), a step (whole seconds) and
 * printing one in the shortest form that reads back. Every reader of a duration (fleet, events,
 * market catalogue, --step options) and every printer of one goes through here.
 *
 * Overflow safety: digits are never accumulated into an integer that can overflow; values are
 * doubles, checked against GS_DURATION_MAX_S part by part and after each sum, and nothing is
 * converted to an integer before that check. Each part's value is its exact decimal value
 * times its unit, correctly rounded once (a decimal multiplication, then strtod; past 1100
 * decimals the digits are cut and only steer the rounding), so "1.1h" is exactly 3960 s. Work is linear in the length of the text, with fixed-size buffers.
 *
 * Pure: no I/O, no globals; errno is left as it was. Numbers are C-locale ('.' decimal point),
 * as everywhere in gridsplit (which never calls setlocale). */
#include "gridsplit/duration.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXAMPLES "90s, 5min, 1.5h, 2d, 1h30min or PT15M"
#define VAGUE_HINT " (years and months vary in length: give days or weeks, such as 365d or P4W)"

/* Integer digits beyond this make a number larger than any double: it is infinite here. */
#define INT_DIGITS_MAX 400
/* Decimals kept: more than the exact decimal form of any double has (1074); beyond, the
 * digits are cut and a final 1 keeps the rounding direction. */
#define FRAC_DIGITS_MAX 1100

enum { PARSED = 0, BAD = 1, BAD_VAGUE = 2, TOO_LONG = 3 };

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A NUMBER as its significant digits: integer digits without leading zeros, decimals without
 * trailing zeros. */
typedef struct number {
    const char *int_b, *int_e;
    const char *frac_b, *frac_e;
} number;

/* NUMBER at p (text ends at e): digits ["." [digits]] | "." digits. Returns its end, or NULL
 * when there is no digit. */
static const char *scan_number(const char *p, const char *e, number *n)
{
    const char *q = p;
    while (q < e && is_digit(*q))
        q++;
    const char *ie = q, *fb = q, *fe = q;
    if (q < e && *q == '.') {
        fb = ++q;
        while (q < e && is_digit(*q))
            q++;
        fe = q;
    }
    if (ie == p && fe == fb)
        return NULL;
    n->int_b = p;
    while (n->int_b < ie && *n->int_b == '0')
        n->int_b++;
    n->int_e = ie;
    while (fe > fb && fe[-1] == '0')
        fe--;
    n->frac_b = fb;
    n->frac_e = fe;
    return q;
}

/* Exact powers of ten in a double. */
static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The value of n times mult (a whole number of seconds, 1..604800), correctly rounded;
 * +inf when n has more than INT_DIGITS_MAX integer digits. */
static double number_value(const number *n, uint32_t mult)
{
    size_t ni = (size_t)(n->int_e - n->int_b), nf = (size_t)(n->frac_e - n->frac_b);
    if (ni > INT_DIGITS_MAX)
        return HUGE_VAL;
    /* Usual case: the digits are an exact integer m, and m * mult / 10^nf is rounded once. */
    if (ni + nf <= 19 && nf <= 22) {
        uint64_t m = 0;
        for (const char *p = n->int_b; p < n->int_e; p++)
            m = m * 10 + (uint64_t)(*p - '0');
        for (const char *p = n->frac_b; p < n->frac_e; p++)
            m = m * 10 + (uint64_t)(*p - '0');
        if (m <= ((uint64_t)1 << 53) / mult)
            return (double)(m * mult) / pow10_exact[nf];
    }
    /* Otherwise: multiply the decimal digits by mult exactly, then let strtod round once. */
    unsigned char dg[INT_DIGITS_MAX + FRAC_DIGITS_MAX + 16];
    size_t nd = 0, lead = 8; /* room in front for the carry of the multiplication */
    for (const char *p = n->int_b; p < n->int_e; p++)
        dg[lead + nd++] = (unsigned char)(*p - '0');
    size_t int_len = nd;
    size_t take = nf > FRAC_DIGITS_MAX ? FRAC_DIGITS_MAX : nf;
    for (size_t i = 0; i < take; i++)
        dg[lead + nd++] = (unsigned char)(n->frac_b[i] - '0');
    if (take < nf) /* a non-zero digit was cut (trailing zeros are already gone) */
        dg[lead + nd++] = 1;
    uint64_t carry = 0;
    for (size_t i = lead + nd; i > lead; i--) {
        uint64_t t = (uint64_t)dg[i - 1] * mult + carry;
        dg[i - 1] = (unsigned char)(t % 10);
        carry = t / 10;
    }
    while (carry) { /* mult < 10^6 and the carry < mult: at most 6 more digits */
        dg[--lead] = (unsigned char)(carry % 10);
        carry /= 10;
        nd++;
        int_len++;
    }
    char buf[sizeof dg + 4];
    size_t k = 0;
    if (int_len == 0)
        buf[k++] = '0';
    for (size_t i = 0; i < nd; i++) {
        if (i == int_len)
            buf[k++] = '.';
        buf[k++] = (char)('0' + dg[lead + i]);
    }
    buf[k] = '\0';
    int saved = errno;
    char *end;
    double v = strtod(buf, &end); /* over- and underflow give inf and 0 or a denormal: fine */
    errno = saved;
    if (end != buf + k) { /* a locale whose decimal point is not '.': approximate */
        v = 0;
        for (size_t i = 0; i < int_len; i++)
            v = v * 10 + dg[lead + i];
        double scale = 0.1;
        for (size_t i = int_len; i < nd && i < int_len + 40; i++, scale /= 10)
            v += dg[lead + i] * scale;
    }
    return v;
}

/* The value of the NUMBER that is all of text (NaN when it is not one). */
static double decimal_value(const char *text)
{
    number n;
    const char *e = text + strlen(text);
    if (scan_number(text, e, &n) != e)
        return NAN;
    return number_value(&n, 1);
}

/* Units of the PART form, case-sensitive. T is pandas' minute. */
static uint32_t unit_seconds(const char *u, size_t len)
{
    static const struct {
        const char *name;
        uint32_t s;
    } units[] = {
        {"s", 1},          {"sec", 1},       {"secs", 1},       {"second", 1},      {"seconds", 1},
        {"m", 60},         {"min", 60},      {"mins", 60},      {"minute", 60},     {"minutes", 60},
        {"T", 60},         {"h", 3600},      {"hr", 3600},      {"hrs", 3600},      {"hour", 3600},
        {"hours", 3600},   {"H", 3600},      {"d", 86400},      {"day", 86400},     {"days", 86400},
        {"D", 86400},      {"w", 604800},    {"week", 604800},  {"weeks", 604800},  {"W", 604800},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].name) == len && memcmp(units[i].name, u, len) == 0)
            return units[i].s;
    return 0;
}

/* Units of varying length, refused with a reason. */
static int is_vague_unit(const char *u, size_t len)
{
    static const char *const vague[] = {"y",  "yr",    "yrs",    "year", "years", "Y",
                                        "mo", "mos",   "mon",    "month", "months", "M"};
    for (size_t i = 0; i < sizeof vague / sizeof vague[0]; i++)
        if (strlen(vague[i]) == len && memcmp(vague[i], u, len) == 0)
            return 1;
    return 0;
}

/* Add part v to *total; 0, or 1 once the total is above the limit. */
static int add_part(double *total, double v)
{
    if (!(v <= GS_DURATION_MAX_S))
        return 1;
    *total += v; /* both <= GS_DURATION_MAX_S: finite */
    return *total > GS_DURATION_MAX_S;
}

/* PART { [spaces] PART } or a NUMBER alone, in [p, e) (trimmed, not empty). */
static int parse_parts(const char *p, const char *e, double *out)
{
    double total = 0;
    int parts = 0, too_long = 0;
    while (p < e) {
        number n;
        const char *q = scan_number(p, e, &n);
        if (!q)
            return BAD;
        p = q;
        while (p < e && is_space(*p))
            p++;
        const char *u = p;
        while (p < e && is_alpha(*p))
            p++;
        uint32_t mult;
        if (p == u) {
            if (parts > 0 || p < e) /* a bare number stands alone: "1h30" is refused */
                return BAD;
            mult = 1;
        } else if (!(mult = unit_seconds(u, (size_t)(p - u)))) {
            return is_vague_unit(u, (size_t)(p - u)) ? BAD_VAGUE : BAD;
        }
        if (!too_long)
            too_long = add_part(&total, number_value(&n, mult));
        parts++;
        while (p < e && is_space(*p))
            p++;
    }
    if (too_long)
        return TOO_LONG;
    *out = total;
    return PARSED;
}

/* ISO 8601 "P" [nW] [nD] ["T" [nH] [nM] [nS]] in [p, e), *p == 'P'. As before, components
 * may come in any order or repeat, any may have decimals, and spaces between them are
 * ignored; at least one is needed ("P" and "PT" are refused). */
static int parse_iso(const char *p, const char *e, double *out)
{
    double total = 0;
    int in_time = 0, parts = 0, too_long = 0;
    for (p++; p < e;) {
        if (is_space(*p)) {
            p++;
            continue;
        }
        if (*p == 'T') {
            in_time = 1;
            p++;
            continue;
        }
        number n;
        const char *q = scan_number(p, e, &n);
        if (!q || q == e)
            return BAD;
        char d = *q;
        p = q + 1;
        uint32_t mult = 0;
        if (!in_time)
            mult = d == 'W' ? 604800 : d == 'D' ? 86400 : 0;
        else
            mult = d == 'H' ? 3600 : d == 'M' ? 60 : d == 'S' ? 1 : 0;
        if (!mult)
            return !in_time && (d == 'Y' || d == 'M') ? BAD_VAGUE : BAD;
        if (!too_long)
            too_long = add_part(&total, number_value(&n, mult));
        parts++;
    }
    if (!parts)
        return BAD;
    if (too_long)
        return TOO_LONG;
    *out = total;
    return PARSED;
}

/* text as shown in a message: quoted, control characters escaped, cut after about 64
 * characters (then followed by its length). buf: at least 128 bytes (k stays below 74). */
static void quote(const char *text, char *buf, size_t len)
{
    size_t k = 0, i = 0, n = strlen(text);
    buf[k++] = '\'';
    for (; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        /* cut after 64 bytes, not inside a UTF-8 sequence (of at most 4 bytes) */
        if (k > 64 && ((c & 0xC0) != 0x80 || k > 68))
            break;
        if (c == '\n' || c == '\t' || c == '\r') {
            buf[k++] = '\\';
            buf[k++] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
        } else if (c < 0x20 || c == 0x7f) {
            k += (size_t)snprintf(buf + k, len - k, "\\x%02x", c);
        } else {
            buf[k++] = (char)c;
        }
    }
    if (i < n)
        snprintf(buf + k, len - k, "...' (%zu characters)", n);
    else
        snprintf(buf + k, len - k, "'");
}

static int fail(gs_error *err, int why, const char *text)
{
    char shown[160];
    quote(text, shown, sizeof shown);
    if (why == TOO_LONG)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                            "expected a duration of at most 100 years, found %s", shown);
    return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL, "expected a duration such as " EXAMPLES ", found %s%s",
                        shown, why == BAD_VAGUE ? VAGUE_HINT : "");
}

int gs_duration_parse(const char *text, double *seconds, gs_error *err)
{
    static const struct {
        const char *name;
        double s;
    } words[] = {{"secondly", 1}, {"minutely", 60}, {"hourly", 3600}, {"daily", 86400}, {"weekly", 604800}};
    if (!text)
        return fail(err, BAD, "");
    const char *b = text, *e = text + strlen(text);
    while (b < e && is_space(*b))
        b++;
    while (e > b && is_space(e[-1]))
        e--;
    if (b == e)
        return fail(err, BAD, text);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i].name) == (size_t)(e - b) && memcmp(words[i].name, b, (size_t)(e - b)) == 0) {
            *seconds = words[i].s;
            return GS_OK;
        }
    double v = 0;
    int why = *b == 'P' ? parse_iso(b, e, &v) : parse_parts(b, e, &v);
    if (why != PARSED)
        return fail(err, why, text);
    *seconds = v;
    return GS_OK;
}

int gs_duration_parse_step(const char *text, int64_t *step_s, gs_error *err)
{
    double s = 0;
    int rc = gs_duration_parse(text, &s, err);
    if (rc != GS_OK)
        return rc;
    char shown[160];
    if (!(s > 0)) {
        quote(text, shown, sizeof shown);
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                            "expected a positive duration such as 90s, 5min, 1h or PT15M, found %s", shown);
    }
    if (s != floor(s)) {
        quote(text, shown, sizeof shown);
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                            "expected a whole number of seconds such as 90s, 5min, 1h or PT15M, found %s", shown);
    }
    *step_s = (int64_t)s; /* 1 <= s <= GS_DURATION_MAX_S */
    return GS_OK;
}

/* x (finite, > 0) rounded to p significant digits, written without an exponent and without
 * trailing zeros after the point: "252.5", "0.00001", "1234". len: at least 360 bytes. */
static void fixed_digits(double x, int p, char *out, size_t len)
{
    char e[40];
    snprintf(e, sizeof e, "%.*e", p - 1, x); /* "d.ddde+XX" */
    char dg[24];
    int nd = 0;
    const char *c = e;
    for (; *c && *c != 'e'; c++)
        if (is_digit(*c) && nd < (int)sizeof dg)
            dg[nd++] = *c;
    long ex = *c == 'e' ? strtol(c + 1, NULL, 10) : 0; /* |ex| <= 324 */
    while (nd > 1 && dg[nd - 1] == '0')
        nd--;
    long pos = ex + 1; /* digits before the point */
    size_t k = 0;
    if (pos <= 0) {
        out[k++] = '0';
        out[k++] = '.';
        for (long i = 0; i < -pos && k + 2 < len; i++)
            out[k++] = '0';
        for (int i = 0; i < nd && k + 1 < len; i++)
            out[k++] = dg[i];
    } else {
        for (long i = 0; i < pos && k + 2 < len; i++)
            out[k++] = i < nd ? dg[i] : '0';
        if (pos < nd) {
            out[k++] = '.';
            for (int i = (int)pos; i < nd && k + 1 < len; i++)
                out[k++] = dg[i];
        }
    }
    out[k] = '\0';
}

int gs_duration_format(double seconds, char *buf, size_t len)
{
    static const struct {
        double s;
        const char *name;
    } units[] = {{604800, "w"}, {86400, "d"}, {3600, "h"}, {60, "min"}, {1, "s"}};
    /* the longest: a denormal's 17 digits after 323 zeros, or the 309 digits of DBL_MAX */
    char num[400];
    const char *sign = "", *unit = "s";
    double x = seconds;
    if (isnan(x)) {
        snprintf(num, sizeof num, "nan");
        unit = "";
    } else if (isinf(x)) {
        snprintf(num, sizeof num, "%s", x > 0 ? "inf" : "-inf");
        unit = "";
    } else {
        if (x < 0) {
            sign = "-";
            x = -x;
        }
        if (x == 0) {
            snprintf(num, sizeof num, "0");
        } else {
            size_t u = 0;
            while (u < sizeof units / sizeof units[0] && fmod(x, units[u].s) != 0)
                u++;
            if (u < sizeof units / sizeof units[0]) { /* a whole number of u: exact */
                snprintf(num, sizeof num, "%.0f", x / units[u].s);
                unit = units[u].name;
            } else if (x < 1e12 && nearbyint(x * 1000) / 1000 == x) {
                /* up to 3 decimals (a multiple of 1 ms, the usual case): r / 1000 is what
                 * reading them gives, as both are exact and the division is rounded once */
                uint64_t r = (uint64_t)nearbyint(x * 1000);
                unsigned frac = (unsigned)(r % 1000);
                int dec = 3;
                for (; frac % 10 == 0; frac /= 10) /* frac != 0: x is not whole */
                    dec--;
                snprintf(num, sizeof num, "%llu.%0*u", (unsigned long long)(r / 1000), dec, frac);
            } else { /* seconds with the fewest digits that read back (17 always do) */
                int lo = 1, hi = 17;
                while (lo < hi) {
                    int mid = (lo + hi) / 2;
                    fixed_digits(x, mid, num, sizeof num);
                    if (decimal_value(num) == x)
                        hi = mid;
                    else
                        lo = mid + 1;
                }
                fixed_digits(x, lo, num, sizeof num);
                while (lo < 17 && decimal_value(num) != x) /* a tie the search stepped over */
                    fixed_digits(x, ++lo, num, sizeof num);
            }
        }
    }
    if (!buf || len == 0)
        return snprintf(NULL, 0, "%s%s%s", sign, num, unit);
    return snprintf(buf, len, "%s%s%s", sign, num, unit);
}
