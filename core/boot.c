/* core/boot.c: the bootstrap engine: B replicates, each resampling one stratum and
 * rerunning the whole estimator (its model selection included), then percentile and
 * BCa intervals.
 *
 * Resampling (replicate b draws only from stream (seed, b), core/rng.c):
 *  - nonparametric: counts* ~ Multinomial(n; c_i / n) over the observed patterns i
 *    (as R MultipleSystemsEstimation's bootstrap);
 *  - parametric (Buckland & Garthwaite 1991, Biometrics 47:255): N-hat = sum of the
 *    2^k fitted cells, randomised rounding Nr = floor(N-hat) + Bernoulli(frac(N-hat))
 *    (so E Nr = N-hat), counts* ~ Multinomial(Nr; mu_c / N-hat) over all 2^k cells,
 *    the unobserved cell c = 0 then dropped.
 * Intervals (DiCiccio & Efron 1996, Stat. Sci. 11:189; Efron & Tibshirani 1993 ch. 14):
 *  - percentile: quantiles alpha/2 and 1 - alpha/2 of the N*_b;
 *  - BCa: z0 = Phi^-1(p0), p0 = (#{N*_b < N-hat} + #{N*_b = N-hat} / 2) / B_ok;
 *    a from the delete-one jackknife, one fit per distinct observed pattern i with
 *    count c_i (every person with that pattern gives the same J_i):
 *      a = sum c_i (J - J_i)^3 / (6 (sum c_i (J - J_i)^2)^(3/2)),  J = sum c_i J_i / n;
 *    adjusted levels alpha_j = Phi(z0 + (z0 + z_j) / (1 - a (z0 + z_j))).
 *  Quantiles are R's type 7: h = (m - 1) p, x[floor h] + frac(h) (x[floor h + 1] - x[floor h]).
 * Chan, Silverman & Vincent (2021) JASA 116:1297 motivate repeating the selection.
 *
 * Steps (one code path): dfg_boot_replicates computes the replicates of an index range
 * [first, last) into the caller's slots; dfg_boot_finish takes all B slots, runs the
 * jackknife and the reductions; dfg_boot_run is the two over [0, B) in one process. A
 * replicate depends only on (seed, b) and the data, so splitting [0, B) into ranges
 * computed anywhere (threads, processes, MPI ranks) and finishing once gives the bytes of
 * dfg_boot_run.
 * Determinism: the items of a pass (replicates, then jackknife fits) are handed out
 * dynamically to T threads, but item i writes only slot i and every reduction runs
 * afterwards in item order, so the output does not depend on T.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* OpenBLAS's own switch (cblas.h); declared here so that only this file depends on it. */
void openblas_set_num_threads(int num_threads);

dfg_boot_opts dfg_boot_opts_default(void)
{
    dfg_boot_opts o;
    memset(&o, 0, sizeof o);
    o.B = 1000;
    o.type = DFG_BOOT_NONPARAMETRIC;
    o.interval = DFG_CI_BCA;
    o.level = 0.95;
    o.seed = 1;
    o.threads = 1;
    return o;
}

void dfg_boot_result_free(dfg_boot_result *r)
{
    if (!r)
        return;
    if (r->models)
        for (size_t i = 0; i < r->n_models; i++)
            dfg_free(r->models[i]);
    dfg_free(r->models);
    dfg_free(r->model_count);
    dfg_free(r->nstar);
    dfg_free(r->rep_status);
    dfg_free(r->rep_check);
    dfg_free(r->rep_model);
    memset(r, 0, sizeof *r);
}

/* ** {======================================================================
 * The job shared by the workers
 * ======================================================================= */

typedef struct {
    /* read-only while the workers run */
    const dfg_estimator *est;
    dfg_est_opts eo;
    size_t k;
    const char **names; /* k list names (owned by the caller's table) */
    size_t m;           /* observed patterns with a positive count */
    uint32_t *pat;      /* m patterns */
    double *cnt;        /* m counts */
    dfg_boot_type type;
    size_t K;          /* categories drawn: m, or 2^k (parametric) */
    double *prob;      /* K probabilities (need not sum to 1: GSL normalises) */
    uint32_t *cellpat; /* parametric: the 2^k patterns 0 .. 2^k - 1 */
    unsigned n_draw;   /* nonparametric: n */
    double nhat_draw;  /* parametric: N-hat = sum of the fitted cells */
    uint32_t seed;
    size_t B, n_jack; /* replicates; jackknife fits (BCa: one per observed pattern, else 0) */
    int threads;
    volatile sig_atomic_t *cancel;
    dfg_boot_progress_fn progress;
    void *progress_data;
    /* the pass that runs: items 0 .. count - 1 are the jackknife fits 0 .. count - 1
     * (jack = 1) or the replicates first .. first + count - 1; item i writes slot[i] only */
    int jack;
    size_t first, count;
    dfg_boot_rep *slot;
    size_t p_base, p_total; /* progress reports p_base + done of p_total */
    /* scheduling */
    atomic_size_t next;
    atomic_int stop; /* set on cancel or a fatal error */
    atomic_int cancelled;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t done; /* under mu */
    int running; /* workers still running, under mu */
} job;

typedef struct {
    job *j;
    gsl_rng *r;
    unsigned *draw; /* K draws */
    double *y;      /* max(K, m) counts */
    pthread_t tid;
    size_t fatal_item; /* lowest item that failed fatally, or SIZE_MAX */
    dfg_status fatal;
    dfg_error err;
} worker;

static int is_fatal(dfg_status rc)
{
    return rc == DFG_ENOMEM || rc == DFG_EINTERNAL;
}

/* Run the estimator on a one-stratum table with counts y_i for patterns pat_i (i < n,
 * zeros skipped) into *out (every byte set: a slot may travel as bytes). Returns a fatal
 * status or DFG_OK. */
static dfg_status run_estimator(job *j, const uint32_t *pat, const double *y, size_t n, worker *w,
                                dfg_boot_rep *out)
{
    dfg_status rc;
    dfg_table *tab = dfg_table_new(j->k, j->names, 0, NULL, &w->err);
    if (!tab)
        return w->err.code ? w->err.code : DFG_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (y[i] > 0.0 && (rc = dfg_table_add(tab, 0, pat[i], y[i], &w->err)) != DFG_OK) {
            dfg_table_free(tab);
            return rc;
        }
    }
    dfg_estimate e;
    memset(&e, 0, sizeof e);
    dfg_error le = {0};
    rc = j->est->estimate(tab, 0, &j->eo, &e, &le);
    dfg_table_free(tab);
    if (is_fatal(rc)) {
        w->err = le;
        return rc;
    }
    /* failed: an error, a status other than DFG_OK, or no finite N */
    dfg_status st = rc != DFG_OK ? rc : e.status;
    if (st == DFG_OK &&
        (!isfinite(e.nhat) || (e.n_obs > 0.0 && e.nhat > DFG_NHAT_MAX_RATIO * e.n_obs)))
        st = DFG_EDATA; /* not an estimate (darkfig.h): left out like a failure */
    memset(out, 0, sizeof *out);
    out->status = st;
    out->check = e.check;
    out->nstar = st == DFG_OK ? e.nhat : (double)NAN;
    if (st == DFG_OK) {
        e.model[sizeof e.model - 1] = '\0';
        memcpy(out->model, e.model, sizeof out->model);
    }
    return DFG_OK;
}

/* Item i of the pass: the jackknife fit without one person of pattern i, or replicate
 * first + i. */
static dfg_status run_item(job *j, size_t item, worker *w)
{
    dfg_status rc;
    dfg_boot_rep *out = &j->slot[item];
    if (j->jack) {
        /* the data with c_i - 1 for pattern i: no randomness */
        memcpy(w->y, j->cnt, j->m * sizeof *w->y);
        w->y[item] -= 1.0;
        return run_estimator(j, j->pat, w->y, j->m, w, out);
    }
    size_t b = j->first + item;
    if ((rc = dfg_rng_reset(w->r, j->seed, b, &w->err)) != DFG_OK)
        return rc;
    unsigned size = j->n_draw;
    if (j->type == DFG_BOOT_PARAMETRIC) {
        /* Nr = floor(N-hat) + Bernoulli(N-hat - floor(N-hat)) */
        double fl = floor(j->nhat_draw);
        size = (unsigned)fl + (gsl_rng_uniform(w->r) < j->nhat_draw - fl ? 1u : 0u);
    }
    gsl_ran_multinomial(w->r, j->K, size, j->prob, w->draw);
    for (size_t i = 0; i < j->K; i++)
        w->y[i] = (double)w->draw[i];
    /* parametric: the categories are the patterns 0 .. 2^k - 1; drop the unobserved
     * cell 0 */
    if (j->type == DFG_BOOT_PARAMETRIC)
        return run_estimator(j, j->cellpat + 1, w->y + 1, j->K - 1, w, out);
    return run_estimator(j, j->pat, w->y, j->m, w, out);
}

static int cancel_requested(const job *j)
{
    return j->cancel && *j->cancel;
}

static void report(const job *j, size_t done)
{
    if (j->progress)
        j->progress(j->p_base + done, j->p_total, j->progress_data);
}

/* Take items until none are left, a cancel is requested or a fatal error occurred. */
static void work(worker *w, int report_here)
{
    job *j = w->j;
    for (;;) {
        if (atomic_load(&j->stop))
            break;
        /* the caller's flag is read by the calling thread only (here when it runs the
         * items itself, otherwise in its wait loop), which passes it on through stop */
        if (report_here && cancel_requested(j)) {
            atomic_store(&j->cancelled, 1);
            atomic_store(&j->stop, 1);
            break;
        }
        size_t item = atomic_fetch_add(&j->next, 1);
        if (item >= j->count)
            break;
        dfg_status rc = run_item(j, item, w);
        if (rc != DFG_OK) {
            if (item < w->fatal_item) {
                w->fatal_item = item;
                w->fatal = rc;
            }
            atomic_store(&j->stop, 1);
            break;
        }
        if (report_here) {
            j->done++;
            report(j, j->done);
        } else {
            pthread_mutex_lock(&j->mu);
            j->done++;
            pthread_cond_signal(&j->cv);
            pthread_mutex_unlock(&j->mu);
        }
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    work(w, 0);
    pthread_mutex_lock(&w->j->mu);
    w->j->running--;
    pthread_cond_signal(&w->j->cv);
    pthread_mutex_unlock(&w->j->mu);
    return NULL;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Reductions, in item order
 * ======================================================================= */

int dfg_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double dfg_quantile7(const double *x, size_t m, double p)
{
    if (m == 0)
        return NAN;
    double h = (double)(m - 1) * p;
    if (!(h > 0.0))
        return x[0];
    if (h >= (double)(m - 1))
        return x[m - 1];
    size_t lo = (size_t)floor(h);
    return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

/* BCa adjusted level Phi(z0 + w / (1 - a w)), w = z0 + z; past the pole (1 - a w <= 0)
 * the level is the limit from the valid side: 1 when w > 0, else 0. */
static double bca_level(double z0, double a, double z)
{
    double w = z0 + z, d = 1.0 - a * w;
    if (!(d > 0.0))
        return w > 0.0 ? 1.0 : 0.0;
    return gsl_cdf_ugaussian_P(z0 + w / d);
}

typedef struct {
    const char *s;
    size_t b;
} model_ref;

typedef struct {
    size_t first, count, id;
} model_group;

static int cmp_model_ref(const void *a, const void *b)
{
    const model_ref *x = a, *y = b;
    int c = strcmp(x->s, y->s);
    if (c)
        return c;
    return (x->b > y->b) - (x->b < y->b);
}

static int cmp_group(const void *a, const void *b)
{
    const model_group *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1; /* most frequent first */
    return (x->first > y->first) - (x->first < y->first);
}

dfg_status dfg_boot_count_models(const char *const *model, size_t B, size_t *n_models,
                                 char ***models, size_t **model_count, size_t *rep_model,
                                 dfg_error *err)
{
    dfg_status rc = DFG_OK;
    size_t n = 0;
    *n_models = 0;
    model_ref *refs = dfg_malloc((B ? B : 1) * sizeof *refs);
    model_group *g = dfg_malloc((B ? B : 1) * sizeof *g);
    size_t *gid = dfg_malloc((B ? B : 1) * sizeof *gid);
    if (!refs || !g || !gid) {
        rc = dfg_err_set(err, DFG_ENOMEM, "boot", "model counts");
        goto done;
    }
    for (size_t b = 0; b < B; b++) {
        rep_model[b] = DFG_BOOT_NO_MODEL;
        if (model[b])
            refs[n++] = (model_ref){model[b], b};
    }
    qsort(refs, n, sizeof *refs, cmp_model_ref);
    size_t ng = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(refs[i].s, refs[i - 1].s) != 0)
            g[ng++] = (model_group){refs[i].b, 0, 0};
        g[ng - 1].count++;
        gid[refs[i].b] = ng - 1;
    }
    /* gid holds the group in sorted-name order; rank the groups by frequency */
    for (size_t i = 0; i < ng; i++)
        g[i].id = i;
    qsort(g, ng, sizeof *g, cmp_group);
    size_t *rank = dfg_malloc((ng ? ng : 1) * sizeof *rank);
    *models = dfg_calloc(ng ? ng : 1, sizeof **models);
    *model_count = dfg_malloc((ng ? ng : 1) * sizeof **model_count);
    if (!rank || !*models || !*model_count) {
        dfg_free(rank);
        rc = dfg_err_set(err, DFG_ENOMEM, "boot", "model counts");
        goto done;
    }
    *n_models = ng;
    for (size_t r = 0; r < ng; r++) {
        rank[g[r].id] = r;
        (*model_count)[r] = g[r].count;
        if (!((*models)[r] = dfg_strdup(model[g[r].first]))) {
            dfg_free(rank);
            rc = dfg_err_set(err, DFG_ENOMEM, "boot", "model names");
            goto done;
        }
    }
    for (size_t b = 0; b < B; b++)
        if (model[b])
            rep_model[b] = rank[gid[b]];
    dfg_free(rank);
done:
    dfg_free(refs);
    dfg_free(g);
    dfg_free(gid);
    return rc;
}

/* Distinct models of the successful replicates, counted; rep_model[b] set. */
static dfg_status count_models(const dfg_boot_rep *reps, size_t B, dfg_boot_result *res,
                               dfg_error *err)
{
    const char **model = dfg_malloc((B ? B : 1) * sizeof *model);
    if (!model)
        return dfg_err_set(err, DFG_ENOMEM, "boot", "model counts");
    for (size_t b = 0; b < B; b++)
        model[b] = reps[b].status == DFG_OK ? reps[b].model : NULL;
    dfg_status rc = dfg_boot_count_models(model, B, &res->n_models, &res->models, &res->model_count,
                                          res->rep_model, err);
    dfg_free(model);
    return rc;
}

/* Summaries and intervals from the replicate and jackknife slots. */
static dfg_status reduce(const job *j, const dfg_boot_opts *bo, const dfg_boot_rep *reps,
                         const dfg_boot_rep *jack, dfg_boot_result *res, dfg_error *err)
{
    double *x = dfg_malloc((j->B ? j->B : 1) * sizeof *x);
    if (!x)
        return dfg_err_set(err, DFG_ENOMEM, "boot", "sorted replicates");
    size_t m = 0;
    double sum = 0.0;
    for (size_t b = 0; b < j->B; b++) {
        res->rep_status[b] = reps[b].status;
        res->rep_check[b] = reps[b].check;
        if (reps[b].status != DFG_OK) {
            res->nstar[b] = NAN;
            res->n_failed++;
            continue;
        }
        res->nstar[b] = reps[b].nstar;
        if (res->rep_check[b] != DFG_CHECK_FINE)
            res->n_boundary++;
        x[m++] = reps[b].nstar;
        sum += reps[b].nstar;
    }
    res->n_ok = m;
    res->share_failed = (double)res->n_failed / (double)j->B;
    res->share_boundary = (double)res->n_boundary / (double)j->B;
    if (m == 0) {
        dfg_free(x);
        return dfg_err_set(err, DFG_EDATA, "boot", "the estimator failed in all %zu replicates",
                           j->B);
    }
    /* mean, then s.e. = sqrt(sum (x - mean)^2 / (m - 1)), both in replicate order */
    res->mean = sum / (double)m;
    double ss = 0.0;
    for (size_t i = 0; i < m; i++)
        ss += (x[i] - res->mean) * (x[i] - res->mean);
    res->se = m > 1 ? sqrt(ss / (double)(m - 1)) : (double)NAN;
    qsort(x, m, sizeof *x, dfg_cmp_double);
    res->median = dfg_quantile7(x, m, 0.5);

    double alpha = 1.0 - bo->level;
    double zl = gsl_cdf_ugaussian_Pinv(alpha / 2.0), zu = -zl;
    dfg_interval pc = {0};
    pc.type = DFG_CI_PERCENTILE;
    pc.level = bo->level;
    pc.point = res->nhat;
    pc.lower = dfg_quantile7(x, m, alpha / 2.0);
    pc.upper = dfg_quantile7(x, m, 1.0 - alpha / 2.0);
    res->percentile = pc;
    res->z0 = NAN;
    res->accel = NAN;
    res->n_jack = j->n_jack;
    res->ci = pc;
    if (bo->interval == DFG_CI_BCA) {
        /* p0 = (#{N* < N-hat} + #{N* = N-hat} / 2) / m, kept inside [1/(2m), 1 - 1/(2m)]
         * so that z0 stays finite when every replicate lies on one side */
        double less = 0.0, eq = 0.0;
        for (size_t i = 0; i < m; i++) {
            if (x[i] < res->nhat)
                less += 1.0;
            else if (x[i] == res->nhat)
                eq += 1.0;
        }
        double p0 = (less + 0.5 * eq) / (double)m, pmin = 0.5 / (double)m;
        if (p0 < pmin)
            p0 = pmin;
        if (p0 > 1.0 - pmin)
            p0 = 1.0 - pmin;
        res->z0 = gsl_cdf_ugaussian_Pinv(p0);
        /* J = sum c_i J_i / sum c_i; a = sum c_i (J - J_i)^3 / (6 (sum c_i (J - J_i)^2)^1.5) */
        double cw = 0.0, cj = 0.0;
        for (size_t i = 0; i < j->n_jack; i++) {
            if (jack[i].status != DFG_OK) {
                res->n_jack_failed++;
                continue;
            }
            cw += j->cnt[i];
            cj += j->cnt[i] * jack[i].nstar;
        }
        double a = 0.0;
        if (cw > 0.0) {
            double jbar = cj / cw, s2 = 0.0, s3 = 0.0;
            for (size_t i = 0; i < j->n_jack; i++) {
                if (jack[i].status != DFG_OK)
                    continue;
                double d = jbar - jack[i].nstar;
                s2 += j->cnt[i] * d * d;
                s3 += j->cnt[i] * d * d * d;
            }
            if (s2 > 0.0)
                a = s3 / (6.0 * pow(s2, 1.5));
        }
        res->accel = a;
        dfg_interval bc = pc;
        bc.type = DFG_CI_BCA;
        bc.lower = dfg_quantile7(x, m, bca_level(res->z0, a, zl));
        bc.upper = dfg_quantile7(x, m, bca_level(res->z0, a, zu));
        res->ci = bc;
    }
    dfg_free(x);
    return DFG_OK;
}

/* ** }====================================================================== */

dfg_status dfg_boot_opts_check(const dfg_boot_opts *bo, size_t k, dfg_error *err)
{
    if (!bo)
        return dfg_err_set(err, DFG_EINVAL, "boot", "NULL options");
    if (bo->B < 1 || bo->B > DFG_MAX_REPLICATES)
        return dfg_err_set(err, DFG_EINVAL, "boot", "B must be in 1 .. %d (got %zu)",
                           DFG_MAX_REPLICATES, bo->B);
    if (bo->type != DFG_BOOT_NONPARAMETRIC && bo->type != DFG_BOOT_PARAMETRIC)
        return dfg_err_set(err, DFG_EINVAL, "boot", "unknown bootstrap type %d", (int)bo->type);
    if (bo->interval != DFG_CI_BCA && bo->interval != DFG_CI_PERCENTILE)
        return dfg_err_set(err, DFG_EINVAL, "boot", "interval must be bca or percentile");
    if (bo->interval == DFG_CI_BCA && bo->B < 2)
        return dfg_err_set(err, DFG_EINVAL, "boot", "BCa needs B >= 2");
    if (dfg_level_check(bo->level, err) != DFG_OK)
        return DFG_EINVAL;
    if (bo->threads < 1 || bo->threads > DFG_MAX_THREADS)
        return dfg_err_set(err, DFG_EINVAL, "boot", "threads must be in 1 .. %d (got %d)",
                           DFG_MAX_THREADS, bo->threads);
    if (bo->type == DFG_BOOT_PARAMETRIC) {
        if (!bo->fitted)
            return dfg_err_set(err, DFG_EINVAL, "boot", "parametric bootstrap needs fitted cells");
        if (k > DFG_MAX_FIT_LISTS)
            return dfg_err_too_many_lists(err, k);
    }
    return DFG_OK;
}

/* What the replicates draw from: the observed patterns with a positive count, and the
 * cell probabilities (nonparametric: p_i = c_i / n over the observed patterns;
 * parametric: p_c = mu_c / N-hat over all 2^k cells). */
static dfg_status job_init(job *j, const dfg_table *t, size_t s, const dfg_boot_opts *bo,
                           dfg_error *err)
{
    size_t np = dfg_table_n_patterns(t, s);
    j->names = dfg_malloc(j->k * sizeof *j->names);
    j->pat = dfg_malloc((np ? np : 1) * sizeof *j->pat);
    j->cnt = dfg_malloc((np ? np : 1) * sizeof *j->cnt);
    if (!j->names || !j->pat || !j->cnt)
        return dfg_err_set(err, DFG_ENOMEM, "boot", "patterns");
    for (size_t i = 0; i < j->k; i++)
        j->names[i] = dfg_table_list_name(t, i);
    double n = 0.0;
    for (size_t i = 0; i < np; i++) {
        uint32_t p;
        double c;
        dfg_table_pattern(t, s, i, &p, &c);
        if (c > 0.0) {
            j->pat[j->m] = p;
            j->cnt[j->m++] = c;
            n += c;
        }
    }
    if (j->m == 0)
        return dfg_err_set(err, DFG_EDATA, "boot", "stratum %zu has no one observed", s);
    if (bo->type == DFG_BOOT_NONPARAMETRIC) {
        if (n > (double)UINT_MAX)
            return dfg_err_set(err, DFG_EDATA, "boot",
                               "n = %.15g people: the bootstrap resamples at most %u (GSL's "
                               "multinomial draws unsigned counts)",
                               n, DFG_MAX_BOOT_N);
        j->K = j->m;
        j->n_draw = (unsigned)n;
        if (!(j->prob = dfg_malloc(j->K * sizeof *j->prob)))
            return dfg_err_set(err, DFG_ENOMEM, "boot", "probabilities");
        /* p_i = c_i / n */
        for (size_t i = 0; i < j->m; i++)
            j->prob[i] = j->cnt[i] / n;
        return DFG_OK;
    }
    j->K = (size_t)1 << j->k;
    if (!(j->prob = dfg_malloc(j->K * sizeof *j->prob)))
        return dfg_err_set(err, DFG_ENOMEM, "boot", "probabilities");
    /* p_c = mu_c / N-hat, N-hat = sum over all 2^k cells of mu_c */
    double tot = 0.0;
    for (size_t c = 0; c < j->K; c++) {
        double f = bo->fitted[c];
        if (!(isfinite(f) && f >= 0.0))
            return dfg_err_set(err, DFG_EINVAL, "boot", "fitted cell %zu is %g", c, f);
        tot += f;
    }
    if (!(tot > bo->fitted[0]))
        return dfg_err_set(err, DFG_EINVAL, "boot", "fitted cells sum to %g", tot);
    if (tot > (double)UINT_MAX - 1.0)
        return dfg_err_set(err, DFG_EDATA, "boot",
                           "N-hat = %.15g: the bootstrap resamples at most %u people (GSL's "
                           "multinomial draws unsigned counts)",
                           tot, UINT_MAX - 1u);
    if (!(j->cellpat = dfg_malloc(j->K * sizeof *j->cellpat)))
        return dfg_err_set(err, DFG_ENOMEM, "boot", "patterns");
    for (size_t c = 0; c < j->K; c++) {
        j->prob[c] = bo->fitted[c] / tot;
        j->cellpat[c] = (uint32_t)c;
    }
    j->nhat_draw = tot;
    return DFG_OK;
}

/* Everything a pass needs but the pass itself: the checked options, the estimator, and
 * what the replicates draw from. On failure the caller still calls job_free. */
static dfg_status job_start(job *j, const dfg_estimator *est, const dfg_table *t, size_t s,
                            const dfg_est_opts *eo, const dfg_boot_opts *bo, dfg_error *err)
{
    memset(j, 0, sizeof *j);
    if (!est || !est->estimate || !t || !bo)
        return dfg_err_set(err, DFG_EINVAL, "boot", "NULL argument");
    if (s >= dfg_table_n_strata(t))
        return dfg_err_set(err, DFG_EINVAL, "boot", "stratum %zu out of range", s);
    dfg_status rc = dfg_boot_opts_check(bo, dfg_table_k(t), err);
    if (rc != DFG_OK)
        return rc;
    j->est = est;
    j->eo = eo ? *eo : dfg_est_opts_default();
    j->eo.want_ci = 0;
    j->k = dfg_table_k(t);
    j->type = bo->type;
    j->seed = bo->seed;
    j->B = bo->B;
    j->threads = bo->threads;
    j->cancel = bo->cancel;
    j->progress = bo->progress;
    j->progress_data = bo->progress_data;
    if ((rc = job_init(j, t, s, bo, err)) != DFG_OK)
        return rc;
    j->n_jack = bo->interval == DFG_CI_BCA ? j->m : 0;
    return DFG_OK;
}

/* The point estimate on the data, into res (N-hat, model, the options it records). */
static dfg_status point_estimate(job *j, const dfg_table *t, size_t s, const dfg_boot_opts *bo,
                                 dfg_boot_result *res, dfg_error *err)
{
    dfg_estimate e0;
    memset(&e0, 0, sizeof e0);
    dfg_status rc = j->est->estimate(t, s, &j->eo, &e0, err);
    if (rc == DFG_OK && e0.status != DFG_OK)
        rc = dfg_err_set(err, e0.status, "boot", "the estimator failed on the data");
    if (rc == DFG_OK && !isfinite(e0.nhat))
        rc = dfg_err_set(err, DFG_EDATA, "boot", "the estimate on the data is not finite");
    if (rc != DFG_OK)
        return rc;
    res->nhat = e0.nhat;
    memcpy(res->model, e0.model, sizeof res->model);
    res->model[sizeof res->model - 1] = '\0';
    res->type = bo->type;
    res->seed = bo->seed;
    res->B = bo->B;
    return DFG_OK;
}

static void workers_free(worker *ws, size_t nw)
{
    for (size_t w = 0; ws && w < nw; w++) {
        if (ws[w].r)
            gsl_rng_free(ws[w].r);
        dfg_free(ws[w].draw);
        dfg_free(ws[w].y);
    }
    dfg_free(ws);
}

/* nw workers, each with its generator and draw buffers; NULL when out of memory. */
static worker *workers_alloc(job *j, size_t nw, dfg_error *err)
{
    worker *ws = dfg_calloc(nw, sizeof *ws);
    if (!ws) {
        dfg_err_set(err, DFG_ENOMEM, "boot", "%zu workers", nw);
        return NULL;
    }
    for (size_t w = 0; w < nw; w++) {
        ws[w].j = j;
        ws[w].fatal_item = SIZE_MAX;
        if (!(ws[w].r = dfg_rng_stream(j->seed, 0, err)) ||
            !(ws[w].draw = dfg_malloc(j->K * sizeof *ws[w].draw)) ||
            !(ws[w].y = dfg_malloc((j->K > j->m ? j->K : j->m) * sizeof *ws[w].y))) {
            workers_free(ws, nw);
            dfg_err_set(err, DFG_ENOMEM, "boot", "worker %zu", w);
            return NULL;
        }
    }
    return ws;
}

/* Run the items of the pass on nw workers: in this thread when nw = 1, else on nw threads
 * while this one waits, watches the cancel flag and reports progress. */
static dfg_status run_workers(job *j, worker *ws, size_t nw, dfg_error *err)
{
    /* our threads run the estimator's BLAS calls: keep OpenBLAS to one thread */
    openblas_set_num_threads(1);
    if (nw == 1) {
        work(&ws[0], 1);
        return DFG_OK;
    }
    dfg_status rc = DFG_OK;
    if (pthread_mutex_init(&j->mu, NULL) != 0)
        return dfg_err_set(err, DFG_ENOMEM, "boot", "mutex");
    if (pthread_cond_init(&j->cv, NULL) != 0) {
        pthread_mutex_destroy(&j->mu);
        return dfg_err_set(err, DFG_ENOMEM, "boot", "condition variable");
    }
    size_t started = 0;
    pthread_mutex_lock(&j->mu);
    for (; started < nw; started++) {
        if (pthread_create(&ws[started].tid, NULL, worker_main, &ws[started]) != 0)
            break;
        j->running++;
    }
    if (started < nw) {
        /* could not start every thread: stop the others and fail */
        atomic_store(&j->stop, 1);
        rc = dfg_err_set(err, DFG_ENOMEM, "boot", "cannot start thread %zu", started);
    }
    /* report progress from this thread while the workers run */
    size_t reported = 0;
    while (j->running > 0) {
        if (cancel_requested(j)) {
            atomic_store(&j->cancelled, 1);
            atomic_store(&j->stop, 1);
        }
        pthread_cond_wait(&j->cv, &j->mu);
        if (j->progress && j->done != reported) {
            reported = j->done;
            pthread_mutex_unlock(&j->mu);
            report(j, reported);
            pthread_mutex_lock(&j->mu);
        }
    }
    size_t final_done = j->done;
    pthread_mutex_unlock(&j->mu);
    for (size_t w = 0; w < started; w++)
        pthread_join(ws[w].tid, NULL);
    if (final_done != reported)
        report(j, final_done);
    pthread_cond_destroy(&j->cv);
    pthread_mutex_destroy(&j->mu);
    return rc;
}

/* A fatal error of a worker: the one of the lowest item, so that it does not depend on
 * the number of threads. DFG_OK when none. */
static dfg_status first_fatal(const job *j, const worker *ws, size_t nw, dfg_error *err)
{
    size_t fw = SIZE_MAX, fi = SIZE_MAX;
    for (size_t w = 0; w < nw; w++)
        if (ws[w].fatal_item < fi) {
            fi = ws[w].fatal_item;
            fw = w;
        }
    if (fw == SIZE_MAX)
        return DFG_OK;
    dfg_status rc = ws[fw].fatal ? ws[fw].fatal : DFG_EINTERNAL;
    if (err && err->code == DFG_OK)
        *err = ws[fw].err;
    if (j->jack)
        dfg_err_set(err, rc, "boot", "jackknife fit %zu failed", fi);
    else
        dfg_err_set(err, rc, "boot", "replicate %zu failed", j->first + fi);
    return rc;
}

/* One pass: the jackknife fits 0 .. count - 1 (jack = 1) or the replicates first ..
 * first + count - 1, into slot[0 .. count - 1], on up to j->threads threads; progress
 * reported as p_base + done of p_total. */
static dfg_status run_pass(job *j, int jack, size_t first, size_t count, dfg_boot_rep *slot,
                           size_t p_base, size_t p_total, dfg_error *err)
{
    j->jack = jack;
    j->first = first;
    j->count = count;
    j->slot = slot;
    j->p_base = p_base;
    j->p_total = p_total;
    j->done = 0;
    j->running = 0;
    atomic_init(&j->next, 0);
    atomic_init(&j->stop, 0);
    atomic_init(&j->cancelled, 0);
    if (cancel_requested(j))
        return dfg_err_set(err, DFG_ECANCEL, "boot", "cancelled");
    if (count == 0)
        return DFG_OK;
    for (size_t i = 0; i < count; i++) {
        memset(&slot[i], 0, sizeof slot[i]);
        slot[i].nstar = NAN;
        slot[i].status = DFG_EINTERNAL; /* overwritten by every item that runs */
    }
    size_t nw = (size_t)j->threads < count ? (size_t)j->threads : count;
    worker *ws = workers_alloc(j, nw, err);
    if (!ws)
        return DFG_ENOMEM;
    dfg_status rc = run_workers(j, ws, nw, err);
    if (rc == DFG_OK)
        rc = first_fatal(j, ws, nw, err);
    workers_free(ws, nw);
    if (rc == DFG_OK && (atomic_load(&j->cancelled) || cancel_requested(j)))
        rc = dfg_err_set(err, DFG_ECANCEL, "boot", "cancelled");
    return rc;
}

static void job_free(job *j)
{
    dfg_free(j->prob);
    dfg_free(j->cellpat);
    dfg_free(j->cnt);
    dfg_free(j->pat);
    dfg_free(j->names);
}

/* The replicates as dfg_boot_finish accepts them: a failed one any N*, a good one a
 * finite N* and a NUL-terminated model. */
static dfg_status reps_check(const dfg_boot_rep *reps, size_t B, dfg_error *err)
{
    if (!reps)
        return dfg_err_set(err, DFG_EINVAL, "boot", "NULL replicates");
    for (size_t b = 0; b < B; b++)
        if (reps[b].status == DFG_OK &&
            (!isfinite(reps[b].nstar) || !memchr(reps[b].model, '\0', sizeof reps[b].model)))
            return dfg_err_set(err, DFG_EINVAL, "boot",
                               "replicate %zu: status ok without a finite N* and a model", b);
    return DFG_OK;
}

/* After the replicates: the jackknife pass (progress from p_base of p_total), then the
 * summaries, intervals and model counts into res (whose point estimate is set). */
static dfg_status finish_job(job *j, const dfg_boot_opts *bo, const dfg_boot_rep *reps,
                             size_t p_base, size_t p_total, dfg_boot_result *res, dfg_error *err)
{
    dfg_status rc = DFG_OK;
    dfg_boot_rep *jack = dfg_malloc((j->n_jack ? j->n_jack : 1) * sizeof *jack);
    res->nstar = dfg_malloc(j->B * sizeof *res->nstar);
    res->rep_status = dfg_malloc(j->B * sizeof *res->rep_status);
    res->rep_check = dfg_malloc(j->B * sizeof *res->rep_check);
    res->rep_model = dfg_malloc(j->B * sizeof *res->rep_model);
    if (!jack || !res->nstar || !res->rep_status || !res->rep_check || !res->rep_model)
        rc = dfg_err_set(err, DFG_ENOMEM, "boot", "B = %zu", j->B);
    if (rc == DFG_OK)
        rc = run_pass(j, 1, 0, j->n_jack, jack, p_base, p_total, err);
    if (rc == DFG_OK)
        rc = reduce(j, bo, reps, jack, res, err);
    if (rc == DFG_OK)
        rc = count_models(reps, j->B, res, err);
    dfg_free(jack);
    return rc;
}

dfg_status dfg_boot_replicates(const dfg_estimator *est, const dfg_table *t, size_t s,
                               const dfg_est_opts *eo, const dfg_boot_opts *bo, size_t first,
                               size_t last, dfg_boot_rep *reps, dfg_error *err)
{
    job j;
    dfg_status rc = job_start(&j, est, t, s, eo, bo, err);
    if (rc == DFG_OK && (first > last || last > bo->B || (!reps && last > first)))
        rc = dfg_err_set(err, DFG_EINVAL, "boot", "replicates %zu .. %zu of B = %zu", first, last,
                         bo->B);
    if (rc == DFG_OK)
        rc = run_pass(&j, 0, first, last - first, reps, 0, last - first, err);
    job_free(&j);
    return rc;
}

dfg_status dfg_boot_finish(const dfg_estimator *est, const dfg_table *t, size_t s,
                           const dfg_est_opts *eo, const dfg_boot_opts *bo,
                           const dfg_boot_rep *reps, dfg_boot_result *res, dfg_error *err)
{
    if (!res)
        return dfg_err_set(err, DFG_EINVAL, "boot", "NULL result");
    memset(res, 0, sizeof *res);
    job j;
    dfg_status rc = job_start(&j, est, t, s, eo, bo, err);
    if (rc == DFG_OK)
        rc = reps_check(reps, bo->B, err);
    if (rc == DFG_OK)
        rc = point_estimate(&j, t, s, bo, res, err);
    if (rc == DFG_OK)
        rc = finish_job(&j, bo, reps, 0, j.n_jack, res, err);
    job_free(&j);
    if (rc != DFG_OK)
        dfg_boot_result_free(res);
    return rc;
}

dfg_status dfg_boot_run(const dfg_estimator *est, const dfg_table *t, size_t s,
                        const dfg_est_opts *eo, const dfg_boot_opts *bo, dfg_boot_result *res,
                        dfg_error *err)
{
    if (!res)
        return dfg_err_set(err, DFG_EINVAL, "boot", "NULL result");
    memset(res, 0, sizeof *res);
    job j;
    dfg_boot_rep *reps = NULL;
    /* the steps of dfg_boot_replicates over [0, B) and of dfg_boot_finish, the point
     * estimate first (an estimator that fails on the data fails before any replicate) */
    dfg_status rc = job_start(&j, est, t, s, eo, bo, err);
    if (rc == DFG_OK)
        rc = point_estimate(&j, t, s, bo, res, err);
    if (rc == DFG_OK && !(reps = dfg_malloc(j.B * sizeof *reps)))
        rc = dfg_err_set(err, DFG_ENOMEM, "boot", "B = %zu", j.B);
    if (rc == DFG_OK)
        rc = run_pass(&j, 0, 0, j.B, reps, 0, j.B + j.n_jack, err);
    if (rc == DFG_OK)
        rc = finish_job(&j, bo, reps, j.B, j.B + j.n_jack, res, err);
    dfg_free(reps);
    job_free(&j);
    if (rc != DFG_OK)
        dfg_boot_result_free(res);
    return rc;
}
