/* tests/test_rng_fast.c: the fast streams and variates of core/rng_fast.h against their
 * definitions and GSL's distribution functions.
 *
 * Every distribution test uses a fixed stream, so it is deterministic; its threshold is a
 * p-value of 1e-6 (chi-square, gsl_cdf_chisq_Q, or Kolmogorov-Smirnov, D sqrt(n) > 2.7,
 * whose asymptotic p-value is 2 exp(-2 x 2.7^2) = 9e-7): a correct generator fails one of
 * these about once in a million seeds, and a wrong one fails as soon as its error is a
 * few standard errors of the test. With n draws and B equiprobable bins, a relative
 * error e of the probability of one bin adds about n e^2 / B to the chi-square, so
 * n = 400,000 and B = 40 detect an error of about 7% in one bin, or of 1-2% spread over
 * many (as a wrong constant of BTRD's hat or squeeze would give); KS with n = 100,000
 * detects a shift of the CDF of about 0.009.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define P_MIN 1e-6 /* smallest p-value accepted */
#define KS_MAX 2.7 /* largest D sqrt(n) accepted */

/* The first words of streams (1, 0), (1, 1) and (2^32 - 1, 2^32 - 2), from an independent
 * Python transcription of SplitMix64 (Steele, Lea & Flood 2014) and xoshiro256++
 * (Blackman & Vigna 2018) as published, keyed by seed * 2^32 + index. */
static void streams_follow_their_definition(void)
{
    static const uint64_t want[3][3] = {
        {0x665810f2ba1d6351u, 0x4be2ebc60ad0dae2u, 0x6e94302c72b799d9u},
        {0xa8ea920710623b93u, 0xa0ebbad3be24032bu, 0x7d01fbe6e5b64e9du},
        {0x98f86b6a65fdb0ebu, 0xfb31458795987fe7u, 0x8cb2c395e78e343fu}};
    static const uint32_t seed[3] = {1u, 1u, 0xFFFFFFFFu};
    static const uint64_t index[3] = {0u, 1u, 0xFFFFFFFEu};
    for (int s = 0; s < 3; s++) {
        dfg_xrng r;
        CHECK_CODE(dfg_xrng_seed(&r, seed[s], index[s], NULL), DFG_OK);
        for (int d = 0; d < 3; d++)
            CHECK_MSG(dfg_xrng_next(&r) == want[s][d], "stream %d word %d", s, d);
    }
    dfg_xrng r;
    dfg_error err;
    dfg_error_clear(&err);
    CHECK_CODE(dfg_xrng_seed(&r, 1, 0xFFFFFFFFu, &err), DFG_EINVAL);
    CHECK(strstr(err.msg, "index") != NULL);
    CHECK_CODE(dfg_xrng_seed(NULL, 1, 0, NULL), DFG_EINVAL);
}

/* A stream (seed, 0) into r and a buffer of n draws (NULL on failure, which fails a check). */
static double *draws_buffer(dfg_xrng *r, uint32_t seed, size_t n)
{
    dfg_xrng_seed(r, seed, 0, NULL);
    double *x = malloc(n * sizeof *x);
    CHECK(x != NULL);
    return x;
}

/* the p-value of a chi-square statistic over bins with expected counts e (sum n) */
static double chisq_p(const double *obs, const double *e, size_t B)
{
    double x2 = 0.0;
    size_t used = 0;
    for (size_t b = 0; b < B; b++)
        if (e[b] > 0.0) {
            x2 += (obs[b] - e[b]) * (obs[b] - e[b]) / e[b];
            used++;
        } else if (obs[b] > 0.0) {
            return 0.0; /* a draw where the distribution has no mass */
        }
    return used > 1 ? gsl_cdf_chisq_Q(x2, (double)(used - 1)) : 1.0;
}

/* Uniform doubles: (0, 1) never hits its ends; 20 equal bins by chi-square. below(n): the
 * n values equally often (n = 3, 10, 2^31 + 1 folded into 16 bins by value). */
static void uniforms_are_uniform(void)
{
    dfg_xrng r;
    dfg_xrng_seed(&r, 11, 0, NULL);
    enum { N = 400000, B = 20 };
    double obs[B] = {0}, e[B];
    int inside = 1;
    for (int i = 0; i < N; i++) {
        double u = dfg_xrng_uniform_pos(&r), v = dfg_xrng_uniform(&r);
        inside &= u > 0.0 && u < 1.0 && v >= 0.0 && v < 1.0;
        obs[(int)(u * B)] += 1.0;
    }
    CHECK(inside);
    for (int b = 0; b < B; b++)
        e[b] = (double)N / B;
    CHECK_MSG(chisq_p(obs, e, B) > P_MIN, "uniform_pos");
    static const uint32_t ns[] = {1u, 3u, 10u, 0x80000001u};
    for (size_t t = 0; t < sizeof ns / sizeof ns[0]; t++) {
        double o[16] = {0}, ex[16] = {0};
        size_t nb = ns[t] < 16 ? ns[t] : 16;
        int ok = 1;
        for (int i = 0; i < N; i++) {
            uint32_t x = dfg_xrng_below(&r, ns[t]);
            ok &= x < ns[t];
            o[ns[t] < 16 ? x : (size_t)((double)x / ns[t] * 16.0)] += 1.0;
        }
        CHECK_MSG(ok, "below(%u) in range", ns[t]);
        for (size_t b = 0; b < nb; b++)
            ex[b] = (double)N / (double)nb;
        CHECK_MSG(chisq_p(o, ex, nb) > P_MIN, "below(%u)", ns[t]);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov D sqrt(n) of the sorted x[0 .. n-1] against cdf(x, par). */
static double ks_stat(double *x, size_t n, double (*cdf)(double, double), double par)
{
    qsort(x, n, sizeof *x, cmp_double);
    double d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double f = cdf(x[i], par);
        double lo = f - (double)i / (double)n, hi = (double)(i + 1) / (double)n - f;
        d = fmax(d, fmax(lo, hi));
    }
    return d * sqrt((double)n);
}

static double normal_cdf(double x, double unused)
{
    (void)unused;
    return gsl_cdf_ugaussian_P(x);
}

static double gamma_cdf(double x, double shape)
{
    return gsl_cdf_gamma_P(x, shape, 1.0);
}

/* The ziggurat normal: KS over 200,000 draws; the tail beyond the base strip's R = 3.654
 * (drawn by the separate tail algorithm) as often as 2 (1 - Phi(R)) = 2.58e-4 says, within
 * 5 binomial s.d. over 4,000,000 draws; and the layers' equal areas (the tables). */
static void normals_are_normal(void)
{
    dfg_xrng r;
    size_t n = 200000;
    double *x = draws_buffer(&r, 12, n);
    if (!x)
        return;
    for (size_t i = 0; i < n; i++)
        x[i] = dfg_xrng_normal(&r);
    double ks = ks_stat(x, n, normal_cdf, 0.0);
    CHECK_MSG(ks < KS_MAX, "normal KS D sqrt(n) = %.3f", ks);
    free(x);
    double R = dfg_zig_x[1], pt = 2.0 * gsl_cdf_ugaussian_Q(R), tail = 0.0, neg = 0.0;
    long m = 4000000;
    for (long i = 0; i < m; i++) {
        double z = dfg_xrng_normal(&r);
        tail += fabs(z) > R;
        neg += z < 0.0;
    }
    double sd = sqrt((double)m * pt * (1.0 - pt));
    CHECK_MSG(fabs(tail - (double)m * pt) < 5.0 * sd, "tail %.0f, expected %.1f", tail,
              (double)m * pt);
    CHECK(fabs(neg - 0.5 * (double)m) < 5.0 * sqrt(0.25 * (double)m));
    /* each layer has area V = 0.00492867323399: x_i (f(x_{i+1}) - f(x_i)) for the layers,
       x_0 f(R) for the base strip */
    double V = 0.00492867323399, worst = fabs(dfg_zig_x[0] * dfg_zig_f[1] - V);
    for (int i = 1; i < 256; i++)
        worst = fmax(worst, fabs(dfg_zig_x[i] * (dfg_zig_f[i + 1] - dfg_zig_f[i]) - V));
    CHECK_MSG(worst < 1e-9 * V, "layer areas off by %g", worst);
}

/* Mean and variance of n draws against mean mu and variance v (the variance of a
 * normal-like law: its s.e. v sqrt(2 / n)), within 5 standard errors. */
static void check_moments(const double *x, size_t n, double mu, double v, const char *what)
{
    double s = 0.0, s2 = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    double mean = s / (double)n;
    for (size_t i = 0; i < n; i++)
        s2 += (x[i] - mean) * (x[i] - mean);
    double var = s2 / (double)(n - 1);
    CHECK_MSG(fabs(mean - mu) < 5.0 * sqrt(v / (double)n), "%s: mean %.9g, want %.9g", what, mean,
              mu);
    CHECK_MSG(fabs(var - v) < 5.0 * v * sqrt(2.0 / (double)n), "%s: variance %.6g, want %.6g", what,
              var, v);
}

/* Marsaglia-Tsang gamma on the ziggurat: KS over 100,000 draws for shapes from 0.01
 * (the G(a + 1) U^(1/a) path) through 1 (where the squeeze fails most) to 10^5; above,
 * where GSL's incomplete gamma function is no reference (gsl_cdf_gamma_P returns values
 * below 0 near x = a - 1000 at a = 10^6, GSL 2.7), the mean and variance at a = 10^7. And
 * dfg_xrng_gamma_ge1's log X agrees with log of X. */
static void gammas_are_gamma(void)
{
    static const double shapes[] = {0.01, 0.3, 0.999, 1.0, 1.5, 7.3, 1000.0, 1e5};
    dfg_xrng r;
    size_t n = 100000;
    double *x = draws_buffer(&r, 13, n);
    if (!x)
        return;
    for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; t++) {
        int pos = 1;
        for (size_t i = 0; i < n; i++) {
            x[i] = dfg_xrng_gamma(&r, shapes[t]);
            pos &= x[i] >= 0.0 && isfinite(x[i]);
        }
        CHECK_MSG(pos, "gamma(%g) finite and >= 0", shapes[t]);
        double ks = ks_stat(x, n, gamma_cdf, shapes[t]);
        CHECK_MSG(ks < KS_MAX, "gamma(%g) KS D sqrt(n) = %.3f", shapes[t], ks);
    }
    for (size_t i = 0; i < n; i++)
        x[i] = dfg_xrng_gamma(&r, 1e7);
    check_moments(x, n, 1e7, 1e7, "gamma(1e7)");
    free(x);
    double lx, g = dfg_xrng_gamma_ge1(&r, 2.5, &lx);
    CHECK_REL(lx, log(g), 1e-15);
}

/* A discrete distribution on 0 .. hi by its CDF. */
typedef struct {
    double (*cdf)(unsigned k, const double *par);
    double par[2];
    unsigned hi;
} discrete;

static double binom_cdf(unsigned k, const double *par)
{
    return gsl_cdf_binomial_P(k, par[1], (unsigned)par[0]);
}

static double pois_cdf(unsigned k, const double *par)
{
    return gsl_cdf_poisson_P(k, par[0]);
}

/* the smallest k in 0 .. hi with cdf(k) >= t */
static unsigned quantile(const discrete *d, double t)
{
    unsigned lo = 0, hi = d->hi;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (d->cdf(mid, d->par) >= t)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Chi-square p-value of the draws x[0 .. n-1] against d over (at most) B bins cut at its
 * quantiles 1/B, 2/B, ...: each bin's probability is a difference of the CDF, so the bins
 * need not be equiprobable (a discrete law with few values gets fewer, uneven bins). */
static double discrete_p(const discrete *d, const double *x, size_t n, size_t B)
{
    unsigned edge[64];
    double F[64], obs[65] = {0}, e[65];
    size_t ne = 0;
    for (size_t b = 1; b < B && ne < 64; b++) {
        unsigned k = quantile(d, (double)b / (double)B);
        if (k >= d->hi || (ne && k == edge[ne - 1]))
            continue;
        edge[ne] = k;
        F[ne] = d->cdf(k, d->par);
        ne++;
    }
    /* bins (-inf, edge_0], (edge_0, edge_1], ..., (edge_{ne-1}, hi] */
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = ne;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (x[i] <= edge[mid])
                hi = mid;
            else
                lo = mid + 1;
        }
        obs[lo] += 1.0;
    }
    double prev = 0.0;
    for (size_t b = 0; b < ne; b++) {
        e[b] = (double)n * (F[b] - prev);
        prev = F[b];
    }
    e[ne] = (double)n * (1.0 - prev);
    return chisq_p(obs, e, ne + 1);
}

/* Binomial: every branch (inversion below n min(p, 1-p) = 10, its one-uniform zero and
 * its two ways to (1 - p)^n, by squaring below n = 128 and exp/log1p from there; BTRD above, with
 * both of its evaluations of f(k) / f(m): the product when |k - m| <= 15, the squeeze and
 * Stirling's formula beyond) and the edges (n = 1, p near 0 and 1, p = 0 and 1, n near 2^32),
 * 400,000 draws each against gsl_cdf_binomial_P over 40 bins. */
static void binomials_are_binomial(void)
{
    static const struct {
        unsigned n;
        double p;
    } grid[] = {{1, 0.5},           {1, 1e-3},           {1, 0.999},         {5, 0.999},
                {19, 0.5},          {20, 0.5},           {21, 0.5},          {99, 0.1},
                {100, 0.1},         {1000, 0.3},         {1000, 0.7},        {1000, 0.999},
                {4466, 0.93},       {100000, 1e-4},      {100000, 1.2e-4},   {1000000, 0.3},
                {1000000, 0.5},     {1000000000, 0.3},   {1000000000, 1e-3}, {1000000000, 1e-8},
                {1000000000, 2e-8}, {1000000000, 1e-12}, {4000000000u, 0.5}, {2000000000, 0.99999},
                {60, 0.3},          {1000000, 1e-9},     {44, 0.1},          {127, 0.07},
                {128, 0.07},        {4466, 0.001},       {1000, 0.005}};
    dfg_xrng r;
    size_t n = 400000;
    double *x = draws_buffer(&r, 14, n);
    if (!x)
        return;
    for (size_t t = 0; t < sizeof grid / sizeof grid[0]; t++) {
        discrete d = {binom_cdf, {grid[t].n, grid[t].p}, grid[t].n};
        int in = 1;
        for (size_t i = 0; i < n; i++) {
            uint32_t k = dfg_xrng_binomial(&r, grid[t].n, grid[t].p);
            in &= k <= grid[t].n;
            x[i] = k;
        }
        CHECK_MSG(in, "binomial(%u, %g) in 0 .. n", grid[t].n, grid[t].p);
        double pv = discrete_p(&d, x, n, 40);
        CHECK_MSG(pv > P_MIN, "binomial(%u, %g): chi-square p = %.3g", grid[t].n, grid[t].p, pv);
    }
    free(x);
    /* p = 0, p = 1, n = 0 */
    int edges = 1;
    for (int i = 0; i < 1000; i++)
        edges &= dfg_xrng_binomial(&r, 50, 0.0) == 0 && dfg_xrng_binomial(&r, 50, 1.0) == 50 &&
                 dfg_xrng_binomial(&r, 0, 0.5) == 0;
    CHECK(edges);
}

/* Poisson: inversion below mu = 10, PTRS from 10, up to 10^6 against gsl_cdf_poisson_P,
 * 400,000 draws each; at 10^9, where GSL's CDF is no reference (0.00056 at mu - 3 sd,
 * where the normal approximation with its skewness term gives 0.0013), the mean and the
 * variance. */
static void poissons_are_poisson(void)
{
    static const double mus[] = {1e-3, 0.5, 3.0, 9.99, 10.0, 10.01, 57.0, 1e4, 1e6};
    dfg_xrng r;
    size_t n = 400000;
    double *x = draws_buffer(&r, 15, n);
    if (!x)
        return;
    for (size_t t = 0; t < sizeof mus / sizeof mus[0]; t++) {
        discrete d = {pois_cdf, {mus[t], 0.0}, (unsigned)(mus[t] + 20.0 * sqrt(mus[t]) + 50.0)};
        for (size_t i = 0; i < n; i++)
            x[i] = dfg_xrng_poisson(&r, mus[t]);
        double pv = discrete_p(&d, x, n, 40);
        CHECK_MSG(pv > P_MIN, "poisson(%g): chi-square p = %.3g", mus[t], pv);
    }
    for (size_t i = 0; i < n; i++)
        x[i] = dfg_xrng_poisson(&r, 1e9);
    check_moments(x, n, 1e9, 1e9, "poisson(1e9)");
    free(x);
    CHECK(dfg_xrng_poisson(&r, 0.0) == 0.0);
}

int main(void)
{
    gsl_set_error_handler_off();
    RUN(streams_follow_their_definition);
    RUN(uniforms_are_uniform);
    RUN(normals_are_normal);
    RUN(gammas_are_gamma);
    RUN(binomials_are_binomial);
    RUN(poissons_are_poisson);
    CHECK_DONE();
}
