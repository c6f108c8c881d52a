/* tests/ref_mt.c: log-linear fits on the real datasets against the R packages.
 *
 * Sources (all in /work/shared/data/README.md, "Values computed with the R packages"):
 *  - Rcapture 1.4-4, closedpCI.t(x, dfreq = TRUE, mX = ~ .): Mt N, s.e., deviance, df;
 *    Rcapture closedp.t on rcapture_hare_6 (Mt 75.1 (3.4)) and on rcapture_hiv_4
 *    (Mt + [12]: 12318.5 (1188.7), deviance 7.614 on 9 df, AIC 86.65).
 *  - MultipleSystemsEstimation 1.2.0, estimate_population_stepwise(x, pthresh = 0.02) and
 *    estimate_population(x, method = "bic"): the chosen models, refitted here with the
 *    model string; Korea's six models with their BIC (user guide ranking); Korea and
 *    western_us_5 stepwise deviance, df and AIC.
 * MultipleSystemsEstimation fixes every interaction with no observed overlap at -inf
 * (its cells leave the likelihood) and counts it in p for AIC and BIC: we fit those with
 * dfg_loglin_fit_boundary and add 2 (AIC) or log n (BIC) per fixed term.
 * Tolerances: half a unit of the last printed digit (N "52823.5" -> 0.05, deviance
 * "448.880" -> 0.0005, BIC "57.14081" -> 5e-6; 1e-5 would be looser).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"
#include "oracle.h"

#include <stdio.h>
#include <string.h>

/* The interactions of m with no observed overlap that contain no smaller such term: what
 * MultipleSystemsEstimation sets to -inf. */
static size_t empty_terms(const dfg_table *t, const dfg_model *m, uint32_t *fixed)
{
    size_t k = dfg_table_k(t), n = (size_t)1 << k, nf = 0;
    double y[1 << 9];
    dfg_table_cells(t, 0, y, NULL);
    for (size_t i = 0; i < m->n_terms; i++) {
        uint32_t a = m->terms[i];
        if (dfg_popcount(a) < 2)
            continue;
        double s = 0.0;
        for (size_t c = 1; c < n; c++)
            if ((c & a) == a)
                s += y[c];
        int covered = 0;
        for (size_t j = 0; j < nf; j++)
            covered |= (a & fixed[j]) == fixed[j];
        if (s == 0.0 && !covered)
            fixed[nf++] = a;
    }
    return nf;
}

typedef struct {
    double nhat, se, deviance, df, aic_mse, bic_mse;
    size_t n_fixed;
    dfg_status rc;
} result;

/* Fit spec on t the MultipleSystemsEstimation way (empty interactions at -inf). */
static result fit_mse(const dfg_table *t, const char *spec)
{
    result r = {NAN, NAN, NAN, NAN, NAN, NAN, 0, DFG_EINTERNAL};
    dfg_model m = {0};
    dfg_error err = {0};
    if (dfg_model_parse(spec, t, &m, &err) != DFG_OK) {
        fprintf(stderr, "model %s: %s\n", spec, err.msg);
        return r;
    }
    uint32_t fixed[64];
    size_t nf = empty_terms(t, &m, fixed);
    dfg_fit f;
    r.rc = dfg_loglin_fit_boundary(t, 0, &m, fixed, nf, NULL, &f, &err);
    if (r.rc != DFG_OK)
        fprintf(stderr, "fit %s: %s: %s\n", spec, err.where, err.msg);
    r.nhat = f.nhat;
    r.se = f.se_nhat;
    r.deviance = f.deviance;
    r.df = f.df;
    r.n_fixed = f.n_boundary;
    /* MSE: p counts the terms at -inf too */
    r.aic_mse = f.aic + 2.0 * (double)nf;
    r.bic_mse = f.bic + log(f.n_obs) * (double)nf;
    dfg_fit_free(&f);
    dfg_model_free(&m);
    return r;
}

typedef struct {
    const char *data;
    double n, se, dev, df;
} mt_row;

typedef struct {
    const char *data, *model;
    double n;
} model_row;

/* Rcapture closedpCI.t Mt: N, s.e., deviance (df) */
static void mt_matches_rcapture_on_every_dataset(void)
{
    static const mt_row mt[] = {
        {"netherlands_6", 52823.5, 2316.4, 448.880, 56},
        {"netherlands_5", 52923.9, 2333.0, 398.187, 25},
        {"uk2013_5", 13444.1, 806.9, 118.532, 25},
        {"new_orleans_8", 996.7, 237.0, 41.292, 246},
        {"new_orleans_5", 1034.2, 254.9, 19.283, 25},
        {"western_us_5", 2007.1, 371.5, 40.963, 25},
        {"korea_3", 142.0, 6.3, 138.555, 3},
        {"rcapture_hiv_4", 11124.6, 904.8, 13.026, 10},
        {"dga_spina_bifida_3", 763.9, 20.6, 58.348, 3},
    };
    for (size_t i = 0; i < sizeof mt / sizeof mt[0]; i++) {
        dfg_table *t = oracle_dataset(mt[i].data);
        if (!CHECK(t != NULL))
            continue;
        dfg_model m = {0};
        dfg_fit f;
        dfg_error err = {0};
        CHECK_CODE(dfg_model_independence(dfg_table_k(t), &m, &err), DFG_OK);
        CHECK_CODE(dfg_loglin_fit(t, 0, &m, NULL, &f, &err), DFG_OK);
        CHECK_ABS(f.nhat, mt[i].n, 0.05);
        /* Rcapture's s.e. uses glm's vcov, at the weights of the iterate before the last
         * (the oracle README measures up to 3e-5 relative against a converged fit):
         * half a unit of the printed digit plus that slack */
        CHECK_ABS(f.se_nhat, mt[i].se, 0.05 + 3e-5 * mt[i].se);
        CHECK_ABS(f.deviance, mt[i].dev, 0.0005);
        CHECK_ABS(f.df, mt[i].df, 0.0);
        CHECK(f.p == dfg_table_k(t) + 1 && f.rank == f.p);
        CHECK_ABS(f.fitted[0], f.nhat - f.n_obs, 1e-9 * f.nhat);
        dfg_fit_free(&f);
        dfg_model_free(&m);
        dfg_table_free(t);
    }
}

/* R's own path: glm (epsilon 1e-8) from mu = y + 0.1 stops at iterate I; vcov is
 * evaluated at iterate I - 1. Emulated with the engine (tol 1e-8, then max_iter
 * I - 1), this gives Rcapture's printed netherlands_6 Mt s.e. 2316.4 (the converged
 * one is 2316.46). */
static void se_follows_r_glm_path(void)
{
    dfg_table *t = oracle_dataset("netherlands_6");
    double y[64], beta[7], mu[64], cov[49], mu_prev[64];
    uint32_t terms[7] = {0, 1, 2, 4, 8, 16, 32};
    dfg_glm_work *w = dfg_glm_work_alloc(64, 7);
    dfg_glm_opts o = dfg_glm_opts_default();
    dfg_glm_info info;
    dfg_error err = {0};
    o.tol = 1e-8;
    CHECK_CODE(dfg_table_cells(t, 0, y, &err), DFG_OK);
    CHECK_CODE(dfg_glm_fit_terms(6, terms, 7, y, NULL, 0, &o, w, beta, mu, NULL, &info, &err),
               DFG_OK);
    o.max_iter = info.iter - 1;
    dfg_error e2 = {0};
    CHECK_CODE(dfg_glm_fit_terms(6, terms, 7, y, NULL, 0, &o, w, beta, mu_prev, cov, &info, &e2),
               DFG_ENOCONV);
    double m0 = mu[0];
    CHECK_ABS(sqrt(m0 + m0 * m0 * cov[0]), 2316.4, 0.05);
    CHECK_ABS(8234.0 + m0, 52823.5, 0.05);
    dfg_glm_work_free(w);
    dfg_table_free(t);
}

/* Models refitted the MultipleSystemsEstimation way: N as printed (half a unit). */
static void models_match_as_printed(const model_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dfg_table *t = oracle_dataset(rows[i].data);
        CHECK_MSG(t != NULL, "%s", rows[i].data);
        if (!t)
            continue;
        result r = fit_mse(t, rows[i].model);
        CHECK_MSG(r.rc == DFG_OK, "%s %s", rows[i].data, rows[i].model);
        CHECK_ABS_MSG(r.nhat, rows[i].n, 0.05, "%s %s", rows[i].data, rows[i].model);
        dfg_table_free(t);
    }
}

/* the stepwise models (pthresh 0.02) */
static void stepwise_models_match_as_printed(void)
{
    static const model_row rows[] = {
        {"netherlands_6", "[12,16,23,25,34,36,45,46]", 111139.4},
        {"netherlands_5", "[12,13,15,24,34,35]", 121521.6},
        {"uk2013_5", "[12,13,24,25,35,45]", 11313.0},
        {"new_orleans_8", "[45,1,2,3,6,7,8]", 1183.7},
        {"new_orleans_5", "[1,2,3,4,5]", 1034.2},
        {"western_us_5", "[15,2,3,4]", 2483.4},
        {"korea_3", "[12,3]", 268.8},
        {"rcapture_hiv_4", "[1,2,3,4]", 11124.6},
        {"dga_spina_bifida_3", "[12,3]", 730.9},
    };
    models_match_as_printed(rows, sizeof rows / sizeof rows[0]);
}

/* the BIC models (estimate_population, method = "bic") */
static void bic_models_match_as_printed(void)
{
    static const model_row rows[] = {{"netherlands_5", "[135,12,24,34]", 148788.8},
                                     {"uk2013_5", "[123,25,34]", 25311.3},
                                     {"korea_3", "[12,23]", 157.2}};
    models_match_as_printed(rows, sizeof rows / sizeof rows[0]);
}

/* netherlands_6: lists 1-2 and 2-5 never overlap, so the stepwise model has two
 * terms at -inf (our fit must find exactly these) */
static void netherlands_stepwise_has_two_terms_at_minus_inf(void)
{
    dfg_table *t = oracle_dataset("netherlands_6");
    result r = fit_mse(t, "[12,16,23,25,34,36,45,46]");
    CHECK(r.n_fixed == 2);
    dfg_table_free(t);
}

/* Korea: the user guide's BIC ranking (MultipleSystemsEstimation), N and BIC */
static void korea_bic_ranking_matches_user_guide(void)
{
    static const struct {
        const char *model;
        double n, bic;
    } korea[] = {
        {"[12,23]", 157.1667, 57.14081}, {"[12,3]", 268.7778, 58.96860},
        {"[13,23]", 123.4630, 91.89711}, {"[23,1]", 126.1944, 138.06368},
        {"[13,2]", 126.9394, 155.16018}, {"[1,2,3]", 141.9926, 184.14431},
    };
    dfg_table *t = oracle_dataset("korea_3");
    for (size_t i = 0; i < sizeof korea / sizeof korea[0]; i++) {
        result r = fit_mse(t, korea[i].model);
        CHECK_CODE(r.rc, DFG_OK);
        CHECK_ABS(r.nhat, korea[i].n, 5e-5);
        CHECK_ABS(r.bic_mse, korea[i].bic, 5e-6);
        if (fabs(r.bic_mse - korea[i].bic) > 5e-6 || fabs(r.nhat - korea[i].n) > 5e-5)
            fprintf(stderr, "  (korea %s: N %.6f BIC %.6f, %zu fixed)\n", korea[i].model, r.nhat,
                    r.bic_mse, r.n_fixed);
    }
    /* stepwise: 268.7778, [12,3], deviance 8.566946 on 2 df, AIC 44.90767 */
    result r = fit_mse(t, "[12,3]");
    CHECK_ABS(r.deviance, 8.566946, 5e-7);
    CHECK_ABS(r.df, 2.0, 0.0);
    CHECK_ABS(r.aic_mse, 44.90767, 5e-6);
    dfg_table_free(t);
}

/* western_us_5 stepwise: 2483.384, [15,2,3,4], deviance 26.58423 on 24 df, AIC 91.8395 */
static void western_stepwise_matches(void)
{
    dfg_table *t = oracle_dataset("western_us_5");
    result r = fit_mse(t, "[15,2,3,4]");
    CHECK_ABS(r.nhat, 2483.384, 5e-4);
    CHECK_ABS(r.deviance, 26.58423, 5e-6);
    CHECK_ABS(r.df, 24.0, 0.0);
    CHECK_ABS(r.aic_mse, 91.8395, 5e-5);
    dfg_table_free(t);
}

/* data/NAME and the model spec on it ("" = main effects) in *m; NULL (a failed check)
 * when either cannot be had. */
static dfg_table *data_and_model(const char *name, const char *spec, dfg_model *m)
{
    dfg_table *t = oracle_dataset(name);
    dfg_error err = {0};
    memset(m, 0, sizeof *m);
    if (t && dfg_model_parse(spec, t, m, &err) != DFG_OK) {
        dfg_table_free(t);
        t = NULL;
    }
    CHECK_MSG(t != NULL, "%s %s: %s", name, spec, err.msg);
    return t;
}

/* The fit of model spec on data/NAME into *f (release with dfg_fit_free); 0 (a failed
 * check) when it cannot be had. */
static int fit_of(const char *name, const char *spec, dfg_fit *f)
{
    dfg_model m;
    dfg_table *t = data_and_model(name, spec, &m);
    dfg_error err = {0};
    dfg_status rc = t ? dfg_loglin_fit(t, 0, &m, NULL, f, &err) : DFG_EIO;
    CHECK_MSG(rc == DFG_OK, "%s %s: %s", name, spec, err.msg);
    dfg_model_free(&m);
    dfg_table_free(t);
    return rc == DFG_OK;
}

/* Rcapture closedp.t: N and s.e. as printed (half a unit of the last digit) of
 * rcapture_hiv_4 Mt + [12], 12318.5 (1188.7), and rcapture_hare_6 Mt, 75.1 (3.4). */
static void rcapture_fits_match(void)
{
    static const struct {
        const char *data, *model;
        double n, se;
    } want[] = {{"rcapture_hiv_4", "[12,3,4]", 12318.5, 1188.7},
                {"rcapture_hare_6", "", 75.1, 3.4}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        dfg_fit f;
        if (!fit_of(want[i].data, want[i].model, &f))
            continue;
        CHECK_ABS_MSG(f.nhat, want[i].n, 0.05, "%s %s", want[i].data, want[i].model);
        CHECK_ABS_MSG(f.se_nhat, want[i].se, 0.05, "%s %s", want[i].data, want[i].model);
        dfg_fit_free(&f);
    }
}

/* The same Mt + [12] on rcapture_hiv_4: deviance 7.614 on 9 df, AIC 86.65 (Rcapture's
 * AIC counts the rank; no term is empty here), and the other criteria from it. */
static void hiv_criteria_follow_rcapture(void)
{
    dfg_fit f;
    if (!fit_of("rcapture_hiv_4", "[12,3,4]", &f))
        return;
    CHECK_ABS(f.deviance, 7.614, 0.0005);
    CHECK_ABS(f.df, 9.0, 0.0);
    CHECK_ABS(f.aic, 86.65, 0.005);
    /* BIC = AIC + (log n - 2) rank; AICc = AIC + 2 r (r + 1) / (n - r - 1) */
    CHECK_REL(f.bic, f.aic + (log(1896.0) - 2.0) * 6.0, 1e-14);
    CHECK_REL(f.aicc, f.aic + 2.0 * 6.0 * 7.0 / (1896.0 - 7.0), 1e-14);
    CHECK_REL(f.loglik, -0.5 * (f.aic - 12.0), 1e-14);
    dfg_fit_free(&f);
}

/* artificial_3 (Chan, Silverman & Vincent 2021, Table 2): lists 1-3 and 2-3 never
 * overlap; with [12,13,23] both go to -inf, 4 cells remain for 5 parameters: not
 * identifiable (DFG_ESING, rank 4); [13,2] passes both checks and fits. */
static void artificial_3_not_identifiable_with_both_empty_terms(void)
{
    dfg_model m;
    dfg_table *t = data_and_model("artificial_3", "[12,13,23]", &m);
    if (!t)
        return;
    result r = fit_mse(t, "[12,13,23]");
    CHECK_CODE(r.rc, DFG_ESING);
    CHECK(r.n_fixed == 2);
    dfg_fit f;
    uint32_t fixed[2] = {0x5, 0x6};
    dfg_error e2 = {0};
    CHECK_CODE(dfg_loglin_fit_boundary(t, 0, &m, fixed, 2, NULL, &f, &e2), DFG_ESING);
    CHECK(f.rank == 4 && f.p == 5 && f.n_cells == 4 && f.n_boundary == 2);
    CHECK(f.boundary && f.boundary[0] == 0x5 && f.fitted && f.fitted[5] == 0.0);
    CHECK(isnan(f.se[0]));
    dfg_fit_free(&f);
    dfg_model_free(&m);
    result r2 = fit_mse(t, "[13,2]");
    CHECK_CODE(r2.rc, DFG_OK);
    CHECK(r2.n_fixed == 1);
    dfg_table_free(t);
}

/* a fixed term whose cells hold people is refused; a non-model term too */
static void a_fixed_term_with_people_is_refused(void)
{
    dfg_model m;
    dfg_table *t = data_and_model("korea_3", "[12,3]", &m);
    if (!t)
        return;
    dfg_fit f;
    uint32_t t12 = 0x3, t13 = 0x5;
    dfg_error e1 = {0}, e2 = {0};
    CHECK_CODE(dfg_loglin_fit_boundary(t, 0, &m, &t12, 1, NULL, &f, &e1), DFG_EINVAL);
    dfg_fit_free(&f);
    CHECK_CODE(dfg_loglin_fit_boundary(t, 0, &m, &t13, 1, NULL, &f, &e2), DFG_EINVAL);
    dfg_fit_free(&f);
    dfg_model_free(&m);
    dfg_table_free(t);
}

int main(void)
{
    RUN(mt_matches_rcapture_on_every_dataset);
    RUN(se_follows_r_glm_path);
    RUN(stepwise_models_match_as_printed);
    RUN(bic_models_match_as_printed);
    RUN(netherlands_stepwise_has_two_terms_at_minus_inf);
    RUN(korea_bic_ranking_matches_user_guide);
    RUN(western_stepwise_matches);
    RUN(rcapture_fits_match);
    RUN(hiv_criteria_follow_rcapture);
    RUN(artificial_3_not_identifiable_with_both_empty_terms);
    RUN(a_fixed_term_with_people_is_refused);
    CHECK_DONE();
}
