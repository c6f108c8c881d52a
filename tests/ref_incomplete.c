/* tests/ref_incomplete.c: the EM fit with missing covariate values against cenzus.
 *
 * Data (tests/data/incomplete/README.md): New Zealand 2013, census (A) and health register
 * (C) with Maori ethnicity as each records it (a, c), each missing by design for the
 * people the other list saw alone; two simulated tables with a covariate missing at
 * random and one missing by design. Reference values: cenzus 0.1.1 mse() (EM, crit 1e-7
 * on the absolute change of the multinomial log-likelihood, max 5000 iterations).
 * Tolerances: totals 1e-4 relative as asked of the implementation: cenzus stops at an
 * absolute change of 1e-7 in the log-likelihood, and its M-step stops when the sum of
 * |parameter changes| is below 1e-2, so its totals are accurate to a few 1e-6 relative
 * on these tables (its slow case, 527 iterations, included); our EM runs to a relative
 * change of 1e-12. The log-likelihood: 1e-9 relative (an absolute 4e-3 on 4.3e6).
 * Published New Zealand values (Cruyff et al. 2019, on the unrounded counts): 0.01%.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "darkfig.h"
#include "oracle.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dfg_table *read_file(const char *name, const char *lists)
{
    char rel[256];
    snprintf(rel, sizeof rel, "incomplete/%s", name);
    dfg_table *t = oracle_test_table(rel, lists);
    CHECK_MSG(t != NULL, "%s", rel);
    return t;
}

static const dfg_itable *cur_it; /* the table of the fit level_total reads */

/* the total of cov=level */
static double level_total(const dfg_emfit *f, const char *cov, const char *level)
{
    dfg_level_total *rows = NULL;
    size_t nr = 0;
    dfg_error err = {0};
    double v = NAN;
    if (dfg_em_level_totals(cur_it, f, 0.95, &rows, &nr, &err) != DFG_OK)
        return NAN;
    char label[192];
    snprintf(label, sizeof label, "%s=%s", cov, level);
    for (size_t i = 0; i < nr; i++)
        if (strcmp(rows[i].label, label) == 0)
            v = rows[i].nhat;
    dfg_free_level_totals(rows);
    return v;
}

typedef oracle_em run;

/* tests/data/incomplete/FILE fitted by the EM (oracle_em_fit); level_total reads its table. */
static dfg_status fit_file(run *r, const char *file, const char *lists, const char *model,
                           const dfg_em_opts *eo, dfg_error *err)
{
    char rel[256];
    snprintf(rel, sizeof rel, "incomplete/%s", file);
    dfg_status rc = oracle_em_fit(r, rel, lists, model, eo, err);
    CHECK_MSG(r->t != NULL, "%s", rel);
    cur_it = r->it;
    return rc;
}

static void test_new_zealand(void)
{
    run r;
    dfg_error err = {0};
    dfg_status rc = fit_file(&r, "cenzus_newzealand_AC.csv", "A,C", "[A:c,C:a,a:c]", NULL, &err);
    CHECK_MSG(rc == DFG_OK, "%s: %s", err.where, err.msg);
    if (rc == DFG_OK) {
        CHECK_REL(r.f.fit.nhat, 4383574.7415, 1e-4);
        CHECK_REL(r.f.loglik, -4293179.376231, 1e-9);
        CHECK_REL(level_total(&r.f, "a", "1"), 721947.9776, 1e-4);
        CHECK_REL(level_total(&r.f, "c", "1"), 640687.1516, 1e-4);
        /* published, unrounded data: 0.01% */
        CHECK_REL(level_total(&r.f, "a", "1"), 721971.0, 1e-4);
        CHECK_REL(level_total(&r.f, "c", "1"), 640711.0, 1e-4);
        CHECK_REL(r.f.n_obs, 4377300.0, 1e-12);
        /* a is recorded by A only, c by C only: detected from the data */
        CHECK(dfg_itable_recorded(r.it, 0) == 1u && dfg_itable_detected(r.it, 0) == 2u);
        CHECK(dfg_itable_recorded(r.it, 1) == 2u && dfg_itable_detected(r.it, 1) == 1u);
        CHECK(isfinite(r.f.fit.se_nhat) && r.f.fit.se_nhat > 0.0);
        printf("NZ: N %.4f a=1 %.4f c=1 %.4f ll %.6f iter %d change %.3g se %.2f\n", r.f.fit.nhat,
               level_total(&r.f, "a", "1"), level_total(&r.f, "c", "1"), r.f.loglik, r.f.iter,
               r.f.change, r.f.fit.se_nhat);
    }
    oracle_em_free(&r);
}

/* A:a: a is never seen without A, so its association with A cannot be estimated */
static void test_not_identifiable(void)
{
    run r;
    dfg_error err = {0};
    dfg_status rc =
        fit_file(&r, "cenzus_newzealand_AC.csv", "A,C", "[A:a,A:c,C:a,a:c]", NULL, &err);
    CHECK_CODE(rc, DFG_EDATA);
    CHECK_MSG(strstr(err.msg, "A:a") != NULL, "message: %s", err.msg);
    printf("not identifiable: %s\n", err.msg);
    oracle_em_free(&r);
}

/* cenzus's plain EM steps and stopping rule (absolute change 1e-7) reproduce its values to 1e-4 and
 * its iteration count to 5% (cenzus counts its uniform start as an iteration, and its M-step is a
 * few inexact Newton steps: the EM paths differ slightly). The default rule (relative change 1e-14,
 * SQUAREM steps) goes on to the maximum: on cov_003 the likelihood is flat in the age association
 * with P (age is seen only on P), and cenzus stops 4e-6 below the maximum with the age totals 1e-3
 * from it; loose marks only those (skip: NULL). */
static void test_cov(const char *file, const char *model, const double *want,
                     const char *const *labels, size_t nw, int cenzus_iter, const char *loose)
{
    run r;
    dfg_error err = {0};
    dfg_em_opts eo = dfg_em_opts_default();
    eo.abs_tol = 1e-7;
    eo.accelerate = 0;
    dfg_status rc = fit_file(&r, file, "P,K,I", model, &eo, &err);
    double ll_cenzus = NAN;
    CHECK_MSG(rc == DFG_OK, "%s: %s: %s", file, err.where, err.msg);
    if (rc == DFG_OK) {
        CHECK_REL(r.f.fit.nhat, want[0], 1e-4);
        for (size_t i = 1; i < nw; i++) {
            char cov[64];
            const char *eq = strchr(labels[i], '=');
            snprintf(cov, sizeof cov, "%.*s", (int)(eq - labels[i]), labels[i]);
            CHECK_REL_MSG(level_total(&r.f, cov, eq + 1), want[i], 1e-4, "%s %s", file, labels[i]);
        }
        printf("%s: cenzus rule: N %.6f, %d M-steps (cenzus %d)\n", file, r.f.fit.nhat, r.f.iter,
               cenzus_iter);
        CHECK_REL_MSG((double)r.f.iter + 1.0, (double)cenzus_iter, 0.05, "%s iterations", file);
        ll_cenzus = r.f.loglik;
    }
    oracle_em_free(&r);
    rc = fit_file(&r, file, "P,K,I", model, NULL, &err);
    CHECK_MSG(rc == DFG_OK, "%s: %s: %s", file, err.where, err.msg);
    if (rc == DFG_OK) {
        CHECK(r.f.status == DFG_OK && r.f.change < 1e-14);
        CHECK_MSG(r.f.loglik >= ll_cenzus - 1e-9, "%s: %.10f < %.10f", file, r.f.loglik, ll_cenzus);
        CHECK_REL(r.f.fit.nhat, want[0], 1e-4);
        for (size_t i = 1; i < nw; i++) {
            char cov[64];
            const char *eq = strchr(labels[i], '=');
            snprintf(cov, sizeof cov, "%.*s", (int)(eq - labels[i]), labels[i]);
            int lo = loose && strcmp(cov, loose) == 0;
            CHECK_REL_MSG(level_total(&r.f, cov, eq + 1), want[i], lo ? 2e-3 : 1e-4, "%s %s", file,
                          labels[i]);
        }
        printf("%s: N %.6f iter %d change %.3g\n", file, r.f.fit.nhat, r.f.iter, r.f.change);
        /* plain EM steps to the same rule reach the same maximum (to the flatness of the
         * likelihood: 1e-4 on cov_003's age totals, 1e-7 elsewhere) */
        double nh = r.f.fit.nhat, ll = r.f.loglik;
        oracle_em_free(&r);
        eo = dfg_em_opts_default();
        eo.accelerate = 0;
        rc = fit_file(&r, file, "P,K,I", model, &eo, &err);
        CHECK(rc == DFG_OK);
        if (rc == DFG_OK) {
            CHECK_REL(r.f.fit.nhat, nh, 1e-5);
            CHECK_ABS(r.f.loglik, ll, 1e-8);
            printf("%s: plain EM: N %.6f iter %d\n", file, r.f.fit.nhat, r.f.iter);
        }
    }
    oracle_em_free(&r);
}

static void test_cov_003(void)
{
    const char *lab[] = {"N", "origin=abroad", "origin=NL", "age=adult", "age=minor"};
    const double want[] = {3853.268892, 1744.268715, 2109.000177, 3087.539739, 765.729153};
    test_cov("cov_003_missing.csv", "[P:age,K:age,origin:age]", want, lab, 5, 527, "age");
}

static void test_cov_014(void)
{
    const char *lab[] = {"N",         "expl=criminal", "expl=labour", "expl=sexual", "year=2016",
                         "year=2017", "year=2018",     "year=2019",   "age=adult",   "age=minor"};
    const double want[] = {10263.062310, 4890.088675, 3331.060267, 2041.913369, 949.887199,
                           3617.934580,  2814.486877, 2880.753653, 6715.386599, 3547.675712};
    test_cov("cov_014_missing.csv", "[P:expl,K:year,expl:year,expl:age]", want, lab, 10, 51, NULL);
}

/* no missing value: the complete-data fit, digit for digit, in one iteration */
static void test_no_missing(void)
{
    dfg_table *t = read_file("cov_014_missing.csv", "P,K,I");
    if (!t)
        return;
    dfg_error err = {0};
    const char *ln[] = {"P", "K", "I"}, *cn[] = {"expl", "year", "age"};
    dfg_table *t2 = dfg_table_new(3, ln, 3, cn, &err);
    for (size_t s = 0; s < dfg_table_n_strata(t); s++) {
        const char *v[3], *fill[3] = {"labour", "2017", "adult"};
        for (size_t c = 0; c < 3; c++)
            if (dfg_value_missing(v[c] = dfg_table_stratum_value(t, s, c), NULL))
                v[c] = fill[c]; /* a complete table (its meaning does not matter here) */
        size_t s2;
        dfg_table_stratum(t2, v, &s2, &err);
        for (size_t i = 0; i < dfg_table_n_patterns(t, s); i++) {
            uint32_t pat;
            double cnt;
            dfg_table_pattern(t, s, i, &pat, &cnt);
            dfg_table_add(t2, s2, pat, cnt, &err);
        }
    }
    CHECK(!dfg_table_has_missing(t2, NULL) && dfg_table_has_missing(t, NULL));
    dfg_itable *it = NULL;
    dfg_ctable *ct = NULL;
    dfg_cmodel m = {0, NULL}, m2 = {0, NULL};
    dfg_emfit f;
    dfg_cfit cf;
    memset(&f, 0, sizeof f);
    memset(&cf, 0, sizeof cf);
    const char *model = "[P:expl,K:year,expl:year,expl:age]";
    CHECK(dfg_itable_new(t2, NULL, &it, &err) == DFG_OK);
    CHECK(dfg_ctable_new(t2, 0, &ct, &err) == DFG_OK);
    if (it && ct && dfg_cmodel_parse(model, dfg_itable_ctable(it), &m, &err) == DFG_OK &&
        dfg_cmodel_parse(model, ct, &m2, &err) == DFG_OK) {
        CHECK(dfg_itable_n_rows(it) == 0 && dfg_itable_n_incomplete(it) == 0.0);
        dfg_status r1 = dfg_em_fit(it, &m, NULL, &f, &err);
        CHECK_MSG(r1 == DFG_OK, "%s", err.msg);
        CHECK(dfg_cfit_model(ct, &m2, NULL, &cf, &err) == DFG_OK);
        CHECK(f.iter == 1 && f.change == 0.0);
        CHECK(f.fit.nhat == cf.nhat && f.fit.se_nhat == cf.se_nhat && f.fit.p == cf.p);
        CHECK(f.fit.loglik == cf.loglik);
        CHECK(f.fit.fitted && cf.fitted &&
              memcmp(f.fit.fitted, cf.fitted, cf.n_cells * sizeof *cf.fitted) == 0);
        CHECK(memcmp(f.fit.beta, cf.beta, cf.p * sizeof *cf.beta) == 0);
        /* the level totals: nothing imputed, so the complete-data s.e. (1e-12: the same
         * formula summed in another order) */
        dfg_level_total *a = NULL, *b = NULL;
        size_t na = 0, nb = 0;
        CHECK(dfg_em_level_totals(it, &f, 0.95, &a, &na, &err) == DFG_OK);
        CHECK(dfg_cfit_level_totals(ct, &m2, &cf, NULL, 0, 0.95, 0, NULL, &b, &nb, &err) == DFG_OK);
        CHECK(na == nb && na == 9);
        for (size_t i = 0; a && b && i < na && i < nb; i++) {
            CHECK(strcmp(a[i].label, b[i].label) == 0);
            CHECK(a[i].nhat == b[i].nhat && a[i].n_obs == b[i].n_obs);
            CHECK_REL(a[i].se, b[i].se, 1e-12);
            CHECK_REL(a[i].lognormal.lower, b[i].lognormal.lower, 1e-12);
        }
        dfg_free_level_totals(a);
        dfg_free_level_totals(b);
    }
    dfg_emfit_free(&f);
    dfg_cfit_free(&cf);
    dfg_cmodel_free(&m);
    dfg_cmodel_free(&m2);
    dfg_ctable_free(ct);
    dfg_itable_free(it);
    dfg_table_free(t2);
    dfg_table_free(t);
}

static dfg_table *from_buffer(const char *csv, const char *lists)
{
    dfg_csv_opts o = dfg_csv_opts_default();
    o.lists = lists;
    dfg_table *t = NULL;
    dfg_error err = {0};
    CHECK_MSG(dfg_table_read_csv_buffer("buf", csv, strlen(csv), &o, &t, &err) == DFG_OK, "%s",
              err.msg);
    return t;
}

static void test_bad_input(void)
{
    dfg_error err = {0};
    dfg_itable *it = NULL;
    /* a covariate missing for every person */
    dfg_table *t = from_buffer("A,B,age,count\n1,0,NA,3\n0,1,,4\n1,1,NA,2\n", "A,B");
    CHECK_CODE(dfg_itable_new(t, NULL, &it, &err), DFG_EDATA);
    CHECK_MSG(strstr(err.msg, "age") && strstr(err.msg, "every person"), "%s", err.msg);
    dfg_table_free(t);
    /* a further NA string */
    t = from_buffer("A,B,age,count\n1,0,x,3\n0,1,.,4\n1,1,y,2\n1,0,y,5\n", "A,B");
    dfg_itable_opts io = dfg_itable_opts_default();
    io.na = ".";
    CHECK(dfg_table_has_missing(t, ".") && !dfg_table_has_missing(t, NULL));
    err = (dfg_error){0};
    CHECK(dfg_itable_new(t, &io, &it, &err) == DFG_OK);
    CHECK(it && dfg_itable_n_incomplete(it) == 4.0 && dfg_itable_n_missing(it, 0) == 4.0);
    dfg_itable_free(it);
    it = NULL;
    dfg_table_free(t);
    /* passive declarations: P records age in cov_003, K and I do not (detected) */
    t = read_file("cov_003_missing.csv", "P,K,I");
    err = (dfg_error){0};
    CHECK(dfg_itable_new(t, NULL, &it, &err) == DFG_OK);
    CHECK(it && dfg_itable_recorded(it, 0) == 7u && dfg_itable_recorded(it, 1) == 1u &&
          dfg_itable_detected(it, 1) == 6u);
    dfg_itable_free(it);
    it = NULL;
    const char *pas[] = {"age:K"};
    io = dfg_itable_opts_default();
    io.passive = pas;
    io.n_passive = 1;
    CHECK(dfg_itable_new(t, &io, &it, &err) == DFG_OK);
    CHECK(it && dfg_itable_recorded(it, 1) == 1u && dfg_itable_detected(it, 1) == 4u);
    dfg_itable_free(it);
    it = NULL;
    pas[0] = "age:P";
    err = (dfg_error){0};
    CHECK_CODE(dfg_itable_new(t, &io, &it, &err), DFG_EDATA);
    CHECK_MSG(strstr(err.msg, "age"), "%s", err.msg);
    pas[0] = "age:Q";
    err = (dfg_error){0};
    CHECK_CODE(dfg_itable_new(t, &io, &it, &err), DFG_EINVAL);
    pas[0] = "height:P";
    err = (dfg_error){0};
    CHECK_CODE(dfg_itable_new(t, &io, &it, &err), DFG_EINVAL);
    dfg_table_free(t);
    /* EM that does not converge within the limit: status and the last change */
    run r;
    dfg_em_opts eo = dfg_em_opts_default();
    eo.max_iter = 5;
    eo.accelerate = 0;
    err = (dfg_error){0};
    dfg_status rc =
        fit_file(&r, "cov_003_missing.csv", "P,K,I", "[P:age,K:age,origin:age]", &eo, &err);
    CHECK_CODE(rc, DFG_ENOCONV);
    CHECK(r.f.status == DFG_ENOCONV && r.f.iter == 5 && r.f.change > 1e-14);
    CHECK_MSG(strstr(err.msg, "5 iterations") && strstr(err.msg, "change"), "%s", err.msg);
    oracle_em_free(&r);
    /* the same with SQUAREM steps: the status and the numbers of the last iterate */
    eo = dfg_em_opts_default();
    eo.max_iter = 7;
    err = (dfg_error){0};
    rc = fit_file(&r, "cov_003_missing.csv", "P,K,I", "[P:age,K:age,origin:age]", &eo, &err);
    CHECK_CODE(rc, DFG_ENOCONV);
    CHECK(r.f.status == DFG_ENOCONV && r.f.fit.status == DFG_ENOCONV && r.f.change > 1e-14);
    CHECK_MSG(strstr(err.msg, "7 iterations"), "%s", err.msg);
    oracle_em_free(&r);
    /* bad options */
    eo = dfg_em_opts_default();
    eo.tol = 0.0;
    err = (dfg_error){0};
    CHECK_CODE(fit_file(&r, "cov_003_missing.csv", "P,K,I", "[]", &eo, &err), DFG_EINVAL);
    oracle_em_free(&r);
}

/* the bootstrap: the same digits on 1 and 2 threads; the replicates' s.d. of N near the
 * Louis s.e. (a check of both: 200 replicates give the s.d. to about 5% (1/sqrt(2B)), so
 * 25% is far outside chance); BCa and percentile intervals around the point estimate */
static void test_boot(void)
{
    run r;
    dfg_error err = {0};
    dfg_status rc = fit_file(&r, "cov_014_missing.csv", "P,K,I",
                             "[P:expl,K:year,expl:year,expl:age]", NULL, &err);
    CHECK(rc == DFG_OK);
    if (rc != DFG_OK) {
        oracle_em_free(&r);
        return;
    }
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = 200;
    bo.seed = 7;
    dfg_emboot_result a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    rc = dfg_em_boot(r.it, &r.m, NULL, &r.f, &bo, &a, &err);
    CHECK_MSG(rc == DFG_OK, "%s", err.msg);
    bo.threads = 2;
    rc = dfg_em_boot(r.it, &r.m, NULL, &r.f, &bo, &b, &err);
    CHECK_MSG(rc == DFG_OK, "%s", err.msg);
    if (a.stars && b.stars) {
        CHECK(a.n_stats == 10 && a.n_ok == 200 && a.n_failed == 0);
        CHECK(memcmp(a.stars, b.stars, a.B * a.n_stats * sizeof *a.stars) == 0);
        CHECK(memcmp(a.ci, b.ci, a.n_stats * sizeof *a.ci) == 0);
        CHECK_REL(a.point[0], r.f.fit.nhat, 1e-12);
        CHECK_REL(a.se[0], r.f.fit.se_nhat, 0.25);
        for (size_t s = 0; s < a.n_stats; s++) {
            CHECK(a.ci[s].type == DFG_CI_BCA && a.ci[s].lower < a.point[s] &&
                  a.point[s] < a.ci[s].upper);
            CHECK(a.pct[s].lower < a.point[s] && a.point[s] < a.pct[s].upper);
        }
        printf("boot: N %.1f se Louis %.2f boot %.2f BCa [%.1f, %.1f] pct [%.1f, %.1f] "
               "a %.4f z0 %.3f\n",
               a.point[0], r.f.fit.se_nhat, a.se[0], a.ci[0].lower, a.ci[0].upper, a.pct[0].lower,
               a.pct[0].upper, a.accel[0], a.z0[0]);
    }
    dfg_emboot_result_free(&a);
    dfg_emboot_result_free(&b);
    /* semi-parametric (cenzus::boot_mse) */
    bo.type = DFG_BOOT_PARAMETRIC;
    bo.interval = DFG_CI_PERCENTILE;
    rc = dfg_em_boot(r.it, &r.m, NULL, &r.f, &bo, &a, &err);
    CHECK_MSG(rc == DFG_OK, "%s", err.msg);
    if (rc == DFG_OK) {
        CHECK_REL(a.se[0], r.f.fit.se_nhat, 0.25);
        printf("semi-parametric: se %.2f pct [%.1f, %.1f]\n", a.se[0], a.ci[0].lower,
               a.ci[0].upper);
    }
    dfg_emboot_result_free(&a);
    oracle_em_free(&r);
}

int main(void)
{
    gsl_set_error_handler_off();
    RUN(test_new_zealand);
    RUN(test_not_identifiable);
    RUN(test_cov_003);
    RUN(test_cov_014);
    RUN(test_no_missing);
    RUN(test_bad_input);
    RUN(test_boot);
    CHECK_DONE();
}
