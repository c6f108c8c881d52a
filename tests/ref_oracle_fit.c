/* tests/ref_oracle_fit.c: log-linear fits on the 160 oracle tables against Rcapture.
 *
 * Source: tests/data/oracle/oracle_results.csv (README.md there): Rcapture 1.4-4 under
 * R 4.2.2, closedpCI.t(X, dfreq = TRUE, mX = ~ .) (method rcapture_closedpCI_Mt) and
 * closedpCI.t(X, dfreq = TRUE, mX = "[12,3,4]") (rcapture_closedpCI_hier); N, se,
 * deviance, df, AIC, BIC, infoFit; se_eps14 = the same call with glm epsilon 1e-14.
 * Compared: every block whose rows all have status "ok" and infoFit 0 (Rcapture keeps
 * empty-overlap cells, so plain dfg_loglin_fit, no boundary treatment).
 * Tolerances (README "Caveats"): N 1e-6 relative (reproducible where infoFit is 0);
 * se 1e-3 relative against the default fit (glm's vcov lags one iterate) or 1e-5 against
 * se_eps14 (fully converged); deviance, AIC, BIC 1e-4 absolute; df exact.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TABLES 241

typedef struct {
    int present;
    char model[128];
    int all_ok;    /* the default fit's rows have status "ok" */
    int bias_only; /* ... or only "the asymptotic bias is large" */
    double n, n14, se, se14, dev, df, aic, bic, info_fit;
} block;

static block blocks[MAX_TABLES][2]; /* [table][0 = Mt, 1 = hier] */

/* Split one line of oracle_results.csv: fields separated by ',', "..." quoted (no
 * embedded quotes in this file). Returns the number of fields. */
static int split(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        if (*p == '"') {
            f[n++] = ++p;
            while (*p && *p != '"')
                p++;
            if (*p)
                *p++ = '\0';
        } else {
            f[n++] = p;
            while (*p && *p != ',' && *p != '\n' && *p != '\r')
                p++;
        }
        if (*p == ',') {
            *p++ = '\0';
            continue;
        }
        *p = '\0';
        break;
    }
    return n;
}

static int load_results(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/oracle/oracle_results.csv", DFG_TEST_DATA_DIR);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "cannot open %s\n", path);
        return 0;
    }
    char line[4096];
    if (!fgets(line, sizeof line, fp)) {
        fclose(fp);
        return 0;
    }
    while (fgets(line, sizeof line, fp)) {
        char *f[8];
        if (split(line, f, 8) != 8)
            continue;
        int tab = atoi(f[0]);
        int which = strcmp(f[3], "rcapture_closedpCI_Mt") == 0     ? 0
                    : strcmp(f[3], "rcapture_closedpCI_hier") == 0 ? 1
                                                                   : -1;
        if (which < 0 || tab < 1 || tab >= MAX_TABLES)
            continue;
        block *b = &blocks[tab][which];
        if (!b->present) {
            b->present = 1;
            b->all_ok = 1;
            b->bias_only = 1;
            snprintf(b->model, sizeof b->model, "%s", f[4]);
            b->n = b->n14 = b->se = b->se14 = b->dev = b->df = b->aic = b->bic = b->info_fit = NAN;
        }
        const char *q = f[5];
        double v = strcmp(f[6], "NA") == 0 ? (double)NAN : strtod(f[6], NULL);
        /* the status of the fit's rows (not of the interval's: N_multinomial, lower95,
         * upper95, infoCI) */
        int other_row = strcmp(q, "N_multinomial") == 0 || strcmp(q, "lower95") == 0 ||
                        strcmp(q, "upper95") == 0 || strcmp(q, "infoCI") == 0 ||
                        strstr(q, "_eps14") != NULL;
        int ok = strcmp(f[7], "ok") == 0;
        if (!other_row && !ok)
            b->all_ok = 0;
        /* "the asymptotic bias is large" is Rcapture's remark on a converged fit */
        if (!other_row && !ok && strcmp(f[7], "warning: the asymptotic bias is large") != 0)
            b->bias_only = 0;
        if (strcmp(q, "se_eps14") == 0 && !ok && strstr(f[7], "did not converge"))
            v = NAN; /* glm did not reach epsilon 1e-14 */
        if (strcmp(q, "N") == 0)
            b->n = v;
        else if (strcmp(q, "se") == 0)
            b->se = v;
        else if (strcmp(q, "N_eps14") == 0)
            b->n14 = v;
        else if (strcmp(q, "se_eps14") == 0)
            b->se14 = v;
        else if (strcmp(q, "deviance") == 0)
            b->dev = v;
        else if (strcmp(q, "df") == 0)
            b->df = v;
        else if (strcmp(q, "AIC") == 0)
            b->aic = v;
        else if (strcmp(q, "BIC") == 0)
            b->bic = v;
        else if (strcmp(q, "infoFit") == 0)
            b->info_fit = v;
    }
    fclose(fp);
    return 1;
}

/* oracle_NNN.csv: L1..Lk,count; a tiny reader that, unlike the library's, accepts a list
 * no one is on (Rcapture does). */
static dfg_table *load_table(int tab)
{
    char path[512];
    snprintf(path, sizeof path, "%s/oracle/oracle_%03d.csv", DFG_TEST_DATA_DIR, tab);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    char line[1024];
    dfg_table *t = NULL;
    if (fgets(line, sizeof line, fp)) {
        size_t k = 0;
        for (char *p = line; *p; p++)
            k += *p == ',';
        char names[DFG_MAX_LISTS][8];
        const char *np[DFG_MAX_LISTS];
        for (size_t j = 0; j < k && j < DFG_MAX_LISTS; j++) {
            snprintf(names[j], sizeof names[j], "L%zu", j + 1);
            np[j] = names[j];
        }
        dfg_error err = {0};
        t = dfg_table_new(k, np, 0, NULL, &err);
        while (t && fgets(line, sizeof line, fp)) {
            char *f[DFG_MAX_LISTS + 1];
            if (split(line, f, (int)k + 1) != (int)k + 1)
                continue;
            uint32_t pat = 0;
            for (size_t j = 0; j < k; j++)
                if (f[j][0] == '1')
                    pat |= (uint32_t)1 << j;
            if (dfg_table_add(t, 0, pat, strtod(f[k], NULL), &err) != DFG_OK) {
                dfg_table_free(t);
                t = NULL;
            }
        }
    }
    fclose(fp);
    return t;
}

/* Fit block b of table tab and compare; 1 when every check passed. */
static int compare(const block *b, int tab, int which, int *se_default, int *se_eps14)
{
    dfg_table *t = load_table(tab);
    CHECK(t != NULL);
    if (!t)
        return 0;
    dfg_model m = {0};
    dfg_fit f;
    dfg_error err = {0};
    int before = check_failed_;
    CHECK_CODE(dfg_model_parse(which ? b->model : "", t, &m, &err), DFG_OK);
    dfg_status rc = dfg_loglin_fit(t, 0, &m, NULL, &f, &err);
    CHECK_CODE(rc, DFG_OK);
    CHECK_REL(f.nhat, b->n, 1e-6);
    /* se: to 1e-3 of the default fit, or 1e-5 of the fully converged one */
    double rd = fabs(f.se_nhat - b->se) / b->se, r14 = fabs(f.se_nhat - b->se14) / b->se14;
    CHECK(rd <= 1e-3 || r14 <= 1e-5);
    *se_default += rd <= 1e-3;
    *se_eps14 += r14 <= 1e-5;
    CHECK_ABS(f.deviance, b->dev, 1e-4);
    CHECK_ABS(f.df, b->df, 0.0);
    CHECK_ABS(f.aic, b->aic, 1e-4);
    CHECK_ABS(f.bic, b->bic, 1e-4);
    int pass = check_failed_ == before;
    if (!pass)
        fprintf(stderr,
                "  table %03d %s %s: N %.10g (R %.10g) se %.8g (R %.8g, eps14 %.8g) dev %.8g "
                "(R %.8g) df %g (R %g)\n",
                tab, which ? "hier" : "Mt", which ? b->model : "", f.nhat, b->n, f.se_nhat, b->se,
                b->se14, f.deviance, b->dev, f.df, b->df);
    dfg_fit_free(&f);
    dfg_model_free(&m);
    dfg_table_free(t);
    return pass;
}

int main(void)
{
    CHECK(load_results());
    /* [which][0]: status ok and infoFit 0; [which][1]: infoFit 1 for "the asymptotic bias
     * is large" only (a converged fit Rcapture remarks on) */
    int compared[2][2] = {{0}}, passed[2][2] = {{0}}, skipped[2] = {0, 0};
    int se_default[2][2] = {{0}}, se_eps14[2][2] = {{0}};
    for (int tab = 1; tab < MAX_TABLES; tab++) {
        for (int which = 0; which < 2; which++) {
            const block *b = &blocks[tab][which];
            if (!b->present)
                continue;
            int g = -1;
            if (b->all_ok && b->info_fit == 0.0)
                g = 0;
            /* group 1 only where R reproduces its own N at epsilon 1e-14 (1e-6): elsewhere
             * the MLE of N is infinite and N is wherever glm stopped (table 134 [13,23]:
             * lists 1 and 2 never overlap; N 1.2e9, at 1e-14 1.6e15) */
            else if (b->bias_only && b->info_fit == 1.0 && fabs(b->n14 - b->n) <= 1e-6 * b->n)
                g = 1;
            if (g < 0) {
                skipped[which]++;
                continue;
            }
            compared[which][g]++;
            passed[which][g] += compare(b, tab, which, &se_default[which][g], &se_eps14[which][g]);
        }
    }
    for (int which = 0; which < 2; which++)
        for (int g = 0; g < 2; g++)
            printf("%-4s %s: %d compared, %d passed; se within 1e-3 of the default fit %d, "
                   "within 1e-5 of eps14 %d\n",
                   which ? "hier" : "Mt", g ? "infoFit 1 (bias remark only)" : "ok, infoFit 0",
                   compared[which][g], passed[which][g], se_default[which][g], se_eps14[which][g]);
    printf("skipped (other warnings, notes, or N not reproduced by R at 1e-14): Mt %d, hier %d\n",
           skipped[0], skipped[1]);
    /* the README counts 151 Mt and 122 hier calls with status ok */
    CHECK(compared[0][0] >= 140 && compared[1][0] >= 110);
    CHECK_DONE();
}
