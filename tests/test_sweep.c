/* tests/test_sweep.c: the allocation-failure sweep (SWEEP_ALLOC, tests/check.h) over every
 * public entry point that allocates: reading (table, nbcap), fits (plain, checked,
 * profile interval), the existence check, the four searches, the closed-population table
 * with profile intervals, the frequency estimators, the hold-one-list-out check, every
 * registered estimator and the bootstrap. Each run must return DFG_ENOMEM with an error
 * that says so and nothing left allocated, until the run whose allocations all succeed
 * returns the status of the unarmed call. Also the two rules of darkfig.h the sweep
 * rests on: err describes the returned code (a no-convergence verdict met before an
 * allocation failure does not stay in err), and a model too large for a fit is
 * DFG_EINVAL with its size, not DFG_ENOMEM.
 * Data: data/rcapture_hiv_4.csv (4 lists: searches and estimators stay fast however
 * often they are repeated), data/rcapture_hare_6.csv (closed models), data/nbcap.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static dfg_table *read_table(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DFG_DATA_DIR, name);
    dfg_table *t = NULL;
    dfg_error err = {0};
    CHECK_MSG(dfg_table_read_csv(path, NULL, &t, &err) == DFG_OK, "%s: %s", path, err.msg);
    return t;
}

static void csv_readers_survive_allocation_failure(void)
{
    char path[512];
    dfg_table *t = NULL;
    snprintf(path, sizeof path, "%s/netherlands_6.csv", DFG_DATA_DIR);
    SWEEP_ALLOC("table_read_csv", dfg_table_read_csv(path, NULL, &t, &sweep_err), {
        dfg_table_free(t);
        t = NULL;
    });
    dfg_freq fr;
    snprintf(path, sizeof path, "%s/nbcap/quoted.csv", DFG_TEST_DATA_DIR);
    SWEEP_ALLOC("freq_read_csv", dfg_freq_read_csv(path, &fr, &sweep_err), dfg_freq_free(&fr));
}

static void fits_survive_allocation_failure(void)
{
    dfg_table *t = read_table("rcapture_hiv_4.csv");
    dfg_model m = {0, 0, NULL};
    dfg_error err = {0};
    CHECK_CODE(dfg_model_parse("[12,13,4]", t, &m, &err), DFG_OK);
    dfg_fit f;
    SWEEP_ALLOC("loglin_fit", dfg_loglin_fit(t, 0, &m, NULL, &f, &sweep_err), dfg_fit_free(&f));
    dfg_check_status cs;
    SWEEP_ALLOC("loglin_fit_checked", dfg_loglin_fit_checked(t, 0, &m, NULL, &f, &cs, &sweep_err),
                dfg_fit_free(&f));
    double se;
    SWEEP_ALLOC("loglin_se_glm", dfg_loglin_se_glm(t, 0, &m, &se, &sweep_err), (void)0);
    dfg_interval ci;
    SWEEP_ALLOC("interval_profile", dfg_interval_profile(t, 0, &m, NULL, 0.95, &ci, &sweep_err),
                (void)0);
    dfg_check_result cr;
    SWEEP_ALLOC("check_model", dfg_check_model(t, 0, &m, &cr, &sweep_err),
                dfg_check_result_free(&cr));
    dfg_model_free(&m);
    dfg_table_free(t);
}

static void searches_survive_allocation_failure(void)
{
    dfg_table *t = read_table("rcapture_hiv_4.csv");
    static const dfg_search_method methods[] = {DFG_SEARCH_STEPWISE, DFG_SEARCH_AIC_STEPWISE,
                                                DFG_SEARCH_EXHAUSTIVE, DFG_SEARCH_DOWNHILL};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        dfg_search_opts o = dfg_search_opts_default();
        o.method = methods[i];
        o.average = 1;
        dfg_search_result r;
        char label[64];
        snprintf(label, sizeof label, "search %s", dfg_search_method_name(methods[i]));
        SWEEP_ALLOC(label, dfg_search_run(t, 0, &o, &r, &sweep_err), dfg_search_result_free(&r));
    }
    dfg_table_free(t);
}

static void closed_and_freq_survive_allocation_failure(void)
{
    dfg_table *t = read_table("rcapture_hare_6.csv");
    dfg_closed_opts o = dfg_closed_opts_default();
    o.ci_type = DFG_CI_PROFILE;
    dfg_closed_table ct;
    SWEEP_ALLOC("closed_table_fit profile", dfg_closed_table_fit(t, 0, &o, &ct, &sweep_err),
                (void)0);
    dfg_freq fr;
    dfg_error err = {0};
    CHECK_CODE(dfg_freq_from_table(t, 0, &fr, &err), DFG_OK);
    for (int m = 0; m < DFG_FREQ_N_METHODS; m++) {
        dfg_freq_result res;
        char label[64];
        snprintf(label, sizeof label, "freq_estimate %s", dfg_freq_method_name((dfg_freq_method)m));
        SWEEP_ALLOC(label, dfg_freq_estimate(&fr, (dfg_freq_method)m, NULL, &res, &sweep_err),
                    (void)0);
    }
    dfg_freq_free(&fr);
    dfg_table_free(t);
}

static void estimators_holdout_and_boot_survive_allocation_failure(void)
{
    dfg_table *t = read_table("rcapture_hiv_4.csv");
    size_t k = dfg_table_k(t);
    for (size_t i = 0; i < dfg_estimator_count(); i++) {
        const dfg_estimator *est = dfg_estimator_at(i);
        if (est->min_lists > k)
            continue;
        dfg_est_opts eo = dfg_est_opts_default();
        eo.model = "[12,3,4]"; /* for "loglin" */
        dfg_estimate e;
        char label[64];
        snprintf(label, sizeof label, "estimator %s", est->name);
        SWEEP_ALLOC(label, est->estimate(t, 0, &eo, &e, &sweep_err), (void)0);
    }
    dfg_holdout_row rows[4];
    SWEEP_ALLOC("holdout_run mt",
                dfg_holdout_run(t, 0, dfg_estimator_find("mt"), NULL, rows, &sweep_err), (void)0);
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = 10;
    dfg_boot_result br;
    SWEEP_ALLOC("boot_run stepwise",
                dfg_boot_run(dfg_estimator_find("stepwise"), t, 0, NULL, &bo, &br, &sweep_err),
                dfg_boot_result_free(&br));
    dfg_table_free(t);
}

/* A fit stopped by the iteration limit records DFG_ENOCONV; an allocation that fails after
 * it must leave err saying DFG_ENOMEM, the code returned (the sweep checks err.code == rc
 * at every allocation point of the fit). */
static void err_describes_the_returned_code_after_no_convergence(void)
{
    dfg_table *t = read_table("rcapture_hiv_4.csv");
    dfg_model m = {0, 0, NULL};
    dfg_error err = {0};
    CHECK_CODE(dfg_model_parse("[12,13,4]", t, &m, &err), DFG_OK);
    dfg_glm_opts o = dfg_glm_opts_default();
    o.max_iter = 1;
    dfg_fit f;
    CHECK_CODE(dfg_loglin_fit(t, 0, &m, &o, &f, &err), DFG_ENOCONV);
    CHECK(err.code == DFG_ENOCONV);
    dfg_fit_free(&f);
    SWEEP_ALLOC("loglin_fit max_iter 1", dfg_loglin_fit(t, 0, &m, &o, &f, &sweep_err),
                dfg_fit_free(&f));
    /* calls that keep a verdict in a row and return DFG_OK leave err clear: the closed
     * table and a closed-population estimator stopped after one iteration */
    dfg_closed_opts co = dfg_closed_opts_default();
    co.glm.max_iter = 1;
    dfg_closed_table ct;
    dfg_error_clear(&err);
    CHECK_CODE(dfg_closed_table_fit(t, 0, &co, &ct, &err), DFG_OK);
    CHECK_CODE(ct.rows[DFG_CLOSED_MT].status, DFG_ENOCONV);
    CHECK_MSG(err.code == DFG_OK, "closed table: err says %d (%s)", err.code, err.msg);
    dfg_est_opts eo = dfg_est_opts_default();
    eo.glm.max_iter = 1;
    eo.want_ci = 0;
    dfg_estimate e;
    dfg_error_clear(&err);
    CHECK_CODE(dfg_estimator_find("Mt")->estimate(t, 0, &eo, &e, &err), DFG_OK);
    CHECK_CODE(e.status, DFG_ENOCONV);
    CHECK_MSG(err.code == DFG_OK, "closed Mt: err says %d (%s)", err.code, err.msg);
    /* and directly: a hard error replaces a verdict, a verdict never replaces an error */
    dfg_error_clear(&err);
    dfg_err_set(&err, DFG_ENOCONV, "glm", "no convergence");
    CHECK_CODE(dfg_err_set(&err, DFG_ENOMEM, "loglin", "out of memory"), DFG_ENOMEM);
    CHECK(err.code == DFG_ENOMEM && strcmp(err.where, "loglin") == 0);
    dfg_err_set(&err, DFG_ESING, "la", "singular");
    CHECK(err.code == DFG_ENOMEM);
    dfg_model_free(&m);
    dfg_table_free(t);
}

/* 20 lists, every term up to order 4: 1 + 20 + 190 + 1140 + 4845 = 6196 parameters, more
 * than DFG_MAX_PARAMS: DFG_EINVAL naming the size, not an allocation failure. */
static void too_many_parameters_is_einval(void)
{
    enum { K = 20 };
    const char *names[K];
    char buf[K][8];
    for (int j = 0; j < K; j++) {
        snprintf(buf[j], sizeof buf[j], "L%d", j + 1);
        names[j] = buf[j];
    }
    dfg_error err = {0};
    dfg_table *t = dfg_table_new(K, names, 0, NULL, &err);
    CHECK(t != NULL);
    for (uint32_t j = 0; j < K; j++) {
        CHECK_CODE(dfg_table_add(t, 0, 1u << j, 5.0, &err), DFG_OK);
        CHECK_CODE(dfg_table_add(t, 0, (1u << j) | (1u << ((j + 1) % K)), 2.0, &err), DFG_OK);
    }
    uint32_t *terms = malloc(6195 * sizeof *terms);
    size_t n = 0;
    for (uint32_t x = 1; x < (1u << K); x++)
        if (dfg_popcount(x) <= 4)
            terms[n++] = x;
    CHECK(n == 6195);
    dfg_model m = {0, 0, NULL};
    CHECK_CODE(dfg_model_from_terms(K, terms, n, &m, &err), DFG_OK);
    dfg_fit f;
    dfg_error_clear(&err);
    CHECK_CODE(dfg_loglin_fit(t, 0, &m, NULL, &f, &err), DFG_EINVAL);
    CHECK_MSG(err.code == DFG_EINVAL && strstr(err.msg, "6196 parameters") != NULL, "%s: %s",
              err.where, err.msg);
    dfg_interval ci;
    dfg_error_clear(&err);
    CHECK_CODE(dfg_interval_profile(t, 0, &m, NULL, 0.95, &ci, &err), DFG_EINVAL);
    CHECK_MSG(strstr(err.msg, "6196 parameters") != NULL, "%s", err.msg);
    double se;
    dfg_error_clear(&err);
    CHECK_CODE(dfg_loglin_se_glm(t, 0, &m, &se, &err), DFG_EINVAL);
    dfg_model_free(&m);
    free(terms);
    dfg_table_free(t);
}

/* The option checks the run functions call, with the limits of darkfig.h. */
static void option_checks_take_the_shared_limits(void)
{
    dfg_error err = {0};
    dfg_glm_opts g = dfg_glm_opts_default();
    CHECK_CODE(dfg_glm_opts_check(&g, &err), DFG_OK);
    g.max_iter = DFG_MAX_ITER + 1;
    CHECK_CODE(dfg_glm_opts_check(&g, &err), DFG_EINVAL);
    dfg_search_opts s = dfg_search_opts_default();
    CHECK_CODE(dfg_search_opts_check(&s, 5, &err), DFG_OK);
    CHECK_CODE(dfg_search_opts_check(&s, 2, &err), DFG_EINVAL);
    s.threads = DFG_MAX_THREADS + 1;
    CHECK_CODE(dfg_search_opts_check(&s, 5, &err), DFG_EINVAL);
    s = dfg_search_opts_default();
    s.glm.tol = 0.0;
    CHECK_CODE(dfg_search_opts_check(&s, 5, &err), DFG_EINVAL);
    dfg_boot_opts b = dfg_boot_opts_default();
    CHECK_CODE(dfg_boot_opts_check(&b, 5, &err), DFG_OK);
    b.threads = DFG_MAX_THREADS;
    CHECK_CODE(dfg_boot_opts_check(&b, 5, &err), DFG_OK);
    b.threads = DFG_MAX_THREADS + 1;
    CHECK_CODE(dfg_boot_opts_check(&b, 5, &err), DFG_EINVAL);
    b = dfg_boot_opts_default();
    b.B = DFG_MAX_REPLICATES + 1;
    CHECK_CODE(dfg_boot_opts_check(&b, 5, &err), DFG_EINVAL);
}

int main(void)
{
    RUN(csv_readers_survive_allocation_failure);
    RUN(fits_survive_allocation_failure);
    RUN(searches_survive_allocation_failure);
    RUN(closed_and_freq_survive_allocation_failure);
    RUN(estimators_holdout_and_boot_survive_allocation_failure);
    RUN(err_describes_the_returned_code_after_no_convergence);
    RUN(too_many_parameters_is_einval);
    RUN(option_checks_take_the_shared_limits);
    CHECK_DONE();
}
