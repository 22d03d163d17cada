/* scenarios_in.c: the scenario catalogue data/catalog/scenarios.yaml (embedded at build time:
 * reference figures, defaults, presets, every figure with its source) and users' scenario files
 * in the same format (include/gridsplit/read/scenarios.h, docs/scenarios.md). Same style as the
 * other YAML readers: libyaml's document API, unknown keys refused with a "did you mean", every
 * error naming file, line, column, field, what was expected and what was found. In the catalogue
 * every figure must name its source; in a user's file a figure without one is sourced to the
 * file. */
#include "gridsplit/read/scenarios.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "embed/assets.h"
#include "model/text.h"
#include "read/yaml_util.h"

typedef gs__yaml ctx;
#define PATH_LEN GS__YAML_PATH_LEN
/* An inference share is at least this and at most 1 - this: the indices divide shares (and their
 * odds) by one another, and a share of 1e-300 made a class's demand inf. */
#define SHARE_MIN 0.001
enum { OPT = GS__YAML_OPT, REQ = GS__YAML_REQ };

/* What is being read: the catalogue (sources required) or a user's file. */
typedef struct rd {
    ctx c;
    int catalogue;
    const char *label;  /* "catalogue" or the file's path, for gs_scenario.origin */
} rd;

void gs_scen_catalog_free(gs_scen_catalog *cat)
{
    if (!cat)
        return;
    free(cat->set);
    free(cat);
}

int gs_scen_find(const gs_scen_catalog *cat, const char *id)
{
    for (size_t i = 0; i < cat->n; i++)
        if (!strcmp(cat->set[i].id, id))
            return (int)i;
    return -1;
}

void gs_scen_params_from(const gs_scen_catalog *cat, gs_scen_params *p)
{
    memset(p, 0, sizeof *p);
    for (int k = 0; k < GS_NCLASS; k++) {
        p->max_utilisation[k] = cat->max_utilisation[k].value;
        p->rack_kw[k] = cat->rack_kw[k];
    }
    p->large_region_share = cat->large_region_share.value;
    p->rtt_limit_ms = 0;
}

/* The source of a figure: required in the catalogue, else "scenario file PATH". */
static int get_source(rd *r, const yaml_node_t *map, const char *base, char *out)
{
    int rc = gs__yaml_get_str(&r->c, map, base, "source", r->catalogue ? REQ : OPT, out,
                              GS_SCEN_SOURCE_MAX);
    if (rc < 0)
        return rc;
    if (rc == 1 && !out[0])
        return gs__yaml_fail(&r->c, gs__yaml_get(&r->c, map, "source"), base,
                             "expected a source (where the figure comes from), found an empty one");
    if (rc == 0)
        snprintf(out, GS_SCEN_SOURCE_MAX, "scenario file %.290s", r->c.file);
    return 0;
}

static int get_range(rd *r, const yaml_node_t *map, const char *base, const char *key, int req,
                     double lo, double hi, int lo_open, int hi_open, const char *what, double *out)
{
    int rc = gs__yaml_get_num(&r->c, map, base, key, req, out);
    if (rc <= 0)
        return rc;
    double v = *out;
    if ((lo_open ? !(v > lo) : !(v >= lo)) || (hi_open ? !(v < hi) : !(v <= hi))) {
        char path[PATH_LEN];
        gs__yaml_path_cut(path, base, key);
        return gs__yaml_fail(&r->c, gs__yaml_get(&r->c, map, key), path,
                             "expected %s in %c%g, %g%c, found %g", what, lo_open ? '(' : '[', lo,
                             hi, hi_open ? ')' : ']', v);
    }
    return 1;
}

static int get_year(rd *r, const yaml_node_t *map, const char *base, const char *key, int *out)
{
    double v;
    int rc = get_range(r, map, base, key, REQ, GS_SCEN_YEAR_MIN, GS_SCEN_YEAR_MAX, 0, 0, "a year",
                       &v);
    if (rc < 0)
        return rc;
    if (v != floor(v)) {
        char path[PATH_LEN];
        gs__yaml_path_cut(path, base, key);
        return gs__yaml_fail(&r->c, gs__yaml_get(&r->c, map, key), path,
                             "expected a whole year, found %g", v);
    }
    *out = (int)v;
    return 0;
}

/* A {value, source} figure. */
static int get_default(rd *r, const yaml_node_t *map, const char *base, const char *key,
                       double lo, double hi, int lo_open, const char *what, gs_scen_default *d)
{
    static const char *const keys[] = {"value", "source", NULL};
    char path[PATH_LEN];
    yaml_node_t *n;
    int rc = gs__yaml_lookup(&r->c, map, base, key, REQ, "a figure {value, source}", path, &n);
    if (rc < 0)
        return rc;
    if ((rc = gs__yaml_check_map(&r->c, n, path, "a figure {value, source}", keys)) ||
        (rc = get_range(r, n, path, "value", REQ, lo, hi, lo_open, 0, what, &d->value)) < 0 ||
        (rc = get_source(r, n, path, d->source)))
        return rc;
    return 0;
}

/* A list of {year, value, source} points by ascending year, values in (lo, hi) as said. */
static int get_curve(rd *r, const yaml_node_t *seq, const char *path, double lo, double hi,
                     int hi_open, const char *what, gs_scen_curve *cv)
{
    static const char *const keys[] = {"year", "value", "source", NULL};
    char found[96], p[PATH_LEN];
    if (!seq || seq->type != YAML_SEQUENCE_NODE) {
        gs__yaml_describe(seq, found, sizeof found);
        return gs__yaml_fail(&r->c, seq, path, "expected a list of points {year, value, source}, "
                             "found %s", found);
    }
    size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    if (n == 0 || n > GS_SCEN_STEPS_MAX)
        return gs__yaml_fail(&r->c, seq, path, "expected 1 to %d points, found %zu",
                             GS_SCEN_STEPS_MAX, n);
    memset(cv, 0, sizeof *cv);
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *e = gs__yaml_item(&r->c, seq, i);
        gs_scen_point *pt = &cv->pt[i];
        int rc;
        gs__yaml_index(p, path, i);
        if ((rc = gs__yaml_check_map(&r->c, e, p, "a point {year, value, source}", keys)) ||
            (rc = get_year(r, e, p, "year", &pt->year)) ||
            (rc = get_range(r, e, p, "value", REQ, lo, hi, 1, hi_open, what, &pt->value)) < 0 ||
            (rc = get_source(r, e, p, pt->source)))
            return rc;
        if (i && pt->year <= cv->pt[i - 1].year)
            return gs__yaml_fail(&r->c, gs__yaml_get(&r->c, e, "year"), p,
                                 "expected points by ascending year, found %d after %d", pt->year,
                                 cv->pt[i - 1].year);
    }
    cv->n = n;
    return 0;
}

/* A class path {growth: [{from, rate, source}, ...]}. */
static int get_growth(rd *r, const yaml_node_t *map, const char *base, gs_scen_growth *g)
{
    static const char *const keys[] = {"growth", NULL};
    static const char *const skeys[] = {"from", "rate", "source", NULL};
    char p[PATH_LEN];
    int rc = gs__yaml_check_map(&r->c, map, base, "a growth path {growth: [{from, rate, source}]}",
                                keys);
    if (rc)
        return rc;
    yaml_node_t *seq;
    size_t n;
    char gpath[PATH_LEN];
    gs__yaml_path_cut(gpath, base, "growth");
    if ((rc = gs__yaml_get_list(&r->c, map, base, "growth", REQ, "a list of steps {from, rate}",
                                &seq, &n)) < 0)
        return rc;
    if (n == 0 || n > GS_SCEN_STEPS_MAX)
        return gs__yaml_fail(&r->c, seq, gpath, "expected 1 to %d steps, found %zu",
                             GS_SCEN_STEPS_MAX, n);
    memset(g, 0, sizeof *g);
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *e = gs__yaml_item(&r->c, seq, i);
        gs_scen_rate *s = &g->step[i];
        gs__yaml_index(p, gpath, i);
        if ((rc = gs__yaml_check_map(&r->c, e, p, "a step {from, rate, source}", skeys)) ||
            (rc = get_year(r, e, p, "from", &s->from_year)) ||
            (rc = get_range(r, e, p, "rate", REQ, -1, GS_SCEN_RATE_MAX, 1, 0,
                            "a growth rate per year (0.65: +65 %)", &s->rate)) < 0 ||
            (rc = get_source(r, e, p, s->source)))
            return rc;
        if (i && s->from_year <= g->step[i - 1].from_year)
            return gs__yaml_fail(&r->c, gs__yaml_get(&r->c, e, "from"), p,
                                 "expected steps by ascending year, found %d after %d",
                                 s->from_year, g->step[i - 1].from_year);
    }
    g->n = n;
    return 0;
}

/* An id: letters, digits, '-', '_', '.'; the command line and the CSV name scenarios by it. */
static int check_id(rd *r, const yaml_node_t *e, const char *base, const char *id)
{
    const char *bad = NULL;
    for (const char *q = id; *q && !bad; q++)
        if (!isalnum((unsigned char)*q) && *q != '-' && *q != '_' && *q != '.')
            bad = q;
    if (!id[0] || bad) {
        char path[PATH_LEN];
        gs__yaml_path_cut(path, base, "id");
        return gs__yaml_fail(&r->c, gs__yaml_get(&r->c, e, "id"), path,
                             "expected an id of letters, digits, '-', '_' and '.', found '%s'", id);
    }
    return 0;
}

static int parse_scenario(rd *r, gs_scen_catalog *cat, const yaml_node_t *e, const char *base,
                          gs_scenario *s)
{
    static const char *const keys[] = {"id", "name", "source", "training", "inference", "total",
                                       "inference_share", "between", "weight", NULL};
    int rc = gs__yaml_check_map(&r->c, e, base, "a scenario {id, name, source, ...}", keys);
    if (rc)
        return rc;
    memset(s, 0, sizeof *s);
    char path[PATH_LEN];
    if ((rc = gs__yaml_get_str(&r->c, e, base, "id", REQ, s->id, sizeof s->id)) < 0 ||
        (rc = check_id(r, e, base, s->id)) ||
        (rc = gs__yaml_get_str(&r->c, e, base, "name", OPT, s->name, sizeof s->name)) < 0 ||
        (rc = get_source(r, e, base, s->source)))
        return rc;
    if (!s->name[0])
        snprintf(s->name, sizeof s->name, "%s", s->id);
    snprintf(s->origin, sizeof s->origin, "%s", r->label);
    int known = gs_scen_find(cat, s->id);
    if (known >= 0) {
        gs__yaml_path_cut(path, base, "id");
        return gs__yaml_fail(&r->c, gs__yaml_get(&r->c, e, "id"), path,
                             "expected a new id, found '%s', already a scenario (%s): choose "
                             "another",
                             s->id, cat->set[known].origin);
    }
    static const char *const cls[3] = {"training", "inference", "total"};
    gs_scen_growth *g[3] = {&s->training, &s->inference, &s->total};
    int have[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) {
        yaml_node_t *n;
        if ((rc = gs__yaml_lookup(&r->c, e, base, cls[k], OPT, "a growth path", path, &n)) < 0)
            return rc;
        if (rc == 1) {
            have[k] = 1;
            if ((rc = get_growth(r, n, path, g[k])))
                return rc;
        }
    }
    yaml_node_t *sh, *bw;
    int have_share, have_between;
    if ((have_share = gs__yaml_lookup(&r->c, e, base, "inference_share", OPT, "share points", path,
                                      &sh)) < 0)
        return have_share;
    if (have_share && (rc = get_curve(r, sh, path, 0, 1, 1, "a share", &s->share)))
        return rc;
    for (size_t i = 0; have_share && i < s->share.n; i++) {
        double v = s->share.pt[i].value;
        if (v < SHARE_MIN || v > 1 - SHARE_MIN) {
            char pi[PATH_LEN], p[PATH_LEN];
            gs__yaml_index(pi, path, i);
            gs__yaml_path_cut(p, pi, "value");
            yaml_node_t *vn = gs__yaml_get(&r->c, gs__yaml_item(&r->c, sh, i), "value");
            char found[96];
            gs__yaml_describe(vn, found, sizeof found);
            return gs__yaml_fail(&r->c, vn, p, "expected a share of %g to %g (the demand "
                                 "indices divide shares by one another), found %s", SHARE_MIN,
                                 1 - SHARE_MIN, found);
        }
    }
    if ((have_between = gs__yaml_lookup(&r->c, e, base, "between", OPT, "two scenario ids", path,
                                        &bw)) < 0)
        return have_between;
    int have_weight = gs__yaml_get(&r->c, e, "weight") != NULL;
    if (have_between) {
        if (have[0] || have[1] || have[2] || have_share)
            return gs__yaml_fail(&r->c, e, base,
                                 "scenario '%s': expected either 'between' or growth paths and "
                                 "shares, found both",
                                 s->id);
        char found[96];
        size_t nb = bw->type == YAML_SEQUENCE_NODE
                        ? (size_t)(bw->data.sequence.items.top - bw->data.sequence.items.start)
                        : 0;
        if (bw->type != YAML_SEQUENCE_NODE || nb != 2) {
            gs__yaml_describe(bw, found, sizeof found);
            return gs__yaml_fail(&r->c, bw, path,
                                 "expected two scenario ids [A, B], found %s%s", found,
                                 bw->type == YAML_SEQUENCE_NODE ? " of another length" : "");
        }
        for (size_t j = 0; j < 2; j++) {
            yaml_node_t *it = gs__yaml_item(&r->c, bw, j);
            const char *id = gs__yaml_scalar(it);
            char p[PATH_LEN];
            gs__yaml_index(p, path, j);
            int at = id ? gs_scen_find(cat, id) : -1;
            if (at < 0) {
                const char *near = id ? gs__nearest(id, cat->set[0].id, sizeof cat->set[0],
                                                    cat->n)
                                      : NULL;
                gs__yaml_describe(it, found, sizeof found);
                return gs__yaml_fail(&r->c, it, p,
                                     "expected a scenario defined before this one, found %s%s%s%s",
                                     found, near ? " (did you mean '" : "", near ? near : "",
                                     near ? "'?)" : "");
            }
            s->between[j] = (size_t)at;
        }
        s->weight = 0.5;
        if ((rc = get_range(r, e, base, "weight", OPT, 0, 1, 0, 0, "a weight", &s->weight)) < 0)
            return rc;
        s->form = GS_SCEN_BETWEEN;
        return 0;
    }
    if (have_weight) {
        gs__yaml_path_cut(path, base, "weight");
        return gs__yaml_fail(&r->c, gs__yaml_get(&r->c, e, "weight"), path,
                             "a weight needs 'between' (the two scenarios it weighs)");
    }
    if (have[0] && have[1] && !have[2] && !have_share)
        s->form = GS_SCEN_CLASSES;
    else if (have[2] && have_share && !have[0] && !have[1])
        s->form = GS_SCEN_TOTAL_SHARE;
    else if (have[0] && have_share && !have[1] && !have[2])
        s->form = GS_SCEN_TRAINING_SHARE;
    else if (have[1] && have_share && !have[0] && !have[2])
        s->form = GS_SCEN_INFERENCE_SHARE;
    else {
        char found[96] = "";
        const char *names[4] = {"training", "inference", "total", "inference_share"};
        int h[4] = {have[0], have[1], have[2], have_share};
        for (int k = 0; k < 4; k++)
            if (h[k])
                snprintf(found + strlen(found), sizeof found - strlen(found), "%s%s",
                         found[0] ? ", " : "", names[k]);
        return gs__yaml_fail(&r->c, e, base,
                             "scenario '%s': expected training and inference, total and "
                             "inference_share, training and inference_share, inference and "
                             "inference_share, or between; found %s",
                             s->id, found[0] ? found : "none of them");
    }
    return 0;
}

static int parse_scenarios(rd *r, gs_scen_catalog *cat, const yaml_node_t *root, size_t *count)
{
    yaml_node_t *seq;
    size_t n;
    int rc = gs__yaml_get_list(&r->c, root, "", "scenarios", REQ, "a list of scenarios", &seq, &n);
    if (rc < 0)
        return rc;
    if (n == 0)
        return gs__yaml_fail(&r->c, seq, "scenarios",
                             "expected at least one scenario, found an empty list");
    if (cat->n + n > GS_SCEN_SET_MAX)
        return gs__yaml_fail(&r->c, seq, "scenarios",
                             "expected at most %d scenarios in all, found %zu more after %zu",
                             GS_SCEN_SET_MAX, n, cat->n);
    char path[PATH_LEN];
    for (size_t i = 0; i < n; i++) {
        gs__yaml_index(path, "scenarios", i);
        if ((rc = parse_scenario(r, cat, gs__yaml_item(&r->c, seq, i), path, &cat->set[cat->n])))
            return rc;
        cat->n++;
    }
    *count = n;
    return 0;
}

static int parse_catalog(rd *r, gs_scen_catalog *cat, const yaml_node_t *root)
{
    static const char *const keys[] = {"figures", "defaults", "scenarios", NULL};
    static const char *const fkeys[] = {"id", "value", "unit", "source", NULL};
    static const char *const dkeys[] = {"max_utilisation", "large_region_share",
                                        "headroom_rate_pct", "rack_kw", NULL};
    static const char *const ckeys[] = {"training", "inference", NULL};
    int rc = gs__yaml_check_map(&r->c, root, "", "the scenario catalogue {figures, defaults, "
                                "scenarios}", keys);
    if (rc)
        return rc;
    yaml_node_t *seq, *d, *n;
    size_t nf;
    char path[PATH_LEN], p2[PATH_LEN];
    if ((rc = gs__yaml_get_list(&r->c, root, "", "figures", REQ, "a list of figures", &seq, &nf)) < 0)
        return rc;
    if (nf > GS_SCEN_FIGURES_MAX)
        return gs__yaml_fail(&r->c, seq, "figures", "expected at most %d figures, found %zu",
                             GS_SCEN_FIGURES_MAX, nf);
    for (size_t i = 0; i < nf; i++) {
        yaml_node_t *e = gs__yaml_item(&r->c, seq, i);
        gs_scen_figure *f = &cat->figures[i];
        gs__yaml_index(path, "figures", i);
        if ((rc = gs__yaml_check_map(&r->c, e, path, "a figure {id, value, unit, source}", fkeys)) ||
            (rc = gs__yaml_get_str(&r->c, e, path, "id", REQ, f->id, sizeof f->id)) < 0 ||
            (rc = gs__yaml_get_num(&r->c, e, path, "value", REQ, &f->value)) < 0 ||
            (rc = gs__yaml_get_str(&r->c, e, path, "unit", REQ, f->unit, sizeof f->unit)) < 0 ||
            (rc = get_source(r, e, path, f->source)))
            return rc;
    }
    cat->nfigures = nf;
    if ((rc = gs__yaml_lookup(&r->c, root, "", "defaults", REQ, "the defaults", path, &d)) < 0 ||
        (rc = gs__yaml_check_map(&r->c, d, path, "the defaults", dkeys)))
        return rc;
    if ((rc = gs__yaml_lookup(&r->c, d, "defaults", "max_utilisation", REQ, "per class", p2, &n)) < 0 ||
        (rc = gs__yaml_check_map(&r->c, n, p2, "figures per class {training, inference}", ckeys)))
        return rc;
    for (int k = 0; k < GS_NCLASS; k++)
        if ((rc = get_default(r, n, p2, ckeys[k], 0, 1, 1, "a share",
                              &cat->max_utilisation[k])))
            return rc;
    if ((rc = get_default(r, d, "defaults", "large_region_share", 0, 1, 1, "a share",
                          &cat->large_region_share)) ||
        (rc = get_default(r, d, "defaults", "headroom_rate_pct", 0, 100, 1, "a rate in %",
                          &cat->headroom_rate_pct)))
        return rc;
    if (!(cat->headroom_rate_pct.value < 100))
        return gs__yaml_fail(&r->c, d, "defaults.headroom_rate_pct",
                             "expected a rate below 100 %%, found %g", cat->headroom_rate_pct.value);
    if ((rc = gs__yaml_lookup(&r->c, d, "defaults", "rack_kw", REQ, "per class", p2, &n)) < 0 ||
        (rc = gs__yaml_check_map(&r->c, n, p2, "curves per class {training, inference}", ckeys)))
        return rc;
    for (int k = 0; k < GS_NCLASS; k++) {
        char p3[PATH_LEN];
        yaml_node_t *cv;
        if ((rc = gs__yaml_lookup(&r->c, n, p2, ckeys[k], REQ, "density points", p3, &cv)) < 0 ||
            (rc = get_curve(r, cv, p3, 0, 1000, 0, "a density in kW", &cat->rack_kw[k])))
            return rc;
    }
    size_t count;
    if ((rc = parse_scenarios(r, cat, root, &count)))
        return rc;
    cat->npresets = cat->n;
    return 0;
}

/* Load the YAML document of text (or of the file path when text is NULL): *root its root. */
static int load_doc(rd *r, const char *path, const char *text, size_t len, gs_error *err,
                    yaml_document_t *doc, yaml_node_t **root)
{
    int rc = gs__yaml_load(path, text, len, !text, doc, err);
    if (rc)
        return rc;
    *root = yaml_document_get_root_node(doc);
    r->c.doc = doc;
    if (!*root) {
        yaml_document_delete(doc);
        return gs_error_set(err, GS_EINPUT, path, 1, 1, NULL,
                            "expected %s, found an empty file",
                            r->catalogue ? "a scenario catalogue {figures, defaults, scenarios}"
                                         : "scenarios {scenarios: [...]}");
    }
    return 0;
}

int gs_scen_catalog_parse(const char *text, size_t len, const char *name, gs_scen_catalog **out,
                          gs_error *err)
{
    *out = NULL;
    gs_scen_catalog *cat = calloc(1, sizeof *cat);
    if (cat)
        cat->set = calloc(GS_SCEN_SET_MAX, sizeof *cat->set);
    if (!cat || !cat->set) {
        gs_scen_catalog_free(cat);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    rd r;
    memset(&r, 0, sizeof r);
    r.c.file = name;
    r.c.err = err;
    r.catalogue = 1;
    r.label = "catalogue";
    yaml_document_t doc;
    yaml_node_t *root;
    int rc = load_doc(&r, name, text, len, err, &doc, &root);
    if (!rc) {
        rc = parse_catalog(&r, cat, root);
        yaml_document_delete(&doc);
    }
    if (!rc && (rc = gs_scen_check(cat->set, cat->n, err)) && !err->file[0])
        snprintf(err->file, sizeof err->file, "%s", name);
    if (rc) {
        gs_scen_catalog_free(cat);
        return rc;
    }
    *out = cat;
    return 0;
}

int gs_scen_catalog_load(gs_scen_catalog **out, gs_error *err)
{
    *out = NULL;
    size_t len = 0;
    const char *text = gs__asset("scenarios.yaml", &len);
    const char *label = "scenarios.yaml (built-in catalogue)";
    if (!text)
        return gs_error_set(err, GS_ERUNTIME, label, 0, 0, NULL,
                            "the scenario catalogue was not embedded at build time");
    return gs_scen_catalog_parse(text, len, label, out, err);
}

int gs_scen_file_load(gs_scen_catalog *cat, const char *path, size_t *first, size_t *count,
                      gs_error *err)
{
    static const char *const keys[] = {"scenarios", NULL};
    rd r;
    memset(&r, 0, sizeof r);
    r.c.file = path;
    r.c.err = err;
    r.catalogue = 0;
    r.label = path;
    gs__yaml_set_dir(&r.c, path);
    *first = cat->n;
    *count = 0;
    yaml_document_t doc;
    yaml_node_t *root;
    int rc = load_doc(&r, path, NULL, 0, err, &doc, &root);
    if (rc)
        return rc;
    rc = gs__yaml_check_map(&r.c, root, "", "scenarios {scenarios: [...]}", keys);
    if (!rc)
        rc = parse_scenarios(&r, cat, root, count);
    yaml_document_delete(&doc);
    if (!rc && (rc = gs_scen_check(cat->set, cat->n, err)) && !err->file[0])
        snprintf(err->file, sizeof err->file, "%s", path);
    if (rc) {
        cat->n = *first; /* the file's scenarios are not kept */
        *count = 0;
    }
    return rc;
}
