/* cli/cmd_check.c: darkfig check: hold out each list in turn and estimate its known
 * size from the others.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int check_main(int argc, char **argv);

/* check writes its options into the shared ones */
static const cli_option check_options[] = {
    OPT_STR("estimator", "E", common_opts, estimator,
            "the estimator run on the remaining lists (default mt; see 'darkfig estimators')"),
    OPT_STR("model", "M", common_opts, est.model,
            "model for --estimator loglin, over the remaining lists"),
    OPT_MCMC_LENGTH(common_opts, est), /* --chains, --burnin, --samples, --thin */
    OPT_END};

const cli_command cmd_check = {
    "check",
    "FILE",
    "hold out each list in turn: estimated against known list sizes",
    "Internal-consistency check: hold out each list in turn, estimate its size from the\n"
    "other lists' overlaps with it, and compare with its known size (log relative bias,\n"
    "whether the interval covers it). A diagnostic to run before trusting a method on\n"
    "your data. A run where every list fails is an error.\n",
    check_options,
    CLI_INPUT | CLI_OUTPUT | CLI_FITTING,
    check_main};

/* Is a held-out list's estimate an estimate? The estimator on the other lists failed, no
 * one on list j is on another (m_j = 0), or N_O is not an estimate (dfg_value_judge on N_O
 * against n_O: not a number, infinite, beyond bound): why[160] says which. */
static dfg_value_status row_value(const dfg_holdout_row *w, char *why)
{
    why[0] = '\0';
    if (w->status != DFG_OK) {
        snprintf(why, 160, "the estimator on the other lists: %s", dfg_strerror(w->status));
        return DFG_VALUE_NAN;
    }
    /* N_O is judged on its value alone (the holdout keeps no s.e. of it) */
    dfg_value_status v = dfg_value_judge(w->n_others, w->nhat_others, 0.0, NULL, 0, why, 160);
    if (v == DFG_VALUE_OK && !isfinite(w->estimate)) {
        snprintf(why, 160, "no one on this list is on another (m_j = 0)");
        v = DFG_VALUE_NAN;
    }
    return v;
}

static void check_text(FILE *o, const common_opts *c, const char *sha, const dfg_table *t,
                       const dfg_estimator *est, const dfg_holdout_row *rows)
{
    size_t k = dfg_table_k(t);
    char pct[32];
    level_label(c->est.level, pct, sizeof pct);
    fprintf(o, "darkfig %s check\ninput     %s (sha256 %.16s...)\n", DFG_VERSION, c->file, sha);
    fprintf(o,
            "method    hold out each list; estimate its size as m_j N_O / n_O, with N_O the\n"
            "          %s estimate from the other lists, n_O the people on them, m_j the\n"
            "          people on list j and another list\n\n",
            est->name);
    fprintf(o, "  %-12s %9s %9s %12s %12s  %-22s %9s %6s  %s\n", "list", "known", "m_j", "N others",
            "estimate", "interval", "log(e/k)", "covers", "model on others");
    size_t cov = 0, ncov = 0, n_ok = 0;
    double sum_lrb = 0.0, sum_abs = 0.0;
    for (size_t j = 0; j < k; j++) {
        const dfg_holdout_row *w = &rows[j];
        char ci[64], why[160];
        dfg_value_status v = row_value(w, why);
        if (v != DFG_VALUE_OK) { /* not an estimate: its status and reason */
            fprintf(o, "  %-12s %9.0f %9.0f %12s %12s  %-22s %9s %6s  not an estimate (%s): %s\n",
                    dfg_table_list_name(t, w->list), w->known, w->recaptured, "-", "-", "-", "-",
                    "-", dfg_value_name(v), why);
            continue;
        }
        fmt_interval(ci, sizeof ci, w->lower, w->upper);
        fprintf(o, "  %-12s %9.0f %9.0f %12.1f %12.1f  %-22s %9.4f %6s  %s\n",
                dfg_table_list_name(t, w->list), w->known, w->recaptured, w->nhat_others,
                w->estimate, ci, w->log_rel_bias, w->covers < 0 ? "-" : (w->covers ? "yes" : "no"),
                w->status == DFG_OK ? w->model : dfg_strerror(w->status));
        if (w->covers >= 0) {
            ncov++;
            cov += (size_t)w->covers;
        }
        if (isfinite(w->log_rel_bias)) {
            n_ok++;
            sum_lrb += w->log_rel_bias;
            sum_abs += fabs(w->log_rel_bias);
        }
    }
    fprintf(o,
            "\n  mean log relative bias %.4f, mean |log relative bias| %.4f over %zu lists;\n"
            "  %s intervals cover the known size for %zu of %zu lists\n",
            n_ok ? sum_lrb / (double)n_ok : DNAN, n_ok ? sum_abs / (double)n_ok : DNAN, n_ok, pct,
            cov, ncov);
}

static void check_json(cJSON *root, const dfg_table *t, const dfg_estimator *est,
                       const dfg_holdout_row *rows)
{
    jstr(root, "estimator", est->name);
    cJSON *ls = jarr(root, "lists_held_out");
    for (size_t j = 0; ls && j < dfg_table_k(t); j++) {
        const dfg_holdout_row *w = &rows[j];
        char why[160];
        dfg_value_status val = row_value(w, why);
        int ok = val == DFG_VALUE_OK; /* not an estimate: status and reason, no numbers */
        cJSON *r = jrow(ls);
        jstr(r, "list", dfg_table_list_name(t, w->list));
        static const char *const keys[] = {"known",    "recaptured", "n_others", "N_others",
                                           "estimate", "lower",      "upper",    "log_rel_bias"};
        const double v[] = {w->known,
                            w->recaptured,
                            w->n_others,
                            ok ? w->nhat_others : DNAN,
                            ok ? w->estimate : DNAN,
                            ok ? w->lower : DNAN,
                            ok ? w->upper : DNAN,
                            ok ? w->log_rel_bias : DNAN};
        jnums(r, keys, v, sizeof v / sizeof v[0]);
        if (w->covers < 0 || !ok)
            cJSON_AddNullToObject(r, "covers");
        else
            jbool(r, "covers", w->covers);
        jstr(r, "status", status_name(w->status));
        jstr(r, "model", w->model);
        jvalue(r, val, why);
    }
}

/* 0 when some list's estimate worked; otherwise the exit code after saying so (a table
 * of failures is not a result). */
static int some_worked(const char *path, const dfg_table *t, const dfg_estimator *est,
                       const dfg_holdout_row *rows)
{
    char why[160];
    for (size_t j = 0; j < dfg_table_k(t); j++)
        if (row_value(&rows[j], why) == DFG_VALUE_OK)
            return 0;
    dfg_value_status v = row_value(&rows[0], why);
    if (rows[0].status == DFG_OK)
        cli_say("%s: the %s estimate failed with every list held out (list %s: not an estimate "
                "(%s): %s)",
                path, est->name, dfg_table_list_name(t, rows[0].list), dfg_value_name(v), why);
    else
        cli_say("%s: the %s estimate failed with every list held out (list %s: %s)", path,
                est->name, dfg_table_list_name(t, rows[0].list), why);
    return rows[0].status == DFG_OK ? EXIT_NUMERIC : exit_code(rows[0].status);
}

static int check_main(int argc, char **argv)
{
    cli_run run;
    int code = cli_run_parse(&run, &cmd_check, &run.c, argc, argv);
    const char *model = run.c.est.model;
    const dfg_estimator *est = NULL;
    dfg_model m = {0, 0, NULL};
    dfg_holdout_row *rows = NULL;
    dfg_error err = {0};
    if (code >= 0 ||
        !(est = cli_estimator("check", run.c.estimator ? run.c.estimator : "mt", &code)))
        goto done;
    if (model && strcmp(est->name, "loglin") != 0) {
        code = usage_error("check", "--model applies to --estimator loglin, not %s", est->name);
        goto done;
    }
    if ((code = cli_mcmc_length("check", &run.c.est, est, run.c.max_memory)) != 0)
        goto done;
    /* the model is over the remaining lists: its notation is checked against all of them */
    if ((code = cli_run_load(&run, 1)) >= 0 ||
        (model && (code = cli_model_parse("--model", model, run.t, &m)) != 0))
        goto done;
    if (!(rows = calloc(dfg_table_k(run.t), sizeof *rows))) {
        code = fail(NULL, DFG_ENOMEM);
        goto done;
    }
    dfg_status rc = dfg_holdout_run(run.t, 0, est, &run.c.est, rows, &err);
    if (rc != DFG_OK)
        code = fail(&err, rc);
    else if ((code = some_worked(run.in.path, run.t, est, rows)) == 0 &&
             (code = cli_run_output(&run)) < 0) {
        if (run.o.format == FMT_TEXT) {
            check_text(run.o.text, &run.c, run.in.sha, run.t, est, rows);
        } else {
            run.o.rows = "lists_held_out";
            check_json(run.o.root, run.t, est, rows);
        }
    }
done:
    free(rows);
    dfg_model_free(&m);
    return cli_run_end(&run, code);
}
