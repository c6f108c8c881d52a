/* tests/test_cov_sweep.c: the allocation-failure sweep (SWEEP_ALLOC, tests/check.h) over the
 * entry points of the models over lists and covariates: the full table, model notation,
 * the checked fit (interior, boundary, no MLE), level totals with profile intervals,
 * stratified fits, the bootstrap (one thread) and the stepwise search.
 * Data: tests/data/cov/oracle-cov/cov_003.csv (3 lists, 2 covariates: 32 cells).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"

#include <gsl/gsl_errno.h>
#include <string.h>

int main(void)
{
    gsl_set_error_handler_off();
    char path[512];
    snprintf(path, sizeof path, "%s/cov/oracle-cov/cov_003.csv", DFG_TEST_DATA_DIR);
    dfg_csv_opts co = dfg_csv_opts_default();
    co.lists = "P,K,I";
    dfg_table *t = NULL;
    dfg_error err = {0};
    CHECK_CODE(dfg_table_read_csv(path, &co, &t, &err), DFG_OK);
    dfg_ctable *ct = NULL;
    SWEEP_ALLOC("ctable_new", dfg_ctable_new(t, 0, &ct, &sweep_err), {
        dfg_ctable_free(ct);
        ct = NULL;
    });
    CHECK_CODE(dfg_ctable_new(t, 0, &ct, &err), DFG_OK);
    dfg_cmodel m = {0};
    SWEEP_ALLOC("cmodel_parse", dfg_cmodel_parse("[*:origin,origin:age]", ct, &m, &sweep_err),
                dfg_cmodel_free(&m));
    CHECK_CODE(dfg_cmodel_parse("[*:origin,origin:age]", ct, &m, &err), DFG_OK);
    dfg_cfit f;
    SWEEP_ALLOC("cfit_checked", dfg_cfit_checked(ct, &m, NULL, &f, &sweep_err), dfg_cfit_free(&f));
    CHECK_CODE(dfg_cfit_checked(ct, &m, NULL, &f, &err), DFG_OK);
    dfg_level_total *r = NULL;
    size_t nr = 0;
    SWEEP_ALLOC("cfit_level_totals",
                dfg_cfit_level_totals(ct, &m, &f, NULL, 0, 0.95, 1, NULL, &r, &nr, &sweep_err), {
                    dfg_free_level_totals(r);
                    r = NULL;
                });
    dfg_strat_result sr;
    SWEEP_ALLOC("cfit_stratified", dfg_cfit_stratified(ct, &m, 0, NULL, 0.95, &sr, &sweep_err),
                dfg_strat_result_free(&sr));
    dfg_cboot_opts bo = dfg_cboot_opts_default();
    bo.B = 20;
    dfg_cboot_result br;
    SWEEP_ALLOC("cboot_run", dfg_cboot_run(ct, &m, &f, NULL, 0, &bo, &br, &sweep_err),
                dfg_cboot_result_free(&br));
    dfg_cstep_opts so = dfg_cstep_opts_default();
    so.phases = 1;
    dfg_cstep_result st;
    SWEEP_ALLOC("cstep_run", dfg_cstep_run(ct, &so, &st, &sweep_err), dfg_cstep_result_free(&st));
    dfg_cfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_ctable_free(ct);
    dfg_table_free(t);
    /* the boundary and no-MLE paths (models/covariates.c) */
    const char *csv = "A,B,C,sex,count\n"
                      "1,0,0,f,30\n0,1,0,f,25\n0,0,1,f,40\n1,0,1,f,6\n0,1,1,f,5\n"
                      "1,0,0,m,20\n0,1,0,m,15\n0,0,1,m,35\n1,0,1,m,4\n0,1,1,m,3\n";
    co.lists = "A,B,C";
    CHECK_CODE(dfg_table_read_csv_buffer("buf", csv, strlen(csv), &co, &t, &err), DFG_OK);
    CHECK_CODE(dfg_ctable_new(t, 0, &ct, &err), DFG_OK);
    CHECK_CODE(dfg_cmodel_parse("[A:B,A:C]", ct, &m, &err), DFG_OK);
    SWEEP_ALLOC("cfit_checked_boundary", dfg_cfit_checked(ct, &m, NULL, &f, &sweep_err),
                dfg_cfit_free(&f));
    dfg_cmodel_free(&m);
    CHECK_CODE(dfg_cmodel_parse("[A:B:sex]", ct, &m, &err), DFG_OK);
    SWEEP_ALLOC("cfit_checked_nomle", dfg_cfit_checked(ct, &m, NULL, &f, &sweep_err),
                dfg_cfit_free(&f));
    dfg_cmodel_free(&m);
    dfg_ctable_free(ct);
    dfg_table_free(t);
    CHECK_DONE();
}
