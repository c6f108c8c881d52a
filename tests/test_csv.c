/* tests/test_csv.c: the CSV reader (core/csv.c).
 *  - every accepted variant in tests/data/good/ gives the table written out below;
 *  - records aggregate to the same table as pattern counts (korea_3 expanded to 123 rows);
 *  - strata from covariates (--lists), --count;
 *  - every bundled dataset in data/: list names and n as in /work/shared/data/README.md
 *    (copied into the table below; the n column there is the sum of the counts);
 *  - every bad input in tests/data/bad/EXPECTED.tsv: status, place (line:col), message;
 *  - option errors, a missing file, reading across the 1 MiB block boundary.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOOD DFG_TEST_DATA_DIR "/good/"
#define BAD DFG_TEST_DATA_DIR "/bad/"

/* The table every variant of tests/data/good/plain.csv holds: lists A, B, C;
 * A only 10, B only 7, C only 5, AB 3, AC 2, ABC 1 (n = 28). */
static const uint32_t base_p[] = {1, 2, 3, 4, 5, 7};
static const double base_c[] = {10, 7, 3, 5, 2, 1};

static dfg_table *read_file(const char *path, const char *lists, const char *count)
{
    dfg_csv_opts o = dfg_csv_opts_default();
    o.lists = lists;
    o.count = count;
    dfg_table *t = (dfg_table *)1;
    dfg_error err = {0};
    dfg_status rc = dfg_table_read_csv(path, &o, &t, &err);
    if (rc != DFG_OK) {
        fprintf(stderr, "%s: %s: %s\n", path, err.where, err.msg);
        CHECK(t == NULL);
        return NULL;
    }
    return t;
}

/* Stratum s of t holds exactly the patterns p[0..n-1] with counts c[0..n-1]. */
static int has_patterns(const dfg_table *t, size_t s, const uint32_t *p, const double *c, size_t n)
{
    if (!t || dfg_table_n_patterns(t, s) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t q;
        double d;
        dfg_table_pattern(t, s, i, &q, &d);
        if (q != p[i] || d != c[i])
            return 0;
    }
    return 1;
}

static int has_names(const dfg_table *t, const char *const *names, size_t k)
{
    if (!t || dfg_table_k(t) != k)
        return 0;
    for (size_t j = 0; j < k; j++)
        if (strcmp(dfg_table_list_name(t, j), names[j]) != 0)
            return 0;
    return 1;
}

static const char *const abc[] = {"A", "B", "C"};

/* The files of GOOD that hold the base table, each written another way. */
static const char *const base_files[] = {"plain.csv",
                                         "crlf.csv",
                                         "cr_only.csv",
                                         "bom.csv",
                                         "no_final_newline.csv",
                                         "quoted.csv",
                                         "spaces.csv",
                                         "blank_lines.csv",
                                         "scientific_counts.csv",
                                         "records.csv"};

static void good_variants_give_the_base_table(void)
{
    for (size_t i = 0; i < sizeof base_files / sizeof *base_files; i++) {
        char path[512];
        snprintf(path, sizeof path, GOOD "%s", base_files[i]);
        dfg_table *t = read_file(path, NULL, NULL);
        CHECK_MSG(has_names(t, abc, 3), "good file %s", base_files[i]);
        CHECK_MSG(has_patterns(t, 0, base_p, base_c, 6), "good file %s", base_files[i]);
        CHECK_MSG(dfg_table_n_strata(t) == 1 && dfg_table_n_cov(t) == 0, "good file %s",
                  base_files[i]);
        CHECK_MSG(dfg_table_n_obs(t, 0) == 28.0, "good file %s", base_files[i]);
        dfg_table_free(t);
    }
    /* --lists naming every list: the same table, no covariates */
    dfg_table *t = read_file(GOOD "plain.csv", " C , A,B", NULL);
    CHECK(has_names(t, abc, 3)); /* CSV order, not --lists order */
    CHECK(has_patterns(t, 0, base_p, base_c, 6));
    dfg_table_free(t);
    /* --count names the count column */
    t = read_file(GOOD "freq_column.csv", NULL, "Freq");
    CHECK(has_names(t, abc, 3));
    CHECK(has_patterns(t, 0, base_p, base_c, 6));
    dfg_table_free(t);
}

static void zero_count_rows_are_kept_or_ignored(void)
{
    /* 0,1,1 with count 0 is a zero cell; 0,0,0 with count 0 is ignored */
    dfg_table *t = read_file(GOOD "zero_count_rows.csv", NULL, NULL);
    const uint32_t p[] = {1, 2, 3, 4, 5, 6, 7};
    const double c[] = {10, 7, 3, 5, 2, 0, 1};
    CHECK(has_patterns(t, 0, p, c, 7));
    CHECK(dfg_table_n_obs(t, 0) == 28.0);
    dfg_table_free(t);
}

static void records_aggregate_to_the_pattern_table(void)
{
    dfg_table *r = read_file(GOOD "korea_3_records.csv", NULL, NULL);
    dfg_table *p = read_file(DFG_DATA_DIR "/korea_3.csv", NULL, NULL);
    const char *const bcd[] = {"b", "c", "d"};
    CHECK(has_names(r, bcd, 3));
    CHECK(r && p && dfg_table_n_obs(r, 0) == 123.0 && dfg_table_n_obs(p, 0) == 123.0);
    size_t n = p ? dfg_table_n_patterns(p, 0) : 0;
    uint32_t pp[8];
    double pc[8];
    for (size_t i = 0; i < n && i < 8; i++)
        dfg_table_pattern(p, 0, i, &pp[i], &pc[i]);
    CHECK(n > 0 && n <= 7 && has_patterns(r, 0, pp, pc, n));
    dfg_table_free(r);
    dfg_table_free(p);
}

/* The stratum of t whose covariate values are v[0..n_cov-1], or (size_t)-1. */
static size_t find_stratum(const dfg_table *t, const char *const *v)
{
    for (size_t s = 0; s < dfg_table_n_strata(t); s++) {
        size_t c = 0;
        while (c < dfg_table_n_cov(t) && strcmp(dfg_table_stratum_value(t, s, c), v[c]) == 0)
            c++;
        if (c == dfg_table_n_cov(t))
            return s;
    }
    return (size_t)-1;
}

static void covariates_give_strata(void)
{
    /* strata_records.csv: region,A,B,sex,C records; north/f: A 4, B 2, ABC 1;
     * south/m: C 5, AB 3, A 6; north/m: B 5, AC 2 (see the generator's table). */
    dfg_table *t = read_file(GOOD "strata_records.csv", "A,B,C", NULL);
    CHECK(has_names(t, abc, 3));
    CHECK(t && dfg_table_n_cov(t) == 2 && dfg_table_n_strata(t) == 3);
    CHECK(t && strcmp(dfg_table_cov_name(t, 0), "region") == 0 &&
          strcmp(dfg_table_cov_name(t, 1), "sex") == 0);
    if (t && dfg_table_n_strata(t) == 3) {
        const char *nf[] = {"north", "f"}, *sm[] = {"south", "m"}, *nm[] = {"north", "m"};
        size_t s1 = find_stratum(t, nf), s2 = find_stratum(t, sm), s3 = find_stratum(t, nm);
        CHECK(s1 != (size_t)-1 && s2 != (size_t)-1 && s3 != (size_t)-1);
        const uint32_t p1[] = {1, 2, 7}, p2[] = {1, 3, 4}, p3[] = {2, 5};
        const double c1[] = {4, 2, 1}, c2[] = {6, 3, 5}, c3[] = {5, 2};
        CHECK(has_patterns(t, s1, p1, c1, 3));
        CHECK(has_patterns(t, s2, p2, c2, 3));
        CHECK(has_patterns(t, s3, p3, c3, 2));
        CHECK(dfg_table_n_obs(t, s2) == 14.0);
    }
    dfg_table_free(t);

    /* pattern counts by year: collapsing the strata gives the base table */
    t = read_file(GOOD "strata_counts.csv", "A,B,C", NULL);
    CHECK(t && dfg_table_n_strata(t) == 2 && dfg_table_n_cov(t) == 1);
    CHECK(t && strcmp(dfg_table_stratum_value(t, 0, 0), "x") == 0); /* order of appearance */
    const uint32_t px[] = {1, 2, 3, 7};
    const double cx[] = {6, 7, 3, 1};
    CHECK(has_patterns(t, 0, px, cx, 4));
    dfg_table *c = t ? dfg_table_collapse(t, NULL) : NULL;
    CHECK(has_patterns(c, 0, base_p, base_c, 6));
    dfg_table_free(c);
    dfg_table_free(t);

    /* quoted covariate values, one spanning two lines, "" inside quotes, empty twice */
    t = read_file(GOOD "quoted_multiline.csv", "A,B,C", NULL);
    CHECK(t && dfg_table_n_strata(t) == 5);
    if (t && dfg_table_n_strata(t) == 5) {
        CHECK(strcmp(dfg_table_stratum_value(t, 0, 0), "first\nsecond") == 0);
        CHECK(strcmp(dfg_table_stratum_value(t, 1, 0), "say \"hi\"") == 0);
        CHECK(strcmp(dfg_table_stratum_value(t, 2, 0), "") == 0);
        CHECK(strcmp(dfg_table_stratum_value(t, 4, 0), "a,b") == 0);
        CHECK(dfg_table_n_obs(t, 2) == 8.0); /* C 5 and AB 3 */
    }
    c = t ? dfg_table_collapse(t, NULL) : NULL;
    CHECK(has_patterns(c, 0, base_p, base_c, 6));
    dfg_table_free(c);
    dfg_table_free(t);
}

/* /work/shared/data/README.md, table "Datasets": file, lists in CSV order, n. */
static void bundled_datasets_read(void)
{
    static const struct {
        const char *file;
        size_t k;
        const char *lists[8];
        double n;
    } d[] = {
        {"netherlands_6.csv", 6, {"I", "K", "O", "P", "R", "Z"}, 8234},
        {"netherlands_5.csv", 5, {"IO", "K", "P", "R", "Z"}, 8234},
        {"uk2013_5.csv", 5, {"LA", "NG", "PFNCA", "GO", "GP"}, 2744},
        {"new_orleans_8.csv", 8, {"A", "B", "C", "D", "E", "F", "G", "H"}, 185},
        {"new_orleans_5.csv", 5, {"A", "BEFG", "C", "D", "H"}, 185},
        {"western_us_5.csv", 5, {"A", "B", "C", "D", "E"}, 345},
        {"korea_3.csv", 3, {"b", "c", "d"}, 123},
        {"artificial_3.csv", 3, {"A", "B", "C"}, 96},
        {"dga_spina_bifida_3.csv", 3, {"L1", "L2", "L3"}, 626},
        {"rcapture_hare_6.csv", 6, {"c1", "c2", "c3", "c4", "c5", "c6"}, 68},
        {"rcapture_hiv_4.csv", 4, {"c1", "c2", "c3", "c4"}, 1896},
    };
    for (size_t i = 0; i < sizeof d / sizeof *d; i++) {
        char path[512];
        snprintf(path, sizeof path, DFG_DATA_DIR "/%s", d[i].file);
        dfg_table *t = read_file(path, NULL, NULL);
        CHECK_MSG(has_names(t, d[i].lists, d[i].k), "%s", d[i].file);
        CHECK_MSG(t && dfg_table_n_obs(t, 0) == d[i].n, "%s: n = %g, want %g", d[i].file,
                  t ? dfg_table_n_obs(t, 0) : -1.0, d[i].n);
        CHECK_MSG(t && dfg_table_n_strata(t) == 1, "%s", d[i].file);
        dfg_table_free(t);
    }
}

static const char *status_name(dfg_status s)
{
    switch (s) {
    case DFG_EIO:
        return "EIO";
    case DFG_EPARSE:
        return "EPARSE";
    case DFG_EDATA:
        return "EDATA";
    case DFG_EINVAL:
        return "EINVAL";
    case DFG_ENOMEM:
        return "ENOMEM";
    case DFG_OK:
        return "OK";
    default:
        return "other";
    }
}

/* Each line of EXPECTED.tsv: file, status, exit, line:col, message part, options. */
static void bad_files_fail_as_expected(void)
{
    FILE *f = fopen(BAD "EXPECTED.tsv", "r");
    if (!CHECK(f != NULL))
        return;
    char line[1024];
    int n = 0, header = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (!header) { /* the column names */
            header = 1;
            continue;
        }
        char *col[6] = {0};
        size_t nc = 0;
        for (char *p = line; nc < 6; nc++) {
            col[nc] = p;
            char *tab = strchr(p, '\t');
            if (!tab) {
                nc++;
                break;
            }
            *tab = '\0';
            p = tab + 1;
        }
        CHECK(nc == 6);
        if (nc != 6)
            continue;
        n++;
        dfg_csv_opts o = dfg_csv_opts_default();
        if (strncmp(col[5], "lists=", 6) == 0)
            o.lists = col[5] + 6;
        else if (strncmp(col[5], "count=", 6) == 0)
            o.count = col[5] + 6;
        char path[4096], want_where[4200];
        snprintf(path, sizeof path, BAD "%.255s", col[0]);
        snprintf(want_where, sizeof want_where, "%s:%.32s", path, col[3]);
        dfg_table *t = (dfg_table *)1;
        dfg_error err = {0};
        dfg_status rc = dfg_table_read_csv(path, &o, &t, &err);
        int ok = strcmp(status_name(rc), col[1]) == 0 && err.code == rc && t == NULL &&
                 strcmp(err.where, want_where) == 0 && strstr(err.msg, col[4]) != NULL &&
                 strcmp(col[2], "3") == 0;
        CHECK_MSG(ok, "bad file %s: got %s at %s: %s; want %s at %s: ...%s...", col[0],
                  status_name(rc), err.where, err.msg, col[1], want_where, col[4]);
    }
    fclose(f);
    CHECK(n >= 25);
}

static dfg_status read_buf(const char *text, const char *lists, const char *count, dfg_error *err)
{
    dfg_csv_opts o = dfg_csv_opts_default();
    o.lists = lists;
    o.count = count;
    dfg_table *t = (dfg_table *)1;
    dfg_status rc = dfg_table_read_csv_buffer("buf", text, strlen(text), &o, &t, err);
    if (rc == DFG_OK)
        dfg_table_free(t);
    else
        CHECK(t == NULL);
    return rc;
}

static void options_and_files_are_checked(void)
{
    const char *csv = "A,B,C,count\n1,0,0,3\n0,1,0,2\n0,0,1,1\n";
    dfg_error err = {0};
    CHECK_CODE(read_buf(csv, NULL, NULL, &err), DFG_OK);
    const char *bad_lists[] = {"", "  ", "A,,B", "A", "A,A", "A,count"};
    const char *msg[] = {"empty", "empty", "is empty", "at least 2", "twice", "count column"};
    for (size_t i = 0; i < sizeof bad_lists / sizeof *bad_lists; i++) {
        dfg_error_clear(&err);
        CHECK_CODE(read_buf(csv, bad_lists[i], NULL, &err), DFG_EINVAL);
        CHECK(strcmp(err.where, "lists") == 0);
        CHECK(strstr(err.msg, msg[i]) != NULL);
    }
    dfg_error_clear(&err);
    CHECK_CODE(read_buf(csv, NULL, "", &err), DFG_EINVAL);
    CHECK(strcmp(err.where, "count") == 0);

    /* NULL arguments */
    dfg_table *t = (dfg_table *)1;
    CHECK_CODE(dfg_table_read_csv_buffer("b", csv, strlen(csv), NULL, NULL, NULL), DFG_EINVAL);
    CHECK_CODE(dfg_table_read_csv_buffer("b", NULL, 5, NULL, &t, NULL), DFG_EINVAL);
    CHECK(t == NULL);
    t = (dfg_table *)1;
    CHECK_CODE(dfg_table_read_csv(NULL, NULL, &t, NULL), DFG_EINVAL);
    CHECK(t == NULL);
    /* an empty buffer, with a NULL name */
    dfg_error_clear(&err);
    CHECK_CODE(dfg_table_read_csv_buffer(NULL, NULL, 0, NULL, &t, &err), DFG_EDATA);
    CHECK(strcmp(err.where, "<buffer>:1:1") == 0);

    /* a missing file and a directory: DFG_EIO, placed at the path */
    dfg_error_clear(&err);
    t = (dfg_table *)1;
    CHECK_CODE(dfg_table_read_csv(BAD "no_such_file.csv", NULL, &t, &err), DFG_EIO);
    CHECK(t == NULL);
    CHECK(strcmp(err.where, BAD "no_such_file.csv") == 0);
    CHECK(strstr(err.msg, "cannot open") != NULL);
    dfg_error_clear(&err);
    CHECK_CODE(dfg_table_read_csv(BAD, NULL, &t, &err), DFG_EIO);
    CHECK(strstr(err.msg, "cannot") != NULL);

    /* a long name keeps the place: "...tail:line:col" */
    char name[300];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    const char *bad = "A,B,count\n1,0,x\n";
    dfg_error_clear(&err);
    CHECK_CODE(dfg_table_read_csv_buffer(name, bad, strlen(bad), NULL, &t, &err), DFG_EDATA);
    size_t wl = strlen(err.where);
    CHECK(wl > 4 && strcmp(err.where + wl - 4, ":2:3") == 0 && strncmp(err.where, "...", 3) == 0);

    /* the first error wins: err already set is left alone, the status still returned */
    CHECK_CODE(read_buf("A,B\n1,2\n", NULL, NULL, &err), DFG_EDATA);
    CHECK(strcmp(err.where + wl - 4, ":2:3") == 0);
}

static void too_many_strata_are_refused(void)
{
    size_t n = 10001, cap = 32 * n + 64, len = 0;
    char *buf = malloc(cap);
    if (!CHECK(buf != NULL))
        return;
    len += (size_t)snprintf(buf + len, cap - len, "id,A,B\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, cap - len, "p%zu,1,%d\n", i, (int)(i % 2));
    dfg_csv_opts o = dfg_csv_opts_default();
    o.lists = "A,B";
    dfg_table *t = NULL;
    dfg_error err = {0};
    CHECK_CODE(dfg_table_read_csv_buffer("ids", buf, len, &o, &t, &err), DFG_EDATA);
    CHECK(strcmp(err.where, "ids:10002:1") == 0); /* header + 10000 strata, then the next */
    CHECK(strstr(err.msg, "more than 10000 strata") != NULL);
    CHECK(strstr(err.msg, "id") != NULL);
    /* 10000 strata are fine */
    CHECK_CODE(dfg_table_read_csv_buffer("ids", buf, len - strlen("p10000,1,0\n"), &o, &t, NULL),
               DFG_OK);
    CHECK(t && dfg_table_n_strata(t) == 10000 && dfg_table_n_obs(t, 9999) == 1.0);
    dfg_table_free(t);
    free(buf);
}

/* A file of more than one 1 MiB block: records of 4 lists with a quoted covariate that
 * spans lines; the counts and line numbers must survive the block boundaries. */
static void write_big(const char *path, size_t n, int bad_last_line, double want[16], size_t *lines)
{
    FILE *f = fopen(path, "wb");
    if (!CHECK(f != NULL))
        return;
    size_t line = 1;
    fprintf(f, "A,B,note,C,D\r\n");
    for (size_t i = 0; i < n; i++) {
        uint32_t p = (uint32_t)(i * 7 % 15) + 1;
        want[p] += 1.0;
        if (i % 1000 == 999) { /* a quoted value over two lines */
            fprintf(f, "%u,%u,\"x\r\ny\",%u,%u\r\n", p & 1, p >> 1 & 1, p >> 2 & 1, p >> 3 & 1);
            line += 2;
        } else {
            fprintf(f, "%u,%u,,%u,%u\r\n", p & 1, p >> 1 & 1, p >> 2 & 1, p >> 3 & 1);
            line += 1;
        }
    }
    CHECK(ftell(f) > (1L << 21)); /* more than two blocks */
    if (bad_last_line)
        fprintf(f, "1,0,,1\r\n"); /* ragged */
    fclose(f);
    *lines = line;
}

static void big_files_cross_block_boundaries(void)
{
    const char *path = "test_csv_big.csv";
    size_t n = 250000, lines = 0;
    double want[16] = {0}, ignore[16] = {0};
    write_big(path, n, 1, ignore, &lines);
    dfg_csv_opts o = dfg_csv_opts_default();
    o.lists = "A,B,C,D";
    dfg_table *t = NULL;
    dfg_error err = {0};
    CHECK_CODE(dfg_table_read_csv(path, &o, &t, &err), DFG_EPARSE);
    char want_where[64];
    snprintf(want_where, sizeof want_where, "%s:%zu:5", path, lines + 1);
    CHECK_MSG(strcmp(err.where, want_where) == 0, "big file: got %s, want %s", err.where,
              want_where);

    /* without the bad line: the counts, in two strata ("" and "x\r\ny") */
    write_big(path, n, 0, want, &lines);
    dfg_error_clear(&err);
    CHECK_CODE(dfg_table_read_csv(path, &o, &t, &err), DFG_OK);
    dfg_table *c = t ? dfg_table_collapse(t, NULL) : NULL;
    double y[16];
    CHECK(c && dfg_table_cells(c, 0, y, NULL) == DFG_OK);
    int same = c != NULL;
    for (int p = 1; c && p < 16; p++)
        same &= y[p] == want[p];
    CHECK(same);
    CHECK(t && dfg_table_n_strata(t) == 2 &&
          strcmp(dfg_table_stratum_value(t, 1, 0), "x\r\ny") == 0);
    CHECK(c && dfg_table_n_obs(c, 0) == (double)n);
    dfg_table_free(c);
    dfg_table_free(t);
    remove(path);
}

/* The fast path for plain lines (core/csv.c) and libcsv alone give the same status,
 * place, message and table on every good and bad input. */
static int same_read(const char *path, const char *lists, const char *count)
{
    dfg_csv_opts o = dfg_csv_opts_default();
    o.lists = lists;
    o.count = count;
    dfg_table *t[2] = {NULL, NULL};
    dfg_error e[2] = {{0}, {0}};
    dfg_status rc[2];
    for (int i = 0; i < 2; i++) {
        dfg_csv_fast_path(i == 0);
        rc[i] = dfg_table_read_csv(path, &o, &t[i], &e[i]);
    }
    dfg_csv_fast_path(1);
    int same = rc[0] == rc[1] && strcmp(e[0].where, e[1].where) == 0 &&
               strcmp(e[0].msg, e[1].msg) == 0 && (t[0] == NULL) == (t[1] == NULL);
    if (same && t[0]) {
        same = dfg_table_n_strata(t[0]) == dfg_table_n_strata(t[1]) &&
               dfg_table_n_cov(t[0]) == dfg_table_n_cov(t[1]);
        for (size_t s = 0; same && s < dfg_table_n_strata(t[0]); s++) {
            size_t n = dfg_table_n_patterns(t[0], s);
            uint32_t p[64];
            double c[64];
            same = n <= 64;
            for (size_t i = 0; same && i < n; i++)
                dfg_table_pattern(t[0], s, i, &p[i], &c[i]);
            same = same && has_patterns(t[1], s, p, c, n);
            for (size_t v = 0; same && v < dfg_table_n_cov(t[0]); v++)
                same = strcmp(dfg_table_stratum_value(t[0], s, v),
                              dfg_table_stratum_value(t[1], s, v)) == 0;
        }
    }
    if (!same)
        fprintf(stderr, "%s: fast path gives %s: %s, libcsv %s: %s\n", path, e[0].where, e[0].msg,
                e[1].where, e[1].msg);
    dfg_table_free(t[0]);
    dfg_table_free(t[1]);
    return same;
}

/* GOOD/file read both ways, with no --lists and with "A,B". */
static void same_read_both(const char *file)
{
    char path[512];
    snprintf(path, sizeof path, GOOD "%s", file);
    CHECK(same_read(path, NULL, NULL));
    CHECK(same_read(path, "A,B", NULL)); /* strata from the third list (or an error) */
}

static void fast_path_matches_libcsv(void)
{
    for (size_t i = 0; i < sizeof base_files / sizeof *base_files; i++)
        same_read_both(base_files[i]);
    same_read_both("zero_count_rows.csv");
    same_read_both("korea_3_records.csv");
    CHECK(same_read(GOOD "strata_records.csv", "A,B,C", NULL));
    CHECK(same_read(GOOD "strata_counts.csv", "A,B,C", NULL));
    CHECK(same_read(GOOD "quoted_multiline.csv", "A,B,C", NULL));
    CHECK(same_read(GOOD "freq_column.csv", NULL, "Freq"));
    CHECK(same_read(DFG_DATA_DIR "/netherlands_6.csv", NULL, NULL));
    FILE *f = fopen(BAD "EXPECTED.tsv", "r");
    char line[1024];
    while (f && fgets(line, sizeof line, f)) {
        if (line[0] == '#' || strncmp(line, "file\t", 5) == 0)
            continue;
        char path[1200], *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        snprintf(path, sizeof path, BAD "%s", line);
        CHECK(same_read(path, NULL, NULL));
    }
    if (f)
        fclose(f);
}

int main(void)
{
    RUN(good_variants_give_the_base_table);
    RUN(zero_count_rows_are_kept_or_ignored);
    RUN(records_aggregate_to_the_pattern_table);
    RUN(covariates_give_strata);
    RUN(bundled_datasets_read);
    RUN(bad_files_fail_as_expected);
    RUN(options_and_files_are_checked);
    RUN(too_many_strata_are_refused);
    RUN(big_files_cross_block_boundaries);
    RUN(fast_path_matches_libcsv);
    CHECK_DONE();
}
