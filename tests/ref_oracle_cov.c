/* tests/ref_oracle_cov.c: models over lists and covariates against R's glm.
 *
 * tests/data/cov/oracle-cov/ (a copy of the shared oracle-cov set, see
 * tests/data/cov/README.md): 30 simulated tables and, for three models each, R 4.2.2
 * glm(Freq ~ ..., family = poisson) on the full table (every pattern x covariate
 * combination, zeros included, the unobserved pattern left out, covariates as factors):
 * N, s.e. (var = sum of fitted unobserved cells + g'Vg), deviance, df, AIC, BIC
 * (p log n, n = people observed) and n, N, s.e. per covariate level.
 * Tolerances: N and per-level N 1e-6 relative (glm stops at a relative deviance change
 * of 1e-8, so its N differs from the converged MLE by far less); s.e. 1e-4 relative (R's
 * vcov uses the weights of the iterate before the last, our covariance the converged
 * ones: up to ~3e-5 relative on the list-only oracle); deviance, AIC, BIC 1e-6 relative.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "darkfig.h"
#include "oracle.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXROW 4096

typedef struct {
    int table;
    char model[512];
    char quantity[32];
    char level[128];
    char value[256];
} row;

static row rows[MAXROW];
static size_t n_rows;

/* split one line of the results CSV (fields possibly quoted, no embedded quotes) */
static int split(char *line, char **f, int nf)
{
    int i = 0;
    char *p = line;
    while (i < nf) {
        if (*p == '"') {
            p++;
            f[i++] = p;
            while (*p && *p != '"')
                p++;
            if (*p)
                *p++ = '\0';
        } else {
            f[i++] = p;
            while (*p && *p != ',' && *p != '\n' && *p != '\r')
                p++;
        }
        if (*p == ',') {
            *p++ = '\0';
        } else {
            *p = '\0';
            break;
        }
    }
    return i;
}

static int load(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[2048];
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return 0;
    }
    while (fgets(line, sizeof line, f) && n_rows < MAXROW) {
        char *fl[5];
        if (split(line, fl, 5) != 5)
            continue;
        row *r = &rows[n_rows++];
        r->table = atoi(fl[0]);
        snprintf(r->model, sizeof r->model, "%s", fl[1]);
        snprintf(r->quantity, sizeof r->quantity, "%s", fl[2]);
        snprintf(r->level, sizeof r->level, "%s", fl[3]);
        snprintf(r->value, sizeof r->value, "%s", fl[4]);
    }
    fclose(f);
    return 1;
}

static const char *get(int table, const char *model, const char *q, const char *level)
{
    for (size_t i = 0; i < n_rows; i++)
        if (rows[i].table == table && strcmp(rows[i].model, model) == 0 &&
            strcmp(rows[i].quantity, q) == 0 && strcmp(rows[i].level, level) == 0)
            return rows[i].value;
    return NULL;
}

static double getd(int table, const char *model, const char *q, const char *level)
{
    const char *v = get(table, model, q, level);
    return v ? atof(v) : (double)NAN;
}

static void check_table(int table, int *n_models)
{
    static const char *names[] = {"P", "K", "I", "R", "O", "Z"};
    int k = atoi(get(table, "", "k", "") ? get(table, "", "k", "") : "0");
    CHECK(k >= 2 && k <= 6);
    if (k < 2 || k > 6)
        return;
    char lists[64] = "";
    for (int j = 0; j < k; j++) {
        strcat(lists, names[j]);
        if (j + 1 < k)
            strcat(lists, ",");
    }
    char rel[256];
    snprintf(rel, sizeof rel, "cov/oracle-cov/cov_%03d.csv", table);
    dfg_table *t = oracle_test_table(rel, lists);
    if (!CHECK(t != NULL))
        return;
    dfg_error err = {0};
    dfg_ctable *ct = NULL;
    CHECK_CODE(dfg_ctable_new(t, 0, &ct, &err), DFG_OK);
    CHECK_REL(dfg_ctable_n_obs(ct), getd(table, "", "n", ""), 0.0);
    /* the models of this table, in file order */
    const char *seen[8];
    int ns = 0;
    for (size_t i = 0; i < n_rows && ct; i++) {
        if (rows[i].table != table || strcmp(rows[i].quantity, "formula") != 0)
            continue;
        const char *model = rows[i].model;
        int dup = 0;
        for (int s = 0; s < ns; s++)
            dup |= strcmp(seen[s], model) == 0;
        if (dup || ns == 8)
            continue;
        seen[ns++] = model;
        dfg_cmodel m = {0};
        dfg_error e2 = {0};
        CHECK_CODE(dfg_cmodel_parse(model, ct, &m, &e2), DFG_OK);
        dfg_cfit fit;
        dfg_status rc = dfg_cfit_checked(ct, &m, NULL, &fit, &e2);
        CHECK_CODE(rc, DFG_OK);
        if (rc != DFG_OK)
            fprintf(stderr, "table %d %s: %s\n", table, model, e2.msg);
        CHECK(fit.check == DFG_CHECK_FINE);
        CHECK_REL(fit.nhat, getd(table, model, "N", ""), 1e-6);
        CHECK_REL(fit.se_nhat, getd(table, model, "se", ""), 1e-4);
        CHECK_REL(fit.deviance, getd(table, model, "deviance", ""), 1e-6);
        CHECK_REL(fit.df, getd(table, model, "df", ""), 0.0);
        CHECK_REL(fit.aic, getd(table, model, "AIC", ""), 1e-6);
        CHECK_REL(fit.bic, getd(table, model, "BIC", ""), 1e-6);
        dfg_level_total *lt = NULL;
        size_t nl = 0;
        CHECK_CODE(dfg_cfit_level_totals(ct, &m, &fit, NULL, 0, 0.95, 0, NULL, &lt, &nl, &e2),
                   DFG_OK);
        size_t matched = 0;
        for (size_t r = 0; r < nl; r++) {
            const char *nv = get(table, model, "N_level", lt[r].label);
            if (!nv)
                continue;
            matched++;
            CHECK_REL(lt[r].n_obs, getd(table, model, "n_level", lt[r].label), 0.0);
            CHECK_REL(lt[r].nhat, atof(nv), 1e-6);
            CHECK_REL(lt[r].se, getd(table, model, "se_level", lt[r].label), 1e-4);
        }
        /* every level R reports is one of ours */
        size_t want = 0;
        for (size_t r = 0; r < n_rows; r++)
            want += rows[r].table == table && strcmp(rows[r].model, model) == 0 &&
                    strcmp(rows[r].quantity, "N_level") == 0;
        CHECK(matched == want && want > 0);
        dfg_free_level_totals(lt);
        dfg_cfit_free(&fit);
        dfg_cmodel_free(&m);
        (*n_models)++;
    }
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

int main(void)
{
    gsl_set_error_handler_off();
    char path[512];
    snprintf(path, sizeof path, "%s/cov/oracle-cov/oracle_cov_results.csv", DFG_TEST_DATA_DIR);
    CHECK(load(path));
    int n_models = 0;
    for (int table = 1; table <= 30; table++)
        check_table(table, &n_models);
    CHECK(n_models == 90);
    CHECK_DONE();
}
