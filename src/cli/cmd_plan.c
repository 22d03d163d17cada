/* cmd_plan.c: `gridsplit plan FLEET.yaml --event EVENT.json [--at TIME] [--policy P]`: an
 * operator's dry run of the planner: the fleet's state at the decision time (from its run
 * plans), the event, the plan as JSON on stdout. `--fit-powercap dvfs_sweep.csv` prints the
 * power-cap curves fitted from a sweep (the source of data/catalog/powercap.csv). */
#include <getopt.h>
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
#include "gridsplit/sim.h"
#include "gridsplit/tz.h"
#include "gridsplit/read/events.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/tz.h"
#include "gridsplit/write/plan.h"

/* Declared in cli/cli.h once the command is registered; repeated here so this file builds
 * on its own. */
int gs_cmd_plan(int argc, char **argv);

static const char *HELP =
    "usage: gridsplit plan FLEET.yaml --event EVENT.json [options]\n"
    "       gridsplit plan --fit-powercap dvfs_sweep.csv [--board-w W]\n"
    "\n"
    "What would we do if the grid called now: the fleet's state at the decision time (from its\n"
    "run plans), the event (native JSON or an OpenADR 3 event, docs/plan.md) and a policy give\n"
    "the plan, printed as JSON: target_mw, achieved_mw, shortfall_mw, cost_usd, jobs[].\n"
    "\n"
    "Options:\n"
    "  --event FILE             the grid event (required)\n"
    "  --at TIME                decision time, ISO 8601 UTC (default: the first event's start\n"
    "                           minus its notice, i.e. when it is announced)\n"
    "  --policy P               must-run, comply (default), price, reserve, capacity\n"
    "  --allow-inference-shed   let the plan shed inference (lost requests); off by default\n"
    "  --usd-per-request X      revenue lost per inference request shed (default 0.002)\n"
    "  --reserve-mw X           reserve: MW committed this hour\n"
    "  --capacity-usd-per-mw X  capacity: value of one MW off a peak hour\n"
    "  --all-jobs               list every job in scope, not only those curtailed\n"
    "  --fit-powercap FILE      print power-cap curves fitted from a dvfs sweep CSV and exit\n"
    "  --board-w W              board power of the swept GPU (default 400, A100 SXM)\n"
    "  -h, --help               this text\n"
    "\n"
    "Exit codes: 0 ok (also when the plan falls short: see shortfall_mw), 2 bad input, 1 failure.\n";

/* --fit-powercap: read Workload,GPU power cap,...,normalized throughput,... and print the fit. */
static int fit_powercap(const char *path, double board_w)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        gs_error e = {0};
        gs_error_set(&e, GS_EIO, path, 0, 0, NULL, "cannot open the file");
        return gs_cli_fail("plan", &e);
    }
    static const char *const kinds[] = {"pretraining", "finetuning", "inference-batch"};
    double cap[3][256], thr[3][256];
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
        char *e1, *e2;
        double c = strtod(f[1], &e1), t = strtod(f[4], &e2);
        if (*e1 || *e2 || n[k] >= 256) {
            gs_error e = {0};
            gs_error_set(&e, GS_EINPUT, path, (int)lineno, 0, "GPU power cap",
                         "expected numbers in columns 2 and 5, found '%s', '%s'", f[1], f[4]);
            rc = gs_cli_fail("plan", &e);
            break;
        }
        cap[k][n[k]] = c;
        thr[k][n[k]] = t;
        n[k]++;
    }
    free(line);
    fclose(fp);
    if (rc)
        return rc;
    printf("# power-cap curves: throughput (share of uncapped) vs GPU power cap (share of board)\n"
           "# fitted from Emerald AI Phoenix 2025 dvfs_sweep.csv (Apache-2.0), board %g W;\n"
           "# regenerate: gridsplit plan --fit-powercap ${GS_SHARED}/data/emerald_phoenix_2025/dvfs_sweep.csv\n"
           "workload,cap_frac,throughput_frac,samples\n", board_w);
    for (int k = 0; k < 3; k++) {
        gs_capcurve cv;
        gs_error e = {0};
        if (gs_capcurve_fit(kinds[k], cap[k], thr[k], n[k], board_w, &cv, &e) < 0) {
            snprintf(e.file, sizeof e.file, "%s", path);
            return gs_cli_fail("plan", &e);
        }
        for (size_t i = 0; i < cv.n; i++)
            printf("%s,%.6g,%.6f,%d\n", cv.workload, cv.cap_frac[i], cv.throughput_frac[i], cv.samples[i]);
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

/* The state of fleet f for event ev decided at time now (run plans without overrides). */
typedef struct built {
    gs_plan_job *jobs;
    size_t njobs;
    double *site_mw;
    int *site_zone;
} built;

static int build_state(const gs_fleet *f, const gs_sim_tz *tz, const gs_event *ev, int64_t now,
                       built *b, gs_error *err)
{
    size_t cap = f->nruns + f->nclusters;
    b->jobs = calloc(cap ? cap : 1, sizeof *b->jobs);
    b->site_mw = calloc(f->nsites ? f->nsites : 1, sizeof *b->site_mw);
    b->site_zone = calloc(f->nsites ? f->nsites : 1, sizeof *b->site_zone);
    if (!b->jobs || !b->site_mw || !b->site_zone)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    int64_t t = ev->start_s;
    /* site totals (both classes, PUE applied) from one simulation step at the event start */
    gs_sim_opts so = {0};
    so.from_s = t;
    so.to_s = t + 300;
    so.step_s = 300;
    gs_sim_result *r = NULL;
    int rc = gs_simulate(f, tz, &so, &r, err);
    if (rc < 0)
        return rc;
    for (size_t s = 0; s < f->nsites; s++) {
        b->site_mw[s] = gs_sim_mw(r, s, GS_TRAINING, 0) + gs_sim_mw(r, s, GS_INFERENCE, 0);
        b->site_zone[s] = f->sites[s].zone;
    }
    for (size_t i = 0; i < f->nruns; i++) {
        const gs_run *run = &f->runs[i];
        if (!(run->start_s <= t && (double)(t - run->start_s) < run->length_s))
            continue;
        const gs_cluster *c = &f->clusters[run->cluster];
        gs_plan_job *j = &b->jobs[b->njobs++];
        snprintf(j->id, sizeof j->id, "%s", run->id);
        j->cls = GS_TRAINING;
        j->run = (int)i;
        j->cluster = run->cluster;
        j->site = c->site;
        j->zone = f->sites[c->site].zone;
        j->gpu = &f->gpus[c->gpu];
        j->utilisation = run->utilisation >= 0 ? run->utilisation : c->utilisation;
        j->pue = site_pue(&f->sites[c->site], &tz->site_tz[c->site], t);
        j->power_mw = run->gpus * gs_gpu_power_w(j->gpu, j->utilisation) * j->pue * 1e-6;
        j->curve = gs_capcurve_builtin(run->workload);
        double progress = (double)(t - run->start_s);
        double I = run->ckpt_interval_s;
        j->flex = (gs_flex_job){.gpus = run->gpus,
                                .usd_per_gpu_hour = c->cost_usd_per_gpu_hour,
                                .length_s = run->length_s,
                                .since_ckpt_s = I > 0 ? fmod(progress, I) : progress,
                                .restart_overhead_s = run->restart_overhead_s,
                                .tier = run->tier,
                                .slack_used_s = 0,
                                .deadline_margin_s = run->deadline_s
                                                         ? (double)run->deadline_s - ((double)run->start_s + run->length_s)
                                                         : INFINITY};
        j->next_ckpt_s = -1;
        if (I > 0) {
            double last = (double)run->start_s + floor(progress / I) * I; /* last ckpt end <= start */
            if (last >= (double)now && last > (double)run->start_s)
                j->next_ckpt_s = last;
            else
                j->next_ckpt_s = (double)run->start_s + (floor(((double)now - (double)run->start_s) / I) + 1) * I;
        }
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
        gs_plan_job *j = &b->jobs[b->njobs++];
        snprintf(j->id, sizeof j->id, "%s", c->id);
        j->cls = GS_INFERENCE;
        j->run = -1;
        j->cluster = (int)k;
        j->site = c->site;
        j->zone = f->sites[c->site].zone;
        j->pue = site_pue(&f->sites[c->site], &tz->site_tz[c->site], t);
        j->flex.tier = 1;
        j->next_ckpt_s = -1;
        j->power_mw = site_gpus > 0 ? gs_sim_mw(r, (size_t)c->site, GS_INFERENCE, 0) * c->gpus / site_gpus : 0;
        j->requests_per_s = svc_gpus > 0 && r->served_requests
                                ? r->served_requests[c->service] / 300.0 * c->gpus / svc_gpus : 0;
    }
    gs_sim_result_free(r);
    return GS_OK;
}

static void built_free(built *b)
{
    free(b->jobs);
    free(b->site_mw);
    free(b->site_zone);
}

static int parse_num(const char *opt, const char *text, double *x)
{
    char *end;
    *x = strtod(text, &end);
    if (end == text || *end || !isfinite(*x) || *x < 0)
        return gs_cli_usage_error("plan", "%s: expected a number >= 0, found '%s'", opt, text);
    return 0;
}

int gs_cmd_plan(int argc, char **argv)
{
    static const struct option opts[] = {
        {"event", required_argument, 0, 'e'},      {"at", required_argument, 0, 'a'},
        {"now", required_argument, 0, 'a'},        {"policy", required_argument, 0, 'p'},
        {"allow-inference-shed", no_argument, 0, 'S'}, {"usd-per-request", required_argument, 0, 'u'},
        {"reserve-mw", required_argument, 0, 'r'}, {"capacity-usd-per-mw", required_argument, 0, 'c'},
        {"all-jobs", no_argument, 0, 'A'},         {"fit-powercap", required_argument, 0, 'F'},
        {"board-w", required_argument, 0, 'b'},    {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *event_path = NULL, *at_text = NULL, *policy = "comply", *fit = NULL;
    int allow_shed = 0, all_jobs = 0, c;
    double usd_req = -1, reserve = -1, capv = -1, board_w = 400;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'e': event_path = optarg; break;
        case 'a': at_text = optarg; break;
        case 'p': policy = optarg; break;
        case 'S': allow_shed = 1; break;
        case 'A': all_jobs = 1; break;
        case 'F': fit = optarg; break;
        case 'u': if (parse_num("--usd-per-request", optarg, &usd_req)) return 2; break;
        case 'r': if (parse_num("--reserve-mw", optarg, &reserve)) return 2; break;
        case 'c': if (parse_num("--capacity-usd-per-mw", optarg, &capv)) return 2; break;
        case 'b': if (parse_num("--board-w", optarg, &board_w) || !(board_w > 0)) return 2; break;
        case 'h': fputs(HELP, stdout); return 0;
        default:
            return gs_cli_usage_error("plan", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (fit)
        return fit_powercap(fit, board_w);
    if (optind != argc - 1)
        return gs_cli_usage_error("plan", "expected one fleet file, found %d arguments", argc - optind);
    if (!event_path)
        return gs_cli_usage_error("plan", "--event FILE is required");
    int pk = gs_policy_parse(policy);
    if (pk < 0)
        return gs_cli_usage_error("plan", "--policy: expected must-run, comply, price, reserve or "
                                          "capacity, found '%s'", policy);
    gs_policy pol;
    gs_policy_default((gs_policy_kind)pk, &pol);
    pol.allow_inference_shed = allow_shed;
    if (usd_req >= 0)
        pol.usd_per_request = usd_req;
    if (reserve >= 0)
        pol.reserve_mw = reserve;
    if (capv >= 0)
        pol.capacity_usd_per_mw = capv;
    if (pol.kind == GS_POLICY_RESERVE && reserve < 0)
        return gs_cli_usage_error("plan", "--policy reserve needs --reserve-mw (the MW committed)");

    gs_error err = {0};
    gs_fleet *f = NULL;
    gs_event *evs = NULL;
    size_t nev = 0;
    gs_plan *plans = NULL;
    built b = {0};
    gs_sim_tz tz;
    int have_tz = 0, rc;
    if ((rc = gs_fleet_load(argv[optind], &f, &err)) < 0)
        goto fail;
    if ((rc = gs_events_load(event_path, f, &evs, &nev, &err)) < 0)
        goto fail;
    int64_t at = evs[0].start_s - evs[0].notice_s;
    if (at_text && (rc = gs_parse_time(at_text, &at, &err)) < 0) {
        snprintf(err.field, sizeof err.field, "--at");
        goto fail;
    }
    for (size_t i = 0; i < nev; i++) {
        if (evs[i].start_s < at) {
            char a[24], s[24];
            gs_format_time(at, a);
            gs_format_time(evs[i].start_s, s);
            rc = gs_error_set(&err, GS_EINPUT, event_path, 0, 0, "start",
                              "event '%s' is in the past: expected a start at or after the "
                              "decision time %s (--at), found %s", evs[i].id, a, s);
            goto fail;
        }
        if (evs[i].asks_inference_shed && !pol.allow_inference_shed) {
            rc = gs_error_set(&err, GS_EINPUT, event_path, 0, 0, "shed_inference",
                              "event '%s' asks to shed inference, which policy '%s' does not allow "
                              "(inference cannot pause: shedding it is an outage; pass "
                              "--allow-inference-shed to accept lost requests)",
                              evs[i].id, gs_policy_name(pol.kind));
            goto fail;
        }
    }
    /* Contiguous intervals of one event with the same scope and kind (an OpenADR event's
     * intervals) are planned as one window at the binding target: one lever per job over the
     * whole window, not a restart per interval. */
    size_t nm = 0;
    for (size_t i = 0; i < nev; i++) {
        gs_event *p = nm ? &evs[nm - 1] : NULL;
        const gs_event *e = &evs[i];
        if (p && e->start_s == p->end_s && e->scope == p->scope && e->scope_index == p->scope_index &&
            e->kind == p->kind && (e->kind == GS_PEV_REDUCE_TO || e->kind == GS_PEV_REDUCE_BY ||
                                   e->kind == GS_PEV_RESERVE_DEPLOY) &&
            !strncmp(e->id, p->id, strcspn(p->id, "#"))) {
            p->end_s = e->end_s;
            p->mw = e->kind == GS_PEV_REDUCE_TO ? fmin(p->mw, e->mw) : fmax(p->mw, e->mw);
            p->asks_inference_shed |= e->asks_inference_shed;
        } else {
            evs[nm++] = *e;
        }
    }
    nev = nm;
    if ((rc = gs_sim_tz_load(f, at - 86400, evs[nev - 1].end_s + 86400, &tz, &err)) < 0)
        goto fail;
    have_tz = 1;
    plans = calloc(nev, sizeof *plans);
    if (!plans) {
        rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto fail;
    }
    /* the state at the first event; later intervals carry the slack each job has used */
    if ((rc = build_state(f, &tz, &evs[0], at, &b, &err)) < 0)
        goto fail;
    for (size_t i = 0; i < nev; i++) {
        gs_event ev = evs[i];
        int64_t now = ev.start_s - ev.notice_s;
        if (now < at)
            ev.notice_s = ev.start_s - at; /* a dry run decides at --at at the earliest */
        if (i > 0) {
            built bi = {0};
            if ((rc = build_state(f, &tz, &ev, at, &bi, &err)) < 0) {
                built_free(&bi);
                goto fail;
            }
            /* carry slack used by earlier intervals (jobs keep their ids) */
            for (size_t k = 0; k < bi.njobs; k++)
                for (size_t m = 0; m < b.njobs; m++)
                    if (!strcmp(bi.jobs[k].id, b.jobs[m].id)) {
                        bi.jobs[k].flex.slack_used_s = b.jobs[m].flex.slack_used_s;
                        bi.jobs[k].flex.deadline_margin_s = b.jobs[m].flex.deadline_margin_s;
                    }
            built_free(&b);
            b = bi;
        }
        gs_plan_state st = {b.njobs, b.jobs, f->nsites, b.site_mw, b.site_zone};
        if ((rc = gs_plan_make(&st, &ev, &pol, &plans[i], &err)) < 0) {
            if (!err.file[0])
                snprintf(err.file, sizeof err.file, "%s", event_path);
            goto fail;
        }
        for (size_t k = 0; k < plans[i].nentries; k++) {
            gs_plan_job *j = &b.jobs[plans[i].entries[k].job];
            j->flex.slack_used_s += plans[i].entries[k].cost.lost_s;
            j->flex.deadline_margin_s -= plans[i].entries[k].cost.lost_s;
        }
    }
    {
        gs_plan_state st = {b.njobs, b.jobs, f->nsites, b.site_mw, b.site_zone};
        char *text = gs_plans_to_json(nev, plans, evs, &st, f, &pol, all_jobs);
        if (!text) {
            rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto fail;
        }
        fputs(text, stdout);
        fputc('\n', stdout);
        free(text);
    }
    rc = 0;
fail:
    if (plans)
        for (size_t i = 0; i < nev; i++)
            gs_plan_free(&plans[i]);
    free(plans);
    built_free(&b);
    if (have_tz)
        gs_sim_tz_free(f, &tz);
    free(evs);
    gs_fleet_free(f);
    return rc < 0 ? gs_cli_fail("plan", &err) : 0;
}
