/* tests/fuzz/fuzz_csv.c: libFuzzer target for the CSV reader (core/csv.c), both shapes
 * (pattern counts and records), with and without covariates.
 *
 * The first byte picks the options: none (every column but "count" is a list), --lists
 * A,B,C or A,B (the other columns are covariates: one stratum per combination),
 * --count n / N (a renamed count column). The rest is the file. Every input must give
 * DFG_OK with a table whose strata hold increasing patterns, non-negative counts and the
 * stated totals, or an error with no table, an error place and a message; the same with
 * the fast path for plain lines off (libcsv alone). ASan and UBSan catch the rest (leaks
 * included).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void pick_options(uint8_t b, dfg_csv_opts *o)
{
    switch (b % 6) {
    case 1:
        o->lists = "A,B,C";
        break;
    case 2:
        o->count = "n";
        break;
    case 3:
        o->lists = "A, B";
        o->count = "N";
        break;
    case 4:
        o->lists = "A,B"; /* every other column a covariate */
        break;
    case 5:
        o->lists = "x,y,z";
        o->count = "count";
        break;
    default:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dfg_csv_opts o = dfg_csv_opts_default();
    if (size > 0) {
        pick_options(data[0], &o);
        data++;
        size--;
    }
    dfg_table *t = NULL, *u = NULL;
    dfg_error err = {0}, e2 = {0};
    dfg_csv_fast_path(0);
    dfg_status rc2 = dfg_table_read_csv_buffer("fuzz", (const char *)data, size, &o, &u, &e2);
    dfg_csv_fast_path(1);
    dfg_status rc = dfg_table_read_csv_buffer("fuzz", (const char *)data, size, &o, &t, &err);
    if (rc != rc2 || strcmp(err.where, e2.where) != 0 || strcmp(err.msg, e2.msg) != 0 ||
        dfg_table_n_strata(t) != dfg_table_n_strata(u))
        abort();
    for (size_t s = 0; s < dfg_table_n_strata(t); s++) {
        if (dfg_table_n_patterns(t, s) != dfg_table_n_patterns(u, s))
            abort();
        for (size_t i = 0; i < dfg_table_n_patterns(t, s); i++) {
            uint32_t p, q;
            double c, d;
            dfg_table_pattern(t, s, i, &p, &c);
            dfg_table_pattern(u, s, i, &q, &d);
            if (p != q || c != d)
                abort();
        }
    }
    dfg_table_free(u);
    if (rc == DFG_OK) {
        if (!t || dfg_table_k(t) < 2 || dfg_table_k(t) > DFG_MAX_LISTS)
            abort();
        for (size_t s = 0; s < dfg_table_n_strata(t); s++) {
            double sum = 0.0;
            uint32_t prev = 0;
            for (size_t c = 0; c < dfg_table_n_cov(t); c++)
                if (!dfg_table_stratum_value(t, s, c))
                    abort();
            for (size_t i = 0; i < dfg_table_n_patterns(t, s); i++) {
                uint32_t p;
                double c;
                dfg_table_pattern(t, s, i, &p, &c);
                if (p <= prev || !(c >= 0.0))
                    abort();
                if (dfg_table_k(t) < 32 && (p >> dfg_table_k(t)) != 0)
                    abort();
                prev = p;
                sum += c;
            }
            if (sum != dfg_table_n_obs(t, s))
                abort();
        }
        dfg_table_free(t);
    } else if (t || err.code != rc || !err.msg[0] || !err.where[0]) {
        abort();
    }
    return 0;
}
