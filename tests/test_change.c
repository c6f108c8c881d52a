/* tests/test_change.c: the delta-method s.e. of the change between two levels of a
 * covariate fit (dfg_cfit_change, dfg_cfit_contrast; models/cov_change.c).
 *
 * Data: tests/data/years/stacked_minor.csv, the six synthetic yearly snapshots stacked with
 * a year column (tests/data/years/README.md). The change is 2019 -> 2021 (year levels 3, 5).
 * Independent checks:
 * (1) the gradient by finite differences: the test builds the design rows of the
 *     unobserved cells itself (from fit->spec, the table's levels and the trend's column
 *     values), differentiates N_B - N_A and log(N_B / N_A) numerically in the coefficients
 *     and forms m0_A + m0_B + g'Vg (and its log-ratio form) with the fit's covariance;
 * (2) the parallelogram identity var(B - A) + var(B + A) = 2 var(A) + 2 var(B) against the
 *     level totals' s.e. (dfg_cfit_level_totals), and var(adult + minor) = the total's
 *     var (minor has two levels);
 * (3) simulation: every cell, the unobserved ones too, drawn Poisson(mu) and the model
 *     refitted; the s.d. of the estimate's error (N*_B - N*_A)-hat - (N*_B - N*_A) is what
 *     the delta method estimates; and the library's parametric bootstrap (one multinomial
 *     of size N-hat), whose s.d. adds the multinomial variance of the two years' true totals,
 *     N_A + N_B - (N_B - N_A)^2 / N-hat (models/cov_change.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h" /* dfg_rng_stream, the test hooks of SWEEP_ALLOC */
#include "oracle.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LISTS "POL,KMAR,ISZW,COA,ZORG,OVR"
#define MODEL "[*:year,minor:year,POL:KMAR]"
#define Y_FROM 3 /* 2019 */
#define Y_TO 5   /* 2021 */

/* The stacked table, year's trend of degree `trend` (0 = a factor) and model fitted to the
 * MLE's digits (the finite differences start from it). */
typedef struct {
    dfg_table *t;
    dfg_ctable *ct;
    dfg_cmodel m;
    dfg_cfit f;
    size_t yc;
    int fitted;
} fixture;

/* 1 when x is ready; release with teardown() either way. */
static int setup(fixture *x, const char *model, size_t trend)
{
    memset(x, 0, sizeof *x);
    dfg_error err = {0};
    dfg_glm_opts o = dfg_glm_opts_default();
    o.tol = 1e-14;
    o.max_iter = 100;
    x->ct = oracle_test_ctable("years/stacked_minor.csv", LISTS, &x->t);
    if (!x->ct)
        return 0;
    x->yc = oracle_cov_index(x->ct, "year");
    dfg_status rc = trend ? dfg_ctable_set_trend(x->ct, x->yc, trend, &err) : DFG_OK;
    if (rc == DFG_OK)
        rc = dfg_cmodel_parse(model, x->ct, &x->m, &err);
    if (rc == DFG_OK && (rc = dfg_cfit_checked(x->ct, &x->m, &o, &x->f, &err)) == DFG_OK)
        x->fitted = 1;
    if (rc != DFG_OK)
        fprintf(stderr, "fit %s: %s\n", model, err.msg);
    return x->fitted;
}

static void teardown(fixture *x)
{
    if (x->fitted)
        dfg_cfit_free(&x->f);
    dfg_cmodel_free(&x->m);
    dfg_ctable_free(x->ct);
    dfg_table_free(x->t);
}

/* x[s * p + j]: the design row of stratum s's unobserved cell (pattern 0), built here from
 * the cell layout of darkfig.h: spec = pattern + 2^k (l_1 + L_1 (l_2 + ...)); a column with
 * a list is 0 there; a covariate digit d > 0 must equal the stratum's level (a factor) or
 * contributes the trend's column value x_d(level). */
static void unobserved_rows(const dfg_ctable *ct, const dfg_cfit *f, double *x)
{
    size_t k = dfg_ctable_k(ct), nc = dfg_ctable_n_cov(ct), tc = 0;
    size_t D = dfg_ctable_trend_degree(ct, &tc);
    for (size_t s = 0; s < dfg_ctable_n_strata(ct); s++)
        for (size_t j = 0; j < f->p; j++) {
            size_t sp = f->spec[j];
            double v = (sp & (((size_t)1 << k) - 1)) ? 0.0 : 1.0;
            size_t rest = sp >> k;
            for (size_t c = 0; c < nc && v != 0.0; c++) {
                size_t L = dfg_ctable_n_levels(ct, c), d = rest % L,
                       l = dfg_ctable_level_of(ct, s, c);
                rest /= L;
                if (d == 0)
                    continue;
                if (D && c == tc)
                    v *= dfg_ctable_trend_value(ct, l, d);
                else if (d != l)
                    v = 0.0;
            }
            x[s * f->p + j] = v;
        }
}

/* N_A, N_B at coefficients beta: n + sum of exp(x_s'beta) over the level's strata */
static void totals_at(const dfg_ctable *ct, const dfg_cfit *f, const double *x, const double *beta,
                      size_t yc, double *na, double *nb, double *m0a, double *m0b)
{
    *na = *nb = *m0a = *m0b = 0.0;
    for (size_t s = 0; s < dfg_ctable_n_strata(ct); s++) {
        double e = 0.0;
        for (size_t j = 0; j < f->p; j++)
            e += x[s * f->p + j] * beta[j];
        size_t l = dfg_ctable_level_of(ct, s, yc);
        if (l == Y_FROM) {
            *na += dfg_ctable_stratum_n_obs(ct, s) + exp(e);
            *m0a += exp(e);
        } else if (l == Y_TO) {
            *nb += dfg_ctable_stratum_n_obs(ct, s) + exp(e);
            *m0b += exp(e);
        }
    }
}

/* (1) for one model (trend: year's degree, 0 = factor) */
static void finite_differences_for(const char *model, size_t trend)
{
    fixture fx;
    dfg_error err = {0};
    if (!CHECK(setup(&fx, model, trend))) {
        teardown(&fx);
        return;
    }
    const dfg_ctable *ct = fx.ct;
    const dfg_cfit f = fx.f;
    size_t yc = fx.yc, p = f.p, ns = dfg_ctable_n_strata(ct), k = dfg_ctable_k(ct);
    double *x = malloc(ns * p * sizeof *x), *b = malloc(p * sizeof *b);
    double *gd = malloc(p * sizeof *gd), *gr = malloc(p * sizeof *gr);
    if (!CHECK(x && b && gd && gr))
        goto out;
    unobserved_rows(ct, &f, x);
    /* the rows reproduce the fit's unobserved cells */
    for (size_t s = 0; s < ns; s++) {
        double e = 0.0;
        for (size_t j = 0; j < p; j++)
            e += x[s * p + j] * f.beta[j];
        CHECK_REL_MSG(exp(e), f.fitted[s << k], 1e-10, "%s: m0 of stratum %zu", model, s);
    }
    /* central differences, step h = 1e-5 (1 + |beta_j|): N is a sum of exponentials of
     * linear forms, its third derivative is of N's size, so the error is ~ h^2 relative;
     * rounding ~ 1e-16 N / h ~ 1e-11 relative */
    memcpy(b, f.beta, p * sizeof *b);
    for (size_t j = 0; j < p; j++) {
        double h = 1e-5 * (1.0 + fabs(f.beta[j])), na, nb, ma, mb, up[2], dn[2];
        b[j] = f.beta[j] + h;
        totals_at(ct, &f, x, b, yc, &na, &nb, &ma, &mb);
        up[0] = nb - na;
        up[1] = log(nb / na);
        b[j] = f.beta[j] - h;
        totals_at(ct, &f, x, b, yc, &na, &nb, &ma, &mb);
        dn[0] = nb - na;
        dn[1] = log(nb / na);
        b[j] = f.beta[j];
        gd[j] = (up[0] - dn[0]) / (2.0 * h);
        gr[j] = (up[1] - dn[1]) / (2.0 * h);
    }
    double na, nb, ma, mb, qd = 0.0, qr = 0.0;
    totals_at(ct, &f, x, f.beta, yc, &na, &nb, &ma, &mb);
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++) {
            qd += gd[i] * f.cov[i + j * p] * gd[j];
            qr += gr[i] * f.cov[i + j * p] * gr[j];
        }
    /* var(N_B - N_A) = m0_A + m0_B + g'Vg; var(log N_B/N_A) = m0_A/N_A^2 + m0_B/N_B^2 + h'Vh */
    double se_d = sqrt(ma + mb + qd), se_r = sqrt(ma / (na * na) + mb / (nb * nb) + qr);
    dfg_cfit_change_result c;
    CHECK_CODE(dfg_cfit_change(ct, &f, yc, Y_FROM, Y_TO, 0.95, &c, &err), DFG_OK);
    CHECK_REL_MSG(c.nhat_from, na, 1e-10, "%s N_A", model);
    CHECK_REL_MSG(c.nhat_to, nb, 1e-10, "%s N_B", model);
    CHECK_REL_MSG(c.se_diff, se_d, 1e-5, "%s s.e. of the difference", model);
    CHECK_REL_MSG(c.se_log_ratio, se_r, 1e-5, "%s s.e. of the log ratio", model);
    CHECK_REL_MSG(c.se_ratio, c.ratio * se_r, 1e-5, "%s s.e. of the ratio", model);
    /* the intervals: z = 1.959963984540054 (qnorm(0.975) in R) */
    CHECK_REL(c.diff_upper - c.diff, 1.959963984540054 * c.se_diff, 1e-12);
    CHECK_REL(c.diff - c.diff_lower, 1.959963984540054 * c.se_diff, 1e-12);
    CHECK_REL(log(c.ratio_upper / c.ratio), 1.959963984540054 * c.se_log_ratio, 1e-12);
    CHECK_REL(log(c.ratio / c.ratio_lower), 1.959963984540054 * c.se_log_ratio, 1e-12);
    /* the difference is not that of independent totals: the totals covary */
    CHECK(fabs(c.cov_from_to) > 0.01 * c.se_from * c.se_to);
out:
    free(x);
    free(b);
    free(gd);
    free(gr);
    teardown(&fx);
}

static void se_equals_finite_differences(void)
{
    finite_differences_for(MODEL, 0);
    finite_differences_for("[POL:year,KMAR:year,minor:year,POL:KMAR]", 2); /* a trend */
    finite_differences_for("[]", 0);                                       /* independence */
}

/* (2) */
static void parallelogram_ties_the_change_to_the_level_totals(void)
{
    fixture fx;
    if (!CHECK(setup(&fx, MODEL, 0))) {
        teardown(&fx);
        return;
    }
    const dfg_ctable *ct = fx.ct;
    size_t ns = dfg_ctable_n_strata(ct);
    for (int pass = 0; pass < 2; pass++) {
        /* pass 0: the years 2019 and 2021; pass 1: minor's two levels */
        size_t cv = oracle_cov_index(ct, pass ? "minor" : "year"), a = pass ? 0 : Y_FROM,
               b = pass ? 1 : Y_TO;
        dfg_level_total *lt = NULL;
        size_t n_lt = 0;
        dfg_error err = {0};
        CHECK_CODE(dfg_cfit_level_totals(ct, &fx.m, &fx.f, &cv, 1, 0.95, 0, NULL, &lt, &n_lt, &err),
                   DFG_OK);
        dfg_cfit_change_result c;
        CHECK_CODE(dfg_cfit_change(ct, &fx.f, cv, a, b, 0.95, &c, &err), DFG_OK);
        double w[64], sum, vsum;
        for (size_t s = 0; s < ns; s++) {
            size_t l = dfg_ctable_level_of(ct, s, cv);
            w[s] = l == a || l == b;
        }
        CHECK_CODE(dfg_cfit_contrast(ct, &fx.f, w, &sum, &vsum, &err), DFG_OK);
        double va = lt[a].se * lt[a].se, vb = lt[b].se * lt[b].se;
        CHECK_REL_MSG(c.se_from, lt[a].se, 1e-13, "pass %d", pass);
        CHECK_REL_MSG(c.se_to, lt[b].se, 1e-13, "pass %d", pass);
        CHECK_REL_MSG(sum, lt[a].nhat + lt[b].nhat, 1e-13, "pass %d", pass);
        CHECK_REL_MSG(c.se_diff * c.se_diff + vsum, 2.0 * (va + vb), 1e-11, "pass %d", pass);
        /* var(A + B) = var A + var B + 2 cov */
        CHECK_REL_MSG(vsum, va + vb + 2.0 * c.cov_from_to, 1e-11, "pass %d", pass);
        if (pass == 1) /* adult + minor = everyone: the total's s.e. */
            CHECK_REL(sqrt(vsum), fx.f.se_nhat, 1e-12);
        dfg_free_level_totals(lt);
    }
    teardown(&fx);
}

static double sd(const double *v, size_t n)
{
    double mean = 0.0, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += v[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - mean) * (v[i] - mean);
    return sqrt(ss / (double)(n - 1));
}

#define B_SIM 2000

/* (3) Monte Carlo error of an s.d. from B = 2000 draws: about 1 / sqrt(2 B) = 1.6%
 * (normal errors). The delta method is first order: with MODEL, over four pairs of seeds
 * the simulated s.d. of the difference was 1.1 to 3.7% above it, the
 * bootstrap's 0.1 to 4.1% above the bootstrap form (about 2% on average: the curvature of
 * exp). The tolerance 8% is that 2% plus near four Monte Carlo s.e. MODEL (year in every
 * list's term) makes the two years nearly independent and the Poisson part small (4% of
 * the variance); the independence model "[]" makes them strongly correlated and that part
 * large (31%): there, leaving it out would lower the s.e. by 17%, doubling it raise it by
 * 15%, and ignoring the covariance raise it by 30%. */
static void simulation_and_bootstrap_for(const char *model, uint32_t seed)
{
    fixture fx;
    dfg_ctable *cp = NULL;
    dfg_error err = {0};
    double *y = NULL, *ed = malloc(B_SIM * sizeof *ed), *er = malloc(B_SIM * sizeof *er);
    if (!CHECK(setup(&fx, model, 0)))
        goto out;
    const dfg_ctable *ct = fx.ct;
    const dfg_cmodel m = fx.m;
    const dfg_cfit f = fx.f;
    size_t yc = fx.yc, n = dfg_ctable_n_cells(ct), k = dfg_ctable_k(ct);
    if (!CHECK((y = malloc(n * sizeof *y)) && ed && er))
        goto out;
    dfg_cfit_change_result c;
    CHECK_CODE(dfg_cfit_change(ct, &f, yc, Y_FROM, Y_TO, 0.95, &c, &err), DFG_OK);
    CHECK_CODE(dfg_ctable_copy(ct, &cp, &err), DFG_OK);
    size_t q = 0;
    for (size_t r = 0; r < B_SIM && cp; r++) {
        gsl_rng *g = dfg_rng_stream(10 + seed, r, &err);
        if (!CHECK(g != NULL))
            break;
        double true_a = 0.0, true_b = 0.0;
        for (size_t cell = 0; cell < n; cell++) {
            y[cell] = (double)gsl_ran_poisson(g, f.fitted[cell]);
            size_t l = dfg_ctable_level_of(ct, cell >> k, yc);
            true_a += l == Y_FROM ? y[cell] : 0.0;
            true_b += l == Y_TO ? y[cell] : 0.0;
        }
        gsl_rng_free(g);
        dfg_cfit fr;
        dfg_cfit_change_result cr;
        if (dfg_ctable_set_counts(cp, y, &err) == DFG_OK &&
            dfg_cfit_model(cp, &m, NULL, &fr, &err) == DFG_OK) {
            if (dfg_cfit_change(cp, &fr, yc, Y_FROM, Y_TO, 0.95, &cr, &err) == DFG_OK) {
                /* the estimate's error: (N_B - N_A)-hat - (N_B - N_A), and on the log scale */
                ed[q] = cr.diff - (true_b - true_a);
                er[q] = log(cr.ratio) - log(true_b / true_a);
                q++;
            }
            dfg_cfit_free(&fr);
        }
    }
    CHECK(q == B_SIM);
    double sd_d = sd(ed, q), sd_r = sd(er, q);
    fprintf(stderr,
            "%s: simulated error s.d.: difference %.2f (delta %.2f), log ratio %.5f (%.5f)\n",
            model, sd_d, c.se_diff, sd_r, c.se_log_ratio);
    CHECK_REL(c.se_diff, sd_d, 0.08);
    CHECK_REL(c.se_log_ratio, sd_r, 0.08);
    /* the library's parametric bootstrap, B = 2000: its s.d. adds the multinomial variance
     * of the true totals' split, N_A + N_B - (N_B - N_A)^2 / N-hat (for the log ratio 1/N_A
     * + 1/N_B, times ratio^2 for the ratio) */
    dfg_cboot_opts o = dfg_cboot_opts_default();
    o.B = B_SIM;
    o.seed = seed;
    o.bca = 0;
    o.threads = 2;
    o.change_from = 1 + Y_FROM;
    o.change_to = 1 + Y_TO;
    dfg_cboot_result br;
    dfg_status brc = dfg_cboot_run(ct, &m, &f, &yc, 1, &o, &br, &err);
    CHECK_CODE(brc, DFG_OK);
    if (brc == DFG_OK) {
        double na = c.nhat_from, nb = c.nhat_to;
        double want_d = sqrt(c.se_diff * c.se_diff + na + nb - (nb - na) * (nb - na) / f.nhat);
        double want_r = c.ratio * sqrt(c.se_log_ratio * c.se_log_ratio + 1.0 / na + 1.0 / nb);
        fprintf(stderr, "%s: bootstrap s.d.: difference %.2f (%.2f), ratio %.5f (%.5f)\n", model,
                br.change[0].se, want_d, br.change[1].se, want_r);
        CHECK_REL(br.change[0].se, want_d, 0.08);
        CHECK_REL(br.change[1].se, want_r, 0.08);
        dfg_cboot_result_free(&br);
    }
out:
    free(y);
    free(ed);
    free(er);
    dfg_ctable_free(cp);
    teardown(&fx);
}

static void se_matches_simulation_and_bootstrap(void)
{
    simulation_and_bootstrap_for(MODEL, 1);
    simulation_and_bootstrap_for("[]", 2);
}

static void bad_requests_are_refused(void)
{
    fixture fx;
    if (!CHECK(setup(&fx, "[]", 0))) {
        teardown(&fx);
        return;
    }
    const dfg_ctable *ct = fx.ct;
    const dfg_cfit *f = &fx.f;
    size_t yc = fx.yc;
    dfg_cfit_change_result c;
    dfg_error e1 = {0}, e2 = {0}, e3 = {0}, e4 = {0}, e5 = {0};
    CHECK_CODE(dfg_cfit_change(ct, f, yc, 2, 2, 0.95, &c, &e1), DFG_EINVAL);
    CHECK_CODE(dfg_cfit_change(ct, f, yc, 0, 6, 0.95, &c, &e2), DFG_EINVAL);
    CHECK_CODE(dfg_cfit_change(ct, f, 7, 0, 1, 0.95, &c, &e3), DFG_EINVAL);
    CHECK_CODE(dfg_cfit_change(ct, f, yc, 0, 1, 1.5, &c, &e4), DFG_EINVAL);
    CHECK_CODE(dfg_cfit_contrast(ct, f, NULL, &c.diff, &c.se_diff, &e5), DFG_EINVAL);
    SWEEP_ALLOC("change", dfg_cfit_change(ct, f, yc, 0, 5, 0.9, &c, &sweep_err), (void)0);
    teardown(&fx);
}

int main(void)
{
    gsl_set_error_handler_off();
    RUN(se_equals_finite_differences);
    RUN(parallelogram_ties_the_change_to_the_level_totals);
    RUN(se_matches_simulation_and_bootstrap);
    RUN(bad_requests_are_refused);
    CHECK_DONE();
}
