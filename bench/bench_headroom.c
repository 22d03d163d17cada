/* bench_headroom.c: two benchmarks of `gridsplit headroom`.
 *
 * 1. The solve: gs_headroom_solve over the 22 large US balancing authorities x 2016-2024 x 4
 *    curtailment rates, the data loaded (and gap-filled) first so only the solve is timed.
 *    Target: < 1 s for the whole table.
 * 2. The whole command against numpy: `gridsplit headroom --csv` on the six-zone CSV files (the
 *    EIA's own hourly demand of PJM, MISO, ERCOT, SPP, CAISO and NYISO, 2020-2024, 43,848 hours
 *    each, as the 2025 release keeps it in original_eia_files/, raw, so that the full cleaning
 *    rule runs), one process per file as a user runs it, against bench/headroom_numpy.py (the
 *    same method in numpy, docs/headroom.md) run once over all six files. Both read the same
 *    plain CSV copies (decompressed first, into a temporary folder). Rounds alternate which
 *    goes first; each round gives a ratio of wall-clock times and one of CPU times (user +
 *    system of the child processes), reported as a range over the rounds since the machine is
 *    shared. The first round also checks that both give the same headroom (to 0.1 MW) and the
 *    same cleaned hours. Target: gridsplit at least 20x faster.
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
static int agree(const char *np_json, char gs_json[NZ][1100])
{
    json_error_t je;
    json_t *np = json_load_file(np_json, 0, &je);
    int ok = np && json_is_array(np) && json_array_size(np) == NZ;
    for (size_t z = 0; ok && z < NZ; z++) {
        json_t *g = json_load_file(gs_json[z], 0, &je), *n = json_array_get(np, z);
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
    return ok;
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
    char csv[NZ][1100], gs_json[NZ][1100], np_json[1100];
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
    char *np_argv[4 + NZ] = {(char *)py, script};
    for (int z = 0; z < NZ; z++)
        np_argv[2 + z] = csv[z];
    /* per round: numpy once over the six files, gridsplit once per file, numpy once per file;
     * the order turns from round to round */
    double r_wall[64], r_cpu[64], r_each[64], gs_wall[64], gs_cpu[64], py_wall[64], py_cpu[64];
    if (rounds > 64)
        rounds = 64;
    int ok = 1;
    for (int r = 0; r < rounds && ok; r++) {
        double gw = 0, gc = 0, pw = 0, pc = 0, ew = 0, ec = 0;
        for (int pass = 0; pass < 3 && ok; pass++) {
            int who = (pass + r) % 3;
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
        if (ok && r == 0 && !(ok = agree(np_json, gs_json)))
            fprintf(stderr, "bench_headroom: numpy and gridsplit disagree\n");
        gs_wall[r] = gw, gs_cpu[r] = gc, py_wall[r] = pw, py_cpu[r] = pc;
        r_wall[r] = pw / gw;
        r_cpu[r] = pc / gc;
        r_each[r] = ew / gw;
        if (ok)
            printf("  round %d: numpy %.3f s (cpu %.3f s), gridsplit x %d: %.3f s (cpu %.3f s): "
                   "%.1fx wall, %.1fx cpu; numpy x %d: %.3f s (cpu %.3f s): %.1fx wall\n",
                   r + 1, pw, pc, NZ, gw, gc, r_wall[r], r_cpu[r], NZ, ew, ec, r_each[r]);
    }
    for (int z = 0; z < NZ; z++) {
        unlink(csv[z]);
        unlink(gs_json[z]);
    }
    unlink(np_json);
    rmdir(tmp);
    if (!ok)
        return 1;
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
    printf("  ratio over %d rounds, numpy once for all files: %.1f-%.1fx wall-clock (median "
           "%.1fx), %.1f-%.1fx cpu (median %.1fx); target >= 20x: %s\n",
           rounds, r_wall[0], r_wall[rounds - 1], r_wall[rounds / 2], r_cpu[0],
           r_cpu[rounds - 1], r_cpu[rounds / 2], r_wall[rounds / 2] >= 20 ? "met" : "NOT MET");
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
