/* core/alloc.c: the library's allocator, with a failure switch in the test build.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#ifdef DFG_TEST_HOOKS
#include <stdatomic.h>

static long fail_after = -1; /* < 0: never fail */
static long calls = 0;
static atomic_long live; /* blocks allocated and not yet freed (threads may allocate) */

long dfg_alloc_live(void)
{
    return atomic_load(&live);
}

static void *counted(void *p)
{
    if (p)
        atomic_fetch_add(&live, 1);
    return p;
}

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
/* The shipped library has no failure switch and counts nothing. */
static inline int should_fail(void)
{
    return 0;
}
#define counted(p) (p)
#endif

void *dfg_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return counted(malloc(size ? size : 1));
}

void *dfg_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    return counted(calloc(n ? n : 1, size ? size : 1));
}

void *dfg_realloc(void *p, size_t size)
{
    if (should_fail())
        return NULL;
    if (!p)
        return counted(realloc(p, size ? size : 1));
    return realloc(p, size ? size : 1);
}

void dfg_free(void *p)
{
#ifdef DFG_TEST_HOOKS
    if (p)
        atomic_fetch_sub(&live, 1);
#endif
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
