/* flex_report.c: DIR/report.html of `gridsplit flex` (docs/flex.md): one self-contained file,
 * web/flex.html with flex.css, flex.js and uPlot inline and the summary (with the hourly
 * timeline) as one JSON block escaped for <script>. Written under a temporary name and renamed;
 * deterministic (no clock). */
#include "gridsplit/flexsim.h"
#include "gridsplit/write/flex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "embed/assets.h"
#include "write/html.h"
#include "write/outfile.h"

int gs_flexsim_write_report(const gs_fleet *fl, const gs_flexsim_product *prods, size_t nprods,
                            const gs_flexsim_opts *opts, const gs_flexsim_result *r,
                            const gs_flexsim_notes *notes, const char *path, gs_error *err)
{
    char *data = gs_flexsim_summary_json(fl, prods, nprods, opts, r, notes, 1);
    if (!data)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc) {
        free(data);
        return rc;
    }
    rc = gs__html_template(of.f, "flex.html", gs__html_page_fill,
                           &(gs__html_page){fl->name, "flex.css", "flex.js", data}, err);
    free(data);
    if (rc) {
        gs__outfile_abort(&of);
        return rc;
    }
    return gs__outfile_commit(&of, err);
}
