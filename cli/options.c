/* cli/options.c: one table-driven option parser over getopt_long.
 *
 * Every option is one row {name, kind, destination, limits, choices, help} (cli.h), as
 * redis declares its settings once with their bounds. The same rows parse argv, check
 * the values (a bad value is a usage error naming the option and its limits), print
 * --help and the manual page, and record the options in the CSV and JSON provenance, so
 * that a limit cannot differ between the parser, the help and the documentation. The
 * limits the library also enforces are its DFG_MAX_* constants (darkfig.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE /* getopt_long */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ** {======================================================================
 * The shared tables
 * ======================================================================= */

static const cli_choice format_choices[] = {
    {"text", FMT_TEXT}, {"csv", FMT_CSV}, {"json", FMT_JSON}, {NULL, 0}};
static const cli_choice boot_type_choices[] = {
    {"nonparametric", DFG_BOOT_NONPARAMETRIC}, {"parametric", DFG_BOOT_PARAMETRIC}, {NULL, 0}};
static const cli_choice interval_choices[] = {
    {"bca", DFG_CI_BCA}, {"percentile", DFG_CI_PERCENTILE}, {NULL, 0}};
const cli_choice CLI_CI_CHOICES[] = {
    {"profile", DFG_CI_PROFILE}, {"lognormal", DFG_CI_LOGNORMAL}, {"none", DFG_CI_NONE}, {NULL, 0}};

/* The limit on the memory of a run: reading the input into memory, the bootstrap's
 * replicates. Large enough for a 1 GB file; a line that never ends (/dev/zero) stops
 * here. */
#define DEFAULT_MAX_MEMORY_MB 2048.0

static const cli_option input_options[] = {
    OPT_STR("lists", "A,B,C", common_opts, csv.lists,
            "the list columns (others are kept as covariates); default: every column but the "
            "count column"),
    OPT_STR("count", "NAME", common_opts, csv.count,
            "the count column of a pattern-count file (default: count); a file without it is read "
            "as one row per person"),
    OPT_NUM("max-memory", "MB", OPT_DOUBLE, common_opts, max_memory, 1, UNBOUNDED, 0,
            "the most memory, in MB, the input (read whole into memory) and the bootstrap's "
            "replicates may take (default 2048)"),
    OPT_END};

static const cli_option output_options[] = {
    OPT_NUM("level", "L", OPT_DOUBLE, common_opts, est.level, 0, 1, OPEN_BOTH,
            "interval level (default 0.95)"),
    OPT_ONE_OF("format", "F", common_opts, format, format_choices,
               "text (default) for people; csv and json carry every digit (the shortest decimal "
               "that reads back as the same double) and the provenance: version, SHA-256 of the "
               "input, every option. Not-a-number and infinite values are NA in CSV, null in JSON"),
    OPT_STR("output", "FILE", common_opts, output,
            "write the result to FILE instead of stdout (through a temporary file renamed when "
            "complete; never onto the input or a file that is not a regular file)"),
    OPT_END};

static const cli_option fitting_options[] = {
    OPT_NUM("tol", "T", OPT_DOUBLE, common_opts, est.glm.tol, 0, 1, OPEN_LO,
            "converged when |D_k - D_{k-1}| / (|D_k| + 0.1) < T, D the deviance (R glm.fit's "
            "rule; default 1e-10)"),
    OPT_NUM("max-iter", "N", OPT_INT, common_opts, est.glm.max_iter, 1, DFG_MAX_ITER, 0,
            "IRLS iterations before giving up (default 100)"),
    OPT_END};

static const cli_option boot_options[] = {
    OPT_NUM("bootstrap", "B", OPT_SIZE, common_opts, boot.B, 2, DFG_MAX_REPLICATES, 0,
            "B replicates, each rerunning the whole estimator, its model selection included "
            "(none by default)"),
    OPT_ONE_OF(
        "boot-type", "T", common_opts, boot.type, boot_type_choices,
        "nonparametric (default): multinomial of size n over the observed cells; parametric: "
        "multinomial of size N-hat over all cells with the fitted probabilities (Buckland & "
        "Garthwaite 1991)"),
    OPT_ONE_OF(
        "interval", "I", common_opts, boot.interval, interval_choices,
        "bca (default; DiCiccio & Efron 1996, acceleration from the delete-one jackknife) or "
        "percentile"),
    OPT_SEED(common_opts, boot.seed,
             "replicate b uses stream (S, b), so the digits do not depend on --threads; default: "
             "chosen from the clock, printed"),
    OPT_THREADS(common_opts, boot.threads,
                "worker threads of the bootstrap and the exhaustive search (default 1; the same "
                "digits on any number)"),
    OPT_STR("replicates", "FILE", common_opts, boot.replicates,
            "write every replicate's N and chosen model to FILE (CSV)"),
    OPT_MAX_SECONDS(common_opts, boot.max_seconds,
                    "refuse a bootstrap estimated (from a few timed replicates) to take longer "
                    "than S seconds (default 600)"),
    OPT_END};

/* Models over lists and covariates (fit, search --method step and --fixed): the command
 * refuses the ones its mode does not read. */
static const cli_option covariate_options[] = {
    OPT_NUM("max-strata", "S", OPT_SIZE, common_opts, cov.max_strata, 1, 100000000, 0,
            "with covariates: refuse inputs with more than S covariate combinations (default "
            "100000)"),
    OPT_SWITCH("drop-missing", common_opts, cov.drop_missing,
               "with covariates: drop the rows with a missing covariate value (\"\" or NA) with a "
               "note (default: the EM of darkfig em fits the incomplete covariates)"),
    OPT_SWITCH("no-level-profile", common_opts, cov.no_level_profile,
               "with covariates: skip the profile-likelihood intervals of the level totals (of "
               "fit, and of the model search --fixed chooses)"),
    OPT_TREND(common_opts, cov.trend,
              "with covariates (fit, search --method step): covariate C (numeric, e.g. year=2) as "
              "an orthogonal polynomial of degree D in every term that holds it, as R's poly(C, D) "
              "in mse::model_search(degree_year = D); D below C's number of distinct values (D = "
              "that number - 1 is the factor's fit); the totals stay per value of C"),
    OPT_STR("by", "C1[,C2]", common_opts, cov.by,
            "with covariates (fit, search --method step or --fixed): totals per level of these "
            "covariates crossed, e.g. minor,sex (default: per level of each covariate on its "
            "own)"),
    OPT_END};

static const struct {
    unsigned bit;
    const char *title;
    const cli_option *opts;
} groups[] = {
    {CLI_BOOT, "Bootstrap", boot_options},
    {CLI_INPUT, "Input", input_options},
    {CLI_OUTPUT, "Output", output_options},
    {CLI_FITTING, "Fitting", fitting_options},
    {CLI_COVARIATES, "Covariates", covariate_options},
};
#define N_GROUPS (sizeof groups / sizeof groups[0])

void common_init(common_opts *c, const cli_command *cmd)
{
    memset(c, 0, sizeof *c);
    c->cmd = cmd;
    c->csv = dfg_csv_opts_default();
    c->est = dfg_est_opts_default();
    c->format = FMT_TEXT;
    c->max_memory = DEFAULT_MAX_MEMORY_MB;
    dfg_boot_opts bo = dfg_boot_opts_default();
    c->boot.type = (int)bo.type;
    c->boot.interval = (int)bo.interval;
    c->boot.seed = bo.seed;
    c->boot.threads = bo.threads;
    c->boot.max_seconds = DEFAULT_MAX_SECONDS;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Limits and values
 * ======================================================================= */

const char *cli_choice_name(const cli_choice *choices, int value)
{
    for (const cli_choice *ch = choices; ch && ch->name; ch++)
        if (ch->value == value)
            return ch->name;
    return NULL;
}

/* The limits of o as words: "in 2..4294967294", "in (0, 1)", "> 0", "one of a, b or c";
 * "" for strings and flags. */
static void limits_text(const cli_option *o, char *buf, size_t size)
{
    buf[0] = '\0';
    switch (o->kind) {
    case OPT_INT:
    case OPT_SIZE:
    case OPT_U32:
        snprintf(buf, size, "an integer in %.0f..%.0f", o->lo, o->hi);
        break;
    case OPT_DOUBLE:
        if (o->open == OPEN_LO && o->hi >= UNBOUNDED)
            snprintf(buf, size, "a number > %g", o->lo);
        else if (o->hi >= UNBOUNDED)
            snprintf(buf, size, "a number >= %g", o->lo);
        else
            snprintf(buf, size, "a number in %c%g, %g%c", o->open & OPEN_LO ? '(' : '[', o->lo,
                     o->hi, o->open & OPEN_HI ? ')' : ']');
        break;
    case OPT_CHOICE: {
        size_t used = 0, n = 0;
        while (o->choices[n].name)
            n++;
        for (size_t i = 0; i < n && used < size; i++) {
            int w = snprintf(buf + used, size - used, "%s%s",
                             i == 0 ? "" : (i + 1 == n ? " or " : ", "), o->choices[i].name);
            if (w < 0)
                break;
            used += (size_t)w;
        }
        break;
    }
    default:
        break;
    }
}

static int parse_integer(const char *s, double lo, double hi, unsigned long long *out)
{
    char *end;
    if (!(*s >= '0' && *s <= '9')) /* no sign, no space: strtoull would take "-1" */
        return 0;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0' || errno == ERANGE || (double)v < lo || (double)v > hi)
        return 0;
    *out = v;
    return 1;
}

/* Store the value v of option o at base + o->dst: 0, or 2 after saying why. */
static int set_value(const char *cmd, const cli_option *o, char *base, const char *v)
{
    void *dst = base + o->dst;
    unsigned long long u = 0;
    char lim[256];
    switch (o->kind) {
    case OPT_FLAG:
        *(int *)dst = 1;
        return 0;
    case OPT_STRING:
        *(const char **)dst = v;
        return 0;
    case OPT_INT:
    case OPT_SIZE:
    case OPT_U32:
        if (!parse_integer(v, o->lo, o->hi, &u))
            break;
        if (o->kind == OPT_INT)
            *(int *)dst = (int)u;
        else if (o->kind == OPT_SIZE)
            *(size_t *)dst = (size_t)u;
        else
            *(uint32_t *)dst = (uint32_t)u;
        return 0;
    case OPT_DOUBLE: {
        char *end;
        errno = 0;
        double d = strtod(v, &end);
        if (end == v || *end != '\0' || errno == ERANGE || !isfinite(d))
            break;
        if ((o->open & OPEN_LO ? !(d > o->lo) : !(d >= o->lo)) ||
            (o->open & OPEN_HI ? !(d < o->hi) : !(d <= o->hi)))
            break;
        *(double *)dst = d;
        return 0;
    }
    case OPT_CHOICE:
        for (const cli_choice *ch = o->choices; ch->name; ch++)
            if (strcmp(ch->name, v) == 0) {
                *(int *)dst = ch->value;
                return 0;
            }
        break;
    }
    limits_text(o, lim, sizeof lim);
    return usage_error(cmd, "--%s must be %s (got \"%s\")", o->name, lim, v);
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Parsing
 * ======================================================================= */

typedef struct {
    const cli_option *opt;
    char *base;
} slot;

/* The options of the command: its own, then its shared groups. Returns how many
 * (slots has room for all). */
static size_t collect(const cli_command *cmd, common_opts *c, void *own, slot *slots)
{
    size_t n = 0;
    for (const cli_option *o = cmd->own; o && o->name; o++)
        slots[n++] = (slot){o, own};
    for (size_t g = 0; g < N_GROUPS; g++)
        if (cmd->groups & groups[g].bit)
            for (const cli_option *o = groups[g].opts; o->name; o++)
                slots[n++] = (slot){o, (char *)c};
    return n;
}

static size_t count_options(const cli_command *cmd)
{
    size_t n = 0;
    for (const cli_option *o = cmd->own; o && o->name; o++)
        n++;
    for (size_t g = 0; g < N_GROUPS; g++)
        if (cmd->groups & groups[g].bit)
            for (const cli_option *o = groups[g].opts; o->name; o++)
                n++;
    return n;
}

/* What getopt_long's answer ch (not an option of the table) means: -1 to go on, or the
 * exit code. */
static int getopt_answer(const cli_command *cmd, int ch, const char *arg, const slot *slots,
                         size_t n)
{
    if (ch == 'h') {
        cli_help(stdout, cmd);
        return 0;
    }
    if (ch == ':')
        return usage_error(cmd->name, "option %s needs a value", arg);
    /* '?': glibc sets optopt to the option's value when a flag was given a value */
    if (optopt >= 256 && (size_t)(optopt - 256) < n)
        return usage_error(cmd->name, "option --%s takes no value", slots[optopt - 256].opt->name);
    if (optopt != 0)
        return usage_error(cmd->name, "unknown option -%c", optopt);
    return usage_error(cmd->name, "unknown option %s", arg);
}

/* The operands left by getopt_long: FILE, when the command takes one. */
static int operands(common_opts *c, int argc, char **argv)
{
    if (strstr(c->cmd->args, "...")) { /* any number: the command checks them */
        c->operands = argv + optind;
        c->n_operands = (size_t)(argc - optind);
        c->file = optind < argc ? argv[optind] : NULL;
        return -1;
    }
    const char *cmd = c->cmd->name;
    if (!c->cmd->args[0])
        return optind < argc ? usage_error(cmd, "unexpected argument %s", argv[optind]) : -1;
    if (optind >= argc)
        return usage_error(cmd, "missing input FILE");
    if (optind + 1 < argc)
        return usage_error(cmd, "one input file only (got %s and %s)", argv[optind],
                           argv[optind + 1]);
    c->file = argv[optind];
    return -1;
}

int cli_parse(common_opts *c, void *own, int argc, char **argv)
{
    size_t n = count_options(c->cmd);
    slot *slots = malloc((n + 1) * sizeof *slots);
    struct option *lo = malloc((n + 2) * sizeof *lo);
    int code = -1;
    if (!slots || !lo) {
        cli_say("out of memory");
        code = EXIT_INTERNAL;
        goto done;
    }
    c->own_base = own;
    collect(c->cmd, c, own, slots);
    for (size_t i = 0; i < n; i++)
        lo[i] = (struct option){slots[i].opt->name,
                                slots[i].opt->kind == OPT_FLAG ? no_argument : required_argument,
                                NULL, 256 + (int)i};
    lo[n] = (struct option){"help", no_argument, NULL, 'h'};
    lo[n + 1] = (struct option){NULL, 0, NULL, 0};
    optind = 0; /* glibc: start afresh */
    opterr = 0;
    int ch;
    while (code < 0 && (ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        if (ch < 256) {
            code = getopt_answer(c->cmd, ch, argv[optind - 1], slots, n);
            continue;
        }
        const slot *s = &slots[ch - 256];
        if ((code = set_value(c->cmd->name, s->opt, s->base, optarg)) == 0)
            code = -1;
        if (s->base == (char *)c && s->opt->dst == offsetof(common_opts, boot.seed))
            c->seed_given = 1;
    }
    if (code < 0)
        code = operands(c, argc, argv);
done:
    free(slots);
    free(lo);
    return code;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Help, manual page, provenance
 * ======================================================================= */

#define HELP_WIDTH 88
#define HELP_INDENT 20

/* Write text word-wrapped from column `col` (already reached) to HELP_WIDTH, continuing
 * lines at HELP_INDENT. */
static void wrap(FILE *f, const char *text, size_t col)
{
    const char *p = text;
    while (*p) {
        const char *w = p;
        while (*w == ' ')
            w++;
        const char *e = w;
        while (*e && *e != ' ')
            e++;
        size_t len = (size_t)(e - w);
        if (col > HELP_INDENT && col + 1 + len > HELP_WIDTH) {
            fprintf(f, "\n%*s", HELP_INDENT, "");
            col = HELP_INDENT;
        } else if (col > HELP_INDENT) {
            fputc(' ', f);
            col++;
        }
        fwrite(w, 1, len, f);
        col += len;
        p = e;
    }
    fputc('\n', f);
}

static void help_option(FILE *f, const cli_option *o)
{
    char head[64], lim[256], text[1024];
    snprintf(head, sizeof head, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
    limits_text(o, lim, sizeof lim);
    if (lim[0])
        snprintf(text, sizeof text, "%s. %s: %s", o->help, o->arg, lim);
    else
        snprintf(text, sizeof text, "%s", o->help);
    int w = fprintf(f, "  %-17s", head);
    if (w > HELP_INDENT - 1) {
        fprintf(f, "\n%*s", HELP_INDENT, "");
        w = HELP_INDENT;
    } else {
        fputc(' ', f);
        w = HELP_INDENT;
    }
    wrap(f, text, (size_t)w);
}

void cli_help(FILE *f, const cli_command *cmd)
{
    fprintf(f, "Usage: darkfig %s%s%s [options]\n%s\n", cmd->name, cmd->args[0] ? " " : "",
            cmd->args, cmd->about);
    if (cmd->own && cmd->own->name) {
        fputs("Options:\n", f);
        for (const cli_option *o = cmd->own; o->name; o++)
            help_option(f, o);
    }
    for (size_t g = 0; g < N_GROUPS; g++) {
        if (!(cmd->groups & groups[g].bit))
            continue;
        fprintf(f, "%s:\n", groups[g].title);
        for (const cli_option *o = groups[g].opts; o->name; o++)
            help_option(f, o);
    }
    fputs("  --help, -h        this help\n", f);
}

/* Text for roff: backslashes and leading dots or quotes escaped. */
static void roff(FILE *f, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", f);
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", f);
        else if (*s == '-')
            fputs("\\-", f);
        else
            fputc(*s, f);
    }
}

static void man_option(FILE *f, const cli_option *o)
{
    char lim[256];
    fputs(".TP\n.BI \"", f);
    roff(f, "--");
    roff(f, o->name);
    fputs("\"", f);
    if (o->arg) {
        fputs(" \" ", f);
        roff(f, o->arg);
        fputs("\"", f);
    }
    fputc('\n', f);
    roff(f, o->help);
    limits_text(o, lim, sizeof lim);
    if (lim[0]) {
        fputs(". ", f);
        roff(f, o->arg);
        fputs(": ", f);
        roff(f, lim);
    }
    fputs(".\n", f);
}

void cli_man_options(FILE *f, const cli_command *cmd)
{
    for (const cli_option *o = cmd->own; o && o->name; o++)
        man_option(f, o);
    for (size_t g = 0; g < N_GROUPS; g++)
        if (cmd->groups & groups[g].bit) {
            fprintf(f, ".PP\n%s options:\n", groups[g].title);
            for (const cli_option *o = groups[g].opts; o->name; o++)
                man_option(f, o);
        }
}

/* An option in the provenance: its name with '_' for '-' (max_iter: a column name R and
 * pandas keep as it is), its value. */
static void option_json(cJSON *obj, const cli_option *opt, const char *base)
{
    const void *v = base + opt->dst;
    char key[64];
    snprintf(key, sizeof key, "%s", opt->name);
    for (char *p = key; *p; p++)
        if (*p == '-')
            *p = '_';
    cli_option o1 = *opt;
    const cli_option *o = &o1;
    o1.name = key;
    switch (o->kind) {
    case OPT_FLAG:
        jbool(obj, o->name, *(const int *)v);
        break;
    case OPT_STRING:
        if (*(const char *const *)v)
            jstr(obj, o->name, *(const char *const *)v);
        else
            cJSON_AddNullToObject(obj, o->name);
        break;
    case OPT_INT:
        jnum(obj, o->name, (double)*(const int *)v);
        break;
    case OPT_SIZE:
        jnum(obj, o->name, (double)*(const size_t *)v);
        break;
    case OPT_U32:
        jnum(obj, o->name, (double)*(const uint32_t *)v);
        break;
    case OPT_DOUBLE:
        jnum(obj, o->name, *(const double *)v);
        break;
    case OPT_CHOICE:
        if (cli_choice_name(o->choices, *(const int *)v)) /* else: the default, not a choice */
            jstr(obj, o->name, cli_choice_name(o->choices, *(const int *)v));
        else
            cJSON_AddNullToObject(obj, o->name);
        break;
    }
}

void cli_options_json(cJSON *obj, const common_opts *c)
{
    const cli_command *cmd = c->cmd;
    for (const cli_option *o = cmd->own; o && o->name; o++)
        option_json(obj, o, c->own_base);
    for (size_t g = 0; g < N_GROUPS; g++)
        if (cmd->groups & groups[g].bit)
            for (const cli_option *o = groups[g].opts; o->name; o++)
                option_json(obj, o, (const char *)c);
}

/* ** }====================================================================== */

int cli_mcmc_draws(size_t chains, size_t samples, size_t strata, double max_memory)
{
    /* N, alpha and the occupied classes of every draw, and with strata the total's N */
    double draws = (double)strata * (double)chains * (double)samples;
    double mb =
        (draws * 24.0 + (strata > 1 ? (double)chains * (double)samples * 8.0 : 0.0)) / 1048576.0;
    if (mb <= max_memory)
        return 0;
    cli_say("--samples %zu x --chains %zu%s would hold about %.0f MB of draws, above "
            "--max-memory %g: raise --max-memory or keep fewer draws (a larger --thin)",
            samples, chains, strata > 1 ? " x strata" : "", mb, max_memory);
    return EXIT_USAGE;
}

int cli_mcmc_length(const char *cmd, const dfg_est_opts *len, const dfg_estimator *est,
                    double max_memory)
{
    if (!MCMC_LENGTH_SET(*len))
        return 0;
    if (strcmp(est->name, "lcmcr") != 0)
        return usage_error(cmd,
                           "--chains, --burnin, --samples, --thin apply to --estimator lcmcr, "
                           "not %s",
                           est->name);
    dfg_lcmcr_opts d = dfg_lcmcr_opts_default();
    return cli_mcmc_draws(len->mcmc_chains ? len->mcmc_chains : d.chains,
                          len->mcmc_samples ? len->mcmc_samples : d.samples, 1, max_memory);
}

const dfg_estimator *cli_estimator(const char *cmd, const char *name, int *code)
{
    const dfg_estimator *est = name ? dfg_estimator_find(name) : NULL;
    if (est)
        return est;
    char names[1024] = "";
    size_t used = 0, n = dfg_estimator_count();
    for (size_t i = 0; i < n && used < sizeof names; i++) {
        int w = snprintf(names + used, sizeof names - used, "%s%s",
                         i == 0 ? "" : (i + 1 == n ? " or " : ", "), dfg_estimator_at(i)->name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (!name)
        *code =
            usage_error(cmd, "--estimator NAME is required: %s (see 'darkfig estimators')", names);
    else
        *code = usage_error(cmd, "--estimator must be %s (got \"%s\")", names, name);
    return NULL;
}
