/* cli/options.c: the options every command shares, the bootstrap options, the argument
 * loop, and reading the input table.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* If argv[*i] is --name VALUE or --name=VALUE, store VALUE and return 1; a missing value
 * is a usage error (returns -1). */
int opt_value(int argc, char **argv, int *i, const char *name, const char **value)
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
int take_string(const char *cmd, int argc, char **argv, int *i, const char *name, const char **dst)
{
    const char *v = NULL;
    int r = opt_value(argc, argv, i, name, &v);
    if (r < 0)
        return 10 + usage_error(cmd, "option %s needs a value", name);
    if (r > 0)
        *dst = v;
    return r;
}

int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

int parse_int(const char *s, long lo, long hi, long *out)
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

void common_init(common_opts *c)
{
    memset(c, 0, sizeof *c);
    c->csv = dfg_csv_opts_default();
    c->est = dfg_est_opts_default();
    c->format = FMT_TEXT;
    c->format_name = "text";
    c->boot.bo = dfg_boot_opts_default();
}

/* Bootstrap options of fit and search. Returns as common_option. */
int boot_option(const char *cmd, int argc, char **argv, int *i, boot_cli *b)
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

const char BOOT_HELP[] =
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

/* Read c->file into a one-stratum table (strata collapsed) and hash it. */
dfg_status load_table(const common_opts *c, dfg_table **t, char sha[65], dfg_error *err)
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

int parse_args(const char *cmd, const char *help, const char *help2, int argc, char **argv,
               common_opts *c, own_option_fn own, void *data)
{
    for (int i = 1; i < argc; i++) {
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help, stdout);
            if (help2)
                fputs(help2, stdout);
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
