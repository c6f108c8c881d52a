/* tests/boot_test.h: test estimators and a progress log shared by the bootstrap tests
 * (test_boot.c, test_boot_split.c): estimators defined here, so that those tests depend
 * on no model file.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DFG_BOOT_TEST_H
#define DFG_BOOT_TEST_H

#include "internal.h"

#include <math.h>
#include <string.h>

static inline dfg_status cells_of(const dfg_table *t, size_t s, double *y, dfg_error *err)
{
    if (dfg_table_k(t) > 3)
        return dfg_err_set(err, DFG_EINVAL, "test", "k > 3");
    return dfg_table_cells(t, s, y, err);
}

/* N = the count of cell o->list_a; with o->list_b = 1 it fails when that count is a
 * multiple of 3 and reports a boundary when it is a multiple of 5; with o->list_b = 2
 * N = n, the people observed; with o->list_b = 3 N = n and it fails unless n = 100.
 * The model is the parity of N. */
static inline dfg_status est_cell(const dfg_table *t, size_t s, const dfg_est_opts *o,
                                  dfg_estimate *out, dfg_error *err)
{
    double y[8] = {0};
    dfg_status rc = cells_of(t, s, y, err);
    if (rc != DFG_OK)
        return rc;
    memset(out, 0, sizeof *out);
    out->n_obs = dfg_table_n_obs(t, s);
    double v = o->list_b >= 2 ? out->n_obs : y[o->list_a];
    if (o->list_b == 3 && v != 100.0)
        return dfg_err_set(err, DFG_EDATA, "test", "n != 100");
    if (o->list_b == 1 && fmod(v, 3.0) == 0.0)
        return dfg_err_set(err, DFG_EDATA, "test", "multiple of 3");
    if (o->list_b == 1 && fmod(v, 5.0) == 0.0)
        out->check = DFG_CHECK_BOUNDARY;
    out->nhat = v;
    strcpy(out->model, fmod(v, 2.0) == 0.0 ? "even" : "odd");
    return DFG_OK;
}

static const dfg_estimator cell_est = {"test-cell", "one cell", 2, est_cell};

static const char *const names3[] = {"A", "B", "C"};

/* A one-stratum table of k lists from dense cells. */
static inline dfg_table *table_of(size_t k, const double *y)
{
    dfg_error err = {0};
    return dfg_table_from_cells(k, names3, y, &err);
}

static inline dfg_est_opts cell_opts(int cell, int mode)
{
    dfg_est_opts o = dfg_est_opts_default();
    o.list_a = cell;
    o.list_b = mode;
    return o;
}

typedef struct {
    size_t calls, last_done, last_total;
    int monotone;
    size_t cancel_after;
    volatile sig_atomic_t *flag;
} progress_log;

static inline void on_progress(size_t done, size_t total, void *data)
{
    progress_log *p = data;
    if (done < p->last_done)
        p->monotone = 0;
    p->calls++;
    p->last_done = done;
    p->last_total = total;
    if (p->flag && p->cancel_after && done >= p->cancel_after)
        *p->flag = 1;
}

#endif
