/* tests/ref_cov_step.c: the stepwise search over lists and covariates against the paths
 * that Cruyff's R package mse 1.0 prints (model_search; R 4.2.2), copied from the shared
 * data README into tests/data/cov/cruyff_simdat_path.csv and wodc_like_path.csv
 * (step,term,aic,aicc,bic,nhat):
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
#include <stdlib.h>
#include <string.h>

typedef struct {
    char term[64];
    double aic, aicc, bic, nhat;
} step_ref;

/* tests/data/cov/PATH: step,term,aic,aicc,bic,nhat (term "" on the first step); the
 * number of steps read (at most cap), 0 when the file cannot be opened. */
static size_t read_path(const char *path_file, step_ref *ref, size_t cap)
{
    char path[512], line[256];
    snprintf(path, sizeof path, "%s/cov/%s", DFG_TEST_DATA_DIR, path_file);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return 0;
    }
    size_t n = 0;
    for (int header = 1; n < cap && fgets(line, sizeof line, f); header = 0) {
        char *term = strchr(line, ','), *num = term ? strchr(term + 1, ',') : NULL;
        if (header || !num)
            continue;
        snprintf(ref[n].term, sizeof ref[n].term, "%.*s", (int)(num - term - 1), term + 1);
        char *end = num;
        ref[n].aic = strtod(end + 1, &end);
        ref[n].aicc = strtod(end + 1, &end);
        ref[n].bic = strtod(end + 1, &end);
        ref[n].nhat = strtod(end + 1, &end);
        n++;
    }
    fclose(f);
    return n;
}

/* The search on tests/data/cov/FILE against the path in tests/data/cov/PATH_FILE (n_want
 * steps). */
static void run(const char *file, const char *lists, const char *path_file, size_t n_want,
                int first_nomle, int last_nomle, int threads)
{
    step_ref ref[64];
    size_t n_ref = read_path(path_file, ref, 64);
    CHECK_MSG(n_ref == n_want, "%s: %zu steps", path_file, n_ref);
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
    run("cruyff_simdat.csv", "R1,R2,R3,R4", "cruyff_simdat_path.csv", 34, 30, 34, 1);
    run("wodc_like_6lists_5cov.csv", "P,K,I,R,O,Z", "wodc_like_path.csv", 52, 0, -1, 2);
    CHECK_DONE();
}
