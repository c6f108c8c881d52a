/* tests/test_holdout.c: the hold-one-list-out check (models/holdout.c) on
 * data/netherlands_6.csv and data/uk2013_5.csv, recomputed independently here from the
 * dense cells with a Lincoln-Petersen estimator on the remaining lists.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"
#include "oracle.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

/* A test estimator: Lincoln-Petersen (Petersen 1896) of the first list against the union of
 * the others, N = n_a n_b / m, with the s.e. of Seber (1982, eq. 3.3 without the +1s):
 * var = n_a n_b (n_a - m)(n_b - m) / m^3. No interval: the check must use the s.e. */
static dfg_status lp_first(const dfg_table *t, size_t s, const dfg_est_opts *o, dfg_estimate *out,
                           dfg_error *err)
{
    (void)o;
    (void)err;
    double na, nb, m;
    oracle_first_vs_rest(t, s, &na, &nb, &m);
    memset(out, 0, sizeof *out);
    out->n_obs = dfg_table_n_obs(t, s);
    if (m == 0.0)
        return out->status = DFG_ENOMLE;
    out->nhat = na * nb / m;
    out->se = sqrt(na * nb * (na - m) * (nb - m) / (m * m * m));
    out->ci.type = DFG_CI_NONE;
    snprintf(out->model, sizeof out->model, "LP first vs rest");
    return out->status = DFG_OK;
}

static const dfg_estimator lp_est = {"lp-first", "test", 2, lp_first};
static const dfg_estimator five_lists = {"five", "test", 5, lp_first};

/* The same numbers straight from the dense cells y of the k-list table. */
static void by_hand(const double *y, size_t k, size_t j, double level, double *known, double *m_j,
                    double *n_o, double *est, double *lo, double *hi)
{
    size_t a = j == 0 ? 1 : 0; /* first remaining list */
    uint32_t bj = 1u << j, ba = 1u << a, rest = ((1u << k) - 1) & ~bj & ~ba;
    double na = 0, nb = 0, m = 0;
    *known = *m_j = *n_o = 0;
    for (uint32_t x = 1; x < (1u << k); x++) {
        *known += (x & bj) ? y[x] : 0.0;
        *n_o += (x & ~bj) ? y[x] : 0.0;
        *m_j += ((x & bj) && (x & ~bj)) ? y[x] : 0.0;
        na += (x & ba) ? y[x] : 0.0;
        nb += (x & rest) ? y[x] : 0.0;
        m += ((x & ba) && (x & rest)) ? y[x] : 0.0;
    }
    double nhat = na * nb / m, se = sqrt(na * nb * (na - m) * (nb - m) / (m * m * m));
    *est = *m_j * nhat / *n_o;
    double z = gsl_cdf_ugaussian_Pinv(0.5 * (1.0 + level));
    double h = z * se / nhat, q = *m_j / *n_o, v = z * z * (1.0 - q) / *m_j;
    *lo = *est * exp(-sqrt(h * h + v));
    *hi = *est * exp(sqrt(h * h + v));
}

static void check_file(const char *csv)
{
    dfg_error err = {0};
    dfg_table *t = NULL;
    CHECK_CODE(dfg_table_read_csv(csv, NULL, &t, &err), DFG_OK);
    if (!t)
        return;
    size_t k = dfg_table_k(t);
    double *y = calloc((size_t)1 << k, sizeof *y);
    dfg_table_cells(t, 0, y, &err);
    dfg_holdout_row rows[DFG_MAX_LISTS];
    dfg_est_opts o = dfg_est_opts_default();
    o.level = 0.9;
    CHECK_CODE(dfg_holdout_run(t, 0, &lp_est, &o, rows, &err), DFG_OK);
    for (size_t j = 0; j < k; j++) {
        double known, m_j, n_o, est, lo, hi;
        by_hand(y, k, j, 0.9, &known, &m_j, &n_o, &est, &lo, &hi);
        CHECK(rows[j].list == j);
        CHECK_CODE(rows[j].status, DFG_OK);
        CHECK_ABS(rows[j].known, known, 0.0);
        CHECK_ABS(rows[j].recaptured, m_j, 0.0);
        CHECK_ABS(rows[j].n_others, n_o, 0.0);
        CHECK_REL(rows[j].estimate, est, 1e-12);
        CHECK_REL(rows[j].log_rel_bias, log(est / known), 1e-10);
        CHECK_REL(rows[j].lower, lo, 1e-12);
        CHECK_REL(rows[j].upper, hi, 1e-12);
        CHECK(rows[j].covers == (lo <= known && known <= hi));
        CHECK(strcmp(rows[j].model, "LP first vs rest") == 0);
    }
    free(y);
    dfg_table_free(t);
}

/* With the log-linear Mt estimator (when this build has it): the estimate is m_j N_O / n_O
 * with N_O from the same estimator called directly on a (k-1)-list table built here. */
static void check_mt(const char *csv)
{
    const dfg_estimator *mt = dfg_estimator_find("mt");
    if (!mt)
        return;
    dfg_error err = {0};
    dfg_table *t = NULL;
    CHECK_CODE(dfg_table_read_csv(csv, NULL, &t, &err), DFG_OK);
    if (!t)
        return;
    size_t k = dfg_table_k(t), nc = (size_t)1 << k;
    double *y = calloc(nc, sizeof *y), *z = calloc(nc / 2, sizeof *z);
    dfg_table_cells(t, 0, y, &err);
    dfg_holdout_row rows[DFG_MAX_LISTS];
    dfg_est_opts o = dfg_est_opts_default();
    CHECK_CODE(dfg_holdout_run(t, 0, mt, &o, rows, &err), DFG_OK);
    for (size_t j = 0; j < k; j++) {
        const char *names[DFG_MAX_LISTS];
        double known = 0, m_j = 0, n_o = 0;
        memset(z, 0, nc / 2 * sizeof *z);
        for (size_t i = 0, r = 0; i < k; i++)
            if (i != j)
                names[r++] = dfg_table_list_name(t, i);
        for (size_t x = 1; x < nc; x++) {
            size_t r = 0; /* x without bit j, by rebuilding the bits one at a time */
            for (size_t i = 0, b = 0; i < k; i++)
                if (i != j)
                    r |= ((x >> i) & 1u) << b++;
            z[r] += y[x];
            known += (x >> j & 1) ? y[x] : 0.0;
            if (r) {
                n_o += y[x];
                m_j += (x >> j & 1) ? y[x] : 0.0;
            }
        }
        dfg_table *u = dfg_table_from_cells(k - 1, names, z, &err);
        dfg_estimate e;
        memset(&e, 0, sizeof e);
        CHECK_CODE(mt->estimate(u, 0, &o, &e, &err), DFG_OK);
        CHECK_ABS(rows[j].known, known, 0.0);
        CHECK_REL(rows[j].nhat_others, e.nhat, 1e-12);
        CHECK_REL(rows[j].estimate, m_j * e.nhat / n_o, 1e-12);
        CHECK(rows[j].lower < rows[j].estimate && rows[j].estimate < rows[j].upper);
        dfg_table_free(u);
    }
    free(y);
    free(z);
    dfg_table_free(t);
}

static void bad_arguments(void)
{
    dfg_error err = {0};
    dfg_table *t = NULL;
    dfg_holdout_row rows[DFG_MAX_LISTS];
    dfg_table_read_csv(DFG_DATA_DIR "/uk2013_5.csv", NULL, &t, &err);
    CHECK_CODE(dfg_holdout_run(t, 0, &five_lists, NULL, rows, &err), DFG_EINVAL);
    CHECK_CODE(dfg_holdout_run(t, 1, &lp_est, NULL, rows, &err), DFG_EINVAL);
    CHECK_CODE(dfg_holdout_run(NULL, 0, &lp_est, NULL, rows, &err), DFG_EINVAL);
    dfg_table_free(t);
    double y[4] = {0, 5, 6, 7};
    const char *nm[2] = {"A", "B"};
    t = dfg_table_from_cells(2, nm, y, &err);
    CHECK_CODE(dfg_holdout_run(t, 0, &lp_est, NULL, rows, &err), DFG_EINVAL);
    dfg_table_free(t);
}

int main(void)
{
    gsl_set_error_handler_off();
    check_file(DFG_DATA_DIR "/netherlands_6.csv");
    check_file(DFG_DATA_DIR "/uk2013_5.csv");
    /* data/README.md: on netherlands_6, P (list 4) against any other list: n11 = 346,
     * n10 = 4466, n01 = 3422; so n_P = 4812, m_P = 346, n_O = 3768 */
    dfg_error err = {0};
    dfg_table *t = NULL;
    dfg_holdout_row rows[DFG_MAX_LISTS];
    dfg_table_read_csv(DFG_DATA_DIR "/netherlands_6.csv", NULL, &t, &err);
    CHECK_CODE(dfg_holdout_run(t, 0, &lp_est, NULL, rows, &err), DFG_OK);
    CHECK_ABS(rows[3].known, 4812.0, 0.0);
    CHECK_ABS(rows[3].recaptured, 346.0, 0.0);
    CHECK_ABS(rows[3].n_others, 3768.0, 0.0);
    dfg_table_free(t);
    check_mt(DFG_DATA_DIR "/netherlands_6.csv");
    check_mt(DFG_DATA_DIR "/uk2013_5.csv");
    bad_arguments();
    CHECK_DONE();
}
