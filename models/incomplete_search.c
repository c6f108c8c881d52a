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
 * The list searches with covariate terms held fixed (dfg_em_search_run, stepwise,
 * exhaustive, downhill of models/search.c) fit each model of the space of
 * models/search_cov.c by EM through its fitter (search_space.h): identifiability by
 * dfg_em_fit's rank test (a model that fails it is not fitted; the term named is kept),
 * the EM from the even spread (over the cells the space keeps: a list term no one is on
 * is at -inf, its cells out), the M-step on the last completed table, LL as above, and
 * existence by the interior rule, else the LP of the complete-data search on the final
 * (or, when the fit failed, the last) completed table. The space's pattern counts and n are those
 * of every person (the rows with missing values spread evenly: the patterns are always observed).
 * Ref: Zwane & van der Heijden (2007) Stat. Med. 26:1075; van der Heijden et al. (2012)
 * Appl. Statist. 61:567; Cruyff, mse 1.0 and cenzus (R packages).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "incomplete.h"
#include "search_space.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
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

/* ** {======================================================================
 * The list searches with covariate terms held fixed (dfg_em_search_run): the EM fit of
 * one model of the space of models/search_cov.c, through its fitter (search_space.h).
 * ======================================================================= */

#define MAX_SKIPPED 32

typedef struct {
    const dfg_itable *it;
    const dfg_em_opts *eo;
    const dfg_cmodel *fixed; /* may be NULL */
    pthread_mutex_t lock;    /* the workers share the names below */
    size_t n_skipped;
    char skipped[MAX_SKIPPED][64]; /* distinct terms named by the rank test */
} ldata;

typedef struct {
    ldata *d;
    dfg_em_ws ws;
    dfg_ctable *yct;         /* the layout with the completed counts (existence LP) */
    size_t *spec2, *term_of; /* p_max: the model's parameters in dfg_cmodel_params order */
    uint64_t *terms;         /* the model's terms */
    uint32_t *lterms;        /* its list terms */
    size_t cap_terms;
} lwork;

static void lwork_free(void *work)
{
    lwork *w = work;
    if (!w)
        return;
    dfg_em_ws_free(&w->ws);
    dfg_ctable_free(w->yct);
    dfg_free(w->spec2);
    dfg_free(w->term_of);
    dfg_free(w->terms);
    dfg_free(w->lterms);
    dfg_free(w);
}

static void *lwork_alloc(const sp_space *sp, void *data)
{
    ldata *d = data;
    const dfg_ctable *ct = dfg_itable_ctable(d->it);
    lwork *w = dfg_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->d = d;
    w->cap_terms = (d->fixed ? d->fixed->n_terms : 0) + dfg_ctable_n_cov(ct) + sp->k + SP_MAX_CAND;
    if (dfg_em_ws_init(&w->ws, d->it, NULL, sp->p_max, NULL) != DFG_OK ||
        dfg_ctable_copy(ct, &w->yct, NULL) != DFG_OK ||
        !(w->spec2 = dfg_malloc(sp->p_max * sizeof *w->spec2)) ||
        !(w->term_of = dfg_malloc(sp->p_max * sizeof *w->term_of)) ||
        !(w->terms = dfg_malloc(w->cap_terms * sizeof *w->terms)) ||
        !(w->lterms = dfg_malloc((sp->k + SP_MAX_CAND) * sizeof *w->lterms))) {
        lwork_free(w);
        return NULL;
    }
    return w;
}

/* model mask as a model over lists and covariates: the fixed terms, every covariate's
 * main effect and the list terms (closed) */
static dfg_status lmodel(const sp_space *sp, lwork *w, uint64_t mask, dfg_cmodel *m, dfg_error *err)
{
    const ldata *d = w->d;
    const dfg_ctable *ct = dfg_itable_ctable(d->it);
    size_t n = 0, k = sp->k;
    for (size_t i = 0; d->fixed && i < d->fixed->n_terms; i++)
        w->terms[n++] = d->fixed->terms[i];
    for (size_t c = 0; c < dfg_ctable_n_cov(ct); c++)
        w->terms[n++] = (uint64_t)1 << (k + c);
    size_t nl = dfg_sp_terms(sp, mask, w->lterms);
    for (size_t i = 0; i < nl; i++)
        w->terms[n++] = w->lterms[i];
    return dfg_cmodel_from_terms(ct, w->terms, n, m, err);
}

/* the term the rank test names ("model term X cannot be estimated ..."), once */
static void note_term(ldata *d, const char *msg)
{
    const char *a = strstr(msg, "model term "), *b = a ? strstr(a, " cannot") : NULL;
    char name[64];
    if (a && b && (size_t)(b - a) - 11 < sizeof name)
        snprintf(name, sizeof name, "%.*s", (int)(b - a - 11), a + 11);
    else
        snprintf(name, sizeof name, "%.63s", msg);
    pthread_mutex_lock(&d->lock);
    int seen = 0;
    for (size_t i = 0; i < d->n_skipped && !seen; i++)
        seen = strcmp(d->skipped[i], name) == 0;
    if (!seen && d->n_skipped < MAX_SKIPPED)
        memcpy(d->skipped[d->n_skipped++], name, sizeof name);
    pthread_mutex_unlock(&d->lock);
}

static dfg_status lfit(const sp_space *sp, void *work, uint64_t mask, const size_t *spec, size_t pf,
                       const unsigned char *use, int warm, double *beta, dfg_status *frc,
                       dfg_glm_info *info, const double **mu, int *exists, dfg_error *err)
{
    lwork *w = work;
    const dfg_itable *it = w->d->it;
    const dfg_em_opts *eo = w->d->eo;
    const dfg_ctable *ct = dfg_itable_ctable(it);
    memset(info, 0, sizeof *info);
    info->loglik = info->deviance = NAN;
    *frc = DFG_OK;
    *exists = 1;
    *mu = NULL;
    dfg_status rc;
    dfg_error e2 = {0};
    /* identifiable under the missingness (dfg_em_fit's rank test) */
    if (dfg_itable_n_rows(it) > 0) {
        dfg_cmodel m = {0};
        if ((rc = lmodel(sp, w, mask, &m, err)) == DFG_OK &&
            (rc = dfg_cmodel_params(&m, ct, w->spec2, w->term_of, err)) == DFG_OK) {
            w->ws.spec = w->spec2;
            w->ws.p = dfg_cmodel_n_params(&m, ct);
            rc = dfg_em_identifiable(it, &m, &w->ws, w->term_of, &eo->glm, &e2);
            if (rc == DFG_EDATA) {
                note_term(w->d, e2.msg);
                *frc = DFG_ESING;
                rc = DFG_OK;
            } else if (rc != DFG_OK) {
                dfg_err_set(err, rc, "incomplete", "%s", e2.msg);
            }
        }
        dfg_cmodel_free(&m);
        if (rc != DFG_OK || *frc != DFG_OK)
            return rc;
    }
    /* from the even spread (dfg_em_fit's start), not from the worker's last model: the EM's
     * rule stops on the change of LL, and on a flat likelihood N is then known to the start
     * (warm starts moved N by 1e-5 relative on cov_003_missing.csv); so each row is
     * dfg_em_fit's fit whatever the order of the search, at no measurable cost */
    (void)warm;
    w->ws.spec = spec;
    w->ws.p = pf;
    w->ws.use = use; /* a list term at -inf: its cells out, as in the complete-data search */
    dfg_em_info ei;
    rc = dfg_em_core(&w->ws, dfg_ctable_counts(ct), it->count, 0, eo, beta, &ei, &e2);
    if (rc == DFG_OK) { /* the M-step on the last completed table, LL at its fitted values */
        dfg_glm_info gi;
        rc = dfg_cfit_engine(w->ws.w, ct, spec, pf, w->ws.yc, use, 1, &eo->glm, beta, NULL, &gi,
                             &e2);
        if (rc == DFG_ENOCONV) /* the best iterate (as dfg_em_step_run) */
            rc = DFG_OK;
    }
    if (rc == DFG_ENOMEM || rc == DFG_EINVAL || rc == DFG_EINTERNAL)
        return dfg_err_set(err, rc, "incomplete", "EM fit of a %zu-parameter model: %s", pf,
                           e2.msg);
    /* a failed fit (towards a boundary, the EM or its M-step may not settle) is never
     * chosen; the LP on its last completed table says whether the MLE exists */
    dfg_status fit_rc = rc;
    *frc = rc == DFG_OK ? DFG_OK : DFG_ENOCONV;
    *exists = 0;
    if (rc == DFG_OK) {
        const double *m = dfg_cfit_work_mu(w->ws.w);
        info->loglik = dfg_em_complete_use(it, use, m, w->ws.yc);
        *mu = m;
        /* existence: interior, else the LP on the completed table */
        *exists = dfg_cfit_work_interior(w->ws.w, ct, use, DFG_OK);
    }
    if (!*exists) {
        if ((rc = dfg_ctable_set_counts(w->yct, w->ws.yc, err)) != DFG_OK)
            return rc;
        rc = dfg_cfit_lp_exists(w->yct, spec, pf, NULL, use, exists, err);
    }
    /* a singular M-step: not identifiable on the cells kept (the complete-data search's
     * rule), unless the MLE does not exist (the fit ran towards the boundary) */
    if (rc == DFG_OK && fit_rc == DFG_ESING && *exists)
        *frc = DFG_ESING;
    return rc;
}

static dfg_status lse(const sp_space *sp, void *work, uint64_t mask, double *se, dfg_error *err)
{
    lwork *w = work;
    *se = NAN;
    dfg_cmodel m = {0};
    dfg_status rc = lmodel(sp, w, mask, &m, err);
    if (rc != DFG_OK)
        return rc;
    dfg_emfit ef;
    dfg_error e2 = {0};
    rc = dfg_em_fit(w->d->it, &m, w->d->eo, &ef, &e2);
    if (rc == DFG_OK)
        *se = ef.fit.se_nhat;
    dfg_emfit_free(&ef);
    dfg_cmodel_free(&m);
    if (rc == DFG_ENOMEM)
        return dfg_err_set(err, rc, "incomplete", "s.e.: %s", e2.msg);
    return DFG_OK;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

dfg_status dfg_em_search_run(const dfg_itable *it, const dfg_cmodel *fixed, const dfg_em_opts *eo,
                             const dfg_search_opts *o, dfg_search_result *r, dfg_error *err)
{
    if (r)
        memset(r, 0, sizeof *r);
    if (!it || !o || !r)
        return dfg_err_set(err, DFG_EINVAL, "search", "NULL table, options or result");
    dfg_em_opts def = dfg_em_opts_default();
    if (!eo)
        eo = &def;
    if (!(eo->tol > 0.0) || !(eo->abs_tol >= 0.0) || eo->max_iter < 1 ||
        eo->max_iter > DFG_MAX_ITER)
        return dfg_err_set(err, DFG_EINVAL, "search",
                           "EM options: tol > 0, abs_tol >= 0, max_iter in 1..%d", DFG_MAX_ITER);
    /* the space's pattern counts and n: every person, those with missing values spread
     * evenly over their compatible cells (the patterns are always observed) */
    const dfg_ctable *ct = dfg_itable_ctable(it);
    dfg_ctable *lay = NULL;
    double *yc = dfg_malloc(dfg_ctable_n_cells(ct) * sizeof *yc);
    ldata *d = dfg_calloc(1, sizeof *d);
    dfg_status rc = yc && d ? dfg_ctable_copy(ct, &lay, err)
                            : dfg_err_set(err, DFG_ENOMEM, "search", "EM search");
    if (rc == DFG_OK) {
        dfg_em_complete(it, NULL, yc);
        rc = dfg_ctable_set_counts(lay, yc, err);
    }
    if (rc == DFG_OK) {
        d->it = it;
        d->eo = eo;
        d->fixed = fixed;
        pthread_mutex_init(&d->lock, NULL);
        sp_cov_fitter f = {d, lwork_alloc, lwork_free, lfit, lse};
        rc = dfg_search_run_cov_with(lay, fixed, &f, o, r, err);
        pthread_mutex_destroy(&d->lock);
        /* the names in a fixed order, whatever the threads met first */
        qsort(d->skipped, d->n_skipped, sizeof d->skipped[0], cmp_name);
        size_t len = 0;
        for (size_t i = 0; i < d->n_skipped && len + 66 < sizeof r->skipped; i++) {
            int n = snprintf(r->skipped + len, sizeof r->skipped - len, "%s%s", i ? ", " : "",
                             d->skipped[i]);
            if (n > 0)
                len += (size_t)n;
        }
    }
    dfg_ctable_free(lay);
    dfg_free(yc);
    dfg_free(d);
    return rc;
}

/* ** }====================================================================== */
