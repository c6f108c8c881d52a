/* cli/cmd_dga.c: darkfig dga: Bayesian model averaging over decomposable graphs
 * (Madigan & York 1997; the R package dga's bma.cr).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int dga_main(int argc, char **argv);

typedef struct {
    double delta; /* 0 = 2^-k */
    int prior;
    size_t min_missing, max_missing, step, top;
    int threads, posterior, by;
} dga_args;

static const cli_choice prior_choices[] = {
    {"inverse", DFG_DGA_PRIOR_INVERSE}, {"rissanen", DFG_DGA_PRIOR_RISSANEN}, {NULL, 0}};

/* --step's help, with the grid's limit from the library */
#define GRID_LIMIT CLI_TEXT(DFG_DGA_MAX_GRID)
static const char step_help[] = "grid step (default 1); the grid holds at most " GRID_LIMIT
                                " points, so registers of millions need a larger step";

static const cli_option dga_options[] = {
    OPT_NUM("delta", "D", OPT_DOUBLE, dga_args, delta, 0, 1e300, OPEN_LO,
            "hyper-Dirichlet parameter per cell of the full table (default 2^-k, as dga)"),
    OPT_ONE_OF("prior", "P", dga_args, prior, prior_choices,
               "prior on N: inverse (1/N, dga's default) or rissanen (Rissanen 1983)"),
    OPT_NUM("min-missing", "M", OPT_SIZE, dga_args, min_missing, 0, 1e12, 0,
            "first N0 = N - n of the grid (default 0; dga's examples start at 1)"),
    OPT_NUM("max-missing", "M", OPT_SIZE, dga_args, max_missing, 1, 1e12, 0,
            "last N0 of the grid (default: automatic, the grid doubles from max(10 n, 1000) "
            "until its upper half holds less than 1e-4 of the posterior)"),
    OPT_NUM("step", "S", OPT_SIZE, dga_args, step, 1, 1e9, 0, step_help),
    OPT_NUM("top", "K", OPT_SIZE, dga_args, top, 0, 100000, 0,
            "most probable graphs listed with their own estimates (default 10)"),
    OPT_THREADS(dga_args, threads,
                "worker threads over the graphs (default 1; the same digits on any number)"),
    OPT_SWITCH("posterior", dga_args, posterior,
               "print the posterior of N on the grid (N, dark figure, probability, cumulative; "
               "points below 1e-12 left out) instead of the summary"),
    OPT_SWITCH("by", dga_args, by,
               "one run per stratum (each combination of the columns that are not lists, with "
               "--lists), and the posterior of the strata's total: the convolution of their "
               "posteriors on the grid (independent strata)"),
    OPT_END};

const cli_command cmd_dga = {
    "dga",
    "FILE",
    "Bayesian model averaging over decomposable graphs (dga)",
    "The posterior of the population size N averaged over every decomposable graphical\n"
    "model of the lists (3 to 7 lists; Madigan & York 1997, as the R package dga's bma.cr):\n"
    "hyper-Dirichlet prior with parameter delta, prior on N, uniform prior on graphs, on a\n"
    "grid of the missing count N0 = N - n. Prints the posterior mean, median, mode and\n"
    "equal-tailed interval of N and of the dark figure, and the most probable graphs with\n"
    "their own estimates. With --by: the same per stratum, and the posterior of the total\n"
    "over the strata, exact on the grid: the strata are independent a posteriori, so it is\n"
    "the convolution of their posteriors (not the sum of their medians or quantiles).\n",
    dga_options,
    CLI_INPUT | CLI_OUTPUT,
    dga_main};

static void summary_row(FILE *o, const char *label, const dfg_dga_summary *s)
{
    fprintf(o, "  %-13s %12.1f %10.0f %10.0f  [%.0f, %.0f]\n", label, s->mean, s->median, s->mode,
            s->lower, s->upper);
}

static void dga_header(FILE *o, const common_opts *c, const char *sha, const dfg_dga_result *r)
{
    fprintf(o, "darkfig %s dga\ninput     %s (sha256 %.16s...)\n", DFG_VERSION, c->file, sha);
    fprintf(o, "prior     hyper-Dirichlet delta = %g, N ~ %s, uniform over %zu graphs\n", r->delta,
            r->prior == DFG_DGA_PRIOR_INVERSE ? "1/N" : "Rissanen", r->n_graphs);
}

/* One result: the grid, N and the dark figure, the top graphs. total: the sum over strata. */
static void dga_text(FILE *o, const dfg_dga_result *r, int total)
{
    char pct[32];
    level_label(r->level, pct, sizeof pct);
    if (total)
        fprintf(o,
                "grid      N0 = %.0f .. %.0f step %.0f (%zu points): the convolution of the "
                "strata's posteriors\n\n",
                r->grid_lo, r->grid_lo + (double)(r->n_grid - 1) * r->grid_step, r->grid_step,
                r->n_grid);
    else
        fprintf(o, "grid      N0 = %.0f .. %.0f step %.0f (%zu points); upper-half mass %.2g\n\n",
                r->grid_lo, r->grid_lo + (double)(r->n_grid - 1) * r->grid_step, r->grid_step,
                r->n_grid, r->upper_half_mass);
    fprintf(o, "  %-13s %12s %10s %10s  %s interval\n", "", "mean", "median", "mode", pct);
    summary_row(o, "N", &r->N);
    summary_row(o, "dark figure", &r->dark);
    if (total)
        fprintf(o, "\n  registered n = %.0f in all\n", r->n_obs);
    else
        fprintf(o, "\n  registered n = %.0f; %zu graphs with non-negligible posterior mass\n",
                r->n_obs, r->n_active);
    if (r->left_out_mass > 0.0)
        fprintf(o, "  graphs left out (each below 1e-13 of the total): %.2g of the mass in all\n",
                r->left_out_mass);
    if (r->mean_infinite)
        fprintf(o,
                "  the mean is over the grid: the untruncated posterior mean is infinite\n"
                "  ((2^k - 1) delta <= 1: the saturated graph's tail decays as N^-(1 + %.3g))\n",
                (double)(((size_t)1 << r->k) - 1) * r->delta);
    if (r->n_top == 0)
        return;
    fprintf(o, "\n  %-28s %10s %10s %10s  %s interval\n", "graph (cliques)", "prob", "mean",
            "median", pct);
    for (size_t i = 0; i < r->n_top; i++) {
        const dfg_dga_graph *g = &r->top[i];
        fprintf(o, "  %-28s %10.6f %10.1f %10.0f  [%.0f, %.0f]\n", g->model, g->prob, g->N.mean,
                g->N.median, g->N.lower, g->N.upper);
    }
}

static void jsummary(cJSON *obj, const char *key, const dfg_dga_summary *s)
{
    static const char *const keys[] = {"mean", "median", "mode", "lower", "upper"};
    const double v[] = {s->mean, s->median, s->mode, s->lower, s->upper};
    jnums(jobj(obj, key), keys, v, sizeof v / sizeof v[0]);
}

/* The summary: one CSV row per quantity (N, dark figure, each top graph). */
static void dga_json_rows(cJSON *rows, const char *stratum, const dfg_dga_result *r)
{
    for (size_t i = 0; rows && i < 2 + r->n_top; i++) {
        const dfg_dga_summary *s = i == 0 ? &r->N : i == 1 ? &r->dark : &r->top[i - 2].N;
        cJSON *row = jrow(rows);
        if (stratum)
            jstr(row, "stratum", stratum);
        jstr(row, "row", i == 0 ? "N" : i == 1 ? "dark_figure" : "graph");
        jstr(row, "graph", i >= 2 ? r->top[i - 2].model : "");
        jnum(row, "prob", i >= 2 ? r->top[i - 2].prob : 1.0);
        static const char *const keys[] = {"mean", "median", "mode", "lower", "upper"};
        const double v[] = {s->mean, s->median, s->mode, s->lower, s->upper};
        jnums(row, keys, v, sizeof v / sizeof v[0]);
    }
}

static void dga_json(cJSON *root, const dfg_dga_result *r)
{
    jnum(root, "n", r->n_obs);
    jnum(root, "delta", r->delta);
    jstr(root, "prior", dfg_dga_prior_name(r->prior));
    jnum(root, "graphs", (double)r->n_graphs);
    jnum(root, "level", r->level);
    jnum(root, "grid_first", r->grid_lo);
    jnum(root, "grid_step", r->grid_step);
    jnum(root, "grid_points", (double)r->n_grid);
    jnum(root, "upper_half_mass", r->upper_half_mass);
    jnum(root, "left_out_mass", r->left_out_mass);
    jbool(root, "mean_infinite", r->mean_infinite);
    dga_json_rows(jarr(root, "rows"), NULL, r);
    jsummary(root, "N", &r->N);
    jsummary(root, "dark_figure", &r->dark);
}

/* The posterior of N on the grid, points of probability >= 1e-12. */
static void dga_posterior(cJSON *rows, FILE *text, const char *stratum, const dfg_dga_result *r)
{
    double cum = 0.0;
    if (text && stratum)
        fprintf(text, "%s%s\n", strcmp(stratum, "total") == 0 ? "" : "stratum ", stratum);
    if (text)
        fprintf(text, "%12s %12s %14s %12s\n", "N", "dark", "prob", "cumulative");
    for (size_t i = 0; i < r->n_grid; i++) {
        cum += r->post[i];
        if (r->post[i] < 1e-12)
            continue;
        double n0 = r->grid_lo + (double)i * r->grid_step;
        if (text) {
            fprintf(text, "%12.0f %12.0f %14.6e %12.8f\n", r->n_obs + n0, n0, r->post[i], cum);
        } else if (rows) {
            static const char *const keys[] = {"N", "dark", "prob", "cumulative"};
            const double v[] = {r->n_obs + n0, n0, r->post[i], cum};
            cJSON *row = jrow(rows);
            if (stratum)
                jstr(row, "stratum", stratum);
            jnums(row, keys, v, sizeof v / sizeof v[0]);
        }
    }
}

static int dga_main(int argc, char **argv)
{
    cli_run run;
    dfg_dga_opts o = dfg_dga_opts_default();
    dga_args w = {o.delta, (int)o.prior, 0, 0, 1, o.top, 1, 0, 0};
    dfg_dga_result *per = NULL, total;
    size_t ns = 0;
    memset(&total, 0, sizeof total);
    int code = cli_run_parse(&run, &cmd_dga, &w, argc, argv);
    if (code >= 0 || (code = cli_run_load(&run, 0)) >= 0 ||
        (code = cli_input_table_by(&run.c, &run.in, w.by, "--by runs one model average per stratum",
                                   &run.t)) != 0)
        goto done;
    o.delta = w.delta;
    o.prior = (dfg_dga_prior)w.prior;
    o.min_missing = (double)w.min_missing;
    o.max_missing = (double)w.max_missing;
    o.step = (double)w.step;
    o.top = w.top;
    o.threads = w.threads;
    o.level = run.c.est.level;
    ns = dfg_table_n_strata(run.t);
    int strata = w.by && ns > 1;
    if (!(per = calloc(ns, sizeof *per))) {
        cli_say("out of memory");
        code = EXIT_INTERNAL;
        goto done;
    }
    dfg_error err = {0};
    dfg_status rc = strata ? dfg_dga_run_strata(run.t, &o, per, &total, &err)
                           : dfg_dga_run(run.t, 0, &o, &per[0], &err);
    if (rc != DFG_OK) {
        /* bad requests (k, delta, grid) are the user's: usage; a tail too heavy is numerical */
        code = rc == DFG_EINVAL ? usage_error("dga", "%s", err.msg) : fail(&err, rc);
        goto done;
    }
    if ((code = cli_run_output(&run)) >= 0)
        goto done;
    size_t nr = strata ? ns : 1;
    char name[256];
    FILE *text = run.o.format == FMT_TEXT ? run.o.text : NULL;
    if (w.posterior) {
        run.o.rows = "posterior";
        cJSON *rows = text ? NULL : jarr(run.o.root, "posterior");
        for (size_t s = 0; s < nr; s++) {
            cli_stratum_name(run.t, s, strata, name, sizeof name);
            dga_posterior(rows, text, strata ? name : NULL, &per[s]);
        }
        if (strata)
            dga_posterior(rows, text, "total", &total);
    } else if (text) {
        dga_header(text, &run.c, run.in.sha, &per[0]);
        for (size_t s = 0; s < nr; s++) {
            if (strata) {
                cli_stratum_name(run.t, s, strata, name, sizeof name);
                fprintf(text, "\nstratum   %s\n", name);
            }
            dga_text(text, &per[s], 0);
        }
        if (strata) {
            fprintf(text, "\ntotal over the %zu strata\n", ns);
            dga_text(text, &total, 1);
        }
    } else if (!strata) {
        run.o.rows = "rows";
        dga_json(run.o.root, &per[0]);
    } else {
        run.o.rows = "rows";
        cJSON *rows = jarr(run.o.root, "rows");
        for (size_t s = 0; s < ns; s++) {
            cli_stratum_name(run.t, s, strata, name, sizeof name);
            dga_json_rows(rows, name, &per[s]);
        }
        dga_json_rows(rows, "total", &total);
        jstr(run.o.root, "total_method",
             "convolution of the strata's grid posteriors (independent strata)");
    }
done:
    for (size_t s = 0; per && s < ns; s++) /* zeroed or filled: both free */
        dfg_dga_result_free(&per[s]);
    dfg_dga_result_free(&total);
    free(per);
    return cli_run_end(&run, code);
}
