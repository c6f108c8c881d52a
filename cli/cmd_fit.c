/* cli/cmd_fit.c: darkfig fit: one hierarchical log-linear model, its N, intervals and
 * coefficients.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <string.h>

static int fit_main(int argc, char **argv);

static const cli_option fit_options[] = {
    OPT_STR("model", "M", common_opts, est.model,
            "the model in bracket notation over list positions, [12,13,4], or names, [LA:NG,PF]; "
            "main effects are always in, the model is closed under subsets (default: main effects "
            "only, Rcapture's Mt); with covariate columns, terms by name over lists and "
            "covariates, [P:K,P:age,age:sex]: '*' = each list in turn ([*:age] = P:age, K:age, "
            "...), '@' = all covariates together ([@] = their full crossing); default there: "
            "the main effects of every list and covariate (the same N as the strata summed)"),
    OPT_STR("stratify", "C", common_opts, cov.stratify,
            "with covariates: also fit the model separately in each level of covariate C and "
            "report each level and their sum beside the pooled model"),
    OPT_STR("change", "[C=]A:B", common_opts, cov.change,
            "with covariates: the change of the total between levels A and B of covariate C "
            "(default: the --trend covariate, else year): N(B) - N(A) and N(B) / N(A) with "
            "their delta-method s.e. (full covariance), a normal interval for the difference "
            "and a log-scale one for the ratio; with --bootstrap also their percentile and BCa "
            "intervals from the same replicates"),
    OPT_END};

const cli_command cmd_fit = {
    "fit",
    "FILE",
    "fit a log-linear model: total, dark figure, intervals",
    "Fit a hierarchical log-linear model to list-overlap data and estimate the total\n"
    "population N and the dark figure N - n (people on no list).\n"
    "Reports N = n + exp(intercept), s.e. from var(N) = m0 + m0^2 var(intercept) at the\n"
    "MLE (and, where it differs in the printed digit, as R's glm and so Rcapture report\n"
    "it: glm evaluates var(intercept) one iteration before its last), the\n"
    "multinomial profile-likelihood interval (Cormack 1992, as Rcapture's closedpCI.t) and\n"
    "the log-normal interval (Chao 1987), deviance and df over the 2^k - 1 observable\n"
    "cells, AIC and BIC (BIC with n = people observed, as Rcapture and\n"
    "MultipleSystemsEstimation).\n"
    "With covariate columns (--lists given, the other columns categorical covariates; levels\n"
    "sorted as strings, the first the reference): the model is fitted to the full table,\n"
    "every list pattern x every covariate combination, and the total is given per level\n"
    "too: n, N, N - n, N/n, s.e. by the delta method with the full covariance (var = sum of\n"
    "the fitted unobserved cells + g'Vg), log-normal and profile-likelihood intervals of\n"
    "each level's total (the likelihood with the level's unobserved cells constrained to a\n"
    "sum, maximised by EM, with Cormack's correction); --bootstrap gives every total a\n"
    "parametric (model fixed, as mse::boot_mse) or nonparametric interval.\n",
    fit_options,
    CLI_INPUT | CLI_OUTPUT | CLI_FITTING | CLI_BOOT | CLI_COVARIATES,
    fit_main};

static void fit_text(FILE *o, const common_opts *c, const char *sha, const dfg_table *t,
                     const dfg_model *m, const fit_result *r)
{
    const dfg_fit *f = &r->fit;
    size_t k = dfg_table_k(t);
    char pct[32];
    level_label(c->est.level, pct, sizeof pct);
    text_head(o, "fit", c->file, sha);
    fprintf(o, "lists     %zu:", k);
    for (size_t j = 0; j < k; j++)
        fprintf(o, " %s", dfg_table_list_name(t, j));
    fprintf(o, "\nmodel     %s%s\n", r->model,
            m->n_terms == k ? " (main effects only: independence, Mt)" : "");
    fprintf(o, "fit       Poisson log-linear on %zu observable cells, %d iteration%s%s\n",
            f->n_cells, f->iter, f->iter == 1 ? "" : "s",
            f->status == DFG_OK ? "" : " (did not converge)");
    fprintf(o, "check     %s%s\n\n", dfg_check_name(r->check),
            r->check == DFG_CHECK_BOUNDARY
                ? " (MLE exists with the terms of lists that never overlap fixed at -inf)"
                : " (MLE exists and the model is identifiable; Fienberg & Rinaldo 2012)");
    char glm[64] = "";
    if (isfinite(r->se_glm) && lround(10.0 * r->se_glm) != lround(10.0 * f->se_nhat))
        snprintf(glm, sizeof glm, " (R glm, Rcapture: %.1f)", r->se_glm);
    if (r->value != DFG_VALUE_OK) /* not an estimate: its status and reason, no number */
        text_not_estimate(o, f->n_obs, r->value, r->reason);
    else
        text_estimate(o, f->n_obs, f->nhat, f->se_nhat, glm);
    text_intervals(o, pct, r->value == DFG_VALUE_OK, r->prof_rc, &r->prof, &r->logn,
                   f->n_boundary > 0, 1);
    text_fit_stats(o, f->deviance, f->df, f->aic, NULL, f->bic, f->n_obs);
    fprintf(o, "\n  %-22s %12s %12s\n", "coefficient", "estimate", "s.e.");
    for (size_t j = 0; j < f->p; j++) {
        char name[256];
        term_name(t, f->terms[j], name, sizeof name);
        fprintf(o, "  %-22s %12.5f %12.5f\n", name, f->beta[j], f->se[j]);
    }
    for (size_t j = 0; j < f->n_boundary; j++) {
        char name[256];
        term_name(t, f->boundary[j], name, sizeof name);
        fprintf(o, "  %-22s %12s   (lists never overlap: fixed at -inf)\n", name, "-inf");
    }
    if (r->has_boot && r->value == DFG_VALUE_OK)
        boot_text(o, &r->boot, c->est.level);
}

static void interval_json(cJSON *obj, const char *key, double level, double lo, double hi,
                          const char *source)
{
    cJSON *i = jobj(obj, key);
    jnum(i, "level", level);
    jnum(i, "lower", lo);
    jnum(i, "upper", hi);
    jstr(i, "source", source);
}

static void fit_json(cJSON *root, const common_opts *c, const dfg_table *t, const fit_result *r)
{
    const dfg_fit *f = &r->fit;
    int ok = r->value == DFG_VALUE_OK; /* not an estimate: status and reason, no numbers */
    jestimate(root, r->model, f->status, r->check, f->n_obs, ok ? f->nhat : DNAN,
              ok ? f->se_nhat : DNAN);
    jnum(root, "se_glm", ok ? r->se_glm : DNAN);
    jnum(root, "iterations", f->iter);
    int prof = ok && r->prof_rc == DFG_OK;
    interval_json(root, "profile", c->est.level, prof ? r->prof.lower : DNAN,
                  prof ? (r->prof.upper_beyond ? (double)INFINITY : r->prof.upper) : DNAN,
                  "Cormack 1992");
    cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "profile");
    jnum(p, "N_multinomial", prof ? r->prof.point : DNAN);
    jbool(p, "lower_at_n", prof && r->prof.lower_at_n);
    jbool(p, "upper_beyond_search", prof && r->prof.upper_beyond);
    jstr(p, "status", status_name(r->prof_rc));
    interval_json(root, "lognormal", c->est.level, ok ? r->logn.lower : DNAN,
                  ok ? r->logn.upper : DNAN, "Chao 1987");
    if (r->has_boot && ok)
        boot_json(root, &r->boot, c->est.level);
    jfitstats(root, f->deviance, f->df, f->aic, f->bic);
    jnum(root, "AICc", f->aicc);
    jstr(root, "BIC_n", "people observed (Rcapture, MultipleSystemsEstimation)");
    jvalue(root, r->value, r->reason);
    cJSON *co = jarr(root, "coefficients");
    char name[256];
    for (size_t j = 0; co && j < f->p; j++) {
        cJSON *e = jrow(co);
        term_name(t, f->terms[j], name, sizeof name);
        jstr(e, "term", name);
        jnum(e, "estimate", f->beta[j]);
        jnum(e, "se", f->se[j]);
    }
    cJSON *bt = jarr(root, "boundary_terms");
    for (size_t j = 0; bt && j < f->n_boundary; j++) {
        term_name(t, f->boundary[j], name, sizeof name);
        cJSON_AddItemToArray(bt, cJSON_CreateString(name));
    }
}

dfg_status fit_compute(const dfg_table *t, const dfg_model *m, const dfg_glm_opts *glm,
                       double level, fit_result *r, dfg_error *err)
{
    memset(r, 0, sizeof *r);
    dfg_model_format(m, t, r->model, sizeof r->model);
    dfg_status rc = dfg_loglin_fit_checked(t, 0, m, glm, &r->fit, &r->check, err);
    if (rc == DFG_OK)
        rc =
            dfg_interval_lognormal(r->fit.n_obs, r->fit.nhat, r->fit.se_nhat, level, &r->logn, err);
    if (rc != DFG_OK)
        return rc;
    if (r->fit.n_boundary > 0 || dfg_loglin_se_glm(t, 0, m, &r->se_glm, NULL) != DFG_OK)
        r->se_glm = DNAN;
    if (r->fit.n_boundary > 0) /* the profile of a model with terms at -inf: not offered */
        r->prof_rc = DFG_ENOMLE;
    else
        r->prof_rc = dfg_interval_profile(t, 0, m, glm, level, &r->prof, &r->prof_err);
    return DFG_OK;
}

static int fit_main(int argc, char **argv)
{
    int em = fit_em_redirect(argc, argv); /* missing covariate values: EM (cli/cmd_em.c) */
    if (em >= 0)
        return em;
    cli_run run;
    common_opts *c = &run.c;
    int code = cli_run_parse(&run, &cmd_fit, &run.c, argc, argv);
    dfg_error err = {0};
    dfg_model m = {0, 0, NULL};
    fit_result r;
    memset(&r, 0, sizeof r);
    if (code >= 0 || (code = cli_run_load(&run, 0)) >= 0)
        goto done;
    /* covariate columns: the model over lists and covariates (cli/covariates.c) */
    if ((code = fit_cov(&run)) != -2)
        goto done;
    if ((code = cli_input_table(c, &run.in, &run.t)) != 0 ||
        (code = cli_model_parse("--model", c->est.model, run.t, &m)) != 0)
        goto done;
    const dfg_table *t = run.t;
    code = -1;
    dfg_status rc = fit_compute(t, &m, &c->est.glm, c->est.level, &r, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    if (r.prof_rc != DFG_OK && r.fit.n_boundary == 0)
        cli_say("warning: profile interval: %s", r.prof_err.msg);
    if (c->boot.B > 0) {
        const dfg_estimator *est = dfg_estimator_find("loglin");
        double n_draw = c->boot.type == DFG_BOOT_PARAMETRIC ? r.fit.nhat : r.fit.n_obs;
        if ((code = boot_guard(c, est, t, &c->est, r.fit.fitted, n_draw)) != 0 ||
            (code = run_boot(c, est, t, &c->est, r.fit.fitted, &r.boot)) != 0)
            goto done;
        r.has_boot = 1;
        code = -1;
    }
    r.value = dfg_value_judge(r.fit.n_obs, r.fit.nhat, r.fit.se_nhat,
                              r.has_boot            ? &r.boot.ci
                              : r.prof_rc == DFG_OK ? &r.prof
                                                    : &r.logn,
                              0, r.reason, sizeof r.reason);
    if ((code = cli_run_output(&run)) >= 0)
        goto done;
    if (run.o.format == FMT_TEXT)
        fit_text(run.o.text, c, run.in.sha, t, &m, &r);
    else
        fit_json(run.o.root, c, t, &r);
done:
    if (r.has_boot)
        dfg_boot_result_free(&r.boot);
    dfg_fit_free(&r.fit);
    dfg_model_free(&m);
    code = cli_run_end(&run, code);
    /* the estimate is not one: said (status and reason), exit 1 */
    return code == 0 && r.value != DFG_VALUE_OK ? EXIT_NUMERIC : code;
}
