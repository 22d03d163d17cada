/* fuzz_import_nvsmi.c: libFuzzer harness of the nvidia-smi log importer (format "nvidia-smi":
 * per-GPU logs summed per sample, and aggregated ones; tests/fuzz/harness/import_common.h).
 * Seeds in tests/fuzz/corpus/import_nvsmi/. */
#define GS_FUZZ_FORMATS {"nvidia-smi"}
#define GS_FUZZ_COLUMNS {NULL}
#include "import_common.h"
