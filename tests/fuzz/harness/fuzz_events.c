/* fuzz_events.c: libFuzzer harness of the one event reader (src/read/events.c): the input is an
 * event document (native, OpenADR 3 or the old route-cap form) read as a buffer (what the daemon
 * does with a body: gs_events_read_buffer) in the planner's mode and in route's (file order,
 * overlaps allowed), and as a file through gs_route_caps_read. The fleet is
 * examples/demo/fleet.yaml, loaded once. Seeds in tests/fuzz/corpus/events/. */
#include "fuzz_util.h"

#include "gridsplit/read/events.h"
#include "gridsplit/read/fleet.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gs_fleet *fleet;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/demo/fleet.yaml", gs_fuzz_src());
    gs_error err = {0};
    if (gs_fleet_load(path, &fleet, &err) != 0) {
        fprintf(stderr, "fuzz_events: %s: %s\n", path, err.message);
        exit(1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gs_event *evs = NULL;
    size_t n = 0;
    gs_error err = {0};
    gs_events_read_opts o = {.require_events = 1};
    if (gs_events_read_buffer("fuzz", (const char *)data, size, fleet, &evs, &n, &o, &err) == 0)
        free(evs);
    gs_events_read_opts r = {.keep_file_order = 1, .allow_overlap = 1};
    evs = NULL;
    if (gs_events_read_buffer("fuzz", (const char *)data, size, fleet, &evs, &n, &r, &err) == 0)
        free(evs);

    static int fd;
    char path[64];
    gs_fuzz_file(&fd, data, size, path, sizeof path);
    gs_route_cap *caps = NULL;
    gs_error e2 = {0};
    if (gs_route_caps_read(path, fleet, &caps, &n, NULL, &e2) == 0)
        free(caps);
    return 0;
}
