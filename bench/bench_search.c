/* bench/bench_search.c: timing of the exhaustive searches (median of repeats, 1 and 2
 * threads): BIC over the 32,768 order-2 models of netherlands_6
 * (MultipleSystemsEstimation 1.2.0: about 95 s), every hierarchical model up to order 3
 * on uk2013_5 (6,212 models; about 12 s), the same with best_only (the estimators' mode),
 * and how far a 7- and 8-list order-2 search gets.
 * Usage: bench_search [repeats [big]]   (data from DFG_DATA_DIR)
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "bench_clock.h"
#include "darkfig.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static dfg_table *load(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, DFG_DATA_DIR "/%s.csv", name);
    dfg_table *t = NULL;
    dfg_error err = {0};
    dfg_csv_opts co = dfg_csv_opts_default();
    if (dfg_table_read_csv(path, &co, &t, &err)) {
        fprintf(stderr, "bench_search: %s: %s\n", err.where, err.msg);
        return NULL;
    }
    return t;
}

/* Time one search; prints the median of `reps` runs. */
static void bench(const dfg_table *t, const char *label, int order, int threads, int reps,
                  int best_only)
{
    double times[64];
    dfg_search_result r;
    memset(&r, 0, sizeof r);
    if (reps > 64)
        reps = 64;
    for (int i = 0; i < reps; i++) {
        dfg_search_opts o = dfg_search_opts_default();
        o.method = DFG_SEARCH_EXHAUSTIVE;
        o.max_order = order;
        o.threads = threads;
        o.top = 5;
        o.best_only = best_only;
        dfg_error err = {0};
        double t0 = bench_wall();
        dfg_status rc = dfg_search_run(t, 0, &o, &r, &err);
        times[i] = bench_wall() - t0;
        if (rc) {
            fprintf(stderr, "%s: %s %s\n", label, err.where, err.msg);
            return;
        }
        if (i + 1 < reps)
            dfg_search_result_free(&r);
    }
    qsort(times, (size_t)reps, sizeof *times, cmp_d);
    char buf[256];
    dfg_model_format(&r.rows[0].model, NULL, buf, sizeof buf);
    printf("%-28s order %d threads %d%s: %zu models (%zu admissible) median %.3f s (min %.3f) "
           "best %s N %.1f\n",
           label, order, threads, best_only ? " best only" : "", r.n_models, r.n_admissible,
           times[reps / 2], times[0], buf, r.rows[0].nhat);
    dfg_search_result_free(&r);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    setvbuf(stdout, NULL, _IOLBF, 0);
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    printf("search benchmark: median of %d repeats\n", reps);
    if (reps < 1)
        reps = 1;
    dfg_table *nl6 = load("netherlands_6"), *uk = load("uk2013_5"), *no8 = load("new_orleans_8");
    if (!nl6 || !uk || !no8)
        return 1;
    for (int th = 1; th <= 2; th++) {
        bench(nl6, "netherlands_6 BIC", 2, th, reps, 0);
        bench(uk, "uk2013_5 BIC", 3, th, reps, 0);
    }
    /* the estimators' mode: models that cannot beat a downhill end point are skipped */
    bench(nl6, "netherlands_6 BIC", 2, 1, reps, 1);
    bench(uk, "uk2013_5 BIC", 3, 1, reps, 1);
    /* growth with lists: order 2 on 7 lists (new_orleans_8 with its last list merged away,
     * 2^21 models); only with the argument "big" (about a minute) */
    if (argc > 2 && strcmp(argv[2], "big") == 0) {
        double *y = malloc(256 * sizeof *y), y7[128];
        dfg_error err = {0};
        if (y && dfg_table_cells(no8, 0, y, &err) == DFG_OK) {
            memset(y7, 0, sizeof y7);
            for (size_t c = 0; c < 256; c++)
                y7[c & 127] += y[c]; /* merge list 8 away: a 7-list table */
            const char *names[7] = {"A", "B", "C", "D", "E", "F", "G"};
            dfg_table *t7 = dfg_table_from_cells(7, names, y7, &err);
            if (t7) {
                bench(t7, "new_orleans_7 BIC", 2, 2, 1, 0);
                dfg_table_free(t7);
            }
        }
        free(y);
        printf("new_orleans_8 order 2: %zu models (> 2^22: refused; use downhill)\n",
               dfg_search_count_models(8, 2, (size_t)1 << 22));
    }
    dfg_table_free(nl6);
    dfg_table_free(uk);
    dfg_table_free(no8);
    return 0;
}
