/* models/two_list.c: the two-list estimators Lincoln-Petersen and Chapman.
 *
 * On lists a and b of a table (or list a against the union of all the others, b < 0),
 * with n1 = people on a, n2 = people on b, m = people on both:
 *   Lincoln-Petersen (Petersen 1896; Lincoln 1930): N = n1 n2 / m,
 *     var = n1 n2 (n1 - m)(n2 - m) / m^3 (the delta-method variance);
 *   Chapman (1951): N = (n1 + 1)(n2 + 1) / (m + 1) - 1,
 *     Seber (1970, 1982 p. 60) variance (n1 + 1)(n2 + 1)(n1 - m)(n2 - m) / ((m + 1)^2 (m + 2))
 *     (Rcapture closedp.bc's "Chapman" row).
 * Interval: Chao's (1987) log-normal by default, or the multinomial profile likelihood of
 * the independence model on the collapsed 2 x 2 table (Cormack 1992) when asked.
 * With m = 0 Lincoln-Petersen is infinite (DFG_ENOMLE); Chapman stays finite.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "models.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    double n10, n01, n11; /* on a only, on b only, on both */
} two_counts;

/* Collapse stratum s onto lists a and b (b < 0: every list but a). */
static dfg_status two_list_counts(const dfg_table *t, size_t s, int a, int b, two_counts *c,
                                  dfg_error *err)
{
    size_t k = dfg_table_k(t);
    if (a < 0 || (size_t)a >= k || (b >= 0 && ((size_t)b >= k || b == a)))
        return dfg_err_set(err, DFG_EINVAL, "two-list",
                           "lists a = %d, b = %d: need two different lists of 0..%zu (b < 0 = "
                           "the others)",
                           a, b, k - 1);
    uint32_t ma = (uint32_t)1 << a;
    uint32_t mb = b >= 0 ? (uint32_t)1 << b : (uint32_t)(((uint64_t)1 << k) - 1) & ~ma;
    memset(c, 0, sizeof *c);
    size_t np = dfg_table_n_patterns(t, s);
    for (size_t i = 0; i < np; i++) {
        uint32_t pat;
        double cnt;
        dfg_table_pattern(t, s, i, &pat, &cnt);
        int on_a = (pat & ma) != 0, on_b = (pat & mb) != 0;
        if (on_a && on_b)
            c->n11 += cnt;
        else if (on_a)
            c->n10 += cnt;
        else if (on_b)
            c->n01 += cnt;
    }
    return DFG_OK;
}

static void list_label(const dfg_table *t, int j, char *buf, size_t size)
{
    if (j < 0)
        snprintf(buf, size, "others");
    else
        snprintf(buf, size, "%s", dfg_table_list_name(t, (size_t)j));
}

/* Profile interval of the independence model on the 2 x 2 table of c. */
static dfg_status two_list_profile(const dfg_table *t, int a, int b, const two_counts *c,
                                   const dfg_est_opts *o, dfg_interval *ci, dfg_error *err)
{
    char la[64], lb[64];
    list_label(t, a, la, sizeof la);
    list_label(t, b, lb, sizeof lb);
    const char *names[2] = {la, lb};
    /* cells by pattern: 1 = a only, 2 = b only, 3 = both */
    double y[4] = {0.0, c->n10, c->n01, c->n11};
    dfg_model m = {0, 0, NULL};
    dfg_table *t2 = dfg_table_from_cells(2, names, y, err);
    if (!t2)
        return err && err->code != DFG_OK ? err->code : DFG_ENOMEM;
    dfg_status rc = dfg_model_independence(2, &m, err);
    if (rc == DFG_OK)
        rc = dfg_interval_profile(t2, 0, &m, &o->glm, o->level, ci, err);
    dfg_model_free(&m);
    dfg_table_free(t2);
    return rc;
}

static dfg_status two_list_estimate(int chapman, const dfg_table *t, size_t s,
                                    const dfg_est_opts *o, dfg_estimate *out, dfg_error *err)
{
    const char *who = chapman ? "chapman" : "lincoln-petersen";
    if (!t || !o || !out)
        return dfg_err_set(err, DFG_EINVAL, who, "NULL argument");
    memset(out, 0, sizeof *out);
    out->se = out->nhat = out->dark = NAN;
    out->deviance = out->df = out->aic = out->bic = NAN;
    out->ci.lower = out->ci.upper = out->ci.point = out->ci.search_limit = NAN;
    if (s >= dfg_table_n_strata(t))
        return dfg_err_set(err, DFG_EINVAL, who, "stratum %zu of %zu", s, dfg_table_n_strata(t));
    int a = o->list_a, b = o->list_b;
    two_counts c = {0.0, 0.0, 0.0};
    dfg_status rc = two_list_counts(t, s, a, b, &c, err);
    if (rc != DFG_OK)
        return out->status = rc;
    char la[64], lb[64];
    list_label(t, a, la, sizeof la);
    list_label(t, b, lb, sizeof lb);
    snprintf(out->model, sizeof out->model, "%.100s x %.100s", la, lb);
    double n1 = c.n10 + c.n11, n2 = c.n01 + c.n11, m = c.n11;
    out->n_obs = c.n10 + c.n01 + c.n11;
    if (!(n1 > 0.0) || !(n2 > 0.0))
        return out->status = dfg_err_set(err, DFG_EDATA, who,
                                         "list %s or %s has nobody (n1 %g, n2 %g)", la, lb, n1, n2);
    if (chapman) {
        /* N = (n1 + 1)(n2 + 1) / (m + 1) - 1 */
        out->nhat = (n1 + 1.0) * (n2 + 1.0) / (m + 1.0) - 1.0;
        /* Seber: (n1 + 1)(n2 + 1)(n1 - m)(n2 - m) / ((m + 1)^2 (m + 2)) */
        out->se = sqrt((n1 + 1.0) * (n2 + 1.0) * (n1 - m) * (n2 - m) /
                       ((m + 1.0) * (m + 1.0) * (m + 2.0)));
        if (m == 0.0)
            snprintf(out->note, sizeof out->note,
                     "lists %.40s and %.40s never overlap: Chapman is finite but says little", la,
                     lb);
    } else {
        if (m == 0.0) {
            out->nhat = out->dark = INFINITY;
            out->check = DFG_CHECK_NOMLE;
            snprintf(out->note, sizeof out->note,
                     "lists %.40s and %.40s never overlap: Lincoln-Petersen is infinite", la, lb);
            return out->status = dfg_err_set(err, DFG_ENOMLE, who,
                                             "lists %s and %s never overlap (m = 0)", la, lb);
        }
        /* N = n1 n2 / m, var = n1 n2 (n1 - m)(n2 - m) / m^3 */
        out->nhat = n1 * n2 / m;
        out->se = sqrt(n1 * n2 * (n1 - m) * (n2 - m) / (m * m * m));
    }
    out->dark = out->nhat - out->n_obs;
    out->status = DFG_OK;
    if (!o->want_ci)
        return DFG_OK;
    dfg_ci_type type = o->ci_type == DFG_CI_NONE ? DFG_CI_LOGNORMAL : o->ci_type;
    if (type == DFG_CI_LOGNORMAL)
        rc = dfg_interval_lognormal(out->n_obs, out->nhat, out->se, o->level, &out->ci, err);
    else if (type == DFG_CI_PROFILE)
        rc = two_list_profile(t, a, b, &c, o, &out->ci, err);
    else
        rc = dfg_err_set(err, DFG_EINVAL, who, "interval type %s is not offered here",
                         dfg_ci_type_name(type));
    return rc;
}

static dfg_status est_lincoln_petersen(const dfg_table *t, size_t s, const dfg_est_opts *o,
                                       dfg_estimate *out, dfg_error *err)
{
    dfg_status rc = two_list_estimate(0, t, s, o, out, err);
    if (out)
        dfg_estimate_judge(out, 0);
    return rc;
}

static dfg_status est_chapman(const dfg_table *t, size_t s, const dfg_est_opts *o,
                              dfg_estimate *out, dfg_error *err)
{
    dfg_status rc = two_list_estimate(1, t, s, o, out, err);
    if (out)
        dfg_estimate_judge(out, 0);
    return rc;
}

const dfg_estimator dfg_est_lincoln_petersen = {
    "lincoln-petersen",
    "two lists (list_a, list_b; b < 0 = the others): n1 n2 / m, log-normal interval", 2,
    est_lincoln_petersen};

const dfg_estimator dfg_est_chapman = {
    "chapman", "two lists: (n1 + 1)(n2 + 1) / (m + 1) - 1, Seber's variance, log-normal interval",
    2, est_chapman};
