/* bench/accuracy/cov_accuracy.c: accuracy of the totals per covariate level (not a test).
 *
 * For each scenario with covariates (core/sim.c: `covariate`, `effect`) and each model,
 * R replicate tables are drawn (stream (seed, r)); the model over lists and covariates is
 * fitted (dfg_cfit_checked) and every level total gets its delta-method log-normal and its
 * profile-likelihood interval. The truth of a level is the number of people drawn in it,
 * never-captured ones included. Printed per (scenario, model, row): replicates with an
 * estimate, mean truth, relative bias, relative RMSE, coverage of the two intervals with
 * Monte-Carlo s.e. sqrt(c (1 - c) / R).
 * Usage: darkfig-cov-accuracy R SEED LEVEL FILE.scn MODEL [FILE.scn MODEL ...]
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "darkfig.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 64

typedef struct {
    char label[192];
    size_t n_ok;
    double truth, err, err2, cov_ln, cov_pr, n_pr;
} acc;

static int run(const char *file, const char *model, long R, unsigned long seed, double level)
{
    dfg_scenario *sc = NULL;
    dfg_error err = {0};
    if (dfg_scenario_read(file, &sc, &err) != DFG_OK) {
        fprintf(stderr, "%s: %s\n", err.where, err.msg);
        return 1;
    }
    size_t ns = dfg_scenario_n_strata(sc), nc = dfg_scenario_n_cov(sc);
    double *truth = malloc(ns * sizeof *truth);
    acc a[MAX_ROWS];
    memset(a, 0, sizeof a);
    size_t n_rows = 0;
    long failed = 0;
    for (long r = 0; r < R; r++) {
        dfg_table *t = NULL;
        dfg_ctable *ct = NULL;
        dfg_cmodel m = {0};
        dfg_cfit f;
        memset(&f, 0, sizeof f);
        dfg_level_total *lt = NULL;
        size_t nl = 0;
        dfg_error e = {0};
        int ok = dfg_sim_ctable(sc, (uint32_t)seed, (uint64_t)r, &t, truth, &e) == DFG_OK &&
                 dfg_ctable_new(t, 0, &ct, &e) == DFG_OK &&
                 dfg_cmodel_parse(model, ct, &m, &e) == DFG_OK &&
                 dfg_cfit_checked(ct, &m, NULL, &f, &e) == DFG_OK &&
                 dfg_cfit_level_totals(ct, &m, &f, NULL, 0, level, 1, NULL, &lt, &nl, &e) == DFG_OK;
        if (ok && nl + 1 <= MAX_ROWS) {
            n_rows = nl + 1;
            /* row 0: the total */
            for (size_t i = 0; i <= nl; i++) {
                acc *x = &a[i];
                double tr = 0.0, nhat, lo, hi, plo, phi;
                if (i == 0) {
                    snprintf(x->label, sizeof x->label, "total");
                    for (size_t s = 0; s < ns; s++)
                        tr += truth[s];
                    dfg_interval ln, pr;
                    dfg_interval_lognormal(f.n_obs, f.nhat, f.se_nhat, level, &ln, NULL);
                    dfg_cfit_profile_group(ct, &m, &f, NULL, NULL, level, &pr, NULL);
                    nhat = f.nhat;
                    lo = ln.lower, hi = ln.upper, plo = pr.lower, phi = pr.upper;
                } else {
                    const dfg_level_total *l = &lt[i - 1];
                    snprintf(x->label, sizeof x->label, "%s", l->label);
                    /* truth: the strata whose level (by name) matches "cov=level" */
                    for (size_t s = 0; s < ns; s++) {
                        size_t rest = s;
                        int in = 0;
                        for (size_t c = 0; c < nc; c++) {
                            size_t lv = rest % dfg_scenario_n_levels(sc, c);
                            rest /= dfg_scenario_n_levels(sc, c);
                            char lab[192];
                            snprintf(lab, sizeof lab, "%s=%s", dfg_scenario_cov_name(sc, c),
                                     dfg_scenario_level_name(sc, c, lv));
                            in |= strcmp(lab, l->label) == 0;
                        }
                        if (in)
                            tr += truth[s];
                    }
                    nhat = l->nhat;
                    lo = l->lognormal.lower, hi = l->lognormal.upper;
                    plo = l->profile.lower, phi = l->profile.upper;
                }
                x->n_ok++;
                x->truth += tr;
                x->err += (nhat - tr) / tr;
                x->err2 += (nhat - tr) * (nhat - tr) / (tr * tr);
                x->cov_ln += lo <= tr && tr <= hi;
                if (isfinite(plo) && isfinite(phi)) {
                    x->n_pr++;
                    x->cov_pr += plo <= tr && tr <= phi;
                }
            }
        } else {
            failed++;
        }
        dfg_free_level_totals(lt);
        dfg_cfit_free(&f);
        dfg_cmodel_free(&m);
        dfg_ctable_free(ct);
        dfg_table_free(t);
    }
    for (size_t i = 0; i < n_rows; i++) {
        acc *x = &a[i];
        double n = (double)x->n_ok, cl = x->cov_ln / n,
               cp = x->n_pr > 0 ? x->cov_pr / x->n_pr : (double)NAN;
        printf("%s,\"%s\",%s,%ld,%zu,%ld,%.1f,%.4f,%.4f,%.3f,%.3f,%.3f,%.3f\n",
               dfg_scenario_name(sc), model, x->label, R, x->n_ok, failed, x->truth / n, x->err / n,
               sqrt(x->err2 / n), cl, sqrt(cl * (1.0 - cl) / n), cp,
               sqrt(cp * (1.0 - cp) / x->n_pr));
    }
    free(truth);
    dfg_scenario_free(sc);
    return 0;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 6 || (argc - 4) % 2) {
        fprintf(stderr, "usage: darkfig-cov-accuracy R SEED LEVEL FILE.scn MODEL [...]\n");
        return 2;
    }
    long R = atol(argv[1]);
    unsigned long seed = strtoul(argv[2], NULL, 10);
    double level = atof(argv[3]);
    printf("scenario,model,row,R,n_ok,failed,truth_mean,rel_bias,rel_rmse,cover_lognormal,"
           "mcse_lognormal,cover_profile,mcse_profile\n");
    for (int i = 4; i + 1 < argc; i += 2)
        if (run(argv[i], argv[i + 1], R, seed, level))
            return 1;
    return 0;
}
