/* fuzz_candidates.c: libFuzzer harness of the candidates reader (gs_site_file_load,
 * src/read/candidates.c; docs/site.md) and of the `regions:` file reader that `site --regions`
 * takes (gs_site_regions_load): the input is read as both. Series are not loaded. Seeds in
 * tests/fuzz/corpus/candidates/. */
#include "fuzz_util.h"

#include "gridsplit/read/site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd;
    char path[64];
    gs_fuzz_file(&fd, data, size, path, sizeof path);
    gs_site_file *f = NULL;
    gs_error err = {0};
    if (gs_site_file_load(path, &f, &err) == 0)
        gs_site_file_free(f);
    gs_region *regs = NULL;
    size_t n = 0;
    gs_error e2 = {0};
    if (gs_site_regions_load(path, &regs, &n, &e2) == 0)
        free(regs);
    return 0;
}
