/* bench/accuracy_em.c: accuracy of the EM with missing covariate values against dropping
 * the incomplete rows (not a test).
 *
 * Population (each replicate): N = 3000 people; age minor with probability 0.3; origin
 * abroad with probability 0.35 for adults, 0.6 for minors; three lists P, K, I caught
 * independently given the covariates: P with probability 0.35 (adult) / 0.20 (minor), K
 * 0.25 / 0.40, I 0.30 (NL) / 0.15 (abroad). The true model is [P:age,K:age,I:origin,
 * origin:age], the model every method fits. Two kinds of missing age:
 *   mar:    age missing with probability 0.1 for people on P, 0.4 for the others (missing
 *           at random: it depends on the pattern, which is observed);
 *   design: only P records age (missing for everyone not on P; van der Heijden et al.
 *           2012), declared passive for K and I.
 * Methods: em (darkfig's EM on every row); cc (complete cases: the incomplete rows
 * dropped, the same model fitted by dfg_cfit_model); for design also noage (the age column
 * dropped: the model [I:origin] over lists and origin; no per-age totals).
 * Per method and quantity (N, N of minors): relative bias, relative RMSE and the coverage
 * of the 95% log-normal interval (s.e. from the observed information for em), with the
 * truth the replicate's realised count; failures (no fit) counted.
 * Usage: accuracy_em [R] [seed]. SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NPOP 3000

typedef struct {
    double sum, sum2, cover;
    size_t n, fail;
} acc;

static void add(acc *a, double est, double truth, double lo, double hi)
{
    if (!isfinite(est)) {
        a->fail++;
        return;
    }
    double r = (est - truth) / truth;
    a->sum += r;
    a->sum2 += r * r;
    a->cover += lo <= truth && truth <= hi;
    a->n++;
}

static void report(const char *scn, const char *method, const char *q, const acc *a)
{
    if (a->n == 0) {
        printf("| %s | %s | %s | - | - | - | %zu |\n", scn, method, q, a->fail);
        return;
    }
    double n = (double)a->n, bias = a->sum / n, rmse = sqrt(a->sum2 / n);
    double mcse = sqrt((a->sum2 / n - bias * bias) / n);
    printf("| %s | %s | %s | %+.4f (%.4f) | %.4f | %.3f | %zu |\n", scn, method, q, bias, mcse,
           rmse, a->n ? a->cover / n : (double)NAN, a->fail);
}

/* one replicate's table; design = 1: age only on P; keep_age = 0: no age column; cc = 1:
 * the rows with a missing value dropped. *n_minor = realised minors. */
static dfg_table *draw(gsl_rng *r, int design, int keep_age, int cc, double *n_minor)
{
    const char *ln[] = {"P", "K", "I"}, *cn2[] = {"origin", "age"}, *cn1[] = {"origin"};
    dfg_error err = {0};
    dfg_table *t = dfg_table_new(3, ln, keep_age ? 2 : 1, keep_age ? cn2 : cn1, &err);
    *n_minor = 0.0;
    for (int i = 0; i < NPOP; i++) {
        int minor = gsl_rng_uniform(r) < 0.3;
        int abroad = gsl_rng_uniform(r) < (minor ? 0.6 : 0.35);
        int p = gsl_rng_uniform(r) < (minor ? 0.20 : 0.35);
        int k = gsl_rng_uniform(r) < (minor ? 0.40 : 0.25);
        int l = gsl_rng_uniform(r) < (abroad ? 0.15 : 0.30);
        double u = gsl_rng_uniform(r);
        *n_minor += minor;
        uint32_t pat = (uint32_t)(p | k << 1 | l << 2);
        if (!pat)
            continue;
        int miss = design ? !p : u < (p ? 0.1 : 0.4);
        if (cc && miss)
            continue;
        const char *v[2] = {abroad ? "abroad" : "NL", miss ? "NA" : minor ? "minor" : "adult"};
        size_t s;
        dfg_table_stratum(t, v, &s, &err);
        dfg_table_add(t, s, pat, 1.0, &err);
    }
    return t;
}

/* N and the minors' total with their log-normal intervals from a fit over the full table */
static void totals(const dfg_ctable *ct, const dfg_cfit *f, double *out)
{
    dfg_interval ci;
    out[0] = f->nhat;
    dfg_interval_lognormal(f->n_obs, f->nhat, f->se_nhat, 0.95, &ci, NULL);
    out[1] = ci.lower;
    out[2] = ci.upper;
    out[3] = out[4] = out[5] = NAN;
    if (dfg_ctable_n_cov(ct) < 2)
        return;
    dfg_level_total *rows = NULL;
    size_t nr = 0;
    if (dfg_cfit_level_totals(ct, NULL, f, NULL, 0, 0.95, 0, NULL, &rows, &nr, NULL) != DFG_OK)
        return;
    for (size_t i = 0; i < nr; i++)
        if (strcmp(rows[i].label, "age=minor") == 0) {
            out[3] = rows[i].nhat;
            out[4] = rows[i].lognormal.lower;
            out[5] = rows[i].lognormal.upper;
        }
    dfg_free_level_totals(rows);
}

int main(int argc, char **argv)
{
    int R = argc > 1 ? atoi(argv[1]) : 200;
    uint32_t seed = argc > 2 ? (uint32_t)atol(argv[2]) : 1;
    const char *model = "[P:age,K:age,I:origin,origin:age]";
    printf("| missing | method | quantity | relative bias (MCSE) | relative RMSE | coverage 95%% | "
           "failed |\n|---|---|---|---|---|---|---|\n");
    for (int design = 0; design < 2; design++) {
        const char *scn = design ? "design" : "mar";
        acc a[3][2];
        memset(a, 0, sizeof a);
        for (int rep = 0; rep < R; rep++) {
            double nm, nm2, nm3, out[6];
            dfg_error err = {0};
            /* the same population for every method: the same stream */
            gsl_rng *g = dfg_rng_stream(seed, (uint64_t)(2 * rep + design), &err);
            dfg_table *t = draw(g, design, 1, 0, &nm);
            dfg_rng_reset(g, seed, (uint64_t)(2 * rep + design), &err);
            dfg_table *tc = draw(g, design, 1, 1, &nm2);
            dfg_rng_reset(g, seed, (uint64_t)(2 * rep + design), &err);
            dfg_table *tn = draw(g, design, 0, 0, &nm3);
            gsl_rng_free(g);
            /* em */
            dfg_itable *it = NULL;
            dfg_cmodel m = {0, NULL};
            dfg_emfit f;
            memset(&f, 0, sizeof f);
            const char *pas[] = {"age:K", "age:I"};
            dfg_itable_opts io = dfg_itable_opts_default();
            io.passive = design ? pas : NULL;
            io.n_passive = design ? 2 : 0;
            if (dfg_itable_new(t, &io, &it, &err) == DFG_OK &&
                dfg_cmodel_parse(model, dfg_itable_ctable(it), &m, &err) == DFG_OK &&
                dfg_em_fit(it, &m, NULL, &f, &err) == DFG_OK) {
                totals(f.completed, &f.fit, out);
                dfg_level_total *rows = NULL;
                size_t nr = 0;
                out[3] = NAN;
                if (dfg_em_level_totals(it, &f, 0.95, &rows, &nr, NULL) == DFG_OK)
                    for (size_t i = 0; i < nr; i++)
                        if (strcmp(rows[i].label, "age=minor") == 0) {
                            out[3] = rows[i].nhat;
                            out[4] = rows[i].lognormal.lower;
                            out[5] = rows[i].lognormal.upper;
                        }
                dfg_free_level_totals(rows);
            } else {
                out[0] = out[3] = NAN;
            }
            add(&a[0][0], out[0], NPOP, out[1], out[2]);
            add(&a[0][1], out[3], nm, out[4], out[5]);
            dfg_emfit_free(&f);
            dfg_cmodel_free(&m);
            dfg_itable_free(it);
            /* complete cases */
            dfg_ctable *ct = NULL;
            dfg_cfit cf;
            memset(&cf, 0, sizeof cf);
            if (dfg_ctable_new(tc, 0, &ct, &err) == DFG_OK &&
                dfg_cmodel_parse(model, ct, &m, &err) == DFG_OK &&
                dfg_cfit_checked(ct, &m, NULL, &cf, &err) == DFG_OK) {
                totals(ct, &cf, out);
            } else {
                out[0] = out[3] = NAN;
            }
            add(&a[1][0], out[0], NPOP, out[1], out[2]);
            add(&a[1][1], out[3], nm, out[4], out[5]);
            dfg_cfit_free(&cf);
            dfg_cmodel_free(&m);
            dfg_ctable_free(ct);
            ct = NULL;
            /* the age column dropped */
            if (dfg_ctable_new(tn, 0, &ct, &err) == DFG_OK &&
                dfg_cmodel_parse("[I:origin]", ct, &m, &err) == DFG_OK &&
                dfg_cfit_checked(ct, &m, NULL, &cf, &err) == DFG_OK) {
                totals(ct, &cf, out);
            } else {
                out[0] = NAN;
            }
            add(&a[2][0], out[0], NPOP, out[1], out[2]);
            dfg_cfit_free(&cf);
            dfg_cmodel_free(&m);
            dfg_ctable_free(ct);
            dfg_table_free(t);
            dfg_table_free(tc);
            dfg_table_free(tn);
        }
        const char *names[3] = {"em", "cc", "noage"};
        for (int i = 0; i < 3; i++) {
            report(scn, names[i], "N", &a[i][0]);
            if (i < 2)
                report(scn, names[i], "N minors", &a[i][1]);
        }
    }
    return 0;
}
