/* tests/test_incomplete_sweep.c: the allocation-failure sweep (SWEEP_ALLOC, tests/check.h)
 * over the entry points of the EM with missing covariate values: building the table
 * (dfg_itable_new), the EM fit (SQUAREM and plain steps, the identifiability check, the
 * observed information), the profile intervals of its totals, the stepwise search with EM
 * fits and its bootstrap with the BCa jackknife. Each run must return
 * DFG_ENOMEM with an error that says so and nothing left allocated, until the run whose
 * allocations all succeed returns the status of the unarmed call.
 * Data: tests/data/incomplete/cenzus_newzealand_AC.csv (two lists, two covariates missing
 * by design: a fit of a few M-steps).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"

#include <string.h>

static void incomplete_survives_allocation_failure(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/incomplete/cenzus_newzealand_AC.csv", DFG_TEST_DATA_DIR);
    dfg_csv_opts co = dfg_csv_opts_default();
    co.lists = "A,C";
    dfg_table *t = NULL;
    dfg_error err = {0};
    CHECK(dfg_table_read_csv(path, &co, &t, &err) == DFG_OK);
    if (!t)
        return;
    dfg_itable *it = NULL;
    const char *pas[] = {"a:C"};
    dfg_itable_opts io = dfg_itable_opts_default();
    io.passive = pas;
    io.n_passive = 1;
    SWEEP_ALLOC("itable_new", dfg_itable_new(t, &io, &it, &sweep_err), {
        dfg_itable_free(it);
        it = NULL;
    });
    CHECK(dfg_itable_new(t, &io, &it, &err) == DFG_OK);
    dfg_cmodel m = {0, NULL}, bad = {0, NULL};
    CHECK(dfg_cmodel_parse("[A:c,C:a,a:c]", dfg_itable_ctable(it), &m, &err) == DFG_OK);
    CHECK(dfg_cmodel_parse("[A:a,A:c,C:a,a:c]", dfg_itable_ctable(it), &bad, &err) == DFG_OK);
    dfg_emfit f;
    memset(&f, 0, sizeof f);
    SWEEP_ALLOC("em_fit", dfg_em_fit(it, &m, NULL, &f, &sweep_err), dfg_emfit_free(&f));
    dfg_em_opts plain = dfg_em_opts_default();
    plain.accelerate = 0;
    SWEEP_ALLOC("em_fit_plain", dfg_em_fit(it, &m, &plain, &f, &sweep_err), dfg_emfit_free(&f));
    SWEEP_ALLOC("em_fit_not_identifiable", dfg_em_fit(it, &bad, NULL, &f, &sweep_err),
                dfg_emfit_free(&f));
    CHECK(dfg_em_fit(it, &m, NULL, &f, &err) == DFG_OK);
    dfg_level_total *rows = NULL;
    size_t nr = 0;
    SWEEP_ALLOC("em_level_totals", dfg_em_level_totals(it, &f, 0.95, &rows, &nr, &sweep_err), {
        dfg_free_level_totals(rows);
        rows = NULL;
    });
    CHECK(dfg_em_level_totals(it, &f, 0.95, &rows, &nr, &err) == DFG_OK);
    dfg_interval tot;
    SWEEP_ALLOC("em_profiles", dfg_em_profiles(it, &m, &f, NULL, 0.95, &tot, rows, nr, &sweep_err),
                (void)0);
    dfg_free_level_totals(rows);
    dfg_cstep_result sr;
    memset(&sr, 0, sizeof sr);
    SWEEP_ALLOC("em_step_run", dfg_em_step_run(it, NULL, NULL, &sr, &sweep_err),
                dfg_cstep_result_free(&sr));
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = 3;
    dfg_emboot_result br;
    memset(&br, 0, sizeof br);
    SWEEP_ALLOC("em_boot", dfg_em_boot(it, &m, NULL, &f, &bo, &br, &sweep_err),
                dfg_emboot_result_free(&br));
    dfg_emfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_cmodel_free(&bad);
    dfg_itable_free(it);
    dfg_table_free(t);
}

int main(void)
{
    RUN(incomplete_survives_allocation_failure);
    CHECK_DONE();
}
