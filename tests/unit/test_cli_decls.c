/* test_cli_decls.c: the subcommands' option declarations (gs_cmd_NAME_decl, src/cli/cmd_*.c):
 * each passes gs_opts_validate (every default parsed, range and grid included), its --help fits
 * 80 columns and names the command, `gridsplit help CMD` prints the very bytes `gridsplit CMD
 * --help` prints, the declared defaults are the library's, and `plan --now` is the clock's
 * time. Calls the functions (gs_cli_main, gs_cmd_NAME): no subprocess. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "gridsplit/flexsim.h"
#include "gridsplit/plan.h"
#include "gridsplit/route.h"

/* The commands as the gridsplit command lists them (gs_cli_commands, common.c). */
#define COMMANDS (gs_cli_commands.cmds)
#define NCMD (gs_cli_commands.ncmds)
#define DECLS (gs_cli_commands.decls)
#define NDECL (gs_cli_commands.ndecls)
#define TABLE gs_cli_commands

/* What fn wrote to the FILE it is given, as a malloc'ed string. */
typedef int (*to_file_fn)(const void *ctx, FILE *out);

static char *capture(to_file_fn fn, const void *ctx, int *rc)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    *rc = fn(ctx, f);
    fclose(f);
    return text;
}

/* What a command function printed on standard output (it prints --help there). */
static char *capture_stdout(int (*run)(int, char **), int argc, char **argv, int *rc)
{
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stdout);
    int saved = dup(1);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), 1) >= 0);
    *rc = run(argc, argv);
    fflush(stdout);
    assert_true(dup2(saved, 1) >= 0);
    close(saved);
    assert_int_equal(fseek(tmp, 0, SEEK_END), 0);
    long n = ftell(tmp);
    assert_true(n >= 0);
    rewind(tmp);
    char *text = calloc((size_t)n + 1, 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, tmp), (size_t)n);
    fclose(tmp);
    return text;
}

static int help_of_decl(const void *ctx, FILE *out)
{
    return gs_opts_help((const gs_cmd_decl *)ctx, out);
}

struct main_call {
    int argc;
    char **argv;
    FILE *err;
};

static int run_main(const void *ctx, FILE *out)
{
    const struct main_call *m = ctx;
    return gs_cli_main(&TABLE, m->argc, m->argv, out, m->err);
}

static void test_every_declaration_is_valid_with_its_defaults(void **state)
{
    (void)state;
    for (size_t i = 0; i < NDECL; i++) {
        gs_error err = {0};
        int rc = gs_opts_validate(DECLS[i], &err);
        if (rc != 0)
            fail_msg("%s: %s: %s", DECLS[i]->name, err.field, err.message);
        assert_non_null(DECLS[i]->summary);
        assert_true(strlen(DECLS[i]->summary) > 0);
    }
}

static void test_every_declaration_belongs_to_its_command(void **state)
{
    (void)state;
    for (size_t i = 0; i < NDECL; i++) {
        size_t k = 0;
        while (k < NCMD && strcmp(COMMANDS[k].name, DECLS[i]->name) != 0)
            k++;
        if (k == NCMD)
            fail_msg("decl '%s' has no command of that name", DECLS[i]->name);
        assert_ptr_equal(gs_cli_decl(&TABLE, COMMANDS[k].name), DECLS[i]);
    }
}

static void test_help_fits_80_columns(void **state)
{
    (void)state;
    for (size_t i = 0; i < NDECL; i++) {
        int rc;
        char *text = capture(help_of_decl, DECLS[i], &rc);
        assert_int_equal(rc, 0);
        char first[128];
        snprintf(first, sizeof first, "usage: gridsplit %s ", DECLS[i]->name);
        if (strncmp(text, first, strlen(first)) != 0)
            fail_msg("%s: help does not start with '%s'", DECLS[i]->name, first);
        assert_non_null(strstr(text, "\nOptions:\n"));
        assert_non_null(strstr(text, "  -h, --help"));
        int line = 1;
        for (const char *p = text; *p; line++) {
            const char *e = strchr(p, '\n');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            if (len > 80)
                fail_msg("%s --help, line %d: %zu columns: %.*s", DECLS[i]->name, line, len,
                         (int)len, p);
            if (len && p[len - 1] == ' ')
                fail_msg("%s --help, line %d: trailing space", DECLS[i]->name, line);
            p += len + (e ? 1 : 0);
        }
        free(text);
    }
}

static void test_help_cmd_equals_cmd_help(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCMD; i++) {
        const gs_cmd_decl *d = gs_cli_decl(&TABLE, COMMANDS[i].name);
        if (!d)
            continue;
        /* gridsplit help CMD */
        char *argv_help[] = {"gridsplit", "help", (char *)COMMANDS[i].name, NULL};
        struct main_call m = {3, argv_help, stderr};
        int rc_help;
        char *via_help = capture(run_main, &m, &rc_help);
        assert_int_equal(rc_help, 0);
        /* gridsplit CMD --help, through the command itself */
        char *argv_cmd[] = {(char *)COMMANDS[i].name, "--help", NULL};
        int rc_cmd;
        char *via_cmd = capture_stdout(COMMANDS[i].run, 2, argv_cmd, &rc_cmd);
        assert_int_equal(rc_cmd, 0);
        if (strcmp(via_help, via_cmd) != 0)
            fail_msg("'help %s' differs from '%s --help'", COMMANDS[i].name, COMMANDS[i].name);
        /* and both are the declaration's text */
        int rc;
        char *decl_text = capture(help_of_decl, d, &rc);
        assert_string_equal(via_help, decl_text);
        /* -h is --help too */
        char *argv_h[] = {(char *)COMMANDS[i].name, "-h", NULL};
        char *via_h = capture_stdout(COMMANDS[i].run, 2, argv_h, &rc_cmd);
        assert_int_equal(rc_cmd, 0);
        assert_string_equal(via_h, decl_text);
        free(via_h);
        free(decl_text);
        free(via_help);
        free(via_cmd);
    }
}

static void test_top_usage_lists_the_commands_with_their_summaries(void **state)
{
    (void)state;
    for (int form = 0; form < 3; form++) {
        char *argv[] = {"gridsplit", form == 0 ? "help" : form == 1 ? "--help" : "-h", NULL};
        struct main_call m = {2, argv, stderr};
        int rc;
        char *text = capture(run_main, &m, &rc);
        assert_int_equal(rc, 0);
        assert_non_null(strstr(text, "usage: gridsplit COMMAND [OPTIONS]"));
        assert_non_null(strstr(text, "'gridsplit help COMMAND'"));
        for (size_t i = 0; i < NDECL; i++) {
            char line[256];
            snprintf(line, sizeof line, "  %-10s %s\n", DECLS[i]->name, DECLS[i]->summary);
            if (!strstr(text, line))
                fail_msg("the top usage lacks '%s'", line);
        }
        free(text);
    }
}

static void test_help_of_an_unknown_command_suggests_the_nearest(void **state)
{
    (void)state;
    char *err_text = NULL;
    size_t err_len = 0;
    FILE *err = open_memstream(&err_text, &err_len);
    char *argv[] = {"gridsplit", "help", "simulte", NULL};
    struct main_call m = {3, argv, err};
    int rc;
    char *out = capture(run_main, &m, &rc);
    fclose(err);
    assert_int_equal(rc, 2);
    assert_string_equal(out, "");
    assert_non_null(strstr(err_text, "gridsplit help: unknown command 'simulte'; did you mean "
                                     "'simulate'?"));
    free(out);
    free(err_text);

    err = open_memstream(&err_text, &err_len);
    char *argv2[] = {"gridsplit", "help", "zzzzzzzz", NULL};
    m = (struct main_call){3, argv2, err};
    out = capture(run_main, &m, &rc);
    fclose(err);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(err_text, "unknown command 'zzzzzzzz'\n"));
    assert_null(strstr(err_text, "did you mean"));
    free(out);
    free(err_text);

    err = open_memstream(&err_text, &err_len);
    char *argv3[] = {"gridsplit", "help", "plan", "flex", NULL};
    m = (struct main_call){4, argv3, err};
    out = capture(run_main, &m, &rc);
    fclose(err);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(err_text, "expected one command, found 2"));
    free(out);
    free(err_text);
}

/* ---- the declared defaults are the library's ---- */

static char fleet[4096];

static int setup_fleet(void **state)
{
    (void)state;
    const char *src = getenv("GS_SRC");
    snprintf(fleet, sizeof fleet, "%s/examples/demo/fleet.yaml", src && *src ? src : ".");
    return access(fleet, R_OK) == 0 ? 0 : -1;
}

static gs_opts *parse_ok(const gs_cmd_decl *d, int argc, char **argv, const gs_opts_env *env)
{
    gs_opts *o = NULL;
    gs_error err = {0};
    int rc = gs_opts_parse(d, argc, argv, env, &o, &err);
    if (rc != 0)
        fail_msg("%s: %s %s %s", d->name, err.field, err.file, err.message);
    return o;
}

static void test_defaults_are_the_library_defaults(void **state)
{
    (void)state;
    char out[] = "/nonexistent-dir-created-by-the-command";
    {
        char *argv[] = {"simulate", fleet, "--out", out, NULL};
        gs_opts *o = parse_ok(&gs_cmd_simulate_decl, 4, argv, NULL);
        assert_int_equal(gs_opts_step(o, "step"), 300);
        assert_string_equal(gs_opts_mode(o), "must-run");
        assert_false(gs_opts_has(o, "load-step"));
        assert_false(gs_opts_has(o, "from"));
        gs_opts_free(o);
    }
    {
        char *argv[] = {"route", fleet, "--out", out, NULL};
        gs_opts *o = parse_ok(&gs_cmd_route_decl, 4, argv, NULL);
        gs_route_opts ro = gs_route_opts_default();
        assert_int_equal(gs_opts_step(o, "step"), 300);
        assert_true(gs_opts_num(o, "server-ms") == ro.server_ms);
        assert_true(gs_opts_num(o, "latency-penalty") == ro.usd_per_mreq_ms);
        assert_true(gs_opts_num(o, "default-price") == ro.default_price_usd_per_mwh);
        gs_opts_free(o);
    }
    {
        char *argv[] = {"flex", fleet, "--out", out, NULL};
        gs_opts *o = parse_ok(&gs_cmd_flex_decl, 4, argv, NULL);
        gs_flexsim_opts fo;
        gs_flexsim_opts_default(&fo);
        assert_int_equal(gs_opts_step(o, "step"), fo.step_s);
        assert_true(gs_opts_num(o, "offer-share") == fo.offer_share);
        assert_true(gs_opts_num(o, "usd-per-request") == fo.usd_per_request);
        assert_string_equal(gs_opts_mode(o), "flexible");
        assert_string_equal(gs_opts_str(o, "events"), "catalog");
        gs_opts_free(o);
    }
    {
        char *argv[] = {"plan", fleet, "--event", fleet, NULL};
        gs_opts *o = parse_ok(&gs_cmd_plan_decl, 4, argv, NULL);
        gs_policy pol;
        gs_policy_default(GS_POLICY_COMPLY, &pol);
        assert_string_equal(gs_opts_mode(o), "comply");
        assert_true(gs_opts_num(o, "usd-per-request") == pol.usd_per_request);
        assert_true(gs_opts_num(o, "capacity-usd-per-mw") == pol.capacity_usd_per_mw);
        assert_true(gs_opts_num(o, "board-w") == 400);
        assert_string_equal(gs_opts_str(o, "priority"), gs_priority_name(pol.priority));
        assert_string_equal(gs_opts_str(o, "format"), "json");
        assert_false(gs_opts_has(o, "at"));
        gs_opts_free(o);
    }
    {
        char *argv[] = {"check", fleet, NULL};
        gs_opts *o = parse_ok(&gs_cmd_check_decl, 2, argv, NULL);
        assert_false(gs_opts_flag(o, "series"));
        assert_string_equal(gs_opts_arg(o, 0), fleet);
        gs_opts_free(o);
    }
}

static int64_t fixed_now(void *ctx)
{
    return *(const int64_t *)ctx;
}

static void test_plan_now_is_the_clock(void **state)
{
    (void)state;
    int64_t now = 4086000000; /* 2099-06-24T... */
    gs_opts_env env = {.now = fixed_now, .now_ctx = &now};
    char *argv[] = {"plan", fleet, "--event", fleet, "--now", NULL};
    gs_opts *o = parse_ok(&gs_cmd_plan_decl, 5, argv, &env);
    assert_true(gs_opts_given(o, "at") > 0);
    assert_int_equal(gs_opts_time(o, "at"), now);
    gs_opts_free(o);
    char *argv2[] = {"plan", fleet, "--event", fleet, "--at", "now", NULL};
    o = parse_ok(&gs_cmd_plan_decl, 6, argv2, &env);
    assert_int_equal(gs_opts_time(o, "at"), now);
    gs_opts_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_declaration_is_valid_with_its_defaults),
        cmocka_unit_test(test_every_declaration_belongs_to_its_command),
        cmocka_unit_test(test_help_fits_80_columns),
        cmocka_unit_test(test_help_cmd_equals_cmd_help),
        cmocka_unit_test(test_top_usage_lists_the_commands_with_their_summaries),
        cmocka_unit_test(test_help_of_an_unknown_command_suggests_the_nearest),
        cmocka_unit_test_setup(test_defaults_are_the_library_defaults, setup_fleet),
        cmocka_unit_test_setup(test_plan_now_is_the_clock, setup_fleet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
