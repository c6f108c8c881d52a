/* core/rng_fast.h: the fast random streams of the samplers (core/rng.c), hot paths inline.
 *
 * Generator: xoshiro256++ (Blackman & Vigna 2018, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4):36, 2021): 256 bits of state, period 2^256 - 1, passes
 * BigCrush, a 64-bit word in about a dozen instructions. Stream (seed, index) starts from
 * four consecutive outputs of SplitMix64 (Steele, Lea & Flood 2014) from the 64-bit key
 * seed * 2^32 + index, which is one-to-one in (seed, index) for index < 2^32 - 1; the
 * four words are never all 0 (SplitMix64's output is a bijection of its counter, so at
 * most one of them is 0). Different keys give SplitMix64 counters that are far apart for
 * all practical purposes, and xoshiro's state space is too large for two of a handful of
 * streams to overlap.
 *
 * Variates, each exact (up to the rounding of double arithmetic) and written from its paper:
 *  uniform        53 random bits: [0, 1) as k 2^-53, (0, 1) as (k + 1/2) 2^-53;
 *  below(n)       integer in 0 .. n-1 by Lemire's (2019, ACM TOMACS 29(1):3) multiply-shift
 *                 with rejection, no bias;
 *  normal         the ziggurat of Marsaglia & Tsang (2000, J. Stat. Softw. 5(8)) with 256
 *                 layers, one 64-bit word a draw in about 99% of draws;
 *  gamma(a)       Marsaglia & Tsang (2000, ACM TOMS 26:363) on the normal above, a < 1 by
 *                 G(a) = G(a + 1) U^(1/a);
 *  binomial       Hormann's (1993, J. Stat. Comput. Simul. 46:101) BTRD for
 *                 n min(p, 1 - p) >= 10, inversion (sequential search from 0) below;
 *  poisson        Hormann's (1993, Insurance: Math. Econ. 12:39) PTRS for mu >= 10,
 *                 inversion below.
 * The ziggurat tables, BTRD's Stirling corrections and the inversion's reciprocals are
 * filled once (pthread_once) by dfg_xrng_seed, which every user calls before drawing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DFG_RNG_FAST_H
#define DFG_RNG_FAST_H

#include <math.h>
#include <stdint.h>

/* A stream: xoshiro256++ state. Plain data, no allocation. */
typedef struct {
    uint64_t s[4];
} dfg_xrng;

/* Set r to stream (seed, index); index must be < 2^32 - 1 (DFG_EINVAL). Also fills the
 * shared tables of the variates on first use. */
dfg_status dfg_xrng_seed(dfg_xrng *r, uint32_t seed, uint64_t index, dfg_error *err);

/* The two parts of dfg_xrng_binomial (p <= 1/2): BTRD for n p >= 10; the inversion for
 * n p < 10 from a uniform u >= 1 - n p. */
uint32_t dfg_xrng_binomial_btrd(dfg_xrng *r, uint32_t n, double p);
uint32_t dfg_xrng_binomial_inv(dfg_xrng *r, uint32_t n, double p, double u);
/* Poisson(mu), mu >= 0 and finite (below 2^52), as a double. */
double dfg_xrng_poisson(dfg_xrng *r, double mu);
/* Slow paths of the inline draws below (the ziggurat's base strip and wedges). */
double dfg_xrng_normal_slow(dfg_xrng *r, uint64_t u);

/* Ziggurat layers: x-coordinates dfg_zig_x[0 .. 256] (x[0] the base strip's width
 * V / f(R), x[1] = R, x[256] = 0) and f(x) = exp(-x^2 / 2) at each. */
extern double dfg_zig_x[257];
extern double dfg_zig_f[257];

static inline uint64_t dfg_xrng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* The next 64-bit word (xoshiro256++). */
static inline uint64_t dfg_xrng_next(dfg_xrng *r)
{
    uint64_t *s = r->s;
    uint64_t out = dfg_xrng_rotl(s[0] + s[3], 23) + s[0];
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = dfg_xrng_rotl(s[3], 45);
    return out;
}

/* Uniform on [0, 1): the top 53 bits times 2^-53. */
static inline double dfg_xrng_uniform(dfg_xrng *r)
{
    return (double)(dfg_xrng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform on (0, 1): (k + 1/2) 2^-53, never 0 or 1, so its log is finite. */
static inline double dfg_xrng_uniform_pos(dfg_xrng *r)
{
    return ((double)(dfg_xrng_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

/* Uniform integer in 0 .. n-1, 1 <= n < 2^32 (Lemire 2019: the high half of a 32 x 32
 * product, rejecting the low halves below 2^32 mod n, which removes the bias). */
static inline uint32_t dfg_xrng_below(dfg_xrng *r, uint32_t n)
{
    uint64_t m = (dfg_xrng_next(r) >> 32) * (uint64_t)n;
    uint32_t lo = (uint32_t)m;
    if (lo < n) {
        uint32_t floor = (uint32_t)(-n) % n; /* 2^32 mod n */
        while (lo < floor) {
            m = (dfg_xrng_next(r) >> 32) * (uint64_t)n;
            lo = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

/* Standard normal, ziggurat: bits 0-7 choose the layer, bit 8 the sign, bits 11-63 the
 * position; inside the layer's rectangle below the next layer (about 99% of draws) the
 * draw is done. */
static inline double dfg_xrng_normal(dfg_xrng *r)
{
    uint64_t u = dfg_xrng_next(r);
    unsigned i = (unsigned)(u & 255u);
    union {
        double d;
        uint64_t b;
    } x = {(double)(u >> 11) * 0x1.0p-53 * dfg_zig_x[i]};
    if (x.d < dfg_zig_x[i + 1]) {
        x.b ^= (u & 256u) << 55; /* bit 8 to the sign bit: no branch on a random bit */
        return x.d;
    }
    return dfg_xrng_normal_slow(r, u);
}

/* Gamma(a, 1), a >= 1: Marsaglia & Tsang (2000), d = a - 1/3, c = 1 / sqrt(9 d),
 * X = d (1 + c Z)^3 accepted when U < 1 - 0.0331 Z^4 (the squeeze) or
 * log U < Z^2 / 2 + d (1 - v + log v). *logx (when not NULL) receives log X. */
static inline double dfg_xrng_gamma_ge1(dfg_xrng *r, double a, double *logx)
{
    double d = a - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double z, v;
        do {
            z = dfg_xrng_normal(r);
            v = 1.0 + c * z;
        } while (v <= 0.0);
        v = v * v * v;
        double u = dfg_xrng_uniform_pos(r), z2 = z * z;
        if (u < 1.0 - 0.0331 * z2 * z2 || log(u) < 0.5 * z2 + d * (1.0 - v + log(v))) {
            if (logx)
                *logx = log(d * v);
            return d * v;
        }
    }
}

/* Gamma(a, 1), a > 0: for a < 1, G(a + 1) U^(1/a) (Marsaglia & Tsang 2000, Sec. 6). */
static inline double dfg_xrng_gamma(dfg_xrng *r, double a)
{
    if (a >= 1.0)
        return dfg_xrng_gamma_ge1(r, a, NULL);
    double g = dfg_xrng_gamma_ge1(r, a + 1.0, NULL);
    return g * exp(log(dfg_xrng_uniform_pos(r)) / a);
}

/* Binomial(n, p), 0 <= p <= 1 (p outside, or NaN: 0 or n as p is below or above): for
 * p' = min(p, 1 - p), BTRD when n p' >= 10, else inversion, whose first step is inline:
 * P(0) = (1 - p')^n >= 1 - n p' (Bernoulli's inequality), so a uniform below 1 - n p' is
 * a 0 at the cost of one word (most draws when n p' is small). */
static inline uint32_t dfg_xrng_binomial(dfg_xrng *r, uint32_t n, double p)
{
    if (!(p > 0.0) || n == 0)
        return 0;
    if (!(p < 1.0))
        return n;
    int flip = p > 0.5;
    double pp = flip ? 1.0 - p : p, np = (double)n * pp;
    uint32_t k;
    if (np >= 10.0) {
        k = dfg_xrng_binomial_btrd(r, n, pp);
    } else {
        double u = dfg_xrng_uniform(r);
        k = u < 1.0 - np ? 0 : dfg_xrng_binomial_inv(r, n, pp, u);
    }
    return flip ? n - k : k;
}

#endif
