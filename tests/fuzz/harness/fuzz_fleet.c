/* fuzz_fleet.c: libFuzzer harness of the fleet reader (gs_fleet_load, src/read/fleet_yaml.c):
 * the input is a fleet file (YAML, docs/fleet-format.md). Series are not loaded (they name other
 * files). Built by tests/fuzz/fuzz.cmake; seeds in tests/fuzz/corpus/fleet/. */
#include "fuzz_util.h"

#include "gridsplit/read/fleet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd;
    char path[64];
    gs_fuzz_file(&fd, data, size, path, sizeof path);
    gs_fleet *f = NULL;
    gs_error err = {0};
    if (gs_fleet_load(path, &f, &err) == 0)
        gs_fleet_free(f);
    return 0;
}
