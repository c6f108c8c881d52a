/* cli/main.c: the darkfig command: dispatch to one command per file.
 *
 * To add a command NAME:
 *   1. write cli/cmd_NAME.c defining `const cli_command cmd_NAME = {name, args, summary,
 *      about, options, groups, main}` (see cli/cmd_twolist.c for a small one): its own
 *      options are a table (cli.h: cli_option), parsed by cli_parse, which also prints
 *      its --help and its part of the manual page; its result goes through cli_out;
 *   2. declare it on the `extern` line of cli/cli.h and add `&cmd_NAME` to `commands`
 *      below (the order of 'darkfig --help');
 *   3. add cli/cmd_NAME.c to DFG_CLI_SOURCES in CMakeLists.txt.
 * The command sees only the public header darkfig.h (the build offers no other), as
 * Lua's interpreter sees only lua.h, and the commands are listed once, as Lua's
 * libraries are in linit.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <gsl/gsl_errno.h>
#include <string.h>

static const cli_command *const commands[] = {
    &cmd_fit,      &cmd_search, &cmd_twolist,    &cmd_closed, &cmd_check,
    &cmd_estimate, &cmd_batch,  &cmd_estimators, &cmd_dga,    &cmd_em,
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const char ABOUT[] =
    "Estimate a hidden population (the dark figure) from overlapping registrations by\n"
    "multiple-systems estimation and capture-recapture models.\n";
static const char EXIT_CODES[] =
    "Exit codes: 0 success, 1 numerical failure (no convergence, singular information, MLE\n"
    "does not exist), 2 usage error, 3 input error (file, CSV, data; a write that failed),\n"
    "4 internal error or out of memory, 130 interrupted (Ctrl-C; nothing written).\n";

static void main_help(FILE *f)
{
    fprintf(f, "Usage: darkfig COMMAND [options]\n%s\nCommands:\n", ABOUT);
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const cli_command *c = commands[i];
        char head[64];
        snprintf(head, sizeof head, "%s%s%s", c->name, c->args[0] ? " " : "", c->args);
        fprintf(f, "  %-17s ", head);
        for (const char *p = c->summary; *p; p++) {
            fputc(*p, f);
            if (*p == '\n')
                fprintf(f, "%20s", "");
        }
        fputc('\n', f);
    }
    fprintf(f, "  %-17s print the version\n\n'darkfig COMMAND --help' describes a command. %s",
            "version", EXIT_CODES);
}

/* roff text: backslashes and dashes escaped. */
static void roff(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", f);
        else if (*s == '-')
            fputs("\\-", f);
        else if (*s == '\n' && s[1] == '.')
            fputs("\n\\&", f);
        else
            fputc(*s, f);
    }
}

/* The manual page darkfig(1), from the same tables as --help (the build writes it as
 * darkfig.1 and installs it). */
static void man_page(FILE *f)
{
    fprintf(f, ".TH DARKFIG 1 \"\" \"darkfig %s\" \"User Commands\"\n", DFG_VERSION);
    fputs(".SH NAME\ndarkfig \\- multiple-systems estimation of hidden populations\n"
          ".SH SYNOPSIS\n.B darkfig\n.I COMMAND\n.RI [ options ]\n.SH DESCRIPTION\n",
          f);
    roff(f, ABOUT);
    fputs("The input is CSV in one of two shapes told apart by the header: pattern counts (one "
          "0/1 column per list and a count column) or records (one row per person). Errors name "
          "the file, line and field.\n.PP\n"
          "Output goes to stdout (or \\-\\-output FILE) only when the whole run has succeeded. "
          "Text is for people: names holding control characters or bytes that are not UTF\\-8 "
          "are shown with those bytes as \\exNN, as in the messages; JSON gets the same "
          "\\exNN for bytes that are not UTF\\-8; CSV carries the bytes as read.\n"
          ".SH COMMANDS\n",
          f);
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const cli_command *c = commands[i];
        fprintf(f, ".SS \"darkfig %s%s", c->name, c->args[0] ? " " : "");
        roff(f, c->args);
        fputs("\"\n", f);
        roff(f, c->about);
        cli_man_options(f, c);
    }
    fputs(".SS \"darkfig version\"\nPrint the version.\n.SH EXIT STATUS\n", f);
    roff(f, EXIT_CODES);
    fputs(".SH EXAMPLES\nThe recommended analysis of the bundled Dutch data: the stepwise "
          "model search with the bootstrap that repeats the selection in every replicate:\n"
          ".PP\n.EX\ndarkfig search data/netherlands_6.csv \\-\\-bootstrap 1000\n.EE\n"
          ".SH SEE ALSO\nThe README and data/README.md of the source distribution.\n",
          f);
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; the library reports through dfg_status instead */
    gsl_set_error_handler_off();
    cli_json_init();
    if (argc < 2) {
        main_help(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        main_help(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("darkfig %s\n", DFG_VERSION);
        return 0;
    }
    if (strcmp(cmd, "--man") == 0) {
        man_page(stdout);
        return fflush(stdout) == 0 ? 0 : EXIT_INPUT;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(cmd, commands[i]->name) == 0)
            return commands[i]->main(argc - 1, argv + 1);
    cli_say("unknown command '%s'", cmd);
    fputs("Try 'darkfig --help'.\n", stderr);
    return EXIT_USAGE;
}
