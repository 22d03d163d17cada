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
 * Run: build/bench_planner [jobs] [--only CASE R] [--dump FILE] [--no-malloc-tuning].
 *   The allocator is set as the daemon sets it at start (src/daemon/serve.c: freed memory kept
 *   for the next plan); --no-malloc-tuning measures glibc's defaults.
 *   --only CASE R: only one case, R times, untimed, for per-call counts (callgrind
 *     --toggle-collect=gs_plan_make or gs_plan_make_intervals; perf stat of R = 11 less R = 1):
 *     event (1 h notice, priority throughput), cost (the same, priority cost), now (the call
 *     that comes now), intervals (the 24 intervals as the daemon gets them).
 *   --dump FILE: also write every field of every plan of a fixed set of cases (this fleet, a
 *     variant with deadlines, slack used, time lost in the day and slow restarts, and that
 *     variant with its jobs in groups of 32 alike (ties everywhere): one event,
 *     the call that comes now, 24 hourly limits, 24 limits that come and go, an event under
 *     way, 48 half-hours, no exhaustive search; both priorities, compact and every job
 *     listed) as text with exact (hex) floats, the entries and overrides of each plan as a
 *     hash of that text, so that two trees' plans can be diffed. */
#include <malloc.h>
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

/* ---- --dump: every field of a plan, floats exact ----------------------------------------- */

/* FNV-1a over text: the entries and overrides of a plan are written as one hash each (24
 * intervals of 10,000 jobs listed would be gigabytes of text); the rest in full. */
static uint64_t fnv(uint64_t h, const char *t)
{
    for (; *t; t++)
        h = (h ^ (unsigned char)*t) * 1099511628211ULL;
    return h;
}

static void dump_plan(FILE *f, const char *what, int k, const gs_plan *p)
{
    fprintf(f, "plan %s %d: kind %d base %a limit %a target %a achieved %a short %a avail %a "
            "cost %a value %a optimal %d prio %d wt %a decided %lld target_s %lld met %lld "
            "note \"%s\" entries %zu overrides %zu\n",
            what, k, (int)p->kind, p->baseline_mw, p->limit_mw, p->target_mw, p->achieved_mw,
            p->shortfall_mw, p->available_mw, p->cost_usd, p->value_usd, p->optimal,
            (int)p->priority, p->weighted_throughput, (long long)p->decided_s,
            (long long)p->target_s, (long long)p->met_s, p->note, p->nentries, p->noverrides);
    for (int q = 0; q < GS_PLAN_POINTS; q++) {
        const gs_plan_point *t = &p->points[q];
        fprintf(f, " point %lld %lld %d %a %a %a \"%s\"\n", (long long)t->at_s,
                (long long)t->after_s, t->in_force, t->achieved_mw, t->shortfall_mw,
                t->waiting_mw, t->why);
    }
    char line[1024];
    uint64_t he = 14695981039346656037ULL, ho = he;
    for (size_t i = 0; i < p->nentries; i++) {
        const gs_plan_entry *e = &p->entries[i];
        const gs_flex_cost *c = &e->cost;
        snprintf(line, sizeof line,
                 "%d %d %lld %lld %a %a %a %a %a cost %a %a %a %a %a %a %a %a %a %a %d "
                 "%a %a %a %d %d %a %a %a %lld %a %a\n",
                 e->job, (int)e->lever, (long long)e->from_s, (long long)e->to_s, e->cap_frac,
                 e->throughput, e->mw_before, e->mw_after, e->reduction_mw, c->lost_s,
                 c->gpu_hours, c->usd, c->share, c->slip_s, c->slip_usd, c->avg_throughput,
                 c->avg_window[0], c->avg_window[1], c->avg_window[2], c->tier_ok,
                 e->tier_floor, e->slack_left_s, e->lost_requests, (int)e->tier_window,
                 e->continued, e->weight, e->perf, e->lead_s, (long long)e->act_s,
                 e->server_ms, e->capacity_rps);
        he = fnv(he, line);
    }
    for (size_t i = 0; i < p->noverrides; i++) {
        const gs_override *o = &p->overrides[i];
        snprintf(line, sizeof line, "%d %d %lld %lld %a %a %a\n", o->run, (int)o->kind,
                 (long long)o->from_s, (long long)o->to_s, o->cap_frac, o->throughput_frac,
                 o->power_frac);
        ho = fnv(ho, line);
    }
    fprintf(f, " entries %016llx overrides %016llx\n", (unsigned long long)he,
            (unsigned long long)ho);
}

/* Plan and dump one case: n == 0 one event (gs_plan_make), else n intervals. */
static int dump_case(FILE *f, const char *what, const gs_plan_state *st, const gs_event *evs,
                     size_t n, const gs_policy *pol)
{
    gs_plan ps[48];
    gs_error err = {0};
    size_t m = n ? n : 1;
    int rc = n ? gs_plan_make_intervals(st, evs, n, pol, ps, &err)
               : gs_plan_make(st, evs, pol, &ps[0], &err);
    if (rc < 0) {
        fprintf(stderr, "bench_planner: %s: %s\n", what, err.message);
        return 1;
    }
    for (size_t k = 0; k < m; k++) {
        dump_plan(f, what, (int)k, &ps[k]);
        gs_plan_free(&ps[k]);
    }
    return 0;
}

/* Every case of --dump over st (fleet total `total` MW), an event ev as in main. */
static int dump_fleet(FILE *f, const char *fleet, const gs_plan_state *st, const gs_event *ev,
                      double total)
{
    int bad = 0;
    char what[128];
    for (int pr = 0; pr < 2; pr++)
        for (int all = 0; all < 2; all++) {
            gs_policy pol;
            gs_policy_default(GS_POLICY_COMPLY, &pol);
            pol.priority = pr ? GS_PRIORITY_COST : GS_PRIORITY_THROUGHPUT;
            pol.all_entries = all;
            const char *tag = pr ? (all ? "cost-all" : "cost") : (all ? "thr-all" : "thr");
            if (!all) {
                snprintf(what, sizeof what, "%s/one-event/%s", fleet, tag);
                bad |= dump_case(f, what, st, ev, 0, &pol);
                gs_event now = *ev;
                now.notice_s = 0;
                now.ramp_s = 0;
                now.mw = 0.10 * total;
                snprintf(what, sizeof what, "%s/call-now/%s", fleet, tag);
                bad |= dump_case(f, what, st, &now, 0, &pol);
            }
            gs_event evs[48];
            for (int shape = 0; shape < 5; shape++) {
                size_t nint = shape == 3 ? 48 : 24;
                int64_t len = shape == 3 ? 1800 : 3600;
                for (size_t h = 0; h < nint; h++) {
                    evs[h] = *ev;
                    evs[h].kind = GS_PEV_REDUCE_TO;
                    evs[h].start_s = ev->start_s + len * (int64_t)h;
                    evs[h].end_s = evs[h].start_s + len;
                    evs[h].notice_s = 3600 + len * (int64_t)h;
                    evs[h].ramp_s = 0;
                    double x = (double)h / (double)(nint - 1);
                    evs[h].mw = total * (0.85 - 0.15 * sin(3.14159265 * x));
                    if (shape == 1) /* limits that come and go */
                        evs[h].mw = h % 5 == 2 || h % 7 == 3 ? total : total * (0.8 + 0.1 * sin(h));
                }
                gs_policy p2 = pol;
                if (shape == 2) /* decided half an hour into the first hour: under way */
                    p2.decided_s = ev->start_s + 1800;
                if (shape == 4)
                    p2.exact_core = 0;
                static const char *const names[] = {"hourly", "come-and-go", "under-way",
                                                    "half-hours", "no-search"};
                snprintf(what, sizeof what, "%s/%s/%s", fleet, names[shape], tag);
                bad |= dump_case(f, what, st, evs, nint, &p2);
            }
        }
    return bad;
}

int main(int argc, char **argv)
{
    size_t n = 10000;
    const char *only = NULL; /* --only CASE R */
    int only_reps = 0;
    const char *dump = NULL;
    int tune = 1;
    for (int a = 1; a < argc; a++)
        if (strcmp(argv[a], "--no-malloc-tuning") == 0)
            tune = 0;
#ifdef __GLIBC__
    /* the allocator as the daemon sets it at start (src/daemon/serve.c, gs_serve_run): freed
     * plan memory kept for the next plan, not returned to the system and faulted in again;
     * --no-malloc-tuning measures glibc's defaults */
    if (tune) {
        mallopt(M_MMAP_THRESHOLD, 32 << 20);
        mallopt(M_TRIM_THRESHOLD, 128 << 20);
    }
#endif
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--no-malloc-tuning") == 0)
            continue;
        if (strcmp(argv[a], "--only") == 0 && a + 2 < argc) {
            only = argv[++a];
            only_reps = (int)strtol(argv[++a], NULL, 10);
        }
        else if (strcmp(argv[a], "--dump") == 0 && a + 1 < argc)
            dump = argv[++a];
        else if (argv[a][0] != '-')
            n = (size_t)strtoul(argv[a], NULL, 10);
        else {
            fprintf(stderr, "usage: bench_planner [jobs] [--only event|cost|now|intervals R] "
                            "[--dump FILE] [--no-malloc-tuning]\n");
            return 2;
        }
    }
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

    /* the 24 hourly intervals of a limit that changes each hour (case 3) */
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

    if (dump) {
        FILE *f = fopen(dump, "w");
        if (!f) {
            fprintf(stderr, "bench_planner: cannot write %s\n", dump);
            return 1;
        }
        int bad = dump_fleet(f, "bench", &st, &ev, total);
        /* the variant: deadlines (a third), slack used (half), time lost in the day (day
         * windows), restarts of up to 2 h (bridges worth it) */
        for (size_t i = 0; i < n; i++) {
            gs_plan_job *j = &jobs[i];
            if (j->cls != GS_TRAINING)
                continue;
            double allowed = j->flex.tier < 1 ? j->flex.length_s * (1 / j->flex.tier - 1) : 0;
            if (urand(&s) < 0.5)
                j->flex.slack_used_s = allowed * 0.6 * urand(&s);
            if (i % 3 == 1)
                j->flex.deadline_margin_s = 86400 * 3 * urand(&s);
            if (j->flex.window == GS_TIER_DAY && urand(&s) < 0.5)
                j->flex.lost_day_s = 3 * 3600 * urand(&s);
            j->flex.restart_overhead_s = 7200 * urand(&s);
        }
        bad |= dump_fleet(f, "variant", &st, &ev, total);
        /* twins: jobs in groups of 32 alike (ties everywhere: equal options, equal slopes) */
        for (size_t i = 0; i < n; i++) {
            const gs_plan_job *t = &jobs[i - i % 32];
            if (t->cls != jobs[i].cls)
                continue;
            site_mw[jobs[i].site] -= jobs[i].power_mw;
            gs_plan_job keep = jobs[i];
            jobs[i] = *t;
            memcpy(jobs[i].id, keep.id, sizeof keep.id);
            jobs[i].run = keep.run;
            site_mw[jobs[i].site] += jobs[i].power_mw;
        }
        bad |= dump_fleet(f, "twins", &st, &ev, total);
        if (fclose(f) != 0 || bad) {
            fprintf(stderr, "bench_planner: the dump failed\n");
            return 1;
        }
        printf("bench_planner: plans written to %s\n", dump);
        free(jobs);
        return 0;
    }
    if (only) { /* per-call counts: one case, untimed */
        int iv = strcmp(only, "intervals") == 0;
        gs_event one = ev;
        if (strcmp(only, "now") == 0) {
            one.notice_s = 0;
            one.ramp_s = 0;
            one.mw = 0.10 * total;
        } else if (strcmp(only, "cost") == 0) {
            pol.priority = GS_PRIORITY_COST;
        } else if (!iv && strcmp(only, "event") != 0) {
            fprintf(stderr, "bench_planner: --only event, cost, now or intervals\n");
            return 2;
        }
        for (int r = 0; r < only_reps; r++) {
            int rc = iv ? gs_plan_make_intervals(&st, evs, 24, &pol, ps, &err)
                        : gs_plan_make(&st, &one, &pol, &ps[0], &err);
            if (rc < 0) {
                fprintf(stderr, "bench_planner: %s\n", err.message);
                return 1;
            }
            for (int h = 0; h < (iv ? 24 : 1); h++)
                gs_plan_free(&ps[h]);
        }
        printf("bench_planner: %s planned %d times\n", only, only_reps);
        free(jobs);
        return 0;
    }

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

    /* 3. 24 hourly intervals of a limit that changes each hour (evs above) */
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
