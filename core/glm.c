/* core/glm.c: the Poisson log-linear GLM engine: IRLS/Newton with step-halving.
 *
 * log mu = X beta, y ~ Poisson(mu) on the cells in use. With the canonical log link,
 * IRLS and Newton-Raphson coincide (McCullagh & Nelder 1989, sec. 2.5):
 *   W = diag(mu), (X'WX) delta = X'(y - mu), beta <- beta + delta;
 * the first step from mu0 = y + 0.1 (no beta yet) is the IRLS step
 *   (X'WX) beta = X'W z, z = eta + (y - mu) / mu, W and eta at mu0. y + 0.1 is R's start
 *   (poisson()$initialize): with it our iterates are glm's, which matters where R's
 *   output depends on the path (Rcapture's s.e. uses glm's vcov, i.e. the weights of the
 *   iterate before the last: netherlands_6 Mt prints 2316.4, the converged value is
 *   2316.46).
 * Converged when |D_k - D_{k-1}| / (|D_k| + 0.1) < tol (R glm.fit's rule). A step whose
 * deviance is not finite, or rises by more than that tolerance, is halved towards the
 * previous estimate up to max_halve times (as glm.fit does for non-finite deviance and
 * glm2, Marschner 2011, R Journal 3(2), for a rising one).
 *
 * Term designs (hierarchical log-linear models over k lists): column j of X is the 0/1
 * indicator that cell c contains term t_j. Then
 *   (X'WX)[a,b] = sum_{c superset of t_a|t_b} w_c,  (X'v)[a] = sum_{c superset of t_a} v_c,
 * so one superset-sum (zeta) transform of w and one of v over the 2^k cells give every
 * entry in O(k 2^k + p^2); likewise eta_c = sum_{t_j subset of c} beta_j is one subset-sum
 * transform of beta placed at its terms (Yates 1937; the fast zeta transform).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <math.h>
#include <string.h>

struct dfg_glm_work {
    size_t n, p;         /* capacity: rows (cells), columns */
    double *eta;         /* n: linear predictor */
    double *wsum;        /* n: weights, then their superset sums */
    double *vsum;        /* n: right-hand side per cell, then its superset sums */
    double *ylogy;       /* n: log y (0 when y = 0), once per fit */
    unsigned char *used; /* n: row in the likelihood, once per fit */
    double *logtab;      /* N_TAB: log i (log 0 stored as 0); NaN until first needed */
    double *lgtab;       /* N_TAB: lgamma(i + 1) = log i!; NaN until first needed */
    double *a;           /* p x p: X'WX, then its Cholesky factor */
    double *rhs;         /* p: right-hand side, then the step */
    double *beta0;       /* p: the previous estimate (halving anchor) */
    double *scr;         /* p x p + 3 p: rank diagnostic */
    int *piv;            /* p */
    size_t last_p;       /* > 0: beta0 and rhs hold the last Newton step of a converged
                          * fit without cov (dfg_glm_last_step) */
};

/* Counts below N_TAB take log y and log y! from tables filled once per workspace: per
 * fit, 2^k calls of log and lgamma cost as much as the iterations of a small model. */
#define N_TAB 1024

dfg_glm_opts dfg_glm_opts_default(void)
{
    dfg_glm_opts o;
    o.tol = 1e-10;
    o.max_iter = 100;
    o.max_halve = 30;
    return o;
}

dfg_status dfg_glm_opts_check(const dfg_glm_opts *o, dfg_error *err)
{
    if (!o)
        return dfg_err_set(err, DFG_EINVAL, "glm", "NULL options");
    if (!(o->tol > 0.0 && isfinite(o->tol)) || o->max_iter < 1 || o->max_iter > DFG_MAX_ITER ||
        o->max_halve < 0)
        return dfg_err_set(err, DFG_EINVAL, "glm",
                           "bad options (tol %g, max_iter %d of at most %d, max_halve %d)", o->tol,
                           o->max_iter, DFG_MAX_ITER, o->max_halve);
    return DFG_OK;
}

dfg_glm_work *dfg_glm_work_alloc(size_t n, size_t p)
{
    if (n == 0 || p == 0 || p > DFG_MAX_PARAMS || n > ((size_t)1 << 30))
        return NULL;
    dfg_glm_work *w = dfg_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->n = n;
    w->p = p;
    w->eta = dfg_malloc(n * sizeof *w->eta);
    w->wsum = dfg_malloc(n * sizeof *w->wsum);
    w->vsum = dfg_malloc(n * sizeof *w->vsum);
    w->ylogy = dfg_malloc(n * sizeof *w->ylogy);
    w->used = dfg_malloc(n * sizeof *w->used);
    w->a = dfg_malloc(p * p * sizeof *w->a);
    w->rhs = dfg_malloc(p * sizeof *w->rhs);
    w->beta0 = dfg_malloc(p * sizeof *w->beta0);
    w->scr = dfg_malloc((p * p + 3 * p) * sizeof *w->scr);
    w->piv = dfg_malloc(p * sizeof *w->piv);
    w->logtab = dfg_malloc(N_TAB * sizeof *w->logtab);
    w->lgtab = dfg_malloc(N_TAB * sizeof *w->lgtab);
    if (!w->logtab || !w->lgtab || !w->eta || !w->wsum || !w->vsum || !w->ylogy || !w->used ||
        !w->a || !w->rhs || !w->beta0 || !w->scr || !w->piv) {
        dfg_glm_work_free(w);
        return NULL;
    }
    /* filled on first use (NaN = not yet), so that a one-off fit pays only for its counts */
    for (size_t i = 0; i < N_TAB; i++)
        w->logtab[i] = w->lgtab[i] = NAN;
    return w;
}

void dfg_glm_work_free(dfg_glm_work *w)
{
    if (!w)
        return;
    dfg_free(w->eta);
    dfg_free(w->wsum);
    dfg_free(w->vsum);
    dfg_free(w->ylogy);
    dfg_free(w->used);
    dfg_free(w->a);
    dfg_free(w->rhs);
    dfg_free(w->beta0);
    dfg_free(w->scr);
    dfg_free(w->piv);
    dfg_free(w->logtab);
    dfg_free(w->lgtab);
    dfg_free(w);
}

/* y is a whole number below N_TAB (its index in the tables), else -1 */
static long tab_index(double y)
{
    if (y >= 0.0 && y < (double)N_TAB) {
        long i = (long)y;
        if ((double)i == y)
            return i;
    }
    return -1;
}

/* ** {======================================================================
 * The design: term or dense
 * ======================================================================= */

typedef struct {
    int dense;
    size_t k;              /* term designs: lists */
    size_t n, p;           /* rows, columns */
    const uint32_t *terms; /* term designs */
    const double *x;       /* dense designs: n x p column-major */
    const double *y;
    const unsigned char *use; /* NULL: term designs use cells 1..n-1, dense all rows */
} design;

static int row_used(const design *d, size_t c)
{
    if (d->use)
        return d->use[c] != 0;
    return d->dense || c != 0;
}

/* The zeta transforms over the cells 0 .. n-1 (n = 2^k), in place, one pass per list:
 * the first two lists inside blocks of 4 cells, the others 4 cells at a time (short
 * inner loops dominated the profile for k = 6).
 * subset_transform: s_c <- sum (mul = 0) or product (mul = 1) of s_u over u subset of c. */
static void subset_transform(size_t n, double *s, int mul)
{
    size_t bit = 1;
    if (n >= 4) {
        for (size_t b = 0; b < n; b += 4) {
            double a0 = s[b], a1 = s[b + 1], a2 = s[b + 2], a3 = s[b + 3];
            if (mul) {
                a1 *= a0, a3 *= a2; /* list 1 */
                a2 *= a0, a3 *= a1; /* list 2 */
            } else {
                a1 += a0, a3 += a2;
                a2 += a0, a3 += a1;
            }
            s[b + 1] = a1, s[b + 2] = a2, s[b + 3] = a3;
        }
        for (bit = 4; bit < n; bit <<= 1)
            for (size_t base = 0; base < n; base += 2 * bit) {
                double *lo = s + base, *hi = s + base + bit;
                if (mul)
                    for (size_t i = 0; i < bit; i += 4) {
                        hi[i] *= lo[i], hi[i + 1] *= lo[i + 1];
                        hi[i + 2] *= lo[i + 2], hi[i + 3] *= lo[i + 3];
                    }
                else
                    for (size_t i = 0; i < bit; i += 4) {
                        hi[i] += lo[i], hi[i + 1] += lo[i + 1];
                        hi[i + 2] += lo[i + 2], hi[i + 3] += lo[i + 3];
                    }
            }
        return;
    }
    for (; bit < n; bit <<= 1)
        for (size_t base = 0; base < n; base += 2 * bit)
            for (size_t i = base; i < base + bit; i++)
                s[i + bit] = mul ? s[i + bit] * s[i] : s[i + bit] + s[i];
}

/* s_u <- sum_{c superset of u} s_c, and the same for t. */
static void superset_sum2(size_t n, double *s, double *t)
{
    size_t bit = 1;
    if (n >= 4) {
        for (size_t b = 0; b < n; b += 4) {
            double a0 = s[b], a1 = s[b + 1], a2 = s[b + 2], a3 = s[b + 3];
            double c0 = t[b], c1 = t[b + 1], c2 = t[b + 2], c3 = t[b + 3];
            a0 += a1, a2 += a3, a0 += a2, a1 += a3;
            c0 += c1, c2 += c3, c0 += c2, c1 += c3;
            s[b] = a0, s[b + 1] = a1, s[b + 2] = a2;
            t[b] = c0, t[b + 1] = c1, t[b + 2] = c2;
        }
        for (bit = 4; bit < n; bit <<= 1)
            for (size_t base = 0; base < n; base += 2 * bit) {
                double *lo = s + base, *hi = s + base + bit;
                double *lt = t + base, *ht = t + base + bit;
                for (size_t i = 0; i < bit; i += 4) {
                    lo[i] += hi[i], lo[i + 1] += hi[i + 1];
                    lo[i + 2] += hi[i + 2], lo[i + 3] += hi[i + 3];
                    lt[i] += ht[i], lt[i + 1] += ht[i + 1];
                    lt[i + 2] += ht[i + 2], lt[i + 3] += ht[i + 3];
                }
            }
        return;
    }
    for (; bit < n; bit <<= 1)
        for (size_t base = 0; base < n; base += 2 * bit)
            for (size_t i = base; i < base + bit; i++) {
                s[i] += s[i + bit];
                t[i] += t[i + bit];
            }
}

/* s_u <- sum_{c superset of u} s_c. */
static void superset_sum1(size_t n, double *s)
{
    size_t bit = 1;
    if (n >= 4) {
        for (size_t b = 0; b < n; b += 4) {
            double a0 = s[b], a1 = s[b + 1], a2 = s[b + 2], a3 = s[b + 3];
            a0 += a1, a2 += a3, a0 += a2, a1 += a3;
            s[b] = a0, s[b + 1] = a1, s[b + 2] = a2;
        }
        for (bit = 4; bit < n; bit <<= 1)
            for (size_t base = 0; base < n; base += 2 * bit) {
                double *lo = s + base, *hi = s + base + bit;
                for (size_t i = 0; i < bit; i += 4) {
                    lo[i] += hi[i], lo[i + 1] += hi[i + 1];
                    lo[i + 2] += hi[i + 2], lo[i + 3] += hi[i + 3];
                }
            }
        return;
    }
    for (; bit < n; bit <<= 1)
        for (size_t base = 0; base < n; base += 2 * bit)
            for (size_t i = base; i < base + bit; i++)
                s[i] += s[i + bit];
}

/* eta = X beta. Term designs: place beta_j at cell t_j, then subset sums
 * eta_c = sum_{u subset of c} B_u. */
static void design_eta(const design *d, const double *beta, double *eta)
{
    if (d->dense) {
        for (size_t c = 0; c < d->n; c++)
            eta[c] = 0.0;
        for (size_t j = 0; j < d->p; j++) {
            const double *xj = d->x + j * d->n;
            double b = beta[j];
            for (size_t c = 0; c < d->n; c++)
                eta[c] += xj[c] * b;
        }
        return;
    }
    memset(eta, 0, d->n * sizeof *eta);
    for (size_t j = 0; j < d->p; j++)
        eta[d->terms[j]] += beta[j];
    subset_transform(d->n, eta, 0);
}

/* a = X' diag(w) X (full p x p), rhs = X' v. w and v are per-row and are overwritten by
 * term designs (superset sums). */
static void design_cross(const design *d, double *w, double *v, double *a, double *rhs)
{
    size_t p = d->p;
    if (d->dense) {
        for (size_t i = 0; i < p; i++) {
            const double *xi = d->x + i * d->n;
            double s = 0.0;
            for (size_t c = 0; c < d->n; c++)
                s += xi[c] * v[c];
            rhs[i] = s;
            for (size_t j = 0; j <= i; j++) {
                const double *xj = d->x + j * d->n;
                double t = 0.0;
                for (size_t c = 0; c < d->n; c++)
                    t += xi[c] * w[c] * xj[c];
                a[i + j * p] = t;
                a[j + i * p] = t;
            }
        }
        return;
    }
    superset_sum2(d->n, w, v);
    for (size_t i = 0; i < p; i++) {
        uint32_t ti = d->terms[i];
        rhs[i] = v[ti];
        for (size_t j = 0; j <= i; j++) {
            double t = w[ti | d->terms[j]];
            a[i + j * p] = t;
            a[j + i * p] = t;
        }
    }
}

/* Term designs: mu_c = exp(eta_c) = prod_{t_j subset of c} exp(beta_j), one subset-product
 * transform of exp(beta_j) placed at the terms: p calls of exp instead of 2^k. The
 * relative rounding error grows with the number of factors (at most p) as that of eta
 * does with the number of terms summed. */
static void term_mu(const design *d, const double *beta, double *mu)
{
    for (size_t c = 0; c < d->n; c++)
        mu[c] = 1.0;
    for (size_t j = 0; j < d->p; j++)
        mu[d->terms[j]] *= exp(beta[j]);
    subset_transform(d->n, mu, 1);
}

/* The deviance term of one cell, 2 [y log(y / mu) - (y - mu)], from t = log y - eta:
 * with mu = y e^(-t) it is 2 y (e^(-t) - 1 + t). For |t| < 1/8 the bracket is summed as
 * its series t^2 (1/2! - t/3! + t^2/4! - ... + t^10/12!) (truncation < 4e-18 relative),
 * so rounding in t enters only to first order in t, which vanishes as the fit approaches
 * y: D of a (near-)saturated model is exact to ~1e-16 y |t| instead of ~1e-16 y. Without
 * this the noise in D (1e-11 on tables of thousands) defeats the tolerance 1e-10 at D = 0
 * (oracle table 026, [12,13,23]). For |t| >= 1/8 the bracket is at least 0.0075 and
 * y t - (y - mu) loses no more than a few units of 1e-16 relative. y = 0: 2 mu. */
static double cell_dev(double y, double logy, double eta, double mu)
{
    if (!(y > 0.0))
        return mu;
    double t = logy - eta;
    if (fabs(t) < 0.125) {
        /* Horner from 1/12! down to 1/2!, in -t */
        static const double inv_fact[11] = {
            1.0 / 2,     1.0 / 6,      1.0 / 24,      1.0 / 120,      1.0 / 720,      1.0 / 5040,
            1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600};
        double u = -t, s = inv_fact[10];
        for (int i = 9; i >= 0; i--)
            s = s * u + inv_fact[i];
        return y * (t * t * s);
    }
    return y * t - (y - mu);
}

/* mu = exp(eta) on every row; the deviance D = sum_used 2 [y log(y / mu) - (y - mu)]
 * (NaN or Inf when a used mu is not finite). */
static double eval_mu(const design *d, const unsigned char *used, const double *logy,
                      const double *beta, const double *eta, double *mu)
{
    double dev = 0.0;
    if (d->dense)
        for (size_t c = 0; c < d->n; c++)
            mu[c] = exp(eta[c]);
    else
        term_mu(d, beta, mu);
    for (size_t c = 0; c < d->n; c++)
        if (used[c])
            dev += cell_dev(d->y[c], logy[c], eta[c], mu[c]);
    return 2.0 * dev;
}

/* ** }====================================================================== */

/* sum_used y eta - mu - lgamma(y + 1), eta = log mu */
static double loglik_used(const design *d, dfg_glm_work *w, const double *mu)
{
    double s = 0.0;
    for (size_t c = 0; c < d->n; c++) {
        if (!w->used[c])
            continue;
        double y = d->y[c];
        if (y > 0.0) {
            long ti = tab_index(y);
            if (ti >= 0 && isnan(w->lgtab[ti]))
                w->lgtab[ti] = lgamma(y + 1.0);
            s += y * w->eta[c] - (ti >= 0 ? w->lgtab[ti] : lgamma(y + 1.0));
        }
        s -= mu[c];
    }
    return s;
}

double dfg_poisson_loglik(size_t n, const double *y, const double *mu, const unsigned char *use)
{
    double s = 0.0;
    for (size_t c = 0; c < n; c++) {
        if (use && !use[c])
            continue;
        s += (y[c] > 0.0 ? y[c] * log(mu[c]) - lgamma(y[c] + 1.0) : 0.0) - mu[c];
    }
    return s;
}

/* Build X'WX and X'v at the current mu (first = IRLS right-hand side X'Wz, else the
 * score X'(y - mu); rhs = 0: X'WX only, one superset sum instead of two), factor it.
 * (The score as X'y - X'mu, X'y once per fit, would save a superset sum per iteration
 * too, but its different rounding moved the profile argmax of netherlands_5
 * [13,15,34,35,2] by 0.07, past tests/ref_two_list.c's 0.06.) */
static dfg_status build_and_factor(const design *d, dfg_glm_work *w, const double *mu, int first,
                                   int rhs, dfg_error *err)
{
    const unsigned char *used = w->used;
    if (!d->dense && !rhs) {
        for (size_t c = 0; c < d->n; c++)
            w->wsum[c] = used[c] ? mu[c] : 0.0;
        superset_sum1(d->n, w->wsum);
        size_t p = d->p;
        for (size_t i = 0; i < p; i++) {
            uint32_t ti = d->terms[i];
            for (size_t j = 0; j <= i; j++) {
                double t = w->wsum[ti | d->terms[j]];
                w->a[i + j * p] = t;
                w->a[j + i * p] = t;
            }
        }
        return dfg_la_chol(p, w->a, err);
    }
    for (size_t c = 0; c < d->n; c++) {
        if (!used[c]) {
            w->wsum[c] = 0.0;
            w->vsum[c] = 0.0;
            continue;
        }
        double y = d->y[c];
        w->wsum[c] = mu[c];
        /* first: W z = mu eta + (y - mu); else y - mu */
        w->vsum[c] = first ? mu[c] * w->eta[c] + (y - mu[c]) : y - mu[c];
    }
    design_cross(d, w->wsum, w->vsum, w->a, w->rhs);
    return dfg_la_chol(d->p, w->a, err);
}

/* The rank of X'WX at mu (for the report after a singular factor). */
static size_t rank_at(const design *d, dfg_glm_work *w, const double *mu)
{
    for (size_t c = 0; c < d->n; c++) {
        w->wsum[c] = w->used[c] ? mu[c] : 0.0;
        w->vsum[c] = 0.0;
    }
    design_cross(d, w->wsum, w->vsum, w->a, w->rhs);
    return dfg_la_rank(d->p, w->a, w->scr, w->piv);
}

/* Check the arguments and the counts of the rows in use, and fill w->used and w->ylogy
 * (log y, from the table for small counts). */
static dfg_status fit_prepare(const design *d, const dfg_glm_opts *o, dfg_glm_work *w,
                              const double *beta, const double *mu, dfg_error *err)
{
    size_t n = d->n, p = d->p;
    if (!w || !beta || !mu || !d->y)
        return dfg_err_set(err, DFG_EINVAL, "glm", "NULL argument");
    if (n > w->n || p > w->p || p == 0)
        return dfg_err_set(err, DFG_EINVAL, "glm",
                           "design %zu x %zu exceeds the workspace %zu x %zu", n, p, w->n, w->p);
    dfg_status rc = dfg_glm_opts_check(o, err);
    if (rc != DFG_OK)
        return rc;
    size_t n_used = 0;
    for (size_t c = 0; c < n; c++) {
        w->used[c] = (unsigned char)row_used(d, c);
        if (!w->used[c])
            continue;
        double y = d->y[c];
        if (!(y >= 0.0) || !isfinite(y))
            return dfg_err_set(err, DFG_EINVAL, "glm", "count %zu is not finite and >= 0", c);
        long ti = tab_index(y);
        if (ti < 0) {
            w->ylogy[c] = y > 0.0 ? log(y) : 0.0;
        } else {
            if (isnan(w->logtab[ti]))
                w->logtab[ti] = ti > 0 ? log(y) : 0.0;
            w->ylogy[c] = w->logtab[ti];
        }
        n_used++;
    }
    if (n_used == 0)
        return dfg_err_set(err, DFG_EINVAL, "glm", "no cells in use");
    return DFG_OK;
}

/* The start: beta as given (its deviance in *dev), or R's mu0 = y + 0.1, eta0 = log mu0
 * on every row (so that unused rows are defined) with beta = 0 until the first IRLS
 * step. */
static dfg_status fit_start(const design *d, int have_beta, dfg_glm_work *w, double *beta,
                            double *mu, double *dev, dfg_error *err)
{
    size_t n = d->n, p = d->p;
    if (have_beta) {
        for (size_t j = 0; j < p; j++)
            if (!isfinite(beta[j]))
                return dfg_err_set(err, DFG_EINVAL, "glm", "start beta[%zu] not finite", j);
        design_eta(d, beta, w->eta);
        *dev = eval_mu(d, w->used, w->ylogy, beta, w->eta, mu);
        if (!isfinite(*dev))
            return dfg_err_set(err, DFG_EINVAL, "glm", "deviance at the start is not finite");
        return DFG_OK;
    }
    double dev0 = 0.0;
    for (size_t c = 0; c < n; c++) {
        double y = row_used(d, c) ? d->y[c] : 0.0;
        mu[c] = y + 0.1;
        w->eta[c] = log(mu[c]);
        if (row_used(d, c))
            dev0 += cell_dev(y, w->ylogy[c], w->eta[c], mu[c]);
    }
    *dev = 2.0 * dev0;
    memset(beta, 0, p * sizeof *beta);
    return DFG_OK;
}

/* The deviance's change from dev_old to dev is measurable: larger than the tolerance
 * relative to the deviance (glm.fit's rule) and than noise, the rounding of both
 * evaluations (0 for none). Without that floor a nearly saturated fit of large counts, whose
 * deviance is 0 up to its rounding, rejects every step (and never converges) on the
 * rounding's sign. Declared in core/internal.h. */
int dfg_glm_dev_changed(double dev, double dev_old, double noise, double tol)
{
    double d = fabs(dev - dev_old);
    return d / (fabs(dev) + 0.1) >= tol && d >= noise;
}

/* A step is rejected while D is not finite or, after the first IRLS step (have_beta), rises
 * measurably (dfg_glm_dev_changed). Declared in core/internal.h. */
int dfg_glm_step_rejected(double dev, double dev_old, double noise, int have_beta, double tol)
{
    return !isfinite(dev) ||
           (have_beta && dev > dev_old && dfg_glm_dev_changed(dev, dev_old, noise, tol));
}

/* One iteration from beta (deviance dev_old): the Newton step (IRLS on the first one,
 * have_beta = 0), then step-halving beta <- (beta + beta_prev) / 2 while the step is
 * rejected; the first IRLS step has no previous beta and halves towards beta = 0 (mu = 1).
 * After max_halve halvings the previous iterate is restored and DFG_ENOCONV returned.
 * *dev: the deviance at the new beta. */
static dfg_status newton_step(const design *d, const dfg_glm_opts *o, dfg_glm_work *w,
                              int have_beta, double dev_old, double *beta, double *mu, double *dev,
                              int iter, dfg_error *err)
{
    size_t p = d->p;
    dfg_status rc = build_and_factor(d, w, mu, !have_beta, 1, err);
    if (rc != DFG_OK)
        return rc;
    if ((rc = dfg_la_chol_solve(p, w->a, w->rhs, 1, err)) != DFG_OK)
        return rc;
    /* beta_new = beta + delta (Newton) or the IRLS solution itself */
    memcpy(w->beta0, beta, p * sizeof *beta);
    for (size_t j = 0; j < p; j++)
        beta[j] = have_beta ? beta[j] + w->rhs[j] : w->rhs[j];
    design_eta(d, beta, w->eta);
    *dev = eval_mu(d, w->used, w->ylogy, beta, w->eta, mu);
    for (int h = 0;
         h < o->max_halve && dfg_glm_step_rejected(*dev, dev_old, 0.0, have_beta, o->tol); h++) {
        for (size_t j = 0; j < p; j++)
            beta[j] = 0.5 * (beta[j] + w->beta0[j]);
        design_eta(d, beta, w->eta);
        *dev = eval_mu(d, w->used, w->ylogy, beta, w->eta, mu);
    }
    if (!dfg_glm_step_rejected(*dev, dev_old, 0.0, have_beta, o->tol))
        return DFG_OK;
    /* back to the previous iterate */
    memcpy(beta, w->beta0, p * sizeof *beta);
    design_eta(d, beta, w->eta);
    *dev = eval_mu(d, w->used, w->ylogy, beta, w->eta, mu);
    return dfg_err_set(err, DFG_ENOCONV, "glm",
                       "step-halving failed after %d halvings at iteration %d", o->max_halve, iter);
}

/* After the iterations (status rc): cov = (X'WX)^(-1) at the final estimate when asked
 * for (NaN when singular), and the rank to report. */
static size_t fit_finish(const design *d, dfg_glm_work *w, const double *mu, double *cov,
                         dfg_status *rc, dfg_error *err)
{
    size_t p = d->p, rank = p;
    if (*rc == DFG_ESING) {
        rank = rank_at(d, w, mu);
    } else if (cov) {
        dfg_status r2 = build_and_factor(d, w, mu, 0, 0, *rc == DFG_OK ? err : NULL);
        if (r2 == DFG_OK)
            r2 = dfg_la_chol_inverse(p, w->a, *rc == DFG_OK ? err : NULL);
        if (r2 == DFG_OK) {
            memcpy(cov, w->a, p * p * sizeof *cov);
        } else {
            for (size_t i = 0; i < p * p; i++)
                cov[i] = NAN;
            if (r2 == DFG_ESING)
                rank = rank_at(d, w, mu);
            if (*rc == DFG_OK)
                *rc = r2;
        }
    }
    if (*rc == DFG_ESING && cov)
        for (size_t i = 0; i < p * p; i++)
            cov[i] = NAN;
    return rank;
}

static dfg_status fit(const design *d, int start_from_beta, const dfg_glm_opts *o, dfg_glm_work *w,
                      double *beta, double *mu, double *cov, dfg_glm_info *info, dfg_error *err)
{
    dfg_glm_opts def = dfg_glm_opts_default();
    if (!o)
        o = &def;
    if (info) {
        info->iter = 0;
        info->rank = 0;
        info->deviance = NAN;
        info->loglik = NAN;
    }
    if (w)
        w->last_p = 0;
    dfg_status rc = fit_prepare(d, o, w, beta, mu, err);
    int have_beta = start_from_beta != 0;
    double dev_old = 0.0;
    if (rc != DFG_OK || (rc = fit_start(d, have_beta, w, beta, mu, &dev_old, err)) != DFG_OK)
        return rc;

    int iter = 0, converged = 0, last_newton = 0;
    double dev = dev_old;
    while (iter < o->max_iter) {
        iter++;
        last_newton = have_beta;
        if ((rc = newton_step(d, o, w, have_beta, dev_old, beta, mu, &dev, iter, err)) != DFG_OK)
            break;
        int was_first = !have_beta;
        have_beta = 1;
        /* |D_k - D_{k-1}| / (|D_k| + 0.1) < tol; never on the first IRLS step, whose
         * D_{k-1} belongs to mu0 = y + 0.1 rather than to a fitted model. */
        if (!was_first && !dfg_glm_dev_changed(dev, dev_old, 0.0, o->tol)) {
            converged = 1;
            break;
        }
        dev_old = dev;
    }
    if (rc == DFG_OK && !converged)
        rc = dfg_err_set(err, DFG_ENOCONV, "glm", "no convergence in %d iterations", o->max_iter);
    if (rc == DFG_OK && last_newton && !cov)
        w->last_p = d->p;
    size_t rank = fit_finish(d, w, mu, cov, &rc, err);
    if (info) {
        info->iter = iter;
        info->rank = rank;
        info->deviance = dev;
        info->loglik = loglik_used(d, w, mu);
    }
    return rc;
}

int dfg_glm_last_step(const dfg_glm_work *w, size_t p, double *beta0, double *step)
{
    if (!w || w->last_p == 0 || w->last_p != p)
        return 0;
    memcpy(beta0, w->beta0, p * sizeof *beta0);
    memcpy(step, w->rhs, p * sizeof *step);
    return 1;
}

dfg_status dfg_glm_fit_terms(size_t k, const uint32_t *terms, size_t p, const double *y,
                             const unsigned char *use, int start_from_beta, const dfg_glm_opts *o,
                             dfg_glm_work *w, double *beta, double *mu, double *cov,
                             dfg_glm_info *info, dfg_error *err)
{
    if (k == 0 || k > DFG_MAX_FIT_LISTS || !terms)
        return dfg_err_set(err, DFG_EINVAL, "glm", "term design needs 1 <= k <= %d (got %zu)",
                           DFG_MAX_FIT_LISTS, k);
    size_t n = (size_t)1 << k;
    for (size_t j = 0; j < p; j++)
        if (terms[j] >= n)
            return dfg_err_set(err, DFG_EINVAL, "glm", "term %#x outside %zu lists",
                               (unsigned)terms[j], k);
    design d = {0, k, n, p, terms, NULL, y, use};
    return fit(&d, start_from_beta, o, w, beta, mu, cov, info, err);
}

dfg_status dfg_glm_fit_dense(size_t n, size_t p, const double *x, const double *y,
                             const unsigned char *use, int start_from_beta, const dfg_glm_opts *o,
                             dfg_glm_work *w, double *beta, double *mu, double *cov,
                             dfg_glm_info *info, dfg_error *err)
{
    if (n == 0 || !x)
        return dfg_err_set(err, DFG_EINVAL, "glm", "empty dense design");
    design d = {1, 0, n, p, NULL, x, y, use};
    return fit(&d, start_from_beta, o, w, beta, mu, cov, info, err);
}
