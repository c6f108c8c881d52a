/* models/incomplete.h: what the EM fit (models/incomplete.c) shares with its bootstrap
 * (models/incomplete_boot.c); never installed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DARKFIG_INCOMPLETE_H
#define DARKFIG_INCOMPLETE_H

#include "internal.h"

struct dfg_itable {
    dfg_ctable *ct; /* layout; counts = complete rows */
    size_t k, n_cov, n_cells;
    /* rows with a missing value: compatible cells cells[off[r] .. off[r+1]-1] */
    size_t n_rows;
    size_t *off, *cells;
    double *count;
    uint64_t *miss; /* bitmask of the missing covariates of row r */
    double n_obs, n_incomplete;
    double *n_missing;             /* n_cov */
    uint32_t *recorded, *detected; /* n_cov */
};

/* The EM's workspace for one model: reusable across fits (one per thread). */
typedef struct {
    const dfg_itable *it;
    const size_t *spec;
    size_t p;
    const unsigned char *use; /* n_cells: the observable cells in the likelihood (NULL: all;
                                 a cell out has no count and no row with a missing value) */
    dfg_cfit_work *w;
    double *yc;  /* completed counts (n_cells) */
    double *eta; /* n_cells */
    double *sq;  /* 6 p: SQUAREM's parameter vectors */
} dfg_em_ws;

typedef struct {
    int iter;
    int limit; /* 1 when the iteration limit stopped it */
    double change, abs_change, loglik;
} dfg_em_info;

dfg_status dfg_em_ws_init(dfg_em_ws *ws, const dfg_itable *it, const size_t *spec, size_t p,
                          dfg_error *err);
void dfg_em_ws_free(dfg_em_ws *ws);

/* EM with complete-cell counts y0 (n_cells, 0 at pattern 0) and counts inc_n of the rows
 * with missing values; warm: beta holds a start (else the uniform start). On return
 * ws->yc is the E-step of the last fitted values and dfg_cfit_work_mu(ws->w) those
 * values. Returns DFG_OK, DFG_ENOCONV (EM limit; info filled), or an M-step failure. */
dfg_status dfg_em_core(dfg_em_ws *ws, const double *y0, const double *inc_n, int warm,
                       const dfg_em_opts *o, double *beta, dfg_em_info *info, dfg_error *err);

/* The totals of the statistics of dfg_em_boot from fitted values mu (all cells) and the
 * completed counts yc: out[0] = N, then per covariate level. */
/* The observed-data Poisson log-likelihood at beta, up to a constant: sum over the
 * complete cells of y log mu - sum over the observable cells of mu + sum_r n_r log m_r;
 * mu (n_cells) receives the fitted values. Its negative Hessian is Louis's I_obs. */
double dfg_em_obs_loglik(const dfg_itable *it, const size_t *spec, size_t p, const double *beta,
                         double *mu);

/* Identifiability of m under the missingness (dfg_em_fit's check): DFG_OK, or DFG_EDATA
 * naming the term that cannot be estimated; ws set up for m's parameters (spec, p),
 * term_of[p] their terms. Uses ws's scratch. */
dfg_status dfg_em_identifiable(const dfg_itable *it, const dfg_cmodel *m, dfg_em_ws *ws,
                               const size_t *term_of, const dfg_glm_opts *glm, dfg_error *err);
/* The E-step at fitted values mu: yc (n_cells) = the completed table; returns the
 * observed-data log-likelihood in cenzus's multinomial form (dfg_emfit.loglik). */
double dfg_em_complete(const dfg_itable *it, const double *mu, double *yc);
/* dfg_em_complete with the observable cells out of the likelihood where use[c] = 0 (NULL:
 * none) left out of the multinomial's total. */
double dfg_em_complete_use(const dfg_itable *it, const unsigned char *use, const double *mu,
                           double *yc);

void dfg_em_stats(const dfg_itable *it, const double *mu, const double *yc, double *out);
size_t dfg_em_n_stats(const dfg_itable *it);

#endif
