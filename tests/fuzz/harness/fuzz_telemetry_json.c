/* fuzz_telemetry_json.c: libFuzzer harness of the body of POST /v1/telemetry
 * (gs_telemetry_post_json, src/daemon/telemetry.c), given as an exact-size copy (no NUL after
 * it), into a fresh store of readings each time; what was recorded is then read back
 * (gs_telemetry_snapshot) and each reading checked against the documented bounds. Seeds in
 * tests/fuzz/corpus/telemetry_json/. */
#include "fuzz_util.h"

#include <math.h>

#include "daemon/telemetry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW_S 1796644800.0 /* 2026-12-07T12:00:00Z */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gs_telemetry *t = gs_telemetry_new();
    char *body = malloc(size ? size : 1);
    if (!t || !body) {
        gs_telemetry_free(t);
        free(body);
        return 0;
    }
    if (size)
        memcpy(body, data, size);
    char why[256];
    int n = gs_telemetry_post_json(t, body, size, NOW_S, why, sizeof why);
    gs_telemetry_reading *r = NULL;
    size_t nr = 0;
    if (gs_telemetry_snapshot(t, &r, &nr) == 0) {
        if (n < 0 && nr != 0)
            abort(); /* all or nothing */
        for (size_t i = 0; i < nr; i++)
            if (!isfinite(r[i].watts) || r[i].watts < 0 || r[i].watts > GS_TELEMETRY_WATTS_MAX ||
                !isfinite(r[i].at_s) || r[i].at_s < 0 ||
                r[i].at_s > NOW_S + GS_TELEMETRY_AHEAD_MAX_S || !r[i].node[0])
                abort(); /* a reading outside what the header promises was kept */
        free(r);
    }
    gs_telemetry_free(t);
    free(body);
    return 0;
}
