/* plan_text.c: plans as text for a person (include/gridsplit/write/plan.h): per plan a summary,
 * the jobs' table and the response curve. Power in MW, or kW for a plan whose baseline is
 * below 1 MW (the field test's 93 kW would read 0.093 MW). */
#include "gridsplit/write/plan.h"
#include "gridsplit/duration.h"
#include "gridsplit/flex.h"
#include "gridsplit/time.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct unit {
    const char *name; /* "MW" or "kW" */
    double k;         /* MW -> unit */
    int dec;          /* decimals */
} unit;

static unit unit_of(const gs_plan *p)
{
    if (p->baseline_mw < 1 && p->baseline_mw > 0)
        return (unit){"kW", 1000, 2};
    return (unit){"MW", 1, 3};
}

static void fmt_time(int64_t t, char *b) { gs_format_time(t, b); }

/* "+1s", "+5min", "+8min" */
static void fmt_after(double s, char *b, size_t len)
{
    char d[32];
    gs_duration_format(s, d, sizeof d);
    snprintf(b, len, "+%s", d);
}

static void plan_text(FILE *out, const gs_plan *p, const gs_plan_state *st, const gs_event *ev,
                      const gs_fleet *f, const gs_policy *pol, const gs_plan_out_opts *o)
{
    unit u = unit_of(p);
    char t0[24], t1[24], td[24], tt[24], tm[24], dn[32], dr[32];
    fmt_time(ev->start_s, t0);
    fmt_time(ev->end_s, t1);
    fmt_time(p->decided_s, td);
    fmt_time(p->target_s, tt);
    const char *scope = ev->scope == GS_SCOPE_SITE ? f->sites[ev->scope_index].id
                        : ev->scope == GS_SCOPE_ZONE ? f->zones[ev->scope_index].id : "the fleet";
    gs_duration_format((double)(ev->start_s - p->decided_s), dn, sizeof dn);
    gs_duration_format((double)(p->target_s - ev->start_s), dr, sizeof dr);
    fprintf(out, "event %s: %s at %s%s%s, %s .. %s\n", ev->id, gs_plan_event_kind_name(ev->kind),
            scope, ev->cls != GS_EVCLS_ALL ? ", class " : "",
            ev->cls != GS_EVCLS_ALL ? gs_event_class_name(ev->cls) : "", t0, t1);
    if (p->decided_s > ev->start_s) { /* under way: planned for what is left */
        gs_duration_format((double)(p->decided_s - ev->start_s), dn, sizeof dn);
        fprintf(out, "decided %s, the event under way for %s (what is left is planned); target "
                     "from %s; policy %s, priority %s\n", td, dn, tt, gs_policy_name(pol->kind),
                gs_priority_name(p->priority));
    } else {
        fprintf(out, "decided %s (notice %s); target from %s (ramp %s); policy %s, priority %s\n",
                td, dn, tt, dr, gs_policy_name(pol->kind), gs_priority_name(p->priority));
    }
    fprintf(out, "\n");
    fprintf(out, "  baseline              %10.*f %s\n", u.dec, p->baseline_mw * u.k, u.name);
    if (isfinite(p->limit_mw))
        fprintf(out, "  limit                 %10.*f %s\n", u.dec, p->limit_mw * u.k, u.name);
    if (ev->kind == GS_PEV_PRICE)
        fprintf(out, "  price                 %10.2f USD/MWh\n", ev->price_usd_per_mwh);
    fprintf(out, "  target (cut)          %10.*f %s\n", u.dec, p->target_mw * u.k, u.name);
    fprintf(out, "  achieved              %10.*f %s\n", u.dec, p->achieved_mw * u.k, u.name);
    if (p->baseline_mw > 0)
        fprintf(out, "  load during the event %10.*f %s (%.1f %% below the baseline)\n", u.dec,
                (p->baseline_mw - p->achieved_mw) * u.k, u.name,
                100 * p->achieved_mw / p->baseline_mw);
    fprintf(out, "  shortfall             %10.*f %s\n", u.dec, p->shortfall_mw * u.k, u.name);
    fprintf(out, "  available             %10.*f %s (the most the scope could cut)\n", u.dec,
            p->available_mw * u.k, u.name);
    if (p->met_s >= 0) {
        fmt_time(p->met_s, tm);
        char a[40];
        fmt_after((double)(p->met_s - p->decided_s), a, sizeof a);
        fprintf(out, "  target met from       %s (%s after the decision)\n", tm, a);
    } else if (p->target_mw > 0) {
        fprintf(out, "  target met from       never\n");
    }
    fprintf(out, "  tier-weighted throughput %.4f (each job's average over its tier window, "
                 "weighted by its floor)\n", p->weighted_throughput);
    fprintf(out, "  cost                  %10.2f USD%s\n", p->cost_usd,
            p->optimal ? " (least-cost search proved optimal)" : "");
    if (ev->kind == GS_PEV_PRICE || ev->kind == GS_PEV_PEAK)
        fprintf(out, "  value                 %10.2f USD\n", p->value_usd);
    if (p->note[0])
        fprintf(out, "  note: %s\n", p->note);

    /* the jobs */
    size_t shown = 0, idw = 3;
    for (size_t i = 0; i < p->nentries; i++) {
        const gs_plan_entry *e = &p->entries[i];
        if (!o->all_jobs && e->lever == GS_LEVER_RUN)
            continue;
        size_t l = strlen(st->jobs[e->job].id);
        if (l > idw)
            idw = l;
        shown++;
    }
    fprintf(out, "\n");
    if (!shown) {
        fprintf(out, "jobs: none curtailed%s\n", o->all_jobs ? " (none in scope)" : " (--all-jobs lists every job in scope)");
    } else {
        fprintf(out, "jobs%s (throughput: share of full speed; avg: over the event / the 24 h "
                     "ending at its end / the run)\n",
                o->all_jobs ? "" : " curtailed");
        fprintf(out, "  %-*s  %-9s  %-16s  %6s  %10s  %10s  %10s  %5s  %-6s  %-20s  %10s\n",
                (int)idw, "job", "class", "lever", "cap W", "before", "during", "throughput",
                "floor", "window", "avg event/day/run", "cost USD");
        for (size_t i = 0; i < p->nentries; i++) {
            const gs_plan_entry *e = &p->entries[i];
            if (!o->all_jobs && e->lever == GS_LEVER_RUN)
                continue;
            const gs_plan_job *j = &st->jobs[e->job];
            char cap[16] = "-", avg[40];
            if (e->lever == GS_LEVER_CAP && j->gpu)
                snprintf(cap, sizeof cap, "%.0f", e->cap_frac * j->gpu->board_w);
            else if (e->lever == GS_LEVER_SHRINK)
                snprintf(cap, sizeof cap, "x%.2f", e->cap_frac);
            snprintf(avg, sizeof avg, "%.3f/%.3f/%.3f", e->cost.avg_window[GS_TIER_EVENT],
                     e->cost.avg_window[GS_TIER_DAY], e->cost.avg_window[GS_TIER_RUN]);
            fprintf(out, "  %-*s  %-9s  %-16s  %6s  %10.*f  %10.*f  %10.3f  %5.2f  %-6s  %-20s  %10.2f\n",
                    (int)idw, j->id, gs_class_name(j->cls), gs_lever_name(e->lever), cap, u.dec,
                    e->mw_before * u.k, u.dec, e->mw_after * u.k, e->throughput, e->tier_floor,
                    gs_tier_window_name(e->tier_window), avg, e->cost.usd);
        }
        fprintf(out, "  (before / during: %s at the grid connection)\n", u.name);
        /* what acts when, and inference limits */
        for (size_t i = 0; i < p->nentries; i++) {
            const gs_plan_entry *e = &p->entries[i];
            const gs_plan_job *j = &st->jobs[e->job];
            if (e->lever != GS_LEVER_RUN) {
                char a[24], l[40], fr[24], to[24];
                fmt_time(e->act_s, a);
                fmt_time(e->from_s, fr);
                fmt_time(e->to_s, to);
                fmt_after(e->lead_s, l, sizeof l);
                fprintf(out, "  %s: %s from %s to %s; can act from %s (lead %s)%s\n", j->id,
                        gs_lever_name(e->lever), fr, to, a, l + 1,
                        e->continued ? ", continuing the previous interval's pause" : "");
            }
            if (j->cls == GS_INFERENCE && (o->all_jobs || e->lever != GS_LEVER_RUN)) {
                if (isfinite(j->latency_left_ms))
                    fprintf(out, "  %s: %.0f requests/s on %.0f GPUs (capacity %.0f), server "
                                 "time %.0f ms%s of %.0f ms left after the round trip\n",
                            j->id, j->requests_per_s, j->serving_gpus,
                            e->lever == GS_LEVER_CAP ? e->capacity_rps : j->capacity_rps,
                            e->lever == GS_LEVER_CAP ? e->server_ms : j->server_ms,
                            e->lever == GS_LEVER_CAP ? " capped" : "", j->latency_left_ms);
                else
                    fprintf(out, "  %s: no request routed to its site at the event start: the "
                                 "round trip is unknown, so no power cap is offered\n", j->id);
            }
        }
    }

    /* the response curve */
    fprintf(out, "\nresponse curve (cut achieved after the decision at %s)\n", td);
    fprintf(out, "  %-10s  %-20s  %-8s  %10s  %10s  %10s  %s\n", "after", "at", "in force",
            "achieved", "shortfall", "waiting", "why");
    /* in time order (the target time may fall anywhere among +1 s .. +15 min) */
    int ord[GS_PLAN_POINTS];
    for (int k = 0; k < GS_PLAN_POINTS; k++) {
        int m = k;
        while (m > 0 && p->points[ord[m - 1]].after_s > p->points[k].after_s) {
            ord[m] = ord[m - 1];
            m--;
        }
        ord[m] = k;
    }
    for (int k = 0; k < GS_PLAN_POINTS; k++) {
        const gs_plan_point *q = &p->points[ord[k]];
        char a[24], af[40];
        fmt_time(q->at_s, a);
        fmt_after((double)q->after_s, af, sizeof af);
        fprintf(out, "  %-10s  %-20s  %-8s  %10.*f  %10.*f  %10.*f  %s\n", af, a,
                q->in_force ? "yes" : "no", u.dec, q->achieved_mw * u.k, u.dec,
                q->shortfall_mw * u.k, u.dec, q->waiting_mw * u.k, q->why);
    }
    fprintf(out, "  (%s)\n", u.name);
}

char *gs_plans_to_text(size_t n, const gs_plan *plans, const gs_event *evs,
                       const gs_plan_state *sts, const gs_fleet *f, const gs_policy *pol,
                       const gs_plan_out_opts *o)
{
    if (n == 0)
        return NULL;
    gs_plan_out_opts none = {0};
    if (!o)
        o = &none;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return NULL;
    if (n > 1) {
        double cost = 0, sf = 0;
        for (size_t i = 0; i < n; i++) {
            cost += plans[i].cost_usd;
            if (plans[i].shortfall_mw > sf)
                sf = plans[i].shortfall_mw;
        }
        fprintf(out, "%zu intervals or events: total cost %.2f USD, largest shortfall %.6g MW\n\n",
                n, cost, sf);
    }
    for (size_t i = 0; i < n; i++) {
        if (n > 1)
            fprintf(out, "%s[%zu of %zu] ", i ? "\n" : "", i + 1, n);
        plan_text(out, &plans[i], &sts[i], &evs[i], f, pol, o);
    }
    if (fclose(out) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
