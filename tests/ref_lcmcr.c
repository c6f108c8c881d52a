/* tests/ref_lcmcr.c: the latent-class model against LCMCR 0.4.14 (values and provenance in
 * tests/data/lcmcr/README.md), the convergence verdict where LCMCR's own chains disagree,
 * and the coverage of the 95% intervals on a latent-class population. Slow (about four
 * minutes of CPU): `test_ref_lcmcr [agree|disagree|coverage]` runs one part.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"
#include "oracle.h"

#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

#define SCN_DIR DFG_DATA_DIR "/../bench/accuracy/scenarios"

/* |got - want| <= max(rel |want|, 4 sd): the tolerance (median 2%, quantiles 4%,
 * or four seed-to-seed s.d. of LCMCR if larger). The Monte Carlo error of darkfig's own
 * run (4 chains x 5,000 draws, bulk ESS in the thousands here) is below 0.5% for the
 * median and about 1-2% for the 97.5% quantile, inside these margins. */
static void check_within(const char *data, const char *what, double got, double want, double rel,
                         double sd)
{
    double tol = fmax(rel * fabs(want), 4.0 * sd);
    if (fabs(got - want) <= tol) {
        check_passed_++;
    } else {
        check_failed_++;
        fprintf(stderr, "%s %s: %.1f, LCMCR %.1f (tolerance %.1f)\n", data, what, got, want, tol);
    }
}

/* LCMCR's posterior median (seed-to-seed s.d.) and 2.5% and 97.5% quantiles on a dataset. */
typedef struct {
    char name[64];
    double median, sd, lo, hi;
} lcmcr_ref;

/* One row of tests/data/lcmcr/lcmcr_agree.csv (the table of the README there) into
 * ctx[i] (oracle_read_rows). */
static int ref_row(const char *line, size_t i, void *ctx)
{
    lcmcr_ref *r = (lcmcr_ref *)ctx + i;
    return sscanf(line, "%63[^,],%lf,%lf,%lf,%lf", r->name, &r->median, &r->sd, &r->lo, &r->hi) ==
           5; /* the header has no numbers */
}

static void agrees_with_lcmcr_where_its_chains_agree(void)
{
    lcmcr_ref ref[16];
    size_t n_ref = oracle_read_rows("lcmcr/lcmcr_agree.csv", 16, ref_row, ref);
    CHECK_MSG(n_ref == 6, "lcmcr_agree.csv: %zu rows", n_ref);
    dfg_lcmcr_opts o = dfg_lcmcr_opts_default(); /* the seed is set for every run */
    o.burnin = 20000;
    o.threads = 2;
    for (size_t i = 0; i < n_ref; i++) {
        dfg_table *t = oracle_dataset(ref[i].name);
        if (!CHECK(t != NULL))
            continue;
        dfg_lcmcr_result r;
        dfg_status rc = DFG_ENOCONV;
        unsigned flagged = 0;
        /* The first converged run of seeds 1, 2, 3. On rcapture_hiv_4 about one chain in
           twelve starts in a sticky state of little posterior mass (N near 11,900, two or
           three occupied classes; left after about 300,000 sweeps and not re-entered:
           tests/data/lcmcr/README.md); the diagnostics flag such a run, and the next seed
           is tried. Two flagged seeds in a row fail the test. */
        for (uint32_t seed = 1; seed <= 3 && rc == DFG_ENOCONV; seed++) {
            o.seed = seed;
            dfg_error err;
            dfg_error_clear(&err);
            rc = dfg_lcmcr_run(t, 0, &o, &r, &err);
            if (rc == DFG_ENOCONV) {
                printf("%s seed %u: %s\n", ref[i].name, seed, err.msg);
                flagged++;
                if (seed < 3)
                    dfg_lcmcr_result_free(&r);
            }
        }
        CHECK_CODE(rc, DFG_OK);
        CHECK(flagged <= 1);
        check_within(ref[i].name, "median", r.N.median, ref[i].median, 0.02, ref[i].sd);
        check_within(ref[i].name, "2.5%", r.N.lower, ref[i].lo, 0.04, ref[i].sd);
        check_within(ref[i].name, "97.5%", r.N.upper, ref[i].hi, 0.04, ref[i].sd);
        printf("%-20s median %8.1f [%8.1f, %8.1f]  LCMCR %7.0f [%7.1f, %7.1f]  R-hat %.4f "
               "ESS %.0f/%.0f\n",
               ref[i].name, r.N.median, r.N.lower, r.N.upper, ref[i].median, ref[i].lo, ref[i].hi,
               r.diag.rhat, r.diag.ess_bulk, r.diag.ess_tail);
        dfg_lcmcr_result_free(&r);
        dfg_table_free(t);
    }
}

/* uk2013_5 and the Dutch tables: LCMCR's single chains land in different modes. With
 * dispersed chains of the default length (110,000 sweeps) darkfig must not report a
 * number: R-hat above 1.01 (the chains have not mixed), status DFG_ENOCONV. Eight chains,
 * not the default four: four can all land in one mode (uk2013_5, seed 1: R-hat 1.004,
 * median 22,147, inside LCMCR's 21,160-22,403; seeds 2-4 give R-hat 1.09-1.44), and R-hat
 * cannot see a mode no chain visits; with eight, seed 1 gives 1.18. */
static void says_not_converged_where_lcmcr_chains_disagree(void)
{
    const char *names[] = {"uk2013_5", "netherlands_6", "netherlands_5"};
    dfg_lcmcr_opts o = dfg_lcmcr_opts_default();
    o.chains = 8;
    o.threads = 2;
    for (size_t i = 0; i < 3; i++) {
        dfg_table *t = oracle_dataset(names[i]);
        if (!CHECK(t != NULL))
            continue;
        dfg_lcmcr_result r;
        dfg_error err;
        dfg_error_clear(&err);
        CHECK_CODE(dfg_lcmcr_run(t, 0, &o, &r, &err), DFG_ENOCONV);
        CHECK_CODE(r.status, DFG_ENOCONV);
        CHECK(r.diag.rhat > 1.01);
        CHECK(strstr(err.msg, "not converged") != NULL);
        printf("%-14s %s (median of the draws %.0f)\n", names[i], r.note, r.N.median);
        dfg_lcmcr_result_free(&r);
        dfg_table_free(t);
    }
}

/* bench/accuracy/scenarios/latent2.scn (two latent classes, N = 20,000): R tables, each
 * estimated with 4 chains of 1,000 draws (thinned by 10); at least 90% of the runs must
 * pass the (looser) convergence rule, and the share of those whose 95% equal-tailed
 * interval holds N must be within 3 Monte Carlo s.d. (sqrt(0.95 0.05 / R)) of 0.95. */
static void intervals_cover_the_truth_on_a_latent_class_population(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/latent2.scn", SCN_DIR);
    dfg_scenario *sc = NULL;
    dfg_error err;
    CHECK_CODE(dfg_scenario_read(path, &sc, &err), DFG_OK);
    if (!sc)
        return;
    const size_t R = 100;
    double N = dfg_scenario_total(sc);
    size_t conv = 0, cover = 0, cover_hdi = 0;
    for (size_t rep = 0; rep < R; rep++) {
        dfg_table *t = NULL;
        if (dfg_sim_table(sc, 2026u, rep, &t, &err)) {
            CHECK(0);
            continue;
        }
        dfg_lcmcr_opts o = dfg_lcmcr_opts_default();
        o.burnin = 3000;
        o.samples = 1000;
        o.thin = 10;
        /* 200 runs of the default length would take minutes: shorter chains, judged by
           a looser rule (R-hat <= 1.05, ESS >= 200) */
        o.rhat_max = 1.05;
        o.ess_min = 200.0;
        o.threads = 2;
        o.seed = (uint32_t)(rep + 1);
        dfg_lcmcr_result r;
        dfg_status rc = dfg_lcmcr_run(t, 0, &o, &r, NULL);
        if (rc == DFG_OK) {
            conv++;
            cover += r.N.lower <= N && N <= r.N.upper;
            cover_hdi += r.N.hdi_lower <= N && N <= r.N.hdi_upper;
        }
        if (rc == DFG_OK || rc == DFG_ENOCONV)
            dfg_lcmcr_result_free(&r);
        dfg_table_free(t);
    }
    double rate = (double)cover / (double)conv, se = sqrt(0.95 * 0.05 / (double)conv);
    printf("latent2: %zu of %zu runs converged; equal-tailed 95%% interval covers N in %.3f, "
           "HDI in %.3f (Monte Carlo s.d. %.3f)\n",
           conv, R, rate, (double)cover_hdi / (double)conv, se);
    CHECK(conv >= R * 9 / 10);
    CHECK(fabs(rate - 0.95) <= 3.0 * se);
    dfg_scenario_free(sc);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *part = argc > 1 ? argv[1] : "all";
    int all = !strcmp(part, "all");
    if (all || !strcmp(part, "agree"))
        agrees_with_lcmcr_where_its_chains_agree();
    if (all || !strcmp(part, "disagree"))
        says_not_converged_where_lcmcr_chains_disagree();
    if (all || !strcmp(part, "coverage"))
        intervals_cover_the_truth_on_a_latent_class_population();
    CHECK_DONE();
}
