/* bench/bench_lcmcr.c: Gibbs sweeps of the latent-class model (models/lcmcr.c).
 *
 * `bench_lcmcr [sweeps] [repeats]` (defaults 20000 and 5): one chain on one thread,
 * microseconds of CPU time (CLOCK_PROCESS_CPUTIME_ID, so other load on the machine counts
 * less than in wall time) per sweep, the median and the range over the repeats, on
 *  - netherlands_6 (6 lists, 24 patterns, 8,234 people), K = 10;
 *  - the same 24 patterns with their counts scaled to about 1,000 .. 10,000,000 people,
 *    K = 10: a sweep costs O(patterns x K x lists) whatever the counts, but how much of
 *    that work is done depends on the classes that hold people (a pattern's multinomial
 *    takes one binomial a class with people, an empty class's list probabilities are one
 *    uniform each, an occupied one's a beta draw), and more data support more classes:
 *    the mean number of occupied classes is printed next to each figure;
 *  - the same tables with K = 2, where both classes hold people at every size: the same
 *    work per sweep, so the figure must be flat from 1,000 to 10,000,000 people;
 *  - a 20-list table drawn from a two-class population of 200,000 (core/sim.c), K = 10;
 *  - binomial draws, ns a draw at n = 1e3, 1e6, 1e9: GSL's (gsl_ran_binomial, the BTPE
 *    algorithm of Kachitvichyanukul & Schmeiser 1988 for n p >= 14, on mt19937), which the
 *    first sampler used, and the sampler's own (dfg_xrng_binomial: BTRD of Hormann 1993
 *    on xoshiro256++, core/rng_fast.h); both O(1) in n.
 * LCMCR 0.4.14 takes about 15 microseconds per iteration on the Dutch table on this
 * machine (tests/data/lcmcr/README.md's reference set: 6-9 s for 210,000 iterations).
 * Lines "@speed key median min max unit" are read by bench/speed.sh.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include "bench_clock.h"
#include "darkfig.h"
#include "internal.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define KEPT 200    /* draws kept per run: the occupied classes are their mean */
#define MAX_REP 101 /* repeats at most */

/* One run: the 500-sweep warm-up, then `sweeps` sweeps with KEPT draws kept; returns the
 * CPU seconds, *occ the mean number of occupied classes; NAN on an error. */
static double one_run(const dfg_table *t, size_t K, size_t sweeps, double *occ)
{
    dfg_lcmcr_opts o = dfg_lcmcr_opts_default();
    o.K = K;
    o.chains = 1;
    o.threads = 1;
    o.burnin = 0;
    o.samples = KEPT;
    o.thin = sweeps / KEPT;
    o.rhat_max = INFINITY;
    o.ess_min = 0.0;
    dfg_lcmcr_result r;
    dfg_error err;
    double t0 = bench_process_cpu();
    if (dfg_lcmcr_run(t, 0, &o, &r, &err)) {
        fprintf(stderr, "bench_lcmcr: %s\n", err.msg);
        return NAN;
    }
    double dt = bench_process_cpu() - t0;
    *occ = r.occupied.mean;
    dfg_lcmcr_result_free(&r);
    return dt;
}

/* microseconds per sweep of `repeats` runs: each run of `sweeps` (a multiple of KEPT)
 * less a run of KEPT sweeps (the warm-up, the set-up and the summaries), per sweep;
 * med, lo, hi over the repeats; *occ the mean occupied classes of the long runs */
static int time_sweeps(const dfg_table *t, size_t K, size_t sweeps, int repeats, double *med,
                       double *lo, double *hi, double *occ)
{
    double us[MAX_REP] = {0}, o1 = 0.0, osum = 0.0;
    sweeps = (sweeps + KEPT - 1) / KEPT * KEPT;
    if (sweeps <= KEPT)
        sweeps = 2 * KEPT;
    for (int i = 0; i < repeats; i++) {
        double base = one_run(t, K, KEPT, &o1);
        double full = one_run(t, K, sweeps, &o1);
        if (isnan(base) || isnan(full))
            return -1;
        us[i] = 1e6 * (full - base) / (double)(sweeps - KEPT);
        osum += o1;
    }
    qsort(us, (size_t)repeats, sizeof us[0], cmp_double);
    *med = repeats % 2 ? us[repeats / 2] : 0.5 * (us[repeats / 2 - 1] + us[repeats / 2]);
    *lo = us[0];
    *hi = us[repeats - 1];
    *occ = osum / repeats;
    return 0;
}

/* the patterns of t with counts scaled to about `people` in all (each at least 1) */
static dfg_table *scaled(const dfg_table *t, double people)
{
    size_t k = dfg_table_k(t);
    const char *names[32];
    for (size_t j = 0; j < k; j++)
        names[j] = dfg_table_list_name(t, j);
    dfg_table *u = dfg_table_new(k, names, 0, NULL, NULL);
    double f = people / dfg_table_n_obs(t, 0);
    for (size_t i = 0; u && i < dfg_table_n_patterns(t, 0); i++) {
        uint32_t x;
        double c;
        dfg_table_pattern(t, 0, i, &x, &c);
        dfg_table_add(u, 0, x, fmax(1.0, floor(c * f + 0.5)), NULL);
    }
    return u;
}

static void report(const char *key, const char *what, const dfg_table *t, size_t K, size_t sweeps,
                   int repeats)
{
    double med, lo, hi, occ;
    if (time_sweeps(t, K, sweeps, repeats, &med, &lo, &hi, &occ))
        return;
    printf("%-28s K=%-2zu %2zu lists %6zu patterns %9.0f people: %7.3f us a sweep "
           "(%.3f-%.3f), %4.1f classes occupied (LCMCR ~15 us an iteration: x %.1f)\n",
           what, K, dfg_table_k(t), dfg_table_n_patterns(t, 0), dfg_table_n_obs(t, 0), med, lo, hi,
           occ, 15.0 / med);
    printf("@speed %s %.4g %.4g %.4g us/sweep\n", key, med, lo, hi);
    fflush(stdout);
}

/* ns per binomial(n, p) draw, GSL's (gsl_ran_binomial on mt19937) and the sampler's
 * (dfg_xrng_binomial): the median of `repeats` loops of `draws` each */
static void binomial_cost(unsigned n, double p, long draws, int repeats)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    dfg_xrng x;
    if (!r || dfg_xrng_seed(&x, 1, 0, NULL)) {
        gsl_rng_free(r);
        return;
    }
    double ns[MAX_REP] = {0}, nx[MAX_REP] = {0};
    unsigned long sink = 0, sinkx = 0;
    for (int i = 0; i < repeats; i++) {
        double t0 = bench_process_cpu();
        for (long d = 0; d < draws; d++)
            sink += gsl_ran_binomial(r, p, n);
        double t1 = bench_process_cpu();
        for (long d = 0; d < draws; d++)
            sinkx += dfg_xrng_binomial(&x, n, p);
        ns[i] = 1e9 * (t1 - t0) / (double)draws;
        nx[i] = 1e9 * (bench_process_cpu() - t1) / (double)draws;
    }
    qsort(ns, (size_t)repeats, sizeof ns[0], cmp_double);
    qsort(nx, (size_t)repeats, sizeof nx[0], cmp_double);
    printf("binomial n = %-10u p = %-5g: gsl_ran_binomial %6.1f ns, dfg_xrng_binomial %6.1f ns a "
           "draw (mean draws %.4g, %.4g)\n",
           n, p, ns[repeats / 2], nx[repeats / 2], (double)sink / ((double)draws * repeats),
           (double)sinkx / ((double)draws * repeats));
    gsl_rng_free(r);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    size_t sweeps = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 20000;
    int repeats = argc > 2 ? atoi(argv[2]) : 5;
    if (sweeps < 1 || repeats < 1 || repeats > MAX_REP) {
        fprintf(stderr, "usage: bench_lcmcr [sweeps >= 1] [repeats 1..%d]\n", MAX_REP);
        return 2;
    }
    double load[3] = {NAN, NAN, NAN};
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) {
        if (fscanf(la, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
            load[0] = NAN;
        fclose(la);
    }
    printf("bench_lcmcr: %zu sweeps, %d repeats; CPU time; load average at start %.2f %.2f "
           "%.2f\n",
           sweeps, repeats, load[0], load[1], load[2]);
    dfg_table *nl = NULL;
    dfg_error err;
    if (dfg_table_read_csv(DFG_DATA_DIR "/netherlands_6.csv", NULL, &nl, &err)) {
        fprintf(stderr, "bench_lcmcr: %s: %s\n", err.where, err.msg);
        return 1;
    }
    report("lcmcr_nl6", "netherlands_6", nl, 10, sweeps, repeats);
    static const double people[] = {1e3, 1e4, 1e5, 1e6, 1e7};
    static const char *const tag[] = {"1e3", "1e4", "1e5", "1e6", "1e7"};
    size_t np = sizeof people / sizeof people[0];
    dfg_table *u[5] = {NULL};
    for (size_t i = 0; i < np; i++)
        u[i] = scaled(nl, people[i]);
    static const size_t Ks[] = {10, 2};
    for (size_t ki = 0; ki < 2; ki++)
        for (size_t i = 0; i < np; i++) {
            size_t K = Ks[ki];
            char key[64], what[64];
            snprintf(key, sizeof key, "lcmcr_nl6_%s_K%zu", tag[i], K);
            snprintf(what, sizeof what, "nl6 patterns, %.0e people", people[i]);
            if (u[i])
                report(key, what, u[i], K, sweeps, repeats);
        }
    for (size_t i = 0; i < np; i++)
        dfg_table_free(u[i]);
    dfg_table_free(nl);

    /* 20 lists: two classes, capture probabilities 0.02 .. 0.2 */
    char scn[1024];
    size_t len = (size_t)snprintf(scn, sizeof scn, "lists 20\ntotal 200000\ncapture");
    for (int j = 0; j < 20; j++)
        len += (size_t)snprintf(scn + len, sizeof scn - len, " %.3f", 0.02 + 0.009 * j);
    len += (size_t)snprintf(scn + len, sizeof scn - len, "\nclass 0.6");
    for (int j = 0; j < 20; j++)
        len += (size_t)snprintf(scn + len, sizeof scn - len, " 0.5");
    len += (size_t)snprintf(scn + len, sizeof scn - len, "\nclass 0.4");
    for (int j = 0; j < 20; j++)
        len += (size_t)snprintf(scn + len, sizeof scn - len, " 1.75");
    len += (size_t)snprintf(scn + len, sizeof scn - len, "\n");
    dfg_scenario *sc = NULL;
    dfg_table *t20 = NULL;
    if (dfg_scenario_read_buffer("lists20", scn, len, &sc, &err) ||
        dfg_sim_table(sc, 1u, 0, &t20, &err)) {
        fprintf(stderr, "bench_lcmcr: %s\n", err.msg);
        dfg_scenario_free(sc);
        return 1;
    }
    report("lcmcr_lists20", "lists20", t20, 10, sweeps / 50, repeats);
    dfg_table_free(t20);
    dfg_scenario_free(sc);

    binomial_cost(1000u, 0.3, 2000000, 3);
    binomial_cost(1000000u, 0.3, 2000000, 3);
    binomial_cost(1000000000u, 0.3, 2000000, 3);
    binomial_cost(1000000000u, 0.001, 2000000, 3);
    binomial_cost(4466u, 0.07, 2000000, 3);
    binomial_cost(44u, 0.1, 2000000, 3);

    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        printf("@mem lcmcr %ld\n", ru.ru_maxrss);
    la = fopen("/proc/loadavg", "r");
    if (la) {
        if (fscanf(la, "%lf %lf %lf", &load[0], &load[1], &load[2]) == 3)
            printf("load average at end %.2f %.2f %.2f\n", load[0], load[1], load[2]);
        fclose(la);
    }
    return 0;
}
