/* cmd_plan.c: `gridsplit plan FLEET.yaml --event EVENT.json [--at TIME] [--policy P]
 * [--priority throughput|cost] [--format json|text]`: an operator's dry run of the planner: the
 * fleet's state at the decision time (from its run plans and services, built by
 * gridsplit/planjobs.h), the event, the plan as JSON or as a table on stdout. Consecutive
 * intervals of one event (an OpenADR event's) are planned jointly (gs_plan_make_intervals).
 * `--fit-powercap dvfs_sweep.csv` prints the power-cap curves fitted from a sweep (the source
 * of data/catalog/powercap.csv). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "gridsplit/fleet.h"
#include "gridsplit/flex.h"
#include "gridsplit/time.h"
#include "gridsplit/load.h"
#include "gridsplit/plan.h"
#include "gridsplit/planjobs.h"
#include "gridsplit/sim.h"
#include "gridsplit/tz.h"
#include "gridsplit/read/events.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/tz.h"
#include "gridsplit/write/plan.h"

static const gs_opt_decl PLAN_OPTS[] = {
    {.name = "event", .type = GS_OPT_INPUT, .flags = GS_OPT_STDIO,
     .help = "the grid event: native JSON or an OpenADR 3 event (docs/events.md)"},
    {.name = "at", .type = GS_OPT_TIME, .flags = GS_OPT_NOW,
     .def_help = "the first event's start minus its notice, i.e. when it is announced",
     .help = "decision time, ISO 8601 UTC: levers act from it plus their lead; an event under "
             "way then is planned for what is left of it, one already over is refused"},
    {.name = "now", .means = "at=now", .help = "decide at the clock's time"},
    {.name = "policy", .type = GS_OPT_CHOICE, .choices = "must-run comply price reserve capacity",
     .def = "comply", .metavar = "P", .help = "what the planner may do"},
    {.name = "allow-inference-shed",
     .help = "let the plan shed inference (lost requests, each worth --usd-per-request); off "
             "by default"},
    {.name = "usd-per-request", .type = GS_OPT_NUM, .metavar = "X", .unit = "USD",
     .range = "[0, inf)", .def = "0.002", .requires = "allow-inference-shed",
     .help = "revenue lost per inference request shed"},
    {.name = "reserve-mw", .type = GS_OPT_NUM, .metavar = "MW", .unit = "MW",
     .range = "[0, inf)", .modes = "reserve", .help = "MW committed for the hour"},
    {.name = "capacity-usd-per-mw", .type = GS_OPT_NUM, .metavar = "X", .unit = "USD/MW",
     .range = "[0, inf)", .def = "0", .modes = "capacity",
     .help = "value of one MW off a peak hour"},
    {.name = "priority", .type = GS_OPT_CHOICE, .choices = "throughput cost",
     .def = "throughput", .metavar = "P",
     .help = "among plans that meet the target: the highest tier-weighted throughput, then the "
             "least cost (throughput), or the least cost alone (cost)"},
    {.name = "format", .type = GS_OPT_CHOICE, .choices = "json text", .def = "json",
     .help = "the plan as JSON, or as a table for a person"},
    {.name = "all-jobs", .help = "list every job in scope, not only those curtailed"},
    {.name = "fit-powercap", .type = GS_OPT_INPUT,
     .help = "print power-cap curves fitted from a dvfs sweep CSV and exit"},
    {.name = "board-w", .type = GS_OPT_NUM, .metavar = "W", .unit = "W", .range = "(0, inf)",
     .def = "400", .requires = "fit-powercap",
     .help = "board power of the swept GPU (400: A100 SXM)"},
    {0}};

static const gs_opt_group PLAN_GROUPS[] = {
    {.options = "event", .rule = GS_GROUP_REQUIRED, .unless = "fit-powercap"},
    {.options = "reserve-mw", .rule = GS_GROUP_REQUIRED, .when = "policy=reserve"},
    /* --fit-powercap plans nothing: the planning options have nothing to do with it */
    {.options = "fit-powercap event", .rule = GS_GROUP_EXCLUSIVE},
    {.options = "fit-powercap now", .rule = GS_GROUP_EXCLUSIVE},
    {.options = "fit-powercap at", .rule = GS_GROUP_EXCLUSIVE},
    {.options = "fit-powercap policy", .rule = GS_GROUP_EXCLUSIVE},
    {.options = "fit-powercap allow-inference-shed", .rule = GS_GROUP_EXCLUSIVE},
    {.options = "fit-powercap all-jobs", .rule = GS_GROUP_EXCLUSIVE},
    {.options = "fit-powercap priority", .rule = GS_GROUP_EXCLUSIVE},
    {.options = "fit-powercap format", .rule = GS_GROUP_EXCLUSIVE},
    {0}};

const gs_cmd_decl gs_cmd_plan_decl = {
    .name = "plan",
    .summary = "what to curtail when the grid calls: one event planned, as JSON or a table",
    .usage = "FLEET.yaml --event EVENT.json [options]\n--fit-powercap dvfs_sweep.csv [--board-w W]",
    .description = "What would we do if the grid called now: the fleet's state at the decision "
                   "time (from its run plans and services), the event (native JSON or an "
                   "OpenADR 3 event, docs/plan.md) and a policy give the plan: target, achieved, "
                   "shortfall, tier-weighted throughput, cost, each job's lever, and the "
                   "response curve (MW achieved at +1 s .. the target time). JSON by default "
                   "(target_mw, achieved_mw, shortfall_mw, weighted_throughput, cost_usd, jobs[], "
                   "response_curve[]); --format text prints the same as tables.",
    .epilog = "Exit codes: 0 ok (also when the plan falls short: see shortfall_mw), 2 bad input, "
              "1 failure.",
    .mode_option = "policy",
    .args = {.name = "fleet file", .metavar = "FLEET.yaml", .type = GS_OPT_INPUT, .min = 1,
             .max = 1, .unless = "fit-powercap"},
    .opts = PLAN_OPTS,
    .groups = PLAN_GROUPS,
};

/* --fit-powercap: read Workload,GPU power cap,...,normalized throughput,... and print the fit. */
static int fit_powercap(const char *path, double board_w)
{
    gs_error pe = {0};
    if (gs_cli_check_input_path(path, &pe) < 0) /* "PATH: no such file", ...: exit 2 */
        return gs_cli_fail("plan", &pe);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        gs_error_set(&pe, GS_EIO, path, 0, 0, NULL, "cannot open the file: %s", strerror(errno));
        return gs_cli_fail("plan", &pe);
    }
    static const char *const kinds[] = {"pretraining", "finetuning", "inference-batch"};
    double cap[3][256], thr[3][256], pw[3][256];
    int has_pw = 1;
    size_t n[3] = {0, 0, 0};
    char *line = NULL;
    size_t cap_len = 0;
    long lineno = 0;
    int rc = 0;
    while (getline(&line, &cap_len, fp) > 0) {
        lineno++;
        if (lineno == 1)
            continue;
        char *f[6] = {0};
        int nf = 0;
        line[strcspn(line, "\r\n")] = 0;
        for (char *p = line; p && nf < 6; nf++) {
            f[nf] = p;
            p = strchr(p, ',');
            if (p)
                *p++ = 0;
        }
        if (nf < 5)
            continue;
        const char *w = gs_capcurve_workload_of(f[0]);
        if (!w)
            continue;
        int k = !strcmp(w, "pretraining") ? 0 : !strcmp(w, "finetuning") ? 1 : 2;
        char *e1, *e2, *e3 = NULL;
        double c = strtod(f[1], &e1), t = strtod(f[4], &e2);
        double p = nf >= 6 ? strtod(f[5], &e3) : NAN; /* power per GPU, W (column 6) */
        if (*e1 || *e2 || (e3 && *e3) || n[k] >= 256) {
            gs_error e = {0};
            gs_error_set(&e, GS_EINPUT, path, (int)lineno, 0, "GPU power cap",
                         "expected numbers in columns 2, 5 and 6, found '%s', '%s', '%s'", f[1],
                         f[4], nf >= 6 ? f[5] : "");
            rc = gs_cli_fail("plan", &e);
            break;
        }
        cap[k][n[k]] = c;
        thr[k][n[k]] = t;
        pw[k][n[k]] = p;
        has_pw &= isfinite(p) && p > 0;
        n[k]++;
    }
    free(line);
    fclose(fp);
    if (rc)
        return rc;
    printf("# power-cap curves: throughput (share of uncapped) vs GPU power cap (share of board)\n"
           "# fitted from Emerald AI Phoenix 2025 dvfs_sweep.csv (Apache-2.0), board %g W;\n"
           "# regenerate: gridsplit plan --fit-powercap ${GS_SHARED}/data/emerald_phoenix_2025/dvfs_sweep.csv\n"
           "%sworkload,cap_frac,throughput_frac,samples%s\n", board_w,
           has_pw ? "# power_frac: measured draw per GPU (power per GPU) as a share of board\n" : "",
           has_pw ? ",power_frac" : "");
    for (int k = 0; k < 3; k++) {
        gs_capcurve cv;
        gs_error e = {0};
        if (gs_capcurve_fit_measured(kinds[k], cap[k], thr[k], has_pw ? pw[k] : NULL, n[k],
                                     board_w, &cv, &e) < 0) {
            snprintf(e.file, sizeof e.file, "%s", path);
            return gs_cli_fail("plan", &e);
        }
        for (size_t i = 0; i < cv.n; i++) {
            printf("%s,%.6g,%.6f,%d", cv.workload, cv.cap_frac[i], cv.throughput_frac[i], cv.samples[i]);
            if (has_pw)
                printf(",%.6f", cv.power_frac[i]);
            printf("\n");
        }
    }
    return 0;
}

static double site_pue(const gs_site *s, const gs_tz *tz, int64_t t)
{
    double pue = s->pue;
    if (s->pue_kind == GS_PUE_MONTHLY) {
        size_t hint = 0;
        int64_t local = t + gs_tz_offset(tz, t, &hint);
        int month = 1;
        gs_civil_from_utc(local, NULL, &month, NULL, NULL, NULL, NULL);
        pue = s->pue_monthly[month - 1];
    }
    return pue >= 1.0 ? pue : 1.0;
}

/* The state of fleet f for event ev decided at time now (run plans without overrides; earlier
 * events' losses as lost_s[run] over the run and lost_day_s[run] in the 24 h ending at ev's
 * end, NULL: none). The site totals, each inference cluster's power and requests and the round
 * trips its requests take (routed flows) come from one simulation step at the event start, or
 * at the decision time for an event under way then. */
typedef struct built {
    gs_plan_job *jobs;
    size_t njobs;
    double *site_mw;
    int *site_zone;
} built;

static int build_state(const gs_fleet *f, const gs_sim_tz *tz, const gs_event *ev, int64_t now,
                       const double *lost_s, const double *lost_day_s, built *b, gs_error *err)
{
    size_t cap = f->nruns + f->nclusters;
    b->jobs = calloc(cap ? cap : 1, sizeof *b->jobs);
    b->site_mw = calloc(f->nsites ? f->nsites : 1, sizeof *b->site_mw);
    b->site_zone = calloc(f->nsites ? f->nsites : 1, sizeof *b->site_zone);
    if (!b->jobs || !b->site_mw || !b->site_zone)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    int64_t t = ev->start_s > now ? ev->start_s : now;
    gs_plan_rtt rtt;
    int rc = gs_plan_rtt_init(&rtt, f, t, err);
    if (rc < 0)
        return rc;
    /* site totals (both classes, PUE applied) from one simulation step at the event start */
    gs_sim_opts so = {0};
    so.from_s = t;
    so.to_s = t + 300;
    so.step_s = 300;
    so.on_route = gs_plan_rtt_on_route;
    so.route_ctx = &rtt;
    gs_sim_result *r = NULL;
    if ((rc = gs_simulate(f, tz, &so, &r, err)) < 0) {
        gs_plan_rtt_free(&rtt);
        return rc;
    }
    for (size_t s = 0; s < f->nsites; s++) {
        b->site_mw[s] = gs_sim_mw(r, s, GS_TRAINING, 0) + gs_sim_mw(r, s, GS_INFERENCE, 0);
        b->site_zone[s] = f->sites[s].zone;
    }
    for (size_t i = 0; i < f->nruns; i++) {
        const gs_run *run = &f->runs[i];
        if (!(run->start_s <= t && (double)(t - run->start_s) < run->length_s))
            continue;
        const gs_cluster *c = &f->clusters[run->cluster];
        gs_plan_job_of_run(f, (int)i, t, now, site_pue(&f->sites[c->site], &tz->site_tz[c->site], t),
                           lost_s ? lost_s[i] : 0, lost_day_s ? lost_day_s[i] : 0,
                           &b->jobs[b->njobs++]);
    }
    /* inference clusters: the site's inference MW split by GPUs; requests by service */
    for (size_t k = 0; k < f->nclusters; k++) {
        const gs_cluster *c = &f->clusters[k];
        if (c->cls != GS_INFERENCE || c->service < 0)
            continue;
        double site_gpus = 0, svc_gpus = 0;
        for (size_t m = 0; m < f->nclusters; m++) {
            if (f->clusters[m].cls != GS_INFERENCE)
                continue;
            if (f->clusters[m].site == c->site)
                site_gpus += f->clusters[m].gpus;
            if (f->clusters[m].service == c->service)
                svc_gpus += f->clusters[m].gpus;
        }
        double mw = site_gpus > 0 ? gs_sim_mw(r, (size_t)c->site, GS_INFERENCE, 0) * c->gpus / site_gpus : 0;
        double rps = svc_gpus > 0 && r->served_requests
                         ? r->served_requests[c->service] / 300.0 * c->gpus / svc_gpus : 0;
        gs_plan_job_of_inference(f, (int)k, mw, rps,
                                 site_pue(&f->sites[c->site], &tz->site_tz[c->site], t),
                                 gs_plan_rtt_ms(&rtt, c->service, c->site), &b->jobs[b->njobs++]);
    }
    gs_sim_result_free(r);
    gs_plan_rtt_free(&rtt);
    return GS_OK;
}

/* 1 when b is a later interval of the OpenADR event a is an interval of: the reader names them
 * ID, ID#1, ID#2, ... */
static int same_event(const gs_event *a, const gs_event *b)
{
    size_t n = strcspn(a->id, "#");
    return b->id[strcspn(b->id, "#")] == '#' && strcspn(b->id, "#") == n &&
           !strncmp(a->id, b->id, n);
}

static void built_free(built *b)
{
    free(b->jobs);
    free(b->site_mw);
    free(b->site_zone);
}

int gs_cmd_plan(int argc, char **argv)
{
    gs_opts *o;
    /* --now and --at now read the clock here, through the option layer (the system clock) */
    int rc = gs_opts_cli(&gs_cmd_plan_decl, argc, argv, NULL, &o);
    if (!o)
        return rc; /* --help printed (0) or usage error printed (2) */
    if (gs_opts_given(o, "fit-powercap")) {
        const char *fit = gs_opts_str(o, "fit-powercap");
        double board_w = gs_opts_num(o, "board-w");
        gs_opts_free(o);
        return fit_powercap(fit, board_w);
    }
    /* values point into argv: they outlive o */
    const char *fleet_path = gs_opts_arg(o, 0);
    const char *event_path = gs_opts_str(o, "event");
    int has_at = gs_opts_given(o, "at") > 0;
    int64_t at_given = has_at ? gs_opts_time(o, "at") : 0;
    int all_jobs = gs_opts_flag(o, "all-jobs");
    int as_text = gs_opts_choice(o, "format") == 1;
    int pk = gs_policy_parse(gs_opts_mode(o));
    gs_policy pol;
    gs_policy_default((gs_policy_kind)pk, &pol);
    pol.priority = (gs_priority)gs_priority_parse(gs_opts_str(o, "priority"));
    pol.allow_inference_shed = gs_opts_flag(o, "allow-inference-shed");
    pol.all_entries = all_jobs; /* intervals list every job only when asked */
    if (pol.allow_inference_shed)
        pol.usd_per_request = gs_opts_num(o, "usd-per-request");
    if (pol.kind == GS_POLICY_RESERVE)
        pol.reserve_mw = gs_opts_num(o, "reserve-mw");
    if (pol.kind == GS_POLICY_CAPACITY)
        pol.capacity_usd_per_mw = gs_opts_num(o, "capacity-usd-per-mw");
    gs_opts_free(o);

    gs_error err = {0};
    gs_fleet *f = NULL;
    gs_event *evs = NULL;
    size_t nev = 0, ngrp = 0;
    gs_plan *plans = NULL;
    built *bs = NULL;
    gs_plan_state *sts = NULL;
    size_t *grp = NULL;
    double *lost = NULL, *lost_day = NULL, *lost_of = NULL;
    gs_sim_tz tz;
    int have_tz = 0;
    if ((rc = gs_cli_load_fleet("plan", fleet_path, &f, &err)) < 0)
        goto fail;
    gs_events_read_opts eo = {.require_events = 1};
    if ((rc = gs_events_read(event_path, f, &evs, &nev, &eo, &err)) < 0)
        goto fail;
    if (eo.warning[0])
        fprintf(stderr, "gridsplit plan: warning: %s\n", eo.warning);
    int64_t at = has_at ? at_given : evs[0].start_s - evs[0].notice_s;
    /* Events over at the decision time: an interval of an OpenADR event whose later intervals
     * are still to come is left out (a warning); any other is refused. An event under way is
     * planned for what is left of it (gs_policy.decided_s). */
    size_t kept = 0;
    for (size_t i = 0; i < nev; i++) {
        if (evs[i].end_s <= at) {
            int later = 0;
            for (size_t j = i + 1; j < nev && !later; j++)
                later = evs[j].end_s > at && same_event(&evs[i], &evs[j]);
            char a[24], st[24], en[24];
            gs_format_time(at, a);
            gs_format_time(evs[i].start_s, st);
            gs_format_time(evs[i].end_s, en);
            if (later) {
                fprintf(stderr, "gridsplit plan: warning: interval '%s' (%s .. %s) is over at the "
                        "decision time %s: not planned\n", evs[i].id, st, en, a);
                continue;
            }
            rc = gs_error_set(&err, GS_EINPUT, event_path, 0, 0, "start",
                              "event '%s' is in the past: expected a start at or after the "
                              "decision time %s (--at), or an event still under way then; found "
                              "%s .. %s", evs[i].id, a, st, en);
            goto fail;
        }
        evs[kept++] = evs[i];
    }
    nev = kept;
    for (size_t i = 0; i < nev; i++) {
        if (evs[i].asks_inference_shed && !pol.allow_inference_shed) {
            rc = gs_error_set(&err, GS_EINPUT, event_path, 0, 0, "shed_inference",
                              "event '%s' asks to shed inference, which policy '%s' does not allow "
                              "(inference cannot pause: shedding it is an outage; pass "
                              "--allow-inference-shed to accept lost requests)",
                              evs[i].id, gs_policy_name(pol.kind));
            goto fail;
        }
        /* a dry run decides at --at at the earliest (under way: at --at, gs_plan_make) */
        if (evs[i].start_s >= at && evs[i].start_s - evs[i].notice_s < at)
            evs[i].notice_s = evs[i].start_s - at;
    }
    /* Consecutive intervals of one event with the same scope, class and kind (an OpenADR
     * event's intervals) form a group planned jointly (gs_plan_make_intervals): a job paused in
     * one interval continues its pause in the next unless resuming is better. grp[g] is the
     * first event of group g, grp[ngrp] = nev. */
    grp = calloc(nev + 1, sizeof *grp);
    plans = calloc(nev, sizeof *plans);
    sts = calloc(nev, sizeof *sts);
    bs = calloc(nev, sizeof *bs);
    lost = calloc(f->nruns + 1, sizeof *lost);
    lost_day = calloc(f->nruns + 1, sizeof *lost_day);
    lost_of = calloc(nev * f->nruns + 1, sizeof *lost_of); /* [event][run] lost in its plan */
    if (!grp || !plans || !sts || !bs || !lost || !lost_day || !lost_of) {
        rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < nev; i++) {
        const gs_event *p = i ? &evs[i - 1] : NULL, *e = &evs[i];
        int joins = p && e->start_s == p->end_s && e->scope == p->scope &&
                    e->scope_index == p->scope_index && e->cls == p->cls && e->kind == p->kind &&
                    (e->kind == GS_PEV_REDUCE_TO || e->kind == GS_PEV_REDUCE_BY ||
                     e->kind == GS_PEV_RESERVE_DEPLOY) &&
                    same_event(p, e);
        if (!joins)
            grp[ngrp++] = i;
    }
    grp[ngrp] = nev;
    if ((rc = gs_sim_tz_load(f, at - 86400, evs[nev - 1].end_s + 86400, &tz, &err)) < 0)
        goto fail;
    have_tz = 1;
    /* each group from the state at its first event; later groups carry what earlier plans cost
     * each run: over the run (slack) and in the 24 h ending at the group's end (day window) */
    for (size_t g = 0; g < ngrp; g++) {
        size_t i0 = grp[g], n = grp[g + 1] - grp[g];
        int64_t end = evs[i0 + n - 1].end_s;
        for (size_t k = 0; k < f->nruns; k++) {
            lost_day[k] = 0;
            for (size_t q = 0; q < i0; q++)
                if (evs[q].end_s > end - 86400)
                    lost_day[k] += lost_of[q * f->nruns + k];
        }
        if ((rc = build_state(f, &tz, &evs[i0], at, lost, lost_day, &bs[g], &err)) < 0)
            goto fail;
        gs_plan_state st = {bs[g].njobs, bs[g].jobs, f->nsites, bs[g].site_mw, bs[g].site_zone};
        for (size_t i = i0; i < i0 + n; i++)
            sts[i] = st;
        gs_policy gp = pol;
        if (evs[i0].start_s < at)
            gp.decided_s = at; /* under way: planned from --at, for what is left */
        rc = n == 1 ? gs_plan_make(&st, &evs[i0], &gp, &plans[i0], &err)
                    : gs_plan_make_intervals(&st, &evs[i0], n, &gp, &plans[i0], &err);
        if (rc < 0) {
            if (!err.file[0])
                snprintf(err.file, sizeof err.file, "%s", event_path);
            goto fail;
        }
        for (size_t i = i0; i < i0 + n; i++)
            for (size_t k = 0; k < plans[i].nentries; k++) {
                int run = bs[g].jobs[plans[i].entries[k].job].run;
                if (run < 0)
                    continue;
                lost[run] += plans[i].entries[k].cost.lost_s;
                lost_of[i * f->nruns + (size_t)run] += plans[i].entries[k].cost.lost_s;
            }
    }
    {
        gs_plan_out_opts wo = {.all_jobs = all_jobs};
        char *text = as_text ? gs_plans_to_text(nev, plans, evs, sts, f, &pol, &wo)
                             : gs_plans_to_json(nev, plans, evs, sts, f, &pol, &wo);
        if (!text) {
            rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto fail;
        }
        fputs(text, stdout);
        if (!as_text)
            fputc('\n', stdout);
        free(text);
    }
    rc = 0;
fail:
    if (plans)
        for (size_t i = 0; i < nev; i++)
            gs_plan_free(&plans[i]);
    free(plans);
    if (bs)
        for (size_t g = 0; g < nev; g++)
            built_free(&bs[g]);
    free(bs);
    free(sts);
    free(grp);
    free(lost);
    free(lost_day);
    free(lost_of);
    if (have_tz)
        gs_sim_tz_free(f, &tz);
    free(evs);
    gs_fleet_free(f);
    return rc < 0 ? gs_cli_fail("plan", &err) : 0;
}
