/* tests/test_interval.c: unit tests of core/interval.c and models/two_list.c.
 *
 * Log-normal limits against hand computations (Python 3 math/statistics, shown below);
 * the profile of a 2 x 2 table against its closed form (for the independence model on
 * all four cells with y_00 = N - n, mu_ij = r_i c_j / N, Bishop, Fienberg & Holland 1975
 * ch. 6); dense and term designs against each other; argument checks.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"
#include "models.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <string.h>

static dfg_table *table_2x2(double n10, double n01, double n11)
{
    const char *names[2] = {"A", "B"};
    double y[4] = {0.0, n10, n01, n11};
    return dfg_table_from_cells(2, names, y, NULL);
}

/* Closed-form log L(N) of the independence model on a 2 x 2 table (up to a constant):
 * log N!/(N-n)! + sum_c y_c log(mu_c / N), mu_ij = r_i c_j / N; factorials exact for
 * N <= 100, Stirling x log x - x + log(2 pi x)/2 above (Rcapture closedpCI.t). */
static double stirling(double x)
{
    return x * log(x) - x + 0.5 * log(2.0 * 3.141592653589793 * x);
}

static double closed_loglik(double n10, double n01, double n11, double big_n)
{
    double n = n10 + n01 + n11, n1 = n10 + n11, n2 = n01 + n11;
    double y[4] = {big_n - n, n10, n01, n11};
    double mu[4] = {(big_n - n1) * (big_n - n2) / big_n, n1 * (big_n - n2) / big_n,
                    (big_n - n1) * n2 / big_n, n1 * n2 / big_n};
    double s = 0.0;
    for (int c = 0; c < 4; c++)
        if (y[c] > 0.0)
            s += y[c] * log(mu[c] / big_n);
    if (big_n <= 100.0)
        return s + lgamma(big_n + 1.0) - lgamma(big_n - n + 1.0);
    return s + stirling(big_n) - stirling(big_n - n);
}

static void profile_matches_closed_form(double n10, double n01, double n11, double level)
{
    dfg_table *t = table_2x2(n10, n01, n11);
    dfg_model m = {0, 0, NULL};
    dfg_interval ci;
    dfg_error err = {0};
    CHECK(t != NULL);
    CHECK_CODE(dfg_model_independence(2, &m, &err), DFG_OK);
    CHECK_CODE(dfg_interval_profile(t, 0, &m, NULL, level, &ci, &err), DFG_OK);
    CHECK(ci.type == DFG_CI_PROFILE && ci.level == level);
    CHECK(!ci.lower_at_n && !ci.upper_beyond);
    double q = gsl_cdf_chisq_Pinv(level, 1.0);
    double lm = closed_loglik(n10, n01, n11, ci.point);
    /* at the limits the profile deviance equals chi2_1(level) (root tolerance 1e-9 rel) */
    CHECK_ABS(2.0 * (lm - closed_loglik(n10, n01, n11, ci.lower)), q, 1e-5);
    CHECK_ABS(2.0 * (lm - closed_loglik(n10, n01, n11, ci.upper)), q, 1e-5);
    /* the point is the maximum: no higher value 1e-4 relative away on either side */
    double h = 1e-4 * ci.point;
    CHECK(lm >= closed_loglik(n10, n01, n11, ci.point - h) - 1e-9);
    CHECK(lm >= closed_loglik(n10, n01, n11, ci.point + h) - 1e-9);
    CHECK(ci.lower < ci.point && ci.point < ci.upper);
    dfg_model_free(&m);
    dfg_table_free(t);
}

/* The 3-list table of oracle_001.csv as dense design rows: pattern c = row c. */
static void dense_equals_terms(const char *spec)
{
    const char *names[3] = {"A", "B", "C"};
    double y[8] = {0, 120, 90, 30, 160, 50, 40, 15};
    dfg_error err = {0};
    dfg_table *t = dfg_table_from_cells(3, names, y, &err);
    dfg_model m = {0, 0, NULL};
    CHECK(t != NULL);
    CHECK_CODE(dfg_model_parse(spec, t, &m, &err), DFG_OK);
    size_t p = m.n_terms + 1;
    double x[8 * 8];
    for (size_t c = 0; c < 8; c++) {
        x[c] = 1.0;
        for (size_t j = 1; j < p; j++)
            x[j * 8 + c] = ((uint32_t)c & m.terms[j - 1]) == m.terms[j - 1] ? 1.0 : 0.0;
    }
    dfg_fit fit;
    memset(&fit, 0, sizeof fit);
    CHECK_CODE(dfg_loglin_fit(t, 0, &m, NULL, &fit, &err), DFG_OK);
    dfg_interval a, b;
    CHECK_CODE(dfg_interval_profile(t, 0, &m, NULL, 0.95, &a, &err), DFG_OK);
    CHECK_CODE(dfg_interval_profile_dense(8, p, x, y, fit.n_obs, fit.nhat, NULL, 0.95, &b, &err),
               DFG_OK);
    CHECK_REL(b.point, a.point, 1e-6);
    CHECK_REL(b.lower, a.lower, 1e-8);
    CHECK_REL(b.upper, a.upper, 1e-8);
    dfg_fit_free(&fit);
    dfg_model_free(&m);
    dfg_table_free(t);
}

int main(void)
{
    gsl_set_error_handler_off();
    dfg_interval ci;
    dfg_error err = {0};

    CHECK(strcmp(dfg_ci_type_name(DFG_CI_LOGNORMAL), "lognormal") == 0);
    CHECK(strcmp(dfg_ci_type_name(DFG_CI_PROFILE), "profile") == 0);
    CHECK(strcmp(dfg_ci_type_name(DFG_CI_LOGNORMAL_INTERCEPT), "lognormal-intercept") == 0);

    /* Chao (1987) by hand: n = 100, nhat = 150, se = 20: f0 = 50,
     * C = exp(z sqrt(log(1 + 400/2500))); z = 1.9599639845400536 gives C = 2.1277867147885523,
     * [100 + 50/C, 100 + 50 C] = [123.49859581906861, 206.38933573942762];
     * level 0.80: z = 1.2815515655446008, C = 1.6384026992439784,
     * [130.5175278477458, 181.92013496219892]. */
    CHECK_CODE(dfg_interval_lognormal(100, 150, 20, 0.95, &ci, &err), DFG_OK);
    CHECK_REL(ci.lower, 123.49859581906861, 1e-12);
    CHECK_REL(ci.upper, 206.38933573942762, 1e-12);
    CHECK(ci.point == 150 && ci.type == DFG_CI_LOGNORMAL && ci.level == 0.95);
    CHECK_CODE(dfg_interval_lognormal(100, 150, 20, 0.80, &ci, &err), DFG_OK);
    CHECK_REL(ci.lower, 130.5175278477458, 1e-12);
    CHECK_REL(ci.upper, 181.92013496219892, 1e-12);
    /* intercept form: b0 = log 50, se 0.3: n + exp(b0 -+ z 0.3)
     * 0.95: [127.77215250133366, 190.01822958735178]; 0.80: [134.0407227469812,
     * 173.44144889584356] */
    CHECK_CODE(dfg_interval_lognormal_intercept(100, log(50.0), 0.3, 0.95, &ci, &err), DFG_OK);
    CHECK_REL(ci.lower, 127.77215250133366, 1e-12);
    CHECK_REL(ci.upper, 190.01822958735178, 1e-12);
    CHECK_REL(ci.point, 150.0, 1e-12);
    CHECK(ci.type == DFG_CI_LOGNORMAL_INTERCEPT);
    CHECK_CODE(dfg_interval_lognormal_intercept(100, log(50.0), 0.3, 0.80, &ci, &err), DFG_OK);
    CHECK_REL(ci.lower, 134.0407227469812, 1e-12);
    CHECK_REL(ci.upper, 173.44144889584356, 1e-12);

    /* bad levels and arguments */
    const double bad[] = {0.0, 1.0, -0.5, 1.5, NAN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dfg_error e = {0};
        CHECK_CODE(dfg_interval_lognormal(100, 150, 20, bad[i], &ci, &e), DFG_EINVAL);
        CHECK(e.code == DFG_EINVAL && e.msg[0] != '\0');
        CHECK_CODE(dfg_interval_lognormal_intercept(100, 1.0, 0.3, bad[i], &ci, NULL), DFG_EINVAL);
    }
    CHECK_CODE(dfg_interval_lognormal(100, 150, -1, 0.95, &ci, NULL), DFG_EINVAL);
    CHECK_CODE(dfg_interval_lognormal(100, 90, 5, 0.95, &ci, NULL), DFG_EDATA);
    CHECK_CODE(dfg_interval_lognormal(100, 100, 0, 0.95, &ci, NULL), DFG_OK);
    CHECK(ci.lower == 100 && ci.upper == 100);
    CHECK_CODE(dfg_interval_lognormal(100, 150, 20, 0.95, NULL, NULL), DFG_EINVAL);
    {
        dfg_table *t = table_2x2(21, 16, 5);
        dfg_model m = {0, 0, NULL};
        CHECK_CODE(dfg_model_independence(2, &m, NULL), DFG_OK);
        CHECK_CODE(dfg_interval_profile(t, 0, &m, NULL, 1.0, &ci, NULL), DFG_EINVAL);
        CHECK_CODE(dfg_interval_profile(t, 1, &m, NULL, 0.95, &ci, NULL), DFG_EINVAL);
        CHECK_CODE(dfg_interval_profile(t, 0, NULL, NULL, 0.95, &ci, NULL), DFG_EINVAL);
        dfg_model_free(&m);
        dfg_table_free(t);
    }

    /* profile = closed form, in the exact-factorial range (N about 60..250) and above */
    profile_matches_closed_form(21, 16, 5, 0.95);
    profile_matches_closed_form(1417, 1741, 510, 0.95);
    profile_matches_closed_form(1417, 1741, 510, 0.80);
    profile_matches_closed_form(4466, 3422, 346, 0.95);

    /* dense design = term design */
    dense_equals_terms("[1,2,3]");
    dense_equals_terms("[12,3]");
    dense_equals_terms("[12,13]");

    /* two-list estimators: oracle_028 (n10 21, n01 16, n11 5): Lincoln-Petersen 26 21 / 5 =
     * 109.2, Chapman 27 22 / 6 - 1 = 98 (Rcapture closedp.bc gives 98) */
    {
        dfg_table *t = table_2x2(21, 16, 5);
        dfg_est_opts o = dfg_est_opts_default();
        dfg_estimate e;
        CHECK_CODE(dfg_est_lincoln_petersen.estimate(t, 0, &o, &e, &err), DFG_OK);
        CHECK_REL(e.nhat, 109.2, 1e-14);
        CHECK_REL(e.n_obs, 42.0, 0.0);
        /* var = n1 n2 (n1 - m)(n2 - m) / m^3 = 26 21 21 16 / 125 */
        CHECK_REL(e.se, sqrt(26.0 * 21 * 21 * 16 / 125), 1e-14);
        CHECK(e.ci.type == DFG_CI_LOGNORMAL && e.ci.lower < e.nhat && e.nhat < e.ci.upper);
        CHECK_CODE(dfg_est_chapman.estimate(t, 0, &o, &e, &err), DFG_OK);
        CHECK_REL(e.nhat, 98.0, 1e-14);
        /* Seber: 27 22 21 16 / (36 7) */
        CHECK_REL(e.se, sqrt(27.0 * 22 * 21 * 16 / (36 * 7)), 1e-14);
        o.list_a = 1;
        o.list_b = 1;
        CHECK_CODE(dfg_est_chapman.estimate(t, 0, &o, &e, NULL), DFG_EINVAL);
        o.list_a = 2;
        CHECK_CODE(dfg_est_chapman.estimate(t, 0, &o, &e, NULL), DFG_EINVAL);
        o.list_a = 1;
        o.list_b = -1; /* B against the others (= A): the same 2 x 2 table transposed */
        CHECK_CODE(dfg_est_chapman.estimate(t, 0, &o, &e, NULL), DFG_OK);
        CHECK_REL(e.nhat, 98.0, 1e-14);
        o.ci_type = DFG_CI_BCA;
        CHECK_CODE(dfg_est_chapman.estimate(t, 0, &o, &e, NULL), DFG_EINVAL);
        dfg_table_free(t);
        /* no overlap: Lincoln-Petersen infinite (DFG_ENOMLE, a note); Chapman 31 21 - 1 */
        t = table_2x2(30, 20, 0);
        o = dfg_est_opts_default();
        dfg_error e2 = {0};
        CHECK_CODE(dfg_est_lincoln_petersen.estimate(t, 0, &o, &e, &e2), DFG_ENOMLE);
        CHECK(e.status == DFG_ENOMLE && isinf(e.nhat) && e.note[0] != '\0');
        CHECK(e2.code == DFG_ENOMLE);
        CHECK_CODE(dfg_est_chapman.estimate(t, 0, &o, &e, NULL), DFG_OK);
        CHECK_REL(e.nhat, 31.0 * 21.0 - 1.0, 1e-14);
        CHECK(e.note[0] != '\0' && isfinite(e.ci.upper));
        dfg_table_free(t);
    }
    /* allocation failures (SWEEP_ALLOC, tests/check.h) */
    {
        dfg_table *t = table_2x2(1417, 1741, 510);
        dfg_model m = {0, 0, NULL};
        dfg_est_opts o = dfg_est_opts_default();
        dfg_estimate e;
        o.ci_type = DFG_CI_PROFILE;
        CHECK_CODE(dfg_model_independence(2, &m, NULL), DFG_OK);
        SWEEP_ALLOC("profile 2 lists", dfg_interval_profile(t, 0, &m, NULL, 0.95, &ci, &sweep_err),
                    (void)0);
        SWEEP_ALLOC("chapman profile", dfg_est_chapman.estimate(t, 0, &o, &e, &sweep_err), (void)0);
        dfg_model_free(&m);
        dfg_table_free(t);
    }
    CHECK(strcmp(dfg_est_lincoln_petersen.name, "lincoln-petersen") == 0);
    CHECK(strcmp(dfg_est_chapman.name, "chapman") == 0);
    CHECK_DONE();
}
