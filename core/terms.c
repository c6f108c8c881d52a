/* core/terms.c: hierarchical log-linear models as sets of list bitmasks.
 *
 * A model over k lists is a set of terms (bitmasks of order >= 1) closed under subsets
 * (hierarchical: Bishop, Fienberg & Holland 1975, ch. 3), every main effect present,
 * sorted by order then by value; the intercept is implicit. The k-way term is never
 * allowed: on the 2^k - 1 observable cells it is confounded with the unobserved cell
 * (Fienberg 1972, Biometrika 59:591), so the model would not be identifiable.
 * Bracket notation (the field's, as in MultipleSystemsEstimation, Chan, Silverman &
 * Vincent 2021): "[12,13,4]" over 1-based one-digit list positions, or "[LA:NG,PF]" over
 * list names joined by ':'.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* order first, then value */
static int cmp_order_value(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    unsigned oa = (unsigned)__builtin_popcountll(a), ob = (unsigned)__builtin_popcountll(b);
    if (oa != ob)
        return oa < ob ? -1 : 1;
    return a < b ? -1 : (a > b);
}

/* higher order first, then the positions read left to right ("12" < "16" < "23") */
static int cmp_format(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    unsigned oa = dfg_popcount(a), ob = dfg_popcount(b);
    if (oa != ob)
        return oa > ob ? -1 : 1;
    while (a && b) {
        uint32_t la = a & -a, lb = b & -b; /* lowest list of each */
        if (la != lb)
            return la < lb ? -1 : 1;
        a ^= la;
        b ^= lb;
    }
    return 0;
}

void dfg_model_free(dfg_model *m)
{
    if (!m)
        return;
    dfg_free(m->terms);
    m->terms = NULL;
    m->n_terms = 0;
}

/* Append t to a growing array (no duplicates check: sorted and made unique later).
 * Declared in core/internal.h. */
int dfg_term_push(uint64_t **a, size_t *n, size_t *cap, uint64_t t)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 32;
        uint64_t *b = dfg_realloc(*a, nc * sizeof *b);
        if (!b)
            return 0;
        *a = b;
        *cap = nc;
    }
    (*a)[(*n)++] = t;
    return 1;
}

uint64_t *dfg_term_closure(const uint32_t *t32, const uint64_t *t64, size_t n, size_t nv,
                           size_t *n_out)
{
    uint64_t *a = NULL;
    size_t na = 0, cap = 0;
    *n_out = 0;
    /* every subset s of order >= 2 of every term (s = (s - 1) & t walks them) */
    for (size_t i = 0; i < n; i++) {
        uint64_t t = t64 ? t64[i] : t32[i];
        for (uint64_t s = t; s; s = (s - 1) & t)
            if (__builtin_popcountll(s) >= 2 && !dfg_term_push(&a, &na, &cap, s))
                goto nomem;
    }
    for (size_t j = 0; j < nv; j++)
        if (!dfg_term_push(&a, &na, &cap, (uint64_t)1 << j))
            goto nomem;
    qsort(a, na, sizeof *a, cmp_order_value);
    size_t u = 0;
    for (size_t i = 0; i < na; i++)
        if (u == 0 || a[i] != a[u - 1])
            a[u++] = a[i];
    *n_out = u;
    return a;
nomem:
    dfg_free(a);
    return NULL;
}

dfg_status dfg_model_from_terms(size_t k, const uint32_t *terms, size_t n, dfg_model *m,
                                dfg_error *err)
{
    if (!m)
        return dfg_err_set(err, DFG_EINVAL, "model", "NULL model");
    m->k = 0;
    m->n_terms = 0;
    m->terms = NULL;
    if (k < 1 || k > DFG_MAX_LISTS)
        return dfg_err_set(err, DFG_EINVAL, "model", "k = %zu lists out of range 1..%d", k,
                           DFG_MAX_LISTS);
    if (n > 0 && !terms)
        return dfg_err_set(err, DFG_EINVAL, "model", "NULL terms");
    uint32_t full = (uint32_t)(((uint64_t)1 << k) - 1);
    for (size_t i = 0; i < n; i++) {
        if (terms[i] == 0 || (terms[i] & ~full))
            return dfg_err_set(err, DFG_EINVAL, "model", "term %#x is not a term over %zu lists",
                               (unsigned)terms[i], k);
        if (k >= 2 && terms[i] == full)
            return dfg_err_set(err, DFG_EINVAL, "model",
                               "the %zu-way interaction of all lists is not identifiable "
                               "(confounded with the unobserved cell)",
                               k);
    }
    size_t u;
    uint64_t *c = dfg_term_closure(terms, NULL, n, k, &u);
    uint32_t *a = c ? dfg_malloc(u * sizeof *a) : NULL;
    if (!a) {
        dfg_free(c);
        return dfg_err_set(err, DFG_ENOMEM, "model", "closure of %zu terms", n);
    }
    for (size_t i = 0; i < u; i++)
        a[i] = (uint32_t)c[i];
    dfg_free(c);
    m->k = k;
    m->n_terms = u;
    m->terms = a;
    return DFG_OK;
}

dfg_status dfg_model_independence(size_t k, dfg_model *m, dfg_error *err)
{
    return dfg_model_from_terms(k, NULL, 0, m, err);
}

dfg_status dfg_model_copy(const dfg_model *src, dfg_model *dst, dfg_error *err)
{
    if (!src || !dst)
        return dfg_err_set(err, DFG_EINVAL, "model", "NULL model");
    dst->k = src->k;
    dst->n_terms = 0;
    dst->terms = NULL;
    if (src->n_terms == 0)
        return DFG_OK;
    if (!src->terms)
        return dfg_err_set(err, DFG_EINVAL, "model", "model without terms array");
    if (!(dst->terms = dfg_malloc(src->n_terms * sizeof *dst->terms)))
        return dfg_err_set(err, DFG_ENOMEM, "model", "copy of %zu terms", src->n_terms);
    memcpy(dst->terms, src->terms, src->n_terms * sizeof *dst->terms);
    dst->n_terms = src->n_terms;
    return DFG_OK;
}

/* ** {======================================================================
 * Parsing
 * ======================================================================= */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static dfg_status parse_error(dfg_error *err, size_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static dfg_status parse_error(dfg_error *err, size_t col, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char where[32];
    snprintf(where, sizeof where, "model:%zu", col);
    return dfg_err_set(err, DFG_EPARSE, where, "%s", msg);
}

/* The list named s[0..len-1], or -1. */
static long find_list(const dfg_table *t, size_t k, const char *s, size_t len)
{
    for (size_t j = 0; j < k; j++) {
        const char *name = dfg_table_list_name(t, j);
        if (name && strlen(name) == len && memcmp(name, s, len) == 0)
            return (long)j;
    }
    return -1;
}

/* One item s[0..len-1] (trimmed) starting at column col: a term. */
static dfg_status parse_item(const char *s, size_t len, size_t col, const dfg_table *t, size_t k,
                             uint32_t *term, dfg_error *err)
{
    *term = 0;
    if (len == 0)
        return parse_error(err, col, "empty term");
    int digits = 1, colon = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ':')
            colon = 1;
        else if (s[i] < '0' || s[i] > '9')
            digits = 0;
    }
    if (!colon && digits && k <= 9) {
        for (size_t i = 0; i < len; i++) {
            int pos = s[i] - '0';
            if (pos < 1 || (size_t)pos > k)
                return parse_error(err, col + i, "list position %d out of range 1..%zu", pos, k);
            uint32_t bit = (uint32_t)1 << (pos - 1);
            if (*term & bit)
                return parse_error(err, col + i, "list %d repeated in a term", pos);
            *term |= bit;
        }
        return DFG_OK;
    }
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && s[j] != ':')
            j++;
        size_t a = i, b = j;
        while (a < b && is_space(s[a]))
            a++;
        while (b > a && is_space(s[b - 1]))
            b--;
        if (a == b)
            return parse_error(err, col + i, "empty list name");
        long pos = find_list(t, k, s + a, b - a);
        if (pos < 0)
            return parse_error(err, col + a, "unknown list \"%.*s\"", (int)(b - a), s + a);
        uint32_t bit = (uint32_t)1 << pos;
        if (*term & bit)
            return parse_error(err, col + a, "list \"%.*s\" repeated in a term", (int)(b - a),
                               s + a);
        *term |= bit;
        i = j + 1;
    }
    return DFG_OK;
}

dfg_status dfg_model_parse(const char *spec, const dfg_table *t, dfg_model *m, dfg_error *err)
{
    if (!m)
        return dfg_err_set(err, DFG_EINVAL, "model", "NULL model");
    m->k = 0;
    m->n_terms = 0;
    m->terms = NULL;
    if (!t)
        return dfg_err_set(err, DFG_EINVAL, "model", "NULL table");
    size_t k = dfg_table_k(t);
    if (!spec)
        spec = "";
    size_t len = strlen(spec), a = 0, b = len;
    while (a < b && is_space(spec[a]))
        a++;
    while (b > a && is_space(spec[b - 1]))
        b--;
    if (a == b || (b - a == 12 && strncmp(spec + a, "independence", 12) == 0))
        return dfg_model_independence(k, m, err);
    if (spec[a] != '[')
        return parse_error(err, a + 1, "expected '[' (bracket notation like [12,3])");
    if (spec[b - 1] != ']')
        return parse_error(err, b, "expected ']' at the end");
    uint32_t items[64];
    size_t n_items = 0;
    size_t i = a + 1, end = b - 1;
    /* "[]" and "[ ]" */
    size_t q = i;
    while (q < end && is_space(spec[q]))
        q++;
    if (q == end)
        return dfg_model_independence(k, m, err);
    while (i <= end) {
        size_t j = i;
        while (j < end && spec[j] != ',') {
            char c = spec[j];
            if (c == '[' || c == ']')
                return parse_error(err, j + 1, "unexpected '%c'", c);
            j++;
        }
        size_t s0 = i, s1 = j;
        while (s0 < s1 && is_space(spec[s0]))
            s0++;
        while (s1 > s0 && is_space(spec[s1 - 1]))
            s1--;
        if (n_items == sizeof items / sizeof items[0])
            return parse_error(err, s0 + 1, "too many terms (at most %zu)",
                               sizeof items / sizeof items[0]);
        uint32_t term;
        dfg_status rc = parse_item(spec + s0, s1 - s0, s0 + 1, t, k, &term, err);
        if (rc != DFG_OK)
            return rc;
        if (k >= 2 && dfg_popcount(term) == k)
            return dfg_err_set(err, DFG_EINVAL, "model",
                               "term \"%.*s\": the %zu-way interaction of all lists is not "
                               "identifiable (confounded with the unobserved cell)",
                               (int)(s1 - s0), spec + s0, k);
        items[n_items++] = term;
        i = j + 1;
    }
    return dfg_model_from_terms(k, items, n_items, m, err);
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Formatting
 * ======================================================================= */

typedef struct {
    char *buf;
    size_t size, len;
} out;

static void put(out *o, const char *s)
{
    for (; *s; s++) {
        if (o->len + 1 < o->size)
            o->buf[o->len] = *s;
        o->len++;
    }
}

static void put_term(out *o, uint32_t term, const dfg_table *t, size_t k)
{
    int names = t && k > 9;
    int first = 1;
    for (size_t j = 0; j < k; j++) {
        if (!(term & ((uint32_t)1 << j)))
            continue;
        char tmp[32];
        if (names) {
            if (!first)
                put(o, ":");
            put(o, dfg_table_list_name(t, j));
        } else if (k <= 9) {
            snprintf(tmp, sizeof tmp, "%zu", j + 1);
            put(o, tmp);
        } else {
            snprintf(tmp, sizeof tmp, "%s%zu", first ? "" : ":", j + 1);
            put(o, tmp);
        }
        first = 0;
    }
}

size_t dfg_model_format(const dfg_model *m, const dfg_table *t, char *buf, size_t size)
{
    out o = {buf, buf ? size : 0, 0};
    if (o.size)
        buf[0] = '\0';
    if (!m)
        return 0;
    size_t k = m->k;
    put(&o, "[");
    /* maximal terms of order >= 2: no other term of the model strictly contains them */
    size_t n_max = 0;
    uint32_t covered = 0;
    uint32_t stack_max[64];
    uint32_t *mx = m->n_terms <= 64 ? stack_max : dfg_malloc(m->n_terms * sizeof *mx);
    if (!mx)
        return 0;
    for (size_t i = 0; i < m->n_terms; i++) {
        uint32_t a = m->terms[i];
        if (dfg_popcount(a) < 2)
            continue;
        int maximal = 1;
        for (size_t j = 0; j < m->n_terms && maximal; j++) {
            uint32_t b = m->terms[j];
            if (b != a && (b & a) == a)
                maximal = 0;
        }
        if (maximal) {
            mx[n_max++] = a;
            covered |= a;
        }
    }
    qsort(mx, n_max, sizeof *mx, cmp_format);
    int first = 1;
    for (size_t i = 0; i < n_max; i++) {
        if (!first)
            put(&o, ",");
        put_term(&o, mx[i], t, k);
        first = 0;
    }
    /* main effects no higher term covers, in list order */
    for (size_t j = 0; j < k; j++) {
        uint32_t bit = (uint32_t)1 << j;
        if (covered & bit)
            continue;
        if (!first)
            put(&o, ",");
        put_term(&o, bit, t, k);
        first = 0;
    }
    put(&o, "]");
    if (mx != stack_max)
        dfg_free(mx);
    if (o.size)
        buf[o.len < o.size ? o.len : o.size - 1] = '\0';
    return o.len;
}

/* ** }====================================================================== */
