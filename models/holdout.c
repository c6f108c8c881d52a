/* models/holdout.c: the internal-consistency check: hold out each list in turn and
 * estimate its known size from the other lists (the library part of `darkfig check`).
 *
 * Definition, for a table of k >= 3 lists and a held-out list j (O = the other lists):
 *   n_j  = people on list j (known);
 *   n_O  = people on at least one list of O;
 *   m_j  = people on list j and on at least one list of O (the "recaptures");
 *   N_O  = the chosen estimator's population total from the (k-1)-list table of O
 *          (people on j only are invisible to it);
 *   estimate of n_j = m_j N_O / n_O.
 * Rationale: if being on list j is independent of being on the lists of O (the
 * two-sample assumption of Petersen 1896 and Lincoln 1930, with "on some list of O"
 * as the first sample), the share of the population that O covers, n_O / N_O, is also
 * the share of list j that O covers, m_j / n_j; solving for n_j gives the estimate.
 * Read the other way: N_O times the fraction of O's people that j also holds. A method
 * whose N_O is right (and a list j not strongly dependent on the others) recovers n_j;
 * log(estimate / n_j), the log relative bias, shows how far off the method is on the
 * researcher's own data, list by list. It needs no simulation and no outside truth,
 * which is why it is offered as a diagnostic before trusting a method; its weakness is
 * that it mixes the estimator's error with the dependence between j and O.
 *
 * Interval at level L (z = Phi^-1((1 + L) / 2)), combining on the log scale:
 *   - the estimator's own interval [l_O, u_O] for N_O (half-widths h_lo = log N_O -
 *     log l_O, h_hi = log u_O - log N_O; from its s.e. as z se / N_O when it gives no
 *     interval; an unbounded upper limit stays unbounded);
 *   - the binomial error of q = m_j / n_O given n_O: var(log q) ~ (1 - q) / m_j
 *     (delta method);
 *   lower = estimate exp(-sqrt(h_lo^2 + z^2 var(log q))), upper likewise with h_hi.
 * The interval "covers" when lower <= n_j <= upper.
 *
 * Copyright (C) 2026 the darkfig authors. SPDX-License-Identifier: GPL-3.0-or-later */
#include "models.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

/* The (k-1)-list table of the lists other than j: pattern x -> x with bit j removed. */
static dfg_table *others_table(const dfg_table *t, size_t s, size_t j, double *n_j, double *m_j,
                               double *n_o, dfg_error *err)
{
    size_t k = dfg_table_k(t);
    const char *names[DFG_MAX_LISTS];
    for (size_t i = 0, o = 0; i < k; i++)
        if (i != j)
            names[o++] = dfg_table_list_name(t, i);
    dfg_table *r = dfg_table_new(k - 1, names, 0, NULL, err);
    if (!r)
        return NULL;
    uint32_t bit = (uint32_t)1 << j, low = bit - 1;
    *n_j = *m_j = *n_o = 0.0;
    size_t np = dfg_table_n_patterns(t, s);
    for (size_t i = 0; i < np; i++) {
        uint32_t x;
        double c;
        dfg_table_pattern(t, s, i, &x, &c);
        uint32_t rest = x & ~bit;
        if (x & bit)
            *n_j += c;
        if (!rest)
            continue;
        *n_o += c;
        if (x & bit)
            *m_j += c;
        /* drop bit j: lower bits stay, higher bits move down one place */
        uint32_t y = (rest & low) | ((rest >> 1) & ~low);
        if (c > 0.0 && dfg_table_add(r, 0, y, c, err) != DFG_OK) {
            dfg_table_free(r);
            return NULL;
        }
    }
    return r;
}

dfg_status dfg_holdout_run(const dfg_table *t, size_t s, const dfg_estimator *est,
                           const dfg_est_opts *opts, dfg_holdout_row *rows, dfg_error *err)
{
    if (!t || !est || !est->estimate || !rows)
        return dfg_err_set(err, DFG_EINVAL, "holdout", "table, estimator and rows are needed");
    size_t k = dfg_table_k(t);
    if (k < 3)
        return dfg_err_set(err, DFG_EINVAL, "holdout",
                           "holding out a list needs at least 3 lists (got %zu)", k);
    if (s >= dfg_table_n_strata(t))
        return dfg_err_set(err, DFG_EINVAL, "holdout", "no stratum %zu", s);
    if (est->min_lists > k - 1)
        return dfg_err_set(err, DFG_EINVAL, "holdout",
                           "estimator %s needs %zu lists; %zu remain when one is held out",
                           est->name, est->min_lists, k - 1);
    dfg_est_opts o = opts ? *opts : dfg_est_opts_default();
    if (dfg_level_check(o.level, err) != DFG_OK)
        return DFG_EINVAL;
    double z = gsl_cdf_ugaussian_Pinv(0.5 * (1.0 + o.level));
    for (size_t j = 0; j < k; j++) {
        dfg_holdout_row *row = &rows[j];
        memset(row, 0, sizeof *row);
        row->list = j;
        row->estimate = row->lower = row->upper = row->log_rel_bias = row->nhat_others = NAN;
        row->covers = -1;
        dfg_table *r = others_table(t, s, j, &row->known, &row->recaptured, &row->n_others, err);
        if (!r)
            return err && err->code ? err->code : DFG_ENOMEM;
        dfg_estimate e;
        memset(&e, 0, sizeof e);
        dfg_error e_err = {0};
        row->status = est->estimate(r, 0, &o, &e, &e_err);
        dfg_table_free(r);
        if (row->status == DFG_ENOMEM)
            return dfg_err_set(err, DFG_ENOMEM, "holdout", "out of memory in %s", est->name);
        /* a model that does not parse, or options the estimator refuses, fail on every
         * list alike: an error of the call, not a row of NaN */
        if (row->status == DFG_EPARSE || row->status == DFG_EINVAL)
            return dfg_err_set(err, row->status, e_err.where[0] ? e_err.where : "holdout", "%s",
                               e_err.msg[0] ? e_err.msg : dfg_strerror(row->status));
        snprintf(row->model, sizeof row->model, "%s", e.model);
        if (row->status == DFG_OK && e.status != DFG_OK)
            row->status = e.status;
        /* an N_O that is not an estimate (darkfig.h: infinite, beyond bound, at the
         * boundary) gives no held-out estimate; one without s.e. still gives a point */
        if (row->status == DFG_OK && e.value != DFG_VALUE_OK && e.value != DFG_VALUE_NO_SE &&
            e.value != DFG_VALUE_NO_INTERVAL)
            row->status = DFG_EDATA;
        if (row->status != DFG_OK || !(isfinite(e.nhat) && e.nhat > 0.0))
            continue;
        row->nhat_others = e.nhat;
        if (!(row->recaptured > 0.0) || !(row->n_others > 0.0))
            continue;
        /* n_j-hat = m_j N_O / n_O */
        row->estimate = row->recaptured * e.nhat / row->n_others;
        row->log_rel_bias = log(row->estimate / row->known);
        /* log half-widths of the estimator's interval for N_O, else from its s.e. */
        double h_lo = NAN, h_hi = NAN;
        if (o.want_ci && e.ci.type != DFG_CI_NONE && e.ci.lower > 0.0 && e.ci.lower <= e.nhat) {
            h_lo = log(e.nhat) - log(e.ci.lower);
            h_hi = isfinite(e.ci.upper) ? log(e.ci.upper) - log(e.nhat)
                   : e.ci.upper_beyond  ? HUGE_VAL
                                        : (double)NAN;
            /* the interval for N_O at level e.ci.level: rescale to o.level */
            if (e.ci.level > 0.0 && e.ci.level < 1.0 && fabs(e.ci.level - o.level) > 1e-12) {
                double ratio = z / gsl_cdf_ugaussian_Pinv(0.5 * (1.0 + e.ci.level));
                h_lo *= ratio;
                h_hi *= ratio;
            }
        } else if (isfinite(e.se) && e.se >= 0.0) {
            h_lo = h_hi = z * e.se / e.nhat;
        }
        if (isnan(h_lo) || isnan(h_hi))
            continue;
        /* var(log q) = (1 - q) / m_j, q = m_j / n_O */
        double q = row->recaptured / row->n_others;
        double vq = z * z * (1.0 - q) / row->recaptured;
        row->lower = row->estimate * exp(-sqrt(h_lo * h_lo + vq));
        row->upper = isfinite(h_hi) ? row->estimate * exp(sqrt(h_hi * h_hi + vq)) : HUGE_VAL;
        row->covers = row->lower <= row->known && row->known <= row->upper;
    }
    return DFG_OK;
}
