/* tests/test_extreme.c: the library at the edges of its input, and the rule that a number
 * which is not an estimate is never reported as one (darkfig.h, "Limits and results that
 * are not estimates"). Each case states its expected outcome; several reproduce findings
 * of an adversarial trial (the comment says what happened before).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "extreme_tables.h"
#include "models.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static dfg_table *table_from(size_t k, const uint32_t *pat, const double *cnt, size_t n)
{
    const char *names[] = {"A", "B", "C", "D", "E", "F"};
    dfg_table *t = dfg_table_new(k, names, 0, NULL, NULL);
    for (size_t i = 0; t && i < n; i++)
        dfg_table_add(t, 0, pat[i], cnt[i], NULL);
    return t;
}

/* A model of every term of order <= order over k lists. */
static void model_to_order(size_t k, int order, dfg_model *m)
{
    size_t cap = 0;
    for (uint32_t a = 1; a < (1u << k); a++)
        cap += dfg_popcount(a) <= (unsigned)order;
    uint32_t *terms = malloc(cap * sizeof *terms);
    size_t n = 0;
    for (uint32_t a = 1; a < (1u << k); a++)
        if (dfg_popcount(a) <= (unsigned)order)
            terms[n++] = a;
    CHECK_CODE(dfg_model_from_terms(k, terms, n, m, NULL), DFG_OK);
    free(terms);
}

/* ---- many lists: the existence check and the fit answer within seconds (they did not
 * return before: the LP was built over all 2^k cells) */
static void fit_on_many_lists_answers(size_t k, const char *spec)
{
    dfg_table *t = many_lists_table(k, 300, 7);
    CHECK(t != NULL);
    dfg_model m = {0};
    dfg_error err = {0};
    CHECK_CODE(dfg_model_parse(spec, t, &m, &err), DFG_OK);
    double t0 = seconds();
    dfg_check_result cr;
    CHECK_CODE(dfg_check_model(t, 0, &m, &cr, &err), DFG_OK);
    CHECK(cr.status == DFG_CHECK_FINE || cr.status == DFG_CHECK_BOUNDARY);
    dfg_check_result_free(&cr);
    dfg_fit fit = {0};
    dfg_check_status cs;
    dfg_glm_opts o = dfg_glm_opts_default();
    CHECK_CODE(dfg_loglin_fit_checked(t, 0, &m, &o, &fit, &cs, &err), DFG_OK);
    CHECK(isfinite(fit.nhat) && fit.nhat > dfg_table_n_obs(t, 0));
    CHECK(isfinite(fit.se_nhat));
    /* generous: about 2 s of CPU for 20 lists (more on a loaded machine); the old check
     * never returned */
    double dt = seconds() - t0;
    CHECK(dt < 60.0);
    printf("  %zu lists, model %s: check and fit in %.2f s, N = %.1f\n", k, spec, dt, fit.nhat);
    dfg_fit_free(&fit);
    dfg_model_free(&m);
    dfg_table_free(t);
}

/* 20 lists, all 210 terms of order <= 2 over a table of 300 patterns: most pairs never
 * meet, their terms are fixed at -inf; the rest is fitted. Order 3 (1,350 terms): once
 * the terms no one is on are fixed, few cells remain and the LP on them says at once that
 * the MLE does not exist. */
static void big_models_on_20_lists(void)
{
    dfg_table *t = many_lists_table(20, 300, 7);
    dfg_model m = {0};
    dfg_error err = {0};
    dfg_fit fit = {0};
    dfg_check_status cs;
    dfg_glm_opts o = dfg_glm_opts_default();
    model_to_order(20, 2, &m);
    CHECK_CODE(dfg_loglin_fit_checked(t, 0, &m, &o, &fit, &cs, &err), DFG_OK);
    CHECK(cs == DFG_CHECK_BOUNDARY);
    dfg_fit_free(&fit);
    dfg_model_free(&m);
    model_to_order(20, 3, &m);
    dfg_error_clear(&err);
    CHECK_CODE(dfg_loglin_fit_checked(t, 0, &m, &o, &fit, &cs, &err), DFG_ENOMLE);
    CHECK(cs == DFG_CHECK_NOMLE);
    dfg_fit_free(&fit);
    dfg_model_free(&m);
    /* order 4 on 20 lists: 6,195 terms, beyond DFG_MAX_FIT_PARAMS even after fixing: a
     * clear EINVAL with the size (was ENOMEM "check: 1048576 cells") -- use a table where
     * every list meets every other so that nothing is fixed */
    dfg_table_free(t);
    char names[20][8];
    const char *np[20];
    for (size_t j = 0; j < 20; j++) {
        snprintf(names[j], sizeof names[j], "L%zu", j + 1);
        np[j] = names[j];
    }
    t = dfg_table_new(20, np, 0, NULL, NULL);
    for (uint32_t a = 1; a < (1u << 20); a++)
        if (dfg_popcount(a) <= 4)
            dfg_table_add(t, 0, a, 1.0, NULL);
    model_to_order(20, 4, &m);
    dfg_error_clear(&err);
    dfg_status rc = dfg_loglin_fit_checked(t, 0, &m, &o, &fit, &cs, &err);
    CHECK_CODE(rc, DFG_EINVAL);
    CHECK(strstr(err.msg, "parameters") != NULL && strstr(err.msg, "4096") != NULL);
    dfg_fit_free(&fit);
    dfg_model_free(&m);
    dfg_table_free(t);
}

/* 21 to 30 lists: a message naming the limit, not an internal step ("check: 21 lists") */
static void fit_on_21_and_30_lists_names_the_limit(void)
{
    for (size_t k = 21; k <= 30; k += 9) {
        dfg_table *t = many_lists_table(k, 100, 3);
        dfg_model m = {0};
        dfg_error err = {0};
        CHECK_CODE(dfg_model_independence(k, &m, NULL), DFG_OK);
        dfg_fit fit = {0};
        dfg_check_status cs;
        dfg_glm_opts o = dfg_glm_opts_default();
        CHECK_CODE(dfg_loglin_fit_checked(t, 0, &m, &o, &fit, &cs, &err), DFG_EINVAL);
        CHECK(strcmp(err.where, "lists") == 0);
        CHECK(strstr(err.msg, "at most 20 lists") != NULL);
        dfg_model_free(&m);
        dfg_table_free(t);
    }
}

/* The identifiability count of models/check.c against a rank computed from X'X, on every
 * hierarchical model of order <= 3 over 4 lists and tables with empty overlaps. */
static void identifiability_count_agrees_with_rank(void)
{
    const size_t k = 4, ncell = 16;
    size_t agree = 0, total = 0;
    uint64_t s = 11;
    for (int rep = 0; rep < 40; rep++) {
        double y[16] = {0};
        for (size_t c = 1; c < ncell; c++)
            y[c] = ext_lcg(&s) % 3 == 0 ? 0.0 : (double)(1 + ext_lcg(&s) % 5);
        for (size_t j = 0; j < k; j++)
            y[1u << j] += 1.0;
        double ysup[16];
        dfg_superset_sums(k, y, ysup);
        /* models: main effects plus any subset of the 10 terms of order 2 and 3 */
        uint32_t cand[10];
        size_t nc = 0;
        for (uint32_t a = 1; a < ncell; a++)
            if (dfg_popcount(a) == 2 || dfg_popcount(a) == 3)
                cand[nc++] = a;
        for (uint32_t mask = 0; mask < (1u << nc); mask += 1 + (uint32_t)(ext_lcg(&s) % 7)) {
            uint32_t terms[32];
            size_t n = 0;
            for (size_t j = 0; j < k; j++)
                terms[n++] = 1u << j;
            for (size_t i = 0; i < nc; i++)
                if (mask >> i & 1)
                    terms[n++] = cand[i];
            dfg_model m = {0};
            if (dfg_model_from_terms(k, terms, n, &m, NULL) != DFG_OK)
                continue;
            unsigned char fixed[32], use[16];
            dfg_check_boundary(k, ysup, m.terms, m.n_terms, fixed, use);
            int by_count = dfg_check_ident_count(k, m.terms, m.n_terms, fixed, use);
            /* rank of X'X on the kept cells, X = [tau subset of c] over free terms */
            uint32_t free_t[32];
            size_t p = 0;
            free_t[p++] = 0;
            for (size_t i = 0; i < m.n_terms; i++)
                if (!fixed[i])
                    free_t[p++] = m.terms[i];
            double a[32 * 32], scr[32 * 32 + 96];
            int piv[32];
            for (size_t i = 0; i < p; i++)
                for (size_t j = 0; j < p; j++) {
                    double q = 0.0;
                    for (size_t c = 1; c < ncell; c++)
                        if (use[c] && (c & free_t[i]) == free_t[i] && (c & free_t[j]) == free_t[j])
                            q += 1.0;
                    a[i + j * p] = q;
                }
            int by_rank = dfg_la_rank(p, a, scr, piv) == p;
            total++;
            agree += by_count == by_rank;
            dfg_model_free(&m);
        }
    }
    CHECK(total > 100);
    CHECK(agree == total);
}

/* ---- the CSV reader's memory bounds */
static void csv_line_and_field_limits(void)
{
    /* /dev/zero: one line of NUL bytes with no end (grew memory at 250 MB/s before) */
    size_t len = DFG_CSV_MAX_LINE + 4096;
    char *buf = calloc(len, 1);
    dfg_table *t = NULL;
    dfg_error err = {0};
    CHECK_CODE(dfg_table_read_csv_buffer("zero", buf, len, NULL, &t, &err), DFG_EPARSE);
    CHECK(t == NULL && strcmp(err.where, "zero:1:1") == 0);
    CHECK(strstr(err.msg, "line longer than 1048576 bytes") != NULL);
    /* a header, then a data line that is too long */
    memset(buf, 'x', len);
    memcpy(buf, "A,B,count\n1,1,", 14);
    dfg_error_clear(&err);
    CHECK_CODE(dfg_table_read_csv_buffer("long", buf, len, NULL, &t, &err), DFG_EPARSE);
    CHECK(strcmp(err.where, "long:2:1") == 0); /* refused before the line is split */
    /* a quote never closed, over many short lines: the field limit */
    size_t n = 0;
    n += (size_t)sprintf(buf, "A,B,note\n1,0,\"");
    while (n < 200000)
        n += (size_t)sprintf(buf + n, "abc\n");
    dfg_csv_opts o = dfg_csv_opts_default();
    o.lists = "A,B";
    dfg_error_clear(&err);
    CHECK_CODE(dfg_table_read_csv_buffer("quote", buf, n, &o, &t, &err), DFG_EPARSE);
    CHECK(strncmp(err.where, "quote:2:3", 9) == 0);
    CHECK(strstr(err.msg, "quoted field longer than 65536 bytes") != NULL);
    /* just under the limits: read */
    n = (size_t)sprintf(buf, "A,B,note,count\n1,0,\"");
    memset(buf + n, 'y', 60000);
    n += 60000;
    n += (size_t)sprintf(buf + n, "\",3\n0,1,z,2\n1,1,z,1\n");
    dfg_error_clear(&err);
    CHECK_CODE(dfg_table_read_csv_buffer("fine", buf, n, &o, &t, &err), DFG_OK);
    CHECK(t && dfg_table_n_strata(t) == 2);
    dfg_table_free(t);
    free(buf);
}

/* ---- counts up to 1e12, with exact sums */
static void counts_of_1e12(void)
{
    const char *csv = "A,B,C,count\n1,0,0,1\n0,1,0,1\n0,0,1,1\n1,1,0,1e12\n1,0,1,1000000000000\n"
                      "0,1,1,1e12\n1,1,1,1e12\n";
    dfg_table *t = NULL;
    CHECK_CODE(dfg_table_read_csv_buffer("big", csv, strlen(csv), NULL, &t, NULL), DFG_OK);
    CHECK(dfg_table_n_obs(t, 0) == 4000000000003.0); /* exact */
    /* the exhaustive search chose [23,1] with s.e. NaN, interval [NaN, NaN], status fine and
     * weight 1; now that model leaves the ranking and the chosen one is an estimate */
    dfg_search_opts so = dfg_search_opts_default();
    so.method = DFG_SEARCH_EXHAUSTIVE;
    dfg_search_result r;
    dfg_error err = {0};
    CHECK_CODE(dfg_search_run(t, 0, &so, &r, &err), DFG_OK);
    CHECK(r.n_rows >= 1);
    for (size_t i = 0; i < r.n_rows; i++) {
        CHECK(isfinite(r.rows[i].se_nhat));
        CHECK(isfinite(r.rows[i].lower) && isfinite(r.rows[i].upper));
    }
    CHECK(r.n_not_estimate >= 1 && r.reason_not_estimate[0]);
    CHECK(isfinite(r.range_lo[0]) && isfinite(r.range_hi[0]));
    dfg_search_result_free(&r);
    /* the same through the estimator interface */
    dfg_estimate e;
    dfg_est_opts eo = dfg_est_opts_default();
    CHECK_CODE(dfg_estimator_find("exhaustive")->estimate(t, 0, &eo, &e, &err), DFG_OK);
    CHECK(e.value == DFG_VALUE_OK && isfinite(e.se));
    /* the bootstrap of 4e12 people: a data limit, named (was EINVAL "n too large") */
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = 2;
    dfg_boot_result br;
    dfg_error_clear(&err);
    CHECK_CODE(dfg_boot_run(dfg_estimator_find("mt"), t, 0, &eo, &bo, &br, &err), DFG_EDATA);
    CHECK(strstr(err.msg, "at most 4294967295") != NULL);
    dfg_table_free(t);
}

/* ---- every person on one list only (no overlap at all): no estimate, said so */
static void no_overlap_gives_no_estimate(void)
{
    uint32_t p[] = {1, 2, 4};
    double c[] = {5, 4, 3};
    dfg_table *t = table_from(3, p, c, 3);
    dfg_estimate e;
    dfg_est_opts eo = dfg_est_opts_default();
    dfg_status rc = dfg_estimator_find("mt")->estimate(t, 0, &eo, &e, NULL);
    CHECK_CODE(rc, DFG_ENOMLE);
    CHECK(e.value != DFG_VALUE_OK && e.reason[0]);
    eo.list_a = 0;
    eo.list_b = 1;
    rc = dfg_estimator_find("lincoln-petersen")->estimate(t, 0, &eo, &e, NULL);
    CHECK_CODE(rc, DFG_ENOMLE);
    CHECK(e.value == DFG_VALUE_INFINITE);
    dfg_table_free(t);
}

/* ---- two identical lists: A and B hold the same people; Lincoln-Petersen on them gives
 * N = n exactly (n1 n2 / m with n1 = n2 = m), an estimate */
static void two_identical_lists(void)
{
    uint32_t p[] = {3, 7, 4};
    double c[] = {10, 5, 6};
    dfg_table *t = table_from(3, p, c, 3);
    dfg_estimate e;
    dfg_est_opts eo = dfg_est_opts_default();
    eo.list_a = 0;
    eo.list_b = 1;
    CHECK_CODE(dfg_estimator_find("lincoln-petersen")->estimate(t, 0, &eo, &e, NULL), DFG_OK);
    CHECK_REL(e.nhat, 15.0, 1e-15);
    CHECK(e.value == DFG_VALUE_OK);
    dfg_table_free(t);
}

/* ---- one stratum with one person: a clear status, no crash, no number */
static void one_stratum_with_one_person(void)
{
    const char *csv = "A,B,sex,count\n1,0,f,5\n0,1,f,4\n1,1,f,3\n1,0,m,1\n";
    dfg_csv_opts o = dfg_csv_opts_default();
    o.lists = "A,B";
    dfg_table *t = NULL;
    CHECK_CODE(dfg_table_read_csv_buffer("s", csv, strlen(csv), &o, &t, NULL), DFG_OK);
    CHECK(dfg_table_n_strata(t) == 2);
    size_t sm = strcmp(dfg_table_stratum_value(t, 1, 0), "m") == 0 ? 1 : 0;
    CHECK(dfg_table_n_obs(t, sm) == 1.0);
    dfg_estimate e;
    dfg_est_opts eo = dfg_est_opts_default();
    dfg_error err = {0};
    dfg_status rc = dfg_estimator_find("mt")->estimate(t, sm, &eo, &e, &err);
    CHECK(rc != DFG_OK && err.msg[0]);
    CHECK(e.value != DFG_VALUE_OK);
    eo.list_a = 0;
    eo.list_b = 1;
    rc = dfg_estimator_find("chapman")->estimate(t, sm, &eo, &e, &err);
    CHECK(rc != DFG_OK); /* list B has nobody in this stratum */
    dfg_table_free(t);
}

/* ---- 30 occasions: the frequency models answer (as Rcapture's closedp.0), the
 * occasion models say why not */
static void closed_on_30_occasions(void)
{
    char names[30][8];
    const char *np[30];
    for (size_t j = 0; j < 30; j++) {
        snprintf(names[j], sizeof names[j], "T%zu", j + 1);
        np[j] = names[j];
    }
    dfg_table *t = dfg_table_new(30, np, 0, NULL, NULL);
    uint64_t s = 5;
    size_t seen = 0;
    for (int a = 0; a < 300; a++) { /* 300 animals, p = 0.06 per occasion */
        uint32_t pat = 0;
        for (size_t j = 0; j < 30; j++)
            if (ext_lcg(&s) % 100 < 6)
                pat |= 1u << j;
        if (pat) {
            dfg_table_add(t, 0, pat, 1.0, NULL);
            seen++;
        }
    }
    dfg_freq fr;
    CHECK_CODE(dfg_freq_from_table(t, 0, &fr, NULL), DFG_OK);
    CHECK(fr.t == 30 && fr.n == (double)seen);
    dfg_freq_method ok_methods[] = {DFG_FREQ_M0,         DFG_FREQ_MH_CHAO, DFG_FREQ_MH_POISSON2,
                                    DFG_FREQ_MH_DARROCH, DFG_FREQ_CHAO_LB, DFG_FREQ_ZELTERMAN};
    for (size_t i = 0; i < sizeof ok_methods / sizeof ok_methods[0]; i++) {
        dfg_freq_result res;
        dfg_status rc = dfg_freq_estimate(&fr, ok_methods[i], NULL, &res, NULL);
        CHECK_CODE(rc, DFG_OK);
        /* 300 animals were there */
        CHECK(isfinite(res.nhat) && res.nhat >= fr.n && res.nhat < 1000.0);
    }
    dfg_freq_free(&fr);
    /* the closed table (refused before, "need 2 to 16 occasions"): M0 and Mh from the
     * frequencies, the same numbers as dfg_freq_estimate; the others say why not */
    dfg_closed_table ct;
    dfg_closed_opts co = dfg_closed_opts_default();
    co.ci_type = DFG_CI_PROFILE; /* not available from frequencies: log-normal */
    dfg_error err = {0};
    CHECK_CODE(dfg_closed_table_fit(t, 0, &co, &ct, &err), DFG_OK);
    CHECK(ct.t == 30 && ct.n_obs == (double)seen);
    dfg_freq_result m0;
    CHECK_CODE(dfg_freq_from_table(t, 0, &fr, NULL), DFG_OK);
    CHECK_CODE(dfg_freq_estimate(&fr, DFG_FREQ_M0, NULL, &m0, NULL), DFG_OK);
    dfg_freq_free(&fr);
    CHECK(ct.rows[DFG_CLOSED_M0].status == DFG_OK);
    CHECK(ct.rows[DFG_CLOSED_M0].nhat == m0.nhat);
    CHECK(ct.rows[DFG_CLOSED_M0].ci.type == DFG_CI_LOGNORMAL);
    CHECK(isfinite(ct.rows[DFG_CLOSED_M0].ci.lower) && isfinite(ct.rows[DFG_CLOSED_M0].ci.upper));
    CHECK(ct.rows[DFG_CLOSED_MH_DARROCH].status == DFG_OK);
    dfg_closed_model not_fitted[] = {DFG_CLOSED_MT, DFG_CLOSED_MTH_CHAO, DFG_CLOSED_MB,
                                     DFG_CLOSED_MBH};
    for (size_t i = 0; i < 4; i++) {
        const dfg_closed_row *w = &ct.rows[not_fitted[i]];
        CHECK(w->status == DFG_EDATA && (w->flags & DFG_CLOSED_NOT_FITTED));
        CHECK(strstr(w->note, "at most 16 occasions") != NULL);
        CHECK(w->value != DFG_VALUE_OK && isnan(w->nhat));
    }
    CHECK(ct.best_bic >= 0 && ct.rows[ct.best_bic].value == DFG_VALUE_OK);
    dfg_table_free(t);
}

/* ---- closed models: no row that is not an estimate is "fine" or best. On simulated
 * 6-occasion tables (120 animals, p = 0.12) Mbh ran off to N = 3.3e12 with infoFit 0 and
 * could be best BIC, Mb fell below n with a [NaN, NaN] interval, Mh Gamma sat at the
 * boundary; each now has a status of its own. */
static void closed_rows_that_are_not_estimates(void)
{
    const char *scn = "lists 6\ntotal 120\ncapture 0.12 0.12 0.12 0.12 0.12 0.12\n";
    dfg_scenario *sc = NULL;
    CHECK_CODE(dfg_scenario_read_buffer("six", scn, strlen(scn), &sc, NULL), DFG_OK);
    dfg_closed_opts o = dfg_closed_opts_default();
    o.ci_type = DFG_CI_PROFILE;
    size_t n_bad = 0, n_above = 0;
    for (unsigned rep = 0; rep < 40; rep++) {
        dfg_table *t = NULL;
        CHECK_CODE(dfg_sim_table(sc, 1, rep, &t, NULL), DFG_OK);
        dfg_closed_table ct;
        CHECK_CODE(dfg_closed_table_fit(t, 0, &o, &ct, NULL), DFG_OK);
        for (int i = 0; i < DFG_CLOSED_N_MODELS; i++) {
            const dfg_closed_row *w = &ct.rows[i];
            int not_estimate = !isfinite(w->nhat) || w->nhat > DFG_NHAT_MAX_RATIO * ct.n_obs ||
                               w->nhat < ct.n_obs || !isfinite(w->se) ||
                               (isnan(w->ci.upper) && !w->ci.upper_beyond) ||
                               (isnan(w->ci.lower) && !w->ci.lower_at_n) ||
                               (w->flags & (DFG_CLOSED_MU_ZERO | DFG_CLOSED_RANK));
            if (w->status == DFG_OK && not_estimate) {
                n_bad++;
                CHECK(w->value != DFG_VALUE_OK && w->reason[0]);
                CHECK(ct.best_aic != i && ct.best_bic != i);
            }
            n_above += w->value == DFG_VALUE_ABOVE_BOUND;
            if (w->value == DFG_VALUE_OK)
                CHECK(isfinite(w->nhat) && isfinite(w->se));
        }
        if (ct.best_bic >= 0)
            CHECK(ct.rows[ct.best_bic].value == DFG_VALUE_OK);
        /* replicate 3: Mbh N = 3.27e12 for 60 animals, infoFit 0 */
        if (rep == 3) {
            CHECK(ct.rows[DFG_CLOSED_MBH].value == DFG_VALUE_ABOVE_BOUND);
            CHECK(ct.best_bic != DFG_CLOSED_MBH);
        }
        dfg_table_free(t);
    }
    CHECK(n_bad >= 5);
    CHECK(n_above >= 1);
    printf("  closed: %zu rows that are not estimates in 40 simulated tables\n", n_bad);
    dfg_scenario_free(sc);
}

/* ---- the interval level: 1e-300 gave a "0% interval"; now refused everywhere */
static void level_is_checked(void)
{
    dfg_error err = {0};
    CHECK_CODE(dfg_level_check(1e-300, &err), DFG_EINVAL);
    CHECK(strcmp(err.where, "level") == 0);
    CHECK_CODE(dfg_level_check(NAN, NULL), DFG_EINVAL);
    CHECK_CODE(dfg_level_check(1.0, NULL), DFG_EINVAL);
    CHECK_CODE(dfg_level_check(0.95, NULL), DFG_OK);
    CHECK_CODE(dfg_level_check(0.5, NULL), DFG_OK);
    uint32_t p[] = {1, 2, 3, 4, 5, 6, 7};
    double c[] = {10, 12, 5, 9, 4, 3, 2};
    dfg_table *t = table_from(3, p, c, 7);
    dfg_est_opts eo = dfg_est_opts_default();
    eo.level = 1e-300;
    dfg_estimate e;
    const char *ests[] = {"mt", "loglin", "stepwise", "chapman", "Mt", "Mh-chao"};
    for (size_t i = 0; i < sizeof ests / sizeof ests[0]; i++)
        CHECK_CODE(dfg_estimator_find(ests[i])->estimate(t, 0, &eo, &e, NULL), DFG_EINVAL);
    dfg_closed_opts co = dfg_closed_opts_default();
    co.level = 1e-300;
    dfg_closed_table ct;
    CHECK_CODE(dfg_closed_table_fit(t, 0, &co, &ct, NULL), DFG_EINVAL);
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.level = 1e-300;
    bo.B = 10;
    dfg_boot_result br;
    eo.level = 0.95;
    CHECK_CODE(dfg_boot_run(dfg_estimator_find("mt"), t, 0, &eo, &bo, &br, NULL), DFG_EINVAL);
    dfg_table_free(t);
}

/* ---- check --estimator loglin --model "[12," printed a table of NaN with exit 0 */
static void holdout_with_a_bad_model_is_an_error(void)
{
    uint32_t p[] = {1, 2, 3, 4, 5, 6, 7};
    double c[] = {10, 12, 5, 9, 4, 3, 2};
    dfg_table *t = table_from(3, p, c, 7);
    dfg_est_opts eo = dfg_est_opts_default();
    eo.model = "[12,";
    dfg_holdout_row rows[3];
    dfg_error err = {0};
    CHECK_CODE(dfg_holdout_run(t, 0, dfg_estimator_find("loglin"), &eo, rows, &err), DFG_EPARSE);
    CHECK(strncmp(err.where, "model", 5) == 0);
    dfg_table_free(t);
    /* and on 30 lists (29 remain: more than a fit takes), the limit by name */
    t = many_lists_table(30, 100, 3);
    dfg_holdout_row rows30[30];
    dfg_error_clear(&err);
    CHECK_CODE(dfg_holdout_run(t, 0, dfg_estimator_find("mt"), NULL, rows30, &err), DFG_EINVAL);
    CHECK(strcmp(err.where, "lists") == 0 && strstr(err.msg, "29 lists") != NULL);
    dfg_table_free(t);
}

/* ---- the profile upper limit beyond the search range is a flag and a limit, never a NaN
 * reported as a number (twolist and estimate printed [10.0, nan]) */
static void profile_beyond_is_flagged(void)
{
    uint32_t p[] = {1, 2, 3};
    double c[] = {5, 4, 1};
    dfg_table *t = table_from(2, p, c, 3);
    dfg_est_opts eo = dfg_est_opts_default();
    eo.ci_type = DFG_CI_PROFILE;
    eo.list_a = 0;
    eo.list_b = 1;
    dfg_estimate e;
    CHECK_CODE(dfg_estimator_find("chapman")->estimate(t, 0, &eo, &e, NULL), DFG_OK);
    CHECK(e.ci.upper_beyond == 1 && isfinite(e.ci.search_limit) && e.ci.search_limit > 10.0);
    CHECK(e.value == DFG_VALUE_OK);
    CHECK_CODE(dfg_estimator_find("mt")->estimate(t, 0, &eo, &e, NULL), DFG_OK);
    CHECK(e.ci.upper_beyond == 1 && isfinite(e.ci.search_limit));
    dfg_table_free(t);
}

/* ---- the cost of a bootstrap, before it starts: items, a time per item measured on the
 * data, a time and memory that grow with B and shrink with threads */
static void boot_cost_is_estimated(void)
{
    uint32_t p[] = {1, 2, 3, 4, 5, 6, 7};
    double c[] = {10, 12, 5, 9, 4, 3, 2};
    dfg_table *t = table_from(3, p, c, 7);
    dfg_est_opts eo = dfg_est_opts_default();
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = 10000000; /* the --bootstrap 10000000 that would have run for 40 minutes */
    dfg_boot_cost cost;
    dfg_error err = {0};
    const dfg_estimator *est = dfg_estimator_find("stepwise");
    CHECK_CODE(dfg_boot_estimate_cost(est, t, 0, &eo, &bo, 0.05, &cost, &err), DFG_OK);
    CHECK(cost.items == bo.B + 7); /* BCa: one jackknife fit per pattern */
    CHECK(cost.n_probes >= 1 && cost.n_probes <= 5);
    CHECK(cost.seconds_per_item > 0.0 && cost.seconds_per_item < 1.0);
    CHECK_REL(cost.seconds, (double)cost.items * cost.seconds_per_item, 1e-12);
    CHECK(cost.bytes > 256.0 * (double)bo.B); /* the models chosen dominate */
    /* the same per item with 4 threads: a quarter of the time */
    bo.threads = 4;
    dfg_boot_cost c4;
    CHECK_CODE(dfg_boot_estimate_cost(est, t, 0, &eo, &bo, 0.0, &c4, &err), DFG_OK);
    CHECK(c4.n_probes == 1);
    CHECK_REL(c4.seconds, (double)c4.items * c4.seconds_per_item / 4.0, 1e-12);
    CHECK(c4.bytes > cost.bytes);
    /* bad options and a model that does not parse are errors, before any work */
    bo.B = 0;
    CHECK_CODE(dfg_boot_estimate_cost(est, t, 0, &eo, &bo, 0.0, &cost, NULL), DFG_EINVAL);
    bo.B = 10;
    eo.model = "[12,";
    CHECK_CODE(
        dfg_boot_estimate_cost(dfg_estimator_find("loglin"), t, 0, &eo, &bo, 0.0, &cost, NULL),
        DFG_EPARSE);
    dfg_table_free(t);
}

/* ---- found by fuzzing (tests/fuzz/regressions/scenario): a `lists` line with no name,
 * then another, leaked the first list of names; now the empty one is an error */
static void scenario_lists_line_without_names(void)
{
    const char *scn = "lists\nlists A B\ntotal 10\ncapture 0.5 0.5\n";
    dfg_scenario *sc = NULL;
    dfg_error err = {0};
    CHECK_CODE(dfg_scenario_read_buffer("s.scn", scn, strlen(scn), &sc, &err), DFG_EPARSE);
    CHECK(sc == NULL && strcmp(err.where, "s.scn:1:1") == 0);
    /* an interaction of 2.3e11 on the log scale made the cell probabilities add up to
     * 1 - 8e-6 (rounding of the linear predictor): effects are bounded by 50 */
    const char *huge = "lists 3\ntotal 100\ncapture 0.2 0.2 0.2\nterm 12 233298098225\n";
    dfg_error_clear(&err);
    CHECK_CODE(dfg_scenario_read_buffer("h.scn", huge, strlen(huge), &sc, &err), DFG_EPARSE);
    CHECK(strcmp(err.where, "h.scn:4:9") == 0 && strstr(err.msg, "between -50 and 50"));
    const char *fine = "lists 3\ntotal 100\ncapture 0.2 0.2 0.2\nterm 12 50\nmain 3 -50\n";
    CHECK_CODE(dfg_scenario_read_buffer("f.scn", fine, strlen(fine), &sc, NULL), DFG_OK);
    double prob[8], sum = 0.0;
    CHECK_CODE(dfg_scenario_cell_probs(sc, prob, NULL), DFG_OK);
    for (int x = 0; x < 8; x++)
        sum += prob[x];
    CHECK_ABS(sum, 1.0, 1e-12);
    dfg_scenario_free(sc);
}

/* ---- the judge itself */
static void value_judge_cases(void)
{
    char why[160];
    dfg_interval ci = {DFG_CI_LOGNORMAL, 0.95, 10.0, 20.0, 15.0, 0, 0, NAN};
    CHECK(dfg_value_judge(10, 15, 2, &ci, 0, why, sizeof why) == DFG_VALUE_OK && !why[0]);
    CHECK(dfg_value_judge(10, NAN, 2, &ci, 0, why, sizeof why) == DFG_VALUE_NAN);
    CHECK(dfg_value_judge(10, INFINITY, 2, &ci, 0, why, sizeof why) == DFG_VALUE_INFINITE);
    CHECK(dfg_value_judge(79, 9.5e10, 1e12, &ci, 0, why, sizeof why) == DFG_VALUE_ABOVE_BOUND);
    CHECK(strstr(why, "79 people") != NULL);
    CHECK(dfg_value_judge(10, 8, 2, &ci, 0, why, sizeof why) == DFG_VALUE_BELOW_N);
    CHECK(dfg_value_judge(10, 15, 2, &ci, 1, why, sizeof why) == DFG_VALUE_BOUNDARY);
    CHECK(dfg_value_judge(10, 15, NAN, &ci, 0, why, sizeof why) == DFG_VALUE_NO_SE);
    ci.upper = NAN;
    CHECK(dfg_value_judge(10, 15, 2, &ci, 0, why, sizeof why) == DFG_VALUE_NO_INTERVAL);
    ci.upper_beyond = 1;
    CHECK(dfg_value_judge(10, 15, 2, &ci, 0, why, sizeof why) == DFG_VALUE_OK);
    CHECK(strcmp(dfg_value_name(DFG_VALUE_ABOVE_BOUND), "beyond bound") == 0);
}

/* With the argument "20": only the fits on 20 lists (seconds of CPU, a minute under the
 * sanitizers: the slow tier); without: everything else. */
int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc > 1 && strcmp(argv[1], "20") == 0) {
        fit_on_many_lists_answers(20, "");
        fit_on_many_lists_answers(20, "[L1:L2,L3:L4,L1:L3]");
        big_models_on_20_lists();
        CHECK_DONE();
    }
    fit_on_many_lists_answers(16, "");
    fit_on_many_lists_answers(16, "[L1:L2,L3:L4,L1:L3]");
    fit_on_21_and_30_lists_names_the_limit();
    identifiability_count_agrees_with_rank();
    csv_line_and_field_limits();
    counts_of_1e12();
    no_overlap_gives_no_estimate();
    two_identical_lists();
    one_stratum_with_one_person();
    closed_on_30_occasions();
    closed_rows_that_are_not_estimates();
    level_is_checked();
    holdout_with_a_bad_model_is_an_error();
    profile_beyond_is_flagged();
    value_judge_cases();
    boot_cost_is_estimated();
    scenario_lists_line_without_names();
    CHECK_DONE();
}
