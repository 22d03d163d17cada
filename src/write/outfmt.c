/* outfmt.c: numbers and strings in CSV and JSON outputs (see outfmt.h). */
#include "write/outfmt.h"

#include <math.h>
#include <string.h>

double gs__round(double v, int decimals)
{
    if (!isfinite(v))
        return v;
    double p = pow(10.0, decimals);
    double r = round(v * p) / p;
    return r == 0 ? 0 : r;
}

json_t *gs__json_num(double v, int decimals)
{
    return isfinite(v) ? json_real(gs__round(v, decimals)) : json_null();
}

void gs__csv_str(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}

void gs__csv_num(FILE *f, double v, int decimals)
{
    if (!isfinite(v))
        return;
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.*f", decimals, gs__round(v, decimals));
    if (strchr(buf, '.')) {
        while (n > 0 && buf[n - 1] == '0')
            buf[--n] = '\0';
        if (n > 0 && buf[n - 1] == '.')
            buf[--n] = '\0';
    }
    fputs(strcmp(buf, "-0") ? buf : "0", f);
}

const char *gs__irr_status_name(gs_irr_status s)
{
    switch (s) {
    case GS_IRR_OK: return "ok";
    case GS_IRR_NO_SIGN_CHANGE: return "no_sign_change";
    case GS_IRR_NO_ROOT: return "no_root";
    case GS_IRR_MULTIPLE: return "multiple_roots";
    default: return "?";
    }
}
