/* fleet.c: the fleet model's invariants (gs_fleet_validate), lookups, names and freeing
 * (include/gridsplit/fleet.h). Reading fleet files and the built-in GPU catalogue is
 * src/read/fleet_yaml.c; whether a time zone exists is asked of the caller (tz_known).
 * gs_fleet_validate reports the field path of what is wrong ("clusters[2].gpus") with the
 * fleet's file but no line: gs_fleet_load maps the field back to its line and column. */
#include "gridsplit/fleet.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/duration.h"
#include "gridsplit/time.h"
#include "model/text.h"

extern const char *const gs__series_formats[];
extern const char *const gs__workloads[];

/* The importers of include/gridsplit/read/import.h, as a fleet's series refs may name them. */
const char *const gs__series_formats[] = {"auto",          "csv",          "price",
                                          "carbon",        "eia930",       "ercot-dam-spp",
                                          "ercot-dam-as",  "nvidia-smi",   NULL};
/* Training workloads, each with its own power-cap curve. */
const char *const gs__workloads[] = {"pretraining", "finetuning", "inference-batch", NULL};
/* The workloads a measured power curve may be of: the training ones and online inference. */
static const char *const curve_workloads[] = {"pretraining", "finetuning", "inference-batch",
                                              "inference", NULL};
/* Signals a run may checkpoint on (checkpoint.on_signal): those a job can catch and Slurm's
 * `scancel --signal` can send; KILL and STOP cannot be caught. */
static const char *const ckpt_signals[] = {"HUP", "INT", "QUIT", "USR1", "USR2", "ALRM", "TERM",
                                           "CONT", "URG", "XCPU", "WINCH", NULL};

const char *gs_class_name(gs_class c)
{
    switch (c) {
    case GS_TRAINING: return "training";
    case GS_INFERENCE: return "inference";
    }
    return "unknown";
}

const char *gs_tier_window_name(gs_tier_window w)
{
    switch (w) {
    case GS_TIER_EVENT: return "event";
    case GS_TIER_DAY: return "day";
    case GS_TIER_RUN: return "run";
    }
    return "unknown";
}

const char *gs_cooling_name(gs_cooling c)
{
    switch (c) {
    case GS_COOL_AIR: return "air";
    case GS_COOL_HYBRID: return "hybrid";
    case GS_COOL_LIQUID: return "liquid";
    }
    return "unknown";
}

/* ---- lists ---- */

/* The index of name in a NULL-terminated list, or -1. */
static int list_index(const char *const *list, const char *name)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], name) == 0)
            return i;
    return -1;
}

/* ---- lookups ---- */

#define FIND(arr, n, id)                                                                           \
    do {                                                                                           \
        if (!f || !(id))                                                                           \
            return -1;                                                                             \
        for (size_t i_ = 0; i_ < (n); i_++)                                                        \
            if (strcmp((arr)[i_].id, (id)) == 0)                                                   \
                return (int)i_;                                                                    \
        return -1;                                                                                 \
    } while (0)

int gs_fleet_find_site(const gs_fleet *f, const char *id) { FIND(f->sites, f->nsites, id); }
int gs_fleet_find_zone(const gs_fleet *f, const char *id) { FIND(f->zones, f->nzones, id); }
int gs_fleet_find_gpu(const gs_fleet *f, const char *id) { FIND(f->gpus, f->ngpus, id); }
int gs_fleet_find_cluster(const gs_fleet *f, const char *id) { FIND(f->clusters, f->nclusters, id); }
int gs_fleet_find_service(const gs_fleet *f, const char *id) { FIND(f->services, f->nservices, id); }
int gs_fleet_find_run(const gs_fleet *f, const char *id) { FIND(f->runs, f->nruns, id); }
int gs_fleet_find_power_curve(const gs_fleet *f, const char *id)
{
    FIND(f->power_curves, f->npower_curves, id);
}

const gs_power_curve *gs_run_power_curve(const gs_fleet *f, const gs_run *r)
{
    int k = f && r && r->power_curve[0] ? gs_fleet_find_power_curve(f, r->power_curve) : -1;
    return k >= 0 ? &f->power_curves[k] : NULL;
}

const gs_power_curve *gs_service_power_curve(const gs_fleet *f, const gs_service *s)
{
    int k = f && s && s->power_curve[0] ? gs_fleet_find_power_curve(f, s->power_curve) : -1;
    return k >= 0 ? &f->power_curves[k] : NULL;
}

double gs_cluster_nameplate_mw(const gs_fleet *f, const gs_cluster *c)
{
    if (!f || !c || c->gpu < 0 || (size_t)c->gpu >= f->ngpus)
        return 0.0;
    const gs_gpu *g = &f->gpus[c->gpu];
    return (double)c->gpus * (g->board_w + g->overhead_w) / 1e6;
}

double gs_site_peak_pue(const gs_site *s)
{
    double p = 1.0;
    switch (s->pue_kind) {
    case GS_PUE_CONST:
        p = s->pue;
        break;
    case GS_PUE_MONTHLY:
        for (int m = 0; m < 12; m++)
            if (s->pue_monthly[m] > p)
                p = s->pue_monthly[m];
        break;
    case GS_PUE_SERIES:
        for (size_t i = 0; s->pue_series && i < s->pue_series->n; i++)
            if (s->pue_series->v[i] > p) /* NaN (missing) never is */
                p = s->pue_series->v[i];
        break;
    }
    return p;
}

double gs_site_nameplate_mw(const gs_fleet *f, size_t site)
{
    if (!f || site >= f->nsites)
        return 0.0;
    double it_mw = 0;
    for (size_t i = 0; i < f->nclusters; i++)
        if (f->clusters[i].site == (int)site)
            it_mw += gs_cluster_nameplate_mw(f, &f->clusters[i]);
    return it_mw * gs_site_peak_pue(&f->sites[site]);
}

/* Whether site's nameplate is above GS_NAMEPLATE_OVER_MAX x its interconnection. */
static int nameplate_over(const gs_fleet *f, size_t site, double *mw)
{
    *mw = gs_site_nameplate_mw(f, site);
    return *mw > GS_NAMEPLATE_OVER_MAX * f->sites[site].interconnect_mw;
}

int gs_site_nameplate_warning(const gs_fleet *f, size_t site, char *buf, size_t len)
{
    double mw;
    if (!f || site >= f->nsites || !f->sites[site].oversubscribed || !nameplate_over(f, site, &mw))
        return 0;
    const gs_site *s = &f->sites[site];
    snprintf(buf, len,
             "site '%s': nameplate %.1f MW is %.2fx its interconnect_mw of %.1f MW (above %gx: "
             "the fleet says it is intended, oversubscribed: true)",
             s->id, mw, mw / s->interconnect_mw, s->interconnect_mw, GS_NAMEPLATE_OVER_MAX);
    return 1;
}

/* ---- freeing ---- */

void gs_fleet_free(gs_fleet *fleet)
{
    if (!fleet)
        return;
    for (size_t i = 0; i < fleet->nzones; i++) {
        gs_series_free(fleet->zones[i].price_usd_per_mwh);
        gs_series_free(fleet->zones[i].carbon_g_per_kwh);
        gs_series_free(fleet->zones[i].demand_mw);
    }
    for (size_t i = 0; i < fleet->nsites; i++)
        gs_series_free(fleet->sites[i].pue_series);
    for (size_t i = 0; i < fleet->nservices; i++) {
        gs_series_free(fleet->services[i].demand_rps);
        free(fleet->services[i].regions);
    }
    free(fleet->gpus);
    free(fleet->zones);
    free(fleet->sites);
    free(fleet->clusters);
    free(fleet->runs);
    free(fleet->services);
    free(fleet->power_curves);
    free(fleet);
}

/* ---- GPU catalogue ---- */

/* ---- validation ---- */

/* Fill err with the fleet's file, no line (the loader maps the field to one), and a field path
 * built as SECT[I].KEY (i < 0: no index; key NULL: none). */
static int bad(const gs_fleet *f, gs_error *err, const char *sect, long i, const char *key,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int bad(const gs_fleet *f, gs_error *err, const char *sect, long i, const char *key,
               const char *fmt, ...)
{
    char field[128], msg[1024];
    int k;
    if (i >= 0)
        k = snprintf(field, sizeof field, "%s[%ld]%s%s", sect, i, key ? "." : "", key ? key : "");
    else
        k = snprintf(field, sizeof field, "%s%s%s", sect, key ? "." : "", key ? key : "");
    if (k < 0)
        field[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return gs_error_set(err, GS_EINPUT, f->path[0] ? f->path : NULL, 0, 0, field, "%s", msg);
}

static void fmt_time(int64_t t, char *buf)
{
    gs_format_time(t, buf);
}

/* A duration as gridsplit writes it everywhere (gridsplit/duration.h): reads back. */
static void fmt_dur(double s, char *buf, size_t len)
{
    gs_duration_format(s, buf, len);
}

static int check_id(const gs_fleet *f, gs_error *err, const char *sect, size_t i, const char *id,
                    const char *base, size_t stride)
{
    if (!id[0])
        return bad(f, err, sect, (long)i, "id", "expected a non-empty id, found ''");
    for (size_t j = 0; j < i; j++)
        if (strcmp(base + j * stride, id) == 0)
            return bad(f, err, sect, (long)i, "id", "duplicate id '%s' (also %s[%zu])", id, sect, j);
    return GS_OK;
}

static int check_tz(const gs_fleet *f, gs_error *err, const char *sect, long i, const char *tz)
{
    if (!tz[0])
        return bad(f, err, sect, i, "tz", "expected an IANA time zone such as America/Chicago, found ''");
    if (f->tz_known && !f->tz_known(tz))
        return bad(f, err, sect, i, "tz",
                   "expected an IANA time zone name such as America/Chicago (none such in the tz "
                   "database), found '%s'",
                   tz);
    return GS_OK;
}

static int check_latlon(const gs_fleet *f, gs_error *err, const char *sect, long i, double lat,
                        double lon)
{
    if (!(lat >= -90 && lat <= 90))
        return bad(f, err, sect, i, "lat", "expected a latitude in degrees within [-90, 90], found '%.10g'", lat);
    if (!(lon >= -180 && lon <= 180))
        return bad(f, err, sect, i, "lon", "expected a longitude in degrees within [-180, 180], found '%.10g'", lon);
    return GS_OK;
}

static int check_ref(const gs_fleet *f, gs_error *err, const char *sect, long i, const char *key,
                     const gs_series_ref *r)
{
    if (!r->path[0])
        return GS_OK;
    char field[96];
    int k = snprintf(field, sizeof field, "%s.format", key);
    if (k < 0 || (size_t)k >= sizeof field)
        field[0] = '\0';
    if (list_index(gs__series_formats, r->format) < 0) {
        char all[256];
        gs__join_words(gs__series_formats, all, sizeof all);
        const char *near = gs__nearest_word(gs__series_formats, r->format);
        if (near)
            return bad(f, err, sect, i, field, "expected one of %s, found '%s' (did you mean '%s'?)",
                       all, r->format, near);
        return bad(f, err, sect, i, field, "expected one of %s, found '%s'", all, r->format);
    }
    if (!(r->scale != 0 && isfinite(r->scale))) {
        k = snprintf(field, sizeof field, "%s.scale", key);
        if (k < 0 || (size_t)k >= sizeof field)
            field[0] = '\0';
        return bad(f, err, sect, i, field, "expected a non-zero number, found '%.10g'", r->scale);
    }
    return GS_OK;
}

static int check_frac(const gs_fleet *f, gs_error *err, const char *sect, long i, const char *key,
                      double v, int open_low)
{
    if (open_low ? !(v > 0 && v <= 1) : !(v >= 0 && v <= 1))
        return bad(f, err, sect, i, key, "expected a fraction within %s0, 1], found '%.10g'",
                   open_low ? "(" : "[", v);
    return GS_OK;
}

static int check_pos(const gs_fleet *f, gs_error *err, const char *sect, long i, const char *key,
                     double v, const char *what)
{
    if (!(v > 0 && isfinite(v)))
        return bad(f, err, sect, i, key, "expected a positive %s, found '%.10g'", what, v);
    return GS_OK;
}

static int validate_sites(const gs_fleet *f, gs_error *err)
{
    for (size_t i = 0; i < f->nzones; i++) {
        const gs_zone *z = &f->zones[i];
        int rc = check_id(f, err, "zones", i, z->id, f->zones[0].id, sizeof *z);
        if (!rc) rc = check_ref(f, err, "zones", (long)i, "price", &z->price_ref);
        if (!rc) rc = check_ref(f, err, "zones", (long)i, "carbon", &z->carbon_ref);
        if (!rc) rc = check_ref(f, err, "zones", (long)i, "demand", &z->demand_ref);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < f->nsites; i++) {
        const gs_site *s = &f->sites[i];
        long li = (long)i;
        int rc = check_id(f, err, "sites", i, s->id, f->sites[0].id, sizeof *s);
        if (!rc) rc = check_latlon(f, err, "sites", li, s->lat, s->lon);
        if (!rc) rc = check_tz(f, err, "sites", li, s->tz);
        if (rc)
            return rc;
        if (s->zone < 0 || (size_t)s->zone >= f->nzones)
            return bad(f, err, "sites", li, "zone", "refers to a missing zone (index %d of %zu)",
                       s->zone, f->nzones);
        if ((rc = check_pos(f, err, "sites", li, "interconnect_mw", s->interconnect_mw, "number of MW")))
            return rc;
        switch (s->pue_kind) {
        case GS_PUE_CONST:
            if (!(s->pue >= 1 && isfinite(s->pue)))
                return bad(f, err, "sites", li, "pue", "expected a PUE of at least 1, found '%.10g'", s->pue);
            break;
        case GS_PUE_MONTHLY:
            for (int m = 0; m < 12; m++)
                if (!(s->pue_monthly[m] >= 1 && isfinite(s->pue_monthly[m]))) {
                    char key[32];
                    snprintf(key, sizeof key, "pue.monthly[%d]", m);
                    return bad(f, err, "sites", li, key, "expected a PUE of at least 1, found '%.10g'",
                               s->pue_monthly[m]);
                }
            break;
        case GS_PUE_SERIES:
            if (!s->pue_ref.path[0])
                return bad(f, err, "sites", li, "pue", "expected a PUE series file, found no path");
            if ((rc = check_ref(f, err, "sites", li, "pue", &s->pue_ref)))
                return rc;
            break;
        default:
            return bad(f, err, "sites", li, "pue", "unknown PUE kind %d", (int)s->pue_kind);
        }
        if ((unsigned)s->cooling > GS_COOL_LIQUID)
            return bad(f, err, "sites", li, "cooling", "expected air, hybrid or liquid, found %d", (int)s->cooling);
        if (!(s->rack_kw_max >= 0 && isfinite(s->rack_kw_max)))
            return bad(f, err, "sites", li, "rack_kw_max",
                       "expected a rack density in kW of 0 (not stated) or more, found '%.10g'", s->rack_kw_max);
    }
    return GS_OK;
}

static int validate_gpus(const gs_fleet *f, gs_error *err)
{
    for (size_t i = 0; i < f->ngpus; i++) {
        const gs_gpu *g = &f->gpus[i];
        long li = (long)i;
        int rc = check_id(f, err, "gpus", i, g->id, f->gpus[0].id, sizeof *g);
        if (!rc) rc = check_pos(f, err, "gpus", li, "board_w", g->board_w, "power in W");
        if (rc)
            return rc;
        const struct { const char *key; double v; } w[] = {
            {"board_w", g->board_w}, {"idle_w", g->idle_w}, {"overhead_w", g->overhead_w},
            {"overhead_idle_w", g->overhead_idle_w}};
        for (size_t k = 0; k < 4; k++)
            if (!(w[k].v >= 0 && w[k].v <= GS_GPU_W_MAX))
                return bad(f, err, "gpus", li, w[k].key,
                           "expected a power per GPU in W of 0 or more and at most %.0f, found "
                           "'%.10g'", GS_GPU_W_MAX, w[k].v);
    }
    return GS_OK;
}

static int validate_power_curves(const gs_fleet *f, gs_error *err)
{
    const char *P = "power_curves";
    for (size_t i = 0; i < f->npower_curves; i++) {
        const gs_power_curve *p = &f->power_curves[i];
        const gs_capcurve *c = &p->curve;
        long li = (long)i;
        int rc = check_id(f, err, P, i, p->id, f->power_curves[0].id, sizeof *p);
        if (rc)
            return rc;
        if (list_index(curve_workloads, p->workload) < 0) {
            const char *near = gs__nearest_word(curve_workloads, p->workload);
            return bad(f, err, P, li, "workload",
                       "expected pretraining, finetuning, inference-batch or inference, found "
                       "'%s'%s%s%s", p->workload, near ? " (did you mean '" : "",
                       near ? near : "", near ? "'?)" : "");
        }
        if (p->gpu < -1 || (p->gpu >= 0 && (size_t)p->gpu >= f->ngpus))
            return bad(f, err, P, li, "gpu", "refers to a missing GPU model (index %d of %zu)",
                       p->gpu, f->ngpus);
        if ((rc = check_pos(f, err, P, li, "board_w", p->board_w, "power in W")))
            return rc;
        if (p->board_w > GS_GPU_W_MAX)
            return bad(f, err, P, li, "board_w",
                       "expected a board power per GPU of at most %.0f W (the highest cap "
                       "measured when the curve names no gpu), found '%.10g'",
                       GS_GPU_W_MAX, p->board_w);
        if (c->n < 2 || c->n > GS_CAPCURVE_MAX)
            return bad(f, err, P, li, "points",
                       "expected 2 to %d distinct caps (the board power and at least one below "
                       "it), found %zu", GS_CAPCURVE_MAX, c->n);
        for (size_t k = 0; k < c->n; k++) {
            char key[48];
            snprintf(key, sizeof key, "points[%zu]", k);
            if (!(c->cap_frac[k] > 0 && c->cap_frac[k] <= 1 + 1e-9) ||
                (k > 0 && !(c->cap_frac[k] > c->cap_frac[k - 1])))
                return bad(f, err, P, li, key,
                           "expected caps rising within (0, %g W], found %.6g W after %.6g W",
                           p->board_w, c->cap_frac[k] * p->board_w,
                           k ? c->cap_frac[k - 1] * p->board_w : 0.0);
            if (!(c->throughput_frac[k] > 0 && c->throughput_frac[k] <= 1 + 1e-9) ||
                (k > 0 && c->throughput_frac[k] < c->throughput_frac[k - 1] - 1e-12))
                return bad(f, err, P, li, key,
                           "expected a throughput share within (0, 1] that does not fall as the "
                           "cap rises, found %.6g", c->throughput_frac[k]);
            if (c->has_power &&
                (!(c->power_frac[k] > 0 && c->power_frac[k] <= 1.25) ||
                 (k > 0 && c->power_frac[k] < c->power_frac[k - 1] - 1e-12)))
                return bad(f, err, P, li, key,
                           "expected a measured power per GPU within (0, %g W] (1.25 x board) "
                           "that does not fall as the cap rises, found %.6g W",
                           1.25 * p->board_w, c->power_frac[k] * p->board_w);
        }
        if (fabs(c->cap_frac[c->n - 1] - 1) > 1e-9 || fabs(c->throughput_frac[c->n - 1] - 1) > 1e-9)
            return bad(f, err, P, li, "points",
                       "expected the highest cap at the board power (%g W) with throughput 1, "
                       "found %.6g W with %.6g", p->board_w, c->cap_frac[c->n - 1] * p->board_w,
                       c->throughput_frac[c->n - 1]);
    }
    return GS_OK;
}

/* A run's or service's power_curve: "" or the id of a curve; when the curve states its GPU,
 * the cluster(s) must be of that model. */
static int check_curve_ref(const gs_fleet *f, gs_error *err, const char *sect, long i,
                           const char *id, int gpu_of_cluster, const char *cluster_id)
{
    if (!id[0])
        return GS_OK;
    int k = gs_fleet_find_power_curve(f, id);
    if (k < 0) {
        if (f->npower_curves == 0)
            return bad(f, err, sect, i, "power_curve",
                       "unknown power curve '%s' (the fleet defines none: add it under "
                       "power_curves)", id);
        char all[512];
        size_t used = 0;
        all[0] = 0;
        for (size_t q = 0; q < f->npower_curves && used < sizeof all; q++) {
            int w = snprintf(all + used, sizeof all - used, "%s%s", q ? ", " : "",
                             f->power_curves[q].id);
            if (w < 0)
                break;
            used += (size_t)w;
        }
        return bad(f, err, sect, i, "power_curve", "unknown power curve '%s' (expected one of: %s)",
                   id, all);
    }
    const gs_power_curve *p = &f->power_curves[k];
    if (p->gpu >= 0 && gpu_of_cluster >= 0 && p->gpu != gpu_of_cluster)
        return bad(f, err, sect, i, "power_curve",
                   "power curve '%s' was measured on %s GPUs, but cluster '%s' has %s: expected "
                   "a curve of its GPU model", id, f->gpus[p->gpu].id, cluster_id,
                   f->gpus[gpu_of_cluster].id);
    return GS_OK;
}

static int validate_clusters(const gs_fleet *f, gs_error *err)
{
    for (size_t i = 0; i < f->nclusters; i++) {
        const gs_cluster *c = &f->clusters[i];
        long li = (long)i;
        int rc = check_id(f, err, "clusters", i, c->id, f->clusters[0].id, sizeof *c);
        if (rc)
            return rc;
        if (c->site < 0 || (size_t)c->site >= f->nsites)
            return bad(f, err, "clusters", li, "site", "refers to a missing site (index %d of %zu)", c->site, f->nsites);
        if (c->cls != GS_TRAINING && c->cls != GS_INFERENCE)
            return bad(f, err, "clusters", li, "class", "expected training or inference, found %d", (int)c->cls);
        if (c->gpu < 0 || (size_t)c->gpu >= f->ngpus)
            return bad(f, err, "clusters", li, "gpu", "refers to a missing GPU model (index %d of %zu)", c->gpu, f->ngpus);
        if (c->gpus <= 0)
            return bad(f, err, "clusters", li, "gpus", "expected a positive integer, found '%d'", c->gpus);
        if (c->gpus > GS_CLUSTER_GPUS_MAX)
            return bad(f, err, "clusters", li, "gpus",
                       "expected at most %d GPUs in a cluster (thirty times the largest built), "
                       "found '%d'", GS_CLUSTER_GPUS_MAX, c->gpus);
        if (c->racks <= 0)
            return bad(f, err, "clusters", li, "racks", "expected a positive integer, found '%d'", c->racks);
        if ((rc = check_frac(f, err, "clusters", li, "utilisation", c->utilisation, 1)))
            return rc;
        if (!(c->cost_usd_per_gpu_hour >= 0 && isfinite(c->cost_usd_per_gpu_hour)))
            return bad(f, err, "clusters", li, "cost_usd_per_gpu_hour",
                       "expected a cost in USD of 0 or more, found '%.10g'", c->cost_usd_per_gpu_hour);
        /* the racks must fit the site's density: nameplate kW per rack <= rack_kw_max */
        double rack_kw = gs_cluster_nameplate_mw(f, c) * 1000.0 / c->racks;
        const gs_site *cs = &f->sites[c->site];
        if (cs->rack_kw_max > 0 && rack_kw > cs->rack_kw_max + 1e-9)
            return bad(f, err, "clusters", li, "racks",
                       "%d %s GPUs in %d racks is %.1f kW per rack at nameplate, more than site "
                       "'%s' supports: expected at most %.1f kW per rack (rack_kw_max), found "
                       "%.1f; spread the GPUs over at least %d racks",
                       c->gpus, f->gpus[c->gpu].id, c->racks, rack_kw, cs->id, cs->rack_kw_max,
                       rack_kw, (int)ceil(gs_cluster_nameplate_mw(f, c) * 1000.0 / cs->rack_kw_max));
        if (c->cls == GS_INFERENCE && (c->service < 0 || (size_t)c->service >= f->nservices))
            return bad(f, err, "clusters", li, "service",
                       "an inference cluster needs the service it runs: expected one of the fleet's "
                       "%zu services, found %s",
                       f->nservices, c->service < 0 ? "none" : "a missing index");
    }
    return GS_OK;
}

/* Each site's nameplate against its interconnection (GS_NAMEPLATE_OVER_MAX). */
static int validate_nameplates(const gs_fleet *f, gs_error *err)
{
    for (size_t i = 0; i < f->nsites; i++) {
        const gs_site *s = &f->sites[i];
        double mw;
        if (s->oversubscribed || !nameplate_over(f, i, &mw))
            continue;
        long gpus = 0;
        for (size_t k = 0; k < f->nclusters; k++)
            if (f->clusters[k].site == (int)i)
                gpus += f->clusters[k].gpus;
        return bad(f, err, "sites", (long)i, "interconnect_mw",
                   "site '%s' has a nameplate of %.1f MW (%ld GPUs x (board_w + overhead_w) x "
                   "peak PUE %.3g), %.2fx its interconnection: expected an interconnect_mw of at "
                   "least %.1f MW (nameplate / %g), found %.10g; fewer GPUs, a larger "
                   "interconnect_mw, or oversubscribed: true on the site if it is intended",
                   s->id, mw, gpus, gs_site_peak_pue(s), mw / s->interconnect_mw,
                   mw / GS_NAMEPLATE_OVER_MAX, GS_NAMEPLATE_OVER_MAX, s->interconnect_mw);
    }
    return GS_OK;
}

static int validate_runs(const gs_fleet *f, gs_error *err)
{
    const char *R = "training.runs";
    for (size_t i = 0; i < f->nruns; i++) {
        const gs_run *r = &f->runs[i];
        long li = (long)i;
        int rc = check_id(f, err, R, i, r->id, f->runs[0].id, sizeof *r);
        if (rc)
            return rc;
        if (r->cluster < 0 || (size_t)r->cluster >= f->nclusters)
            return bad(f, err, R, li, "cluster", "refers to a missing cluster (index %d of %zu)", r->cluster, f->nclusters);
        const gs_cluster *c = &f->clusters[r->cluster];
        if (c->cls != GS_TRAINING)
            return bad(f, err, R, li, "cluster", "expected a training cluster, found '%s' (an inference cluster)", c->id);
        if (r->gpus <= 0)
            return bad(f, err, R, li, "gpus", "expected a positive integer, found '%d'", r->gpus);
        if (r->gpus > c->gpus)
            return bad(f, err, R, li, "gpus", "expected at most the %d GPUs of cluster '%s', found '%d'",
                       c->gpus, c->id, r->gpus);
        if (!(r->length_s > 0 && r->length_s <= GS_DURATION_MAX_S))
            return bad(f, err, R, li, "length", "expected a positive duration of at most 100 years, found %.10g s", r->length_s);
        if (!(r->utilisation < 0 || (r->utilisation > 0 && r->utilisation <= 1)))
            return bad(f, err, R, li, "utilisation",
                       "expected a fraction within (0, 1] (or below 0 for the cluster's), found '%.10g'", r->utilisation);
        if (!(r->ckpt_interval_s >= 0 && r->ckpt_interval_s <= GS_DURATION_MAX_S))
            return bad(f, err, R, li, "checkpoint.interval", "expected a duration of 0 or more, found %.10g s", r->ckpt_interval_s);
        if (r->ckpt_interval_s > 0) {
            if (!(r->ckpt_duration_s > 0))
                return bad(f, err, R, li, "checkpoint.duration", "expected a positive duration, found %.10g s",
                           r->ckpt_duration_s);
            if (r->ckpt_duration_s >= r->ckpt_interval_s) {
                char a[32], b[32];
                fmt_dur(r->ckpt_interval_s, a, sizeof a);
                fmt_dur(r->ckpt_duration_s, b, sizeof b);
                return bad(f, err, R, li, "checkpoint.duration",
                           "expected a checkpoint shorter than its interval (%s), found '%s'", a, b);
            }
            if ((rc = check_frac(f, err, R, li, "checkpoint.power_frac", r->ckpt_power_frac, 0)))
                return rc;
        }
        if (!(r->restart_overhead_s >= 0 && r->restart_overhead_s <= GS_DURATION_MAX_S))
            return bad(f, err, R, li, "restart_overhead", "expected a duration of 0 or more, found %.10g s",
                       r->restart_overhead_s);
        if (r->deadline_s != 0 && (double)r->start_s + r->length_s > (double)r->deadline_s) {
            char a[32], b[32];
            fmt_time(r->start_s + (int64_t)ceil(r->length_s), a);
            fmt_time(r->deadline_s, b);
            return bad(f, err, R, li, "deadline",
                       "expected a deadline no earlier than the run's end without pauses (start + length = %s), found '%s'",
                       a, b);
        }
        if ((rc = check_frac(f, err, R, li, "tier", r->tier, 1)))
            return rc;
        if (list_index(gs__workloads, r->workload) < 0) {
            const char *near = gs__nearest_word(gs__workloads, r->workload);
            return bad(f, err, R, li, "workload", "expected pretraining, finetuning or inference-batch, found '%s'%s%s%s",
                       r->workload, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
        }
        if ((rc = check_curve_ref(f, err, R, li, r->power_curve, c->gpu, c->id)))
            return rc;
        if ((unsigned)r->tier_window > GS_TIER_RUN)
            return bad(f, err, R, li, "tier_window", "expected event, day or run, found %d",
                       (int)r->tier_window);
        if (r->ckpt_signal[0]) {
            if (list_index(ckpt_signals, r->ckpt_signal) < 0) {
                char all[160];
                gs__join_words(ckpt_signals, all, sizeof all);
                const char *near = gs__nearest_word(ckpt_signals, r->ckpt_signal);
                return bad(f, err, R, li, "checkpoint.on_signal",
                           "expected a signal the job can catch (%s), found '%s'%s%s%s", all,
                           r->ckpt_signal, near ? " (did you mean '" : "", near ? near : "",
                           near ? "'?)" : "");
            }
            if (!(r->ckpt_signal_s > 0 && r->ckpt_signal_s <= GS_DURATION_MAX_S))
                return bad(f, err, R, li, "checkpoint.signal_duration",
                           "expected a positive duration (how long a checkpoint on signal "
                           "takes), found %.10g s", r->ckpt_signal_s);
        }
        const struct { const char *key; double v; } leads[] = {{"leads.cap", r->lead_cap_s},
                                                             {"leads.pause", r->lead_pause_s}};
        for (size_t k = 0; k < 2; k++)
            if (!(leads[k].v >= 0 && leads[k].v <= GS_DURATION_MAX_S))
                return bad(f, err, R, li, leads[k].key,
                           "expected a duration of 0 (the policy's) or more, found %.10g s",
                           leads[k].v);
    }
    /* Runs planned on the same cluster at the same time must fit in its GPUs. The GPUs in use
     * only rise at a run's start, so checking at each start is enough. */
    for (size_t i = 0; i < f->nruns; i++) {
        const gs_run *r = &f->runs[i];
        const gs_cluster *c = &f->clusters[r->cluster];
        long used = 0;
        size_t other = i;
        for (size_t j = 0; j < f->nruns; j++) {
            const gs_run *q = &f->runs[j];
            if (q->cluster != r->cluster)
                continue;
            if (q->start_s <= r->start_s && (double)r->start_s < (double)q->start_s + q->length_s) {
                used += q->gpus;
                if (j != i)
                    other = j;
            }
        }
        if (used > c->gpus) {
            char t[32];
            fmt_time(r->start_s, t);
            return bad(f, err, "training.runs", (long)i, "start",
                       "run '%s' overlaps run '%s' on cluster '%s' at %s: expected at most the "
                       "cluster's %d GPUs in use, found %ld",
                       r->id, f->runs[other].id, c->id, t, c->gpus, used);
        }
    }
    return GS_OK;
}

static int validate_services(const gs_fleet *f, gs_error *err)
{
    for (size_t i = 0; i < f->nservices; i++) {
        const gs_service *s = &f->services[i];
        long li = (long)i;
        const char *S = "services";
        int rc = check_id(f, err, S, i, s->id, f->services[0].id, sizeof *s);
        if (!rc) rc = check_pos(f, err, S, li, "peak_requests_per_s", s->peak_requests_per_s, "number of requests/s");
        if (!rc) rc = check_pos(f, err, S, li, "energy_per_request_j", s->energy_per_request_j, "energy in J");
        if (!rc) rc = check_pos(f, err, S, li, "requests_per_s_per_gpu", s->requests_per_s_per_gpu, "number of requests/s");
        if (!rc) rc = check_pos(f, err, S, li, "latency_budget_ms", s->latency_budget_ms, "time in ms");
        if (!rc && !(s->server_time_ms >= 0 && s->server_time_ms < s->latency_budget_ms))
            rc = bad(f, err, S, li, "server_time_ms",
                     "expected a server time of 0 ms or more and below the latency budget (%.10g "
                     "ms), found '%.10g'", s->latency_budget_ms, s->server_time_ms);
        if (!rc) rc = check_frac(f, err, S, li, "floor_frac", s->floor_frac, 0);
        if (!rc) rc = check_frac(f, err, S, li, "tier", s->tier, 0);
        if (!rc && (unsigned)s->tier_window > GS_TIER_RUN)
            rc = bad(f, err, S, li, "tier_window", "expected event, day or run, found %d",
                     (int)s->tier_window);
        if (!rc && !(s->lead_cap_s >= 0 && s->lead_cap_s <= GS_DURATION_MAX_S))
            rc = bad(f, err, S, li, "leads.cap",
                     "expected a duration of 0 (the policy's) or more, found %.10g s", s->lead_cap_s);
        if (!rc) rc = check_curve_ref(f, err, S, li, s->power_curve, -1, "");
        /* a measured curve stating its GPU must match the GPUs of every cluster serving it */
        for (size_t k = 0; !rc && k < f->nclusters; k++)
            if (f->clusters[k].cls == GS_INFERENCE && f->clusters[k].service == (int)i &&
                f->clusters[k].gpu >= 0 && (size_t)f->clusters[k].gpu < f->ngpus)
                rc = check_curve_ref(f, err, S, li, s->power_curve, f->clusters[k].gpu,
                                     f->clusters[k].id);
        if (!rc) rc = check_ref(f, err, S, li, "demand", &s->demand_ref);
        if (rc)
            return rc;
        if (!(s->headroom_frac >= 0 && isfinite(s->headroom_frac)))
            return bad(f, err, S, li, "headroom_frac", "expected a fraction of 0 or more, found '%.10g'", s->headroom_frac);
        const gs_shape *h = &s->shape;
        if (!(h->peak_hour >= 0 && h->peak_hour < 24))
            return bad(f, err, S, li, "shape.peak_hour", "expected a local hour within [0, 24), found '%.10g'", h->peak_hour);
        if (!(h->peak_to_trough >= 1 && isfinite(h->peak_to_trough)))
            return bad(f, err, S, li, "shape.peak_to_trough", "expected a ratio of at least 1, found '%.10g'", h->peak_to_trough);
        if ((rc = check_pos(f, err, S, li, "shape.sharpness", h->sharpness, "exponent")))
            return rc;
        if (!(h->weekend_factor >= 0 && isfinite(h->weekend_factor)))
            return bad(f, err, S, li, "shape.weekend_factor", "expected a factor of 0 or more, found '%.10g'", h->weekend_factor);
        if (!(h->growth_per_year > -1 && isfinite(h->growth_per_year)))
            return bad(f, err, S, li, "shape.growth_per_year", "expected a yearly growth above -1, found '%.10g'", h->growth_per_year);
        char rs[64];
        snprintf(rs, sizeof rs, "services[%zu].regions", i);
        if (s->nregions == 0 || !s->regions)
            return bad(f, err, S, li, "regions", "expected at least one demand region, found none");
        double sum = 0;
        for (size_t j = 0; j < s->nregions; j++) {
            const gs_region *g = &s->regions[j];
            long lj = (long)j;
            if ((rc = check_id(f, err, rs, j, g->id, s->regions[0].id, sizeof *g)))
                return rc;
            if ((rc = check_latlon(f, err, rs, lj, g->lat, g->lon)))
                return rc;
            if ((rc = check_tz(f, err, rs, lj, g->tz)))
                return rc;
            if ((rc = check_frac(f, err, rs, lj, "share", g->share, 1)))
                return rc;
            if (g->site < -1 || (g->site >= 0 && (size_t)g->site >= f->nsites))
                return bad(f, err, rs, lj, "site", "refers to a missing site (index %d of %zu)", g->site, f->nsites);
            sum += g->share;
        }
        if (fabs(sum - 1.0) > 1e-3)
            return bad(f, err, S, li, "regions", "expected region shares summing to 1, found %.6g", sum);
    }
    return GS_OK;
}

int gs_fleet_validate(const gs_fleet *fleet, gs_error *err)
{
    if (!fleet)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL, "no fleet");
    const gs_fleet *f = fleet;
    if ((f->ngpus && !f->gpus) || (f->nzones && !f->zones) || (f->nsites && !f->sites) ||
        (f->nclusters && !f->clusters) || (f->nruns && !f->runs) || (f->nservices && !f->services))
        return bad(f, err, "fleet", -1, NULL, "an array is NULL while its count is not zero");
    if (f->default_from_s || f->default_to_s) {
        if (f->default_to_s <= f->default_from_s) {
            char a[32], b[32];
            fmt_time(f->default_from_s, a);
            fmt_time(f->default_to_s, b);
            return bad(f, err, "period", -1, "to", "expected a time after period.from (%s), found '%s'", a, b);
        }
    }
    if (f->npower_curves && !f->power_curves)
        return bad(f, err, "fleet", -1, NULL, "an array is NULL while its count is not zero");
    int rc = validate_gpus(f, err);
    if (!rc) rc = validate_power_curves(f, err);
    if (!rc) rc = validate_sites(f, err);
    if (!rc) rc = validate_services(f, err);
    if (!rc) rc = validate_clusters(f, err);
    if (!rc) rc = validate_nameplates(f, err);
    if (!rc) rc = validate_runs(f, err);
    return rc;
}
