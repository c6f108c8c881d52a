/* cli/cmd_twolist.c: darkfig twolist: Lincoln-Petersen and Chapman on two lists, or on
 * one list against the union of the others.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <string.h>

static int twolist_main(int argc, char **argv);

typedef struct {
    const char *a, *b;
} twolist_args;

static const cli_option twolist_options[] = {
    OPT_STR("a", "LIST", twolist_args, a,
            "the first list, by name or 1-based position (default: list 1)"),
    OPT_STR("b", "LIST", twolist_args, b,
            "the second list, or \"others\" (default: list 2 for two lists, others otherwise)"),
    OPT_END};

const cli_command cmd_twolist = {
    "twolist",
    "FILE",
    "Lincoln-Petersen and Chapman on two lists, or one list against\n"
    "the union of the others",
    "The two-list estimators on lists a and b, or on list a against the union of all the\n"
    "other lists (--b others, the default when the file has more than two lists):\n"
    "Lincoln-Petersen n1 n2 / m (Petersen 1896; Lincoln 1930) and Chapman\n"
    "(n1 + 1)(n2 + 1) / (m + 1) - 1 (Chapman 1951) with Seber's variance (Seber 1982),\n"
    "each with the log-normal (Chao 1987) and the multinomial profile-likelihood interval\n"
    "(Cormack 1992) of the 2 x 2 table.\n",
    twolist_options,
    CLI_INPUT | CLI_OUTPUT | CLI_FITTING,
    twolist_main};

/* The list named by option opt (value s): its index, or -1 after a usage error naming
 * the lists of t. */
static int list_option(const char *opt, const char *s, const dfg_table *t)
{
    int j = cli_find_list(t, s);
    if (j < 0) {
        char names[1024];
        cli_list_names(t, names, sizeof names);
        usage_error("twolist",
                    "%s %s: no list of that name or position; the lists are %s (1 to %zu)", opt, s,
                    names, dfg_table_k(t));
    }
    return j;
}

static const char *const names[2] = {"lincoln-petersen", "chapman"};

static void twolist_text(FILE *o, const common_opts *c, const char *sha, dfg_estimate e[2][2],
                         dfg_status st[2][2])
{
    char pct[32];
    level_label(c->est.level, pct, sizeof pct);
    fprintf(o, "darkfig %s twolist\ninput     %s (sha256 %.16s...)\nlists     %s\n\n", DFG_VERSION,
            c->file, sha, e[1][0].model);
    fprintf(o, "  %-18s %12s %10s  %-24s %s\n", "estimator", "N", "s.e.", "log-normal interval",
            "profile interval");
    for (int i = 0; i < 2; i++) {
        char l1[64], l2[64] = "-";
        if (st[i][0] != DFG_OK) {
            fprintf(o, "  %-18s %12s %10s  %s\n", names[i], "-", "-", e[i][0].note);
            continue;
        }
        if (e[i][0].value != DFG_VALUE_OK) { /* not an estimate: its status and reason */
            fprintf(o, "  %-18s %12s %10s  not an estimate (%s): %s\n", names[i], "-", "-",
                    dfg_value_name(e[i][0].value), e[i][0].reason);
            continue;
        }
        fmt_ci(l1, sizeof l1, &e[i][0].ci);
        if (st[i][1] == DFG_OK)
            fmt_ci(l2, sizeof l2, &e[i][1].ci);
        fprintf(o, "  %-18s %12.1f %10.1f  %-24s %s\n", names[i], e[i][0].nhat, e[i][0].se, l1, l2);
    }
    fprintf(o,
            "\n  registered n = %.0f; intervals at %s; s.e.: delta method (Lincoln-Petersen),\n"
            "  Seber (1982) (Chapman)\n",
            e[1][0].n_obs, pct);
}

static void twolist_json(cJSON *root, double level, dfg_estimate e[2][2], dfg_status st[2][2])
{
    jstr(root, "lists_compared", e[1][0].model);
    jnum(root, "n", e[1][0].n_obs);
    cJSON *es = jarr(root, "estimators");
    for (int i = 0; es && i < 2; i++) {
        /* not an estimate (dfg_value_judge): its status and reason, no number */
        int ok = st[i][0] == DFG_OK && e[i][0].value == DFG_VALUE_OK;
        int pok = ok && st[i][1] == DFG_OK;
        const dfg_interval *p = &e[i][1].ci;
        cJSON *r = jrow(es);
        jstr(r, "estimator", names[i]);
        jstr(r, "status", status_name(st[i][0]));
        jnum(r, "N", ok ? e[i][0].nhat : DNAN);
        jnum(r, "se", ok ? e[i][0].se : DNAN);
        jnum(r, "level", level);
        jnum(r, "lognormal_lower", ok ? e[i][0].ci.lower : DNAN);
        jnum(r, "lognormal_upper", ok ? e[i][0].ci.upper : DNAN);
        jnum(r, "profile_lower", pok ? p->lower : DNAN);
        jnum(r, "profile_upper", pok && !p->upper_beyond ? p->upper : DNAN);
        jbool(r, "profile_upper_beyond", pok && p->upper_beyond);
        jnum(r, "profile_search_limit", pok && p->upper_beyond ? p->search_limit : DNAN);
        jstr(r, "note", e[i][0].note);
        jvalue(r, st[i][0] == DFG_OK ? e[i][0].value : DFG_VALUE_NAN,
               st[i][0] == DFG_OK ? e[i][0].reason : e[i][0].note);
    }
}

/* Lists a and b of the options into c->est: 0, or the exit code after saying why. */
static int pick_lists(const twolist_args *w, const dfg_table *t, dfg_est_opts *eo)
{
    int a = 0, b = dfg_table_k(t) == 2 ? 1 : -1;
    int others = w->b && strcmp(w->b, "others") == 0;
    if ((w->a && (a = list_option("--a", w->a, t)) < 0) ||
        (w->b && !others && (b = list_option("--b", w->b, t)) < 0))
        return EXIT_USAGE;
    if (others)
        b = -1;
    if (a == b)
        return usage_error("twolist", "--a and --b name the same list (%s)",
                           dfg_table_list_name(t, (size_t)a));
    eo->list_a = a;
    eo->list_b = b;
    return 0;
}

static int twolist_main(int argc, char **argv)
{
    cli_run run;
    twolist_args w = {NULL, NULL};
    int code = cli_run_parse(&run, &cmd_twolist, &w, argc, argv);
    dfg_estimate e[2][2]; /* [estimator][log-normal, profile] */
    dfg_status st[2][2] = {{DFG_OK, DFG_OK}, {DFG_OK, DFG_OK}};
    int ran = 0; /* the rows were computed and printed */
    memset(e, 0, sizeof e);
    if (code >= 0 || (code = cli_run_load(&run, 1)) >= 0 ||
        (code = pick_lists(&w, run.t, &run.c.est)) != 0)
        goto done;
    for (int i = 0; i < 4; i++) {
        dfg_est_opts eo = run.c.est;
        eo.ci_type = i % 2 ? DFG_CI_PROFILE : DFG_CI_LOGNORMAL;
        dfg_error e2 = {0};
        dfg_status *s = &st[i / 2][i % 2];
        *s = dfg_estimator_find(names[i / 2])->estimate(run.t, 0, &eo, &e[i / 2][i % 2], &e2);
        /* a failed profile leaves its column empty; the point estimate must work */
        if (*s != DFG_OK && *s != DFG_ENOMLE && (i % 2 == 0 || *s == DFG_ENOMEM)) {
            code = fail(&e2, *s);
            goto done;
        }
    }
    if ((code = cli_run_output(&run)) >= 0)
        goto done;
    ran = 1;
    if (run.o.format == FMT_TEXT) {
        twolist_text(run.o.text, &run.c, run.in.sha, e, st);
    } else {
        run.o.rows = "estimators";
        twolist_json(run.o.root, run.c.est.level, e, st);
    }
done:
    code = cli_run_end(&run, code);
    /* neither estimator gave an estimate: said row by row, exit 1 */
    if (code == 0 && ran && (st[0][0] != DFG_OK || e[0][0].value != DFG_VALUE_OK) &&
        (st[1][0] != DFG_OK || e[1][0].value != DFG_VALUE_OK))
        code = EXIT_NUMERIC;
    return code;
}
