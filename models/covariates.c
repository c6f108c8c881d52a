/* models/covariates.c: log-linear models over lists and covariates: existence of the MLE,
 * totals per covariate level with delta-method s.e., log-normal and profile-likelihood
 * intervals for a group's total.
 *
 * Per-level totals follow the Dutch estimates (van Dijk, Cruyff & van der Heijden 2021;
 * van der Heijden et al. 2012, Appl. Statist. 61:567): N_g = n_g + sum of the fitted
 * unobserved cells of the strata in g; var(N_g) = sum of those cells + g'Vg with
 * g = d(sum m0)/d beta and V the inverse information (the conditional Poisson variance
 * plus the delta method, as Rcapture does for one stratum).
 * Existence: Fienberg & Rinaldo (2012) Ann. Statist. 40:996, the linear program of
 * models/check.c on the full design.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "models.h"

#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#define LP_TOL 1e-9

/* The design's entry at cell c, column s: 1 when every list of s is on in c and every
 * covariate digit of s (nonzero) equals c's, else 0; a trend's digit d contributes the
 * factor x_d(c's year) instead (dfg_ctable_set_trend). */
static double cell_x(const dfg_ctable *ct, size_t c, size_t s)
{
    size_t k = dfg_ctable_k(ct), lm = ((size_t)1 << k) - 1, tc;
    size_t D = dfg_ctable_trend_degree(ct, &tc);
    if ((c & s & lm) != (s & lm))
        return 0.0;
    double x = 1.0;
    for (size_t v = 0; v < dfg_ctable_n_cov(ct); v++) {
        size_t st = dfg_ctable_cov_stride(ct, v), L = dfg_ctable_n_levels(ct, v);
        size_t ds = (s / st) % L;
        if (D && v == tc) {
            if (ds)
                x *= dfg_ctable_trend_value(ct, (c / st) % L, ds);
        } else if (ds && ds != (c / st) % L) {
            return 0.0;
        }
    }
    return x;
}

typedef struct {
    const dfg_ctable *ct;
    const size_t *spec;
} lp_spec;

/* row j: the design's column spec[j] */
static double lp_has_spec(const void *arg, size_t j, size_t c)
{
    const lp_spec *ls = arg;
    return cell_x(ls->ct, c, ls->spec[j]);
}

dfg_status dfg_cfit_lp_exists(const dfg_ctable *ct, const size_t *spec, size_t p,
                              const unsigned char *fixed, const unsigned char *use, int *exists,
                              dfg_error *err)
{
    lp_spec ls = {ct, spec};
    return dfg_check_lp_margins(0, dfg_ctable_n_cells(ct), dfg_ctable_counts(ct), use, p, fixed, 0,
                                lp_has_spec, &ls, "covariates", exists, err);
}

static void lp_hook(void *info)
{
    longjmp(*(jmp_buf *)info, 1);
}

/* The facial set (Fienberg & Rinaldo 2012, sec. 4): the observable cells that are
 * positive in some table with the observed margins X'y. LP: maximise sum t_c over the
 * empty cells still undecided, 0 <= t_c <= 1, z_c >= t_c, z >= 0, X'z = X'y; cells with
 * t_c > 0 are in; repeated until an LP adds none. use: in = observable cells, out = F. */
static dfg_status facial_set(const dfg_ctable *ct, const size_t *spec, size_t p, unsigned char *use,
                             dfg_error *err)
{
    const double *y = dfg_ctable_counts(ct);
    size_t n = dfg_ctable_n_cells(ct);
    unsigned char *dec = dfg_calloc(n, 1); /* 1 = known facial */
    int *col = dfg_malloc(n * sizeof *col);
    dfg_status rc = DFG_OK;
    if (!dec || !col) {
        dfg_free(dec);
        dfg_free(col);
        return dfg_err_set(err, DFG_ENOMEM, "covariates", "facial set");
    }
    for (size_t c = 0; c < n; c++)
        dec[c] = use[c] && y[c] > 0.0;
    for (int round = 0; round < 50; round++) {
        size_t m = 0, nu = 0;
        for (size_t c = 0; c < n; c++)
            if (use[c]) {
                col[c] = (int)++m;
                nu += !dec[c];
            }
        if (nu == 0)
            break;
        /* columns: z (m), then t for the undecided cells */
        jmp_buf jb;
        glp_prob *volatile lp = NULL;
        int *volatile ia = NULL;
        int *volatile ja = NULL;
        double *volatile ar = NULL;
        if (setjmp(jb)) {
            glp_error_hook(NULL, NULL);
            glp_free_env();
            dfg_free(ia);
            dfg_free(ja);
            dfg_free(ar);
            rc = dfg_err_set(err, DFG_EINTERNAL, "covariates", "GLPK failed (facial set)");
            break;
        }
        glp_error_hook(lp_hook, &jb);
        glp_term_out(GLP_OFF);
        size_t nnz = 2 * nu;
        for (size_t j = 0; j < p; j++)
            for (size_t c = 0; c < n; c++)
                nnz += use[c] && cell_x(ct, c, spec[j]) != 0.0;
        ia = dfg_malloc((nnz + 1) * sizeof *ia);
        ja = dfg_malloc((nnz + 1) * sizeof *ja);
        ar = dfg_malloc((nnz + 1) * sizeof *ar);
        if (!ia || !ja || !ar) {
            glp_error_hook(NULL, NULL);
            dfg_free(ia);
            dfg_free(ja);
            dfg_free(ar);
            rc = dfg_err_set(err, DFG_ENOMEM, "covariates", "facial set LP");
            break;
        }
        lp = glp_create_prob();
        glp_set_obj_dir(lp, GLP_MAX);
        glp_add_rows(lp, (int)(p + nu));
        glp_add_cols(lp, (int)(m + nu));
        for (size_t c = 1; c <= m; c++)
            glp_set_col_bnds(lp, (int)c, GLP_LO, 0.0, 0.0);
        for (size_t c = m + 1; c <= m + nu; c++) {
            glp_set_col_bnds(lp, (int)c, GLP_DB, 0.0, 1.0);
            glp_set_obj_coef(lp, (int)c, 1.0);
        }
        size_t e = 0;
        for (size_t j = 0; j < p; j++) {
            double sum = 0.0;
            for (size_t c = 0; c < n; c++)
                if (use[c] && cell_x(ct, c, spec[j]) != 0.0) {
                    double x = cell_x(ct, c, spec[j]);
                    sum += x * y[c];
                    e++;
                    ia[e] = (int)j + 1;
                    ja[e] = col[c];
                    ar[e] = x;
                }
            glp_set_row_bnds(lp, (int)j + 1, GLP_FX, sum, sum);
        }
        size_t r = p, tc = m;
        for (size_t c = 0; c < n; c++)
            if (use[c] && !dec[c]) {
                r++;
                tc++;
                e++;
                ia[e] = (int)r;
                ja[e] = col[c];
                ar[e] = 1.0;
                e++;
                ia[e] = (int)r;
                ja[e] = (int)tc;
                ar[e] = -1.0;
                glp_set_row_bnds(lp, (int)r, GLP_LO, 0.0, 0.0);
            }
        glp_load_matrix(lp, (int)e, ia, ja, ar);
        glp_scale_prob(lp, GLP_SF_AUTO);
        glp_smcp parm;
        glp_init_smcp(&parm);
        parm.msg_lev = GLP_MSG_OFF;
        int ret = glp_simplex(lp, &parm);
        if (ret != 0 || glp_get_status(lp) != GLP_OPT)
            ret = glp_exact(lp, &parm);
        size_t added = 0;
        if (ret == 0 && glp_get_status(lp) == GLP_OPT) {
            tc = m;
            for (size_t c = 0; c < n; c++)
                if (use[c] && !dec[c]) {
                    tc++;
                    if (glp_get_col_prim(lp, (int)tc) > LP_TOL) {
                        dec[c] = 1;
                        added++;
                    }
                }
        } else {
            rc =
                dfg_err_set(err, DFG_EINTERNAL, "covariates", "GLPK found no optimum (facial set)");
        }
        glp_delete_prob(lp);
        glp_error_hook(NULL, NULL);
        glp_free_env();
        dfg_free(ia);
        dfg_free(ja);
        dfg_free(ar);
        if (rc != DFG_OK)
            break;
        if (added == 0) { /* the undecided cells are 0 in every such table */
            for (size_t c = 0; c < n; c++)
                if (use[c] && !dec[c])
                    use[c] = 0;
            break;
        }
    }
    dfg_free(dec);
    dfg_free(col);
    return rc;
}

/* On the cells in use: keep[j] = column j independent of the kept columns before it
 * (Gram-Schmidt, two passes, relative tolerance 1e-9); *estimable = every unobserved
 * cell's row lies in the row space of the design on those cells, so that its fitted value
 * does not depend on the parameters the data leave at infinity. */
static dfg_status analyse_rank(const dfg_ctable *ct, const size_t *spec, size_t p,
                               const unsigned char *use, unsigned char *keep, int *estimable,
                               dfg_error *err)
{
    size_t n = dfg_ctable_n_cells(ct), k = dfg_ctable_k(ct), ns = dfg_ctable_n_strata(ct);
    size_t m = 0;
    for (size_t c = 0; c < n; c++)
        m += use[c] != 0;
    size_t *rows = dfg_malloc((m + 1) * sizeof *rows);
    double *q = dfg_malloc((m * p + 1) * sizeof *q);
    double *rr = dfg_calloc(p * p + 1, sizeof *rr);
    double *v = dfg_malloc((m + 1) * sizeof *v);
    size_t *kept = dfg_malloc((p + 1) * sizeof *kept);
    double *coef = dfg_calloc(2 * (p + 1), sizeof *coef), *b = coef ? coef + p + 1 : NULL;
    if (!rows || !q || !rr || !v || !kept || !coef) {
        dfg_free(rows);
        dfg_free(q);
        dfg_free(rr);
        dfg_free(v);
        dfg_free(kept);
        dfg_free(coef);
        return dfg_err_set(err, DFG_ENOMEM, "covariates", "rank on %zu cells", m);
    }
    m = 0;
    for (size_t c = 0; c < n; c++)
        if (use[c])
            rows[m++] = c;
    size_t r = 0;
    *estimable = 1;
    for (size_t j = 0; j < p; j++) {
        double norm0 = 0.0;
        for (size_t i = 0; i < m; i++) {
            v[i] = cell_x(ct, rows[i], spec[j]);
            norm0 += v[i] * v[i];
        }
        size_t rcap = r < 4096 ? r : 4096;
        for (size_t a = 0; a < rcap; a++)
            coef[a] = 0.0;
        dfg_la_gs_project(q, r, m, v, coef); /* r <= 4096: kept columns stop there */
        double nv = 0.0;
        for (size_t i = 0; i < m; i++)
            nv += v[i] * v[i];
        nv = sqrt(nv);
        if (norm0 > 0.0 && nv > 1e-9 * sqrt(norm0) && r < 4096) {
            keep[j] = 1;
            for (size_t i = 0; i < m; i++)
                q[r * m + i] = v[i] / nv;
            for (size_t a = 0; a < r; a++)
                rr[a + r * p] = coef[a];
            rr[r + r * p] = nv;
            kept[r] = j;
            r++;
            continue;
        }
        keep[j] = 0;
        /* x_j = sum_a coef_a q_a on the cells in use: solve R b = coef for the kept columns,
         * then every unobserved cell must have x_j(cell) = sum_b b x_kept(cell) */
        for (size_t a = r; a-- > 0;) {
            double s2 = coef[a];
            for (size_t c2 = a + 1; c2 < r; c2++)
                s2 -= rr[a + c2 * p] * b[c2];
            b[a] = s2 / rr[a + a * p];
        }
        for (size_t s = 0; s < ns && *estimable; s++) {
            size_t cell = s << k;
            double pred = 0.0;
            for (size_t a = 0; a < r; a++)
                pred += b[a] * cell_x(ct, cell, spec[kept[a]]);
            double xj = cell_x(ct, cell, spec[j]);
            if (fabs(xj - pred) > 1e-6)
                *estimable = 0;
        }
    }
    dfg_free(rows);
    dfg_free(q);
    dfg_free(rr);
    dfg_free(v);
    dfg_free(kept);
    dfg_free(coef);
    return DFG_OK;
}

/* Existence: *status FINE (a strictly positive table has the margins), BOUNDARY (the
 * extended MLE: the cells outside the facial set are 0, the parameters kept are
 * identifiable there and every unobserved cell is estimable) or NOMLE. use = the facial
 * set, keep = the parameters kept (all when FINE). mu (may be NULL): the fitted cells of a
 * fit of the model that did not settle in the interior; the cells it fits above 1e-7 are
 * tried first as the facial set (accepted when the LP finds a strictly positive table with
 * the margins on them), before the LPs of facial_set. */
static dfg_status analyse(const dfg_ctable *ct, const size_t *spec, size_t p, const double *mu,
                          unsigned char *use, unsigned char *keep, dfg_check_status *status,
                          dfg_error *err)
{
    size_t n = dfg_ctable_n_cells(ct), lm = ((size_t)1 << dfg_ctable_k(ct)) - 1;
    const double *y = dfg_ctable_counts(ct);
    for (size_t c = 0; c < n; c++)
        use[c] = (c & lm) != 0;
    memset(keep, 1, p);
    int exists = 0;
    dfg_status rc;
    if (mu) {
        for (size_t c = 0; c < n; c++)
            use[c] = (c & lm) != 0 && (y[c] > 0.0 || mu[c] > 1e-7);
        if ((rc = dfg_cfit_lp_exists(ct, spec, p, NULL, use, &exists, err)) != DFG_OK)
            return rc;
        /* margins over the kept cells must be all of X'y: cells dropped hold no one */
        if (!exists)
            for (size_t c = 0; c < n; c++)
                use[c] = (c & lm) != 0;
    }
    if (!exists) {
        if ((rc = dfg_cfit_lp_exists(ct, spec, p, NULL, use, &exists, err)) != DFG_OK)
            return rc;
        if (exists) {
            *status = DFG_CHECK_FINE;
            return DFG_OK;
        }
        if ((rc = facial_set(ct, spec, p, use, err)) != DFG_OK)
            return rc;
    } else {
        size_t nu = 0, no = 0;
        for (size_t c = 0; c < n; c++) {
            nu += use[c];
            no += (c & lm) != 0;
        }
        if (nu == no) {
            *status = DFG_CHECK_FINE;
            return DFG_OK;
        }
    }
    int estimable = 0;
    if ((rc = analyse_rank(ct, spec, p, use, keep, &estimable, err)) != DFG_OK)
        return rc;
    *status = estimable ? DFG_CHECK_BOUNDARY : DFG_CHECK_NOMLE;
    return DFG_OK;
}

dfg_status dfg_cfit_check(const dfg_ctable *ct, const dfg_cmodel *m, dfg_check_status *status,
                          dfg_error *err)
{
    if (!ct || !m || !status)
        return dfg_err_set(err, DFG_EINVAL, "covariates", "NULL argument");
    size_t p = dfg_cmodel_n_params(m, ct), n = dfg_ctable_n_cells(ct);
    size_t *spec = dfg_malloc(p * sizeof *spec);
    unsigned char *keep = dfg_malloc(p + n);
    dfg_status rc = DFG_OK;
    if (!spec || !keep) {
        rc = dfg_err_set(err, DFG_ENOMEM, "covariates", "check");
        goto done;
    }
    dfg_cmodel_params(m, ct, spec, NULL, err);
    rc = analyse(ct, spec, p, NULL, keep + p, keep, status, err);
done:
    dfg_free(spec);
    dfg_free(keep);
    return rc;
}

dfg_status dfg_cfit_checked(const dfg_ctable *ct, const dfg_cmodel *m, const dfg_glm_opts *opts,
                            dfg_cfit *fit, dfg_error *err)
{
    if (!fit)
        return dfg_err_set(err, DFG_EINVAL, "covariates", "NULL fit");
    memset(fit, 0, sizeof *fit);
    if (!ct || !m)
        return dfg_err_set(err, DFG_EINVAL, "covariates", "NULL argument");
    size_t p = dfg_cmodel_n_params(m, ct), n = dfg_ctable_n_cells(ct);
    size_t *spec = dfg_malloc(p * sizeof *spec), *term_of = dfg_malloc(p * sizeof *term_of);
    unsigned char *keep = dfg_malloc(p + n);
    dfg_cfit_work *w = NULL;
    dfg_status rc = DFG_OK;
    dfg_check_status st = DFG_CHECK_FINE;
    if (!spec || !term_of || !keep) {
        rc = dfg_err_set(err, DFG_ENOMEM, "covariates", "check");
        goto done;
    }
    dfg_cmodel_params(m, ct, spec, term_of, err);
    unsigned char *use = keep + p;
    /* fit first: a fit that settles in the interior proves that the MLE exists (the
     * log-likelihood is strictly concave; a stationary point with finite parameters is
     * its maximum); otherwise the linear programs decide */
    {
        dfg_error e1 = {0};
        rc = dfg_cfit_model(ct, m, opts, fit, &e1);
        if (rc != DFG_OK && rc != DFG_ENOCONV && rc != DFG_ESING) {
            dfg_err_set(err, rc, e1.where, "%s", e1.msg);
            goto done;
        }
        if (rc == DFG_OK && fit->interior) {
            fit->check = DFG_CHECK_FINE;
            goto done;
        }
        if ((rc = analyse(ct, spec, p, fit->fitted, use, keep, &st, err)) != DFG_OK)
            goto done;
        if (st == DFG_CHECK_FINE) {
            fit->check = st;
            rc = fit->status;
            if (rc != DFG_OK)
                dfg_err_set(err, rc, e1.where, "%s", e1.msg);
            goto done;
        }
        if (st == DFG_CHECK_BOUNDARY)
            dfg_cfit_free(fit);
    }
    if (st != DFG_CHECK_BOUNDARY) {
        rc = fit->status;
        fit->check = st;
        if (st == DFG_CHECK_NOMLE) {
            char mb[256];
            dfg_cmodel_format(m, ct, mb, sizeof mb);
            snprintf(fit->note, sizeof fit->note,
                     "the MLE does not exist: N depends on parameters at infinity");
            if (rc == DFG_OK || rc == DFG_ENOCONV) {
                dfg_error_clear(err);
                rc = dfg_err_set(err, DFG_ENOMLE, "covariates",
                                 "the MLE of %s does not exist on this table (fitted cells go "
                                 "to 0 and N does not settle)",
                                 mb);
            }
        }
        goto done;
    }
    /* the extended MLE: cells outside the facial set out of the likelihood (fitted 0),
     * the parameters that are not identifiable there dropped */
    {
        size_t q = 0, nf = 0;
        for (size_t j = 0; j < p; j++)
            if (keep[j]) {
                spec[q] = spec[j];
                term_of[q] = term_of[j];
                q++;
            }
        fit->p = q;
        fit->n_cells = n;
        if (!(fit->spec = dfg_malloc(q * sizeof *fit->spec)) ||
            !(fit->term_of = dfg_malloc(q * sizeof *fit->term_of)) ||
            !(fit->beta = dfg_calloc(q, sizeof *fit->beta)) ||
            !(fit->cov = dfg_malloc(q * q * sizeof *fit->cov)) ||
            !(fit->fitted = dfg_malloc(n * sizeof *fit->fitted)) ||
            !(w = dfg_cfit_work_alloc(ct, q))) {
            rc = dfg_err_set(err, DFG_ENOMEM, "covariates", "boundary fit");
            goto done;
        }
        memcpy(fit->spec, spec, q * sizeof *spec);
        memcpy(fit->term_of, term_of, q * sizeof *term_of);
        size_t lm = ((size_t)1 << dfg_ctable_k(ct)) - 1;
        dfg_glm_info info;
        rc = dfg_cfit_engine(w, ct, fit->spec, q, dfg_ctable_counts(ct), use, 0, opts, fit->beta,
                             fit->cov, &info, err);
        if (rc != DFG_OK && rc != DFG_ENOCONV && rc != DFG_ESING)
            goto done;
        const double *mu = dfg_cfit_work_mu(w);
        for (size_t c = 0; c < n; c++) {
            int obs = (c & lm) != 0;
            fit->fitted[c] = use[c] || !obs ? mu[c] : 0.0;
            nf += obs && !use[c];
        }
        fit->status = rc;
        fit->check = DFG_CHECK_BOUNDARY;
        fit->iter = info.iter;
        fit->rank = info.rank;
        fit->deviance = info.deviance;
        fit->loglik = info.loglik;
        fit->n_obs = dfg_ctable_n_obs(ct);
        fit->p = p; /* criteria count every parameter, as glm reports the model's */
        fit->df = (double)(n - dfg_ctable_n_strata(ct)) - (double)p;
        dfg_cfit_criteria(fit);
        fit->p = q;
        dfg_cfit_totals(ct, fit);
        snprintf(fit->note, sizeof fit->note,
                 "boundary: %zu empty cells fitted as 0, %zu parameters at infinity; N does "
                 "not depend on them",
                 nf, p - q);
    }
done:
    dfg_cfit_work_free(w);
    dfg_free(spec);
    dfg_free(term_of);
    dfg_free(keep);
    if (rc != DFG_OK && rc != DFG_ENOCONV && rc != DFG_ESING && rc != DFG_ENOMLE)
        dfg_cfit_free(fit); /* nothing is kept on failure */
    return rc;
}

/* ** {======================================================================
 * Totals per level
 * ======================================================================= */

void dfg_free_level_totals(dfg_level_total *rows)
{
    dfg_free(rows);
}

static dfg_status group_row(const dfg_ctable *ct, const dfg_cmodel *m, const dfg_cfit *fit,
                            const unsigned char *in_group, double level, int profile,
                            const dfg_glm_opts *opts, dfg_level_total *r, dfg_error *err)
{
    double n, m0, var;
    dfg_status rc = dfg_cfit_group(ct, fit, in_group, &n, &m0, &var, err);
    if (rc != DFG_OK)
        return rc;
    r->n_obs = n;
    r->nhat = n + m0;
    r->dark = m0;
    r->ratio = n > 0.0 ? (n + m0) / n : (double)NAN;
    r->se = var >= 0.0 ? sqrt(var) : (double)NAN;
    dfg_error e2 = {0};
    if (dfg_interval_lognormal(n, n + m0, isfinite(r->se) ? r->se : 0.0, level, &r->lognormal,
                               &e2) != DFG_OK) {
        r->lognormal.lower = r->lognormal.upper = NAN;
    }
    r->profile.type = DFG_CI_NONE;
    r->profile.lower = r->profile.upper = r->profile.point = NAN;
    if (profile)
        rc = dfg_cfit_profile_group(ct, m, fit, in_group, opts, level, &r->profile, err);
    return rc == DFG_ENOCONV ? DFG_OK : rc;
}

dfg_status dfg_cfit_level_totals(const dfg_ctable *ct, const dfg_cmodel *m, const dfg_cfit *fit,
                                 const size_t *by, size_t n_by, double level, int profile,
                                 const dfg_glm_opts *opts, dfg_level_total **rows, size_t *n_rows,
                                 dfg_error *err)
{
    if (!rows || !n_rows)
        return dfg_err_set(err, DFG_EINVAL, "covariates", "NULL output");
    *rows = NULL;
    *n_rows = 0;
    if (!ct || !fit || !fit->fitted || !fit->cov || (n_by && !by) || (profile && !m))
        return dfg_err_set(err, DFG_EINVAL, "covariates", "NULL argument");
    size_t nc = dfg_ctable_n_cov(ct), ns = dfg_ctable_n_strata(ct);
    for (size_t i = 0; i < n_by; i++)
        if (by[i] >= nc)
            return dfg_err_set(err, DFG_EINVAL, "covariates", "no covariate %zu", by[i]);
    /* blocks: n_by = 0: each covariate alone; else one crossing */
    size_t total = 0;
    if (n_by == 0) {
        for (size_t c = 0; c < nc; c++)
            total += dfg_ctable_n_levels(ct, c);
    } else {
        total = 1;
        for (size_t i = 0; i < n_by; i++)
            total *= dfg_ctable_n_levels(ct, by[i]);
    }
    if (total == 0)
        return DFG_OK;
    dfg_level_total *r = dfg_calloc(total, sizeof *r);
    unsigned char *g = dfg_malloc(ns);
    dfg_status rc = DFG_OK, first = DFG_OK;
    if (!r || !g) {
        dfg_free(r);
        dfg_free(g);
        return dfg_err_set(err, DFG_ENOMEM, "covariates", "level totals");
    }
    size_t nr = 0;
    size_t nblocks = n_by ? 1 : nc;
    for (size_t b = 0; b < nblocks; b++) {
        size_t one = b, nb = n_by ? n_by : 1;
        const size_t *cv = n_by ? by : &one;
        size_t dig[64] = {0};
        for (;;) {
            size_t len = 0;
            dfg_level_total *row = &r[nr];
            for (size_t i = 0; i < nb; i++) {
                int w = snprintf(row->label + len, sizeof row->label - len, "%s%s=%s", i ? "," : "",
                                 dfg_ctable_cov_name(ct, cv[i]),
                                 dfg_ctable_level_name(ct, cv[i], dig[i]));
                if (w > 0 && (size_t)w < sizeof row->label - len)
                    len += (size_t)w;
            }
            for (size_t s = 0; s < ns; s++) {
                int in = 1;
                for (size_t i = 0; i < nb && in; i++)
                    in = dfg_ctable_level_of(ct, s, cv[i]) == dig[i];
                g[s] = (unsigned char)in;
            }
            dfg_error e2 = {0};
            rc = group_row(ct, m, fit, g, level, profile, opts, row, &e2);
            if (rc == DFG_ENOMEM) {
                dfg_err_set(err, rc, "covariates", "%s", e2.msg);
                dfg_free(r);
                dfg_free(g);
                return rc;
            }
            if (rc != DFG_OK && first == DFG_OK) {
                first = rc;
                dfg_err_set(err, rc, e2.where, "%s: %s", row->label, e2.msg);
            }
            nr++;
            size_t i = nb;
            size_t q = 0;
            while (q < nb && ++dig[q] == dfg_ctable_n_levels(ct, cv[q]))
                dig[q++] = 0;
            (void)i;
            if (q == nb)
                break;
        }
    }
    dfg_free(g);
    *rows = r;
    *n_rows = nr;
    return first;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Profile likelihood of a group's total
 * ======================================================================= */

typedef struct {
    const dfg_ctable *ct;
    const dfg_glm_opts *o;
    const size_t *spec;
    size_t p;
    const unsigned char *in_group;
    double n_all, n_group;
    double *y;          /* cells: observed counts, group's unobserved cells filled */
    unsigned char *use; /* observable cells + group's unobserved cells */
    double *beta;
    double *sq; /* 3 p: SQUAREM's b0, b1, b2 */
    dfg_cfit_work *w;
    int n_noconv;
    dfg_status rc;
    dfg_error *err;
    const dfg_prof_rows *rows; /* NULL: complete data (the counts of ct) */
    double ng_at;              /* rows: the group's completed count at the last evaluation */
} gprof;

/* EM steps of one profile point with rows (a slow EM: one Newton step each) */
#define ROWS_MAX_IT 200000

/* With rows of observed data that are sums of cells: y = the cells observed alone plus each
 * row spread over its cells in proportion to mu (the E-step); returns the rows' and cells'
 * part of S, sum y0 log(y0 / mu) + sum_r n_r log(n_r / m_r); *ng = the group's completed
 * count. */
static double rows_estep(gprof *pr, const double *mu, double *ng)
{
    const dfg_prof_rows *rw = pr->rows;
    size_t n = dfg_ctable_n_cells(pr->ct), k = dfg_ctable_k(pr->ct), lm = ((size_t)1 << k) - 1;
    double s = 0.0;
    for (size_t c = 0; c < n; c++) {
        if (!(c & lm))
            continue;
        double y0 = rw->y0[c];
        pr->y[c] = y0;
        if (y0 > 0.0)
            s += y0 * log(y0 / mu[c]);
    }
    for (size_t r = 0; r < rw->n_rows; r++) {
        double m = 0.0, nr = rw->count[r];
        for (size_t q = rw->off[r]; q < rw->off[r + 1]; q++)
            m += mu[rw->cells[q]];
        for (size_t q = rw->off[r]; q < rw->off[r + 1]; q++)
            pr->y[rw->cells[q]] += nr * mu[rw->cells[q]] / m;
        if (nr > 0.0)
            s += nr * log(nr / m);
    }
    double g = 0.0;
    for (size_t c = 0; c < n; c++)
        if ((c & lm) && pr->in_group[c >> k])
            g += pr->y[c];
    *ng = g;
    return s;
}

/* The E-step at the group's unobserved sum M from the workspace's fitted cells mu: the
 * group's unobserved cells filled in proportion to their fitted values (and, with rows, each
 * row spread over its cells); returns the objective there,
 *   S = sum_obs [y log(y / mu) - (y - mu)] + M log(M / mu_G) - (M - mu_G). */
static double gprof_estep(gprof *pr, double M)
{
    const dfg_ctable *ct = pr->ct;
    size_t k = dfg_ctable_k(ct), ns = dfg_ctable_n_strata(ct), n = dfg_ctable_n_cells(ct);
    const double *mu = dfg_cfit_work_mu(pr->w);
    double mug = 0.0, s = 0.0;
    for (size_t st = 0; st < ns; st++)
        if (pr->in_group[st])
            mug += mu[st << k];
    for (size_t st = 0; st < ns; st++)
        if (pr->in_group[st])
            pr->y[st << k] = mug > 0.0 ? M * mu[st << k] / mug : 0.0;
    if (pr->rows) {
        /* the observed data are the cells seen alone and the rows' sums:
         * S = sum y0 log(y0 / mu) + sum_r n_r log(n_r / m_r) + M log(M / mu_G)
         *     - (n + M - sum of mu over the cells in the likelihood) */
        double mu_in = 0.0;
        s = rows_estep(pr, mu, &pr->ng_at);
        for (size_t c = 0; c < n; c++)
            if (pr->use[c] && (c & (((size_t)1 << k) - 1)))
                mu_in += mu[c];
        return s + (M > 0.0 ? M * log(M / mug) : 0.0) - (pr->n_all + M - mu_in - mug);
    }
    for (size_t c = 0; c < n; c++) {
        if (!pr->use[c] || (c & (((size_t)1 << k) - 1)) == 0)
            continue;
        double yc = pr->y[c], mc = mu[c];
        s += (yc > 0.0 ? yc * log(yc / mc) : 0.0) - (yc - mc);
    }
    return s + (M > 0.0 ? M * log(M / mug) : 0.0) - (M - mug);
}

/* The M-step: one Newton step of the complete-data fit (pr->beta and the fitted cells
 * move); 0, or -1 after a failed fit (pr->rc set). */
static int gprof_mstep(gprof *pr, double big_ng)
{
    dfg_glm_opts o1 = *pr->o;
    o1.max_iter = 1;
    dfg_error e2 = {0};
    dfg_status rc = dfg_cfit_engine(pr->w, pr->ct, pr->spec, pr->p, pr->y, pr->use, 1, &o1,
                                    pr->beta, NULL, NULL, &e2);
    if (rc != DFG_OK && rc != DFG_ENOCONV) {
        pr->rc = dfg_err_set(pr->err, rc, "interval", "group profile fit at N = %.10g: %s", big_ng,
                             e2.msg);
        return -1;
    }
    return 0;
}

/* The EM of one profile point on complete data, from the maximiser at the previous N_g,
 * accelerated by SQUAREM (Varadhan & Roland 2008, Scand. J. Statist. 35:335; scheme S3):
 * from b0, two EM steps give b1, b2; with r = b1 - b0, v = b2 - b1 - r and alpha = -|r| /
 * |v| (at most -1) the point b0 - 2 alpha r + alpha^2 v is taken when its objective is no
 * worse than at b1 (else b2, the plain EM; alpha = -1 is b2 itself). Stops when S changes
 * by at most 1e-10 (|S| + 1) from one evaluation to the next; *s its last value. Returns
 * 1 when it settled, 0 after 5000 EM steps, -1 after a failed fit. */
static int gprof_squarem(gprof *pr, double M, double big_ng, double *s)
{
    size_t p = pr->p;
    double *b0 = pr->sq, *b1 = b0 + p, *b2 = b1 + p, s_old = NAN;
    for (int it = 0; it < 5000;) {
        memcpy(b0, pr->beta, p * sizeof *b0);
        double s0 = gprof_estep(pr, M);
        if (gprof_mstep(pr, big_ng))
            return -1;
        memcpy(b1, pr->beta, p * sizeof *b1);
        double s1 = gprof_estep(pr, M);
        if (gprof_mstep(pr, big_ng))
            return -1;
        memcpy(b2, pr->beta, p * sizeof *b2);
        it += 2;
        if ((it > 2 && fabs(s0 - s_old) <= 1e-10 * (fabs(s0) + 1.0)) ||
            fabs(s1 - s0) <= 1e-10 * (fabs(s1) + 1.0)) {
            *s = s1;
            return 1;
        }
        *s = s1;
        s_old = s1;
        double rr = 0.0, vv = 0.0;
        for (size_t j = 0; j < p; j++) {
            double r = b1[j] - b0[j], v = b2[j] - 2.0 * b1[j] + b0[j];
            rr += r * r;
            vv += v * v;
        }
        double alpha = vv > 0.0 ? -sqrt(rr / vv) : -1.0;
        if (!(alpha < -1.0))
            continue;
        for (size_t j = 0; j < p; j++) {
            double r = b1[j] - b0[j], v = b2[j] - 2.0 * b1[j] + b0[j];
            pr->beta[j] = b0[j] - 2.0 * alpha * r + alpha * alpha * v;
        }
        dfg_cfit_work_set_beta(pr->w, pr->ct, pr->spec, p, pr->beta);
        double sx = gprof_estep(pr, M); /* S at the extrapolated point */
        if (!(sx <= s1)) {              /* worse (or not finite): back to the plain EM point */
            memcpy(pr->beta, b2, p * sizeof *b2);
            dfg_cfit_work_set_beta(pr->w, pr->ct, pr->spec, p, pr->beta);
            continue;
        }
        if (gprof_mstep(pr, big_ng))
            return -1;
        it++;
    }
    return 0;
}

/* log L(N_g) (up to a constant), N_g = n_group + M; NaN on failure */
static double gprof_loglik(gprof *pr, double big_ng)
{
    if (pr->rc != DFG_OK)
        return NAN;
    double M = big_ng - pr->n_group;
    if (M < 0.0)
        M = 0.0;
    double s_old = NAN, s = NAN, d_old = 0.0;
    int settled = 0;
    if (!pr->rows) {
        settled = gprof_squarem(pr, M, big_ng, &s);
        if (settled < 0)
            return NAN;
    }
    /* with rows the plain EM: fill, one Newton step, until the objective settles */
    for (int it = 0; pr->rows && it < ROWS_MAX_IT; it++) {
        s = gprof_estep(pr, M);
        if (it > 0) {
            /* with rows the EM can be slow (much of the information missing): the
             * remaining distance to the limit is about |dS| / (1 - rate), the rate the
             * ratio of successive changes (Aitken) */
            double d = fabs(s - s_old), rate = d_old > 0.0 ? d / d_old : 0.0;
            d_old = d;
            if (rate < 1.0 && d / (1.0 - rate) <= 1e-10 * (fabs(s) + 1.0)) {
                settled = 1;
                break;
            }
        }
        s_old = s;
        if (gprof_mstep(pr, big_ng))
            return NAN;
    }
    if (!settled)
        pr->n_noconv++;
    double tt = pr->n_all + M;
    if (tt <= 100.0) {
        double t = (M > 0.0 ? M * log(M) : 0.0) - tt * log(tt);
        return -s + t + lgamma(tt + 1.0) - lgamma(M + 1.0);
    }
    if (M > 0.0)
        return -s - pr->n_all - 0.5 * log1p(-pr->n_all / tt);
    return -s - tt + 0.5 * log(2.0 * 3.14159265358979323846 * tt);
}

static double gprof_loglik_cb(void *arg, double big_ng)
{
    return gprof_loglik(arg, big_ng);
}

/* root of g(N) = 2 (lmax - log L(N)) - q on (a, b), g(a) g(b) < 0: Brent-Dekker */
static double gprof_root(gprof *pr, double lmax, double q, double a, double b)
{
    double fa = 2.0 * (lmax - gprof_loglik(pr, a)) - q;
    double fb = 2.0 * (lmax - gprof_loglik(pr, b)) - q;
    double c = a, fc = fa, d = b - a, e = d;
    for (int it = 0; it < 200 && pr->rc == DFG_OK; it++) {
        if ((fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0)) {
            c = a;
            fc = fa;
            d = e = b - a;
        }
        if (fabs(fc) < fabs(fb)) {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        double tol = 2.0 * 2.2e-16 * fabs(b) + 0.5 * (1e-9 + 1e-11 * fabs(b));
        double mm = 0.5 * (c - b);
        if (fabs(mm) <= tol || fb == 0.0)
            return b;
        if (fabs(e) >= tol && fabs(fa) > fabs(fb)) {
            double s = fb / fa, pp, qq;
            if (a == c) {
                pp = 2.0 * mm * s;
                qq = 1.0 - s;
            } else {
                double qa = fa / fc, r = fb / fc;
                pp = s * (2.0 * mm * qa * (qa - r) - (b - a) * (r - 1.0));
                qq = (qa - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if (pp > 0.0)
                qq = -qq;
            else
                pp = -pp;
            if (2.0 * pp < fmin(3.0 * mm * qq - fabs(tol * qq), fabs(e * qq))) {
                e = d;
                d = pp / qq;
            } else {
                d = mm;
                e = d;
            }
        } else {
            d = mm;
            e = d;
        }
        a = b;
        fa = fb;
        b += fabs(d) > tol ? d : (mm > 0.0 ? tol : -tol);
        fb = 2.0 * (lmax - gprof_loglik(pr, b)) - q;
    }
    return b;
}

dfg_status dfg_cfit_profile_group(const dfg_ctable *ct, const dfg_cmodel *m, const dfg_cfit *fit,
                                  const unsigned char *in_group, const dfg_glm_opts *opts,
                                  double level, dfg_interval *ci, dfg_error *err)
{
    return dfg_cfit_profile_group_rows(ct, m, fit, in_group, NULL, opts, level, ci, err);
}

/* the group's completed count at N (rows): n_g(M) + M for the nominal N = n_group + M */
static double rows_total(gprof *pr, double big_ng)
{
    gprof_loglik(pr, big_ng);
    return pr->ng_at + (big_ng - pr->n_group);
}

dfg_status dfg_cfit_profile_group_rows(const dfg_ctable *ct, const dfg_cmodel *m,
                                       const dfg_cfit *fit, const unsigned char *in_group,
                                       const dfg_prof_rows *rows, const dfg_glm_opts *opts,
                                       double level, dfg_interval *ci, dfg_error *err)
{
    if (!ci)
        return dfg_err_set(err, DFG_EINVAL, "interval", "NULL interval");
    memset(ci, 0, sizeof *ci);
    ci->type = DFG_CI_PROFILE;
    ci->level = level;
    ci->lower = ci->upper = ci->point = ci->search_limit = NAN;
    if (!(level > 0.0 && level < 1.0))
        return dfg_err_set(err, DFG_EINVAL, "interval", "level must be in (0, 1) (got %g)", level);
    if (!ct || !m || !fit || !fit->fitted)
        return dfg_err_set(err, DFG_EINVAL, "interval", "NULL argument");
    if (fit->check == DFG_CHECK_NOMLE)
        return dfg_err_set(err, DFG_ENOMLE, "interval", "the MLE does not exist");
    dfg_glm_opts def = dfg_glm_opts_default();
    size_t k = dfg_ctable_k(ct), ns = dfg_ctable_n_strata(ct), n = dfg_ctable_n_cells(ct);
    size_t lm = ((size_t)1 << k) - 1;
    gprof pr;
    memset(&pr, 0, sizeof pr);
    pr.ct = ct;
    pr.o = opts ? opts : &def;
    pr.err = err;
    pr.p = fit->p;
    pr.spec = fit->spec;
    pr.n_all = dfg_ctable_n_obs(ct);
    pr.rows = rows;
    dfg_status rc = DFG_OK;
    unsigned char *grp = NULL;
    if (!(pr.y = dfg_malloc(n * sizeof *pr.y)) || !(pr.use = dfg_malloc(n)) ||
        !(pr.beta = dfg_malloc(fit->p * sizeof *pr.beta)) || !(grp = dfg_malloc(ns)) ||
        !(pr.sq = dfg_malloc(3 * fit->p * sizeof *pr.sq)) ||
        !(pr.w = dfg_cfit_work_alloc(ct, fit->p))) {
        rc = dfg_err_set(err, DFG_ENOMEM, "interval", "group profile");
        goto done;
    }
    double ng = 0.0, m0g = 0.0;
    for (size_t s = 0; s < ns; s++) {
        grp[s] = !in_group || in_group[s];
        if (grp[s]) {
            ng += dfg_ctable_stratum_n_obs(ct, s);
            m0g += fit->fitted[s << k];
        }
    }
    pr.in_group = grp;
    pr.n_group = ng;
    memcpy(pr.y, dfg_ctable_counts(ct), n * sizeof *pr.y);
    for (size_t c = 0; c < n; c++)
        pr.use[c] = (c & lm) ? (fit->fitted[c] > 0.0 || pr.y[c] > 0.0) : grp[c >> k];
    for (size_t r = 0; rows && r < rows->n_rows; r++) /* a row's cells are observed */
        for (size_t q = rows->off[r]; q < rows->off[r + 1]; q++)
            pr.use[rows->cells[q]] = 1;
    if (fit->check == DFG_CHECK_BOUNDARY)
        for (size_t c = 0; c < n; c++)
            if ((c & lm) && fit->fitted[c] == 0.0)
                pr.use[c] = 0;
    memcpy(pr.beta, fit->beta, fit->p * sizeof *pr.beta);
    /* prime the workspace's fitted values at the Poisson estimate */
    {
        dfg_glm_opts o1 = *pr.o;
        o1.max_iter = 1;
        for (size_t s = 0; s < ns; s++)
            if (grp[s])
                pr.y[s << k] = fit->fitted[s << k];
        dfg_error e2 = {0};
        rc = dfg_cfit_engine(pr.w, ct, pr.spec, pr.p, pr.y, pr.use, 1, &o1, pr.beta, NULL, NULL,
                             &e2);
        if (rc != DFG_OK && rc != DFG_ENOCONV) {
            rc = dfg_err_set(err, rc, "interval", "group profile start: %s", e2.msg);
            goto done;
        }
        rc = DFG_OK;
    }
    double nhat = ng + m0g;
    ci->search_limit = 3.0 * nhat;
    if (!(nhat >= ng) || !isfinite(nhat) || !(ng > 0.0)) {
        rc = dfg_err_set(err, DFG_EDATA, "interval", "group profile: needs N >= n > 0");
        goto done;
    }
    double lmax;
    double n_mult = dfg_profile_argmax(gprof_loglik_cb, &pr, &pr.rc, ng, 1.5 * nhat, &lmax);
    if ((rc = pr.rc) != DFG_OK)
        goto done;
    ci->point = n_mult;
    double q = gsl_cdf_chisq_Pinv(level, 1.0);
    double g_lo = 2.0 * (lmax - gprof_loglik(&pr, ng)) - q;
    if ((rc = pr.rc) != DFG_OK)
        goto done;
    if (g_lo > 0.0 && n_mult > ng) {
        ci->lower = gprof_root(&pr, lmax, q, ng, n_mult);
    } else {
        ci->lower = ng;
        ci->lower_at_n = 1;
    }
    double g_hi = 2.0 * (lmax - gprof_loglik(&pr, 3.0 * nhat)) - q;
    if ((rc = pr.rc) != DFG_OK)
        goto done;
    if (g_hi > 0.0 && 3.0 * nhat > n_mult) {
        ci->upper = gprof_root(&pr, lmax, q, n_mult, 3.0 * nhat);
    } else {
        ci->upper = NAN;
        ci->upper_beyond = 1;
    }
    if ((rc = pr.rc) != DFG_OK)
        goto done;
    if (rows) {
        /* the nominal N = n_group + M back to the group's total at each point: its
         * completed count there plus M (the people observed with a missing value are
         * shared out by the constrained fit) */
        ci->point = rows_total(&pr, n_mult);
        ci->lower = rows_total(&pr, ci->lower_at_n ? ng : ci->lower);
        if (!ci->upper_beyond)
            ci->upper = rows_total(&pr, ci->upper);
        if ((rc = pr.rc) != DFG_OK)
            goto done;
    }
    if (pr.n_noconv > 0)
        rc = dfg_err_set(err, DFG_ENOCONV, "interval", "%d group profile fits did not settle",
                         pr.n_noconv);
done:
    dfg_cfit_work_free(pr.w);
    dfg_free(pr.y);
    dfg_free(pr.use);
    dfg_free(pr.beta);
    dfg_free(pr.sq);
    dfg_free(grp);
    return rc;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Stratified fits
 * ======================================================================= */

void dfg_strat_result_free(dfg_strat_result *r)
{
    if (!r)
        return;
    dfg_free(r->rows);
    memset(r, 0, sizeof *r);
}

/* term t of the full table as a term of the slice without covariate cov (0 when it was
 * {cov} alone) */
static uint64_t slice_term(uint64_t t, size_t k, size_t cov)
{
    uint64_t bit = (uint64_t)1 << (k + cov);
    t &= ~bit;
    uint64_t low = t & (bit - 1), high = t & ~(bit - 1) & ~bit;
    return low | (high >> 1);
}

dfg_status dfg_cfit_stratified(const dfg_ctable *ct, const dfg_cmodel *m, size_t c,
                               const dfg_glm_opts *opts, double level, dfg_strat_result *r,
                               dfg_error *err)
{
    if (!r)
        return dfg_err_set(err, DFG_EINVAL, "covariates", "NULL result");
    memset(r, 0, sizeof *r);
    if (!ct || !m || c >= dfg_ctable_n_cov(ct))
        return dfg_err_set(err, DFG_EINVAL, "covariates", "stratify: no covariate %zu", c);
    size_t L = dfg_ctable_n_levels(ct, c), k = dfg_ctable_k(ct);
    uint64_t *terms = dfg_malloc((m->n_terms + 1) * sizeof *terms);
    if (!terms || !(r->rows = dfg_calloc(L, sizeof *r->rows))) {
        dfg_free(terms);
        return dfg_err_set(err, DFG_ENOMEM, "covariates", "stratify");
    }
    size_t nt = 0;
    for (size_t i = 0; i < m->n_terms; i++) {
        uint64_t t = slice_term(m->terms[i], k, c);
        if (t)
            terms[nt++] = t;
    }
    r->cov = c;
    r->n_rows = L;
    r->all_ok = 1;
    double var = 0.0;
    dfg_status rc = DFG_OK;
    for (size_t l = 0; l < L; l++) {
        dfg_strat_row *row = &r->rows[l];
        snprintf(row->level, sizeof row->level, "%s", dfg_ctable_level_name(ct, c, l));
        row->nhat = row->se = NAN;
        row->lognormal.lower = row->lognormal.upper = NAN;
        dfg_ctable *sl = NULL;
        dfg_cmodel sm = {0};
        dfg_cfit f;
        memset(&f, 0, sizeof f);
        if ((rc = dfg_ctable_slice(ct, c, l, &sl, err)) != DFG_OK ||
            (rc = dfg_cmodel_from_terms(sl, terms, nt, &sm, err)) != DFG_OK) {
            dfg_ctable_free(sl);
            break;
        }
        dfg_cmodel_format(&sm, sl, row->model, sizeof row->model);
        row->n_obs = dfg_ctable_n_obs(sl);
        r->n_obs += row->n_obs;
        dfg_error e2 = {0};
        row->status = dfg_cfit_checked(sl, &sm, opts, &f, &e2);
        row->check = f.check;
        if (row->status == DFG_ENOMEM) {
            rc = dfg_err_set(err, DFG_ENOMEM, "covariates", "%s", e2.msg);
        } else if (row->status == DFG_OK && f.check != DFG_CHECK_NOMLE) {
            row->nhat = f.nhat;
            row->se = f.se_nhat;
            dfg_interval_lognormal(row->n_obs, row->nhat, isfinite(row->se) ? row->se : 0.0, level,
                                   &row->lognormal, NULL);
            var += row->se * row->se;
            snprintf(row->note, sizeof row->note, "%s", f.note);
        } else {
            r->all_ok = 0;
            snprintf(row->note, sizeof row->note, "%.159s", e2.msg[0] ? e2.msg : f.note);
        }
        dfg_cfit_free(&f);
        dfg_cmodel_free(&sm);
        dfg_ctable_free(sl);
        if (rc != DFG_OK)
            break;
    }
    dfg_free(terms);
    if (rc != DFG_OK) {
        dfg_strat_result_free(r);
        return rc;
    }
    r->nhat = r->se = NAN;
    r->lognormal.lower = r->lognormal.upper = NAN;
    if (r->all_ok) {
        r->nhat = 0.0;
        for (size_t l = 0; l < L; l++)
            r->nhat += r->rows[l].nhat;
        r->se = sqrt(var);
        dfg_interval_lognormal(r->n_obs, r->nhat, r->se, level, &r->lognormal, NULL);
    }
    return DFG_OK;
}

/* ** }====================================================================== */
