/* cli/cli.h: what the files of the darkfig command share.
 *
 * The command is a client of the public library header only (darkfig.h); the build
 * gives it no path to the library's internal headers. Each command lives in its own
 * cli/cmd_<name>.c and is listed once in the dispatch table of cli/main.c.
 *
 * Output goes to a memory stream first and reaches stdout only when the whole run has
 * succeeded, so a failed run never leaves half a table behind. Errors go to stderr as
 * "darkfig: place: message". Exit codes: 0 success, 1 numerical (no convergence,
 * singular information, MLE does not exist), 2 usage, 3 input (I/O, parse, data),
 * 4 internal error or out of memory, 130 interrupted.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DFG_CLI_H
#define DFG_CLI_H

#include "darkfig.h"

#include <math.h>
#include <stdio.h>

/* NaN as a double (NAN is a float). */
#define DNAN ((double)NAN)

enum { EXIT_NUMERIC = 1, EXIT_USAGE = 2, EXIT_INPUT = 3, EXIT_INTERNAL = 4 };

/* A command: argv[0] is the command's name, argv[1..] its arguments; returns the exit
 * code. */
typedef int (*cli_command_fn)(int argc, char **argv);

/* ** {======================================================================
 * Commands (cli/cmd_<name>.c)
 * ======================================================================= */

int cmd_fit(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_closed(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_twolist(int argc, char **argv);
int cmd_estimate(int argc, char **argv);
int cmd_estimators(int argc, char **argv);

/* ** }====================================================================== */

/* ** {======================================================================
 * Messages and exit codes (cli/output.c)
 * ======================================================================= */

/* The exit code of a library status. */
int exit_code(dfg_status rc);
/* Say err (or rc) on stderr as "darkfig: where: message"; returns the exit code. */
int fail(const dfg_error *err, dfg_status rc);
/* Say a usage error of command cmd on stderr with the hint to --help; returns 2. */
int usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ** }====================================================================== */

/* ** {======================================================================
 * Options shared by the commands (cli/options.c)
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

/* The help of the bootstrap options (fit, search, estimate). */
extern const char BOOT_HELP[];

void common_init(common_opts *c);
/* If argv[*i] is --name VALUE or --name=VALUE, store VALUE and return 1; 0 when argv[*i]
 * is another option; -1 when the value is missing. */
int opt_value(int argc, char **argv, int *i, const char *name, const char **value);
/* --name VALUE (or --name=VALUE) into *dst: 1 taken, 0 not this option, or 10 + the
 * exit code when the value is missing (said on stderr). */
int take_string(const char *cmd, int argc, char **argv, int *i, const char *name, const char **dst);
/* A finite number; 1 on success. */
int parse_double(const char *s, double *out);
/* An integer in lo..hi; 1 on success. */
int parse_int(const char *s, long lo, long hi, long *out);
/* Bootstrap options of fit, search and estimate: 1 consumed, 0 not one of them, or 10 +
 * the exit code on a usage error (already said). */
int boot_option(const char *cmd, int argc, char **argv, int *i, boot_cli *b);

/* A command's own options: 1 consumed, 0 not its option, or 10 + exit code on error. */
typedef int (*own_option_fn)(int argc, char **argv, int *i, void *data);

/* Parse argv: common options, FILE, and the command's own options through `own`. --help
 * prints help, then help2 (may be NULL), then the common options. Returns -1 to go on,
 * or an exit code. */
int parse_args(const char *cmd, const char *help, const char *help2, int argc, char **argv,
               common_opts *c, own_option_fn own, void *data);

/* Read c->file into a one-stratum table (strata collapsed) and hash it. */
dfg_status load_table(const common_opts *c, dfg_table **t, char sha[65], dfg_error *err);

/* ** }====================================================================== */

/* ** {======================================================================
 * Writers (cli/output.c)
 * ======================================================================= */

void json_string(FILE *f, const char *s);
/* A double for JSON: null when not finite. */
void json_number(FILE *f, double x);
/* A CSV field, quoted when it holds a comma, quote or newline. */
void csv_string(FILE *f, const char *s);
/* A double for CSV: NA, Inf, -Inf or %.17g. */
void csv_number(FILE *f, double x);
/* The name of a model term: list names joined by ':'. */
void term_name(const dfg_table *t, uint32_t term, char *buf, size_t size);

/* The output of a command: a memory stream that reaches stdout only when the whole run
 * has succeeded. */
typedef struct {
    FILE *f;
    char *buf;
    size_t len;
} out_buf;

/* Open it: 0, or the exit code after saying why. */
int out_open(out_buf *ob);
/* Close it and write it to stdout: the exit code. */
int out_flush(out_buf *ob);
/* Release it, flushed or not (error paths). */
void out_free(out_buf *ob);

/* ** }====================================================================== */

/* ** {======================================================================
 * Bootstrap runs (cli/boot.c)
 * ======================================================================= */

/* Run the bootstrap of est with the command-line settings (replicates compute point
 * estimates only), then write --replicates. Returns 0, or the exit code after saying why
 * (130 when interrupted); *res is filled on 0 (release with dfg_boot_result_free). */
int run_boot(common_opts *c, const dfg_estimator *est, const dfg_table *t,
             const dfg_est_opts *eo_in, const double *fitted, dfg_boot_result *res);
void boot_text(FILE *o, const dfg_boot_result *r, double level);
void boot_json(FILE *o, const dfg_boot_result *r, double level);

/* ** }====================================================================== */

/* ** {======================================================================
 * Covariates (cli/covariates.c): fit and search over lists and covariates
 * ======================================================================= */

typedef struct {
    const char *by;       /* --by C1[,C2] */
    const char *stratify; /* --stratify C */
    int drop_missing;     /* --drop-missing */
    int level_profile;    /* profile intervals of the level totals (default 1) */
    size_t max_strata;    /* --max-strata (default 100000) */
    const char *fixed;    /* search --method step --fixed M: terms kept in every model */
    int lists_only;       /* search --method step --scope lists */
} cov_cli;

extern const char COV_HELP[];
void cov_init(cov_cli *cc);
/* The covariate options: 1 consumed, 0 not one of them, or 10 + the exit code. */
int cov_option(const char *cmd, int argc, char **argv, int *i, cov_cli *cc);
/* Read c->file with its covariates: 0 (then *t and *ct are set), -1 when the file has no
 * covariate column (*t is set, *ct NULL: the list-only path), or an exit code after saying
 * why. Missing covariate values: an error naming the line, or dropped with a note. */
int cov_load(const char *cmd, const common_opts *c, const cov_cli *cc, dfg_table **t,
             dfg_ctable **ct, char sha[65]);
/* fit on a table with covariates: the exit code. */
int fit_cov(common_opts *c, const cov_cli *cc);
/* search --method step (mse::model_search): the exit code. */
int search_step(common_opts *c, const cov_cli *cc, int threads);

/* ** }====================================================================== */

#endif
