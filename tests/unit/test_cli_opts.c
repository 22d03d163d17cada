/* test_cli_opts.c: the option layer of the command line (src/cli/opts.h): parse, check and
 * --help of sample declarations covering every type, range edges, modes, conditions, groups,
 * positional counts, "now" on an injected clock, nearest-name suggestions, missing and repeated
 * values, and the input-path checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/opts.h"

/* ---- sample declarations ---- */

static const gs_opt_decl DEMO_OPTS[] = {
    {.name = "out", .type = GS_OPT_OUTDIR, .flags = GS_OPT_REQUIRED,
     .help = "output directory, created if missing"},
    {.name = "from", .type = GS_OPT_TIME, .flags = GS_OPT_NOW,
     .def_help = "the fleet's period.from", .help = "start, ISO 8601 UTC"},
    {.name = "to", .type = GS_OPT_TIME, .help = "end, exclusive"},
    {.name = "step", .type = GS_OPT_STEP, .def = "5min", .range = "[1min, 1h]",
     .help = "simulation step"},
    {.name = "window", .type = GS_OPT_DURATION, .def = "3h", .range = "(0s, 1d]",
     .help = "look-ahead of the planner"},
    {.name = "server-ms", .type = GS_OPT_NUM, .metavar = "MS", .unit = "ms", .range = "[0, 200]",
     .def = "50", .help = "server time taken from the latency budget"},
    {.name = "share", .type = GS_OPT_NUM, .range = "(0, 1]", .def = "1",
     .help = "share of the cuttable MW offered"},
    {.name = "gpus", .type = GS_OPT_INT, .range = "[1, 1000000]", .def = "1",
     .help = "GPUs in the log"},
    {.name = "policy", .type = GS_OPT_CHOICE, .choices = "must-run flexible reserve",
     .def = "must-run", .help = "what the planner may do"},
    {.name = "flexible", .means = "policy=flexible", .help = "the flexible policy"},
    {.name = "events", .type = GS_OPT_LIST, .elem = GS_OPT_INPUT, .choices = "catalog none",
     .max_items = 2, .metavar = "E", .def = "catalog", .modes = "flexible",
     .help = "grid events: catalog, none, an event FILE, or catalog,FILE"},
    {.name = "reserve-mw", .type = GS_OPT_NUM, .unit = "MW", .range = "[0, inf)",
     .modes = "reserve", .help = "MW committed this hour"},
    {.name = "rates", .type = GS_OPT_LIST, .elem = GS_OPT_NUM, .unit = "%", .range = "(0, 100)",
     .def = "0.25,0.5,1,5", .max_items = 4, .help = "curtailment rates"},
    {.name = "price", .type = GS_OPT_PAIR, .metavar = "ID=VALUE", .range = "[0, inf)",
     .flags = GS_OPT_REPEAT, .max_items = 3, .help = "price a product at a constant VALUE"},
    {.name = "label", .type = GS_OPT_STRING, .help = "a name for the run"},
    {.name = "catalog", .type = GS_OPT_INPUT, .flags = GS_OPT_STDIO,
     .help = "a user market catalogue"},
    {.name = "cables", .type = GS_OPT_INDIR, .help = "cable data"},
    {.name = "report-json", .type = GS_OPT_OUTFILE, .flags = GS_OPT_STDIO,
     .help = "the report as JSON"},
    {.name = "quiet", .help = "no progress bar"},
    {0}};

static const gs_cmd_decl DEMO = {
    .name = "demo",
    .summary = "a command with every kind of option",
    .description = "A sample.",
    .mode_option = "policy",
    .args = {.name = "fleet file", .metavar = "FLEET.yaml", .type = GS_OPT_INPUT, .min = 1,
             .max = 1, .flags = GS_OPT_STDIO},
    .opts = DEMO_OPTS,
};

/* headroom-like: the source selected by which option is given, rules between options */
static const gs_opt_decl SRC_OPTS[] = {
    {.name = "csv", .type = GS_OPT_INPUT, .help = "hourly demand CSV"},
    {.name = "column", .type = GS_OPT_STRING, .metavar = "NAME", .requires = "csv",
     .help = "the demand column"},
    {.name = "eia930", .type = GS_OPT_INDIR, .help = "EIA-930 files"},
    {.name = "ba", .type = GS_OPT_STRING, .metavar = "NAME", .requires = "eia930",
     .help = "one balancing authority"},
    {.name = "ba-list", .type = GS_OPT_LIST, .elem = GS_OPT_STRING, .requires = "eia930",
     .help = "several"},
    {.name = "all", .requires = "eia930", .help = "every balancing authority"},
    {.name = "format", .type = GS_OPT_CHOICE, .choices = "json text", .def = "json",
     .help = "output format"},
    {.name = "pretty", .requires = "format=json", .help = "indent the JSON"},
    {0}};

static const gs_opt_group SRC_GROUPS[] = {
    {.options = "csv eia930", .rule = GS_GROUP_EXCLUSIVE | GS_GROUP_REQUIRED},
    {.options = "column", .rule = GS_GROUP_REQUIRED, .when = "csv"},
    {.options = "ba ba-list all", .rule = GS_GROUP_EXCLUSIVE | GS_GROUP_REQUIRED,
     .when = "eia930"},
    {0}};

static const gs_cmd_decl SRC = {
    .name = "src",
    .usage = "--csv FILE --column NAME\n--eia930 DIR (--ba NAME | --ba-list LIST | --all)",
    .description = "Sources.",
    .opts = SRC_OPTS,
    .groups = SRC_GROUPS,
};

/* plan-like: a second action without the fleet file, a shorthand for "--at now" */
static const gs_opt_decl PLAN_OPTS[] = {
    {.name = "event", .type = GS_OPT_STRING, .metavar = "FILE", .help = "the grid event"},
    {.name = "at", .type = GS_OPT_TIME, .flags = GS_OPT_NOW, .help = "decision time"},
    {.name = "now", .means = "at=now", .help = "decide now"},
    {.name = "fit-powercap", .type = GS_OPT_STRING, .metavar = "FILE",
     .help = "fit power-cap curves and exit"},
    {.name = "board-w", .type = GS_OPT_NUM, .unit = "W", .range = "(0, inf)", .def = "400",
     .requires = "fit-powercap", .help = "board power"},
    {0}};

static const gs_opt_group PLAN_GROUPS[] = {
    {.options = "event", .rule = GS_GROUP_REQUIRED, .unless = "fit-powercap"},
    {.options = "fit-powercap event", .rule = GS_GROUP_EXCLUSIVE},
    {0}};

static const gs_cmd_decl PLAN = {
    .name = "plan",
    .args = {.name = "fleet file", .metavar = "FLEET.yaml", .type = GS_OPT_STRING, .min = 1,
             .max = 1, .unless = "fit-powercap"},
    .opts = PLAN_OPTS,
    .groups = PLAN_GROUPS,
};

/* ---- helpers ---- */

#define ARGV(...) ((char *[]){__VA_ARGS__, NULL})

static int argc_of(char **v)
{
    int n = 0;
    while (v[n])
        n++;
    return n;
}

static int64_t fake_clock(void *ctx)
{
    return *(const int64_t *)ctx;
}

static int64_t clock_value = 1720000000; /* 2024-07-03T09:46:40Z */

/* A directory with a readable file, for paths that must exist. */
static char tmpdir[256], fleet[300], subdir[300];

static int setup(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/gs_opts_XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(fleet, sizeof fleet, "%s/fleet.yaml", tmpdir);
    snprintf(subdir, sizeof subdir, "%s/sub", tmpdir);
    FILE *f = fopen(fleet, "w");
    if (!f)
        return -1;
    fputs("sites: []\n", f);
    fclose(f);
    return mkdir(subdir, 0755);
}

static int teardown(void **state)
{
    (void)state;
    char p[400];
    snprintf(p, sizeof p, "%s/unreadable", tmpdir);
    unlink(p);
    unlink(fleet);
    rmdir(subdir);
    rmdir(tmpdir);
    return 0;
}

/* Parse; on success *o is set and NULL returned; on failure, what `gridsplit CMD` prints. */
static char printed[4096];

static const char *run(const gs_cmd_decl *d, char **argv, gs_opts **o)
{
    char *text = NULL;
    size_t len = 0;
    FILE *err = open_memstream(&text, &len);
    assert_non_null(err);
    gs_opts_env env = {.now = fake_clock, .now_ctx = &clock_value, .err = err};
    *o = NULL;
    int rc = gs_opts_cli(d, argc_of(argv), argv, &env, o);
    fclose(err);
    snprintf(printed, sizeof printed, "%s", text ? text : "");
    free(text);
    if (*o) {
        assert_int_equal(rc, 0);
        assert_string_equal(printed, "");
        return NULL;
    }
    assert_int_equal(rc, 2);
    return printed;
}

/* The first line of the message for a command line that must fail. */
static const char *fails(const gs_cmd_decl *d, char **argv)
{
    gs_opts *o = NULL;
    const char *m = run(d, argv, &o);
    if (!m) {
        gs_opts_free(o);
        fail_msg("expected the command line to fail");
    }
    static char first[4096];
    snprintf(first, sizeof first, "%s", m);
    char *nl = strchr(first, '\n');
    assert_non_null(nl);
    char hint[128];
    snprintf(hint, sizeof hint, "(see 'gridsplit %s --help')\n", d->name);
    assert_string_equal(nl + 1, hint);
    *nl = 0;
    return first;
}

static gs_opts *ok(const gs_cmd_decl *d, char **argv)
{
    gs_opts *o = NULL;
    const char *m = run(d, argv, &o);
    if (m)
        fail_msg("unexpected failure: %s", m);
    return o;
}

static char *help_of(const gs_cmd_decl *d);
static void expect_invalid(const gs_opt_decl *opts, const char *mode_option, const char *needle);

/* ---- declarations ---- */

static void test_sample_declarations_are_valid(void **state)
{
    (void)state;
    gs_error err = {0};
    assert_int_equal(gs_opts_validate(&DEMO, &err), 0);
    assert_int_equal(gs_opts_validate(&SRC, &err), 0);
    assert_int_equal(gs_opts_validate(&PLAN, &err), 0);
}

static void expect_invalid(const gs_opt_decl *opts, const char *mode_option, const char *needle)
{
    gs_cmd_decl d = {.name = "bad", .opts = opts, .mode_option = mode_option};
    gs_error err = {0};
    assert_int_equal(gs_opts_validate(&d, &err), GS_ERUNTIME);
    if (!strstr(err.message, needle))
        fail_msg("message '%s' lacks '%s'", err.message, needle);
    /* and the parse refuses to run on it: exit code 1, not a usage error */
    gs_opts *o = NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    gs_opts_env env = {.err = f};
    assert_int_equal(gs_opts_cli(&d, 1, ARGV("bad"), &env, &o), 1);
    assert_null(o);
    fclose(f);
    free(text);
}

static void test_validate_catches_bad_defaults_and_references(void **state)
{
    (void)state;
    expect_invalid((const gs_opt_decl[]){{.name = "x", .type = GS_OPT_NUM, .def = "abc",
                                          .help = "h"}, {0}}, NULL, "default 'abc'");
    expect_invalid((const gs_opt_decl[]){{.name = "x", .type = GS_OPT_NUM, .range = "[0, 200]",
                                          .def = "500", .help = "h"}, {0}}, NULL,
                   "expected a number in [0, 200], found '500'");
    expect_invalid((const gs_opt_decl[]){{.name = "x", .type = GS_OPT_STEP, .def = "fast",
                                          .help = "h"}, {0}}, NULL, "default 'fast'");
    expect_invalid((const gs_opt_decl[]){{.name = "x", .type = GS_OPT_CHOICE, .choices = "a b",
                                          .def = "c", .help = "h"}, {0}}, NULL, "default 'c'");
    expect_invalid((const gs_opt_decl[]){{.name = "x", .type = GS_OPT_LIST, .elem = GS_OPT_NUM,
                                          .range = "(0, 100)", .def = "1,100", .help = "h"},
                                         {0}}, NULL, "item 2");
    expect_invalid((const gs_opt_decl[]){{.name = "x", .help = "h"}, {.name = "x", .help = "h"},
                                         {0}}, NULL, "declared twice");
    expect_invalid((const gs_opt_decl[]){{.name = "help", .help = "h"}, {0}}, NULL, "reserved");
    expect_invalid((const gs_opt_decl[]){{.name = "x", .type = GS_OPT_NUM, .range = "[2, 1]",
                                          .help = "h"}, {0}}, NULL, "range '[2, 1]'");
    expect_invalid((const gs_opt_decl[]){{.name = "x", .help = "h", .requires = "y"}, {0}}, NULL,
                   "no option --y");
    expect_invalid((const gs_opt_decl[]){{.name = "p", .type = GS_OPT_CHOICE, .choices = "a b",
                                          .def = "a", .help = "h"},
                                         {.name = "x", .help = "h", .modes = "c"}, {0}},
                   "p", "mode 'c' is not a choice of --p");
    expect_invalid((const gs_opt_decl[]){{.name = "x", .help = "h", .modes = "a"}, {0}}, NULL,
                   "without a mode option");
    expect_invalid((const gs_opt_decl[]){{.name = "x", .means = "y=1", .help = "h"}, {0}}, NULL,
                   ".means 'y=1'");
    expect_invalid((const gs_opt_decl[]){{.name = "x", .type = GS_OPT_STRING}, {0}}, NULL,
                   "no help text");
    expect_invalid((const gs_opt_decl[]){{.name = "Bad", .help = "h"}, {0}}, NULL,
                   "lower-case");
}

/* ---- values ---- */

static void test_defaults_are_applied_typed(void **state)
{
    (void)state;
    gs_opts *o = ok(&DEMO, ARGV("demo", fleet, "--out", "outdir"));
    assert_int_equal(gs_opts_nargs(o), 1);
    assert_string_equal(gs_opts_arg(o, 0), fleet);
    assert_null(gs_opts_arg(o, 1));
    assert_string_equal(gs_opts_str(o, "out"), "outdir");
    assert_int_equal(gs_opts_given(o, "step"), 0);
    assert_true(gs_opts_has(o, "step"));
    assert_int_equal(gs_opts_step(o, "step"), 300);
    assert_int_equal(gs_opts_int(o, "step"), 300);
    assert_true(gs_opts_dur(o, "window") == 3 * 3600.0);
    assert_true(gs_opts_num(o, "server-ms") == 50.0);
    assert_int_equal(gs_opts_int(o, "gpus"), 1);
    assert_string_equal(gs_opts_mode(o), "must-run");
    assert_int_equal(gs_opts_choice(o, "policy"), 0);
    assert_false(gs_opts_has(o, "from"));
    assert_int_equal(gs_opts_time(o, "from"), 0);
    assert_false(gs_opts_has(o, "reserve-mw"));
    assert_true(isnan(gs_opts_num(o, "reserve-mw")));
    assert_false(gs_opts_flag(o, "quiet"));
    assert_null(gs_opts_str(o, "label"));
    /* a list's default, item by item */
    assert_int_equal(gs_opts_count(o, "rates"), 4);
    size_t len = 0;
    const char *it = gs_opts_item(o, "rates", 1, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(it, "0.5", 3);
    assert_true(gs_opts_item_num(o, "rates", 3) == 5.0);
    assert_null(gs_opts_item(o, "rates", 4, &len));
    assert_int_equal(gs_opts_count(o, "price"), 0);
    gs_opts_free(o);
    gs_opts_free(NULL);
}

static void test_every_type_parses(void **state)
{
    (void)state;
    gs_opts *o = ok(&DEMO, ARGV("demo", "--out=outdir", "--from", "2024-07-01T00:00:00Z", "--to",
                                "2024-07-02", "--step", "15min", "--window", "90min",
                                "--server-ms", "200", "--share", "0.5", "--gpus", "8",
                                "--label", "summer run", "--catalog", fleet, "--cables", subdir,
                                "--report-json", "-", "--quiet", "--rates", "1,2.5", fleet));
    assert_int_equal(gs_opts_time(o, "from"), 1719792000);
    assert_int_equal(gs_opts_time(o, "to"), 1719792000 + 86400);
    assert_int_equal(gs_opts_step(o, "step"), 900);
    assert_true(gs_opts_dur(o, "window") == 5400.0);
    assert_true(gs_opts_num(o, "server-ms") == 200.0);
    assert_true(gs_opts_num(o, "share") == 0.5);
    assert_int_equal(gs_opts_int(o, "gpus"), 8);
    assert_true(gs_opts_num(o, "gpus") == 8.0);
    assert_string_equal(gs_opts_str(o, "label"), "summer run");
    assert_string_equal(gs_opts_str(o, "catalog"), fleet);
    assert_string_equal(gs_opts_str(o, "cables"), subdir);
    assert_string_equal(gs_opts_str(o, "report-json"), "-");
    assert_true(gs_opts_flag(o, "quiet"));
    assert_int_equal(gs_opts_given(o, "quiet"), 1);
    assert_int_equal(gs_opts_count(o, "rates"), 2);
    assert_true(gs_opts_item_num(o, "rates", 1) == 2.5);
    gs_opts_free(o);
}

static void test_numbers_name_option_unit_and_range(void **state)
{
    (void)state;
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--server-ms", "500")),
                        "gridsplit demo: --server-ms: expected a number of ms in [0, 200], "
                        "found '500'");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--server-ms", "-1")),
                        "gridsplit demo: --server-ms: expected a number of ms in [0, 200], "
                        "found '-1'");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--server-ms", "50ms")),
                        "gridsplit demo: --server-ms: expected a number of ms in [0, 200], "
                        "found '50ms'");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--server-ms", "nan")),
                        "gridsplit demo: --server-ms: expected a number of ms in [0, 200], "
                        "found 'nan'");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--server-ms", "")),
                        "gridsplit demo: --server-ms: expected a number of ms in [0, 200], "
                        "found ''");
    /* the edges: [0, 200] takes both ends, (0, 1] not 0 */
    gs_opts *o = ok(&DEMO, ARGV("demo", fleet, "--out", "d", "--server-ms", "0", "--share", "1"));
    assert_true(gs_opts_num(o, "server-ms") == 0.0);
    gs_opts_free(o);
    o = ok(&DEMO, ARGV("demo", fleet, "--out", "d", "--share", "1e-9"));
    gs_opts_free(o);
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--share", "0")),
                        "gridsplit demo: --share: expected a number in (0, 1], found '0'");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--share", "1.0001")),
                        "gridsplit demo: --share: expected a number in (0, 1], found '1.0001'");
    /* whole numbers */
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--gpus", "1.5")),
                        "gridsplit demo: --gpus: expected a whole number in [1, 1000000], "
                        "found '1.5'");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--gpus", "0")),
                        "gridsplit demo: --gpus: expected a whole number in [1, 1000000], "
                        "found '0'");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--gpus",
                                          "99999999999999999999")),
                        "gridsplit demo: --gpus: expected a whole number in [1, 1000000], "
                        "found '99999999999999999999'");
    o = ok(&DEMO, ARGV("demo", fleet, "--out", "d", "--gpus", "1000000"));
    gs_opts_free(o);
    /* half-open ranges read as >= */
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--policy", "reserve",
                                          "--reserve-mw", "-3")),
                        "gridsplit demo: --reserve-mw: expected a number of MW >= 0, found '-3'");
}

static void test_durations_and_steps_name_the_option(void **state)
{
    (void)state;
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--step", "2h")),
                        "gridsplit demo: --step: expected a step in [1min, 1h], found '2h'");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--step", "30s")),
                        "gridsplit demo: --step: expected a step in [1min, 1h], found '30s'");
    /* the parser's own words, but the option named, never a fleet field */
    const char *m = fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--step", "fast"));
    assert_non_null(strstr(m, "gridsplit demo: --step: "));
    assert_non_null(strstr(m, "'fast'"));
    assert_null(strstr(m, "field"));
    m = fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--window", "soon"));
    assert_non_null(strstr(m, "gridsplit demo: --window: "));
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--window", "2d")),
                        "gridsplit demo: --window: expected a duration in (0s, 1d], found '2d'");
    gs_opts *o = ok(&DEMO, ARGV("demo", fleet, "--out", "d", "--step", "1h", "--window", "1d"));
    assert_int_equal(gs_opts_step(o, "step"), 3600);
    gs_opts_free(o);
}

static void test_time_and_now_on_an_injected_clock(void **state)
{
    (void)state;
    gs_opts *o = ok(&DEMO, ARGV("demo", fleet, "--out", "d", "--from", "now"));
    assert_int_equal(gs_opts_time(o, "from"), clock_value);
    gs_opts_free(o);
    /* --to does not take "now" */
    const char *m = fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--to", "now"));
    assert_non_null(strstr(m, "gridsplit demo: --to: expected an ISO 8601 time"));
    assert_non_null(strstr(m, "found 'now'"));
    m = fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--from", "yesterday"));
    assert_non_null(strstr(m, "gridsplit demo: --from: expected 'now' or an ISO 8601 time"));
    /* a shorthand for --at now */
    o = ok(&PLAN, ARGV("plan", "fleet.yaml", "--event", "e.json", "--now"));
    assert_int_equal(gs_opts_time(o, "at"), clock_value);
    assert_int_equal(gs_opts_given(o, "at"), 1);
    gs_opts_free(o);
    o = ok(&PLAN, ARGV("plan", "fleet.yaml", "--event", "e.json", "--at", "2024-01-01T12:00Z"));
    assert_int_equal(gs_opts_time(o, "at"), 1704110400);
    gs_opts_free(o);
}

static const gs_opt_decl GRID_OPTS[] = {
    {.name = "from", .type = GS_OPT_TIME, .multiple_of = "1h", .flags = GS_OPT_NOW,
     .help = "start"},
    {.name = "step", .type = GS_OPT_STEP, .def = "5min", .divides = "1h",
     .help = "simulation step"},
    {.name = "batch", .type = GS_OPT_INT, .range = "[1, inf)", .multiple_of = "8", .def = "8",
     .help = "GPUs per batch"},
    {0}};

static const gs_cmd_decl GRID = {.name = "grid", .opts = GRID_OPTS};

static void test_grids_whole_hours_and_divisors(void **state)
{
    (void)state;
    assert_string_equal(fails(&GRID, ARGV("grid", "--from", "2023-01-01T00:30Z")),
                        "gridsplit grid: --from: expected a time on the 1h grid (UTC), found "
                        "'2023-01-01T00:30Z'");
    assert_string_equal(fails(&GRID, ARGV("grid", "--step", "7min")),
                        "gridsplit grid: --step: expected a step that divides 1h, found '7min'");
    assert_string_equal(fails(&GRID, ARGV("grid", "--step", "2h")),
                        "gridsplit grid: --step: expected a step that divides 1h, found '2h'");
    assert_string_equal(fails(&GRID, ARGV("grid", "--batch", "12")),
                        "gridsplit grid: --batch: expected a whole number >= 1 that is a "
                        "multiple of 8, found '12'");
    gs_opts *o = ok(&GRID, ARGV("grid", "--from", "2023-01-01T01:00Z", "--step", "20min",
                                "--batch", "16"));
    assert_int_equal(gs_opts_time(o, "from"), 1672534800);
    assert_int_equal(gs_opts_step(o, "step"), 1200);
    assert_int_equal(gs_opts_int(o, "batch"), 16);
    gs_opts_free(o);
    /* "now" is the clock as it is, not rounded */
    o = ok(&GRID, ARGV("grid", "--from", "now"));
    assert_int_equal(gs_opts_time(o, "from"), clock_value);
    gs_opts_free(o);
    char *h = help_of(&GRID);
    assert_non_null(strstr(h, "  --from TIME  start (on the 1h grid, UTC; or 'now')\n"));
    assert_non_null(strstr(h, "  --step STEP  simulation step (divides 1h; default 5min)\n"));
    assert_non_null(strstr(h, "  --batch N    GPUs per batch (>= 1; a multiple of 8; default "
                              "8)\n"));
    free(h);
    expect_invalid((const gs_opt_decl[]){{.name = "x", .type = GS_OPT_TIME, .divides = "1h",
                                          .help = "h"}, {0}}, NULL, "use .multiple_of");
    expect_invalid((const gs_opt_decl[]){{.name = "x", .type = GS_OPT_STEP, .divides = "soon",
                                          .help = "h"}, {0}}, NULL, ".divides");
    expect_invalid((const gs_opt_decl[]){{.name = "x", .type = GS_OPT_STEP, .divides = "1h",
                                          .def = "7min", .help = "h"}, {0}}, NULL,
                   "default '7min'");
}

static void test_choices_are_listed(void **state)
{
    (void)state;
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--policy", "greedy")),
                        "gridsplit demo: --policy: expected must-run, flexible or reserve, "
                        "found 'greedy'");
    assert_string_equal(fails(&SRC, ARGV("src", "--csv", fleet, "--column", "mw", "--format",
                                         "xml")),
                        "gridsplit src: --format: expected json or text, found 'xml'");
}

static void test_lists_check_each_item(void **state)
{
    (void)state;
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--rates", "0.5,150")),
                        "gridsplit demo: --rates: expected a number of % in (0, 100), "
                        "found '150' (item 2 of '0.5,150')");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--rates", "1,,2")),
                        "gridsplit demo: --rates: expected items separated by commas, found an "
                        "empty item 2 in '1,,2'");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--rates", "1,2,3,4,5")),
                        "gridsplit demo: --rates: expected at most 4 items, found more in "
                        "'1,2,3,4,5'");
    /* words or files: catalog,FILE */
    char events[400];
    snprintf(events, sizeof events, "catalog,%s", fleet);
    gs_opts *o = ok(&DEMO, ARGV("demo", fleet, "--out", "d", "--policy", "flexible", "--events",
                                events));
    assert_int_equal(gs_opts_count(o, "events"), 2);
    size_t len = 0;
    assert_memory_equal(gs_opts_item(o, "events", 0, &len), "catalog", 7);
    assert_int_equal(len, 7);
    assert_string_equal(gs_opts_item(o, "events", 1, &len), fleet);
    gs_opts_free(o);
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--policy", "flexible",
                                          "--events", "catalog,-")),
                        "gridsplit demo: --events: expected a file, found '-' (standard input is "
                        "not accepted here) (item 2 of 'catalog,-')");
}

static void test_pairs_repeat(void **state)
{
    (void)state;
    gs_opts *o = ok(&DEMO, ARGV("demo", fleet, "--out", "d", "--price", "ecrs=12.5", "--price",
                                "cap=0"));
    assert_int_equal(gs_opts_given(o, "price"), 2);
    assert_int_equal(gs_opts_count(o, "price"), 2);
    const char *key;
    size_t key_len;
    double v;
    assert_int_equal(gs_opts_pair(o, "price", 0, &key, &key_len, &v), 0);
    assert_int_equal(key_len, 4);
    assert_memory_equal(key, "ecrs", 4);
    assert_true(v == 12.5);
    assert_int_equal(gs_opts_pair(o, "price", 1, &key, &key_len, &v), 0);
    assert_memory_equal(key, "cap", 3);
    assert_true(v == 0.0);
    assert_int_equal(gs_opts_pair(o, "price", 2, &key, &key_len, &v), -1);
    assert_string_equal(gs_opts_str(o, "price"), "cap=0");
    gs_opts_free(o);
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--price", "ecrs")),
                        "gridsplit demo: --price: expected ID=VALUE, found 'ecrs'");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--price", "ecrs=-1")),
                        "gridsplit demo: --price: expected a number >= 0, found '-1' after '=' "
                        "in 'ecrs=-1'");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--price", "a=1",
                                          "--price", "b=1", "--price", "c=1", "--price", "d=1")),
                        "gridsplit demo: --price: given more than 3 times");
}

static void test_an_option_given_twice_is_refused(void **state)
{
    (void)state;
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--step", "5min",
                                          "--step", "15min")),
                        "gridsplit demo: --step: given twice ('5min', then '15min'): give it "
                        "once");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--quiet", "--quiet")),
                        "gridsplit demo: --quiet: given twice: give it once");
}

static void test_missing_values(void **state)
{
    (void)state;
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--step")),
                        "gridsplit demo: --step: expected STEP, found none");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "--quiet")),
                        "gridsplit demo: --out: expected DIR, found the option '--quiet'");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--quiet=yes", "--out", "d")),
                        "gridsplit demo: --quiet: takes no value, found '--quiet=yes'");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet)),
                        "gridsplit demo: --out: required: give --out DIR");
    /* a negative number is a value, not an option */
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--share", "-0.5")),
                        "gridsplit demo: --share: expected a number in (0, 1], found '-0.5'");
}

static void test_unknown_options_suggest_the_nearest(void **state)
{
    (void)state;
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--setp", "5min")),
                        "gridsplit demo: --setp: unknown option; did you mean --step?");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--sever-ms=5")),
                        "gridsplit demo: --sever-ms: unknown option; did you mean --server-ms?");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "-step", "5min")),
                        "gridsplit demo: -step: unknown option; did you mean --step?");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--rep", "x")),
                        "gridsplit demo: --rep: unknown option; did you mean --report-json?");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--hlep")),
                        "gridsplit demo: --hlep: unknown option; did you mean --help?");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--zzzzzz")),
                        "gridsplit demo: --zzzzzz: unknown option");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "-x")),
                        "gridsplit demo: -x: unknown option");
    /* no abbreviations: a prefix is not the option */
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--ste", "5min")),
                        "gridsplit demo: --ste: unknown option; did you mean --step?");
}

static void test_modes_refuse_options_that_do_nothing(void **state)
{
    (void)state;
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--events", "none")),
                        "gridsplit demo: --events: applies only with --policy flexible");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--reserve-mw", "5",
                                          "--policy", "flexible")),
                        "gridsplit demo: --reserve-mw: applies only with --policy reserve");
    gs_opts *o = ok(&DEMO, ARGV("demo", fleet, "--out", "d", "--events", "none", "--policy",
                                "flexible"));
    assert_string_equal(gs_opts_mode(o), "flexible");
    gs_opts_free(o);
    /* the mode from a shorthand */
    o = ok(&DEMO, ARGV("demo", fleet, "--out", "d", "--flexible", "--events", "none"));
    assert_string_equal(gs_opts_mode(o), "flexible");
    assert_int_equal(gs_opts_given(o, "policy"), 1);
    gs_opts_free(o);
    o = ok(&DEMO, ARGV("demo", fleet, "--out", "d", "--flexible", "--policy", "flexible"));
    gs_opts_free(o);
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--flexible", "--policy",
                                          "reserve")),
                        "gridsplit demo: --flexible: means --policy flexible, which contradicts "
                        "--policy reserve");
}

static void test_requires_and_groups(void **state)
{
    (void)state;
    assert_string_equal(fails(&SRC, ARGV("src")),
                        "gridsplit src: expected --csv FILE or --eia930 DIR");
    assert_string_equal(fails(&SRC, ARGV("src", "--csv", fleet, "--eia930", subdir)),
                        "gridsplit src: --eia930: cannot go with --csv");
    assert_string_equal(fails(&SRC, ARGV("src", "--csv", fleet)),
                        "gridsplit src: --column: required with --csv: give --column NAME");
    assert_string_equal(fails(&SRC, ARGV("src", "--eia930", subdir)),
                        "gridsplit src: expected --ba NAME, --ba-list LIST or --all with "
                        "--eia930");
    assert_string_equal(fails(&SRC, ARGV("src", "--eia930", subdir, "--all", "--ba", "ERCO")),
                        "gridsplit src: --all: cannot go with --ba");
    assert_string_equal(fails(&SRC, ARGV("src", "--csv", fleet, "--column", "mw", "--ba", "X")),
                        "gridsplit src: --ba: applies only with --eia930");
    assert_string_equal(fails(&SRC, ARGV("src", "--csv", fleet, "--column", "mw", "--format",
                                         "text", "--pretty")),
                        "gridsplit src: --pretty: applies only with --format json");
    gs_opts *o = ok(&SRC, ARGV("src", "--csv", fleet, "--column", "mw", "--pretty"));
    assert_null(gs_opts_mode(o));
    gs_opts_free(o);
    o = ok(&SRC, ARGV("src", "--eia930", subdir, "--ba-list", "ERCO,PJM"));
    assert_int_equal(gs_opts_count(o, "ba-list"), 2);
    gs_opts_free(o);
    /* a second action: no fleet file, no --event */
    o = ok(&PLAN, ARGV("plan", "--fit-powercap", "sweep.csv", "--board-w", "700"));
    assert_true(gs_opts_num(o, "board-w") == 700.0);
    gs_opts_free(o);
    assert_string_equal(fails(&PLAN, ARGV("plan", "fleet.yaml", "--event", "e", "--board-w",
                                          "700")),
                        "gridsplit plan: --board-w: applies only with --fit-powercap");
    assert_string_equal(fails(&PLAN, ARGV("plan", "fleet.yaml")),
                        "gridsplit plan: --event: required unless --fit-powercap: give --event "
                        "FILE");
}

static void test_positional_counts_come_from_the_table(void **state)
{
    (void)state;
    assert_string_equal(fails(&DEMO, ARGV("demo", "--out", "d")),
                        "gridsplit demo: expected one fleet file, found none");
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, fleet, "--out", "d")),
                        "gridsplit demo: expected one fleet file, found 2 arguments");
    assert_string_equal(fails(&SRC, ARGV("src", "--csv", fleet, "--column", "mw", "extra")),
                        "gridsplit src: unexpected argument 'extra' (this command takes options "
                        "only)");
    assert_string_equal(fails(&PLAN, ARGV("plan", "fleet.yaml", "--fit-powercap", "s.csv")),
                        "gridsplit plan: expected no fleet files with --fit-powercap, found 1 "
                        "argument");
    /* "--" ends the options; "-" is standard input where allowed */
    gs_opts *o = ok(&DEMO, ARGV("demo", "--out", "d", "--", "-"));
    assert_string_equal(gs_opts_arg(o, 0), "-");
    gs_opts_free(o);
}

static void test_paths_are_checked(void **state)
{
    (void)state;
    char missing[400], buf[1024];
    snprintf(missing, sizeof missing, "%s/nope.yaml", tmpdir);
    snprintf(buf, sizeof buf, "gridsplit demo: %s: no such file", missing);
    assert_string_equal(fails(&DEMO, ARGV("demo", missing, "--out", "d")), buf);
    snprintf(buf, sizeof buf, "gridsplit demo: %s: is a directory", subdir);
    assert_string_equal(fails(&DEMO, ARGV("demo", subdir, "--out", "d")), buf);
    snprintf(buf, sizeof buf, "gridsplit demo: --catalog: %s: no such file", missing);
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--catalog", missing)),
                        buf);
    snprintf(buf, sizeof buf, "gridsplit demo: --out: %s: exists and is not a directory", fleet);
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", fleet)), buf);
    snprintf(buf, sizeof buf, "gridsplit demo: --cables: %s: not a directory", fleet);
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--cables", fleet)), buf);
    snprintf(buf, sizeof buf, "gridsplit demo: --report-json: %s: is a directory", subdir);
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--report-json", subdir)),
                        buf);
    snprintf(buf, sizeof buf, "%s/no/r.json", tmpdir);
    char exp[2048];
    snprintf(exp, sizeof exp, "gridsplit demo: --report-json: %s: its directory '%s/no' does not "
             "exist", buf, tmpdir);
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--report-json", buf)),
                        exp);
    snprintf(buf, sizeof buf, "gridsplit demo: --events: %s: no such file (item 2 of "
             "'catalog,%s')", missing, missing);
    snprintf(exp, sizeof exp, "catalog,%s", missing);
    assert_string_equal(fails(&DEMO, ARGV("demo", fleet, "--out", "d", "--flexible", "--events",
                                          exp)),
                        buf);
    /* "-" only where the declaration allows it */
    assert_string_equal(fails(&SRC, ARGV("src", "--csv", "-", "--column", "mw")),
                        "gridsplit src: --csv: expected a file, found '-' (standard input is "
                        "not accepted here)");
    /* the reader's check */
    gs_error err = {0};
    assert_int_equal(gs_cli_check_input_path(fleet, &err), 0);
    assert_int_equal(gs_cli_check_input_path("-", &err), 0);
    assert_int_equal(gs_cli_check_input_path(missing, &err), GS_EINPUT);
    assert_string_equal(err.file, missing);
    assert_string_equal(err.message, "no such file");
    char line[2048];
    gs_error_format(&err, line, sizeof line);
    snprintf(buf, sizeof buf, "%s: no such file", missing);
    assert_string_equal(line, buf);
    assert_int_equal(gs_exit_code(err.code), 2);
    assert_int_equal(gs_cli_check_input_path(subdir, &err), GS_EINPUT);
    assert_string_equal(err.message, "is a directory");
    assert_int_equal(gs_cli_check_input_path("", &err), GS_EINPUT);
    /* unreadable: root reads anything, so only when not root */
    char unreadable[400];
    snprintf(unreadable, sizeof unreadable, "%s/unreadable", tmpdir);
    FILE *f = fopen(unreadable, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(chmod(unreadable, 0), 0);
    if (geteuid() != 0) {
        assert_int_equal(gs_cli_check_input_path(unreadable, &err), GS_EINPUT);
        assert_string_equal(err.message, "Permission denied");
    }
    snprintf(buf, sizeof buf, "%s/fleet.yaml/x", tmpdir);
    assert_int_equal(gs_cli_check_input_path(buf, &err), GS_EINPUT);
    assert_string_equal(err.message, "Not a directory");
}

/* ---- help ---- */

static const gs_opt_decl MINI_OPTS[] = {
    {.name = "out", .type = GS_OPT_OUTDIR, .flags = GS_OPT_REQUIRED,
     .help = "output directory, created if missing"},
    {.name = "from", .type = GS_OPT_TIME, .flags = GS_OPT_NOW,
     .def_help = "the fleet's period.from", .help = "start, ISO 8601 UTC"},
    {.name = "step", .type = GS_OPT_STEP, .def = "5min", .range = "[1min, 1h]",
     .help = "simulation step"},
    {.name = "server-ms", .type = GS_OPT_NUM, .metavar = "MS", .unit = "ms", .range = "[0, 200]",
     .def = "50", .help = "server time taken from the latency budget of every request, before "
                          "the network's share is counted"},
    {.name = "policy", .type = GS_OPT_CHOICE, .choices = "must-run flexible", .def = "must-run",
     .help = "apply the planner to the period's grid events"},
    {.name = "events", .type = GS_OPT_LIST, .elem = GS_OPT_INPUT, .choices = "catalog none",
     .max_items = 2, .metavar = "E", .def = "catalog", .modes = "flexible",
     .help = "grid events: catalog, none, an event FILE, or catalog,FILE"},
    {.name = "price", .type = GS_OPT_PAIR, .metavar = "ID=VALUE", .range = "[0, inf)",
     .flags = GS_OPT_REPEAT, .help = "price a product at a constant VALUE"},
    {.name = "quiet", .help = "no progress bar"},
    {0}};

static const gs_cmd_decl MINI = {
    .name = "mini",
    .summary = "power of every site by load class",
    .description = "Power of every site, split into training and inference, over a period at a "
                   "fixed step. Writes DIR/load.csv (timestamp,site,class,mw) and "
                   "DIR/summary.json.",
    .mode_option = "policy",
    .args = {.name = "fleet file", .metavar = "FLEET.yaml", .type = GS_OPT_INPUT, .min = 1,
             .max = 1},
    .opts = MINI_OPTS,
};

static const char MINI_HELP[] =
    "usage: gridsplit mini FLEET.yaml --out DIR [options]\n"
    "\n"
    "Power of every site, split into training and inference, over a period at a fixed\n"
    "step. Writes DIR/load.csv (timestamp,site,class,mw) and DIR/summary.json.\n"
    "\n"
    "Options:\n"
    "  --out DIR         output directory, created if missing (required)\n"
    "  --from TIME       start, ISO 8601 UTC (or 'now'; default: the fleet's\n"
    "                    period.from)\n"
    "  --step STEP       simulation step (in [1min, 1h]; default 5min)\n"
    "  --server-ms MS    server time taken from the latency budget of every request,\n"
    "                    before the network's share is counted (ms in [0, 200];\n"
    "                    default 50)\n"
    "  --policy POLICY   apply the planner to the period's grid events (must-run or\n"
    "                    flexible; default must-run)\n"
    "  --events E        grid events: catalog, none, an event FILE, or catalog,FILE\n"
    "                    (comma-separated; only with --policy flexible; default\n"
    "                    catalog)\n"
    "  --price ID=VALUE  price a product at a constant VALUE (>= 0; repeatable)\n"
    "  --quiet           no progress bar\n"
    "  -h, --help        this text\n"
    "\n"
    "Exit codes: 0 ok, 2 bad input (the message names the option, or the file, line\n"
    "and field), 1 runtime failure.\n";

static char *help_of(const gs_cmd_decl *d)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(gs_opts_help(d, f), 0);
    fclose(f);
    return text;
}

static void assert_fits_80_columns(const char *text)
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        if (n > 80)
            fail_msg("line longer than 80 columns: %.*s", (int)n, p);
        p += n + (p[n] ? 1 : 0);
    }
}

static void test_help_is_generated_from_the_table(void **state)
{
    (void)state;
    char *h = help_of(&MINI);
    assert_string_equal(h, MINI_HELP);
    free(h);
    char *all[] = {help_of(&DEMO), help_of(&SRC), help_of(&PLAN)};
    for (size_t i = 0; i < 3; i++) {
        assert_fits_80_columns(all[i]);
        free(all[i]);
    }
    /* a range is never cut at its space */
    h = help_of(&DEMO);
    assert_non_null(strstr(h, "[1, 1000000]"));
    assert_non_null(strstr(h, "(0, 100)"));
    free(h);
}

static void test_usage_lines_continue_and_fit(void **state)
{
    (void)state;
    static const gs_opt_decl opts[] = {{.name = "all", .help = "every one"}, {0}};
    gs_cmd_decl d = {.name = "cont", .opts = opts,
                     .usage = "--eia930 DIR (--all | --ba-list A,B,...)\n"
                              " [--from YEAR]\n"
                              "--csv FILE"};
    gs_error err = {0};
    assert_int_equal(gs_opts_validate(&d, &err), 0);
    char *h = help_of(&d);
    assert_non_null(strstr(h, "usage: gridsplit cont --eia930 DIR (--all | --ba-list A,B,...)\n"
                              "                      [--from YEAR]\n"
                              "       gridsplit cont --csv FILE\n"));
    free(h);
    d.usage = "--eia930 DIR (--all | --ba-list A,B,...) [--from YEAR --to YEAR] [--raw] [--x]";
    assert_int_equal(gs_opts_validate(&d, &err), GS_ERUNTIME);
    assert_non_null(strstr(err.message, "longer than 80 columns"));
}

static void test_help_wins_and_equals_gs_opts_help(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    gs_opts_env env = {.out = out};
    gs_opts *o = NULL;
    /* --help anywhere, even after a bad option, prints the help and exits 0 */
    assert_int_equal(gs_opts_cli(&MINI, 4, ARGV("mini", "--setp", "x", "--help"), &env, &o), 0);
    assert_null(o);
    fclose(out);
    assert_string_equal(text, MINI_HELP);
    free(text);
    gs_error err = {0};
    assert_int_equal(gs_opts_parse(&MINI, 2, ARGV("mini", "-h"), NULL, &o, &err), GS_OPTS_HELP);
    assert_null(o);
    char *h = help_of(&SRC);
    assert_non_null(strstr(h, "usage: gridsplit src --csv FILE --column NAME\n"
                              "       gridsplit src --eia930 DIR (--ba NAME | --ba-list LIST | "
                              "--all)\n"));
    assert_non_null(strstr(h, "  --pretty         indent the JSON (only with --format json)\n"));
    assert_non_null(strstr(h, "  --column NAME    the demand column (required with --csv)\n"));
    free(h);
    h = help_of(&PLAN);
    assert_non_null(strstr(h, "  --now                decide now (same as --at now)\n"));
    free(h);
}

static void test_errors_print_with_the_help_hint(void **state)
{
    (void)state;
    gs_opts *o = NULL;
    assert_non_null(run(&DEMO, ARGV("demo", fleet, "--out", "d", "--server-ms", "500"), &o));
    assert_string_equal(printed, "gridsplit demo: --server-ms: expected a number of ms in "
                                 "[0, 200], found '500'\n(see 'gridsplit demo --help')\n");
    /* checks the command makes itself print the same way */
    o = ok(&DEMO, ARGV("demo", fleet, "--out", "d", "--from", "2024-01-01T00:30Z"));
    char *text = NULL;
    size_t len = 0;
    FILE *err = open_memstream(&text, &len);
    gs_opts_env env = {.err = err};
    gs_opts_free(o);
    assert_int_equal(gs_opts_cli(&DEMO, 6, ARGV("demo", fleet, "--out", "d", "--from",
                                                "2024-01-01T00:30Z"), &env, &o), 0);
    assert_int_equal(gs_opts_fail(o, "from", "expected a whole hour, found '%s'",
                                  gs_opts_str(o, "from")), 2);
    gs_opts_free(o);
    fclose(err);
    assert_string_equal(text, "gridsplit demo: --from: expected a whole hour, found "
                              "'2024-01-01T00:30Z'\n(see 'gridsplit demo --help')\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_declarations_are_valid),
        cmocka_unit_test(test_validate_catches_bad_defaults_and_references),
        cmocka_unit_test(test_defaults_are_applied_typed),
        cmocka_unit_test(test_every_type_parses),
        cmocka_unit_test(test_numbers_name_option_unit_and_range),
        cmocka_unit_test(test_durations_and_steps_name_the_option),
        cmocka_unit_test(test_time_and_now_on_an_injected_clock),
        cmocka_unit_test(test_grids_whole_hours_and_divisors),
        cmocka_unit_test(test_choices_are_listed),
        cmocka_unit_test(test_lists_check_each_item),
        cmocka_unit_test(test_pairs_repeat),
        cmocka_unit_test(test_an_option_given_twice_is_refused),
        cmocka_unit_test(test_missing_values),
        cmocka_unit_test(test_unknown_options_suggest_the_nearest),
        cmocka_unit_test(test_modes_refuse_options_that_do_nothing),
        cmocka_unit_test(test_requires_and_groups),
        cmocka_unit_test(test_positional_counts_come_from_the_table),
        cmocka_unit_test(test_paths_are_checked),
        cmocka_unit_test(test_help_is_generated_from_the_table),
        cmocka_unit_test(test_usage_lines_continue_and_fit),
        cmocka_unit_test(test_help_wins_and_equals_gs_opts_help),
        cmocka_unit_test(test_errors_print_with_the_help_hint),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
