/* models/dga_graphs.c: enumeration of the decomposable (chordal) graphs on k labelled
 * vertices with their cliques and separators.
 *
 * Every edge set on k <= 7 vertices is tested by maximum cardinality search (MCS; Tarjan &
 * Yannakakis 1984, SIAM J. Comput. 13:566): the graph is chordal iff, in MCS order, the
 * earlier neighbours P(v) of each vertex v form a clique. The sets K_v = P(v) + v that no
 * other K_w strictly contains are the maximal cliques; taken in MCS order they have the
 * running intersection property, and the separators are S_j = C_j & (C_1 | ... | C_{j-1})
 * (Blair & Peyton 1993, "An introduction to chordal graphs and clique trees"). Empty
 * separators (between connected components) are dropped: their marginal table is the
 * one-cell total, whose factor is 1 (see models/dga.c).
 * Counts (OEIS A058862): 1, 2, 8, 61, 822, 18154, 617675 for k = 1..7.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "dga_graphs.h"

/* Test the graph adj[0..k-1] (bitmask rows); on success fill *g and return 1. */
static int chordal_graph(size_t k, const uint32_t *adj, dga_graph *g)
{
    uint32_t visited = 0, kset[DGA_MAX_LISTS];
    int weight[DGA_MAX_LISTS] = {0};
    for (size_t i = 0; i < k; i++) {
        /* the unvisited vertex with most visited neighbours (lowest index on ties) */
        size_t v = k;
        for (size_t u = 0; u < k; u++)
            if (!(visited >> u & 1u) && (v == k || weight[u] > weight[v]))
                v = u;
        uint32_t p = adj[v] & visited;
        for (uint32_t q = p; q; q &= q - 1) {
            unsigned u = (unsigned)__builtin_ctz(q);
            if ((p & ~(adj[u] | (1u << u))) != 0)
                return 0; /* P(v) is not a clique */
        }
        kset[i] = p | (1u << v);
        visited |= 1u << v;
        for (uint32_t q = adj[v] & ~visited; q; q &= q - 1)
            weight[__builtin_ctz(q)]++;
    }
    uint8_t cl[DGA_MAX_LISTS];
    size_t nc = 0;
    for (size_t i = 0; i < k; i++) {
        int maximal = 1;
        for (size_t j = 0; j < k && maximal; j++)
            if (j != i && (kset[i] & ~kset[j]) == 0 && kset[i] != kset[j])
                maximal = 0;
        /* equal K sets cannot occur: each contains its own vertex last */
        if (maximal)
            cl[nc++] = (uint8_t)kset[i];
    }
    g->n_terms = 0;
    g->n_cliques = (uint8_t)nc;
    g->n_comp = 0;
    for (size_t j = 0; j < nc; j++) {
        g->set[g->n_terms] = cl[j];
        g->coef[g->n_terms++] = 1;
    }
    /* the separators with their multiplicities, gathered apart and then appended */
    uint8_t sep[DGA_MAX_LISTS] = {0};
    int8_t mult[DGA_MAX_LISTS] = {0};
    size_t ns = 0;
    uint32_t seen = 0;
    for (size_t j = 0; j < nc; j++) {
        uint8_t s = (uint8_t)(cl[j] & seen);
        seen |= cl[j];
        if (j == 0 || s == 0) {
            g->n_comp++;
            continue;
        }
        size_t t = 0;
        while (t < ns && sep[t] != s)
            t++;
        if (t == ns)
            sep[ns++] = s;
        mult[t]--;
    }
    for (size_t t = 0; t < ns; t++) {
        g->set[g->n_terms] = sep[t];
        g->coef[g->n_terms++] = mult[t];
    }
    return 1;
}

dfg_status dfg_dga_graphs_enumerate(size_t k, dga_graph **out, size_t *n, dfg_error *err)
{
    *out = NULL;
    *n = 0;
    if (k < 1 || k > DGA_MAX_LISTS)
        return dfg_err_set(err, DFG_EINVAL, "dga",
                           "decomposable graphs are enumerated for 1 to %d lists (got %zu)",
                           DGA_MAX_LISTS, k);
    size_t ne = k * (k - 1) / 2;
    uint8_t ei[DGA_MAX_LISTS * (DGA_MAX_LISTS - 1) / 2],
        ej[DGA_MAX_LISTS * (DGA_MAX_LISTS - 1) / 2];
    size_t e = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++) {
            ei[e] = (uint8_t)i;
            ej[e++] = (uint8_t)j;
        }
    size_t cap = 1024, cnt = 0;
    dga_graph *g = dfg_malloc(cap * sizeof *g);
    if (!g)
        return dfg_err_set(err, DFG_ENOMEM, "dga", "graph list");
    for (uint32_t m = 0; m < (1u << ne); m++) {
        uint32_t adj[DGA_MAX_LISTS] = {0};
        for (size_t b = 0; b < ne; b++)
            if (m >> b & 1u) {
                adj[ei[b]] |= 1u << ej[b];
                adj[ej[b]] |= 1u << ei[b];
            }
        dga_graph one;
        if (!chordal_graph(k, adj, &one))
            continue;
        if (cnt == cap) {
            dga_graph *ng = dfg_realloc(g, 2 * cap * sizeof *g);
            if (!ng) {
                dfg_free(g);
                return dfg_err_set(err, DFG_ENOMEM, "dga", "graph list of %zu", 2 * cap);
            }
            g = ng;
            cap *= 2;
        }
        g[cnt++] = one;
    }
    *out = g;
    *n = cnt;
    return DFG_OK;
}
