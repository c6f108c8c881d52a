/* core/loglin.c: hierarchical log-linear models fitted to one stratum's 2^k - 1
 * observable cells, with the capture-recapture summaries.
 *
 * The unobserved cell is the model's prediction at pattern 0: m0 = exp(beta_0), so
 * N = n + m0 (Fienberg 1972, Biometrika 59:591). Conventions of Rcapture 1.4
 * (Baillargeon & Rivest 2007, J. Stat. Softw. 19(5)):
 *   var(N) = m0 + m0^2 var(beta_0)                      (delta method plus Poisson m0)
 *   deviance over the observable cells, df = cells - rank,
 *   AIC = -2 sum log dpois(y, mu) + 2 rank, BIC = AIC + (log n - 2) rank, n = people observed,
 *   AICc = AIC + 2 rank (rank + 1) / (n - rank - 1)  (Hurvich & Tsai 1989).
 * Terms fixed at minus infinity (MultipleSystemsEstimation's treatment of lists that never
 * overlap, Chan, Silverman & Vincent 2021, JASA 116:1297, sec. 2.3): the term and every
 * term containing it leave the design, and every cell containing it leaves the
 * likelihood and is fitted as 0.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <math.h>
#include <string.h>

struct dfg_loglin_work {
    size_t k, n;  /* lists, cells (2^k) */
    size_t p_cap; /* columns the GLM workspace holds */
    dfg_glm_work *glm;
    double *y;          /* n: cells of the last fit (dfg_loglin_fit_boundary) */
    unsigned char *use; /* n */
    double *mu;         /* n: fitted cells */
    uint32_t *terms;    /* p_cap */
    double *beta;       /* p_cap */
    double *cov;        /* p_cap x p_cap */
    size_t p;           /* columns of the last fit */
};

static void free_arrays(dfg_loglin_work *lw)
{
    dfg_glm_work_free(lw->glm);
    dfg_free(lw->terms);
    dfg_free(lw->beta);
    dfg_free(lw->cov);
    lw->glm = NULL;
    lw->terms = NULL;
    lw->beta = NULL;
    lw->cov = NULL;
    lw->p_cap = 0;
}

/* (Re)size the p-dependent part for p columns. */
static int reserve(dfg_loglin_work *lw, size_t p)
{
    if (p <= lw->p_cap)
        return 1;
    free_arrays(lw);
    lw->glm = dfg_glm_work_alloc(lw->n, p);
    lw->terms = dfg_malloc(p * sizeof *lw->terms);
    lw->beta = dfg_malloc(p * sizeof *lw->beta);
    lw->cov = dfg_malloc(p * p * sizeof *lw->cov);
    if (!lw->glm || !lw->terms || !lw->beta || !lw->cov) {
        free_arrays(lw);
        return 0;
    }
    lw->p_cap = p;
    return 1;
}

dfg_loglin_work *dfg_loglin_work_alloc(size_t k, size_t p_max)
{
    if (k < 1 || k > DFG_MAX_FIT_LISTS)
        return NULL;
    dfg_loglin_work *lw = dfg_calloc(1, sizeof *lw);
    if (!lw)
        return NULL;
    lw->k = k;
    lw->n = (size_t)1 << k;
    lw->y = dfg_malloc(lw->n * sizeof *lw->y);
    lw->use = dfg_malloc(lw->n);
    lw->mu = dfg_malloc(lw->n * sizeof *lw->mu);
    if (!lw->y || !lw->use || !lw->mu || (p_max > 0 && !reserve(lw, p_max))) {
        dfg_loglin_work_free(lw);
        return NULL;
    }
    return lw;
}

void dfg_loglin_work_free(dfg_loglin_work *lw)
{
    if (!lw)
        return;
    free_arrays(lw);
    dfg_free(lw->y);
    dfg_free(lw->use);
    dfg_free(lw->mu);
    dfg_free(lw);
}

const double *dfg_loglin_work_fitted(const dfg_loglin_work *lw)
{
    return lw->mu;
}
const double *dfg_loglin_work_beta(const dfg_loglin_work *lw)
{
    return lw->beta;
}
const double *dfg_loglin_work_cov(const dfg_loglin_work *lw)
{
    return lw->cov;
}
const uint32_t *dfg_loglin_work_terms(const dfg_loglin_work *lw)
{
    return lw->terms;
}
size_t dfg_loglin_work_p(const dfg_loglin_work *lw)
{
    return lw->p;
}

static void clear_fit(dfg_fit *f)
{
    memset(f, 0, sizeof *f);
    f->status = DFG_OK;
    f->m0 = f->nhat = f->se_nhat = f->var_beta0 = NAN;
    f->deviance = f->df = f->loglik = f->aic = f->aicc = f->bic = NAN;
}

void dfg_fit_free(dfg_fit *f)
{
    if (!f)
        return;
    dfg_free(f->terms);
    dfg_free(f->beta);
    dfg_free(f->se);
    dfg_free(f->fitted);
    dfg_free(f->boundary);
    f->terms = NULL;
    f->beta = f->se = f->fitted = NULL;
    f->boundary = NULL;
}

static int contains_fixed(uint32_t c, const uint32_t *fixed, size_t n_fixed)
{
    for (size_t i = 0; i < n_fixed; i++)
        if ((c & fixed[i]) == fixed[i])
            return 1;
    return 0;
}

/* The independence model (Mt) in closed form up to one equation (Darroch 1958,
 * Biometrika 45:343; Bishop, Fienberg & Holland 1975, sec. 6.4): with list totals n_j and
 * n people observed, the MLE of N solves
 *   g(N) = N (1 - P(N)) - n = 0,  P(N) = prod_j (1 - n_j / N),
 * and then mu_c = N prod_j p_j^c_j (1 - p_j)^(1 - c_j), p_j = n_j / N, i.e.
 *   beta_0 = log(N P(N)),  beta_j = log(n_j / (N - n_j)).
 * g is increasing for k >= 2 (g' = 1 - P (1 + sum_j n_j / (N - n_j)) = P(seen at least
 * twice) > 0), g(n_max) = n_max - n <= 0 and g(N) -> sum_j n_j - n as N -> inf, so a root
 * above n_max exists iff n_max < n < sum_j n_j. Newton's method kept inside a bracket
 * (bisection when a step leaves it) finds it (5 steps on netherlands_6). The GLM then starts at
 * this beta: its Newton step only polishes rounding, and it converges in one iteration instead of
 * the five or six from mu = y + 0.1. Returns 1 with beta[0..k] in the order of terms (terms[0] = 0,
 * then single lists), 0 when there is no finite root (the caller falls back to the usual start).
 * scr: 2^k doubles of scratch. */
static int independence_start(size_t k, const double *y, const uint32_t *terms, double *beta,
                              double *scr)
{
    size_t n = (size_t)1 << k;
    double nj[DFG_MAX_FIT_LISTS], n_obs, n_sum = 0.0, n_max = 0.0;
    /* n_j = sum of y_c over the cells holding list j: fold the half of the cells with
     * list j onto the other half, j = k-1 .. 0 (2^k additions in all); scr[0] ends as n */
    memcpy(scr, y, n * sizeof *scr);
    scr[0] = 0.0;
    for (size_t j = k; j-- > 0;) {
        size_t half = (size_t)1 << j;
        double s = 0.0;
        for (size_t c = 0; c < half; c++) {
            s += scr[half + c];
            scr[c] += scr[half + c];
        }
        nj[j] = s;
    }
    n_obs = scr[0];
    for (size_t j = 0; j < k; j++) {
        /* the loop above wrote nj[0 .. k-1] (cppcheck assumes it may not run) */
        /* cppcheck-suppress uninitvar */
        double s = nj[j];
        n_sum += s;
        n_max = s > n_max ? s : n_max;
        if (!(s > 0.0))
            return 0;
    }
    if (!(n_max < n_obs && n_obs < n_sum) || !isfinite(n_sum))
        return 0;
    /* bracket [lo, hi]: g(lo) <= 0 < g(hi) */
    double lo = n_max, hi = 2.0 * n_obs, x, gx, px;
    for (;;) {
        px = 1.0;
        for (size_t j = 0; j < k; j++)
            px *= 1.0 - nj[j] / hi;
        if (hi * (1.0 - px) - n_obs > 0.0)
            break;
        lo = hi;
        hi *= 2.0;
        if (!(hi < 1e300))
            return 0;
    }
    x = hi;
    for (int it = 0; it < 200; it++) {
        /* g(x) and g'(x) = 1 - P - P sum_j n_j / (x - n_j) */
        double s = 0.0;
        px = 1.0;
        for (size_t j = 0; j < k; j++) {
            px *= 1.0 - nj[j] / x;
            s += nj[j] / (x - nj[j]);
        }
        gx = x * (1.0 - px) - n_obs;
        if (gx == 0.0)
            break;
        if (gx > 0.0)
            hi = x;
        else
            lo = x;
        double dg = 1.0 - px - px * s, xn = x - gx / dg;
        if (!(xn >= lo && xn <= hi))
            xn = 0.5 * (lo + hi);
        double step = fabs(xn - x);
        x = xn;
        if (step <= 1e-15 * x || hi - lo <= 1e-15 * hi)
            break;
    }
    px = 1.0;
    for (size_t j = 0; j < k; j++)
        px *= 1.0 - nj[j] / x;
    if (!(x > n_max) || !(x * px > 0.0) || !isfinite(x))
        return 0;
    beta[0] = log(x * px);
    for (size_t q = 1; q <= k; q++) {
        size_t j = (size_t)__builtin_ctz(terms[q]);
        beta[q] = log(nj[j] / (x - nj[j]));
    }
    return 1;
}

/* 1 when terms[1..p-1] are the k main effects (the independence model, Mt). */
static int is_independence(size_t k, const uint32_t *terms, size_t p)
{
    if (p != k + 1)
        return 0;
    uint32_t seen = 0;
    for (size_t q = 1; q < p; q++) {
        if (dfg_popcount(terms[q]) != 1)
            return 0;
        seen |= terms[q];
    }
    return dfg_popcount(seen) == k;
}

dfg_status dfg_loglin_fit_cells(dfg_loglin_work *lw, size_t k, const double *y, const dfg_model *m,
                                const uint32_t *fixed, size_t n_fixed, const dfg_glm_opts *opts,
                                dfg_fit *fit, dfg_error *err)
{
    if (!fit)
        return dfg_err_set(err, DFG_EINVAL, "loglin", "NULL fit");
    clear_fit(fit);
    fit->k = k;
    if (!lw || !y || !m || (n_fixed > 0 && !fixed))
        return dfg_err_set(err, DFG_EINVAL, "loglin", "NULL argument");
    if (k != lw->k || m->k != k)
        return dfg_err_set(err, DFG_EINVAL, "loglin",
                           "lists disagree: table %zu, model %zu, workspace %zu", k, m->k, lw->k);
    size_t n = lw->n;
    /* terms: intercept, then the model's terms that contain no fixed term */
    for (size_t i = 0; i < n_fixed; i++) {
        int found = 0;
        for (size_t j = 0; j < m->n_terms && !found; j++)
            found = m->terms[j] == fixed[i];
        if (!found || dfg_popcount(fixed[i]) < 2)
            return dfg_err_set(err, DFG_EINVAL, "loglin",
                               "fixed term %#x is not an interaction of the model",
                               (unsigned)fixed[i]);
    }
    size_t p = 1;
    for (size_t j = 0; j < m->n_terms; j++)
        if (!contains_fixed(m->terms[j], fixed, n_fixed))
            p++;
    if (p > DFG_MAX_PARAMS)
        return dfg_err_set(err, DFG_EINVAL, "loglin",
                           "the model has %zu parameters: its information matrix would take %zu "
                           "MB; a fit takes at most %d parameters",
                           p, (p * p * sizeof(double)) >> 20, DFG_MAX_PARAMS);
    if (!reserve(lw, p))
        return dfg_err_set(err, DFG_ENOMEM, "loglin", "workspace for %zu parameters", p);
    lw->p = p;
    lw->terms[0] = 0;
    for (size_t j = 0, q = 1; j < m->n_terms; j++) {
        uint32_t t = m->terms[j];
        if (t == 0 || t >= n)
            return dfg_err_set(err, DFG_EINVAL, "loglin", "term %#x outside %zu lists", (unsigned)t,
                               k);
        if (!contains_fixed(t, fixed, n_fixed))
            lw->terms[q++] = t;
    }
    /* cells: the observable ones (c != 0) that contain no fixed term */
    double n_obs = 0.0;
    size_t n_cells = 0;
    lw->use[0] = 0;
    for (size_t c = 1; c < n; c++) {
        n_obs += y[c];
        int keep = !contains_fixed((uint32_t)c, fixed, n_fixed);
        if (!keep && y[c] != 0.0)
            return dfg_err_set(err, DFG_EINVAL, "loglin",
                               "cell %zu holds %g people but contains a term fixed at -inf", c,
                               y[c]);
        lw->use[c] = (unsigned char)keep;
        n_cells += (size_t)keep;
    }
    fit->p = p;
    fit->n_cells = n_cells;
    fit->n_obs = n_obs;
    fit->n_boundary = n_fixed;

    dfg_glm_info info;
    /* Mt: start at the closed-form estimate (independence_start), else R's mu = y + 0.1 */
    int start = n_fixed == 0 && is_independence(k, lw->terms, p) &&
                independence_start(k, y, lw->terms, lw->beta, lw->mu);
    dfg_status rc = dfg_glm_fit_terms(k, lw->terms, p, y, lw->use, start, opts, lw->glm, lw->beta,
                                      lw->mu, lw->cov, &info, err);
    if (rc != DFG_OK && rc != DFG_ENOCONV && rc != DFG_ESING)
        return rc;
    for (size_t c = 1; c < n; c++)
        if (!lw->use[c])
            lw->mu[c] = 0.0; /* fixed at -inf */
    fit->status = rc;
    fit->iter = info.iter;
    fit->rank = info.rank;
    fit->m0 = exp(lw->beta[0]);
    lw->mu[0] = fit->m0;
    fit->nhat = n_obs + fit->m0;
    fit->var_beta0 = rc == DFG_ESING ? (double)NAN : lw->cov[0];
    /* var(N) = m0 + m0^2 var(beta_0) */
    fit->se_nhat = sqrt(fit->m0 + fit->m0 * fit->m0 * fit->var_beta0);
    fit->deviance = info.deviance;
    fit->loglik = info.loglik;
    double r = (double)info.rank;
    fit->df = (double)n_cells - r;
    fit->aic = -2.0 * info.loglik + 2.0 * r;
    fit->bic = fit->aic + (log(n_obs) - 2.0) * r;
    fit->aicc =
        n_obs - r - 1.0 > 0.0 ? fit->aic + 2.0 * r * (r + 1.0) / (n_obs - r - 1.0) : (double)NAN;
    return rc;
}

dfg_status dfg_loglin_fit_boundary(const dfg_table *t, size_t s, const dfg_model *m,
                                   const uint32_t *fixed, size_t n_fixed, const dfg_glm_opts *opts,
                                   dfg_fit *fit, dfg_error *err)
{
    if (!fit)
        return dfg_err_set(err, DFG_EINVAL, "loglin", "NULL fit");
    clear_fit(fit);
    if (!t || !m)
        return dfg_err_set(err, DFG_EINVAL, "loglin", "NULL argument");
    size_t k = dfg_table_k(t);
    if (k > DFG_MAX_FIT_LISTS)
        return dfg_err_too_many_lists(err, k);
    if (s >= dfg_table_n_strata(t))
        return dfg_err_set(err, DFG_EINVAL, "loglin", "stratum %zu of %zu", s,
                           dfg_table_n_strata(t));
    dfg_status rc;
    dfg_loglin_work *lw = dfg_loglin_work_alloc(k, 0);
    if (!lw)
        return dfg_err_set(err, DFG_ENOMEM, "loglin", "workspace for %zu lists", k);
    if ((rc = dfg_table_cells(t, s, lw->y, err)) != DFG_OK)
        goto done;
    rc = dfg_loglin_fit_cells(lw, k, lw->y, m, fixed, n_fixed, opts, fit, err);
    if (rc != DFG_OK && rc != DFG_ENOCONV && rc != DFG_ESING)
        goto done;
    size_t p = lw->p, n = lw->n;
    fit->terms = dfg_malloc(p * sizeof *fit->terms);
    fit->beta = dfg_malloc(p * sizeof *fit->beta);
    fit->se = dfg_malloc(p * sizeof *fit->se);
    fit->fitted = dfg_malloc(n * sizeof *fit->fitted);
    fit->boundary = n_fixed ? dfg_malloc(n_fixed * sizeof *fit->boundary) : NULL;
    if (!fit->terms || !fit->beta || !fit->se || !fit->fitted || (n_fixed && !fit->boundary)) {
        dfg_fit_free(fit);
        rc = dfg_err_set(err, DFG_ENOMEM, "loglin", "fit of %zu parameters", p);
        goto done;
    }
    memcpy(fit->terms, lw->terms, p * sizeof *fit->terms);
    memcpy(fit->beta, lw->beta, p * sizeof *fit->beta);
    for (size_t j = 0; j < p; j++)
        fit->se[j] = fit->status == DFG_ESING ? (double)NAN : sqrt(lw->cov[j + j * p]);
    memcpy(fit->fitted, lw->mu, n * sizeof *fit->fitted);
    if (n_fixed)
        memcpy(fit->boundary, fixed, n_fixed * sizeof *fit->boundary);
done:
    dfg_loglin_work_free(lw);
    return rc;
}

dfg_status dfg_loglin_fit(const dfg_table *t, size_t s, const dfg_model *m,
                          const dfg_glm_opts *opts, dfg_fit *fit, dfg_error *err)
{
    return dfg_loglin_fit_boundary(t, s, m, NULL, 0, opts, fit, err);
}

dfg_status dfg_loglin_se_glm(const dfg_table *t, size_t s, const dfg_model *m, double *se,
                             dfg_error *err)
{
    if (!t || !m || !se || m->k != dfg_table_k(t) || m->k > DFG_MAX_FIT_LISTS)
        return dfg_err_set(err, DFG_EINVAL, "loglin", "dfg_loglin_se_glm: bad arguments");
    *se = NAN;
    size_t k = m->k, ncell = (size_t)1 << k, p = m->n_terms + 1;
    if (p > DFG_MAX_PARAMS)
        return dfg_err_set(err, DFG_EINVAL, "loglin",
                           "the model has %zu parameters; a fit takes at most %d", p,
                           DFG_MAX_PARAMS);
    dfg_status rc = DFG_OK;
    double *y = dfg_malloc(ncell * sizeof *y), *mu = dfg_malloc(ncell * sizeof *mu);
    double *beta = dfg_calloc(p, sizeof *beta), *cov = dfg_malloc(p * p * sizeof *cov);
    uint32_t *terms = dfg_malloc(p * sizeof *terms);
    dfg_glm_work *w = dfg_glm_work_alloc(ncell, p);
    if (!y || !mu || !beta || !cov || !terms || !w) {
        rc = dfg_err_set(err, DFG_ENOMEM, "loglin", "dfg_loglin_se_glm: k=%zu p=%zu", k, p);
        goto done;
    }
    terms[0] = 0;
    memcpy(terms + 1, m->terms, m->n_terms * sizeof *terms);
    if ((rc = dfg_table_cells(t, s, y, err)) != DFG_OK)
        goto done;
    /* R glm.fit: epsilon 1e-8, maxit 25, mu started at y + 0.1 (the engine's start) */
    dfg_glm_opts o = dfg_glm_opts_default();
    o.tol = 1e-8;
    o.max_iter = 25;
    dfg_glm_info info;
    rc = dfg_glm_fit_terms(k, terms, p, y, NULL, 0, &o, w, beta, mu, NULL, &info, err);
    if (rc != DFG_OK)
        goto done;
    double m0 = mu[0]; /* N at iterate I */
    double var0;
    if (info.iter > 1) {
        /* rerun to iterate I - 1: its inverse information is glm's vcov */
        o.max_iter = info.iter - 1;
        dfg_error e2 = {0};
        dfg_status r2 =
            dfg_glm_fit_terms(k, terms, p, y, NULL, 0, &o, w, beta, mu, cov, &info, &e2);
        if (r2 != DFG_OK && r2 != DFG_ENOCONV) {
            rc = dfg_err_set(err, r2, "loglin", "%s", e2.msg);
            goto done;
        }
    } else {
        rc = dfg_glm_fit_terms(k, terms, p, y, NULL, 0, &o, w, beta, mu, cov, &info, err);
        if (rc != DFG_OK)
            goto done;
    }
    var0 = cov[0];
    /* var(N) = m0 + m0^2 var(beta_0) */
    *se = sqrt(m0 + m0 * m0 * var0);
done:
    dfg_glm_work_free(w);
    dfg_free(terms);
    dfg_free(cov);
    dfg_free(beta);
    dfg_free(mu);
    dfg_free(y);
    return rc;
}
