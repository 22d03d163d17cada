/* fuzz_sweep.c: libFuzzer harness of the sweep reader of `gridsplit sweep` (gs_sweep_load,
 * src/read/sweep_in.c; docs/sweep.md). The input is written as sweep/sweep.yaml in a temporary
 * folder whose other entries (underwrite, demo, real, scenarios, sites, events) link to those of
 * examples/, so that a sweep naming `input: ../underwrite/deal.yaml` reads the example deal and
 * the fleet it names, as the examples in examples/sweep do. What reads then makes what the command makes
 * before any case runs: the first and the last case's input files (gs_sweep_case_files, each
 * read back by libyaml: a case file must parse) and input path, and the collected fields
 * picked from a fixed result (result.json, gs_sweep_pick). No command is run. Seeds in
 * tests/fuzz/corpus/sweep/. */
#include "fuzz_util.h"

#include <sys/stat.h>
#include <yaml.h>

#include "gridsplit/read/sweep.h"
#include "read/yaml_util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const LINKS[] = {"underwrite", "demo", "real", "scenarios", "sites", "events"};
#define NLINKS (sizeof LINKS / sizeof LINKS[0])
static char dir[256];
static char sweep_dir[300], sweep_path[320], result_path[320], case_dir[320];

/* A result as `underwrite` and `simulate` write them (summary.json), cut down. */
static const char RESULT[] =
    "{\"total\": {\"npv_usd\": 1.25e9, \"irr\": {\"rate\": 0.117, \"note\": null},"
    " \"payback_years\": 7.5},\n"
    " \"sites\": [{\"id\": \"west-texas\", \"total\": {\"npv_usd\": 9.1e8},"
    " \"price_years\": [{\"year\": 2020, \"mean_usd_per_mwh\": 21.5}],"
    " \"training\": {\"cost_usd_per_mwh\": 88.25}},\n"
    "  {\"id\": \"ashburn\", \"total\": {\"npv_usd\": -3.5e7}, \"classes\": [1, \"two\", true]}],\n"
    " \"overrides_applied\": 3, \"fleet_stats\": {\"energy_mwh\": 12345.678, \"peak_mw\": 210,"
    " \"energy_cost_usd\": 4.2e5}, \"a/b\": {\"~x\": \"\\u00e9\\n\"}, \"\": [0, 1, 2]}\n";

static void cleanup(void)
{
    char p[400];
    for (size_t i = 0; i < NLINKS; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, LINKS[i]);
        unlink(p);
    }
    unlink(sweep_path);
    unlink(result_path);
    rmdir(sweep_dir);
    rmdir(case_dir);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/gs_fuzz_sweep.XXXXXX", base);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(1);
    }
    atexit(cleanup);
    char target[1024], link_path[400];
    for (size_t i = 0; i < NLINKS; i++) {
        snprintf(target, sizeof target, "%s/examples/%s", gs_fuzz_src(), LINKS[i]);
        snprintf(link_path, sizeof link_path, "%s/%s", dir, LINKS[i]);
        if (symlink(target, link_path) != 0) {
            perror("symlink");
            exit(1);
        }
    }
    /* ${GS_SHARED}: the data beside the source (the folder's own ancestors have none) */
    snprintf(target, sizeof target, "%s/../shared", gs_fuzz_src());
    if (access(target, R_OK) == 0)
        setenv("GS_SHARED", target, 0);
    snprintf(sweep_dir, sizeof sweep_dir, "%s/sweep", dir);
    snprintf(case_dir, sizeof case_dir, "%s/case", dir);
    if (mkdir(sweep_dir, 0700) != 0 || mkdir(case_dir, 0700) != 0) {
        perror("mkdir");
        exit(1);
    }
    snprintf(sweep_path, sizeof sweep_path, "%s/sweep.yaml", sweep_dir);
    snprintf(result_path, sizeof result_path, "%s/result.json", case_dir);
    FILE *fp = fopen(result_path, "w");
    if (!fp || fputs(RESULT, fp) < 0 || fclose(fp) != 0) {
        perror(result_path);
        exit(1);
    }
    return 0;
}

/* Case c's files: made, each parsed back (a case file libyaml cannot read is a bug). */
static void case_files(const gs_sweep *s, size_t c)
{
    size_t *vidx = calloc(s->naxes ? s->naxes : 1, sizeof *vidx);
    if (!vidx)
        return;
    gs_sweep_case_values(s, c, vidx);
    for (size_t a = 0; a < s->naxes; a++)
        if (vidx[a] >= s->axes[a].nvalues) {
            fprintf(stderr, "fuzz_sweep: case %zu: axis %zu value %zu of %zu\n", c, a, vidx[a],
                    s->axes[a].nvalues);
            abort();
        }
    free(vidx);
    gs_sweep_file *files = NULL;
    size_t n = 0;
    gs_error err = {0};
    if (gs_sweep_case_files(s, c, case_dir, &files, &n, &err) == 0) {
        for (size_t i = 0; i < n; i++) {
            yaml_document_t doc;
            gs_error e2 = {0};
            if (gs__yaml_load(files[i].name, files[i].text, files[i].len, 1, &doc, &e2) != 0) {
                fprintf(stderr, "fuzz_sweep: case %zu: %s does not read back: %s\n--\n%.*s\n--\n",
                        c, files[i].name, e2.message, (int)files[i].len, files[i].text);
                abort();
            }
            yaml_document_delete(&doc);
        }
        gs_sweep_files_free(files, n);
    } else if (getenv("GS_FUZZ_VERBOSE")) {
        fprintf(stderr, "case files: %s\n", err.message);
    }
    char in[GS_SWEEP_PATH_MAX * 2];
    (void)gs_sweep_case_input(s, case_dir, in, sizeof in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *fp = fopen(sweep_path, "wb");
    if (!fp) {
        perror(sweep_path);
        exit(1);
    }
    if (size && fwrite(data, 1, size, fp) != size) {
        perror(sweep_path);
        exit(1);
    }
    fclose(fp);
    gs_sweep *s = NULL;
    gs_error err = {0};
    int rc = gs_sweep_load(sweep_path, &s, &err);
    if (getenv("GS_FUZZ_VERBOSE")) /* what the reader said, to check the seeds */
        fprintf(stderr, "sweep: %d %s\n", rc, err.message);
    if (rc != 0)
        return 0;
    case_files(s, 0);
    if (s->ncases > 1)
        case_files(s, s->ncases - 1);
    gs_sweep_cell *cells = calloc(s->ncollect ? s->ncollect : 1, sizeof *cells);
    if (cells) {
        gs_error e3 = {0};
        if (gs_sweep_pick(s, result_path, cells, &e3) == 0)
            for (size_t i = 0; i < s->ncollect; i++)
                gs_sweep_cell_clear(&cells[i]);
        free(cells);
    }
    gs_sweep_free(s);
    return 0;
}
