/* fuzz_import_eia930.c: libFuzzer harness of the EIA-930 importer (format "eia930", cleaned and
 * raw columns; src/read/import.c, the reader gs_eia930_load uses for each file;
 * tests/fuzz/harness/import_common.h). Seeds in tests/fuzz/corpus/import_eia930/. */
#define GS_FUZZ_FORMATS {"eia930", "eia930"}
#define GS_FUZZ_COLUMNS {NULL, "raw"}
#include "import_common.h"
