/* tests/check.h: a small test harness. A test file is a list of named functions, each
 * called by RUN(name) from main (which names the function whose checks failed), and main
 * ends with CHECK_DONE(), which prints "N passed, N failed" and returns non-zero on any
 * failure. The _MSG forms of the checks take a printf-style description of the case (GSL's
 * gsl_test_rel habit), so that a failure in a loop over tables names the table.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DFG_CHECK_H
#define DFG_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_passed_, check_failed_;

/* Count a check; on failure print the place, what failed and the description desc (the
 * _MSG forms; NULL for none). */
static inline int check_bool_(int ok, const char *file, int line, const char *expr,
                              const char *desc)
{
    if (ok) {
        check_passed_++;
        return 1;
    }
    check_failed_++;
    fprintf(stderr, "%s:%d: CHECK(%s) failed%s%s\n", file, line, expr, desc ? ": " : "",
            desc ? desc : "");
    return 0;
}

/* |got - want| <= tol (rel: tol |want|); NaN fails. */
static inline void check_num_(int rel, const char *file, int line, const char *expr, double got,
                              double want, double tol, const char *desc)
{
    if (fabs(got - want) <= (rel ? tol * fabs(want) : tol)) {
        check_passed_++;
        return;
    }
    check_failed_++;
    fprintf(stderr, "%s:%d: %s%s%s = %.17g, want %.17g (%s %g)\n", file, line, desc ? desc : "",
            desc ? ": " : "", expr, got, want, rel ? "rtol" : "atol", tol);
}

/* The description of a _MSG check, formatted once. */
#define CHECK_DESC_(...)                                                                           \
    char check_desc_[512];                                                                         \
    snprintf(check_desc_, sizeof check_desc_, __VA_ARGS__)

/* Run the test function fn (void fn(void)); on failures inside it, name it. */
#define RUN(fn)                                                                                    \
    do {                                                                                           \
        int before_ = check_failed_;                                                               \
        fn();                                                                                      \
        if (check_failed_ > before_)                                                               \
            fprintf(stderr, "FAILED: %s (%d checks)\n", #fn, check_failed_ - before_);             \
    } while (0)

/* CHECK(c) is also an expression, worth 1 when c held: `if (!CHECK(t != NULL)) return;`. */
#define CHECK(c) check_bool_((c) != 0, __FILE__, __LINE__, #c, NULL)

/* CHECK with a description: CHECK_MSG(c, "table %03d", i). */
#define CHECK_MSG(c, ...)                                                                          \
    do {                                                                                           \
        CHECK_DESC_(__VA_ARGS__);                                                                  \
        check_bool_((c) != 0, __FILE__, __LINE__, #c, check_desc_);                                \
    } while (0)

/* |got - want| <= rtol * |want| (NaN fails). */
#define CHECK_REL(got, want, rtol)                                                                 \
    check_num_(1, __FILE__, __LINE__, #got, (got), (want), (rtol), NULL)

/* |got - want| <= atol (NaN fails). */
#define CHECK_ABS(got, want, atol)                                                                 \
    check_num_(0, __FILE__, __LINE__, #got, (got), (want), (atol), NULL)

/* CHECK_REL with a description: CHECK_REL_MSG(got, want, rtol, "table %03d N", i). */
#define CHECK_REL_MSG(got, want, rtol, ...)                                                        \
    do {                                                                                           \
        CHECK_DESC_(__VA_ARGS__);                                                                  \
        check_num_(1, __FILE__, __LINE__, #got, (got), (want), (rtol), check_desc_);               \
    } while (0)

/* CHECK_ABS with a description. */
#define CHECK_ABS_MSG(got, want, atol, ...)                                                        \
    do {                                                                                           \
        CHECK_DESC_(__VA_ARGS__);                                                                  \
        check_num_(0, __FILE__, __LINE__, #got, (got), (want), (atol), check_desc_);               \
    } while (0)

#define CHECK_CODE(rc, want)                                                                       \
    do {                                                                                           \
        int r_ = (int)(rc), w_ = (int)(want);                                                      \
        if (r_ == w_) {                                                                            \
            check_passed_++;                                                                       \
        } else {                                                                                   \
            check_failed_++;                                                                       \
            fprintf(stderr, "%s:%d: %s returned %d, want %d\n", __FILE__, __LINE__, #rc, r_, w_);  \
        }                                                                                          \
    } while (0)

/* SWEEP_ALLOC(label, call, cleanup): the allocation-failure sweep of one public entry
 * point (CSparse's Tcov malloc_count, SQLite's do_malloc_test). Needs the test library
 * (DFG_TEST_HOOKS) and one thread. call is an expression of type dfg_status that reports
 * into the dfg_error sweep_err (cleared before every call); cleanup is a statement that
 * frees the call's outputs and accepts emptied ones. First the unarmed call gives the
 * status want (err must describe it: sweep_err.code == want). Then for k = 0, 1, 2, ...
 * allocation k and every later one fail; each call must return DFG_ENOMEM with
 * sweep_err.code == DFG_ENOMEM and leave no allocation alive (before cleanup), or return
 * want with err describing it, until a call whose allocations all succeed returns want.
 * No run may leave an allocation alive after cleanup. */
#define SWEEP_ALLOC_MAX 200000L
#define SWEEP_ALLOC(label, call, cleanup)                                                          \
    do {                                                                                           \
        dfg_error sweep_err = {0};                                                                 \
        long base_ = dfg_alloc_live(), k_ = 0, bad_ = 0;                                           \
        dfg_status want_ = (call);                                                                 \
        CHECK_MSG(sweep_err.code == want_, "%s: unarmed call returned %d, err says %d (%s: %s)",   \
                  label, (int)want_, (int)sweep_err.code, sweep_err.where, sweep_err.msg);         \
        cleanup;                                                                                   \
        CHECK_MSG(dfg_alloc_live() == base_, "%s: the unarmed call leaks %ld blocks", label,       \
                  dfg_alloc_live() - base_);                                                       \
        for (; k_ < SWEEP_ALLOC_MAX; k_++) {                                                       \
            dfg_error_clear(&sweep_err);                                                           \
            dfg_alloc_fail_after(k_);                                                              \
            dfg_status rc_ = (call);                                                               \
            long made_ = dfg_alloc_count(), live_ = dfg_alloc_live();                              \
            dfg_alloc_fail_after(-1);                                                              \
            int nomem_ = rc_ == DFG_ENOMEM && want_ != DFG_ENOMEM;                                 \
            if (nomem_ ? sweep_err.code != DFG_ENOMEM || live_ != base_                            \
                       : rc_ != want_ || sweep_err.code != want_) {                                \
                if (bad_++ < 3)                                                                    \
                    fprintf(stderr,                                                                \
                            "%s: failing from allocation %ld: returned %d, err %d (%s: %s), "      \
                            "%ld blocks alive\n",                                                  \
                            label, k_, (int)rc_, (int)sweep_err.code, sweep_err.where,             \
                            sweep_err.msg, live_ - base_);                                         \
            }                                                                                      \
            cleanup;                                                                               \
            if (dfg_alloc_live() != base_ && bad_++ < 3)                                           \
                fprintf(stderr, "%s: failing from allocation %ld: %ld blocks leak\n", label, k_,   \
                        dfg_alloc_live() - base_);                                                 \
            if (!nomem_ && made_ <= k_)                                                            \
                break; /* no allocation failed: the sweep is over */                               \
        }                                                                                          \
        CHECK_MSG(bad_ == 0 && k_ < SWEEP_ALLOC_MAX,                                               \
                  "%s: %ld bad runs over %ld allocation points", label, bad_, k_);                 \
        printf("sweep %s: %ld allocation points\n", label, k_);                                    \
    } while (0)

#define CHECK_DONE()                                                                               \
    do {                                                                                           \
        printf("%d passed, %d failed\n", check_passed_, check_failed_);                            \
        return check_failed_ ? 1 : 0;                                                              \
    } while (0)

#endif
