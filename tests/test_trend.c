/* tests/test_trend.c: year as an orthogonal polynomial (dfg_ctable_set_trend, core/design.c)
 * and the bootstrapped change between two years (models/cov_boot.c).
 *
 * Data: tests/data/years/stacked_minor.csv, the six synthetic yearly snapshots of
 * data/yearly stacked with a year column and summed over sex, exploitation and origin
 * (tests/data/years/README.md).
 * Independent checks: (1) R's poly(1:6, 2), whose columns are those of poly(2016:2021, 2)
 * (poly centres x); (2) degree L - 1 spans the factor's columns, so the fit is the
 * factor model's; (3) the same model with raw powers of (year - 2018.5), fitted by a Poisson
 * Newton iteration written here on a dense design built here: equal column spaces, equal
 * fitted values.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h" /* the test hooks of SWEEP_ALLOC */
#include "oracle.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LISTS "POL,KMAR,ISZW,COA,ZORG,OVR"
#define MODEL "[POL:year,KMAR:year,minor:year,POL:KMAR]"

static dfg_ctable *stacked(dfg_table **tp)
{
    return oracle_test_ctable("years/stacked_minor.csv", LISTS, tp);
}

static size_t year_cov(const dfg_ctable *ct)
{
    return oracle_cov_index(ct, "year");
}

/* The totals per year of model MODEL on ct: total[0], then the six years. */
static dfg_status fit_years(const dfg_ctable *ct, dfg_cfit *f, double *tot, dfg_error *err)
{
    dfg_glm_opts o = dfg_glm_opts_default();
    o.tol = 1e-14; /* to the MLE's digits, so that two codings compare at 1e-9 */
    o.max_iter = 100;
    dfg_cmodel m = {0};
    dfg_status rc = dfg_cmodel_parse(MODEL, ct, &m, err);
    if (rc != DFG_OK)
        return rc;
    rc = dfg_cfit_checked(ct, &m, &o, f, err);
    if (rc == DFG_OK) {
        size_t yc = year_cov(ct), n = 0;
        dfg_level_total *lt = NULL;
        rc = dfg_cfit_level_totals(ct, &m, f, &yc, 1, 0.95, 0, NULL, &lt, &n, err);
        tot[0] = f->nhat;
        for (size_t i = 0; i < n && i < 6; i++)
            tot[1 + i] = lt[i].nhat;
        dfg_free_level_totals(lt);
    }
    dfg_cmodel_free(&m);
    return rc;
}

/* R 4.x: round(poly(1:6, 2), 7) (the same columns as poly(2016:2021, 2): poly centres x);
 * the second column is also ((x - 3.5)^2 - 35/12) / sqrt(112/3) by hand. */
static void polynomial_columns_are_r_poly(void)
{
    static const double r1[6] = {-0.5976143, -0.3585686, -0.1195229,
                                 0.1195229,  0.3585686,  0.5976143};
    static const double r2[6] = {0.5455447,  -0.1091089, -0.4364358,
                                 -0.4364358, -0.1091089, 0.5455447};
    dfg_table *t;
    dfg_ctable *ct = stacked(&t);
    if (!CHECK(ct != NULL))
        return;
    size_t yc = year_cov(ct), got_cov = 0;
    dfg_error err = {0};
    CHECK_CODE(dfg_ctable_set_trend(ct, yc, 2, &err), DFG_OK);
    CHECK(dfg_ctable_trend_degree(ct, &got_cov) == 2 && got_cov == yc);
    for (size_t l = 0; l < 6; l++) {
        CHECK_ABS(dfg_ctable_trend_value(ct, l, 1), r1[l], 6e-8); /* R printed 7 decimals */
        CHECK_ABS(dfg_ctable_trend_value(ct, l, 2), r2[l], 6e-8);
    }
    /* degree 5: orthonormal and orthogonal to the constant, to rounding */
    CHECK_CODE(dfg_ctable_set_trend(ct, yc, 5, &err), DFG_OK);
    for (size_t d = 1; d <= 5; d++) {
        double s0 = 0.0;
        for (size_t l = 0; l < 6; l++)
            s0 += dfg_ctable_trend_value(ct, l, d);
        CHECK_ABS(s0, 0.0, 1e-13);
        for (size_t e = 1; e <= 5; e++) {
            double s = 0.0;
            for (size_t l = 0; l < 6; l++)
                s += dfg_ctable_trend_value(ct, l, d) * dfg_ctable_trend_value(ct, l, e);
            CHECK_ABS(s, d == e ? 1.0 : 0.0, 1e-13);
        }
    }
    CHECK(isnan(dfg_ctable_trend_value(ct, 0, 6)));
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

/* D = L - 1 = 5 spans the factor's columns: the same MLE. Both fits run to tol 1e-14, so
 * their N and deviance agree far below 1e-9. */
static void full_degree_is_the_factor_fit(void)
{
    dfg_table *t;
    dfg_ctable *ct = stacked(&t);
    if (!CHECK(ct != NULL))
        return;
    dfg_error err = {0};
    dfg_cfit ff, ft;
    double nf[7] = {0}, nt[7] = {0};
    CHECK_CODE(fit_years(ct, &ff, nf, &err), DFG_OK);
    CHECK_CODE(dfg_ctable_set_trend(ct, year_cov(ct), 5, &err), DFG_OK);
    CHECK_CODE(fit_years(ct, &ft, nt, &err), DFG_OK);
    CHECK(ff.p == ft.p);
    CHECK_REL(ft.deviance, ff.deviance, 1e-9);
    CHECK_REL(ft.loglik, ff.loglik, 1e-12);
    for (int i = 0; i < 7; i++)
        CHECK_REL_MSG(nt[i], nf[i], 1e-9, "total %d", i);
    dfg_cfit_free(&ff);
    dfg_cfit_free(&ft);
    /* D = 0 returns to the factor */
    CHECK_CODE(dfg_ctable_set_trend(ct, year_cov(ct), 0, &err), DFG_OK);
    CHECK(dfg_ctable_trend_degree(ct, NULL) == 0);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

/* ** {======================================================================
 * An independent fit: raw powers, a dense design, Newton's method with step-halving
 * ======================================================================= */

#define P_RAW 17

/* Solve a x = b (n x n, row-major, symmetric positive definite) by Cholesky; a and b
 * overwritten. 0 when a is not positive definite. */
static int chol_solve(double *a, double *b, int n)
{
    for (int j = 0; j < n; j++) {
        double d = a[j * n + j];
        for (int q = 0; q < j; q++)
            d -= a[j * n + q] * a[j * n + q];
        if (!(d > 0.0))
            return 0;
        a[j * n + j] = sqrt(d);
        for (int i = j + 1; i < n; i++) {
            double s = a[i * n + j];
            for (int q = 0; q < j; q++)
                s -= a[i * n + q] * a[j * n + q];
            a[i * n + j] = s / a[j * n + j];
        }
    }
    for (int i = 0; i < n; i++) {
        double s = b[i];
        for (int q = 0; q < i; q++)
            s -= a[i * n + q] * b[q];
        b[i] = s / a[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) {
        double s = b[i];
        for (int q = i + 1; q < n; q++)
            s -= a[q * n + i] * b[q];
        b[i] = s / a[i * n + i];
    }
    return 1;
}

/* The design row of list pattern pat, minor flag mi, centred year u: intercept, six lists,
 * minor, u, u^2, POL u, POL u^2, KMAR u, KMAR u^2, minor u, minor u^2, POL KMAR. */
static void raw_row(unsigned pat, double mi, double u, double *x)
{
    double pol = pat & 1u ? 1.0 : 0.0, kmar = pat & 2u ? 1.0 : 0.0;
    int q = 0;
    x[q++] = 1.0;
    for (int j = 0; j < 6; j++)
        x[q++] = pat >> j & 1u ? 1.0 : 0.0;
    x[q++] = mi;
    x[q++] = u;
    x[q++] = u * u;
    x[q++] = pol * u;
    x[q++] = pol * u * u;
    x[q++] = kmar * u;
    x[q++] = kmar * u * u;
    x[q++] = mi * u;
    x[q++] = mi * u * u;
    x[q++] = pol * kmar;
}

static double poisson_dev(const double *y, const double *eta, size_t n)
{
    double d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double mu = exp(eta[i]);
        d += (y[i] > 0.0 ? y[i] * log(y[i] / mu) : 0.0) - (y[i] - mu);
    }
    return 2.0 * d;
}

static void raw_powers_give_the_same_fit(void)
{
    dfg_table *t;
    dfg_ctable *ct = stacked(&t);
    if (!CHECK(ct != NULL))
        return;
    size_t yc = year_cov(ct), mc = 1 - yc, k = dfg_ctable_k(ct);
    size_t ns = dfg_ctable_n_strata(ct), np = (size_t)1 << k, n = ns * (np - 1);
    const double *cnt = dfg_ctable_counts(ct);
    double *x = malloc(n * P_RAW * sizeof *x), *y = malloc(n * sizeof *y);
    double *eta = malloc(n * sizeof *eta), *eta2 = malloc(n * sizeof *eta2);
    double ustr[64], mstr[64];
    if (!CHECK(x && y && eta && eta2 && ns <= 64))
        goto out;
    size_t r = 0;
    for (size_t s = 0; s < ns; s++) {
        ustr[s] = atof(dfg_ctable_level_name(ct, yc, dfg_ctable_level_of(ct, s, yc))) - 2018.5;
        mstr[s] =
            strcmp(dfg_ctable_level_name(ct, mc, dfg_ctable_level_of(ct, s, mc)), "minor") == 0;
        for (size_t pat = 1; pat < np; pat++, r++) {
            raw_row((unsigned)pat, mstr[s], ustr[s], x + r * P_RAW);
            y[r] = cnt[(s << k) + pat];
        }
    }
    double beta[P_RAW] = {0}, step[P_RAW], a[P_RAW * P_RAW], ymean = 0.0;
    for (size_t i = 0; i < n; i++)
        ymean += y[i] / (double)n;
    beta[0] = log(ymean);
    for (size_t i = 0; i < n; i++)
        eta[i] = beta[0];
    double dev = poisson_dev(y, eta, n);
    int it;
    for (it = 0; it < 200; it++) {
        /* Newton: (X' diag(mu) X) step = X'(y - mu) */
        memset(a, 0, sizeof a);
        memset(step, 0, sizeof step);
        for (size_t i = 0; i < n; i++) {
            const double *xi = x + i * P_RAW;
            double mu = exp(eta[i]);
            for (int p = 0; p < P_RAW; p++) {
                step[p] += xi[p] * (y[i] - mu);
                for (int q = 0; q < P_RAW; q++)
                    a[p * P_RAW + q] += mu * xi[p] * xi[q];
            }
        }
        if (!CHECK(chol_solve(a, step, P_RAW)))
            goto out;
        double h = 1.0, dev2 = INFINITY, mx = 0.0;
        for (int halve = 0; halve < 60; halve++, h *= 0.5) {
            for (size_t i = 0; i < n; i++) {
                double e = 0.0;
                for (int p = 0; p < P_RAW; p++)
                    e += x[i * P_RAW + (size_t)p] * (beta[p] + h * step[p]);
                eta2[i] = e;
            }
            dev2 = poisson_dev(y, eta2, n);
            if (dev2 <= dev * (1.0 + 1e-15))
                break;
        }
        for (int p = 0; p < P_RAW; p++) {
            beta[p] += h * step[p];
            mx = fmax(mx, fabs(h * step[p]));
        }
        memcpy(eta, eta2, n * sizeof *eta);
        dev = dev2;
        if (mx < 1e-12)
            break;
    }
    CHECK(it < 200);
    /* N per year: n + the unobserved cells exp(x(0, minor, u) beta) */
    double want[7] = {0};
    for (size_t s = 0; s < ns; s++) {
        double x0[P_RAW], e = 0.0;
        raw_row(0u, mstr[s], ustr[s], x0);
        for (int p = 0; p < P_RAW; p++)
            e += x0[p] * beta[p];
        double nn = dfg_ctable_stratum_n_obs(ct, s) + exp(e);
        want[0] += nn;
        want[1 + dfg_ctable_level_of(ct, s, yc)] += nn;
    }
    dfg_error err = {0};
    CHECK_CODE(dfg_ctable_set_trend(ct, yc, 2, &err), DFG_OK);
    dfg_cfit f;
    double got[7] = {0};
    CHECK_CODE(fit_years(ct, &f, got, &err), DFG_OK);
    CHECK(f.p == P_RAW);
    CHECK_REL(f.deviance, dev, 1e-9);
    for (int i = 0; i < 7; i++)
        CHECK_REL_MSG(got[i], want[i], 1e-8, "total %d (0 = all years)", i);
    dfg_cfit_free(&f);
out:
    free(x);
    free(y);
    free(eta);
    free(eta2);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

/* ** }====================================================================== */

static void bad_trends_are_refused(void)
{
    dfg_table *t;
    dfg_ctable *ct = stacked(&t);
    if (!CHECK(ct != NULL))
        return;
    size_t yc = year_cov(ct);
    dfg_error err = {0};
    CHECK_CODE(dfg_ctable_set_trend(ct, yc, 6, &err), DFG_EINVAL); /* 6 distinct years */
    CHECK(strstr(err.msg, "below its number of distinct values (6)") != NULL);
    dfg_error e2 = {0};
    CHECK_CODE(dfg_ctable_set_trend(ct, 1 - yc, 1, &e2), DFG_EDATA); /* minor: not numbers */
    CHECK(strstr(e2.msg, "not a number") != NULL);
    dfg_error e3 = {0};
    CHECK_CODE(dfg_ctable_set_trend(ct, 9, 1, &e3), DFG_EINVAL);
    CHECK(dfg_ctable_trend_degree(ct, NULL) == 0); /* nothing set by a refusal */
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

/* R's quantile type 7 of sorted v[0..m-1] */
static double q7(const double *v, size_t m, double p)
{
    double h = (double)(m - 1) * p, lo = floor(h);
    size_t i = (size_t)lo;
    return i + 1 < m ? v[i] + (h - lo) * (v[i + 1] - v[i]) : v[i];
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The change 2019 -> 2021 in the same replicates as the totals: its percentile limits are
 * those of the replicates' differences, and the digits do not depend on the threads. */
static void change_is_bootstrapped_in_the_same_replicates(void)
{
    dfg_table *t;
    dfg_ctable *ct = stacked(&t);
    if (!CHECK(ct != NULL))
        return;
    size_t yc = year_cov(ct);
    dfg_error err = {0};
    CHECK_CODE(dfg_ctable_set_trend(ct, yc, 2, &err), DFG_OK);
    dfg_cmodel m = {0};
    dfg_cfit f;
    CHECK_CODE(dfg_cmodel_parse(MODEL, ct, &m, &err), DFG_OK);
    CHECK_CODE(dfg_cfit_checked(ct, &m, NULL, &f, &err), DFG_OK);
    dfg_cboot_opts o = dfg_cboot_opts_default();
    o.B = 60;
    o.seed = 7;
    o.change_from = 4; /* rows 1..6: 2016..2021 */
    o.change_to = 6;
    dfg_cboot_result r1, r2;
    CHECK_CODE(dfg_cboot_run(ct, &m, &f, &yc, 1, &o, &r1, &err), DFG_OK);
    o.threads = 2;
    CHECK_CODE(dfg_cboot_run(ct, &m, &f, &yc, 1, &o, &r2, &err), DFG_OK);
    CHECK(r1.has_change && r2.has_change);
    CHECK(strcmp(r1.change[0].label, "year=2021 - year=2019") == 0);
    for (int i = 0; i < 2; i++) {
        CHECK(r1.change[i].perc_lo == r2.change[i].perc_lo);
        CHECK(r1.change[i].perc_hi == r2.change[i].perc_hi);
        CHECK(r1.change[i].bca_lo == r2.change[i].bca_lo);
        CHECK(r1.change[i].bca_hi == r2.change[i].bca_hi);
    }
    CHECK_REL(r1.change[0].point, r1.rows[6].point - r1.rows[4].point, 1e-15);
    CHECK_REL(r1.change[1].point, r1.rows[6].point / r1.rows[4].point, 1e-15);
    double d[60];
    size_t nr = r1.n_rows, q = 0;
    for (size_t b = 0; b < 60; b++) {
        double v = r1.nstar[b * nr + 6] - r1.nstar[b * nr + 4];
        if (isfinite(v))
            d[q++] = v;
    }
    qsort(d, q, sizeof *d, cmpd);
    CHECK(q == r1.change[0].n_ok);
    CHECK_REL(r1.change[0].perc_lo, q7(d, q, 0.025), 1e-12);
    CHECK_REL(r1.change[0].perc_hi, q7(d, q, 0.975), 1e-12);
    CHECK(r1.change[0].bca_lo < r1.change[0].point && r1.change[0].point < r1.change[0].bca_hi);
    /* a bad pair of rows */
    dfg_cboot_result r3;
    o.change_to = 4;
    CHECK_CODE(dfg_cboot_run(ct, &m, &f, &yc, 1, &o, &r3, &err), DFG_EINVAL);
    dfg_cboot_result_free(&r1);
    dfg_cboot_result_free(&r2);
    dfg_cfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

/* Allocation failure anywhere in the trend's calls: DFG_ENOMEM said, nothing left. */
static void allocation_failures_are_clean(void)
{
    dfg_table *t;
    dfg_ctable *ct = stacked(&t);
    if (!CHECK(ct != NULL))
        return;
    size_t yc = year_cov(ct);
    SWEEP_ALLOC("set_trend", dfg_ctable_set_trend(ct, yc, 2, &sweep_err),
                dfg_ctable_set_trend(ct, yc, 0, NULL));
    dfg_error err = {0};
    CHECK_CODE(dfg_ctable_set_trend(ct, yc, 2, &err), DFG_OK);
    dfg_ctable *cp = NULL;
    SWEEP_ALLOC("copy with a trend", dfg_ctable_copy(ct, &cp, &sweep_err), {
        dfg_ctable_free(cp);
        cp = NULL;
    });
    dfg_cmodel m = {0};
    CHECK_CODE(dfg_cmodel_parse(MODEL, ct, &m, &err), DFG_OK);
    dfg_cfit f;
    SWEEP_ALLOC("fit with a trend", dfg_cfit_checked(ct, &m, NULL, &f, &sweep_err),
                dfg_cfit_free(&f));
    CHECK_CODE(dfg_cfit_checked(ct, &m, NULL, &f, &err), DFG_OK);
    dfg_cboot_opts o = dfg_cboot_opts_default();
    o.B = 4;
    o.bca = 0;
    o.change_from = 1;
    o.change_to = 6;
    dfg_cboot_result r;
    SWEEP_ALLOC("bootstrap with a change", dfg_cboot_run(ct, &m, &f, &yc, 1, &o, &r, &sweep_err),
                dfg_cboot_result_free(&r));
    dfg_cfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

int main(void)
{
    gsl_set_error_handler_off();
    RUN(polynomial_columns_are_r_poly);
    RUN(full_degree_is_the_factor_fit);
    RUN(raw_powers_give_the_same_fit);
    RUN(bad_trends_are_refused);
    RUN(change_is_bootstrapped_in_the_same_replicates);
    RUN(allocation_failures_are_clean);
    CHECK_DONE();
}
