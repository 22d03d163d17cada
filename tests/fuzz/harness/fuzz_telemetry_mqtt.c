/* fuzz_telemetry_mqtt.c: libFuzzer harness of one MQTT message (gs_telemetry_mqtt_message,
 * src/daemon/telemetry.c): the input's first line is the topic, the rest the payload, given as
 * an exact-size copy (no NUL after it). Seeds in tests/fuzz/corpus/telemetry_mqtt/. */
#include "fuzz_util.h"

#include <math.h>

#include "daemon/telemetry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW_S 1796644800.0 /* 2026-12-07T12:00:00Z */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t tlen = nl ? (size_t)(nl - data) : size;
    char *topic = gs_fuzz_str(data, tlen);
    size_t plen = nl ? size - tlen - 1 : 0;
    char *payload = malloc(plen ? plen : 1);
    gs_telemetry *t = gs_telemetry_new();
    if (topic && payload && t) {
        if (plen)
            memcpy(payload, nl + 1, plen);
        int rc = gs_telemetry_mqtt_message(t, topic, payload, plen, NOW_S);
        gs_telemetry_reading *r = NULL;
        size_t nr = 0;
        if (gs_telemetry_snapshot(t, &r, &nr) == 0) {
            if ((rc < 0 && nr != 0) || (rc == 0 && nr != 1))
                abort();
            for (size_t i = 0; i < nr; i++)
                if (!isfinite(r[i].watts) || r[i].watts < 0 ||
                    r[i].watts > GS_TELEMETRY_WATTS_MAX || !r[i].node[0])
                    abort();
            free(r);
        }
    }
    gs_telemetry_free(t);
    free(topic);
    free(payload);
    return 0;
}
