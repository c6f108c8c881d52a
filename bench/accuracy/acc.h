/* bench/accuracy/acc.h: the accuracy benchmark's engine (replicates, metrics with their
 * Monte-Carlo standard errors, CSV/JSON output, comparison with a baseline), shared by the
 * runner (accuracy.c) and tests/test_accuracy_compare.c. Not part of the library.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DFG_ACC_H
#define DFG_ACC_H

#include "darkfig.h"

#include <stdint.h>
#include <stdio.h>

/* One estimator with its options, as a plan line names it ("stepwise ci=bca"). */
typedef struct {
    char label[96];           /* estimator name plus options, e.g. "stepwise/ci=bca" */
    const dfg_estimator *est; /* called only through est->estimate */
    dfg_est_opts opts;
    int intervals; /* 0: point estimates only (no coverage or width) */
    /* Bootstrap intervals (ci=bca or ci=percentile): boot_ci is DFG_CI_BCA or
     * DFG_CI_PERCENTILE, else DFG_CI_NONE (the estimator's own interval). Each simulated
     * table is then bootstrapped with dfg_boot_run (nonparametric, boot_B replicates,
     * selection repeated in each; one thread per table), both levels from one run. */
    dfg_ci_type boot_ci;
    size_t boot_B; /* boot=B; default ACC_BOOT_B */
} acc_method;

#define ACC_BOOT_B 200

/* One metric of one (scenario, method): the long format of the CSV. */
typedef struct {
    char scenario[64];
    char method[96];
    char metric[16]; /* bias relbias rmse rmse_log cover80 cover95 width80 width95 fail seconds */
    double value;
    double mcse;  /* Monte-Carlo standard error (NaN for seconds) */
    long n;       /* replicates the metric is computed over */
    double truth; /* the scenario's N */
} acc_row;

typedef struct {
    acc_row *rows;
    size_t n, cap;
} acc_rows;

void acc_rows_free(acc_rows *r);

/* Run R replicates (tables dfg_sim_table(sc, seed, r), r = 0 .. R-1) of method m on
 * scenario sc on `threads` threads and append its metrics to out. Returns 0, or -1 with
 * a message in err (simulation or allocation failure; estimator failures are counted). */
int acc_run(const dfg_scenario *sc, const acc_method *m, size_t R, uint32_t seed, int threads,
            acc_rows *out, dfg_error *err);

/* Parse a method from "NAME [key=value ...]" tokens (ci=lognormal|profile|percentile|bca|
 * none, boot=B, model=, method=, criterion=, threshold=, max_order=, list_a=, list_b=).
 * ci=percentile and ci=bca mean the bootstrap of acc_method.boot_ci for any estimator.
 * est is looked up by the caller. Returns 0 or -1 (message in msg). */
int acc_method_option(acc_method *m, const char *kv, char *msg, size_t msg_size);

int acc_write_csv(FILE *f, const acc_rows *r);
int acc_write_json(FILE *f, const acc_rows *r, uint32_t seed, const char *tier);
/* Read a CSV written by acc_write_csv; returns 0 or -1 (message in msg). */
int acc_read_csv(const char *path, acc_rows *out, char *msg, size_t msg_size);

/* Compare new results with a baseline: a metric is a regression when it is worse by
 * more than nse combined standard errors, nse * sqrt(mcse_base^2 + mcse_new^2):
 * larger |bias|, |relbias|, rmse, rmse_log, width, fail; coverage farther from its
 * nominal level. A (scenario, method, metric) of the baseline missing from the new
 * results is a regression too. Each regression is printed on report as
 * "REGRESSION scenario method metric: base -> new (allowed ...)". Returns their count. */
size_t acc_compare(const acc_rows *base, const acc_rows *cur, double nse, FILE *report);

#endif
