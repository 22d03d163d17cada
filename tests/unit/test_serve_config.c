/* test_serve_config.c: the configuration of `gridsplit serve` (src/daemon/config.c): a full
 * configuration reads back every key; a minimal one gets the documented defaults; relative
 * paths follow the file's folder; each bad key or value is GS_EINPUT at its line, naming the
 * key; the token hash is SHA-256 (the FIPS 180-2 vectors) and the token match finds the right
 * holder and nobody for a wrong token. The fleet is examples/demo/fleet.yaml ($GS_SRC, which
 * ctest sets to the repository root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "daemon/config.h"

typedef struct fixture {
    char dir[256];
    char fleet[1024];
    char file[512];
} fixture;

static void fleet_path(char *out, size_t len)
{
    const char *src = getenv("GS_SRC");
    if (src && src[0]) {
        snprintf(out, len, "%s/examples/demo/fleet.yaml", src);
        return;
    }
    /* run by hand: the repository holding this file */
    snprintf(out, len, "%s", __FILE__);
    char *p = strstr(out, "/tests/unit/");
    if (p)
        snprintf(p, len - (size_t)(p - out), "/examples/demo/fleet.yaml");
}

static int setup(void **st)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/gs-serve-config-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    fleet_path(f->fleet, sizeof f->fleet);
    assert_int_equal(access(f->fleet, R_OK), 0);
    snprintf(f->file, sizeof f->file, "%s/serve.yaml", f->dir);
    *st = f;
    return 0;
}

static int teardown(void **st)
{
    fixture *f = *st;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* Write text (printf-formatted) to path. */
static void write_file(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void write_file(const char *path, const char *fmt, ...)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(fp, fmt, ap);
    va_end(ap);
    assert_int_equal(fclose(fp), 0);
}

#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/* SHA-256 of "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq" (FIPS 180-2) */
#define SHA_LONG "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"

static void test_a_full_configuration_reads_back_every_key(void **st)
{
    fixture *f = *st;
    write_file(f->file,
               "fleet: %s\n"
               "store: state.db\n"
               "http:\n"
               "  listen: 127.0.0.1:0\n"
               "  read_open: true\n"
               "  body_max: 64KiB\n"
               "  tokens:\n"
               "    - {name: grid-desk, sha256: %s}\n"
               "    - {name: ven, sha256: %s}\n"
               "scheduler: {kind: fake, poll: 2s, action_timeout: 1min, action_retries: 3}\n"
               "mapping:\n"
               "  partitions:\n"
               "    - {partition: training, class: training, cluster: wt-h100, tier: 0.9, window: run,\n"
               "       ckpt: USR1/120s, interval: 3h, workload: pretraining, curve: h100-llm}\n"
               "    - {partition: 'inf*', nodes: 'ash-*', class: inference, cluster: ash-h100}\n"
               "  rules:\n"
               "    - match: {partition: training, qos: low, account: research, name: 'ft-*', nodes: 'ia-*'}\n"
               "      set: {tier: 0.5, ckpt: none, window: day}\n"
               "    - set: {workload: finetuning}\n"
               "  comment_tags: false\n"
               "  default_tier: 0.5\n"
               "telemetry:\n"
               "  stale_after: 90s\n"
               "  mqtt: {host: broker.local, port: 8883, topic: site/+/power}\n"
               "hooks:\n"
               "  power_cap: /bin/true --dry-run\n"
               "  router: {weights: weights.json, url: 'http://127.0.0.1:9/w'}\n"
               "  timeout: 5s\n"
               "planner: {policy: price, pause_lead: 1min, cap_lead: 0s}\n",
               f->fleet, SHA_ABC, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AE");
    gs_serve_config *c = NULL;
    gs_error e = {0};
    int rc = gs_serve_config_load(f->file, &c, &e);
    if (rc)
        fail_msg("%s:%d:%d %s: %s", e.file, e.line, e.column, e.field, e.message);
    assert_string_equal(c->path, f->file);
    assert_string_equal(c->fleet_path, f->fleet);
    char want[1024];
    snprintf(want, sizeof want, "%s/state.db", f->dir);
    assert_string_equal(c->store_path, want);
    assert_string_equal(c->listen_addr, "127.0.0.1");
    assert_int_equal(c->port, 0);
    assert_false(c->listen_public);
    assert_true(c->read_open);
    assert_int_equal(c->body_max_bytes, 65536);
    assert_int_equal(c->ntokens, 2);
    assert_string_equal(c->tokens[0].name, "grid-desk");
    assert_string_equal(c->tokens[0].sha256_hex, SHA_ABC);
    assert_string_equal(c->tokens[1].name, "ven");
    /* upper-case hex is kept in lower case */
    assert_string_equal(c->tokens[1].sha256_hex,
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ae");
    assert_string_equal(c->scheduler, "fake");
    assert_true(c->poll_s == 2);
    assert_true(c->action_timeout_s == 60);
    assert_int_equal(c->action_retries, 3);

    assert_int_equal(c->map.ndefaults, 2);
    const gs_map_rule *d0 = &c->map.defaults[0];
    assert_string_equal(d0->partition, "training");
    assert_true(d0->set.has_cls && d0->set.cls == GS_TRAINING);
    assert_true(d0->set.has_tier && d0->set.tier == 0.9);
    assert_true(d0->set.has_window && d0->set.window == GS_TIER_RUN);
    assert_true(d0->set.has_ckpt);
    assert_string_equal(d0->set.ckpt_signal, "USR1");
    assert_true(d0->set.ckpt_signal_s == 120);
    assert_true(d0->set.has_ckpt_interval && d0->set.ckpt_interval_s == 3 * 3600);
    assert_true(d0->set.has_workload);
    assert_string_equal(d0->set.workload, "pretraining");
    assert_true(d0->set.has_curve);
    assert_string_equal(d0->set.power_curve, "h100-llm");
    assert_true(d0->set.has_cluster);
    assert_string_equal(d0->set.cluster, "wt-h100");
    const gs_map_rule *d1 = &c->map.defaults[1];
    assert_string_equal(d1->partition, "inf*");
    assert_string_equal(d1->nodes, "ash-*");
    assert_true(d1->set.has_cls && d1->set.cls == GS_INFERENCE);
    assert_false(d1->set.has_tier);
    assert_false(d1->set.has_ckpt);

    assert_int_equal(c->map.nrules, 2);
    const gs_map_rule *r0 = &c->map.rules[0];
    assert_string_equal(r0->partition, "training");
    assert_string_equal(r0->qos, "low");
    assert_string_equal(r0->account, "research");
    assert_string_equal(r0->name, "ft-*");
    assert_string_equal(r0->nodes, "ia-*");
    assert_true(r0->set.has_tier && r0->set.tier == 0.5);
    assert_true(r0->set.has_ckpt);
    assert_string_equal(r0->set.ckpt_signal, "");
    assert_true(r0->set.has_window && r0->set.window == GS_TIER_DAY);
    assert_false(r0->set.has_cls);
    const gs_map_rule *r1 = &c->map.rules[1];
    assert_string_equal(r1->partition, "");
    assert_true(r1->set.has_workload);
    assert_string_equal(r1->set.workload, "finetuning");
    assert_false(c->map.comment_tags);
    assert_true(c->map.default_tier == 0.5);

    assert_true(c->telemetry_stale_s == 90);
    assert_string_equal(c->mqtt_host, "broker.local");
    assert_int_equal(c->mqtt_port, 8883);
    assert_string_equal(c->mqtt_topic, "site/+/power");
    assert_string_equal(c->cap_hook, "/bin/true --dry-run");
    snprintf(want, sizeof want, "%s/weights.json", f->dir);
    assert_string_equal(c->router_weights_path, want);
    assert_string_equal(c->router_url, "http://127.0.0.1:9/w");
    assert_true(c->hook_timeout_s == 5);
    assert_string_equal(c->policy, "price");
    assert_true(c->pause_lead_s == 60);
    assert_true(c->cap_lead_s == 0);
    gs_serve_config_free(c);
}

static void test_a_minimal_configuration_gets_the_documented_defaults(void **st)
{
    fixture *f = *st;
    write_file(f->file, "fleet: %s\n", f->fleet);
    gs_serve_config *c = NULL;
    gs_error e = {0};
    int rc = gs_serve_config_load(f->file, &c, &e);
    if (rc)
        fail_msg("%s", e.message);
    char want[1024];
    snprintf(want, sizeof want, "%s/gridsplit-serve.db", f->dir);
    assert_string_equal(c->store_path, want);
    assert_string_equal(c->listen_addr, "127.0.0.1");
    assert_int_equal(c->port, 8742);
    assert_false(c->listen_public);
    assert_false(c->read_open);
    assert_int_equal(c->body_max_bytes, 1 << 20);
    assert_int_equal(c->ntokens, 0);
    assert_string_equal(c->scheduler, "slurm");
    assert_true(c->poll_s == 5);
    assert_true(c->action_timeout_s == 30);
    assert_int_equal(c->action_retries, 2);
    assert_int_equal(c->map.ndefaults, 0);
    assert_int_equal(c->map.nrules, 0);
    assert_true(c->map.comment_tags);
    assert_true(c->map.default_tier == 1);
    assert_true(c->telemetry_stale_s == 120);
    assert_string_equal(c->mqtt_host, "");
    assert_int_equal(c->mqtt_port, 1883);
    assert_string_equal(c->mqtt_topic, "gridsplit/power/#");
    assert_string_equal(c->cap_hook, "");
    assert_string_equal(c->router_weights_path, "");
    assert_string_equal(c->router_url, "");
    assert_true(c->hook_timeout_s == 10);
    assert_string_equal(c->policy, "comply");
    assert_true(c->pause_lead_s == 30);
    assert_true(c->cap_lead_s == 10);
    gs_serve_config_free(c);
}

static void test_relative_paths_follow_the_files_folder_and_public_listen_is_flagged(void **st)
{
    fixture *f = *st;
    char sub[512], path[600], cap[600];
    snprintf(sub, sizeof sub, "%s/conf", f->dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(path, sizeof path, "%s/fleet.yaml", sub);
    write_file(path, "# not read by the configuration: only checked to exist\n");
    snprintf(cap, sizeof cap, "%s/cap.sh", sub);
    write_file(cap, "#!/bin/sh\nexit 0\n");
    assert_int_equal(chmod(cap, 0755), 0);
    snprintf(path, sizeof path, "%s/serve.yaml", sub);
    write_file(path, "fleet: fleet.yaml\nhttp: {listen: '0.0.0.0:8080'}\n"
                     "hooks: {power_cap: ./cap.sh --site a}\n");
    /* loaded by a relative name from the parent folder, then read from elsewhere */
    char cwd[1024];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(f->dir), 0);
    gs_serve_config *c = NULL;
    gs_error e = {0};
    int rc = gs_serve_config_load("conf/serve.yaml", &c, &e);
    assert_int_equal(chdir(cwd), 0);
    if (rc)
        fail_msg("%s:%d: %s", e.file, e.line, e.message);
    char want[1024];
    snprintf(want, sizeof want, "%s/conf/fleet.yaml", f->dir);
    assert_string_equal(c->fleet_path, want);
    assert_int_equal(access(c->fleet_path, R_OK), 0);
    snprintf(want, sizeof want, "%s/conf/gridsplit-serve.db", f->dir);
    assert_string_equal(c->store_path, want);
    snprintf(want, sizeof want, "%s/conf/./cap.sh --site a", f->dir);
    assert_string_equal(c->cap_hook, want);
    assert_string_equal(c->listen_addr, "0.0.0.0");
    assert_int_equal(c->port, 8080);
    assert_true(c->listen_public);
    gs_serve_config_free(c);

    /* localhost is loopback; a bare program name is looked up in PATH */
    write_file(path, "fleet: fleet.yaml\nhttp: {listen: 'localhost:1'}\nhooks: {power_cap: sh}\n");
    rc = gs_serve_config_load(path, &c, &e);
    if (rc)
        fail_msg("%s:%d: %s", e.file, e.line, e.message);
    assert_string_equal(c->listen_addr, "127.0.0.1");
    assert_false(c->listen_public);
    assert_string_equal(c->cap_hook, "sh");
    gs_serve_config_free(c);

    /* the command is split on white space: a program path with a space is refused */
    snprintf(sub, sizeof sub, "%s/with space", f->dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(cap, sizeof cap, "%s/cap.sh", sub);
    write_file(cap, "#!/bin/sh\nexit 0\n");
    assert_int_equal(chmod(cap, 0755), 0);
    snprintf(path, sizeof path, "%s/serve.yaml", sub);
    write_file(path, "fleet: %s\nhooks: {power_cap: ./cap.sh}\n", f->fleet);
    assert_int_equal(gs_serve_config_load(path, &c, &e), GS_EINPUT);
    assert_null(c);
    assert_string_equal(e.field, "hooks.power_cap");
    assert_non_null(strstr(e.message, "without white space"));
}

typedef struct bad_case {
    const char *yaml;   /* after "fleet: FLEET\n" unless it starts with '!' (then alone) */
    int line;           /* expected error line */
    const char *field;  /* expected in err.field (NULL: not checked) */
    const char *msg;    /* expected in err.message */
} bad_case;

static const bad_case BAD[] = {
    {"httpp: {}\n", 2, NULL, "unknown key 'httpp'"},
    {"http:\n  listen: 127.0.0.1:1\n  tokenz: []\n", 4, "http", "unknown key 'tokenz'"},
    {"http: {listen: 127.0.0.1}\n", 2, "http.listen", "HOST:PORT"},
    {"http: {listen: 'example.com:80'}\n", 2, "http.listen", "not an IPv4 address"},
    {"http: {listen: '127.0.0.1:70000'}\n", 2, "http.listen", "above 65535"},
    {"http: {listen: '127.0.0.1:8x'}\n", 2, "http.listen", "HOST:PORT"},
    {"http: {read_open: maybe}\n", 2, "http.read_open", "true or false"},
    {"http: {body_max: lots}\n", 2, "http.body_max", "size in bytes"},
    {"http: {body_max: 2GiB}\n", 2, "http.body_max", "size in bytes"},
    {"http: {body_max: 0}\n", 2, "http.body_max", "size in bytes"},
    {"http:\n  tokens:\n    - {name: a, sha256: abc}\n", 4, "http.tokens[0].sha256", "64 hex digits"},
    {"http:\n  tokens:\n    - {name: a, sha256: " SHA_ABC "}\n    - {name: a, sha256: " SHA_EMPTY "}\n",
     5, "http.tokens[1].name", "token name 'a' is given twice"},
    {"http:\n  tokens:\n    - {name: a, sha256: " SHA_ABC "}\n    - {name: b, sha256: " SHA_ABC "}\n",
     5, "http.tokens[1].sha256", "same sha256"},
    {"http:\n  tokens:\n    - {name: 'a b', sha256: " SHA_ABC "}\n", 4, "http.tokens[0].name", "token name"},
    {"http:\n  tokens:\n    - {sha256: " SHA_ABC "}\n", 4, "http.tokens[0]", "missing required key 'name'"},
    {"scheduler: {kind: pbs}\n", 2, "scheduler.kind", "slurm or fake"},
    {"scheduler: {poll: 5 parsecs}\n", 2, "scheduler.poll", "expected a duration"},
    {"scheduler: {poll: 0s}\n", 2, "scheduler.poll", "positive duration"},
    {"scheduler: {action_retries: -1}\n", 2, "scheduler.action_retries", "integer from 0 to 100"},
    {"mapping:\n  partitions:\n    - {partition: training, tier: 1.5}\n", 4,
     "mapping.partitions[0].tier", "tier from 0 to 1"},
    {"mapping:\n  partitions:\n    - {partition: training, class: gpu}\n", 4,
     "mapping.partitions[0].class", "training or inference"},
    {"mapping:\n  partitions:\n    - {partition: training, window: week}\n", 4,
     "mapping.partitions[0].window", "event, day or run"},
    {"mapping:\n  partitions:\n    - {partition: training, ckpt: USR1/abc}\n", 4,
     "mapping.partitions[0].ckpt", "expected a checkpoint duration"},
    {"mapping:\n  partitions:\n    - {partition: training, interval: 4 parsecs}\n", 4,
     "mapping.partitions[0].interval", "expected a duration"},
    {"mapping:\n  partitions:\n    - {class: training}\n", 4, "mapping.partitions[0]",
     "missing required key 'partition'"},
    {"mapping:\n  partitions:\n    - {partition: x, tierr: 1}\n", 4, "mapping.partitions[0]",
     "unknown key 'tierr'"},
    {"mapping:\n  rules:\n    - match: {partition: training}\n", 4, "mapping.rules[0]",
     "missing required key 'set'"},
    {"mapping:\n  rules:\n    - match: {partition: training}\n      set: {}\n", 5,
     "mapping.rules[0].set", "at least one of"},
    {"mapping:\n  rules:\n    - match: {queue: x}\n      set: {tier: 1}\n", 4,
     "mapping.rules[0].match", "unknown key 'queue'"},
    {"mapping:\n  rules:\n    - set: {tier: 0.5, cluster: 'a,b'}\n", 4,
     "mapping.rules[0].set.cluster", "without ','"},
    {"mapping: {default_tier: 2}\n", 2, "mapping.default_tier", "from 0 to 1"},
    {"mapping: {comment_tags: sometimes}\n", 2, "mapping.comment_tags", "true or false"},
    {"telemetry: {stale_after: never}\n", 2, "telemetry.stale_after", "expected a duration"},
    {"telemetry:\n  mqtt: {host: h, port: 0}\n", 3, "telemetry.mqtt.port", "from 1 to 65535"},
    {"telemetry:\n  mqtt: {port: 1883}\n", 3, "telemetry.mqtt", "missing required key 'host'"},
    {"hooks: {power_cap: /nonexistent/cap-gpu}\n", 2, "hooks.power_cap", "no such file"},
    {"hooks: {power_cap: no-such-program-gridsplit}\n", 2, "hooks.power_cap", "not in PATH"},
    {"hooks: {power_cap: /etc/passwd}\n", 2, "hooks.power_cap", "not executable"},
    {"hooks: {power_cap: ' '}\n", 2, "hooks.power_cap", "expected a command"},
    {"hooks:\n  router: {url: 'ftp://x/y'}\n", 3, "hooks.router.url", "http:// or https://"},
    {"hooks:\n  router: {weights: /nonexistent/dir/w.json}\n", 3, "hooks.router.weights",
     "existing folder"},
    {"hooks: {timeout: -1s}\n", 2, "hooks.timeout", "expected a duration"},
    {"planner: {policy: greedy}\n", 2, "planner.policy", "comply"},
    {"planner: {pause_lead: soon}\n", 2, "planner.pause_lead", "expected a duration"},
    {"store: /nonexistent/dir/state.db\n", 2, "store", "existing folder"},
    {"fleet: again\n", 2, NULL, "appears twice"},
    {"!http: {read_open: true}\n", 1, NULL, "missing required key 'fleet'"},
    {"!fleet: /nonexistent/fleet.yaml\n", 1, "fleet", "no such file"},
    {"!fleet: [a, b]\n", 1, "fleet", "expected a file name"},
    {"!", 1, NULL, "expected a mapping of settings"},
    {"!- a\n- b\n", 1, NULL, "expected a mapping of settings"},
    {"!fleet: [\n", 2, NULL, "YAML syntax error"},
};

static void test_each_bad_key_or_value_is_refused_at_its_line_naming_the_key(void **st)
{
    fixture *f = *st;
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        const bad_case *b = &BAD[i];
        if (b->yaml[0] == '!')
            write_file(f->file, "%s", b->yaml + 1);
        else
            write_file(f->file, "fleet: %s\n%s", f->fleet, b->yaml);
        gs_serve_config *c = NULL;
        gs_error e = {0};
        int rc = gs_serve_config_load(f->file, &c, &e);
        if (rc != GS_EINPUT)
            fail_msg("case %zu (%s): expected GS_EINPUT, got %d", i, b->yaml, rc);
        assert_null(c);
        if (getenv("GS_TEST_VERBOSE")) {
            char line[2048];
            gs_error_format(&e, line, sizeof line);
            print_message("%s\n", line);
        }
        if (e.line != b->line || strcmp(e.file, f->file) != 0)
            fail_msg("case %zu (%s): expected %s:%d, got %s:%d (%s)", i, b->yaml, f->file, b->line,
                     e.file, e.line, e.message);
        if (b->line > 0 && e.column < 1)
            fail_msg("case %zu: no column", i);
        if (b->field && strcmp(e.field, b->field) != 0)
            fail_msg("case %zu (%s): expected field '%s', got '%s' (%s)", i, b->yaml, b->field,
                     e.field, e.message);
        if (!strstr(e.message, b->msg))
            fail_msg("case %zu (%s): expected '%s' in the message, got '%s'", i, b->yaml, b->msg,
                     e.message);
    }
}

static void test_unknown_keys_list_the_known_ones(void **st)
{
    fixture *f = *st;
    write_file(f->file, "fleet: %s\nschedular: {kind: fake}\n", f->fleet);
    gs_serve_config *c = NULL;
    gs_error e = {0};
    assert_int_equal(gs_serve_config_load(f->file, &c, &e), GS_EINPUT);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 1);
    assert_non_null(strstr(e.message, "did you mean 'scheduler'?"));
    assert_non_null(strstr(e.message, "fleet, store, reports, http, scheduler, mapping, telemetry, hooks, planner"));
    char line[2048];
    gs_error_format(&e, line, sizeof line);
    char want[600];
    snprintf(want, sizeof want, "%s:2:1: ", f->file);
    assert_non_null(strstr(line, want));
}

static void test_a_missing_configuration_file_is_named(void **st)
{
    fixture *f = *st;
    char path[600];
    snprintf(path, sizeof path, "%s/nothing.yaml", f->dir);
    gs_serve_config *c = NULL;
    gs_error e = {0};
    assert_int_equal(gs_serve_config_load(path, &c, &e), GS_EINPUT);
    assert_null(c);
    assert_string_equal(e.file, path);
    assert_non_null(strstr(e.message, "no such file"));
    assert_int_equal(gs_serve_config_load("", &c, &e), GS_EINPUT);
    gs_serve_config_free(NULL);
}

static void test_the_example_configuration_is_accepted(void **st)
{
    fixture *f = *st;
    char path[1100];
    snprintf(path, sizeof path, "%s", f->fleet);
    char *p = strstr(path, "/examples/demo/fleet.yaml");
    assert_non_null(p);
    snprintf(p, sizeof path - (size_t)(p - path), "/examples/serve/serve.yaml");
    gs_serve_config *c = NULL;
    gs_error e = {0};
    int rc = gs_serve_config_load(path, &c, &e);
    if (rc)
        fail_msg("%s:%d:%d: %s", e.file, e.line, e.column, e.message);
    assert_non_null(strstr(c->fleet_path, "/examples/serve/../demo/fleet.yaml"));
    assert_int_equal(c->ntokens, 2);
    const gs_token *t = gs_serve_token_match(c, "demo-grid-desk-token-change-me");
    assert_non_null(t);
    assert_string_equal(t->name, "grid-desk");
    assert_true(c->map.ndefaults >= 2);
    assert_false(c->listen_public);
    gs_serve_config_free(c);
}

static void test_sha256_matches_the_fips_vectors(void **st)
{
    (void)st;
    char hex[65];
    gs_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, SHA_ABC);
    gs_sha256_hex("", 0, hex);
    assert_string_equal(hex, SHA_EMPTY);
    const char *lng = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    gs_sha256_hex(lng, strlen(lng), hex);
    assert_string_equal(hex, SHA_LONG);
    /* the length counts, not the NUL */
    gs_sha256_hex("abcdef", 3, hex);
    assert_string_equal(hex, SHA_ABC);
}

static void test_the_token_match_finds_the_holder_and_nobody_for_a_wrong_token(void **st)
{
    fixture *f = *st;
    char h1[65], h2[65];
    gs_sha256_hex("desk-secret", strlen("desk-secret"), h1);
    gs_sha256_hex("ven-secret", strlen("ven-secret"), h2);
    write_file(f->file,
               "fleet: %s\nhttp:\n  tokens:\n    - {name: desk, sha256: %s}\n"
               "    - {name: ven, sha256: %s}\n",
               f->fleet, h1, h2);
    gs_serve_config *c = NULL;
    gs_error e = {0};
    int rc = gs_serve_config_load(f->file, &c, &e);
    if (rc)
        fail_msg("%s", e.message);
    const gs_token *t = gs_serve_token_match(c, "desk-secret");
    assert_non_null(t);
    assert_string_equal(t->name, "desk");
    t = gs_serve_token_match(c, "ven-secret");
    assert_non_null(t);
    assert_string_equal(t->name, "ven");
    assert_null(gs_serve_token_match(c, "ven-secreT"));
    assert_null(gs_serve_token_match(c, "ven-secret "));
    assert_null(gs_serve_token_match(c, h2)); /* the hash itself is no token */
    assert_null(gs_serve_token_match(c, ""));
    assert_null(gs_serve_token_match(c, NULL));
    assert_null(gs_serve_token_match(NULL, "desk-secret"));
    gs_serve_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_full_configuration_reads_back_every_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_minimal_configuration_gets_the_documented_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relative_paths_follow_the_files_folder_and_public_listen_is_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_bad_key_or_value_is_refused_at_its_line_naming_the_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_keys_list_the_known_ones, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_missing_configuration_file_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_example_configuration_is_accepted, setup, teardown),
        cmocka_unit_test(test_sha256_matches_the_fips_vectors),
        cmocka_unit_test_setup_teardown(test_the_token_match_finds_the_holder_and_nobody_for_a_wrong_token, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
