/* models/incomplete_profile.c: profile-likelihood intervals of the totals of an EM fit
 * (the total and each covariate level's) when some covariate values are missing.
 *
 * Where they hold: with covariates missing at random the profile's maximum is the EM
 * estimate and the interval agrees with the log-normal one from Louis's information; with
 * a covariate missing by design for most of the people (cov_003's age, recorded by one
 * list of three), a parameter is weakly identified, the constrained fits run off towards
 * the boundary (a singular information matrix, or a maximum far from the estimate) and
 * the group's interval is refused (DFG_ENOCONV, limits NaN) rather than given wrong. On
 * New Zealand (each covariate recorded by one of two lists, 4.4 million people) they
 * settle.
 *
 * The complete-data interval of a group's total (models/covariates.c,
 * dfg_cfit_profile_group) maximises the likelihood with the group's unobserved cells
 * constrained to a sum M, by EM over how M is shared among them. With missing covariate
 * values the observed data are the cells seen with every covariate and the rows that are
 * sums of cells; the same EM then also shares out those rows, so that for each M it
 * maximises the observed-data likelihood (the rows' sums, the cells seen alone, and the
 * group's M), and log L(M) keeps the multinomial form with Cormack's correction of the
 * complete-data interval. Without missing values it is that interval (tests:
 * test_incomplete_profile.c, to 1e-6).
 * The group's total at M is its completed count there (the people seen at the level, and
 * the shares of those seen with the covariate missing, as the constrained fit gives them)
 * plus M; the interval is the range of those totals over the M with
 * 2 (log L(M-hat) - log L(M)) <= chi2_1(level). For the overall total and for the levels of
 * a covariate nobody lacks, the completed count is the people observed, as without
 * missing values. The binomial spread of how many of the people with a missing value are
 * at a level (counted in the s.e. of dfg_em_level_totals) is not in the profile: for such
 * a level it is a profile interval of the expected total.
 * Ref: Cormack (1992) Biometrics 48:567; Dempster, Laird & Rubin (1977); as dfg_em_fit.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "incomplete.h"
#include "models.h"

#include <math.h>
#include <string.h>

/* The profile's maximum within this many s.e. (plus one person) of the EM estimate: on the
 * test tables it is within 0.02 s.e. where the fits settle, and 0.8 s.e. or more away
 * where a parameter runs off (tests/test_incomplete_profile.c) */
#define PROFILE_AT_MLE 0.1

dfg_status dfg_em_profiles(const dfg_itable *it, const dfg_cmodel *m, const dfg_emfit *f,
                           const dfg_glm_opts *opts, double level, dfg_interval *total,
                           dfg_level_total *rows, size_t n_rows, dfg_error *err)
{
    if (!it || !m || !f || !f->completed || !f->fit.fitted || !total || (n_rows && !rows))
        return dfg_err_set(err, DFG_EINVAL, "incomplete", "NULL argument");
    if (n_rows && n_rows != dfg_em_n_stats(it) - 1)
        return dfg_err_set(err, DFG_EINVAL, "incomplete",
                           "%zu level rows (dfg_em_level_totals gives %zu)", n_rows,
                           dfg_em_n_stats(it) - 1);
    if (f->status != DFG_OK)
        return dfg_err_set(err, DFG_ENOCONV, "incomplete",
                           "the EM did not converge: no profile interval");
    const dfg_ctable *ct = f->completed;
    size_t ns = dfg_ctable_n_strata(ct);
    dfg_prof_rows pr = {dfg_ctable_counts(it->ct), it->n_rows, it->off, it->cells, it->count};
    unsigned char *g = dfg_malloc(ns + 1);
    if (!g)
        return dfg_err_set(err, DFG_ENOMEM, "incomplete", "profile");
    dfg_status first = DFG_OK;
    /* group 0 the total, then each level of each covariate in dfg_em_level_totals's order */
    size_t row = 0;
    for (size_t cv = 0; cv <= it->n_cov; cv++) {
        size_t L = cv == 0 ? 1 : dfg_ctable_n_levels(ct, cv - 1);
        for (size_t l = 0; l < L; l++) {
            if (cv > 0 && row >= n_rows)
                break;
            dfg_interval *ci = cv == 0 ? total : &rows[row++].profile;
            for (size_t s = 0; s < ns; s++)
                g[s] = cv == 0 || dfg_ctable_level_of(ct, s, cv - 1) == l;
            dfg_error e2 = {0};
            dfg_status rc =
                dfg_cfit_profile_group_rows(ct, m, &f->fit, g, &pr, opts, level, ci, &e2);
            double nhat = cv == 0 ? f->fit.nhat : rows[row - 1].nhat;
            double se = cv == 0 ? f->fit.se_nhat : rows[row - 1].se;
            if (rc == DFG_OK && !(fabs(ci->point - nhat) <= PROFILE_AT_MLE * se + 1.0)) {
                /* the profile's maximum must be the EM's estimate (up to the multinomial
                 * form's O(1) shift): where it is not, the constrained fits did not reach
                 * their maxima (a parameter weakly identified under the missingness runs
                 * off): no interval rather than a wrong one */
                rc = dfg_err_set(&e2, DFG_ENOCONV, "incomplete",
                                 "the constrained fits do not reach the estimate (profile "
                                 "maximum %.1f, EM estimate %.1f): a parameter is weakly "
                                 "identified under the missing values",
                                 ci->point, nhat);
            }
            if (rc != DFG_OK)
                ci->lower = ci->upper = ci->point = NAN;
            if (rc == DFG_ENOMEM || rc == DFG_EINVAL) {
                dfg_free(g);
                return dfg_err_set(err, rc, "incomplete", "profile: %s", e2.msg);
            }
            if (rc != DFG_OK && first == DFG_OK) {
                first = rc;
                dfg_err_set(err, rc, "incomplete", "profile of %s: %s",
                            cv == 0 ? "the total" : rows[row - 1].label, e2.msg);
            }
        }
    }
    dfg_free(g);
    return first;
}
