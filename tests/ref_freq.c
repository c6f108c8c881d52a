/* tests/ref_freq.c: frequency-of-capture estimators and the nbcap reader.
 *
 * References:
 *  - netherlands_6 (data/README: "checked against Rcapture"): f1 = 7802, f2 = 414, f3 = 18;
 *    Chao n + f1^2/(2 f2) = 81750; Rcapture bias-corrected Mh Chao (closedp.bc) 69342 (s.e.
 *    3309); Zelterman 81776. Tolerance: half a unit of the last printed digit.
 *  - hare: Rcapture closedp.0 fits the Mh models on the frequencies; its N and s.e. equal
 *    closedp.t's M0 / Mh rows (Rcapture `closedp(hare)`: M0 75.4 (3.5), Mh Chao 79.8 (6.4),
 *    Mh Poisson2 81.5 (5.7), Mh Darroch 90.4 (11.6), Mh Gamma3.5 100.6 (21.7)).
 *  - Chapman (closedp.bc, t = 2): the oracle rows rcapture_closedp_bc_Mt of
 *    tests/data/oracle/oracle_results.csv (Rcapture 1.4-4), through models/two_list.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "darkfig.h"
#include "oracle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void netherlands_chao_and_zelterman(void)
{
    dfg_table *t = oracle_dataset("netherlands_6.csv");
    if (!CHECK(t != NULL))
        return;
    dfg_freq fr;
    dfg_error err = {0};
    CHECK_CODE(dfg_freq_from_table(t, 0, &fr, &err), DFG_OK);
    CHECK(fr.t == 6 && fr.f[1] == 7802.0 && fr.f[2] == 414.0 && fr.f[3] == 18.0);
    CHECK(fr.n == 8234.0);
    dfg_freq_result r;
    CHECK_CODE(dfg_freq_estimate(&fr, DFG_FREQ_CHAO_LB, NULL, &r, &err), DFG_OK);
    CHECK_ABS(r.nhat, 81750.0, 0.5);
    CHECK_CODE(dfg_freq_estimate(&fr, DFG_FREQ_CHAO_BC, NULL, &r, &err), DFG_OK);
    CHECK_ABS(r.nhat, 69342.0, 0.5);
    CHECK_ABS(r.se, 3309.0, 0.5);
    CHECK_CODE(dfg_freq_estimate(&fr, DFG_FREQ_ZELTERMAN, NULL, &r, &err), DFG_OK);
    CHECK_ABS(r.nhat, 81776.0, 0.5);
    dfg_freq_free(&fr);
    dfg_table_free(t);
}

static void hare_closedp0_equals_closedp(void)
{
    dfg_table *t = oracle_dataset("rcapture_hare_6.csv");
    if (!t) {
        CHECK(0);
        return;
    }
    dfg_freq fr;
    dfg_error err = {0};
    CHECK_CODE(dfg_freq_from_table(t, 0, &fr, &err), DFG_OK);
    static const struct {
        dfg_freq_method m;
        double n, se;
    } want[] = {{DFG_FREQ_M0, 75.4, 3.5},
                {DFG_FREQ_MH_CHAO, 79.8, 6.4},
                {DFG_FREQ_MH_POISSON2, 81.5, 5.7},
                {DFG_FREQ_MH_DARROCH, 90.4, 11.6},
                {DFG_FREQ_MH_GAMMA, 100.6, 21.7}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        dfg_freq_result r;
        CHECK_CODE(dfg_freq_estimate(&fr, want[i].m, NULL, &r, &err), DFG_OK);
        CHECK_ABS(r.nhat, want[i].n, 0.05);
        CHECK_ABS(r.se, want[i].se, 0.05);
    }
    /* M0 on 6 frequencies: 2 parameters, 4 df */
    dfg_freq_result r0;
    CHECK_CODE(dfg_freq_estimate(&fr, DFG_FREQ_M0, NULL, &r0, &err), DFG_OK);
    CHECK(r0.df == 4.0);
    /* t unknown or too small: refused */
    fr.t = 0;
    CHECK_CODE(dfg_freq_estimate(&fr, DFG_FREQ_M0, NULL, &r0, &err), DFG_EINVAL);
    dfg_freq_free(&fr);
    dfg_table_free(t);
}

static void nbcap_files_read_and_bad_ones_fail(void)
{
    dfg_freq fr;
    dfg_error err = {0};
    char path[512];
    snprintf(path, sizeof path, "%s/nbcap/rcapture_cbird.csv", DFG_DATA_DIR);
    CHECK_CODE(dfg_freq_read_csv(path, &fr, &err), DFG_OK);
    /* 1,6 2,4 3,5 4,2 5,0 6,2 */
    CHECK(fr.max_f == 6 && fr.n == 19.0 && fr.f[5] == 0.0 && fr.f[6] == 2.0);
    dfg_freq_free(&fr);
    snprintf(path, sizeof path, "%s/nbcap/rcapture_BBS2001.csv", DFG_DATA_DIR);
    CHECK_CODE(dfg_freq_read_csv(path, &fr, &err), DFG_OK);
    CHECK(fr.max_f == 36);
    dfg_freq_free(&fr);
    /* gaps are zeros */
    const char *gap = "nbcap,count\n1,5\n3,2\n";
    CHECK_CODE(dfg_freq_read_buffer("gap", gap, strlen(gap), &fr, &err), DFG_OK);
    CHECK(fr.max_f == 3 && fr.f[2] == 0.0 && fr.n == 7.0);
    dfg_freq_result r;
    CHECK_CODE(dfg_freq_estimate(&fr, DFG_FREQ_CHAO_LB, NULL, &r, &err), DFG_EDATA);
    dfg_freq_free(&fr);
    /* the table reader's CSV rules: a UTF-8 byte-order mark, quoted fields, CRLF, blank
     * lines and spaces around fields */
    static const char *const good[] = {"\xEF\xBB\xBFnbcap,count\n1,5\n3,2\n",
                                       "\"nbcap\",\"count\"\r\n\"1\",\"5\"\r\n\r\n3 , 2\r\n",
                                       "\xEF\xBB\xBF\"nbcap\", count\n1,5\n3,2"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        dfg_error e = {0};
        CHECK_CODE(dfg_freq_read_buffer("good", good[i], strlen(good[i]), &fr, &e), DFG_OK);
        CHECK(fr.max_f == 3 && fr.f[1] == 5.0 && fr.f[2] == 0.0 && fr.f[3] == 2.0);
        dfg_freq_free(&fr);
    }
    /* places are line:field, as the table reader gives them */
    static const struct {
        const char *text, *where;
        dfg_status code;
    } bad[] = {{"nbcap,count\n1,5\n1,2\n", "bad:3:1", DFG_EPARSE},
               {"nbcap,count\n0,5\n", "bad:2:1", DFG_EPARSE},
               {"nbcap,count\n1,5\n2,2.5\n", "bad:3:2", DFG_EPARSE},
               {"nbcap,count\n1,-1\n", "bad:2:2", DFG_EPARSE},
               {"nbcap,count\n1,5,7\n", "bad:2:3", DFG_EPARSE},
               {"nbcap,count\n1\n", "bad:2:2", DFG_EPARSE},
               {"nbcap,count\n1,\"5\n", "bad:2:2", DFG_EPARSE},
               {"", "bad:1:1", DFG_EPARSE},
               {"n,count\n1,5\n", "bad:1:1", DFG_EPARSE},
               {"nbcap,count\n1,0\n", "bad", DFG_EDATA}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dfg_error e = {0};
        CHECK_CODE(dfg_freq_read_buffer("bad", bad[i].text, strlen(bad[i].text), &fr, &e),
                   bad[i].code);
        CHECK(strcmp(e.where, bad[i].where) == 0);
        if (strcmp(e.where, bad[i].where) != 0)
            fprintf(stderr, "case %zu: where = %s (%s)\n", i, e.where, e.msg);
    }
}

/* The same frequencies with a byte-order mark and CRLF, and with every field quoted
 * (tests/data/nbcap/README.md), read as the plain file; each is recognised as an nbcap
 * file, a capture table is not. */
static void nbcap_bom_and_quoted_read_as_plain(void)
{
    static const char *const files[] = {"bom.csv", "quoted.csv"};
    char path[512];
    dfg_freq plain, fr;
    dfg_error err = {0};
    snprintf(path, sizeof path, "%s/nbcap/rcapture_ill.csv", DFG_DATA_DIR);
    CHECK_CODE(dfg_freq_read_csv(path, &plain, &err), DFG_OK);
    CHECK(dfg_freq_csv_has_header(path) == 1);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/nbcap/%s", DFG_TEST_DATA_DIR, files[i]);
        CHECK(dfg_freq_csv_has_header(path) == 1);
        CHECK_CODE(dfg_freq_read_csv(path, &fr, &err), DFG_OK);
        CHECK(fr.max_f == plain.max_f && fr.n == plain.n);
        for (size_t f = 1; f <= fr.max_f && f <= plain.max_f; f++)
            CHECK(fr.f[f] == plain.f[f]);
        dfg_freq_free(&fr);
    }
    dfg_freq_free(&plain);
    snprintf(path, sizeof path, "%s/netherlands_6.csv", DFG_DATA_DIR);
    CHECK(dfg_freq_csv_has_header(path) == 0);
    CHECK(dfg_freq_csv_has_header("/nonexistent/nbcap.csv") == 0);
}

/* One rcapture_closedp_bc_Mt N: Chapman's estimate of lists 1 and 2 (the estimator's
 * default pair) on that oracle table. */
static void chapman_row(const oracle_row *row, const dfg_table *t, void *ctx)
{
    (void)ctx;
    dfg_est_opts o = dfg_est_opts_default();
    o.want_ci = 0;
    dfg_estimate e;
    dfg_error err = {0};
    CHECK_CODE(dfg_estimator_find("chapman")->estimate(t, 0, &o, &e, &err), DFG_OK);
    CHECK_REL_MSG(e.nhat, row->value, 1e-12, "oracle table %03d", row->table);
}

static void chapman_matches_closedp_bc(void)
{
    CHECK(dfg_estimator_find("chapman") != NULL);
    CHECK(oracle_each_table("rcapture_closedp_bc_Mt", "N", chapman_row, NULL) == 14);
}

/* A fit run off to infinity is not an estimate (fuzzing found Mh Poisson2 returning DFG_OK
 * with N = inf on f1 = 1e11, f31 = 1, nobody caught twice): every method gives a finite
 * N >= n with DFG_OK, or a status of its own (tests/fuzz/regressions/freq). */
static void infinite_estimates_are_not_ok(void)
{
    static const char data[] = "nbcap,count\n31,1\n1,100000800020\n";
    dfg_freq fr;
    dfg_error err = {0};
    if (!CHECK(dfg_freq_read_buffer("fuzz.csv", data, sizeof data - 1, &fr, &err) == DFG_OK))
        return;
    fr.t = fr.max_f;
    for (int m = 0; m < DFG_FREQ_N_METHODS; m++) {
        dfg_freq_result res;
        dfg_status rc = dfg_freq_estimate(&fr, (dfg_freq_method)m, NULL, &res, &err);
        CHECK_MSG(rc != DFG_OK || (isfinite(res.nhat) && res.nhat >= fr.n), "method %d", m);
    }
    dfg_freq_result g;
    CHECK_CODE(dfg_freq_estimate(&fr, DFG_FREQ_MH_POISSON2, NULL, &g, &err), DFG_ENOMLE);
    dfg_freq_free(&fr);
}

int main(void)
{
    RUN(netherlands_chao_and_zelterman);
    RUN(hare_closedp0_equals_closedp);
    RUN(nbcap_files_read_and_bad_ones_fail);
    RUN(nbcap_bom_and_quoted_read_as_plain);
    RUN(chapman_matches_closedp_bc);
    RUN(infinite_estimates_are_not_ok);
    CHECK_DONE();
}
