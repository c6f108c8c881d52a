/* cli/cmd_dga.c: darkfig dga: Bayesian model averaging over decomposable graphs
 * (Madigan & York 1997; the R package dga's bma.cr).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char DGA_HELP[] =
    "Usage: darkfig dga FILE [--delta D] [--prior inverse|rissanen] [options]\n"
    "The posterior of the population size N averaged over every decomposable graphical\n"
    "model of the lists (3 to 7 lists; Madigan & York 1997, as the R package dga's bma.cr):\n"
    "hyper-Dirichlet prior with parameter delta, prior on N, uniform prior on graphs, on a\n"
    "grid of the missing count N0 = N - n. Prints the posterior mean, median, mode and\n"
    "equal-tailed interval of N and of the dark figure, and the most probable graphs with\n"
    "their own estimates.\n\n"
    "  --delta D          hyper-Dirichlet parameter per cell, > 0 (default 2^-k, as dga)\n"
    "  --prior P          prior on N: inverse (1/N, dga's default) or rissanen\n"
    "  --min-missing M    first N0 of the grid (default 0; dga's examples start at 1)\n"
    "  --max-missing M    last N0 (default: automatic, the grid doubles from max(10 n, 1000)\n"
    "                     until its upper half holds less than 1e-4 of the posterior)\n"
    "  --step S           grid step, a whole number (default 1)\n"
    "  --top K            graphs listed (default 10)\n"
    "  --posterior        print the posterior of N on the grid (N, dark figure, probability,\n"
    "                     cumulative; cells below 1e-12 left out) instead of the summary\n\n";

typedef struct {
    const char *delta, *prior, *min_missing, *max_missing, *step, *top;
    int posterior;
} dga_args;

static int dga_option(int argc, char **argv, int *i, void *data)
{
    dga_args *w = data;
    if (strcmp(argv[*i], "--posterior") == 0) {
        w->posterior = 1;
        return 1;
    }
    struct {
        const char *name;
        const char **dst;
    } s[] = {{"--delta", &w->delta},
             {"--prior", &w->prior},
             {"--min-missing", &w->min_missing},
             {"--max-missing", &w->max_missing},
             {"--step", &w->step},
             {"--top", &w->top}};
    for (size_t j = 0; j < sizeof s / sizeof s[0]; j++) {
        int r = take_string("dga", argc, argv, i, s[j].name, s[j].dst);
        if (r != 0)
            return r;
    }
    return 0;
}

/* Fill o from the arguments: 0, or the exit code of a usage error (said). */
static int dga_options(const dga_args *w, const common_opts *c, dfg_dga_opts *o)
{
    *o = dfg_dga_opts_default();
    o->level = c->est.level;
    o->threads = c->boot.bo.threads > 1 ? c->boot.bo.threads : 1;
    if (w->delta && (!parse_double(w->delta, &o->delta) || !(o->delta > 0.0)))
        return usage_error("dga", "--delta must be a number > 0 (got \"%s\")", w->delta);
    if (w->prior) {
        dfg_error e = {0};
        if (dfg_dga_prior_parse(w->prior, &o->prior, &e) != DFG_OK)
            return usage_error("dga", "--prior must be inverse or rissanen (got \"%s\")", w->prior);
    }
    struct {
        const char *s, *name;
        double *dst;
        long lo;
    } g[] = {{w->min_missing, "--min-missing", &o->min_missing, 0},
             {w->max_missing, "--max-missing", &o->max_missing, 1},
             {w->step, "--step", &o->step, 1}};
    for (size_t j = 0; j < sizeof g / sizeof g[0]; j++) {
        long v;
        if (!g[j].s)
            continue;
        if (!parse_int(g[j].s, g[j].lo, 1000000000000L, &v))
            return usage_error("dga", "%s must be a whole number >= %ld (got \"%s\")", g[j].name,
                               g[j].lo, g[j].s);
        *g[j].dst = (double)v;
    }
    if (w->top) {
        long v;
        if (!parse_int(w->top, 0, 100000, &v))
            return usage_error("dga", "--top must be an integer in 0..100000 (got \"%s\")", w->top);
        o->top = (size_t)v;
    }
    return 0;
}

static void summary_row(FILE *o, const char *label, const dfg_dga_summary *s)
{
    fprintf(o, "  %-13s %12.1f %10.0f %10.0f  [%.0f, %.0f]\n", label, s->mean, s->median, s->mode,
            s->lower, s->upper);
}

static void write_text(FILE *o, const common_opts *c, const char *sha, const dfg_dga_result *r)
{
    int pct = (int)lround(100.0 * r->level);
    fprintf(o, "darkfig %s dga\ninput     %s (sha256 %.16s...)\n", DFG_VERSION, c->file, sha);
    fprintf(o, "prior     hyper-Dirichlet delta = %g, N ~ %s, uniform over %zu graphs\n", r->delta,
            r->prior == DFG_DGA_PRIOR_INVERSE ? "1/N" : "Rissanen", r->n_graphs);
    fprintf(o, "grid      N0 = %.0f .. %.0f step %.0f (%zu points); upper-half mass %.2g\n\n",
            r->grid_lo, r->grid_lo + (double)(r->n_grid - 1) * r->grid_step, r->grid_step,
            r->n_grid, r->upper_half_mass);
    fprintf(o, "  %-13s %12s %10s %10s  %d%% interval\n", "", "mean", "median", "mode", pct);
    summary_row(o, "N", &r->N);
    summary_row(o, "dark figure", &r->dark);
    fprintf(o, "\n  registered n = %.0f; %zu graphs with non-negligible posterior mass\n", r->n_obs,
            r->n_active);
    if (r->mean_infinite)
        fprintf(o,
                "  the mean is over the grid: the untruncated posterior mean is infinite\n"
                "  ((2^k - 1) delta <= 1: the saturated graph's tail decays as N^-(1 + %.3g))\n",
                (double)(((size_t)1 << r->k) - 1) * r->delta);
    if (r->n_top == 0)
        return;
    fprintf(o, "\n  %-28s %10s %10s %10s  %d%% interval\n", "graph (cliques)", "prob", "mean",
            "median", pct);
    for (size_t i = 0; i < r->n_top; i++) {
        const dfg_dga_graph *g = &r->top[i];
        fprintf(o, "  %-28s %10.6f %10.1f %10.0f  [%.0f, %.0f]\n", g->model, g->prob, g->N.mean,
                g->N.median, g->N.lower, g->N.upper);
    }
}

static void write_csv(FILE *o, const common_opts *c, const char *sha, const dfg_dga_result *r)
{
    fputs("file,sha256,row,graph,prob,mean,median,mode,lower,upper,level,n,delta,prior,"
          "darkfig_version\n",
          o);
    for (size_t i = 0; i < 2 + r->n_top; i++) {
        const dfg_dga_summary *s = i == 0 ? &r->N : i == 1 ? &r->dark : &r->top[i - 2].N;
        csv_string(o, c->file);
        fprintf(o, ",%s,%s,", sha, i == 0 ? "N" : i == 1 ? "dark" : "graph");
        csv_string(o, i >= 2 ? r->top[i - 2].model : "");
        double v[] = {i >= 2 ? r->top[i - 2].prob : 1.0,
                      s->mean,
                      s->median,
                      s->mode,
                      s->lower,
                      s->upper,
                      r->level,
                      r->n_obs,
                      r->delta};
        for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
            fputc(',', o);
            csv_number(o, v[j]);
        }
        fprintf(o, ",%s,%s\n", dfg_dga_prior_name(r->prior), DFG_VERSION);
    }
}

static void json_summary(FILE *o, const dfg_dga_summary *s)
{
    fputs("{\"mean\": ", o);
    json_number(o, s->mean);
    fputs(", \"median\": ", o);
    json_number(o, s->median);
    fputs(", \"mode\": ", o);
    json_number(o, s->mode);
    fputs(", \"interval\": [", o);
    json_number(o, s->lower);
    fputs(", ", o);
    json_number(o, s->upper);
    fputs("]}", o);
}

static void write_json(FILE *o, const common_opts *c, const char *sha, const dfg_dga_result *r)
{
    fprintf(o,
            "{\n  \"darkfig_version\": \"%s\",\n  \"command\": \"dga\",\n  \"input\": {\"file\": ",
            DFG_VERSION);
    json_string(o, c->file);
    fprintf(o, ", \"sha256\": \"%s\"},\n  \"n\": ", sha);
    json_number(o, r->n_obs);
    fputs(",\n  \"delta\": ", o);
    json_number(o, r->delta);
    fprintf(o, ",\n  \"prior\": \"%s\",\n  \"graphs\": %zu,\n  \"level\": ",
            dfg_dga_prior_name(r->prior), r->n_graphs);
    json_number(o, r->level);
    fputs(",\n  \"grid\": {\"first\": ", o);
    json_number(o, r->grid_lo);
    fputs(", \"step\": ", o);
    json_number(o, r->grid_step);
    fprintf(o, ", \"points\": %zu, \"upper_half_mass\": ", r->n_grid);
    json_number(o, r->upper_half_mass);
    fprintf(o, "},\n  \"mean_infinite\": %s,\n  \"N\": ", r->mean_infinite ? "true" : "false");
    json_summary(o, &r->N);
    fputs(",\n  \"dark_figure\": ", o);
    json_summary(o, &r->dark);
    fputs(",\n  \"top_graphs\": [", o);
    for (size_t i = 0; i < r->n_top; i++) {
        fprintf(o, "%s\n    {\"graph\": ", i ? "," : "");
        json_string(o, r->top[i].model);
        fputs(", \"prob\": ", o);
        json_number(o, r->top[i].prob);
        fputs(", \"N\": ", o);
        json_summary(o, &r->top[i].N);
        fputc('}', o);
    }
    fputs("\n  ]\n}\n", o);
}

/* The posterior of N on the grid, cells of probability >= 1e-12. */
static void write_posterior(FILE *o, out_format f, const dfg_dga_result *r)
{
    double cum = 0.0;
    int first = 1;
    if (f == FMT_JSON)
        fputs("{\"posterior\": [", o);
    else if (f == FMT_CSV)
        fputs("N,dark,prob,cumulative\n", o);
    else
        fprintf(o, "%12s %12s %14s %12s\n", "N", "dark", "prob", "cumulative");
    for (size_t i = 0; i < r->n_grid; i++) {
        cum += r->post[i];
        if (r->post[i] < 1e-12)
            continue;
        double n0 = r->grid_lo + (double)i * r->grid_step;
        if (f == FMT_JSON) {
            fprintf(o, "%s\n  [%.0f, %.0f, %.17g, %.17g]", first ? "" : ",", r->n_obs + n0, n0,
                    r->post[i], cum);
        } else if (f == FMT_CSV) {
            fprintf(o, "%.0f,%.0f,%.17g,%.17g\n", r->n_obs + n0, n0, r->post[i], cum);
        } else {
            fprintf(o, "%12.0f %12.0f %14.6e %12.8f\n", r->n_obs + n0, n0, r->post[i], cum);
        }
        first = 0;
    }
    if (f == FMT_JSON)
        fputs("\n]}\n", o);
}

int cmd_dga(int argc, char **argv)
{
    common_opts c;
    common_init(&c);
    dga_args w;
    memset(&w, 0, sizeof w);
    int pr = parse_args("dga", DGA_HELP, NULL, argc, argv, &c, dga_option, &w);
    if (pr >= 0)
        return pr;
    dfg_dga_opts o;
    int code = dga_options(&w, &c, &o);
    if (code != 0)
        return code;
    dfg_error err = {0};
    dfg_table *t = NULL;
    char sha[65] = "";
    out_buf ob = {NULL, NULL, 0};
    dfg_dga_result r;
    memset(&r, 0, sizeof r);
    dfg_status rc = load_table(&c, &t, sha, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    rc = dfg_dga_run(t, 0, &o, &r, &err);
    if (rc != DFG_OK) {
        /* bad requests (k, delta) are the user's: usage; a tail too heavy is numerical */
        code = rc == DFG_EINVAL ? usage_error("dga", "%s", err.msg) : fail(&err, rc);
        goto done;
    }
    if ((code = out_open(&ob)) != 0)
        goto done;
    if (w.posterior)
        write_posterior(ob.f, c.format, &r);
    else if (c.format == FMT_TEXT)
        write_text(ob.f, &c, sha, &r);
    else if (c.format == FMT_CSV)
        write_csv(ob.f, &c, sha, &r);
    else
        write_json(ob.f, &c, sha, &r);
    code = out_flush(&ob);
done:
    out_free(&ob);
    dfg_dga_result_free(&r);
    dfg_table_free(t);
    return code;
}
