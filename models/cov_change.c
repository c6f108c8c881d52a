/* models/cov_change.c: the change between two levels of a covariate of a log-linear fit over
 * lists and covariates (two years): the difference and the ratio of their totals, their
 * delta-method s.e. with the full covariance, a normal interval for the difference and a
 * log-scale one for the ratio.
 *
 * Derivation. A stratum's total is N_s = n_s + M0_s, n_s observed, M0_s the people in its
 * unobserved cell; the estimate is n_s + m0_s(beta-hat), m0_s = exp(x_s'beta), x_s the
 * design row of that cell. For T = sum_s w_s N_s the error of the estimate is
 *   T-hat - T = sum_s w_s (m0_s(beta-hat) - M0_s),
 * n_s being known. Under the Poisson model the M0_s are Poisson(m0_s), independent of each
 * other and of the observed cells that beta-hat is computed from (Cormack 1989, Biometrics
 * 45:395; Rivest & Baillargeon 2007, Rcapture's var(N) = m0 + m0^2 var(b0)), and
 * m0_s(beta-hat) - m0_s = m0_s x_s'(beta-hat - beta) to first order, cov(beta-hat) = V:
 *   var(T-hat - T) = sum_s w_s^2 m0_s + g'Vg,   g = sum_s w_s m0_s x_s.
 * Indicator weights of a group give the level totals' var(N) = m0 + g'Vg (core/design.c,
 * dfg_cfit_group; van der Heijden et al. 2012, Appl. Statist. 61:567). The form is linear in
 * w, so for two groups A and B of strata:
 *   difference, w = 1_B - 1_A:  var = m0_A + m0_B + (g_B - g_A)'V(g_B - g_A)
 *     (A and B disjoint: w_s^2 = 1 on both, the Poisson parts add; the fitted parts
 *     covary through V: cov(N_A, N_B) = g_A'V g_B);
 *   log ratio, log N_B - log N_A ~ (T_B - N_B) / N_B - (T_A - N_A) / N_A, i.e. w = 1_B / N_B
 *     - 1_A / N_A at the estimates: var = m0_A / N_A^2 + m0_B / N_B^2 + h'Vh, h = g_B / N_B
 *     - g_A / N_A (the delta method, Agresti 2013, Categorical Data Analysis, sec. 16.1).
 * Intervals: diff -+ z se; ratio exp(-+ z se_log), z = Phi^-1((1 + level) / 2).
 *
 * Beside the parametric bootstrap (models/cov_boot.c, as mse::boot_mse): it draws one
 * multinomial of size N-hat over every cell, so the true totals of A and B themselves vary
 * from replicate to replicate (their split of N-hat is multinomial), and its s.d. of N*_B -
 * N*_A estimates var + N_A + N_B - (N_B - N_A)^2 / N-hat (for one level: var + N_g (1 -
 * N_g / N-hat); for the total nothing more). The delta method's var is that of the
 * estimate around the people actually there (tests/test_change.c checks both).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"
#include "models.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

dfg_status dfg_cfit_contrast(const dfg_ctable *ct, const dfg_cfit *fit, const double *w,
                             double *value, double *var, dfg_error *err)
{
    if (!ct || !fit || !w || !value || !var)
        return dfg_err_set(err, DFG_EINVAL, "change", "NULL argument");
    if (!fit->fitted || !fit->cov || !fit->spec || fit->n_cells != dfg_ctable_n_cells(ct))
        return dfg_err_set(err, DFG_EINVAL, "change", "not a fit of this table");
    double *g = dfg_malloc((fit->p ? fit->p : 1) * sizeof *g), n, m0, pois;
    if (!g)
        return dfg_err_set(err, DFG_ENOMEM, "change", "gradient of %zu", fit->p);
    dfg_status rc = dfg_cfit_weighted(ct, fit, w, g, &n, &m0, &pois, err);
    if (rc == DFG_OK) {
        /* var(T-hat - T) = sum w^2 m0 + g'Vg */
        double v = pois + dfg_cfit_quad(fit, g, g);
        *value = n + m0;
        *var = isfinite(v) ? v : (double)NAN;
    }
    dfg_free(g);
    return rc;
}

dfg_status dfg_cfit_change(const dfg_ctable *ct, const dfg_cfit *fit, size_t cov, size_t from,
                           size_t to, double level, dfg_cfit_change_result *out, dfg_error *err)
{
    if (!out)
        return dfg_err_set(err, DFG_EINVAL, "change", "NULL output");
    memset(out, 0, sizeof *out);
    if (!ct || !fit)
        return dfg_err_set(err, DFG_EINVAL, "change", "NULL argument");
    if (cov >= dfg_ctable_n_cov(ct))
        return dfg_err_set(err, DFG_EINVAL, "change", "no covariate %zu", cov);
    size_t L = dfg_ctable_n_levels(ct, cov), ns = dfg_ctable_n_strata(ct);
    if (from >= L || to >= L || from == to)
        return dfg_err_set(err, DFG_EINVAL, "change", "levels %zu and %zu of %zu", from, to, L);
    if (dfg_level_check(level, err) != DFG_OK)
        return DFG_EINVAL;
    double *w = dfg_malloc((ns ? ns : 1) * sizeof *w);
    if (!w)
        return dfg_err_set(err, DFG_ENOMEM, "change", "weights");
    double na, nb, va, vb, vd, vr = NAN;
    dfg_status rc = DFG_OK;
    /* N_A, N_B and their variances (indicator weights: the level totals') */
    for (size_t s = 0; s < ns; s++)
        w[s] = dfg_ctable_level_of(ct, s, cov) == from;
    if ((rc = dfg_cfit_contrast(ct, fit, w, &na, &va, err)) != DFG_OK)
        goto done;
    for (size_t s = 0; s < ns; s++)
        w[s] = dfg_ctable_level_of(ct, s, cov) == to;
    if ((rc = dfg_cfit_contrast(ct, fit, w, &nb, &vb, err)) != DFG_OK)
        goto done;
    /* the difference: w = 1_B - 1_A */
    for (size_t s = 0; s < ns; s++) {
        size_t l = dfg_ctable_level_of(ct, s, cov);
        w[s] = l == to ? 1.0 : l == from ? -1.0 : 0.0;
    }
    double d;
    if ((rc = dfg_cfit_contrast(ct, fit, w, &d, &vd, err)) != DFG_OK)
        goto done;
    /* the log ratio: w = 1_B / N_B - 1_A / N_A */
    if (na > 0.0 && nb > 0.0) {
        for (size_t s = 0; s < ns; s++) {
            size_t l = dfg_ctable_level_of(ct, s, cov);
            w[s] = l == to ? 1.0 / nb : l == from ? -1.0 / na : 0.0;
        }
        double lr;
        if ((rc = dfg_cfit_contrast(ct, fit, w, &lr, &vr, err)) != DFG_OK)
            goto done;
    }
    double z = gsl_cdf_ugaussian_Pinv(0.5 * (1.0 + level));
    out->level = level;
    out->nhat_from = na;
    out->nhat_to = nb;
    out->se_from = va >= 0.0 ? sqrt(va) : (double)NAN;
    out->se_to = vb >= 0.0 ? sqrt(vb) : (double)NAN;
    /* var(B - A) = var A + var B - 2 cov(A, B) */
    out->cov_from_to = 0.5 * (va + vb - vd);
    out->diff = nb - na;
    out->se_diff = vd >= 0.0 ? sqrt(vd) : (double)NAN;
    out->diff_lower = out->diff - z * out->se_diff;
    out->diff_upper = out->diff + z * out->se_diff;
    out->ratio = na > 0.0 ? nb / na : (double)NAN;
    out->se_log_ratio = vr >= 0.0 ? sqrt(vr) : (double)NAN;
    out->se_ratio = out->ratio * out->se_log_ratio;
    out->ratio_lower = out->ratio * exp(-z * out->se_log_ratio);
    out->ratio_upper = out->ratio * exp(z * out->se_log_ratio);
done:
    dfg_free(w);
    return rc;
}
