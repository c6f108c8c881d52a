/* tests/oracle.c: the readers the reference tests share (tests/oracle.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "oracle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

dfg_table *oracle_dataset(const char *name)
{
    char path[512];
    size_t len = strlen(name);
    int has_csv = len >= 4 && strcmp(name + len - 4, ".csv") == 0;
    snprintf(path, sizeof path, "%s/%s%s", DFG_DATA_DIR, name, has_csv ? "" : ".csv");
    dfg_table *t = NULL;
    dfg_error err = {0};
    if (dfg_table_read_csv(path, NULL, &t, &err) != DFG_OK)
        fprintf(stderr, "cannot read %s: %s: %s\n", path, err.where, err.msg);
    return t;
}

dfg_table *oracle_test_table(const char *rel, const char *lists)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DFG_TEST_DATA_DIR, rel);
    dfg_csv_opts co = dfg_csv_opts_default();
    co.lists = lists;
    dfg_table *t = NULL;
    dfg_error err = {0};
    if (dfg_table_read_csv(path, &co, &t, &err) != DFG_OK)
        fprintf(stderr, "cannot read %s: %s: %s\n", path, err.where, err.msg);
    return t;
}

dfg_itable *oracle_test_itable(const char *rel, const char *lists, dfg_table **tp)
{
    dfg_itable *it = NULL;
    dfg_error err = {0};
    if ((*tp = oracle_test_table(rel, lists)) != NULL &&
        dfg_itable_new(*tp, NULL, &it, &err) != DFG_OK) {
        fprintf(stderr, "%s: incomplete-data table: %s\n", rel, err.msg);
        dfg_table_free(*tp);
        *tp = NULL;
    }
    return it;
}

dfg_status oracle_em_fit(oracle_em *r, const char *rel, const char *lists, const char *model,
                         const dfg_em_opts *eo, dfg_error *err)
{
    memset(r, 0, sizeof *r);
    if ((r->t = oracle_test_table(rel, lists)) == NULL)
        return DFG_EIO;
    dfg_status rc;
    if ((rc = dfg_itable_new(r->t, NULL, &r->it, err)) != DFG_OK ||
        (rc = dfg_cmodel_parse(model, dfg_itable_ctable(r->it), &r->m, err)) != DFG_OK)
        return rc;
    return dfg_em_fit(r->it, &r->m, eo, &r->f, err);
}

void oracle_em_free(oracle_em *r)
{
    dfg_emfit_free(&r->f);
    dfg_cmodel_free(&r->m);
    dfg_itable_free(r->it);
    dfg_table_free(r->t);
}

dfg_ctable *oracle_test_ctable(const char *rel, const char *lists, dfg_table **tp)
{
    *tp = oracle_test_table(rel, lists);
    dfg_ctable *ct = NULL;
    dfg_error err = {0};
    if (*tp && dfg_ctable_new(*tp, 0, &ct, &err) != DFG_OK)
        fprintf(stderr, "%s: full table: %s\n", rel, err.msg);
    return ct;
}

size_t oracle_cov_index(const dfg_ctable *ct, const char *name)
{
    for (size_t c = 0; c < dfg_ctable_n_cov(ct); c++)
        if (strcmp(dfg_ctable_cov_name(ct, c), name) == 0)
            return c;
    return (size_t)-1;
}

dfg_table *oracle_read_counts(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    char line[4096], *names[DFG_MAX_LISTS + 1];
    size_t k = 0;
    dfg_table *t = NULL;
    if (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        for (char *tok = strtok(line, ","); tok && k <= DFG_MAX_LISTS; tok = strtok(NULL, ","))
            names[k++] = tok;
        if (k >= 3)
            t = dfg_table_new(k - 1, (const char *const *)names, 0, NULL, NULL);
        k--; /* the last column is the count */
    }
    while (t && fgets(line, sizeof line, f)) {
        uint32_t pat = 0;
        char *p = line;
        for (size_t j = 0; j < k && p; j++) {
            if (*p == '1')
                pat |= (uint32_t)1 << j;
            p = strchr(p, ',');
            if (p)
                p++;
        }
        /* the all-zero pattern (count 0) says nothing */
        if (!p || (pat && dfg_table_add(t, 0, pat, strtod(p, NULL), NULL) != DFG_OK)) {
            dfg_table_free(t);
            t = NULL;
        }
    }
    fclose(f);
    return t;
}

dfg_table *oracle_table(int id)
{
    char path[512];
    snprintf(path, sizeof path, "%s/oracle/oracle_%03d.csv", DFG_TEST_DATA_DIR, id);
    return oracle_read_counts(path);
}

void oracle_first_vs_rest(const dfg_table *t, size_t s, double *na, double *nb, double *m)
{
    *na = *nb = *m = 0.0;
    for (size_t i = 0; i < dfg_table_n_patterns(t, s); i++) {
        uint32_t x;
        double c;
        dfg_table_pattern(t, s, i, &x, &c);
        *na += (x & 1) ? c : 0.0;
        *nb += (x & ~1u) ? c : 0.0;
        *m += ((x & 1) && (x & ~1u)) ? c : 0.0;
    }
}

FILE *oracle_test_file(const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DFG_TEST_DATA_DIR, rel);
    FILE *f = fopen(path, "r");
    if (!f)
        fprintf(stderr, "cannot open %s\n", path);
    return f;
}

size_t oracle_read_rows(const char *rel, size_t cap,
                        int (*row)(const char *line, size_t i, void *ctx), void *ctx)
{
    char line[2048];
    FILE *f = oracle_test_file(rel);
    if (!f)
        return 0;
    size_t n = 0;
    while (n < cap && fgets(line, sizeof line, f))
        n += row(line, n, ctx) != 0;
    fclose(f);
    return n;
}

FILE *oracle_results_open(void)
{
    return oracle_test_file("oracle/oracle_results.csv");
}

int oracle_next(FILE *f, oracle_row *r)
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
        r->status[strcspn(r->status, "\"\r\n")] = '\0';
        return 1;
    }
}

long oracle_each(const char *method, void (*fn)(const oracle_row *r, void *ctx), void *ctx)
{
    FILE *f = oracle_results_open();
    if (!f)
        return -1;
    oracle_row r;
    long n = 0;
    while (oracle_next(f, &r))
        if (!method || strcmp(r.method, method) == 0) {
            fn(&r, ctx);
            n++;
        }
    fclose(f);
    return n;
}

typedef struct {
    const char *quantity;
    void (*fn)(const oracle_row *r, const dfg_table *t, void *ctx);
    void *ctx;
    long n, missing;
} each_table;

static void with_table(const oracle_row *r, void *ctx)
{
    each_table *e = ctx;
    if (strcmp(r->quantity, e->quantity) != 0)
        return;
    dfg_table *t = oracle_table(r->table);
    if (!t) {
        e->missing++;
        return;
    }
    e->fn(r, t, e->ctx);
    e->n++;
    dfg_table_free(t);
}

long oracle_each_table(const char *method, const char *quantity,
                       void (*fn)(const oracle_row *r, const dfg_table *t, void *ctx), void *ctx)
{
    each_table e = {quantity, fn, ctx, 0, 0};
    if (oracle_each(method, with_table, &e) < 0 || e.missing)
        return -1;
    return e.n;
}

int oracle_store(const oracle_row *r, const oracle_field *fields, size_t n_fields, void *dst)
{
    for (size_t i = 0; i < n_fields; i++)
        if (strcmp(r->quantity, fields[i].quantity) == 0) {
            memcpy((char *)dst + fields[i].offset, &r->value, sizeof r->value);
            return 1;
        }
    return 0;
}

int oracle_model(size_t k, const char *spec, dfg_model *m)
{
    uint32_t terms[256];
    size_t n = 0;
    for (size_t j = 0; j < k; j++)
        terms[n++] = 1u << j;
    uint32_t cur = 0;
    for (const char *p = spec;; p++) {
        if (*p >= '1' && *p <= '9') {
            cur |= 1u << (*p - '1');
            continue;
        }
        /* every nonempty subset of cur */
        for (uint32_t s = cur; s; s = (s - 1) & cur) {
            size_t i = 0;
            while (i < n && terms[i] != s)
                i++;
            if (i == n && n < 256)
                terms[n++] = s;
        }
        cur = 0;
        if (!*p)
            break;
    }
    m->k = k;
    m->n_terms = n;
    m->terms = malloc(n * sizeof *m->terms);
    if (!m->terms)
        return -1;
    memcpy(m->terms, terms, n * sizeof *terms);
    return 0;
}

/* Sort terms[0..n-1] (a few dozen at most). */
static void sort_terms(uint32_t *t, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && t[j - 1] > t[j]; j--) {
            uint32_t x = t[j];
            t[j] = t[j - 1];
            t[j - 1] = x;
        }
}

size_t oracle_terms_of(size_t k, const char *spec, uint32_t *out, size_t cap)
{
    dfg_model m;
    size_t n = 0;
    if (oracle_model(k, spec, &m))
        return 0;
    for (size_t i = 0; i < m.n_terms; i++)
        if ((m.terms[i] & (m.terms[i] - 1)) && n < cap)
            out[n++] = m.terms[i];
    free(m.terms);
    sort_terms(out, n);
    return n;
}

int oracle_same_model(const dfg_model *m, const char *want)
{
    uint32_t w[128], g[128];
    size_t nw = oracle_terms_of(m->k, want, w, 128), ng = 0;
    for (size_t i = 0; i < m->n_terms && ng < 128; i++)
        if (m->terms[i] & (m->terms[i] - 1))
            g[ng++] = m->terms[i];
    sort_terms(g, ng);
    return nw == ng && memcmp(w, g, nw * sizeof *w) == 0;
}

dfg_status oracle_boot_bca(const dfg_estimator *est, const dfg_est_opts *eo, const char *file,
                           uint32_t seed, dfg_boot_result *r, dfg_error *err)
{
    memset(r, 0, sizeof *r);
    dfg_table *t = oracle_dataset(file);
    if (!t)
        return DFG_EIO;
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = 1000;
    bo.seed = seed;
    bo.threads = 2;
    bo.type = DFG_BOOT_NONPARAMETRIC;
    bo.interval = DFG_CI_BCA;
    bo.level = 0.95;
    dfg_status rc = dfg_boot_run(est, t, 0, eo, &bo, r, err);
    if (rc != DFG_OK)
        fprintf(stderr, "%s: %s: %s\n", file, err->where, err->msg);
    else
        printf("%s: N %.1f [%s], BCa (%.1f, %.1f); z0 %.4f a %.4f, percentile (%.1f, %.1f), "
               "failed %.3f, boundary %.3f, %zu models, top %s (%zu)\n",
               file, r->nhat, r->model, r->ci.lower, r->ci.upper, r->z0, r->accel,
               r->percentile.lower, r->percentile.upper, r->share_failed, r->share_boundary,
               r->n_models, r->n_models ? r->models[0] : "-", r->n_models ? r->model_count[0] : 0);
    dfg_table_free(t);
    return rc;
}

/* |got - want| <= tol, or print why not; 1 when it fails. */
static int off_by(const char *file, const char *what, double got, double want, double tol)
{
    if (fabs(got - want) <= tol)
        return 0;
    fprintf(stderr, "%s: %s %.6g, want %.6g +- %.3g\n", file, what, got, want, tol);
    return 1;
}

int oracle_boot_compare(const dfg_estimator *est, const dfg_est_opts *eo, const oracle_boot_case *c,
                        uint32_t seed)
{
    dfg_boot_result r;
    dfg_error err = {0};
    if (!est) {
        fprintf(stderr, "%s: no such estimator\n", c->file);
        return -1;
    }
    if (oracle_boot_bca(est, eo, c->file, seed, &r, &err) != DFG_OK)
        return -1;
    double tol_lo = 3.0 * sqrt(2.0) * c->sd_lower, tol_hi = 3.0 * sqrt(2.0) * c->sd_upper;
    printf("  max order %d: want N %.0f, BCa (%.0f, %.0f) +- (%.0f, %.0f)\n", c->max_order, c->nhat,
           c->lower, c->upper, tol_lo, tol_hi);
    int bad = off_by(c->file, "N", r.nhat, c->nhat, 0.5);
    if (c->model && strcmp(r.model, c->model) != 0) {
        fprintf(stderr, "%s: model %s, want %s\n", c->file, r.model, c->model);
        bad++;
    }
    bad += off_by(c->file, "lower", r.ci.lower, c->lower, tol_lo);
    bad += off_by(c->file, "upper", r.ci.upper, c->upper, tol_hi);
    dfg_boot_result_free(&r);
    return bad;
}
