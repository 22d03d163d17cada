/* cmd_markets.c: `gridsplit markets [--zone Z] [--class training|inference] [--format json|text]
 * [--catalog FILE] [--events]`: list the market products (and grid events) of the built-in
 * catalogue, optionally overridden by a user file, filtered by zone and load class
 * (docs/markets.md). Options: gs_cmd_markets_decl (cli/opts.h). */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "gridsplit/time.h"
#include "gridsplit/market.h"
#include "gridsplit/read/market.h"

static const gs_opt_decl MARKETS_OPTS[] = {
    {.name = "zone", .type = GS_OPT_STRING, .metavar = "Z",
     .help = "only products (and events) of zone or market Z (ERCOT, PJM, PJM-DOM, DE-LU, EU)"},
    {.name = "class", .type = GS_OPT_CHOICE, .metavar = "C", .choices = "training inference",
     .help = "only products class C may provide; inference may only shift"},
    {.name = "format", .type = GS_OPT_CHOICE, .metavar = "F", .choices = "text json",
     .def = "text", .help = "output format"},
    {.name = "catalog", .type = GS_OPT_INPUT,
     .help = "a user catalogue (products:/events:) overriding or adding entries"},
    {.name = "events", .help = "also list the historical grid events"},
    {0}};

const gs_cmd_decl gs_cmd_markets_decl = {
    .name = "markets",
    .summary = "market products and grid events with their rules and sources",
    .description = "List the market products a flexible load can earn from (ERCOT, PJM, "
                   "MISO, CAISO, NYISO, ISO-NE, SPP, AESO, Hydro-Quebec, the Nordic markets, "
                   "Germany, the Netherlands, ...): zones, direction, notice and response time, "
                   "durations, payment units and currency, eligible load classes, prices "
                   "(series or published figures, with the period each applies to) and the "
                   "source of every rule and figure. Figures in CAD, EUR or NOK are converted "
                   "to USD at the catalogue's annual average exchange rates (its fx: list). "
                   "See docs/markets.md.",
    .epilog = "Exit codes: 0 ok, 2 bad input (the message names the option, or the file, line "
              "and field; also when no product matches --zone or --class), 1 runtime failure.",
    .opts = MARKETS_OPTS,
};

static void dur_text(double s, char *buf, size_t len)
{
    if (isnan(s))
        snprintf(buf, len, "-");
    else if (s >= 3600)
        snprintf(buf, len, "%gh", s / 3600);
    else if (s >= 60)
        snprintf(buf, len, "%gmin", s / 60);
    else
        snprintf(buf, len, "%gs", s);
}

static json_t *num_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static json_t *str_or_null(const char *s)
{
    return s[0] ? json_string(s) : json_null();
}

static json_t *product_json(const gs_product *p)
{
    json_t *o = json_object(), *z = json_array(), *pr = json_array(), *src = json_object();
    for (size_t i = 0; i < p->nzones; i++)
        json_array_append_new(z, json_string(p->zones[i]));
    for (size_t i = 0; i < p->nprices; i++) {
        const gs_published_price *q = &p->prices[i];
        json_array_append_new(pr, json_pack("{s:s,s:s,s:f,s:s,s:s,s:s}", "period", q->period, "zone", q->zone,
                                            "value", q->value, "unit", gs_price_unit_name(q->unit), "label",
                                            q->label, "source", q->source));
    }
    const char *sk[] = {"rules", "timing", "duration", "frequency", "payment", "penalty", "eligibility", "telemetry"};
    const char *sv[] = {p->src_rules, p->src_timing, p->src_duration, p->src_frequency,
                        p->src_payment, p->src_penalty, p->src_eligibility, p->src_telemetry};
    for (size_t i = 0; i < sizeof sk / sizeof sk[0]; i++)
        if (sv[i][0])
            json_object_set_new(src, sk[i], json_string(sv[i]));
    json_object_set_new(o, "id", json_string(p->id));
    json_object_set_new(o, "name", json_string(p->name));
    json_object_set_new(o, "market", json_string(p->market));
    json_object_set_new(o, "zones", z);
    json_object_set_new(o, "kind", json_string(gs_product_kind_name(p->kind)));
    json_object_set_new(o, "direction", json_string(gs_direction_name(p->direction)));
    json_object_set_new(o, "notice_s", num_or_null(p->notice_s));
    json_object_set_new(o, "full_response_s", num_or_null(p->full_response_s));
    json_object_set_new(o, "min_duration_s", num_or_null(p->min_duration_s));
    json_object_set_new(o, "max_duration_s", num_or_null(p->max_duration_s));
    json_object_set_new(o, "max_calls_per_day", num_or_null(p->max_calls_per_day));
    json_object_set_new(o, "max_calls_per_year", num_or_null(p->max_calls_per_year));
    json_object_set_new(o, "availability_unit", p->availability_unit ? json_string(gs_price_unit_name(p->availability_unit)) : json_null());
    json_object_set_new(o, "energy_unit", p->energy_unit ? json_string(gs_price_unit_name(p->energy_unit)) : json_null());
    json_object_set_new(o, "eligible", json_pack("{s:s,s:s}", "training", gs_eligibility_name(p->eligible[GS_TRAINING]),
                                                  "inference", gs_eligibility_name(p->eligible[GS_INFERENCE])));
    json_object_set_new(o, "priority", json_integer(p->priority));
    json_object_set_new(o, "payment", str_or_null(p->payment));
    json_object_set_new(o, "penalty", str_or_null(p->penalty));
    json_object_set_new(o, "penalty_factor", num_or_null(p->penalty_factor));
    json_object_set_new(o, "telemetry", str_or_null(p->telemetry));
    json_object_set_new(o, "baseline", str_or_null(p->baseline));
    json_object_set_new(o, "notes", str_or_null(p->notes));
    if (p->has_series)
        json_object_set_new(o, "series", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "format", p->series.format, "path",
                                                   p->series.path, "column", p->series.column, "unit",
                                                   gs_price_unit_name(p->series.unit), "span", p->series.span,
                                                   "source", p->series.source));
    else
        json_object_set_new(o, "series", json_null());
    json_object_set_new(o, "prices", pr);
    json_object_set_new(o, "sources", src);
    return o;
}

static json_t *event_json(const gs_grid_event *e)
{
    char a[32], b[32];
    gs_format_time(e->start_s, a);
    gs_format_time(e->end_s, b);
    json_t *z = json_array();
    for (size_t i = 0; i < e->nzones; i++)
        json_array_append_new(z, json_string(e->zones[i]));
    json_t *o = json_pack("{s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:s}", "id", e->id, "zones", z, "kind",
                          gs_event_kind_name(e->kind), "start", a, "end", b, "precision",
                          gs_time_precision_name(e->precision), "action", e->action, "source", e->source);
    json_object_set_new(o, "level", str_or_null(e->level));
    json_object_set_new(o, "notes", str_or_null(e->notes));
    return o;
}

static int keep_product(const gs_product *p, const char *zone, int cls)
{
    if (zone && !gs_product_in_zone(p, zone))
        return 0;
    if (cls >= 0 && gs_product_eligibility(p, (gs_class)cls) == GS_ELIG_NO)
        return 0;
    return 1;
}

int gs_cmd_markets(int argc, char **argv)
{
    gs_opts *op;
    int rc = gs_opts_cli(&gs_cmd_markets_decl, argc, argv, NULL, &op);
    if (!op)
        return rc; /* --help printed (0) or usage error printed (2) */
    /* the texts point into argv or the declaration: they outlive op */
    const char *zone = gs_opts_str(op, "zone"), *format = gs_opts_str(op, "format");
    const char *catalog = gs_opts_str(op, "catalog");
    int events = gs_opts_flag(op, "events");
    int cls = !gs_opts_has(op, "class") ? -1
              : gs_opts_choice(op, "class") == 0 ? GS_TRAINING
                                                 : GS_INFERENCE;
    gs_opts_free(op);

    gs_error err = {0};
    gs_market_catalog *cat = NULL;
    if (gs_market_catalog_load(catalog, &cat, &err))
        return gs_cli_fail("markets", &err);

    size_t shown = 0;
    if (!strcmp(format, "json")) {
        json_t *root = json_object(), *arr = json_array(), *evs = json_array();
        for (size_t i = 0; i < cat->nproducts; i++)
            if (keep_product(&cat->products[i], zone, cls)) {
                json_array_append_new(arr, product_json(&cat->products[i]));
                shown++;
            }
        json_object_set_new(root, "products", arr);
        if (events) {
            for (size_t i = 0; i < cat->nevents; i++)
                if (gs_event_in_zone(&cat->events[i], zone))
                    json_array_append_new(evs, event_json(&cat->events[i]));
            json_object_set_new(root, "events", evs);
        } else {
            json_decref(evs);
        }
        char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        json_decref(root);
        if (!s) {
            gs_market_catalog_free(cat);
            gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            return gs_cli_fail("markets", &err);
        }
        printf("%s\n", s);
        free(s);
    } else {
        printf("%-18s %-7s %-10s %-4s %7s %7s %7s %7s  %-10s %-8s %-9s %s\n", "product", "market", "kind", "dir",
               "notice", "full", "min", "max", "avail", "energy", "train/inf", "price");
        for (size_t i = 0; i < cat->nproducts; i++) {
            const gs_product *p = &cat->products[i];
            if (!keep_product(p, zone, cls))
                continue;
            shown++;
            char n[16], f[16], mi[16], ma[16], price[320], el[16];
            dur_text(p->notice_s, n, sizeof n);
            dur_text(p->full_response_s, f, sizeof f);
            dur_text(p->min_duration_s, mi, sizeof mi);
            dur_text(p->max_duration_s, ma, sizeof ma);
            snprintf(el, sizeof el, "%s/%s", gs_eligibility_name(p->eligible[GS_TRAINING]),
                     gs_eligibility_name(p->eligible[GS_INFERENCE]));
            if (p->has_series)
                snprintf(price, sizeof price, "series %s%s%s (%s)", p->series.format, p->series.column[0] ? ":" : "",
                         p->series.column, p->series.span);
            else if (p->nprices) {
                const gs_published_price *q = &p->prices[p->nprices - 1];
                snprintf(price, sizeof price, "%zu published, latest %s %s %g %s", p->nprices, q->period, q->zone,
                         q->value, gs_price_unit_name(q->unit));
            } else
                snprintf(price, sizeof price, "-");
            printf("%-18s %-7s %-10s %-4s %7s %7s %7s %7s  %-10s %-8s %-9s %s\n", p->id, p->market,
                   gs_product_kind_name(p->kind), gs_direction_name(p->direction), n, f, mi, ma,
                   p->availability_unit ? gs_price_unit_name(p->availability_unit) : "-",
                   p->energy_unit ? gs_price_unit_name(p->energy_unit) : "-", el, price);
        }
        printf("%zu product%s", shown, shown == 1 ? "" : "s");
        if (zone)
            printf(" in zone %s", zone);
        if (cls >= 0)
            printf(" for %s", gs_class_name((gs_class)cls));
        printf("; sources: gridsplit markets --format json, docs/markets.md\n");
        if (events) {
            printf("\n%-24s %-16s %-13s %-20s %-20s %-6s %s\n", "event", "kind", "level", "start (UTC)", "end (UTC)",
                   "prec", "zones");
            for (size_t i = 0; i < cat->nevents; i++) {
                const gs_grid_event *e = &cat->events[i];
                if (!gs_event_in_zone(e, zone))
                    continue;
                char a[32], b[32], zs[128];
                size_t used = 0;
                zs[0] = '\0';
                for (size_t k = 0; k < e->nzones && used < sizeof zs; k++) {
                    int w = snprintf(zs + used, sizeof zs - used, "%s%s", k ? "," : "", e->zones[k]);
                    if (w < 0)
                        break;
                    used += (size_t)w;
                }
                gs_format_time(e->start_s, a);
                gs_format_time(e->end_s, b);
                printf("%-24s %-16s %-13s %-20s %-20s %-6s %s\n", e->id, gs_event_kind_name(e->kind),
                       e->level[0] ? e->level : "-", a, b, gs_time_precision_name(e->precision), zs);
            }
        }
    }
    gs_market_catalog_free(cat);
    if (shown == 0 && (zone || cls >= 0)) {
        fprintf(stderr, "gridsplit markets: no product matches%s%s%s%s\n", zone ? " zone " : "", zone ? zone : "",
                cls >= 0 ? " class " : "", cls >= 0 ? gs_class_name((gs_class)cls) : "");
        return 2;
    }
    return 0;
}
