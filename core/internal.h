/* core/internal.h: shared internals of libdarkfig; never installed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DARKFIG_INTERNAL_H
#define DARKFIG_INTERNAL_H

#include "darkfig.h"

#include <stdarg.h>

/* ** {======================================================================
 * Allocation: every allocation of the library goes through these, so that a test
 * build can make the k-th call fail (dfg_alloc_fail_after).
 * ======================================================================= */
void *dfg_malloc(size_t size);
void *dfg_calloc(size_t n, size_t size);
void *dfg_realloc(void *p, size_t size);
void dfg_free(void *p);
char *dfg_strdup(const char *s);
#ifdef DFG_TEST_HOOKS
/* Test hooks, compiled only into the test library (darkfig_test; CMakeLists.txt), never
 * into the shipped ones. Not thread safe.
 * dfg_alloc_fail_after: make the (n+1)-th allocation from now on, and every later one,
 *   fail; n < 0 disables.
 * dfg_alloc_count: allocations made since the counter was last set, while a failure is
 *   armed.
 * dfg_alloc_live: blocks allocated and not yet freed, counted at every allocation (also
 *   in threads), for leak checks.
 * dfg_csv_fast_path: split plain CSV lines without libcsv (1, the default) or hand every
 *   line to libcsv (0); the results must not differ (core/csv.c). */
void dfg_alloc_fail_after(long n);
long dfg_alloc_count(void);
long dfg_alloc_live(void);
void dfg_csv_fast_path(int on);
#endif
/* ** }====================================================================== */

/* Append a stratum with covariate values values[0..n_cov-1] (copied) without looking for
 * an equal one (dfg_table_stratum does, in O(strata)): for callers that know the values
 * are new, such as the CSV reader, which keeps its own hash (core/table.c). Needs
 * n_cov > 0. Returns DFG_OK, DFG_EINVAL, DFG_ENOMEM. */
dfg_status dfg_table_stratum_append(dfg_table *t, const char *const *values, size_t *s,
                                    dfg_error *err);

/* The rows of a CSV buffer as the table reader sees them (core/csv.c, libcsv): a UTF-8
 * byte-order mark skipped, UTF-16 and zip archives refused, quoted fields (RFC 4180),
 * spaces around unquoted fields dropped, blank lines skipped; malformed quotes are
 * DFG_EPARSE at "name:line:field". fn gets each row's fields (s[len] = '\0'; valid during
 * the call) and the line the row ends on; a code other than DFG_OK stops the reading and
 * is returned (fn sets err). For other file formats on the same reader (models/freq.c). */
typedef struct {
    const char *s;
    size_t len;
} dfg_csv_field;
typedef dfg_status (*dfg_csv_row_fn)(void *ctx, const dfg_csv_field *f, size_t n, size_t line,
                                     dfg_error *err);
dfg_status dfg_csv_read_rows(const char *name, const char *buf, size_t len, dfg_csv_row_fn fn,
                             void *ctx, dfg_error *err);

/* Record an error and return code: the first one wins, except that a hard error replaces
 * a numerical verdict (DFG_ENOCONV, DFG_ESING, DFG_ENOMLE; darkfig.h). where is a module name or a
 * "file:line:col" place; fmt is printf-like. err may be NULL. */
dfg_status dfg_err_set(dfg_error *err, dfg_status code, const char *where, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* popcount of a pattern or term. */
static inline unsigned dfg_popcount(uint32_t x)
{
    return (unsigned)__builtin_popcount(x);
}

/* ** {======================================================================
 * The Poisson GLM engine (core/glm.c). Two kinds of design:
 *  - term designs: rows are cells (patterns) c of k lists, column j is the indicator
 *    (c & terms[j]) == terms[j]; terms[0] = 0 is the intercept. X'WX is built from
 *    superset sums over the 2^k cells in O(k 2^k + p^2) per iteration.
 *  - dense designs: an n x p column-major matrix (closed-population models whose
 *    columns are not 0/1 indicators).
 * Cells with weight 0 in `use` (or NULL = all used) are left out of the likelihood
 * (their fitted value is still computed). For term designs `use` has 2^k entries and
 * cell 0 is used only when use[0] != 0 (the observable-cells fit leaves it out).
 * use = NULL: term designs use cells 1 .. 2^k - 1 (the observable ones), dense designs
 * every row. Step-halving, tolerance and defaults: dfg_glm_opts (darkfig.h); opts NULL =
 * dfg_glm_opts_default(). cov is evaluated at the final estimate (not, as R's vcov,
 * at the weights one step before). On DFG_ESING info->rank is the numerical rank and
 * cov is NaN; on DFG_ENOCONV beta and mu hold the last iterate.
 * ======================================================================= */
typedef struct dfg_glm_work dfg_glm_work;

/* Scratch for fits with up to n rows (term designs: n = 2^k) and p columns; NULL when out
 * of memory or p > DFG_MAX_PARAMS (callers that take p from a model check it first and
 * report DFG_EINVAL). */
dfg_glm_work *dfg_glm_work_alloc(size_t n, size_t p);
void dfg_glm_work_free(dfg_glm_work *w);

typedef struct {
    int iter;        /* iterations used */
    size_t rank;     /* numerical rank of X'WX at the end */
    double deviance; /* over used cells */
    double loglik;   /* sum over used cells of log dpois(y, mu) */
} dfg_glm_info;

/* Fit log mu = X beta by IRLS/Newton with step-halving on the cells in use.
 * beta: in = start (or all zero and the routine starts from mu = y + 0.1, R's poisson
 * start, when start_from_beta is 0), out = estimate; mu: out, fitted values of every row (2^k for
 * term designs); cov: out (may be NULL), the p x p inverse information (column-major).
 * Returns DFG_OK, DFG_ENOCONV, DFG_ESING (rank-deficient), DFG_EINVAL, DFG_ENOMEM. */
dfg_status dfg_glm_fit_terms(size_t k, const uint32_t *terms, size_t p, const double *y,
                             const unsigned char *use, int start_from_beta, const dfg_glm_opts *o,
                             dfg_glm_work *w, double *beta, double *mu, double *cov,
                             dfg_glm_info *info, dfg_error *err);
/* After a converged fit without cov: the estimate beta0 the last Newton step started
 * from and that step d (p each), (X'WX) d = X'(y - mu) at mu = exp(X beta0). Returns 1,
 * or 0 when the last fit did not end that way (nothing written). */
int dfg_glm_last_step(const dfg_glm_work *w, size_t p, double *beta0, double *step);
dfg_status dfg_glm_fit_dense(size_t n, size_t p, const double *x, const double *y,
                             const unsigned char *use, int start_from_beta, const dfg_glm_opts *o,
                             dfg_glm_work *w, double *beta, double *mu, double *cov,
                             dfg_glm_info *info, dfg_error *err);

/* Dense symmetric linear algebra (core/la.c, the only caller of LAPACK). Matrices are
 * p x p column-major; only the lower triangle is read.
 * dfg_la_chol: in-place lower Cholesky factor L (A = L L'); DFG_ESING when A is not
 *   positive definite or a pivot L_jj^2 < 1e-12 A_jj (numerically singular).
 * dfg_la_chol_solve: b (p x nrhs) <- A^(-1) b from the factor.
 * dfg_la_chol_inverse: l (the factor) <- A^(-1), full symmetric matrix.
 * dfg_la_rank: numerical rank of A (scaled to unit diagonal, pivoted Cholesky, pivots
 *   below 1e-12 count as zero); scratch holds p * p + 3 p doubles, piv p ints; 0 on a
 *   bad argument. */
dfg_status dfg_la_chol(size_t p, double *a, dfg_error *err);
dfg_status dfg_la_chol_solve(size_t p, const double *l, double *b, size_t nrhs, dfg_error *err);
dfg_status dfg_la_chol_inverse(size_t p, double *l, dfg_error *err);
size_t dfg_la_rank(size_t p, const double *a, double *scratch, int *piv);
/* Project v (m) off the r orthonormal columns q (m each, one after another): v -= (q_j'v)
 * q_j for j = 0 .. r-1, twice (modified Gram-Schmidt with reorthogonalisation); coef (r,
 * may be NULL) += the two passes' q_j'v. */
void dfg_la_gs_project(const double *q, size_t r, size_t m, double *v, double *coef);

/* log dpois(y, mu) summed the R way (y log mu - mu - lgamma(y + 1); 0 log 0 = 0). */
double dfg_poisson_loglik(size_t n, const double *y, const double *mu, const unsigned char *use);
/* ** }====================================================================== */

/* ** {======================================================================
 * Random streams (core/rng.c): the only place in the tree that seeds a generator.
 * Stream (seed, index) is mt19937 seeded with
 *   x = fmix32(1 + (fmix32(seed) + index) mod (2^32 - 1))
 * (fmix32: MurmurHash3's 32-bit finaliser, a bijection with fmix32(0) = 0). For one seed,
 * indices 0 .. 2^32 - 2 give distinct x, and x is never 0 (GSL would replace 0 by
 * 4357). index must be < 2^32 - 1 (DFG_EINVAL). Generators are GSL's (malloc, not
 * dfg_malloc); release with gsl_rng_free.
 * ======================================================================= */
#include <gsl/gsl_rng.h>

/* The 32-bit mt19937 seed of stream (seed, index); never 0. */
uint32_t dfg_rng_mix(uint32_t seed, uint64_t index);
/* MurmurHash3's 32-bit finaliser (bijective; 0 maps to 0), the mixing step of the streams. */
uint32_t dfg_rng_fmix32(uint32_t h);
/* A new mt19937 generator on stream (seed, index); NULL on failure (err says why). */
gsl_rng *dfg_rng_stream(uint32_t seed, uint64_t index, dfg_error *err);
/* Reset an mt19937 generator r (from dfg_rng_stream) to stream (seed, index). */
dfg_status dfg_rng_reset(gsl_rng *r, uint32_t seed, uint64_t index, dfg_error *err);
/* The fast streams of the samplers (xoshiro256++ keyed by (seed, index)) and their
 * variates: core/rng_fast.h. */
#include "rng_fast.h"
/* ** }====================================================================== */

/* ** {======================================================================
 * Profile intervals on a dense design (core/interval.c), for closed-population models
 * whose columns are not 0/1 indicators: x is n_rows x p column-major, row 0 the unobserved
 * cell; y[0] is ignored (set to N - n_obs inside); nhat the Poisson estimate (it sets the
 * search range (n, 1.5 nhat) for the maximum and 3 nhat for the upper limit). The same
 * mathematics as dfg_interval_profile; the design must hold an intercept column (then the
 * fitted cells sum to N and the Poisson fit is the multinomial one). Returns DFG_OK (also
 * when ci->lower_at_n or ci->upper_beyond), DFG_EINVAL, DFG_EDATA, DFG_ENOMEM, DFG_ESING,
 * DFG_ENOCONV (some profile fits hit the iteration limit; ci is filled).
 * ======================================================================= */
dfg_status dfg_interval_profile_dense(size_t n_rows, size_t p, const double *x, const double *y,
                                      double n_obs, double nhat, const dfg_glm_opts *o,
                                      double level, dfg_interval *ci, dfg_error *err);
/* ** }====================================================================== */

/* DFG_EINVAL, where "lists": k lists are more than a log-linear fit takes (the limit
 * DFG_MAX_FIT_LISTS and its size in cells, and what takes more). core/error.c. */
dfg_status dfg_err_too_many_lists(dfg_error *err, size_t k);

/* ** {======================================================================
 * Log-linear fits without per-fit allocation (core/loglin.c): the hot path of model
 * search and the bootstrap. A workspace for k lists reuses its buffers across fits; it
 * grows (allocates) only when a model with more parameters than any before arrives
 * (p_max = 0: size on first use).
 * dfg_loglin_fit_cells fits model m with the terms fixed[0..n_fixed-1] at -inf (each an
 * interaction term of m; NULL/0 = none) to the dense cells y[0..2^k-1] (y[0] ignored)
 * and fills the scalar fields of *fit (status, p, rank, n_cells, n_obs, m0, nhat,
 * se_nhat, var_beta0, deviance, df, loglik, aic, aicc, bic, iter, n_boundary) with the
 * conventions of dfg_loglin_fit; the arrays of *fit stay NULL (do not dfg_fit_free
 * them: nothing to free). The coefficients, fitted cells (2^k, fixed cells 0,
 * fitted[0] = m0), covariance (p x p) and terms (terms[0] = 0) of the last fit are read
 * from the workspace until the next fit. Returns like dfg_loglin_fit.
 * ======================================================================= */
typedef struct dfg_loglin_work dfg_loglin_work;
dfg_loglin_work *dfg_loglin_work_alloc(size_t k, size_t p_max);
void dfg_loglin_work_free(dfg_loglin_work *lw);
dfg_status dfg_loglin_fit_cells(dfg_loglin_work *lw, size_t k, const double *y, const dfg_model *m,
                                const uint32_t *fixed, size_t n_fixed, const dfg_glm_opts *opts,
                                dfg_fit *fit, dfg_error *err);
size_t dfg_loglin_work_p(const dfg_loglin_work *lw);
const double *dfg_loglin_work_fitted(const dfg_loglin_work *lw);
const double *dfg_loglin_work_beta(const dfg_loglin_work *lw);
const double *dfg_loglin_work_cov(const dfg_loglin_work *lw);
const uint32_t *dfg_loglin_work_terms(const dfg_loglin_work *lw);
/* ** }====================================================================== */

/* qsort comparison of doubles (core/boot.c). */
int dfg_cmp_double(const void *a, const void *b);
/* R's quantile type 7 of sorted x[0 .. m-1] at p in [0, 1]; NaN when m = 0 (core/boot.c). */
double dfg_quantile7(const double *x, size_t m, double p);
/* The distinct strings of model[0 .. B-1] (NULL: a replicate without a model), counted
 * (core/boot.c): *models (owned, dfg_free each and the array) most frequent first, ties
 * in order of first appearance, with their counts in *model_count; rep_model[b] = the
 * index of model[b] or DFG_BOOT_NO_MODEL. *n_models is the number of *models entries
 * (release them even on DFG_ENOMEM). */
dfg_status dfg_boot_count_models(const char *const *model, size_t B, size_t *n_models,
                                 char ***models, size_t **model_count, size_t *rep_model,
                                 dfg_error *err);

/* ** {======================================================================
 * Fits over the full table of lists and covariates (core/design.c)
 * ======================================================================= */
typedef struct dfg_cfit_work dfg_cfit_work;
dfg_cfit_work *dfg_cfit_work_alloc(const dfg_ctable *ct, size_t p_cap);
void dfg_cfit_work_free(dfg_cfit_work *w);
/* The fitted cells of the last fit (n_cells). */
const double *dfg_cfit_work_mu(const dfg_cfit_work *w);
/* max |delta| of the last Newton step of the last fit (Inf when it ended otherwise). */
double dfg_cfit_work_last_step(const dfg_cfit_work *w);
/* 1 when the last fit (status rc) settled in the interior, so that the MLE exists: rc =
 * DFG_OK and the last Newton step below 1e-3, or every fitted cell in use (NULL: every
 * cell with a nonzero pattern) above 1e-5. */
/* w's fitted cells (dfg_cfit_work_mu) set to exp(X beta) for the parameters spec[0..p-1]
 * (p <= the workspace's p_cap). */
void dfg_cfit_work_set_beta(dfg_cfit_work *w, const dfg_ctable *ct, const size_t *spec, size_t p,
                            const double *beta);
int dfg_cfit_work_interior(const dfg_cfit_work *w, const dfg_ctable *ct, const unsigned char *use,
                           dfg_status rc);
/* Parameters of m: spec[p] and term_of[p] (may be NULL), p = dfg_cmodel_n_params. */
dfg_status dfg_cmodel_params(const dfg_cmodel *m, const dfg_ctable *ct, size_t *spec,
                             size_t *term_of, dfg_error *err);
size_t dfg_cmodel_term_params(const dfg_ctable *ct, uint64_t term);
/* IRLS on the cells with use[c] != 0 (NULL: every cell with a nonzero pattern) with the
 * parameters spec[0..p-1] (spec[0] = 0, the intercept); counts y (n_cells). warm: beta
 * holds a start. cov (p x p, may be NULL) = inverse information at the end. The table of
 * joined parameters is kept in w and rebuilt only when the parameters change.
 * Returns as dfg_glm_fit_terms. */
dfg_status dfg_cfit_engine(dfg_cfit_work *w, const dfg_ctable *ct, const size_t *spec, size_t p,
                           const double *y, const unsigned char *use, int warm,
                           const dfg_glm_opts *o, double *beta, double *cov, dfg_glm_info *info,
                           dfg_error *err);
/* In place: s[spec] <- sum of s over the cells matching spec. */
void dfg_ctable_zeta_up(const dfg_ctable *ct, double *s);
size_t dfg_ctable_cov_stride(const dfg_ctable *ct, size_t c);
/* AIC, BIC, AICc from loglik, p, n_obs. */
void dfg_cfit_criteria(dfg_cfit *f);
/* m0 and nhat from fitted. */
void dfg_cfit_totals(const dfg_ctable *ct, dfg_cfit *fit);
/* Group of strata (in_group[s] != 0; NULL = all): observed n, fitted unobserved m0 and
 * var(n + m0) = m0 + g'Vg (delta method). */
dfg_status dfg_cfit_group(const dfg_ctable *ct, const dfg_cfit *fit, const unsigned char *in_group,
                          double *n_obs, double *m0, double *var, dfg_error *err);
/* A weighted sum of the strata's totals, T = sum_s w[s] (n_s + m0_s) (w: n_strata weights;
 * NULL = all 1): *n_obs = sum w n, *m0 = sum w m0, *pois = sum w^2 m0 (the Poisson variance
 * of the unobserved counts' part of T - its estimate), grad[0..p-1] = dT/d beta (the
 * caller's array). */
dfg_status dfg_cfit_weighted(const dfg_ctable *ct, const dfg_cfit *fit, const double *w,
                             double *grad, double *n_obs, double *m0, double *pois, dfg_error *err);
/* a'Vb with V = fit->cov (p x p): the delta method's covariance of two linear forms with
 * gradients a and b. */
double dfg_cfit_quad(const dfg_cfit *fit, const double *a, const double *b);
/* The strata of ct where covariate cov is at `level`, covariate cov removed. */
dfg_status dfg_ctable_slice(const dfg_ctable *src, size_t cov, size_t level, dfg_ctable **out,
                            dfg_error *err);
/* 1 when a covariate value counts as missing ("" or "NA"). */
int dfg_covariate_value_missing(const char *v);
/* ** }====================================================================== */

/* ** {======================================================================
 * Profile-likelihood search shared by the list-only and covariate intervals (core/interval.c)
 * ======================================================================= */
/* The maximiser of loglik(arg, N) on (a, b) (Brent's golden-section search with parabolic
 * steps, x tolerance sqrt(eps) |x| + 1e-7, at most 500 steps); its value in *lmax. The search
 * stops early once *rc (the caller's first-failure status, set by loglik) is not DFG_OK or
 * loglik returns NaN; the caller checks *rc. */
double dfg_profile_argmax(double (*loglik)(void *arg, double big_n), void *arg,
                          const dfg_status *rc, double a, double b, double *lmax);
/* ** }====================================================================== */

/* ** {======================================================================
 * Hierarchical closure of terms, shared by list-only and covariate models (core/terms.c)
 * ======================================================================= */
/* The n terms (t32, or t64 when not NULL) closed under subsets of order >= 2, with the nv
 * main effects, sorted by order then value, without repeats: a new dfg_malloc'ed array of
 * *n_out terms (the caller frees it), or NULL when out of memory. */
uint64_t *dfg_term_closure(const uint32_t *t32, const uint64_t *t64, size_t n, size_t nv,
                           size_t *n_out);
/* Append t to the growing array *a of *n terms (capacity *cap, doubled as needed): 1, or 0
 * when out of memory (*a unchanged). */
int dfg_term_push(uint64_t **a, size_t *n, size_t *cap, uint64_t t);
/* ** }====================================================================== */

/* ** {======================================================================
 * IRLS step acceptance, shared by the list-only and covariate engines (core/glm.c)
 * ======================================================================= */
/* 1 when the deviance's change from dev_old to dev is measurable: |dev - dev_old| /
 * (|dev| + 0.1) >= tol (glm.fit's rule) and |dev - dev_old| >= noise, the rounding floor of
 * the two evaluations (0: no floor). */
int dfg_glm_dev_changed(double dev, double dev_old, double noise, double tol);
/* 1 when a step is rejected: dev not finite or, when have_beta, a measurable rise. */
int dfg_glm_step_rejected(double dev, double dev_old, double noise, int have_beta, double tol);
/* ** }====================================================================== */

#endif /* DARKFIG_INTERNAL_H */
