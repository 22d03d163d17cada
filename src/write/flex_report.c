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

struct flex_fill {
    const gs_fleet *fl;
    const char *data;
};

static int fill(FILE *f, void *ctx, const char *key, size_t kl, gs_error *err)
{
    const struct flex_fill *x = ctx;
#define IS(k) (kl == sizeof(k) - 1 && memcmp(key, k, kl) == 0)
    if (IS("TITLE"))
        gs__html_text(f, x->fl->name);
    else if (IS("VERSION")) {
#ifdef GS_VERSION
        gs__html_text(f, GS_VERSION);
#endif
    } else if (IS("CSS"))
        return gs__html_asset(f, "flex.css", err);
    else if (IS("JS"))
        return gs__html_asset(f, "flex.js", err);
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
    rc = gs__html_template(of.f, "flex.html", fill, &(struct flex_fill){fl, data}, err);
    free(data);
    if (rc) {
        gs__outfile_abort(&of);
        return rc;
    }
    return gs__outfile_commit(&of, err);
}
