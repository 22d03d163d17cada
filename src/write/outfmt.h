/* outfmt.h (internal): numbers and strings in the CSV and JSON outputs, written the same way
 * by every writer (flex_out.c, site_report.c): short, stable and correctly quoted; and the names
 * the outputs give an IRR's status (scenarios_out.c, underwrite_out.c). */
#ifndef GS_IO_OUTFMT_H
#define GS_IO_OUTFMT_H

#include <jansson.h>
#include <stdio.h>

#include "gridsplit/econ.h"

/** v rounded to `decimals` decimals (-0 becomes 0; non-finite values pass through). */
double gs__round(double v, int decimals);

/** A JSON number rounded to `decimals` decimals, or null when v is not finite. New reference. */
json_t *gs__json_num(double v, int decimals);

/** Write s as a CSV field, quoted (RFC 4180) when it holds a comma, quote or line break. */
void gs__csv_str(FILE *f, const char *s);

/** Write v with at most `decimals` decimals, trailing zeros trimmed; nothing when v is not
 * finite (an empty field: no data). */
void gs__csv_num(FILE *f, double v, int decimals);

/** The name of an IRR's status in the outputs: "ok", "no_sign_change", "no_root",
 * "multiple_roots" (docs/underwrite.md). */
const char *gs__irr_status_name(gs_irr_status s);

#endif
