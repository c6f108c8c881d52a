/* models/incomplete_search.c: the stepwise search over lists and covariates
 * (models/cov_search.c, Cruyff's mse::model_search: R's step(), penalty log n, then 2, then
 * 1) when some covariate values are missing: every candidate is fitted by EM
 * (models/incomplete.c) through the search's fitting seam (models.h, dfg_cstep_fitter).
 *
 *   criterion  -2 LL + pen p, LL the observed-data log-likelihood at the EM's maximum (in
 *              cenzus's multinomial form, dfg_emfit.loglik: the Poisson form differs by a
 *              constant, the same for every model), p the model's parameters, every one of
 *              them identifiable (models that are not are never fitted), n = people observed;
 *   start      a candidate's EM starts from the current model's estimate (its parameters
 *              matched, new ones 0): for an added term that is the EM from the current
 *              model's completed table; for a dropped one, from its fitted values without
 *              the term. Any start is valid for the EM; when the EM fails from it, it
 *              reruns from the even spread (dfg_em_fit's start);
 *   end        after the EM's rule stops it, the M-step on its last completed table
 *              (warm), so that LL and N are those of dfg_em_fit on the same model;
 *   skipped    an added term that leaves the model unidentifiable under the missingness
 *              (dfg_em_fit's rank test at a generic point) is not fitted and is named in
 *              the result; a start (main effects and fixed terms) that is not identifiable
 *              is refused with the term named;
 *   no MLE     a fit that does not settle in the interior gets the existence check of the
 *              complete-data search on its final completed table (exact without missing
 *              values; with them, a margin that only the E-step fills is taken as
 *              observed);
 *   EM limit   a candidate whose EM reaches its iteration limit stops the search with
 *              DFG_ENOCONV naming the model and the last change (never a silent path).
 * Ref: Zwane & van der Heijden (2007) Stat. Med. 26:1075; van der Heijden et al. (2012)
 * Appl. Statist. 61:567; Cruyff, mse 1.0 and cenzus (R packages).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "incomplete.h"
#include "models.h"

#include <string.h>

typedef struct {
    const dfg_itable *it;
    const dfg_em_opts *eo;
} edata;

typedef struct {
    dfg_em_ws ws;
    size_t *term_of, *spec; /* p_cap: scratch of dfg_cmodel_params */
} ework;

static void ework_free(void *work)
{
    ework *w = work;
    if (!w)
        return;
    dfg_em_ws_free(&w->ws);
    dfg_free(w->term_of);
    dfg_free(w->spec);
    dfg_free(w);
}

static void *ework_alloc(const void *data, size_t p_cap)
{
    const edata *d = data;
    ework *w = dfg_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    /* the parameters are set per candidate (spec, p <= p_cap) */
    if (dfg_em_ws_init(&w->ws, d->it, NULL, p_cap, NULL) != DFG_OK ||
        !(w->term_of = dfg_malloc(p_cap * sizeof *w->term_of)) ||
        !(w->spec = dfg_malloc(p_cap * sizeof *w->spec))) {
        ework_free(w);
        return NULL;
    }
    return w;
}

static dfg_status efit_fit(const void *data, void *work, const dfg_cmodel *m, const size_t *spec,
                           size_t p, int warm, int check_ident, double *beta, dfg_cstep_fitout *out,
                           dfg_error *err)
{
    const edata *d = data;
    const dfg_itable *it = d->it;
    const dfg_ctable *ct = dfg_itable_ctable(it);
    ework *w = work;
    w->ws.spec = spec;
    w->ws.p = p;
    dfg_status rc;
    if (check_ident && dfg_itable_n_rows(it) > 0) {
        dfg_error e2 = {0};
        if ((rc = dfg_cmodel_params(m, ct, w->spec, w->term_of, err)) != DFG_OK)
            return rc;
        rc = dfg_em_identifiable(it, m, &w->ws, w->term_of, &d->eo->glm, &e2);
        if (rc == DFG_EDATA) {
            out->skip = 1;
            snprintf(out->why, sizeof out->why, "%s", e2.msg);
            return DFG_OK;
        }
        if (rc != DFG_OK)
            return dfg_err_set(err, rc, "incomplete", "%s", e2.msg);
    }
    dfg_em_info info;
    dfg_error e2 = {0};
    rc = dfg_em_core(&w->ws, dfg_ctable_counts(ct), it->count, warm, d->eo, beta, &info, &e2);
    if (rc != DFG_OK) {
        char name[256];
        dfg_cmodel_format(m, ct, name, sizeof name);
        return dfg_err_set(err, rc, "incomplete", "model %s: %s", name, e2.msg);
    }
    /* the M-step on the last completed table, then LL at its fitted values */
    dfg_glm_info gi;
    rc =
        dfg_cfit_engine(w->ws.w, ct, spec, p, w->ws.yc, NULL, 1, &d->eo->glm, beta, NULL, &gi, &e2);
    if (rc == DFG_ENOCONV) /* the best iterate (the completed table is nearly saturated) */
        rc = DFG_OK;
    if (rc != DFG_OK)
        return dfg_err_set(err, rc, "incomplete", "final M-step: %s", e2.msg);
    const double *mu = dfg_cfit_work_mu(w->ws.w);
    out->status = DFG_OK;
    out->iter = info.iter;
    out->loglik = dfg_em_complete(it, mu, w->ws.yc);
    dfg_cstep_fitout_from_mu(ct, mu, dfg_cfit_work_last_step(w->ws.w), DFG_OK, out);
    return DFG_OK;
}

static dfg_status efit_check(const void *data, const dfg_cmodel *m, dfg_check_status *check,
                             double *nhat, dfg_error *err)
{
    const edata *d = data;
    dfg_emfit ef;
    dfg_status rc = dfg_em_fit(d->it, m, d->eo, &ef, err);
    if (rc != DFG_OK) {
        dfg_emfit_free(&ef);
        return rc;
    }
    dfg_cfit cf;
    rc = dfg_cfit_checked(ef.completed, m, &d->eo->glm, &cf, err);
    int hard = rc == DFG_ENOMEM || rc == DFG_EINTERNAL || rc == DFG_EINVAL;
    if (!hard) {
        *check = cf.check;
        *nhat = ef.fit.nhat;
        if (err && err->code != DFG_OK) /* a soft verdict, carried by *check */
            dfg_error_clear(err);
    }
    dfg_cfit_free(&cf);
    dfg_emfit_free(&ef);
    return hard ? rc : DFG_OK;
}

dfg_status dfg_em_step_run(const dfg_itable *it, const dfg_em_opts *eo, const dfg_cstep_opts *so,
                           dfg_cstep_result *r, dfg_error *err)
{
    if (!r)
        return dfg_err_set(err, DFG_EINVAL, "step", "NULL result");
    memset(r, 0, sizeof *r);
    if (!it)
        return dfg_err_set(err, DFG_EINVAL, "step", "NULL table");
    dfg_em_opts def = dfg_em_opts_default();
    edata d = {it, eo ? eo : &def};
    dfg_cstep_fitter f = {&d, dfg_itable_n_obs(it), ework_alloc, ework_free, efit_fit, efit_check};
    return dfg_cstep_run_with(dfg_itable_ctable(it), &f, so, r, err);
}
