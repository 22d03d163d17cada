/* outfile.c: atomic output files and output directories (see outfile.h), and the removal of
 * open temporaries when the process is killed by SIGINT, SIGTERM or SIGHUP.
 *
 * The one piece of global state in the writers: a signal handler can only reach a global, so
 * the temporaries being written are registered in a fixed table of TMP_SLOTS paths (slots
 * claimed and released with lock-free atomics, so threads may write files at once; beyond
 * TMP_SLOTS open at once a file is written all the same, only not removed on a signal). The
 * handler only calls
 * async-signal-safe functions: unlink on each registered path, then the default action of the
 * signal (SA_RESETHAND) by raising it again. */
#include "write/outfile.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP_SLOTS 32

/* slot states: FREE, CLAIMED (being written by its owner, not yet valid), LIVE (path valid) */
enum { FREE = 0, CLAIMED = 1, LIVE = 2 };
static atomic_int tmp_state[TMP_SLOTS];
static char tmp_path[TMP_SLOTS][sizeof(((gs__outfile *)0)->tmp)];
static pid_t tmp_owner[TMP_SLOTS]; /* a forked child does not remove its parent's files */
static atomic_int handlers_installed;

static void on_signal(int sig)
{
    int saved = errno;
    pid_t me = getpid();
    for (int i = 0; i < TMP_SLOTS; i++)
        if (atomic_load(&tmp_state[i]) == LIVE && tmp_owner[i] == me)
            unlink(tmp_path[i]);
    errno = saved;
    raise(sig); /* the handler was reset to the default (SA_RESETHAND): this ends the process */
}

/* Install on_signal for SIGINT, SIGTERM and SIGHUP once, leaving a signal ignored (nohup) or
 * handled by someone else as it is. */
static void install_handlers(void)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&handlers_installed, &expected, 1))
        return;
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL ||
            (old.sa_flags & SA_SIGINFO))
            continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        sigaction(sigs[i], &sa, NULL);
    }
}

/* Register a temporary: the slot's index, or -1 when the table is full (the file is then
 * written all the same, only not removed on a signal). */
static int register_tmp(const char *path)
{
    install_handlers();
    for (int i = 0; i < TMP_SLOTS; i++) {
        int expected = FREE;
        if (atomic_compare_exchange_strong(&tmp_state[i], &expected, CLAIMED)) {
            snprintf(tmp_path[i], sizeof tmp_path[i], "%s", path);
            tmp_owner[i] = getpid();
            atomic_store(&tmp_state[i], LIVE);
            return i;
        }
    }
    return -1;
}

static void unregister_tmp(int slot)
{
    if (slot >= 0 && slot < TMP_SLOTS)
        atomic_store(&tmp_state[slot], FREE);
}

int gs__outfile_live_temporaries(void)
{
    int n = 0;
    for (int i = 0; i < TMP_SLOTS; i++)
        n += atomic_load(&tmp_state[i]) == LIVE;
    return n;
}

int gs__outfile_open(gs__outfile *o, const char *path, gs_error *err)
{
    memset(o, 0, sizeof *o);
    o->slot = -1;
    snprintf(o->path, sizeof o->path, "%s", path);
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", path, (long)getpid());
    /* registered before it exists: a signal between the two finds nothing to remove */
    o->slot = register_tmp(o->tmp);
    o->f = fopen(o->tmp, "wb");
    if (!o->f) {
        int e = errno;
        unregister_tmp(o->slot);
        o->slot = -1;
        return gs_error_set(err, GS_EIO, path, 0, 0, NULL, "cannot write: %s", strerror(e));
    }
    setvbuf(o->f, NULL, _IOFBF, 1 << 20);
    return GS_OK;
}

int gs__outfile_commit(gs__outfile *o, gs_error *err)
{
    if (!o->f)
        return gs_error_set(err, GS_EIO, o->path, 0, 0, NULL, "file was not open");
    int bad = ferror(o->f);
    if (fclose(o->f) != 0)
        bad = 1;
    o->f = NULL;
    if (bad) {
        int e = errno;
        remove(o->tmp);
        unregister_tmp(o->slot);
        o->slot = -1;
        return gs_error_set(err, GS_EIO, o->path, 0, 0, NULL, "write failed: %s", strerror(e));
    }
    if (rename(o->tmp, o->path) != 0) {
        int e = errno;
        remove(o->tmp);
        unregister_tmp(o->slot);
        o->slot = -1;
        return gs_error_set(err, GS_EIO, o->path, 0, 0, NULL, "cannot rename into place: %s",
                            strerror(e));
    }
    /* renamed first, released after: a signal in between unlinks a name that is gone */
    unregister_tmp(o->slot);
    o->slot = -1;
    return GS_OK;
}

void gs__outfile_abort(gs__outfile *o)
{
    if (o->f) {
        fclose(o->f);
        o->f = NULL;
        remove(o->tmp);
        unregister_tmp(o->slot);
        o->slot = -1;
    }
}

int gs__mkdirs(const char *path, gs_error *err)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    size_t n = strlen(buf);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return gs_error_set(err, GS_EIO, buf, 0, 0, NULL, "cannot create directory: %s",
                                    strerror(errno));
            buf[i] = c;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return gs_error_set(err, GS_EIO, path, 0, 0, NULL, "not a directory");
    return GS_OK;
}
