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
    {"a", "LIST", OPT_STRING, offsetof(twolist_args, a), 0, 0, 0, NULL,
     "the first list, by name or 1-based position (default: list 1)"},
    {"b", "LIST", OPT_STRING, offsetof(twolist_args, b), 0, 0, 0, NULL,
     "the second list, or \"others\" (default: list 2 for two lists, others otherwise)"},
    {NULL, NULL, 0, 0, 0, 0, 0, NULL, NULL}};

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
    int pct = (int)lround(100.0 * c->est.level);
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
        fmt_interval(l1, sizeof l1, e[i][0].ci.lower, e[i][0].ci.upper);
        if (st[i][1] == DFG_OK)
            fmt_interval(l2, sizeof l2, e[i][1].ci.lower, e[i][1].ci.upper);
        fprintf(o, "  %-18s %12.1f %10.1f  %-24s %s\n", names[i], e[i][0].nhat, e[i][0].se, l1, l2);
    }
    fprintf(o,
            "\n  registered n = %.0f; intervals at %d%%; s.e.: delta method (Lincoln-Petersen),\n"
            "  Seber (1982) (Chapman)\n",
            e[1][0].n_obs, pct);
}

static void twolist_json(cJSON *root, double level, dfg_estimate e[2][2], dfg_status st[2][2])
{
    jstr(root, "lists_compared", e[1][0].model);
    jnum(root, "n", e[1][0].n_obs);
    cJSON *es = jarr(root, "estimators");
    for (int i = 0; es && i < 2; i++) {
        int ok = st[i][0] == DFG_OK, pok = st[i][1] == DFG_OK;
        cJSON *r = jrow(es);
        jstr(r, "estimator", names[i]);
        jstr(r, "status", status_name(st[i][0]));
        jnum(r, "N", ok ? e[i][0].nhat : DNAN);
        jnum(r, "se", ok ? e[i][0].se : DNAN);
        jnum(r, "level", level);
        jnum(r, "lognormal_lower", ok ? e[i][0].ci.lower : DNAN);
        jnum(r, "lognormal_upper", ok ? e[i][0].ci.upper : DNAN);
        jnum(r, "profile_lower", pok ? e[i][1].ci.lower : DNAN);
        jnum(r, "profile_upper", pok ? e[i][1].ci.upper : DNAN);
        jstr(r, "note", e[i][0].note);
    }
}

static int twolist_main(int argc, char **argv)
{
    common_opts c;
    common_init(&c, &cmd_twolist);
    twolist_args w = {NULL, NULL};
    int code = cli_parse(&c, &w, argc, argv);
    if (code >= 0)
        return code;
    cli_input in = {0};
    dfg_table *t = NULL;
    cli_out o = {0};
    dfg_estimate e[2][2]; /* [estimator][log-normal, profile] */
    dfg_status st[2][2];
    memset(e, 0, sizeof e);
    if ((code = cli_load_table(&c, &in, &t)) != 0)
        goto done;
    size_t k = dfg_table_k(t);
    int a = 0, b = k == 2 ? 1 : -1;
    if ((w.a && (a = list_option("--a", w.a, t)) < 0) ||
        (w.b && strcmp(w.b, "others") != 0 && (b = list_option("--b", w.b, t)) < 0)) {
        code = EXIT_USAGE;
        goto done;
    }
    if (w.b && strcmp(w.b, "others") == 0)
        b = -1;
    if (a == b) {
        code = usage_error("twolist", "--a and --b name the same list (%s)",
                           dfg_table_list_name(t, (size_t)a));
        goto done;
    }
    c.est.list_a = a;
    c.est.list_b = b;
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
    if ((code = cli_out_open(&o, &c, &in, t)) != 0)
        goto done;
    if (o.format == FMT_TEXT) {
        twolist_text(o.text, &c, in.sha, e, st);
    } else {
        o.rows = "estimators";
        twolist_json(o.root, c.est.level, e, st);
    }
    code = cli_out_finish(&o, &c);
done:
    cli_out_free(&o);
    dfg_table_free(t);
    cli_input_free(&in);
    return code;
}
