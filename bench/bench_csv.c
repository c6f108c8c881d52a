/* bench/bench_csv.c: CSV reading throughput on a generated 10-million-record file (not a test).
 *
 *   bench_csv [records] [repeats]      (defaults 10000000 and 5)
 *
 * Writes a records-shape CSV (one row per person, 6 list columns "I,K,O,P,R,Z", 0/1
 * values, LF line ends; about 12 bytes a record, 120 MB for 10 million) into a temporary
 * file under $TMPDIR (or /tmp), times dfg_table_read_csv on it `repeats` times and prints
 * the median (min, max) in MB/s (10^6 bytes) and records/s, of wall time and of process CPU
 * time, then removes the file. A second case adds two covariate columns (region, a year)
 * read with --lists I,K,O,P,R,Z, so the records go through the stratum hash (about 20 bytes
 * a record). The content is deterministic: each person is on list j with probability
 * 0.10 + 0.05 j, independently, drawn again when on no list (splitmix64, seed 1); the
 * counts read are checked against the counts written. The file is in the page cache
 * after writing, so this is parsing speed, not disk speed. Peak memory is getrusage's
 * ru_maxrss (generation streams through a 1 MiB buffer, so it is the reader's).
 * Target: >= 100 MB/s.
 * Machine-readable lines start with "@speed name median min max unit" and "@mem name KiB".
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, mkstemp, fdopen */
#include "bench_clock.h"
#include "darkfig.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define K 6
#define MAX_REPEATS 31

static long maxrss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss; /* KiB on Linux */
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* splitmix64 (Steele, Lea & Flood 2014): a fixed, portable stream. */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A pattern of K lists, list j with probability 0.10 + 0.05 j, never the empty one. */
static unsigned draw(uint64_t *s)
{
    for (;;) {
        uint64_t u = next(s);
        unsigned pat = 0;
        for (int j = 0; j < K; j++) {
            /* 10 bits of u per list: compare with the probability in 1/1024 */
            unsigned v = (unsigned)((u >> (10 * j)) & 1023u);
            if (v < (unsigned)((0.10 + 0.05 * j) * 1024.0))
                pat |= 1u << j;
        }
        if (pat)
            return pat;
    }
}

/* Write the file; counts[pat] gets the records written per pattern. Returns bytes or 0. */
static size_t generate(FILE *f, size_t n, int with_cov, double counts[1 << K])
{
    static const char *const region[5] = {"north", "east", "south", "west", "\"centre, city\""};
    char buf[1 << 20];
    size_t used = 0, bytes = 0;
    uint64_t s = 1;
    memset(counts, 0, sizeof(double) << K);
    used += (size_t)snprintf(buf, sizeof buf, "%s\n",
                             with_cov ? "I,K,O,P,R,Z,region,year" : "I,K,O,P,R,Z");
    for (size_t i = 0; i < n; i++) {
        if (used > sizeof buf - 64) {
            if (fwrite(buf, 1, used, f) != used)
                return 0;
            bytes += used;
            used = 0;
        }
        unsigned pat = draw(&s);
        counts[pat] += 1.0;
        char *p = buf + used;
        for (int j = 0; j < K; j++) {
            *p++ = (char)('0' + ((pat >> j) & 1u));
            *p++ = j + 1 < K ? ',' : (with_cov ? ',' : '\n');
        }
        used = (size_t)(p - buf);
        if (with_cov)
            used += (size_t)snprintf(p, sizeof buf - used, "%s,%d\n", region[i % 5],
                                     2010 + (int)(i / 7 % 6));
    }
    if (fwrite(buf, 1, used, f) != used)
        return 0;
    return bytes + used;
}

static int run(size_t n, int repeats, int with_cov)
{
    const char *dir = getenv("TMPDIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/darkfig-bench-csv-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("bench_csv: mkstemp");
        return 1;
    }
    FILE *f = fdopen(fd, "wb");
    static double counts[1 << K];
    size_t bytes = f ? generate(f, n, with_cov, counts) : 0;
    if (!f || fclose(f) != 0 || bytes == 0) {
        fprintf(stderr, "bench_csv: cannot write %s\n", path);
        remove(path);
        return 1;
    }
    const char *label = with_cov ? "records, 6 lists + 2 covariates" : "records, 6 lists";
    const char *key = with_cov ? "csv_cov" : "csv";
    dfg_csv_opts co = dfg_csv_opts_default();
    if (with_cov)
        co.lists = "I,K,O,P,R,Z";
    double mbs[MAX_REPEATS], mbs_cpu[MAX_REPEATS], rps[MAX_REPEATS];
    int rc = 0;
    for (int r = 0; r < repeats && rc == 0; r++) {
        dfg_table *t = NULL;
        dfg_error err = {0};
        double w0 = bench_wall(), c0 = bench_process_cpu();
        dfg_status st = dfg_table_read_csv(path, &co, &t, &err);
        double w = bench_wall() - w0, c = bench_process_cpu() - c0;
        if (st != DFG_OK) {
            fprintf(stderr, "bench_csv: %s: %s\n", err.where, err.msg);
            rc = 1;
            break;
        }
        /* the counts read must be the counts written (summed over strata) */
        double y[1 << K], sum[1 << K] = {0};
        for (size_t st_i = 0; st_i < dfg_table_n_strata(t); st_i++) {
            dfg_table_cells(t, st_i, y, &err);
            for (size_t c2 = 1; c2 < (1u << K); c2++)
                sum[c2] += y[c2];
        }
        for (size_t c2 = 1; c2 < (1u << K); c2++)
            if (sum[c2] != counts[c2]) {
                fprintf(stderr, "bench_csv: pattern %zu: read %.0f, wrote %.0f\n", c2, sum[c2],
                        counts[c2]);
                rc = 1;
            }
        if (r == 0)
            printf("%s: %zu records, %.1f MB, %zu strata, %s\n", label, n, 1e-6 * (double)bytes,
                   dfg_table_n_strata(t), rc ? "counts WRONG" : "counts match");
        dfg_table_free(t);
        mbs[r] = 1e-6 * (double)bytes / w;
        mbs_cpu[r] = 1e-6 * (double)bytes / c;
        rps[r] = (double)n / w;
    }
    remove(path);
    if (rc)
        return rc;
    qsort(mbs, (size_t)repeats, sizeof mbs[0], cmp_d);
    qsort(mbs_cpu, (size_t)repeats, sizeof mbs[0], cmp_d);
    qsort(rps, (size_t)repeats, sizeof rps[0], cmp_d);
    int m = repeats / 2, hi = repeats - 1;
    printf("  wall: %.0f MB/s (min %.0f, max %.0f), %.3g records/s; CPU: %.0f MB/s; "
           "%d repeats; target >= 100 MB/s: %s\n",
           mbs[m], mbs[0], mbs[hi], rps[m], mbs_cpu[m], repeats,
           mbs[m] >= 100.0 ? "met" : "MISSED");
    printf("@speed %s %.6g %.6g %.6g MB/s\n", key, mbs[m], mbs[0], mbs[hi]);
    printf("@speed %s_records %.6g %.6g %.6g records/s\n", key, rps[m], rps[0], rps[hi]);
    printf("@speed %s_cpu %.6g %.6g %.6g MB/s\n", key, mbs_cpu[m], mbs_cpu[0], mbs_cpu[hi]);
    return 0;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000;
    int repeats = argc > 2 ? atoi(argv[2]) : 5;
    if (n < 1)
        n = 1;
    if (repeats < 1)
        repeats = 1;
    if (repeats > MAX_REPEATS)
        repeats = MAX_REPEATS;
    setvbuf(stdout, NULL, _IOLBF, 0);
    long rss0 = maxrss_kib();
    int rc = run(n, repeats, 0);
    long rss1 = maxrss_kib();
    printf("  peak memory (ru_maxrss): %ld KiB (%ld KiB before reading)\n", rss1, rss0);
    printf("@mem csv %ld\n", rss1);
    if (rc == 0)
        rc = run(n, repeats, 1);
    printf("@mem csv_cov %ld\n", maxrss_kib());
    return rc;
}
