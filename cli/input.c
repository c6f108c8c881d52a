/* cli/input.c: the input, read once.
 *
 * FILE is read whole into memory, once: the SHA-256 in the provenance is the hash of
 * the bytes parsed, and a pipe (cat f.csv | darkfig fit /dev/stdin) works like a file
 * (reading it twice would hash an empty second read). The read stops at --max-memory,
 * so an endless input (/dev/zero) is an error, not a machine out of memory.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Read f (path) to its end into *out (NUL-terminated, *len bytes), at most cap bytes
 * (--max-memory mb). 0 or the exit code after saying why. */
static int read_all(FILE *f, const char *path, size_t cap, double mb, char **out, size_t *len)
{
    size_t size = 0, n = 0;
    size_t line = 1, run = 0; /* physical line, bytes since its start */
    char *buf = NULL;
    for (;;) {
        if (n + 1 >= size) { /* grow by doubling, up to cap + 1 (the byte beyond the cap) */
            if (n >= cap) {
                free(buf);
                cli_say("%s: more than --max-memory %g MB of input: raise it to read more", path,
                        mb);
                return EXIT_INPUT;
            }
            size_t ns = size ? 2 * size : 65536;
            char *nb = realloc(buf, ns > cap + 1 ? cap + 1 : ns);
            if (!nb) {
                free(buf);
                cli_say("%s: out of memory after %zu bytes", path, n);
                return EXIT_INTERNAL;
            }
            buf = nb;
            size = ns > cap + 1 ? cap + 1 : ns;
        }
        size_t want = size - 1 - n, got = fread(buf + n, 1, want, f);
        /* the reader's bound on a physical line, checked as the bytes arrive: an input that
         * never ends a line (/dev/zero) stops here, not at --max-memory */
        for (size_t i = n; i < n + got; i++) {
            if (buf[i] == '\n') {
                line++;
                run = 0;
            } else if (++run > DFG_CSV_MAX_LINE && buf[i] != '\r') {
                free(buf);
                cli_say("%s:%zu:1: line longer than %zu bytes", path, line,
                        (size_t)DFG_CSV_MAX_LINE);
                return EXIT_INPUT;
            }
        }
        n += got;
        if (got < want && ferror(f)) {
            free(buf);
            cli_say("%s: read error (%s)", path, strerror(errno));
            return EXIT_INPUT;
        }
        if (got < want)
            break; /* end of file */
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

int cli_input_read(const common_opts *c, cli_input *in)
{
    memset(in, 0, sizeof *in);
    in->path = c->file;
    double cap = c->max_memory * 1048576.0;
    FILE *f = fopen(c->file, "rb");
    if (!f) {
        cli_say("%s: cannot open (%s)", c->file, strerror(errno));
        return EXIT_INPUT;
    }
    struct stat st;
    int code = 0;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        cli_say("%s: is a directory", c->file);
        code = EXIT_INPUT;
    } else if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (double)st.st_size > cap) {
        cli_say("%s: %.0f MB, above the limit of --max-memory %g (MB): raise it to read this file",
                c->file, (double)st.st_size / 1048576.0, c->max_memory);
        code = EXIT_INPUT;
    } else {
        cli_note_input(c->file);
        code = read_all(f, c->file, (size_t)cap, c->max_memory, &in->buf, &in->len);
    }
    fclose(f);
    if (code == 0)
        dfg_sha256_buffer(in->buf, in->len, in->sha);
    return code;
}

void cli_input_free(cli_input *in)
{
    free(in->buf);
    in->buf = NULL;
    in->len = 0;
}

const char *cli_input_body(const cli_input *in, size_t *len)
{
    const unsigned char *b = (const unsigned char *)in->buf;
    if (in->len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        *len = in->len - 3;
        return in->buf + 3;
    }
    *len = in->len;
    return in->buf;
}

/* The next header field at *p (quoted or not, spaces around it dropped) into buf; the
 * position after it and its comma. 0 when the line ends first. */
static int header_field(const char **p, const char *end, char *buf, size_t size)
{
    const char *s = *p;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (s >= end || *s == '\n' || *s == '\r')
        return 0;
    size_t n = 0;
    if (*s == '"') {
        for (s++; s < end && !(*s == '"' && !(s + 1 < end && s[1] == '"')); s++) {
            if (*s == '"')
                s++;
            if (n + 1 < size)
                buf[n++] = *s;
        }
        if (s < end)
            s++;
    } else {
        for (; s < end && *s != ',' && *s != '\n' && *s != '\r'; s++)
            if (n + 1 < size)
                buf[n++] = *s;
        while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
            n--;
    }
    buf[n] = '\0';
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (s < end && *s == ',')
        s++;
    *p = s;
    return 1;
}

int cli_input_is_freq(const cli_input *in)
{
    size_t len;
    const char *p = cli_input_body(in, &len), *end = p + len;
    char a[16], b[16], c[16];
    if (!header_field(&p, end, a, sizeof a) || !header_field(&p, end, b, sizeof b))
        return 0;
    return strcmp(a, "nbcap") == 0 && strcmp(b, "count") == 0 &&
           !header_field(&p, end, c, sizeof c);
}

int cli_input_table(const common_opts *c, const cli_input *in, dfg_table **t)
{
    dfg_error err = {0};
    dfg_status rc = dfg_table_read_csv_buffer(in->path, in->buf, in->len, &c->csv, t, &err);
    if (rc != DFG_OK)
        return fail(&err, rc);
    if (dfg_table_n_strata(*t) > 1) {
        cli_say("note: %s: %zu strata (distinct values of the columns that are not lists) "
                "summed into one table",
                in->path, dfg_table_n_strata(*t));
        dfg_table *one = dfg_table_collapse(*t, &err);
        dfg_table_free(*t);
        *t = one;
        if (!one)
            return fail(&err, err.code);
    }
    return 0;
}

int cli_input_table_by(const common_opts *c, const cli_input *in, int by, const char *by_hint,
                       dfg_table **t)
{
    size_t len;
    const char *body = cli_input_body(in, &len);
    dfg_error err = {0};
    dfg_status rc = dfg_table_read_csv_buffer(in->path, body, len, &c->csv, t, &err);
    if (rc != DFG_OK)
        return fail(&err, rc);
    if (!by && dfg_table_n_strata(*t) > 1) {
        cli_say("note: %s: %zu strata (distinct values of the columns that are not lists) "
                "summed into one table; %s",
                in->path, dfg_table_n_strata(*t), by_hint);
        dfg_table *one = dfg_table_collapse(*t, &err);
        dfg_table_free(*t);
        *t = one;
        if (!one)
            return fail(&err, err.code);
    }
    return 0;
}

void cli_stratum_name(const dfg_table *t, size_t s, int by, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    if (!by || dfg_table_n_cov(t) == 0) {
        snprintf(buf, size, "all");
        return;
    }
    for (size_t c = 0; c < dfg_table_n_cov(t) && used < size; c++) {
        int w = snprintf(buf + used, size - used, "%s%s=%s", c ? ", " : "",
                         dfg_table_cov_name(t, c), dfg_table_stratum_value(t, s, c));
        if (w < 0)
            return;
        used += (size_t)w;
    }
}

int cli_find_list(const dfg_table *t, const char *s)
{
    size_t k = dfg_table_k(t);
    for (size_t j = 0; j < k; j++)
        if (strcmp(dfg_table_list_name(t, j), s) == 0)
            return (int)j;
    char *end;
    long n = strtol(s, &end, 10);
    if (end != s && *end == '\0' && n >= 1 && (size_t)n <= k)
        return (int)n - 1;
    return -1;
}

void cli_list_names(const dfg_table *t, char *buf, size_t size)
{
    size_t k = dfg_table_k(t), used = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < k && used < size; j++) {
        int w = snprintf(buf + used, size - used, "%s%s",
                         j == 0 ? "" : (j + 1 == k ? " and " : ", "), dfg_table_list_name(t, j));
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

int cli_model_parse(const char *option, const char *model, const dfg_table *t, dfg_model *m)
{
    dfg_error err = {0};
    dfg_status rc = dfg_model_parse(model ? model : "", t, m, &err);
    if (rc == DFG_OK)
        return 0;
    if (rc == DFG_ENOMEM)
        return fail(&err, rc);
    cli_say("%s %s: %s", option, model ? model : "", err.msg[0] ? err.msg : dfg_strerror(rc));
    return EXIT_USAGE;
}
