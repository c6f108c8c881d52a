/* bench/yearly/make_yearly.c: draw the synthetic yearly snapshots of data/yearly with the
 * simulator (core/sim.c).
 *
 * Usage: make_yearly SCENARIO PLAN STRATA SEED OUTDIR
 *   SCENARIO  a scenario file without `total` and `class` lines (the lists, their capture
 *             probabilities and interactions: the registration process);
 *   PLAN      CSV year,total,factor: the true total of the year and a factor on every
 *             list's capture probability (registration effort of that year);
 *   STRATA    CSV variable,level,share,factor: each covariate's levels, their shares of
 *             the population and a factor on the capture probabilities; a stratum is one
 *             level of each variable, its share the product of the shares, its factor the
 *             product of the factors (covariates independent in the population).
 * For year y and stratum s (in the order of the files), the true size is the year's total
 * times the share, rounded by the largest-remainder rule so that the strata add up to the
 * year's total; the capture table is dfg_sim_table of the scenario with that total and one
 * class of share 1 whose factors are year factor x stratum factor, from stream (SEED,
 * r), r = 1000 * (y - first year) + s. Writes OUTDIR/<name>_<year>.csv (pattern counts:
 * the lists, the covariates, count) and OUTDIR/truth.csv (year, covariates, true total,
 * registered). The same arguments give the same bytes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "darkfig.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VARS 8
#define MAX_LEVELS 8
#define MAX_YEARS 64

typedef struct {
    char name[32];
    size_t n;
    char level[MAX_LEVELS][32];
    double share[MAX_LEVELS], factor[MAX_LEVELS];
} var;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    if (b)
        b[n] = '\0';
    fclose(f);
    return b;
}

static int die(const char *msg, const char *what)
{
    fprintf(stderr, "make_yearly: %s%s%s\n", what ? what : "", what ? ": " : "", msg);
    return 1;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc != 6)
        return die("usage: make_yearly SCENARIO PLAN STRATA SEED OUTDIR", NULL);
    char *scn = slurp(argv[1]);
    if (!scn)
        return die("cannot read", argv[1]);
    int years[MAX_YEARS];
    double totals[MAX_YEARS], yfac[MAX_YEARS];
    size_t ny = 0;
    FILE *f = fopen(argv[2], "r");
    if (!f)
        return die("cannot read", argv[2]);
    char line[512];
    while (fgets(line, sizeof line, f))
        if (ny < MAX_YEARS && sscanf(line, "%d,%lf,%lf", &years[ny], &totals[ny], &yfac[ny]) == 3)
            ny++;
    fclose(f);
    var vars[MAX_VARS];
    size_t nv = 0;
    if (!(f = fopen(argv[3], "r")))
        return die("cannot read", argv[3]);
    while (fgets(line, sizeof line, f)) {
        char vn[32], lv[32];
        double sh, fa;
        if (sscanf(line, "%31[^,],%31[^,],%lf,%lf", vn, lv, &sh, &fa) != 4)
            continue;
        size_t v = 0;
        while (v < nv && strcmp(vars[v].name, vn) != 0)
            v++;
        if (v == nv) {
            if (nv == MAX_VARS)
                return die("too many variables", argv[3]);
            memset(&vars[nv], 0, sizeof vars[nv]);
            snprintf(vars[nv].name, sizeof vars[nv].name, "%s", vn);
            nv++;
        }
        var *x = &vars[v];
        if (x->n == MAX_LEVELS)
            return die("too many levels", vn);
        snprintf(x->level[x->n], sizeof x->level[0], "%s", lv);
        x->share[x->n] = sh;
        x->factor[x->n] = fa;
        x->n++;
    }
    fclose(f);
    uint32_t seed = (uint32_t)strtoul(argv[4], NULL, 10);
    size_t ns = 1;
    for (size_t v = 0; v < nv; v++)
        ns *= vars[v].n;
    char path[1024];
    snprintf(path, sizeof path, "%s/truth.csv", argv[5]);
    FILE *truth = fopen(path, "w");
    if (!truth)
        return die("cannot write", path);
    fputs("year", truth);
    for (size_t v = 0; v < nv; v++)
        fprintf(truth, ",%s", vars[v].name);
    fputs(",total,registered\n", truth);
    double *share = malloc(ns * sizeof *share), *fac = malloc(ns * sizeof *fac);
    long *size = malloc(ns * sizeof *size);
    size_t *lev = malloc(ns * nv * sizeof *lev);
    if (!share || !fac || !size || !lev)
        return die("out of memory", NULL);
    for (size_t s = 0; s < ns; s++) {
        size_t r = s;
        share[s] = 1.0;
        fac[s] = 1.0;
        for (size_t v = nv; v-- > 0;) { /* the last variable varies fastest */
            lev[s * nv + v] = r % vars[v].n;
            r /= vars[v].n;
            share[s] *= vars[v].share[lev[s * nv + v]];
            fac[s] *= vars[v].factor[lev[s * nv + v]];
        }
    }
    for (size_t y = 0; y < ny; y++) {
        /* largest remainder: floor, then one more to the largest fractional parts */
        long sum = 0;
        for (size_t s = 0; s < ns; s++) {
            size[s] = (long)floor(totals[y] * share[s]);
            sum += size[s];
        }
        while (sum < (long)totals[y]) {
            size_t best = 0;
            double bf = -1.0;
            for (size_t s = 0; s < ns; s++) {
                double fr = totals[y] * share[s] - floor(totals[y] * share[s]);
                if (size[s] == (long)floor(totals[y] * share[s]) && fr > bf) {
                    bf = fr;
                    best = s;
                }
            }
            size[best]++;
            sum++;
        }
        snprintf(path, sizeof path, "%s/nl_synthetic_%d.csv", argv[5], years[y]);
        FILE *o = fopen(path, "w");
        if (!o)
            return die("cannot write", path);
        int header = 0;
        for (size_t s = 0; s < ns; s++) {
            if (size[s] == 0)
                continue;
            size_t n = strlen(scn) + 256;
            char *buf = malloc(n);
            if (!buf)
                return die("out of memory", NULL);
            double fs = yfac[y] * fac[s];
            int len = snprintf(buf, n, "%s\ntotal %ld\nclass 1", scn, size[s]);
            dfg_error err = {0};
            dfg_scenario *sc = NULL;
            /* one factor per list */
            char *tail = buf + len;
            (void)tail;
            size_t k0 = 0;
            {
                /* k from a first read without the class line */
                char *b0 = malloc(n);
                if (!b0)
                    return die("out of memory", NULL);
                int l0 = snprintf(b0, n, "%s\ntotal %ld\n", scn, size[s]);
                if (dfg_scenario_read_buffer(argv[1], b0, (size_t)l0, &sc, &err) != DFG_OK)
                    return die(err.msg, err.where);
                k0 = dfg_scenario_k(sc);
                dfg_scenario_free(sc);
                sc = NULL;
                free(b0);
            }
            for (size_t j = 0; j < k0; j++)
                len += snprintf(buf + len, n - (size_t)len, " %.17g", fs);
            len += snprintf(buf + len, n - (size_t)len, "\n");
            if (dfg_scenario_read_buffer(argv[1], buf, (size_t)len, &sc, &err) != DFG_OK)
                return die(err.msg, err.where);
            free(buf);
            size_t k = dfg_scenario_k(sc);
            if (!header) {
                for (size_t j = 0; j < k; j++)
                    fprintf(o, "%s,", dfg_scenario_list_name(sc, j));
                for (size_t v = 0; v < nv; v++)
                    fprintf(o, "%s,", vars[v].name);
                fputs("count\n", o);
                header = 1;
            }
            dfg_table *t = NULL;
            uint64_t rep = (uint64_t)(1000 * y + s);
            if (dfg_sim_table(sc, seed, rep, &t, &err) != DFG_OK)
                return die(err.msg, err.where);
            for (size_t i = 0; i < dfg_table_n_patterns(t, 0); i++) {
                uint32_t pat;
                double cnt;
                dfg_table_pattern(t, 0, i, &pat, &cnt);
                if (cnt <= 0)
                    continue;
                for (size_t j = 0; j < k; j++)
                    fprintf(o, "%u,", (pat >> j) & 1u);
                for (size_t v = 0; v < nv; v++)
                    fprintf(o, "%s,", vars[v].level[lev[s * nv + v]]);
                fprintf(o, "%.0f\n", cnt);
            }
            fprintf(truth, "%d", years[y]);
            for (size_t v = 0; v < nv; v++)
                fprintf(truth, ",%s", vars[v].level[lev[s * nv + v]]);
            fprintf(truth, ",%ld,%.0f\n", size[s], dfg_table_n_obs(t, 0));
            dfg_table_free(t);
            dfg_scenario_free(sc);
        }
        if (fclose(o) != 0)
            return die("cannot write", path);
    }
    free(share);
    free(fac);
    free(size);
    free(lev);
    free(scn);
    return fclose(truth) != 0 ? die("cannot write", "truth.csv") : 0;
}
