/* tests/check.h: a small test harness. Each test main ends with CHECK_DONE(), which
 * prints "N passed, N failed" and returns non-zero on any failure.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DFG_CHECK_H
#define DFG_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_passed_, check_failed_;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (c) {                                                                                   \
            check_passed_++;                                                                       \
        } else {                                                                                   \
            check_failed_++;                                                                       \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c);                  \
        }                                                                                          \
    } while (0)

/* |got - want| <= rtol * |want| (NaN fails). */
#define CHECK_REL(got, want, rtol)                                                                 \
    do {                                                                                           \
        double g_ = (got), w_ = (want), t_ = (rtol);                                               \
        if (fabs(g_ - w_) <= t_ * fabs(w_)) {                                                      \
            check_passed_++;                                                                       \
        } else {                                                                                   \
            check_failed_++;                                                                       \
            fprintf(stderr, "%s:%d: %s = %.17g, want %.17g (rtol %g)\n", __FILE__, __LINE__, #got, \
                    g_, w_, t_);                                                                   \
        }                                                                                          \
    } while (0)

/* |got - want| <= atol (NaN fails). */
#define CHECK_ABS(got, want, atol)                                                                 \
    do {                                                                                           \
        double g_ = (got), w_ = (want), t_ = (atol);                                               \
        if (fabs(g_ - w_) <= t_) {                                                                 \
            check_passed_++;                                                                       \
        } else {                                                                                   \
            check_failed_++;                                                                       \
            fprintf(stderr, "%s:%d: %s = %.17g, want %.17g (atol %g)\n", __FILE__, __LINE__, #got, \
                    g_, w_, t_);                                                                   \
        }                                                                                          \
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

#define CHECK_DONE()                                                                               \
    do {                                                                                           \
        printf("%d passed, %d failed\n", check_passed_, check_failed_);                            \
        return check_failed_ ? 1 : 0;                                                              \
    } while (0)

#endif
