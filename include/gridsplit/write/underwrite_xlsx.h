/* gridsplit underwrite spreadsheet: DIR/underwrite.xlsx with live formulas (an Inputs sheet,
 * one cash-flow sheet per site and class, site and deal totals, the contract comparison of each
 * site with both classes, and a Summary of NPV, IRR, payback and levelised costs), written with
 * libxlsxwriter by src/write/underwrite_xlsx.c (docs/underwrite.md, "The spreadsheet"). */
#ifndef GRIDSPLIT_WRITE_UNDERWRITE_XLSX_H
#define GRIDSPLIT_WRITE_UNDERWRITE_XLSX_H

#include "gridsplit/error.h"
#include "gridsplit/write/underwrite.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Write the workbook of one underwriting to path (normally DIR/underwrite.xlsx; the folder
 * must exist), under a temporary name renamed when complete. Takes the same inputs as
 * gs_uw_write_outputs. Every figure of the cash flows is a formula over the Inputs sheet, and
 * every formula also carries gridsplit's own value as its cached result, so a viewer that does
 * not recalculate shows the same numbers as cashflow.csv and summary.json. The bytes depend on
 * the inputs only (the document's creation date is fixed). Returns 0, GS_EIO (path cannot be
 * written; err names it and the cause), GS_EINPUT (a site id or deal too large for the sheet)
 * or GS_ENOMEM. */
int gs_uw_write_xlsx(const gs_uw_outputs *o, const char *path, gs_error *err);

#ifdef __cplusplus
}
#endif
#endif
