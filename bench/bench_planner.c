/* bench_planner.c: time the planner answering one event over 10,000 training jobs (goal:
 * under 10 ms). Prints the median of 21 runs. Run: build/bench_planner [jobs]. */
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

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 10000;
    static const gs_gpu gpu = {"H100", 700, 72, 575, 150, "bench"};
    static const char *const wl[] = {"pretraining", "finetuning", "inference-batch"};
    static const double tiers[] = {0.9, 0.75, 0.5, 1.0};
    gs_plan_job *jobs = calloc(n, sizeof *jobs);
    double site_mw[8] = {0};
    int site_zone[8] = {0};
    if (!jobs)
        return 1;
    uint64_t s = 42;
    const int64_t t0 = 1700000000;
    for (size_t i = 0; i < n; i++) {
        gs_plan_job *j = &jobs[i];
        snprintf(j->id, sizeof j->id, "run-%zu", i);
        j->cls = GS_TRAINING;
        j->run = (int)i;
        j->site = (int)(i % 8);
        j->gpu = &gpu;
        j->utilisation = 0.7 + 0.3 * urand(&s);
        j->pue = 1.15;
        j->curve = gs_capcurve_builtin(wl[i % 3]);
        j->flex = (gs_flex_job){256 + 4096 * urand(&s), 2 + 2 * urand(&s), 86400 * (2 + 26 * urand(&s)),
                                3 * 3600 * urand(&s), 900, tiers[i % 4], 0, INFINITY};
        j->next_ckpt_s = urand(&s) < 0.5 ? (double)(t0 - 3600 + (int64_t)(7200 * urand(&s))) : -1;
        j->power_mw = j->flex.gpus * gs_gpu_power_w(&gpu, j->utilisation) * j->pue * 1e-6;
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
    double ms[21];
    gs_plan p;
    gs_error err = {0};
    for (int r = 0; r < 21; r++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (gs_plan_make(&st, &ev, &pol, &p, &err) < 0) {
            fprintf(stderr, "bench_planner: %s\n", err.message);
            return 1;
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        ms[r] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) * 1e-6;
        if (r < 20)
            gs_plan_free(&p);
    }
    qsort(ms, 21, sizeof ms[0], cmp_d);
    size_t curtailed = 0;
    for (size_t i = 0; i < p.nentries; i++)
        curtailed += p.entries[i].lever != GS_LEVER_RUN;
    printf("bench_planner: %zu jobs, %.1f MW fleet, reduce by %.1f MW: achieved %.1f MW, "
           "%zu jobs curtailed, cost $%.0f\n", n, total, ev.mw, p.achieved_mw, curtailed, p.cost_usd);
    printf("bench_planner: one event planned in %.2f ms (median of 21; min %.2f, max %.2f) %s\n",
           ms[10], ms[0], ms[20], ms[10] < 10 ? "< 10 ms: ok" : ">= 10 ms: TOO SLOW");
    gs_plan_free(&p);
    free(jobs);
    return 0;
}
