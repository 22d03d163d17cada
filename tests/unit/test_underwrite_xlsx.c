/* test_underwrite_xlsx.c: the spreadsheet writer of `gridsplit underwrite`
 * (include/gridsplit/write/underwrite_xlsx.h): a workbook of a synthetic site with both classes
 * is a zip written atomically (no temporary left) and byte-identical from run to run; site ids
 * that a sheet name cannot hold, that collide once cleaned, or that are long and multi-byte
 * still give a workbook; flows without an IRR or a payback are written (their cached results
 * are words); an unwritable path is refused with GS_EIO naming it and leaves nothing behind;
 * no result at all is GS_EINPUT. The formulas themselves are checked by LibreOffice in
 * tests/e2e/underwrite_xlsx.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "gridsplit/econ.h"
#include "econ_fixture.h"
#include "gridsplit/write/underwrite_xlsx.h"
#include "write/outfile.h"

static gs_econ_site site(const char *id, int both)
{
    gs_econ_site s;
    memset(&s, 0, sizeof s);
    snprintf(s.id, sizeof s.id, "%s", id);
    for (int k = 0; k < GS_NCLASS; k++) {
        gs_econ_unit *u = &s.cls[k];
        u->present = both || k == GS_TRAINING;
        u->it_mw = k == GS_TRAINING ? 40 : 20;
        u->pue = 1.2;
        u->gpus = k == GS_TRAINING ? 32768 : 16384;
        u->utilisation = k == GS_TRAINING ? 0.85 : 0.6;
        u->facility_capex_usd_per_mw = 11.7e6;
        u->gpu_capex_usd = 30000;
        u->refresh_years = 5;
        u->revenue_usd_per_gpu_hour = 2.0;
    }
    s.nprice_years = 2;
    s.price_year[0] = 2023;
    s.price_year[1] = 2024;
    s.price_usd_per_mwh[0] = 40;
    s.price_usd_per_mwh[1] = 60;
    s.capacity_usd_per_mw_year = 60000;
    s.interconnect_usd_per_mw = 150000;
    s.flex_usd_per_mw_year = 20000;
    return s;
}

/* Underwrite sites and write the workbook to path; returns the writer's result. */
static int write_book(const gs_econ_site *sites, size_t n, const char *path, gs_error *err)
{
    gs_econ_terms t = terms();
    gs_econ_result *r = NULL;
    assert_int_equal(gs_econ_underwrite(sites, n, &t, &r, err), 0);
    char(*notes)[64] = calloc(n, sizeof *notes);
    assert_non_null(notes);
    for (size_t i = 0; i < n; i++)
        snprintf(notes[i], 64, "TEST price years 2023-2024");
    const gs_uw_out_figure figs[] = {{"discount_rate", 0.08, "assumption (test)"},
                                     {"refresh_years", 5, "assumption (test)"},
                                     {"density_base_kw", 40, "assumption (test)"}};
    gs_uw_outputs o = {.deal_path = "deal.yaml", .fleet_path = "fleet.yaml", .sites = sites,
                       .price_note = (const char(*)[64])notes, .terms = &t, .r = r,
                       .figures = figs, .nfigures = sizeof figs / sizeof figs[0]};
    int rc = gs_uw_write_xlsx(&o, path, err);
    free(notes);
    gs_econ_result_free(r);
    return rc;
}

static long slurp(const char *path, unsigned char **out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *out = malloc((size_t)n + 1);
    assert_non_null(*out);
    assert_int_equal(fread(*out, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return n;
}

/* Files in dir (but . and ..). */
static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "%s/gs_test_xlsx.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(tmpdir);
    if (d) {
        char p[512];
        for (struct dirent *e; (e = readdir(d));)
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
                remove(p);
            }
        closedir(d);
    }
    rmdir(tmpdir);
    return 0;
}

static void workbook_is_a_zip_written_atomically_and_reproducibly(void **state)
{
    (void)state;
    gs_econ_site s = site("campus", 1);
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/a.xlsx", tmpdir);
    snprintf(b, sizeof b, "%s/b.xlsx", tmpdir);
    gs_error err = {0};
    assert_int_equal(write_book(&s, 1, a, &err), 0);
    assert_int_equal(write_book(&s, 1, b, &err), 0);
    assert_int_equal(gs__outfile_live_temporaries(), 0);
    assert_int_equal(count_files(tmpdir), 2); /* no a.xlsx.tmp.PID left */
    unsigned char *da = NULL, *db = NULL;
    long na = slurp(a, &da), nb = slurp(b, &db);
    assert_true(na > 1000);
    assert_memory_equal(da, "PK\x03\x04", 4);
    assert_int_equal(na, nb);
    assert_memory_equal(da, db, (size_t)na);
    free(da);
    free(db);
}

static void awkward_site_ids_still_give_a_workbook(void **state)
{
    (void)state;
    /* "a/b" and "a:b" clean to the same sheet name; "Deal" would make "Deal total" twice;
     * the last is longer than a sheet name allows, cut inside its "é" (bytes 21-22) */
    gs_econ_site s[] = {site("a/b", 1), site("a:b", 0), site("Deal", 0), site("'x'", 0),
                        site("station-de-rechercheé-du-nord", 1)};
    char p[512];
    snprintf(p, sizeof p, "%s/ids.xlsx", tmpdir);
    gs_error err = {0};
    assert_int_equal(write_book(s, sizeof s / sizeof s[0], p, &err), 0);
    assert_int_equal(access(p, F_OK), 0);
}

static void flows_without_irr_or_payback_are_written(void **state)
{
    (void)state;
    gs_econ_site s = site("loss", 0);
    s.cls[GS_TRAINING].revenue_usd_per_gpu_hour = 0; /* every flow negative */
    s.flex_usd_per_mw_year = 0;
    char p[512];
    snprintf(p, sizeof p, "%s/loss.xlsx", tmpdir);
    gs_error err = {0};
    assert_int_equal(write_book(&s, 1, p, &err), 0);
    assert_int_equal(access(p, F_OK), 0);
}

static void unwritable_path_is_refused_and_leaves_nothing(void **state)
{
    (void)state;
    gs_econ_site s = site("campus", 1);
    char p[512];
    snprintf(p, sizeof p, "%s/no/such/dir/u.xlsx", tmpdir);
    gs_error err = {0};
    assert_int_equal(write_book(&s, 1, p, &err), GS_EIO);
    assert_string_equal(err.file, p);
    assert_non_null(strstr(err.message, "cannot write"));
    assert_int_equal(gs__outfile_live_temporaries(), 0);
    /* a directory where the file should go: the rename fails, the temporary is removed */
    snprintf(p, sizeof p, "%s/isdir.xlsx", tmpdir);
    assert_int_equal(mkdir(p, 0700), 0);
    int before = count_files(tmpdir);
    assert_int_equal(write_book(&s, 1, p, &err), GS_EIO);
    assert_string_equal(err.file, p);
    assert_int_equal(count_files(tmpdir), before);
    rmdir(p);
}

static void no_result_is_bad_input(void **state)
{
    (void)state;
    gs_error err = {0};
    gs_uw_outputs o = {0};
    assert_int_equal(gs_uw_write_xlsx(&o, "x.xlsx", &err), GS_EINPUT);
    assert_int_equal(gs_uw_write_xlsx(NULL, "x.xlsx", &err), GS_EINPUT);
    assert_int_equal(access("x.xlsx", F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(workbook_is_a_zip_written_atomically_and_reproducibly),
        cmocka_unit_test(awkward_site_ids_still_give_a_workbook),
        cmocka_unit_test(flows_without_irr_or_payback_are_written),
        cmocka_unit_test(unwritable_path_is_refused_and_leaves_nothing),
        cmocka_unit_test(no_result_is_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
