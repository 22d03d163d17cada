/* underwrite_xlsx.c: the spreadsheet of `gridsplit underwrite` (include/gridsplit/write/
 * underwrite_xlsx.h, docs/underwrite.md "The spreadsheet"): DIR/underwrite.xlsx, written with
 * libxlsxwriter, whose cash flows are live formulas over the inputs gridsplit used.
 *
 * Sheets, in order: Summary (NPV, IRR, payback, cost per MWh and per GPU-hour of every site and
 * class, the site totals and the deal's, and the contract comparisons: formulas over the sheets
 * below, next to gridsplit's own figures as plain values); Inputs (every figure the cash flows
 * use, blue on yellow where an analyst may change it, with its unit and source; the terms
 * shared by every site also carry workbook names such as discount_rate); per site, one sheet
 * per class ("west-texas training"), the site's total ("west-texas total") and, for a site with
 * both classes, the contract comparison ("dallas contracts"); last "Deal total". A year's row
 * of a class sheet restates the formulas of src/econ/cashflow.c over the Inputs cells (training
 * on the interruptible tariff, inference firm); totals add the class sheets; the contract
 * sheet restates src/econ/contracts.c. Every formula carries gridsplit's own value as its cached
 * result, so a viewer that does not recalculate shows the engine's figures; the contract
 * sheet's yearly cached values are recomputed here the way contracts.c does (the engine only
 * returns their present values). The file is written under a temporary name and renamed; its
 * creation date is fixed so that the same inputs give the same bytes. */
#include "gridsplit/write/underwrite_xlsx.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <xlsxwriter.h>

#include "gridsplit/time.h"
#include "write/outfile.h"
#include "write/outfmt.h"

#define NK (GS_NCLASS + 1)
#define HOURS_PER_YEAR 8760.0
#define FORMULA_MAX 8192    /* Excel's limit on a formula's length */
#define SHEET_MAX 31        /* Excel's limit on a sheet name's length */
#define REF_MAX 48          /* "'name'!$B$1048576", or a range of two */
#define HEAD_ROW 3          /* 0-based row of the column headings of a yearly sheet */
#define FIRST_ROW 4         /* 0-based row of year 0 (sheet row 5) */
#define INPUTS "Inputs"
#define FIXED_CREATED 946684800 /* 2000-01-01T00:00:00Z: the fixed creation date */

/* ---- columns of a cash-flow sheet: the cashflow.csv columns, then the derived ones ------- */
enum {
    C_YEAR, C_PRICE, C_MWH, C_GPUH, C_CFAC, C_CGPU, C_CIC, C_ENERGY, C_CAP, C_MAINT, C_STAFF,
    C_INS, C_TAX, C_REV, C_FLEX, C_NET, C_DF, C_DNET, C_CUM, C_COST, C_NEG, NCOL,
    /* an inference sheet paid per request also has its demand and what it serves */
    C_PEAK = NCOL, C_MEAN, C_SERVED, C_UTIL, C_USD_REQ, NCOL_REQ
};
static const char COL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
static const char *const COL_HEAD[NCOL_REQ] = {
    "year", "price_usd_per_mwh", "energy_mwh", "gpu_hours", "capex_facility_usd",
    "capex_gpu_usd", "capex_interconnect_usd", "energy_usd", "capacity_usd", "maintenance_usd",
    "staff_usd", "insurance_usd", "tax_usd", "revenue_usd", "flex_usd", "net_usd",
    "discount_factor", "discounted_net_usd", "cumulative_net_usd", "cost_usd",
    "last_negative_year", "demand_peak_rps", "demand_mean_rps", "served_rps",
    "utilisation (served / capacity)", "usd_per_request"};

/* ---- contract sheet columns --------------------------------------------------------------- */
enum {
    K_YEAR, K_PRICE, K_CAP, K_TFIRM, K_TINT, K_IFIRM, K_IINT, K_FIRST_CONTRACT, NKCOL =
    K_FIRST_CONTRACT + GS_NCONTRACT
};
static const char *const KCOL_HEAD[K_FIRST_CONTRACT] = {
    "year", "price_usd_per_mwh (before any discount)", "capacity_usd_per_mw_year (escalated)",
    "training firm_usd", "training interruptible_usd", "inference firm_usd",
    "inference interruptible_usd"};

static const char *const CLASS_NAME[NK] = {"training", "inference", "total"};

/* Number formats: each in three styles (an input, a formula, a value from gridsplit). */
enum { F_PCT, F_USD, F_DEC2, F_DEC4, F_INT, F_GEN, NFMT };
static const char *const NUM_FORMAT[NFMT] = {"0.00%", "#,##0", "#,##0.00", "#,##0.0000", "0",
                                             "General"};
enum { S_INPUT, S_CALC, S_STATIC, NSTYLE };

typedef struct unit_refs {
    char it[REF_MAX], pue[REF_MAX], gpus[REF_MAX], util[REF_MAX], fac[REF_MAX], gpu[REF_MAX],
        refresh[REF_MAX], rev[REF_MAX], grid[REF_MAX];
    char cp_paused[REF_MAX];         /* coincident peaks: paused share */
    char cp_firm[REF_MAX];           /* coincident peaks: firm share per price year (a range) */
    /* revenue per request (inference) */
    char usd_req[REF_MAX], req_esc[REF_MAX], rps_gpu[REF_MAX], cap_rps[REF_MAX],
        growth[REF_MAX], peaks[REF_MAX], means[REF_MAX], shape[REF_MAX], shape_mean[REF_MAX];
    int shape_row;                   /* 0-based Inputs row of shape_mean */
    /* colocation: rent per kW-month, leased kW, energy passed through (1/0) */
    char colo_rate[REF_MAX], colo_kw[REF_MAX], colo_pass[REF_MAX];
} unit_refs;

typedef struct site_refs {
    char prices[REF_MAX];            /* the price years: a column range of Inputs */
    char cap[REF_MAX], ic[REF_MAX];
    char flex[REF_MAX];              /* one cell, or a column range beside the prices */
    int flex_by_year;
    char cp_pause[REF_MAX];          /* coincident peaks: hours paused per price year (a range) */
    unit_refs u[GS_NCLASS];
    char sheet[NK][SHEET_MAX + 1];   /* class sheets and the site's total */
    char contracts[SHEET_MAX + 1];   /* "" unless the site has both classes */
} site_refs;

typedef struct xw {
    const gs_uw_outputs *o;
    lxw_workbook *wb;
    lxw_error lerr;                  /* the first libxlsxwriter error, LXW_NO_ERROR if none */
    char what[160];                  /* what was being written then */
    int overflow;                    /* a formula or name did not fit */
    lxw_format *fmt[NSTYLE][NFMT];
    lxw_format *title, *head, *note, *section;
    char buf[FORMULA_MAX];           /* the formula being written */
    char sum[FORMULA_MAX];           /* a total's sum, built before it is written */
    site_refs *sr;                   /* o->r->nsites */
    char deal_sheet[SHEET_MAX + 1];
} xw;

/* ---- error capture: every call's result is checked; the first failure is kept ------------ */

static void check(xw *x, lxw_error e, const char *sheet, int row, int col)
{
    if (e == LXW_NO_ERROR || x->lerr != LXW_NO_ERROR)
        return;
    x->lerr = e;
    snprintf(x->what, sizeof x->what, "sheet '%s', cell %c%d", sheet ? sheet : "?",
             col >= 0 && col < NCOL ? COL[col] : '?', row + 1);
}

static const char *ws_name(lxw_worksheet *ws)
{
    return ws && ws->name ? ws->name : "?";
}

static void put_num(xw *x, lxw_worksheet *ws, int row, int col, double v, lxw_format *f)
{
    if (!isfinite(v)) {
        check(x, worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, "n/a", f),
              ws_name(ws), row, col);
        return;
    }
    check(x, worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, f), ws_name(ws), row,
          col);
}

static void put_str(xw *x, lxw_worksheet *ws, int row, int col, const char *s, lxw_format *f)
{
    check(x, worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, s, f), ws_name(ws), row,
          col);
}

/* A formula (printf-formatted) whose cached result is the number v (a string when v is not
 * finite: "n/a"). */
static void put_fx(xw *x, lxw_worksheet *ws, int row, int col, lxw_format *f, double v,
                   const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void put_fx(xw *x, lxw_worksheet *ws, int row, int col, lxw_format *f, double v,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(x->buf, sizeof x->buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof x->buf) {
        x->overflow = 1;
        return;
    }
    lxw_error e = isfinite(v) ? worksheet_write_formula_num(ws, (lxw_row_t)row, (lxw_col_t)col,
                                                            x->buf, f, v)
                              : worksheet_write_formula_str(ws, (lxw_row_t)row, (lxw_col_t)col,
                                                            x->buf, f, "n/a");
    check(x, e, ws_name(ws), row, col);
}

/* A formula whose cached result is the string s. */
static void put_fx_str(xw *x, lxw_worksheet *ws, int row, int col, lxw_format *f, const char *s,
                       const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void put_fx_str(xw *x, lxw_worksheet *ws, int row, int col, lxw_format *f, const char *s,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(x->buf, sizeof x->buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof x->buf) {
        x->overflow = 1;
        return;
    }
    check(x, worksheet_write_formula_str(ws, (lxw_row_t)row, (lxw_col_t)col, x->buf, f, s),
          ws_name(ws), row, col);
}

/* An absolute reference to one cell of a sheet: 'name'!$B$7. */
static void ref(char *out, const char *sheet, int row, int col)
{
    char cell[LXW_MAX_CELL_NAME_LENGTH];
    lxw_rowcol_to_cell_abs(cell, (lxw_row_t)row, (lxw_col_t)col, 1, 1);
    snprintf(out, REF_MAX, "'%s'!%s", sheet, cell);
}

/* A column range of a sheet: 'name'!$P$5:$P$25. */
static void range(char *out, const char *sheet, int col, int row0, int row1)
{
    snprintf(out, REF_MAX, "'%s'!$%c$%d:$%c$%d", sheet, COL[col], row0 + 1, COL[col], row1 + 1);
}

/* ---- formats ------------------------------------------------------------------------------ */

static int make_formats(xw *x)
{
    for (int s = 0; s < NSTYLE; s++)
        for (int k = 0; k < NFMT; k++) {
            lxw_format *f = workbook_add_format(x->wb);
            if (!f)
                return -1;
            format_set_num_format(f, NUM_FORMAT[k]);
            if (s == S_INPUT) {
                format_set_font_color(f, LXW_COLOR_BLUE);
                format_set_bg_color(f, 0xFFF2CC);
            } else if (s == S_STATIC) {
                format_set_font_color(f, 0x595959);
                format_set_italic(f);
            }
            x->fmt[s][k] = f;
        }
    x->title = workbook_add_format(x->wb);
    x->head = workbook_add_format(x->wb);
    x->note = workbook_add_format(x->wb);
    x->section = workbook_add_format(x->wb);
    if (!x->title || !x->head || !x->note || !x->section)
        return -1;
    format_set_bold(x->title);
    format_set_font_size(x->title, 13);
    format_set_bold(x->head);
    format_set_bottom(x->head, LXW_BORDER_THIN);
    format_set_text_wrap(x->head);
    format_set_italic(x->note);
    format_set_font_color(x->note, 0x595959);
    format_set_bold(x->section);
    format_set_bg_color(x->section, 0xDDEBF7);
    return 0;
}

/* ---- sheet names -------------------------------------------------------------------------- */

/* The part of a site's sheet names that stands for the site: its id without the characters a
 * sheet name may not hold, cut (on a UTF-8 boundary) so that " inference" and " contracts"
 * still fit, and distinct (case-insensitively, as spreadsheets compare names) from every other
 * site's and from "Deal" (which would make "Deal total"). */
static void site_bases(const gs_econ_site *sites, size_t n, char (*base)[SHEET_MAX + 1])
{
    const size_t keep = SHEET_MAX - strlen(" contracts");
    for (size_t s = 0; s < n; s++) {
        char *b = base[s];
        const char *id = sites[s].id;
        size_t len = strlen(id), cut = len < keep ? len : keep;
        while (cut > 0 && cut < len && ((unsigned char)id[cut] & 0xC0) == 0x80)
            cut--; /* not inside a character: back to its first byte, which goes too */
        for (size_t i = 0; i < cut; i++)
            b[i] = strchr("[]:*?/\\'", id[i]) ? '_' : id[i];
        b[cut] = '\0';
        unsigned extra = 0;
        for (;;) {
            int clash = !b[0] || !strcasecmp(b, "Deal");
            for (size_t j = 0; j < s && !clash; j++)
                clash = !strcasecmp(b, base[j]);
            if (!clash)
                break;
            snprintf(b, SHEET_MAX + 1, extra ? "site %zu-%u" : "site %zu", s + 1, extra);
            extra++;
        }
    }
}

/* ---- the Inputs sheet --------------------------------------------------------------------- */

/* A figure's source from summary.json's list, else fallback. */
static const char *source_of(const gs_uw_outputs *o, const char *name, const char *fallback)
{
    for (size_t i = 0; i < o->nfigures; i++)
        if (o->figures[i].name && !strcmp(o->figures[i].name, name))
            return o->figures[i].source ? o->figures[i].source : fallback;
    return fallback;
}

/* The unit of a catalogue figure, from its name. */
static const char *unit_of(const char *name)
{
    static const struct {
        const char *key, *unit;
    } units[] = {
        {"facility_capex_usd_per_mw", "USD per IT MW"},
        {"_usd_per_mw_per_kw", "USD per IT MW per kW of rack density"},
        {"_usd_per_mw_year", "USD per MW-year"},
        {"_usd_per_mw", "USD per MW of grid draw"},
        {"_usd_per_gpu_hour", "USD per GPU-hour"},
        {"interruptible_energy_discount", "share of the energy price"},
        {"interruptible_capacity_relief", "share of the capacity charges"},
        {"inference_utilisation", "share of nameplate"},
        {"inference_sla_penalty", "x revenue lost"},
        {"_rate", "per year"},
        {"_escalation", "per year"},
        {"_share", "share, per year"},
        {"hours_per_year", "hours per year"},
        {"refresh_years", "years"},
        {"density_base_kw", "kW per rack"},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strstr(name, units[i].key))
            return units[i].unit;
    return "";
}

static int fmt_of(const char *name)
{
    if (strstr(name, "_usd"))
        return F_USD;
    if (strstr(name, "_rate") || strstr(name, "_escalation") || strstr(name, "_share") ||
        strstr(name, "_discount") || strstr(name, "_relief") || strstr(name, "utilisation"))
        return F_PCT;
    return F_DEC2;
}

typedef struct term_row {
    const char *name;
    double value;
    int input;                       /* 0: a constant, shown but not meant to be changed */
} term_row;

/* One row of the Inputs sheet: key, value (input style or not), unit, source. */
static void input_row(xw *x, lxw_worksheet *ws, int row, const char *key, double v, int fmt,
                      int input, const char *unit, const char *source)
{
    put_str(x, ws, row, 0, key, NULL);
    put_num(x, ws, row, 1, v, x->fmt[input ? S_INPUT : S_CALC][fmt]);
    put_str(x, ws, row, 2, unit, NULL);
    put_str(x, ws, row, 3, source, NULL);
}

/* The hours an interruptible class pauses for the coincident peaks, one row per price year
 * beside the prices, each naming its peaks; returns the next row. */
static int pause_rows(xw *x, lxw_worksheet *ws, int row, size_t s)
{
    const gs_econ_site *es = &x->o->sites[s];
    const gs_uw_cp *cp = x->o->cp ? &x->o->cp[s] : NULL;
    int first = row;
    for (size_t i = 0; i < es->nprice_years; i++) {
        char key[GS_ID_MAX + 64], src[1024];
        int n = 0, yr = es->price_year[i];
        if (yr)
            snprintf(key, sizeof key, "%s cp_pause_hours %d", es->id, yr);
        else
            snprintf(key, sizeof key, "%s cp_pause_hours", es->id);
        size_t j = 0;
        while (cp && j < cp->nyears && !(yr && cp->year[j] == yr))
            j++;
        if (cp && cp->pause_given)
            n = snprintf(src, sizeof src, "deal: the site's cp_pause_hours_per_year");
        else if (cp && j < cp->nyears) {
            n = snprintf(src, sizeof src, "gridsplit: the length of the %s %d peak intervals "
                         "(UTC):", cp->basis, yr);
            for (int q = 0; q < cp->intervals[j] && n > 0 && (size_t)n < sizeof src; q++) {
                int64_t yy;
                int mo, dd, hh, mi, ss, mo2, dd2, hh2, mi2;
                gs_civil_from_utc(cp->peak_from[j][q], &yy, &mo, &dd, &hh, &mi, &ss);
                gs_civil_from_utc(cp->peak_to[j][q], &yy, &mo2, &dd2, &hh2, &mi2, &ss);
                n += snprintf(src + n, sizeof src - (size_t)n, "%s %02d-%02d %02d:%02d-%02d:%02d",
                              q ? ";" : "", mo, dd, hh, mi, hh2, mi2);
            }
        } else
            n = snprintf(src, sizeof src, "gridsplit: the mean of the years with peak "
                         "intervals (this price year has none)");
        (void)n;
        input_row(x, ws, row++, key, es->cp_pause_hours[i], F_DEC2, 1,
                  "hours a year an interruptible class pauses for the peaks (drawing its "
                  "cp_paused_share, selling nothing)", src);
    }
    snprintf(x->sr[s].cp_pause, REF_MAX, "'%s'!$B$%d:$B$%d", INPUTS, first + 1, row);
    return row;
}

static void define_name(xw *x, const char *name, int row)
{
    char target[REF_MAX + 1];
    char cell[LXW_MAX_CELL_NAME_LENGTH];
    lxw_rowcol_to_cell_abs(cell, (lxw_row_t)row, 1, 1, 1);
    snprintf(target, sizeof target, "=%s!%s", INPUTS, cell);
    check(x, workbook_define_name(x->wb, name, target), INPUTS, row, 1);
}

/* The inputs of an inference unit paid per request (src/econ/requests.c): its price, the
 * capacity, the demand trajectory and the mean of its shape (the shape's hours are at the
 * bottom of the sheet). Returns the next free row. */
static int request_rows(xw *x, lxw_worksheet *ws, int row, size_t s)
{
    const gs_uw_outputs *o = x->o;
    const gs_econ_site *es = &o->sites[s];
    const gs_econ_requests *q = &es->req;
    const gs_uw_req *n = o->req ? &o->req[s] : NULL;
    unit_refs *ur = &x->sr[s].u[GS_INFERENCE];
    char key[GS_ID_MAX + 96];
    snprintf(key, sizeof key, "%s inference usd_per_request", es->id);
    input_row(x, ws, row, key, q->usd_per_request, F_GEN, 1, "USD per served request, year 1",
              n && n->price ? n->price : "gridsplit");
    ref(ur->usd_req, INPUTS, row++, 1);
    snprintf(key, sizeof key, "%s inference request_price_escalation", es->id);
    input_row(x, ws, row, key, q->price_escalation, F_PCT, 1, "per year",
              source_of(o, "request_price_escalation", "catalogue"));
    ref(ur->req_esc, INPUTS, row++, 1);
    snprintf(key, sizeof key, "%s inference requests_per_s_per_gpu", es->id);
    input_row(x, ws, row, key, n ? n->requests_per_s_per_gpu : q->capacity_rps / es->cls[1].gpus,
              F_DEC4, 1, "requests/s per GPU",
              n && n->capacity ? n->capacity : "fleet: the service's requests_per_s_per_gpu");
    ref(ur->rps_gpu, INPUTS, row++, 1);
    snprintf(key, sizeof key, "%s inference capacity_rps", es->id);
    put_str(x, ws, row, 0, key, NULL);
    put_fx(x, ws, row, 1, x->fmt[S_CALC][F_USD], q->capacity_rps, "=%s*%s", ur->gpus, ur->rps_gpu);
    put_str(x, ws, row, 2, "requests/s", NULL);
    put_str(x, ws, row, 3, "formula: gpus x requests_per_s_per_gpu (as route counts a site's "
                           "capacity)", NULL);
    ref(ur->cap_rps, INPUTS, row++, 1);
    snprintf(key, sizeof key, "%s inference demand_growth", es->id);
    input_row(x, ws, row, key, q->growth, F_PCT, 1, "per year, after the last listed year",
              n && n->growth ? n->growth : "gridsplit");
    ref(ur->growth, INPUTS, row++, 1);
    /* the peaks, then the means; one of them derived from the other (a formula over the
     * shape's mean) when the deal gives only the other */
    int first_peak = row, first_mean = row + (int)q->nyears;
    ref(ur->shape_mean, INPUTS, first_mean + (int)q->nyears, 1);
    for (int m = 0; m < 2; m++) {
        int first = row;
        int derived = n && (m ? n->mean_from_shape : n->peak_from_shape);
        for (size_t i = 0; i < q->nyears; i++) {
            snprintf(key, sizeof key, "%s inference demand_%s_rps year %zu", es->id,
                     m ? "mean" : "peak", i + 1);
            double v = m ? q->mean_rps[i] : q->peak_rps[i];
            if (derived) {
                put_str(x, ws, row, 0, key, NULL);
                put_fx(x, ws, row, 1, x->fmt[S_CALC][F_USD], v,
                       m ? "=B%d*%s" : "=B%d/%s", (m ? first_peak : first_mean) + (int)i + 1,
                       ur->shape_mean);
                put_str(x, ws, row, 2, "requests/s at the site", NULL);
                put_str(x, ws, row, 3,
                        m ? "formula: the peak x shape_mean (the deal gives no mean)"
                          : "formula: the mean / shape_mean (the deal gives no peak)",
                        NULL);
                row++;
            } else {
                input_row(x, ws, row++, key, v, F_USD, 1, "requests/s at the site",
                          i == 0 ? (n && n->demand ? n->demand : "gridsplit")
                                 : "the trajectory's next year");
            }
        }
        snprintf(m ? ur->means : ur->peaks, REF_MAX, "'%s'!$B$%d:$B$%d", INPUTS, first + 1, row);
    }
    snprintf(key, sizeof key, "%s inference shape_mean", es->id);
    put_str(x, ws, row, 0, key, NULL);
    put_str(x, ws, row, 2, "share of the peak", NULL);
    put_str(x, ws, row, 3, "formula: the mean of the demand shape (at the bottom of this sheet)",
            NULL);
    ur->shape_row = row++;
    return row;
}

static int write_inputs(xw *x, lxw_worksheet *ws)
{
    const gs_uw_outputs *o = x->o;
    const gs_econ_terms *t = o->terms;
    int row = 0;
    check(x, worksheet_set_column(ws, 0, 0, 44, NULL), INPUTS, 0, 0);
    check(x, worksheet_set_column(ws, 1, 1, 18, NULL), INPUTS, 0, 1);
    check(x, worksheet_set_column(ws, 2, 2, 30, NULL), INPUTS, 0, 2);
    check(x, worksheet_set_column(ws, 3, 3, 110, NULL), INPUTS, 0, 3);
    put_str(x, ws, row++, 0, "gridsplit underwrite: the inputs", x->title);
    put_str(x, ws, row++, 0,
            "Blue on yellow: an input. Change one and every cash flow, NPV, IRR and cost "
            "recalculates (docs/underwrite.md). Other values are shown for reference.",
            x->note);
    row++;
    static const char *const head[] = {"input", "value", "unit", "source"};
    for (int c = 0; c < 4; c++)
        put_str(x, ws, row, c, head[c], x->head);
    row++;

    /* the terms every site shares, each with a workbook name */
    put_str(x, ws, row++, 0, "Terms (every site); the value cells are named as in column A",
            x->section);
    const term_row terms[] = {
        {"discount_rate", t->discount_rate, 1},
        {"energy_escalation", t->energy_escalation, 1},
        {"revenue_escalation", t->revenue_escalation, 1},
        {"cost_escalation", t->cost_escalation, 1},
        {"maintenance_share", t->maintenance_share, 1},
        {"insurance_share", t->insurance_share, 1},
        {"property_tax_share", t->property_tax_share, 1},
        {"staff_usd_per_mw_year", t->staff_usd_per_mw_year, 1},
        {"interruptible_energy_discount", t->interruptible_energy_discount, 1},
        {"interruptible_capacity_relief", t->interruptible_capacity_relief, 1},
        {"curtailed_hours_per_year", t->curtailed_hours_per_year, 1},
        {"inference_sla_penalty", t->inference_sla_penalty, 1},
        {"mustrun_redundancy_usd_per_mw", t->mustrun_redundancy_usd_per_mw, 1},
        {"colocation_escalation", t->colocation_escalation, 1},
        {"hours_per_year", HOURS_PER_YEAR, 0},
    };
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
        const char *src = terms[i].input
                              ? source_of(o, terms[i].name, "gridsplit")
                              : "a 365-day year: gridsplit's convention (src/econ/cashflow.c)";
        input_row(x, ws, row, terms[i].name, terms[i].value, fmt_of(terms[i].name),
                  terms[i].input, unit_of(terms[i].name), src);
        define_name(x, terms[i].name, row);
        row++;
    }
    char info[160];
    snprintf(info, sizeof info,
             "not an input here: the sheets hold years 0 to %d; rerun gridsplit underwrite "
             "--years N for another horizon", o->r->years);
    input_row(x, ws, row++, "horizon_years", o->r->years, F_INT, 0, "years", info);
    row++;

    /* per site and class */
    for (size_t s = 0; s < o->r->nsites; s++) {
        const gs_econ_site *es = &o->sites[s];
        site_refs *sr = &x->sr[s];
        char key[GS_ID_MAX + 96], src[256];
        snprintf(key, sizeof key, "Site %s", es->id);
        put_str(x, ws, row++, 0, key, x->section);
        int first = row;
        for (size_t i = 0; i < es->nprice_years; i++) {
            if (es->price_year[i]) {
                snprintf(key, sizeof key, "%s price %d", es->id, es->price_year[i]);
                snprintf(src, sizeof src,
                         "%s: mean of calendar year %d of the zone's price series (gridsplit, "
                         "from the fleet's series); year y of the horizon uses price year "
                         "(y - 1) mod %zu, escalated", o->price_note[s], es->price_year[i],
                         es->nprice_years);
            } else {
                snprintf(key, sizeof key, "%s price", es->id);
                snprintf(src, sizeof src, "%s: a flat price from the deal file, escalated",
                         o->price_note[s]);
            }
            input_row(x, ws, row++, key, es->price_usd_per_mwh[i], F_DEC2, 1, "USD/MWh", src);
        }
        snprintf(sr->prices, REF_MAX, "'%s'!$B$%d:$B$%d", INPUTS, first + 1, row);
        snprintf(key, sizeof key, "%s capacity_usd_per_mw_year", es->id);
        input_row(x, ws, row, key, es->capacity_usd_per_mw_year, F_USD, 1,
                  es->cp_basis ? "USD per MW drawn in the coincident peaks, year 1"
                               : "USD per MW of peak grid draw, year 1",
                  es->cp_basis
                      ? "catalogue: the zone's figure (data/catalog/underwrite.yaml zones, "
                        "basis 4cp), or the deal's site override: charged on each class's "
                        "draw in the coincident peaks (cp_*_share rows below)"
                      : "catalogue: the zone's figure (data/catalog/underwrite.yaml zones), else "
                        "capacity_usd_per_mw_year; or the deal's site override. Training pays "
                        "(1 - interruptible_capacity_relief) of it");
        ref(sr->cap, INPUTS, row++, 1);
        snprintf(key, sizeof key, "%s interconnect_usd_per_mw", es->id);
        snprintf(src, sizeof src, "interconnect_usd_per_mw (%s), or the deal's site override",
                 source_of(o, "interconnect_usd_per_mw", "catalogue"));
        input_row(x, ws, row, key, es->interconnect_usd_per_mw, F_USD, 1,
                  "USD per MW of grid draw, year 0", src);
        ref(sr->ic, INPUTS, row++, 1);
        if (es->flex_by_year && es->cls[GS_TRAINING].present) {
            /* one figure per price year, beside the prices: the flex engine's net */
            const gs_uw_flex *fx = o->flex ? &o->flex[s] : NULL;
            int first_fx = row;
            for (size_t i = 0; i < es->nprice_years; i++) {
                char fsrc[GS_UW_FLEX_TEXT + 384];
                if (es->price_year[i])
                    snprintf(key, sizeof key, "%s flex_usd_per_mw_year %d", es->id,
                             es->price_year[i]);
                else
                    snprintf(key, sizeof key, "%s flex_usd_per_mw_year", es->id);
                if (fx)
                    snprintf(fsrc, sizeof fsrc,
                             "gridsplit %s: net %.0f USD (revenue %.0f - curtailment cost and "
                             "penalties %.0f) of the site's training clusters x %.6f (to 8,760 "
                             "h) / %.3f MW of training grid draw; %s",
                             fx->label[i], fx->net_usd[i], fx->revenue_usd[i], fx->cost_usd[i],
                             fx->scale[i], fx->grid_mw, fx->products[i]);
                else
                    snprintf(fsrc, sizeof fsrc, "gridsplit: the flex engine");
                input_row(x, ws, row++, key, es->flex_year_usd_per_mw_year[i], F_USD, 1,
                          "USD per MW of training grid draw, net, a year", fsrc);
            }
            snprintf(sr->flex, REF_MAX, "'%s'!$B$%d:$B$%d", INPUTS, first_fx + 1, row);
            sr->flex_by_year = 1;
        } else {
            snprintf(key, sizeof key, "%s flex_usd_per_mw_year", es->id);
            input_row(x, ws, row, key, es->flex_usd_per_mw_year, F_USD, 1,
                      "USD per MW of training grid draw",
                      es->cls[GS_TRAINING].present
                          ? "from the deal (flex_usd_per_mw_year): the deal's figure, used "
                            "instead of the flex engine's"
                          : "no training load: no flexibility revenue");
            ref(sr->flex, INPUTS, row++, 1);
        }
        if (es->cp_basis && es->cls[GS_TRAINING].present) /* only an interruptible class pauses */
            row = pause_rows(x, ws, row, s);
        for (int k = 0; k < GS_NCLASS; k++) {
            const gs_econ_unit *u = &es->cls[k];
            unit_refs *ur = &sr->u[k];
            if (!u->present)
                continue;
            const char *cn = CLASS_NAME[k];
            struct {
                const char *name;
                double v;
                int fmt;
                const char *unit, *src;
                char *out;
            } rows[] = {
                {"it_mw", u->it_mw, F_DEC4, "MW (IT nameplate)",
                 "fleet: GPUs x (board + overhead power), summed over the site's clusters of "
                 "this class",
                 ur->it},
                {"pue", u->pue, F_DEC4, "", "fleet: the site's peak PUE", ur->pue},
                {"gpus", u->gpus, F_USD, "GPUs", "fleet: the clusters' GPU count", ur->gpus},
                {"utilisation", u->utilisation, F_PCT, "share of nameplate",
                 k == GS_TRAINING ? "fleet: the clusters' utilisation, GPU-weighted"
                                  : "inference_utilisation (catalogue), or the deal's site "
                                    "override",
                 ur->util},
                {"facility_capex_usd_per_mw", u->facility_capex_usd_per_mw, F_USD,
                 "USD per IT MW",
                 "catalogue: facility_capex_usd_per_mw of the site's cooling + "
                 "density_usd_per_mw_per_kw per kW of rack density above density_base_kw; or "
                 "the deal's site override",
                 ur->fac},
                {"gpu_capex_usd", u->gpu_capex_usd, F_USD, "USD per GPU",
                 "catalogue: the GPU's price (data/catalog/underwrite.yaml gpus), GPU-weighted "
                 "over the clusters",
                 ur->gpu},
                {"refresh_years", u->refresh_years, F_INT, "years",
                 source_of(o, "refresh_years", "catalogue"), ur->refresh},
                {"revenue_usd_per_gpu_hour", u->revenue_usd_per_gpu_hour, F_DEC4,
                 "USD per GPU-hour, year 1",
                 k == GS_TRAINING ? "fleet: the clusters' cost_usd_per_gpu_hour, else "
                                    "training_usd_per_gpu_hour (catalogue); or the deal's "
                                    "site override"
                                  : "inference_usd_per_gpu_hour (catalogue), or the deal's "
                                    "site override",
                 ur->rev},
            };
            int per_request = k == GS_INFERENCE && es->req.on;
            for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
                if (per_request && (rows[i].out == ur->util || rows[i].out == ur->rev))
                    continue; /* per request: utilisation and revenue come from the demand */
                snprintf(key, sizeof key, "%s %s %s", es->id, cn, rows[i].name);
                input_row(x, ws, row, key, rows[i].v, rows[i].fmt, 1, rows[i].unit,
                          rows[i].src);
                ref(rows[i].out, INPUTS, row++, 1);
            }
            if (per_request)
                row = request_rows(x, ws, row, s);
            if (u->colocation) {
                snprintf(key, sizeof key, "%s %s colocation_usd_per_kw_month", es->id, cn);
                input_row(x, ws, row, key, u->colo_usd_per_kw_month, F_DEC2, 1,
                          "USD per leased IT kW per month, year 1",
                          "deal: the site's colocation_usd_per_kw_month, else the deal's, "
                          "else the catalogue's (CBRE H2 2024 asking rent; summary.json "
                          "assumptions)");
                ref(ur->colo_rate, INPUTS, row++, 1);
                snprintf(key, sizeof key, "%s %s colocation_leased_kw", es->id, cn);
                input_row(x, ws, row, key, u->colo_leased_kw, F_DEC2, 1, "IT kW leased",
                          "deal: colocation_leased_kw (split by IT MW over the leased "
                          "classes), else it_mw x 1000 x colocation_occupancy (default 1)");
                ref(ur->colo_kw, INPUTS, row++, 1);
                snprintf(key, sizeof key, "%s %s colocation_energy_pass_through", es->id, cn);
                input_row(x, ws, row, key, u->colo_pass_through, F_INT, 1,
                          "1: the tenant pays the energy (energy_usd 0), 0: the operator",
                          "deal: colocation_energy_pass_through (default true)");
                ref(ur->colo_pass, INPUTS, row++, 1);
            }
            snprintf(key, sizeof key, "%s %s grid_mw", es->id, cn);
            put_str(x, ws, row, 0, key, NULL);
            put_fx(x, ws, row, 1, x->fmt[S_CALC][F_DEC4], u->it_mw * u->pue, "=%s*%s", ur->it,
                   ur->pue);
            put_str(x, ws, row, 2, "MW of grid draw", NULL);
            put_str(x, ws, row, 3, "formula: it_mw x pue", NULL);
            ref(ur->grid, INPUTS, row++, 1);
            if (es->cp_basis) {
                snprintf(key, sizeof key, "%s %s cp_paused_share", es->id, cn);
                input_row(x, ws, row, key, es->cp_paused_share[k], F_PCT, 1,
                          "share of grid_mw drawn in the coincident peaks",
                          "gridsplit: the class paused for the peaks, its GPUs idle (idle "
                          "power / nameplate of the fleet's GPU models); charged when the "
                          "class is interruptible");
                ref(ur->cp_paused, INPUTS, row++, 1);
                int first_cp = row;
                for (size_t i = 0; i < es->nprice_years; i++) {
                    if (es->price_year[i])
                        snprintf(key, sizeof key, "%s %s cp_firm_share %d", es->id, cn,
                                 es->price_year[i]);
                    else
                        snprintf(key, sizeof key, "%s %s cp_firm_share", es->id, cn);
                    input_row(x, ws, row++, key, es->cp_firm_share[k][i], F_PCT, 1,
                              "draw in the coincident peaks per unit of utilisation "
                              "(x the year's utilisation: the share of grid_mw charged)",
                              k == GS_TRAINING
                                  ? "gridsplit: training running firm, a flat slab at its "
                                    "utilisation (1); one row per price year, beside the prices"
                                  : "gridsplit: inference's simulated draw in that year's peak "
                                    "intervals / its mean draw over the year (years without "
                                    "intervals: their mean); one row per price year");
                }
                snprintf(ur->cp_firm, REF_MAX, "'%s'!$B$%d:$B$%d", INPUTS, first_cp + 1, row);
            }
            snprintf(key, sizeof key, "%s %s contract", es->id, cn);
            put_str(x, ws, row, 0, key, NULL);
            put_str(x, ws, row, 1, k == GS_TRAINING ? "interruptible" : "firm", NULL);
            put_str(x, ws, row, 3,
                    k == GS_TRAINING
                        ? "training is contracted interruptible: discounted energy and "
                          "capacity, curtailed hours lost, flexibility revenue"
                        : "inference is contracted firm",
                    NULL);
            row++;
        }
        row++;
    }

    /* the catalogue figures gridsplit resolved into the site inputs above */
    put_str(x, ws, row++, 0,
            "Catalogue figures gridsplit resolved into the site inputs above (reference only: "
            "change the site inputs to change the cash flows)",
            x->section);
    for (size_t i = 0; i < o->nfigures; i++) {
        const char *name = o->figures[i].name;
        int shown = 0;
        for (size_t j = 0; j < sizeof terms / sizeof terms[0] && !shown; j++)
            shown = !strcmp(name, terms[j].name);
        if (shown)
            continue;
        input_row(x, ws, row++, name, o->figures[i].value, fmt_of(name), 0, unit_of(name),
                  o->figures[i].source ? o->figures[i].source : "");
    }
    /* the demand shapes of the sites paid per request */
    for (size_t s = 0; s < o->r->nsites; s++) {
        const gs_econ_site *es = &o->sites[s];
        unit_refs *ur = &x->sr[s].u[GS_INFERENCE];
        if (!es->req.on || !es->cls[GS_INFERENCE].present)
            continue;
        row++;
        char key[GS_ID_MAX + 96];
        snprintf(key, sizeof key,
                 "Demand shape of %s inference: a share of its peak, the hours of a week from "
                 "Monday 00:00 UTC", es->id);
        put_str(x, ws, row++, 0, key, x->section);
        const char *src = o->req && o->req[s].shape ? o->req[s].shape : "gridsplit";
        int first = row;
        for (int h = 0; h < GS_ECON_SHAPE_HOURS; h++) {
            snprintf(key, sizeof key, "%s inference shape %s %02d:00", es->id,
                     (const char *const[]){"Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
                                           "Sun"}[h / 24],
                     h % 24);
            input_row(x, ws, row++, key, es->req.shape[h], F_DEC4, 1, "share of the peak",
                      h == 0 ? src : "");
        }
        snprintf(ur->shape, REF_MAX, "'%s'!$B$%d:$B$%d", INPUTS, first + 1, row);
        /* the mean the request rows above read */
        put_fx(x, ws, ur->shape_row, 1, x->fmt[S_CALC][F_DEC4], gs_econ_shape_mean(es->req.shape),
               "=AVERAGE(%s)", ur->shape);
    }
    worksheet_freeze_panes(ws, HEAD_ROW + 1, 1);
    return 0;
}

/* ---- the cash-flow sheets ----------------------------------------------------------------- */

static double row_cost(const gs_econ_row *r)
{
    return r->capex_facility_usd + r->capex_gpu_usd + r->capex_interconnect_usd + r->energy_usd +
           r->capacity_usd + r->maintenance_usd + r->staff_usd + r->insurance_usd + r->tax_usd;
}

static void sheet_head(xw *x, lxw_worksheet *ws, const char *title, const char *note, int ncol,
                       const char *const *heads)
{
    put_str(x, ws, 0, 0, title, x->title);
    put_str(x, ws, 1, 0, note, x->note);
    for (int c = 0; c < ncol; c++)
        put_str(x, ws, HEAD_ROW, c, heads[c], x->head);
    check(x, worksheet_set_column(ws, 0, 0, 8, NULL), ws_name(ws), 0, 0);
    check(x, worksheet_set_column(ws, 1, (lxw_col_t)(ncol - 1), 17, NULL), ws_name(ws), 0, 1);
    check(x, worksheet_set_row(ws, HEAD_ROW, 45, NULL), ws_name(ws), HEAD_ROW, 0);
    worksheet_freeze_panes(ws, HEAD_ROW + 1, 1);
}

/* The columns every cash-flow sheet derives from its own cells: net, discount factor,
 * discounted net, cumulative net, cost, last negative year. cum is the running cumulative. */
static void derived_cols(xw *x, lxw_worksheet *ws, const gs_econ_row *er, double *cum)
{
    int y = er->year, row = FIRST_ROW + y, r1 = row + 1;
    lxw_format *usd = x->fmt[S_CALC][F_USD];
    double df = 1.0 / pow(1.0 + x->o->terms->discount_rate, y);
    *cum += er->net_usd;
    put_fx(x, ws, row, C_NET, usd, er->net_usd, "=N%d+O%d-SUM(E%d:G%d)-SUM(H%d:M%d)", r1, r1, r1,
           r1, r1, r1);
    put_fx(x, ws, row, C_DF, x->fmt[S_CALC][F_DEC4], df, "=1/(1+discount_rate)^A%d", r1);
    put_fx(x, ws, row, C_DNET, usd, er->net_usd * df, "=P%d*Q%d", r1, r1);
    if (y == 0)
        put_fx(x, ws, row, C_CUM, usd, *cum, "=P%d", r1);
    else
        put_fx(x, ws, row, C_CUM, usd, *cum, "=S%d+P%d", r1 - 1, r1);
    put_fx(x, ws, row, C_COST, usd, row_cost(er), "=SUM(E%d:M%d)", r1, r1);
    put_fx(x, ws, row, C_NEG, x->fmt[S_CALC][F_INT], *cum < 0 ? y : -1, "=IF(S%d<0,A%d,-1)", r1,
           r1);
}

/* The hours of year row r1 of site s a class works (hours) and the hours it pauses for the
 * coincident peaks (pause: "0" unless interruptible at a site charged on them, and no more than
 * the curtailments leave of the year: gs_econ_off_hours), as formulas: firm hours_per_year;
 * interruptible hours_per_year - curtailed_hours_per_year - pause. */
static void hours_expr(const xw *x, size_t s, int intr, int r1, char *pause, size_t plen,
                       char *hours, size_t hlen)
{
    const site_refs *sr = &x->sr[s];
    if (intr && x->o->sites[s].cp_basis) /* with the curtailed hours, at most the year */
        snprintf(pause, plen,
                 "(MIN(hours_per_year,curtailed_hours_per_year+INDEX(%s,MOD(A%d-1,ROWS(%s))+1))-"
                 "curtailed_hours_per_year)", sr->cp_pause, r1, sr->cp_pause);
    else
        snprintf(pause, plen, "0");
    if (!intr)
        snprintf(hours, hlen, "hours_per_year");
    else if (strcmp(pause, "0"))
        snprintf(hours, hlen, "(hours_per_year-curtailed_hours_per_year-%s)", pause);
    else
        snprintf(hours, hlen, "(hours_per_year-curtailed_hours_per_year)");
}

/* The factor of a capacity formula (row r1) for class k at site s: nothing (firm, peak
 * draw), the relief (interruptible, peak draw), or the share drawn in the coincident peaks
 * (firm: the price year's draw in the peaks per unit of utilisation x util, the cell of the
 * year's utilisation). */
static void cap_factor(xw *x, char *out, size_t len, size_t s, int k, int intr, int r1,
                       const char *util)
{
    const unit_refs *u = &x->sr[s].u[k];
    if (!x->o->sites[s].cp_basis)
        snprintf(out, len, "%s", intr ? "*(1-interruptible_capacity_relief)" : "");
    else if (intr)
        snprintf(out, len, "*%s", u->cp_paused);
    else
        snprintf(out, len, "*MIN(1,INDEX(%s,MOD(A%d-1,ROWS(%s))+1)*%s)", u->cp_firm, r1,
                 u->cp_firm, util);
}

/* One class of one site: every year's row as formulas over the Inputs (src/econ/cashflow.c). */
static void write_class_sheet(xw *x, lxw_worksheet *ws, size_t s, int k)
{
    const gs_uw_outputs *o = x->o;
    const site_refs *sr = &x->sr[s];
    const unit_refs *u = &sr->u[k];
    int intr = k == GS_TRAINING, years = o->r->years;
    char title[GS_ID_MAX + 96];
    snprintf(title, sizeof title, "%s: %s (%s), USD per year", o->sites[s].id, CLASS_NAME[k],
             intr ? "interruptible" : "firm");
    int per_request = k == GS_INFERENCE && o->sites[s].req.on;
    const gs_econ_unit *eu = &o->sites[s].cls[k];
    sheet_head(x, ws, title,
               per_request
                   ? "Every cell is a formula over the Inputs sheet; year 0 is construction. "
                     "net = revenue + flex - capex - operating costs. Revenue per request: "
                     "served_rps is the mean over the week's hours of MIN(capacity, demand), "
                     "demand(h) = mean + (peak - mean) x (shape(h) - shape_mean) / (1 - "
                     "shape_mean); revenue = served_rps x 3600 x hours x usd_per_request."
                   : "Every cell is a formula over the Inputs sheet; year 0 is construction. "
                     "net = revenue + flex - capex - operating costs.",
               per_request ? NCOL_REQ : NCOL, COL_HEAD);
    lxw_format *usd = x->fmt[S_CALC][F_USD], *dec = x->fmt[S_CALC][F_DEC2];
    double cum = 0;
    for (int y = 0; y <= years; y++) {
        const gs_econ_row *er = gs_econ_row_at(o->r, s, k, y);
        int row = FIRST_ROW + y, r1 = row + 1;
        char pause[2 * REF_MAX + 128], hours[2 * REF_MAX + 224];
        hours_expr(x, s, intr, r1, pause, sizeof pause, hours, sizeof hours);
        put_num(x, ws, row, C_YEAR, y, x->fmt[S_CALC][F_INT]);
        put_fx(x, ws, row, C_CGPU, usd, er->capex_gpu_usd, "=IF(AND(A%d<%d,MOD(A%d,%s)=0),%s*%s,0)",
               r1, years, r1, u->refresh, u->gpus, u->gpu);
        if (y == 0) {
            for (int c = C_PRICE; c <= C_FLEX; c++)
                if (c != C_CFAC && c != C_CGPU && c != C_CIC)
                    put_num(x, ws, row, c, 0, c == C_PRICE ? dec : usd);
            for (int c = C_PEAK; per_request && c < NCOL_REQ; c++)
                put_num(x, ws, row, c, 0, usd);
            put_fx(x, ws, row, C_CFAC, usd, er->capex_facility_usd, "=%s*%s", u->it, u->fac);
            put_fx(x, ws, row, C_CIC, usd, er->capex_interconnect_usd, "=%s*%s", u->grid,
                   sr->ic);
        } else {
            put_fx(x, ws, row, C_PRICE, dec, er->price_usd_per_mwh,
                   "=INDEX(%s,MOD(A%d-1,ROWS(%s))+1)*(1+energy_escalation)^(A%d-1)%s",
                   sr->prices, r1, sr->prices, r1,
                   intr ? "*(1-interruptible_energy_discount)" : "");
            char util[16];
            if (per_request) {
                gs_econ_demand_year dy = gs_econ_demand_at(&o->sites[s], y);
                put_fx(x, ws, row, C_PEAK, usd, dy.peak_rps,
                       "=INDEX(%s,MIN(A%d,ROWS(%s)))*(1+%s)^MAX(0,A%d-ROWS(%s))", u->peaks, r1,
                       u->peaks, u->growth, r1, u->peaks);
                put_fx(x, ws, row, C_MEAN, usd, dy.mean_rps,
                       "=INDEX(%s,MIN(A%d,ROWS(%s)))*(1+%s)^MAX(0,A%d-ROWS(%s))", u->means, r1,
                       u->means, u->growth, r1, u->means);
                /* min(capacity, d) = (d + capacity - |d - capacity|) / 2, hour by hour */
                char d[4 * REF_MAX + 64];
                snprintf(d, sizeof d, "(W%d+(V%d-W%d)*(%s-%s)/(1-%s))", r1, r1, r1, u->shape,
                         u->shape_mean, u->shape_mean);
                put_fx(x, ws, row, C_SERVED, usd, dy.served_rps,
                       "=IF(1-%s>1E-12,SUMPRODUCT((%s+%s-ABS(%s-%s))/2)/ROWS(%s),MIN(W%d,%s))",
                       u->shape_mean, d, u->cap_rps, d, u->cap_rps, u->shape, r1, u->cap_rps);
                put_fx(x, ws, row, C_UTIL, x->fmt[S_CALC][F_PCT], dy.utilisation, "=X%d/%s", r1,
                       u->cap_rps);
                put_fx(x, ws, row, C_USD_REQ, x->fmt[S_CALC][F_GEN], dy.usd_per_request,
                       "=%s*(1+%s)^(A%d-1)", u->usd_req, u->req_esc, r1);
                snprintf(util, sizeof util, "Y%d", r1);
            }
            const char *ut = per_request ? util : u->util;
            if (strcmp(pause, "0")) /* paused for the peaks: the idle draw */
                put_fx(x, ws, row, C_MWH, usd, er->energy_mwh, "=%s*(%s*%s+%s*%s)", u->grid, ut,
                       hours, u->cp_paused, pause);
            else
                put_fx(x, ws, row, C_MWH, usd, er->energy_mwh, "=%s*%s*%s", u->grid, ut, hours);
            put_fx(x, ws, row, C_GPUH, usd, er->gpu_hours, "=%s*%s*%s", u->gpus, ut, hours);
            put_num(x, ws, row, C_CFAC, 0, usd);
            put_num(x, ws, row, C_CIC, 0, usd);
            if (eu->colocation) /* passed through: the tenant pays it */
                put_fx(x, ws, row, C_ENERGY, usd, er->energy_usd, "=IF(%s=1,0,C%d*B%d)",
                       u->colo_pass, r1, r1);
            else
                put_fx(x, ws, row, C_ENERGY, usd, er->energy_usd, "=C%d*B%d", r1, r1);
            char fac[4 * REF_MAX + 64];
            cap_factor(x, fac, sizeof fac, s, k, intr, r1, ut);
            put_fx(x, ws, row, C_CAP, usd, er->capacity_usd, "=%s*(1+cost_escalation)^(A%d-1)*%s%s",
                   sr->cap, r1, u->grid, fac);
            put_fx(x, ws, row, C_MAINT, usd, er->maintenance_usd,
                   "=maintenance_share*%s*%s*(1+cost_escalation)^(A%d-1)", u->it, u->fac, r1);
            put_fx(x, ws, row, C_STAFF, usd, er->staff_usd,
                   "=staff_usd_per_mw_year*%s*(1+cost_escalation)^(A%d-1)", u->it, r1);
            put_fx(x, ws, row, C_INS, usd, er->insurance_usd, "=insurance_share*(%s*%s+%s*%s)",
                   u->it, u->fac, u->gpus, u->gpu);
            put_fx(x, ws, row, C_TAX, usd, er->tax_usd, "=property_tax_share*%s*%s", u->it,
                   u->fac);
            if (eu->colocation) /* leased kW x rent x 12, escalated, no reset; the hours off
                                   credited back */
                put_fx(x, ws, row, C_REV, usd, er->revenue_usd,
                       "=%s*%s*12*(1+colocation_escalation)^(A%d-1)*%s/hours_per_year",
                       u->colo_kw, u->colo_rate, r1, hours);
            else if (per_request)
                put_fx(x, ws, row, C_REV, usd, er->revenue_usd, "=X%d*3600*%s*Z%d", r1, hours,
                       r1);
            else
                put_fx(x, ws, row, C_REV, usd, er->revenue_usd,
                       "=D%d*%s*(1+revenue_escalation)^MOD(A%d-1,%s)", r1, u->rev, r1,
                       u->refresh);
            if (intr && sr->flex_by_year)
                put_fx(x, ws, row, C_FLEX, usd, er->flex_usd, "=INDEX(%s,MOD(A%d-1,ROWS(%s))+1)*%s",
                       sr->flex, r1, sr->flex, u->grid);
            else if (intr)
                put_fx(x, ws, row, C_FLEX, usd, er->flex_usd, "=%s*%s", sr->flex, u->grid);
            else
                put_num(x, ws, row, C_FLEX, 0, usd);
        }
        derived_cols(x, ws, er, &cum);
    }
}

/* A total: each additive column the sum of the same cell of the sheets named in parts; the
 * price the energy-weighted mean. rows: the total's rows (years + 1). */
static void write_total_sheet(xw *x, lxw_worksheet *ws, const char *title,
                              const char (*parts)[SHEET_MAX + 1], size_t nparts,
                              const gs_econ_row *rows)
{
    sheet_head(x, ws, title,
               "Every cell is the sum of the same cell of the sheets it totals (the price: "
               "energy_usd / energy_mwh).",
               NCOL, COL_HEAD);
    lxw_format *usd = x->fmt[S_CALC][F_USD];
    double cum = 0;
    for (int y = 0; y <= x->o->r->years; y++) {
        const gs_econ_row *er = &rows[y];
        int row = FIRST_ROW + y, r1 = row + 1;
        put_num(x, ws, row, C_YEAR, y, x->fmt[S_CALC][F_INT]);
        put_fx(x, ws, row, C_PRICE, x->fmt[S_CALC][F_DEC2], er->price_usd_per_mwh,
               "=IF(C%d>0,H%d/C%d,0)", r1, r1, r1);
        const double v[] = {er->energy_mwh, er->gpu_hours, er->capex_facility_usd,
                            er->capex_gpu_usd, er->capex_interconnect_usd, er->energy_usd,
                            er->capacity_usd, er->maintenance_usd, er->staff_usd,
                            er->insurance_usd, er->tax_usd, er->revenue_usd, er->flex_usd};
        for (int c = C_MWH; c <= C_FLEX; c++) {
            char *p = x->sum;
            size_t left = sizeof x->sum;
            for (size_t i = 0; i < nparts; i++) {
                int n = snprintf(p, left, "%s'%s'!%c%d", i ? "+" : "=", parts[i], COL[c], r1);
                if (n < 0 || (size_t)n >= left) {
                    x->overflow = 1;
                    return;
                }
                p += n;
                left -= (size_t)n;
            }
            put_fx(x, ws, row, c, usd, v[c - C_MWH], "%s", x->sum);
        }
        derived_cols(x, ws, er, &cum);
    }
}

/* ---- the contract comparison -------------------------------------------------------------- */

/* The formula of one class's contract-dependent cost in year row r1 of a contract sheet, as
 * gs_econ_contract_cost computes it (src/econ/contracts.c): firm, energy + capacity;
 * interruptible, discounted energy over the hours worked (and the idle draw of the hours
 * paused for the coincident peaks) + relieved capacity + the revenue of the hours off (x
 * inference_sla_penalty for inference) - flexibility revenue (training). util: the cell of
 * the year's utilisation. */
static void contract_fx(xw *x, lxw_worksheet *ws, int row, int col, size_t s, int k, int intr,
                        int r1, const char *util)
{
    const gs_econ_site *es = &x->o->sites[s];
    const gs_econ_unit *eu = &es->cls[k];
    const site_refs *sr = &x->sr[s];
    const unit_refs *u = &sr->u[k];
    int per_request = k == GS_INFERENCE && es->req.on;
    char pause[2 * REF_MAX + 128], hours[2 * REF_MAX + 224], fac[4 * REF_MAX + 64];
    char energy[9 * REF_MAX + 544], lost[6 * REF_MAX + 512], flex[4 * REF_MAX + 64];
    hours_expr(x, s, intr, r1, pause, sizeof pause, hours, sizeof hours);
    cap_factor(x, fac, sizeof fac, s, k, intr, r1, util);
    char core[8 * REF_MAX + 512];
    if (strcmp(pause, "0"))
        snprintf(core, sizeof core, "B%d%s*%s*(%s*%s+%s*%s)", r1,
                 intr ? "*(1-interruptible_energy_discount)" : "", u->grid, util, hours,
                 u->cp_paused, pause);
    else
        snprintf(core, sizeof core, "B%d%s*%s*%s*%s", r1,
                 intr ? "*(1-interruptible_energy_discount)" : "", u->grid, util, hours);
    if (eu->colocation) /* passed through: the tenant pays it */
        snprintf(energy, sizeof energy, "IF(%s=1,0,%s)", u->colo_pass, core);
    else
        snprintf(energy, sizeof energy, "%s", core);
    double v = gs_econ_contract_cost(es, x->o->terms, k, r1 - FIRST_ROW, intr);
    if (!intr) {
        put_fx(x, ws, row, col, x->fmt[S_CALC][F_USD], v, "=%s+C%d*%s%s", energy, r1, u->grid,
               fac);
        return;
    }
    char off[2 * REF_MAX + 192];
    snprintf(off, sizeof off, "(curtailed_hours_per_year+%s)", pause);
    if (eu->colocation)
        snprintf(lost, sizeof lost, "%s*%s*12*(1+colocation_escalation)^(A%d-1)*%s/hours_per_year",
                 u->colo_kw, u->colo_rate, r1, off);
    else if (per_request) /* the inference sheet's row of the year is one below this one's */
        snprintf(lost, sizeof lost, "'%s'!X%d*3600*%s*'%s'!Z%d", sr->sheet[GS_INFERENCE],
                 r1 + 1, off, sr->sheet[GS_INFERENCE], r1 + 1);
    else
        snprintf(lost, sizeof lost, "%s*%s*%s*%s*(1+revenue_escalation)^MOD(A%d-1,%s)", u->gpus,
                 util, off, u->rev, r1, u->refresh);
    if (k == GS_TRAINING && sr->flex_by_year)
        snprintf(flex, sizeof flex, "-INDEX(%s,MOD(A%d-1,ROWS(%s))+1)*%s", sr->flex, r1,
                 sr->flex, u->grid);
    else if (k == GS_TRAINING)
        snprintf(flex, sizeof flex, "-%s*%s", sr->flex, u->grid);
    else
        flex[0] = 0;
    put_fx(x, ws, row, col, x->fmt[S_CALC][F_USD], v, "=%s+C%d*%s%s+%s%s%s", energy, r1, u->grid,
           fac, lost, k == GS_INFERENCE ? "*inference_sla_penalty" : "", flex);
}

/* The contract sheet of a site with both classes; returns the 0-based row of its PV line. */
static int write_contract_sheet(xw *x, lxw_worksheet *ws, size_t s)
{
    const gs_uw_outputs *o = x->o;
    const gs_econ_site *es = &o->sites[s];
    const gs_econ_terms *t = o->terms;
    const site_refs *sr = &x->sr[s];
    const unit_refs *ut = &sr->u[GS_TRAINING], *ui = &sr->u[GS_INFERENCE];
    const gs_econ_contracts *ec = &o->r->contracts[s];
    int years = o->r->years;
    const char *heads[NKCOL];
    for (int c = 0; c < K_FIRST_CONTRACT; c++)
        heads[c] = KCOL_HEAD[c];
    for (int c = 0; c < GS_NCONTRACT; c++)
        heads[K_FIRST_CONTRACT + c] = gs_contract_name((gs_contract)c);
    char title[GS_ID_MAX + 96];
    snprintf(title, sizeof title, "%s: the four contracts, contract-dependent cost, USD per year",
             es->id);
    sheet_head(x, ws, title,
               "firm: energy at the price x grid_mw x utilisation x hours + capacity; "
               "interruptible: discounted energy over the hours not curtailed or paused for "
               "the coincident peaks (and the idle draw of the paused ones) + relieved "
               "capacity + the revenue of the hours off (GPU-hours, requests, or a lease's "
               "rent credited; x inference_sla_penalty for inference) - flexibility revenue. "
               "A lease whose tenant pays the energy has no energy term. PV on the last line "
               "(mustrun_training adds its redundancy in year 0).",
               NKCOL, heads);
    lxw_format *usd = x->fmt[S_CALC][F_USD];
    static const int intr[GS_NCONTRACT][GS_NCLASS] = {{0, 0}, {1, 0}, {1, 1}, {0, 0}};
    static const char *const cc[GS_NCONTRACT][GS_NCLASS] = {
        {"D", "F"}, {"E", "F"}, {"E", "G"}, {"D", "F"}};
    for (int y = 1; y <= years; y++) {
        int row = FIRST_ROW + y - 1, r1 = row + 1;
        double price = gs_econ_price(es, t, y);
        double cap = es->capacity_usd_per_mw_year * pow(1.0 + t->cost_escalation, y - 1);
        put_num(x, ws, row, K_YEAR, y, x->fmt[S_CALC][F_INT]);
        put_fx(x, ws, row, K_PRICE, x->fmt[S_CALC][F_DEC2], price,
               "=INDEX(%s,MOD(A%d-1,ROWS(%s))+1)*(1+energy_escalation)^(A%d-1)", sr->prices, r1,
               sr->prices, r1);
        put_fx(x, ws, row, K_CAP, usd, cap, "=%s*(1+cost_escalation)^(A%d-1)", sr->cap, r1);
        char iutil[REF_MAX + 48];
        if (es->req.on) /* the inference sheet's utilisation of the year, one row below */
            snprintf(iutil, sizeof iutil, "'%s'!Y%d", sr->sheet[GS_INFERENCE], r1 + 1);
        else
            snprintf(iutil, sizeof iutil, "%s", ui->util);
        contract_fx(x, ws, row, K_TFIRM, s, GS_TRAINING, 0, r1, ut->util);
        contract_fx(x, ws, row, K_TINT, s, GS_TRAINING, 1, r1, ut->util);
        contract_fx(x, ws, row, K_IFIRM, s, GS_INFERENCE, 0, r1, iutil);
        contract_fx(x, ws, row, K_IINT, s, GS_INFERENCE, 1, r1, iutil);
        for (int c = 0; c < GS_NCONTRACT; c++)
            put_fx(x, ws, row, K_FIRST_CONTRACT + c, usd,
                   gs_econ_contract_cost(es, t, GS_TRAINING, y, intr[c][0]) +
                       gs_econ_contract_cost(es, t, GS_INFERENCE, y, intr[c][1]),
                   "=%s%d+%s%d", cc[c][0], r1, cc[c][1], r1);
    }
    int pv = FIRST_ROW + years + 1, last = FIRST_ROW + years;
    put_str(x, ws, pv, 0, "PV (USD)", x->head);
    for (int c = 0; c < GS_NCONTRACT; c++) {
        char col = COL[K_FIRST_CONTRACT + c];
        if (c == GS_CONTRACT_MUSTRUN_TRAINING)
            put_fx(x, ws, pv, K_FIRST_CONTRACT + c, usd, ec->pv_cost_usd[c],
                   "=NPV(discount_rate,%c%d:%c%d)+mustrun_redundancy_usd_per_mw*%s", col,
                   FIRST_ROW + 1, col, last + 1, ut->grid);
        else
            put_fx(x, ws, pv, K_FIRST_CONTRACT + c, usd, ec->pv_cost_usd[c],
                   "=NPV(discount_rate,%c%d:%c%d)", col, FIRST_ROW + 1, col, last + 1);
    }
    return pv;
}

/* ---- the Summary sheet -------------------------------------------------------------------- */

enum {
    M_SITE, M_CLASS, M_CONTRACT, M_NPV, M_IRR, M_PAYBACK, M_MWH_COST, M_GPUH_COST, M_PV_COST,
    M_PV_REV, M_PV_MWH, M_PV_GPUH, M_GS_NPV, M_GS_IRR, M_GS_IRR_STATUS, M_GS_PAYBACK, M_SHEET,
    NMCOL
};
static const char *const M_HEAD[NMCOL] = {
    "site", "class", "contract", "NPV (USD)", "IRR", "payback (years)", "cost (USD/MWh)",
    "cost (USD/GPU-hour)", "PV cost (USD)", "PV revenue incl. flex (USD)", "PV energy (MWh)",
    "PV GPU-hours", "gridsplit NPV (USD)", "gridsplit IRR", "gridsplit IRR status",
    "gridsplit payback (years)", "cash-flow sheet"};

/* PV of column c of a cash-flow sheet: year 0 undiscounted, years 1..N by NPV(). */
static void pv_expr(char *out, size_t len, const char *sheet, int c, int years)
{
    snprintf(out, len, "'%s'!%c%d+NPV(discount_rate,'%s'!%c%d:%c%d)", sheet, COL[c],
             FIRST_ROW + 1, sheet, COL[c], FIRST_ROW + 2, COL[c], FIRST_ROW + years + 1);
}

static void metrics_row(xw *x, lxw_worksheet *ws, int row, const char *site, const char *cls,
                        const char *contract, const char *sheet, const gs_econ_metrics *m,
                        const gs_econ_row *rows)
{
    int years = x->o->r->years, r1 = row + 1;
    double rate = x->o->terms->discount_rate;
    lxw_format *usd = x->fmt[S_CALC][F_USD], *pct = x->fmt[S_CALC][F_PCT];
    lxw_format *dec2 = x->fmt[S_CALC][F_DEC2], *dec4 = x->fmt[S_CALC][F_DEC4];
    char a[3 * REF_MAX + 64], b[3 * REF_MAX + 64], net[REF_MAX], neg[REF_MAX], cum[REF_MAX];
    double pv_mwh = 0, pv_gpuh = 0, d = 1;
    for (int y = 0; y <= years; y++) {
        pv_mwh += rows[y].energy_mwh / d;
        pv_gpuh += rows[y].gpu_hours / d;
        d *= 1.0 + rate;
    }
    range(net, sheet, C_NET, FIRST_ROW, FIRST_ROW + years);
    range(neg, sheet, C_NEG, FIRST_ROW, FIRST_ROW + years);
    range(cum, sheet, C_CUM, FIRST_ROW, FIRST_ROW + years);
    put_str(x, ws, row, M_SITE, site, NULL);
    put_str(x, ws, row, M_CLASS, cls, NULL);
    put_str(x, ws, row, M_CONTRACT, contract, NULL);
    pv_expr(a, sizeof a, sheet, C_NET, years);
    put_fx(x, ws, row, M_NPV, usd, m->npv_usd, "=%s", a);
    if (m->irr.status == GS_IRR_OK)
        put_fx(x, ws, row, M_IRR, pct, m->irr.irr, "=IFERROR(IRR(%s),\"none\")", net);
    else
        put_fx_str(x, ws, row, M_IRR, pct, "none", "=IFERROR(IRR(%s),\"none\")", net);
    if (m->payback_reached)
        put_fx(x, ws, row, M_PAYBACK, dec2, m->payback_years,
               "=IF(MAX(%s)<0,0,IF(MAX(%s)=%d,\"not reached\",MAX(%s)+IF(INDEX(%s,MAX(%s)+2)>0,"
               "-INDEX(%s,MAX(%s)+1)/INDEX(%s,MAX(%s)+2),1)))",
               neg, neg, years, neg, net, neg, cum, neg, net, neg);
    else
        put_fx_str(x, ws, row, M_PAYBACK, dec2, "not reached",
                   "=IF(MAX(%s)<0,0,IF(MAX(%s)=%d,\"not reached\",MAX(%s)+IF(INDEX(%s,MAX(%s)+2)"
                   ">0,-INDEX(%s,MAX(%s)+1)/INDEX(%s,MAX(%s)+2),1)))",
                   neg, neg, years, neg, net, neg, cum, neg, net, neg);
    put_fx(x, ws, row, M_MWH_COST, dec2, m->cost_usd_per_mwh, "=IF(K%d>0,I%d/K%d,\"n/a\")", r1,
           r1, r1);
    put_fx(x, ws, row, M_GPUH_COST, dec4, m->cost_usd_per_gpu_hour, "=IF(L%d>0,I%d/L%d,\"n/a\")",
           r1, r1, r1);
    pv_expr(a, sizeof a, sheet, C_COST, years);
    put_fx(x, ws, row, M_PV_COST, usd, m->pv_cost_usd, "=%s", a);
    pv_expr(a, sizeof a, sheet, C_REV, years);
    pv_expr(b, sizeof b, sheet, C_FLEX, years);
    put_fx(x, ws, row, M_PV_REV, usd, m->pv_revenue_usd, "=%s+%s", a, b);
    pv_expr(a, sizeof a, sheet, C_MWH, years);
    put_fx(x, ws, row, M_PV_MWH, usd, pv_mwh, "=%s", a);
    pv_expr(a, sizeof a, sheet, C_GPUH, years);
    put_fx(x, ws, row, M_PV_GPUH, usd, pv_gpuh, "=%s", a);
    /* gridsplit's own figures, as values */
    put_num(x, ws, row, M_GS_NPV, m->npv_usd, x->fmt[S_STATIC][F_USD]);
    if (m->irr.status == GS_IRR_OK)
        put_num(x, ws, row, M_GS_IRR, m->irr.irr, x->fmt[S_STATIC][F_PCT]);
    else if (m->irr.status == GS_IRR_MULTIPLE) {
        char roots[96];
        snprintf(roots, sizeof roots, "roots %.4f %% and %.4f %%", 100 * m->irr.roots[0],
                 100 * m->irr.roots[1]);
        put_str(x, ws, row, M_GS_IRR, roots, x->fmt[S_STATIC][F_GEN]);
    } else
        put_str(x, ws, row, M_GS_IRR, "none", x->fmt[S_STATIC][F_GEN]);
    char status[64];
    snprintf(status, sizeof status, "%s (%d sign change%s)", gs__irr_status_name(m->irr.status),
             m->irr.sign_changes, m->irr.sign_changes == 1 ? "" : "s");
    put_str(x, ws, row, M_GS_IRR_STATUS, status, x->fmt[S_STATIC][F_GEN]);
    if (m->payback_reached)
        put_num(x, ws, row, M_GS_PAYBACK, m->payback_years, x->fmt[S_STATIC][F_DEC2]);
    else
        put_str(x, ws, row, M_GS_PAYBACK, "not reached", x->fmt[S_STATIC][F_GEN]);
    put_str(x, ws, row, M_SHEET, sheet, NULL);
}

static void write_summary(xw *x, lxw_worksheet *ws, const int *pv_row)
{
    const gs_uw_outputs *o = x->o;
    const gs_econ_result *r = o->r;
    char line[GS_PATH_MAX * 2 + 64];
    int row = 0;
    snprintf(line, sizeof line, "gridsplit underwrite %s", o->deal_path ? o->deal_path : "");
    put_str(x, ws, row++, 0, line, x->title);
    snprintf(line, sizeof line, "fleet %s; %zu site%s over %d years",
             o->fleet_path ? o->fleet_path : "", r->nsites, r->nsites == 1 ? "" : "s", r->years);
    put_str(x, ws, row++, 0, line, NULL);
    put_str(x, ws, row, 0, "discount rate", NULL);
    put_fx(x, ws, row++, 3, x->fmt[S_CALC][F_PCT], o->terms->discount_rate, "=discount_rate");
    put_str(x, ws, row++, 0,
            "Live: the figures are formulas over the cash-flow sheets, themselves formulas over "
            "the Inputs sheet; change an input and they move. NPV: year 0 undiscounted + "
            "NPV(discount_rate, years 1..N). Grey columns: gridsplit's own figures at the "
            "deal's inputs (values). IRR is the spreadsheet's root finder: trust gridsplit's "
            "IRR status where it is not ok.",
            x->note);
    row++;
    for (int c = 0; c < NMCOL; c++)
        put_str(x, ws, row, c, M_HEAD[c], x->head);
    check(x, worksheet_set_row(ws, (lxw_row_t)row, 45, NULL), "Summary", row, 0);
    int head_row = row++;
    for (size_t s = 0; s < r->nsites; s++) {
        const gs_econ_site *es = &o->sites[s];
        for (int k = 0; k < NK; k++) {
            if (k < GS_NCLASS && !es->cls[k].present)
                continue;
            const char *contract = k == GS_TRAINING ? "interruptible"
                                   : k == GS_INFERENCE ? "firm"
                                                       : "";
            metrics_row(x, ws, row++, es->id, CLASS_NAME[k], contract, x->sr[s].sheet[k],
                        &r->metrics[s * NK + (size_t)k], gs_econ_row_at(r, s, k, 0));
        }
    }
    metrics_row(x, ws, row++, "all", "total", "", x->deal_sheet, &r->total_metrics, r->total);

    int any = 0;
    for (size_t s = 0; s < r->nsites; s++)
        any |= r->contracts[s].present;
    if (any) {
        row++;
        put_str(x, ws, row++, 0,
                "Contracts of the sites with both classes: PV of what differs between them "
                "(the cash flows above use split)",
                x->section);
        static const char *const ch[] = {"site", "contract", "", "PV cost (USD)",
                                         "saving vs firm_all (USD)", "gridsplit PV cost (USD)",
                                         "gridsplit saving vs firm_all (USD)", "sheet"};
        for (int c = 0; c < 8; c++)
            put_str(x, ws, row, c, ch[c], x->head);
        row++;
        lxw_format *usd = x->fmt[S_CALC][F_USD], *gusd = x->fmt[S_STATIC][F_USD];
        for (size_t s = 0; s < r->nsites; s++) {
            const gs_econ_contracts *ec = &r->contracts[s];
            if (!ec->present)
                continue;
            int first = row;
            for (int c = 0; c < GS_NCONTRACT; c++, row++) {
                put_str(x, ws, row, 0, o->sites[s].id, NULL);
                put_str(x, ws, row, 1, gs_contract_name((gs_contract)c), NULL);
                put_fx(x, ws, row, 3, usd, ec->pv_cost_usd[c], "='%s'!%c%d",
                       x->sr[s].contracts, COL[K_FIRST_CONTRACT + c], pv_row[s] + 1);
                put_fx(x, ws, row, 4, usd, ec->saving_vs_firm_usd[c], "=D%d-D%d", first + 1,
                       row + 1);
                put_num(x, ws, row, 5, ec->pv_cost_usd[c], gusd);
                put_num(x, ws, row, 6, ec->saving_vs_firm_usd[c], gusd);
                put_str(x, ws, row, 7, x->sr[s].contracts, NULL);
            }
        }
    }
    check(x, worksheet_set_column(ws, 0, 0, 16, NULL), "Summary", 0, 0);
    check(x, worksheet_set_column(ws, 1, 2, 13, NULL), "Summary", 0, 1);
    check(x, worksheet_set_column(ws, 3, NMCOL - 2, 17, NULL), "Summary", 0, 3);
    check(x, worksheet_set_column(ws, NMCOL - 1, NMCOL - 1, 24, NULL), "Summary", 0, NMCOL - 1);
    worksheet_freeze_panes(ws, (lxw_row_t)(head_row + 1), 2);
}

/* ---- the workbook ------------------------------------------------------------------------- */

static lxw_worksheet *add_sheet(xw *x, const char *name)
{
    if (x->lerr != LXW_NO_ERROR)
        return NULL;
    lxw_error e = workbook_validate_sheet_name(x->wb, name);
    lxw_worksheet *ws = e == LXW_NO_ERROR ? workbook_add_worksheet(x->wb, name) : NULL;
    if (!ws) {
        x->lerr = e != LXW_NO_ERROR ? e : LXW_ERROR_MEMORY_MALLOC_FAILED;
        snprintf(x->what, sizeof x->what, "sheet '%s'", name);
    }
    return ws;
}

static int build(xw *x)
{
    const gs_uw_outputs *o = x->o;
    const gs_econ_result *r = o->r;
    char(*base)[SHEET_MAX + 1] = calloc(r->nsites ? r->nsites : 1, sizeof *base);
    char(*totals)[SHEET_MAX + 1] = calloc(r->nsites ? r->nsites : 1, sizeof *totals);
    int *pv_row = calloc(r->nsites ? r->nsites : 1, sizeof *pv_row);
    if (!base || !totals || !pv_row) {
        free(base);
        free(totals);
        free(pv_row);
        return GS_ENOMEM;
    }
    site_bases(o->sites, r->nsites, base);
    snprintf(x->deal_sheet, sizeof x->deal_sheet, "Deal total");
    for (size_t s = 0; s < r->nsites; s++) {
        for (int k = 0; k < NK; k++)
            snprintf(x->sr[s].sheet[k], sizeof x->sr[s].sheet[k], "%s %s", base[s],
                     CLASS_NAME[k]);
        if (r->contracts[s].present)
            snprintf(x->sr[s].contracts, sizeof x->sr[s].contracts, "%s contracts", base[s]);
        snprintf(totals[s], sizeof totals[s], "%s", x->sr[s].sheet[GS_NCLASS]);
    }
    int rc = 0;
    if (make_formats(x)) {
        rc = GS_ENOMEM;
        goto out;
    }
    lxw_worksheet *summary = add_sheet(x, "Summary");
    lxw_worksheet *inputs = add_sheet(x, INPUTS);
    if (!summary || !inputs)
        goto out;
    write_inputs(x, inputs);
    for (size_t s = 0; s < r->nsites && x->lerr == LXW_NO_ERROR && !x->overflow; s++) {
        const gs_econ_site *es = &o->sites[s];
        char parts[GS_NCLASS][SHEET_MAX + 1];
        size_t nparts = 0;
        for (int k = 0; k < GS_NCLASS; k++) {
            if (!es->cls[k].present)
                continue;
            lxw_worksheet *ws = add_sheet(x, x->sr[s].sheet[k]);
            if (!ws)
                goto out;
            write_class_sheet(x, ws, s, k);
            snprintf(parts[nparts++], SHEET_MAX + 1, "%s", x->sr[s].sheet[k]);
        }
        lxw_worksheet *ws = add_sheet(x, x->sr[s].sheet[GS_NCLASS]);
        if (!ws)
            goto out;
        char title[GS_ID_MAX + 64];
        snprintf(title, sizeof title, "%s: the site's total, USD per year", es->id);
        write_total_sheet(x, ws, title, (const char(*)[SHEET_MAX + 1])parts, nparts,
                          gs_econ_row_at(r, s, GS_NCLASS, 0));
        if (r->contracts[s].present) {
            lxw_worksheet *wc = add_sheet(x, x->sr[s].contracts);
            if (!wc)
                goto out;
            pv_row[s] = write_contract_sheet(x, wc, s);
        }
    }
    if (x->lerr == LXW_NO_ERROR && !x->overflow) {
        lxw_worksheet *ws = add_sheet(x, x->deal_sheet);
        if (!ws)
            goto out;
        write_total_sheet(x, ws, "The deal's total (every site), USD per year",
                          (const char(*)[SHEET_MAX + 1])totals, r->nsites, r->total);
        write_summary(x, summary, pv_row);
    }
out:
    free(base);
    free(totals);
    free(pv_row);
    return rc;
}

int gs_uw_write_xlsx(const gs_uw_outputs *o, const char *path, gs_error *err)
{
    if (!o || !o->r || !o->sites || !o->terms || !path)
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                            "expected an underwriting result to write, found none");
    /* the temporary is created (and registered for removal on a signal) by outfile; the
     * workbook then writes the same path, and outfile's commit renames it into place */
    gs__outfile of;
    int rc = gs__outfile_open(&of, path, err);
    if (rc)
        return rc;
    xw *x = calloc(1, sizeof *x);
    if (x)
        x->sr = calloc(o->r->nsites ? o->r->nsites : 1, sizeof *x->sr);
    if (!x || !x->sr) {
        if (x)
            free(x->sr);
        free(x);
        gs__outfile_abort(&of);
        return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
    }
    x->o = o;
    x->wb = workbook_new(of.tmp);
    if (!x->wb) {
        free(x->sr);
        free(x);
        gs__outfile_abort(&of);
        return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL,
                            "libxlsxwriter could not create a workbook");
    }
    lxw_doc_properties props = {.title = "gridsplit underwrite",
                                .comments = "written by gridsplit underwrite (docs/underwrite.md)",
                                .created = FIXED_CREATED};
    check(x, workbook_set_properties(x->wb, &props), NULL, 0, 0);
    rc = build(x);
    /* the workbook is closed (and its memory freed) in every case */
    lxw_error close_rc = workbook_close(x->wb);
    if (rc == GS_ENOMEM) {
        rc = gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
    } else if (x->overflow) {
        rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                          "expected formulas of at most %d characters, found a longer one (a "
                          "deal with too many sites for one spreadsheet formula)",
                          FORMULA_MAX - 1);
    } else if (x->lerr != LXW_NO_ERROR) {
        rc = gs_error_set(err, GS_EIO, path, 0, 0, NULL, "libxlsxwriter failed at %s: %s",
                          x->what, lxw_strerror(x->lerr));
    } else if (close_rc != LXW_NO_ERROR) {
        rc = gs_error_set(err, GS_EIO, path, 0, 0, NULL, "cannot write the workbook: %s",
                          lxw_strerror(close_rc));
    }
    free(x->sr);
    free(x);
    if (rc) {
        gs__outfile_abort(&of);
        return rc;
    }
    return gs__outfile_commit(&of, err);
}
