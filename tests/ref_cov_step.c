/* tests/ref_cov_step.c: the stepwise search over lists and covariates against the paths
 * that Cruyff's R package mse 1.0 prints (model_search; R 4.2.2), copied from the shared
 * data README into this file:
 *  - cruyff_simdat.csv: model_search(simdat, lists = c("R1","R2","R3","R4")), 34 steps;
 *  - wodc_like_6lists_5cov.csv: model_search(d, lists = c("P","K","I","R","O","Z")), 52.
 * Checked: the same term added or dropped at every step, in the same order; N to the
 * printed 0.1 (|difference| <= 0.05 + rounding slack 0.01) wherever the MLE exists; AIC,
 * AICc, BIC as printed (round(x, 1) - min, so within 0.11: the minimum and the value are
 * each rounded). Steps whose MLE does not exist are flagged and carry no N: on
 * cruyff_simdat steps 30-33 (R prints N of 1e9 to 1e14, diverged fits) and also step 34:
 * its facial set leaves 768 of the 1,440 observable cells at 0 and the unobserved cells
 * are not estimable from the rest (R prints 1456.9, where its 25 iterations stopped; the
 * iterations go on to 1456.70 and then the information matrix is singular).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "darkfig.h"
#include "oracle.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    int step;
    const char *term;
    double aic, aicc, bic, nhat;
} step_ref;

static const step_ref cruyff[] = {
    {1, "", 1838.8, 1828.3, 1604.0, 5972.9},       {2, "+ X1:X4", 1225.8, 1215.4, 1000.9, 5972.9},
    {3, "+ R3:X2", 974.4, 964.0, 754.4, 5972.9},   {4, "+ X1:Y", 767.5, 757.4, 562.4, 5972.9},
    {5, "+ R1:Y", 663.3, 653.4, 473.0, 5972.9},    {6, "+ X2:X4", 587.5, 577.8, 407.1, 5975.9},
    {7, "+ X1:X2", 457.9, 448.3, 282.4, 5840.6},   {8, "+ R1:X2", 406.3, 396.8, 235.8, 4877.3},
    {9, "+ X4:Y", 334.8, 326.0, 194.0, 4877.3},    {10, "+ X2:X3", 291.4, 282.7, 155.6, 4877.3},
    {11, "+ X3:X4", 253.7, 245.3, 127.8, 4877.3},  {12, "+ X3:Y", 214.0, 206.1, 102.9, 4877.3},
    {13, "+ R2:R4", 187.5, 179.7, 81.4, 5784.2},   {14, "+ X1:X3", 164.0, 156.3, 62.8, 5784.2},
    {15, "+ R4:X4", 140.2, 133.0, 48.9, 5734.3},   {16, "+ R4:X3", 123.9, 116.8, 37.5, 5650.6},
    {17, "+ R2:Y", 100.0, 93.5, 28.5, 5767.5},     {18, "+ R2:X2", 88.3, 81.9, 21.7, 6120.8},
    {19, "+ R1:X4", 72.1, 66.1, 15.4, 6248.3},     {20, "+ R1:X1", 59.5, 53.7, 7.8, 6292.2},
    {21, "+ X2:Y", 39.9, 34.8, 3.0, 6333.2},       {22, "+ R1:R4", 31.9, 27.0, 0.0, 8659.6},
    {23, "+ R3:X4", 25.7, 21.3, 3.7, 9786.2},      {24, "+ R3:X1", 21.1, 16.9, 4.0, 10531.5},
    {25, "+ R4:X1", 14.7, 10.7, 2.6, 12395.9},     {26, "+ R2:X3", 11.4, 7.7, 4.2, 13424.3},
    {27, "+ R3:R4", 8.8, 5.4, 6.6, 12124.6},       {28, "+ R3:Y", 8.5, 5.8, 21.1, 11435.5},
    {29, "+ R4:Y", 5.0, 3.1, 32.4, 12342.4},       {30, "+ R2:X4", 5.4, 4.1, 42.8, 5271348172.0},
    {31, "+ R2:X1", 4.4, 3.4, 46.8, 4147926060.3}, {32, "+ R1:R3", 5.2, 4.6, 52.5, 3452401450.8},
    {33, "+ R1:R2", 2.6, 2.2, 54.8, 1811220242.9}, {34, "+ R2:R3", 0.0, 0.0, 57.2, 1456.9},
};

static const step_ref wodc[] = {
    {1, "", 1470.6, 1466.8, 1250.3, 5127.0},        {2, "+ K:year", 1184.3, 1180.5, 982.5, 5127.0},
    {3, "+ O:origin", 912.8, 909.0, 717.2, 5127.0}, {4, "+ O:age", 730.3, 726.5, 540.9, 5127.0},
    {5, "+ K:sex", 606.6, 602.9, 423.4, 5127.0},    {6, "+ Z:origin", 521.8, 518.0, 344.7, 5092.2},
    {7, "+ Z:expl", 444.8, 441.2, 280.1, 5092.2},   {8, "+ I:age", 374.6, 371.0, 216.1, 5061.2},
    {9, "+ R:age", 293.1, 289.5, 140.8, 5045.1},    {10, "+ Z:age", 221.8, 218.2, 75.7, 5059.5},
    {11, "+ R:expl", 168.1, 164.6, 34.4, 5050.9},   {12, "+ I:sex", 143.2, 139.8, 15.7, 5070.6},
    {13, "+ I:expl", 121.0, 117.6, 5.8, 5073.2},    {14, "+ R:sex", 111.5, 108.1, 2.5, 5053.3},
    {15, "+ I:year", 90.5, 87.2, 0.0, 5050.4},      {16, "+ R:year", 75.5, 72.4, 3.6, 5028.3},
    {17, "+ O:year", 62.9, 59.9, 9.5, 5000.9},      {18, "+ K:age", 57.2, 54.2, 10.0, 4985.9},
    {19, "+ origin:age", 52.2, 49.3, 11.2, 4984.1}, {20, "+ O:expl", 47.9, 45.1, 19.2, 4988.9},
    {21, "+ K:expl", 39.8, 37.1, 23.6, 5005.4},     {22, "+ K:origin", 36.0, 33.3, 25.9, 5022.9},
    {23, "+ K:O", 29.2, 26.6, 25.3, 4912.5},        {24, "+ Z:year", 26.5, 24.1, 41.2, 4910.8},
    {25, "+ P:R", 23.9, 21.6, 44.8, 4931.4},        {26, "+ P:O", 21.1, 18.9, 48.2, 4964.0},
    {27, "+ P:Z", 18.3, 16.2, 51.6, 4982.9},        {28, "+ K:Z", 15.8, 13.6, 55.2, 5034.7},
    {29, "+ year:sex", 13.3, 11.4, 71.3, 5034.7},   {30, "+ P:sex", 11.9, 10.0, 76.0, 5042.9},
    {31, "+ I:R", 10.6, 8.8, 81.0, 5078.4},         {32, "+ R:O", 9.4, 7.7, 85.9, 5144.0},
    {33, "+ R:origin", 7.6, 6.0, 90.4, 5145.0},     {34, "+ year:expl", 6.9, 5.7, 126.7, 5144.4},
    {35, "+ P:age", 6.1, 5.0, 132.1, 5148.8},       {36, "+ origin:sex", 5.4, 4.4, 137.6, 5146.1},
    {37, "+ P:expl", 5.0, 4.2, 149.6, 5151.9},      {38, "+ sex:expl", 4.6, 3.9, 161.5, 5154.0},
    {39, "+ Z:sex", 4.2, 3.6, 167.3, 5150.8},       {40, "+ P:K", 4.0, 3.5, 173.3, 5183.1},
    {41, "+ P:year", 2.8, 2.6, 190.7, 5181.5},      {42, "- K:O", 2.6, 2.3, 184.2, 5262.1},
    {43, "+ K:R", 1.6, 1.4, 189.4, 5323.7},         {44, "+ O:Z", 1.0, 0.9, 195.0, 5365.3},
    {45, "+ K:I", 0.4, 0.3, 200.6, 5434.1},         {46, "+ R:Z", 0.0, 0.0, 206.4, 5473.2},
    {47, "+ origin:expl", 0.2, 0.4, 218.9, 5476.5}, {48, "+ O:sex", 0.4, 0.8, 225.3, 5451.2},
    {49, "+ age:expl", 1.8, 2.4, 239.1, 5453.0},    {50, "+ P:I", 2.3, 3.0, 245.9, 5471.3},
    {51, "+ I:origin", 3.1, 3.9, 252.8, 5456.7},    {52, "+ I:O", 3.5, 4.4, 259.4, 5512.5},
};

static void run(const char *file, const char *lists, const step_ref *ref, size_t n_ref,
                int first_nomle, int last_nomle, int threads)
{
    char rel[256];
    snprintf(rel, sizeof rel, "cov/%s", file);
    dfg_table *t = oracle_test_table(rel, lists);
    CHECK(t != NULL);
    dfg_error err = {0};
    dfg_ctable *ct = NULL;
    CHECK_CODE(dfg_ctable_new(t, 0, &ct, &err), DFG_OK);
    dfg_cstep_opts o = dfg_cstep_opts_default();
    o.threads = threads;
    dfg_cstep_result r;
    CHECK_CODE(dfg_cstep_run(ct, &o, &r, &err), DFG_OK);
    CHECK(r.n_steps == n_ref);
    for (size_t i = 0; i < r.n_steps && i < n_ref; i++) {
        const dfg_cstep_row *s = &r.steps[i];
        char term[160];
        snprintf(term, sizeof term, "%s%s",
                 s->change > 0   ? "+ "
                 : s->change < 0 ? "- "
                                 : "",
                 s->term);
        if (strcmp(term, ref[i].term) != 0) {
            fprintf(stderr, "%s step %zu: %s, want %s\n", file, i + 1, term, ref[i].term);
            CHECK(0);
        }
        CHECK_ABS(s->d_aic, ref[i].aic, 0.11);
        CHECK_ABS(s->d_aicc, ref[i].aicc, 0.11);
        CHECK_ABS(s->d_bic, ref[i].bic, 0.11);
        int nomle = s->step >= first_nomle && s->step <= last_nomle;
        CHECK((s->check == DFG_CHECK_NOMLE) == nomle);
        if (nomle)
            CHECK(s->nhat != s->nhat); /* NaN: never reported as an estimate */
        else
            CHECK_ABS(s->nhat, ref[i].nhat, 0.06);
    }
    dfg_cstep_result_free(&r);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

int main(void)
{
    gsl_set_error_handler_off();
    run("cruyff_simdat.csv", "R1,R2,R3,R4", cruyff, sizeof cruyff / sizeof *cruyff, 30, 34, 1);
    run("wodc_like_6lists_5cov.csv", "P,K,I,R,O,Z", wodc, sizeof wodc / sizeof *wodc, 0, -1, 2);
    CHECK_DONE();
}
