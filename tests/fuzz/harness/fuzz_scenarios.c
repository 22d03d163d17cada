/* fuzz_scenarios.c: libFuzzer harness of the scenario file reader of `gridsplit scenarios
 * --scenario FILE` (gs_scen_file_load, src/read/scenarios_in.c; docs/scenarios.md): the input is
 * a user's scenario file, read as a file (a memory file) into the built-in catalogue (loaded
 * once; the file's scenarios are dropped again after each input). What it adds is evaluated as
 * the command's table does (gs_scen_index, src/econ/scenarios.c) from the first years --from-year
 * allows (1990, 2025, 2100) over the 50 years --years allows: each index must be finite and not
 * negative. Seeds in tests/fuzz/corpus/scenarios/. */
#include "fuzz_util.h"

#include <math.h>

#include "gridsplit/read/scenarios.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gs_scen_catalog *cat;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gs_error err = {0};
    if (gs_scen_catalog_load(&cat, &err) != 0) {
        fprintf(stderr, "fuzz_scenarios: the built-in catalogue: %s\n", err.message);
        exit(1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd;
    char path[64];
    gs_fuzz_file(&fd, data, size, path, sizeof path);
    size_t first = 0, count = 0, n0 = cat->n;
    gs_error err = {0};
    int rc = gs_scen_file_load(cat, path, &first, &count, &err);
    if (getenv("GS_FUZZ_VERBOSE")) /* what the reader said, to check the seeds */
        fprintf(stderr, "scenarios: %d %s\n", rc, err.message);
    if (rc != 0) {
        if (cat->n != n0) {
            fprintf(stderr, "fuzz_scenarios: a refused file left %zu scenarios\n", cat->n - n0);
            abort();
        }
        return 0;
    }
    static const int FROM[] = {1990, 2025, 2100};
    for (size_t i = first; i < first + count; i++)
        for (size_t b = 0; b < sizeof FROM / sizeof FROM[0]; b++)
            for (int y = FROM[b]; y < FROM[b] + 50; y++) {
                double idx[GS_NCLASS];
                gs_scen_index(cat->set, cat->n, i, FROM[b], y, idx);
                for (int k = 0; k < GS_NCLASS; k++)
                    if (!(isfinite(idx[k]) && idx[k] >= 0)) {
                        fprintf(stderr, "fuzz_scenarios: scenario '%s' (%s), from %d: the "
                                "%s index of %d is %g\n", cat->set[i].id,
                                gs_scen_form_name(cat->set[i].form), FROM[b],
                                k == GS_TRAINING ? "training" : "inference", y, idx[k]);
                        abort();
                    }
            }
    cat->n = n0; /* the next input starts from the catalogue alone */
    return 0;
}
