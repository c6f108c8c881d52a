/* cli/cmd_lcmcr.c: darkfig lcmcr: the Bayesian latent-class model (Manrique-Vallier 2016,
 * as LCMCR's lcmCR), several chains with convergence diagnostics; per stratum with --by.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int lcmcr_main(int argc, char **argv);

typedef struct {
    size_t chains, burnin, samples, thin, K;
    uint32_t seed;
    int threads;
    double a_alpha, b_alpha;
    const char *draws;
    int by;
    double max_seconds;
} lcmcr_args;

static const cli_option lcmcr_options[] = {
    OPT_NUM("chains", "C", OPT_SIZE, lcmcr_args, chains, 1, 1024, 0,
            "chains from dispersed starts (default 4; R-hat needs 2 or more)"),
    OPT_NUM("burnin", "B", OPT_SIZE, lcmcr_args, burnin, 0, 1e12, 0,
            "sweeps discarded at the start of each chain (default 10000)"),
    OPT_NUM("samples", "S", OPT_SIZE, lcmcr_args, samples, 4, 1e9, 0,
            "draws kept per chain (default 5000)"),
    OPT_NUM("thin", "T", OPT_SIZE, lcmcr_args, thin, 1, 1e9, 0,
            "sweeps per kept draw (default 20)"),
    OPT_NUM("K", "K", OPT_SIZE, lcmcr_args, K, 2, 1000, 0,
            "latent classes, the truncation of the stick-breaking prior (default 10)"),
    OPT_NUM("a-alpha", "A", OPT_DOUBLE, lcmcr_args, a_alpha, 0, 1e9, OPEN_LO,
            "shape of the Gamma prior of the concentration alpha (default 0.25)"),
    OPT_NUM("b-alpha", "B", OPT_DOUBLE, lcmcr_args, b_alpha, 0, 1e9, OPEN_LO,
            "rate of the Gamma prior of alpha (default 0.25)"),
    OPT_SEED(lcmcr_args, seed,
             "chain c of stratum s draws from stream (S, s C + c), so the digits do not depend "
             "on --threads (default 1)"),
    OPT_THREADS(lcmcr_args, threads,
                "worker threads, one chain each at a time (default 1; the same digits on any "
                "number)"),
    OPT_STR("draws", "FILE", lcmcr_args, draws,
            "write every kept draw (stratum, chain, draw, N, alpha, occupied classes) to FILE "
            "(CSV), for trace plots"),
    OPT_SWITCH("by", lcmcr_args, by,
               "one chain set per stratum (each combination of the columns that are not lists, "
               "with --lists), per-stratum totals and the posterior of their sum"),
    OPT_MAX_SECONDS(lcmcr_args, max_seconds,
                    "refuse a run estimated (from a short timed chain) to take longer than S "
                    "seconds (default 600); the draws are held within --max-memory"),
    OPT_END};

const cli_command cmd_lcmcr = {
    "lcmcr",
    "FILE",
    "Bayesian latent-class model (Manrique-Vallier 2016, LCMCR)\n"
    "with several chains and convergence diagnostics",
    "The Bayesian latent-class model of Manrique-Vallier (2016, Biometrics 72:1246), as the\n"
    "R package LCMCR's lcmCR: people fall into K latent classes (a stick-breaking prior\n"
    "truncated at K, concentration alpha ~ Gamma(a, b)), lists register independently\n"
    "within a class (probabilities ~ Beta(1, 1)), p(N) ~ 1/N. Gibbs sampling on distinct\n"
    "patterns with counts; several chains from dispersed starts. Reported: the posterior\n"
    "median, mean, equal-tailed and highest-density intervals of N and of the dark figure,\n"
    "the occupied classes, and rank-normalised split R-hat with bulk and tail effective\n"
    "sample sizes of N (Vehtari et al. 2021). Chains with R-hat above 1.01 or an ESS below\n"
    "400 are reported as not converged, with no estimate, and the exit code is 1: run\n"
    "longer chains (--burnin, --samples, --thin).\n",
    lcmcr_options,
    CLI_INPUT | CLI_OUTPUT,
    lcmcr_main};

/* ** {======================================================================
 * Output
 * ======================================================================= */

static void summary_text(FILE *o, const char *what, const dfg_post_summary *p, int digits)
{
    char et[64], hd[64];
    snprintf(et, sizeof et, "[%.*f, %.*f]", digits, p->lower, digits, p->upper);
    snprintf(hd, sizeof hd, "[%.*f, %.*f]", digits, p->hdi_lower, digits, p->hdi_upper);
    fprintf(o, "  %-22s %11.*f %11.*f  %-24s %s\n", what, digits, p->median, digits, p->mean, et,
            hd);
}

static void result_text(FILE *o, const char *name, const dfg_lcmcr_result *r)
{
    fprintf(o, "%s: %.0f registered; %s\n", name, r->n_obs,
            r->status == DFG_OK ? "converged" : "NOT CONVERGED");
    fprintf(o, "  %-22s %11s %11s  %-24s %s\n", "", "median", "mean", "equal-tailed", "HDI");
    if (r->status == DFG_OK) {
        summary_text(o, "total (N)", &r->N, 1);
        summary_text(o, "dark figure (N - n)", &r->dark, 1);
    } else {
        fprintf(o,
                "  %-22s %11s %11s  (no estimate: not converged; the draws' median is "
                "%.0f)\n",
                "total (N)", "-", "-", r->N.median);
    }
    if (r->draws_occupied)
        summary_text(o, "occupied classes", &r->occupied, 2);
    fprintf(o, "  R-hat %.4f (bulk %.4f, tail %.4f), ESS bulk %.0f, tail %.0f%s%s\n", r->diag.rhat,
            r->diag.rhat_bulk, r->diag.rhat_tail, r->diag.ess_bulk, r->diag.ess_tail,
            r->note[0] ? "; " : "", r->note);
}

static void summary_json(cJSON *row, const char *key, const dfg_post_summary *p, int ok)
{
    static const char *const keys[] = {"median", "mean",      "sd",       "lower",
                                       "upper",  "hdi_lower", "hdi_upper"};
    double v[] = {p->median, p->mean, p->sd, p->lower, p->upper, p->hdi_lower, p->hdi_upper};
    for (size_t i = 0; !ok && i < sizeof v / sizeof v[0]; i++)
        v[i] = DNAN; /* not converged: no number */
    jnums(jobj(row, key), keys, v, sizeof v / sizeof v[0]);
}

static void result_json(cJSON *rows, const char *name, const dfg_lcmcr_result *r)
{
    int ok = r->status == DFG_OK;
    cJSON *w = jrow(rows);
    jstr(w, "stratum", name);
    jstr(w, "status", ok ? "ok" : "not converged");
    jnum(w, "n", r->n_obs);
    summary_json(w, "N", &r->N, ok);
    summary_json(w, "dark", &r->dark, ok);
    summary_json(w, "occupied", &r->occupied, r->draws_occupied != NULL);
    cJSON *d = jobj(w, "diagnostics");
    jnum(d, "rhat", r->diag.rhat);
    jnum(d, "rhat_bulk", r->diag.rhat_bulk);
    jnum(d, "rhat_tail", r->diag.rhat_tail);
    jnum(d, "ess_bulk", r->diag.ess_bulk);
    jnum(d, "ess_tail", r->diag.ess_tail);
    jnum(w, "unconverged_median", ok ? DNAN : r->N.median);
    jstr(w, "note", r->note);
}

typedef struct {
    const dfg_table *t;
    const dfg_lcmcr_result *per;
    size_t n;
    const dfg_lcmcr_result *total; /* may be NULL */
    int by;
} draws_data;

static void draws_rows(FILE *f, const char *name, const dfg_lcmcr_result *r)
{
    for (size_t c = 0; c < r->chains && !ferror(f); c++)
        for (size_t i = 0; i < r->samples && !ferror(f); i++) {
            size_t d = c * r->samples + i;
            csv_string(f, name);
            fprintf(f, ",%zu,%zu,", c + 1, i + 1);
            csv_number(f, r->draws_N[d]);
            fputc(',', f);
            csv_number(f, r->draws_alpha ? r->draws_alpha[d] : DNAN);
            fputc(',', f);
            csv_number(f, r->draws_occupied ? r->draws_occupied[d] : DNAN);
            fputc('\n', f);
        }
}

static int fill_draws(FILE *f, void *data)
{
    const draws_data *dd = data;
    fputs("stratum,chain,draw,N,alpha,occupied\n", f);
    char name[256];
    for (size_t s = 0; s < dd->n; s++) {
        cli_stratum_name(dd->t, s, dd->by, name, sizeof name);
        draws_rows(f, name, &dd->per[s]);
    }
    if (dd->total)
        draws_rows(f, "total", dd->total);
    return ferror(f) ? -1 : 0;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * The run: its cost checked first, then watched
 * ======================================================================= */

/* Sweeps of the timed chain (after its DFG_LCMCR_WARMUP warm-up sweeps) and the run's sweeps above
 * which it is timed at all (a few seconds of work here). */
#define PILOT_SWEEPS 2000
#define PILOT_ABOVE 1e6

/* A run that failed: the data that cannot be modelled (DFG_EDATA) named by its file, the
 * rest as the library says. The exit code. */
static int run_failed(const char *path, const dfg_error *err, dfg_status rc)
{
    if (rc != DFG_EDATA)
        return fail(err, rc);
    cli_say("%s: %s", path, err->msg);
    return exit_code(rc);
}

/* Refuse a run whose draws exceed --max-memory or whose time, from a chain of PILOT_SWEEPS
 * on the first stratum, exceeds --max-seconds: 0, or the exit code after saying why. */
static int lcmcr_guard(const common_opts *c, const lcmcr_args *a, const dfg_table *t,
                       const dfg_lcmcr_opts *lo, size_t ns)
{
    int code = cli_mcmc_draws(lo->chains, lo->samples, ns, c->max_memory);
    if (code != 0)
        return code;
    double sweeps =
        (double)ns * (double)lo->chains *
        ((double)DFG_LCMCR_WARMUP + (double)lo->burnin + (double)lo->samples * (double)lo->thin);
    if (sweeps <= PILOT_ABOVE)
        return 0;
    dfg_lcmcr_opts po = *lo;
    po.chains = 1;
    po.threads = 1;
    po.burnin = 0;
    po.samples = 4;
    po.thin = PILOT_SWEEPS / 4;
    po.rhat_max = INFINITY;
    po.ess_min = 0.0;
    dfg_lcmcr_result pr;
    dfg_error err = {0};
    double t0 = cli_now();
    dfg_status rc = dfg_lcmcr_run(t, 0, &po, &pr, &err);
    double per = (cli_now() - t0) / (DFG_LCMCR_WARMUP + PILOT_SWEEPS);
    if (rc != DFG_OK && rc != DFG_ENOCONV)
        return run_failed(c->file, &err, rc);
    dfg_lcmcr_result_free(&pr);
    double threads = (double)(a->threads < 1 ? 1 : a->threads);
    double items = (double)ns * (double)lo->chains;
    if (threads > items)
        threads = items;
    double secs = per * sweeps / threads;
    if (secs > a->max_seconds) {
        char d[64];
        say_duration(d, sizeof d, secs);
        cli_say("this run would take about %s (%.3g sweeps at %.3g us a sweep here, timed on "
                "%d; on %.0f thread%s), above --max-seconds %g: raise --max-seconds, shorten the "
                "chains or add --threads",
                d, sweeps, 1e6 * per, DFG_LCMCR_WARMUP + PILOT_SWEEPS, threads,
                threads == 1 ? "" : "s", a->max_seconds);
        return EXIT_USAGE;
    }
    return 0;
}

typedef struct {
    const dfg_table *t;
    dfg_lcmcr_opts *lo;
    dfg_lcmcr_result *per, *total;
    int strata;
} lc_call;

static dfg_status lc_run(void *data, volatile sig_atomic_t *cancel, dfg_boot_progress_fn progress,
                         void *pdata, dfg_error *err)
{
    lc_call *c = data;
    c->lo->cancel = cancel;
    c->lo->progress = progress;
    c->lo->progress_data = pdata;
    dfg_status rc = c->strata ? dfg_lcmcr_run_strata(c->t, c->lo, c->per, c->total, err)
                              : dfg_lcmcr_run(c->t, 0, c->lo, &c->per[0], err);
    c->lo->cancel = NULL;
    c->lo->progress = NULL;
    c->lo->progress_data = NULL;
    return rc;
}

/* ** }====================================================================== */

static int lcmcr_main(int argc, char **argv)
{
    cli_run run;
    dfg_lcmcr_opts lo = dfg_lcmcr_opts_default();
    lcmcr_args a = {lo.chains,  lo.burnin,  lo.samples, lo.thin, lo.K, lo.seed,
                    lo.threads, lo.a_alpha, lo.b_alpha, NULL,    0,    DEFAULT_MAX_SECONDS};
    int code = cli_run_parse(&run, &cmd_lcmcr, &a, argc, argv);
    dfg_table *t = NULL;
    dfg_lcmcr_result *per = NULL, total;
    size_t ns = 0;
    int have = 0, have_total = 0, noconv = 0;
    memset(&total, 0, sizeof total);
    if (code >= 0 || (code = cli_run_load(&run, 0)) >= 0)
        goto done;
    /* the table with its strata (the shared loader sums them) */
    if ((code = cli_input_table_by(&run.c, &run.in, a.by, "--by runs one chain set per stratum",
                                   &t)) != 0)
        goto done;
    dfg_error err = {0};
    dfg_status rc;
    if (dfg_table_k(t) < 3) {
        cli_say("%s: the latent-class model needs at least 3 lists (the file has %zu)", run.in.path,
                dfg_table_k(t));
        code = EXIT_INPUT;
        goto done;
    }
    lo.chains = a.chains;
    lo.burnin = a.burnin;
    lo.samples = a.samples;
    lo.thin = a.thin;
    lo.K = a.K;
    lo.seed = a.seed;
    lo.threads = a.threads;
    lo.a_alpha = a.a_alpha;
    lo.b_alpha = a.b_alpha;
    lo.level = run.c.est.level;
    ns = dfg_table_n_strata(t);
    if (!(per = calloc(ns, sizeof *per))) {
        cli_say("out of memory");
        code = EXIT_INTERNAL;
        goto done;
    }
    int strata = a.by && ns > 1;
    if ((code = lcmcr_guard(&run.c, &a, t, &lo, strata ? ns : 1)) != 0)
        goto done;
    lc_call call = {t, &lo, per, &total, strata};
    rc = cli_watched("lcmcr sweeps", lc_run, &call, &err);
    if (rc == DFG_ECANCEL) {
        code = EXIT_INTERRUPT;
        goto done;
    }
    if (rc != DFG_OK && rc != DFG_ENOCONV) {
        code = run_failed(run.in.path, &err, rc);
        goto done;
    }
    have = 1;
    have_total = strata;
    if (rc == DFG_ENOCONV)
        cli_say("%s: %s; no estimate (run longer chains: --burnin, --samples, --thin)", run.in.path,
                err.msg);
    if (a.draws) {
        draws_data dd = {t, per, strata ? ns : 1, have_total ? &total : NULL, strata};
        if ((code = cli_write_file("--draws", a.draws, fill_draws, &dd)) != 0)
            goto done;
    }
    if ((code = cli_run_output(&run)) >= 0)
        goto done;
    char name[256], pct[32];
    level_label(lo.level, pct, sizeof pct);
    size_t nr = strata ? ns : 1;
    if (run.o.format == FMT_TEXT) {
        FILE *o = run.o.text;
        fprintf(o, "darkfig %s lcmcr\ninput     %s (sha256 %.16s...)\nlists     %zu:", DFG_VERSION,
                run.c.file, run.in.sha, dfg_table_k(t));
        for (size_t j = 0; j < dfg_table_k(t); j++)
            fprintf(o, " %s", dfg_table_list_name(t, j));
        fprintf(o,
                "\nmodel     latent classes (Manrique-Vallier 2016), K = %zu, alpha ~ Gamma(%g, "
                "%g), lambda ~ Beta(1, 1), p(N) ~ 1/N\n"
                "chains    %zu x %zu draws (burn-in %zu, thin %zu), seed %lu\n"
                "intervals %s; converged when R-hat <= %g and both ESS >= %g\n\n",
                lo.K, lo.a_alpha, lo.b_alpha, lo.chains, lo.samples, lo.burnin, lo.thin,
                (unsigned long)lo.seed, pct, lo.rhat_max, lo.ess_min);
        for (size_t s = 0; s < nr; s++) {
            cli_stratum_name(t, s, strata, name, sizeof name);
            result_text(o, name, &per[s]);
            fputc('\n', o);
        }
        if (have_total) {
            result_text(o, "total over strata", &total);
            fputc('\n', o);
        }
    } else {
        run.o.rows = "rows";
        cJSON *root = run.o.root;
        cJSON *rows = jarr(root, "rows");
        for (size_t s = 0; rows && s < nr; s++) {
            cli_stratum_name(t, s, strata, name, sizeof name);
            result_json(rows, name, &per[s]);
        }
        if (have_total && rows)
            result_json(rows, "total", &total);
    }
    /* not converged: the diagnostics are the result, printed below; the exit code is 1 */
    noconv = rc == DFG_ENOCONV;
done:
    if (have)
        for (size_t s = 0; s < ns; s++)
            dfg_lcmcr_result_free(&per[s]);
    if (have_total)
        dfg_lcmcr_result_free(&total);
    free(per);
    dfg_table_free(t);
    code = cli_run_end(&run, code);
    return noconv && code == 0 ? EXIT_NUMERIC : code;
}
