/* tests/test_lcmcr.c: the latent-class sampler (models/lcmcr.c): bad requests, the same
 * draws on any number of threads, per-stratum runs and their sum, the verdict on chains
 * too short to trust, and the estimator behind the common interface.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"
#include "oracle.h"

#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

static dfg_lcmcr_opts short_opts(void)
{
    dfg_lcmcr_opts o = dfg_lcmcr_opts_default();
    o.chains = 3;
    o.burnin = 300;
    o.samples = 100;
    o.thin = 3;
    o.seed = 7;
    return o;
}

/* Each bad option gives DFG_EINVAL and a message naming it; nothing is allocated. */
static void bad_requests_are_refused_with_a_message(void)
{
    dfg_table *t = oracle_dataset("korea_3");
    if (!CHECK(t != NULL))
        return;
    dfg_lcmcr_opts o;
    dfg_lcmcr_result r;
    dfg_error err;
#define BAD(field, value, word)                                                                    \
    do {                                                                                           \
        o = short_opts();                                                                          \
        o.field = value;                                                                           \
        dfg_error_clear(&err);                                                                     \
        CHECK_CODE(dfg_lcmcr_run(t, 0, &o, &r, &err), DFG_EINVAL);                                 \
        CHECK(strstr(err.msg, word) != NULL);                                                      \
        CHECK(r.draws_N == NULL);                                                                  \
    } while (0)
    BAD(K, 1, "K (classes)");
    BAD(K, 0, "K (classes)");
    BAD(a_alpha, 0.0, "a_alpha");
    BAD(a_alpha, -1.0, "a_alpha");
    BAD(b_alpha, 0.0, "b_alpha");
    BAD(b_alpha, NAN, "b_alpha");
    BAD(samples, 0, "samples");
    BAD(thin, 0, "thin");
    BAD(chains, 0, "chains");
    BAD(threads, 0, "threads");
    BAD(level, 1.0, "level");
#undef BAD
    o = short_opts();
    CHECK_CODE(dfg_lcmcr_run(t, 5, &o, &r, &err), DFG_EINVAL);
    dfg_table_free(t);
    /* no one observed */
    const char *names[] = {"A", "B", "C"};
    dfg_table *e = dfg_table_new(3, names, 0, NULL, NULL);
    CHECK(e && dfg_table_add(e, 0, 3, 0.0, NULL) == DFG_OK);
    dfg_error_clear(&err);
    CHECK_CODE(dfg_lcmcr_run(e, 0, &o, &r, &err), DFG_EDATA);
    CHECK(strstr(err.msg, "no one observed") != NULL);
    dfg_table_free(e);
}

static int same_draws(const dfg_lcmcr_result *a, const dfg_lcmcr_result *b)
{
    size_t S = a->chains * a->samples;
    return S == b->chains * b->samples && a->draws_N && b->draws_N &&
           !memcmp(a->draws_N, b->draws_N, S * sizeof *a->draws_N) &&
           !memcmp(a->draws_alpha, b->draws_alpha, S * sizeof *a->draws_alpha) &&
           !memcmp(a->draws_occupied, b->draws_occupied, S * sizeof *a->draws_occupied);
}

static void draws_do_not_depend_on_the_number_of_threads(void)
{
    dfg_table *t = oracle_dataset("western_us_5");
    if (!CHECK(t != NULL))
        return;
    dfg_lcmcr_opts o = short_opts();
    dfg_lcmcr_result r1, r3, r9;
    o.threads = 1;
    dfg_status a = dfg_lcmcr_run(t, 0, &o, &r1, NULL);
    o.threads = 3;
    dfg_status b = dfg_lcmcr_run(t, 0, &o, &r3, NULL);
    o.threads = 9;
    dfg_status c = dfg_lcmcr_run(t, 0, &o, &r9, NULL);
    CHECK(a == b && b == c);
    CHECK(same_draws(&r1, &r3));
    CHECK(same_draws(&r1, &r9));
    /* another seed gives other draws; every draw is at least n */
    o.seed = 8;
    dfg_lcmcr_result r2;
    dfg_lcmcr_run(t, 0, &o, &r2, NULL);
    CHECK(!same_draws(&r1, &r2));
    int ge_n = 1;
    for (size_t i = 0; i < o.chains * o.samples; i++)
        ge_n &= r1.draws_N[i] >= r1.n_obs && r1.draws_occupied[i] >= 1.0 &&
                r1.draws_occupied[i] <= (double)o.K && r1.draws_alpha[i] > 0.0;
    CHECK(ge_n);
    CHECK(r1.N.lower <= r1.N.median && r1.N.median <= r1.N.upper);
    CHECK(r1.N.hdi_lower <= r1.N.hdi_upper);
    CHECK_REL(r1.dark.median, r1.N.median - r1.n_obs, 1e-15);
    CHECK(r1.seed == 7 && r1.chains == 3 && r1.samples == 100 && r1.K == 10);
    /* the trace file: a header and one row per draw, chain 2 draw 1 = draws_N[100] */
    char path[] = "test_lcmcr_draws.csv";
    CHECK_CODE(dfg_lcmcr_write_draws(&r1, path, NULL), DFG_OK);
    FILE *f = fopen(path, "r");
    char line[256];
    size_t rows = 0;
    int found = 0;
    while (f && fgets(line, sizeof line, f)) {
        rows++;
        unsigned ch, dr;
        double n, al, o2;
        if (sscanf(line, "%u,%u,%lf,%lf,%lf", &ch, &dr, &n, &al, &o2) == 5 && ch == 2 && dr == 1)
            found = n == r1.draws_N[100] && al == r1.draws_alpha[100];
    }
    if (f)
        fclose(f);
    remove(path);
    CHECK(rows == 301 && found);
    CHECK_CODE(dfg_lcmcr_write_draws(&r1, "/nonexistent-dir/x.csv", NULL), DFG_EIO);
    dfg_lcmcr_result_free(&r1);
    dfg_lcmcr_result_free(&r2);
    dfg_lcmcr_result_free(&r3);
    dfg_lcmcr_result_free(&r9);
    dfg_table_free(t);
}

/* Two strata: korea_3's counts and the same doubled. per[s] is dfg_lcmcr_run on stratum
 * s (same streams), and the total is their sum draw by draw. */
static void strata_run_apart_and_their_totals_add_up(void)
{
    dfg_table *k = oracle_dataset("korea_3");
    if (!CHECK(k != NULL))
        return;
    const char *names[] = {"b", "c", "d"}, *cov[] = {"year"};
    dfg_table *t = dfg_table_new(3, names, 1, cov, NULL);
    const char *v0[] = {"2001"}, *v1[] = {"2002"};
    size_t s0, s1;
    CHECK(t && !dfg_table_stratum(t, v0, &s0, NULL) && !dfg_table_stratum(t, v1, &s1, NULL));
    for (size_t i = 0; i < dfg_table_n_patterns(k, 0); i++) {
        uint32_t x;
        double c;
        dfg_table_pattern(k, 0, i, &x, &c);
        dfg_table_add(t, s0, x, c, NULL);
        dfg_table_add(t, s1, x, 2.0 * c, NULL);
    }
    dfg_lcmcr_opts o = short_opts();
    o.threads = 2;
    dfg_lcmcr_result per[2], tot, one;
    dfg_status rc = dfg_lcmcr_run_strata(t, &o, per, &tot, NULL);
    CHECK(rc == DFG_OK || rc == DFG_ENOCONV);
    CHECK_REL(per[0].n_obs, 123.0, 0.0);
    CHECK_REL(per[1].n_obs, 246.0, 0.0);
    CHECK_REL(tot.n_obs, 369.0, 0.0);
    int sums = tot.draws_N != NULL && tot.draws_alpha == NULL;
    for (size_t i = 0; sums && i < o.chains * o.samples; i++)
        sums &= tot.draws_N[i] == per[0].draws_N[i] + per[1].draws_N[i];
    CHECK(sums);
    for (size_t s = 0; s < 2; s++) {
        dfg_lcmcr_run(t, s, &o, &one, NULL);
        CHECK(same_draws(&one, &per[s]));
        dfg_lcmcr_result_free(&one);
    }
    /* the doubled stratum has the larger total */
    CHECK(per[1].N.median > per[0].N.median);
    dfg_lcmcr_result_free(&per[0]);
    dfg_lcmcr_result_free(&per[1]);
    dfg_lcmcr_result_free(&tot);
    dfg_table_free(t);
    dfg_table_free(k);
}

/* 4 chains of 50 draws on the Dutch table cannot reach ESS 400: the run says so with
 * DFG_ENOCONV, keeps its draws, and the estimator reports no number. */
static void short_chains_are_reported_as_not_converged(void)
{
    dfg_table *t = oracle_dataset("netherlands_6");
    if (!CHECK(t != NULL))
        return;
    dfg_lcmcr_opts o = dfg_lcmcr_opts_default();
    o.burnin = 100;
    o.samples = 50;
    o.thin = 1;
    dfg_lcmcr_result r;
    dfg_error err;
    dfg_error_clear(&err);
    CHECK_CODE(dfg_lcmcr_run(t, 0, &o, &r, &err), DFG_ENOCONV);
    CHECK_CODE(r.status, DFG_ENOCONV);
    CHECK_CODE(err.code, DFG_ENOCONV);
    CHECK(strstr(r.note, "not converged") != NULL);
    CHECK(r.draws_N != NULL && r.diag.ess_bulk < 400.0);
    dfg_lcmcr_result_free(&r);
    dfg_table_free(t);
}

static void the_estimator_is_listed_and_gives_the_posterior_median(void)
{
    const dfg_estimator *e = dfg_estimator_find("lcmcr");
    if (!CHECK(e != NULL))
        return;
    CHECK(e->min_lists == 3);
    dfg_table *t = oracle_dataset("korea_3");
    dfg_est_opts eo = dfg_est_opts_default();
    dfg_estimate est;
    dfg_lcmcr_result r;
    dfg_lcmcr_opts o = dfg_lcmcr_opts_default();
    dfg_status a = e->estimate(t, 0, &eo, &est, NULL);
    dfg_status b = dfg_lcmcr_run(t, 0, &o, &r, NULL);
    CHECK(a == b);
    if (a == DFG_OK) {
        CHECK(est.nhat == r.N.median);
        CHECK(est.ci.lower == r.N.lower && est.ci.upper == r.N.upper);
        CHECK(est.ci.level == 0.95);
        CHECK_REL(est.dark, r.N.median - 123.0, 1e-15);
    } else {
        CHECK(isnan(est.nhat));
    }
    dfg_lcmcr_result_free(&r);
    dfg_table_free(t);
}

/* The estimator reads the chain length from dfg_est_opts.mcmc_*: its answer is that of
 * dfg_lcmcr_run with the same length; a length too short to converge is reported as
 * such (DFG_ENOCONV, no number). */
static void the_estimator_runs_the_chain_length_asked_for(void)
{
    const dfg_estimator *e = dfg_estimator_find("lcmcr");
    dfg_table *t = oracle_dataset("korea_3");
    if (!CHECK(e != NULL && t != NULL)) {
        dfg_table_free(t);
        return;
    }
    dfg_est_opts eo = dfg_est_opts_default();
    eo.mcmc_chains = 3;
    eo.mcmc_burnin = 2000;
    eo.mcmc_samples = 1000;
    eo.mcmc_thin = 5;
    dfg_lcmcr_opts o = dfg_lcmcr_opts_default();
    o.chains = 3;
    o.burnin = 2000;
    o.samples = 1000;
    o.thin = 5;
    dfg_estimate est;
    dfg_lcmcr_result r;
    dfg_status a = e->estimate(t, 0, &eo, &est, NULL);
    dfg_status b = dfg_lcmcr_run(t, 0, &o, &r, NULL);
    CHECK_CODE(a, b);
    CHECK(r.chains == 3 && r.samples == 1000 && r.burnin == 2000 && r.thin == 5);
    if (a == DFG_OK)
        CHECK(est.nhat == r.N.median && est.ci.type == DFG_CI_POSTERIOR);
    dfg_lcmcr_result_free(&r);
    eo.mcmc_burnin = 1;
    eo.mcmc_samples = 4;
    eo.mcmc_thin = 1;
    CHECK_CODE(e->estimate(t, 0, &eo, &est, NULL), DFG_ENOCONV);
    CHECK(isnan(est.nhat) && strstr(est.note, "not converged") != NULL);
    dfg_table_free(t);
}

/* For k = 0, 1, ...: the (k+1)-th allocation and every later one fail; a per-stratum run
 * must return DFG_ENOMEM with every result empty (the ASan build checks for leaks), until
 * a k where it runs; that run must give the draws of a run without failures. */
static void allocation_failures_leave_nothing_behind(void)
{
    const char *names[] = {"A", "B", "C"}, *cov[] = {"g"}, *v[2][1] = {{"x"}, {"y"}};
    dfg_table *t = dfg_table_new(3, names, 1, cov, NULL);
    size_t s[2];
    CHECK(t && !dfg_table_stratum(t, v[0], &s[0], NULL) &&
          !dfg_table_stratum(t, v[1], &s[1], NULL));
    for (uint32_t x = 1; x < 8; x++) {
        dfg_table_add(t, s[0], x, (double)(3 + x), NULL);
        dfg_table_add(t, s[1], x, (double)(9 - x), NULL);
    }
    dfg_lcmcr_opts o = short_opts();
    o.samples = 10;
    o.burnin = 10;
    o.chains = 2;
    o.threads = 2;
    dfg_lcmcr_result ref[2], reft, per[2], tot;
    dfg_status rc0 = dfg_lcmcr_run_strata(t, &o, ref, &reft, NULL);
    CHECK(rc0 == DFG_OK || rc0 == DFG_ENOCONV);
    long k;
    int clean = 1;
    for (k = 0; k < 500; k++) {
        dfg_alloc_fail_after(k);
        dfg_status rc = dfg_lcmcr_run_strata(t, &o, per, &tot, NULL);
        dfg_alloc_fail_after(-1);
        if (rc == DFG_ENOMEM) {
            clean &= per[0].draws_N == NULL && per[1].draws_N == NULL && tot.draws_N == NULL;
            continue;
        }
        CHECK(rc == rc0);
        CHECK(same_draws(&per[0], &ref[0]) && same_draws(&per[1], &ref[1]));
        dfg_lcmcr_result_free(&per[0]);
        dfg_lcmcr_result_free(&per[1]);
        dfg_lcmcr_result_free(&tot);
        break;
    }
    CHECK(clean);
    CHECK(k > 5 && k < 500);
    dfg_lcmcr_result_free(&ref[0]);
    dfg_lcmcr_result_free(&ref[1]);
    dfg_lcmcr_result_free(&reft);
    dfg_table_free(t);
}

/* The progress reports: never going back, the last one every sweep of every chain
 * (warm-up included) of every stratum, the same on 1 and 3 threads; the draws the same as
 * without reports; a set cancel flag stops the run with DFG_ECANCEL and no result. */
typedef struct {
    size_t calls, last, total, back;
} reports;

static void on_progress(size_t done, size_t total, void *data)
{
    reports *p = data;
    p->back += done < p->last;
    p->calls++;
    p->last = done;
    p->total = total;
}

static void progress_counts_every_sweep(void)
{
    dfg_table *t = oracle_dataset("western_us_5");
    if (!CHECK(t != NULL))
        return;
    dfg_lcmcr_opts o = short_opts();
    o.burnin = 40000; /* 40,800 sweeps a chain: a report at 16,384 and 32,768, and the last */
    dfg_lcmcr_result plain, r;
    CHECK(dfg_lcmcr_run(t, 0, &o, &plain, NULL) != DFG_EINVAL);
    size_t want = o.chains * (500 + o.burnin + o.samples * o.thin);
    for (int threads = 1; threads <= 3; threads += 2) {
        reports p = {0, 0, 0, 0};
        o.threads = threads;
        o.progress = on_progress;
        o.progress_data = &p;
        CHECK(dfg_lcmcr_run(t, 0, &o, &r, NULL) != DFG_EINVAL);
        CHECK_MSG(p.calls >= 2 && p.back == 0 && p.last == want && p.total == want,
                  "%d threads: %zu reports, last %zu of %zu (want %zu), %zu going back", threads,
                  p.calls, p.last, p.total, want, p.back);
        CHECK(same_draws(&plain, &r));
        dfg_lcmcr_result_free(&r);
    }
    o.progress = NULL;
    o.progress_data = NULL;
    volatile sig_atomic_t stop = 1;
    o.cancel = &stop;
    dfg_error err = {0};
    CHECK_CODE(dfg_lcmcr_run(t, 0, &o, &r, &err), DFG_ECANCEL);
    CHECK(r.draws_N == NULL);
    dfg_lcmcr_result_free(&plain);
    dfg_table_free(t);
}

int main(void)
{
    gsl_set_error_handler_off();
    bad_requests_are_refused_with_a_message();
    draws_do_not_depend_on_the_number_of_threads();
    strata_run_apart_and_their_totals_add_up();
    short_chains_are_reported_as_not_converged();
    the_estimator_is_listed_and_gives_the_posterior_median();
    the_estimator_runs_the_chain_length_asked_for();
    allocation_failures_leave_nothing_behind();
    progress_counts_every_sweep();
    CHECK_DONE();
}
