/* models/cov_search.c: stepwise selection of a log-linear model over lists and covariates,
 * with the semantics of Cruyff's R package mse (model_search), which runs R's step():
 *
 *   from the main effects of every list and covariate, repeatedly fit every model one
 *   term away (drop a two-way term in the model, add a two-way term among lists and
 *   covariates that is not; the scope is all two-way terms, the main effects are always
 *   in) and move to the one with the smallest criterion -2 log L + pen p; stop when no
 *   move lowers the criterion (R keeps the current model on ties). First pen = log n
 *   (BIC, n = people observed), then from where that stopped pen = 2 (AIC), then pen = 1.
 *
 * Every step prints AIC, AICc = AIC + 2p(p+1)/(n-p-1), BIC and N. A step whose model has no
 * MLE (the fit drifts towards the boundary: some parameters to -inf and, here, N without
 * bound) is kept in the path, as step() keeps it, but flagged DFG_CHECK_NOMLE and its N is
 * not reported. Existence: a fit that converged with a last Newton step below 1e-3 or with
 * every fitted cell above 1e-5 is taken as interior (the MLE exists); any other goes to the
 * linear programs of dfg_cfit_checked, which also give N of the extended MLE when it is
 * estimable.
 * Candidates are fitted from the current estimate (new parameters at 0), in parallel
 * threads when asked; each candidate's fit is independent of the thread that runs it, so
 * the path is the same on any number of threads.
 * Ref: Cruyff, mse 1.0 (R package); R Core, stats::step, add1.glm, drop1.glm;
 * van der Heijden et al. (2012) Appl. Statist. 61:567.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"
#include "models.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

dfg_cstep_opts dfg_cstep_opts_default(void)
{
    dfg_cstep_opts o;
    memset(&o, 0, sizeof o);
    o.glm = dfg_glm_opts_default();
    o.max_steps = 500;
    o.threads = 1;
    o.phases = 3;
    return o;
}

void dfg_cstep_result_free(dfg_cstep_result *r)
{
    if (!r)
        return;
    dfg_free(r->steps);
    dfg_cmodel_free(&r->final);
    memset(r, 0, sizeof *r);
}

/* one fitted model: its terms and parameters */
typedef struct {
    size_t n_terms;
    uint64_t *terms; /* not closed: main effects + two-way terms as listed */
    size_t p;
    size_t *spec;
    uint64_t *pterm; /* the term of each parameter (0 for the intercept) */
    double *beta;
    double loglik;
    double m0;
    int iter;
    dfg_status status;
    int interior; /* last Newton step small */
    int skip;     /* not identifiable: never compared (the fitter said why) */
    char why[256];
} cand;

static void cand_free(cand *c)
{
    dfg_free(c->terms);
    dfg_free(c->spec);
    dfg_free(c->pterm);
    dfg_free(c->beta);
    memset(c, 0, sizeof *c);
}

typedef struct {
    const dfg_ctable *ct; /* the layout */
    const dfg_cstep_fitter *f;
    size_t p_cap;
} ctx;

/* Parameters of the terms (each term's own parameters; terms must already be closed). */
static int cand_params(const dfg_ctable *ct, cand *c)
{
    size_t p = 1;
    for (size_t i = 0; i < c->n_terms; i++)
        p += dfg_cmodel_term_params(ct, c->terms[i]);
    c->p = p;
    if (!(c->spec = dfg_malloc(p * sizeof *c->spec)) ||
        !(c->pterm = dfg_malloc(p * sizeof *c->pterm)) ||
        !(c->beta = dfg_calloc(p, sizeof *c->beta)))
        return 0;
    dfg_cmodel m = {c->n_terms, c->terms};
    size_t *tof = dfg_malloc(p * sizeof *tof);
    if (!tof)
        return 0;
    dfg_cmodel_params(&m, ct, c->spec, tof, NULL);
    c->pterm[0] = 0;
    for (size_t j = 1; j < p; j++)
        c->pterm[j] = c->terms[tof[j]];
    dfg_free(tof);
    return 1;
}

/* ** {======================================================================
 * The fitting seam (models.h, dfg_cstep_fitter): the complete-data fitter below; the EM
 * fitter of models/incomplete_search.c fits the same candidates on incomplete data.
 * ======================================================================= */

void dfg_cstep_fitout_from_mu(const dfg_ctable *ct, const double *mu, double last_step,
                              dfg_status rc, dfg_cstep_fitout *out)
{
    size_t k = dfg_ctable_k(ct), n = dfg_ctable_n_cells(ct), lm = ((size_t)1 << k) - 1;
    double mu_min = INFINITY;
    for (size_t cell = 0; cell < n; cell++)
        if (cell & lm)
            mu_min = fmin(mu_min, mu[cell]);
    /* interior: converged with a negligible last step, or with no fitted cell drifting to 0
     * (on a boundary the empty cells' fitted values fall like e^-iteration) */
    out->interior = rc == DFG_OK && (last_step < 1e-3 || mu_min > 1e-5);
    double m0 = 0.0;
    for (size_t s = 0; s < dfg_ctable_n_strata(ct); s++)
        m0 += mu[s << k];
    out->m0 = m0;
}

typedef struct {
    const dfg_ctable *ct;
    const dfg_glm_opts *glm;
} cdata;

static void *cwork_alloc(const void *data, size_t p_cap)
{
    return dfg_cfit_work_alloc(((const cdata *)data)->ct, p_cap);
}

static void cwork_free(void *w)
{
    dfg_cfit_work_free(w);
}

static dfg_status cfit_fit(const void *data, void *work, const dfg_cmodel *m, const size_t *spec,
                           size_t p, int warm, int check_ident, double *beta, dfg_cstep_fitout *out,
                           dfg_error *err)
{
    const cdata *d = data;
    (void)m;
    (void)check_ident; /* complete data: every hierarchical model is identifiable */
    dfg_glm_info info;
    dfg_status rc = dfg_cfit_engine(work, d->ct, spec, p, dfg_ctable_counts(d->ct), NULL, warm,
                                    d->glm, beta, NULL, &info, err);
    if (rc != DFG_OK && rc != DFG_ENOCONV)
        return rc;
    out->status = rc;
    out->loglik = info.loglik;
    out->iter = info.iter;
    dfg_cstep_fitout_from_mu(d->ct, dfg_cfit_work_mu(work), dfg_cfit_work_last_step(work), rc, out);
    return DFG_OK;
}

static dfg_status cfit_check(const void *data, const dfg_cmodel *m, dfg_check_status *check,
                             double *nhat, dfg_error *err)
{
    const cdata *d = data;
    dfg_cfit f;
    dfg_status rc = dfg_cfit_checked(d->ct, m, d->glm, &f, err);
    int hard = rc == DFG_ENOMEM || rc == DFG_EINTERNAL || rc == DFG_EINVAL;
    if (!hard) {
        *check = f.check;
        *nhat = f.nhat;
    }
    dfg_cfit_free(&f);
    return hard ? rc : DFG_OK;
}

/* ** }====================================================================== */

/* fit c, warm from `from` (same parameters matched by spec); check_ident: the fitter checks
 * that the model can be estimated (added terms and the start) */
static dfg_status cand_fit(const ctx *x, void *w, cand *c, const cand *from, int check_ident,
                           dfg_error *err)
{
    int warm = 0;
    if (from) {
        /* parameters are listed term by term; match by spec */
        size_t i = 0;
        for (size_t j = 0; j < c->p; j++) {
            c->beta[j] = 0.0;
            for (size_t t = 0; t < from->p; t++) {
                size_t q = (i + t) % from->p;
                if (from->spec[q] == c->spec[j]) {
                    c->beta[j] = from->beta[q];
                    i = q + 1;
                    break;
                }
            }
        }
        warm = 1;
    }
    dfg_cmodel m = {c->n_terms, c->terms};
    dfg_cstep_fitout out;
    memset(&out, 0, sizeof out);
    dfg_error e2 = {0};
    dfg_status rc =
        x->f->fit(x->f->data, w, &m, c->spec, c->p, warm, check_ident, c->beta, &out, &e2);
    if (rc != DFG_OK && warm) { /* start again from R's start */
        dfg_error_clear(&e2);
        memset(&out, 0, sizeof out);
        memset(c->beta, 0, c->p * sizeof *c->beta);
        rc = x->f->fit(x->f->data, w, &m, c->spec, c->p, 0, check_ident, c->beta, &out, &e2);
    }
    if (rc != DFG_OK)
        return dfg_err_set(err, rc, "step", "%s", e2.msg);
    c->status = out.status;
    c->loglik = out.loglik;
    c->iter = out.iter;
    c->interior = out.interior;
    c->m0 = out.m0;
    c->skip = out.skip;
    memcpy(c->why, out.why, sizeof c->why);
    return DFG_OK;
}

/* c = base with term t added (add = 1) or removed */
static int cand_make(const dfg_ctable *ct, const cand *base, uint64_t t, int add, cand *c)
{
    memset(c, 0, sizeof *c);
    c->terms = dfg_malloc((base->n_terms + 1) * sizeof *c->terms);
    if (!c->terms)
        return 0;
    for (size_t i = 0; i < base->n_terms; i++)
        if (add || base->terms[i] != t)
            c->terms[c->n_terms++] = base->terms[i];
    if (add)
        c->terms[c->n_terms++] = t;
    return cand_params(ct, c);
}

typedef struct {
    const ctx *x;
    const cand *base;
    cand *cands;
    const int *isadd;
    size_t n, next;
    pthread_mutex_t *lock;
    dfg_status rc;
    dfg_error err;
} pool;

static void *worker(void *arg)
{
    pool *pl = arg;
    void *w = pl->x->f->work_alloc(pl->x->f->data, pl->x->p_cap);
    if (!w) {
        pthread_mutex_lock(pl->lock);
        if (pl->rc == DFG_OK)
            pl->rc = dfg_err_set(&pl->err, DFG_ENOMEM, "step", "workspace");
        pthread_mutex_unlock(pl->lock);
        return NULL;
    }
    for (;;) {
        pthread_mutex_lock(pl->lock);
        size_t i = pl->next++;
        int stop = pl->rc != DFG_OK;
        pthread_mutex_unlock(pl->lock);
        if (i >= pl->n || stop)
            break;
        dfg_error e = {0};
        dfg_status rc = cand_fit(pl->x, w, &pl->cands[i], pl->base, pl->isadd[i], &e);
        if (rc != DFG_OK) {
            pthread_mutex_lock(pl->lock);
            if (pl->rc == DFG_OK) {
                pl->rc = rc;
                pl->err = e;
            }
            pthread_mutex_unlock(pl->lock);
        }
    }
    pl->x->f->work_free(w);
    return NULL;
}

static dfg_status fit_all(const ctx *x, const cand *base, cand *cands, const int *isadd, size_t n,
                          int threads, void *w0, dfg_error *err)
{
    if (threads <= 1 || n < 2) {
        for (size_t i = 0; i < n; i++) {
            dfg_status rc = cand_fit(x, w0, &cands[i], base, isadd[i], err);
            if (rc != DFG_OK)
                return rc;
        }
        return DFG_OK;
    }
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pool pl;
    memset(&pl, 0, sizeof pl);
    pl.x = x;
    pl.base = base;
    pl.cands = cands;
    pl.isadd = isadd;
    pl.n = n;
    pl.lock = &lock;
    size_t nt = (size_t)threads < n ? (size_t)threads : n;
    pthread_t th[64];
    if (nt > 64)
        nt = 64;
    size_t started = 0;
    for (size_t i = 0; i < nt; i++) {
        if (pthread_create(&th[i], NULL, worker, &pl) != 0)
            break;
        started++;
    }
    if (started == 0)
        worker(&pl);
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    if (pl.rc != DFG_OK)
        return dfg_err_set(err, pl.rc, pl.err.where, "%s", pl.err.msg);
    return DFG_OK;
}

static double crit(const cand *c, double pen)
{
    return -2.0 * c->loglik + pen * (double)c->p;
}

static dfg_status record(const ctx *x, const cand *c, uint64_t term, int change, int phase,
                         dfg_cstep_result *r, dfg_error *err)
{
    if (r->n_steps == r->cap) {
        size_t nc = r->cap ? 2 * r->cap : 64;
        dfg_cstep_row *ns = dfg_realloc(r->steps, nc * sizeof *ns);
        if (!ns)
            return dfg_err_set(err, DFG_ENOMEM, "step", "path");
        r->steps = ns;
        r->cap = nc;
    }
    dfg_cstep_row *s = &r->steps[r->n_steps++];
    memset(s, 0, sizeof *s);
    s->step = (int)r->n_steps;
    s->phase = phase;
    s->change = change;
    if (term)
        dfg_cmodel_term_name(x->ct, term, s->term, sizeof s->term);
    double n = x->f->n_obs, p = (double)c->p;
    s->p = c->p;
    s->loglik = c->loglik;
    s->aic = -2.0 * c->loglik + 2.0 * p;
    s->bic = -2.0 * c->loglik + p * log(n);
    s->aicc = n - p - 1.0 > 0.0 ? s->aic + 2.0 * p * (p + 1.0) / (n - p - 1.0) : (double)NAN;
    s->nhat_raw = n + c->m0;
    s->check = DFG_CHECK_FINE;
    s->nhat = s->nhat_raw;
    if (!c->interior) {
        /* not an interior point: the existence check, and N of the extended MLE */
        dfg_cmodel m = {0};
        dfg_status rc = dfg_cmodel_from_terms(x->ct, c->terms, c->n_terms, &m, err);
        if (rc != DFG_OK)
            return rc;
        dfg_error e2 = {0};
        double nhat = NAN;
        rc = x->f->check(x->f->data, &m, &s->check, &nhat, &e2);
        dfg_cmodel_free(&m);
        if (rc != DFG_OK)
            return dfg_err_set(err, rc, "step", "%s", e2.msg);
        s->nhat = s->check == DFG_CHECK_NOMLE ? (double)NAN : nhat;
    }
    return DFG_OK;
}

/* a skipped candidate's term into r->skipped (once) */
static void note_skipped(const ctx *x, uint64_t term, dfg_cstep_result *r)
{
    char name[128];
    dfg_cmodel_term_name(x->ct, term, name, sizeof name);
    size_t len = strlen(r->skipped), nl = strlen(name);
    for (const char *q = r->skipped; (q = strstr(q, name)) != NULL; q += nl)
        if ((q == r->skipped || q[-1] == ' ') && (q[nl] == ',' || q[nl] == '\0'))
            return;
    if (len + nl + 3 < sizeof r->skipped)
        snprintf(r->skipped + len, sizeof r->skipped - len, "%s%s", len ? ", " : "", name);
}

dfg_status dfg_cstep_run(const dfg_ctable *ct, const dfg_cstep_opts *opts, dfg_cstep_result *r,
                         dfg_error *err)
{
    dfg_cstep_opts def = dfg_cstep_opts_default();
    const dfg_cstep_opts *o = opts ? opts : &def;
    cdata d = {ct, &o->glm};
    dfg_cstep_fitter f = {
        &d, ct ? dfg_ctable_n_obs(ct) : 0.0, cwork_alloc, cwork_free, cfit_fit, cfit_check};
    return dfg_cstep_run_with(ct, &f, opts, r, err);
}

dfg_status dfg_cstep_run_with(const dfg_ctable *ct, const dfg_cstep_fitter *fitter,
                              const dfg_cstep_opts *opts, dfg_cstep_result *r, dfg_error *err)
{
    if (!r)
        return dfg_err_set(err, DFG_EINVAL, "step", "NULL result");
    memset(r, 0, sizeof *r);
    if (!ct || !fitter)
        return dfg_err_set(err, DFG_EINVAL, "step", "NULL table");
    dfg_cstep_opts def = dfg_cstep_opts_default();
    const dfg_cstep_opts *o = opts ? opts : &def;
    if (o->phases < 1 || o->phases > 3 || o->max_steps < 1)
        return dfg_err_set(err, DFG_EINVAL, "step", "phases must be 1..3, max_steps >= 1");
    size_t k = dfg_ctable_k(ct), nv = k + dfg_ctable_n_cov(ct);
    uint64_t lists = ((uint64_t)1 << k) - 1;
    /* the scope: every two-way term (not the all-lists term when k = 2) */
    size_t n_scope = 0;
    uint64_t *scope = dfg_malloc((nv * (nv - 1) / 2 + 1) * sizeof *scope);
    cand cur, *cands = NULL;
    memset(&cur, 0, sizeof cur);
    uint64_t *lower = NULL;
    void *w0 = NULL;
    dfg_status rc = DFG_OK;
    if (!scope)
        return dfg_err_set(err, DFG_ENOMEM, "step", "scope");
    for (size_t a = 0; a < nv; a++)
        for (size_t b = a + 1; b < nv; b++) {
            uint64_t t = ((uint64_t)1 << a) | ((uint64_t)1 << b);
            if ((t & lists) == lists || (o->lists_only && (t & ~lists)))
                continue;
            scope[n_scope++] = t;
        }
    /* the largest model: every scope term */
    ctx x = {ct, fitter, 1};
    x.p_cap = 1;
    for (size_t v = 0; v < nv; v++)
        x.p_cap += dfg_cmodel_term_params(ct, (uint64_t)1 << v);
    for (size_t i = 0; i < n_scope; i++)
        x.p_cap += dfg_cmodel_term_params(ct, scope[i]);
    dfg_cmodel start = {0};
    if ((rc = dfg_cmodel_from_terms(ct, o->fixed, o->n_fixed, &start, err)) != DFG_OK)
        goto done;
    /* fixed terms outside the scope (higher order, or covariate terms with --scope lists) */
    for (size_t i = 0; i < start.n_terms; i++) {
        int in_scope = __builtin_popcountll(start.terms[i]) == 1;
        for (size_t q = 0; q < n_scope && !in_scope; q++)
            in_scope = scope[q] == start.terms[i];
        if (!in_scope)
            x.p_cap += dfg_cmodel_term_params(ct, start.terms[i]);
    }
    if (!(cands = dfg_calloc(n_scope + 1, sizeof *cands)) ||
        !(w0 = fitter->work_alloc(fitter->data, x.p_cap))) {
        dfg_cmodel_free(&start);
        rc = dfg_err_set(err, DFG_ENOMEM, "step", "candidates");
        goto done;
    }
    /* the start: main effects and the fixed terms (kept in every model, never dropped) */
    cur.terms = start.terms;
    cur.n_terms = start.n_terms;
    if (!cand_params(ct, &cur)) {
        rc = dfg_err_set(err, DFG_ENOMEM, "step", "model");
        goto done;
    }
    if ((rc = cand_fit(&x, w0, &cur, NULL, 1, err)) != DFG_OK)
        goto done;
    if (cur.skip) { /* the start cannot be estimated: refused, with the term named */
        rc = dfg_err_set(err, DFG_EDATA, "step", "%s", cur.why);
        goto done;
    }
    if ((rc = record(&x, &cur, 0, 0, 0, r, err)) != DFG_OK)
        goto done;
    double n = fitter->n_obs;
    const double pens[3] = {log(n), 2.0, 1.0};
    for (int ph = 0; ph < o->phases; ph++) {
        double pen = pens[ph];
        /* the lower scope of a phase is the model it starts from (model_search passes
         * formula(m_bic) and formula(m_aic) as step()'s lower scope) */
        size_t n_lower = cur.n_terms;
        dfg_free(lower);
        lower = dfg_malloc((cur.n_terms + 1) * sizeof *lower);
        if (!lower) {
            rc = dfg_err_set(err, DFG_ENOMEM, "step", "scope");
            goto done;
        }
        memcpy(lower, cur.terms, cur.n_terms * sizeof *lower);
        for (;;) {
            if ((int)r->n_steps >= o->max_steps)
                break;
            if (o->cancel && *o->cancel) {
                rc = dfg_err_set(err, DFG_ECANCEL, "step", "stopped on request");
                goto done;
            }
            /* candidates: drops (terms of order 2 in the model) then adds, as step() lists
             * drop1 rows before add1 rows */
            size_t nc = 0;
            uint64_t *what = dfg_malloc((n_scope + 1) * sizeof *what);
            int *isadd = dfg_malloc((n_scope + 1) * sizeof *isadd);
            if (!what || !isadd) {
                dfg_free(what);
                dfg_free(isadd);
                rc = dfg_err_set(err, DFG_ENOMEM, "step", "candidates");
                goto done;
            }
            for (size_t i = 0; i < cur.n_terms; i++)
                if (__builtin_popcountll(cur.terms[i]) == 2) {
                    int fixed = 0;
                    for (size_t f = 0; f < o->n_fixed; f++)
                        fixed |= (o->fixed[f] & cur.terms[i]) == cur.terms[i];
                    for (size_t f = 0; f < n_lower; f++)
                        fixed |= lower[f] == cur.terms[i];
                    if (fixed)
                        continue;
                    what[nc] = cur.terms[i];
                    isadd[nc++] = 0;
                }
            for (size_t i = 0; i < n_scope; i++) {
                int in = 0;
                for (size_t j = 0; j < cur.n_terms; j++)
                    in |= cur.terms[j] == scope[i];
                if (!in) {
                    what[nc] = scope[i];
                    isadd[nc++] = 1;
                }
            }
            int ok = 1;
            for (size_t i = 0; i < nc && ok; i++)
                ok = cand_make(ct, &cur, what[i], isadd[i], &cands[i]);
            if (!ok)
                rc = dfg_err_set(err, DFG_ENOMEM, "step", "candidate");
            else
                rc = fit_all(&x, &cur, cands, isadd, nc, o->threads, w0, err);
            size_t best = (size_t)-1;
            double bc = crit(&cur, pen);
            if (rc == DFG_OK)
                for (size_t i = 0; i < nc; i++) {
                    if (cands[i].skip) {
                        note_skipped(&x, what[i], r);
                        continue;
                    }
                    double ci = crit(&cands[i], pen);
                    if (ci < bc) {
                        bc = ci;
                        best = i;
                    }
                }
            uint64_t bw = best != (size_t)-1 ? what[best] : 0;
            int badd = best != (size_t)-1 ? isadd[best] : 0;
            dfg_free(what);
            dfg_free(isadd);
            if (rc == DFG_OK && best != (size_t)-1 && !(bc < crit(&cur, pen) - 1e-7))
                best = (size_t)-1;
            if (rc == DFG_OK && best != (size_t)-1) {
                cand_free(&cur);
                cur = cands[best];
                memset(&cands[best], 0, sizeof cands[best]);
            }
            for (size_t i = 0; i < nc; i++)
                cand_free(&cands[i]);
            if (rc == DFG_OK && best != (size_t)-1)
                rc = record(&x, &cur, bw, badd ? 1 : -1, ph, r, err);
            if (rc != DFG_OK)
                goto done;
            if (best == (size_t)-1)
                break;
        }
    }
    /* criteria as differences to their minimum over the path */
    {
        double ma = INFINITY, mc = INFINITY, mb = INFINITY;
        for (size_t i = 0; i < r->n_steps; i++) {
            ma = fmin(ma, r->steps[i].aic);
            mc = fmin(mc, r->steps[i].aicc);
            mb = fmin(mb, r->steps[i].bic);
        }
        /* mse prints round(x, 1) - min(round(x, 1)); the same from unrounded values */
        for (size_t i = 0; i < r->n_steps; i++) {
            r->steps[i].d_aic = round(10.0 * r->steps[i].aic) / 10.0 - round(10.0 * ma) / 10.0;
            r->steps[i].d_aicc = round(10.0 * r->steps[i].aicc) / 10.0 - round(10.0 * mc) / 10.0;
            r->steps[i].d_bic = round(10.0 * r->steps[i].bic) / 10.0 - round(10.0 * mb) / 10.0;
        }
    }
    rc = dfg_cmodel_from_terms(ct, cur.terms, cur.n_terms, &r->final, err);
done:
    dfg_free(lower);
    cand_free(&cur);
    if (cands)
        for (size_t i = 0; i <= n_scope; i++)
            cand_free(&cands[i]);
    dfg_free(cands);
    dfg_free(scope);
    if (w0)
        fitter->work_free(w0);
    if (rc != DFG_OK) {
        dfg_free(r->steps);
        r->steps = NULL;
        r->n_steps = 0;
    }
    return rc;
}
