/* progress.c: the progress line every long-running command shows on a terminal (issue 8, 5):
 * "route [########          ]  40%  6 s, about 9 s left" on stderr, redrawn in place at most
 * ten times a second, shown only once a run has taken a second (a short run prints nothing),
 * never when stderr is not a terminal or the command was given --quiet. GS_PROGRESS=1 shows it
 * anyway from the start (tests), GS_PROGRESS=0 never. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void gs_cli_progress_start(gs_cli_progress *p, const char *what, bool quiet)
{
    memset(p, 0, sizeof *p);
    p->what = what;
    const char *env = getenv("GS_PROGRESS");
    p->forced = env && !strcmp(env, "1");
    p->on = !quiet && !(env && !strcmp(env, "0")) && (p->forced || isatty(2));
    p->t0 = mono_s();
    p->last_pct = -1;
}

/* "12 s", "3 min 05 s", "2 h 10 min" */
static void fmt_span(double s, char *buf, size_t len)
{
    if (s < 0)
        s = 0;
    long t = (long)(s + 0.5);
    if (t < 60)
        snprintf(buf, len, "%ld s", t);
    else if (t < 3600)
        snprintf(buf, len, "%ld min %02ld s", t / 60, t % 60);
    else
        snprintf(buf, len, "%ld h %02ld min", t / 3600, t % 3600 / 60);
}

void gs_cli_progress_update(gs_cli_progress *p, double done)
{
    if (!p->on)
        return;
    if (!(done >= 0))
        done = 0;
    if (done > 1)
        done = 1;
    double now = mono_s(), el = now - p->t0;
    if (!p->forced && el < 1.0)
        return;
    int pct = (int)(done * 100.0);
    if (done < 1 && (pct == p->last_pct && now - p->last_draw < 1.0))
        return;
    if (done < 1 && now - p->last_draw < 0.1)
        return;
    p->last_pct = pct;
    p->last_draw = now;
    int bar = pct * 20 / 100;
    char a[32], b[48] = "";
    fmt_span(el, a, sizeof a);
    if (done > 0.01 && done < 1) {
        char r[32];
        fmt_span(el * (1 - done) / done, r, sizeof r);
        snprintf(b, sizeof b, ", about %s left", r);
    }
    fprintf(stderr, "\r%s [%.*s%*s] %3d%%  %s%s\033[K", p->what, bar, "####################",
            20 - bar, "", pct, a, b);
    fflush(stderr);
    p->drawn = 1;
}

void gs_cli_progress_cb(void *ctx, double done)
{
    gs_cli_progress_update(ctx, done);
}

void gs_cli_progress_end(gs_cli_progress *p)
{
    if (p->on && p->drawn) {
        if (p->last_pct < 100) {
            p->last_draw = 0;
            gs_cli_progress_update(p, 1.0);
        }
        fputc('\n', stderr);
        fflush(stderr);
    }
    p->on = 0;
}
