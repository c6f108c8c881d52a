/* cli/cmd_twolist.c: darkfig twolist: Lincoln-Petersen and Chapman on two lists.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char TWOLIST_HELP[] =
    "Usage: darkfig twolist FILE --a LIST [--b LIST|others] [options]\n"
    "The two-list estimators on lists a and b, or on list a against the union of all the\n"
    "other lists (--b others, the default when the file has more than two lists):\n"
    "Lincoln-Petersen n1 n2 / m (Petersen 1896; Lincoln 1930) and Chapman\n"
    "(n1 + 1)(n2 + 1) / (m + 1) - 1 (Chapman 1951) with Seber's variance (Seber 1982),\n"
    "each with the log-normal (Chao 1987) and the multinomial profile-likelihood interval\n"
    "(Cormack 1992) of the 2 x 2 table.\n\n"
    "  --a LIST        the first list, by name or 1-based position (default: list 1)\n"
    "  --b LIST        the second list, or \"others\" (default: list 2 for two lists,\n"
    "                  others otherwise)\n\n";

typedef struct {
    const char *a, *b;
} twolist_args;

static int twolist_option(int argc, char **argv, int *i, void *data)
{
    twolist_args *w = data;
    int r = take_string("twolist", argc, argv, i, "--a", &w->a);
    if (r != 0)
        return r;
    return take_string("twolist", argc, argv, i, "--b", &w->b);
}

/* A list by name or 1-based position; -1 when there is none. */
static int find_list(const dfg_table *t, const char *s)
{
    size_t k = dfg_table_k(t);
    for (size_t j = 0; j < k; j++)
        if (strcmp(dfg_table_list_name(t, j), s) == 0)
            return (int)j;
    long n;
    if (parse_int(s, 1, (long)k, &n))
        return (int)n - 1;
    return -1;
}

int cmd_twolist(int argc, char **argv)
{
    common_opts c;
    common_init(&c);
    twolist_args w = {NULL, NULL};
    int pr = parse_args("twolist", TWOLIST_HELP, NULL, argc, argv, &c, twolist_option, &w);
    if (pr >= 0)
        return pr;
    dfg_error err = {0};
    dfg_table *t = NULL;
    char sha[65] = "";
    out_buf ob = {NULL, NULL, 0};
    FILE *o = NULL;
    int code = 0;
    dfg_status rc = load_table(&c, &t, sha, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    size_t k = dfg_table_k(t);
    int a = w.a ? find_list(t, w.a) : 0;
    int b = w.b ? (strcmp(w.b, "others") == 0 ? -1 : find_list(t, w.b)) : (k == 2 ? 1 : -1);
    if (a < 0 || (w.b && b < 0 && strcmp(w.b, "others") != 0) || a == b) {
        code = usage_error(
            "twolist", "--a and --b must name two different lists of %s (or --b others)", c.file);
        goto done;
    }
    c.est.list_a = a;
    c.est.list_b = b;
    const char *names[2] = {"lincoln-petersen", "chapman"};
    dfg_estimate e[2][2]; /* [estimator][log-normal, profile] */
    dfg_status st[2][2];
    memset(e, 0, sizeof e);
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
            dfg_est_opts eo = c.est;
            eo.ci_type = j ? DFG_CI_PROFILE : DFG_CI_LOGNORMAL;
            dfg_error e2 = {0};
            st[i][j] = dfg_estimator_find(names[i])->estimate(t, 0, &eo, &e[i][j], &e2);
            /* a failed profile leaves its column empty; the point estimate must work */
            if (st[i][j] != DFG_OK && st[i][j] != DFG_ENOMLE &&
                (j == 0 || st[i][j] == DFG_ENOMEM)) {
                code = fail(&e2, st[i][j]);
                goto done;
            }
        }
    }
    if ((code = out_open(&ob)) != 0)
        goto done;
    o = ob.f;
    int pct = (int)lround(100.0 * c.est.level);
    if (c.format == FMT_TEXT) {
        fprintf(o, "darkfig %s twolist\ninput     %s (sha256 %.16s...)\nlists     %s\n\n",
                DFG_VERSION, c.file, sha, e[1][0].model);
        fprintf(o, "  %-18s %12s %10s  %-24s %s\n", "estimator", "N", "s.e.", "log-normal interval",
                "profile interval");
        for (int i = 0; i < 2; i++) {
            char l1[64] = "-", l2[64] = "-";
            if (st[i][0] != DFG_OK) {
                fprintf(o, "  %-18s %12s %10s  %s\n", names[i], "-", "-", e[i][0].note);
                continue;
            }
            snprintf(l1, sizeof l1, "[%.1f, %.1f]", e[i][0].ci.lower, e[i][0].ci.upper);
            if (st[i][1] == DFG_OK)
                snprintf(l2, sizeof l2, "[%.1f, %.1f]", e[i][1].ci.lower, e[i][1].ci.upper);
            fprintf(o, "  %-18s %12.1f %10.1f  %-24s %s\n", names[i], e[i][0].nhat, e[i][0].se, l1,
                    l2);
        }
        fprintf(
            o,
            "\n  registered n = %.0f; intervals at %d%%; s.e.: delta method (Lincoln-Petersen),\n"
            "  Seber (1982) (Chapman)\n",
            e[1][0].n_obs, pct);
    } else if (c.format == FMT_CSV) {
        fputs("file,sha256,lists,estimator,status,n,N,se,level,lognormal_lower,lognormal_upper,"
              "profile_lower,profile_upper,darkfig_version\n",
              o);
        for (int i = 0; i < 2; i++) {
            csv_string(o, c.file);
            fprintf(o, ",%s,", sha);
            csv_string(o, e[1][0].model);
            fprintf(o, ",%s,%s", names[i], st[i][0] == DFG_OK ? "ok" : dfg_strerror(st[i][0]));
            double v[] = {e[i][0].n_obs,
                          e[i][0].nhat,
                          e[i][0].se,
                          c.est.level,
                          e[i][0].ci.lower,
                          e[i][0].ci.upper,
                          st[i][1] == DFG_OK ? e[i][1].ci.lower : DNAN,
                          st[i][1] == DFG_OK ? e[i][1].ci.upper : DNAN};
            for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
                fputc(',', o);
                csv_number(o, st[i][0] == DFG_OK || j == 0 || j == 3 ? v[j] : DNAN);
            }
            fprintf(o, ",%s\n", DFG_VERSION);
        }
    } else {
        fprintf(o,
                "{\n  \"darkfig_version\": \"%s\",\n  \"command\": \"twolist\",\n  \"input\": "
                "{\"file\": ",
                DFG_VERSION);
        json_string(o, c.file);
        fprintf(o, ", \"sha256\": \"%s\"},\n  \"lists\": ", sha);
        json_string(o, e[1][0].model);
        fputs(",\n  \"n\": ", o);
        json_number(o, e[1][0].n_obs);
        fputs(",\n  \"estimators\": [", o);
        for (int i = 0; i < 2; i++) {
            int ok = st[i][0] == DFG_OK;
            fprintf(o, "%s\n    {\"estimator\": \"%s\", \"status\": \"%s\", \"N\": ", i ? "," : "",
                    names[i], ok ? "ok" : dfg_strerror(st[i][0]));
            json_number(o, ok ? e[i][0].nhat : DNAN);
            fputs(", \"se\": ", o);
            json_number(o, ok ? e[i][0].se : DNAN);
            fputs(", \"level\": ", o);
            json_number(o, c.est.level);
            fputs(", \"lognormal\": [", o);
            json_number(o, ok ? e[i][0].ci.lower : DNAN);
            fputs(", ", o);
            json_number(o, ok ? e[i][0].ci.upper : DNAN);
            fputs("], \"profile\": [", o);
            json_number(o, st[i][1] == DFG_OK ? e[i][1].ci.lower : DNAN);
            fputs(", ", o);
            json_number(o, st[i][1] == DFG_OK ? e[i][1].ci.upper : DNAN);
            fputs("], \"note\": ", o);
            json_string(o, e[i][0].note);
            fputc('}', o);
        }
        fputs("\n  ]\n}\n", o);
    }
    code = out_flush(&ob);
done:
    out_free(&ob);
    dfg_table_free(t);
    return code;
}
