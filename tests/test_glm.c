/* tests/test_glm.c: the Poisson GLM engine (core/glm.c, core/la.c) against independent
 * closed forms, and its error paths.
 *  - 2 lists, main effects on the 3 observable cells: saturated, so m0 = n10 n01 / n11 and
 *    N = n1 n2 / m (Lincoln-Petersen; Petersen 1896, Lincoln 1930), and
 *    var(beta_0) = 1/n10 + 1/n01 + 1/n11 (the saturated Poisson model's variance of a log
 *    cross-product ratio; Bishop, Fienberg & Holland 1975, sec. 6.2).
 *  - independence on the full 2^3 table (cell 0 observed): mu_c = n prod_j p_j^c_j
 *    (1 - p_j)^(1 - c_j) with the marginal proportions p_j (Bishop et al. 1975, ch. 3).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"

#include <math.h>
#include <string.h>

/* deviance 2 sum [y log(y / mu) - (y - mu)] with logs, over used cells */
static double deviance_direct(size_t n, const double *y, const double *mu, const unsigned char *use)
{
    double d = 0.0;
    for (size_t c = 0; c < n; c++) {
        if (!use[c])
            continue;
        d += (y[c] > 0.0 ? y[c] * log(y[c] / mu[c]) : 0.0) - (y[c] - mu[c]);
    }
    return 2.0 * d;
}
/* Shared by the cases: the default options, a workspace for up to 64 cells and 16
 * parameters, and the outputs of the fits. */
static dfg_glm_opts o;
static dfg_glm_work *w;
static dfg_error err;
static double beta[16], mu[64], cov[256], beta2[16], mu2[64];
static dfg_glm_info info;

/* netherlands_6, P against the other lists: n11 = 346, n10 = 4466, n01 = 3422 (README
 * "Closed forms") */
static void two_list_main_effects_give_lincoln_petersen(void)
{
    double y[4] = {0.0, 4466.0, 3422.0, 346.0};
    uint32_t terms[3] = {0, 1, 2};
    CHECK_CODE(dfg_glm_fit_terms(2, terms, 3, y, NULL, 0, &o, w, beta, mu, cov, &info, &err),
               DFG_OK);
    double n1 = 4466.0 + 346.0, n2 = 3422.0 + 346.0, m = 346.0;
    double n = 4466.0 + 3422.0 + 346.0;
    CHECK_REL(n + exp(beta[0]), n1 * n2 / m, 1e-12);
    CHECK_REL(n + mu[0], 52403.5, 1e-6); /* README: Lincoln-Petersen 52403.5 */
    CHECK_REL(cov[0], 1.0 / 4466.0 + 1.0 / 3422.0 + 1.0 / 346.0, 1e-9);
    CHECK_ABS(info.deviance, 0.0, 1e-9); /* saturated */
    CHECK(info.rank == 3 && info.iter >= 2);
    CHECK_REL(mu[3], 346.0, 1e-12);
    /* cov is symmetric */
    CHECK(cov[1] == cov[3] && cov[2] == cov[6] && cov[5] == cov[7]);
}

static void full_table_independence_has_closed_form_fitted_values(void)
{
    double y[8] = {50.0, 30.0, 20.0, 12.0, 25.0, 9.0, 7.0, 3.0};
    unsigned char use[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    uint32_t terms[4] = {0, 1, 2, 4};
    CHECK_CODE(dfg_glm_fit_terms(3, terms, 4, y, use, 0, &o, w, beta, mu, cov, &info, &err),
               DFG_OK);
    double n = 0.0, m[3] = {0.0, 0.0, 0.0};
    for (unsigned c = 0; c < 8; c++) {
        n += y[c];
        for (unsigned j = 0; j < 3; j++)
            if (c & (1u << j))
                m[j] += y[c];
    }
    double maxrel = 0.0;
    for (unsigned c = 0; c < 8; c++) {
        double e = n;
        for (unsigned j = 0; j < 3; j++)
            e *= (c & (1u << j)) ? m[j] / n : 1.0 - m[j] / n;
        maxrel = fmax(maxrel, fabs(mu[c] - e) / e);
    }
    CHECK(maxrel < 1e-10);
    CHECK_REL(info.deviance, deviance_direct(8, y, mu, use), 1e-10);
    CHECK_REL(info.loglik, dfg_poisson_loglik(8, y, mu, use), 1e-12);
    /* dfg_poisson_loglik against a hand sum for cells 1 and 0:
     * y log mu - mu - log y! */
    unsigned char u1[8] = {1, 1, 0, 0, 0, 0, 0, 0};
    double ll = 50.0 * log(mu[0]) - mu[0] - lgamma(51.0) + 30.0 * log(mu[1]) - mu[1] - lgamma(31.0);
    CHECK_REL(dfg_poisson_loglik(8, y, mu, u1), ll, 1e-13);
}

/* 3 lists, [12,3] on the observable cells, zeros in y: the dense and the term designs
 * (core/glm.c's two paths) */
static const double y3[8] = {0.0, 40.0, 31.0, 9.0, 22.0, 0.0, 5.0, 2.0};
static const uint32_t terms3[5] = {0, 1, 2, 4, 3};
static const unsigned char use3[8] = {0, 1, 1, 1, 1, 1, 1, 1};

/* The dense design of terms3: column j is the indicator of cells holding terms3[j]. */
static void dense_design(double *x)
{
    for (size_t j = 0; j < 5; j++)
        for (uint32_t c = 0; c < 8; c++)
            x[c + 8 * j] = (c & terms3[j]) == terms3[j] ? 1.0 : 0.0;
}

static void dense_and_term_designs_agree(void)
{
    double x[8 * 5], cov2[25];
    dense_design(x);
    dfg_glm_info info2;
    CHECK_CODE(dfg_glm_fit_terms(3, terms3, 5, y3, NULL, 0, &o, w, beta, mu, cov, &info, &err),
               DFG_OK);
    CHECK_CODE(dfg_glm_fit_dense(8, 5, x, y3, use3, 0, &o, w, beta2, mu2, cov2, &info2, &err),
               DFG_OK);
    double db = 0.0, dm = 0.0, dc = 0.0;
    for (size_t j = 0; j < 5; j++)
        db = fmax(db, fabs(beta[j] - beta2[j]));
    for (size_t c = 0; c < 8; c++)
        dm = fmax(dm, fabs(mu[c] - mu2[c]) / mu2[c]);
    for (size_t i = 0; i < 25; i++)
        dc = fmax(dc, fabs(cov[i] - cov2[i]) / (fabs(cov2[i]) + 1e-300));
    CHECK(db < 1e-10);
    CHECK(dm < 1e-10);
    CHECK(dc < 1e-8);
    CHECK_ABS(info.deviance, info2.deviance, 1e-10);
    CHECK(info.rank == 5 && info2.rank == 5);
    CHECK_REL(info.deviance, deviance_direct(8, y3, mu, use3), 1e-10);
    /* the score X'(y - mu) vanishes at the estimate: sum over cells containing each term */
    double smax = 0.0;
    for (size_t j = 0; j < 5; j++) {
        double s = 0.0;
        for (uint32_t c = 1; c < 8; c++)
            if ((c & terms3[j]) == terms3[j])
                s += y3[c] - mu[c];
        smax = fmax(smax, fabs(s));
    }
    CHECK(smax < 1e-8);
}

static void start_from_beta_at_the_estimate_converges_at_once(void)
{
    dfg_glm_info info2;
    CHECK_CODE(dfg_glm_fit_terms(3, terms3, 5, y3, NULL, 0, &o, w, beta, mu, cov, &info, &err),
               DFG_OK);
    CHECK_CODE(dfg_glm_fit_terms(3, terms3, 5, y3, NULL, 1, &o, w, beta, mu2, NULL, &info2, &err),
               DFG_OK);
    CHECK(info2.iter <= 2);
    CHECK_ABS(info2.deviance, info.deviance, 1e-10);
}

static void enoconv_with_max_iter_1_keeps_the_last_iterate_finite(void)
{
    dfg_glm_opts o1 = o;
    o1.max_iter = 1;
    dfg_glm_info info2;
    dfg_error e = {0};
    CHECK_CODE(dfg_glm_fit_terms(3, terms3, 5, y3, NULL, 0, &o1, w, beta2, mu2, NULL, &info2, &e),
               DFG_ENOCONV);
    CHECK(e.code == DFG_ENOCONV && info2.iter == 1);
    int finite = 1;
    for (size_t j = 0; j < 5; j++)
        finite &= isfinite(beta2[j]);
    CHECK(finite && isfinite(info2.deviance));
}

/* column 5 = column 2 + column 3 */
static void esing_on_a_rank_deficient_dense_design(void)
{
    double xs[8 * 5], cov2[25];
    dense_design(xs);
    for (size_t c = 0; c < 8; c++)
        xs[c + 8 * 4] = xs[c + 8 * 1] + xs[c + 8 * 2];
    dfg_glm_info info2;
    dfg_error e2 = {0};
    CHECK_CODE(dfg_glm_fit_dense(8, 5, xs, y3, use3, 0, &o, w, beta2, mu2, cov2, &info2, &e2),
               DFG_ESING);
    CHECK(info2.rank == 4);
    CHECK(isnan(cov2[0]));
}

/* cells 3 and 7 hold term 12 */
static void esing_when_the_cells_of_a_term_are_out_of_use(void)
{
    unsigned char use2[8] = {0, 1, 1, 0, 1, 1, 1, 0};
    dfg_glm_info info2;
    dfg_error e3 = {0};
    CHECK_CODE(dfg_glm_fit_terms(3, terms3, 5, y3, use2, 0, &o, w, beta2, mu2, NULL, &info2, &e3),
               DFG_ESING);
    CHECK(info2.rank == 4);
}

/* dfg_loglin_fit_cells starts Mt at the root of Darroch's equation (core/loglin.c); the
 * estimate must be the one the engine reaches from R's start mu = y + 0.1 (an independent
 * path), and a table without overlaps (no finite root) must still take the usual start
 * and report ENOCONV/ESING rather than a wrong estimate. */
static void independence_start_gives_the_glm_estimate(void)
{
    double y[8] = {0.0, 40.0, 31.0, 9.0, 22.0, 4.0, 5.0, 2.0};
    uint32_t terms[4] = {0, 1, 2, 4};
    dfg_model mi = {0};
    CHECK_CODE(dfg_model_independence(3, &mi, &err), DFG_OK);
    dfg_loglin_work *lw = dfg_loglin_work_alloc(3, 0);
    dfg_fit f;
    CHECK_CODE(dfg_loglin_fit_cells(lw, 3, y, &mi, NULL, 0, &o, &f, &err), DFG_OK);
    CHECK_CODE(dfg_glm_fit_terms(3, terms, 4, y, NULL, 0, &o, w, beta, mu, cov, &info, &err),
               DFG_OK);
    CHECK_REL(f.m0, mu[0], 1e-9);
    CHECK_REL(f.var_beta0, cov[0], 1e-7);
    CHECK_ABS(f.deviance, info.deviance, 1e-9);
    CHECK(f.iter < info.iter);
    double yn[8] = {0.0, 40.0, 31.0, 0.0, 22.0, 0.0, 0.0, 0.0}; /* nobody on two lists */
    dfg_error e4 = {0};
    dfg_status r4 = dfg_loglin_fit_cells(lw, 3, yn, &mi, NULL, 0, &o, &f, &e4);
    CHECK(r4 == DFG_ENOCONV || r4 == DFG_ESING);
    dfg_loglin_work_free(lw);
    dfg_model_free(&mi);
}

static void fits_do_not_allocate(void)
{
    double y[8] = {0.0, 40.0, 31.0, 9.0, 22.0, 0.0, 5.0, 2.0};
    uint32_t terms[5] = {0, 1, 2, 4, 3};
    dfg_alloc_fail_after(0);
    dfg_status rc = dfg_glm_fit_terms(3, terms, 5, y, NULL, 0, &o, w, beta, mu, cov, &info, &err);
    long calls = dfg_alloc_count();
    dfg_alloc_fail_after(-1);
    CHECK_CODE(rc, DFG_OK);
    CHECK(calls == 0);
}

static void bad_arguments_are_einval(void)
{
    double y[4] = {0.0, 10.0, 12.0, 3.0};
    uint32_t terms[3] = {0, 1, 2};
    dfg_glm_opts bad = o;
    bad.tol = NAN;
    CHECK_CODE(dfg_glm_fit_terms(2, terms, 3, y, NULL, 0, &bad, w, beta, mu, NULL, &info, NULL),
               DFG_EINVAL);
    bad = o;
    bad.max_iter = 0;
    CHECK_CODE(dfg_glm_fit_terms(2, terms, 3, y, NULL, 0, &bad, w, beta, mu, NULL, &info, NULL),
               DFG_EINVAL);
    uint32_t outside[3] = {0, 1, 4};
    CHECK_CODE(dfg_glm_fit_terms(2, outside, 3, y, NULL, 0, &o, w, beta, mu, NULL, &info, NULL),
               DFG_EINVAL);
    double yneg[4] = {0.0, -1.0, 12.0, 3.0};
    CHECK_CODE(dfg_glm_fit_terms(2, terms, 3, yneg, NULL, 0, &o, w, beta, mu, NULL, &info, NULL),
               DFG_EINVAL);
    dfg_glm_work *tiny = dfg_glm_work_alloc(4, 2);
    CHECK_CODE(dfg_glm_fit_terms(2, terms, 3, y, NULL, 0, &o, tiny, beta, mu, NULL, &info, NULL),
               DFG_EINVAL);
    dfg_glm_work_free(tiny);
    dfg_glm_work_free(NULL);
}

/* A = [[4,2],[2,3]], A^-1 = [[3,-2],[-2,4]] / 8 */
static void la_inverse_of_a_known_matrix(void)
{
    double a[4] = {4.0, 2.0, 2.0, 3.0};
    CHECK_CODE(dfg_la_chol(2, a, &err), DFG_OK);
    double b[2] = {1.0, 0.0};
    CHECK_CODE(dfg_la_chol_solve(2, a, b, 1, &err), DFG_OK);
    CHECK_REL(b[0], 3.0 / 8.0, 1e-15);
    CHECK_REL(b[1], -2.0 / 8.0, 1e-15);
    CHECK_CODE(dfg_la_chol_inverse(2, a, &err), DFG_OK);
    CHECK_REL(a[0], 3.0 / 8.0, 1e-15);
    CHECK_REL(a[1], -2.0 / 8.0, 1e-15);
    CHECK_REL(a[2], -2.0 / 8.0, 1e-15);
    CHECK_REL(a[3], 4.0 / 8.0, 1e-15);
    double s[2 * 2] = {1.0, 1.0, 1.0, 1.0};
    dfg_error e = {0};
    CHECK_CODE(dfg_la_chol(2, s, &e), DFG_ESING);
    double s2[4] = {1.0, 1.0, 1.0, 1.0}, scr[4 + 6];
    int piv[2];
    CHECK(dfg_la_rank(2, s2, scr, piv) == 1);
}

/* p = 60 > the small-matrix path */
static void la_large_order_goes_through_lapack_and_agrees(void)
{
    enum { P = 60 };
    static double a[P * P], a0[P * P], b[P];
    for (size_t i = 0; i < P; i++)
        for (size_t j = 0; j < P; j++)
            a[i + j * P] = (i == j ? P : 0.0) + 1.0 / (1.0 + (double)(i + j));
    memcpy(a0, a, sizeof a);
    for (size_t i = 0; i < P; i++)
        b[i] = 1.0;
    CHECK_CODE(dfg_la_chol(P, a, &err), DFG_OK);
    CHECK_CODE(dfg_la_chol_solve(P, a, b, 1, &err), DFG_OK);
    double r = 0.0;
    for (size_t i = 0; i < P; i++) {
        double s = 0.0;
        for (size_t j = 0; j < P; j++)
            s += a0[i + j * P] * b[j];
        r = fmax(r, fabs(s - 1.0));
    }
    CHECK(r < 1e-12);
    CHECK_CODE(dfg_la_chol_inverse(P, a, &err), DFG_OK);
    double e = 0.0;
    for (size_t i = 0; i < P; i++)
        for (size_t j = 0; j < P; j++) {
            double s = 0.0;
            for (size_t m = 0; m < P; m++)
                s += a0[i + m * P] * a[m + j * P];
            e = fmax(e, fabs(s - (i == j ? 1.0 : 0.0)));
        }
    CHECK(e < 1e-12);
}

int main(void)
{
    o = dfg_glm_opts_default();
    CHECK(o.tol == 1e-10 && o.max_iter == 100 && o.max_halve == 30);
    w = dfg_glm_work_alloc(64, 16);
    CHECK(w != NULL);
    if (!w)
        CHECK_DONE();
    RUN(two_list_main_effects_give_lincoln_petersen);
    RUN(full_table_independence_has_closed_form_fitted_values);
    RUN(dense_and_term_designs_agree);
    RUN(start_from_beta_at_the_estimate_converges_at_once);
    RUN(enoconv_with_max_iter_1_keeps_the_last_iterate_finite);
    RUN(esing_on_a_rank_deficient_dense_design);
    RUN(esing_when_the_cells_of_a_term_are_out_of_use);
    RUN(independence_start_gives_the_glm_estimate);
    RUN(fits_do_not_allocate);
    RUN(bad_arguments_are_einval);
    RUN(la_inverse_of_a_known_matrix);
    RUN(la_large_order_goes_through_lapack_and_agrees);
    dfg_glm_work_free(w);
    CHECK_DONE();
}
