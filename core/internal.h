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
/* Make the (n+1)-th allocation from now on, and every later one, fail; n < 0 disables.
 * For tests only (not thread safe). */
DFG_API void dfg_alloc_fail_after(long n);
/* Allocations made since the counter was last set (tests). */
DFG_API long dfg_alloc_count(void);
/* ** }====================================================================== */

/* Record an error (the first one wins) and return code. where is a module name or a
 * "file:line:col" place; fmt is printf-like. err may be NULL. */
dfg_status dfg_err_set(dfg_error *err, dfg_status code, const char *where, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* popcount of a pattern or term. */
static inline unsigned dfg_popcount(uint32_t x) { return (unsigned)__builtin_popcount(x); }

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
 * ======================================================================= */
typedef struct dfg_glm_work dfg_glm_work;

/* Scratch for fits with up to n rows (term designs: n = 2^k) and p columns. */
dfg_glm_work *dfg_glm_work_alloc(size_t n, size_t p);
void dfg_glm_work_free(dfg_glm_work *w);

typedef struct {
    int iter;        /* iterations used */
    size_t rank;     /* numerical rank of X'WX at the end */
    double deviance; /* over used cells */
    double loglik;   /* sum over used cells of log dpois(y, mu) */
} dfg_glm_info;

/* Fit log mu = X beta by IRLS/Newton with step-halving on the cells in use.
 * beta: in = start (or all zero and the routine starts from mu = y + 0.5 when
 * start_from_beta is 0), out = estimate; mu: out, fitted values of every row (2^k for
 * term designs); cov: out (may be NULL), the p x p inverse information (column-major).
 * Returns DFG_OK, DFG_ENOCONV, DFG_ESING (rank-deficient), DFG_EINVAL, DFG_ENOMEM. */
dfg_status dfg_glm_fit_terms(size_t k, const uint32_t *terms, size_t p, const double *y,
                             const unsigned char *use, int start_from_beta, const dfg_glm_opts *o,
                             dfg_glm_work *w, double *beta, double *mu, double *cov,
                             dfg_glm_info *info, dfg_error *err);
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
/* A new mt19937 generator on stream (seed, index); NULL on failure (err says why). */
gsl_rng *dfg_rng_stream(uint32_t seed, uint64_t index, dfg_error *err);
/* Reset an mt19937 generator r (from dfg_rng_stream) to stream (seed, index). */
dfg_status dfg_rng_reset(gsl_rng *r, uint32_t seed, uint64_t index, dfg_error *err);
/* ** }====================================================================== */

/* Estimators listed in core/estimators.c, each defined in its models/ file. */
extern const dfg_estimator dfg_est_mt, dfg_est_loglin;

#endif /* DARKFIG_INTERNAL_H */
