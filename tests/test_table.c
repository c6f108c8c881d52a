/* tests/test_table.c: the capture table API (core/table.c): creation, adding and
 * aggregating counts, sorted patterns, strata, dense cells, collapse, from_cells, errors.
 * Expected values are worked out by hand in the comments.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"

#include <math.h>
#include <string.h>

static const char *const abc[] = {"A", "B", "C"};

static void new_rejects_bad_arguments(void)
{
    dfg_error err = {0};
    CHECK(dfg_table_new(1, abc, 0, NULL, &err) == NULL);
    CHECK_CODE(err.code, DFG_EINVAL);
    CHECK(strstr(err.msg, "got 1") != NULL);

    const char *many[DFG_MAX_LISTS + 1];
    for (size_t j = 0; j <= DFG_MAX_LISTS; j++)
        many[j] = "L";
    dfg_error_clear(&err);
    CHECK(dfg_table_new(DFG_MAX_LISTS + 1, many, 0, NULL, &err) == NULL);
    CHECK_CODE(err.code, DFG_EINVAL);

    dfg_error_clear(&err);
    CHECK(dfg_table_new(3, NULL, 0, NULL, &err) == NULL);
    CHECK_CODE(err.code, DFG_EINVAL);

    dfg_error_clear(&err);
    CHECK(dfg_table_new(3, abc, 1, NULL, &err) == NULL); /* covariates without names */
    CHECK_CODE(err.code, DFG_EINVAL);

    /* 30 lists is the most a table holds */
    dfg_error_clear(&err);
    dfg_table *t = dfg_table_new(DFG_MAX_LISTS, many, 0, NULL, &err);
    CHECK(t != NULL);
    CHECK_CODE(dfg_table_add(t, 0, (uint32_t)1 << 29, 2.0, &err), DFG_OK);
    CHECK_CODE(dfg_table_add(t, 0, 0x3FFFFFFFu, 1.0, &err), DFG_OK);
    CHECK_CODE(dfg_table_add(t, 0, 0x40000000u, 1.0, &err), DFG_EINVAL); /* bit 30: no list */
    CHECK_CODE(dfg_table_cells(t, 0, NULL, &err), DFG_EINVAL);
    double y[8];
    CHECK_CODE(dfg_table_cells(t, 0, y, &err), DFG_EINVAL); /* 30 > DFG_MAX_FIT_LISTS */
    dfg_table_free(t);
    dfg_table_free(NULL); /* accepted */
}

static void names_are_copied(void)
{
    char a[] = "Police", b[] = "NGO";
    const char *names[] = {a, b};
    dfg_error err = {0};
    dfg_table *t = dfg_table_new(2, names, 0, NULL, &err);
    a[0] = 'X';
    b[0] = 'X';
    CHECK(t && strcmp(dfg_table_list_name(t, 0), "Police") == 0);
    CHECK(t && strcmp(dfg_table_list_name(t, 1), "NGO") == 0);
    CHECK(dfg_table_list_name(t, 2) == NULL);
    CHECK(dfg_table_k(t) == 2);
    CHECK(dfg_table_n_cov(t) == 0);
    CHECK(dfg_table_cov_name(t, 0) == NULL);
    CHECK(dfg_table_n_strata(t) == 1); /* one stratum from the start */
    CHECK(dfg_table_n_patterns(t, 0) == 0);
    CHECK(dfg_table_n_obs(t, 0) == 0.0);
    dfg_table_free(t);
}

static void add_aggregates_and_keeps_patterns_sorted(void)
{
    dfg_error err = {0};
    dfg_table *t = dfg_table_new(3, abc, 0, NULL, &err);
    /* add in scrambled order, 0b101 twice: 4 + 6 = 10 */
    CHECK_CODE(dfg_table_add(t, 0, 5, 4.0, &err), DFG_OK);
    CHECK_CODE(dfg_table_add(t, 0, 7, 1.0, &err), DFG_OK);
    CHECK_CODE(dfg_table_add(t, 0, 1, 2.0, &err), DFG_OK);
    CHECK_CODE(dfg_table_add(t, 0, 5, 6.0, &err), DFG_OK);
    CHECK_CODE(dfg_table_add(t, 0, 3, 0.0, &err), DFG_OK); /* a zero cell is kept */
    CHECK_CODE(err.code, DFG_OK);
    const uint32_t want_p[] = {1, 3, 5, 7};
    const double want_c[] = {2.0, 0.0, 10.0, 1.0};
    CHECK(dfg_table_n_patterns(t, 0) == 4);
    for (size_t i = 0; i < 4 && i < dfg_table_n_patterns(t, 0); i++) {
        uint32_t p;
        double c;
        dfg_table_pattern(t, 0, i, &p, &c);
        CHECK(p == want_p[i]);
        CHECK(c == want_c[i]);
    }
    CHECK(dfg_table_n_obs(t, 0) == 13.0); /* 2 + 0 + 10 + 1 */

    /* dense cells: y[0] = 0, absent patterns 0 */
    double y[8];
    for (int i = 0; i < 8; i++)
        y[i] = -1.0;
    CHECK_CODE(dfg_table_cells(t, 0, y, &err), DFG_OK);
    const double want_y[8] = {0, 2, 0, 0, 0, 10, 0, 1};
    for (int i = 0; i < 8; i++)
        CHECK(y[i] == want_y[i]);

    /* many patterns in decreasing order: the array grows and stays sorted */
    dfg_table *u = dfg_table_new(
        10, (const char *const[]){"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}, 0, NULL, &err);
    for (uint32_t p = 1023; p >= 1; p--)
        CHECK_CODE(dfg_table_add(u, 0, p, (double)(p % 7), NULL), DFG_OK);
    CHECK(dfg_table_n_patterns(u, 0) == 1023);
    int sorted = 1;
    double sum = 0.0;
    for (size_t i = 0; i < 1023; i++) {
        uint32_t p;
        double c;
        dfg_table_pattern(u, 0, i, &p, &c);
        sorted &= p == i + 1 && c == (double)((i + 1) % 7);
        sum += c;
    }
    CHECK(sorted);
    CHECK(dfg_table_n_obs(u, 0) == sum);
    dfg_table_free(u);
    dfg_table_free(t);
}

static void add_rejects_bad_input(void)
{
    dfg_error err = {0};
    dfg_table *t = dfg_table_new(3, abc, 0, NULL, &err);
    CHECK_CODE(dfg_table_add(t, 0, 0, 1.0, &err), DFG_EINVAL); /* the unobserved cell */
    CHECK(strstr(err.msg, "pattern") != NULL);
    CHECK_CODE(dfg_table_add(t, 0, 8, 1.0, NULL), DFG_EINVAL); /* >= 2^3 */
    CHECK_CODE(dfg_table_add(t, 1, 1, 1.0, NULL), DFG_EINVAL); /* no stratum 1 */
    CHECK_CODE(dfg_table_add(t, 0, 1, -1.0, NULL), DFG_EINVAL);
    CHECK_CODE(dfg_table_add(t, 0, 1, 1.5, NULL), DFG_EINVAL);
    CHECK_CODE(dfg_table_add(t, 0, 1, INFINITY, NULL), DFG_EINVAL);
    CHECK_CODE(dfg_table_add(t, 0, 1, NAN, NULL), DFG_EINVAL);
    CHECK_CODE(dfg_table_add(NULL, 0, 1, 1.0, NULL), DFG_EINVAL);
    CHECK(dfg_table_n_patterns(t, 0) == 0); /* nothing was added */
    CHECK(dfg_table_n_obs(t, 0) == 0.0);
    /* the first error wins */
    CHECK_CODE(err.code, DFG_EINVAL);
    CHECK(strstr(err.msg, "pattern 0") != NULL || strstr(err.msg, "0 is not") != NULL ||
          strstr(err.msg, "nonempty") != NULL);
    dfg_table_free(t);
}

static void strata_are_found_or_created(void)
{
    dfg_error err = {0};
    const char *cov[] = {"region", "sex"};
    dfg_table *t = dfg_table_new(2, abc, 2, cov, &err);
    CHECK(t != NULL);
    CHECK(dfg_table_n_strata(t) == 0); /* with covariates, strata come from the data */
    CHECK(strcmp(dfg_table_cov_name(t, 1), "sex") == 0);
    size_t s0 = 99, s1 = 99, s2 = 99;
    char north[] = "north";
    const char *v0[] = {north, "f"}, *v1[] = {"south", "f"}, *v2[] = {"north", "f"};
    CHECK_CODE(dfg_table_stratum(t, v0, &s0, &err), DFG_OK);
    north[0] = 'X'; /* values are copied */
    CHECK_CODE(dfg_table_stratum(t, v1, &s1, &err), DFG_OK);
    CHECK_CODE(dfg_table_stratum(t, v2, &s2, &err), DFG_OK);
    CHECK(s0 == 0 && s1 == 1 && s2 == 0);
    CHECK(dfg_table_n_strata(t) == 2);
    CHECK(strcmp(dfg_table_stratum_value(t, 0, 0), "north") == 0);
    CHECK(strcmp(dfg_table_stratum_value(t, 1, 0), "south") == 0);
    CHECK(dfg_table_stratum_value(t, 2, 0) == NULL);
    CHECK(dfg_table_stratum_value(t, 0, 2) == NULL);
    CHECK_CODE(dfg_table_stratum(t, NULL, &s0, NULL), DFG_EINVAL);

    CHECK_CODE(dfg_table_add(t, s0, 1, 3.0, &err), DFG_OK);
    CHECK_CODE(dfg_table_add(t, s0, 3, 1.0, &err), DFG_OK);
    CHECK_CODE(dfg_table_add(t, s1, 1, 4.0, &err), DFG_OK);
    CHECK_CODE(dfg_table_add(t, s1, 2, 2.0, &err), DFG_OK);
    CHECK(dfg_table_n_obs(t, 0) == 4.0);
    CHECK(dfg_table_n_obs(t, 1) == 6.0);

    /* collapse: 1 -> 3 + 4 = 7, 2 -> 2, 3 -> 1 */
    dfg_table *c = dfg_table_collapse(t, &err);
    CHECK(c != NULL);
    CHECK(dfg_table_n_strata(c) == 1 && dfg_table_n_cov(c) == 0);
    CHECK(strcmp(dfg_table_list_name(c, 1), "B") == 0);
    double y[4];
    CHECK_CODE(dfg_table_cells(c, 0, y, &err), DFG_OK);
    CHECK(y[0] == 0.0 && y[1] == 7.0 && y[2] == 2.0 && y[3] == 1.0);
    CHECK(dfg_table_n_obs(c, 0) == 10.0);
    dfg_table_free(c);
    CHECK(dfg_table_collapse(NULL, NULL) == NULL);

    /* append: a new stratum without a search (the CSV reader's hash finds equal ones) */
    size_t s3 = 0;
    const char *v3[] = {"east", "m"};
    CHECK_CODE(dfg_table_stratum_append(t, v3, &s3, &err), DFG_OK);
    CHECK(s3 == 2 && dfg_table_n_strata(t) == 3);
    CHECK(strcmp(dfg_table_stratum_value(t, 2, 1), "m") == 0);
    CHECK_CODE(dfg_table_stratum_append(t, NULL, &s3, NULL), DFG_EINVAL);

    /* without covariates the stratum is always 0 */
    dfg_table *u = dfg_table_new(2, abc, 0, NULL, &err);
    size_t s = 7;
    CHECK_CODE(dfg_table_stratum(u, NULL, &s, &err), DFG_OK);
    CHECK(s == 0 && dfg_table_n_strata(u) == 1);
    CHECK_CODE(dfg_table_stratum_append(u, NULL, &s, NULL), DFG_EINVAL); /* no covariates */
    dfg_table_free(u);
    dfg_table_free(t);
}

static void from_cells_round_trips(void)
{
    dfg_error err = {0};
    /* y[0] is ignored; zero cells are not stored */
    const double y[8] = {99, 5, 0, 2, 7, 0, 1, 3};
    dfg_table *t = dfg_table_from_cells(3, abc, y, &err);
    CHECK(t != NULL);
    CHECK(dfg_table_n_patterns(t, 0) == 5);
    CHECK(dfg_table_n_obs(t, 0) == 18.0); /* 5 + 2 + 7 + 1 + 3 */
    double z[8];
    CHECK_CODE(dfg_table_cells(t, 0, z, &err), DFG_OK);
    CHECK(z[0] == 0.0);
    for (int i = 1; i < 8; i++)
        CHECK(z[i] == y[i]);
    dfg_table_free(t);

    const double bad[4] = {0, 1, -2, 0};
    dfg_error_clear(&err);
    CHECK(dfg_table_from_cells(2, abc, bad, &err) == NULL);
    CHECK_CODE(err.code, DFG_EINVAL);
    CHECK(dfg_table_from_cells(3, abc, NULL, NULL) == NULL);
    CHECK(dfg_table_from_cells(DFG_MAX_FIT_LISTS + 1, abc, y, NULL) == NULL);
}

int main(void)
{
    RUN(new_rejects_bad_arguments);
    RUN(names_are_copied);
    RUN(add_aggregates_and_keeps_patterns_sorted);
    RUN(add_rejects_bad_input);
    RUN(strata_are_found_or_created);
    RUN(from_cells_round_trips);
    CHECK_DONE();
}
