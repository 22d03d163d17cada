/* test_duration.c: the one duration grammar (gridsplit/duration.h): every spelling the old
 * parsers accepted still parses, the refusals and their messages, the 100-year limit, the
 * inputs found by fuzzing (../shared/fuzz-found, copied here as literal text), steps, and
 * the printed form reading back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <math.h>

#include "gridsplit/duration.h"

#define EXPECTED "expected a duration such as 90s, 5min, 1.5h, 2d, 1h30min or PT15M, found "

static double D(const char *s)
{
    double v = -1;
    gs_error e = {0};
    int rc = gs_duration_parse(s, &v, &e);
    if (rc != GS_OK)
        fail_msg("'%s' refused: %s", s, e.message);
    return v;
}

/* Parse s expecting a refusal; the message goes to e. *seconds must be left alone. */
static void refused(const char *s, gs_error *e)
{
    double v = -12345;
    memset(e, 0, sizeof *e);
    int rc = gs_duration_parse(s, &v, e);
    if (rc != GS_EINPUT)
        fail_msg("'%s' accepted as %.17g s", s, v);
    assert_int_equal(e->code, GS_EINPUT);
    assert_true(v == -12345);
    assert_string_equal(e->field, ""); /* left to the caller */
    assert_string_equal(e->file, "");
}

static void assert_refused_as_syntax(const char *s)
{
    gs_error e;
    refused(s, &e);
    if (!strstr(e.message, EXPECTED))
        fail_msg("'%s': unexpected message: %s", s, e.message);
}

static void assert_refused_as_too_long(const char *s)
{
    gs_error e;
    refused(s, &e);
    if (!strstr(e.message, "expected a duration of at most 100 years, found '"))
        fail_msg("'%.40s...': unexpected message: %s", s, e.message);
}

/* A string of n copies of unit (caller frees). */
static char *repeat(const char *prefix, const char *unit, size_t n, const char *suffix)
{
    size_t lp = strlen(prefix), lu = strlen(unit), ls = strlen(suffix);
    char *s = malloc(lp + lu * n + ls + 1);
    assert_non_null(s);
    memcpy(s, prefix, lp);
    for (size_t i = 0; i < n; i++)
        memcpy(s + lp + i * lu, unit, lu);
    memcpy(s + lp + n * lu, suffix, ls + 1);
    return s;
}

static void test_every_unit_spelling_parses(void **st)
{
    (void)st;
    struct {
        const char *s;
        double v;
    } ok[] = {
        /* seconds */
        {"5s", 5}, {"5sec", 5}, {"5secs", 5}, {"5second", 5}, {"5seconds", 5},
        /* minutes ("m": events; "T": pandas, steps) */
        {"5m", 300}, {"5min", 300}, {"5mins", 300}, {"5minute", 300}, {"5minutes", 300}, {"5T", 300},
        /* hours */
        {"5h", 18000}, {"5hr", 18000}, {"5hrs", 18000}, {"5hour", 18000}, {"5hours", 18000}, {"5H", 18000},
        /* days */
        {"5d", 432000}, {"5day", 432000}, {"5days", 432000}, {"5D", 432000},
        /* weeks */
        {"2w", 1209600}, {"2week", 1209600}, {"2weeks", 1209600}, {"2W", 1209600},
        /* words */
        {"secondly", 1}, {"minutely", 60}, {"hourly", 3600}, {"daily", 86400}, {"weekly", 604800},
        /* a bare number is seconds */
        {"90", 90}, {"0", 0}, {"300", 300}, {"0.25", 0.25}, {"007", 7},
        /* zero is a duration (a step refuses it) */
        {"0s", 0}, {"0h", 0}, {"PT0S", 0}, {"0.000s", 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (D(ok[i].s) != ok[i].v)
            fail_msg("'%s' = %.17g, expected %.17g", ok[i].s, D(ok[i].s), ok[i].v);
}

static void test_decimals_compound_forms_and_spaces_parse(void **st)
{
    (void)st;
    struct {
        const char *s;
        double v;
    } ok[] = {
        {"90s", 90},           {"1.5h", 5400},         {"12.5min", 750},     {"1h30min", 5400},
        {"1h 30min", 5400},    {"1 h 30 min", 5400},   {"5 days", 432000},   {"2 hours", 7200},
        {"2d12h", 216000},     {"1w2d", 777600},       {"1h30m15s", 5415},   {"1d 1h 1min 1s", 90061},
        {".5h", 1800},         {"5.h", 18000},         {"1.1h", 3960},       {"0.001s", 0.001},
        {"1.000000000000000000000000000h", 3600},      {"0.1s", 0.1},        {"4.5 weeks", 2721600},
        /* parts in any order and repeated: the step parser always added them up */
        {"30min1h", 5400},     {"1h1h", 7200},         {"1s1s1s", 3},
        /* spaces, tabs and newlines around and between */
        {"  90s  ", 90},       {"\t90s\n", 90},        {" 90 ", 90},         {"90 s", 90},
        {"1h\t30min", 5400},   {"  hourly  ", 3600},   {"  PT15M  ", 900},   {"\r\n2d\r\n", 172800},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (D(ok[i].s) != ok[i].v)
            fail_msg("'%s' = %.17g, expected %.17g", ok[i].s, D(ok[i].s), ok[i].v);
}

static void test_iso8601_forms_parse_with_decimals(void **st)
{
    (void)st;
    struct {
        const char *s;
        double v;
    } ok[] = {
        {"PT15M", 900},        {"P1D", 86400},         {"P1DT2H", 93600},   {"PT1.5H", 5400},
        {"PT0.5S", 0.5},       {"PT1H30M", 5400},      {"P2W", 1209600},    {"PT1H30M15.25S", 5415.25},
        {"P1DT1H1M1S", 90061}, {"PT36H", 129600},      {"P0D", 0},          {"PT.5H", 1800},
        /* accepted before, kept: weeks with days, decimals in any component, any order,
         * repeats, a trailing T, spaces between components */
        {"P1W2D", 777600},     {"P1.5D", 129600},      {"P0.5W", 302400},   {"PT30M1H", 5400},
        {"PT1H1H", 7200},      {"P1DT", 86400},        {"PT1H 30M", 5400},  {"P 1D T 2H", 93600},
        {"PT1HT30M", 5400},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (D(ok[i].s) != ok[i].v)
            fail_msg("'%s' = %.17g, expected %.17g", ok[i].s, D(ok[i].s), ok[i].v);
}

static void test_values_are_the_decimal_correctly_rounded(void **st)
{
    (void)st;
    /* one rounding of the exact decimal value times the unit, whatever the digit count */
    assert_true(D("1.1h") == 3960);
    assert_true(D("0.1h") == 360);
    assert_true(D("1.23456789012345678901234567890w") == 746666.6599466667); /* 746666.659946666665994... */
    assert_true(D("0.30000000000000004s") == 0.1 + 0.2);
    assert_true(D("0.3s") == 0.3);
    assert_true(D("3155759999.999s") == 3155759999.999);
    /* 400 leading zeros change nothing */
    char *s = repeat("", "0", 400, "1.5h");
    assert_true(D(s) == 5400);
    free(s);
    /* 400 decimals of zeros then a 1: a duration too small to tell from 0 */
    s = repeat("0.", "0", 400, "1s");
    double v = D(s);
    assert_true(v >= 0 && v < 1e-300);
    free(s);
    /* 2000 decimals: cut at 1100, still exact where it matters */
    s = repeat("1.", "0", 2000, "1h");
    assert_true(D(s) == 3600);
    free(s);
    s = repeat("0.", "3", 2000, "h");
    assert_true(D(s) == 1200);
    free(s);
}

static void test_the_limit_is_100_years(void **st)
{
    (void)st;
    assert_true(GS_DURATION_MAX_S == 36525.0 * 86400);
    assert_true(D("3155760000s") == GS_DURATION_MAX_S);
    assert_true(D("3155760000") == GS_DURATION_MAX_S);
    assert_true(D("36525d") == GS_DURATION_MAX_S);
    assert_true(D("36524d24h") == GS_DURATION_MAX_S);
    assert_true(D("P36525D") == GS_DURATION_MAX_S);
    assert_true(D("5217w6d") == 5217.0 * 604800 + 6 * 86400);
    assert_refused_as_too_long("3155760001s");
    assert_refused_as_too_long("3155760000.001s");
    assert_refused_as_too_long("36525d1s");
    assert_refused_as_too_long("36526d");
    assert_refused_as_too_long("5218w");
    assert_refused_as_too_long("876601h");
    assert_refused_as_too_long("52596001min");
    assert_refused_as_too_long("99999999999");
    assert_refused_as_too_long("36525d 36525d");
    assert_refused_as_too_long("P36525DT1S");
    assert_refused_as_too_long("P5218W");
    assert_refused_as_too_long("2147483647w");
    assert_refused_as_too_long("9223372036854775807s");
    assert_refused_as_too_long("18446744073709551617s");
}

static void test_overflowing_digit_strings_are_refused_not_wrapped(void **st)
{
    (void)st;
    /* 400 digits */
    char *s = repeat("", "9", 400, "");
    assert_refused_as_too_long(s);
    free(s);
    s = repeat("", "9", 400, "s");
    assert_refused_as_too_long(s);
    free(s);
    /* 1e308 and 1e309 written out in digits */
    s = repeat("1", "0", 308, "s");
    assert_refused_as_too_long(s);
    free(s);
    s = repeat("1", "0", 308, "d");
    assert_refused_as_too_long(s);
    free(s);
    s = repeat("1", "0", 309, ".5w");
    assert_refused_as_too_long(s);
    free(s);
    /* each ISO component overflowing */
    const char *iso[] = {"P99999999999W", "P99999999999D", "PT99999999999H", "PT99999999999M",
                         "PT99999999999S", "P9223372036854775807W", "P1DT9223372036854775807S",
                         "PT2562047788015216H", "PT153722867280912931M"};
    for (size_t i = 0; i < sizeof iso / sizeof iso[0]; i++)
        assert_refused_as_too_long(iso[i]);
    s = repeat("PT", "9", 400, "S");
    assert_refused_as_too_long(s);
    free(s);
    s = repeat("P", "1", 309, "D");
    assert_refused_as_too_long(s);
    free(s);
    /* many parts summing past the limit (each one fine) */
    s = repeat("", "36525d", 1000, "");
    assert_refused_as_too_long(s);
    free(s);
    s = repeat("P", "36525D", 1000, "");
    assert_refused_as_too_long(s);
    free(s);
}

static void test_fuzz_found_duration_texts_are_refused(void **st)
{
    (void)st;
    /* fleet_duration_overflow.yaml (training.runs[0].length) and step_overflow.txt: both are
     * exactly "2147483647w" 7700 times (84,700 characters) */
    char *s = repeat("", "2147483647w", 7700, "");
    assert_int_equal(strlen(s), 84700);
    gs_error e;
    refused(s, &e);
    assert_non_null(strstr(e.message, "expected a duration of at most 100 years, found '2147483647w2147483647w"));
    assert_non_null(strstr(e.message, "...' (84700 characters)"));
    int64_t step = -7;
    memset(&e, 0, sizeof e);
    assert_int_equal(gs_duration_parse_step(s, &step, &e), GS_EINPUT);
    assert_int_equal(step, -7);
    assert_non_null(strstr(e.message, "at most 100 years"));
    free(s);
    /* the ISO form of the same (time.c:264 summed P...W parts unchecked) */
    s = repeat("P", "2147483647W", 7700, "");
    assert_refused_as_too_long(s);
    free(s);
    /* event_start_overflow.json: "duration":"3e30" */
    assert_refused_as_syntax("3e30");
    /* event_openadr_duration_overflow.json: intervalPeriod "duration":"9.2233720368547e18s" */
    assert_refused_as_syntax("9.2233720368547e18s");
    /* event_notice_1e308d.json: "notice":"1e308d" */
    assert_refused_as_syntax("1e308d");
    /* the same values written out: too long, not wrapped */
    assert_refused_as_too_long("9223372036854770000s");
    s = repeat("1", "0", 308, "d");
    assert_refused_as_too_long(s);
    free(s);
}

static void test_malformed_texts_are_refused_with_what_was_found(void **st)
{
    (void)st;
    const char *bad[] = {
        "", " ", "\t\n", "-5s", "-0s", "+5s", "-5", "1e3s", "1E3s", "1e3", "0x10", "0x10s", "0x1p3",
        "inf", "infs", "nan", "nans", "INF", "5 parsecs", "min", "s", ".", ".s", "5..5s", "1.2.3s",
        "1h30", "1h 30", "30 1h", "1 2", "5min!", "5,5min", "1,000s", "5ms", "5us", "5S", "5MIN",
        "5Min", "5Hours", "h5", "P", "PT", "P T", "PT1H1D", "P1H", "PT1W", "P-1D", "P+1D", "P1e3D",
        "PTinfS", "PTnanS", "P1.5", "P1D2", "pt15m", "PT15m", "p1d", "Hourly", "HOURLY", "hourly5",
        "every hour", "1 hour ago", "1h-30min", "1h+30min", "1h,30min", "1h and 30min", "½h", "5 秒",
        "5\xc2\xa0s", "5s\x01", "\x01", "forever",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gs_error e;
        refused(bad[i], &e);
        if (!strstr(e.message, EXPECTED))
            fail_msg("'%s': unexpected message: %s", bad[i], e.message);
    }
    /* the message, in full */
    gs_error e;
    refused("5 parsecs", &e);
    assert_string_equal(e.message, EXPECTED "'5 parsecs'");
    refused("", &e);
    assert_string_equal(e.message, EXPECTED "''");
    refused("  -5s ", &e);
    assert_string_equal(e.message, EXPECTED "'  -5s '");
    /* control characters shown escaped, long texts cut */
    refused("5s\n6x", &e);
    assert_string_equal(e.message, EXPECTED "'5s\\n6x'");
    refused("\x01", &e);
    assert_string_equal(e.message, EXPECTED "'\\x01'");
    char *s = repeat("", "x", 1000, "");
    refused(s, &e);
    assert_non_null(strstr(e.message, "...' (1000 characters)"));
    free(s);
    /* a long run of UTF-8 continuation bytes is cut too (found by fuzzing this parser) */
    s = repeat("0\vw\v!\v", "\x81", 300, "\v5");
    refused(s, &e);
    assert_non_null(strstr(e.message, "...' (308 characters)"));
    free(s);
    s = repeat("", "\xe2\x82\xac", 100, ""); /* 100 euro signs: cut between two of them */
    refused(s, &e);
    assert_non_null(strstr(e.message, "\xe2\x82\xac...' (300 characters)"));
    free(s);
    /* NULL is refused too */
    double v = 3;
    assert_int_equal(gs_duration_parse(NULL, &v, &e), GS_EINPUT);
    assert_true(v == 3);
    /* err may be NULL */
    assert_int_equal(gs_duration_parse("nope", &v, NULL), GS_EINPUT);
}

static void test_years_and_months_are_refused_saying_why(void **st)
{
    (void)st;
    const char *bad[] = {"P1Y", "P1M", "P1Y2M", "P1YT1H", "P0.5M", "1y", "1yr", "2 years", "1year",
                         "3mo", "1 month", "6months", "1M", "1Y"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gs_error e;
        refused(bad[i], &e);
        if (!strstr(e.message, EXPECTED) || !strstr(e.message, "years and months vary in length"))
            fail_msg("'%s': unexpected message: %s", bad[i], e.message);
    }
    gs_error e;
    refused("P1M", &e);
    assert_string_equal(e.message, EXPECTED "'P1M' (years and months vary in length: give days or weeks, such as 365d or P4W)");
    /* PT1M is a minute */
    assert_true(D("PT1M") == 60);
}

static void test_steps_are_whole_positive_seconds(void **st)
{
    (void)st;
    struct {
        const char *s;
        int64_t v;
    } ok[] = {{"90s", 90},     {"300", 300},   {"5min", 300},    {"15min", 900},     {"1h", 3600},
              {"hourly", 3600}, {"daily", 86400}, {"28d", 2419200}, {"1h30min", 5400}, {"PT15M", 900},
              {"P1D", 86400},  {"2 hours", 7200}, {"1w", 604800}, {"0.5min", 30},      {"1.5h", 5400},
              {"PT0.5M", 30},  {"15T", 900},     {"1s", 1},       {"3155760000s", 3155760000LL},
              {"36525d", 3155760000LL}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t v = 0;
        gs_error e = {0};
        if (gs_duration_parse_step(ok[i].s, &v, &e) != GS_OK)
            fail_msg("'%s' refused: %s", ok[i].s, e.message);
        assert_int_equal(v, ok[i].v);
    }
    const char *zero[] = {"0", "0s", "PT0S", "0.0h", "P0D"};
    for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++) {
        int64_t v = -1;
        gs_error e = {0};
        assert_int_equal(gs_duration_parse_step(zero[i], &v, &e), GS_EINPUT);
        assert_int_equal(v, -1);
        assert_non_null(strstr(e.message, "expected a positive duration"));
        assert_string_equal(e.field, "");
    }
    const char *frac[] = {"1.5s", "PT0.5S", "0.001s", "90.5", "1h0.5s", "0.01min"};
    for (size_t i = 0; i < sizeof frac / sizeof frac[0]; i++) {
        int64_t v = -1;
        gs_error e = {0};
        assert_int_equal(gs_duration_parse_step(frac[i], &v, &e), GS_EINPUT);
        assert_int_equal(v, -1);
        assert_non_null(strstr(e.message, "a whole number of seconds"));
    }
    gs_error e = {0};
    int64_t v = -1;
    assert_int_equal(gs_duration_parse_step("1.5s", &v, &e), GS_EINPUT);
    assert_string_equal(e.message, "expected a whole number of seconds such as 90s, 5min, 1h or PT15M, found '1.5s'");
    assert_int_equal(gs_duration_parse_step("5 parsecs", &v, &e), GS_EINPUT);
    assert_string_equal(e.message, EXPECTED "'5 parsecs'");
    assert_int_equal(gs_duration_parse_step("3155760001s", &v, &e), GS_EINPUT);
    assert_non_null(strstr(e.message, "at most 100 years"));
    assert_int_equal(gs_duration_parse_step("-5min", &v, &e), GS_EINPUT);
    assert_int_equal(gs_duration_parse_step(NULL, &v, &e), GS_EINPUT);
    assert_int_equal(v, -1);
}

static void test_format_picks_the_largest_whole_unit(void **st)
{
    (void)st;
    struct {
        double v;
        const char *s;
    } cases[] = {
        {0, "0s"},           {-0.0, "0s"},         {1, "1s"},             {59, "59s"},
        {60, "1min"},        {90, "90s"},          {252, "252s"},         {5400, "90min"},
        {7200, "2h"},        {86400, "1d"},        {90000, "25h"},        {604800, "1w"},
        {1209600, "2w"},     {864000, "10d"},      {3600 * 36, "36h"},    {GS_DURATION_MAX_S, "36525d"},
        {5217.0 * 604800, "5217w"},                {252.5, "252.5s"},     {0.125, "0.125s"},
        {0.001, "0.001s"},   {1.1, "1.1s"},        {0.1, "0.1s"},         {90.25, "90.25s"},
        {3155759999.999, "3155759999.999s"},       {1e-5, "0.00001s"},    {0.1 + 0.2, "0.30000000000000004s"},
        {1.0 / 3, "0.3333333333333333s"},          {1e10, "10000000000s"},
        /* not durations; written, never read back */
        {-90, "-90s"},       {NAN, "nan"},         {INFINITY, "inf"},     {-INFINITY, "-inf"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        int n = gs_duration_format(cases[i].v, buf, sizeof buf);
        if (strcmp(buf, cases[i].s) != 0)
            fail_msg("%.17g written '%s', expected '%s'", cases[i].v, buf, cases[i].s);
        assert_int_equal(n, (int)strlen(cases[i].s));
    }
}

static void test_format_has_snprintf_semantics(void **st)
{
    (void)st;
    char buf[8];
    memset(buf, 'x', sizeof buf);
    assert_int_equal(gs_duration_format(252.125, buf, 4), 8);
    assert_string_equal(buf, "252");
    assert_int_equal(buf[4], 'x');
    assert_int_equal(gs_duration_format(252.125, buf, 1), 8);
    assert_string_equal(buf, "");
    assert_int_equal(gs_duration_format(252.125, NULL, 0), 8);
    assert_int_equal(gs_duration_format(252.125, buf, 0), 8);
    assert_int_equal(gs_duration_format(90, buf, sizeof buf), 3);
    assert_string_equal(buf, "90s");
    /* 32 bytes hold every multiple of 1 ms up to the limit */
    char big[32];
    assert_true(gs_duration_format(GS_DURATION_MAX_S - 0.001, big, sizeof big) < (int)sizeof big);
    assert_true(gs_duration_format(4.9e-324, NULL, 0) > 300); /* a denormal needs its digits */
}

/* format -> parse gives the same double back */
static void round_trip(double v)
{
    char buf[1200];
    int n = gs_duration_format(v, buf, sizeof buf);
    assert_true(n > 0 && (size_t)n < sizeof buf);
    double back = -1;
    gs_error e = {0};
    if (gs_duration_parse(buf, &back, &e) != GS_OK)
        fail_msg("%.17g written '%s', refused: %s", v, buf, e.message);
    if (back != v)
        fail_msg("%.17g written '%s', read back as %.17g", v, buf, back);
    if (v == floor(v) && v >= 1) {
        int64_t step = 0;
        assert_int_equal(gs_duration_parse_step(buf, &step, &e), GS_OK);
        assert_true((double)step == v);
    }
}

static void test_format_reads_back_exactly(void **st)
{
    (void)st;
    for (int64_t s = 0; s <= 100000; s++)
        round_trip((double)s);
    for (int64_t ms = 0; ms <= 100000; ms++)
        round_trip((double)ms / 1000);
    for (int64_t ms = 0; ms <= 100000; ms++)
        round_trip((double)ms * 0.001); /* not always the nearest double to ms/1000 */
    for (int64_t k = 0; k <= 20000; k++) {
        round_trip(GS_DURATION_MAX_S - (double)k);
        round_trip(GS_DURATION_MAX_S - (double)k / 1000);
        round_trip((double)k * 604800 / 7 + 0.5);
        round_trip((double)k * 86400);
        round_trip((double)k * 123456.789);
    }
    /* every double in [0, max]: random bit patterns, a fixed seed */
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    int done = 0;
    while (done < 20000) {
        x ^= (x & (UINT64_MAX >> 13)) << 13; /* xorshift64, no bit shifted out */
        x ^= x >> 7;
        x ^= (x & (UINT64_MAX >> 17)) << 17;
        double v;
        uint64_t bits = x & 0x7fffffffffffffffULL;
        memcpy(&v, &bits, sizeof v);
        if (!(v <= GS_DURATION_MAX_S))
            continue;
        round_trip(v);
        done++;
    }
    round_trip(4.9e-324);
    round_trip(2.2250738585072014e-308);
    round_trip(nextafter(GS_DURATION_MAX_S, 0));
    round_trip(nextafter(0.001, 1));
}

static void test_old_printers_output_reads_back(void **st)
{
    (void)st;
    /* what the old printers wrote: market rules "%g h" / "%g min", cmd_markets "%gh",
     * fleet "%.0fd", trace --emit-params "%.1fs" (refused by the old fleet reader) */
    assert_true(D("1.5 h") == 5400);
    assert_true(D("7.5 min") == 450);
    assert_true(D("30 s") == 30);
    assert_true(D("0.25h") == 900);
    assert_true(D("28d") == 2419200);
    assert_true(D("252.0s") == 252);
    assert_true(D("3.5s") == 3.5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_unit_spelling_parses),
        cmocka_unit_test(test_decimals_compound_forms_and_spaces_parse),
        cmocka_unit_test(test_iso8601_forms_parse_with_decimals),
        cmocka_unit_test(test_values_are_the_decimal_correctly_rounded),
        cmocka_unit_test(test_the_limit_is_100_years),
        cmocka_unit_test(test_overflowing_digit_strings_are_refused_not_wrapped),
        cmocka_unit_test(test_fuzz_found_duration_texts_are_refused),
        cmocka_unit_test(test_malformed_texts_are_refused_with_what_was_found),
        cmocka_unit_test(test_years_and_months_are_refused_saying_why),
        cmocka_unit_test(test_steps_are_whole_positive_seconds),
        cmocka_unit_test(test_format_picks_the_largest_whole_unit),
        cmocka_unit_test(test_format_has_snprintf_semantics),
        cmocka_unit_test(test_format_reads_back_exactly),
        cmocka_unit_test(test_old_printers_output_reads_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
