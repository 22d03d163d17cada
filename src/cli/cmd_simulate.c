/* cmd_simulate.c: `gridsplit simulate FLEET.yaml --out DIR`: the power of every site by load
 * class over a period, written as load.csv, summary.json, clusters.csv, runs.csv and
 * report.html; under --policy flexible with every curtailment the planner made. Refuses (exit 2)
 * a run that would need more memory than the machine has, before allocating it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "gridsplit/fleet.h"
#include "gridsplit/time.h"
#include "gridsplit/sim.h"
#include "gridsplit/write/sim.h"
#include "write/outfile.h"
#include "cli/flexrun.h"
#include "gridsplit/flexsim.h"
#include "gridsplit/read/fleet.h"
#include "gridsplit/read/netcost.h"
#include "gridsplit/read/tz.h"

static const gs_opt_decl SIMULATE_OPTS[] = {
    {.name = "out", .type = GS_OPT_OUTDIR, .flags = GS_OPT_REQUIRED,
     .help = "output directory, created if missing"},
    {.name = "from", .type = GS_OPT_TIME, .def_help = "the fleet's period.from",
     .help = "start, ISO 8601 UTC"},
    {.name = "to", .type = GS_OPT_TIME, .def_help = "the fleet's period.to",
     .help = "end, exclusive"},
    {.name = "step", .type = GS_OPT_STEP, .def = "5min", .divides = "1d",
     .help = "simulation step: 1min, 5min, 15min, 1h, ..."},
    {.name = "load-step", .type = GS_OPT_STEP, .def_help = "--step",
     .help = "step of load.csv, a multiple of --step"},
    {.name = "policy", .type = GS_OPT_CHOICE, .choices = "flexible must-run", .def = "must-run",
     .metavar = "P",
     .help = "flexible: apply the planner to the period's grid events and prices (curtail "
             "training when it pays, as `gridsplit flex` decides); must-run: the fleet's run "
             "plans as they are"},
    {.name = "events", .type = GS_OPT_LIST, .elem = GS_OPT_INPUT, .choices = "catalog none",
     .max_items = 2, .metavar = "E", .def = "catalog", .modes = "flexible",
     .help = GS__FLEXRUN_EVENTS_HELP},
    {.name = "no-csv", .help = "do not write load.csv"},
    {.name = "no-report", .help = "do not write report.html"},
    {.name = "quiet", .help = "no progress bar and no closing message"},
    {0}};

static const gs_opt_group SIMULATE_GROUPS[] = {
    /* --load-step is the step of load.csv: nothing to do without it */
    {.options = "no-csv load-step", .rule = GS_GROUP_EXCLUSIVE},
    {0}};

const gs_cmd_decl gs_cmd_simulate_decl = {
    .name = "simulate",
    .summary = "power of every site by load class over time, with a report",
    .description = "Power of every site, split into training and inference, over a period at a "
                   "fixed step. Writes DIR/load.csv (timestamp,site,class,mw), DIR/summary.json, "
                   "DIR/clusters.csv and DIR/runs.csv (per cluster and per training run) and "
                   "DIR/report.html. Before it starts, the memory the run needs is estimated "
                   "(about steps x (16 x sites + 40 + zones) bytes; docs/simulate.md): above the "
                   "machine's memory it stops with exit 2 and says how to reduce it.",
    .mode_option = "policy",
    .args = {.name = "fleet file", .metavar = "FLEET.yaml", .type = GS_OPT_INPUT, .min = 1,
             .max = 1},
    .opts = SIMULATE_OPTS,
    .groups = SIMULATE_GROUPS,
};

/* The machine's memory: GS_MEMORY_BYTES when set (tests), else physical pages x page size;
 * 0 when not known. */
static double machine_memory_bytes(void)
{
    const char *env = getenv("GS_MEMORY_BYTES");
    if (env && *env) {
        char *end;
        double v = strtod(env, &end);
        if (*end == '\0' && v > 0)
            return v;
    }
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && size > 0 ? (double)pages * (double)size : 0;
}

/* The program itself, the catalogue, the fleet and its series: about 12 MB of resident memory
 * measured on the demo and the real example (docs/simulate.md); rounded up. */
#define BASE_BYTES 16e6

/* Bytes the run holds at its peak: the engine's (gs_sim_memory_bytes, with the cluster and run
 * figures); then, with the result still held, the report's (the fleet's three curves and a
 * buffer to sort: four curves); under the flexible policy first the backtest's, which keeps the
 * must-run and the flexible results at once and a few figures per cluster and hour, and then
 * the plan's two hourly curves per site while the simulation runs; and BASE_BYTES. */
static double run_memory_bytes(const gs_fleet *f, const gs_sim_opts *so, int flexible, int report)
{
    double n = (double)((so->to_s - so->from_s) / so->step_s);
    double hours = (double)(so->to_s - so->from_s) / 3600.0;
    double result = 8.0 * (f->nsites ? (double)f->nsites : 1) * GS_NCLASS * n;
    double sim = gs_sim_memory_bytes(f, so);
    double rep = report ? 8.0 * n * (GS_NCLASS + 2) : 0;
    double ours = BASE_BYTES + (sim > result + rep ? sim : result + rep);
    if (!flexible)
        return ours;
    gs_sim_opts plain = *so;
    plain.detail = 0;
    plain.overrides = NULL;
    plain.noverrides = 0;
    double backtest = BASE_BYTES + 2 * gs_sim_memory_bytes(f, &plain) +
                      8.0 * hours * (3.0 * (double)f->nclusters + 2.0 * (double)f->nsites);
    ours += 8.0 * hours * 2.0 * (double)f->nsites;
    return backtest > ours ? backtest : ours;
}

static void fmt_bytes(char *out, size_t cap, double b)
{
    if (b >= 1e9)
        snprintf(out, cap, "%.1f GB", b / 1e9);
    else
        snprintf(out, cap, "%.0f MB", ceil(b / 1e6));
}

/* Exit 2 before anything is allocated when the run needs more than the machine's memory: the
 * estimate, the memory, and what would fit (a longer step, a shorter period, no report). */
static int check_memory(const gs_fleet *f, const gs_sim_opts *so, int flexible, int report)
{
    double need = run_memory_bytes(f, so, flexible, report), have = machine_memory_bytes();
    if (have <= 0 || need <= have)
        return 0;
    int64_t span = so->to_s - so->from_s;
    double n = (double)(span / so->step_s);
    char a[32], b[32], c[32], alt[512] = "";
    fmt_bytes(a, sizeof a, need);
    fmt_bytes(b, sizeof b, have);
    fmt_bytes(c, sizeof c, 8.0 * (double)f->nsites * GS_NCLASS * n);
    size_t len = 0;
    /* the shortest step that fits and divides the period */
    static const int64_t steps[] = {120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
                                    86400};
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        if (steps[k] <= so->step_s || span % steps[k] || steps[k] % so->step_s)
            continue;
        gs_sim_opts t = *so;
        t.step_s = steps[k];
        double nb = run_memory_bytes(f, &t, flexible, report);
        if (nb <= have) {
            char d[32], st[32];
            fmt_bytes(d, sizeof d, nb);
            if (steps[k] % 3600 == 0)
                snprintf(st, sizeof st, "%lldh", (long long)(steps[k] / 3600));
            else
                snprintf(st, sizeof st, "%lldmin", (long long)(steps[k] / 60));
            len += (size_t)snprintf(alt + len, sizeof alt - len, "; --step %s needs about %s", st, d);
            break;
        }
    }
    /* the longest period that fits at this step (memory grows in proportion to it) */
    double days = floor(have / need * (double)span / 86400.0);
    if (len < sizeof alt && days >= 730)
        len += (size_t)snprintf(alt + len, sizeof alt - len,
                                "; at this step about %.0f years fit (--from/--to)",
                                floor(days / 365.25));
    else if (len < sizeof alt && days >= 1)
        len += (size_t)snprintf(alt + len, sizeof alt - len,
                                "; at this step about %.0f days fit (--from/--to)", days);
    if (len < sizeof alt && report) {
        double nr = run_memory_bytes(f, so, flexible, 0);
        char d[32];
        fmt_bytes(d, sizeof d, nr);
        if (nr < need)
            len += (size_t)snprintf(alt + len, sizeof alt - len, "; --no-report needs about %s", d);
    }
    /* the steps with thousands separators */
    char ns[32], raw[32];
    snprintf(raw, sizeof raw, "%.0f", n);
    size_t rl = strlen(raw), o = 0;
    for (size_t i = 0; i < rl && o + 2 < sizeof ns; i++) {
        if (i > 0 && (rl - i) % 3 == 0)
            ns[o++] = ',';
        ns[o++] = raw[i];
    }
    ns[o] = '\0';
    fprintf(stderr,
            "gridsplit simulate: this run needs about %s of memory (%zu sites x %d classes x %s "
            "steps x 8 bytes = %s of curves, and the buffers of the statistics%s%s), more than "
            "this machine's %s: use a longer --step or a shorter period (--from/--to)%s\n",
            a, f->nsites, GS_NCLASS, ns, c, report ? " and the report" : "",
            flexible ? " and the flexible policy's backtest" : "", b, alt);
    return 2;
}

/* The event each override of the backtest's plan answered (into ev_of[plan->noverrides]). The
 * backtest plans its events in order (plan->events) and appends each plan's overrides in turn:
 * one override that cuts the draw for every job an event curtailed (jobs_curtailed), with the
 * full-power stretches a plan adds around some (r->ovr[k].cuts == 0, given -1). So the cutting
 * overrides, in order, fall to the events by their counts; each must be on a run in its event's
 * scope. Returns 0, or -1 (every entry -1) when they do not add up. */
static int attribute_overrides(const gs_fleet *f, const gs_flexsim_result *plan,
                               const gs_sim_result *r, int *ev_of)
{
    size_t v = 0;
    int left = plan->nevents ? plan->events[0].jobs_curtailed : 0;
    int ok = 1;
    for (size_t k = 0; k < plan->noverrides; k++) {
        ev_of[k] = -1;
        if (!r->ovr || !r->ovr[k].cuts)
            continue;
        while (v < plan->nevents && left <= 0)
            if (++v < plan->nevents)
                left = plan->events[v].jobs_curtailed;
        const gs_override *o = &plan->overrides[k];
        if (v >= plan->nevents || o->run < 0 || (size_t)o->run >= f->nruns) {
            ok = 0;
            break;
        }
        const gs_event *ev = &plan->events[v].e.ev;
        int site = f->clusters[f->runs[o->run].cluster].site;
        if ((ev->scope == GS_SCOPE_SITE && ev->scope_index != site) ||
            (ev->scope == GS_SCOPE_ZONE && ev->scope_index != f->sites[site].zone)) {
            ok = 0;
            break;
        }
        ev_of[k] = (int)v;
        left--;
    }
    for (size_t w = v + 1; ok && w < plan->nevents; w++)
        if (plan->events[w].jobs_curtailed > 0)
            ok = 0;
    if (ok && v < plan->nevents && left > 0)
        ok = 0;
    if (!ok)
        for (size_t k = 0; k < plan->noverrides; k++)
            ev_of[k] = -1;
    return ok ? 0 : -1;
}

int gs_cmd_simulate(int argc, char **argv)
{
    gs_opts *o;
    int rc = gs_opts_cli(&gs_cmd_simulate_decl, argc, argv, NULL, &o);
    if (!o)
        return rc; /* --help printed (0) or usage error printed (2) */
    /* values point into argv: they outlive o */
    const char *fleet_path = gs_opts_arg(o, 0);
    const char *out = gs_opts_str(o, "out");
    const char *events = gs_opts_str(o, "events");
    int flexible = strcmp(gs_opts_mode(o), "flexible") == 0;
    int no_csv = gs_opts_flag(o, "no-csv"), no_report = gs_opts_flag(o, "no-report");
    int quiet = gs_opts_flag(o, "quiet");
    gs_error err = {0};
    gs_sim_opts so = {0};
    so.step_s = gs_opts_step(o, "step");
    int64_t load_step_s = gs_opts_has(o, "load-step") ? gs_opts_step(o, "load-step") : 0;
    if (load_step_s % so.step_s) {
        rc = gs_opts_fail(o, "load-step", "expected a multiple of --step (%s), found '%s'",
                          gs_opts_str(o, "step"), gs_opts_str(o, "load-step"));
        gs_opts_free(o);
        return rc;
    }
    if (flexible && (rc = gs__flexrun_events_check(o, "events")) != 0) {
        gs_opts_free(o);
        return rc;
    }
    gs_route_inputs net; /* the RTT sources the fleet names (its network: section) */
    memset(&net, 0, sizeof net);
    gs_route_opts route = gs_route_opts_default();
    gs_fleet *f = NULL;
    if ((rc = gs_cli_load_fleet("simulate", fleet_path, &f, &err)) < 0) {
        gs_opts_free(o);
        return gs_cli_fail("simulate", &err);
    }
    rc = gs_cli_period(o, f, so.step_s, &so.from_s, &so.to_s);
    if (!rc && flexible) /* the planner plans whole hours */
        rc = gs__flexrun_period_check(o, f, so.from_s, so.to_s, so.step_s,
                                      " with --policy flexible");
    gs_opts_free(o);
    so.detail = 1; /* clusters.csv, runs.csv and the curtailments */
    if (!rc)
        rc = check_memory(f, &so, flexible, !no_report);
    if (rc) {
        gs_fleet_free(f);
        return rc;
    }
    if ((rc = gs_fleet_load_series(f, &err)) < 0 ||
        (rc = gs_route_inputs_load_fleet(&net, f, NULL, NULL, NULL, NULL, NULL, &route, &err)) < 0)
        goto out_fail;
    if (net.warning[0] && !quiet)
        fprintf(stderr, "simulate: warning: %s\n", net.warning);
    so.route = &route;
    gs_sim_tz tz;
    if ((rc = gs_sim_tz_load(f, so.from_s, so.to_s, &tz, &err)) < 0)
        goto out_fail;
    gs__flexrun fr;
    memset(&fr, 0, sizeof fr);
    gs_flexsim_result *plan = NULL;
    if (flexible) {
        /* the one planner over the period's events and prices, as `gridsplit flex` runs it */
        gs_flexsim_opts fo;
        gs_flexsim_opts_default(&fo);
        fo.from_s = so.from_s;
        fo.to_s = so.to_s;
        fo.step_s = so.step_s;
        fo.policy = GS_POLICY_PRICE;
        fo.comparisons = 0; /* flex's two mistakes: not drawn here */
        fo.route = &route;
        if ((rc = gs__flexrun_prepare(&fr, f, &fo, NULL, NULL, events, NULL, 0, &err)) < 0 ||
            (rc = gs_flexsim_run(f, &tz, fr.prods, fr.np, fr.fev, fr.nfev, &fo, &plan, &err)) < 0) {
            gs__flexrun_clear(&fr);
            gs_sim_tz_free(f, &tz);
            goto out_fail;
        }
        so.overrides = plan->overrides;
        so.noverrides = plan->noverrides;
    }
    gs_cli_progress pg;
    gs_cli_progress_start(&pg, "simulate", quiet);
    so.progress = gs_cli_progress_cb;
    so.progress_ctx = &pg;
    gs_sim_result *r = NULL;
    rc = gs_simulate(f, &tz, &so, &r, &err);
    gs_cli_progress_end(&pg);
    int *ev_of = NULL;
    gs_sim_policy_info pinfo = {.events = events, .plan = plan};
    if (rc >= 0 && plan) {
        ev_of = malloc((plan->noverrides ? plan->noverrides : 1) * sizeof *ev_of);
        if (!ev_of)
            rc = gs_error_set(&err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        else if (attribute_overrides(f, plan, r, ev_of) < 0 && !quiet)
            fprintf(stderr, "simulate: warning: the curtailments could not be matched to their "
                            "events; summary.json and the report list them apart\n");
        pinfo.override_event = ev_of;
        if (rc >= 0 && !quiet) {
            gs_sim_policy_totals_t t;
            gs_sim_policy_totals(r, &pinfo, &t);
            fprintf(stderr, "simulate: policy flexible: %zu events and price hours planned (%zu "
                            "price hours screened), %zu acted on: %zu curtailments cut %.1f MWh",
                    plan->nevents, plan->price_hours_screened, t.events_acted_on, t.curtailments,
                    t.mwh_cut);
            if (t.not_applied)
                fprintf(stderr, " (%zu more not applied: the run was not running then)",
                        t.not_applied);
            fprintf(stderr, "; each in summary.json and report.html\n");
        }
    }
    if (rc < 0) {
        if (!err.file[0])
            snprintf(err.file, sizeof err.file, "%s", fleet_path);
        gs_sim_result_free(r);
        free(ev_of);
        gs_flexsim_free(plan);
        gs__flexrun_clear(&fr);
        gs_sim_tz_free(f, &tz);
        goto out_fail;
    }
    char path[1024];
    if ((rc = gs__mkdirs(out, &err)) < 0)
        goto out_write_fail;
    if (!no_csv) {
        snprintf(path, sizeof path, "%s/load.csv", out);
        if ((rc = gs_write_load_csv(f, r, load_step_s, path, &err)) < 0)
            goto out_write_fail;
    }
    snprintf(path, sizeof path, "%s/summary.json", out);
    if ((rc = gs_write_summary_json_policy(f, r, &pinfo, path, &err)) < 0)
        goto out_write_fail;
    snprintf(path, sizeof path, "%s/clusters.csv", out);
    if ((rc = gs_write_clusters_csv(f, r, path, &err)) < 0)
        goto out_write_fail;
    snprintf(path, sizeof path, "%s/runs.csv", out);
    if ((rc = gs_write_runs_csv(f, r, path, &err)) < 0)
        goto out_write_fail;
    if (!no_report) {
        snprintf(path, sizeof path, "%s/report.html", out);
        gs_report_opts ro = {.tz = &tz, .policy = &pinfo};
        if ((rc = gs_report_write_html_opts(f, r, &ro, path, &err)) < 0)
            goto out_write_fail;
    }
    for (size_t s = 0; s < r->nsites; s++) {
        const gs_site *st = &f->sites[s];
        if (st->interconnect_mw > 0 && r->site[s].peak_mw > st->interconnect_mw)
            fprintf(stderr,
                    "simulate: warning: site '%s' peaks at %.1f MW, above its %.1f MW "
                    "interconnection\n",
                    st->id, r->site[s].peak_mw, st->interconnect_mw);
    }
    if (!quiet)
        fprintf(stderr,
                "simulate: %zu sites, %zu steps of %lld s; fleet peak %.1f MW (training %.1f, "
                "inference %.1f); outputs in %s/\n",
                r->nsites, r->nsteps, (long long)r->step_s, r->fleet.peak_mw,
                r->fleet_class[GS_TRAINING].peak_mw, r->fleet_class[GS_INFERENCE].peak_mw, out);
    gs_sim_result_free(r);
    free(ev_of);
    gs_flexsim_free(plan);
    gs__flexrun_clear(&fr);
    gs_sim_tz_free(f, &tz);
    gs_route_inputs_free(&net);
    gs_fleet_free(f);
    return 0;
out_write_fail:
    gs_sim_result_free(r);
    free(ev_of);
    gs_flexsim_free(plan);
    gs__flexrun_clear(&fr);
    gs_sim_tz_free(f, &tz);
out_fail:
    gs_route_inputs_free(&net);
    gs_fleet_free(f);
    return gs_cli_fail("simulate", &err);
}
