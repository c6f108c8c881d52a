/* models/models.h: what the model families share with each other and with the registry
 * (core/estimators.c), the one file in core/ that includes this header; never installed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DARKFIG_MODELS_H
#define DARKFIG_MODELS_H

#include "internal.h"

/* Two-list estimators (models/two_list.c). */
extern const dfg_estimator dfg_est_lincoln_petersen, dfg_est_chapman;

/* Closed-population models (models/closed.c), one estimator per Rcapture model. */
extern const dfg_estimator dfg_est_closed_m0, dfg_est_closed_mt, dfg_est_closed_mh_chao,
    dfg_est_closed_mh_poisson2, dfg_est_closed_mh_darroch, dfg_est_closed_mh_gamma,
    dfg_est_closed_mth_chao, dfg_est_closed_mth_poisson2, dfg_est_closed_mth_darroch,
    dfg_est_closed_mth_gamma, dfg_est_closed_mb, dfg_est_closed_mbh;

/* Estimators listed in core/estimators.c, each defined in its models/ file. */
extern const dfg_estimator dfg_est_mt, dfg_est_loglin;
/* models/search.c: model searches behind the estimator interface */
extern const dfg_estimator dfg_est_stepwise, dfg_est_aic_stepwise, dfg_est_exhaustive,
    dfg_est_downhill;
/* models/lcmcr.c: Bayesian latent classes */
extern const dfg_estimator dfg_est_lcmcr;
/* models/dga.c: model averaging over decomposable graphs */
extern const dfg_estimator dfg_est_dga;

/* ** {======================================================================
 * Existence and identifiability internals (models/check.c), shared with the searches.
 * ======================================================================= */
/* ysup[tau] = sum of y[c] over cells c superset of tau, tau = 0 .. 2^k - 1. */
void dfg_superset_sums(size_t k, const double *y, double *ysup);
/* fixed[i] = 1 for terms with observed count ysup[terms[i]] = 0; use[c] (2^k entries, may
 * be NULL) = 0 for cell 0 and cells containing a fixed term, else 1. Returns how many. */
size_t dfg_check_boundary(size_t k, const double *ysup, const uint32_t *terms, size_t n,
                          unsigned char *fixed, unsigned char *use);
/* Doubles of scratch dfg_check_full_rank needs for n terms. */
size_t dfg_check_work_size(size_t k, size_t n);
/* 1 when the design (intercept + terms not fixed; fixed may be NULL) on the cells in use
 * has full column rank, else 0. */
int dfg_check_full_rank(size_t k, const uint32_t *terms, size_t n, const unsigned char *fixed,
                        const unsigned char *use, double *work);
/* Identifiability without linear algebra (models/check.c header): 1 full rank, 0 not,
 * -1 when the argument does not apply (the cells in use are not a down-set, or a free term
 * lies outside them). */
int dfg_check_ident_count(size_t k, const uint32_t *terms, size_t n, const unsigned char *fixed,
                          const unsigned char *use);
/* Fienberg-Rinaldo LP on the cells in use: *exists = 1 when a strictly positive table has
 * the margins X'y of the intercept and the terms not fixed. */
dfg_status dfg_check_lp(size_t k, const double *y, const uint32_t *terms, size_t n,
                        const unsigned char *fixed, const unsigned char *use, int *exists,
                        dfg_error *err);
/* The existence LP of dfg_check_lp for any design given by its margin rows (also
 * models/covariates.c): cells first..n_cells-1 with counts y, those with use[c] kept; rows
 * 0..n_rows-1, row r skipped when r >= fixed_off and fixed[r - fixed_off] (fixed may be NULL);
 * has(arg, r, c) = the weight of cell c in the margin of row r (1 or 0 for indicator
 * columns; a trend's columns are real). *exists = 1 when a strictly
 * positive table on the kept cells has the kept margins of y. who names the module in errors.
 * Returns DFG_OK, DFG_ENOMEM, DFG_EINVAL (LP too large) or DFG_EINTERNAL (GLPK failed). */
dfg_status dfg_check_lp_margins(size_t first, size_t n_cells, const double *y,
                                const unsigned char *use, size_t n_rows, const unsigned char *fixed,
                                size_t fixed_off,
                                double (*has)(const void *arg, size_t r, size_t c), const void *arg,
                                const char *who, int *exists, dfg_error *err);
/* Release the GLPK environment of the calling thread (GLPK keeps one per thread). Each LP
 * already frees it when done, so threads that only run estimators (the bootstrap's) need
 * not call this; the exhaustive search's threads still do. */
void dfg_check_thread_free(void);
/* The status of a check code (0-3) with n_boundary terms fixed. */
dfg_check_status dfg_check_status_of(int code, size_t n_boundary);
/* ** }====================================================================== */

/* ** {======================================================================
 * Profile intervals of group totals when some observed data are sums of cells (models/
 * covariates.c; incomplete covariates, models/incomplete_profile.c)
 * ======================================================================= */
typedef struct {
    const double *y0; /* n_cells: the counts of the people whose cell is known */
    size_t n_rows;    /* rows of people known only to be in one of cells[off[r] ..
                         off[r+1]-1], count[r] of them */
    const size_t *off, *cells;
    const double *count;
} dfg_prof_rows;

/* dfg_cfit_profile_group when the observed data are y0 and the rows (rows = NULL: the counts
 * of ct): ct's counts are the completed table of the fit (y0 plus the rows spread at the
 * fit), its n the people observed. For a given sum M of the group's unobserved cells the
 * observed-data likelihood (cells, rows, and the group's M) is maximised by EM (the rows and
 * the group's M spread in proportion to the fitted values, one Newton step per E-step); S
 * = sum y0 log(y0 / mu) + sum_r n_r log(n_r / m_r) + M log(M / mu_G) - (n + M - sum mu),
 * log L(M) as dfg_cfit_profile_group. The group's total at M is its completed count there
 * plus M: the interval's ends and point are those totals. */
dfg_status dfg_cfit_profile_group_rows(const dfg_ctable *ct, const dfg_cmodel *m,
                                       const dfg_cfit *fit, const unsigned char *in_group,
                                       const dfg_prof_rows *rows, const dfg_glm_opts *opts,
                                       double level, dfg_interval *ci, dfg_error *err);
/* ** }====================================================================== */

/* ** {======================================================================
 * The fitting seam of the covariate stepwise search (models/cov_search.c): how each
 * candidate model is fitted and checked. The complete-data fitter is cov_search.c's own
 * (dfg_cstep_run); the EM fitter on incomplete data is models/incomplete_search.c's.
 * ======================================================================= */
typedef struct {
    double loglik;     /* the log-likelihood of the criterion -2 loglik + pen p */
    double m0;         /* the fitted unobserved total (N = n_obs + m0) */
    dfg_status status; /* DFG_OK, or DFG_ENOCONV (kept in the path, not interior) */
    int iter;
    int interior; /* the MLE exists without a linear program (dfg_cstep_fitout_from_mu) */
    int skip;     /* the model cannot be estimated: never compared; why says so */
    char why[256];
} dfg_cstep_fitout;

typedef struct {
    const void *data;
    double n_obs; /* people observed: BIC's n and N = n_obs + m0 */
    /* a workspace for models of at most p_cap parameters (one per thread); NULL = no memory */
    void *(*work_alloc)(const void *data, size_t p_cap);
    void (*work_free)(void *work);
    /* fit m (its parameters spec[0..p-1]); warm: beta holds a start (the current model's
     * parameters matched, new ones 0), else the fitter's own start; check_ident: say in
     * out->skip whether m can be estimated. Fills beta and *out; returns DFG_OK or the
     * failure (the search then retries from the fitter's own start, then stops). */
    dfg_status (*fit)(const void *data, void *work, const dfg_cmodel *m, const size_t *spec,
                      size_t p, int warm, int check_ident, double *beta, dfg_cstep_fitout *out,
                      dfg_error *err);
    /* existence of the MLE of a fit that is not interior, and N of the (extended) MLE;
     * returns DFG_OK or a failure that stops the search */
    dfg_status (*check)(const void *data, const dfg_cmodel *m, dfg_check_status *check,
                        double *nhat, dfg_error *err);
} dfg_cstep_fitter;

/* out->interior and out->m0 from the fitted cells mu of the layout ct, the largest last
 * Newton step and the fit's status. */
void dfg_cstep_fitout_from_mu(const dfg_ctable *ct, const double *mu, double last_step,
                              dfg_status rc, dfg_cstep_fitout *out);
/* dfg_cstep_run with the fitter f on the layout ct (the cells, levels and names). */
dfg_status dfg_cstep_run_with(const dfg_ctable *ct, const dfg_cstep_fitter *f,
                              const dfg_cstep_opts *opts, dfg_cstep_result *r, dfg_error *err);
/* ** }====================================================================== */

#endif /* DARKFIG_MODELS_H */
