/* core/la.c: dense symmetric linear algebra; the only caller of LAPACK (OpenBLAS).
 *
 * Cholesky factorisation, solve and inverse of the p x p information matrix of a GLM
 * (dpotrf, dpotrs, dpotri) and a rank diagnostic by Cholesky with complete pivoting
 * (dpstrf, Higham 2009, "Cholesky factorization", WIREs Comp. Stat. 1:251). Matrices are
 * column-major with leading dimension p; only the lower triangle is referenced.
 * The LAPACK prototypes are declared here (no lapacke): Fortran ABI, every argument by
 * reference, the hidden lengths of character arguments passed last.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <limits.h>
#include <math.h>
#include <string.h>

extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info,
                    size_t uplo_len);
extern void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a,
                    const int *lda, double *b, const int *ldb, int *info, size_t uplo_len);
extern void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info,
                    size_t uplo_len);
extern void dpstrf_(const char *uplo, const int *n, double *a, const int *lda, int *piv, int *rank,
                    const double *tol, double *work, int *info, size_t uplo_len);

/* A pivot of the factor below DFG_LA_PIVOT_TOL times its diagonal entry of A counts as
 * zero: L_jj^2 / A_jj is the squared norm of column j of W^(1/2) X left after projecting
 * out the columns before it, relative to its own squared norm. Below 1e-12 the scaled
 * matrix has condition number > 1e12 and the solve has no trustworthy digits left. */
#define DFG_LA_PIVOT_TOL 1e-12

static int small_enough(size_t p)
{
    return p > 0 && p <= (size_t)INT_MAX / (size_t)p;
}

/* Orders up to DFG_LA_SMALL are factored, solved and inverted by the plain unblocked
 * algorithms below (Golub & Van Loan 2013, alg. 4.2.1): for the 5-50 parameter models
 * of list data, the LAPACK call overhead (and OpenBLAS's thread hand-off in dpotri)
 * costs more than the arithmetic; measured 30,000 vs > 100,000 Mt fits per second on
 * netherlands_6 (bench/bench_fit.c). Larger orders go to LAPACK. */
#define DFG_LA_SMALL 128

/* Below this order the factor's inner loops are too short to gain from running down
 * columns: the dot-product form is faster (measured p = 7-15: 15-30% faster; p = 30 and
 * 79: 15-40% slower). Both forms subtract the products of each entry in the same order
 * m = 0, 1, ..., so they give the same factor to the bit. */
#define DFG_LA_AXPY_MIN 24

/* A = L L', lower triangle in place; returns the 1-based column of the first pivot that
 * is not positive or below DFG_LA_PIVOT_TOL A_jj, 0 on success. */
static int chol_small(size_t p, double *a)
{
    for (size_t j = 0; j < p; j++) {
        double *aj = a + j * p;
        double ajj = aj[j], d;
        if (p >= DFG_LA_AXPY_MIN) {
            /* left-looking axpy form: A_ij - sum_{m<j} L_im L_jm, i >= j, down column j */
            for (size_t m = 0; m < j; m++) {
                const double *lm = a + m * p;
                double ljm = lm[j];
                for (size_t i = j; i < p; i++)
                    aj[i] -= lm[i] * ljm;
            }
            d = aj[j];
        } else {
            /* dot form: L_jj^2 = A_jj - sum_{m<j} L_jm^2; off-diagonal entries below */
            d = ajj;
            for (size_t m = 0; m < j; m++)
                d -= a[j + m * p] * a[j + m * p];
        }
        if (!(d > DFG_LA_PIVOT_TOL * ajj))
            return (int)j + 1;
        d = sqrt(d);
        aj[j] = d;
        double inv = 1.0 / d;
        /* L_ij = (A_ij - sum_{m<j} L_im L_jm) / L_jj, i > j */
        if (p >= DFG_LA_AXPY_MIN) {
            for (size_t i = j + 1; i < p; i++)
                aj[i] *= inv;
        } else {
            for (size_t i = j + 1; i < p; i++) {
                double v = aj[i];
                for (size_t m = 0; m < j; m++)
                    v -= a[i + m * p] * a[j + m * p];
                aj[i] = v * inv;
            }
        }
    }
    return 0;
}

/* b <- (L L')^(-1) b: forward (column axpy form, same operation order as the row form)
 * then back substitution. */
static void solve_small(size_t p, const double *l, double *b)
{
    for (size_t m = 0; m < p; m++) {
        const double *lm = l + m * p;
        double bm = b[m] / lm[m];
        b[m] = bm;
        for (size_t i = m + 1; i < p; i++)
            b[i] -= lm[i] * bm;
    }
    for (size_t i = p; i-- > 0;) {
        double v = b[i];
        for (size_t m = i + 1; m < p; m++)
            v -= l[m + i * p] * b[m];
        b[i] = v / l[i + i * p];
    }
}

/* l (the factor) <- A^(-1) = L^(-T) L^(-1), lower triangle: first L^(-1) in place
 * (lower triangular), then the product. */
static void inverse_small(size_t p, double *l)
{
    for (size_t j = 0; j < p; j++) {
        /* column j of L^(-1): X_jj = 1 / L_jj, X_ij = -(sum_{j<=m<i} L_im X_mj) / L_ii, by
         * forward substitution in axpy form down the columns m >= j of L (still L: the
         * columns are inverted left to right); x_i = 0 - L_ij X_jj - ... equals the
         * negated sum exactly. */
        double *xj = l + j * p;
        double x = 1.0 / xj[j];
        xj[j] = x;
        for (size_t i = j + 1; i < p; i++)
            xj[i] = -(xj[i] * x);
        for (size_t m = j + 1; m < p; m++) {
            const double *lm = l + m * p;
            x = xj[m] / lm[m];
            xj[m] = x;
            for (size_t i = m + 1; i < p; i++)
                xj[i] -= lm[i] * x;
        }
    }
    /* (A^(-1))_ij = sum_{m >= max(i,j)} X_mi X_mj, i >= j: row-wise from the top keeps the
     * entries still needed untouched (X_mi, m >= i, are in rows >= i). */
    for (size_t j = 0; j < p; j++)
        for (size_t i = j; i < p; i++) {
            double v = 0.0;
            for (size_t m = i; m < p; m++)
                v += l[m + i * p] * l[m + j * p];
            l[i + j * p] = v;
        }
}

dfg_status dfg_la_chol(size_t p, double *a, dfg_error *err)
{
    if (!small_enough(p))
        return dfg_err_set(err, DFG_EINVAL, "la", "matrix order %zu out of range", p);
    int n = (int)p, info = 0;
    if (p <= DFG_LA_SMALL) {
        /* the relative pivot test is made inside */
        if ((info = chol_small(p, a)) != 0)
            return dfg_err_set(err, DFG_ESING, "la",
                               "information matrix numerically singular (column %d)", info);
        return DFG_OK;
    }
    dpotrf_("L", &n, a, &n, &info, 1);
    if (info < 0)
        return dfg_err_set(err, DFG_EINTERNAL, "la", "dpotrf: argument %d invalid", -info);
    if (info > 0)
        return dfg_err_set(err, DFG_ESING, "la",
                           "information matrix not positive definite (pivot %d)", info);
    /* A_jj = sum_i L_ji^2 (row j of L): the relative pivot L_jj^2 / A_jj, without a copy
     * of A. */
    for (size_t j = 0; j < p; j++) {
        double ajj = 0.0;
        for (size_t i = 0; i <= j; i++)
            ajj += a[j + i * p] * a[j + i * p];
        double ljj = a[j + j * p];
        if (!(ljj * ljj > DFG_LA_PIVOT_TOL * ajj))
            return dfg_err_set(err, DFG_ESING, "la",
                               "information matrix numerically singular (column %zu)", j + 1);
    }
    return DFG_OK;
}

dfg_status dfg_la_chol_solve(size_t p, const double *l, double *b, size_t nrhs, dfg_error *err)
{
    if (!small_enough(p) || nrhs > (size_t)INT_MAX)
        return dfg_err_set(err, DFG_EINVAL, "la", "matrix order %zu out of range", p);
    if (p <= DFG_LA_SMALL) {
        for (size_t r = 0; r < nrhs; r++)
            solve_small(p, l, b + r * p);
        return DFG_OK;
    }
    int n = (int)p, nr = (int)nrhs, info = 0;
    dpotrs_("L", &n, &nr, l, &n, b, &n, &info, 1);
    if (info != 0)
        return dfg_err_set(err, DFG_EINTERNAL, "la", "dpotrs: info %d", info);
    return DFG_OK;
}

dfg_status dfg_la_chol_inverse(size_t p, double *l, dfg_error *err)
{
    if (!small_enough(p))
        return dfg_err_set(err, DFG_EINVAL, "la", "matrix order %zu out of range", p);
    int n = (int)p, info = 0;
    if (p <= DFG_LA_SMALL) {
        for (size_t j = 0; j < p; j++)
            if (!(l[j + j * p] != 0.0))
                return dfg_err_set(err, DFG_ESING, "la", "singular factor (diagonal %zu)", j + 1);
        inverse_small(p, l);
    } else {
        dpotri_("L", &n, l, &n, &info, 1);
    }
    if (info < 0)
        return dfg_err_set(err, DFG_EINTERNAL, "la", "dpotri: argument %d invalid", -info);
    if (info > 0)
        return dfg_err_set(err, DFG_ESING, "la", "singular factor (diagonal %d)", info);
    /* dpotri fills the lower triangle; mirror it into the upper one. */
    for (size_t j = 0; j < p; j++)
        for (size_t i = j + 1; i < p; i++)
            l[j + i * p] = l[i + j * p];
    return DFG_OK;
}

void dfg_la_gs_project(const double *q, size_t r, size_t m, double *v, double *coef)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t j = 0; j < r; j++) {
            const double *qj = q + j * m;
            double d = 0.0;
            for (size_t i = 0; i < m; i++)
                d += qj[i] * v[i];
            for (size_t i = 0; i < m; i++)
                v[i] -= d * qj[i];
            if (coef)
                coef[j] += d;
        }
}

size_t dfg_la_rank(size_t p, const double *a, double *scratch, int *piv)
{
    if (!small_enough(p))
        return 0;
    double *s = scratch, *work = scratch + p * p, *d = work + 2 * p;
    /* Scale to unit diagonal: S = D A D, D = diag(A)^(-1/2); a zero or negative diagonal
     * entry is a column that is zero in the weighted design. */
    for (size_t j = 0; j < p; j++) {
        double ajj = a[j + j * p];
        d[j] = (ajj > 0.0 && isfinite(ajj)) ? 1.0 / sqrt(ajj) : 0.0;
    }
    for (size_t j = 0; j < p; j++)
        for (size_t i = 0; i < p; i++) {
            double v = a[i + j * p] * d[i] * d[j];
            s[i + j * p] = (i == j && d[i] == 0.0) ? 0.0 : v;
        }
    int n = (int)p, rank = 0, info = 0;
    /* Pivots below DFG_LA_PIVOT_TOL (on the unit-diagonal scale) count as zero. */
    double tol = DFG_LA_PIVOT_TOL;
    dpstrf_("L", &n, s, &n, piv, &rank, &tol, work, &info, 1);
    if (info < 0)
        return 0;
    return rank < 0 ? 0 : (size_t)rank;
}
