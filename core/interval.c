/* core/interval.c: log-normal and profile-likelihood intervals for the population size N.
 *
 * Log-normal (Chao 1987, Biometrics 43:783-791), what Rcapture prints for closed models:
 *   f0 = nhat - n, C = exp(z sqrt(log(1 + var(nhat) / f0^2))), [n + f0 / C, n + f0 C].
 * Log-normal of the intercept, what SparseMSE (estimatepopulation.0) and
 * MultipleSystemsEstimation print ("n + log-normal quantiles of exp(intercept)"):
 *   [n + exp(b0 - z se(b0)), n + exp(b0 + z se(b0))].
 * Profile likelihood (Cormack 1992, Biometrics 48:567-576), as Rcapture 1.4's closedpCI.t
 * computes it (Baillargeon & Rivest 2007, J. Stat. Software 19(5)): for fixed N the
 * multinomial log-likelihood of the 2^k cells, with the unobserved cell holding N - n,
 *   log L(N) = log N! - log (N - n)! + sum_c y_c log(mu_c / N)   (c = 0 .. 2^k - 1),
 * maximised over the model parameters: the mu_c are the Poisson log-linear fit to all
 * 2^k cells with y_0 = N - n (with an intercept, sum mu = N). The factorials are exact
 * (lgamma) for N <= 100 and Stirling's x log x - x + log(2 pi x) / 2 above; with the
 * Stirling form log L(N) = const - S(N) - n + log(N / (N - n)) / 2, S = sum y log(y / mu):
 * the Poisson deviance plus Cormack's correction term log(N / (N - n)) / 2. N is
 * continuous. The maximiser N_mult is sought on (n, 1.5 nhat) (nhat the Poisson
 * estimate), the limits {N : 2 (log L(N_mult) - log L(N)) = chi2_1(level)} on
 * (n, N_mult) and (N_mult, 3 nhat); no sign change gives lower = n or upper = NaN.
 * This form, the switch at N = 100 and the search ranges were matched to Rcapture's
 * printed limits (tests/ref_oracle_interval.c), not read from its code.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

const char *dfg_ci_type_name(dfg_ci_type t)
{
    switch (t) {
    case DFG_CI_NONE:
        return "none";
    case DFG_CI_LOGNORMAL:
        return "lognormal";
    case DFG_CI_PROFILE:
        return "profile";
    case DFG_CI_PERCENTILE:
        return "percentile";
    case DFG_CI_BCA:
        return "bca";
    case DFG_CI_LOGNORMAL_INTERCEPT:
        return "lognormal-intercept";
    case DFG_CI_POSTERIOR:
        return "posterior";
    }
    return "unknown";
}

static void ci_init(dfg_interval *ci, dfg_ci_type type, double level)
{
    memset(ci, 0, sizeof *ci);
    ci->type = type;
    ci->level = level;
    ci->lower = ci->upper = ci->point = ci->search_limit = NAN;
}

dfg_status dfg_level_check(double level, dfg_error *err)
{
    if (!(level >= DFG_LEVEL_MIN && level <= DFG_LEVEL_MAX)) /* also catches NaN */
        return dfg_err_set(err, DFG_EINVAL, "level",
                           "interval level %g: must be between %g and %g (e.g. 0.95)", level,
                           DFG_LEVEL_MIN, DFG_LEVEL_MAX);
    return DFG_OK;
}

static dfg_status check_level(double level, dfg_error *err)
{
    return dfg_level_check(level, err);
}

dfg_status dfg_interval_lognormal(double n_obs, double nhat, double se_nhat, double level,
                                  dfg_interval *ci, dfg_error *err)
{
    if (!ci)
        return dfg_err_set(err, DFG_EINVAL, "interval", "NULL interval");
    ci_init(ci, DFG_CI_LOGNORMAL, level);
    dfg_status rc = check_level(level, err);
    if (rc != DFG_OK)
        return rc;
    if (!isfinite(n_obs) || !isfinite(nhat) || !(se_nhat >= 0.0) || !isfinite(se_nhat))
        return dfg_err_set(err, DFG_EINVAL, "interval",
                           "lognormal: n, nhat and se must be finite, se >= 0 (n %g, nhat %g, "
                           "se %g)",
                           n_obs, nhat, se_nhat);
    ci->point = nhat;
    /* f0 = nhat - n: the estimated dark figure */
    double f0 = nhat - n_obs;
    if (f0 == 0.0 && se_nhat == 0.0) {
        ci->lower = ci->upper = nhat;
        return DFG_OK;
    }
    if (!(f0 > 0.0))
        return dfg_err_set(err, DFG_EDATA, "interval", "lognormal: needs nhat > n (nhat %g, n %g)",
                           nhat, n_obs);
    /* z = Phi^-1((1 + level) / 2) */
    double z = gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * level);
    /* C = exp(z sqrt(log(1 + var / f0^2))) */
    double r = se_nhat / f0;
    double c = exp(z * sqrt(log1p(r * r)));
    ci->lower = n_obs + f0 / c;
    ci->upper = n_obs + f0 * c;
    return DFG_OK;
}

dfg_status dfg_interval_lognormal_intercept(double n_obs, double beta0, double se_beta0,
                                            double level, dfg_interval *ci, dfg_error *err)
{
    if (!ci)
        return dfg_err_set(err, DFG_EINVAL, "interval", "NULL interval");
    ci_init(ci, DFG_CI_LOGNORMAL_INTERCEPT, level);
    dfg_status rc = check_level(level, err);
    if (rc != DFG_OK)
        return rc;
    if (!isfinite(n_obs) || !isfinite(beta0) || !(se_beta0 >= 0.0) || !isfinite(se_beta0))
        return dfg_err_set(err, DFG_EINVAL, "interval",
                           "lognormal-intercept: n, b0 and se(b0) must be finite, se >= 0");
    double z = gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * level);
    /* N = n + exp(b0), limits n + exp(b0 -+ z se(b0)) */
    ci->point = n_obs + exp(beta0);
    ci->lower = n_obs + exp(beta0 - z * se_beta0);
    ci->upper = n_obs + exp(beta0 + z * se_beta0);
    return DFG_OK;
}

/* ** {======================================================================
 * The profile likelihood, shared by term and dense designs
 * ======================================================================= */

typedef struct {
    /* design: a term design when terms != NULL, else dense x (n_rows x p) */
    size_t k;
    const uint32_t *terms;
    const double *x;
    size_t n_rows, p;
    const dfg_glm_opts *o;
    double n_obs;
    double *y;          /* n_rows; y[0] = N - n for the current N */
    double *beta;       /* p: the last estimate, the warm start of the next fit */
    double *mu;         /* n_rows */
    unsigned char *use; /* n_rows ones: every cell, the unobserved one included */
    dfg_glm_work *w;
    int have_beta;
    int n_noconv;  /* fits that stopped at the iteration limit */
    dfg_status rc; /* the first hard failure inside a search */
    dfg_error *err;
} profile;

static dfg_status profile_glm(profile *pr, int warm, dfg_error *err)
{
    if (pr->terms)
        return dfg_glm_fit_terms(pr->k, pr->terms, pr->p, pr->y, pr->use, warm, pr->o, pr->w,
                                 pr->beta, pr->mu, NULL, NULL, err);
    return dfg_glm_fit_dense(pr->n_rows, pr->p, pr->x, pr->y, pr->use, warm, pr->o, pr->w, pr->beta,
                             pr->mu, NULL, NULL, err);
}

/* log L(N) up to a constant (sum over observed cells of y log y), NaN on failure. */
static double profile_loglik(profile *pr, double big_n)
{
    if (pr->rc != DFG_OK)
        return NAN;
    double n = pr->n_obs, y0 = big_n - n;
    if (y0 < 0.0)
        y0 = 0.0;
    pr->y[0] = y0;
    dfg_error scratch = {0};
    dfg_status rc;
    if (pr->have_beta) {
        rc = profile_glm(pr, 1, &scratch);
        if (rc != DFG_OK && rc != DFG_ENOMEM) { /* warm start failed: start again cold */
            dfg_error_clear(&scratch);
            rc = profile_glm(pr, 0, &scratch);
        }
    } else {
        rc = profile_glm(pr, 0, &scratch);
    }
    if (rc == DFG_ENOCONV) {
        pr->n_noconv++;
    } else if (rc != DFG_OK) {
        pr->rc = dfg_err_set(pr->err, rc, "interval", "profile fit at N = %.10g: %s", big_n,
                             scratch.msg);
        return NAN;
    }
    pr->have_beta = 1;
    /* S = D / 2 = sum_c [y_c log(y_c / mu_c) - (y_c - mu_c)], 0 log 0 = 0, the unobserved
     * cell included. At the MLE sum (y - mu) = 0 (intercept), so S = sum y log(y / mu);
     * with the (y - mu) term S is stationary in beta, and a fit stopped by the deviance
     * rule (first-order error in mu) still gives log L to second order. */
    double s = 0.0;
    for (size_t c = 0; c < pr->n_rows; c++) {
        double yc = pr->y[c], mc = pr->mu[c];
        s += (yc > 0.0 ? yc * log(yc / mc) : 0.0) - (yc - mc);
    }
    /* log L = C - S + (N - n) log(N - n) - N log N + log N! - log (N - n)! */
    if (big_n <= 100.0) {
        double t = (y0 > 0.0 ? y0 * log(y0) : 0.0) - big_n * log(big_n);
        return -s + t + lgamma(big_n + 1.0) - lgamma(y0 + 1.0);
    }
    /* Stirling for both factorials: -n + log(N / (N - n)) / 2 (Cormack's correction term);
     * at N = n exactly (0! = 1, only at the end of a search range) -N + log(2 pi N) / 2. */
    if (y0 > 0.0)
        return -s - n - 0.5 * log1p(-n / big_n);
    return -s - big_n + 0.5 * log(2.0 * 3.14159265358979323846 * big_n);
}

/* Maximise log L on (a, b): Brent's (1973, ch. 5) golden-section search with parabolic
 * steps, the method of R's optimize; x tolerance sqrt(eps) |x| + 1e-7. Declared in
 * core/internal.h. */
double dfg_profile_argmax(double (*loglik)(void *arg, double big_n), void *arg,
                          const dfg_status *rc, double a, double b, double *lmax)
{
    const double gold = 0.5 * (3.0 - sqrt(5.0));
    double x = a + gold * (b - a), w = x, v = x;
    double fx = -loglik(arg, x), fw = fx, fv = fx;
    double d = 0.0, e = 0.0;
    for (int it = 0; it < 500 && *rc == DFG_OK; it++) {
        double m = 0.5 * (a + b);
        double tol = sqrt(DBL_EPSILON) * fabs(x) + 1e-7, t2 = 2.0 * tol;
        if (fabs(x - m) <= t2 - 0.5 * (b - a))
            break;
        int golden = 1;
        if (fabs(e) > tol) { /* parabola through (v, fv), (w, fw), (x, fx) */
            double r = (x - w) * (fx - fv);
            double q = (x - v) * (fx - fw);
            double p = (x - v) * q - (x - w) * r;
            q = 2.0 * (q - r);
            if (q > 0.0)
                p = -p;
            else
                q = -q;
            double e_old = e;
            if (fabs(p) < fabs(0.5 * q * e_old) && p > q * (a - x) && p < q * (b - x)) {
                e = d;
                d = p / q;
                double u = x + d;
                if (u - a < t2 || b - u < t2)
                    d = x < m ? tol : -tol;
                golden = 0;
            }
        }
        if (golden) {
            e = (x < m ? b : a) - x;
            d = gold * e;
        }
        double u = x + (fabs(d) >= tol ? d : (d > 0.0 ? tol : -tol));
        double fu = -loglik(arg, u);
        if (!(fu == fu)) /* NaN: a failed fit (*rc set) */
            break;
        if (fu <= fx) {
            if (u < x)
                b = x;
            else
                a = x;
            v = w;
            fv = fw;
            w = x;
            fw = fx;
            x = u;
            fx = fu;
        } else {
            if (u < x)
                a = u;
            else
                b = u;
            if (fu <= fw || w == x) {
                v = w;
                fv = fw;
                w = u;
                fw = fu;
            } else if (fu <= fv || v == x || v == w) {
                v = u;
                fv = fu;
            }
        }
    }
    *lmax = -fx;
    return x;
}

static double profile_loglik_cb(void *arg, double big_n)
{
    return profile_loglik(arg, big_n);
}

typedef struct {
    profile *pr;
    double lmax, q;
} root_ctx;

/* g(N) = 2 (log L(N_mult) - log L(N)) - chi2_1(level) */
static double profile_g(double big_n, void *arg)
{
    root_ctx *c = arg;
    return 2.0 * (c->lmax - profile_loglik(c->pr, big_n)) - c->q;
}

/* The root of g in (a, b), where g(a) and g(b) have opposite signs (GSL's Brent). */
static double profile_root(root_ctx *c, double a, double b)
{
    gsl_function f = {profile_g, c};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s) {
        c->pr->rc = dfg_err_set(c->pr->err, DFG_ENOMEM, "interval", "root solver");
        return NAN;
    }
    double r = NAN;
    if (gsl_root_fsolver_set(s, &f, a, b) == GSL_SUCCESS) {
        for (int it = 0; it < 200; it++) {
            if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS || c->pr->rc != DFG_OK)
                break;
            r = gsl_root_fsolver_root(s);
            double lo = gsl_root_fsolver_x_lower(s), hi = gsl_root_fsolver_x_upper(s);
            if (gsl_root_test_interval(lo, hi, 1e-9, 1e-11) == GSL_SUCCESS)
                break;
        }
    }
    gsl_root_fsolver_free(s);
    if (!isfinite(r) && c->pr->rc == DFG_OK)
        c->pr->rc = dfg_err_set(c->pr->err, DFG_EINTERNAL, "interval",
                                "profile root not found on (%.10g, %.10g)", a, b);
    return r;
}

/* The interval from a profile whose y[1..], design and (optional) warm start are set. */
static dfg_status profile_run(profile *pr, double nhat, double level, dfg_interval *ci)
{
    double n = pr->n_obs;
    ci->search_limit = 3.0 * nhat;
    if (!(nhat >= n) || !isfinite(nhat) || !(n > 0.0))
        return dfg_err_set(pr->err, DFG_EDATA, "interval",
                           "profile: needs a finite Poisson estimate nhat >= n > 0 (n %g, nhat "
                           "%g)",
                           n, nhat);
    /* N_mult = argmax log L on (n, 1.5 nhat) */
    double lmax;
    double n_mult = dfg_profile_argmax(profile_loglik_cb, pr, &pr->rc, n, 1.5 * nhat, &lmax);
    if (pr->rc != DFG_OK)
        return pr->rc;
    ci->point = n_mult;
    root_ctx c = {pr, lmax, gsl_cdf_chisq_Pinv(level, 1.0)};
    /* lower: a root on (n, N_mult) if g(n) > 0, else n */
    double g_lo = profile_g(n, &c);
    if (pr->rc != DFG_OK)
        return pr->rc;
    if (g_lo > 0.0 && n_mult > n) {
        ci->lower = profile_root(&c, n, n_mult);
    } else {
        ci->lower = n;
        ci->lower_at_n = 1;
    }
    if (pr->rc != DFG_OK)
        return pr->rc;
    /* upper: a root on (N_mult, 3 nhat) if g(3 nhat) > 0, else NaN */
    double g_hi = profile_g(3.0 * nhat, &c);
    if (pr->rc != DFG_OK)
        return pr->rc;
    if (g_hi > 0.0 && 3.0 * nhat > n_mult) {
        ci->upper = profile_root(&c, n_mult, 3.0 * nhat);
    } else {
        ci->upper = NAN;
        ci->upper_beyond = 1;
    }
    if (pr->rc != DFG_OK)
        return pr->rc;
    if (pr->n_noconv > 0)
        return dfg_err_set(pr->err, DFG_ENOCONV, "interval",
                           "%d profile fits reached the iteration limit", pr->n_noconv);
    return DFG_OK;
}

static void profile_free(profile *pr)
{
    dfg_glm_work_free(pr->w);
    dfg_free(pr->y);
    dfg_free(pr->beta);
    dfg_free(pr->mu);
    dfg_free(pr->use);
}

static dfg_status profile_alloc(profile *pr, size_t n_rows, size_t p, dfg_error *err)
{
    pr->n_rows = n_rows;
    pr->p = p;
    pr->err = err;
    pr->rc = DFG_OK;
    if (p > DFG_MAX_PARAMS)
        return dfg_err_set(err, DFG_EINVAL, "interval",
                           "the model has %zu parameters; a fit takes at most %d", p,
                           DFG_MAX_PARAMS);
    if (!(pr->y = dfg_calloc(n_rows, sizeof *pr->y)) ||
        !(pr->mu = dfg_calloc(n_rows, sizeof *pr->mu)) ||
        !(pr->beta = dfg_calloc(p, sizeof *pr->beta)) || !(pr->use = dfg_malloc(n_rows)) ||
        !(pr->w = dfg_glm_work_alloc(n_rows, p)))
        return dfg_err_set(err, DFG_ENOMEM, "interval", "profile n=%zu p=%zu", n_rows, p);
    memset(pr->use, 1, n_rows);
    return DFG_OK;
}

dfg_status dfg_interval_profile(const dfg_table *t, size_t s, const dfg_model *m,
                                const dfg_glm_opts *opts, double level, dfg_interval *ci,
                                dfg_error *err)
{
    if (!ci)
        return dfg_err_set(err, DFG_EINVAL, "interval", "NULL interval");
    ci_init(ci, DFG_CI_PROFILE, level);
    dfg_status rc = check_level(level, err);
    if (rc != DFG_OK)
        return rc;
    if (!t || !m || (!m->terms && m->n_terms > 0))
        return dfg_err_set(err, DFG_EINVAL, "interval", "NULL table or model");
    size_t k = dfg_table_k(t);
    if (m->k != k)
        return dfg_err_set(err, DFG_EINVAL, "interval", "model has %zu lists, table %zu", m->k, k);
    if (k > DFG_MAX_FIT_LISTS)
        return dfg_err_too_many_lists(err, k);
    if (s >= dfg_table_n_strata(t))
        return dfg_err_set(err, DFG_EINVAL, "interval", "stratum %zu of %zu", s,
                           dfg_table_n_strata(t));
    size_t n_cells = (size_t)1 << k, p = m->n_terms + 1;
    profile pr;
    memset(&pr, 0, sizeof pr);
    pr.k = k;
    pr.o = opts;
    uint32_t *terms = NULL;
    unsigned char *use = NULL;
    if ((rc = profile_alloc(&pr, n_cells, p, err)) != DFG_OK)
        goto done;
    if (!(terms = dfg_malloc(p * sizeof *terms)) || !(use = dfg_malloc(n_cells))) {
        rc = dfg_err_set(err, DFG_ENOMEM, "interval", "profile terms");
        goto done;
    }
    /* terms[0] = 0: the intercept */
    terms[0] = 0;
    memcpy(terms + 1, m->terms, m->n_terms * sizeof *terms);
    pr.terms = terms;
    if ((rc = dfg_table_cells(t, s, pr.y, err)) != DFG_OK)
        goto done;
    pr.n_obs = dfg_table_n_obs(t, s);
    /* the Poisson fit on the observable cells: nhat = n + exp(beta_0) */
    memset(use, 1, n_cells);
    use[0] = 0;
    dfg_error fit_err = {0};
    rc = dfg_glm_fit_terms(k, terms, p, pr.y, use, 0, opts, pr.w, pr.beta, pr.mu, NULL, NULL,
                           &fit_err);
    if (rc != DFG_OK && rc != DFG_ENOCONV) {
        dfg_err_set(err, rc, "interval", "Poisson fit: %s", fit_err.msg);
        goto done;
    }
    pr.have_beta = 1; /* at N = nhat the full fit equals this one */
    rc = profile_run(&pr, pr.n_obs + exp(pr.beta[0]), level, ci);
done:
    dfg_free(terms);
    dfg_free(use);
    profile_free(&pr);
    return rc;
}

dfg_status dfg_interval_profile_dense(size_t n_rows, size_t p, const double *x, const double *y,
                                      double n_obs, double nhat, const dfg_glm_opts *o,
                                      double level, dfg_interval *ci, dfg_error *err)
{
    if (!ci)
        return dfg_err_set(err, DFG_EINVAL, "interval", "NULL interval");
    ci_init(ci, DFG_CI_PROFILE, level);
    dfg_status rc = check_level(level, err);
    if (rc != DFG_OK)
        return rc;
    if (!x || !y || n_rows < 2 || p == 0)
        return dfg_err_set(err, DFG_EINVAL, "interval", "profile: bad dense design");
    profile pr;
    memset(&pr, 0, sizeof pr);
    pr.x = x;
    pr.o = o;
    pr.n_obs = n_obs;
    if ((rc = profile_alloc(&pr, n_rows, p, err)) == DFG_OK) {
        memcpy(pr.y + 1, y + 1, (n_rows - 1) * sizeof *y);
        rc = profile_run(&pr, nhat, level, ci);
    }
    profile_free(&pr);
    return rc;
}

/* ** }====================================================================== */
