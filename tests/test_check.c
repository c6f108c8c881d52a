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
#include "oracle.h"

#include <stdlib.h>
#include <string.h>

static void check_artificial(void)
{
    dfg_table *t = oracle_read_counts(DFG_DATA_DIR "/artificial_3.csv");
    if (!CHECK(t != NULL))
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
        CHECK(oracle_model(3, want[i].model, &m) == 0);
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

/* One check row: our code for the model on that oracle table. */
static void check_row(const oracle_row *row, const dfg_table *t, void *ctx)
{
    (void)ctx;
    dfg_model m;
    CHECK(oracle_model((size_t)row->k, row->model, &m) == 0);
    dfg_check_result r;
    dfg_error err = {0};
    CHECK_CODE(dfg_check_model(t, 0, &m, &r, &err), DFG_OK);
    CHECK_MSG(r.code == (int)row->value, "oracle %03d %s %s: code %d, want %d", row->table,
              row->method, row->model, r.code, (int)row->value);
    dfg_check_result_free(&r);
    free(m.terms);
}

/* every table with k >= 3 has both rows */
static void check_oracle(void)
{
    CHECK_CODE(oracle_each_table("mse_check_extended_MLE", "code", check_row, NULL), 146);
    CHECK_CODE(oracle_each_table("sparsemse_checkident", "code", check_row, NULL), 146);
}

int main(void)
{
    check_artificial();
    check_oracle();
    CHECK_DONE();
}
