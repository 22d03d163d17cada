/* fuzz_netcost.c: libFuzzer harness of the network cost inputs of `route` (gs_netcost_read,
 * src/read/netcost.c; --net-prices MATRIX --net-places PLACES): the input is read as a price
 * matrix over the places of the built-in catalogue (data/catalog/latency_regions.csv), and, when
 * it holds a form feed (\f), as a places file (before it) with a matrix (after it). Seeds in
 * tests/fuzz/corpus/netcost/. */
#include "fuzz_util.h"

#include "gridsplit/read/netcost.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char catalogue[1024];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    snprintf(catalogue, sizeof catalogue, "%s/data/catalog/latency_regions.csv", gs_fuzz_src());
    if (access(catalogue, R_OK) != 0) {
        perror(catalogue);
        exit(1);
    }
    return 0;
}

/* one read of matrix over places; a warning buffer as `route` passes one */
static void read_one(const char *matrix, const char *places)
{
    gs_netcost *nc = NULL;
    char warning[512];
    gs_error err = {0};
    if (gs_netcost_read(matrix, places, &nc, warning, sizeof warning, &err) == 0)
        gs_netcost_free(nc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd_all, fd_places, fd_matrix;
    char path[64], ppath[64], mpath[64];
    gs_fuzz_file(&fd_all, data, size, path, sizeof path);
    read_one(path, catalogue);
    const uint8_t *ff = memchr(data, '\f', size);
    if (ff) {
        size_t np = (size_t)(ff - data);
        gs_fuzz_file(&fd_places, data, np, ppath, sizeof ppath);
        gs_fuzz_file(&fd_matrix, ff + 1, size - np - 1, mpath, sizeof mpath);
        read_one(mpath, ppath);
    }
    return 0;
}
