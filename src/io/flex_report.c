/* flex_report.c: DIR/report.html of `gridsplit flex` (docs/flex.md): one self-contained file,
 * web/flex.html with flex.css, flex.js and uPlot inline and the summary (with the hourly
 * timeline) as one JSON block escaped for <script>. Written under a temporary name and renamed;
 * deterministic (no clock). */
#include "gridsplit/flexsim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/assets.h"
#include "io/html.h"
#include "io/outfile.h"

int gs_flexsim_write_report(const gs_fleet *fl, const gs_flexsim_product *prods, size_t nprods,
                            const gs_flexsim_opts *opts, const gs_flexsim_result *r, const char *path,
                            gs_error *err)
{
    size_t len = 0;
    const char *t = gs__asset("flex.html", &len);
    if (!t)
        return gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL, "report template flex.html is not embedded in this build");
    char *data = gs_flexsim_summary_json(fl, prods, nprods, opts, r, 1);
    if (!data)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc) {
        free(data);
        return rc;
    }
    FILE *f = of.f;
    const char *p = t, *end = t + len;
    while (p < end && !rc) {
        const char *m = strstr(p, "@@GS_");
        if (!m || m >= end) {
            fwrite(p, 1, (size_t)(end - p), f);
            break;
        }
        fwrite(p, 1, (size_t)(m - p), f);
        const char *key = m + 5, *close = strstr(key, "@@");
        if (!close) {
            rc = gs_error_set(err, GS_ERUNTIME, "flex.html", 0, 0, NULL, "unterminated placeholder");
            break;
        }
        size_t kl = (size_t)(close - key);
#define IS(k) (kl == sizeof(k) - 1 && memcmp(key, k, kl) == 0)
        if (IS("TITLE"))
            gs__html_text(f, fl->name);
        else if (IS("VERSION")) {
#ifdef GS_VERSION
            gs__html_text(f, GS_VERSION);
#endif
        } else if (IS("CSS"))
            rc = gs__html_asset(f, "flex.css", err);
        else if (IS("JS"))
            rc = gs__html_asset(f, "flex.js", err);
        else if (IS("UPLOT_CSS"))
            rc = gs__html_asset(f, "uPlot.min.css", err);
        else if (IS("UPLOT_JS"))
            rc = gs__html_asset(f, "uPlot.iife.min.js", err);
        else if (IS("DATA"))
            gs__html_script_json(f, data);
        else
            rc = gs_error_set(err, GS_ERUNTIME, "flex.html", 0, 0, NULL, "unknown placeholder @@GS_%.*s@@", (int)kl, key);
#undef IS
        p = close + 2;
    }
    free(data);
    if (rc) {
        gs__outfile_abort(&of);
        return rc;
    }
    return gs__outfile_commit(&of, err);
}
