/* sim_report.c: the self-contained HTML report of a simulation (gridsplit/write/sim.h).
 * Owns: filling the web/report.html template (embedded at build time) with the fleet's header,
 * the summary table, uPlot and the report's own JS and CSS inline, and the data as one JSON
 * block: MW per site and class on an implicit time axis (start + i x step; the page builds the
 * x values), rounded to kW, hourly means above a size cap; load-duration curves computed here.
 * Every string from the fleet is escaped for its context (HTML text, JSON inside <script>). */
#include "gridsplit/write/sim.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "embed/assets.h"
#include "write/html.h"
#include "write/outfile.h"

static const char *const CLASS_NAMES[GS_NCLASS] = {"training", "inference"};

/* ---- low-level writers ------------------------------------------------------------------ */

static void w_str(FILE *f, const char *s) { fputs(s, f); }

/* A JSON string that is also safe inside <script>: '<', '>' and '&' become \u escapes, so no
 * "</script>" or "<!--" can appear in the data block. */
static void w_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c == '"')
            fputs("\\\"", f);
        else if (c == '\\')
            fputs("\\\\", f);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* A number with at most `decimals` decimals, trailing zeros trimmed; non-finite: null. */
static void w_num(FILE *f, double v, int decimals)
{
    if (!isfinite(v)) {
        fputs("null", f);
        return;
    }
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.*f", decimals, v);
    if (n <= 0 || (size_t)n >= sizeof buf) {
        fprintf(f, "%.17g", v);
        return;
    }
    if (strchr(buf, '.')) {
        while (n > 0 && buf[n - 1] == '0')
            buf[--n] = '\0';
        if (n > 0 && buf[n - 1] == '.')
            buf[--n] = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        fputs("0", f);
    else
        fputs(buf, f);
}

/* "1,234,567.8": fixed decimals with thousands separators; non-finite: an em dash. */
static void fmt_grouped(char *out, size_t cap, double v, int decimals)
{
    if (!isfinite(v)) {
        snprintf(out, cap, "\xe2\x80\x94");
        return;
    }
    char raw[64];
    snprintf(raw, sizeof raw, "%.*f", decimals, v);
    if (strcmp(raw, "-0") == 0 || (raw[0] == '-' && strspn(raw + 1, "0.") == strlen(raw + 1)))
        memmove(raw, raw + 1, strlen(raw));
    const char *p = raw;
    size_t o = 0;
    if (*p == '-' && o + 1 < cap)
        out[o++] = *p++;
    size_t intlen = strcspn(p, ".");
    for (size_t i = 0; i < intlen && o + 1 < cap; i++) {
        if (i > 0 && (intlen - i) % 3 == 0 && o + 2 < cap)
            out[o++] = ',';
        out[o++] = p[i];
    }
    for (const char *q = p + intlen; *q && o + 1 < cap; q++)
        out[o++] = *q;
    out[o < cap ? o : cap - 1] = '\0';
}

static void fmt_fixed(char *out, size_t cap, double v, int decimals)
{
    if (!isfinite(v))
        snprintf(out, cap, "\xe2\x80\x94");
    else
        snprintf(out, cap, "%.*f", decimals, v);
}

static void fmt_hour(char *out, size_t cap, double h)
{
    if (!isfinite(h)) {
        snprintf(out, cap, "\xe2\x80\x94");
        return;
    }
    long mins = lround(h * 60.0);
    mins = ((mins % 1440) + 1440) % 1440;
    snprintf(out, cap, "%02ld:%02ld", mins / 60, mins % 60);
}

static void fmt_utc(char *out, size_t cap, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) {
        snprintf(out, cap, "%lld", (long long)t);
        return;
    }
    if (tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0)
        snprintf(out, cap, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    else
        snprintf(out, cap, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min);
}

static void fmt_step(char *out, size_t cap, int64_t s)
{
    if (s % 86400 == 0)
        snprintf(out, cap, "%lld d", (long long)(s / 86400));
    else if (s % 3600 == 0)
        snprintf(out, cap, "%lld h", (long long)(s / 3600));
    else if (s % 60 == 0)
        snprintf(out, cap, "%lld min", (long long)(s / 60));
    else
        snprintf(out, cap, "%lld s", (long long)s);
}

/* ---- computations ----------------------------------------------------------------------- */

typedef struct report_ctx {
    const gs_fleet *f;
    const gs_sim_result *r;
    const gs_report_opts *o;
    size_t agg;            /* steps per embedded point (1: full resolution) */
    size_t npts;           /* embedded points per series */
    size_t full_values;    /* sites x classes x steps */
    size_t max_values;
    size_t ldc_n;
    double *fleet_mw;      /* [class][step], then [GS_NCLASS] = fleet total */
    double *tmp;           /* nsteps scratch for sorting */
} report_ctx;

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* The load-duration curve of v[0..n): finite values sorted descending, sampled at ldc_n evenly
 * spaced shares of time (the first point is the peak, the last the minimum). */
static void w_ldc(FILE *f, report_ctx *c, const double *v)
{
    size_t m = 0;
    for (size_t i = 0; i < c->r->nsteps; i++)
        if (isfinite(v[i]))
            c->tmp[m++] = v[i];
    qsort(c->tmp, m, sizeof *c->tmp, cmp_desc);
    fputc('[', f);
    for (size_t k = 0; k < c->ldc_n; k++) {
        if (k)
            fputc(',', f);
        if (m == 0) {
            fputs("null", f);
            continue;
        }
        size_t idx = c->ldc_n > 1 ? (size_t)llround((double)k * (double)(m - 1) /
                                                    (double)(c->ldc_n - 1))
                                  : 0;
        w_num(f, c->tmp[idx], 3);
    }
    fputc(']', f);
}

/* One time series, at the embedded resolution (bucket means of agg steps when agg > 1). */
static void w_series(FILE *f, report_ctx *c, const double *v)
{
    size_t n = c->r->nsteps;
    fputc('[', f);
    for (size_t p = 0; p < c->npts; p++) {
        if (p)
            fputc(',', f);
        if (c->agg == 1) {
            w_num(f, v[p], 3);
            continue;
        }
        double sum = 0.0;
        size_t cnt = 0;
        for (size_t i = p * c->agg; i < n && i < (p + 1) * c->agg; i++) {
            if (isfinite(v[i])) {
                sum += v[i];
                cnt++;
            }
        }
        w_num(f, cnt ? sum / (double)cnt : NAN, 3);
    }
    fputc(']', f);
}

static const double *site_series(const report_ctx *c, size_t s, int cls)
{
    return c->r->mw + (s * GS_NCLASS + (size_t)cls) * c->r->nsteps;
}

static void count_clusters(const gs_fleet *f, long site, int cls, long *clusters, long *gpus)
{
    *clusters = 0;
    *gpus = 0;
    for (size_t k = 0; k < f->nclusters; k++) {
        const gs_cluster *cl = &f->clusters[k];
        if ((site < 0 || cl->site == site) && (cls < 0 || (int)cl->cls == cls)) {
            (*clusters)++;
            *gpus += cl->gpus;
        }
    }
}

static void w_data(FILE *f, report_ctx *c)
{
    const gs_fleet *fl = c->f;
    const gs_sim_result *r = c->r;
    w_str(f, "{\"v\":1,\"fleet\":{\"name\":");
    w_json_str(f, fl->name);
    fprintf(f, ",\"nsites\":%zu,\"nclusters\":%zu}", fl->nsites, fl->nclusters);
    fprintf(f, ",\"period\":{\"from_s\":%lld,\"to_s\":%lld,\"step_s\":%lld,\"nsteps\":%zu}",
            (long long)r->start_s, (long long)(r->start_s + (int64_t)r->nsteps * r->step_s),
            (long long)r->step_s, r->nsteps);
    fprintf(f, ",\"ts\":{\"start_s\":%lld,\"step_s\":%lld,\"n\":%zu,\"agg\":%zu,"
               "\"full_values\":%zu,\"max_values\":%zu}",
            (long long)r->start_s, (long long)(r->step_s * (int64_t)c->agg), c->npts, c->agg,
            c->full_values, c->max_values);
    w_str(f, ",\"classes\":[\"training\",\"inference\"],\"sites\":[");
    for (size_t s = 0; s < fl->nsites; s++) {
        const gs_site *st = &fl->sites[s];
        if (s)
            fputc(',', f);
        w_str(f, "{\"id\":");
        w_json_str(f, st->id);
        w_str(f, ",\"name\":");
        w_json_str(f, st->name[0] ? st->name : st->id);
        w_str(f, ",\"tz\":");
        w_json_str(f, st->tz);
        w_str(f, ",\"zone\":");
        w_json_str(f, (st->zone >= 0 && (size_t)st->zone < fl->nzones) ? fl->zones[st->zone].id
                                                                       : "");
        w_str(f, ",\"interconnect_mw\":");
        w_num(f, st->interconnect_mw, 3);
        long nc[GS_NCLASS], ng[GS_NCLASS];
        for (int k = 0; k < GS_NCLASS; k++)
            count_clusters(fl, (long)s, k, &nc[k], &ng[k]);
        fprintf(f, ",\"clusters\":[%ld,%ld],\"gpus\":[%ld,%ld]", nc[0], nc[1], ng[0], ng[1]);
        const gs_tz *tz = (c->o && c->o->tz && c->o->tz->site_tz) ? &c->o->tz->site_tz[s] : NULL;
        if (tz && tz->n > 0 && tz->spans) {
            w_str(f, ",\"offsets\":[");
            for (size_t k = 0; k < tz->n; k++)
                fprintf(f, "%s[%lld,%ld]", k ? "," : "", (long long)tz->spans[k].from_s,
                        (long)tz->spans[k].offset_s);
            fputc(']', f);
        }
        w_str(f, ",\"mw\":[");
        for (int k = 0; k < GS_NCLASS; k++) {
            if (k)
                fputc(',', f);
            w_series(f, c, site_series(c, s, k));
        }
        w_str(f, "],\"ldc\":[");
        for (int k = 0; k < GS_NCLASS; k++) {
            w_ldc(f, c, site_series(c, s, k));
            fputc(',', f);
        }
        /* the site total */
        double *tot = c->fleet_mw + (size_t)GS_NCLASS * r->nsteps; /* reuse later; fill now */
        for (size_t i = 0; i < r->nsteps; i++)
            tot[i] = site_series(c, s, 0)[i] + site_series(c, s, 1)[i];
        w_ldc(f, c, tot);
        w_str(f, "]}");
    }
    /* fleet per class and total */
    for (int k = 0; k < GS_NCLASS; k++) {
        double *dst = c->fleet_mw + (size_t)k * r->nsteps;
        for (size_t i = 0; i < r->nsteps; i++) {
            double sum = 0.0;
            for (size_t s = 0; s < fl->nsites; s++)
                sum += site_series(c, s, k)[i];
            dst[i] = sum;
        }
    }
    double *tot = c->fleet_mw + (size_t)GS_NCLASS * r->nsteps;
    for (size_t i = 0; i < r->nsteps; i++)
        tot[i] = c->fleet_mw[i] + c->fleet_mw[r->nsteps + i];
    fprintf(f, "],\"ldc_n\":%zu,\"fleet_ldc\":[", c->ldc_n);
    for (int k = 0; k <= GS_NCLASS; k++) {
        if (k)
            fputc(',', f);
        w_ldc(f, c, c->fleet_mw + (size_t)k * r->nsteps);
    }
    w_str(f, "]}");
}

/* ---- summary table ---------------------------------------------------------------------- */

static void w_stats_row(FILE *f, const char *row_class, const char *scope, const char *scope_id,
                        const char *cls, const gs_load_stats *st)
{
    char b[8][64];
    fmt_grouped(b[0], sizeof b[0], st->energy_mwh, st->energy_mwh < 100 ? 1 : 0);
    fmt_grouped(b[1], sizeof b[1], st->peak_mw, 1);
    fmt_grouped(b[2], sizeof b[2], st->min_mw, 1);
    fmt_grouped(b[3], sizeof b[3], st->mean_mw, 1);
    fmt_fixed(b[4], sizeof b[4], st->load_factor, 2);
    fmt_fixed(b[5], sizeof b[5], st->peak_to_trough, 2);
    /* a load that never draws power has no peak hour */
    fmt_hour(b[6], sizeof b[6], st->peak_mw > 0 ? st->peak_hour_local : NAN);
    fmt_fixed(b[7], sizeof b[7], st->coincidence, 2);
    fprintf(f, "<tr class=\"%s\"><th scope=\"row\">", row_class);
    if (cls[0]) {
        /* a class row: the scope is the row above; named for screen readers only */
        w_str(f, "<span class=\"sr\">");
        gs__html_text(f, scope);
        w_str(f, "</span>");
    } else {
        gs__html_text(f, scope);
    }
    if (!cls[0] && scope_id && scope_id[0]) {
        w_str(f, " <span class=\"muted\">");
        gs__html_text(f, scope_id);
        w_str(f, "</span>");
    }
    w_str(f, "</th><td class=\"cls\">");
    if (cls[0]) {
        fprintf(f, "<span class=\"swatch %s\"></span>", cls);
        gs__html_text(f, cls);
    } else {
        w_str(f, "all");
    }
    w_str(f, "</td>");
    for (int i = 0; i < 8; i++)
        fprintf(f, "<td class=\"num\">%s</td>", b[i]);
    w_str(f, "</tr>\n");
}

static void w_summary(FILE *f, const report_ctx *c)
{
    const gs_sim_result *r = c->r;
    const gs_fleet *fl = c->f;
    const char *fname = fl->name[0] ? fl->name : "fleet";
    w_stats_row(f, "row-fleet", fname, "fleet", "", &r->fleet);
    for (int k = 0; k < GS_NCLASS; k++)
        w_stats_row(f, "row-fleet-class", fname, "fleet", CLASS_NAMES[k], &r->fleet_class[k]);
    for (size_t s = 0; s < fl->nsites; s++) {
        const gs_site *st = &fl->sites[s];
        const char *name = st->name[0] ? st->name : st->id;
        if (r->site)
            w_stats_row(f, "row-site", name, st->id, "", &r->site[s]);
        if (r->site_class)
            for (int k = 0; k < GS_NCLASS; k++)
                w_stats_row(f, "row-site-class", name, st->id, CLASS_NAMES[k],
                            &r->site_class[s * GS_NCLASS + (size_t)k]);
    }
}

/* ---- template --------------------------------------------------------------------------- */

static int w_placeholder(FILE *f, void *ctx, const char *key, size_t klen, gs_error *err)
{
    report_ctx *c = ctx;
    const gs_fleet *fl = c->f;
    const gs_sim_result *r = c->r;
    char buf[128];
#define IS(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
    if (IS("TITLE")) {
        gs__html_text(f, c->o && c->o->title ? c->o->title : (fl->name[0] ? fl->name : "fleet"));
    } else if (IS("PERIOD")) {
        fmt_utc(buf, sizeof buf, r->start_s);
        gs__html_text(f, buf);
        w_str(f, " \xe2\x86\x92 ");
        fmt_utc(buf, sizeof buf, r->start_s + (int64_t)r->nsteps * r->step_s);
        gs__html_text(f, buf);
        w_str(f, " UTC");
    } else if (IS("STEP")) {
        fmt_step(buf, sizeof buf, r->step_s);
        gs__html_text(f, buf);
        fprintf(f, " <span class=\"muted\">(%zu steps)</span>", r->nsteps);
    } else if (IS("SITES")) {
        fprintf(f, "%zu", fl->nsites);
    } else if (IS("CLUSTERS")) {
        long n[GS_NCLASS], g[GS_NCLASS];
        for (int k = 0; k < GS_NCLASS; k++)
            count_clusters(fl, -1, k, &n[k], &g[k]);
        fprintf(f, "%zu <span class=\"muted\">(%ld training, %ld inference)</span>",
                fl->nclusters, n[0], n[1]);
    } else if (IS("ENERGY")) {
        fmt_grouped(buf, sizeof buf, r->fleet.energy_mwh, 0);
        fprintf(f, "%s MWh", buf);
    } else if (IS("PEAK")) {
        fmt_grouped(buf, sizeof buf, r->fleet.peak_mw, 1);
        fprintf(f, "%s MW", buf);
    } else if (IS("TRAINING_SHARE")) {
        double tot = r->fleet.energy_mwh, tr = r->fleet_class[GS_TRAINING].energy_mwh;
        if (isfinite(tot) && isfinite(tr) && tot > 0)
            fprintf(f, "%.0f %%", 100.0 * tr / tot);
        else
            w_str(f, "\xe2\x80\x94");
    } else if (IS("NOTE")) {
        if (c->agg > 1) {
            char step[32], full[32], cap[32];
            fmt_step(step, sizeof step, r->step_s * (int64_t)c->agg);
            fmt_grouped(full, sizeof full, (double)c->full_values, 0);
            fmt_grouped(cap, sizeof cap, (double)c->max_values, 0);
            fprintf(f, "<p class=\"note\" id=\"resolution-note\">The time-series charts show "
                       "<strong>means over %s</strong>, not the simulation's own step: the full "
                       "resolution would embed %s values (limit %s). The summary table and the "
                       "load-duration curves use every step.</p>",
                    step, full, cap);
        }
    } else if (IS("SUMMARY_ROWS")) {
        w_summary(f, c);
    } else if (IS("DATA")) {
        w_data(f, c);
    } else if (IS("UPLOT_CSS")) {
        return gs__html_asset(f, "uPlot.min.css", err);
    } else if (IS("REPORT_CSS")) {
        return gs__html_asset(f, "report.css", err);
    } else if (IS("UPLOT_JS")) {
        return gs__html_asset(f, "uPlot.iife.min.js", err);
    } else if (IS("REPORT_JS")) {
        return gs__html_asset(f, "report.js", err);
    } else if (IS("VERSION")) {
#ifdef GS_VERSION
        gs__html_text(f, GS_VERSION);
#endif
    } else {
        return 1; /* unknown: gs__html_template says so */
    }
#undef IS
    return GS_OK;
}

/* ---- entry points ----------------------------------------------------------------------- */

int gs_report_write_html_opts(const gs_fleet *f, const gs_sim_result *r,
                              const gs_report_opts *opts, const char *path, gs_error *err)
{
    if (!f || !r || !path)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL, "report: missing fleet, result or path");
    if (r->nsites != f->nsites)
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                            "report: the result has %zu sites but the fleet %zu", r->nsites,
                            f->nsites);
    if (r->step_s <= 0 || (r->nsteps > 0 && !r->mw))
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                            "report: the result has no data (step %lld s, %zu steps)",
                            (long long)r->step_s, r->nsteps);

    report_ctx c;
    memset(&c, 0, sizeof c);
    c.f = f;
    c.r = r;
    c.o = opts;
    c.max_values = (opts && opts->max_values) ? opts->max_values : GS_REPORT_MAX_VALUES;
    c.full_values = f->nsites * GS_NCLASS * r->nsteps;
    c.agg = 1;
    if (c.full_values > c.max_values) {
        /* hourly means; daily when hourly still exceeds the cap; then whatever fits */
        const int64_t spans[] = {3600, 86400};
        for (size_t k = 0; k < 2; k++) {
            size_t a = (size_t)((spans[k] + r->step_s - 1) / r->step_s);
            c.agg = a > c.agg ? a : c.agg;
            if (f->nsites * GS_NCLASS * ((r->nsteps + c.agg - 1) / c.agg) <= c.max_values)
                break;
        }
        size_t per = f->nsites * GS_NCLASS;
        if (per && per * ((r->nsteps + c.agg - 1) / c.agg) > c.max_values) {
            size_t fit = c.max_values / per;
            if (fit == 0)
                fit = 1;
            c.agg = (r->nsteps + fit - 1) / fit;
        }
    }
    c.npts = c.agg ? (r->nsteps + c.agg - 1) / c.agg : r->nsteps;
    c.ldc_n = r->nsteps < GS_REPORT_LDC_POINTS ? r->nsteps : GS_REPORT_LDC_POINTS;

    size_t nbuf = (size_t)(GS_NCLASS + 1) * r->nsteps + r->nsteps;
    c.fleet_mw = malloc((nbuf ? nbuf : 1) * sizeof(double));
    if (!c.fleet_mw)
        return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "report: out of memory");
    c.tmp = c.fleet_mw + (size_t)(GS_NCLASS + 1) * r->nsteps;

    gs__outfile o;
    int rc = gs__outfile_open(&o, path, err);
    if (rc) {
        free(c.fleet_mw);
        return rc;
    }
    rc = gs__html_template(o.f, "report.html", w_placeholder, &c, err);
    free(c.fleet_mw);
    if (rc) {
        gs__outfile_abort(&o);
        return rc;
    }
    return gs__outfile_commit(&o, err);
}

int gs_report_write_html(const gs_fleet *f, const gs_sim_result *r, const char *path,
                         gs_error *err)
{
    return gs_report_write_html_opts(f, r, NULL, path, err);
}
