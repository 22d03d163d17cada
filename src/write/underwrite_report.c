/* underwrite_report.c: DIR/report.html of `gridsplit underwrite` (docs/underwrite.md "The
 * report"): one self-contained file, web/underwrite.html with underwrite.css and underwrite.js
 * inline, the title escaped for HTML and the data (summary.json's content and every cash-flow
 * row: gs_uw_report_json) as one JSON block escaped for <script>. Written under a temporary
 * name and renamed; deterministic (no clock). */
#include "gridsplit/write/underwrite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "write/html.h"
#include "write/outfile.h"

int gs_uw_write_report(const gs_uw_outputs *o, const char *path, gs_error *err)
{
    if (!path || !*path)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                            "underwrite report: expected a file name to write, got none");
    if (!o || !o->r || !o->sites || !o->terms)
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                            "underwrite report: expected an underwriting result, got none");
    char *data = gs_uw_report_json(o);
    if (!data)
        return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc) {
        free(data);
        return rc;
    }
    const char *title = o->deal_path ? strrchr(o->deal_path, '/') : NULL;
    title = title ? title + 1 : o->deal_path ? o->deal_path : "gridsplit underwrite";
    gs__html_page x = {title, "underwrite.css", "underwrite.js", data};
    rc = gs__html_template(of.f, "underwrite.html", gs__html_page_fill, &x, err);
    free(data);
    if (rc) {
        gs__outfile_abort(&of);
        return rc;
    }
    return gs__outfile_commit(&of, err);
}
