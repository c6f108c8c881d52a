/* models/search_cov.c: the model space of the list searches (models/search.c) on the full
 * table over lists and covariates, with chosen covariate terms held fixed.
 *
 * A model is (the main effects of every list and covariate) + (the fixed terms, each with
 * at most one list: P:age, age:sex, P:age:sex) + (a hierarchical set of list terms, the
 * candidates of the list-only search). Its parameters are those of the fixed part and one
 * per list term; it is fitted over every pattern x covariate combination by the IRLS of
 * core/design.c (dfg_cfit_engine, as `fit` does). The rules of the list-only space carry
 * over: a list term no one is on is fixed at -inf and the cells that contain it, in every
 * stratum, leave the likelihood (they are 0 in the collapsed table, hence in every
 * stratum); p counts every parameter, the fixed at -inf included; n = people observed;
 *   BIC = p log n - 2 loglik,  AIC = 2 p - 2 loglik,  AICc = AIC + 2 p (p + 1) / (n - p - 1).
 * Existence: a fit that settles in the interior (dfg_cfit_work_interior) proves it (the
 * log-likelihood is strictly concave and has a finite stationary point); otherwise the
 * Fienberg-Rinaldo LP of models/covariates.c on the cells kept decides. A model whose MLE
 * does not exist is marked (check code 1) and never chosen.
 * The list part of a fit depends on the strata only through the fitted cells: summed over
 * the strata they give the 2^k pattern cells the stepwise p-values and the warm starts of
 * the list-only space read (w->mu), so the search code is the same for both spaces.
 * Ref: Fienberg & Rinaldo (2012) Ann. Statist. 40:996; van der Heijden et al. (2012)
 * Appl. Statist. 61:567 (list x covariate models for the Dutch registers).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "search_space.h"

#include <math.h>
#include <string.h>

struct sp_cov {
    const dfg_ctable *ct;
    size_t n_cells, n_strata;
    size_t p_base;     /* parameters of main effects + fixed terms (intercept first) */
    size_t *base_spec; /* their cell-layout specifications */
    size_t p_cap;      /* p_base + every candidate */
};

struct sp_cov_work {
    dfg_cfit_work *fw;
    size_t *spec;       /* p_cap: the parameters of the model being fitted */
    double *beta, *cov; /* p_cap, p_cap^2 */
    double *fitted;     /* n_cells: a copy of the fitted cells (s.e.) */
    unsigned char *use; /* n_cells: the cells in the likelihood */
};

void dfg_sp_cov_free(sp_cov *cov)
{
    if (!cov)
        return;
    dfg_free(cov->base_spec);
    dfg_free(cov);
}

dfg_status dfg_sp_space_init_cov(sp_space *sp, const dfg_ctable *ct, const dfg_cmodel *fixed,
                                 int max_order, dfg_criterion crit, const dfg_glm_opts *glm,
                                 dfg_error *err)
{
    size_t k = dfg_ctable_k(ct);
    dfg_status rc = dfg_sp_space_begin(sp, k, max_order, crit, glm, err);
    if (rc)
        return rc;
    if (dfg_ctable_trend_degree(ct, NULL))
        return dfg_err_set(err, DFG_EINVAL, "search",
                           "a covariate coded as a trend: the list searches take factors only");
    uint64_t lists = ((uint64_t)1 << k) - 1;
    for (size_t i = 0; fixed && i < fixed->n_terms; i++)
        if (__builtin_popcountll(fixed->terms[i] & lists) > 1) {
            char name[128];
            dfg_cmodel_term_name(ct, fixed->terms[i], name, sizeof name);
            return dfg_err_set(err, DFG_EINVAL, "search",
                               "fixed term %s has two or more lists: the search selects the "
                               "list interactions; fix covariate terms (at most one list each)",
                               name);
        }
    size_t n_cells = dfg_ctable_n_cells(ct);
    sp->nmap = n_cells;
    if (!(sp->y = dfg_calloc(2 * sp->ncell, sizeof *sp->y)) ||
        !(sp->cov = dfg_calloc(1, sizeof *sp->cov)))
        return dfg_err_set(err, DFG_ENOMEM, "search", "%zu cells", n_cells);
    sp->ysup = sp->y + sp->ncell;
    /* the strata summed: pattern = cell & (2^k - 1) */
    const double *y = dfg_ctable_counts(ct);
    for (size_t c = 0; c < n_cells; c++)
        if (c & lists)
            sp->y[c & lists] += y[c];
    dfg_superset_sums(k, sp->y, sp->ysup);
    sp->n_obs = sp->ysup[0];
    if (!(sp->n_obs > 0.0))
        return dfg_err_set(err, DFG_EDATA, "search", "no one observed");
    for (size_t j = 0; j < k; j++)
        if (!(sp->ysup[(size_t)1 << j] > 0.0))
            return dfg_err_set(err, DFG_EDATA, "search", "list %s holds no one",
                               dfg_ctable_list_name(ct, j));
    sp->logn = log(sp->n_obs);
    sp->lsat = dfg_sp_saturated_loglik(y, n_cells);
    /* the main effects and the fixed terms, closed */
    sp_cov *cv = sp->cov;
    cv->ct = ct;
    cv->n_cells = n_cells;
    cv->n_strata = dfg_ctable_n_strata(ct);
    dfg_cmodel base = {0};
    rc = fixed ? dfg_cmodel_from_terms(ct, fixed->terms, fixed->n_terms, &base, err)
               : dfg_cmodel_main(ct, &base, err);
    if (rc)
        return rc;
    cv->p_base = dfg_cmodel_n_params(&base, ct);
    cv->p_cap = cv->p_base + sp->n_cand;
    if (!(cv->base_spec = dfg_malloc(cv->p_base * sizeof *cv->base_spec)))
        rc = dfg_err_set(err, DFG_ENOMEM, "search", "%zu parameters", cv->p_base);
    else
        rc = dfg_cmodel_params(&base, ct, cv->base_spec, NULL, err);
    dfg_cmodel_free(&base);
    sp->p_base = (double)cv->p_base;
    sp->p_max = cv->p_cap;
    return rc;
}

/* Two blocks: the struct with its doubles; the parameters with the cell flags. */
sp_cov_work *dfg_sp_cov_work_alloc(const sp_space *sp)
{
    const sp_cov *cv = sp->cov;
    size_t p = cv->p_cap, n = cv->n_cells, nd = p + p * p + n;
    sp_cov_work *cw = dfg_calloc(1, sizeof *cw + nd * sizeof(double));
    size_t *spec = cw ? dfg_malloc(p * sizeof *spec + n) : NULL;
    dfg_cfit_work *fw = spec ? dfg_cfit_work_alloc(cv->ct, p) : NULL;
    if (!fw) {
        dfg_free(spec);
        dfg_free(cw);
        return NULL;
    }
    cw->fw = fw;
    cw->spec = spec;
    cw->use = (unsigned char *)(spec + p);
    cw->beta = (double *)(cw + 1);
    cw->cov = cw->beta + p;
    cw->fitted = cw->cov + p * p;
    return cw;
}

void dfg_sp_cov_work_free(sp_cov_work *cw)
{
    if (cw) { /* the two blocks of dfg_sp_cov_work_alloc and the fit's workspace */
        dfg_cfit_work_free(cw->fw);
        dfg_free(cw->spec);
    }
    dfg_free(cw);
}

/* The parameters of model mask into cw->spec (returns their number), its list terms into
 * w->terms with the terms at -inf in w->fixed and the patterns kept in w->use
 * (dfg_check_boundary on the strata summed), the cells kept in cw->use; *nfix, *n_used. */
static size_t cov_model(const sp_space *sp, sp_worker *w, uint64_t mask, size_t *nfix,
                        unsigned *n_used)
{
    const sp_cov *cv = sp->cov;
    sp_cov_work *cw = w->cw;
    size_t k = sp->k, n = dfg_sp_terms(sp, mask, w->terms), lm = sp->ncell - 1;
    *nfix = dfg_check_boundary(k, sp->ysup, w->terms, n, w->fixed, w->use);
    size_t pf = cv->p_base;
    memcpy(cw->spec, cv->base_spec, pf * sizeof *cw->spec);
    for (size_t i = k; i < n; i++) /* main effects are in the base (no list is empty) */
        if (!w->fixed[i])
            cw->spec[pf++] = w->terms[i];
    unsigned nu = 0;
    for (size_t c = 0; c < cv->n_cells; c++) {
        cw->use[c] = (unsigned char)((c & lm) && w->use[c & lm]);
        nu += cw->use[c];
    }
    *n_used = nu;
    return pf;
}

/* Fit the pf parameters of cw->spec on cw->use: from the coefficients in w->bmap when warm
 * (new list terms at their one-term start with w->new_start), again cold when that fails.
 * cov may be NULL. Returns the fit's status; *hard = 1 for ENOMEM or EINVAL (err set). */
static dfg_status cov_fit(const sp_space *sp, sp_worker *w, size_t pf, int warm, double *cov,
                          dfg_glm_info *info, int *hard, dfg_error *err)
{
    const sp_cov *cv = sp->cov;
    sp_cov_work *cw = w->cw;
    int from_beta = warm && w->warm;
    for (size_t j = 0; from_beta && j < pf; j++) {
        cw->beta[j] = w->bmap[cw->spec[j]];
        if (w->new_start && j >= cv->p_base && !w->inb[cw->spec[j]])
            cw->beta[j] = dfg_sp_new_term_start(sp, w, (uint32_t)cw->spec[j]);
    }
    const double *y = dfg_ctable_counts(cv->ct);
    dfg_error e2 = {0};
    dfg_status frc = dfg_cfit_engine(cw->fw, cv->ct, cw->spec, pf, y, cw->use, from_beta, &sp->glm,
                                     cw->beta, cov, info, &e2);
    if (frc != DFG_OK && from_beta) {
        dfg_error_clear(&e2);
        frc = dfg_cfit_engine(cw->fw, cv->ct, cw->spec, pf, y, cw->use, 0, &sp->glm, cw->beta, cov,
                              info, &e2);
    }
    *hard = frc == DFG_ENOMEM || frc == DFG_EINVAL;
    if (*hard)
        dfg_err_set(err, frc, "search", "fit of a %zu-parameter model: %s", pf, e2.msg);
    return frc;
}

dfg_status dfg_sp_cov_eval(const sp_space *sp, sp_worker *w, uint64_t mask, int warm, sp_eval *e,
                           dfg_error *err)
{
    const sp_cov *cv = sp->cov;
    sp_cov_work *cw = w->cw;
    memset(e, 0, sizeof *e);
    e->done = 1;
    e->crit = e->nhat = e->loglik = e->deviance = e->aic = e->bic = NAN;
    size_t nfix;
    unsigned nu;
    size_t pf = cov_model(sp, w, mask, &nfix, &nu);
    e->n_fixed = (unsigned char)nfix;
    e->p = (unsigned)(cv->p_base + (size_t)__builtin_popcountll(mask));
    e->p_fit = (unsigned)pf;
    e->n_used = nu;
    dfg_glm_info info;
    int hard;
    dfg_status frc = cov_fit(sp, w, pf, warm, NULL, &info, &hard, err);
    if (hard)
        return frc;
    if (frc == DFG_ESING) { /* the design is not of full rank on the cells kept */
        e->code = 2;
        e->fit = DFG_ESING;
        return DFG_OK;
    }
    int exists = dfg_cfit_work_interior(cw->fw, cv->ct, cw->use, frc);
    if (!exists) {
        dfg_status rc = dfg_cfit_lp_exists(cv->ct, cw->spec, pf, NULL, cw->use, &exists, err);
        if (rc)
            return rc;
    }
    /* the fitted cells summed over the strata: the pattern table of the list-only space */
    const double *mu = dfg_cfit_work_mu(cw->fw);
    size_t lm = sp->ncell - 1;
    memset(w->mu, 0, sp->ncell * sizeof *w->mu);
    for (size_t c = 0; c < cv->n_cells; c++)
        if (cw->use[c] || !(c & lm))
            w->mu[c & lm] += mu[c];
    dfg_sp_eval_finish(sp, w, e, exists, frc, &info, pf, NULL, cw->spec, cw->beta);
    return DFG_OK;
}

dfg_status dfg_sp_cov_se(const sp_space *sp, sp_worker *w, uint64_t mask, double *se,
                         dfg_error *err)
{
    const sp_cov *cv = sp->cov;
    sp_cov_work *cw = w->cw;
    *se = NAN;
    size_t nfix;
    unsigned nu;
    size_t pf = cov_model(sp, w, mask, &nfix, &nu);
    dfg_glm_info info;
    int hard;
    /* new_start off: the coefficients of the last fit (this model's, after a stepwise
     * search) or cold */
    int ns = w->new_start;
    w->new_start = 0;
    dfg_status frc = cov_fit(sp, w, pf, 1, cw->cov, &info, &hard, err);
    w->new_start = ns;
    if (hard)
        return frc;
    if (frc != DFG_OK)
        return DFG_OK;
    /* var(N) = m0 + g'Vg (dfg_cfit_group) */
    memcpy(cw->fitted, dfg_cfit_work_mu(cw->fw), cv->n_cells * sizeof *cw->fitted);
    dfg_cfit f;
    memset(&f, 0, sizeof f);
    f.p = pf;
    f.n_cells = cv->n_cells;
    f.spec = cw->spec;
    f.cov = cw->cov;
    f.fitted = cw->fitted;
    double n_obs, m0, var;
    dfg_status rc = dfg_cfit_group(cv->ct, &f, NULL, &n_obs, &m0, &var, err);
    if (rc == DFG_OK && var >= 0.0)
        *se = sqrt(var);
    return rc;
}

dfg_status dfg_search_cov_model(const dfg_ctable *ct, const dfg_cmodel *fixed,
                                const dfg_model *lists, dfg_cmodel *m, dfg_error *err)
{
    if (!ct || !lists || !m)
        return dfg_err_set(err, DFG_EINVAL, "search", "NULL table, list terms or model");
    size_t nf = fixed ? fixed->n_terms : 0, n = nf + lists->n_terms;
    uint64_t *terms = dfg_malloc((n + 1) * sizeof *terms);
    if (!terms)
        return dfg_err_set(err, DFG_ENOMEM, "search", "%zu terms", n);
    for (size_t i = 0; i < nf; i++)
        terms[i] = fixed->terms[i];
    for (size_t i = 0; i < lists->n_terms; i++)
        terms[nf + i] = lists->terms[i];
    dfg_status rc = dfg_cmodel_from_terms(ct, terms, n, m, err);
    dfg_free(terms);
    return rc;
}
