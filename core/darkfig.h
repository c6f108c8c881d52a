/* core/darkfig.h: the public interface of libdarkfig.
 *
 * darkfig estimates the size of a hidden population from the overlaps of several
 * registrations (lists): multiple-systems estimation (MSE) and capture-recapture.
 *
 * Conventions of the whole interface:
 *  - Every function that can fail returns a dfg_status (0 = DFG_OK) and, when err is
 *    not NULL, fills it with the place ("file:line:col" or module) and a message. The
 *    library never prints, exits, aborts on input or reads the environment.
 *  - The return code is the verdict of the call. A numerical verdict that still leaves
 *    usable output (DFG_ENOCONV: the last iterate; DFG_ESING; DFG_ENOMLE: the boundary
 *    fit) is written in the result's status field and also returned. Calls that fill
 *    rows (dfg_closed_table_fit, dfg_search_run, dfg_holdout_run, the bootstrap's
 *    replicates) and the closed-population estimators return DFG_OK and keep each
 *    verdict in its row or in dfg_estimate.status. err always describes the returned
 *    code (DFG_OK: err is left as it was): the first error wins, except that a hard error
 *    (any other code) replaces a numerical verdict recorded before it, so a call that
 *    meets DFG_ENOCONV and then fails to allocate returns DFG_ENOMEM and says so.
 *  - Options are checked before any work by their public _check function
 *    (dfg_glm_opts_check, dfg_search_opts_check, dfg_boot_opts_check), which the run
 *    functions call; every limit is a DFG_MAX_* constant below.
 *  - The caller owns results; every _free accepts NULL.
 *  - A capture pattern is a uint32_t bitmask: bit j set = on list j (list j is the
 *    (j+1)-th list column of the input). The all-zero pattern is the unobserved cell.
 *  - Model terms are bitmasks over lists too: term 0x3 is the interaction of lists 1
 *    and 2; the intercept is term 0.
 *
 * Copyright (C) 2026 the darkfig authors. SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DARKFIG_H
#define DARKFIG_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define DFG_API __attribute__((visibility("default")))
#else
#define DFG_API
#endif

#define DFG_VERSION "0.1.0"

/* Lists a table can hold (patterns are 32-bit masks). */
#define DFG_MAX_LISTS 30
/* Lists a log-linear fit accepts: it works on the 2^k cells. */
#define DFG_MAX_FIT_LISTS 20
/* Parameters of one model fit (its workspace holds p x p matrices): DFG_EINVAL above. */
#define DFG_MAX_PARAMS 4096
/* Iterations of one fit (dfg_glm_opts.max_iter). */
#define DFG_MAX_ITER 100000
/* Worker threads of a search or a bootstrap. */
#define DFG_MAX_THREADS 256
/* Bootstrap replicates (dfg_boot_opts.B). */
#define DFG_MAX_REPLICATES 10000000
/* People the bootstrap can resample: GSL's multinomial sampler draws an unsigned int. */
#define DFG_MAX_BOOT_N 4294967295u
/* Rows of a search's model table. */
#define DFG_MAX_TOP 1000000
/* Capture occasions of an `nbcap,count` file. */
#define DFG_MAX_OCCASIONS 1000
/* The p-value thresholds of the stepwise searches when dfg_search_opts.threshold is 0:
 * Chan, Silverman & Vincent (2021) and Bales, Hesketh & Silverman (2015). */
#define DFG_SEARCH_STEPWISE_THRESHOLD 0.02
#define DFG_SEARCH_AIC_STEPWISE_THRESHOLD 0.001

/* ** {======================================================================
 * Errors
 * ======================================================================= */

typedef enum {
    DFG_OK = 0,
    DFG_EINVAL,    /* bad argument from the caller */
    DFG_ENOMEM,    /* allocation failed */
    DFG_EIO,       /* cannot open, read or write a file */
    DFG_EPARSE,    /* bad CSV or specification; where = "file:line:col" */
    DFG_EDATA,     /* well formed but unusable data */
    DFG_ENOCONV,   /* iteration limit reached; outputs hold the last iterate */
    DFG_ESING,     /* information matrix not positive definite */
    DFG_ENOMLE,    /* the maximum-likelihood estimate does not exist (boundary) */
    DFG_EINTERNAL, /* an invariant failed: a bug */
    DFG_ECANCEL    /* stopped on request (the caller's cancel flag) */
} dfg_status;

typedef struct {
    dfg_status code;
    char where[128]; /* "file:line:col", or the module name */
    char msg[256];
} dfg_error;

/* The fixed text of a status code ("invalid argument", ...). Never NULL. */
DFG_API const char *dfg_strerror(dfg_status code);

/* Clear *err to DFG_OK with empty strings. err may be NULL. */
DFG_API void dfg_error_clear(dfg_error *err);

/* Is a number an estimate? (core/value.c) An estimate of N, or a limit of its interval,
 * that is not a number, infinite, above DFG_NHAT_MAX_RATIO times the people observed,
 * below them, or from a fit at the boundary gets a status of its own and a one-line
 * reason. Such a result is never "fine", never the best model by a criterion (model
 * search, the closed table), never averaged or put in a range of N, and never printed as
 * a number. */
typedef enum {
    DFG_VALUE_OK = 0,      /* a finite estimate with a finite s.e. and interval */
    DFG_VALUE_NAN,         /* N is not a number (or the estimator failed) */
    DFG_VALUE_INFINITE,    /* N is infinite */
    DFG_VALUE_ABOVE_BOUND, /* N > DFG_NHAT_MAX_RATIO x n: a fit run off to infinity */
    DFG_VALUE_BELOW_N,     /* N < n (removal models) */
    DFG_VALUE_BOUNDARY,    /* the fit is at the boundary (fitted rates 0, rank deficient) */
    DFG_VALUE_NO_SE,       /* the s.e. is not a finite number */
    DFG_VALUE_NO_INTERVAL  /* an interval limit is NaN without being "beyond" or "at n" */
} dfg_value_status;

/* ** }====================================================================== */

/* ** {======================================================================
 * The capture table
 * ======================================================================= */

/* k lists, optional strata (one per distinct combination of covariate values), and a
 * count per observed pattern per stratum. Opaque: the counts are aggregated on entry,
 * so everything after reading costs O(patterns) or O(2^k), not O(people). */
typedef struct dfg_table dfg_table;

/* A new empty table with k lists (2 <= k <= DFG_MAX_LISTS) named list_names[0..k-1]
 * and n_cov covariate columns (may be 0, cov_names may then be NULL). Names are copied.
 * A table with no covariates has exactly one stratum (index 0) from the start.
 * Returns NULL on failure (err says why: DFG_EINVAL, DFG_ENOMEM). */
DFG_API dfg_table *dfg_table_new(size_t k, const char *const *list_names, size_t n_cov,
                                 const char *const *cov_names, dfg_error *err);
DFG_API void dfg_table_free(dfg_table *t);

/* Find or create the stratum whose covariate values are values[0..n_cov-1] (copied);
 * its index goes in *s. With n_cov = 0, *s = 0. */
DFG_API dfg_status dfg_table_stratum(dfg_table *t, const char *const *values, size_t *s,
                                     dfg_error *err);

/* Add count (finite, >= 0, whole) people with capture pattern `pattern` to stratum s.
 * Adding to a pattern already present sums the counts. pattern must be nonzero and
 * < 2^k (DFG_EINVAL otherwise). */
DFG_API dfg_status dfg_table_add(dfg_table *t, size_t s, uint32_t pattern, double count,
                                 dfg_error *err);

DFG_API size_t dfg_table_k(const dfg_table *t);
DFG_API const char *dfg_table_list_name(const dfg_table *t, size_t j);
DFG_API size_t dfg_table_n_cov(const dfg_table *t);
DFG_API const char *dfg_table_cov_name(const dfg_table *t, size_t c);
DFG_API size_t dfg_table_n_strata(const dfg_table *t);
DFG_API const char *dfg_table_stratum_value(const dfg_table *t, size_t s, size_t c);

/* Observed patterns of stratum s (those with a count entry, zero counts included), in
 * increasing pattern order: pattern i is (*pattern, *count). */
DFG_API size_t dfg_table_n_patterns(const dfg_table *t, size_t s);
DFG_API void dfg_table_pattern(const dfg_table *t, size_t s, size_t i, uint32_t *pattern,
                               double *count);

/* People observed in stratum s (sum of its counts). */
DFG_API double dfg_table_n_obs(const dfg_table *t, size_t s);

/* Dense cell counts of stratum s: y[pattern] for pattern = 0 .. 2^k - 1, y[0] = 0.
 * y must hold 2^k doubles. DFG_EINVAL when k > DFG_MAX_FIT_LISTS. */
DFG_API dfg_status dfg_table_cells(const dfg_table *t, size_t s, double *y, dfg_error *err);

/* A new table with all strata summed into one (covariates dropped). NULL on failure. */
DFG_API dfg_table *dfg_table_collapse(const dfg_table *t, dfg_error *err);

/* A new one-stratum table with k lists from dense cells y[0 .. 2^k-1] (y[0] ignored). */
DFG_API dfg_table *dfg_table_from_cells(size_t k, const char *const *list_names, const double *y,
                                        dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Reading CSV
 * ======================================================================= */

/* Two shapes, told apart by the header:
 *  (a) pattern counts: 0/1 list columns and a count column ("count", or opts.count);
 *  (b) records: one row per person, 0/1 list columns, no count column.
 * Without opts.lists every column but the count is a list. With opts.lists (names,
 * comma-separated) only those are lists and every other column is kept as a covariate
 * (one stratum per distinct combination of its values). */
typedef struct {
    const char *lists; /* "A,B,C" or NULL */
    const char *count; /* name of the count column or NULL for "count" */
} dfg_csv_opts;

DFG_API dfg_csv_opts dfg_csv_opts_default(void);

/* Read a CSV file into a new table (*out, release with dfg_table_free). On failure *out
 * is NULL and err->where is "path:line:col" (line and column 1-based). Returns DFG_OK,
 * DFG_EIO, DFG_EPARSE, DFG_EDATA, DFG_EINVAL, DFG_ENOMEM. */
DFG_API dfg_status dfg_table_read_csv(const char *path, const dfg_csv_opts *opts, dfg_table **out,
                                      dfg_error *err);

/* The same from a buffer; name is used in error places. */
DFG_API dfg_status dfg_table_read_csv_buffer(const char *name, const char *buf, size_t len,
                                             const dfg_csv_opts *opts, dfg_table **out,
                                             dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Hierarchical log-linear models
 * ======================================================================= */

/* A hierarchical model over k lists: its terms (bitmasks of order >= 1), closed under
 * subsets, every main effect present, sorted by order then by value. The intercept is
 * implicit. Plain struct; release terms with dfg_model_free. */
typedef struct {
    size_t k;
    size_t n_terms;
    uint32_t *terms;
} dfg_model;

/* Parse the field's bracket notation: "[12,13,4]" over list positions (1-based, one
 * digit each, k <= 9) or "[LA:NG,PF]" over list names joined by ':'. Main effects are
 * always added and the model closed under subsets. The k-way term is refused (not
 * identifiable). "" or "[]" or "independence" is the main-effects model.
 * Returns DFG_EPARSE (err->where = "model:col") or DFG_EINVAL. */
DFG_API dfg_status dfg_model_parse(const char *spec, const dfg_table *t, dfg_model *m,
                                   dfg_error *err);

/* The closure of terms[0..n-1] plus all main effects. */
DFG_API dfg_status dfg_model_from_terms(size_t k, const uint32_t *terms, size_t n, dfg_model *m,
                                        dfg_error *err);

/* Main effects only. */
DFG_API dfg_status dfg_model_independence(size_t k, dfg_model *m, dfg_error *err);

DFG_API dfg_status dfg_model_copy(const dfg_model *src, dfg_model *dst, dfg_error *err);
DFG_API void dfg_model_free(dfg_model *m);

/* Write the model in bracket notation (maximal terms, higher order first, then the
 * uncovered main effects: "[12,16,23,3]") into buf; positions when t is NULL or k <= 9,
 * names joined by ':' otherwise. Returns the length it needs (as snprintf). */
DFG_API size_t dfg_model_format(const dfg_model *m, const dfg_table *t, char *buf, size_t size);

/* ** }====================================================================== */

/* ** {======================================================================
 * Fitting: Poisson log-linear models by IRLS/Newton
 * ======================================================================= */

typedef struct {
    double tol;    /* converged when |D_k - D_{k-1}| / (|D_k| + 0.1) < tol (R glm.fit's rule);
                      default 1e-10 */
    int max_iter;  /* iterations before DFG_ENOCONV, 1 .. DFG_MAX_ITER; default 100 */
    int max_halve; /* step halvings per iteration while the deviance rises or is not
                      finite; default 30 */
} dfg_glm_opts;

DFG_API dfg_glm_opts dfg_glm_opts_default(void);

/* Result of a log-linear fit on the 2^k - 1 observable cells of one stratum.
 * Conventions (Rcapture 1.4, Baillargeon & Rivest 2007):
 *   N = n + exp(beta_0), var(N) = m0 + m0^2 var(beta_0), m0 = exp(beta_0);
 *   deviance over the observable cells, zeros included; df = cells - rank;
 *   AIC = -2 sum log dpois(y, mu) + 2 rank; BIC = AIC + (log n - 2) rank with n = people
 *   observed; AICc = AIC + 2 rank (rank + 1) / (n - rank - 1). */
typedef struct {
    dfg_status status; /* DFG_OK, DFG_ENOCONV, DFG_ESING */
    size_t k;
    size_t p;        /* parameters: intercept + model terms */
    uint32_t *terms; /* p terms, terms[0] = 0 (intercept) */
    double *beta;    /* p coefficients */
    double *se;      /* p standard errors (from the inverse information) */
    double *fitted;  /* 2^k fitted cells by pattern; fitted[0] = m0 */
    size_t n_cells;  /* observable cells used (2^k - 1 minus cells fixed at 0) */
    size_t rank;
    double n_obs; /* people observed */
    double m0;    /* fitted unobserved cell = exp(beta_0): the dark figure */
    double nhat;  /* n_obs + m0 */
    double se_nhat;
    double var_beta0; /* var(beta_0) */
    double deviance, df, loglik, aic, aicc, bic;
    int iter;
    size_t n_boundary; /* terms fixed at minus infinity (lists that never overlap) */
    uint32_t *boundary;
} dfg_fit;

DFG_API void dfg_fit_free(dfg_fit *f);

/* Fit model m to stratum s of t. Terms listed in m whose lists never overlap in the data
 * are NOT fixed here; the existence checks (dfg_check_model) do that. Fills *fit (release
 * with dfg_fit_free) also when the status is DFG_ENOCONV or DFG_ESING.
 * Returns DFG_OK, DFG_EINVAL, DFG_ENOMEM, DFG_ENOCONV, DFG_ESING.
 * Ref: McCullagh & Nelder (1989) ch. 2 and 6; Fienberg (1972). */
DFG_API dfg_status dfg_loglin_fit(const dfg_table *t, size_t s, const dfg_model *m,
                                  const dfg_glm_opts *opts, dfg_fit *fit, dfg_error *err);

/* Fit model m to stratum s of t with the terms fixed[0..n_fixed-1] (each an interaction
 * term of m) set to minus infinity: each such term and every term containing it leave
 * the design, and every cell containing one leaves the likelihood and is fitted as 0
 * (MultipleSystemsEstimation's treatment of lists that never overlap; Chan, Silverman &
 * Vincent 2021). Those cells must hold no people (DFG_EINVAL otherwise). fit->boundary
 * lists the fixed terms; p, rank, n_cells, df, AIC and BIC count what remains
 * (MultipleSystemsEstimation's BIC adds n_boundary log n_obs). dfg_loglin_fit is this
 * with no fixed term. Returns as dfg_loglin_fit. */
DFG_API dfg_status dfg_loglin_fit_boundary(const dfg_table *t, size_t s, const dfg_model *m,
                                           const uint32_t *fixed, size_t n_fixed,
                                           const dfg_glm_opts *opts, dfg_fit *fit, dfg_error *err);

/* The s.e. of N as R's glm reports it, and so Rcapture and MultipleSystemsEstimation:
 * glm (mu started at y + 0.1) stops at the first iterate I whose relative deviance change
 * is below 1e-8 and evaluates vcov at the weights of iterate I - 1; N itself is taken at
 * iterate I. It differs from the converged dfg_fit.se_nhat by up to about 3e-5 relative
 * (oracle README). For comparison with those tools only; se_nhat is the MLE's.
 * Returns DFG_OK, DFG_EINVAL, DFG_ENOMEM, DFG_ENOCONV, DFG_ESING. */
DFG_API dfg_status dfg_loglin_se_glm(const dfg_table *t, size_t s, const dfg_model *m, double *se,
                                     dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Intervals
 * ======================================================================= */

typedef enum {
    DFG_CI_NONE = 0,
    DFG_CI_LOGNORMAL,  /* Chao (1987): n + m0 / C, n + m0 C */
    DFG_CI_PROFILE,    /* multinomial profile likelihood (Cormack 1992; Rcapture closedpCI) */
    DFG_CI_PERCENTILE, /* bootstrap percentile */
    DFG_CI_BCA,        /* bootstrap BCa (DiCiccio & Efron 1996) */
    DFG_CI_LOGNORMAL_INTERCEPT, /* n + exp(b0 -+ z se(b0)) (SparseMSE, MultipleSystemsEstimation) */
    DFG_CI_POSTERIOR            /* Bayesian equal-tailed posterior interval (dga) */
} dfg_ci_type;

typedef struct {
    dfg_ci_type type;
    double level; /* e.g. 0.95 */
    double lower, upper;
    double point;     /* the point estimate the interval belongs with (for the profile:
                         the multinomial MLE of N) */
    int lower_at_n;   /* the profile did not cross below: lower set to n */
    int upper_beyond; /* the profile did not cross within the search range: upper = NaN
                         and search_limit says how far it looked */
    double search_limit;
} dfg_interval;

DFG_API const char *dfg_ci_type_name(dfg_ci_type t);

/* Log-normal interval for N = n + m0 with var(m0) estimated by se^2 - m0 ... see Chao
 * (1987): C = exp(z sqrt(log(1 + var(N)/m0^2))). */
DFG_API dfg_status dfg_interval_lognormal(double n_obs, double nhat, double se_nhat, double level,
                                          dfg_interval *ci, dfg_error *err);

/* Log-normal quantiles of the dark figure exp(b0) from the intercept's s.e.:
 * [n + exp(b0 - z se_b0), n + exp(b0 + z se_b0)], point n + exp(b0). This is the interval
 * SparseMSE and MultipleSystemsEstimation print ("n + log-normal quantiles of
 * exp(intercept)"); dfg_interval_lognormal is Chao's (Rcapture's). DFG_EINVAL on a bad
 * level or a negative or non-finite se_b0. */
DFG_API dfg_status dfg_interval_lognormal_intercept(double n_obs, double beta0, double se_beta0,
                                                    double level, dfg_interval *ci, dfg_error *err);

/* Multinomial profile-likelihood interval of the log-linear model m on stratum s
 * (Cormack 1992), as Rcapture's closedpCI.t computes it. */
DFG_API dfg_status dfg_interval_profile(const dfg_table *t, size_t s, const dfg_model *m,
                                        const dfg_glm_opts *opts, double level, dfg_interval *ci,
                                        dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Existence and identifiability of a model's MLE on a table (models/check.c)
 * ======================================================================= */

typedef enum {
    DFG_CHECK_FINE = 0, /* the MLE exists and the model is identifiable */
    DFG_CHECK_BOUNDARY, /* exists once terms with no observed overlap are fixed at -inf */
    DFG_CHECK_NOMLE,    /* the (extended) MLE does not exist */
    DFG_CHECK_NOTIDENT  /* the parameters are not identifiable */
} dfg_check_status;

DFG_API const char *dfg_check_name(dfg_check_status c);

/* Result of dfg_check_model. code follows MultipleSystemsEstimation's check_extended_MLE
 * and SparseMSE's checkident: 0 fine, 1 the MLE does not exist, 2 not identifiable,
 * 3 both. boundary[0..n_boundary-1]: the model terms fixed at -inf (no one observed on
 * all their lists), in model order; release with dfg_check_result_free. */
typedef struct {
    dfg_check_status status;
    int code;
    size_t n_boundary;
    uint32_t *boundary;
} dfg_check_result;

/* Check model m on stratum s of t: every term with observed count 0 is fixed at -inf and
 * the cells containing it dropped; then existence of the MLE by the Fienberg-Rinaldo
 * linear program (GLPK; strictly positive table with the same margins) and identifiability
 * by the rank of the design on the cells kept. Fills *res (also status BOUNDARY when the
 * check passes with terms fixed). Returns DFG_OK, DFG_EINVAL, DFG_ENOMEM, DFG_EINTERNAL.
 * Ref: Fienberg & Rinaldo (2012) Ann. Statist. 40:996; Chan, Silverman & Vincent (2021). */
DFG_API dfg_status dfg_check_model(const dfg_table *t, size_t s, const dfg_model *m,
                                   dfg_check_result *res, dfg_error *err);
DFG_API void dfg_check_result_free(dfg_check_result *r);

/* Check model m (dfg_check_model), then fit it with the terms whose lists never overlap
 * fixed at -inf (models/est_loglin.c). *check gets the check's verdict. A model whose MLE
 * does not exist gives DFG_ENOMLE, one that is not identifiable DFG_ESING, each with a
 * message naming the model; *fit is then left empty. */
DFG_API dfg_status dfg_loglin_fit_checked(const dfg_table *t, size_t s, const dfg_model *m,
                                          const dfg_glm_opts *opts, dfg_fit *fit,
                                          dfg_check_status *check, dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Model search (models/search.c): stepwise, AIC-stepwise, exhaustive, downhill
 * ======================================================================= */

typedef enum {
    DFG_SEARCH_STEPWISE = 0, /* Chan, Silverman & Vincent (2021): Poisson p-values of pairs */
    DFG_SEARCH_AIC_STEPWISE, /* Bales, Hesketh & Silverman (2015): largest AIC gain */
    DFG_SEARCH_EXHAUSTIVE,   /* every hierarchical model up to max_order, ranked */
    DFG_SEARCH_DOWNHILL      /* greedy on the criterion (Silverman, Chan & Vincent 2024) */
} dfg_search_method;

typedef enum {
    DFG_CRIT_BIC = 0, /* p log n - 2 loglik */
    DFG_CRIT_AIC,     /* 2 p - 2 loglik */
    DFG_CRIT_AICC     /* AIC + 2 p (p + 1) / (n - p - 1) */
} dfg_criterion;

typedef struct {
    dfg_search_method method;
    dfg_criterion criterion; /* exhaustive and downhill; default BIC */
    int max_order;           /* highest interaction order; 0 = 2 for k = 3, 3 for k = 4-5, 2 for
                                k >= 6; at most k - 1 */
    double threshold;        /* p-value threshold in (0, 1); 0 = DFG_SEARCH_STEPWISE_THRESHOLD
                                or DFG_SEARCH_AIC_STEPWISE_THRESHOLD */
    size_t top;              /* rows kept in the table; default 20 */
    int average;             /* 1: model-averaged N (Buckland, Burnham & Augustin 1997) */
    int threads;             /* threads of the exhaustive search, 0 .. DFG_MAX_THREADS (0 or 1 =
                                none); results are the same digits on any number */
    size_t max_models;       /* the exhaustive search refuses larger spaces; default 2^22 */
    double level;            /* level of the log-normal intervals of the rows; default 0.95 */
    dfg_glm_opts glm;
    /* Progress of long searches (exhaustive, downhill): called from the calling thread only
     * (never from worker threads), at most about every 0.1 s of work, and once at the end
     * with done = total. done = models evaluated so far; total = models to evaluate (0 when
     * unknown in advance: downhill). NULL (default) = no calls. */
    void (*progress)(size_t done, size_t total, void *data);
    void *progress_data;
    /* 1: only the best model is wanted (rows[0], as the estimators and the bootstrap use
     * it). The exhaustive search then skips every model whose criterion provably exceeds
     * that of a model found first by a downhill search (criterion(p, saturated loglik) >
     * it): rows[0] is the same model with the same N, but n_models, n_admissible, the
     * weights, ranges and average cover only the models evaluated. Default 0. */
    int best_only;
} dfg_search_opts;

DFG_API dfg_search_opts dfg_search_opts_default(void);
DFG_API const char *dfg_search_method_name(dfg_search_method m);
DFG_API const char *dfg_criterion_name(dfg_criterion c);
/* "stepwise", "aic-stepwise", "exhaustive", "downhill"; "bic", "aic", "aicc".
 * DFG_EINVAL with a message naming the choices otherwise. */
DFG_API dfg_status dfg_search_method_parse(const char *s, dfg_search_method *m, dfg_error *err);
DFG_API dfg_status dfg_criterion_parse(const char *s, dfg_criterion *c, dfg_error *err);

/* One model of the table. Criteria follow MultipleSystemsEstimation 1.2.0: p counts the
 * intercept and every term, those fixed at -inf included; loglik = sum of log dpois(y, mu)
 * over the cells kept; n = people observed. */
typedef struct {
    dfg_model model;
    dfg_check_status status; /* FINE or BOUNDARY (inadmissible models are not rows) */
    size_t n_boundary;
    uint32_t *boundary; /* terms fixed at -inf */
    size_t p;
    double loglik, deviance, df;
    double criterion, delta; /* delta = criterion - the best one */
    double weight;           /* exp(-delta/2) / sum over admissible models visited */
    double nhat, se_nhat;    /* N = n + exp(beta_0), var = m0 + m0^2 var(beta_0) */
    double lower, upper;     /* log-normal interval (Chao 1987) at opts.level */
} dfg_search_row;

typedef struct {
    dfg_search_method method;
    dfg_criterion criterion; /* of the ranking (stepwise: BIC for the table) */
    int max_order;
    double threshold;
    double n_obs;
    size_t n_models;                      /* models fitted or checked */
    size_t n_admissible;                  /* of them, MLE exists and identifiable */
    size_t n_nomle, n_notident, n_failed; /* inadmissible (marked, skipped); fit failures */
    size_t n_rows;
    dfg_search_row *rows; /* rows[0] = the chosen model; then by criterion */
    size_t n_steps;       /* stepwise: terms added */
    double nhat_avg;      /* model-averaged N over admissible models (NaN unless asked) */
    /* range of N over admissible models with delta <= 2 (index 0) and <= 6 (index 1) */
    size_t n_within[2];
    double range_lo[2], range_hi[2];
    /* Models that converged but give no estimate (dfg_value_judge: s.e. or interval not
     * finite, N beyond bound): left out of the ranking, the weights, the average and the
     * ranges like inadmissible ones; reason_not_estimate says why for the first of them. */
    size_t n_not_estimate;
    char reason_not_estimate[160];
    /* dfg_em_search_run: the terms that make candidates unidentifiable under the missing
     * values (those candidates never fitted, counted in n_notident), ", "-separated and
     * sorted; "" otherwise */
    char skipped[512];
} dfg_search_result;

/* Run the search o->method on stratum s of t. Fills *r (release with
 * dfg_search_result_free). Returns DFG_OK, DFG_EINVAL (bad options: max order above k - 1,
 * threshold outside (0, 1), too many models), DFG_ENOMEM, DFG_EDATA (no admissible model),
 * DFG_EINTERNAL. */
DFG_API dfg_status dfg_search_run(const dfg_table *t, size_t s, const dfg_search_opts *o,
                                  dfg_search_result *r, dfg_error *err);
DFG_API void dfg_search_result_free(dfg_search_result *r);

/* Hierarchical models over k lists with every main effect and terms of order 2..max_order;
 * counting stops at cap + 1 (returns cap + 1 when there are more). */
DFG_API size_t dfg_search_count_models(size_t k, int max_order, size_t cap);

/* ** }====================================================================== */

/* ** {======================================================================
 * Estimators: one interface for every family (models/, listed in
 * core/estimators.c). The command line, the bootstrap and batch runs call them alike.
 * ======================================================================= */

typedef struct {
    const char *model;   /* log-linear model in bracket notation; NULL = the default */
    double level;        /* interval level, default 0.95 */
    int want_ci;         /* 0: point estimate only (bootstrap replicates) */
    dfg_ci_type ci_type; /* DFG_CI_NONE = the estimator's default */
    dfg_glm_opts glm;
    /* model search */
    const char *method;    /* "stepwise", "aic-stepwise", "exhaustive", "downhill" */
    const char *criterion; /* "bic", "aic", "aicc" */
    int max_order;         /* 0 = default for k */
    double threshold;      /* p-value threshold; 0 = the method's default */
    /* two-list estimators: lists a and b (0-based); b < 0 = the union of the others */
    int list_a, list_b;
    /* the length of the sampling estimators (lcmcr): chains, burn-in sweeps, draws kept
       per chain, sweeps per kept draw; 0 = the estimator's default. Shorter chains make
       check, the bootstrap and the accuracy runs affordable; the estimator still reports
       chains that have not converged as such. */
    size_t mcmc_chains, mcmc_burnin, mcmc_samples, mcmc_thin;
} dfg_est_opts;

DFG_API dfg_est_opts dfg_est_opts_default(void);

typedef struct {
    dfg_status status;      /* of the estimate itself (DFG_OK, DFG_ENOCONV, ...) */
    dfg_check_status check; /* existence / identifiability of the chosen model */
    double n_obs;           /* people observed */
    double nhat;            /* estimated total */
    double se;              /* its standard error (NaN if none) */
    double dark;            /* nhat - n_obs */
    dfg_interval ci;
    char model[256]; /* the model used or chosen, bracket notation */
    double deviance, df, aic, bic;
    char note[160]; /* a warning for the reader, "" if none */
    /* Is it an estimate (dfg_value_judge)? Set by every estimator; anything but
     * DFG_VALUE_OK is not summarised as a number, reason says why in one line. */
    dfg_value_status value;
    char reason[160];
} dfg_estimate;

typedef struct {
    const char *name;    /* "mt", "loglin", "stepwise", "chapman", ... */
    const char *summary; /* one line for --help */
    size_t min_lists;
    dfg_status (*estimate)(const dfg_table *t, size_t s, const dfg_est_opts *o, dfg_estimate *out,
                           dfg_error *err);
} dfg_estimator;

/* The estimators darkfig offers, in a fixed order: i = 0 .. dfg_estimator_count() - 1
 * (NULL beyond). */
DFG_API size_t dfg_estimator_count(void);
DFG_API const dfg_estimator *dfg_estimator_at(size_t i);
/* The estimator named `name`, or NULL. */
DFG_API const dfg_estimator *dfg_estimator_find(const char *name);

/* ** }====================================================================== */

/* ** {======================================================================
 * Bootstrap (core/boot.c): B replicates, each resampling one stratum and rerunning the
 * whole estimator, its model selection included.
 * Ref: Buckland & Garthwaite (1991) Biometrics 47:255 (parametric resampling with the
 * unobserved cell); DiCiccio & Efron (1996) Stat. Sci. 11:189 (BCa); Chan, Silverman &
 * Vincent (2021) JASA 116:1297 (the bootstrap that repeats the selection).
 * ======================================================================= */

typedef enum {
    DFG_BOOT_NONPARAMETRIC = 0, /* multinomial of size n over the observed cells */
    DFG_BOOT_PARAMETRIC         /* multinomial of size N-hat (randomised rounding) over
                                   all 2^k cells with the fitted probabilities; the
                                   unobserved cell is then dropped */
} dfg_boot_type;

/* Called from the calling thread while the replicates run: done of total work items
 * (dfg_boot_run: B replicates plus, for BCa, one jackknife fit per distinct observed
 * pattern; dfg_boot_replicates: its range; dfg_boot_finish: the jackknife fits). */
typedef void (*dfg_boot_progress_fn)(size_t done, size_t total, void *data);

typedef struct {
    size_t B;                      /* replicates, 1 .. DFG_MAX_REPLICATES (BCa needs >= 2);
                                      default 1000 */
    dfg_boot_type type;            /* default DFG_BOOT_NONPARAMETRIC */
    dfg_ci_type interval;          /* DFG_CI_BCA (default) or DFG_CI_PERCENTILE */
    double level;                  /* in (0, 1); default 0.95 */
    uint32_t seed;                 /* replicate b draws from stream (seed, b); default 1 */
    int threads;                   /* worker threads, 1 .. DFG_MAX_THREADS; default 1 */
    const double *fitted;          /* parametric only: the 2^k fitted cells of the point fit
                                      by pattern, fitted[0] = the unobserved cell (as
                                      dfg_fit.fitted); not copied */
    dfg_boot_progress_fn progress; /* may be NULL */
    void *progress_data;
    volatile sig_atomic_t *cancel; /* may be NULL; nonzero = stop: checked before each
                                      work item; only read by the library */
} dfg_boot_opts;

DFG_API dfg_boot_opts dfg_boot_opts_default(void);

/* Marks a replicate with no model (its estimator failed). */
#define DFG_BOOT_NO_MODEL ((size_t)-1)

typedef struct {
    dfg_boot_type type;
    uint32_t seed;
    size_t B;
    double nhat;             /* the estimator on the data */
    char model[256];         /* the model it chose on the data */
    dfg_interval ci;         /* the requested interval (point = nhat) */
    dfg_interval percentile; /* always computed */
    double z0, accel;        /* BCa bias correction and acceleration (NaN for percentile) */
    size_t n_jack;           /* jackknife fits (distinct observed patterns) */
    size_t n_jack_failed;    /* of them, left out of the acceleration */
    /* Summaries over the replicates that did not fail: */
    size_t n_ok;
    double mean, median, se; /* se: standard deviation of the N*_b (divisor n_ok - 1) */
    size_t n_failed;         /* estimator returned an error, a non-finite N or one above
                                DFG_NHAT_MAX_RATIO x n (left out) */
    size_t n_boundary;       /* of the others: chosen model not DFG_CHECK_FINE */
    double share_failed;     /* n_failed / B */
    double share_boundary;   /* n_boundary / B */
    /* Models chosen: models[i] (bracket notation) chosen model_count[i] times, most
     * frequent first, ties in order of first appearance. */
    size_t n_models;
    char **models;
    size_t *model_count;
    /* Replicate b: N*_b (NaN when it failed), its status and check, and its model
     * (index into models, DFG_BOOT_NO_MODEL when it failed). */
    double *nstar;
    dfg_status *rep_status;
    dfg_check_status *rep_check;
    size_t *rep_model;
} dfg_boot_result;

DFG_API void dfg_boot_result_free(dfg_boot_result *r);

/* Bootstrap estimator est on stratum s of t with estimator options eo (want_ci is
 * ignored: replicates compute point estimates only) and bootstrap options bo.
 * Replicate b uses stream (bo->seed, b) and the results are identical for any number
 * of threads. BCa: z0 = Phi^-1((#{N*_b < N-hat} + #{N*_b = N-hat} / 2) / n_ok) and
 * a = sum c_i (J - J_i)^3 / (6 (sum c_i (J - J_i)^2)^(3/2)) from the delete-one
 * jackknife, one fit per distinct observed pattern i with count c_i, J the c-weighted
 * mean; limits are quantiles (R type 7) of the N*_b at the adjusted levels.
 * Sets OpenBLAS to one thread (left so). Estimators must be reentrant. The same steps as
 * dfg_boot_replicates over [0, B) then dfg_boot_finish (the point estimate first).
 * Owns: fills *res (release with dfg_boot_result_free); on any failure *res is empty.
 * Returns DFG_OK, DFG_EINVAL, DFG_ENOMEM, DFG_ECANCEL, DFG_EDATA (every replicate
 * failed), DFG_EINTERNAL, or the estimator's status on the data. */
DFG_API dfg_status dfg_boot_run(const dfg_estimator *est, const dfg_table *t, size_t s,
                                const dfg_est_opts *eo, const dfg_boot_opts *bo,
                                dfg_boot_result *res, dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Provenance
 * ======================================================================= */

/* SHA-256 (FIPS 180-4) of a buffer or a file, as 64 lowercase hex digits + NUL. */
DFG_API void dfg_sha256_buffer(const void *buf, size_t len, char hex[65]);
DFG_API dfg_status dfg_sha256_file(const char *path, char hex[65], dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Simulation scenarios: populations with a known total (core/sim.c)
 * ======================================================================= */

/* A scenario: k lists, a total N and the 2^k cell probabilities of a finite mixture of
 * log-linear models (main effects or capture probabilities, interactions, lists that
 * never meet, latent classes); the file format is described in core/sim.c. Opaque. */
typedef struct dfg_scenario dfg_scenario;

/* Read a scenario file into *out (release with dfg_scenario_free). Errors: DFG_EIO,
 * DFG_EPARSE (err->where = "file:line:col"), DFG_EINVAL, DFG_ENOMEM. */
DFG_API dfg_status dfg_scenario_read(const char *path, dfg_scenario **out, dfg_error *err);
/* The same from a buffer; name is used in error places and as the default name. */
DFG_API dfg_status dfg_scenario_read_buffer(const char *name, const char *buf, size_t len,
                                            dfg_scenario **out, dfg_error *err);
DFG_API void dfg_scenario_free(dfg_scenario *sc);
DFG_API const char *dfg_scenario_name(const dfg_scenario *sc);
DFG_API size_t dfg_scenario_k(const dfg_scenario *sc);
DFG_API const char *dfg_scenario_list_name(const dfg_scenario *sc, size_t j);
/* The true total N. */
DFG_API double dfg_scenario_total(const dfg_scenario *sc);
/* The cell probabilities P(x), x = 0 .. 2^k - 1 (x = 0: never captured), into prob[2^k]. */
DFG_API dfg_status dfg_scenario_cell_probs(const dfg_scenario *sc, double *prob, dfg_error *err);
/* Draw a one-stratum table: counts ~ Multinomial(N; P) over the 2^k cells with the
 * generator of random stream (seed, replicate) (core/rng.c), cell 0 dropped. *out is
 * released with dfg_table_free. Same (seed, replicate) = same table on any thread. */
DFG_API dfg_status dfg_sim_table(const dfg_scenario *sc, uint32_t seed, uint64_t replicate,
                                 dfg_table **out, dfg_error *err);
/* Covariates of a scenario (`covariate` and `effect` directives, core/sim.c): their
 * names and levels in the order of the file; strata s = l_1 + L_1 (l_2 + ...). */
DFG_API size_t dfg_scenario_n_cov(const dfg_scenario *sc);
DFG_API const char *dfg_scenario_cov_name(const dfg_scenario *sc, size_t c);
DFG_API size_t dfg_scenario_n_levels(const dfg_scenario *sc, size_t c);
DFG_API const char *dfg_scenario_level_name(const dfg_scenario *sc, size_t c, size_t l);
DFG_API size_t dfg_scenario_n_strata(const dfg_scenario *sc);
/* Draw a table with covariates: N people over every (stratum, pattern) cell with the
 * scenario's probabilities, stream (seed, replicate); the table's strata carry the level
 * names. truth (may be NULL; n_strata entries) gets the people drawn in each stratum, the
 * never-captured ones included: the true subgroup sizes of this replicate. DFG_EINVAL
 * for a scenario without covariates. */
DFG_API dfg_status dfg_sim_ctable(const dfg_scenario *sc, uint32_t seed, uint64_t replicate,
                                  dfg_table **out, double *truth, dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Internal-consistency check: hold out one list at a time (models/holdout.c)
 * ======================================================================= */

/* One held-out list j (definition in models/holdout.c):
 *   n_j known size; m_j people on j and on another list; n_O people on the other lists;
 *   N_O the estimator's total from the (k-1)-list table of the other lists;
 *   estimate = m_j N_O / n_O. */
typedef struct {
    size_t list;         /* j, 0-based */
    dfg_status status;   /* of the estimator on the other lists (DFG_OK, ...) */
    double known;        /* n_j */
    double recaptured;   /* m_j */
    double n_others;     /* n_O */
    double nhat_others;  /* N_O */
    double estimate;     /* n_j-hat = m_j N_O / n_O (NaN when the estimator failed or m_j = 0) */
    double lower, upper; /* interval for n_j at opts->level (NaN when none) */
    double log_rel_bias; /* log(estimate / known) */
    int covers;          /* 1 when lower <= known <= upper, 0 when not, -1 without interval */
    char model[256];     /* the model the estimator used on the other lists */
} dfg_holdout_row;

/* Hold out each list of stratum s of t in turn (k >= 3): rows[j] for j = 0 .. k-1 (rows
 * must hold k). est is any estimator with min_lists <= k - 1; opts as for est (a model
 * in opts refers to the k-1 remaining lists; NULL = defaults). A failure of the
 * estimator on one list is recorded in rows[j].status, not returned. Returns DFG_OK,
 * DFG_EINVAL, DFG_ENOMEM. */
DFG_API dfg_status dfg_holdout_run(const dfg_table *t, size_t s, const dfg_estimator *est,
                                   const dfg_est_opts *opts, dfg_holdout_row *rows, dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Closed-population models (models/closed.c): Rcapture's closedp table
 * ======================================================================= */

/* The models of Rcapture's closedp.t, as Poisson log-linear models on the 2^t - 1
 * observable capture histories of t occasions (the lists of a table); f = number of
 * captures of a history, x_j = 1 when caught on occasion j, j1 = first capture occasion:
 *   M0: 1, f                      Mt: 1, x_1 .. x_t
 *   Mh <h>: 1, f, h(f)            Mth <h>: 1, x_1 .. x_t, h(f)
 *   h = Chao (LB): (f - k + 1)_+, k = 3..t, negative eta dropped and the model refitted;
 *       Poisson2: 2^f - 1; Darroch: f^2 / 2; Gamma3.5: -log(3.5 + f) + log 3.5
 *   Mb: 1, f, j1 - 1   Mbh: 1, f, j1 - 1, [j1 = 1]  (removal models)
 * N = n + exp(beta_0) (Mb, Mbh: the removal estimates, which can fall below n).
 * Ref: Rivest & Baillargeon (2007) Biometrics 63:999; Baillargeon & Rivest (2007) J. Stat.
 * Softw. 19(5); Otis, Burnham, White & Anderson (1978) Wildlife Monographs 62. */
typedef enum {
    DFG_CLOSED_M0 = 0,
    DFG_CLOSED_MT,
    DFG_CLOSED_MH_CHAO,
    DFG_CLOSED_MH_POISSON2,
    DFG_CLOSED_MH_DARROCH,
    DFG_CLOSED_MH_GAMMA,
    DFG_CLOSED_MTH_CHAO,
    DFG_CLOSED_MTH_POISSON2,
    DFG_CLOSED_MTH_DARROCH,
    DFG_CLOSED_MTH_GAMMA,
    DFG_CLOSED_MB,
    DFG_CLOSED_MBH,
    DFG_CLOSED_N_MODELS
} dfg_closed_model;

/* Flags of a closed-model row (several may be set). */
#define DFG_CLOSED_NOCONV 0x01u      /* the fit did not converge */
#define DFG_CLOSED_BIAS 0x02u        /* the asymptotic bias of N is above 10% of N */
#define DFG_CLOSED_RANK 0x04u        /* design not of full rank */
#define DFG_CLOSED_MU_ZERO 0x08u     /* fitted rates numerically 0 (boundary) */
#define DFG_CLOSED_ETA_DROPPED 0x10u /* Chao: negative eta parameters set to 0 */
#define DFG_CLOSED_BELOW_N 0x20u     /* N < n (Mb, Mbh) */
#define DFG_CLOSED_NOT_FITTED 0x40u  /* too few occasions or too sparse: no estimate */

typedef struct {
    dfg_closed_model model;
    const char *name;  /* Rcapture's row name, "Mh Chao (LB)" (static) */
    const char *id;    /* the estimator name, "Mh-chao" (static) */
    dfg_status status; /* DFG_OK, DFG_ENOCONV, DFG_ESING, DFG_EDATA (not fitted) */
    unsigned flags;    /* DFG_CLOSED_* */
    int info_fit;      /* Rcapture's infoFit: 0 fine; digits 1 (no convergence or large
                          bias), 2 (rank), 3 (fitted rates 0), e.g. 13 */
    double nhat, se, deviance, df, aic, bic;
    double bias;  /* asymptotic bias of N (Cordeiro & McCullagh 1991); NaN for Mb, Mbh */
    size_t n_par; /* parameters fitted (the rank) */
    size_t n_eta_dropped;
    int iter;
    dfg_interval ci; /* type DFG_CI_NONE unless asked for */
    char note[160];
    dfg_value_status value; /* dfg_value_judge of N, s.e. and interval (the boundary flags
                               MU_ZERO and RANK count as at the boundary); only rows with
                               DFG_VALUE_OK compete for best AIC / BIC */
    char reason[160];       /* one line, "" when fine */
    double se_rcapture;     /* the s.e. as Rcapture 1.4 prints it: equal to se but for Mbh,
                               where Rcapture's formula is not the delta method's (see
                               models/closed.c); for comparison with Rcapture only */
} dfg_closed_row;

typedef struct {
    dfg_glm_opts glm;
    dfg_ci_type ci_type; /* DFG_CI_NONE (default), DFG_CI_PROFILE or DFG_CI_LOGNORMAL; Mb and
                            Mbh get the log-normal interval when the profile is asked for */
    double level;        /* default 0.95 */
} dfg_closed_opts;

DFG_API dfg_closed_opts dfg_closed_opts_default(void);
/* Rcapture's row name and our estimator name of a model; "?" when out of range. */
DFG_API const char *dfg_closed_model_name(dfg_closed_model m);
DFG_API const char *dfg_closed_model_id(dfg_closed_model m);
/* The model whose id (or Rcapture name) is `name`; DFG_EINVAL when none. */
DFG_API dfg_status dfg_closed_model_find(const char *name, dfg_closed_model *m, dfg_error *err);

/* Fit model m to stratum s of t (2 <= lists <= DFG_CLOSED_MAX_T). Fills *row always; a model
 * that needs more occasions (Mh, Mth, Mbh: t >= 3) or data that cannot carry it (Chao
 * with f2 = 0) gets status DFG_EDATA and flag NOT_FITTED. Returns row->status, or
 * DFG_EINVAL / DFG_ENOMEM. opts NULL = defaults. */
#define DFG_CLOSED_MAX_T 16
DFG_API dfg_status dfg_closed_fit(const dfg_table *t, size_t s, dfg_closed_model m,
                                  const dfg_closed_opts *opts, dfg_closed_row *row, dfg_error *err);

/* The comparison table (Rcapture closedp.t): one row per model, in enum order; rows the
 * data cannot carry are kept with status DFG_EDATA. From DFG_CLOSED_MAX_T + 1 to
 * DFG_MAX_LISTS occasions only M0 and the Mh models are fitted, on the capture frequencies
 * (Rcapture's closedp.0; log-normal intervals); Mt, Mth, Mb and Mbh are rows with status
 * DFG_EDATA, flag NOT_FITTED and a note saying why. best_aic / best_bic: the converged row
 * (status DFG_OK, N >= n) with the smallest AIC / BIC, -1 when none. Returns DFG_OK,
 * DFG_EINVAL or DFG_ENOMEM (numerical trouble stays in the rows). */
typedef struct {
    size_t t;
    double n_obs;
    size_t n_rows;
    dfg_closed_row rows[DFG_CLOSED_N_MODELS];
    int best_aic, best_bic;
} dfg_closed_table;

DFG_API dfg_status dfg_closed_table_fit(const dfg_table *t, size_t s, const dfg_closed_opts *opts,
                                        dfg_closed_table *out, dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Frequencies of captures (models/freq.c): how many units were caught f times
 * ======================================================================= */

/* f[1..max_f]: units caught exactly i times (f[0] unused, 0); t: the occasions (0 =
 * unknown); n = sum f. Release with dfg_freq_free. */
typedef struct {
    size_t t;
    size_t max_f;
    double *f;
    double n;
} dfg_freq;

DFG_API void dfg_freq_free(dfg_freq *fr);
/* Read an `nbcap,count` CSV (header required; nbcap a whole number >= 1, count a whole
 * number >= 0; rows in any order; missing nbcap values are 0) by the table reader's CSV
 * rules (dfg_table_read_csv: byte-order mark, quotes, line ends, blank lines). Duplicate
 * nbcap, nbcap 0, a non-integer or negative value, a missing or extra field, bad quotes:
 * DFG_EPARSE with err->where = "file:line:field". No unit at all: DFG_EDATA. t is set to
 * 0 (unknown). */
DFG_API dfg_status dfg_freq_read_csv(const char *path, dfg_freq *out, dfg_error *err);
DFG_API dfg_status dfg_freq_read_buffer(const char *name, const char *buf, size_t len,
                                        dfg_freq *out, dfg_error *err);
/* 1 when the first row of the CSV file at path, read as dfg_freq_read_csv reads it (a
 * byte-order mark, quotes and spaces allowed), is the header nbcap,count; else 0 (also
 * when the file cannot be read). Reads at most the first 64 KiB. For a program that
 * routes a file to the frequency or the table reader. */
DFG_API int dfg_freq_csv_has_header(const char *path);
/* The frequencies of stratum s of a capture table (t = its lists). */
DFG_API dfg_status dfg_freq_from_table(const dfg_table *t, size_t s, dfg_freq *out, dfg_error *err);

typedef enum {
    DFG_FREQ_CHAO_LB = 0, /* n + f1^2 / (2 f2) (Chao 1984, 1987) */
    DFG_FREQ_CHAO_BC,     /* Rcapture closedp.bc Mh Chao: n + (t-1)/t f1 (f1 - 1) / (2 (f2 + 1)) */
    DFG_FREQ_ZELTERMAN,   /* n / (1 - exp(-2 f2 / f1)) (Zelterman 1988) */
    DFG_FREQ_M0,          /* Rcapture closedp.0 M0: log-linear on f_1..f_t, offset log C(t, f) */
    DFG_FREQ_MH_CHAO,     /* closedp.0 Mh Chao (LB) */
    DFG_FREQ_MH_POISSON2,
    DFG_FREQ_MH_DARROCH,
    DFG_FREQ_MH_GAMMA,
    DFG_FREQ_N_METHODS
} dfg_freq_method;

typedef struct {
    dfg_freq_method method;
    const char *name;  /* static */
    dfg_status status; /* DFG_OK, DFG_EDATA (e.g. f2 = 0), DFG_ENOCONV, DFG_ESING, DFG_ENOMLE
                          (the estimate is infinite or not a number: it does not exist) */
    unsigned flags;    /* DFG_CLOSED_* for the log-linear methods */
    double nhat, se;   /* se NaN when the method has none */
    double deviance, df, aic, bic; /* log-linear methods only (NaN otherwise) */
    char note[160];
} dfg_freq_result;

DFG_API const char *dfg_freq_method_name(dfg_freq_method m);
/* Estimate N from the frequencies. The log-linear methods and CHAO_BC need fr->t >= 2
 * (t >= 3 for the Mh models) and t >= max_f (DFG_EINVAL otherwise); opts NULL = default
 * GLM options. Returns res->status or DFG_EINVAL / DFG_ENOMEM.
 * Ref: Chao (1987) Biometrics 43:783; Zelterman (1988) J. Stat. Plan. Inf. 18:225;
 * Rivest & Baillargeon (2007); Baillargeon & Rivest (2007) J. Stat. Softw. 19(5). */
DFG_API dfg_status dfg_freq_estimate(const dfg_freq *fr, dfg_freq_method m,
                                     const dfg_glm_opts *opts, dfg_freq_result *res,
                                     dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Option checks: the validation each run function does first, for programs that check
 * options before reading data (as liblinear's check_parameter).
 * ======================================================================= */

/* tol > 0 and finite, max_iter in 1 .. DFG_MAX_ITER, max_halve >= 0. o NULL: DFG_EINVAL.
 * Returns DFG_OK or DFG_EINVAL (err names the option and its value). */
DFG_API dfg_status dfg_glm_opts_check(const dfg_glm_opts *o, dfg_error *err);
/* The options of a search over k lists (k >= 3): a known method and criterion, max_order
 * 0 or 1 .. k - 1, a threshold 0 or in (0, 1), level in (0, 1), threads 0 ..
 * DFG_MAX_THREADS, glm as dfg_glm_opts_check. Returns DFG_OK or DFG_EINVAL. */
DFG_API dfg_status dfg_search_opts_check(const dfg_search_opts *o, size_t k, dfg_error *err);
/* The options of a bootstrap of a table of k lists: B in 1 .. DFG_MAX_REPLICATES (>= 2
 * for BCa), a known type and interval, level in (0, 1), threads 1 .. DFG_MAX_THREADS;
 * parametric: fitted given and k <= DFG_MAX_FIT_LISTS. Returns DFG_OK or DFG_EINVAL. */
DFG_API dfg_status dfg_boot_opts_check(const dfg_boot_opts *bo, size_t k, dfg_error *err);
/* ** }====================================================================== */

/* ** {======================================================================
 * Covariates: the full table over lists and categorical covariates, models over both,
 * totals per covariate level (core/design.c, models/covariates.c)
 * ======================================================================= */

/* The full table: k lists x every combination of the levels of the covariates (each
 * combination a stratum, also one nobody is in); cell = pattern + 2^k (l_1 + L_1 (l_2 +
 * ...)), l_c the level index of covariate c (levels sorted with strcmp; level 0 is the
 * reference). Pattern 0 of every stratum is unobserved. Opaque. */
typedef struct dfg_ctable dfg_ctable;

/* Build the full table of a dfg_table whose non-list columns are covariates. max_cells
 * > 0 refuses tables with more cells (DFG_EDATA naming the count and the limit). A
 * covariate with fewer than two levels, or a missing value ("" or "NA") gives DFG_EDATA
 * naming the covariate. A table without covariates gives one stratum. Owns: *out,
 * release with dfg_ctable_free. Returns DFG_OK, DFG_EINVAL, DFG_EDATA, DFG_ENOMEM. */
DFG_API dfg_status dfg_ctable_new(const dfg_table *t, size_t max_cells, dfg_ctable **out,
                                  dfg_error *err);
DFG_API void dfg_ctable_free(dfg_ctable *ct);
DFG_API dfg_status dfg_ctable_copy(const dfg_ctable *src, dfg_ctable **out, dfg_error *err);
DFG_API size_t dfg_ctable_k(const dfg_ctable *ct);
DFG_API size_t dfg_ctable_n_cov(const dfg_ctable *ct);
DFG_API const char *dfg_ctable_list_name(const dfg_ctable *ct, size_t j);
DFG_API const char *dfg_ctable_cov_name(const dfg_ctable *ct, size_t c);
DFG_API size_t dfg_ctable_n_levels(const dfg_ctable *ct, size_t c);
DFG_API const char *dfg_ctable_level_name(const dfg_ctable *ct, size_t c, size_t l);
DFG_API size_t dfg_ctable_n_strata(const dfg_ctable *ct);
DFG_API size_t dfg_ctable_n_cells(const dfg_ctable *ct);
/* The counts of every cell (n_cells; 0 at the unobserved cells). */
DFG_API const double *dfg_ctable_counts(const dfg_ctable *ct);
DFG_API double dfg_ctable_n_obs(const dfg_ctable *ct);
DFG_API double dfg_ctable_stratum_n_obs(const dfg_ctable *ct, size_t s);
/* The level index of covariate c in stratum s (s = cell >> k). */
DFG_API size_t dfg_ctable_level_of(const dfg_ctable *ct, size_t s, size_t c);
/* Replace the counts (n_cells; unobserved cells ignored) - for resampling. */
DFG_API dfg_status dfg_ctable_set_counts(dfg_ctable *ct, const double *y, dfg_error *err);

/* A hierarchical model over lists and covariates: terms are bitmasks over the variables
 * (list j = bit j, covariate c = bit k + c), closed under subsets, every main effect of
 * every list and covariate present, sorted by order then value; the intercept implicit.
 * No term holds all k lists. Release with dfg_cmodel_free. */
typedef struct {
    size_t n_terms;
    uint64_t *terms;
} dfg_cmodel;

/* Parse bracket notation by name: "[P:K,P:age,K:age,age:sex]", "[P:K:age]"; terms
 * separated by ',', variables by ':'. Shorthands: '*' stands for each list in turn
 * ("[*:age]" = "[P:age,K:age,...]"), '@' for all covariates together ("[@]" = the full
 * crossing of the covariates, "[*:@]" each list with all covariates crossed). "", "[]"
 * and "independence" give the main effects. A term with all k lists is refused.
 * Returns DFG_OK, DFG_EPARSE (err->where = "model:col"), DFG_EINVAL, DFG_ENOMEM. */
DFG_API dfg_status dfg_cmodel_parse(const char *spec, const dfg_ctable *ct, dfg_cmodel *m,
                                    dfg_error *err);
DFG_API dfg_status dfg_cmodel_from_terms(const dfg_ctable *ct, const uint64_t *terms, size_t n,
                                         dfg_cmodel *m, dfg_error *err);
DFG_API dfg_status dfg_cmodel_main(const dfg_ctable *ct, dfg_cmodel *m, dfg_error *err);
DFG_API dfg_status dfg_cmodel_copy(const dfg_cmodel *src, dfg_cmodel *dst, dfg_error *err);
DFG_API void dfg_cmodel_free(dfg_cmodel *m);
DFG_API int dfg_cmodel_has(const dfg_cmodel *m, uint64_t term);
/* Bracket notation of the maximal terms ("[P:K,K:age,I,sex]"); returns the length needed. */
DFG_API size_t dfg_cmodel_format(const dfg_cmodel *m, const dfg_ctable *ct, char *buf, size_t size);
/* One term's name ("P:age"); returns the length needed. */
DFG_API size_t dfg_cmodel_term_name(const dfg_ctable *ct, uint64_t term, char *buf, size_t size);
/* Parameters of the model (intercept included): 1 + sum over terms of prod (L_c - 1). */
DFG_API size_t dfg_cmodel_n_params(const dfg_cmodel *m, const dfg_ctable *ct);

/* A fit over the full table (R: glm(Freq ~ ..., poisson) on every cell but the
 * unobserved ones, covariates as factors). p parameters; spec[j] the cell-layout index of
 * parameter j's level specification, term_of[j] its term (SIZE_MAX for the intercept);
 * fitted = mu of every cell, the unobserved ones included. N = n + sum of the fitted
 * unobserved cells, var(N) = sum of them + g'Vg (delta method, g = d(sum m0)/d beta, V
 * the inverse information). deviance and loglik over the observable cells, zeros
 * included; df = observable cells - p; AIC = -2 loglik + 2p, BIC = -2 loglik + p log n,
 * AICc = AIC + 2p(p+1)/(n-p-1), n = people observed. check: existence of the MLE
 * (dfg_cfit_check). */
typedef struct {
    dfg_status status; /* DFG_OK, DFG_ENOCONV, DFG_ESING */
    dfg_check_status check;
    size_t p, n_cells, rank;
    size_t *spec, *term_of;
    double *beta, *cov, *fitted;
    double n_obs, m0, nhat, se_nhat;
    double deviance, df, loglik, aic, aicc, bic;
    int iter;
    int interior; /* the IRLS settled: last Newton step below 1e-3 or every fitted cell
                     above 1e-5 (then the MLE exists without a linear program) */
    char note[160];
} dfg_cfit;

DFG_API void dfg_cfit_free(dfg_cfit *f);
/* Fit model m (no existence check; see dfg_cfit_checked). Fills *fit (release with
 * dfg_cfit_free) also on DFG_ENOCONV and DFG_ESING; se_nhat is filled.
 * Returns DFG_OK, DFG_EINVAL, DFG_ENOMEM, DFG_ENOCONV, DFG_ESING. */
DFG_API dfg_status dfg_cfit_model(const dfg_ctable *ct, const dfg_cmodel *m,
                                  const dfg_glm_opts *opts, dfg_cfit *fit, dfg_error *err);

/* Existence of the MLE of m on the full table: a parameter whose observed margin is 0 is
 * at the boundary; then the Fienberg-Rinaldo linear program on every observable cell
 * (a strictly positive table with the same margins X'y). The design of any hierarchical
 * model without the all-lists term is of full rank on the observable cells (a Kronecker
 * product of full-rank factors), so identifiability holds by construction and the rank
 * is confirmed by the Cholesky factor of the fit. *status: DFG_CHECK_FINE or
 * DFG_CHECK_NOMLE. Returns DFG_OK, DFG_EINVAL, DFG_ENOMEM, DFG_EINTERNAL. */
DFG_API dfg_status dfg_cfit_check(const dfg_ctable *ct, const dfg_cmodel *m,
                                  dfg_check_status *status, dfg_error *err);
/* Check, then fit: a model whose MLE does not exist gives DFG_ENOMLE (fit->check says
 * so; the numbers of *fit are those of the last iterate and must not be reported). */
DFG_API dfg_status dfg_cfit_checked(const dfg_ctable *ct, const dfg_cmodel *m,
                                    const dfg_glm_opts *opts, dfg_cfit *fit, dfg_error *err);

/* The total of a group of strata: n observed, N = n + fitted unobserved, dark = N - n,
 * ratio = N / n, s.e. by the delta method with the full covariance, log-normal interval
 * (Chao 1987) and, when asked, the profile-likelihood interval of the group's total. */
typedef struct {
    char label[192]; /* "age=minor", "age=minor,sex=f", or "total" */
    double n_obs, nhat, dark, ratio, se;
    dfg_interval lognormal;
    dfg_interval profile; /* type DFG_CI_NONE unless asked */
} dfg_level_total;

/* Totals per level of each covariate in by[0..n_by-1] crossed (n_by = 0: one block of
 * rows per covariate, each covariate on its own). level: interval level; profile = 1
 * adds the profile interval (dfg_cfit_profile_group) of every row. Owns: *rows (release
 * with dfg_free_level_totals). Returns DFG_OK, DFG_EINVAL, DFG_ENOMEM, or the first
 * profile failure (rows are then filled, the profile of that row left NaN). */
DFG_API dfg_status dfg_cfit_level_totals(const dfg_ctable *ct, const dfg_cmodel *m,
                                         const dfg_cfit *fit, const size_t *by, size_t n_by,
                                         double level, int profile, const dfg_glm_opts *opts,
                                         dfg_level_total **rows, size_t *n_rows, dfg_error *err);
DFG_API void dfg_free_level_totals(dfg_level_total *rows);

/* The profile-likelihood interval of the total of the strata with in_group[s] != 0:
 * for a given sum M of the group's unobserved cells, the log-likelihood of the
 * observable cells and of "the group's unobserved cells sum to M" (one Poisson datum of
 * mean sum_{group} m0) is maximised over the parameters (EM: the group's unobserved
 * cells filled with M m0_s / sum m0, accelerated by SQUAREM, Varadhan & Roland 2008, each
 * M started from the maximiser at the M before); then
 *   log L(M) = -S(M) + log (n + M)! - log M! + M log M - (n + M) log (n + M),
 * S = sum y log(y / mu) - (y - mu) over the cells in the likelihood, n = all people
 * observed: the multinomial form of core/interval.c (Cormack 1992), with its Stirling
 * switch at n + M > 100. With one stratum (or every stratum) this is
 * dfg_interval_profile. The interval is for n_group + M. */
DFG_API dfg_status dfg_cfit_profile_group(const dfg_ctable *ct, const dfg_cmodel *m,
                                          const dfg_cfit *fit, const unsigned char *in_group,
                                          const dfg_glm_opts *opts, double level, dfg_interval *ci,
                                          dfg_error *err);

/* Stepwise search over lists and covariates with the semantics of Cruyff's mse::model_search
 * (R's step(), models/cov_search.c): from the main effects (and the fixed terms), add or
 * drop the single two-way term that lowers -2 log L + pen p most (scope: every two-way
 * term among lists and covariates; fixed terms and their subsets are never dropped); pen =
 * log n until no move helps, then 2, then 1 (phases = 1, 2 or 3 of them). */
typedef struct {
    dfg_glm_opts glm;
    int phases;            /* 1..3; default 3 */
    int max_steps;         /* default 500 */
    int threads;           /* candidate fits in parallel; same path on any number; default 1 */
    const uint64_t *fixed; /* terms kept in every model (not copied); may be NULL */
    size_t n_fixed;
    int lists_only; /* 1: the scope is the two-way terms among lists only (list-pair
                       selection with the covariate terms of `fixed` held fixed) */
    volatile sig_atomic_t *cancel;
} dfg_cstep_opts;

DFG_API dfg_cstep_opts dfg_cstep_opts_default(void);

/* One step of the path: the model after `change` (+1 add, -1 drop, 0 the start) of
 * `term`, in phase 0 (BIC), 1 (AIC) or 2 (penalty 1). nhat is NaN when check is
 * DFG_CHECK_NOMLE (nhat_raw is then the drifting value R prints, never an estimate);
 * d_* are the criteria minus their minimum over the path. */
typedef struct {
    int step, phase, change;
    char term[128];
    size_t p;
    double loglik, aic, aicc, bic;
    double d_aic, d_aicc, d_bic;
    double nhat, nhat_raw;
    dfg_check_status check;
} dfg_cstep_row;

typedef struct {
    size_t n_steps, cap;
    dfg_cstep_row *steps;
    dfg_cmodel final;  /* the model where the last phase stopped */
    char skipped[512]; /* terms a candidate would have added that cannot be estimated
                          with the missing values (dfg_em_step_run), ", "-separated;
                          never fitted nor compared; "" otherwise */
} dfg_cstep_result;

/* Run the search. Owns: *r (release with dfg_cstep_result_free). Returns DFG_OK,
 * DFG_EINVAL, DFG_ENOMEM, DFG_ECANCEL, or a fit failure. */
DFG_API dfg_status dfg_cstep_run(const dfg_ctable *ct, const dfg_cstep_opts *opts,
                                 dfg_cstep_result *r, dfg_error *err);
DFG_API void dfg_cstep_result_free(dfg_cstep_result *r);

/* Bootstrap of the total and the level totals of a fitted model (models/cov_boot.c):
 * parametric (multinomial of size N-hat over every cell, unobserved ones included, model
 * fixed: mse::boot_mse) or nonparametric (multinomial of size n over the observed cells;
 * select = 1 repeats the selection in every replicate and in every jackknife fit: the
 * stepwise search of dfg_cstep_run with select_phases phases, or with search set the list
 * search of dfg_search_run_cov with search_fixed held fixed; the chosen model is then
 * fitted by dfg_cfit_checked, as on the data). Percentile and BCa (jackknife over the
 * people) intervals. Replicate b draws from stream (seed, b), the same draws with or
 * without select: the same digits on any number of threads. */
typedef struct {
    size_t B;           /* default 1000 */
    dfg_boot_type type; /* default DFG_BOOT_PARAMETRIC */
    double level;       /* default 0.95 */
    uint32_t seed;      /* default 1 */
    int threads;        /* default 1 */
    int bca;            /* 1 (default): BCa too (one jackknife fit per nonempty cell) */
    int select;         /* nonparametric: 1 = rerun the stepwise search per replicate */
    int select_phases;  /* phases of that search (0 = 1: BIC only) */
    /* select with a list search (not copied; NULL: the stepwise search): its method,
     * criterion, max_order, threshold and glm (threads 1, best_only, no progress in the
     * replicates), the terms of search_fixed (may be NULL) in every model */
    const dfg_search_opts *search;
    const dfg_cmodel *search_fixed;
    dfg_glm_opts glm;
    volatile sig_atomic_t *cancel; /* may be NULL; nonzero = stop: checked before each work
                                      item (then DFG_ECANCEL); only read by the library */
    /* may be NULL: called from the calling thread as its work items end, done of total
     * (dfg_cboot_run: B replicates, then the jackknife fits; dfg_cboot_replicates: its
     * range; dfg_cboot_finish: the jackknife fits) */
    dfg_boot_progress_fn progress;
    void *progress_data;
    /* 0, or two distinct level rows (1-based, as rows[1..] of the result) whose change is
     * bootstrapped too: N_to - N_from and N_to / N_from in every replicate and jackknife
     * value, percentile and BCa as the other rows (result.change) */
    size_t change_from, change_to;
} dfg_cboot_opts;

DFG_API dfg_cboot_opts dfg_cboot_opts_default(void);

typedef struct {
    char label[192]; /* "total", "age=minor", ... */
    double point;    /* the estimate on the data */
    size_t n_ok;     /* replicates with a finite N* */
    double se;       /* s.d. of the N* */
    double perc_lo, perc_hi, bca_lo, bca_hi;
    double z0, accel;
} dfg_cboot_row;

typedef struct {
    dfg_boot_type type;
    uint32_t seed;
    size_t B;
    size_t n_rows;
    dfg_cboot_row *rows;     /* rows[0] = the total, then as dfg_cfit_level_totals */
    size_t n_failed;         /* replicates without a finite total */
    size_t n_boundary;       /* replicates whose refit did not settle in the interior */
    double *nstar;           /* B x n_rows, replicate-major */
    int has_change;          /* opts.change_from given: */
    dfg_cboot_row change[2]; /* [0] N_to - N_from, [1] N_to / N_from */
    /* select: the models the replicates chose, models[i] (the full model in bracket
     * notation, or with opts.search its list terms as dfg_model_format writes them without
     * a table) chosen model_count[i] times, most frequent first, ties in order of first
     * appearance; rep_model[b] its index (DFG_BOOT_NO_MODEL: replicate b failed);
     * chosen_count: the replicates that chose model m itself. Empty without select, and
     * from dfg_cboot_finish (whose replicates carry N* only). */
    size_t n_models;
    char **models;
    size_t *model_count;
    size_t *rep_model;
    size_t chosen_count;
} dfg_cboot_result;

/* Bootstrap model m with its fit (dfg_cfit_checked; not DFG_CHECK_NOMLE) on ct; level
 * rows as dfg_cfit_level_totals with by/n_by. Owns: *res (dfg_cboot_result_free).
 * Returns DFG_OK, DFG_EINVAL, DFG_ENOMLE, DFG_ENOMEM, DFG_ECANCEL. */
DFG_API dfg_status dfg_cboot_run(const dfg_ctable *ct, const dfg_cmodel *m, const dfg_cfit *fit,
                                 const size_t *by, size_t n_by, const dfg_cboot_opts *opts,
                                 dfg_cboot_result *res, dfg_error *err);
DFG_API void dfg_cboot_result_free(dfg_cboot_result *r);

/* Stratified beside pooled: model m (parsed on ct) fitted separately in each level of
 * covariate c (terms with c lose it: a separate fit per level already lets every
 * parameter vary with c), each level's N, s.e. and log-normal interval, and their sum
 * (s.e. from the summed variances: the fits are independent). */
typedef struct {
    char level[64];
    dfg_status status;
    dfg_check_status check;
    double n_obs, nhat, se;
    dfg_interval lognormal;
    char model[256];
    char note[160];
} dfg_strat_row;

typedef struct {
    size_t cov;
    size_t n_rows;
    dfg_strat_row *rows;
    int all_ok;             /* every level has an estimate */
    double n_obs, nhat, se; /* the sum (NaN unless all_ok) */
    dfg_interval lognormal;
} dfg_strat_result;

DFG_API dfg_status dfg_cfit_stratified(const dfg_ctable *ct, const dfg_cmodel *m, size_t c,
                                       const dfg_glm_opts *opts, double level, dfg_strat_result *r,
                                       dfg_error *err);
DFG_API void dfg_strat_result_free(dfg_strat_result *r);
/* The CSV reader's bounds on memory (core/csv.c): a physical line longer than
 * DFG_CSV_MAX_LINE bytes (its line end excluded; /dev/zero is one endless line) and a
 * quoted field, which may span lines, longer than DFG_CSV_MAX_FIELD bytes give DFG_EPARSE
 * at "file:line:field" where the limit is crossed, before more is buffered. */
/* Interval levels the library takes: DFG_LEVEL_MIN <= level <= DFG_LEVEL_MAX. Below 0.5 an
 * "interval" is narrower than the central half of the distribution; above 0.9999 the
 * limits sit where the normal and profile approximations are meaningless. Every function
 * with a level (intervals, bootstrap, search, closed, holdout, the estimators) refuses
 * others with DFG_EINVAL, where "level". */
#define DFG_LEVEL_MIN 0.5
#define DFG_LEVEL_MAX 0.9999
DFG_API dfg_status dfg_level_check(double level, dfg_error *err);

/* Is a number an estimate? dfg_value_status (defined with the errors above) and: */
/* Largest N, as a multiple of the people observed n, taken as an estimate. Registrations
 * of hidden populations see from a few per cent to most of them (the Dutch estimate: 5,000
 * a year against 791 to 1,372 registered); an N a thousand times n is a fit that ran off. */
#define DFG_NHAT_MAX_RATIO 1000.0

/* "fine", "not a number", "infinite", "beyond bound", "below n", "at the boundary",
 * "no s.e.", "no interval". */
DFG_API const char *dfg_value_name(dfg_value_status v);

/* Judge N-hat, its s.e. and interval ci (may be NULL; limits flagged lower_at_n or
 * upper_beyond count as reported) for n_obs people observed; at_boundary = the estimator
 * knows its fit is at the boundary. Writes a one-line reason into reason[size] ("" when
 * fine; reason may be NULL). */
DFG_API dfg_value_status dfg_value_judge(double n_obs, double nhat, double se,
                                         const dfg_interval *ci, int at_boundary, char *reason,
                                         size_t size);
/* Set e->value and e->reason from e (status, n_obs, nhat, se, ci); a status other than
 * DFG_OK gives DFG_VALUE_NAN ("no estimate: ..."). Every estimator calls it last. */
DFG_API void dfg_estimate_judge(dfg_estimate *e, int at_boundary);

#define DFG_CSV_MAX_LINE ((size_t)1 << 20)
#define DFG_CSV_MAX_FIELD ((size_t)1 << 16)

/* The cost of a bootstrap before it starts (core/boot_cost.c), for callers that refuse
 * long work above a limit (the command line's --max-seconds / --max-memory). */
typedef struct {
    size_t items;            /* work items: B replicates + (BCa) one jackknife fit per
                                distinct observed pattern */
    size_t n_probes;         /* runs of the estimator on the data that were timed */
    double seconds_per_item; /* their mean wall-clock time, s */
    double seconds;          /* estimated wall-clock time: items x seconds_per_item / threads */
    double bytes;            /* estimated memory of the run beyond the table (cost model in
                                core/boot_cost.c) */
} dfg_boot_cost;

/* Estimate the time and memory of dfg_boot_run(est, t, s, eo, bo) by running the
 * estimator on the data 1 to 5 times (more runs only while their total stays below
 * probe_seconds; 0 = one run) and the cost model of core/boot_cost.c. Model selection
 * makes replicates vary around the data's time: a guide for refusing work far above a
 * limit, not a promise. Costs about probe_seconds (at least one estimate). Fills *cost.
 * Returns DFG_OK, DFG_EINVAL (bad options, or the estimator's own EINVAL/EPARSE),
 * DFG_ENOMEM, DFG_EINTERNAL; a numerical failure of the estimator on the data is not an
 * error here (dfg_boot_run reports it). */
DFG_API dfg_status dfg_boot_estimate_cost(const dfg_estimator *est, const dfg_table *t, size_t s,
                                          const dfg_est_opts *eo, const dfg_boot_opts *bo,
                                          double probe_seconds, dfg_boot_cost *cost,
                                          dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * MCMC diagnostics and summaries (core/mcmc.c)
 * ======================================================================= */

/* Convergence diagnostics of one quantity from C chains of n draws (Vehtari, Gelman,
 * Simpson, Carpenter & Buerkner 2021, Bayesian Analysis 16:667; formulas in core/mcmc.c). */
typedef struct {
    double rhat;      /* max(rhat_bulk, rhat_tail) */
    double rhat_bulk; /* rank-normalised split R-hat */
    double rhat_tail; /* the same on the folded draws |x - median| */
    double ess_bulk;  /* ESS of the rank-normalised split chains */
    double ess_tail;  /* min ESS of the indicators of the 5% and 95% quantiles */
} dfg_mcmc_diag;

/* Diagnose x[c * n + i] (chain c = 0 .. chains-1, draw i = 0 .. n-1). Values are NaN when
 * the draws are constant. Returns DFG_OK, DFG_EINVAL (n < 4, a draw not finite),
 * DFG_ENOMEM. */
DFG_API dfg_status dfg_mcmc_diagnose(const double *x, size_t chains, size_t n, dfg_mcmc_diag *d,
                                     dfg_error *err);

/* Posterior summaries of S pooled draws: median and equal-tailed limits are R's quantile
 * type 7 at 0.5, (1 - level)/2 and (1 + level)/2; the highest-density interval is the
 * shortest [x_(i), x_(i+g)] of the sorted draws with g = round(level S) (coda's
 * HPDinterval); sd has divisor S - 1. */
typedef struct {
    double median, mean, sd;
    double lower, upper;         /* equal-tailed */
    double hdi_lower, hdi_upper; /* highest density */
} dfg_post_summary;

/* Returns DFG_OK, DFG_EINVAL (S < 2, level outside (0, 1)), DFG_ENOMEM. */
DFG_API dfg_status dfg_mcmc_summarise(const double *x, size_t S, double level,
                                      dfg_post_summary *out, dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Bayesian latent-class model (models/lcmcr.c), as the R package LCMCR's lcmCR
 * ======================================================================= */

/* The model of Manrique-Vallier (2016, Biometrics 72:1246): person i belongs to latent
 * class z_i in 1..K with probability pi_k; given the class, the lists register
 * independently, x_ij ~ Bernoulli(lambda_jk). Priors: lambda_jk ~ Beta(1, 1); pi from a
 * stick-breaking process truncated at K, V_k ~ Beta(1, alpha), V_K = 1,
 * pi_k = V_k prod_{l<k} (1 - V_l); alpha ~ Gamma(a_alpha, rate b_alpha); p(N) ~ 1/N.
 * Sampled by the paper's data-augmentation Gibbs sampler on distinct patterns with counts
 * (one sweep costs O(patterns x K x lists), never O(people)); details in models/lcmcr.c. */
/* Sweeps each chain runs before its burn-in, alpha held at 0.3 / K (LCMCR's warm-up). */
#define DFG_LCMCR_WARMUP 500

typedef struct {
    size_t K;                      /* classes (truncation), >= 2; default 10 */
    double a_alpha, b_alpha;       /* Gamma prior of alpha (shape, rate), > 0; default 0.25, 0.25 */
    size_t chains;                 /* >= 1 (diagnostics need >= 2 for R-hat); default 4 */
    size_t burnin;                 /* sweeps discarded per chain; default 10000 */
    size_t samples;                /* draws kept per chain, >= 4; default 5000 */
    size_t thin;                   /* sweeps per kept draw, >= 1; default 20 */
    uint32_t seed;                 /* chain c of stratum s draws from stream (seed, s chains + c) */
    int threads;                   /* >= 1; results are identical for any number; default 1 */
    double level;                  /* interval level in (0, 1); default 0.95 */
    double rhat_max;               /* converged when R-hat <= rhat_max; default 1.01 */
    double ess_min;                /* ... and both ESS >= ess_min; default 400 */
    volatile sig_atomic_t *cancel; /* may be NULL; nonzero = stop (DFG_ECANCEL) */
    /* may be NULL: called with the sweeps done and to do over every chain (and stratum),
     * warm-up included, about every 16,384 sweeps of a chain and once at the end, from one
     * thread at a time (any of the workers) */
    dfg_boot_progress_fn progress;
    void *progress_data;
} dfg_lcmcr_opts;

DFG_API dfg_lcmcr_opts dfg_lcmcr_opts_default(void);
/* Check options: DFG_EINVAL with a message naming the bad one, else DFG_OK. */
DFG_API dfg_status dfg_lcmcr_check(const dfg_lcmcr_opts *o, dfg_error *err);

/* Posterior of one stratum (or of the sum over strata). Draws are chain-major:
 * N[c * samples + i]. status is DFG_OK when R-hat <= rhat_max and both ESS >= ess_min
 * for N, else DFG_ENOCONV (note says which failed): the summaries are then those of
 * chains that have not converged and must not be reported as an estimate. */
typedef struct {
    dfg_status status;
    double n_obs;
    size_t lists, K, chains, burnin, samples, thin;
    uint32_t seed;
    double level;
    dfg_post_summary N;        /* total population */
    dfg_post_summary dark;     /* N - n_obs */
    dfg_post_summary occupied; /* classes holding at least one person (observed or not) */
    dfg_mcmc_diag diag;        /* of N */
    char note[160];
    double *draws_N;        /* chains x samples */
    double *draws_alpha;    /* chains x samples (NULL for a sum over strata) */
    double *draws_occupied; /* chains x samples (NULL for a sum over strata) */
} dfg_lcmcr_result;

DFG_API void dfg_lcmcr_result_free(dfg_lcmcr_result *r);

/* Run the chains on stratum s of t (at least one person observed). Fills *r (release with
 * dfg_lcmcr_result_free) also when the chains have not converged. Returns DFG_OK,
 * DFG_ENOCONV (r filled, r->status says so, err says why), DFG_EINVAL (bad options:
 * K < 2, a prior parameter <= 0, zero samples, ...), DFG_EDATA (no one observed, or a
 * chain diverged: N beyond 2^32), DFG_ENOMEM, DFG_ECANCEL.
 * Ref: Manrique-Vallier (2016) Biometrics 72:1246; R package LCMCR 0.4 (lcmCR). */
DFG_API dfg_status dfg_lcmcr_run(const dfg_table *t, size_t s, const dfg_lcmcr_opts *o,
                                 dfg_lcmcr_result *r, dfg_error *err);

/* One chain set per stratum: per[s] for s = 0 .. n_strata - 1 (per must hold
 * dfg_table_n_strata(t)) and, when total is not NULL, the posterior of the sum of the
 * strata totals (draw i of chain c summed over strata: the strata are independent a
 * posteriori), with its own diagnostics. Returns as dfg_lcmcr_run; DFG_ENOCONV when any
 * stratum or the total has not converged. On an error other than DFG_ENOCONV every
 * result is left empty. */
DFG_API dfg_status dfg_lcmcr_run_strata(const dfg_table *t, const dfg_lcmcr_opts *o,
                                        dfg_lcmcr_result *per, dfg_lcmcr_result *total,
                                        dfg_error *err);

/* Write the trace of r for plotting: CSV with header chain,draw,N,alpha,occupied, one row
 * per kept draw (chain and draw from 1; alpha and occupied NA for a sum over strata),
 * doubles with %.17g. Written to path + ".tmp", then renamed over path: nothing
 * half-written. Returns DFG_OK, DFG_EINVAL, DFG_EIO (err->where = path), DFG_ENOMEM. */
DFG_API dfg_status dfg_lcmcr_write_draws(const dfg_lcmcr_result *r, const char *path,
                                         dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Bayesian model averaging over decomposable graphical models (models/dga.c)
 * Madigan & York (1997) Biometrika 84:19, as in the R package dga (Johndrow, Lum & Ball;
 * bma.cr, version 2.0.2): every decomposable graph on the k lists, a hyper-Dirichlet
 * prior with cell parameter delta * 2^(k - |C|) on each clique's marginal table, a prior on
 * N and a uniform prior on graphs; the joint posterior over (graph, N) on a grid of the
 * missing count N0 = N - n.
 * ======================================================================= */

/* Lists the graph enumeration supports (7: 617,675 graphs; 8 would be 30,888,596). */
#define DFG_DGA_MAX_LISTS 7
/* Points of the grid of N0 at the most (2^26: the run holds some 16-24 bytes a point,
 * about 1.5 GB here); a larger grid is refused with the step that would fit. */
#define DFG_DGA_MAX_GRID 67108864

typedef enum {
    DFG_DGA_PRIOR_INVERSE = 0, /* p(N) proportional to 1/N (dga's default) */
    DFG_DGA_PRIOR_RISSANEN     /* Rissanen (1983): p(N) proportional to 2^-log2*(N), log2*(N) =
                                  log2 N + log2 log2 N + ... (positive terms) */
} dfg_dga_prior;

typedef struct {
    double delta; /* hyper-Dirichlet parameter per cell of the full table; 0 = 2^-k */
    dfg_dga_prior prior;
    double min_missing; /* first N0 of the grid; default 0 (dga's examples start at 1) */
    double max_missing; /* last N0; 0 = automatic: the grid doubles (from max(10 n, 1000))
                           until the posterior mass of its upper half (hi/2, hi] is below
                           tail_tol */
    double step;        /* grid step, a whole number >= 1; default 1 */
    double tail_tol;    /* default 1e-4 */
    double level;       /* equal-tailed interval level; default 0.95 */
    size_t top;         /* graphs reported with their own estimates; default 10 */
    int threads;        /* 0 or 1 = none; the same digits on any number */
} dfg_dga_opts;

DFG_API dfg_dga_opts dfg_dga_opts_default(void);

/* Summary of a posterior of N on the grid. Quantiles are grid values: the smallest N whose
 * posterior cumulative probability reaches q. */
typedef struct {
    double mean, median, mode, lower, upper;
} dfg_dga_summary;

typedef struct {
    size_t index;      /* in the enumeration (edge-set order) */
    double prob;       /* posterior probability of the graph */
    char model[256];   /* its cliques in bracket notation, "[12,3]" */
    dfg_dga_summary N; /* the posterior of N given this graph */
} dfg_dga_graph;

typedef struct {
    size_t k;
    double n_obs;
    double delta;
    dfg_dga_prior prior;
    double level;
    size_t n_graphs;           /* decomposable graphs averaged over */
    size_t n_active;           /* graphs with non-negligible posterior mass */
    double grid_lo, grid_step; /* grid of N0: grid_lo + i grid_step, i < n_grid */
    size_t n_grid;
    double upper_half_mass; /* posterior mass of N0 in (hi/2, hi] */
    double left_out_mass;   /* estimated mass of the graphs left out: those whose range of
                               N0 spans more than 4096 grid points and whose mass, estimated
                               from every 256th point, is below 1e-13 of the total */
    int mean_infinite;      /* 1: the untruncated posterior mean is infinite (the saturated
                               graph's posterior decays as N^-(1 + (2^k - 1) delta), so
                               whenever (2^k - 1) delta <= 1); mean is then over the grid */
    dfg_dga_summary N;      /* model-averaged posterior of N */
    dfg_dga_summary dark;   /* the same for the dark figure N - n */
    size_t n_top;
    dfg_dga_graph *top; /* the n_top most probable graphs, most probable first */
    double *post;       /* posterior probability of N = n + grid_lo + i grid_step */
} dfg_dga_result;

/* Number of decomposable graphs on k lists (1 <= k <= DFG_DGA_MAX_LISTS), enumerated.
 * Returns DFG_OK, DFG_EINVAL, DFG_ENOMEM. */
DFG_API dfg_status dfg_dga_graph_count(size_t k, size_t *count, dfg_error *err);

/* Model-averaged posterior of N for stratum s of t. Fills *r (release with
 * dfg_dga_result_free). Cells of the joint posterior provably below e^-25 / (graphs x grid
 * points) of its maximum are skipped (branch and bound over N0), so the skipped mass is
 * below e^-25 (1.4e-11) of the total. Returns DFG_OK; DFG_EINVAL (k < 3, k > DFG_DGA_MAX_LISTS,
 * delta <= 0, bad grid or level); DFG_EDATA (no one observed); DFG_ENOCONV when the
 * automatic grid reached N0 = 2^26 with the upper-half mass still above tail_tol (*r then
 * holds that grid's posterior); DFG_ENOMEM.
 * Ref: Madigan & York (1997) Biometrika 84:19, eq. (2.1)-(2.3); dga 2.0.2 bma.cr. */
DFG_API dfg_status dfg_dga_run(const dfg_table *t, size_t s, const dfg_dga_opts *o,
                               dfg_dga_result *r, dfg_error *err);
DFG_API void dfg_dga_result_free(dfg_dga_result *r);
DFG_API const char *dfg_dga_prior_name(dfg_dga_prior p);
/* "inverse" or "rissanen"; DFG_EINVAL naming the choices otherwise. */
DFG_API dfg_status dfg_dga_prior_parse(const char *s, dfg_dga_prior *p, dfg_error *err);

/* dfg_dga_run on every stratum s of t into per[s] (s < dfg_table_n_strata(t)) and, when
 * total is not NULL, the posterior of the sum of the strata's N into *total: each stratum
 * averages over its own graphs with its own priors, so the strata are independent a
 * posteriori and the sum's posterior is the convolution of their grid posteriors (exact on
 * the grid: direct sums, or the FFT for long grids; models/dga_strata.c). total has no top
 * graphs; its n_active, left_out_mass are the strata's sums, upper_half_mass their largest.
 * Release every result with dfg_dga_result_free. Returns as dfg_dga_run (the message names
 * the stratum); DFG_ENOCONV when a stratum's automatic grid stopped short (all results
 * filled); on another error every result is left empty. */
DFG_API dfg_status dfg_dga_run_strata(const dfg_table *t, const dfg_dga_opts *o,
                                      dfg_dga_result *per, dfg_dga_result *total, dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Incomplete covariates: EM over the full table when some covariate values are missing
 * (models/incomplete.c, models/incomplete_boot.c)
 * Ref: Dempster, Laird & Rubin (1977) JRSS B 39:1; Zwane & van der Heijden (2007)
 * Stat. Med. 26:1075; van der Heijden, Whittaker, Cruyff, Bakker & van der Vliet (2012)
 * Appl. Statist. 61:567 (covariates only some lists record); Louis (1982) JRSS B 44:226;
 * the R package cenzus (Cruyff), mse() and boot_mse().
 * ======================================================================= */

/* The observed data with missing covariate values: the layout of the full table over the
 * lists and the covariates' observed levels (dfg_ctable, counts = the people with every
 * covariate observed), and the rows with at least one missing value, each
 * (pattern, level or missing per covariate, count). Opaque. */
typedef struct dfg_itable dfg_itable;

typedef struct {
    const char *na;             /* a further string that means missing ("" and "NA" always
                                   do); NULL = none */
    const char *const *passive; /* "cov:list": list never records covariate cov (its
                                   people's value is missing unless another list saw them) */
    size_t n_passive;
    size_t max_cells; /* as dfg_ctable_new; 0 = no limit */
} dfg_itable_opts;

DFG_API dfg_itable_opts dfg_itable_opts_default(void);

/* 1 when a covariate value v counts as missing under na (as dfg_itable_opts.na). */
DFG_API int dfg_value_missing(const char *v, const char *na);
/* 1 when some stratum of t with people has a missing covariate value. */
DFG_API int dfg_table_has_missing(const dfg_table *t, const char *na);

/* Build the incomplete-data table of t (covariates = the non-list columns). A list
 * declared passive for a covariate may not hold people whose only lists do not record it
 * with that covariate observed (DFG_EDATA naming how many). Lists that never record a
 * covariate are also detected: every person seen by that list alone (at least 10 of them)
 * has it missing (dfg_itable_detected). Errors (DFG_EDATA): a covariate missing for every person,
 * fewer than two observed levels, a bad passive declaration (DFG_EINVAL). Owns *out (release with
 * dfg_itable_free). Returns DFG_OK, DFG_EINVAL, DFG_EDATA, DFG_ENOMEM. */
DFG_API dfg_status dfg_itable_new(const dfg_table *t, const dfg_itable_opts *o, dfg_itable **out,
                                  dfg_error *err);
DFG_API void dfg_itable_free(dfg_itable *it);
/* The layout (levels sorted as dfg_ctable_new) with the complete rows' counts: parse
 * models on it (dfg_cmodel_parse). Owned by it. */
DFG_API const dfg_ctable *dfg_itable_ctable(const dfg_itable *it);
/* Distinct rows with a missing value; people observed; people with a missing value;
 * people with covariate c missing. */
DFG_API size_t dfg_itable_n_rows(const dfg_itable *it);
DFG_API double dfg_itable_n_obs(const dfg_itable *it);
DFG_API double dfg_itable_n_incomplete(const dfg_itable *it);
DFG_API double dfg_itable_n_missing(const dfg_itable *it, size_t c);
/* Lists (bitmask) that record covariate c: all lists but those declared or detected not
 * to; dfg_itable_detected: those found from the data (not declared). */
DFG_API uint32_t dfg_itable_recorded(const dfg_itable *it, size_t c);
DFG_API uint32_t dfg_itable_detected(const dfg_itable *it, size_t c);

typedef struct {
    double tol;       /* converged when |LL_t - LL_{t-1}| / (|LL_t| + 0.1) < tol, LL the
                         observed-data log-likelihood; default 1e-14 */
    double abs_tol;   /* > 0: converged instead when |LL_t - LL_{t-1}| < abs_tol (cenzus's
                         crit = 1e-7); default 0 */
    int max_iter;     /* EM iterations (M-steps), 1 .. DFG_MAX_ITER; default 5000 (cenzus) */
    int accelerate;   /* 1 (default): SQUAREM steps (Varadhan & Roland 2008, Scand. J.
                         Statist. 35:335) over the EM map, with the EM's monotonicity kept;
                         0: plain EM steps, as cenzus */
    dfg_glm_opts glm; /* the M-step fits */
} dfg_em_opts;

DFG_API dfg_em_opts dfg_em_opts_default(void);

/* An EM fit. The complete data are the cells of the full table; the E-step spreads the
 * count of each row with missing values over its compatible cells in proportion to the
 * current fitted values; the M-step is the Poisson log-linear fit on the completed table
 * (dfg_cfit_engine, warm-started from the previous M-step). Start: every row spread
 * evenly over its compatible cells (cenzus's uniform start; independent of row order).
 * loglik: the observed-data log-likelihood in cenzus's multinomial form
 *   LL = sum_rows n_r log( sum_{cells c of row r} mu_c / sum_{observable cells} mu ),
 * change = |LL_t - LL_{t-1}| / (|LL_t| + 0.1) at the last iteration.
 * fit: the M-step on the final completed table (completed: the layout with those counts;
 * per-level totals with dfg_em_level_totals, which counts what is imputed).
 * Without any missing value it is dfg_cfit_model on the table, digit for digit, in one
 * iteration. Otherwise fit.cov is the inverse observed information by Louis's formula
 *   I_obs = X' diag(mu - w) X + sum_r n_r g_r g_r' / m_r^2,
 * w = the E-step's share of the rows with missing values, g_r = sum_{c in r} mu_c x_c,
 * m_r = sum_{c in r} mu_c, so se_nhat and the level totals' s.e. account for the missing
 * values; fit.loglik = loglik (AIC, BIC from it; deviance and df NaN). */
typedef struct {
    dfg_status status; /* DFG_OK or DFG_ENOCONV (iteration limit: numbers are the last
                          iterate and must not be reported) */
    int iter;          /* M-steps */
    double change;     /* last relative change of loglik */
    double abs_change; /* last LL_t - LL_{t-1} */
    double loglik;     /* cenzus's multinomial observed-data log-likelihood */
    double n_obs, n_incomplete;
    dfg_ctable *completed; /* owned */
    dfg_cfit fit;
} dfg_emfit;

/* Fit model m (parsed on dfg_itable_ctable(it)) by EM. Before the EM, identifiability
 * under the missingness: the expected observed-data information sum_r g_r g_r' / m_r
 * over the kinds of rows the data can hold (complete cells whose pattern has a list
 * recording every covariate, and the rows with missing values seen) at a generic point
 * must be of full rank; a parameter that adds no rank (in term order) makes DFG_EDATA
 * naming its term ("model term A:a cannot be estimated ..."). Owns out (release with
 * dfg_emfit_free; filled on DFG_OK and DFG_ENOCONV). Returns DFG_OK, DFG_EINVAL,
 * DFG_EDATA, DFG_ENOMEM, DFG_ENOCONV (EM or an M-step), DFG_ESING. */
DFG_API dfg_status dfg_em_fit(const dfg_itable *it, const dfg_cmodel *m, const dfg_em_opts *o,
                              dfg_emfit *out, dfg_error *err);
DFG_API void dfg_emfit_free(dfg_emfit *f);

/* Totals per level of each covariate (one block per covariate, levels in order) of an EM
 * fit: N_g = the completed count of the group + its fitted unobserved cells. The s.e.
 * counts what is imputed: var = m0_g + sum_r n_r p_gr (1 - p_gr) + h'Vh over the rows r
 * missing the covariate (p_gr = the share of r's fitted values in the group; the
 * binomial variance of how many of them are in it), h = d(sum_r n_r p_gr + m0_g)/d beta,
 * V = fit.cov (observed information). Log-normal interval on N_g - known, known = the
 * people seen with the level (Chao 1987). Without missing values this is
 * dfg_cfit_level_totals's s.e. Owns *rows (dfg_free_level_totals). Returns DFG_OK,
 * DFG_EINVAL, DFG_ENOMEM. */
DFG_API dfg_status dfg_em_level_totals(const dfg_itable *it, const dfg_emfit *f, double level,
                                       dfg_level_total **rows, size_t *n_rows, dfg_error *err);

/* The bootstrap of an EM fit. Statistics: 0 = the total N, then the total of each level
 * of each covariate (covariate 0's levels first). bo->type: DFG_BOOT_NONPARAMETRIC =
 * multinomial of size n over the observed rows (complete cells and rows with missing
 * values alike), DFG_BOOT_PARAMETRIC = cenzus::boot_mse's semi-parametric bootstrap:
 * multinomial of size round(N-hat) over the observed rows and the unobserved total m0
 * with probabilities count / N-hat, the unobserved draw dropped. Each replicate reruns
 * the EM from the point estimate (warm). Percentile and BCa (z0 from the replicates,
 * acceleration from the delete-one jackknife over the distinct observed rows, EM rerun)
 * as dfg_boot_run; replicate b uses stream (seed, b): the same digits on any number of
 * threads. A replicate whose EM fails or does not converge is left out (n_failed). */
typedef struct {
    size_t B, n_stats, n_ok, n_failed, n_jack;
    uint32_t seed;
    dfg_boot_type type;
    double *point;           /* n_stats */
    double *stars;           /* B x n_stats, row b = replicate b (NaN when it failed) */
    dfg_interval *ci;        /* n_stats, the requested type */
    dfg_interval *pct;       /* n_stats, percentile */
    double *se, *z0, *accel; /* n_stats */
} dfg_emboot_result;

DFG_API dfg_status dfg_em_boot(const dfg_itable *it, const dfg_cmodel *m, const dfg_em_opts *eo,
                               const dfg_emfit *point, const dfg_boot_opts *bo,
                               dfg_emboot_result *res, dfg_error *err);
DFG_API void dfg_emboot_result_free(dfg_emboot_result *r);

/* ** }====================================================================== */

/* ** {======================================================================
 * Incomplete covariates: model search (models/incomplete_search.c)
 * ======================================================================= */

/* The stepwise search of dfg_cstep_run (mse::model_search: R's step(), penalty log n,
 * then 2, then 1) on incomplete data: every candidate fitted by EM (eo; so->glm is not
 * used, eo->glm is), warm-started from the current model; criterion -2 LL + pen p with LL
 * the observed-data log-likelihood (dfg_emfit.loglik) and n = people observed, so the
 * path's AIC and BIC are those dfg_em_fit gives each model. A term whose addition leaves
 * the model unidentifiable under the missingness (dfg_em_fit's check) is never fitted:
 * it is listed in r->skipped. Without missing values the path is dfg_cstep_run's (the
 * criteria shifted by a constant). Owns: *r (dfg_cstep_result_free). Returns DFG_OK,
 * DFG_EINVAL, DFG_ENOMEM, DFG_ECANCEL, DFG_EDATA (the start is not identifiable: the
 * term named), DFG_ENOCONV (a candidate's EM reached eo->max_iter: the model and the last
 * change named), or an M-step failure. */
DFG_API dfg_status dfg_em_step_run(const dfg_itable *it, const dfg_em_opts *eo,
                                   const dfg_cstep_opts *so, dfg_cstep_result *r, dfg_error *err);

/* Profile-likelihood intervals of an EM fit's totals (models/incomplete_profile.c): *total
 * for the total, rows[i].profile for the rows of dfg_em_level_totals (n_rows of them, or
 * 0 for the total alone). For a group's unobserved sum M the observed-data likelihood is
 * maximised by EM with M and the rows with missing values shared out in proportion to the
 * fitted values; log L(M) in the multinomial form with Cormack's correction, as
 * dfg_cfit_profile_group, which it equals without missing values. The group's total at M
 * is its completed count there plus M. f must have converged (else DFG_ENOCONV). Returns
 * DFG_OK, DFG_EINVAL, DFG_ENOMEM, or the first row's failure (that row's limits NaN, the
 * others filled). */
DFG_API dfg_status dfg_em_profiles(const dfg_itable *it, const dfg_cmodel *m, const dfg_emfit *f,
                                   const dfg_glm_opts *opts, double level, dfg_interval *total,
                                   dfg_level_total *rows, size_t n_rows, dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Year as a trend: a numeric covariate coded as an orthogonal polynomial (core/design.c)
 * ======================================================================= */

/* Highest degree of a trend. */
#define DFG_MAX_TREND_DEGREE 16

/* Code covariate cov of ct as an orthogonal polynomial of degree D in every term that holds
 * it (as R's poly(year, D) in mse::model_search(degree_year = D)): the main effect becomes
 * D columns x_1(year) .. x_D(year), a term P:year the products of P's indicator with them,
 * a term age:year with age's level indicators. The columns: the centred powers
 * (x - mean x)^0 .. ^D orthonormalised in order over x = the covariate's distinct values,
 * one each (its levels read as numbers), column 0 dropped: R's poly(sort(unique(year)),
 * D) ("orthogonal polynomials of degree 1 to degree over the specified set of points x:
 * these are all orthogonal to the constant polynomial of degree 0", R's ?poly). Fitted
 * values, N and every total do not depend on that choice of x (any x with every year in
 * it gives columns spanning the polynomials of degree <= D in year); over the full table,
 * where every year appears the same number r of times, poly of the table's column is these
 * columns divided by sqrt(r), so its coefficients are sqrt(r) times these. D = L - 1 (L
 * distinct years) spans the factor's columns: the factor model's fit. D = 0 returns to the
 * factor. Models, fits, totals, the bootstrap and copies of ct follow the coding (the EM
 * of incomplete covariates does not: do not set one there).
 * Returns DFG_OK, DFG_EINVAL (no such covariate, D >= L or D > DFG_MAX_TREND_DEGREE),
 * DFG_EDATA (a level that is not a number), DFG_ENOMEM. */
DFG_API dfg_status dfg_ctable_set_trend(dfg_ctable *ct, size_t cov, size_t degree, dfg_error *err);
/* The trend's degree (0: none); *cov (may be NULL) its covariate (SIZE_MAX when none). */
DFG_API size_t dfg_ctable_trend_degree(const dfg_ctable *ct, size_t *cov);
/* Column d (1 .. D) of the trend's polynomial at level l; NaN outside. */
DFG_API double dfg_ctable_trend_value(const dfg_ctable *ct, size_t l, size_t d);

/* ** }====================================================================== */

/* ** {======================================================================
 * List-interaction searches with covariate terms held fixed (models/search.c,
 * models/search_cov.c)
 * ======================================================================= */

/* The search o->method (stepwise, exhaustive or downhill; aic-stepwise gives DFG_EINVAL)
 * over the list-interaction terms of the full table ct over lists and covariates: every
 * model is the main effects of every list and covariate + the terms of `fixed` (closed;
 * NULL or its main effects only: none; each term with at most one list, else DFG_EINVAL;
 * every covariate a factor: a table with a trend gives DFG_EINVAL)
 * + the candidate's list terms, fitted over every pattern x covariate combination
 * (dfg_cfit_engine). The candidates, order limits, hierarchy, stepwise rule, ranking and
 * table are those of dfg_search_run on the strata summed; a list term no one is on is
 * fixed at -inf (its cells leave the likelihood in every stratum); p counts every
 * parameter, n = people observed. Existence: a fit that settles in the interior, else the
 * linear program of dfg_cfit_check on the cells kept; models whose MLE does not exist are
 * counted in n_nomle and never chosen. The rows' models are the list terms alone (the
 * fixed part is common to every row); N = n + the fitted unobserved cells of every
 * stratum, s.e. by dfg_cfit_group (m0 + g'Vg). With the fixed part the covariates' main
 * effects only, N and the choice equal dfg_search_run's on the strata summed (the fitted
 * table factorises into patterns x strata). Fills *r (release with
 * dfg_search_result_free). Returns as dfg_search_run. */
DFG_API dfg_status dfg_search_run_cov(const dfg_ctable *ct, const dfg_cmodel *fixed,
                                      const dfg_search_opts *o, dfg_search_result *r,
                                      dfg_error *err);

/* The model over lists and covariates of a row of dfg_search_run_cov: the terms of fixed
 * (may be NULL) + the list terms of lists (a row's model), closed, with every main
 * effect. Owns: *m (dfg_cmodel_free). Returns DFG_OK, DFG_EINVAL, DFG_ENOMEM. */
DFG_API dfg_status dfg_search_cov_model(const dfg_ctable *ct, const dfg_cmodel *fixed,
                                        const dfg_model *lists, dfg_cmodel *m, dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Bootstrap in steps: replicates over index ranges, then one finish (core/boot.c,
 * models/cov_boot.c). dfg_boot_run is dfg_boot_replicates over [0, B) followed by
 * dfg_boot_finish; replicate b depends only on the data, the options and stream
 * (seed, b), so ranges computed anywhere (other threads, processes or MPI ranks: the
 * library itself knows no MPI) and finished once give the bytes of the one call.
 * ======================================================================= */

/* One replicate: plain data of fixed size, every byte set by dfg_boot_replicates (it may
 * travel between processes of one build as bytes). */
typedef struct {
    double nstar;           /* N*_b; NaN when the replicate failed */
    dfg_status status;      /* DFG_OK, or why it is left out (as dfg_boot_result.rep_status) */
    dfg_check_status check; /* the check of the model it used */
    char model[256];        /* the model it used or chose ("" when it failed) */
} dfg_boot_rep;

/* Replicates first .. last - 1 (0 <= first <= last <= bo->B) of the bootstrap that
 * dfg_boot_run(est, t, s, eo, bo) runs, into reps[0 .. last - first - 1], on bo->threads
 * threads; progress reports done of last - first. An empty range does nothing (reps may
 * then be NULL). No point estimate is computed: the parametric bootstrap draws from
 * bo->fitted. Owns: nothing; reps is the caller's (on failure its content is unspecified).
 * Returns DFG_OK, DFG_EINVAL (options as dfg_boot_run, or a bad range), DFG_ENOMEM,
 * DFG_ECANCEL, DFG_EINTERNAL. A failed replicate is not an error: its slot says why. */
DFG_API dfg_status dfg_boot_replicates(const dfg_estimator *est, const dfg_table *t, size_t s,
                                       const dfg_est_opts *eo, const dfg_boot_opts *bo,
                                       size_t first, size_t last, dfg_boot_rep *reps,
                                       dfg_error *err);

/* Finish the bootstrap of dfg_boot_run(est, t, s, eo, bo) from all bo->B replicates
 * reps[0 .. B - 1] (as dfg_boot_replicates computed them, in any pieces): the point
 * estimate, the jackknife for BCa (on bo->threads threads; progress reports done of the
 * jackknife fits), the summaries, intervals, failure counts and models, exactly as
 * dfg_boot_run. A slot with status DFG_OK needs a finite N* and a NUL-terminated model.
 * Owns: fills *res (release with dfg_boot_result_free); on any failure *res is empty.
 * Returns as dfg_boot_run, and DFG_EINVAL for a slot that is not a replicate. */
DFG_API dfg_status dfg_boot_finish(const dfg_estimator *est, const dfg_table *t, size_t s,
                                   const dfg_est_opts *eo, const dfg_boot_opts *bo,
                                   const dfg_boot_rep *reps, dfg_boot_result *res, dfg_error *err);

/* The rows of dfg_cboot_run(ct, ..., by, n_by, ...): the total and its level totals
 * (n_rows of the result); 0 when a covariate of by does not exist. */
DFG_API size_t dfg_cboot_n_rows(const dfg_ctable *ct, const size_t *by, size_t n_by);

/* Replicates first .. last - 1 (0 <= first <= last <= opts->B) of dfg_cboot_run(ct, m, fit,
 * by, n_by, opts): nstar[(b - first) n_rows + r] = N*_b of row r (NaN when not finite;
 * n_rows = dfg_cboot_n_rows), boundary[b - first] = 1 when the refit did not settle in the
 * interior; on opts->threads threads. An empty range does nothing (the arrays may be
 * NULL). Owns: nothing. Returns DFG_OK, DFG_EINVAL, DFG_ENOMLE, DFG_ENOMEM, DFG_ECANCEL. */
DFG_API dfg_status dfg_cboot_replicates(const dfg_ctable *ct, const dfg_cmodel *m,
                                        const dfg_cfit *fit, const size_t *by, size_t n_by,
                                        const dfg_cboot_opts *opts, size_t first, size_t last,
                                        double *nstar, unsigned char *boundary, dfg_error *err);

/* Finish dfg_cboot_run(ct, m, fit, by, n_by, opts) from all B replicates (nstar: B x
 * n_rows, boundary: B, as dfg_cboot_replicates computed them, in any pieces): the
 * jackknife for BCa, summaries, intervals, the change of opts->change_from/to, and counts,
 * exactly as dfg_cboot_run. Owns:
 * fills *res (release with dfg_cboot_result_free; res->nstar is a copy). Returns as
 * dfg_cboot_run. */
DFG_API dfg_status dfg_cboot_finish(const dfg_ctable *ct, const dfg_cmodel *m, const dfg_cfit *fit,
                                    const size_t *by, size_t n_by, const dfg_cboot_opts *opts,
                                    const double *nstar, const unsigned char *boundary,
                                    dfg_cboot_result *res, dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Incomplete covariates: the list searches with covariate terms held fixed
 * (models/incomplete_search.c)
 * ======================================================================= */

/* dfg_search_run_cov (stepwise, exhaustive or downhill over the list-interaction terms,
 * the terms of `fixed` and every main effect in every model) on incomplete data: every
 * candidate fitted by EM (eo; NULL = dfg_em_opts_default(), which runs to the maximum:
 * the search compares models at their maxima; o->glm is not used, eo->glm is) from
 * dfg_em_fit's start (each row with missing values spread evenly; not warm: the EM's rule
 * stops on the change of LL, and where the likelihood is flat N would depend on the
 * search's order), then the M-step on the last completed table (as dfg_em_fit). Criterion -2 LL +
 * pen p with LL the observed-data log-likelihood (dfg_emfit.loglik, cenzus's multinomial form;
 * loglik of the rows), p every parameter, n = people observed (each row's criterion is that of
 * dfg_em_fit on the model; without missing values the ranking, choice and N are
 * dfg_search_run_cov's and the criteria differ from its by the same constant for every
 * model, 2 (n log n - n - sum_c log y_c!)). A candidate that is not identifiable under the
 * missingness (dfg_em_fit's rank test) is not fitted: counted in n_notident, its term in
 * r->skipped. Existence: a fit that settles in the interior, else the linear program of
 * dfg_search_run_cov on the final completed table (a margin that only the E-step fills
 * is taken as observed); a model whose MLE does not exist is counted in n_nomle and never
 * chosen. A list term no one is on is fixed at -inf as in dfg_search_run_cov (its cells
 * leave the EM's likelihood: none of them holds anyone, with or without a missing value).
 * A candidate whose EM or M-step fails or reaches eo->max_iter is a failed fit
 * (n_failed; counted in n_nomle when the LP on its last completed table finds no MLE; a
 * singular M-step on a model whose MLE exists is counted not identifiable, as
 * dfg_search_run_cov does), never chosen. Rows: N of the search's fit, s.e. from dfg_em_fit of the
 * model (Louis's information), log-normal interval; deviance and df NaN. o->best_only is
 * ignored. Fills *r (dfg_search_result_free). Returns as dfg_search_run_cov. */
DFG_API dfg_status dfg_em_search_run(const dfg_itable *it, const dfg_cmodel *fixed,
                                     const dfg_em_opts *eo, const dfg_search_opts *o,
                                     dfg_search_result *r, dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * The change between two levels of a covariate: delta-method s.e. and intervals
 * (models/cov_change.c)
 * ======================================================================= */

/* A weighted sum of the strata's totals of a covariate fit, T = sum_s w[s] N_s with N_s =
 * n_s + m0_s (w: dfg_ctable_n_strata(ct) weights), and var(T - T_true) by the delta method
 * with the full covariance, as the totals per level:
 *   var = sum_s w[s]^2 m0_s + g'Vg,   g = dT/d beta = sum_s w[s] m0_s x_s,
 * V = fit->cov, x_s the design row of stratum s's unobserved cell. The first part is the
 * Poisson variance of the unobserved counts (independent across strata), the second that
 * of their fitted means; with indicator weights of a group it is the group's var(N) of
 * dfg_cfit_level_totals (var(N) = m0 + g'Vg: van der Heijden et al. 2012). *var is NaN
 * when the covariance is not finite. Owns: nothing. Returns DFG_OK, DFG_EINVAL (a NULL
 * argument, a fit without covariance), DFG_ENOMEM. */
DFG_API dfg_status dfg_cfit_contrast(const dfg_ctable *ct, const dfg_cfit *fit, const double *w,
                                     double *value, double *var, dfg_error *err);

/* The change of a covariate fit's total from level `from` to level `to` of covariate cov
 * (two disjoint groups of strata A and B: e.g. two years). */
typedef struct {
    double level;                       /* of the intervals */
    double nhat_from, nhat_to;          /* N_A, N_B as dfg_cfit_level_totals */
    double se_from, se_to, cov_from_to; /* their s.e. and covariance (delta method) */
    double diff, se_diff;               /* N_B - N_A and its s.e. */
    double diff_lower, diff_upper;      /* Wald: diff -+ z se_diff, z = Phi^-1((1+level)/2) */
    double ratio, se_log_ratio;         /* N_B / N_A, s.e. of log(N_B / N_A) */
    double se_ratio;                    /* ratio se_log_ratio */
    double ratio_lower, ratio_upper;    /* ratio exp(-+ z se_log_ratio) */
} dfg_cfit_change_result;

/* The difference and the ratio of the totals of levels from and to of covariate cov, with
 * their delta-method s.e. (dfg_cfit_contrast with w = 1_B - 1_A, and w = 1_B / N_B - 1_A /
 * N_A for log(N_B / N_A)):
 *   var(N_B - N_A)  = m0_A + m0_B + (g_B - g_A)' V (g_B - g_A)
 *   var(log N_B/N_A) = m0_A / N_A^2 + m0_B / N_B^2 + h'Vh,   h = g_B / N_B - g_A / N_A,
 * the interval of the difference normal (Wald), that of the ratio normal on the log scale.
 * S.e. and limits are NaN when the covariance is not finite, the ratio's too when N_A is
 * not positive. Owns: fills *out. Returns DFG_OK, DFG_EINVAL (NULL, no covariate cov, a
 * level out of range, from == to, level outside [DFG_LEVEL_MIN, DFG_LEVEL_MAX]),
 * DFG_ENOMEM. Ref: the delta method (e.g. Agresti 2013, Categorical Data Analysis, 16.1);
 * the unobserved counts' Poisson part as the level totals (Rivest & Baillargeon 2007). */
DFG_API dfg_status dfg_cfit_change(const dfg_ctable *ct, const dfg_cfit *fit, size_t cov,
                                   size_t from, size_t to, double level,
                                   dfg_cfit_change_result *out, dfg_error *err);

/* ** }====================================================================== */

#ifdef __cplusplus
}
#endif

#endif /* DARKFIG_H */
