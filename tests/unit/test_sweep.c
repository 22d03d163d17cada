/* test_sweep.c: SWEEP.yaml and the sweep's files (src/read/sweep_in.c, src/write/sweep_out.c) on
 * hand-made files: field paths and JSON pointers, the axes (full form, shorthands, `in:`,
 * `set:` templates) and their errors (each naming SWEEP.yaml's line and field, with a "did you
 * mean"), the case order, each case's input files as libyaml reads them back (the fields set,
 * keys added, relative paths made absolute, the named file's copy), the fields picked from a
 * result JSON (shortest exact numbers), and the merged table's exact bytes. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include <cmocka.h>

#include "gridsplit/read/sweep.h"
#include "gridsplit/write/sweep.h"

static char dir[256];

static void write_file(const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static const char *DEAL = "# a deal\n"
                          "fleet: fleet.yaml\n"
                          "horizon_years: 20\n"
                          "note: v1.0\n"
                          "sites:\n"
                          "  - id: west-texas\n"
                          "    price_usd_per_mwh: 45\n"
                          "  - {id: ashburn, price_usd_per_mwh: 60}\n";

static const char *FLEET = "name: f\n"
                           "zones:\n"
                           "  - id: ERCOT\n"
                           "    price: {path: \"prices/2020.csv\", format: price}\n"
                           "clusters:\n"
                           "  - {id: wt, site: west-texas, gpus: 1000}\n"
                           "  - {id: ash, site: ashburn, gpus: 500}\n";

static int setup(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/gs_sweep_XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(dir));
    char p[600];
    snprintf(p, sizeof p, "%s/prices", dir);
    assert_int_equal(mkdir(p, 0777), 0);
    write_file("prices/2020.csv", "t,v\n");
    write_file("prices/2021.csv", "t,v\n");
    write_file("deal.yaml", DEAL);
    write_file("fleet.yaml", FLEET);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Load SWEEP text: GS_OK with *s, or the error. */
static int load(const char *text, gs_sweep **s, gs_error *err)
{
    write_file("sweep.yaml", text);
    char p[512];
    snprintf(p, sizeof p, "%s/sweep.yaml", dir);
    memset(err, 0, sizeof *err);
    return gs_sweep_load(p, s, err);
}

/* The sweep must be refused with a message holding want, at line (0: any) and field. */
static void refused(const char *text, int line, const char *field, const char *want)
{
    gs_sweep *s = NULL;
    gs_error err;
    int rc = load(text, &s, &err);
    if (rc != GS_EINPUT || !strstr(err.message, want) || (line && err.line != line) ||
        (field && strcmp(err.field, field)))
        fail_msg("expected '%s' at line %d field '%s', got rc %d: %s:%d:%d field '%s': %s", want, line,
                 field ? field : "", rc, err.file, err.line, err.column, err.field, err.message);
    assert_null(s);
}

static void test_paths(void **state)
{
    (void)state;
    gs_error e = {0};
    const char *good[] = {"a", "a.b", "sites[id=west-texas].gpus", "[0].x", "a[2][3]", "/a/b~1c/0",
                          "/", "x[k=a b]"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_int_equal(gs_sweep_check_path(good[i], &e), GS_OK);
    struct {
        const char *p, *msg;
    } bad[] = {{"", "expected a field path"},
               {"a..b", "expected a key at character 3"},
               {"a[", "expected ']'"},
               {"a[x]", "expected [N] (an index) or [KEY=VALUE]"},
               {"a[=1]", "expected [N]"},
               {"a[0]b", "expected '.' or '[' after ']'"},
               {"a.", "expected a key"},
               {"/a~2", "expected '~0' or '~1'"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memset(&e, 0, sizeof e);
        assert_int_equal(gs_sweep_check_path(bad[i].p, &e), GS_EINPUT);
        if (!strstr(e.message, bad[i].msg))
            fail_msg("'%s': expected '%s', got '%s'", bad[i].p, bad[i].msg, e.message);
    }
}

static void test_axes_and_order(void **state)
{
    (void)state;
    gs_sweep *s = NULL;
    gs_error err;
    int rc = load("command: underwrite\n"
                  "input: deal.yaml\n"
                  "args: [--years, 20]\n"
                  "axes:\n"
                  "  - {option: --policy, values: [firm, flexible]}\n"
                  "  - field: sites[id=west-texas].price_usd_per_mwh\n"
                  "    name: wt_price\n"
                  "    values: [35, \"45\", 5.50]\n"
                  "  - --flag: [true, false]\n"
                  "collect: {npv: total.npv_usd, irr: /total/irr/rate}\n",
                  &s, &err);
    if (rc)
        fail_msg("%s:%d: %s", err.file, err.line, err.message);
    assert_int_equal(s->naxes, 3);
    assert_int_equal(s->ncases, 12);
    assert_int_equal(s->nfield_axes, 1);
    assert_string_equal(s->command, "underwrite");
    assert_int_equal(s->nargs, 2);
    assert_string_equal(s->args[1], "20");
    assert_string_equal(s->axes[0].name, "policy");
    assert_int_equal(s->axes[0].kind, GS_SWEEP_OPTION);
    assert_string_equal(s->axes[0].option, "policy");
    assert_string_equal(s->axes[0].arg[1], "flexible");
    assert_int_equal(s->axes[0].is_bool[0], -1);
    assert_string_equal(s->axes[1].name, "wt_price");
    assert_int_equal(s->axes[1].kind, GS_SWEEP_FIELD);
    /* values as written in the CSV, typed in the JSON */
    assert_string_equal(s->axes[1].cells[0].csv, "35");
    assert_string_equal(s->axes[1].cells[0].json, "35");
    assert_string_equal(s->axes[1].cells[1].csv, "45");
    assert_string_equal(s->axes[1].cells[1].json, "\"45\"");
    assert_string_equal(s->axes[1].cells[2].csv, "5.50");
    assert_string_equal(s->axes[1].cells[2].json, "5.5");
    assert_int_equal(s->axes[1].vmark[2].line, 8);
    assert_string_equal(s->axes[1].vmark[2].field, "axes[1].values[2]");
    assert_string_equal(s->axes[2].name, "flag");
    assert_int_equal(s->axes[2].is_bool[0], 1);
    assert_int_equal(s->axes[2].is_bool[1], 0);
    assert_string_equal(s->axes[2].mark.field, "axes[2]");
    assert_int_equal(s->ncollect, 2);
    assert_string_equal(s->collect_name[1], "irr");
    assert_string_equal(s->collect_path[1], "/total/irr/rate");
    assert_string_equal(s->result, "summary.json");
    assert_true(s->dir[0] == '/');
    /* the last axis varies fastest */
    size_t v[3];
    gs_sweep_case_values(s, 0, v);
    assert_true(v[0] == 0 && v[1] == 0 && v[2] == 0);
    gs_sweep_case_values(s, 1, v);
    assert_true(v[0] == 0 && v[1] == 0 && v[2] == 1);
    gs_sweep_case_values(s, 2, v);
    assert_true(v[0] == 0 && v[1] == 1 && v[2] == 0);
    gs_sweep_case_values(s, 11, v);
    assert_true(v[0] == 1 && v[1] == 2 && v[2] == 1);
    gs_sweep_free(s);

    /* axes as a mapping of shorthands */
    rc = load("command: simulate\ninput: fleet.yaml\naxes:\n  --step: [5min, 1h]\n  name: [a, b, c]\n",
              &s, &err);
    if (rc)
        fail_msg("%s", err.message);
    assert_int_equal(s->ncases, 6);
    assert_string_equal(s->axes[0].name, "step");
    assert_string_equal(s->axes[1].name, "name");
    assert_string_equal(s->axes[1].mark.field, "axes.name");
    gs_sweep_free(s);
}

static void test_errors(void **state)
{
    (void)state;
    refused("command: underwrite\ninput: deal.yaml\naxis: []\n", 3, "", "unknown key 'axis' (did you mean 'axes'?)");
    refused("input: deal.yaml\naxes: {--x: [1]}\n", 1, "", "missing required key 'command'");
    refused("command: underwrite\ninput: nothing.yaml\naxes: {--x: [1]}\n", 2, "input", "no such file");
    refused("command: underwrite\ninput: deal.yaml\naxes: []\n", 3, "axes", "expected a list of axes");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  - {field: horizon_years, values: []}\n", 4,
            "axes[0].values", "expected at least one value");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  - {field: horizon_years, option: --x, values: [1]}\n",
            4, "axes[0]", "expected exactly one of 'option', 'field' and 'set'");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  - {field: \"sites[id=west-texs].price_usd_per_mwh\", values: [1]}\n",
            4, "axes[0].field", "no item of 'sites' in deal.yaml has id 'west-texs' (did you mean 'west-texas'?)");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  - {field: \"sitez[0].id\", values: [1]}\n", 4,
            "axes[0].field", "'(top)' in deal.yaml has no key 'sitez' (did you mean 'sites'?)");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  - {field: \"sites[5].id\", values: [1]}\n", 4,
            "axes[0].field", "'sites' in deal.yaml has 2 items, found index 5");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  - {field: horizon_years.x, values: [1]}\n", 4,
            "axes[0].field", "'horizon_years' in deal.yaml is a value, not a mapping with key 'x'");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  - {field: horizon_years, values: [1]}\n"
            "  - {field: horizon_years, name: h2, values: [2]}\n",
            0, NULL, "set the same field of deal.yaml");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  - {field: sites, values: [[]]}\n"
            "  - {field: \"sites[0].price_usd_per_mwh\", values: [2]}\n",
            5, "axes[1].field", "is inside 'sites'");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  - {field: fleet, values: [a.yaml]}\n"
            "  - {field: \"clusters[0].gpus\", in: fleet, values: [2]}\n",
            0, NULL, "and 'in: fleet' (the file named by 'fleet') set the same field of deal.yaml");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  - {field: \"clusters[0].gpus\", in: fleetz, values: [2]}\n",
            4, "axes[0].field", "in: deal.yaml has no field 'fleetz'");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  - {option: --x, in: fleet, values: [2]}\n", 4,
            "axes[0].in", "expected 'in' only with 'field' or 'set'");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  - name: y\n    set: {horizon_years: \"20\"}\n    values: [1]\n",
            5, "axes[0].set.horizon_years", "expected a template holding {}");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  - set: {horizon_years: \"{}\"}\n    values: [1]\n", 4,
            "axes[0]", "missing required key 'name'");
    refused("command: underwrite\naxes:\n  - {field: horizon_years, values: [1]}\n", 3, "axes[0].field",
            "a field axis needs an input file");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  - {option: policy, values: [a]}\n", 4,
            "axes[0].option", "expected an option such as --policy, found 'policy'");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  - {option: -policy, values: [a]}\n", 4,
            "axes[0].option", "expected an option such as --policy");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  - {option: --p, values: [{a: 1}]}\n", 4,
            "axes[0].values[0]", "expected a value or a list of values for --p");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  --case: [1]\n", 4, "axes.--case",
            "expected a column name other than 'case' and 'status'");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  --a: [1]\ncollect: {a: total}\n", 0, "collect",
            "the column 'a' appears twice");
    refused("command: underwrite\ninput: deal.yaml\naxes:\n  --a: [1]\ncollect: [\"x[\"]\n", 5, "collect[0]",
            "expected ']'");
    refused("command: underwrite\ninput: deal.yaml\nresult: ../x.json\naxes:\n  --a: [1]\n", 3, "result",
            "expected a file name inside each case's --out directory");
    /* 11^5 = 161051 cases */
    refused("command: underwrite\naxes:\n"
            "  --a: [1,2,3,4,5,6,7,8,9,10,11]\n  --b: [1,2,3,4,5,6,7,8,9,10,11]\n"
            "  --c: [1,2,3,4,5,6,7,8,9,10,11]\n  --d: [1,2,3,4,5,6,7,8,9,10,11]\n"
            "  --e: [1,2,3,4,5,6,7,8,9,10,11]\n",
            3, "axes", "expected at most 100000 cases, found more (11 x 11 x 11 x 11 x 11 values)");
}

/* Parse YAML text; the scalar at a path of plain keys and [N] indices. */
static const char *yaml_at(yaml_document_t *d, const char *path)
{
    yaml_node_t *n = yaml_document_get_root_node(d);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *t = buf; n && t && *t;) {
        char *dot = strchr(t, '.');
        if (dot)
            *dot = '\0';
        if (t[0] == '[') {
            size_t i = (size_t)strtoul(t + 1, NULL, 10);
            assert_int_equal(n->type, YAML_SEQUENCE_NODE);
            n = i < (size_t)(n->data.sequence.items.top - n->data.sequence.items.start)
                    ? yaml_document_get_node(d, n->data.sequence.items.start[i])
                    : NULL;
        } else {
            yaml_node_t *hit = NULL;
            assert_int_equal(n->type, YAML_MAPPING_NODE);
            for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
                if (!strcmp((const char *)yaml_document_get_node(d, p->key)->data.scalar.value, t))
                    hit = yaml_document_get_node(d, p->value);
            n = hit;
        }
        t = dot ? dot + 1 : NULL;
    }
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static void parse_text(const char *text, size_t len, yaml_document_t *d)
{
    yaml_parser_t p;
    assert_true(yaml_parser_initialize(&p));
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    assert_true(yaml_parser_load(&p, d));
    yaml_parser_delete(&p);
}

static void test_case_files(void **state)
{
    (void)state;
    gs_sweep *s = NULL;
    gs_error err;
    int rc = load("command: underwrite\n"
                  "input: deal.yaml\n"
                  "axes:\n"
                  "  - {field: discount_rate, values: [0.06, 0.1]}\n"
                  "  - {field: \"sites[id=west-texas].price_usd_per_mwh\", values: [35, 55]}\n"
                  "  - {field: \"clusters[id=wt].gpus\", in: fleet, values: [2000, 4000]}\n"
                  "  - name: year\n"
                  "    in: fleet\n"
                  "    set: {\"zones[id=ERCOT].price.path\": \"prices/{}.csv\"}\n"
                  "    values: [2020, 2021]\n"
                  "  - {field: \"sites[1]\", values: [{id: ashburn, price_usd_per_mwh: 70}]}\n",
                  &s, &err);
    if (rc)
        fail_msg("%s:%d field %s: %s", err.file, err.line, err.field, err.message);
    assert_int_equal(s->ncases, 16);
    gs_sweep_file *f = NULL;
    size_t n = 0;
    char cdir[600];
    snprintf(cdir, sizeof cdir, "%s/cases/0014", dir);
    /* case 13 (0-based): values 1, 1, 0, 1, 0 */
    assert_int_equal(gs_sweep_case_files(s, 13, cdir, &f, &n, &err), GS_OK);
    assert_int_equal(n, 2);
    assert_string_equal(f[0].name, "deal.yaml");
    assert_string_equal(f[1].name, "in-fleet-fleet.yaml");
    char in[700];
    assert_int_equal(gs_sweep_case_input(s, cdir, in, sizeof in), 0);
    char want[700];
    snprintf(want, sizeof want, "%s/deal.yaml", cdir);
    assert_string_equal(in, want);
    yaml_document_t d;
    parse_text(f[0].text, f[0].len, &d);
    snprintf(want, sizeof want, "%s/in-fleet-fleet.yaml", cdir);
    assert_string_equal(yaml_at(&d, "fleet"), want);
    assert_string_equal(yaml_at(&d, "discount_rate"), "0.1");
    assert_string_equal(yaml_at(&d, "sites.[0].price_usd_per_mwh"), "55");
    assert_string_equal(yaml_at(&d, "sites.[1].price_usd_per_mwh"), "70");
    assert_string_equal(yaml_at(&d, "horizon_years"), "20");
    assert_string_equal(yaml_at(&d, "note"), "v1.0"); /* not a path: no such file */
    yaml_document_delete(&d);
    parse_text(f[1].text, f[1].len, &d);
    assert_string_equal(yaml_at(&d, "clusters.[0].gpus"), "2000");
    assert_string_equal(yaml_at(&d, "clusters.[1].gpus"), "500");
    snprintf(want, sizeof want, "%s/prices/2021.csv", dir);
    assert_string_equal(yaml_at(&d, "zones.[0].price.path"), want);
    yaml_document_delete(&d);
    assert_non_null(strstr(f[0].text, "# gridsplit sweep: a case of "));
    gs_sweep_files_free(f, n);

    /* case 0: the other values; the template's path made absolute too */
    assert_int_equal(gs_sweep_case_files(s, 0, cdir, &f, &n, &err), GS_OK);
    parse_text(f[1].text, f[1].len, &d);
    snprintf(want, sizeof want, "%s/prices/2020.csv", dir);
    assert_string_equal(yaml_at(&d, "zones.[0].price.path"), want);
    assert_string_equal(yaml_at(&d, "clusters.[0].gpus"), "2000");
    yaml_document_delete(&d);
    parse_text(f[0].text, f[0].len, &d);
    assert_string_equal(yaml_at(&d, "discount_rate"), "0.06");
    yaml_document_delete(&d);
    gs_sweep_files_free(f, n);
    gs_sweep_free(s);

    /* options only: no case files, the input as it is; the input's relative fleet unchanged */
    rc = load("command: underwrite\ninput: deal.yaml\naxes: {--years: [10, 20]}\n", &s, &err);
    if (rc)
        fail_msg("%s", err.message);
    assert_int_equal(gs_sweep_case_files(s, 1, cdir, &f, &n, &err), GS_OK);
    assert_int_equal(n, 0);
    assert_null(f);
    assert_int_equal(gs_sweep_case_input(s, cdir, in, sizeof in), 0);
    snprintf(want, sizeof want, "%s/deal.yaml", dir);
    assert_string_equal(in, want);
    gs_sweep_free(s);
}

static void test_pick(void **state)
{
    (void)state;
    gs_sweep *s = NULL;
    gs_error err;
    int rc = load("command: underwrite\naxes: {--x: [10]}\n"
                  "collect:\n"
                  "  npv: total.npv_usd\n"
                  "  rate: /total/irr/rate\n"
                  "  wt: sites[id=west-texas].npv_usd\n"
                  "  second: sites[1].id\n"
                  "  ptr_index: /sites/1/npv_usd\n"
                  "  irr_status: total.irr.status\n"
                  "  years: years\n"
                  "  none: total.nothing\n"
                  "  nul: total.payback_years\n"
                  "  steps: steps\n"
                  "  obj: total.irr\n"
                  "  q: text\n"
                  "  big: big\n"
                  "  small: small\n",
                  &s, &err);
    if (rc)
        fail_msg("%s", err.message);
    write_file("summary.json",
               "{\"total\": {\"npv_usd\": 3133629648.0, \"irr\": {\"status\": \"ok\", \"rate\": 0.159482},"
               " \"payback_years\": null},"
               " \"sites\": [{\"id\": \"west-texas\", \"npv_usd\": 1e20}, {\"id\": \"ashburn\", \"npv_usd\": -0.1}],"
               " \"years\": [2020, 2021.5], \"steps\": 105408, \"text\": \"a,\\\"b\\\"\","
               " \"big\": 4615723700.0, \"small\": 1.25e-05}");
    char p[512];
    snprintf(p, sizeof p, "%s/summary.json", dir);
    gs_sweep_cell c[14];
    assert_int_equal(gs_sweep_pick(s, p, c, &err), GS_OK);
    const char *csv[] = {"3133629648", "0.159482", "1e+20", "ashburn", "-0.1", "ok", "[2020,2021.5]", "",
                         "", "105408", "{\"status\":\"ok\",\"rate\":0.159482}", "a,\"b\"", "4615723700",
                         "0.0000125"};
    const char *json[] = {"3133629648", "0.159482", "1e+20", "\"ashburn\"", "-0.1", "\"ok\"", "[2020,2021.5]",
                          "null", "null", "105408", "{\"status\":\"ok\",\"rate\":0.159482}", "\"a,\\\"b\\\"\"",
                          "4615723700", "0.0000125"};
    for (int i = 0; i < 14; i++) {
        if (strcmp(c[i].csv, csv[i]) || strcmp(c[i].json, json[i]))
            fail_msg("field %d: csv '%s' json '%s', expected '%s' and '%s'", i, c[i].csv, c[i].json, csv[i],
                     json[i]);
        assert_int_equal(c[i].present, i != 7);
        gs_sweep_cell_clear(&c[i]);
    }
    snprintf(p, sizeof p, "%s/nothing.json", dir);
    assert_int_equal(gs_sweep_pick(s, p, c, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "no such file"));
    write_file("bad.json", "{\"total\": ");
    snprintf(p, sizeof p, "%s/bad.json", dir);
    assert_int_equal(gs_sweep_pick(s, p, c, &err), GS_EINPUT);
    assert_non_null(strstr(err.message, "expected JSON"));
    gs_sweep_free(s);
}

static void test_table_and_status(void **state)
{
    (void)state;
    const char *an[] = {"policy", "price"};
    const char *fn[] = {"npv", "note"};
    const char *fp[] = {"total.npv_usd", "x"};
    gs_sweep_out_cell ax1[] = {{"firm", "\"firm\""}, {"35", "35"}};
    gs_sweep_out_cell ax2[] = {{"a,b", "\"a,b\""}, {"", "null"}};
    gs_sweep_out_cell f1[] = {{"12.5", "12.5"}, {"say \"hi\"", "\"say \\\"hi\\\"\""}};
    gs_sweep_out_row rows[] = {{1, GS_SWEEP_OK, 0, ax1, f1},
                               {2, GS_SWEEP_FAILED, 2, ax2, f1},
                               {3, GS_SWEEP_KILLED, 9, ax1, NULL},
                               {4, GS_SWEEP_NOT_RUN, 0, ax2, NULL}};
    gs_sweep_out t = {.command = "underwrite", .naxes = 2, .axis_names = an, .nfields = 2,
                      .field_names = fn, .field_paths = fp, .nrows = 4, .rows = rows};
    char out[600];
    snprintf(out, sizeof out, "%s/table", dir);
    gs_error err = {0};
    assert_int_equal(gs_sweep_write_table(&t, out, &err), GS_OK);
    char p[700];
    snprintf(p, sizeof p, "%s/sweep.csv", out);
    assert_string_equal(read_file(p), "case,policy,price,status,npv,note\n"
                                      "1,firm,35,ok,12.5,\"say \"\"hi\"\"\"\n"
                                      "2,\"a,b\",,failed (exit 2),,\n"
                                      "3,firm,35,killed (signal 9),,\n"
                                      "4,\"a,b\",,not run,,\n");
    snprintf(p, sizeof p, "%s/sweep.json", out);
    const char *js = read_file(p);
    assert_string_equal(js,
                        "{\n  \"command\": \"underwrite\",\n  \"cases\": 4,\n  \"ok\": 1,\n  \"failed\": 3,\n"
                        "  \"axes\": [\"policy\", \"price\"],\n  \"fields\": [\n"
                        "    {\"name\": \"npv\", \"path\": \"total.npv_usd\"},\n"
                        "    {\"name\": \"note\", \"path\": \"x\"}\n  ],\n  \"rows\": [\n"
                        "    {\"case\": 1, \"status\": \"ok\", \"axes\": {\"policy\": \"firm\", \"price\": 35}, "
                        "\"fields\": {\"npv\": 12.5, \"note\": \"say \\\"hi\\\"\"}},\n"
                        "    {\"case\": 2, \"status\": \"failed\", \"exit\": 2, \"axes\": {\"policy\": \"a,b\", "
                        "\"price\": null}, \"fields\": null},\n"
                        "    {\"case\": 3, \"status\": \"killed\", \"signal\": 9, \"axes\": {\"policy\": \"firm\", "
                        "\"price\": 35}, \"fields\": null},\n"
                        "    {\"case\": 4, \"status\": \"not run\", \"axes\": {\"policy\": \"a,b\", \"price\": null}, "
                        "\"fields\": null}\n  ]\n}\n");
    json_error_t je;
    json_t *j = json_loads(js, 0, &je);
    assert_non_null(j);
    json_decref(j);

    /* a status file, read back */
    const char *argv[] = {"gridsplit", "underwrite", "a b"};
    snprintf(p, sizeof p, "%s/status.json", out);
    assert_int_equal(gs_sweep_write_status(p, 7, 2, 0, 0.25, argv, 3, &err), GS_OK);
    gs_sweep_status st;
    assert_int_equal(gs_sweep_read_status(p, &st, &err), 1);
    assert_int_equal(st.exit_code, 2);
    assert_int_equal(st.signal, 0);
    assert_true(st.seconds == 0.25);
    snprintf(p, sizeof p, "%s/none.json", out);
    assert_int_equal(gs_sweep_read_status(p, &st, &err), 0);
    write_file("badstatus.json", "{\"exit\": \"x\"}");
    snprintf(p, sizeof p, "%s/badstatus.json", dir);
    assert_int_equal(gs_sweep_read_status(p, &st, &err), GS_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_axes_and_order),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_case_files),
        cmocka_unit_test(test_pick),
        cmocka_unit_test(test_table_and_status),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
