/* cli/cmd_check.c: darkfig check: hold out each list in turn and estimate its known
 * size from the others.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int check_main(int argc, char **argv);

typedef struct {
    const char *estimator, *model;
} check_args;

static const cli_option check_options[] = {
    {"estimator", "E", OPT_STRING, offsetof(check_args, estimator), 0, 0, 0, NULL,
     "the estimator run on the remaining lists (default mt; see 'darkfig estimators')"},
    {"model", "M", OPT_STRING, offsetof(check_args, model), 0, 0, 0, NULL,
     "model for --estimator loglin, over the remaining lists"},
    {NULL, NULL, 0, 0, 0, 0, 0, NULL, NULL}};

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

static void check_text(FILE *o, const common_opts *c, const char *sha, const dfg_table *t,
                       const dfg_estimator *est, const dfg_holdout_row *rows)
{
    size_t k = dfg_table_k(t);
    int pct = (int)lround(100.0 * c->est.level);
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
        char ci[64];
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
            "  %d%% intervals cover the known size for %zu of %zu lists\n",
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
        cJSON *r = jrow(ls);
        jstr(r, "list", dfg_table_list_name(t, w->list));
        jnum(r, "known", w->known);
        jnum(r, "recaptured", w->recaptured);
        jnum(r, "n_others", w->n_others);
        jnum(r, "N_others", w->nhat_others);
        jnum(r, "estimate", w->estimate);
        jnum(r, "lower", w->lower);
        jnum(r, "upper", w->upper);
        jnum(r, "log_rel_bias", w->log_rel_bias);
        if (w->covers < 0)
            cJSON_AddNullToObject(r, "covers");
        else
            jbool(r, "covers", w->covers);
        jstr(r, "status", status_name(w->status));
        jstr(r, "model", w->model);
    }
}

static int check_main(int argc, char **argv)
{
    common_opts c;
    common_init(&c, &cmd_check);
    check_args a = {"mt", NULL};
    int code = cli_parse(&c, &a, argc, argv);
    if (code >= 0)
        return code;
    const dfg_estimator *est = cli_estimator("check", a.estimator, &code);
    if (!est)
        return code;
    if (a.model && strcmp(est->name, "loglin") != 0)
        return usage_error("check", "--model applies to --estimator loglin, not %s", est->name);
    c.est.model = a.model;

    dfg_error err = {0};
    cli_input in = {0};
    dfg_table *t = NULL;
    dfg_model m = {0, 0, NULL};
    dfg_holdout_row *rows = NULL;
    cli_out o = {0};
    if ((code = cli_load_table(&c, &in, &t)) != 0)
        goto done;
    /* the model is over the remaining lists: its notation is checked against all of them */
    if (a.model && (code = cli_model_parse("--model", a.model, t, &m)) != 0)
        goto done;
    size_t k = dfg_table_k(t);
    if (!(rows = calloc(k, sizeof *rows))) {
        code = fail(NULL, DFG_ENOMEM);
        goto done;
    }
    dfg_status rc = dfg_holdout_run(t, 0, est, &c.est, rows, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    size_t n_ok = 0;
    for (size_t j = 0; j < k; j++)
        n_ok += rows[j].status == DFG_OK && isfinite(rows[j].estimate);
    if (n_ok == 0) { /* nothing to report: every row failed */
        cli_say("%s: the %s estimate failed with every list held out (list %s: %s)", in.path,
                est->name, dfg_table_list_name(t, rows[0].list),
                rows[0].status == DFG_OK ? "no finite estimate" : dfg_strerror(rows[0].status));
        code = rows[0].status == DFG_OK ? EXIT_NUMERIC : exit_code(rows[0].status);
        goto done;
    }
    if ((code = cli_out_open(&o, &c, &in, t)) != 0)
        goto done;
    if (o.format == FMT_TEXT) {
        check_text(o.text, &c, in.sha, t, est, rows);
    } else {
        o.rows = "lists_held_out";
        check_json(o.root, t, est, rows);
    }
    code = cli_out_finish(&o, &c);
done:
    cli_out_free(&o);
    free(rows);
    dfg_model_free(&m);
    dfg_table_free(t);
    cli_input_free(&in);
    return code;
}
