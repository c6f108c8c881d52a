/* cli/cmd_estimators.c: darkfig estimators: list the estimators.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

static int estimators_main(int argc, char **argv);

const cli_command cmd_estimators = {"estimators",
                                    "",
                                    "list the estimators",
                                    "List the estimators darkfig offers (used by check, estimate "
                                    "and the bootstrap).\n",
                                    NULL,
                                    0,
                                    estimators_main};

static int estimators_main(int argc, char **argv)
{
    cli_run run;
    int code = cli_run_parse(&run, &cmd_estimators, NULL, argc, argv);
    if (code >= 0)
        return cli_run_end(&run, code);
    for (size_t i = 0; i < dfg_estimator_count(); i++) {
        const dfg_estimator *e = dfg_estimator_at(i);
        printf("%-16s %s\n", e->name, e->summary);
    }
    return 0;
}
