/* bench/bench_dga.c: time per call of the model averaging over decomposable graphs.
 *
 * `bench_dga [repeats] [big]` (default 5 repeats): the median wall and process CPU time of
 * dfg_dga_run on
 *  - the 3-5 list tables of the dga references on their reference grids (N0 = 1 .. end,
 *    step as in ../shared/data/README.md): the same graphs x grid work dga 2.0.2's bma.cr
 *    does in 0.005-1.6 s per call; the 5-list ones on 1 and 2 threads;
 *  - 6 lists: netherlands_6 and uk2013_6 on their 5-list tables' reference grids and on the
 *    automatic grid (from N0 = 0, doubled until the upper half holds less than 1e-4), on 1
 *    and 2 threads;
 *  - with `big`: 7 lists (new_orleans_8 with lists F and G merged), automatic grid, on 1
 *    and 2 threads, one run each.
 * The load average (/proc/loadavg) is printed before and after: on a shared machine the
 * wall time of a run measures the load as much as the work.
 * "@speed" lines (ms) are for bench/speed.sh.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "bench_clock.h"
#include "darkfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void print_load(const char *when)
{
    char buf[128] = "?";
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (!fgets(buf, sizeof buf, f))
            snprintf(buf, sizeof buf, "?\n");
        fclose(f);
    }
    printf("load average %s: %s", when, buf);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static dfg_table *load(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.csv", DFG_DATA_DIR, name);
    dfg_table *t = NULL;
    dfg_error err = {0};
    if (dfg_table_read_csv(path, NULL, &t, &err) != DFG_OK)
        fprintf(stderr, "bench_dga: %s: %s\n", err.where, err.msg);
    return t;
}

/* new_orleans_8 with lists F and G (bits 5 and 6) merged: 7 lists. */
static dfg_table *new_orleans_7(void)
{
    dfg_table *t8 = load("new_orleans_8");
    if (!t8)
        return NULL;
    double y8[256], y7[128] = {0};
    dfg_table_cells(t8, 0, y8, NULL);
    for (uint32_t p = 1; p < 256; p++) {
        uint32_t fg = (p >> 5 & 1u) | (p >> 6 & 1u);
        y7[(p & 31u) | fg << 5 | (p >> 7 & 1u) << 6] += y8[p];
    }
    dfg_table_free(t8);
    const char *names[] = {"A", "B", "C", "D", "E", "FG", "H"};
    return dfg_table_from_cells(7, names, y7, NULL);
}

static int run(const char *label, const char *key, const dfg_table *t, double lo, double hi,
               double step, int threads, int repeats)
{
    dfg_dga_opts o = dfg_dga_opts_default();
    o.min_missing = lo;
    o.max_missing = hi;
    o.step = step;
    o.threads = threads;
    o.top = 3;
    double *times = malloc((size_t)repeats * sizeof *times);
    double *cpu = malloc((size_t)repeats * sizeof *cpu);
    if (!times || !cpu) {
        free(times);
        free(cpu);
        return 1;
    }
    dfg_dga_result r;
    dfg_error err = {0};
    for (int i = 0; i < repeats; i++) {
        double t0 = bench_wall(), c0 = bench_process_cpu();
        dfg_status rc = dfg_dga_run(t, 0, &o, &r, &err);
        times[i] = bench_wall() - t0;
        cpu[i] = bench_process_cpu() - c0;
        if (rc != DFG_OK) {
            fprintf(stderr, "bench_dga: %s: %s\n", label, err.msg);
            free(times);
            free(cpu);
            return 1;
        }
        if (i + 1 < repeats)
            dfg_dga_result_free(&r);
    }
    qsort(times, (size_t)repeats, sizeof *times, cmp);
    qsort(cpu, (size_t)repeats, sizeof *cpu, cmp);
    printf("%-44s %d thr  median %9.4f s  (min %.4f, max %.4f, %d runs)  cpu %.4f s  graphs %zu "
           "active %zu grid %zu x %g  N %g [%g, %g]\n",
           label, threads, times[repeats / 2], times[0], times[repeats - 1], repeats,
           cpu[repeats / 2], r.n_graphs, r.n_active, r.n_grid, r.grid_step, r.N.median, r.N.lower,
           r.N.upper);
    printf("@speed %s_t%d %.3f %.3f %.3f ms\n", key, threads, 1e3 * times[repeats / 2],
           1e3 * times[0], 1e3 * times[repeats - 1]);
    fflush(stdout);
    dfg_dga_result_free(&r);
    free(times);
    free(cpu);
    return 0;
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 5;
    int big = argc > 2 && strcmp(argv[2], "big") == 0;
    if (repeats < 1)
        repeats = 1;
    static const struct {
        const char *name;
        double hi, step;
    } ref[] = {
        {"korea_3", 9840, 1},         {"artificial_3", 128000, 7}, {"dga_spina_bifida_3", 6260, 1},
        {"rcapture_hiv_4", 18960, 1}, {"western_us_5", 13800, 1},  {"new_orleans_5", 7400, 1},
        {"uk2013_5", 54880, 3},       {"netherlands_5", 82340, 5},
    };
    int bad = 0;
    print_load("at the start");
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        dfg_table *t = load(ref[i].name);
        if (!t)
            return 1;
        char label[96];
        snprintf(label, sizeof label, "%s, reference grid", ref[i].name);
        int five = dfg_table_k(t) == 5;
        for (int th = 1; th <= (five ? 2 : 1); th++)
            bad |= run(label, ref[i].name, t, 1, ref[i].hi, ref[i].step, th, repeats);
        dfg_table_free(t);
    }
    /* 6 lists, on the grid of their 5-list tables and automatic */
    static const struct {
        const char *name, *key;
        double hi, step;
    } six[] = {{"netherlands_6", "nl6", 82340, 5}, {"uk2013_6", "uk6", 54880, 3}};
    for (size_t i = 0; i < 2; i++) {
        dfg_table *t = load(six[i].name);
        if (!t)
            return 1;
        char label[96], key[32];
        for (int th = 1; th <= 2; th++) {
            snprintf(label, sizeof label, "%s, 5-list reference grid", six[i].name);
            snprintf(key, sizeof key, "%s_refgrid", six[i].key);
            bad |= run(label, key, t, 1, six[i].hi, six[i].step, th, repeats);
            snprintf(label, sizeof label, "%s, automatic grid", six[i].name);
            snprintf(key, sizeof key, "%s_auto", six[i].key);
            bad |= run(label, key, t, 0, 0, 1, th, repeats < 3 ? repeats : 3);
        }
        dfg_table_free(t);
    }
    if (big) {
        dfg_table *t7 = new_orleans_7();
        if (!t7)
            return 1;
        for (int th = 1; th <= 2; th++)
            bad |= run("new_orleans_8, F+G merged (7 lists), automatic", "no7_auto", t7, 0, 0, 1,
                       th, 1);
        dfg_table_free(t7);
    }
    print_load("at the end");
    return bad;
}
