/* models/dga_strata.c: model averaging over decomposable graphs per stratum, and the
 * posterior of the total over the strata.
 *
 * Each stratum has its own table, its own graphs and its own N, with independent priors,
 * so the strata's N are independent a posteriori and the posterior of their sum is the
 * convolution of the strata's posteriors. On the strata's common grid step it is exact on
 * the grid: p_total(j) = sum over i_1 + ... + i_S = j of prod_s p_s(i_s). It is computed by
 * direct sums while the work is small (CONV_DIRECT_MAX multiply-adds), else by the fast
 * Fourier transform (GSL's radix-2 real transforms), whose rounding (about 1e-16 of the
 * largest probability per point) is cleared where it falls below zero. Summing the strata's
 * medians or quantiles instead would be wrong: quantiles do not add.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "dga_graphs.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fft_halfcomplex.h>
#include <gsl/gsl_fft_real.h>
#include <math.h>
#include <string.h>

#define CONV_DIRECT_MAX 5e7    /* multiply-adds of the direct convolution */
#define CONV_FFT_MAX 67108864u /* 2^26 points (512 MB a transform) */

/* The first and last index of p[0..n-1] with a positive value; 0 if none. */
static int support(const double *p, size_t n, size_t *f, size_t *l)
{
    size_t a = 0;
    while (a < n && !(p[a] > 0.0))
        a++;
    if (a == n)
        return 0;
    size_t b = n - 1;
    while (!(p[b] > 0.0))
        b--;
    *f = a;
    *l = b;
    return 1;
}

/* out[0..la+lb-2] = a * b, each out[j] summed over i in increasing order. */
static void conv_direct(const double *a, size_t la, const double *b, size_t lb, double *out)
{
    for (size_t j = 0; j + 1 < la + lb; j++) {
        size_t i0 = j + 1 > lb ? j + 1 - lb : 0, i1 = j < la - 1 ? j : la - 1;
        double v = 0.0;
        for (size_t i = i0; i <= i1; i++)
            v += a[i] * b[j - i];
        out[j] = v;
    }
}

/* a <- a b for two radix-2 half-complex spectra of length n (GSL's layout: a[k] and
 * a[n - k] the real and imaginary parts of frequency k, 0 < k < n/2). */
static void spectrum_mul(double *a, const double *b, size_t n)
{
    a[0] *= b[0];
    a[n / 2] *= b[n / 2];
    for (size_t k = 1; k < n / 2; k++) {
        double ar = a[k], ai = a[n - k], br = b[k], bi = b[n - k];
        a[k] = ar * br - ai * bi;
        a[n - k] = ar * bi + ai * br;
    }
}

/* The posterior of the sum: total->post over grid_lo = sum of the strata's first
 * supported N0, step the common step. */
static dfg_status convolve(const dfg_dga_result *per, size_t ns, dfg_dga_result *total,
                           dfg_error *err)
{
    size_t *f = dfg_malloc(ns * sizeof *f), *l = dfg_malloc(ns * sizeof *l);
    double *cur = NULL, *nxt = NULL, *spec = NULL;
    dfg_status rc = DFG_OK;
    if (!f || !l) {
        rc = dfg_err_set(err, DFG_ENOMEM, "dga", "%zu strata", ns);
        goto done;
    }
    size_t len = 1;
    double lo = 0.0, work = 0.0;
    for (size_t s = 0; s < ns; s++) {
        if (!support(per[s].post, per[s].n_grid, &f[s], &l[s])) {
            rc = dfg_err_set(err, DFG_EINTERNAL, "dga", "stratum %zu: empty posterior", s);
            goto done;
        }
        size_t ls = l[s] - f[s] + 1;
        work += (double)len * (double)ls;
        len += ls - 1;
        lo += per[s].grid_lo + (double)f[s] * per[s].grid_step;
    }
    if (work <= CONV_DIRECT_MAX) {
        if (!(cur = dfg_malloc(len * sizeof *cur)) || !(nxt = dfg_malloc(len * sizeof *nxt))) {
            rc = dfg_err_set(err, DFG_ENOMEM, "dga", "sum over strata (%zu points)", len);
            goto done;
        }
        size_t lc = l[0] - f[0] + 1;
        memcpy(cur, per[0].post + f[0], lc * sizeof *cur);
        for (size_t s = 1; s < ns; s++) {
            size_t ls = l[s] - f[s] + 1;
            conv_direct(cur, lc, per[s].post + f[s], ls, nxt);
            double *tmp = cur;
            cur = nxt;
            nxt = tmp;
            lc += ls - 1;
        }
    } else {
        size_t n = 2;
        while (n < len && n < CONV_FFT_MAX)
            n *= 2;
        if (n < len) {
            rc = dfg_err_set(err, DFG_EINVAL, "dga",
                             "the posterior of the sum over strata spans %zu grid points "
                             "(more than %u): use a larger --step",
                             len, CONV_FFT_MAX);
            goto done;
        }
        if (!(cur = dfg_calloc(n, sizeof *cur)) || !(spec = dfg_malloc(n * sizeof *spec))) {
            rc = dfg_err_set(err, DFG_ENOMEM, "dga", "sum over strata (%zu points)", n);
            goto done;
        }
        memcpy(cur, per[0].post + f[0], (l[0] - f[0] + 1) * sizeof *cur);
        int gs = gsl_fft_real_radix2_transform(cur, 1, n);
        for (size_t s = 1; s < ns && gs == GSL_SUCCESS; s++) {
            size_t ls = l[s] - f[s] + 1;
            memset(spec, 0, n * sizeof *spec);
            memcpy(spec, per[s].post + f[s], ls * sizeof *spec);
            gs = gsl_fft_real_radix2_transform(spec, 1, n);
            spectrum_mul(cur, spec, n);
        }
        if (gs == GSL_SUCCESS)
            gs = gsl_fft_halfcomplex_radix2_inverse(cur, 1, n);
        if (gs != GSL_SUCCESS) {
            rc = dfg_err_set(err, DFG_EINTERNAL, "dga", "FFT of %zu points: %s", n,
                             gsl_strerror(gs));
            goto done;
        }
        for (size_t j = 0; j < len; j++)
            cur[j] = cur[j] > 0.0 ? cur[j] : 0.0;
    }
    double tot = 0.0;
    for (size_t j = 0; j < len; j++)
        tot += cur[j];
    for (size_t j = 0; j < len; j++)
        cur[j] /= tot;
    total->post = cur;
    cur = NULL;
    total->n_grid = len;
    total->grid_lo = lo;
    total->grid_step = per[0].grid_step;
    dfg_dga_summarize(total->post, len, 1.0, total->n_obs + lo, total->grid_step, total->level,
                      &total->N);
    dfg_dga_summarize(total->post, len, 1.0, lo, total->grid_step, total->level, &total->dark);
done:
    dfg_free(cur);
    dfg_free(nxt);
    dfg_free(spec);
    dfg_free(f);
    dfg_free(l);
    return rc;
}

dfg_status dfg_dga_run_strata(const dfg_table *t, const dfg_dga_opts *o, dfg_dga_result *per,
                              dfg_dga_result *total, dfg_error *err)
{
    if (!t || !o || !per)
        return dfg_err_set(err, DFG_EINVAL, "dga", "table, options and results must not be NULL");
    size_t ns = dfg_table_n_strata(t);
    memset(per, 0, ns * sizeof *per);
    if (total)
        memset(total, 0, sizeof *total);
    dfg_status rc = DFG_OK, worst = DFG_OK;
    dfg_error first = {0}; /* the first stratum whose automatic grid stopped short */
    size_t done = 0;
    for (; done < ns; done++) {
        dfg_error e1 = {0};
        rc = dfg_dga_run(t, done, o, &per[done], &e1);
        if (rc == DFG_ENOCONV && worst == DFG_OK) {
            worst = rc;
            dfg_err_set(&first, rc, "dga", "stratum %zu: %s", done, e1.msg);
        } else if (rc != DFG_OK && rc != DFG_ENOCONV) {
            dfg_err_set(err, rc, "dga", "stratum %zu: %s", done, e1.msg);
            goto fail;
        }
    }
    if (total) {
        total->k = per[0].k;
        total->delta = per[0].delta;
        total->prior = per[0].prior;
        total->level = per[0].level;
        total->n_graphs = per[0].n_graphs;
        for (size_t s = 0; s < ns; s++) {
            total->n_obs += per[s].n_obs;
            total->n_active += per[s].n_active;
            total->left_out_mass += per[s].left_out_mass;
            if (per[s].upper_half_mass > total->upper_half_mass)
                total->upper_half_mass = per[s].upper_half_mass;
            total->mean_infinite |= per[s].mean_infinite;
        }
        if ((rc = convolve(per, ns, total, err))) {
            dfg_dga_result_free(total);
            memset(total, 0, sizeof *total);
            goto fail;
        }
    }
    if (worst)
        dfg_err_set(err, worst, "dga", "%s", first.msg);
    return worst;
fail:
    for (size_t s = 0; s < done && s < ns; s++)
        dfg_dga_result_free(&per[s]);
    memset(per, 0, ns * sizeof *per);
    return rc;
}
