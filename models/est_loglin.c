/* models/est_loglin.c: log-linear multiple-systems estimators behind the estimator interface.
 *
 * "mt":     the main-effects (independence) model, Rcapture's Mt.
 * "loglin": any hierarchical model given in bracket notation (dfg_est_opts.model).
 * N = n + exp(beta_0) with var(N) = m0 + m0^2 var(beta_0) (Rcapture 1.4; Baillargeon &
 * Rivest 2007); the interval is the multinomial profile likelihood (Cormack 1992) unless
 * the log-normal one (Chao 1987) is asked for.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "models.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

dfg_status dfg_loglin_fit_checked(const dfg_table *t, size_t s, const dfg_model *m,
                                  const dfg_glm_opts *opts, dfg_fit *fit, dfg_check_status *check,
                                  dfg_error *err)
{
    dfg_check_result cr;
    memset(&cr, 0, sizeof cr);
    char name[256];
    dfg_model_format(m, t, name, sizeof name);
    dfg_status rc = dfg_check_model(t, s, m, &cr, err);
    if (rc != DFG_OK)
        return rc;
    *check = cr.status;
    if (cr.status == DFG_CHECK_NOMLE)
        rc = dfg_err_set(err, DFG_ENOMLE, "model",
                         "%s: the maximum-likelihood estimate does not exist on these data (no "
                         "table with positive cells has the same margins; Fienberg & Rinaldo 2012)",
                         name);
    else if (cr.status == DFG_CHECK_NOTIDENT)
        rc = dfg_err_set(err, DFG_ESING, "model",
                         "%s is not identifiable on these data (its design on the observable "
                         "cells is rank-deficient)",
                         name);
    else
        rc = dfg_loglin_fit_boundary(t, s, m, cr.boundary, cr.n_boundary, opts, fit, err);
    dfg_check_result_free(&cr);
    return rc;
}

/* Fill *out from a fit of model m (already parsed) on stratum s. */
static dfg_status estimate_model(const dfg_table *t, size_t s, const dfg_model *m,
                                 const dfg_est_opts *o, dfg_estimate *out, dfg_error *err)
{
    dfg_fit fit;
    memset(&fit, 0, sizeof fit);
    dfg_check_status check = DFG_CHECK_FINE;
    dfg_status rc = dfg_loglin_fit_checked(t, s, m, &o->glm, &fit, &check, err);
    out->status = rc;
    out->check = check;
    out->n_obs = dfg_table_n_obs(t, s);
    out->nhat = fit.nhat;
    out->se = fit.se_nhat;
    out->dark = fit.m0;
    out->deviance = fit.deviance;
    out->df = fit.df;
    out->aic = fit.aic;
    out->bic = fit.bic;
    dfg_model_format(m, t, out->model, sizeof out->model);
    if (rc == DFG_OK && o->want_ci) {
        dfg_ci_type type = o->ci_type == DFG_CI_NONE ? DFG_CI_PROFILE : o->ci_type;
        if (type == DFG_CI_LOGNORMAL)
            rc = dfg_interval_lognormal(out->n_obs, fit.nhat, fit.se_nhat, o->level, &out->ci, err);
        else if (type == DFG_CI_PROFILE && fit.n_boundary > 0)
            rc = dfg_interval_lognormal(out->n_obs, fit.nhat, fit.se_nhat, o->level, &out->ci, err);
        else if (type == DFG_CI_PROFILE)
            rc = dfg_interval_profile(t, s, m, &o->glm, o->level, &out->ci, err);
        else
            rc = dfg_err_set(err, DFG_EINVAL, "loglin",
                             "interval type %s needs the bootstrap (--bootstrap B)",
                             dfg_ci_type_name(type));
        if (rc == DFG_OK && out->ci.lower_at_n)
            snprintf(out->note, sizeof out->note,
                     "profile has no root below N: lower limit set to n");
        if (rc == DFG_OK && out->ci.upper_beyond)
            snprintf(out->note, sizeof out->note,
                     "profile upper limit beyond the search range (%.6g)", out->ci.search_limit);
    }
    dfg_fit_free(&fit);
    dfg_estimate_judge(out, 0);
    return rc;
}

static dfg_status est_mt(const dfg_table *t, size_t s, const dfg_est_opts *o, dfg_estimate *out,
                         dfg_error *err)
{
    dfg_model m = {0, 0, NULL};
    dfg_status rc = dfg_model_independence(dfg_table_k(t), &m, err);
    if (rc == DFG_OK)
        rc = estimate_model(t, s, &m, o, out, err);
    dfg_model_free(&m);
    return rc;
}

static dfg_status est_loglin(const dfg_table *t, size_t s, const dfg_est_opts *o, dfg_estimate *out,
                             dfg_error *err)
{
    dfg_model m = {0, 0, NULL};
    dfg_status rc = dfg_model_parse(o->model ? o->model : "", t, &m, err);
    if (rc == DFG_OK)
        rc = estimate_model(t, s, &m, o, out, err);
    dfg_model_free(&m);
    return rc;
}

const dfg_estimator dfg_est_mt = {
    "mt", "log-linear main-effects (independence) model, Rcapture's Mt", 2, est_mt};
const dfg_estimator dfg_est_loglin = {
    "loglin", "hierarchical log-linear model given with --model (default: independence)", 2,
    est_loglin};
