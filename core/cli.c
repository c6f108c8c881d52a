/* core/cli.c: the darkfig command: subcommands over the library.
 *
 * Output goes to a memory stream first and reaches stdout only when the whole run has
 * succeeded, so a failed run never leaves half a table behind. Errors go to stderr as
 * "darkfig: place: message". Exit codes: 0 success, 1 numerical (no convergence,
 * singular information, MLE does not exist), 2 usage, 3 input (I/O, parse, data),
 * 4 internal error or out of memory, 130 interrupted.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "darkfig.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_NUMERIC = 1, EXIT_USAGE = 2, EXIT_INPUT = 3, EXIT_INTERNAL = 4 };

/* ** {======================================================================
 * Messages and exit codes
 * ======================================================================= */

static int exit_code(dfg_status rc)
{
    switch (rc) {
    case DFG_OK:
        return 0;
    case DFG_ENOCONV:
    case DFG_ESING:
    case DFG_ENOMLE:
        return EXIT_NUMERIC;
    case DFG_EINVAL:
        return EXIT_USAGE;
    case DFG_EIO:
    case DFG_EPARSE:
    case DFG_EDATA:
        return EXIT_INPUT;
    default:
        return EXIT_INTERNAL;
    }
}

static int fail(const dfg_error *err, dfg_status rc)
{
    if (err && err->code != DFG_OK && err->where[0])
        fprintf(stderr, "darkfig: %s: %s\n", err->where, err->msg[0] ? err->msg : dfg_strerror(rc));
    else if (err && err->msg[0])
        fprintf(stderr, "darkfig: %s\n", err->msg);
    else
        fprintf(stderr, "darkfig: %s\n", dfg_strerror(rc));
    return exit_code(rc);
}

static int usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "darkfig %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'darkfig %s --help'.\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Options shared by the subcommands
 * ======================================================================= */

typedef enum { FMT_TEXT, FMT_CSV, FMT_JSON } out_format;

typedef struct {
    const char *file;
    dfg_csv_opts csv;
    dfg_est_opts est;
    out_format format;
    const char *format_name;
} common_opts;

/* If argv[*i] is --name VALUE or --name=VALUE, store VALUE and return 1; a missing value
 * is a usage error (returns -1). */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *value = argv[++*i];
    return 1;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

/* Handle an option common to all subcommands. Returns 1 consumed, 0 not common,
 * or an exit code + 10 on a usage error (already printed). */
static int common_option(const char *cmd, int argc, char **argv, int *i, common_opts *c)
{
    const char *v = NULL;
    int r;
#define TAKE(name)                                                                                \
    if ((r = opt_value(argc, argv, i, name, &v)) < 0)                                             \
        return 10 + usage_error(cmd, "option %s needs a value", name);                            \
    if (r > 0)
    TAKE("--lists")
    {
        c->csv.lists = v;
        return 1;
    }
    TAKE("--count")
    {
        c->csv.count = v;
        return 1;
    }
    TAKE("--level")
    {
        if (!parse_double(v, &c->est.level) || !(c->est.level > 0.0 && c->est.level < 1.0))
            return 10 + usage_error(cmd, "--level must be a number in (0, 1) (got \"%s\")", v);
        return 1;
    }
    TAKE("--format")
    {
        c->format_name = v;
        if (strcmp(v, "text") == 0)
            c->format = FMT_TEXT;
        else if (strcmp(v, "csv") == 0)
            c->format = FMT_CSV;
        else if (strcmp(v, "json") == 0)
            c->format = FMT_JSON;
        else
            return 10 + usage_error(cmd, "--format must be text, csv or json (got \"%s\")", v);
        return 1;
    }
    TAKE("--tol")
    {
        if (!parse_double(v, &c->est.glm.tol) || !(c->est.glm.tol > 0.0))
            return 10 + usage_error(cmd, "--tol must be a number > 0 (got \"%s\")", v);
        return 1;
    }
    TAKE("--max-iter")
    {
        long n;
        if (!parse_int(v, 1, 100000, &n))
            return 10 + usage_error(cmd, "--max-iter must be an integer in 1..100000 (got \"%s\")", v);
        c->est.glm.max_iter = (int)n;
        return 1;
    }
#undef TAKE
    return 0;
}

static void common_init(common_opts *c)
{
    memset(c, 0, sizeof *c);
    c->csv = dfg_csv_opts_default();
    c->est = dfg_est_opts_default();
    c->format = FMT_TEXT;
    c->format_name = "text";
}

static const char COMMON_HELP[] =
    "Input:\n"
    "  --lists A,B,C   the list columns (others are kept as covariates); default: every\n"
    "                  column but the count column\n"
    "  --count NAME    the count column of a pattern-count file (default: count); a file\n"
    "                  without it is read as one row per person\n"
    "Output:\n"
    "  --level L       interval level in (0, 1) (default 0.95)\n"
    "  --format F      text (default), csv or json; csv and json carry full precision\n"
    "                  (%.17g) and provenance (version, SHA-256 of the input, options)\n"
    "Fitting:\n"
    "  --tol T         converged when |D_k - D_{k-1}| / (|D_k| + 0.1) < T, D the deviance\n"
    "                  (R glm.fit's rule; default 1e-10)\n"
    "  --max-iter N    IRLS iterations before giving up (default 100)\n";

/* ** }====================================================================== */

/* ** {======================================================================
 * Writers
 * ======================================================================= */

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

/* A double for JSON: null when not finite. */
static void json_number(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.17g", x);
    else
        fputs("null", f);
}

/* A CSV field, quoted when it holds a comma, quote or newline. */
static void csv_string(FILE *f, const char *s)
{
    if (!s)
        s = "";
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}

static void csv_number(FILE *f, double x)
{
    if (isnan(x))
        fputs("NA", f);
    else if (isinf(x))
        fputs(x > 0 ? "Inf" : "-Inf", f);
    else
        fprintf(f, "%.17g", x);
}

/* The name of a model term: list names joined by ':'. */
static void term_name(const dfg_table *t, uint32_t term, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    if (term == 0) {
        snprintf(buf, size, "(intercept)");
        return;
    }
    for (size_t j = 0; j < dfg_table_k(t); j++) {
        if (!(term >> j & 1u))
            continue;
        int w = snprintf(buf + used, size - used, "%s%s", used ? ":" : "", dfg_table_list_name(t, j));
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
    }
}

/* Emit the memory stream to stdout; 0 on success. */
static int flush_output(char *buf, size_t len)
{
    if (len && fwrite(buf, 1, len, stdout) != len) {
        fprintf(stderr, "darkfig: cannot write the output\n");
        return EXIT_INPUT;
    }
    return fflush(stdout) == 0 ? 0 : EXIT_INPUT;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * darkfig fit
 * ======================================================================= */

static const char FIT_HELP[] =
    "Usage: darkfig fit FILE [options]\n"
    "Fit a hierarchical log-linear model to list-overlap data and estimate the total\n"
    "population N and the dark figure N - n (people on no list).\n\n"
    "  --model M       the model in bracket notation over list positions, [12,13,4], or\n"
    "                  names, [LA:NG,PF]; main effects are always in, the model is closed\n"
    "                  under subsets (default: main effects only, Rcapture's Mt)\n"
    "Reports N = n + exp(intercept), s.e. from var(N) = m0 + m0^2 var(intercept), the\n"
    "multinomial profile-likelihood interval (Cormack 1992, as Rcapture's closedpCI.t) and\n"
    "the log-normal interval (Chao 1987), deviance and df over the 2^k - 1 observable\n"
    "cells, AIC and BIC (BIC with n = people observed, as Rcapture and\n"
    "MultipleSystemsEstimation).\n\n";

typedef struct {
    dfg_fit fit;
    dfg_interval prof, logn;
    dfg_status prof_rc;
    char model[512];
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
    fprintf(o, "fit       Poisson log-linear on %zu observable cells, %d iterations%s\n\n",
            f->n_cells, f->iter, f->status == DFG_OK ? "" : " (did not converge)");
    fprintf(o, "  registered (n)          %12.0f\n", f->n_obs);
    fprintf(o, "  estimated total (N)     %12.1f   s.e. %.1f\n", f->nhat, f->se_nhat);
    fprintf(o, "  dark figure (N - n)     %12.1f\n", f->m0);
    if (r->prof_rc == DFG_OK) {
        fprintf(o, "  %d%% interval for N      [%.1f, ", pct, r->prof.lower);
        if (r->prof.upper_beyond)
            fprintf(o, "beyond %.1f]", r->prof.search_limit);
        else
            fprintf(o, "%.1f]", r->prof.upper);
        fprintf(o, "   profile likelihood (Cormack 1992)%s\n",
                r->prof.lower_at_n ? "; no root below: lower set to n" : "");
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
}

static void fit_csv(FILE *o, const common_opts *c, const char *sha, const dfg_table *t,
                    const fit_result *r)
{
    const dfg_fit *f = &r->fit;
    fputs("file,sha256,lists,model,n,N,se,dark_figure,level,profile_lower,profile_upper,"
          "profile_N_multinomial,lognormal_lower,lognormal_upper,deviance,df,AIC,BIC,AICc,"
          "iterations,status,darkfig_version,options\n",
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
                     r->prof_rc == DFG_OK ? r->prof.lower : NAN,
                     r->prof_rc == DFG_OK ? r->prof.upper : NAN,
                     r->prof_rc == DFG_OK ? r->prof.point : NAN,
                     r->logn.lower,
                     r->logn.upper,
                     f->deviance,
                     f->df,
                     f->aic,
                     f->bic,
                     f->aicc,
                     (double)f->iter};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        fputc(',', o);
        csv_number(o, vals[i]);
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
    fprintf(o, ",\n  \"status\": \"%s\",\n  \"iterations\": %d,\n",
            f->status == DFG_OK ? "ok" : dfg_strerror(f->status), f->iter);
    fputs("  \"n\": ", o);
    json_number(o, f->n_obs);
    fputs(",\n  \"N\": ", o);
    json_number(o, f->nhat);
    fputs(",\n  \"se\": ", o);
    json_number(o, f->se_nhat);
    fputs(",\n  \"dark_figure\": ", o);
    json_number(o, f->m0);
    fputs(",\n  \"intervals\": [\n    {\"type\": \"profile\", \"level\": ", o);
    json_number(o, c->est.level);
    fputs(", \"lower\": ", o);
    json_number(o, r->prof_rc == DFG_OK ? r->prof.lower : NAN);
    fputs(", \"upper\": ", o);
    json_number(o, r->prof_rc == DFG_OK && !r->prof.upper_beyond ? r->prof.upper : NAN);
    fputs(", \"N_multinomial\": ", o);
    json_number(o, r->prof_rc == DFG_OK ? r->prof.point : NAN);
    fprintf(o, ", \"lower_at_n\": %s, \"upper_beyond_search\": %s, \"source\": \"Cormack 1992\"},\n",
            r->prof.lower_at_n ? "true" : "false", r->prof.upper_beyond ? "true" : "false");
    fputs("    {\"type\": \"lognormal\", \"level\": ", o);
    json_number(o, c->est.level);
    fputs(", \"lower\": ", o);
    json_number(o, r->logn.lower);
    fputs(", \"upper\": ", o);
    json_number(o, r->logn.upper);
    fputs(", \"source\": \"Chao 1987\"}\n  ],\n", o);
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

static int cmd_fit(int argc, char **argv)
{
    common_opts c;
    common_init(&c);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(FIT_HELP, stdout);
            fputs(COMMON_HELP, stdout);
            return 0;
        }
        if ((r = common_option("fit", argc, argv, &i, &c)) != 0) {
            if (r >= 10)
                return r - 10;
            continue;
        }
        if ((r = opt_value(argc, argv, &i, "--model", &v)) != 0) {
            if (r < 0)
                return usage_error("fit", "option --model needs a value");
            c.est.model = v;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return usage_error("fit", "unknown option %s", argv[i]);
        if (c.file)
            return usage_error("fit", "one input file only (got %s and %s)", c.file, argv[i]);
        c.file = argv[i];
    }
    if (!c.file)
        return usage_error("fit", "missing input FILE");

    dfg_error err = {0};
    dfg_table *t = NULL;
    dfg_model m = {0, 0, NULL};
    fit_result r;
    memset(&r, 0, sizeof r);
    char sha[65] = "";
    char *buf = NULL;
    size_t len = 0;
    FILE *o = NULL;
    int code = 0;
    dfg_status rc = dfg_table_read_csv(c.file, &c.csv, &t, &err);
    if (rc == DFG_OK && dfg_table_n_strata(t) > 1) {
        dfg_table *one = dfg_table_collapse(t, &err);
        dfg_table_free(t);
        t = one;
        rc = t ? DFG_OK : err.code;
    }
    if (rc == DFG_OK)
        rc = dfg_sha256_file(c.file, sha, &err);
    if (rc == DFG_OK)
        rc = dfg_model_parse(c.est.model ? c.est.model : "", t, &m, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    dfg_model_format(&m, t, r.model, sizeof r.model);
    rc = dfg_loglin_fit(t, 0, &m, &c.est.glm, &r.fit, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    rc = dfg_interval_lognormal(r.fit.n_obs, r.fit.nhat, r.fit.se_nhat, c.est.level, &r.logn, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    {
        dfg_error perr = {0};
        r.prof_rc = dfg_interval_profile(t, 0, &m, &c.est.glm, c.est.level, &r.prof, &perr);
        if (r.prof_rc != DFG_OK)
            fprintf(stderr, "darkfig: warning: profile interval: %s\n", perr.msg);
    }
    if (!(o = open_memstream(&buf, &len))) {
        fprintf(stderr, "darkfig: out of memory\n");
        code = EXIT_INTERNAL;
        goto done;
    }
    if (c.format == FMT_TEXT)
        fit_text(o, &c, sha, t, &m, &r);
    else if (c.format == FMT_CSV)
        fit_csv(o, &c, sha, t, &r);
    else
        fit_json(o, &c, sha, t, &r);
    fclose(o);
    o = NULL;
    code = flush_output(buf, len);
done:
    if (o)
        fclose(o);
    free(buf);
    dfg_fit_free(&r.fit);
    dfg_model_free(&m);
    dfg_table_free(t);
    return code;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * darkfig estimators, main
 * ======================================================================= */

static int cmd_estimators(int argc, char **argv)
{
    (void)argv;
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        puts("Usage: darkfig estimators\nList the estimators darkfig offers.");
        return 0;
    }
    for (size_t i = 0; i < dfg_estimator_count(); i++) {
        const dfg_estimator *e = dfg_estimator_at(i);
        printf("%-16s %s\n", e->name, e->summary);
    }
    return 0;
}

static const char MAIN_HELP[] =
    "Usage: darkfig COMMAND [options]\n"
    "Estimate a hidden population (the dark figure) from overlapping registrations by\n"
    "multiple-systems estimation and capture-recapture models.\n\n"
    "Commands:\n"
    "  fit FILE          fit a log-linear model: total, dark figure, intervals\n"
    "  estimators        list the estimators\n"
    "  version           print the version\n\n"
    "'darkfig COMMAND --help' describes a command. Exit codes: 0 success, 1 numerical\n"
    "failure (no convergence, singular information, MLE does not exist), 2 usage error,\n"
    "3 input error (file, CSV, data), 4 internal error or out of memory.\n";

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 2) {
        fputs(MAIN_HELP, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(MAIN_HELP, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("darkfig %s\n", DFG_VERSION);
        return 0;
    }
    if (strcmp(cmd, "fit") == 0)
        return cmd_fit(argc - 1, argv + 1);
    if (strcmp(cmd, "estimators") == 0)
        return cmd_estimators(argc - 1, argv + 1);
    fprintf(stderr, "darkfig: unknown command '%s'\nTry 'darkfig --help'.\n", cmd);
    return EXIT_USAGE;
}

/* ** }====================================================================== */
