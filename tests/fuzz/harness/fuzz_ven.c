/* fuzz_ven.c: libFuzzer harness of the OpenADR 3 objects a VTN sends the daemon's VEN
 * (src/daemon/ven.c): the input is read as a time as VTNs write it (gs_ven_time) and, when it is
 * JSON, as an EVENT object translated into the daemon's events (gs_ven_translate) with the VEN
 * set up as tests/unit/test_serve_ven.c does it (the fleet tests/serve/fleet.yaml, resource
 * lab-meter at site lab, units KW, SIMPLE levels 0.1/0.25/0.5). Every document the translation
 * makes is read back as the daemon reads it (gs_events_read_buffer); a document the daemon
 * refuses is a finding ("strict in what you send"; GS_FUZZ_VEN_STRICT=0 turns it off). Seeds in
 * tests/fuzz/corpus/ven/. */
#include "fuzz_util.h"

#include <math.h>

#include "daemon/ven.h"
#include "gridsplit/read/events.h"
#include "gridsplit/read/fleet.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW_S 1796644800.0 /* 2026-12-07T12:00:00Z */

static gs_fleet *fleet;
static gs_ven_config vc;

static double site_mw(void *ctx, int site)
{
    (void)ctx;
    return site == 0 ? 2.0 : 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/serve/fleet.yaml", gs_fuzz_src());
    gs_error err = {0};
    if (gs_fleet_load(path, &fleet, &err) != 0) {
        fprintf(stderr, "fuzz_ven: %s: %s\n", path, err.message);
        exit(1);
    }
    vc.on = true;
    snprintf(vc.ven_name, sizeof vc.ven_name, "gs-ven");
    snprintf(vc.default_site, sizeof vc.default_site, "lab");
    vc.nresources = 1;
    snprintf(vc.resources[0].resource, sizeof vc.resources[0].resource, "lab-meter");
    snprintf(vc.resources[0].site, sizeof vc.resources[0].site, "lab");
    vc.units_mw = 1e-3;
    vc.simple_levels[1] = 0.1;
    vc.simple_levels[2] = 0.25;
    vc.simple_levels[3] = 0.5;
    vc.report = true;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = gs_fuzz_str(data, size);
    if (!text)
        return 0;
    double t = 0;
    if (gs_ven_time(text, &t) && !isfinite(t))
        abort(); /* a time read must be a number */
    free(text);

    json_t *ev = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!ev)
        return 0;
    json_t **docs = NULL;
    char **ext = NULL;
    size_t n = 0;
    char why[300];
    int rc = gs_ven_translate(&vc, fleet, ev, NOW_S, site_mw, NULL, &docs, &ext, &n, why,
                              sizeof why);
    json_decref(ev);
    if (rc != 0 && n != 0)
        abort(); /* an event it cannot read gives no documents */
    /* the read-back check is a finding (GS_FUZZ_VEN_STRICT=0 turns it off to look for others) */
    const char *st = getenv("GS_FUZZ_VEN_STRICT");
    bool strict = !(st && !strcmp(st, "0"));
    for (size_t i = 0; i < n; i++) {
        char *doc = json_dumps(docs[i], JSON_COMPACT);
        if (doc) {
            gs_event *evs = NULL;
            size_t ne = 0;
            gs_error err = {0};
            gs_events_read_opts o = {.require_events = 1};
            if (gs_events_read_buffer("ven", doc, strlen(doc), fleet, &evs, &ne, &o, &err) != 0 &&
                strict) {
                fprintf(stderr, "fuzz_ven: the daemon refuses the VEN's document %s: %s\n", doc,
                        err.message);
                abort();
            }
            free(evs);
            free(doc);
        }
        json_decref(docs[i]);
        free(ext[i]);
    }
    free(docs);
    free(ext);
    return 0;
}
