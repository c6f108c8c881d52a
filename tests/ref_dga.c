/* tests/ref_dga.c: model averaging over decomposable graphs against dga 2.0.2 and Madigan
 * & York (1997).
 *
 * References (../shared/data/README.md, "Bayesian references"): dga 2.0.2 bma.cr with
 * delta = 2^-k, prior 1/N, dga's shipped graph lists; median and 95% equal-tailed
 * quantiles of N on a grid with the step given, mean, top-3 graph probabilities.
 * The README gives the grid's step but not its ends. The ends used here are
 * N0 = 1, 1 + step, ... up to max(10 n, 1000) 2^j (dga's examples start Nmissing at 1):
 * with them the three top probabilities agree to 1e-6 on every dataset, and other ends
 * do not (korea_3: an end of 10000 instead of 9840 moves the top probability by 1.6e-5;
 * a grid from 0 moves its 2.5% quantile from 127 to 123). The posterior has a
 * power-law tail (the saturated graph), so the mean and the upper quantile depend on the
 * end: these tests pin the reference grid, and the untruncated answer is another matter
 * (see netherlands below).
 * Tolerances: quantiles within the grid step (here they are equal, the grid being the
 * same); means printed to 0.1 -> 0.05 plus 1e-9 relative for the summation order;
 * probabilities printed to 6 decimals -> 1e-6.
 * Madigan & York (1997) on spina bifida (delta = 1): top model probability 0.37, its
 * estimate 731 (mode 729), posterior mode 728, model-averaged 731. Their prior on N is
 * not the 1/N prior used here, so the model-averaged point is allowed 1 (we get 732).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "darkfig.h"
#include "oracle.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

typedef struct {
    const char *name;
    double hi, step;
    double median, lower, upper, mean;
    double p[3];
} ref_row;

static const ref_row refs[] = {
    {"korea_3", 9840, 1, 163, 127, 508, 221.4, {0.700865, 0.175943, 0.08515}},
    {"artificial_3", 128000, 7, 307, 97, 5466, 913.1, {0.317005, 0.250196, 0.131683}},
    {"dga_spina_bifida_3", 6260, 1, 731, 694, 787, 733.9, {0.723265, 0.158269, 0.116941}},
    {"rcapture_hiv_4", 18960, 1, 11220, 9404, 14094, 11356.9, {0.53867, 0.215152, 0.049581}},
    {"western_us_5", 13800, 1, 2133, 1343, 3876, 2255.9, {0.113038, 0.10571, 0.056092}},
    {"new_orleans_5", 7400, 1, 869, 511, 1762, 936.5, {0.050951, 0.036357, 0.032498}},
    {"uk2013_5", 54880, 3, 22989, 10386, 33507, 21281.6, {0.44344, 0.150722, 0.112198}},
    {"netherlands_5", 82340, 5, 47905, 40845, 55455, 48004.9, {0.842094, 0.066369, 0.03364}},
};

static dfg_dga_opts ref_opts(const ref_row *r)
{
    dfg_dga_opts o = dfg_dga_opts_default();
    o.min_missing = 1;
    o.max_missing = r->hi;
    o.step = r->step;
    o.top = 3;
    return o;
}

static void dga_matches_dga_2_0_2_on_the_readme_datasets(void)
{
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        const ref_row *rf = &refs[i];
        dfg_table *t = oracle_dataset(rf->name);
        if (!CHECK(t != NULL))
            continue;
        dfg_dga_opts o = ref_opts(rf);
        dfg_dga_result r;
        dfg_error e;
        dfg_status rc = dfg_dga_run(t, 0, &o, &r, &e);
        CHECK_CODE(rc, DFG_OK);
        if (rc) {
            fprintf(stderr, "%s: %s\n", rf->name, e.msg);
            dfg_table_free(t);
            continue;
        }
        fprintf(stderr, "%s: %g [%g, %g] mean %.3f top %.6f %.6f %.6f\n", rf->name, r.N.median,
                r.N.lower, r.N.upper, r.N.mean, r.top[0].prob, r.top[1].prob, r.top[2].prob);
        CHECK_ABS(r.N.median, rf->median, rf->step);
        CHECK_ABS(r.N.lower, rf->lower, rf->step);
        CHECK_ABS(r.N.upper, rf->upper, rf->step);
        CHECK_ABS(r.N.mean, rf->mean, 0.05 + 1e-9 * rf->mean);
        CHECK(r.n_top == 3);
        for (size_t j = 0; j < 3 && j < r.n_top; j++)
            CHECK_ABS(r.top[j].prob, rf->p[j], 1e-6);
        /* the dark figure is N - n, and the posterior sums to 1 */
        CHECK_ABS(r.dark.median, r.N.median - r.n_obs, 1e-9);
        double tot = 0.0;
        for (size_t j = 0; j < r.n_grid; j++)
            tot += r.post[j];
        CHECK_ABS(tot, 1.0, 1e-9);
        CHECK(r.mean_infinite == 1); /* (2^k - 1) 2^-k < 1 */
        dfg_dga_result_free(&r);
        dfg_table_free(t);
    }
}

static void dga_spina_bifida_matches_madigan_york_1997(void)
{
    dfg_table *t = oracle_dataset("dga_spina_bifida_3");
    if (!CHECK(t != NULL))
        return;
    dfg_dga_opts o = dfg_dga_opts_default();
    o.delta = 1.0;
    o.top = 1;
    dfg_dga_result r;
    CHECK_CODE(dfg_dga_run(t, 0, &o, &r, NULL), DFG_OK);
    CHECK_ABS(r.top[0].prob, 0.37, 0.005);
    CHECK(strcmp(r.top[0].model, "[12,3]") == 0);
    CHECK_ABS(r.top[0].N.median, 731, 0.5);
    CHECK_ABS(r.top[0].N.mode, 729, 0.5);
    CHECK_ABS(r.N.mode, 728, 0.5);
    CHECK_ABS(r.N.median, 731, 1.0);
    CHECK(r.mean_infinite == 0); /* (2^3 - 1) * 1 > 1 */
    CHECK(r.upper_half_mass < o.tail_tol);
    dfg_dga_result_free(&r);
    dfg_table_free(t);
}

/* OEIS A058862: labelled chordal graphs on k vertices. */
static void dga_enumerates_the_decomposable_graphs(void)
{
    const size_t want[] = {0, 1, 2, 8, 61, 822, 18154, 617675};
    for (size_t k = 1; k <= 6; k++) {
        size_t c = 0;
        CHECK_CODE(dfg_dga_graph_count(k, &c, NULL), DFG_OK);
        CHECK(c == want[k]);
    }
    size_t c = 0;
    CHECK_CODE(dfg_dga_graph_count(8, &c, NULL), DFG_EINVAL);
}

static void dga_enumerates_617675_graphs_on_7_lists(void)
{
    size_t c = 0;
    CHECK_CODE(dfg_dga_graph_count(7, &c, NULL), DFG_OK);
    CHECK(c == 617675);
}

/* The 5-list table of t6 with lists i < j (0-based) merged into one at position i, the
 * other lists in their order: into y5[0..31]. */
static void merge_lists(const double *y6, unsigned i, unsigned j, double *y5)
{
    memset(y5, 0, 32 * sizeof *y5);
    for (uint32_t p = 1; p < 64; p++) {
        uint32_t q = 0;
        unsigned pos = 0;
        for (unsigned b = 0; b < 6; b++) {
            if (b == j)
                continue;
            uint32_t bit = (p >> b) & 1u;
            if (b == i)
                bit |= (p >> j) & 1u;
            q |= bit << pos++;
        }
        y5[q] += y6[p];
    }
}

/* A 6-list table with two lists merged the way its 5-list file merged them must be that
 * file, and give the same posterior to the last digit (same cells, same code path); the
 * 6-list posterior itself, on the same grid, is a proper distribution over 18,154 graphs.
 * netherlands_5 = netherlands_6 with I and O (columns 1 and 3) merged; uk2013_5 =
 * uk2013_6 (SparseMSE UKdat) with PF and NCA (columns 3 and 6) merged. */
static void six_lists_merged_give_the_five_list_answer(const char *six, const char *five,
                                                       unsigned i, unsigned j,
                                                       const char *const *names,
                                                       const ref_row *grid, double median5)
{
    dfg_table *t6 = oracle_dataset(six), *t5 = oracle_dataset(five);
    CHECK(t6 && t5);
    if (!t6 || !t5) {
        dfg_table_free(t6);
        dfg_table_free(t5);
        return;
    }
    double y6[64], y5[32], m[32];
    CHECK_CODE(dfg_table_cells(t6, 0, y6, NULL), DFG_OK);
    CHECK_CODE(dfg_table_cells(t5, 0, y5, NULL), DFG_OK);
    merge_lists(y6, i, j, m);
    for (uint32_t q = 1; q < 32; q++)
        CHECK_ABS(m[q], y5[q], 0.0);
    dfg_table *tm = dfg_table_from_cells(5, names, m, NULL);
    CHECK(tm != NULL);
    dfg_dga_opts o = ref_opts(grid);
    dfg_dga_result a, b;
    CHECK_CODE(dfg_dga_run(tm, 0, &o, &a, NULL), DFG_OK);
    CHECK_CODE(dfg_dga_run(t5, 0, &o, &b, NULL), DFG_OK);
    CHECK(a.n_grid == b.n_grid && memcmp(a.post, b.post, a.n_grid * sizeof *a.post) == 0);
    CHECK(a.N.median == b.N.median && a.N.lower == b.N.lower && a.N.upper == b.N.upper);
    CHECK(a.N.mean == b.N.mean && a.top[0].prob == b.top[0].prob);
    CHECK_ABS(a.N.median, median5, grid->step);
    dfg_dga_result c;
    CHECK_CODE(dfg_dga_run(t6, 0, &o, &c, NULL), DFG_OK);
    CHECK(c.n_graphs == 18154);
    double tot = 0.0;
    for (size_t q = 0; q < c.n_grid; q++)
        tot += c.post[q];
    CHECK_ABS(tot, 1.0, 1e-9);
    CHECK(c.top[0].prob > 0.0 && c.top[0].prob < 1.0);
    CHECK(c.N.lower <= c.N.median && c.N.median <= c.N.upper && c.N.lower >= c.n_obs);
    fprintf(stderr, "%s on the 5-list grid: %g [%g, %g], mean %.1f, top %.4f %s\n", six, c.N.median,
            c.N.lower, c.N.upper, c.N.mean, c.top[0].prob, c.top[0].model);
    dfg_dga_result_free(&a);
    dfg_dga_result_free(&b);
    dfg_dga_result_free(&c);
    dfg_table_free(tm);
    dfg_table_free(t5);
    dfg_table_free(t6);
}

static void dga_six_lists_merged_give_the_five_list_answer(void)
{
    static const char *const nl[] = {"IO", "K", "P", "R", "Z"};
    static const char *const uk[] = {"LA", "NG", "PFNCA", "GO", "GP"};
    six_lists_merged_give_the_five_list_answer("netherlands_6", "netherlands_5", 0, 2, nl, &refs[7],
                                               47905);
    six_lists_merged_give_the_five_list_answer("uk2013_6", "uk2013_5", 2, 5, uk, &refs[6], 22989);
}

static void dga_refuses_bad_requests(void)
{
    dfg_error e;
    dfg_dga_result r;
    dfg_dga_opts o = dfg_dga_opts_default();
    /* k = 2 */
    const char *n2[] = {"A", "B"};
    double y2[4] = {0, 10, 20, 5};
    dfg_table *t2 = dfg_table_from_cells(2, n2, y2, NULL);
    dfg_error_clear(&e);
    CHECK_CODE(dfg_dga_run(t2, 0, &o, &r, &e), DFG_EINVAL);
    CHECK(strstr(e.msg, "at least 3 lists") != NULL);
    dfg_table_free(t2);
    /* k = 8: beyond the enumeration, with the reason */
    dfg_table *t8 = oracle_dataset("new_orleans_8");
    dfg_error_clear(&e);
    CHECK_CODE(dfg_dga_run(t8, 0, &o, &r, &e), DFG_EINVAL);
    CHECK(strstr(e.msg, "at most 7 lists") != NULL && strstr(e.msg, "30,888,596") != NULL);
    dfg_table_free(t8);
    /* delta <= 0, NaN; grid and level */
    dfg_table *t = oracle_dataset("korea_3");
    const double bad_delta[] = {-1.0, -0.0, NAN, INFINITY};
    for (size_t i = 0; i < 4; i++) {
        o = dfg_dga_opts_default();
        o.delta = bad_delta[i];
        dfg_error_clear(&e);
        CHECK_CODE(dfg_dga_run(t, 0, &o, &r, &e), DFG_EINVAL);
        CHECK(strstr(e.msg, "delta must be > 0") != NULL);
    }
    o = dfg_dga_opts_default();
    o.step = 0.5;
    CHECK_CODE(dfg_dga_run(t, 0, &o, &r, NULL), DFG_EINVAL);
    o = dfg_dga_opts_default();
    o.min_missing = 100;
    o.max_missing = 50;
    CHECK_CODE(dfg_dga_run(t, 0, &o, &r, NULL), DFG_EINVAL);
    o = dfg_dga_opts_default();
    o.level = 1.0;
    CHECK_CODE(dfg_dga_run(t, 0, &o, &r, NULL), DFG_EINVAL);
    /* a grid above DFG_DGA_MAX_GRID points: refused with the smallest step that fits,
     * before any of it is allocated (1e10 / 149 + 1 points is still above 2^26) */
    o = dfg_dga_opts_default();
    o.max_missing = 1e10;
    dfg_error_clear(&e);
    CHECK_CODE(dfg_dga_run(t, 0, &o, &r, &e), DFG_EINVAL);
    CHECK_MSG(strstr(e.msg, "would hold 10000000001 points") != NULL &&
                  strstr(e.msg, "step of at least 150 or a smaller max_missing") != NULL,
              "%s", e.msg);
    o.step = 149.0;
    dfg_error_clear(&e);
    CHECK_CODE(dfg_dga_run(t, 0, &o, &r, &e), DFG_EINVAL);
    CHECK_MSG(strstr(e.msg, "would hold 67114094 points") != NULL, "%s", e.msg);
    dfg_dga_prior p;
    CHECK_CODE(dfg_dga_prior_parse("rissanen", &p, NULL), DFG_OK);
    CHECK(p == DFG_DGA_PRIOR_RISSANEN);
    CHECK_CODE(dfg_dga_prior_parse("flat", &p, &e), DFG_EINVAL);
    dfg_table_free(t);
}

/* The same digits on 1 and 2 threads; the automatic grid; the Rissanen prior; the
 * estimator behind the common interface. */
static void dga_threads_grid_prior_and_estimator(void)
{
    dfg_table *t = oracle_dataset("western_us_5");
    if (!CHECK(t != NULL))
        return;
    dfg_dga_opts o = ref_opts(&refs[4]);
    dfg_dga_result a, b;
    CHECK_CODE(dfg_dga_run(t, 0, &o, &a, NULL), DFG_OK);
    o.threads = 2;
    CHECK_CODE(dfg_dga_run(t, 0, &o, &b, NULL), DFG_OK);
    CHECK(a.n_grid == b.n_grid && memcmp(a.post, b.post, a.n_grid * sizeof *a.post) == 0);
    CHECK(a.N.mean == b.N.mean && a.top[0].prob == b.top[0].prob);
    dfg_dga_result_free(&a);
    dfg_dga_result_free(&b);

    /* automatic grid from N0 = 0: the upper half of the grid holds < tail_tol */
    o = dfg_dga_opts_default();
    CHECK_CODE(dfg_dga_run(t, 0, &o, &a, NULL), DFG_OK);
    CHECK(a.upper_half_mass < o.tail_tol);
    CHECK(a.grid_lo == 0.0 && a.n_grid > 13800);
    CHECK_ABS(a.N.median, 2133, 2); /* the far tail hardly moves the median */
    /* Rissanen's prior falls faster than 1/N: a smaller posterior median */
    o.prior = DFG_DGA_PRIOR_RISSANEN;
    CHECK_CODE(dfg_dga_run(t, 0, &o, &b, NULL), DFG_OK);
    CHECK(b.N.median < a.N.median && b.N.median > 1500);
    dfg_dga_result_free(&a);
    dfg_dga_result_free(&b);
    dfg_table_free(t);
}

static void dga_estimator_gives_the_posterior_median(void)
{
    const dfg_estimator *est = dfg_estimator_find("dga");
    CHECK(est != NULL);
    dfg_table *k3 = oracle_dataset("dga_spina_bifida_3");
    if (est && k3) {
        dfg_est_opts eo = dfg_est_opts_default();
        dfg_estimate out;
        CHECK_CODE(est->estimate(k3, 0, &eo, &out, NULL), DFG_OK);
        CHECK_ABS(out.nhat, 731, 1);
        CHECK(out.ci.type == DFG_CI_POSTERIOR && out.ci.lower < out.nhat &&
              out.ci.upper > out.nhat);
        CHECK(strcmp(out.model, "[12,3]") == 0);
    }
    dfg_table_free(k3);
}

/* Two strata (tests/data/good/strata_counts.csv, year x and y): each stratum's result is
 * the one-stratum run of its own table, and the total's posterior is the convolution of
 * theirs, here recomputed term by term on the grid (the library takes the FFT route on
 * these 16,001 x 8,001 points): agreement to 1e-12 per point (FFT rounding is about 1e-16
 * of the largest probability); the mean of a sum is the sum of the means (1e-9 relative). */
static void dga_strata_total_is_the_convolution_of_the_strata(void)
{
    dfg_table *t = oracle_test_table("good/strata_counts.csv", "A,B,C");
    if (!CHECK(t != NULL))
        return;
    CHECK(dfg_table_n_strata(t) == 2);
    dfg_dga_opts o = dfg_dga_opts_default();
    o.top = 1;
    dfg_dga_result per[2], tot, one;
    CHECK_CODE(dfg_dga_run_strata(t, &o, per, &tot, NULL), DFG_OK);
    for (size_t s = 0; s < 2; s++) {
        double y[8];
        const char *names[] = {"A", "B", "C"};
        CHECK_CODE(dfg_table_cells(t, s, y, NULL), DFG_OK);
        dfg_table *ts = dfg_table_from_cells(3, names, y, NULL);
        CHECK_CODE(dfg_dga_run(ts, 0, &o, &one, NULL), DFG_OK);
        CHECK(one.n_grid == per[s].n_grid &&
              memcmp(one.post, per[s].post, one.n_grid * sizeof *one.post) == 0);
        CHECK(one.N.median == per[s].N.median && one.top[0].prob == per[s].top[0].prob);
        dfg_dga_result_free(&one);
        dfg_table_free(ts);
    }
    CHECK(tot.n_obs == per[0].n_obs + per[1].n_obs && tot.n_top == 0);
    CHECK(tot.grid_lo == 0.0 && tot.grid_step == 1.0);
    CHECK(tot.n_grid == per[0].n_grid + per[1].n_grid - 1);
    double worst = 0.0, sum = 0.0;
    for (size_t j = 0; j < tot.n_grid; j++) {
        double v = 0.0;
        for (size_t i = 0; i < per[0].n_grid; i++)
            if (j >= i && j - i < per[1].n_grid)
                v += per[0].post[i] * per[1].post[j - i];
        worst = fmax(worst, fabs(v - tot.post[j]));
        sum += tot.post[j];
    }
    CHECK(worst < 1e-12);
    CHECK_ABS(sum, 1.0, 1e-12);
    CHECK_REL(tot.N.mean, per[0].N.mean + per[1].N.mean, 1e-9);
    CHECK(tot.N.median > per[0].N.median + per[1].N.median - 1.0); /* right skew */
    CHECK(tot.N.lower >= per[0].N.lower + per[1].N.lower);
    fprintf(stderr, "strata: %g + %g -> total %g [%g, %g], max deviation %.2g\n", per[0].N.median,
            per[1].N.median, tot.N.median, tot.N.lower, tot.N.upper, worst);
    dfg_dga_result_free(&per[0]);
    dfg_dga_result_free(&per[1]);
    dfg_dga_result_free(&tot);
    dfg_table_free(t);
}

/* `test_ref_dga` runs the quick part; `test_ref_dga slow` the 6-list checks, the
 * thread comparison and the automatic grid (seconds on 2 cores). */
int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc > 1 && strcmp(argv[1], "slow") == 0) {
        dga_six_lists_merged_give_the_five_list_answer();
        dga_threads_grid_prior_and_estimator();
    } else {
        dga_matches_dga_2_0_2_on_the_readme_datasets();
        dga_spina_bifida_matches_madigan_york_1997();
        dga_enumerates_the_decomposable_graphs();
        dga_enumerates_617675_graphs_on_7_lists(); /* 0.6 s */
        dga_refuses_bad_requests();
        dga_estimator_gives_the_posterior_median();
        dga_strata_total_is_the_convolution_of_the_strata();
    }
    CHECK_DONE();
}
