/* tests/ref_oracle_search.c: stepwise and BIC searches on the oracle tables.
 *
 * Source: tests/data/oracle (README there): MultipleSystemsEstimation 1.2.0,
 *  mse_stepwise: estimate_population_stepwise(z, pthresh = 0.02): model ($MSEfit$hiermod)
 *    and N ($popest), deviance, df, AIC, BIC of $MSEfit$fit;
 *  mse_bic: estimate_population(z, method = "bic"), default max order: model, N, BIC and
 *    n_models (models that passed the existence check and were ranked).
 * Models are compared as sets of terms. Tolerances: N 1e-6 relative (the README: N is
 * reproducible to 1e-6 where R's glm converged; R stops at epsilon 1e-8, we at 1e-10);
 * BIC, AIC and deviance 1e-6 absolute + 1e-8 relative (the same fits); n_models exact.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "darkfig.h"
#include "oracle.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

typedef struct {
    int table, k;
    char model[128];
    double n, deviance, df, aic, bic, n_models;
    int have;
} want;

static void compare(const want *wt, dfg_search_method m, int *n_model_ok, int *n_n_ok)
{
    dfg_table *t = oracle_table(wt->table);
    if (!CHECK(t != NULL))
        return;
    dfg_search_opts o = dfg_search_opts_default();
    o.method = m;
    dfg_search_result r;
    dfg_error err = {0};
    dfg_status rc = dfg_search_run(t, 0, &o, &r, &err);
    CHECK_CODE(rc, DFG_OK);
    if (rc == DFG_OK) {
        const dfg_search_row *row = &r.rows[0];
        int same = oracle_same_model(&row->model, wt->model);
        int nok = fabs(row->nhat - wt->n) <= 1e-6 * fabs(wt->n);
        char buf[256];
        dfg_model_format(&row->model, NULL, buf, sizeof buf);
        if (!same || !nok)
            fprintf(stderr, "oracle %03d %s: got %s N %.10g (crit %.8g), want %s N %.10g\n",
                    wt->table, dfg_search_method_name(m), buf, row->nhat, row->criterion, wt->model,
                    wt->n);
        CHECK(same);
        CHECK_REL(row->nhat, wt->n, 1e-6);
        *n_model_ok += same;
        *n_n_ok += nok;
        double bic = (double)row->p * log(r.n_obs) - 2.0 * row->loglik;
        double aic = 2.0 * (double)row->p - 2.0 * row->loglik;
        if (!isnan(wt->bic))
            CHECK_ABS(bic, wt->bic, 1e-6 + 1e-8 * fabs(wt->bic));
        if (m == DFG_SEARCH_STEPWISE) {
            CHECK_ABS(aic, wt->aic, 1e-6 + 1e-8 * fabs(wt->aic));
            CHECK_ABS(row->deviance, wt->deviance, 1e-6 + 1e-8 * fabs(wt->deviance));
            CHECK_ABS(row->df, wt->df, 0.0);
        } else {
            if ((double)r.n_admissible != wt->n_models)
                fprintf(stderr, "oracle %03d bic: %zu admissible models, want %g\n", wt->table,
                        r.n_admissible, wt->n_models);
            CHECK_ABS((double)r.n_admissible, wt->n_models, 0.0);
        }
        dfg_search_result_free(&r);
    } else {
        fprintf(stderr, "oracle %03d: %s %s\n", wt->table, err.where, err.msg);
    }
    dfg_table_free(t);
}

static const oracle_field want_fields[] = {
    {"N", offsetof(want, n)},     {"deviance", offsetof(want, deviance)},
    {"df", offsetof(want, df)},   {"AIC", offsetof(want, aic)},
    {"BIC", offsetof(want, bic)}, {"n_models", offsetof(want, n_models)}};

/* One row of a method: into ws[table] (ctx = ws, 241 entries). */
static void take_row(const oracle_row *row, void *ctx)
{
    if (row->table < 1 || row->table > 240)
        return;
    want *w = (want *)ctx + row->table;
    if (!w->have) {
        w->have = 1;
        w->table = row->table;
        w->k = row->k;
        snprintf(w->model, sizeof w->model, "%s", row->model);
        w->deviance = w->df = w->aic = w->bic = w->n_models = NAN;
    }
    oracle_store(row, want_fields, sizeof want_fields / sizeof want_fields[0], w);
}

int main(void)
{
    gsl_set_error_handler_off();
    static want sw[241], bic[241];
    CHECK(oracle_each("mse_stepwise", take_row, sw) > 0);
    CHECK(oracle_each("mse_bic", take_row, bic) > 0);
    int nsw = 0, nbic = 0, msw = 0, mbic = 0, nswn = 0, nbicn = 0;
    for (int i = 1; i <= 240; i++) {
        if (sw[i].have) {
            nsw++;
            compare(&sw[i], DFG_SEARCH_STEPWISE, &msw, &nswn);
        }
        if (bic[i].have) {
            nbic++;
            compare(&bic[i], DFG_SEARCH_EXHAUSTIVE, &mbic, &nbicn);
        }
    }
    fprintf(stderr,
            "stepwise: %d tables, %d models and %d N match; bic: %d tables, %d models and "
            "%d N match\n",
            nsw, msw, nswn, nbic, mbic, nbicn);
    /* every table of the README: 146 stepwise, 121 BIC */
    CHECK_CODE(nsw, 146);
    CHECK_CODE(nbic, 121);
    CHECK_DONE();
}
