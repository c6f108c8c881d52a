/* models/search_space.h: the model space of the searches and the evaluation of one model
 * (models/search_space.c), shared by the search methods (models/search.c). Private.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DFG_SEARCH_SPACE_H
#define DFG_SEARCH_SPACE_H

#include "models.h"

/* Candidate terms (order 2 .. max order) a model is a subset of: a model is a bitmask
 * over candidate indices (at most 64 candidates). */
#define SP_MAX_CAND 64
/* Sets of fixed terms whose largest model's LP a worker keeps. */
#define SP_LP_CACHE 16

/* The full table over lists and covariates with the covariate terms held fixed in every
 * model (models/search_cov.c); NULL in a list-only space. */
typedef struct sp_cov sp_cov;
typedef struct sp_cov_work sp_cov_work;

typedef struct {
    size_t k, ncell;
    double *y;    /* 2^k cells (y[0] = 0); with covariates the strata summed */
    double *ysup; /* superset sums: observed count of each term */
    double n_obs, logn;
    double p_base; /* parameters of the main-effects model (1 + k; with covariates also
                      theirs and the fixed terms') */
    double lsat;   /* saturated log-likelihood sum_c log dpois(y_c, y_c) over every cell
                      of the likelihood: a bound of every model's */
    sp_cov *cov;   /* NULL: list-only */
    size_t p_max;  /* parameters of the largest model (intercept included) */
    size_t nmap;   /* entries of a worker's bmap and inb: 2^k, or the cells of the full
                      table (coefficients by the cell-layout index of their parameter) */
    size_t n_cand;
    uint32_t cand[SP_MAX_CAND]; /* by order, then by value */
    uint64_t need[SP_MAX_CAND]; /* candidates one order lower inside cand[i] (hierarchy) */
    dfg_criterion crit;
    dfg_glm_opts glm;
} sp_space;

/* The evaluation of one model. */
typedef struct {
    double crit, nhat, loglik, deviance;
    double aic, bic;
    unsigned p;            /* parameters counted: intercept + every term */
    unsigned n_used;       /* cells in the likelihood */
    unsigned p_fit;        /* parameters fitted (terms at -inf left out) */
    unsigned char code;    /* check code: 0 fine, 1 no MLE, 2 not identifiable, 3 both */
    unsigned char n_fixed; /* terms at -inf */
    unsigned char fit;     /* dfg_status of the fit (DFG_OK when admissible) */
    unsigned char done;
} sp_eval;

/* Per-thread scratch. */
typedef struct {
    dfg_glm_work *gw;
    uint32_t *terms;  /* k + SP_MAX_CAND model terms */
    uint32_t *fterms; /* intercept + terms not fixed */
    unsigned char *fixed, *use;
    double *beta, *beta_prev, *mu, *rwork;
    double *mu_prev;    /* 2^k: fitted cells of the last fit (warm start) */
    double *bmap;       /* 2^k: coefficients of the last fit by term (warm start) */
    unsigned char *inb; /* 2^k: 1 for the terms of the last fit */
    size_t *bterms;     /* keys written in bmap (terms; with covariates parameters) */
    size_t n_bterms;
    int warm;      /* bmap holds a usable start */
    int new_start; /* warm starts give terms new to the last fit log(y_t / m_t), not 0 */
    double *cert;  /* 3 2^k + p^2 + p: scratch of the existence certificate */
    /* LPs of the largest model per set of fixed terms (search_space.c, lp_exists) */
    uint32_t *mterms;
    unsigned char *mfixed;
    uint64_t lpc_f[SP_LP_CACHE];           /* fixed candidates */
    unsigned char lpc_exists[SP_LP_CACHE]; /* its MLE exists */
    size_t n_lpc;
    sp_cov_work *cw; /* with covariates: the fit over the full table */
} sp_worker;

dfg_status dfg_sp_space_init(sp_space *sp, const dfg_table *t, size_t s, int max_order,
                             dfg_criterion crit, const dfg_glm_opts *glm, dfg_error *err);
/* The space over the full table ct (models/search_cov.c): the candidates are the list
 * terms as in dfg_sp_space_init; every model also has the main effects of the
 * covariates and the terms of `fixed` (closed; NULL: none; a term with two or more lists
 * is refused, DFG_EINVAL). y, ysup, n_obs are those of the strata summed. */
dfg_status dfg_sp_space_init_cov(sp_space *sp, const dfg_ctable *ct, const dfg_cmodel *fixed,
                                 int max_order, dfg_criterion crit, const dfg_glm_opts *glm,
                                 dfg_error *err);
/* The common start of both: sp cleared, k (2 .. DFG_MAX_FIT_LISTS) and max_order (1 ..
 * k - 1) checked (DFG_EINVAL), crit, glm and the candidates set. */
dfg_status dfg_sp_space_begin(sp_space *sp, size_t k, int max_order, dfg_criterion crit,
                              const dfg_glm_opts *glm, dfg_error *err);
/* The candidates: every list term of order 2 .. max_order with its hierarchy (sp->k,
 * sp->ncell set). DFG_EINVAL beyond SP_MAX_CAND. */
dfg_status dfg_sp_space_cands(sp_space *sp, int max_order, dfg_error *err);
void dfg_sp_space_free(sp_space *sp);
/* sum_c log dpois(y_c, y_c) over y[0..n-1] (0 log 0 = 0). */
double dfg_sp_saturated_loglik(const double *y, size_t n);
/* Index of candidate term `term`, or -1. */
int dfg_sp_cand_index(const sp_space *sp, uint32_t term);
/* Model terms (main effects then candidates in mask, sorted) into out; returns their number. */
size_t dfg_sp_terms(const sp_space *sp, uint64_t mask, uint32_t *out);

/* Criterion c of a model with p parameters (all counted) and log-likelihood ll. */
double dfg_sp_criterion(const sp_space *sp, dfg_criterion c, double p, double ll);

sp_worker *dfg_sp_worker_alloc(const sp_space *sp);
void dfg_sp_worker_free(sp_worker *w);

/* Evaluate model `mask`: terms at -inf, identifiability (pf <= cells kept, else the rank
 * test), fit (warm-started from the last fit of this worker when warm != 0; with
 * w->new_start, terms new to that fit start at their one-term MLE), existence (no empty
 * cell, or the Newton certificate of search_space.c from the fit's last step or at the
 * converged fit, or else the LP of models/check.c, first on the largest model with the
 * same fixed terms; they agree by construction). exact = 1 also runs the LP on unidentifiable
 * models, so that their code says whether the MLE exists too (3). After the call w->mu holds the
 * fitted cells. Returns DFG_OK or a hard error (ENOMEM, EINTERNAL); model problems go into *e. */
dfg_status dfg_sp_eval_model(const sp_space *sp, sp_worker *w, uint64_t mask, int warm, int exact,
                             sp_eval *e, dfg_error *err);

/* Keep the coefficients beta[0..pf-1] of the last fit for the next warm start: those of
 * key t32[j] (or tz[j] when t32 is NULL) into w->bmap, w->inb and w->bterms, the fitted
 * cells w->mu into w->mu_prev. */
void dfg_sp_keep_start(const sp_space *sp, sp_worker *w, size_t pf, const uint32_t *t32,
                       const size_t *tz, const double *beta);

/* The end of an evaluation shared by both spaces: check code 1 when !exists; else the
 * fit's status and, when it is DFG_OK, loglik, deviance, N = n + w->mu[0], the criteria and
 * the coefficients kept (dfg_sp_keep_start). */
void dfg_sp_eval_finish(const sp_space *sp, sp_worker *w, sp_eval *e, int exists, dfg_status frc,
                        const dfg_glm_info *info, size_t pf, const uint32_t *t32, const size_t *tz,
                        const double *beta);

/* With covariates (models/search_cov.c): the worker's fit over the full table, and the
 * evaluation of dfg_sp_eval_model there (no rank test: a singular fit is marked not
 * identifiable; existence by the interior rule of dfg_cfit_work_interior, else the LP of
 * models/covariates.c on the cells kept). */
void dfg_sp_cov_free(sp_cov *cov);
sp_cov_work *dfg_sp_cov_work_alloc(const sp_space *sp);
void dfg_sp_cov_work_free(sp_cov_work *cw);
dfg_status dfg_sp_cov_eval(const sp_space *sp, sp_worker *w, uint64_t mask, int warm, sp_eval *e,
                           dfg_error *err);
/* s.e. of N of model mask (var = m0 + g'Vg over the full table, as dfg_cfit_group), from a
 * refit with the covariance; NaN when that fit fails. */
dfg_status dfg_sp_cov_se(const sp_space *sp, sp_worker *w, uint64_t mask, double *se,
                         dfg_error *err);
/* The start of a term t new to the worker's last fit: its coefficient maximising the
 * likelihood with the others held, log(y_t / m_t), m_t = sum of the last fitted cells
 * (kept, strata summed) on t; 0 when not finite. */
double dfg_sp_new_term_start(const sp_space *sp, const sp_worker *w, uint32_t t);

/* ** {======================================================================
 * Another fit of the models of the space over the full table (models/search_cov.c): the EM
 * on incomplete covariates (models/incomplete_search.c). The space, candidates, warm
 * starts (beta from the worker's last fit, new list terms at their one-term start),
 * criteria and the search are the same; only the fit of one model and its s.e. differ.
 * ======================================================================= */
typedef struct {
    void *data; /* shared by the workers (threads) */
    /* a workspace for models of at most sp->p_max parameters (one per worker); NULL = no
     * memory */
    void *(*work_alloc)(const sp_space *sp, void *data);
    void (*work_free)(void *work);
    /* Fit model mask, its parameters spec[0..pf-1], on the cells use (those of list terms
     * at -inf out); warm: beta holds a start (the fitter may ignore it). Fills beta, *frc (DFG_OK;
     * DFG_ESING when the model is not identifiable; any other status: the fit failed), info->loglik
     * (the criterion's log-likelihood), *mu (the fitted cells, valid until the next call) and
     * *exists (the MLE exists). Returns DFG_OK or a hard error that stops the search. */
    dfg_status (*fit)(const sp_space *sp, void *work, uint64_t mask, const size_t *spec, size_t pf,
                      const unsigned char *use, int warm, double *beta, dfg_status *frc,
                      dfg_glm_info *info, const double **mu, int *exists, dfg_error *err);
    /* the s.e. of N of model mask (NaN when there is none) */
    dfg_status (*se)(const sp_space *sp, void *work, uint64_t mask, double *se, dfg_error *err);
} sp_cov_fitter;

/* Fit the models of a space made by dfg_sp_space_init_cov with f (not copied) instead of
 * the complete-data fit; before any worker is allocated. */
void dfg_sp_cov_set_fitter(sp_space *sp, const sp_cov_fitter *f);
/* The search o->method on the space over ct with `fixed` (dfg_search_run_cov) whose
 * models f fits (models/search.c). */
dfg_status dfg_search_run_cov_with(const dfg_ctable *ct, const dfg_cmodel *fixed,
                                   const sp_cov_fitter *f, const dfg_search_opts *o,
                                   dfg_search_result *r, dfg_error *err);
/* ** }====================================================================== */

/* Every hierarchical model of the space in reflected Gray order (neighbours differ in one
 * term where the hierarchy allows), into out[0..] (out may be NULL to count); stops after
 * cap + 1 models. Returns the number found (cap + 1 when more). */
size_t dfg_sp_enumerate(const sp_space *sp, uint64_t *out, size_t cap);

#endif
