/* fuzz_latency.c: libFuzzer harness of the latency inputs (src/read/latency.c): the input is read
 * as a region catalogue (gs_latency_regions_parse, as `latency --regions FILE` reads one) and as
 * a measured RTT matrix over the built-in catalogue (gs_latency_measured_read, `--measured FILE`).
 * Seeds in tests/fuzz/corpus/latency/. */
#include "fuzz_util.h"

#include "gridsplit/read/latency.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gs_latency_regions builtin;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/data/catalog/latency_regions.csv", gs_fuzz_src());
    gs_error err = {0};
    if (gs_latency_regions_read(path, &builtin, &err) != 0) {
        fprintf(stderr, "fuzz_latency: %s: %s\n", path, err.message);
        exit(1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gs_latency_regions regs;
    memset(&regs, 0, sizeof regs);
    gs_error err = {0};
    if (gs_latency_regions_parse((const char *)data, size, "fuzz", &regs, &err) == 0)
        gs_latency_regions_free(&regs);
    static int fd;
    char path[64];
    gs_fuzz_file(&fd, data, size, path, sizeof path);
    gs_latency_measured m;
    memset(&m, 0, sizeof m);
    gs_error e2 = {0};
    if (gs_latency_measured_read(path, &builtin, NULL, &m, &e2) == 0)
        gs_latency_measured_free(&m);
    return 0;
}
