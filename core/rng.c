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

dfg_status dfg_rng_reset(gsl_rng *r, uint32_t seed, uint64_t index, dfg_error *err)
{
    if (!r)
        return dfg_err_set(err, DFG_EINVAL, "rng", "no generator");
    if (index >= INDEX_LIMIT)
        return dfg_err_set(err, DFG_EINVAL, "rng", "stream index %llu must be < 2^32 - 1",
                           (unsigned long long)index);
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
