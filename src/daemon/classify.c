/* classify.c: the job mapping of classify.h (docs/serve.md, "Job mapping"): partition defaults,
 * then every matching rule, then the job's own `grid:` comment tag, each overriding the one
 * before; the tag parser; and the expansion of the scheduler's compressed host lists. Pure: no
 * I/O, no clock, no globals. A job the mapping does not fully place on a fleet cluster of its
 * own class is unclassified with the reason, never guessed.
 *
 * Choices made here (the header leaves them open):
 * - A `nodes` pattern matches only a job that has nodes: a pending job (no nodes yet) never
 *   matches a rule or default that has one; a malformed host list matches none.
 * - Every `grid:` token of the comment applies, in order. A token starts at the beginning of the
 *   comment or after a space, tab, newline or ';', and its body runs to the next such character.
 *   "grid:" with an empty body (e.g. "grid: tier=0.5") is an error that says so.
 * - In a tag: keys at most once, no empty pairs, no empty values. ckpt takes an optional "SIG"
 *   prefix (SIGUSR1 is kept as USR1) and a duration > 0, or "none" (clears it); interval takes
 *   a duration or "none" (0); workload must be pretraining, finetuning, inference-batch or
 *   inference (the workloads that have a built-in power-cap curve).
 * - The sources are written "partition PATTERN; rule N; comment", N counting the rules from 1.
 * - A map's default_tier outside [0, 1] (or NaN) counts as 1 (must-run). m == NULL is an empty
 *   map with comment tags on and default tier 1.
 * - gs_job_class.named_cluster keeps the fleet cluster the mapping named even when the job ends
 *   unclassified (class missing or different, a bad tag after it, an unknown curve), so the live
 *   picture can still place its power at a site (live.c). */
#include "daemon/classify.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsplit/duration.h"

/* the signals a checkpoint may be asked with: the fleet's list (gs_fleet_validate) */
static const char *const ckpt_signals[] = {"HUP",  "INT",  "QUIT", "USR1", "USR2",  "ALRM",
                                           "TERM", "CONT", "URG",  "XCPU", "WINCH", NULL};
static const char *const workloads[] = {"pretraining", "finetuning", "inference-batch", "inference",
                                        NULL};

void gs_map_free(gs_map *m)
{
    if (!m)
        return;
    free(m->defaults);
    free(m->rules);
    memset(m, 0, sizeof *m);
}

/* ---- host lists ------------------------------------------------------------------------------ */

#define HOST_NAME_MAX_LEN 255

typedef struct hl_walk {
    void (*fn)(const char *name, void *ctx);
    void *ctx;
    long count;
    char name[HOST_NAME_MAX_LEN + 1];
} hl_walk;

/* Parse an unsigned decimal of at most 9 digits at s[0..n); -1 when it is not one. */
static long hl_number(const char *s, size_t n)
{
    if (n == 0 || n > 9)
        return -1;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Expand the host term s[0..n) appended to w->name[0..used): each bracket group multiplies the
 * names, leftmost slowest. Returns 0 or -1 (malformed, too long, too many). */
static int hl_term(hl_walk *w, size_t used, const char *s, size_t n)
{
    const char *open = memchr(s, '[', n);
    size_t lit = open ? (size_t)(open - s) : n;
    if (memchr(s, ']', lit))
        return -1; /* a ']' before any '[' */
    if (used + lit > HOST_NAME_MAX_LEN)
        return -1;
    memcpy(w->name + used, s, lit);
    used += lit;
    if (!open) {
        w->name[used] = '\0';
        if (used == 0)
            return -1;
        if (++w->count > GS_HOSTLIST_MAX)
            return -1;
        if (w->fn)
            w->fn(w->name, w->ctx);
        return 0;
    }
    const char *body = open + 1, *end = s + n;
    const char *close = body;
    while (close < end && *close != ']') {
        if (*close == '[')
            return -1; /* nested */
        close++;
    }
    if (close == end || close == body)
        return -1; /* unclosed or empty "[]" */
    const char *rest = close + 1;
    size_t nrest = (size_t)(end - rest);
    /* each comma-separated element: N or LO-HI, zero padding to the width of LO */
    const char *p = body;
    while (p <= close) {
        const char *q = p;
        while (q < close && *q != ',')
            q++;
        const char *dash = memchr(p, '-', (size_t)(q - p));
        const char *lo_s = p;
        size_t lo_n = dash ? (size_t)(dash - p) : (size_t)(q - p);
        long lo = hl_number(lo_s, lo_n);
        long hi = dash ? hl_number(dash + 1, (size_t)(q - dash - 1)) : lo;
        if (lo < 0 || hi < 0 || hi < lo)
            return -1;
        for (long v = lo; v <= hi; v++) {
            char num[16];
            int k = snprintf(num, sizeof num, "%0*ld", (int)lo_n, v);
            if (k < 0 || used + (size_t)k > HOST_NAME_MAX_LEN)
                return -1;
            memcpy(w->name + used, num, (size_t)k);
            if (hl_term(w, used + (size_t)k, rest, nrest) < 0)
                return -1;
        }
        p = q + 1;
    }
    return 0;
}

static int hl_walk_list(hl_walk *w, const char *list)
{
    const char *p = list;
    if (!*p)
        return 0;
    for (;;) {
        /* a term runs to the next comma outside brackets */
        const char *q = p;
        int depth = 0;
        while (*q && !(*q == ',' && depth == 0)) {
            if (*q == '[')
                depth++;
            else if (*q == ']')
                depth--;
            if (depth < 0 || depth > 1 || isspace((unsigned char)*q) || !isprint((unsigned char)*q))
                return -1;
            q++;
        }
        if (depth != 0 || q == p)
            return -1;
        if (hl_term(w, 0, p, (size_t)(q - p)) < 0)
            return -1;
        if (!*q)
            break;
        p = q + 1;
    }
    return 0;
}

int gs_hostlist_each(const char *list, void (*fn)(const char *name, void *ctx), void *ctx)
{
    if (!list)
        return -1;
    hl_walk w = {0};
    /* a dry run first, so that a malformed list calls fn for no host */
    if (hl_walk_list(&w, list) < 0)
        return -1;
    if (!fn)
        return (int)w.count;
    long total = w.count;
    w.count = 0;
    w.fn = fn;
    w.ctx = ctx;
    if (hl_walk_list(&w, list) < 0)
        return -1; /* not reached: the dry run passed */
    return (int)total;
}

/* ---- the grid: tag --------------------------------------------------------------------------- */

/* Copy s[0..n) into a short quoted form for messages: control characters as '?', cut past 32. */
static void shown(char *out, size_t len, const char *s, size_t n)
{
    size_t k = 0, cut = n > 32 ? 32 : n;
    for (size_t i = 0; i < cut && k + 1 < len; i++)
        out[k++] = isprint((unsigned char)s[i]) ? s[i] : '?';
    if (cut < n && k + 3 < len) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k < len ? k : len - 1] = '\0';
}

static int in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

static int tag_fail(char *why, size_t why_len, const char *fmt, const char *key, const char *val,
                    size_t nval)
{
    char v[40];
    shown(v, sizeof v, val, nval);
    if (why && why_len)
        snprintf(why, why_len, fmt, key, v);
    return -1;
}

/* One key=value pair into set; 0 or -1 with why. */
static int tag_pair(const char *key, const char *val, size_t nval, gs_map_set *set, char *why,
                    size_t why_len)
{
    char v[GS_SCHED_COMMENT_MAX];
    if (nval >= sizeof v)
        return tag_fail(why, why_len, "%s: value too long ('%s')", key, val, nval);
    memcpy(v, val, nval);
    v[nval] = '\0';

    if (strcmp(key, "class") == 0) {
        if (set->has_cls)
            goto twice;
        if (strcmp(v, "training") == 0)
            set->cls = GS_TRAINING;
        else if (strcmp(v, "inference") == 0)
            set->cls = GS_INFERENCE;
        else
            return tag_fail(why, why_len, "%s: expected training or inference, found '%s'", key, v,
                            nval);
        set->has_cls = true;
    } else if (strcmp(key, "tier") == 0) {
        if (set->has_tier)
            goto twice;
        /* digits with at most one '.', no sign, exponent or hex */
        size_t digits = strspn(v, "0123456789."), dots = 0;
        for (size_t i = 0; i < nval; i++)
            dots += v[i] == '.';
        char *end = NULL;
        errno = 0;
        double t = strtod(v, &end);
        if (digits != nval || dots > 1 || !isdigit((unsigned char)v[0]) || end == v || *end ||
            errno || !isfinite(t) || t < 0 || t > 1)
            return tag_fail(why, why_len,
                            "%s: expected a number from 0 to 1 such as 0.75, found '%s'", key, v,
                            nval);
        set->tier = t;
        set->has_tier = true;
    } else if (strcmp(key, "window") == 0) {
        if (set->has_window)
            goto twice;
        if (strcmp(v, "event") == 0)
            set->window = GS_TIER_EVENT;
        else if (strcmp(v, "day") == 0)
            set->window = GS_TIER_DAY;
        else if (strcmp(v, "run") == 0)
            set->window = GS_TIER_RUN;
        else
            return tag_fail(why, why_len, "%s: expected event, day or run, found '%s'", key, v,
                            nval);
        set->has_window = true;
    } else if (strcmp(key, "ckpt") == 0) {
        if (set->has_ckpt)
            goto twice;
        if (strcmp(v, "none") == 0) {
            set->ckpt_signal[0] = '\0';
            set->ckpt_signal_s = 0;
        } else {
            char *slash = strchr(v, '/');
            if (!slash)
                return tag_fail(
                    why, why_len,
                    "%s: expected SIGNAL/DURATION such as USR1/120s or none, found '%s'", key, v,
                    nval);
            *slash = '\0';
            const char *sig = strncmp(v, "SIG", 3) == 0 ? v + 3 : v;
            if (!in_list(ckpt_signals, sig))
                return tag_fail(why, why_len,
                                "%s: expected a signal of HUP INT QUIT USR1 USR2 ALRM TERM CONT "
                                "URG XCPU WINCH, "
                                "found '%s'",
                                key, v, strlen(v));
            double d = 0;
            if (gs_duration_parse(slash + 1, &d, NULL) < 0 || !(d > 0))
                return tag_fail(why, why_len,
                                "%s: expected a checkpoint duration > 0 such as 120s, found '%s'",
                                key, slash + 1, strlen(slash + 1));
            memcpy(set->ckpt_signal, sig, strlen(sig) + 1); /* a name of the table: fits */
            set->ckpt_signal_s = d;
        }
        set->has_ckpt = true;
    } else if (strcmp(key, "interval") == 0) {
        if (set->has_ckpt_interval)
            goto twice;
        double d = 0;
        if (strcmp(v, "none") != 0 && gs_duration_parse(v, &d, NULL) < 0)
            return tag_fail(why, why_len, "%s: expected a duration such as 4h or none, found '%s'",
                            key, v, nval);
        set->ckpt_interval_s = d;
        set->has_ckpt_interval = true;
    } else if (strcmp(key, "curve") == 0) {
        if (set->has_curve)
            goto twice;
        if (nval >= sizeof set->power_curve)
            return tag_fail(why, why_len,
                            "%s: expected a power curve id of at most 63 characters, found '%s'",
                            key, v, nval);
        memcpy(set->power_curve, v, nval + 1);
        set->has_curve = true;
    } else if (strcmp(key, "workload") == 0) {
        if (set->has_workload)
            goto twice;
        if (!in_list(workloads, v))
            return tag_fail(
                why, why_len,
                "%s: expected pretraining, finetuning, inference-batch or inference, found '%s'",
                key, v, nval);
        memcpy(set->workload, v, nval + 1); /* a word of the table: fits */
        set->has_workload = true;
    } else if (strcmp(key, "cluster") == 0) {
        if (set->has_cluster)
            goto twice;
        if (nval >= sizeof set->cluster)
            return tag_fail(why, why_len,
                            "%s: expected a cluster id of at most 63 characters, found '%s'", key,
                            v, nval);
        memcpy(set->cluster, v, nval + 1);
        set->has_cluster = true;
    } else {
        if (why && why_len)
            snprintf(why, why_len,
                     "unknown key '%s' (known: class, tier, window, ckpt, interval, curve, "
                     "workload, cluster)",
                     key);
        return -1;
    }
    return 0;
twice:
    if (why && why_len)
        snprintf(why, why_len, "%s: given twice", key);
    return -1;
}

int gs_map_parse_tag(const char *text, gs_map_set *set, char *why, size_t why_len)
{
    if (why && why_len)
        why[0] = '\0';
    gs_map_set s;
    memset(&s, 0, sizeof s);
    if (!text || !*text) {
        if (why && why_len)
            snprintf(why, why_len,
                     "no key=value pairs (write grid:tier=0.75 with no space after the colon)");
        return -1;
    }
    const char *p = text;
    for (;;) {
        const char *q = strchr(p, ',');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (n == 0) {
            if (why && why_len)
                snprintf(why, why_len, "an empty pair (two commas, or a comma at an end)");
            return -1;
        }
        const char *eq = memchr(p, '=', n);
        if (!eq) {
            char v[40];
            shown(v, sizeof v, p, n);
            if (why && why_len)
                snprintf(why, why_len, "expected key=value, found '%s'", v);
            return -1;
        }
        size_t nkey = (size_t)(eq - p);
        char key[40];
        if (nkey == 0 || nkey >= sizeof key) {
            char v[40];
            shown(v, sizeof v, p, n);
            if (why && why_len)
                snprintf(why, why_len, "expected key=value, found '%s'", v);
            return -1;
        }
        memcpy(key, p, nkey);
        key[nkey] = '\0';
        for (size_t i = 0; i < nkey; i++) /* a key shown in a message stays printable */
            if (!isprint((unsigned char)key[i]))
                key[i] = '?';
        size_t nval = n - nkey - 1;
        if (nval == 0) {
            if (why && why_len)
                snprintf(why, why_len, "%s: no value", key);
            return -1;
        }
        if (tag_pair(key, eq + 1, nval, &s, why, why_len) < 0)
            return -1;
        if (!q)
            break;
        p = q + 1;
    }
    if (set)
        *set = s;
    return 0;
}

/* ---- the mapping ----------------------------------------------------------------------------- */

static bool pat_match(const char *pattern, const char *value)
{
    return !pattern[0] || fnmatch(pattern, value, 0) == 0;
}

typedef struct nodes_match {
    const char *pattern;
    bool all;
} nodes_match;

static void node_check(const char *name, void *ctx)
{
    nodes_match *nm = ctx;
    if (fnmatch(nm->pattern, name, 0) != 0)
        nm->all = false;
}

/* Whether every node of the job matches the pattern ("" matches any job). */
static bool nodes_match_all(const char *pattern, const char *nodes)
{
    if (!pattern[0])
        return true;
    nodes_match nm = {pattern, true};
    int n = gs_hostlist_each(nodes, node_check, &nm);
    return n > 0 && nm.all;
}

/* Apply what `from` sets over `to`. */
static void set_over(gs_map_set *to, const gs_map_set *from)
{
    if (from->has_cls) {
        to->has_cls = true;
        to->cls = from->cls;
    }
    if (from->has_tier) {
        to->has_tier = true;
        to->tier = from->tier;
    }
    if (from->has_window) {
        to->has_window = true;
        to->window = from->window;
    }
    if (from->has_ckpt) {
        to->has_ckpt = true;
        memcpy(to->ckpt_signal, from->ckpt_signal, sizeof to->ckpt_signal);
        to->ckpt_signal_s = from->ckpt_signal_s;
    }
    if (from->has_ckpt_interval) {
        to->has_ckpt_interval = true;
        to->ckpt_interval_s = from->ckpt_interval_s;
    }
    if (from->has_curve) {
        to->has_curve = true;
        memcpy(to->power_curve, from->power_curve, sizeof to->power_curve);
    }
    if (from->has_workload) {
        to->has_workload = true;
        memcpy(to->workload, from->workload, sizeof to->workload);
    }
    if (from->has_cluster) {
        to->has_cluster = true;
        memcpy(to->cluster, from->cluster, sizeof to->cluster);
    }
}

/* Append "; part" (or "part" when empty) to the source, marking a cut with "...". */
static void source_add(char *src, size_t len, const char *part)
{
    size_t used = strlen(src);
    if (used + 4 >= len)
        return;
    int k = snprintf(src + used, len - used, "%s%s", used ? "; " : "", part);
    if (k < 0 || (size_t)k >= len - used)
        memcpy(src + len - 4, "...", 4);
}

static bool is_space_or_semi(char c)
{
    return c == ';' || isspace((unsigned char)c);
}

void gs_classify(const gs_map *m, const gs_fleet *f, const gs_sched_job *job, gs_job_class *out)
{
    memset(out, 0, sizeof *out);
    out->cluster = -1;
    out->site = -1;
    out->named_cluster = -1;
    double default_tier = 1;
    bool comment_tags = true;
    if (m) {
        comment_tags = m->comment_tags;
        if (m->default_tier >= 0 && m->default_tier <= 1)
            default_tier = m->default_tier;
    }
    out->tier = default_tier;
    out->window = GS_TIER_EVENT;
    out->cls = GS_TRAINING;
    if (!job) {
        snprintf(out->reason, sizeof out->reason, "no job");
        return;
    }

    gs_map_set acc;
    memset(&acc, 0, sizeof acc);
    bool matched = false;
    char part[GS_SCHED_WORD_MAX + 32];

    /* 1. the first partition default that matches */
    for (size_t i = 0; m && i < m->ndefaults; i++) {
        const gs_map_rule *d = &m->defaults[i];
        if (pat_match(d->partition, job->partition) && nodes_match_all(d->nodes, job->nodes)) {
            set_over(&acc, &d->set);
            snprintf(part, sizeof part, "partition %s", d->partition[0] ? d->partition : "*");
            source_add(out->source, sizeof out->source, part);
            matched = true;
            break;
        }
    }
    /* 2. every rule that matches, in order */
    for (size_t i = 0; m && i < m->nrules; i++) {
        const gs_map_rule *r = &m->rules[i];
        if (pat_match(r->partition, job->partition) && pat_match(r->qos, job->qos) &&
            pat_match(r->account, job->account) && pat_match(r->name, job->name) &&
            nodes_match_all(r->nodes, job->nodes)) {
            set_over(&acc, &r->set);
            snprintf(part, sizeof part, "rule %zu", i + 1);
            source_add(out->source, sizeof out->source, part);
            matched = true;
        }
    }
    /* 3. the comment's grid: tags */
    bool tag_bad = false;
    if (comment_tags) {
        const char *c = job->comment;
        size_t clen = strnlen(c, sizeof job->comment - 1);
        bool tagged = false;
        for (size_t i = 0; i < clen; i++) {
            if (clen - i < 5 || memcmp(c + i, "grid:", 5) != 0 ||
                (i > 0 && !is_space_or_semi(c[i - 1])))
                continue;
            size_t b = i + 5, e = b;
            while (e < clen && !is_space_or_semi(c[e]))
                e++;
            char body[GS_SCHED_COMMENT_MAX];
            memcpy(body, c + b, e - b);
            body[e - b] = '\0';
            gs_map_set tag;
            char why[sizeof out->reason];
            if (gs_map_parse_tag(body, &tag, why, sizeof why) < 0) {
                snprintf(out->reason, sizeof out->reason, "grid: tag: %.148s", why);
                tag_bad = true;
                break;
            }
            set_over(&acc, &tag);
            tagged = true;
            i = e > 0 ? e - 1 : e;
        }
        if (tagged) {
            source_add(out->source, sizeof out->source, "comment");
            matched = true;
        }
    }

    /* what the steps gave, kept also when the job ends unclassified */
    if (acc.has_cls)
        out->cls = acc.cls;
    if (acc.has_tier)
        out->tier = acc.tier;
    if (acc.has_window)
        out->window = acc.window;
    if (acc.has_ckpt) {
        memcpy(out->ckpt_signal, acc.ckpt_signal, sizeof out->ckpt_signal);
        out->ckpt_signal_s = acc.ckpt_signal_s;
    }
    if (acc.has_ckpt_interval)
        out->ckpt_interval_s = acc.ckpt_interval_s;
    if (acc.has_curve)
        memcpy(out->power_curve, acc.power_curve, sizeof out->power_curve);
    if (acc.has_workload)
        memcpy(out->workload, acc.workload, sizeof out->workload);
    int ci = -1;
    if (acc.has_cluster && f) {
        ci = gs_fleet_find_cluster(f, acc.cluster);
        out->named_cluster = ci;
    }

    if (tag_bad)
        return;
    if (!matched) {
        char v[40];
        shown(v, sizeof v, job->partition, strlen(job->partition));
        snprintf(out->reason, sizeof out->reason,
                 "no rule matches partition '%s' and the comment has no grid: tag", v);
        return;
    }
    if (!acc.has_cls) {
        snprintf(out->reason, sizeof out->reason,
                 "no class: set class in the partition default, a rule or grid:class=");
        return;
    }
    if (!acc.has_cluster) {
        snprintf(out->reason, sizeof out->reason,
                 "no cluster: set cluster in the partition default, a rule or grid:cluster=");
        return;
    }
    if (ci < 0) {
        char v[40];
        shown(v, sizeof v, acc.cluster, strlen(acc.cluster));
        snprintf(out->reason, sizeof out->reason, "cluster '%s' is not in the fleet", v);
        return;
    }
    const gs_cluster *cl = &f->clusters[ci];
    if (cl->cls != acc.cls) {
        snprintf(out->reason, sizeof out->reason, "cluster '%s' is for %s, the job is %s", cl->id,
                 gs_class_name(cl->cls), gs_class_name(acc.cls));
        return;
    }
    if (out->power_curve[0] && gs_fleet_find_power_curve(f, out->power_curve) < 0) {
        char v[40];
        shown(v, sizeof v, out->power_curve, strlen(out->power_curve));
        snprintf(out->reason, sizeof out->reason,
                 "power curve '%s' is not in the fleet's power_curves", v);
        return;
    }
    out->classified = true;
    out->cluster = ci;
    out->site = cl->site;
}
