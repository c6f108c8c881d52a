/* tests/test_check.c: existence and identifiability checks (models/check.c).
 *
 * References:
 *  - artificial_3: Chan, Silverman & Vincent (2021) JASA 116:1297, Table 2: [12,13,23] not
 *    identifiable; [12,3], [12,13], [12,23] MLE does not exist; [1,2,3], [13,2], [23,1],
 *    [13,23] pass both checks.
 *  - oracle tables (tests/data/oracle, see its README): MultipleSystemsEstimation 1.2.0
 *    check_extended_MLE(z, "[12,13,...]") and SparseMSE 2.0.1 checkident(z, mX = 0), the
 *    all-two-way model, on every table with k >= 3. Codes are integers: exact match.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "darkfig.h"
#include "search_util.h"

static void check_artificial(void)
{
    dfg_table *t = su_read(DFG_DATA_DIR "/artificial_3.csv");
    CHECK(t != NULL);
    if (!t)
        return;
    static const struct {
        const char *model;
        int code;
    } want[] = {{"[12,13,23]", 2}, {"[12,3]", 1}, {"[12,13]", 1}, {"[12,23]", 1},
                {"[1,2,3]", 0},    {"[13,2]", 0}, {"[23,1]", 0},  {"[13,23]", 0}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        dfg_model m;
        dfg_check_result r;
        dfg_error err = {0};
        CHECK(su_model(3, want[i].model, &m) == 0);
        CHECK_CODE(dfg_check_model(t, 0, &m, &r, &err), DFG_OK);
        if (r.code != want[i].code)
            fprintf(stderr, "artificial_3 %s: code %d, want %d\n", want[i].model, r.code,
                    want[i].code);
        CHECK_CODE(r.code, want[i].code);
        /* A and C, B and C never overlap: [13,...] and [23,...] sit at the boundary */
        size_t nb = (size_t)(strstr(want[i].model, "13") != NULL) +
                    (size_t)(strstr(want[i].model, "23") != NULL);
        CHECK(r.n_boundary == nb);
        if (want[i].code == 0)
            CHECK(r.status == (nb ? DFG_CHECK_BOUNDARY : DFG_CHECK_FINE));
        else if (want[i].code == 1)
            CHECK(r.status == DFG_CHECK_NOMLE);
        else
            CHECK(r.status == DFG_CHECK_NOTIDENT);
        dfg_check_result_free(&r);
        free(m.terms);
    }
    /* bad requests */
    dfg_model bad = {4, 0, NULL};
    dfg_check_result r;
    dfg_error err = {0};
    CHECK_CODE(dfg_check_model(t, 0, &bad, &r, &err), DFG_EINVAL);
    uint32_t term = 8;
    dfg_model bad2 = {3, 1, &term};
    dfg_error err2 = {0};
    CHECK_CODE(dfg_check_model(t, 0, &bad2, &r, &err2), DFG_EINVAL);
    CHECK(strcmp(dfg_check_name(DFG_CHECK_NOMLE), "MLE does not exist") == 0);
    dfg_check_result_free(NULL);
    dfg_table_free(t);
}

static void check_oracle(void)
{
    FILE *f = fopen(DFG_TEST_DATA_DIR "/oracle/oracle_results.csv", "r");
    CHECK(f != NULL);
    if (!f)
        return;
    su_row row;
    int n_mse = 0, n_sparse = 0;
    while (su_oracle_next(f, &row)) {
        int is_mse = strcmp(row.method, "mse_check_extended_MLE") == 0;
        int is_sparse = strcmp(row.method, "sparsemse_checkident") == 0;
        if (!(is_mse || is_sparse) || strcmp(row.quantity, "code") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, DFG_TEST_DATA_DIR "/oracle/oracle_%03d.csv", row.table);
        dfg_table *t = su_read(path);
        CHECK(t != NULL);
        if (!t)
            continue;
        dfg_model m;
        CHECK(su_model((size_t)row.k, row.model, &m) == 0);
        dfg_check_result r;
        dfg_error err = {0};
        CHECK_CODE(dfg_check_model(t, 0, &m, &r, &err), DFG_OK);
        if (r.code != (int)row.value)
            fprintf(stderr, "oracle %03d %s %s: code %d, want %d\n", row.table, row.method,
                    row.model, r.code, (int)row.value);
        CHECK_CODE(r.code, (int)row.value);
        n_mse += is_mse;
        n_sparse += is_sparse;
        dfg_check_result_free(&r);
        free(m.terms);
        dfg_table_free(t);
    }
    fclose(f);
    /* every table with k >= 3 has both rows */
    CHECK_CODE(n_mse, 146);
    CHECK_CODE(n_sparse, 146);
}

int main(void)
{
    check_artificial();
    check_oracle();
    CHECK_DONE();
}
