/* cli/output.c: messages, exit codes, and the one writer of the results.
 *
 * A command describes its result once, as a cJSON tree (jnum, jstr, ... below). JSON is
 * that tree printed by cJSON; CSV is the same tree flattened (below), so both carry the
 * same values and neither can drop a part the other prints. Text, the layout for
 * people, is written by each command into a memory stream.
 *
 * Why cJSON (libcjson-dev): one small C file, in Debian 12 (1.7.15), escapes control
 * characters, and prints the shortest of %.15g / %.17g that reads back as the same
 * double (0.95 rather than 0.94999999999999996), which the CSV numbers below follow.
 *
 * Strings: a list name or path may hold bytes that are not UTF-8 (a spreadsheet saved
 * as Latin-1) or control characters. Terminal messages and text output write such bytes
 * as \xNN (cli_escape). JSON must be UTF-8: its strings keep control characters (cJSON
 * writes them as \u00NN) and get the bad bytes as the same four characters \xNN, so
 * that a name reads the same in every output. CSV carries the bytes as read.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
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
    case DFG_ECANCEL:
        return EXIT_INTERRUPT;
    default:
        return EXIT_INTERNAL;
    }
}

/* The length of the UTF-8 sequence at s (at most n bytes), 0 when it is not one:
 * overlong forms, surrogates and code points above U+10FFFF are not (RFC 3629). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    unsigned cp = c & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* Escape into out (room for 4 * len + 1) or count: bad bytes always, control characters
 * (but '\n' when keep_newline) when ctl. Returns the length written. */
static size_t escape_into(const char *s, size_t len, int ctl, int keep_newline, char *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t l = utf8_len(p + i, len - i);
        int bad = l == 0 || (ctl && l == 1 && (p[i] < 0x20 || p[i] == 0x7F) &&
                             !(keep_newline && p[i] == '\n'));
        if (bad) {
            if (out)
                snprintf(out + o, 5, "\\x%02X", p[i]);
            o += 4;
            i++;
        } else {
            if (out)
                memcpy(out + o, p + i, l);
            o += l;
            i += l;
        }
    }
    if (out)
        out[o] = '\0';
    return o;
}

char *cli_escape(const char *s, size_t len, int keep_newline, size_t *out_len)
{
    char *out = malloc(4 * len + 1);
    if (!out)
        return NULL;
    size_t n = escape_into(s, len, 1, keep_newline, out);
    if (out_len)
        *out_len = n;
    return out;
}

/* Write "darkfig: " + msg, escaped, + newline on stderr. */
static void say_raw(const char *msg)
{
    char *e = cli_escape(msg, strlen(msg), 1, NULL);
    fprintf(stderr, "darkfig: %s\n", e ? e : msg);
    free(e);
}

void cli_say(const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    say_raw(buf);
}

int fail(const dfg_error *err, dfg_status rc)
{
    if (err && err->code != DFG_OK && err->where[0])
        cli_say("%s: %s", err->where, err->msg[0] ? err->msg : dfg_strerror(rc));
    else if (err && err->msg[0])
        cli_say("%s", err->msg);
    else
        cli_say("%s", dfg_strerror(rc));
    return exit_code(rc);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *e = cli_escape(buf, strlen(buf), 1, NULL);
    fprintf(stderr, "darkfig %s: %s\nTry 'darkfig %s --help'.\n", cmd, e ? e : buf, cmd);
    free(e);
    return EXIT_USAGE;
}

const char *status_name(dfg_status s)
{
    return s == DFG_OK ? "ok" : dfg_strerror(s);
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Values of the tree
 * ======================================================================= */

/* cJSON's allocations go through here, so that a failed one is noticed: cJSON's add
 * functions return NULL and leave the tree without the value. */
static int json_oom = 0;

static void *json_malloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        json_oom = 1;
    return p;
}

void cli_json_init(void)
{
    cJSON_Hooks h = {json_malloc, free};
    cJSON_InitHooks(&h);
}

cJSON *jnum(cJSON *obj, const char *key, double x)
{
    return isfinite(x) ? cJSON_AddNumberToObject(obj, key, x) : cJSON_AddNullToObject(obj, key);
}

/* A string item: bad bytes as \xNN (see the header). */
static cJSON *string_item(const char *s)
{
    if (!s)
        s = "";
    size_t len = strlen(s);
    if (escape_into(s, len, 0, 0, NULL) == len) /* valid UTF-8 */
        return cJSON_CreateString(s);
    char *e = malloc(4 * len + 1);
    if (!e) {
        json_oom = 1;
        return NULL;
    }
    escape_into(s, len, 0, 0, e);
    cJSON *item = cJSON_CreateString(e);
    free(e);
    return item;
}

cJSON *jstr(cJSON *obj, const char *key, const char *s)
{
    cJSON *item = string_item(s);
    if (item && !cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        return NULL;
    }
    return item;
}

void jnums(cJSON *obj, const char *const *keys, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        jnum(obj, keys[i], v[i]);
}

cJSON *jbool(cJSON *obj, const char *key, int b)
{
    return cJSON_AddBoolToObject(obj, key, b ? 1 : 0);
}

cJSON *jobj(cJSON *obj, const char *key)
{
    return cJSON_AddObjectToObject(obj, key);
}

cJSON *jarr(cJSON *obj, const char *key)
{
    return cJSON_AddArrayToObject(obj, key);
}

cJSON *jrow(cJSON *arr)
{
    cJSON *o = cJSON_CreateObject();
    if (o && !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

void jestimate(cJSON *obj, const char *model, dfg_status status, dfg_check_status check, double n,
               double N, double se)
{
    jstr(obj, "model", model);
    jstr(obj, "status", status_name(status));
    jstr(obj, "check", dfg_check_name(check));
    jnum(obj, "n", n);
    jnum(obj, "N", N);
    jnum(obj, "se", se);
    jnum(obj, "dark_figure", N - n);
}

void jfitstats(cJSON *obj, double deviance, double df, double aic, double bic)
{
    jnum(obj, "deviance", deviance);
    jnum(obj, "df", df);
    jnum(obj, "AIC", aic);
    jnum(obj, "BIC", bic);
}

void text_estimate(FILE *o, double n, double N, double se, const char *extra)
{
    fprintf(o, "  registered (n)          %12.0f\n", n);
    fprintf(o, "  estimated total (N)     %12.1f   s.e. %.1f%s\n", N, se, extra ? extra : "");
    fprintf(o, "  dark figure (N - n)     %12.1f\n", N - n);
}

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

void level_label(double level, char *buf, size_t size)
{
    snprintf(buf, size, "%.4g%%", 100.0 * level);
}

void fmt_ci(char *buf, size_t size, const dfg_interval *ci)
{
    if (ci->upper_beyond && isfinite(ci->lower))
        snprintf(buf, size, "[%.1f, beyond %.1f]", ci->lower, ci->search_limit);
    else
        fmt_interval(buf, size, ci->lower, ci->upper);
}

void jci(cJSON *obj, const char *key, const dfg_interval *ci, int has_ci, double level)
{
    cJSON *iv = jobj(obj, key);
    jstr(iv, "type", has_ci ? dfg_ci_type_name(ci->type) : "none");
    jnum(iv, "level", level);
    jnum(iv, "lower", has_ci ? ci->lower : DNAN);
    jnum(iv, "upper", has_ci && !ci->upper_beyond ? ci->upper : DNAN);
    jbool(iv, "upper_beyond", has_ci && ci->upper_beyond);
    jnum(iv, "search_limit", has_ci && ci->upper_beyond ? ci->search_limit : DNAN);
}

void jvalue(cJSON *obj, dfg_value_status v, const char *reason)
{
    jstr(obj, "value", dfg_value_name(v));
    jstr(obj, "reason", v == DFG_VALUE_OK ? "" : reason);
}

void text_not_estimate(FILE *o, double n, dfg_value_status v, const char *reason)
{
    fprintf(o, "  registered (n)          %12.0f\n", n);
    fprintf(o, "  estimated total (N)     not an estimate (%s): %s\n", dfg_value_name(v), reason);
}

void fmt_interval(char *buf, size_t size, double lo, double hi)
{
    if (!isfinite(lo))
        snprintf(buf, size, "-");
    else if (isinf(hi) && hi > 0)
        snprintf(buf, size, "[%.1f, infinite]", lo);
    else if (!isfinite(hi))
        snprintf(buf, size, "[%.1f, -]", lo);
    else
        snprintf(buf, size, "[%.1f, %.1f]", lo, hi);
}

/* ** }====================================================================== */

/* ** {======================================================================
 * CSV: the tree flattened
 *
 * One line per element of root[rows] (root itself when rows is NULL). Its columns: the
 * row's fields, then the run's (root's other fields); a nested object's fields are
 * named parent_field (bootstrap_lower), an array of plain values is one field joined by
 * ';' (the lists), an array of objects is left to JSON (the coefficients). null is NA,
 * true and false are TRUE and FALSE (as R and pandas read them). The header is the
 * union of the lines' columns in order of first appearance; a line without one has NA.
 * ======================================================================= */

typedef struct {
    char **name;
    size_t n, cap;
} columns;

static int col_index(const columns *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->name[i], name) == 0)
            return (int)i;
    return -1;
}

static int col_add(columns *c, const char *name)
{
    if (col_index(c, name) >= 0)
        return 0;
    if (cli_grow(&c->name, &c->cap, c->n, 32, sizeof *c->name) != 0)
        return -1;
    if (!(c->name[c->n] = strdup(name)))
        return -1;
    c->n++;
    return 0;
}

/* A number as cJSON prints it: the shortest of %.15g and %.17g that reads back equal. */
void cli_number_text(char *buf, size_t size, double x)
{
    /* the shortest of %.15g, %.16g, %.17g that reads back as x: exact, and 0.95 stays
     * 0.95 (cJSON's own printer accepts %.15g within an epsilon and can lose the last bit) */
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

void csv_number(FILE *f, double x)
{
    char buf[32];
    if (!isfinite(x)) {
        fputs("NA", f);
        return;
    }
    cli_number_text(buf, sizeof buf, x);
    fputs(buf, f);
}

/* Every number of the tree as raw text from cli_number_text (valuedouble kept): 0 or -1
 * when out of memory. */
static int exact_numbers(cJSON *it)
{
    for (; it; it = it->next) {
        if (cJSON_IsNumber(it) && isfinite(it->valuedouble)) {
            char buf[32];
            cli_number_text(buf, sizeof buf, it->valuedouble);
            char *p = cJSON_malloc(strlen(buf) + 1);
            if (!p)
                return -1;
            strcpy(p, buf);
            it->type = cJSON_Raw;
            it->valuestring = p;
        }
        if (it->child && exact_numbers(it->child) != 0)
            return -1;
    }
    return 0;
}

char *cli_json_print(cJSON *root)
{
    return exact_numbers(root) == 0 ? cJSON_Print(root) : NULL;
}

/* A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
void csv_string(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static int is_plain(const cJSON *it)
{
    return !cJSON_IsObject(it) && !cJSON_IsArray(it);
}

static void csv_value(FILE *f, const cJSON *it)
{
    if (cJSON_IsNumber(it))
        csv_number(f, it->valuedouble);
    else if (cJSON_IsString(it))
        csv_string(f, it->valuestring);
    else if (cJSON_IsBool(it))
        fputs(cJSON_IsTrue(it) ? "TRUE" : "FALSE", f);
    else if (cJSON_IsArray(it)) { /* plain values joined by ';' */
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        if (!m)
            return;
        int first = 1;
        for (const cJSON *e = it->child; e; e = e->next) {
            if (!first)
                fputc(';', m);
            first = 0;
            if (cJSON_IsNumber(e))
                csv_number(m, e->valuedouble);
            else if (cJSON_IsString(e))
                fputs(e->valuestring, m);
            else if (cJSON_IsNull(e))
                fputs("NA", m);
        }
        fclose(m);
        csv_string(f, buf ? buf : "");
        free(buf);
    } else
        fputs("NA", f);
}

/* Visit the flattened fields of obj (prefix + name): add their names to cols (f NULL) or
 * write the value of column `want` (returns 1 when written). skip: a key left out. */
static int flatten(const cJSON *obj, const char *prefix, const char *skip, columns *cols,
                   const char *want, FILE *f)
{
    char name[256];
    for (const cJSON *it = obj->child; it; it = it->next) {
        if (skip && strcmp(it->string, skip) == 0)
            continue;
        snprintf(name, sizeof name, "%s%s%s", prefix, prefix[0] ? "_" : "", it->string);
        if (cJSON_IsObject(it)) {
            if (flatten(it, name, NULL, cols, want, f))
                return 1;
            continue;
        }
        if (cJSON_IsArray(it)) {
            int plain = 1;
            for (const cJSON *e = it->child; e; e = e->next)
                plain &= is_plain(e);
            if (!plain)
                continue;
        }
        if (cols && col_add(cols, name) != 0)
            return -1;
        if (want && strcmp(want, name) == 0) {
            csv_value(f, it);
            return 1;
        }
    }
    return 0;
}

static int write_csv(FILE *f, const cJSON *root, const char *rows_key)
{
    const cJSON *rows = rows_key ? cJSON_GetObjectItemCaseSensitive(root, rows_key) : NULL;
    columns cols = {NULL, 0, 0};
    int rc = 0;
    /* the header: the rows' columns, then the run's */
    if (rows) {
        for (const cJSON *r = rows->child; r && rc == 0; r = r->next)
            rc = flatten(r, "", NULL, &cols, NULL, NULL) < 0 ? -1 : 0;
    }
    if (rc == 0)
        rc = flatten(root, "", rows_key, &cols, NULL, NULL) < 0 ? -1 : 0;
    if (rc == 0) {
        for (size_t i = 0; i < cols.n; i++) {
            if (i)
                fputc(',', f);
            csv_string(f, cols.name[i]);
        }
        fputc('\n', f);
        const cJSON *r = rows ? rows->child : NULL;
        do {
            for (size_t i = 0; i < cols.n; i++) {
                if (i)
                    fputc(',', f);
                if (!(r && flatten(r, "", NULL, NULL, cols.name[i], f) == 1) &&
                    flatten(root, "", rows_key, NULL, cols.name[i], f) != 1)
                    fputs("NA", f);
            }
            fputc('\n', f);
            r = r ? r->next : NULL;
        } while (r);
    }
    for (size_t i = 0; i < cols.n; i++)
        free(cols.name[i]);
    free(cols.name);
    return rc;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Opening and finishing an output
 * ======================================================================= */

int cli_out_open(cli_out *o, const common_opts *c, const cli_input *in, const dfg_table *t)
{
    memset(o, 0, sizeof *o);
    o->format = c->format;
    if (c->format == FMT_TEXT) {
        if (!(o->text = open_memstream(&o->text_buf, &o->text_len))) {
            cli_say("out of memory");
            return EXIT_INTERNAL;
        }
        return 0;
    }
    if (!(o->root = cJSON_CreateObject())) {
        cli_say("out of memory");
        return EXIT_INTERNAL;
    }
    jstr(o->root, "darkfig_version", DFG_VERSION);
    jstr(o->root, "command", c->cmd->name);
    cJSON *input = jobj(o->root, "input");
    if (input && in) {
        jstr(input, "file", in->path);
        jstr(input, "sha256", in->sha);
    }
    if (input && t) {
        cJSON *l = jarr(input, "lists");
        for (size_t j = 0; l && j < dfg_table_k(t); j++) {
            cJSON *item = string_item(dfg_table_list_name(t, j));
            if (item && !cJSON_AddItemToArray(l, item))
                cJSON_Delete(item);
        }
    }
    cJSON *opts = jobj(o->root, "options");
    if (opts)
        cli_options_json(opts, c);
    return 0;
}

void cli_out_free(cli_out *o)
{
    if (o->text)
        fclose(o->text);
    free(o->text_buf);
    cJSON_Delete(o->root);
    memset(o, 0, sizeof *o);
}

typedef struct {
    const char *buf;
    size_t len;
} bytes;

static int fill_bytes(FILE *f, void *data)
{
    const bytes *b = data;
    return b->len && fwrite(b->buf, 1, b->len, f) != b->len ? -1 : 0;
}

int cli_out_finish(cli_out *o, const common_opts *c)
{
    char *buf = NULL;
    size_t len = 0;
    int code = 0;
    if (o->format == FMT_TEXT) {
        fclose(o->text);
        o->text = NULL;
        buf = cli_escape(o->text_buf ? o->text_buf : "", o->text_len, 1, &len);
    } else if (o->format == FMT_JSON) {
        char *p = cli_json_print(o->root);
        /* with a final newline, as every text file */
        if (p && (buf = malloc(strlen(p) + 2))) {
            len = strlen(p);
            memcpy(buf, p, len);
            buf[len++] = '\n';
            buf[len] = '\0';
        }
        cJSON_free(p);
    } else {
        FILE *m = open_memstream(&buf, &len);
        if (m) {
            int rc = write_csv(m, o->root, o->rows);
            if (fclose(m) != 0 || rc != 0) {
                free(buf);
                buf = NULL;
            }
        }
    }
    if (!buf || json_oom) {
        cli_say("out of memory");
        code = EXIT_INTERNAL;
    } else if (c->output) {
        bytes b = {buf, len};
        code = cli_write_file("--output", c->output, fill_bytes, &b);
    } else if ((len && fwrite(buf, 1, len, stdout) != len) || fflush(stdout) != 0) {
        cli_say("cannot write the output to stdout (%s)", strerror(errno));
        code = EXIT_INPUT;
    }
    free(buf);
    cli_out_free(o);
    return code;
}

/* ** }====================================================================== */

int cli_grow(void *array, size_t *cap, size_t n, size_t first, size_t elem)
{
    if (n < *cap)
        return 0;
    void *old;
    memcpy(&old, array, sizeof old);
    size_t c = *cap ? 2 * *cap : first;
    void *p = realloc(old, c * elem);
    if (!p)
        return -1;
    memcpy(array, &p, sizeof p);
    *cap = c;
    return 0;
}

void text_intervals(FILE *o, const char *pct, int estimate, dfg_status prof_rc,
                    const dfg_interval *prof, const dfg_interval *logn, int boundary,
                    int lower_note)
{
    if (!estimate) {
        /* no interval of what is not an estimate */
    } else if (prof_rc == DFG_OK) {
        fprintf(o, "  %s interval for N      [%.1f, ", pct, prof->lower);
        if (prof->upper_beyond)
            fprintf(o, "beyond %.1f]", prof->search_limit);
        else
            fprintf(o, "%.1f]", prof->upper);
        fprintf(o, "   profile likelihood (Cormack 1992)%s\n",
                lower_note && prof->lower_at_n ? "; no root below: lower set to n" : "");
    } else if (boundary) {
        fprintf(o, "  %s profile interval    not offered with terms fixed at -inf\n", pct);
    } else {
        fprintf(o, "  %s interval for N      not available (%s)\n", pct, dfg_strerror(prof_rc));
    }
    if (estimate)
        fprintf(o, "  %s log-normal          [%.1f, %.1f]   (Chao 1987)\n", pct, logn->lower,
                logn->upper);
}

void text_head(FILE *o, const char *what, const char *file, const char *sha)
{
    fprintf(o, "darkfig %s %s\n", DFG_VERSION, what);
    fprintf(o, "input     %s (sha256 %.16s...)\n", file, sha);
}

void text_fit_stats(FILE *o, double deviance, double df, double aic, const double *aicc, double bic,
                    double n_obs)
{
    fprintf(o, "  deviance                %12.3f   df %.0f\n", deviance, df);
    fprintf(o, "  AIC                     %12.3f\n", aic);
    if (aicc)
        fprintf(o, "  AICc                    %12.3f\n", *aicc);
    fprintf(o, "  BIC                     %12.3f   (log n penalty, n = %.0f people observed)\n",
            bic, n_obs);
}
