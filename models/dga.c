/* models/dga.c: Bayesian model averaging over decomposable graphical models for the
 * size of a closed population (Madigan & York 1997, Biometrika 84:19), as in the R package
 * dga 2.0.2 (Johndrow, Lum & Ball; function bma.cr).
 *
 * The full 2^k table y (y_0 = N0 unobserved) is multinomial given N = n + N0. Under a
 * decomposable graph g with cliques C and separators S and the hyper-Dirichlet prior whose
 * marginal on each clique's table is Dirichlet with cell parameter a_C = delta 2^(k - |C|)
 * (total A = delta 2^k on every marginal), the marginal likelihood of the full table is
 *   p(y | g, N) = N! / (N0! prod_{c>0} y_c!) * prod_C f(C) / prod_S f(S),
 *   log f(C) = lgamma(A) - lgamma(A + N) + sum_{cells c of C} [lgamma(a_C + m_c) - lgamma(a_C)]
 * (Madigan & York eq. 2.1-2.3; Dawid & Lauritzen 1993), m_c the marginal counts with N0 in the
 * all-zero marginal cell. Empty separators (between components) give f = 1. The joint
 * posterior is p(g, N0 | y) ~ p(y | g, N) p(N) p(g), p(g) uniform, p(N) ~ 1/N or Rissanen's.
 * This is dga's bma.cr term for term (its CompLogML per marginal, its denominator term
 * (#cliques - #separators) [lgamma(A) - lgamma(A + N)], its multinomial coefficient).
 *
 * Only the all-zero cell of each marginal depends on N0: with x_C = m0_C + a_C (m0_C = the
 * observed people on none of C's lists),
 *   log p(g, N0 | y) = c_g + sum_t coef_t lgamma(x_t + N0) - n_comp lgamma(n + A + N0)
 *                      + lgamma(n + N0 + 1) - lgamma(N0 + 1) + log p(n + N0) + const,
 * so each graph costs a few lgamma per grid point and the rest is computed once.
 *
 * Pruning: each graph's log posterior is bounded on an interval of N0 from the convexity of
 * lgamma (a positive term is at most its larger end value, a negative one at most minus its
 * minimum on the interval); a branch and bound over the grid finds, for every graph, the
 * first and last leaf (64 grid points) whose bound reaches T = L - 25 - log(cells), L a
 * value of the joint posterior found first (a local search per graph). Everything between
 * is summed exactly; what lies outside is below e^-25 (1.4e-11) of the total.
 *
 * Work shared by all graphs: only 2^k subsets of the lists occur as cliques and
 * separators, so lgamma and psi of x_S + N0 are computed once per subset, at the ends of the
 * leaves of the one bisection tree of the grid that every graph's branch and bound walks,
 * and at the anchors (every 256th grid point) where each graph's walk restarts from exp;
 * between anchors a graph's values follow by step ratios (products of rationals, 16 points
 * at a time in registers; also compiled for AVX2 where the processor has it), walked and
 * summed in one pass, two graphs side by side when they share their range.
 *
 * Threads split the graphs (each graph's results go to its own slot; the grid posterior is
 * accumulated in 8 fixed chunks of graphs, each in graph order, summed in chunk order):
 * the same digits on any number.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "dga_graphs.h"
#include "models.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define LEAF 64
#define PRUNE_MARGIN 25.0
#define CACHE_MAX 33554432.0 /* doubles (256 MB) of chunk accumulators */
#define N_CHUNK 8
#define PEAK_GRAPHS 256
#define COARSE_MIN 4096 /* ranges wider than this are estimated before being summed */
#define LEAVE_OUT 1e-13 /* ... and left out when the estimate is below this share */
#define MAX_RATIO_STEP 8.0
#define ANCHOR 256
/* Four doubles as one value (the GCC and clang vector extension): the products below hold
 * 16 grid points in eight such registers; the operations are those of scalar code element
 * by element, in the same order, so the digits are the same. */
typedef double dga_v4 __attribute__((vector_size(32)));
#define AUTO_MAX_HI 67108864.0 /* 2^26: the automatic grid doubles up to this N0 */
/* The block loops, also compiled for AVX2 and chosen at load time where the processor has
 * it (GCC and clang on x86-64 with ifunc): the same operations on wider vectors, so the
 * same digits (ISO C mode compiles without FMA contraction). */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__linux__) && !defined(__clang__)
#define DGA_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define DGA_VECTOR_CLONES
#endif
#define TREE_CACHE_MAX 8388608.0 /* doubles (64 MB) of subset terms at the tree's leaves */

/* ** {======================================================================
 * Options
 * ======================================================================= */

dfg_dga_opts dfg_dga_opts_default(void)
{
    dfg_dga_opts o;
    memset(&o, 0, sizeof o);
    o.delta = 0.0;
    o.prior = DFG_DGA_PRIOR_INVERSE;
    o.min_missing = 0.0;
    o.max_missing = 0.0;
    o.step = 1.0;
    o.tail_tol = 1e-4;
    o.level = 0.95;
    o.top = 10;
    o.threads = 1;
    return o;
}

const char *dfg_dga_prior_name(dfg_dga_prior p)
{
    switch (p) {
    case DFG_DGA_PRIOR_INVERSE:
        return "inverse";
    case DFG_DGA_PRIOR_RISSANEN:
        return "rissanen";
    }
    return "unknown";
}

dfg_status dfg_dga_prior_parse(const char *s, dfg_dga_prior *p, dfg_error *err)
{
    if (s && strcmp(s, "inverse") == 0)
        *p = DFG_DGA_PRIOR_INVERSE;
    else if (s && strcmp(s, "rissanen") == 0)
        *p = DFG_DGA_PRIOR_RISSANEN;
    else
        return dfg_err_set(err, DFG_EINVAL, "dga",
                           "prior must be \"inverse\" or \"rissanen\" (got \"%s\")",
                           s ? s : "(null)");
    return DFG_OK;
}

dfg_status dfg_dga_graph_count(size_t k, size_t *count, dfg_error *err)
{
    dga_graph *g = NULL;
    *count = 0;
    dfg_status rc = dfg_dga_graphs_enumerate(k, &g, count, err);
    dfg_free(g);
    return rc;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * The log posterior of one graph
 * ======================================================================= */

typedef struct {
    size_t k;
    double n, A, lo, step;
    size_t ng;
    dfg_dga_prior prior;
    double x[1u << DGA_MAX_LISTS];   /* x_S = m0_S + a_S */
    double cst[1u << DGA_MAX_LISTS]; /* lgamma(A) + sum_{c != 0} lgamma(a_S + m_c) - 2^|S|
                                        lgamma(a_S) */
    const dga_graph *g;
    size_t n_graphs;
    double *cg; /* per graph: sum_t coef_t cst[set_t] */
    /* rcomm[i - c0] for grid indices i in [c0, c0 + cw) (c0 an anchor; then ANCHOR
     * slots of 1.0): exp(common(N0_{i+1}) -
     * common(N0_i)), the step ratio of the terms shared by every graph; NULL = none */
    size_t c0, cw;
    double *rcomm;
    /* the bisection tree of the grid that the branch and bound walks (the same for every
     * graph): node q covers the leaves [nd_l0[q], nd_l1[q]], children nd_kid[q], nd_kid[q] + 1
     * (0 = a leaf); leaf l covers grid points [lf_lo[l], lf_hi[l]] */
    size_t n_leaf, n_node;
    size_t *lf_lo, *lf_hi, *nd_l0, *nd_l1, *nd_kid;
    /* per leaf l and subset S (nsub = 2^k; slot 0 stands for the n + A term), or NULL when
     * too large: lgamma and psi of x_S + N0 at the leaf's first point u, psi at its last
     * point v; per leaf: common_at(u), psi(u + 1), psi(n + v + 1) */
    size_t nsub;
    double *lg_u, *dg_u, *dg_v, *cm_u, *dc_u, *dc_v;
    double qstep[ANCHOR]; /* q * step */
    /* the subset terms (subset_terms) and common_at at the anchors, the grid indices
     * j ANCHOR, j < n_anchor; NULL when too large (logpost is then called: same digits) */
    size_t n_anchor;
    double *an_lg, *an_cm;
} model;

/* Rissanen's log2*(N) = log2 N + log2 log2 N + ... over the positive terms. */
static double log2star(double N)
{
    double s = 0.0, v = log2(N);
    while (v > 0.0) {
        s += v;
        v = log2(v);
    }
    return s;
}

static double log_prior(const model *m, double N)
{
    if (m->prior == DFG_DGA_PRIOR_RISSANEN)
        return -0.69314718055994530942 * log2star(N);
    return -log(N);
}

/* The terms shared by every graph at N0 (without the n_comp term). */
static double common_at(const model *m, double N0)
{
    double N = m->n + N0;
    return lgamma(N + 1.0) - lgamma(N0 + 1.0) + log_prior(m, N);
}

static double logpost(const model *m, size_t gi, double N0)
{
    const dga_graph *g = &m->g[gi];
    double v = m->cg[gi];
    for (size_t t = 0; t < g->n_terms; t++)
        v += g->coef[t] * lgamma(m->x[g->set[t]] + N0);
    v -= g->n_comp * lgamma(m->n + m->A + N0);
    return v + common_at(m, N0);
}

static double grid_n0(const model *m, size_t i)
{
    return m->lo + (double)i * m->step;
}

/* Points of the grid from m->lo to hi at m->step. */
static double grid_points(const model *m, double hi)
{
    return floor((hi - m->lo) / m->step) + 1.0;
}

/* lg[S] = lgamma(x_S + N0) for every subset S > 0 and lg[0] = lgamma(n + A + N0): what
 * logpost needs at N0 from every graph, computed once for all of them. */
static void subset_terms(const model *m, double N0, double *lg)
{
    lg[0] = lgamma(m->n + m->A + N0);
    for (size_t S = 1; S < m->nsub; S++)
        lg[S] = lgamma(m->x[S] + N0);
}

/* logpost from the subset terms lg at N0 (subset_terms) and common = common_at(N0): the
 * same operations in the same order. */
static double logpost_terms(const model *m, size_t gi, const double *lg, double common)
{
    const dga_graph *g = &m->g[gi];
    double v = m->cg[gi];
    for (size_t t = 0; t < g->n_terms; t++)
        v += g->coef[t] * lg[g->set[t]];
    v -= g->n_comp * lg[0];
    return v + common;
}

/* logpost at the grid index i, from the anchor cache when i is an anchor. */
static double logpost_at(const model *m, size_t gi, size_t i)
{
    if (m->an_lg && i % ANCHOR == 0 && i / ANCHOR < m->n_anchor)
        return logpost_terms(m, gi, m->an_lg + (i / ANCHOR) * m->nsub, m->an_cm[i / ANCHOR]);
    return logpost(m, gi, grid_n0(m, i));
}

/* psi(x) for x > 0: recurrence up to x >= 6, then the asymptotic series (error < 1e-11). */
static double digamma(double x)
{
    double r = 0.0;
    while (x < 6.0) {
        r -= 1.0 / x;
        x += 1.0;
    }
    double f = 1.0 / (x * x);
    return r + log(x) - 0.5 / x -
           f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
}

/* An upper bound of the derivative of logpost(gi, .) on [u, v]: psi is increasing, so a
 * positive term's derivative is largest at v and a negative one's at u; the prior is
 * decreasing (derivative <= 0). */
static double slope_max(const model *m, size_t gi, double u, double v)
{
    const dga_graph *g = &m->g[gi];
    double d = 0.0;
    for (size_t t = 0; t < g->n_terms; t++) {
        double x = m->x[g->set[t]];
        d += g->coef[t] * digamma(x + (g->coef[t] > 0 ? v : u));
    }
    d -= g->n_comp * digamma(m->n + m->A + u);
    return d + digamma(m->n + v + 1.0) - digamma(u + 1.0);
}

/* An upper bound of logpost(gi, N0) for N0 in [u, v] (mean value theorem on the
 * continuous extension), with a margin for rounding. */
static double bound_of(double lu, double d, double u, double v)
{
    return lu + (d > 0.0 ? d * (v - u) : 0.0) + 1e-6 + 1e-12 * fabs(lu);
}

static double bound(const model *m, size_t gi, double u, double v)
{
    return bound_of(logpost(m, gi, u), slope_max(m, gi, u, v), u, v);
}

/* bound() over the tree node q from the leaf cache: the same operations in the same order
 * as logpost and slope_max. */
static double bound_node(const model *m, size_t gi, size_t q)
{
    const dga_graph *g = &m->g[gi];
    size_t l0 = m->nd_l0[q], l1 = m->nd_l1[q], ns = m->nsub;
    const double *du = m->dg_u + l0 * ns, *dv = m->dg_v + l1 * ns;
    double lu = logpost_terms(m, gi, m->lg_u + l0 * ns, m->cm_u[l0]), d = 0.0;
    for (size_t t = 0; t < g->n_terms; t++)
        d += g->coef[t] * (g->coef[t] > 0 ? dv : du)[g->set[t]];
    d -= g->n_comp * du[0];
    d = d + m->dc_v[l1] - m->dc_u[l0];
    return bound_of(lu, d, grid_n0(m, m->lf_lo[l0]), grid_n0(m, m->lf_hi[l1]));
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Per graph: local maximum, active range by branch and bound, exact sums
 * ======================================================================= */

typedef struct {
    double peak;   /* a value of the log posterior (pass 1) */
    size_t a, b;   /* active grid range [a, b]; a > b = none */
    double lmass;  /* log of the sum over [a, b] of exp(logpost) */
    double lupper; /* the same over the grid's upper half */
    int over;      /* some value exceeded the reference peak by more than 600 */
    int state;     /* phase 4: 0 = estimated only, 1 = summed, 2 = left out */
    double lest;   /* log of the estimated mass of a wide range (every ANCHOR-th point) */
} graph_out;

static size_t peak_index(const model *m, size_t gi)
{
    size_t lo = 0, hi = m->ng - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (logpost(m, gi, grid_n0(m, mid + 1)) > logpost(m, gi, grid_n0(m, mid)))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Binary search on the sign of the forward difference: a local maximum if the posterior
 * is unimodal in N0, and in any case a value of it. */
static double local_peak(const model *m, size_t gi)
{
    return logpost(m, gi, grid_n0(m, peak_index(m, gi)));
}

/* First (dir = 0) or last (dir = 1) grid index of a leaf in [i0, i1] whose bound reaches T;
 * returns 0 and leaves *at alone when there is none. */
static int find_leaf(const model *m, size_t gi, size_t i0, size_t i1, double T, int dir, size_t *at)
{
    if (bound(m, gi, grid_n0(m, i0), grid_n0(m, i1)) < T)
        return 0;
    if (i1 - i0 + 1 <= LEAF) {
        *at = dir ? i1 : i0;
        return 1;
    }
    size_t mid = i0 + (i1 - i0) / 2;
    if (dir == 0)
        return find_leaf(m, gi, i0, mid, T, dir, at) || find_leaf(m, gi, mid + 1, i1, T, dir, at);
    return find_leaf(m, gi, mid + 1, i1, T, dir, at) || find_leaf(m, gi, i0, mid, T, dir, at);
}

/* log(exp(a) + exp(b)) in a fixed order. */
static double lse2(double a, double b)
{
    if (a == -HUGE_VAL)
        return b;
    if (b == -HUGE_VAL)
        return a;
    return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b));
}

/* find_leaf on the tree node q with the leaf cache. */
static int find_leaf_node(const model *m, size_t gi, size_t q, double T, int dir, size_t *at)
{
    if (bound_node(m, gi, q) < T)
        return 0;
    size_t c = m->nd_kid[q];
    if (c == 0) {
        *at = dir ? m->lf_hi[m->nd_l1[q]] : m->lf_lo[m->nd_l0[q]];
        return 1;
    }
    if (dir == 0)
        return find_leaf_node(m, gi, c, T, dir, at) || find_leaf_node(m, gi, c + 1, T, dir, at);
    return find_leaf_node(m, gi, c + 1, T, dir, at) || find_leaf_node(m, gi, c, T, dir, at);
}

static void graph_range(const model *m, size_t gi, double T, graph_out *o)
{
    o->lmass = o->lupper = -HUGE_VAL;
    o->a = 1;
    o->b = 0;
    size_t a, b;
    if (m->lg_u) {
        if (!find_leaf_node(m, gi, 0, T, 0, &a))
            return;
        find_leaf_node(m, gi, 0, T, 1, &b);
        o->a = a;
        o->b = b;
        return;
    }
    if (!find_leaf(m, gi, 0, m->ng - 1, T, 0, &a))
        return;
    find_leaf(m, gi, 0, m->ng - 1, T, 1, &b);
    o->a = a;
    o->b = b;
}

/* e[q] = exp(logpost(gi, N0_{i+q}) - R) for q = 0 .. len-1 (len <= ANCHOR): exp at the
 * first point, then e_{q+1} = e_q * r_q with the step ratio r_q of every term as a product
 * of rationals (lgamma(x + N0 + s) - lgamma(x + N0) = log prod_{j<s} (x + N0 + j)). The
 * relative drift over a block stays below ANCHOR * (terms + 2) ulp. block_ratios gives
 * v0 = logpost at the first point and the ratios r_q (all ANCHOR slots written, those past
 * len - 2 not meaningful); walk_block the values. Both return 1 if the first value exceeds
 * R by more than 600 (then nothing is filled). Need m->rcomm over the block. */
DGA_VECTOR_CLONES
static int block_ratios(const model *m, size_t gi, size_t i, double R, double rb[restrict ANCHOR],
                        double *restrict v0)
{
    const dga_graph *g = &m->g[gi];
    double v = logpost_at(m, gi, i);
    if (v - R > 600.0)
        return 1;
    size_t st = (size_t)m->step;
    const double *rc = m->rcomm + (i - m->c0); /* ANCHOR slots: padded with 1.0 */
    /* the loops below run over all ANCHOR slots (a constant count, so that the compiler
     * vectorises them); the slots past len - 1 hold harmless values and are not used */
    double n0[ANCHOR];
    /* N0 = lo + (i + q) step: whole numbers below 2^53, so the sum is exact in any order */
    double b0 = grid_n0(m, i);
    for (size_t q = 0; q < ANCHOR; q++) {
        rb[q] = rc[q];
        n0[q] = b0 + m->qstep[q];
    }
    if (st == 1) {
        /* numerator and denominator apart, one division a point: each holds n_cliques
         * factors below 2^27 + n, far from overflow. The factors of each, in term order
         * (with multiplicity; the n_comp term last in the denominator), are applied to
         * 16 points at a time, held in registers (dga_v4) */
        double xp[4 * DGA_MAX_LISTS], xn[4 * DGA_MAX_LISTS];
        size_t np = 0, nn = 0;
        for (size_t t = 0; t < g->n_terms; t++) {
            double x = m->x[g->set[t]];
            for (int r = 0; r < g->coef[t]; r++)
                xp[np++] = x;
            for (int r = 0; r < -g->coef[t]; r++)
                xn[nn++] = x;
        }
        for (size_t c = 0; c < g->n_comp; c++)
            xn[nn++] = m->n + m->A;
        for (size_t q0 = 0; q0 < ANCHOR; q0 += 16) {
            dga_v4 z0, z1, z2, z3, r0, r1, r2, r3;
            memcpy(&z0, n0 + q0, sizeof z0);
            memcpy(&z1, n0 + q0 + 4, sizeof z1);
            memcpy(&z2, n0 + q0 + 8, sizeof z2);
            memcpy(&z3, n0 + q0 + 12, sizeof z3);
            dga_v4 p0 = {1.0, 1.0, 1.0, 1.0}, p1 = p0, p2 = p0, p3 = p0;
            dga_v4 d0 = p0, d1 = p0, d2 = p0, d3 = p0;
            for (size_t t = 0; t < np; t++) {
                dga_v4 x = {xp[t], xp[t], xp[t], xp[t]};
                p0 *= x + z0;
                p1 *= x + z1;
                p2 *= x + z2;
                p3 *= x + z3;
            }
            for (size_t t = 0; t < nn; t++) {
                dga_v4 x = {xn[t], xn[t], xn[t], xn[t]};
                d0 *= x + z0;
                d1 *= x + z1;
                d2 *= x + z2;
                d3 *= x + z3;
            }
            memcpy(&r0, rb + q0, sizeof r0);
            memcpy(&r1, rb + q0 + 4, sizeof r1);
            memcpy(&r2, rb + q0 + 8, sizeof r2);
            memcpy(&r3, rb + q0 + 12, sizeof r3);
            r0 *= p0 / d0;
            r1 *= p1 / d1;
            r2 *= p2 / d2;
            r3 *= p3 / d3;
            memcpy(rb + q0, &r0, sizeof r0);
            memcpy(rb + q0 + 4, &r1, sizeof r1);
            memcpy(rb + q0 + 8, &r2, sizeof r2);
            memcpy(rb + q0 + 12, &r3, sizeof r3);
        }
    } else {
        double u[ANCHOR];
        for (size_t t = 0; t <= g->n_terms; t++) {
            /* u = (x + N0) (x + N0 + 1) ... (x + N0 + step - 1); the last pass is the
             * n_comp term */
            double x = t < g->n_terms ? m->x[g->set[t]] : m->n + m->A;
            int c = t < g->n_terms ? g->coef[t] : -(int)g->n_comp;
            for (size_t q = 0; q < ANCHOR; q++)
                u[q] = x + n0[q];
            for (size_t h = 1; h < st; h++)
                for (size_t q = 0; q < ANCHOR; q++)
                    u[q] *= x + n0[q] + (double)h;
            for (int r = 0; r < c; r++)
                for (size_t q = 0; q < ANCHOR; q++)
                    rb[q] *= u[q];
            for (int r = 0; r < -c; r++)
                for (size_t q = 0; q < ANCHOR; q++)
                    rb[q] /= u[q];
        }
    }
    *v0 = v;
    return 0;
}

static int walk_block(const model *m, size_t gi, size_t i, size_t len, double R, double e[ANCHOR])
{
    double rb[ANCHOR], v;
    if (block_ratios(m, gi, i, R, rb, &v))
        return 1;
    e[0] = exp(v - R);
    for (size_t q = 0; q + 1 < len; q++)
        e[q + 1] = e[q] * rb[q];
    return 0;
}

/* The log masses of graph gi over its active range and over the upper half: the sum of
 * exp(v - R) over the points with v >= T (R = the reference peak), also added into acc
 * (when not NULL); a streaming log-sum-exp in grid order instead if some v exceeds R by
 * more than 600 (then o->over = 1 and acc holds a partial sum). */
static void graph_sums(const model *m, size_t gi, size_t half, double T, double R, double *acc,
                       size_t acc0, graph_out *o)
{
    o->over = 0;
    o->lmass = o->lupper = -HUGE_VAL;
    if (o->a > o->b)
        return;
    double s = 0.0, su = 0.0, eT = exp(T - R), e[ANCHOR];
    int over = 0;
    /* blocks of ANCHOR points from the anchor at or before a (anchors are shared by every
     * graph); the points before a are walked over, not counted */
    for (size_t i = o->a - o->a % ANCHOR; i <= o->b && !over; i += ANCHOR) {
        size_t qa = i < o->a ? o->a - i : 0;
        size_t len = o->b - i + 1 < ANCHOR ? o->b - i + 1 : ANCHOR;
        if (m->rcomm) {
            /* the walk and the sums in one pass: two independent chains per point */
            double rb[ANCHOR], v0, mx = 0.0, dummy[ANCHOR];
            if ((over = block_ratios(m, gi, i, R, rb, &v0)))
                break;
            double ec = exp(v0 - R);
            if (qa > 0 && v0 - R < -600.0) {
                /* the anchor is far below: start the walk at a instead (no underflow) */
                double va = logpost(m, gi, grid_n0(m, o->a));
                if ((over = va - R > 600.0))
                    break;
                ec = exp(va - R);
            } else {
                for (size_t q = 0; q < qa; q++)
                    ec *= rb[q];
            }
            double *ap = acc ? acc + (i + qa - acc0) : dummy;
            size_t qh = i >= half ? 0 : half - i;
            size_t q1 = qh < qa ? qa : qh < len ? qh : len; /* the upper half from q1 */
            for (size_t q = qa; q < q1; q++) {
                if (ec >= eT) { /* below T: not counted */
                    mx = ec > mx ? ec : mx;
                    s += ec;
                    ap[q - qa] += ec;
                }
                ec *= rb[q];
            }
            for (size_t q = q1; q < len; q++) {
                if (ec >= eT) {
                    mx = ec > mx ? ec : mx;
                    s += ec;
                    su += ec;
                    ap[q - qa] += ec;
                }
                ec *= rb[q];
            }
            if (mx > 1e250) /* to the streaming sum below */
                over = 1;
            continue;
        }
        for (size_t q = 0; q < qa; q++)
            e[q] = 0.0;
        for (size_t q = qa; q < len && !over; q++) {
            double v = logpost(m, gi, grid_n0(m, i + q));
            over = v - R > 600.0;
            e[q] = exp(v - R);
        }
        if (over)
            break;
        /* the points below T count as 0 (adding 0.0 leaves every sum as it was); a block
         * with a value above 1e250 sends the graph to the streaming sum below */
        double mx = 0.0;
        for (size_t q = len; q < ANCHOR; q++)
            e[q] = 0.0;
        for (size_t q = 0; q < ANCHOR; q++) {
            e[q] = e[q] >= eT ? e[q] : 0.0;
            mx = e[q] > mx ? e[q] : mx;
        }
        if (mx > 1e250) {
            over = 1;
            break;
        }
        for (size_t q = qa; q < len; q++)
            s += e[q];
        for (size_t q = i >= half ? 0 : half - i; q < len; q++)
            su += e[q];
        if (acc) {
            double *ap = acc + (i + qa - acc0);
            for (size_t q = qa; q < len; q++)
                ap[q - qa] += e[q];
        }
    }
    if (!over) {
        if (s > 0.0)
            o->lmass = R + log(s);
        if (su > 0.0)
            o->lupper = R + log(su);
        return;
    }
    o->over = 1;
    /* max mx, sum s of exp(v - mx) */
    double mx = -HUGE_VAL, mxu = -HUGE_VAL;
    s = su = 0.0;
    for (size_t i = o->a; i <= o->b; i++) {
        double v = logpost(m, gi, grid_n0(m, i));
        if (v < T)
            continue;
        if (v > mx) {
            s = s * exp(mx - v) + 1.0;
            mx = v;
        } else {
            s += exp(v - mx);
        }
        if (i >= half) {
            if (v > mxu) {
                su = su * exp(mxu - v) + 1.0;
                mxu = v;
            } else {
                su += exp(v - mxu);
            }
        }
    }
    if (s > 0.0)
        o->lmass = mx + log(s);
    if (su > 0.0)
        o->lupper = mxu + log(su);
}

/* graph_sums for two graphs g1 < g2 of one chunk with the same range, on the walk (m->rcomm
 * set): their walks side by side in one loop (two independent product chains), each point
 * added into acc by g1 then g2 as graph_sums(g1) then graph_sums(g2) would, so the digits
 * are theirs. Returns 0, or 1 (acc then holds partial sums) when a value is out of the walk's
 * range: the caller then runs graph_sums on each. */
static int graph_sums2(const model *m, size_t g1, size_t g2, size_t half, double T, double R,
                       double *acc, size_t acc0, graph_out *o1, graph_out *o2)
{
    double s1 = 0.0, su1 = 0.0, s2 = 0.0, su2 = 0.0, eT = exp(T - R);
    size_t a = o1->a, b = o1->b;
    for (size_t i = a - a % ANCHOR; i <= b; i += ANCHOR) {
        size_t qa = i < a ? a - i : 0;
        size_t len = b - i + 1 < ANCHOR ? b - i + 1 : ANCHOR;
        double rb1[ANCHOR], rb2[ANCHOR], v1, v2, mx1 = 0.0, mx2 = 0.0, dummy[ANCHOR];
        if (block_ratios(m, g1, i, R, rb1, &v1) || block_ratios(m, g2, i, R, rb2, &v2))
            return 1;
        double e1 = exp(v1 - R), e2 = exp(v2 - R);
        if (qa > 0 && (v1 - R < -600.0 || v2 - R < -600.0))
            return 1; /* graph_sums restarts such a walk at a */
        for (size_t q = 0; q < qa; q++) {
            e1 *= rb1[q];
            e2 *= rb2[q];
        }
        double *ap = acc ? acc + (i + qa - acc0) : dummy;
        size_t qh = i >= half ? 0 : half - i;
        size_t q1 = qh < qa ? qa : qh < len ? qh : len;
        for (size_t q = qa; q < q1; q++) {
            if (e1 >= eT) {
                mx1 = e1 > mx1 ? e1 : mx1;
                s1 += e1;
                ap[q - qa] += e1;
            }
            if (e2 >= eT) {
                mx2 = e2 > mx2 ? e2 : mx2;
                s2 += e2;
                ap[q - qa] += e2;
            }
            e1 *= rb1[q];
            e2 *= rb2[q];
        }
        for (size_t q = q1; q < len; q++) {
            if (e1 >= eT) {
                mx1 = e1 > mx1 ? e1 : mx1;
                s1 += e1;
                su1 += e1;
                ap[q - qa] += e1;
            }
            if (e2 >= eT) {
                mx2 = e2 > mx2 ? e2 : mx2;
                s2 += e2;
                su2 += e2;
                ap[q - qa] += e2;
            }
            e1 *= rb1[q];
            e2 *= rb2[q];
        }
        if (mx1 > 1e250 || mx2 > 1e250)
            return 1;
    }
    o1->over = o2->over = 0;
    o1->lmass = s1 > 0.0 ? R + log(s1) : -HUGE_VAL;
    o1->lupper = su1 > 0.0 ? R + log(su1) : -HUGE_VAL;
    o2->lmass = s2 > 0.0 ? R + log(s2) : -HUGE_VAL;
    o2->lupper = su2 > 0.0 ? R + log(su2) : -HUGE_VAL;
    return 0;
}

/* graph_sums on g1 and on g2 (the next graph of the chunk to be summed, or SIZE_MAX):
 * side by side when they share their range. */
static void graph_sums_pair(const model *m, size_t g1, size_t g2, size_t half, double T, double R,
                            double *acc, size_t acc0, graph_out *out)
{
    graph_out *o1 = &out[g1], *o2 = g2 == SIZE_MAX ? NULL : &out[g2];
    if (o2 && m->rcomm && o1->a <= o1->b && o1->a == o2->a && o1->b == o2->b &&
        !graph_sums2(m, g1, g2, half, T, R, acc, acc0, o1, o2))
        return;
    graph_sums(m, g1, half, T, R, acc, acc0, o1);
    if (o2)
        graph_sums(m, g2, half, T, R, acc, acc0, o2);
}

/* An estimate of the log mass of a wide range: each block of ANCHOR points (its part in the
 * range) counted at the larger of the values at the anchors on its two ends. */
static double graph_estimate(const model *m, size_t gi, double T, double R, const graph_out *o)
{
    double s = 0.0, mx = -HUGE_VAL;
    double v1 = logpost_at(m, gi, o->a - o->a % ANCHOR);
    for (size_t i = o->a - o->a % ANCHOR; i <= o->b; i += ANCHOR) {
        size_t s0 = i < o->a ? o->a : i, e1 = o->b - i < ANCHOR ? o->b : i + ANCHOR - 1;
        size_t len = e1 - s0 + 1;
        double v = v1, w = logpost_at(m, gi, i + ANCHOR); /* the anchors at both ends */
        v1 = w;
        v = v > w ? v : w;
        if (v > mx)
            mx = v;
        if (v >= T && v - R < 600.0)
            s += exp(v - R) * (double)len;
    }
    if (mx - R >= 600.0)
        return HUGE_VAL; /* sum it exactly */
    return s > 0.0 ? R + log(s) : -HUGE_VAL;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Threads
 * ======================================================================= */

typedef struct {
    const model *m;
    graph_out *out;
    int phase;              /* 1: peaks; 2: ranges; 3: grid posterior; 4: sums; 5-7: caches */
    model *mw;              /* phases 5-7 */
    const double *probe_lg; /* phase 1: subset_terms at the probe */
    double probe_common;
    double T, R; /* pruning bound, reference peak */
    size_t half;
    size_t t, nt;
    /* phase 4: n_chunk fixed chunks of graphs (not one per thread: the same digits on any
     * number of threads), each summing exp(v - R) into acc[c * acc_w + i - acc0] */
    size_t n_chunk, acc0, acc_w;
    double *acc;
    int pass;   /* phase 4: 0 or 1 */
    double cut; /* phase 4, pass 1: log mass below which a wide range is left out */
    /* phase 3 */
    const size_t *active;
    size_t n_active;
    double lz;
    double *post;
} job;

static void *work(void *arg)
{
    job *j = arg;
    const model *m = j->m;
    if (j->phase == 1) {
        for (size_t gi = j->t; gi < m->n_graphs; gi += j->nt)
            j->out[gi].peak = logpost_terms(m, gi, j->probe_lg, j->probe_common);
    } else if (j->phase == 7) {
        model *mw = j->mw;
        size_t per = (mw->n_anchor + j->nt - 1) / j->nt;
        size_t a0 = j->t * per, a1 = a0 + per < mw->n_anchor ? a0 + per : mw->n_anchor;
        for (size_t a = a0; a < a1; a++) {
            double N0 = grid_n0(mw, a * ANCHOR);
            subset_terms(mw, N0, mw->an_lg + a * mw->nsub);
            mw->an_cm[a] = common_at(mw, N0);
        }
    } else if (j->phase == 6) {
        model *mw = j->mw;
        size_t per = (mw->n_leaf + j->nt - 1) / j->nt, ns = mw->nsub;
        size_t l0 = j->t * per, l1 = l0 + per < mw->n_leaf ? l0 + per : mw->n_leaf;
        for (size_t l = l0; l < l1; l++) {
            double u = grid_n0(mw, mw->lf_lo[l]), v = grid_n0(mw, mw->lf_hi[l]);
            double *lg = mw->lg_u + l * ns, *du = mw->dg_u + l * ns, *dv = mw->dg_v + l * ns;
            subset_terms(mw, u, lg);
            du[0] = digamma(mw->n + mw->A + u);
            dv[0] = 0.0;
            for (size_t S = 1; S < ns; S++) {
                du[S] = digamma(mw->x[S] + u);
                dv[S] = digamma(mw->x[S] + v);
            }
            mw->cm_u[l] = common_at(mw, u);
            mw->dc_u[l] = digamma(u + 1.0);
            mw->dc_v[l] = digamma(mw->n + v + 1.0);
        }
    } else if (j->phase == 2) {
        for (size_t gi = j->t; gi < m->n_graphs; gi += j->nt)
            graph_range(m, gi, j->T, &j->out[gi]);
    } else if (j->phase == 4) {
        /* chunk c: the graphs gi = c mod n_chunk, accumulated into acc[c] in graph order;
         * pass 0 sums the narrow ranges and estimates the wide ones, pass 1 sums the wide
         * ones whose estimate reaches cut and leaves the others out */
        for (size_t c = j->t; c < j->n_chunk; c += j->nt) {
            double *acc = j->acc ? j->acc + c * j->acc_w : NULL;
            size_t pend = SIZE_MAX; /* a graph to be summed, waiting for a partner */
            for (size_t gi = c; gi < m->n_graphs; gi += j->n_chunk) {
                graph_out *o = &j->out[gi];
                int sum = 0;
                if (j->pass == 0) {
                    o->state = 1;
                    if (o->a <= o->b && o->b - o->a + 1 > COARSE_MIN) {
                        o->state = 0;
                        o->lest = graph_estimate(m, gi, j->T, j->R, o);
                        o->lmass = o->lupper = -HUGE_VAL;
                        o->over = 0;
                    } else {
                        sum = 1;
                    }
                } else if (o->state == 0) {
                    if (o->lest >= j->cut) {
                        sum = 1;
                        o->state = 1;
                    } else {
                        o->state = 2;
                    }
                }
                if (!sum)
                    continue;
                /* graphs are summed in chunk order, two at a time */
                if (pend == SIZE_MAX) {
                    pend = gi;
                } else {
                    graph_sums_pair(m, pend, gi, j->half, j->T, j->R, acc, j->acc0, j->out);
                    pend = SIZE_MAX;
                }
            }
            if (pend != SIZE_MAX)
                graph_sums_pair(m, pend, SIZE_MAX, j->half, j->T, j->R, acc, j->acc0, j->out);
        }
    } else if (j->phase == 5) {
        model *mw = j->mw;
        size_t per = (mw->cw + j->nt - 1) / j->nt;
        size_t i0 = j->t * per, i1 = i0 + per < mw->cw ? i0 + per : mw->cw;
        size_t st = (size_t)mw->step;
        for (size_t i = i0; i < i1; i++) {
            /* lgamma(N + 1) - lgamma(N0 + 1) + log p(N) from N0 to N0 + step */
            double N0 = grid_n0(mw, mw->c0 + i), N = mw->n + N0, c = 1.0;
            for (size_t q = 0; q < st; q++)
                c *= (N + 1.0 + (double)q) / (N0 + 1.0 + (double)q);
            if (mw->prior == DFG_DGA_PRIOR_INVERSE)
                c *= N / (N + mw->step);
            else
                c *= exp(log_prior(mw, N + mw->step) - log_prior(mw, N));
            mw->rcomm[i] = c;
        }
    } else {
        size_t per = (m->ng + j->nt - 1) / j->nt;
        size_t i0 = j->t * per, i1 = i0 + per < m->ng ? i0 + per : m->ng;
        for (size_t i = i0; i < i1; i++)
            j->post[i] = 0.0;
        for (size_t q = 0; q < j->n_active; q++) {
            size_t gi = j->active[q];
            const graph_out *o = &j->out[gi];
            size_t a = o->a > i0 ? o->a : i0, b = o->b + 1 < i1 ? o->b + 1 : i1;
            for (size_t i = a; i < b; i++) {
                double v = logpost(m, gi, grid_n0(m, i));
                if (v >= j->T)
                    j->post[i] += exp(v - j->lz);
            }
        }
    }
    return NULL;
}

/* Run phase on nt threads (nt = 1: in the caller). */
static dfg_status run_phase(job *proto, size_t nt, dfg_error *err)
{
    if (nt <= 1) {
        job j = *proto;
        j.t = 0;
        j.nt = 1;
        work(&j);
        return DFG_OK;
    }
    pthread_t th[64];
    job jobs[64];
    if (nt > 64)
        nt = 64;
    size_t started = 0;
    dfg_status rc = DFG_OK;
    for (size_t t = 0; t < nt; t++) {
        jobs[t] = *proto;
        jobs[t].t = t;
        jobs[t].nt = nt;
    }
    for (size_t t = 1; t < nt; t++) {
        if (pthread_create(&th[t], NULL, work, &jobs[t]) != 0) {
            rc = dfg_err_set(err, DFG_ENOMEM, "dga", "cannot start thread %zu", t);
            break;
        }
        started = t;
    }
    if (rc == DFG_OK)
        work(&jobs[0]);
    for (size_t t = 1; t <= started; t++)
        pthread_join(th[t], NULL);
    return rc;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Summaries
 * ======================================================================= */

/* Summary of p[0..len-1] (sum ptot) over N = base + i * step. */
void dfg_dga_summarize(const double *p, size_t len, double ptot, double base, double step,
                       double level, dfg_dga_summary *s)
{
    double mean = 0.0, cum = 0.0, best = -1.0;
    double qs[3] = {(1.0 - level) / 2.0, 0.5, (1.0 + level) / 2.0};
    double qv[3] = {NAN, NAN, NAN};
    size_t qi = 0;
    s->mode = NAN;
    for (size_t i = 0; i < len; i++) {
        double N = base + (double)i * step, w = p[i] / ptot;
        mean += N * w;
        cum += w;
        if (w > best) {
            best = w;
            s->mode = N;
        }
        while (qi < 3 && cum >= qs[qi])
            qv[qi++] = N;
    }
    /* rounding can leave the last cumulative a hair under the upper level */
    for (; qi < 3; qi++)
        qv[qi] = base + (double)(len - 1) * step;
    s->mean = mean;
    s->lower = qv[0];
    s->median = qv[1];
    s->upper = qv[2];
}

static int cmp_mass(const void *pa, const void *pb, const graph_out *out)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    if (out[a].lmass != out[b].lmass)
        return out[a].lmass > out[b].lmass ? -1 : 1;
    return a < b ? -1 : (a > b);
}

/* The cliques in bracket notation over list positions (k <= 7: one digit each), larger
 * cliques first, then by value: "[12,3]"; the complete graph on 3 lists is "[123]". */
static void format_cliques(const dga_graph *g, char *buf, size_t size)
{
    uint8_t c[DGA_MAX_LISTS];
    size_t nc = g->n_cliques, len = 0;
    memcpy(c, g->set, nc);
    for (size_t i = 1; i < nc; i++) /* insertion sort: size desc, then value asc */
        for (size_t j = i; j > 0; j--) {
            unsigned pa = dfg_popcount(c[j - 1]), pb = dfg_popcount(c[j]);
            if (pa > pb || (pa == pb && c[j - 1] < c[j]))
                break;
            uint8_t tmp = c[j];
            c[j] = c[j - 1];
            c[j - 1] = tmp;
        }
    char tmp[64];
    tmp[len++] = '[';
    for (size_t i = 0; i < nc; i++) {
        if (i)
            tmp[len++] = ',';
        for (unsigned b = 0; b < DGA_MAX_LISTS; b++)
            if ((unsigned)c[i] >> b & 1u)
                tmp[len++] = (char)('1' + (int)b);
    }
    tmp[len++] = ']';
    tmp[len] = '\0';
    snprintf(buf, size, "%s", tmp);
}

/* Insertion of the top graphs by mass (top is small). */
static size_t pick_top(const graph_out *out, const size_t *active, size_t n_active, size_t top,
                       size_t *sel)
{
    size_t n = 0;
    for (size_t q = 0; q < n_active; q++) {
        size_t gi = active[q];
        size_t pos = n;
        while (pos > 0 && cmp_mass(&gi, &sel[pos - 1], out) < 0)
            pos--;
        if (pos >= top)
            continue;
        if (n < top)
            n++;
        for (size_t r = n - 1; r > pos; r--)
            sel[r] = sel[r - 1];
        sel[pos] = gi;
    }
    return n;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * The run
 * ======================================================================= */

void dfg_dga_result_free(dfg_dga_result *r)
{
    if (!r)
        return;
    dfg_free(r->top);
    dfg_free(r->post);
    r->top = NULL;
    r->post = NULL;
}

static dfg_status check_opts(const dfg_dga_opts *o, size_t k, dfg_error *err)
{
    if (k < 3)
        return dfg_err_set(err, DFG_EINVAL, "dga",
                           "model averaging over decomposable graphs needs at least 3 lists "
                           "(got %zu)",
                           k);
    if (k > DFG_DGA_MAX_LISTS)
        return dfg_err_set(err, DFG_EINVAL, "dga",
                           "at most %d lists (got %zu): the graphs are enumerated over all "
                           "2^(k(k-1)/2) edge sets, and 8 lists have 30,888,596 decomposable "
                           "graphs; merge lists first",
                           DFG_DGA_MAX_LISTS, k);
    if (!(o->delta >= 0.0) || !isfinite(o->delta) || (o->delta == 0.0 && signbit(o->delta)))
        return dfg_err_set(err, DFG_EINVAL, "dga", "delta must be > 0 (got %g)", o->delta);
    if (o->prior != DFG_DGA_PRIOR_INVERSE && o->prior != DFG_DGA_PRIOR_RISSANEN)
        return dfg_err_set(err, DFG_EINVAL, "dga", "unknown prior on N (%d)", (int)o->prior);
    if (!(o->step >= 1.0) || o->step != floor(o->step) || o->step > 1e9)
        return dfg_err_set(err, DFG_EINVAL, "dga", "step must be a whole number >= 1 (got %g)",
                           o->step);
    if (!(o->min_missing >= 0.0) || o->min_missing != floor(o->min_missing) ||
        o->min_missing > 1e12)
        return dfg_err_set(err, DFG_EINVAL, "dga",
                           "min_missing must be a whole number >= 0 (got %g)", o->min_missing);
    if (!(o->max_missing >= 0.0) || o->max_missing != floor(o->max_missing) ||
        o->max_missing > 1e12 || (o->max_missing > 0.0 && o->max_missing < o->min_missing))
        return dfg_err_set(err, DFG_EINVAL, "dga",
                           "max_missing must be 0 (automatic) or a whole number >= min_missing "
                           "(got %g)",
                           o->max_missing);
    if (!(o->tail_tol > 0.0 && o->tail_tol < 1.0))
        return dfg_err_set(err, DFG_EINVAL, "dga", "tail_tol must be in (0, 1) (got %g)",
                           o->tail_tol);
    if (!(o->level > 0.0 && o->level < 1.0))
        return dfg_err_set(err, DFG_EINVAL, "dga", "level must be in (0, 1) (got %g)", o->level);
    return DFG_OK;
}

static void cache_free(model *m)
{
    dfg_free(m->rcomm);
    m->rcomm = NULL;
    m->c0 = m->cw = 0;
}

/* The shared step ratios over the union of the active ranges (step <= MAX_RATIO_STEP;
 * otherwise graph_sums evaluates every point). */
static dfg_status cache_fill(model *m, const graph_out *out, size_t nt, dfg_error *err)
{
    size_t lo = SIZE_MAX, hi = 0;
    for (size_t gi = 0; gi < m->n_graphs; gi++) {
        if (out[gi].a > out[gi].b)
            continue;
        lo = out[gi].a < lo ? out[gi].a : lo;
        hi = out[gi].b > hi ? out[gi].b : hi;
    }
    if (lo > hi || m->step > MAX_RATIO_STEP)
        return DFG_OK;
    lo -= lo % ANCHOR; /* from the anchor at or before the first range */
    m->cw = hi - lo + 1;
    m->c0 = lo;
    if (!(m->rcomm = dfg_malloc((m->cw + ANCHOR) * sizeof(double)))) {
        m->cw = 0;
        return dfg_err_set(err, DFG_ENOMEM, "dga", "step ratios over %zu grid points", hi - lo + 1);
    }
    for (size_t q = 0; q < ANCHOR; q++)
        m->rcomm[m->cw + q] = 1.0;
    job jb;
    memset(&jb, 0, sizeof jb);
    jb.m = m;
    jb.mw = m;
    jb.phase = 5;
    dfg_status rc = run_phase(&jb, nt, err);
    if (rc)
        cache_free(m);
    return rc;
}

static void tree_free(model *m)
{
    dfg_free(m->lf_lo);
    dfg_free(m->lf_hi);
    dfg_free(m->nd_l0);
    dfg_free(m->nd_l1);
    dfg_free(m->nd_kid);
    dfg_free(m->lg_u);
    dfg_free(m->dg_u);
    dfg_free(m->dg_v);
    dfg_free(m->cm_u);
    dfg_free(m->dc_u);
    dfg_free(m->dc_v);
    dfg_free(m->an_lg);
    dfg_free(m->an_cm);
    m->an_lg = m->an_cm = NULL;
    m->n_anchor = 0;
    m->lf_lo = m->lf_hi = m->nd_l0 = m->nd_l1 = m->nd_kid = NULL;
    m->lg_u = m->dg_u = m->dg_v = m->cm_u = m->dc_u = m->dc_v = NULL;
    m->n_leaf = m->n_node = 0;
}

static size_t tree_leaves(size_t i0, size_t i1)
{
    if (i1 - i0 + 1 <= LEAF)
        return 1;
    size_t mid = i0 + (i1 - i0) / 2;
    return tree_leaves(i0, mid) + tree_leaves(mid + 1, i1);
}

/* Node q covers grid points [i0, i1], split as find_leaf splits; children side by side. */
static void tree_fill(model *m, size_t q, size_t i0, size_t i1)
{
    if (i1 - i0 + 1 <= LEAF) {
        size_t l = m->n_leaf++;
        m->lf_lo[l] = i0;
        m->lf_hi[l] = i1;
        m->nd_l0[q] = m->nd_l1[q] = l;
        m->nd_kid[q] = 0;
        return;
    }
    size_t mid = i0 + (i1 - i0) / 2, c = m->n_node;
    m->n_node += 2;
    m->nd_kid[q] = c;
    tree_fill(m, c, i0, mid);
    tree_fill(m, c + 1, mid + 1, i1);
    m->nd_l0[q] = m->nd_l0[c];
    m->nd_l1[q] = m->nd_l1[c + 1];
}

/* The bisection tree of the grid and the subset terms at its leaves' ends, which the
 * branch and bound of every graph reads instead of calling lgamma and psi (a few hundred
 * times per graph otherwise). Left out (lg_u = NULL) above TREE_CACHE_MAX doubles. */
static dfg_status tree_build(model *m, size_t nt, dfg_error *err)
{
    tree_free(m);
    size_t nl = tree_leaves(0, m->ng - 1), nn = 2 * nl - 1, ns = m->nsub;
    size_t na = (m->ng - 1) / ANCHOR + 2; /* to the anchor after the last point */
    job jb;
    memset(&jb, 0, sizeof jb);
    jb.m = m;
    jb.mw = m;
    dfg_status rc = DFG_OK;
    if ((double)na * (double)ns <= TREE_CACHE_MAX) {
        if (!(m->an_lg = dfg_malloc(na * ns * sizeof(double))) ||
            !(m->an_cm = dfg_malloc(na * sizeof(double)))) {
            tree_free(m);
            return dfg_err_set(err, DFG_ENOMEM, "dga", "anchor cache of %zu anchors", na);
        }
        m->n_anchor = na;
        jb.phase = 7;
        if ((rc = run_phase(&jb, nt, err))) {
            tree_free(m);
            return rc;
        }
    }
    if ((double)nl * (double)ns * 3.0 > TREE_CACHE_MAX)
        return DFG_OK;
    if (!(m->lf_lo = dfg_malloc(nl * sizeof(size_t))) ||
        !(m->lf_hi = dfg_malloc(nl * sizeof(size_t))) ||
        !(m->nd_l0 = dfg_malloc(nn * sizeof(size_t))) ||
        !(m->nd_l1 = dfg_malloc(nn * sizeof(size_t))) ||
        !(m->nd_kid = dfg_malloc(nn * sizeof(size_t))) ||
        !(m->lg_u = dfg_malloc(nl * ns * sizeof(double))) ||
        !(m->dg_u = dfg_malloc(nl * ns * sizeof(double))) ||
        !(m->dg_v = dfg_malloc(nl * ns * sizeof(double))) ||
        !(m->cm_u = dfg_malloc(nl * sizeof(double))) ||
        !(m->dc_u = dfg_malloc(nl * sizeof(double))) ||
        !(m->dc_v = dfg_malloc(nl * sizeof(double)))) {
        tree_free(m);
        return dfg_err_set(err, DFG_ENOMEM, "dga", "bound cache of %zu leaves", nl);
    }
    m->n_node = 1;
    tree_fill(m, 0, 0, m->ng - 1);
    jb.phase = 6;
    rc = run_phase(&jb, nt, err);
    if (rc)
        tree_free(m);
    return rc;
}

/* The per-subset constants of the model for the observed cells y[0..2^k-1]. */
static void model_setup(model *m, const double *y, double delta)
{
    size_t k = m->k, nc = (size_t)1 << k;
    m->A = delta * (double)nc;
    double marg[1u << DGA_MAX_LISTS];
    for (uint32_t S = 1; S < nc; S++) {
        double a = delta * (double)(nc >> dfg_popcount(S));
        memset(marg, 0, sizeof marg);
        for (uint32_t p = 1; p < nc; p++)
            marg[p & S] += y[p];
        double c = lgamma(m->A) - (double)((size_t)1 << dfg_popcount(S)) * lgamma(a);
        for (uint32_t sub = S; sub; sub = (sub - 1) & S) /* the non-zero cells of S */
            c += lgamma(a + marg[sub]);
        m->cst[S] = c;
        m->x[S] = marg[0] + a;
    }
}

dfg_status dfg_dga_run(const dfg_table *t, size_t s, const dfg_dga_opts *o, dfg_dga_result *r,
                       dfg_error *err)
{
    memset(r, 0, sizeof *r);
    if (!t || !o)
        return dfg_err_set(err, DFG_EINVAL, "dga", "table and options must not be NULL");
    size_t k = dfg_table_k(t);
    dfg_status rc = check_opts(o, k, err);
    if (rc)
        return rc;
    if (s >= dfg_table_n_strata(t))
        return dfg_err_set(err, DFG_EINVAL, "dga", "stratum %zu out of range (%zu strata)", s,
                           dfg_table_n_strata(t));
    double n = dfg_table_n_obs(t, s);
    if (!(n > 0.0))
        return dfg_err_set(err, DFG_EDATA, "dga", "no one observed in stratum %zu", s);

    model m;
    memset(&m, 0, sizeof m);
    double y[1u << DGA_MAX_LISTS];
    graph_out *out = NULL;
    size_t *active = NULL, *sel = NULL;
    dga_graph *graphs = NULL;
    double *row = NULL, *acc = NULL, *vals = NULL;
    if ((rc = dfg_table_cells(t, s, y, err)))
        return rc;
    double delta = o->delta > 0.0 ? o->delta : ldexp(1.0, -(int)k);
    m.k = k;
    m.nsub = (size_t)1 << k;
    m.n = n;
    m.prior = o->prior;
    m.lo = o->min_missing;
    m.step = o->step;
    for (size_t q = 0; q < ANCHOR; q++)
        m.qstep[q] = (double)q * m.step;
    model_setup(&m, y, delta);
    if ((rc = dfg_dga_graphs_enumerate(k, &graphs, &m.n_graphs, err)))
        goto done;
    m.g = graphs;
    if (!(m.cg = dfg_malloc(m.n_graphs * sizeof *m.cg)) ||
        !(out = dfg_malloc(m.n_graphs * sizeof *out)) ||
        !(active = dfg_malloc(m.n_graphs * sizeof *active)) ||
        !(vals = dfg_malloc(m.n_graphs * sizeof *vals))) {
        rc = dfg_err_set(err, DFG_ENOMEM, "dga", "%zu graphs", m.n_graphs);
        goto done;
    }
    for (size_t gi = 0; gi < m.n_graphs; gi++) {
        double c = 0.0;
        for (size_t q = 0; q < graphs[gi].n_terms; q++)
            c += graphs[gi].coef[q] * m.cst[graphs[gi].set[q]];
        m.cg[gi] = c;
    }
    size_t nt = o->threads > 1 ? (size_t)o->threads : 1;

    /* the grid: fixed, or doubled until the upper half holds less than tail_tol */
    int automatic = o->max_missing == 0.0;
    double hi = automatic ? fmax(fmax(10.0 * n, 1000.0), m.lo + 64.0 * m.step) : o->max_missing;
    if (grid_points(&m, hi) > DFG_DGA_MAX_GRID) {
        rc = dfg_err_set(err, DFG_EINVAL, "dga",
                         "the grid of N0 from %.0f to %.0f at step %.0f would hold %.0f points, "
                         "more than %d: give a step of at least %.0f%s",
                         m.lo, hi, m.step, grid_points(&m, hi), DFG_DGA_MAX_GRID,
                         ceil((hi - m.lo) / (DFG_DGA_MAX_GRID - 1.0)),
                         automatic ? " (the automatic grid starts at 10 times the people "
                                     "registered)"
                                   : " or a smaller max_missing");
        goto done;
    }
    double lz = -HUGE_VAL, lupper = -HUGE_VAL, T = 0.0, R = 0.0, left_out = 0.0;
    size_t acc0 = 0, accw = 0;
    size_t n_active = 0;
    for (;;) {
        m.ng = (size_t)grid_points(&m, hi);
        job jb;
        memset(&jb, 0, sizeof jb);
        jb.m = &m;
        jb.out = out;
        /* L, a value of the joint posterior near its maximum: every graph at the peak of
         * the independence graph (graph 0), then a local search on the PEAK_GRAPHS graphs
         * best there */
        if ((rc = tree_build(&m, nt, err)))
            goto done;
        double probe_lg[1u << DGA_MAX_LISTS];
        double probe_n0 = grid_n0(&m, peak_index(&m, 0));
        subset_terms(&m, probe_n0, probe_lg);
        jb.probe_lg = probe_lg;
        jb.probe_common = common_at(&m, probe_n0);
        jb.phase = 1;
        if ((rc = run_phase(&jb, nt, err)))
            goto done;
        double L = -HUGE_VAL, cut = -HUGE_VAL;
        if (m.n_graphs > PEAK_GRAPHS) {
            for (size_t gi = 0; gi < m.n_graphs; gi++)
                vals[gi] = out[gi].peak;
            qsort(vals, m.n_graphs, sizeof *vals, cmp_desc);
            cut = vals[PEAK_GRAPHS - 1];
        }
        for (size_t gi = 0; gi < m.n_graphs; gi++) {
            double v = out[gi].peak >= cut ? local_peak(&m, gi) : out[gi].peak;
            if (v > L)
                L = v;
        }
        if (!isfinite(L)) {
            rc = dfg_err_set(err, DFG_EINTERNAL, "dga", "log posterior not finite (%g)", L);
            goto done;
        }
        jb.phase = 2;
        jb.T = T = L - PRUNE_MARGIN - log((double)m.n_graphs * (double)m.ng);
        /* first grid index of the upper half (hi/2, hi] of N0 */
        double h = hi / 2.0;
        jb.half = h < m.lo ? 0 : (size_t)floor((h - m.lo) / m.step) + 1;
        cache_free(&m);
        if ((rc = run_phase(&jb, nt, err)))
            goto done;
        if ((rc = cache_fill(&m, out, nt, err)))
            goto done;
        /* the union of the ranges, and the chunk accumulators over it */
        acc0 = SIZE_MAX;
        size_t u1 = 0;
        for (size_t gi = 0; gi < m.n_graphs; gi++)
            if (out[gi].a <= out[gi].b) {
                acc0 = out[gi].a < acc0 ? out[gi].a : acc0;
                u1 = out[gi].b > u1 ? out[gi].b : u1;
            }
        dfg_free(acc);
        acc = NULL;
        accw = acc0 <= u1 ? u1 - acc0 + 1 : 0;
        if (accw > 0 && (double)N_CHUNK * (double)accw <= CACHE_MAX &&
            !(acc = dfg_calloc(N_CHUNK * accw, sizeof *acc))) {
            rc = dfg_err_set(err, DFG_ENOMEM, "dga", "posterior accumulators (%zu)", accw);
            goto done;
        }
        jb.phase = 4;
        jb.R = L;
        jb.n_chunk = N_CHUNK;
        jb.acc = acc;
        jb.acc0 = acc0;
        jb.acc_w = accw;
        jb.pass = 0;
        if ((rc = run_phase(&jb, nt, err)))
            goto done;
        /* graphs whose estimated mass is below LEAVE_OUT of the estimated total */
        double lzest = -HUGE_VAL;
        for (size_t gi = 0; gi < m.n_graphs; gi++)
            lzest = lse2(lzest, out[gi].state == 0 ? out[gi].lest : out[gi].lmass);
        jb.pass = 1;
        jb.cut = lzest + log(LEAVE_OUT);
        if ((rc = run_phase(&jb, nt, err)))
            goto done;
        left_out = 0.0;
        for (size_t gi = 0; gi < m.n_graphs; gi++)
            if (out[gi].state == 2)
                left_out += exp(out[gi].lest - lzest);
        R = L;
        lz = lupper = -HUGE_VAL;
        n_active = 0;
        for (size_t gi = 0; gi < m.n_graphs; gi++) {
            if (out[gi].a > out[gi].b || out[gi].lmass == -HUGE_VAL)
                continue;
            active[n_active++] = gi;
            lz = lse2(lz, out[gi].lmass);
            lupper = lse2(lupper, out[gi].lupper);
        }
        if (n_active == 0 || !isfinite(lz)) {
            rc = dfg_err_set(err, DFG_EINTERNAL, "dga", "no graph above the pruning bound");
            goto done;
        }
        if (!automatic || exp(lupper - lz) < o->tail_tol)
            break;
        int capped = grid_points(&m, 2.0 * hi) > DFG_DGA_MAX_GRID;
        if (hi >= AUTO_MAX_HI || capped) {
            rc = dfg_err_set(err, DFG_ENOCONV, "dga",
                             "the posterior mass of N0 in (%.0f, %.0f] is %.3g > tail_tol %g: "
                             "the posterior tail is too heavy (%s)",
                             hi / 2.0, hi, exp(lupper - lz), o->tail_tol,
                             hi < AUTO_MAX_HI ? "a larger step lets the grid grow further"
                                              : "delta too small?");
            break;
        }
        hi *= 2.0;
    }

    /* results */
    r->k = k;
    r->n_obs = n;
    r->delta = delta;
    r->prior = o->prior;
    r->level = o->level;
    r->n_graphs = m.n_graphs;
    r->n_active = n_active;
    r->grid_lo = m.lo;
    r->grid_step = m.step;
    r->n_grid = m.ng;
    r->upper_half_mass = exp(lupper - lz);
    r->left_out_mass = left_out;
    r->mean_infinite = ((double)(((size_t)1 << k) - 1) * delta <= 1.0);
    {
        dfg_status rc2 = DFG_OK;
        if (!(r->post = dfg_malloc(m.ng * sizeof *r->post))) {
            rc2 = dfg_err_set(err, DFG_ENOMEM, "dga", "posterior of %zu grid points", m.ng);
            goto fail;
        }
        int over = 0;
        for (size_t q = 0; q < n_active; q++)
            over |= out[active[q]].over;
        if (acc && !over) {
            /* post = the chunk sums in chunk order, scaled from exp(v - R) to exp(v - lz) */
            double sc = exp(R - lz);
            for (size_t i = 0; i < m.ng; i++) {
                double v = 0.0;
                if (i >= acc0 && i - acc0 < accw)
                    for (size_t c = 0; c < N_CHUNK; c++)
                        v += acc[c * accw + i - acc0];
                r->post[i] = v * sc;
            }
        } else {
            job jb;
            memset(&jb, 0, sizeof jb);
            jb.m = &m;
            jb.out = out;
            jb.phase = 3;
            jb.active = active;
            jb.n_active = n_active;
            jb.lz = lz;
            jb.T = T;
            jb.post = r->post;
            if ((rc2 = run_phase(&jb, nt, err)))
                goto fail;
        }
        double ptot = 0.0;
        for (size_t i = 0; i < m.ng; i++)
            ptot += r->post[i];
        dfg_dga_summarize(r->post, m.ng, ptot, n + m.lo, m.step, o->level, &r->N);
        dfg_dga_summarize(r->post, m.ng, ptot, m.lo, m.step, o->level, &r->dark);

        size_t top = o->top < n_active ? o->top : n_active;
        if (top > 0) {
            if (!(sel = dfg_malloc(top * sizeof *sel)) ||
                !(r->top = dfg_calloc(top, sizeof *r->top))) {
                rc2 = dfg_err_set(err, DFG_ENOMEM, "dga", "top graphs");
                goto fail;
            }
            r->n_top = pick_top(out, active, n_active, top, sel);
            size_t wmax = 0;
            for (size_t q = 0; q < r->n_top; q++)
                if (out[sel[q]].b - out[sel[q]].a + 1 > wmax)
                    wmax = out[sel[q]].b - out[sel[q]].a + 1;
            if (!(row = dfg_malloc(wmax * sizeof *row))) {
                rc2 = dfg_err_set(err, DFG_ENOMEM, "dga", "graph posterior row");
                goto fail;
            }
            for (size_t q = 0; q < r->n_top; q++) {
                size_t gi = sel[q];
                const graph_out *go = &out[gi];
                dfg_dga_graph *tg = &r->top[q];
                tg->index = gi;
                tg->prob = exp(go->lmass - lz);
                double tot = 0.0;
                for (size_t i = go->a; i <= go->b; i += ANCHOR) {
                    size_t len = go->b - i + 1 < ANCHOR ? go->b - i + 1 : ANCHOR;
                    double eb[ANCHOR]; /* walk_block fills all ANCHOR slots */
                    if (m.rcomm && !walk_block(&m, gi, i, len, go->lmass, eb))
                        memcpy(row + (i - go->a), eb, len * sizeof *eb);
                    else
                        for (size_t h = 0; h < len; h++)
                            row[i - go->a + h] =
                                exp(logpost(&m, gi, grid_n0(&m, i + h)) - go->lmass);
                    for (size_t h = 0; h < len; h++)
                        tot += row[i - go->a + h];
                }
                dfg_dga_summarize(row, go->b - go->a + 1, tot, n + grid_n0(&m, go->a), m.step,
                                  o->level, &tg->N);
                format_cliques(&graphs[gi], tg->model, sizeof tg->model);
            }
        }
    fail:
        if (rc2) {
            dfg_dga_result_free(r);
            memset(r, 0, sizeof *r);
            rc = rc2;
        }
    }

done:
    tree_free(&m);
    dfg_free(row);
    dfg_free(sel);
    dfg_free(active);
    dfg_free(out);
    cache_free(&m);
    dfg_free(acc);
    dfg_free(vals);
    dfg_free(m.cg);
    dfg_free(graphs);
    return rc;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * The estimator "dga": the posterior median with the equal-tailed interval
 * ======================================================================= */

static dfg_status est_dga(const dfg_table *t, size_t s, const dfg_est_opts *eo, dfg_estimate *out,
                          dfg_error *err)
{
    memset(out, 0, sizeof *out);
    out->n_obs = dfg_table_n_obs(t, s);
    out->nhat = out->se = out->dark = NAN;
    out->deviance = out->df = out->aic = out->bic = NAN;
    dfg_dga_opts o = dfg_dga_opts_default();
    o.top = 1;
    if (eo->want_ci && eo->level > 0.0 && eo->level < 1.0)
        o.level = eo->level;
    dfg_dga_result r;
    dfg_status rc = dfg_dga_run(t, s, &o, &r, err);
    if (rc && rc != DFG_ENOCONV)
        return rc;
    out->status = rc;
    out->check = DFG_CHECK_FINE;
    out->nhat = r.N.median;
    out->dark = r.N.median - out->n_obs;
    out->ci.type = DFG_CI_POSTERIOR;
    out->ci.level = o.level;
    out->ci.point = r.N.median;
    out->ci.lower = r.N.lower;
    out->ci.upper = r.N.upper;
    if (!eo->want_ci)
        out->ci.type = DFG_CI_NONE;
    if (r.n_top > 0)
        snprintf(out->model, sizeof out->model, "%s", r.top[0].model);
    snprintf(out->note, sizeof out->note,
             "posterior median over %zu decomposable graphs (top %.3f); mean %.1f%s", r.n_graphs,
             r.n_top ? r.top[0].prob : (double)NAN, r.N.mean,
             r.mean_infinite ? " on the grid (untruncated mean infinite)" : "");
    dfg_dga_result_free(&r);
    return rc;
}

const dfg_estimator dfg_est_dga = {
    "dga", "Bayesian model averaging over decomposable graphs (Madigan & York 1997; dga)", 3,
    est_dga};

/* ** }====================================================================== */
