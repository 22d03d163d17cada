/* fuzz_import_auto.c: libFuzzer harness of the importer's format guess from the header (format
 * NULL: csv, price, carbon, eia930, ercot, nvidia-smi) and of the hourly price and carbon files
 * read as such (tests/fuzz/harness/import_common.h). Seeds in tests/fuzz/corpus/import_auto/. */
#define GS_FUZZ_FORMATS {NULL, "price", "carbon"}
#define GS_FUZZ_COLUMNS {NULL, NULL, "lca"}
#include "import_common.h"
