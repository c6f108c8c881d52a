/* tests/extreme_tables.h: generators of capture tables at the edges of what darkfig takes
 * (many lists, few observed patterns, huge counts), for tests/test_extreme.c.
 *
 * many_lists_table(k, n_patterns, seed): k lists "L1".."Lk", one stratum, n_patterns
 * distinct nonzero patterns chosen by a fixed 64-bit LCG (Knuth's MMIX constants), each on
 * 1 to 3 lists at random plus, for every tenth pattern, a fourth, with counts 1..20. Every
 * list gets at least one person (pattern 1 << j with count 3 for each j), so the table has
 * every main effect; most of the 2^k cells are empty, as in registration data with many
 * small sources.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DFG_EXTREME_TABLES_H
#define DFG_EXTREME_TABLES_H

#include "darkfig.h"

#include <stdio.h>

static uint64_t ext_lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

static dfg_table *many_lists_table(size_t k, size_t n_patterns, uint64_t seed)
{
    char names[32][8];
    const char *np[32];
    for (size_t j = 0; j < k; j++) {
        snprintf(names[j], sizeof names[j], "L%zu", j + 1);
        np[j] = names[j];
    }
    dfg_table *t = dfg_table_new(k, np, 0, NULL, NULL);
    if (!t)
        return NULL;
    for (size_t j = 0; j < k; j++)
        dfg_table_add(t, 0, (uint32_t)1 << j, 3.0, NULL);
    uint64_t s = seed;
    for (size_t i = 0; i < n_patterns; i++) {
        size_t on = 1 + ext_lcg(&s) % 3 + (i % 10 == 0);
        uint32_t p = 0;
        for (size_t r = 0; r < on; r++)
            p |= (uint32_t)1 << (ext_lcg(&s) % k);
        dfg_table_add(t, 0, p, (double)(1 + ext_lcg(&s) % 20), NULL);
    }
    return t;
}

#endif
