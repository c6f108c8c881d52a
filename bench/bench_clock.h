/* bench/bench_clock.h: the clocks every benchmark reads, in seconds as doubles.
 * bench_wall: elapsed time (CLOCK_MONOTONIC); bench_thread_cpu: the calling thread's CPU
 * time, meaningful on a loaded machine for one-thread work; bench_process_cpu: the CPU
 * time of every thread of the process.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DFG_BENCH_CLOCK_H
#define DFG_BENCH_CLOCK_H

#include <time.h>

static inline double bench_clock(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline double bench_wall(void)
{
    return bench_clock(CLOCK_MONOTONIC);
}

static inline double bench_thread_cpu(void)
{
    return bench_clock(CLOCK_THREAD_CPUTIME_ID);
}

static inline double bench_process_cpu(void)
{
    return bench_clock(CLOCK_PROCESS_CPUTIME_ID);
}

#endif
