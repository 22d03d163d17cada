/* common.c: the front end (help, dispatch over the command list of main.c) and the helpers
 * every subcommand shares (cli.h): error printing, loading a fleet (with its warnings), the run
 * period, usage errors. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "gridsplit/time.h"
#include "gridsplit/read/fleet.h"

/* Every subcommand, in the order of the top usage, with its option declaration (the summary
 * and `help CMD` come from the declaration). */
static const gs_cli_command commands[] = {
    {"check", gs_cmd_check, NULL},
    {"simulate", gs_cmd_simulate, NULL},
    {"trace", gs_cmd_trace, NULL},
    {"series", gs_cmd_series, NULL},
    {"headroom", gs_cmd_headroom, NULL},
    {"latency", gs_cmd_latency, NULL},
    {"plan", gs_cmd_plan, NULL},
    {"flex", gs_cmd_flex, NULL},
    {"markets", gs_cmd_markets, NULL},
    {"route", gs_cmd_route, NULL},
    {"site", gs_cmd_site, NULL},
    {"underwrite", gs_cmd_underwrite, NULL},
    {"scenarios", gs_cmd_scenarios, NULL},
    {"supply", gs_cmd_supply, NULL},
    {"sweep", gs_cmd_sweep, NULL},
    {"regions", gs_cmd_regions, NULL},
#ifdef GS_HAVE_SERVE
    {"serve", gs_cmd_serve, NULL},
#endif
};

static const gs_cmd_decl *const decls[] = {
    &gs_cmd_check_decl,
    &gs_cmd_simulate_decl,
    &gs_cmd_trace_decl,
    &gs_cmd_series_decl,
    &gs_cmd_headroom_decl,
    &gs_cmd_latency_decl,
    &gs_cmd_plan_decl,
    &gs_cmd_flex_decl,
    &gs_cmd_markets_decl,
    &gs_cmd_route_decl,
    &gs_cmd_site_decl,
    &gs_cmd_underwrite_decl,
    &gs_cmd_scenarios_decl,
    &gs_cmd_supply_decl,
    &gs_cmd_sweep_decl,
    &gs_cmd_regions_decl,
#ifdef GS_HAVE_SERVE
    &gs_cmd_serve_decl,
#endif
};

const gs_cli_table gs_cli_commands = {commands, sizeof commands / sizeof commands[0], decls,
                                      sizeof decls / sizeof decls[0]};

const gs_cmd_decl *gs_cli_decl(const gs_cli_table *t, const char *name)
{
    for (size_t i = 0; i < t->ndecls; i++)
        if (t->decls[i] && strcmp(t->decls[i]->name, name) == 0)
            return t->decls[i];
    return NULL;
}

static const gs_cli_command *find_command(const gs_cli_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncmds; i++)
        if (strcmp(t->cmds[i].name, name) == 0)
            return &t->cmds[i];
    return NULL;
}

void gs_cli_usage(const gs_cli_table *t, FILE *out)
{
    fprintf(out, "usage: gridsplit COMMAND [OPTIONS]\n\n"
                 "Models AI training and AI inference as the two grid loads they are.\n\n"
                 "Commands:\n");
    for (size_t i = 0; i < t->ncmds; i++) {
        const gs_cmd_decl *d = gs_cli_decl(t, t->cmds[i].name);
        fprintf(out, "  %-10s %s\n", t->cmds[i].name, d ? d->summary : t->cmds[i].summary);
    }
    fprintf(out, "\n'gridsplit COMMAND --help' (or 'gridsplit help COMMAND') describes a command;\n"
                 "docs/ has a page for each.\n"
                 "Options: --version, --help\n");
}

/* Edit distance (insertions, deletions, substitutions, adjacent transpositions), capped. */
static size_t distance(const char *a, const char *b)
{
    enum { MAXL = 32 };
    size_t n = strlen(a), m = strlen(b);
    if (n > MAXL || m > MAXL)
        return (size_t)-1;
    size_t d[MAXL + 1][MAXL + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + (a[i - 1] != b[j - 1]) < v)
                v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[n][m];
}

/* The command nearest to name, NULL when none is near. */
static const char *nearest_command(const gs_cli_table *t, const char *name)
{
    const char *best = NULL;
    size_t bd = (size_t)-1, len = strlen(name);
    for (size_t i = 0; i < t->ncmds; i++) {
        const char *c = t->cmds[i].name;
        size_t dist = distance(name, c);
        if (len >= 3 && len < strlen(c) && strncmp(c, name, len) == 0 && dist > 1)
            dist = 1; /* a prefix: "sim" */
        if (dist < bd) {
            bd = dist;
            best = c;
        }
    }
    size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    return bd <= limit ? best : NULL;
}

static void unknown_command(const gs_cli_table *t, const char *who, const char *name, FILE *err)
{
    const char *near = nearest_command(t, name);
    if (near)
        fprintf(err, "%s: unknown command '%s'; did you mean '%s'?\n", who, name, near);
    else
        fprintf(err, "%s: unknown command '%s'\n", who, name);
}

/* gridsplit help [CMD] */
static int help(const gs_cli_table *t, int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2) {
        gs_cli_usage(t, out);
        return 0;
    }
    if (argc > 2) {
        fprintf(err, "gridsplit help: expected one command, found %d\n"
                     "(see 'gridsplit --help')\n", argc - 1);
        return 2;
    }
    const gs_cli_command *c = find_command(t, argv[1]);
    if (!c) {
        unknown_command(t, "gridsplit help", argv[1], err);
        fprintf(err, "(see 'gridsplit --help')\n");
        return 2;
    }
    const gs_cmd_decl *d = gs_cli_decl(t, c->name);
    if (d)
        return gs_opts_help(d, out) < 0 ? 1 : 0;
    /* not yet on the option layer: its own --help */
    char *sub[] = {(char *)c->name, (char *)"--help", NULL};
    return c->run(2, sub);
}

int gs_cli_main(const gs_cli_table *t, int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2) {
        gs_cli_usage(t, err);
        return 2;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        fprintf(out, "gridsplit %s\n", GS_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        gs_cli_usage(t, out);
        return 0;
    }
    if (strcmp(argv[1], "help") == 0)
        return help(t, argc - 1, argv + 1, out, err);
    const gs_cli_command *c = find_command(t, argv[1]);
    if (c)
        return c->run(argc - 1, argv + 1);
    unknown_command(t, "gridsplit", argv[1], err);
    fputc('\n', err);
    gs_cli_usage(t, err);
    return 2;
}

int gs_cli_fail(const char *cmd, const gs_error *err)
{
    char buf[2048];
    gs_error_format(err, buf, sizeof buf);
    fprintf(stderr, "gridsplit %s: %s\n", cmd, buf);
    return gs_exit_code(err->code);
}

int gs_cli_load_fleet(const char *cmd, const char *path, gs_fleet **out, gs_error *err)
{
    int rc = gs_fleet_load(path, out, err);
    if (rc < 0)
        return rc;
    char line[512];
    for (size_t i = 0; i < (*out)->nsites; i++)
        if (gs_site_nameplate_warning(*out, i, line, sizeof line))
            fprintf(stderr, "gridsplit %s: warning: %s\n", cmd, line);
    return rc;
}

int gs_cli_period(const gs_opts *o, const gs_fleet *f, int64_t step_s, int64_t *from_s,
                  int64_t *to_s)
{
    int has_from = gs_opts_has(o, "from"), has_to = gs_opts_has(o, "to");
    int fleet_period = f->default_from_s || f->default_to_s;
    if (!fleet_period && !(has_from && has_to))
        return gs_opts_fail(o, has_from ? "to" : "from",
                            "required: the fleet file %s has no period: give --from and --to, "
                            "or period: {from, to} in the fleet file", f->path);
    *from_s = has_from ? gs_opts_time(o, "from") : f->default_from_s;
    *to_s = has_to ? gs_opts_time(o, "to") : f->default_to_s;
    char a[32], b[32];
    gs_format_time(*from_s, a);
    gs_format_time(*to_s, b);
    if (*to_s <= *from_s) {
        if (has_to)
            return gs_opts_fail(o, "to", "expected a time after %s (%s), found '%s'",
                                has_from ? "--from" : "the fleet's period.from", a,
                                gs_opts_str(o, "to"));
        if (has_from)
            return gs_opts_fail(o, "from", "expected a time before the fleet's period.to (%s), "
                                "found '%s'", b, gs_opts_str(o, "from"));
        return gs_opts_fail(o, NULL, "%s: the fleet's period is empty (%s to %s): give --from "
                            "and --to", f->path, a, b);
    }
    if (step_s > 0 && (*to_s - *from_s) % step_s) {
        if (has_to)
            return gs_opts_fail(o, "to", "expected a whole number of --step %s steps after %s "
                                "(%s), found '%s'", gs_opts_str(o, "step"),
                                has_from ? "--from" : "the fleet's period.from", a,
                                gs_opts_str(o, "to"));
        if (has_from)
            return gs_opts_fail(o, "from", "expected a whole number of --step %s steps before "
                                "the fleet's period.to (%s), found '%s'", gs_opts_str(o, "step"),
                                b, gs_opts_str(o, "from"));
        return gs_opts_fail(o, "step", "expected a step that divides the period (%s to %s), "
                            "found '%s'", a, b, gs_opts_str(o, "step"));
    }
    return 0;
}

int gs_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "gridsplit %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'gridsplit %s --help')\n", cmd);
    return 2;
}
