/* tests/ref_oracle_interval.c: profile-likelihood and log-normal intervals against the
 * oracle tables (tests/data/oracle/, copied from /work/shared/data/oracle/; README.md there):
 *  - rcapture_closedpCI_Mt and rcapture_closedpCI_hier: Rcapture 1.4-4
 *    closedpCI.t(X, dfreq = TRUE, mX = ~ . or "[12,3,4]") $CI: N_multinomial, lower95,
 *    upper95, infoCI. Targets: rows with infoFit 0 (the Poisson fit is sound). infoCI 0:
 *    all three values; infoCI 5: lower = n (lower_at_n) and upper; infoCI 6: upper NaN
 *    (upper_beyond) and lower. Tolerance max(0.05, 1e-5 |value|): R's uniroot stops at
 *    tol 1e-4 (absolute, plus 4e-16 |x|), optimize at sqrt(eps) |x| + 1e-4 / 3 (7e-4 at
 *    N = 5e4); the profile is flat at its maximum, so R's N_multinomial carries the error of
 *    its own function values (glm stopped at epsilon 1e-8), a few 1e-6 relative.
 *  - sparsemse_stepwise (SparseMSE 2.0.1 estimatepopulation.0, quantiles 0.025, 0.975),
 *    rows with status ok: lower95_lognormal, upper95_lognormal = n + exp(b0 -+ z se(b0)) of
 *    the selected model, to 1e-3 relative on the dark-figure part (limit - n): the oracle
 *    README says R's default s.e. is reproducible only to about 1e-3 relative.
 * Rows with infoFit != 0 (asymptotic bias large, no overlap: N wherever glm stopped) are
 * run and counted but are not targets.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"
#include "oracle.h"

#include <gsl/gsl_errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 512

typedef struct {
    int table;
    char method[40];
    char model[64];
    double n, N, info_fit, n_mult, lower, upper, info_ci, lo_ln, up_ln;
} ci_row;

static ci_row rows[MAX_ROWS];
static size_t n_rows;

static ci_row *row_for(int table, const char *method, const char *model)
{
    for (size_t i = 0; i < n_rows; i++)
        if (rows[i].table == table && !strcmp(rows[i].method, method))
            return &rows[i];
    if (n_rows == MAX_ROWS)
        return NULL;
    ci_row *r = &rows[n_rows++];
    memset(r, 0, sizeof *r);
    r->table = table;
    snprintf(r->method, sizeof r->method, "%.39s", method);
    snprintf(r->model, sizeof r->model, "%.63s", model);
    r->N = r->info_fit = r->n_mult = r->lower = r->upper = r->info_ci = r->lo_ln = r->up_ln = NAN;
    return r;
}

#define AT(member) offsetof(ci_row, member)
static const oracle_field ci_fields[] = {{"N", AT(N)},
                                         {"infoFit", AT(info_fit)},
                                         {"N_multinomial", AT(n_mult)},
                                         {"lower95", AT(lower)},
                                         {"upper95", AT(upper)},
                                         {"infoCI", AT(info_ci)},
                                         {"lower95_lognormal", AT(lo_ln)},
                                         {"upper95_lognormal", AT(up_ln)}};
#undef AT

/* The rows of the profile methods, and the sparsemse_stepwise rows with status ok. */
static void take_row(const oracle_row *o, void *ctx)
{
    (void)ctx;
    int profile = !strcmp(o->method, "rcapture_closedpCI_Mt") ||
                  !strcmp(o->method, "rcapture_closedpCI_hier");
    int sparse = !strcmp(o->method, "sparsemse_stepwise") && !strcmp(o->status, "ok");
    ci_row *r = profile || sparse ? row_for(o->table, o->method, o->model) : NULL;
    if (!r)
        return;
    r->n = o->n;
    oracle_store(o, ci_fields, sizeof ci_fields / sizeof ci_fields[0], r);
}

static int close_to(double got, double want)
{
    double tol = fmax(0.05, 1e-5 * fabs(want));
    return fabs(got - want) <= tol;
}

/* Counters per method (0 = Mt, 1 = hier) */
static int n_target[2], n_match[2], n_other[2], n_other_match[2];
/* largest differences over matching targets: limits (absolute), N_multinomial (relative) */
static double max_dlim, max_dmult;

/* The oracle table of row r and its model in *m; NULL (a failed check) when either
 * cannot be had. */
static dfg_table *table_and_model(const ci_row *r, dfg_model *m)
{
    dfg_table *t = oracle_table(r->table);
    dfg_error err = {0};
    memset(m, 0, sizeof *m);
    if (t && dfg_model_parse(r->model, t, m, &err) != DFG_OK) {
        dfg_table_free(t);
        t = NULL;
    }
    CHECK_MSG(t != NULL, "oracle %03d %s: %s", r->table, r->model, err.msg);
    return t;
}

static void check_profile(const ci_row *r)
{
    int mi = strcmp(r->method, "rcapture_closedpCI_Mt") == 0 ? 0 : 1;
    dfg_model m;
    dfg_table *t = table_and_model(r, &m);
    if (!t)
        return;
    dfg_interval ci;
    dfg_error err = {0};
    dfg_status rc = dfg_interval_profile(t, 0, &m, NULL, 0.95, &ci, &err);
    int target = r->info_fit == 0.0;
    int ic = (int)r->info_ci;
    int want_low_n = ic == 5 || ic == 56, want_up_nan = ic == 6 || ic == 56;
    int ok = rc == DFG_OK && close_to(ci.point, r->n_mult) &&
             (want_low_n ? ci.lower_at_n && ci.lower == r->n : close_to(ci.lower, r->lower)) &&
             (want_up_nan ? ci.upper_beyond && isnan(ci.upper) : close_to(ci.upper, r->upper));
    if (target) {
        n_target[mi]++;
        n_match[mi] += ok;
        CHECK(ok);
        if (ok) {
            if (!want_low_n)
                max_dlim = fmax(max_dlim, fabs(ci.lower - r->lower));
            if (!want_up_nan)
                max_dlim = fmax(max_dlim, fabs(ci.upper - r->upper));
            max_dmult = fmax(max_dmult, fabs(ci.point - r->n_mult) / r->n_mult);
        }
    } else {
        n_other[mi]++;
        n_other_match[mi] += ok;
    }
    if (!ok)
        fprintf(
            stderr,
            "%s %03d %s %s(infoFit %g, infoCI %d, rc %d %s): ours %.9g [%.9g, %.9g]%s%s, R %.9g "
            "[%.9g, %.9g]\n",
            target ? "MISMATCH" : "(not a target)", r->table, r->method, r->model, r->info_fit, ic,
            (int)rc, err.msg, ci.point, ci.lower, ci.upper, ci.lower_at_n ? " lower_at_n" : "",
            ci.upper_beyond ? " upper_beyond" : "", r->n_mult, r->lower, r->upper);
    dfg_model_free(&m);
    dfg_table_free(t);
}

static int n_ln, n_ln_match;

static void check_lognormal(const ci_row *r)
{
    if (isnan(r->lo_ln) || isnan(r->up_ln))
        return;
    dfg_model m;
    dfg_table *t = table_and_model(r, &m);
    if (!t)
        return;
    dfg_fit fit;
    dfg_interval ci;
    dfg_error err = {0};
    memset(&fit, 0, sizeof fit);
    dfg_status rc = dfg_loglin_fit(t, 0, &m, NULL, &fit, &err);
    if (rc == DFG_OK)
        rc = dfg_interval_lognormal_intercept(fit.n_obs, fit.beta[0], fit.se[0], 0.95, &ci, &err);
    int ok = rc == DFG_OK && fabs(ci.lower - r->lo_ln) <= 1e-3 * (r->lo_ln - r->n) &&
             fabs(ci.upper - r->up_ln) <= 1e-3 * (r->up_ln - r->n);
    n_ln++;
    n_ln_match += ok;
    CHECK(ok);
    if (!ok)
        fprintf(stderr, "MISMATCH lognormal %03d %s: ours [%.9g, %.9g] rc %d, R [%.9g, %.9g]\n",
                r->table, r->model, ci.lower, ci.upper, (int)rc, r->lo_ln, r->up_ln);
    dfg_fit_free(&fit);
    dfg_model_free(&m);
    dfg_table_free(t);
}

int main(void)
{
    gsl_set_error_handler_off();
    CHECK(oracle_each(NULL, take_row, NULL) > 0);
    CHECK(n_rows > 300);
    for (size_t i = 0; i < n_rows; i++) {
        if (!strcmp(rows[i].method, "sparsemse_stepwise"))
            check_lognormal(&rows[i]);
        else
            check_profile(&rows[i]);
    }
    const char *names[2] = {"rcapture_closedpCI_Mt", "rcapture_closedpCI_hier"};
    for (int mi = 0; mi < 2; mi++)
        printf("%s: %d of %d targets (infoFit 0) match; %d of %d other rows agree too\n", names[mi],
               n_match[mi], n_target[mi], n_other_match[mi], n_other[mi]);
    printf("largest differences on targets: limits %.3g absolute, N_multinomial %.3g relative\n",
           max_dlim, max_dmult);
    printf("sparsemse_stepwise log-normal: %d of %d match\n", n_ln_match, n_ln);
    CHECK(n_target[0] >= 140 && n_target[1] >= 100 && n_ln >= 100);
    CHECK_DONE();
}
