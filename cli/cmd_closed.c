/* cli/cmd_closed.c: darkfig closed: Rcapture's closed-population table and the
 * frequency estimators, on a capture table or an `nbcap,count` file.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <string.h>

static int closed_main(int argc, char **argv);

typedef struct {
    int ci;
    size_t occasions; /* t of an nbcap file; 0 = unknown */
} closed_args;

static const cli_option closed_options[] = {
    OPT_ONE_OF("ci", "TYPE", closed_args, ci, CLI_CI_CHOICES,
               "profile (default: multinomial profile likelihood, Cormack 1992, as Rcapture's "
               "closedpCI), lognormal (Chao 1987) or none"),
    OPT_NUM(
        "occasions", "T", OPT_SIZE, closed_args, occasions, 2, DFG_MAX_OCCASIONS, 0,
        "the number of capture occasions of an nbcap file (it does not say); with it, also the "
        "bias-corrected Chao and Rcapture's closedp.0 log-linear models on the frequencies (M0, "
        "Mh Chao, Poisson2, Darroch, Gamma3.5)"),
    OPT_END};

const cli_command cmd_closed = {
    "closed",
    "FILE",
    "Rcapture's closed-population table (M0, Mt, Mh, Mth, Mb, Mbh)\n"
    "and the frequency estimators (Chao, Zelterman)",
    "Rcapture's closed-population comparison table (closedp): M0, Mt, Mh and Mth with\n"
    "Chao's lower bound, Poisson2, Darroch and Gamma3.5 heterogeneity, Mb and Mbh, each a\n"
    "Poisson log-linear model on the capture histories (Baillargeon & Rivest 2007), with\n"
    "N, s.e., deviance, df, AIC, BIC and Rcapture's infoFit; then the frequency-only\n"
    "estimators (Chao's lower bound, Rcapture's bias-corrected Chao, Zelterman).\n"
    "FILE is a capture table (lists = occasions), or an `nbcap,count` file giving how\n"
    "many units were caught exactly nbcap times (then only the frequency estimators).\n",
    closed_options,
    CLI_INPUT | CLI_OUTPUT | CLI_FITTING,
    closed_main};

/* Is a frequency estimate an estimate (dfg_value_judge)? A method without an s.e. by
 * design (Zelterman) is judged on N alone; fitted rates 0 or a rank-deficient design
 * count as at the boundary. reason[160]. */
static dfg_value_status freq_value(const dfg_freq *fr, const dfg_freq_result *q, char *reason)
{
    reason[0] = '\0';
    if (q->status != DFG_OK) {
        snprintf(reason, 160, "%s", q->note[0] ? q->note : dfg_strerror(q->status));
        return DFG_VALUE_NAN;
    }
    int boundary = (q->flags & (DFG_CLOSED_MU_ZERO | DFG_CLOSED_RANK)) != 0;
    return dfg_value_judge(fr->n, q->nhat, isfinite(q->se) ? q->se : 0.0, NULL, boundary, reason,
                           160);
}

static void freq_text(FILE *o, const dfg_freq *fr, const dfg_freq_result *res, size_t n_res)
{
    fprintf(o,
            "frequency estimators (units caught exactly 1, 2, 3 times: f1 = %.0f, f2 = %.0f, "
            "f3 = %.0f)\n",
            fr->max_f >= 1 ? fr->f[1] : 0.0, fr->max_f >= 2 ? fr->f[2] : 0.0,
            fr->max_f >= 3 ? fr->f[3] : 0.0);
    fprintf(o, "  %-32s %12s %10s  %s\n", "method", "N", "s.e.", "note");
    for (size_t i = 0; i < n_res; i++) {
        const dfg_freq_result *q = &res[i];
        char why[160];
        dfg_value_status v = freq_value(fr, q, why);
        if (q->status != DFG_OK)
            fprintf(o, "  %-32s %12s %10s  %s\n", q->name, "-", "-",
                    q->note[0] ? q->note : dfg_strerror(q->status));
        else if (v != DFG_VALUE_OK)
            fprintf(o, "  %-32s %12s %10s  not an estimate (%s): %s\n", q->name, "-", "-",
                    dfg_value_name(v), why);
        else if (isfinite(q->se))
            fprintf(o, "  %-32s %12.1f %10.1f  %s\n", q->name, q->nhat, q->se, q->note);
        else
            fprintf(o, "  %-32s %12.1f %10s  %s\n", q->name, q->nhat, "-", q->note);
    }
}

static void freq_json(cJSON *rows, const dfg_freq *fr, const dfg_freq_result *res, size_t n_res)
{
    for (size_t i = 0; rows && i < n_res; i++) {
        const dfg_freq_result *q = &res[i];
        char why[160];
        dfg_value_status v = freq_value(fr, q, why);
        int ok = v == DFG_VALUE_OK;
        cJSON *w = jrow(rows);
        jstr(w, "kind", "frequency");
        jstr(w, "model", q->name);
        jstr(w, "status", status_name(q->status));
        jnum(w, "N", ok ? q->nhat : DNAN);
        jnum(w, "se", ok ? q->se : DNAN);
        jfitstats(w, q->deviance, q->df, q->aic, q->bic);
        jstr(w, "note", q->note);
        jvalue(w, v, why);
    }
}

static void closed_text(FILE *o, const common_opts *c, const char *sha, const dfg_table *t,
                        const dfg_closed_table *ct, const dfg_closed_opts *co)
{
    char pct[32];
    level_label(co->level, pct, sizeof pct);
    fprintf(o, "darkfig %s closed\n", DFG_VERSION);
    fprintf(o, "input     %s (sha256 %.16s...)\n", c->file, sha);
    fprintf(o, "occasions %zu:", ct->t);
    for (size_t j = 0; j < dfg_table_k(t); j++)
        fprintf(o, " %s", dfg_table_list_name(t, j));
    fprintf(o, "\nn         %.0f units captured\n\n", ct->n_obs);
    /* the intervals as computed: beyond 16 occasions (from the frequencies) and for Mb,
     * Mbh the profile gives way to the log-normal interval */
    size_t n_prof = 0, n_logn = 0;
    char logn_rows[256] = "";
    for (size_t i = 0; i < ct->n_rows; i++) {
        const dfg_closed_row *w = &ct->rows[i];
        if (w->status == DFG_EDATA || w->value != DFG_VALUE_OK || w->ci.type == DFG_CI_NONE)
            continue;
        if (w->ci.type == DFG_CI_PROFILE) {
            n_prof++;
        } else {
            size_t L = strlen(logn_rows);
            snprintf(logn_rows + L, sizeof logn_rows - L, "%s%s", n_logn ? ", " : "", w->name);
            n_logn++;
        }
    }
    fprintf(o, "  %-15s %10s %8s %10s %4s %10s %10s %8s  %-22s %s\n", "model", "N", "s.e.",
            "deviance", "df", "AIC", "BIC", "infoFit",
            n_prof + n_logn == 0 ? ""
            : n_logn == 0        ? "profile interval"
            : n_prof == 0        ? "log-normal interval"
                                 : "interval",
            "note");
    for (size_t i = 0; i < ct->n_rows; i++) {
        const dfg_closed_row *w = &ct->rows[i];
        char ci[64] = "";
        if (w->status == DFG_EDATA) {
            fprintf(o, "  %-15s %10s %8s %10s %4s %10s %10s %8s  %-22s %s\n", w->name, "-", "-",
                    "-", "-", "-", "-", "-", "", w->note[0] ? w->note : "not fitted");
            continue;
        }
        if (w->value != DFG_VALUE_OK) { /* not an estimate: its status and reason */
            fprintf(o, "  %-15s %10s %8s %10s %4s %10s %10s %8d  %-22s not an estimate (%s): %s\n",
                    w->name, "-", "-", "-", "-", "-", "-", w->info_fit, "",
                    dfg_value_name(w->value), w->reason);
            continue;
        }
        if (w->ci.type != DFG_CI_NONE)
            fmt_ci(ci, sizeof ci, &w->ci);
        char rnote[64] = "";
        if (fabs(w->se_rcapture - w->se) > 0.05)
            snprintf(rnote, sizeof rnote, "Rcapture's s.e. formula: %.1f ", w->se_rcapture);
        fprintf(o, "  %-15s %10.1f %8.1f %10.3f %4.0f %10.3f %10.3f %8d  %-22s %s%s%s%s\n", w->name,
                w->nhat, w->se, w->deviance, w->df, w->aic, w->bic, w->info_fit, ci,
                (int)i == ct->best_aic ? "best AIC " : "",
                (int)i == ct->best_bic ? "best BIC " : "", rnote, w->note);
    }
    fprintf(o, "\n  infoFit (Rcapture): 0 no warning; 1 no convergence or asymptotic bias\n"
               "  above 10%% of N; 2 design not of full rank; 3 fitted rates numerically 0.\n");
    if (n_prof > 0 && n_logn > 0)
        fprintf(o, "  intervals at %s: profile likelihood; log-normal for %s.\n", pct, logn_rows);
    else if (n_prof + n_logn > 0)
        fprintf(o, "  intervals at %s: %s.\n", pct, n_prof ? "profile likelihood" : "log-normal");
    fputc('\n', o);
}

static void closed_json(cJSON *rows, const dfg_closed_table *ct, const dfg_closed_opts *co)
{
    for (size_t i = 0; rows && i < ct->n_rows; i++) {
        const dfg_closed_row *w = &ct->rows[i];
        /* not an estimate (dfg_value_judge): its status and reason, no number */
        int ok = w->value == DFG_VALUE_OK;
        int has_ci = ok && w->ci.type != DFG_CI_NONE;
        cJSON *r = jrow(rows);
        jstr(r, "kind", "closed");
        jstr(r, "model", w->name);
        jstr(r, "id", w->id);
        jstr(r, "status", status_name(w->status));
        jnum(r, "infoFit", w->info_fit);
        jnum(r, "N", ok ? w->nhat : DNAN);
        jnum(r, "se", ok ? w->se : DNAN);
        jnum(r, "se_rcapture", ok ? w->se_rcapture : DNAN);
        jfitstats(r, w->deviance, w->df, w->aic, w->bic);
        jnum(r, "asymptotic_bias", w->bias);
        jbool(r, "best_aic", (int)i == ct->best_aic);
        jbool(r, "best_bic", (int)i == ct->best_bic);
        jci(r, "interval", &w->ci, has_ci, co->level);
        jstr(r, "note", w->note);
        jvalue(r, w->value, w->reason[0] ? w->reason : w->note);
    }
}

/* The frequency estimators: the closed forms always; on an nbcap file with the occasions
 * also Rcapture's closedp.0 log-linear models (a capture table gets the full closedp
 * table). Fills res, *n_res; 0 or the exit code. */
static int freq_estimates(const dfg_freq *fr, int freq_only, const dfg_glm_opts *glm,
                          dfg_freq_result *res, size_t *n_res)
{
    static const dfg_freq_method ms[] = {
        DFG_FREQ_CHAO_LB, DFG_FREQ_CHAO_BC,     DFG_FREQ_ZELTERMAN,  DFG_FREQ_M0,
        DFG_FREQ_MH_CHAO, DFG_FREQ_MH_POISSON2, DFG_FREQ_MH_DARROCH, DFG_FREQ_MH_GAMMA};
    size_t n_ms = freq_only && fr->t > 0 ? sizeof ms / sizeof ms[0] : 3;
    *n_res = 0;
    for (size_t i = 0; i < n_ms; i++) {
        dfg_error e2 = {0};
        dfg_status rc = dfg_freq_estimate(fr, ms[i], glm, &res[*n_res], &e2);
        if (rc == DFG_EINVAL) /* e.g. t unknown for the bias-corrected Chao */
            continue;
        if (rc == DFG_ENOMEM)
            return fail(&e2, rc);
        (*n_res)++;
    }
    return 0;
}

/* Read an nbcap file (a BOM is not content) into fr with t occasions (0: unknown). 0 or
 * the exit code. */
static int read_freq(const cli_input *in, size_t t, dfg_freq *fr)
{
    size_t len;
    const char *body = cli_input_body(in, &len);
    dfg_error err = {0};
    dfg_status rc = dfg_freq_read_buffer(in->path, body, len, fr, &err);
    if (rc != DFG_OK)
        return fail(&err, rc);
    if (t > 0 && t < fr->max_f)
        return usage_error("closed", "--occasions %zu is below the largest nbcap (%zu) of %s", t,
                           fr->max_f, in->path);
    fr->t = t;
    return 0;
}

static int closed_main(int argc, char **argv)
{
    cli_run run;
    closed_args a = {DFG_CI_PROFILE, 0};
    int code = cli_run_parse(&run, &cmd_closed, &a, argc, argv);
    dfg_closed_opts co = dfg_closed_opts_default();
    co.ci_type = (dfg_ci_type)a.ci;
    co.level = run.c.est.level;
    co.glm = run.c.est.glm;
    dfg_closed_table ct;
    memset(&ct, 0, sizeof ct);
    dfg_freq fr = {0, 0, NULL, 0.0};
    dfg_freq_result res[DFG_FREQ_N_METHODS];
    size_t n_res = 0;
    int freq_only = 0, all_failed = 0;
    if (code >= 0 || (code = cli_run_load(&run, 0)) >= 0)
        goto done;
    if ((freq_only = cli_input_is_freq(&run.in))) {
        code = read_freq(&run.in, a.occasions, &fr);
    } else if ((code = cli_input_table(&run.c, &run.in, &run.t)) == 0) {
        dfg_error err = {0};
        dfg_status rc = dfg_closed_table_fit(run.t, 0, &co, &ct, &err);
        if (rc == DFG_OK)
            rc = dfg_freq_from_table(run.t, 0, &fr, &err);
        code = rc == DFG_OK ? 0 : fail(&err, rc);
    }
    if (code || (code = freq_estimates(&fr, freq_only, &co.glm, res, &n_res)) != 0 ||
        (code = cli_run_output(&run)) >= 0)
        goto done;
    if (run.o.format == FMT_TEXT) {
        if (freq_only)
            fprintf(run.o.text,
                    "darkfig %s closed\ninput     %s (sha256 %.16s...)\nn         %.0f units "
                    "captured\n\n",
                    DFG_VERSION, run.in.path, run.in.sha, fr.n);
        else
            closed_text(run.o.text, &run.c, run.in.sha, run.t, &ct, &co);
        freq_text(run.o.text, &fr, res, n_res);
    } else {
        run.o.rows = "rows";
        jnum(run.o.root, "n", fr.n);
        if (freq_only)
            jnum(run.o.root, "occasions", fr.t > 0 ? (double)fr.t : DNAN);
        cJSON *rows = jarr(run.o.root, "rows");
        if (!freq_only)
            closed_json(rows, &ct, &co);
        freq_json(rows, &fr, res, n_res);
    }
    /* every row failed or is not an estimate: said row by row, exit 1 */
    int any = 0;
    for (size_t i = 0; i < ct.n_rows; i++)
        any |= ct.rows[i].status == DFG_OK && ct.rows[i].value == DFG_VALUE_OK;
    for (size_t i = 0; i < n_res; i++) {
        char why[160];
        any |= freq_value(&fr, &res[i], why) == DFG_VALUE_OK;
    }
    if (!any)
        all_failed = 1;
done:
    dfg_freq_free(&fr);
    code = cli_run_end(&run, code);
    return code == 0 && all_failed ? EXIT_NUMERIC : code;
}
