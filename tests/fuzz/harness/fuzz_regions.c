/* fuzz_regions.c: libFuzzer harness of the lists `regions` reads (src/read/population.c): the
 * input is read as a city list (gs_cities_read, `regions CITIES`) and as an adoption list
 * (gs_adoption_read, `--adoption FILE`). Seeds in tests/fuzz/corpus/regions/. */
#include "fuzz_util.h"

#include "gridsplit/read/regions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd;
    char path[64];
    gs_fuzz_file(&fd, data, size, path, sizeof path);
    gs_cities c;
    memset(&c, 0, sizeof c);
    gs_error err = {0};
    if (gs_cities_read(path, &c, &err) == 0)
        gs_cities_free(&c);
    gs_adoption *a = NULL;
    size_t n = 0;
    gs_error e2 = {0};
    if (gs_adoption_read(path, &a, &n, &e2) == 0)
        free(a);
    return 0;
}
