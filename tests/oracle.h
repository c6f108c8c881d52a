/* tests/oracle.h: the readers the reference tests share, so that each test file holds
 * only its references and tolerances:
 *  - the bundled datasets (data/NAME) through the library's CSV reader;
 *  - a pattern-count CSV (0/1 list columns, then the count) through a reader of our own,
 *    for references that must not depend on core/csv.c (the oracle tables
 *    tests/data/oracle/oracle_NNN.csv among them);
 *  - the rows of tests/data/oracle/oracle_results.csv (README.md there):
 *    table,k,n,method,"model",quantity,value,"status";
 *  - models written in bracket notation over one-digit list positions ("[12,3]"), and
 *    models compared as sets of terms;
 *  - the bootstrap runs of the published BCa intervals (ref_boot, ref_boot2024).
 * The functions check nothing: the tests do (tests/check.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DFG_ORACLE_H
#define DFG_ORACLE_H

#include "darkfig.h"

#include <stdio.h>

/* data/NAME ("netherlands_6" or "netherlands_6.csv") read by dfg_table_read_csv; NULL
 * after printing why. */
dfg_table *oracle_dataset(const char *name);
/* DFG_TEST_DATA_DIR/REL ("cov/oracle-cov/cov_003.csv") read by dfg_table_read_csv with
 * the list columns `lists` (NULL: the reader's default); NULL after printing why. */
dfg_table *oracle_test_table(const char *rel, const char *lists);
/* oracle_test_table and its incomplete-data table (dfg_itable_new, default options):
 * *tp the table; NULL (and *tp NULL) after printing why. */
dfg_itable *oracle_test_itable(const char *rel, const char *lists, dfg_table **tp);
/* An EM fit of a test file: the table, its incomplete-data table, the model and the fit. */
typedef struct {
    dfg_table *t;
    dfg_itable *it;
    dfg_cmodel m;
    dfg_emfit f;
} oracle_em;
/* DFG_TEST_DATA_DIR/REL with list columns `lists`, its incomplete-data table (default
 * options), `model` parsed over it and fitted by dfg_em_fit with eo (NULL: defaults).
 * DFG_OK, or the code of the first step that failed (err says why; DFG_EIO, after printing
 * why, when the file cannot be read). Release r with oracle_em_free, also after a failure. */
dfg_status oracle_em_fit(oracle_em *r, const char *rel, const char *lists, const char *model,
                         const dfg_em_opts *eo, dfg_error *err);
void oracle_em_free(oracle_em *r);
/* oracle_test_table(rel, lists) as the full table over lists and covariates
 * (dfg_ctable_new); *tp = the table it came from (release both). NULL after printing why. */
dfg_ctable *oracle_test_ctable(const char *rel, const char *lists, dfg_table **tp);
/* The index of covariate `name` of ct, or SIZE_MAX. */
size_t oracle_cov_index(const dfg_ctable *ct, const char *name);
/* A pattern-count CSV read without core/csv.c; NULL on any problem. */
dfg_table *oracle_read_counts(const char *path);
/* tests/data/oracle/oracle_NNN.csv (oracle_read_counts). */
dfg_table *oracle_table(int id);

/* One row of oracle_results.csv; value NaN for NA, +inf for Inf; status without quotes. */
typedef struct {
    int table, k;
    double n;
    char method[64], model[128], quantity[64], status[512];
    double value;
} oracle_row;

/* The two-list view of stratum s of t: na seen by the first list, nb by any other, m by
 * both (the counts of Chapman's and Lincoln-Petersen's estimators). */
void oracle_first_vs_rest(const dfg_table *t, size_t s, double *na, double *nb, double *m);

/* DFG_TEST_DATA_DIR/REL open for reading; NULL after printing why. */
FILE *oracle_test_file(const char *rel);
/* Up to cap rows of the small CSV file DFG_TEST_DATA_DIR/REL: row(line, i, ctx) reads line
 * into row i and returns 1, or 0 for a line that is not a row (the header). Returns the
 * number of rows read; 0 when the file cannot be opened. */
size_t oracle_read_rows(const char *rel, size_t cap,
                        int (*row)(const char *line, size_t i, void *ctx), void *ctx);
/* tests/data/oracle/oracle_results.csv, open for oracle_next; NULL after printing why. */
FILE *oracle_results_open(void);
/* The next row (the header and malformed lines are skipped); 0 at the end. */
int oracle_next(FILE *f, oracle_row *r);
/* fn(row, ctx) on every row whose method is `method` (NULL: every row). Returns how many
 * rows went to fn, -1 when the file cannot be read. */
long oracle_each(const char *method, void (*fn)(const oracle_row *r, void *ctx), void *ctx);
/* fn(row, table, ctx) on every row of method whose quantity is `quantity`, with the row's
 * oracle table (oracle_table, freed after the call). Returns how many rows went to fn, -1
 * when the file or one of the tables cannot be read. */
long oracle_each_table(const char *method, const char *quantity,
                       void (*fn)(const oracle_row *r, const dfg_table *t, void *ctx), void *ctx);

/* A quantity of oracle_results.csv and the offset of the double it fills in a test's own
 * row struct (offsetof). */
typedef struct {
    const char *quantity;
    size_t offset;
} oracle_field;
/* Store r->value in the field of dst named r->quantity; 0 when no field has that name. */
int oracle_store(const oracle_row *r, const oracle_field *fields, size_t n_fields, void *dst);

/* The model of a bracket string over one-digit positions, closed under subsets, main
 * effects added ("[12,3]"). 0 or -1 (m->terms is malloc'd: release it with free). */
int oracle_model(size_t k, const char *spec, dfg_model *m);
/* The terms of order >= 2 of a bracket string, sorted, into out (at most cap). */
size_t oracle_terms_of(size_t k, const char *spec, uint32_t *out, size_t cap);
/* 1 when m has the same terms as the bracket string want. */
int oracle_same_model(const dfg_model *m, const char *want);

/* The BCa bootstrap of a published interval: estimator est with options eo on data/FILE,
 * B = 1000 replicates on 2 threads, nonparametric, level 0.95, stream seed. Prints one
 * line with the bootstrap's summary. Fills *r (release with dfg_boot_result_free) and
 * returns the bootstrap's status. */
dfg_status oracle_boot_bca(const dfg_estimator *est, const dfg_est_opts *eo, const char *file,
                           uint32_t seed, dfg_boot_result *r, dfg_error *err);

/* A published BCa interval: N, limits, the measured s.d. of one run's limits, and the
 * model chosen on the data (NULL: not compared). */
typedef struct {
    const char *file;
    int max_order; /* for the reader: the search's maximum order (0 = default) */
    const char *model;
    double nhat, lower, upper;
    double sd_lower, sd_upper;
} oracle_boot_case;
/* oracle_boot_bca, then N to 0.5 (half a unit of the printed digit), the model, and each
 * limit to 3 sqrt(2) sd (three s.d. of the difference of two Monte-Carlo estimates; the
 * headers of ref_boot.c and ref_boot2024.c). Returns how many comparisons failed (each
 * described on stderr), -1 when est is NULL or the bootstrap failed. */
int oracle_boot_compare(const dfg_estimator *est, const dfg_est_opts *eo, const oracle_boot_case *c,
                        uint32_t seed);

#endif
