/* sim_report.c: the self-contained HTML report of a simulation (gridsplit/write/sim.h).
 * Owns: filling the web/report.html template (embedded at build time) with the fleet's header,
 * the summary table, uPlot and the report's own JS and CSS inline, and the data as one JSON
 * block: MW per site and class on an implicit time axis (start + i x step; the page builds the
 * x values), rounded by the number rule (write/sim.h), hourly means above a size cap;
 * load-duration curves computed here; the summary, clusters, runs and curtailments tables.
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

/* "2024-01-01 00:00": always with the time (an instant, not a day) */
static void fmt_utc_hm(char *out, size_t cap, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        snprintf(out, cap, "%lld", (long long)t);
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
        w_num(f, c->tmp[idx], GS_SIM_DEC_MW);
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
            w_num(f, v[p], GS_SIM_DEC_MW);
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
        w_num(f, cnt ? sum / (double)cnt : NAN, GS_SIM_DEC_MW);
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
        w_num(f, st->interconnect_mw, GS_SIM_DEC_MW);
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

/* Money for reading: whole dollars grouped ("1,234,567"); below 100, with cents. */
static void fmt_usd(char *out, size_t cap, double v)
{
    fmt_grouped(out, cap, v, isfinite(v) && fabs(v) < 100 ? 2 : 0);
}

/* Tonnes for reading: whole tonnes from 100 up, else one decimal. */
static void fmt_t(char *out, size_t cap, double v)
{
    fmt_grouped(out, cap, v, isfinite(v) && fabs(v) < 100 ? 1 : 0);
}

static void w_stats_row(FILE *f, const char *row_class, const char *scope, const char *scope_id,
                        const char *cls, const gs_load_stats *st)
{
    char b[11][64];
    fmt_grouped(b[0], sizeof b[0], st->energy_mwh, st->energy_mwh < 100 ? 1 : 0);
    fmt_grouped(b[1], sizeof b[1], st->peak_mw, 1);
    fmt_grouped(b[2], sizeof b[2], st->min_mw, 1);
    fmt_grouped(b[3], sizeof b[3], st->mean_mw, 1);
    fmt_fixed(b[4], sizeof b[4], st->load_factor, 2);
    fmt_fixed(b[5], sizeof b[5], st->peak_to_trough, 2);
    /* a load that never draws power has no peak hour */
    fmt_hour(b[6], sizeof b[6], st->peak_mw > 0 ? st->peak_hour_local : NAN);
    fmt_fixed(b[7], sizeof b[7], st->coincidence, 2);
    fmt_usd(b[8], sizeof b[8], st->energy_cost_usd);
    fmt_grouped(b[9], sizeof b[9], st->mean_price_usd_per_mwh, 2);
    fmt_t(b[10], sizeof b[10], st->co2_t);
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
    for (int i = 0; i < 11; i++) {
        /* a cost or CO2 that covers part of the energy only says so */
        double cov = i == 8 || i == 9 ? st->price_coverage : i == 10 ? st->carbon_coverage : 1;
        if (isfinite(cov) && cov < 0.9995 && isfinite(i == 10 ? st->co2_t : st->energy_cost_usd))
            fprintf(f, "<td class=\"num part\" title=\"covers %.1f %% of the energy\">%s*</td>",
                    100.0 * cov, b[i]);
        else
            fprintf(f, "<td class=\"num\">%s</td>", b[i]);
    }
    w_str(f, "</tr>\n");
}

static int fleet_has_class(const gs_fleet *f, int cls)
{
    for (size_t k = 0; k < f->nclusters; k++)
        if ((int)f->clusters[k].cls == cls)
            return 1;
    return 0;
}

static void w_summary(FILE *f, const report_ctx *c)
{
    const gs_sim_result *r = c->r;
    const gs_fleet *fl = c->f;
    const char *fname = fl->name[0] ? fl->name : "fleet";
    w_stats_row(f, "row-fleet", fname, "fleet", "", &r->fleet);
    for (int k = 0; k < GS_NCLASS; k++)
        if (fleet_has_class(fl, k))
            w_stats_row(f, "row-fleet-class", fname, "fleet", CLASS_NAMES[k], &r->fleet_class[k]);
    for (size_t s = 0; s < fl->nsites; s++) {
        const gs_site *st = &fl->sites[s];
        const char *name = st->name[0] ? st->name : st->id;
        if (r->site)
            w_stats_row(f, "row-site", name, st->id, "", &r->site[s]);
        if (r->site_class)
            for (int k = 0; k < GS_NCLASS; k++)
                if (gs_sim_site_has_class(fl, s, k))
                    w_stats_row(f, "row-site-class", name, st->id, CLASS_NAMES[k],
                                &r->site_class[s * GS_NCLASS + (size_t)k]);
    }
}

/* ---- clusters, runs, curtailments -------------------------------------------------------- */

static void td_num(FILE *f, const char *v) { fprintf(f, "<td class=\"num\">%s</td>", v); }

static void td_text(FILE *f, const char *cls, const char *v)
{
    fprintf(f, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    gs__html_text(f, v);
    w_str(f, "</td>");
}

static void w_clusters(FILE *f, const report_ctx *c)
{
    const gs_fleet *fl = c->f;
    const gs_sim_result *r = c->r;
    w_str(f, "<section class=\"card\" id=\"clusters\" data-toc=\"Clusters\">\n"
             "<div class=\"card-head\"><h2>Clusters</h2><p class=\"sub\">Each cluster's share of "
             "its site's curve: a training cluster's runs and idle GPUs, an inference cluster's "
             "provisioned GPUs and requests (PUE applied). Also in clusters.csv.</p></div>\n"
             "<div class=\"table-wrap\"><table class=\"stats parts\"><thead><tr>"
             "<th scope=\"col\">Cluster</th><th scope=\"col\">Site</th><th scope=\"col\">Class</th>"
             "<th scope=\"col\" class=\"num\">GPUs</th>"
             "<th scope=\"col\" class=\"num\">Energy<br><span class=\"unit\">MWh</span></th>"
             "<th scope=\"col\" class=\"num\">Peak<br><span class=\"unit\">MW</span></th>"
             "<th scope=\"col\" class=\"num\">Mean<br><span class=\"unit\">MW</span></th>"
             "<th scope=\"col\" class=\"num\">GPU-hours<br><span class=\"unit\">at work</span></th>"
             "<th scope=\"col\" class=\"num\">Energy cost<br><span class=\"unit\">USD</span></th>"
             "<th scope=\"col\" class=\"num\">CO<sub>2</sub><br><span class=\"unit\">t</span></th>"
             "<th scope=\"col\" class=\"num\">Runs</th>"
             "<th scope=\"col\" class=\"num\">Delay<br><span class=\"unit\">h</span></th>"
             "<th scope=\"col\" class=\"num\">Curtail&shy;ments</th>"
             "<th scope=\"col\" class=\"num\">Paused<br><span class=\"unit\">h</span></th>"
             "</tr></thead><tbody>\n");
    for (size_t k = 0; k < r->nclusters; k++) {
        const gs_cluster *cl = &fl->clusters[k];
        const gs_part_stats *p = &r->cluster[k];
        int tr = cl->cls == GS_TRAINING;
        char b[10][64];
        fmt_grouped(b[0], sizeof b[0], cl->gpus, 0);
        fmt_grouped(b[1], sizeof b[1], p->energy_mwh, p->energy_mwh < 100 ? 1 : 0);
        fmt_grouped(b[2], sizeof b[2], p->peak_mw, 1);
        fmt_grouped(b[3], sizeof b[3], p->mean_mw, 1);
        fmt_grouped(b[4], sizeof b[4], p->gpu_hours, 0);
        fmt_usd(b[5], sizeof b[5], p->energy_cost_usd);
        fmt_t(b[6], sizeof b[6], p->co2_t);
        fmt_grouped(b[7], sizeof b[7], tr ? p->runs : NAN, 0);
        fmt_grouped(b[8], sizeof b[8], tr ? p->delay_h : NAN, 1);
        fmt_grouped(b[9], sizeof b[9], tr ? p->curtailments : NAN, 0);
        char paused[64];
        fmt_grouped(paused, sizeof paused, tr ? p->paused_h : NAN, 1);
        w_str(f, "<tr><th scope=\"row\">");
        gs__html_text(f, cl->id);
        w_str(f, "</th>");
        td_text(f, NULL, fl->sites[cl->site].id);
        fprintf(f, "<td class=\"cls\"><span class=\"swatch %s\"></span>%s</td>",
                CLASS_NAMES[cl->cls], CLASS_NAMES[cl->cls]);
        for (int i = 0; i < 10; i++)
            td_num(f, b[i]);
        td_num(f, paused);
        w_str(f, "</tr>\n");
    }
    w_str(f, "</tbody></table></div>\n</section>\n");
}

static void w_runs(FILE *f, const report_ctx *c)
{
    const gs_fleet *fl = c->f;
    const gs_sim_result *r = c->r;
    if (!r->nruns)
        return;
    fprintf(f, "<section class=\"card\" id=\"runs\" data-toc=\"Runs\">\n"
               "<div class=\"card-head\"><h2>Training runs</h2><p class=\"sub\">%zu runs as "
               "simulated: a run starts when its GPUs are free (delay) and ends when its work is "
               "done; energy, cost and CO<sub>2</sub> of its GPUs while it holds them, within "
               "the period. Also in runs.csv.</p></div>\n",
            r->nruns);
    w_str(f, "<details class=\"more\"><summary>Show the runs</summary>\n"
             "<div class=\"table-wrap\"><table class=\"stats parts\"><thead><tr>"
             "<th scope=\"col\">Run</th><th scope=\"col\">Cluster</th>"
             "<th scope=\"col\">Start <span class=\"unit\">UTC</span></th>"
             "<th scope=\"col\">End <span class=\"unit\">UTC</span></th>"
             "<th scope=\"col\" class=\"num\">Delay<br><span class=\"unit\">h</span></th>"
             "<th scope=\"col\" class=\"num\">Energy<br><span class=\"unit\">MWh</span></th>"
             "<th scope=\"col\" class=\"num\">Mean<br><span class=\"unit\">MW</span></th>"
             "<th scope=\"col\" class=\"num\">GPU-hours</th>"
             "<th scope=\"col\" class=\"num\">Energy cost<br><span class=\"unit\">USD</span></th>"
             "<th scope=\"col\" class=\"num\">CO<sub>2</sub><br><span class=\"unit\">t</span></th>"
             "<th scope=\"col\" class=\"num\">Curtail&shy;ments</th>"
             "<th scope=\"col\" class=\"num\">Paused<br><span class=\"unit\">h</span></th>"
             "</tr></thead><tbody>\n");
    for (size_t q = 0; q < r->nruns; q++) {
        const gs_run *run = &fl->runs[q];
        const gs_part_stats *p = &r->run[q];
        char t0[32], t1[32], b[8][64];
        fmt_utc(t0, sizeof t0, r->run_start_s[q]);
        fmt_utc(t1, sizeof t1, r->run_end_s[q]);
        fmt_grouped(b[0], sizeof b[0], p->delay_h, 1);
        fmt_grouped(b[1], sizeof b[1], p->energy_mwh, p->energy_mwh < 100 ? 1 : 0);
        fmt_grouped(b[2], sizeof b[2], p->mean_mw, 1);
        fmt_grouped(b[3], sizeof b[3], p->gpu_hours, 0);
        fmt_usd(b[4], sizeof b[4], p->energy_cost_usd);
        fmt_t(b[5], sizeof b[5], p->co2_t);
        fmt_grouped(b[6], sizeof b[6], p->curtailments, 0);
        fmt_grouped(b[7], sizeof b[7], p->paused_h, 1);
        w_str(f, "<tr><th scope=\"row\">");
        gs__html_text(f, run->id);
        w_str(f, "</th>");
        td_text(f, NULL, fl->clusters[run->cluster].id);
        td_text(f, "when", t0);
        td_text(f, "when", t1);
        for (int i = 0; i < 8; i++)
            td_num(f, b[i]);
        w_str(f, "</tr>\n");
    }
    w_str(f, "</tbody></table></div>\n</details>\n</section>\n");
}

/* The policy card: must-run in one line; flexible with its totals and every event and price
 * hour acted on, each followed by its actions (the overrides that cut a run's draw). */
static void w_policy(FILE *f, const report_ctx *c)
{
    const gs_fleet *fl = c->f;
    const gs_sim_result *r = c->r;
    const gs_sim_policy_info *pi = c->o ? c->o->policy : NULL;
    w_str(f, "<section class=\"card\" id=\"curtailments\" data-toc=\"Curtailments\">\n"
             "<div class=\"card-head\"><h2>Policy and curtailments</h2>");
    if (!pi || !pi->plan) {
        w_str(f, "<p class=\"sub\">Policy <strong>must-run</strong>: the fleet's run plans as "
                 "they are; nothing was curtailed. <code>--policy flexible</code> applies the "
                 "planner to the period's grid events and prices.</p></div>\n</section>\n");
        return;
    }
    const gs_flexsim_result *pl = pi->plan;
    gs_sim_policy_totals_t t;
    gs_sim_policy_totals(r, pi, &t);
    char b[8][64];
    fmt_grouped(b[0], sizeof b[0], t.mwh_cut, t.mwh_cut < 100 ? 1 : 0);
    fmt_usd(b[1], sizeof b[1], t.usd_saved);
    fmt_usd(b[2], sizeof b[2], t.planner_cost_usd);
    fmt_usd(b[3], sizeof b[3], t.value_usd);
    fmt_grouped(b[4], sizeof b[4], pl->screen_usd_per_mwh, 2);
    fmt_t(b[5], sizeof b[5], t.co2_t_avoided);
    fmt_grouped(b[6], sizeof b[6], t.hours, 1);
    w_str(f, "<p class=\"sub\">Policy <strong>flexible</strong>: the one planner (as "
             "<code>gridsplit flex</code> runs it) on the period's grid events (");
    gs__html_text(f, pi->events ? pi->events : "catalog");
    fprintf(f, ") and on every price hour above %s USD/MWh, the lowest value of the progress a "
               "pause loses; the curves above are drawn with its pauses and caps. Saved: the "
               "energy cut at the zone's price in those hours (the work is done later, at the "
               "run's end: that energy is in the runs' figures).</p></div>\n",
            b[4]);
    char na[64] = "";
    if (t.not_applied)
        snprintf(na, sizeof na, ", %zu not applied", t.not_applied);
    fprintf(f, "<dl class=\"facts\"><div><dt>Events and price hours planned</dt><dd>%zu</dd></div>"
               "<div><dt>Acted on</dt><dd>%zu</dd></div>"
               "<div><dt>Curtailments</dt><dd>%zu <span class=\"muted\">(%s h%s)</span></dd></div>"
               "<div><dt>Energy cut</dt><dd>%s MWh</dd></div>"
               "<div><dt>Saved at the zone's price</dt><dd>%s USD</dd></div>"
               "<div><dt>CO<sub>2</sub> avoided</dt><dd>%s t</dd></div>"
               "<div><dt>Planner's cost of lost progress</dt><dd>%s USD</dd></div>"
               "<div><dt>Value (backtest)</dt><dd>%s USD</dd></div></dl>\n",
            pl->nevents, t.events_acted_on, t.curtailments, b[6], na, b[0], b[1], b[5], b[2], b[3]);
    if (!t.curtailments && !t.not_applied) {
        w_str(f, "<p class=\"note\">The planner curtailed nothing in this period.</p>\n</section>\n");
        return;
    }
    w_str(f, "<div class=\"table-wrap\"><table class=\"stats curt\"><thead><tr>"
             "<th scope=\"col\">Run</th><th scope=\"col\">Cluster</th><th scope=\"col\">Site</th>"
             "<th scope=\"col\">Lever</th>"
             "<th scope=\"col\">From <span class=\"unit\">UTC</span></th>"
             "<th scope=\"col\" class=\"num\">Hours</th>"
             "<th scope=\"col\" class=\"num\">Cut<br><span class=\"unit\">MW</span></th>"
             "<th scope=\"col\" class=\"num\">Cut<br><span class=\"unit\">MWh</span></th>"
             "<th scope=\"col\" class=\"num\">Saved<br><span class=\"unit\">USD</span></th>"
             "<th scope=\"col\" class=\"num\">CO<sub>2</sub> avoided<br><span class=\"unit\">t</span></th>"
             "</tr></thead>\n");
    size_t nov = r->ovr ? r->noverrides : 0;
    for (long v = 0; v <= (long)pl->nevents; v++) {
        int last = v == (long)pl->nevents;
        size_t nact = 0;
        for (size_t k = 0; k < nov; k++) {
            int ev = pi->override_event ? pi->override_event[k] : -1;
            if (r->ovr[k].cuts && (last ? ev < 0 : ev == v))
                nact++;
        }
        if (last ? nact == 0 : pl->events[v].jobs_curtailed <= 0)
            continue;
        w_str(f, "<tbody><tr class=\"event\"><th scope=\"rowgroup\" colspan=\"10\">");
        if (last) {
            w_str(f, "Curtailments whose event is not known");
        } else {
            const gs_flexsim_event_out *x = &pl->events[v];
            const gs_event *ev = &x->e.ev;
            char a[64], e[64], sc[GS_ID_MAX + 16], m[4][64];
            fmt_utc_hm(a, sizeof a, ev->start_s);
            fmt_utc_hm(e, sizeof e, ev->end_s);
            if (ev->scope == GS_SCOPE_SITE && ev->scope_index >= 0 &&
                (size_t)ev->scope_index < fl->nsites)
                snprintf(sc, sizeof sc, "site %s", fl->sites[ev->scope_index].id);
            else if (ev->scope == GS_SCOPE_ZONE && ev->scope_index >= 0 &&
                     (size_t)ev->scope_index < fl->nzones)
                snprintf(sc, sizeof sc, "zone %s", fl->zones[ev->scope_index].id);
            else
                snprintf(sc, sizeof sc, "fleet");
            w_str(f, "<span class=\"ev-id\">");
            gs__html_text(f, ev->id);
            w_str(f, "</span> <span class=\"muted\">");
            if (ev->kind == GS_PEV_PRICE) {
                w_str(f, "price hours");
            } else {
                gs__html_text(f, gs_plan_event_kind_name(ev->kind));
                w_str(f, " \xc2\xb7 ");
                gs__html_text(f, x->e.origin);
            }
            w_str(f, " \xc2\xb7 ");
            gs__html_text(f, sc);
            w_str(f, " \xc2\xb7 ");
            gs__html_text(f, a);
            w_str(f, " \xe2\x86\x92 ");
            gs__html_text(f, e);
            if (ev->kind == GS_PEV_PRICE) {
                fmt_grouped(m[0], sizeof m[0], ev->price_usd_per_mwh, 2);
                fprintf(f, " \xc2\xb7 %s USD/MWh", m[0]);
            }
            fmt_grouped(m[1], sizeof m[1], x->achieved_mw, 1);
            fmt_usd(m[2], sizeof m[2], x->cost_usd);
            fmt_usd(m[3], sizeof m[3], x->value_usd);
            w_str(f, " \xc2\xb7 ");
            gs__html_text(f, x->levers);
            fprintf(f, " \xc2\xb7 planned cut %s MW \xc2\xb7 planner's cost %s USD \xc2\xb7 value %s USD</span>",
                    m[1], m[2], m[3]);
        }
        w_str(f, "</th></tr>\n");
        for (size_t k = 0; k < nov; k++) {
            int ev = pi->override_event ? pi->override_event[k] : -1;
            if (!r->ovr[k].cuts || (last ? ev >= 0 : ev != v))
                continue;
            const gs_override *ov = &pl->overrides[k];
            const gs_override_stats *os = &r->ovr[k];
            const gs_run *run = &fl->runs[ov->run];
            const gs_cluster *cl = &fl->clusters[run->cluster];
            char lever[48], from[64], n[6][64];
            if (ov->kind == GS_OVR_CAP)
                snprintf(lever, sizeof lever, "cap %.0f %%", 100.0 * ov->cap_frac);
            else
                snprintf(lever, sizeof lever, "%s", gs_sim_lever_name(ov));
            fmt_utc_hm(from, sizeof from, ov->from_s);
            fmt_grouped(n[0], sizeof n[0], os->hours, 2);
            fmt_grouped(n[1], sizeof n[1], os->mw_cut, 1);
            fmt_grouped(n[2], sizeof n[2], os->mwh_cut, 1);
            fmt_usd(n[3], sizeof n[3], os->usd_saved);
            fmt_grouped(n[4], sizeof n[4], os->co2_t_avoided, 1);
            if (os->applied) {
                w_str(f, "<tr><td>");
            } else {
                /* the run waited for GPUs (or was done): say why it cut nothing */
                w_str(f, "<tr class=\"na\" title=\"not applied: the run was not running then (it "
                         "waited for GPUs an earlier, curtailed run still held, or its work was "
                         "done)\"><td>");
                snprintf(lever + strlen(lever), sizeof lever - strlen(lever), " (not applied)");
            }
            gs__html_text(f, run->id);
            w_str(f, "</td>");
            td_text(f, NULL, cl->id);
            td_text(f, NULL, fl->sites[cl->site].id);
            td_text(f, "cls", lever);
            td_text(f, "when", from);
            for (int i = 0; i < 5; i++)
                td_num(f, n[i]);
            w_str(f, "</tr>\n");
        }
        w_str(f, "</tbody>\n");
    }
    w_str(f, "</table></div>\n</section>\n");
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
    } else if (IS("POLICY")) {
        const gs_sim_policy_info *pi = c->o ? c->o->policy : NULL;
        if (pi && pi->plan) {
            gs_sim_policy_totals_t t;
            gs_sim_policy_totals(r, pi, &t);
            fprintf(f, "flexible <span class=\"muted\">(%zu curtailment%s)</span>", t.curtailments,
                    t.curtailments == 1 ? "" : "s");
        } else {
            w_str(f, "must-run");
        }
    } else if (IS("COST_KPIS")) {
        char t[64];
        if (isfinite(r->fleet.energy_cost_usd)) {
            fmt_usd(buf, sizeof buf, r->fleet.energy_cost_usd);
            fmt_grouped(t, sizeof t, r->fleet.mean_price_usd_per_mwh, 2);
            fprintf(f, "<div><dt>Energy cost</dt><dd>%s USD <span class=\"muted\">(%s USD/MWh", buf, t);
            if (isfinite(r->fleet.price_coverage) && r->fleet.price_coverage < 0.9995)
                fprintf(f, ", %.0f %% of the energy priced", 100.0 * r->fleet.price_coverage);
            w_str(f, ")</span></dd></div>");
        }
        if (isfinite(r->fleet.co2_t)) {
            fmt_t(buf, sizeof buf, r->fleet.co2_t);
            fprintf(f, "<div><dt>CO<sub>2</sub></dt><dd>%s t", buf);
            if (isfinite(r->fleet.carbon_coverage) && r->fleet.carbon_coverage < 0.9995)
                fprintf(f, " <span class=\"muted\">(%.0f %% of the energy)</span>",
                        100.0 * r->fleet.carbon_coverage);
            w_str(f, "</dd></div>");
        }
    } else if (IS("SECTIONS")) {
        if (r->cluster && r->nclusters == fl->nclusters)
            w_clusters(f, c);
        if (r->run && r->nruns == fl->nruns)
            w_runs(f, c);
        w_policy(f, c);
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

    if (opts && opts->policy && opts->policy->plan && r->ovr &&
        opts->policy->plan->noverrides != r->noverrides)
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                            "report: the plan has %zu overrides but the result %zu",
                            opts->policy->plan->noverrides, r->noverrides);
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
