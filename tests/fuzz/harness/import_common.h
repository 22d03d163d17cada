/* import_common.h: the body of the importer harnesses (tests/fuzz/harness/fuzz_import_*.c): the
 * input is a file in one format, read by gs_import_points (src/read/import.c) and, when it reads,
 * turned into a regular series (at its native step unless it spans weeks) as `gridsplit series`
 * does (gs_series_from_points, src/model/series.c), with the quality report. Each harness defines
 * GS_FUZZ_FORMATS (the formats to read each input as, NULL for the header's guess) and
 * GS_FUZZ_COLUMNS (the value column for each, NULL for the default) before including this. */
#include "fuzz_util.h"

#include "gridsplit/read/import.h"
#include "gridsplit/series.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd;
    char path[64];
    gs_fuzz_file(&fd, data, size, path, sizeof path);
    static const char *const formats[] = GS_FUZZ_FORMATS;
    static const char *const columns[] = GS_FUZZ_COLUMNS;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        gs_import_opts o = {.format = formats[i], .value_column = columns[i]};
        size_t gpus = 0;
        o.gpus_out = &gpus;
        gs_points *p = NULL;
        gs_error err = {0};
        if (gs_import_points(path, &o, &p, &err) != 0)
            continue;
        /* the points' own step unless they span more than 11.6 days: then a step giving about
         * 100,000 values, so that no input costs seconds (a span of centuries at the native
         * step is up to 10 million steps; that bound is pinned by tests/e2e/fuzz_found.sh) */
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        for (size_t k = 0; k < p->n; k++) {
            lo = p->t[k] < lo ? p->t[k] : lo;
            hi = p->t[k] > hi ? p->t[k] : hi;
        }
        int64_t step_s = p->n > 1 && hi - lo > 1000000 ? (hi - lo) / 100000 + 1 : 0;
        gs_series *s = NULL;
        gs_quality q = {0};
        if (gs_series_from_points(p, 0, 0, step_s, GS_RESAMPLE_MEAN, GS_FILL_NONE, &q, &s,
                                  &err) == 0)
            gs_series_free(s);
        gs_quality_free(&q);
        gs_points_free(p);
    }
    return 0;
}
