/* tests/test_boot.c: the bootstrap engine (core/boot.c) with estimators defined here, so
 * that these tests depend on no model file: Chapman's two-list estimator and a "cell"
 * estimator whose N is one cell count (its bootstrap distribution is then known in
 * closed form: binomial under the multinomial resampling).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "boot_test.h"
#include "check.h"
#include "internal.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

/* ** {======================================================================
 * Test estimators
 * ======================================================================= */

/* Chapman (1951): N = (n1 + 1)(n2 + 1) / (m + 1) - 1 on lists 1 and 2. */
static double chapman(double y1, double y2, double y3)
{
    double n1 = y1 + y3, n2 = y2 + y3, m = y3;
    return (n1 + 1.0) * (n2 + 1.0) / (m + 1.0) - 1.0;
}

/* Chapman with a fake "selection" so that replicates choose between two model names. */
static dfg_status est_chapman(const dfg_table *t, size_t s, const dfg_est_opts *o,
                              dfg_estimate *out, dfg_error *err)
{
    (void)o;
    double y[8] = {0};
    dfg_status rc = cells_of(t, s, y, err);
    if (rc != DFG_OK)
        return rc;
    memset(out, 0, sizeof *out);
    out->n_obs = y[1] + y[2] + y[3];
    out->nhat = chapman(y[1], y[2], y[3]);
    out->dark = out->nhat - out->n_obs;
    out->se = (double)NAN;
    strcpy(out->model, y[3] >= 30.0 ? "[12]" : "[1,2]");
    return DFG_OK;
}

static dfg_status est_fail(const dfg_table *t, size_t s, const dfg_est_opts *o, dfg_estimate *out,
                           dfg_error *err)
{
    (void)t, (void)s, (void)o;
    memset(out, 0, sizeof *out);
    return dfg_err_set(err, DFG_ENOMLE, "test", "always fails");
}

static const dfg_estimator chapman_est = {"test-chapman", "Chapman", 2, est_chapman};
static const dfg_estimator fail_est = {"test-fail", "fails", 2, est_fail};

/* ** }====================================================================== */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* R quantile type 7, written again here. */
static double q7(const double *x, size_t m, double p)
{
    double h = (double)(m - 1) * p;
    size_t lo = (size_t)h;
    if (lo >= m - 1)
        return x[m - 1];
    return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

static int same_result(const dfg_boot_result *a, const dfg_boot_result *b)
{
    if (a->B != b->B || a->n_ok != b->n_ok || a->n_models != b->n_models)
        return 0;
    if (memcmp(a->nstar, b->nstar, a->B * sizeof *a->nstar) != 0 ||
        memcmp(a->rep_model, b->rep_model, a->B * sizeof *a->rep_model) != 0)
        return 0;
    double x[] = {a->ci.lower,
                  a->ci.upper,
                  a->percentile.lower,
                  a->percentile.upper,
                  a->z0,
                  a->accel,
                  a->mean,
                  a->median,
                  a->se};
    double y[] = {b->ci.lower,
                  b->ci.upper,
                  b->percentile.lower,
                  b->percentile.upper,
                  b->z0,
                  b->accel,
                  b->mean,
                  b->median,
                  b->se};
    if (memcmp(x, y, sizeof x) != 0)
        return 0;
    for (size_t i = 0; i < a->n_models; i++)
        if (strcmp(a->models[i], b->models[i]) != 0 || a->model_count[i] != b->model_count[i])
            return 0;
    return 1;
}

static void boot_gives_identical_digits_on_1_2_and_16_threads(void)
{
    const double y[4] = {0, 60, 45, 30};
    const double fitted[4] = {90.0, 60.0, 45.0, 30.0}; /* independence: m0 = 60 * 45 / 30 */
    dfg_table *t = table_of(2, y);
    CHECK(t != NULL);
    for (int type = 0; type < 2; type++) {
        dfg_boot_opts bo = dfg_boot_opts_default();
        bo.B = 500;
        bo.seed = 20260101u;
        bo.type = type ? DFG_BOOT_PARAMETRIC : DFG_BOOT_NONPARAMETRIC;
        bo.fitted = fitted;
        dfg_boot_result r[3], other;
        const int threads[3] = {1, 2, 16};
        dfg_est_opts eo = dfg_est_opts_default();
        for (int i = 0; i < 3; i++) {
            dfg_error err = {0};
            progress_log pl = {0, 0, 0, 1, 0, NULL};
            bo.threads = threads[i];
            bo.progress = on_progress;
            bo.progress_data = &pl;
            CHECK_CODE(dfg_boot_run(&chapman_est, t, 0, &eo, &bo, &r[i], &err), DFG_OK);
            /* progress: from this thread, increasing, ending at B + jackknife fits (3) */
            CHECK(pl.calls >= 1 && pl.monotone);
            CHECK(pl.last_done == 503 && pl.last_total == 503);
        }
        CHECK(same_result(&r[0], &r[1]));
        CHECK(same_result(&r[0], &r[2]));
        CHECK(r[0].n_ok == 500 && r[0].n_models == 2);
        CHECK(r[0].seed == 20260101u && r[0].B == 500);
        CHECK_REL(r[0].nhat, chapman(60, 45, 30), 1e-15);
        /* ... and the check can fail: another seed gives other replicates */
        dfg_error err = {0};
        bo.seed = 20260102u;
        bo.threads = 2;
        bo.progress = NULL;
        bo.progress_data = NULL;
        CHECK_CODE(dfg_boot_run(&chapman_est, t, 0, &eo, &bo, &other, &err), DFG_OK);
        CHECK(!same_result(&r[0], &other));
        for (int i = 0; i < 3; i++)
            dfg_boot_result_free(&r[i]);
        dfg_boot_result_free(&other);
    }
    dfg_table_free(t);
}

static void boot_bca_limits_follow_from_replicates_z0_and_jackknife(void)
{
    /* Recompute the BCa interval from the replicates with code written here: z0 with
     * ties counted half, the acceleration from our own delete-one jackknife of Chapman's
     * estimator, adjusted levels and type-7 quantiles (DiCiccio & Efron 1996, eq. 2.3;
     * Efron & Tibshirani 1993, eq. 14.14-14.15). */
    const double y[4] = {0, 25, 12, 6};
    dfg_table *t = table_of(2, y);
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = 999;
    bo.level = 0.9;
    bo.seed = 99;
    bo.threads = 2;
    dfg_boot_result r;
    dfg_error err = {0};
    CHECK_CODE(dfg_boot_run(&chapman_est, t, 0, NULL, &bo, &r, &err), DFG_OK);
    if (err.code)
        fprintf(stderr, "%s: %s\n", err.where, err.msg);
    double nhat = chapman(25, 12, 6);
    double *x = malloc(bo.B * sizeof *x);
    size_t m = 0;
    double less = 0, eq = 0, sum = 0;
    for (size_t b = 0; b < r.B; b++) {
        if (!isfinite(r.nstar[b]))
            continue;
        x[m++] = r.nstar[b];
        sum += r.nstar[b];
        less += r.nstar[b] < nhat;
        eq += r.nstar[b] == nhat;
    }
    CHECK(m == r.n_ok && m == 999);
    CHECK(eq > 0); /* the replicate equal to the data happens: ties matter here */
    double z0 = gsl_cdf_ugaussian_Pinv((less + eq / 2) / (double)m);
    /* jackknife: J_i = Chapman without one person of pattern i, weights c_i */
    double c[3] = {25, 12, 6}, J[3];
    J[0] = chapman(24, 12, 6);
    J[1] = chapman(25, 11, 6);
    J[2] = chapman(25, 12, 5);
    double jbar = (c[0] * J[0] + c[1] * J[1] + c[2] * J[2]) / 43.0, s2 = 0, s3 = 0;
    for (int i = 0; i < 3; i++) {
        s2 += c[i] * (jbar - J[i]) * (jbar - J[i]);
        s3 += c[i] * pow(jbar - J[i], 3);
    }
    double a = s3 / (6 * pow(s2, 1.5));
    qsort(x, m, sizeof *x, cmp_double);
    double zl = gsl_cdf_ugaussian_Pinv(0.05), zu = -zl;
    double al = gsl_cdf_ugaussian_P(z0 + (z0 + zl) / (1 - a * (z0 + zl)));
    double au = gsl_cdf_ugaussian_P(z0 + (z0 + zu) / (1 - a * (z0 + zu)));
    CHECK_REL(r.z0, z0, 1e-12);
    CHECK_REL(r.accel, a, 1e-12);
    /* a skewed case (a < 0: removing one of the 6 people on both lists raises N the
     * most): the test would notice an acceleration left at 0 */
    CHECK(r.accel < -0.01);
    CHECK(r.n_jack == 3 && r.n_jack_failed == 0);
    CHECK(r.ci.type == DFG_CI_BCA && r.ci.level == 0.9);
    CHECK_REL(r.ci.lower, q7(x, m, al), 1e-12);
    CHECK_REL(r.ci.upper, q7(x, m, au), 1e-12);
    CHECK_REL(r.percentile.lower, q7(x, m, 0.05), 1e-12);
    CHECK_REL(r.percentile.upper, q7(x, m, 0.95), 1e-12);
    CHECK(r.ci.lower != r.percentile.lower);
    CHECK_REL(r.median, q7(x, m, 0.5), 1e-12);
    CHECK_REL(r.mean, sum / (double)m, 1e-12);
    double ss = 0;
    for (size_t i = 0; i < m; i++)
        ss += (x[i] - r.mean) * (x[i] - r.mean);
    CHECK_REL(r.se, sqrt(ss / (double)(m - 1)), 1e-9);
    CHECK_REL(r.ci.point, nhat, 1e-15);
    free(x);
    dfg_boot_result_free(&r);
    dfg_table_free(t);
}

static void boot_acceleration_of_a_cell_count_has_its_closed_form(void)
{
    /* N = count of pattern 1 with counts c1 (pattern 1) and c2 (pattern 2), n = c1 + c2:
     * J = c1 - 1 for the c1 people of pattern 1, c1 for the others, and the weighted
     * formula gives a = (c2 - c1) / (6 sqrt(c1 c2 n)): 0 when c1 = c2. */
    const double cs[2][2] = {{40, 360}, {200, 200}};
    for (int i = 0; i < 2; i++) {
        double y[4] = {0, cs[i][0], cs[i][1], 0};
        dfg_table *t = table_of(2, y);
        dfg_est_opts eo = cell_opts(1, 0);
        dfg_boot_opts bo = dfg_boot_opts_default();
        bo.B = 50;
        dfg_boot_result r;
        dfg_error err = {0};
        CHECK_CODE(dfg_boot_run(&cell_est, t, 0, &eo, &bo, &r, &err), DFG_OK);
        double c1 = cs[i][0], c2 = cs[i][1];
        CHECK_ABS(r.accel, (c2 - c1) / (6 * sqrt(c1 * c2 * (c1 + c2))), 1e-14);
        dfg_boot_result_free(&r);
        dfg_table_free(t);
    }
}

static void boot_bca_equals_percentile_when_symmetric_and_a_is_zero(void)
{
    /* N* = count of pattern 1 ~ Binomial(400, 1/2): symmetric about N-hat = 200, and the
     * jackknife gives a = 0 exactly (above). So z0 = 0 up to Monte-Carlo error and the BCa
     * limits equal the percentile limits up to that error: with B = 2000,
     * sd(p0) = sqrt(0.25 / B) = 0.011, sd(z0) = 0.028; a level shift of 2 phi(1.96) z0
     * moves a limit by about 2 phi(1.96) z0 / f(q), f(q) = phi(1.96) / 10, i.e. 0.56 per
     * sd of z0. Tolerances: |z0| < 0.12, |BCa - percentile| < 2.5 (both 4.4 sd). The
     * percentile limits themselves estimate the binomial 2.5% and 97.5% points 180 and
     * 220 (R: qbinom(c(.025, .975), 400, .5)); their sd is sqrt(.025 .975 / B) / f(q) =
     * 0.6: tolerance 3. An engine that mixed up lower and upper adjustments, or used a
     * nonzero a here, would move the limits by more. */
    double y[4] = {0, 200, 200, 0};
    dfg_table *t = table_of(2, y);
    dfg_est_opts eo = cell_opts(1, 0);
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = 2000;
    bo.seed = 4242;
    bo.threads = 2;
    dfg_boot_result r;
    dfg_error err = {0};
    CHECK_CODE(dfg_boot_run(&cell_est, t, 0, &eo, &bo, &r, &err), DFG_OK);
    CHECK_ABS(r.accel, 0.0, 1e-15);
    CHECK_ABS(r.z0, 0.0, 0.12);
    CHECK_ABS(r.ci.lower, r.percentile.lower, 2.5);
    CHECK_ABS(r.ci.upper, r.percentile.upper, 2.5);
    CHECK_ABS(r.percentile.lower, 180.0, 3.0);
    CHECK_ABS(r.percentile.upper, 220.0, 3.0);
    /* mean 200 (sd 10 / sqrt(B) = 0.22), s.e. 10 (sd 10 / sqrt(2 B) = 0.16) */
    CHECK_ABS(r.mean, 200.0, 1.0);
    CHECK_ABS(r.se, 10.0, 0.7);
    CHECK(r.n_models == 2); /* "even" and "odd" */
    dfg_boot_result_free(&r);
    dfg_table_free(t);
}

static void boot_nonparametric_resampling_has_multinomial_moments(void)
{
    /* counts 50, 30, 20: N* = y1* ~ Binomial(100, 0.5): mean 50, variance 25. B = 4000:
     * sd of the mean 5 / sqrt(B) = 0.079 (tolerance 0.32); sd of the variance
     * 25 sqrt(2 / B) = 0.56 (tolerance 2.5). */
    double y[4] = {0, 50, 30, 20};
    dfg_table *t = table_of(2, y);
    dfg_est_opts eo = cell_opts(1, 0);
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = 4000;
    bo.interval = DFG_CI_PERCENTILE;
    dfg_boot_result r;
    dfg_error err = {0};
    CHECK_CODE(dfg_boot_run(&cell_est, t, 0, &eo, &bo, &r, &err), DFG_OK);
    CHECK_ABS(r.mean, 50.0, 0.32);
    CHECK_ABS(r.se * r.se, 25.0, 2.5);
    CHECK(r.n_jack == 0 && isnan(r.accel) && r.ci.type == DFG_CI_PERCENTILE);
    dfg_boot_result_free(&r);
    /* n is fixed in nonparametric resampling */
    eo = cell_opts(1, 2);
    bo.B = 100;
    CHECK_CODE(dfg_boot_run(&cell_est, t, 0, &eo, &bo, &r, &err), DFG_OK);
    CHECK(r.mean == 100.0 && r.se == 0.0);
    dfg_boot_result_free(&r);
    dfg_table_free(t);
}

static void boot_parametric_resampling_preserves_expected_cell_means(void)
{
    /* Fitted cells of 3 lists summing to N-hat = 100.5 (non-integer: randomised rounding
     * gives E Nr = N-hat). E y*_c = E[Nr] p_c = mu_c; var y*_c = N p_c (1 - p_c)
     * + p_c^2 var(Nr), var(Nr) = 0.25. Tolerance 4 sd / sqrt(B) with B = 4000. */
    const double mu[8] = {5.25, 20.0, 15.5, 8.0, 30.0, 6.0, 9.75, 6.0};
    const double N = 100.5;
    double y[8] = {0, 20, 15, 8, 30, 6, 10, 6};
    dfg_table *t = table_of(3, y);
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.type = DFG_BOOT_PARAMETRIC;
    bo.fitted = mu;
    bo.interval = DFG_CI_PERCENTILE;
    bo.B = 4000;
    bo.threads = 2;
    for (int c = 1; c < 8; c++) {
        dfg_est_opts eo = cell_opts(c, 0);
        dfg_boot_result r;
        dfg_error err = {0};
        bo.seed = 1000u + (uint32_t)c;
        CHECK_CODE(dfg_boot_run(&cell_est, t, 0, &eo, &bo, &r, &err), DFG_OK);
        double p = mu[c] / N, sd = sqrt(N * p * (1 - p) + p * p * 0.25);
        CHECK_ABS(r.mean, mu[c], 4 * sd / sqrt((double)bo.B));
        dfg_boot_result_free(&r);
    }
    /* n* = Nr - y0*: E n* = N - mu_0 = 95.25; sd = sqrt(N p0 (1 - p0) + (1 - p0)^2 0.25)
     * = 2.28, B = 20000: tolerance 4 sd / sqrt(B) = 0.064. Plain floor would give
     * 100 (1 - p0) = 94.78 and rounding half up 101 (1 - p0) = 95.72: both fail. */
    dfg_est_opts eo = cell_opts(1, 2);
    dfg_boot_result r;
    dfg_error err = {0};
    bo.B = 20000;
    CHECK_CODE(dfg_boot_run(&cell_est, t, 0, &eo, &bo, &r, &err), DFG_OK);
    double p0 = mu[0] / N;
    double sd = sqrt(N * p0 * (1 - p0) + (1 - p0) * (1 - p0) * 0.25);
    CHECK_ABS(r.mean, N - mu[0], 4 * sd / sqrt((double)bo.B));
    CHECK_ABS(r.se, sd, 0.1);
    dfg_boot_result_free(&r);
    dfg_table_free(t);
}

static void boot_counts_failures_boundaries_and_models(void)
{
    /* The cell estimator fails on multiples of 3 and is at the boundary on multiples of
     * 5; its model is the parity of N. Check every replicate's record against that. */
    double y[4] = {0, 50, 30, 20};
    dfg_table *t = table_of(2, y);
    dfg_est_opts eo = cell_opts(1, 1);
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = 1000;
    bo.threads = 3;
    bo.interval = DFG_CI_PERCENTILE;
    dfg_boot_result r;
    dfg_error err = {0};
    CHECK_CODE(dfg_boot_run(&cell_est, t, 0, &eo, &bo, &r, &err), DFG_OK);
    size_t failed = 0, boundary = 0, bad = 0, count[2] = {0, 0};
    for (size_t b = 0; b < r.B; b++) {
        if (r.rep_status[b] != DFG_OK) {
            failed++;
            bad += !isnan(r.nstar[b]) || r.rep_model[b] != DFG_BOOT_NO_MODEL ||
                   r.rep_status[b] != DFG_EDATA;
            continue;
        }
        double v = r.nstar[b];
        bad += fmod(v, 3.0) == 0.0;
        bad += (r.rep_check[b] == DFG_CHECK_BOUNDARY) != (fmod(v, 5.0) == 0.0);
        boundary += r.rep_check[b] == DFG_CHECK_BOUNDARY;
        bad += r.rep_model[b] >= r.n_models;
        if (r.rep_model[b] < r.n_models) {
            const char *want = fmod(v, 2.0) == 0.0 ? "even" : "odd";
            bad += strcmp(r.models[r.rep_model[b]], want) != 0;
            count[fmod(v, 2.0) == 0.0]++;
        }
    }
    CHECK(bad == 0);
    CHECK(r.n_failed == failed && r.n_boundary == boundary && r.n_ok == r.B - failed);
    CHECK_REL(r.share_failed, (double)failed / 1000.0, 1e-15);
    CHECK_REL(r.share_boundary, (double)boundary / 1000.0, 1e-15);
    /* Binomial(100, 1/2) mod 3 = 0 with probability close to 1/3; sd 0.015 */
    CHECK_ABS(r.share_failed, 1.0 / 3.0, 0.06);
    CHECK(r.n_models == 2);
    if (r.n_models == 2) {
        CHECK(r.model_count[0] >= r.model_count[1]);
        CHECK(r.model_count[0] + r.model_count[1] == r.n_ok);
        size_t even = strcmp(r.models[0], "even") == 0 ? 0 : 1;
        CHECK(r.model_count[even] == count[1] && r.model_count[1 - even] == count[0]);
    }
    dfg_boot_result_free(&r);
    dfg_table_free(t);
}

static void boot_cancel_returns_ecancel_and_leaves_nothing(void)
{
    double y[4] = {0, 60, 45, 30};
    dfg_table *t = table_of(2, y);
    for (int threads = 1; threads <= 4; threads += 3) {
        volatile sig_atomic_t flag = 0;
        progress_log pl = {0, 0, 0, 1, 10, &flag};
        dfg_boot_opts bo = dfg_boot_opts_default();
        bo.B = 100000; /* would take long: the cancel must stop it */
        bo.threads = threads;
        bo.cancel = &flag;
        bo.progress = on_progress;
        bo.progress_data = &pl;
        dfg_boot_result r;
        dfg_error err = {0};
        CHECK_CODE(dfg_boot_run(&chapman_est, t, 0, NULL, &bo, &r, &err), DFG_ECANCEL);
        CHECK_CODE(err.code, DFG_ECANCEL);
        CHECK(r.nstar == NULL && r.models == NULL && r.B == 0);
        CHECK(pl.last_done < 100000);
        dfg_boot_result_free(&r);
    }
    /* a flag set before the start */
    volatile sig_atomic_t flag = 1;
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.cancel = &flag;
    dfg_boot_result r;
    dfg_error err = {0};
    CHECK_CODE(dfg_boot_run(&chapman_est, t, 0, NULL, &bo, &r, &err), DFG_ECANCEL);
    CHECK(strcmp(dfg_strerror(DFG_ECANCEL), "cancelled") == 0);
    dfg_table_free(t);
}

static void boot_refuses_bad_options(void)
{
    double y[4] = {0, 60, 45, 30};
    dfg_table *t = table_of(2, y);
    dfg_boot_result r;
    dfg_boot_opts bo;
#define BAD(field_change, est)                                                                     \
    do {                                                                                           \
        dfg_error err = {0};                                                                       \
        bo = dfg_boot_opts_default();                                                              \
        field_change;                                                                              \
        CHECK_CODE(dfg_boot_run(est, t, 0, NULL, &bo, &r, &err), DFG_EINVAL);                      \
    } while (0)
    BAD(bo.B = 0, &chapman_est);
    BAD(bo.B = 1, &chapman_est); /* BCa needs B >= 2 */
    BAD(bo.level = 1.0, &chapman_est);
    BAD(bo.level = (double)NAN, &chapman_est);
    BAD(bo.threads = 0, &chapman_est);
    BAD(bo.interval = DFG_CI_PROFILE, &chapman_est);
    BAD(bo.type = DFG_BOOT_PARAMETRIC, &chapman_est); /* no fitted cells */
    BAD((void)0, NULL);
    const double neg[4] = {1, -1, 2, 3};
    BAD((bo.type = DFG_BOOT_PARAMETRIC, bo.fitted = neg), &chapman_est);
#undef BAD
    dfg_error err = {0};
    bo = dfg_boot_opts_default();
    CHECK_CODE(dfg_boot_run(&chapman_est, t, 1, NULL, &bo, &r, &err), DFG_EINVAL);
    /* the estimator failing on the data: its status */
    dfg_error_clear(&err);
    CHECK_CODE(dfg_boot_run(&fail_est, t, 0, NULL, &bo, &r, &err), DFG_ENOMLE);
    CHECK(r.nstar == NULL);
    /* every replicate failing: DFG_EDATA. The data have n = 100 (fine); the fitted cells
     * sum to 50, so every parametric replicate has n* <= 50 and fails. */
    dfg_table_free(t);
    double z[4] = {0, 40, 30, 30};
    const double half[4] = {5, 20, 15, 10};
    t = table_of(2, z);
    dfg_est_opts eo = cell_opts(1, 3);
    dfg_error_clear(&err);
    bo.B = 20;
    bo.type = DFG_BOOT_PARAMETRIC;
    bo.fitted = half;
    CHECK_CODE(dfg_boot_run(&cell_est, t, 0, &eo, &bo, &r, &err), DFG_EDATA);
    CHECK(r.nstar == NULL);
    dfg_table_free(t);
}

static void boot_survives_every_allocation_failure(void)
{
    double y[4] = {0, 60, 45, 30};
    dfg_table *t = table_of(2, y);
    const double fitted[4] = {90.0, 60.0, 45.0, 30.0};
    for (int type = 0; type < 2; type++) {
        dfg_boot_opts bo = dfg_boot_opts_default();
        bo.B = 5;
        bo.type = type ? DFG_BOOT_PARAMETRIC : DFG_BOOT_NONPARAMETRIC;
        bo.fitted = fitted;
        dfg_boot_result r;
        SWEEP_ALLOC(type ? "boot parametric" : "boot nonparametric",
                    dfg_boot_run(&chapman_est, t, 0, NULL, &bo, &r, &sweep_err),
                    dfg_boot_result_free(&r));
    }
    dfg_table_free(t);
}

int main(void)
{
    gsl_set_error_handler_off();
    boot_gives_identical_digits_on_1_2_and_16_threads();
    boot_bca_limits_follow_from_replicates_z0_and_jackknife();
    boot_acceleration_of_a_cell_count_has_its_closed_form();
    boot_bca_equals_percentile_when_symmetric_and_a_is_zero();
    boot_nonparametric_resampling_has_multinomial_moments();
    boot_parametric_resampling_preserves_expected_cell_means();
    boot_counts_failures_boundaries_and_models();
    boot_cancel_returns_ecancel_and_leaves_nothing();
    boot_refuses_bad_options();
    boot_survives_every_allocation_failure();
    CHECK_DONE();
}
