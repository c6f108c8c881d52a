/* tests/test_mcmc.c: MCMC diagnostics and summaries (core/mcmc.c) against an independent
 * computation. tests/data/mcmc/mcmc_ref.py (numpy/scipy: FFT autocovariances, scipy's
 * average ranks and normal quantiles; Vehtari, Gelman, Simpson, Carpenter & Buerkner 2021)
 * wrote the draws draws_a.csv and draws_b.csv and printed the values copied below:
 *   /usr/bin/python3 tests/data/mcmc/mcmc_ref.py tests/data/mcmc   (numpy 1.24, scipy 1.10)
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MCMC_DIR DFG_TEST_DATA_DIR "/mcmc"

/* Read a CSV of n rows (draws) x C columns (chains) into chain-major x[c * n + i]. */
static size_t read_draws(const char *path, size_t C, double *x, size_t max_n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    double row[8];
    size_t n = 0;
    for (;;) {
        size_t c = 0;
        for (; c < C; c++)
            if (fscanf(f, c ? ",%lf" : "%lf", &row[c]) != 1)
                break;
        if (c < C || n == max_n)
            break;
        for (c = 0; c < C; c++)
            x[c * max_n + n] = row[c];
        n++;
    }
    fclose(f);
    /* compact to x[c * n + i] */
    for (size_t c = 1; c < C; c++)
        memmove(x + c * n, x + c * max_n, n * sizeof *x);
    return n;
}

/* The reference computation and this one differ only in the order of floating-point
 * sums (FFT against direct lags): 1e-9 relative is far above that and far below any
 * difference of method. */
#define TOL 1e-9

/* The draws of file (C chains, n_want draws each) give the diagnostics want (R-hat and
 * ESS to TOL); err: where dfg_mcmc_diagnose reports, or NULL. */
static void diagnose_matches(const char *file, size_t C, size_t n_want, const dfg_mcmc_diag *want,
                             dfg_error *err)
{
    static double x[4 * 128];
    size_t n = read_draws(file, C, x, 128);
    CHECK(n == n_want);
    dfg_mcmc_diag d;
    CHECK_CODE(dfg_mcmc_diagnose(x, C, n, &d, err), DFG_OK);
    CHECK_REL(d.rhat, want->rhat, TOL);
    CHECK_REL(d.rhat_bulk, want->rhat_bulk, TOL);
    CHECK_REL(d.rhat_tail, want->rhat_tail, TOL);
    CHECK_REL(d.ess_bulk, want->ess_bulk, TOL);
    CHECK_REL(d.ess_tail, want->ess_tail, TOL);
}

static void diagnostics_match_the_python_reference_on_integer_draws_with_ties(void)
{
    dfg_error err;
    static const dfg_mcmc_diag want = {.rhat = 1.01597251443091,
                                       .rhat_bulk = 1.00788599638647,
                                       .rhat_tail = 1.01597251443091,
                                       .ess_bulk = 115.38541383055,
                                       .ess_tail = 213.552057932461};
    diagnose_matches(MCMC_DIR "/draws_a.csv", 4, 101, &want, &err);
}

static void diagnostics_match_the_python_reference_on_shifted_chains(void)
{
    static const dfg_mcmc_diag want = {.rhat = 1.04761844991873,
                                       .rhat_bulk = 1.04761844991873,
                                       .rhat_tail = 1.0084099887919,
                                       .ess_bulk = 37.7007497390276,
                                       .ess_tail = 76.9228020652815};
    diagnose_matches(MCMC_DIR "/draws_b.csv", 3, 80, &want, NULL);
}

static void chains_in_different_places_give_a_large_rhat(void)
{
    double x[2 * 50];
    for (size_t i = 0; i < 50; i++) {
        x[i] = (double)(i % 7);
        x[50 + i] = 100.0 + (double)(i % 5);
    }
    dfg_mcmc_diag d;
    CHECK_CODE(dfg_mcmc_diagnose(x, 2, 50, &d, NULL), DFG_OK);
    CHECK(d.rhat > 1.5);
}

static void constant_draws_give_nan_and_bad_input_einval(void)
{
    double x[12] = {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3};
    dfg_mcmc_diag d;
    dfg_error err;
    CHECK_CODE(dfg_mcmc_diagnose(x, 2, 6, &d, NULL), DFG_OK);
    CHECK(isnan(d.rhat) && isnan(d.ess_bulk));
    CHECK_CODE(dfg_mcmc_diagnose(x, 4, 3, &d, &err), DFG_EINVAL);
    CHECK(strstr(err.msg, "4 draws") != NULL);
    x[5] = NAN;
    CHECK_CODE(dfg_mcmc_diagnose(x, 2, 6, &d, NULL), DFG_EINVAL);
}

/* By hand: 1..10; R type 7 quantile at p is x_(1 + 9p); sd = sqrt(82.5 / 9); the
 * shortest interval of round(0.8 x 10) = 8 steps is the first, [1, 9]. */
static void summaries_of_one_to_ten(void)
{
    double x[10] = {7, 3, 10, 1, 5, 2, 9, 4, 8, 6};
    dfg_post_summary s;
    CHECK_CODE(dfg_mcmc_summarise(x, 10, 0.8, &s, NULL), DFG_OK);
    CHECK_REL(s.median, 5.5, 1e-15);
    CHECK_REL(s.mean, 5.5, 1e-15);
    CHECK_REL(s.sd, sqrt(82.5 / 9.0), 1e-15);
    CHECK_REL(s.lower, 1.9, 1e-15);
    CHECK_REL(s.upper, 9.1, 1e-15);
    CHECK(s.hdi_lower == 1.0 && s.hdi_upper == 9.0);
    /* a skewed sample: the HDI sits left of the equal-tailed interval */
    double y[10] = {1, 1.1, 1.2, 1.3, 1.4, 1.5, 2, 4, 8, 16};
    CHECK_CODE(dfg_mcmc_summarise(y, 10, 0.6, &s, NULL), DFG_OK);
    CHECK(s.hdi_lower == 1.0 && s.hdi_upper == 2.0); /* 6 steps: [y_(1), y_(7)] */
    dfg_error err;
    CHECK_CODE(dfg_mcmc_summarise(y, 10, 1.0, &s, &err), DFG_EINVAL);
    CHECK_CODE(dfg_mcmc_summarise(y, 1, 0.9, &s, &err), DFG_EINVAL);
}

int main(void)
{
    gsl_set_error_handler_off();
    diagnostics_match_the_python_reference_on_integer_draws_with_ties();
    diagnostics_match_the_python_reference_on_shifted_chains();
    chains_in_different_places_give_a_large_rhat();
    constant_draws_give_nan_and_bad_input_einval();
    summaries_of_one_to_ten();
    CHECK_DONE();
}
