/* tests/test_incomplete_profile.c: profile-likelihood intervals of the totals of an EM fit
 * (dfg_em_profiles, models/incomplete_profile.c).
 *  - Without missing values (tests/data/cov/oracle-cov/cov_003.csv) the EM fit is the
 *    complete-data fit and every interval is dfg_cfit_profile_group's on it: the same
 *    likelihood computed another way (the observed data as cells and rows), so the limits
 *    agree to 1e-6 relative (both root searches stop at 1e-9 absolute + 1e-11 relative).
 *  - With covariates missing at random (incomplete/mar.csv: cov_003_missing.csv without age,
 *    origin missing for 25%) and on New Zealand (each covariate recorded by one of the two
 *    lists) every interval brackets its estimate, the profile's maximum is within 0.02
 *    s.e. + 1 of it (the envelope theorem puts it at the EM estimate, up to the
 *    multinomial form's O(1) shift), and its width is within a factor 2 of the log-normal
 *    interval from Louis's observed information (an independent computation); for a level
 *    of a covariate some people lack it is not wider than that interval, whose s.e. also
 *    has the binomial spread of how many of them are at the level.
 *  - Where a covariate is missing by design for most people (cov_003_missing.csv: age
 *    recorded by P only) the constrained fits run off and the interval is refused.
 *  - An EM that did not converge has no profile (DFG_ENOCONV).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "darkfig.h"
#include "oracle.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    oracle_em e; /* the fit */
    dfg_level_total *rows;
    size_t n_rows;
    dfg_interval total;
} run;

/* The EM fit of REL with its level totals and every profile interval. */
static dfg_status run_fit(run *r, const char *rel, const char *lists, const char *model,
                          const dfg_em_opts *eo)
{
    memset(r, 0, sizeof *r);
    dfg_error err = {0};
    dfg_status rc = oracle_em_fit(&r->e, rel, lists, model, eo, &err);
    CHECK_MSG(r->e.t != NULL, "%s", rel);
    if (rc != DFG_OK ||
        (rc = dfg_em_level_totals(r->e.it, &r->e.f, 0.95, &r->rows, &r->n_rows, &err)) != DFG_OK)
        return rc;
    rc =
        dfg_em_profiles(r->e.it, &r->e.m, &r->e.f, NULL, 0.95, &r->total, r->rows, r->n_rows, &err);
    CHECK_MSG(rc == DFG_OK, "profiles: %s", err.msg);
    return rc;
}

static void run_free(run *r)
{
    dfg_free_level_totals(r->rows);
    oracle_em_free(&r->e);
}

static void profile_without_missing_values_is_the_complete_data_profile(void)
{
    run r;
    const char *model = "[P:age,K:age,origin:age]";
    if (run_fit(&r, "cov/oracle-cov/cov_003.csv", "P,K,I", model, NULL) != DFG_OK) {
        run_free(&r);
        return;
    }
    dfg_ctable *ct = NULL;
    dfg_cmodel m = {0, NULL};
    dfg_cfit f;
    dfg_error err = {0};
    CHECK(dfg_ctable_new(r.e.t, 0, &ct, &err) == DFG_OK);
    CHECK(dfg_cmodel_parse(model, ct, &m, &err) == DFG_OK);
    CHECK(dfg_cfit_model(ct, &m, NULL, &f, &err) == DFG_OK);
    dfg_level_total *rows = NULL;
    size_t nr = 0;
    CHECK(dfg_cfit_level_totals(ct, &m, &f, NULL, 0, 0.95, 1, NULL, &rows, &nr, &err) == DFG_OK);
    dfg_interval tot;
    CHECK(dfg_cfit_profile_group(ct, &m, &f, NULL, NULL, 0.95, &tot, &err) == DFG_OK);
    CHECK(nr == r.n_rows && nr == 4);
    CHECK_REL(r.total.lower, tot.lower, 1e-6);
    CHECK_REL(r.total.upper, tot.upper, 1e-6);
    CHECK_REL(r.total.point, tot.point, 1e-6);
    for (size_t i = 0; i < nr && i < r.n_rows; i++) {
        CHECK_MSG(strcmp(rows[i].label, r.rows[i].label) == 0, "%s", rows[i].label);
        CHECK_REL_MSG(r.rows[i].profile.lower, rows[i].profile.lower, 1e-6, "%s lower",
                      rows[i].label);
        CHECK_REL_MSG(r.rows[i].profile.upper, rows[i].profile.upper, 1e-6, "%s upper",
                      rows[i].label);
    }
    dfg_free_level_totals(rows);
    dfg_cfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_ctable_free(ct);
    run_free(&r);
}

/* lower < N < upper, the profile's maximum within 0.02 s.e. + 1 of N; width: within a factor
 * 2 of the log-normal's (ln_check = 1), or not above it (ln_check = 2: a level of a
 * covariate some people lack, whose log-normal interval also has the binomial spread of how
 * many of them are at the level) */
static void check_bracket(const char *what, double nhat, double se, const dfg_interval *pr,
                          const dfg_interval *ln, int ln_check)
{
    CHECK_MSG(pr->lower < nhat && nhat < pr->upper && !pr->upper_beyond,
              "%s: N %.3f, profile [%.3f, %.3f]", what, nhat, pr->lower, pr->upper);
    CHECK_MSG(fabs(pr->point - nhat) <= 0.02 * se + 1.0, "%s: profile maximum %.3f, N %.3f", what,
              pr->point, nhat);
    double wp = pr->upper - pr->lower, wl = ln->upper - ln->lower;
    if (ln_check == 1)
        CHECK_MSG(wp > 0.5 * wl && wp < 2.0 * wl, "%s: profile width %.3f, log-normal %.3f", what,
                  wp, wl);
    else
        CHECK_MSG(wp > 0.1 * wl && wp <= 1.01 * wl, "%s: profile width %.3f, log-normal %.3f", what,
                  wp, wl);
    printf("  %-14s N %11.2f (max %11.2f) profile [%.2f, %.2f] log-normal [%.2f, %.2f]\n", what,
           nhat, pr->point, pr->lower, pr->upper, ln->lower, ln->upper);
}

/* every total of the model's EM fit on the file: check_bracket, the levels' width as
 * level_check says */
static void check_file(const char *rel, const char *lists, const char *model, int level_check)
{
    run r;
    dfg_em_opts eo = dfg_em_opts_default(); /* to the maximum (SQUAREM, 1e-14) */
    if (run_fit(&r, rel, lists, model, &eo) != DFG_OK) {
        run_free(&r);
        return;
    }
    dfg_interval ln;
    dfg_error err = {0};
    CHECK(dfg_interval_lognormal(r.e.f.fit.n_obs, r.e.f.fit.nhat, r.e.f.fit.se_nhat, 0.95, &ln,
                                 &err) == DFG_OK);
    check_bracket("total", r.e.f.fit.nhat, r.e.f.fit.se_nhat, &r.total, &ln, 1);
    for (size_t i = 0; i < r.n_rows; i++)
        check_bracket(r.rows[i].label, r.rows[i].nhat, r.rows[i].se, &r.rows[i].profile,
                      &r.rows[i].lognormal, level_check);
    run_free(&r);
}

/* mar.csv: cov_003_missing.csv without age (origin missing at random for 25%) */
static void profile_with_values_missing_at_random_brackets_the_estimates(void)
{
    check_file("incomplete/mar.csv", "P,K,I", "[P:origin,K:origin]", 1);
}

/* New Zealand: a and c each recorded by one list of two */
static void profile_on_new_zealand_brackets_the_estimates(void)
{
    check_file("incomplete/cenzus_newzealand_AC.csv", "A,C", "[A:c,C:a,a:c]", 2);
}

/* cov_003_missing.csv: age recorded by P only, for a third of the people: the constrained
 * fits run off and no interval is given (status and reason), never a wrong one */
static void profile_refused_where_a_parameter_is_weakly_identified(void)
{
    run r;
    memset(&r, 0, sizeof r);
    dfg_error err = {0};
    CHECK(oracle_em_fit(&r.e, "incomplete/cov_003_missing.csv", "P,K,I", "[P:age,K:age,origin:age]",
                        NULL, &err) == DFG_OK);
    if (!r.e.it) {
        run_free(&r);
        return;
    }
    CHECK(dfg_em_level_totals(r.e.it, &r.e.f, 0.95, &r.rows, &r.n_rows, &err) == DFG_OK);
    dfg_status rc =
        dfg_em_profiles(r.e.it, &r.e.m, &r.e.f, NULL, 0.95, &r.total, r.rows, r.n_rows, &err);
    CHECK(rc == DFG_ENOCONV || rc == DFG_ESING);
    CHECK_MSG(strstr(err.msg, "profile of the total") != NULL, "%s", err.msg);
    CHECK(isnan(r.total.lower) && isnan(r.total.upper));
    run_free(&r);
}

static void no_profile_from_an_em_that_did_not_converge(void)
{
    dfg_table *t = oracle_test_table("incomplete/cov_003_missing.csv", "P,K,I");
    dfg_itable *it = NULL;
    dfg_cmodel m = {0, NULL};
    dfg_emfit f;
    dfg_error err = {0};
    CHECK(t && dfg_itable_new(t, NULL, &it, &err) == DFG_OK);
    if (!it) {
        dfg_table_free(t);
        return;
    }
    CHECK(dfg_cmodel_parse("[P:age,K:age,origin:age]", dfg_itable_ctable(it), &m, &err) == DFG_OK);
    dfg_em_opts eo = dfg_em_opts_default();
    eo.max_iter = 10;
    eo.accelerate = 0;
    CHECK_CODE(dfg_em_fit(it, &m, &eo, &f, &err), DFG_ENOCONV);
    dfg_interval tot;
    dfg_error_clear(&err);
    CHECK_CODE(dfg_em_profiles(it, &m, &f, NULL, 0.95, &tot, NULL, 0, &err), DFG_ENOCONV);
    dfg_emfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_itable_free(it);
    dfg_table_free(t);
}

int main(void)
{
    gsl_set_error_handler_off();
    RUN(profile_without_missing_values_is_the_complete_data_profile);
    RUN(profile_with_values_missing_at_random_brackets_the_estimates);
    RUN(profile_on_new_zealand_brackets_the_estimates);
    RUN(profile_refused_where_a_parameter_is_weakly_identified);
    RUN(no_profile_from_an_em_that_did_not_converge);
    CHECK_DONE();
}
