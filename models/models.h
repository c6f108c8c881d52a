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

#endif /* DARKFIG_MODELS_H */
