/* bench/bench_closed.c: time of the full 12-model closedp table with profile intervals.
 *
 * `bench_closed [repeats]` (default 51): for netherlands_6 and rcapture_hare_6, the median
 * wall time of dfg_closed_table_fit with profile-likelihood intervals on every log-linear
 * row (log-normal for Mb, Mbh), and without intervals. Rcapture 1.4-4 takes about 0.04 s
 * for closedp.t and 0.07 s per closedpCI.t call (tests/data/oracle/README.md timings).
 * "@speed"/"@mem" lines (ms; ru_maxrss KiB) are for bench/speed.sh.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "bench_clock.h"
#include "darkfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int run(const char *name, int repeats, dfg_ci_type ci)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DFG_DATA_DIR, name);
    dfg_table *t = NULL;
    dfg_error err = {0};
    if (dfg_table_read_csv(path, NULL, &t, &err) != DFG_OK) {
        fprintf(stderr, "bench_closed: %s: %s\n", err.where, err.msg);
        return 1;
    }
    dfg_closed_opts o = dfg_closed_opts_default();
    o.ci_type = ci;
    double *times = malloc((size_t)repeats * sizeof *times);
    if (!times) {
        dfg_table_free(t);
        return 1;
    }
    dfg_closed_table ct;
    for (int r = 0; r < repeats; r++) {
        double t0 = bench_wall();
        if (dfg_closed_table_fit(t, 0, &o, &ct, &err) != DFG_OK) {
            fprintf(stderr, "bench_closed: %s\n", err.msg);
            free(times);
            dfg_table_free(t);
            return 1;
        }
        times[r] = bench_wall() - t0;
    }
    qsort(times, (size_t)repeats, sizeof *times, cmp);
    printf("%-22s %-8s median %9.3f ms  (min %.3f, max %.3f, %d repeats)\n", name,
           ci == DFG_CI_NONE ? "no CI" : "profile", 1e3 * times[repeats / 2], 1e3 * times[0],
           1e3 * times[repeats - 1], repeats);
    printf("@speed closed_%.*s_%s %.6g %.6g %.6g ms\n", (int)(strchr(name, '.') - name), name,
           ci == DFG_CI_NONE ? "noci" : "profile", 1e3 * times[repeats / 2], 1e3 * times[0],
           1e3 * times[repeats - 1]);
    if (ci != DFG_CI_NONE)
        for (size_t i = 0; i < ct.n_rows; i++) {
            const dfg_closed_row *row = &ct.rows[i];
            printf("  %-14s N %10.1f  se %8.1f  dev %9.3f  df %3.0f  AIC %9.3f  BIC %9.3f  "
                   "info %2d  CI [%.1f, %.1f]%s%s\n",
                   row->name, row->nhat, row->se, row->deviance, row->df, row->aic, row->bic,
                   row->info_fit, row->ci.lower, row->ci.upper,
                   (int)i == ct.best_aic ? " *AIC" : "", (int)i == ct.best_bic ? " *BIC" : "");
        }
    free(times);
    dfg_table_free(t);
    return 0;
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 51;
    if (repeats < 1)
        repeats = 1;
    int rc = 0;
    rc |= run("netherlands_6.csv", repeats, DFG_CI_NONE);
    rc |= run("netherlands_6.csv", repeats, DFG_CI_PROFILE);
    rc |= run("rcapture_hare_6.csv", repeats, DFG_CI_NONE);
    rc |= run("rcapture_hare_6.csv", repeats, DFG_CI_PROFILE);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("@mem closed %ld\n", ru.ru_maxrss);
    return rc;
}
