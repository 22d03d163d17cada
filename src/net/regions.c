/* regions.c: demand regions from cities (include/gridsplit/regions.h). Owns the clustering:
 * population-weighted spherical k-means (k-means++ seeding from an explicit seed, Hamerly's
 * bounds to skip most distance evaluations) and greedy per-country radius clustering over a
 * lat/lon grid; the regions' centroids, shares, dominant country, ids and time zones (the
 * lookup in the time-zone boundary table, gs_tzmap, with zone1970.tab as the fallback).
 * Pure: no I/O, no globals, deterministic. */
#include "gridsplit/regions.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/geo.h"

#define D2R (M_PI / 180.0)
#define KM_PER_DEG (GS_EARTH_RADIUS_KM * D2R)

/* ---------- small helpers ---------- */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double rng_unit(uint64_t *s)
{
    return (double)(splitmix64(s) >> 11) * (1.0 / 9007199254740992.0);
}

static int code_index(const char *cc)
{
    if (cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z')
        return -1;
    return (cc[0] - 'A') * 26 + (cc[1] - 'A');
}

static void to_vec(double lat, double lon, double v[3])
{
    double p = lat * D2R, l = lon * D2R;
    v[0] = cos(p) * cos(l);
    v[1] = cos(p) * sin(l);
    v[2] = sin(p);
}

static void from_vec(const double v[3], double *lat, double *lon)
{
    double h = sqrt(v[0] * v[0] + v[1] * v[1]);
    *lat = atan2(v[2], h) / D2R;
    *lon = (h > 0) ? atan2(v[1], v[0]) / D2R : 0.0;
}

static double dist2(const double *a, const double *b)
{
    double x = a[0] - b[0], y = a[1] - b[1], z = a[2] - b[2];
    return x * x + y * y + z * z;
}

static int normalise(double v[3])
{
    double n = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (!(n > 0))
        return -1;
    v[0] /= n;
    v[1] /= n;
    v[2] /= n;
    return 0;
}

/* ---------- filters and time zones ---------- */

size_t gs_cities_filter(gs_city *c, size_t n, const gs_city_filter *f)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const gs_city *x = &c[i];
        int keep = x->population >= f->min_population;
        if (keep && f->countries && f->ncountries) {
            keep = 0;
            for (size_t j = 0; j < f->ncountries && !keep; j++)
                keep = strcmp(f->countries[j], x->country) == 0;
        }
        if (keep && f->has_bbox) {
            keep = x->lat >= f->lat_min && x->lat <= f->lat_max;
            if (f->lon_min <= f->lon_max)
                keep = keep && x->lon >= f->lon_min && x->lon <= f->lon_max;
            else
                keep = keep && (x->lon >= f->lon_min || x->lon <= f->lon_max);
        }
        if (keep)
            c[m++] = *x;
    }
    return m;
}

static int lists_country(const char *list, const char *cc)
{
    size_t n = strlen(cc);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, cc, n) == 0)
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

/* Zones of each country: tier 0 lists the country first (its principal location is there),
 * tier 1 lists it after another. */
typedef struct tz_index {
    size_t *zones;          /* concatenated lists */
    size_t start[26 * 26 + 1], first_end[26 * 26];
} tz_index;

static int tz_tier(const gs_tz_place *z, const char *country)
{
    size_t cl = strlen(country);
    if (!cl || !lists_country(z->countries, country))
        return 2;
    return (strncmp(z->countries, country, cl) == 0 &&
            (z->countries[cl] == ',' || z->countries[cl] == '\0'))
               ? 0
               : 1;
}

static int tz_index_build(tz_index *ix, const gs_tz_place *places, size_t n)
{
    size_t total = 0;
    memset(ix->start, 0, sizeof ix->start);
    for (size_t i = 0; i < n; i++)
        for (const char *p = places[i].countries; *p;) {
            total++;
            const char *e = strchr(p, ',');
            if (!e)
                break;
            p = e + 1;
        }
    ix->zones = malloc((total ? total : 1) * sizeof *ix->zones);
    if (!ix->zones)
        return -1;
    size_t o = 0;
    for (int c = 0; c < 26 * 26; c++) {
        char cc[3] = {(char)('A' + c / 26), (char)('A' + c % 26), 0};
        ix->start[c] = o;
        for (int tier = 0; tier < 2; tier++) {
            for (size_t i = 0; i < n && o < total; i++)
                if (tz_tier(&places[i], cc) == tier)
                    ix->zones[o++] = i;
            if (tier == 0)
                ix->first_end[c] = o;
        }
    }
    ix->start[26 * 26] = o;
    return 0;
}

static int pick_indexed(const tz_index *ix, const gs_tz_place *places, size_t n, int ci,
                        double lat, double lon)
{
    size_t a = 0, b = 0;
    if (ci >= 0) {
        a = ix->start[ci];
        b = ix->first_end[ci];
        if (a == b)
            b = ix->start[ci + 1];
    }
    int best = -1;
    double bd = INFINITY;
    if (a < b) {
        if (b - a == 1)
            return (int)ix->zones[a];
        for (size_t q = a; q < b; q++) {
            double d = gs_geo_distance_km(lat, lon, places[ix->zones[q]].lat,
                                          places[ix->zones[q]].lon);
            if (d < bd) {
                bd = d;
                best = (int)ix->zones[q];
            }
        }
        return best;
    }
    for (size_t i = 0; i < n; i++) {
        double d = gs_geo_distance_km(lat, lon, places[i].lat, places[i].lon);
        if (d < bd) {
            bd = d;
            best = (int)i;
        }
    }
    return best;
}

int gs_tz_place_pick(const gs_tz_place *places, size_t n, const char *country, double lat,
                     double lon)
{
    int best[3] = {-1, -1, -1};
    double bd[3] = {INFINITY, INFINITY, INFINITY};
    for (size_t i = 0; i < n; i++) {
        double d = gs_geo_distance_km(lat, lon, places[i].lat, places[i].lon);
        for (int t = country ? tz_tier(&places[i], country) : 2; t < 3; t++)
            if (d < bd[t]) {
                bd[t] = d;
                best[t] = (int)i;
            }
    }
    return best[0] >= 0 ? best[0] : best[1] >= 0 ? best[1] : best[2];
}

typedef struct vote {
    size_t region;
    size_t zone;
    double pop;
} vote;

static int cmp_vote(const void *a, const void *b)
{
    const vote *x = a, *y = b;
    if (x->region != y->region)
        return x->region < y->region ? -1 : 1;
    return (x->zone > y->zone) - (x->zone < y->zone);
}

static void set_tz(gs_demand_region *r, const char *name)
{
    size_t len = strlen(name);
    if (len >= sizeof r->tz)
        len = sizeof r->tz - 1;
    memcpy(r->tz, name, len);
    r->tz[len] = '\0';
}

/* ---------- time-zone boundaries ---------- */

int gs_tzmap_lookup(const gs_tzmap *m, double lat, double lon)
{
    if (!m || !m->top || !m->nx || !m->ny || !(lat >= -90 && lat <= 90) ||
        !(lon >= -180 && lon <= 180))
        return -1;
    if (lat >= 90)
        return m->pole < m->nzones ? (int)m->pole : -1;
    /* The package's own arithmetic (tools/tzmap.mjs checks it against the package): the
     * divisors, one unit in the last place above 360 and 180, keep lon 180 and lat -90 inside
     * the last column and row. */
    double s = (double)m->nx * (180.0 + lon) / 360.00000000000006;
    double u = (double)m->ny * (90.0 - lat) / 180.00000000000003;
    size_t x = (size_t)s, y = (size_t)u;
    if (x >= m->nx)
        x = m->nx - 1;
    if (y >= m->ny)
        y = m->ny - 1;
    unsigned v = m->top[y * m->nx + x];
    for (int depth = 0; !(v & 0x8000u); depth++) {
        if (v >= m->nnodes || depth > 48)
            return -1;
        u = fmod(2.0 * (u - (double)y), 2.0);
        y = (size_t)u;
        s = fmod(2.0 * (s - (double)x), 2.0);
        x = (size_t)s;
        v = m->nodes[4 * (size_t)v + 2 * (y & 1) + (x & 1)];
    }
    v &= 0x7fffu;
    return v < m->nzones ? (int)v : -1;
}

const char *gs_tzmap_zone_at(const gs_tzmap *m, double lat, double lon)
{
    int z = gs_tzmap_lookup(m, lat, lon);
    return z >= 0 ? m->names[z] : NULL;
}

/* A zone as a vote: an index into the map's zones, or nz + an index into places for a zone1970
 * fallback whose name the map does not hold. */
typedef struct tz_src {
    const gs_tzmap *map;
    size_t nz;                  /* map zones (0 without a map) */
    const gs_tz_place *places;
    size_t n;
    tz_index ix;
    size_t *place2map;          /* per place: map zone of the same name, or SIZE_MAX */
} tz_src;

static int tz_src_init(tz_src *t, const gs_tzmap *map, const gs_tz_place *places, size_t n)
{
    memset(t, 0, sizeof *t);
    t->map = map && map->nzones ? map : NULL;
    t->nz = t->map ? t->map->nzones : 0;
    t->places = places;
    t->n = n;
    t->place2map = malloc((n ? n : 1) * sizeof *t->place2map);
    if (!t->place2map)
        return -1;
    for (size_t p = 0; p < n; p++) {
        t->place2map[p] = SIZE_MAX;
        for (size_t z = 0; z < t->nz && t->place2map[p] == SIZE_MAX; z++)
            if (strcmp(t->map->names[z], places[p].name) == 0)
                t->place2map[p] = z;
    }
    if (n && tz_index_build(&t->ix, places, n) < 0) {
        free(t->place2map);
        t->place2map = NULL;
        return -1;
    }
    return 0;
}

static void tz_src_free(tz_src *t)
{
    free(t->place2map);
    if (t->n)
        free(t->ix.zones);
}

/* The zone of a point of country cc: the map's when usable, else zone1970's pick (*fell = 1).
 * SIZE_MAX when neither gives one. */
static size_t tz_of(const tz_src *t, const char *cc, double lat, double lon, int *fell)
{
    *fell = 0;
    if (t->map) {
        int z = gs_tzmap_lookup(t->map, lat, lon);
        if (z >= 0 && (!t->map->usable || t->map->usable[z]))
            return (size_t)z;
    }
    if (!t->n)
        return SIZE_MAX;
    *fell = 1;
    int p = pick_indexed(&t->ix, t->places, t->n, code_index(cc), lat, lon);
    if (p < 0)
        return SIZE_MAX;
    return t->place2map[p] != SIZE_MAX ? t->place2map[p] : t->nz + (size_t)p;
}

static const char *tz_name(const tz_src *t, size_t z)
{
    return z < t->nz ? t->map->names[z] : t->places[z - t->nz].name;
}

int gs_regions_assign_tz(gs_regions_result *res, const gs_city *cities, size_t ncities,
                         const gs_tzmap *map, const gs_tz_place *places, size_t n,
                         size_t *fallback, gs_error *err)
{
    if (fallback)
        *fallback = 0;
    for (size_t i = 0; i < res->n; i++)
        res->r[i].tz[0] = '\0';
    tz_src t;
    vote *v = malloc((ncities ? ncities : 1) * sizeof *v);
    double *best = calloc(res->n ? res->n : 1, sizeof *best);
    if (!v || !best || tz_src_init(&t, map, places, n) < 0) {
        free(v);
        free(best);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    size_t nv = 0, fell_n = 0;
    for (size_t i = 0; i < ncities; i++) {
        size_t j = res->city_region ? res->city_region[i] : SIZE_MAX;
        if (j >= res->n || strcmp(cities[i].country, res->r[j].country) != 0)
            continue;
        int fell;
        size_t z = tz_of(&t, cities[i].country, cities[i].lat, cities[i].lon, &fell);
        fell_n += (size_t)fell;
        if (z != SIZE_MAX)
            v[nv++] = (vote){j, z, cities[i].population};
    }
    qsort(v, nv, sizeof *v, cmp_vote);
    for (size_t a = 0; a < nv;) {
        size_t b = a;
        double pop = 0;
        while (b < nv && v[b].region == v[a].region && v[b].zone == v[a].zone)
            pop += v[b++].pop;
        gs_demand_region *r = &res->r[v[a].region];
        if (pop > best[v[a].region] || !r->tz[0]) {
            best[v[a].region] = pop;
            set_tz(r, tz_name(&t, v[a].zone));
        }
        a = b;
    }
    for (size_t j = 0; j < res->n; j++)
        if (!res->r[j].tz[0]) { /* no voter: the centroid's zone */
            int fell;
            size_t z = tz_of(&t, res->r[j].country, res->r[j].lat, res->r[j].lon, &fell);
            if (z != SIZE_MAX)
                set_tz(&res->r[j], tz_name(&t, z));
        }
    if (fallback)
        *fallback = fell_n;
    free(best);
    free(v);
    tz_src_free(&t);
    return GS_OK;
}

/* ---------- k-means ---------- */

typedef struct work {
    size_t n;            /* cities used */
    size_t *idx;         /* their indices into the input */
    double *x;           /* unit vectors, 3 per city */
    double *w;           /* demand weights */
    size_t *assign;      /* cluster of each used city */
} work;

static int kmeans(work *wk, size_t k, uint64_t seed, int max_iter, int *iters, int *converged)
{
    size_t n = wk->n;
    const double *x = wk->x, *w = wk->w;
    double *c = malloc(k * 3 * sizeof *c), *sum = malloc(k * 3 * sizeof *sum);
    double *D = malloc(n * sizeof *D), *u = malloc(n * sizeof *u), *l = malloc(n * sizeof *l);
    double *s = malloc(k * sizeof *s), *move = malloc(k * sizeof *move);
    unsigned char *chosen = calloc(n, 1);
    int rc = -1;
    if (!c || !sum || !D || !u || !l || !s || !move || !chosen)
        goto out;

    /* k-means++: first centre drawn by weight, then by weight x squared distance. */
    uint64_t st = seed;
    double W = 0;
    for (size_t i = 0; i < n; i++)
        W += w[i];
    size_t pick = n - 1;
    double r = rng_unit(&st) * W, acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc += w[i];
        if (acc > r) {
            pick = i;
            break;
        }
    }
    memcpy(c, x + 3 * pick, 3 * sizeof *c);
    chosen[pick] = 1;
    for (size_t i = 0; i < n; i++)
        D[i] = dist2(x + 3 * i, c);
    for (size_t j = 1; j < k; j++) {
        double tot = 0;
        for (size_t i = 0; i < n; i++)
            tot += w[i] * D[i];
        pick = n;
        if (tot > 0) {
            r = rng_unit(&st) * tot;
            acc = 0;
            size_t last = n;
            for (size_t i = 0; i < n; i++) {
                if (!(w[i] * D[i] > 0))
                    continue;
                last = i;
                acc += w[i] * D[i];
                if (acc > r) {
                    pick = i;
                    break;
                }
            }
            if (pick == n)
                pick = last;
        }
        if (pick == n) /* every city sits on a centre already (duplicate places) */
            for (size_t i = 0; i < n && pick == n; i++)
                if (!chosen[i])
                    pick = i;
        chosen[pick] = 1;
        double *cj = c + 3 * j;
        memcpy(cj, x + 3 * pick, 3 * sizeof *c);
        for (size_t i = 0; i < n; i++) {
            double d = dist2(x + 3 * i, cj);
            if (d < D[i])
                D[i] = d;
        }
    }

    /* Initial assignment: nearest and second-nearest centre (chord distance). */
    for (size_t i = 0; i < n; i++) {
        double d1 = INFINITY, d2 = INFINITY;
        size_t a = 0;
        for (size_t j = 0; j < k; j++) {
            double d = dist2(x + 3 * i, c + 3 * j);
            if (d < d1) {
                d2 = d1;
                d1 = d;
                a = j;
            } else if (d < d2) {
                d2 = d;
            }
        }
        wk->assign[i] = a;
        u[i] = sqrt(d1);
        l[i] = sqrt(d2);
    }

    *converged = 0;
    int it = 0;
    while (it < max_iter) {
        it++;
        /* Move each centre to the normalised weighted mean of its cities. */
        memset(sum, 0, k * 3 * sizeof *sum);
        for (size_t i = 0; i < n; i++) {
            double *sj = sum + 3 * wk->assign[i];
            sj[0] += w[i] * x[3 * i];
            sj[1] += w[i] * x[3 * i + 1];
            sj[2] += w[i] * x[3 * i + 2];
        }
        double m1 = 0, m2 = 0;
        size_t j1 = 0;
        for (size_t j = 0; j < k; j++) {
            double *sj = sum + 3 * j;
            move[j] = 0;
            if (normalise(sj) == 0) {
                move[j] = sqrt(dist2(sj, c + 3 * j));
                memcpy(c + 3 * j, sj, 3 * sizeof *c);
            }
            if (move[j] > m1) {
                m2 = m1;
                m1 = move[j];
                j1 = j;
            } else if (move[j] > m2) {
                m2 = move[j];
            }
        }
        for (size_t i = 0; i < n; i++) {
            u[i] += move[wk->assign[i]];
            l[i] -= wk->assign[i] == j1 ? m2 : m1;
        }
        /* Half the distance from each centre to its nearest other centre. */
        for (size_t j = 0; j < k; j++) {
            double m = INFINITY;
            for (size_t q = 0; q < k; q++)
                if (q != j) {
                    double d = dist2(c + 3 * j, c + 3 * q);
                    if (d < m)
                        m = d;
                }
            s[j] = 0.5 * sqrt(m);
        }
        size_t changed = 0;
        for (size_t i = 0; i < n; i++) {
            size_t a = wk->assign[i];
            double bound = s[a] > l[i] ? s[a] : l[i];
            if (u[i] <= bound)
                continue;
            u[i] = sqrt(dist2(x + 3 * i, c + 3 * a));
            if (u[i] <= bound)
                continue;
            double d1 = INFINITY, d2 = INFINITY;
            size_t b = a;
            for (size_t j = 0; j < k; j++) {
                double d = dist2(x + 3 * i, c + 3 * j);
                if (d < d1 || (d == d1 && j == a)) {
                    d2 = d1;
                    d1 = d;
                    b = j;
                } else if (d < d2) {
                    d2 = d;
                }
            }
            if (b != a) {
                wk->assign[i] = b;
                changed++;
            }
            u[i] = sqrt(d1);
            l[i] = sqrt(d2);
        }
        if (changed == 0) {
            *converged = 1;
            break;
        }
    }
    *iters = it;
    rc = 0;
out:
    free(c);
    free(sum);
    free(D);
    free(u);
    free(l);
    free(s);
    free(move);
    free(chosen);
    return rc;
}

/* ---------- grid over lat/lon for radius queries ---------- */

typedef struct grid {
    double cell;       /* degrees */
    uint64_t nx, ny;
    size_t n;
    uint64_t *key;     /* sorted cell keys */
    size_t *item;      /* item per key */
} grid;

static uint64_t cell_y(const grid *g, double lat)
{
    double f = floor((lat + 90.0) / g->cell);
    if (f < 0)
        f = 0;
    if (f > (double)(g->ny - 1))
        f = (double)(g->ny - 1);
    return (uint64_t)f;
}

static uint64_t cell_x(const grid *g, double lon)
{
    double f = floor((lon + 180.0) / g->cell);
    int64_t ix = (int64_t)f % (int64_t)g->nx;
    if (ix < 0)
        ix += (int64_t)g->nx;
    return (uint64_t)ix;
}

typedef struct kv {
    uint64_t key;
    size_t item;
} kv;

static int cmp_kv(const void *a, const void *b)
{
    const kv *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->item > y->item) - (x->item < y->item);
}

/* Grid of items (lat[i], lon[i]) for i in ids[0..n). */
static int grid_build(grid *g, double radius_km, const double *lat, const double *lon,
                      const size_t *ids, size_t n)
{
    double cell = radius_km / KM_PER_DEG;
    if (cell > 90)
        cell = 90;
    if (cell < 0.01)
        cell = 0.01;
    g->nx = (uint64_t)ceil(360.0 / cell);
    g->cell = 360.0 / (double)g->nx;
    g->ny = (uint64_t)ceil(180.0 / g->cell);
    g->n = n;
    g->key = malloc((n ? n : 1) * sizeof *g->key);
    g->item = malloc((n ? n : 1) * sizeof *g->item);
    kv *t = malloc((n ? n : 1) * sizeof *t);
    if (!g->key || !g->item || !t) {
        free(t);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        size_t id = ids[i];
        t[i].key = cell_y(g, lat[id]) * g->nx + cell_x(g, lon[id]);
        t[i].item = id;
    }
    qsort(t, n, sizeof *t, cmp_kv);
    for (size_t i = 0; i < n; i++) {
        g->key[i] = t[i].key;
        g->item[i] = t[i].item;
    }
    free(t);
    return 0;
}

static void grid_free(grid *g)
{
    free(g->key);
    free(g->item);
}

static size_t lower_bound(const uint64_t *a, size_t n, uint64_t k)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Call fn(ctx, item) for every item whose cell may lie within radius_km of (lat, lon). */
typedef void (*grid_fn)(void *ctx, size_t item);

static void grid_query(const grid *g, double lat, double lon, double radius_km, grid_fn fn,
                       void *ctx)
{
    double delta = radius_km / GS_EARTH_RADIUS_KM; /* angular radius, radians */
    double lat0 = lat - delta / D2R, lat1 = lat + delta / D2R;
    if (lat0 < -90)
        lat0 = -90;
    if (lat1 > 90)
        lat1 = 90;
    int full = 0;
    double dlon = 360;
    double cp = cos(lat * D2R);
    if (delta >= M_PI / 2 || sin(delta) >= cp)
        full = 1;
    else
        dlon = asin(sin(delta) / cp) / D2R + 1e-9;
    if (dlon >= 180)
        full = 1;
    uint64_t y0 = cell_y(g, lat0), y1 = cell_y(g, lat1);
    int64_t x0 = 0, x1 = (int64_t)g->nx - 1;
    if (!full) {
        x0 = (int64_t)floor((lon - dlon + 180.0) / g->cell);
        x1 = (int64_t)floor((lon + dlon + 180.0) / g->cell);
        if (x1 - x0 + 1 >= (int64_t)g->nx) {
            x0 = 0;
            x1 = (int64_t)g->nx - 1;
        }
    }
    for (uint64_t y = y0; y <= y1; y++) {
        for (int64_t xx = x0; xx <= x1; xx++) {
            int64_t ix = xx % (int64_t)g->nx;
            if (ix < 0)
                ix += (int64_t)g->nx;
            uint64_t key = y * g->nx + (uint64_t)ix;
            for (size_t p = lower_bound(g->key, g->n, key); p < g->n && g->key[p] == key; p++)
                fn(ctx, g->item[p]);
        }
    }
}

typedef struct greedy_ctx {
    const gs_city *cities;
    size_t *assign;        /* by input index; SIZE_MAX: not yet */
    size_t centre;         /* input index of the centre city */
    size_t label;
    double radius_km;
    double best_d;         /* nearest-seed pass */
    size_t best;
} greedy_ctx;

static void take_if_near(void *vctx, size_t i)
{
    greedy_ctx *g = vctx;
    const gs_city *a = &g->cities[g->centre], *b = &g->cities[i];
    if (g->assign[i] != SIZE_MAX || strcmp(a->country, b->country) != 0)
        return;
    if (gs_geo_distance_km(a->lat, a->lon, b->lat, b->lon) <= g->radius_km)
        g->assign[i] = g->label;
}

static void nearest_seed(void *vctx, size_t seed)
{
    greedy_ctx *g = vctx;
    const gs_city *a = &g->cities[g->centre], *b = &g->cities[seed];
    if (strcmp(a->country, b->country) != 0)
        return;
    double d = gs_geo_distance_km(a->lat, a->lon, b->lat, b->lon);
    if (d < g->best_d || (d == g->best_d && seed < g->best)) {
        g->best_d = d;
        g->best = seed;
    }
}

typedef struct popidx {
    double pop;
    size_t i;
} popidx;

static int cmp_popidx(const void *a, const void *b)
{
    const popidx *x = a, *y = b;
    if (x->pop != y->pop)
        return x->pop > y->pop ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* Greedy per-country clustering: the most populous unassigned city becomes a centre and takes
 * every unassigned city of its country within radius; then each city moves to the nearest
 * centre of its country (always within radius: its own centre is). Labels: cluster numbers
 * into wk->assign (by used-city position). */
static int by_country(work *wk, const gs_city *cities, size_t ncities, double radius_km,
                      size_t *nclusters)
{
    size_t n = wk->n;
    size_t *assign = malloc((ncities ? ncities : 1) * sizeof *assign);
    size_t *seeds = malloc((n ? n : 1) * sizeof *seeds);
    size_t *seed_label = malloc((ncities ? ncities : 1) * sizeof *seed_label);
    popidx *order = malloc((n ? n : 1) * sizeof *order);
    double *lat = malloc((ncities ? ncities : 1) * sizeof *lat);
    double *lon = malloc((ncities ? ncities : 1) * sizeof *lon);
    grid g = {0}, gs = {0};
    int rc = -1;
    if (!assign || !seeds || !seed_label || !order || !lat || !lon)
        goto out;
    for (size_t i = 0; i < ncities; i++) {
        assign[i] = SIZE_MAX;
        lat[i] = cities[i].lat;
        lon[i] = cities[i].lon;
    }
    for (size_t p = 0; p < n; p++) {
        order[p].pop = cities[wk->idx[p]].population;
        order[p].i = wk->idx[p];
    }
    qsort(order, n, sizeof *order, cmp_popidx);
    if (grid_build(&g, radius_km, lat, lon, wk->idx, n) < 0)
        goto out;
    greedy_ctx ctx = {.cities = cities, .assign = assign, .radius_km = radius_km};
    size_t ns = 0;
    for (size_t p = 0; p < n; p++) {
        size_t i = order[p].i;
        if (assign[i] != SIZE_MAX)
            continue;
        ctx.centre = i;
        ctx.label = ns;
        seed_label[i] = ns;
        seeds[ns++] = i;
        assign[i] = ctx.label;
        grid_query(&g, cities[i].lat, cities[i].lon, radius_km, take_if_near, &ctx);
    }
    if (grid_build(&gs, radius_km, lat, lon, seeds, ns) < 0)
        goto out;
    for (size_t p = 0; p < n; p++) {
        size_t i = wk->idx[p];
        ctx.centre = i;
        ctx.best = seeds[assign[i]];
        ctx.best_d = gs_geo_distance_km(cities[i].lat, cities[i].lon, cities[ctx.best].lat,
                                        cities[ctx.best].lon);
        grid_query(&gs, cities[i].lat, cities[i].lon, radius_km, nearest_seed, &ctx);
        wk->assign[p] = seed_label[ctx.best];
    }
    *nclusters = ns;
    rc = 0;
out:
    grid_free(&g);
    grid_free(&gs);
    free(assign);
    free(seeds);
    free(seed_label);
    free(order);
    free(lat);
    free(lon);
    return rc;
}

/* ---------- regions from an assignment ---------- */

typedef struct rc_pair {
    size_t region;
    int country;
    size_t p; /* used-city position */
} rc_pair;

static int cmp_rc(const void *a, const void *b)
{
    const rc_pair *x = a, *y = b;
    if (x->region != y->region)
        return x->region < y->region ? -1 : 1;
    if (x->country != y->country)
        return x->country < y->country ? -1 : 1;
    return (x->p > y->p) - (x->p < y->p);
}

static int cmp_region(const void *a, const void *b)
{
    const gs_demand_region *x = a, *y = b;
    if (x->demand != y->demand)
        return x->demand > y->demand ? -1 : 1;
    if (x->population != y->population)
        return x->population > y->population ? -1 : 1;
    if (x->lat != y->lat)
        return x->lat < y->lat ? -1 : 1;
    if (x->lon != y->lon)
        return x->lon < y->lon ? -1 : 1;
    return (x->largest > y->largest) - (x->largest < y->largest);
}

typedef struct tagged {
    gs_demand_region r;
    size_t orig;
} tagged;

static int cmp_tagged(const void *a, const void *b)
{
    return cmp_region(&((const tagged *)a)->r, &((const tagged *)b)->r);
}

static int build_regions(const work *wk, const gs_city *cities, size_t ncities, size_t k,
                         gs_regions_result *out)
{
    size_t n = wk->n;
    gs_demand_region *r = calloc(k ? k : 1, sizeof *r);
    double *vs = calloc(k ? k * 3 : 1, sizeof *vs);
    rc_pair *pairs = malloc((n ? n : 1) * sizeof *pairs);
    size_t *old2new = malloc((k ? k : 1) * sizeof *old2new);
    int rc = -1;
    if (!r || !vs || !pairs || !old2new)
        goto out;
    for (size_t j = 0; j < k; j++)
        r[j].largest = SIZE_MAX;
    for (size_t p = 0; p < n; p++) {
        size_t j = wk->assign[p], i = wk->idx[p];
        const gs_city *c = &cities[i];
        r[j].population += c->population;
        r[j].demand += wk->w[p];
        r[j].ncities++;
        vs[3 * j] += wk->w[p] * wk->x[3 * p];
        vs[3 * j + 1] += wk->w[p] * wk->x[3 * p + 1];
        vs[3 * j + 2] += wk->w[p] * wk->x[3 * p + 2];
        if (r[j].largest == SIZE_MAX || c->population > cities[r[j].largest].population)
            r[j].largest = i;
        pairs[p] = (rc_pair){j, code_index(c->country), p};
    }
    for (size_t j = 0; j < k; j++) {
        if (r[j].ncities && normalise(vs + 3 * j) == 0)
            from_vec(vs + 3 * j, &r[j].lat, &r[j].lon);
        else if (r[j].ncities) { /* antipodal cancellation: use the largest city */
            r[j].lat = cities[r[j].largest].lat;
            r[j].lon = cities[r[j].largest].lon;
        }
    }
    /* Dominant country: most population (ties: the code first in order). */
    qsort(pairs, n, sizeof *pairs, cmp_rc);
    for (size_t a = 0; a < n;) {
        size_t b = a;
        double pop = 0;
        while (b < n && pairs[b].region == pairs[a].region && pairs[b].country == pairs[a].country)
            pop += cities[wk->idx[pairs[b++].p]].population;
        gs_demand_region *rg = &r[pairs[a].region];
        if (pop > rg->radius_km || rg->country[0] == '\0') { /* radius_km: scratch for max pop */
            rg->radius_km = pop;
            memcpy(rg->country, cities[wk->idx[pairs[a].p]].country, 3);
            rg->country[2] = '\0';
        }
        a = b;
    }
    for (size_t j = 0; j < k; j++)
        r[j].radius_km = 0;
    for (size_t p = 0; p < n; p++) {
        size_t j = wk->assign[p];
        const gs_city *c = &cities[wk->idx[p]];
        if (r[j].demand > 0)
            r[j].radius_km +=
                wk->w[p] * gs_geo_distance_km(c->lat, c->lon, r[j].lat, r[j].lon) / r[j].demand;
    }
    /* Drop empty clusters, sort by demand (largest first), remember the mapping. */
    size_t m = 0;
    for (size_t j = 0; j < k; j++)
        if (r[j].ncities)
            m++;
    tagged *t = malloc((m ? m : 1) * sizeof *t);
    gs_demand_region *sorted = calloc(m ? m : 1, sizeof *sorted);
    if (!t || !sorted) {
        free(t);
        free(sorted);
        goto out;
    }
    m = 0;
    for (size_t j = 0; j < k; j++)
        if (r[j].ncities)
            t[m++] = (tagged){r[j], j};
    qsort(t, m, sizeof *t, cmp_tagged);
    for (size_t j = 0; j < k; j++)
        old2new[j] = SIZE_MAX;
    for (size_t a = 0; a < m; a++) {
        sorted[a] = t[a].r;
        old2new[t[a].orig] = a;
    }
    free(t);
    /* Ids: lower-case country + rank within that country. */
    size_t count[26 * 26 + 1] = {0};
    for (size_t a = 0; a < m; a++) {
        int ci = code_index(sorted[a].country);
        size_t slot = ci >= 0 ? (size_t)ci : 26 * 26;
        count[slot]++;
        char cc[3] = {'x', 'x', 0};
        if (ci >= 0) {
            cc[0] = (char)(sorted[a].country[0] - 'A' + 'a');
            cc[1] = (char)(sorted[a].country[1] - 'A' + 'a');
        }
        snprintf(sorted[a].id, sizeof sorted[a].id, "%s-%zu", cc, count[slot]);
    }
    for (size_t i = 0; i < ncities; i++)
        out->city_region[i] = SIZE_MAX;
    for (size_t p = 0; p < n; p++) {
        out->city_region[wk->idx[p]] = old2new[wk->assign[p]];
    }
    out->r = sorted;
    out->n = m;
    out->empty_dropped = k - m;
    double tot = 0;
    for (size_t a = 0; a < m; a++)
        tot += sorted[a].demand;
    for (size_t a = 0; a < m; a++)
        sorted[a].share = sorted[a].demand / tot;
    rc = 0;
out:
    free(r);
    free(vs);
    free(pairs);
    free(old2new);
    return rc;
}

int gs_regions_cluster(const gs_city *cities, size_t n, const gs_regions_params *p,
                       gs_regions_result *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    double fac[26 * 26];
    for (size_t i = 0; i < 26 * 26; i++)
        fac[i] = 1.0;
    for (size_t i = 0; i < p->nadoption; i++) {
        int ci = code_index(p->adoption[i].country);
        if (ci < 0 || !isfinite(p->adoption[i].factor) || p->adoption[i].factor < 0)
            return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "adoption",
                                "expected a country code and a factor >= 0, found '%s' %g",
                                p->adoption[i].country, p->adoption[i].factor);
        fac[ci] = p->adoption[i].factor;
    }
    if (p->method == GS_REGIONS_COUNTRY && !(p->radius_km > 0 && isfinite(p->radius_km)))
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "radius_km",
                            "expected a radius > 0 km, found %g", p->radius_km);
    if (p->method == GS_REGIONS_KMEANS && p->k == 0)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "clusters",
                            "expected a number of regions >= 1, found 0");

    work wk = {0};
    wk.idx = malloc((n ? n : 1) * sizeof *wk.idx);
    wk.x = malloc((n ? n : 1) * 3 * sizeof *wk.x);
    wk.w = malloc((n ? n : 1) * sizeof *wk.w);
    wk.assign = malloc((n ? n : 1) * sizeof *wk.assign);
    out->city_region = malloc((n ? n : 1) * sizeof *out->city_region);
    int rc = GS_OK;
    if (!wk.idx || !wk.x || !wk.w || !wk.assign || !out->city_region) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const gs_city *c = &cities[i];
        int ci = code_index(c->country);
        double w = c->population * (ci >= 0 ? fac[ci] : 1.0);
        if (!(w > 0) || !isfinite(w))
            continue;
        size_t q = wk.n++;
        wk.idx[q] = i;
        wk.w[q] = w;
        to_vec(c->lat, c->lon, wk.x + 3 * q);
        out->population += c->population;
        out->demand += w;
    }
    out->ncities_used = wk.n;
    if (wk.n == 0) {
        rc = gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                          "no city with demand (population x adoption factor > 0) to group");
        goto done;
    }
    size_t k = 0;
    if (p->method == GS_REGIONS_KMEANS) {
        if (p->k > wk.n) {
            rc = gs_error_set(err, GS_EINPUT, NULL, 0, 0, "clusters",
                              "expected at most the number of cities with demand (%zu), found %zu",
                              wk.n, p->k);
            goto done;
        }
        k = p->k;
        if (kmeans(&wk, k, p->seed, p->max_iter > 0 ? p->max_iter : 100, &out->iterations,
                   &out->converged) < 0) {
            rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto done;
        }
    } else {
        if (by_country(&wk, cities, n, p->radius_km, &k) < 0) {
            rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
            goto done;
        }
        out->converged = 1;
    }
    if (build_regions(&wk, cities, n, k, out) < 0)
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
done:
    free(wk.idx);
    free(wk.x);
    free(wk.w);
    free(wk.assign);
    if (rc < 0)
        gs_regions_result_free(out);
    return rc;
}

void gs_regions_result_free(gs_regions_result *r)
{
    if (!r)
        return;
    free(r->r);
    free(r->city_region);
    memset(r, 0, sizeof *r);
}
