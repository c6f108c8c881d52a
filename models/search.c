/* models/search.c: model searches for log-linear multiple-systems estimation and the
 * ranked model table (the estimators are in models/search_est.c).
 *
 *  - stepwise (Chan, Silverman & Vincent 2021, JASA 116:1297, Sec. 3.3): from the main
 *    effects, for each pair {i,j} not in the model, n* = people on both lists and
 *    X ~ Poisson(mu*), mu* = sum of the current fitted cells on both lists; its p-value is
 *    min(P(X <= n*), P(X >= n*)). The pairs with p below the threshold (0.02) are tried in
 *    increasing p; the first whose model passes the existence and identifiability checks
 *    is added. Repeat until none is.
 *  - AIC-stepwise (Bales, Hesketh & Silverman 2015, Significance 12(3):34): from the main
 *    effects, fitted as Rcapture does (every cell kept, AIC = -2 loglik + 2 rank), add the
 *    pair with the largest AIC gain while the Wald p-value of its coefficient,
 *    2 (1 - Phi(|b / se(b)|)), is below the threshold (0.001). This rule reproduces every
 *    row of their table quoted in data/README.md (tests/ref_search.c).
 *  - exhaustive: every hierarchical model up to the maximum order, inadmissible ones
 *    marked and skipped, ranked by BIC, AIC or AICc (MultipleSystemsEstimation 1.2.0's
 *    estimate_population(method = "bic") for BIC).
 *  - downhill (Silverman, Chan & Vincent 2024, Stat. Comput. 34:44): greedy moves to the
 *    best neighbour (one term added or removed, hierarchy kept) while the criterion falls,
 *    from several starts; the best end point wins. Starts: the main effects, the all-pairs
 *    model, and the single-pair models ranked 2 .. N_PAIR_STARTS + 1 by the criterion
 *    (the best one is the first move from the main effects).
 * The table: criterion, delta to the best, weights exp(-delta/2) normalised over the
 * admissible models visited (Akaike or BIC weights, Burnham & Anderson 2002), N with its
 * log-normal interval (Chao 1987), the model-averaged N = sum w_m N_m (Buckland, Burnham &
 * Augustin 1997), and the range of N over models with delta <= 2 and <= 6.
 * Exhaustive evaluation runs in fixed chunks of consecutive models (each chunk starts
 * cold and warm-starts each fit from the previous model's coefficients), so the digits
 * do not depend on the number of threads. When only the best model is wanted (best_only:
 * the estimators), models that cannot win are skipped before any fit: with T the
 * criterion of the end point of a downhill search from the main effects, and l_sat =
 * sum_c log dpois(y_c, y_c) >= the log-likelihood of every model (cells dropped for
 * terms at -inf are empty and add nothing to l_sat), a model with p parameters has
 * criterion >= crit(p, l_sat); it is skipped when that exceeds T (plus 1e-9 relative for
 * rounding). The set skipped depends on the data alone, never on timing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "search_space.h"

#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Models per chunk of the exhaustive search (the unit of work and of warm starts). */
#define CHUNK 64
/* Single-pair starts of the downhill search besides the best one. */
#define N_PAIR_STARTS 3
/* Seconds between progress calls. */
#define PROGRESS_EVERY 0.1

/* ** {======================================================================
 * Progress reports (calling thread only)
 * ======================================================================= */

typedef struct {
    void (*fn)(size_t done, size_t total, void *data);
    void *data;
    double last; /* time of the last call */
} progress;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void progress_init(progress *pr, const dfg_search_opts *o)
{
    pr->fn = o->progress;
    pr->data = o->progress_data;
    pr->last = pr->fn ? now_s() : 0.0;
}

/* Call the callback when PROGRESS_EVERY seconds passed since the last call, or when final. */
static void progress_tick(progress *pr, size_t done, size_t total, int final)
{
    if (!pr || !pr->fn)
        return;
    double t = now_s();
    if (final || t - pr->last >= PROGRESS_EVERY) {
        pr->fn(done, total, pr->data);
        pr->last = t;
    }
}

/* ** }====================================================================== */

dfg_search_opts dfg_search_opts_default(void)
{
    dfg_search_opts o;
    memset(&o, 0, sizeof o);
    o.method = DFG_SEARCH_STEPWISE;
    o.criterion = DFG_CRIT_BIC;
    o.max_order = 0;
    o.threshold = 0.0;
    o.top = 20;
    o.average = 0;
    o.threads = 1;
    o.max_models = (size_t)1 << 22;
    o.level = 0.95;
    o.glm = dfg_glm_opts_default();
    return o;
}

static const char *const method_names[] = {"stepwise", "aic-stepwise", "exhaustive", "downhill"};
static const char *const crit_names[] = {"bic", "aic", "aicc"};
#define N_METHODS (sizeof method_names / sizeof method_names[0])
#define N_CRITERIA (sizeof crit_names / sizeof crit_names[0])

const char *dfg_search_method_name(dfg_search_method m)
{
    return (unsigned)m < N_METHODS ? method_names[m] : "unknown";
}

const char *dfg_criterion_name(dfg_criterion c)
{
    return (unsigned)c < N_CRITERIA ? crit_names[c] : "unknown";
}

dfg_status dfg_search_method_parse(const char *s, dfg_search_method *m, dfg_error *err)
{
    for (size_t i = 0; s && i < N_METHODS; i++)
        if (strcmp(s, method_names[i]) == 0) {
            *m = (dfg_search_method)i;
            return DFG_OK;
        }
    return dfg_err_set(err, DFG_EINVAL, "search",
                       "unknown search method \"%s\" (stepwise, aic-stepwise, exhaustive, "
                       "downhill)",
                       s ? s : "(null)");
}

dfg_status dfg_criterion_parse(const char *s, dfg_criterion *c, dfg_error *err)
{
    for (size_t i = 0; s && i < N_CRITERIA; i++)
        if (strcmp(s, crit_names[i]) == 0) {
            *c = (dfg_criterion)i;
            return DFG_OK;
        }
    return dfg_err_set(err, DFG_EINVAL, "search", "unknown criterion \"%s\" (bic, aic, aicc)",
                       s ? s : "(null)");
}

static int default_order(size_t k)
{
    return k <= 3 ? 2 : k <= 5 ? 3 : 2;
}

size_t dfg_search_count_models(size_t k, int max_order, size_t cap)
{
    if (k < 2 || k > DFG_MAX_FIT_LISTS || max_order < 1 || (size_t)max_order >= k)
        return 0;
    sp_space sp;
    memset(&sp, 0, sizeof sp);
    sp.k = k;
    sp.ncell = (size_t)1 << k;
    if (dfg_sp_space_cands(&sp, max_order, NULL) != DFG_OK)
        return cap + 1;
    return dfg_sp_enumerate(&sp, NULL, cap);
}

void dfg_search_result_free(dfg_search_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_rows; i++) {
        dfg_model_free(&r->rows[i].model);
        dfg_free(r->rows[i].boundary);
    }
    dfg_free(r->rows);
    r->rows = NULL;
    r->n_rows = 0;
}

/* ** {======================================================================
 * A visited model and the table
 * ======================================================================= */

typedef struct {
    uint64_t mask;
    sp_eval e;
} visit;

/* Admissible: the MLE exists, identifiable, and the fit converged. */
static int admissible(const sp_eval *e)
{
    return e->done && e->code == 0 && e->fit == DFG_OK;
}

static int cmp_visit(const void *pa, const void *pb)
{
    const visit *a = *(const visit *const *)pa, *b = *(const visit *const *)pb;
    if (a->e.crit < b->e.crit)
        return -1;
    if (a->e.crit > b->e.crit)
        return 1;
    return (a->mask > b->mask) - (a->mask < b->mask);
}

/* s.e. of N of the list-only model in w->fterms[0..pf-1] (cells w->use): a refit with the
 * inverse information, var(N) = m0 + m0^2 var(beta_0) (Rcapture's convention); NaN when
 * the fit fails. */
static dfg_status row_se(const sp_space *sp, sp_worker *w, size_t pf, double *se, dfg_error *err)
{
    double *cov = dfg_malloc(pf * pf * sizeof *cov);
    if (!cov)
        return dfg_err_set(err, DFG_ENOMEM, "search", "row covariance");
    /* start from the coefficients of the worker's last fit when it was this model (the
     * stepwise choice), else cold */
    int warm = w->warm && w->n_bterms == pf;
    for (size_t j = 0; warm && j < pf; j++)
        warm = w->bterms[j] == w->fterms[j];
    for (size_t j = 0; warm && j < pf; j++)
        w->beta[j] = w->bmap[w->fterms[j]];
    dfg_glm_info info;
    dfg_status frc = dfg_glm_fit_terms(sp->k, w->fterms, pf, sp->y, w->use, warm, &sp->glm, w->gw,
                                       w->beta, w->mu, cov, &info, NULL);
    double m0 = w->mu[0], var0 = cov[0];
    dfg_free(cov);
    *se = frc == DFG_OK ? sqrt(m0 + m0 * m0 * var0) : (double)NAN;
    return DFG_OK;
}

/* One row of the table from model mask: a cold refit with the inverse information. */
static dfg_status make_row(const sp_space *sp, sp_worker *w, const visit *v, double best,
                           double wsum, double level, dfg_search_row *row, dfg_error *err)
{
    memset(row, 0, sizeof *row);
    size_t k = sp->k, n = dfg_sp_terms(sp, v->mask, w->terms);
    dfg_status rc = dfg_model_from_terms(k, w->terms, n, &row->model, err);
    if (rc)
        return rc;
    size_t nfix = dfg_check_boundary(k, sp->ysup, w->terms, n, w->fixed, w->use);
    if (nfix && !(row->boundary = dfg_malloc(nfix * sizeof *row->boundary)))
        return dfg_err_set(err, DFG_ENOMEM, "search", "row");
    size_t pf = 0;
    w->fterms[pf++] = 0;
    for (size_t i = 0; i < n; i++) {
        if (w->fixed[i])
            row->boundary[row->n_boundary++] = w->terms[i];
        else
            w->fterms[pf++] = w->terms[i];
    }
    row->status = nfix ? DFG_CHECK_BOUNDARY : DFG_CHECK_FINE;
    double se = NAN;
    dfg_status rc2 =
        sp->cov ? dfg_sp_cov_se(sp, w, v->mask, &se, err) : row_se(sp, w, pf, &se, err);
    if (rc2)
        return rc2;
    row->p = v->e.p;
    row->loglik = v->e.loglik;
    row->deviance = v->e.deviance;
    row->df = (double)v->e.n_used - (double)v->e.p_fit;
    row->criterion = v->e.crit;
    row->delta = v->e.crit - best;
    row->weight = exp(-0.5 * row->delta) / wsum;
    row->nhat = v->e.nhat;
    row->se_nhat = se;
    row->lower = row->upper = NAN;
    if (isfinite(se)) {
        dfg_interval ci;
        if (dfg_interval_lognormal(sp->n_obs, row->nhat, row->se_nhat, level, &ci, NULL) ==
            DFG_OK) {
            row->lower = ci.lower;
            row->upper = ci.upper;
        }
    }
    return DFG_OK;
}

/* Fill the table of r from the visited models v[0..nv-1]: admissible ones ranked by
 * criterion (ties by mask); chosen (index into v, or nv for "the best") goes first. */
static dfg_status make_table_once(const sp_space *sp, sp_worker *w, visit *v, size_t nv,
                                  size_t chosen, const dfg_search_opts *o, dfg_search_result *r,
                                  const visit **row_visit, dfg_error *err)
{
    dfg_status rc = DFG_OK;
    visit **ord = dfg_malloc((nv + 1) * sizeof *ord);
    if (!ord)
        return dfg_err_set(err, DFG_ENOMEM, "search", "ranking %zu models", nv);
    size_t na = 0;
    for (size_t i = 0; i < nv; i++) {
        const sp_eval *e = &v[i].e;
        if (admissible(e))
            ord[na++] = &v[i];
        else if (e->code & 2)
            r->n_notident++;
        else if (e->code & 1)
            r->n_nomle++;
        else
            r->n_failed++;
    }
    r->n_models = nv;
    r->n_admissible = na;
    if (na == 0) {
        dfg_free(ord);
        return dfg_err_set(err, DFG_EDATA, "search", "no admissible model among %zu", nv);
    }
    qsort(ord, na, sizeof *ord, cmp_visit);
    double best = ord[0]->e.crit, wsum = 0.0, avg = 0.0;
    for (size_t i = 0; i < na; i++)
        wsum += exp(-0.5 * (ord[i]->e.crit - best));
    for (int b = 0; b < 2; b++) {
        r->n_within[b] = 0;
        r->range_lo[b] = INFINITY;
        r->range_hi[b] = -INFINITY;
    }
    for (size_t i = 0; i < na; i++) {
        double d = ord[i]->e.crit - best, nh = ord[i]->e.nhat;
        avg += exp(-0.5 * d) / wsum * nh;
        for (int b = 0; b < 2; b++)
            if (d <= (b ? 6.0 : 2.0)) {
                r->n_within[b]++;
                r->range_lo[b] = fmin(r->range_lo[b], nh);
                r->range_hi[b] = fmax(r->range_hi[b], nh);
            }
    }
    r->nhat_avg = o->average ? avg : (double)NAN;
    /* the chosen model first (stepwise), then the ranking */
    const visit *first = chosen < nv ? &v[chosen] : ord[0];
    size_t top = o->top ? o->top : 1;
    size_t nrow = 1;
    for (size_t i = 0; i < na && nrow < top; i++)
        if (ord[i] != first)
            nrow++;
    if (!(r->rows = dfg_calloc(nrow, sizeof *r->rows))) {
        dfg_free(ord);
        return dfg_err_set(err, DFG_ENOMEM, "search", "%zu rows", nrow);
    }
    row_visit[r->n_rows] = first;
    rc = make_row(sp, w, first, best, wsum, o->level, &r->rows[r->n_rows++], err);
    for (size_t i = 0; rc == DFG_OK && i < na && r->n_rows < nrow; i++)
        if (ord[i] != first) {
            row_visit[r->n_rows] = ord[i];
            rc = make_row(sp, w, ord[i], best, wsum, o->level, &r->rows[r->n_rows++], err);
        }
    dfg_free(ord);
    return rc;
}

/* The table, with the rule of darkfig.h on every row (dfg_value_judge): a model whose fit
 * converged but whose row gives no estimate (s.e. or interval not finite, N beyond bound)
 * leaves the ranking like an inadmissible one (counted in n_not_estimate), and the table,
 * weights, average and ranges are made again without it. Stepwise keeps its own choice:
 * when that model gives no estimate the search fails with DFG_EDATA. With best_only the
 * exhaustive search did not evaluate models worse than the downhill optimum, so the next
 * model after an excluded best is the best of those evaluated. */
static dfg_status make_table(const sp_space *sp, sp_worker *w, visit *v, size_t nv, size_t chosen,
                             const dfg_search_opts *o, dfg_search_result *r, dfg_error *err)
{
    size_t top = o->top ? o->top : 1;
    const visit **row_visit = dfg_malloc((top + 1) * sizeof *row_visit);
    if (!row_visit)
        return dfg_err_set(err, DFG_ENOMEM, "search", "%zu rows", top);
    size_t n_excluded = 0;
    char reason[160] = "";
    dfg_status rc;
    /* N itself is known for every model visited: one that is not a number, infinite,
     * below n or beyond the bound leaves the ranking (and the average, the weights and the
     * ranges) before the table is made; the s.e. and interval are judged on the rows */
    for (size_t i = 0; i < nv; i++) {
        char why[160];
        if (!admissible(&v[i].e) ||
            dfg_value_judge(sp->n_obs, v[i].e.nhat, 0.0, NULL, 0, why, sizeof why) == DFG_VALUE_OK)
            continue;
        if (!n_excluded++)
            snprintf(reason, sizeof reason, "%s", why);
        v[i].e.fit = (unsigned char)DFG_ESING;
    }
    for (;;) {
        size_t left = 0;
        for (size_t i = 0; i < nv; i++)
            left += (size_t)admissible(&v[i].e);
        if (!left && n_excluded) {
            rc = dfg_err_set(err, DFG_EDATA, "search",
                             "no model gives an estimate (%zu converged without one): %s",
                             n_excluded, reason);
            break;
        }
        r->n_notident = r->n_nomle = r->n_failed = 0;
        rc = make_table_once(sp, w, v, nv, chosen, o, r, row_visit, err);
        if (rc != DFG_OK)
            break;
        size_t bad = r->n_rows;
        char why[160] = "";
        for (size_t i = 0; i < r->n_rows && bad == r->n_rows; i++) {
            const dfg_search_row *row = &r->rows[i];
            dfg_interval ci = {DFG_CI_LOGNORMAL, o->level, row->lower, row->upper,
                               row->nhat,        0,        0,          NAN};
            if (dfg_value_judge(r->n_obs, row->nhat, row->se_nhat, &ci, 0, why, sizeof why) !=
                DFG_VALUE_OK)
                bad = i;
        }
        if (bad == r->n_rows)
            break;
        if (chosen < nv && row_visit[bad] == &v[chosen]) {
            char name[128];
            dfg_model_format(&r->rows[bad].model, NULL, name, sizeof name);
            rc = dfg_err_set(err, DFG_EDATA, "search",
                             "the model chosen, %s, gives no estimate: %s", name, why);
            break;
        }
        if (!n_excluded++)
            snprintf(reason, sizeof reason, "%s", why);
        /* out of the ranking: as a fit that failed, counted apart below */
        v[row_visit[bad] - v].e.fit = (unsigned char)DFG_ESING;
        dfg_search_result_free(r);
    }
    dfg_free(row_visit);
    if (n_excluded && r->n_failed >= n_excluded)
        r->n_failed -= n_excluded;
    r->n_not_estimate = n_excluded;
    snprintf(r->reason_not_estimate, sizeof r->reason_not_estimate, "%s", reason);
    return rc;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * A small cache of visited models (stepwise, downhill): open addressing on the mask
 * ======================================================================= */

typedef struct {
    visit *v; /* in order of first visit */
    size_t n, cap;
    size_t *slot; /* hash slots: index + 1, 0 empty */
    size_t nslot;
} cache;

static void cache_free(cache *c)
{
    dfg_free(c->v);
    dfg_free(c->slot);
}

static size_t hash64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

/* The evaluation of mask, from the cache or computed (exact = 1: the code of an
 * unidentifiable model also says whether its MLE exists), the fit warm-started from the
 * worker's last admissible fit. *fresh (may be NULL) = 1 when computed now: then w->mu and
 * w->use hold its fitted cells. */
static dfg_status cache_get(cache *c, const sp_space *sp, sp_worker *w, uint64_t mask, sp_eval *out,
                            int *fresh, dfg_error *err)
{
    if (fresh)
        *fresh = 0;
    if (c->nslot == 0 || 2 * (c->n + 1) > c->nslot) {
        size_t ns = c->nslot ? 2 * c->nslot : 256;
        size_t *sl = dfg_calloc(ns, sizeof *sl);
        if (!sl)
            return dfg_err_set(err, DFG_ENOMEM, "search", "cache");
        for (size_t i = 0; i < c->n; i++) {
            size_t h = hash64(c->v[i].mask) & (ns - 1);
            while (sl[h])
                h = (h + 1) & (ns - 1);
            sl[h] = i + 1;
        }
        dfg_free(c->slot);
        c->slot = sl;
        c->nslot = ns;
    }
    size_t h = hash64(mask) & (c->nslot - 1);
    while (c->slot[h]) {
        if (c->v[c->slot[h] - 1].mask == mask) {
            *out = c->v[c->slot[h] - 1].e;
            return DFG_OK;
        }
        h = (h + 1) & (c->nslot - 1);
    }
    if (c->n == c->cap) {
        size_t nc = c->cap ? 2 * c->cap : 64;
        visit *nv = dfg_realloc(c->v, nc * sizeof *nv);
        if (!nv)
            return dfg_err_set(err, DFG_ENOMEM, "search", "cache");
        c->v = nv;
        c->cap = nc;
    }
    visit *v = &c->v[c->n];
    v->mask = mask;
    dfg_status rc = dfg_sp_eval_model(sp, w, mask, 1, 1, &v->e, err);
    if (rc)
        return rc;
    if (fresh)
        *fresh = 1;
    c->slot[h] = ++c->n;
    *out = v->e;
    return DFG_OK;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Stepwise searches
 * ======================================================================= */

/* Rank of pair term in R's combn order (1,2), (1,3), ..., (2,3), ...: ties of p. */
static unsigned pair_key(size_t k, uint32_t pair)
{
    unsigned a = (unsigned)__builtin_ctz(pair), b = 31u - (unsigned)__builtin_clz(pair);
    return a * (unsigned)k + b;
}

/* min(P(X <= n), P(X >= n)), X ~ Poisson(mu): P(X <= n) = Q(n + 1, mu) and
 * P(X >= n) = P(n, mu) (regularised incomplete gamma functions). The median m of X lies
 * in [mu - log 2, mu + 1/3) (Choi 1994, Proc. AMS 121:245), so for n >= mu + 1/3 (n > m)
 * P(X >= n) <= 1/2 <= P(X <= n) and the minimum is P(X >= n); for n <= mu - log 2 it is
 * P(X <= n) when n < mu - log 2 (then n < m) by the same argument: for integer n only that
 * tail is computed (the same value). */
static double poisson_p(double n, double mu)
{
    if (!(mu > 0.0))
        return n > 0.0 ? 0.0 : 1.0;
    gsl_sf_result lo, hi;
    const double ln2 = 0.69314718055994530942;
    int whole = n == floor(n);
    int need_lo = !(whole && n >= mu + 1.0 / 3.0), need_hi = !(whole && n < mu - ln2);
    double plo = 1.0, phi = 1.0;
    if (need_lo)
        plo = gsl_sf_gamma_inc_Q_e(n + 1.0, mu, &lo) == 0 ? lo.val : 0.0;
    if (need_hi)
        phi = n > 0.0 ? (gsl_sf_gamma_inc_P_e(n, mu, &hi) == 0 ? hi.val : 0.0) : 1.0;
    return fmin(plo, phi);
}

typedef struct {
    double p, pw;
    double start; /* stepwise: log(n* / mu*), the start of the new pair's coefficient */
    unsigned key;
    size_t cand;
} pcand;

static int cmp_pcand(const void *pa, const void *pb)
{
    const pcand *a = pa, *b = pb;
    if (a->p < b->p)
        return -1;
    if (a->p > b->p)
        return 1;
    return (a->key > b->key) - (a->key < b->key);
}

/* Rcapture-style fit of model mask (every cell kept, no term fixed; AIC = -2 loglik +
 * 2 rank) as Bales, Hesketh & Silverman (2015) fitted with Rcapture: *aic, and the Wald
 * p-value 2 (1 - Phi(|b / se(b)|)) of term `added` (0 for none). A failed fit gives
 * *aic = +inf. */
static dfg_status rcapture_fit(const sp_space *sp, sp_worker *w, uint64_t mask, uint32_t added,
                               double *aic, double *pwald, dfg_error *err)
{
    size_t n = dfg_sp_terms(sp, mask, w->terms), p = n + 1;
    w->fterms[0] = 0;
    memcpy(w->fterms + 1, w->terms, n * sizeof *w->terms);
    double *cov = dfg_malloc(p * p * sizeof *cov);
    if (!cov)
        return dfg_err_set(err, DFG_ENOMEM, "search", "covariance");
    dfg_glm_info info;
    dfg_status rc = dfg_glm_fit_terms(sp->k, w->fterms, p, sp->y, NULL, 0, &sp->glm, w->gw, w->beta,
                                      w->mu, cov, &info, NULL);
    *aic = INFINITY;
    *pwald = 1.0;
    if (rc == DFG_OK) {
        /* glm's Poisson AIC: -2 loglik + 2 rank */
        *aic = -2.0 * info.loglik + 2.0 * (double)info.rank;
        for (size_t j = 0; j < p; j++)
            if (added && w->fterms[j] == added && cov[j + j * p] > 0.0)
                *pwald = gsl_sf_erfc(fabs(w->beta[j]) / sqrt(2.0 * cov[j + j * p]));
    }
    dfg_free(cov);
    return rc == DFG_ENOMEM ? dfg_err_set(err, rc, "search", "fit") : DFG_OK;
}

/* Shared by both stepwise searches: the number of pair candidates, the sort of the
 * candidates, the start and the index of the chosen model in the cache. */
static size_t count_pairs(const sp_space *sp)
{
    size_t np = 0;
    for (size_t i = 0; i < sp->n_cand; i++)
        np += dfg_popcount(sp->cand[i]) == 2;
    return np;
}

/* The pairs not yet in model mask, in candidate order: pc[i].cand and .key. */
static size_t open_pairs(const sp_space *sp, uint64_t mask, pcand *pc)
{
    size_t n = 0;
    for (size_t i = 0; i < sp->n_cand; i++) {
        uint32_t pair = sp->cand[i];
        if (dfg_popcount(pair) != 2 || (mask >> i & 1))
            continue;
        pc[n].cand = i;
        pc[n].key = pair_key(sp->k, pair);
        n++;
    }
    return n;
}

/* Insertion sort: a few dozen pairs (cmp_pcand is a total order, so the result is
 * qsort's). */
static void sort_pcand(pcand *pc, size_t n)
{
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && cmp_pcand(&pc[b - 1], &pc[b]) > 0; b--) {
            pcand tmp = pc[b];
            pc[b] = pc[b - 1];
            pc[b - 1] = tmp;
        }
}

/* The main-effects model, which must have an MLE; *fresh = 1 when it was evaluated now
 * (its fitted cells are then in w). */
static dfg_status stepwise_start(const sp_space *sp, sp_worker *w, cache *c, int *fresh,
                                 dfg_error *err)
{
    sp_eval cur;
    dfg_status rc = cache_get(c, sp, w, 0, &cur, fresh, err);
    if (rc)
        return rc;
    if (!admissible(&cur))
        return dfg_err_set(err, DFG_EDATA, "search",
                           "the main-effects model has no MLE (check code %d)", cur.code);
    return DFG_OK;
}

static void chosen_index(const cache *c, uint64_t mask, size_t *chosen)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].mask == mask)
            *chosen = i;
}

/* Chan, Silverman & Vincent (2021): from the main effects, add the pair with the smallest
 * Poisson p-value of its overlap under the current fit (see the header) while it is
 * below thr and the model stays admissible. */
static dfg_status run_pvalue_stepwise(const sp_space *sp, sp_worker *w, double thr, cache *c,
                                      size_t *chosen, size_t *steps, dfg_error *err)
{
    uint64_t mask = 0;
    dfg_status rc = DFG_OK;
    pcand *pc = dfg_malloc((count_pairs(sp) + 1) * sizeof *pc);
    double *mu = dfg_malloc(sp->ncell * sizeof *mu);
    unsigned char *use = dfg_malloc(sp->ncell);
    if (!pc || !mu || !use) {
        rc = dfg_err_set(err, DFG_ENOMEM, "search", "stepwise");
        goto done;
    }
    /* mu, use: fitted cells of the current model (cells at -inf out), kept from its
     * evaluation when have_mu */
    int fresh = 0, have_mu = 0;
    if ((rc = stepwise_start(sp, w, c, &fresh, err)))
        goto done;
    if (fresh) {
        memcpy(mu, w->mu, sp->ncell * sizeof *mu);
        memcpy(use, w->use, sp->ncell);
        have_mu = 1;
    }
    for (;;) {
        if (!have_mu) {
            sp_eval tmp;
            if ((rc = dfg_sp_eval_model(sp, w, mask, 0, 0, &tmp, err)))
                goto done;
            memcpy(mu, w->mu, sp->ncell * sizeof *mu);
            memcpy(use, w->use, sp->ncell);
            have_mu = 1;
        }
        size_t n = open_pairs(sp, mask, pc);
        for (size_t i = 0; i < n; i++) {
            uint32_t pair = sp->cand[pc[i].cand];
            /* n* = people on both lists; mu* = sum of fitted cells on both */
            double ms = 0.0;
            for (size_t cc = 1; cc < sp->ncell; cc++)
                if (use[cc] && ((uint32_t)cc & pair) == pair)
                    ms += mu[cc];
            pc[i].p = poisson_p(sp->ysup[pair], ms);
            /* the maximiser over the new coefficient alone (the others fixed) scales the
             * fitted cells on both lists to n*: a close start for the refit */
            pc[i].start = sp->ysup[pair] > 0.0 && ms > 0.0 ? log(sp->ysup[pair] / ms) : 0.0;
        }
        sort_pcand(pc, n);
        int added = 0;
        for (size_t j = 0; j < n && !added && pc[j].p < thr; j++) {
            uint64_t next = mask | (uint64_t)1 << pc[j].cand;
            uint32_t pair = sp->cand[pc[j].cand];
            sp_eval e;
            w->bmap[pair] = pc[j].start; /* not in the last fit: 0 until now */
            rc = cache_get(c, sp, w, next, &e, &fresh, err);
            if (!(fresh && admissible(&e)))
                w->bmap[pair] = 0.0; /* the last fit is still the current model */
            if (rc)
                goto done;
            if (!admissible(&e))
                continue;
            have_mu = fresh;
            if (fresh) {
                memcpy(mu, w->mu, sp->ncell * sizeof *mu);
                memcpy(use, w->use, sp->ncell);
            }
            mask = next;
            added = 1;
            (*steps)++;
        }
        if (!added)
            break;
    }
    chosen_index(c, mask, chosen);
done:
    dfg_free(pc);
    dfg_free(mu);
    dfg_free(use);
    return rc;
}

/* Bales, Hesketh & Silverman (2015): from the main effects, add the pair with the largest
 * AIC gain of Rcapture-style fits (rcapture_fit) while the gain is positive and the Wald
 * p-value of its coefficient is below thr. */
static dfg_status run_aic_stepwise(const sp_space *sp, sp_worker *w, double thr, cache *c,
                                   size_t *chosen, size_t *steps, dfg_error *err)
{
    uint64_t mask = 0;
    dfg_status rc = DFG_OK;
    pcand *pc = dfg_malloc((count_pairs(sp) + 1) * sizeof *pc);
    if (!pc)
        return dfg_err_set(err, DFG_ENOMEM, "search", "stepwise");
    int fresh = 0;
    double aic_rc = INFINITY, tmp_p;
    if ((rc = stepwise_start(sp, w, c, &fresh, err)) ||
        (rc = rcapture_fit(sp, w, 0, 0, &aic_rc, &tmp_p, err)))
        goto done;
    for (;;) {
        double aic_cur = aic_rc;
        size_t n_open = open_pairs(sp, mask, pc), n = 0;
        for (size_t i = 0; i < n_open; i++) {
            size_t ci = pc[i].cand;
            double a, pw;
            if ((rc = rcapture_fit(sp, w, mask | (uint64_t)1 << ci, sp->cand[ci], &a, &pw, err)))
                goto done;
            if (!isfinite(a))
                continue;
            /* largest AIC gain first: sort on -gain */
            pc[n] = pc[i];
            pc[n].p = -(aic_cur - a);
            pc[n].pw = pw;
            n++;
        }
        sort_pcand(pc, n);
        /* the best gain only: add it when it lowers AIC and the Wald p-value of its
         * coefficient is below the threshold */
        if (n == 0 || !(-pc[0].p > 0.0) || !(pc[0].pw < thr))
            break;
        uint64_t next = mask | (uint64_t)1 << pc[0].cand;
        sp_eval e;
        if ((rc = cache_get(c, sp, w, next, &e, NULL, err)))
            goto done;
        double tmpa, tmpp;
        if ((rc = rcapture_fit(sp, w, next, 0, &tmpa, &tmpp, err)))
            goto done;
        aic_rc = tmpa;
        mask = next;
        (*steps)++;
    }
    chosen_index(c, mask, chosen);
done:
    dfg_free(pc);
    return rc;
}

static dfg_status run_stepwise(const sp_space *sp, sp_worker *w, int aic, double thr, cache *c,
                               size_t *chosen, size_t *steps, dfg_error *err)
{
    return aic ? run_aic_stepwise(sp, w, thr, c, chosen, steps, err)
               : run_pvalue_stepwise(sp, w, thr, c, chosen, steps, err);
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Downhill search
 * ======================================================================= */

/* Downhill from the main effects and, when all_starts, from the other starts of the header.
 * Visited models go into c. */
static dfg_status run_downhill(const sp_space *sp, sp_worker *w, cache *c, int all_starts,
                               progress *pr, dfg_error *err)
{
    uint64_t starts[2 + N_PAIR_STARTS], pairs = 0;
    for (size_t i = 0; i < sp->n_cand; i++)
        if (dfg_popcount(sp->cand[i]) == 2)
            pairs |= (uint64_t)1 << i;
    size_t nstart = 0;
    starts[nstart++] = 0;
    if (all_starts && pairs) {
        starts[nstart++] = pairs;
        /* the single-pair models ranked by the criterion; the best is the first move from
         * the main effects, the next N_PAIR_STARTS are starts */
        uint64_t top[N_PAIR_STARTS + 1];
        double topc[N_PAIR_STARTS + 1];
        size_t ntop = 0;
        for (size_t i = 0; i < sp->n_cand; i++) {
            if (!(pairs >> i & 1))
                continue;
            sp_eval e;
            uint64_t m = (uint64_t)1 << i;
            dfg_status rc = cache_get(c, sp, w, m, &e, NULL, err);
            if (rc)
                return rc;
            if (!admissible(&e))
                continue;
            /* insertion into the sorted top list (ties: the earlier pair first) */
            size_t q = ntop < N_PAIR_STARTS + 1 ? ntop++ : N_PAIR_STARTS + 1;
            while (q > 0 && topc[q - 1] > e.crit) {
                if (q < N_PAIR_STARTS + 1) {
                    top[q] = top[q - 1];
                    topc[q] = topc[q - 1];
                }
                q--;
            }
            if (q < N_PAIR_STARTS + 1) {
                top[q] = m;
                topc[q] = e.crit;
            }
        }
        for (size_t q = 1; q < ntop; q++)
            starts[nstart++] = top[q];
    }
    for (size_t s = 0; s < nstart; s++) {
        uint64_t mask = starts[s];
        sp_eval cur;
        dfg_status rc = cache_get(c, sp, w, mask, &cur, NULL, err);
        if (rc)
            return rc;
        if (!admissible(&cur))
            continue;
        for (;;) {
            double best = cur.crit;
            uint64_t best_mask = mask;
            sp_eval best_e = cur;
            for (size_t i = 0; i < sp->n_cand; i++) {
                uint64_t bit = (uint64_t)1 << i, next;
                if (mask & bit) {
                    /* remove i: nothing in the model may need it */
                    int needed = 0;
                    for (size_t j = 0; j < sp->n_cand && !needed; j++)
                        needed = (mask >> j & 1) && (sp->need[j] & bit);
                    if (needed)
                        continue;
                    next = mask & ~bit;
                } else {
                    if ((sp->need[i] & mask) != sp->need[i])
                        continue;
                    next = mask | bit;
                }
                sp_eval e;
                if ((rc = cache_get(c, sp, w, next, &e, NULL, err)))
                    return rc;
                if (admissible(&e) &&
                    (e.crit < best || (e.crit == best && next < best_mask && best_mask != mask))) {
                    best = e.crit;
                    best_mask = next;
                    best_e = e;
                }
            }
            progress_tick(pr, c->n, 0, 0);
            if (best_mask == mask)
                break;
            mask = best_mask;
            cur = best_e;
        }
    }
    progress_tick(pr, c->n, c->n, 1);
    return DFG_OK;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Exhaustive search: fixed chunks over threads
 * ======================================================================= */

typedef struct {
    const sp_space *sp;
    const uint64_t *masks;
    visit *v;
    size_t n, nchunk, next, done;
    pthread_mutex_t lock;
    dfg_status rc;
    dfg_error err;
    progress *pr; /* reported by the calling thread only */
} job;

/* The work of one thread: chunks until none is left; caller = 1 in the calling thread. */
static void exhaustive_run(job *j, int caller);

static void *exhaustive_thread(void *arg)
{
    exhaustive_run(arg, 0);
    dfg_check_thread_free(); /* GLPK's per-thread environment */
    return NULL;
}

static void exhaustive_run(job *j, int caller)
{
    sp_worker *w = dfg_sp_worker_alloc(j->sp);
    dfg_error err = {0};
    dfg_status rc = w ? DFG_OK : dfg_err_set(&err, DFG_ENOMEM, "search", "worker");
    if (w)
        w->new_start = 1;
    size_t finished = 0; /* models of the last chunk, counted at the next lock */
    for (;;) {
        pthread_mutex_lock(&j->lock);
        j->done += finished;
        size_t ch = j->next++, done = j->done;
        int stop = j->rc != DFG_OK;
        pthread_mutex_unlock(&j->lock);
        if (caller && finished)
            progress_tick(j->pr, done, j->n, 0);
        if (rc || stop || ch >= j->nchunk)
            break;
        w->warm = 0; /* each chunk starts cold: the same digits on any number of threads */
        size_t end = (ch + 1) * CHUNK < j->n ? (ch + 1) * CHUNK : j->n;
        for (size_t i = ch * CHUNK; i < end && rc == DFG_OK; i++) {
            j->v[i].mask = j->masks[i];
            rc = dfg_sp_eval_model(j->sp, w, j->masks[i], 1, 0, &j->v[i].e, &err);
        }
        finished = end - ch * CHUNK;
    }
    if (rc) {
        pthread_mutex_lock(&j->lock);
        if (j->rc == DFG_OK) {
            j->rc = rc;
            j->err = err;
        }
        pthread_mutex_unlock(&j->lock);
    }
    dfg_sp_worker_free(w);
}

/* Every model of the space, or with tcrit finite only those whose criterion can be at most
 * tcrit (see the header), evaluated in fixed chunks over o->threads threads. */
static dfg_status run_exhaustive(const sp_space *sp, const dfg_search_opts *o, double tcrit,
                                 progress *pr, visit **out, size_t *nout, dfg_error *err)
{
    size_t n = dfg_sp_enumerate(sp, NULL, o->max_models);
    if (n > o->max_models)
        return dfg_err_set(err, DFG_EINVAL, "search",
                           "more than %zu models up to order %d on %zu lists: lower the maximum "
                           "order or use the downhill search",
                           o->max_models, o->max_order, sp->k);
    uint64_t *masks = dfg_malloc(n * sizeof *masks);
    if (!masks)
        return dfg_err_set(err, DFG_ENOMEM, "search", "%zu models", n);
    dfg_sp_enumerate(sp, masks, n);
    if (isfinite(tcrit)) {
        /* keep the models with crit(p, l_sat) <= T (+ rounding); p = 1 + k + terms */
        double lim = tcrit + 1e-9 * (fabs(tcrit) + 1.0);
        size_t kept = 0;
        for (size_t i = 0; i < n; i++) {
            /* p = the main-effects model's + one per term */
            double p = sp->p_base + (double)__builtin_popcountll(masks[i]);
            if (dfg_sp_criterion(sp, sp->crit, p, sp->lsat) <= lim)
                masks[kept++] = masks[i];
        }
        n = kept;
    }
    visit *v = dfg_calloc(n ? n : 1, sizeof *v);
    if (!v) {
        dfg_free(masks);
        return dfg_err_set(err, DFG_ENOMEM, "search", "%zu models", n);
    }
    job j;
    memset(&j, 0, sizeof j);
    j.sp = sp;
    j.masks = masks;
    j.v = v;
    j.n = n;
    j.nchunk = (n + CHUNK - 1) / CHUNK;
    j.pr = pr;
    pthread_mutex_init(&j.lock, NULL);
    int nt = o->threads > 1 ? o->threads : 1;
    if ((size_t)nt > j.nchunk)
        nt = (int)j.nchunk;
    pthread_t tid[64];
    if (nt > 64)
        nt = 64;
    int started = 0;
    for (int i = 1; i < nt; i++) {
        if (pthread_create(&tid[started], NULL, exhaustive_thread, &j) != 0)
            break;
        started++;
    }
    exhaustive_run(&j, 1);
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    pthread_mutex_destroy(&j.lock);
    dfg_free(masks);
    if (j.rc) {
        dfg_free(v);
        if (err && err->code == DFG_OK)
            *err = j.err;
        return j.rc;
    }
    progress_tick(pr, n, n, 1);
    *out = v;
    *nout = n;
    return DFG_OK;
}

/* ** }====================================================================== */

dfg_status dfg_search_opts_check(const dfg_search_opts *o, size_t k, dfg_error *err)
{
    if (!o)
        return dfg_err_set(err, DFG_EINVAL, "search", "NULL options");
    if ((unsigned)o->method > DFG_SEARCH_DOWNHILL || (unsigned)o->criterion > DFG_CRIT_AICC)
        return dfg_err_set(err, DFG_EINVAL, "search", "unknown method or criterion");
    if (k < 3)
        return dfg_err_set(err, DFG_EINVAL, "search", "a model search needs 3 or more lists");
    int order = o->max_order ? o->max_order : default_order(k);
    if (order < 1 || (size_t)order > k - 1)
        return dfg_err_set(err, DFG_EINVAL, "search",
                           "max order %d: must be between 1 and k - 1 = %zu", o->max_order, k - 1);
    int stepwise = o->method == DFG_SEARCH_STEPWISE || o->method == DFG_SEARCH_AIC_STEPWISE;
    if (stepwise && o->threshold != 0.0 && !(o->threshold > 0.0 && o->threshold < 1.0))
        return dfg_err_set(err, DFG_EINVAL, "search", "threshold %g: must be in (0, 1)",
                           o->threshold);
    if (dfg_level_check(o->level, err) != DFG_OK)
        return DFG_EINVAL;
    if (o->threads < 0 || o->threads > DFG_MAX_THREADS)
        return dfg_err_set(err, DFG_EINVAL, "search", "threads %d: must be in 0 .. %d", o->threads,
                           DFG_MAX_THREADS);
    if (o->top > DFG_MAX_TOP)
        return dfg_err_set(err, DFG_EINVAL, "search", "top %zu: at most %d", o->top, DFG_MAX_TOP);
    return dfg_glm_opts_check(&o->glm, err);
}

/* The search o->method on a space made by init (list-only or over the full table with
 * covariates): the part every search shares once the space exists. k lists; init fills sp
 * with the maximum order it is given. */
typedef dfg_status (*space_init_fn)(sp_space *sp, int order, const dfg_search_opts *o,
                                    const void *arg, dfg_error *err);

static dfg_status search_space_run(size_t k, space_init_fn init, const void *arg,
                                   const dfg_search_opts *o, dfg_search_result *r, dfg_error *err)
{
    if (!r)
        return dfg_err_set(err, DFG_EINVAL, "search", "NULL result");
    memset(r, 0, sizeof *r);
    r->nhat_avg = NAN;
    if (!o)
        return dfg_err_set(err, DFG_EINVAL, "search", "NULL options");
    dfg_status rc0 = dfg_search_opts_check(o, k, err);
    if (rc0 != DFG_OK)
        return rc0;
    int stepwise = o->method == DFG_SEARCH_STEPWISE || o->method == DFG_SEARCH_AIC_STEPWISE;
    int order = o->max_order ? o->max_order : default_order(k);
    if (stepwise)
        order = 2; /* pairs only */
    double thr = o->threshold;
    if (thr == 0.0 && stepwise)
        thr = o->method == DFG_SEARCH_STEPWISE ? DFG_SEARCH_STEPWISE_THRESHOLD
                                               : DFG_SEARCH_AIC_STEPWISE_THRESHOLD;
    r->method = o->method;
    r->criterion = o->criterion;
    r->max_order = order;
    r->threshold = stepwise ? thr : (double)NAN;

    sp_space sp;
    sp_worker *w = NULL;
    cache c = {0};
    visit *v = NULL;
    size_t nv = 0, chosen = (size_t)-1;
    dfg_search_opts oo = *o;
    oo.max_order = order;
    progress pr;
    progress_init(&pr, o);
    dfg_status rc = init(&sp, order, o, arg, err);
    r->n_obs = sp.n_obs;
    if (rc)
        goto done;
    if (sp.cov && o->method == DFG_SEARCH_AIC_STEPWISE) {
        rc = dfg_err_set(err, DFG_EINVAL, "search",
                         "aic-stepwise compares Rcapture fits of the lists alone; with covariate "
                         "terms held fixed use stepwise, exhaustive or downhill");
        goto done;
    }
    if (!(w = dfg_sp_worker_alloc(&sp))) {
        rc = dfg_err_set(err, DFG_ENOMEM, "search", "workspace");
        goto done;
    }
    switch (o->method) {
    case DFG_SEARCH_STEPWISE:
    case DFG_SEARCH_AIC_STEPWISE:
        rc = run_stepwise(&sp, w, o->method == DFG_SEARCH_AIC_STEPWISE, thr, &c, &chosen,
                          &r->n_steps, err);
        v = c.v;
        nv = c.n;
        break;
    case DFG_SEARCH_DOWNHILL:
        rc = run_downhill(&sp, w, &c, 1, &pr, err);
        v = c.v;
        nv = c.n;
        break;
    case DFG_SEARCH_EXHAUSTIVE: {
        /* best only: the bound T from a downhill search from the main effects */
        double tcrit = INFINITY;
        if (o->best_only) {
            rc = run_downhill(&sp, w, &c, 0, NULL, err);
            for (size_t i = 0; rc == DFG_OK && i < c.n; i++)
                if (admissible(&c.v[i].e) && c.v[i].e.crit < tcrit)
                    tcrit = c.v[i].e.crit;
        }
        if (rc == DFG_OK)
            rc = run_exhaustive(&sp, &oo, tcrit, &pr, &v, &nv, err);
        break;
    }
    }
    if (rc == DFG_OK)
        rc = make_table(&sp, w, v, nv, stepwise ? chosen : nv, &oo, r, err);
done:
    if (o->method == DFG_SEARCH_EXHAUSTIVE)
        dfg_free(v);
    cache_free(&c);
    dfg_sp_worker_free(w);
    dfg_sp_space_free(&sp);
    if (rc)
        dfg_search_result_free(r);
    return rc;
}

static dfg_status init_table(sp_space *sp, int order, const dfg_search_opts *o, const void *arg,
                             dfg_error *err)
{
    const struct {
        const dfg_table *t;
        size_t s;
    } *a = arg;
    return dfg_sp_space_init(sp, a->t, a->s, order, o->criterion, &o->glm, err);
}

dfg_status dfg_search_run(const dfg_table *t, size_t s, const dfg_search_opts *o,
                          dfg_search_result *r, dfg_error *err)
{
    if (r)
        memset(r, 0, sizeof *r);
    if (!t || !o || !r)
        return dfg_err_set(err, DFG_EINVAL, "search", "NULL table, options or result");
    if (s >= dfg_table_n_strata(t))
        return dfg_err_set(err, DFG_EINVAL, "search", "stratum %zu of %zu", s,
                           dfg_table_n_strata(t));
    struct {
        const dfg_table *t;
        size_t s;
    } a = {t, s};
    return search_space_run(dfg_table_k(t), init_table, &a, o, r, err);
}

typedef struct {
    const dfg_ctable *ct;
    const dfg_cmodel *fixed;
    const sp_cov_fitter *fitter; /* NULL: the complete-data fit */
} ctable_arg;

static dfg_status init_ctable(sp_space *sp, int order, const dfg_search_opts *o, const void *arg,
                              dfg_error *err)
{
    const ctable_arg *a = arg;
    dfg_status rc = dfg_sp_space_init_cov(sp, a->ct, a->fixed, order, o->criterion, &o->glm, err);
    if (rc == DFG_OK && a->fitter)
        dfg_sp_cov_set_fitter(sp, a->fitter);
    return rc;
}

dfg_status dfg_search_run_cov_with(const dfg_ctable *ct, const dfg_cmodel *fixed,
                                   const sp_cov_fitter *f, const dfg_search_opts *o,
                                   dfg_search_result *r, dfg_error *err)
{
    if (r)
        memset(r, 0, sizeof *r);
    if (!ct || !o || !r)
        return dfg_err_set(err, DFG_EINVAL, "search", "NULL table, options or result");
    ctable_arg a = {ct, fixed, f};
    dfg_search_opts oo = *o;
    if (f) /* the bound of best_only holds for the complete-data likelihood only */
        oo.best_only = 0;
    return search_space_run(dfg_ctable_k(ct), init_ctable, &a, &oo, r, err);
}

dfg_status dfg_search_run_cov(const dfg_ctable *ct, const dfg_cmodel *fixed,
                              const dfg_search_opts *o, dfg_search_result *r, dfg_error *err)
{
    return dfg_search_run_cov_with(ct, fixed, NULL, o, r, err);
}
