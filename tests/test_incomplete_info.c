/* tests/test_incomplete_info.c: the observed information of the EM fit (Louis 1982)
 * against a finite-difference Hessian of the observed-data log-likelihood at the MLE.
 * Louis's formula is the exact negative Hessian, so the two agree to the error of the
 * central differences: truncation ~ step^2 = 1e-6 relative, rounding ~ 1e-16 |LL| / step^2
 * (LL up to 4e6 here) against entries of the order of the counts; measured 2e-6 at worst
 * with step 1e-3 (7e-6 at 3e-4, 3e-4 at 3e-5 where rounding dominates); tolerance 1e-4 on
 * the covariance's diagonal. Data: tests/data/incomplete (the MAR and missing-by-design
 * table cov_014 and New Zealand).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"

#include "../models/incomplete.h"

#include <stdlib.h>
#include <string.h>

static void check_file(const char *file, const char *lists, const char *model)
{
    char path[512];
    snprintf(path, sizeof path, "%s/incomplete/%s", DFG_TEST_DATA_DIR, file);
    dfg_csv_opts co = dfg_csv_opts_default();
    co.lists = lists;
    dfg_table *t = NULL;
    dfg_itable *it = NULL;
    dfg_cmodel m = {0, NULL};
    dfg_emfit f;
    memset(&f, 0, sizeof f);
    dfg_error err = {0};
    if (dfg_table_read_csv(path, &co, &t, &err) != DFG_OK ||
        dfg_itable_new(t, NULL, &it, &err) != DFG_OK ||
        dfg_cmodel_parse(model, dfg_itable_ctable(it), &m, &err) != DFG_OK ||
        dfg_em_fit(it, &m, NULL, &f, &err) != DFG_OK) {
        CHECK_MSG(0, "%s: %s", file, err.msg);
        goto done;
    }
    size_t p = f.fit.p, n = dfg_ctable_n_cells(dfg_itable_ctable(it));
    double *h = malloc(p * p * sizeof *h), *b = malloc(p * sizeof *b), *mu = malloc(n * sizeof *mu);
    const double st = 1e-3;
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j <= i; j++) {
            double v[4];
            for (int s = 0; s < 4; s++) {
                memcpy(b, f.fit.beta, p * sizeof *b);
                b[i] += (s & 1) ? -st : st;
                b[j] += (s & 2) ? -st : st;
                v[s] = dfg_em_obs_loglik(it, f.fit.spec, p, b, mu);
            }
            double d = -(v[0] - v[1] - v[2] + v[3]) / (4.0 * st * st);
            h[i + j * p] = h[j + i * p] = d;
        }
    CHECK(dfg_la_chol(p, h, &err) == DFG_OK && dfg_la_chol_inverse(p, h, &err) == DFG_OK);
    double worst = 0.0;
    for (size_t i = 0; i < p; i++) {
        double r = fabs(h[i + i * p] - f.fit.cov[i + i * p]) / f.fit.cov[i + i * p];
        worst = r > worst ? r : worst;
        CHECK_REL_MSG(f.fit.cov[i + i * p], h[i + i * p], 1e-4, "%s parameter %zu", file, i);
    }
    printf("%s: %zu parameters, worst relative difference of var(beta_j) %.2g\n", file, p, worst);
    free(h);
    free(b);
    free(mu);
done:
    dfg_emfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_itable_free(it);
    dfg_table_free(t);
}

static void louis_is_the_hessian(void)
{
    check_file("cov_014_missing.csv", "P,K,I", "[P:expl,K:year,expl:year,expl:age]");
    check_file("cenzus_newzealand_AC.csv", "A,C", "[A:c,C:a,a:c]");
}

int main(void)
{
    RUN(louis_is_the_hessian);
    CHECK_DONE();
}
