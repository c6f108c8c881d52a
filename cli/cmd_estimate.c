/* cli/cmd_estimate.c: darkfig estimate: any estimator through the common interface,
 * with the bootstrap if asked.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <string.h>

static int estimate_main(int argc, char **argv);

typedef struct {
    const char *estimator, *model;
    int criterion, max_order;
    double threshold;
    int ci;
    dfg_est_opts len; /* only the chain length, mcmc_* */
} estimate_args;

#define CI_DEFAULT (-1) /* the estimator's own */
#define CI_OFF (-2)

static const cli_choice criterion_choices[] = {
    {"bic", DFG_CRIT_BIC}, {"aic", DFG_CRIT_AIC}, {"aicc", DFG_CRIT_AICC}, {NULL, 0}};
static const cli_choice ci_choices[] = {
    {"profile", DFG_CI_PROFILE}, {"lognormal", DFG_CI_LOGNORMAL}, {"none", CI_OFF}, {NULL, 0}};

static const cli_option estimate_options[] = {
    OPT_STR("estimator", "E", estimate_args, estimator,
            "the estimator (required; see 'darkfig estimators')"),
    OPT_STR("model", "M", estimate_args, model, "the model of --estimator loglin"),
    OPT_CRITERION(estimate_args, criterion, "criterion of the search estimators (default bic)"),
    OPT_MAX_ORDER(
        estimate_args, max_order,
        "highest interaction order of the search estimators (default: by the number of lists)"),
    OPT_THRESHOLD(estimate_args, threshold, "p-value threshold of the stepwise estimators"),
    OPT_ONE_OF("ci", "TYPE", estimate_args, ci, ci_choices,
               "the estimator's own interval (default: the estimator's choice)"),
    OPT_MCMC_LENGTH(estimate_args, len),
    OPT_END};

const cli_command cmd_estimate = {
    "estimate",
    "FILE",
    "any estimator of the list below, with the bootstrap if asked",
    "Run any estimator of 'darkfig estimators' (log-linear, search, closed-population,\n"
    "two-list) through the common interface, optionally with the bootstrap repeating the\n"
    "whole estimator in every replicate (nonparametric). An option the estimator does not\n"
    "read is an error.\n",
    estimate_options,
    CLI_INPUT | CLI_OUTPUT | CLI_FITTING | CLI_BOOT,
    estimate_main};

static void estimate_text(FILE *o, const common_opts *c, const char *sha, const dfg_estimator *est,
                          const dfg_estimate *e, int has_ci, const dfg_boot_result *boot)
{
    char pct[32];
    level_label(c->est.level, pct, sizeof pct);
    fprintf(o,
            "darkfig %s estimate\ninput     %s (sha256 %.16s...)\nestimator %s: %s\nmodel     %s\n"
            "check     %s\n\n",
            DFG_VERSION, c->file, sha, est->name, est->summary, e->model, dfg_check_name(e->check));
    if (e->value != DFG_VALUE_OK) {
        text_not_estimate(o, e->n_obs, e->value, e->reason);
    } else {
        text_estimate(o, e->n_obs, e->nhat, e->se, NULL);
        if (has_ci) {
            char ci[96];
            fmt_ci(ci, sizeof ci, &e->ci);
            fprintf(o, "  %s interval for N      %s   %s\n", pct, ci, dfg_ci_type_name(e->ci.type));
        }
    }
    if (isfinite(e->deviance))
        fprintf(o, "  deviance %.3f, df %.0f, AIC %.3f, BIC %.3f\n", e->deviance, e->df, e->aic,
                e->bic);
    if (e->note[0])
        fprintf(o, "  note: %s\n", e->note);
    if (boot && e->value == DFG_VALUE_OK)
        boot_text(o, boot, c->est.level);
}

static void estimate_json(cJSON *root, const common_opts *c, const dfg_estimator *est,
                          const dfg_estimate *e, int has_ci, const dfg_boot_result *boot)
{
    jstr(root, "estimator", est->name);
    int ok = e->value == DFG_VALUE_OK; /* not an estimate: no number (darkfig.h) */
    jestimate(root, e->model, e->status, e->check, e->n_obs, ok ? e->nhat : DNAN,
              ok ? e->se : DNAN);
    jfitstats(root, e->deviance, e->df, e->aic, e->bic);
    jci(root, "interval", &e->ci, has_ci && ok, c->est.level);
    if (boot && ok)
        boot_json(root, boot, c->est.level);
    jstr(root, "note", e->note);
    jvalue(root, e->value, e->reason);
}

/* Options the estimator does not read are refused: 0 or 2 after saying which. */
static int check_applies(const estimate_args *a, const dfg_estimator *est)
{
    dfg_search_method m;
    int search = dfg_search_method_parse(est->name, &m, NULL) == DFG_OK;
    const char *off = NULL;
    if (a->model && strcmp(est->name, "loglin") != 0)
        off = "--model applies to --estimator loglin";
    else if (!search && a->criterion >= 0)
        off = "--criterion applies to the search estimators (stepwise, aic-stepwise, "
              "exhaustive, downhill)";
    else if (!search && a->max_order > 0)
        off = "--max-order applies to the search estimators";
    else if (!search && a->threshold > 0.0)
        off = "--threshold applies to the stepwise estimators";
    if (off)
        return usage_error("estimate", "%s, not %s", off, est->name);
    return 0;
}

/* The estimator options from the command line's. */
static void estimate_opts(const estimate_args *a, const dfg_estimator *est, dfg_est_opts *eo)
{
    eo->method = est->name;
    eo->model = a->model;
    eo->criterion = a->criterion >= 0 ? dfg_criterion_name((dfg_criterion)a->criterion) : NULL;
    eo->max_order = a->max_order;
    eo->threshold = a->threshold;
    eo->mcmc_chains = a->len.mcmc_chains;
    eo->mcmc_burnin = a->len.mcmc_burnin;
    eo->mcmc_samples = a->len.mcmc_samples;
    eo->mcmc_thin = a->len.mcmc_thin;
    if (a->ci == CI_OFF)
        eo->want_ci = 0;
    else if (a->ci != CI_DEFAULT)
        eo->ci_type = (dfg_ci_type)a->ci;
}

static int estimate_main(int argc, char **argv)
{
    cli_run run;
    estimate_args a = {NULL, NULL, -1, 0, 0.0, CI_DEFAULT, dfg_est_opts_default()};
    int code = cli_run_parse(&run, &cmd_estimate, &a, argc, argv);
    common_opts *c = &run.c;
    const dfg_estimator *est = NULL;
    dfg_model m = {0, 0, NULL};
    dfg_estimate e;
    memset(&e, 0, sizeof e);
    dfg_boot_result boot;
    int has_boot = 0;
    if (code >= 0 || !(est = cli_estimator("estimate", a.estimator, &code)) ||
        (code = check_applies(&a, est)) != 0 ||
        (code = cli_mcmc_length("estimate", &a.len, est, c->max_memory)) != 0)
        goto done;
    if (c->boot.B > 0 && c->boot.type == DFG_BOOT_PARAMETRIC) {
        code = usage_error("estimate", "the parametric bootstrap needs fitted cells: use 'darkfig "
                                       "fit' or 'darkfig search'");
        goto done;
    }
    estimate_opts(&a, est, &c->est);
    /* a bad model is a usage error, as under fit */
    if ((code = cli_run_load(&run, 1)) >= 0 ||
        (a.model && (code = cli_model_parse("--model", a.model, run.t, &m)) != 0))
        goto done;
    if (dfg_table_k(run.t) < est->min_lists) {
        cli_say("%s: %s needs at least %zu lists (the file has %zu)", run.in.path, est->name,
                est->min_lists, dfg_table_k(run.t));
        code = EXIT_INPUT;
        goto done;
    }
    dfg_error err = {0};
    dfg_status rc = est->estimate(run.t, 0, &c->est, &e, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    /* no bootstrap around a number that is not an estimate: its status and reason say why */
    if (c->boot.B > 0 && e.value == DFG_VALUE_OK) {
        if ((code = boot_guard(c, est, run.t, &c->est, NULL, e.n_obs)) != 0 ||
            (code = run_boot(c, est, run.t, &c->est, NULL, &boot)) != 0)
            goto done;
        has_boot = 1;
        /* the interval reported is the bootstrap's: judged as fit judges it */
        e.value = dfg_value_judge(e.n_obs, e.nhat, e.se, &boot.ci, 0, e.reason, sizeof e.reason);
    }
    if ((code = cli_run_output(&run)) >= 0)
        goto done;
    int has_ci = e.ci.type != DFG_CI_NONE && c->est.want_ci;
    if (run.o.format == FMT_TEXT)
        estimate_text(run.o.text, c, run.in.sha, est, &e, has_ci, has_boot ? &boot : NULL);
    else
        estimate_json(run.o.root, c, est, &e, has_ci, has_boot ? &boot : NULL);
done:
    if (has_boot)
        dfg_boot_result_free(&boot);
    dfg_model_free(&m);
    code = cli_run_end(&run, code);
    /* the one result is not an estimate: said (status and reason), exit 1 */
    return code == 0 && est && e.value != DFG_VALUE_OK ? EXIT_NUMERIC : code;
}
