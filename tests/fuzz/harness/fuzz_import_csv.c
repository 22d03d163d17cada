/* fuzz_import_csv.c: libFuzzer harness of the generic CSV importer (format "csv", first column
 * the time, second the value) and of `series`' resampling (tests/fuzz/harness/import_common.h).
 * Seeds in tests/fuzz/corpus/import_csv/. */
#define GS_FUZZ_FORMATS {"csv"}
#define GS_FUZZ_COLUMNS {NULL}
#include "import_common.h"
