/* cli/batch_mpi.c: darkfig batch over Open MPI ranks (built with -DDFG_MPI=ON).
 *
 * Every rank parses the same arguments and reads the same snapshots; rank 0 alone locks
 * the output folder, decides which tasks are already done, and tells every rank (one
 * broadcast). The j-th task to run goes to rank j mod size, which computes it on its own
 * --jobs threads; a result travels to rank 0 as its sealed text (tag = task index), and
 * rank 0 writes every file. With a bootstrap, the tasks of the last round of ranks x
 * jobs when it is not full (fewer left than task slots) run afterwards on every rank at
 * once, their replicates split (below). Only the main thread of a rank calls MPI
 * (MPI_THREAD_FUNNELED). The results are the same bytes on any number of ranks: a task's digits
 * depend only on its table, the specification and the seed, and the summary is built by rank 0 in
 * the order of the snapshots. SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "batch.h"

#include <mpi.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { TAG_RESULT = 7 };

/* Wait for a non-blocking collective without spinning: a rank that finished its range
 * early sleeps instead of taking a core from the ranks still computing (Open MPI polls
 * in a blocking call). */
static void wait_gently(MPI_Request *req)
{
    int done = 0;
    MPI_Test(req, &done, MPI_STATUS_IGNORE);
    while (!done) {
        struct timespec ts = {0, 2000000L}; /* 2 ms */
        nanosleep(&ts, NULL);
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
    }
}

int batch_mpi_init(int *argc, char ***argv, int *rank, int *size)
{
    /* only when started by a launcher: a plain run stays a plain process */
    if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMI_SIZE") && !getenv("PMIX_RANK"))
        return 0;
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return 0;
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    return 1;
}

void batch_mpi_finalize(void)
{
    MPI_Finalize();
}

void batch_mpi_bcast_plan(int *code, unsigned char *todo, size_t n)
{
    MPI_Bcast(code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (*code == 0 && n > 0)
        MPI_Bcast(todo, (int)n, MPI_UNSIGNED_CHAR, 0, MPI_COMM_WORLD);
}

void batch_mpi_send_result(size_t i, const char *json)
{
    size_t n = strlen(json);
    unsigned long long head[2] = {(unsigned long long)i, (unsigned long long)n};
    MPI_Send(head, 2, MPI_UNSIGNED_LONG_LONG, 0, TAG_RESULT, MPI_COMM_WORLD);
    MPI_Send(json, (int)n, MPI_CHAR, 0, TAG_RESULT + 1, MPI_COMM_WORLD);
}

int batch_mpi_poll_result(size_t *i, char **json)
{
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &st);
    if (!flag)
        return 0;
    unsigned long long head[2];
    MPI_Recv(head, 2, MPI_UNSIGNED_LONG_LONG, st.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    char *buf = malloc((size_t)head[1] + 1);
    if (!buf)
        MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
    /* the text follows its head from the same rank (MPI keeps the order per pair) */
    MPI_Recv(buf, (int)head[1], MPI_CHAR, st.MPI_SOURCE, TAG_RESULT + 1, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    buf[head[1]] = '\0';
    *i = (size_t)head[0];
    *json = buf;
    return 1;
}

int batch_mpi_max(int code)
{
    int out = code;
    MPI_Request req;
    MPI_Iallreduce(&code, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD, &req);
    wait_gently(&req);
    return out;
}

void batch_mpi_abort(int code)
{
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, code);
}

/* ** {======================================================================
 * One bootstrap over the ranks
 *
 * Rank r of R computes the replicates [B r / R, B (r + 1) / R) with the library's
 * dfg_boot_replicates (the covariate bootstrap: dfg_cboot_replicates) on its threads;
 * rank 0 gathers every range in rank order and calls dfg_boot_finish (dfg_cboot_finish):
 * a replicate depends only on the data, the options and its stream (seed, b), and the
 * finish reduces in replicate order, so the result has the bits of dfg_boot_run on one
 * process. Each such task is one exchange, on every rank exactly once: a gather of each
 * rank's status and record size, then of the records (bytes: the ranks run one build,
 * MPI_BYTE keeps the struct as it is). A rank whose task stopped before its bootstrap
 * (a failure on every rank, or out of memory on one) joins the exchange with nothing
 * from batch_mpi_spread_end; rank 0 then reports the failure.
 * ======================================================================= */

struct batch_spread {
    int rank, size, threads;
    int met; /* this task's exchange is done on this rank */
    dfg_boot_progress_fn progress;
    void *progress_data;
    size_t p_base, p_total; /* rank 0: its replicates, then the jackknife, as one count */
};

/* What each rank tells rank 0 first. */
typedef struct {
    int rc;                  /* dfg_status of its range */
    unsigned long long n;    /* records it sends */
    unsigned long long size; /* bytes of a record (0: nothing sent) */
    dfg_error err;
} piece_head;

batch_spread *batch_mpi_spread_new(int rank, int size, int threads, dfg_boot_progress_fn progress,
                                   void *progress_data)
{
    batch_spread *s = calloc(1, sizeof *s);
    if (s) {
        s->rank = rank;
        s->size = size;
        s->threads = threads < 1 ? 1 : threads > DFG_MAX_THREADS ? DFG_MAX_THREADS : threads;
        s->progress = progress;
        s->progress_data = progress_data;
    }
    return s;
}

void batch_mpi_spread_free(batch_spread *s)
{
    free(s);
}

void batch_mpi_spread_begin(batch_spread *s)
{
    s->met = 0;
}

/* err (when no error is there yet) says code, where "batch", and the message; code. */
static dfg_status spread_fail(dfg_error *err, dfg_status code, const char *fmt, ...)
{
    if (err && err->code == DFG_OK) {
        err->code = code;
        snprintf(err->where, sizeof err->where, "batch");
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* This rank's range of [0, B). */
static void my_range(const batch_spread *s, size_t B, size_t *first, size_t *last)
{
    *first = B * (size_t)s->rank / (size_t)s->size;
    *last = B * (size_t)(s->rank + 1) / (size_t)s->size;
}

/* The exchange: every rank's status and its n records of `size` bytes to rank 0, into all
 * in rank order (rank 0's own records are there already: rank 0 computes [0, ...) in
 * place). Rank 0 returns the status of the lowest rank that failed (its message, naming
 * it) or DFG_OK; n_all then counts the records received. Other ranks return DFG_OK. */
static dfg_status exchange(batch_spread *s, dfg_status rc, const dfg_error *e, const void *mine,
                           size_t n, size_t size, void *all, size_t *n_all, dfg_error *err)
{
    s->met = 1;
    piece_head h;
    memset(&h, 0, sizeof h);
    h.rc = (int)rc;
    h.n = rc == DFG_OK ? n : 0;
    h.size = rc == DFG_OK && n > 0 ? size : 0;
    if (e)
        h.err = *e;
    piece_head *heads = NULL;
    int *counts = NULL, *displs = NULL;
    if (s->rank == 0) {
        heads = calloc((size_t)s->size, sizeof *heads);
        counts = calloc((size_t)s->size, sizeof *counts);
        displs = calloc((size_t)s->size, sizeof *displs);
        if (!heads || !counts || !displs)
            MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
    }
    MPI_Request req;
    MPI_Igather(&h, (int)sizeof h, MPI_BYTE, heads, (int)sizeof h, MPI_BYTE, 0, MPI_COMM_WORLD,
                &req);
    wait_gently(&req);
    /* the records in units of one record (counts fit an int: B <= DFG_MAX_REPLICATES) */
    size_t rec = 0;
    if (s->rank == 0)
        for (int r = 0; r < s->size; r++)
            if (heads[r].size > rec)
                rec = (size_t)heads[r].size;
    MPI_Ibcast(&rec, (int)sizeof rec, MPI_BYTE, 0, MPI_COMM_WORLD, &req);
    wait_gently(&req);
    MPI_Datatype type = MPI_BYTE;
    if (rec > 0) {
        MPI_Type_contiguous((int)rec, MPI_BYTE, &type);
        MPI_Type_commit(&type);
    }
    dfg_status out = DFG_OK;
    void *scratch = NULL;
    if (s->rank == 0) {
        size_t at = 0;
        for (int r = 0; r < s->size; r++) {
            counts[r] = (int)heads[r].n;
            displs[r] = (int)at;
            at += (size_t)heads[r].n;
            if (out == DFG_OK && heads[r].rc != DFG_OK) {
                out = (dfg_status)heads[r].rc;
                spread_fail(err, out, "rank %d: %s%s%s", r, heads[r].err.where,
                            heads[r].err.where[0] ? ": " : "", heads[r].err.msg);
            }
        }
        *n_all = at;
        if (!all && at > 0 && !(all = scratch = malloc(at * rec)))
            MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
        MPI_Igatherv(MPI_IN_PLACE, 0, type, all, counts, displs, type, 0, MPI_COMM_WORLD, &req);
    } else {
        MPI_Igatherv(mine, h.size ? (int)h.n : 0, h.size ? type : MPI_BYTE, NULL, NULL, NULL, type,
                     0, MPI_COMM_WORLD, &req);
    }
    wait_gently(&req);
    if (rec > 0)
        MPI_Type_free(&type);
    free(scratch);
    free(heads);
    free(counts);
    free(displs);
    return out;
}

void batch_mpi_spread_end(batch_spread *s)
{
    if (s->met)
        return;
    dfg_error e = {0};
    spread_fail(&e, DFG_EINTERNAL, "the task stopped before its bootstrap");
    size_t n_all = 0;
    dfg_error ignored = {0};
    exchange(s, DFG_EINTERNAL, &e, NULL, 0, 0, NULL, &n_all, &ignored);
}

/* Rank 0's progress: its replicates (done of n here), then the jackknife fits, as one
 * count. */
static void boot_progress(size_t done, size_t total, void *data)
{
    batch_spread *s = data;
    (void)total;
    if (s->progress)
        s->progress(s->p_base + done, s->p_total, s->progress_data);
}

/* Rank 0 needs the message of a rank that failed; the others are done. */
static dfg_status not_rank0(const batch_spread *s, dfg_error *err)
{
    return spread_fail(err, DFG_ECANCEL, "rank %d: its replicates went to rank 0", s->rank);
}

dfg_status batch_mpi_boot(batch_spread *s, const dfg_estimator *est, const dfg_table *t,
                          const dfg_est_opts *eo, const dfg_boot_opts *bo_in, dfg_boot_result *res,
                          dfg_error *err)
{
    memset(res, 0, sizeof *res);
    if (s->met) /* one bootstrap per task is spread; another one runs here */
        return dfg_boot_run(est, t, 0, eo, bo_in, res, err);
    dfg_boot_opts bo = *bo_in;
    bo.threads = s->threads;
    size_t first, last, n_all = 0;
    my_range(s, bo.B, &first, &last);
    /* rank 0: the whole array (its range first, in place); the others: their range */
    dfg_boot_rep *reps = malloc((s->rank == 0 ? bo.B : last - first + 1) * sizeof *reps);
    if (!reps)
        MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
    size_t n_jack = 0;
    for (size_t i = 0; bo.interval == DFG_CI_BCA && i < dfg_table_n_patterns(t, 0); i++) {
        uint32_t p;
        double c;
        dfg_table_pattern(t, 0, i, &p, &c);
        n_jack += c > 0.0;
    }
    s->p_base = 0;
    s->p_total = last - first + n_jack;
    bo.progress = s->rank == 0 && s->progress ? boot_progress : NULL;
    bo.progress_data = s;
    dfg_error e = {0};
    dfg_status rc = dfg_boot_replicates(est, t, 0, eo, &bo, first, last, reps, &e);
    dfg_status x = exchange(s, rc, &e, reps, last - first, sizeof *reps, s->rank == 0 ? reps : NULL,
                            &n_all, err);
    if (s->rank != 0) {
        free(reps);
        return not_rank0(s, err);
    }
    if (x == DFG_OK && n_all != bo.B)
        x = spread_fail(err, DFG_EINTERNAL, "%zu of %zu replicates arrived", n_all, bo.B);
    s->p_base = last - first;
    if (x == DFG_OK)
        x = dfg_boot_finish(est, t, 0, eo, &bo, reps, res, err);
    free(reps);
    return x;
}

dfg_status batch_mpi_cboot(batch_spread *s, const dfg_ctable *ct, const dfg_cmodel *m,
                           const dfg_cfit *fit, const size_t *by, size_t n_by,
                           const dfg_cboot_opts *bo_in, dfg_cboot_result *res, dfg_error *err)
{
    memset(res, 0, sizeof *res);
    if (s->met)
        return dfg_cboot_run(ct, m, fit, by, n_by, bo_in, res, err);
    dfg_cboot_opts bo = *bo_in;
    bo.threads = s->threads;
    size_t first, last, n_all = 0, B = bo.B, nr = dfg_cboot_n_rows(ct, by, n_by);
    my_range(s, B, &first, &last);
    size_t n = last - first;
    /* a record: the nr totals of a replicate, then its boundary flag as 0 or 1 */
    size_t rec = (nr + 1) * sizeof(double);
    double *nstar = malloc((n + 1) * nr * sizeof *nstar);
    unsigned char *bnd = malloc(n + 1);
    double *recs = malloc((s->rank == 0 ? B : n + 1) * rec);
    if (!nstar || !bnd || !recs)
        MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
    dfg_error e = {0};
    dfg_status rc = dfg_cboot_replicates(ct, m, fit, by, n_by, &bo, first, last, nstar, bnd, &e);
    for (size_t b = 0; rc == DFG_OK && b < n; b++) {
        memcpy(recs + b * (nr + 1), nstar + b * nr, nr * sizeof *nstar);
        recs[b * (nr + 1) + nr] = bnd[b] ? 1.0 : 0.0;
    }
    free(nstar);
    free(bnd);
    dfg_status x = exchange(s, rc, &e, recs, n, rec, s->rank == 0 ? recs : NULL, &n_all, err);
    if (s->rank != 0) {
        free(recs);
        return not_rank0(s, err);
    }
    if (x == DFG_OK && n_all != B)
        x = spread_fail(err, DFG_EINTERNAL, "%zu of %zu replicates arrived", n_all, B);
    double *all = x == DFG_OK ? malloc(B * nr * sizeof *all + 1) : NULL;
    unsigned char *ball = x == DFG_OK ? malloc(B + 1) : NULL;
    if (x == DFG_OK && (!all || !ball))
        MPI_Abort(MPI_COMM_WORLD, EXIT_INTERNAL);
    for (size_t b = 0; x == DFG_OK && b < B; b++) {
        memcpy(all + b * nr, recs + b * (nr + 1), nr * sizeof *all);
        ball[b] = recs[b * (nr + 1) + nr] != 0.0;
    }
    if (x == DFG_OK)
        x = dfg_cboot_finish(ct, m, fit, by, n_by, &bo, all, ball, res, err);
    free(all);
    free(ball);
    free(recs);
    return x;
}

/* ** }====================================================================== */
