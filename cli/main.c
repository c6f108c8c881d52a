/* cli/main.c: the darkfig command: dispatch to one command per file.
 *
 * To add a command NAME:
 *   1. write cli/cmd_NAME.c with `int cmd_NAME(int argc, char **argv)` (argv[0] is the
 *      command's name; return the exit code; see cli/cmd_twolist.c for a small one);
 *   2. declare it in cli/cli.h beside the others;
 *   3. add one line {"NAME", cmd_NAME, "ARGS", "one-line help"} to `commands` below;
 *   4. add cli/cmd_NAME.c to DFG_CLI_SOURCES in CMakeLists.txt.
 * The command sees only the public header darkfig.h (the build offers no other), as
 * Lua's interpreter sees only lua.h and its libraries are listed once in linit.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <gsl/gsl_errno.h>
#include <string.h>

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("darkfig %s\n", DFG_VERSION);
    return 0;
}

typedef struct {
    const char *name;
    cli_command_fn fn;
    const char *args; /* what follows the name in the usage line */
    const char *help; /* one line; a '\n' continues it under the first */
} cli_command;

static const cli_command commands[] = {
    {"fit", cmd_fit, "FILE", "fit a log-linear model: total, dark figure, intervals"},
    {"search", cmd_search, "FILE",
     "model search (stepwise, exhaustive, ...) with existence checks\n"
     "and the spread of N over good models"},
    {"twolist", cmd_twolist, "FILE",
     "Lincoln-Petersen and Chapman on two lists, or one list against\n"
     "the union of the others"},
    {"closed", cmd_closed, "FILE",
     "Rcapture's closed-population table (M0, Mt, Mh, Mth, Mb, Mbh)\n"
     "and the frequency estimators (Chao, Zelterman)"},
    {"check", cmd_check, "FILE", "hold out each list in turn: estimated against known list sizes"},
    {"estimate", cmd_estimate, "FILE",
     "any estimator of the list below, with the bootstrap if asked"},
    {"estimators", cmd_estimators, "", "list the estimators"},
    {"version", cmd_version, "", "print the version"},
};

static void main_help(FILE *f)
{
    fputs("Usage: darkfig COMMAND [options]\n"
          "Estimate a hidden population (the dark figure) from overlapping registrations by\n"
          "multiple-systems estimation and capture-recapture models.\n\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        const cli_command *c = &commands[i];
        char head[64];
        snprintf(head, sizeof head, "%s%s%s", c->name, c->args[0] ? " " : "", c->args);
        fprintf(f, "  %-17s ", head);
        for (const char *p = c->help; *p; p++) {
            fputc(*p, f);
            if (*p == '\n')
                fprintf(f, "%20s", "");
        }
        fputc('\n', f);
    }
    fputs("\n'darkfig COMMAND --help' describes a command. Exit codes: 0 success, 1 numerical\n"
          "failure (no convergence, singular information, MLE does not exist), 2 usage error,\n"
          "3 input error (file, CSV, data), 4 internal error or out of memory.\n",
          f);
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; the library reports through dfg_status instead */
    gsl_set_error_handler_off();
    if (argc < 2) {
        main_help(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        main_help(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0)
        return cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "darkfig: unknown command '%s'\nTry 'darkfig --help'.\n", cmd);
    return EXIT_USAGE;
}
