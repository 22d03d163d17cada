/* test_regions: demand regions from synthetic cities (k-means and per-country radius), their
 * centroids, shares, ids, adoption weighting, determinism, time zones (the embedded time-zone
 * boundary table and the zone1970.tab fallback) and the readers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gridsplit/geo.h"
#include "gridsplit/regions.h"
#include "gridsplit/read/regions.h"

static gs_city city(const char *name, const char *cc, double pop, double lat, double lon)
{
    gs_city c = {.name = name, .population = pop, .lat = lat, .lon = lon};
    memcpy(c.country, cc, 2);
    return c;
}

/* Group A: 3 cities around (10, 10), 600 people; group B: 2 cities around (-20, 100), 300. */
static size_t two_groups(gs_city *c)
{
    c[0] = city("A1", "AA", 300, 10.0, 10.0);
    c[1] = city("A2", "AA", 200, 10.2, 10.0);
    c[2] = city("A3", "AA", 100, 10.0, 10.3);
    c[3] = city("B1", "BB", 100, -20.0, 100.0);
    c[4] = city("B2", "BB", 200, -20.3, 100.0);
    return 5;
}

static void two_separated_groups_give_two_regions_with_their_centroids_and_shares(void **state)
{
    (void)state;
    gs_city c[5];
    size_t n = two_groups(c);
    gs_regions_params p = {.method = GS_REGIONS_KMEANS, .k = 2, .seed = 42};
    gs_regions_result r;
    gs_error err = {0};
    assert_int_equal(gs_regions_cluster(c, n, &p, &r, &err), 0);
    assert_int_equal(r.n, 2);
    assert_true(r.converged);
    /* Largest first: A (600 people). */
    assert_string_equal(r.r[0].id, "aa-1");
    assert_string_equal(r.r[0].country, "AA");
    assert_float_equal(r.r[0].population, 600, 1e-9);
    assert_float_equal(r.r[0].share, 600.0 / 900.0, 1e-12);
    assert_int_equal(r.r[0].ncities, 3);
    assert_int_equal(r.r[0].largest, 0);
    /* Weighted mean of nearby points: lat ~ (300*10 + 200*10.2 + 100*10)/600 = 10.0667,
     * lon ~ (500*10 + 100*10.3)/600 = 10.05 (on the sphere: within 0.001 degree). */
    assert_float_equal(r.r[0].lat, 10.0667, 1e-3);
    assert_float_equal(r.r[0].lon, 10.05, 1e-3);
    assert_string_equal(r.r[1].id, "bb-1");
    assert_float_equal(r.r[1].share, 300.0 / 900.0, 1e-12);
    assert_float_equal(r.r[1].lat, -20.2, 1e-3);
    assert_float_equal(r.r[1].lon, 100.0, 1e-9);
    assert_int_equal(r.r[1].largest, 4);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(r.city_region[i], 0);
    for (size_t i = 3; i < 5; i++)
        assert_int_equal(r.city_region[i], 1);
    gs_regions_result_free(&r);
}

/* Deterministic pseudo-random cities on three continents. */
static size_t random_cities(gs_city *c, size_t n, uint64_t s)
{
    static const char *cc[] = {"US", "DE", "JP"};
    static const double centre[3][2] = {{40, -90}, {50, 10}, {36, 138}};
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        double u1 = (double)(s >> 11) / 9007199254740992.0;
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        double u2 = (double)(s >> 11) / 9007199254740992.0;
        size_t g = i % 3;
        c[i] = city("x", cc[g], 1000 + floor(1e6 * u1 * u1 * u1), centre[g][0] + 10 * (u1 - 0.5),
                    centre[g][1] + 20 * (u2 - 0.5));
    }
    return n;
}

static void same_seed_gives_identical_regions(void **state)
{
    (void)state;
    enum { N = 3000 };
    gs_city *c = malloc(N * sizeof *c);
    assert_non_null(c);
    random_cities(c, N, 7);
    gs_regions_params p = {.method = GS_REGIONS_KMEANS, .k = 12, .seed = 2024};
    gs_regions_result a, b;
    gs_error err = {0};
    assert_int_equal(gs_regions_cluster(c, N, &p, &a, &err), 0);
    assert_int_equal(gs_regions_cluster(c, N, &p, &b, &err), 0);
    assert_int_equal(a.n, 12);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.r, b.r, a.n * sizeof *a.r);
    assert_memory_equal(a.city_region, b.city_region, N * sizeof *a.city_region);
    double sum = 0;
    for (size_t i = 0; i < a.n; i++) {
        sum += a.r[i].share;
        if (i)
            assert_true(a.r[i].demand <= a.r[i - 1].demand);
    }
    assert_float_equal(sum, 1.0, 1e-12);
    /* Every city is in the region whose centroid is nearest (a k-means fixed point). */
    if (a.converged)
        for (size_t i = 0; i < N; i += 7) {
            double own = gs_geo_distance_km(c[i].lat, c[i].lon, a.r[a.city_region[i]].lat,
                                            a.r[a.city_region[i]].lon);
            for (size_t j = 0; j < a.n; j++)
                assert_true(own <= gs_geo_distance_km(c[i].lat, c[i].lon, a.r[j].lat,
                                                      a.r[j].lon) + 1e-6);
        }
    gs_regions_result_free(&a);
    gs_regions_result_free(&b);
    free(c);
}

static void adoption_factor_weights_shares_and_zero_leaves_a_country_out(void **state)
{
    (void)state;
    gs_city c[5];
    size_t n = two_groups(c);
    gs_adoption ad[] = {{"BB", 4.0, 0}};
    gs_regions_params p = {.method = GS_REGIONS_KMEANS, .k = 2, .seed = 1, .adoption = ad,
                           .nadoption = 1};
    gs_regions_result r;
    gs_error err = {0};
    assert_int_equal(gs_regions_cluster(c, n, &p, &r, &err), 0);
    /* B: 300 x 4 = 1200 against A: 600 -> B first with 2/3. */
    assert_string_equal(r.r[0].id, "bb-1");
    assert_float_equal(r.r[0].share, 1200.0 / 1800.0, 1e-12);
    assert_float_equal(r.r[0].population, 300, 1e-9);
    assert_float_equal(r.r[1].share, 600.0 / 1800.0, 1e-12);
    gs_regions_result_free(&r);

    ad[0].factor = 0;
    p.k = 1;
    assert_int_equal(gs_regions_cluster(c, n, &p, &r, &err), 0);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.ncities_used, 3);
    assert_string_equal(r.r[0].country, "AA");
    assert_float_equal(r.r[0].share, 1.0, 1e-12);
    assert_true(r.city_region[3] == SIZE_MAX);
    gs_regions_result_free(&r);

    p.k = 4; /* only 3 cities have demand */
    assert_int_equal(gs_regions_cluster(c, n, &p, &r, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "at most the number of cities with demand (3)"));
}

static void bad_parameters_are_input_errors(void **state)
{
    (void)state;
    gs_city c[5];
    size_t n = two_groups(c);
    gs_regions_result r;
    gs_error err = {0};
    gs_regions_params p = {.method = GS_REGIONS_KMEANS, .k = 0};
    assert_int_equal(gs_regions_cluster(c, n, &p, &r, &err), GS_EINPUT);
    assert_string_equal(err.field, "clusters");
    p = (gs_regions_params){.method = GS_REGIONS_COUNTRY, .radius_km = 0};
    assert_int_equal(gs_regions_cluster(c, n, &p, &r, &err), GS_EINPUT);
    assert_string_equal(err.field, "radius_km");
    gs_adoption ad[] = {{"BB", -1, 0}};
    p = (gs_regions_params){.method = GS_REGIONS_KMEANS, .k = 1, .adoption = ad, .nadoption = 1};
    assert_int_equal(gs_regions_cluster(c, n, &p, &r, &err), GS_EINPUT);
}

static void country_radius_splits_far_cities_and_never_crosses_borders(void **state)
{
    (void)state;
    gs_city c[6];
    /* Two AA towns 5 km apart, a third 330 km away; a CC town 2 km from the first. */
    c[0] = city("Big", "AA", 1000, 50.0, 8.0);
    c[1] = city("Near", "AA", 500, 50.045, 8.0);
    c[2] = city("Far", "AA", 2000, 53.0, 8.0);
    c[3] = city("Border", "CC", 100, 50.0, 8.03);
    c[4] = city("Empty", "AA", 0, 50.0, 8.0);
    c[5] = city("FarSub", "AA", 10, 53.1, 8.0);
    gs_regions_params p = {.method = GS_REGIONS_COUNTRY, .radius_km = 100};
    gs_regions_result r;
    gs_error err = {0};
    assert_int_equal(gs_regions_cluster(c, 6, &p, &r, &err), 0);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.ncities_used, 5); /* population 0 is left out */
    assert_string_equal(r.r[0].id, "aa-1");
    assert_float_equal(r.r[0].population, 2010, 1e-9);
    assert_int_equal(r.r[0].largest, 2);
    assert_string_equal(r.r[1].id, "aa-2");
    assert_float_equal(r.r[1].population, 1500, 1e-9);
    assert_float_equal(r.r[1].lat, 50.015, 1e-3);
    assert_string_equal(r.r[2].id, "cc-1");
    assert_int_equal(r.r[2].ncities, 1);
    assert_true(r.city_region[4] == SIZE_MAX);
    assert_float_equal(r.r[0].share + r.r[1].share + r.r[2].share, 1.0, 1e-12);
    gs_regions_result_free(&r);

    /* A radius wider than everything: one region per country. */
    p.radius_km = 5000;
    assert_int_equal(gs_regions_cluster(c, 6, &p, &r, &err), 0);
    assert_int_equal(r.n, 2);
    gs_regions_result_free(&r);
}

static void country_mode_keeps_regions_compact_and_national_on_many_cities(void **state)
{
    (void)state;
    enum { N = 2000 };
    gs_city *c = malloc(N * sizeof *c);
    assert_non_null(c);
    random_cities(c, N, 99);
    gs_regions_params p = {.method = GS_REGIONS_COUNTRY, .radius_km = 150};
    gs_regions_result r;
    gs_error err = {0};
    assert_int_equal(gs_regions_cluster(c, N, &p, &r, &err), 0);
    /* Each city is in its region's country and within the radius of its centre, itself within
     * the radius of the region's largest city (which a more populous city may be). */
    for (size_t i = 0; i < N; i++) {
        const gs_demand_region *g = &r.r[r.city_region[i]];
        const gs_city *ctr = &c[g->largest];
        assert_string_equal(ctr->country, c[i].country);
        assert_true(gs_geo_distance_km(c[i].lat, c[i].lon, ctr->lat, ctr->lon) <= 300 + 1e-9);
    }
    gs_regions_result_free(&r);
    free(c);
}

static void antimeridian_cities_average_across_the_date_line(void **state)
{
    (void)state;
    gs_city c[2] = {city("W", "FJ", 100, -17, 179.5), city("E", "FJ", 100, -17, -179.5)};
    gs_regions_params p = {.method = GS_REGIONS_KMEANS, .k = 1, .seed = 3};
    gs_regions_result r;
    gs_error err = {0};
    assert_int_equal(gs_regions_cluster(c, 2, &p, &r, &err), 0);
    assert_float_equal(fabs(r.r[0].lon), 180.0, 1e-6);
    gs_regions_result_free(&r);
}

static void filters_keep_countries_population_and_boxes_across_the_date_line(void **state)
{
    (void)state;
    gs_city c[4] = {city("a", "US", 5000, 40, -100), city("b", "US", 500, 40, -100),
                    city("c", "FJ", 5000, -17, 179), city("d", "NZ", 5000, -41, 175)};
    const char codes[2][4] = {"US", "FJ"};
    gs_city_filter f = {.countries = codes, .ncountries = 2, .min_population = 1000};
    gs_city t[4];
    memcpy(t, c, sizeof c);
    assert_int_equal(gs_cities_filter(t, 4, &f), 2);
    assert_string_equal(t[0].name, "a");
    assert_string_equal(t[1].name, "c");
    gs_city_filter box = {.has_bbox = 1, .lat_min = -45, .lon_min = 170, .lat_max = 0,
                          .lon_max = -170};
    memcpy(t, c, sizeof c);
    assert_int_equal(gs_cities_filter(t, 4, &box), 2);
    assert_string_equal(t[0].name, "c");
    assert_string_equal(t[1].name, "d");
}

static void tz_pick_prefers_zones_located_in_the_country_then_listing_it(void **state)
{
    (void)state;
    gs_tz_place z[] = {
        {"Europe/Zurich", "CH,DE,LI", 47.38, 8.53},
        {"Europe/Berlin", "DE,DK,NO,SE,SJ", 52.5, 13.37},
        {"America/New_York", "US", 40.71, -74.0},
        {"America/Chicago", "US", 41.85, -87.65},
    };
    /* Freiburg is nearer Zurich, but Berlin's principal location is in Germany. */
    assert_int_equal(gs_tz_place_pick(z, 4, "DE", 48.0, 7.85), 1);
    /* Oslo: no zone located in NO; Berlin lists it. */
    assert_int_equal(gs_tz_place_pick(z, 4, "NO", 59.9, 10.75), 1);
    assert_int_equal(gs_tz_place_pick(z, 4, "US", 40.4, -80.0), 2);
    assert_int_equal(gs_tz_place_pick(z, 4, "US", 43.0, -89.4), 3);
    /* Unknown country: nearest overall. */
    assert_int_equal(gs_tz_place_pick(z, 4, "XK", 42.66, 21.16), 0);
    assert_int_equal(gs_tz_place_pick(z, 0, "US", 0, 0), -1);

    /* Region zone: the most populous cities' zone wins over the centroid's. */
    gs_city c[3] = {city("Detroitish", "US", 100, 42.3, -83.0),
                    city("Chicagoish", "US", 900, 41.9, -87.7),
                    city("Milwaukeeish", "US", 100, 43.0, -87.9)};
    gs_regions_params p = {.method = GS_REGIONS_KMEANS, .k = 1, .seed = 1};
    gs_regions_result r;
    gs_error err = {0};
    assert_int_equal(gs_regions_cluster(c, 3, &p, &r, &err), 0);
    assert_int_equal(gs_regions_assign_tz(&r, c, 3, NULL, z, 4, NULL, &err), 0);
    assert_string_equal(r.r[0].tz, "America/Chicago");
    gs_regions_result_free(&r);
}

static void system_tz_tables_list_loadable_zones_and_iso_codes(void **state)
{
    (void)state;
    gs_tz_places tp;
    gs_error err = {0};
    assert_int_equal(gs_tz_places_read(NULL, &tp, &err), 0);
    assert_true(tp.n > 200);
    assert_true(gs_tz_places_has_code(&tp, "US"));
    assert_false(gs_tz_places_has_code(&tp, "ZZ"));
    int ny = gs_tz_place_pick(tp.p, tp.n, "US", 40.73, -73.99);
    assert_true(ny >= 0);
    assert_string_equal(tp.p[ny].name, "America/New_York");
    gs_tz_places_free(&tp);
}

/* The embedded boundary table (tools/tzmap.mjs from @photostructure/tz-lookup) puts places in
 * their real zones, where the nearest principal location of zone1970.tab did not (Chicago got
 * America/Kentucky/Monticello, Houston America/Indiana/Tell_City, Dallas America/Denver). */
static void tzmap_gives_the_zone_of_real_boundaries(void **state)
{
    (void)state;
    gs_tzmap m;
    gs_error err = {0};
    assert_int_equal(gs_tzmap_load(&m, &err), 0);
    assert_true(m.nzones > 300 && m.nnodes > 1000);
    assert_non_null(strstr(m.source, "@photostructure/tz-lookup"));
    static const struct {
        double lat, lon;
        const char *tz;
    } want[] = {
        {41.8781, -87.6298, "America/Chicago"},             /* Chicago */
        {29.7604, -95.3698, "America/Chicago"},             /* Houston */
        {32.7767, -96.7970, "America/Chicago"},             /* Dallas */
        {35.4676, -97.5164, "America/Chicago"},             /* Oklahoma City */
        {39.7392, -104.9903, "America/Denver"},             /* Denver */
        {33.4484, -112.0740, "America/Phoenix"},            /* Phoenix: no DST */
        {39.7684, -86.1581, "America/Indiana/Indianapolis"}, /* Indianapolis */
        {38.9072, -77.0369, "America/New_York"},            /* Washington */
        {39.0438, -77.4874, "America/New_York"},            /* Ashburn */
        {41.5868, -93.6250, "America/Chicago"},             /* Des Moines */
        {50.1109, 8.6821, "Europe/Berlin"},                 /* Frankfurt */
        {-23.5505, -46.6333, "America/Sao_Paulo"},          /* Sao Paulo */
        {1.3521, 103.8198, "Asia/Singapore"},               /* Singapore */
        {35.6762, 139.6503, "Asia/Tokyo"},                  /* Tokyo */
        {19.0760, 72.8777, "Asia/Kolkata"},                 /* Mumbai */
        {55.7558, 37.6173, "Europe/Moscow"},                /* Moscow */
        {-33.8688, 151.2093, "Australia/Sydney"},           /* Sydney */
        /* at sea: the nautical zone of the 15-degree band (POSIX sign: Etc/GMT+3 is UTC-3) */
        {30.0, -40.0, "Etc/GMT+3"},                         /* mid-Atlantic */
        {0.0, -140.0, "Etc/GMT+9"},                         /* mid-Pacific */
        {90.0, 0.0, "Etc/GMT"},                             /* the pole */
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *got = gs_tzmap_zone_at(&m, want[i].lat, want[i].lon);
        if (!got || strcmp(got, want[i].tz) != 0)
            fail_msg("(%g, %g): expected %s, found %s", want[i].lat, want[i].lon, want[i].tz,
                     got ? got : "NULL");
    }
    /* the edges of the grid are inside it; off the Earth is -1 */
    assert_true(gs_tzmap_lookup(&m, -90, -180) >= 0);
    assert_true(gs_tzmap_lookup(&m, -90, 180) >= 0);
    assert_true(gs_tzmap_lookup(&m, 0, 180) >= 0);
    assert_int_equal(gs_tzmap_lookup(&m, 90.5, 0), -1);
    assert_int_equal(gs_tzmap_lookup(&m, 0, -180.5), -1);
    assert_int_equal(gs_tzmap_lookup(&m, NAN, 0), -1);
    assert_null(gs_tzmap_zone_at(&m, 0, NAN));
    /* sea zones are not usable for a region; land zones of the system tz database are */
    int sea = gs_tzmap_lookup(&m, 30.0, -40.0), chi = gs_tzmap_lookup(&m, 41.88, -87.63);
    assert_false(m.usable[sea]);
    assert_true(m.usable[chi]);
    gs_tzmap_free(&m);
}

/* A region's zone comes from the boundaries where its people live; places the table puts at
 * sea fall back to zone1970.tab's nearest principal location in their country. */
static void region_zone_votes_by_boundaries_and_falls_back_at_sea(void **state)
{
    (void)state;
    gs_tzmap m;
    gs_tz_places tp;
    gs_error err = {0};
    assert_int_equal(gs_tzmap_load(&m, &err), 0);
    assert_int_equal(gs_tz_places_read(NULL, &tp, &err), 0);
    /* Houston and Dallas (Central) outweigh El Paso (Mountain); zone1970.tab alone gave a Texas
     * region America/Denver or America/Indiana/Tell_City */
    gs_city c[4] = {city("Houston", "US", 2300000, 29.76, -95.37),
                    city("Dallas", "US", 1300000, 32.78, -96.80),
                    city("El Paso", "US", 680000, 31.76, -106.49),
                    city("Buoy", "US", 10, 27.0, -60.0)}; /* open Atlantic: Etc/GMT+4 */
    gs_regions_params p = {.method = GS_REGIONS_KMEANS, .k = 1, .seed = 1};
    gs_regions_result r;
    size_t fell = 99;
    assert_int_equal(gs_regions_cluster(c, 4, &p, &r, &err), 0);
    assert_int_equal(gs_regions_assign_tz(&r, c, 4, &m, tp.p, tp.n, &fell, &err), 0);
    assert_string_equal(r.r[0].tz, "America/Chicago");
    assert_int_equal(fell, 1);
    gs_regions_result_free(&r);
    /* a region of the buoy alone: its country's nearest zone1970.tab zone, never Etc/ */
    assert_int_equal(gs_regions_cluster(c + 3, 1, &p, &r, &err), 0);
    assert_int_equal(gs_regions_assign_tz(&r, c + 3, 1, &m, tp.p, tp.n, &fell, &err), 0);
    assert_string_equal(r.r[0].tz, "America/New_York");
    assert_int_equal(fell, 1);
    gs_regions_result_free(&r);
    /* El Paso alone is on Mountain time */
    assert_int_equal(gs_regions_cluster(c + 2, 1, &p, &r, &err), 0);
    assert_int_equal(gs_regions_assign_tz(&r, c + 2, 1, &m, tp.p, tp.n, &fell, &err), 0);
    assert_string_equal(r.r[0].tz, "America/Denver");
    assert_int_equal(fell, 0);
    gs_regions_result_free(&r);
    gs_tz_places_free(&tp);
    gs_tzmap_free(&m);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void readers_take_quoted_names_and_name_the_bad_line(void **state)
{
    (void)state;
    char path[64], apath[64];
    snprintf(path, sizeof path, "/tmp/gs_test_regions_%ld.csv", (long)getpid());
    snprintf(apath, sizeof apath, "/tmp/gs_test_adoption_%ld.csv", (long)getpid());
    gs_cities cs;
    gs_error err = {0};
    write_file(path, "cityId,name,altName,country,adminCode,featureCode,population,lat,lon\n"
                     "1,\"Rüti, Süd\",,ch,ZH,PPL,3618,47.25,8.85\n"
                     "2,Zero,,CH,ZH,PPL,0,47.0,8.0\n");
    assert_int_equal(gs_cities_read(path, &cs, &err), 0);
    assert_int_equal(cs.n, 2);
    assert_string_equal(cs.c[0].name, "Rüti, Süd");
    assert_string_equal(cs.c[0].country, "CH");
    assert_float_equal(cs.c[0].population, 3618, 0);
    gs_cities_free(&cs);

    write_file(path, "name,country,population,lat,lon\nA,US,10,1,2\nB,US,many,1,2\n");
    assert_int_equal(gs_cities_read(path, &cs, &err), GS_EINPUT);
    assert_int_equal(err.line, 3);
    assert_string_equal(err.field, "population");
    assert_non_null(strstr(err.message, "'many'"));
    write_file(path, "name,country,population,lat,lon\nA,US,10,1\n");
    assert_int_equal(gs_cities_read(path, &cs, &err), GS_EINPUT);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "expected 5 fields"));
    write_file(path, "name,country,population,lat,lon\nA,US,10,95,2\n");
    assert_int_equal(gs_cities_read(path, &cs, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "not a place on Earth"));
    write_file(path, "name,country,population,lat\nA,US,10,95\n");
    assert_int_equal(gs_cities_read(path, &cs, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "'lon' is missing"));

    gs_adoption *a;
    size_t na;
    write_file(apath, "country,factor\n# rich\nus,2\n\nIN,0.5\n");
    assert_int_equal(gs_adoption_read(apath, &a, &na, &err), 0);
    assert_int_equal(na, 2);
    assert_string_equal(a[0].country, "US");
    assert_float_equal(a[0].factor, 2, 0);
    assert_int_equal(a[1].line, 5);
    free(a);
    write_file(apath, "US,2\nUS,3\n");
    assert_int_equal(gs_adoption_read(apath, &a, &na, &err), GS_EINPUT);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "twice"));
    write_file(apath, "US,-1\n");
    assert_int_equal(gs_adoption_read(apath, &a, &na, &err), GS_EINPUT);
    assert_string_equal(err.field, "factor");
    remove(path);
    remove(apath);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_separated_groups_give_two_regions_with_their_centroids_and_shares),
        cmocka_unit_test(same_seed_gives_identical_regions),
        cmocka_unit_test(adoption_factor_weights_shares_and_zero_leaves_a_country_out),
        cmocka_unit_test(bad_parameters_are_input_errors),
        cmocka_unit_test(country_radius_splits_far_cities_and_never_crosses_borders),
        cmocka_unit_test(country_mode_keeps_regions_compact_and_national_on_many_cities),
        cmocka_unit_test(antimeridian_cities_average_across_the_date_line),
        cmocka_unit_test(filters_keep_countries_population_and_boxes_across_the_date_line),
        cmocka_unit_test(tz_pick_prefers_zones_located_in_the_country_then_listing_it),
        cmocka_unit_test(system_tz_tables_list_loadable_zones_and_iso_codes),
        cmocka_unit_test(tzmap_gives_the_zone_of_real_boundaries),
        cmocka_unit_test(region_zone_votes_by_boundaries_and_falls_back_at_sea),
        cmocka_unit_test(readers_take_quoted_names_and_name_the_bad_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
