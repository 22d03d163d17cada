/* hooks.c: how the daemon reaches what is not the scheduler (src/daemon/hooks.h): the
 * power-cap command, run with posix_spawn (no shell; a pipe collects its output; it inherits no
 * descriptor but that pipe and /dev/null; killed with SIGTERM, then SIGKILL 1 s later, when it
 * runs past its timeout, with the process group it leads), and the inference router's weights,
 * written to a file (temporary name in the same folder, fsync, rename) and POSTed with
 * libcurl's easy interface. */
/* posix_spawn_file_actions_addclosefrom_np (no descriptor leaks into the hook) and pipe2
 * (O_CLOEXEC set atomically, so hooks started by other threads never inherit our pipe) are
 * GNU extensions of glibc */
#define _GNU_SOURCE
#include "daemon/hooks.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/** How often a running hook is looked at (ms) while it writes nothing. */
#define SLICE_MS 10
/** How long a hook has after SIGTERM before SIGKILL (s). */
#define KILL_GRACE_S 1.0

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- output kept ---- */

typedef struct sink {
    char *out;
    size_t len, used;
} sink;

static void sink_add(sink *s, const char *data, size_t n)
{
    if (!s->out || s->len == 0)
        return;
    size_t room = s->len - 1 - s->used;
    if (n > room)
        n = room;
    memcpy(s->out + s->used, data, n);
    s->used += n;
    s->out[s->used] = '\0';
}

/* Read what fd has now (non-blocking). Returns 1 at end of file, else 0. */
static int drain(int fd, sink *s)
{
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) {
            sink_add(s, buf, (size_t)n);
            continue;
        }
        if (n == 0)
            return 1;
        if (errno == EINTR)
            continue;
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : 1;
    }
}

/* A descriptor not among 0, 1, 2 (the daemon may have closed its standard ones): fd itself, or
 * a close-on-exec copy above 2 (fd is then closed). -1 on failure. */
static int above_std(int fd)
{
    if (fd > 2)
        return fd;
    int k = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return k;
}

/* ---- gs_hook_run ---- */

/* Wait for pid until deadline (WNOHANG every SLICE_MS). 1 when it ended (*status set). */
static int wait_until(pid_t pid, int *status, double deadline)
{
    for (;;) {
        pid_t w = waitpid(pid, status, WNOHANG);
        if (w == pid)
            return 1;
        if (w < 0 && errno != EINTR)
            return 1; /* not our child any more: nothing to wait for */
        if (now_s() >= deadline)
            return 0;
        sleep_ms(SLICE_MS);
    }
}

int gs_hook_run(const char *cmd, const char *const *args, size_t nargs, double timeout_s,
                char *out, size_t out_len, double *elapsed_ms)
{
    double t0 = now_s();
    sink s = {out, out_len, 0};
    if (out && out_len)
        out[0] = '\0';
    if (elapsed_ms)
        *elapsed_ms = 0;
    if (!cmd || !(timeout_s > 0) || !isfinite(timeout_s) || (nargs && !args)) {
        if (out && out_len)
            snprintf(out, out_len, "expected a command and a positive timeout");
        return -1;
    }

    /* the program and its first arguments: cmd split on white space */
    const char *ws = " \t\r\n\v\f";
    char *copy = strdup(cmd);
    size_t nwords = 0;
    for (const char *p = cmd + strspn(cmd, ws); *p; p += strspn(p, ws)) {
        nwords++;
        p += strcspn(p, ws);
    }
    char **argv = copy && nwords ? calloc(nwords + nargs + 1, sizeof *argv) : NULL;
    if (!argv) {
        if (out && out_len)
            snprintf(out, out_len, "%s", copy ? "expected a program to run, found an empty command"
                                              : "out of memory");
        free(copy);
        return -1;
    }
    size_t argc = 0;
    for (char *p = copy + strspn(copy, ws); *p; p += strspn(p, ws)) {
        argv[argc++] = p;
        p += strcspn(p, ws);
        if (*p)
            *p++ = '\0';
    }
    for (size_t i = 0; i < nargs; i++)
        argv[argc++] = (char *)(args[i] ? args[i] : "");
    argv[argc] = NULL;

    int fds[2] = {-1, -1};
    int rc = -1;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    bool fa_ok = false, attr_ok = false;
    pid_t pid = -1;
    if (pipe2(fds, O_CLOEXEC) != 0 || (fds[0] = above_std(fds[0])) < 0 ||
        (fds[1] = above_std(fds[1])) < 0) {
        if (out && out_len)
            snprintf(out, out_len, "cannot start '%s': cannot create a pipe: %s", argv[0],
                     strerror(errno));
        goto done;
    }
    fa_ok = posix_spawn_file_actions_init(&fa) == 0;
    attr_ok = posix_spawnattr_init(&attr) == 0;
    sigset_t none, dflt;
    sigemptyset(&none);
    sigemptyset(&dflt);
    const int dflt_sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGALRM, SIGTERM,
                             SIGUSR1, SIGUSR2, SIGCHLD};
    for (size_t i = 0; i < sizeof dflt_sigs / sizeof dflt_sigs[0]; i++)
        sigaddset(&dflt, dflt_sigs[i]);
    int e = !fa_ok || !attr_ok;
    if (!e)
        e = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
            posix_spawn_file_actions_adddup2(&fa, fds[1], 1) ||
            posix_spawn_file_actions_adddup2(&fa, fds[1], 2) ||
            posix_spawn_file_actions_addclosefrom_np(&fa, 3) ||
            /* a clean signal state whatever the daemon's threads block or ignore, and a
             * process group of its own, so that a timeout ends what it started too */
            posix_spawnattr_setsigmask(&attr, &none) ||
            posix_spawnattr_setsigdefault(&attr, &dflt) || posix_spawnattr_setpgroup(&attr, 0) ||
            posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                                POSIX_SPAWN_SETPGROUP);
    if (e) {
        if (out && out_len)
            snprintf(out, out_len, "cannot start '%s': cannot prepare the spawn", argv[0]);
        goto done;
    }
    e = strchr(argv[0], '/') ? posix_spawn(&pid, argv[0], &fa, &attr, argv, environ)
                             : posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
    if (e != 0) {
        pid = -1;
        if (out && out_len)
            snprintf(out, out_len, "cannot start '%s': %s", argv[0], strerror(e));
        goto done;
    }
    close(fds[1]);
    fds[1] = -1;
    (void)fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);

    double deadline = t0 + timeout_s;
    int status = 0;
    bool ended = false, eof = false, timed_out = false;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR && errno != EAGAIN)) {
            ended = w == pid;
            if (!eof)
                drain(fds[0], &s); /* what it wrote before it ended */
            break;
        }
        double rem = deadline - now_s();
        if (rem <= 0) {
            timed_out = true;
            break;
        }
        int ms = rem * 1000 < SLICE_MS ? (int)ceil(rem * 1000) : SLICE_MS;
        if (eof) {
            sleep_ms(ms);
            continue;
        }
        struct pollfd pfd = {fds[0], POLLIN, 0};
        int r = poll(&pfd, 1, ms);
        if (r > 0)
            eof = drain(fds[0], &s);
    }
    if (timed_out) {
        kill(-pid, SIGTERM);
        kill(pid, SIGTERM);
        ended = wait_until(pid, &status, now_s() + KILL_GRACE_S);
        if (!ended) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
        } else {
            kill(-pid, SIGKILL); /* what it left running in its group */
        }
        drain(fds[0], &s);
        rc = -2;
    } else if (!ended) {
        rc = -1;
        if (out && out_len)
            snprintf(out, out_len, "'%s' started but could not be waited for", argv[0]);
    } else if (WIFEXITED(status)) {
        rc = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        rc = 128 + WTERMSIG(status); /* as shells report it */
        if (rc > 255)
            rc = 255;
    } else {
        rc = 255;
    }

done:
    if (fds[0] >= 0)
        close(fds[0]);
    if (fds[1] >= 0)
        close(fds[1]);
    if (fa_ok)
        posix_spawn_file_actions_destroy(&fa);
    if (attr_ok)
        posix_spawnattr_destroy(&attr);
    free(argv);
    free(copy);
    if (elapsed_ms)
        *elapsed_ms = (now_s() - t0) * 1000.0;
    return rc;
}

/* ---- gs_router_publish ---- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Append a failure to why ("; " between several). */
static void add_why(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_why(char *why, size_t len, const char *fmt, ...)
{
    if (!why || !len)
        return;
    size_t used = strnlen(why, len);
    if (used + 3 >= len)
        return;
    if (used) {
        memcpy(why + used, "; ", 3);
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why + used, len - used, fmt, ap);
    va_end(ap);
}

/* Write json to path through a temporary name in the same folder. 0 or -1 (why filled). */
static int write_file(const char *path, const char *json, char *why, size_t why_len)
{
    size_t n = strlen(json);
    size_t tl = strlen(path) + sizeof ".tmp.XXXXXX";
    char *tmp = malloc(tl);
    if (!tmp) {
        add_why(why, why_len, "writing %s: out of memory", path);
        return -1;
    }
    snprintf(tmp, tl, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        add_why(why, why_len, "writing %s: cannot create a temporary file beside it: %s", path,
                strerror(errno));
        free(tmp);
        return -1;
    }
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    const char *what = NULL;
    int err = 0;
    for (size_t off = 0; off < n && !what;) {
        ssize_t k = write(fd, json + off, n - off);
        if (k > 0)
            off += (size_t)k;
        else if (k < 0 && errno == EINTR)
            continue;
        else {
            what = "write";
            err = k < 0 ? errno : EIO;
        }
    }
    if (!what && fchmod(fd, 0644) != 0) {
        what = "chmod";
        err = errno;
    }
    if (!what && fsync(fd) != 0) {
        what = "fsync";
        err = errno;
    }
    if (close(fd) != 0 && !what) {
        what = "close";
        err = errno;
    }
    if (!what && rename(tmp, path) != 0) {
        what = "rename";
        err = errno;
    }
    if (what) {
        unlink(tmp);
        add_why(why, why_len, "writing %s: %s failed: %s", path, what, strerror(err));
        free(tmp);
        return -1;
    }
    free(tmp);
    /* the rename itself made durable: fsync the folder (best effort) */
    char *dir = strdup(path);
    if (dir) {
        char *slash = strrchr(dir, '/');
        const char *d = slash ? (slash == dir ? "/" : (*slash = '\0', dir)) : ".";
        int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    return 0;
}

static size_t discard(char *ptr, size_t size, size_t nmemb, void *ud)
{
    (void)ptr;
    (void)ud;
    return size * nmemb;
}

/* POST json to url. 0 or -1 (why filled). */
static int post_json(const char *url, const char *json, double timeout_s, char *why,
                     size_t why_len)
{
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK) {
        add_why(why, why_len, "POST %s: libcurl cannot start: %s", url,
                curl_easy_strerror(curl_init_rc));
        return -1;
    }
    CURL *c = curl_easy_init();
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    /* "Expect:" (empty): no wait for a 100-continue */
    struct curl_slist *all = hdr ? curl_slist_append(hdr, "Expect:") : NULL;
    if (!c || !all) {
        add_why(why, why_len, "POST %s: out of memory", url);
        curl_slist_free_all(hdr);
        curl_easy_cleanup(c);
        return -1;
    }
    double ms = timeout_s * 1000.0;
    long tmo = !(ms >= 1) ? 1 : ms > (double)LONG_MAX / 2 ? LONG_MAX / 2 : (long)ms;
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(json));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, tmo);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "gridsplit-serve");
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    int ret = 0;
    if (rc != CURLE_OK) {
        add_why(why, why_len, "POST %s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
        ret = -1;
    } else if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK || code >= 300 ||
               code < 200) {
        /* >= 400 refused; 3xx is not followed, so the weights did not arrive either */
        add_why(why, why_len, "POST %s: the router answered HTTP %ld", url, code);
        ret = -1;
    }
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    return ret;
}

int gs_router_publish(const char *path, const char *url, const char *json, double timeout_s,
                      char *why, size_t why_len)
{
    if (why && why_len)
        why[0] = '\0';
    if (!json) {
        add_why(why, why_len, "no weights to publish");
        return -1;
    }
    int rc = 0;
    if (path && path[0] && write_file(path, json, why, why_len) != 0)
        rc = -1;
    if (url && url[0] && post_json(url, json, timeout_s, why, why_len) != 0)
        rc = -1;
    return rc;
}
