/* models/search_est.c: the model searches behind the estimator interface: "stepwise",
 * "aic-stepwise", "exhaustive", "downhill" (see models/search.c for the methods and their
 * references). The estimate is the chosen model's N = n + exp(beta_0) with its log-normal
 * interval (Chao 1987); AIC and BIC count every term as MultipleSystemsEstimation 1.2.0 does.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "models.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ** {======================================================================
 * The search estimators
 * ======================================================================= */

static dfg_status est_search(dfg_search_method m, const dfg_table *t, size_t s,
                             const dfg_est_opts *o, dfg_estimate *out, dfg_error *err)
{
    dfg_search_opts so = dfg_search_opts_default();
    so.method = m;
    so.max_order = o->max_order;
    so.threshold = o->threshold;
    so.top = 1;
    so.best_only = 1; /* only rows[0] is used */
    if (o->want_ci && dfg_level_check(o->level, err) != DFG_OK)
        return DFG_EINVAL;
    so.level = o->want_ci ? o->level : 0.95;
    so.glm = o->glm;
    memset(out, 0, sizeof *out);
    out->n_obs = dfg_table_n_obs(t, s);
    out->nhat = out->se = out->dark = NAN;
    dfg_status rc = DFG_OK;
    if (o->criterion && (rc = dfg_criterion_parse(o->criterion, &so.criterion, err)))
        return rc;
    dfg_search_result r;
    if ((rc = dfg_search_run(t, s, &so, &r, err)))
        return rc;
    const dfg_search_row *row = &r.rows[0];
    out->status = DFG_OK;
    out->check = row->status;
    out->nhat = row->nhat;
    out->se = row->se_nhat;
    out->dark = row->nhat - out->n_obs;
    out->deviance = row->deviance;
    out->df = row->df;
    /* AIC and BIC with MultipleSystemsEstimation's p (terms at -inf counted) */
    out->aic = 2.0 * (double)row->p - 2.0 * row->loglik;
    out->bic = (double)row->p * log(out->n_obs) - 2.0 * row->loglik;
    dfg_model_format(&row->model, t, out->model, sizeof out->model);
    if (row->n_boundary) {
        size_t len = (size_t)snprintf(out->note, sizeof out->note, "terms at -inf (no overlap):");
        for (size_t i = 0; i < row->n_boundary && len < sizeof out->note; i++) {
            dfg_model one = {t ? dfg_table_k(t) : 0, 1, &row->boundary[i]};
            char buf[64];
            dfg_model_format(&one, t, buf, sizeof buf);
            len += (size_t)snprintf(out->note + len, sizeof out->note - len, " %s", buf);
        }
    }
    if (o->want_ci) {
        dfg_ci_type type = o->ci_type == DFG_CI_NONE ? DFG_CI_LOGNORMAL : o->ci_type;
        if (type != DFG_CI_LOGNORMAL)
            rc = dfg_err_set(err, DFG_EINVAL, "search",
                             "interval %s: a search gives log-normal intervals (or bootstrap)",
                             dfg_ci_type_name(type));
        else
            rc = dfg_interval_lognormal(out->n_obs, row->nhat, row->se_nhat, o->level, &out->ci,
                                        err);
    }
    dfg_search_result_free(&r);
    if (rc == DFG_OK)
        dfg_estimate_judge(out, 0);
    return rc;
}

static dfg_status est_stepwise(const dfg_table *t, size_t s, const dfg_est_opts *o,
                               dfg_estimate *out, dfg_error *err)
{
    return est_search(DFG_SEARCH_STEPWISE, t, s, o, out, err);
}

static dfg_status est_aic_stepwise(const dfg_table *t, size_t s, const dfg_est_opts *o,
                                   dfg_estimate *out, dfg_error *err)
{
    return est_search(DFG_SEARCH_AIC_STEPWISE, t, s, o, out, err);
}

static dfg_status est_exhaustive(const dfg_table *t, size_t s, const dfg_est_opts *o,
                                 dfg_estimate *out, dfg_error *err)
{
    return est_search(DFG_SEARCH_EXHAUSTIVE, t, s, o, out, err);
}

static dfg_status est_downhill(const dfg_table *t, size_t s, const dfg_est_opts *o,
                               dfg_estimate *out, dfg_error *err)
{
    return est_search(DFG_SEARCH_DOWNHILL, t, s, o, out, err);
}

const dfg_estimator dfg_est_stepwise = {
    "stepwise", "log-linear, pairs added by Poisson p-value (Chan, Silverman & Vincent 2021)", 3,
    est_stepwise};
const dfg_estimator dfg_est_aic_stepwise = {
    "aic-stepwise", "log-linear, pairs added by AIC gain (Bales, Hesketh & Silverman 2015)", 3,
    est_aic_stepwise};
const dfg_estimator dfg_est_exhaustive = {
    "exhaustive", "log-linear, best of all hierarchical models by BIC/AIC/AICc", 3, est_exhaustive};
const dfg_estimator dfg_est_downhill = {
    "downhill", "log-linear, greedy search on BIC/AIC/AICc (Silverman, Chan & Vincent 2024)", 3,
    est_downhill};

/* ** }====================================================================== */
