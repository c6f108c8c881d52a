/* bench/accuracy/accuracy.c: darkfig-accuracy, the accuracy benchmark runner.
 *
 *   darkfig-accuracy run PLAN [--csv OUT.csv] [--json OUT.json] [--seed S] [--threads T]
 *                            [--reps-scale X]
 *   darkfig-accuracy compare BASELINE.csv NEW.csv [--nse 3]
 *
 * A plan has one line per (scenario, method): `SCENARIO.scn ESTIMATOR R [key=value ...]`
 * ('#' comments; the scenario path is relative to the plan's folder; options as in
 * acc_method_option: ci=, boot=, model=, method=, criterion=, threshold=, max_order=; ci=bca
 * and ci=percentile bootstrap every table with dfg_boot_run, boot=B replicates, default
 * ACC_BOOT_B). Replicate r
 * of a scenario is the table dfg_sim_table(scenario, seed_s, r) with seed_s = S + FNV-1a
 * of the scenario's name (mod 2^32), so every method sees the same tables (common random
 * numbers) and results do not depend on --threads. Estimators that this build does not
 * have are skipped with a note on stderr (compare then reports their baseline rows as
 * missing).
 *
 * compare exits 1 when any metric is worse than the baseline by more than --nse combined
 * Monte-Carlo standard errors (acc_compare), printing scenario, method and metric; 0 when
 * none is; 2 on usage or input errors.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "acc.h"

#include <cblas.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SEED 20260101u

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static int usage(void)
{
    fputs("usage: darkfig-accuracy run PLAN [--csv OUT.csv] [--json OUT.json] [--seed S]\n"
          "                            [--threads T] [--reps-scale X]\n"
          "       darkfig-accuracy compare BASELINE.csv NEW.csv [--nse 3]\n",
          stderr);
    return 2;
}

/* Read the whole plan; lines are split in place and kept alive for the options. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 14, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len - 1, f);
        if (len < cap - 1)
            break;
        char *nb = realloc(buf, cap *= 2);
        if (!nb)
            free(buf);
        buf = nb;
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

static int cmd_run(int argc, char **argv)
{
    const char *plan = NULL, *csv = NULL, *json = NULL;
    uint32_t seed = DEFAULT_SEED;
    int threads = 1;
    double scale = 1.0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--csv") && i + 1 < argc)
            csv = argv[++i];
        else if (!strcmp(argv[i], "--json") && i + 1 < argc)
            json = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--reps-scale") && i + 1 < argc)
            scale = atof(argv[++i]);
        else if (argv[i][0] != '-' && !plan)
            plan = argv[i];
        else
            return usage();
    }
    if (!plan || threads < 1 || !(scale > 0.0))
        return usage();
    char *text = slurp(plan);
    if (!text) {
        fprintf(stderr, "darkfig-accuracy: cannot read %s\n", plan);
        return 2;
    }
    char dir[1024];
    const char *slash = strrchr(plan, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - plan) : 1, slash ? plan : ".");
    acc_rows rows = {0};
    int rc = 0;
    size_t ln = 0;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        ln++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *tok[16];
        size_t nt = 0;
        for (char *p = strtok(line, " \t\r"); p && nt < 16; p = strtok(NULL, " \t\r"))
            tok[nt++] = p;
        if (!nt)
            continue;
        if (nt < 3) {
            fprintf(stderr, "darkfig-accuracy: %s:%zu: expected SCENARIO ESTIMATOR R\n", plan, ln);
            rc = 2;
            break;
        }
        acc_method m;
        memset(&m, 0, sizeof m);
        m.opts = dfg_est_opts_default();
        m.intervals = 1;
        m.est = dfg_estimator_find(tok[1]);
        size_t used = (size_t)snprintf(m.label, sizeof m.label, "%s", tok[1]);
        char msg[256];
        for (size_t i = 3; i < nt; i++) {
            if (acc_method_option(&m, tok[i], msg, sizeof msg)) {
                fprintf(stderr, "darkfig-accuracy: %s:%zu: %s\n", plan, ln, msg);
                rc = 2;
                goto done;
            }
            if (used < sizeof m.label)
                used += (size_t)snprintf(m.label + used, sizeof m.label - used, "/%s", tok[i]);
        }
        long R = (long)(scale * atof(tok[2]) + 0.5);
        if (R < 2) {
            fprintf(stderr, "darkfig-accuracy: %s:%zu: R must be >= 2\n", plan, ln);
            rc = 2;
            break;
        }
        if (!m.est) {
            fprintf(stderr, "darkfig-accuracy: estimator %s not in this build; skipped\n", tok[1]);
            continue;
        }
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, tok[0]);
        dfg_error err = {0};
        dfg_scenario *sc = NULL;
        if (dfg_scenario_read(path, &sc, &err)) {
            fprintf(stderr, "darkfig-accuracy: %s: %s\n", err.where, err.msg);
            rc = 2;
            break;
        }
        uint32_t s_seed = seed + fnv1a(dfg_scenario_name(sc));
        size_t before = rows.n;
        if (acc_run(sc, &m, (size_t)R, s_seed, threads, &rows, &err)) {
            fprintf(stderr, "darkfig-accuracy: %s %s: %s %s\n", dfg_scenario_name(sc), m.label,
                    err.where, err.msg);
            dfg_scenario_free(sc);
            rc = 2;
            break;
        }
        double secs = 0, fail = 0, bias = 0, c95 = (double)NAN;
        for (size_t i = before; i < rows.n; i++) {
            const acc_row *w = &rows.rows[i];
            if (!strcmp(w->metric, "seconds"))
                secs = w->value;
            else if (!strcmp(w->metric, "fail"))
                fail = w->value;
            else if (!strcmp(w->metric, "relbias"))
                bias = w->value;
            else if (!strcmp(w->metric, "cover95"))
                c95 = w->value;
        }
        fprintf(stderr, "%-16s %-28s R=%-5ld relbias %+.3f cover95 %.3f fail %.3f  %.3fs/rep\n",
                dfg_scenario_name(sc), m.label, R, bias, c95, fail, secs);
        dfg_scenario_free(sc);
    }
    if (!rc) {
        FILE *f = csv ? fopen(csv, "w") : stdout;
        if (!f || acc_write_csv(f, &rows)) {
            fprintf(stderr, "darkfig-accuracy: cannot write %s\n", csv);
            rc = 2;
        }
        if (f && f != stdout)
            fclose(f);
        if (json) {
            f = fopen(json, "w");
            if (!f || acc_write_json(f, &rows, seed, plan)) {
                fprintf(stderr, "darkfig-accuracy: cannot write %s\n", json);
                rc = 2;
            }
            if (f)
                fclose(f);
        }
    }
done:
    acc_rows_free(&rows);
    free(text);
    return rc;
}

static int cmd_compare(int argc, char **argv)
{
    const char *files[2] = {NULL, NULL};
    double nse = 3.0;
    size_t nf = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--nse") && i + 1 < argc)
            nse = atof(argv[++i]);
        else if (argv[i][0] != '-' && nf < 2)
            files[nf++] = argv[i];
        else
            return usage();
    }
    if (nf != 2 || !(nse > 0.0))
        return usage();
    acc_rows base = {0}, cur = {0};
    char msg[512];
    int rc = 2;
    if (acc_read_csv(files[0], &base, msg, sizeof msg) ||
        acc_read_csv(files[1], &cur, msg, sizeof msg)) {
        fprintf(stderr, "darkfig-accuracy: %s\n", msg);
        goto done;
    }
    size_t bad = acc_compare(&base, &cur, nse, stdout);
    printf("%zu regression(s) in %zu baseline metrics (tolerance %g combined MC s.e.)\n", bad,
           base.n, nse);
    rc = bad ? 1 : 0;
done:
    acc_rows_free(&base);
    acc_rows_free(&cur);
    return rc;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    openblas_set_num_threads(1); /* our threads run the replicates */
    if (argc < 2)
        return usage();
    if (!strcmp(argv[1], "run"))
        return cmd_run(argc - 2, argv + 2);
    if (!strcmp(argv[1], "compare"))
        return cmd_compare(argc - 2, argv + 2);
    return usage();
}
