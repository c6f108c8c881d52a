/* models/lcmcr.c: the Bayesian latent-class model of Manrique-Vallier (2016), as the R
 * package LCMCR's lcmCR, sampled on distinct capture patterns with counts.
 *
 * Model (Manrique-Vallier 2016, Biometrics 72:1246, Sec. 2): N people, person i in latent
 * class z_i ~ Discrete(pi), on list j with probability lambda_{j z_i}, lists independent
 * given the class. lambda_jk ~ Beta(1, 1); V_k ~ Beta(1, alpha) (k < K), V_K = 1,
 * pi_k = V_k prod_{l<k} (1 - V_l); alpha ~ Gamma(a, rate b); p(N) ~ 1/N.
 *
 * Gibbs sweep (the paper's Sec. 3 data augmentation; people with the same capture
 * pattern are exchangeable, so each pattern's class counts are one multinomial draw):
 *  1. each observed pattern x with count c_x: class counts ~ Multinomial(c_x; w), w_k
 *     proportional to pi_k prod_j lambda_jk^x_j (1 - lambda_jk)^(1 - x_j);
 *  2. the n0 unobserved people: class counts ~ Multinomial(n0; w0),
 *     w0_k proportional to pi_k prod_j (1 - lambda_jk);
 *  3. lambda_jk ~ Beta(1 + s_jk, 1 + n_k - s_jk), n_k = people in class k (observed and
 *     not), s_jk = of them on list j;
 *  4. V_k ~ Beta(1 + n_k, alpha + sum_{l>k} n_l), k < K; pi from V (see stick_draw: as a
 *     ratio of two gamma draws, or on the log scale where 1 - V_k can be far below
 *     DBL_MIN, as when alpha < 1 and the later classes are empty: alpha depends on
 *     log(1 - V_k), kept exact);
 *  5. alpha ~ Gamma(a + K - 1, rate b - sum_{k<K} log(1 - V_k)); then one label-swap
 *     Metropolis move (Hastie, Liverani & Richardson 2015, move 1; see label_swap);
 *  6. n0 given pi, lambda, with the unobserved classes summed out: with
 *     pi0 = sum_k pi_k prod_j (1 - lambda_jk) (the probability of being on no list),
 *     p(n0 | .) ~ (1/N) C(N, n) pi0^n0 (1 - pi0)^n ~ C(n + n0 - 1, n0) pi0^n0 (1 - pi0)^n:
 *     n0 ~ NegativeBinomial(size n, success probability 1 - pi0), drawn as the
 *     Gamma-Poisson mixture n0 ~ Poisson(G), G ~ Gamma(n, scale pi0 / (1 - pi0)).
 * One sweep costs O(patterns x K x lists) whatever the number of people: the people
 * enter only as counts, a multinomial of any size costs a few binomial draws (BTRD, O(1)
 * in n; see allocate).
 *
 * Arithmetic. pi is kept on the linear scale with the parts of its exact logarithm (see
 * lc_chain); the weights of pattern x are pi_k q_k prod_{j in x} odds_jk
 * (q_k = prod_j (1 - lambda_jk), odds = lambda / (1 - lambda)), relative to the largest
 * pi_k q_k: products, no exp or log. Where they could under- or overflow (q_k or pi_k q_k
 * below 1e-280, more than 17 lists with a product near the double range, a pattern whose
 * weights all underflow) the same weights are computed on the log scale
 * (log pi_k + sum_j log(1 - lambda_jk) + sum_{j in x} logit lambda_jk), so 30 lists with
 * small lambda do not underflow. 1 - pi0 is sum_k pi_k (1 - q_k), 1 - q_k summed without
 * cancellation, to keep its digits when pi0 is near 1. Every draw is exact up to double
 * rounding: the same Markov chain as the paper's sampler, only faster.
 *
 * Random numbers: each chain's stream (seed, stratum x chains + chain) of
 * core/rng_fast.h (xoshiro256++), its variates inline: uniform, ziggurat normal,
 * Marsaglia-Tsang gamma, BTRD binomial, PTRS Poisson.
 *
 * Chains start dispersed, each from its own stream: lambda_jk = (people on list j / n)
 * exp(u), u ~ Uniform(-1/2, 1/2); V_k ~ Beta(1, 1); n0 = n exp(u), u ~ Uniform(log 0.05,
 * log 20); then, as LCMCR does, 500 warm-up sweeps with alpha held at 0.3 / K and the
 * classes relabelled by decreasing pi before the burn-in starts.
 *
 * Copyright (C) 2026 the darkfig authors. SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* ** {======================================================================
 * Options
 * ======================================================================= */

dfg_lcmcr_opts dfg_lcmcr_opts_default(void)
{
    dfg_lcmcr_opts o;
    memset(&o, 0, sizeof o);
    o.K = 10;
    o.a_alpha = 0.25;
    o.b_alpha = 0.25;
    o.chains = 4;
    o.burnin = 10000;
    o.samples = 5000;
    o.thin = 20;
    o.seed = 1;
    o.threads = 1;
    o.level = 0.95;
    o.rhat_max = 1.01;
    o.ess_min = 400.0;
    o.cancel = NULL;
    o.progress = NULL;
    o.progress_data = NULL;
    return o;
}

/* Sweeps per chain must fit the loop counter and n0 the 32-bit multinomial. */
#define MAX_SWEEPS ((size_t)1 << 40)
#define MAX_K 1000

dfg_status dfg_lcmcr_check(const dfg_lcmcr_opts *o, dfg_error *err)
{
    if (!o)
        return dfg_err_set(err, DFG_EINVAL, "lcmcr", "no options");
    if (o->K < 2 || o->K > MAX_K)
        return dfg_err_set(err, DFG_EINVAL, "lcmcr", "K (classes) must be in 2 .. %d (got %zu)",
                           MAX_K, o->K);
    if (!(o->a_alpha > 0.0) || !isfinite(o->a_alpha))
        return dfg_err_set(err, DFG_EINVAL, "lcmcr",
                           "prior shape a_alpha must be positive and finite (got %g)", o->a_alpha);
    if (!(o->b_alpha > 0.0) || !isfinite(o->b_alpha))
        return dfg_err_set(err, DFG_EINVAL, "lcmcr",
                           "prior rate b_alpha must be positive and finite (got %g)", o->b_alpha);
    if (o->chains < 1 || o->chains > 1024)
        return dfg_err_set(err, DFG_EINVAL, "lcmcr", "chains must be in 1 .. 1024 (got %zu)",
                           o->chains);
    if (o->samples < 4)
        return dfg_err_set(err, DFG_EINVAL, "lcmcr",
                           "samples (draws kept per chain) must be >= 4 (got %zu)", o->samples);
    if (o->thin < 1)
        return dfg_err_set(err, DFG_EINVAL, "lcmcr", "thin must be >= 1 (got %zu)", o->thin);
    if (o->samples > MAX_SWEEPS / o->thin || o->burnin > MAX_SWEEPS - o->samples * o->thin)
        return dfg_err_set(err, DFG_EINVAL, "lcmcr",
                           "burn-in + samples x thin must be below 2^40 sweeps");
    if (o->threads < 1)
        return dfg_err_set(err, DFG_EINVAL, "lcmcr", "threads must be >= 1 (got %d)", o->threads);
    if (!(o->level > 0.0 && o->level < 1.0))
        return dfg_err_set(err, DFG_EINVAL, "lcmcr", "level must be in (0, 1) (got %g)", o->level);
    if (!(o->rhat_max >= 1.0))
        return dfg_err_set(err, DFG_EINVAL, "lcmcr", "rhat_max must be >= 1 (got %g)", o->rhat_max);
    if (!(o->ess_min >= 0.0))
        return dfg_err_set(err, DFG_EINVAL, "lcmcr", "ess_min must be >= 0 (got %g)", o->ess_min);
    return DFG_OK;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * One chain
 * ======================================================================= */

/* A stratum's data: P patterns with positive counts. */
typedef struct {
    size_t J, P;
    const uint32_t *pat;
    const unsigned *cnt;
    double n; /* people observed */
} lc_data;

/* The state and scratch of one chain; K x J arrays are class-major: [k * J + j].
 * pi is kept on the linear scale (pi_k = V_k P_k, P_k = prod_{l<k} (1 - V_l); it may
 * underflow to 0 for the far classes of the stick, whose weights are then 0 to double
 * precision in any case) together with what gives its exact logarithm:
 * log pi_k = log pv_k + pcl_k + log pca_k, where pv_k = V_k and P_k = exp(pcl_k) pca_k
 * (a product of the factors 1 - V_l, its logarithm taken only when it gets small). */
typedef struct {
    size_t K, J;
    double *lam;   /* lambda_jk */
    double *odds;  /* lambda / (1 - lambda), list-major: [j * K + k] (the classes of one
                      list side by side, so a pattern's weights are products of rows) */
    double *dlog;  /* log lambda - log(1 - lambda), filled only when the log path needs it */
    int have_logs; /* dlog and L0 are filled for this sweep */
    double *q;     /* prod_j (1 - lambda_jk), per k */
    double *u;     /* 1 - q_k, summed without cancellation */
    double *pi;    /* pi_k, linear */
    double *pv, *pcl, *pca; /* V_k, and P_k = exp(pcl_k) pca_k */
    double *L0;             /* log pi_k + log q_k (the log path only) */
    double *e0;             /* the weights of the empty pattern, pi_k q_k / max_l pi_l q_l */
    double *w;              /* weights, K */
    double *cw;             /* scratch, K */
    size_t *ord;            /* scratch: the heavy classes of a multinomial draw, K */
    double *mk;             /* scratch: people drawn one by one per class, K, kept 0 between uses */
    size_t *hit;            /* scratch: the classes with people in mk, K */
    size_t *lt;             /* scratch: the light classes of a multinomial draw, K */
    size_t *eord;           /* the classes by decreasing e0 (a permutation of 0 .. K-1) */
    double *ws;             /* suffix sums of the heavy classes' weights, K */
    double *nk;             /* people per class, K */
    double *sk;             /* of them on list j, list-major: [j * K + k] */
    double alpha;
    double n0;
    double occupied;
} lc_chain;

static void chain_free(lc_chain *c)
{
    if (!c)
        return;
    double *a[] = {c->lam, c->odds, c->dlog, c->q, c->u,  c->pi, c->pv, c->pcl,
                   c->pca, c->L0,   c->e0,   c->w, c->cw, c->ws, c->nk, c->sk};
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++)
        dfg_free(a[i]);
    dfg_free(c->ord);
    dfg_free(c->mk);
    dfg_free(c->hit);
    dfg_free(c->lt);
    dfg_free(c->eord);
    memset(c, 0, sizeof *c);
}

static int chain_alloc(lc_chain *c, size_t K, size_t J)
{
    memset(c, 0, sizeof *c);
    c->K = K;
    c->J = J;
    int bad = 0;
#define GET(f, n) bad |= !(c->f = dfg_malloc((n) * sizeof *c->f))
    GET(lam, K * J);
    GET(odds, K * J);
    GET(dlog, K * J);
    GET(sk, K * J);
    GET(q, K);
    GET(u, K);
    GET(pi, K);
    GET(pv, K);
    GET(pcl, K);
    GET(pca, K);
    GET(L0, K);
    GET(e0, K);
    GET(w, K);
    GET(cw, K);
    GET(ord, K);
    GET(hit, K);
    GET(lt, K);
    GET(eord, K);
#undef GET
    bad |= !(c->mk = dfg_calloc(K, sizeof *c->mk));
#define GET(f, n) bad |= !(c->f = dfg_malloc((n) * sizeof *c->f))
    GET(ws, K);
    GET(nk, K);
#undef GET
    if (bad) {
        chain_free(c);
        return -1;
    }
    for (size_t k = 0; k < K; k++)
        c->eord[k] = k;
    return 0;
}

/* Keep a probability inside (0, 1) so that its logs and odds stay finite. */
static double clamp01(double p)
{
    if (p < DBL_MIN)
        return DBL_MIN;
    if (p > 1.0 - DBL_EPSILON / 2.0)
        return 1.0 - DBL_EPSILON / 2.0;
    return p;
}

/* After lambda changed: odds, q_k = prod_j (1 - lambda_jk), u_k = 1 - q_k by the
 * recurrence u <- u + lambda (1 - u) (no cancellation). */
static void lambda_derived(lc_chain *c)
{
    size_t J = c->J;
    size_t K = c->K;
    for (size_t k = 0; k < K; k++) {
        const double *l = c->lam + k * J;
        double q = 1.0, u = 0.0;
        for (size_t j = 0; j < J; j++) {
            c->odds[j * K + k] = l[j] / (1.0 - l[j]);
            q *= 1.0 - l[j];
            u += l[j] * (1.0 - u);
        }
        c->q[k] = q;
        c->u[k] = u;
    }
}

/* log pi_k, exact even where pi_k underflowed. */
static double log_pi(const lc_chain *c, size_t k)
{
    return log(c->pv[k]) + c->pcl[k] + log(c->pca[k]);
}

/* Running product P = exp(cl) acc of the stick's factors 1 - V: the logarithm of acc is
 * moved into cl when acc gets below STICK_FLUSH, and a factor below it goes to cl as its
 * logarithm, so P's logarithm stays exact however small P is (acc w >= 1e-300 > DBL_MIN:
 * no underflow in acc). */
#define STICK_FLUSH 1e-150

/* Class k of the stick with V_k = v, 1 - V_k = w (lw = log w where w may underflow, else
 * NAN): pi_k = v P_k and the parts of log pi_k; st = {P linear, cl, acc} is advanced to
 * P_{k+1} = P_k w. */
static void stick_put(lc_chain *c, size_t k, double v, double w, double lw, double st[3])
{
    c->pv[k] = v;
    c->pcl[k] = st[1];
    c->pca[k] = st[2];
    c->pi[k] = v * st[0];
    st[0] *= w;
    if (w >= STICK_FLUSH) {
        st[2] *= w;
        if (st[2] < STICK_FLUSH) {
            st[1] += log(st[2]);
            st[2] = 1.0;
        }
    } else {
        st[1] += isnan(lw) ? log(w) : lw;
    }
}

/* The last class, V_{K-1} = 1; returns log P_{K-1} = sum_{k<K-1} log(1 - V_k). */
static double stick_end(lc_chain *c, const double st[3])
{
    size_t k = c->K - 1;
    c->pv[k] = 1.0;
    c->pcl[k] = st[1];
    c->pca[k] = st[2];
    c->pi[k] = st[0];
    return st[1] + log(st[2]);
}

/* n0 ~ NegBin(n, 1 - pi0) as Poisson(Gamma(n, pi0 / (1 - pi0))), pi0 = sum_k pi_k q_k,
 * 1 - pi0 = sum_k pi_k u_k. Returns -1 when the draw leaves the range the multinomial
 * of step 2 can take (the chain diverged). */
static int draw_n0(lc_chain *c, const lc_data *d, dfg_xrng *r)
{
    double one_minus_pi0 = 0.0, pi0 = 0.0;
    for (size_t k = 0; k < c->K; k++) {
        one_minus_pi0 += c->pi[k] * c->u[k];
        pi0 += c->pi[k] * c->q[k];
    }
    if (!(one_minus_pi0 > 0.0))
        return -1;
    double g = pi0 / one_minus_pi0 * dfg_xrng_gamma(r, d->n);
    if (!(g < 4.0e9 - d->n))
        return -1;
    c->n0 = dfg_xrng_poisson(r, g);
    if (!(c->n0 + d->n < 4.2e9))
        return -1;
    return 0;
}

static void chain_init(lc_chain *c, const lc_data *d, dfg_xrng *r)
{
    size_t K = c->K, J = c->J;
    /* lambda_jk = the list's share of the people observed, times exp(u), u ~ U(-1/2, 1/2) */
    for (size_t j = 0; j < J; j++) {
        double nj = 0.0;
        for (size_t p = 0; p < d->P; p++)
            if (d->pat[p] >> j & 1u)
                nj += d->cnt[p];
        for (size_t k = 0; k < K; k++)
            c->lam[k * J + j] = clamp01(fmin(0.99, nj / d->n * exp(dfg_xrng_uniform(r) - 0.5)));
    }
    lambda_derived(c);
    /* V_k ~ U(0, 1) */
    double st[3] = {1.0, 0.0, 1.0};
    for (size_t k = 0; k + 1 < K; k++) {
        double v = clamp01(dfg_xrng_uniform_pos(r));
        stick_put(c, k, v, 1.0 - v, NAN, st);
    }
    stick_end(c, st);
    c->alpha = 0.3 / (double)K;
    double u = log(0.05) + (log(20.0) - log(0.05)) * dfg_xrng_uniform(r);
    c->n0 = floor(d->n * exp(u) + 0.5);
}

/* Relabel the classes by decreasing pi (lambda and pi move together). The truncated
 * stick-breaking prior is not exchangeable: a large class with a late label is a state
 * the sampler leaves only slowly. Done once, at the end of the warm-up (as LCMCR does
 * after its warm-up), so it is part of the starting point, not of the chain. */
static void relabel(lc_chain *c)
{
    size_t K = c->K, J = c->J;
    size_t *ord = c->ord;
    double *lp = c->e0; /* scratch: log pi, rewritten by the next sweep */
    for (size_t k = 0; k < K; k++)
        lp[k] = log_pi(c, k);
    for (size_t k = 0; k < K; k++) {
        size_t i = k;
        while (i > 0 && lp[ord[i - 1]] < lp[k]) {
            ord[i] = ord[i - 1];
            i--;
        }
        ord[i] = k;
    }
    /* permute through scratch: sk (K x J) and w, cw, ws, L0 (K) are rewritten by every
       sweep */
    double *from[] = {c->pi, c->pv, c->pcl, c->pca}, *tmp[] = {c->w, c->cw, c->ws, c->L0};
    for (size_t i = 0; i < K; i++) {
        memcpy(c->sk + i * J, c->lam + ord[i] * J, J * sizeof *c->sk);
        for (size_t a = 0; a < 4; a++)
            tmp[a][i] = from[a][ord[i]];
    }
    memcpy(c->lam, c->sk, K * J * sizeof *c->lam);
    for (size_t a = 0; a < 4; a++)
        memcpy(from[a], tmp[a], K * sizeof *from[a]);
    lambda_derived(c);
}

/* One of the n classes idx[0 .. n-1] drawn with probabilities w[idx[i]] / tot (tot their
 * sum, > 0), a search in the order of idx (for single draws eord: the classes by
 * decreasing weight of the empty pattern, so the search usually stops at the first
 * occupied classes); never one of weight 0. */
static size_t categorical_in(dfg_xrng *r, const double *w, const size_t *idx, size_t n, double tot)
{
    double v = dfg_xrng_uniform(r) * tot;
    size_t i = 0;
    while (i + 1 < n && !(v < w[idx[i]]))
        v -= w[idx[i++]];
    while (w[idx[i]] <= 0.0 && i > 0)
        i--;
    return idx[i];
}

/* The `count` people of pattern x (0 for the unobserved) put in classes whose weights are
 * w (tot = their sum > 0), their counts added to n_k and s_jk: an exact multinomial draw.
 * Up to SMALL_COUNT people: one categorical draw each. Above, in two stages. The classes
 * whose expected count is below LIGHT (count w_k / tot < LIGHT: mostly the empty classes,
 * whose weights are tiny) form one group whose count is one binomial,
 * Binomial(count, W_light / tot), nearly always 0 and then decided by one uniform
 * (dfg_xrng_binomial's first test, u < 1 - n p); the people it takes, if any, are drawn
 * one by one among its classes. The other (heavy) classes, in label order, share the rest
 * by conditional binomials, m_i ~ Binomial(left, w_i / sum_{l>=i} w_l), the last taking
 * what is left, or one by one once at most FEW_HEAVY people are left (a binomial costs as
 * much as several single draws). Drawing a group's total first is the multinomial's
 * aggregation property, so the draw is exact whatever the split and the order; the
 * constants only move work between binomials and single draws (within a few per cent
 * on netherlands_6 for SMALL_COUNT 4-24, LIGHT 0.01-0.5, FEW_HEAVY 4-16). */
#define SMALL_COUNT 12
#define LIGHT 0.05
#define FEW_HEAVY 8

/* m people of pattern x put in class k: n_k and the s_jk of the lists j in x grow by m. */
static inline void put(lc_chain *c, uint32_t x, size_t k, double m)
{
    c->nk[k] += m;
    for (uint32_t y = x; y; y &= y - 1)
        c->sk[(size_t)__builtin_ctz(y) * c->K + k] += m;
}

/* `count` people of pattern x drawn one by one among the classes idx[0 .. n-1] with
 * weights w (tot their sum), counted in mk, then put. */
static void put_one_by_one(lc_chain *c, dfg_xrng *r, uint32_t x, unsigned count, const double *w,
                           const size_t *idx, size_t n, double tot)
{
    double *mk = c->mk;
    size_t *hit = c->hit, nhit = 0;
    for (unsigned i = 0; i < count; i++) {
        size_t k = categorical_in(r, w, idx, n, tot);
        if (mk[k] == 0.0)
            hit[nhit++] = k;
        mk[k] += 1.0;
    }
    for (size_t i = 0; i < nhit; i++) {
        put(c, x, hit[i], mk[hit[i]]);
        mk[hit[i]] = 0.0;
    }
}

static void allocate(lc_chain *c, dfg_xrng *r, uint32_t x, unsigned count, const double *w,
                     double tot)
{
    size_t K = c->K, *ord = c->ord, *lt = c->lt, nh = 0, nl = 0;
    if (count <= SMALL_COUNT) {
        put_one_by_one(c, r, x, count, w, c->eord, K, tot);
        return;
    }
    /* heavy classes to ord[0 .. nh-1], light ones to lt[0 .. nl-1], in label order and
       without branches on the weights (both slots written, one counted) */
    double lim = LIGHT * tot / (double)count, wl = 0.0;
    for (size_t k = 0; k < K; k++) {
        int h = w[k] >= lim;
        ord[nh] = k;
        lt[nl] = k;
        nh += (size_t)h;
        nl += (size_t)!h;
        wl += w[k] * (double)!h;
    }
    if (nl && wl > 0.0) {
        unsigned ml = nh ? dfg_xrng_binomial(r, count, wl / tot) : count;
        if (ml) {
            put_one_by_one(c, r, x, ml, w, lt, nl, wl);
            count -= ml;
        }
    }
    if (count == 0 || nh == 0)
        return;
    double *ws = c->ws, acc = 0.0; /* ws[i] = sum of the weights of ord[i .. nh-1] */
    for (size_t i = nh; i-- > 0;)
        ws[i] = (acc += w[ord[i]]);
    size_t i = 0;
    for (; i + 1 < nh && count > FEW_HEAVY; i++) {
        unsigned m = dfg_xrng_binomial(r, count, w[ord[i]] / ws[i]);
        if (m) {
            put(c, x, ord[i], (double)m);
            count -= m;
        }
    }
    if (i + 1 == nh) {
        put(c, x, ord[i], (double)count);
        return;
    }
    put_one_by_one(c, r, x, count, w, ord + i, nh - i, ws[i]);
}

/* Beta(a, b), a, b >= 1; with a = 1 or b = 1 (no one of the class on the list, or
 * everyone) by inversion, 1 - U^(1/b) or U^(1/a), else as G_a / (G_a + G_b). */
static double beta_draw(dfg_xrng *r, double a, double b)
{
    if (a == 1.0)
        return -expm1(log(dfg_xrng_uniform_pos(r)) / b);
    if (b == 1.0)
        return exp(log(dfg_xrng_uniform_pos(r)) / a);
    double ga = dfg_xrng_gamma_ge1(r, a, NULL), gb = dfg_xrng_gamma_ge1(r, b, NULL);
    return ga / (ga + gb);
}

/* log G, G ~ Gamma(a, 1), without underflow for small a: for a < 1,
 * G = G' U^(1/a) with G' ~ Gamma(a + 1, 1), U ~ Uniform(0, 1) (Marsaglia & Tsang 2000,
 * Sec. 6), so log G = log G' + log(U) / a; for a = 1 (an empty class), log(-log U). */
static double log_gamma_draw(dfg_xrng *r, double a)
{
    double lg;
    if (a == 1.0)
        return log(-log(dfg_xrng_uniform_pos(r)));
    if (a > 1.0) {
        dfg_xrng_gamma_ge1(r, a, &lg);
        return lg;
    }
    dfg_xrng_gamma_ge1(r, a + 1.0, &lg);
    return lg + log(dfg_xrng_uniform_pos(r)) / a;
}

/* The log path's tables, once a sweep and only when it is taken: dlog = logit lambda and
 * L0_k = log pi_k + log q_k (log q_k as a sum of log1p: q_k may be below DBL_MIN). */
static void fill_logs(lc_chain *c)
{
    size_t K = c->K, J = c->J;
    if (c->have_logs)
        return;
    for (size_t i = 0; i < K * J; i++)
        c->dlog[i] = log(c->lam[i]) - log1p(-c->lam[i]);
    for (size_t k = 0; k < K; k++) {
        double s0 = 0.0;
        for (size_t j = 0; j < J; j++)
            s0 += log1p(-c->lam[k * J + j]);
        c->L0[k] = log_pi(c, k) + s0;
    }
    c->have_logs = 1;
}

/* Log-scale weights of pattern x into w (the fallback when the linear ones under- or
 * overflow): w_k = exp(lw_k - max lw), lw_k = L0_k + sum_{j in x} logit lambda_jk. */
static void weights_log(lc_chain *c, uint32_t x)
{
    size_t K = c->K, J = c->J;
    fill_logs(c);
    double mx = -INFINITY;
    for (size_t k = 0; k < K; k++) {
        const double *dl = c->dlog + k * J;
        double lw = c->L0[k];
        for (uint32_t y = x; y; y &= y - 1)
            lw += dl[__builtin_ctz(y)];
        c->w[k] = lw;
        if (lw > mx)
            mx = lw;
    }
    for (size_t k = 0; k < K; k++)
        c->w[k] = exp(c->w[k] - mx);
}

/* Step 1: the class counts of every observed pattern into nk and sk (cleared first); and e0, the
 * weights of the unobserved people (step 2). The weight of pattern x in class k is pi_k q_k prod_{j
 * in x} odds_jk, computed on the linear scale relative to the largest pi_k q_k when no class can
 * overflow (checked with the largest odds product) and the pattern's total does not underflow, else
 * on the log scale. */
static void allocate_observed(lc_chain *c, const lc_data *d, dfg_xrng *r)
{
    size_t K = c->K, J = c->J, P = d->P;
    double *e0 = c->e0, *hi = c->cw, M = 0.0;
    c->have_logs = 0;
    for (size_t k = 0; k < K; k++) {
        e0[k] = c->pi[k] * c->q[k];
        M = e0[k] > M ? e0[k] : M;
    }
    int linear = M > 1e-280;
    if (linear) {
        double inv = 1.0 / M;
        for (size_t k = 0; k < K; k++)
            e0[k] *= inv;
        /* e0 <= 1 and odds <= 2^53 (clamp01), so a product over J <= 17 lists stays below
           2^901 < 1e280; with more lists check the largest product class by class */
        if (J > 17) {
            for (size_t k = 0; k < K; k++)
                hi[k] = e0[k];
            for (size_t j = 0; j < J; j++)
                for (size_t k = 0; k < K; k++) {
                    double od = c->odds[j * K + k];
                    hi[k] *= od > 1.0 ? od : 1.0;
                }
            for (size_t k = 0; k < K; k++)
                linear &= hi[k] < 1e280;
        }
    }
    if (!linear) {
        fill_logs(c);
        double mx = -INFINITY;
        for (size_t k = 0; k < K; k++)
            mx = c->L0[k] > mx ? c->L0[k] : mx;
        for (size_t k = 0; k < K; k++)
            e0[k] = exp(c->L0[k] - mx);
    }

    /* classes by decreasing e0: insertion sort from the last sweep's order, nearly sorted */
    size_t *eo = c->eord;
    for (size_t i = 1; i < K; i++) {
        size_t t = eo[i], j = i;
        for (; j > 0 && e0[eo[j - 1]] < e0[t]; j--)
            eo[j] = eo[j - 1];
        eo[j] = t;
    }
    memset(c->nk, 0, K * sizeof *c->nk);
    memset(c->sk, 0, K * J * sizeof *c->sk);
    for (size_t p = 0; p < P; p++) {
        uint32_t x = d->pat[p];
        double *restrict w = c->w, tot = 0.0;
        int ok = linear;
        if (linear) {
            /* w = e0 times one row of odds per list in x, the last product summed as it is
               made (two partial sums: half the chain of dependent adds) */
            const double *restrict e = e0;
            uint32_t y = x;
            if (y & (y - 1)) {
                const double *restrict od = c->odds + (size_t)__builtin_ctz(y) * K;
                for (size_t k = 0; k < K; k++)
                    w[k] = e0[k] * od[k];
                for (y &= y - 1; y & (y - 1); y &= y - 1) {
                    od = c->odds + (size_t)__builtin_ctz(y) * K;
                    for (size_t k = 0; k < K; k++)
                        w[k] *= od[k];
                }
                e = w;
            }
            double t0 = 0.0, t1 = 0.0;
            size_t k = 0;
            if (y) {
                const double *od = c->odds + (size_t)__builtin_ctz(y) * K;
                for (; k + 1 < K; k += 2) {
                    double a = e[k] * od[k], b = e[k + 1] * od[k + 1];
                    w[k] = a;
                    w[k + 1] = b;
                    t0 += a;
                    t1 += b;
                }
                if (k < K)
                    t0 += w[k] = e[k] * od[k];
            } else {
                for (; k + 1 < K; k += 2) {
                    w[k] = e0[k];
                    w[k + 1] = e0[k + 1];
                    t0 += e0[k];
                    t1 += e0[k + 1];
                }
                if (k < K)
                    t0 += w[k] = e0[k];
            }
            tot = t0 + t1;
            ok = tot > 1e-280; /* else every class underflowed: redo on the log scale */
        }
        if (!ok) {
            weights_log(c, x);
            tot = 0.0;
            for (size_t k = 0; k < K; k++)
                tot += w[k];
        }
        if (d->cnt[p] == 1) /* one person: one categorical draw */
            put(c, x, categorical_in(r, w, c->eord, K, tot), 1.0);
        else
            allocate(c, r, x, d->cnt[p], w, tot);
    }
}

/* Move 1 of Hastie, Liverani & Richardson (2015, Stat. Comput. 25:1023): two labels
 * j != l drawn uniformly swap their classes (lambda and people); the stick-breaking weights
 * pi stay with the labels. The likelihood and the lambda prior do not change, p(z | pi) =
 * prod_k pi_k^n_k does: the swap is accepted with probability
 * min(1, (pi_l / pi_j)^(n_j - n_l)) (always when n_j = n_l, e.g. two empty classes). The
 * truncated stick-breaking prior is not exchangeable; without such moves a large class
 * under a late label stays there long. */
static void label_swap(lc_chain *c, dfg_xrng *r)
{
    size_t K = c->K, J = c->J;
    size_t j = (size_t)dfg_xrng_below(r, (uint32_t)K);
    size_t l = (size_t)dfg_xrng_below(r, (uint32_t)(K - 1));
    if (l >= j)
        l++;
    double dn = c->nk[j] - c->nk[l];
    if (dn != 0.0) {
        double logacc = dn * (log_pi(c, l) - log_pi(c, j));
        if (!(logacc >= 0.0 || log(dfg_xrng_uniform_pos(r)) < logacc))
            return;
    }
    double t;
#define SWAP(a, b) (t = (a), (a) = (b), (b) = t)
    for (size_t i = 0; i < J; i++) {
        SWAP(c->lam[j * J + i], c->lam[l * J + i]);
        SWAP(c->odds[i * K + j], c->odds[i * K + l]);
    }
    SWAP(c->nk[j], c->nk[l]);
    SWAP(c->q[j], c->q[l]);
    SWAP(c->u[j], c->u[l]);
#undef SWAP
}

/* V_k ~ Beta(a, b), a >= 1, into the stick (st, as stick_put): as G_a / (G_a + G_b) from
 * two gamma draws when b >= 1; when b < 1 (alpha < 1 and no one in the later classes)
 * 1 - V can be far below DBL_MIN: for a = 1 (an empty class) by inversion,
 * 1 - V = U^(1/b), else G_b = G_{b+1} U^(1/b) (Marsaglia & Tsang 2000, Sec. 6) on the log
 * scale. */
static void stick_draw(lc_chain *c, dfg_xrng *r, size_t k, double a, double b, double st[3])
{
    double v, w, lw = NAN;
    if (b >= 1.0) {
        double g1 = dfg_xrng_gamma_ge1(r, a, NULL), g2 = dfg_xrng_gamma_ge1(r, b, NULL);
        double s = g1 + g2;
        v = g1 / s;
        w = g2 / s;
    } else if (a == 1.0) {
        lw = log(dfg_xrng_uniform_pos(r)) / b;
        w = exp(lw);
        v = w > 0.5 ? -expm1(lw) : 1.0 - w;
    } else {
        double lg1 = log(dfg_xrng_gamma_ge1(r, a, NULL)), lg2 = log_gamma_draw(r, b);
        if (lg2 < lg1) { /* t = G_b / G_a <= 1 */
            double t = exp(lg2 - lg1);
            v = 1.0 / (1.0 + t);
            w = t / (1.0 + t);
            lw = lg2 - lg1 - log1p(t);
        } else {
            double t = exp(lg1 - lg2);
            v = t / (1.0 + t);
            w = 1.0 / (1.0 + t);
            lw = -log1p(t);
        }
    }
    stick_put(c, k, v, w, lw, st);
}

/* One Gibbs sweep (steps 1-6 of the file comment); warm: alpha held (the warm-up).
 * Returns -1 when the chain diverged. */
static int sweep(lc_chain *c, const lc_data *d, const dfg_lcmcr_opts *o, dfg_xrng *r, double *a1,
                 double *b1, int warm)
{
    size_t K = c->K, J = c->J;
    /* 1. observed patterns */
    allocate_observed(c, d, r);

    /* 2. the unobserved people, in aggregate */
    if (c->n0 > 0.0) {
        double tot = 0.0;
        for (size_t k = 0; k < K; k++)
            tot += c->e0[k];
        allocate(c, r, 0, (unsigned)c->n0, c->e0, tot);
    }
    double occ = 0.0;
    for (size_t k = 0; k < K; k++)
        occ += c->nk[k] > 0.0;
    c->occupied = occ;

    /* 3. lambda_jk ~ Beta(1 + s_jk, 1 + n_k - s_jk); an empty class draws from the prior */
    for (size_t k = 0; k < K; k++) {
        double *lam = c->lam + k * J;
        if (c->nk[k] == 0.0) {
            for (size_t j = 0; j < J; j++)
                lam[j] = clamp01(dfg_xrng_uniform_pos(r));
        } else {
            for (size_t j = 0; j < J; j++) {
                double s = c->sk[j * K + k];
                lam[j] = clamp01(beta_draw(r, 1.0 + s, 1.0 + c->nk[k] - s));
            }
        }
    }
    lambda_derived(c);

    /* 4. V_k ~ Beta(1 + n_k, alpha + sum_{l>k} n_l), k < K; V_K = 1 */
    double rest = 0.0;
    for (size_t k = K; k-- > 0;) {
        a1[k] = 1.0 + c->nk[k];
        b1[k] = c->alpha + rest;
        rest += c->nk[k];
    }
    double st[3] = {1.0, 0.0, 1.0};
    for (size_t k = 0; k + 1 < K; k++)
        stick_draw(c, r, k, a1[k], b1[k], st);
    double cum = stick_end(c, st);

    /* 5. alpha ~ Gamma(a + K - 1, rate b - sum_{k<K} log(1 - V_k)) */
    if (!warm)
        c->alpha = dfg_xrng_gamma(r, o->a_alpha + (double)(K - 1)) / (o->b_alpha - cum);

    /* 5b. a label swap (Hastie, Liverani & Richardson 2015, move 1) */
    label_swap(c, r);

    /* 6. n0 ~ NegBin(n, 1 - pi0) */
    return draw_n0(c, d, r);
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Chains on threads
 * ======================================================================= */

typedef struct {
    const lc_data *d;
    lc_chain ch;
    dfg_xrng r; /* the chain's stream, copied to the worker's stack while it runs */
    double *a1, *b1;
    double *N, *alpha, *occ; /* samples each, into the result arrays */
    int status;              /* 0 ok, 1 diverged, 2 cancelled */
    size_t diverged_at;
} lc_item;

typedef struct {
    const dfg_lcmcr_opts *o;
    lc_item *items;
    size_t n_items;
    size_t threads;
    atomic_int stop;
    atomic_size_t done;     /* sweeps done over every item, for o->progress */
    size_t total;           /* sweeps of every item */
    pthread_mutex_t report; /* one o->progress call at a time */
} lc_job;

/* Sweeps between two additions to job->done (a power of 2), and between reports. */
#define COUNT_EVERY 1024
#define REPORT_EVERY 16384

/* n more sweeps done; a report when asked (skipped while another thread reports). */
static void count_sweeps(lc_job *job, size_t n, int report)
{
    atomic_fetch_add(&job->done, n);
    const dfg_lcmcr_opts *o = job->o;
    if (report && o->progress && pthread_mutex_trylock(&job->report) == 0) {
        /* read under the lock: the reports never go back */
        o->progress(atomic_load(&job->done), job->total, o->progress_data);
        pthread_mutex_unlock(&job->report);
    }
}

typedef struct {
    lc_job *job;
    size_t tid;
} lc_worker;

/* Sweeps before the burn-in with alpha held at its small start value 0.3 / K (LCMCR's
 * warm-up), after which the classes are relabelled. */
#define WARMUP DFG_LCMCR_WARMUP

static void run_item(lc_job *job, lc_item *it)
{
    const dfg_lcmcr_opts *o = job->o;
    dfg_xrng r = it->r; /* on this thread's stack: no cache line shared with another chain */
    chain_init(&it->ch, it->d, &r);
    for (size_t s = 0; s < WARMUP; s++)
        if (sweep(&it->ch, it->d, o, &r, it->a1, it->b1, 1)) {
            it->status = 1;
            it->diverged_at = s + 1;
            return;
        }
    relabel(&it->ch);
    count_sweeps(job, WARMUP, 0);
    size_t total = o->burnin + o->samples * o->thin, kept = 0;
    for (size_t s = 0; s < total; s++) {
        if ((s & (COUNT_EVERY - 1)) == 0) {
            if (s > 0)
                count_sweeps(job, COUNT_EVERY, (s & (REPORT_EVERY - 1)) == 0);
            if (o->cancel && *o->cancel) {
                it->status = 2;
                atomic_store(&job->stop, 1);
                return;
            }
        }
        if (sweep(&it->ch, it->d, o, &r, it->a1, it->b1, 0)) {
            it->status = 1;
            it->diverged_at = s + 1;
            return;
        }
        if (s >= o->burnin && (s - o->burnin + 1) % o->thin == 0) {
            it->N[kept] = it->d->n + it->ch.n0;
            it->alpha[kept] = it->ch.alpha;
            it->occ[kept] = it->ch.occupied;
            kept++;
        }
    }
    /* the sweeps since the last count: total - COUNT_EVERY floor((total - 1) / COUNT_EVERY) */
    if (total > 0)
        count_sweeps(job, total - (total - 1) / COUNT_EVERY * COUNT_EVERY, 0);
}

static void *worker_main(void *arg)
{
    lc_worker *w = arg;
    /* every worker is filled before it is started (cppcheck assumes the fill loop may not run) */
    /* cppcheck-suppress uninitvar */
    lc_job *job = w->job;
    /* item i runs on thread i mod T; each has its own stream, so the split does not
       change any digit */
    for (size_t i = w->tid; i < job->n_items; i += job->threads) {
        if (atomic_load(&job->stop))
            break;
        run_item(job, &job->items[i]);
    }
    return NULL;
}

static void run_items(lc_job *job)
{
    size_t T = job->threads;
    if (T > job->n_items)
        T = job->n_items;
    if (T > 64)
        T = 64;
    job->threads = T;
    pthread_t tids[64];
    lc_worker ws[64];
    size_t started = 0; /* threads 1 .. started run */
    for (size_t t = 0; t < T; t++) {
        ws[t].job = job;
        ws[t].tid = t;
    }
    for (size_t t = 1; t < T; t++) {
        if (pthread_create(&tids[t], NULL, worker_main, &ws[t]) != 0)
            break;
        started = t;
    }
    /* the calling thread runs share 0 and the shares of threads that did not start: the
       stride stays T, so the digits do not change */
    worker_main(&ws[0]);
    for (size_t t = started + 1; t < T; t++)
        worker_main(&ws[t]);
    for (size_t t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Results
 * ======================================================================= */

void dfg_lcmcr_result_free(dfg_lcmcr_result *r)
{
    if (!r)
        return;
    dfg_free(r->draws_N);
    dfg_free(r->draws_alpha);
    dfg_free(r->draws_occupied);
    memset(r, 0, sizeof *r);
}

/* Summaries, diagnostics and status of a result whose draws are filled. */
static dfg_status finish(dfg_lcmcr_result *r, const dfg_lcmcr_opts *o, const char *what,
                         dfg_error *err)
{
    size_t S = r->chains * r->samples;
    dfg_status rc;
    if ((rc = dfg_mcmc_summarise(r->draws_N, S, o->level, &r->N, err)))
        return rc;
    r->dark = r->N;
    r->dark.median -= r->n_obs;
    r->dark.mean -= r->n_obs;
    r->dark.lower -= r->n_obs;
    r->dark.upper -= r->n_obs;
    r->dark.hdi_lower -= r->n_obs;
    r->dark.hdi_upper -= r->n_obs;
    if (r->draws_occupied &&
        (rc = dfg_mcmc_summarise(r->draws_occupied, S, o->level, &r->occupied, err)))
        return rc;
    if ((rc = dfg_mcmc_diagnose(r->draws_N, r->chains, r->samples, &r->diag, err)))
        return rc;
    const dfg_mcmc_diag *g = &r->diag;
    r->status = DFG_OK;
    if (r->chains < 2)
        snprintf(r->note, sizeof r->note, "one chain: R-hat needs several");
    if (!(g->rhat <= o->rhat_max))
        snprintf(r->note, sizeof r->note, "not converged: R-hat %.3f > %.3g", g->rhat, o->rhat_max);
    else if (!(g->ess_bulk >= o->ess_min))
        snprintf(r->note, sizeof r->note, "not converged: bulk ESS %.0f < %.0f", g->ess_bulk,
                 o->ess_min);
    else if (!(g->ess_tail >= o->ess_min))
        snprintf(r->note, sizeof r->note, "not converged: tail ESS %.0f < %.0f", g->ess_tail,
                 o->ess_min);
    else
        return DFG_OK;
    r->status = DFG_ENOCONV;
    return dfg_err_set(err, DFG_ENOCONV, "lcmcr", "%s: %s", what, r->note);
}

static dfg_status result_alloc(dfg_lcmcr_result *r, const dfg_lcmcr_opts *o, size_t lists,
                               double n_obs, int with_params)
{
    memset(r, 0, sizeof *r);
    r->status = DFG_OK;
    r->n_obs = n_obs;
    r->lists = lists;
    r->K = o->K;
    r->chains = o->chains;
    r->burnin = o->burnin;
    r->samples = o->samples;
    r->thin = o->thin;
    r->seed = o->seed;
    r->level = o->level;
    size_t S = o->chains * o->samples;
    r->draws_N = dfg_calloc(S, sizeof *r->draws_N);
    if (with_params) {
        r->draws_alpha = dfg_calloc(S, sizeof *r->draws_alpha);
        r->draws_occupied = dfg_calloc(S, sizeof *r->draws_occupied);
    }
    if (!r->draws_N || (with_params && (!r->draws_alpha || !r->draws_occupied))) {
        dfg_lcmcr_result_free(r);
        return DFG_ENOMEM;
    }
    return DFG_OK;
}

/* The patterns of stratum s with positive counts into *pat, *cnt (new arrays) and *d. */
static dfg_status load_stratum(const dfg_table *t, size_t s, uint32_t **pat, unsigned **cnt,
                               lc_data *d, dfg_error *err)
{
    size_t np = dfg_table_n_patterns(t, s), P = 0;
    *pat = dfg_malloc((np ? np : 1) * sizeof **pat);
    *cnt = dfg_malloc((np ? np : 1) * sizeof **cnt);
    if (!*pat || !*cnt)
        return dfg_err_set(err, DFG_ENOMEM, "lcmcr", "%zu patterns", np);
    double n = 0.0;
    for (size_t p = 0; p < np; p++) {
        uint32_t x;
        double c;
        dfg_table_pattern(t, s, p, &x, &c);
        if (c <= 0.0)
            continue;
        if (c > 2.0e9)
            return dfg_err_set(err, DFG_EDATA, "lcmcr", "a pattern count above 2e9 (%g)", c);
        (*pat)[P] = x;
        (*cnt)[P] = (unsigned)c;
        n += c;
        P++;
    }
    if (n < 1.0)
        return dfg_err_set(err, DFG_EDATA, "lcmcr", "stratum %zu: no one observed", s);
    if (n > 2.0e9)
        return dfg_err_set(err, DFG_EDATA, "lcmcr", "stratum %zu: %g people observed (max 2e9)", s,
                           n);
    *d = (lc_data){dfg_table_k(t), P, *pat, *cnt, n};
    return DFG_OK;
}

/* Run the chains of strata s0 .. s0 + ns - 1 into res[0 .. ns-1] (and the sum into *total
 * when not NULL). */
static dfg_status run_strata(const dfg_table *t, size_t s0, size_t ns, const dfg_lcmcr_opts *o,
                             dfg_lcmcr_result *res, dfg_lcmcr_result *total, dfg_error *err)
{
    dfg_status rc = dfg_lcmcr_check(o, err);
    if (rc)
        return rc;
    if (!t || !res)
        return dfg_err_set(err, DFG_EINVAL, "lcmcr", "no table or no result");
    size_t J = dfg_table_k(t), K = o->K, C = o->chains;
    if (J < 2)
        return dfg_err_set(err, DFG_EINVAL, "lcmcr", "needs at least 2 lists (got %zu)", J);
    for (size_t i = 0; i < ns; i++)
        memset(&res[i], 0, sizeof res[i]);
    if (total)
        memset(total, 0, sizeof *total);

    lc_data *data = dfg_calloc(ns, sizeof *data);
    uint32_t **pats = dfg_calloc(ns, sizeof *pats);
    unsigned **cnts = dfg_calloc(ns, sizeof *cnts);
    lc_item *items = dfg_calloc(ns * C, sizeof *items);
    if (!data || !pats || !cnts || !items) {
        rc = dfg_err_set(err, DFG_ENOMEM, "lcmcr", "%zu strata x %zu chains", ns, C);
        goto done;
    }
    /* distinct patterns with positive counts, per stratum */
    for (size_t i = 0; i < ns; i++)
        if ((rc = load_stratum(t, s0 + i, &pats[i], &cnts[i], &data[i], err)) ||
            (rc = result_alloc(&res[i], o, J, data[i].n, 1))) {
            rc = dfg_err_set(err, rc, "lcmcr", "draws of %zu chains", C);
            goto done;
        }
    /* chain c of stratum s draws from stream (seed, s C + c) */
    for (size_t i = 0; i < ns; i++)
        for (size_t c = 0; c < C; c++) {
            lc_item *it = &items[i * C + c];
            it->d = &data[i];
            if (chain_alloc(&it->ch, K, J) || !(it->a1 = dfg_malloc(K * sizeof *it->a1)) ||
                !(it->b1 = dfg_malloc(K * sizeof *it->b1))) {
                rc = dfg_err_set(err, DFG_ENOMEM, "lcmcr", "chain workspace K=%zu", K);
                goto done;
            }
            if ((rc = dfg_xrng_seed(&it->r, o->seed, (uint64_t)(s0 + i) * C + c, err)))
                goto done;
            it->N = res[i].draws_N + c * o->samples;
            it->alpha = res[i].draws_alpha + c * o->samples;
            it->occ = res[i].draws_occupied + c * o->samples;
        }

    lc_job job;
    job.o = o;
    job.items = items;
    job.n_items = ns * C;
    job.threads = (size_t)o->threads;
    atomic_init(&job.stop, 0);
    atomic_init(&job.done, 0);
    /* below 2^40 sweeps a chain (dfg_lcmcr_check); saturated beyond what size_t holds */
    double all = (double)(ns * C) * (double)(WARMUP + o->burnin + o->samples * o->thin);
    job.total = all < 1e18 ? (size_t)all : (size_t)1e18;
    if (pthread_mutex_init(&job.report, NULL) != 0) {
        rc = dfg_err_set(err, DFG_ENOMEM, "lcmcr", "progress lock");
        goto done;
    }
    run_items(&job);
    count_sweeps(&job, 0, 1); /* the last report */
    pthread_mutex_destroy(&job.report);

    for (size_t i = 0; i < ns * C; i++) {
        if (items[i].status == 2) {
            rc = dfg_err_set(err, DFG_ECANCEL, "lcmcr", "stopped on request");
            goto done;
        }
        if (items[i].status == 1) {
            rc = dfg_err_set(err, DFG_EDATA, "lcmcr",
                             "stratum %zu chain %zu diverged at sweep %zu: the unobserved count "
                             "left 0 .. 4e9 (the posterior of N may be improper for these data)",
                             s0 + i / C, i % C + 1, items[i].diverged_at);
            goto done;
        }
    }
    /* summaries; ENOCONV is a verdict on the chains, kept while the others finish */
    dfg_status verdict = DFG_OK;
    for (size_t i = 0; i < ns; i++) {
        char what[64];
        snprintf(what, sizeof what, "stratum %zu", s0 + i);
        dfg_status r1 = finish(&res[i], o, ns == 1 && !total ? "N" : what, err);
        if (r1 == DFG_ENOCONV)
            verdict = DFG_ENOCONV;
        else if (r1) {
            rc = r1;
            goto done;
        }
    }
    if (total) {
        double n = 0.0;
        for (size_t i = 0; i < ns; i++)
            n += data[i].n;
        if ((rc = result_alloc(total, o, J, n, 0))) {
            rc = dfg_err_set(err, DFG_ENOMEM, "lcmcr", "draws of the total");
            goto done;
        }
        for (size_t i = 0; i < ns; i++)
            for (size_t d = 0; d < C * o->samples; d++)
                total->draws_N[d] += res[i].draws_N[d];
        dfg_status r1 = finish(total, o, "total", err);
        if (r1 == DFG_ENOCONV)
            verdict = DFG_ENOCONV;
        else if (r1) {
            rc = r1;
            goto done;
        }
    }
    rc = verdict;
done:
    if (items)
        for (size_t i = 0; i < ns * C; i++) {
            chain_free(&items[i].ch);
            dfg_free(items[i].a1);
            dfg_free(items[i].b1);
        }
    if (pats)
        for (size_t i = 0; i < ns; i++)
            dfg_free(pats[i]);
    if (cnts)
        for (size_t i = 0; i < ns; i++)
            dfg_free(cnts[i]);
    dfg_free(items);
    dfg_free(pats);
    dfg_free(cnts);
    dfg_free(data);
    if (rc != DFG_OK && rc != DFG_ENOCONV) {
        for (size_t i = 0; i < ns; i++)
            dfg_lcmcr_result_free(&res[i]);
        if (total)
            dfg_lcmcr_result_free(total);
    }
    return rc;
}

dfg_status dfg_lcmcr_run(const dfg_table *t, size_t s, const dfg_lcmcr_opts *o, dfg_lcmcr_result *r,
                         dfg_error *err)
{
    if (!r)
        return dfg_err_set(err, DFG_EINVAL, "lcmcr", "no result");
    memset(r, 0, sizeof *r);
    if (t && s >= dfg_table_n_strata(t))
        return dfg_err_set(err, DFG_EINVAL, "lcmcr", "stratum %zu of %zu", s,
                           dfg_table_n_strata(t));
    return run_strata(t, s, 1, o, r, NULL, err);
}

dfg_status dfg_lcmcr_run_strata(const dfg_table *t, const dfg_lcmcr_opts *o, dfg_lcmcr_result *per,
                                dfg_lcmcr_result *total, dfg_error *err)
{
    if (!t)
        return dfg_err_set(err, DFG_EINVAL, "lcmcr", "no table");
    return run_strata(t, 0, dfg_table_n_strata(t), o, per, total, err);
}

/* ** }====================================================================== */

/* The trace as CSV: chain,draw,N,alpha,occupied (chain and draw 1-based), written to
 * path + ".tmp" and renamed over path, so a failed write leaves no half file. */
dfg_status dfg_lcmcr_write_draws(const dfg_lcmcr_result *r, const char *path, dfg_error *err)
{
    if (!r || !r->draws_N || !path)
        return dfg_err_set(err, DFG_EINVAL, "lcmcr", "no draws or no path");
    size_t len = strlen(path);
    char *tmp = dfg_malloc(len + 5);
    if (!tmp)
        return dfg_err_set(err, DFG_ENOMEM, "lcmcr", "file name");
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp", 5);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        dfg_status rc = dfg_err_set(err, DFG_EIO, path, "cannot write %s", tmp);
        dfg_free(tmp);
        return rc;
    }
    int bad = fprintf(f, "chain,draw,N,alpha,occupied\n") < 0;
    for (size_t c = 0; c < r->chains && !bad; c++)
        for (size_t i = 0; i < r->samples && !bad; i++) {
            size_t d = c * r->samples + i;
            if (r->draws_alpha && r->draws_occupied)
                bad = fprintf(f, "%zu,%zu,%.17g,%.17g,%.17g\n", c + 1, i + 1, r->draws_N[d],
                              r->draws_alpha[d], r->draws_occupied[d]) < 0;
            else
                bad = fprintf(f, "%zu,%zu,%.17g,NA,NA\n", c + 1, i + 1, r->draws_N[d]) < 0;
        }
    bad |= fclose(f) != 0;
    dfg_status rc = DFG_OK;
    if (bad || rename(tmp, path) != 0) {
        remove(tmp);
        rc = dfg_err_set(err, DFG_EIO, path, "cannot write the draws");
    }
    dfg_free(tmp);
    return rc;
}

/* ** {======================================================================
 * The estimator "lcmcr": posterior median of N with the equal-tailed interval, on one
 * thread (the bootstrap and check call estimators from their own threads); the chain
 * length from dfg_est_opts.mcmc_* where set (0: dfg_lcmcr_opts_default's).
 * ======================================================================= */

static dfg_status est_lcmcr(const dfg_table *t, size_t s, const dfg_est_opts *eo, dfg_estimate *out,
                            dfg_error *err)
{
    memset(out, 0, sizeof *out);
    out->nhat = out->se = out->dark = NAN;
    out->deviance = out->df = out->aic = out->bic = NAN;
    out->n_obs = t && s < dfg_table_n_strata(t) ? dfg_table_n_obs(t, s) : (double)NAN;
    dfg_lcmcr_opts o = dfg_lcmcr_opts_default();
    if (eo && eo->level > 0.0 && eo->level < 1.0)
        o.level = eo->level;
    if (eo) { /* the length asked for (0: the default) */
        if (eo->mcmc_chains)
            o.chains = eo->mcmc_chains;
        if (eo->mcmc_burnin)
            o.burnin = eo->mcmc_burnin;
        if (eo->mcmc_samples)
            o.samples = eo->mcmc_samples;
        if (eo->mcmc_thin)
            o.thin = eo->mcmc_thin;
    }
    dfg_lcmcr_result r;
    dfg_status rc = dfg_lcmcr_run(t, s, &o, &r, err);
    if (rc != DFG_OK && rc != DFG_ENOCONV)
        return rc;
    out->status = rc;
    out->check = DFG_CHECK_FINE;
    snprintf(out->model, sizeof out->model, "latent classes K=%zu", o.K);
    if (rc == DFG_OK) {
        out->nhat = r.N.median;
        out->se = r.N.sd;
        out->dark = r.N.median - r.n_obs;
        if (!eo || eo->want_ci) {
            out->ci.type = DFG_CI_POSTERIOR; /* posterior equal-tailed */
            out->ci.level = o.level;
            out->ci.lower = r.N.lower;
            out->ci.upper = r.N.upper;
            out->ci.point = r.N.median;
        }
        snprintf(out->note, sizeof out->note, "posterior median; R-hat %.3f, ESS %.0f/%.0f",
                 r.diag.rhat, r.diag.ess_bulk, r.diag.ess_tail);
    } else {
        snprintf(out->note, sizeof out->note, "%.100s (median of the unconverged draws %.0f)",
                 r.note, r.N.median);
    }
    dfg_lcmcr_result_free(&r);
    return rc;
}

const dfg_estimator dfg_est_lcmcr = {
    "lcmcr", "Bayesian latent classes, Dirichlet-process mixture (Manrique-Vallier 2016)", 3,
    est_lcmcr};

/* ** }====================================================================== */
