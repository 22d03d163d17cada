/* bench_headroom.c: two benchmarks of `gridsplit headroom`.
 *
 * 1. The solve: gs_headroom_solve over the 22 large US balancing authorities x 2016-2024 x 4
 *    curtailment rates, the data loaded (and gap-filled) first so only the solve is timed.
 *    Target: < 1 s for the whole table.
 * 2. The whole command against numpy: `gridsplit headroom --csv` on the six-zone CSV files (the
 *    EIA's own hourly demand of PJM, MISO, ERCOT, SPP, CAISO and NYISO, 2020-2024, 43,848 hours
 *    each, as the 2025 release keeps it in original_eia_files/, raw, so that the full cleaning
 *    rule runs), once over the six files as numpy runs (`--csv F1 ... --csv F6`: the target's
 *    ratio) and one process per file, against bench/headroom_numpy.py (the same method in numpy,
 *    docs/headroom.md) run once over all six files. Both read the same
 *    plain CSV copies (decompressed first, into a temporary folder). Rounds alternate which
 *    goes first; each round gives a ratio of wall-clock times and one of CPU times (user +
 *    system of the child processes), reported as a range over the rounds since the machine is
 *    shared. The first round also checks that both give the same headroom (to 0.1 MW) and the
 *    same cleaned hours. Target: gridsplit at least 20x faster.
 * 3. Where a run of part 2 goes: the command's steps on the same six files in this process
 *    (read the CSV, bin it into hours, clean, solve), each the best of the repeats, as a mean
 *    and range over the zones. Not a target; what is not there is the program's start and exit
 *    (`perf stat build/gridsplit --version`) and the output.
 *
 * bench_headroom --dump DIR [EIA930_DIR] writes the 22 series of part 1 (the releases' cleaned
 * column, 2016-2024, as `gridsplit headroom --eia930` reads them) to DIR/<zone>.csv
 * ("time,demand (MW)"), for bench/headroom_numpy.py --fill-only (docs/headroom.md).
 *
 * Usage: bench_headroom [EIA930_DIR] [REPEATS] (default $GS_SHARED/data/eia930, else
 * ../shared/... from the project root or ../../shared/... from a build folder; 5 repeats of the
 * solve and 5 rounds of the comparison). The comparison needs gridsplit beside this program,
 * bench/headroom_numpy.py (found from the project root or a build folder, or $GS_SRC/bench) and
 * a python with numpy ($PYTHON, default Debian's /usr/bin/python3 with python3-numpy); it is
 * skipped, saying why, when one is missing. Exit status: 1 when the solve misses its target or
 * the two implementations disagree; the ratio is reported, not enforced (the machine's load
 * moves it). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "gridsplit/headroom.h"
#include "gridsplit/time.h"
#include "gridsplit/read/eia930.h"
#include "gridsplit/read/import.h"
#include "read/reader.h"

extern char **environ;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- 1. the solve over the 22 balancing authorities ---- */

/* Write one series as CSV: UTC time, value. */
static int dump_series(const char *path, const gs_series *s)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "time,demand (MW)\n");
    for (size_t i = 0; i < s->n; i++) {
        char t[32];
        gs_format_time(s->start_s + (int64_t)i * s->step_s, t);
        t[19] = '\0'; /* YYYY-MM-DDTHH:MM:SS, UTC */
        fprintf(f, "%s,%.17g\n", t, s->v[i]);
    }
    return fclose(f);
}

static int bench_solve(const char *dir, int repeats, const char *dump)
{
    size_t nb;
    const char *const *bas = gs_eia930_default_bas(&nb);
    gs_series *s[64] = {0};
    double t0 = now_s();
    size_t hours = 0;
    for (size_t i = 0; i < nb; i++) {
        gs_eia930_opts o = {.dir = dir, .ba = bas[i], .year_from = 2016, .year_to = 2024};
        gs_eia930_info info;
        gs_error err = {0};
        if (gs_eia930_load(&o, &s[i], &info, &err) ||
            gs_demand_clean(s[i], &(gs_clean_opts){.only_missing = 1}, NULL, &err)) {
            char buf[2048];
            gs_error_format(&err, buf, sizeof buf);
            fprintf(stderr, "bench_headroom: %s: %s (skipped: no data)\n", bas[i], buf);
            for (size_t k = 0; k <= i; k++)
                gs_series_free(s[k]);
            return 0;
        }
        hours += s[i]->n;
        char path[1100];
        snprintf(path, sizeof path, "%s/%s.csv", dump ? dump : "", bas[i]);
        if (dump && dump_series(path, s[i]) != 0) {
            fprintf(stderr, "bench_headroom: cannot write %s\n", path);
            return 1;
        }
    }
    if (dump) {
        printf("bench_headroom: %zu zones written to %s\n", nb, dump);
        for (size_t i = 0; i < nb; i++)
            gs_series_free(s[i]);
        return 0;
    }
    double t_load = now_s() - t0;
    double rates[] = {0.25, 0.5, 1, 5};
    double best = 1e9, sum = 0, total_gw = 0;
    for (int r = 0; r < repeats; r++) {
        double a = now_s();
        total_gw = 0;
        for (size_t i = 0; i < nb; i++) {
            gs_headroom h;
            gs_error err = {0};
            if (gs_headroom_solve(s[i], rates, 4, &h, &err)) {
                fprintf(stderr, "bench_headroom: %s: %s\n", bas[i], err.message);
                return 1;
            }
            total_gw += h.results[0].headroom_mw / 1000;
        }
        double dt = now_s() - a;
        sum += dt;
        if (dt < best)
            best = dt;
    }
    printf("bench_headroom: %zu zones, %zu hours (2016-2024), 4 rates\n", nb, hours);
    printf("  load (read + join + fill, not the target): %.3f s\n", t_load);
    printf("  solve, all zones x 4 rates: best %.4f s, mean %.4f s over %d repeats (target < 1 s)\n",
           best, sum / repeats, repeats);
    printf("  check: total headroom at 0.25 %% = %.1f GW\n", total_gw);
    for (size_t i = 0; i < nb; i++)
        gs_series_free(s[i]);
    return best < 1.0 ? 0 : 1;
}

/* ---- 2. the whole command against the numpy script ---- */

#define NZ 6
static const char *const six[NZ] = {"PJM", "MISO", "ERCO", "SWPP", "CISO", "NYIS"};
#define COLUMN "demand (MW)"

/* Copy a (compressed) CSV to a plain one. */
static int decompress(const char *from, const char *to)
{
    gs_error err = {0};
    gs__reader *r = gs__reader_open(from, &err);
    if (!r)
        return -1;
    FILE *f = fopen(to, "w");
    int rc = f ? 0 : -1;
    char *line;
    size_t len;
    int k;
    while (rc == 0 && (k = gs__reader_line(r, &line, &len, &err)) == 1)
        if (fwrite(line, 1, len, f) != len || fputc('\n', f) == EOF)
            rc = -1;
    if (rc == 0 && k < 0)
        rc = -1;
    gs__reader_close(r);
    if (f && fclose(f) != 0)
        rc = -1;
    return rc;
}

/* Run argv with standard output to out (NULL: /dev/null) and standard error to /dev/null; the
 * exit status, the wall-clock seconds and the CPU seconds (user + system) of the child. */
static int run(char *const argv[], const char *out, double *wall, double *cpu)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    double a = now_s();
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0)
        return -1;
    *wall = now_s() - a;
    *cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The results of both programs agree: headroom at every rate to 0.1 MW (both round to 0.1 MW
 * at most), the same cleaned hours and curtailed hours to 0.01 h a year. 1 if they do. */
/* gs_json: one file per zone, or (multi != NULL) one file holding the array of the six */
static int agree(const char *np_json, char gs_json[NZ][1100], const char *multi)
{
    json_error_t je;
    json_t *np = json_load_file(np_json, 0, &je);
    json_t *all = multi ? json_load_file(multi, 0, &je) : NULL;
    int ok = np && json_is_array(np) && json_array_size(np) == NZ &&
             (!multi || (json_is_array(all) && json_array_size(all) == NZ));
    for (size_t z = 0; ok && z < NZ; z++) {
        json_t *g = multi ? json_incref(json_array_get(all, z)) : json_load_file(gs_json[z], 0, &je),
               *n = json_array_get(np, z);
        json_t *gr = json_object_get(g, "results"), *nr = json_object_get(n, "results");
        ok = g && json_array_size(gr) == 4 && json_array_size(nr) == 4 &&
             json_integer_value(json_object_get(g, "cleaned_hours")) ==
                 json_integer_value(json_object_get(n, "cleaned_hours"));
        for (size_t k = 0; ok && k < 4; k++) {
            json_t *a = json_array_get(gr, k), *b = json_array_get(nr, k);
            double la = json_number_value(json_object_get(a, "headroom_mw")),
                   lb = json_number_value(json_object_get(b, "headroom_mw")),
                   ha = json_number_value(json_object_get(a, "curtailed_hours_per_year")),
                   hb = json_number_value(json_object_get(b, "curtailed_hours_per_year"));
            ok = fabs(la - lb) <= 0.1 && fabs(ha - hb) <= 0.01;
            if (!ok)
                fprintf(stderr, "bench_headroom: %s at rate %zu: gridsplit %.1f MW, %.2f h; "
                                "numpy %.1f MW, %.2f h\n",
                        six[z], k, la, ha, lb, hb);
        }
        json_decref(g);
    }
    json_decref(np);
    json_decref(all);
    return ok;
}

/* Part 3: the steps of `headroom --csv FILE --column COLUMN` in process, as
 * src/cli/cmd_headroom.c takes them (its options: a power in MW, spike factor 2). */
static int bench_steps(char csv[NZ][1100], int repeats)
{
    static const char *const step[4] = {"read the CSV", "hourly series", "clean", "solve"};
    double best[NZ][4];
    for (int z = 0; z < NZ; z++) {
        for (int k = 0; k < 4; k++)
            best[z][k] = 1e9;
        for (int r = 0; r < repeats; r++) {
            gs_import_opts io = {.format = "csv", .quantity = GS_QTY_POWER_MW,
                                 .value_column = COLUMN};
            gs_points *p = NULL;
            gs_series *s = NULL;
            gs_demand_changes ch = {0};
            gs_headroom h;
            gs_error err = {0};
            double rates[] = {0.25, 0.5, 1, 5}, t[5];
            t[0] = now_s();
            int rc = gs_import_points(csv[z], &io, &p, &err);
            t[1] = now_s();
            if (rc == 0)
                rc = gs_demand_from_points(p, 0, 0, &s, &err);
            gs_points_free(p);
            t[2] = now_s();
            if (rc == 0)
                rc = gs_demand_clean(s, &(gs_clean_opts){.spike_factor = 2}, &ch, &err);
            t[3] = now_s();
            if (rc == 0)
                rc = gs_headroom_solve(s, rates, 4, &h, &err);
            t[4] = now_s();
            gs_demand_changes_free(&ch);
            gs_series_free(s);
            if (rc) {
                fprintf(stderr, "bench_headroom: %s: %s\n", csv[z], err.message);
                return 1;
            }
            for (int k = 0; k < 4; k++)
                if (t[k + 1] - t[k] < best[z][k])
                    best[z][k] = t[k + 1] - t[k];
        }
    }
    printf("  in process, a zone (best of %d; mean, range over the %d zones):", repeats, NZ);
    for (int k = 0; k < 4; k++) {
        double lo = 1e9, hi = 0, sum = 0;
        for (int z = 0; z < NZ; z++) {
            sum += best[z][k];
            lo = best[z][k] < lo ? best[z][k] : lo;
            hi = best[z][k] > hi ? best[z][k] : hi;
        }
        printf("%s %s %.2f ms (%.2f-%.2f)", k ? "," : "", step[k], 1e3 * sum / NZ, 1e3 * lo,
               1e3 * hi);
    }
    printf("\n");
    return 0;
}

static int bench_vs_numpy(const char *dir, const char *self, int rounds)
{
    /* the programs */
    char gridsplit[1100], script[1100], orig[1200];
    const char *slash = strrchr(self, '/');
    snprintf(gridsplit, sizeof gridsplit, "%.*sgridsplit", slash ? (int)(slash - self + 1) : 0,
             self);
    const char *py = getenv("PYTHON") ? getenv("PYTHON") : "/usr/bin/python3";
    const char *src = getenv("GS_SRC");
    const char *cands[] = {"bench/headroom_numpy.py", "../bench/headroom_numpy.py"};
    script[0] = '\0';
    if (src)
        snprintf(script, sizeof script, "%s/bench/headroom_numpy.py", src);
    for (size_t i = 0; i < 2 && !is_file(script); i++)
        snprintf(script, sizeof script, "%s", cands[i]);
    printf("bench_headroom: gridsplit headroom --csv against numpy, %d zones\n", NZ);
    double w, c;
    char *probe[] = {(char *)py, "-c", "import numpy", NULL};
    const char *why = !is_file(gridsplit) ? "no gridsplit beside bench_headroom"
                      : !is_file(script) ? "bench/headroom_numpy.py not found (run from the "
                                           "project root or a build folder, or set GS_SRC)"
                      : run(probe, NULL, &w, &c) != 0 ? "no python with numpy (PYTHON, default "
                                                        "/usr/bin/python3: apt-get install "
                                                        "python3-numpy)"
                                                      : NULL;
    for (int z = 0; !why && z < NZ; z++) {
        snprintf(orig, sizeof orig, "%s/release_2025_Jan_include_subregions/original_eia_files/"
                                    "%s.csv.zst", dir, six[z]);
        if (!is_file(orig))
            why = "the EIA-930 2025 release's original_eia_files are missing";
    }
    if (why) {
        printf("  skipped: %s\n", why);
        return 0;
    }
    char tmp[] = "/tmp/bench_headroom.XXXXXX";
    if (!mkdtemp(tmp)) {
        perror("bench_headroom: mkdtemp");
        return 1;
    }
    char csv[NZ][1100], gs_json[NZ][1100], np_json[1100], gs_all_json[1100];
    for (int z = 0; z < NZ; z++) {
        snprintf(orig, sizeof orig, "%s/release_2025_Jan_include_subregions/original_eia_files/"
                                    "%s.csv.zst", dir, six[z]);
        snprintf(csv[z], sizeof csv[z], "%s/%s.csv", tmp, six[z]);
        snprintf(gs_json[z], sizeof gs_json[z], "%s/%s.json", tmp, six[z]);
        if (decompress(orig, csv[z]) != 0) {
            fprintf(stderr, "bench_headroom: cannot copy %s to %s\n", orig, csv[z]);
            return 1;
        }
    }
    snprintf(np_json, sizeof np_json, "%s/numpy.json", tmp);
    snprintf(gs_all_json, sizeof gs_all_json, "%s/gridsplit-six.json", tmp);
    /* gridsplit once over the six files, as numpy runs: --csv F1 ... --csv F6 */
    char *all_argv[8 + 2 * NZ] = {gridsplit, "headroom"};
    int na = 2;
    for (int z = 0; z < NZ; z++) {
        all_argv[na++] = "--csv";
        all_argv[na++] = csv[z];
    }
    all_argv[na++] = "--column";
    all_argv[na++] = COLUMN;
    all_argv[na++] = "--format";
    all_argv[na++] = "json";
    all_argv[na] = NULL;
    char *np_argv[4 + NZ] = {(char *)py, script};
    for (int z = 0; z < NZ; z++)
        np_argv[2 + z] = csv[z];
    /* per round: numpy once over the six files, gridsplit once per file, numpy once per file;
     * the order turns from round to round */
    double r_wall[64], r_cpu[64], r_each[64], gs_wall[64], gs_cpu[64], py_wall[64], py_cpu[64];
    double r1_wall[64], r1_cpu[64], g1_wall[64], g1_cpu[64];
    if (rounds > 64)
        rounds = 64;
    int ok = 1;
    for (int r = 0; r < rounds && ok; r++) {
        double gw = 0, gc = 0, pw = 0, pc = 0, ew = 0, ec = 0, aw = 0, ac = 0;
        for (int pass = 0; pass < 4 && ok; pass++) {
            int who = (pass + r) % 4;
            if (who == 3) {
                ok = run(all_argv, r == 0 ? gs_all_json : NULL, &aw, &ac) == 0;
                if (!ok)
                    fprintf(stderr, "bench_headroom: gridsplit headroom over the six failed\n");
                continue;
            }
            if (who == 0) {
                ok = run(np_argv, r == 0 ? np_json : NULL, &pw, &pc) == 0;
                if (!ok)
                    fprintf(stderr, "bench_headroom: %s %s failed\n", py, script);
                continue;
            }
            for (int z = 0; z < NZ && ok; z++) {
                char *gs_argv[] = {gridsplit, "headroom", "--csv", csv[z], "--column", COLUMN,
                                   NULL};
                char *one_argv[] = {(char *)py, script, csv[z], NULL};
                ok = run(who == 1 ? gs_argv : one_argv, who == 1 && r == 0 ? gs_json[z] : NULL,
                         &w, &c) == 0;
                if (!ok)
                    fprintf(stderr, "bench_headroom: %s on %s failed\n",
                            who == 1 ? "gridsplit headroom --csv" : script, csv[z]);
                if (who == 1)
                    gw += w, gc += c;
                else
                    ew += w, ec += c;
            }
        }
        if (ok && r == 0 && !(ok = agree(np_json, gs_json, NULL)))
            fprintf(stderr, "bench_headroom: numpy and gridsplit disagree\n");
        if (ok && r == 0 && !(ok = agree(np_json, gs_json, gs_all_json)))
            fprintf(stderr, "bench_headroom: numpy and gridsplit over the six disagree\n");
        r1_wall[r] = pw / aw;
        r1_cpu[r] = pc / ac;
        g1_wall[r] = aw;
        g1_cpu[r] = ac;
        gs_wall[r] = gw, gs_cpu[r] = gc, py_wall[r] = pw, py_cpu[r] = pc;
        r_wall[r] = pw / gw;
        r_cpu[r] = pc / gc;
        r_each[r] = ew / gw;
        if (ok)
            printf("  round %d: numpy %.3f s (cpu %.3f s); gridsplit once over the six %.3f s "
                   "(cpu %.3f s): %.1fx wall, %.1fx cpu; gridsplit x %d: %.3f s (cpu %.3f s): "
                   "%.1fx wall, %.1fx cpu; numpy x %d: %.3f s (cpu %.3f s): %.1fx wall\n",
                   r + 1, pw, pc, aw, ac, r1_wall[r], r1_cpu[r], NZ, gw, gc, r_wall[r], r_cpu[r],
                   NZ, ew, ec, r_each[r]);
    }
    if (ok && bench_steps(csv, rounds) != 0)
        ok = 0;
    for (int z = 0; z < NZ; z++) {
        unlink(csv[z]);
        unlink(gs_json[z]);
    }
    unlink(np_json);
    unlink(gs_all_json);
    rmdir(tmp);
    if (!ok)
        return 1;
    qsort(r1_wall, (size_t)rounds, sizeof *r1_wall, cmp_double);
    qsort(r1_cpu, (size_t)rounds, sizeof *r1_cpu, cmp_double);
    qsort(g1_wall, (size_t)rounds, sizeof *g1_wall, cmp_double);
    qsort(g1_cpu, (size_t)rounds, sizeof *g1_cpu, cmp_double);
    qsort(r_wall, (size_t)rounds, sizeof *r_wall, cmp_double);
    qsort(r_cpu, (size_t)rounds, sizeof *r_cpu, cmp_double);
    qsort(r_each, (size_t)rounds, sizeof *r_each, cmp_double);
    qsort(gs_wall, (size_t)rounds, sizeof *gs_wall, cmp_double);
    qsort(py_wall, (size_t)rounds, sizeof *py_wall, cmp_double);
    qsort(gs_cpu, (size_t)rounds, sizeof *gs_cpu, cmp_double);
    qsort(py_cpu, (size_t)rounds, sizeof *py_cpu, cmp_double);
    printf("  numpy %.2f-%.2f s (cpu %.2f-%.2f s); gridsplit %.3f-%.3f s (cpu %.3f-%.3f s) for "
           "the %d files, %.0f-%.0f ms a file\n",
           py_wall[0], py_wall[rounds - 1], py_cpu[0], py_cpu[rounds - 1], gs_wall[0],
           gs_wall[rounds - 1], gs_cpu[0], gs_cpu[rounds - 1], NZ, 1e3 * gs_wall[0] / NZ,
           1e3 * gs_wall[rounds - 1] / NZ);
    printf("  the whole command once over the six files, as numpy runs (headroom --csv F1 ... "
           "--csv F6): %.3f-%.3f s (cpu %.3f-%.3f s); ratio over %d rounds %.1f-%.1fx wall-clock "
           "(median %.1fx), %.1f-%.1fx cpu (median %.1fx); target >= 20x: %s\n",
           g1_wall[0], g1_wall[rounds - 1], g1_cpu[0], g1_cpu[rounds - 1], rounds, r1_wall[0],
           r1_wall[rounds - 1], r1_wall[rounds / 2], r1_cpu[0], r1_cpu[rounds - 1],
           r1_cpu[rounds / 2], r1_wall[rounds / 2] >= 20 && r1_cpu[rounds / 2] >= 20 ? "met" : "NOT MET");
    printf("  one process per file, numpy once for all files: %.1f-%.1fx wall-clock (median "
           "%.1fx), %.1f-%.1fx cpu (median %.1fx)\n",
           r_wall[0], r_wall[rounds - 1], r_wall[rounds / 2], r_cpu[0],
           r_cpu[rounds - 1], r_cpu[rounds / 2]);
    printf("  ratio with numpy run once per file as well: %.1f-%.1fx wall-clock (median %.1fx)\n",
           r_each[0], r_each[rounds - 1], r_each[rounds / 2]);
    printf("  check: same headroom (0.1 MW) and cleaned hours from both\n");
    return 0;
}

int main(int argc, char **argv)
{
    char dir[1024];
    const char *shared = getenv("GS_SHARED");
    const char *dump = NULL;
    char *self = argv[0];
    if (argc > 2 && strcmp(argv[1], "--dump") == 0) {
        dump = argv[2];
        if (mkdir(dump, 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, "bench_headroom: %s: %s\n", dump, strerror(errno));
            return 1;
        }
        argc -= 2;
        argv += 2;
    }
    snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : "");
    if (argc <= 1) {
        /* $GS_SHARED, else ../shared from the project root or ../../shared from a build dir */
        struct stat st;
        snprintf(dir, sizeof dir, "%s/data/eia930", shared ? shared : "../shared");
        if (!shared && stat(dir, &st) != 0)
            snprintf(dir, sizeof dir, "../../shared/data/eia930");
    }
    int repeats = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 5;
    if (repeats < 1)
        repeats = 1;
    int rc = bench_solve(dir, repeats, dump);
    if (dump)
        return rc;
    int rc2 = bench_vs_numpy(dir, self, repeats);
    return rc || rc2;
}
