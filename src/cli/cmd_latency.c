/* cmd_latency.c: TEMPORARY placeholder, replaced by the helper that owns this command. */
#include <stdio.h>
#include "cli/cli.h"
int gs_cmd_latency(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "gridsplit latency: being written\n");
    return 1;
}
