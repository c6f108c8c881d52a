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
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* NaN as a double (NAN is a float). */
#define DNAN ((double)NAN)

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
    size_t B; /* 0 = no bootstrap */
    dfg_boot_opts bo;
    int seed_given;
    const char *replicates; /* --replicates FILE */
} boot_cli;

typedef struct {
    const char *file;
    dfg_csv_opts csv;
    dfg_est_opts est;
    out_format format;
    const char *format_name;
    boot_cli boot;
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

/* --name VALUE (or --name=VALUE) into *dst: 1 taken, 0 not this option, or 10 + the
 * exit code when the value is missing (said on stderr). */
static int take_string(const char *cmd, int argc, char **argv, int *i, const char *name,
                       const char **dst)
{
    const char *v = NULL;
    int r = opt_value(argc, argv, i, name, &v);
    if (r < 0)
        return 10 + usage_error(cmd, "option %s needs a value", name);
    if (r > 0)
        *dst = v;
    return r;
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
#define TAKE(name)                                                                                 \
    if ((r = opt_value(argc, argv, i, name, &v)) < 0)                                              \
        return 10 + usage_error(cmd, "option %s needs a value", name);                             \
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
            return 10 +
                   usage_error(cmd, "--max-iter must be an integer in 1..100000 (got \"%s\")", v);
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
    c->boot.bo = dfg_boot_opts_default();
}

/* Bootstrap options of fit and search. Returns as common_option. */
static int boot_option(const char *cmd, int argc, char **argv, int *i, boot_cli *b)
{
    const char *v = NULL;
    int r;
    long n;
#define TAKE(name)                                                                                 \
    if ((r = opt_value(argc, argv, i, name, &v)) < 0)                                              \
        return 10 + usage_error(cmd, "option %s needs a value", name);                             \
    if (r > 0)
    TAKE("--bootstrap")
    {
        if (!parse_int(v, 2, 10000000, &n))
            return 10 + usage_error(
                            cmd, "--bootstrap must be an integer in 2..10000000 (got \"%s\")", v);
        b->B = (size_t)n;
        return 1;
    }
    TAKE("--boot-type")
    {
        if (strcmp(v, "nonparametric") == 0)
            b->bo.type = DFG_BOOT_NONPARAMETRIC;
        else if (strcmp(v, "parametric") == 0)
            b->bo.type = DFG_BOOT_PARAMETRIC;
        else
            return 10 + usage_error(
                            cmd, "--boot-type must be parametric or nonparametric (got \"%s\")", v);
        return 1;
    }
    TAKE("--interval")
    {
        if (strcmp(v, "bca") == 0)
            b->bo.interval = DFG_CI_BCA;
        else if (strcmp(v, "percentile") == 0)
            b->bo.interval = DFG_CI_PERCENTILE;
        else
            return 10 + usage_error(cmd, "--interval must be bca or percentile (got \"%s\")", v);
        return 1;
    }
    TAKE("--seed")
    {
        if (!parse_int(v, 0, 4294967295L, &n))
            return 10 +
                   usage_error(cmd, "--seed must be an integer in 0..4294967295 (got \"%s\")", v);
        b->bo.seed = (uint32_t)n;
        b->seed_given = 1;
        return 1;
    }
    TAKE("--threads")
    {
        if (!parse_int(v, 1, 256, &n))
            return 10 + usage_error(cmd, "--threads must be an integer in 1..256 (got \"%s\")", v);
        b->bo.threads = (int)n;
        return 1;
    }
    TAKE("--replicates")
    {
        b->replicates = v;
        return 1;
    }
#undef TAKE
    return 0;
}

static const char BOOT_HELP[] =
    "Bootstrap (the whole estimator, its model selection included, in every replicate):\n"
    "  --bootstrap B   B replicates (none by default)\n"
    "  --boot-type T   nonparametric (default: multinomial of size n over the observed\n"
    "                  cells) or parametric (multinomial of size N-hat over all cells with\n"
    "                  the fitted probabilities; Buckland & Garthwaite 1991)\n"
    "  --interval I    bca (default; DiCiccio & Efron 1996, acceleration from the\n"
    "                  delete-one jackknife) or percentile\n"
    "  --seed S        seed (0..4294967295); replicate b uses stream (S, b), so the digits\n"
    "                  do not depend on --threads; default: chosen from the clock, printed\n"
    "  --threads T     worker threads (default 1)\n"
    "  --replicates F  write every replicate's N and chosen model to F (CSV)\n\n";

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
        int w =
            snprintf(buf + used, size - used, "%s%s", used ? ":" : "", dfg_table_list_name(t, j));
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

/* The output of a command: a memory stream that reaches stdout only when the whole run
 * has succeeded. */
typedef struct {
    FILE *f;
    char *buf;
    size_t len;
} out_buf;

/* Open it: 0, or the exit code after saying why. */
static int out_open(out_buf *ob)
{
    if (!(ob->f = open_memstream(&ob->buf, &ob->len))) {
        fprintf(stderr, "darkfig: out of memory\n");
        return EXIT_INTERNAL;
    }
    return 0;
}

/* Close it and write it to stdout: the exit code. */
static int out_flush(out_buf *ob)
{
    fclose(ob->f);
    ob->f = NULL;
    return flush_output(ob->buf, ob->len);
}

/* Release it, flushed or not (error paths). */
static void out_free(out_buf *ob)
{
    if (ob->f)
        fclose(ob->f);
    free(ob->buf);
    ob->f = NULL;
    ob->buf = NULL;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Bootstrap runs from the command line: progress, Ctrl-C, replicate files
 * ======================================================================= */

static volatile sig_atomic_t interrupted = 0;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void boot_progress(size_t done, size_t total, void *data)
{
    (void)data;
    fprintf(stderr, "\rbootstrap: %zu/%zu", done, total);
    if (done == total)
        fputc('\n', stderr);
}

/* Write the replicates to path via a temporary file renamed at the end, so that an
 * interrupted or failed run leaves no partial file. */
static int write_replicates(const char *path, const dfg_boot_result *r)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return EXIT_INTERNAL;
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "darkfig: %s: cannot write (%s)\n", path, strerror(errno));
        free(tmp);
        return EXIT_INPUT;
    }
    fprintf(f, "replicate,seed,N,status,check,model\n");
    for (size_t i = 0; i < r->B; i++) {
        fprintf(f, "%zu,%lu,", i, (unsigned long)r->seed);
        csv_number(f, r->nstar[i]);
        fprintf(f, ",%s,%s,", r->rep_status[i] == DFG_OK ? "ok" : dfg_strerror(r->rep_status[i]),
                dfg_check_name(r->rep_check[i]));
        csv_string(f, r->rep_model[i] == DFG_BOOT_NO_MODEL ? "" : r->models[r->rep_model[i]]);
        fputc('\n', f);
    }
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        fprintf(stderr, "darkfig: %s: cannot write (%s)\n", path, strerror(errno));
        remove(tmp);
        free(tmp);
        return EXIT_INPUT;
    }
    free(tmp);
    return 0;
}

/* Run the bootstrap of est with the command-line settings (replicates compute point
 * estimates only), then write --replicates. Returns 0, or the exit code after saying why
 * (130 when interrupted); *res is filled on 0 (release with dfg_boot_result_free). */
static int run_boot(common_opts *c, const dfg_estimator *est, const dfg_table *t,
                    const dfg_est_opts *eo_in, const double *fitted, dfg_boot_result *res)
{
    boot_cli *b = &c->boot;
    dfg_est_opts eo = *eo_in;
    eo.want_ci = 0;
    b->bo.B = b->B;
    b->bo.level = c->est.level;
    b->bo.fitted = fitted;
    if (!b->seed_given)
        b->bo.seed = (uint32_t)time(NULL);
    b->bo.cancel = &interrupted;
    if (isatty(STDERR_FILENO))
        b->bo.progress = boot_progress;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    dfg_error err = {0};
    dfg_status rc = dfg_boot_run(est, t, 0, &eo, &b->bo, res, &err);
    sigaction(SIGINT, &old, NULL);
    if (rc == DFG_ECANCEL) {
        fprintf(stderr, "\ndarkfig: interrupted: no output written\n");
        return 130;
    }
    if (rc != DFG_OK)
        return fail(&err, rc);
    int code = b->replicates ? write_replicates(b->replicates, res) : 0;
    if (code != 0)
        dfg_boot_result_free(res);
    return code;
}

static void boot_text(FILE *o, const dfg_boot_result *r, double level)
{
    int pct = (int)lround(100.0 * level);
    fprintf(o,
            "\nbootstrap %zu %s replicates, the whole estimator (selection included) rerun in\n"
            "          each; seed %lu\n",
            r->B, r->type == DFG_BOOT_PARAMETRIC ? "parametric" : "nonparametric",
            (unsigned long)r->seed);
    if (r->ci.type == DFG_CI_BCA)
        fprintf(o,
                "  %d%% BCa interval        [%.1f, %.1f]   (z0 = %.4f, a = %.5f; DiCiccio & Efron "
                "1996)\n",
                pct, r->ci.lower, r->ci.upper, r->z0, r->accel);
    fprintf(o, "  %d%% percentile          [%.1f, %.1f]\n", pct, r->percentile.lower,
            r->percentile.upper);
    fprintf(o, "  mean %.1f, median %.1f, s.e. %.1f over %zu replicates\n", r->mean, r->median,
            r->se, r->n_ok);
    fprintf(o, "  failed %.1f%%, chosen model at the boundary %.1f%%\n", 100.0 * r->share_failed,
            100.0 * r->share_boundary);
    size_t show = r->n_models < 5 ? r->n_models : 5;
    if (show > 1 || (show == 1 && r->n_models > 0)) {
        fprintf(o, "  models chosen (%zu distinct):", r->n_models);
        for (size_t i = 0; i < show; i++)
            fprintf(o, "%s %s %.1f%%", i ? "," : "", r->models[i],
                    100.0 * (double)r->model_count[i] / (double)r->B);
        fputc('\n', o);
    }
}

static void boot_json(FILE *o, const dfg_boot_result *r, double level)
{
    fprintf(o,
            "  \"bootstrap\": {\"B\": %zu, \"type\": \"%s\", \"seed\": %lu, \"interval\": \"%s\", "
            "\"level\": ",
            r->B, r->type == DFG_BOOT_PARAMETRIC ? "parametric" : "nonparametric",
            (unsigned long)r->seed, dfg_ci_type_name(r->ci.type));
    json_number(o, level);
    const char *keys[] = {
        "lower",  "upper", "percentile_lower", "percentile_upper", "z0", "acceleration", "mean",
        "median", "se",    "share_failed",     "share_boundary"};
    double v[] = {r->ci.lower,
                  r->ci.upper,
                  r->percentile.lower,
                  r->percentile.upper,
                  r->z0,
                  r->accel,
                  r->mean,
                  r->median,
                  r->se,
                  r->share_failed,
                  r->share_boundary};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        fprintf(o, ", \"%s\": ", keys[i]);
        json_number(o, v[i]);
    }
    fputs(", \"models\": [", o);
    for (size_t i = 0; i < r->n_models; i++) {
        fputs(i ? ", {\"model\": " : "{\"model\": ", o);
        json_string(o, r->models[i]);
        fprintf(o, ", \"count\": %zu}", r->model_count[i]);
    }
    fputs("]},\n", o);
}

/* ** }====================================================================== */

/* Read c->file into a one-stratum table (strata collapsed) and hash it. */
static dfg_status load_table(const common_opts *c, dfg_table **t, char sha[65], dfg_error *err)
{
    dfg_status rc = dfg_table_read_csv(c->file, &c->csv, t, err);
    if (rc == DFG_OK && dfg_table_n_strata(*t) > 1)
        fprintf(stderr,
                "darkfig: note: %s: %zu strata (distinct values of the columns that are not "
                "lists) summed into one table\n",
                c->file, dfg_table_n_strata(*t));
    if (rc == DFG_OK && dfg_table_n_strata(*t) > 1) {
        dfg_table *one = dfg_table_collapse(*t, err);
        dfg_table_free(*t);
        *t = one;
        rc = one ? DFG_OK : err->code;
    }
    if (rc == DFG_OK)
        rc = dfg_sha256_file(c->file, sha, err);
    return rc;
}

/* Parse argv: common options, FILE, and the subcommand's own options through `own`
 * (returns 1 consumed, 0 not its option, or 10 + exit code on error). Returns -1 to go
 * on, or an exit code. */
typedef int (*own_option_fn)(int argc, char **argv, int *i, void *data);

static int parse_args(const char *cmd, const char *help, int argc, char **argv, common_opts *c,
                      own_option_fn own, void *data)
{
    for (int i = 1; i < argc; i++) {
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help, stdout);
            fputs(COMMON_HELP, stdout);
            return 0;
        }
        if ((r = common_option(cmd, argc, argv, &i, c)) != 0) {
            if (r >= 10)
                return r - 10;
            continue;
        }
        if (own && (r = own(argc, argv, &i, data)) != 0) {
            if (r >= 10)
                return r - 10;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return usage_error(cmd, "unknown option %s", argv[i]);
        if (c->file)
            return usage_error(cmd, "one input file only (got %s and %s)", c->file, argv[i]);
        c->file = argv[i];
    }
    if (!c->file)
        return usage_error(cmd, "missing input FILE");
    return -1;
}

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

static int fit_option(int argc, char **argv, int *i, void *data)
{
    common_opts *c = data;
    int r = boot_option("fit", argc, argv, i, &c->boot);
    if (r != 0)
        return r;
    return take_string("fit", argc, argv, i, "--model", &c->est.model);
}

static int cmd_fit(int argc, char **argv)
{
    common_opts c;
    common_init(&c);
    char help[sizeof FIT_HELP + sizeof BOOT_HELP];
    snprintf(help, sizeof help, "%s%s", FIT_HELP, BOOT_HELP);
    int pr = parse_args("fit", help, argc, argv, &c, fit_option, &c);
    if (pr >= 0)
        return pr;

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

/* ** }====================================================================== */

/* ** {======================================================================
 * darkfig search
 * ======================================================================= */

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
    "                  on any number)\n\n";

typedef struct {
    common_opts *c;
    dfg_search_opts so;
    const char *method, *criterion;
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
    TAKE("--method")
    {
        dfg_error err = {0};
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

static int cmd_search(int argc, char **argv)
{
    common_opts c;
    common_init(&c);
    search_args a = {&c, dfg_search_opts_default(), NULL, NULL};
    char help[sizeof SEARCH_HELP + sizeof BOOT_HELP];
    snprintf(help, sizeof help, "%s%s", SEARCH_HELP, BOOT_HELP);
    int pr = parse_args("search", help, argc, argv, &c, search_option, &a);
    if (pr >= 0)
        return pr;
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

/* ** }====================================================================== */

/* ** {======================================================================
 * darkfig closed
 * ======================================================================= */

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

static int cmd_closed(int argc, char **argv)
{
    common_opts c;
    common_init(&c);
    closed_args ca = {dfg_closed_opts_default(), 0};
    ca.co.ci_type = DFG_CI_PROFILE;
    int pr = parse_args("closed", CLOSED_HELP, argc, argv, &c, closed_option, &ca);
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

/* ** }====================================================================== */

/* ** {======================================================================
 * darkfig check
 * ======================================================================= */

static const char CHECK_HELP[] =
    "Usage: darkfig check FILE [options]\n"
    "Internal-consistency check: hold out each list in turn, estimate its size from the\n"
    "other lists' overlaps with it, and compare with its known size (log relative bias,\n"
    "whether the interval covers it). A diagnostic to run before trusting a method on\n"
    "your data.\n\n"
    "  --estimator E   the estimator run on the remaining lists (default mt; see\n"
    "                  'darkfig estimators')\n"
    "  --model M       model for --estimator loglin, over the remaining lists\n\n";

typedef struct {
    common_opts *c;
    const char *estimator;
} check_args;

static int check_option(int argc, char **argv, int *i, void *data)
{
    check_args *a = data;
    int r = take_string("check", argc, argv, i, "--estimator", &a->estimator);
    if (r != 0)
        return r;
    return take_string("check", argc, argv, i, "--model", &a->c->est.model);
}

static int cmd_check(int argc, char **argv)
{
    common_opts c;
    common_init(&c);
    check_args a = {&c, "mt"};
    int pr = parse_args("check", CHECK_HELP, argc, argv, &c, check_option, &a);
    if (pr >= 0)
        return pr;
    const dfg_estimator *est = dfg_estimator_find(a.estimator);
    if (!est)
        return usage_error("check", "unknown estimator \"%s\" (see 'darkfig estimators')",
                           a.estimator);

    dfg_error err = {0};
    dfg_table *t = NULL;
    dfg_holdout_row *rows = NULL;
    char sha[65] = "";
    out_buf ob = {NULL, NULL, 0};
    FILE *o = NULL;
    int code = 0;
    dfg_status rc = load_table(&c, &t, sha, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    size_t k = dfg_table_k(t);
    if (!(rows = calloc(k, sizeof *rows))) {
        code = EXIT_INTERNAL;
        goto done;
    }
    rc = dfg_holdout_run(t, 0, est, &c.est, rows, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    if ((code = out_open(&ob)) != 0)
        goto done;
    o = ob.f;
    int pct = (int)lround(100.0 * c.est.level);
    if (c.format == FMT_TEXT) {
        fprintf(o, "darkfig %s check\ninput     %s (sha256 %.16s...)\n", DFG_VERSION, c.file, sha);
        fprintf(o,
                "method    hold out each list; estimate its size as m_j N_O / n_O, with N_O the\n"
                "          %s estimate from the other lists, n_O the people on them, m_j the\n"
                "          people on list j and another list\n\n",
                est->name);
        fprintf(o, "  %-12s %9s %9s %12s %12s  %-22s %9s %6s  %s\n", "list", "known", "m_j",
                "N others", "estimate", "interval", "log(e/k)", "covers", "model on others");
        size_t cov = 0, ncov = 0;
        double sum_lrb = 0.0, sum_abs = 0.0;
        size_t n_ok = 0;
        for (size_t j = 0; j < k; j++) {
            const dfg_holdout_row *w = &rows[j];
            char ci[64] = "-";
            if (isfinite(w->lower) && isfinite(w->upper))
                snprintf(ci, sizeof ci, "[%.1f, %.1f]", w->lower, w->upper);
            fprintf(o, "  %-12s %9.0f %9.0f %12.1f %12.1f  %-22s %9.4f %6s  %s\n",
                    dfg_table_list_name(t, w->list), w->known, w->recaptured, w->nhat_others,
                    w->estimate, ci, w->log_rel_bias,
                    w->covers < 0 ? "-" : (w->covers ? "yes" : "no"),
                    w->status == DFG_OK ? w->model : dfg_strerror(w->status));
            if (w->covers >= 0) {
                ncov++;
                cov += (size_t)w->covers;
            }
            if (isfinite(w->log_rel_bias)) {
                n_ok++;
                sum_lrb += w->log_rel_bias;
                sum_abs += fabs(w->log_rel_bias);
            }
        }
        fprintf(o,
                "\n  mean log relative bias %.4f, mean |log relative bias| %.4f over %zu lists;\n"
                "  %d%% intervals cover the known size for %zu of %zu lists\n",
                n_ok ? sum_lrb / (double)n_ok : DNAN, n_ok ? sum_abs / (double)n_ok : DNAN, n_ok,
                pct, cov, ncov);
    } else if (c.format == FMT_CSV) {
        fputs("file,sha256,estimator,list,known,recaptured,n_others,N_others,estimate,level,lower,"
              "upper,log_rel_bias,covers,status,model,darkfig_version\n",
              o);
        for (size_t j = 0; j < k; j++) {
            const dfg_holdout_row *w = &rows[j];
            csv_string(o, c.file);
            fprintf(o, ",%s,%s,", sha, est->name);
            csv_string(o, dfg_table_list_name(t, w->list));
            double v[] = {w->known,    w->recaptured, w->n_others, w->nhat_others, w->estimate,
                          c.est.level, w->lower,      w->upper,    w->log_rel_bias};
            for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
                fputc(',', o);
                csv_number(o, v[i]);
            }
            fprintf(o, ",%d,%s,", w->covers, w->status == DFG_OK ? "ok" : dfg_strerror(w->status));
            csv_string(o, w->model);
            fprintf(o, ",%s\n", DFG_VERSION);
        }
    } else {
        fprintf(o,
                "{\n  \"darkfig_version\": \"%s\",\n  \"command\": \"check\",\n  \"input\": "
                "{\"file\": ",
                DFG_VERSION);
        json_string(o, c.file);
        fprintf(o, ", \"sha256\": \"%s\"},\n  \"estimator\": \"%s\",\n  \"level\": ", sha,
                est->name);
        json_number(o, c.est.level);
        fputs(",\n  \"lists\": [", o);
        for (size_t j = 0; j < k; j++) {
            const dfg_holdout_row *w = &rows[j];
            fprintf(o, "%s\n    {\"list\": ", j ? "," : "");
            json_string(o, dfg_table_list_name(t, w->list));
            const char *keys[] = {"known",    "recaptured", "n_others", "N_others",
                                  "estimate", "lower",      "upper",    "log_rel_bias"};
            double v[] = {w->known,    w->recaptured, w->n_others, w->nhat_others,
                          w->estimate, w->lower,      w->upper,    w->log_rel_bias};
            for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
                fprintf(o, ", \"%s\": ", keys[i]);
                json_number(o, v[i]);
            }
            fprintf(o, ", \"covers\": %s, \"status\": \"%s\", \"model\": ",
                    w->covers < 0 ? "null" : (w->covers ? "true" : "false"),
                    w->status == DFG_OK ? "ok" : dfg_strerror(w->status));
            json_string(o, w->model);
            fputc('}', o);
        }
        fputs("\n  ]\n}\n", o);
    }
    code = out_flush(&ob);
done:
    out_free(&ob);
    free(rows);
    dfg_table_free(t);
    return code;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * darkfig twolist
 * ======================================================================= */

static const char TWOLIST_HELP[] =
    "Usage: darkfig twolist FILE --a LIST [--b LIST|others] [options]\n"
    "The two-list estimators on lists a and b, or on list a against the union of all the\n"
    "other lists (--b others, the default when the file has more than two lists):\n"
    "Lincoln-Petersen n1 n2 / m (Petersen 1896; Lincoln 1930) and Chapman\n"
    "(n1 + 1)(n2 + 1) / (m + 1) - 1 (Chapman 1951) with Seber's variance (Seber 1982),\n"
    "each with the log-normal (Chao 1987) and the multinomial profile-likelihood interval\n"
    "(Cormack 1992) of the 2 x 2 table.\n\n"
    "  --a LIST        the first list, by name or 1-based position (default: list 1)\n"
    "  --b LIST        the second list, or \"others\" (default: list 2 for two lists,\n"
    "                  others otherwise)\n\n";

typedef struct {
    const char *a, *b;
} twolist_args;

static int twolist_option(int argc, char **argv, int *i, void *data)
{
    twolist_args *w = data;
    int r = take_string("twolist", argc, argv, i, "--a", &w->a);
    if (r != 0)
        return r;
    return take_string("twolist", argc, argv, i, "--b", &w->b);
}

/* A list by name or 1-based position; -1 when there is none. */
static int find_list(const dfg_table *t, const char *s)
{
    size_t k = dfg_table_k(t);
    for (size_t j = 0; j < k; j++)
        if (strcmp(dfg_table_list_name(t, j), s) == 0)
            return (int)j;
    long n;
    if (parse_int(s, 1, (long)k, &n))
        return (int)n - 1;
    return -1;
}

static int cmd_twolist(int argc, char **argv)
{
    common_opts c;
    common_init(&c);
    twolist_args w = {NULL, NULL};
    int pr = parse_args("twolist", TWOLIST_HELP, argc, argv, &c, twolist_option, &w);
    if (pr >= 0)
        return pr;
    dfg_error err = {0};
    dfg_table *t = NULL;
    char sha[65] = "";
    out_buf ob = {NULL, NULL, 0};
    FILE *o = NULL;
    int code = 0;
    dfg_status rc = load_table(&c, &t, sha, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    size_t k = dfg_table_k(t);
    int a = w.a ? find_list(t, w.a) : 0;
    int b = w.b ? (strcmp(w.b, "others") == 0 ? -1 : find_list(t, w.b)) : (k == 2 ? 1 : -1);
    if (a < 0 || (w.b && b < 0 && strcmp(w.b, "others") != 0) || a == b) {
        code = usage_error(
            "twolist", "--a and --b must name two different lists of %s (or --b others)", c.file);
        goto done;
    }
    c.est.list_a = a;
    c.est.list_b = b;
    const char *names[2] = {"lincoln-petersen", "chapman"};
    dfg_estimate e[2][2]; /* [estimator][log-normal, profile] */
    dfg_status st[2][2];
    memset(e, 0, sizeof e);
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
            dfg_est_opts eo = c.est;
            eo.ci_type = j ? DFG_CI_PROFILE : DFG_CI_LOGNORMAL;
            dfg_error e2 = {0};
            st[i][j] = dfg_estimator_find(names[i])->estimate(t, 0, &eo, &e[i][j], &e2);
            /* a failed profile leaves its column empty; the point estimate must work */
            if (st[i][j] != DFG_OK && st[i][j] != DFG_ENOMLE &&
                (j == 0 || st[i][j] == DFG_ENOMEM)) {
                code = fail(&e2, st[i][j]);
                goto done;
            }
        }
    }
    if ((code = out_open(&ob)) != 0)
        goto done;
    o = ob.f;
    int pct = (int)lround(100.0 * c.est.level);
    if (c.format == FMT_TEXT) {
        fprintf(o, "darkfig %s twolist\ninput     %s (sha256 %.16s...)\nlists     %s\n\n",
                DFG_VERSION, c.file, sha, e[1][0].model);
        fprintf(o, "  %-18s %12s %10s  %-24s %s\n", "estimator", "N", "s.e.", "log-normal interval",
                "profile interval");
        for (int i = 0; i < 2; i++) {
            char l1[64] = "-", l2[64] = "-";
            if (st[i][0] != DFG_OK) {
                fprintf(o, "  %-18s %12s %10s  %s\n", names[i], "-", "-", e[i][0].note);
                continue;
            }
            snprintf(l1, sizeof l1, "[%.1f, %.1f]", e[i][0].ci.lower, e[i][0].ci.upper);
            if (st[i][1] == DFG_OK)
                snprintf(l2, sizeof l2, "[%.1f, %.1f]", e[i][1].ci.lower, e[i][1].ci.upper);
            fprintf(o, "  %-18s %12.1f %10.1f  %-24s %s\n", names[i], e[i][0].nhat, e[i][0].se, l1,
                    l2);
        }
        fprintf(
            o,
            "\n  registered n = %.0f; intervals at %d%%; s.e.: delta method (Lincoln-Petersen),\n"
            "  Seber (1982) (Chapman)\n",
            e[1][0].n_obs, pct);
    } else if (c.format == FMT_CSV) {
        fputs("file,sha256,lists,estimator,status,n,N,se,level,lognormal_lower,lognormal_upper,"
              "profile_lower,profile_upper,darkfig_version\n",
              o);
        for (int i = 0; i < 2; i++) {
            csv_string(o, c.file);
            fprintf(o, ",%s,", sha);
            csv_string(o, e[1][0].model);
            fprintf(o, ",%s,%s", names[i], st[i][0] == DFG_OK ? "ok" : dfg_strerror(st[i][0]));
            double v[] = {e[i][0].n_obs,
                          e[i][0].nhat,
                          e[i][0].se,
                          c.est.level,
                          e[i][0].ci.lower,
                          e[i][0].ci.upper,
                          st[i][1] == DFG_OK ? e[i][1].ci.lower : DNAN,
                          st[i][1] == DFG_OK ? e[i][1].ci.upper : DNAN};
            for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
                fputc(',', o);
                csv_number(o, st[i][0] == DFG_OK || j == 0 || j == 3 ? v[j] : DNAN);
            }
            fprintf(o, ",%s\n", DFG_VERSION);
        }
    } else {
        fprintf(o,
                "{\n  \"darkfig_version\": \"%s\",\n  \"command\": \"twolist\",\n  \"input\": "
                "{\"file\": ",
                DFG_VERSION);
        json_string(o, c.file);
        fprintf(o, ", \"sha256\": \"%s\"},\n  \"lists\": ", sha);
        json_string(o, e[1][0].model);
        fputs(",\n  \"n\": ", o);
        json_number(o, e[1][0].n_obs);
        fputs(",\n  \"estimators\": [", o);
        for (int i = 0; i < 2; i++) {
            int ok = st[i][0] == DFG_OK;
            fprintf(o, "%s\n    {\"estimator\": \"%s\", \"status\": \"%s\", \"N\": ", i ? "," : "",
                    names[i], ok ? "ok" : dfg_strerror(st[i][0]));
            json_number(o, ok ? e[i][0].nhat : DNAN);
            fputs(", \"se\": ", o);
            json_number(o, ok ? e[i][0].se : DNAN);
            fputs(", \"level\": ", o);
            json_number(o, c.est.level);
            fputs(", \"lognormal\": [", o);
            json_number(o, ok ? e[i][0].ci.lower : DNAN);
            fputs(", ", o);
            json_number(o, ok ? e[i][0].ci.upper : DNAN);
            fputs("], \"profile\": [", o);
            json_number(o, st[i][1] == DFG_OK ? e[i][1].ci.lower : DNAN);
            fputs(", ", o);
            json_number(o, st[i][1] == DFG_OK ? e[i][1].ci.upper : DNAN);
            fputs("], \"note\": ", o);
            json_string(o, e[i][0].note);
            fputc('}', o);
        }
        fputs("\n  ]\n}\n", o);
    }
    code = out_flush(&ob);
done:
    out_free(&ob);
    dfg_table_free(t);
    return code;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * darkfig estimate: any estimator through the common interface
 * ======================================================================= */

static const char ESTIMATE_HELP[] =
    "Usage: darkfig estimate FILE --estimator NAME [options]\n"
    "Run any estimator of 'darkfig estimators' (log-linear, search, closed-population,\n"
    "two-list) through the common interface, optionally with the bootstrap repeating the\n"
    "whole estimator in every replicate (nonparametric).\n\n"
    "  --estimator E   the estimator (required)\n"
    "  --model M       model for loglin\n"
    "  --criterion C, --max-order K, --threshold P   options of the search estimators\n"
    "  --ci TYPE       the estimator's own interval: profile, lognormal or none\n\n";

typedef struct {
    common_opts *c;
    const char *estimator;
} estimate_args;

static int estimate_option(int argc, char **argv, int *i, void *data)
{
    estimate_args *a = data;
    const char *v = NULL;
    int r;
    long n;
    double d;
    if ((r = boot_option("estimate", argc, argv, i, &a->c->boot)) != 0)
        return r;
#define TAKE(name)                                                                                 \
    if ((r = opt_value(argc, argv, i, name, &v)) < 0)                                              \
        return 10 + usage_error("estimate", "option %s needs a value", name);                      \
    if (r > 0)
    TAKE("--estimator")
    {
        a->estimator = v;
        return 1;
    }
    TAKE("--model")
    {
        a->c->est.model = v;
        return 1;
    }
    TAKE("--criterion")
    {
        a->c->est.criterion = v;
        return 1;
    }
    TAKE("--max-order")
    {
        if (!parse_int(v, 1, DFG_MAX_FIT_LISTS, &n))
            return 10 +
                   usage_error("estimate", "--max-order must be an integer >= 1 (got \"%s\")", v);
        a->c->est.max_order = (int)n;
        return 1;
    }
    TAKE("--threshold")
    {
        if (!parse_double(v, &d) || !(d > 0.0 && d < 1.0))
            return 10 + usage_error("estimate",
                                    "--threshold must be a number in (0, 1) (got \"%s\")", v);
        a->c->est.threshold = d;
        return 1;
    }
    TAKE("--ci")
    {
        if (strcmp(v, "profile") == 0)
            a->c->est.ci_type = DFG_CI_PROFILE;
        else if (strcmp(v, "lognormal") == 0)
            a->c->est.ci_type = DFG_CI_LOGNORMAL;
        else if (strcmp(v, "none") == 0)
            a->c->est.want_ci = 0;
        else
            return 10 + usage_error("estimate",
                                    "--ci must be profile, lognormal or none (got \"%s\")", v);
        return 1;
    }
#undef TAKE
    return 0;
}

static int cmd_estimate(int argc, char **argv)
{
    common_opts c;
    common_init(&c);
    estimate_args a = {&c, NULL};
    char help[sizeof ESTIMATE_HELP + sizeof BOOT_HELP];
    snprintf(help, sizeof help, "%s%s", ESTIMATE_HELP, BOOT_HELP);
    int pr = parse_args("estimate", help, argc, argv, &c, estimate_option, &a);
    if (pr >= 0)
        return pr;
    if (!a.estimator)
        return usage_error("estimate", "--estimator NAME is required (see 'darkfig estimators')");
    const dfg_estimator *est = dfg_estimator_find(a.estimator);
    if (!est)
        return usage_error("estimate", "unknown estimator \"%s\" (see 'darkfig estimators')",
                           a.estimator);
    if (c.boot.B > 0 && c.boot.bo.type == DFG_BOOT_PARAMETRIC)
        return usage_error("estimate",
                           "the parametric bootstrap needs fitted cells: use 'darkfig fit' "
                           "or 'darkfig search'");
    c.est.method = est->name;
    dfg_error err = {0};
    dfg_table *t = NULL;
    dfg_estimate e;
    memset(&e, 0, sizeof e);
    dfg_boot_result boot;
    memset(&boot, 0, sizeof boot);
    int has_boot = 0;
    char sha[65] = "";
    out_buf ob = {NULL, NULL, 0};
    FILE *o = NULL;
    int code = 0;
    dfg_status rc = load_table(&c, &t, sha, &err);
    if (rc == DFG_OK && dfg_table_k(t) < est->min_lists) {
        fprintf(stderr, "darkfig: %s: %s needs at least %zu lists (the file has %zu)\n", c.file,
                est->name, est->min_lists, dfg_table_k(t));
        code = EXIT_INPUT;
        goto done;
    }
    if (rc == DFG_OK)
        rc = est->estimate(t, 0, &c.est, &e, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    if (c.boot.B > 0) {
        if ((code = run_boot(&c, est, t, &c.est, NULL, &boot)))
            goto done;
        has_boot = 1;
    }
    if ((code = out_open(&ob)) != 0)
        goto done;
    o = ob.f;
    int pct = (int)lround(100.0 * c.est.level);
    int has_ci = e.ci.type != DFG_CI_NONE && c.est.want_ci;
    if (c.format == FMT_TEXT) {
        fprintf(
            o,
            "darkfig %s estimate\ninput     %s (sha256 %.16s...)\nestimator %s: %s\nmodel     %s\n"
            "check     %s\n\n",
            DFG_VERSION, c.file, sha, est->name, est->summary, e.model, dfg_check_name(e.check));
        fprintf(o, "  registered (n)          %12.0f\n", e.n_obs);
        fprintf(o, "  estimated total (N)     %12.1f   s.e. %.1f\n", e.nhat, e.se);
        fprintf(o, "  dark figure (N - n)     %12.1f\n", e.dark);
        if (has_ci)
            fprintf(o, "  %d%% interval for N      [%.1f, %.1f]   %s\n", pct, e.ci.lower,
                    e.ci.upper, dfg_ci_type_name(e.ci.type));
        if (isfinite(e.deviance))
            fprintf(o, "  deviance %.3f, df %.0f, AIC %.3f, BIC %.3f\n", e.deviance, e.df, e.aic,
                    e.bic);
        if (e.note[0])
            fprintf(o, "  note: %s\n", e.note);
        if (has_boot)
            boot_text(o, &boot, c.est.level);
    } else if (c.format == FMT_CSV) {
        fputs("file,sha256,estimator,model,check,n,N,se,dark_figure,level,ci_type,lower,upper,"
              "deviance,df,"
              "AIC,BIC,boot_B,boot_seed,boot_interval,boot_lower,boot_upper,note,darkfig_version\n",
              o);
        csv_string(o, c.file);
        fprintf(o, ",%s,%s,", sha, est->name);
        csv_string(o, e.model);
        fprintf(o, ",%s", dfg_check_name(e.check));
        double v[] = {e.n_obs, e.nhat, e.se, e.dark, c.est.level};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            fputc(',', o);
            csv_number(o, v[i]);
        }
        fprintf(o, ",%s,", has_ci ? dfg_ci_type_name(e.ci.type) : "");
        double w[] = {
            has_ci ? e.ci.lower : DNAN, has_ci ? e.ci.upper : DNAN, e.deviance, e.df, e.aic, e.bic};
        for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
            csv_number(o, w[i]);
            fputc(',', o);
        }
        if (has_boot) {
            fprintf(o, "%zu,%lu,%s,", boot.B, (unsigned long)boot.seed,
                    dfg_ci_type_name(boot.ci.type));
            csv_number(o, boot.ci.lower);
            fputc(',', o);
            csv_number(o, boot.ci.upper);
        } else {
            fputs("0,,,NA,NA", o);
        }
        fputc(',', o);
        csv_string(o, e.note);
        fprintf(o, ",%s\n", DFG_VERSION);
    } else {
        fprintf(o,
                "{\n  \"darkfig_version\": \"%s\",\n  \"command\": \"estimate\",\n  \"input\": "
                "{\"file\": ",
                DFG_VERSION);
        json_string(o, c.file);
        fprintf(o, ", \"sha256\": \"%s\"},\n  \"estimator\": \"%s\",\n  \"model\": ", sha,
                est->name);
        json_string(o, e.model);
        fprintf(o, ",\n  \"check\": \"%s\",\n", dfg_check_name(e.check));
        if (has_boot)
            boot_json(o, &boot, c.est.level);
        const char *keys[] = {"n", "N", "se", "dark_figure", "deviance", "df", "AIC", "BIC"};
        double v[] = {e.n_obs, e.nhat, e.se, e.dark, e.deviance, e.df, e.aic, e.bic};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            fprintf(o, "  \"%s\": ", keys[i]);
            json_number(o, v[i]);
            fputs(",\n", o);
        }
        fprintf(o, "  \"interval\": {\"type\": \"%s\", \"level\": ",
                has_ci ? dfg_ci_type_name(e.ci.type) : "none");
        json_number(o, c.est.level);
        fputs(", \"lower\": ", o);
        json_number(o, has_ci ? e.ci.lower : DNAN);
        fputs(", \"upper\": ", o);
        json_number(o, has_ci ? e.ci.upper : DNAN);
        fputs("},\n  \"note\": ", o);
        json_string(o, e.note);
        fputs("\n}\n", o);
    }
    code = out_flush(&ob);
done:
    out_free(&ob);
    if (has_boot)
        dfg_boot_result_free(&boot);
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
    "  search FILE       model search (stepwise, exhaustive, ...) with existence checks\n"
    "                    and the spread of N over good models\n"
    "  twolist FILE      Lincoln-Petersen and Chapman on two lists, or one list against\n"
    "                    the union of the others\n"
    "  closed FILE       Rcapture's closed-population table (M0, Mt, Mh, Mth, Mb, Mbh)\n"
    "                    and the frequency estimators (Chao, Zelterman)\n"
    "  check FILE        hold out each list in turn: estimated against known list sizes\n"
    "  estimate FILE     any estimator of the list below, with the bootstrap if asked\n"
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
    if (strcmp(cmd, "search") == 0)
        return cmd_search(argc - 1, argv + 1);
    if (strcmp(cmd, "estimate") == 0)
        return cmd_estimate(argc - 1, argv + 1);
    if (strcmp(cmd, "twolist") == 0)
        return cmd_twolist(argc - 1, argv + 1);
    if (strcmp(cmd, "closed") == 0)
        return cmd_closed(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "estimators") == 0)
        return cmd_estimators(argc - 1, argv + 1);
    fprintf(stderr, "darkfig: unknown command '%s'\nTry 'darkfig --help'.\n", cmd);
    return EXIT_USAGE;
}

/* ** }====================================================================== */
