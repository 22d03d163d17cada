/* bench_sim: one year at 5-minute steps for 100 sites and 1,000 clusters (500 training with
 * 12 runs each, 500 inference serving 10 services x 20 regions across time zones).
 * Times: the simulation with its summary statistics and the per-site hourly CSV, on one core;
 * then the full per-step CSV against a plain write of the same number of bytes, both flushed to
 * the disk with fsync (disk speed).
 * Prints peak memory (max RSS). Usage: bench_sim [OUTDIR] (default /tmp). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "gridsplit/fleet.h"
#include "gridsplit/load.h"
#include "gridsplit/sim.h"
#include "gridsplit/write/sim.h"
#include "gridsplit/read/tz.h"

#define NSITES 100
#define NCLUSTERS 1000
#define NSERVICES 10
#define NREGIONS 20
#define RUNS_PER 12
#define T0 1704067200LL /* 2024-01-01 */
#define YEAR (366LL * 86400)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static const char *TZS[] = {"America/New_York", "America/Chicago", "America/Los_Angeles",
                            "Europe/London",    "Europe/Berlin",   "Asia/Singapore",
                            "Asia/Tokyo",       "Australia/Sydney", "America/Sao_Paulo",
                            "Asia/Kolkata"};

static gs_fleet *make_fleet(void)
{
    gs_fleet *f = calloc(1, sizeof *f);
    snprintf(f->name, sizeof f->name, "bench");
    f->ngpus = 1;
    f->gpus = calloc(1, sizeof *f->gpus);
    f->gpus[0] = (gs_gpu){"H100", 700, 72, 575, 230, "bench"};
    f->nzones = 1;
    f->zones = calloc(1, sizeof *f->zones);
    snprintf(f->zones[0].id, sizeof f->zones[0].id, "Z");
    f->nsites = NSITES;
    f->sites = calloc(NSITES, sizeof *f->sites);
    for (int s = 0; s < NSITES; s++) {
        gs_site *st = &f->sites[s];
        snprintf(st->id, sizeof st->id, "site-%03d", s);
        snprintf(st->tz, sizeof st->tz, "%s", TZS[s % 10]);
        st->pue = 1.2;
        if (s % 3 == 0) {
            st->pue_kind = GS_PUE_MONTHLY;
            for (int m = 0; m < 12; m++)
                st->pue_monthly[m] = 1.1 + 0.01 * m;
        }
        st->lat = -40 + s * 0.8;
        st->lon = -170 + s * 3.4;
    }
    f->nclusters = NCLUSTERS;
    f->clusters = calloc(NCLUSTERS, sizeof *f->clusters);
    f->nruns = NCLUSTERS / 2 * RUNS_PER;
    f->runs = calloc(f->nruns, sizeof *f->runs);
    size_t r = 0;
    for (int c = 0; c < NCLUSTERS; c++) {
        gs_cluster *cl = &f->clusters[c];
        snprintf(cl->id, sizeof cl->id, "cl-%04d", c);
        cl->site = c % NSITES;
        cl->gpu = 0;
        cl->gpus = 4096;
        cl->utilisation = 0.85;
        cl->cls = c % 2 ? GS_INFERENCE : GS_TRAINING;
        cl->service = c % 2 ? (c / 2) % NSERVICES : -1;
        if (cl->cls == GS_TRAINING)
            for (int k = 0; k < RUNS_PER; k++) {
                gs_run *run = &f->runs[r++];
                snprintf(run->id, sizeof run->id, "run-%04d-%02d", c, k);
                run->cluster = c;
                run->gpus = 4096;
                run->start_s = T0 + k * 30LL * 86400 + c * 600;
                run->length_s = 28.0 * 86400;
                run->utilisation = -1;
                run->ckpt_interval_s = 10800;
                run->ckpt_duration_s = 300;
                run->ckpt_power_frac = 0.3;
                run->tier = 0.9;
            }
    }
    f->nservices = NSERVICES;
    f->services = calloc(NSERVICES, sizeof *f->services);
    for (int v = 0; v < NSERVICES; v++) {
        gs_service *sv = &f->services[v];
        snprintf(sv->id, sizeof sv->id, "svc-%d", v);
        sv->peak_requests_per_s = 100000;
        sv->energy_per_request_j = 50;
        sv->requests_per_s_per_gpu = 10;
        sv->floor_frac = 0.1;
        sv->headroom_frac = 0.15;
        sv->shape = (gs_shape){15, 4, 1.5, 0.85, 0.2};
        sv->nregions = NREGIONS;
        sv->regions = calloc(NREGIONS, sizeof *sv->regions);
        for (int g = 0; g < NREGIONS; g++) {
            gs_region *re = &sv->regions[g];
            snprintf(re->id, sizeof re->id, "r-%d-%d", v, g);
            snprintf(re->tz, sizeof re->tz, "%s", TZS[g % 10]);
            re->share = 1.0 / NREGIONS;
            /* sites of service v are the inference clusters c with (c/2) % 10 == v */
            int c = 2 * (v + NSERVICES * (g % (NCLUSTERS / 2 / NSERVICES))) + 1;
            re->site = f->clusters[c].site;
        }
    }
    return f;
}

static long max_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

/* Flush a written file to the disk, so both writes below are timed to the device. */
static void sync_file(const char *p)
{
    int fd = open(p, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    gs_fleet *f = make_fleet();
    gs_error err = {0};
    char path[1024];

    double t0 = now();
    gs_sim_tz tz;
    if (gs_sim_tz_load(f, T0, T0 + YEAR, &tz, &err) < 0) {
        fprintf(stderr, "tz: %s\n", err.message);
        return 1;
    }
    gs_sim_opts o = {.from_s = T0, .to_s = T0 + YEAR, .step_s = 300};
    gs_sim_result *r = NULL;
    if (gs_simulate(f, &tz, &o, &r, &err) < 0) {
        fprintf(stderr, "simulate: %s\n", err.message);
        return 1;
    }
    double t1 = now();
    snprintf(path, sizeof path, "%s/bench_sim_hourly.csv", dir);
    if (gs_write_load_csv(f, r, 3600, path, &err) < 0) {
        fprintf(stderr, "csv: %s\n", err.message);
        return 1;
    }
    snprintf(path, sizeof path, "%s/bench_sim_summary.json", dir);
    gs_write_summary_json(f, r, path, &err);
    double t2 = now();
    printf("sites %d, clusters %d, runs %zu, regions %d, steps %zu\n", NSITES, NCLUSTERS, f->nruns,
           NSERVICES * NREGIONS, r->nsteps);
    printf("simulate + summary stats:           %.3f s\n", t1 - t0);
    printf("per-site hourly CSV + summary.json: %.3f s\n", t2 - t1);
    printf("total (target < 2 s):               %.3f s\n", t2 - t0);

    /* full per-step CSV vs a plain write of as many bytes */
    snprintf(path, sizeof path, "%s/bench_sim_full.csv", dir);
    double t3 = now();
    if (gs_write_load_csv(f, r, 0, path, &err) < 0) {
        fprintf(stderr, "csv: %s\n", err.message);
        return 1;
    }
    sync_file(path);
    double t4 = now();
    long bytes = file_size(path);
    remove(path);
    snprintf(path, sizeof path, "%s/bench_sim_plain.bin", dir);
    FILE *pf = fopen(path, "wb");
    static char block[1 << 20];
    memset(block, 'x', sizeof block);
    double t5 = now();
    for (long left = bytes; left > 0; left -= (long)sizeof block)
        fwrite(block, 1, left < (long)sizeof block ? (size_t)left : sizeof block, pf);
    fflush(pf);
    fsync(fileno(pf));
    fclose(pf);
    double t6 = now();
    remove(path);
    printf("full per-step CSV + fsync: %.1f MB in %.3f s (%.0f MB/s); plain write + fsync of the "
           "same bytes %.3f s (%.0f MB/s); ratio %.2f\n",
           bytes / 1e6, t4 - t3, bytes / 1e6 / (t4 - t3), t6 - t5, bytes / 1e6 / (t6 - t5),
           (t4 - t3) / (t6 - t5));
    printf("peak memory (max RSS): %ld MB (target < 1024)\n", max_rss_mb());
    gs_sim_result_free(r);
    gs_sim_tz_free(f, &tz);
    gs_fleet_free(f);
    return 0;
}
