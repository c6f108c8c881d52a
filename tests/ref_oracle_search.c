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
#include "search_util.h"

#include <gsl/gsl_errno.h>

static int same_model(const dfg_model *m, const char *want)
{
    uint32_t w[128], g[128];
    size_t nw = su_terms_of(m->k, want, w, 128), ng = 0;
    for (size_t i = 0; i < m->n_terms; i++)
        if (m->terms[i] & (m->terms[i] - 1))
            g[ng++] = m->terms[i];
    for (size_t i = 1; i < ng; i++)
        for (size_t j = i; j > 0 && g[j - 1] > g[j]; j--) {
            uint32_t x = g[j];
            g[j] = g[j - 1];
            g[j - 1] = x;
        }
    return nw == ng && memcmp(w, g, nw * sizeof *w) == 0;
}

typedef struct {
    int table, k;
    char model[128];
    double n, deviance, df, aic, bic, n_models;
    int have;
} want;

static void compare(const want *wt, dfg_search_method m, int *n_model_ok, int *n_n_ok)
{
    char path[512];
    snprintf(path, sizeof path, DFG_TEST_DATA_DIR "/oracle/oracle_%03d.csv", wt->table);
    dfg_table *t = su_read(path);
    CHECK(t != NULL);
    if (!t)
        return;
    dfg_search_opts o = dfg_search_opts_default();
    o.method = m;
    dfg_search_result r;
    dfg_error err = {0};
    dfg_status rc = dfg_search_run(t, 0, &o, &r, &err);
    CHECK_CODE(rc, DFG_OK);
    if (rc == DFG_OK) {
        const dfg_search_row *row = &r.rows[0];
        int same = same_model(&row->model, wt->model);
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

int main(void)
{
    gsl_set_error_handler_off();
    FILE *f = fopen(DFG_TEST_DATA_DIR "/oracle/oracle_results.csv", "r");
    CHECK(f != NULL);
    if (!f)
        CHECK_DONE();
    static want sw[241], bic[241];
    su_row row;
    while (su_oracle_next(f, &row)) {
        want *w = NULL;
        if (strcmp(row.method, "mse_stepwise") == 0)
            w = &sw[row.table];
        else if (strcmp(row.method, "mse_bic") == 0)
            w = &bic[row.table];
        if (!w || row.table < 1 || row.table > 240)
            continue;
        if (!w->have) {
            w->have = 1;
            w->table = row.table;
            w->k = row.k;
            snprintf(w->model, sizeof w->model, "%s", row.model);
            w->deviance = w->df = w->aic = w->bic = w->n_models = NAN;
        }
        if (strcmp(row.quantity, "N") == 0)
            w->n = row.value;
        else if (strcmp(row.quantity, "deviance") == 0)
            w->deviance = row.value;
        else if (strcmp(row.quantity, "df") == 0)
            w->df = row.value;
        else if (strcmp(row.quantity, "AIC") == 0)
            w->aic = row.value;
        else if (strcmp(row.quantity, "BIC") == 0)
            w->bic = row.value;
        else if (strcmp(row.quantity, "n_models") == 0)
            w->n_models = row.value;
    }
    fclose(f);
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
