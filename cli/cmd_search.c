/* cli/cmd_search.c: darkfig search: the model search with existence checks, the chosen
 * model with the bootstrap that repeats the selection, the model table ranked by the
 * criterion, and (--path) the stepwise path.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int search_main(int argc, char **argv);

typedef struct {
    int method, criterion, max_order;
    double threshold;
    size_t top;
    int average, path;
    /* --method step (cli/covariates.c) */
    const char *fixed;
    int scope_lists;
} search_args;

/* --method step: over lists and covariates (not a dfg_search_method) */
#define METHOD_STEP 100

static const cli_choice method_choices[] = {{"stepwise", DFG_SEARCH_STEPWISE},
                                            {"aic-stepwise", DFG_SEARCH_AIC_STEPWISE},
                                            {"exhaustive", DFG_SEARCH_EXHAUSTIVE},
                                            {"downhill", DFG_SEARCH_DOWNHILL},
                                            {"step", METHOD_STEP},
                                            {NULL, 0}};
static const cli_choice scope_choices[] = {{"all", 0}, {"lists", 1}, {NULL, 0}};
static const cli_choice criterion_choices[] = {
    {"bic", DFG_CRIT_BIC}, {"aic", DFG_CRIT_AIC}, {"aicc", DFG_CRIT_AICC}, {NULL, 0}};

static const cli_option search_options[] = {
    OPT_ONE_OF(
        "method", "M", search_args, method, method_choices,
        "stepwise (default; Chan, Silverman & Vincent 2021: add the pair with the smallest "
        "Poisson p-value below the threshold), aic-stepwise (Bales, Hesketh & Silverman 2015), "
        "exhaustive (every hierarchical model up to --max-order), downhill (greedy on the "
        "criterion; Silverman, Chan & Vincent 2024), step (over lists and covariates, the "
        "columns that are not lists with --lists: Cruyff's mse::model_search, R's step() from "
        "the main effects over every two-way term, adding or dropping the term that lowers "
        "-2 log L + pen p most, pen = log n, then 2, then 1, each phase keeping the terms the "
        "one before chose; the path with AIC, AICc, BIC minus their minimum and N; steps whose "
        "MLE does not exist are marked and carry no N; on a file with missing covariate "
        "values it is darkfig em --search: every candidate fitted by EM)"),
    OPT_CRITERION(
        search_args, criterion,
        "ranks the table (default bic); BIC = p log n - 2 log L with n = people observed and p "
        "counting terms fixed at -inf (MultipleSystemsEstimation's convention)"),
    OPT_MAX_ORDER(
        search_args, max_order,
        "highest interaction order of exhaustive and downhill, at most k - 1 (default: 2 for 3 "
        "lists, 3 for 4-5 lists, 2 for 6 or more; the stepwise methods add pairs)"),
    OPT_THRESHOLD(
        search_args, threshold,
        "p-value threshold of the stepwise methods (default 0.02 stepwise, 0.001 aic-stepwise)"),
    OPT_NUM("top", "N", OPT_SIZE, search_args, top, 1, DFG_MAX_TOP, 0,
            "rows of the model table (default 20)"),
    OPT_SWITCH("average", search_args, average,
               "also report the model-averaged N (Buckland, Burnham & Augustin 1997)"),
    OPT_SWITCH("path", search_args, path,
               "also show the stepwise path: the model after each step and the term it added"),
    OPT_STR("fixed", "M", search_args, fixed,
            "terms over lists and covariates held in every model: with --method step kept and "
            "never dropped, e.g. [*:age] holds each list's age effect; with stepwise, "
            "exhaustive or downhill the same search over the list interactions on the full "
            "table (every pattern x covariate combination), each model = its list terms + M + "
            "every main effect, fitted as fit does, with the chosen model's totals per level; "
            "each term of M has at most one list ([P:age,age:sex]; [] = the covariates' main "
            "effects only); --bootstrap B gives the total and every level total an interval, "
            "parametric with the chosen model fixed (mse::boot_mse) or nonparametric with the "
            "search repeated in every replicate, and counts the models the replicates chose; "
            "on a file with missing covariate values every model is fitted by EM as em "
            "--em-exact, criteria on the observed-data log-likelihood, candidates the missing "
            "values leave unidentifiable skipped and named (no --bootstrap or --by there)"),
    OPT_ONE_OF("scope", "S", search_args, scope_lists, scope_choices,
               "with --method step: all (default: every two-way term) or lists (the list pairs "
               "only: list-dependence selection with the --fixed covariate terms held)"),
    OPT_END};

const cli_command cmd_search = {
    "search",
    "FILE",
    "model search (stepwise, exhaustive, ...) with existence checks\n"
    "and the spread of N over good models",
    "Search the hierarchical log-linear models for the one the data support best, check\n"
    "that each model's MLE exists and is identifiable, and show how much N moves across\n"
    "the good models. With --bootstrap B, every replicate repeats the whole search (Chan,\n"
    "Silverman & Vincent 2021): its interval is the one to report, as the log-normal\n"
    "interval of the chosen model ignores that the model was chosen from the data.\n",
    search_options,
    CLI_INPUT | CLI_OUTPUT | CLI_FITTING | CLI_BOOT | CLI_COVARIATES,
    search_main};

/* ** {======================================================================
 * Progress of long searches
 * ======================================================================= */

/* On stderr once a search has run for a second: updated in place on a terminal,
 * otherwise a line every 5 seconds. */
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

/* ** }====================================================================== */

/* ** {======================================================================
 * The table ranked by the criterion, and the stepwise path
 * ======================================================================= */

/* Models in a fixed order: by term count, then term by term. */
static int cmp_model(const dfg_model *a, const dfg_model *b)
{
    if (a->n_terms != b->n_terms)
        return a->n_terms < b->n_terms ? -1 : 1;
    for (size_t i = 0; i < a->n_terms; i++)
        if (a->terms[i] != b->terms[i])
            return a->terms[i] < b->terms[i] ? -1 : 1;
    return 0;
}

/* Rows by criterion, ties by model: the same order on every run and build. */
static int cmp_rank(const void *pa, const void *pb)
{
    const dfg_search_row *a = *(const dfg_search_row *const *)pa;
    const dfg_search_row *b = *(const dfg_search_row *const *)pb;
    if (a->criterion != b->criterion)
        return a->criterion < b->criterion ? -1 : 1;
    return cmp_model(&a->model, &b->model);
}

static int cmp_size(const void *pa, const void *pb)
{
    const dfg_search_row *a = *(const dfg_search_row *const *)pa;
    const dfg_search_row *b = *(const dfg_search_row *const *)pb;
    return cmp_model(&a->model, &b->model);
}

typedef struct {
    const dfg_search_result *r;
    const dfg_search_row *chosen;
    const dfg_search_row **rank; /* the rows by criterion */
    size_t n_show;               /* rank[0..n_show-1] shown, the chosen one added if not */
    int complete;                /* every admissible model is a row: ranks are exact */
    const dfg_search_row **path; /* the stepwise path from main effects (NULL: none) */
    size_t n_path;
    const char *crit; /* "BIC", ... */
} search_table;

/* The rank of row w (1-based), 0 when not known (the table was cut before it). */
static size_t rank_of(const search_table *s, const dfg_search_row *w)
{
    for (size_t i = 0; i < s->r->n_rows; i++)
        if (s->rank[i] == w) /* the chosen row last of a cut table: others may come first */
            return w == s->chosen && i + 1 == s->r->n_rows && !s->complete ? 0 : i + 1;
    return 0;
}

/* The stepwise path: the models visited, in order of size, each the previous one plus a
 * term (a stepwise search visits no other admissible model). 0 when the rows are not
 * such a chain. */
static int build_path(search_table *s)
{
    size_t n = s->r->n_rows;
    if (!s->complete || !(s->path = malloc(n * sizeof *s->path)))
        return 0;
    for (size_t i = 0; i < n; i++)
        s->path[i] = &s->r->rows[i];
    qsort(s->path, n, sizeof *s->path, cmp_size);
    for (size_t i = 1; i < n; i++)
        if (s->path[i]->model.n_terms != s->path[i - 1]->model.n_terms + 1)
            return 0;
    if (n == 0 || s->path[n - 1] != s->chosen)
        return 0;
    s->n_path = n;
    return 1;
}

/* The term of b that a lacks, as names. */
static void added_term(const dfg_table *t, const dfg_model *a, const dfg_model *b, char *buf,
                       size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < b->n_terms; i++) {
        int in = 0;
        for (size_t j = 0; j < a->n_terms && !in; j++)
            in = a->terms[j] == b->terms[i];
        if (!in) {
            term_name(t, b->terms[i], buf, size);
            return;
        }
    }
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Output
 * ======================================================================= */

/* The bootstrap's share of replicates that chose model `model` (NaN when none). */
static double boot_share(const dfg_boot_result *b, const char *model)
{
    for (size_t i = 0; i < b->n_models; i++)
        if (strcmp(b->models[i], model) == 0)
            return (double)b->model_count[i] / (double)b->B;
    return 0.0;
}

/* The chosen model: its estimate, the bootstrap's interval, the model uncertainty. */
static void chosen_text(FILE *o, const common_opts *c, const dfg_table *t, const search_table *s,
                        const dfg_boot_result *boot)
{
    const dfg_search_result *r = s->r;
    const dfg_search_row *b = s->chosen;
    char pct[32], name[512], ci[96];
    level_label(c->est.level, pct, sizeof pct);
    dfg_model_format(&b->model, t, name, sizeof name);
    fprintf(o, "chosen    %s\n", name);
    text_estimate(o, r->n_obs, b->nhat, b->se_nhat, NULL);
    if (boot) {
        fmt_interval(ci, sizeof ci, boot->ci.lower, boot->ci.upper);
        fprintf(o,
                "  %s interval for N      %-22s %s bootstrap: %zu replicates, the search\n"
                "                                                 repeated in each (seed %lu)\n",
                pct, ci, boot->ci.type == DFG_CI_BCA ? "BCa" : "percentile", boot->B,
                (unsigned long)boot->seed);
    }
    fmt_interval(ci, sizeof ci, b->lower, b->upper);
    fprintf(o,
            "  %s log-normal          %-22s (Chao 1987) given the chosen model: too\n"
            "                                                 narrow after selection%s\n",
            pct, ci, boot ? "" : ", see --bootstrap");
    fprintf(o, "  model uncertainty       N from %.1f to %.1f over the %zu model%s within d%s <= 2",
            r->range_lo[0], r->range_hi[0], r->n_within[0], r->n_within[0] == 1 ? "" : "s",
            s->crit);
    if (r->n_within[1] > r->n_within[0])
        fprintf(o, ";\n                          %.1f to %.1f over the %zu within d%s <= 6",
                r->range_lo[1], r->range_hi[1], r->n_within[1], s->crit);
    if (boot)
        fprintf(o,
                ";\n                          the bootstrap chose %zu distinct models, this one "
                "in %.1f%% of replicates",
                boot->n_models, 100.0 * boot_share(boot, boot->model));
    fputc('\n', o);
    if (isfinite(r->nhat_avg))
        fprintf(o,
                "  model-averaged N        %12.1f   (%s weights; Buckland, Burnham & Augustin "
                "1997)\n",
                r->nhat_avg, s->crit);
    if (b->n_boundary)
        fprintf(o, "  %zu term(s) at the boundary (lists never overlap: fixed at -inf)\n",
                b->n_boundary);
}

/* The models ranked by the criterion, the chosen one marked (and added when cut). */
static void ranked_text(FILE *o, const dfg_table *t, const search_table *s)
{
    char name[512], ci[96];
    fprintf(o, "\nmodels ranked by %s (n = %.0f people observed; delta from the best)\n", s->crit,
            s->r->n_obs);
    fprintf(o, "  %4s  %-6s  %-28s %12s %9s %7s %12s %10s  %-25s %s\n", "rank", "chosen", "model",
            s->crit, "delta", "weight", "N", "s.e.", "log-normal interval", "status");
    int chosen_shown = 0;
    for (size_t i = 0; i < s->n_show || !chosen_shown; i++) {
        const dfg_search_row *w = i < s->n_show ? s->rank[i] : s->chosen;
        if (i >= s->n_show)
            fputs("  ...\n", o);
        chosen_shown |= w == s->chosen;
        size_t rk = rank_of(s, w);
        char rks[24];
        snprintf(rks, sizeof rks, rk ? "%zu" : "-", rk);
        dfg_model_format(&w->model, t, name, sizeof name);
        fmt_interval(ci, sizeof ci, w->lower, w->upper);
        fprintf(o, "  %4s  %-6s  %-28s %12.5f %9.5f %7.4f %12.1f %10.1f  %-25s %s\n", rks,
                w == s->chosen ? "*" : "", name, w->criterion, w->delta, w->weight, w->nhat,
                w->se_nhat, ci, dfg_check_name(w->status));
        if (i >= s->n_show)
            break;
    }
}

/* The stepwise path: the model after each step and the term it added. */
static void path_text(FILE *o, const dfg_table *t, const search_table *s)
{
    char name[512];
    fprintf(o, "\nstepwise path (%s)\n", dfg_search_method_name(s->r->method));
    fprintf(o, "  %4s  %-14s %-28s %12s %12s\n", "step", "term added", "model", s->crit, "N");
    for (size_t i = 0; i < s->n_path; i++) {
        const dfg_search_row *w = s->path[i];
        char term[128] = "(start)";
        if (i > 0)
            added_term(t, &s->path[i - 1]->model, &w->model, term, sizeof term);
        dfg_model_format(&w->model, t, name, sizeof name);
        fprintf(o, "  %4zu  %-14s %-28s %12.5f %12.1f\n", i, term, name, w->criterion, w->nhat);
    }
}

/* fixed (may be NULL): the lines that say what every model holds besides its list terms */
static void search_text(FILE *o, const common_opts *c, const char *sha, const dfg_table *t,
                        const search_table *s, const dfg_boot_result *boot, const char *fixed)
{
    const dfg_search_result *r = s->r;
    size_t k = dfg_table_k(t);
    text_head(o, "search", c->file, sha);
    fprintf(o, "lists     %zu:", k);
    for (size_t j = 0; j < k; j++)
        fprintf(o, " %s", dfg_table_list_name(t, j));
    fprintf(o, "\nsearch    %s", dfg_search_method_name(r->method));
    if (r->method == DFG_SEARCH_STEPWISE || r->method == DFG_SEARCH_AIC_STEPWISE)
        fprintf(o, ", p-value threshold %g", r->threshold);
    fprintf(o, ", max order %d\n", r->max_order);
    if (fixed)
        fputs(fixed, o);
    fprintf(o,
            "models    %zu visited: %zu admissible, %zu MLE does not exist, %zu not identifiable, "
            "%zu fits failed\n",
            r->n_models, r->n_admissible, r->n_nomle, r->n_notident, r->n_failed);
    if (r->n_not_estimate > 0) /* converged, but N is no estimate (dfg_value_judge) */
        fprintf(o, "          %zu not an estimate, left out of the ranking (%s)\n",
                r->n_not_estimate, r->reason_not_estimate);
    fputc('\n', o);
    chosen_text(o, c, t, s, boot);
    ranked_text(o, t, s);
    if (s->path)
        path_text(o, t, s);
    if (boot)
        boot_text(o, boot, c->est.level);
}

static void row_json(cJSON *row, const dfg_table *t, const search_table *s, const dfg_search_row *w)
{
    char name[512];
    size_t rk = rank_of(s, w);
    jnum(row, "rank", rk ? (double)rk : DNAN);
    jbool(row, "chosen", w == s->chosen);
    dfg_model_format(&w->model, t, name, sizeof name);
    jestimate(row, name, DFG_OK, w->status, s->r->n_obs, w->nhat, w->se_nhat);
    static const char *const keys[] = {"lognormal_lower", "lognormal_upper", "p",  "boundary_terms",
                                       "loglik",          "deviance",        "df", "criterion",
                                       "delta",           "weight"};
    const double v[] = {w->lower,  w->upper,    (double)w->p, (double)w->n_boundary,
                        w->loglik, w->deviance, w->df,        w->criterion,
                        w->delta,  w->weight};
    jnums(row, keys, v, sizeof v / sizeof v[0]);
}

static void search_json(cJSON *root, const dfg_table *t, const search_table *s,
                        const dfg_boot_result *boot, double level)
{
    const dfg_search_result *r = s->r;
    jstr(root, "method", dfg_search_method_name(r->method));
    jstr(root, "criterion", dfg_criterion_name(r->criterion));
    jnum(root, "max_order", r->max_order);
    jnum(root, "threshold", r->threshold);
    jnum(root, "n", r->n_obs);
    jnum(root, "models_visited", (double)r->n_models);
    jnum(root, "admissible", (double)r->n_admissible);
    jnum(root, "mle_does_not_exist", (double)r->n_nomle);
    jnum(root, "not_identifiable", (double)r->n_notident);
    jnum(root, "failed", (double)r->n_failed);
    jnum(root, "not_estimate", (double)r->n_not_estimate);
    jstr(root, "reason_not_estimate", r->reason_not_estimate);
    row_json(jobj(root, "chosen"), t, s, s->chosen);
    if (boot)
        boot_json(root, boot, level);
    jnum(root, "model_averaged_N", r->nhat_avg);
    for (int j = 0; j < 2; j++) {
        cJSON *w = jobj(root, j ? "within_6" : "within_2");
        jnum(w, "models", (double)r->n_within[j]);
        jnum(w, "N_min", r->n_within[j] ? r->range_lo[j] : DNAN);
        jnum(w, "N_max", r->n_within[j] ? r->range_hi[j] : DNAN);
    }
    cJSON *ms = jarr(root, "models");
    int chosen_shown = 0;
    for (size_t i = 0; ms && i < s->n_show; i++) {
        row_json(jrow(ms), t, s, s->rank[i]);
        chosen_shown |= s->rank[i] == s->chosen;
    }
    if (ms && !chosen_shown)
        row_json(jrow(ms), t, s, s->chosen);
    if (s->path) {
        cJSON *p = jarr(root, "path");
        char name[512];
        for (size_t i = 0; p && i < s->n_path; i++) {
            cJSON *e = jrow(p);
            char term[128] = "";
            if (i > 0)
                added_term(t, &s->path[i - 1]->model, &s->path[i]->model, term, sizeof term);
            jnum(e, "step", (double)i);
            jstr(e, "added", term);
            dfg_model_format(&s->path[i]->model, t, name, sizeof name);
            jstr(e, "model", name);
            jnum(e, "criterion", s->path[i]->criterion);
            jnum(e, "N", s->path[i]->nhat);
        }
    }
}

/* ** }====================================================================== */

/* The search options from the command line's. */
static dfg_search_opts search_opts(const search_args *a, const common_opts *c)
{
    dfg_search_opts so = dfg_search_opts_default();
    so.method = (dfg_search_method)a->method;
    so.criterion = (dfg_criterion)a->criterion;
    so.max_order = a->max_order;
    so.threshold = a->threshold;
    so.top = a->top;
    so.average = a->average;
    so.threads = c->boot.threads;
    so.level = c->est.level;
    so.glm = c->est.glm;
    return so;
}

dfg_status search_boot_setup(const dfg_table *t, const dfg_est_opts *est_in,
                             const dfg_search_opts *so, const dfg_search_row *chosen,
                             dfg_est_opts *eo, const dfg_estimator **est, dfg_fit *fit,
                             dfg_error *err)
{
    memset(fit, 0, sizeof *fit);
    *eo = *est_in;
    eo->want_ci = 0;
    eo->method = dfg_search_method_name(so->method);
    eo->criterion = dfg_criterion_name(so->criterion);
    eo->max_order = so->max_order;
    eo->threshold = so->threshold;
    if (!(*est = dfg_estimator_find(eo->method))) {
        err->code = DFG_EINTERNAL;
        snprintf(err->msg, sizeof err->msg, "no estimator for search method %s", eo->method);
        return DFG_EINTERNAL;
    }
    return dfg_loglin_fit_boundary(t, 0, &chosen->model, chosen->boundary, chosen->n_boundary,
                                   &est_in->glm, fit, err);
}

/* The bootstrap of the search (search_boot_setup), parametric from the chosen model's
 * fitted cells: 0 or the exit code. */
static int search_boot(common_opts *c, const dfg_table *t, const dfg_search_opts *so,
                       const search_table *s, dfg_boot_result *boot)
{
    dfg_est_opts eo;
    const dfg_estimator *est;
    dfg_fit chosen;
    dfg_error err = {0};
    dfg_status rc = search_boot_setup(t, &c->est, so, s->chosen, &eo, &est, &chosen, &err);
    if (rc != DFG_OK && !est) {
        cli_say("%s", err.msg);
        return EXIT_INTERNAL;
    }
    if (rc != DFG_OK)
        return fail(&err, rc);
    double n_draw = c->boot.type == DFG_BOOT_PARAMETRIC ? s->chosen->nhat : s->r->n_obs;
    int code = boot_guard(c, est, t, &eo, chosen.fitted, n_draw);
    if (code == 0)
        code = run_boot(c, est, t, &eo, chosen.fitted, boot);
    dfg_fit_free(&chosen);
    return code;
}

/* Rank the rows of r into s (and the path when asked): 0 or the exit code. */
static int rank_rows(search_table *s, const dfg_search_result *r, const search_args *a)
{
    s->r = r;
    s->crit = r->criterion == DFG_CRIT_AIC ? "AIC" : r->criterion == DFG_CRIT_AICC ? "AICc" : "BIC";
    s->chosen = &r->rows[0];
    s->complete = r->n_rows == r->n_admissible;
    if (!(s->rank = malloc(r->n_rows * sizeof *s->rank)))
        return fail(NULL, DFG_ENOMEM);
    for (size_t i = 0; i < r->n_rows; i++)
        s->rank[i] = &r->rows[i];
    qsort(s->rank, r->n_rows, sizeof *s->rank, cmp_rank);
    s->n_show = r->n_rows < a->top ? r->n_rows : a->top;
    if (a->path && !build_path(s)) {
        free(s->path);
        s->path = NULL;
        cli_say("note: the stepwise path is not available (a model on it was not admissible)");
    }
    return 0;
}

/* ** {======================================================================
 * The list searches over lists and covariates (--fixed)
 * ======================================================================= */

/* search --method stepwise|exhaustive|downhill --fixed M on the full table over lists and
 * covariates: the list search with M held in every model, then the chosen model's totals
 * per covariate level and (--bootstrap) their intervals: parametric with the chosen model
 * fixed, or nonparametric with the whole search repeated in every replicate. The exit
 * code, or -1 when the output is written. */
static int search_fixed(cli_run *run, const search_args *a)
{
    common_opts *c = &run->c;
    dfg_ctable *own = NULL;
    dfg_itable *it = NULL; /* missing covariate values: every model fitted by EM */
    int code = em_search_load(run, &it);
    if (code == -2)
        code = cov_search_load(run, &own);
    if (code != 0)
        return code;
    const dfg_ctable *ct = it ? dfg_itable_ctable(it) : own;
    dfg_error err = {0};
    dfg_cmodel fixed = {0}, cm = {0};
    dfg_cfit fit;
    memset(&fit, 0, sizeof fit);
    dfg_search_result r;
    memset(&r, 0, sizeof r);
    search_table s = {&r, NULL, NULL, 0, 0, NULL, 0, "BIC"};
    dfg_level_total *lev = NULL;
    size_t n_lev = 0;
    dfg_cboot_result boot;
    memset(&boot, 0, sizeof boot);
    int has_boot = 0;
    size_t by[8], n_by = 0;
    if (it && (c->boot.B > 0 || c->cov.by)) { /* the EM's bootstrap: darkfig em --bootstrap */
        code = usage_error("search", "--bootstrap and --by are not offered with --fixed on a file "
                                     "with missing covariate values (bootstrap the chosen model "
                                     "with em --model M --bootstrap B)");
        goto done;
    }
    if (c->cov.by && (code = cov_indices("search", ct, c->cov.by, by, &n_by)) != 0)
        goto done;
    dfg_status rc = dfg_cmodel_parse(a->fixed, ct, &fixed, &err);
    if (rc != DFG_OK) {
        cli_say("--fixed %s: %s", a->fixed, err.msg[0] ? err.msg : dfg_strerror(rc));
        code = rc == DFG_ENOMEM ? EXIT_INTERNAL : EXIT_USAGE;
        goto done;
    }
    dfg_search_opts so = search_opts(a, c);
    if (a->path) {
        size_t k = dfg_ctable_k(ct), all = 1 + k * (k - 1) / 2;
        so.top = so.top > all ? so.top : all;
    }
    search_progress sp = {{0, 0}, 0.0, 0, isatty(STDERR_FILENO)};
    clock_gettime(CLOCK_MONOTONIC, &sp.start);
    so.progress = search_progress_cb;
    so.progress_data = &sp;
    dfg_em_opts eo = em_search_opts(c);
    rc = it ? dfg_em_search_run(it, &fixed, &eo, &so, &r, &err)
            : dfg_search_run_cov(ct, &fixed, &so, &r, &err);
    if (sp.shown && sp.tty)
        fputc('\n', stderr);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    if ((code = rank_rows(&s, &r, a)) != 0)
        goto done;
    /* the chosen model's totals per level, as fit gives them */
    if ((rc = dfg_search_cov_model(ct, &fixed, &s.chosen->model, &cm, &err)) != DFG_OK ||
        (rc = it ? em_search_totals(it, &cm, c, &fit, &lev, &n_lev, &err)
                 : dfg_cfit_checked(ct, &cm, &c->est.glm, &fit, &err)) != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    if (!it) {
        dfg_error le = {0};
        rc = dfg_cfit_level_totals(ct, &cm, &fit, by, n_by, c->est.level, !c->cov.no_level_profile,
                                   &c->est.glm, &lev, &n_lev, &le);
        if (rc == DFG_ENOMEM || rc == DFG_EINVAL) {
            code = fail(&le, rc);
            goto done;
        }
        if (rc != DFG_OK)
            cli_say("warning: level profile interval: %s", le.msg);
    }
    if (c->boot.B > 0) {
        dfg_cboot_opts bo = cboot_opts(c);
        bo.select = bo.type == DFG_BOOT_NONPARAMETRIC;
        bo.search = &so;
        bo.search_fixed = &fixed;
        if ((code = run_cboot(c, ct, &cm, &fit, by, n_by, &bo, &boot)) != 0)
            goto done;
        has_boot = 1;
    }
    if ((code = cli_run_output(run)) >= 0)
        goto done;
    char fx[1024], full[2048], line[4200];
    dfg_cmodel_format(&fixed, ct, fx, sizeof fx);
    dfg_cmodel_format(&cm, ct, full, sizeof full);
    if (run->o.format == FMT_TEXT) {
        FILE *o = run->o.text;
        int w = snprintf(line, sizeof line, "covariates %zu:", dfg_ctable_n_cov(ct));
        for (size_t v = 0; v < dfg_ctable_n_cov(ct) && w > 0 && (size_t)w < sizeof line; v++)
            w += snprintf(line + w, sizeof line - (size_t)w, " %s", dfg_ctable_cov_name(ct, v));
        if (w > 0 && (size_t)w < sizeof line)
            snprintf(line + w, sizeof line - (size_t)w,
                     "\nfixed     %s: in every model below with the main effects, fitted over "
                     "%zu cells\n          (%zu strata); the models show their list terms\n",
                     fx, dfg_ctable_n_cells(ct), dfg_ctable_n_strata(ct));
        if (it && strlen(line) + 800 < sizeof line)
            em_search_lines(it, &r, line + strlen(line), sizeof line - strlen(line));
        search_text(o, c, run->in.sha, run->t, &s, NULL, line);
        fprintf(o,
                "\nTotals per level of the chosen model %s\n(s.e. by the delta method with the "
                "full covariance)\n",
                full);
        fprintf(o, "  %-24s %8.0f %10.1f %10.1f %6.2f %9.1f\n", "total", fit.n_obs, fit.nhat,
                fit.m0, fit.nhat / fit.n_obs, fit.se_nhat);
        cov_levels_text(o, lev, n_lev);
        if (has_boot) {
            if (boot.type == DFG_BOOT_NONPARAMETRIC)
                fprintf(o, "\nthe search repeated in every replicate%s, the fixed terms held\n",
                        c->boot.interval == (int)DFG_CI_BCA ? " and jackknife fit" : "");
            cboot_text(o, &boot);
        }
    } else {
        run->o.rows = "models";
        search_json(run->o.root, run->t, &s, NULL, c->est.level);
        jstr(run->o.root, "fixed", fx);
        jstr(run->o.root, "chosen_full_model", full);
        if (it) {
            jstr(run->o.root, "fit", "EM");
            jstr(run->o.root, "skipped", r.skipped);
        }
        cJSON *rows = jarr(run->o.root, "totals");
        cov_levels_json(rows, full, dfg_check_name(fit.check), lev, n_lev,
                        has_boot ? boot.rows + 1 : NULL);
        if (has_boot)
            cboot_json(run->o.root, &boot, c);
    }
    code = -1;
done:
    if (has_boot)
        dfg_cboot_result_free(&boot);
    dfg_free_level_totals(lev);
    dfg_cfit_free(&fit);
    dfg_cmodel_free(&cm);
    dfg_cmodel_free(&fixed);
    free(s.rank);
    free(s.path);
    dfg_search_result_free(&r);
    dfg_ctable_free(own);
    dfg_itable_free(it);
    return code;
}

/* ** }====================================================================== */

static int search_main(int argc, char **argv)
{
    int em = search_em_redirect(argc, argv); /* --method step, missing covariate values */
    if (em >= 0)
        return em;
    cli_run run;
    dfg_search_opts so = dfg_search_opts_default();
    search_args a = {(int)so.method, (int)so.criterion, 0, 0.0, so.top, 0, 0, NULL, 0};
    int code = cli_run_parse(&run, &cmd_search, &a, argc, argv);
    dfg_search_result r;
    memset(&r, 0, sizeof r);
    dfg_boot_result boot;
    int has_boot = 0;
    search_table s = {&r, NULL, NULL, 0, 0, NULL, 0, "BIC"};
    dfg_error err = {0};
    if (code >= 0)
        goto done;
    if (a.path && a.method != DFG_SEARCH_STEPWISE && a.method != DFG_SEARCH_AIC_STEPWISE) {
        code = usage_error("search", "--path shows the path of a stepwise search (--method "
                                     "stepwise or aic-stepwise)");
        goto done;
    }
    if (run.c.cov.no_level_profile && !(a.fixed && a.method != METHOD_STEP)) {
        code = usage_error("search", "--no-level-profile goes with --fixed and a list search "
                                     "(stepwise, exhaustive, downhill)");
        goto done;
    }
    if (run.c.cov.by && !a.fixed && a.method != METHOD_STEP) {
        code = usage_error("search", "--by goes with --fixed or --method step (the totals per "
                                     "level of the chosen model over lists and covariates)");
        goto done;
    }
    if (run.c.cov.by && a.method == METHOD_STEP && run.c.boot.B == 0) {
        code = usage_error("search", "with --method step, --by sets the totals of the bootstrap "
                                     "(--bootstrap B); or fit the chosen model with fit --model "
                                     "M --by C");
        goto done;
    }
    if (run.c.cov.trend && a.method != METHOD_STEP) {
        code = usage_error("search", "--trend goes with --method step (the list searches "
                                     "compare list terms; fit the chosen model with fit --trend)");
        goto done;
    }
    if (a.fixed && a.method != METHOD_STEP) {
        if (a.method == DFG_SEARCH_AIC_STEPWISE || a.scope_lists || a.average) {
            code = usage_error(
                "search", "--fixed with --method %s: %s",
                a.method == DFG_SEARCH_AIC_STEPWISE ? "aic-stepwise"
                                                    : "stepwise|exhaustive|downhill",
                a.method == DFG_SEARCH_AIC_STEPWISE
                    ? "aic-stepwise compares Rcapture fits of the lists alone (use stepwise, "
                      "exhaustive or downhill)"
                : a.scope_lists ? "--scope is an option of --method step"
                                : "--average is not offered with covariates");
            goto done;
        }
        if ((code = cli_run_load(&run, 0)) < 0)
            code = search_fixed(&run, &a);
        goto done;
    }
    if (a.method == METHOD_STEP) {
        run.c.cov.fixed = a.fixed;
        run.c.cov.lists_only = a.scope_lists;
        if ((code = cli_run_load(&run, 0)) < 0)
            code = search_step(&run);
        goto done;
    }
    if ((code = cli_run_load(&run, 1)) >= 0)
        goto done;
    so = search_opts(&a, &run.c);
    if (a.path) { /* every model of the path a row: a stepwise search adds at most every pair */
        size_t k = dfg_table_k(run.t), all = 1 + k * (k - 1) / 2;
        so.top = so.top > all ? so.top : all;
    }
    search_progress sp = {{0, 0}, 0.0, 0, isatty(STDERR_FILENO)};
    clock_gettime(CLOCK_MONOTONIC, &sp.start);
    so.progress = search_progress_cb;
    so.progress_data = &sp;
    dfg_status rc = dfg_search_run(run.t, 0, &so, &r, &err);
    if (sp.shown && sp.tty)
        fputc('\n', stderr);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    if (r.n_rows == 0) {
        cli_say("%s: no admissible model", run.in.path);
        code = EXIT_INPUT;
        goto done;
    }
    if ((code = rank_rows(&s, &r, &a)) != 0)
        goto done;
    code = -1;
    if (run.c.boot.B > 0) {
        if ((code = search_boot(&run.c, run.t, &so, &s, &boot)) != 0)
            goto done;
        has_boot = 1;
        code = -1;
    }
    if ((code = cli_run_output(&run)) >= 0)
        goto done;
    if (run.o.format == FMT_TEXT) {
        search_text(run.o.text, &run.c, run.in.sha, run.t, &s, has_boot ? &boot : NULL, NULL);
    } else {
        run.o.rows = "models";
        search_json(run.o.root, run.t, &s, has_boot ? &boot : NULL, run.c.est.level);
    }
done:
    free(s.rank);
    free(s.path);
    if (has_boot)
        dfg_boot_result_free(&boot);
    dfg_search_result_free(&r);
    return cli_run_end(&run, code);
}
