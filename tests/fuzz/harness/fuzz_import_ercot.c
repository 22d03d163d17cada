/* fuzz_import_ercot.c: libFuzzer harness of the ERCOT importers: day-ahead settlement point
 * prices (format "ercot-dam-spp", the hub average) and ancillary clearing prices ("ercot-dam-as",
 * REGUP) (tests/fuzz/harness/import_common.h). Seeds in tests/fuzz/corpus/import_ercot/. */
#define GS_FUZZ_FORMATS {"ercot-dam-spp", "ercot-dam-as"}
#define GS_FUZZ_COLUMNS {NULL, "REGUP"}
#include "import_common.h"
