/* common.c: helpers every subcommand shares (cli.h): error printing, the run period, usage
 * errors. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "gridsplit/time.h"

int gs_cli_fail(const char *cmd, const gs_error *err)
{
    char buf[2048];
    gs_error_format(err, buf, sizeof buf);
    fprintf(stderr, "gridsplit %s: %s\n", cmd, buf);
    return gs_exit_code(err->code);
}

int gs_cli_period(const gs_fleet *f, const char *from, const char *to, int64_t *from_s,
                  int64_t *to_s, gs_error *err)
{
    *from_s = f->default_from_s;
    *to_s = f->default_to_s;
    if (from && gs_parse_time(from, from_s, err) < 0) {
        snprintf(err->field, sizeof err->field, "--from");
        return GS_EINPUT;
    }
    if (to && gs_parse_time(to, to_s, err) < 0) {
        snprintf(err->field, sizeof err->field, "--to");
        return GS_EINPUT;
    }
    if (!*from_s && !*to_s)
        return gs_error_set(err, GS_EINPUT, f->path, 0, 0, "period",
                            "no period: give --from and --to, or period: {from, to} in the fleet "
                            "file");
    return GS_OK;
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
