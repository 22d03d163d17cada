/* supply_report.c: DIR/report.html of `gridsplit supply` (docs/supply.md): one self-contained
 * file, web/supply.html with supply.css, supply.js and uPlot inline, the title escaped for HTML
 * and the summary (with the hourly block, src/write/supply_out.c) as one JSON block escaped for
 * <script>. Written under a temporary name and renamed; deterministic (no clock). */
#include "gridsplit/write/supply.h"

#include <stdio.h>
#include <string.h>

#include "write/html.h"
#include "write/outfile.h"

int gs_supply_write_report(const char *title, const char *summary_json, const char *path,
                           gs_error *err)
{
    if (!path || !*path)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                            "supply report: expected a file name to write, got none");
    if (!summary_json || !*summary_json)
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                            "supply report: expected the summary JSON, got none");
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    gs__html_page x = {title ? title : "gridsplit supply", "supply.css", "supply.js", summary_json};
    rc = gs__html_template(of.f, "supply.html", gs__html_page_fill, &x, err);
    if (rc) {
        gs__outfile_abort(&of);
        return rc;
    }
    return gs__outfile_commit(&of, err);
}
