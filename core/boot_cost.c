/* core/boot_cost.c: what a bootstrap will cost, before it starts (dfg_boot_estimate_cost).
 *
 * A bootstrap runs the whole estimator (its model selection included) once per work item:
 * B replicates, plus for BCa one jackknife fit per distinct observed pattern. Replicates
 * are tables of the same lists and about the same number of people as the data, so the
 * estimator's time on the data is the best predictor of its time on a replicate. The cost
 * model:
 *   items   = B + (BCa ? distinct observed patterns : 0)
 *   seconds = items x t_1 / threads, t_1 = mean time of the estimator on the data (timed
 *             over 1 to DFG_BOOT_COST_MAX_PROBES runs within probe_seconds)
 *   bytes   = items x (an N and a status: 16 bytes) + B x (the model chosen: its notation,
 *             at most 256 bytes) + threads x (the resampling buffers: K x 12 bytes, K = the
 *             distinct patterns, or 2^k cells for the parametric bootstrap, plus the
 *             estimator's workspace, about 2^k x (p + 8) x 8 bytes for a log-linear fit
 *             with p parameters, counted with p = k + 1)
 * Selection makes replicate times vary (a search may visit more models on one replicate
 * than on the data): the estimate is a guide for refusing work that is far too long, not a
 * promise; the command line compares it with a limit and says both.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <string.h>
#include <time.h>

#define DFG_BOOT_COST_MAX_PROBES 5

static double now_seconds(void)
{
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC)
        return 0.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

dfg_status dfg_boot_estimate_cost(const dfg_estimator *est, const dfg_table *t, size_t s,
                                  const dfg_est_opts *eo, const dfg_boot_opts *bo,
                                  double probe_seconds, dfg_boot_cost *cost, dfg_error *err)
{
    if (!cost)
        return dfg_err_set(err, DFG_EINVAL, "boot", "NULL cost");
    memset(cost, 0, sizeof *cost);
    if (!est || !est->estimate || !t || !bo)
        return dfg_err_set(err, DFG_EINVAL, "boot", "estimator, table and options are needed");
    if (s >= dfg_table_n_strata(t))
        return dfg_err_set(err, DFG_EINVAL, "boot", "stratum %zu of %zu", s, dfg_table_n_strata(t));
    if (bo->B < 1)
        return dfg_err_set(err, DFG_EINVAL, "boot", "B must be >= 1");
    if (bo->threads < 1)
        return dfg_err_set(err, DFG_EINVAL, "boot", "threads must be >= 1 (got %d)", bo->threads);
    if (!(probe_seconds >= 0.0))
        return dfg_err_set(err, DFG_EINVAL, "boot", "probe_seconds must be >= 0");
    size_t k = dfg_table_k(t), m = dfg_table_n_patterns(t, s);
    if (bo->type == DFG_BOOT_PARAMETRIC && k > DFG_MAX_FIT_LISTS)
        return dfg_err_too_many_lists(err, k);
    size_t n_jack = bo->interval == DFG_CI_BCA ? m : 0;
    cost->items = bo->B + n_jack;
    /* time of the estimator on the data: at least one run, more while the budget lasts */
    dfg_est_opts o = eo ? *eo : dfg_est_opts_default();
    o.want_ci = 0;
    double spent = 0.0;
    size_t runs = 0;
    while (runs < DFG_BOOT_COST_MAX_PROBES && (runs == 0 || spent < probe_seconds)) {
        dfg_estimate e;
        dfg_error le = {0};
        double t0 = now_seconds();
        dfg_status rc = est->estimate(t, s, &o, &e, &le);
        spent += now_seconds() - t0;
        runs++;
        if (rc == DFG_ENOMEM || rc == DFG_EINVAL || rc == DFG_EPARSE || rc == DFG_EINTERNAL)
            return dfg_err_set(err, rc, le.where[0] ? le.where : "boot", "%s", le.msg);
    }
    cost->n_probes = runs;
    cost->seconds_per_item = spent / (double)runs;
    cost->seconds = (double)cost->items * cost->seconds_per_item / (double)bo->threads;
    /* memory (header): results, models, per-thread buffers and estimator workspace */
    double cells = k <= DFG_MAX_FIT_LISTS ? (double)((size_t)1 << k) : 0.0;
    double K = bo->type == DFG_BOOT_PARAMETRIC ? cells : (double)m;
    double per_thread = 12.0 * K + cells * (double)(k + 1 + 8) * 8.0;
    cost->bytes =
        16.0 * (double)cost->items + 256.0 * (double)bo->B + (double)bo->threads * per_thread;
    return DFG_OK;
}
