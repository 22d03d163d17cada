/* html.h (internal): writing self-contained HTML reports: text escaped for HTML, JSON text made
 * safe inside <script>, and embedded assets inlined in <script> or <style>. Shared by every
 * report writer (sim_report.c, flex_report.c, site_report.c, route_report.c, supply_report.c,
 * underwrite_report.c). */
#ifndef GS_IO_HTML_H
#define GS_IO_HTML_H

#include <stdio.h>

#include "gridsplit/error.h"

/** Write s with &, <, >, " and ' as HTML entities. */
void gs__html_text(FILE *f, const char *s);

/** Write JSON text s inside a <script> block: '<', '>' and '&' (which only occur inside JSON
 * strings) become \u escapes, so no "</script>" or "<!--" can end the block early. */
void gs__html_script_json(FILE *f, const char *s);

/** Write len bytes of s inside <script> or <style>, breaking up any "</script" or "</style"
 * ("<\/...") so it cannot close the element early. */
void gs__html_inline(FILE *f, const char *s, size_t len);

/** Inline the embedded asset called name (gs__asset) with gs__html_inline. Returns 0, or
 * GS_ERUNTIME when the build does not embed it. */
int gs__html_asset(FILE *f, const char *name, gs_error *err);

/** Write the embedded JSON asset called name (e.g. world-atlas's land-110m.json) inside a
 * <script type="application/json"> block with gs__html_script_json. Returns 0, or GS_ERUNTIME
 * when the build does not embed it. */
int gs__html_asset_json(FILE *f, const char *name, gs_error *err);

/** The value of one placeholder @@GS_KEY@@ of a template (key: klen bytes, not terminated):
 * write it to f and return 0, a negative gs_err on failure, or 1 when the key is unknown. */
typedef int (*gs__html_fill)(FILE *f, void *ctx, const char *key, size_t klen, gs_error *err);

/** Write the embedded template called name to f, each @@GS_KEY@@ replaced through fill.
 * Returns 0, or a negative gs_err (a missing template, an unterminated or unknown placeholder,
 * or fill's error). */
int gs__html_template(FILE *f, const char *name, gs__html_fill fill, void *ctx, gs_error *err);

/** The placeholders of a report page that holds one data block: @@GS_TITLE@@ (title, as text),
 * @@GS_VERSION@@, @@GS_CSS@@ and @@GS_JS@@ (the embedded assets css and js), @@GS_UPLOT_CSS@@
 * and @@GS_UPLOT_JS@@ (uPlot) and @@GS_DATA@@ (data, JSON text, with gs__html_script_json). */
typedef struct gs__html_page {
    const char *title, *css, *js, *data;
} gs__html_page;

/** A gs__html_fill for those (ctx: a gs__html_page); 1 for any other key. */
int gs__html_page_fill(FILE *f, void *ctx, const char *key, size_t klen, gs_error *err);

#endif
