/* time.c: parsing and formatting of UTC timestamps (include/gridsplit/time.h); durations are
 * src/model/duration.c.
 * Calendar arithmetic is done here (days from civil, after H. Hinnant), never through the C
 * library's time-zone state: results never depend on the TZ environment variable. */
#include "gridsplit/time.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (mm <= 2);
    *m = mm;
    *d = dd;
}

int64_t gs_utc_from_civil(int64_t year, int month, int day, int hour, int minute, int second)
{
    /* normalise the month so that days_from_civil sees 1..12 */
    int64_t m0 = (int64_t)month - 1;
    int64_t yadj = m0 >= 0 ? m0 / 12 : -((11 - m0) / 12);
    year += yadj;
    m0 -= yadj * 12;
    int64_t days = days_from_civil(year, (int)m0 + 1, 1) + (day - 1);
    return days * 86400 + (int64_t)hour * 3600 + (int64_t)minute * 60 + second;
}

void gs_civil_from_utc(int64_t t, int64_t *year, int *month, int *day, int *hour, int *minute,
                       int *second)
{
    int64_t days = t / 86400 - (t % 86400 < 0); /* floor, for every t (INT64_MIN too) */
    int64_t sod = t - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    if (year)
        *year = y;
    if (month)
        *month = m;
    if (day)
        *day = d;
    if (hour)
        *hour = (int)(sod / 3600);
    if (minute)
        *minute = (int)(sod / 60 % 60);
    if (second)
        *second = (int)(sod % 60);
}

void gs_format_time(int64_t t, char *buf)
{
    int64_t y;
    int mo, d, h, mi, s;
    gs_civil_from_utc(t, &y, &mo, &d, &h, &mi, &s);
    if (y < 0 || y > 9999)
        y = y < 0 ? 0 : 9999; /* outside ISO 8601's four-digit years: clamp the label only */
    snprintf(buf, 21, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, mo, d, h, mi, s);
}

/* Read exactly n digits at *p into *out. */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return 0;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 1;
}

static int days_in_month(int64_t y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

static int bad_time(gs_error *err, const char *text, const char *why)
{
    return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                        "expected an ISO 8601 time such as 2024-01-01T00:00:00Z%s%s, found '%s'",
                        why[0] ? ": " : "", why, text);
}

int gs_parse_time_frac(const char *text, int64_t *t, double *frac, int *has_offset, gs_error *err)
{
    const char *p = text;
    while (*p == ' ' || *p == '\t')
        p++;
    int y, mo, d, h = 0, mi = 0, s = 0;
    double fr = 0.0;
    int off_s = 0, has_off = 0;
    if (!digits(&p, 4, &y))
        return bad_time(err, text, "");
    char dsep = *p;
    if (dsep != '-' && dsep != '/')
        return bad_time(err, text, "");
    p++;
    if (!digits(&p, 2, &mo) || *p != dsep)
        return bad_time(err, text, "");
    p++;
    if (!digits(&p, 2, &d))
        return bad_time(err, text, "");
    if (mo < 1 || mo > 12)
        return bad_time(err, text, "month out of range");
    if (d < 1 || d > days_in_month(y, mo))
        return bad_time(err, text, "day out of range for the month");
    if (*p == 'T' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
        p++;
        if (!digits(&p, 2, &h) || *p != ':')
            return bad_time(err, text, "");
        p++;
        if (!digits(&p, 2, &mi))
            return bad_time(err, text, "");
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &s))
                return bad_time(err, text, "");
            if (*p == '.' || *p == ',') {
                p++;
                if (!isdigit((unsigned char)*p))
                    return bad_time(err, text, "");
                double scale = 0.1;
                int nd = 0;
                while (isdigit((unsigned char)*p)) {
                    if (++nd > 9)
                        return bad_time(err, text, "at most 9 fractional digits of a second "
                                                   "(nanoseconds)");
                    fr += (*p - '0') * scale;
                    scale /= 10;
                    p++;
                }
                if (fr >= 1.0) /* cannot happen with 9 digits; keeps the promise of [0, 1) */
                    fr = nextafter(1.0, 0.0);
            }
        }
        /* 24:00:00 is the end of the day (ISO 8601); nothing past it */
        if (h > 24 || (h == 24 && (mi || s || fr > 0)) || mi > 59 || s > 60)
            return bad_time(err, text, "hour, minute or second out of range");
        if (s == 60)
            s = 59; /* a leap second is held at :59; UTC seconds here have no leap seconds */
    }
    while (*p == ' ')
        p++;
    if (*p == 'Z' || *p == 'z') {
        has_off = 1;
        p++;
    } else if (strncmp(p, "UTC", 3) == 0 || strncmp(p, "GMT", 3) == 0) {
        has_off = 1;
        p += 3;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        int oh, om = 0;
        p++;
        if (!digits(&p, 2, &oh))
            return bad_time(err, text, "bad UTC offset");
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &om))
                return bad_time(err, text, "bad UTC offset");
        } else if (isdigit((unsigned char)*p)) {
            if (!digits(&p, 2, &om))
                return bad_time(err, text, "bad UTC offset");
        }
        if (oh > 18 || om > 59)
            return bad_time(err, text, "UTC offset out of range");
        off_s = sign * (oh * 3600 + om * 60);
        has_off = 1;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '\0')
        return bad_time(err, text, "unexpected text after the time");
    *t = gs_utc_from_civil(y, mo, d, h, mi, s) - off_s;
    if (frac)
        *frac = fr;
    if (has_offset)
        *has_offset = has_off;
    return GS_OK;
}

int gs_parse_time(const char *text, int64_t *t, gs_error *err)
{
    return gs_parse_time_frac(text, t, NULL, NULL, err);
}
