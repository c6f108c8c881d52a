/* models/incomplete_boot.c: the bootstrap of an EM fit with missing covariate values.
 *
 * The observed data are rows: the complete cells with people and the rows with missing
 * values. Nonparametric: a replicate draws n people over the rows with probabilities
 * count / n. Semi-parametric (cenzus::boot_mse): it draws N-hat people over the rows and
 * the unobserved total m0 with probabilities count / N-hat and m0 / N-hat, and drops the
 * unobserved draw; N-hat is rounded at random (floor + Bernoulli(fraction), as
 * core/boot.c's parametric bootstrap; cenzus passes N-hat to rmultinom, which truncates).
 * Each replicate reruns the EM from the point estimate. The statistics are the total and
 * each covariate level's total. Percentile and BCa intervals as core/boot.c (DiCiccio &
 * Efron 1996): z0 from the replicates, the acceleration from the delete-one jackknife
 * over the distinct observed rows (EM rerun, weights = counts). Replicate b draws from
 * stream (seed, b) and every item writes only its own slot, so the digits do not depend
 * on the number of threads.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "incomplete.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

void openblas_set_num_threads(int num_threads);

typedef struct {
    const dfg_itable *it;
    const dfg_em_opts *eo;
    const size_t *spec;
    size_t p, ns;
    const double *beta0; /* the point estimate */
    /* observed rows: complete cells first (cell index), then the rows with missing values */
    size_t n_cellrows, n_rowsall;
    size_t *cellrow;
    double *cnt;  /* n_rowsall (+ m0 for the semi-parametric draw) */
    double *prob; /* n_rowsall + 1 */
    size_t K;     /* categories drawn */
    double n_draw;
    int semi;
    uint32_t seed;
    size_t n_jack, total;
    double *value; /* total x ns */
    atomic_size_t next;
    atomic_int stop;
    dfg_status fatal;
    dfg_error fatal_err;
    pthread_mutex_t mu;
} ejob;

typedef struct {
    ejob *j;
    dfg_em_ws ws;
    gsl_rng *r;
    unsigned *draw;
    double *y0, *inc, *beta;
    pthread_t tid;
} eworker;

static void item_counts(ejob *j, eworker *w, const double *c)
{
    const dfg_itable *it = j->it;
    memset(w->y0, 0, it->n_cells * sizeof *w->y0);
    for (size_t i = 0; i < j->n_cellrows; i++)
        w->y0[j->cellrow[i]] = c[i];
    for (size_t r = 0; r < it->n_rows; r++)
        w->inc[r] = c[j->n_cellrows + r];
}

static dfg_status run_item(ejob *j, eworker *w, size_t item)
{
    double *c = dfg_malloc((j->K + 1) * sizeof *c);
    if (!c)
        return DFG_ENOMEM;
    if (item < j->n_jack) {
        memcpy(c, j->cnt, j->n_rowsall * sizeof *c);
        c[item] -= 1.0;
    } else {
        dfg_error e = {0};
        if (dfg_rng_reset(w->r, j->seed, item - j->n_jack, &e) != DFG_OK) {
            dfg_free(c);
            return DFG_EINTERNAL;
        }
        unsigned size = (unsigned)j->n_draw;
        if (j->semi) {
            double fl = floor(j->n_draw);
            size = (unsigned)fl + (gsl_rng_uniform(w->r) < j->n_draw - fl ? 1u : 0u);
        }
        gsl_ran_multinomial(w->r, j->K, size, j->prob, w->draw);
        for (size_t i = 0; i < j->n_rowsall; i++)
            c[i] = (double)w->draw[i];
    }
    item_counts(j, w, c);
    dfg_free(c);
    memcpy(w->beta, j->beta0, j->p * sizeof *w->beta);
    dfg_em_info info;
    dfg_error ee = {0};
    dfg_status rc = dfg_em_core(&w->ws, w->y0, w->inc, 1, j->eo, w->beta, &info, &ee);
    double *out = j->value + item * j->ns;
    if (rc == DFG_ENOMEM)
        return rc;
    if (rc != DFG_OK) {
        for (size_t s = 0; s < j->ns; s++)
            out[s] = NAN;
        return DFG_OK;
    }
    dfg_em_stats(j->it, dfg_cfit_work_mu(w->ws.w), w->ws.yc, out);
    for (size_t s = 0; s < j->ns; s++)
        if (!isfinite(out[s])) {
            for (size_t q = 0; q < j->ns; q++)
                out[q] = NAN;
            break;
        }
    return DFG_OK;
}

static void *work(void *arg)
{
    eworker *w = arg;
    ejob *j = w->j;
    for (;;) {
        if (atomic_load(&j->stop))
            break;
        size_t item = atomic_fetch_add(&j->next, 1);
        if (item >= j->total)
            break;
        dfg_status rc = run_item(j, w, item);
        if (rc != DFG_OK) {
            pthread_mutex_lock(&j->mu);
            if (j->fatal == DFG_OK) {
                j->fatal = rc;
                dfg_err_set(&j->fatal_err, rc, "incomplete bootstrap", "item %zu failed", item);
            }
            pthread_mutex_unlock(&j->mu);
            atomic_store(&j->stop, 1);
            break;
        }
    }
    return NULL;
}

static double bca_level(double z0, double a, double z)
{
    double w = z0 + z, d = 1.0 - a * w;
    if (!(d > 0.0))
        return w > 0.0 ? 1.0 : 0.0;
    return gsl_cdf_ugaussian_P(z0 + w / d);
}

void dfg_emboot_result_free(dfg_emboot_result *r)
{
    if (!r)
        return;
    dfg_free(r->point);
    dfg_free(r->stars);
    dfg_free(r->ci);
    dfg_free(r->pct);
    dfg_free(r->se);
    dfg_free(r->z0);
    dfg_free(r->accel);
    memset(r, 0, sizeof *r);
}

/* the intervals of statistic s */
static void reduce(const ejob *j, const dfg_boot_opts *bo, dfg_emboot_result *res, size_t s,
                   double *x)
{
    size_t m = 0;
    double sum = 0.0;
    for (size_t b = 0; b < res->B; b++) {
        double v = res->stars[b * j->ns + s];
        if (isfinite(v)) {
            x[m++] = v;
            sum += v;
        }
    }
    double mean = m ? sum / (double)m : (double)NAN, ss = 0.0;
    for (size_t i = 0; i < m; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    res->se[s] = m > 1 ? sqrt(ss / (double)(m - 1)) : (double)NAN;
    qsort(x, m, sizeof *x, dfg_cmp_double);
    double alpha = 1.0 - bo->level, point = res->point[s];
    dfg_interval pc = {0};
    pc.type = DFG_CI_PERCENTILE;
    pc.level = bo->level;
    pc.point = point;
    pc.lower = dfg_quantile7(x, m, alpha / 2.0);
    pc.upper = dfg_quantile7(x, m, 1.0 - alpha / 2.0);
    res->pct[s] = pc;
    res->ci[s] = pc;
    res->z0[s] = NAN;
    res->accel[s] = NAN;
    if (bo->interval != DFG_CI_BCA || m == 0)
        return;
    double less = 0.0, eq = 0.0;
    for (size_t i = 0; i < m; i++) {
        if (x[i] < point)
            less += 1.0;
        else if (x[i] == point)
            eq += 1.0;
    }
    double p0 = (less + 0.5 * eq) / (double)m, pmin = 0.5 / (double)m;
    p0 = p0 < pmin ? pmin : p0 > 1.0 - pmin ? 1.0 - pmin : p0;
    double z0 = gsl_cdf_ugaussian_Pinv(p0);
    double cw = 0.0, cj = 0.0;
    for (size_t i = 0; i < j->n_jack; i++) {
        double v = j->value[i * j->ns + s];
        if (isfinite(v)) {
            cw += j->cnt[i];
            cj += j->cnt[i] * v;
        }
    }
    double jm = cj / cw, num = 0.0, den = 0.0;
    for (size_t i = 0; i < j->n_jack; i++) {
        double v = j->value[i * j->ns + s];
        if (isfinite(v)) {
            double d = jm - v;
            num += j->cnt[i] * d * d * d;
            den += j->cnt[i] * d * d;
        }
    }
    double a = den > 0.0 ? num / (6.0 * pow(den, 1.5)) : 0.0;
    double zl = gsl_cdf_ugaussian_Pinv(alpha / 2.0), zu = -zl;
    dfg_interval bc = pc;
    bc.type = DFG_CI_BCA;
    bc.lower = dfg_quantile7(x, m, bca_level(z0, a, zl));
    bc.upper = dfg_quantile7(x, m, bca_level(z0, a, zu));
    res->ci[s] = bc;
    res->z0[s] = z0;
    res->accel[s] = a;
}

dfg_status dfg_em_boot(const dfg_itable *it, const dfg_cmodel *m, const dfg_em_opts *eo,
                       const dfg_emfit *point, const dfg_boot_opts *bo, dfg_emboot_result *res,
                       dfg_error *err)
{
    if (!res)
        return dfg_err_set(err, DFG_EINVAL, "incomplete bootstrap", "NULL result");
    memset(res, 0, sizeof *res);
    if (!it || !m || !point || !bo || !point->fit.beta || !point->completed)
        return dfg_err_set(err, DFG_EINVAL, "incomplete bootstrap", "NULL argument");
    dfg_em_opts def = dfg_em_opts_default();
    if (!eo)
        eo = &def;
    if (bo->B < 1 || bo->B > DFG_MAX_REPLICATES || (bo->interval == DFG_CI_BCA && bo->B < 2) ||
        (bo->interval != DFG_CI_BCA && bo->interval != DFG_CI_PERCENTILE) ||
        !(bo->level > 0.0 && bo->level < 1.0) || bo->threads < 1 || bo->threads > DFG_MAX_THREADS ||
        (bo->type != DFG_BOOT_NONPARAMETRIC && bo->type != DFG_BOOT_PARAMETRIC))
        return dfg_err_set(err, DFG_EINVAL, "incomplete bootstrap",
                           "options: B in 1..%d (2 for BCa), percentile or BCa, level in (0, 1), "
                           "threads in 1..%d",
                           DFG_MAX_REPLICATES, DFG_MAX_THREADS);
    if (point->status != DFG_OK || !isfinite(point->fit.nhat))
        return dfg_err_set(err, DFG_EINVAL, "incomplete bootstrap",
                           "the point fit did not converge");
    size_t p = dfg_cmodel_n_params(m, it->ct);
    if (p != point->fit.p)
        return dfg_err_set(err, DFG_EINVAL, "incomplete bootstrap", "model and fit differ");
    ejob j;
    memset(&j, 0, sizeof j);
    j.it = it;
    j.eo = eo;
    j.p = p;
    j.ns = dfg_em_n_stats(it);
    j.beta0 = point->fit.beta;
    j.seed = bo->seed;
    j.semi = bo->type == DFG_BOOT_PARAMETRIC;
    size_t nw = (size_t)bo->threads;
    eworker *ws = dfg_calloc(nw, sizeof *ws);
    size_t *spec = dfg_malloc(p * sizeof *spec);
    double *x = NULL;
    dfg_status rc = DFG_OK;
    int mutex_ok = 0;
    const double *y0 = dfg_ctable_counts(it->ct);
    for (size_t c = 0; c < it->n_cells; c++)
        j.n_cellrows += y0[c] > 0.0;
    j.n_rowsall = j.n_cellrows + it->n_rows;
    j.K = j.n_rowsall + (size_t)j.semi;
    j.n_jack = bo->interval == DFG_CI_BCA ? j.n_rowsall : 0;
    j.total = j.n_jack + bo->B;
    if (!ws || !spec || !(j.cellrow = dfg_malloc((j.n_cellrows + 1) * sizeof *j.cellrow)) ||
        !(j.cnt = dfg_malloc((j.K + 1) * sizeof *j.cnt)) ||
        !(j.prob = dfg_malloc((j.K + 1) * sizeof *j.prob)) ||
        !(j.value = dfg_malloc(j.total * j.ns * sizeof *j.value)) ||
        !(x = dfg_malloc((bo->B + 1) * sizeof *x)) ||
        !(res->point = dfg_malloc(j.ns * sizeof *res->point)) ||
        !(res->stars = dfg_malloc(bo->B * j.ns * sizeof *res->stars)) ||
        !(res->ci = dfg_calloc(j.ns, sizeof *res->ci)) ||
        !(res->pct = dfg_calloc(j.ns, sizeof *res->pct)) ||
        !(res->se = dfg_malloc(j.ns * sizeof *res->se)) ||
        !(res->z0 = dfg_malloc(j.ns * sizeof *res->z0)) ||
        !(res->accel = dfg_malloc(j.ns * sizeof *res->accel))) {
        rc = dfg_err_set(err, DFG_ENOMEM, "incomplete bootstrap", "workspace");
        goto done;
    }
    dfg_cmodel_params(m, it->ct, spec, NULL, err);
    j.spec = spec;
    size_t q = 0;
    for (size_t c = 0; c < it->n_cells; c++)
        if (y0[c] > 0.0) {
            j.cellrow[q] = c;
            j.cnt[q++] = y0[c];
        }
    for (size_t r = 0; r < it->n_rows; r++)
        j.cnt[q++] = it->count[r];
    double n = it->n_obs, N = point->fit.nhat;
    j.n_draw = j.semi ? N : n;
    for (size_t i = 0; i < j.n_rowsall; i++)
        j.prob[i] = j.cnt[i] / j.n_draw;
    if (j.semi) {
        j.cnt[j.n_rowsall] = N - n;
        j.prob[j.n_rowsall] = (N - n) / N;
    }
    if (j.n_draw > 4294967295.0) {
        rc = dfg_err_set(err, DFG_EINVAL, "incomplete bootstrap", "more than 2^32 people");
        goto done;
    }
    dfg_em_stats(it, point->fit.fitted, dfg_ctable_counts(point->completed), res->point);
    for (size_t w = 0; w < nw; w++) {
        ws[w].j = &j;
        if ((rc = dfg_em_ws_init(&ws[w].ws, it, spec, p, err)) != DFG_OK)
            goto done;
        if (!(ws[w].r = dfg_rng_stream(j.seed, 0, err)) ||
            !(ws[w].draw = dfg_malloc((j.K + 1) * sizeof *ws[w].draw)) ||
            !(ws[w].y0 = dfg_malloc(it->n_cells * sizeof *ws[w].y0)) ||
            !(ws[w].inc = dfg_malloc((it->n_rows + 1) * sizeof *ws[w].inc)) ||
            !(ws[w].beta = dfg_malloc(p * sizeof *ws[w].beta))) {
            rc = dfg_err_set(err, DFG_ENOMEM, "incomplete bootstrap", "worker %zu", w);
            goto done;
        }
    }
    if (pthread_mutex_init(&j.mu, NULL) != 0) {
        rc = dfg_err_set(err, DFG_ENOMEM, "incomplete bootstrap", "mutex");
        goto done;
    }
    mutex_ok = 1;
    atomic_init(&j.next, 0);
    atomic_init(&j.stop, 0);
    openblas_set_num_threads(1);
    size_t started = 1;
    for (; started < nw; started++)
        if (pthread_create(&ws[started].tid, NULL, work, &ws[started]) != 0)
            break;
    work(&ws[0]);
    for (size_t w = 1; w < started; w++)
        pthread_join(ws[w].tid, NULL);
    if (j.fatal != DFG_OK) {
        rc = j.fatal;
        if (err && err->code == DFG_OK)
            *err = j.fatal_err;
        goto done;
    }
    res->B = bo->B;
    res->n_stats = j.ns;
    res->seed = bo->seed;
    res->type = bo->type;
    res->n_jack = j.n_jack;
    memcpy(res->stars, j.value + j.n_jack * j.ns, bo->B * j.ns * sizeof *res->stars);
    for (size_t b = 0; b < bo->B; b++) {
        if (isfinite(res->stars[b * j.ns]))
            res->n_ok++;
        else
            res->n_failed++;
    }
    if (res->n_ok == 0) {
        rc = dfg_err_set(err, DFG_EDATA, "incomplete bootstrap", "every replicate failed");
        goto done;
    }
    for (size_t s = 0; s < j.ns; s++)
        reduce(&j, bo, res, s, x);
done:
    if (mutex_ok)
        pthread_mutex_destroy(&j.mu);
    if (ws)
        for (size_t w = 0; w < nw; w++) {
            dfg_em_ws_free(&ws[w].ws);
            if (ws[w].r)
                gsl_rng_free(ws[w].r);
            dfg_free(ws[w].draw);
            dfg_free(ws[w].y0);
            dfg_free(ws[w].inc);
            dfg_free(ws[w].beta);
        }
    dfg_free(ws);
    dfg_free(spec);
    dfg_free(j.cellrow);
    dfg_free(j.cnt);
    dfg_free(j.prob);
    dfg_free(j.value);
    dfg_free(x);
    if (rc != DFG_OK)
        dfg_emboot_result_free(res);
    return rc;
}
