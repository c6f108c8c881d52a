/* cli/cmd_search.c: darkfig search: model search with existence checks, the model table and the
 * chosen model. SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char SEARCH_HELP[] =
    "Usage: darkfig search FILE [options]\n"
    "Search the hierarchical log-linear models for the one the data support best, check\n"
    "that each model's MLE exists and is identifiable, and show how much N moves across\n"
    "the good models.\n\n"
    "  --method M      stepwise (default; Chan, Silverman & Vincent 2021: add the pair\n"
    "                  with the smallest Poisson p-value below the threshold),\n"
    "                  aic-stepwise (Bales, Hesketh & Silverman 2015), exhaustive (every\n"
    "                  hierarchical model up to --max-order), downhill (greedy on the\n"
    "                  criterion; Silverman, Chan & Vincent 2024)\n"
    "  --criterion C   bic (default), aic or aicc: ranks the table; BIC = p log n - 2 log L\n"
    "                  with n = people observed and p counting terms fixed at -inf\n"
    "                  (MultipleSystemsEstimation's convention)\n"
    "  --max-order K   highest interaction order, at most k - 1 (default: 2 for 3 lists,\n"
    "                  3 for 4-5 lists, 2 for 6 or more)\n"
    "  --threshold P   p-value threshold in (0, 1) (default 0.02 stepwise, 0.001\n"
    "                  aic-stepwise)\n"
    "  --top N         rows of the model table (default 20)\n"
    "  --average       also report the model-averaged N (Buckland, Burnham & Augustin 1997)\n"
    "  --threads T     threads for the exhaustive search and the bootstrap (same digits\n"
    "                  on any number)\n"
    "  --method step   over lists and covariates (the columns that are not lists with\n"
    "                  --lists): Cruyff's mse::model_search, R's step() from the main\n"
    "                  effects over every two-way term, adding or dropping the term that\n"
    "                  lowers -2 log L + pen p most; pen = log n, then 2, then 1 (each phase\n"
    "                  keeps the terms the one before chose); prints the path with AIC,\n"
    "                  AICc, BIC (minus their minimum) and N; steps whose MLE does not exist\n"
    "                  are marked and carry no N (--max-strata, --drop-missing as for fit)\n"
    "  --fixed M       with --method step: terms kept in every model and never dropped,\n"
    "                  e.g. --fixed \"[*:age]\" holds each list's age effect fixed\n"
    "  --scope S       with --method step: all (default: every two-way term) or lists\n"
    "                  (the list pairs only: list-dependence selection with --fixed\n"
    "                  covariate terms held)\n\n";

typedef struct {
    common_opts *c;
    dfg_search_opts so;
    const char *method, *criterion;
    int step; /* --method step: over lists and covariates (cli/covariates.c) */
    cov_cli cov;
} search_args;

static int search_option(int argc, char **argv, int *i, void *data)
{
    search_args *a = data;
    const char *v = NULL;
    int r;
    long n;
    double d;
    if ((r = boot_option("search", argc, argv, i, &a->c->boot)) != 0)
        return r;
    if (strcmp(argv[*i], "--average") == 0) {
        a->so.average = 1;
        return 1;
    }
#define TAKE(name)                                                                                 \
    if ((r = opt_value(argc, argv, i, name, &v)) < 0)                                              \
        return 10 + usage_error("search", "option %s needs a value", name);                        \
    if (r > 0)
    if ((r = cov_option("search", argc, argv, i, &a->cov)) != 0)
        return r;
    TAKE("--method")
    {
        dfg_error err = {0};
        if (strcmp(v, "step") == 0) {
            a->step = 1;
            a->method = v;
            return 1;
        }
        if (dfg_search_method_parse(v, &a->so.method, &err) != DFG_OK)
            return 10 + usage_error("search", "%s", err.msg);
        a->method = v;
        return 1;
    }
    TAKE("--criterion")
    {
        dfg_error err = {0};
        if (dfg_criterion_parse(v, &a->so.criterion, &err) != DFG_OK)
            return 10 + usage_error("search", "%s", err.msg);
        a->criterion = v;
        return 1;
    }
    TAKE("--max-order")
    {
        if (!parse_int(v, 1, DFG_MAX_FIT_LISTS, &n))
            return 10 +
                   usage_error("search", "--max-order must be an integer >= 1 (got \"%s\")", v);
        a->so.max_order = (int)n;
        return 1;
    }
    TAKE("--threshold")
    {
        if (!parse_double(v, &d) || !(d > 0.0 && d < 1.0))
            return 10 +
                   usage_error("search", "--threshold must be a number in (0, 1) (got \"%s\")", v);
        a->so.threshold = d;
        return 1;
    }
    TAKE("--top")
    {
        if (!parse_int(v, 1, 1000000, &n))
            return 10 + usage_error("search", "--top must be an integer >= 1 (got \"%s\")", v);
        a->so.top = (size_t)n;
        return 1;
    }
#undef TAKE
    return 0;
}

/* Search progress on stderr once a search has run for a second: updated in place on a
 * terminal, otherwise a line every 5 seconds. */
typedef struct {
    struct timespec start;
    double last;
    int shown, tty;
} search_progress;

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + 1e-9 * (double)(now.tv_nsec - t0->tv_nsec);
}

static void search_progress_cb(size_t done, size_t total, void *data)
{
    search_progress *p = data;
    double el = seconds_since(&p->start);
    int final = total > 0 && done == total;
    if (el < 1.0 || (!p->tty && !final && el - p->last < 5.0) || (final && !p->shown))
        return;
    p->last = el;
    p->shown = 1;
    if (total > 0)
        fprintf(stderr, "%ssearch: %zu/%zu models, %.1f s%s", p->tty ? "\r" : "", done, total, el,
                p->tty && !final ? "" : "\n");
    else
        fprintf(stderr, "%ssearch: %zu models, %.1f s%s", p->tty ? "\r" : "", done, el,
                p->tty ? "" : "\n");
}

static void search_text(FILE *o, const common_opts *c, const char *sha, const dfg_table *t,
                        const dfg_search_result *r)
{
    size_t k = dfg_table_k(t);
    const char *crit = r->criterion == DFG_CRIT_AIC    ? "AIC"
                       : r->criterion == DFG_CRIT_AICC ? "AICc"
                                                       : "BIC";
    int pct = (int)lround(100.0 * c->est.level);
    fprintf(o, "darkfig %s search\n", DFG_VERSION);
    fprintf(o, "input     %s (sha256 %.16s...)\n", c->file, sha);
    fprintf(o, "lists     %zu:", k);
    for (size_t j = 0; j < k; j++)
        fprintf(o, " %s", dfg_table_list_name(t, j));
    fprintf(o, "\nsearch    %s", dfg_search_method_name(r->method));
    if (r->method == DFG_SEARCH_STEPWISE || r->method == DFG_SEARCH_AIC_STEPWISE)
        fprintf(o, ", p-value threshold %g", r->threshold);
    fprintf(o, ", table ranked by %s (n = %.0f people observed), max order %d\n", crit, r->n_obs,
            r->max_order);
    fprintf(o,
            "models    %zu visited: %zu admissible, %zu MLE does not exist, %zu not identifiable, "
            "%zu fits failed\n\n",
            r->n_models, r->n_admissible, r->n_nomle, r->n_notident, r->n_failed);
    char name[512];
    if (r->n_rows > 0) {
        const dfg_search_row *b = &r->rows[0];
        dfg_model_format(&b->model, t, name, sizeof name);
        fprintf(o, "chosen    %s\n", name);
        fprintf(o, "  registered (n)          %12.0f\n", r->n_obs);
        fprintf(o, "  estimated total (N)     %12.1f   s.e. %.1f\n", b->nhat, b->se_nhat);
        fprintf(o, "  dark figure (N - n)     %12.1f\n", b->nhat - r->n_obs);
        fprintf(o,
                "  %d%% log-normal          [%.1f, %.1f]   (Chao 1987; model-conditional: too\n"
                "                          narrow after selection, see --bootstrap)\n",
                pct, b->lower, b->upper);
        if (b->n_boundary)
            fprintf(o, "  %zu term(s) at the boundary (lists never overlap: fixed at -inf)\n",
                    b->n_boundary);
        fputc('\n', o);
    }
    fprintf(o, "  %4s  %-28s %12s %9s %7s %12s %10s  %-25s %s\n", "rank", "model", crit, "delta",
            "weight", "N", "s.e.", "log-normal interval", "status");
    for (size_t i = 0; i < r->n_rows; i++) {
        const dfg_search_row *w = &r->rows[i];
        char ci[64];
        dfg_model_format(&w->model, t, name, sizeof name);
        snprintf(ci, sizeof ci, "[%.1f, %.1f]", w->lower, w->upper);
        fprintf(o, "  %4zu  %-28s %12.5f %9.5f %7.4f %12.1f %10.1f  %-25s %s\n", i + 1, name,
                w->criterion, w->delta, w->weight, w->nhat, w->se_nhat, ci,
                dfg_check_name(w->status));
    }
    fputc('\n', o);
    for (int j = 0; j < 2; j++) {
        if (r->n_within[j] > 0)
            fprintf(o, "N over the %zu model(s) within d%s <= %d: %.1f to %.1f\n", r->n_within[j],
                    crit, j ? 6 : 2, r->range_lo[j], r->range_hi[j]);
    }
    if (isfinite(r->nhat_avg))
        fprintf(o, "model-averaged N (%s weights; Buckland, Burnham & Augustin 1997): %.1f\n", crit,
                r->nhat_avg);
}

static void search_csv(FILE *o, const common_opts *c, const char *sha, const dfg_table *t,
                       const dfg_search_result *r)
{
    fputs("file,sha256,method,criterion,max_order,threshold,rank,model,status,n_boundary,p,"
          "loglik,deviance,df,criterion_value,delta,weight,n,N,se,level,lognormal_lower,"
          "lognormal_upper,darkfig_version\n",
          o);
    char name[512];
    for (size_t i = 0; i < r->n_rows; i++) {
        const dfg_search_row *w = &r->rows[i];
        csv_string(o, c->file);
        fprintf(o, ",%s,%s,%s,%d,", sha, dfg_search_method_name(r->method),
                dfg_criterion_name(r->criterion), r->max_order);
        csv_number(o, r->threshold);
        fprintf(o, ",%zu,", i + 1);
        dfg_model_format(&w->model, t, name, sizeof name);
        csv_string(o, name);
        fprintf(o, ",%s,%zu,%zu", dfg_check_name(w->status), w->n_boundary, w->p);
        double v[] = {w->loglik, w->deviance, w->df,      w->criterion, w->delta, w->weight,
                      r->n_obs,  w->nhat,     w->se_nhat, c->est.level, w->lower, w->upper};
        for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
            fputc(',', o);
            csv_number(o, v[j]);
        }
        fprintf(o, ",%s\n", DFG_VERSION);
    }
}

static void search_json(FILE *o, const common_opts *c, const char *sha, const dfg_table *t,
                        const dfg_search_result *r, const dfg_boot_result *boot)
{
    char name[512];
    fprintf(o, "{\n  \"darkfig_version\": \"%s\",\n  \"command\": \"search\",\n", DFG_VERSION);
    fputs("  \"input\": {\"file\": ", o);
    json_string(o, c->file);
    fprintf(o, ", \"sha256\": \"%s\", \"lists\": [", sha);
    for (size_t j = 0; j < dfg_table_k(t); j++) {
        if (j)
            fputs(", ", o);
        json_string(o, dfg_table_list_name(t, j));
    }
    fprintf(o,
            "]},\n  \"options\": {\"method\": \"%s\", \"criterion\": \"%s\", \"max_order\": %d, "
            "\"threshold\": ",
            dfg_search_method_name(r->method), dfg_criterion_name(r->criterion), r->max_order);
    json_number(o, r->threshold);
    fputs(", \"level\": ", o);
    json_number(o, c->est.level);
    fputs(", \"lists\": ", o);
    json_string(o, c->csv.lists ? c->csv.lists : "");
    fputs(", \"count\": ", o);
    json_string(o, c->csv.count ? c->csv.count : "count");
    fputs("},\n  \"n\": ", o);
    json_number(o, r->n_obs);
    fprintf(
        o,
        ",\n  \"models_visited\": %zu,\n  \"admissible\": %zu,\n  \"mle_does_not_exist\": %zu,\n"
        "  \"not_identifiable\": %zu,\n  \"failed\": %zu,\n",
        r->n_models, r->n_admissible, r->n_nomle, r->n_notident, r->n_failed);
    if (boot)
        boot_json(o, boot, c->est.level);
    fputs("  \"model_averaged_N\": ", o);
    json_number(o, r->nhat_avg);
    fputs(",\n  \"range\": [", o);
    for (int j = 0; j < 2; j++) {
        fprintf(o, "%s{\"delta_max\": %d, \"models\": %zu, \"N_min\": ", j ? ", " : "", j ? 6 : 2,
                r->n_within[j]);
        json_number(o, r->n_within[j] ? r->range_lo[j] : DNAN);
        fputs(", \"N_max\": ", o);
        json_number(o, r->n_within[j] ? r->range_hi[j] : DNAN);
        fputc('}', o);
    }
    fputs("],\n  \"models\": [", o);
    for (size_t i = 0; i < r->n_rows; i++) {
        const dfg_search_row *w = &r->rows[i];
        dfg_model_format(&w->model, t, name, sizeof name);
        fprintf(o, "%s\n    {\"rank\": %zu, \"model\": ", i ? "," : "", i + 1);
        json_string(o, name);
        fprintf(o, ", \"status\": \"%s\", \"p\": %zu, \"boundary_terms\": %zu",
                dfg_check_name(w->status), w->p, w->n_boundary);
        const char *keys[] = {"loglik", "deviance", "df", "criterion",       "delta",
                              "weight", "N",        "se", "lognormal_lower", "lognormal_upper"};
        double v[] = {w->loglik, w->deviance, w->df,      w->criterion, w->delta,
                      w->weight, w->nhat,     w->se_nhat, w->lower,     w->upper};
        for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
            fprintf(o, ", \"%s\": ", keys[j]);
            json_number(o, v[j]);
        }
        fputc('}', o);
    }
    fputs("\n  ]\n}\n", o);
}

int cmd_search(int argc, char **argv)
{
    common_opts c;
    common_init(&c);
    search_args a = {&c, dfg_search_opts_default(), NULL, NULL, 0, {0}};
    cov_init(&a.cov);
    int pr = parse_args("search", SEARCH_HELP, BOOT_HELP, argc, argv, &c, search_option, &a);
    if (pr >= 0)
        return pr;
    if (a.step)
        return search_step(&c, &a.cov, c.boot.bo.threads);
    a.so.threads = c.boot.bo.threads;
    a.so.level = c.est.level;
    a.so.glm = c.est.glm;

    dfg_error err = {0};
    dfg_table *t = NULL;
    dfg_search_result r;
    memset(&r, 0, sizeof r);
    dfg_fit chosen;
    memset(&chosen, 0, sizeof chosen);
    dfg_boot_result boot;
    memset(&boot, 0, sizeof boot);
    int has_boot = 0;
    char sha[65] = "";
    out_buf ob = {NULL, NULL, 0};
    FILE *o = NULL;
    int code = 0;
    dfg_status rc = load_table(&c, &t, sha, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    search_progress sp = {{0, 0}, 0.0, 0, isatty(STDERR_FILENO)};
    clock_gettime(CLOCK_MONOTONIC, &sp.start);
    a.so.progress = search_progress_cb;
    a.so.progress_data = &sp;
    rc = dfg_search_run(t, 0, &a.so, &r, &err);
    if (sp.shown && sp.tty)
        fputc('\n', stderr);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    if (c.boot.B > 0 && r.n_rows > 0) {
        dfg_est_opts eo = c.est;
        eo.want_ci = 0;
        eo.method = dfg_search_method_name(a.so.method);
        eo.criterion = dfg_criterion_name(a.so.criterion);
        eo.max_order = a.so.max_order;
        eo.threshold = a.so.threshold;
        const dfg_estimator *est = dfg_estimator_find(eo.method);
        if (!est) {
            fprintf(stderr, "darkfig: no estimator for search method %s\n", eo.method);
            code = EXIT_INTERNAL;
            goto done;
        }
        /* the parametric bootstrap draws from the chosen model's fitted cells */
        rc = dfg_loglin_fit_boundary(t, 0, &r.rows[0].model, r.rows[0].boundary,
                                     r.rows[0].n_boundary, &c.est.glm, &chosen, &err);
        if (rc == DFG_OK)
            code = run_boot(&c, est, t, &eo, chosen.fitted, &boot);
        else
            code = fail(&err, rc);
        if (code)
            goto done;
        has_boot = 1;
    }
    if ((code = out_open(&ob)) != 0)
        goto done;
    o = ob.f;
    if (c.format == FMT_TEXT) {
        search_text(o, &c, sha, t, &r);
        if (has_boot)
            boot_text(o, &boot, c.est.level);
    } else if (c.format == FMT_CSV) {
        search_csv(o, &c, sha, t, &r);
    } else {
        search_json(o, &c, sha, t, &r, has_boot ? &boot : NULL);
    }
    code = out_flush(&ob);
done:
    out_free(&ob);
    if (has_boot)
        dfg_boot_result_free(&boot);
    dfg_fit_free(&chosen);
    dfg_search_result_free(&r);
    dfg_table_free(t);
    return code;
}
