/* tests/search_util.h: small helpers shared by the check and search tests: read a
 * pattern-count CSV (0/1 list columns then count) into a table without the CSV module,
 * build a model from terms, read oracle_results.csv rows.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DFG_SEARCH_UTIL_H
#define DFG_SEARCH_UTIL_H

#include "darkfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Read "A,B,C,count" rows of 0/1 values and a count. NULL on any problem. */
static inline dfg_table *su_read(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char line[4096];
    char *names[32];
    size_t k = 0;
    dfg_table *t = NULL;
    if (!fgets(line, sizeof line, f))
        goto fail;
    line[strcspn(line, "\r\n")] = 0;
    for (char *tok = strtok(line, ","); tok && k < 32; tok = strtok(NULL, ",")) {
        names[k] = malloc(strlen(tok) + 1);
        if (names[k])
            strcpy(names[k], tok);
        k++;
    }
    k--; /* the count column */
    t = dfg_table_new(k, (const char *const *)names, 0, NULL, NULL);
    for (size_t j = 0; j <= k; j++)
        free(names[j]);
    if (!t)
        goto fail;
    while (fgets(line, sizeof line, f)) {
        uint32_t pat = 0;
        char *p = line;
        for (size_t j = 0; j < k; j++) {
            if (*p == '1')
                pat |= 1u << j;
            p = strchr(p, ',');
            if (!p)
                goto fail;
            p++;
        }
        if (pat && dfg_table_add(t, 0, pat, strtod(p, NULL), NULL))
            goto fail;
    }
    fclose(f);
    return t;
fail:
    fclose(f);
    dfg_table_free(t);
    return NULL;
}

/* Model from a bracket string over one-digit positions, e.g. "[12,3]" (closure added). */
static inline int su_model(size_t k, const char *spec, dfg_model *m)
{
    uint32_t terms[256];
    size_t n = 0;
    for (size_t j = 0; j < k; j++)
        terms[n++] = 1u << j;
    uint32_t cur = 0;
    for (const char *p = spec;; p++) {
        if (*p >= '1' && *p <= '9')
            cur |= 1u << (*p - '1');
        else {
            if (cur) {
                /* every nonempty subset of cur */
                for (uint32_t s = cur; s; s = (s - 1) & cur) {
                    size_t i;
                    for (i = 0; i < n && terms[i] != s; i++)
                        ;
                    if (i == n && n < 256)
                        terms[n++] = s;
                }
            }
            cur = 0;
            if (!*p)
                break;
        }
    }
    m->k = k;
    m->n_terms = n;
    m->terms = malloc(n * sizeof *m->terms);
    if (!m->terms)
        return -1;
    memcpy(m->terms, terms, n * sizeof *terms);
    return 0;
}

/* A set of terms (bitmask of terms of order >= 2, as a sorted list) from a bracket string,
 * for comparing models as sets: returns the number of terms of order >= 2 in out. */
static inline size_t su_terms_of(size_t k, const char *spec, uint32_t *out, size_t cap)
{
    dfg_model m;
    size_t n = 0;
    if (su_model(k, spec, &m))
        return 0;
    for (size_t i = 0; i < m.n_terms; i++)
        if (m.terms[i] & (m.terms[i] - 1))
            if (n < cap)
                out[n++] = m.terms[i];
    free(m.terms);
    /* sort */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
            uint32_t x = out[j];
            out[j] = out[j - 1];
            out[j - 1] = x;
        }
    return n;
}

/* One row of oracle_results.csv. */
typedef struct {
    int table, k;
    double n;
    char method[64], model[128], quantity[64], status[512];
    double value;
} su_row;

/* Next row of the oracle file; 0 at the end. */
static inline int su_oracle_next(FILE *f, su_row *r)
{
    char line[2048];
    for (;;) {
        if (!fgets(line, sizeof line, f))
            return 0;
        if (line[0] < '0' || line[0] > '9')
            continue; /* header */
        char *p = line, *q;
        r->table = (int)strtol(p, &p, 10);
        p++;
        r->k = (int)strtol(p, &p, 10);
        p++;
        r->n = strtod(p, &p);
        p++;
        q = strchr(p, ',');
        if (!q)
            continue;
        snprintf(r->method, sizeof r->method, "%.*s", (int)(q - p), p);
        p = q + 1;
        if (*p != '"')
            continue;
        q = strchr(p + 1, '"');
        if (!q)
            continue;
        snprintf(r->model, sizeof r->model, "%.*s", (int)(q - p - 1), p + 1);
        p = q + 2;
        q = strchr(p, ',');
        if (!q)
            continue;
        snprintf(r->quantity, sizeof r->quantity, "%.*s", (int)(q - p), p);
        p = q + 1;
        if (strncmp(p, "NA", 2) == 0)
            r->value = NAN;
        else if (strncmp(p, "Inf", 3) == 0)
            r->value = INFINITY;
        else
            r->value = strtod(p, NULL);
        q = strchr(p, '"');
        snprintf(r->status, sizeof r->status, "%s", q ? q + 1 : "");
        return 1;
    }
}

#endif
