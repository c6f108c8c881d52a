/* tests/test_alloc_fail.c: allocation-failure sweep over the CSV reader and the table.
 * For k = 0, 1, 2, ...: the (k+1)-th allocation and all later ones fail; reading must
 * return DFG_ENOMEM (no table) or DFG_OK, never crash or leak (the ASan build checks
 * leaks), until a k where it succeeds; that table must equal the one read without
 * failures. Inputs: a records file with covariates (strata, the row buffer, the hashes),
 * a pattern file, and a bad file whose error must stay DFG_EDATA once memory suffices.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"

#include <string.h>

static int same_table(const dfg_table *a, const dfg_table *b)
{
    if (dfg_table_k(a) != dfg_table_k(b) || dfg_table_n_strata(a) != dfg_table_n_strata(b))
        return 0;
    for (size_t s = 0; s < dfg_table_n_strata(a); s++) {
        if (dfg_table_n_patterns(a, s) != dfg_table_n_patterns(b, s))
            return 0;
        for (size_t i = 0; i < dfg_table_n_patterns(a, s); i++) {
            uint32_t p, q;
            double c, d;
            dfg_table_pattern(a, s, i, &p, &c);
            dfg_table_pattern(b, s, i, &q, &d);
            if (p != q || c != d)
                return 0;
        }
    }
    return 1;
}

/* Sweep k until the read succeeds (or gives final_rc); returns the number of k tried. */
static long sweep(const char *path, const char *lists, dfg_status final_rc)
{
    dfg_csv_opts o = dfg_csv_opts_default();
    o.lists = lists;
    dfg_table *ref = NULL;
    dfg_error err = {0};
    CHECK_CODE(dfg_table_read_csv(path, &o, &ref, &err), final_rc);
    long k, bad = 0;
    for (k = 0; k < 100000; k++) {
        dfg_table *t = (dfg_table *)1;
        dfg_error e = {0};
        dfg_alloc_fail_after(k);
        dfg_status rc = dfg_table_read_csv(path, &o, &t, &e);
        dfg_alloc_fail_after(-1);
        if (rc == DFG_ENOMEM) {
            bad += t != NULL || e.code != DFG_ENOMEM;
            continue;
        }
        if (rc != final_rc) {
            fprintf(stderr, "%s: k = %ld gave %d (%s: %s)\n", path, k, (int)rc, e.where, e.msg);
            bad++;
        }
        if (rc == DFG_OK) {
            CHECK(ref && t && same_table(ref, t));
            dfg_table_free(t);
        } else {
            CHECK(t == NULL);
        }
        break;
    }
    CHECK(bad == 0);
    CHECK(k > 3 && k < 100000); /* some allocations were made, and the sweep ended */
    dfg_table_free(ref);
    return k;
}

int main(void)
{
    sweep(DFG_TEST_DATA_DIR "/good/strata_records.csv", "A,B,C", DFG_OK);
    sweep(DFG_TEST_DATA_DIR "/good/quoted_multiline.csv", "A,B,C", DFG_OK);
    sweep(DFG_TEST_DATA_DIR "/good/records.csv", NULL, DFG_OK);
    sweep(DFG_DATA_DIR "/netherlands_6.csv", NULL, DFG_OK);
    sweep(DFG_TEST_DATA_DIR "/bad/repeated_pattern_in_stratum.csv", "A,B", DFG_EDATA);

    /* the table API itself: new, stratum, add, collapse, from_cells */
    const char *names[] = {"A", "B", "C"}, *cov[] = {"g"}, *v1[] = {"x"}, *v2[] = {"y"};
    long k;
    for (k = 0; k < 1000; k++) {
        dfg_alloc_fail_after(k);
        dfg_error e = {0};
        dfg_table *t = dfg_table_new(3, names, 1, cov, &e), *c = NULL;
        size_t s1 = 0, s2 = 0;
        int ok = t && dfg_table_stratum(t, v1, &s1, &e) == DFG_OK &&
                 dfg_table_stratum(t, v2, &s2, &e) == DFG_OK;
        for (uint32_t p = 7; ok && p >= 1; p--)
            ok = dfg_table_add(t, p % 2 ? s1 : s2, p, (double)p, &e) == DFG_OK;
        ok = ok && (c = dfg_table_collapse(t, &e)) != NULL;
        const double y[8] = {0, 1, 2, 3, 4, 5, 6, 7};
        dfg_table *u = ok ? dfg_table_from_cells(3, names, y, &e) : NULL;
        ok = ok && u != NULL;
        dfg_alloc_fail_after(-1);
        CHECK(ok || e.code == DFG_ENOMEM);
        if (ok)
            CHECK(same_table(c, u)); /* the strata summed are the cells 1..7 */
        dfg_table_free(u);
        dfg_table_free(c);
        dfg_table_free(t);
        if (ok)
            break;
    }
    CHECK(k > 3 && k < 1000);
    CHECK_DONE();
}
