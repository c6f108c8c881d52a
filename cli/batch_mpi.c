/* cli/batch_mpi.c: darkfig batch over Open MPI ranks (built with -DDFG_MPI=ON).
 *
 * Every rank parses the same arguments and reads the same snapshots; rank 0 alone locks
 * the output folder, decides which tasks are already done, and tells every rank (one
 * broadcast). The j-th task to run goes to rank j mod size, which computes it on its own
 * --jobs threads; a result travels to rank 0 as its sealed text (tag = task index), and
 * rank 0 writes every file. Only the main thread of a rank calls MPI
 * (MPI_THREAD_FUNNELED). The results are the same bytes on any number of ranks: a task's
 * digits depend only on its table, the specification and the seed, and the summary is
 * built by rank 0 in the order of the snapshots.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "batch.h"

#include <mpi.h>
#include <stdlib.h>
#include <string.h>

enum { TAG_RESULT = 7 };

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
    MPI_Allreduce(&code, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return out;
}

void batch_mpi_abort(int code)
{
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, code);
}
