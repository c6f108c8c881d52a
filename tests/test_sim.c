/* tests/test_sim.c: simulation scenarios (core/sim.c): cell probabilities against direct
 * computations, the stored UK and Dutch scenarios against the data they were fitted to,
 * parse errors with their places, and the multinomial draws.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"

#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

#define SCN_DIR DFG_DATA_DIR "/../bench/accuracy/scenarios"

static dfg_scenario *parse(const char *text, dfg_error *err)
{
    dfg_scenario *sc = NULL;
    dfg_error_clear(err);
    dfg_scenario_read_buffer("t.scn", text, strlen(text), &sc, err);
    return sc;
}

/* Product of independent Bernoulli probabilities: P(x) = prod p_j^x_j (1 - p_j)^(1 - x_j). */
static double bern(const double *p, size_t k, size_t x)
{
    double r = 1.0;
    for (size_t j = 0; j < k; j++)
        r *= (x >> j & 1) ? p[j] : 1.0 - p[j];
    return r;
}

static void independence_is_a_product_of_bernoullis(void)
{
    dfg_error err;
    dfg_scenario *sc = parse("# comment\nname ind\nlists A B C\ntotal 500\n"
                             "capture 0.2 0.3 0.4  # trailing comment\n",
                             &err);
    if (!CHECK(sc != NULL))
        return;
    double p[8], q[3] = {0.2, 0.3, 0.4}, s = 0.0;
    CHECK_CODE(dfg_scenario_cell_probs(sc, p, &err), DFG_OK);
    for (size_t x = 0; x < 8; x++) {
        CHECK_REL(p[x], bern(q, 3, x), 1e-13);
        s += p[x];
    }
    CHECK_ABS(s, 1.0, 1e-14);
    CHECK(strcmp(dfg_scenario_name(sc), "ind") == 0);
    CHECK(dfg_scenario_k(sc) == 3);
    CHECK(strcmp(dfg_scenario_list_name(sc, 2), "C") == 0);
    CHECK(dfg_scenario_total(sc) == 500.0);
    dfg_scenario_free(sc);
}

static void interactions_classes_and_never(void)
{
    dfg_error err;
    /* [12] with gamma 0.7 and [123] with -0.4, main effects on the log-odds scale:
     * P(x) proportional to exp(sum x_j b_j + 0.7 [x >= 12] - 0.4 [x = 123]) */
    dfg_scenario *sc = parse("lists 3\ntotal 100\nmain 1 -1\nmain L2 -2\nmain 3 0.5\n"
                             "term 12 0.7\nterm L1:L2:L3 -0.4\n",
                             &err);
    CHECK(sc != NULL);
    if (sc) {
        double p[8], w[8], z = 0.0, b[3] = {-1.0, -2.0, 0.5};
        for (size_t x = 0; x < 8; x++) {
            double e = 0.0;
            for (size_t j = 0; j < 3; j++)
                e += (x >> j & 1) ? b[j] : 0.0;
            e += (x & 3) == 3 ? 0.7 : 0.0;
            e += x == 7 ? -0.4 : 0.0;
            z += w[x] = exp(e);
        }
        dfg_scenario_cell_probs(sc, p, &err);
        for (size_t x = 0; x < 8; x++)
            CHECK_REL(p[x], w[x] / z, 1e-13);
        CHECK(strcmp(dfg_scenario_list_name(sc, 1), "L2") == 0);
        dfg_scenario_free(sc);
    }
    /* two classes: 0.3 x Bernoulli(2 p) + 0.7 x Bernoulli(p / 2) */
    sc = parse("lists A B C\ntotal 100\ncapture 0.2 0.3 0.4\nclass 0.3 2 2 2\n"
               "class 0.7 0.5 0.5 0.5\n",
               &err);
    CHECK(sc != NULL);
    if (sc) {
        double p[8], hi[3] = {0.4, 0.6, 0.8}, lo[3] = {0.1, 0.15, 0.2};
        dfg_scenario_cell_probs(sc, p, &err);
        for (size_t x = 0; x < 8; x++)
            CHECK_REL(p[x], 0.3 * bern(hi, 3, x) + 0.7 * bern(lo, 3, x), 1e-13);
        dfg_scenario_free(sc);
    }
    /* never 13: cells with lists 1 and 3 are impossible, the rest renormalised */
    sc = parse("lists A B C\ntotal 100\ncapture 0.2 0.3 0.4\nnever 13\n", &err);
    CHECK(sc != NULL);
    if (sc) {
        double p[8], q[3] = {0.2, 0.3, 0.4}, z = 0.0;
        for (size_t x = 0; x < 8; x++)
            z += (x & 5) == 5 ? 0.0 : bern(q, 3, x);
        dfg_scenario_cell_probs(sc, p, &err);
        for (size_t x = 0; x < 8; x++)
            CHECK_REL(p[x], (x & 5) == 5 ? 0.0 : bern(q, 3, x) / z, 1e-13);
        dfg_scenario_free(sc);
    }
}

/* A Poisson log-linear MLE reproduces the observed margin of every term of its model
 * (the likelihood equations X'y = X'mu; Bishop, Fienberg & Holland 1975, ch. 3). The
 * stored scenario gives mu_x = n P(x) / (1 - P(0)), so its margins must equal the data's. */
static void fitted_scenario_matches_its_data(const char *scn, const char *csv, const char *model,
                                             double n_want, double nhat_want)
{
    dfg_error err = {0};
    dfg_scenario *sc = NULL;
    dfg_table *t = NULL;
    dfg_model m = {0};
    CHECK_CODE(dfg_scenario_read(scn, &sc, &err), DFG_OK);
    CHECK_CODE(dfg_table_read_csv(csv, NULL, &t, &err), DFG_OK);
    if (!sc || !t)
        goto done;
    size_t k = dfg_table_k(t), nc = (size_t)1 << k;
    CHECK(dfg_scenario_k(sc) == k);
    double *p = calloc(nc, sizeof *p), *y = calloc(nc, sizeof *y);
    dfg_scenario_cell_probs(sc, p, &err);
    dfg_table_cells(t, 0, y, &err);
    double n = dfg_table_n_obs(t, 0);
    CHECK_ABS(n, n_want, 0.0);
    /* the published N-hat (data/README.md, printed to 0.1): n / (1 - P(0)) */
    CHECK_ABS(n / (1.0 - p[0]), nhat_want, 0.05);
    CHECK_ABS(dfg_scenario_total(sc), floor(nhat_want + 0.5), 0.0);
    CHECK_CODE(dfg_model_parse(model, t, &m, &err), DFG_OK);
    for (size_t i = 0; i < m.n_terms; i++) {
        uint32_t term = m.terms[i];
        double obs = 0.0, fit = 0.0;
        for (size_t x = 1; x < nc; x++)
            if ((x & term) == term) {
                obs += y[x];
                fit += n * p[x] / (1.0 - p[0]);
            }
        /* coefficients are stored to 12 significant digits */
        CHECK_ABS(fit, obs, 1e-6 * n);
    }
    free(p);
    free(y);
done:
    dfg_model_free(&m);
    dfg_table_free(t);
    dfg_scenario_free(sc);
}

static void parse_errors_name_their_place(void)
{
    static const struct {
        const char *text, *where;
        dfg_status code;
    } bad[] = {
        {"lists A B\ntotal 10\ncapture 0.5 1.5\n", "t.scn:3:13", DFG_EPARSE},
        {"lists A B\ntotal 10\ncapture 0.5\n", "t.scn:3:1", DFG_EPARSE},
        {"total 10\n  capture 0.5 0.5\n", "t.scn:2:3", DFG_EPARSE},
        {"lists A B\ntotal 10.5\n", "t.scn:2:7", DFG_EPARSE},
        {"lists A A\n", "t.scn:1:9", DFG_EPARSE},
        {"lists A B C\ntotal 10\ncapture .1 .1 .1\nterm 14 1\n", "t.scn:4:6", DFG_EPARSE},
        {"lists A B C\ntotal 10\ncapture .1 .1 .1\nterm 1 1\n", "t.scn:4:6", DFG_EPARSE},
        {"lists A B C\ntotal 10\ncapture .1 .1 .1\nterm 12 x\n", "t.scn:4:9", DFG_EPARSE},
        {"lists A B C\ntotal 10\ncapture .1 .1 .1\nterm 12 1\nnever 21\n", "t.scn:5:7", DFG_EPARSE},
        {"lists A B\ntotal 10\nfrobnicate 1\n", "t.scn:3:1", DFG_EPARSE},
        {"lists A B\ncapture .1 .1\n", "t.scn:3:1", DFG_EPARSE},
        {"lists A B\ntotal 10\n", "t.scn:3:1", DFG_EPARSE},
        {"total 10\n", "t.scn:2:1", DFG_EPARSE},
        {"lists A B\ntotal 10\ncapture .1 .1\nclass 0.5 1 1\n", "t.scn:5:1", DFG_EPARSE},
        {"lists A B\ntotal 10\ncapture .5 .5\nclass 1 2.5 1\n", "t.scn", DFG_EPARSE},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dfg_error err;
        dfg_scenario *sc = parse(bad[i].text, &err);
        CHECK(sc == NULL);
        CHECK_CODE(err.code, bad[i].code);
        if (strcmp(err.where, bad[i].where) != 0) {
            CHECK(0);
            fprintf(stderr, "case %zu: where \"%s\" (%s), want \"%s\"\n", i, err.where, err.msg,
                    bad[i].where);
        }
        dfg_scenario_free(sc);
    }
    dfg_error err = {0};
    dfg_scenario *sc = NULL;
    CHECK_CODE(dfg_scenario_read("/nonexistent/x.scn", &sc, &err), DFG_EIO);
    CHECK_CODE(dfg_scenario_read_buffer("x", NULL, 3, &sc, &err), DFG_EINVAL);
}

static void draws_are_reproducible_and_have_the_right_mean(void)
{
    dfg_error err;
    dfg_scenario *sc = parse("lists A B C\ntotal 1000\ncapture 0.2 0.3 0.4\nterm 23 0.5\n", &err);
    if (!CHECK(sc != NULL))
        return;
    double p[8], y1[8], y2[8];
    dfg_scenario_cell_probs(sc, p, &err);
    dfg_table *a = NULL, *b = NULL, *c = NULL;
    CHECK_CODE(dfg_sim_table(sc, 7, 3, &a, &err), DFG_OK);
    CHECK_CODE(dfg_sim_table(sc, 7, 3, &b, &err), DFG_OK);
    CHECK_CODE(dfg_sim_table(sc, 7, 4, &c, &err), DFG_OK);
    if (a && b && c) {
        dfg_table_cells(a, 0, y1, &err);
        dfg_table_cells(b, 0, y2, &err);
        CHECK(memcmp(y1, y2, sizeof y1) == 0);
        dfg_table_cells(c, 0, y2, &err);
        CHECK(memcmp(y1, y2, sizeof y1) != 0);
        CHECK(dfg_table_n_obs(a, 0) <= 1000.0);
        CHECK(strcmp(dfg_table_list_name(a, 1), "B") == 0);
    }
    dfg_table_free(a);
    dfg_table_free(b);
    dfg_table_free(c);
    /* mean of each cell over R draws: E y_x = N P(x), sd = sqrt(N P (1 - P) / R); allow 4 sd */
    enum { R = 400 };
    double sum[8] = {0};
    for (size_t r = 0; r < R; r++) {
        dfg_table *t = NULL;
        if (dfg_sim_table(sc, 11, r, &t, &err))
            break;
        dfg_table_cells(t, 0, y1, &err);
        for (size_t x = 1; x < 8; x++)
            sum[x] += y1[x];
        dfg_table_free(t);
    }
    for (size_t x = 1; x < 8; x++)
        CHECK_ABS(sum[x] / R, 1000.0 * p[x], 4.0 * sqrt(1000.0 * p[x] * (1.0 - p[x]) / R));
    dfg_scenario_free(sc);
    CHECK_CODE(dfg_sim_table(NULL, 1, 0, &a, &err), DFG_EINVAL);
}

static void stored_scenarios_parse(void)
{
    static const char *const names[] = {"independence", "pos1",   "pos2",         "neg",
                                        "hetero2",      "sparse", "uk5_stepwise", "nl6_stepwise"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.scn", SCN_DIR, names[i]);
        dfg_error err = {0};
        dfg_scenario *sc = NULL;
        CHECK_CODE(dfg_scenario_read(path, &sc, &err), DFG_OK);
        if (err.code)
            fprintf(stderr, "%s: %s\n", err.where, err.msg);
        CHECK(sc && strcmp(dfg_scenario_name(sc), names[i]) == 0);
        dfg_scenario_free(sc);
    }
}

/* Every allocation failure is reported as DFG_ENOMEM and leaks nothing (SWEEP_ALLOC). */
static void allocation_failures_are_clean(void)
{
    const char *text = "lists A B C\ntotal 100\ncapture 0.2 0.3 0.4\nterm 12 1\n";
    dfg_scenario *sc = NULL;
    SWEEP_ALLOC("scenario_read_buffer",
                dfg_scenario_read_buffer("t", text, strlen(text), &sc, &sweep_err), {
                    dfg_scenario_free(sc);
                    sc = NULL;
                });
    dfg_error err = {0};
    CHECK_CODE(dfg_scenario_read_buffer("t", text, strlen(text), &sc, &err), DFG_OK);
    dfg_table *t = NULL;
    SWEEP_ALLOC("sim_table", dfg_sim_table(sc, 1, 0, &t, &sweep_err), {
        dfg_table_free(t);
        t = NULL;
    });
    dfg_scenario_free(sc);
}

int main(void)
{
    gsl_set_error_handler_off();
    independence_is_a_product_of_bernoullis();
    interactions_classes_and_never();
    /* N-hat values: data/README.md (MultipleSystemsEstimation 1.2.0 stepwise, pthresh 0.02) */
    fitted_scenario_matches_its_data(SCN_DIR "/uk5_stepwise.scn", DFG_DATA_DIR "/uk2013_5.csv",
                                     "[12,13,24,25,35,45]", 2744.0, 11313.0);
    fitted_scenario_matches_its_data(SCN_DIR "/nl6_stepwise.scn", DFG_DATA_DIR "/netherlands_6.csv",
                                     "[12,16,23,25,34,36,45,46]", 8234.0, 111139.4);
    parse_errors_name_their_place();
    draws_are_reproducible_and_have_the_right_mean();
    stored_scenarios_parse();
    allocation_failures_are_clean();
    CHECK_DONE();
}
