/* tests/test_em_list_search.c: the list searches (stepwise, exhaustive, downhill) with
 * covariate terms held fixed on incomplete data (dfg_em_search_run,
 * models/incomplete_search.c), every candidate fitted by EM.
 *
 * No R package runs this search, so the checks are independent computations:
 *  - without missing values (cov_013.csv, 4 lists) the EM search is the complete-data
 *    search dfg_search_run_cov (itself checked against `darkfig fit` of each row in
 *    tests/cli/cov_search_test.py): the same models visited, admissible and chosen, the
 *    same rows and N (1e-9 relative: the same fit, reached by EM steps that leave the
 *    complete table unchanged), and criteria that differ by the one constant
 *    2 (n log n - n - sum_c log y_c!) between the Poisson and the multinomial forms of the
 *    log-likelihood (1e-9 relative);
 *  - with missing values (cov_003_missing.csv: origin missing at random, age recorded by P
 *    alone) every row of the exhaustive search has the criterion and N of a separate
 *    dfg_em_fit of its model (fixed terms + list terms; 1e-8 relative: both EMs run to the
 *    maximum, from different starts), the chosen model has the smallest criterion, and
 *    downhill and stepwise end on admissible models with the same numbers;
 *  - with [P:age,K:age] held fixed, the candidates with P:K are not identifiable under the
 *    missingness (dfg_em_fit refuses them, DFG_EDATA): they are skipped, counted and the
 *    term the rank test names is listed; the others are rows;
 *  - existence: without missing values (sparse_nomle.csv) the same two models have no MLE
 *    (the LP on the completed table, here the table itself); with g missing for some
 *    people seen by one list (sparse_nomle_missing.csv) those two models are never rows
 *    (dfg_em_fit refuses them too); an EM stopped by its iteration limit is a failed fit,
 *    so with 2 M-steps no model is admissible (DFG_EDATA);
 *  - a list pair no one is on (no_pk.csv, no_pk_missing.csv): P:K fixed at -inf as in the
 *    complete-data search (without missing values the same rows, boundary included; with
 *    them the boundary rows are dfg_em_fit's fits to 1e-8);
 *  - the result does not depend on the number of threads;
 *  - the allocation-failure sweep (SWEEP_ALLOC) over the entry point.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"
#include "oracle.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* the table (*tp) and its incomplete-data table; NULL (a failed check) when unreadable */
static dfg_itable *load(const char *rel, const char *lists, dfg_table **tp)
{
    dfg_itable *it = oracle_test_itable(rel, lists, tp);
    CHECK_MSG(it != NULL, "%s", rel);
    return it;
}

/* the row of r with model m, or NULL */
static const dfg_search_row *find_row(const dfg_search_result *r, const dfg_model *m)
{
    for (size_t i = 0; i < r->n_rows; i++) {
        const dfg_model *x = &r->rows[i].model;
        int same = x->n_terms == m->n_terms;
        for (size_t j = 0; same && j < m->n_terms; j++)
            same = x->terms[j] == m->terms[j];
        if (same)
            return &r->rows[i];
    }
    return NULL;
}

/* the model over lists and covariates of row w: fixed + its list terms */
static dfg_status full_model(const dfg_ctable *ct, const dfg_cmodel *fixed, const dfg_search_row *w,
                             dfg_cmodel *m)
{
    uint64_t terms[128];
    size_t n = 0;
    for (size_t i = 0; i < fixed->n_terms && n < 128; i++)
        terms[n++] = fixed->terms[i];
    for (size_t i = 0; i < w->model.n_terms && n < 128; i++)
        terms[n++] = w->model.terms[i];
    return dfg_cmodel_from_terms(ct, terms, n, m, NULL);
}

static void same_as_complete_data_search(const char *rel, const char *lists, const char *fixed_s,
                                         size_t n_nomle)
{
    dfg_table *t = NULL;
    dfg_itable *it = load(rel, lists, &t);
    if (!it)
        return;
    const dfg_ctable *ct = dfg_itable_ctable(it);
    CHECK(dfg_itable_n_rows(it) == 0);
    dfg_cmodel fixed = {0};
    dfg_error err = {0};
    CHECK(dfg_cmodel_parse(fixed_s, ct, &fixed, &err) == DFG_OK);
    /* the constant between the two forms of the log-likelihood */
    double n = dfg_itable_n_obs(it), lf = 0.0;
    const double *y = dfg_ctable_counts(ct);
    for (size_t c = 0; c < dfg_ctable_n_cells(ct); c++)
        lf += lgamma(y[c] + 1.0);
    double shift = 2.0 * (n * log(n) - n - lf);
    const dfg_search_method methods[] = {DFG_SEARCH_EXHAUSTIVE, DFG_SEARCH_DOWNHILL,
                                         DFG_SEARCH_STEPWISE};
    for (size_t q = 0; q < 3; q++) {
        dfg_search_opts o = dfg_search_opts_default();
        o.method = methods[q];
        o.top = 1000;
        dfg_search_result a, b;
        dfg_status ra = dfg_search_run_cov(ct, &fixed, &o, &a, &err);
        dfg_status rb = dfg_em_search_run(it, &fixed, NULL, &o, &b, &err);
        CHECK_MSG(ra == DFG_OK && rb == DFG_OK, "%s: %d %d %s", dfg_search_method_name(o.method),
                  ra, rb, err.msg);
        if (ra == DFG_OK && rb == DFG_OK) {
            CHECK_MSG(a.n_models == b.n_models && a.n_admissible == b.n_admissible &&
                          a.n_nomle == b.n_nomle && a.n_notident == b.n_notident &&
                          a.n_rows == b.n_rows && a.n_rows > 0,
                      "%s: models %zu/%zu admissible %zu/%zu rows %zu/%zu no MLE %zu/%zu not "
                      "identifiable %zu/%zu",
                      dfg_search_method_name(o.method), a.n_models, b.n_models, a.n_admissible,
                      b.n_admissible, a.n_rows, b.n_rows, a.n_nomle, b.n_nomle, a.n_notident,
                      b.n_notident);
            CHECK(b.skipped[0] == '\0');
            if (o.method == DFG_SEARCH_EXHAUSTIVE)
                CHECK_MSG(b.n_nomle == n_nomle,
                          "%s: %zu models without MLE, %zu failed, %zu skipped", rel, b.n_nomle,
                          b.n_failed, b.n_notident);
            for (size_t i = 0; i < a.n_rows && i < b.n_rows; i++) {
                const dfg_search_row *x = &a.rows[i], *w = find_row(&b, &x->model);
                CHECK_MSG(w != NULL && (i > 0 || w == &b.rows[0]), "row %zu of %s", i,
                          dfg_search_method_name(o.method));
                if (!w)
                    continue;
                CHECK_REL_MSG(w->nhat, x->nhat, 1e-9, "%s row %zu N",
                              dfg_search_method_name(o.method), i);
                CHECK_REL_MSG(w->criterion - shift, x->criterion, 1e-9, "%s row %zu BIC",
                              dfg_search_method_name(o.method), i);
                CHECK(w->p == x->p);
                CHECK_REL_MSG(w->se_nhat, x->se_nhat, 1e-6, "%s row %zu s.e.",
                              dfg_search_method_name(o.method), i);
            }
        }
        dfg_search_result_free(&a);
        dfg_search_result_free(&b);
    }
    dfg_cmodel_free(&fixed);
    dfg_itable_free(it);
    dfg_table_free(t);
}

static void without_missing_values_it_is_the_complete_data_search(void)
{
    same_as_complete_data_search("cov/oracle-cov/cov_013.csv", "P,K,I,R",
                                 "[origin:expl,*:origin,P:expl]", 0);
    /* two models without MLE (the LP on the completed table, here the table itself) */
    same_as_complete_data_search("cov/sparse_nomle.csv", "P,K,I", "[*:g]", 2);
    /* nobody on P and K: P:K fixed at -inf, its cells out (boundary rows) */
    same_as_complete_data_search("incomplete/no_pk.csv", "P,K,I", "[*:g]", 1);
}

/* a model whose MLE does not exist is never a row nor chosen, with missing values that
 * leave its zero margins as they are; an EM stopped by its limit is a failed fit */
static void no_mle_and_em_limit_on_incomplete_data(void)
{
    dfg_table *t = NULL;
    dfg_itable *it = load("incomplete/sparse_nomle_missing.csv", "P,K,I", &t);
    if (!it)
        return;
    CHECK(dfg_itable_n_rows(it) == 2);
    dfg_cmodel fixed = {0};
    dfg_error err = {0};
    CHECK(dfg_cmodel_parse("[*:g]", dfg_itable_ctable(it), &fixed, &err) == DFG_OK);
    dfg_search_opts o = dfg_search_opts_default();
    o.method = DFG_SEARCH_EXHAUSTIVE;
    o.top = 100;
    dfg_search_result r;
    dfg_status rc = dfg_em_search_run(it, &fixed, NULL, &o, &r, &err);
    CHECK_MSG(rc == DFG_OK, "%s", err.msg);
    if (rc == DFG_OK) {
        /* the two models without MLE are out; dfg_em_fit's identifiability test, at the fit
         * of the evenly spread table (at the boundary here), already refuses them (K:I), so
         * they are counted as skipped rather than without MLE, as em --model says */
        CHECK_MSG(r.n_models == 8 && r.n_nomle + r.n_notident == 2 && r.n_rows == 6 &&
                      r.n_failed == 0,
                  "%zu models, %zu without MLE, %zu rows, %zu skipped (%s), %zu failed", r.n_models,
                  r.n_nomle, r.n_rows, r.n_notident, r.skipped, r.n_failed);
        for (size_t i = 0; i < r.n_rows; i++) { /* [12,13,23] and [13,23] are not rows */
            int has13 = 0, has23 = 0;
            for (size_t j = 0; j < r.rows[i].model.n_terms; j++) {
                has13 |= r.rows[i].model.terms[j] == 5u;
                has23 |= r.rows[i].model.terms[j] == 6u;
            }
            CHECK(!(has13 && has23));
        }
        dfg_cmodel m = {0};
        CHECK(dfg_cmodel_parse("[*:g,P:I,K:I]", dfg_itable_ctable(it), &m, &err) == DFG_OK);
        dfg_emfit f;
        CHECK(dfg_em_fit(it, &m, NULL, &f, &err) != DFG_OK);
        dfg_emfit_free(&f);
        dfg_cmodel_free(&m);
    }
    dfg_search_result_free(&r);
    /* EM limited to 2 M-steps: every fit fails, no admissible model */
    dfg_em_opts eo = dfg_em_opts_default();
    eo.max_iter = 2;
    dfg_error e3 = {0};
    CHECK(dfg_em_search_run(it, &fixed, &eo, &o, &r, &e3) == DFG_EDATA);
    CHECK_MSG(strstr(e3.msg, "no admissible model") != NULL, "%s", e3.msg);
    dfg_cmodel_free(&fixed);
    dfg_itable_free(it);
    dfg_table_free(t);
}

/* exhaustive with `fixed` on cov_003_missing: every row against dfg_em_fit; *r kept */
static void rows_are_em_fits(const dfg_itable *it, const char *fixed_s, int threads,
                             dfg_search_result *r)
{
    const dfg_ctable *ct = dfg_itable_ctable(it);
    dfg_cmodel fixed = {0};
    dfg_error err = {0};
    CHECK(dfg_cmodel_parse(fixed_s, ct, &fixed, &err) == DFG_OK);
    dfg_search_opts o = dfg_search_opts_default();
    o.method = DFG_SEARCH_EXHAUSTIVE;
    o.top = 1000;
    o.threads = threads;
    dfg_status rc = dfg_em_search_run(it, &fixed, NULL, &o, r, &err);
    CHECK_MSG(rc == DFG_OK, "%s: %s", fixed_s, err.msg);
    if (rc != DFG_OK) {
        dfg_cmodel_free(&fixed);
        return;
    }
    CHECK(r->n_rows == r->n_admissible && r->n_rows > 0);
    double best = INFINITY;
    for (size_t i = 0; i < r->n_rows; i++) {
        const dfg_search_row *w = &r->rows[i];
        dfg_cmodel m = {0};
        CHECK(full_model(ct, &fixed, w, &m) == DFG_OK);
        dfg_emfit f;
        rc = dfg_em_fit(it, &m, NULL, &f, &err);
        CHECK_MSG(rc == DFG_OK, "row %zu: %s", i, err.msg);
        if (rc == DFG_OK) {
            CHECK_REL_MSG(w->nhat, f.fit.nhat, 1e-8, "%s row %zu N", fixed_s, i);
            CHECK_REL_MSG(w->criterion, f.fit.bic, 1e-8, "%s row %zu BIC", fixed_s, i);
            CHECK_REL_MSG(w->loglik, f.loglik, 1e-8, "%s row %zu loglik", fixed_s, i);
            CHECK(w->p == f.fit.p);
            CHECK_REL_MSG(w->se_nhat, f.fit.se_nhat, 1e-12, "%s row %zu s.e.", fixed_s, i);
            if (f.fit.bic < best)
                best = f.fit.bic;
        }
        dfg_emfit_free(&f);
        dfg_cmodel_free(&m);
    }
    CHECK_REL_MSG(r->rows[0].criterion, best, 1e-8, "%s: the chosen model is the best", fixed_s);
    dfg_cmodel_free(&fixed);
}

static void rows_are_the_em_fits_of_their_models(void)
{
    dfg_table *t = NULL;
    dfg_itable *it = load("incomplete/cov_003_missing.csv", "P,K,I", &t);
    if (!it)
        return;
    CHECK(dfg_itable_n_rows(it) > 0);
    dfg_search_result r, r2;
    rows_are_em_fits(it, "[P:origin]", 1, &r);
    CHECK(r.n_rows == 8 && r.skipped[0] == '\0');
    /* two threads: the same digits */
    dfg_error err = {0};
    dfg_cmodel fixed = {0};
    CHECK(dfg_cmodel_parse("[P:origin]", dfg_itable_ctable(it), &fixed, &err) == DFG_OK);
    dfg_search_opts o = dfg_search_opts_default();
    o.method = DFG_SEARCH_EXHAUSTIVE;
    o.top = 1000;
    o.threads = 2;
    CHECK(dfg_em_search_run(it, &fixed, NULL, &o, &r2, &err) == DFG_OK);
    CHECK(r2.n_rows == r.n_rows);
    for (size_t i = 0; i < r.n_rows && i < r2.n_rows; i++)
        CHECK(r2.rows[i].nhat == r.rows[i].nhat && r2.rows[i].criterion == r.rows[i].criterion);
    dfg_search_result_free(&r2);
    /* downhill and stepwise: admissible end points, their numbers the exhaustive rows' */
    const dfg_search_method ms[] = {DFG_SEARCH_DOWNHILL, DFG_SEARCH_STEPWISE};
    for (size_t q = 0; q < 2; q++) {
        o.method = ms[q];
        o.threads = 1;
        dfg_status rc = dfg_em_search_run(it, &fixed, NULL, &o, &r2, &err);
        CHECK_MSG(rc == DFG_OK, "%s: %s", dfg_search_method_name(o.method), err.msg);
        if (rc == DFG_OK) {
            const dfg_search_row *w = find_row(&r, &r2.rows[0].model);
            CHECK(w != NULL);
            if (w) {
                CHECK_REL(r2.rows[0].nhat, w->nhat, 1e-8);
                CHECK_REL(r2.rows[0].criterion, w->criterion, 1e-8);
            }
            if (ms[q] == DFG_SEARCH_DOWNHILL) /* it reaches the best of 8 models */
                CHECK(w == &r.rows[0]);
        }
        dfg_search_result_free(&r2);
    }
    dfg_cmodel_free(&fixed);
    dfg_search_result_free(&r);
    dfg_itable_free(it);
    dfg_table_free(t);
}

/* nobody on P and K: with g missing for some, the models with P:K are boundary rows (P:K
 * at -inf, its cells out of the EM's likelihood too) */
static void list_terms_at_minus_infinity_with_missing_values(void)
{
    dfg_table *t = NULL;
    dfg_itable *it = load("incomplete/no_pk_missing.csv", "P,K,I", &t);
    if (!it)
        return;
    dfg_search_result r;
    rows_are_em_fits(it, "[*:g]", 1, &r);
    size_t nb = 0;
    for (size_t i = 0; i < r.n_rows; i++)
        nb += r.rows[i].status == DFG_CHECK_BOUNDARY && r.rows[i].n_boundary == 1 &&
              r.rows[i].boundary[0] == 3u;
    CHECK_MSG(nb == 3 && r.n_failed == 0, "%zu boundary rows, %zu failed", nb, r.n_failed);
    dfg_search_result_free(&r);
    dfg_itable_free(it);
    dfg_table_free(t);
}

static void unidentifiable_candidates_are_skipped_and_named(void)
{
    dfg_table *t = NULL;
    dfg_itable *it = load("incomplete/cov_003_missing.csv", "P,K,I", &t);
    if (!it)
        return;
    const dfg_ctable *ct = dfg_itable_ctable(it);
    /* age is recorded by P alone: with P:age and K:age held, P:K cannot be estimated */
    dfg_cmodel bad = {0};
    dfg_error err = {0};
    CHECK(dfg_cmodel_parse("[P:age,K:age,P:K]", ct, &bad, &err) == DFG_OK);
    dfg_emfit f;
    CHECK(dfg_em_fit(it, &bad, NULL, &f, &err) == DFG_EDATA);
    CHECK_MSG(strstr(err.msg, "cannot be estimated") != NULL, "%s", err.msg);
    dfg_emfit_free(&f);
    dfg_cmodel_free(&bad);
    dfg_search_result r;
    rows_are_em_fits(it, "[P:age,K:age]", 1, &r);
    /* 8 models over {P:K, P:I, K:I}: the 4 with P:K skipped */
    CHECK_MSG(r.n_models == 8 && r.n_notident == 4 && r.n_rows == 4, "%zu models, %zu skipped",
              r.n_models, r.n_notident);
    CHECK_MSG(strcmp(r.skipped, "P:age") == 0 || strstr(r.skipped, "P:K") != NULL, "skipped '%s'",
              r.skipped);
    for (size_t i = 0; i < r.n_rows; i++) {
        int has_pk = 0;
        for (size_t j = 0; j < r.rows[i].model.n_terms; j++)
            has_pk |= r.rows[i].model.terms[j] == 3u;
        CHECK(!has_pk);
    }
    dfg_search_result_free(&r);
    dfg_itable_free(it);
    dfg_table_free(t);
}

static void em_list_search_survives_allocation_failure(void)
{
    dfg_table *t = NULL;
    dfg_itable *it = load("incomplete/mar.csv", "P,K,I", &t);
    if (!it)
        return;
    dfg_cmodel fixed = {0};
    dfg_error err = {0};
    CHECK(dfg_cmodel_parse("[P:origin]", dfg_itable_ctable(it), &fixed, &err) == DFG_OK);
    dfg_search_opts o = dfg_search_opts_default();
    o.method = DFG_SEARCH_DOWNHILL;
    o.top = 2;
    dfg_search_result r;
    memset(&r, 0, sizeof r);
    SWEEP_ALLOC("em_search_run", dfg_em_search_run(it, &fixed, NULL, &o, &r, &sweep_err),
                dfg_search_result_free(&r));
    dfg_cmodel_free(&fixed);
    dfg_itable_free(it);
    dfg_table_free(t);
}

int main(void)
{
    RUN(without_missing_values_it_is_the_complete_data_search);
    RUN(rows_are_the_em_fits_of_their_models);
    RUN(no_mle_and_em_limit_on_incomplete_data);
    RUN(unidentifiable_candidates_are_skipped_and_named);
    RUN(list_terms_at_minus_infinity_with_missing_values);
    RUN(em_list_search_survives_allocation_failure);
    CHECK_DONE();
}
