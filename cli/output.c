/* cli/output.c: messages, exit codes and the writers of text, CSV and JSON values.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ** {======================================================================
 * Messages and exit codes
 * ======================================================================= */

int exit_code(dfg_status rc)
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

int fail(const dfg_error *err, dfg_status rc)
{
    if (err && err->code != DFG_OK && err->where[0])
        fprintf(stderr, "darkfig: %s: %s\n", err->where, err->msg[0] ? err->msg : dfg_strerror(rc));
    else if (err && err->msg[0])
        fprintf(stderr, "darkfig: %s\n", err->msg);
    else
        fprintf(stderr, "darkfig: %s\n", dfg_strerror(rc));
    return exit_code(rc);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "darkfig %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'darkfig %s --help'.\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

void json_string(FILE *f, const char *s)
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
void json_number(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.17g", x);
    else
        fputs("null", f);
}

/* A CSV field, quoted when it holds a comma, quote or newline. */
void csv_string(FILE *f, const char *s)
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

void csv_number(FILE *f, double x)
{
    if (isnan(x))
        fputs("NA", f);
    else if (isinf(x))
        fputs(x > 0 ? "Inf" : "-Inf", f);
    else
        fprintf(f, "%.17g", x);
}

/* The name of a model term: list names joined by ':'. */
void term_name(const dfg_table *t, uint32_t term, char *buf, size_t size)
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

/* Open it: 0, or the exit code after saying why. */
int out_open(out_buf *ob)
{
    if (!(ob->f = open_memstream(&ob->buf, &ob->len))) {
        fprintf(stderr, "darkfig: out of memory\n");
        return EXIT_INTERNAL;
    }
    return 0;
}

/* Close it and write it to stdout: the exit code. */
int out_flush(out_buf *ob)
{
    fclose(ob->f);
    ob->f = NULL;
    return flush_output(ob->buf, ob->len);
}

/* Release it, flushed or not (error paths). */
void out_free(out_buf *ob)
{
    if (ob->f)
        fclose(ob->f);
    free(ob->buf);
    ob->f = NULL;
    ob->buf = NULL;
}
