/* core/design.c: the full table over lists and categorical covariates, hierarchical models
 * over both, and their Poisson log-linear fit.
 *
 * The table. k lists and C categorical covariates with L_1 .. L_C levels (the values seen,
 * sorted as strings with strcmp; the first is the reference level, as R's factor() and
 * treatment contrasts make it). A cell is (pattern, l_1, .., l_C); its index is
 *   cell = pattern + 2^k (l_1 + L_1 (l_2 + L_2 (...))),
 * so there are 2^k prod L_c cells whatever the number of people. Every combination of
 * levels is a stratum, also one with no person; the pattern 0 of every stratum is
 * unobserved and is what the model estimates.
 *
 * Models. A term is a set of variables (lists and covariates), a bitmask with list j at
 * bit j and covariate c at bit k + c. Its parameters are the indicators "every list of
 * the term is 1 and every covariate of the term is at a given non-reference level", one
 * per combination of non-reference levels (R's model.matrix with treatment contrasts for
 * factors, 0/1 lists). A parameter is therefore a level specification: per list "any" or
 * 1, per covariate "any" or one level l >= 1, and it has the same index layout as a cell
 * (digit 0 = any). The model is hierarchical (closed under subsets, every main effect in)
 * and never holds a term with all k lists (confounded with the unobserved cells).
 *
 * The fit. With 0/1 indicator columns,
 *   (X'WX)[a, b] = sum of w over the cells matching both specifications a and b
 *                = T[a v b], with T = the mixed-radix zeta transform of w,
 * where a v b joins two specifications (lists: union; a covariate: the level either
 * names; two different levels of one covariate: no cell, the entry is 0), and
 *   T[s] = sum_{cells c matching s} w_c
 * is one pass per variable: slot "any" <- the sum over the variable's digits (Yates 1937;
 * the fast zeta transform, generalised from 2 to L digits). X'v is the same transform
 * of v read at the parameters. Conversely eta_c = sum of the coefficients of the
 * parameters matching c: place beta at the parameters' indices and run the transposed
 * pass (digits l >= 1 <- + digit 0). One iteration costs O(cells (k + C) + p^2) plus the
 * Cholesky factor, instead of O(cells p^2) for a dense design.
 * IRLS/Newton as core/glm.c: R's start mu = y + 0.1, the first step the IRLS one, then
 * Newton steps halved while the deviance is not finite or rises; converged when
 * |D_k - D_{k-1}| / (|D_k| + 0.1) < tol.
 * Ref: McCullagh & Nelder (1989) ch. 2, 6; Bishop, Fienberg & Holland (1975) ch. 3;
 * van der Heijden, Whittaker, Cruyff, Bakker & van der Vliet (2012) Appl. Statist. 61:567.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dfg_ctable {
    size_t k, n_cov;
    char **list_names; /* k */
    char **cov_names;  /* n_cov */
    size_t *n_levels;  /* n_cov */
    char ***levels;    /* n_cov arrays of n_levels[c] strings, sorted */
    size_t *cstride;   /* n_cov: cell stride of covariate c (2^k prod_{c' < c} L_c') */
    size_t n_strata;   /* prod L_c */
    size_t n_cells;    /* 2^k n_strata */
    double *y;         /* n_cells; y at pattern 0 is 0 */
    double *n_stratum; /* n_strata: people observed per stratum */
    double n_obs;
    size_t trend_cov; /* the covariate coded as a polynomial (when trend_deg > 0) */
    size_t trend_deg; /* its degree D; 0: every covariate a factor */
    double *trend_x;  /* L x D: column d of the orthogonal polynomial at level l */
};

static void free_strings(char **s, size_t n)
{
    if (!s)
        return;
    for (size_t i = 0; i < n; i++)
        dfg_free(s[i]);
    dfg_free(s);
}

void dfg_ctable_free(dfg_ctable *ct)
{
    if (!ct)
        return;
    free_strings(ct->list_names, ct->k);
    free_strings(ct->cov_names, ct->n_cov);
    if (ct->levels)
        for (size_t c = 0; c < ct->n_cov; c++)
            free_strings(ct->levels[c], ct->n_levels ? ct->n_levels[c] : 0);
    dfg_free(ct->levels);
    dfg_free(ct->n_levels);
    dfg_free(ct->cstride);
    dfg_free(ct->y);
    dfg_free(ct->n_stratum);
    dfg_free(ct->trend_x);
    dfg_free(ct);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* index of v in the sorted levels (binary search); -1 when absent */
static long level_index(char *const *lev, size_t n, const char *v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(lev[mid], v);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int dfg_covariate_value_missing(const char *v)
{
    return !v || v[0] == '\0' || strcmp(v, "NA") == 0;
}

dfg_status dfg_ctable_new(const dfg_table *t, size_t max_cells, dfg_ctable **out, dfg_error *err)
{
    if (!out)
        return dfg_err_set(err, DFG_EINVAL, "covariates", "NULL output");
    *out = NULL;
    if (!t)
        return dfg_err_set(err, DFG_EINVAL, "covariates", "NULL table");
    size_t k = dfg_table_k(t), n_cov = dfg_table_n_cov(t), ns = dfg_table_n_strata(t);
    if (k > DFG_MAX_FIT_LISTS)
        return dfg_err_set(err, DFG_EINVAL, "covariates", "%zu lists: at most %d for a fit", k,
                           DFG_MAX_FIT_LISTS);
    if (k + n_cov > 64)
        return dfg_err_set(err, DFG_EINVAL, "covariates",
                           "%zu lists and %zu covariates: at most 64 variables", k, n_cov);
    dfg_ctable *ct = dfg_calloc(1, sizeof *ct);
    if (!ct)
        return dfg_err_set(err, DFG_ENOMEM, "covariates", "table");
    dfg_status rc = DFG_OK;
    char **vals = NULL;
    ct->k = k;
    ct->n_cov = n_cov;
    if (!(ct->list_names = dfg_calloc(k, sizeof *ct->list_names)) ||
        (n_cov && (!(ct->cov_names = dfg_calloc(n_cov, sizeof *ct->cov_names)) ||
                   !(ct->n_levels = dfg_calloc(n_cov, sizeof *ct->n_levels)) ||
                   !(ct->levels = dfg_calloc(n_cov, sizeof *ct->levels)) ||
                   !(ct->cstride = dfg_calloc(n_cov, sizeof *ct->cstride)))) ||
        (ns && !(vals = dfg_malloc(ns * sizeof *vals))))
        goto nomem;
    for (size_t j = 0; j < k; j++)
        if (!(ct->list_names[j] = dfg_strdup(dfg_table_list_name(t, j))))
            goto nomem;
    /* levels of covariate c: the distinct values over the strata, sorted */
    size_t n_strata = 1;
    for (size_t c = 0; c < n_cov; c++) {
        if (!(ct->cov_names[c] = dfg_strdup(dfg_table_cov_name(t, c))))
            goto nomem;
        size_t nv = 0;
        for (size_t s = 0; s < ns; s++) {
            const char *v = dfg_table_stratum_value(t, s, c);
            if (dfg_table_n_obs(t, s) == 0.0 && dfg_table_n_patterns(t, s) == 0)
                continue;
            if (dfg_covariate_value_missing(v)) {
                rc = dfg_err_set(err, DFG_EDATA, "covariates",
                                 "covariate %s has a missing value (\"%s\"); incomplete "
                                 "covariates are not handled: drop those rows",
                                 ct->cov_names[c], v ? v : "");
                goto fail;
            }
            vals[nv++] = (char *)(uintptr_t)v;
        }
        qsort(vals, nv, sizeof *vals, cmp_str);
        size_t u = 0;
        for (size_t i = 0; i < nv; i++)
            if (u == 0 || strcmp(vals[i], vals[u - 1]) != 0)
                vals[u++] = vals[i];
        if (u < 2) {
            rc = dfg_err_set(err, DFG_EDATA, "covariates",
                             "covariate %s has %s level%s%s%s: a covariate needs at least two",
                             ct->cov_names[c], u ? "one" : "no", u ? " (" : "", u ? vals[0] : "",
                             u ? ")" : "");
            goto fail;
        }
        if (!(ct->levels[c] = dfg_calloc(u, sizeof **ct->levels)))
            goto nomem;
        ct->n_levels[c] = u;
        for (size_t i = 0; i < u; i++)
            if (!(ct->levels[c][i] = dfg_strdup(vals[i])))
                goto nomem;
        ct->cstride[c] = n_strata << k;
        if (n_strata > ((size_t)1 << 40) / u) {
            rc = dfg_err_set(err, DFG_EDATA, "covariates", "too many covariate combinations");
            goto fail;
        }
        n_strata *= u;
    }
    ct->n_strata = n_strata;
    if (n_strata > (((size_t)1 << 40) >> k) || (max_cells && (n_strata << k) > max_cells)) {
        rc = dfg_err_set(err, DFG_EDATA, "covariates",
                         "%zu lists x %zu covariate combinations = %zu cells, more than the "
                         "limit %zu",
                         k, n_strata, n_strata << k, max_cells);
        goto fail;
    }
    ct->n_cells = n_strata << k;
    if (!(ct->y = dfg_calloc(ct->n_cells, sizeof *ct->y)) ||
        !(ct->n_stratum = dfg_calloc(n_strata, sizeof *ct->n_stratum)))
        goto nomem;
    for (size_t s = 0; s < ns; s++) {
        size_t np = dfg_table_n_patterns(t, s);
        if (np == 0)
            continue;
        size_t base = 0;
        for (size_t c = 0; c < n_cov; c++) {
            long l = level_index(ct->levels[c], ct->n_levels[c], dfg_table_stratum_value(t, s, c));
            if (l < 0) {
                rc = dfg_err_set(err, DFG_EINTERNAL, "covariates", "level lost");
                goto fail;
            }
            base += (size_t)l * ct->cstride[c];
        }
        for (size_t i = 0; i < np; i++) {
            uint32_t pat;
            double cnt;
            dfg_table_pattern(t, s, i, &pat, &cnt);
            ct->y[base + pat] += cnt;
            ct->n_stratum[base >> k] += cnt;
            ct->n_obs += cnt;
        }
    }
    dfg_free(vals);
    *out = ct;
    return DFG_OK;
nomem:
    rc = dfg_err_set(err, DFG_ENOMEM, "covariates", "table over lists and covariates");
fail:
    dfg_free(vals);
    dfg_ctable_free(ct);
    return rc;
}

size_t dfg_ctable_k(const dfg_ctable *ct)
{
    return ct ? ct->k : 0;
}
size_t dfg_ctable_n_cov(const dfg_ctable *ct)
{
    return ct ? ct->n_cov : 0;
}
const char *dfg_ctable_list_name(const dfg_ctable *ct, size_t j)
{
    return ct && j < ct->k ? ct->list_names[j] : NULL;
}
const char *dfg_ctable_cov_name(const dfg_ctable *ct, size_t c)
{
    return ct && c < ct->n_cov ? ct->cov_names[c] : NULL;
}
size_t dfg_ctable_n_levels(const dfg_ctable *ct, size_t c)
{
    return ct && c < ct->n_cov ? ct->n_levels[c] : 0;
}
const char *dfg_ctable_level_name(const dfg_ctable *ct, size_t c, size_t l)
{
    return ct && c < ct->n_cov && l < ct->n_levels[c] ? ct->levels[c][l] : NULL;
}
size_t dfg_ctable_n_strata(const dfg_ctable *ct)
{
    return ct ? ct->n_strata : 0;
}
size_t dfg_ctable_n_cells(const dfg_ctable *ct)
{
    return ct ? ct->n_cells : 0;
}
const double *dfg_ctable_counts(const dfg_ctable *ct)
{
    return ct ? ct->y : NULL;
}
double dfg_ctable_n_obs(const dfg_ctable *ct)
{
    return ct ? ct->n_obs : 0.0;
}
double dfg_ctable_stratum_n_obs(const dfg_ctable *ct, size_t s)
{
    return ct && s < ct->n_strata ? ct->n_stratum[s] : 0.0;
}
size_t dfg_ctable_level_of(const dfg_ctable *ct, size_t stratum, size_t c)
{
    if (!ct || c >= ct->n_cov)
        return 0;
    return ((stratum << ct->k) / ct->cstride[c]) % ct->n_levels[c];
}
size_t dfg_ctable_cov_stride(const dfg_ctable *ct, size_t c)
{
    return ct && c < ct->n_cov ? ct->cstride[c] : 0;
}

dfg_status dfg_ctable_set_counts(dfg_ctable *ct, const double *y, dfg_error *err)
{
    if (!ct || !y)
        return dfg_err_set(err, DFG_EINVAL, "covariates", "NULL argument");
    size_t np = (size_t)1 << ct->k;
    ct->n_obs = 0.0;
    for (size_t s = 0; s < ct->n_strata; s++) {
        double sum = 0.0;
        for (size_t p = 1; p < np; p++) {
            double v = y[(s << ct->k) + p];
            if (!(v >= 0.0) || !isfinite(v))
                return dfg_err_set(err, DFG_EINVAL, "covariates", "count not finite and >= 0");
            sum += v;
        }
        ct->n_stratum[s] = sum;
        ct->n_obs += sum;
    }
    memcpy(ct->y, y, ct->n_cells * sizeof *y);
    for (size_t s = 0; s < ct->n_strata; s++)
        ct->y[s << ct->k] = 0.0;
    return DFG_OK;
}

/* R's poly(x, D) over the L distinct values x of the covariate (its levels read as numbers):
 * the centred powers (x - mean x)^0 .. ^D orthonormalised in order (Gram-Schmidt, two passes,
 * the same columns as poly's QR: column d is the part of (x - mean x)^d orthogonal to the
 * lower powers, scaled to length 1, its leading coefficient positive); column 0 dropped. */
dfg_status dfg_ctable_set_trend(dfg_ctable *ct, size_t cov, size_t degree, dfg_error *err)
{
    if (!ct || cov >= ct->n_cov)
        return dfg_err_set(err, DFG_EINVAL, "trend", "no covariate %zu", cov);
    if (degree == 0) {
        dfg_free(ct->trend_x);
        ct->trend_x = NULL;
        ct->trend_deg = 0;
        return DFG_OK;
    }
    size_t L = ct->n_levels[cov];
    const char *name = ct->cov_names[cov];
    if (degree >= L)
        return dfg_err_set(err, DFG_EINVAL, "trend",
                           "the degree of the trend in %s (%zu) must be below its number of "
                           "distinct values (%zu)",
                           name, degree, L);
    if (degree > DFG_MAX_TREND_DEGREE)
        return dfg_err_set(err, DFG_EINVAL, "trend", "degree %zu: at most %d", degree,
                           DFG_MAX_TREND_DEGREE);
    double *x = dfg_malloc(L * (degree + 2) * sizeof *x);
    double *tx = dfg_malloc(L * degree * sizeof *tx);
    if (!x || !tx) {
        dfg_free(x);
        dfg_free(tx);
        return dfg_err_set(err, DFG_ENOMEM, "trend", "%zu levels", L);
    }
    double mean = 0.0;
    dfg_status rc = DFG_OK;
    for (size_t l = 0; l < L; l++) {
        const char *v = ct->levels[cov][l];
        char *end = NULL;
        x[l] = strtod(v, &end);
        if (end == v || *end != '\0' || !isfinite(x[l])) {
            rc = dfg_err_set(err, DFG_EDATA, "trend",
                             "covariate %s has the value \"%s\", not a number: a trend needs "
                             "numeric values",
                             name, v);
            goto done;
        }
        mean += x[l];
    }
    mean /= (double)L;
    /* q[d] (columns after x) = the orthonormalised (x - mean)^d, d = 0 .. degree */
    double *q = x + L;
    for (size_t d = 0; d <= degree; d++) {
        double *v = q + d * L, n0 = 0.0, nv = 0.0;
        for (size_t l = 0; l < L; l++) {
            v[l] = pow(x[l] - mean, (double)d);
            n0 += v[l] * v[l];
        }
        dfg_la_gs_project(q, d, L, v, NULL);
        for (size_t l = 0; l < L; l++)
            nv += v[l] * v[l];
        if (!(nv > 1e-20 * n0)) {
            rc = dfg_err_set(err, DFG_EDATA, "trend",
                             "the powers of %s up to %zu are numerically dependent", name, d);
            goto done;
        }
        nv = sqrt(nv);
        for (size_t l = 0; l < L; l++)
            v[l] /= nv;
    }
    for (size_t l = 0; l < L; l++)
        for (size_t d = 1; d <= degree; d++)
            tx[l * degree + d - 1] = q[d * L + l];
    dfg_free(ct->trend_x);
    ct->trend_x = tx;
    tx = NULL;
    ct->trend_cov = cov;
    ct->trend_deg = degree;
done:
    dfg_free(x);
    dfg_free(tx);
    return rc;
}

size_t dfg_ctable_trend_degree(const dfg_ctable *ct, size_t *cov)
{
    if (cov)
        *cov = ct && ct->trend_deg ? ct->trend_cov : (size_t)-1;
    return ct ? ct->trend_deg : 0;
}

double dfg_ctable_trend_value(const dfg_ctable *ct, size_t l, size_t d)
{
    if (!ct || !ct->trend_deg || d < 1 || d > ct->trend_deg || l >= ct->n_levels[ct->trend_cov])
        return NAN;
    return ct->trend_x[l * ct->trend_deg + d - 1];
}

dfg_status dfg_ctable_copy(const dfg_ctable *src, dfg_ctable **out, dfg_error *err)
{
    if (!src || !out)
        return dfg_err_set(err, DFG_EINVAL, "covariates", "NULL argument");
    *out = NULL;
    dfg_ctable *ct = dfg_calloc(1, sizeof *ct);
    if (!ct)
        return dfg_err_set(err, DFG_ENOMEM, "covariates", "copy");
    ct->k = src->k;
    ct->n_cov = src->n_cov;
    ct->n_strata = src->n_strata;
    ct->n_cells = src->n_cells;
    ct->n_obs = src->n_obs;
    if (!(ct->list_names = dfg_calloc(src->k, sizeof *ct->list_names)) ||
        (src->n_cov && (!(ct->cov_names = dfg_calloc(src->n_cov, sizeof *ct->cov_names)) ||
                        !(ct->n_levels = dfg_calloc(src->n_cov, sizeof *ct->n_levels)) ||
                        !(ct->levels = dfg_calloc(src->n_cov, sizeof *ct->levels)) ||
                        !(ct->cstride = dfg_calloc(src->n_cov, sizeof *ct->cstride)))) ||
        !(ct->y = dfg_malloc(src->n_cells * sizeof *ct->y)) ||
        !(ct->n_stratum = dfg_malloc(src->n_strata * sizeof *ct->n_stratum)))
        goto nomem;
    for (size_t j = 0; j < src->k; j++)
        if (!(ct->list_names[j] = dfg_strdup(src->list_names[j])))
            goto nomem;
    for (size_t c = 0; c < src->n_cov; c++) {
        if (!(ct->cov_names[c] = dfg_strdup(src->cov_names[c])) ||
            !(ct->levels[c] = dfg_calloc(src->n_levels[c], sizeof **ct->levels)))
            goto nomem;
        ct->n_levels[c] = src->n_levels[c];
        ct->cstride[c] = src->cstride[c];
        for (size_t l = 0; l < src->n_levels[c]; l++)
            if (!(ct->levels[c][l] = dfg_strdup(src->levels[c][l])))
                goto nomem;
    }
    memcpy(ct->y, src->y, src->n_cells * sizeof *ct->y);
    memcpy(ct->n_stratum, src->n_stratum, src->n_strata * sizeof *ct->n_stratum);
    if (src->trend_deg) {
        size_t nx = src->n_levels[src->trend_cov] * src->trend_deg;
        if (!(ct->trend_x = dfg_malloc(nx * sizeof *ct->trend_x)))
            goto nomem;
        memcpy(ct->trend_x, src->trend_x, nx * sizeof *ct->trend_x);
        ct->trend_cov = src->trend_cov;
        ct->trend_deg = src->trend_deg;
    }
    *out = ct;
    return DFG_OK;
nomem:
    dfg_ctable_free(ct);
    return dfg_err_set(err, DFG_ENOMEM, "covariates", "copy");
}

dfg_status dfg_ctable_slice(const dfg_ctable *src, size_t cov, size_t level, dfg_ctable **out,
                            dfg_error *err)
{
    if (!src || !out || cov >= src->n_cov || level >= src->n_levels[cov])
        return dfg_err_set(err, DFG_EINVAL, "covariates", "bad slice");
    *out = NULL;
    dfg_ctable *ct = dfg_calloc(1, sizeof *ct);
    if (!ct)
        return dfg_err_set(err, DFG_ENOMEM, "covariates", "slice");
    size_t k = src->k, nc = src->n_cov - 1;
    ct->k = k;
    ct->n_cov = nc;
    ct->n_strata = src->n_strata / src->n_levels[cov];
    ct->n_cells = ct->n_strata << k;
    if (!(ct->list_names = dfg_calloc(k, sizeof *ct->list_names)) ||
        (nc && (!(ct->cov_names = dfg_calloc(nc, sizeof *ct->cov_names)) ||
                !(ct->n_levels = dfg_calloc(nc, sizeof *ct->n_levels)) ||
                !(ct->levels = dfg_calloc(nc, sizeof *ct->levels)) ||
                !(ct->cstride = dfg_calloc(nc, sizeof *ct->cstride)))) ||
        !(ct->y = dfg_calloc(ct->n_cells, sizeof *ct->y)) ||
        !(ct->n_stratum = dfg_calloc(ct->n_strata, sizeof *ct->n_stratum)))
        goto nomem;
    for (size_t j = 0; j < k; j++)
        if (!(ct->list_names[j] = dfg_strdup(src->list_names[j])))
            goto nomem;
    size_t stride = (size_t)1 << k;
    for (size_t c = 0, d = 0; c < src->n_cov; c++) {
        if (c == cov)
            continue;
        if (!(ct->cov_names[d] = dfg_strdup(src->cov_names[c])) ||
            !(ct->levels[d] = dfg_calloc(src->n_levels[c], sizeof **ct->levels)))
            goto nomem;
        ct->n_levels[d] = src->n_levels[c];
        for (size_t l = 0; l < src->n_levels[c]; l++)
            if (!(ct->levels[d][l] = dfg_strdup(src->levels[c][l])))
                goto nomem;
        ct->cstride[d] = stride;
        stride *= src->n_levels[c];
        d++;
    }
    for (size_t s = 0; s < src->n_strata; s++) {
        if (dfg_ctable_level_of(src, s, cov) != level)
            continue;
        size_t base = 0;
        for (size_t c = 0, d = 0; c < src->n_cov; c++) {
            if (c == cov)
                continue;
            base += dfg_ctable_level_of(src, s, c) * ct->cstride[d];
            d++;
        }
        memcpy(ct->y + base, src->y + (s << k), ((size_t)1 << k) * sizeof *ct->y);
        ct->n_stratum[base >> k] = src->n_stratum[s];
        ct->n_obs += src->n_stratum[s];
    }
    if (src->trend_deg && src->trend_cov != cov) {
        size_t nx = src->n_levels[src->trend_cov] * src->trend_deg;
        if (!(ct->trend_x = dfg_malloc(nx * sizeof *ct->trend_x)))
            goto nomem;
        memcpy(ct->trend_x, src->trend_x, nx * sizeof *ct->trend_x);
        ct->trend_cov = src->trend_cov - (src->trend_cov > cov);
        ct->trend_deg = src->trend_deg;
    }
    *out = ct;
    return DFG_OK;
nomem:
    dfg_ctable_free(ct);
    return dfg_err_set(err, DFG_ENOMEM, "covariates", "slice");
}

/* ** {======================================================================
 * Models over lists and covariates
 * ======================================================================= */

static unsigned popcount64(uint64_t x)
{
    return (unsigned)__builtin_popcountll(x);
}

void dfg_cmodel_free(dfg_cmodel *m)
{
    if (!m)
        return;
    dfg_free(m->terms);
    m->terms = NULL;
    m->n_terms = 0;
}

dfg_status dfg_cmodel_from_terms(const dfg_ctable *ct, const uint64_t *terms, size_t n,
                                 dfg_cmodel *m, dfg_error *err)
{
    if (!m || !ct || (n && !terms))
        return dfg_err_set(err, DFG_EINVAL, "model", "NULL argument");
    m->n_terms = 0;
    m->terms = NULL;
    size_t k = ct->k, nv = ct->k + ct->n_cov;
    uint64_t all = nv == 64 ? ~(uint64_t)0 : (((uint64_t)1 << nv) - 1);
    uint64_t lists = ((uint64_t)1 << k) - 1;
    for (size_t i = 0; i < n; i++) {
        if (terms[i] == 0 || (terms[i] & ~all))
            return dfg_err_set(err, DFG_EINVAL, "model", "term %#llx is not a term of the table",
                               (unsigned long long)terms[i]);
        if ((terms[i] & lists) == lists)
            return dfg_err_set(err, DFG_EINVAL, "model",
                               "a term with all %zu lists is not identifiable (confounded with "
                               "the unobserved cells)",
                               k);
        if (popcount64(terms[i]) > 20)
            return dfg_err_set(err, DFG_EINVAL, "model", "a term of order %u is too large",
                               popcount64(terms[i]));
    }
    size_t u;
    uint64_t *a = dfg_term_closure(NULL, terms, n, nv, &u);
    if (!a)
        return dfg_err_set(err, DFG_ENOMEM, "model", "closure of %zu terms", n);
    m->n_terms = u;
    m->terms = a;
    return DFG_OK;
}

dfg_status dfg_cmodel_main(const dfg_ctable *ct, dfg_cmodel *m, dfg_error *err)
{
    return dfg_cmodel_from_terms(ct, NULL, 0, m, err);
}

dfg_status dfg_cmodel_copy(const dfg_cmodel *src, dfg_cmodel *dst, dfg_error *err)
{
    if (!src || !dst)
        return dfg_err_set(err, DFG_EINVAL, "model", "NULL model");
    dst->n_terms = 0;
    dst->terms = NULL;
    if (!src->n_terms)
        return DFG_OK;
    if (!(dst->terms = dfg_malloc(src->n_terms * sizeof *dst->terms)))
        return dfg_err_set(err, DFG_ENOMEM, "model", "copy");
    memcpy(dst->terms, src->terms, src->n_terms * sizeof *dst->terms);
    dst->n_terms = src->n_terms;
    return DFG_OK;
}

int dfg_cmodel_has(const dfg_cmodel *m, uint64_t term)
{
    for (size_t i = 0; i < m->n_terms; i++)
        if (m->terms[i] == term)
            return 1;
    return 0;
}

/* variable index of name[0..len), or -1 */
static long find_var(const dfg_ctable *ct, const char *s, size_t len)
{
    for (size_t j = 0; j < ct->k; j++)
        if (strlen(ct->list_names[j]) == len && strncmp(ct->list_names[j], s, len) == 0)
            return (long)j;
    for (size_t c = 0; c < ct->n_cov; c++)
        if (strlen(ct->cov_names[c]) == len && strncmp(ct->cov_names[c], s, len) == 0)
            return (long)(ct->k + c);
    return -1;
}

static dfg_status perr(dfg_error *err, size_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static dfg_status perr(dfg_error *err, size_t col, const char *fmt, ...)
{
    char where[32], msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(where, sizeof where, "model:%zu", col);
    return dfg_err_set(err, DFG_EPARSE, where, "%s", msg);
}

dfg_status dfg_cmodel_parse(const char *spec, const dfg_ctable *ct, dfg_cmodel *m, dfg_error *err)
{
    if (!m || !ct)
        return dfg_err_set(err, DFG_EINVAL, "model", "NULL argument");
    m->n_terms = 0;
    m->terms = NULL;
    if (!spec)
        spec = "";
    size_t len = strlen(spec), i = 0;
    while (i < len && (spec[i] == ' ' || spec[i] == '\t'))
        i++;
    while (len > i && (spec[len - 1] == ' ' || spec[len - 1] == '\t'))
        len--;
    if (len - i == 12 && strncmp(spec + i, "independence", 12) == 0)
        return dfg_cmodel_main(ct, m, err);
    if (i < len && spec[i] == '[') {
        if (spec[len - 1] != ']')
            return perr(err, len, "missing ']' at the end of %s", spec);
        i++;
        len--;
    }
    uint64_t *terms = NULL;
    size_t nt = 0, cap = 0;
    uint64_t covs_all = 0;
    for (size_t c = 0; c < ct->n_cov; c++)
        covs_all |= (uint64_t)1 << (ct->k + c);
    dfg_status rc = DFG_OK;
    while (i < len) {
        /* one item: names joined by ':' up to ',' */
        size_t end = i;
        while (end < len && spec[end] != ',')
            end++;
        uint64_t term = 0;
        int each_list = 0;
        size_t a = i;
        if (end == i) {
            rc = perr(err, i + 1, "empty term");
            goto fail;
        }
        while (a < end) {
            size_t b = a;
            while (b < end && spec[b] != ':')
                b++;
            while (a < b && spec[a] == ' ')
                a++;
            size_t e = b;
            while (e > a && spec[e - 1] == ' ')
                e--;
            if (e == a) {
                rc = perr(err, a + 1, "empty name in a term");
                goto fail;
            }
            if (e - a == 1 && spec[a] == '*') {
                each_list = 1; /* every list in turn */
            } else if (e - a == 1 && spec[a] == '@') {
                if (!covs_all) {
                    rc = perr(err, a + 1, "'@' (all covariates) but the table has none");
                    goto fail;
                }
                term |= covs_all;
            } else {
                long v = find_var(ct, spec + a, e - a);
                if (v < 0) {
                    rc = perr(err, a + 1, "'%.*s' is neither a list nor a covariate of the table",
                              (int)(e - a), spec + a);
                    goto fail;
                }
                term |= (uint64_t)1 << v;
            }
            a = b + 1;
        }
        if (each_list) {
            for (size_t j = 0; j < ct->k; j++)
                if (!dfg_term_push(&terms, &nt, &cap, term | ((uint64_t)1 << j)))
                    goto nomem;
        } else if (!dfg_term_push(&terms, &nt, &cap, term)) {
            goto nomem;
        }
        i = end + 1;
    }
    {
        dfg_error e2 = {0};
        rc = dfg_cmodel_from_terms(ct, terms, nt, m, &e2);
        if (rc != DFG_OK)
            dfg_err_set(err, rc == DFG_EINVAL ? DFG_EPARSE : rc, "model", "%s", e2.msg);
        rc = rc == DFG_EINVAL ? DFG_EPARSE : rc;
    }
    dfg_free(terms);
    return rc;
nomem:
    rc = dfg_err_set(err, DFG_ENOMEM, "model", "parse");
fail:
    dfg_free(terms);
    return rc;
}

static int cmp_term_format(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    unsigned oa = popcount64(a), ob = popcount64(b);
    if (oa != ob)
        return oa > ob ? -1 : 1;
    while (a && b) {
        uint64_t la = a & (~a + 1), lb = b & (~b + 1);
        if (la != lb)
            return la < lb ? -1 : 1;
        a ^= la;
        b ^= lb;
    }
    return 0;
}

size_t dfg_cmodel_term_name(const dfg_ctable *ct, uint64_t term, char *buf, size_t size)
{
    size_t n = 0;
    int first = 1;
    for (size_t v = 0; v < ct->k + ct->n_cov; v++) {
        if (!(term >> v & 1))
            continue;
        const char *name = v < ct->k ? ct->list_names[v] : ct->cov_names[v - ct->k];
        int w = snprintf(buf && n < size ? buf + n : NULL, buf && n < size ? size - n : 0, "%s%s",
                         first ? "" : ":", name);
        n += (size_t)(w > 0 ? w : 0);
        first = 0;
    }
    if (buf && size && n >= size)
        buf[size - 1] = '\0';
    return n;
}

size_t dfg_cmodel_format(const dfg_cmodel *m, const dfg_ctable *ct, char *buf, size_t size)
{
    if (buf && size)
        buf[0] = '\0';
    if (!m || !ct)
        return 0;
    /* maximal terms: not a proper subset of another term */
    uint64_t *mx = dfg_malloc((m->n_terms + 1) * sizeof *mx);
    if (!mx)
        return 0;
    size_t nm = 0;
    for (size_t i = 0; i < m->n_terms; i++) {
        int maximal = 1;
        for (size_t j = 0; j < m->n_terms && maximal; j++)
            if (j != i && (m->terms[i] & m->terms[j]) == m->terms[i])
                maximal = 0;
        if (maximal)
            mx[nm++] = m->terms[i];
    }
    qsort(mx, nm, sizeof *mx, cmp_term_format);
    size_t n = 0;
#define PUT(str)                                                                                   \
    do {                                                                                           \
        size_t l_ = strlen(str);                                                                   \
        if (buf && n + l_ < size)                                                                  \
            memcpy(buf + n, str, l_ + 1);                                                          \
        n += l_;                                                                                   \
    } while (0)
    PUT("[");
    for (size_t i = 0; i < nm; i++) {
        char tb[512];
        dfg_cmodel_term_name(ct, mx[i], tb, sizeof tb);
        if (i)
            PUT(",");
        PUT(tb);
    }
    PUT("]");
#undef PUT
    if (buf && size && n >= size)
        buf[size - 1] = '\0';
    dfg_free(mx);
    return n;
}

/* the nonzero digits of covariate c in a parameter: its non-reference levels, or the D
 * columns of the polynomial of a trend */
static size_t n_digits(const dfg_ctable *ct, size_t c)
{
    return ct->trend_deg && c == ct->trend_cov ? ct->trend_deg : ct->n_levels[c] - 1;
}

size_t dfg_cmodel_term_params(const dfg_ctable *ct, uint64_t term)
{
    size_t np = 1;
    for (size_t c = 0; c < ct->n_cov; c++)
        if (term >> (ct->k + c) & 1)
            np *= n_digits(ct, c);
    return np;
}

size_t dfg_cmodel_n_params(const dfg_cmodel *m, const dfg_ctable *ct)
{
    size_t p = 1;
    for (size_t i = 0; i < m->n_terms; i++)
        p += dfg_cmodel_term_params(ct, m->terms[i]);
    return p;
}

dfg_status dfg_cmodel_params(const dfg_cmodel *m, const dfg_ctable *ct, size_t *spec,
                             size_t *term_of, dfg_error *err)
{
    size_t p = 0;
    spec[p] = 0;
    if (term_of)
        term_of[p] = (size_t)-1;
    p++;
    size_t dig[64];
    for (size_t i = 0; i < m->n_terms; i++) {
        uint64_t t = m->terms[i];
        size_t base = (size_t)(t & (((uint64_t)1 << ct->k) - 1));
        size_t nc = 0, cs[64];
        for (size_t c = 0; c < ct->n_cov; c++)
            if (t >> (ct->k + c) & 1) {
                cs[nc] = c;
                dig[nc++] = 1;
            }
        for (;;) {
            size_t s = base;
            for (size_t q = 0; q < nc; q++)
                s += dig[q] * ct->cstride[cs[q]];
            spec[p] = s;
            if (term_of)
                term_of[p] = i;
            p++;
            /* next combination of non-reference levels (first covariate fastest) */
            size_t q = 0;
            while (q < nc && ++dig[q] == n_digits(ct, cs[q]) + 1)
                dig[q++] = 1;
            if (q == nc)
                break;
        }
    }
    (void)err;
    return DFG_OK;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Mixed-radix zeta transforms and the fit
 * ======================================================================= */

/* the sum pass of covariate c: slot 0 ("any") <- the sum over its levels */
static void zeta_up_cov(const dfg_ctable *ct, double *s, size_t c)
{
    size_t n = ct->n_cells, st = ct->cstride[c], r = ct->n_levels[c], blk = st * r;
    for (size_t b = 0; b < n; b += blk)
        for (size_t l = 1; l < r; l++) {
            double *lo = s + b, *hi = s + b + l * st;
            for (size_t i = 0; i < st; i++)
                lo[i] += hi[i];
        }
}

/* The pass of the trend covariate: its L exact-level slots v_l become slot 0 = sum_l v_l
 * and slot d = sum_l x_d(l) v_l (d = 1 .. D, x_d the polynomial's column d); slots beyond D
 * are cleared (no parameter reads them). up = 0: the transpose, slot l <- s_0 + sum_d x_d(l)
 * s_d (the linear predictor at level l). */
static void trend_pass(const dfg_ctable *ct, double *s, int up)
{
    size_t n = ct->n_cells, c = ct->trend_cov, D = ct->trend_deg;
    size_t st = ct->cstride[c], L = ct->n_levels[c], blk = st * L;
    const double *x = ct->trend_x;
    double t[DFG_MAX_TREND_DEGREE + 1];
    for (size_t b = 0; b < n; b += blk)
        for (size_t i = 0; i < st; i++) {
            double *f = s + b + i;
            if (up) {
                for (size_t d = 0; d <= D; d++)
                    t[d] = 0.0;
                for (size_t l = 0; l < L; l++) {
                    double v = f[l * st];
                    t[0] += v;
                    for (size_t d = 1; d <= D; d++)
                        t[d] += x[l * D + d - 1] * v;
                }
                for (size_t l = 0; l < L; l++)
                    f[l * st] = l <= D ? t[l] : 0.0;
            } else {
                for (size_t d = 0; d <= D; d++)
                    t[d] = f[d * st];
                for (size_t l = 0; l < L; l++) {
                    double v = t[0];
                    for (size_t d = 1; d <= D; d++)
                        v += x[l * D + d - 1] * t[d];
                    f[l * st] = v;
                }
            }
        }
}

/* every pass but the trend covariate's: that one keeps its exact levels */
static void zeta_up_exact(const dfg_ctable *ct, double *s)
{
    size_t n = ct->n_cells;
    for (size_t j = 0; j < ct->k; j++) {
        size_t st = (size_t)1 << j;
        for (size_t b = 0; b < n; b += 2 * st)
            for (size_t i = b; i < b + st; i++)
                s[i] += s[i + st];
    }
    for (size_t c = 0; c < ct->n_cov; c++)
        if (!(ct->trend_deg && c == ct->trend_cov))
            zeta_up_cov(ct, s, c);
}

/* s[any] <- sum over the digits of each variable in turn: s[spec] = sum of the cells
 * matching spec (for a trend's digit d: the cells' sum weighted by x_d(year)), = X's. */
void dfg_ctable_zeta_up(const dfg_ctable *ct, double *s)
{
    zeta_up_exact(ct, s);
    if (ct->trend_deg)
        trend_pass(ct, s, 1);
}

/* digit l >= 1 <- op digit 0 over every variable: with op + (mul = 0) the transpose of
 * dfg_ctable_zeta_up, s[cell] = sum of the entries at the specifications the cell matches;
 * with op * (mul = 1) their product (never with a trend: its columns are not 0/1). Inlined
 * with mul constant in each caller. */
static inline void zeta_down_op(const dfg_ctable *ct, double *s, int mul)
{
    size_t n = ct->n_cells;
    for (size_t c = 0; c < ct->n_cov; c++) {
        if (ct->trend_deg && c == ct->trend_cov) {
            trend_pass(ct, s, 0);
            continue;
        }
        size_t st = ct->cstride[c], r = ct->n_levels[c], blk = st * r;
        for (size_t b = 0; b < n; b += blk)
            for (size_t l = 1; l < r; l++) {
                double *lo = s + b, *hi = s + b + l * st;
                for (size_t i = 0; i < st; i++)
                    hi[i] = mul ? hi[i] * lo[i] : hi[i] + lo[i];
            }
    }
    for (size_t j = 0; j < ct->k; j++) {
        size_t st = (size_t)1 << j;
        for (size_t b = 0; b < n; b += 2 * st)
            for (size_t i = b; i < b + st; i++)
                s[i + st] = mul ? s[i + st] * s[i] : s[i + st] + s[i];
    }
}

/* the transpose: s[cell] = sum of the entries at the specifications the cell matches */
static void zeta_down(const dfg_ctable *ct, double *s)
{
    zeta_down_op(ct, s, 0);
}

struct dfg_cfit_work {
    size_t n, p_cap;
    double *eta, *mu, *wsum, *vsum, *logy;
    unsigned char *used;
    double *a, *rhs, *beta0;
    size_t *merge;  /* p x p: joined specification, SIZE_MAX = no cell */
    size_t *digits; /* p x n_cov: the covariate digits of each parameter */
    size_t merge_p;
    size_t *merge_spec; /* p_cap: a copy of the parameters the merge table belongs to */
    double last_step;   /* max |delta| of the last Newton step (Inf: none) */
};

void dfg_cfit_work_free(dfg_cfit_work *w)
{
    if (!w)
        return;
    dfg_free(w->eta);
    dfg_free(w->mu);
    dfg_free(w->wsum);
    dfg_free(w->vsum);
    dfg_free(w->logy);
    dfg_free(w->used);
    dfg_free(w->a);
    dfg_free(w->rhs);
    dfg_free(w->beta0);
    dfg_free(w->merge);
    dfg_free(w->digits);
    dfg_free(w->merge_spec);
    dfg_free(w);
}

dfg_cfit_work *dfg_cfit_work_alloc(const dfg_ctable *ct, size_t p_cap)
{
    if (!ct || p_cap == 0 || p_cap > 20000)
        return NULL;
    dfg_cfit_work *w = dfg_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    size_t n = ct->n_cells;
    w->n = n;
    w->p_cap = p_cap;
    w->eta = dfg_malloc(n * sizeof *w->eta);
    w->mu = dfg_malloc(n * sizeof *w->mu);
    w->wsum = dfg_malloc(n * sizeof *w->wsum);
    w->vsum = dfg_malloc(n * sizeof *w->vsum);
    w->logy = dfg_malloc(n * sizeof *w->logy);
    w->used = dfg_malloc(n);
    w->a = dfg_malloc(p_cap * p_cap * sizeof *w->a);
    w->rhs = dfg_malloc(p_cap * sizeof *w->rhs);
    w->beta0 = dfg_malloc(p_cap * sizeof *w->beta0);
    w->merge = dfg_malloc(p_cap * p_cap * sizeof *w->merge);
    w->digits = dfg_malloc((p_cap * ct->n_cov + 1) * sizeof *w->digits);
    w->merge_spec = dfg_malloc(p_cap * sizeof *w->merge_spec);
    if (!w->digits || !w->merge_spec || !w->eta || !w->mu || !w->wsum || !w->vsum || !w->logy ||
        !w->used || !w->a || !w->rhs || !w->beta0 || !w->merge) {
        dfg_cfit_work_free(w);
        return NULL;
    }
    return w;
}

const double *dfg_cfit_work_mu(const dfg_cfit_work *w)
{
    return w->mu;
}

double dfg_cfit_work_last_step(const dfg_cfit_work *w)
{
    return w->last_step;
}

int dfg_cfit_work_interior(const dfg_cfit_work *w, const dfg_ctable *ct, const unsigned char *use,
                           dfg_status rc)
{
    /* converged with a negligible last Newton step, or no fitted cell near 0 (towards a
     * boundary the empty cells' fitted values fall like e^-iteration) */
    if (rc != DFG_OK)
        return 0;
    if (w->last_step < 1e-3)
        return 1;
    double mu_min = INFINITY;
    size_t lm = ((size_t)1 << ct->k) - 1;
    for (size_t c = 0; c < ct->n_cells; c++)
        if ((c & lm) && (!use || use[c]))
            mu_min = fmin(mu_min, w->mu[c]);
    return mu_min > 1e-5;
}

static void build_merge(const dfg_ctable *ct, dfg_cfit_work *w, const size_t *spec, size_t p)
{
    /* the covariate digits of every parameter once (p x n_cov divisions), then the joins
     * without division */
    size_t nc = ct->n_cov, lm = ((size_t)1 << ct->k) - 1;
    size_t *dig = w->digits;
    for (size_t i = 0; i < p; i++)
        for (size_t c = 0; c < nc; c++)
            dig[i * nc + c] = (spec[i] / ct->cstride[c]) % ct->n_levels[c];
    for (size_t i = 0; i < p; i++) {
        const size_t *di = dig + i * nc;
        for (size_t j = 0; j <= i; j++) {
            const size_t *dj = dig + j * nc;
            size_t m = (spec[i] | spec[j]) & lm;
            for (size_t c = 0; c < nc; c++) {
                size_t a = di[c], b = dj[c];
                if (ct->trend_deg && c == ct->trend_cov)
                    continue; /* the product of two columns: summed in trend_entry */
                if (a && b && a != b) {
                    m = (size_t)-1;
                    break;
                }
                m += (a ? a : b) * ct->cstride[c];
            }
            w->merge[i * p + j] = m;
        }
    }
    w->merge_p = p;
}

/* a = X'WX from the transformed weights; rhs = X'v (when v) */
/* dfg_ctable_zeta_up of s and t in the same passes */
static void zeta_up2(const dfg_ctable *ct, double *s, double *t)
{
    size_t n = ct->n_cells;
    for (size_t j = 0; j < ct->k; j++) {
        size_t st = (size_t)1 << j;
        for (size_t b = 0; b < n; b += 2 * st)
            for (size_t i = b; i < b + st; i++) {
                s[i] += s[i + st];
                t[i] += t[i + st];
            }
    }
    for (size_t c = 0; c < ct->n_cov; c++) {
        if (ct->trend_deg && c == ct->trend_cov)
            continue;
        size_t st = ct->cstride[c], r = ct->n_levels[c], blk = st * r;
        for (size_t b = 0; b < n; b += blk)
            for (size_t l = 1; l < r; l++) {
                double *lo = s + b, *hi = s + b + l * st;
                double *lt = t + b, *ht = t + b + l * st;
                for (size_t i = 0; i < st; i++) {
                    lo[i] += hi[i];
                    lt[i] += ht[i];
                }
            }
    }
}

/* With a trend: (X'WX)[i, j] = sum_l f_i(l) f_j(l) W[m + l st] over the trend's levels
 * l, W transformed over every other variable (exact in the trend's), m the join of the
 * other digits, f = 1 for digit 0 and x_d(l) for digit d. */
static double trend_entry(const dfg_ctable *ct, const double *wsum, size_t m, size_t di, size_t dj)
{
    size_t st = ct->cstride[ct->trend_cov], L = ct->n_levels[ct->trend_cov], D = ct->trend_deg;
    const double *x = ct->trend_x;
    double t = 0.0;
    for (size_t l = 0; l < L; l++) {
        double f = (di ? x[l * D + di - 1] : 1.0) * (dj ? x[l * D + dj - 1] : 1.0);
        t += f * wsum[m + l * st];
    }
    return t;
}

static void cross(const dfg_ctable *ct, dfg_cfit_work *w, size_t p, const size_t *spec, int rhs)
{
    if (rhs) {
        zeta_up2(ct, w->wsum, w->vsum);
        if (ct->trend_deg)
            trend_pass(ct, w->vsum, 1);
    } else {
        zeta_up_exact(ct, w->wsum);
    }
    size_t nc = ct->n_cov, tc = ct->trend_cov;
    for (size_t i = 0; i < p; i++) {
        if (rhs)
            w->rhs[i] = w->vsum[spec[i]];
        for (size_t j = 0; j <= i; j++) {
            size_t m = w->merge[i * p + j];
            double t = m == (size_t)-1 ? 0.0
                       : ct->trend_deg ? trend_entry(ct, w->wsum, m, w->digits[i * nc + tc],
                                                     w->digits[j * nc + tc])
                                       : w->wsum[m];
            w->a[i + j * p] = t;
            w->a[j + i * p] = t;
        }
    }
}

static void eval_eta(const dfg_ctable *ct, const size_t *spec, size_t p, const double *beta,
                     double *eta)
{
    memset(eta, 0, ct->n_cells * sizeof *eta);
    for (size_t j = 0; j < p; j++)
        eta[spec[j]] += beta[j];
    zeta_down(ct, eta);
}

/* The deviance over the used cells from mu (and eta where y > 0), and *noise, a bound on
 * its rounding error (see eval_dev). */
static double dev_sum(size_t n, const double *y, const unsigned char *used, const double *logy,
                      const double *eta, const double *mu, double *noise)
{
    double dev = 0.0, mag = 0.0;
    for (size_t c = 0; c < n; c++) {
        if (!used[c])
            continue;
        double yc = y[c];
        if (yc > 0.0) {
            dev += yc * (logy[c] - eta[c]) - (yc - mu[c]);
            mag += yc * (fabs(logy[c]) + fabs(eta[c]) + 1.0) + mu[c];
        } else {
            dev += mu[c];
            mag += mu[c];
        }
    }
    *noise = 2.0 * DBL_EPSILON * mag;
    return 2.0 * dev;
}

/* mu = exp(eta) everywhere; deviance over the used cells. *noise: a bound on the rounding
 * error of the deviance, 2 eps sum (y (|log y| + |eta|) + y + mu): each cell's term is a
 * difference of quantities of that size, so that a deviance near 0 (a nearly saturated
 * fit of counts in the millions) is known only to about 1e-8 */
static double eval_dev(size_t n, const double *y, const unsigned char *used, const double *logy,
                       const double *eta, double *mu, double *noise)
{
    for (size_t c = 0; c < n; c++)
        mu[c] = exp(eta[c]);
    return dev_sum(n, y, used, logy, eta, mu, noise);
}

/* the product transform: s[cell] = product of the entries at the specifications it
 * matches */
static void zeta_down_mul(const dfg_ctable *ct, double *s)
{
    zeta_down_op(ct, s, 1);
}

/* mu and the deviance at beta. mu_c = prod exp(beta_j) over the parameters c matches: p
 * calls of exp instead of one per cell (the rounding grows with the number of factors as
 * that of a sum of as many terms); eta = log mu is then needed only where y > 0. With
 * parameters beyond +-300 (a fit drifting to the boundary) the products could overflow:
 * eta is summed and exponentiated cell by cell instead. *noise as in eval_dev. */
static double evaluate(const dfg_ctable *ct, const size_t *spec, size_t p, const double *beta,
                       const double *y, const unsigned char *used, const double *logy, double *eta,
                       double *mu, double *noise)
{
    size_t n = ct->n_cells;
    double big = 0.0;
    for (size_t j = 0; j < p; j++)
        big = fmax(big, fabs(beta[j]));
    if (!(big <= 300.0) || ct->trend_deg) { /* a trend's columns are not 0/1: no product */
        eval_eta(ct, spec, p, beta, eta);
        return eval_dev(n, y, used, logy, eta, mu, noise);
    }
    for (size_t c = 0; c < n; c++)
        mu[c] = 1.0;
    for (size_t j = 0; j < p; j++)
        mu[spec[j]] *= exp(beta[j]);
    zeta_down_mul(ct, mu);
    for (size_t c = 0; c < n; c++)
        if (used[c] && y[c] > 0.0)
            eta[c] = log(mu[c]);
    return dev_sum(n, y, used, logy, eta, mu, noise);
}

void dfg_cfit_work_set_beta(dfg_cfit_work *w, const dfg_ctable *ct, const size_t *spec, size_t p,
                            const double *beta)
{
    /* mu = exp(X beta) on every cell; the deviance evaluate returns is not needed (no
     * cell counts as used) */
    double noise = 0.0;
    memset(w->used, 0, ct->n_cells);
    evaluate(ct, spec, p, beta, w->mu, w->used, w->logy, w->eta, w->mu, &noise);
}

dfg_status dfg_cfit_engine(dfg_cfit_work *w, const dfg_ctable *ct, const size_t *spec, size_t p,
                           const double *y, const unsigned char *use, int warm,
                           const dfg_glm_opts *o, double *beta, double *cov, dfg_glm_info *info,
                           dfg_error *err)
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
    if (!w || !ct || !spec || !y || !beta || p == 0)
        return dfg_err_set(err, DFG_EINVAL, "covariates", "NULL argument");
    if (p > w->p_cap || w->n != ct->n_cells)
        return dfg_err_set(err, DFG_EINVAL, "covariates", "%zu parameters exceed the workspace %zu",
                           p, w->p_cap);
    if (!(o->tol > 0.0) || o->max_iter < 1 || o->max_halve < 0)
        return dfg_err_set(err, DFG_EINVAL, "covariates", "bad GLM options");
    size_t n = ct->n_cells, lmask = ((size_t)1 << ct->k) - 1;
    size_t n_used = 0;
    for (size_t c = 0; c < n; c++) {
        w->used[c] = use ? use[c] != 0 : (c & lmask) != 0;
        if (!w->used[c])
            continue;
        if (!(y[c] >= 0.0) || !isfinite(y[c]))
            return dfg_err_set(err, DFG_EINVAL, "covariates", "count %zu not finite and >= 0", c);
        w->logy[c] = y[c] > 0.0 ? log(y[c]) : 0.0;
        n_used++;
    }
    if (n_used == 0)
        return dfg_err_set(err, DFG_EINVAL, "covariates", "no cells in use");
    /* the merge table depends on the parameters only: rebuilt when they change */
    if (w->merge_p != p || memcmp(w->merge_spec, spec, p * sizeof *spec) != 0) {
        build_merge(ct, w, spec, p);
        memcpy(w->merge_spec, spec, p * sizeof *spec);
    }
    w->last_step = INFINITY;

    dfg_status rc = DFG_OK;
    double dev_old, dev, noise_old = 0.0, noise = 0.0;
    int have_beta = warm != 0;
    if (have_beta) {
        dev_old = evaluate(ct, spec, p, beta, y, w->used, w->logy, w->eta, w->mu, &noise_old);
        if (!isfinite(dev_old)) {
            have_beta = 0;
        }
    }
    if (!have_beta) {
        dev_old = noise_old = 0.0;
        for (size_t c = 0; c < n; c++) {
            double yc = w->used[c] ? y[c] : 0.0;
            w->mu[c] = yc + 0.1;
            w->eta[c] = log(w->mu[c]);
        }
        memset(beta, 0, p * sizeof *beta);
    }
    int iter = 0, converged = 0;
    dev = dev_old;
    while (iter < o->max_iter) {
        iter++;
        for (size_t c = 0; c < n; c++) {
            if (!w->used[c]) {
                w->wsum[c] = w->vsum[c] = 0.0;
                continue;
            }
            double m = w->mu[c];
            w->wsum[c] = m;
            w->vsum[c] = have_beta ? y[c] - m : m * w->eta[c] + (y[c] - m);
        }
        cross(ct, w, p, spec, 1);
        if ((rc = dfg_la_chol(p, w->a, err)) != DFG_OK)
            break;
        if ((rc = dfg_la_chol_solve(p, w->a, w->rhs, 1, err)) != DFG_OK)
            break;
        memcpy(w->beta0, beta, p * sizeof *beta);
        w->last_step = INFINITY;
        if (have_beta) {
            double mx = 0.0;
            for (size_t j = 0; j < p; j++)
                mx = fmax(mx, fabs(w->rhs[j]));
            w->last_step = mx;
        }
        for (size_t j = 0; j < p; j++)
            beta[j] = have_beta ? beta[j] + w->rhs[j] : w->rhs[j];
        dev = evaluate(ct, spec, p, beta, y, w->used, w->logy, w->eta, w->mu, &noise);
        int h = 0;
        while (dfg_glm_step_rejected(dev, dev_old, noise + noise_old, have_beta, o->tol)) {
            if (h == o->max_halve)
                break;
            h++;
            for (size_t j = 0; j < p; j++)
                beta[j] = 0.5 * (beta[j] + w->beta0[j]);
            dev = evaluate(ct, spec, p, beta, y, w->used, w->logy, w->eta, w->mu, &noise);
        }
        if (dfg_glm_step_rejected(dev, dev_old, noise + noise_old, have_beta, o->tol)) {
            memcpy(beta, w->beta0, p * sizeof *beta);
            dev = evaluate(ct, spec, p, beta, y, w->used, w->logy, w->eta, w->mu, &noise);
            rc = dfg_err_set(err, DFG_ENOCONV, "covariates", "step-halving failed at iteration %d",
                             iter);
            break;
        }
        int was_first = !have_beta;
        have_beta = 1;
        if (!was_first && !dfg_glm_dev_changed(dev, dev_old, noise + noise_old, o->tol)) {
            converged = 1;
            break;
        }
        dev_old = dev;
        noise_old = noise;
    }
    if (rc == DFG_OK && !converged)
        rc = dfg_err_set(err, DFG_ENOCONV, "covariates", "no convergence in %d iterations",
                         o->max_iter);
    size_t rank = p;
    if (cov && rc != DFG_ESING) {
        for (size_t c = 0; c < n; c++)
            w->wsum[c] = w->used[c] ? w->mu[c] : 0.0;
        cross(ct, w, p, spec, 0);
        dfg_status r2 = dfg_la_chol(p, w->a, rc == DFG_OK ? err : NULL);
        if (r2 == DFG_OK)
            r2 = dfg_la_chol_inverse(p, w->a, rc == DFG_OK ? err : NULL);
        if (r2 == DFG_OK) {
            memcpy(cov, w->a, p * p * sizeof *cov);
        } else {
            for (size_t i = 0; i < p * p; i++)
                cov[i] = NAN;
            if (rc == DFG_OK)
                rc = r2;
        }
    } else if (cov) {
        for (size_t i = 0; i < p * p; i++)
            cov[i] = NAN;
    }
    if (rc == DFG_ESING)
        rank = 0; /* unknown: the factor failed */
    if (info) {
        info->iter = iter;
        info->rank = rank;
        info->deviance = dev;
        double ll = 0.0;
        for (size_t c = 0; c < n; c++)
            if (w->used[c])
                ll += (y[c] > 0.0 ? y[c] * w->eta[c] - lgamma(y[c] + 1.0) : 0.0) - w->mu[c];
        info->loglik = ll;
    }
    return rc;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * The fit of a model
 * ======================================================================= */

void dfg_cfit_free(dfg_cfit *f)
{
    if (!f)
        return;
    dfg_free(f->spec);
    dfg_free(f->term_of);
    dfg_free(f->beta);
    dfg_free(f->cov);
    dfg_free(f->fitted);
    memset(f, 0, sizeof *f);
}

void dfg_cfit_criteria(dfg_cfit *f)
{
    double p = (double)f->p, n = f->n_obs;
    f->aic = -2.0 * f->loglik + 2.0 * p;
    f->bic = -2.0 * f->loglik + p * log(n);
    f->aicc = n - p - 1.0 > 0.0 ? f->aic + 2.0 * p * (p + 1.0) / (n - p - 1.0) : (double)NAN;
}

dfg_status dfg_cfit_model(const dfg_ctable *ct, const dfg_cmodel *m, const dfg_glm_opts *opts,
                          dfg_cfit *fit, dfg_error *err)
{
    if (!fit)
        return dfg_err_set(err, DFG_EINVAL, "covariates", "NULL fit");
    memset(fit, 0, sizeof *fit);
    if (!ct || !m)
        return dfg_err_set(err, DFG_EINVAL, "covariates", "NULL table or model");
    size_t p = dfg_cmodel_n_params(m, ct), n = ct->n_cells;
    dfg_cfit_work *w = NULL;
    dfg_status rc = DFG_OK;
    fit->p = p;
    fit->n_cells = n;
    if (!(fit->spec = dfg_malloc(p * sizeof *fit->spec)) ||
        !(fit->term_of = dfg_malloc(p * sizeof *fit->term_of)) ||
        !(fit->beta = dfg_calloc(p, sizeof *fit->beta)) ||
        !(fit->cov = dfg_malloc(p * p * sizeof *fit->cov)) ||
        !(fit->fitted = dfg_malloc(n * sizeof *fit->fitted)) || !(w = dfg_cfit_work_alloc(ct, p))) {
        rc = dfg_err_set(err, DFG_ENOMEM, "covariates", "fit with %zu parameters", p);
        goto done;
    }
    dfg_cmodel_params(m, ct, fit->spec, fit->term_of, err);
    dfg_glm_info info;
    rc =
        dfg_cfit_engine(w, ct, fit->spec, p, ct->y, NULL, 0, opts, fit->beta, fit->cov, &info, err);
    if (rc != DFG_OK && rc != DFG_ENOCONV && rc != DFG_ESING)
        goto done;
    memcpy(fit->fitted, w->mu, n * sizeof *fit->fitted);
    fit->status = rc;
    fit->interior = dfg_cfit_work_interior(w, ct, NULL, rc);
    fit->iter = info.iter;
    fit->rank = info.rank;
    fit->deviance = info.deviance;
    fit->loglik = info.loglik;
    fit->n_obs = ct->n_obs;
    fit->df = (double)(n - ct->n_strata) - (double)p;
    dfg_cfit_criteria(fit);
    dfg_cfit_totals(ct, fit);
done:
    dfg_cfit_work_free(w);
    if (rc != DFG_OK && rc != DFG_ENOCONV && rc != DFG_ESING)
        dfg_cfit_free(fit); /* nothing is kept on failure */
    return rc;
}

dfg_status dfg_cfit_weighted(const dfg_ctable *ct, const dfg_cfit *fit, const double *w,
                             double *grad, double *n_obs, double *m0, double *pois, dfg_error *err)
{
    size_t n = ct->n_cells, p = fit->p;
    double *g = dfg_calloc(n, sizeof *g);
    if (!g)
        return dfg_err_set(err, DFG_ENOMEM, "covariates", "group total");
    double nn = 0.0, mm = 0.0, pv = 0.0;
    for (size_t s = 0; s < ct->n_strata; s++)
        if (!w || w[s] != 0.0) {
            double ws = w ? w[s] : 1.0, m = fit->fitted[s << ct->k];
            nn += ws * ct->n_stratum[s];
            mm += ws * m;
            pv += ws * ws * m;
            g[s << ct->k] = ws * m;
        }
    /* g_j = dT/d beta_j = sum over the unobserved cells matching spec_j of w_s m0_s x_sj
     * (x_sj = 1, or a trend's column value) */
    dfg_ctable_zeta_up(ct, g);
    for (size_t j = 0; j < p; j++)
        grad[j] = g[fit->spec[j]];
    dfg_free(g);
    *n_obs = nn;
    *m0 = mm;
    *pois = pv;
    return DFG_OK;
}

double dfg_cfit_quad(const dfg_cfit *fit, const double *a, const double *b)
{
    size_t p = fit->p;
    double q = 0.0;
    for (size_t i = 0; i < p; i++) {
        double row = 0.0;
        if (a[i] == 0.0)
            continue;
        for (size_t j = 0; j < p; j++)
            row += fit->cov[i + j * p] * b[j];
        q += a[i] * row;
    }
    return q;
}

dfg_status dfg_cfit_group(const dfg_ctable *ct, const dfg_cfit *fit, const unsigned char *in_group,
                          double *n_obs, double *m0, double *var, dfg_error *err)
{
    size_t ns = ct->n_strata;
    double *w = dfg_malloc((ns + fit->p) * sizeof *w), pois;
    if (!w)
        return dfg_err_set(err, DFG_ENOMEM, "covariates", "group total");
    double *g = w + ns;
    for (size_t s = 0; s < ns; s++)
        w[s] = !in_group || in_group[s] ? 1.0 : 0.0;
    dfg_status rc = dfg_cfit_weighted(ct, fit, w, g, n_obs, m0, &pois, err);
    /* var(N) = m0 + g'Vg: the indicator weights make sum w^2 m0 = m0 */
    if (rc == DFG_OK)
        *var = pois + dfg_cfit_quad(fit, g, g);
    dfg_free(w);
    return rc;
}

void dfg_cfit_totals(const dfg_ctable *ct, dfg_cfit *fit)
{
    double m0 = 0.0;
    for (size_t s = 0; s < ct->n_strata; s++)
        m0 += fit->fitted[s << ct->k];
    fit->m0 = m0;
    fit->nhat = fit->n_obs + m0;
    fit->se_nhat = NAN;
    double nn, mm, var;
    if (fit->cov && isfinite(fit->cov[0]) &&
        dfg_cfit_group(ct, fit, NULL, &nn, &mm, &var, NULL) == DFG_OK && var >= 0.0)
        fit->se_nhat = sqrt(var);
}

/* ** }====================================================================== */
