/* cli/cmd_closed.c: darkfig closed: Rcapture's closed-population table and the frequency
 * estimators. SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char CLOSED_HELP[] =
    "Usage: darkfig closed FILE [options]\n"
    "Rcapture's closed-population comparison table (closedp): M0, Mt, Mh and Mth with\n"
    "Chao's lower bound, Poisson2, Darroch and Gamma3.5 heterogeneity, Mb and Mbh, each a\n"
    "Poisson log-linear model on the capture histories (Baillargeon & Rivest 2007), with\n"
    "N, s.e., deviance, df, AIC, BIC and Rcapture's infoFit; then the frequency-only\n"
    "estimators (Chao's lower bound, Rcapture's bias-corrected Chao, Zelterman).\n"
    "FILE is a capture table (lists = occasions), or an `nbcap,count` file giving how\n"
    "many units were caught exactly nbcap times (then only the frequency estimators).\n\n"
    "  --ci TYPE       profile (default: multinomial profile likelihood, Cormack 1992, as\n"
    "                  Rcapture's closedpCI), lognormal (Chao 1987) or none\n"
    "  --occasions T   the number of capture occasions of an nbcap file (it does not say);\n"
    "                  with it, also the bias-corrected Chao and Rcapture's closedp.0\n"
    "                  log-linear models on the frequencies (M0, Mh Chao, Poisson2,\n"
    "                  Darroch, Gamma3.5)\n\n";

typedef struct {
    dfg_closed_opts co;
    long occasions; /* t of an nbcap file; 0 = unknown */
} closed_args;

static int closed_option(int argc, char **argv, int *i, void *data)
{
    closed_args *ca = data;
    dfg_closed_opts *co = &ca->co;
    const char *v = NULL;
    int r = opt_value(argc, argv, i, "--occasions", &v);
    if (r < 0)
        return 10 + usage_error("closed", "option --occasions needs a value");
    if (r > 0) {
        if (!parse_int(v, 2, 1000, &ca->occasions))
            return 10 + usage_error("closed",
                                    "--occasions must be an integer in 2..1000 (got \"%s\")", v);
        return 1;
    }
    r = opt_value(argc, argv, i, "--ci", &v);
    if (r < 0)
        return 10 + usage_error("closed", "option --ci needs a value");
    if (r == 0)
        return 0;
    if (strcmp(v, "profile") == 0)
        co->ci_type = DFG_CI_PROFILE;
    else if (strcmp(v, "lognormal") == 0)
        co->ci_type = DFG_CI_LOGNORMAL;
    else if (strcmp(v, "none") == 0)
        co->ci_type = DFG_CI_NONE;
    else
        return 10 +
               usage_error("closed", "--ci must be profile, lognormal or none (got \"%s\")", v);
    return 1;
}

/* 1 when the file's first line is the header "nbcap,count". */
static int is_freq_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char line[64] = "";
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    fclose(f);
    const char *p = line;
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        p += 3;
    return strncmp(p, "nbcap,count", 11) == 0 && (p[11] == '\n' || p[11] == '\r' || p[11] == '\0');
}

static void freq_rows(FILE *o, const dfg_freq *fr, const dfg_freq_result *res, size_t n_res,
                      out_format fmt, const char *file, const char *sha)
{
    if (fmt == FMT_TEXT) {
        fprintf(o,
                "frequency estimators (units caught exactly 1, 2, 3 times: f1 = %.0f, f2 = %.0f, "
                "f3 = %.0f)\n",
                fr->max_f >= 1 ? fr->f[1] : 0.0, fr->max_f >= 2 ? fr->f[2] : 0.0,
                fr->max_f >= 3 ? fr->f[3] : 0.0);
        fprintf(o, "  %-32s %12s %10s  %s\n", "method", "N", "s.e.", "note");
        for (size_t i = 0; i < n_res; i++) {
            const dfg_freq_result *q = &res[i];
            if (q->status != DFG_OK)
                fprintf(o, "  %-32s %12s %10s  %s\n", q->name, "-", "-",
                        q->note[0] ? q->note : dfg_strerror(q->status));
            else if (isfinite(q->se))
                fprintf(o, "  %-32s %12.1f %10.1f  %s\n", q->name, q->nhat, q->se, q->note);
            else
                fprintf(o, "  %-32s %12.1f %10s  %s\n", q->name, q->nhat, "-", q->note);
        }
        return;
    }
    for (size_t i = 0; i < n_res; i++) {
        const dfg_freq_result *q = &res[i];
        if (fmt == FMT_CSV) {
            csv_string(o, file);
            fprintf(o, ",%s,frequency,", sha);
            csv_string(o, q->name);
            fprintf(o, ",%s", q->status == DFG_OK ? "ok" : dfg_strerror(q->status));
            double v[] = {fr->n, q->nhat, q->se, q->deviance, q->df, q->aic, q->bic};
            for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
                fputc(',', o);
                csv_number(o, v[j]);
            }
            fputs(",,,,,", o);
            csv_string(o, q->note);
            fprintf(o, ",%s\n", DFG_VERSION);
        } else {
            fprintf(o, "%s\n    {\"kind\": \"frequency\", \"model\": ", i ? "," : "");
            json_string(o, q->name);
            fprintf(o, ", \"status\": \"%s\"",
                    q->status == DFG_OK ? "ok" : dfg_strerror(q->status));
            const char *keys[] = {"N", "se", "deviance", "df", "AIC", "BIC"};
            double v[] = {q->nhat, q->se, q->deviance, q->df, q->aic, q->bic};
            for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
                fprintf(o, ", \"%s\": ", keys[j]);
                json_number(o, v[j]);
            }
            fputs(", \"note\": ", o);
            json_string(o, q->note);
            fputc('}', o);
        }
    }
}

static const char CLOSED_CSV_HEADER[] =
    "file,sha256,kind,model,status,n,N,se,deviance,df,AIC,BIC,infoFit,level,ci_type,lower,upper,"
    "note,darkfig_version\n";

static void closed_table_out(FILE *o, const common_opts *c, const char *sha, const dfg_table *t,
                             const dfg_closed_table *ct, const dfg_closed_opts *co)
{
    int pct = (int)lround(100.0 * co->level);
    if (c->format == FMT_TEXT) {
        fprintf(o, "darkfig %s closed\n", DFG_VERSION);
        fprintf(o, "input     %s (sha256 %.16s...)\n", c->file, sha);
        fprintf(o, "occasions %zu:", ct->t);
        for (size_t j = 0; j < dfg_table_k(t); j++)
            fprintf(o, " %s", dfg_table_list_name(t, j));
        fprintf(o, "\nn         %.0f units captured\n\n", ct->n_obs);
        fprintf(o, "  %-15s %10s %8s %10s %4s %10s %10s %8s  %-22s %s\n", "model", "N", "s.e.",
                "deviance", "df", "AIC", "BIC", "infoFit",
                co->ci_type == DFG_CI_NONE
                    ? ""
                    : (co->ci_type == DFG_CI_PROFILE ? "profile interval" : "log-normal interval"),
                "note");
        for (size_t i = 0; i < ct->n_rows; i++) {
            const dfg_closed_row *w = &ct->rows[i];
            char ci[64] = "";
            if (w->status == DFG_EDATA) {
                fprintf(o, "  %-15s %10s %8s %10s %4s %10s %10s %8s  %-22s %s\n", w->name, "-", "-",
                        "-", "-", "-", "-", "-", "", w->note[0] ? w->note : "not fitted");
                continue;
            }
            if (w->ci.type != DFG_CI_NONE) {
                if (w->ci.upper_beyond)
                    snprintf(ci, sizeof ci, "[%.1f, >%.1f]", w->ci.lower, w->ci.search_limit);
                else
                    snprintf(ci, sizeof ci, "[%.1f, %.1f]", w->ci.lower, w->ci.upper);
            }
            char rnote[64] = "";
            if (fabs(w->se_rcapture - w->se) > 0.05)
                snprintf(rnote, sizeof rnote, "Rcapture's s.e. formula: %.1f ", w->se_rcapture);
            fprintf(o, "  %-15s %10.1f %8.1f %10.3f %4.0f %10.3f %10.3f %8d  %-22s %s%s%s%s\n",
                    w->name, w->nhat, w->se, w->deviance, w->df, w->aic, w->bic, w->info_fit, ci,
                    (int)i == ct->best_aic ? "best AIC " : "",
                    (int)i == ct->best_bic ? "best BIC " : "", rnote, w->note);
        }
        fprintf(o, "\n  infoFit (Rcapture): 0 no warning; 1 no convergence or asymptotic bias\n"
                   "  above 10%% of N; 2 design not of full rank; 3 fitted rates numerically 0.\n");
        if (co->ci_type != DFG_CI_NONE)
            fprintf(o, "  intervals at %d%%%s.\n", pct,
                    co->ci_type == DFG_CI_PROFILE ? " (Mb, Mbh: log-normal)" : "");
        fputc('\n', o);
        return;
    }
    for (size_t i = 0; i < ct->n_rows; i++) {
        const dfg_closed_row *w = &ct->rows[i];
        const char *st = w->status == DFG_OK ? "ok" : dfg_strerror(w->status);
        int has_ci = w->ci.type != DFG_CI_NONE;
        if (c->format == FMT_CSV) {
            csv_string(o, c->file);
            fprintf(o, ",%s,closed,", sha);
            csv_string(o, w->name);
            fprintf(o, ",%s", st);
            double v[] = {ct->n_obs, w->nhat, w->se, w->deviance, w->df, w->aic, w->bic};
            for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
                fputc(',', o);
                csv_number(o, v[j]);
            }
            fprintf(o, ",%d,", w->info_fit);
            csv_number(o, co->level);
            fprintf(o, ",%s,", has_ci ? dfg_ci_type_name(w->ci.type) : "");
            csv_number(o, has_ci ? w->ci.lower : DNAN);
            fputc(',', o);
            csv_number(o, has_ci && !w->ci.upper_beyond ? w->ci.upper : DNAN);
            fputc(',', o);
            csv_string(o, w->note);
            fprintf(o, ",%s\n", DFG_VERSION);
        } else {
            fprintf(o, "%s\n    {\"kind\": \"closed\", \"model\": ", i ? "," : "");
            json_string(o, w->name);
            fprintf(o, ", \"id\": \"%s\", \"status\": \"%s\", \"infoFit\": %d", w->id, st,
                    w->info_fit);
            const char *keys[] = {"N",  "se",  "se_rcapture", "deviance",
                                  "df", "AIC", "BIC",         "asymptotic_bias"};
            double v[] = {w->nhat, w->se,  w->se_rcapture, w->deviance,
                          w->df,   w->aic, w->bic,         w->bias};
            for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
                fprintf(o, ", \"%s\": ", keys[j]);
                json_number(o, v[j]);
            }
            fprintf(o, ", \"best_aic\": %s, \"best_bic\": %s",
                    (int)i == ct->best_aic ? "true" : "false",
                    (int)i == ct->best_bic ? "true" : "false");
            if (has_ci) {
                fprintf(o, ", \"interval\": {\"type\": \"%s\", \"level\": ",
                        dfg_ci_type_name(w->ci.type));
                json_number(o, co->level);
                fputs(", \"lower\": ", o);
                json_number(o, w->ci.lower);
                fputs(", \"upper\": ", o);
                json_number(o, w->ci.upper_beyond ? DNAN : w->ci.upper);
                fputc('}', o);
            }
            fputs(", \"note\": ", o);
            json_string(o, w->note);
            fputc('}', o);
        }
    }
}

int cmd_closed(int argc, char **argv)
{
    common_opts c;
    common_init(&c);
    closed_args ca = {dfg_closed_opts_default(), 0};
    ca.co.ci_type = DFG_CI_PROFILE;
    int pr = parse_args("closed", CLOSED_HELP, NULL, argc, argv, &c, closed_option, &ca);
    if (pr >= 0)
        return pr;
    dfg_closed_opts co = ca.co;
    co.level = c.est.level;
    co.glm = c.est.glm;

    dfg_error err = {0};
    dfg_table *t = NULL;
    dfg_closed_table ct;
    memset(&ct, 0, sizeof ct);
    dfg_freq fr = {0, 0, NULL, 0.0};
    dfg_freq_result res[DFG_FREQ_N_METHODS];
    size_t n_res = 0;
    char sha[65] = "";
    out_buf ob = {NULL, NULL, 0};
    FILE *o = NULL;
    int code = 0, freq_only = is_freq_file(c.file);
    dfg_status rc;
    if (freq_only) {
        rc = dfg_freq_read_csv(c.file, &fr, &err);
        if (rc == DFG_OK && ca.occasions > 0) {
            if ((size_t)ca.occasions < fr.max_f) {
                fprintf(stderr, "darkfig: %s: --occasions %ld is below the largest nbcap (%zu)\n",
                        c.file, ca.occasions, fr.max_f);
                code = EXIT_USAGE;
                goto done;
            }
            fr.t = (size_t)ca.occasions;
        }
        if (rc == DFG_OK)
            rc = dfg_sha256_file(c.file, sha, &err);
    } else {
        rc = load_table(&c, &t, sha, &err);
        if (rc == DFG_OK)
            rc = dfg_closed_table_fit(t, 0, &co, &ct, &err);
        if (rc == DFG_OK)
            rc = dfg_freq_from_table(t, 0, &fr, &err);
    }
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    {
        /* the closed forms always; on an nbcap file with --occasions also Rcapture's
         * closedp.0 log-linear models (a capture table gets the full closedp table) */
        dfg_freq_method ms[] = {DFG_FREQ_CHAO_LB,    DFG_FREQ_CHAO_BC, DFG_FREQ_ZELTERMAN,
                                DFG_FREQ_M0,         DFG_FREQ_MH_CHAO, DFG_FREQ_MH_POISSON2,
                                DFG_FREQ_MH_DARROCH, DFG_FREQ_MH_GAMMA};
        size_t n_ms = freq_only && fr.t > 0 ? sizeof ms / sizeof ms[0] : 3;
        for (size_t i = 0; i < n_ms; i++) {
            dfg_error e2 = {0};
            rc = dfg_freq_estimate(&fr, ms[i], &c.est.glm, &res[n_res], &e2);
            if (rc == DFG_EINVAL) /* e.g. t unknown for the bias-corrected Chao */
                continue;
            if (rc == DFG_ENOMEM) {
                code = fail(&e2, rc);
                goto done;
            }
            n_res++;
        }
    }
    if ((code = out_open(&ob)) != 0)
        goto done;
    o = ob.f;
    if (c.format == FMT_CSV)
        fputs(CLOSED_CSV_HEADER, o);
    else if (c.format == FMT_JSON) {
        fprintf(o,
                "{\n  \"darkfig_version\": \"%s\",\n  \"command\": \"closed\",\n  \"input\": "
                "{\"file\": ",
                DFG_VERSION);
        json_string(o, c.file);
        fprintf(o, ", \"sha256\": \"%s\"},\n  \"n\": ", sha);
        json_number(o, fr.n);
        fputs(",\n  \"rows\": [", o);
    } else if (freq_only) {
        fprintf(
            o,
            "darkfig %s closed\ninput     %s (sha256 %.16s...)\nn         %.0f units captured\n\n",
            DFG_VERSION, c.file, sha, fr.n);
    }
    if (!freq_only)
        closed_table_out(o, &c, sha, t, &ct, &co);
    if (c.format == FMT_JSON && !freq_only && n_res)
        fputc(',', o);
    freq_rows(o, &fr, res, n_res, c.format, c.file, sha);
    if (c.format == FMT_JSON)
        fputs("\n  ]\n}\n", o);
    code = out_flush(&ob);
done:
    out_free(&ob);
    dfg_freq_free(&fr);
    dfg_table_free(t);
    return code;
}
