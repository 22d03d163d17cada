/* store.c: the daemon's journal of store.h in one SQLite file (WAL, synchronous=FULL): the
 * schema (version 1) and its checks at open, the exclusive lock on PATH.lock that keeps a
 * second daemon out, and the statements for events, actions (intent, then outcome) and load
 * samples, prepared once and guarded by one mutex so that threads never share a statement. */
#include "daemon/store.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define STORE_VERSION 1
#define CAP(type, member) sizeof(((type *)0)->member)
#define BUSY_TIMEOUT_MS 5000

enum {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_EV_ADD,
    ST_EV_STATE,
    ST_EV_PLAN,
    ST_EV_GET,
    ST_EV_LIST,
    ST_EV_LIST_OPEN,
    ST_EV_FIND,
    ST_ACT_INTENT,
    ST_ACT_OUTCOME,
    ST_ACT_PHASE,
    ST_ACT_LIST_ALL,
    ST_ACT_LIST_EVENT,
    ST_SMP_ADD,
    ST_SMP_RANGE_ALL,
    ST_SMP_RANGE_SITE,
    ST_SMP_PRUNE,
    ST_COUNT
};

#define EV_COLS "id, ext_id, source, who, received_s, start_s, end_s, state, state_s, note, " \
                "body, plan"
#define ACT_COLS "id, event_id, job_id, job_name, lever, arg, attempt, phase, intent_s, " \
                 "outcome_s, elapsed_ms, state_after, detail, mw_before, mw_after"
#define SMP_COLS "at_s, site, cls, mw, measured, jobs, racks"

static const char *const sql_of[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_EV_ADD] = "INSERT INTO events (ext_id, source, who, received_s, start_s, end_s, state, "
                  "state_s, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'received', ?4, ?7)",
    [ST_EV_STATE] = "UPDATE events SET state = ?1, state_s = ?2, note = coalesce(?3, note) "
                    "WHERE id = ?4",
    [ST_EV_PLAN] = "UPDATE events SET plan = ?1 WHERE id = ?2",
    [ST_EV_GET] = "SELECT " EV_COLS " FROM events WHERE id = ?1",
    [ST_EV_LIST] = "SELECT " EV_COLS " FROM events ORDER BY id DESC LIMIT ?1",
    [ST_EV_LIST_OPEN] = "SELECT " EV_COLS " FROM events WHERE state NOT IN ('done', 'failed') "
                        "ORDER BY id DESC LIMIT ?1",
    [ST_EV_FIND] = "SELECT id FROM events WHERE ext_id = ?1 AND source = ?2 AND state NOT IN "
                   "('done', 'failed', 'cancelled') ORDER BY id DESC LIMIT 1",
    [ST_ACT_INTENT] = "INSERT INTO actions (event_id, job_id, job_name, lever, arg, attempt, "
                      "phase, intent_s, detail, mw_before, mw_after) VALUES (?1, ?2, ?3, ?4, "
                      "?5, ?6, 'intent', ?7, ?8, ?9, ?10)",
    [ST_ACT_OUTCOME] = "UPDATE actions SET phase = ?1, outcome_s = ?2, elapsed_ms = ?3, "
                       "state_after = ?4, detail = coalesce(?5, detail) "
                       "WHERE id = ?6 AND phase = 'intent'",
    [ST_ACT_PHASE] = "SELECT phase FROM actions WHERE id = ?1",
    [ST_ACT_LIST_ALL] = "SELECT " ACT_COLS " FROM actions WHERE id > ?1 ORDER BY id LIMIT ?2",
    [ST_ACT_LIST_EVENT] = "SELECT " ACT_COLS " FROM actions WHERE event_id = ?3 AND id > ?1 "
                          "ORDER BY id LIMIT ?2",
    [ST_SMP_ADD] = "INSERT INTO samples (" SMP_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [ST_SMP_RANGE_ALL] = "SELECT " SMP_COLS " FROM samples WHERE at_s >= ?1 AND at_s < ?2 "
                         "ORDER BY at_s, rowid",
    [ST_SMP_RANGE_SITE] = "SELECT " SMP_COLS " FROM samples WHERE site = ?3 AND at_s >= ?1 "
                          "AND at_s < ?2 ORDER BY at_s, rowid",
    [ST_SMP_PRUNE] = "DELETE FROM samples WHERE at_s < ?1",
};

/* Version 1. Text is NOT NULL DEFAULT '' throughout (an event's plan is '' before planning and
 * reads back as NULL); ids never reuse a deleted one (AUTOINCREMENT), so that "actions after
 * id N" pages without gaps or repeats. */
static const char schema_sql[] =
    "BEGIN IMMEDIATE;"
    "CREATE TABLE events ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " ext_id TEXT NOT NULL DEFAULT '',"
    " source TEXT NOT NULL DEFAULT '',"
    " who TEXT NOT NULL DEFAULT '',"
    " received_s REAL NOT NULL,"
    " start_s REAL NOT NULL,"
    " end_s REAL NOT NULL,"
    " state TEXT NOT NULL DEFAULT '',"
    " state_s REAL NOT NULL,"
    " note TEXT NOT NULL DEFAULT '',"
    " body TEXT NOT NULL DEFAULT '',"
    " plan TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX events_ext ON events (ext_id, source);"
    "CREATE TABLE actions ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " event_id INTEGER NOT NULL REFERENCES events (id),"
    " job_id INTEGER NOT NULL DEFAULT 0,"
    " job_name TEXT NOT NULL DEFAULT '',"
    " lever TEXT NOT NULL DEFAULT '',"
    " arg REAL NOT NULL DEFAULT 0,"
    " attempt INTEGER NOT NULL DEFAULT 1,"
    " phase TEXT NOT NULL DEFAULT '',"
    " intent_s REAL NOT NULL,"
    " outcome_s REAL NOT NULL DEFAULT 0,"
    " elapsed_ms REAL NOT NULL DEFAULT 0,"
    " state_after TEXT NOT NULL DEFAULT '',"
    " detail TEXT NOT NULL DEFAULT '',"
    " mw_before REAL NOT NULL DEFAULT 0,"
    " mw_after REAL NOT NULL DEFAULT 0);"
    "CREATE INDEX actions_event ON actions (event_id, id);"
    "CREATE TABLE samples ("
    " at_s REAL NOT NULL,"
    " site TEXT NOT NULL DEFAULT '',"
    " cls TEXT NOT NULL DEFAULT '',"
    " mw REAL NOT NULL,"
    " measured INTEGER NOT NULL DEFAULT 0,"
    " jobs INTEGER NOT NULL DEFAULT 0,"
    " racks INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX samples_at ON samples (at_s);"
    "CREATE INDEX samples_site_at ON samples (site, at_s);"
    "PRAGMA user_version = 1;"
    "COMMIT;";

struct gs_store {
    pthread_mutex_t mu;
    sqlite3 *db;
    int lock_fd;
    sqlite3_stmt *st[ST_COUNT];
    char path[]; /* the database file; its lock is path + ".lock" */
};

static const char *const event_states[] = {"received", "planned", "acting", "active",
                                           "restoring", "done", "cancelled", "failed", NULL};
static const char *const event_sources[] = {"post", "ven", "file", NULL};
static const char *const outcome_phases[] = {"done", "failed", "skipped", NULL};

/* ---- helpers ------------------------------------------------------------------------------ */

static bool one_of(const char *word, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(word, *words) == 0)
            return true;
    return false;
}

/* The length of the longest prefix of src that fits a field of cap bytes (with its NUL) and
 * does not end inside a UTF-8 sequence. */
static size_t fit_len(const char *src, size_t cap)
{
    size_t n = strnlen(src, cap);
    if (n < cap)
        return n;
    n = cap - 1;
    while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Text column i of the current row into dst[cap], truncated at a character boundary. */
static void col_copy(char *dst, size_t cap, sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    size_t n = t ? fit_len(t, cap) : 0;
    if (n)
        memcpy(dst, t, n);
    dst[n] = '\0';
}

/* Binds text for a field of cap bytes: NULL as '', longer text cut as col_copy would cut it, so
 * that what is written is what reads back. The text must live until the statement is reset. */
static int bind_field(sqlite3_stmt *st, int i, const char *text, size_t cap)
{
    if (!text)
        text = "";
    return sqlite3_bind_text(st, i, text, (int)fit_len(text, cap), SQLITE_STATIC);
}

/* Text of unbounded length as an owned copy ("" for NULL); NULL only when out of memory. */
static char *col_dup(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return strdup(t ? t : "");
}

static void done_with(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static int code_of(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_NOMEM: return GS_ENOMEM;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return GS_EIO;
    default: return GS_ERUNTIME;
    }
}

/* An error of the database: "OPERATION: sqlite's message", the file named, the code from rc. */
static int db_fail(gs_store *s, gs_error *err, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int db_fail(gs_store *s, gs_error *err, int rc, const char *fmt, ...)
{
    char op[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(op, sizeof op, fmt, ap);
    va_end(ap);
    return gs_error_set(err, code_of(rc), s->path, 0, 0, NULL, "%s: %s (SQLite code %d)", op,
                        sqlite3_errmsg(s->db), rc);
}

static int bad_input(gs_store *s, gs_error *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad_input(gs_store *s, gs_error *err, const char *field, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return gs_error_set(err, GS_EINPUT, s ? s->path : NULL, 0, 0, field, "%s", msg);
}

/* Argument checks shared by every public call; 0 when s is usable. */
static int check_store(gs_store *s, gs_error *err, const char *op)
{
    if (!s)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL, "%s: expected a store, found NULL",
                            op);
    return 0;
}

static int check_finite(gs_store *s, gs_error *err, const char *field, double v, const char *op)
{
    if (isfinite(v))
        return 0;
    return bad_input(s, err, field, "%s: expected a finite %s, found %g", op, field, v);
}

/* Step a statement that returns no row (an INSERT, UPDATE, DELETE or transaction verb). */
static int step_write(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* arr (of *cap elements of size sz) grown to hold at least need: the new array, or NULL when
 * out of memory (arr is then untouched). */
static void *grow(void *arr, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap)
        return arr;
    size_t ncap = *cap ? *cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    void *p = realloc(arr, ncap * sz);
    if (p)
        *cap = ncap;
    return p;
}

static sqlite3_int64 limit_of(size_t limit)
{
    return limit == 0 || limit > (size_t)INT64_MAX ? -1 : (sqlite3_int64)limit;
}

/* ---- open and close ----------------------------------------------------------------------- */

static void store_free(gs_store *s)
{
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->st[i]);
    if (s->db)
        sqlite3_close(s->db);
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* releases the lock; the file stays, so no one locks a stale inode */
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* The exclusive lock on PATH.lock, on an open file description of its own (a second open in
 * the same process is refused too), with this process's id written into it. */
static int take_lock(gs_store *s, gs_error *err)
{
    char lock[4200];
    if ((size_t)snprintf(lock, sizeof lock, "%s.lock", s->path) >= sizeof lock)
        return gs_error_set(err, GS_EINPUT, s->path, 0, 0, NULL,
                            "the store's path is too long (%zu bytes; at most %zu)",
                            strlen(s->path), sizeof lock - 6);
    s->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (s->lock_fd < 0)
        return gs_error_set(err, GS_EIO, lock, 0, 0, NULL,
                            "cannot open the store's lock file: %s", strerror(errno));
    if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e != EWOULDBLOCK)
            return gs_error_set(err, GS_EIO, lock, 0, 0, NULL,
                                "cannot lock the store's lock file: %s", strerror(e));
        char buf[32] = {0};
        ssize_t got = pread(s->lock_fd, buf, sizeof buf - 1, 0);
        char *end = NULL;
        long pid = got > 0 ? strtol(buf, &end, 10) : 0;
        if (got > 0 && end != buf && pid > 0)
            return gs_error_set(err, GS_ERUNTIME, s->path, 0, 0, NULL,
                                "%s is in use by process %ld (it holds %s)", s->path, pid, lock);
        return gs_error_set(err, GS_ERUNTIME, s->path, 0, 0, NULL,
                            "%s is in use by another process (it holds %s)", s->path, lock);
    }
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    if (ftruncate(s->lock_fd, 0) != 0 || pwrite(s->lock_fd, buf, (size_t)len, 0) != len)
        return gs_error_set(err, GS_EIO, lock, 0, 0, NULL,
                            "cannot write this process's id into the store's lock file: %s",
                            strerror(errno));
    return 0;
}

/* What the file is: *version and *objects (entries of its schema); GS_EINPUT when not SQLite. */
static int inspect(gs_store *s, int *version, int *objects, gs_error *err)
{
    static const char q[] = "SELECT (SELECT user_version FROM pragma_user_version), "
                            "(SELECT count(*) FROM sqlite_master)";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, q, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *version = sqlite3_column_int(st, 0);
            *objects = sqlite3_column_int(st, 1);
            rc = SQLITE_OK;
        }
    }
    int out = 0;
    if (rc != SQLITE_OK) {
        if ((rc & 0xff) == SQLITE_NOTADB)
            out = gs_error_set(err, GS_EINPUT, s->path, 0, 0, NULL,
                               "expected a gridsplit store (an SQLite database of schema "
                               "version %d), found a file that is not an SQLite database (%s)",
                               STORE_VERSION, sqlite3_errmsg(s->db));
        else
            out = db_fail(s, err, rc, "reading the schema version of the store");
    }
    sqlite3_finalize(st);
    return out;
}

/* PRAGMA journal_mode=WAL, checked: where WAL cannot work SQLite keeps the mode it had. */
static int set_wal(gs_store *s, gs_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        int out = db_fail(s, err, rc, "setting journal_mode=WAL");
        sqlite3_finalize(st);
        return out;
    }
    char mode[32];
    col_copy(mode, sizeof mode, st, 0);
    sqlite3_finalize(st);
    if (sqlite3_stricmp(mode, "wal") == 0)
        return 0;
    return gs_error_set(err, GS_EIO, s->path, 0, 0, NULL,
                        "the store needs journal_mode=WAL, but SQLite kept journal_mode '%s' "
                        "(WAL needs shared memory and POSIX locks beside the file: a local "
                        "filesystem, not NFS or SMB, and a writable folder)", mode);
}

int gs_store_open(const char *path, gs_store **out, gs_error *err)
{
    if (!out)
        return gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                            "opening the store: expected a place for the handle, found NULL");
    *out = NULL;
    if (!path || !path[0])
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL,
                            "opening the store: expected the path of its file, found %s",
                            path ? "an empty string" : "NULL");
    size_t plen = strlen(path);
    gs_store *s = calloc(1, sizeof *s + plen + 1);
    if (!s)
        return gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL, "opening the store: out of memory");
    memcpy(s->path, path, plen + 1);
    s->lock_fd = -1;
    /* recursive: gs_store_batch_begin holds it across the calls of a batch */
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    int mrc = pthread_mutex_init(&s->mu, &ma);
    pthread_mutexattr_destroy(&ma);
    if (mrc != 0) {
        free(s);
        return gs_error_set(err, GS_ERUNTIME, path, 0, 0, NULL,
                            "opening the store: cannot create its mutex");
    }
    int rc = take_lock(s, err);
    if (rc)
        goto out_free;

    int src = sqlite3_open_v2(path, &s->db,
                              SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                              NULL);
    if (src != SQLITE_OK) {
        if (!s->db) {
            rc = gs_error_set(err, GS_ENOMEM, path, 0, 0, NULL,
                              "opening the store: out of memory");
            goto out_free;
        }
        rc = db_fail(s, err, src, "opening the store");
        goto out_free;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);

    /* what the file is, before anything changes it (WAL mode would persist in a stranger's
     * database) */
    int version = 0, objects = 0;
    if ((rc = inspect(s, &version, &objects, err)))
        goto out_free;
    bool fresh = version == 0 && objects == 0;
    if (!fresh && version != STORE_VERSION) {
        if (version == 0)
            rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                              "expected a gridsplit store (schema version %d), found an SQLite "
                              "database of another program (user_version 0, %d schema "
                              "objects)", STORE_VERSION, objects);
        else
            rc = gs_error_set(err, GS_EINPUT, path, 0, 0, NULL,
                              "expected a gridsplit store of schema version %d, found schema "
                              "version %d (PRAGMA user_version)", STORE_VERSION, version);
        goto out_free;
    }
    if ((rc = set_wal(s, err)))
        goto out_free;
    if ((src = sqlite3_exec(s->db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", NULL, NULL,
                            NULL)) != SQLITE_OK) {
        rc = db_fail(s, err, src, "setting synchronous=FULL and foreign_keys=ON");
        goto out_free;
    }
    if (fresh) {
        src = sqlite3_exec(s->db, schema_sql, NULL, NULL, NULL);
        if (src != SQLITE_OK) {
            rc = db_fail(s, err, src, "creating the store's tables (schema version %d)",
                         STORE_VERSION);
            if (!sqlite3_get_autocommit(s->db))
                sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            goto out_free;
        }
    }
    for (int i = 0; i < ST_COUNT; i++) {
        src = sqlite3_prepare_v3(s->db, sql_of[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i],
                                 NULL);
        if (src != SQLITE_OK) {
            rc = db_fail(s, err, src, "preparing statement %d (%.60s...)", i, sql_of[i]);
            goto out_free;
        }
    }
    *out = s;
    return 0;

out_free:
    store_free(s);
    return rc;
}

void gs_store_close(gs_store *s)
{
    if (s)
        store_free(s);
}

/* ---- events ------------------------------------------------------------------------------ */

void gs_store_event_clear(gs_store_event *e)
{
    if (!e)
        return;
    free(e->body);
    free(e->plan);
    e->body = NULL;
    e->plan = NULL;
}

void gs_store_events_free(gs_store_event *e, size_t n)
{
    if (!e)
        return;
    for (size_t i = 0; i < n; i++)
        gs_store_event_clear(&e[i]);
    free(e);
}

int gs_store_event_add(gs_store *s, const char *ext_id, const char *source, const char *who,
                       double received_s, double start_s, double end_s, const char *body,
                       int64_t *id, gs_error *err)
{
    static const char op[] = "adding an event";
    int rc;
    if ((rc = check_store(s, err, op)))
        return rc;
    if (!id)
        return bad_input(s, err, NULL, "%s: expected a place for its id, found NULL", op);
    *id = 0;
    if (!ext_id || !source)
        return bad_input(s, err, ext_id ? "source" : "ext_id", "%s: expected its %s, found NULL",
                         op, ext_id ? "source" : "ext_id");
    if (!one_of(source, event_sources))
        return bad_input(s, err, "source",
                         "%s: expected source \"post\", \"ven\" or \"file\", found \"%.32s\"",
                         op, source);
    if ((rc = check_finite(s, err, "received_s", received_s, op)) ||
        (rc = check_finite(s, err, "start_s", start_s, op)) ||
        (rc = check_finite(s, err, "end_s", end_s, op)))
        return rc;

    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = s->st[ST_EV_ADD];
    bind_field(st, 1, ext_id, CAP(gs_store_event, ext_id));
    bind_field(st, 2, source, CAP(gs_store_event, source));
    bind_field(st, 3, who, CAP(gs_store_event, who));
    sqlite3_bind_double(st, 4, received_s);
    sqlite3_bind_double(st, 5, start_s);
    sqlite3_bind_double(st, 6, end_s);
    sqlite3_bind_text(st, 7, body ? body : "", -1, SQLITE_STATIC);
    int src = step_write(st);
    if (src == SQLITE_OK)
        *id = sqlite3_last_insert_rowid(s->db);
    else
        rc = db_fail(s, err, src, "adding event '%.64s' (%s)", ext_id, source);
    done_with(st);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int gs_store_event_state(gs_store *s, int64_t id, const char *state, const char *note,
                         double at_s, gs_error *err)
{
    static const char op[] = "setting an event's state";
    int rc;
    if ((rc = check_store(s, err, op)))
        return rc;
    if (!state || !one_of(state, event_states))
        return bad_input(s, err, "state",
                         "%s: expected received, planned, acting, active, restoring, done, "
                         "cancelled or failed, found \"%.32s\"", op, state ? state : "(NULL)");
    if ((rc = check_finite(s, err, "at_s", at_s, op)))
        return rc;

    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = s->st[ST_EV_STATE];
    bind_field(st, 1, state, CAP(gs_store_event, state));
    sqlite3_bind_double(st, 2, at_s);
    if (note)
        bind_field(st, 3, note, CAP(gs_store_event, note));
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_int64(st, 4, id);
    int src = step_write(st);
    if (src != SQLITE_OK)
        rc = db_fail(s, err, src, "setting event %lld to state '%s'", (long long)id, state);
    else if (sqlite3_changes(s->db) == 0)
        rc = bad_input(s, err, NULL, "no event %lld", (long long)id);
    done_with(st);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int gs_store_event_plan(gs_store *s, int64_t id, const char *plan_json, gs_error *err)
{
    int rc;
    if ((rc = check_store(s, err, "storing an event's plan")))
        return rc;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = s->st[ST_EV_PLAN];
    sqlite3_bind_text(st, 1, plan_json ? plan_json : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    int src = step_write(st);
    if (src != SQLITE_OK)
        rc = db_fail(s, err, src, "storing the plan of event %lld", (long long)id);
    else if (sqlite3_changes(s->db) == 0)
        rc = bad_input(s, err, NULL, "no event %lld", (long long)id);
    done_with(st);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

/* The current row of an EV_COLS statement into *e; 0 or GS_ENOMEM (e then holds no memory). */
static int read_event(sqlite3_stmt *st, gs_store_event *e)
{
    memset(e, 0, sizeof *e);
    e->id = sqlite3_column_int64(st, 0);
    col_copy(e->ext_id, sizeof e->ext_id, st, 1);
    col_copy(e->source, sizeof e->source, st, 2);
    col_copy(e->who, sizeof e->who, st, 3);
    e->received_s = sqlite3_column_double(st, 4);
    e->start_s = sqlite3_column_double(st, 5);
    e->end_s = sqlite3_column_double(st, 6);
    col_copy(e->state, sizeof e->state, st, 7);
    e->state_s = sqlite3_column_double(st, 8);
    col_copy(e->note, sizeof e->note, st, 9);
    e->body = col_dup(st, 10);
    const char *plan = (const char *)sqlite3_column_text(st, 11);
    bool has_plan = plan && plan[0];
    e->plan = has_plan ? strdup(plan) : NULL;
    if (!e->body || (has_plan && !e->plan)) {
        gs_store_event_clear(e);
        return GS_ENOMEM;
    }
    return 0;
}

int gs_store_event_get(gs_store *s, int64_t id, gs_store_event *out, gs_error *err)
{
    int rc;
    if ((rc = check_store(s, err, "reading an event")))
        return rc;
    if (!out)
        return bad_input(s, err, NULL, "reading event %lld: expected a place for it, found NULL",
                         (long long)id);
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = s->st[ST_EV_GET];
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        if (read_event(st, out))
            rc = gs_error_set(err, GS_ENOMEM, s->path, 0, 0, NULL,
                              "reading event %lld: out of memory", (long long)id);
    } else if (src == SQLITE_DONE) {
        rc = bad_input(s, err, NULL, "no event %lld", (long long)id);
    } else {
        rc = db_fail(s, err, src, "reading event %lld", (long long)id);
    }
    done_with(st);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int gs_store_events_list(gs_store *s, bool open_only, size_t limit, gs_store_event **out,
                         size_t *n, gs_error *err)
{
    static const char op[] = "listing events";
    int rc;
    if ((rc = check_store(s, err, op)))
        return rc;
    if (!out || !n)
        return bad_input(s, err, NULL, "%s: expected places for the list and its length, "
                         "found NULL", op);
    *out = NULL;
    *n = 0;
    gs_store_event *arr = NULL;
    size_t cnt = 0, cap = 0;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = s->st[open_only ? ST_EV_LIST_OPEN : ST_EV_LIST];
    sqlite3_bind_int64(st, 1, limit_of(limit));
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        void *p = grow(arr, &cap, cnt + 1, sizeof *arr);
        if (p)
            arr = p;
        if (!p || read_event(st, &arr[cnt])) {
            rc = gs_error_set(err, GS_ENOMEM, s->path, 0, 0, NULL, "%s: out of memory", op);
            break;
        }
        cnt++;
    }
    if (!rc && src != SQLITE_DONE)
        rc = db_fail(s, err, src, "%s", op);
    done_with(st);
    pthread_mutex_unlock(&s->mu);
    if (rc) {
        gs_store_events_free(arr, cnt);
        return rc;
    }
    *out = arr;
    *n = cnt;
    return 0;
}

int gs_store_event_find(gs_store *s, const char *ext_id, const char *source, int64_t *id,
                        gs_error *err)
{
    static const char op[] = "finding an event";
    int rc;
    if ((rc = check_store(s, err, op)))
        return rc;
    if (!id)
        return bad_input(s, err, NULL, "%s: expected a place for its id, found NULL", op);
    *id = 0;
    if (!ext_id || !source)
        return bad_input(s, err, ext_id ? "source" : "ext_id", "%s: expected its %s, found NULL",
                         op, ext_id ? "source" : "ext_id");
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = s->st[ST_EV_FIND];
    bind_field(st, 1, ext_id, CAP(gs_store_event, ext_id));
    bind_field(st, 2, source, CAP(gs_store_event, source));
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else if (src != SQLITE_DONE)
        rc = db_fail(s, err, src, "finding event '%.64s' (%.16s)", ext_id, source);
    done_with(st);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

/* ---- actions ------------------------------------------------------------------------------ */

int gs_store_action_intent(gs_store *s, const gs_store_action *a, int64_t *id, gs_error *err)
{
    static const char op[] = "journaling an intent";
    int rc;
    if ((rc = check_store(s, err, op)))
        return rc;
    if (!a || !id)
        return bad_input(s, err, NULL, "%s: expected the action and a place for its id, found "
                         "NULL", op);
    *id = 0;
    if (a->event_id <= 0)
        return bad_input(s, err, "event_id", "%s: expected the id of its event (> 0), found %lld",
                         op, (long long)a->event_id);
    if (!memchr(a->lever, '\0', sizeof a->lever) || !a->lever[0])
        return bad_input(s, err, "lever", "%s: expected a lever (\"suspend\", \"cap\", ...), "
                         "found %s", op, a->lever[0] ? "an unterminated string" : "none");
    if (a->attempt < 1)
        return bad_input(s, err, "attempt", "%s: expected attempt 1, 2, ..., found %d", op,
                         a->attempt);
    if ((rc = check_finite(s, err, "arg", a->arg, op)) ||
        (rc = check_finite(s, err, "intent_s", a->intent_s, op)) ||
        (rc = check_finite(s, err, "mw_before", a->mw_before, op)) ||
        (rc = check_finite(s, err, "mw_after", a->mw_after, op)))
        return rc;

    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = s->st[ST_ACT_INTENT];
    sqlite3_bind_int64(st, 1, a->event_id);
    sqlite3_bind_int64(st, 2, a->job_id);
    /* fit_len stops at the field's size, so a field without its NUL is cut, never overrun */
    bind_field(st, 3, a->job_name, sizeof a->job_name);
    bind_field(st, 4, a->lever, sizeof a->lever);
    sqlite3_bind_double(st, 5, a->arg);
    sqlite3_bind_int(st, 6, a->attempt);
    sqlite3_bind_double(st, 7, a->intent_s);
    bind_field(st, 8, a->detail, sizeof a->detail);
    sqlite3_bind_double(st, 9, a->mw_before);
    sqlite3_bind_double(st, 10, a->mw_after);
    int src = step_write(st);
    if (src == SQLITE_OK)
        *id = sqlite3_last_insert_rowid(s->db);
    else if (src == SQLITE_CONSTRAINT_FOREIGNKEY)
        rc = bad_input(s, err, "event_id", "%s (%s of job %u): no event %lld", op, a->lever,
                       a->job_id, (long long)a->event_id);
    else
        rc = db_fail(s, err, src, "%s (%s of job %u, event %lld)", op, a->lever, a->job_id,
                     (long long)a->event_id);
    done_with(st);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int gs_store_action_outcome(gs_store *s, int64_t id, const char *phase, double at_s,
                            double elapsed_ms, const char *state_after, const char *detail,
                            gs_error *err)
{
    static const char op[] = "journaling an outcome";
    int rc;
    if ((rc = check_store(s, err, op)))
        return rc;
    if (!phase || !one_of(phase, outcome_phases))
        return bad_input(s, err, "phase", "%s of action %lld: expected phase done, failed or "
                         "skipped, found \"%.32s\"", op, (long long)id, phase ? phase : "(NULL)");
    if ((rc = check_finite(s, err, "at_s", at_s, op)) ||
        (rc = check_finite(s, err, "elapsed_ms", elapsed_ms, op)))
        return rc;

    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = s->st[ST_ACT_OUTCOME];
    bind_field(st, 1, phase, CAP(gs_store_action, phase));
    sqlite3_bind_double(st, 2, at_s);
    sqlite3_bind_double(st, 3, elapsed_ms);
    bind_field(st, 4, state_after, CAP(gs_store_action, state_after));
    if (detail)
        bind_field(st, 5, detail, CAP(gs_store_action, detail));
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_int64(st, 6, id);
    int src = step_write(st);
    bool changed = src == SQLITE_OK && sqlite3_changes(s->db) > 0;
    done_with(st);
    if (src != SQLITE_OK) {
        rc = db_fail(s, err, src, "%s of action %lld", op, (long long)id);
    } else if (!changed) {
        /* why not: no such action, or it has its outcome already */
        st = s->st[ST_ACT_PHASE];
        sqlite3_bind_int64(st, 1, id);
        src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
            char was[CAP(gs_store_action, phase)];
            col_copy(was, sizeof was, st, 0);
            rc = bad_input(s, err, NULL, "%s of action %lld: it has one already (phase \"%s\"); "
                           "expected an action in phase \"intent\"", op, (long long)id, was);
        } else if (src == SQLITE_DONE) {
            rc = bad_input(s, err, NULL, "%s: no action %lld", op, (long long)id);
        } else {
            rc = db_fail(s, err, src, "%s of action %lld", op, (long long)id);
        }
        done_with(st);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static void read_action(sqlite3_stmt *st, gs_store_action *a)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(st, 0);
    a->event_id = sqlite3_column_int64(st, 1);
    a->job_id = (uint32_t)sqlite3_column_int64(st, 2);
    col_copy(a->job_name, sizeof a->job_name, st, 3);
    col_copy(a->lever, sizeof a->lever, st, 4);
    a->arg = sqlite3_column_double(st, 5);
    a->attempt = sqlite3_column_int(st, 6);
    col_copy(a->phase, sizeof a->phase, st, 7);
    a->intent_s = sqlite3_column_double(st, 8);
    a->outcome_s = sqlite3_column_double(st, 9);
    a->elapsed_ms = sqlite3_column_double(st, 10);
    col_copy(a->state_after, sizeof a->state_after, st, 11);
    col_copy(a->detail, sizeof a->detail, st, 12);
    a->mw_before = sqlite3_column_double(st, 13);
    a->mw_after = sqlite3_column_double(st, 14);
}

int gs_store_actions_list(gs_store *s, int64_t event_id, int64_t after_id, size_t limit,
                          gs_store_action **out, size_t *n, gs_error *err)
{
    static const char op[] = "listing actions";
    int rc;
    if ((rc = check_store(s, err, op)))
        return rc;
    if (!out || !n)
        return bad_input(s, err, NULL, "%s: expected places for the list and its length, "
                         "found NULL", op);
    *out = NULL;
    *n = 0;
    gs_store_action *arr = NULL;
    size_t cnt = 0, cap = 0;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = s->st[event_id > 0 ? ST_ACT_LIST_EVENT : ST_ACT_LIST_ALL];
    sqlite3_bind_int64(st, 1, after_id);
    sqlite3_bind_int64(st, 2, limit_of(limit));
    if (event_id > 0)
        sqlite3_bind_int64(st, 3, event_id);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        void *p = grow(arr, &cap, cnt + 1, sizeof *arr);
        if (!p) {
            rc = gs_error_set(err, GS_ENOMEM, s->path, 0, 0, NULL, "%s: out of memory", op);
            break;
        }
        arr = p;
        read_action(st, &arr[cnt++]);
    }
    if (!rc && src != SQLITE_DONE)
        rc = db_fail(s, err, src, "%s (event %lld, after id %lld)", op, (long long)event_id,
                     (long long)after_id);
    done_with(st);
    pthread_mutex_unlock(&s->mu);
    if (rc) {
        free(arr);
        return rc;
    }
    *out = arr;
    *n = cnt;
    return 0;
}

/* ---- samples ------------------------------------------------------------------------------ */

int gs_store_samples_add(gs_store *s, const gs_store_sample *rows, size_t n, gs_error *err)
{
    static const char op[] = "adding load samples";
    int rc;
    if ((rc = check_store(s, err, op)))
        return rc;
    if (n == 0)
        return 0;
    if (!rows)
        return bad_input(s, err, NULL, "%s: expected %zu rows, found NULL", op, n);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(rows[i].at_s) || !isfinite(rows[i].mw))
            return bad_input(s, err, isfinite(rows[i].at_s) ? "mw" : "at_s",
                             "%s: expected finite at_s and mw, found at_s %g and mw %g in row "
                             "%zu", op, rows[i].at_s, rows[i].mw, i + 1);

    pthread_mutex_lock(&s->mu);
    int src = step_write(s->st[ST_BEGIN]);
    done_with(s->st[ST_BEGIN]);
    if (src != SQLITE_OK) {
        rc = db_fail(s, err, src, "%s: beginning the transaction", op);
        goto out_unlock;
    }
    sqlite3_stmt *st = s->st[ST_SMP_ADD];
    for (size_t i = 0; i < n && !rc; i++) {
        const gs_store_sample *r = &rows[i];
        sqlite3_bind_double(st, 1, r->at_s);
        bind_field(st, 2, r->site, sizeof r->site);
        bind_field(st, 3, r->cls, sizeof r->cls);
        sqlite3_bind_double(st, 4, r->mw);
        sqlite3_bind_int(st, 5, r->measured ? 1 : 0);
        sqlite3_bind_int(st, 6, r->jobs);
        sqlite3_bind_int(st, 7, r->racks);
        src = step_write(st);
        if (src != SQLITE_OK)
            rc = db_fail(s, err, src, "%s: row %zu of %zu (site '%.64s' at %.3f s)", op, i + 1,
                         n, r->site, r->at_s);
        done_with(st);
    }
    if (!rc) {
        src = step_write(s->st[ST_COMMIT]);
        done_with(s->st[ST_COMMIT]);
        if (src != SQLITE_OK)
            rc = db_fail(s, err, src, "%s: committing %zu rows", op, n);
    }
    if (rc && !sqlite3_get_autocommit(s->db)) {
        step_write(s->st[ST_ROLLBACK]);
        done_with(s->st[ST_ROLLBACK]);
    }
out_unlock:
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int gs_store_samples_range(gs_store *s, double from_s, double to_s, const char *site,
                           gs_store_sample **out, size_t *n, gs_error *err)
{
    static const char op[] = "reading load samples";
    int rc;
    if ((rc = check_store(s, err, op)))
        return rc;
    if (!out || !n)
        return bad_input(s, err, NULL, "%s: expected places for the list and its length, "
                         "found NULL", op);
    *out = NULL;
    *n = 0;
    if (isnan(from_s) || isnan(to_s))
        return bad_input(s, err, isnan(from_s) ? "from_s" : "to_s",
                         "%s: expected a time window, found from_s %g and to_s %g", op, from_s,
                         to_s);
    bool by_site = site && site[0];
    gs_store_sample *arr = NULL;
    size_t cnt = 0, cap = 0;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = s->st[by_site ? ST_SMP_RANGE_SITE : ST_SMP_RANGE_ALL];
    sqlite3_bind_double(st, 1, from_s);
    sqlite3_bind_double(st, 2, to_s);
    if (by_site)
        bind_field(st, 3, site, CAP(gs_store_sample, site));
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        void *p = grow(arr, &cap, cnt + 1, sizeof *arr);
        if (!p) {
            rc = gs_error_set(err, GS_ENOMEM, s->path, 0, 0, NULL, "%s: out of memory", op);
            break;
        }
        arr = p;
        gs_store_sample *r = &arr[cnt++];
        memset(r, 0, sizeof *r);
        r->at_s = sqlite3_column_double(st, 0);
        col_copy(r->site, sizeof r->site, st, 1);
        col_copy(r->cls, sizeof r->cls, st, 2);
        r->mw = sqlite3_column_double(st, 3);
        r->measured = sqlite3_column_int(st, 4) != 0;
        r->jobs = sqlite3_column_int(st, 5);
        r->racks = sqlite3_column_int(st, 6);
    }
    if (!rc && src != SQLITE_DONE)
        rc = db_fail(s, err, src, "%s from %.3f s to %.3f s", op, from_s, to_s);
    done_with(st);
    pthread_mutex_unlock(&s->mu);
    if (rc) {
        free(arr);
        return rc;
    }
    *out = arr;
    *n = cnt;
    return 0;
}

int gs_store_samples_prune(gs_store *s, double before_s, gs_error *err)
{
    static const char op[] = "pruning load samples";
    int rc;
    if ((rc = check_store(s, err, op)))
        return rc;
    if (isnan(before_s))
        return bad_input(s, err, "before_s", "%s: expected a time, found %g", op, before_s);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *st = s->st[ST_SMP_PRUNE];
    sqlite3_bind_double(st, 1, before_s);
    int src = step_write(st);
    if (src != SQLITE_OK)
        rc = db_fail(s, err, src, "%s older than %.3f s", op, before_s);
    done_with(st);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int gs_store_batch_begin(gs_store *s, gs_error *err)
{
    static const char op[] = "beginning a batch";
    int rc;
    if ((rc = check_store(s, err, op)))
        return rc;
    pthread_mutex_lock(&s->mu);
    int src = step_write(s->st[ST_BEGIN]);
    done_with(s->st[ST_BEGIN]);
    if (src != SQLITE_OK) {
        rc = db_fail(s, err, src, "%s", op);
        pthread_mutex_unlock(&s->mu);
        return rc;
    }
    return 0; /* the lock stays held until gs_store_batch_end */
}

int gs_store_batch_end(gs_store *s, gs_error *err)
{
    static const char op[] = "committing a batch";
    int rc = 0;
    int src = step_write(s->st[ST_COMMIT]);
    done_with(s->st[ST_COMMIT]);
    if (src != SQLITE_OK) {
        rc = db_fail(s, err, src, "%s", op);
        if (!sqlite3_get_autocommit(s->db)) {
            step_write(s->st[ST_ROLLBACK]);
            done_with(s->st[ST_ROLLBACK]);
        }
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}
