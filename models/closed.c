/* models/closed.c: closed-population models M0, Mt, Mh, Mth, Mb, Mbh (Rcapture's closedp).
 *
 * Every model is a Poisson log-linear model on the 2^t - 1 observable capture histories
 * w of t occasions (Rivest & Baillargeon 2007, Biometrics 63:999; Baillargeon & Rivest
 * 2007, J. Stat. Softw. 19(5), Rcapture). With f = number of captures of w, x_j its
 * occasion indicators and j1 its first capture occasion, the design columns are
 *   M0        1, f
 *   Mt        1, x_1 .. x_t
 *   Mh h      1, f, h(f)
 *   Mth h     1, x_1 .. x_t, h(f)
 * with the heterogeneity functions
 *   Chao (LB)  (f - k + 1)_+ for k = 3 .. t: eta_k is the second difference of log E(n_f)
 *              at f = k - 1, >= 0 for any mixture; negative ones are set to 0 (column
 *              dropped) and the model refitted until none is negative (the lower bound);
 *   Poisson2   2^f - 1;  Darroch  f^2 / 2;  Gamma3.5  -log(3.5 + f) + log(3.5).
 * Row 0 of the design is the unobserved history (all columns 0 but the intercept), left
 * out of the likelihood: N = n + m0, m0 = exp(beta_0), var(N) = m0 + m0^2 var(beta_0).
 *
 * Behavioural models (removal; Otis et al. 1978, Wildlife Monogr. 62; Pollock & Otis):
 *   Mb   1, f, j1 - 1;   Mbh  1, f, j1 - 1, [j1 = 1].
 * The history likelihood factorises into first captures u_j (j = 1..t, geometric with
 * ratio r = 1 - p) and recaptures (c); with coefficients (a, b, g[, d]) of the columns
 * above, r = exp(g) / (1 + exp(b)). Then
 *   Mb:  N = n / (1 - r^t),
 *        var(N) = (dN/dr)^2 var(r) + N r^t / (1 - r^t),  dN/dr = n t r^(t-1) / (1 - r^t)^2;
 *   Mbh: p_1 free, removal on occasions 2..t: N = u_1 + N2, N2 = n2 / (1 - r^(t-1)),
 *        n2 = n - u_1, var(N) = (dN2/dr)^2 var(r) + N2 r^(t-1) / (1 - r^(t-1)).
 * r > 1 gives N < 0 (printed as computed, as Rcapture does).
 *
 * Diagnostics as Rcapture's infoFit: no convergence; the asymptotic bias of N above 10% of
 * N, with the second-order bias of the GLM estimate (Cordeiro & McCullagh 1991, JRSS B
 * 53:629): for the Poisson log link B(beta) = -1/2 (X'WX)^-1 X' diag(mu_i z_ii) 1,
 * z_ii = x_i' (X'WX)^-1 x_i, and bias(N) = m0 (B_0 + var(beta_0) / 2); a rank-deficient
 * design; fitted rates numerically 0 (mu < 10 DBL_EPSILON, glm.fit's warning).
 *
 * Copyright (C) 2026 the darkfig authors. SPDX-License-Identifier: GPL-3.0-or-later */
#include "models.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const model_names[DFG_CLOSED_N_MODELS] = {"M0",
                                                             "Mt",
                                                             "Mh Chao (LB)",
                                                             "Mh Poisson2",
                                                             "Mh Darroch",
                                                             "Mh Gamma3.5",
                                                             "Mth Chao (LB)",
                                                             "Mth Poisson2",
                                                             "Mth Darroch",
                                                             "Mth Gamma3.5",
                                                             "Mb",
                                                             "Mbh"};
static const char *const model_ids[DFG_CLOSED_N_MODELS] = {
    "M0",       "Mt",           "Mh-chao",     "Mh-poisson2",  "Mh-darroch", "Mh-gamma3.5",
    "Mth-chao", "Mth-poisson2", "Mth-darroch", "Mth-gamma3.5", "Mb",         "Mbh"};

typedef enum { H_NONE, H_CHAO, H_POISSON2, H_DARROCH, H_GAMMA } hetero;

const char *dfg_closed_model_name(dfg_closed_model m)
{
    return (unsigned)m < DFG_CLOSED_N_MODELS ? model_names[m] : "?";
}

const char *dfg_closed_model_id(dfg_closed_model m)
{
    return (unsigned)m < DFG_CLOSED_N_MODELS ? model_ids[m] : "?";
}

dfg_status dfg_closed_model_find(const char *name, dfg_closed_model *m, dfg_error *err)
{
    if (!name || !m)
        return dfg_err_set(err, DFG_EINVAL, "closed", "NULL argument");
    for (int i = 0; i < DFG_CLOSED_N_MODELS; i++)
        if (strcmp(name, model_ids[i]) == 0 || strcmp(name, model_names[i]) == 0) {
            *m = (dfg_closed_model)i;
            return DFG_OK;
        }
    return dfg_err_set(err, DFG_EINVAL, "closed", "unknown closed-population model \"%s\"", name);
}

dfg_closed_opts dfg_closed_opts_default(void)
{
    dfg_closed_opts o;
    o.glm = dfg_glm_opts_default();
    o.ci_type = DFG_CI_NONE;
    o.level = 0.95;
    return o;
}

static int model_is_mt(dfg_closed_model m)
{
    return m == DFG_CLOSED_MT || (m >= DFG_CLOSED_MTH_CHAO && m <= DFG_CLOSED_MTH_GAMMA);
}

static hetero model_hetero(dfg_closed_model m)
{
    switch (m) {
    case DFG_CLOSED_MH_CHAO:
    case DFG_CLOSED_MTH_CHAO:
        return H_CHAO;
    case DFG_CLOSED_MH_POISSON2:
    case DFG_CLOSED_MTH_POISSON2:
        return H_POISSON2;
    case DFG_CLOSED_MH_DARROCH:
    case DFG_CLOSED_MTH_DARROCH:
        return H_DARROCH;
    case DFG_CLOSED_MH_GAMMA:
    case DFG_CLOSED_MTH_GAMMA:
        return H_GAMMA;
    default:
        return H_NONE;
    }
}

/* Occasions a model needs (Rcapture fits the heterogeneity models and Mbh from t = 3). */
static size_t model_min_t(dfg_closed_model m)
{
    return (m == DFG_CLOSED_M0 || m == DFG_CLOSED_MT || m == DFG_CLOSED_MB) ? 2 : 3;
}

/* Scratch of one fit: design up to 2t + 2 columns over 2^t rows. */
typedef struct {
    size_t t, nr, pmax;
    double *x, *y, *mu, *beta, *cov, *tmp;
    unsigned char *use;
    dfg_glm_work *w;
} closed_work;

static void work_free(closed_work *cw)
{
    dfg_free(cw->x);
    dfg_free(cw->y);
    dfg_free(cw->mu);
    dfg_free(cw->beta);
    dfg_free(cw->cov);
    dfg_free(cw->tmp);
    dfg_free(cw->use);
    dfg_glm_work_free(cw->w);
    memset(cw, 0, sizeof *cw);
}

static dfg_status work_alloc(closed_work *cw, const dfg_table *t, size_t s, dfg_error *err)
{
    memset(cw, 0, sizeof *cw);
    cw->t = dfg_table_k(t);
    cw->nr = (size_t)1 << cw->t;
    cw->pmax = 2 * cw->t + 2;
    size_t nr = cw->nr, p = cw->pmax;
    cw->x = dfg_malloc(nr * p * sizeof *cw->x);
    cw->y = dfg_malloc(nr * sizeof *cw->y);
    cw->mu = dfg_malloc(nr * sizeof *cw->mu);
    cw->beta = dfg_malloc(p * sizeof *cw->beta);
    cw->cov = dfg_malloc(p * p * sizeof *cw->cov);
    cw->tmp = dfg_malloc(2 * p * sizeof *cw->tmp);
    cw->use = dfg_malloc(nr * sizeof *cw->use);
    cw->w = dfg_glm_work_alloc(nr, p);
    if (!cw->x || !cw->y || !cw->mu || !cw->beta || !cw->cov || !cw->tmp || !cw->use || !cw->w) {
        work_free(cw);
        return dfg_err_set(err, DFG_ENOMEM, "closed", "t = %zu", dfg_table_k(t));
    }
    dfg_status rc = dfg_table_cells(t, s, cw->y, err);
    if (rc != DFG_OK) {
        work_free(cw);
        return rc;
    }
    cw->y[0] = 0.0;
    cw->use[0] = 0;
    memset(cw->use + 1, 1, nr - 1);
    return DFG_OK;
}

/* h(f) of the one-column heterogeneity models. */
static double hetero_value(hetero h, unsigned f)
{
    double fd = (double)f;
    switch (h) {
    case H_POISSON2:
        return ldexp(1.0, (int)f) - 1.0; /* 2^f - 1 */
    case H_DARROCH:
        return fd * fd / 2.0; /* f^2 / 2 */
    case H_GAMMA:
        return -log(3.5 + fd) + log(3.5); /* -log(3.5 + f) + log 3.5 */
    default:
        return 0.0;
    }
}

/* Fill the design of model m; for Chao, keep[k] (k = 3..t) says which eta_k columns stay.
 * Returns the number of columns. Column-major, nr rows, row = history (pattern). */
static size_t build_design(closed_work *cw, dfg_closed_model m, const unsigned char *keep)
{
    size_t nr = cw->nr, t = cw->t, p = 0;
    double *x = cw->x;
    for (size_t r = 0; r < nr; r++)
        x[r] = 1.0; /* intercept */
    p = 1;
    if (model_is_mt(m)) {
        for (size_t j = 0; j < t; j++, p++)
            for (size_t r = 0; r < nr; r++)
                x[p * nr + r] = (double)((r >> j) & 1u);
    } else {
        for (size_t r = 0; r < nr; r++)
            x[p * nr + r] = (double)dfg_popcount((uint32_t)r);
        p++;
    }
    hetero h = model_hetero(m);
    if (h == H_CHAO) {
        for (size_t k = 3; k <= t; k++) {
            if (!keep[k])
                continue;
            for (size_t r = 0; r < nr; r++) {
                double f = (double)dfg_popcount((uint32_t)r);
                x[p * nr + r] = f >= (double)k - 1.0 ? f - (double)k + 1.0 : 0.0;
            }
            p++;
        }
    } else if (h != H_NONE) {
        for (size_t r = 0; r < nr; r++)
            x[p * nr + r] = hetero_value(h, dfg_popcount((uint32_t)r));
        p++;
    } else if (m == DFG_CLOSED_MB || m == DFG_CLOSED_MBH) {
        /* j1 - 1 = the number of trailing zeros (unobserved row: 0) */
        for (size_t r = 0; r < nr; r++)
            x[p * nr + r] = r ? (double)__builtin_ctz((unsigned)r) : 0.0;
        p++;
        if (m == DFG_CLOSED_MBH) {
            for (size_t r = 0; r < nr; r++)
                x[p * nr + r] = (r & 1u) ? 1.0 : 0.0; /* [j1 = 1] */
            p++;
        }
    }
    return p;
}

/* Cordeiro-McCullagh bias of N = n + exp(beta_0) (see the file comment). tmp: 2p. */
static double loglin_bias(const closed_work *cw, size_t p)
{
    size_t nr = cw->nr;
    const double *x = cw->x, *cov = cw->cov;
    double *v = cw->tmp, *xv = cw->tmp + p;
    for (size_t a = 0; a < p; a++)
        v[a] = 0.0;
    for (size_t r = 0; r < nr; r++) {
        if (!cw->use[r])
            continue;
        /* z_rr = x_r' cov x_r */
        for (size_t a = 0; a < p; a++) {
            double sa = 0.0;
            for (size_t b = 0; b < p; b++)
                sa += cov[b * p + a] * x[b * nr + r];
            xv[a] = sa;
        }
        double z = 0.0;
        for (size_t a = 0; a < p; a++)
            z += x[a * nr + r] * xv[a];
        /* v += x_r mu_r z_rr */
        for (size_t a = 0; a < p; a++)
            v[a] += x[a * nr + r] * cw->mu[r] * z;
    }
    /* B_0 = -1/2 (cov v)_0 */
    double b0 = 0.0;
    for (size_t b = 0; b < p; b++)
        b0 += cov[b * p + 0] * v[b];
    b0 *= -0.5;
    double m0 = exp(cw->beta[0]);
    return m0 * (b0 + cov[0] / 2.0);
}

static void compose_info(dfg_closed_row *row)
{
    int code = 0;
    if (row->flags & (DFG_CLOSED_NOCONV | DFG_CLOSED_BIAS))
        code = code * 10 + 1;
    if (row->flags & DFG_CLOSED_RANK)
        code = code * 10 + 2;
    if (row->flags & DFG_CLOSED_MU_ZERO)
        code = code * 10 + 3;
    row->info_fit = code;
}

static void row_init(dfg_closed_row *row, dfg_closed_model m, double level)
{
    memset(row, 0, sizeof *row);
    row->model = m;
    row->name = dfg_closed_model_name(m);
    row->id = dfg_closed_model_id(m);
    row->nhat = row->se = row->se_rcapture = row->deviance = row->df = row->aic = row->bic = NAN;
    row->bias = NAN;
    row->ci.type = DFG_CI_NONE;
    row->ci.level = level;
    row->ci.lower = row->ci.upper = row->ci.point = row->ci.search_limit = NAN;
}

/* Fit the design currently in cw (p columns); fills the generic fields of row. */
static dfg_status fit_design(closed_work *cw, size_t p, const dfg_glm_opts *o, dfg_glm_info *info,
                             dfg_error *err)
{
    dfg_error ferr = {0};
    for (size_t a = 0; a < p; a++)
        cw->beta[a] = 0.0;
    dfg_status rc = dfg_glm_fit_dense(cw->nr, p, cw->x, cw->y, cw->use, 0, o, cw->w, cw->beta,
                                      cw->mu, cw->cov, info, &ferr);
    if (rc == DFG_EINVAL || rc == DFG_ENOMEM || rc == DFG_EINTERNAL)
        return dfg_err_set(err, rc, "closed", "%s", ferr.msg);
    return rc;
}

static void fill_fit_stats(const closed_work *cw, size_t p, const dfg_glm_info *info, double n,
                           dfg_closed_row *row)
{
    size_t rank = info->rank ? info->rank : p;
    row->n_par = rank;
    row->iter = info->iter;
    row->deviance = info->deviance;
    row->df = (double)(cw->nr - 1) - (double)rank;
    /* AIC = -2 loglik + 2 rank; BIC = AIC + (log n - 2) rank (Rcapture) */
    row->aic = -2.0 * info->loglik + 2.0 * (double)rank;
    row->bic = row->aic + (log(n) - 2.0) * (double)rank;
    for (size_t r = 1; r < cw->nr; r++)
        if (cw->mu[r] < 10.0 * DBL_EPSILON) {
            row->flags |= DFG_CLOSED_MU_ZERO;
            break;
        }
}

/* The s.e. of the Mbh total as Rcapture 1.4 prints it (closedp.t), for comparison. In its
 * parametrisation b of the columns 1, [j1 > 1], j1 - 1, f - 1 (ours, a, of 1, f, j1 - 1,
 * [j1 = 1], give b1 = a1 + a2 + a4, b2 = -a4, b3 = a3, b4 = a2):
 *   N = C K, C = e^b1 (1 + e^b4)^(t-1), K = 1 + e^(b2+b3) / D, D = 1 + e^b4 - e^b3,
 *   var = v' cov(b) v - N, v = C (K, e^(b2+b3)/D, e^(b2+b3)/D + e^(b2+2b3)/D^2,
 *                                 (t-1) e^b4/(1+e^b4) - e^(b2+b3+b4)/D^2).
 * The last entry lacks the factor K on its first term that dN/db4 has, so this s.e. is
 * not the delta method's; the row's se is (see removal_estimate). With g = J'v the
 * gradient in our coefficients: g = (v1, v1 + v4, v3, v1 - v2). */
static double mbh_se_rcapture(const closed_work *cw, double nhat)
{
    const double *a = cw->beta, *cov = cw->cov;
    double t = (double)cw->t;
    double b1 = a[0] + a[1] + a[3], b2 = -a[3], b3 = a[2], b4 = a[1];
    double D = 1.0 + exp(b4) - exp(b3);
    double C = exp(b1) * pow(1.0 + exp(b4), t - 1.0);
    double e23 = exp(b2 + b3);
    double v1 = 1.0 + e23 / D, v2 = e23 / D;
    double v3 = e23 / D + exp(b2 + 2.0 * b3) / (D * D);
    double v4 = (t - 1.0) * exp(b4) / (1.0 + exp(b4)) - exp(b2 + b3 + b4) / (D * D);
    double g[4] = {C * v1, C * (v1 + v4), C * v3, C * (v1 - v2)};
    double q = 0.0;
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 4; j++)
            q += g[i] * cov[j * 4 + i] * g[j];
    double var = q - nhat;
    return var >= 0.0 ? sqrt(var) : (double)NAN;
}

/* Mb and Mbh from the fitted coefficients (see the file comment). var(r) comes from the
 * first-capture part of the likelihood alone: the history likelihood factorises into
 * first captures u_j ~ Poisson(A r^(j - j0)), j in J, and recaptures, whose parameters are
 * orthogonal, so with fitted u_j
 *   I = sum_j u_j [1, z; z, z^2], z = j - j0,  var(log r) = I_00 / det(I)
 * equals the delta method on the history fit, and stays finite when the recapture
 * coefficient sits at the boundary (nobody recaptured). */
static void removal_estimate(const closed_work *cw, dfg_closed_model m, double n,
                             dfg_closed_row *row)
{
    size_t t = cw->t;
    const double *beta = cw->beta;
    double r = exp(beta[2]) / (1.0 + exp(beta[1])); /* r = e^g / (1 + e^b) */
    int mbh = m == DFG_CLOSED_MBH;
    double u1 = 0.0;
    if (mbh)
        for (size_t w = 1; w < cw->nr; w += 2)
            u1 += cw->y[w];
    double n2 = n - u1;
    size_t j0 = mbh ? 2 : 1;
    /* fitted u_j = n2 r^(j - j0) / sum_i r^(i - j0) */
    double sum = 0.0, i00 = 0.0, i01 = 0.0, i11 = 0.0;
    for (size_t j = j0; j <= t; j++)
        sum += pow(r, (double)(j - j0));
    for (size_t j = j0; j <= t; j++) {
        double z = (double)(j - j0), u = n2 * pow(r, z) / sum;
        i00 += u;
        i01 += u * z;
        i11 += u * z * z;
    }
    double var_r = r * r * i00 / (i00 * i11 - i01 * i01);
    double T = (double)(t - j0 + 1);
    double rT = pow(r, T);
    double N2 = n2 / (1.0 - rT);                                      /* N2 = n2 / (1 - r^T) */
    double dN = n2 * T * pow(r, T - 1.0) / ((1.0 - rT) * (1.0 - rT)); /* dN2/dr */
    row->nhat = u1 + N2;
    double var = dN * dN * var_r + N2 * rT / (1.0 - rT);
    row->se = var >= 0.0 ? sqrt(var) : (double)NAN;
    row->se_rcapture = row->se;
    if (mbh)
        row->se_rcapture = mbh_se_rcapture(cw, row->nhat);
    if (row->nhat < n)
        row->flags |= DFG_CLOSED_BELOW_N;
    if (!(row->nhat >= 0.0)) /* a negative total: the removal model does not fit */
        row->flags |= DFG_CLOSED_BIAS;
}

/* 1 when the design's p columns have full rank on the used rows (X'X, unit weights). */
static int design_full_rank(const closed_work *cw, size_t p)
{
    double a[(2 * DFG_CLOSED_MAX_T + 2) * (2 * DFG_CLOSED_MAX_T + 2)];
    double scr[(2 * DFG_CLOSED_MAX_T + 2) * (2 * DFG_CLOSED_MAX_T + 2) +
               3 * (2 * DFG_CLOSED_MAX_T + 2)];
    int piv[2 * DFG_CLOSED_MAX_T + 2];
    size_t nr = cw->nr;
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j <= i; j++) {
            double q = 0.0;
            for (size_t r = 1; r < nr; r++)
                q += cw->x[i * nr + r] * cw->x[j * nr + r];
            a[j * p + i] = a[i * p + j] = q;
        }
    return dfg_la_rank(p, a, scr, piv) == p;
}

/* A model the data cannot carry: too few occasions, or Chao's with f2 = 0 (its m0 =
 * f1^2 / (2 f2) is infinite). Marks the row DFG_EDATA / NOT_FITTED and returns 1. */
static int not_fitted(const closed_work *cw, dfg_closed_model m, dfg_closed_row *row)
{
    size_t tt = cw->t;
    if (tt < model_min_t(m)) {
        row->status = DFG_EDATA;
        row->flags |= DFG_CLOSED_NOT_FITTED;
        snprintf(row->note, sizeof row->note, "%s needs at least %zu occasions (the data have %zu)",
                 row->name, model_min_t(m), tt);
        return 1;
    }
    if (model_hetero(m) == H_CHAO) {
        double f2 = 0.0;
        for (size_t r = 1; r < cw->nr; r++)
            if (dfg_popcount((uint32_t)r) == 2)
                f2 += cw->y[r];
        if (f2 <= 0.0) {
            row->status = DFG_EDATA;
            row->flags |= DFG_CLOSED_NOT_FITTED;
            snprintf(row->note, sizeof row->note, "no unit caught exactly twice (f2 = 0)");
            return 1;
        }
    }
    return 0;
}

/* Fit the design of model m; for Chao's, drop every negative eta and refit until none is
 * left. *p: the columns of the last design. Returns the fit's status (DFG_OK,
 * DFG_ENOCONV, DFG_ESING) or a hard error. */
static dfg_status fit_dropping_eta(closed_work *cw, dfg_closed_model m, const dfg_closed_opts *o,
                                   dfg_closed_row *row, size_t *p, dfg_glm_info *info,
                                   dfg_error *err)
{
    unsigned char keep[DFG_CLOSED_MAX_T + 1];
    memset(keep, 1, sizeof keep);
    size_t tt = cw->t, base = model_is_mt(m) ? 1 + tt : 2;
    for (;;) {
        *p = build_design(cw, m, keep);
        memset(info, 0, sizeof *info);
        dfg_status rc = fit_design(cw, *p, &o->glm, info, err);
        if (rc != DFG_OK && rc != DFG_ENOCONV && rc != DFG_ESING)
            return rc;
        if (model_hetero(m) != H_CHAO || rc == DFG_ESING)
            return rc;
        size_t dropped = 0, col = base;
        for (size_t k = 3; k <= tt; k++) {
            if (!keep[k])
                continue;
            if (cw->beta[col] < 0.0) {
                keep[k] = 0;
                dropped++;
            }
            col++;
        }
        if (!dropped)
            return rc;
        row->n_eta_dropped += dropped;
        row->flags |= DFG_CLOSED_ETA_DROPPED;
    }
}

/* N, its s.e. and bias from the fit (status rc, p columns; boundary: a coefficient at
 * +-infinity): the removal estimates for Mb and Mbh, else N = n + exp(beta_0) with
 * var(N) = m0 + m0^2 var(beta_0). */
static void closed_estimate_row(const closed_work *cw, dfg_closed_model m, dfg_status rc,
                                int boundary, size_t p, double n, dfg_closed_row *row)
{
    if (m == DFG_CLOSED_MB || m == DFG_CLOSED_MBH) {
        removal_estimate(cw, m, n, row);
        return;
    }
    double m0 = exp(cw->beta[0]);
    row->nhat = n + m0;                     /* N = n + exp(beta_0) */
    double var = m0 + m0 * m0 * cw->cov[0]; /* m0 + m0^2 var(beta_0) */
    row->se = rc == DFG_ESING ? (double)NAN : isfinite(var) ? sqrt(var) : sqrt(m0);
    row->se_rcapture = row->se;
    if (rc != DFG_ESING && !boundary) {
        row->bias = loglin_bias(cw, p);
        if (fabs(row->bias) > 0.1 * row->nhat)
            row->flags |= DFG_CLOSED_BIAS;
    }
}

/* The row's note: one reason, the most serious first: a design not of full rank, no
 * convergence, a large bias, eta dropped, a parameter at the boundary. */
static void closed_note(dfg_closed_row *row, int boundary)
{
    if (row->flags & DFG_CLOSED_RANK)
        snprintf(row->note, sizeof row->note, "design matrix not of full rank");
    else if (row->flags & DFG_CLOSED_NOCONV)
        snprintf(row->note, sizeof row->note, "the fit did not converge");
    else if (row->flags & DFG_CLOSED_BIAS)
        snprintf(row->note, sizeof row->note, "the asymptotic bias is large");
    else if (row->flags & DFG_CLOSED_ETA_DROPPED)
        snprintf(row->note, sizeof row->note, "%zu negative eta set to 0", row->n_eta_dropped);
    else if (boundary)
        snprintf(row->note, sizeof row->note, "a parameter at the boundary (infinite)");
}

/* The interval asked for in o: the profile likelihood (Mb and Mbh: log-normal), or the
 * log-normal one. Only an allocation failure is an error; another failure leaves a note. */
static dfg_status closed_interval(const closed_work *cw, dfg_closed_model m,
                                  const dfg_closed_opts *o, size_t p, double n, dfg_closed_row *row,
                                  dfg_error *err)
{
    dfg_error cerr = {0};
    dfg_status crc = DFG_OK;
    if (o->ci_type == DFG_CI_PROFILE && m != DFG_CLOSED_MB && m != DFG_CLOSED_MBH)
        crc = dfg_interval_profile_dense(cw->nr, p, cw->x, cw->y, n, row->nhat, &o->glm, o->level,
                                         &row->ci, &cerr);
    else if (row->nhat > n && isfinite(row->se))
        crc = dfg_interval_lognormal(n, row->nhat, row->se, o->level, &row->ci, &cerr);
    if (crc == DFG_ENOMEM)
        return dfg_err_set(err, crc, "closed", "interval: %.200s", cerr.msg);
    if (crc != DFG_OK && row->note[0] == '\0')
        snprintf(row->note, sizeof row->note, "no interval: %.140s", cerr.msg);
    return DFG_OK;
}

static dfg_status closed_fit_work(closed_work *cw, const dfg_table *t, size_t s, dfg_closed_model m,
                                  const dfg_closed_opts *o, dfg_closed_row *row, dfg_error *err)
{
    row_init(row, m, o->level);
    double n = dfg_table_n_obs(t, s);
    if (not_fitted(cw, m, row))
        return row->status;
    size_t p;
    dfg_glm_info info;
    dfg_status rc = fit_dropping_eta(cw, m, o, row, &p, &info, err);
    if (rc != DFG_OK && rc != DFG_ENOCONV && rc != DFG_ESING)
        return rc;
    int boundary = 0;
    if (rc == DFG_ESING && design_full_rank(cw, p)) {
        /* X'WX singular at the estimate although X has full rank: a coefficient ran to
         * +-infinity (fitted cells at 0, or N at n). glm counts every column (Rcapture's
         * df and AIC); the estimate is the boundary one. */
        boundary = 1;
        rc = DFG_OK;
        info.rank = p;
    }
    row->status = rc;
    if (rc == DFG_ENOCONV)
        row->flags |= DFG_CLOSED_NOCONV;
    if (rc == DFG_ESING)
        row->flags |= DFG_CLOSED_RANK;
    fill_fit_stats(cw, p, &info, n, row);
    closed_estimate_row(cw, m, rc, boundary, p, n, row);
    compose_info(row);
    if (boundary && !(row->nhat < 1e4 * n)) {
        /* the dark figure ran away with the boundary parameter: N is not determined */
        row->flags |= DFG_CLOSED_NOCONV;
        compose_info(row);
    }
    closed_note(row, boundary);
    if (o->ci_type != DFG_CI_NONE && rc != DFG_ESING && isfinite(row->nhat) &&
        closed_interval(cw, m, o, p, n, row, err) != DFG_OK)
        return DFG_ENOMEM;
    return row->status;
}

static dfg_status check_args(const dfg_table *t, size_t s, double level, dfg_error *err)
{
    if (!t)
        return dfg_err_set(err, DFG_EINVAL, "closed", "NULL table");
    if (s >= dfg_table_n_strata(t))
        return dfg_err_set(err, DFG_EINVAL, "closed", "stratum %zu out of range", s);
    size_t k = dfg_table_k(t);
    if (k < 2 || k > DFG_CLOSED_MAX_T)
        return dfg_err_set(err, DFG_EINVAL, "closed",
                           "closed-population models need 2 to %d occasions (got %zu)",
                           DFG_CLOSED_MAX_T, k);
    if (!(dfg_table_n_obs(t, s) > 0.0))
        return dfg_err_set(err, DFG_EDATA, "closed", "no one observed");
    if (dfg_level_check(level, err) != DFG_OK)
        return DFG_EINVAL;
    return DFG_OK;
}

/* The rule of darkfig.h (dfg_value_judge) on a fitted row: fitted rates 0 or a
 * rank-deficient design are a fit at the boundary; a row the data cannot carry keeps its
 * status (DFG_EDATA) and note. */
static void judge_row(dfg_closed_row *row, double n)
{
    if (row->status != DFG_OK && row->status != DFG_ENOCONV) {
        row->value = DFG_VALUE_NAN;
        snprintf(row->reason, sizeof row->reason, "no estimate: %.140s",
                 row->note[0] ? row->note : dfg_strerror(row->status));
        return;
    }
    int boundary = (row->flags & (DFG_CLOSED_MU_ZERO | DFG_CLOSED_RANK)) != 0;
    row->value =
        dfg_value_judge(n, row->nhat, row->se, &row->ci, boundary, row->reason, sizeof row->reason);
    if (row->value == DFG_VALUE_OK &&
        (row->status == DFG_ENOCONV || (row->flags & DFG_CLOSED_NOCONV))) {
        row->value = DFG_VALUE_BOUNDARY;
        snprintf(row->reason, sizeof row->reason, "the fit did not converge");
    }
}

dfg_status dfg_closed_fit(const dfg_table *t, size_t s, dfg_closed_model m,
                          const dfg_closed_opts *opts, dfg_closed_row *row, dfg_error *err)
{
    dfg_closed_opts def = dfg_closed_opts_default();
    const dfg_closed_opts *o = opts ? opts : &def;
    if (!row || (unsigned)m >= DFG_CLOSED_N_MODELS)
        return dfg_err_set(err, DFG_EINVAL, "closed", "bad model or NULL row");
    row_init(row, m, o->level);
    dfg_status rc = check_args(t, s, o->level, err);
    if (rc != DFG_OK)
        return rc;
    closed_work cw;
    if ((rc = work_alloc(&cw, t, s, err)) != DFG_OK)
        return rc;
    rc = closed_fit_work(&cw, t, s, m, o, row, err);
    judge_row(row, dfg_table_n_obs(t, s));
    work_free(&cw);
    return rc;
}

/* More than DFG_CLOSED_MAX_T occasions (up to DFG_MAX_LISTS): the models that depend on
 * the capture frequencies only (M0 and the Mh models: their likelihoods are functions of
 * f_1 .. f_t) are fitted on the frequencies, as Rcapture's closedp.0 does (models/freq.c),
 * with the log-normal interval when one is asked for; the models that need the capture
 * histories (Mt, Mth, Mb, Mbh: 2^t cells) are rows with status DFG_EDATA, flag NOT_FITTED
 * and a note saying why. */
static dfg_status closed_table_from_freq(const dfg_table *t, size_t s, const dfg_closed_opts *o,
                                         dfg_closed_table *out, dfg_error *err)
{
    dfg_freq fr;
    dfg_status rc = dfg_freq_from_table(t, s, &fr, err);
    if (rc != DFG_OK)
        return rc;
    out->t = fr.t;
    out->n_obs = fr.n;
    out->n_rows = DFG_CLOSED_N_MODELS;
    for (int i = 0; i < DFG_CLOSED_N_MODELS; i++) {
        dfg_closed_row *row = &out->rows[i];
        row_init(row, (dfg_closed_model)i, o->level);
        dfg_freq_method fm;
        switch ((dfg_closed_model)i) {
        case DFG_CLOSED_M0:
            fm = DFG_FREQ_M0;
            break;
        case DFG_CLOSED_MH_CHAO:
            fm = DFG_FREQ_MH_CHAO;
            break;
        case DFG_CLOSED_MH_POISSON2:
            fm = DFG_FREQ_MH_POISSON2;
            break;
        case DFG_CLOSED_MH_DARROCH:
            fm = DFG_FREQ_MH_DARROCH;
            break;
        case DFG_CLOSED_MH_GAMMA:
            fm = DFG_FREQ_MH_GAMMA;
            break;
        default:
            row->status = DFG_EDATA;
            row->flags |= DFG_CLOSED_NOT_FITTED;
            snprintf(row->note, sizeof row->note,
                     "needs the 2^t capture histories: at most %d occasions (got %zu)",
                     DFG_CLOSED_MAX_T, fr.t);
            judge_row(row, fr.n);
            continue;
        }
        dfg_freq_result res;
        rc = dfg_freq_estimate(&fr, fm, &o->glm, &res, err);
        if (rc == DFG_EINVAL || rc == DFG_ENOMEM || rc == DFG_EINTERNAL) {
            dfg_freq_free(&fr);
            return rc;
        }
        row->status = res.status;
        row->flags = res.flags;
        row->nhat = res.nhat;
        row->se = row->se_rcapture = res.se;
        row->deviance = res.deviance;
        row->df = res.df;
        row->aic = res.aic;
        row->bic = res.bic;
        snprintf(row->note, sizeof row->note, "%s", res.note);
        if (row->status == DFG_OK && o->ci_type != DFG_CI_NONE &&
            dfg_interval_lognormal(fr.n, row->nhat, row->se, o->level, &row->ci, NULL) != DFG_OK)
            row->ci.type = DFG_CI_LOGNORMAL; /* limits stay NaN: judged below */
        judge_row(row, fr.n);
        if (row->status != DFG_OK || row->value != DFG_VALUE_OK)
            continue;
        if (out->best_aic < 0 || row->aic < out->rows[out->best_aic].aic)
            out->best_aic = i;
        if (out->best_bic < 0 || row->bic < out->rows[out->best_bic].bic)
            out->best_bic = i;
    }
    dfg_freq_free(&fr);
    return DFG_OK;
}

dfg_status dfg_closed_table_fit(const dfg_table *t, size_t s, const dfg_closed_opts *opts,
                                dfg_closed_table *out, dfg_error *err)
{
    dfg_closed_opts def = dfg_closed_opts_default();
    const dfg_closed_opts *o = opts ? opts : &def;
    if (!out)
        return dfg_err_set(err, DFG_EINVAL, "closed", "NULL output");
    memset(out, 0, sizeof *out);
    out->best_aic = out->best_bic = -1;
    if (t && dfg_table_k(t) > DFG_CLOSED_MAX_T && dfg_table_k(t) <= DFG_MAX_LISTS &&
        s < dfg_table_n_strata(t) && dfg_table_n_obs(t, s) > 0.0) {
        if (dfg_level_check(o->level, err) != DFG_OK)
            return DFG_EINVAL;
        return closed_table_from_freq(t, s, o, out, err);
    }
    dfg_status rc = check_args(t, s, o->level, err);
    if (rc != DFG_OK)
        return rc;
    closed_work cw;
    if ((rc = work_alloc(&cw, t, s, err)) != DFG_OK)
        return rc;
    out->t = cw.t;
    out->n_obs = dfg_table_n_obs(t, s);
    out->n_rows = DFG_CLOSED_N_MODELS;
    for (int i = 0; i < DFG_CLOSED_N_MODELS; i++) {
        dfg_closed_row *row = &out->rows[i];
        rc = closed_fit_work(&cw, t, s, (dfg_closed_model)i, o, row, err);
        if (rc == DFG_EINVAL || rc == DFG_ENOMEM || rc == DFG_EINTERNAL)
            goto done;
        judge_row(row, out->n_obs);
        /* only converged fits that give an estimate (finite, N >= n, not at the boundary,
         * finite s.e. and interval) compete for best */
        if (row->status != DFG_OK || row->value != DFG_VALUE_OK || (row->flags & DFG_CLOSED_NOCONV))
            continue;
        if (out->best_aic < 0 || row->aic < out->rows[out->best_aic].aic)
            out->best_aic = i;
        if (out->best_bic < 0 || row->bic < out->rows[out->best_bic].bic)
            out->best_bic = i;
    }
    rc = DFG_OK;
done:
    work_free(&cw);
    return rc;
}

/* ** {======================================================================
 * The estimator interface: one estimator per model
 * ======================================================================= */

static dfg_status closed_estimate(dfg_closed_model m, const dfg_table *t, size_t s,
                                  const dfg_est_opts *eo, dfg_estimate *out, dfg_error *err)
{
    dfg_est_opts edef = dfg_est_opts_default();
    if (!eo)
        eo = &edef;
    if (!out)
        return dfg_err_set(err, DFG_EINVAL, "closed", "NULL estimate");
    memset(out, 0, sizeof *out);
    out->nhat = out->se = out->dark = out->deviance = out->df = out->aic = out->bic = NAN;
    out->ci.type = DFG_CI_NONE;
    out->ci.lower = out->ci.upper = out->ci.point = NAN;
    dfg_closed_opts o = dfg_closed_opts_default();
    o.glm = eo->glm;
    o.level = eo->level;
    o.ci_type =
        eo->want_ci ? (eo->ci_type == DFG_CI_NONE ? DFG_CI_PROFILE : eo->ci_type) : DFG_CI_NONE;
    if (o.ci_type != DFG_CI_NONE && o.ci_type != DFG_CI_PROFILE && o.ci_type != DFG_CI_LOGNORMAL)
        o.ci_type = DFG_CI_LOGNORMAL;
    dfg_closed_row row;
    dfg_status rc = dfg_closed_fit(t, s, m, &o, &row, err);
    if (rc == DFG_EINVAL || rc == DFG_ENOMEM || rc == DFG_EINTERNAL)
        return rc;
    out->status = row.status;
    out->check = DFG_CHECK_FINE;
    out->n_obs = dfg_table_n_obs(t, s);
    out->nhat = row.nhat;
    out->se = row.se;
    out->dark = row.nhat - out->n_obs;
    out->ci = row.ci;
    snprintf(out->model, sizeof out->model, "%s", row.name);
    out->deviance = row.deviance;
    out->df = row.df;
    out->aic = row.aic;
    out->bic = row.bic;
    snprintf(out->note, sizeof out->note, "%s", row.note);
    out->value = row.value;
    snprintf(out->reason, sizeof out->reason, "%s", row.reason);
    if (row.status == DFG_EDATA)
        return dfg_err_set(err, DFG_EDATA, "closed", "%s", row.note);
    return DFG_OK;
}

#define CLOSED_EST(var, M, summary)                                                                \
    static dfg_status est_##var(const dfg_table *t, size_t s, const dfg_est_opts *o,               \
                                dfg_estimate *out, dfg_error *err)                                 \
    {                                                                                              \
        return closed_estimate(M, t, s, o, out, err);                                              \
    }                                                                                              \
    const dfg_estimator dfg_est_closed_##var = {                                                   \
        model_ids_##var, summary,                                                                  \
        M == DFG_CLOSED_M0 || M == DFG_CLOSED_MT || M == DFG_CLOSED_MB ? 2 : 3, est_##var}

#define model_ids_m0 "M0"
#define model_ids_mt "Mt"
#define model_ids_mh_chao "Mh-chao"
#define model_ids_mh_poisson2 "Mh-poisson2"
#define model_ids_mh_darroch "Mh-darroch"
#define model_ids_mh_gamma "Mh-gamma3.5"
#define model_ids_mth_chao "Mth-chao"
#define model_ids_mth_poisson2 "Mth-poisson2"
#define model_ids_mth_darroch "Mth-darroch"
#define model_ids_mth_gamma "Mth-gamma3.5"
#define model_ids_mb "Mb"
#define model_ids_mbh "Mbh"

CLOSED_EST(m0, DFG_CLOSED_M0, "closed population M0 (Rcapture): equal capture probabilities");
CLOSED_EST(mt, DFG_CLOSED_MT, "closed population Mt (Rcapture): one probability per occasion");
CLOSED_EST(mh_chao, DFG_CLOSED_MH_CHAO, "closed population Mh, Chao's lower bound (Rcapture)");
CLOSED_EST(mh_poisson2, DFG_CLOSED_MH_POISSON2, "closed population Mh Poisson2 (Rcapture)");
CLOSED_EST(mh_darroch, DFG_CLOSED_MH_DARROCH, "closed population Mh Darroch (Rcapture)");
CLOSED_EST(mh_gamma, DFG_CLOSED_MH_GAMMA, "closed population Mh Gamma3.5 (Rcapture)");
CLOSED_EST(mth_chao, DFG_CLOSED_MTH_CHAO, "closed population Mth, Chao's lower bound (Rcapture)");
CLOSED_EST(mth_poisson2, DFG_CLOSED_MTH_POISSON2, "closed population Mth Poisson2 (Rcapture)");
CLOSED_EST(mth_darroch, DFG_CLOSED_MTH_DARROCH, "closed population Mth Darroch (Rcapture)");
CLOSED_EST(mth_gamma, DFG_CLOSED_MTH_GAMMA, "closed population Mth Gamma3.5 (Rcapture)");
CLOSED_EST(mb, DFG_CLOSED_MB, "closed population Mb: behavioural response, removal (Rcapture)");
CLOSED_EST(mbh, DFG_CLOSED_MBH, "closed population Mbh: removal with p1 free (Rcapture)");

/* ** }====================================================================== */
