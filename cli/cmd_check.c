/* cli/cmd_check.c: darkfig check: hold out each list in turn and estimate its known size.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char CHECK_HELP[] =
    "Usage: darkfig check FILE [options]\n"
    "Internal-consistency check: hold out each list in turn, estimate its size from the\n"
    "other lists' overlaps with it, and compare with its known size (log relative bias,\n"
    "whether the interval covers it). A diagnostic to run before trusting a method on\n"
    "your data.\n\n"
    "  --estimator E   the estimator run on the remaining lists (default mt; see\n"
    "                  'darkfig estimators')\n"
    "  --model M       model for --estimator loglin, over the remaining lists\n\n";

typedef struct {
    common_opts *c;
    const char *estimator;
} check_args;

static int check_option(int argc, char **argv, int *i, void *data)
{
    check_args *a = data;
    int r = take_string("check", argc, argv, i, "--estimator", &a->estimator);
    if (r != 0)
        return r;
    return take_string("check", argc, argv, i, "--model", &a->c->est.model);
}

int cmd_check(int argc, char **argv)
{
    common_opts c;
    common_init(&c);
    check_args a = {&c, "mt"};
    int pr = parse_args("check", CHECK_HELP, NULL, argc, argv, &c, check_option, &a);
    if (pr >= 0)
        return pr;
    const dfg_estimator *est = dfg_estimator_find(a.estimator);
    if (!est)
        return usage_error("check", "unknown estimator \"%s\" (see 'darkfig estimators')",
                           a.estimator);

    dfg_error err = {0};
    dfg_table *t = NULL;
    dfg_holdout_row *rows = NULL;
    char sha[65] = "";
    out_buf ob = {NULL, NULL, 0};
    FILE *o = NULL;
    int code = 0;
    dfg_status rc = load_table(&c, &t, sha, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    size_t k = dfg_table_k(t);
    if (!(rows = calloc(k, sizeof *rows))) {
        code = EXIT_INTERNAL;
        goto done;
    }
    rc = dfg_holdout_run(t, 0, est, &c.est, rows, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    if ((code = out_open(&ob)) != 0)
        goto done;
    o = ob.f;
    int pct = (int)lround(100.0 * c.est.level);
    if (c.format == FMT_TEXT) {
        fprintf(o, "darkfig %s check\ninput     %s (sha256 %.16s...)\n", DFG_VERSION, c.file, sha);
        fprintf(o,
                "method    hold out each list; estimate its size as m_j N_O / n_O, with N_O the\n"
                "          %s estimate from the other lists, n_O the people on them, m_j the\n"
                "          people on list j and another list\n\n",
                est->name);
        fprintf(o, "  %-12s %9s %9s %12s %12s  %-22s %9s %6s  %s\n", "list", "known", "m_j",
                "N others", "estimate", "interval", "log(e/k)", "covers", "model on others");
        size_t cov = 0, ncov = 0;
        double sum_lrb = 0.0, sum_abs = 0.0;
        size_t n_ok = 0;
        for (size_t j = 0; j < k; j++) {
            const dfg_holdout_row *w = &rows[j];
            char ci[64] = "-";
            if (isfinite(w->lower) && isfinite(w->upper))
                snprintf(ci, sizeof ci, "[%.1f, %.1f]", w->lower, w->upper);
            fprintf(o, "  %-12s %9.0f %9.0f %12.1f %12.1f  %-22s %9.4f %6s  %s\n",
                    dfg_table_list_name(t, w->list), w->known, w->recaptured, w->nhat_others,
                    w->estimate, ci, w->log_rel_bias,
                    w->covers < 0 ? "-" : (w->covers ? "yes" : "no"),
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
                n_ok ? sum_lrb / (double)n_ok : DNAN, n_ok ? sum_abs / (double)n_ok : DNAN, n_ok,
                pct, cov, ncov);
    } else if (c.format == FMT_CSV) {
        fputs("file,sha256,estimator,list,known,recaptured,n_others,N_others,estimate,level,lower,"
              "upper,log_rel_bias,covers,status,model,darkfig_version\n",
              o);
        for (size_t j = 0; j < k; j++) {
            const dfg_holdout_row *w = &rows[j];
            csv_string(o, c.file);
            fprintf(o, ",%s,%s,", sha, est->name);
            csv_string(o, dfg_table_list_name(t, w->list));
            double v[] = {w->known,    w->recaptured, w->n_others, w->nhat_others, w->estimate,
                          c.est.level, w->lower,      w->upper,    w->log_rel_bias};
            for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
                fputc(',', o);
                csv_number(o, v[i]);
            }
            fprintf(o, ",%d,%s,", w->covers, w->status == DFG_OK ? "ok" : dfg_strerror(w->status));
            csv_string(o, w->model);
            fprintf(o, ",%s\n", DFG_VERSION);
        }
    } else {
        fprintf(o,
                "{\n  \"darkfig_version\": \"%s\",\n  \"command\": \"check\",\n  \"input\": "
                "{\"file\": ",
                DFG_VERSION);
        json_string(o, c.file);
        fprintf(o, ", \"sha256\": \"%s\"},\n  \"estimator\": \"%s\",\n  \"level\": ", sha,
                est->name);
        json_number(o, c.est.level);
        fputs(",\n  \"lists\": [", o);
        for (size_t j = 0; j < k; j++) {
            const dfg_holdout_row *w = &rows[j];
            fprintf(o, "%s\n    {\"list\": ", j ? "," : "");
            json_string(o, dfg_table_list_name(t, w->list));
            const char *keys[] = {"known",    "recaptured", "n_others", "N_others",
                                  "estimate", "lower",      "upper",    "log_rel_bias"};
            double v[] = {w->known,    w->recaptured, w->n_others, w->nhat_others,
                          w->estimate, w->lower,      w->upper,    w->log_rel_bias};
            for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
                fprintf(o, ", \"%s\": ", keys[i]);
                json_number(o, v[i]);
            }
            fprintf(o, ", \"covers\": %s, \"status\": \"%s\", \"model\": ",
                    w->covers < 0 ? "null" : (w->covers ? "true" : "false"),
                    w->status == DFG_OK ? "ok" : dfg_strerror(w->status));
            json_string(o, w->model);
            fputc('}', o);
        }
        fputs("\n  ]\n}\n", o);
    }
    code = out_flush(&ob);
done:
    out_free(&ob);
    free(rows);
    dfg_table_free(t);
    return code;
}
