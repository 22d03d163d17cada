/* main.c: the `gridsplit` command: gs_cli_main (common.c) over the command table
 * (gs_cli_commands, common.c: every subcommand with its option declaration, cli.h). */
#include <stdio.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
    return gs_cli_main(&gs_cli_commands, argc, argv, stdout, stderr);
}
