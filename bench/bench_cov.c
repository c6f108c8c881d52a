/* bench/bench_cov.c: models over lists and covariates on a table the size of the Dutch
 * design (not a test).
 *
 * Data: tests/data/cov/wodc_like_6lists_5cov.csv (6 lists; origin 2 x year 4 x age 2 x
 * sex 2 x expl 3 = 96 strata, 6,144 cells; 3,585 people). Cases:
 *  - fit: the model [*:origin,*:year,*:age,*:sex,*:expl,@] (every list with every
 *    covariate, the covariates fully crossed: 150 parameters), CPU time of one fit (R's
 *    glm: about 0.3 s);
 *  - step: the stepwise search of mse::model_search (three phases, 52 steps), wall time
 *    with 1 and 2 threads (R: 212 CPU-seconds);
 *  - list searches with covariate terms fixed (dfg_search_run_cov, `search --fixed`):
 *    Chan's stepwise with [P:age,K:age] and with [*:expl], downhill with
 *    [*:origin,*:year,*:age,*:sex,*:expl] (each list with each covariate), process CPU;
 *  - boot: 1,000 parametric replicates of the fit with percentile intervals for the total
 *    and the 13 level totals, wall time with 1 and 2 threads, without and with BCa (one
 *    jackknife fit per nonempty cell).
 *  - search boot: 1,000 nonparametric replicates of `search --fixed [P:age,K:age]
 *    --method stepwise --bootstrap 1000`, the list search repeated in every replicate
 *    (dfg_cboot_run with opts.search), percentile intervals of the 14 totals, wall and CPU
 *    with 1 and 2 threads.
 * Wall time and CPU time of the process (on a loaded machine the CPU time is the figure
 * that means something; with 2 threads the wall time is the one the threads should cut).
 * Each figure is the median of `repeats` runs (default 5; the search and the bootstrap 3).
 * Lines "@speed key median min max unit" for bench/speed.sh.
 * Usage: bench_cov [repeats] SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "bench_clock.h"
#include "darkfig.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *key, const char *what, double *t, int n, const char *unit)
{
    qsort(t, (size_t)n, sizeof *t, cmp);
    printf("%-44s median %9.4f  min %9.4f  max %9.4f %s\n", what, t[n / 2], t[0], t[n - 1], unit);
    printf("@speed %s %.6g %.6g %.6g %s\n", key, t[n / 2], t[0], t[n - 1], unit);
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 5;
    if (repeats < 1 || repeats > 99)
        repeats = 5;
    char path[512];
    snprintf(path, sizeof path, "%s/cov/wodc_like_6lists_5cov.csv", DFG_TEST_DATA_DIR);
    dfg_csv_opts co = dfg_csv_opts_default();
    co.lists = "P,K,I,R,O,Z";
    dfg_table *t = NULL;
    dfg_ctable *ct = NULL;
    dfg_error err = {0};
    if (dfg_table_read_csv(path, &co, &t, &err) != DFG_OK ||
        dfg_ctable_new(t, 0, &ct, &err) != DFG_OK) {
        fprintf(stderr, "bench_cov: %s: %s\n", err.where, err.msg);
        return 1;
    }
    dfg_cmodel m = {0};
    if (dfg_cmodel_parse("[*:origin,*:year,*:age,*:sex,*:expl,@]", ct, &m, &err) != DFG_OK)
        return 1;
    printf("wodc_like: %zu cells, %zu strata, %.0f people; model of %zu parameters\n",
           dfg_ctable_n_cells(ct), dfg_ctable_n_strata(ct), dfg_ctable_n_obs(ct),
           dfg_cmodel_n_params(&m, ct));
    double tm[99];
    dfg_cfit f;
    for (int r = 0; r < repeats; r++) {
        double t0 = bench_thread_cpu();
        dfg_cfit_model(ct, &m, NULL, &f, &err);
        tm[r] = 1e3 * (bench_thread_cpu() - t0);
        if (r + 1 < repeats)
            dfg_cfit_free(&f);
    }
    printf("  fit: N %.1f (s.e. %.1f), %d iterations\n", f.nhat, f.se_nhat, f.iter);
    report("cov_fit_150", "one fit, 150 parameters (CPU)", tm, repeats, "ms");
    f.check = DFG_CHECK_FINE;
    int rs = repeats < 3 ? repeats : 3;
    for (int th = 1; th <= 2; th++) {
        dfg_cstep_opts so = dfg_cstep_opts_default();
        so.threads = th;
        double tc[99];
        for (int r = 0; r < rs; r++) {
            dfg_cstep_result sr;
            double t0 = bench_wall(), c0 = bench_process_cpu();
            dfg_cstep_run(ct, &so, &sr, &err);
            tm[r] = bench_wall() - t0;
            tc[r] = bench_process_cpu() - c0;
            if (r == 0 && th == 1)
                printf("  step: %zu steps\n", sr.n_steps);
            dfg_cstep_result_free(&sr);
        }
        char key[64], what[96];
        snprintf(key, sizeof key, "cov_step_t%d", th);
        snprintf(what, sizeof what, "stepwise search, %d thread%s (wall)", th, th > 1 ? "s" : "");
        report(key, what, tm, rs, "s");
        snprintf(key, sizeof key, "cov_step_t%d_cpu", th);
        snprintf(what, sizeof what, "stepwise search, %d thread%s (CPU)", th, th > 1 ? "s" : "");
        report(key, what, tc, rs, "s");
    }
    {
        static const struct {
            const char *key, *what, *fixed;
            dfg_search_method m;
        } ls[] = {
            {"cov_list_step_pk_age", "list stepwise, fixed [P:age,K:age] (CPU)", "[P:age,K:age]",
             DFG_SEARCH_STEPWISE},
            {"cov_list_step_expl", "list stepwise, fixed [*:expl] (CPU)", "[*:expl]",
             DFG_SEARCH_STEPWISE},
            {"cov_list_downhill_all", "list downhill, fixed [*:each covariate] (CPU)",
             "[*:origin,*:year,*:age,*:sex,*:expl]", DFG_SEARCH_DOWNHILL},
        };
        for (size_t i = 0; i < sizeof ls / sizeof ls[0]; i++) {
            dfg_cmodel fx = {0};
            if (dfg_cmodel_parse(ls[i].fixed, ct, &fx, &err) != DFG_OK)
                return 1;
            dfg_search_opts so = dfg_search_opts_default();
            so.method = ls[i].m;
            for (int r = 0; r < repeats; r++) {
                dfg_search_result sr;
                double c0 = bench_process_cpu();
                if (dfg_search_run_cov(ct, &fx, &so, &sr, &err) != DFG_OK) {
                    fprintf(stderr, "bench_cov: %s\n", err.msg);
                    return 1;
                }
                tm[r] = bench_process_cpu() - c0;
                if (r == 0)
                    printf("  %s: %zu models, N %.1f\n", ls[i].fixed, sr.n_models, sr.rows[0].nhat);
                dfg_search_result_free(&sr);
            }
            report(ls[i].key, ls[i].what, tm, repeats, "s");
            dfg_cmodel_free(&fx);
        }
    }
    {
        /* the list search repeated in every nonparametric replicate */
        dfg_cmodel fx = {0}, cm = {0};
        dfg_search_opts so = dfg_search_opts_default();
        so.method = DFG_SEARCH_STEPWISE;
        dfg_search_result sr;
        dfg_cfit cf;
        if (dfg_cmodel_parse("[P:age,K:age]", ct, &fx, &err) != DFG_OK ||
            dfg_search_run_cov(ct, &fx, &so, &sr, &err) != DFG_OK)
            return 1;
        dfg_status rc = dfg_search_cov_model(ct, &fx, &sr.rows[0].model, &cm, &err);
        dfg_search_result_free(&sr);
        if (rc != DFG_OK || dfg_cfit_checked(ct, &cm, NULL, &cf, &err) != DFG_OK)
            return 1;
        for (int th = 1; th <= 2; th++) {
            dfg_cboot_opts bo = dfg_cboot_opts_default();
            bo.type = DFG_BOOT_NONPARAMETRIC;
            bo.select = 1;
            bo.search = &so;
            bo.search_fixed = &fx;
            bo.bca = 0;
            bo.threads = th;
            double tc[99];
            for (int r = 0; r < rs; r++) {
                dfg_cboot_result br;
                double t0 = bench_wall(), c0 = bench_process_cpu();
                dfg_cboot_run(ct, &cm, &cf, NULL, 0, &bo, &br, &err);
                tm[r] = bench_wall() - t0;
                tc[r] = bench_process_cpu() - c0;
                if (r == 0 && th == 1)
                    printf("  search boot: total %.1f, percentile [%.1f, %.1f], %zu models, "
                           "%zu failed\n",
                           br.rows[0].point, br.rows[0].perc_lo, br.rows[0].perc_hi, br.n_models,
                           br.n_failed);
                dfg_cboot_result_free(&br);
            }
            char key[64], what[96];
            snprintf(key, sizeof key, "cov_search_boot1000_t%d", th);
            snprintf(what, sizeof what,
                     "1000 replicates, stepwise search repeated, %d thread%s "
                     "(wall)",
                     th, th > 1 ? "s" : "");
            report(key, what, tm, rs, "s");
            snprintf(key, sizeof key, "cov_search_boot1000_t%d_cpu", th);
            snprintf(what, sizeof what,
                     "1000 replicates, stepwise search repeated, %d thread%s "
                     "(CPU)",
                     th, th > 1 ? "s" : "");
            report(key, what, tc, rs, "s");
        }
        dfg_cfit_free(&cf);
        dfg_cmodel_free(&cm);
        dfg_cmodel_free(&fx);
    }
    for (int bca = 0; bca <= 1; bca++)
        for (int th = 1; th <= 2; th++) {
            dfg_cboot_opts bo = dfg_cboot_opts_default();
            bo.threads = th;
            bo.bca = bca;
            double tc[99];
            for (int r = 0; r < rs; r++) {
                dfg_cboot_result br;
                double t0 = bench_wall(), c0 = bench_process_cpu();
                dfg_cboot_run(ct, &m, &f, NULL, 0, &bo, &br, &err);
                tm[r] = bench_wall() - t0;
                tc[r] = bench_process_cpu() - c0;
                if (r == 0 && th == 1 && bca == 0)
                    printf("  boot: total %.1f, percentile [%.1f, %.1f], %zu rows\n",
                           br.rows[0].point, br.rows[0].perc_lo, br.rows[0].perc_hi, br.n_rows);
                dfg_cboot_result_free(&br);
            }
            char key[64], what[96];
            snprintf(key, sizeof key, "cov_boot1000_%s_t%d", bca ? "bca" : "perc", th);
            snprintf(what, sizeof what, "1000 parametric replicates%s, %d thread%s (wall)",
                     bca ? " + BCa" : "", th, th > 1 ? "s" : "");
            report(key, what, tm, rs, "s");
            snprintf(key, sizeof key, "cov_boot1000_%s_t%d_cpu", bca ? "bca" : "perc", th);
            snprintf(what, sizeof what, "1000 parametric replicates%s, %d thread%s (CPU)",
                     bca ? " + BCa" : "", th, th > 1 ? "s" : "");
            report(key, what, tc, rs, "s");
        }
    dfg_cfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_ctable_free(ct);
    dfg_table_free(t);
    return 0;
}
