/* core/value.c: is a number an estimate? The one rule every estimator and every summary
 * follows (darkfig.h, "Limits and results that are not estimates").
 *
 * An estimate N of a total, with its s.e. and interval, is judged in this order: N not a
 * number; N infinite; N above DFG_NHAT_MAX_RATIO times the people observed (a fit run off
 * to a numerical infinity: Rcapture prints such Mbh estimates of 9.5e10 for 79 animals);
 * N below the people observed (a removal model that fell below n); the fit at the
 * boundary of the parameter space (the estimator says so); the s.e. not finite or
 * negative; an interval limit that is not a number without being flagged "beyond the
 * search range" or "at n". The first that holds is the status, with a one-line reason.
 * Anything but DFG_VALUE_OK is never "fine", never the best by a criterion, never
 * averaged, never summarised as a number.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <math.h>
#include <stdio.h>

const char *dfg_value_name(dfg_value_status v)
{
    switch (v) {
    case DFG_VALUE_OK:
        return "fine";
    case DFG_VALUE_NAN:
        return "not a number";
    case DFG_VALUE_INFINITE:
        return "infinite";
    case DFG_VALUE_ABOVE_BOUND:
        return "beyond bound";
    case DFG_VALUE_BELOW_N:
        return "below n";
    case DFG_VALUE_BOUNDARY:
        return "at the boundary";
    case DFG_VALUE_NO_SE:
        return "no s.e.";
    case DFG_VALUE_NO_INTERVAL:
        return "no interval";
    }
    return "unknown";
}

dfg_value_status dfg_value_judge(double n_obs, double nhat, double se, const dfg_interval *ci,
                                 int at_boundary, char *reason, size_t size)
{
    char dummy[8];
    if (!reason || !size) {
        reason = dummy;
        size = sizeof dummy;
    }
    reason[0] = '\0';
    if (isnan(nhat)) {
        snprintf(reason, size, "the estimate of N is not a number");
        return DFG_VALUE_NAN;
    }
    if (isinf(nhat)) {
        snprintf(reason, size, "the estimate of N is infinite");
        return DFG_VALUE_INFINITE;
    }
    if (n_obs > 0.0 && nhat > DFG_NHAT_MAX_RATIO * n_obs) {
        snprintf(reason, size,
                 "N = %.3g is more than %g times the %.15g people observed: the fit ran off to "
                 "infinity",
                 nhat, DFG_NHAT_MAX_RATIO, n_obs);
        return DFG_VALUE_ABOVE_BOUND;
    }
    if (nhat < n_obs * (1.0 - 1e-12)) {
        snprintf(reason, size, "N = %.6g is below the %.15g people observed", nhat, n_obs);
        return DFG_VALUE_BELOW_N;
    }
    if (at_boundary) {
        snprintf(reason, size,
                 "the fit is at the boundary (fitted rates 0 or a rank-deficient design)");
        return DFG_VALUE_BOUNDARY;
    }
    if (!(se >= 0.0) || isinf(se)) {
        snprintf(reason, size,
                 "the standard error is %s (the information matrix is singular at the fit)",
                 isnan(se)   ? "not a number"
                 : isinf(se) ? "infinite"
                             : "negative");
        return DFG_VALUE_NO_SE;
    }
    if (ci && ci->type != DFG_CI_NONE) {
        int lo_bad = isnan(ci->lower) && !ci->lower_at_n;
        int hi_bad = isnan(ci->upper) && !ci->upper_beyond;
        if (lo_bad || hi_bad || isinf(ci->lower) || (isinf(ci->upper) && !ci->upper_beyond)) {
            snprintf(reason, size, "the %s limit of the interval is not a number",
                     lo_bad ? "lower" : "upper");
            return DFG_VALUE_NO_INTERVAL;
        }
    }
    return DFG_VALUE_OK;
}

void dfg_estimate_judge(dfg_estimate *e, int at_boundary)
{
    if (!e)
        return;
    if (e->status != DFG_OK && isinf(e->nhat)) {
        e->value = DFG_VALUE_INFINITE;
        snprintf(e->reason, sizeof e->reason, "the estimate of N is infinite (%s)",
                 dfg_strerror(e->status));
        return;
    }
    if (e->status != DFG_OK) {
        e->value = DFG_VALUE_NAN;
        snprintf(e->reason, sizeof e->reason, "no estimate: %s", dfg_strerror(e->status));
        return;
    }
    e->value =
        dfg_value_judge(e->n_obs, e->nhat, e->se, &e->ci, at_boundary, e->reason, sizeof e->reason);
}
