/* cli/boot.c: bootstrap runs from the command line: the checks before a long run, the
 * progress on stderr, Ctrl-C, the replicate file, and the bootstrap's part of the
 * output.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted = 0;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    double start, last;
    int tty;
    const char *what; /* "bootstrap", "lcmcr sweeps" */
} progress;

/* On a terminal, updated in place; otherwise a line every 10 seconds. */
static void boot_progress(size_t done, size_t total, void *data)
{
    progress *p = data;
    double t = cli_now();
    if (p->tty) {
        fprintf(stderr, "\r%s: %zu/%zu", p->what, done, total);
        if (done == total)
            fputc('\n', stderr);
    } else if (t - p->last >= 10.0 && done < total) {
        p->last = t;
        fprintf(stderr, "%s: %zu/%zu, %.0f s\n", p->what, done, total, t - p->start);
    }
}

/* A long run under watch: progress on stderr and Ctrl-C (sets interrupted, which the
 * library reads as its cancel flag) from watch_start to watch_stop. */
typedef struct {
    progress pr;
    struct sigaction old;
} run_watch;

static void watch_start(run_watch *w, const char *what)
{
    w->pr = (progress){cli_now(), cli_now(), isatty(STDERR_FILENO), what};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &w->old);
}

/* Ends the watch: Ctrl-C back to what it was; for DFG_ECANCEL, says so. */
static void watch_end(run_watch *w, dfg_status rc)
{
    sigaction(SIGINT, &w->old, NULL);
    if (rc == DFG_ECANCEL) {
        fputc('\n', stderr);
        cli_say("interrupted: no output written");
    }
}

/* Ends the watch: 0 when rc is DFG_OK, else the exit code after saying why (130 when
 * interrupted). */
static int watch_stop(run_watch *w, dfg_status rc, const dfg_error *err)
{
    watch_end(w, rc);
    if (rc == DFG_ECANCEL)
        return EXIT_INTERRUPT;
    return rc == DFG_OK ? 0 : fail(err, rc);
}

dfg_status cli_watched(const char *what, cli_watched_fn fn, void *data, dfg_error *err)
{
    run_watch w;
    watch_start(&w, what);
    dfg_status rc = fn(data, &interrupted, boot_progress, &w.pr, err);
    watch_end(&w, rc);
    return rc;
}

/* ** {======================================================================
 * Before the run: limits of the sampler, time and memory
 * ======================================================================= */

/* Bytes a replicate holds until the end: N*, status, check, model index, and the sorted
 * copy of N* for the quantiles (see dfg_boot_result). */
#define BYTES_PER_REPLICATE 40.0
/* The pilot: replicates timed before a longer run. One estimator run on the data would
 * underestimate: resampled tables lead the search to more steps (on netherlands_6 by a
 * factor of 4). */
#define PILOT_REPLICATES 40

void say_duration(char *buf, size_t size, double s)
{
    if (s < 120)
        snprintf(buf, size, "%.0f seconds", s);
    else if (s < 7200)
        snprintf(buf, size, "%.0f minutes", s / 60);
    else if (s < 172800)
        snprintf(buf, size, "%.1f hours", s / 3600);
    else
        snprintf(buf, size, "%.0f days", s / 86400);
}

/* A pilot: the first n replicates of the run asked (streams (seed, 0..)), on one thread,
 * reporting to progress and stopping when *stop is set. 0 (also when stopped) or the exit
 * code. */
typedef int (*pilot_fn)(void *data, size_t n, dfg_boot_progress_fn report, void *pdata,
                        volatile sig_atomic_t *stop);

/* The pilot under watch: replicates done, and a stop once they alone show a run far
 * above the limit (so that a very long bootstrap is refused without timing them all). */
typedef struct {
    double start, runs, threads, limit;
    size_t done;
    volatile sig_atomic_t stop;
} pilot_watch;

static void pilot_progress(size_t done, size_t total, void *data)
{
    (void)total;
    pilot_watch *w = data;
    double spent = cli_now() - w->start;
    w->done = done;
    if (done > 0 && spent >= 2.0 && spent / (double)done * w->runs / w->threads > w->limit)
        w->stop = 1;
}

/* The checks of every bootstrap before it starts: B replicates and n_jack jackknife fits
 * (each an estimator run), bytes_rep and bytes_jack held by each until the end, within
 * --max-memory; then, above PILOT_REPLICATES, the time from the pilot within
 * --max-seconds. 0 or the exit code after saying why. */
static int guard_cost(const common_opts *c, size_t B, size_t n_jack, double bytes_rep,
                      double bytes_jack, pilot_fn run_pilot, void *data)
{
    const boot_cli *b = &c->boot;
    double runs = (double)B + (double)n_jack;
    double mb = ((double)B * bytes_rep + (double)n_jack * bytes_jack) / 1048576.0;
    if (mb > c->max_memory) {
        cli_say("--bootstrap %zu would hold about %.0f MB of replicates, above --max-memory %g: "
                "raise --max-memory (or lower B)",
                B, mb, c->max_memory);
        return EXIT_USAGE;
    }
    if (B <= PILOT_REPLICATES)
        return 0;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    double threads = b->threads < ncpu || ncpu < 1 ? (double)b->threads : (double)ncpu;
    pilot_watch w = {cli_now(), runs, threads, b->max_seconds, 0, 0};
    int code = run_pilot(data, PILOT_REPLICATES, pilot_progress, &w, &w.stop);
    if (code != 0)
        return code;
    size_t timed = w.done > 0 ? w.done : PILOT_REPLICATES;
    double per = (cli_now() - w.start) / (double)timed; /* seconds a replicate */
    double total = per * runs / threads;
    if (total > b->max_seconds) {
        char d[64];
        say_duration(d, sizeof d, total);
        cli_say(
            "--bootstrap %zu would take about %s (a replicate takes %.3g ms here, timed on %zu; "
            "%.0f estimator runs with the jackknife, on %.0f thread%s), above --max-seconds "
            "%g: "
            "raise --max-seconds, lower B or add --threads",
            B, d, 1e3 * per, timed, runs, threads, threads == 1 ? "" : "s", b->max_seconds);
        return EXIT_USAGE;
    }
    return 0;
}

/* The bootstrap options of the list-only run asked on the command line (c->boot's seed as
 * it stands), for the run and its pilot alike. */
static dfg_boot_opts list_boot_opts(const common_opts *c, const double *fitted)
{
    const boot_cli *b = &c->boot;
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = b->B;
    bo.type = (dfg_boot_type)b->type;
    bo.interval = (dfg_ci_type)b->interval;
    bo.seed = b->seed;
    bo.threads = b->threads;
    bo.level = c->est.level;
    bo.fitted = fitted;
    return bo;
}

typedef struct {
    const dfg_estimator *est;
    const dfg_table *t;
    dfg_est_opts eo; /* without the estimator's own interval */
    dfg_boot_opts bo;
} list_pilot;

/* The pilot: replicates [0, n) of the run asked, percentile intervals on one thread. */
static int run_list_pilot(void *data, size_t n, dfg_boot_progress_fn report, void *pdata,
                          volatile sig_atomic_t *stop)
{
    const list_pilot *p = data;
    dfg_boot_result res;
    dfg_error err = {0};
    dfg_boot_opts bo = p->bo;
    bo.progress = report;
    bo.progress_data = pdata;
    bo.cancel = stop;
    bo.B = n;
    bo.interval = DFG_CI_PERCENTILE;
    bo.threads = 1;
    dfg_status rc = dfg_boot_run(p->est, p->t, 0, &p->eo, &bo, &res, &err);
    if (rc == DFG_ECANCEL)
        return 0;
    if (rc != DFG_OK)
        return fail(&err, rc);
    dfg_boot_result_free(&res);
    return 0;
}

int boot_guard(const common_opts *c, const dfg_estimator *est, const dfg_table *t,
               const dfg_est_opts *eo_in, const double *fitted, double n_draw)
{
    const boot_cli *b = &c->boot;
    int code;
    if (b->replicates && (code = cli_check_output("--replicates", b->replicates)) != 0)
        return code;
    if (c->output && b->replicates && strcmp(c->output, b->replicates) == 0) {
        cli_say("--replicates %s: the same file as --output", b->replicates);
        return EXIT_USAGE;
    }
    if (!(n_draw <= DFG_MAX_BOOT_N)) {
        cli_say("--bootstrap: each replicate resamples %.0f people; the bootstrap can resample "
                "at most %u (GSL's multinomial sampler draws an unsigned int)",
                n_draw, DFG_MAX_BOOT_N);
        return EXIT_USAGE;
    }
    size_t m = b->interval == DFG_CI_BCA ? dfg_table_n_patterns(t, 0) : 0;
    list_pilot p = {est, t, *eo_in, list_boot_opts(c, fitted)};
    p.eo.want_ci = 0;
    return guard_cost(c, b->B, m, BYTES_PER_REPLICATE, 16.0, run_list_pilot, &p);
}

/* ** }====================================================================== */

/* ** {======================================================================
 * The run and the replicate file
 * ======================================================================= */

static int fill_replicates(FILE *f, void *data)
{
    const dfg_boot_result *r = data;
    fputs("replicate,seed,N,status,check,model\n", f);
    for (size_t i = 0; i < r->B && !ferror(f); i++) {
        fprintf(f, "%zu,%lu,", i, (unsigned long)r->seed);
        csv_number(f, r->nstar[i]);
        fprintf(f, ",%s,%s,", status_name(r->rep_status[i]), dfg_check_name(r->rep_check[i]));
        csv_string(f, r->rep_model[i] == DFG_BOOT_NO_MODEL ? "" : r->models[r->rep_model[i]]);
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

int run_boot(common_opts *c, const dfg_estimator *est, const dfg_table *t,
             const dfg_est_opts *eo_in, const double *fitted, dfg_boot_result *res)
{
    boot_cli *b = &c->boot;
    dfg_est_opts eo = *eo_in;
    eo.want_ci = 0;
    if (!c->seed_given)
        b->seed = (uint32_t)time(NULL);
    dfg_boot_opts bo = list_boot_opts(c, fitted);
    run_watch w;
    watch_start(&w, "bootstrap");
    bo.cancel = &interrupted;
    bo.progress = boot_progress;
    bo.progress_data = &w.pr;
    dfg_error err = {0};
    dfg_status rc = dfg_boot_run(est, t, 0, &eo, &bo, res, &err);
    int code = watch_stop(&w, rc, &err);
    if (code != 0)
        return code;
    code = b->replicates ? cli_write_file("--replicates", b->replicates, fill_replicates, res) : 0;
    if (code != 0)
        dfg_boot_result_free(res);
    return code;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * The bootstrap of a model over lists and covariates
 * ======================================================================= */

typedef struct {
    const dfg_ctable *ct;
    const dfg_cmodel *m;
    const dfg_cfit *fit;
    const size_t *by;
    size_t n_by, n_rows;
    const dfg_cboot_opts *bo;
} cov_pilot;

/* The pilot: replicates [0, n) of the run asked, as dfg_cboot_run draws them. */
static int run_cov_pilot(void *data, size_t n, dfg_boot_progress_fn report, void *pdata,
                         volatile sig_atomic_t *stop)
{
    const cov_pilot *p = data;
    dfg_cboot_opts bo = *p->bo;
    bo.threads = 1;
    bo.progress = report;
    bo.progress_data = pdata;
    bo.cancel = stop;
    double *nstar = malloc(n * p->n_rows * sizeof *nstar);
    unsigned char *bnd = malloc(n);
    dfg_error err = {0};
    dfg_status rc = DFG_ENOMEM;
    if (nstar && bnd)
        rc = dfg_cboot_replicates(p->ct, p->m, p->fit, p->by, p->n_by, &bo, 0, n, nstar, bnd, &err);
    else
        snprintf(err.msg, sizeof err.msg, "pilot replicates: out of memory");
    free(nstar);
    free(bnd);
    return rc == DFG_OK || rc == DFG_ECANCEL ? 0 : fail(&err, rc);
}

/* Bytes a replicate of dfg_cboot_run holds until the end: its N* of every row twice (the
 * run's and the result's copy), the sorted copy for the quantiles and the boundary flag;
 * with the selection, its model's label (at most about 256 bytes, as core/boot_cost.c). */
static double cov_bytes_per_replicate(size_t n_rows, int select)
{
    return 16.0 * (double)n_rows + 8.0 + 1.0 + (select ? 8.0 + 256.0 : 0.0);
}

int run_cboot(common_opts *c, const dfg_ctable *ct, const dfg_cmodel *m, const dfg_cfit *fit,
              const size_t *by, size_t n_by, dfg_cboot_opts *bo, dfg_cboot_result *res)
{
    size_t n_rows = dfg_cboot_n_rows(ct, by, n_by), n_jack = 0;
    if (bo->bca) {
        const double *y = dfg_ctable_counts(ct);
        size_t lm = ((size_t)1 << dfg_ctable_k(ct)) - 1;
        for (size_t i = 0; i < dfg_ctable_n_cells(ct); i++)
            n_jack += (i & lm) && y[i] > 0.0;
    }
    cov_pilot p = {ct, m, fit, by, n_by, n_rows, bo};
    int code = guard_cost(c, bo->B, n_jack, cov_bytes_per_replicate(n_rows, bo->select),
                          8.0 * (double)n_rows, run_cov_pilot, &p);
    if (code != 0)
        return code;
    run_watch w;
    watch_start(&w, "bootstrap");
    bo->cancel = &interrupted;
    bo->progress = boot_progress;
    bo->progress_data = &w.pr;
    dfg_error err = {0};
    dfg_status rc = dfg_cboot_run(ct, m, fit, by, n_by, bo, res, &err);
    bo->cancel = NULL;
    bo->progress = NULL;
    bo->progress_data = NULL;
    return watch_stop(&w, rc, &err);
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Output
 * ======================================================================= */

static const char *boot_type_name(dfg_boot_type t)
{
    return t == DFG_BOOT_PARAMETRIC ? "parametric" : "nonparametric";
}

void boot_text(FILE *o, const dfg_boot_result *r, double level)
{
    char pct[32];
    level_label(level, pct, sizeof pct);
    fprintf(o,
            "\nbootstrap %zu %s replicates, the whole estimator (selection included) rerun in\n"
            "          each; seed %lu\n",
            r->B, boot_type_name(r->type), (unsigned long)r->seed);
    char ci[96];
    if (r->ci.type == DFG_CI_BCA) {
        fmt_interval(ci, sizeof ci, r->ci.lower, r->ci.upper);
        fprintf(o, "  %s BCa interval        %s   (z0 = %.4f, a = %.5f; DiCiccio & Efron 1996)\n",
                pct, ci, r->z0, r->accel);
    }
    fmt_interval(ci, sizeof ci, r->percentile.lower, r->percentile.upper);
    fprintf(o, "  %s percentile          %s\n", pct, ci);
    fprintf(o, "  mean %.1f, median %.1f, s.e. %.1f over %zu replicates\n", r->mean, r->median,
            r->se, r->n_ok);
    fprintf(o, "  failed %.1f%%, chosen model at the boundary %.1f%%\n", 100.0 * r->share_failed,
            100.0 * r->share_boundary);
    size_t show = r->n_models < 5 ? r->n_models : 5;
    if (show > 0) {
        fprintf(o, "  models chosen (%zu distinct):", r->n_models);
        for (size_t i = 0; i < show; i++)
            fprintf(o, "%s %s %.1f%%", i ? "," : "", r->models[i],
                    100.0 * (double)r->model_count[i] / (double)r->B);
        fputc('\n', o);
    }
}

void boot_json(cJSON *root, const dfg_boot_result *r, double level)
{
    cJSON *b = jobj(root, "bootstrap");
    if (!b)
        return;
    jnum(b, "B", (double)r->B);
    jstr(b, "type", boot_type_name(r->type));
    jnum(b, "seed", (double)r->seed);
    jstr(b, "interval", dfg_ci_type_name(r->ci.type));
    static const char *const keys[] = {
        "level",        "lower",          "upper",          "percentile_lower", "percentile_upper",
        "z0",           "acceleration",   "mean",           "median",           "se",
        "share_failed", "share_boundary", "models_distinct"};
    const double v[] = {level,
                        r->ci.lower,
                        r->ci.upper,
                        r->percentile.lower,
                        r->percentile.upper,
                        r->z0,
                        r->accel,
                        r->mean,
                        r->median,
                        r->se,
                        r->share_failed,
                        r->share_boundary,
                        (double)r->n_models};
    jnums(b, keys, v, sizeof v / sizeof v[0]);
    cJSON *ms = jarr(b, "models");
    for (size_t i = 0; ms && i < r->n_models; i++) {
        cJSON *m = jrow(ms);
        jstr(m, "model", r->models[i]);
        jnum(m, "count", (double)r->model_count[i]);
    }
}

/* ** }====================================================================== */
