/* bench/bench_em.c: the EM fit with missing covariate values and its bootstrap on the
 * Dutch-sized design (not a test).
 *
 * Data: tests/data/cov/wodc_like_6lists_5cov.csv (6 lists, covariates origin, year, age,
 * sex, expl; 3,585 people; 6,144 cells), with each person's age made missing with
 * probability 0.2 (binomial draws per cell from stream (seed 1, 0): missing completely at
 * random). Model: the BIC-best of mse::model_search's path on the complete table (data
 * README, step 15). Prints the EM fit's time (median of 7 runs, wall and thread CPU), its
 * iterations, then the wall time of B bootstrap replicates (percentile, then BCa with its
 * jackknife) on the threads given, with the CPU seconds of all threads (on a loaded
 * machine, CPU / threads is what the wall time would be on idle cores).
 * Usage: bench_em [B] [threads]. SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "bench_clock.h"
#include "internal.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define REPEATS 7

/* CPU seconds of the process (every thread) */
static double proc_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* the table with age missing for a binomial(count, share) part of every cell */
static dfg_table *with_missing_age(const dfg_table *t, size_t age, double share)
{
    dfg_error err = {0};
    size_t k = dfg_table_k(t), nc = dfg_table_n_cov(t);
    const char *ln[32], *cn[16], *v[16];
    for (size_t j = 0; j < k; j++)
        ln[j] = dfg_table_list_name(t, j);
    for (size_t c = 0; c < nc; c++)
        cn[c] = dfg_table_cov_name(t, c);
    dfg_table *o = dfg_table_new(k, ln, nc, cn, &err);
    gsl_rng *r = dfg_rng_stream(1, 0, &err);
    if (!o || !r)
        return NULL;
    for (size_t s = 0; s < dfg_table_n_strata(t); s++) {
        for (size_t c = 0; c < nc; c++)
            v[c] = dfg_table_stratum_value(t, s, c);
        size_t s_full, s_miss;
        dfg_table_stratum(o, v, &s_full, &err);
        v[age] = "NA";
        dfg_table_stratum(o, v, &s_miss, &err);
        for (size_t i = 0; i < dfg_table_n_patterns(t, s); i++) {
            uint32_t pat;
            double cnt;
            dfg_table_pattern(t, s, i, &pat, &cnt);
            double miss = (double)gsl_ran_binomial(r, share, (unsigned)cnt);
            if (cnt - miss > 0.0)
                dfg_table_add(o, s_full, pat, cnt - miss, &err);
            if (miss > 0.0)
                dfg_table_add(o, s_miss, pat, miss, &err);
        }
    }
    gsl_rng_free(r);
    return o;
}

int main(int argc, char **argv)
{
    size_t B = argc > 1 ? (size_t)atol(argv[1]) : 1000;
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    char path[512];
    snprintf(path, sizeof path, "%s/cov/wodc_like_6lists_5cov.csv", DFG_TEST_DATA_DIR);
    dfg_csv_opts co = dfg_csv_opts_default();
    co.lists = "P,K,I,R,O,Z";
    dfg_table *t0 = NULL;
    dfg_error err = {0};
    if (dfg_table_read_csv(path, &co, &t0, &err) != DFG_OK) {
        fprintf(stderr, "bench_em: %s\n", err.msg);
        return 1;
    }
    size_t age = 0;
    while (age < dfg_table_n_cov(t0) && strcmp(dfg_table_cov_name(t0, age), "age") != 0)
        age++;
    dfg_table *t = with_missing_age(t0, age, 0.2);
    dfg_itable *it = NULL;
    dfg_cmodel m = {0, NULL};
    const char *model = "[K:year,O:origin,O:age,K:sex,Z:origin,Z:expl,I:age,R:age,Z:age,"
                        "R:expl,I:sex,I:expl,R:sex,I:year]";
    if (!t || dfg_itable_new(t, NULL, &it, &err) != DFG_OK ||
        dfg_cmodel_parse(model, dfg_itable_ctable(it), &m, &err) != DFG_OK) {
        fprintf(stderr, "bench_em: %s\n", err.msg);
        return 1;
    }
    printf("data: %.0f people, %.0f with age missing, %zu rows with a missing value, %zu cells, "
           "%zu parameters\n",
           dfg_itable_n_obs(it), dfg_itable_n_incomplete(it), dfg_itable_n_rows(it),
           dfg_ctable_n_cells(dfg_itable_ctable(it)),
           dfg_cmodel_n_params(&m, dfg_itable_ctable(it)));
    double tw[REPEATS], tc[REPEATS];
    dfg_emfit f;
    memset(&f, 0, sizeof f);
    for (int rep = 0; rep < REPEATS; rep++) {
        dfg_emfit_free(&f);
        double w0 = bench_wall(), c0 = bench_thread_cpu();
        dfg_status rc = dfg_em_fit(it, &m, NULL, &f, &err);
        tc[rep] = bench_thread_cpu() - c0;
        tw[rep] = bench_wall() - w0;
        if (rc != DFG_OK) {
            fprintf(stderr, "bench_em: %s\n", err.msg);
            return 1;
        }
    }
    qsort(tw, REPEATS, sizeof *tw, cmp);
    qsort(tc, REPEATS, sizeof *tc, cmp);
    printf("EM fit: N %.1f (s.e. %.1f), %d iterations, last change %.2g: median %.4f s wall, "
           "%.4f s CPU (min %.4f, max %.4f wall)\n",
           f.fit.nhat, f.fit.se_nhat, f.iter, f.change, tw[REPEATS / 2], tc[REPEATS / 2], tw[0],
           tw[REPEATS - 1]);
    printf("@speed em_fit_wodc %.4f %.4f %.4f s\n", tw[REPEATS / 2], tw[0], tw[REPEATS - 1]);
    dfg_ci_type types[2] = {DFG_CI_PERCENTILE, DFG_CI_BCA};
    for (int i = 0; i < 2 && B > 0; i++) {
        dfg_boot_opts bo = dfg_boot_opts_default();
        bo.B = B;
        bo.threads = threads;
        bo.seed = 1;
        bo.interval = types[i];
        dfg_emboot_result res;
        double w0 = bench_wall(), c0 = proc_cpu();
        dfg_status rc = dfg_em_boot(it, &m, NULL, &f, &bo, &res, &err);
        double dt = bench_wall() - w0, dc = proc_cpu() - c0;
        if (rc != DFG_OK) {
            fprintf(stderr, "bench_em: bootstrap: %s\n", err.msg);
            return 1;
        }
        printf("bootstrap %zu replicates, %d threads, %s: %.2f s wall, %.2f s CPU (%zu failed, "
               "%zu jackknife fits); N %s [%.1f, %.1f], s.d. %.1f\n",
               B, threads, dfg_ci_type_name(types[i]), dt, dc, res.n_failed, res.n_jack,
               dfg_ci_type_name(types[i]), res.ci[0].lower, res.ci[0].upper, res.se[0]);
        printf("@speed em_boot_%s_wodc %.3f %.3f %.3f s\n", i ? "bca" : "percentile", dt, dt, dt);
        dfg_emboot_result_free(&res);
    }
    dfg_emfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_itable_free(it);
    dfg_table_free(t);
    dfg_table_free(t0);
    return 0;
}
