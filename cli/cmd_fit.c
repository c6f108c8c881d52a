/* cli/cmd_fit.c: darkfig fit: one hierarchical log-linear model, its N, intervals and coefficients.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char FIT_HELP[] =
    "Usage: darkfig fit FILE [options]\n"
    "Fit a hierarchical log-linear model to list-overlap data and estimate the total\n"
    "population N and the dark figure N - n (people on no list).\n\n"
    "  --model M       the model in bracket notation over list positions, [12,13,4], or\n"
    "                  names, [LA:NG,PF]; main effects are always in, the model is closed\n"
    "                  under subsets (default: main effects only, Rcapture's Mt)\n"
    "Reports N = n + exp(intercept), s.e. from var(N) = m0 + m0^2 var(intercept) at the\n"
    "MLE (and, where it differs in the printed digit, as R's glm and so Rcapture report\n"
    "it: glm evaluates var(intercept) one iteration before its last), the\n"
    "multinomial profile-likelihood interval (Cormack 1992, as Rcapture's closedpCI.t) and\n"
    "the log-normal interval (Chao 1987), deviance and df over the 2^k - 1 observable\n"
    "cells, AIC and BIC (BIC with n = people observed, as Rcapture and\n"
    "MultipleSystemsEstimation).\n\n";

typedef struct {
    dfg_fit fit;
    dfg_interval prof, logn;
    dfg_status prof_rc;
    char model[512];
    int has_boot;
    dfg_boot_result boot;
    double se_glm; /* s.e. as R's glm evaluates it (NaN if unavailable) */
    dfg_check_status check;
} fit_result;

static void fit_text(FILE *o, const common_opts *c, const char *sha, const dfg_table *t,
                     const dfg_model *m, const fit_result *r)
{
    const dfg_fit *f = &r->fit;
    size_t k = dfg_table_k(t);
    int pct = (int)lround(100.0 * c->est.level);
    fprintf(o, "darkfig %s fit\n", DFG_VERSION);
    fprintf(o, "input     %s (sha256 %.16s...)\n", c->file, sha);
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
    fprintf(o, "  registered (n)          %12.0f\n", f->n_obs);
    fprintf(o, "  estimated total (N)     %12.1f   s.e. %.1f", f->nhat, f->se_nhat);
    if (isfinite(r->se_glm) && lround(10.0 * r->se_glm) != lround(10.0 * f->se_nhat))
        fprintf(o, " (R glm, Rcapture: %.1f)", r->se_glm);
    fprintf(o, "\n  dark figure (N - n)     %12.1f\n", f->m0);
    if (r->prof_rc == DFG_OK) {
        fprintf(o, "  %d%% interval for N      [%.1f, ", pct, r->prof.lower);
        if (r->prof.upper_beyond)
            fprintf(o, "beyond %.1f]", r->prof.search_limit);
        else
            fprintf(o, "%.1f]", r->prof.upper);
        fprintf(o, "   profile likelihood (Cormack 1992)%s\n",
                r->prof.lower_at_n ? "; no root below: lower set to n" : "");
    } else if (f->n_boundary > 0) {
        fprintf(o, "  %d%% profile interval    not offered with terms fixed at -inf\n", pct);
    } else {
        fprintf(o, "  %d%% interval for N      not available (%s)\n", pct,
                dfg_strerror(r->prof_rc));
    }
    fprintf(o, "  %d%% log-normal          [%.1f, %.1f]   (Chao 1987)\n", pct, r->logn.lower,
            r->logn.upper);
    fprintf(o, "  deviance                %12.3f   df %.0f\n", f->deviance, f->df);
    fprintf(o, "  AIC                     %12.3f\n", f->aic);
    fprintf(o, "  BIC                     %12.3f   (log n penalty, n = %.0f people observed)\n",
            f->bic, f->n_obs);
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
    if (r->has_boot)
        boot_text(o, &r->boot, c->est.level);
}

static void fit_csv(FILE *o, const common_opts *c, const char *sha, const dfg_table *t,
                    const fit_result *r)
{
    const dfg_fit *f = &r->fit;
    fputs("file,sha256,lists,model,n,N,se,dark_figure,level,profile_lower,profile_upper,"
          "profile_N_multinomial,lognormal_lower,lognormal_upper,deviance,df,AIC,BIC,AICc,se_glm,"
          "iterations,boot_B,boot_type,boot_seed,boot_interval,boot_lower,boot_upper,status,"
          "darkfig_version,options\n",
          o);
    csv_string(o, c->file);
    fprintf(o, ",%s,", sha);
    char lists[1024] = "";
    size_t used = 0;
    for (size_t j = 0; j < dfg_table_k(t) && used < sizeof lists; j++) {
        int w = snprintf(lists + used, sizeof lists - used, "%s%s", j ? ";" : "",
                         dfg_table_list_name(t, j));
        if (w > 0)
            used += (size_t)w;
    }
    csv_string(o, lists);
    fputc(',', o);
    csv_string(o, r->model);
    double vals[] = {f->n_obs,
                     f->nhat,
                     f->se_nhat,
                     f->m0,
                     c->est.level,
                     r->prof_rc == DFG_OK ? r->prof.lower : DNAN,
                     r->prof_rc == DFG_OK ? r->prof.upper : DNAN,
                     r->prof_rc == DFG_OK ? r->prof.point : DNAN,
                     r->logn.lower,
                     r->logn.upper,
                     f->deviance,
                     f->df,
                     f->aic,
                     f->bic,
                     f->aicc,
                     r->se_glm,
                     (double)f->iter};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        fputc(',', o);
        csv_number(o, vals[i]);
    }
    if (r->has_boot) {
        fprintf(o, ",%zu,%s,%lu,%s,", r->boot.B,
                r->boot.type == DFG_BOOT_PARAMETRIC ? "parametric" : "nonparametric",
                (unsigned long)r->boot.seed, dfg_ci_type_name(r->boot.ci.type));
        csv_number(o, r->boot.ci.lower);
        fputc(',', o);
        csv_number(o, r->boot.ci.upper);
    } else {
        fputs(",0,,,,NA,NA", o);
    }
    fprintf(o, ",%s,%s,", f->status == DFG_OK ? "ok" : dfg_strerror(f->status), DFG_VERSION);
    char opts[512];
    snprintf(opts, sizeof opts, "lists=%s;count=%s;model=%s;level=%.17g;tol=%.17g;max_iter=%d",
             c->csv.lists ? c->csv.lists : "", c->csv.count ? c->csv.count : "count",
             c->est.model ? c->est.model : "", c->est.level, c->est.glm.tol, c->est.glm.max_iter);
    csv_string(o, opts);
    fputc('\n', o);
}

static void fit_json(FILE *o, const common_opts *c, const char *sha, const dfg_table *t,
                     const fit_result *r)
{
    const dfg_fit *f = &r->fit;
    fputs("{\n  \"darkfig_version\": ", o);
    json_string(o, DFG_VERSION);
    fputs(",\n  \"command\": \"fit\",\n  \"input\": {\"file\": ", o);
    json_string(o, c->file);
    fprintf(o, ", \"sha256\": \"%s\", \"lists\": [", sha);
    for (size_t j = 0; j < dfg_table_k(t); j++) {
        if (j)
            fputs(", ", o);
        json_string(o, dfg_table_list_name(t, j));
    }
    fputs("]},\n  \"options\": {\"lists\": ", o);
    json_string(o, c->csv.lists ? c->csv.lists : "");
    fputs(", \"count\": ", o);
    json_string(o, c->csv.count ? c->csv.count : "count");
    fputs(", \"model\": ", o);
    json_string(o, c->est.model ? c->est.model : "");
    fputs(", \"level\": ", o);
    json_number(o, c->est.level);
    fputs(", \"tol\": ", o);
    json_number(o, c->est.glm.tol);
    fprintf(o, ", \"max_iter\": %d, \"max_halve\": %d},\n", c->est.glm.max_iter,
            c->est.glm.max_halve);
    fputs("  \"model\": ", o);
    json_string(o, r->model);
    fprintf(o, ",\n  \"status\": \"%s\",\n  \"check\": \"%s\",\n  \"iterations\": %d,\n",
            f->status == DFG_OK ? "ok" : dfg_strerror(f->status), dfg_check_name(r->check),
            f->iter);
    fputs("  \"n\": ", o);
    json_number(o, f->n_obs);
    fputs(",\n  \"N\": ", o);
    json_number(o, f->nhat);
    fputs(",\n  \"se\": ", o);
    json_number(o, f->se_nhat);
    fputs(",\n  \"se_glm\": ", o);
    json_number(o, r->se_glm);
    fputs(",\n  \"dark_figure\": ", o);
    json_number(o, f->m0);
    fputs(",\n  \"intervals\": [\n    {\"type\": \"profile\", \"level\": ", o);
    json_number(o, c->est.level);
    fputs(", \"lower\": ", o);
    json_number(o, r->prof_rc == DFG_OK ? r->prof.lower : DNAN);
    fputs(", \"upper\": ", o);
    json_number(o, r->prof_rc == DFG_OK && !r->prof.upper_beyond ? r->prof.upper : DNAN);
    fputs(", \"N_multinomial\": ", o);
    json_number(o, r->prof_rc == DFG_OK ? r->prof.point : DNAN);
    fprintf(o,
            ", \"lower_at_n\": %s, \"upper_beyond_search\": %s, \"source\": \"Cormack 1992\"},\n",
            r->prof.lower_at_n ? "true" : "false", r->prof.upper_beyond ? "true" : "false");
    fputs("    {\"type\": \"lognormal\", \"level\": ", o);
    json_number(o, c->est.level);
    fputs(", \"lower\": ", o);
    json_number(o, r->logn.lower);
    fputs(", \"upper\": ", o);
    json_number(o, r->logn.upper);
    fputs(", \"source\": \"Chao 1987\"}\n  ],\n", o);
    if (r->has_boot)
        boot_json(o, &r->boot, c->est.level);
    fputs("  \"deviance\": ", o);
    json_number(o, f->deviance);
    fputs(",\n  \"df\": ", o);
    json_number(o, f->df);
    fputs(",\n  \"AIC\": ", o);
    json_number(o, f->aic);
    fputs(",\n  \"BIC\": ", o);
    json_number(o, f->bic);
    fputs(",\n  \"AICc\": ", o);
    json_number(o, f->aicc);
    fputs(",\n  \"BIC_n\": \"people observed (Rcapture, MultipleSystemsEstimation)\",\n", o);
    fputs("  \"coefficients\": [", o);
    for (size_t j = 0; j < f->p; j++) {
        char name[256];
        term_name(t, f->terms[j], name, sizeof name);
        fputs(j ? ",\n    {\"term\": " : "\n    {\"term\": ", o);
        json_string(o, name);
        fputs(", \"estimate\": ", o);
        json_number(o, f->beta[j]);
        fputs(", \"se\": ", o);
        json_number(o, f->se[j]);
        fputc('}', o);
    }
    fputs("\n  ],\n  \"boundary_terms\": [", o);
    for (size_t j = 0; j < f->n_boundary; j++) {
        char name[256];
        term_name(t, f->boundary[j], name, sizeof name);
        if (j)
            fputs(", ", o);
        json_string(o, name);
    }
    fputs("]\n}\n", o);
}

typedef struct {
    common_opts *c;
    cov_cli cov;
} fit_args;

static int fit_option(int argc, char **argv, int *i, void *data)
{
    fit_args *a = data;
    int r = boot_option("fit", argc, argv, i, &a->c->boot);
    if (r != 0)
        return r;
    if ((r = cov_option("fit", argc, argv, i, &a->cov)) != 0)
        return r;
    return take_string("fit", argc, argv, i, "--model", &a->c->est.model);
}

/* The help of the bootstrap and covariate options. */
static const char FIT_HELP2[] = "%s%s";

int cmd_fit(int argc, char **argv)
{
    common_opts c;
    common_init(&c);
    fit_args a;
    a.c = &c;
    cov_init(&a.cov);
    char help2[8192];
    snprintf(help2, sizeof help2, FIT_HELP2, COV_HELP, BOOT_HELP);
    int pr = parse_args("fit", FIT_HELP, help2, argc, argv, &c, fit_option, &a);
    if (pr >= 0)
        return pr;
    {
        /* a table with covariate columns: the model over lists and covariates */
        dfg_table *probe = NULL;
        dfg_error perr0 = {0};
        if (dfg_table_read_csv(c.file, &c.csv, &probe, &perr0) == DFG_OK &&
            dfg_table_n_cov(probe) > 0) {
            dfg_table_free(probe);
            return fit_cov(&c, &a.cov);
        }
        dfg_table_free(probe);
        if (a.cov.by || a.cov.stratify)
            return usage_error("fit", "--by and --stratify need covariate columns (give --lists)");
    }

    dfg_error err = {0};
    dfg_table *t = NULL;
    dfg_model m = {0, 0, NULL};
    fit_result r;
    memset(&r, 0, sizeof r);
    char sha[65] = "";
    out_buf ob = {NULL, NULL, 0};
    FILE *o = NULL;
    int code = 0;
    dfg_status rc = load_table(&c, &t, sha, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    rc = dfg_model_parse(c.est.model ? c.est.model : "", t, &m, &err);
    if (rc != DFG_OK) { /* a bad --model is a usage error */
        fail(&err, rc);
        code = EXIT_USAGE;
        goto done;
    }
    dfg_model_format(&m, t, r.model, sizeof r.model);
    rc = dfg_loglin_fit_checked(t, 0, &m, &c.est.glm, &r.fit, &r.check, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    {
        dfg_error e2 = {0};
        if (r.fit.n_boundary > 0 || dfg_loglin_se_glm(t, 0, &m, &r.se_glm, &e2) != DFG_OK)
            r.se_glm = DNAN;
    }
    rc = dfg_interval_lognormal(r.fit.n_obs, r.fit.nhat, r.fit.se_nhat, c.est.level, &r.logn, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    if (r.fit.n_boundary > 0) {
        r.prof_rc = DFG_ENOMLE; /* the profile of a model with terms at -inf: not offered */
    } else {
        dfg_error perr = {0};
        r.prof_rc = dfg_interval_profile(t, 0, &m, &c.est.glm, c.est.level, &r.prof, &perr);
        if (r.prof_rc != DFG_OK)
            fprintf(stderr, "darkfig: warning: profile interval: %s\n", perr.msg);
    }
    if (c.boot.B > 0) {
        if ((code = run_boot(&c, dfg_estimator_find("loglin"), t, &c.est, r.fit.fitted, &r.boot)))
            goto done;
        r.has_boot = 1;
    }
    if ((code = out_open(&ob)) != 0)
        goto done;
    o = ob.f;
    if (c.format == FMT_TEXT)
        fit_text(o, &c, sha, t, &m, &r);
    else if (c.format == FMT_CSV)
        fit_csv(o, &c, sha, t, &r);
    else
        fit_json(o, &c, sha, t, &r);
    code = out_flush(&ob);
done:
    out_free(&ob);
    if (r.has_boot)
        dfg_boot_result_free(&r.boot);
    dfg_fit_free(&r.fit);
    dfg_model_free(&m);
    dfg_table_free(t);
    return code;
}
