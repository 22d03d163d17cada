/* test_latency.c: the RTT model on synthetic data: the fit recovers a known factor and
 * overhead, measured overrides win over the model, Dijkstra on a tiny cable graph, and the
 * cable-aware path takes the cable when it is shorter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdlib.h>

#include "gridsplit/geo.h"
#include "gridsplit/latency.h"
#include "gridsplit/read/latency.h"

static const double pts[][2] = {{40.7, -74.0}, {51.5, -0.1}, {35.7, 139.7}, {-33.9, 151.2},
                                {48.9, 2.4},   {1.35, 103.8}, {-23.5, -46.6}, {37.8, -122.4},
                                {19.1, 72.9},  {52.5, 13.4}};
#define NPTS (sizeof pts / sizeof pts[0])

static size_t make_samples(gs_latency_sample *s, double f, double o)
{
    size_t n = 0;
    for (size_t i = 0; i < NPTS; i++)
        for (size_t j = i + 1; j < NPTS; j++) {
            double d = gs_geo_distance_km(pts[i][0], pts[i][1], pts[j][0], pts[j][1]);
            s[n] = (gs_latency_sample){pts[i][0], pts[i][1], pts[j][0], pts[j][1],
                                       2 * d * f / GS_FIBRE_KM_PER_MS + o, -1};
            n++;
        }
    return n;
}

static void fit_recovers_known_factor_and_overhead(void **state)
{
    (void)state;
    gs_latency_sample s[64];
    size_t n = make_samples(s, 1.7, 4.5);
    for (int method = 0; method < 2; method++) {
        gs_latency_model m = gs_latency_model_default();
        gs_error err = {0};
        assert_int_equal(gs_latency_fit(&m, s, n, (gs_latency_fit_method)method, &err), 0);
        assert_true(fabs(m.route_factor - 1.7) < 1e-6);
        assert_true(fabs(m.overhead_ms - 4.5) < 1e-6);
    }
}

static void robust_fit_ignores_an_outlier(void **state)
{
    (void)state;
    gs_latency_sample s[64];
    size_t n = make_samples(s, 1.5, 3.0);
    s[0].rtt_ms *= 3; /* one pair routed the long way round */
    gs_latency_model m = gs_latency_model_default();
    gs_error err = {0};
    assert_int_equal(gs_latency_fit(&m, s, n, GS_LATENCY_FIT_ROBUST_REL, &err), 0);
    assert_true(fabs(m.route_factor - 1.5) < 1e-6);
    assert_true(fabs(m.overhead_ms - 3.0) < 1e-6);
}

static void fit_rejects_too_few_samples(void **state)
{
    (void)state;
    gs_latency_sample s[1] = {{0, 0, 1, 1, 10, -1}};
    gs_latency_model m = gs_latency_model_default();
    gs_error err = {0};
    assert_int_equal(gs_latency_fit(&m, s, 1, GS_LATENCY_FIT_ROBUST_REL, &err), GS_EINPUT);
}

static void plain_rtt_follows_the_formula(void **state)
{
    (void)state;
    gs_latency_model m = {2.0, 1.0, 1.0, NULL, NULL};
    double d = gs_geo_distance_km(0, 0, 0, 10);
    assert_true(fabs(gs_latency_rtt_ms(&m, 0, 0, 0, 10) - (2 * d * 2.0 / 200.0 + 1.0)) < 1e-9);
    assert_true(isnan(gs_latency_rtt_ms(&m, 91, 0, 0, 10)));
}

static void overrides_win_over_the_model(void **state)
{
    (void)state;
    gs_latency_overrides *o = gs_latency_overrides_new();
    gs_error err = {0};
    assert_int_equal(gs_latency_overrides_add(o, 10, 20, 30, 40, 77.0, &err), 0);
    assert_int_equal(gs_latency_overrides_add(o, 1, 2, 3, 4, 5.0, &err), 0);
    assert_int_equal(gs_latency_overrides_add(o, 10, 20, 30, 40, 78.0, &err), 0); /* replaces */
    assert_int_equal(gs_latency_overrides_count(o), 2);
    assert_int_equal(gs_latency_overrides_add(o, 100, 20, 30, 40, 1.0, &err), GS_ERANGE);
    gs_latency_model m = gs_latency_model_default();
    m.overrides = o;
    assert_true(fabs(gs_latency_rtt_ms(&m, 10, 20, 30, 40) - 78.0) < 1e-12);
    assert_true(fabs(gs_latency_rtt_ms(&m, 30, 40, 10, 20) - 78.0) < 1e-12); /* symmetric */
    double plain = gs_latency_rtt_ms(&m, 10, 20, 30, 41);
    assert_true(fabs(plain - 78.0) > 1.0); /* not in the table: the model */
    gs_latency_overrides_free(o);
}

static void dijkstra_on_a_tiny_graph(void **state)
{
    (void)state;
    gs_cable_graph *g = gs_cables_new();
    gs_error err = {0};
    int a = gs_cables_add_landing(g, 0, 0, &err), b = gs_cables_add_landing(g, 0, 10, &err);
    int c = gs_cables_add_landing(g, 10, 10, &err), d = gs_cables_add_landing(g, 10, 0, &err);
    int e = gs_cables_add_landing(g, -50, -50, &err); /* isolated */
    assert_int_equal(gs_cables_add_edge(g, a, b, 100, &err), 0);
    assert_int_equal(gs_cables_add_edge(g, b, c, 100, &err), 0);
    assert_int_equal(gs_cables_add_edge(g, a, d, 500, &err), 0);
    assert_int_equal(gs_cables_add_edge(g, c, d, 50, &err), 0);
    assert_int_equal(gs_cables_add_edge(g, a, 99, 1, &err), GS_ERANGE);
    assert_true(fabs(gs_cables_shortest_km(g, a, d) - 250) < 1e-9); /* a-b-c-d beats a-d */
    assert_true(fabs(gs_cables_shortest_km(g, d, b) - 150) < 1e-9);
    assert_true(isinf(gs_cables_shortest_km(g, a, e)));
    assert_int_equal(gs_cables_finish(g, &err), 0);
    assert_true(fabs(gs_cables_shortest_km(g, a, d) - 250) < 1e-9);
    assert_int_equal(gs_cables_landing_count(g), 4);
    gs_cables_free(g);
}

static void routes_are_cut_at_landing_points_and_branches(void **state)
{
    (void)state;
    gs_cable_graph *g = gs_cables_new();
    gs_error err = {0};
    int a = gs_cables_add_landing(g, 0, 0, &err);
    int m = gs_cables_add_landing(g, 0, 5, &err); /* a stop in the middle of the trunk */
    int b = gs_cables_add_landing(g, 0, 10, &err);
    int c = gs_cables_add_landing(g, 5, 7, &err);
    double trunk[] = {0, 0, 0, 2.5, 0, 5, 0, 7, 0, 10};
    double branch[] = {0, 7, 2.5, 7, 5, 7}; /* from a branching unit at 0,7 to c */
    assert_int_equal(gs_cables_add_route(g, trunk, 5, &err), 0);
    assert_int_equal(gs_cables_add_route(g, branch, 3, &err), 0);
    assert_int_equal(gs_cables_finish(g, &err), 0);
    double d_am = gs_geo_distance_km(0, 0, 0, 5);
    double d_mb = gs_geo_distance_km(0, 5, 0, 10);
    assert_true(fabs(gs_cables_shortest_km(g, a, m) - d_am) < 1e-6);
    assert_true(fabs(gs_cables_shortest_km(g, a, b) - d_am - d_mb) < 1e-6);
    double d_c = gs_geo_distance_km(0, 0, 0, 7) + gs_geo_distance_km(0, 7, 5, 7);
    assert_true(fabs(gs_cables_shortest_km(g, a, c) - d_c) < 1e-6);
    gs_cables_free(g);
}

static void cable_path_used_when_shorter_or_forced(void **state)
{
    (void)state;
    gs_cable_graph *g = gs_cables_new();
    gs_error err = {0};
    int a = gs_cables_add_landing(g, 0, 0, &err), b = gs_cables_add_landing(g, 0, 40, &err);
    double len = gs_geo_distance_km(0, 0, 0, 40);
    assert_int_equal(gs_cables_add_edge(g, a, b, len, &err), 0);
    assert_int_equal(gs_cables_finish(g, &err), 0);
    /* end points 1 degree inland of each landing point */
    double d_direct = gs_geo_distance_km(0, -1, 0, 41);
    double d_leg = gs_geo_distance_km(0, -1, 0, 0);
    double p = gs_cables_path_km(g, 0, -1, 0, 41, 2.0, 1.0, 0);
    assert_true(fabs(p - (2 * 2.0 * d_leg + len)) < 1e-3); /* cable beats 2 x direct */
    p = gs_cables_path_km(g, 0, -1, 0, 41, 1.0, 1.5, 0);
    assert_true(fabs(p - d_direct) < 1e-6); /* direct wins when the cable costs more */
    p = gs_cables_path_km(g, 0, -1, 0, 41, 1.0, 1.5, 1);
    assert_true(fabs(p - (2 * d_leg + 1.5 * len)) < 1e-3); /* forced */
    gs_latency_model m = {2.0, 1.0, 1.0, g, NULL};
    double rtt = gs_latency_rtt_ms(&m, 0, -1, 0, 41);
    assert_true(fabs(rtt - (2 * (2 * 2.0 * d_leg + len) / 200.0 + 1.0)) < 1e-3);
    gs_cables_free(g);
}

static void cable_fit_recovers_factors(void **state)
{
    (void)state;
    gs_cable_graph *g = gs_cables_new();
    gs_error err = {0};
    int a = gs_cables_add_landing(g, 0, 0, &err), b = gs_cables_add_landing(g, 0, 40, &err);
    assert_int_equal(gs_cables_add_edge(g, a, b, 5000, &err), 0);
    assert_int_equal(gs_cables_finish(g, &err), 0);
    gs_latency_model truth = {1.6, 2.0, 1.2, g, NULL};
    gs_latency_sample s[8];
    size_t n = 0;
    for (int k = 1; k <= 4; k++) {
        double lo1 = -0.5 * k, lo2 = 40 + 0.7 * k;
        s[n++] = (gs_latency_sample){0, lo1, 0, lo2,
                                     gs_latency_rtt_between_ms(&truth, 0, lo1, 0, lo2, 1), 1};
        s[n++] = (gs_latency_sample){0, lo1, 3.0 * k, lo1,
                                     gs_latency_rtt_between_ms(&truth, 0, lo1, 3.0 * k, lo1, 0),
                                     0};
    }
    gs_latency_model m = {1.0, 0.0, 0.0, g, NULL};
    assert_int_equal(gs_latency_fit(&m, s, n, GS_LATENCY_FIT_ROBUST_REL, &err), 0);
    assert_true(fabs(m.route_factor - 1.6) < 0.002);
    assert_true(fabs(m.cable_factor - 1.2) < 0.011);
    assert_true(fabs(m.overhead_ms - 2.0) < 0.2);
    gs_cables_free(g);
}

static void region_catalogue_parses_and_rejects_bad_coordinates(void **state)
{
    (void)state;
    const char ok[] = "name,lat,lon,continent\nDallas,32.8,-96.8,north_america\nLondon,51.5,-0.1,"
                      "europe\n";
    gs_latency_regions r = {0};
    gs_error err = {0};
    assert_int_equal(gs_latency_regions_parse(ok, sizeof ok - 1, "t.csv", &r, &err), 0);
    assert_int_equal(r.n, 2);
    assert_int_equal(gs_latency_regions_find(&r, "london"), 1);
    assert_int_equal(gs_latency_regions_find(&r, "Paris"), -1);
    gs_latency_regions_free(&r);
    const char bad[] = "name,lat,lon\nX,95,0\n";
    assert_int_equal(gs_latency_regions_parse(bad, sizeof bad - 1, "t.csv", &r, &err), GS_ERANGE);
    assert_int_equal(err.line, 2);
    const char dup[] = "name,lat,lon\nX,1,0\nX,2,0\n";
    assert_int_equal(gs_latency_regions_parse(dup, sizeof dup - 1, "t.csv", &r, &err), GS_EINPUT);
}

/* Continents from the tz area, or from coordinates when the tz does not tell (UTC), on the
 * capitals and large cities of every continent and the places near the borders. */
static void continents_from_tz_and_coordinates(void **state)
{
    (void)state;
    static const struct {
        const char *tz;
        double lat, lon;
        gs_continent c;
    } t[] = {
        {"Europe/Madrid", 40.42, -3.70, GS_CONTINENT_EUROPE},
        {"Europe/London", 51.51, -0.13, GS_CONTINENT_EUROPE},
        {"Europe/Berlin", 52.52, 13.40, GS_CONTINENT_EUROPE},
        {"Europe/Moscow", 55.75, 37.62, GS_CONTINENT_EUROPE},
        {"Europe/Athens", 37.98, 23.73, GS_CONTINENT_EUROPE},
        {"Europe/Malta", 35.90, 14.51, GS_CONTINENT_EUROPE},
        {"Atlantic/Reykjavik", 64.15, -21.94, GS_CONTINENT_EUROPE},
        {"Atlantic/Azores", 37.74, -25.67, GS_CONTINENT_EUROPE},
        {"America/New_York", 40.71, -74.01, GS_CONTINENT_NORTH_AMERICA},
        {"America/Los_Angeles", 34.05, -118.24, GS_CONTINENT_NORTH_AMERICA},
        {"America/Mexico_City", 19.43, -99.13, GS_CONTINENT_NORTH_AMERICA},
        {"America/Panama", 8.98, -79.52, GS_CONTINENT_NORTH_AMERICA},
        {"America/Havana", 23.11, -82.37, GS_CONTINENT_NORTH_AMERICA},
        {"America/Anchorage", 61.22, -149.90, GS_CONTINENT_NORTH_AMERICA},
        {"America/Nuuk", 64.18, -51.72, GS_CONTINENT_NORTH_AMERICA},
        {"America/Bogota", 4.71, -74.07, GS_CONTINENT_SOUTH_AMERICA},
        {"America/Caracas", 10.49, -66.88, GS_CONTINENT_SOUTH_AMERICA},
        {"America/Lima", -12.05, -77.04, GS_CONTINENT_SOUTH_AMERICA},
        {"America/Sao_Paulo", -23.55, -46.63, GS_CONTINENT_SOUTH_AMERICA},
        {"America/Santiago", -33.45, -70.67, GS_CONTINENT_SOUTH_AMERICA},
        {"Africa/Cairo", 30.04, 31.24, GS_CONTINENT_AFRICA},
        {"Africa/Lagos", 6.52, 3.38, GS_CONTINENT_AFRICA},
        {"Africa/Nairobi", -1.29, 36.82, GS_CONTINENT_AFRICA},
        {"Africa/Johannesburg", -26.20, 28.05, GS_CONTINENT_AFRICA},
        {"Africa/Tunis", 36.81, 10.18, GS_CONTINENT_AFRICA},
        {"Africa/Addis_Ababa", 9.03, 38.74, GS_CONTINENT_AFRICA},
        {"Atlantic/Canary", 28.12, -15.44, GS_CONTINENT_AFRICA},
        {"Indian/Mauritius", -20.16, 57.50, GS_CONTINENT_AFRICA},
        {"Asia/Dubai", 25.20, 55.27, GS_CONTINENT_ASIA},
        {"Asia/Riyadh", 24.71, 46.68, GS_CONTINENT_ASIA},
        {"Asia/Tehran", 35.69, 51.39, GS_CONTINENT_ASIA},
        {"Asia/Jerusalem", 31.77, 35.21, GS_CONTINENT_ASIA},
        {"Asia/Beirut", 33.89, 35.50, GS_CONTINENT_ASIA},
        {"Asia/Baku", 40.41, 49.87, GS_CONTINENT_ASIA},
        {"Asia/Tbilisi", 41.72, 44.79, GS_CONTINENT_ASIA},
        {"Asia/Kolkata", 19.08, 72.88, GS_CONTINENT_ASIA},
        {"Asia/Singapore", 1.35, 103.82, GS_CONTINENT_ASIA},
        {"Asia/Jakarta", -6.21, 106.85, GS_CONTINENT_ASIA},
        {"Asia/Tokyo", 35.68, 139.69, GS_CONTINENT_ASIA},
        {"Asia/Yekaterinburg", 56.84, 60.61, GS_CONTINENT_ASIA},
        {"Asia/Vladivostok", 43.12, 131.89, GS_CONTINENT_ASIA},
        {"Indian/Maldives", 4.18, 73.51, GS_CONTINENT_ASIA},
        {"Australia/Sydney", -33.87, 151.21, GS_CONTINENT_OCEANIA},
        {"Australia/Perth", -31.95, 115.86, GS_CONTINENT_OCEANIA},
        {"Pacific/Auckland", -36.85, 174.76, GS_CONTINENT_OCEANIA},
        {"Pacific/Port_Moresby", -9.44, 147.18, GS_CONTINENT_OCEANIA},
        {"Pacific/Guam", 13.44, 144.79, GS_CONTINENT_OCEANIA},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (gs_continent_of(t[i].tz, t[i].lat, t[i].lon) != t[i].c)
            fail_msg("%s (tz): %s, expected %s", t[i].tz,
                     gs_continent_name(gs_continent_of(t[i].tz, t[i].lat, t[i].lon)),
                     gs_continent_name(t[i].c));
        /* the coordinates alone agree (the tz UTC tells nothing) */
        if (gs_continent_of("UTC", t[i].lat, t[i].lon) != t[i].c)
            fail_msg("%s (coordinates): %s, expected %s", t[i].tz,
                     gs_continent_name(gs_continent_of("UTC", t[i].lat, t[i].lon)),
                     gs_continent_name(t[i].c));
    }
    /* the tz wins over the coordinates; legacy areas; nothing known */
    assert_int_equal(gs_continent_of("Europe/Istanbul", 41.01, 29.0), GS_CONTINENT_EUROPE);
    assert_int_equal(gs_continent_of("US/Pacific", 0, 0), GS_CONTINENT_NORTH_AMERICA);
    assert_int_equal(gs_continent_of("Brazil/East", 0, 0), GS_CONTINENT_SOUTH_AMERICA);
    assert_int_equal(gs_continent_of("Antarctica/McMurdo", -77.8, 166.7), GS_CONTINENT_ANTARCTICA);
    assert_int_equal(gs_continent_of("", 95, 0), GS_CONTINENT_UNKNOWN);
    assert_string_equal(gs_continent_name(GS_CONTINENT_SOUTH_AMERICA), "south_america");
    assert_string_equal(gs_rtt_source_name(GS_RTT_MEASURED), "measured");
    assert_string_equal(gs_rtt_source_name(GS_RTT_CABLE), "cable");
    assert_string_equal(gs_rtt_source_name(GS_RTT_PLAIN), "plain");
}

/* The nearest measured place within a distance, and a pair's median by binary search. */
static void measured_places_and_pairs_are_looked_up(void **state)
{
    (void)state;
    gs_latency_region pl[3] = {{"A", 0, 0, ""}, {"B", 0, 10, ""}, {"C", 10, 0, ""}};
    gs_latency_regions regs = {pl, 3};
    double km = 0;
    assert_int_equal(gs_latency_regions_nearest(&regs, 0.1, 9.5, INFINITY, &km), 1);
    assert_float_equal(km, gs_geo_distance_km(0.1, 9.5, 0, 10), 1e-9);
    assert_int_equal(gs_latency_regions_nearest(&regs, 5, 5, 100, NULL), -1);
    assert_int_equal(gs_latency_regions_nearest(&regs, 95, 5, INFINITY, NULL), -1);
    gs_latency_pair pairs[2] = {{.a = 0, .b = 1, .rtt_ms = 12}, {.a = 1, .b = 2, .rtt_ms = 30}};
    gs_latency_measured m = {.pairs = pairs, .n = 2};
    assert_float_equal(gs_latency_measured_rtt(&m, 1, 0), 12, 0);
    assert_float_equal(gs_latency_measured_rtt(&m, 2, 1), 30, 0);
    assert_true(isnan(gs_latency_measured_rtt(&m, 0, 2)));
    assert_true(isnan(gs_latency_measured_rtt(&m, 1, 1)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fit_recovers_known_factor_and_overhead),
        cmocka_unit_test(robust_fit_ignores_an_outlier),
        cmocka_unit_test(fit_rejects_too_few_samples),
        cmocka_unit_test(plain_rtt_follows_the_formula),
        cmocka_unit_test(overrides_win_over_the_model),
        cmocka_unit_test(dijkstra_on_a_tiny_graph),
        cmocka_unit_test(routes_are_cut_at_landing_points_and_branches),
        cmocka_unit_test(cable_path_used_when_shorter_or_forced),
        cmocka_unit_test(cable_fit_recovers_factors),
        cmocka_unit_test(region_catalogue_parses_and_rejects_bad_coordinates),
        cmocka_unit_test(continents_from_tz_and_coordinates),
        cmocka_unit_test(measured_places_and_pairs_are_looked_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
