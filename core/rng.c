/* core/rng.c: random streams, (seed, index) -> an mt19937 generator.
 *
 * Every bootstrap replicate or MCMC chain draws from its own stream, so results do not
 * depend on how work is spread over threads. mt19937 (Matsumoto & Nishimura 1998) keeps
 * 32 bits of its seed, and GSL replaces the seed 0 by 4357, so the seed handed to GSL
 * must be a nonzero 32-bit value and distinct streams must get distinct values:
 *
 *   u = (dfg_rng_fmix32(seed) + index) mod (2^32 - 1)      in 0 .. 2^32 - 2
 *   x = dfg_rng_fmix32(u + 1)                              in 1 .. 2^32 - 1
 *
 * fmix32 is the finaliser of MurmurHash3 (Appleby 2011): xor-shifts and odd multipliers,
 * each a bijection of the 32-bit integers, with dfg_rng_fmix32(0) = 0; it therefore also permutes
 * the nonzero integers, so x is never 0 and, for one seed, index -> x is one-to-one for
 * index < 2^32 - 1. Mixing the seed before adding the index keeps runs with seeds s and
 * s + 1 from sharing all but one of their replicate streams (as a plain mix(seed + index)
 * would).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

/* MurmurHash3 fmix32: h ^= h >> 16; h *= 0x85ebca6b; h ^= h >> 13; h *= 0xc2b2ae35;
 * h ^= h >> 16. */
uint32_t dfg_rng_fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

#define INDEX_LIMIT 0xFFFFFFFFu /* indices must be < 2^32 - 1 */

uint32_t dfg_rng_mix(uint32_t seed, uint64_t index)
{
    /* u = (dfg_rng_fmix32(seed) + index) mod (2^32 - 1); x = dfg_rng_fmix32(u + 1) */
    uint64_t u = ((uint64_t)dfg_rng_fmix32(seed) + index) % (uint64_t)INDEX_LIMIT;
    return dfg_rng_fmix32((uint32_t)(u + 1));
}

/* A generator (r, not NULL) and a stream index below the limit, else DFG_EINVAL. */
static dfg_status check_stream(const void *r, uint64_t index, dfg_error *err)
{
    if (!r)
        return dfg_err_set(err, DFG_EINVAL, "rng", "no generator");
    if (index >= INDEX_LIMIT)
        return dfg_err_set(err, DFG_EINVAL, "rng", "stream index %llu must be < 2^32 - 1",
                           (unsigned long long)index);
    return DFG_OK;
}

dfg_status dfg_rng_reset(gsl_rng *r, uint32_t seed, uint64_t index, dfg_error *err)
{
    dfg_status rc = check_stream(r, index, err);
    if (rc)
        return rc;
    gsl_rng_set(r, (unsigned long)dfg_rng_mix(seed, index));
    return DFG_OK;
}

gsl_rng *dfg_rng_stream(uint32_t seed, uint64_t index, dfg_error *err)
{
    if (index >= INDEX_LIMIT) {
        dfg_err_set(err, DFG_EINVAL, "rng", "stream index %llu must be < 2^32 - 1",
                    (unsigned long long)index);
        return NULL;
    }
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) {
        dfg_err_set(err, DFG_ENOMEM, "rng", "cannot allocate a generator");
        return NULL;
    }
    gsl_rng_set(r, (unsigned long)dfg_rng_mix(seed, index));
    return r;
}

/* ** {======================================================================
 * Fast streams (core/rng_fast.h): xoshiro256++ keyed by (seed, index), and its variates
 * ======================================================================= */
#include <float.h>
#include <math.h>
#include <pthread.h>

#include <gsl/gsl_sf_gamma.h>

double dfg_zig_x[257];
double dfg_zig_f[257];
static double stirling_small[10]; /* fc(k), k = 0 .. 9, for BTRD */
#define N_RECIP 64
static double recip[N_RECIP]; /* 1 / k, k = 1 .. 63, for the inversions' steps */

/* Ziggurat of Marsaglia & Tsang (2000) for f(x) = exp(-x^2 / 2) with 256 layers of area
 * V = 0.00492867323399 each, the base strip's tail starting at R = 3.6541528853610088
 * (the paper's constants for 256 layers): x[1] = R, x[i + 1] = f^-1(f(x[i]) + V / x[i]),
 * x[0] = V / f(R) (the base strip, the rectangle [0, R] x [0, f(R)] plus the tail, as a
 * rectangle of the same area), x[256] = 0. The Stirling corrections
 * fc(k) = log k! - ((k + 1/2) log(k + 1) - (k + 1) + log(2 pi) / 2) of BTRD for k < 10. */
static void fill_tables(void)
{
    const double R = 3.6541528853610088, V = 0.00492867323399;
    dfg_zig_x[0] = V / exp(-0.5 * R * R);
    dfg_zig_x[1] = R;
    for (int i = 1; i < 255; i++)
        dfg_zig_x[i + 1] =
            sqrt(-2.0 * log(V / dfg_zig_x[i] + exp(-0.5 * dfg_zig_x[i] * dfg_zig_x[i])));
    dfg_zig_x[256] = 0.0;
    for (int i = 0; i < 257; i++)
        dfg_zig_f[i] = exp(-0.5 * dfg_zig_x[i] * dfg_zig_x[i]);
    for (int k = 1; k < N_RECIP; k++)
        recip[k] = 1.0 / k;
    for (int k = 0; k < 10; k++) {
        double k1 = k + 1.0;
        stirling_small[k] =
            gsl_sf_lnfact((unsigned)k) -
            ((k1 - 0.5) * log(k1) - k1 + 0.91893853320467274178) /* log(2 pi) / 2 */;
    }
}

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* SplitMix64 (Steele, Lea & Flood 2014): x += 0x9e3779b97f4a7c15, then a bijective mix. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

dfg_status dfg_xrng_seed(dfg_xrng *r, uint32_t seed, uint64_t index, dfg_error *err)
{
    dfg_status rc = check_stream(r, index, err);
    if (rc)
        return rc;
    if (pthread_once(&tables_once, fill_tables) != 0)
        return dfg_err_set(err, DFG_EINTERNAL, "rng", "cannot fill the variate tables");
    uint64_t key = (uint64_t)seed << 32 | index;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&key);
    return DFG_OK;
}

/* The ziggurat when the fast test of dfg_xrng_normal failed for the word u: the base
 * strip's tail by Marsaglia's (1964) method (x = R + E1 / R accepted when
 * 2 E2 > (E1 / R)^2, E1, E2 standard exponentials), a wedge by the test
 * f(x[i]) + U (f(x[i+1]) - f(x[i])) < f(x); a rejected wedge starts a new draw. */
double dfg_xrng_normal_slow(dfg_xrng *r, uint64_t u)
{
    const double R = dfg_zig_x[1];
    for (;;) {
        unsigned i = (unsigned)(u & 255u);
        double x = (double)(u >> 11) * 0x1.0p-53 * dfg_zig_x[i];
        if (x < dfg_zig_x[i + 1])
            return (u & 256u) ? -x : x;
        if (i == 0) {
            double a, b;
            do {
                a = -log(dfg_xrng_uniform_pos(r)) / R;
                b = -log(dfg_xrng_uniform_pos(r));
            } while (b + b < a * a);
            return (u & 256u) ? -(R + a) : R + a;
        }
        double y = dfg_zig_f[i] + dfg_xrng_uniform(r) * (dfg_zig_f[i + 1] - dfg_zig_f[i]);
        if (y < exp(-0.5 * x * x))
            return (u & 256u) ? -x : x;
        u = dfg_xrng_next(r);
    }
}

/* Stirling's correction fc(k) = log k! - ((k + 1/2) log(k + 1) - (k + 1) + log(2 pi) / 2):
 * the table below 10, else the series 1/12 - 1/360 / (k+1)^2 + 1/1260 / (k+1)^4 over k + 1. */
static double stirling_fc(double k)
{
    if (k < 10.0)
        return stirling_small[(int)k];
    double k1 = k + 1.0, k2 = 1.0 / (k1 * k1);
    return (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 * k2) * k2) / k1;
}

/* Binomial(n, p) for p <= 1/2 with n p >= 10: BTRD (Hormann 1993), the transformed
 * rejection with decomposition: a hat of the form (2a / (1/2 - |u|) + b) u + c, a
 * rectangle inside it accepted at once (the first branch, about 80% of draws), the rest by
 * the ratio f(k) / f(m) to the mode m, evaluated as a product when |k - m| <= 15, else by a
 * squeeze on log f(k) / f(m) and, if the squeeze does not decide, Stirling's formula. */
uint32_t dfg_xrng_binomial_btrd(dfg_xrng *r, uint32_t n, double p)
{
    /* the constants of the first branch only; the others when a draw gets past it */
    double nd = (double)n, q = 1.0 - p, npq = nd * p * q, spq = sqrt(npq);
    double b = 1.15 + 2.53 * spq, a = -0.0873 + 0.0248 * b + 0.01 * p, c = nd * p + 0.5;
    /* 1 / v_r = b / (0.92 b - 4.2), v_r = 0.92 - 4.2 / b: one division after the sqrt;
       v <= 0.86 v_r is tested as u = v / v_r - 0.43 <= 0.43 */
    double inv_vr = b / (0.92 * b - 4.2), vr = 0.92 - 4.2 / b;
    double v = dfg_xrng_uniform(r), u = v * inv_vr - 0.43;
    if (u <= 0.43) { /* 1: inside the rectangle (86% of draws for large n p (1 - p)) */
        return (uint32_t)floor((2.0 * a / (0.5 - fabs(u)) + b) * u + c);
    }
    double m = floor((nd + 1.0) * p), rr = p / q;
    double alpha = (2.83 + 5.1 / b) * spq;
    for (;; v = dfg_xrng_uniform(r), u = v * inv_vr - 0.43) {
        if (u <= 0.43)
            return (uint32_t)floor((2.0 * a / (0.5 - fabs(u)) + b) * u + c);
        if (v >= vr) { /* 2: a new point under the hat */
            u = dfg_xrng_uniform(r) - 0.5;
        } else { /* the thin strips at the sides of the rectangle */
            u = v * inv_vr - 0.93;
            u = (u < 0.0 ? -0.5 : 0.5) - u;
            v = dfg_xrng_uniform(r) * vr;
        }
        double us = 0.5 - fabs(u);
        double k = floor((2.0 * a / us + b) * u + c);
        if (k < 0.0 || k > nd)
            continue;
        v = v * alpha / (a / (us * us) + b);
        double km = fabs(k - m);
        if (km <= 15.0) {
            /* 3.1: f(k) / f(m) as a product of the ratios f(i) / f(i - 1) =
               (n + 1 - i) p / (i q), numerators and denominators apart (one division) */
            double num = 1.0, den = 1.0;
            if (m < k) {
                for (double i = m + 1.0; i <= k; i += 1.0) {
                    num *= (nd + 1.0 - i) * rr;
                    den *= i;
                }
                if (v * den <= num)
                    return (uint32_t)k;
            } else {
                for (double i = k + 1.0; i <= m; i += 1.0) {
                    num *= (nd + 1.0 - i) * rr;
                    den *= i;
                }
                if (v * num <= den)
                    return (uint32_t)k;
            }
            continue;
        }
        /* 3.2: the squeeze on log(f(k) / f(m)) around -km^2 / (2 npq) */
        v = log(v);
        double rho = (km / npq) * (((km / 3.0 + 0.625) * km + 1.0 / 6.0) / npq + 0.5);
        double t = -km * km / (2.0 * npq);
        if (v < t - rho)
            return (uint32_t)k;
        if (v > t + rho)
            continue;
        /* 3.3: log(f(k) / f(m)) by Stirling's formula */
        double nm = nd - m + 1.0,
               h = (m + 0.5) * log((m + 1.0) / (rr * nm)) + stirling_fc(m) + stirling_fc(nd - m);
        double nk = nd - k + 1.0;
        if (v <= h + (nd + 1.0) * log(nm / nk) + (k + 0.5) * log(nk * rr / (k + 1.0)) -
                     stirling_fc(k) - stirling_fc(nd - k))
            return (uint32_t)k;
    }
}

/* Binomial(n, p) for p <= 1/2 with n p < 10, continuing the inversion of the uniform u
 * that dfg_xrng_binomial found at or above 1 - n p: a search from 0 with f(0) = (1 - p)^n,
 * f(k) = f(k - 1) ((n + 1) / k - 1) p / (1 - p) (about n p + 1 steps); a uniform left over
 * by rounding past the last term starts again with a new one. */
uint32_t dfg_xrng_binomial_inv(dfg_xrng *r, uint32_t n, double p, double u)
{
    double q = 1.0 - p, s = p / q, a = ((double)n + 1.0) * s;
    /* f(0) = (1 - p)^n. For n < 128 by repeated squaring of q, with the rounding of q
       undone: 1 - p = q + e exactly (e = (1 - q) - p, both subtractions exact), so
       (1 - p)^n = q^n (1 + n e / q) to within (n e / q)^2 < 1e-28; each squaring doubles
       the relative error of what it squares, so the result is within about n units in the
       last place (at most 1.4e-14). Else exp(n log1p(-p)), within about n p + 1 units
       (n p < 10 here), which keeps the digits of a small p. */
    double f0 = 1.0;
    if (n < 128) {
        double e = (1.0 - q) - p, b = q;
        for (uint32_t m = n; m; m >>= 1, b *= b) {
            const double pick[2] = {1.0, b}; /* no branch on the bits of n */
            f0 *= pick[m & 1u];
        }
        f0 *= 1.0 + (double)n * e / q;
    } else {
        f0 = exp((double)n * log1p(-p));
    }
    for (;; u = dfg_xrng_uniform(r)) {
        /* the terms turn 0 or negative past k = n (a / (n + 1) - s = 0) or underflow:
           then the uniform was left over by rounding */
        double f = f0;
        uint32_t k = 0;
        while (u >= f && f > 0.0) {
            u -= f;
            k++;
            f *= (k < N_RECIP ? a * recip[k] : a / (double)k) - s;
        }
        if (u < f && k <= n)
            return k;
    }
}

/* Poisson(mu): for mu >= 10 the transformed rejection with squeeze of Hormann (1993,
 * algorithm PTRS), about 2.3 uniforms a draw, log k! (gsl_sf_lngamma: lgamma is not
 * thread-safe) only in the rare slow test; below, inversion from 0 (about mu + 1 steps). */
double dfg_xrng_poisson(dfg_xrng *r, double mu)
{
    if (!(mu > 0.0))
        return 0.0;
    if (mu < 10.0) {
        double f0 = exp(-mu);
        for (;;) {
            double u = dfg_xrng_uniform(r), f = f0, k = 0.0;
            while (u >= f && f >= DBL_MIN) {
                u -= f;
                k += 1.0;
                f *= mu / k;
            }
            if (u < f)
                return k;
        }
    }
    double b = 0.931 + 2.53 * sqrt(mu), a = -0.059 + 0.02483 * b;
    double inv_alpha = 1.1239 + 1.1328 / (b - 3.4), v_r = 0.9277 - 3.6224 / (b - 2.0);
    double log_mu = log(mu);
    for (;;) {
        double u = dfg_xrng_uniform(r) - 0.5, v = dfg_xrng_uniform(r);
        double us = 0.5 - fabs(u);
        double k = floor((2.0 * a / us + b) * u + mu + 0.43);
        if (us >= 0.07 && v <= v_r)
            return k;
        if (k < 0.0 || (us < 0.013 && v > us))
            continue;
        if (log(v * inv_alpha / (a / (us * us) + b)) <= -mu + k * log_mu - gsl_sf_lngamma(k + 1.0))
            return k;
    }
}
/* ** }====================================================================== */
