/* test_serve_classify.c: the daemon's job mapping (src/daemon/classify.c) on the demo fleet
 * (examples/demo/fleet.yaml): the first matching partition default, then every matching rule in
 * order, then the job's grid: comment tag, each overriding the one before; shell patterns on
 * every field, node patterns over the whole host list; the tag's forms and every error; the
 * reasons a job stays unclassified (never guessed); and host list expansion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/classify.h"
#include "gridsplit/read/fleet.h"

typedef struct fx {
    gs_fleet *f;
    gs_map m;
} fx;

static int setup(void **st)
{
    const char *src = getenv("GS_SRC");
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/demo/fleet.yaml", src ? src : ".");
    fx *x = calloc(1, sizeof *x);
    gs_error e = {0};
    if (gs_fleet_load(path, &x->f, &e) != 0) {
        fprintf(stderr, "cannot load %s: %s\n", path, e.message);
        free(x);
        return -1;
    }
    /* one measured power curve, so that curve= can name one */
    gs_power_curve *pc = realloc(x->f->power_curves, (x->f->npower_curves + 1) * sizeof *pc);
    assert_non_null(pc);
    x->f->power_curves = pc;
    memset(&pc[x->f->npower_curves], 0, sizeof *pc);
    snprintf(pc[x->f->npower_curves].id, sizeof pc->id, "h100-sweep");
    snprintf(pc[x->f->npower_curves].workload, sizeof pc->workload, "pretraining");
    x->f->npower_curves++;
    x->m.comment_tags = true;
    x->m.default_tier = 1;
    *st = x;
    return 0;
}

static int teardown(void **st)
{
    fx *x = *st;
    gs_map_free(&x->m);
    gs_fleet_free(x->f);
    free(x);
    return 0;
}

/* Reset the map before each test to no rules, tags on, default tier 1. */
static int reset(void **st)
{
    fx *x = *st;
    gs_map_free(&x->m);
    x->m.comment_tags = true;
    x->m.default_tier = 1;
    return 0;
}

static gs_map_rule *add_default(gs_map *m, const char *partition)
{
    m->defaults = realloc(m->defaults, (m->ndefaults + 1) * sizeof *m->defaults);
    assert_non_null(m->defaults);
    gs_map_rule *r = &m->defaults[m->ndefaults++];
    memset(r, 0, sizeof *r);
    snprintf(r->partition, sizeof r->partition, "%s", partition);
    return r;
}

static gs_map_rule *add_rule(gs_map *m)
{
    m->rules = realloc(m->rules, (m->nrules + 1) * sizeof *m->rules);
    assert_non_null(m->rules);
    gs_map_rule *r = &m->rules[m->nrules++];
    memset(r, 0, sizeof *r);
    return r;
}

static void set_cls(gs_map_set *s, gs_class c)
{
    s->has_cls = true;
    s->cls = c;
}

static void set_cluster(gs_map_set *s, const char *id)
{
    s->has_cluster = true;
    snprintf(s->cluster, sizeof s->cluster, "%s", id);
}

static void set_tier(gs_map_set *s, double t)
{
    s->has_tier = true;
    s->tier = t;
}

static gs_sched_job job(const char *partition, const char *name, const char *comment,
                        const char *nodes)
{
    gs_sched_job j;
    memset(&j, 0, sizeof j);
    j.id = 42;
    snprintf(j.partition, sizeof j.partition, "%s", partition);
    snprintf(j.name, sizeof j.name, "%s", name);
    snprintf(j.comment, sizeof j.comment, "%s", comment);
    snprintf(j.nodes, sizeof j.nodes, "%s", nodes);
    j.state = nodes[0] ? GS_SCHED_RUNNING : GS_SCHED_PENDING;
    j.gpus = 8;
    return j;
}

/* the usual two partition defaults: training on wt-h100, inference on ash-h100 */
static void two_defaults(gs_map *m)
{
    gs_map_rule *d = add_default(m, "train*");
    set_cls(&d->set, GS_TRAINING);
    set_cluster(&d->set, "wt-h100");
    d = add_default(m, "*");
    set_cls(&d->set, GS_INFERENCE);
    set_cluster(&d->set, "ash-h100");
}

/* ---- mapping steps --------------------------------------------------------------------------- */

static void test_first_matching_partition_default_only(void **st)
{
    fx *x = *st;
    two_defaults(&x->m);
    gs_job_class jc;
    gs_sched_job j = job("training", "llm", "", "wt001");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_true(jc.classified);
    assert_int_equal(jc.cls, GS_TRAINING);
    assert_int_equal(jc.cluster, gs_fleet_find_cluster(x->f, "wt-h100"));
    assert_int_equal(jc.site, gs_fleet_find_site(x->f, "west-texas"));
    assert_int_equal(jc.named_cluster, jc.cluster);
    assert_string_equal(jc.source, "partition train*");
    assert_true(jc.tier == 1.0); /* default tier */
    assert_int_equal(jc.window, GS_TIER_EVENT);
    assert_string_equal(jc.reason, "");

    j = job("serve", "chat", "", "ash01");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_true(jc.classified);
    assert_int_equal(jc.cls, GS_INFERENCE);
    assert_int_equal(jc.cluster, gs_fleet_find_cluster(x->f, "ash-h100"));
    assert_string_equal(jc.source, "partition *");
}

static void test_rules_apply_in_order_and_comment_overrides_them(void **st)
{
    fx *x = *st;
    two_defaults(&x->m);
    gs_map_rule *r = add_rule(&x->m); /* rule 1 */
    snprintf(r->qos, sizeof r->qos, "high");
    set_tier(&r->set, 0.9);
    r = add_rule(&x->m); /* rule 2 */
    snprintf(r->account, sizeof r->account, "research*");
    set_tier(&r->set, 0.5);
    set_cluster(&r->set, "ia-h200");
    r = add_rule(&x->m); /* rule 3: does not match */
    snprintf(r->name, sizeof r->name, "*-ft");
    r->set.has_workload = true;
    snprintf(r->set.workload, sizeof r->set.workload, "finetuning");

    gs_sched_job j = job("training", "llm", "", "ia001");
    snprintf(j.qos, sizeof j.qos, "high");
    snprintf(j.account, sizeof j.account, "research-nlp");
    gs_job_class jc;
    gs_classify(&x->m, x->f, &j, &jc);
    assert_true(jc.classified);
    assert_true(jc.tier == 0.5); /* rule 2 after rule 1 */
    assert_int_equal(jc.cluster, gs_fleet_find_cluster(x->f, "ia-h200"));
    assert_string_equal(jc.workload, "");
    assert_string_equal(jc.source, "partition train*; rule 1; rule 2");

    /* the comment overrides the rules, and names what it set */
    snprintf(j.comment, sizeof j.comment, "grid:tier=0.25,cluster=qc-b200,window=day");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_true(jc.classified);
    assert_true(jc.tier == 0.25);
    assert_int_equal(jc.window, GS_TIER_DAY);
    assert_int_equal(jc.cluster, gs_fleet_find_cluster(x->f, "qc-b200"));
    assert_string_equal(jc.source, "partition train*; rule 1; rule 2; comment");

    /* only rule 1: tier 0.9; rule 3 by name */
    j = job("training", "llm-ft", "", "wt001");
    snprintf(j.qos, sizeof j.qos, "high");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_true(jc.classified);
    assert_true(jc.tier == 0.9);
    assert_string_equal(jc.workload, "finetuning");
    assert_string_equal(jc.source, "partition train*; rule 1; rule 3");

    /* comment tags off: the comment is not read */
    x->m.comment_tags = false;
    j = job("training", "llm", "grid:tier=0.1", "wt001");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_true(jc.classified);
    assert_true(jc.tier == 1.0);
    assert_string_equal(jc.source, "partition train*");
}

static void test_default_tier_applies_when_nothing_sets_one(void **st)
{
    fx *x = *st;
    two_defaults(&x->m);
    x->m.default_tier = 0.6;
    gs_sched_job j = job("training", "llm", "", "wt001");
    gs_job_class jc;
    gs_classify(&x->m, x->f, &j, &jc);
    assert_true(jc.tier == 0.6);
    snprintf(j.comment, sizeof j.comment, "grid:tier=0");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_true(jc.classified);
    assert_true(jc.tier == 0.0);
    /* an out-of-range default counts as 1 */
    x->m.default_tier = 7;
    j.comment[0] = '\0';
    gs_classify(&x->m, x->f, &j, &jc);
    assert_true(jc.tier == 1.0);
}

static void test_shell_patterns_on_every_field(void **st)
{
    fx *x = *st;
    gs_map_rule *r = add_rule(&x->m);
    snprintf(r->partition, sizeof r->partition, "gpu-[ab]?");
    snprintf(r->qos, sizeof r->qos, "q*");
    snprintf(r->account, sizeof r->account, "acct-?");
    snprintf(r->name, sizeof r->name, "*train*");
    set_cls(&r->set, GS_TRAINING);
    set_cluster(&r->set, "wt-h100");
    gs_sched_job j = job("gpu-a1", "pretrain-7b", "", "wt001");
    snprintf(j.qos, sizeof j.qos, "qhigh");
    snprintf(j.account, sizeof j.account, "acct-x");
    gs_job_class jc;
    gs_classify(&x->m, x->f, &j, &jc);
    assert_true(jc.classified);
    assert_string_equal(jc.source, "rule 1");

    gs_sched_job k = j;
    snprintf(k.partition, sizeof k.partition, "gpu-c1");
    gs_classify(&x->m, x->f, &k, &jc);
    assert_false(jc.classified);
    k = j;
    snprintf(k.qos, sizeof k.qos, "low");
    gs_classify(&x->m, x->f, &k, &jc);
    assert_false(jc.classified);
    k = j;
    snprintf(k.account, sizeof k.account, "acct-xy");
    gs_classify(&x->m, x->f, &k, &jc);
    assert_false(jc.classified);
    k = j;
    snprintf(k.name, sizeof k.name, "serve");
    gs_classify(&x->m, x->f, &k, &jc);
    assert_false(jc.classified);
    assert_string_equal(jc.reason,
                        "no rule matches partition 'gpu-a1' and the comment has no grid: tag");
}

static void test_nodes_pattern_matches_only_when_every_node_does(void **st)
{
    fx *x = *st;
    gs_map_rule *d = add_default(&x->m, "*");
    snprintf(d->nodes, sizeof d->nodes, "ia*");
    set_cls(&d->set, GS_TRAINING);
    set_cluster(&d->set, "ia-h200");
    d = add_default(&x->m, "*");
    set_cls(&d->set, GS_TRAINING);
    set_cluster(&d->set, "wt-h100");
    gs_map_rule *r = add_rule(&x->m);
    snprintf(r->nodes, sizeof r->nodes, "wt0[0-4]?");
    set_tier(&r->set, 0.3);

    gs_job_class jc;
    gs_sched_job j = job("any", "x", "", "ia[001-004]");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_int_equal(jc.cluster, gs_fleet_find_cluster(x->f, "ia-h200"));
    assert_true(jc.tier == 1.0);

    j = job("any", "x", "", "ia001,wt001"); /* not every node: the second default */
    gs_classify(&x->m, x->f, &j, &jc);
    assert_int_equal(jc.cluster, gs_fleet_find_cluster(x->f, "wt-h100"));
    assert_true(jc.tier == 1.0);

    j = job("any", "x", "", "wt[001-049]");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_int_equal(jc.cluster, gs_fleet_find_cluster(x->f, "wt-h100"));
    assert_true(jc.tier == 0.3);
    assert_string_equal(jc.source, "partition *; rule 1");
    j = job("any", "x", "", "wt[001-050]"); /* wt050 does not match */
    gs_classify(&x->m, x->f, &j, &jc);
    assert_true(jc.tier == 1.0);

    j = job("any", "x", "", ""); /* pending: no nodes, no node pattern matches */
    gs_classify(&x->m, x->f, &j, &jc);
    assert_int_equal(jc.cluster, gs_fleet_find_cluster(x->f, "wt-h100"));
    assert_true(jc.tier == 1.0);
    j = job("any", "x", "", "ia[1-"); /* malformed: matches no node pattern */
    gs_classify(&x->m, x->f, &j, &jc);
    assert_int_equal(jc.cluster, gs_fleet_find_cluster(x->f, "wt-h100"));
}

/* ---- unclassified ---------------------------------------------------------------------------- */

static void test_unclassified_reasons(void **st)
{
    fx *x = *st;
    gs_job_class jc;
    gs_sched_job j = job("debug", "x", "", "n1");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_false(jc.classified);
    assert_string_equal(jc.reason,
                        "no rule matches partition 'debug' and the comment has no grid: tag");
    assert_int_equal(jc.cluster, -1);
    assert_int_equal(jc.site, -1);
    assert_int_equal(jc.named_cluster, -1);

    gs_map_rule *d = add_default(&x->m, "debug");
    set_tier(&d->set, 0.5);
    gs_classify(&x->m, x->f, &j, &jc);
    assert_false(jc.classified);
    assert_string_equal(jc.reason,
                        "no class: set class in the partition default, a rule or grid:class=");

    set_cls(&d->set, GS_TRAINING);
    gs_classify(&x->m, x->f, &j, &jc);
    assert_false(jc.classified);
    assert_string_equal(
        jc.reason, "no cluster: set cluster in the partition default, a rule or grid:cluster=");
    assert_true(jc.tier == 0.5); /* what the steps gave is kept */

    set_cluster(&d->set, "nowhere");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_false(jc.classified);
    assert_string_equal(jc.reason, "cluster 'nowhere' is not in the fleet");
    assert_int_equal(jc.named_cluster, -1);

    set_cluster(&d->set, "ash-h100");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_false(jc.classified);
    assert_string_equal(jc.reason, "cluster 'ash-h100' is for inference, the job is training");
    assert_int_equal(jc.cluster, -1);
    assert_int_equal(jc.named_cluster, gs_fleet_find_cluster(x->f, "ash-h100"));

    /* the comment's class fixes it */
    snprintf(j.comment, sizeof j.comment, "grid:class=inference");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_true(jc.classified);
    assert_int_equal(jc.cls, GS_INFERENCE);

    /* a power curve the fleet does not have */
    snprintf(j.comment, sizeof j.comment, "grid:class=inference,curve=missing");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_false(jc.classified);
    assert_string_equal(jc.reason, "power curve 'missing' is not in the fleet's power_curves");
    snprintf(j.comment, sizeof j.comment, "grid:class=inference,curve=h100-sweep");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_true(jc.classified);
    assert_string_equal(jc.power_curve, "h100-sweep");

    /* a bad tag: unclassified with the tag's reason, the named cluster kept */
    snprintf(j.comment, sizeof j.comment, "grid:class=inference,colour=blue");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_false(jc.classified);
    assert_string_equal(
        jc.reason,
        "grid: tag: unknown key 'colour' (known: class, tier, window, ckpt, interval, "
        "curve, workload, cluster)");
    assert_int_equal(jc.named_cluster, gs_fleet_find_cluster(x->f, "ash-h100"));

    /* no map, no fleet: still an answer */
    gs_classify(NULL, NULL, &j, &jc);
    assert_false(jc.classified);
    gs_classify(&x->m, x->f, NULL, &jc);
    assert_false(jc.classified);
}

/* ---- the comment tag ------------------------------------------------------------------------- */

static void test_comment_tag_forms(void **st)
{
    fx *x = *st;
    gs_job_class jc;
    const char *tagged[] = {
        "grid:class=training,cluster=wt-h100",
        "checkpointing run; grid:class=training,cluster=wt-h100",
        "run 7 grid:class=training,cluster=wt-h100 more text",
        "grid:class=inference grid:class=training,cluster=wt-h100", /* every tag, in order */
        "a\tgrid:class=training,cluster=wt-h100;b",
    };
    for (size_t i = 0; i < sizeof tagged / sizeof *tagged; i++) {
        gs_sched_job j = job("p", "x", tagged[i], "wt001");
        gs_classify(&x->m, x->f, &j, &jc);
        if (!jc.classified)
            fail_msg("'%s': %s", tagged[i], jc.reason);
        assert_int_equal(jc.cls, GS_TRAINING);
        assert_string_equal(jc.source, "comment");
    }
    /* not a tag: grid: inside a word, or another case */
    const char *untagged[] = {"xgrid:class=training,cluster=wt-h100", "GRID:class=training",
                              "see grid-class=training", ""};
    for (size_t i = 0; i < sizeof untagged / sizeof *untagged; i++) {
        gs_sched_job j = job("p", "x", untagged[i], "wt001");
        gs_classify(&x->m, x->f, &j, &jc);
        assert_false(jc.classified);
        assert_string_equal(jc.reason,
                            "no rule matches partition 'p' and the comment has no grid: tag");
    }
    /* a space after the colon is an empty tag, and says so */
    gs_sched_job j = job("p", "x", "grid: class=training", "wt001");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_false(jc.classified);
    assert_string_equal(
        jc.reason,
        "grid: tag: no key=value pairs (write grid:tier=0.75 with no space after the colon)");
    /* every field */
    j = job("p", "x",
            "grid:class=training,cluster=wt-h100,tier=0.75,window=run,ckpt=USR1/120s,interval=4h,"
            "workload=finetuning,curve=h100-sweep",
            "wt001");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_true(jc.classified);
    assert_true(jc.tier == 0.75);
    assert_int_equal(jc.window, GS_TIER_RUN);
    assert_string_equal(jc.ckpt_signal, "USR1");
    assert_true(jc.ckpt_signal_s == 120);
    assert_true(jc.ckpt_interval_s == 4 * 3600);
    assert_string_equal(jc.workload, "finetuning");
    assert_string_equal(jc.power_curve, "h100-sweep");
}

static void test_tag_parser_values(void **st)
{
    (void)st;
    gs_map_set s;
    char why[160];
    assert_int_equal(gs_map_parse_tag("ckpt=SIGUSR2/2min", &s, why, sizeof why), 0);
    assert_true(s.has_ckpt);
    assert_string_equal(s.ckpt_signal, "USR2");
    assert_true(s.ckpt_signal_s == 120);
    assert_false(s.has_tier);
    assert_int_equal(gs_map_parse_tag("ckpt=TERM/PT1M,interval=none", &s, why, sizeof why), 0);
    assert_string_equal(s.ckpt_signal, "TERM");
    assert_true(s.ckpt_signal_s == 60);
    assert_true(s.has_ckpt_interval);
    assert_true(s.ckpt_interval_s == 0);
    assert_int_equal(gs_map_parse_tag("ckpt=none", &s, why, sizeof why), 0);
    assert_true(s.has_ckpt);
    assert_string_equal(s.ckpt_signal, "");
    assert_true(s.ckpt_signal_s == 0);
    assert_int_equal(gs_map_parse_tag("tier=1,tier_unused_check=0", NULL, why, sizeof why), -1);
    assert_int_equal(gs_map_parse_tag("tier=1", NULL, why, sizeof why), 0);
    assert_int_equal(
        gs_map_parse_tag("class=inference,window=event,interval=90min", &s, why, sizeof why), 0);
    assert_int_equal(s.cls, GS_INFERENCE);
    assert_int_equal(s.window, GS_TIER_EVENT);
    assert_true(s.ckpt_interval_s == 5400);

    /* errors: (tag, why) */
    static const char *const bad[][2] = {
        {"tier=1.5", "tier: expected a number from 0 to 1 such as 0.75, found '1.5'"},
        {"tier=-0.1", "tier: expected a number from 0 to 1 such as 0.75, found '-0.1'"},
        {"tier=abc", "tier: expected a number from 0 to 1 such as 0.75, found 'abc'"},
        {"tier=0x1", "tier: expected a number from 0 to 1 such as 0.75, found '0x1'"},
        {"tier=nan", "tier: expected a number from 0 to 1 such as 0.75, found 'nan'"},
        {"tier=1e-1", "tier: expected a number from 0 to 1 such as 0.75, found '1e-1'"},
        {"tier=0.5.5", "tier: expected a number from 0 to 1 such as 0.75, found '0.5.5'"},
        {"class=batch", "class: expected training or inference, found 'batch'"},
        {"window=week", "window: expected event, day or run, found 'week'"},
        {"ckpt=USR1", "ckpt: expected SIGNAL/DURATION such as USR1/120s or none, found 'USR1'"},
        {"ckpt=KILL/10s",
         "ckpt: expected a signal of HUP INT QUIT USR1 USR2 ALRM TERM CONT URG XCPU WINCH, found "
         "'KILL'"},
        {"ckpt=usr1/10s",
         "ckpt: expected a signal of HUP INT QUIT USR1 USR2 ALRM TERM CONT URG XCPU WINCH, found "
         "'usr1'"},
        {"ckpt=USR1/0s", "ckpt: expected a checkpoint duration > 0 such as 120s, found '0s'"},
        {"ckpt=USR1/soon", "ckpt: expected a checkpoint duration > 0 such as 120s, found 'soon'"},
        {"ckpt=USR1/", "ckpt: expected a checkpoint duration > 0 such as 120s, found ''"},
        {"interval=4 years", "interval: expected a duration such as 4h or none, found '4 years'"},
        {"interval=-1h", "interval: expected a duration such as 4h or none, found '-1h'"},
        {"workload=gaming",
         "workload: expected pretraining, finetuning, inference-batch or inference, found "
         "'gaming'"},
        {"curve="
         "0123456789012345678901234567890123456789012345678901234567890123",
         "curve: expected a power curve id of at most 63 characters, found "
         "'01234567890123456789012345678901...'"},
        {"cluster="
         "0123456789012345678901234567890123456789012345678901234567890123",
         "cluster: expected a cluster id of at most 63 characters, found "
         "'01234567890123456789012345678901...'"},
        {"foo=1",
         "unknown key 'foo' (known: class, tier, window, ckpt, interval, curve, workload, "
         "cluster)"},
        {"tier=0.5,tier=0.6", "tier: given twice"},
        {"tier=0.5,,class=training", "an empty pair (two commas, or a comma at an end)"},
        {"tier=0.5,", "an empty pair (two commas, or a comma at an end)"},
        {",tier=0.5", "an empty pair (two commas, or a comma at an end)"},
        {"tier", "expected key=value, found 'tier'"},
        {"=0.5", "expected key=value, found '=0.5'"},
        {"tier=", "tier: no value"},
        {"", "no key=value pairs (write grid:tier=0.75 with no space after the colon)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memset(&s, 0x5a, sizeof s);
        gs_map_set before = s;
        why[0] = '\0';
        if (gs_map_parse_tag(bad[i][0], &s, why, sizeof why) != -1)
            fail_msg("'%s' was accepted", bad[i][0]);
        if (strcmp(why, bad[i][1]) != 0)
            fail_msg("'%s':\n got  %s\n want %s", bad[i][0], why, bad[i][1]);
        assert_memory_equal(&s, &before, sizeof s); /* not written on error */
    }
    assert_int_equal(gs_map_parse_tag(NULL, &s, NULL, 0), -1);
}

static void test_tag_errors_make_the_job_unclassified_with_the_reason(void **st)
{
    fx *x = *st;
    two_defaults(&x->m);
    gs_job_class jc;
    gs_sched_job j = job("training", "x", "nightly; grid:tier=2", "wt001");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_false(jc.classified);
    assert_string_equal(jc.reason,
                        "grid: tag: tier: expected a number from 0 to 1 such as 0.75, found '2'");
    /* a long comment value is cut in the reason, which stays within its size */
    char c[GS_SCHED_COMMENT_MAX];
    memset(c, 'y', sizeof c - 1);
    c[sizeof c - 1] = '\0';
    memcpy(c, "grid:class=", 11);
    snprintf(j.comment, sizeof j.comment, "%s", c);
    gs_classify(&x->m, x->f, &j, &jc);
    assert_false(jc.classified);
    assert_string_equal(jc.reason,
                        "grid: tag: class: expected training or inference, found "
                        "'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy...'");
    /* a control character in a key is shown as '?' */
    snprintf(j.comment, sizeof j.comment, "grid:ti\x01r=1");
    gs_classify(&x->m, x->f, &j, &jc);
    assert_false(jc.classified);
    assert_string_equal(
        jc.reason,
        "grid: tag: unknown key 'ti?r' (known: class, tier, window, ckpt, interval, "
        "curve, workload, cluster)");
}

/* ---- host lists ------------------------------------------------------------------------------ */

typedef struct names {
    char buf[4096];
    int n;
} names;

static void collect(const char *name, void *ctx)
{
    names *ns = ctx;
    size_t used = strlen(ns->buf);
    snprintf(ns->buf + used, sizeof ns->buf - used, "%s%s", used ? " " : "", name);
    ns->n++;
}

static void expect_hosts(const char *list, const char *want)
{
    names ns = {{0}, 0};
    int n = gs_hostlist_each(list, collect, &ns);
    if (n < 0)
        fail_msg("'%s' was refused", list);
    if (strcmp(ns.buf, want) != 0)
        fail_msg("'%s':\n got  %s\n want %s", list, ns.buf, want);
    assert_int_equal(n, ns.n);
    assert_int_equal(gs_hostlist_each(list, NULL, NULL), n);
}

static void test_hostlist_forms(void **st)
{
    (void)st;
    expect_hosts("a[1-3,5]", "a1 a2 a3 a5");
    expect_hosts("n[01-10]", "n01 n02 n03 n04 n05 n06 n07 n08 n09 n10");
    expect_hosts("n[9-11]", "n9 n10 n11");
    expect_hosts("x,y", "x y");
    expect_hosts("gpu[01-03,07],login1", "gpu01 gpu02 gpu03 gpu07 login1");
    expect_hosts("r[1-2]n[1-2]", "r1n1 r1n2 r2n1 r2n2");
    expect_hosts("rack[1-2]-ib", "rack1-ib rack2-ib");
    expect_hosts("node007", "node007");
    expect_hosts("a[7]", "a7");
    expect_hosts("", "");
    assert_int_equal(gs_hostlist_each("n[0-65535]", NULL, NULL), 65536);
}

static void test_hostlist_malformed_calls_nothing(void **st)
{
    (void)st;
    const char *bad[] = {
        "a[1-",    "a[3-1]",        "a]",    "a[]",        "a,,b",           ",a",     "a,",
        "a[1-2",   "a[[1]]",        "a b",   "a[x]",       "a[1-x]",         "a[-1]",  "a[1-]",
        "a[1,,2]", "a[1000000000]", "a\x01", "n[0-65536]", "x[0-999999999]", "a[1-2]]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        names ns = {{0}, 0};
        if (gs_hostlist_each(bad[i], collect, &ns) != -1)
            fail_msg("'%s' was accepted", bad[i]);
        if (ns.n != 0)
            fail_msg("'%s': %d names given before the refusal", bad[i], ns.n);
    }
    assert_int_equal(gs_hostlist_each(NULL, NULL, NULL), -1);
    /* a name above 255 characters */
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(gs_hostlist_each(longname, NULL, NULL), -1);
    longname[255] = '\0';
    assert_int_equal(gs_hostlist_each(longname, NULL, NULL), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_first_matching_partition_default_only, reset),
        cmocka_unit_test_setup(test_rules_apply_in_order_and_comment_overrides_them, reset),
        cmocka_unit_test_setup(test_default_tier_applies_when_nothing_sets_one, reset),
        cmocka_unit_test_setup(test_shell_patterns_on_every_field, reset),
        cmocka_unit_test_setup(test_nodes_pattern_matches_only_when_every_node_does, reset),
        cmocka_unit_test_setup(test_unclassified_reasons, reset),
        cmocka_unit_test_setup(test_comment_tag_forms, reset),
        cmocka_unit_test_setup(test_tag_parser_values, reset),
        cmocka_unit_test_setup(test_tag_errors_make_the_job_unclassified_with_the_reason, reset),
        cmocka_unit_test_setup(test_hostlist_forms, reset),
        cmocka_unit_test_setup(test_hostlist_malformed_calls_nothing, reset),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
