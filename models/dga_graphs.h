/* models/dga_graphs.h: the decomposable graphs on k lists with their cliques and
 * separators (models/dga_graphs.c), for the model averaging of models/dga.c. Private.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DFG_DGA_GRAPHS_H
#define DFG_DGA_GRAPHS_H

#include "internal.h"

/* Lists the enumeration supports: 2^(k(k-1)/2) edge sets are tested, and k = 8 would
 * mean 2^28 edge sets and 30,888,596 graphs. */
#define DGA_MAX_LISTS 7

/* One decomposable graph as the signed sum of its marginal tables: the log marginal
 * likelihood is sum_t coef[t] * f(set[t]) over its cliques (coef +1) and its non-empty
 * separators (coef -1, or -2 when a separator occurs twice ...). Sets are bitmasks over
 * the lists. n_comp = sum of coef = the number of connected components. */
typedef struct {
    uint8_t n_terms;
    uint8_t n_cliques; /* the first n_cliques terms are the cliques, in MCS order */
    uint8_t n_comp;
    uint8_t set[2 * DGA_MAX_LISTS - 1];
    int8_t coef[2 * DGA_MAX_LISTS - 1];
} dga_graph;

/* The decomposable graphs on k lists (1 <= k <= DGA_MAX_LISTS) in increasing order of
 * their edge sets (edge (i, j), i < j, is bit index of the pair in row-major order):
 * *out (release with dfg_free), *n graphs. DFG_EINVAL, DFG_ENOMEM. */
dfg_status dfg_dga_graphs_enumerate(size_t k, dga_graph **out, size_t *n, dfg_error *err);

/* Mean, mode, median and the equal-tailed interval at level of the distribution p[0..len-1]
 * (total ptot) on the grid base + i step (models/dga.c). */
void dfg_dga_summarize(const double *p, size_t len, double ptot, double base, double step,
                       double level, dfg_dga_summary *s);

#endif
