/* bench_planner.c: time the planner (goals: one event over 10,000 jobs under 10 ms; an event
 * of 24 hourly intervals over 10,000 jobs under 100 ms). The fleet has everything the planner
 * weighs: training runs with tiers over the event, a rolling day or the run, each with a
 * measured power curve (the built-in ones, with the sweep's draw), a third checkpointing on
 * demand, per-job lead times; and inference services that may be capped within their latency
 * budget and capacity. Four cases: an event announced an hour ahead (priority throughput,
 * then the same with priority cost), the call that comes now (no notice, no ramp: levers join
 * as they can act), and 24 hourly intervals of a capacity limit that changes each hour,
 * planned jointly: as the daemon gets them (each interval's plan lists the jobs it curtails),
 * then listing every job in scope (policy.all_entries, as `gridsplit plan --all-jobs`).
 * Prints the median, min and max of 21 runs (11 for the intervals).
 * Run: build/bench_planner [jobs]. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gridsplit/plan.h"

static double urand(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

static int report(const char *what, double *ms, int n, double goal)
{
    qsort(ms, (size_t)n, sizeof ms[0], cmp_d);
    printf("bench_planner: %s in %.2f ms (median of %d; min %.2f, max %.2f)%s\n", what,
           ms[n / 2], n, ms[0], ms[n - 1],
           goal <= 0 ? "" : ms[n / 2] < goal ? " ok" : " TOO SLOW"); /* goal 0: none */
    return 0;
}

static void summary(const char *what, const gs_plan *p)
{
    size_t curtailed = 0, late = 0, infcap = 0;
    for (size_t i = 0; i < p->nentries; i++) {
        curtailed += p->entries[i].lever != GS_LEVER_RUN;
        late += p->entries[i].lever != GS_LEVER_RUN && p->entries[i].from_s > p->target_s;
        infcap += p->entries[i].lever == GS_LEVER_CAP && p->entries[i].capacity_rps > 0;
    }
    printf("bench_planner: %s: target %.1f MW, achieved %.1f MW, %zu jobs curtailed (%zu "
           "inference caps, %zu acting late), weighted throughput %.4f, cost $%.0f, optimal %d\n",
           what, p->target_mw, p->achieved_mw, curtailed, infcap, late, p->weighted_throughput,
           p->cost_usd, p->optimal);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 10000;
    static const gs_gpu gpu = {"H100", 700, 72, 575, 150, "bench"};
    static const char *const wl[] = {"pretraining", "finetuning", "inference-batch"};
    static const double tiers[] = {0.9, 0.75, 0.5, 1.0};
    gs_plan_job *jobs = calloc(n ? n : 1, sizeof *jobs);
    double site_mw[8] = {0};
    int site_zone[8] = {0};
    if (!jobs)
        return 1;
    uint64_t s = 42;
    const int64_t t0 = 1700000000;
    for (size_t i = 0; i < n; i++) {
        gs_plan_job *j = &jobs[i];
        j->site = (int)(i % 8);
        j->gpu = &gpu;
        j->pue = 1.15;
        if (i % 5 == 4) { /* an inference service */
            snprintf(j->id, sizeof j->id, "svc-%zu", i);
            j->cls = GS_INFERENCE;
            j->run = -1;
            j->curve = gs_capcurve_builtin("inference-batch");
            j->serving_gpus = 64 + 1024 * urand(&s);
            j->capacity_rps = j->serving_gpus * 20;
            j->requests_per_s = j->capacity_rps * (0.3 + 0.6 * urand(&s));
            j->server_ms = 40 + 200 * urand(&s);
            j->latency_left_ms = urand(&s) < 0.1 ? NAN : j->server_ms * (1 + urand(&s));
            j->flex.tier = 1;
            j->next_ckpt_s = -1;
            double u = j->requests_per_s / j->capacity_rps;
            j->power_mw = j->serving_gpus * gs_gpu_power_w(&gpu, u * 0.92) * j->pue * 1e-6;
        } else {
            snprintf(j->id, sizeof j->id, "run-%zu", i);
            j->cls = GS_TRAINING;
            j->run = (int)i;
            j->utilisation = 0.7 + 0.3 * urand(&s);
            j->curve = gs_capcurve_builtin(wl[i % 3]);
            j->flex = (gs_flex_job){256 + 4096 * urand(&s), 2 + 2 * urand(&s),
                                    86400 * (2 + 26 * urand(&s)), 3 * 3600 * urand(&s), 900,
                                    tiers[i % 4], 0, INFINITY, (gs_tier_window)(i / 4 % 3), 0};
            j->next_ckpt_s = urand(&s) < 0.5 ? (double)(t0 - 3600 + (int64_t)(7200 * urand(&s))) : -1;
            j->ckpt_on_signal = i % 3 == 0;
            j->ckpt_signal_s = 60 + 240 * urand(&s);
            j->cap_lead_s = i % 2 ? 10 : 0;
            j->power_mw = j->flex.gpus * gs_gpu_power_w(&gpu, j->utilisation) * j->pue * 1e-6;
        }
        site_mw[j->site] += j->power_mw;
    }
    double total = 0;
    for (int k = 0; k < 8; k++)
        total += site_mw[k];
    gs_plan_state st = {n, jobs, 8, site_mw, site_zone};
    gs_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = GS_PEV_REDUCE_BY;
    ev.scope = GS_SCOPE_FLEET;
    ev.start_s = t0;
    ev.end_s = t0 + 3 * 3600;
    ev.notice_s = 3600;
    ev.ramp_s = 600;
    ev.mw = 0.25 * total;
    gs_policy pol;
    gs_policy_default(GS_POLICY_COMPLY, &pol);
    gs_error err = {0};
    gs_plan p;
    double ms[21];
    printf("bench_planner: %zu jobs (%zu inference), %.1f MW fleet\n", n, n / 5, total);

    /* 1. an event announced an hour ahead; priority throughput, then cost */
    for (int pr = 0; pr < 2; pr++) {
        pol.priority = pr ? GS_PRIORITY_COST : GS_PRIORITY_THROUGHPUT;
        for (int r = 0; r < 21; r++) {
            double a = now_ms();
            if (gs_plan_make(&st, &ev, &pol, &p, &err) < 0) {
                fprintf(stderr, "bench_planner: %s\n", err.message);
                return 1;
            }
            ms[r] = now_ms() - a;
            if (r < 20)
                gs_plan_free(&p);
        }
        char what[96];
        snprintf(what, sizeof what, "one event (1 h notice, reduce by 25 %%, priority %s)",
                 gs_priority_name(pol.priority));
        summary(what, &p);
        gs_plan_free(&p);
        report(pr ? "one event, priority cost, planned" : "one event planned", ms, 21, 10);
    }
    pol.priority = GS_PRIORITY_THROUGHPUT;

    /* 2. the call that comes now: no notice, no ramp, 10 % */
    gs_event now = ev;
    now.notice_s = 0;
    now.ramp_s = 0;
    now.mw = 0.10 * total;
    for (int r = 0; r < 21; r++) {
        double a = now_ms();
        if (gs_plan_make(&st, &now, &pol, &p, &err) < 0) {
            fprintf(stderr, "bench_planner: %s\n", err.message);
            return 1;
        }
        ms[r] = now_ms() - a;
        if (r < 20)
            gs_plan_free(&p);
    }
    summary("the call that comes now (reduce by 10 %, no notice, no ramp)", &p);
    for (int k = 0; k < GS_PLAN_POINTS; k++)
        printf("bench_planner:   +%llds: %.1f MW, short %.1f MW\n",
               (long long)p.points[k].after_s, p.points[k].achieved_mw, p.points[k].shortfall_mw);
    gs_plan_free(&p);
    report("the call that comes now planned", ms, 21, 10);

    /* 3. 24 hourly intervals of a limit that changes each hour */
    gs_event evs[24];
    for (int h = 0; h < 24; h++) {
        evs[h] = ev;
        evs[h].kind = GS_PEV_REDUCE_TO;
        evs[h].start_s = t0 + 3600 * h;
        evs[h].end_s = evs[h].start_s + 3600;
        evs[h].notice_s = 3600 + 3600 * h; /* all announced an hour before the first */
        evs[h].ramp_s = 0;
        evs[h].mw = total * (0.85 - 0.15 * sin(3.14159265 * h / 23.0));
    }
    gs_plan ps[24];
    double ims[11];
    for (int all = 0; all < 2; all++) {
        pol.all_entries = all;
        for (int r = 0; r < 11; r++) {
            double a = now_ms();
            if (gs_plan_make_intervals(&st, evs, 24, &pol, ps, &err) < 0) {
                fprintf(stderr, "bench_planner: %s\n", err.message);
                return 1;
            }
            ims[r] = now_ms() - a;
            if (r < 10)
                for (int h = 0; h < 24; h++)
                    gs_plan_free(&ps[h]);
        }
        size_t cont = 0, listed = 0;
        double short_mw = 0;
        for (int h = 0; h < 24; h++) {
            for (size_t i = 0; i < ps[h].nentries; i++)
                cont += ps[h].entries[i].continued;
            listed += ps[h].nentries;
            short_mw = fmax(short_mw, ps[h].shortfall_mw);
        }
        printf("bench_planner: 24 intervals: %zu entries (%zu B each), %zu pauses continued from "
               "the previous hour, largest shortfall %.1f MW, hour 12: target %.1f MW, weighted "
               "throughput %.4f\n", listed, sizeof(gs_plan_entry), cont, short_mw,
               ps[12].target_mw, ps[12].weighted_throughput);
        for (int h = 0; h < 24; h++)
            gs_plan_free(&ps[h]);
        report(all ? "24 hourly intervals planned jointly, every job listed"
                   : "24 hourly intervals planned jointly", ims, 11, all ? 0 : 100);
    }
    free(jobs);
    return 0;
}
