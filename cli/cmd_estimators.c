/* cli/cmd_estimators.c: darkfig estimators: list the estimators.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <string.h>

int cmd_estimators(int argc, char **argv)
{
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
