/* core/csv.c: read list memberships from CSV (libcsv) into a capture table.
 *
 * Shapes, told apart by the header (the first non-blank line):
 *  (a) pattern counts: 0/1 list columns plus a count column ("count", or opts->count);
 *      one row per observed pattern (per stratum).
 *  (b) records: one row per person, 0/1 list columns, no count column.
 * Without opts->lists every column but the count is a list. With opts->lists (names,
 * comma-separated, spaces around each ignored) only those are lists; every other column
 * but the count is a covariate and each distinct combination of covariate values is a
 * stratum. Lists keep the order of the CSV columns (bit j = j-th list column), not the
 * order of opts->lists.
 *
 * Records are aggregated while they are read: counts are summed per pattern in a dense
 * array (records of at most 16 lists and no covariates) or in a hash keyed by (stratum,
 * pattern), and strata are found by a hash of their covariate values, so memory and the
 * work after reading depend on the number of patterns and strata, not of people. The file
 * is read in 1 MiB blocks and handed over one physical line at a time, which is how we
 * know the line number of every field (libcsv does not say). A complete line without
 * quotes is split here by libcsv's rules for unquoted fields (fast_line; the tests and
 * the fuzzer check it against libcsv alone); every other line goes to libcsv. Fields are
 * never allocated one by one: covariate values go to a reused row buffer, 0/1 values and
 * plain-digit counts are decoded in place. About 300 MB/s of CPU time on 10 million
 * records of 6 lists (120 MB).
 * Memory is bounded whatever the input: a physical line longer than DFG_CSV_MAX_LINE
 * (1 MiB; /dev/zero is one endless line) and a quoted field longer than DFG_CSV_MAX_FIELD
 * (64 KiB: a quote that is never closed) are refused with DFG_EPARSE at the line and
 * field where the limit was crossed, before libcsv buffers more.
 *
 * Accepted:
 *  - LF, CRLF or bare CR line ends; a final line end or not; blank lines anywhere;
 *  - a UTF-8 byte-order mark;
 *  - quoted fields (RFC 4180: "" is a quote inside a quoted field; a quoted field may
 *    span lines);
 *  - spaces and tabs around unquoted fields (libcsv drops them); header names, list values
 *    and counts are also trimmed when quoted; covariate values in quotes are kept as is;
 *  - counts written as whole numbers in decimal or scientific notation: "12", "12.0",
 *    "1e3", "1.5E+03" (R's write.csv prints 100000 as "1e+05", pandas prints float columns
 *    as "12.0"); the value is decoded exactly, without strtod (no locale), and must be a
 *    whole number in 0 .. 2^53;
 *  - rows with count 0 (kept as zero cells); the all-zero pattern with count 0 (ignored).
 * Rejected (status, where):
 *  - missing or unreadable file: DFG_EIO, where = the path alone;
 *  - CSV syntax: DFG_EPARSE: a malformed or unterminated quote, a row with fewer or more
 *    fields than the header, a NUL byte in a name or covariate value, a UTF-16 file, a
 *    zip archive (an .xlsx workbook), a one-column header that is really ';' or tab
 *    separated;
 *  - everything else that is well formed but unusable: DFG_EDATA: an empty file, no data
 *    rows, an empty or repeated column name, a first line that looks like data (all names
 *    numeric), more than MAX_COLUMNS columns, fewer than 2 or more than DFG_MAX_LISTS
 *    lists, a list name containing one of , : [ ] (they write model formulas), a list or
 *    count column named in the options but missing from the header, a list value other
 *    than 0/1 (also "TRUE", "1.0", empty), a count that is empty, negative, not a number
 *    ("12a", "inf", "0x10"), not whole ("2.5") or above 2^53, counts adding up to more than
 *    2^53, a pattern repeated in the same stratum of a pattern-count file, the all-zero
 *    pattern with a positive count, an all-zero record (a person on no list), a pattern
 *    file whose counts are all 0, a list no one is on, more than MAX_STRATA strata;
 *  - bad options (an empty name in opts->lists, a name given twice, fewer than 2 names,
 *    the count column named as a list): DFG_EINVAL, where = "lists" or "count".
 * Places: err->where = "path:line:col". line is 1-based and counts line ends (a quoted
 * field spanning lines ends on its last line). col is the 1-based FIELD number (not a
 * character column): the offending field; for a row with too few fields the first missing
 * one, for too many the first extra one; for errors about a whole row (a repeated or
 * all-zero pattern) field 1, or the count field when the count is at fault; for errors
 * about the header as a whole (too few lists, a missing option column) line:1 of the
 * header; for a list no one is on, or all-zero counts, the header field of that column;
 * for an empty file 1:1; for a file with no data rows the line after the header, field 1.
 *
 * Ref: RFC 4180 (CSV); libcsv 3.0 (Robert Gamble) callback API.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <csv.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_BLOCK ((size_t)1 << 20)
#define MAX_COLUMNS 4096
#define MAX_STRATA 10000
#define DENSE_LISTS 16

/* Tests turn the fast path off to check it against libcsv (dfg_csv_fast_path). */
#ifdef DFG_TEST_HOOKS
static int fast = 1;

void dfg_csv_fast_path(int on)
{
    fast = on != 0;
}
#else
enum { fast = 1 };
#endif

enum { COL_LIST, COL_COUNT, COL_COV };

typedef struct {
    unsigned char kind; /* COL_LIST, COL_COUNT, COL_COV */
    unsigned char bit;  /* list: its bit in the pattern */
    size_t cov;         /* covariate: its index */
} col_role;

typedef struct {
    uint64_t h;      /* hash of the key */
    size_t s1;       /* stratum + 1; 0 = empty slot */
    size_t off, len; /* the key: covariate values, NUL-terminated, in reader.keys */
} skey;

typedef struct {
    uint64_t key; /* stratum << 32 | pattern; 0 = empty slot (pattern is never 0) */
    double count;
    size_t line; /* where the pattern was first seen */
} acc_entry;

typedef struct {
    const char *name;
    const dfg_csv_opts *opts;
    dfg_error *err;
    dfg_status rc;
    struct csv_parser p;
    int started;   /* the first block was seen (BOM, encoding checks) */
    int row_start; /* libcsv is between rows: the next line may take the fast path */
    char eol;      /* the byte that ends a physical line: '\n' or a bare '\r' */
    size_t line;   /* current physical line, 1-based */
    size_t field;  /* fields submitted so far in the current row */
    size_t rows;   /* rows submitted, header included */
    size_t quote_line;
    size_t line_len; /* bytes of the current physical line handed over so far */
    /* header */
    int have_header;
    size_t header_line;
    char *names; /* header names, each NUL-terminated */
    size_t names_len, names_cap;
    size_t *name_off;
    size_t n_names, name_off_cap;
    /* columns, once the header is read */
    size_t ncols, k, n_cov;
    int has_count;
    size_t count_col;
    int all_lists; /* every column is a list, in order: bit j = column j */
    col_role *role;
    size_t *list_col; /* column of list j */
    size_t *cov_col;  /* column of covariate c */
    /* the current row */
    uint32_t pattern;
    double count;
    char *row; /* covariate values, each NUL-terminated */
    size_t row_len, row_cap;
    size_t *cov_off; /* offset of covariate c in row */
    const char **cov_val;
    /* strata: a hash keyed by the covariate values (the row buffer's bytes, kept in keys) */
    dfg_table *t;
    skey *shash;
    size_t shash_cap;
    skey *last; /* the last row's entry */
    char *keys;
    size_t keys_len, keys_cap;
    /* patterns: records of at most DENSE_LISTS lists and no covariates are counted in
     * dense[pattern]; the rest in a hash with open addressing, capacity 2^acc_bits */
    uint64_t *dense;
    acc_entry *acc;
    size_t acc_n;
    unsigned acc_bits;
    /* totals */
    size_t n_rows;
    uint64_t total; /* exact: every count is whole and at most 2^53 */
    /* the first bad value of the current row, reported at the row's end unless the row
     * has the wrong number of fields (a missing field shifts the values after it) */
    dfg_status pend;
    size_t pend_line, pend_col;
    char pend_msg[256];
    uint32_t seen; /* lists with someone on them */
    /* rows mode (dfg_csv_read_rows): the fields of each row, kept in row, go to rows_fn */
    dfg_csv_row_fn rows_fn;
    void *rows_ctx;
    size_t *rows_off; /* offset of field i in row */
    dfg_csv_field *rows_field;
    size_t rows_cap;
} reader;

/* ** {======================================================================
 * Errors
 * ======================================================================= */

/* where = "name:line:col"; a long name loses its head, never the place. */
static void format_where(char where[128], const char *name, size_t line, size_t col)
{
    char tail[48];
    int nt = snprintf(tail, sizeof tail, ":%zu:%zu", line, col);
    size_t nn = strlen(name), room = 127 - (size_t)nt;
    if (nn <= room)
        snprintf(where, 128, "%s%s", name, tail);
    else
        snprintf(where, 128, "...%s%s", name + nn - (room - 3), tail);
}

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static dfg_status
fail_at(reader *r, dfg_status code, size_t line, size_t col, const char *fmt, ...)
{
    if (r->rc != DFG_OK)
        return r->rc;
    char where[128], msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    format_where(where, r->name, line, col);
    r->rc = code;
    dfg_err_set(r->err, code, where, "%s", msg);
    return code;
}

/* A bad option (DFG_EINVAL), placed at "lists". */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static dfg_status
fail_opt(reader *r, const char *fmt, ...)
{
    if (r->rc != DFG_OK)
        return r->rc;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->rc = DFG_EINVAL;
    dfg_err_set(r->err, DFG_EINVAL, "lists", "%s", msg);
    return DFG_EINVAL;
}

/* A bad value in a data row: kept until the row ends. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
fail_value(reader *r, size_t col, const char *fmt, ...)
{
    if (r->pend != DFG_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->pend_msg, sizeof r->pend_msg, fmt, ap);
    va_end(ap);
    r->pend = DFG_EDATA;
    r->pend_line = r->line;
    r->pend_col = col;
}

static dfg_status fail_nomem(reader *r)
{
    return fail_at(r, DFG_ENOMEM, r->line, r->field ? r->field : 1, "out of memory");
}

/* A field for a message: quoted, at most 40 bytes (cut on a UTF-8 boundary), control
 * bytes as '?'. */
static const char *show(char out[64], const char *s, size_t n)
{
    size_t m = n, o = 0;
    if (m > 40) {
        m = 40;
        while (m > 0 && ((unsigned char)s[m] & 0xC0) == 0x80)
            m--;
    }
    out[o++] = '"';
    for (size_t i = 0; i < m; i++) {
        unsigned char c = (unsigned char)s[i];
        out[o++] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
    }
    if (m < n) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Values
 * ======================================================================= */

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *n)
{
    while (*n && is_blank(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && is_blank((*s)[*n - 1]))
        (*n)--;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

enum { NUM_OK, NUM_EMPTY, NUM_SYNTAX, NUM_NEG, NUM_FRAC, NUM_BIG };

/* Decode a count exactly: [+-] digits [. digits] [(e|E) [+-] digits], at least one
 * mantissa digit. With D the significant digits (no leading or trailing zeros) and E the
 * power of ten of D's last digit, the value is D * 10^E: whole iff E >= 0, and within
 * 2^53 only if digits(D) + E <= 16. */
static int parse_count(const char *s, size_t n, double *out)
{
    if (n > 0 && n <= 15) { /* fast path: plain digits */
        uint64_t v = 0;
        size_t i = 0;
        while (i < n && is_digit(s[i]))
            v = 10 * v + (uint64_t)(s[i++] - '0');
        if (i == n) {
            *out = (double)v;
            return NUM_OK;
        }
    }
    trim(&s, &n);
    if (n == 0)
        return NUM_EMPTY;
    size_t i = 0;
    int neg = 0;
    if (s[i] == '+' || s[i] == '-')
        neg = s[i++] == '-';
    size_t int0 = i;
    while (i < n && is_digit(s[i]))
        i++;
    size_t nint = i - int0, frac0 = i, nfrac = 0;
    if (i < n && s[i] == '.') {
        frac0 = ++i;
        while (i < n && is_digit(s[i]))
            i++;
        nfrac = i - frac0;
    }
    if (nint + nfrac == 0)
        return NUM_SYNTAX;
    long e = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        size_t e0 = i;
        while (i < n && is_digit(s[i])) {
            if (e < 1000000)
                e = 10 * e + (s[i] - '0');
            i++;
        }
        if (i == e0)
            return NUM_SYNTAX;
        if (eneg)
            e = -e;
    }
    if (i != n)
        return NUM_SYNTAX;
    /* digit idx of the mantissa, integer digits then fraction digits */
    size_t len = nint + nfrac, a = 0, b = len;
#define DIGIT(idx) (s[(idx) < nint ? int0 + (idx) : frac0 + (idx)-nint])
    while (a < len && DIGIT(a) == '0')
        a++;
    if (a == len) {
        *out = 0.0; /* "0", "-0", "0.000", "0e5" */
        return NUM_OK;
    }
    if (neg)
        return NUM_NEG;
    while (DIGIT(b - 1) == '0')
        b--;
    long pow10 = e - (long)nfrac + (long)(len - b);
    if (pow10 < 0)
        return NUM_FRAC;
    if ((long)(b - a) + pow10 > 16)
        return NUM_BIG;
    uint64_t v = 0;
    for (size_t j = a; j < b; j++)
        v = 10 * v + (uint64_t)(DIGIT(j) - '0');
#undef DIGIT
    for (long j = 0; j < pow10; j++)
        v *= 10;
    if (v > ((uint64_t)1 << 53))
        return NUM_BIG;
    *out = (double)v;
    return NUM_OK;
}

static const char *col_name(const reader *r, size_t c)
{
    return r->names + r->name_off[c];
}

/* A list value that is not a bare 0 or 1: trimmed quoted values pass, the rest fail. */
static void list_value_slow(reader *r, size_t f, const char *v, size_t len)
{
    const char *s = v;
    size_t n = len;
    trim(&s, &n);
    if (n == 1 && (s[0] == '0' || s[0] == '1')) {
        r->pattern |= (uint32_t)(s[0] - '0') << r->role[f].bit;
        return;
    }
    const char *name = col_name(r, f);
    char got[64];
    if (n == 0) {
        fail_value(r, f + 1, "list \"%s\" has an empty value; list values must be 0 or 1", name);
        return;
    }
    double c;
    if (!r->has_count && f + 1 == r->ncols && parse_count(s, n, &c) == NUM_OK && c >= 2.0) {
        fail_value(r, f + 1,
                   "list \"%s\" must be 0 or 1 (got %s); if \"%s\" holds counts, use --count %s",
                   name, show(got, v, len), name, name);
        return;
    }
    fail_value(r, f + 1, "list \"%s\" must be 0 or 1 (got %s)", name, show(got, v, len));
}

static void count_value(reader *r, size_t f, const char *v, size_t len)
{
    char got[64];
    switch (parse_count(v, len, &r->count)) {
    case NUM_OK:
        return;
    case NUM_EMPTY:
        fail_value(r, f + 1, "count is missing (the field is empty)");
        return;
    case NUM_FRAC:
        fail_value(r, f + 1, "count must be a whole number (got %s)", show(got, v, len));
        return;
    case NUM_BIG:
        fail_value(r, f + 1,
                   "count is too large (got %s); counts must be at most 2^53 = 9007199254740992",
                   show(got, v, len));
        return;
    default:
        fail_value(r, f + 1, "count must be a non-negative integer (got %s)", show(got, v, len));
        return;
    }
}

/* Append s[0..n) and a NUL to a growing buffer. */
static int append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t c = *cap ? *cap : 64;
        while (c < *len + n + 1)
            c *= 2;
        char *nb = dfg_realloc(*buf, c);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = c;
    }
    if (n)
        memcpy(*buf + *len, s, n);
    (*buf)[*len + n] = '\0';
    *len += n + 1;
    return 0;
}

static void cov_value(reader *r, size_t f, const char *v, size_t len)
{
    if (memchr(v, '\0', len)) {
        fail_at(r, DFG_EPARSE, r->line, f + 1, "field contains a NUL byte (is this a text file?)");
        return;
    }
    r->cov_off[r->role[f].cov] = r->row_len;
    if (append(&r->row, &r->row_len, &r->row_cap, v, len))
        fail_nomem(r);
}

/* ** }====================================================================== */

/* ** {======================================================================
 * The header
 * ======================================================================= */

static void header_field(reader *r, const char *v, size_t len)
{
    if (r->n_names >= MAX_COLUMNS) {
        fail_at(r, DFG_EDATA, r->line, r->n_names + 1, "the header has more than %d columns",
                MAX_COLUMNS);
        return;
    }
    if (memchr(v, '\0', len)) {
        fail_at(r, DFG_EPARSE, r->line, r->n_names + 1,
                "column name contains a NUL byte (is this a text file?)");
        return;
    }
    trim(&v, &len);
    if (r->n_names == r->name_off_cap) {
        size_t c = r->name_off_cap ? 2 * r->name_off_cap : 16;
        size_t *no = dfg_realloc(r->name_off, c * sizeof *no);
        if (!no) {
            fail_nomem(r);
            return;
        }
        r->name_off = no;
        r->name_off_cap = c;
    }
    r->name_off[r->n_names] = r->names_len;
    if (append(&r->names, &r->names_len, &r->names_cap, v, len)) {
        fail_nomem(r);
        return;
    }
    r->n_names++;
}

static size_t find_column(const reader *r, const char *name, size_t n)
{
    for (size_t c = 0; c < r->n_names; c++)
        if (strlen(col_name(r, c)) == n && memcmp(col_name(r, c), name, n) == 0)
            return c;
    return (size_t)-1;
}

/* The header's names for a message: "A, B, C" (cut to fit). */
static const char *header_list(const reader *r, char out[96])
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t c = 0; c < r->n_names; c++) {
        int w = snprintf(out + o, 96 - o, "%s%s", c ? ", " : "", col_name(r, c));
        if (w < 0 || (size_t)w >= 96 - o) {
            memcpy(out + 88, ", ...", 6);
            break;
        }
        o += (size_t)w;
    }
    return out;
}

/* Mark the columns named in opts->lists as lists. */
static dfg_status mark_lists(reader *r, const char *spec)
{
    const char *p = spec;
    size_t named = 0;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        const char *s = p;
        trim(&s, &n);
        named++;
        if (n == 0)
            return fail_opt(r, "name %zu of --lists \"%s\" is empty", named, spec);
        size_t c = find_column(r, s, n);
        char want[64], cols[96];
        if (c == (size_t)-1)
            return fail_at(r, DFG_EDATA, r->header_line, 1,
                           "list %s named in --lists is not a column of the header (%s)",
                           show(want, s, n), header_list(r, cols));
        if (r->has_count && c == r->count_col)
            return fail_opt(r, "--lists names the count column \"%s\"", col_name(r, c));
        if (r->role[c].kind == COL_LIST)
            return fail_opt(r, "--lists names \"%s\" twice", col_name(r, c));
        r->role[c].kind = COL_LIST;
        if (!e)
            break;
        p = e + 1;
    }
    if (named < 2)
        return fail_opt(r, "--lists must name at least 2 lists (got \"%s\")", spec);
    return DFG_OK;
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!is_digit(*s) && *s != '.' && *s != '-')
            return 0;
    return 1;
}

/* Decide every column's role and make the table, once the header row is complete. */
static void setup_columns(reader *r)
{
    size_t n = r->n_names, hl = r->header_line;
    r->ncols = n;
    if (n == 1) {
        const char *h = col_name(r, 0);
        char got[64];
        if (strchr(h, ';') || strchr(h, '\t')) {
            fail_at(r, DFG_EPARSE, hl, 1,
                    "the header is one column (%s): darkfig reads comma-separated files, "
                    "this one looks %s-separated",
                    show(got, h, strlen(h)), strchr(h, ';') ? "semicolon" : "tab");
            return;
        }
    }
    size_t numeric = 0;
    for (size_t c = 0; c < n; c++)
        numeric += all_digits(col_name(r, c)) != 0;
    if (numeric == n) {
        fail_at(r, DFG_EDATA, hl, 1,
                "the first line looks like data, not a header: the file needs a header line "
                "naming its columns (e.g. A,B,C,count)");
        return;
    }
    for (size_t c = 0; c < n; c++) {
        const char *nm = col_name(r, c);
        if (!*nm) {
            fail_at(r, DFG_EDATA, hl, c + 1, "column %zu has an empty name", c + 1);
            return;
        }
        for (size_t d = 0; d < c; d++)
            if (strcmp(col_name(r, d), nm) == 0) {
                fail_at(r, DFG_EDATA, hl, c + 1,
                        "column name \"%s\" appears twice (columns %zu and %zu)", nm, d + 1, c + 1);
                return;
            }
    }
    if (!(r->role = dfg_calloc(n, sizeof *r->role))) {
        fail_nomem(r);
        return;
    }
    const dfg_csv_opts *o = r->opts;
    const char *cname = o->count ? o->count : "count";
    size_t cc = find_column(r, cname, strlen(cname));
    if (cc == (size_t)-1 && o->count) {
        char cols[96];
        fail_at(r, DFG_EDATA, hl, 1, "count column \"%s\" (--count) is not in the header (%s)",
                o->count, header_list(r, cols));
        return;
    }
    r->has_count = cc != (size_t)-1;
    r->count_col = cc;
    for (size_t c = 0; c < n; c++)
        r->role[c].kind = o->lists ? COL_COV : COL_LIST;
    if (r->has_count)
        r->role[cc].kind = COL_COUNT;
    if (o->lists && mark_lists(r, o->lists) != DFG_OK)
        return;
    for (size_t c = 0; c < n; c++) {
        if (r->role[c].kind == COL_LIST)
            r->k++;
        else if (r->role[c].kind == COL_COV)
            r->n_cov++;
    }
    if (r->k < 2) {
        fail_at(r, DFG_EDATA, hl, 1,
                "the file has %zu list column%s; at least 2 are needed (a header such as "
                "A,B,count: 0/1 list columns and an optional count)",
                r->k, r->k == 1 ? "" : "s");
        return;
    }
    if (r->k > DFG_MAX_LISTS) {
        fail_at(r, DFG_EDATA, hl, 1,
                "the file has %zu list columns; at most %d are allowed (choose some with "
                "--lists)",
                r->k, DFG_MAX_LISTS);
        return;
    }
    if (!(r->list_col = dfg_calloc(r->k, sizeof *r->list_col)) ||
        !(r->cov_col = dfg_calloc(r->n_cov + 1, sizeof *r->cov_col)) ||
        !(r->cov_off = dfg_calloc(r->n_cov + 1, sizeof *r->cov_off)) ||
        !(r->cov_val = dfg_calloc(r->n_cov + 1, sizeof *r->cov_val))) {
        fail_nomem(r);
        return;
    }
    const char **ln = (const char **)dfg_calloc(r->k + r->n_cov, sizeof *ln);
    if (!ln) {
        fail_nomem(r);
        return;
    }
    size_t j = 0, cv = 0;
    for (size_t c = 0; c < n; c++) {
        if (r->role[c].kind == COL_LIST) {
            const char *nm = col_name(r, c);
            const char *bad = strpbrk(nm, ",:[]");
            if (bad) {
                fail_at(r, DFG_EDATA, hl, c + 1,
                        "list name \"%s\" contains '%c'; list names may not contain , : [ ] "
                        "(they are used in model formulas)",
                        nm, *bad);
                dfg_free((void *)ln);
                return;
            }
            r->role[c].bit = (unsigned char)j;
            r->list_col[j] = c;
            ln[j++] = nm;
        } else if (r->role[c].kind == COL_COV) {
            r->role[c].cov = cv;
            r->cov_col[cv] = c;
            ln[r->k + cv++] = col_name(r, c);
        }
    }
    r->all_lists = r->k == n;
    if (r->all_lists && r->k <= DENSE_LISTS &&
        !(r->dense = dfg_calloc((size_t)1 << r->k, sizeof *r->dense))) {
        fail_nomem(r);
        dfg_free((void *)ln);
        return;
    }
    dfg_error e = {0};
    r->t = dfg_table_new(r->k, ln, r->n_cov, r->n_cov ? ln + r->k : NULL, &e);
    dfg_free((void *)ln);
    if (!r->t)
        fail_at(r, e.code, hl, 1, "%s", e.msg);
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Strata and patterns
 * ======================================================================= */

/* FNV-1a. */
static uint64_t hash_bytes(const char *b, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)b[i]) * 1099511628211u;
    return h;
}

static dfg_status shash_grow(reader *r)
{
    size_t cap = r->shash_cap ? 2 * r->shash_cap : 64;
    skey *h = dfg_calloc(cap, sizeof *h);
    if (!h)
        return fail_nomem(r);
    for (size_t i = 0; i < r->shash_cap; i++) {
        if (!r->shash[i].s1)
            continue;
        size_t j = (size_t)r->shash[i].h & (cap - 1);
        while (h[j].s1)
            j = (j + 1) & (cap - 1);
        h[j] = r->shash[i];
    }
    dfg_free(r->shash);
    r->last = NULL;
    r->shash = h;
    r->shash_cap = cap;
    return DFG_OK;
}

static int key_is(const reader *r, const skey *k)
{
    return k->len == r->row_len && memcmp(r->keys + k->off, r->row, r->row_len) == 0;
}

/* The stratum of the current row, whose covariate values are row[0..row_len) (each
 * NUL-terminated): the last row's, or found in the hash, or a new one. */
static dfg_status row_stratum(reader *r, size_t *s)
{
    if (r->last && key_is(r, r->last)) {
        *s = r->last->s1 - 1;
        return DFG_OK;
    }
    size_t ns = dfg_table_n_strata(r->t);
    if (2 * (ns + 1) > r->shash_cap && shash_grow(r) != DFG_OK)
        return r->rc;
    uint64_t h = hash_bytes(r->row, r->row_len);
    size_t mask = r->shash_cap - 1, i = (size_t)h & mask;
    for (; r->shash[i].s1; i = (i + 1) & mask)
        if (r->shash[i].h == h && key_is(r, &r->shash[i]))
            break;
    if (!r->shash[i].s1) {
        if (ns >= MAX_STRATA) {
            char cols[96];
            size_t o = 0;
            cols[0] = '\0';
            for (size_t c = 0; c < r->n_cov && o < 80; c++)
                o += (size_t)snprintf(cols + o, 96 - o, "%s%s", c ? ", " : "",
                                      col_name(r, r->cov_col[c]));
            return fail_at(r, DFG_EDATA, r->line, r->cov_col[0] + 1,
                           "more than %d strata (combinations of the covariates %s): is one of "
                           "them an identifier? Columns not named in --lists are covariates",
                           MAX_STRATA, cols);
        }
        size_t off = r->keys_len;
        if (append(&r->keys, &r->keys_len, &r->keys_cap, r->row, r->row_len))
            return fail_nomem(r);
        for (size_t c = 0; c < r->n_cov; c++)
            r->cov_val[c] = r->row + r->cov_off[c];
        dfg_error e = {0};
        size_t sn;
        if (dfg_table_stratum_append(r->t, r->cov_val, &sn, &e) != DFG_OK)
            return fail_at(r, e.code, r->line, 1, "%s", e.msg);
        r->shash[i].h = h;
        r->shash[i].s1 = sn + 1;
        r->shash[i].off = off;
        r->shash[i].len = r->row_len;
    }
    r->last = &r->shash[i];
    *s = r->shash[i].s1 - 1;
    return DFG_OK;
}

static size_t acc_slot(const reader *r, uint64_t key)
{
    /* Fibonacci hashing: the top acc_bits bits of key * 2^64 / phi */
    return (size_t)((key * 0x9E3779B97F4A7C15u) >> (64 - r->acc_bits));
}

static dfg_status acc_grow(reader *r)
{
    unsigned bits = r->acc ? r->acc_bits + 1 : 6;
    size_t cap = (size_t)1 << bits, old = r->acc ? (size_t)1 << r->acc_bits : 0;
    acc_entry *a = dfg_calloc(cap, sizeof *a);
    if (!a)
        return fail_nomem(r);
    acc_entry *prev = r->acc;
    r->acc = a;
    r->acc_bits = bits;
    for (size_t i = 0; i < old; i++) {
        if (!prev[i].key)
            continue;
        size_t j = acc_slot(r, prev[i].key);
        while (a[j].key)
            j = (j + 1) & (cap - 1);
        a[j] = prev[i];
    }
    dfg_free(prev);
    return DFG_OK;
}

/* "1,0,1" for a message. */
static const char *pattern_text(const reader *r, uint32_t pat, char out[64])
{
    size_t o = 0;
    for (size_t j = 0; j < r->k; j++) {
        if (j)
            out[o++] = ',';
        out[o++] = (char)('0' + ((pat >> j) & 1));
    }
    out[o] = '\0';
    return out;
}

/* Add count people with pattern pat in stratum s; in the pattern-count shape a pattern
 * seen before in the same stratum is an error. */
static dfg_status acc_add(reader *r, size_t s, uint32_t pat, double count)
{
    if (!r->acc || 2 * (r->acc_n + 1) > ((size_t)1 << r->acc_bits))
        if (acc_grow(r) != DFG_OK)
            return r->rc;
    uint64_t key = (uint64_t)s << 32 | pat;
    size_t mask = ((size_t)1 << r->acc_bits) - 1, i = acc_slot(r, key);
    for (; r->acc[i].key; i = (i + 1) & mask) {
        if (r->acc[i].key != key)
            continue;
        if (r->has_count) {
            char pt[64], st[96] = "";
            if (r->n_cov) {
                size_t o = (size_t)snprintf(st, sizeof st, " in stratum");
                for (size_t c = 0; c < r->n_cov && o < sizeof st - 8; c++)
                    o += (size_t)snprintf(st + o, sizeof st - o, " %s=%s",
                                          col_name(r, r->cov_col[c]),
                                          dfg_table_stratum_value(r->t, s, c));
            }
            return fail_at(r, DFG_EDATA, r->line, 1,
                           "pattern %s appears twice%s (first at line %zu); with a count "
                           "column each pattern may appear once%s",
                           pattern_text(r, pat, pt), st, r->acc[i].line,
                           r->n_cov ? " per stratum" : "");
        }
        r->acc[i].count += count;
        return DFG_OK;
    }
    r->acc[i].key = key;
    r->acc[i].count = count;
    r->acc[i].line = r->line;
    r->acc_n++;
    return DFG_OK;
}

static int cmp_key(const void *a, const void *b)
{
    uint64_t x = ((const acc_entry *)a)->key, y = ((const acc_entry *)b)->key;
    return (x > y) - (x < y);
}

/* Move the sums into the table in (stratum, pattern) order: every add appends. */
static dfg_status acc_flush(reader *r)
{
    for (size_t p = 1; r->dense && p < (size_t)1 << r->k; p++) {
        dfg_error e = {0};
        if (r->dense[p] && dfg_table_add(r->t, 0, (uint32_t)p, (double)r->dense[p], &e))
            return fail_at(r, e.code, r->line, 1, "%s", e.msg);
    }
    size_t cap = r->acc ? (size_t)1 << r->acc_bits : 0, n = 0;
    for (size_t i = 0; i < cap; i++)
        if (r->acc[i].key)
            r->acc[n++] = r->acc[i];
    if (n)
        qsort(r->acc, n, sizeof *r->acc, cmp_key);
    for (size_t i = 0; i < n; i++) {
        dfg_error e = {0};
        uint64_t key = r->acc[i].key;
        if (dfg_table_add(r->t, (size_t)(key >> 32), (uint32_t)key, r->acc[i].count, &e))
            return fail_at(r, e.code, r->acc[i].line, 1, "%s", e.msg);
    }
    return DFG_OK;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * libcsv callbacks
 * ======================================================================= */

/* Rows mode: keep field f of the row. */
static void rows_field(reader *r, const char *v, size_t len)
{
    size_t f = r->field++;
    if (f == r->rows_cap) {
        size_t c = r->rows_cap ? 2 * r->rows_cap : 8;
        size_t *off = dfg_realloc(r->rows_off, c * sizeof *off);
        if (off)
            r->rows_off = off;
        dfg_csv_field *fs = off ? dfg_realloc(r->rows_field, c * sizeof *fs) : NULL;
        if (!fs) {
            fail_nomem(r);
            return;
        }
        r->rows_field = fs;
        r->rows_cap = c;
    }
    r->rows_off[f] = r->row_len;
    if (append(&r->row, &r->row_len, &r->row_cap, v, len))
        fail_nomem(r);
}

/* Rows mode: hand the row over (its fields point into the row buffer, which no longer
 * moves), then start the next one. */
static void rows_row(reader *r)
{
    r->rows++;
    for (size_t i = 0; i < r->field; i++) {
        size_t end = i + 1 < r->field ? r->rows_off[i + 1] : r->row_len;
        r->rows_field[i].s = r->row + r->rows_off[i];
        r->rows_field[i].len = end - r->rows_off[i] - 1;
    }
    dfg_status rc = r->rows_fn(r->rows_ctx, r->rows_field, r->field, r->line, r->err);
    if (rc != DFG_OK)
        r->rc = rc;
    r->field = 0;
    r->row_len = 0;
}

static void take_field(reader *r, const char *v, size_t len)
{
    if (r->rc != DFG_OK)
        return;
    if (r->rows_fn) {
        rows_field(r, v, len);
        return;
    }
    size_t f = r->field++;
    if (!r->have_header) {
        header_field(r, v, len);
        return;
    }
    if (f >= r->ncols)
        return; /* counted; the row end reports it */
    switch (r->role[f].kind) {
    case COL_LIST:
        if (len == 1 && (v[0] == '0' || v[0] == '1'))
            r->pattern |= (uint32_t)(v[0] - '0') << r->role[f].bit;
        else
            list_value_slow(r, f, v, len);
        break;
    case COL_COUNT:
        count_value(r, f, v, len);
        break;
    default:
        cov_value(r, f, v, len);
        break;
    }
}

static void end_row(reader *r)
{
    if (r->field != r->ncols) {
        if (r->field < r->ncols)
            fail_at(r, DFG_EPARSE, r->line, r->field + 1,
                    "row has %zu field%s but the header has %zu", r->field,
                    r->field == 1 ? "" : "s", r->ncols);
        else
            fail_at(r, DFG_EPARSE, r->line, r->ncols + 1,
                    "row has %zu fields but the header has %zu", r->field, r->ncols);
        return;
    }
    if (r->pend != DFG_OK) {
        fail_at(r, r->pend, r->pend_line, r->pend_col, "%s", r->pend_msg);
        return;
    }
    r->n_rows++;
    double count = r->has_count ? r->count : 1.0;
    uint32_t pat = r->pattern;
    if (r->dense && pat) {
        r->dense[pat]++;
        r->total++;
        r->seen |= pat;
        return;
    }
    if (pat == 0) {
        if (!r->has_count)
            fail_at(r, DFG_EDATA, r->line, 1,
                    "record is on no list (every list value is 0); each person must be on at "
                    "least one list");
        else if (count > 0.0)
            fail_at(r, DFG_EDATA, r->line, r->count_col + 1,
                    "row is on no list (every list value is 0) but has count %.0f; people on "
                    "no list are never observed, so this count must be 0",
                    count);
        return;
    }
    size_t s = 0;
    if ((r->n_cov && row_stratum(r, &s) != DFG_OK) || acc_add(r, s, pat, count) != DFG_OK)
        return;
    r->total += (uint64_t)count;
    if (r->total > ((uint64_t)1 << 53)) {
        fail_at(r, DFG_EDATA, r->line, r->has_count ? r->count_col + 1 : 1,
                "the counts add up to more than 2^53 = 9007199254740992");
        return;
    }
    if (count > 0.0)
        r->seen |= pat;
}

static void take_row(reader *r)
{
    if (r->rc != DFG_OK)
        return;
    if (r->rows_fn) {
        rows_row(r);
        return;
    }
    r->rows++;
    if (!r->have_header) {
        r->have_header = 1;
        r->header_line = r->line;
        setup_columns(r);
    } else {
        end_row(r);
    }
    r->field = 0;
    r->pattern = 0;
    r->count = 0.0;
    r->row_len = 0;
    r->pend = DFG_OK;
}

static void on_field(void *s, size_t len, void *data)
{
    take_field(data, s, len);
}

static void on_row(int c, void *data)
{
    (void)c;
    take_row(data);
}

/* The fast path for the common line: complete, at the start of a data row, with at most
 * FAST_FIELDS fields, no quote and no other line-end byte (a CR before the LF is fine). It
 * is split here by libcsv's rules for unquoted fields (split at commas, spaces and tabs
 * around a field dropped, a blank line is no row) and handed to the same handlers, bare
 * 0/1 list values decoded in line; any other line goes to libcsv. Returns 0 when the
 * line is not for the fast path (nothing was done then). */
#define FAST_FIELDS 64

static int fast_line(reader *r, const char *p, const char *end)
{
    const char *start[FAST_FIELDS + 1];
    size_t nf = 0;
    char other = r->eol == '\n' ? '\r' : '\n'; /* libcsv ends a row at either */
    if (end > p && end[-1] == '\r')
        end--;
    if (r->all_lists && end - p == (ptrdiff_t)(2 * r->ncols - 1)) {
        /* records of lists only, "0,1,1,0": one byte a value, one a comma */
        uint32_t pat = 0;
        size_t f = 0;
        for (; f < r->ncols; f++) {
            unsigned v = (unsigned)(unsigned char)p[2 * f] - '0';
            if (v > 1 || (f + 1 < r->ncols && p[2 * f + 1] != ','))
                break;
            pat |= (uint32_t)v << f;
        }
        if (f == r->ncols) {
            r->pattern = pat;
            r->field = f;
            take_row(r);
            return 1;
        }
    }
    start[0] = p;
    for (const char *q = p; q < end; q++) {
        char c = *q;
        if (c == ',') {
            if (++nf == FAST_FIELDS)
                return 0;
            start[nf] = q + 1;
        } else if (c == '"' || c == other) {
            return 0;
        }
    }
    start[++nf] = end + 1; /* field i is [start[i], start[i + 1] - 1) */
    if (nf == 1) {
        const char *q = p;
        while (q < end && is_blank(*q))
            q++;
        if (q == end)
            return 1; /* blank: libcsv submits no row either */
    }
    const col_role *role = r->role;
    size_t ncols = r->ncols;
    for (size_t f = 0; f < nf; f++) {
        const char *a = start[f], *b = start[f + 1] - 1;
        while (a < b && is_blank(*a))
            a++;
        while (b > a && is_blank(b[-1]))
            b--;
        if (f < ncols && role[f].kind == COL_LIST && b - a == 1 && (*a == '0' || *a == '1')) {
            r->pattern |= (uint32_t)(*a - '0') << role[f].bit;
            r->field++;
        } else {
            take_field(r, a, (size_t)(b - a));
            if (r->rc != DFG_OK)
                return 1;
        }
    }
    take_row(r);
    return 1;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Reading
 * ======================================================================= */

static void reader_init(reader *r, const char *name, const dfg_csv_opts *opts, dfg_error *err)
{
    memset(r, 0, sizeof *r);
    r->name = name;
    r->opts = opts;
    r->err = err;
    r->line = 1;
    r->row_start = 1;
    r->eol = '\n';
    csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_realloc_func(&r->p, dfg_realloc);
    csv_set_free_func(&r->p, dfg_free);
}

static void reader_free(reader *r)
{
    csv_free(&r->p);
    dfg_free(r->names);
    dfg_free(r->name_off);
    dfg_free(r->role);
    dfg_free(r->list_col);
    dfg_free(r->cov_col);
    dfg_free(r->row);
    dfg_free(r->cov_off);
    dfg_free((void *)r->cov_val);
    dfg_free(r->shash);
    dfg_free(r->keys);
    dfg_free(r->acc);
    dfg_free(r->dense);
    dfg_free(r->rows_off);
    dfg_free(r->rows_field);
    dfg_table_free(r->t);
}

/* The first bytes: a UTF-8 BOM is skipped; UTF-16 and zip archives are refused. */
static size_t first_block(reader *r, const unsigned char *b, size_t len)
{
    if (len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        fail_at(r, DFG_EPARSE, 1, 1,
                "the file is UTF-16 encoded; save it as UTF-8 CSV (\"CSV UTF-8\" in Excel)");
        return len;
    }
    if (len >= 4 && memcmp(b, "PK\x03\x04", 4) == 0) {
        fail_at(r, DFG_EPARSE, 1, 1,
                "the file is a zip archive (an .xlsx workbook?), not CSV; export the sheet "
                "as CSV");
        return len;
    }
    if (!memchr(b, '\n', len) && memchr(b, '\r', len))
        r->eol = '\r'; /* old Mac line ends */
    if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        return 3;
    return 0;
}

/* Hand buf to libcsv one physical line at a time, so callbacks know r->line. */
static void feed(reader *r, const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    if (!r->started) {
        r->started = 1;
        p += first_block(r, (const unsigned char *)buf, len);
    }
    while (p < end && r->rc == DFG_OK) {
        const char *nl = memchr(p, r->eol, (size_t)(end - p));
        const char *stop = nl ? nl + 1 : end;
        /* a line (or the rest of the input with no line end at all: /dev/zero) longer than
         * DFG_CSV_MAX_LINE is refused before libcsv buffers it */
        if ((size_t)(stop - p) - (nl ? 1 : 0) > DFG_CSV_MAX_LINE - r->line_len) {
            fail_at(r, DFG_EPARSE, r->line, r->field + 1,
                    "line longer than %zu bytes (1 MiB): not a CSV table of lists "
                    "(a binary file, or line ends other than LF, CRLF or CR?)",
                    (size_t)DFG_CSV_MAX_LINE);
            return;
        }
        r->line_len = nl ? 0 : r->line_len + (size_t)(stop - p);
        if (nl && r->row_start && r->have_header && fast && fast_line(r, p, nl)) {
            r->line++;
            p = stop;
            continue;
        }
        size_t n = (size_t)(stop - p), qrow = r->rows, qfield = r->field;
        int was_quoted = r->p.quoted;
        if (csv_parse(&r->p, p, n, on_field, on_row, r) != n && r->rc == DFG_OK) {
            if (csv_error(&r->p) == CSV_EPARSE)
                fail_at(r, DFG_EPARSE, r->line, r->field + 1,
                        "malformed quotes: a quote may only open or close a field, and a "
                        "quote inside a quoted field is written twice (\"\")");
            else
                fail_nomem(r);
        }
        if (r->rc != DFG_OK)
            return;
        /* a quoted field spanning lines is capped as well (libcsv's field buffer) */
        if (r->p.quoted && r->p.entry_pos > DFG_CSV_MAX_FIELD) {
            fail_at(r, DFG_EPARSE, r->quote_line ? r->quote_line : r->line, r->field + 1,
                    "quoted field longer than %zu bytes (64 KiB): a quote that is "
                    "never closed?",
                    (size_t)DFG_CSV_MAX_FIELD);
            return;
        }
        /* a quoted field opened on this line (and not closed yet) */
        if (r->p.quoted && !(was_quoted && qrow == r->rows && qfield == r->field))
            r->quote_line = r->line;
        /* an unquoted line end leaves libcsv between rows */
        r->row_start = nl && !r->p.quoted;
        if (nl)
            r->line++;
        p = stop;
    }
}

/* The last row, if it has no line end; an unclosed quote is an error. */
static void fini(reader *r)
{
    if (r->rc == DFG_OK && csv_fini(&r->p, on_field, on_row, r) != 0 && r->rc == DFG_OK)
        fail_at(r, DFG_EPARSE, r->quote_line, r->field + 1,
                "a quoted field opened on line %zu is never closed (a missing \")", r->quote_line);
}

static dfg_status finish(reader *r, dfg_table **out)
{
    fini(r);
    if (r->rc == DFG_OK && !r->have_header)
        fail_at(r, DFG_EDATA, 1, 1,
                "the file is empty; expected a header line naming the lists, then data rows");
    if (r->rc == DFG_OK && r->n_rows == 0)
        fail_at(r, DFG_EDATA, r->header_line + 1, 1, "no data rows after the header");
    if (r->rc == DFG_OK && r->has_count && r->total == 0)
        fail_at(r, DFG_EDATA, r->header_line, r->count_col + 1,
                "every count is 0: no one was observed");
    for (size_t j = 0; r->rc == DFG_OK && j < r->k; j++)
        if (!(r->seen >> j & 1))
            fail_at(r, DFG_EDATA, r->header_line, r->list_col[j] + 1,
                    "no one is on list \"%s\" (its column is 0 in every %s)",
                    col_name(r, r->list_col[j]),
                    r->has_count ? "row with a positive count" : "record");
    if (r->rc == DFG_OK)
        acc_flush(r);
    if (r->rc == DFG_OK) {
        *out = r->t;
        r->t = NULL;
    }
    reader_free(r);
    return r->rc;
}

dfg_csv_opts dfg_csv_opts_default(void)
{
    dfg_csv_opts o = {NULL, NULL};
    return o;
}

static dfg_status check_opts(const dfg_csv_opts *o, dfg_error *err)
{
    if (o->lists && !o->lists[strspn(o->lists, " \t")])
        return dfg_err_set(err, DFG_EINVAL, "lists", "--lists is empty");
    if (o->count && !*o->count)
        return dfg_err_set(err, DFG_EINVAL, "count", "--count is empty");
    return DFG_OK;
}

dfg_status dfg_table_read_csv_buffer(const char *name, const char *buf, size_t len,
                                     const dfg_csv_opts *opts, dfg_table **out, dfg_error *err)
{
    if (!out)
        return dfg_err_set(err, DFG_EINVAL, "csv", "out must not be NULL");
    *out = NULL;
    if (!buf && len)
        return dfg_err_set(err, DFG_EINVAL, "csv", "NULL buffer of length %zu", len);
    dfg_csv_opts def = dfg_csv_opts_default();
    if (!opts)
        opts = &def;
    if (check_opts(opts, err) != DFG_OK)
        return DFG_EINVAL;
    reader r;
    reader_init(&r, name ? name : "<buffer>", opts, err);
    if (len)
        feed(&r, buf, len);
    return finish(&r, out);
}

dfg_status dfg_table_read_csv(const char *path, const dfg_csv_opts *opts, dfg_table **out,
                              dfg_error *err)
{
    if (!out)
        return dfg_err_set(err, DFG_EINVAL, "csv", "out must not be NULL");
    *out = NULL;
    if (!path)
        return dfg_err_set(err, DFG_EINVAL, "csv", "path must not be NULL");
    dfg_csv_opts def = dfg_csv_opts_default();
    if (!opts)
        opts = &def;
    if (check_opts(opts, err) != DFG_OK)
        return DFG_EINVAL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return dfg_err_set(err, DFG_EIO, path, "cannot open the file: %s", strerror(errno));
    char *buf = dfg_malloc(READ_BLOCK);
    if (!buf) {
        fclose(f);
        return dfg_err_set(err, DFG_ENOMEM, path, "out of memory");
    }
    reader r;
    reader_init(&r, path, opts, err);
    for (;;) {
        size_t n = fread(buf, 1, READ_BLOCK, f);
        if (n)
            feed(&r, buf, n);
        if (r.rc != DFG_OK || n < READ_BLOCK) {
            if (r.rc == DFG_OK && ferror(f)) {
                r.rc = DFG_EIO;
                dfg_err_set(err, DFG_EIO, path, "cannot read the file: %s", strerror(errno));
            }
            break;
        }
    }
    dfg_free(buf);
    fclose(f);
    return finish(&r, out);
}

/* ** }====================================================================== */

dfg_status dfg_csv_read_rows(const char *name, const char *buf, size_t len, dfg_csv_row_fn fn,
                             void *ctx, dfg_error *err)
{
    if (!fn || (!buf && len))
        return dfg_err_set(err, DFG_EINVAL, "csv", "NULL row function or buffer");
    dfg_csv_opts def = dfg_csv_opts_default();
    reader r;
    reader_init(&r, name ? name : "<buffer>", &def, err);
    r.rows_fn = fn;
    r.rows_ctx = ctx;
    if (len)
        feed(&r, buf, len);
    fini(&r);
    reader_free(&r);
    return r.rc;
}
