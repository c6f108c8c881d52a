/* tests/test_cov_search.c: the list searches (stepwise, exhaustive, downhill) on the full
 * table over lists and covariates with covariate terms held fixed (dfg_search_run_cov,
 * models/search_cov.c): collapsibility against the list-only search on the strata summed,
 * every row of an exhaustive search checked by a separate fit and against R's glm, a
 * candidate whose MLE does not exist, and bad fixed terms.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "darkfig.h"
#include "internal.h" /* dfg_alloc_* of the allocation sweep */
#include "oracle.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static int same_model(const dfg_model *a, const dfg_model *b)
{
    if (a->n_terms != b->n_terms)
        return 0;
    for (size_t i = 0; i < a->n_terms; i++)
        if (a->terms[i] != b->terms[i])
            return 0;
    return 1;
}

/* The table of tests/data/REL with the given lists (*t) and its full table over lists and
 * covariates (NULL on failure, counted). */
static dfg_ctable *full_table(const char *rel, const char *lists, dfg_table **t)
{
    dfg_ctable *ct = NULL;
    dfg_error err = {0};
    *t = oracle_test_table(rel, lists);
    CHECK(*t != NULL);
    if (*t)
        CHECK_CODE(dfg_ctable_new(*t, 0, &ct, &err), DFG_OK);
    return ct;
}

/* The row of r whose list terms are m, or NULL. */
static const dfg_search_row *find_row(const dfg_search_result *r, const dfg_model *m)
{
    for (size_t i = 0; i < r->n_rows; i++)
        if (same_model(&r->rows[i].model, m))
            return &r->rows[i];
    return NULL;
}

/* With the covariates' main effects only, every model's fitted table is the product of its
 * list part and its stratum part: log mu(pattern, stratum) = a(pattern) + b(stratum) on the
 * rectangle (observable patterns) x (strata), so the MLE is mu = mu_P(pattern) mu_S(stratum)
 * / n with mu_P the list-only fit of the strata summed and mu_S the covariate main-effects
 * fit of the stratum totals (each matches its own margins, and together they match every
 * margin of the model). Hence N = n + mu_P(0) is the list-only N, the stepwise p-values
 * (sums of fitted cells over the strata) are the list-only ones, and every model's
 * log-likelihood differs from its list-only one by the same constant (the stratum part),
 * with the same number of extra parameters: the criteria differ by a constant, so the
 * ranking, the deltas and the choice are the same (Bishop, Fienberg & Holland 1975, sec.
 * 2.5). Tolerances: N and deltas to 1e-9 relative/absolute (both fits converge to
 * |dD| / (|D| + 0.1) < 1e-10; IRLS is quadratic there, so the parameters are far closer
 * than that). */
static void collapsed(const char *file, const char *lists, dfg_search_method m, int order)
{
    dfg_table *t = NULL;
    dfg_ctable *ct = full_table(file, lists, &t);
    dfg_error err = {0};
    dfg_table *c = dfg_table_collapse(t, &err);
    if (!ct || !c) {
        dfg_table_free(c);
        dfg_ctable_free(ct);
        dfg_table_free(t);
        return;
    }
    dfg_search_opts o = dfg_search_opts_default();
    o.method = m;
    o.max_order = order;
    o.top = 10000;
    dfg_search_result a, b;
    dfg_cmodel fixed = {0};
    CHECK_CODE(dfg_cmodel_parse("[]", ct, &fixed, &err), DFG_OK);
    CHECK_CODE(dfg_search_run_cov(ct, &fixed, &o, &a, &err), DFG_OK);
    CHECK_CODE(dfg_search_run(c, 0, &o, &b, &err), DFG_OK);
    CHECK_MSG(a.n_rows == b.n_rows && a.n_models == b.n_models && a.n_nomle == b.n_nomle,
              "%s %s: rows %zu/%zu models %zu/%zu", file, dfg_search_method_name(m), a.n_rows,
              b.n_rows, a.n_models, b.n_models);
    CHECK_MSG(a.n_rows > 0 && b.n_rows > 0 && same_model(&a.rows[0].model, &b.rows[0].model),
              "%s %s: the same model chosen", file, dfg_search_method_name(m));
    CHECK(a.n_steps == b.n_steps);
    for (size_t i = 0; i < b.n_rows; i++) {
        const dfg_search_row *x = find_row(&a, &b.rows[i].model);
        CHECK(x != NULL);
        if (!x)
            continue;
        CHECK_REL_MSG(x->nhat, b.rows[i].nhat, 1e-9, "%s row %zu", file, i);
        CHECK_ABS_MSG(x->delta, b.rows[i].delta, 1e-7, "%s row %zu", file, i);
    }
    dfg_search_result_free(&a);
    dfg_search_result_free(&b);
    dfg_cmodel_free(&fixed);
    dfg_table_free(c);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

static void main_effects_of_covariates_give_the_list_only_search_on_the_summed_strata(void)
{
    collapsed("cov/oracle-cov/cov_003.csv", "P,K,I", DFG_SEARCH_EXHAUSTIVE, 0);
    collapsed("cov/oracle-cov/cov_013.csv", "P,K,I,R", DFG_SEARCH_EXHAUSTIVE, 0);
    collapsed("cov/oracle-cov/cov_017.csv", "P,K,I,R", DFG_SEARCH_STEPWISE, 0);
    collapsed("cov/oracle-cov/cov_017.csv", "P,K,I,R", DFG_SEARCH_DOWNHILL, 3);
    collapsed("cov/wodc_like_6lists_5cov.csv", "P,K,I,R,O,Z", DFG_SEARCH_STEPWISE, 0);
    collapsed("cov/wodc_like_6lists_5cov.csv", "P,K,I,R,O,Z", DFG_SEARCH_DOWNHILL, 2);
    /* a table without covariates: one stratum */
    collapsed("cov/sparse_nomle.csv", "P,K,I", DFG_SEARCH_EXHAUSTIVE, 0);
}

/* Exhaustive over 4 lists (orders 2 and 3, the default for 4 lists) with covariate terms
 * fixed: every row's N and BIC equal a separate fit of (fixed terms + its list terms)
 * (dfg_cfit_checked, the fit of `darkfig fit`; BIC = p log n - 2 log L there too, p every
 * parameter), the chosen model has the smallest BIC among them, and every model of the
 * space is accounted for. Two of the models are in R's oracle (tests/data/cov/README.md):
 * glm N and BIC to 1e-6 relative, as tests/ref_oracle_cov.c compares fit. */
static void exhaustive_rows_equal_separate_fits_and_r(void)
{
    dfg_table *t = NULL;
    dfg_ctable *ct = full_table("cov/oracle-cov/cov_013.csv", "P,K,I,R", &t);
    dfg_error err = {0};
    const char *fx[2] = {"[origin:expl,P:origin,K:origin,I:origin,R:origin]",
                         "[origin:expl,P:origin,K:origin,I:origin,R:origin,P:expl]"};
    /* R 4.2.2 glm, table 13: models 2 and 3 (the latter with I:R) */
    const double r_n[2] = {9216.88967269015, 9258.72176108859};
    const double r_bic[2] = {975.221715217433, 905.185569003723};
    for (int f = 0; f < 2; f++) {
        dfg_cmodel fixed = {0};
        CHECK_CODE(dfg_cmodel_parse(fx[f], ct, &fixed, &err), DFG_OK);
        dfg_search_opts o = dfg_search_opts_default();
        o.method = DFG_SEARCH_EXHAUSTIVE;
        o.top = 10000;
        dfg_search_result r;
        CHECK_CODE(dfg_search_run_cov(ct, &fixed, &o, &r, &err), DFG_OK);
        CHECK(r.max_order == 3);
        CHECK(r.n_models == dfg_search_count_models(4, 3, 100000));
        CHECK(r.n_rows == r.n_admissible && r.n_rows > 0);
        CHECK(r.n_admissible + r.n_nomle + r.n_notident + r.n_failed + r.n_not_estimate ==
              r.n_models);
        double best = INFINITY;
        const dfg_search_row *argmin = NULL;
        for (size_t i = 0; i < r.n_rows; i++) {
            const dfg_search_row *w = &r.rows[i];
            uint64_t terms[64];
            size_t n = 0;
            for (size_t j = 0; j < fixed.n_terms; j++)
                terms[n++] = fixed.terms[j];
            for (size_t j = 0; j < w->model.n_terms; j++)
                terms[n++] = w->model.terms[j];
            dfg_cmodel m = {0};
            CHECK_CODE(dfg_cmodel_from_terms(ct, terms, n, &m, &err), DFG_OK);
            dfg_cfit fit;
            CHECK_CODE(dfg_cfit_checked(ct, &m, NULL, &fit, &err), DFG_OK);
            CHECK_REL_MSG(w->nhat, fit.nhat, 1e-8, "row %zu", i);
            CHECK_REL_MSG(w->criterion, fit.bic, 1e-9, "row %zu", i);
            CHECK_REL_MSG(w->se_nhat, fit.se_nhat, 1e-6, "row %zu", i);
            CHECK(w->p == dfg_cmodel_n_params(&m, ct));
            if (fit.bic < best) {
                best = fit.bic;
                argmin = w;
            }
            /* R's models: main effects of the lists (fixed 0), I:R (fixed 1) */
            if (w->model.n_terms == 4 + (size_t)f && (f == 0 || w->model.terms[4] == 0xc)) {
                CHECK_REL(fit.nhat, r_n[f], 1e-6);
                CHECK_REL(fit.bic, r_bic[f], 1e-6);
                CHECK_REL(w->nhat, r_n[f], 1e-6);
                CHECK_REL(w->criterion, r_bic[f], 1e-6);
            }
            dfg_cfit_free(&fit);
            dfg_cmodel_free(&m);
        }
        CHECK(argmin == &r.rows[0]);
        dfg_search_result_free(&r);
        dfg_cmodel_free(&fixed);
    }
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

/* A made-up sparse table (tests/data/cov/README.md): 3 lists, covariate g, nobody on P and
 * K alone (pattern 110 empty in both strata) while P:K holds 33 people through 111. Under
 * the all-pairs model the strata-summed margins (total, P, K, I, PK, PI, KI) fix the 7
 * summed cells, and under [P:I,K:I] those of the slice I = 0 (P, K, and the I-slice total)
 * fix its 3 observable cells, so every table with the margins has 0 at 110: neither MLE
 * exists (Fienberg & Rinaldo 2012), with [*:g] fixed or on the strata summed. The search
 * marks both and never ranks or chooses them; the covariate module's own check (LP and
 * facial set) does not find them fine either. */
static void candidate_without_mle_is_marked_and_not_chosen(void)
{
    dfg_table *t = NULL;
    dfg_ctable *ct = full_table("cov/sparse_nomle.csv", "P,K,I", &t);
    dfg_error err = {0};
    dfg_cmodel fixed = {0};
    CHECK_CODE(dfg_cmodel_parse("[*:g]", ct, &fixed, &err), DFG_OK);
    uint32_t all[6] = {1, 2, 4, 3, 5, 6}, pik[5] = {1, 2, 4, 5, 6};
    dfg_model m_all = {3, 6, all}, m_pik = {3, 5, pik};
    dfg_search_method ms[3] = {DFG_SEARCH_EXHAUSTIVE, DFG_SEARCH_DOWNHILL, DFG_SEARCH_STEPWISE};
    for (int i = 0; i < 3; i++) {
        dfg_search_opts o = dfg_search_opts_default();
        o.method = ms[i];
        o.top = 100;
        dfg_search_result r;
        CHECK_CODE(dfg_search_run_cov(ct, &fixed, &o, &r, &err), DFG_OK);
        if (ms[i] == DFG_SEARCH_EXHAUSTIVE)
            CHECK_MSG(r.n_nomle == 2 && r.n_admissible == 6, "%zu without MLE", r.n_nomle);
        if (ms[i] == DFG_SEARCH_DOWNHILL) /* it tries every neighbour of [K:I]: [P:I,K:I] too */
            CHECK_MSG(r.n_nomle >= 1, "%zu without MLE", r.n_nomle);
        CHECK(find_row(&r, &m_all) == NULL && find_row(&r, &m_pik) == NULL);
        CHECK(r.n_rows > 0 && !same_model(&r.rows[0].model, &m_all) &&
              !same_model(&r.rows[0].model, &m_pik));
        dfg_search_result_free(&r);
    }
    /* P:K, P:I, K:I and [P:I,K:I], each with P:g, K:g, I:g */
    uint64_t terms[2][6] = {{0x3, 0x5, 0x6, 0x9, 0xa, 0xc}, {0x5, 0x6, 0x9, 0xa, 0xc, 0}};
    for (int i = 0; i < 2; i++) {
        dfg_cmodel m = {0};
        CHECK_CODE(dfg_cmodel_from_terms(ct, terms[i], i ? 5 : 6, &m, &err), DFG_OK);
        dfg_check_status st = DFG_CHECK_FINE;
        CHECK_CODE(dfg_cfit_check(ct, &m, &st, &err), DFG_OK);
        CHECK(st != DFG_CHECK_FINE);
        dfg_cmodel_free(&m);
    }
    dfg_cmodel_free(&fixed);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

/* A fixed term with two lists is a list interaction (the search's to choose): refused;
 * aic-stepwise (Rcapture fits of the lists alone) is refused with covariates. */
static void bad_fixed_terms_are_refused(void)
{
    dfg_table *t = NULL;
    dfg_ctable *ct = full_table("cov/oracle-cov/cov_003.csv", "P,K,I", &t);
    dfg_error err = {0};
    dfg_search_opts o = dfg_search_opts_default();
    dfg_search_result r;
    dfg_cmodel fixed = {0};
    CHECK_CODE(dfg_cmodel_parse("[P:K:age]", ct, &fixed, &err), DFG_OK);
    CHECK_CODE(dfg_search_run_cov(ct, &fixed, &o, &r, &err), DFG_EINVAL);
    CHECK(strstr(err.msg, "two or more lists") != NULL);
    dfg_cmodel_free(&fixed);
    dfg_error_clear(&err);
    CHECK_CODE(dfg_cmodel_parse("[P:age]", ct, &fixed, &err), DFG_OK);
    o.method = DFG_SEARCH_AIC_STEPWISE;
    CHECK_CODE(dfg_search_run_cov(ct, &fixed, &o, &r, &err), DFG_EINVAL);
    dfg_error_clear(&err);
    /* an unknown covariate never gets that far: the model does not parse */
    dfg_cmodel bad = {0};
    CHECK_CODE(dfg_cmodel_parse("[P:sex]", ct, &bad, &err), DFG_EPARSE);
    dfg_cmodel_free(&fixed);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

/* Allocation failures anywhere in the search and its workers: DFG_ENOMEM, nothing alive. */
static void search_survives_every_allocation_failure(void)
{
    dfg_table *t = NULL;
    dfg_ctable *ct = full_table("cov/sparse_nomle.csv", "P,K,I", &t);
    dfg_error err = {0};
    dfg_cmodel fixed = {0};
    CHECK_CODE(dfg_cmodel_parse("[*:g]", ct, &fixed, &err), DFG_OK);
    dfg_search_method ms[3] = {DFG_SEARCH_EXHAUSTIVE, DFG_SEARCH_DOWNHILL, DFG_SEARCH_STEPWISE};
    for (int i = 0; i < 3; i++) {
        dfg_search_opts o = dfg_search_opts_default();
        o.method = ms[i];
        dfg_search_result r;
        SWEEP_ALLOC(dfg_search_method_name(ms[i]),
                    dfg_search_run_cov(ct, &fixed, &o, &r, &sweep_err), dfg_search_result_free(&r));
    }
    dfg_cmodel_free(&fixed);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

int main(void)
{
    gsl_set_error_handler_off();
    RUN(main_effects_of_covariates_give_the_list_only_search_on_the_summed_strata);
    RUN(exhaustive_rows_equal_separate_fits_and_r);
    RUN(candidate_without_mle_is_marked_and_not_chosen);
    RUN(bad_fixed_terms_are_refused);
    RUN(search_survives_every_allocation_failure);
    CHECK_DONE();
}
