/* test_underwrite_report.c: report.html of `gridsplit underwrite` (include/gridsplit/write/
 * underwrite.h, src/write/underwrite_report.c): a site id and a deal path holding markup do not
 * become markup (the title is escaped, the data block cannot close its <script>); the data block
 * carries every cash-flow row (per class, the site's total, the deal) and, when given, the
 * spread, the tornado and time to power; the same inputs give the same bytes; an unwritable path
 * is refused and leaves nothing; no result is GS_EINPUT. How it draws: tests/e2e/
 * underwrite_browser.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "gridsplit/econ.h"
#include "econ_fixture.h"
#include "gridsplit/write/underwrite.h"

static gs_econ_site site(void)
{
    gs_econ_site s;
    memset(&s, 0, sizeof s);
    snprintf(s.id, sizeof s.id, "</script><b>x");
    campus_classes(&s);
    s.nprice_years = 2;
    s.price_year[0] = 2023;
    s.price_year[1] = 2024;
    s.price_usd_per_mwh[0] = 40;
    s.price_usd_per_mwh[1] = 60;
    s.capacity_usd_per_mw_year = 60000;
    s.interconnect_usd_per_mw = 150000;
    s.flex_usd_per_mw_year = 20000;
    s.years_saved = 2;
    return s;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    if (b)
        b[n] = '\0';
    fclose(f);
    return b;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/* Write the report of the synthetic site to path (with or without the risk views). */
static int write_report(const char *path, int risk, gs_error *err)
{
    gs_econ_site s = site();
    gs_econ_terms t = terms();
    gs_econ_result *r = NULL;
    gs_econ_spread *sp = NULL;
    gs_econ_tornado *tor = NULL;
    gs_econ_power pw;
    const gs_econ_move moves[] = {{GS_LEVER_DISCOUNT_RATE, GS_MOVE_ADD, -0.02, 0.02},
                                  {GS_LEVER_GPU_PRICE, GS_MOVE_SCALE, 0.8, 1.2}};
    const char *src[] = {"convention (test)", "press (test)"};
    assert_int_equal(gs_econ_underwrite(&s, 1, &t, &r, err), 0);
    assert_int_equal(gs_econ_spread_run(&s, 1, &t, GS_SPREAD_ROTATE, &sp, err), 0);
    assert_int_equal(gs_econ_tornado_run(&s, 1, &t, moves, 2, &tor, err), 0);
    assert_int_equal(gs_econ_time_to_power(&s, 1, &t, &pw, err), 0);
    char note[1][64] = {"TEST price years 2023-2024"};
    const char *hn[1] = {"deal file (headroom_mw)"};
    const gs_uw_out_figure figs[] = {{"discount_rate", 0.08, "assumption (test)"}};
    gs_uw_outputs o = {.deal_path = "deals/<b>deal&.yaml", .fleet_path = "fleet.yaml",
                       .sites = &s, .price_note = (const char(*)[64])note, .terms = &t, .r = r,
                       .figures = figs, .nfigures = 1};
    if (risk) {
        o.spread = sp;
        o.tornado = tor;
        o.moves = moves;
        o.move_source = src;
        o.nmoves = 2;
        o.power = &pw;
        o.headroom_note = hn;
    }
    int rc = gs_uw_write_report(&o, path, err);
    gs_econ_result_free(r);
    gs_econ_spread_free(sp);
    gs_econ_tornado_free(tor);
    return rc;
}

static void report_is_escaped_complete_and_stable(void **state)
{
    (void)state;
    char dir[] = "/tmp/gs_test_uw_report.XXXXXX", a[128], b[128];
    assert_non_null(mkdtemp(dir));
    snprintf(a, sizeof a, "%s/a.html", dir);
    snprintf(b, sizeof b, "%s/b.html", dir);
    gs_error err = {0};
    assert_int_equal(write_report(a, 1, &err), 0);
    assert_int_equal(write_report(b, 1, &err), 0);
    char *x = slurp(a), *y = slurp(b);
    assert_non_null(x);
    assert_non_null(y);
    assert_string_equal(x, y);
    /* the title: the file name, escaped */
    assert_non_null(strstr(x, "<h1>&lt;b&gt;deal&amp;.yaml</h1>"));
    /* the site id never closes a script: only the page's own two </script> tags */
    assert_int_equal(count(x, "</script>"), 2);
    assert_null(strstr(x, "<b>x"));
    /* the data: rows of training, inference, the site total and the deal, 11 years each */
    assert_non_null(strstr(x, "\"cashflow\":{\"columns\":[\"year\""));
    assert_int_equal(count(x, "\"rows\":[[0,"), 4);
    assert_non_null(strstr(x, "\"spread\":{\"mode\":\"rotate\",\"scenarios\":2"));
    assert_non_null(strstr(x, "\"tornado\":{\"base_npv_usd\""));
    assert_non_null(strstr(x, "\"time_to_power\":[{"));
    free(y);
    /* without the risk views: none of them */
    assert_int_equal(write_report(b, 0, &err), 0);
    y = slurp(b);
    assert_non_null(y);
    assert_null(strstr(y, "\"tornado\":{"));
    assert_null(strstr(y, "\"spread\":{"));
    free(x);
    free(y);
    unlink(a);
    unlink(b);
    /* an unwritable path: refused, nothing left */
    char bad[160];
    snprintf(bad, sizeof bad, "%s/no/such/dir/report.html", dir);
    assert_true(write_report(bad, 1, &err) < 0);
    assert_int_equal(rmdir(dir), 0);
    /* no result */
    gs_uw_outputs none = {0};
    assert_int_equal(gs_uw_write_report(&none, a, &err), GS_EINPUT);
    struct stat st;
    assert_int_not_equal(stat(a, &st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(report_is_escaped_complete_and_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
