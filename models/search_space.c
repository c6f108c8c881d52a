/* models/search_space.c: the space of hierarchical models a search walks, and the
 * evaluation of one model (terms at -inf, identifiability, existence, fit, criterion).
 *
 * A model is the main effects plus a subset of the candidate terms (orders 2 .. max
 * order) closed under subsets; it is a bitmask over the candidates. Terms with no one
 * observed on all their lists are fixed at -inf and their cells dropped, as
 * MultipleSystemsEstimation 1.2.0 does (Chan, Silverman & Vincent 2021, Sec. 3); the
 * criteria count every term (p = intercept + terms) with the log-likelihood over the cells
 * kept and n = people observed:
 *   BIC = p log n - 2 loglik,  AIC = 2 p - 2 loglik,  AICc = AIC + 2 p (p + 1) / (n - p - 1).
 * Existence of the MLE (Fienberg & Rinaldo 2012) is decided by the LP of models/check.c,
 * except when the fit already proves it with a certificate: at the fitted mu > 0 (cells
 * kept) take the Newton step d, (X'WX) d = X'(y - mu), W = diag(mu), and
 *   z = mu (1 + X d),  so that  X'z = X'mu + X'W X d = X'y.
 * When every kept cell has (X d)_c >= -1/2 and every empty kept cell z_c > Z_MIN, z is a
 * strictly positive table with the observed margins, so the MLE exists (Fienberg & Rinaldo:
 * such a table exists iff the MLE does), and the LP optimum is at least min(1, min z) > LP_TOL, so
 * the LP would say the same. Near a finite maximum X d is ~0; along a diverging direction the
 * fastest-vanishing cell has (X d)_c <= -1 (Newton on c - sum A_c exp(-a_c t) steps by 1 / mean a),
 * so the certificate fails there and the LP decides. Rounding in d (a backward-stable Cholesky
 * solve) moves z by ~1e-13 relative, far inside the margin of 1/2. The fit's own last
 * Newton step (d at the iterate before the converged one) serves as well and costs no new
 * factorisation; the step at the converged mu is the fallback.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "search_space.h"

#include <math.h>
#include <string.h>

/* Smallest value of the certificate table z on an empty cell: twice the LP's threshold
 * (models/check.c, 1e-9; when the MLE does not exist the LP optimum is 0 up to 1e-12), so
 * that certificate and LP never disagree. Existing MLEs of large tables do have fitted
 * values of 1e-9 to 1e-7 on empty cells (netherlands_6). */
#define Z_MIN 2e-9

dfg_status dfg_sp_space_cands(sp_space *sp, int max_order, dfg_error *err)
{
    size_t k = sp->k;
    sp->n_cand = 0;
    /* candidates by order, then by value */
    for (int r = 2; r <= max_order; r++)
        for (uint32_t tau = 1; tau < sp->ncell; tau++) {
            if (dfg_popcount(tau) != (unsigned)r)
                continue;
            if (sp->n_cand == SP_MAX_CAND)
                return dfg_err_set(err, DFG_EINVAL, "search",
                                   "%zu lists up to order %d: more than %d interaction terms", k,
                                   max_order, SP_MAX_CAND);
            size_t i = sp->n_cand++;
            sp->cand[i] = tau;
            /* hierarchy: every subset one order lower (order >= 2) must be present */
            sp->need[i] = 0;
            if (r > 2)
                for (size_t j = 0; j < k; j++)
                    if (tau & (1u << j)) {
                        int c = dfg_sp_cand_index(sp, tau & ~(1u << j));
                        sp->need[i] |= (uint64_t)1 << c;
                    }
        }
    return DFG_OK;
}

dfg_status dfg_sp_space_begin(sp_space *sp, size_t k, int max_order, dfg_criterion crit,
                              const dfg_glm_opts *glm, dfg_error *err)
{
    memset(sp, 0, sizeof *sp);
    if (k > DFG_MAX_FIT_LISTS)
        return dfg_err_too_many_lists(err, k);
    if (k < 2)
        return dfg_err_set(err, DFG_EINVAL, "search", "%zu lists: a search needs 2 to %d", k,
                           DFG_MAX_FIT_LISTS);
    if (max_order < 1 || (size_t)max_order > k - 1)
        return dfg_err_set(err, DFG_EINVAL, "search",
                           "max order %d: must be between 1 and k - 1 = %zu", max_order, k - 1);
    sp->k = k;
    sp->ncell = (size_t)1 << k;
    sp->crit = crit;
    sp->glm = glm ? *glm : dfg_glm_opts_default();
    return dfg_sp_space_cands(sp, max_order, err);
}

dfg_status dfg_sp_space_init(sp_space *sp, const dfg_table *t, size_t s, int max_order,
                             dfg_criterion crit, const dfg_glm_opts *glm, dfg_error *err)
{
    size_t k = dfg_table_k(t);
    dfg_status rc = dfg_sp_space_begin(sp, k, max_order, crit, glm, err);
    if (rc)
        return rc;
    sp->nmap = sp->ncell;
    sp->y = dfg_malloc(2 * sp->ncell * sizeof *sp->y);
    if (!sp->y)
        return dfg_err_set(err, DFG_ENOMEM, "search", "%zu cells", sp->ncell);
    sp->ysup = sp->y + sp->ncell;
    if ((rc = dfg_table_cells(t, s, sp->y, err)))
        return rc;
    dfg_superset_sums(k, sp->y, sp->ysup);
    sp->n_obs = sp->ysup[0];
    if (!(sp->n_obs > 0.0))
        return dfg_err_set(err, DFG_EDATA, "search", "no one observed");
    sp->logn = log(sp->n_obs);
    sp->p_base = (double)(1 + k);
    sp->p_max = 1 + k + sp->n_cand;
    sp->lsat = dfg_sp_saturated_loglik(sp->y, sp->ncell);
    return DFG_OK;
}

double dfg_sp_saturated_loglik(const double *y, size_t n)
{
    /* R's convention 0 log 0 = 0; cell 0 (unobserved) holds 0 */
    double s = 0.0;
    for (size_t c = 0; c < n; c++)
        if (y[c] > 0.0)
            s += y[c] * log(y[c]) - y[c] - lgamma(y[c] + 1.0);
    return s;
}

void dfg_sp_space_free(sp_space *sp)
{
    if (sp) {
        dfg_free(sp->y);
        sp->y = sp->ysup = NULL;
        dfg_sp_cov_free(sp->cov);
        sp->cov = NULL;
    }
}

int dfg_sp_cand_index(const sp_space *sp, uint32_t term)
{
    for (size_t i = 0; i < sp->n_cand; i++)
        if (sp->cand[i] == term)
            return (int)i;
    return -1;
}

size_t dfg_sp_terms(const sp_space *sp, uint64_t mask, uint32_t *out)
{
    size_t n = 0;
    for (size_t j = 0; j < sp->k; j++)
        out[n++] = 1u << j;
    for (size_t i = 0; i < sp->n_cand; i++)
        if (mask >> i & 1)
            out[n++] = sp->cand[i];
    return n;
}

sp_worker *dfg_sp_worker_alloc(const sp_space *sp)
{
    sp_worker *w = dfg_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    size_t nt = sp->k + SP_MAX_CAND + 1, nc = sp->ncell;
    w->gw = dfg_glm_work_alloc(nc, nt);
    w->terms = dfg_malloc(nt * sizeof *w->terms);
    w->fterms = dfg_malloc(nt * sizeof *w->fterms);
    w->bterms = dfg_malloc((sp->p_max > nt ? sp->p_max : nt) * sizeof *w->bterms);
    w->fixed = dfg_malloc(nt);
    w->use = dfg_malloc(nc);
    w->beta = dfg_malloc(nt * sizeof *w->beta);
    w->beta_prev = dfg_malloc(nt * sizeof *w->beta_prev);
    w->mu = dfg_malloc(nc * sizeof *w->mu);
    w->mu_prev = dfg_malloc(nc * sizeof *w->mu_prev);
    w->rwork = dfg_malloc(dfg_check_work_size(sp->k, nt) * sizeof *w->rwork);
    w->bmap = dfg_calloc(sp->nmap, sizeof *w->bmap);
    w->inb = dfg_calloc(sp->nmap, 1);
    if (sp->cov && !(w->cw = dfg_sp_cov_work_alloc(sp))) {
        dfg_sp_worker_free(w);
        return NULL;
    }
    w->mterms = dfg_malloc(nt * sizeof *w->mterms);
    w->mfixed = dfg_malloc(nt);
    w->cert = dfg_malloc((3 * nc + nt * nt + nt) * sizeof *w->cert);
    if (!w->cert || !w->inb || !w->mterms || !w->mfixed || !w->gw || !w->terms || !w->fterms ||
        !w->bterms || !w->fixed || !w->use || !w->beta || !w->beta_prev || !w->mu_prev || !w->mu ||
        !w->rwork || !w->bmap) {
        dfg_sp_worker_free(w);
        return NULL;
    }
    return w;
}

void dfg_sp_worker_free(sp_worker *w)
{
    if (!w)
        return;
    dfg_glm_work_free(w->gw);
    dfg_free(w->terms);
    dfg_free(w->fterms);
    dfg_free(w->bterms);
    dfg_free(w->fixed);
    dfg_free(w->use);
    dfg_free(w->beta);
    dfg_free(w->beta_prev);
    dfg_free(w->mu);
    dfg_free(w->mu_prev);
    dfg_free(w->rwork);
    dfg_free(w->bmap);
    dfg_free(w->inb);
    dfg_free(w->mterms);
    dfg_free(w->mfixed);
    dfg_free(w->cert);
    dfg_sp_cov_work_free(w->cw);
    dfg_free(w);
}

double dfg_sp_criterion(const sp_space *sp, dfg_criterion c, double p, double ll)
{
    switch (c) {
    case DFG_CRIT_AIC:
        return 2.0 * p - 2.0 * ll;
    case DFG_CRIT_AICC:
        return 2.0 * p - 2.0 * ll + 2.0 * p * (p + 1.0) / (sp->n_obs - p - 1.0);
    case DFG_CRIT_BIC:
    default:
        return p * sp->logn - 2.0 * ll;
    }
}

/* In place: v[tau] = sum of v[c] over cells c superset of tau (Yates' algorithm). */
static void superset_sum(size_t k, double *v)
{
    size_t ncell = (size_t)1 << k;
    for (size_t j = 0; j < k; j++) {
        size_t bit = (size_t)1 << j;
        for (size_t c = 0; c < ncell; c++)
            if (!(c & bit))
                v[c] += v[c | bit];
    }
}

/* The existence certificate of the header: 1 when z = mu (1 + X d) proves that the MLE of
 * the pf terms w->fterms (intercept first) on the cells in w->use exists, 0 when it does
 * not prove it (then the LP decides). Reads w->mu; scratch w->cert. */
static int newton_certificate(const sp_space *sp, sp_worker *w, size_t pf)
{
    size_t k = sp->k, ncell = sp->ncell;
    const double *y = sp->y, *mu = w->mu;
    const unsigned char *use = w->use;
    double *ws = w->cert, *gs = ws + ncell, *e = gs + ncell, *h = e + ncell, *d = h + pf * pf;
    /* W and y - mu on the kept cells, then their superset sums: (X'WX)[a,b] = ws[t_a | t_b],
     * X'(y - mu)[a] = gs[t_a] */
    ws[0] = gs[0] = 0.0;
    for (size_t c = 1; c < ncell; c++) {
        if (!use[c]) {
            ws[c] = gs[c] = 0.0;
            continue;
        }
        if (!(mu[c] > 0.0 && mu[c] < HUGE_VAL))
            return 0;
        ws[c] = mu[c];
        gs[c] = y[c] - mu[c];
    }
    superset_sum(k, ws);
    superset_sum(k, gs);
    for (size_t a = 0; a < pf; a++) {
        for (size_t b = a; b < pf; b++)
            h[b + a * pf] = h[a + b * pf] = ws[w->fterms[a] | w->fterms[b]];
        d[a] = gs[w->fterms[a]];
    }
    if (dfg_la_chol(pf, h, NULL) != DFG_OK || dfg_la_chol_solve(pf, h, d, 1, NULL) != DFG_OK)
        return 0;
    /* (X d)_c = sum of d_j over terms t_j subset of c: one subset-sum transform */
    memset(e, 0, ncell * sizeof *e);
    for (size_t j = 0; j < pf; j++)
        e[w->fterms[j]] += d[j];
    for (size_t j = 0; j < k; j++) {
        size_t bit = (size_t)1 << j;
        for (size_t c = 0; c < ncell; c++)
            if (c & bit)
                e[c] += e[c ^ bit];
    }
    for (size_t c = 1; c < ncell; c++) {
        if (!use[c])
            continue;
        if (!(e[c] >= -0.5))
            return 0; /* also NaN */
        if (y[c] == 0.0 && !(mu[c] * (1.0 + e[c]) > Z_MIN))
            return 0;
    }
    return 1;
}

/* Existence of the MLE of model mask (its n terms, fixed flags and cells in w) by the LP
 * of models/check.c, first on the largest model with the same fixed terms F: every
 * candidate not fixed, plus F. It keeps the same cells, and its margins determine those
 * of the model, so a positive table with its margins has the model's too (Fienberg &
 * Rinaldo 2012): when its MLE exists, so does the model's (its LP optimum is at least the
 * larger model's). That answer is kept per F in the worker; otherwise the model's own LP
 * decides. */
static dfg_status lp_exists(const sp_space *sp, sp_worker *w, uint64_t mask, size_t n, int *exists,
                            dfg_error *err)
{
    size_t k = sp->k;
    uint64_t f = 0;
    int cacheable = 1;
    for (size_t i = 0; i < k; i++)
        cacheable &= !w->fixed[i];
    for (size_t i = 0, t = k; cacheable && i < sp->n_cand; i++)
        if (mask >> i & 1) {
            if (w->fixed[t])
                f |= (uint64_t)1 << i;
            t++;
        }
    size_t slot = SP_LP_CACHE;
    if (cacheable) {
        for (slot = 0; slot < w->n_lpc && w->lpc_f[slot] != f; slot++)
            ;
        if (slot == w->n_lpc && w->n_lpc < SP_LP_CACHE) {
            /* the largest model with fixed terms f */
            size_t m = 0;
            for (size_t i = 0; i < k; i++) {
                w->mterms[m] = 1u << i;
                w->mfixed[m++] = 0;
            }
            for (size_t i = 0; i < sp->n_cand; i++) {
                int fx = (int)(f >> i & 1);
                if (fx || sp->ysup[sp->cand[i]] > 0.0) {
                    w->mterms[m] = sp->cand[i];
                    w->mfixed[m++] = (unsigned char)fx;
                }
            }
            int ex = 0;
            dfg_status rc = dfg_check_lp(k, sp->y, w->mterms, m, w->mfixed, w->use, &ex, err);
            if (rc)
                return rc;
            w->lpc_f[slot] = f;
            w->lpc_exists[slot] = (unsigned char)ex;
            w->n_lpc++;
        }
        if (slot < w->n_lpc && w->lpc_exists[slot]) {
            *exists = 1;
            return DFG_OK;
        }
    }
    return dfg_check_lp(k, sp->y, w->terms, n, w->fixed, w->use, exists, err);
}

/* The certificate of the header from the fit's own last Newton step: d solved at
 * mu' = exp(X beta0), the iterate before the converged one (the same algebra holds at any
 * mu' > 0: z = mu' (1 + X d) has X'z = X'y), so no new factorisation is needed. Returns 1
 * when it proves existence, 0 when not (including when the step is not available). */
static int last_step_certificate(const sp_space *sp, sp_worker *w, size_t pf)
{
    size_t ncell = sp->ncell;
    double *eta = w->cert, *e = eta + ncell, *b0 = e + ncell, *d = b0 + pf;
    if (!dfg_glm_last_step(w->gw, pf, b0, d))
        return 0;
    /* X beta0 and X d: subset sums of the coefficients placed at their terms */
    memset(eta, 0, 2 * ncell * sizeof *eta);
    for (size_t j = 0; j < pf; j++) {
        eta[w->fterms[j]] += b0[j];
        e[w->fterms[j]] += d[j];
    }
    for (size_t bit = 1; bit < ncell; bit <<= 1)
        for (size_t base = 0; base < ncell; base += 2 * bit)
            for (size_t c = base; c < base + bit; c++) {
                eta[c + bit] += eta[c];
                e[c + bit] += e[c];
            }
    const double *y = sp->y;
    const unsigned char *use = w->use;
    for (size_t c = 1; c < ncell; c++) {
        if (!use[c])
            continue;
        /* mu' in (0, inf): |eta| < 700; then z > 0 where (X d)_c >= -1/2 */
        if (!(fabs(eta[c]) < 700.0) || !(e[c] >= -0.5))
            return 0; /* also NaN */
        if (y[c] == 0.0 && !(exp(eta[c]) * (1.0 + e[c]) > Z_MIN))
            return 0;
    }
    return 1;
}

double dfg_sp_new_term_start(const sp_space *sp, const sp_worker *w, uint32_t t)
{
    uint32_t rest = (uint32_t)(sp->ncell - 1) & ~t, r = 0;
    double ms = 0.0;
    do {
        if (w->use[t | r])
            ms += w->mu_prev[t | r];
        r = (r - rest) & rest; /* next subset of rest */
    } while (r);
    return ms > 0.0 && ms < HUGE_VAL && sp->ysup[t] > 0.0 ? log(sp->ysup[t] / ms) : 0.0;
}

dfg_status dfg_sp_eval_model(const sp_space *sp, sp_worker *w, uint64_t mask, int warm, int exact,
                             sp_eval *e, dfg_error *err)
{
    if (sp->cov)
        return dfg_sp_cov_eval(sp, w, mask, warm, e, err);
    memset(e, 0, sizeof *e);
    e->done = 1;
    e->crit = e->nhat = e->loglik = e->deviance = e->aic = e->bic = NAN;
    size_t k = sp->k, n = dfg_sp_terms(sp, mask, w->terms);
    e->p = (unsigned)(n + 1);
    /* terms with observed count 0 go to -inf with their cells */
    size_t nfix = dfg_check_boundary(k, sp->ysup, w->terms, n, w->fixed, w->use);
    e->n_fixed = (unsigned char)nfix;
    size_t pf = 0;
    w->fterms[pf++] = 0;
    for (size_t i = 0; i < n; i++)
        if (!w->fixed[i])
            w->fterms[pf++] = w->terms[i];
    e->p_fit = (unsigned)pf;
    unsigned nu = 0;
    for (size_t c = 1; c < sp->ncell; c++)
        nu += w->use[c];
    e->n_used = nu;
    /* Identifiable iff pf <= nu, without the rank test: the kept cells with cell 0 form
     * D = the cells containing no fixed term, closed under subsets, and the fitted terms
     * T (with the intercept 0) lie in D (a term containing a fixed one has observed count
     * 0 and is fixed too). On the rows D the columns [t subset of c], t in D, are a basis
     * (unitriangular: Moebius), in which the indicator of cell 0 has every coefficient
     * (-1)^|t| nonzero. A combination of the columns T vanishing on D \ {0} is a multiple
     * of that indicator, so it is 0 unless T = D, i.e. pf = nu + 1. */
    int ident = pf <= nu ? 1 : dfg_check_full_rank(k, w->terms, n, w->fixed, w->use, w->rwork);
    if (!ident) {
        e->code = 2;
        if (exact) {
            int exists = 0;
            dfg_status rc = dfg_check_lp(k, sp->y, w->terms, n, w->fixed, w->use, &exists, err);
            if (rc)
                return rc;
            e->code |= exists ? 0 : 1;
        }
        e->fit = DFG_ESING;
        return DFG_OK;
    }
    /* the fit: warm start from the last coefficients of this worker (new terms at 0) */
    dfg_glm_info info;
    int from_beta = warm && w->warm;
    if (from_beta)
        for (size_t j = 0; j < pf; j++)
            w->beta[j] = w->bmap[w->fterms[j]];
    if (from_beta && w->new_start)
        for (size_t j = 1; j < pf; j++)
            if (!w->inb[w->fterms[j]])
                w->beta[j] = dfg_sp_new_term_start(sp, w, w->fterms[j]);
    dfg_status frc = dfg_glm_fit_terms(k, w->fterms, pf, sp->y, w->use, from_beta, &sp->glm, w->gw,
                                       w->beta, w->mu, NULL, &info, NULL);
    if (frc != DFG_OK && from_beta)
        frc = dfg_glm_fit_terms(k, w->fterms, pf, sp->y, w->use, 0, &sp->glm, w->gw, w->beta, w->mu,
                                NULL, &info, NULL);
    if (frc == DFG_ENOMEM || frc == DFG_EINVAL)
        return dfg_err_set(err, frc, "search", "fit of a %zu-parameter model failed", pf);
    /* existence: no empty cell kept (y itself is a positive table), or the certificate of
     * the header at the fitted mu; otherwise the LP */
    int exists = -1;
    if (frc == DFG_OK) {
        int any_zero = 0;
        for (size_t c = 1; c < sp->ncell && !any_zero; c++)
            any_zero = w->use[c] && sp->y[c] == 0.0;
        if (!any_zero || last_step_certificate(sp, w, pf) || newton_certificate(sp, w, pf))
            exists = 1;
    }
    if (exists < 0) {
        dfg_status rc = lp_exists(sp, w, mask, n, &exists, err);
        if (rc)
            return rc;
    }
    dfg_sp_eval_finish(sp, w, e, exists, frc, &info, pf, w->fterms, NULL, w->beta);
    return DFG_OK;
}

void dfg_sp_eval_finish(const sp_space *sp, sp_worker *w, sp_eval *e, int exists, dfg_status frc,
                        const dfg_glm_info *info, size_t pf, const uint32_t *t32, const size_t *tz,
                        const double *beta)
{
    if (!exists) {
        e->code = 1;
        e->fit = (unsigned char)(frc == DFG_OK ? DFG_ENOMLE : frc);
        return;
    }
    e->fit = (unsigned char)frc;
    if (frc != DFG_OK)
        return;
    e->loglik = info->loglik;
    e->deviance = info->deviance;
    e->nhat = sp->n_obs + w->mu[0];
    e->crit = dfg_sp_criterion(sp, sp->crit, e->p, e->loglik);
    e->aic = dfg_sp_criterion(sp, DFG_CRIT_AIC, e->p, e->loglik);
    e->bic = dfg_sp_criterion(sp, DFG_CRIT_BIC, e->p, e->loglik);
    dfg_sp_keep_start(sp, w, pf, t32, tz, beta);
}

void dfg_sp_keep_start(const sp_space *sp, sp_worker *w, size_t pf, const uint32_t *t32,
                       const size_t *tz, const double *beta)
{
    for (size_t j = 0; j < w->n_bterms; j++) {
        w->bmap[w->bterms[j]] = 0.0;
        w->inb[w->bterms[j]] = 0;
    }
    for (size_t j = 0; j < pf; j++) {
        size_t t = t32 ? t32[j] : tz[j];
        w->bmap[t] = beta[j];
        w->inb[t] = 1;
        w->bterms[j] = t;
    }
    memcpy(w->mu_prev, w->mu, sp->ncell * sizeof *w->mu_prev);
    w->n_bterms = pf;
    w->warm = 1;
}

/* Reflected DFS over the candidates: rev = 0 visits (without, with) candidate i, rev = 1
 * (with, without), and the second branch is reflected, so that consecutive models differ
 * in one candidate wherever the hierarchy leaves both choices open. */
static int enum_rec(const sp_space *sp, size_t i, uint64_t mask, int rev, uint64_t *out, size_t *n,
                    size_t cap)
{
    if (i == sp->n_cand) {
        if (out && *n < cap)
            out[*n] = mask;
        (*n)++;
        return *n > cap;
    }
    if ((sp->need[i] & mask) != sp->need[i])
        return enum_rec(sp, i + 1, mask, rev, out, n, cap);
    uint64_t with = mask | (uint64_t)1 << i;
    if (!rev)
        return enum_rec(sp, i + 1, mask, 0, out, n, cap) ||
               enum_rec(sp, i + 1, with, 1, out, n, cap);
    return enum_rec(sp, i + 1, with, 0, out, n, cap) || enum_rec(sp, i + 1, mask, 1, out, n, cap);
}

size_t dfg_sp_enumerate(const sp_space *sp, uint64_t *out, size_t cap)
{
    size_t n = 0;
    enum_rec(sp, 0, 0, 0, out, &n, cap);
    return n;
}
