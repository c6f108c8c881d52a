/* core/mcmc.c: convergence diagnostics and summaries of Markov chain Monte Carlo draws.
 *
 * Rank-normalised split R-hat, bulk and tail effective sample size (Vehtari, Gelman,
 * Simpson, Carpenter & Buerkner 2021, Bayesian Analysis 16:667, Sec. 3-4 and Appendix A):
 *
 *  - split: each of the C chains of n draws is cut into halves of h = floor(n / 2) draws
 *    (the middle draw dropped when n is odd): M = 2 C chains.
 *  - rank-normalise: r = average rank of a draw among all S = M h draws,
 *    z = Phi^-1((r - 3/8) / (S + 1/4)).
 *  - R-hat of M chains of h draws: W = mean of the within-chain variances (divisor h - 1),
 *    B / h = variance of the chain means (divisor M - 1),
 *    R = sqrt(((h - 1) / h W + B / h) / W).
 *    Reported R-hat = max(R of z, R of the z of the folded draws |x - median(x)|).
 *  - ESS of M chains: acov_m(t) = (1 / h) sum_{i < h - t} (x_i - xbar_m)(x_{i+t} - xbar_m)
 *    (Geyer's biased estimator); var+ = (h - 1) / h W + B / h;
 *    rho_t = 1 - (W - mean_m acov_m(t)) / var+;  Geyer's initial positive sequence of the
 *    pair sums rho_{2t} + rho_{2t+1}, made monotone; tau = -1 + 2 sum_{t < T} rho_t + rho_T
 *    (the last even term kept when positive), tau >= 1 / log10(M h); ESS = M h / tau.
 *    Bulk ESS: of the rank-normalised split chains; tail ESS: the smaller ESS of the
 *    indicators I(x <= q_0.05) and I(x <= q_0.95) of the split chains (q: R's quantile
 *    type 7 of all split draws).
 * The same conventions as Stan 2.26 and the R package posterior 1.x.
 *
 * Copyright (C) 2026 the darkfig authors. SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

/* Draw i of split chain m (0 .. 2C - 1) of x (C chains of n draws, chain-major). */
static double split_at(const double *x, size_t n, size_t m, size_t i)
{
    size_t h = n / 2, c = m / 2;
    return m % 2 == 0 ? x[c * n + i] : x[c * n + (n - h) + i];
}

/* R-hat of M chains of h draws y[m * h + i]. */
static double rhat_basic(const double *y, size_t M, size_t h)
{
    double w = 0.0, mbar = 0.0, b = 0.0;
    double mean_sum = 0.0;
    for (size_t m = 0; m < M; m++) {
        double s = 0.0;
        for (size_t i = 0; i < h; i++)
            s += y[m * h + i];
        mean_sum += s / (double)h;
    }
    mbar = mean_sum / (double)M;
    for (size_t m = 0; m < M; m++) {
        double s = 0.0, v = 0.0;
        for (size_t i = 0; i < h; i++)
            s += y[m * h + i];
        double xb = s / (double)h;
        for (size_t i = 0; i < h; i++)
            v += (y[m * h + i] - xb) * (y[m * h + i] - xb);
        w += v / (double)(h - 1);
        b += (xb - mbar) * (xb - mbar);
    }
    w /= (double)M;
    b /= (double)(M - 1); /* B / h */
    if (!(w > 0.0))
        return NAN;
    return sqrt(((double)(h - 1) / (double)h * w + b) / w);
}

/* Effective sample size of M chains of h draws y[m * h + i] (Geyer's initial monotone
 * sequence on the multi-chain autocorrelations). means and scratch: M doubles each. */
static double ess_basic(const double *y, size_t M, size_t h, double *means)
{
    double w = 0.0, mbar = 0.0, b = 0.0;
    for (size_t m = 0; m < M; m++) {
        double s = 0.0;
        for (size_t i = 0; i < h; i++)
            s += y[m * h + i];
        means[m] = s / (double)h;
        mbar += means[m];
    }
    mbar /= (double)M;
    for (size_t m = 0; m < M; m++) {
        double v = 0.0;
        for (size_t i = 0; i < h; i++)
            v += (y[m * h + i] - means[m]) * (y[m * h + i] - means[m]);
        w += v / (double)(h - 1);
        b += (means[m] - mbar) * (means[m] - mbar);
    }
    w /= (double)M;
    b /= (double)(M - 1);
    double var_plus = (double)(h - 1) / (double)h * w + b;
    if (!(w > 0.0) || !(var_plus > 0.0))
        return NAN;
        /* rho_t = 1 - (W - mean_m acov_m(t)) / var+ */
#define RHO(t, out)                                                                                \
    do {                                                                                           \
        double a_ = 0.0;                                                                           \
        for (size_t m_ = 0; m_ < M; m_++) {                                                        \
            const double *ym_ = y + m_ * h;                                                        \
            double s_ = 0.0;                                                                       \
            for (size_t i_ = 0; i_ + (t) < h; i_++)                                                \
                s_ += (ym_[i_] - means[m_]) * (ym_[i_ + (t)] - means[m_]);                         \
            a_ += s_ / (double)h;                                                                  \
        }                                                                                          \
        (out) = 1.0 - (w - a_ / (double)M) / var_plus;                                             \
    } while (0)
    double *rho = dfg_calloc(h + 2, sizeof *rho);
    if (!rho)
        return NAN;
    size_t t = 0;
    double even = 1.0, odd;
    rho[0] = 1.0;
    RHO(1, odd);
    rho[1] = odd;
    /* initial positive sequence */
    while (t + 5 < h && isfinite(even + odd) && even + odd > 0.0) {
        t += 2;
        RHO(t, even);
        RHO(t + 1, odd);
        if (even + odd >= 0.0) {
            rho[t] = even;
            rho[t + 1] = odd;
        }
    }
#undef RHO
    size_t max_t = t;
    if (even > 0.0)
        rho[max_t] = even;
    /* initial monotone sequence */
    for (t = 2; t + 2 <= max_t; t += 2)
        if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) {
            rho[t] = (rho[t - 2] + rho[t - 1]) / 2.0;
            rho[t + 1] = rho[t];
        }
    double S = (double)(M * h);
    double sum = 0.0;
    for (t = 0; t < max_t; t++)
        sum += rho[t];
    double tau = -1.0 + 2.0 * sum + rho[max_t];
    dfg_free(rho);
    if (tau < 1.0 / log10(S))
        tau = 1.0 / log10(S);
    return S / tau;
}

typedef struct {
    double v;
    size_t i;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v < y->v)
        return -1;
    if (x->v > y->v)
        return 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* z[i] = Phi^-1((r_i - 3/8) / (S + 1/4)), r_i the average rank of y[i] among y[0..S-1]. */
static void rank_normalise(const double *y, size_t S, ranked *tmp, double *z)
{
    for (size_t i = 0; i < S; i++) {
        tmp[i].v = y[i];
        tmp[i].i = i;
    }
    qsort(tmp, S, sizeof *tmp, cmp_ranked);
    for (size_t a = 0; a < S;) {
        size_t b = a;
        while (b + 1 < S && tmp[b + 1].v == tmp[a].v)
            b++;
        double r = ((double)a + (double)b) / 2.0 + 1.0; /* average of ranks a+1 .. b+1 */
        double zr = gsl_cdf_ugaussian_Pinv((r - 0.375) / ((double)S + 0.25));
        for (size_t i = a; i <= b; i++)
            z[tmp[i].i] = zr;
        a = b + 1;
    }
}

dfg_status dfg_mcmc_diagnose(const double *x, size_t chains, size_t n, dfg_mcmc_diag *d,
                             dfg_error *err)
{
    if (!d)
        return dfg_err_set(err, DFG_EINVAL, "mcmc", "no result");
    d->rhat = d->rhat_bulk = d->rhat_tail = d->ess_bulk = d->ess_tail = NAN;
    if (!x || chains < 1 || n < 4)
        return dfg_err_set(err, DFG_EINVAL, "mcmc",
                           "diagnostics need at least 1 chain of 4 draws (got %zu of %zu)", chains,
                           n);
    for (size_t i = 0; i < chains * n; i++)
        if (!isfinite(x[i]))
            return dfg_err_set(err, DFG_EINVAL, "mcmc", "draw %zu is not finite", i);
    size_t h = n / 2, M = 2 * chains, S = M * h;
    dfg_status rc = DFG_OK;
    double *y = dfg_malloc(S * sizeof *y), *z = dfg_malloc(S * sizeof *z);
    double *all = dfg_malloc(chains * n * sizeof *all), *means = dfg_malloc(M * sizeof *means);
    ranked *tmp = dfg_malloc(S * sizeof *tmp);
    if (!y || !z || !all || !means || !tmp) {
        rc = dfg_err_set(err, DFG_ENOMEM, "mcmc", "diagnostics of %zu draws", chains * n);
        goto done;
    }
    for (size_t m = 0; m < M; m++)
        for (size_t i = 0; i < h; i++)
            y[m * h + i] = split_at(x, n, m, i);

    /* bulk: rank-normalised split chains */
    rank_normalise(y, S, tmp, z);
    d->rhat_bulk = rhat_basic(z, M, h);
    d->ess_bulk = ess_basic(z, M, h, means);

    /* tail: folded draws |x - median(x)| over all draws, then split and rank-normalised */
    memcpy(all, x, chains * n * sizeof *all);
    qsort(all, chains * n, sizeof *all, dfg_cmp_double);
    double med = dfg_quantile7(all, chains * n, 0.5);
    for (size_t m = 0; m < M; m++)
        for (size_t i = 0; i < h; i++)
            z[m * h + i] = fabs(split_at(x, n, m, i) - med);
    rank_normalise(z, S, tmp, z);
    d->rhat_tail = rhat_basic(z, M, h);
    d->rhat =
        isnan(d->rhat_bulk) || isnan(d->rhat_tail) ? (double)NAN : fmax(d->rhat_bulk, d->rhat_tail);

    /* tail ESS: indicators of the 5% and 95% quantiles of the split draws */
    memcpy(all, y, S * sizeof *all);
    qsort(all, S, sizeof *all, dfg_cmp_double);
    double e[2];
    const double p[2] = {0.05, 0.95};
    for (int a = 0; a < 2; a++) {
        double q = dfg_quantile7(all, S, p[a]);
        for (size_t i = 0; i < S; i++)
            z[i] = y[i] <= q ? 1.0 : 0.0;
        e[a] = ess_basic(z, M, h, means);
    }
    d->ess_tail = isnan(e[0]) || isnan(e[1]) ? (double)NAN : fmin(e[0], e[1]);
done:
    dfg_free(y);
    dfg_free(z);
    dfg_free(all);
    dfg_free(means);
    dfg_free(tmp);
    return rc;
}

/* Shortest interval holding round(level S) + 1 of the sorted draws (coda's HPDinterval). */
static void hdi(const double *sorted, size_t S, double level, double *lo, double *hi)
{
    size_t gap = (size_t)llround((double)S * level);
    if (gap < 1)
        gap = 1;
    if (gap > S - 1)
        gap = S - 1;
    size_t best = 0;
    double width = INFINITY;
    for (size_t i = 0; i + gap < S; i++)
        if (sorted[i + gap] - sorted[i] < width) {
            width = sorted[i + gap] - sorted[i];
            best = i;
        }
    *lo = sorted[best];
    *hi = sorted[best + gap];
}

dfg_status dfg_mcmc_summarise(const double *x, size_t S, double level, dfg_post_summary *out,
                              dfg_error *err)
{
    if (!out)
        return dfg_err_set(err, DFG_EINVAL, "mcmc", "no result");
    out->median = out->mean = out->sd = out->lower = out->upper = NAN;
    out->hdi_lower = out->hdi_upper = NAN;
    if (!x || S < 2)
        return dfg_err_set(err, DFG_EINVAL, "mcmc", "a summary needs at least 2 draws (got %zu)",
                           S);
    if (!(level > 0.0 && level < 1.0))
        return dfg_err_set(err, DFG_EINVAL, "mcmc", "level must be in (0, 1) (got %g)", level);
    double *s = dfg_malloc(S * sizeof *s);
    if (!s)
        return dfg_err_set(err, DFG_ENOMEM, "mcmc", "summary of %zu draws", S);
    memcpy(s, x, S * sizeof *s);
    double sum = 0.0;
    for (size_t i = 0; i < S; i++)
        sum += x[i];
    double mean = sum / (double)S, ss = 0.0;
    for (size_t i = 0; i < S; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    qsort(s, S, sizeof *s, dfg_cmp_double);
    out->mean = mean;
    out->sd = sqrt(ss / (double)(S - 1));
    out->median = dfg_quantile7(s, S, 0.5);
    out->lower = dfg_quantile7(s, S, (1.0 - level) / 2.0);
    out->upper = dfg_quantile7(s, S, 1.0 - (1.0 - level) / 2.0);
    hdi(s, S, level, &out->hdi_lower, &out->hdi_upper);
    dfg_free(s);
    return DFG_OK;
}
