/* core/darkfig.h: the public interface of libdarkfig.
 *
 * darkfig estimates the size of a hidden population from the overlaps of several
 * registrations (lists): multiple-systems estimation (MSE) and capture-recapture.
 *
 * Conventions of the whole interface:
 *  - Every function that can fail returns a dfg_status (0 = DFG_OK) and, when err is
 *    not NULL, fills it with the place ("file:line:col" or module) and a message. The
 *    first error wins. The library never prints, exits, aborts on input or reads the
 *    environment.
 *  - The caller owns results; every _free accepts NULL.
 *  - A capture pattern is a uint32_t bitmask: bit j set = on list j (list j is the
 *    (j+1)-th list column of the input). The all-zero pattern is the unobserved cell.
 *  - Model terms are bitmasks over lists too: term 0x3 is the interaction of lists 1
 *    and 2; the intercept is term 0.
 *
 * Copyright (C) 2026 the darkfig authors. SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DARKFIG_H
#define DARKFIG_H

#include <stddef.h>
#include <signal.h>
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

/* ** {======================================================================
 * Errors
 * ======================================================================= */

typedef enum {
    DFG_OK = 0,
    DFG_EINVAL,   /* bad argument from the caller */
    DFG_ENOMEM,   /* allocation failed */
    DFG_EIO,      /* cannot open, read or write a file */
    DFG_EPARSE,   /* bad CSV or specification; where = "file:line:col" */
    DFG_EDATA,    /* well formed but unusable data */
    DFG_ENOCONV,  /* iteration limit reached; outputs hold the last iterate */
    DFG_ESING,    /* information matrix not positive definite */
    DFG_ENOMLE,   /* the maximum-likelihood estimate does not exist (boundary) */
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
DFG_API dfg_table *dfg_table_from_cells(size_t k, const char *const *list_names,
                                        const double *y, dfg_error *err);

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
    int max_iter;  /* iterations before DFG_ENOCONV; default 100 */
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
    size_t p;          /* parameters: intercept + model terms */
    uint32_t *terms;   /* p terms, terms[0] = 0 (intercept) */
    double *beta;      /* p coefficients */
    double *se;        /* p standard errors (from the inverse information) */
    double *fitted;    /* 2^k fitted cells by pattern; fitted[0] = m0 */
    size_t n_cells;    /* observable cells used (2^k - 1 minus cells fixed at 0) */
    size_t rank;
    double n_obs;      /* people observed */
    double m0;         /* fitted unobserved cell = exp(beta_0): the dark figure */
    double nhat;       /* n_obs + m0 */
    double se_nhat;
    double var_beta0;  /* var(beta_0) */
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

/* ** }====================================================================== */

/* ** {======================================================================
 * Intervals
 * ======================================================================= */

typedef enum {
    DFG_CI_NONE = 0,
    DFG_CI_LOGNORMAL,  /* Chao (1987): n + m0 / C, n + m0 C */
    DFG_CI_PROFILE,    /* multinomial profile likelihood (Cormack 1992; Rcapture closedpCI) */
    DFG_CI_PERCENTILE, /* bootstrap percentile */
    DFG_CI_BCA         /* bootstrap BCa (DiCiccio & Efron 1996) */
} dfg_ci_type;

typedef struct {
    dfg_ci_type type;
    double level;      /* e.g. 0.95 */
    double lower, upper;
    double point;      /* the point estimate the interval belongs with (for the profile:
                          the multinomial MLE of N) */
    int lower_at_n;    /* the profile did not cross below: lower set to n */
    int upper_beyond;  /* the profile did not cross within the search range: upper = NaN
                          and search_limit says how far it looked */
    double search_limit;
} dfg_interval;

DFG_API const char *dfg_ci_type_name(dfg_ci_type t);

/* Log-normal interval for N = n + m0 with var(m0) estimated by se^2 - m0 ... see Chao
 * (1987): C = exp(z sqrt(log(1 + var(N)/m0^2))). */
DFG_API dfg_status dfg_interval_lognormal(double n_obs, double nhat, double se_nhat, double level,
                                          dfg_interval *ci, dfg_error *err);

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
    DFG_CHECK_FINE = 0,  /* the MLE exists and the model is identifiable */
    DFG_CHECK_BOUNDARY,  /* exists once terms with no observed overlap are fixed at -inf */
    DFG_CHECK_NOMLE,     /* the (extended) MLE does not exist */
    DFG_CHECK_NOTIDENT   /* the parameters are not identifiable */
} dfg_check_status;

DFG_API const char *dfg_check_name(dfg_check_status c);

/* ** }====================================================================== */

/* ** {======================================================================
 * Estimators: one interface for every family (models/, listed in
 * core/estimators.c). The command line, the bootstrap and batch runs call them alike.
 * ======================================================================= */

typedef struct {
    const char *model;     /* log-linear model in bracket notation; NULL = the default */
    double level;          /* interval level, default 0.95 */
    int want_ci;           /* 0: point estimate only (bootstrap replicates) */
    dfg_ci_type ci_type;   /* DFG_CI_NONE = the estimator's default */
    dfg_glm_opts glm;
    /* model search */
    const char *method;    /* "stepwise", "aic-stepwise", "exhaustive", "downhill" */
    const char *criterion; /* "bic", "aic", "aicc" */
    int max_order;         /* 0 = default for k */
    double threshold;      /* p-value threshold; 0 = the method's default */
    /* two-list estimators: lists a and b (0-based); b < 0 = the union of the others */
    int list_a, list_b;
} dfg_est_opts;

DFG_API dfg_est_opts dfg_est_opts_default(void);

typedef struct {
    dfg_status status;       /* of the estimate itself (DFG_OK, DFG_ENOCONV, ...) */
    dfg_check_status check;  /* existence / identifiability of the chosen model */
    double n_obs;            /* people observed */
    double nhat;             /* estimated total */
    double se;               /* its standard error (NaN if none) */
    double dark;             /* nhat - n_obs */
    dfg_interval ci;
    char model[256];         /* the model used or chosen, bracket notation */
    double deviance, df, aic, bic;
    char note[160];          /* a warning for the reader, "" if none */
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
 * (B replicates plus, for BCa, one jackknife fit per distinct observed pattern). */
typedef void (*dfg_boot_progress_fn)(size_t done, size_t total, void *data);

typedef struct {
    size_t B;                   /* replicates, >= 1 (BCa needs >= 2); default 1000 */
    dfg_boot_type type;         /* default DFG_BOOT_NONPARAMETRIC */
    dfg_ci_type interval;       /* DFG_CI_BCA (default) or DFG_CI_PERCENTILE */
    double level;               /* in (0, 1); default 0.95 */
    uint32_t seed;              /* replicate b draws from stream (seed, b); default 1 */
    int threads;                /* worker threads, >= 1; default 1 */
    const double *fitted;       /* parametric only: the 2^k fitted cells of the point fit
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
    double nhat;          /* the estimator on the data */
    char model[256];      /* the model it chose on the data */
    dfg_interval ci;      /* the requested interval (point = nhat) */
    dfg_interval percentile; /* always computed */
    double z0, accel;     /* BCa bias correction and acceleration (NaN for percentile) */
    size_t n_jack;        /* jackknife fits (distinct observed patterns) */
    size_t n_jack_failed; /* of them, left out of the acceleration */
    /* Summaries over the replicates that did not fail: */
    size_t n_ok;
    double mean, median, se; /* se: standard deviation of the N*_b (divisor n_ok - 1) */
    size_t n_failed;      /* estimator returned an error or a non-finite N (left out) */
    size_t n_boundary;    /* of the others: chosen model not DFG_CHECK_FINE */
    double share_failed;  /* n_failed / B */
    double share_boundary; /* n_boundary / B */
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
 * Sets OpenBLAS to one thread (left so). Estimators must be reentrant.
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

#ifdef __cplusplus
}
#endif

#endif /* DARKFIG_H */
