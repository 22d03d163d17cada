/* outfmt.h (internal): numbers and strings in the CSV and JSON outputs, written the same way
 * by every writer (flex_out.c, site_report.c): short, stable and correctly quoted. */
#ifndef GS_IO_OUTFMT_H
#define GS_IO_OUTFMT_H

#include <jansson.h>
#include <stdio.h>

/** v rounded to `decimals` decimals (-0 becomes 0; non-finite values pass through). */
double gs__round(double v, int decimals);

/** A JSON number rounded to `decimals` decimals, or null when v is not finite. New reference. */
json_t *gs__json_num(double v, int decimals);

/** Write s as a CSV field, quoted (RFC 4180) when it holds a comma, quote or line break. */
void gs__csv_str(FILE *f, const char *s);

/** Write v with at most `decimals` decimals, trailing zeros trimmed; nothing when v is not
 * finite (an empty field: no data). */
void gs__csv_num(FILE *f, double v, int decimals);

#endif
