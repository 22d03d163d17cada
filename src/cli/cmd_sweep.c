/* cmd_sweep.c: `gridsplit sweep SWEEP.yaml --out DIR`: a grid of cases of another command
 * (underwrite, simulate, flex, route, supply: any that writes its results into --out DIR), run
 * as child processes of this binary on every core, or as a Slurm job array with --slurm (one
 * slice of the cases per array task, `gridsplit sweep --slice I/K`), then merged into one
 * table: DIR/sweep.csv and DIR/sweep.json, the same bytes either way (docs/sweep.md).
 *
 * Each case lives in DIR/cases/NNNN/: its input files (the input YAML with the case's fields
 * set: include/gridsplit/read/sweep.h), out/ (the command's --out), stdout.txt, stderr.txt and
 * status.json (its exit code, written when it ends). The table is made from those files only,
 * so a local run and a Slurm run merge the same way. Children run in SWEEP.yaml's directory,
 * so relative arguments are read from there, with GS_SHARED set as the input would see it. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "gridsplit/read/sweep.h"
#include "gridsplit/write/sweep.h"
#include "model/text.h"
#include "write/outfile.h"

static const char *const CMD = "sweep";

static const gs_opt_decl SWEEP_OPTS[] = {
    {.name = "out", .type = GS_OPT_OUTDIR, .flags = GS_OPT_REQUIRED,
     .help = "output directory, created if missing: sweep.csv, sweep.json and cases/NNNN/ (each "
             "case's input files, out/, stdout.txt, stderr.txt, status.json)"},
    {.name = "jobs", .type = GS_OPT_INT, .metavar = "N", .range = "[1, 4096]",
     .def_help = "the cores this process may run on",
     .help = "cases run at once on this machine (with --slurm: in each array task, whose default "
             "is the CPUs Slurm gave it)"},
    {.name = "fail-fast", .type = GS_OPT_FLAG,
     .help = "start no new case once one has failed (the others are 'not run')"},
    {.name = "quiet", .type = GS_OPT_FLAG,
     .help = "no progress and no closing message (failed cases are still reported)"},
    {.name = "slurm", .type = GS_OPT_FLAG,
     .help = "run the cases as a Slurm job array (sbatch --wait; DIR must be on a file system the "
             "nodes share), then merge"},
    {.name = "slices", .type = GS_OPT_INT, .metavar = "K", .range = "[1, 10000]",
     .def_help = "min(cases, 100)", .requires = "slurm",
     .help = "array tasks; task I runs cases I+1, I+1+K, ..."},
    {.name = "sbatch-arg", .type = GS_OPT_STRING, .metavar = "ARG", .flags = GS_OPT_REPEAT,
     .requires = "slurm",
     .help = "an option for sbatch, repeatable: --sbatch-arg=--partition=batch "
             "--sbatch-arg=--time=1:00:00"},
    {.name = "merge", .type = GS_OPT_FLAG,
     .help = "run nothing: merge the cases already in DIR (run by --slice, by hand or by another "
             "scheduler) into the table"},
    {.name = "slice", .type = GS_OPT_STRING, .metavar = "I/K",
     .help = "run only slice I of K (cases I+1, I+1+K, ...; 0 <= I < K) and merge nothing: what "
             "each array task of --slurm runs"},
    {0}};

static const gs_opt_group SWEEP_GROUPS[] = {
    {.options = "slurm slice merge", .rule = GS_GROUP_EXCLUSIVE}, {0}};

const gs_cmd_decl gs_cmd_sweep_decl = {
    .name = "sweep",
    .summary = "run a grid of cases of another command on every core or on Slurm; one table",
    .usage = "SWEEP.yaml --out DIR [--jobs N] [--fail-fast] [--quiet]\n"
             "SWEEP.yaml --out DIR --slurm [--slices K]\n"
             " [--sbatch-arg ARG]...",
    .description =
        "Run a command (underwrite, simulate, flex, route, supply: any that writes its results "
        "into --out DIR) once per case of a grid: the cross product of the axes of SWEEP.yaml, "
        "each a command-line option or a field of the input file (or of a file it names) with "
        "its values. The cases run as child processes, --jobs at once (every core by default), "
        "with progress on a terminal; a failed case is reported with its arguments and the end "
        "of its stderr, and the others go on. With --slurm the same cases run as a Slurm job "
        "array, one slice per task. DIR/sweep.csv and DIR/sweep.json hold one row per case: the "
        "case number, each axis's value, the status and the fields collected from the case's "
        "summary.json; a local run and a Slurm run give the same bytes.",
    .epilog = "Exit codes: 0 every case ok, 1 a case failed or did not run, 2 bad input (the "
              "message names the option, or SWEEP.yaml's line and field). See docs/sweep.md.",
    .args = {.name = "sweep file", .metavar = "SWEEP.yaml", .type = GS_OPT_INPUT, .min = 1,
             .max = 1},
    .opts = SWEEP_OPTS,
    .groups = SWEEP_GROUPS,
};

/* ---- small helpers ---- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int spec_fail(const gs_sweep *s, const gs_sweep_mark *m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Print "gridsplit sweep: SWEEP.yaml:L:C: field 'F': message"; returns 2. */
static int spec_fail(const gs_sweep *s, const gs_sweep_mark *m, const char *fmt, ...)
{
    gs_error e = {0};
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    gs_error_set(&e, GS_EINPUT, s->path, m ? m->line : 0, m ? m->column : 0, m ? m->field : NULL,
                 "%s", msg);
    return gs_cli_fail(CMD, &e);
}

static int cpus_available(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static const gs_opt_decl *find_opt(const gs_cmd_decl *d, const char *name)
{
    for (const gs_opt_decl *o = d->opts; o && o->name; o++)
        if (!strcmp(o->name, name))
            return o;
    return NULL;
}

static const gs_opt_decl *out_opt(const gs_cmd_decl *d)
{
    const gs_opt_decl *o = find_opt(d, "out");
    return o && o->type == GS_OPT_OUTDIR ? o : NULL;
}

/* Whether an argument names option name ("--name" or "--name=..."). */
static int arg_is(const char *a, const char *name)
{
    size_t n = strlen(name);
    return !strncmp(a, "--", 2) && !strncmp(a + 2, name, n) && (a[2 + n] == '\0' || a[2 + n] == '=');
}

/* ---- the command and its arguments ---- */

typedef struct sweep_run {
    const gs_sweep *s;
    const gs_cmd_decl *cd;   /* the command's declaration */
    char out[1024];          /* DIR, absolute */
    char exe[1024];          /* this binary */
    int width;               /* digits of case numbers in directory names */
    int add_quiet;           /* the command has --quiet and the sweep does not set it */
    int jobs;
    int quiet, progress, fail_fast;
    /* progress */
    size_t total, done, failed;
    double t0;
} sweep_run;

/* Look the command up, check it writes into --out, and check the option axes and args. */
static int check_command(sweep_run *r)
{
    const gs_sweep *s = r->s;
    const char *names[64];
    size_t nn = 0;
    for (size_t i = 0; i < gs_cli_commands.ndecls && nn + 1 < 64; i++) {
        const gs_cmd_decl *d = gs_cli_commands.decls[i];
        if (d && strcmp(d->name, CMD) && out_opt(d))
            names[nn++] = d->name;
    }
    names[nn] = NULL;
    char all[512];
    gs__join_words(names, all, sizeof all);
    r->cd = strcmp(s->command, CMD) ? gs_cli_decl(&gs_cli_commands, s->command) : NULL;
    if (!r->cd) {
        const char *best = gs__nearest_word(names, s->command);
        if (best)
            return spec_fail(s, &s->command_mark, "unknown command '%s' (did you mean '%s'?)",
                             s->command, best);
        return spec_fail(s, &s->command_mark, "expected a command that writes into --out DIR (%s), "
                         "found '%s'", all, s->command);
    }
    if (!out_opt(r->cd))
        return spec_fail(s, &s->command_mark, "expected a command that writes into --out DIR (%s), "
                         "found '%s', which has no --out", all, s->command);
    for (size_t i = 0; i < s->nargs; i++) {
        if (arg_is(s->args[i], "out"))
            return spec_fail(s, &s->args_mark[i], "the sweep sets --out of each case itself "
                             "(DIR/cases/NNNN/out): remove it");
        if (!strcmp(s->args[i], "-h") || arg_is(s->args[i], "help"))
            return spec_fail(s, &s->args_mark[i], "expected arguments of a run, found '%s'",
                             s->args[i]);
    }
    int quiet_set = 0;
    for (size_t i = 0; i < s->nargs; i++)
        quiet_set |= arg_is(s->args[i], "quiet");
    for (size_t a = 0; a < s->naxes; a++) {
        const gs_sweep_axis *ax = &s->axes[a];
        if (ax->kind != GS_SWEEP_OPTION)
            continue;
        if (!strcmp(ax->option, "out") || !strcmp(ax->option, "help"))
            return spec_fail(s, &ax->mark, "expected an option of %s other than --%s, which the "
                             "sweep sets itself", s->command, ax->option);
        const gs_opt_decl *od = find_opt(r->cd, ax->option);
        if (!od) {
            const char *on[256];
            size_t k = 0;
            for (const gs_opt_decl *o = r->cd->opts; o->name && k + 1 < 256; o++)
                on[k++] = o->name;
            on[k] = NULL;
            const char *best = gs__nearest_word(on, ax->option);
            if (best)
                return spec_fail(s, &ax->mark, "gridsplit %s has no option --%s (did you mean "
                                 "--%s?)", s->command, ax->option, best);
            return spec_fail(s, &ax->mark, "gridsplit %s has no option --%s (see 'gridsplit help "
                             "%s')", s->command, ax->option, s->command);
        }
        if (od->type == GS_OPT_FLAG)
            for (size_t v = 0; v < ax->nvalues; v++)
                if (ax->is_bool[v] < 0)
                    return spec_fail(s, &ax->vmark[v], "expected true or false for the flag --%s "
                                     "(given or not), found '%s'", ax->option, ax->arg[v]);
        quiet_set |= !strcmp(ax->option, "quiet");
    }
    r->add_quiet = find_opt(r->cd, "quiet") && find_opt(r->cd, "quiet")->type == GS_OPT_FLAG &&
                   !quiet_set;
    return 0;
}

/* The argument list of case c (vidx: its values) with input path in and --out outdir: argv
 * (room for 8 + nargs + naxes entries) gets pointers into s, in and outdir, and option axes'
 * "--NAME=VALUE" in buf[a] (caller's, 1 per axis). Returns argc. */
static int case_argv(const sweep_run *r, const size_t *vidx, const char *in, const char *outdir,
                     char **argv, char (*buf)[1100])
{
    const gs_sweep *s = r->s;
    int n = 0;
    argv[n++] = "gridsplit";
    argv[n++] = (char *)s->command;
    if (in && in[0])
        argv[n++] = (char *)in;
    for (size_t i = 0; i < s->nargs; i++)
        argv[n++] = s->args[i];
    for (size_t a = 0; a < s->naxes; a++) {
        const gs_sweep_axis *ax = &s->axes[a];
        if (ax->kind != GS_SWEEP_OPTION)
            continue;
        const gs_opt_decl *od = find_opt(r->cd, ax->option);
        if (od && od->type == GS_OPT_FLAG) {
            if (ax->is_bool[vidx[a]] == 1) {
                snprintf(buf[a], sizeof buf[a], "--%s", ax->option);
                argv[n++] = buf[a];
            }
            continue;
        }
        snprintf(buf[a], sizeof buf[a], "--%s=%s", ax->option, ax->arg[vidx[a]]);
        argv[n++] = buf[a];
    }
    argv[n++] = "--out";
    argv[n++] = (char *)outdir;
    if (r->add_quiet)
        argv[n++] = "--quiet";
    argv[n] = NULL;
    return n;
}

/* Check every combination of the option axes' values against the command's declaration
 * (types, ranges, choices, rules between options) before anything runs. */
static int check_argvs(const sweep_run *r)
{
    const gs_sweep *s = r->s;
    size_t nopt = 0, combos = 1;
    size_t vidx[GS_SWEEP_MAX_AXES] = {0};
    for (size_t a = 0; a < s->naxes; a++)
        if (s->axes[a].kind == GS_SWEEP_OPTION) {
            nopt++;
            combos *= s->axes[a].nvalues;
        }
    char **argv = calloc(8 + s->nargs + s->naxes, sizeof *argv);
    char(*buf)[1100] = calloc(s->naxes, sizeof *buf);
    if (!argv || !buf) {
        free(argv);
        free(buf);
        fprintf(stderr, "gridsplit %s: out of memory\n", CMD);
        return 1;
    }
    /* the input itself stands for the case's file: the same kind of file, and it exists */
    char outdir[1100];
    snprintf(outdir, sizeof outdir, "%s/cases/check/out", r->out);
    int rc = 0;
    for (size_t k = 0; k < combos && !rc; k++) {
        size_t rest = k;
        for (size_t a = s->naxes; a-- > 0;)
            if (s->axes[a].kind == GS_SWEEP_OPTION) {
                vidx[a] = rest % s->axes[a].nvalues;
                rest /= s->axes[a].nvalues;
            }
        int argc = case_argv(r, vidx, s->input, outdir, argv, buf);
        gs_opts *o = NULL;
        gs_error e = {0};
        int prc = gs_opts_parse(r->cd, argc - 1, argv + 1, NULL, &o, &e);
        gs_opts_free(o);
        if (prc == GS_OK)
            continue;
        /* blame the axis of the option named, else the argument naming it, else the input,
         * else the arguments as a whole */
        const gs_sweep_mark *m = NULL;
        const char *opt = e.field[0] == '-' && e.field[1] == '-' ? e.field + 2 : NULL;
        for (size_t a = 0; a < s->naxes && opt && !m; a++)
            if (s->axes[a].kind == GS_SWEEP_OPTION && !strcmp(opt, s->axes[a].option))
                m = &s->axes[a].vmark[vidx[a]];
        for (size_t i = 0; i < s->nargs && opt && !m; i++)
            if (arg_is(s->args[i], opt))
                m = &s->args_mark[i];
        if (!m && e.file[0] && !strcmp(e.file, s->input))
            m = &s->input_mark;
        gs_sweep_mark whole = {0};
        if (!m && s->nargs) {
            whole = s->args_mark[0];
            snprintf(whole.field, sizeof whole.field, "args");
            m = &whole;
        }
        if (!m) {
            whole = s->command_mark;
            m = &whole;
        }
        char msg[1400];
        if (prc == GS_OPTS_HELP)
            snprintf(msg, sizeof msg, "the arguments ask for --help");
        else if (opt && !e.file[0])
            snprintf(msg, sizeof msg, "%s: %s", e.field, e.message);
        else
            gs_error_format(&e, msg, sizeof msg);
        rc = spec_fail(s, m, "gridsplit %s: %s", s->command, msg);
        if (prc < 0 && gs_exit_code(prc) != 2)
            rc = 1;
    }
    (void)nopt;
    free(argv);
    free(buf);
    return rc;
}

/* ---- running cases ---- */

static void case_dir(const sweep_run *r, size_t c, char *out, size_t len)
{
    snprintf(out, len, "%s/cases/%0*zu", r->out, r->width, c + 1);
}

static void progress_line(sweep_run *r, int final)
{
    if (!r->progress)
        return;
    double t = now_s() - r->t0;
    double rate = t > 0 ? r->done / t : 0;
    char eta[32] = "";
    if (r->done && r->done < r->total && rate > 0) {
        long sec = (long)((r->total - r->done) / rate + 0.5);
        snprintf(eta, sizeof eta, ", ETA %ld:%02ld", sec / 60, sec % 60);
    }
    fprintf(stderr, "\r\033[Ksweep: %zu/%zu cases", r->done, r->total);
    if (r->failed)
        fprintf(stderr, ", %zu failed", r->failed);
    fprintf(stderr, ", %.1f cases/s%s", rate, eta);
    if (final)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* Print the last lines of file path, indented. */
static void print_tail(const char *path, int lines)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    char buf[4096];
    long size = 0;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    long from = size > (long)sizeof buf - 1 ? size - (long)sizeof buf + 1 : 0;
    fseek(f, from, SEEK_SET);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    if (!n) {
        fprintf(stderr, "  | (its stderr is empty)\n");
        return;
    }
    char *p = buf + n;
    int seen = 0;
    while (p > buf && seen < lines)
        if (*--p == '\n')
            seen++;
    if (*p == '\n')
        p++;
    for (char *line = p; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        fprintf(stderr, "  | %s\n", line);
        line = nl ? nl + 1 : NULL;
    }
}

static void print_argv(char *const *argv)
{
    for (size_t i = 0; argv[i]; i++) {
        const char *a = argv[i];
        int plain = a[0] && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                       "-_=./:,+@%") == strlen(a);
        fputc(' ', stderr);
        if (plain) {
            fputs(a, stderr);
            continue;
        }
        fputc('\'', stderr);
        for (; *a; a++)
            if (*a == '\'')
                fputs("'\\''", stderr);
            else
                fputc(*a, stderr);
        fputc('\'', stderr);
    }
}

static void report_failure(sweep_run *r, size_t c, const gs_sweep_status *st, char *const *argv,
                           const char *dir)
{
    if (r->progress)
        fputs("\r\033[K", stderr);
    if (st->signal)
        fprintf(stderr, "gridsplit sweep: case %zu of %zu killed by signal %d:", c + 1,
                r->s->ncases, st->signal);
    else
        fprintf(stderr, "gridsplit sweep: case %zu of %zu failed (exit %d):", c + 1, r->s->ncases,
                st->exit_code);
    if (argv)
        print_argv(argv);
    fputc('\n', stderr);
    char path[1200];
    snprintf(path, sizeof path, "%s/stderr.txt", dir);
    print_tail(path, 6);
}

/* One running case. */
typedef struct slot {
    pid_t pid;
    size_t c;
    double t0;
    char *argv[8 + GS_SWEEP_MAX_ARGS + GS_SWEEP_MAX_AXES];
    char abuf[GS_SWEEP_MAX_AXES][1100];
    char in[1200], outdir[1200], dir[1100];
} slot;

/* Write case c's files into its directory and start it in slot sl. */
static int start_case(sweep_run *r, slot *sl, size_t c, gs_error *err)
{
    const gs_sweep *s = r->s;
    case_dir(r, c, sl->dir, sizeof sl->dir);
    snprintf(sl->outdir, sizeof sl->outdir, "%s/out", sl->dir);
    int rc = gs__mkdirs(sl->dir, err);
    if (rc)
        return rc;
    char path[1600];
    snprintf(path, sizeof path, "%s/status.json", sl->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/%s", sl->outdir, s->result);
    unlink(path);
    gs_sweep_file *files = NULL;
    size_t nf = 0;
    if ((rc = gs_sweep_case_files(s, c, sl->dir, &files, &nf, err)))
        return rc;
    for (size_t i = 0; i < nf && !rc; i++) {
        snprintf(path, sizeof path, "%s/%s", sl->dir, files[i].name);
        rc = gs_sweep_write_text(path, files[i].text, files[i].len, err);
    }
    gs_sweep_files_free(files, nf);
    if (rc)
        return rc;
    gs_sweep_case_input(s, sl->dir, sl->in, sizeof sl->in);
    size_t vidx[GS_SWEEP_MAX_AXES];
    gs_sweep_case_values(s, c, vidx);
    case_argv(r, vidx, sl->in, sl->outdir, sl->argv, sl->abuf);
    char so[1200], se[1200];
    snprintf(so, sizeof so, "%s/stdout.txt", sl->dir);
    snprintf(se, sizeof se, "%s/stderr.txt", sl->dir);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL, "cannot start a case: %s",
                            strerror(errno));
    if (pid == 0) {
        int fo = open(so, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        int fe = open(se, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        int fi = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fo < 0 || fe < 0 || fi < 0 || dup2(fi, 0) < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
            _exit(126);
        execv(r->exe, sl->argv);
        static const char msg[] = "gridsplit sweep: cannot run this binary again (exec failed)\n";
        ssize_t w = write(2, msg, sizeof msg - 1);
        (void)w;
        _exit(127);
    }
    sl->pid = pid;
    sl->c = c;
    sl->t0 = now_s();
    return GS_OK;
}

/* Record a finished case. Returns 1 when it failed. */
static int finish_case(sweep_run *r, slot *sl, int wstatus, gs_error *err, int *io_rc)
{
    gs_sweep_status st = {0};
    if (WIFSIGNALED(wstatus)) {
        st.exit_code = -1;
        st.signal = WTERMSIG(wstatus);
    } else {
        st.exit_code = WEXITSTATUS(wstatus);
    }
    st.seconds = now_s() - sl->t0;
    char path[1200];
    snprintf(path, sizeof path, "%s/status.json", sl->dir);
    size_t argc = 0;
    while (sl->argv[argc])
        argc++;
    int rc = gs_sweep_write_status(path, sl->c + 1, st.exit_code, st.signal, st.seconds,
                                   (const char *const *)sl->argv, argc, err);
    if (rc) {
        if (r->progress)
            fputs("\r\033[K", stderr);
        gs_cli_fail(CMD, err);
        *io_rc = 1;
    }
    sl->pid = 0;
    r->done++;
    int bad = st.exit_code != 0;
    if (bad) {
        r->failed++;
        report_failure(r, sl->c, &st, sl->argv, sl->dir);
    }
    progress_line(r, 0);
    return bad;
}

/* Run the cases c with c % k == i (local: i 0, k 1), r->jobs at once. Returns 0, or the exit
 * code of a failure to run (files, fork); failed cases are counted in r->failed. */
static int run_cases(sweep_run *r, size_t i, size_t k)
{
    const gs_sweep *s = r->s;
    int jobs = r->jobs;
    slot *slots = calloc((size_t)jobs, sizeof *slots);
    if (!slots) {
        fprintf(stderr, "gridsplit %s: out of memory\n", CMD);
        return 1;
    }
    r->total = s->ncases > i ? (s->ncases - i + k - 1) / k : 0;
    r->done = r->failed = 0;
    r->t0 = now_s();
    size_t next = i;
    int running = 0, stop = 0, io_rc = 0;
    gs_error err = {0};
    progress_line(r, 0);
    while (running || (next < s->ncases && !stop)) {
        while (!stop && next < s->ncases && running < jobs) {
            slot *sl = NULL;
            for (int j = 0; j < jobs && !sl; j++)
                if (!slots[j].pid)
                    sl = &slots[j];
            int rc = start_case(r, sl, next, &err);
            if (rc) {
                if (r->progress)
                    fputs("\r\033[K", stderr);
                gs_cli_fail(CMD, &err);
                io_rc = 1;
                stop = 1;
                break;
            }
            next += k;
            running++;
        }
        if (!running)
            break;
        int ws;
        pid_t pid = waitpid(-1, &ws, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "gridsplit %s: waiting for cases: %s\n", CMD, strerror(errno));
            io_rc = 1;
            break;
        }
        for (int j = 0; j < jobs; j++)
            if (slots[j].pid == pid) {
                running--;
                if (finish_case(r, &slots[j], ws, &err, &io_rc) && r->fail_fast)
                    stop = 1;
                break;
            }
    }
    progress_line(r, 1);
    free(slots);
    return io_rc;
}

/* ---- Slurm ---- */

/* Write the array job's script: each task runs its slice with this binary and SWEEP.yaml by
 * absolute paths. */
static int write_job(const sweep_run *r, const char *spec_abs, size_t k, const gs_opts *o,
                     char *script, size_t len, gs_error *err)
{
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/slurm", r->out);
    int rc = gs__mkdirs(dir, err);
    if (rc)
        return rc;
    snprintf(script, len, "%s/sweep.sh", dir);
    char text[6000];
    char q[3][2200];
    const char *src[3] = {r->exe, spec_abs, r->out};
    for (int i = 0; i < 3; i++) { /* single-quoted for sh */
        size_t o2 = 0;
        q[i][o2++] = '\'';
        for (const char *p = src[i]; *p && o2 + 5 < sizeof q[i]; p++) {
            if (*p == '\'') {
                memcpy(q[i] + o2, "'\\''", 4);
                o2 += 4;
            } else {
                q[i][o2++] = *p;
            }
        }
        q[i][o2++] = '\'';
        q[i][o2] = '\0';
    }
    char extra[64] = "";
    if (gs_opts_given(o, "jobs"))
        snprintf(extra, sizeof extra, " --jobs %lld", (long long)gs_opts_int(o, "jobs"));
    if (gs_opts_flag(o, "fail-fast"))
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra), " --fail-fast");
    int n = snprintf(text, sizeof text,
                     "#!/bin/sh\n"
                     "# written by `gridsplit sweep --slurm` (docs/sweep.md): array task I runs "
                     "slice I of %zu of the sweep\n"
                     "exec %s sweep %s --out %s --slice \"$SLURM_ARRAY_TASK_ID/%zu\"%s\n",
                     k, q[0], q[1], q[2], k, extra);
    if (n < 0 || (size_t)n >= sizeof text)
        return gs_error_set(err, GS_EINPUT, script, 0, 0, NULL, "the paths are too long for the job script");
    if ((rc = gs_sweep_write_text(script, text, (size_t)n, err)))
        return rc;
    if (chmod(script, 0755) != 0)
        return gs_error_set(err, GS_EIO, script, 0, 0, NULL, "cannot make it executable: %s", strerror(errno));
    return GS_OK;
}

/* Cases with a status file now. */
static size_t count_done(const sweep_run *r)
{
    size_t n = 0;
    char path[1200], dir[1100];
    struct stat st;
    for (size_t c = 0; c < r->s->ncases; c++) {
        case_dir(r, c, dir, sizeof dir);
        snprintf(path, sizeof path, "%s/status.json", dir);
        n += stat(path, &st) == 0;
    }
    return n;
}

/* sbatch --wait the array; progress from the status files meanwhile. Returns sbatch's exit
 * status (or -1 when it could not run). */
static int run_slurm(sweep_run *r, const char *spec_abs, size_t k, const gs_opts *o)
{
    gs_error err = {0};
    char script[1200];
    if (write_job(r, spec_abs, k, o, script, sizeof script, &err))
        return gs_cli_fail(CMD, &err), -1;
    char path[1200], dir[1100];
    for (size_t c = 0; c < r->s->ncases; c++) { /* no status from an earlier run counts */
        case_dir(r, c, dir, sizeof dir);
        snprintf(path, sizeof path, "%s/status.json", dir);
        unlink(path);
    }
    size_t nsa = gs_opts_count(o, "sbatch-arg");
    if (!gs_opts_given(o, "sbatch-arg"))
        nsa = 0;
    char **argv = calloc(nsa + 12, sizeof *argv);
    char array[64], output[1200], chdir_arg[1100], log[1200];
    if (!argv) {
        fprintf(stderr, "gridsplit %s: out of memory\n", CMD);
        return -1;
    }
    snprintf(array, sizeof array, "--array=0-%zu", k - 1);
    snprintf(output, sizeof output, "--output=%s/slurm/slice-%%a.out", r->out);
    snprintf(chdir_arg, sizeof chdir_arg, "--chdir=%s", r->s->dir);
    snprintf(log, sizeof log, "%s/slurm/sbatch.log", r->out);
    size_t n = 0;
    argv[n++] = "sbatch";
    argv[n++] = "--wait";
    argv[n++] = array;
    argv[n++] = "--job-name=gridsplit-sweep";
    argv[n++] = output;
    argv[n++] = chdir_arg;
    for (size_t i = 0; i < nsa; i++) {
        size_t len;
        const char *a = gs_opts_item(o, "sbatch-arg", i, &len);
        argv[n++] = (char *)a;
    }
    argv[n++] = script;
    argv[n] = NULL;
    fflush(NULL);
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "gridsplit %s: cannot start sbatch: %s\n", CMD, strerror(errno));
        free(argv);
        return -1;
    }
    if (pid == 0) {
        int fl = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        int fi = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fl < 0 || fi < 0 || dup2(fi, 0) < 0 || dup2(fl, 1) < 0 || dup2(fl, 2) < 0)
            _exit(126);
        execvp("sbatch", argv);
        static const char msg[] = "gridsplit sweep: cannot run sbatch (is Slurm installed and on PATH?)\n";
        ssize_t w = write(2, msg, sizeof msg - 1);
        (void)w;
        _exit(127);
    }
    free(argv);
    r->total = r->s->ncases;
    r->done = r->failed = 0;
    r->t0 = t0;
    int ws = 0, announced = 0;
    double last = 0;
    for (;;) {
        pid_t w = waitpid(pid, &ws, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            fprintf(stderr, "gridsplit %s: waiting for sbatch: %s\n", CMD, strerror(errno));
            return -1;
        }
        if (!announced && !r->quiet) {
            FILE *f = fopen(log, "r");
            char line[256];
            if (f && fgets(line, sizeof line, f) && strstr(line, "Submitted batch job")) {
                line[strcspn(line, "\n")] = '\0';
                if (r->progress)
                    fputs("\r\033[K", stderr);
                fprintf(stderr, "sweep: %s: %zu cases in %zu array tasks\n", line, r->s->ncases, k);
                announced = 1;
            }
            if (f)
                fclose(f);
        }
        if (now_s() - last >= (r->s->ncases > 10000 ? 5.0 : 0.5)) {
            r->done = count_done(r);
            progress_line(r, 0);
            last = now_s();
            /* every case has its status: the table is complete. sbatch --wait looks at the
             * job only every few seconds (up to 10 s apart); it is a client, and ending it
             * leaves the job alone */
            if (r->done == r->s->ncases) {
                kill(pid, SIGKILL);
                waitpid(pid, &ws, 0);
                ws = 0;
                break;
            }
        }
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    progress_line(r, 1);
    int st = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + (WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
    /* submitted or not: sbatch's own words say */
    int submitted = 0;
    FILE *f = fopen(log, "r");
    char line[512];
    while (f && fgets(line, sizeof line, f))
        submitted |= strstr(line, "Submitted batch job") != NULL;
    if (f)
        fclose(f);
    if (st && !submitted) {
        fprintf(stderr, "gridsplit %s: sbatch failed (exit %d) without submitting the job:\n", CMD, st);
        print_tail(log, 6);
    }
    return st;
}

/* ---- merging ---- */

/* Read every case's status and result into the table; report what is missing. Returns 0 when
 * every case ended ok with its result, 1 otherwise (2 for an unwritable table: 1). */
static int merge(sweep_run *r, int slurm, size_t k, int *nok_out)
{
    const gs_sweep *s = r->s;
    size_t n = s->ncases, na = s->naxes, nf = s->ncollect;
    gs_sweep_out_row *rows = calloc(n, sizeof *rows);
    gs_sweep_out_cell *axc = calloc(n * (na ? na : 1), sizeof *axc);
    gs_sweep_out_cell *fc = calloc(n * (nf ? nf : 1), sizeof *fc);
    gs_sweep_cell *picked = calloc(n * (nf ? nf : 1), sizeof *picked);
    size_t *present = calloc(nf ? nf : 1, sizeof *present);
    const char **an = calloc(na ? na : 1, sizeof *an), **fn = calloc(nf ? nf : 1, sizeof *fn),
               **fp = calloc(nf ? nf : 1, sizeof *fp);
    int rc = 0;
    if (!rows || !axc || !fc || !picked || !present || !an || !fn || !fp) {
        fprintf(stderr, "gridsplit %s: out of memory\n", CMD);
        rc = 1;
        goto done;
    }
    size_t nok = 0, nfailed = 0, nmissing = 0, noresult = 0, first_missing = SIZE_MAX;
    for (size_t c = 0; c < n; c++) {
        size_t vidx[GS_SWEEP_MAX_AXES];
        gs_sweep_case_values(s, c, vidx);
        gs_sweep_out_row *row = &rows[c];
        row->case_no = c + 1;
        row->axis = &axc[c * na];
        row->field = &fc[c * nf];
        for (size_t a = 0; a < na; a++)
            axc[c * na + a] = (gs_sweep_out_cell){s->axes[a].cells[vidx[a]].csv,
                                                  s->axes[a].cells[vidx[a]].json};
        char dir[1100], path[1400];
        case_dir(r, c, dir, sizeof dir);
        snprintf(path, sizeof path, "%s/status.json", dir);
        gs_sweep_status st;
        gs_error err = {0};
        int sr = gs_sweep_read_status(path, &st, &err);
        if (sr < 0) {
            gs_cli_fail(CMD, &err);
            row->state = GS_SWEEP_NOT_RUN;
        } else if (sr == 0) {
            row->state = GS_SWEEP_NOT_RUN;
        } else if (st.signal) {
            row->state = GS_SWEEP_KILLED;
            row->code = st.signal;
        } else if (st.exit_code) {
            row->state = GS_SWEEP_FAILED;
            row->code = st.exit_code;
        } else {
            row->state = GS_SWEEP_OK;
        }
        if (row->state == GS_SWEEP_NOT_RUN) {
            nmissing++;
            if (first_missing == SIZE_MAX)
                first_missing = c;
        } else if (row->state != GS_SWEEP_OK) {
            nfailed++;
            if (slurm) { /* a local run reported it as it ended */
                gs_sweep_status st2 = st;
                report_failure(r, c, &st2, NULL, dir);
            }
        }
        if (row->state != GS_SWEEP_OK)
            continue;
        nok++;
        snprintf(path, sizeof path, "%s/out/%s", dir, s->result);
        if (nf && gs_sweep_pick(s, path, &picked[c * nf], &err)) {
            fprintf(stderr, "gridsplit %s: case %zu ended ok but its result cannot be read: ", CMD,
                    c + 1);
            char msg[1200];
            gs_error_format(&err, msg, sizeof msg);
            fprintf(stderr, "%s\n", msg);
            noresult++;
            continue;
        }
        for (size_t f = 0; f < nf; f++) {
            fc[c * nf + f] = (gs_sweep_out_cell){picked[c * nf + f].csv, picked[c * nf + f].json};
            present[f] += picked[c * nf + f].present;
        }
    }
    for (size_t f = 0; f < nf && nok > noresult; f++)
        if (!present[f])
            fprintf(stderr, "gridsplit %s: warning: collect '%s' (%s) is in no case's %s: check "
                    "the path against one (%s/cases/%0*d/out/%s)\n",
                    CMD, s->collect_name[f], s->collect_path[f], s->result, r->out, r->width, 1,
                    s->result);
    if (nmissing) {
        fprintf(stderr, "gridsplit %s: %zu case%s did not run (the first: case %zu)\n", CMD,
                nmissing, nmissing == 1 ? "" : "s", first_missing + 1);
        if (slurm && k) {
            char path[1200];
            snprintf(path, sizeof path, "%s/slurm/slice-%zu.out", r->out, first_missing % k);
            struct stat sb;
            if (stat(path, &sb) == 0) {
                fprintf(stderr, "gridsplit %s: the output of its array task (%s):\n", CMD, path);
                print_tail(path, 8);
            }
        }
    }
    for (size_t a = 0; a < na; a++)
        an[a] = s->axes[a].name;
    for (size_t f = 0; f < nf; f++) {
        fn[f] = s->collect_name[f];
        fp[f] = s->collect_path[f];
    }
    gs_sweep_out t = {.command = s->command, .naxes = na, .axis_names = an, .nfields = nf,
                      .field_names = fn, .field_paths = fp, .nrows = n, .rows = rows};
    gs_error err = {0};
    if (gs_sweep_write_table(&t, r->out, &err)) {
        gs_cli_fail(CMD, &err);
        rc = 1;
        goto done;
    }
    *nok_out = (int)nok;
    rc = nok == n && !noresult ? 0 : 1;
done:
    for (size_t i = 0; picked && i < n * nf; i++)
        gs_sweep_cell_clear(&picked[i]);
    free(rows);
    free(axc);
    free(fc);
    free(picked);
    free(present);
    free(an);
    free(fn);
    free(fp);
    return rc;
}

/* ---- the command ---- */

static int abs_path(const char *p, char *out, size_t len)
{
    if (p[0] == '/')
        return snprintf(out, len, "%s", p) < (int)len ? 0 : -1;
    char cwd[1024];
    if (!getcwd(cwd, sizeof cwd))
        return -1;
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    int n = strcmp(p, ".") ? snprintf(out, len, "%s/%s", cwd, p) : snprintf(out, len, "%s", cwd);
    return n >= 0 && (size_t)n < len ? 0 : -1;
}

int gs_cmd_sweep(int argc, char **argv)
{
    gs_opts *o;
    int rc = gs_opts_cli(&gs_cmd_sweep_decl, argc, argv, NULL, &o);
    if (!o)
        return rc;
    gs_sweep *s = NULL;
    gs_error err = {0};
    sweep_run r;
    memset(&r, 0, sizeof r);
    const char *spec = gs_opts_arg(o, 0);
    int slurm = gs_opts_flag(o, "slurm");
    size_t slice_i = 0, slice_k = 1;
    int sliced = gs_opts_given(o, "slice") > 0;
    char spec_abs[1024];
    if (sliced) {
        const char *t = gs_opts_str(o, "slice");
        char *end;
        errno = 0;
        unsigned long long a = strtoull(t, &end, 10), b = 0;
        int ok = end != t && *end == '/' && t[0] >= '0' && t[0] <= '9';
        if (ok) {
            const char *t2 = end + 1;
            b = strtoull(t2, &end, 10);
            ok = end != t2 && !*end && t2[0] >= '0' && t2[0] <= '9' && errno != ERANGE && b >= 1 &&
                 b <= 10000 && a < b;
        }
        if (!ok) {
            rc = gs_opts_fail(o, "slice", "expected I/K with 0 <= I < K <= 10000 (0/4), found '%s'", t);
            goto out;
        }
        slice_i = (size_t)a;
        slice_k = (size_t)b;
    }
    if (abs_path(gs_opts_str(o, "out"), r.out, sizeof r.out) || abs_path(spec, spec_abs, sizeof spec_abs)) {
        rc = gs_opts_fail(o, "out", "expected a shorter path");
        goto out;
    }
    if ((rc = gs_sweep_load(spec, &s, &err))) {
        rc = gs_cli_fail(CMD, &err);
        goto out;
    }
    r.s = s;
    r.quiet = gs_opts_flag(o, "quiet");
    r.fail_fast = gs_opts_flag(o, "fail-fast");
    r.progress = !r.quiet && !sliced && isatty(2);
    ssize_t xl = readlink("/proc/self/exe", r.exe, sizeof r.exe - 1);
    if (xl <= 0 || (size_t)xl >= sizeof r.exe - 1) {
        fprintf(stderr, "gridsplit %s: cannot find this binary (/proc/self/exe): %s\n", CMD,
                strerror(errno));
        rc = 1;
        goto out;
    }
    r.exe[xl] = '\0';
    r.width = 4;
    for (size_t n = s->ncases; n >= 10000; n /= 10)
        r.width++;
    /* a case's paths must fit the readers' (GS_PATH_MAX, 512) and the writers' (1024) limits */
    size_t longest = strlen(r.out) + strlen("/cases/") + (size_t)r.width + strlen("/out/") +
                     strlen(s->result) + 20;
    size_t inlen = strlen(r.out) + strlen("/cases/") + (size_t)r.width + 1 + GS_SWEEP_NAME_MAX + 32;
    if (longest >= 1000 || (s->nfield_axes && inlen >= 511)) {
        rc = gs_opts_fail(o, "out", "expected a shorter directory (at most %zu characters as an "
                          "absolute path), found %zu", (size_t)(s->nfield_axes ? 511 - (inlen - strlen(r.out)) : 1000 - (longest - strlen(r.out))),
                          strlen(r.out));
        goto out;
    }
    /* children read their arguments from SWEEP.yaml's directory, ${GS_SHARED} as the input does */
    if (chdir(s->dir) != 0) {
        fprintf(stderr, "gridsplit %s: cannot enter %s: %s\n", CMD, s->dir, strerror(errno));
        rc = 1;
        goto out;
    }
    const char *gsh = getenv("GS_SHARED");
    if ((!gsh || !gsh[0]) && s->shared[0])
        setenv("GS_SHARED", s->shared, 1);
    if ((rc = check_command(&r)) || (rc = check_argvs(&r)))
        goto out;
    size_t k = slice_k;
    if (slurm) {
        k = gs_opts_given(o, "slices") ? (size_t)gs_opts_int(o, "slices")
                                       : (s->ncases < 100 ? s->ncases : 100);
        if (k > s->ncases) {
            rc = gs_opts_fail(o, "slices", "expected at most one array task per case (%zu), found %zu",
                              s->ncases, k);
            goto out;
        }
    }
    int cpus = cpus_available();
    if (sliced) { /* an array task: the CPUs Slurm gave it */
        const char *sc = getenv("SLURM_CPUS_ON_NODE");
        long v = sc ? strtol(sc, NULL, 10) : 0;
        if (v > 0 && v < cpus)
            cpus = (int)v;
    }
    r.jobs = gs_opts_given(o, "jobs") ? (int)gs_opts_int(o, "jobs") : cpus;
    if (!slurm && (size_t)r.jobs > s->ncases)
        r.jobs = (int)(s->ncases ? s->ncases : 1);
    if ((rc = gs__mkdirs(r.out, &err))) {
        rc = gs_cli_fail(CMD, &err);
        goto out;
    }
    double t0 = now_s();
    int sbatch_rc = 0;
    if (sliced) {
        rc = run_cases(&r, slice_i, slice_k);
        fprintf(stderr, "sweep: slice %zu/%zu: %zu cases, %zu failed, %.1f s on %d worker%s\n",
                slice_i, slice_k, r.done, r.failed, now_s() - t0, r.jobs, r.jobs == 1 ? "" : "s");
        rc = rc ? rc : r.failed || r.done < r.total ? 1 : 0;
        goto out;
    }
    int merge_only = gs_opts_flag(o, "merge");
    if (merge_only) {
        /* nothing to run */
    } else if (slurm) {
        sbatch_rc = run_slurm(&r, spec_abs, k, o);
        if (sbatch_rc < 0) {
            rc = 1;
            goto out;
        }
    } else {
        rc = run_cases(&r, 0, 1); /* 1 when a case could not start: merge what ran */
    }
    int nok = 0;
    int mrc = merge(&r, slurm || merge_only, slurm ? k : 0, &nok);
    double dt = now_s() - t0;
    if (!r.quiet) {
        fprintf(stderr, "sweep: %zu cases: %d ok, %zu not ok, in %.1f s (%.1f cases/s", s->ncases,
                nok, s->ncases - (size_t)nok, dt, dt > 0 ? s->ncases / dt : 0.0);
        if (slurm)
            fprintf(stderr, ", Slurm job array of %zu tasks", k);
        else if (merge_only)
            fprintf(stderr, ", merged");
        else
            fprintf(stderr, ", %d at once", r.jobs);
        fprintf(stderr, "); wrote %s/sweep.csv and %s/sweep.json\n", r.out, r.out);
    }
    if (slurm && sbatch_rc && mrc == 0)
        fprintf(stderr, "gridsplit %s: warning: sbatch exited %d although every case ended ok (see %s/slurm/)\n",
                CMD, sbatch_rc, r.out);
    rc = rc ? rc : mrc;
out:
    gs_sweep_free(s);
    gs_opts_free(o);
    return rc;
}
