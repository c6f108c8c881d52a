/* bench/bench_fit.c: log-linear fits per second on one core (not a test).
 *
 * Cases: netherlands_6 Mt; netherlands_6 stepwise model [12,16,23,25,34,36,45,46] with
 * its two empty overlaps (12, 25) at -inf as MultipleSystemsEstimation fits it, and the
 * same model without (Rcapture's way: two coefficients drift towards -inf and the
 * iteration converges only linearly); a deterministic 12-list table (Mt and all two-way
 * interactions). Each case: repeats of a timed loop of at least 0.2 s of thread CPU
 * time; the median of 7 is printed. R's glm takes about 1 ms per fit of this size (oracle README
 * timings). Lines "@speed key median min max unit" and "@mem key KiB" are for bench/speed.sh.
 * Usage: bench_fit [data_dir] SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "bench_clock.h"
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define REPEATS 7

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median over REPEATS of fits per second of model m (fixed terms at -inf) on cells y. */
static double bench(const char *label, const char *key, size_t k, const double *y,
                    const dfg_model *m, const uint32_t *fixed, size_t n_fixed)
{
    dfg_loglin_work *lw = dfg_loglin_work_alloc(k, 0);
    dfg_fit f;
    dfg_error err = {0};
    if (!lw)
        return 0.0;
    dfg_status rc = dfg_loglin_fit_cells(lw, k, y, m, fixed, n_fixed, NULL, &f, &err);
    /* calibrate: fits in about 0.2 s */
    long n = 1;
    for (;;) {
        double t0 = bench_thread_cpu();
        for (long i = 0; i < n; i++)
            dfg_loglin_fit_cells(lw, k, y, m, fixed, n_fixed, NULL, &f, &err);
        if (bench_thread_cpu() - t0 > 0.2)
            break;
        n *= 2;
    }
    double rate[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
        double t0 = bench_thread_cpu();
        for (long i = 0; i < n; i++)
            dfg_loglin_fit_cells(lw, k, y, m, fixed, n_fixed, NULL, &f, &err);
        rate[r] = (double)n / (bench_thread_cpu() - t0);
    }
    qsort(rate, REPEATS, sizeof rate[0], cmp_double);
    printf("%-44s p=%-3zu iter=%-3d N=%-12.1f %s  %10.0f fits/s (min %.0f, max %.0f)\n", label, f.p,
           f.iter, f.nhat, rc == DFG_OK ? "ok  " : dfg_strerror(rc), rate[REPEATS / 2], rate[0],
           rate[REPEATS - 1]);
    printf("@speed %s %.6g %.6g %.6g fits/s\n", key, rate[REPEATS / 2], rate[0], rate[REPEATS - 1]);
    dfg_loglin_work_free(lw);
    return rate[REPEATS / 2];
}

/* The public entry (allocates the workspace and the fit's arrays every call). */
static void bench_public(const char *label, const char *key, const dfg_table *t, const dfg_model *m)
{
    dfg_fit f;
    dfg_error err = {0};
    long n = 1;
    for (;;) {
        double t0 = bench_thread_cpu();
        for (long i = 0; i < n; i++) {
            dfg_loglin_fit(t, 0, m, NULL, &f, &err);
            dfg_fit_free(&f);
        }
        if (bench_thread_cpu() - t0 > 0.2)
            break;
        n *= 2;
    }
    double rate[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
        double t0 = bench_thread_cpu();
        for (long i = 0; i < n; i++) {
            dfg_loglin_fit(t, 0, m, NULL, &f, &err);
            dfg_fit_free(&f);
        }
        rate[r] = (double)n / (bench_thread_cpu() - t0);
    }
    qsort(rate, REPEATS, sizeof rate[0], cmp_double);
    printf("%-44s %10.0f fits/s\n", label, rate[REPEATS / 2]);
    printf("@speed %s %.6g %.6g %.6g fits/s\n", key, rate[REPEATS / 2], rate[0], rate[REPEATS - 1]);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : DFG_DATA_DIR;
    char path[1024];
    snprintf(path, sizeof path, "%s/netherlands_6.csv", dir);
    dfg_table *t = NULL;
    dfg_error err = {0};
    if (dfg_table_read_csv(path, NULL, &t, &err) != DFG_OK) {
        fprintf(stderr, "bench_fit: %s: %s\n", err.where, err.msg);
        return 1;
    }
    double y6[64];
    dfg_table_cells(t, 0, y6, &err);
    dfg_model mt = {0}, step = {0};
    dfg_model_independence(6, &mt, &err);
    dfg_model_parse("[12,16,23,25,34,36,45,46]", t, &step, &err);
    uint32_t empty[2] = {0x3, 0x12}; /* lists 1-2 and 2-5 never overlap */

    /* warm-up: let the library's threads (OpenBLAS) settle */
    double t0 = bench_thread_cpu();
    while (bench_thread_cpu() - t0 < 0.5) {
        dfg_fit f;
        dfg_loglin_fit(t, 0, &mt, NULL, &f, &err);
        dfg_fit_free(&f);
    }
    bench("netherlands_6 Mt", "fit_nl6_mt", 6, y6, &mt, NULL, 0);
    bench("netherlands_6 stepwise, 12 25 at -inf", "fit_nl6_step", 6, y6, &step, empty, 2);
    bench("netherlands_6 stepwise, no boundary", "fit_nl6_step_nob", 6, y6, &step, NULL, 0);
    bench_public("netherlands_6 Mt, dfg_loglin_fit (allocating)", "fit_nl6_mt_public", t, &mt);

    /* 12 lists, deterministic: expected counts of a log-linear model with p_j = 0.05 +
     * 0.02 j and interactions 1-2 (+0.8), 3-4 (-0.6), 5-9 (+0.5), N = 200000, rounded */
    enum { K = 12 };
    static double y12[1 << K];
    double lo[K], w = 0.0;
    for (int j = 0; j < K; j++) {
        double p = 0.05 + 0.02 * j;
        lo[j] = log(p / (1.0 - p));
    }
    for (uint32_t c = 0; c < (1u << K); c++) {
        double e = 0.0;
        for (int j = 0; j < K; j++)
            if (c & (1u << j))
                e += lo[j];
        e += ((c & 0x3) == 0x3) * 0.8 - ((c & 0xc) == 0xc) * 0.6 + ((c & 0x110) == 0x110) * 0.5;
        y12[c] = exp(e);
        w += y12[c];
    }
    for (uint32_t c = 0; c < (1u << K); c++)
        y12[c] = floor(200000.0 * y12[c] / w + 0.5);
    y12[0] = 0.0;
    dfg_model m12 = {0}, all2 = {0};
    dfg_model_independence(K, &m12, &err);
    uint32_t pairs[K * (K - 1) / 2];
    size_t np = 0;
    for (int i = 0; i < K; i++)
        for (int j = i + 1; j < K; j++)
            pairs[np++] = (1u << i) | (1u << j);
    dfg_model_from_terms(K, pairs, np, &all2, &err);
    bench("12 lists Mt", "fit_k12_mt", K, y12, &m12, NULL, 0);
    bench("12 lists all two-way", "fit_k12_2way", K, y12, &all2, NULL, 0);

    dfg_model_free(&mt);
    dfg_model_free(&step);
    dfg_model_free(&m12);
    dfg_model_free(&all2);
    dfg_table_free(t);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak memory (ru_maxrss): %ld KiB\n@mem fit %ld\n", ru.ru_maxrss, ru.ru_maxrss);
    return 0;
}
