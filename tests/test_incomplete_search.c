/* tests/test_incomplete_search.c: the stepwise search over lists and covariates on
 * incomplete data (dfg_em_step_run, models/incomplete_search.c).
 *
 * No R package runs this search (cenzus fits given models only), so the checks are
 * independent computations:
 *  - without missing values the path is the complete-data search's (dfg_cstep_run, itself
 *    checked against mse's printed paths in ref_cov_step): same terms, phases and p; the
 *    criteria differ by one constant (the multinomial against the Poisson form of the
 *    log-likelihood), so differences along the path agree to 1e-6; N to 1e-8 relative
 *    (both fits converge to 1e-10 or better);
 *  - with missing values (cov_003_missing.csv) every step's AIC, BIC and N are those of
 *    dfg_em_fit on the model of that step (1e-8 relative: the same EM rule, ended by the
 *    same M-step), and where the search stopped no single add or drop of the last phase
 *    lowers -2 LL + p (each candidate fitted by dfg_em_fit from its own start);
 *  - New Zealand (a, c missing by design): the terms A:a and C:c cannot be estimated and
 *    are skipped by name; a start holding one is refused by name; the path is the same on
 *    1 and 2 threads; an EM limit stops the search with the last change.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "darkfig.h"
#include "oracle.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static dfg_itable *read_itable(const char *rel, const char *lists, dfg_table **tp)
{
    dfg_itable *it = oracle_test_itable(rel, lists, tp);
    CHECK_MSG(it != NULL, "%s", rel);
    return it;
}

static void em_search_without_missing_values_follows_the_complete_path(void)
{
    dfg_table *t = NULL;
    dfg_itable *it = read_itable("cov/oracle-cov/cov_003.csv", "P,K,I", &t);
    if (!it) {
        dfg_table_free(t);
        return;
    }
    dfg_ctable *ct = NULL;
    dfg_error err = {0};
    CHECK(dfg_ctable_new(t, 0, &ct, &err) == DFG_OK);
    dfg_cstep_result a, b;
    dfg_cstep_opts so = dfg_cstep_opts_default();
    CHECK(dfg_cstep_run(ct, &so, &a, &err) == DFG_OK);
    CHECK(dfg_em_step_run(it, NULL, &so, &b, &err) == DFG_OK);
    CHECK_MSG(a.n_steps == b.n_steps && a.n_steps > 3, "steps %zu and %zu", a.n_steps, b.n_steps);
    for (size_t i = 0; i < a.n_steps && i < b.n_steps; i++) {
        const dfg_cstep_row *x = &a.steps[i], *y = &b.steps[i];
        CHECK_MSG(strcmp(x->term, y->term) == 0 && x->change == y->change && x->phase == y->phase &&
                      x->p == y->p,
                  "step %zu: %s and %s", i + 1, x->term, y->term);
        CHECK_ABS((y->aic - b.steps[0].aic) - (x->aic - a.steps[0].aic), 0.0, 1e-6);
        CHECK_ABS((y->bic - b.steps[0].bic) - (x->bic - a.steps[0].bic), 0.0, 1e-6);
        CHECK_REL(y->nhat, x->nhat, 1e-8);
    }
    char fa[512], fb[512];
    dfg_cmodel_format(&a.final, ct, fa, sizeof fa);
    dfg_cmodel_format(&b.final, dfg_itable_ctable(it), fb, sizeof fb);
    CHECK_MSG(strcmp(fa, fb) == 0, "%s and %s", fa, fb);
    CHECK(b.skipped[0] == '\0');
    dfg_cstep_result_free(&a);
    dfg_cstep_result_free(&b);
    dfg_ctable_free(ct);
    dfg_itable_free(it);
    dfg_table_free(t);
}

/* -2 LL + pen p of model (terms) by dfg_em_fit; NaN when it cannot be estimated */
static double em_crit(const dfg_itable *it, const uint64_t *terms, size_t n, double pen,
                      const dfg_em_opts *eo, double *nhat)
{
    dfg_cmodel m = {0, NULL};
    dfg_emfit f;
    dfg_error err = {0};
    double v = NAN;
    if (dfg_cmodel_from_terms(dfg_itable_ctable(it), terms, n, &m, &err) != DFG_OK)
        return NAN;
    dfg_status rc = dfg_em_fit(it, &m, eo, &f, &err);
    if (rc == DFG_OK) {
        v = -2.0 * f.loglik + pen * (double)f.fit.p;
        if (nhat)
            *nhat = f.fit.nhat;
    } else {
        CHECK_MSG(rc == DFG_EDATA, "em_fit: %s", err.msg);
    }
    dfg_emfit_free(&f);
    dfg_cmodel_free(&m);
    return v;
}

/* the term of a "A:b" name */
static uint64_t term_of_name(const dfg_ctable *ct, const char *name)
{
    dfg_cmodel m = {0, NULL};
    char spec[160];
    snprintf(spec, sizeof spec, "[%s]", name);
    uint64_t t = 0;
    if (dfg_cmodel_parse(spec, ct, &m, NULL) == DFG_OK)
        for (size_t i = 0; i < m.n_terms; i++)
            if (__builtin_popcountll(m.terms[i]) == 2)
                t = m.terms[i];
    dfg_cmodel_free(&m);
    return t;
}

static void em_search_steps_are_em_fits_and_its_end_is_a_local_minimum(void)
{
    dfg_table *t = NULL;
    dfg_itable *it = read_itable("incomplete/cov_003_missing.csv", "P,K,I", &t);
    if (!it) {
        dfg_table_free(t);
        return;
    }
    const dfg_ctable *ct = dfg_itable_ctable(it);
    dfg_em_opts eo = dfg_em_opts_default();
    dfg_cstep_opts so = dfg_cstep_opts_default();
    dfg_cstep_result r;
    dfg_error err = {0};
    CHECK_MSG(dfg_em_step_run(it, &eo, &so, &r, &err) == DFG_OK, "%s", err.msg);
    CHECK(r.n_steps >= 3);
    /* replay the path: each step's model fitted on its own */
    size_t k = dfg_ctable_k(ct), nv = k + dfg_ctable_n_cov(ct), n = 0;
    uint64_t terms[64];
    for (size_t v = 0; v < nv; v++)
        terms[n++] = (uint64_t)1 << v;
    double nobs = dfg_itable_n_obs(it);
    for (size_t i = 0; i < r.n_steps; i++) {
        const dfg_cstep_row *s = &r.steps[i];
        if (s->change != 0) {
            uint64_t tt = term_of_name(ct, s->term);
            CHECK_MSG(tt != 0, "step %zu term %s", i + 1, s->term);
            if (s->change > 0) {
                terms[n++] = tt;
            } else {
                size_t w = 0;
                for (size_t q = 0; q < n; q++)
                    if (terms[q] != tt)
                        terms[w++] = terms[q];
                n = w;
            }
        }
        double nh = NAN;
        double aic = em_crit(it, terms, n, 2.0, &eo, &nh);
        double bic = em_crit(it, terms, n, log(nobs), &eo, NULL);
        CHECK_REL(s->aic, aic, 1e-8);
        CHECK_REL(s->bic, bic, 1e-8);
        CHECK_REL(s->nhat, nh, 1e-8);
    }
    /* the end: no single move of the last phase (penalty 1) lowers the criterion */
    double here = em_crit(it, terms, n, 1.0, &eo, NULL);
    size_t n_better = 0, n_tried = 0;
    for (size_t a = 0; a < nv; a++)
        for (size_t b = a + 1; b < nv; b++) {
            uint64_t tt = ((uint64_t)1 << a) | ((uint64_t)1 << b), mv[64];
            if ((tt & (((uint64_t)1 << k) - 1)) == (((uint64_t)1 << k) - 1))
                continue;
            size_t m = 0, in = 0;
            for (size_t q = 0; q < n; q++) {
                if (terms[q] == tt)
                    in = 1;
                else
                    mv[m++] = terms[q];
            }
            if (!in)
                mv[m++] = tt;
            /* drops of terms the first phases chose are outside step()'s lower scope; try
             * only adds and drops of terms added in the last phase */
            int last_phase_term = 0;
            for (size_t i = 0; i < r.n_steps; i++)
                if (r.steps[i].phase == 2 && r.steps[i].change > 0 &&
                    term_of_name(ct, r.steps[i].term) == tt)
                    last_phase_term = 1;
            if (in && !last_phase_term)
                continue;
            double c = em_crit(it, mv, m, 1.0, &eo, NULL);
            n_tried += isfinite(c);
            n_better += c < here - 1e-7;
        }
    CHECK_MSG(n_better == 0, "%zu of %zu moves lower the criterion at the end", n_better, n_tried);
    CHECK(n_tried > 3);
    dfg_cstep_result_free(&r);
    dfg_itable_free(it);
    dfg_table_free(t);
}

static void em_search_skips_terms_that_cannot_be_estimated(void)
{
    dfg_table *t = NULL;
    dfg_itable *it = read_itable("incomplete/cenzus_newzealand_AC.csv", "A,C", &t);
    if (!it) {
        dfg_table_free(t);
        return;
    }
    const dfg_ctable *ct = dfg_itable_ctable(it);
    dfg_cstep_opts so = dfg_cstep_opts_default();
    dfg_cstep_result r, r2;
    dfg_error err = {0};
    CHECK_MSG(dfg_em_step_run(it, NULL, &so, &r, &err) == DFG_OK, "%s", err.msg);
    CHECK_MSG(strstr(r.skipped, "A:a") && strstr(r.skipped, "C:c"), "skipped: %s", r.skipped);
    for (size_t i = 0; i < r.n_steps; i++)
        CHECK_MSG(strcmp(r.steps[i].term, "A:a") != 0 && strcmp(r.steps[i].term, "C:c") != 0,
                  "step %zu fits %s", i + 1, r.steps[i].term);
    char fin[256];
    dfg_cmodel_format(&r.final, ct, fin, sizeof fin);
    /* the model cenzus's example fits, found by the search */
    CHECK_MSG(strcmp(fin, "[A:c,C:a,a:c]") == 0, "final %s", fin);
    /* the same path on two threads */
    so.threads = 2;
    CHECK(dfg_em_step_run(it, NULL, &so, &r2, &err) == DFG_OK);
    CHECK(r2.n_steps == r.n_steps);
    for (size_t i = 0; i < r.n_steps && i < r2.n_steps; i++)
        CHECK(strcmp(r.steps[i].term, r2.steps[i].term) == 0 && r.steps[i].aic == r2.steps[i].aic &&
              r.steps[i].nhat == r2.steps[i].nhat);
    dfg_cstep_result_free(&r2);
    /* a start that holds a term that cannot be estimated: refused with its name */
    dfg_cmodel fx = {0, NULL};
    CHECK(dfg_cmodel_parse("[A:a]", ct, &fx, &err) == DFG_OK);
    so.fixed = fx.terms;
    so.n_fixed = fx.n_terms;
    so.threads = 1;
    dfg_error_clear(&err);
    CHECK_CODE(dfg_em_step_run(it, NULL, &so, &r2, &err), DFG_EDATA);
    CHECK_MSG(strstr(err.msg, "A:a") != NULL, "%s", err.msg);
    CHECK(r2.n_steps == 0);
    dfg_cmodel_free(&fx);
    /* an EM limit stops the search, saying the last change */
    so = dfg_cstep_opts_default();
    dfg_em_opts eo = dfg_em_opts_default();
    eo.max_iter = 2;
    eo.accelerate = 0;
    dfg_error_clear(&err);
    CHECK_CODE(dfg_em_step_run(it, &eo, &so, &r2, &err), DFG_ENOCONV);
    CHECK_MSG(strstr(err.msg, "did not converge in 2 iterations") &&
                  strstr(err.msg, "last relative change"),
              "%s", err.msg);
    dfg_cstep_result_free(&r);
    dfg_itable_free(it);
    dfg_table_free(t);
}

int main(void)
{
    gsl_set_error_handler_off();
    RUN(em_search_without_missing_values_follows_the_complete_path);
    RUN(em_search_steps_are_em_fits_and_its_end_is_a_local_minimum);
    RUN(em_search_skips_terms_that_cannot_be_estimated);
    CHECK_DONE();
}
