/* bench/bench_boot.c: wall time of bootstrap runs that repeat the model search.
 *
 *   bench_boot [stepwise|exhaustive] [B] [threads]
 *
 * stepwise (default): 1000 nonparametric BCa replicates of the stepwise selection
 *   (Chan, Silverman & Vincent 2021, threshold 0.02) on netherlands_6, one thread.
 *   Target <= 0.5 s; R (MultipleSystemsEstimation 1.2.0) takes about 260 s
 *   (0.26 s a replicate).
 * exhaustive: 1000 replicates each repeating the exhaustive BIC search over hierarchical
 *   models of order <= 3 on uk2013_5, two threads. Target <= 60 s; R: hours.
 * Prints the seconds, the interval, and the ratio to the R figure; "@speed" and "@mem"
 * lines (seconds scaled to 1000 replicates; ru_maxrss in KiB) for bench/speed.sh.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "bench_clock.h"
#include "darkfig.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *mode = argc > 1 ? argv[1] : "stepwise";
    int exhaustive = strcmp(mode, "exhaustive") == 0;
    if (!exhaustive && strcmp(mode, "stepwise") != 0) {
        fprintf(stderr, "usage: bench_boot [stepwise|exhaustive] [B] [threads]\n");
        return 2;
    }
    size_t B = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 1000;
    int threads = argc > 3 ? atoi(argv[3]) : (exhaustive ? 2 : 1);
    const char *file = exhaustive ? "uk2013_5.csv" : "netherlands_6.csv";
    double target = exhaustive ? 60.0 : 0.5;
    double r_seconds = exhaustive ? 3600.0 : 260.0; /* R: "hours" taken as 1 h, a floor */

    const dfg_estimator *est = dfg_estimator_find(exhaustive ? "exhaustive" : "stepwise");
    if (!est) {
        fprintf(stderr, "bench_boot: no \"%s\" estimator in this build\n", mode);
        return 0;
    }
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DFG_DATA_DIR, file);
    dfg_csv_opts co = dfg_csv_opts_default();
    dfg_table *t = NULL;
    dfg_error err = {0};
    if (dfg_table_read_csv(path, &co, &t, &err) != DFG_OK) {
        fprintf(stderr, "bench_boot: %s: %s\n", err.where, err.msg);
        return 3;
    }
    dfg_est_opts eo = dfg_est_opts_default();
    eo.method = exhaustive ? "exhaustive" : "stepwise";
    if (exhaustive) {
        eo.criterion = "bic";
        eo.max_order = 3;
    } else {
        eo.threshold = 0.02;
    }
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = B;
    bo.threads = threads;
    bo.seed = 1;
    bo.type = DFG_BOOT_NONPARAMETRIC;
    bo.interval = DFG_CI_BCA;
    dfg_boot_result r;
    double t0 = bench_wall();
    dfg_status rc = dfg_boot_run(est, t, 0, &eo, &bo, &r, &err);
    double sec = bench_wall() - t0;
    if (rc != DFG_OK) {
        fprintf(stderr, "bench_boot: %s: %s (%s)\n", err.where, err.msg, dfg_strerror(rc));
        dfg_table_free(t);
        return 1;
    }
    printf("bench_boot %s %s: B = %zu, %d thread(s), seed %u: %.3f s (%.2f ms a replicate)\n", mode,
           file, B, threads, (unsigned)bo.seed, sec, 1e3 * sec / (double)B);
    printf("  N %.1f [%s], BCa 95%% (%.1f, %.1f), percentile (%.1f, %.1f), failed %.3f, "
           "boundary %.3f, %zu models\n",
           r.nhat, r.model, r.ci.lower, r.ci.upper, r.percentile.lower, r.percentile.upper,
           r.share_failed, r.share_boundary, r.n_models);
    double scale = (double)B / 1000.0;
    printf("  target %.1f s: %s; R %.0f s for 1000: %.0fx faster\n", target * scale,
           sec <= target * scale ? "met" : "MISSED", r_seconds, r_seconds * scale / sec);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("@speed boot_%s_t%d %.6g %.6g %.6g s/1000 replicates\n@mem boot_%s_t%d %ld\n", mode,
           threads, sec / scale, sec / scale, sec / scale, mode, threads, ru.ru_maxrss);
    dfg_boot_result_free(&r);
    dfg_table_free(t);
    return 0;
}
