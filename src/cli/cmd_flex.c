/* cmd_flex.c: `gridsplit flex FLEET.yaml --out DIR [--from --to --step] [--policy P]
 * [--events FILE|catalog|none] [--products LIST] [--price ID=VALUE]...`: the flex backtest
 * (include/gridsplit/flexsim.h, docs/flex.md). The edge: loads the fleet and its series, the
 * market catalogue, each product's price over the period (a series through the importers, a
 * published figure of the catalogue for the period, or a user value, each labelled), the grid
 * events (the catalogue's in the fleet's zones and/or an event file), runs the engine and writes
 * flex.csv, jobs.csv, events.csv, summary.json and report.html. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "gridsplit/fleet.h"
#include "gridsplit/flexsim.h"
#include "gridsplit/import.h"
#include "gridsplit/market.h"
#include "gridsplit/plan.h"
#include "gridsplit/sim.h"

/* Declared in cli/cli.h once the command is registered; repeated so this file builds alone. */
int gs_cmd_flex(int argc, char **argv);

static const char *HELP =
    "usage: gridsplit flex FLEET.yaml --out DIR [options]\n"
    "\n"
    "Backtest of what each training cluster earns from each market product over a period, and\n"
    "what the curtailments cost: every curtailment is planned by the one planner (gs_plan_make) and\n"
    "simulated by the load model of `simulate`. Writes DIR/flex.csv, jobs.csv, events.csv,\n"
    "summary.json and report.html, with the two mistakes compared: inference offered into reserves\n"
    "like training, and training treated as must-run.\n"
    "\n"
    "Options:\n"
    "  --out DIR             output directory (required)\n"
    "  --from T, --to T      period, ISO 8601 UTC, whole hours (default: the fleet's period)\n"
    "  --step S              simulation step (default 5min; must divide an hour)\n"
    "  --policy P            flexible (default) or must-run\n"
    "  --events E            catalog (default: the catalogue's events in the fleet's zones), none,\n"
    "                        or an event FILE (docs/plan.md), alone or as catalog,FILE\n"
    "  --products LIST       comma-separated product ids (default: every catalogue product of the\n"
    "                        fleet's zones); a listed product with no price in the period is an error\n"
    "  --price ID=VALUE      price a product at a constant VALUE in its unit (peak products: USD per\n"
    "                        kW-year of avoided charge); labelled user-supplied; repeatable\n"
    "  --catalog FILE        a user market catalogue overriding the built-in one\n"
    "  --offer-share X       share of the cuttable MW offered to reserves (default 1)\n"
    "  --usd-per-request X   value of an inference request (default 0.002)\n"
    "  --no-report           skip report.html\n"
    "  -h, --help            this text\n"
    "\n"
    "Exit codes: 0 ok, 2 bad input, 1 failure. See docs/flex.md.\n";

#define MAXP 64
#define MAXPRICE 32

typedef struct uprice {
    char id[GS_ID_MAX];
    double v;
} uprice;

static int parse_num(const char *opt, const char *text, double *x)
{
    char *end;
    *x = strtod(text, &end);
    if (end == text || *end || !isfinite(*x) || *x < 0)
        return gs_cli_usage_error("flex", "%s: expected a number >= 0, found '%s'", opt, text);
    return 0;
}

/* ${GS_SHARED}: the environment, else the nearest "shared" directory beside the fleet file's
 * directory or one of its parents */
static void expand_path(const char *raw, const char *fleet_path, char *out, size_t len)
{
    const char *key = "${GS_SHARED}";
    const char *p = strstr(raw, key);
    if (!p) {
        snprintf(out, len, "%s", raw);
        return;
    }
    char shared[1200] = "";
    const char *env = getenv("GS_SHARED");
    if (env && env[0]) {
        snprintf(shared, sizeof shared, "%s", env);
    } else {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s", fleet_path);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = 0;
        else
            snprintf(dir, sizeof dir, ".");
        for (int up = 0; up < 8 && !shared[0]; up++) {
            char probe[1100];
            struct stat sb;
            snprintf(probe, sizeof probe, "%s/../shared", dir);
            if (stat(probe, &sb) == 0 && S_ISDIR(sb.st_mode))
                snprintf(shared, sizeof shared, "%s", probe);
            size_t n = strlen(dir);
            if (n + 4 >= sizeof dir)
                break;
            memcpy(dir + n, "/..", 4);
        }
        if (!shared[0])
            snprintf(shared, sizeof shared, "../shared");
    }
    snprintf(out, len, "%.*s%s%s", (int)(p - raw), raw, shared, p + strlen(key));
}

/* ECRS opened on 10 June 2023: a 2023 annual average applies from then. */
static int64_t product_opens(const char *id)
{
    if (!strcmp(id, "ERCOT-ECRS"))
        return gs_utc_from_civil(2023, 6, 10, 5, 0, 0);
    return INT64_MIN;
}

/* A published price that covers the period: period "YYYY" (that calendar year, UTC) or
 * "YYYY/YYYY" (a PJM delivery year, June 1 - May 31, 04:00Z). Fills s where it applies. */
static int apply_published(const gs_product *p, const gs_fleet *f, gs_series *s, char *label, size_t len)
{
    int any = 0;
    size_t lab = 0;
    label[0] = 0;
    for (size_t k = 0; k < p->nprices; k++) {
        const gs_published_price *pp = &p->prices[k];
        int y1 = 0, y2 = 0, nread = 0;
        int64_t a, b;
        if (sscanf(pp->period, "%d/%d%n", &y1, &y2, &nread) == 2 && pp->period[nread] == 0) {
            a = gs_utc_from_civil(y1, 6, 1, 4, 0, 0);
            b = gs_utc_from_civil(y2, 6, 1, 4, 0, 0);
        } else if (sscanf(pp->period, "%d%n", &y1, &nread) == 1 && pp->period[nread] == 0) {
            a = gs_utc_from_civil(y1, 1, 1, 0, 0, 0);
            b = gs_utc_from_civil(y1 + 1, 1, 1, 0, 0, 0);
        } else {
            continue; /* "2024-07..2024-08", "2025, 12:00-16:00": not a whole-period figure */
        }
        /* the zone: a zonal figure of a fleet zone beats the RTO one */
        int zonal = 0, rto = 0;
        for (size_t z = 0; z < f->nzones; z++)
            if (!strcasecmp(pp->zone, f->zones[z].id))
                zonal = 1;
        if (!zonal && strstr(pp->zone, "-RTO")) {
            int has_zonal = 0;
            for (size_t q = 0; q < p->nprices; q++)
                for (size_t z = 0; z < f->nzones; z++)
                    if (q != k && !strcmp(p->prices[q].period, pp->period) &&
                        !strcasecmp(p->prices[q].zone, f->zones[z].id))
                        has_zonal = 1;
            rto = !has_zonal;
        }
        if (!zonal && !rto && strcasecmp(pp->zone, p->market))
            continue;
        int64_t open = product_opens(p->id);
        if (open > a)
            a = open;
        int used = 0;
        for (size_t i = 0; i < s->n; i++) {
            int64_t t = s->start_s + (int64_t)i * s->step_s;
            if (t >= a && t < b) {
                s->v[i] = pp->value;
                used = 1;
            }
        }
        if (used) {
            any = 1;
            lab += (size_t)snprintf(label + lab, lab < len ? len - lab : 0, "%s%s %s %g %s (%s%s; %s)",
                                    lab ? "; " : "", pp->period, pp->zone, pp->value,
                                    gs_price_unit_name(pp->unit), pp->label,
                                    open > INT64_MIN ? ", from 2023-06-10 when ECRS opened" : "",
                                    pp->source);
            if (lab >= len)
                lab = len - 1;
        }
    }
    return any;
}

/* Build each product's price over [from, to) hourly. Returns 0 or an exit code. */
static int load_price(const gs_product *p, const gs_fleet *f, int64_t from, int64_t to,
                      const uprice *up, size_t nup, gs_series **out, char *label, size_t len,
                      gs_error *err)
{
    *out = NULL;
    size_t n = (size_t)((to - from) / 3600);
    for (size_t k = 0; k < nup; k++)
        if (!strcasecmp(up[k].id, p->id)) {
            gs_series *s = gs_series_new(from, 3600, n);
            if (!s)
                return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            for (size_t i = 0; i < n; i++)
                s->v[i] = up[k].v;
            snprintf(label, len, "user-supplied: %g %s (--price)", up[k].v,
                     p->kind == GS_PK_PEAK ? "USD/kW-year" :
                     gs_price_unit_name(p->availability_unit != GS_UNIT_NONE ? p->availability_unit : p->energy_unit));
            *out = s;
            return 0;
        }
    if (p->kind == GS_PK_PEAK) {
        snprintf(label, len, "no rate: the USD/kW-year charge behind %s is each utility's tariff, not in the "
                 "catalogue; pass --price %s=USD_PER_KW_YEAR", p->id, p->id);
        return 0;
    }
    if (p->has_series) {
        char path[GS_PATH_MAX + 256];
        expand_path(p->series.path, f->path, path, sizeof path);
        gs_import_opts io = {0};
        io.format = p->series.format;
        io.value_column = p->series.column[0] ? p->series.column : NULL;
        gs_points *pts = NULL;
        gs_error ie = {0};
        int rc = gs_import_points(path, &io, &pts, &ie);
        if (rc == 0) {
            gs_series *s = NULL;
            rc = gs_series_from_points(pts, from, to, 3600, GS_RESAMPLE_MEAN, GS_FILL_NONE, NULL, &s, &ie);
            gs_points_free(pts);
            if (rc == 0) {
                size_t have = 0;
                for (size_t i = 0; i < s->n; i++)
                    have += isfinite(s->v[i]);
                if (have) {
                    snprintf(label, len, "series %s%s%s (%s), %zu of %zu hours priced", p->series.format,
                             p->series.column[0] ? " " : "", p->series.column, p->series.span, have, s->n);
                    *out = s;
                    return 0;
                }
                gs_series_free(s);
            }
        }
        /* no usable series over the period: fall through to published figures */
        if (rc != 0 && ie.code == GS_EINPUT && strstr(ie.message, "no file") == NULL && ie.line > 0) {
            *err = ie;
            return ie.code;
        }
    }
    gs_series *s = gs_series_new(from, 3600, n);
    if (!s)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (apply_published(p, f, s, label, len)) {
        *out = s;
        return 0;
    }
    gs_series_free(s);
    if (p->has_series)
        snprintf(label, len, "no price in the period: its series covers %s only and no published figure "
                 "covers the period (pass --price %s=VALUE to supply one)", p->series.span, p->id);
    else
        snprintf(label, len, "no price in the period: no series and no published figure for it "
                 "(pass --price %s=VALUE to supply one)", p->id);
    return 0;
}

/* any cluster of a class that may offer p (training: yes; inference: shift is not modelled) */
static int product_fits_fleet(const gs_product *p, const gs_fleet *f, char *why, size_t len)
{
    int in_zone = 0;
    for (size_t c = 0; c < f->nclusters; c++) {
        const gs_cluster *cl = &f->clusters[c];
        if (!gs_product_in_zone(p, f->zones[f->sites[cl->site].zone].id))
            continue;
        in_zone = 1;
        if (cl->cls == GS_TRAINING && p->eligible[GS_TRAINING] == GS_ELIG_YES)
            return 1;
    }
    if (!in_zone) {
        snprintf(why, len, "no cluster of the fleet is in a zone of %s (zones:", p->id);
        for (size_t z = 0; z < p->nzones; z++)
            snprintf(why + strlen(why), len - strlen(why), " %s", p->zones[z]);
        snprintf(why + strlen(why), len - strlen(why), ")");
        return 0;
    }
    gs_error e = {0};
    if (gs_product_check_class(p, GS_INFERENCE, 0, &e) < 0)
        snprintf(why, len, "the only clusters in its zones are inference: %.400s", e.message);
    else
        snprintf(why, len, "the only clusters in its zones are inference, which may offer %s only by "
                 "moving load to another site; flex does not model that shift", p->id);
    return 0;
}

int gs_cmd_flex(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, 0, 'o'},      {"from", required_argument, 0, 'f'},
        {"to", required_argument, 0, 't'},       {"step", required_argument, 0, 's'},
        {"policy", required_argument, 0, 'p'},   {"events", required_argument, 0, 'e'},
        {"products", required_argument, 0, 'P'}, {"price", required_argument, 0, 'r'},
        {"catalog", required_argument, 0, 'c'},  {"offer-share", required_argument, 0, 'O'},
        {"usd-per-request", required_argument, 0, 'u'}, {"no-report", no_argument, 0, 'N'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    const char *out_dir = NULL, *from_t = NULL, *to_t = NULL, *step_t = NULL, *policy = "flexible";
    const char *events_arg = "catalog", *products_arg = NULL, *catalog = NULL;
    uprice up[MAXPRICE];
    size_t nup = 0;
    int no_report = 0, c;
    gs_flexsim_opts fo;
    gs_flexsim_opts_default(&fo);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out_dir = optarg; break;
        case 'f': from_t = optarg; break;
        case 't': to_t = optarg; break;
        case 's': step_t = optarg; break;
        case 'p': policy = optarg; break;
        case 'e': events_arg = optarg; break;
        case 'P': products_arg = optarg; break;
        case 'c': catalog = optarg; break;
        case 'N': no_report = 1; break;
        case 'O':
            if (parse_num("--offer-share", optarg, &fo.offer_share))
                return 2;
            if (fo.offer_share > 1)
                return gs_cli_usage_error("flex", "--offer-share: expected a share in [0, 1], found '%s'", optarg);
            break;
        case 'u': if (parse_num("--usd-per-request", optarg, &fo.usd_per_request)) return 2; break;
        case 'r': {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || (size_t)(eq - optarg) >= GS_ID_MAX || nup >= MAXPRICE)
                return gs_cli_usage_error("flex", "--price: expected PRODUCT=VALUE, found '%s'", optarg);
            snprintf(up[nup].id, sizeof up[nup].id, "%.*s", (int)(eq - optarg), optarg);
            if (parse_num("--price", eq + 1, &up[nup].v))
                return 2;
            nup++;
            break;
        }
        case 'h': fputs(HELP, stdout); return 0;
        default:
            return gs_cli_usage_error("flex", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return gs_cli_usage_error("flex", "expected one fleet file, found %d arguments", argc - optind);
    if (!out_dir)
        return gs_cli_usage_error("flex", "--out DIR is required");
    if (!strcmp(policy, "flexible"))
        fo.policy = GS_POLICY_PRICE;
    else if (!strcmp(policy, "must-run"))
        fo.policy = GS_POLICY_MUST_RUN;
    else
        return gs_cli_usage_error("flex", "--policy: expected flexible or must-run, found '%s'", policy);

    gs_error err = {0};
    gs_fleet *f = NULL;
    gs_market_catalog *cat = NULL;
    gs_flexsim_product prods[MAXP];
    gs_series *series[MAXP] = {0};
    size_t np = 0;
    gs_flexsim_event *fev = NULL;
    size_t nfev = 0;
    gs_event *file_evs = NULL;
    size_t nfile = 0;
    gs_flexsim_result *res = NULL;
    gs_sim_tz tz;
    int have_tz = 0, rc;
    char events_file[1024] = "";
    int use_catalog = 0;

    if (step_t) {
        if ((rc = gs_parse_step(step_t, &fo.step_s, &err)) < 0) {
            snprintf(err.field, sizeof err.field, "--step");
            goto fail;
        }
    }
    if ((rc = gs_fleet_load(argv[optind], &f, &err)) < 0)
        goto fail;
    fo.from_s = f->default_from_s;
    fo.to_s = f->default_to_s;
    if (from_t && (rc = gs_parse_time(from_t, &fo.from_s, &err)) < 0) {
        snprintf(err.field, sizeof err.field, "--from");
        goto fail;
    }
    if (to_t && (rc = gs_parse_time(to_t, &fo.to_s, &err)) < 0) {
        snprintf(err.field, sizeof err.field, "--to");
        goto fail;
    }
    if (!(fo.to_s > fo.from_s)) {
        rc = gs_error_set(&err, GS_EINPUT, NULL, 0, 0, "--from/--to",
                          "expected a period (--from, --to, or the fleet's period:), found none or an empty one");
        goto fail;
    }
    if (fo.from_s % 3600 || fo.to_s % 3600 || 3600 % fo.step_s) {
        rc = gs_error_set(&err, GS_EINPUT, NULL, 0, 0, "--from/--to/--step",
                          "expected whole UTC hours and a step dividing an hour, found a %lld s step",
                          (long long)fo.step_s);
        goto fail;
    }
    if ((rc = gs_fleet_load_series(f, &err)) < 0)
        goto fail;
    if ((rc = gs_market_catalog_load(catalog, &cat, &err)) < 0)
        goto fail;

    /* products */
    if (products_arg) {
        char buf[2048];
        snprintf(buf, sizeof buf, "%s", products_arg);
        char *save = NULL;
        for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ')
                tok++;
            const gs_product *p = gs_market_find_product(cat, tok);
            if (!p) {
                rc = gs_error_set(&err, GS_EINPUT, NULL, 0, 0, "--products",
                                  "unknown product '%s' (see `gridsplit markets`)", tok);
                goto fail;
            }
            char why[640];
            if (!product_fits_fleet(p, f, why, sizeof why)) {
                rc = gs_error_set(&err, GS_EINPUT, f->path, 0, 0, "--products",
                                  "%s cannot be offered by this fleet: %s", p->id, why);
                goto fail;
            }
            if (np >= MAXP) {
                rc = gs_error_set(&err, GS_EINPUT, NULL, 0, 0, "--products", "at most %d products", MAXP);
                goto fail;
            }
            prods[np++].p = p;
        }
    } else {
        for (size_t k = 0; k < cat->nproducts && np < MAXP; k++) {
            char why[640];
            const gs_product *p = &cat->products[k];
            int zone = 0;
            for (size_t z = 0; z < f->nzones; z++)
                zone |= gs_product_in_zone(p, f->zones[z].id);
            if (zone && (product_fits_fleet(p, f, why, sizeof why) ||
                         p->eligible[GS_TRAINING] == GS_ELIG_YES)) /* kept for mistake (a) */
                prods[np++].p = p;
        }
    }
    for (size_t k = 0; k < nup; k++) {
        int found = 0;
        for (size_t p = 0; p < np; p++)
            found |= !strcasecmp(prods[p].p->id, up[k].id);
        if (!found) {
            rc = gs_error_set(&err, GS_EINPUT, NULL, 0, 0, "--price",
                              "product '%s' is not among the products of this run", up[k].id);
            goto fail;
        }
    }
    for (size_t p = 0; p < np; p++) {
        if ((rc = load_price(prods[p].p, f, fo.from_s, fo.to_s, up, nup, &series[p], prods[p].label,
                             sizeof prods[p].label, &err)) < 0)
            goto fail;
        prods[p].price = series[p];
        if (products_arg && !series[p]) {
            rc = gs_error_set(&err, GS_EINPUT, NULL, 0, 0, "--products", "%s: %s", prods[p].p->id, prods[p].label);
            goto fail;
        }
    }

    /* events */
    {
        char buf[1100];
        snprintf(buf, sizeof buf, "%s", events_arg);
        char *save = NULL;
        for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            if (!strcmp(tok, "catalog"))
                use_catalog = 1;
            else if (!strcmp(tok, "none"))
                ;
            else
                snprintf(events_file, sizeof events_file, "%s", tok);
        }
    }
    if (events_file[0]) {
        if ((rc = gs_events_load(events_file, f, &file_evs, &nfile, &err)) < 0)
            goto fail;
        for (size_t i = 0; i < nfile; i++) {
            if (file_evs[i].start_s < fo.from_s || file_evs[i].start_s >= fo.to_s) {
                char a[24], b[24];
                gs_format_time(file_evs[i].start_s, a);
                gs_format_time(file_evs[i].start_s < fo.from_s ? fo.from_s : fo.to_s, b);
                rc = gs_error_set(&err, GS_EINPUT, events_file, 0, 0, "start",
                                  "event '%s' starts %s, %s the period (%s %s): expected events "
                                  "within --from .. --to", file_evs[i].id, a,
                                  file_evs[i].start_s < fo.from_s ? "in the past, before" : "after",
                                  file_evs[i].start_s < fo.from_s ? "--from" : "--to", b);
                goto fail;
            }
            if (file_evs[i].asks_inference_shed) {
                rc = gs_error_set(&err, GS_EINPUT, events_file, 0, 0, "shed_inference",
                                  "event '%s' asks to shed inference: flex never sheds inference in its "
                                  "flexible policy (pausing inference is an outage); mistake (a) in the "
                                  "report shows what that would cost", file_evs[i].id);
                goto fail;
            }
        }
    }
    fev = calloc((use_catalog ? cat->nevents * f->nzones : 0) + nfile + 1, sizeof *fev);
    if (!fev) {
        rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto fail;
    }
    for (size_t i = 0; use_catalog && i < cat->nevents; i++) {
        const gs_grid_event *g = &cat->events[i];
        if (g->end_s <= fo.from_s || g->start_s >= fo.to_s)
            continue;
        for (size_t z = 0; z < f->nzones; z++) {
            if (!gs_event_in_zone(g, f->zones[z].id))
                continue;
            gs_flexsim_event *x = &fev[nfev++];
            snprintf(x->ev.id, sizeof x->ev.id, "%s", g->id);
            x->ev.scope = GS_SCOPE_ZONE;
            x->ev.scope_index = (int)z;
            x->ev.start_s = g->start_s < fo.from_s ? fo.from_s : g->start_s;
            x->ev.end_s = g->end_s > fo.to_s ? fo.to_s : g->end_s;
            if (g->kind == GS_EV_4CP) {
                x->ev.kind = GS_PEV_PEAK;
                x->ev.notice_s = fo.price_notice_s; /* 4CP alerts come ahead: the hour is foreseen */
            } else {
                x->ev.kind = GS_PEV_RESERVE_DEPLOY; /* what the zone's clusters committed is deployed */
                x->ev.ramp_s = 600;
            }
            snprintf(x->origin, sizeof x->origin, "catalog");
            snprintf(x->source, sizeof x->source, "%.250s", g->source);
        }
    }
    /* catalogue events overlapping in one zone (an EEA declared during a load-management day)
     * are one window: the union, planned once */
    for (size_t i = 0; i < nfev; i++)
        for (size_t k = i + 1; k < nfev; k++) {
            gs_flexsim_event *a = &fev[i], *b = &fev[k];
            if (a->ev.scope_index != b->ev.scope_index || a->ev.start_s >= b->ev.end_s || b->ev.start_s >= a->ev.end_s)
                continue;
            if (b->ev.start_s < a->ev.start_s)
                a->ev.start_s = b->ev.start_s;
            if (b->ev.end_s > a->ev.end_s)
                a->ev.end_s = b->ev.end_s;
            if (b->ev.kind == GS_PEV_RESERVE_DEPLOY) {
                a->ev.kind = GS_PEV_RESERVE_DEPLOY;
                a->ev.notice_s = 0;
                a->ev.ramp_s = 600;
            }
            size_t l = strlen(a->ev.id);
            snprintf(a->ev.id + l, sizeof a->ev.id - l, "+%s", b->ev.id);
            fev[k] = fev[--nfev];
            k = i; /* rescan */
        }
    for (size_t i = 0; i < nfile; i++) {
        gs_flexsim_event *x = &fev[nfev++];
        x->ev = file_evs[i];
        snprintf(x->origin, sizeof x->origin, "file");
        snprintf(x->source, sizeof x->source, "%.250s", events_file);
    }

    if ((rc = gs_sim_tz_load(f, fo.from_s - 86400, fo.to_s + 86400, &tz, &err)) < 0)
        goto fail;
    have_tz = 1;
    if ((rc = gs_flexsim_run(f, &tz, prods, np, fev, nfev, &fo, &res, &err)) < 0)
        goto fail;
    if ((rc = gs_flexsim_write_outputs(f, prods, np, &fo, res, out_dir, &err)) < 0)
        goto fail;
    if (!no_report) {
        char path[1100];
        snprintf(path, sizeof path, "%s/report.html", out_dir);
        if ((rc = gs_flexsim_write_report(f, prods, np, &fo, res, path, &err)) < 0)
            goto fail;
    }
    {
        double rev = 0, cost = 0, net = 0, mwh = 0;
        for (size_t k = 0; k < res->nrows; k++) {
            rev += res->rows[k].revenue_usd;
            cost += res->rows[k].curtailment_cost_usd + res->rows[k].penalty_usd;
            net += res->rows[k].net_usd;
            mwh += res->rows[k].mwh_shed;
        }
        printf("flex: %zu rows, %zu events, revenue %.0f USD, cost %.0f USD, net %.0f USD, %.1f MWh shed; "
               "%zu exclusions (summary.json); outputs in %s\n",
               res->nrows, res->nevents, rev, cost, net, mwh, res->nexcl, out_dir);
    }
    rc = 0;
fail:
    gs_flexsim_free(res);
    if (have_tz)
        gs_sim_tz_free(f, &tz);
    for (size_t p = 0; p < np; p++)
        gs_series_free(series[p]);
    free(fev);
    free(file_evs);
    gs_market_catalog_free(cat);
    gs_fleet_free(f);
    return rc < 0 ? gs_cli_fail("flex", &err) : 0;
}
