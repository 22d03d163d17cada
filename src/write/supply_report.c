/* supply_report.c: DIR/report.html of `gridsplit supply` (docs/supply.md): one self-contained
 * file, web/supply.html with supply.css, supply.js and uPlot inline, the title escaped for HTML
 * and the summary (with the hourly block, src/write/supply_out.c) as one JSON block escaped for
 * <script>. Written under a temporary name and renamed; deterministic (no clock). */
#include "gridsplit/write/supply.h"

#include <stdio.h>
#include <string.h>

#include "write/html.h"
#include "write/outfile.h"

struct supply_fill {
    const char *title;
    const char *data;
};

static int fill(FILE *f, void *ctx, const char *key, size_t kl, gs_error *err)
{
    const struct supply_fill *x = ctx;
#define IS(k) (kl == sizeof(k) - 1 && memcmp(key, k, kl) == 0)
    if (IS("TITLE"))
        gs__html_text(f, x->title);
    else if (IS("VERSION")) {
#ifdef GS_VERSION
        gs__html_text(f, GS_VERSION);
#endif
    } else if (IS("CSS"))
        return gs__html_asset(f, "supply.css", err);
    else if (IS("JS"))
        return gs__html_asset(f, "supply.js", err);
    else if (IS("UPLOT_CSS"))
        return gs__html_asset(f, "uPlot.min.css", err);
    else if (IS("UPLOT_JS"))
        return gs__html_asset(f, "uPlot.iife.min.js", err);
    else if (IS("DATA"))
        gs__html_script_json(f, x->data);
    else
        return 1;
#undef IS
    return GS_OK;
}

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
    struct supply_fill x = {title ? title : "gridsplit supply", summary_json};
    rc = gs__html_template(of.f, "supply.html", fill, &x, err);
    if (rc) {
        gs__outfile_abort(&of);
        return rc;
    }
    return gs__outfile_commit(&of, err);
}
