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
    p->open = p->assign = NULL;
    p->served = NULL;
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
