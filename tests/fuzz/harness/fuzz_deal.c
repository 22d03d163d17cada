/* fuzz_deal.c: libFuzzer harness of the deal reader of `gridsplit underwrite` (gs_deal_load,
 * src/read/deal.c; docs/underwrite.md): the input is a DEAL.yaml, read as a file (a memory file)
 * over the built-in catalogue; when it reads, it is resolved against a fixed fleet
 * (gs_deal_resolve_ex: prices, classes, GPUs priced, revenue per request with the services'
 * diurnal shapes and time zones, colocation), as the command does before its engines run. The
 * fleet is the one the deal names by base name among those loaded once:
 * examples/underwrite/campus.yaml (also the fallback), examples/demo/fleet.yaml and, with
 * ../shared/data, examples/underwrite/fleet-2020-2024.yaml with its price series. No flex engine,
 * no simulation. Every resolved figure must be finite. Seeds in tests/fuzz/corpus/deal/. */
#include "fuzz_util.h"

#include <math.h>

#include "gridsplit/read/deal.h"
#include "gridsplit/read/fleet.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const FLEETS[] = {"examples/underwrite/campus.yaml",
                                     "examples/demo/fleet.yaml",
                                     "examples/underwrite/fleet-2020-2024.yaml"};
#define NFLEETS (sizeof FLEETS / sizeof FLEETS[0])
static gs_fleet *fleet[NFLEETS];

static const char *base_of(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < NFLEETS; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", gs_fuzz_src(), FLEETS[i]);
        gs_error err = {0};
        if (gs_fleet_load(path, &fleet[i], &err) != 0) {
            fprintf(stderr, "fuzz_deal: %s: %s\n", path, err.message);
            exit(1);
        }
        int has_series = 0;
        for (size_t z = 0; z < fleet[i]->nzones; z++)
            has_series |= fleet[i]->zones[z].price_ref.path[0] != '\0';
        if (has_series && gs_fleet_load_series(fleet[i], &err) != 0) {
            /* without ../shared/data: that fleet is left out (the others still run) */
            fprintf(stderr, "fuzz_deal: %s left out: %s\n", path, err.message);
            gs_fleet_free(fleet[i]);
            fleet[i] = NULL;
        }
    }
    return 0;
}

static void must_be_finite(double v, const char *what)
{
    if (!isfinite(v)) {
        fprintf(stderr, "fuzz_deal: a resolved deal holds %s = %g\n", what, v);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd;
    char path[64];
    gs_fuzz_file(&fd, data, size, path, sizeof path);
    gs_deal *d = NULL;
    gs_error err = {0};
    int rc = gs_deal_load(path, &d, &err);
    if (getenv("GS_FUZZ_VERBOSE")) /* what the reader said, to check the seeds */
        fprintf(stderr, "deal: %d %s\n", rc, err.message);
    if (rc != 0)
        return 0;
    gs_fleet *f = fleet[0];
    for (size_t i = 0; i < NFLEETS; i++)
        if (fleet[i] && !strcmp(base_of(d->fleet_path), base_of(FLEETS[i])))
            f = fleet[i];
    gs_econ_site *sites = calloc(d->nsites, sizeof *sites);
    char(*notes)[64] = calloc(d->nsites, sizeof *notes);
    gs_deal_req_note *rn = calloc(d->nsites, sizeof *rn);
    if (sites && notes && rn) {
        gs_econ_terms t;
        gs_error e2 = {0};
        rc = gs_deal_resolve_ex(d, f, sites, &t, notes, rn, &e2);
        if (getenv("GS_FUZZ_VERBOSE"))
            fprintf(stderr, "resolve: %d %s\n", rc, e2.message);
        if (rc == 0) {
            must_be_finite(t.discount_rate, "discount_rate");
            for (size_t i = 0; i < d->nsites; i++) {
                const gs_econ_site *s = &sites[i];
                for (size_t y = 0; y < s->nprice_years; y++)
                    must_be_finite(s->price_usd_per_mwh[y], "a price");
                must_be_finite(s->capacity_usd_per_mw_year, "capacity_usd_per_mw_year");
                must_be_finite(s->interconnect_usd_per_mw, "interconnect_usd_per_mw");
                must_be_finite(s->years_saved, "years_saved");
                for (int k = 0; k < GS_NCLASS; k++) {
                    const gs_econ_unit *u = &s->cls[k];
                    if (!u->present)
                        continue;
                    must_be_finite(u->utilisation, "utilisation");
                    must_be_finite(u->revenue_usd_per_gpu_hour, "revenue_usd_per_gpu_hour");
                    must_be_finite(u->facility_capex_usd_per_mw, "facility_capex_usd_per_mw");
                    if (u->colocation)
                        must_be_finite(u->colo_leased_kw, "colo_leased_kw");
                }
                if (s->req.on) {
                    must_be_finite(s->req.usd_per_request, "usd_per_request");
                    must_be_finite(s->req.growth, "demand growth");
                    for (size_t y = 0; y < s->req.nyears; y++) {
                        must_be_finite(s->req.peak_rps[y], "peak requests/s");
                        must_be_finite(s->req.mean_rps[y], "mean requests/s");
                    }
                }
            }
        }
    }
    free(rn);
    free(notes);
    free(sites);
    gs_deal_free(d);
    return 0;
}
