/* core/table.c: the capture table: k lists, strata, one count per observed pattern.
 *
 * Each stratum keeps its patterns in a sorted array (pattern, count); adding finds the
 * pattern by binary search and sums. Readers aggregate records on entry, so the table's
 * size is bounded by the number of distinct patterns, never by the number of people.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <math.h>
#include <string.h>

typedef struct {
    char **values;     /* n_cov covariate values (owned) */
    size_t n, cap;     /* patterns held, capacity */
    uint32_t *pattern; /* sorted increasing */
    double *count;
    double n_obs;
} stratum;

struct dfg_table {
    size_t k;
    char **names; /* k list names */
    size_t n_cov;
    char **cov_names; /* n_cov covariate names */
    size_t n_strata, cap_strata;
    stratum *strata;
};

static void free_strings(char **s, size_t n)
{
    if (!s)
        return;
    for (size_t i = 0; i < n; i++)
        dfg_free(s[i]);
    dfg_free(s);
}

static char **copy_strings(const char *const *src, size_t n)
{
    char **d = dfg_calloc(n, sizeof *d);
    if (!d)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!(d[i] = dfg_strdup(src[i] ? src[i] : ""))) {
            free_strings(d, n);
            return NULL;
        }
    }
    return d;
}

void dfg_table_free(dfg_table *t)
{
    if (!t)
        return;
    for (size_t s = 0; s < t->n_strata; s++) {
        free_strings(t->strata[s].values, t->n_cov);
        dfg_free(t->strata[s].pattern);
        dfg_free(t->strata[s].count);
    }
    dfg_free(t->strata);
    free_strings(t->names, t->k);
    free_strings(t->cov_names, t->n_cov);
    dfg_free(t);
}

static dfg_status add_stratum(dfg_table *t, const char *const *values, size_t *s, dfg_error *err)
{
    if (t->n_strata == t->cap_strata) {
        size_t cap = t->cap_strata ? 2 * t->cap_strata : 4;
        stratum *ns = dfg_realloc(t->strata, cap * sizeof *ns);
        if (!ns)
            return dfg_err_set(err, DFG_ENOMEM, "table", "cannot grow strata to %zu", cap);
        t->strata = ns;
        t->cap_strata = cap;
    }
    stratum *st = &t->strata[t->n_strata];
    memset(st, 0, sizeof *st);
    if (t->n_cov && !(st->values = copy_strings(values, t->n_cov)))
        return dfg_err_set(err, DFG_ENOMEM, "table", "cannot copy stratum values");
    *s = t->n_strata++;
    return DFG_OK;
}

dfg_table *dfg_table_new(size_t k, const char *const *list_names, size_t n_cov,
                         const char *const *cov_names, dfg_error *err)
{
    if (k < 2 || k > DFG_MAX_LISTS) {
        dfg_err_set(err, DFG_EINVAL, "table", "number of lists must be 2..%d (got %zu)",
                    DFG_MAX_LISTS, k);
        return NULL;
    }
    if (!list_names || (n_cov && !cov_names)) {
        dfg_err_set(err, DFG_EINVAL, "table", "names must not be NULL");
        return NULL;
    }
    dfg_table *t = dfg_calloc(1, sizeof *t);
    if (!t) {
        dfg_err_set(err, DFG_ENOMEM, "table", "cannot allocate a table");
        return NULL;
    }
    t->k = k;
    t->n_cov = n_cov;
    size_t s0;
    if (!(t->names = copy_strings(list_names, k)) ||
        (n_cov && !(t->cov_names = copy_strings(cov_names, n_cov)))) {
        if (!t->names)
            t->k = 0; /* nothing to free element-wise */
        dfg_table_free(t);
        dfg_err_set(err, DFG_ENOMEM, "table", "cannot copy names");
        return NULL;
    }
    if (n_cov == 0 && add_stratum(t, NULL, &s0, err) != DFG_OK) {
        dfg_table_free(t);
        return NULL;
    }
    return t;
}

dfg_status dfg_table_stratum(dfg_table *t, const char *const *values, size_t *s, dfg_error *err)
{
    if (!t || !s || (t->n_cov && !values))
        return dfg_err_set(err, DFG_EINVAL, "table", "NULL argument");
    if (t->n_cov == 0) {
        *s = 0;
        return DFG_OK;
    }
    for (size_t i = 0; i < t->n_strata; i++) {
        size_t c = 0;
        while (c < t->n_cov && strcmp(t->strata[i].values[c], values[c]) == 0)
            c++;
        if (c == t->n_cov) {
            *s = i;
            return DFG_OK;
        }
    }
    return add_stratum(t, values, s, err);
}

dfg_status dfg_table_stratum_append(dfg_table *t, const char *const *values, size_t *s,
                                    dfg_error *err)
{
    if (!t || !s || !values || t->n_cov == 0)
        return dfg_err_set(err, DFG_EINVAL, "table", "bad arguments to dfg_table_stratum_append");
    return add_stratum(t, values, s, err);
}

/* First index i with pattern[i] >= p. */
static size_t lower_bound(const stratum *st, uint32_t p)
{
    size_t lo = 0, hi = st->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->pattern[mid] < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

dfg_status dfg_table_add(dfg_table *t, size_t s, uint32_t pattern, double count, dfg_error *err)
{
    if (!t || s >= t->n_strata)
        return dfg_err_set(err, DFG_EINVAL, "table", "no stratum %zu", s);
    if (pattern == 0 || (t->k < 32 && pattern >> t->k))
        return dfg_err_set(err, DFG_EINVAL, "table",
                           "pattern %#x is not a nonempty pattern of %zu lists", (unsigned)pattern,
                           t->k);
    if (!(count >= 0.0) || !isfinite(count) || count != floor(count))
        return dfg_err_set(err, DFG_EINVAL, "table", "count must be a whole number >= 0 (got %g)",
                           count);
    stratum *st = &t->strata[s];
    size_t i = lower_bound(st, pattern);
    if (i < st->n && st->pattern[i] == pattern) {
        st->count[i] += count;
        st->n_obs += count;
        return DFG_OK;
    }
    if (st->n == st->cap) {
        size_t cap = st->cap ? 2 * st->cap : 16;
        uint32_t *np = dfg_realloc(st->pattern, cap * sizeof *np);
        if (!np)
            return dfg_err_set(err, DFG_ENOMEM, "table", "cannot grow stratum to %zu patterns",
                               cap);
        st->pattern = np;
        double *nc = dfg_realloc(st->count, cap * sizeof *nc);
        if (!nc)
            return dfg_err_set(err, DFG_ENOMEM, "table", "cannot grow stratum to %zu patterns",
                               cap);
        st->count = nc;
        st->cap = cap;
    }
    memmove(st->pattern + i + 1, st->pattern + i, (st->n - i) * sizeof *st->pattern);
    memmove(st->count + i + 1, st->count + i, (st->n - i) * sizeof *st->count);
    st->pattern[i] = pattern;
    st->count[i] = count;
    st->n++;
    st->n_obs += count;
    return DFG_OK;
}

size_t dfg_table_k(const dfg_table *t)
{
    return t ? t->k : 0;
}

const char *dfg_table_list_name(const dfg_table *t, size_t j)
{
    return t && j < t->k ? t->names[j] : NULL;
}

size_t dfg_table_n_cov(const dfg_table *t)
{
    return t ? t->n_cov : 0;
}

const char *dfg_table_cov_name(const dfg_table *t, size_t c)
{
    return t && c < t->n_cov ? t->cov_names[c] : NULL;
}

size_t dfg_table_n_strata(const dfg_table *t)
{
    return t ? t->n_strata : 0;
}

const char *dfg_table_stratum_value(const dfg_table *t, size_t s, size_t c)
{
    return t && s < t->n_strata && c < t->n_cov ? t->strata[s].values[c] : NULL;
}

size_t dfg_table_n_patterns(const dfg_table *t, size_t s)
{
    return t && s < t->n_strata ? t->strata[s].n : 0;
}

void dfg_table_pattern(const dfg_table *t, size_t s, size_t i, uint32_t *pattern, double *count)
{
    const stratum *st = &t->strata[s];
    if (pattern)
        *pattern = st->pattern[i];
    if (count)
        *count = st->count[i];
}

double dfg_table_n_obs(const dfg_table *t, size_t s)
{
    return t && s < t->n_strata ? t->strata[s].n_obs : 0.0;
}

dfg_status dfg_table_cells(const dfg_table *t, size_t s, double *y, dfg_error *err)
{
    if (!t || !y || s >= t->n_strata)
        return dfg_err_set(err, DFG_EINVAL, "table", "bad arguments to dfg_table_cells");
    if (t->k > DFG_MAX_FIT_LISTS)
        return dfg_err_set(err, DFG_EINVAL, "table", "%zu lists: dense cells need at most %d lists",
                           t->k, DFG_MAX_FIT_LISTS);
    size_t ncell = (size_t)1 << t->k;
    memset(y, 0, ncell * sizeof *y);
    const stratum *st = &t->strata[s];
    for (size_t i = 0; i < st->n; i++)
        y[st->pattern[i]] = st->count[i];
    return DFG_OK;
}

dfg_table *dfg_table_collapse(const dfg_table *t, dfg_error *err)
{
    if (!t) {
        dfg_err_set(err, DFG_EINVAL, "table", "NULL table");
        return NULL;
    }
    dfg_table *c = dfg_table_new(t->k, (const char *const *)t->names, 0, NULL, err);
    if (!c)
        return NULL;
    for (size_t s = 0; s < t->n_strata; s++)
        for (size_t i = 0; i < t->strata[s].n; i++)
            if (dfg_table_add(c, 0, t->strata[s].pattern[i], t->strata[s].count[i], err)) {
                dfg_table_free(c);
                return NULL;
            }
    return c;
}

dfg_table *dfg_table_from_cells(size_t k, const char *const *list_names, const double *y,
                                dfg_error *err)
{
    if (k > DFG_MAX_FIT_LISTS || !y) {
        dfg_err_set(err, DFG_EINVAL, "table", "dfg_table_from_cells: bad arguments");
        return NULL;
    }
    dfg_table *t = dfg_table_new(k, list_names, 0, NULL, err);
    if (!t)
        return NULL;
    size_t ncell = (size_t)1 << k;
    for (size_t c = 1; c < ncell; c++)
        if (y[c] != 0.0 && dfg_table_add(t, 0, (uint32_t)c, y[c], err)) {
            dfg_table_free(t);
            return NULL;
        }
    return t;
}
