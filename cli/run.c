/* cli/run.c: one run of a command, from argv to the printed result: what every command
 * does before and after its own computation.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>

int cli_run_parse(cli_run *r, const cli_command *cmd, void *own, int argc, char **argv)
{
    memset(r, 0, sizeof *r);
    common_init(&r->c, cmd);
    return cli_parse(&r->c, own, argc, argv);
}

int cli_run_load(cli_run *r, int with_table)
{
    int code = cli_input_read(&r->c, &r->in);
    if (code == 0 && with_table)
        code = cli_input_table(&r->c, &r->in, &r->t);
    return code ? code : -1;
}

int cli_run_output(cli_run *r)
{
    int code = cli_out_open(&r->o, &r->c, &r->in, r->t);
    return code ? code : -1;
}

int cli_run_end(cli_run *r, int code)
{
    if (code < 0) {
        code = r->o.text || r->o.root ? cli_out_finish(&r->o, &r->c) : 0;
        if (code == 0)
            code = r->exit_printed;
    }
    cli_out_free(&r->o);
    dfg_table_free(r->t);
    r->t = NULL;
    cli_input_free(&r->in);
    return code;
}

void cli_free_all(void *const *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i]);
}
