/* core/alloc.c: the library's allocator, with a failure switch in the test build.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#ifdef DFG_TEST_HOOKS
static long fail_after = -1; /* < 0: never fail */
static long calls = 0;

void dfg_alloc_fail_after(long n)
{
    fail_after = n;
    calls = 0;
}

long dfg_alloc_count(void)
{
    return calls;
}

/* Counting only runs while a failure is armed (tests, single-threaded): normal runs
 * never touch the counters, so threads share nothing here. */
static int should_fail(void)
{
    if (fail_after < 0)
        return 0;
    return calls++ >= fail_after;
}
#else
/* The shipped library has no failure switch. */
static inline int should_fail(void)
{
    return 0;
}
#endif

void *dfg_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *dfg_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *dfg_realloc(void *p, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(p, size ? size : 1);
}

void dfg_free(void *p)
{
    free(p);
}

char *dfg_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = dfg_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}
