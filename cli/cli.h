/* cli/cli.h: what the files of the darkfig command share.
 *
 * The command is a client of the public library header only (darkfig.h); the build
 * gives it no path to the library's internal headers. Each command lives in its own
 * cli/cmd_<name>.c, describes itself in a cli_command (name, help, option table) and is
 * listed once in the table of cli/main.c.
 *
 * The run of a command: cli_parse reads argv against the option tables (the same tables
 * print --help and the manual page), cli_input_read reads FILE once into memory (hash
 * and parse from that copy), the library computes, and the result is described once as
 * a cJSON tree, which cli_out_finish prints as JSON or CSV; text is each command's own
 * layout. Output reaches stdout (or --output FILE) only when the whole run has
 * succeeded, so a failed run never leaves half a table behind. Every file the command
 * writes goes through cli_write_file (cli/files.c).
 *
 * Errors go to stderr as "darkfig: place: message", escaped (cli_say). Exit codes:
 * 0 success, 1 numerical (no convergence, singular information, MLE does not exist),
 * 2 usage, 3 input (I/O, parse, data), 4 internal error or out of memory, 130
 * interrupted.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DFG_CLI_H
#define DFG_CLI_H

#include "darkfig.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>

/* NaN as a double (NAN is a float). */
#define DNAN ((double)NAN)

enum { EXIT_NUMERIC = 1, EXIT_USAGE = 2, EXIT_INPUT = 3, EXIT_INTERNAL = 4, EXIT_INTERRUPT = 130 };

#if defined(__GNUC__)
#define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CLI_PRINTF(a, b)
#endif

/* ** {======================================================================
 * Option tables (cli/options.c)
 * ======================================================================= */

typedef enum {
    OPT_FLAG,   /* no value: the int at dst becomes 1 */
    OPT_STRING, /* const char * */
    OPT_INT,    /* int in [lo, hi] */
    OPT_SIZE,   /* size_t in [lo, hi] */
    OPT_U32,    /* uint32_t in [lo, hi] */
    OPT_DOUBLE, /* double in lo..hi, each end open or closed (open) */
    OPT_CHOICE  /* int: the value of one of choices */
} cli_opt_kind;

typedef struct {
    const char *name;
    int value;
} cli_choice;

enum { OPEN_LO = 1, OPEN_HI = 2, OPEN_BOTH = 3 };

/* One option: --name ARG. dst is an offset into the structure the table describes
 * (common_opts for the shared tables, the command's own structure for its own). */
typedef struct {
    const char *name; /* without the dashes; NULL ends a table */
    const char *arg;  /* the value's name in --help; NULL for OPT_FLAG */
    cli_opt_kind kind;
    size_t dst;
    double lo, hi;             /* limits of the numeric kinds */
    unsigned open;             /* OPEN_LO, OPEN_HI: limits excluded (OPT_DOUBLE) */
    const cli_choice *choices; /* OPT_CHOICE: ends with {NULL, 0} */
    const char *help;          /* one paragraph: --help wraps it and appends the limits */
} cli_option;

/* A numeric constant of the library as text in a help string: CLI_TEXT(DFG_DGA_MAX_GRID). */
#define CLI_TEXT_(x) #x
#define CLI_TEXT(x) CLI_TEXT_(x)
/* Rows of an option table, by kind; T is the structure the table writes into. */
#define OPT_STR(name, arg, T, field, help)                                                         \
    {                                                                                              \
        name, arg, OPT_STRING, offsetof(T, field), 0, 0, 0, NULL, help                             \
    }
#define OPT_NUM(name, arg, kind, T, field, lo, hi, open, help)                                     \
    {                                                                                              \
        name, arg, kind, offsetof(T, field), lo, hi, open, NULL, help                              \
    }
#define OPT_ONE_OF(name, arg, T, field, choices, help)                                             \
    {                                                                                              \
        name, arg, OPT_CHOICE, offsetof(T, field), 0, 0, 0, choices, help                          \
    }
#define OPT_SWITCH(name, T, field, help)                                                           \
    {                                                                                              \
        name, NULL, OPT_FLAG, offsetof(T, field), 0, 0, 0, NULL, help                              \
    }
/* Rows that several commands define alike: the same name, argument, kind and range; the
 * help is the command's own. OPT_CRITERION needs a criterion_choices table in scope. */
#define OPT_CRITERION(T, field, help)                                                              \
    OPT_ONE_OF("criterion", "C", T, field, criterion_choices, help)
#define OPT_MAX_ORDER(T, field, help)                                                              \
    OPT_NUM("max-order", "K", OPT_INT, T, field, 1, DFG_MAX_FIT_LISTS - 1, 0, help)
#define OPT_THRESHOLD(T, field, help)                                                              \
    OPT_NUM("threshold", "P", OPT_DOUBLE, T, field, 0, 1, OPEN_BOTH, help)
#define OPT_SEED(T, field, help) OPT_NUM("seed", "S", OPT_U32, T, field, 0, UINT32_MAX, 0, help)
#define OPT_TREND(T, field, help) OPT_STR("trend", "C=D", T, field, help)
/* The upper limit of an option that has none (--max-memory, --max-seconds). */
#define UNBOUNDED 1e9
/* The limit on the estimated time of a long run (--max-seconds): a bootstrap, lcmcr. */
#define DEFAULT_MAX_SECONDS 600.0
#define OPT_MAX_SECONDS(T, field, help)                                                            \
    OPT_NUM("max-seconds", "S", OPT_DOUBLE, T, field, 0, UNBOUNDED, OPEN_LO, help)
#define OPT_THREADS(T, field, help)                                                                \
    OPT_NUM("threads", "T", OPT_INT, T, field, 1, DFG_MAX_THREADS, 0, help)
/* The chain length of the sampling estimator lcmcr through dfg_est_opts' mcmc_chains,
 * mcmc_burnin, mcmc_samples, mcmc_thin (size_t; 0, unset, is the estimator's default):
 * the four rows for the structure T whose field E is a dfg_est_opts. */
#define OPT_MCMC_LENGTH(T, E)                                                                      \
    OPT_NUM("chains", "C", OPT_SIZE, T, E.mcmc_chains, 1, 1024, 0,                                 \
            "chains of --estimator lcmcr (default 4)"),                                            \
        OPT_NUM("burnin", "B", OPT_SIZE, T, E.mcmc_burnin, 1, 1e12, 0,                             \
                "burn-in sweeps per chain of --estimator lcmcr (default 10000)"),                  \
        OPT_NUM("samples", "S", OPT_SIZE, T, E.mcmc_samples, 4, 1e9, 0,                            \
                "draws kept per chain of --estimator lcmcr (default 5000)"),                       \
        OPT_NUM("thin", "T", OPT_SIZE, T, E.mcmc_thin, 1, 1e9, 0,                                  \
                "sweeps per kept draw of --estimator lcmcr (default 20)")
/* Is any of the chain-length options set? */
#define MCMC_LENGTH_SET(e) ((e).mcmc_chains || (e).mcmc_burnin || (e).mcmc_samples || (e).mcmc_thin)
/* The end of an option table. */
#define OPT_END                                                                                    \
    {                                                                                              \
        NULL, NULL, 0, 0, 0, 0, 0, NULL, NULL                                                      \
    }

/* Which shared option groups a command takes. */
enum {
    CLI_INPUT = 1,      /* --lists, --count, --max-memory */
    CLI_OUTPUT = 2,     /* --level, --format, --output */
    CLI_FITTING = 4,    /* --tol, --max-iter */
    CLI_BOOT = 8,       /* --bootstrap ... --max-seconds */
    CLI_COVARIATES = 16 /* --max-strata, --drop-missing, --no-level-profile, --trend, --by */
};

typedef enum { FMT_TEXT, FMT_CSV, FMT_JSON } out_format;

/* A command. main.c lists them; --help and the manual page are printed from here. */
typedef struct {
    const char *name;
    const char *args;      /* after the name in the usage line: "FILE" */
    const char *summary;   /* one line of 'darkfig --help'; a '\n' continues it */
    const char *about;     /* the paragraphs of 'darkfig NAME --help' before the options */
    const cli_option *own; /* its own options (NULL = none), offsets into its own struct */
    unsigned groups;       /* CLI_INPUT | ...: the shared groups it takes */
    int (*main)(int argc, char **argv);
} cli_command;

typedef struct {
    size_t B; /* 0 = no bootstrap */
    int type, interval;
    uint32_t seed;
    int threads;
    const char *replicates; /* --replicates FILE */
    double max_seconds;
} boot_cli;

/* The options of models over lists and covariates (fit, search --method step). */
typedef struct {
    const char *by;       /* --by C1[,C2] */
    const char *stratify; /* --stratify C */
    int drop_missing;     /* --drop-missing */
    int no_level_profile; /* --no-level-profile */
    size_t max_strata;    /* --max-strata (default 100000) */
    const char *fixed;    /* search --method step --fixed M: terms kept in every model */
    int lists_only;       /* search --method step --scope lists */
    const char *trend;    /* fit --trend COV=D: COV as an orthogonal polynomial of degree D */
    const char *change;   /* fit --change [COV=]A:B: N(B) - N(A) and N(B) / N(A) */
} cov_cli;

/* The options every command shares (the shared tables write here). */
typedef struct {
    const cli_command *cmd;
    const char *file;
    const char *estimator; /* --estimator of check and estimate */
    dfg_csv_opts csv;
    dfg_est_opts est;
    int format;
    const char *output; /* --output FILE; NULL = stdout */
    double max_memory;  /* MB */
    boot_cli boot;
    int seed_given;
    /* the tables the run was parsed with, for the provenance (cli_options_json) */
    const void *own_base;
    /* a command whose args end with "..." (batch): every operand; file is the first */
    char **operands;
    size_t n_operands;
    cov_cli cov; /* fit and search over lists and covariates */
} common_opts;

/* The commands (cli/cmd_<name>.c), listed in main.c. */
extern const cli_command cmd_fit, cmd_search, cmd_twolist, cmd_closed, cmd_check, cmd_estimate,
    cmd_estimators, cmd_dga, cmd_batch, cmd_lcmcr;
/* cli/covariates.c: the parts of --trend C=D: the length of C and D (>= 1); 0, or -1 when
 * spec has not that form. */
int trend_parse(const char *spec, size_t *name_len, long *degree);
/* --trend C=D on ct (0, or the exit code after saying why). */
int cov_trend(const char *cmd, const char *file, dfg_ctable *ct, const char *spec);
/* The index of the covariate named by the len bytes at name, or SIZE_MAX. */
size_t cov_named(const dfg_ctable *ct, const char *name, size_t len);
/* The covariate index of each comma-separated name in list (at most 8, --by): 0, or the
 * exit code after saying why. */
int cov_indices(const char *cmd, const dfg_ctable *ct, const char *list, size_t *idx, size_t *n);
/* The fit of a log-linear model over the lists alone, computed once for darkfig fit and
 * a task of darkfig batch (cli/cmd_fit.c, fit_compute): the fit, its log-normal interval,
 * the s.e. as R's glm gives it, the profile interval; the bootstrap and the judgement are
 * the caller's. */
typedef struct {
    dfg_fit fit;
    dfg_interval prof, logn;
    dfg_status prof_rc; /* DFG_ENOMLE without computing it when terms are at -inf */
    dfg_error prof_err; /* why there is no profile interval */
    char model[512];
    int has_boot;
    dfg_boot_result boot;
    double se_glm; /* s.e. as R's glm evaluates it (NaN if unavailable) */
    dfg_check_status check;
    /* is it an estimate (dfg_value_judge of N, s.e. and the interval reported: the
     * bootstrap's, else the profile, else the log-normal; as darkfig batch judges it) */
    dfg_value_status value;
    char reason[160];
} fit_result;

/* Fit m on t into *r (zeroed first; release r->fit with dfg_fit_free, also after a
 * failure). Prints nothing. Returns DFG_OK, or the status of the fit or of the log-normal
 * interval (err says why). */
dfg_status fit_compute(const dfg_table *t, const dfg_model *m, const dfg_glm_opts *glm,
                       double level, fit_result *r, dfg_error *err);

/* The bootstrap of a list search, set up once for darkfig search and a task of darkfig
 * batch (cli/cmd_search.c): *eo the estimator options est_in with the search's method,
 * criterion, order and threshold (no intervals), *est that estimator, *fit the chosen
 * model refitted with its terms at -inf (release with dfg_fit_free). Returns DFG_OK, or
 * DFG_EINTERNAL with *est NULL when the method has no estimator, or the refit's status
 * (err says why). */
dfg_status search_boot_setup(const dfg_table *t, const dfg_est_opts *est_in,
                             const dfg_search_opts *so, const dfg_search_row *chosen,
                             dfg_est_opts *eo, const dfg_estimator **est, dfg_fit *fit,
                             dfg_error *err);

/* The bootstrap interval of a row of the covariate bootstrap: BCa when bca, else the
 * percentile one (cli/covariates.c). */
dfg_interval cboot_interval(const dfg_cboot_row *b, int bca, double level);

/* The fit on a table with covariates, computed once for darkfig fit and a task of darkfig
 * batch (cli/covariates.c, cov_fit_compute): what to compute ... */
typedef dfg_status (*cov_cboot_fn)(void *ctx, const dfg_ctable *ct, const dfg_cmodel *m,
                                   const dfg_cfit *fit, const size_t *by, size_t n_by,
                                   const dfg_cboot_opts *bo, dfg_cboot_result *res, dfg_error *err);
typedef struct {
    const char *model;          /* the model's text (NULL: the lists alone) */
    const dfg_glm_opts *glm;    /* the fitting options */
    double level;               /* of every interval */
    int levels;                 /* the totals per level of by (dfg_cfit_level_totals) */
    const size_t *by;           /* the covariates of those totals (n_by of them) */
    size_t n_by;                /* */
    int level_profile;          /* their profile intervals too */
    const char *change;         /* [C=]A:B: the change between two of those totals, or NULL */
    int change_strict;          /* refuse A = B, and fail when the delta method does */
    int stratify;               /* a separate fit per level of strat_cov */
    size_t strat_cov;           /* */
    const dfg_cboot_opts *boot; /* the bootstrap (NULL: none); the change rows are set here */
    cov_cboot_fn cboot;         /* runs it (NULL: dfg_cboot_run), with cboot_ctx */
    void *cboot_ctx;            /* */
} cov_fit_request;

/* ... and what it holds. */
typedef enum {
    COV_AT_PARSE = 1, /* the model's text */
    COV_AT_FIT,       /* the fit, its intervals, the level totals, the strata, the bootstrap */
    COV_AT_CHANGE     /* --change names no pair of totals (why: change_why) */
} cov_fit_stage;
typedef struct {
    dfg_cmodel m;
    dfg_cfit fit;
    char model[1024];
    dfg_interval prof, logn;
    dfg_status prof_rc;
    dfg_error prof_err; /* why there is no profile interval */
    dfg_level_total *lev;
    size_t n_lev;
    dfg_status lev_rc; /* the level profile intervals: a soft failure, said in lev_err */
    dfg_error lev_err;
    int has_strat;
    dfg_strat_result strat;
    int has_boot;
    dfg_cboot_result boot;
    size_t n_empty; /* strata with no one observed */
    /* is the total an estimate (dfg_value_judge of N, s.e. and the interval: the
     * bootstrap's, else the profile, else the log-normal) */
    dfg_value_status value;
    char reason[160];
    int has_change;        /* --change: */
    size_t ch_from, ch_to; /* the rows of lev */
    double ch_diff, ch_ratio;
    size_t ch_cov, ch_level[2];   /* the covariate and its two levels */
    dfg_status ch_rc;             /* of the delta method (not strict: NaN intervals) */
    dfg_cfit_change_result delta; /* the delta method's s.e. and intervals */
    char change_why[512];         /* COV_AT_CHANGE: why */
    cov_fit_stage stage;          /* where it stopped, when it did */
} cov_fit;

/* Compute the fit q asks on ct into *r (zeroed first; release with cov_fit_free, also
 * after a failure). Prints nothing. Returns DFG_OK, or the status of the step that failed
 * (r->stage; err says why, or r->change_why for COV_AT_CHANGE). */
dfg_status cov_fit_compute(const dfg_ctable *ct, const cov_fit_request *q, cov_fit *r,
                           dfg_error *err);
void cov_fit_free(cov_fit *r);

/* cli/cmd_em.c: EM with missing covariate values; fit_em_redirect runs it for fit when
 * the file's covariates have missing values or an EM option is given (-1 otherwise). */
extern const cli_command cmd_em;
int fit_em_redirect(int argc, char **argv);
/* search --method step on such a file: darkfig em --search (-1 otherwise). */
int search_em_redirect(int argc, char **argv);
/* The path of a stepwise search over lists and covariates as text and JSON rows
 * (cli/covariates.c; also darkfig em --search); fixed: the start holds fixed terms. */
void step_path_text(FILE *o, const dfg_cstep_result *r, const char *final, int fixed);
void step_path_json(cJSON *root, const dfg_cstep_result *r, const char *final);

/* Defaults of every shared option. */
void common_init(common_opts *c, const cli_command *cmd);

/* Parse argv (argv[0] = the command's name) against the command's own table (writing
 * into own) and its shared groups (into c); the one operand is FILE (c->file) when
 * cmd->args is not empty; when cmd->args ends with "...", any number of operands
 * (c->operands; the command checks them). --help prints the help. Returns -1 to go on, or the exit
 * code (0 after --help; 2 after saying what is wrong, naming the option). */
int cli_parse(common_opts *c, void *own, int argc, char **argv);

/* The --help of a command on f, and its part of the manual page (roff) on f. */
void cli_help(FILE *f, const cli_command *cmd);
void cli_man_options(FILE *f, const cli_command *cmd);

/* Every option of the run and its value, into obj (the provenance of CSV and JSON). */
void cli_options_json(cJSON *obj, const common_opts *c);

/* The name of a choice's value in a table (NULL when none). */
const char *cli_choice_name(const cli_choice *choices, int value);

extern const cli_choice CLI_CI_CHOICES[]; /* profile, lognormal, none */

/* The estimator named name; NULL after a usage error naming them all (*code = 2). */
const dfg_estimator *cli_estimator(const char *cmd, const char *name, int *code);
/* The draws of chains x samples per stratum (lcmcr's N, alpha, occupied classes, and the
 * total's N) within max_memory MB: 0, or 2 after saying so. */
int cli_mcmc_draws(size_t chains, size_t samples, size_t strata, double max_memory);
/* --chains, --burnin, --samples, --thin (len's mcmc_*): refused unless est is lcmcr, and
 * their draws within max_memory. 0, or 2 after saying why. */
int cli_mcmc_length(const char *cmd, const dfg_est_opts *len, const dfg_estimator *est,
                    double max_memory);

/* ** }====================================================================== */

/* ** {======================================================================
 * Messages (cli/output.c)
 * ======================================================================= */

/* The exit code of a library status. */
int exit_code(dfg_status rc);
/* "darkfig: " + the message on stderr, escaped (control characters and bytes that are
 * not UTF-8 as \xNN), then a newline. */
void cli_say(const char *fmt, ...) CLI_PRINTF(1, 2);
/* Say err (or rc) on stderr as "darkfig: where: message"; returns the exit code. */
int fail(const dfg_error *err, dfg_status rc);
/* Say a usage error of the command on stderr with the hint to --help; returns 2. */
int usage_error(const char *cmd, const char *fmt, ...) CLI_PRINTF(2, 3);

/* s with control characters (but '\n' when keep_newline) and bytes that are not
 * UTF-8 written as \xNN: a new string (free it), NULL when out of memory. */
char *cli_escape(const char *s, size_t len, int keep_newline, size_t *out_len);

/* ** }====================================================================== */

/* ** {======================================================================
 * Input (cli/input.c): read once, hash what was read, parse from memory
 * ======================================================================= */

typedef struct {
    const char *path;
    char *buf; /* the whole input (NUL-terminated copy) */
    size_t len;
    char sha[65]; /* SHA-256 of buf */
} cli_input;

/* Read c->file into in (at most --max-memory), record it as an input of the run (no
 * output may replace it) and hash it. 0 or the exit code after saying why. */
int cli_input_read(const common_opts *c, cli_input *in);
void cli_input_free(cli_input *in);
/* 1 when the input's header is `nbcap,count` (after a UTF-8 BOM, fields quoted or not). */
int cli_input_is_freq(const cli_input *in);
/* The input without its UTF-8 BOM, if any. */
const char *cli_input_body(const cli_input *in, size_t *len);
/* Parse the input read as a capture table with one stratum (strata summed, with a note).
 * 0 or the exit code after saying why; *t is then the table (dfg_table_free). */
int cli_input_table(const common_opts *c, const cli_input *in, dfg_table **t);
/* The table with its strata kept when by is set (commands with --by); otherwise summed
 * into one with a note that ends with by_hint ("--by runs ..."). 0 or an exit code. */
int cli_input_table_by(const common_opts *c, const cli_input *in, int by, const char *by_hint,
                       dfg_table **t);
/* The name of stratum s of t ("a=1, b=x"), or "all" when by is 0 or t has no covariates. */
void cli_stratum_name(const dfg_table *t, size_t s, int by, char *buf, size_t size);
/* A list by name or 1-based position; -1 when there is none. */
int cli_find_list(const dfg_table *t, const char *s);
/* "A, B and C": the list names of t, into buf. */
void cli_list_names(const dfg_table *t, char *buf, size_t size);
/* The model m in bracket notation over t; a bad model is a usage error (2) naming
 * option: 0 or the exit code after saying why. */
int cli_model_parse(const char *option, const char *model, const dfg_table *t, dfg_model *m);

/* ** }====================================================================== */

/* ** {======================================================================
 * Files the command writes (cli/files.c): one routine for all
 * ======================================================================= */

/* Remember path (already open or read) as an input of this run: no output replaces it. */
void cli_note_input(const char *path);
/* 0 when path may be written by this run (not an input, not an output already written,
 * a regular file or absent); otherwise says why and returns the exit code. option names
 * it in the message ("--replicates"). */
int cli_check_output(const char *option, const char *path);
/* Write path through fill(f, data): a temporary file beside it, flushed and synced, then
 * renamed onto path; refused as cli_check_output refuses. On any failure nothing is left
 * (no temporary, path untouched) and the message says so. Returns 0 or the exit code. */
int cli_write_file(const char *option, const char *path, int (*fill)(FILE *f, void *data),
                   void *data);

/* ** }====================================================================== */

/* ** {======================================================================
 * Output (cli/output.c): the result as a cJSON tree, printed as JSON or CSV; text
 * ======================================================================= */

typedef struct {
    int format;
    FILE *text; /* FMT_TEXT: write here */
    char *text_buf;
    size_t text_len;
    cJSON *root; /* FMT_CSV, FMT_JSON: the result */
    /* CSV: one line per element of root[rows] (an array of objects), or one line for
     * root when rows is NULL */
    const char *rows;
} cli_out;

/* Route cJSON's allocations through a checked malloc (once, in main). */
void cli_json_init(void);

/* Open the output of command c->cmd: for CSV and JSON, root gets the provenance
 * (version, command, input file, SHA-256 and lists, every option). t may be NULL. 0 or
 * the exit code after saying why. */
int cli_out_open(cli_out *o, const common_opts *c, const cli_input *in, const dfg_table *t);
/* Print the output (to c->output or stdout) and release it: the exit code. */
int cli_out_finish(cli_out *o, const common_opts *c);
/* Release it unprinted (error paths). */
void cli_out_free(cli_out *o);

/* Values of the tree: NaN and infinities become null; strings that are not UTF-8 get
 * their bad bytes written as \xNN (the escape of the terminal messages). Each returns
 * the new item (NULL when out of memory, noted in the next cli_out_finish). */
cJSON *jnum(cJSON *obj, const char *key, double x);
cJSON *jstr(cJSON *obj, const char *key, const char *s);
/* n numbers: keys[i] = v[i]. */
void jnums(cJSON *obj, const char *const *keys, const double *v, size_t n);
cJSON *jbool(cJSON *obj, const char *key, int b);
cJSON *jobj(cJSON *obj, const char *key);

/* Make room for element n of a growing array: array is the address of its pointer (any
 * element type), *cap its capacity, elem the element size; the first allocation holds
 * `first`, each later one doubles. 0, or -1 out of memory (the array is left as it was). */
int cli_grow(void *array, size_t *cap, size_t n, size_t first, size_t elem);
cJSON *jarr(cJSON *obj, const char *key);
/* A new object appended to the array arr. */
cJSON *jrow(cJSON *arr);
/* A CSV number (NA when not finite; the shortest decimal that reads back equal) and a
 * CSV field (quoted when it holds a comma, quote or line break). */
void csv_number(FILE *f, double x);
/* x as the shortest decimal (%.15g to %.17g) that reads back equal, into buf (32 bytes). */
void cli_number_text(char *buf, size_t size, double x);
/* root printed as JSON with every number exact (cli_number_text): a cJSON_free string,
 * NULL when out of memory. The tree's numbers become raw items. */
char *cli_json_print(cJSON *root);
void csv_string(FILE *f, const char *s);
/* The estimate of a command's result: model, status, check, n, N, s.e. and the dark
 * figure N - n; and the fit statistics deviance, df, AIC, BIC. */
void jestimate(cJSON *obj, const char *model, dfg_status status, dfg_check_status check, double n,
               double N, double se);
void jfitstats(cJSON *obj, double deviance, double df, double aic, double bic);
/* The same estimate as text: registered, estimated total (with its s.e. and what extra
 * says after it), dark figure. */
void text_estimate(FILE *o, double n, double N, double se, const char *extra);
/* The status of a library result: "ok" or the status's text. */
const char *status_name(dfg_status s);

/* The name of a model term: list names joined by ':'. */
void term_name(const dfg_table *t, uint32_t term, char *buf, size_t size);
/* An interval level as a percentage: "95%", "99.9%", "1e-298%". */
void level_label(double level, char *buf, size_t size);
/* "[a, b]" with one decimal, "[a, infinite]", "[a, -]", "-" for what is not a number. */
void fmt_interval(char *buf, size_t size, double lo, double hi);
/* ci as fmt_interval, and "[a, beyond x]" when the upper limit was not reached within
 * the search (ci->upper_beyond; x = ci->search_limit). */
void fmt_ci(char *buf, size_t size, const dfg_interval *ci);
/* obj[key] = the interval: type ("none" unless has_ci), level, lower, upper (null when
 * beyond), upper_beyond, search_limit. */
void jci(cJSON *obj, const char *key, const dfg_interval *ci, int has_ci, double level);
/* Is it an estimate: obj.value = dfg_value_name(v), obj.reason = the one-line reason
 * ("" when fine). */
void jvalue(cJSON *obj, dfg_value_status v, const char *reason);
/* Text of a result that is not an estimate: registered n, then its status and reason in
 * place of N. */
void text_not_estimate(FILE *o, double n, dfg_value_status v, const char *reason);

/* The interval lines of a text report, pct its level as "95%": the profile-likelihood
 * interval (or why there is none: boundary, terms fixed at -inf; else prof_rc) and the
 * log-normal one, both only when estimate; lower_note says when the profile's lower bound
 * was set to n. */
/* The first lines of a text report: "darkfig VERSION what" and the input with its sha256. */
void text_head(FILE *o, const char *what, const char *file, const char *sha);
/* The fit lines of a text report: deviance and df, AIC, AICc (when aicc is not NULL), BIC. */
void text_fit_stats(FILE *o, double deviance, double df, double aic, const double *aicc, double bic,
                    double n_obs);
void text_intervals(FILE *o, const char *pct, int estimate, dfg_status prof_rc,
                    const dfg_interval *prof, const dfg_interval *logn, int boundary,
                    int lower_note);

/* ** }====================================================================== */

/* ** {======================================================================
 * One run of a command (cli/run.c)
 * ======================================================================= */

typedef struct {
    common_opts c;
    cli_input in;
    dfg_table *t; /* NULL until cli_run_load with a table */
    cli_out o;
    int exit_printed; /* the exit code once the output is printed (0; 1 when the result
                         printed is not an estimate) */
} cli_run;

/* Parse argv for cmd into r->c and own (the command's options, defaults set). Returns -1
 * to go on, or the exit code (0 after --help). cli_run_end in every case. */
int cli_run_parse(cli_run *r, const cli_command *cmd, void *own, int argc, char **argv);
/* Read FILE; with_table: also parse it as a capture table of one stratum (strata summed,
 * with a note). -1 to go on, or the exit code after saying why. */
int cli_run_load(cli_run *r, int with_table);
/* Open the output: -1 to go on (write to r->o.text or r->o.root), or the exit code. */
int cli_run_output(cli_run *r);
/* End the run: when code is -1 and the output is open, print it; release everything.
 * Returns the exit code. */
int cli_run_end(cli_run *r, int code);
/* free() each of p[0..n): the release of a structure's many strings in one call. */
void cli_free_all(void *const *p, size_t n);

/* ** }====================================================================== */

/* ** {======================================================================
 * Bootstrap runs (cli/boot.c)
 * ======================================================================= */

/* Before a bootstrap: the replicates file may be written, n fits the sampler, and the
 * time and memory it needs, estimated from one timed run of est, are within --max-seconds
 * and --max-memory. 0 or the exit code after saying why. */
int boot_guard(const common_opts *c, const dfg_estimator *est, const dfg_table *t,
               const dfg_est_opts *eo, const double *fitted, double n_draw);
/* Run the bootstrap of est with the command-line settings (replicates compute point
 * estimates only), then write --replicates. Returns 0, or the exit code after saying why
 * (130 when interrupted); *res is filled on 0 (release with dfg_boot_result_free). */
int run_boot(common_opts *c, const dfg_estimator *est, const dfg_table *t,
             const dfg_est_opts *eo_in, const double *fitted, dfg_boot_result *res);
/* Bootstrap model m with its fit on ct (dfg_cboot_run with bo): first the checks of
 * boot_guard (memory, and the time from timed replicates, within --max-memory and
 * --max-seconds), then the run with progress on stderr and Ctrl-C. Returns 0 (*res
 * filled: release with dfg_cboot_result_free), or the exit code after saying why (130
 * when interrupted). */
int run_cboot(common_opts *c, const dfg_ctable *ct, const dfg_cmodel *m, const dfg_cfit *fit,
              const size_t *by, size_t n_by, dfg_cboot_opts *bo, dfg_cboot_result *res);
/* A long run of the library: fn(data, cancel, progress, pdata, err) with Ctrl-C setting
 * *cancel and progress on stderr ("what: done/total", in place on a terminal, else a line
 * every 10 s). Returns fn's status, after saying "interrupted: no output written" for
 * DFG_ECANCEL (the caller exits with EXIT_INTERRUPT). */
typedef dfg_status (*cli_watched_fn)(void *data, volatile sig_atomic_t *cancel,
                                     dfg_boot_progress_fn progress, void *pdata, dfg_error *err);
dfg_status cli_watched(const char *what, cli_watched_fn fn, void *data, dfg_error *err);
/* Seconds on the monotonic clock. */
double cli_now(void);
/* s seconds as "12 seconds", "5 minutes", "3.2 hours" or "4 days". */
void say_duration(char *buf, size_t size, double s);
void boot_text(FILE *o, const dfg_boot_result *r, double level);
void boot_json(cJSON *root, const dfg_boot_result *r, double level);

/* ** }====================================================================== */

/* ** {======================================================================
 * Covariates (cli/covariates.c): fit and search over lists and covariates
 * ======================================================================= */

/* fit on a table with covariate columns: -2 when the input has none (the list-only path
 * goes on), else the exit code; run is parsed and its input read (cli_run_load(r, 0)). */
/* The covariate bootstrap's options from the command line's (a seed from the clock when
 * none was given, kept in c for the output). */
dfg_cboot_opts cboot_opts(common_opts *c);
int fit_cov(cli_run *run);
/* search --method step (mse::model_search): the exit code; run as for fit_cov. */
int search_step(cli_run *run);
/* The input of a search over lists and covariates (one stratum when it has no covariate
 * column): 0 (*ct set, run->t the table read), or the exit code after saying why. */
int cov_search_load(cli_run *run, dfg_ctable **ct);
/* search --fixed M with a list search (cli/cmd_em.c): on a file with missing covariate
 * values, *it = its incomplete-data table (run->t set) and 0; -2 when nothing is missing
 * (or --drop-missing: the complete-data path); else the exit code, said. */
int em_search_load(cli_run *run, dfg_itable **it);
/* The EM options of those searches: dfg_em_opts_default (to the maximum), --glm's. */
dfg_em_opts em_search_opts(const common_opts *c);
/* The chosen model m's EM fit into *fit and its totals per level (profile intervals
 * unless --no-level-profile) into *lev, *n_lev. */
dfg_status em_search_totals(const dfg_itable *it, const dfg_cmodel *m, const common_opts *c,
                            dfg_cfit *fit, dfg_level_total **lev, size_t *n_lev, dfg_error *err);
/* The lines the text output adds for such a search (into buf). */
void em_search_lines(const dfg_itable *it, const dfg_search_result *r, char *buf, size_t size);
/* The level totals as fit prints them: an aligned table, and rows of the result
 * (boot: one per level, may be NULL). */
void cov_levels_text(FILE *o, const dfg_level_total *lev, size_t n_lev);
void cov_levels_json(cJSON *rows, const char *model, const char *check, const dfg_level_total *lev,
                     size_t n_lev, const dfg_cboot_row *boot);
/* The block of the bootstrap of the totals: every total's interval and, when the
 * selection was repeated, the models the replicates chose (text; JSON "bootstrap"). */
void cboot_text(FILE *o, const dfg_cboot_result *b);
void cboot_json(cJSON *root, const dfg_cboot_result *b, const common_opts *c);

/* ** }====================================================================== */

#endif
