/* test_serve_store.c: the daemon's journal (src/daemon/store.c) in a fresh mkdtemp folder per
 * test: the schema it creates (version 1, WAL), events through their states with plan, get,
 * list and find, intents then outcomes listed by event and after an id, samples by window and
 * site and their pruning, everything kept across a reopen and across a writer that died
 * without closing (a forked child's _exit), a second open refused while the first holds the
 * lock, files that are not a store refused, long text cut to its field, and two threads
 * journaling at once losing nothing. No timing here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/store.h"

#define T0 1700000000.0

typedef struct fx {
    char dir[64];
    char path[128];
} fx;

static int setup(void **st)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/gs_store_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/journal.db", f->dir);
    *st = f;
    return 0;
}

static int teardown(void **st)
{
    fx *f = *st;
    DIR *d = opendir(f->dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            char p[512];
            snprintf(p, sizeof p, "%s/%s", f->dir, de->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static gs_store *open_ok(const fx *f)
{
    gs_error e = {0};
    gs_store *s = NULL;
    int rc = gs_store_open(f->path, &s, &e);
    if (rc)
        fail_msg("gs_store_open(%s): %d %s", f->path, rc, e.message);
    assert_non_null(s);
    return s;
}

static int64_t add_event(gs_store *s, const char *ext, const char *source, double at_s)
{
    gs_error e = {0};
    int64_t id = -1;
    int rc = gs_store_event_add(s, ext, source, "ops", at_s, at_s + 600, at_s + 4200,
                                "{\"id\":\"x\"}", &id, &e);
    if (rc)
        fail_msg("gs_store_event_add(%s): %s", ext, e.message);
    assert_true(id > 0);
    return id;
}

static gs_store_action action_of(int64_t event_id, uint32_t job, const char *lever)
{
    gs_store_action a;
    memset(&a, 0, sizeof a);
    a.event_id = event_id;
    a.job_id = job;
    snprintf(a.job_name, sizeof a.job_name, "pretrain-%u", job);
    snprintf(a.lever, sizeof a.lever, "%s", lever);
    a.arg = strcmp(lever, "cap") == 0 ? 450 : 0;
    a.attempt = 1;
    a.intent_s = T0 + job;
    snprintf(a.detail, sizeof a.detail, "plan step for job %u", job);
    a.mw_before = 0.25;
    a.mw_after = 0.0;
    return a;
}

static int64_t intent_ok(gs_store *s, const gs_store_action *a)
{
    gs_error e = {0};
    int64_t id = 0;
    int rc = gs_store_action_intent(s, a, &id, &e);
    if (rc)
        fail_msg("gs_store_action_intent: %s", e.message);
    assert_true(id > 0);
    return id;
}

/* One integer of a query on a store file, read by SQLite directly (the store closed). */
static long long query_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void make_db(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_new_store_has_schema_version_1_in_wal_mode(void **st)
{
    fx *f = *st;
    gs_store *s = open_ok(f);
    gs_store_close(s);
    assert_int_equal(query_int(f->path, "PRAGMA user_version"), 1);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
    sqlite3_finalize(q);
    sqlite3_close(db);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                        "AND name IN ('events', 'actions', 'samples')"), 3);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                                        "AND name IN ('samples_at', 'samples_site_at')"), 2);
    /* the lock file names this process */
    char lock[160];
    snprintf(lock, sizeof lock, "%s.lock", f->path);
    FILE *fp = fopen(lock, "r");
    assert_non_null(fp);
    long pid = 0;
    assert_int_equal(fscanf(fp, "%ld", &pid), 1);
    fclose(fp);
    assert_int_equal(pid, (long)getpid());
    /* and it opens again as the same store */
    gs_store_close(open_ok(f));
    gs_store_close(NULL);
}

static void test_events_move_through_states_with_plan_get_list_and_find(void **st)
{
    fx *f = *st;
    gs_store *s = open_ok(f);
    gs_error e = {0};
    int64_t a = add_event(s, "ercot-eea-1", "post", T0);
    int64_t b = add_event(s, "oadr-77", "ven", T0 + 10);
    int64_t c = add_event(s, "file-3", "file", T0 + 20);
    int64_t d = add_event(s, "oadr-78", "ven", T0 + 30);
    assert_true(a < b && b < c && c < d);

    gs_store_event ev;
    assert_int_equal(gs_store_event_get(s, a, &ev, &e), 0);
    assert_int_equal(ev.id, a);
    assert_string_equal(ev.ext_id, "ercot-eea-1");
    assert_string_equal(ev.source, "post");
    assert_string_equal(ev.who, "ops");
    assert_string_equal(ev.state, "received");
    assert_true(ev.received_s == T0 && ev.state_s == T0);
    assert_true(ev.start_s == T0 + 600 && ev.end_s == T0 + 4200);
    assert_string_equal(ev.note, "");
    assert_string_equal(ev.body, "{\"id\":\"x\"}");
    assert_null(ev.plan);
    gs_store_event_clear(&ev);

    assert_int_equal(gs_store_event_plan(s, a, "{\"steps\":[1,2]}", &e), 0);
    assert_int_equal(gs_store_event_state(s, a, "planned", NULL, T0 + 1.5, &e), 0);
    assert_int_equal(gs_store_event_state(s, a, "acting", "pausing 3 jobs", T0 + 2.25, &e), 0);
    assert_int_equal(gs_store_event_state(s, a, "active", NULL, T0 + 3, &e), 0);
    assert_int_equal(gs_store_event_get(s, a, &ev, &e), 0);
    assert_string_equal(ev.state, "active");
    assert_true(ev.state_s == T0 + 3);
    assert_string_equal(ev.note, "pausing 3 jobs"); /* NULL kept the note */
    assert_string_equal(ev.plan, "{\"steps\":[1,2]}");
    gs_store_event_clear(&ev);
    gs_store_event_clear(&ev); /* twice is harmless */

    /* b done, c failed, d cancelled (its restore may be owed: still open) */
    assert_int_equal(gs_store_event_state(s, b, "done", "restored", T0 + 50, &e), 0);
    assert_int_equal(gs_store_event_state(s, c, "failed", "slurm down", T0 + 60, &e), 0);
    assert_int_equal(gs_store_event_state(s, d, "cancelled", "VEN cancelled", T0 + 70, &e), 0);

    gs_store_event *list = NULL;
    size_t n = 0;
    assert_int_equal(gs_store_events_list(s, false, 0, &list, &n, &e), 0);
    assert_int_equal(n, 4);
    assert_int_equal(list[0].id, d); /* newest first */
    assert_int_equal(list[3].id, a);
    gs_store_events_free(list, n);
    assert_int_equal(gs_store_events_list(s, false, 2, &list, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, d);
    assert_int_equal(list[1].id, c);
    gs_store_events_free(list, n);
    assert_int_equal(gs_store_events_list(s, true, 0, &list, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, d);
    assert_string_equal(list[0].state, "cancelled");
    assert_int_equal(list[1].id, a);
    gs_store_events_free(list, n);
    gs_store_events_free(NULL, 0);

    int64_t id = -1;
    assert_int_equal(gs_store_event_find(s, "ercot-eea-1", "post", &id, &e), 0);
    assert_int_equal(id, a);
    assert_int_equal(gs_store_event_find(s, "ercot-eea-1", "ven", &id, &e), 0);
    assert_int_equal(id, 0); /* same id, other source */
    assert_int_equal(gs_store_event_find(s, "oadr-77", "ven", &id, &e), 0);
    assert_int_equal(id, 0); /* done */
    assert_int_equal(gs_store_event_find(s, "file-3", "file", &id, &e), 0);
    assert_int_equal(id, 0); /* failed */
    assert_int_equal(gs_store_event_find(s, "oadr-78", "ven", &id, &e), 0);
    assert_int_equal(id, 0); /* cancelled */
    assert_int_equal(gs_store_event_find(s, "nope", "post", &id, &e), 0);
    assert_int_equal(id, 0);
    /* a repeat of a done event is a new one, and find then names it */
    int64_t b2 = add_event(s, "oadr-77", "ven", T0 + 100);
    assert_int_equal(gs_store_event_find(s, "oadr-77", "ven", &id, &e), 0);
    assert_int_equal(id, b2);

    gs_store_close(s);
}

static void test_bad_event_calls_are_input_errors(void **st)
{
    fx *f = *st;
    gs_store *s = open_ok(f);
    gs_error e = {0};
    int64_t id = 0;
    int64_t a = add_event(s, "x", "post", T0);

    assert_int_equal(gs_store_event_add(s, "y", "mqtt", NULL, T0, T0, T0, NULL, &id, &e),
                     GS_EINPUT);
    assert_non_null(strstr(e.message, "mqtt"));
    assert_int_equal(gs_store_event_add(s, "y", "post", NULL, NAN, T0, T0, NULL, &id, &e),
                     GS_EINPUT);
    assert_string_equal(e.field, "received_s");
    assert_int_equal(gs_store_event_add(s, NULL, "post", NULL, T0, T0, T0, NULL, &id, &e),
                     GS_EINPUT);
    assert_int_equal(gs_store_event_add(NULL, "y", "post", NULL, T0, T0, T0, NULL, &id, &e),
                     GS_EINPUT);
    /* NULL who and body are '' */
    assert_int_equal(gs_store_event_add(s, "y", "post", NULL, T0, T0, T0, NULL, &id, &e), 0);
    gs_store_event ev;
    assert_int_equal(gs_store_event_get(s, id, &ev, &e), 0);
    assert_string_equal(ev.who, "");
    assert_string_equal(ev.body, "");
    gs_store_event_clear(&ev);

    assert_int_equal(gs_store_event_state(s, a, "paused", NULL, T0, &e), GS_EINPUT);
    assert_non_null(strstr(e.message, "paused"));
    assert_int_equal(gs_store_event_state(s, a, NULL, NULL, T0, &e), GS_EINPUT);
    assert_int_equal(gs_store_event_state(s, a, "done", NULL, INFINITY, &e), GS_EINPUT);
    assert_int_equal(gs_store_event_state(s, 999, "done", NULL, T0, &e), GS_EINPUT);
    assert_string_equal(e.message, "no event 999");
    assert_int_equal(gs_store_event_plan(s, 999, "{}", &e), GS_EINPUT);
    assert_string_equal(e.message, "no event 999");
    assert_int_equal(gs_store_event_get(s, 999, &ev, &e), GS_EINPUT);
    assert_string_equal(e.message, "no event 999");
    assert_string_equal(e.file, f->path);
    assert_null(ev.body);
    gs_store_event_clear(&ev);
    /* nothing changed by the refusals */
    assert_int_equal(gs_store_event_get(s, a, &ev, &e), 0);
    assert_string_equal(ev.state, "received");
    gs_store_event_clear(&ev);
    gs_store_close(s);
}

static void test_intent_then_outcome_listed_by_event_and_after_id(void **st)
{
    fx *f = *st;
    gs_store *s = open_ok(f);
    gs_error e = {0};
    int64_t ev1 = add_event(s, "one", "post", T0);
    int64_t ev2 = add_event(s, "two", "post", T0);

    gs_store_action a1 = action_of(ev1, 101, "checkpoint");
    a1.arg = 10; /* SIGUSR1 */
    gs_store_action a2 = action_of(ev1, 102, "cap");
    gs_store_action a3 = action_of(ev2, 0, "route");
    int64_t i1 = intent_ok(s, &a1), i2 = intent_ok(s, &a2), i3 = intent_ok(s, &a3);
    assert_true(i1 < i2 && i2 < i3);

    gs_store_action *list = NULL;
    size_t n = 0;
    assert_int_equal(gs_store_actions_list(s, ev1, 0, 0, &list, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, i1);
    assert_int_equal(list[0].event_id, ev1);
    assert_int_equal(list[0].job_id, 101);
    assert_string_equal(list[0].job_name, "pretrain-101");
    assert_string_equal(list[0].lever, "checkpoint");
    assert_true(list[0].arg == 10);
    assert_int_equal(list[0].attempt, 1);
    assert_string_equal(list[0].phase, "intent");
    assert_true(list[0].intent_s == T0 + 101);
    assert_true(list[0].outcome_s == 0 && list[0].elapsed_ms == 0);
    assert_string_equal(list[0].state_after, "");
    assert_string_equal(list[0].detail, "plan step for job 101");
    assert_true(list[0].mw_before == 0.25 && list[0].mw_after == 0);
    assert_string_equal(list[1].lever, "cap");
    assert_true(list[1].arg == 450);
    free(list);

    assert_int_equal(gs_store_action_outcome(s, i1, "done", T0 + 200.125, 42.5, "running",
                                             "checkpoint marker seen", &e), 0);
    assert_int_equal(gs_store_action_outcome(s, i2, "failed", T0 + 201, 7, NULL, NULL, &e), 0);
    assert_int_equal(gs_store_action_outcome(s, i3, "skipped", T0 + 202, 0, NULL,
                                             "no inference at the site", &e), 0);

    /* all, after i1 */
    assert_int_equal(gs_store_actions_list(s, 0, i1, 0, &list, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, i2);
    assert_string_equal(list[0].phase, "failed");
    assert_string_equal(list[0].state_after, "");
    assert_string_equal(list[0].detail, "plan step for job 102"); /* NULL kept the intent's */
    assert_true(list[0].elapsed_ms == 7);
    assert_int_equal(list[1].id, i3);
    assert_int_equal(list[1].event_id, ev2);
    assert_string_equal(list[1].phase, "skipped");
    assert_string_equal(list[1].detail, "no inference at the site");
    free(list);
    /* all, at most 1 */
    assert_int_equal(gs_store_actions_list(s, 0, 0, 1, &list, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, i1);
    assert_string_equal(list[0].phase, "done");
    assert_string_equal(list[0].state_after, "running");
    assert_string_equal(list[0].detail, "checkpoint marker seen");
    assert_true(list[0].outcome_s == T0 + 200.125 && list[0].elapsed_ms == 42.5);
    free(list);
    /* of ev2 after its last: none */
    assert_int_equal(gs_store_actions_list(s, ev2, i3, 0, &list, &n, &e), 0);
    assert_int_equal(n, 0);
    free(list);

    /* an outcome once only; bad phases and missing ids refused */
    assert_int_equal(gs_store_action_outcome(s, i1, "failed", T0, 0, NULL, NULL, &e), GS_EINPUT);
    assert_non_null(strstr(e.message, "\"done\""));
    assert_int_equal(gs_store_action_outcome(s, 999, "done", T0, 0, NULL, NULL, &e), GS_EINPUT);
    assert_non_null(strstr(e.message, "no action 999"));
    assert_int_equal(gs_store_action_outcome(s, i1, "intent", T0, 0, NULL, NULL, &e),
                     GS_EINPUT);
    assert_int_equal(gs_store_action_outcome(s, i1, NULL, T0, 0, NULL, NULL, &e), GS_EINPUT);
    assert_int_equal(gs_store_action_outcome(s, i1, "done", T0, NAN, NULL, NULL, &e), GS_EINPUT);

    /* intents that cannot be journaled */
    int64_t id = 0;
    gs_store_action bad = action_of(999, 1, "suspend");
    assert_int_equal(gs_store_action_intent(s, &bad, &id, &e), GS_EINPUT);
    assert_non_null(strstr(e.message, "no event 999"));
    bad = action_of(0, 1, "suspend");
    assert_int_equal(gs_store_action_intent(s, &bad, &id, &e), GS_EINPUT);
    bad = action_of(ev1, 1, "");
    assert_int_equal(gs_store_action_intent(s, &bad, &id, &e), GS_EINPUT);
    bad = action_of(ev1, 1, "suspend");
    bad.attempt = 0;
    assert_int_equal(gs_store_action_intent(s, &bad, &id, &e), GS_EINPUT);
    bad.attempt = 2;
    bad.intent_s = NAN;
    assert_int_equal(gs_store_action_intent(s, &bad, &id, &e), GS_EINPUT);
    assert_int_equal(gs_store_action_intent(s, NULL, &id, &e), GS_EINPUT);
    assert_int_equal(gs_store_actions_list(s, 0, 0, 0, &list, &n, &e), 0);
    assert_int_equal(n, 3); /* nothing added by the refusals */
    free(list);
    gs_store_close(s);
}

static gs_store_sample sample_of(double at_s, const char *site, const char *cls, double mw)
{
    gs_store_sample r;
    memset(&r, 0, sizeof r);
    r.at_s = at_s;
    snprintf(r.site, sizeof r.site, "%s", site);
    snprintf(r.cls, sizeof r.cls, "%s", cls);
    r.mw = mw;
    r.measured = mw > 10;
    r.jobs = (int)mw;
    r.racks = (int)mw / 2;
    return r;
}

static void test_samples_by_window_and_site_and_pruned(void **st)
{
    fx *f = *st;
    gs_store *s = open_ok(f);
    gs_error e = {0};
    gs_store_sample rows[12];
    for (int i = 0; i < 6; i++) {
        rows[2 * i] = sample_of(T0 + 60 * i, "ashburn", "inference", 20 + i);
        rows[2 * i + 1] = sample_of(T0 + 60 * i, "abilene", "training", 5 + i);
    }
    /* added out of time order: read back in time order */
    assert_int_equal(gs_store_samples_add(s, rows + 6, 6, &e), 0);
    assert_int_equal(gs_store_samples_add(s, rows, 6, &e), 0);
    assert_int_equal(gs_store_samples_add(s, rows, 0, &e), 0);
    assert_int_equal(gs_store_samples_add(s, NULL, 0, &e), 0);

    gs_store_sample *got = NULL;
    size_t n = 0;
    assert_int_equal(gs_store_samples_range(s, T0, T0 + 360, NULL, &got, &n, &e), 0);
    assert_int_equal(n, 12);
    for (size_t i = 1; i < n; i++)
        assert_true(got[i - 1].at_s <= got[i].at_s);
    free(got);
    /* [from, to): T0+60 .. T0+180 holds minutes 1 and 2 */
    assert_int_equal(gs_store_samples_range(s, T0 + 60, T0 + 180, "ashburn", &got, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_true(got[0].at_s == T0 + 60 && got[1].at_s == T0 + 120);
    assert_string_equal(got[0].site, "ashburn");
    assert_string_equal(got[0].cls, "inference");
    assert_true(got[0].mw == 21);
    assert_true(got[0].measured);
    assert_int_equal(got[0].jobs, 21);
    assert_int_equal(got[0].racks, 10);
    free(got);
    assert_int_equal(gs_store_samples_range(s, T0, T0 + 360, "", &got, &n, &e), 0);
    assert_int_equal(n, 12);
    free(got);
    assert_int_equal(gs_store_samples_range(s, T0, T0 + 360, "abilene", &got, &n, &e), 0);
    assert_int_equal(n, 6);
    assert_false(got[0].measured);
    free(got);
    assert_int_equal(gs_store_samples_range(s, T0, T0 + 360, "nowhere", &got, &n, &e), 0);
    assert_int_equal(n, 0);
    free(got);
    assert_int_equal(gs_store_samples_range(s, NAN, T0, NULL, &got, &n, &e), GS_EINPUT);

    /* a batch with one bad row adds nothing */
    gs_store_sample bad[2] = {sample_of(T0 + 1, "x", "training", 1),
                              sample_of(T0 + 2, "x", "training", NAN)};
    assert_int_equal(gs_store_samples_add(s, bad, 2, &e), GS_EINPUT);
    assert_non_null(strstr(e.message, "row 2"));
    assert_int_equal(gs_store_samples_add(s, NULL, 2, &e), GS_EINPUT);

    assert_int_equal(gs_store_samples_prune(s, T0 + 120, &e), 0);
    assert_int_equal(gs_store_samples_range(s, -INFINITY, INFINITY, NULL, &got, &n, &e), 0);
    assert_int_equal(n, 8);
    assert_true(got[0].at_s == T0 + 120);
    free(got);
    assert_int_equal(gs_store_samples_prune(s, NAN, &e), GS_EINPUT);
    gs_store_close(s);
}

static void test_reopen_after_close_keeps_everything(void **st)
{
    fx *f = *st;
    gs_store *s = open_ok(f);
    gs_error e = {0};
    int64_t ev = add_event(s, "keep", "ven", T0);
    assert_int_equal(gs_store_event_plan(s, ev, "{\"plan\":true}", &e), 0);
    assert_int_equal(gs_store_event_state(s, ev, "restoring", "ending", T0 + 9, &e), 0);
    gs_store_action a = action_of(ev, 7, "suspend");
    int64_t ai = intent_ok(s, &a);
    assert_int_equal(gs_store_action_outcome(s, ai, "done", T0 + 10, 31, "suspended", "ok", &e),
                     0);
    gs_store_sample r = sample_of(T0, "quebec", "training", 80);
    assert_int_equal(gs_store_samples_add(s, &r, 1, &e), 0);
    gs_store_close(s);

    s = open_ok(f);
    gs_store_event got;
    assert_int_equal(gs_store_event_get(s, ev, &got, &e), 0);
    assert_string_equal(got.ext_id, "keep");
    assert_string_equal(got.state, "restoring");
    assert_string_equal(got.note, "ending");
    assert_string_equal(got.plan, "{\"plan\":true}");
    gs_store_event_clear(&got);
    gs_store_action *list = NULL;
    size_t n = 0;
    assert_int_equal(gs_store_actions_list(s, ev, 0, 0, &list, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].phase, "done");
    assert_string_equal(list[0].state_after, "suspended");
    free(list);
    gs_store_sample *rows = NULL;
    assert_int_equal(gs_store_samples_range(s, T0, T0 + 1, "quebec", &rows, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_true(rows[0].mw == 80);
    free(rows);
    /* ids go on after the old ones */
    int64_t ev2 = add_event(s, "next", "ven", T0);
    assert_true(ev2 > ev);
    gs_store_close(s);
}

static void test_second_open_refused_while_first_holds_the_lock(void **st)
{
    fx *f = *st;
    gs_store *s = open_ok(f);
    gs_error e = {0};
    gs_store *s2 = (gs_store *)&e; /* must be reset to NULL */
    assert_int_equal(gs_store_open(f->path, &s2, &e), GS_ERUNTIME);
    assert_null(s2);
    char want[256];
    snprintf(want, sizeof want, "%s is in use by process %ld", f->path, (long)getpid());
    assert_non_null(strstr(e.message, want));
    /* the first is untouched by the refusal */
    int64_t ev = add_event(s, "still", "post", T0);
    gs_store_close(s);
    s = open_ok(f);
    gs_store_event got;
    assert_int_equal(gs_store_event_get(s, ev, &got, &e), 0);
    gs_store_event_clear(&got);
    gs_store_close(s);
}

static void test_files_that_are_not_a_store_are_refused(void **st)
{
    fx *f = *st;
    gs_error e = {0};
    gs_store *s = NULL;

    /* plain text, long enough to hold an SQLite header, and a short one */
    char text[600];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    memcpy(text, "time,site,mw\n", 13);
    write_file(f->path, text);
    assert_int_equal(gs_store_open(f->path, &s, &e), GS_EINPUT);
    assert_null(s);
    assert_string_equal(e.file, f->path);
    assert_non_null(strstr(e.message, "not an SQLite database"));
    unlink(f->path);
    write_file(f->path, "hello\n");
    assert_int_equal(gs_store_open(f->path, &s, &e), GS_EINPUT);
    assert_non_null(strstr(e.message, "not an SQLite database"));
    unlink(f->path);

    /* another schema version */
    make_db(f->path, "CREATE TABLE events (id INTEGER); PRAGMA user_version = 7;");
    assert_int_equal(gs_store_open(f->path, &s, &e), GS_EINPUT);
    assert_null(s);
    assert_string_equal(e.file, f->path);
    assert_non_null(strstr(e.message, "found schema version 7"));
    unlink(f->path);

    /* another program's database (user_version 0, tables): refused, and left as it was */
    make_db(f->path, "CREATE TABLE t (a); INSERT INTO t VALUES (1);");
    assert_int_equal(gs_store_open(f->path, &s, &e), GS_EINPUT);
    assert_non_null(strstr(e.message, "another program"));
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "delete");
    sqlite3_finalize(q);
    sqlite3_close(db);
    assert_int_equal(query_int(f->path, "PRAGMA user_version"), 0);

    /* a folder that does not exist, an empty path, NULLs */
    char nowhere[200];
    snprintf(nowhere, sizeof nowhere, "%s/no/such/dir/j.db", f->dir);
    assert_int_equal(gs_store_open(nowhere, &s, &e), GS_EIO);
    assert_non_null(strstr(e.file, "no/such/dir"));
    assert_int_equal(gs_store_open("", &s, &e), GS_EINPUT);
    assert_int_equal(gs_store_open(NULL, &s, &e), GS_EINPUT);
    assert_int_equal(gs_store_open(f->path, NULL, &e), GS_EINPUT);
}

static void test_long_strings_are_cut_to_their_fields(void **st)
{
    fx *f = *st;
    gs_store *s = open_ok(f);
    gs_error e = {0};
    char big[2000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    /* "é" (2 bytes) across byte 63 of a 64-byte field: cut before it, not inside it */
    char utf[200];
    memset(utf, 'b', sizeof utf - 1);
    utf[sizeof utf - 1] = '\0';
    utf[62] = (char)0xC3;
    utf[63] = (char)0xA9;

    int64_t id = 0;
    assert_int_equal(gs_store_event_add(s, big, "post", utf, T0, T0, T0, big, &id, &e), 0);
    assert_int_equal(gs_store_event_state(s, id, "planned", big, T0, &e), 0);
    gs_store_event ev;
    assert_int_equal(gs_store_event_get(s, id, &ev, &e), 0);
    assert_int_equal(strlen(ev.ext_id), sizeof ev.ext_id - 1);
    assert_int_equal(strlen(ev.who), 62);
    assert_int_equal(strlen(ev.note), sizeof ev.note - 1);
    assert_int_equal(strlen(ev.body), sizeof big - 1); /* the body is kept whole */
    gs_store_event_clear(&ev);
    int64_t found = 0;
    assert_int_equal(gs_store_event_find(s, big, "post", &found, &e), 0);
    assert_int_equal(found, id);

    gs_store_action a = action_of(id, 5, "suspend");
    memset(a.job_name, 'j', sizeof a.job_name); /* no NUL at all */
    memset(a.detail, 'd', sizeof a.detail);
    int64_t ai = intent_ok(s, &a);
    assert_int_equal(gs_store_action_outcome(s, ai, "done", T0, 1, big, big, &e), 0);
    gs_store_action *list = NULL;
    size_t n = 0;
    assert_int_equal(gs_store_actions_list(s, id, 0, 0, &list, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(strlen(list[0].job_name), sizeof a.job_name - 1);
    assert_int_equal(strlen(list[0].state_after), sizeof a.state_after - 1);
    assert_int_equal(strlen(list[0].detail), sizeof a.detail - 1);
    free(list);

    gs_store_sample r = sample_of(T0, "s", "training", 1);
    memset(r.site, 's', sizeof r.site);
    memset(r.cls, 'c', sizeof r.cls);
    assert_int_equal(gs_store_samples_add(s, &r, 1, &e), 0);
    gs_store_sample *rows = NULL;
    assert_int_equal(gs_store_samples_range(s, T0, T0 + 1, NULL, &rows, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(strlen(rows[0].site), sizeof r.site - 1);
    assert_int_equal(strlen(rows[0].cls), sizeof r.cls - 1);
    free(rows);
    gs_store_close(s);
}

/* A writer that dies without closing: the child opens, journals an event and an intent and
 * _exits (no close, no checkpoint, its lock dropped by the kernel). Plain exits, no cmocka in
 * the child: 0 when all went well, else the step that failed. */
static void child_writes_then_dies(const char *path)
{
    gs_error e = {0};
    gs_store *s = NULL;
    if (gs_store_open(path, &s, &e))
        _exit(10);
    int64_t ev = 0;
    if (gs_store_event_add(s, "crash", "post", "ops", T0, T0, T0 + 60, "{}", &ev, &e))
        _exit(11);
    if (gs_store_event_state(s, ev, "acting", NULL, T0 + 1, &e))
        _exit(12);
    gs_store_action a = action_of(ev, 4242, "suspend");
    int64_t id = 0;
    if (gs_store_action_intent(s, &a, &id, &e) || id <= 0)
        _exit(13);
    _exit(0);
}

static void test_intent_survives_a_writer_that_died_without_closing(void **st)
{
    fx *f = *st;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        child_writes_then_dies(f->path);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* it did not close: its write-ahead log is still there */
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", f->path);
    struct stat sb;
    assert_int_equal(stat(wal, &sb), 0);
    assert_true(sb.st_size > 0);

    gs_store *s = open_ok(f);
    gs_error e = {0};
    gs_store_event *evs = NULL;
    size_t n = 0;
    assert_int_equal(gs_store_events_list(s, true, 0, &evs, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(evs[0].ext_id, "crash");
    assert_string_equal(evs[0].state, "acting");
    int64_t ev = evs[0].id;
    gs_store_events_free(evs, n);
    gs_store_action *list = NULL;
    assert_int_equal(gs_store_actions_list(s, ev, 0, 0, &list, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].phase, "intent");
    assert_int_equal(list[0].job_id, 4242);
    assert_string_equal(list[0].lever, "suspend");
    int64_t ai = list[0].id;
    free(list);
    /* the restarted daemon settles it */
    assert_int_equal(gs_store_action_outcome(s, ai, "done", T0 + 5, 0, "suspended",
                                             "found suspended on restart", &e), 0);
    gs_store_close(s);
}

typedef struct writer {
    gs_store *s;
    int64_t event_id;
    uint32_t base;
    int failures;
    char first_error[sizeof ((gs_error *)0)->message];
} writer;

#define PER_THREAD 200

static void *write_actions(void *arg)
{
    writer *w = arg;
    for (uint32_t i = 0; i < PER_THREAD; i++) {
        gs_error e = {0};
        gs_store_action a = action_of(w->event_id, w->base + i, "cap");
        int64_t id = 0;
        int rc = gs_store_action_intent(w->s, &a, &id, &e);
        if (!rc)
            rc = gs_store_action_outcome(w->s, id, "done", T0 + i, 1, "running", NULL, &e);
        if (rc && w->failures++ == 0)
            snprintf(w->first_error, sizeof w->first_error, "%s", e.message);
    }
    return NULL;
}

static void test_two_threads_journaling_at_once_lose_nothing(void **st)
{
    fx *f = *st;
    gs_store *s = open_ok(f);
    int64_t ev1 = add_event(s, "t1", "post", T0);
    int64_t ev2 = add_event(s, "t2", "post", T0);
    writer w[2] = {{.s = s, .event_id = ev1, .base = 1000},
                   {.s = s, .event_id = ev2, .base = 5000}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, write_actions, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    for (int i = 0; i < 2; i++)
        if (w[i].failures)
            fail_msg("thread %d: %d failures, first: %s", i, w[i].failures, w[i].first_error);

    gs_error e = {0};
    gs_store_action *list = NULL;
    size_t n = 0;
    assert_int_equal(gs_store_actions_list(s, 0, 0, 0, &list, &n, &e), 0);
    assert_int_equal(n, 2 * PER_THREAD);
    bool seen[2][PER_THREAD] = {{false}};
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            assert_true(list[i].id > list[i - 1].id);
        assert_string_equal(list[i].phase, "done");
        int k = list[i].event_id == ev1 ? 0 : 1;
        uint32_t j = list[i].job_id - w[k].base;
        assert_true(j < PER_THREAD);
        assert_false(seen[k][j]);
        seen[k][j] = true;
    }
    free(list);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(gs_store_actions_list(s, k ? ev2 : ev1, 0, 0, &list, &n, &e), 0);
        assert_int_equal(n, PER_THREAD);
        free(list);
    }
    gs_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_store_has_schema_version_1_in_wal_mode, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_events_move_through_states_with_plan_get_list_and_find,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_event_calls_are_input_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_intent_then_outcome_listed_by_event_and_after_id,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_samples_by_window_and_site_and_pruned, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reopen_after_close_keeps_everything, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_second_open_refused_while_first_holds_the_lock,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_files_that_are_not_a_store_are_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_long_strings_are_cut_to_their_fields, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_intent_survives_a_writer_that_died_without_closing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_threads_journaling_at_once_lose_nothing, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
