/* tests/ref_closed.c: the closedp table on the hare and HIV data against Rcapture's output.
 *
 * References (values in /work/shared/data/README.md, copied from Rcapture 1.4-4 output):
 *  - Rcapture `closedp(hare)` (man/hare.Rd; Cormack 1989): M0 75.4 (3.5); Mt 75.1 (3.4); Mh Chao
 *    79.8 (6.4); Mh Poisson2 81.5 (5.7); Mh Darroch 90.4 (11.6); Mh Gamma3.5 100.6 (21.7); Mth
 *    Chao 79.6 (6.3); Mth Poisson2 81.1 (5.6), AIC 146.327, profile 95% [71.8, 93.8]; Mth
 *    Darroch 90.5 (11.7); Mth Gamma3.5 101.6 (22.4); Mb 81.1 (8.3); Mbh 74.2 (14.6).
 *  - Rcapture `closedp(HIV)` (Abeni et al. 1994): M0 11576.7 (946.1); Mt 11124.6 (904.8); Mth
 *    Chao 11701.0; Mth Poisson2 14849.8; Mth Darroch 21327.5; Mb 4045.9; Mbh 2465.1.
 * Tolerance: half a unit of the printed last digit (0.05 for 0.1; 0.0005 for AIC).
 * The Mbh s.e. 14.6 on hare is Rcapture's own formula, reproduced as se_rcapture (see
 * models/closed.c); the row's se is the delta method's.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "darkfig.h"
#include "oracle.h"

#include <string.h>

/* data/NAME and its closed-population table (default options) in *ct; NULL when it
 * cannot be read (a failed check). */
static dfg_table *table_fit(const char *name, dfg_closed_table *ct)
{
    dfg_table *t = oracle_dataset(name);
    dfg_error err = {0};
    CHECK_MSG(t != NULL && dfg_closed_table_fit(t, 0, NULL, ct, &err) == DFG_OK, "%s: %s", name,
              err.msg);
    return t;
}

static void hare_table_matches_rcapture(void)
{
    dfg_closed_table ct;
    dfg_table *t = table_fit("rcapture_hare_6", &ct);
    if (!t)
        return;
    dfg_error err = {0};
    static const double want[DFG_CLOSED_N_MODELS][2] = {
        {75.4, 3.5}, {75.1, 3.4}, {79.8, 6.4},  {81.5, 5.7},   {90.4, 11.6}, {100.6, 21.7},
        {79.6, 6.3}, {81.1, 5.6}, {90.5, 11.7}, {101.6, 22.4}, {81.1, 8.3},  {74.2, 14.6}};
    for (int m = 0; m < DFG_CLOSED_N_MODELS; m++) {
        CHECK_CODE(ct.rows[m].status, DFG_OK);
        CHECK_ABS(ct.rows[m].nhat, want[m][0], 0.05);
        CHECK_ABS(ct.rows[m].se_rcapture, want[m][1], 0.05);
        if (m != DFG_CLOSED_MBH)
            CHECK_ABS(ct.rows[m].se, want[m][1], 0.05);
    }
    CHECK_ABS(ct.rows[DFG_CLOSED_MTH_POISSON2].aic, 146.327, 0.0005);
    /* Rcapture's table marks Mth Poisson2 best by AIC */
    CHECK(ct.best_aic == DFG_CLOSED_MTH_POISSON2);
    /* the profile interval of Mth Poisson2 */
    dfg_closed_opts o = dfg_closed_opts_default();
    o.ci_type = DFG_CI_PROFILE;
    dfg_closed_row row;
    CHECK_CODE(dfg_closed_fit(t, 0, DFG_CLOSED_MTH_POISSON2, &o, &row, &err), DFG_OK);
    CHECK(row.ci.type == DFG_CI_PROFILE);
    CHECK_ABS(row.ci.lower, 71.8, 0.05);
    CHECK_ABS(row.ci.upper, 93.8, 0.05);
    dfg_table_free(t);
}

static void hiv_table_matches_rcapture(void)
{
    dfg_closed_table ct;
    dfg_table *t = table_fit("rcapture_hiv_4", &ct);
    if (!t)
        return;
    CHECK_ABS(ct.rows[DFG_CLOSED_M0].nhat, 11576.7, 0.05);
    CHECK_ABS(ct.rows[DFG_CLOSED_M0].se, 946.1, 0.05);
    CHECK_ABS(ct.rows[DFG_CLOSED_MT].nhat, 11124.6, 0.05);
    CHECK_ABS(ct.rows[DFG_CLOSED_MT].se, 904.8, 0.05);
    CHECK_ABS(ct.rows[DFG_CLOSED_MTH_CHAO].nhat, 11701.0, 0.05);
    CHECK_ABS(ct.rows[DFG_CLOSED_MTH_POISSON2].nhat, 14849.8, 0.05);
    CHECK_ABS(ct.rows[DFG_CLOSED_MTH_DARROCH].nhat, 21327.5, 0.05);
    CHECK_ABS(ct.rows[DFG_CLOSED_MB].nhat, 4045.9, 0.05);
    CHECK_ABS(ct.rows[DFG_CLOSED_MBH].nhat, 2465.1, 0.05);
    dfg_table_free(t);
}

static void estimators_run_through_the_interface(void)
{
    dfg_table *t = oracle_dataset("rcapture_hare_6.csv");
    if (!t)
        return;
    const dfg_estimator *e = dfg_estimator_find("Mth-poisson2");
    CHECK(e != NULL);
    if (e) {
        dfg_est_opts o = dfg_est_opts_default();
        o.want_ci = 0;
        dfg_estimate est;
        dfg_error err = {0};
        CHECK_CODE(e->estimate(t, 0, &o, &est, &err), DFG_OK);
        CHECK_ABS(est.nhat, 81.1, 0.05);
        CHECK_ABS(est.aic, 146.327, 0.0005);
    }
    dfg_table_free(t);
}

static void guards_give_clear_statuses(void)
{
    /* two occasions: the heterogeneity models and Mbh need three */
    const char *names[2] = {"a", "b"};
    double y[4] = {0, 30, 20, 10};
    dfg_error err = {0};
    dfg_table *t = dfg_table_from_cells(2, names, y, &err);
    CHECK(t != NULL);
    dfg_closed_table ct;
    CHECK_CODE(dfg_closed_table_fit(t, 0, NULL, &ct, &err), DFG_OK);
    CHECK_CODE(ct.rows[DFG_CLOSED_MT].status, DFG_OK);
    CHECK_CODE(ct.rows[DFG_CLOSED_MH_CHAO].status, DFG_EDATA);
    CHECK(ct.rows[DFG_CLOSED_MH_CHAO].flags & DFG_CLOSED_NOT_FITTED);
    CHECK_CODE(ct.rows[DFG_CLOSED_MBH].status, DFG_EDATA);
    /* Mt on two lists is Lincoln-Petersen: 40 * 30 / 10 = 120 */
    CHECK_REL(ct.rows[DFG_CLOSED_MT].nhat, 120.0, 1e-9);
    dfg_table_free(t);
    /* f2 = 0: Chao refused */
    const char *n3[3] = {"a", "b", "c"};
    double y3[8] = {0, 10, 12, 0, 9, 0, 0, 2};
    err = (dfg_error){0};
    t = dfg_table_from_cells(3, n3, y3, &err);
    dfg_closed_row row;
    CHECK_CODE(dfg_closed_fit(t, 0, DFG_CLOSED_MH_CHAO, NULL, &row, &err), DFG_EDATA);
    CHECK(strstr(row.note, "f2 = 0") != NULL);
    CHECK_CODE(dfg_closed_fit(NULL, 0, DFG_CLOSED_M0, NULL, &row, &err), DFG_EINVAL);
    dfg_closed_model m;
    CHECK_CODE(dfg_closed_model_find("Mth-gamma3.5", &m, NULL), DFG_OK);
    CHECK(m == DFG_CLOSED_MTH_GAMMA);
    CHECK_CODE(dfg_closed_model_find("Mx", &m, NULL), DFG_EINVAL);
    dfg_table_free(t);
}

int main(void)
{
    hare_table_matches_rcapture();
    hiv_table_matches_rcapture();
    estimators_run_through_the_interface();
    guards_give_clear_statuses();
    CHECK_DONE();
}
