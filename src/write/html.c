/* html.c: escaping and inlining for the self-contained HTML reports (see html.h). */
#include "write/html.h"

#include <string.h>
#include <strings.h>

#include "embed/assets.h"

void gs__html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

void gs__html_script_json(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            fputs("\\u003c", f);
        else if (*s == '>')
            fputs("\\u003e", f);
        else if (*s == '&')
            fputs("\\u0026", f);
        else
            fputc(*s, f);
    }
}

void gs__html_inline(FILE *f, const char *s, size_t len)
{
    size_t from = 0;
    for (size_t i = 0; i + 1 < len; i++)
        if (s[i] == '<' && s[i + 1] == '/' &&
            (strncasecmp(s + i + 2, "script", 6) == 0 || strncasecmp(s + i + 2, "style", 5) == 0)) {
            fwrite(s + from, 1, i - from, f);
            fputs("<\\/", f);
            from = i + 2;
        }
    fwrite(s + from, 1, len - from, f);
}

int gs__html_asset(FILE *f, const char *name, gs_error *err)
{
    size_t len = 0;
    const char *s = gs__asset(name, &len);
    if (!s)
        return gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL,
                            "web asset %s is not embedded in this build", name);
    gs__html_inline(f, s, len);
    return GS_OK;
}

int gs__html_asset_json(FILE *f, const char *name, gs_error *err)
{
    const char *s = gs__asset(name, NULL);
    if (!s)
        return gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL,
                            "web asset %s is not embedded in this build", name);
    gs__html_script_json(f, s);
    return GS_OK;
}

int gs__html_template(FILE *f, const char *name, gs__html_fill fill, void *ctx, gs_error *err)
{
    size_t len = 0;
    const char *t = gs__asset(name, &len);
    if (!t)
        return gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL,
                            "report template %s is not embedded in this build", name);
    const char *p = t, *end = t + len;
    while (p < end) {
        const char *m = strstr(p, "@@GS_");
        if (!m || m >= end) {
            fwrite(p, 1, (size_t)(end - p), f);
            break;
        }
        fwrite(p, 1, (size_t)(m - p), f);
        const char *key = m + 5, *close = strstr(key, "@@");
        if (!close)
            return gs_error_set(err, GS_ERUNTIME, name, 0, 0, NULL, "unterminated placeholder");
        size_t klen = (size_t)(close - key);
        int rc = fill(f, ctx, key, klen, err);
        if (rc < 0)
            return rc;
        if (rc > 0)
            return gs_error_set(err, GS_ERUNTIME, name, 0, 0, NULL,
                                "unknown placeholder @@GS_%.*s@@", (int)klen, key);
        p = close + 2;
    }
    return GS_OK;
}

int gs__html_page_fill(FILE *f, void *ctx, const char *key, size_t kl, gs_error *err)
{
    const gs__html_page *x = ctx;
#define IS(k) (kl == sizeof(k) - 1 && memcmp(key, k, kl) == 0)
    if (IS("TITLE"))
        gs__html_text(f, x->title);
    else if (IS("VERSION")) {
#ifdef GS_VERSION
        gs__html_text(f, GS_VERSION);
#endif
    } else if (IS("CSS"))
        return gs__html_asset(f, x->css, err);
    else if (IS("JS"))
        return gs__html_asset(f, x->js, err);
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
