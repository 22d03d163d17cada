/* dealrun.c: the part of resolving a deal that reads files and runs simulations, shared by
 * `gridsplit underwrite` (src/cli/cmd_underwrite.c) and `gridsplit scenarios`
 * (src/cli/cmd_scenarios.c): the zones' headroom from their demand series and the capacity
 * shares of zones charged on their coincident peaks (ERCOT 4CP from the grid-event catalogue,
 * PJM 5CP derived from the RTO's EIA-930 load). See src/cli/dealrun.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/dealrun.h"
#include "gridsplit/headroom.h"
#include "gridsplit/load.h"
#include "gridsplit/market.h"
#include "gridsplit/peaks.h"
#include "gridsplit/read/import.h"
#include "gridsplit/read/market.h"
#include "gridsplit/read/tz.h"
#include "gridsplit/sim.h"
#include "gridsplit/time.h"

/* ---- zone headroom ------------------------------------------------------------------------ */

/* A zone's demand as an hourly series (a copy: cleaning changes it), or NULL with why (NULL
 * and why empty: out of memory). */
static gs_series *hourly_copy(const gs_series *d, char *why, size_t len)
{
    if (d->step_s <= 0 || d->n == 0 || (d->step_s != 3600 && 3600 % d->step_s != 0)) {
        snprintf(why, len, "its demand series has a step of %lld s, not an hour or a divisor of it",
                 (long long)d->step_s);
        return NULL;
    }
    int64_t t0 = d->start_s - ((d->start_s % 3600) + 3600) % 3600;
    int64_t t1 = d->start_s + (int64_t)d->n * d->step_s;
    size_t n = (size_t)((t1 - t0 + 3599) / 3600);
    gs_series *h = gs_series_new(t0, 3600, n);
    if (!h)
        return NULL;
    double *sum = calloc(n, sizeof *sum);
    size_t *cnt = calloc(n, sizeof *cnt);
    if (!sum || !cnt) {
        free(sum);
        free(cnt);
        gs_series_free(h);
        return NULL;
    }
    for (size_t i = 0; i < d->n; i++) {
        size_t k = (size_t)((d->start_s + (int64_t)i * d->step_s - t0) / 3600);
        if (k < n && isfinite(d->v[i])) {
            sum[k] += d->v[i];
            cnt[k]++;
        }
    }
    for (size_t k = 0; k < n; k++)
        h->v[k] = cnt[k] ? sum[k] / (double)cnt[k] : NAN;
    free(sum);
    free(cnt);
    return h;
}

int gs__dealrun_zone_headroom(const gs_fleet *f, size_t z, double rate_pct,
                              gs__zone_headroom *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    out->mw = NAN;
    const gs_zone *zn = &f->zones[z];
    if (!zn->demand_mw) {
        snprintf(out->why, sizeof out->why, "the zone has no demand series");
        return 0;
    }
    gs_series *h = hourly_copy(zn->demand_mw, out->why, sizeof out->why);
    if (!h) {
        if (!out->why[0])
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        return 0;
    }
    gs_clean_opts co = {0};
    co.only_missing = 1;
    gs_headroom hr;
    gs_error e = {0};
    int rc = gs_demand_clean(h, &co, NULL, &e);
    if (!rc)
        rc = gs_headroom_solve(h, &rate_pct, 1, &hr, &e);
    gs_series_free(h);
    if (rc == GS_ENOMEM)
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (rc) {
        snprintf(out->why, sizeof out->why, "%.180s", e.message);
        return 0;
    }
    out->known = 1;
    out->mw = hr.results[0].headroom_mw;
    out->year_first = hr.year_first;
    out->year_last = hr.year_last;
    out->hours = hr.hours;
    return 0;
}

/* The headroom of each site's zone (once per zone): the deal's headroom_mw where given, else
 * the zone's at the curtailment rate of curtailed_hours_per_year; notes[i] says which, or why
 * there is none. */
static int site_headrooms(const gs_deal *d, const gs_fleet *f, const gs_econ_terms *t,
                          gs_econ_site *sites, char (*notes)[192], gs_error *err)
{
    double rate = 100.0 * t->curtailed_hours_per_year / 8760.0;
    size_t nz = f->nzones ? f->nzones : 1;
    gs__zone_headroom *zh = calloc(nz, sizeof *zh);
    int *done = calloc(nz, sizeof *done);
    if (!zh || !done) {
        free(zh);
        free(done);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    int rc = 0;
    for (size_t i = 0; i < d->nsites && !rc; i++) {
        gs_econ_site *s = &sites[i];
        char *note = notes ? notes[i] : NULL;
        if (note)
            note[0] = '\0';
        if (s->headroom_known) {
            if (note)
                snprintf(note, 192, "deal file (headroom_mw)");
            continue;
        }
        int fi = gs_fleet_find_site(f, s->id);
        int z = fi >= 0 ? f->sites[fi].zone : -1;
        if (z < 0 || (size_t)z >= f->nzones || !f->zones[z].demand_mw) {
            if (note)
                snprintf(note, 192, "none: no headroom_mw in the deal and no demand series for "
                                    "the zone in the fleet");
            continue;
        }
        if (!done[z]) {
            done[z] = 1;
            if ((rc = gs__dealrun_zone_headroom(f, (size_t)z, rate, &zh[z], err)))
                break;
        }
        if (!zh[z].known) {
            if (note)
                snprintf(note, 192, "none: %.170s", zh[z].why);
            continue;
        }
        if (note)
            snprintf(note, 192, "gridsplit headroom of the %.40s demand series %d-%d at %.2f %% "
                     "curtailment", f->zones[z].id, zh[z].year_first, zh[z].year_last, rate);
        s->headroom_known = 1;
        s->headroom_mw = zh[z].mw;
    }
    free(zh);
    free(done);
    return rc;
}

/* ---- coincident peaks (ERCOT 4CP, PJM 5CP) ------------------------------------------------ */
#define CP_STEP_S 900       /* the peaks are 15-minute intervals */
#define CP_YEARS_MAX 16

/* One calendar year of coincident peaks of a zone: its intervals, and (filled on demand) the
 * simulated inference draw of every site in them over its mean draw of the year (MW at the
 * grid, mean over the intervals / mean over every step). */
typedef struct cp_year {
    int year;
    size_t n;
    int64_t from[8], to[8];
    double mw[8];                     /* 5CP: the RTO load that hour; 4CP: NAN */
    int simulated;
    double *ratio;                    /* [site of the fleet]; NAN: no step in the peaks or no
                                         inference draw */
} cp_year;

/* Simulate the fleet over calendar year y->year at 15 minutes and fill y->ratio. */
static int cp_simulate(const gs_fleet *f, cp_year *y, gs_error *err)
{
    gs_sim_opts so = {0};
    so.step_s = CP_STEP_S;
    so.from_s = gs_utc_from_civil(y->year, 1, 1, 0, 0, 0);
    so.to_s = gs_utc_from_civil(y->year + 1, 1, 1, 0, 0, 0);
    gs_sim_tz tz;
    int rc = gs_sim_tz_load(f, so.from_s, so.to_s, &tz, err);
    if (rc < 0)
        return rc;
    gs_sim_result *r = NULL;
    rc = gs_simulate(f, &tz, &so, &r, err);
    gs_sim_tz_free(f, &tz);
    if (rc < 0)
        return rc;
    y->ratio = calloc(f->nsites ? f->nsites : 1, sizeof *y->ratio);
    if (!y->ratio) {
        gs_sim_result_free(r);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t s = 0; s < f->nsites; s++) {
        double all = 0, peak = 0; /* MW at the grid: all steps, the steps in the peaks */
        size_t npeak = 0;
        for (size_t i = 0; i < r->nsteps; i++) {
            double mw = gs_sim_mw(r, s, GS_INFERENCE, i);
            int64_t t0 = r->start_s + (int64_t)i * r->step_s, t1 = t0 + r->step_s;
            all += mw;
            for (size_t k = 0; k < y->n; k++)
                if (t0 < y->to[k] && t1 > y->from[k]) {
                    peak += mw;
                    npeak++;
                    break;
                }
        }
        double mean = r->nsteps ? all / (double)r->nsteps : 0;
        y->ratio[s] = npeak && mean > 0 ? (peak / (double)npeak) / mean : NAN;
    }
    gs_sim_result_free(r);
    y->simulated = 1;
    return 0;
}

/* The price years of site s with PJM's 5CP derived from the zone's RTO load (the catalogue's
 * peak_load, an hourly EIA-930 file; its days in peak_tz) by gs_five_cp (src/econ/peaks.c):
 * years[] (n of them) gets each distinct price year with at least one summer day of data. A
 * file that cannot be read is an error (the catalogue names it). */
static int five_cp_years(const gs_deal *d, int zi, const gs_econ_site *s, cp_year *years,
                         size_t *ny, gs_error *err)
{
    *ny = 0;
    gs_import_opts io = {0};
    int stamped_at_end = 0;
    io.format = "eia930";
    io.stamped_at_end_out = &stamped_at_end;
    gs_points *p = NULL;
    int rc = gs_import_points(d->zone_peak_load[zi], &io, &p, err);
    if (rc)
        return rc;
    /* EIA-930 stamps each hour at its end ("hour ending", UTC; the release's date_time is EIA's
     * own stamp: docs/import-formats.md): the hour starts an hour earlier, and its day is the
     * day it starts on (23:00-24:00 is the evening's, not the next morning's) */
    for (size_t i = 0; stamped_at_end && i < p->n; i++)
        p->t[i] -= 3600;
    for (size_t k = 0; k < s->nprice_years && *ny < CP_YEARS_MAX; k++) {
        int yr = s->price_year[k], seen = 0;
        for (size_t j = 0; j < *ny; j++)
            seen |= years[j].year == yr;
        if (!yr || seen)
            continue;
        gs_tz tz;
        memset(&tz, 0, sizeof tz);
        if ((rc = gs_tz_load(d->zone_peak_tz[zi], gs_utc_from_civil(yr, 5, 1, 0, 0, 0),
                             gs_utc_from_civil(yr, 11, 1, 0, 0, 0), &tz, err)))
            break;
        gs_cp_hour h[5];
        size_t nh = gs_five_cp(p, &tz, yr, h, 5);
        gs_tz_clear(&tz);
        cp_year y;
        memset(&y, 0, sizeof y);
        y.year = yr;
        for (size_t q = 0; q < nh; q++) {
            y.from[q] = h[q].from_s;
            y.to[q] = h[q].to_s;
            y.mw[q] = h[q].mw;
        }
        y.n = nh;
        if (y.n)
            years[(*ny)++] = y;
    }
    gs_points_free(p);
    return rc;
}

/* The sites in zones that charge on coincident peaks (the catalogue's basis 4cp): their draw
 * in the peak intervals of each price year. Training runs as a flat slab at its utilisation on
 * a firm contract (firm share 1 per unit of utilisation) and pauses for the peaks when
 * interruptible (its GPUs idle: idle power / nameplate); inference cannot pause: its draw in
 * the intervals comes from the simulation of its service's demand that year (the fleet's
 * inference model), taken relative to its simulated mean draw of the year, so that the share
 * charged is that peak-to-mean ratio x the utilisation the cash flows count energy at, at
 * most 1 (one basis for both; the simulation's own utilisation need not be the deal's). A price year
 * without intervals in the catalogue, or a flat price, takes the mean over the years that
 * have them. cp[i] gets the shares at the deal's utilisation (year 1's when per request). */
static int coincident_peaks(const gs_deal *d, const gs_fleet *f, gs_econ_site *sites,
                            gs_uw_cp *cp, gs_error *err)
{
    gs_market_catalog *cat = NULL;
    cp_year years[CP_YEARS_MAX];
    size_t ny = 0;
    int rc = 0, loaded = 0;
    memset(years, 0, sizeof years);
    for (size_t i = 0; i < d->nsites && !rc; i++) {
        gs_econ_site *s = &sites[i];
        memset(&cp[i], 0, sizeof cp[i]);
        int fi = gs_fleet_find_site(f, s->id);
        int z = fi >= 0 ? f->sites[fi].zone : -1;
        gs_uw_basis basis = z >= 0 && (size_t)z < f->nzones
                                ? gs_deal_zone_basis(d, f->zones[z].id) : GS_UW_BASIS_PEAK;
        if (basis != GS_UW_BASIS_4CP && basis != GS_UW_BASIS_5CP)
            continue;
        const char *zone = f->zones[z].id;
        if (basis == GS_UW_BASIS_5CP) {
            for (size_t k = 0; k < CP_YEARS_MAX; k++) {
                free(years[k].ratio);
                years[k].ratio = NULL;
            }
            if ((rc = five_cp_years(d, gs_deal_zone_index(d, zone), s, years, &ny, err)))
                break;
        } else if (!loaded) {
            loaded = 1;
            if ((rc = gs_market_catalog_load(NULL, &cat, err)))
                break;
        }
        /* the zone's intervals by calendar year (UTC year of the start) */
        if (basis == GS_UW_BASIS_4CP)
            ny = 0;
        for (size_t e = 0; basis == GS_UW_BASIS_4CP && e < cat->nevents; e++) {
            const gs_grid_event *ev = &cat->events[e];
            if (ev->kind != GS_EV_4CP || !gs_event_in_zone(ev, zone))
                continue;
            int64_t yy;
            int mo, dd, hh, mi, ss;
            gs_civil_from_utc(ev->start_s, &yy, &mo, &dd, &hh, &mi, &ss);
            size_t k = 0;
            while (k < ny && years[k].year != (int)yy)
                k++;
            if (k == ny) {
                if (ny == CP_YEARS_MAX)
                    continue;
                memset(&years[ny], 0, sizeof years[ny]);
                years[ny++].year = (int)yy;
            }
            if (years[k].n < 8) {
                years[k].from[years[k].n] = ev->start_s;
                years[k].mw[years[k].n] = NAN;
                years[k].to[years[k].n++] = ev->end_s;
            }
        }
        gs_uw_cp *c = &cp[i];
        snprintf(c->zone, sizeof c->zone, "%s", zone);
        snprintf(c->basis, sizeof c->basis, "%s", basis == GS_UW_BASIS_5CP ? "5cp" : "4cp");
        int zi = gs_deal_zone_index(d, zone);
        snprintf(c->tz, sizeof c->tz, "%s", zi >= 0 ? d->zone_peak_tz[zi] : "");
        if (ny == 0) {
            if (basis == GS_UW_BASIS_5CP)
                snprintf(c->note, sizeof c->note, "no summer (June-September) hour of the price "
                         "years in the RTO load of zone %s: charged on peak draw", zone);
            else
                snprintf(c->note, sizeof c->note, "no coincident-peak interval of zone %s in "
                         "the grid-event catalogue: charged on peak draw", zone);
            continue;
        }
        /* sort the years */
        for (size_t a = 1; a < ny; a++)
            for (size_t b = a; b > 0 && years[b - 1].year > years[b].year; b--) {
                cp_year tmp = years[b];
                years[b] = years[b - 1];
                years[b - 1] = tmp;
            }
        c->present = 1;
        s->cp_basis = 1;
        /* paused: idle GPUs (and their servers' idle share) over nameplate, GPU-weighted */
        double idle[GS_NCLASS] = {0}, name[GS_NCLASS] = {0};
        for (size_t k = 0; k < f->nclusters; k++) {
            const gs_cluster *cl = &f->clusters[k];
            if (cl->site != fi || cl->gpu < 0 || (size_t)cl->gpu >= f->ngpus)
                continue;
            idle[cl->cls] += cl->gpus * gs_gpu_power_w(&f->gpus[cl->gpu], 0.0);
            name[cl->cls] += cl->gpus * gs_gpu_power_w(&f->gpus[cl->gpu], 1.0);
        }
        for (int k = 0; k < GS_NCLASS; k++)
            s->cp_paused_share[k] = name[k] > 0 ? idle[k] / name[k] : 0;
        /* firm, per year with intervals */
        int inf = s->cls[GS_INFERENCE].present;
        double mean_ratio = 0, ratio_of[GS_ECON_PRICE_YEARS_MAX] = {0}, mean_pause = 0;
        double util[GS_NCLASS] = {s->cls[GS_TRAINING].utilisation,
                                  s->req.on ? gs_econ_demand_at(s, 1).utilisation
                                            : s->cls[GS_INFERENCE].utilisation};
        c->nyears = 0;
        for (size_t k = 0; k < ny && c->nyears < GS_ECON_PRICE_YEARS_MAX; k++) {
            cp_year *y = &years[k];
            if (inf && !y->simulated && (rc = cp_simulate(f, y, err)))
                break;
            double ratio = inf && isfinite(y->ratio[fi]) ? y->ratio[fi] : 1.0;
            size_t j = c->nyears++;
            c->year[j] = y->year;
            c->intervals[j] = (int)y->n;
            for (size_t q = 0; q < y->n; q++) {
                c->peak_from[j][q] = y->from[q];
                c->peak_to[j][q] = y->to[q];
                c->peak_mw[j][q] = y->mw[q];
            }
            ratio_of[j] = inf ? ratio : 0;
            for (size_t q = 0; q < y->n; q++)
                c->pause_hours[j] += (double)(y->to[q] - y->from[q]) / 3600.0;
            mean_pause += c->pause_hours[j];
            c->share[j][GS_TRAINING] = s->cls[GS_TRAINING].present ? util[GS_TRAINING] : 0;
            c->share[j][GS_INFERENCE] = inf ? fmin(1.0, ratio * util[GS_INFERENCE]) : 0;
            mean_ratio += ratio_of[j];
        }
        if (rc)
            break;
        mean_ratio /= (double)c->nyears;
        mean_pause /= (double)c->nyears;
        c->pause_given = !isnan(d->sites[i].cp_pause_hours_per_year);
        for (size_t j = 0; c->pause_given && j < c->nyears; j++)
            c->pause_hours[j] = d->sites[i].cp_pause_hours_per_year; /* what is charged */
        for (size_t p = 0; p < s->nprice_years; p++) {
            double ri = mean_ratio, ph = mean_pause;
            for (size_t j = 0; j < c->nyears; j++)
                if (s->price_year[p] && c->year[j] == s->price_year[p]) {
                    ri = ratio_of[j];
                    ph = c->pause_hours[j];
                }
            /* an interruptible class pauses for the whole of each peak interval (perfect
             * foresight: the fewest hours a pause can cost) */
            s->cp_pause_hours[p] = isnan(d->sites[i].cp_pause_hours_per_year)
                                       ? ph : d->sites[i].cp_pause_hours_per_year;
            s->cp_firm_share[GS_TRAINING][p] = s->cls[GS_TRAINING].present ? 1.0 : 0;
            s->cp_firm_share[GS_INFERENCE][p] = ri;
        }
        snprintf(c->note, sizeof c->note,
                 basis == GS_UW_BASIS_5CP
                     ? "%.64s 5CP hours of %d-%d (the RTO's EIA-930 load, five highest daily "
                       "peaks of June-September); inference %s; other price years take the mean"
                     : "%.64s 4CP intervals of %d-%d (grid_events.yaml); inference %s; other "
                       "price years take the mean", zone, c->year[0], c->year[c->nyears - 1],
                 inf ? "simulated at 15 min over each year, its draw in the peaks / its mean "
                       "x utilisation"
                     : "none at this site");
        for (size_t k = 0; k < ny; k++) {
            free(years[k].ratio);
            years[k].ratio = NULL;
            years[k].simulated = 0;
        }
    }
    for (size_t k = 0; k < CP_YEARS_MAX; k++)
        free(years[k].ratio);
    gs_market_catalog_free(cat);
    /* hours paused for peaks a site is not charged on are a mistake in the deal, not a figure
     * to drop silently */
    for (size_t i = 0; i < d->nsites && !rc; i++) {
        if (!isnan(d->sites[i].cp_pause_hours_per_year) && cp[i].present &&
            !sites[i].cls[GS_TRAINING].present) {
            char field[64];
            snprintf(field, sizeof field, "sites[%zu].cp_pause_hours_per_year", i);
            rc = gs_error_set(err, GS_EINPUT, d->path, d->sites[i].line, d->sites[i].column,
                              field, "expected a site with training load (the interruptible "
                              "class, which pauses for the peaks), found site '%s' with "
                              "inference only (firm: it never pauses)", sites[i].id);
            break;
        }
        if (!cp[i].present && !isnan(d->sites[i].cp_pause_hours_per_year)) {
            char field[64];
            snprintf(field, sizeof field, "sites[%zu].cp_pause_hours_per_year", i);
            rc = gs_error_set(err, GS_EINPUT, d->path, d->sites[i].line, d->sites[i].column,
                              field, "expected a site charged on its zone's coincident peaks "
                              "(the catalogue's basis 4cp or 5cp, with peaks in its price "
                              "years), found site '%s' charged on its peak draw%s%s%s: "
                              "nothing pauses for peaks there", sites[i].id,
                              cp[i].note[0] ? " (" : "", cp[i].note[0] ? cp[i].note : "",
                              cp[i].note[0] ? ")" : "");
        }
    }
    return rc;
}

int gs__dealrun_resolve(const gs_deal *d, const gs_fleet *f, gs_econ_site *sites,
                        gs_econ_terms *terms, char (*price_note)[64],
                        gs_deal_req_note *req_note, char (*headroom_note)[192], gs_uw_cp *cp,
                        gs_error *err)
{
    int rc = gs_deal_resolve_ex(d, f, sites, terms, price_note, req_note, err);
    if (rc || (rc = site_headrooms(d, f, terms, sites, headroom_note, err)))
        return rc;
    gs_uw_cp *own = NULL;
    if (!cp) {
        own = calloc(d->nsites ? d->nsites : 1, sizeof *own);
        if (!own)
            return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        cp = own;
    }
    rc = coincident_peaks(d, f, sites, cp, err);
    free(own);
    return rc;
}
