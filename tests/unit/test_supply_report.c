/* test_supply_report.c: the HTML report of `gridsplit supply` (src/write/supply_report.c) on a
 * hand-written summary JSON: an unwritable path or a missing argument is a clear error with
 * nothing left behind, the title is escaped for HTML, nothing in the data (a "</script>", a
 * "<!--") can close its <script> block early and the block still parses to the same strings,
 * the page is self-contained (every placeholder filled, uPlot and supply.js inline, no external
 * reference) and its bytes are the same for the same inputs. The browser test is
 * tests/e2e/supply_browser.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gridsplit/write/supply.h"
#include "write/outfile.h"

#define EVIL_TITLE "West Texas <script>alert(1)</script> & \"co\" 'x'"
#define EVIL_WARNING "bad </script><script>alert(2)</script> <!-- & </SCRIPT >"

/* a small summary in the shape of gs_supply_summary_json's, with hostile strings */
static const char DATA[] =
    "{\"title\":\"" "West Texas <script>alert(1)</script>" "\","
    "\"source\":{\"kind\":\"case\",\"file\":\"a</script>.csv\",\"site\":null,\"zone\":null,"
    "\"wind_mw\":null,\"solar_mw\":null,\"from\":\"2021-01-01T00:00:00Z\","
    "\"to\":\"2021-01-01T03:00:00Z\",\"hours\":3,\"carbon_file\":null},"
    "\"load\":{\"energy_mwh\":210,\"peak_mw\":70,\"mean_mw\":70,\"training_mwh\":null,"
    "\"inference_mwh\":null},"
    "\"supply\":{\"energy_mwh\":300,\"wind_mwh\":null,\"solar_mwh\":null,\"peak_mw\":150},"
    "\"params\":{\"battery_mwh\":200,\"flexible_pct\":40,\"max_capacity_mw\":105,"
    "\"eff_charge\":0.97,\"eff_discharge\":1.04,\"rate\":3,\"steps_per_hour\":60},"
    "\"battery_247\":{\"compat_mwh\":null,\"exact_mwh\":null,\"note\":null},"
    "\"methods\":[{\"id\":\"none\",\"family\":\"baseline\",\"name\":\"Renewables only <b>\","
    "\"battery_mwh\":0,\"flexible_pct\":0,\"coverage\":0.666667,\"grid_mwh\":70,"
    "\"emissions_t\":null,\"note\":\"<!-- note -->\"}],"
    "\"warnings\":[\"" "bad </script><script>alert(2)</script> <!-- & </SCRIPT >" "\"],"
    "\"hourly\":{\"start\":\"2021-01-01T00:00:00Z\",\"step_s\":3600,\"n\":3,"
    "\"ren_mw\":[150,0,150],\"load_mw\":[70,70,70],\"carbon_g_per_kwh\":null,"
    "\"methods\":{\"none\":{\"load_mw\":null,\"soc_mwh\":null,\"grid_mw\":[0,70,0]}}}}";

typedef struct fixture {
    char dir[64];
    char path[128];
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/gs_test_supply_report_XXXXXX");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    snprintf(fx->path, sizeof fx->path, "%s/report.html", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    DIR *d = opendir(fx->dir);
    if (d) {
        struct dirent *e;
        char p[400];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof p, "%s/%s", fx->dir, e->d_name);
            if (rmdir(p) != 0)
                unlink(p);
        }
        closedir(d);
    }
    rmdir(fx->dir);
    free(fx);
    return 0;
}

static int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0, k = strlen(what);
    for (const char *p = s; *p; p++)
        if (strncasecmp(p, what, k) == 0)
            n++;
    return n;
}

static const char *find_ci(const char *s, const char *what, const char *end)
{
    size_t k = strlen(what);
    for (const char *p = s; p + k <= end; p++)
        if (strncasecmp(p, what, k) == 0)
            return p;
    return NULL;
}

static char *write_and_read(fixture *fx, const char *title, const char *data)
{
    gs_error err = {0};
    int rc = gs_supply_write_report(title, data, fx->path, &err);
    if (rc != GS_OK)
        fail_msg("gs_supply_write_report: %d %s: %s", rc, err.file, err.message);
    char *html = slurp(fx->path);
    assert_non_null(html);
    return html;
}

static void test_supply_report_refuses_an_unwritable_path(void **state)
{
    fixture *fx = *state;
    gs_error err = {0};
    /* a directory that cannot exist: its parent is a regular file */
    char blocker[128], bad[160];
    snprintf(blocker, sizeof blocker, "%s/blocker", fx->dir);
    FILE *b = fopen(blocker, "w");
    assert_non_null(b);
    fclose(b);
    snprintf(bad, sizeof bad, "%s/report.html", blocker);
    int rc = gs_supply_write_report("t", DATA, bad, &err);
    assert_int_equal(rc, GS_EIO);
    assert_string_equal(err.file, bad);
    assert_non_null(strstr(err.message, "cannot write"));
    assert_int_equal(dir_entries(fx->dir), 1);

    /* the path is a directory: written to a temporary, refused at the rename, nothing left */
    char sub[128];
    snprintf(sub, sizeof sub, "%s/adir", fx->dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    memset(&err, 0, sizeof err);
    rc = gs_supply_write_report("t", DATA, sub, &err);
    assert_int_equal(rc, GS_EIO);
    assert_string_equal(err.file, sub);
    assert_true(err.message[0] != '\0');
    assert_int_equal(dir_entries(fx->dir), 2);
    assert_int_equal(dir_entries(sub), 0);
    assert_int_equal(gs__outfile_live_temporaries(), 0);

    /* no path, no summary: input errors that say what was expected, no file */
    memset(&err, 0, sizeof err);
    assert_int_equal(gs_supply_write_report("t", DATA, NULL, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "expected a file name"));
    memset(&err, 0, sizeof err);
    assert_int_equal(gs_supply_write_report("t", DATA, "", &err), GS_EINPUT);
    memset(&err, 0, sizeof err);
    assert_int_equal(gs_supply_write_report("t", NULL, fx->path, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "expected the summary JSON"));
    assert_int_equal(gs_supply_write_report("t", "", fx->path, NULL), GS_EINPUT);
    struct stat st;
    assert_int_equal(stat(fx->path, &st), -1);
    assert_int_equal(dir_entries(fx->dir), 2);
}

static void test_supply_report_escapes_the_title(void **state)
{
    fixture *fx = *state;
    char *html = write_and_read(fx, EVIL_TITLE, DATA);
    const char *esc = "West Texas &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot; "
                      "&#39;x&#39;";
    /* in <title> and in <h1> */
    assert_int_equal(count(html, esc), 2);
    assert_non_null(strstr(html, "<h1>West Texas &lt;script&gt;"));
    assert_null(strstr(html, "<script>alert"));
    /* exactly the page's three scripts: the data block, uPlot, supply.js */
    assert_int_equal(count(html, "<script"), 3);
    free(html);

    /* no title: a default, never "(null)" */
    html = write_and_read(fx, NULL, DATA);
    assert_non_null(strstr(html, "<h1>gridsplit supply</h1>"));
    assert_non_null(strstr(html, "<title>gridsplit supply \xc2\xb7 gridsplit supply</title>"));
    free(html);
}

static void test_supply_report_data_block_cannot_close_early(void **state)
{
    fixture *fx = *state;
    char *html = write_and_read(fx, "t", DATA);
    const char *open = "<script type=\"application/json\" id=\"gs-data\">";
    const char *start = strstr(html, open);
    assert_non_null(start);
    start += strlen(open);
    const char *stop = strstr(start, "</script>");
    assert_non_null(stop);
    /* the first "</script>" after the opening tag is the block's own: nothing inside it can
     * end it, open a comment or start markup */
    assert_null(find_ci(start, "</script", stop));
    assert_null(find_ci(start, "<!--", stop));
    assert_null(memchr(start, '<', (size_t)(stop - start)));
    /* and it still parses to the same strings */
    json_error_t je;
    json_t *d = json_loadb(start, (size_t)(stop - start), 0, &je);
    if (!d)
        fail_msg("data block is not JSON: %s at %d", je.text, je.position);
    assert_string_equal(json_string_value(json_array_get(json_object_get(d, "warnings"), 0)),
                        EVIL_WARNING);
    assert_string_equal(json_string_value(json_object_get(d, "title")),
                        "West Texas <script>alert(1)</script>");
    json_t *m = json_array_get(json_object_get(d, "methods"), 0);
    assert_string_equal(json_string_value(json_object_get(m, "note")), "<!-- note -->");
    json_decref(d);
    free(html);
}

static void test_supply_report_is_self_contained_and_deterministic(void **state)
{
    fixture *fx = *state;
    char *a = write_and_read(fx, "same", DATA);
    assert_null(strstr(a, "@@GS_"));
    assert_non_null(strstr(a, "<!DOCTYPE html>"));
    assert_non_null(strstr(a, "</html>"));
    assert_non_null(strstr(a, "uPlot"));                       /* uPlot inline */
    assert_non_null(strstr(a, "supply.js: draws"));            /* the report's script inline */
    assert_non_null(strstr(a, "supply.css: the look"));        /* and its style */
    assert_non_null(strstr(a, "hourly.csv and summary.json")); /* the footer's note */
    assert_null(strstr(a, "src=\"http"));
    assert_null(strstr(a, "href=\"http"));
    assert_null(strstr(a, "<link"));
    char *b = write_and_read(fx, "same", DATA);
    assert_string_equal(a, b);
    assert_int_equal(dir_entries(fx->dir), 1);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_supply_report_refuses_an_unwritable_path, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_supply_report_escapes_the_title, setup, teardown),
        cmocka_unit_test_setup_teardown(test_supply_report_data_block_cannot_close_early, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_supply_report_is_self_contained_and_deterministic,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
