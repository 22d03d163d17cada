/* place.c: placement of K inference sites (include/gridsplit/site.h, docs/site.md).
 * Owns: the facility-location MIP and its solution through COIN-OR Cbc's C interface.
 *   y_j in {0,1}   open candidate j                    sum_j y_j = K
 *   x_ij in [0,1]  share of region i served by j, only where RTT(i,j) <= budget;  x_ij <= y_j
 *   u_i in [0,1]   share of region i unserved          sum_j x_ij + u_i = 1
 *   capacity       sum_i d_i x_ij <= cap_j y_j         (cap_j = min(interconnection, headroom))
 *   minimise       sum_j F y_j + sum_ij d_i c_ij x_ij + sum_i d_i P u_i
 * with d_i = share_i x demand_mw, c_ij = 8760 x price_j x PUE_j + capex_j x annuity
 * + penalty x RTT_ij (USD per MW-year) and P ten times the largest c_ij: unserved demand is
 * the last resort, and reported. Pure apart from the solver (single thread, deterministic). */
#include "gridsplit/site.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <coin/Cbc_C_Interface.h>

void gs_site_placement_free(gs_site_placement *p)
{
    if (!p)
        return;
    free(p->open);
    free(p->assign);
    free(p->served);
    free(p->served_mw);
    free(p->only_mw);
    free(p->reach_mw);
    free(p->cost_per_mw);
    free(p->paid_per_mw);
    free(p->covered);
    free(p->rival);
    free(p->rival_beyond_mw);
    p->rival = NULL;
    p->rival_beyond_mw = NULL;
    p->open = p->assign = NULL;
    p->served = p->served_mw = p->only_mw = p->reach_mw = p->cost_per_mw = p->paid_per_mw = NULL;
    p->covered = NULL;
    p->ncand = 0;
}

/* "1.23 M" */
static void money(double v, char *b, size_t n)
{
    if (fabs(v) >= 1e6)
        snprintf(b, n, "%.2f M", v / 1e6);
    else
        snprintf(b, n, "%.0f", v);
}

void gs_site_place_reason(const gs_site_file *f, const gs_site_result *r,
                          const gs_site_placement *p, size_t j, char *buf, size_t len)
{
    buf[0] = '\0';
    if (!p->served_mw || j >= p->ncand)
        return;
    double budget = f->params.latency_budget_ms;
    bool open = false;
    for (size_t k = 0; k < p->nopen; k++)
        open |= p->open[k] == r->s[j].cand;
    char c[32], pd[32];
    money(p->cost_per_mw[j], c, sizeof c);
    money(p->paid_per_mw[j], pd, sizeof pd);
    if (open) {
        snprintf(buf, len,
                 "serves %.1f MW of demand at %s USD/MW-year; %.1f MW of it no other chosen site "
                 "reaches within %.0f ms", p->served_mw[j], c, p->only_mw[j], budget);
    } else if (!(p->reach_mw[j] > 0)) {
        snprintf(buf, len, "reaches no demand region within %.0f ms", budget);
    } else if (p->covered[j] >= 0.999) {
        double avail = r->s[j].available_mw;
        const char *why = "";
        char more[160] = "";
        if (p->cost_per_mw[j] < p->paid_per_mw[j]) {
            if (avail < p->reach_mw[j])
                snprintf(more, sizeof more, "; cheaper for those users, but it has %.1f MW "
                         "available for them", avail);
            else if (p->rival[j] >= 0 && p->rival_beyond_mw[j] > 0)
                snprintf(more, sizeof more, "; cheaper for those users, but %s, which serves most "
                         "of them, also serves %.1f MW it cannot reach", f->cands[p->rival[j]].id,
                         p->rival_beyond_mw[j]);
            else
                why = "; cheaper for those users, but the chosen sites also serve demand it "
                      "cannot reach, and only K sites are open";
        }
        snprintf(buf, len,
                 "the %.1f MW of demand it reaches is all served by the chosen sites, at %s "
                 "USD/MW-year against %s from it%s%s", p->reach_mw[j], pd, c, why, more);
    } else {
        snprintf(buf, len, "reaches %.1f MW of demand, %.1f MW of it unserved with these sites",
                 p->reach_mw[j], p->reach_mw[j] * (1 - p->covered[j]));
    }
}

int gs_site_place(const gs_site_file *f, const gs_site_result *r, const gs_site_score_opts *opts,
                  int k, double max_seconds, gs_site_placement *out, gs_error *err)
{
    memset(out, 0, sizeof *out);
    out->k = k;
    out->status = -1;
    if (r->cls != GS_INFERENCE)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL, "placement is for inference sites");
    if (!opts || !opts->regions || !opts->nregions)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, NULL, "placement needs demand regions");
    size_t m = r->n, nr = opts->nregions;
    if (k < 1 || (size_t)k > m)
        return gs_error_set(err, GS_EINPUT, NULL, 0, 0, "--choose",
                            "expected K between 1 and the %zu inference candidates, found %d", m, k);
    gs_latency_model lm = opts->latency ? *opts->latency : gs_latency_model_default();
    const gs_site_params *p = &f->params;
    double budget = p->latency_budget_ms;

    /* pairs within budget */
    size_t cap_pairs = m * nr;
    int *pi = malloc(cap_pairs * sizeof *pi), *pj = malloc(cap_pairs * sizeof *pj);
    double *prtt = malloc(cap_pairs * sizeof *prtt);
    double *cpm = malloc(m * sizeof *cpm); /* USD per MW-year without latency */
    out->open = malloc(m * sizeof *out->open);
    out->assign = malloc(nr * sizeof *out->assign);
    out->served = calloc(nr, sizeof *out->served);
    if (!pi || !pj || !prtt || !cpm || !out->open || !out->assign || !out->served) {
        free(pi), free(pj), free(prtt), free(cpm);
        gs_site_placement_free(out);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    size_t np = 0;
    double maxc = 0;
    for (size_t j = 0; j < m; j++) {
        const gs_site_score *s = &r->s[j];
        cpm[j] = 8760.0 * s->energy_cost_usd_per_mwh + s->build_usd_per_mw * p->capex_annuity;
        for (size_t i = 0; i < nr; i++) {
            const gs_site_cand *c = &f->cands[s->cand];
            double ms = gs_latency_rtt_ms(&lm, c->lat, c->lon, opts->regions[i].lat, opts->regions[i].lon);
            if (!(ms <= budget))
                continue;
            pi[np] = (int)i;
            pj[np] = (int)j;
            prtt[np] = ms;
            double cij = cpm[j] + p->latency_penalty_usd_per_ms_mw_year * ms;
            if (cij > maxc)
                maxc = cij;
            np++;
        }
    }
    double pen = 10.0 * (maxc + 1.0);
    if (pen < 1e6)
        pen = 1e6;

    size_t ncols = m + np + nr, nrows = nr + np + m + 1;
    size_t nnz = m * 1 + np * 3 + nr + np /* y in pair rows */ + m /* y in capacity rows */;
    CoinBigIndex *start = malloc((ncols + 1) * sizeof *start);
    int *index = malloc(nnz * sizeof *index);
    double *value = malloc(nnz * sizeof *value);
    double *clb = malloc(ncols * sizeof *clb), *cub = malloc(ncols * sizeof *cub);
    double *obj = malloc(ncols * sizeof *obj);
    double *rlb = malloc(nrows * sizeof *rlb), *rub = malloc(nrows * sizeof *rub);
    size_t *first = calloc(m + 1, sizeof *first); /* pairs of site j: contiguous, built in j order */
    if (!start || !index || !value || !clb || !cub || !obj || !rlb || !rub || !first) {
        free(start), free(index), free(value), free(clb), free(cub), free(obj), free(rlb), free(rub);
        free(first), free(pi), free(pj), free(prtt), free(cpm);
        gs_site_placement_free(out);
        return gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    }
    for (size_t q = 0; q < np; q++)
        first[pj[q] + 1]++;
    for (size_t j = 0; j < m; j++)
        first[j + 1] += first[j];
    /* rows: [0, nr) region, [nr, nr+np) pair, [nr+np, nr+np+m) capacity, last: count */
    size_t rp = nr, rc0 = nr + np, rk = nr + np + m;
    size_t z = 0, col = 0;
    for (size_t j = 0; j < m; j++, col++) {
        start[col] = (CoinBigIndex)z;
        for (size_t q = first[j]; q < first[j + 1]; q++) {
            index[z] = (int)(rp + q);
            value[z++] = -1.0;
        }
        index[z] = (int)(rc0 + j);
        value[z++] = -r->s[j].available_mw;
        index[z] = (int)rk;
        value[z++] = 1.0;
        clb[col] = 0;
        cub[col] = 1;
        obj[col] = p->site_fixed_usd_per_year;
    }
    for (size_t q = 0; q < np; q++, col++) {
        double d = opts->regions[pi[q]].share * p->demand_mw;
        start[col] = (CoinBigIndex)z;
        index[z] = pi[q];
        value[z++] = 1.0;
        index[z] = (int)(rp + q);
        value[z++] = 1.0;
        index[z] = (int)(rc0 + (size_t)pj[q]);
        value[z++] = d;
        clb[col] = 0;
        cub[col] = 1;
        obj[col] = d * (cpm[pj[q]] + p->latency_penalty_usd_per_ms_mw_year * prtt[q]);
    }
    for (size_t i = 0; i < nr; i++, col++) {
        start[col] = (CoinBigIndex)z;
        index[z] = (int)i;
        value[z++] = 1.0;
        clb[col] = 0;
        cub[col] = 1;
        obj[col] = opts->regions[i].share * p->demand_mw * pen;
    }
    start[col] = (CoinBigIndex)z;
    for (size_t i = 0; i < nr; i++)
        rlb[i] = rub[i] = 1.0;
    for (size_t q = 0; q < np; q++) {
        rlb[rp + q] = -INFINITY;
        rub[rp + q] = 0;
    }
    for (size_t j = 0; j < m; j++) {
        rlb[rc0 + j] = -INFINITY;
        rub[rc0 + j] = 0;
    }
    rlb[rk] = rub[rk] = (double)k;

    int rc = GS_OK;
    Cbc_Model *model = Cbc_newModel();
    if (!model) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "cannot create the Cbc model");
        goto done;
    }
    Cbc_loadProblem(model, (int)ncols, (int)nrows, start, index, value, clb, cub, obj, rlb, rub);
    for (size_t j = 0; j < m; j++)
        Cbc_setInteger(model, (int)j);
    Cbc_setObjSense(model, 1.0);
    Cbc_setLogLevel(model, 0);
    Cbc_setParameter(model, "threads", "1");
    if (max_seconds > 0)
        Cbc_setMaximumSeconds(model, max_seconds);
    Cbc_setAllowableGap(model, 1e-6);
    Cbc_solve(model);
    const double *x = Cbc_numberSavedSolutions(model) > 0 || Cbc_isProvenOptimal(model)
                          ? Cbc_getColSolution(model) : NULL;
    if (!x) {
        rc = gs_error_set(err, GS_ERUNTIME, NULL, 0, 0, NULL,
                          "the placement solver found no solution (Cbc status %d/%d)",
                          Cbc_status(model), Cbc_secondaryStatus(model));
        goto done;
    }
    out->status = Cbc_isProvenOptimal(model) ? 0 : 1;
    for (size_t j = 0; j < m; j++)
        if (x[j] > 0.5)
            out->open[out->nopen++] = r->s[j].cand;
    double *bestx = calloc(nr, sizeof *bestx);
    if (!bestx) {
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nr; i++)
        out->assign[i] = -1;
    /* why: each candidate's served, exclusive and reachable demand, and the costs */
    out->ncand = m;
    out->served_mw = calloc(m, sizeof(double));
    out->only_mw = calloc(m, sizeof(double));
    out->reach_mw = calloc(m, sizeof(double));
    out->cost_per_mw = calloc(m, sizeof(double));
    out->paid_per_mw = calloc(m, sizeof(double));
    out->covered = calloc(m, sizeof(double));
    out->rival = malloc(m * sizeof(int));
    out->rival_beyond_mw = calloc(m, sizeof(double));
    unsigned char *inreach = calloc(nr * m, 1);    /* [i * m + j]: within budget */
    double *share_ij = calloc(nr * m, sizeof(double)); /* [i * m + j]: x_ij of the solution */
    int *nopen_reach = calloc(nr, sizeof(int));
    double *paid_i = calloc(nr, sizeof(double)), *served_i = calloc(nr, sizeof(double));
    if (!out->served_mw || !out->only_mw || !out->reach_mw || !out->cost_per_mw ||
        !out->paid_per_mw || !out->covered || !nopen_reach || !paid_i || !served_i ||
        !out->rival || !out->rival_beyond_mw || !inreach || !share_ij) {
        free(nopen_reach), free(paid_i), free(served_i), free(bestx), free(inreach), free(share_ij);
        rc = gs_error_set(err, GS_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t q = 0; q < np; q++) {
        double cij = cpm[pj[q]] + p->latency_penalty_usd_per_ms_mw_year * prtt[q];
        if (x[pj[q]] > 0.5)
            nopen_reach[pi[q]]++;
        inreach[(size_t)pi[q] * m + (size_t)pj[q]] = 1;
        share_ij[(size_t)pi[q] * m + (size_t)pj[q]] = x[m + q] >= 1e-9 ? x[m + q] : 0;
        if (x[m + q] >= 1e-9) {
            paid_i[pi[q]] += x[m + q] * cij;
            served_i[pi[q]] += x[m + q];
        }
    }
    for (size_t q = 0; q < np; q++) {
        int i = pi[q], j = pj[q];
        double d = opts->regions[i].share * p->demand_mw, v = x[m + q];
        double cij = cpm[j] + p->latency_penalty_usd_per_ms_mw_year * prtt[q];
        out->reach_mw[j] += d;
        out->cost_per_mw[j] += d * cij;
        out->paid_per_mw[j] += d * paid_i[i];
        out->covered[j] += d * fmin(1, served_i[i]);
        if (v >= 1e-9) {
            out->served_mw[j] += d * v;
            if (nopen_reach[i] == 1)
                out->only_mw[j] += d * v;
        }
    }
    for (size_t j = 0; j < m; j++) {
        double reach = out->reach_mw[j], cov = out->covered[j];
        out->cost_per_mw[j] = reach > 0 ? out->cost_per_mw[j] / reach : NAN;
        out->paid_per_mw[j] = cov > 0 ? out->paid_per_mw[j] / cov : NAN;
        out->covered[j] = reach > 0 ? cov / reach : 0;
    }
    /* a candidate not open: the open site serving most of the demand it reaches, and what that
     * site serves beyond its reach (why the two could not simply swap) */
    for (size_t j = 0; j < m; j++) {
        out->rival[j] = -1;
        if (x[j] > 0.5)
            continue;
        double best = 0;
        size_t bk = m;
        for (size_t o = 0; o < m; o++) {
            if (!(x[o] > 0.5))
                continue;
            double mine = 0;
            for (size_t i = 0; i < nr; i++)
                if (inreach[i * m + j])
                    mine += opts->regions[i].share * p->demand_mw * share_ij[i * m + o];
            if (mine > best) {
                best = mine;
                bk = o;
            }
        }
        if (bk == m)
            continue;
        out->rival[j] = r->s[bk].cand;
        for (size_t i = 0; i < nr; i++)
            if (!inreach[i * m + j])
                out->rival_beyond_mw[j] += opts->regions[i].share * p->demand_mw * share_ij[i * m + bk];
    }
    free(nopen_reach), free(paid_i), free(served_i), free(inreach), free(share_ij);
    double served_mw = 0, rtt_mw = 0;
    for (size_t q = 0; q < np; q++) {
        double v = x[m + q];
        if (v < 1e-9)
            continue;
        int i = pi[q];
        const gs_site_score *s = &r->s[pj[q]];
        double d = opts->regions[i].share * p->demand_mw * v;
        out->served[i] += v;
        if (v > bestx[i]) {
            bestx[i] = v;
            out->assign[i] = s->cand;
        }
        out->energy_usd_per_year += d * 8760.0 * s->energy_cost_usd_per_mwh;
        out->capex_usd_per_year += d * s->build_usd_per_mw * p->capex_annuity;
        out->latency_usd_per_year += d * p->latency_penalty_usd_per_ms_mw_year * prtt[q];
        served_mw += d;
        rtt_mw += d * prtt[q];
    }
    free(bestx);
    double cov = 0;
    for (size_t i = 0; i < nr; i++) {
        if (out->served[i] > 1)
            out->served[i] = 1;
        cov += opts->regions[i].share * out->served[i];
    }
    out->coverage = cov;
    out->unserved_mw = p->demand_mw - served_mw;
    if (out->unserved_mw < 1e-6)
        out->unserved_mw = 0;
    out->fixed_usd_per_year = p->site_fixed_usd_per_year * (double)out->nopen;
    out->cost_usd_per_year = out->energy_usd_per_year + out->capex_usd_per_year +
                             out->latency_usd_per_year + out->fixed_usd_per_year;
    out->mean_rtt_ms = served_mw > 0 ? rtt_mw / served_mw : NAN;
done:
    if (model)
        Cbc_deleteModel(model);
    free(start), free(index), free(value), free(clb), free(cub), free(obj), free(rlb), free(rub);
    free(first), free(pi), free(pj), free(prtt), free(cpm);
    if (rc)
        gs_site_placement_free(out);
    return rc;
}
