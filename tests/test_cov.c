/* tests/test_cov.c: the table over lists and covariates, model notation, collapsibility,
 * existence, the group profile interval and bad input (core/design.c,
 * models/covariates.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "darkfig.h"
#include "oracle.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static dfg_table *read_buf(const char *csv, const char *lists)
{
    dfg_csv_opts co = dfg_csv_opts_default();
    co.lists = lists;
    dfg_table *t = NULL;
    dfg_error err = {0};
    if (dfg_table_read_csv_buffer("buf", csv, strlen(csv), &co, &t, &err) != DFG_OK)
        fprintf(stderr, "read: %s %s\n", err.where, err.msg);
    return t;
}

/* levels sorted as strings, one stratum per combination (also empty ones) */
static void table_has_every_combination_with_sorted_levels(void)
{
    dfg_table *t = oracle_test_table("cov/oracle-cov/cov_003.csv", "P,K,I");
    dfg_ctable *ct = NULL;
    dfg_error err = {0};
    CHECK_CODE(dfg_ctable_new(t, 0, &ct, &err), DFG_OK);
    CHECK(dfg_ctable_n_cov(ct) == 2);
    CHECK(strcmp(dfg_ctable_cov_name(ct, 0), "origin") == 0);
    CHECK(strcmp(dfg_ctable_level_name(ct, 0, 0), "NL") == 0); /* strcmp: "NL" < "abroad" */
    CHECK(strcmp(dfg_ctable_level_name(ct, 0, 1), "abroad") == 0);
    CHECK(dfg_ctable_n_strata(ct) == 4);
    CHECK(dfg_ctable_n_cells(ct) == 32);
    double sum = 0.0;
    for (size_t s = 0; s < dfg_ctable_n_strata(ct); s++)
        sum += dfg_ctable_stratum_n_obs(ct, s);
    CHECK_REL(sum, dfg_ctable_n_obs(ct), 0.0);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

static void model_notation_and_shorthands(void)
{
    dfg_table *t = oracle_test_table("cov/oracle-cov/cov_003.csv", "P,K,I");
    dfg_ctable *ct = NULL;
    dfg_error err = {0};
    dfg_ctable_new(t, 0, &ct, &err);
    dfg_cmodel a = {0}, b = {0};
    CHECK_CODE(dfg_cmodel_parse("[*:age,@]", ct, &a, &err), DFG_OK);
    CHECK_CODE(dfg_cmodel_parse("[P:age,K:age,I:age,origin:age]", ct, &b, &err), DFG_OK);
    CHECK(a.n_terms == b.n_terms);
    for (size_t i = 0; i < a.n_terms && i < b.n_terms; i++)
        CHECK(a.terms[i] == b.terms[i]);
    char buf[256];
    dfg_cmodel_format(&a, ct, buf, sizeof buf);
    CHECK(strcmp(buf, "[P:age,K:age,I:age,origin:age]") == 0);
    /* parameters: 1 + 3 lists + 2 covariates + 3 list x age + 1 origin x age */
    CHECK(dfg_cmodel_n_params(&a, ct) == 10);
    dfg_cmodel_free(&a);
    dfg_cmodel_free(&b);
    /* refused: all lists in one term, unknown names, empty terms */
    CHECK_CODE(dfg_cmodel_parse("[P:K:I]", ct, &a, &err), DFG_EPARSE);
    dfg_error_clear(&err);
    CHECK_CODE(dfg_cmodel_parse("[P:K:I:age]", ct, &a, &err), DFG_EPARSE);
    dfg_error_clear(&err);
    CHECK_CODE(dfg_cmodel_parse("[P:sex]", ct, &a, &err), DFG_EPARSE);
    CHECK(strstr(err.msg, "sex") != NULL && strcmp(err.where, "model:4") == 0);
    dfg_error_clear(&err);
    CHECK_CODE(dfg_cmodel_parse("[P:K,,I]", ct, &a, &err), DFG_EPARSE);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

/* Main effects of lists and covariates: the covariates factor out of the list part, so N
 * is that of the independence model on the strata summed (collapsibility; Bishop,
 * Fienberg & Holland 1975, sec. 2.5). */
static void main_effects_give_the_total_of_the_summed_strata(void)
{
    dfg_table *t = oracle_test_table("cov/oracle-cov/cov_001.csv", "P,K,I,R,O");
    dfg_ctable *ct = NULL;
    dfg_error err = {0};
    CHECK_CODE(dfg_ctable_new(t, 0, &ct, &err), DFG_OK);
    dfg_cmodel m = {0};
    CHECK_CODE(dfg_cmodel_parse("", ct, &m, &err), DFG_OK);
    dfg_cfit f;
    CHECK_CODE(dfg_cfit_checked(ct, &m, NULL, &f, &err), DFG_OK);
    dfg_table *c = dfg_table_collapse(t, &err);
    dfg_model mi = {0};
    dfg_model_independence(5, &mi, &err);
    dfg_fit lf;
    CHECK_CODE(dfg_loglin_fit(c, 0, &mi, NULL, &lf, &err), DFG_OK);
    CHECK_REL(f.nhat, lf.nhat, 1e-9);
    dfg_fit_free(&lf);
    dfg_model_free(&mi);
    dfg_table_free(c);
    dfg_cfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

/* With one stratum the group profile is the total's profile interval (core/interval.c). */
static void group_profile_with_one_stratum_is_the_total_profile(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/rcapture_hiv_4.csv", DFG_DATA_DIR);
    dfg_table *t = NULL;
    dfg_error err = {0};
    dfg_csv_opts co = dfg_csv_opts_default();
    CHECK_CODE(dfg_table_read_csv(path, &co, &t, &err), DFG_OK);
    dfg_model lm = {0};
    CHECK_CODE(dfg_model_parse("[12]", t, &lm, &err), DFG_OK);
    dfg_interval want;
    CHECK_CODE(dfg_interval_profile(t, 0, &lm, NULL, 0.95, &want, &err), DFG_OK);
    dfg_ctable *ct = NULL;
    CHECK_CODE(dfg_ctable_new(t, 0, &ct, &err), DFG_OK);
    dfg_cmodel m = {0};
    CHECK_CODE(dfg_cmodel_parse("[c1:c2]", ct, &m, &err), DFG_OK);
    dfg_cfit f;
    CHECK_CODE(dfg_cfit_checked(ct, &m, NULL, &f, &err), DFG_OK);
    dfg_interval got;
    CHECK_CODE(dfg_cfit_profile_group(ct, &m, &f, NULL, NULL, 0.95, &got, &err), DFG_OK);
    /* the two searches run the same steps on fits that agree to ~1e-10 */
    CHECK_REL(got.lower, want.lower, 1e-7);
    CHECK_REL(got.upper, want.upper, 1e-7);
    CHECK_REL(got.point, want.point, 1e-7);
    /* and the published limits (Rcapture, data/README.md): [10266, 14992.3] */
    CHECK_ABS(got.lower, 10266.0, 0.5);
    CHECK_ABS(got.upper, 14992.3, 0.05);
    dfg_cfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_ctable_free(ct);
    dfg_model_free(&lm);
    dfg_table_free(t);
}

/* Per level: the profile interval holds the point estimate and is close to the log-normal
 * one on a table of thousands; the group of every stratum is the total. */
static void level_profiles_bracket_the_estimates(void)
{
    dfg_table *t = oracle_test_table("cov/oracle-cov/cov_003.csv", "P,K,I");
    dfg_ctable *ct = NULL;
    dfg_error err = {0};
    dfg_ctable_new(t, 0, &ct, &err);
    dfg_cmodel m = {0};
    CHECK_CODE(dfg_cmodel_parse("[origin:age,P:origin,K:origin,I:origin]", ct, &m, &err), DFG_OK);
    dfg_cfit f;
    CHECK_CODE(dfg_cfit_checked(ct, &m, NULL, &f, &err), DFG_OK);
    dfg_level_total *r = NULL;
    size_t nr = 0;
    CHECK_CODE(dfg_cfit_level_totals(ct, &m, &f, NULL, 0, 0.95, 1, NULL, &r, &nr, &err), DFG_OK);
    CHECK(nr == 4);
    double sum_origin = 0.0;
    for (size_t i = 0; i < nr; i++) {
        CHECK(r[i].profile.lower < r[i].nhat && r[i].nhat < r[i].profile.upper);
        CHECK(r[i].profile.lower >= r[i].n_obs);
        /* within 15% of the log-normal limits' distance from N */
        CHECK_ABS(r[i].profile.upper - r[i].nhat, r[i].lognormal.upper - r[i].nhat,
                  0.15 * (r[i].lognormal.upper - r[i].nhat));
        if (strncmp(r[i].label, "origin=", 7) == 0)
            sum_origin += r[i].nhat;
    }
    CHECK_REL(sum_origin, f.nhat, 1e-12);
    /* crossing: origin x age */
    dfg_free_level_totals(r);
    size_t by[2] = {0, 1};
    CHECK_CODE(dfg_cfit_level_totals(ct, &m, &f, by, 2, 0.95, 0, NULL, &r, &nr, &err), DFG_OK);
    CHECK(nr == 4 && strcmp(r[0].label, "origin=NL,age=adult") == 0);
    dfg_free_level_totals(r);
    dfg_cfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

/* Lists A and B never overlap: the A:B parameter is at -inf (boundary), N stays estimable
 * and equals the list-only fit with that term fixed (MultipleSystemsEstimation's rule),
 * the covariate entering by its main effect only (collapsible). */
static void lists_that_never_meet_give_a_boundary_fit(void)
{
    const char *csv = "A,B,C,sex,count\n"
                      "1,0,0,f,30\n0,1,0,f,25\n0,0,1,f,40\n1,0,1,f,6\n0,1,1,f,5\n"
                      "1,0,0,m,20\n0,1,0,m,15\n0,0,1,m,35\n1,0,1,m,4\n0,1,1,m,3\n";
    dfg_table *t = read_buf(csv, "A,B,C");
    dfg_ctable *ct = NULL;
    dfg_error err = {0};
    CHECK_CODE(dfg_ctable_new(t, 0, &ct, &err), DFG_OK);
    dfg_cmodel m = {0};
    CHECK_CODE(dfg_cmodel_parse("[A:B,A:C]", ct, &m, &err), DFG_OK);
    dfg_check_status st;
    CHECK_CODE(dfg_cfit_check(ct, &m, &st, &err), DFG_OK);
    CHECK(st == DFG_CHECK_BOUNDARY);
    dfg_cfit f;
    CHECK_CODE(dfg_cfit_checked(ct, &m, NULL, &f, &err), DFG_OK);
    CHECK(f.check == DFG_CHECK_BOUNDARY);
    dfg_table *c = dfg_table_collapse(t, &err);
    dfg_model lm = {0};
    dfg_model_parse("[12,13]", c, &lm, &err);
    dfg_fit lf;
    dfg_check_status lst;
    CHECK_CODE(dfg_loglin_fit_checked(c, 0, &lm, NULL, &lf, &lst, &err), DFG_OK);
    CHECK(lst == DFG_CHECK_BOUNDARY);
    CHECK_REL(f.nhat, lf.nhat, 1e-8);
    dfg_fit_free(&lf);
    dfg_model_free(&lm);
    dfg_table_free(c);
    dfg_cfit_free(&f);
    /* a stratum with no one and a model that gives it its own parameter: no MLE */
    dfg_cmodel_free(&m);
    dfg_ctable_free(ct);
    dfg_table_free(t);
    const char *csv2 = "A,B,C,sex,age,count\n"
                       "1,0,0,f,a,30\n0,1,0,f,a,25\n0,0,1,f,a,40\n1,1,0,f,a,6\n"
                       "1,0,0,m,a,20\n0,1,0,m,a,15\n0,0,1,m,a,35\n1,1,0,m,a,4\n"
                       "1,0,0,f,b,10\n0,1,0,f,b,12\n0,0,1,f,b,9\n1,1,0,f,b,2\n";
    t = read_buf(csv2, "A,B,C");
    CHECK_CODE(dfg_ctable_new(t, 0, &ct, &err), DFG_OK);
    CHECK_CODE(dfg_cmodel_parse("[sex:age]", ct, &m, &err), DFG_OK);
    CHECK_CODE(dfg_cfit_checked(ct, &m, NULL, &f, &err), DFG_ENOMLE);
    CHECK(f.check == DFG_CHECK_NOMLE);
    dfg_cfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_error_clear(&err);
    /* without the crossing the empty stratum is fitted from the margins */
    CHECK_CODE(dfg_cmodel_parse("", ct, &m, &err), DFG_OK);
    CHECK_CODE(dfg_cfit_checked(ct, &m, NULL, &f, &err), DFG_OK);
    CHECK(f.check == DFG_CHECK_FINE);
    dfg_cfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

static void bad_input_is_refused(void)
{
    dfg_error err = {0};
    dfg_ctable *ct = NULL;
    dfg_table *t = read_buf("A,B,sex,count\n1,0,f,3\n0,1,f,4\n1,1,f,2\n", "A,B");
    CHECK_CODE(dfg_ctable_new(t, 0, &ct, &err), DFG_EDATA);
    CHECK(strstr(err.msg, "sex") && strstr(err.msg, "one level"));
    CHECK(ct == NULL);
    dfg_table_free(t);
    dfg_error_clear(&err);
    t = read_buf("A,B,sex,count\n1,0,f,3\n0,1,NA,4\n1,1,m,2\n", "A,B");
    CHECK_CODE(dfg_ctable_new(t, 0, &ct, &err), DFG_EDATA);
    CHECK(strstr(err.msg, "missing") != NULL);
    dfg_table_free(t);
    dfg_error_clear(&err);
    t = oracle_test_table("cov/wodc_like_6lists_5cov.csv", "P,K,I,R,O,Z");
    CHECK_CODE(dfg_ctable_new(t, 4096, &ct, &err), DFG_EDATA);
    CHECK(strstr(err.msg, "6144") && strstr(err.msg, "4096"));
    dfg_error_clear(&err);
    CHECK_CODE(dfg_ctable_new(t, 6144, &ct, &err), DFG_OK);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

/* Stratified by origin with the main effects: each level is the independence model of
 * that slice with the strata summed (collapsibility again), the sum their total. */
static void stratified_fits_are_the_slices_fits(void)
{
    dfg_table *t = oracle_test_table("cov/oracle-cov/cov_003.csv", "P,K,I");
    dfg_ctable *ct = NULL;
    dfg_error err = {0};
    dfg_ctable_new(t, 0, &ct, &err);
    dfg_cmodel m = {0};
    CHECK_CODE(dfg_cmodel_parse("[P:origin,K:origin,origin:age]", ct, &m, &err), DFG_OK);
    dfg_strat_result r;
    CHECK_CODE(dfg_cfit_stratified(ct, &m, 0, NULL, 0.95, &r, &err), DFG_OK);
    CHECK(r.n_rows == 2 && r.all_ok);
    double sum = 0.0;
    for (size_t l = 0; l < r.n_rows; l++) {
        /* the slice: the people with this origin, lists only */
        const char *lev = r.rows[l].level;
        dfg_table *c = dfg_table_new(3, (const char *const[]){"P", "K", "I"}, 0, NULL, &err);
        for (size_t s = 0; s < dfg_table_n_strata(t); s++) {
            if (strcmp(dfg_table_stratum_value(t, s, 0), lev) != 0)
                continue;
            for (size_t i = 0; i < dfg_table_n_patterns(t, s); i++) {
                uint32_t pat;
                double cnt;
                dfg_table_pattern(t, s, i, &pat, &cnt);
                dfg_table_add(c, 0, pat, cnt, &err);
            }
        }
        dfg_model mi = {0};
        dfg_model_independence(3, &mi, &err);
        dfg_fit lf;
        CHECK_CODE(dfg_loglin_fit(c, 0, &mi, NULL, &lf, &err), DFG_OK);
        CHECK_REL(r.rows[l].nhat, lf.nhat, 1e-9);
        CHECK_REL(r.rows[l].se, lf.se_nhat, 1e-6);
        CHECK(strcmp(r.rows[l].model, "[P,K,I,age]") == 0);
        sum += lf.nhat;
        dfg_fit_free(&lf);
        dfg_model_free(&mi);
        dfg_table_free(c);
    }
    CHECK_REL(r.nhat, sum, 1e-12);
    dfg_strat_result_free(&r);
    dfg_cmodel_free(&m);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

/* Parametric bootstrap: the same replicates on 1 and 3 threads; its s.e. close to the
 * delta method's; intervals around the estimate. */
static void bootstrap_is_thread_independent_and_near_the_delta_se(void)
{
    dfg_table *t = oracle_test_table("cov/oracle-cov/cov_003.csv", "P,K,I");
    dfg_ctable *ct = NULL;
    dfg_error err = {0};
    dfg_ctable_new(t, 0, &ct, &err);
    dfg_cmodel m = {0};
    dfg_cmodel_parse("[origin:age,P:origin,K:origin,I:origin]", ct, &m, &err);
    dfg_cfit f;
    CHECK_CODE(dfg_cfit_checked(ct, &m, NULL, &f, &err), DFG_OK);
    dfg_cboot_opts o = dfg_cboot_opts_default();
    o.B = 400;
    o.seed = 7;
    dfg_cboot_result a, b;
    CHECK_CODE(dfg_cboot_run(ct, &m, &f, NULL, 0, &o, &a, &err), DFG_OK);
    o.threads = 3;
    CHECK_CODE(dfg_cboot_run(ct, &m, &f, NULL, 0, &o, &b, &err), DFG_OK);
    CHECK(a.n_rows == 5 && b.n_rows == 5);
    int same = 1;
    for (size_t i = 0; i < o.B * a.n_rows; i++)
        same &= a.nstar[i] == b.nstar[i];
    CHECK(same);
    CHECK(a.rows[0].bca_lo == b.rows[0].bca_lo && a.rows[0].perc_hi == b.rows[0].perc_hi);
    /* s.e. from 400 replicates: relative sampling error about 1 / sqrt(800) = 3.5% */
    CHECK_REL(a.rows[0].se, f.se_nhat, 0.15);
    for (size_t g = 0; g < a.n_rows; g++) {
        CHECK(a.rows[g].perc_lo < a.rows[g].point && a.rows[g].point < a.rows[g].perc_hi);
        CHECK(a.rows[g].bca_lo < a.rows[g].point && a.rows[g].point < a.rows[g].bca_hi);
    }
    dfg_cboot_result_free(&a);
    dfg_cboot_result_free(&b);
    /* nonparametric with the stepwise search repeated */
    o.type = DFG_BOOT_NONPARAMETRIC;
    o.select = 1;
    o.B = 20;
    o.bca = 0;
    o.threads = 2;
    CHECK_CODE(dfg_cboot_run(ct, &m, &f, NULL, 0, &o, &a, &err), DFG_OK);
    CHECK(a.rows[0].n_ok + a.n_failed == 20 && a.rows[0].n_ok >= 15);
    CHECK(a.rows[0].perc_lo < f.nhat && f.nhat < a.rows[0].perc_hi);
    dfg_cboot_result_free(&a);
    dfg_cfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

/* The simulator with covariates: strata shares times their own cell probabilities; the
 * true level sizes add up to N; the same stream gives the same table; with the true model
 * the per-level estimates are near the truth. */
static void simulated_covariate_tables(void)
{
    const char *scn = "lists A B C\ntotal 3000\ncapture 0.3 0.25 0.2\n"
                      "covariate age adult:0.7 minor:0.3\neffect A age minor -1.0\n";
    dfg_scenario *sc = NULL;
    dfg_error err = {0};
    CHECK_CODE(dfg_scenario_read_buffer("buf", scn, strlen(scn), &sc, &err), DFG_OK);
    CHECK(dfg_scenario_n_cov(sc) == 1 && dfg_scenario_n_strata(sc) == 2);
    double p[8];
    CHECK_CODE(dfg_scenario_cell_probs(sc, p, &err), DFG_OK);
    double sum = 0.0;
    for (int x = 0; x < 8; x++)
        sum += p[x];
    CHECK_REL(sum, 1.0, 1e-12);
    double truth[2], truth2[2];
    dfg_table *t = NULL, *t2 = NULL;
    CHECK_CODE(dfg_sim_ctable(sc, 5, 0, &t, truth, &err), DFG_OK);
    CHECK_CODE(dfg_sim_ctable(sc, 5, 0, &t2, truth2, &err), DFG_OK);
    CHECK(truth[0] + truth[1] == 3000.0 && truth[0] == truth2[0]);
    CHECK(dfg_table_n_cov(t) == 1 && dfg_table_n_strata(t) == 2);
    dfg_ctable *ct = NULL;
    CHECK_CODE(dfg_ctable_new(t, 0, &ct, &err), DFG_OK);
    dfg_cmodel m = {0};
    dfg_cmodel_parse("[A:age]", ct, &m, &err);
    dfg_cfit f;
    CHECK_CODE(dfg_cfit_checked(ct, &m, NULL, &f, &err), DFG_OK);
    dfg_level_total *r = NULL;
    size_t nr = 0;
    dfg_cfit_level_totals(ct, &m, &f, NULL, 0, 0.95, 0, NULL, &r, &nr, &err);
    /* levels sorted: adult = stratum 0 of the scenario too; within 4 s.e. of the truth */
    CHECK(nr == 2 && strcmp(r[0].label, "age=adult") == 0);
    CHECK_ABS(r[0].nhat, truth[0], 4.0 * r[0].se);
    CHECK_ABS(r[1].nhat, truth[1], 4.0 * r[1].se);
    dfg_free_level_totals(r);
    dfg_cfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_ctable_free(ct);
    dfg_table_free(t);
    dfg_table_free(t2);
    dfg_scenario_free(sc);
}

/* A table the model fits exactly, counts in the millions and fractional (a fit's own
 * fitted values, as the completed table of the EM at its fixed point): the deviance at the MLE is 0
 * up to its rounding (about 1e-8 here, far above tol 1e-10 x 0.1), so that the IRLS must neither
 * reject steps nor refuse convergence on the rounding's sign (a cold start, as the EM's final fit).
 */
static void exact_fit_of_large_fractional_counts(void)
{
    /* [A:c,C:a,a:c] on lists A, C and binary covariates a, c */
    const double b[8] = {11.0, 1.5, 3.0, -3.3, -4.5, -1.0, 1.2, 5.0};
    char csv[2048];
    size_t len = (size_t)snprintf(csv, sizeof csv, "A,C,a,c,count\n");
    for (int pat = 1; pat < 4; pat++)
        for (int a = 0; a < 2; a++)
            for (int c = 0; c < 2; c++) {
                int A = pat & 1, C = pat >> 1;
                double eta = b[0] + b[1] * A + b[2] * C + b[3] * a + b[4] * c + b[5] * A * c +
                             b[6] * C * a + b[7] * a * c;
                double y = round(exp(eta) * (1.0 + 1e-3 * sin(1.0 + pat + 2.0 * a + 4.0 * c)));
                len += (size_t)snprintf(csv + len, sizeof csv - len, "%d,%d,%d,%d,%.0f\n", A, C, a,
                                        c, y);
            }
    dfg_table *t = read_buf(csv, "A,C");
    CHECK(t != NULL);
    if (!t)
        return;
    dfg_ctable *ct = NULL;
    dfg_error err = {0};
    CHECK_CODE(dfg_ctable_new(t, 0, &ct, &err), DFG_OK);
    dfg_cmodel m = {0};
    CHECK_CODE(dfg_cmodel_parse("[A:c,C:a,a:c]", ct, &m, &err), DFG_OK);
    /* 12 cells, 8 parameters: refit the table to its own fitted values, which the model
     * then reproduces exactly */
    dfg_cfit f = {0};
    dfg_status rc = dfg_cfit_model(ct, &m, NULL, &f, &err);
    CHECK_MSG(rc == DFG_OK, "%s: %s", err.where, err.msg);
    dfg_ctable *ex = NULL;
    if (rc == DFG_OK && dfg_ctable_copy(ct, &ex, &err) == DFG_OK &&
        dfg_ctable_set_counts(ex, f.fitted, &err) == DFG_OK) {
        dfg_cfit g = {0};
        err = (dfg_error){0};
        rc = dfg_cfit_model(ex, &m, NULL, &g, &err);
        CHECK_MSG(rc == DFG_OK, "exact table: %s: %s", err.where, err.msg);
        if (rc == DFG_OK) {
            CHECK(fabs(g.deviance) < 1e-6);
            CHECK_REL(g.nhat, f.nhat, 1e-9);
        }
        dfg_cfit_free(&g);
    }
    dfg_ctable_free(ex);
    dfg_cfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

int main(void)
{
    gsl_set_error_handler_off();
    table_has_every_combination_with_sorted_levels();
    model_notation_and_shorthands();
    main_effects_give_the_total_of_the_summed_strata();
    group_profile_with_one_stratum_is_the_total_profile();
    level_profiles_bracket_the_estimates();
    lists_that_never_meet_give_a_boundary_fit();
    bad_input_is_refused();
    stratified_fits_are_the_slices_fits();
    bootstrap_is_thread_independent_and_near_the_delta_se();
    simulated_covariate_tables();
    exact_fit_of_large_fractional_counts();
    CHECK_DONE();
}
