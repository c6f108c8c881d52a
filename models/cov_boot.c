/* models/cov_boot.c: bootstrap of the totals of a model over lists and covariates (the
 * total and the totals per level), and fits stratified by a covariate.
 *
 * Resampling, replicate b drawing only from stream (seed, b) (core/rng.c):
 *  - parametric (as mse::boot_mse; Buckland & Garthwaite 1991, Biometrics 47:255): N-hat
 *    = sum of all fitted cells, unobserved ones included; Nr = floor(N-hat) +
 *    Bernoulli(frac(N-hat)); counts* ~ Multinomial(Nr; mu_c / N-hat) over every cell; the
 *    unobserved cells dropped; the model refitted (fixed);
 *  - nonparametric: counts* ~ Multinomial(n; y_c / n) over the observed cells; the model
 *    refitted, or (select = 1) chosen again in every replicate and jackknife fit, by the
 *    stepwise search (dfg_cstep_run) or by a list search with covariate terms held fixed
 *    (dfg_search_run_cov), then fitted by dfg_cfit_checked as on the data (Chan, Silverman
 *    & Vincent 2021, JASA 116:1297); dfg_cboot_run counts the models chosen (as
 *    core/boot.c).
 * A replicate whose fit fails or whose MLE is not interior keeps its N* (the extended
 * MLE's, counted in n_boundary) unless N* is not finite (counted in n_failed, left out);
 * a replicate whose search fails (a list with no one, no admissible model) is counted in
 * n_failed too.
 * Intervals as core/boot.c: percentile and BCa (DiCiccio & Efron 1996, Stat. Sci.
 * 11:189), z0 from the share of N*_b below N-hat, the acceleration from the delete-one
 * jackknife over the people, one fit per nonempty observable cell. Quantiles R type 7.
 * Replicates are handed to threads dynamically but replicate b writes only slot b and
 * every summary runs afterwards in replicate order: the same digits on any number of
 * threads.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"
#include "models.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void openblas_set_num_threads(int num_threads);

dfg_cboot_opts dfg_cboot_opts_default(void)
{
    dfg_cboot_opts o;
    memset(&o, 0, sizeof o);
    o.B = 1000;
    o.type = DFG_BOOT_PARAMETRIC;
    o.level = 0.95;
    o.seed = 1;
    o.threads = 1;
    o.glm = dfg_glm_opts_default();
    o.bca = 1;
    return o;
}

void dfg_cboot_result_free(dfg_cboot_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->models && i < r->n_models; i++)
        dfg_free(r->models[i]);
    dfg_free(r->models);
    dfg_free(r->model_count);
    dfg_free(r->rep_model);
    dfg_free(r->rows);
    dfg_free(r->nstar);
    memset(r, 0, sizeof *r);
}

/* the groups: row 0 = every stratum, then the rows of dfg_cfit_level_totals */
typedef struct {
    const dfg_ctable *ct;
    const dfg_cmodel *m;
    const dfg_cfit *fit;
    dfg_cboot_opts opt;      /* the caller's options, or the defaults */
    const dfg_cboot_opts *o; /* &opt */
    size_t n_groups;
    unsigned char *groups; /* n_groups x n_strata */
    dfg_level_total *lt;   /* the level rows: their points and labels */
    size_t n_jack;
    size_t *jack_cell; /* the nonempty observable cells */
    double *prob;      /* resampling probabilities */
    size_t *cat;       /* their cells */
    size_t n_cat;
    double nhat_draw;
    unsigned char *use; /* boundary fits: the facial set; else NULL */
    /* the pass: items 0 .. count - 1 are the jackknife fits (jack = 1) or the replicates
     * first .. first + count - 1; item i writes out[i n_groups ..] and bnd[i] only */
    int jack;
    size_t first, count;
    double *out;
    unsigned char *bnd;
    char **label; /* select in dfg_cboot_run: B, replicate b's model (owned) or NULL */
    size_t next;
    /* progress: items ended in this pass; reports p_base + done of p_total */
    size_t done, reported, p_base, p_total;
    pthread_mutex_t lock;
    dfg_status rc;
    dfg_error err;
} job;

/* totals of every group from fitted cells mu */
static void group_totals(const job *j, const double *y, const double *mu, double *out)
{
    size_t k = dfg_ctable_k(j->ct), ns = dfg_ctable_n_strata(j->ct), np = (size_t)1 << k;
    for (size_t g = 0; g < j->n_groups; g++) {
        const unsigned char *in = j->groups + g * ns;
        double t = 0.0;
        for (size_t s = 0; s < ns; s++) {
            if (!in[s])
                continue;
            t += mu[s << k];
            for (size_t p = 1; p < np; p++)
                t += y[(s << k) + p];
        }
        out[g] = t;
    }
}

typedef struct {
    dfg_cfit_work *w;
    double *y, *beta;
    unsigned int *draw;
    gsl_rng *r;
    dfg_ctable *ctb; /* for the search: a copy whose counts are replaced */
} worker;

/* The label of a chosen model: with a list search its list terms (dfg_model_format
 * without a table, as the search's rows), else the full model. NULL when out of memory. */
static char *model_label(const job *j, const dfg_cmodel *cm)
{
    char buf[2048];
    if (!j->o->search) {
        dfg_cmodel_format(cm, j->ct, buf, sizeof buf);
        return dfg_strdup(buf);
    }
    size_t k = dfg_ctable_k(j->ct), n = 0;
    uint64_t lists = ((uint64_t)1 << k) - 1;
    uint32_t *t = dfg_malloc((cm->n_terms + 1) * sizeof *t);
    if (!t)
        return NULL;
    for (size_t i = 0; i < cm->n_terms; i++)
        if (!(cm->terms[i] & ~lists))
            t[n++] = (uint32_t)cm->terms[i];
    dfg_model lm = {0};
    dfg_error e = {0};
    char *s = NULL;
    if (dfg_model_from_terms(k, t, n, &lm, &e) == DFG_OK) {
        dfg_model_format(&lm, NULL, buf, sizeof buf);
        s = dfg_strdup(buf);
    }
    dfg_model_free(&lm);
    dfg_free(t);
    return s;
}

/* The selection on the table ctb (counts replaced): the model it chooses into *cm. */
static dfg_status select_model(const job *j, const dfg_ctable *ctb, dfg_cmodel *cm, dfg_error *err)
{
    dfg_status rc;
    if (j->o->search) {
        dfg_search_opts so = *j->o->search;
        so.threads = 1; /* the replicates run in parallel */
        so.best_only = 1;
        so.top = 1;
        so.average = 0;
        so.progress = NULL;
        so.progress_data = NULL;
        dfg_search_result sr;
        if ((rc = dfg_search_run_cov(ctb, j->o->search_fixed, &so, &sr, err)) != DFG_OK)
            return rc;
        rc = sr.n_rows ? dfg_search_cov_model(ctb, j->o->search_fixed, &sr.rows[0].model, cm, err)
                       : dfg_err_set(err, DFG_EDATA, "boot", "no admissible model");
        dfg_search_result_free(&sr);
        return rc;
    }
    dfg_cstep_opts so = dfg_cstep_opts_default();
    so.glm = j->o->glm;
    so.phases = j->o->select_phases ? j->o->select_phases : 1;
    dfg_cstep_result sr;
    if ((rc = dfg_cstep_run(ctb, &so, &sr, err)) != DFG_OK)
        return rc;
    *cm = sr.final; /* taken over */
    memset(&sr.final, 0, sizeof sr.final);
    dfg_cstep_result_free(&sr);
    return DFG_OK;
}

/* The totals of every group from counts y into out: the model refitted, or chosen again
 * (select; its label into *label when label is not NULL). */
static dfg_status fit_counts(job *j, worker *wk, const double *y, double *out, int *boundary,
                             char **label, dfg_error *err)
{
    const dfg_cfit *f = j->fit;
    if (j->o->select) {
        dfg_status rc = dfg_ctable_set_counts(wk->ctb, y, err);
        if (rc != DFG_OK)
            return rc;
        dfg_cmodel cm = {0};
        if ((rc = select_model(j, wk->ctb, &cm, err)) != DFG_OK) {
            dfg_cmodel_free(&cm);
            return rc;
        }
        dfg_cfit cf;
        rc = dfg_cfit_checked(wk->ctb, &cm, &j->o->glm, &cf, err);
        if (rc == DFG_OK || rc == DFG_ENOMLE) {
            *boundary = cf.check != DFG_CHECK_FINE;
            if (cf.check == DFG_CHECK_NOMLE) {
                for (size_t g = 0; g < j->n_groups; g++)
                    out[g] = NAN;
            } else {
                group_totals(j, y, cf.fitted, out);
            }
            /* a model only for a replicate with N* (as core/boot.c counts them) */
            if (label && cf.check != DFG_CHECK_NOMLE && !(*label = model_label(j, &cm)))
                rc = dfg_err_set(err, DFG_ENOMEM, "boot", "model label");
            else
                rc = DFG_OK;
        }
        dfg_cfit_free(&cf);
        dfg_cmodel_free(&cm);
        return rc;
    }
    memcpy(wk->beta, f->beta, f->p * sizeof *wk->beta);
    dfg_glm_info info;
    dfg_status rc = dfg_cfit_engine(wk->w, j->ct, f->spec, f->p, y, j->use, 1, &j->o->glm, wk->beta,
                                    NULL, &info, err);
    if (rc != DFG_OK && rc != DFG_ENOCONV && rc != DFG_ESING)
        return rc;
    const double *mu = dfg_cfit_work_mu(wk->w);
    *boundary = rc != DFG_OK || dfg_cfit_work_last_step(wk->w) >= 1e-3;
    if (rc == DFG_ESING) {
        for (size_t g = 0; g < j->n_groups; g++)
            out[g] = NAN;
        return DFG_OK;
    }
    group_totals(j, y, mu, out);
    return DFG_OK;
}

static dfg_status run_item(job *j, worker *wk, size_t item)
{
    const double *y0 = dfg_ctable_counts(j->ct);
    size_t n = dfg_ctable_n_cells(j->ct), k = dfg_ctable_k(j->ct);
    size_t lm = ((size_t)1 << k) - 1;
    dfg_error e = {0};
    int boundary = 0;
    double *out = j->out + item * j->n_groups;
    if (j->jack) {
        memcpy(wk->y, y0, n * sizeof *wk->y);
        wk->y[j->jack_cell[item]] -= 1.0;
        dfg_status rc = fit_counts(j, wk, wk->y, out, &boundary, NULL, &e);
        if (rc != DFG_OK && rc != DFG_ENOMEM) { /* no acceleration then, not fatal */
            for (size_t g = 0; g < j->n_groups; g++)
                out[g] = NAN;
            rc = DFG_OK;
        }
        return rc;
    }
    size_t b = j->first + item;
    dfg_status rc = dfg_rng_reset(wk->r, j->o->seed, b, &e);
    if (rc != DFG_OK)
        return rc;
    unsigned size;
    if (j->o->type == DFG_BOOT_PARAMETRIC) {
        double fl = floor(j->nhat_draw);
        size = (unsigned)fl + (gsl_rng_uniform(wk->r) < j->nhat_draw - fl ? 1u : 0u);
    } else {
        size = (unsigned)dfg_ctable_n_obs(j->ct);
    }
    gsl_ran_multinomial(wk->r, j->n_cat, size, j->prob, wk->draw);
    memset(wk->y, 0, n * sizeof *wk->y);
    for (size_t i = 0; i < j->n_cat; i++)
        if (j->cat[i] & lm) /* the unobserved cells are dropped */
            wk->y[j->cat[i]] = (double)wk->draw[i];
    rc = fit_counts(j, wk, wk->y, out, &boundary, j->label ? &j->label[b] : NULL, &e);
    j->bnd[item] = rc == DFG_OK && boundary;
    if (rc != DFG_OK) {
        /* a failed replicate is left out, not fatal (unless out of memory) */
        for (size_t g = 0; g < j->n_groups; g++)
            out[g] = NAN;
        if (rc == DFG_ENOMEM)
            return rc;
    }
    return DFG_OK;
}

/* The progress of the pass, from the calling thread only, once per count of items. */
static void report(job *j, size_t done)
{
    if (j->o->progress && done != j->reported) {
        j->reported = done;
        j->o->progress(j->p_base + done, j->p_total, j->o->progress_data);
    }
}

/* Take items until none is left (caller: the calling thread, which reports progress). */
static void work_loop(job *j, int caller)
{
    worker wk;
    memset(&wk, 0, sizeof wk);
    dfg_error e = {0};
    size_t n = dfg_ctable_n_cells(j->ct);
    wk.w = dfg_cfit_work_alloc(j->ct, j->fit->p);
    wk.y = dfg_malloc(n * sizeof *wk.y);
    wk.beta = dfg_malloc(j->fit->p * sizeof *wk.beta);
    wk.draw = dfg_malloc((j->n_cat + 1) * sizeof *wk.draw);
    wk.r = dfg_rng_stream(j->o->seed, 0, &e);
    dfg_status rc = DFG_OK;
    if (j->o->select && dfg_ctable_copy(j->ct, &wk.ctb, &e) != DFG_OK)
        rc = DFG_ENOMEM;
    if (!wk.w || !wk.y || !wk.beta || !wk.draw || !wk.r)
        rc = DFG_ENOMEM;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        if (rc != DFG_OK && j->rc == DFG_OK) {
            j->rc = rc;
            dfg_err_set(&j->err, rc, "boot", "replicate workspace");
        }
        int stop = j->rc != DFG_OK || (j->o->cancel && *j->o->cancel);
        size_t item = j->next++;
        pthread_mutex_unlock(&j->lock);
        if (stop || item >= j->count)
            break;
        rc = run_item(j, &wk, item);
        pthread_mutex_lock(&j->lock);
        size_t done = ++j->done;
        pthread_mutex_unlock(&j->lock);
        if (caller)
            report(j, done);
    }
    dfg_cfit_work_free(wk.w);
    dfg_free(wk.y);
    dfg_free(wk.beta);
    dfg_free(wk.draw);
    if (wk.r)
        gsl_rng_free(wk.r);
    dfg_ctable_free(wk.ctb);
    dfg_check_thread_free();
}

static void *work(void *arg)
{
    work_loop(arg, 0);
    return NULL;
}

/* Percentile and BCa of one statistic: replicate b's value star[b * stride], jackknife
 * value i's jack[i * stride]. */
static void summarise(const job *j, const double *star, const double *jack, size_t stride,
                      double point, dfg_cboot_row *row, double *scr)
{
    const dfg_cboot_opts *o = j->o;
    size_t m = 0, below = 0, equal = 0;
    for (size_t b = 0; b < o->B; b++) {
        double v = star[b * stride];
        if (!isfinite(v))
            continue;
        scr[m++] = v;
        below += v < point;
        equal += v == point;
    }
    row->n_ok = m;
    row->point = point;
    row->perc_lo = row->perc_hi = row->bca_lo = row->bca_hi = NAN;
    row->se = row->z0 = row->accel = NAN;
    if (m < 2)
        return;
    qsort(scr, m, sizeof *scr, dfg_cmp_double);
    double mean = 0.0, ss = 0.0;
    for (size_t i = 0; i < m; i++)
        mean += scr[i];
    mean /= (double)m;
    for (size_t i = 0; i < m; i++)
        ss += (scr[i] - mean) * (scr[i] - mean);
    row->se = sqrt(ss / (double)(m - 1));
    double alpha = 1.0 - o->level;
    row->perc_lo = dfg_quantile7(scr, m, alpha / 2.0);
    row->perc_hi = dfg_quantile7(scr, m, 1.0 - alpha / 2.0);
    if (!o->bca || j->n_jack == 0)
        return;
    double p0 = ((double)below + 0.5 * (double)equal) / (double)m;
    if (!(p0 > 0.0 && p0 < 1.0))
        return;
    double z0 = gsl_cdf_ugaussian_Pinv(p0);
    /* acceleration: delete-one jackknife, cell i weighted by its count */
    const double *y = dfg_ctable_counts(j->ct);
    double jbar = 0.0, wsum = 0.0;
    for (size_t i = 0; i < j->n_jack; i++) {
        double ji = jack[i * stride], c = y[j->jack_cell[i]];
        if (!isfinite(ji))
            return;
        jbar += c * ji;
        wsum += c;
    }
    jbar /= wsum;
    double s2 = 0.0, s3 = 0.0;
    for (size_t i = 0; i < j->n_jack; i++) {
        double d = jbar - jack[i * stride], c = y[j->jack_cell[i]];
        s2 += c * d * d;
        s3 += c * d * d * d;
    }
    double a = s2 > 0.0 ? s3 / (6.0 * pow(s2, 1.5)) : 0.0;
    row->z0 = z0;
    row->accel = a;
    double zl = gsl_cdf_ugaussian_Pinv(alpha / 2.0), zh = -zl;
    double al = gsl_cdf_ugaussian_P(z0 + (z0 + zl) / (1.0 - a * (z0 + zl)));
    double ah = gsl_cdf_ugaussian_P(z0 + (z0 + zh) / (1.0 - a * (z0 + zh)));
    row->bca_lo = dfg_quantile7(scr, m, al);
    row->bca_hi = dfg_quantile7(scr, m, ah);
}

size_t dfg_cboot_n_rows(const dfg_ctable *ct, const size_t *by, size_t n_by)
{
    if (!ct)
        return 0;
    size_t nc = dfg_ctable_n_cov(ct), rows = 1;
    if (n_by) {
        /* one row per combination of the levels of the covariates by */
        size_t prod = 1;
        for (size_t i = 0; i < n_by; i++) {
            if (!by || by[i] >= nc)
                return 0;
            prod *= dfg_ctable_n_levels(ct, by[i]);
        }
        return rows + prod;
    }
    /* one row per level of each covariate */
    for (size_t c = 0; c < nc; c++)
        rows += dfg_ctable_n_levels(ct, c);
    return rows;
}

static void job_free(job *j)
{
    pthread_mutex_destroy(&j->lock);
    for (size_t b = 0; j->label && b < j->o->B; b++)
        dfg_free(j->label[b]);
    dfg_free(j->label);
    dfg_free_level_totals(j->lt);
    dfg_free(j->groups);
    dfg_free(j->use);
    dfg_free(j->jack_cell);
    dfg_free(j->prob);
    dfg_free(j->cat);
}

/* The checked options (opts NULL: the defaults), the groups, the jackknife cells and what
 * replicates draw from; res (when given) emptied. The caller calls job_free whatever this
 * returns. */
static dfg_status job_start(job *j, const dfg_ctable *ct, const dfg_cmodel *m, const dfg_cfit *fit,
                            const size_t *by, size_t n_by, const dfg_cboot_opts *opts,
                            dfg_cboot_result *res, dfg_error *err)
{
    memset(j, 0, sizeof *j);
    pthread_mutex_init(&j->lock, NULL);
    if (res)
        memset(res, 0, sizeof *res);
    j->opt = opts ? *opts : dfg_cboot_opts_default();
    j->o = &j->opt;
    const dfg_cboot_opts *o = j->o;
    if (!ct || !m || !fit || !fit->fitted || !fit->beta)
        return dfg_err_set(err, DFG_EINVAL, "boot", "NULL argument");
    if (o->B < 2 || !(o->level > 0.0 && o->level < 1.0) || o->threads < 1)
        return dfg_err_set(err, DFG_EINVAL, "boot", "B >= 2, level in (0, 1), threads >= 1");
    if (fit->check == DFG_CHECK_NOMLE)
        return dfg_err_set(err, DFG_ENOMLE, "boot", "the MLE does not exist: nothing to resample");
    size_t nc = dfg_ctable_n_cov(ct), ns = dfg_ctable_n_strata(ct), n = dfg_ctable_n_cells(ct);
    size_t k = dfg_ctable_k(ct), lm = ((size_t)1 << k) - 1;
    for (size_t i = 0; i < n_by; i++)
        if (by[i] >= nc)
            return dfg_err_set(err, DFG_EINVAL, "boot", "no covariate %zu", by[i]);
    j->ct = ct;
    j->m = m;
    j->fit = fit;
    dfg_status rc;
    size_t nl = 0;
    /* groups: the total, then the level rows */
    if ((rc = dfg_cfit_level_totals(ct, NULL, fit, by, n_by, o->level, 0, NULL, &j->lt, &nl,
                                    err)) != DFG_OK)
        return rc;
    if (o->change_from && (o->change_from > nl || o->change_to > nl || o->change_to == 0 ||
                           o->change_from == o->change_to))
        return dfg_err_set(err, DFG_EINVAL, "boot", "change between rows %zu and %zu of %zu",
                           o->change_from, o->change_to, nl);
    j->n_groups = 1 + nl;
    if (j->n_groups != dfg_cboot_n_rows(ct, by, n_by))
        return dfg_err_set(err, DFG_EINTERNAL, "boot", "%zu level rows", nl);
    const double *y = dfg_ctable_counts(ct);
    for (size_t c = 0; c < n; c++)
        j->n_jack += (c & lm) && y[c] > 0.0;
    if (!o->bca)
        j->n_jack = 0;
    j->n_cat = o->type == DFG_BOOT_PARAMETRIC ? n : 0;
    if (o->type != DFG_BOOT_PARAMETRIC)
        for (size_t c = 0; c < n; c++)
            j->n_cat += (c & lm) && y[c] > 0.0;
    if (!(j->groups = dfg_calloc(j->n_groups * ns, 1)) ||
        !(j->jack_cell = dfg_malloc((j->n_jack + 1) * sizeof *j->jack_cell)) ||
        !(j->prob = dfg_malloc((j->n_cat + 1) * sizeof *j->prob)) ||
        !(j->cat = dfg_malloc((j->n_cat + 1) * sizeof *j->cat)))
        return dfg_err_set(err, DFG_ENOMEM, "boot", "%zu totals", j->n_groups);
    memset(j->groups, 1, ns);
    {
        /* level rows: recompute membership as dfg_cfit_level_totals orders them */
        size_t g = 1;
        size_t nblocks = n_by ? 1 : nc;
        for (size_t blk = 0; blk < nblocks; blk++) {
            size_t one = blk, nb = n_by ? n_by : 1;
            const size_t *cv = n_by ? by : &one;
            size_t dig[64] = {0};
            for (;;) {
                for (size_t s = 0; s < ns; s++) {
                    int in = 1;
                    for (size_t i = 0; i < nb && in; i++)
                        in = dfg_ctable_level_of(ct, s, cv[i]) == dig[i];
                    j->groups[g * ns + s] = (unsigned char)in;
                }
                g++;
                size_t q = 0;
                while (q < nb && ++dig[q] == dfg_ctable_n_levels(ct, cv[q]))
                    dig[q++] = 0;
                if (q == nb)
                    break;
            }
        }
    }
    if (fit->check == DFG_CHECK_BOUNDARY) {
        /* the extended MLE: the cells it fits as 0 stay out of every refit */
        if (!(j->use = dfg_malloc(n)))
            return dfg_err_set(err, DFG_ENOMEM, "boot", "cells");
        for (size_t c = 0; c < n; c++)
            j->use[c] = (c & lm) && fit->fitted[c] > 0.0;
    }
    size_t q = 0;
    for (size_t c = 0; c < n; c++)
        if ((c & lm) && y[c] > 0.0 && o->bca)
            j->jack_cell[q++] = c;
    if (o->type == DFG_BOOT_PARAMETRIC) {
        double tot = 0.0;
        for (size_t c = 0; c < n; c++)
            tot += fit->fitted[c];
        for (size_t c = 0; c < n; c++) {
            j->cat[c] = c;
            j->prob[c] = fit->fitted[c] / tot;
        }
        j->nhat_draw = tot;
    } else {
        double nobs = dfg_ctable_n_obs(ct);
        q = 0;
        for (size_t c = 0; c < n; c++)
            if ((c & lm) && y[c] > 0.0) {
                j->cat[q] = c;
                j->prob[q++] = y[c] / nobs;
            }
    }
    return DFG_OK;
}

/* One pass: the jackknife fits 0 .. count - 1 (jack = 1) or the replicates first ..
 * first + count - 1, into out (count x n_groups) and bnd (replicates: count flags), on up
 * to o->threads threads, this one included. */
static dfg_status run_pass(job *j, int jack, size_t first, size_t count, double *out,
                           unsigned char *bnd, dfg_error *err)
{
    j->jack = jack;
    j->first = first;
    j->count = count;
    j->out = out;
    j->bnd = bnd;
    j->next = 0;
    j->done = j->reported = 0;
    j->rc = DFG_OK;
    memset(&j->err, 0, sizeof j->err);
    if (count > 0) {
        openblas_set_num_threads(1);
        size_t nt = (size_t)j->o->threads;
        if (nt > 64)
            nt = 64;
        if (nt > count)
            nt = count;
        pthread_t th[64];
        size_t started = 0;
        for (size_t i = 1; i < nt; i++)
            if (pthread_create(&th[started], NULL, work, j) == 0)
                started++;
        work_loop(j, 1);
        for (size_t i = 0; i < started; i++)
            pthread_join(th[i], NULL);
        report(j, j->done);
    }
    if (j->rc != DFG_OK)
        return dfg_err_set(err, j->rc, j->err.where, "%s", j->err.msg);
    if (j->o->cancel && *j->o->cancel)
        return dfg_err_set(err, DFG_ECANCEL, "boot", "stopped on request");
    return DFG_OK;
}

/* The change between rows a = change_from and b = change_to, replicate by replicate (and
 * jackknife value by jackknife value): N_b - N_a and N_b / N_a into res->change. */
static dfg_status summarise_change(const job *j, const double *nstar, const double *jack,
                                   dfg_cboot_result *res, double *scr, dfg_error *err)
{
    const dfg_cboot_opts *o = j->o;
    size_t a = o->change_from, b = o->change_to, ng = j->n_groups, nb = o->B + j->n_jack;
    double *d = dfg_malloc(2 * (nb + 1) * sizeof *d);
    if (!d)
        return dfg_err_set(err, DFG_ENOMEM, "boot", "change");
    double *rt = d + nb + 1;
    for (size_t i = 0; i < nb; i++) {
        const double *v = i < o->B ? nstar + i * ng : jack + (i - o->B) * ng;
        d[i] = v[b] - v[a];
        rt[i] = v[b] / v[a];
    }
    double pa = j->lt[a - 1].nhat, pb = j->lt[b - 1].nhat;
    summarise(j, d, d + o->B, 1, pb - pa, &res->change[0], scr);
    summarise(j, rt, rt + o->B, 1, pb / pa, &res->change[1], scr);
    snprintf(res->change[0].label, sizeof res->change[0].label, "%.90s - %.90s", j->lt[b - 1].label,
             j->lt[a - 1].label);
    snprintf(res->change[1].label, sizeof res->change[1].label, "%.90s / %.90s", j->lt[b - 1].label,
             j->lt[a - 1].label);
    res->has_change = 1;
    dfg_free(d);
    return DFG_OK;
}

/* After the replicates (nstar: B x n_groups, bnd: B): the jackknife pass, then the rows,
 * counts and a copy of the replicates into res. */
static dfg_status finish_job(job *j, const double *nstar, const unsigned char *bnd,
                             dfg_cboot_result *res, dfg_error *err)
{
    const dfg_cboot_opts *o = j->o;
    dfg_status rc = DFG_OK;
    double *jack = dfg_malloc((j->n_jack + 1) * j->n_groups * sizeof *jack);
    double *scr = dfg_malloc(o->B * sizeof *scr);
    res->rows = dfg_calloc(j->n_groups, sizeof *res->rows);
    res->nstar = dfg_malloc(o->B * j->n_groups * sizeof *res->nstar);
    if (!jack || !scr || !res->rows || !res->nstar)
        rc = dfg_err_set(err, DFG_ENOMEM, "boot", "%zu replicates x %zu totals", o->B, j->n_groups);
    j->p_base = j->p_total - j->n_jack;
    if (rc == DFG_OK)
        rc = run_pass(j, 1, 0, j->n_jack, jack, NULL, err);
    if (rc == DFG_OK) {
        res->n_rows = j->n_groups;
        res->B = o->B;
        res->seed = o->seed;
        res->type = o->type;
        snprintf(res->rows[0].label, sizeof res->rows[0].label, "total");
        for (size_t g = 0; g < j->n_groups; g++) {
            if (g > 0)
                snprintf(res->rows[g].label, sizeof res->rows[g].label, "%s", j->lt[g - 1].label);
            double point = g == 0 ? j->fit->nhat : j->lt[g - 1].nhat;
            summarise(j, nstar + g, jack + g, j->n_groups, point, &res->rows[g], scr);
        }
        if (o->change_from)
            rc = summarise_change(j, nstar, jack, res, scr, err);
        for (size_t b = 0; b < o->B; b++) {
            res->n_failed += isfinite(nstar[b * j->n_groups]) ? 0u : 1u;
            res->n_boundary += bnd[b] ? 1u : 0u;
        }
        memcpy(res->nstar, nstar, o->B * j->n_groups * sizeof *nstar);
    }
    dfg_free(jack);
    dfg_free(scr);
    if (rc != DFG_OK)
        dfg_cboot_result_free(res);
    return rc;
}

dfg_status dfg_cboot_replicates(const dfg_ctable *ct, const dfg_cmodel *m, const dfg_cfit *fit,
                                const size_t *by, size_t n_by, const dfg_cboot_opts *opts,
                                size_t first, size_t last, double *nstar, unsigned char *boundary,
                                dfg_error *err)
{
    job j;
    dfg_status rc = job_start(&j, ct, m, fit, by, n_by, opts, NULL, err);
    if (rc == DFG_OK && (first > last || last > j.o->B || (last > first && (!nstar || !boundary))))
        rc = dfg_err_set(err, DFG_EINVAL, "boot", "replicates %zu .. %zu of B = %zu", first, last,
                         j.o->B);
    j.p_total = last - first;
    if (rc == DFG_OK)
        rc = run_pass(&j, 0, first, last - first, nstar, boundary, err);
    job_free(&j);
    return rc;
}

dfg_status dfg_cboot_finish(const dfg_ctable *ct, const dfg_cmodel *m, const dfg_cfit *fit,
                            const size_t *by, size_t n_by, const dfg_cboot_opts *opts,
                            const double *nstar, const unsigned char *boundary,
                            dfg_cboot_result *res, dfg_error *err)
{
    job j;
    dfg_status rc = job_start(&j, ct, m, fit, by, n_by, opts, res, err);
    if (rc == DFG_OK && (!res || !nstar || !boundary))
        rc = dfg_err_set(err, DFG_EINVAL, "boot", "NULL result or replicates");
    j.p_total = j.n_jack;
    if (rc == DFG_OK)
        rc = finish_job(&j, nstar, boundary, res, err);
    job_free(&j);
    return rc;
}

/* The models the replicates chose (j->label), counted into res; the share of m itself. */
static dfg_status count_models(const job *j, dfg_cboot_result *res, dfg_error *err)
{
    size_t B = j->o->B;
    char *mine = model_label(j, j->m);
    if (!mine || !(res->rep_model = dfg_malloc(B * sizeof *res->rep_model))) {
        dfg_free(mine);
        return dfg_err_set(err, DFG_ENOMEM, "boot", "models chosen");
    }
    dfg_status rc = dfg_boot_count_models((const char *const *)j->label, B, &res->n_models,
                                          &res->models, &res->model_count, res->rep_model, err);
    for (size_t b = 0; rc == DFG_OK && b < B; b++)
        res->chosen_count += j->label[b] && strcmp(j->label[b], mine) == 0;
    dfg_free(mine);
    return rc;
}

dfg_status dfg_cboot_run(const dfg_ctable *ct, const dfg_cmodel *m, const dfg_cfit *fit,
                         const size_t *by, size_t n_by, const dfg_cboot_opts *opts,
                         dfg_cboot_result *res, dfg_error *err)
{
    job j;
    double *nstar = NULL;
    unsigned char *bnd = NULL;
    /* the steps of dfg_cboot_replicates over [0, B) and of dfg_cboot_finish */
    dfg_status rc = job_start(&j, ct, m, fit, by, n_by, opts, res, err);
    size_t B = j.o->B;
    if (rc == DFG_OK && !res)
        rc = dfg_err_set(err, DFG_EINVAL, "boot", "NULL result");
    if (rc == DFG_OK &&
        (!(nstar = dfg_malloc(B * j.n_groups * sizeof *nstar)) || !(bnd = dfg_malloc(B)) ||
         (j.o->select && !(j.label = dfg_calloc(B, sizeof *j.label)))))
        rc = dfg_err_set(err, DFG_ENOMEM, "boot", "%zu replicates x %zu totals", B, j.n_groups);
    j.p_total = B + j.n_jack;
    if (rc == DFG_OK)
        rc = run_pass(&j, 0, 0, B, nstar, bnd, err);
    if (rc == DFG_OK)
        rc = finish_job(&j, nstar, bnd, res, err);
    if (rc == DFG_OK && j.label && (rc = count_models(&j, res, err)) != DFG_OK)
        dfg_cboot_result_free(res);
    dfg_free(nstar);
    dfg_free(bnd);
    job_free(&j);
    return rc;
}
