/* fuzz_market.c: libFuzzer harness of the market catalogue reader (src/read/market_catalog.c):
 * the input is a user catalogue (`products:` and/or `events:`), parsed from memory into an empty
 * catalogue (gs_market_catalog_parse) and, when that reads, loaded as `markets --catalog FILE`
 * does, merged over the built-in catalogues (gs_market_catalog_load). Seeds in
 * tests/fuzz/corpus/market/. */
#include "fuzz_util.h"

#include "gridsplit/read/market.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gs_market_catalog *cat = calloc(1, sizeof *cat);
    if (!cat)
        return 0;
    gs_error err = {0};
    int rc = gs_market_catalog_parse((const char *)data, size, "fuzz", cat, &err);
    gs_market_catalog_free(cat);
    if (rc != 0)
        return 0;
    static int fd;
    char path[64];
    gs_fuzz_file(&fd, data, size, path, sizeof path);
    gs_market_catalog *merged = NULL;
    gs_error e2 = {0};
    if (gs_market_catalog_load(path, &merged, &e2) == 0)
        gs_market_catalog_free(merged);
    return 0;
}
