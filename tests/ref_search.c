/* tests/ref_search.c: model searches against published and R-package values.
 *
 * Sources (all quoted in data/README.md / ../shared/data/README.md):
 *  - stepwise: MultipleSystemsEstimation 1.2.0 estimate_population_stepwise(x, pthresh =
 *    0.02); published: Chan, Silverman & Vincent (2021) JASA 116:1297, Sec. 4 (New Orleans
 *    8: [45] chosen, N 1184; Western: [15], N 2483).
 *  - BIC: MultipleSystemsEstimation 1.2.0 estimate_population(x, method = "bic") (max order
 *    2 for 3 lists, 3 for 4-5 lists); Korea's ranking of six models from its user guide;
 *    uk2013_5 BIC max order 2 and downhill from Silverman, Chan & Vincent (2024) Stat.
 *    Comput. 34:44, Table 6.
 * Tolerances: N printed to 0.1 -> 0.05 + 1e-9 relative; Korea BIC printed to 1e-5 ->
 * 5e-6; deviance 26.58423 -> 5e-6; AIC 91.8395 -> 5e-5; N printed as a whole number ->
 * 0.5. Models are compared as sets of terms.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "darkfig.h"
#include "oracle.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <pthread.h>

/* What the progress callback saw. */
typedef struct {
    int calls;
    size_t done, total;
    int same_thread;
    pthread_t caller;
} prog_log;

static void prog_cb(size_t done, size_t total, void *data)
{
    prog_log *pl = data;
    pl->calls++;
    pl->done = done;
    pl->total = total;
    pl->same_thread &= pthread_equal(pthread_self(), pl->caller) != 0;
}

static int run(const char *file, dfg_search_method m, int order, dfg_search_result *r)
{
    char path[512];
    snprintf(path, sizeof path, DFG_DATA_DIR "/%s.csv", file);
    dfg_table *t = oracle_read_counts(path);
    CHECK(t != NULL);
    if (!t)
        return -1;
    dfg_search_opts o = dfg_search_opts_default();
    o.method = m;
    o.max_order = order;
    dfg_error err = {0};
    dfg_status rc = dfg_search_run(t, 0, &o, r, &err);
    if (rc)
        fprintf(stderr, "%s %s: %s %s\n", file, dfg_search_method_name(m), err.where, err.msg);
    CHECK_CODE(rc, DFG_OK);
    dfg_table_free(t);
    return rc == DFG_OK ? 0 : -1;
}

static void expect(const char *file, dfg_search_method m, int order, const char *model, double n,
                   double tol)
{
    dfg_search_result r;
    if (run(file, m, order, &r))
        return;
    char buf[256];
    dfg_model_format(&r.rows[0].model, NULL, buf, sizeof buf);
    int same = oracle_same_model(&r.rows[0].model, model);
    if (!same || fabs(r.rows[0].nhat - n) > tol)
        fprintf(stderr, "%s %s: got %s N %.4f, want %s N %.1f\n", file, dfg_search_method_name(m),
                buf, r.rows[0].nhat, model, n);
    CHECK(same);
    CHECK_ABS(r.rows[0].nhat, n, tol);
    dfg_search_result_free(&r);
}

int main(void)
{
    gsl_set_error_handler_off();
    const dfg_search_method SW = DFG_SEARCH_STEPWISE, EX = DFG_SEARCH_EXHAUSTIVE;
    /* stepwise, MultipleSystemsEstimation 1.2.0 */
    expect("netherlands_6", SW, 0, "[12,16,23,25,34,36,45,46]", 111139.4, 0.05);
    expect("netherlands_5", SW, 0, "[12,13,15,24,34,35]", 121521.6, 0.05);
    expect("uk2013_5", SW, 0, "[12,13,24,25,35,45]", 11313.0, 0.05);
    expect("new_orleans_8", SW, 0, "[45,1,2,3,6,7,8]", 1183.7, 0.05);
    expect("new_orleans_5", SW, 0, "[1,2,3,4,5]", 1034.2, 0.05);
    expect("western_us_5", SW, 0, "[15,2,3,4]", 2483.4, 0.05);
    expect("korea_3", SW, 0, "[12,3]", 268.7778, 0.00005);
    expect("rcapture_hiv_4", SW, 0, "[1,2,3,4]", 11124.6, 0.05);
    expect("dga_spina_bifida_3", SW, 0, "[12,3]", 730.9, 0.05);
    /* BIC, default max order */
    expect("netherlands_5", EX, 0, "[135,12,24,34]", 148788.8, 0.05);
    expect("uk2013_5", EX, 0, "[123,25,34]", 25311.3, 0.05);
    expect("new_orleans_5", EX, 0, "[1,2,3,4,5]", 1034.2, 0.05);
    expect("western_us_5", EX, 0, "[15,2,3,4]", 2483.4, 0.05);
    expect("korea_3", EX, 0, "[12,23]", 157.1667, 0.00005);
    expect("rcapture_hiv_4", EX, 0, "[1,2,3,4]", 11124.6, 0.05);
    expect("dga_spina_bifida_3", EX, 0, "[12,3]", 730.9, 0.05);
    /* Silverman, Chan & Vincent (2024) Table 6: N printed whole */
    {
        dfg_search_result r;
        if (run("uk2013_5", EX, 2, &r) == 0) {
            CHECK_ABS(r.rows[0].nhat, 22991.0, 0.5);
            dfg_search_result_free(&r);
        }
        if (run("uk2013_5", DFG_SEARCH_DOWNHILL, 4, &r) == 0) {
            CHECK_ABS(r.rows[0].nhat, 12262.0, 0.5);
            dfg_search_result_free(&r);
        }
        if (run("uk2013_5", DFG_SEARCH_DOWNHILL, 2, &r) == 0) {
            CHECK_ABS(r.rows[0].nhat, 12262.0, 0.5);
            dfg_search_result_free(&r);
        }
    }
    /* Korea: BIC ranking of six models (MultipleSystemsEstimation user guide) */
    {
        static const struct {
            const char *model;
            double n, bic;
        } want[] = {{"[12,23]", 157.1667, 57.14081}, {"[12,3]", 268.7778, 58.96860},
                    {"[13,23]", 123.4630, 91.89711}, {"[23,1]", 126.1944, 138.06368},
                    {"[13,2]", 126.9394, 155.16018}, {"[1,2,3]", 141.9926, 184.14431}};
        dfg_search_result r;
        if (run("korea_3", EX, 0, &r) == 0) {
            CHECK_CODE(r.n_admissible, 6);
            CHECK_CODE(r.n_rows, 6);
            for (size_t i = 0; i < 6 && i < r.n_rows; i++) {
                CHECK(oracle_same_model(&r.rows[i].model, want[i].model));
                CHECK_ABS(r.rows[i].nhat, want[i].n, 5e-5);
                CHECK_ABS(r.rows[i].criterion, want[i].bic, 5e-6);
            }
            dfg_search_result_free(&r);
        }
    }
    /* Korea and Western stepwise fit statistics */
    {
        dfg_search_result r;
        if (run("korea_3", SW, 0, &r) == 0) {
            CHECK_ABS(r.rows[0].deviance, 8.566946, 5e-7);
            CHECK_ABS(r.rows[0].df, 2.0, 0.0);
            CHECK_ABS(2.0 * (double)r.rows[0].p - 2.0 * r.rows[0].loglik, 44.90767, 5e-6);
            dfg_search_result_free(&r);
        }
        if (run("western_us_5", SW, 0, &r) == 0) {
            CHECK_ABS(r.rows[0].deviance, 26.58423, 5e-6);
            CHECK_ABS(r.rows[0].df, 24.0, 0.0);
            CHECK_ABS(2.0 * (double)r.rows[0].p - 2.0 * r.rows[0].loglik, 91.8395, 5e-5);
            dfg_search_result_free(&r);
        }
    }
    /* New Orleans 8: stepwise picks [45]; its non-overlapping pairs at the boundary? The
     * chosen model has no term at -inf unless a pair without overlap was added. */
    {
        dfg_search_result r;
        if (run("new_orleans_8", SW, 0, &r) == 0) {
            char buf[256];
            dfg_model_format(&r.rows[0].model, NULL, buf, sizeof buf);
            fprintf(stderr, "new_orleans_8 stepwise: %s boundary %zu steps %zu\n", buf,
                    r.rows[0].n_boundary, r.n_steps);
            dfg_search_result_free(&r);
        }
    }
    /* AIC-stepwise of Bales, Hesketh & Silverman (2015), ../shared/data/README.md: point =
     * multinomial estimate, limits = Rcapture 1.4-4 profile-likelihood limits (95%), all
     * printed to 0.1: tolerance 0.1 (half a unit plus the rounding of the source). */
    {
        static const struct {
            const char *file;
            double p, lo, n, hi;
        } want[] = {{"uk2013_5", 0.001, 12608.4, 14211.1, 16131.1},
                    {"uk2013_5", 0.05, 9889.2, 11303.9, 13063.1},
                    {"netherlands_6", 0.001, 53302.0, 60319.5, 68746.5},
                    {"netherlands_6", 0.05, 53302.0, 60319.5, 68746.5},
                    {"netherlands_5", 0.001, 119368.7, 145982.5, 181009.3},
                    {"netherlands_5", 0.05, 119368.7, 145982.5, 181009.3},
                    {"new_orleans_8", 0.001, 650.7, 990.2, 1663.3}};
        for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
            char path[512];
            snprintf(path, sizeof path, DFG_DATA_DIR "/%s.csv", want[i].file);
            dfg_table *t = oracle_read_counts(path);
            if (!CHECK(t != NULL))
                continue;
            dfg_search_opts o = dfg_search_opts_default();
            o.method = DFG_SEARCH_AIC_STEPWISE;
            o.threshold = want[i].p;
            dfg_search_result r;
            dfg_error err = {0};
            CHECK_CODE(dfg_search_run(t, 0, &o, &r, &err), DFG_OK);
            if (err.code == DFG_OK) {
                dfg_interval ci;
                dfg_glm_opts g = dfg_glm_opts_default();
                CHECK_CODE(dfg_interval_profile(t, 0, &r.rows[0].model, &g, 0.95, &ci, &err),
                           DFG_OK);
                CHECK_ABS(ci.point, want[i].n, 0.1);
                CHECK_ABS(ci.lower, want[i].lo, 0.1);
                CHECK_ABS(ci.upper, want[i].hi, 0.1);
                dfg_search_result_free(&r);
            }
            dfg_table_free(t);
        }
    }
    /* The same digits on 1 and 3 threads (uk2013_5, all models up to order 3). */
    {
        dfg_table *t = oracle_read_counts(DFG_DATA_DIR "/uk2013_5.csv");
        CHECK(t != NULL);
        dfg_search_result r1, r3;
        dfg_search_opts o = dfg_search_opts_default();
        o.method = DFG_SEARCH_EXHAUSTIVE;
        o.top = 50;
        o.average = 1;
        dfg_error err = {0};
        CHECK_CODE(dfg_search_run(t, 0, &o, &r1, &err), DFG_OK);
        o.threads = 3;
        CHECK_CODE(dfg_search_run(t, 0, &o, &r3, &err), DFG_OK);
        CHECK_CODE(r1.n_models, 6212); /* MultipleSystemsEstimation's count for 5 lists */
        CHECK_CODE(r1.n_rows, r3.n_rows);
        int same = r1.nhat_avg == r3.nhat_avg && r1.n_admissible == r3.n_admissible;
        for (size_t i = 0; i < r1.n_rows && i < r3.n_rows; i++)
            same = same && r1.rows[i].criterion == r3.rows[i].criterion &&
                   r1.rows[i].nhat == r3.rows[i].nhat && r1.rows[i].se_nhat == r3.rows[i].se_nhat;
        CHECK(same);
        /* table sanity: weights in (0, 1], delta >= 0 ascending, ranges hold the best N */
        double wsum = 0.0;
        for (size_t i = 0; i < r1.n_rows; i++) {
            wsum += r1.rows[i].weight;
            CHECK(r1.rows[i].delta >= 0.0);
            if (i)
                CHECK(r1.rows[i].delta >= r1.rows[i - 1].delta);
        }
        CHECK(wsum > 0.0 && wsum <= 1.0 + 1e-12);
        CHECK(r1.range_lo[0] <= r1.rows[0].nhat && r1.rows[0].nhat <= r1.range_hi[0]);
        CHECK(r1.range_lo[1] <= r1.range_lo[0] && r1.range_hi[1] >= r1.range_hi[0]);
        CHECK(r1.n_within[0] >= 1 && r1.n_within[1] >= r1.n_within[0]);
        CHECK(isfinite(r1.nhat_avg));
        dfg_search_result_free(&r1);
        dfg_search_result_free(&r3);
        /* bad requests */
        dfg_search_method m;
        dfg_criterion c;
        dfg_error e1 = {0}, e2 = {0}, e3 = {0}, e4 = {0}, e5 = {0};
        CHECK_CODE(dfg_search_method_parse("sideways", &m, &e1), DFG_EINVAL);
        CHECK(strstr(e1.msg, "sideways") != NULL);
        CHECK_CODE(dfg_criterion_parse("dic", &c, &e2), DFG_EINVAL);
        o = dfg_search_opts_default();
        o.method = DFG_SEARCH_EXHAUSTIVE;
        o.max_order = 5; /* k - 1 = 4 */
        CHECK_CODE(dfg_search_run(t, 0, &o, &r1, &e3), DFG_EINVAL);
        CHECK(strstr(e3.msg, "max order") != NULL);
        o = dfg_search_opts_default();
        o.threshold = 1.5;
        CHECK_CODE(dfg_search_run(t, 0, &o, &r1, &e4), DFG_EINVAL);
        CHECK(strstr(e4.msg, "threshold") != NULL);
        o.threshold = -0.1;
        CHECK_CODE(dfg_search_run(t, 0, &o, &r1, &e5), DFG_EINVAL);
        CHECK_CODE(dfg_search_count_models(5, 3, 100000), 6212);
        CHECK_CODE(dfg_search_count_models(4, 3, 100000), 113);
        CHECK_CODE(dfg_search_count_models(3, 2, 100000), 8);
        CHECK_CODE(dfg_search_count_models(6, 2, 100000), 32768);
        dfg_table_free(t);
    }
    /* best_only (the estimators' mode) skips models that cannot win: the same best model,
     * N and criterion as the full search (both evaluate it with the same warm-start rule;
     * tolerance 1e-8 relative for the different warm-start neighbours), fewer models.
     * Progress: called from this thread only, the last call with done = total. */
    for (int order = 2; order <= 3; order++) {
        dfg_table *t = oracle_read_counts(DFG_DATA_DIR "/uk2013_5.csv");
        if (!CHECK(t != NULL))
            break;
        dfg_search_result full, best;
        dfg_search_opts o = dfg_search_opts_default();
        o.method = DFG_SEARCH_EXHAUSTIVE;
        o.max_order = order;
        o.threads = 2;
        prog_log pl = {0, 0, 0, 1, pthread_self()};
        o.progress = prog_cb;
        o.progress_data = &pl;
        dfg_error err = {0};
        CHECK_CODE(dfg_search_run(t, 0, &o, &full, &err), DFG_OK);
        CHECK(pl.calls >= 1 && pl.same_thread);
        CHECK_CODE(pl.done, full.n_models);
        CHECK_CODE(pl.total, full.n_models);
        o.best_only = 1;
        CHECK_CODE(dfg_search_run(t, 0, &o, &best, &err), DFG_OK);
        if (err.code == DFG_OK) {
            char b1[256], b2[256];
            dfg_model_format(&full.rows[0].model, NULL, b1, sizeof b1);
            dfg_model_format(&best.rows[0].model, NULL, b2, sizeof b2);
            CHECK(strcmp(b1, b2) == 0);
            CHECK_REL(best.rows[0].nhat, full.rows[0].nhat, 1e-8);
            CHECK_REL(best.rows[0].criterion, full.rows[0].criterion, 1e-8);
            CHECK(best.n_models < full.n_models);
            dfg_search_result_free(&full);
            dfg_search_result_free(&best);
        }
        dfg_table_free(t);
    }
    /* the estimators: same choice through the dfg_estimator interface */
    {
        dfg_table *t = oracle_read_counts(DFG_DATA_DIR "/korea_3.csv");
        const dfg_estimator *e = dfg_estimator_find("exhaustive");
        CHECK(e != NULL && t != NULL);
        if (e && t) {
            dfg_est_opts eo = dfg_est_opts_default();
            dfg_estimate est;
            dfg_error err = {0};
            CHECK_CODE(e->estimate(t, 0, &eo, &est, &err), DFG_OK);
            CHECK_ABS(est.nhat, 157.1667, 5e-5);
            CHECK_ABS(est.bic, 57.14081, 5e-6);
            CHECK(est.ci.lower < est.nhat && est.nhat < est.ci.upper);
        }
        dfg_table_free(t);
    }
    CHECK_DONE();
}
