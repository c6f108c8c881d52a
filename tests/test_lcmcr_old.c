/* tests/test_lcmcr_old.c: the faster sampler against the first one. The posterior summaries
 * of N and the mean number of occupied classes, averaged over four short runs of the
 * current sampler, must agree with the first sampler's long runs within Monte Carlo error
 * (figures and how they were made: tests/data/lcmcr/README.md, old_sampler.csv).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"
#include "oracle.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RUNS 4

/* one row of old_sampler.csv */
typedef struct {
    char data[32], run[16], summary[32];
    double runs, mean, sd;
} old_row;

static int old_row_read(const char *line, size_t i, void *ctx)
{
    old_row *r = (old_row *)ctx + i;
    return sscanf(line, "%31[^,],%15[^,],%lf,%31[^,],%lf,%lf", r->data, r->run, &r->runs,
                  r->summary, &r->mean, &r->sd) == 6; /* the header has no numbers */
}

static const old_row *find(const old_row *row, size_t n, const char *data, const char *run,
                           const char *summary)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(row[i].data, data) && !strcmp(row[i].run, run) &&
            !strcmp(row[i].summary, summary))
            return &row[i];
    return NULL;
}

/* The mean of RUNS runs has s.d. sd_short / sqrt(RUNS); the reference, the mean of the
 * long runs, sd_long / sqrt(runs). Tolerance: 4 s.d. of the difference (a false alarm
 * about once in 16,000), at least 1 for the quantiles of N (the draws are integers, a
 * quantile moves by whole people; korea_3's 2.5% quantile is 124 in every run). */
static void compare(const old_row *row, size_t n, const char *data, const char *summary, double got,
                    double step)
{
    const old_row *lg = find(row, n, data, "long", summary);
    const old_row *sh = find(row, n, data, "short", summary);
    if (!CHECK(lg != NULL && sh != NULL))
        return;
    double sd = sqrt(sh->sd * sh->sd / RUNS + lg->sd * lg->sd / lg->runs);
    double tol = fmax(4.0 * sd, step);
    printf("%s %s: %.4f, first sampler %.4f (tolerance %.4f)\n", data, summary, got, lg->mean, tol);
    if (fabs(got - lg->mean) <= tol) {
        check_passed_++;
    } else {
        check_failed_++;
        fprintf(stderr, "%s %s: %.4f, first sampler %.4f (tolerance %.4f)\n", data, summary, got,
                lg->mean, tol);
    }
}

/* RUNS runs of the short configuration (seeds 201 ..), their summaries averaged */
static void agrees(const old_row *row, size_t n, const char *data, size_t thin)
{
    dfg_table *t = oracle_dataset(data);
    if (!CHECK(t != NULL))
        return;
    double med = 0.0, mean = 0.0, lo = 0.0, hi = 0.0, occ = 0.0;
    for (int i = 0; i < RUNS; i++) {
        dfg_lcmcr_opts o = dfg_lcmcr_opts_default();
        o.chains = 4;
        o.burnin = 2000;
        o.samples = 2000;
        o.thin = thin;
        o.seed = 201u + (uint32_t)i;
        o.threads = 2;
        o.rhat_max = INFINITY; /* the summaries of every run, as the reference's */
        o.ess_min = 0.0;
        dfg_lcmcr_result r;
        dfg_error err;
        if (!CHECK(dfg_lcmcr_run(t, 0, &o, &r, &err) == DFG_OK)) {
            dfg_table_free(t);
            return;
        }
        med += r.N.median / RUNS;
        mean += r.N.mean / RUNS;
        lo += r.N.lower / RUNS;
        hi += r.N.upper / RUNS;
        occ += r.occupied.mean / RUNS;
        dfg_lcmcr_result_free(&r);
    }
    compare(row, n, data, "median", med, 1.0);
    compare(row, n, data, "mean", mean, 0.0);
    compare(row, n, data, "q025", lo, 1.0);
    compare(row, n, data, "q975", hi, 1.0);
    compare(row, n, data, "occupied_mean", occ, 0.0);
    dfg_table_free(t);
}

int main(void)
{
    gsl_set_error_handler_off();
    old_row row[64];
    size_t n = oracle_read_rows("lcmcr/old_sampler.csv", 64, old_row_read, row);
    CHECK(n == 20); /* 2 data x 2 runs x 5 summaries */
    agrees(row, n, "korea_3", 5);
    agrees(row, n, "western_us_5", 10);
    CHECK_DONE();
}
