/* bench/bench_lcmcr.c: Gibbs sweeps of the latent-class model (models/lcmcr.c) per second.
 *
 * `bench_lcmcr [sweeps] [repeats]` (defaults 20000 and 5): one chain on one thread,
 * K = 10, CPU time (CLOCK_PROCESS_CPUTIME_ID, so other load on the machine counts less
 * than in wall time) per 1,000 sweeps, the best of the repeats, on
 *  - netherlands_6 (6 lists, 24 patterns, 8,234 people);
 *  - the same 24 patterns scaled to about 1,000 .. 10,000,000 people (a sweep costs
 *    O(patterns x K x lists) whatever the counts; it grows only with the classes that
 *    hold people, which more data support, and stays flat from there);
 *  - a 20-list table drawn from a two-class population of 200,000 (core/sim.c).
 * LCMCR 0.4.14 takes about 15 microseconds per iteration on the Dutch table on this
 * machine (data/README.md of the reference set: 6-9 s for 210,000 iterations).
 * "@speed" lines (ms per 1,000 sweeps) are for bench/speed.sh.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include "darkfig.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* microseconds per sweep: best of `repeats` one-chain runs of `sweeps` sweeps after the
 * 500-sweep warm-up (timed as a run of 4 draws, subtracted) */
static double time_sweeps(const dfg_table *t, size_t sweeps, int repeats, double *occupied)
{
    dfg_lcmcr_opts o = dfg_lcmcr_opts_default();
    o.chains = 1;
    o.threads = 1;
    o.thin = 1;
    o.samples = 4;
    o.rhat_max = INFINITY;
    o.ess_min = 0.0;
    double best = INFINITY, base = INFINITY;
    dfg_lcmcr_result r;
    dfg_error err;
    for (int i = 0; i < repeats; i++) {
        o.burnin = 0;
        double t0 = cpu_now();
        if (dfg_lcmcr_run(t, 0, &o, &r, &err)) {
            fprintf(stderr, "bench_lcmcr: %s\n", err.msg);
            return NAN;
        }
        base = fmin(base, cpu_now() - t0);
        dfg_lcmcr_result_free(&r);
        o.burnin = sweeps;
        t0 = cpu_now();
        if (dfg_lcmcr_run(t, 0, &o, &r, &err)) {
            fprintf(stderr, "bench_lcmcr: %s\n", err.msg);
            return NAN;
        }
        best = fmin(best, cpu_now() - t0);
        *occupied = r.occupied.mean;
        dfg_lcmcr_result_free(&r);
    }
    return 1e6 * (best - base) / (double)sweeps;
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

static void report(const char *what, const dfg_table *t, size_t sweeps, int repeats)
{
    double occ = NAN, us = time_sweeps(t, sweeps, repeats, &occ);
    printf("%-30s %2zu lists %6zu patterns %9.0f people: %8.2f ms per 1,000 sweeps, "
           "%4.1f classes occupied at the end (LCMCR ~15 us per iteration: x %.1f)\n",
           what, dfg_table_k(t), dfg_table_n_patterns(t, 0), dfg_table_n_obs(t, 0), us, occ,
           15.0 / us);
    printf("@speed lcmcr_%s %.3f\n", what, us);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    size_t sweeps = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 20000;
    int repeats = argc > 2 ? atoi(argv[2]) : 5;
    if (sweeps < 1 || repeats < 1) {
        fprintf(stderr, "usage: bench_lcmcr [sweeps >= 1] [repeats >= 1]\n");
        return 2;
    }
    dfg_table *nl = NULL;
    dfg_error err;
    if (dfg_table_read_csv(DFG_DATA_DIR "/netherlands_6.csv", NULL, &nl, &err)) {
        fprintf(stderr, "bench_lcmcr: %s: %s\n", err.where, err.msg);
        return 1;
    }
    report("netherlands_6", nl, sweeps, repeats);
    static const double people[] = {1e3, 1e4, 1e5, 1e6, 1e7};
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
        dfg_table *u = scaled(nl, people[i]);
        char what[64];
        snprintf(what, sizeof what, "netherlands_6_patterns_%.0e", people[i]);
        if (u)
            report(what, u, sweeps, repeats);
        dfg_table_free(u);
    }
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
    report("lists20", t20, sweeps / 10 ? sweeps / 10 : 1, repeats);
    dfg_table_free(t20);
    dfg_scenario_free(sc);
    return 0;
}
