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
extern void dpstrf_(const char *uplo, const int *n, double *a, const int *lda, int *piv,
                    int *rank, const double *tol, double *work, int *info, size_t uplo_len);

/* A pivot of the factor below DFG_LA_PIVOT_TOL times its diagonal entry of A counts as
 * zero: L_jj^2 / A_jj is the squared norm of column j of W^(1/2) X left after projecting
 * out the columns before it, relative to its own squared norm. Below 1e-12 the scaled
 * matrix has condition number > 1e12 and the solve has no trustworthy digits left. */
#define DFG_LA_PIVOT_TOL 1e-12

static int small_enough(size_t p) { return p > 0 && p <= (size_t)INT_MAX / (size_t)p; }

dfg_status dfg_la_chol(size_t p, double *a, dfg_error *err)
{
    if (!small_enough(p))
        return dfg_err_set(err, DFG_EINVAL, "la", "matrix order %zu out of range", p);
    int n = (int)p, info = 0;
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
    dpotri_("L", &n, l, &n, &info, 1);
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
