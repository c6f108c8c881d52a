/* tests/test_terms.c: model terms: parsing, hierarchical closure, formatting, errors.
 * Expected strings follow MultipleSystemsEstimation 1.2.0's notation (maximal terms,
 * higher order first, then uncovered main effects: "[12,16,23,25,34,36,45,46]",
 * "[45,1,2,3,6,7,8]", "[135,12,24,34]" as printed in /work/shared/data/README.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"

#include <string.h>

static dfg_table *make_table(size_t k, const char *const *names)
{
    dfg_error err = {0};
    return dfg_table_new(k, names, 0, NULL, &err);
}

/* parse spec on t and format it back */
static dfg_status roundtrip(const char *spec, const dfg_table *t, char *buf, size_t size,
                            dfg_error *err)
{
    dfg_model m = {0};
    dfg_status rc = dfg_model_parse(spec, t, &m, err);
    if (rc == DFG_OK)
        dfg_model_format(&m, t, buf, size);
    dfg_model_free(&m);
    return rc;
}

static int has_term(const dfg_model *m, uint32_t t)
{
    for (size_t i = 0; i < m->n_terms; i++)
        if (m->terms[i] == t)
            return 1;
    return 0;
}

static void terms_are_sorted_by_order_then_value(const dfg_model *m)
{
    int ok = 1;
    for (size_t i = 1; i < m->n_terms; i++) {
        unsigned a = dfg_popcount(m->terms[i - 1]), b = dfg_popcount(m->terms[i]);
        if (a > b || (a == b && m->terms[i - 1] >= m->terms[i]))
            ok = 0;
    }
    CHECK(ok);
}

int main(void)
{
    const char *n6[] = {"I", "K", "O", "P", "R", "Z"};
    const char *n8[] = {"A", "B", "C", "D", "E", "F", "G", "H"};
    const char *uk[] = {"LA", "NG", "PFNCA", "GO", "GP"};
    const char *n3[] = {"b", "c", "d"};
    dfg_table *t6 = make_table(6, n6), *t8 = make_table(8, n8), *tuk = make_table(5, uk);
    dfg_table *t3 = make_table(3, n3);
    CHECK(t6 && t8 && tuk && t3);
    char buf[256];
    dfg_error err = {0};

    /* parse_positions_closes_and_adds_main_effects */
    dfg_model m = {0};
    CHECK_CODE(dfg_model_parse("[12,16,23,25,34,36,45,46]", t6, &m, &err), DFG_OK);
    CHECK(m.k == 6 && m.n_terms == 14); /* 6 main effects + 8 pairs */
    CHECK(has_term(&m, 0x3) && has_term(&m, 0x21) && has_term(&m, 0x28) && !has_term(&m, 0x5));
    terms_are_sorted_by_order_then_value(&m);
    dfg_model_format(&m, t6, buf, sizeof buf);
    CHECK(strcmp(buf, "[12,16,23,25,34,36,45,46]") == 0);
    dfg_model_free(&m);
    CHECK(m.terms == NULL && m.n_terms == 0);

    /* format_puts_uncovered_main_effects_after_interactions */
    CHECK_CODE(roundtrip("[45]", t8, buf, sizeof buf, &err), DFG_OK);
    CHECK(strcmp(buf, "[45,1,2,3,6,7,8]") == 0);

    /* three_way_term_closes_under_subsets */
    CHECK_CODE(dfg_model_parse("[135,12,24,34]", tuk, &m, &err), DFG_OK);
    CHECK(m.n_terms == 5 + 1 + 3 + 3); /* mains, 135, its 13 15 35, and 12 24 34 */
    CHECK(has_term(&m, 0x15) && has_term(&m, 0x5) && has_term(&m, 0x11) && has_term(&m, 0x14));
    terms_are_sorted_by_order_then_value(&m);
    dfg_model_format(&m, tuk, buf, sizeof buf);
    CHECK(strcmp(buf, "[135,12,24,34]") == 0);
    dfg_model_free(&m);

    /* subsets_of_a_given_term_are_not_listed_in_the_format */
    CHECK_CODE(roundtrip("[13, 1 ,135,12]", tuk, buf, sizeof buf, &err), DFG_OK);
    CHECK(strcmp(buf, "[135,12,4]") == 0);

    /* names_joined_by_colons_equal_positions */
    dfg_model a = {0}, b = {0};
    CHECK_CODE(dfg_model_parse("[LA:NG,PFNCA:GP]", tuk, &a, &err), DFG_OK);
    CHECK_CODE(dfg_model_parse("[12,35]", tuk, &b, &err), DFG_OK);
    CHECK(a.n_terms == b.n_terms && memcmp(a.terms, b.terms, a.n_terms * sizeof *a.terms) == 0);
    dfg_model_free(&a);

    /* copy_is_deep */
    CHECK_CODE(dfg_model_copy(&b, &a, &err), DFG_OK);
    CHECK(a.terms != b.terms && a.n_terms == b.n_terms &&
          memcmp(a.terms, b.terms, a.n_terms * sizeof *a.terms) == 0);
    dfg_model_free(&a);
    dfg_model_free(&b);

    /* independence_spellings */
    CHECK_CODE(roundtrip("", t3, buf, sizeof buf, &err), DFG_OK);
    CHECK(strcmp(buf, "[1,2,3]") == 0);
    CHECK_CODE(roundtrip("[]", t3, buf, sizeof buf, &err), DFG_OK);
    CHECK(strcmp(buf, "[1,2,3]") == 0);
    CHECK_CODE(roundtrip("independence", t3, buf, sizeof buf, &err), DFG_OK);
    CHECK(strcmp(buf, "[1,2,3]") == 0);
    CHECK_CODE(dfg_model_independence(4, &m, &err), DFG_OK);
    CHECK(m.n_terms == 4 && m.terms[0] == 1 && m.terms[3] == 8);
    dfg_model_free(&m);

    /* from_terms_closes */
    uint32_t tt[] = {0x7, 0x18}; /* [123,45] over 5 lists */
    CHECK_CODE(dfg_model_from_terms(5, tt, 2, &m, &err), DFG_OK);
    CHECK(m.n_terms == 5 + 3 + 1 + 1);
    dfg_model_free(&m);

    /* format_reports_needed_length_like_snprintf */
    CHECK_CODE(dfg_model_parse("[12,16,23,25,34,36,45,46]", t6, &m, &err), DFG_OK);
    char small[8];
    size_t need = dfg_model_format(&m, t6, small, sizeof small);
    CHECK(need == strlen("[12,16,23,25,34,36,45,46]") && strlen(small) == 7);
    dfg_model_free(&m);

    /* k_way_term_is_refused_as_not_identifiable */
    dfg_error e1 = {0};
    CHECK_CODE(dfg_model_parse("[123]", t3, &m, &e1), DFG_EINVAL);
    CHECK(strstr(e1.msg, "not identifiable") != NULL);
    uint32_t full = 0x7;
    dfg_error e2 = {0};
    CHECK_CODE(dfg_model_from_terms(3, &full, 1, &m, &e2), DFG_EINVAL);

    /* bad_inputs_are_parse_errors_with_a_column */
    dfg_error e3 = {0};
    CHECK_CODE(dfg_model_parse("[12,17]", t6, &m, &e3), DFG_EPARSE);
    CHECK(strcmp(e3.where, "model:6") == 0);
    dfg_error e4 = {0};
    CHECK_CODE(dfg_model_parse("[12,x3]", t6, &m, &e4), DFG_EPARSE);
    CHECK(strcmp(e4.where, "model:5") == 0 && strstr(e4.msg, "unknown list") != NULL);
    dfg_error e5 = {0};
    CHECK_CODE(dfg_model_parse("[LA:XX]", tuk, &m, &e5), DFG_EPARSE);
    CHECK(strcmp(e5.where, "model:5") == 0);
    dfg_error e6 = {0};
    CHECK_CODE(dfg_model_parse("12,3", t3, &m, &e6), DFG_EPARSE);
    dfg_error e7 = {0};
    CHECK_CODE(dfg_model_parse("[12,,3]", t3, &m, &e7), DFG_EPARSE);
    dfg_error e8 = {0};
    CHECK_CODE(dfg_model_parse("[11]", t3, &m, &e8), DFG_EPARSE);
    dfg_error e9 = {0};
    CHECK_CODE(dfg_model_parse("[12", t3, &m, &e9), DFG_EPARSE);
    dfg_error e10 = {0};
    CHECK_CODE(dfg_model_parse("[0]", t3, &m, &e10), DFG_EPARSE);
    CHECK(m.terms == NULL);
    uint32_t bad = 0x10;
    CHECK_CODE(dfg_model_from_terms(3, &bad, 1, &m, &err), DFG_EINVAL);

    /* names_for_more_than_nine_lists */
    const char *n10[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
    dfg_table *t10 = make_table(10, n10);
    CHECK_CODE(roundtrip("[a:j,c]", t10, buf, sizeof buf, &err), DFG_OK);
    CHECK(strcmp(buf, "[a:j,b,c,d,e,f,g,h,i]") == 0);
    dfg_table_free(t10);

    dfg_table_free(t6);
    dfg_table_free(t8);
    dfg_table_free(tuk);
    dfg_table_free(t3);
    CHECK_DONE();
}
