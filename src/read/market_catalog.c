/* market_catalog.c: the market and grid-event catalogues (include/gridsplit/read/market.h): reads
 * data/catalog/markets.yaml and grid_events.yaml (embedded at build time) and optionally a user
 * file in the same format, through libyaml's document API, into gs_product and gs_grid_event.
 * Validation: known keys (with a "did you mean"), types, units, durations ("10min", "4h"),
 * enumerations, required fields, and that every figure present names its source. Every error
 * names the file, line, column, field path, what was expected and what was found. */
#include "gridsplit/read/market.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "gridsplit/duration.h"
#include "gridsplit/time.h"
#include "embed/assets.h"
#include "market/catalog.h"
#include "model/text.h"
#include "read/yaml_util.h"

/* The parser's context is the shared one of read/yaml_util.h, in the catalogue's wording
 * (catalog_style). */
typedef gs__yaml pctx;
#define PATH_LEN GS__YAML_PATH_LEN

/* ---- names ---- */

/* ---- YAML helpers ---- */

static void index_path(char *out, const char *base, size_t i)
{
    int k = snprintf(out, PATH_LEN, "%s[%zu]", base, i);
    if (k < 0 || k >= PATH_LEN)
        out[PATH_LEN - 1] = '\0';
}

static void subpath(char *out, const char *base, const char *key)
{
    int k = snprintf(out, PATH_LEN, "%s.%s", base, key);
    if (k < 0 || k >= PATH_LEN)
        out[PATH_LEN - 1] = '\0';
}

static int need(pctx *c, const yaml_node_t *map, const char *key, const char *base, yaml_node_t **out)
{
    char path[PATH_LEN];
    *out = gs__yaml_get(c, map, key);
    if (!*out) {
        subpath(path, base, key);
        return gs__yaml_fail(c, map, path, "missing required field '%s'", key);
    }
    return 0;
}

static int read_str(pctx *c, const yaml_node_t *n, const char *path, char *buf, size_t len)
{
    char found[96];
    const char *v = gs__yaml_scalar(n);
    if (!v || !v[0]) {
        gs__yaml_describe(n, found, sizeof found);
        return gs__yaml_fail(c, n, path, "expected text, found %s", found);
    }
    if (strlen(v) >= len)
        return gs__yaml_fail(c, n, path, "expected text of at most %zu characters, found %zu", len - 1, strlen(v));
    memcpy(buf, v, strlen(v) + 1);
    return 0;
}

static int read_num(pctx *c, const yaml_node_t *n, const char *path, double *out)
{
    char found[96];
    const char *v = gs__yaml_scalar(n);
    char *end = NULL;
    errno = 0;
    double x = v ? strtod(v, &end) : NAN;
    if (!v || end == v || *end || errno || !isfinite(x)) {
        gs__yaml_describe(n, found, sizeof found);
        return gs__yaml_fail(c, n, path, "expected a number, found %s", found);
    }
    *out = x;
    return 0;
}

/* A duration: a number and a unit (s, min, h, d), e.g. "30s", "12.5min", "4h". */
/* A duration in the one grammar (gridsplit/duration.h), with its unit: the catalogue never
 * leaves a figure's unit implicit, so a bare number is refused. */
static int read_dur(pctx *c, const yaml_node_t *n, const char *path, double *out_s)
{
    char found[96];
    const char *v = gs__yaml_scalar(n);
    gs_error e = {0};
    double x;
    int has_unit = v && strpbrk(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != NULL;
    if (!v || !has_unit || gs_duration_parse(v, &x, &e) != GS_OK) {
        gs__yaml_describe(n, found, sizeof found);
        return gs__yaml_fail(c, n, path,
                             "expected a duration with its unit, e.g. '30s', '10min', '12.5min', "
                             "'4h' or 'PT15M' (docs/durations.md); found %s",
                             found);
    }
    *out_s = x;
    return 0;
}

static int read_enum(pctx *c, const yaml_node_t *n, const char *path, const char *const *list,
                     const char *what, int *out)
{
    char found[96], all[256];
    const char *v = gs__yaml_scalar(n);
    if (v)
        for (int i = 0; list[i]; i++)
            if (!strcmp(list[i], v)) {
                *out = i;
                return 0;
            }
    gs__yaml_describe(n, found, sizeof found);
    gs__join_words(list, all, sizeof all);
    const char *best = v ? gs__nearest_word(list, v) : NULL;
    if (best)
        return gs__yaml_fail(c, n, path, "expected %s (one of: %s), found %s (did you mean '%s'?)", what, all, found, best);
    return gs__yaml_fail(c, n, path, "expected %s (one of: %s), found %s", what, all, found);
}

static int read_zones(pctx *c, const yaml_node_t *n, const char *path,
                      char zones[][GS_ID_MAX], size_t *nz)
{
    char found[96], p[PATH_LEN];
    if (!n || n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.top == n->data.sequence.items.start) {
        gs__yaml_describe(n, found, sizeof found);
        return gs__yaml_fail(c, n, path, "expected a non-empty list of zone ids, e.g. [ERCOT], found %s", found);
    }
    size_t k = 0;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++, k++) {
        index_path(p, path, k);
        if (k >= GS_MARKET_ZONES_MAX)
            return gs__yaml_fail(c, gs__yaml_node(c, *it), p, "expected at most %d zones", GS_MARKET_ZONES_MAX);
        int rc = read_str(c, gs__yaml_node(c, *it), p, zones[k], GS_ID_MAX);
        if (rc)
            return rc;
    }
    *nz = k;
    return 0;
}

static int read_time(pctx *c, const yaml_node_t *n, const char *path, int64_t *t)
{
    char found[96];
    const char *v = gs__yaml_scalar(n);
    int has_offset = 0;
    gs_error e = {0};
    if (!v || gs_parse_time_frac(v, t, NULL, &has_offset, &e) || !has_offset) {
        gs__yaml_describe(n, found, sizeof found);
        return gs__yaml_fail(c, n, path, "expected a UTC time with its offset, e.g. 2023-09-07T00:25:00Z, found %s", found);
    }
    return 0;
}

/* ---- published figures: period and segment ---- */

static const char *const day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};

/* "mon-fri", "sat-sun", "mon" into a weekday mask (bit 0 = Monday). */
static int parse_days(const char *v, unsigned *mask)
{
    char x[4] = {0}, y[4] = {0};
    int n = 0;
    int i0 = -1, i1 = -1;
    if (sscanf(v, "%3[a-z]-%3[a-z]%n", x, y, &n) == 2 && !v[n]) {
    } else if (n = 0, sscanf(v, "%3[a-z]%n", x, &n) == 1 && !v[n]) {
        memcpy(y, x, sizeof y);
    } else {
        return -1;
    }
    for (int i = 0; day_names[i]; i++) {
        if (!strcmp(day_names[i], x))
            i0 = i;
        if (!strcmp(day_names[i], y))
            i1 = i;
    }
    if (i0 < 0 || i1 < 0 || i1 < i0)
        return -1;
    *mask = 0;
    for (int i = i0; i <= i1; i++)
        *mask |= 1u << i;
    return 0;
}

/* "05:00-24:00" into minutes of the day [from, to). */
static int parse_hours(const char *v, int *from, int *to)
{
    int h0, m0, h1, m1, n = 0;
    if (sscanf(v, "%2d:%2d-%2d:%2d%n", &h0, &m0, &h1, &m1, &n) != 4 || v[n] || m0 < 0 || m0 > 59 || m1 < 0 ||
        m1 > 59 || h0 < 0 || h1 < 0)
        return -1;
    *from = h0 * 60 + m0;
    *to = h1 * 60 + m1;
    return *from < *to && *to <= 1440 ? 0 : -1;
}

/* "+01:00", "-05:00" or "Z" into seconds east of UTC. */
static int parse_offset(const char *v, int *off_s)
{
    int h, m, n = 0;
    char sign;
    if (!strcmp(v, "Z")) {
        *off_s = 0;
        return 0;
    }
    if (sscanf(v, "%c%2d:%2d%n", &sign, &h, &m, &n) != 3 || v[n] || (sign != '+' && sign != '-') || h > 14 ||
        m > 59 || h < 0 || m < 0)
        return -1;
    *off_s = (sign == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return 0;
}

/* The period and optional segment of published figure pp (node pr at path ib). */
static int read_figure_time(pctx *c, const yaml_node_t *pr, const char *ib, gs_published_price *pp)
{
    char path[PATH_LEN];
    const char *why = "";
    yaml_node_t *v;
    int r = gs_period_span(pp->period, &pp->from_s, &pp->to_s, &why);
    if (r < 0) {
        subpath(path, ib, "period");
        return gs__yaml_fail(c, gs__yaml_get(c, pr, "period"), path,
                             "expected a period \"YYYY\", \"YYYY/YYYY\", \"YYYY-MM..YYYY-MM\" or "
                             "\"YYYY-MM-DD..YYYY-MM-DD\" with %s, found '%s'", why, pp->period);
    }
    pp->days = GS_DAYS_ALL;
    pp->minute_from = 0;
    pp->minute_to = 1440;
    yaml_node_t *dn = gs__yaml_get(c, pr, "days"), *hn = gs__yaml_get(c, pr, "hours"), *on = gs__yaml_get(c, pr, "utc_offset");
    if ((dn || hn) && !on) {
        subpath(path, ib, "utc_offset");
        return gs__yaml_fail(c, dn ? dn : hn, path,
                             "a segment (days / hours) is in local time: expected utc_offset, e.g. '+01:00', found nothing");
    }
    if ((v = dn) && (subpath(path, ib, "days"), !gs__yaml_scalar(v) || parse_days(gs__yaml_scalar(v), &pp->days)))
        return gs__yaml_fail(c, v, path, "expected days of the week such as 'mon-fri', 'sat-sun' or 'mon', found '%s'",
                             gs__yaml_scalar(v) ? gs__yaml_scalar(v) : "a non-scalar");
    if ((v = hn) && (subpath(path, ib, "hours"), !gs__yaml_scalar(v) ||
                     parse_hours(gs__yaml_scalar(v), &pp->minute_from, &pp->minute_to)))
        return gs__yaml_fail(c, v, path, "expected local hours 'HH:MM-HH:MM' with the start before the end and the end at most 24:00, found '%s'",
                             gs__yaml_scalar(v) ? gs__yaml_scalar(v) : "a non-scalar");
    if ((v = on) && (subpath(path, ib, "utc_offset"), !gs__yaml_scalar(v) ||
                     parse_offset(gs__yaml_scalar(v), &pp->utc_offset_s)))
        return gs__yaml_fail(c, v, path, "expected a UTC offset '+HH:MM', '-HH:MM' or 'Z', found '%s'",
                             gs__yaml_scalar(v) ? gs__yaml_scalar(v) : "a non-scalar");
    return 0;
}

/* ---- products ---- */

static const char *const product_keys[] = {
    "id", "name", "market", "zones", "kind", "direction", "notice", "full_response", "min_duration",
    "max_duration", "max_calls_per_day", "max_calls_per_year", "availability_unit", "energy_unit",
    "payment", "penalty", "penalty_factor", "telemetry", "baseline", "eligible", "priority",
    "series", "prices", "notes", "sources", "opens", NULL};
static const char *const source_keys[] = {"rules", "timing", "duration", "frequency", "payment",
                                          "penalty", "eligibility", "telemetry", NULL};
static const char *const series_keys[] = {"format", "path", "column", "unit", "span", "source", NULL};
static const char *const price_keys[] = {"period", "zone", "value", "unit", "label", "source", "days",
                                         "hours", "utc_offset", NULL};
static const char *const fx_keys[] = {"currency", "base", "year", "rate", "source", NULL};

static const char *const elig_keys[] = {"training", "inference", NULL};

/* Read an optional duration field into *out (NaN when absent); *present set. */
static int opt_dur(pctx *c, const yaml_node_t *map, const char *key, const char *base, double *out, int *present)
{
    char path[PATH_LEN];
    yaml_node_t *v = gs__yaml_get(c, map, key);
    *out = NAN;
    if (!v)
        return 0;
    *present = 1;
    subpath(path, base, key);
    return read_dur(c, v, path, out);
}

static int opt_text(pctx *c, const yaml_node_t *map, const char *key, const char *base, char *buf,
                    size_t len, int *present)
{
    char path[PATH_LEN];
    yaml_node_t *v = gs__yaml_get(c, map, key);
    buf[0] = '\0';
    if (!v)
        return 0;
    if (present)
        *present = 1;
    subpath(path, base, key);
    return read_str(c, v, path, buf, len);
}

static int read_unit(pctx *c, const yaml_node_t *n, const char *path, int want_avail, int want_energy,
                     gs_price_unit *out)
{
    int u = 0;
    int rc = read_enum(c, n, path, gs__market_unit_names, "a price unit", &u);
    if (rc)
        return rc;
    gs_price_unit pu = (gs_price_unit)u;
    if (want_avail && !want_energy && !gs_price_unit_is_availability(pu))
        return gs__yaml_fail(c, n, path,
                             "expected an availability unit (per MW-h, per MW-day or per kW-month: "
                             "USD/MW-h, EUR/MW-h, CAD/MW-h, NOK/MW-h, USD/MW-day, EUR/MW-day, USD/kW-month, "
                             "CAD/kW-month), found '%s'", gs__yaml_scalar(n));
    if (want_energy && !want_avail && !gs_price_unit_is_energy(pu))
        return gs__yaml_fail(c, n, path, "expected an energy unit (USD/MWh, EUR/MWh, CAD/MWh or NOK/MWh), found '%s'",
                             gs__yaml_scalar(n));
    if (want_avail && want_energy && pu == GS_UNIT_NONE)
        return gs__yaml_fail(c, n, path, "expected a price unit other than 'none'");
    *out = pu;
    return 0;
}

/* A figure group present without its source. */
static int need_source(pctx *c, const yaml_node_t *pm, const yaml_node_t *srcmap, const char *base,
                       const char *group, const char *what)
{
    char path[PATH_LEN];
    char sb[PATH_LEN];
    subpath(sb, base, "sources");
    subpath(path, sb, group);
    if (!srcmap || !gs__yaml_get(c, srcmap, group))
        return gs__yaml_fail(c, srcmap ? srcmap : pm, path,
                    "%s given without a source: expected sources.%s naming the document, page and date", what, group);
    return 0;
}

static int parse_product(pctx *c, const yaml_node_t *pm, const char *base, gs_product *p)
{
    char path[PATH_LEN];
    yaml_node_t *v;
    int rc;
    memset(p, 0, sizeof *p);
    p->notice_s = p->full_response_s = p->min_duration_s = p->max_duration_s = NAN;
    p->max_calls_per_day = p->max_calls_per_year = p->penalty_factor = NAN;
    p->priority = 100;
    p->line = (int)pm->start_mark.line + 1;
    snprintf(p->file, sizeof p->file, "%s", c->file);
    if ((rc = gs__yaml_check_map(c, pm, base, "a product (a mapping)", product_keys)))
        return rc;

    if ((rc = need(c, pm, "id", base, &v)) || (subpath(path, base, "id"), rc = read_str(c, v, path, p->id, sizeof p->id)))
        return rc;
    if ((rc = need(c, pm, "name", base, &v)) || (subpath(path, base, "name"), rc = read_str(c, v, path, p->name, sizeof p->name)))
        return rc;
    if ((rc = need(c, pm, "market", base, &v)) || (subpath(path, base, "market"), rc = read_str(c, v, path, p->market, sizeof p->market)))
        return rc;
    if ((rc = need(c, pm, "zones", base, &v)) || (subpath(path, base, "zones"), rc = read_zones(c, v, path, p->zones, &p->nzones)))
        return rc;
    int e = 0;
    if ((rc = need(c, pm, "kind", base, &v)) || (subpath(path, base, "kind"), rc = read_enum(c, v, path, gs__market_kind_names, "a product kind", &e)))
        return rc;
    p->kind = (gs_product_kind)e;
    if ((rc = need(c, pm, "direction", base, &v)) || (subpath(path, base, "direction"), rc = read_enum(c, v, path, gs__market_dir_names, "a direction", &e)))
        return rc;
    p->direction = (gs_direction)e;

    /* sources first, so that each group can be checked against them */
    yaml_node_t *src = NULL;
    if ((rc = need(c, pm, "sources", base, &src)))
        return rc;
    char sbase[PATH_LEN];
    subpath(sbase, base, "sources");
    if ((rc = gs__yaml_check_map(c, src, sbase, "a mapping of sources by group", source_keys)))
        return rc;
    if (!gs__yaml_get(c, src, "rules"))
        return gs__yaml_fail(c, src, sbase, "missing required field 'rules': every product names the source of its rules");
    char *const dst[] = {p->src_rules, p->src_timing, p->src_duration, p->src_frequency,
                         p->src_payment, p->src_penalty, p->src_eligibility, p->src_telemetry};
    for (size_t i = 0; source_keys[i]; i++)
        if ((rc = opt_text(c, src, source_keys[i], sbase, dst[i], GS_MARKET_TEXT, NULL)))
            return rc;

    int timing = 0, duration = 0, freq = 0, pay = 0, pen = 0, tele = 0;
    if ((rc = opt_dur(c, pm, "notice", base, &p->notice_s, &timing)) ||
        (rc = opt_dur(c, pm, "full_response", base, &p->full_response_s, &timing)) ||
        (rc = opt_dur(c, pm, "min_duration", base, &p->min_duration_s, &duration)) ||
        (rc = opt_dur(c, pm, "max_duration", base, &p->max_duration_s, &duration)))
        return rc;
    if (!isnan(p->full_response_s) && p->full_response_s <= 0)
        return gs__yaml_fail(c, gs__yaml_get(c, pm, "full_response"), base, "full_response must be > 0");
    if (!isnan(p->max_duration_s) && p->max_duration_s <= 0)
        return gs__yaml_fail(c, gs__yaml_get(c, pm, "max_duration"), base, "max_duration must be > 0");
    if (!isnan(p->min_duration_s) && !isnan(p->max_duration_s) && p->min_duration_s > p->max_duration_s) {
        subpath(path, base, "min_duration");
        return gs__yaml_fail(c, gs__yaml_get(c, pm, "min_duration"), path,
                    "min_duration (%g s) is longer than max_duration (%g s)", p->min_duration_s, p->max_duration_s);
    }
    const char *calls[] = {"max_calls_per_day", "max_calls_per_year"};
    double *callv[] = {&p->max_calls_per_day, &p->max_calls_per_year};
    for (int i = 0; i < 2; i++)
        if ((v = gs__yaml_get(c, pm, calls[i]))) {
            freq = 1;
            subpath(path, base, calls[i]);
            if ((rc = read_num(c, v, path, callv[i])))
                return rc;
            if (*callv[i] <= 0)
                return gs__yaml_fail(c, v, path, "expected a number of calls > 0, found '%s'", gs__yaml_scalar(v));
        }
    if ((v = gs__yaml_get(c, pm, "availability_unit"))) {
        pay = 1;
        subpath(path, base, "availability_unit");
        if ((rc = read_unit(c, v, path, 1, 0, &p->availability_unit)))
            return rc;
    }
    if ((v = gs__yaml_get(c, pm, "energy_unit"))) {
        pay = 1;
        subpath(path, base, "energy_unit");
        if ((rc = read_unit(c, v, path, 0, 1, &p->energy_unit)))
            return rc;
    }
    if ((rc = opt_text(c, pm, "payment", base, p->payment, sizeof p->payment, &pay)) ||
        (rc = opt_text(c, pm, "penalty", base, p->penalty, sizeof p->penalty, &pen)) ||
        (rc = opt_text(c, pm, "telemetry", base, p->telemetry, sizeof p->telemetry, &tele)) ||
        (rc = opt_text(c, pm, "baseline", base, p->baseline, sizeof p->baseline, &tele)) ||
        (rc = opt_text(c, pm, "notes", base, p->notes, sizeof p->notes, NULL)))
        return rc;
    if ((v = gs__yaml_get(c, pm, "opens"))) {
        subpath(path, base, "opens");
        if ((rc = read_time(c, v, path, &p->opens_s)))
            return rc;
    }
    if ((v = gs__yaml_get(c, pm, "penalty_factor"))) {
        pen = 1;
        subpath(path, base, "penalty_factor");
        if ((rc = read_num(c, v, path, &p->penalty_factor)))
            return rc;
        if (p->penalty_factor < 0)
            return gs__yaml_fail(c, v, path, "expected a penalty factor >= 0, found '%s'", gs__yaml_scalar(v));
    }
    if ((v = gs__yaml_get(c, pm, "priority"))) {
        double x;
        subpath(path, base, "priority");
        if ((rc = read_num(c, v, path, &x)))
            return rc;
        if (x != floor(x) || fabs(x) > 1e6)
            return gs__yaml_fail(c, v, path, "expected a whole number, found '%s'", gs__yaml_scalar(v));
        p->priority = (int)x;
    }
    if ((timing && (rc = need_source(c, pm, src, base, "timing", "notice / full_response"))) ||
        (duration && (rc = need_source(c, pm, src, base, "duration", "min_duration / max_duration"))) ||
        (freq && (rc = need_source(c, pm, src, base, "frequency", "max_calls_per_day / max_calls_per_year"))) ||
        (pay && (rc = need_source(c, pm, src, base, "payment", "payment terms"))) ||
        (pen && (rc = need_source(c, pm, src, base, "penalty", "penalty"))) ||
        (tele && (rc = need_source(c, pm, src, base, "telemetry", "telemetry / baseline"))))
        return rc;

    /* eligibility */
    yaml_node_t *el;
    char ebase[PATH_LEN];
    if ((rc = need(c, pm, "eligible", base, &el)))
        return rc;
    subpath(ebase, base, "eligible");
    if ((rc = gs__yaml_check_map(c, el, ebase, "a mapping {training: yes|no, inference: no|shift}", elig_keys)))
        return rc;
    for (int k = 0; k < GS_NCLASS; k++) {
        if ((rc = need(c, el, elig_keys[k], ebase, &v)))
            return rc;
        subpath(path, ebase, elig_keys[k]);
        if ((rc = read_enum(c, v, path, gs__market_elig_names, "an eligibility", &e)))
            return rc;
        p->eligible[k] = (gs_eligibility)e;
    }
    if (p->eligible[GS_INFERENCE] == GS_ELIG_YES) {
        subpath(path, ebase, "inference");
        return gs__yaml_fail(c, gs__yaml_get(c, el, "inference"), path,
                    "expected 'no' or 'shift' (inference cannot pause or curtail its own draw: pausing is an outage), found 'yes'");
    }
    if (p->eligible[GS_INFERENCE] == GS_ELIG_SHIFT &&
        (p->kind == GS_PK_RESERVE || p->kind == GS_PK_REGULATION || p->kind == GS_PK_EMERGENCY)) {
        subpath(path, ebase, "inference");
        return gs__yaml_fail(c, gs__yaml_get(c, el, "inference"), path,
                    "expected 'no' for a %s product (inference is not eligible for reserves, regulation or emergency programmes), found 'shift'",
                    gs_product_kind_name(p->kind));
    }
    if ((rc = need_source(c, pm, src, base, "eligibility", "eligible")))
        return rc;

    /* price series */
    if ((v = gs__yaml_get(c, pm, "series"))) {
        char sb[PATH_LEN];
        yaml_node_t *f;
        subpath(sb, base, "series");
        if ((rc = gs__yaml_check_map(c, v, sb, "a price series {format, path, column, unit, span, source}", series_keys)))
            return rc;
        p->has_series = 1;
        if ((rc = need(c, v, "format", sb, &f)) || (subpath(path, sb, "format"), rc = read_str(c, f, path, p->series.format, sizeof p->series.format)) ||
            (rc = need(c, v, "path", sb, &f)) || (subpath(path, sb, "path"), rc = read_str(c, f, path, p->series.path, sizeof p->series.path)) ||
            (rc = need(c, v, "unit", sb, &f)) || (subpath(path, sb, "unit"), rc = read_unit(c, f, path, 1, 1, &p->series.unit)) ||
            (rc = need(c, v, "source", sb, &f)) || (subpath(path, sb, "source"), rc = read_str(c, f, path, p->series.source, sizeof p->series.source)) ||
            (rc = opt_text(c, v, "column", sb, p->series.column, sizeof p->series.column, NULL)) ||
            (rc = opt_text(c, v, "span", sb, p->series.span, sizeof p->series.span, NULL)))
            return rc;
    }
    /* published prices */
    if ((v = gs__yaml_get(c, pm, "prices"))) {
        char pb[PATH_LEN], found[96];
        subpath(pb, base, "prices");
        if (v->type != YAML_SEQUENCE_NODE) {
            gs__yaml_describe(v, found, sizeof found);
            return gs__yaml_fail(c, v, pb, "expected a list of published prices, found %s", found);
        }
        size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
        p->prices = calloc(n ? n : 1, sizeof *p->prices);
        if (!p->prices)
            return gs_error_set(c->err, GS_ENOMEM, c->file, 0, 0, NULL, "out of memory");
        for (size_t i = 0; i < n; i++) {
            yaml_node_t *pr = gs__yaml_node(c, v->data.sequence.items.start[i]), *f;
            gs_published_price *pp = &p->prices[i];
            char ib[PATH_LEN];
            index_path(ib, pb, i);
            if ((rc = gs__yaml_check_map(c, pr, ib, "a published price {period, zone, value, unit, label, source}", price_keys)) ||
                (rc = need(c, pr, "period", ib, &f)) || (subpath(path, ib, "period"), rc = read_str(c, f, path, pp->period, sizeof pp->period)) ||
                (rc = need(c, pr, "zone", ib, &f)) || (subpath(path, ib, "zone"), rc = read_str(c, f, path, pp->zone, sizeof pp->zone)) ||
                (rc = need(c, pr, "value", ib, &f)) || (subpath(path, ib, "value"), rc = read_num(c, f, path, &pp->value)) ||
                (rc = need(c, pr, "unit", ib, &f)) || (subpath(path, ib, "unit"), rc = read_unit(c, f, path, 1, 1, &pp->unit)) ||
                (rc = need(c, pr, "label", ib, &f)) || (subpath(path, ib, "label"), rc = read_str(c, f, path, pp->label, sizeof pp->label)) ||
                (rc = need(c, pr, "source", ib, &f)) || (subpath(path, ib, "source"), rc = read_str(c, f, path, pp->source, sizeof pp->source))) {
                p->nprices = i;
                return rc;
            }
            pp->line = (int)pr->start_mark.line + 1;
            if ((rc = read_figure_time(c, pr, ib, pp))) {
                p->nprices = i + 1;
                return rc;
            }
            if (gs_price_unit_is_energy(pp->unit) && p->energy_unit != GS_UNIT_NONE && pp->unit != p->energy_unit) {
                subpath(path, ib, "unit");
                p->nprices = i + 1;
                return gs__yaml_fail(c, gs__yaml_get(c, pr, "unit"), path, "expected the product's energy unit %s, found '%s'",
                                     gs_price_unit_name(p->energy_unit), gs_price_unit_name(pp->unit));
            }
            if (gs_price_unit_is_availability(pp->unit) && p->availability_unit != GS_UNIT_NONE &&
                pp->unit != p->availability_unit) {
                subpath(path, ib, "unit");
                p->nprices = i + 1;
                return gs__yaml_fail(c, gs__yaml_get(c, pr, "unit"), path, "expected the product's availability unit %s, found '%s'",
                            gs_price_unit_name(p->availability_unit), gs_price_unit_name(pp->unit));
            }
        }
        p->nprices = n;
    }
    return 0;
}

/* ---- events ---- */

static const char *const event_keys[] = {"id", "zones", "kind", "level", "start", "end", "precision",
                                         "action", "source", "notes", NULL};

static int parse_event(pctx *c, const yaml_node_t *em, const char *base, gs_grid_event *ev)
{
    char path[PATH_LEN];
    yaml_node_t *v;
    int rc, e = 0;
    memset(ev, 0, sizeof *ev);
    ev->line = (int)em->start_mark.line + 1;
    snprintf(ev->file, sizeof ev->file, "%s", c->file);
    if ((rc = gs__yaml_check_map(c, em, base, "an event (a mapping)", event_keys)))
        return rc;
    if ((rc = need(c, em, "id", base, &v)) || (subpath(path, base, "id"), rc = read_str(c, v, path, ev->id, sizeof ev->id)) ||
        (rc = need(c, em, "zones", base, &v)) || (subpath(path, base, "zones"), rc = read_zones(c, v, path, ev->zones, &ev->nzones)) ||
        (rc = need(c, em, "kind", base, &v)) || (subpath(path, base, "kind"), rc = read_enum(c, v, path, gs__market_event_kind_names, "an event kind", &e)))
        return rc;
    ev->kind = (gs_event_kind)e;
    if ((rc = need(c, em, "precision", base, &v)) || (subpath(path, base, "precision"), rc = read_enum(c, v, path, gs__market_prec_names, "a time precision", &e)))
        return rc;
    ev->precision = (gs_time_precision)e;
    if ((rc = need(c, em, "start", base, &v)) || (subpath(path, base, "start"), rc = read_time(c, v, path, &ev->start_s)) ||
        (rc = need(c, em, "end", base, &v)) || (subpath(path, base, "end"), rc = read_time(c, v, path, &ev->end_s)) ||
        (rc = need(c, em, "action", base, &v)) || (subpath(path, base, "action"), rc = read_str(c, v, path, ev->action, sizeof ev->action)) ||
        (rc = need(c, em, "source", base, &v)) || (subpath(path, base, "source"), rc = read_str(c, v, path, ev->source, sizeof ev->source)) ||
        (rc = opt_text(c, em, "level", base, ev->level, sizeof ev->level, NULL)) ||
        (rc = opt_text(c, em, "notes", base, ev->notes, sizeof ev->notes, NULL)))
        return rc;
    if (ev->end_s <= ev->start_s) {
        subpath(path, base, "end");
        return gs__yaml_fail(c, gs__yaml_get(c, em, "end"), path, "expected an end after the start (%s), found '%s'",
                    gs__yaml_scalar(gs__yaml_get(c, em, "start")), gs__yaml_scalar(gs__yaml_get(c, em, "end")));
    }
    return 0;
}

/* ---- catalogue ---- */

static const char *const top_keys[] = {"products", "events", "fx", NULL};

/* One exchange rate {currency, base, year, rate, source}. */
static int parse_fx(pctx *c, const yaml_node_t *m, const char *base, gs_fx_rate *fx)
{
    char path[PATH_LEN], buf[8];
    yaml_node_t *v;
    int rc, e = 0;
    double y = 0;
    memset(fx, 0, sizeof *fx);
    fx->line = (int)m->start_mark.line + 1;
    snprintf(fx->file, sizeof fx->file, "%s", c->file);
    if ((rc = gs__yaml_check_map(c, m, base, "an exchange rate {currency, base, year, rate, source}", fx_keys)))
        return rc;
    if ((rc = need(c, m, "currency", base, &v)) || (subpath(path, base, "currency"), rc = read_enum(c, v, path, gs__market_currencies, "a currency", &e)))
        return rc;
    snprintf(buf, sizeof buf, "%s", gs__market_currencies[e]);
    memcpy(fx->currency, buf, sizeof fx->currency);
    if ((rc = need(c, m, "base", base, &v)) || (subpath(path, base, "base"), rc = read_enum(c, v, path, gs__market_currencies, "a currency", &e)))
        return rc;
    snprintf(buf, sizeof buf, "%s", gs__market_currencies[e]);
    memcpy(fx->base, buf, sizeof fx->base);
    if (!strcmp(fx->currency, fx->base)) {
        subpath(path, base, "base");
        return gs__yaml_fail(c, v, path, "expected a base other than the currency (%s), found '%s'", fx->currency, fx->base);
    }
    if ((rc = need(c, m, "year", base, &v)) || (subpath(path, base, "year"), rc = read_num(c, v, path, &y)))
        return rc;
    if (y != floor(y) || y < 1990 || y > 2100)
        return gs__yaml_fail(c, v, path, "expected a year 1990-2100, found '%s'", gs__yaml_scalar(v));
    fx->year = (int)y;
    if ((rc = need(c, m, "rate", base, &v)) || (subpath(path, base, "rate"), rc = read_num(c, v, path, &fx->rate)))
        return rc;
    if (!(fx->rate > 0) || fx->rate > 1e6)
        return gs__yaml_fail(c, v, path, "expected a rate > 0 (units of %s per %s), found '%s'", fx->currency, fx->base,
                             gs__yaml_scalar(v));
    if ((rc = need(c, m, "source", base, &v)) || (subpath(path, base, "source"), rc = read_str(c, v, path, fx->source, sizeof fx->source)))
        return rc;
    return 0;
}

static int parse_doc(pctx *c, gs_market_catalog *cat)
{
    yaml_node_t *root = yaml_document_get_root_node(c->doc);
    int rc;
    if (!root)
        return gs__yaml_fail(c, NULL, "", "expected a mapping with 'products:', 'events:' and/or 'fx:', found an empty file");
    if ((rc = gs__yaml_check_map(c, root, "", "a mapping with 'products:', 'events:' and/or 'fx:'", top_keys)))
        return rc;
    yaml_node_t *prods = gs__yaml_get(c, root, "products"), *evs = gs__yaml_get(c, root, "events");
    yaml_node_t *fxs = gs__yaml_get(c, root, "fx");
    char found[96], base[PATH_LEN];
    if (fxs) {
        if (fxs->type != YAML_SEQUENCE_NODE) {
            gs__yaml_describe(fxs, found, sizeof found);
            return gs__yaml_fail(c, fxs, "fx", "expected a list of exchange rates, found %s", found);
        }
        size_t n = (size_t)(fxs->data.sequence.items.top - fxs->data.sequence.items.start);
        for (size_t i = 0; i < n; i++) {
            gs_fx_rate fx;
            index_path(base, "fx", i);
            yaml_node_t *m = gs__yaml_node(c, fxs->data.sequence.items.start[i]);
            if ((rc = parse_fx(c, m, base, &fx)))
                return rc;
            /* the same pair and year again: an error within a file, a replacement across files */
            size_t k = 0;
            while (k < cat->nfx && !(cat->fx[k].year == fx.year && !strcmp(cat->fx[k].currency, fx.currency) &&
                                     !strcmp(cat->fx[k].base, fx.base)))
                k++;
            if (k < cat->nfx && !strcmp(cat->fx[k].file, fx.file))
                return gs__yaml_fail(c, m, base, "the rate of %s per %s in %d is already given at line %d", fx.currency,
                                     fx.base, fx.year, cat->fx[k].line);
            if (k < cat->nfx) {
                cat->fx[k] = fx;
                continue;
            }
            gs_fx_rate *nf = realloc(cat->fx, (cat->nfx + 1) * sizeof *nf);
            if (!nf)
                return gs_error_set(c->err, GS_ENOMEM, c->file, 0, 0, NULL, "out of memory");
            cat->fx = nf;
            cat->fx[cat->nfx++] = fx;
        }
    }
    if (prods) {
        if (prods->type != YAML_SEQUENCE_NODE) {
            gs__yaml_describe(prods, found, sizeof found);
            return gs__yaml_fail(c, prods, "products", "expected a list of products, found %s", found);
        }
        size_t n = (size_t)(prods->data.sequence.items.top - prods->data.sequence.items.start);
        for (size_t i = 0; i < n; i++) {
            gs_product p;
            index_path(base, "products", i);
            yaml_node_t *pm = gs__yaml_node(c, prods->data.sequence.items.start[i]);
            if ((rc = parse_product(c, pm, base, &p))) {
                gs__product_free(&p);
                return rc;
            }
            /* duplicate within this file? */
            for (size_t j = 0; j < i; j++) {
                yaml_node_t *o = gs__yaml_node(c, prods->data.sequence.items.start[j]);
                const char *oid = gs__yaml_scalar(gs__yaml_get(c, o, "id"));
                if (oid && !strcmp(oid, p.id)) {
                    gs__product_free(&p);
                    char path[PATH_LEN];
                    subpath(path, base, "id");
                    return gs__yaml_fail(c, gs__yaml_get(c, pm, "id"), path, "product id '%s' already used at line %d",
                                oid, (int)o->start_mark.line + 1);
                }
            }
            size_t k = 0;
            while (k < cat->nproducts && strcmp(cat->products[k].id, p.id))
                k++;
            if (k < cat->nproducts) {
                gs__product_free(&cat->products[k]);
                cat->products[k] = p;
            } else {
                gs_product *np = realloc(cat->products, (cat->nproducts + 1) * sizeof *np);
                if (!np) {
                    gs__product_free(&p);
                    return gs_error_set(c->err, GS_ENOMEM, c->file, 0, 0, NULL, "out of memory");
                }
                cat->products = np;
                cat->products[cat->nproducts++] = p;
            }
        }
    }
    if (evs) {
        if (evs->type != YAML_SEQUENCE_NODE) {
            gs__yaml_describe(evs, found, sizeof found);
            return gs__yaml_fail(c, evs, "events", "expected a list of events, found %s", found);
        }
        size_t n = (size_t)(evs->data.sequence.items.top - evs->data.sequence.items.start);
        for (size_t i = 0; i < n; i++) {
            gs_grid_event ev;
            index_path(base, "events", i);
            yaml_node_t *em = gs__yaml_node(c, evs->data.sequence.items.start[i]);
            if ((rc = parse_event(c, em, base, &ev)))
                return rc;
            for (size_t j = 0; j < i; j++) {
                yaml_node_t *o = gs__yaml_node(c, evs->data.sequence.items.start[j]);
                const char *oid = gs__yaml_scalar(gs__yaml_get(c, o, "id"));
                if (oid && !strcmp(oid, ev.id)) {
                    char path[PATH_LEN];
                    subpath(path, base, "id");
                    return gs__yaml_fail(c, gs__yaml_get(c, em, "id"), path, "event id '%s' already used at line %d", oid,
                                (int)o->start_mark.line + 1);
                }
            }
            size_t k = 0;
            while (k < cat->nevents && strcmp(cat->events[k].id, ev.id))
                k++;
            if (k < cat->nevents) {
                cat->events[k] = ev;
            } else {
                gs_grid_event *ne = realloc(cat->events, (cat->nevents + 1) * sizeof *ne);
                if (!ne)
                    return gs_error_set(c->err, GS_ENOMEM, c->file, 0, 0, NULL, "out of memory");
                cat->events = ne;
                cat->events[cat->nevents++] = ev;
            }
        }
    }
    return 0;
}

int gs_market_catalog_parse(const char *text, size_t len, const char *name, gs_market_catalog *cat,
                            gs_error *err)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    if (len > GS__YAML_MAX_BYTES) /* libyaml's document would take up to 80 times the text */
        return gs_error_set(err, GS_EINPUT, name, 0, 0, NULL,
                            "expected a YAML document of at most %zu MiB, found %zu bytes",
                            GS__YAML_MAX_BYTES >> 20, len);
    if (!yaml_parser_initialize(&parser))
        return gs_error_set(err, GS_ENOMEM, name, 0, 0, NULL, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        int rc = gs_error_set(err, GS_EINPUT, name, (int)parser.problem_mark.line + 1,
                              (int)parser.problem_mark.column + 1, NULL, "not valid YAML: %s%s%s",
                              parser.problem ? parser.problem : "syntax error",
                              parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return rc;
    }
    pctx c = {.doc = &doc, .file = name, .err = err, .catalog_style = 1};
    int rc = parse_doc(&c, cat);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return rc;
}

/* A user catalogue is a small YAML file: more than this is not a catalogue (/dev/zero, a log
 * given by mistake) and is refused before it fills the memory (the one YAML bound). */
#define CATALOG_MAX_BYTES GS__YAML_MAX_BYTES

/* The whole file (or standard input for "-": a pipe works too) into *text, NUL-terminated.
 * Missing, directory, device, unreadable: gs__path_check's GS_EINPUT; over CATALOG_MAX_BYTES:
 * GS_EINPUT naming the limit. */
static int read_file(const char *path, char **text, size_t *len, gs_error *err)
{
    int rc = gs__path_check(path, err);
    if (rc != GS_OK)
        return rc;
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return gs_error_set(err, GS_EIO, path, 0, 0, NULL, "cannot open the market catalogue: %s",
                            strerror(errno));
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        if (!is_stdin)
            fclose(f);
        return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
    }
    size_t k;
    while ((k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n > CATALOG_MAX_BYTES) {
            free(buf);
            if (!is_stdin)
                fclose(f);
            return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                                "expected a market catalogue of at most %zu MiB, found more",
                                CATALOG_MAX_BYTES >> 20);
        }
        if (n == cap) {
            /* one byte past the limit is enough to know the file is too large */
            size_t nc = cap * 2 <= CATALOG_MAX_BYTES ? cap * 2 : CATALOG_MAX_BYTES + 1;
            char *nb = realloc(buf, nc + 1);
            if (!nb) {
                free(buf);
                if (!is_stdin)
                    fclose(f);
                return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "out of memory");
            }
            buf = nb;
            cap = nc;
        }
    }
    int bad = ferror(f);
    if (!is_stdin)
        fclose(f);
    if (bad) {
        free(buf);
        return gs_error_set(err, GS_EIO, path, 0, 0, NULL, "reading the market catalogue failed");
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

int gs_market_catalog_load(const char *user_path, gs_market_catalog **out, gs_error *err)
{
    *out = NULL;
    gs_market_catalog *cat = calloc(1, sizeof *cat);
    if (!cat)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    const char *names[] = {"markets.yaml", "grid_events.yaml"};
    for (int i = 0; i < 2; i++) {
        size_t len = 0;
        const char *text = gs__asset(names[i], &len);
        char label[96];
        snprintf(label, sizeof label, "%s (built-in catalogue)", names[i]);
        if (!text) {
            gs_market_catalog_free(cat);
            return gs_error_set(err, GS_ERUNTIME, label, 0, 0, NULL, "the catalogue was not embedded at build time");
        }
        int rc = gs_market_catalog_parse(text, len, label, cat, err);
        if (rc) {
            gs_market_catalog_free(cat);
            return rc;
        }
    }
    if (user_path) {
        char *text = NULL;
        size_t len = 0;
        int rc = read_file(user_path, &text, &len, err);
        if (!rc)
            rc = gs_market_catalog_parse(text, len, user_path, cat, err);
        free(text);
        if (rc) {
            gs_market_catalog_free(cat);
            return rc;
        }
    }
    /* every non-USD figure that can apply has a rate for each year it covers */
    int rc = gs_market_catalog_check_fx(cat, err);
    if (rc) {
        gs_market_catalog_free(cat);
        return rc;
    }
    *out = cat;
    return 0;
}

