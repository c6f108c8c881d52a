/* cli/batch.h: what the files of darkfig batch share (cli/cmd_batch.c runs the batch,
 * cli/batch_task.c computes one task and seals its result, cli/batch_io.c writes files
 * atomically and reads manifests, cli/batch_mpi.c spreads tasks, and the replicates of
 * one bootstrap, over MPI ranks).
 *
 * A task is one snapshot (x stratum, once covariates are in): its result is one JSON file
 * in the output folder, sealed with the SHA-256 of its own text (the last member, "seal",
 * holds the hash of the text printed without it), and identified by a key:
 * the SHA-256 of the specification, the version, the input's SHA-256 and the task's
 * identity (label, year, stratum, split value). A rerun skips a task whose file is sealed
 * and carries the same key; the summary is always built from the files, so a skipped task
 * and a computed one give the same bytes.
 *
 * --by COLUMN makes one task of the whole snapshot and one of each level of COLUMN (the
 * stratified analysis: each stratum's table fitted on its own with the same
 * specification).
 *
 * --pooled year stacks the snapshots into one table with a covariate year (each
 * snapshot's year) and makes one task of it: one model over all the years (--model with
 * year terms, --trend year=D for year as a polynomial), whose result holds, after the
 * total's "summary", a "summary_rows" array: a line per year (labelled with that year's
 * snapshot) and, with --change A:B, the change and the ratio between two years. The task's
 * input hash is the SHA-256 of its snapshots' labels, years and hashes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef DFG_CLI_BATCH_H
#define DFG_CLI_BATCH_H

#include "cli.h"

#include <cjson/cJSON.h>
#include <stddef.h>

typedef enum { BATCH_FIT = 0, BATCH_SEARCH } batch_mode;

/* A task computed by every MPI rank at once, its bootstrap replicates split over them
 * (batch_mpi.c). */
typedef struct batch_spread batch_spread;

/* The one specification every task runs. */
typedef struct {
    batch_mode mode;
    const char *model;    /* fit: bracket notation; NULL = main effects */
    dfg_search_opts so;   /* search */
    dfg_est_opts est;     /* level, glm options; method names for the bootstrap */
    dfg_csv_opts csv;     /* --lists, --count */
    size_t B;             /* bootstrap replicates; 0 = none */
    dfg_boot_opts bo;     /* type, interval, seed, threads */
    const char *split;    /* --split COLUMN, or NULL */
    const char *by;       /* --by COLUMN: not yet offered (covariates) */
    const char *trend;    /* --trend C=D: covariate C of the pooled table as a polynomial */
    const char *pooled;   /* --pooled C: the snapshots stacked into one table, covariate C =
                             each snapshot's year, one model over all (NULL: a task each) */
    const char *change;   /* --change A:B with --pooled: N(B) - N(A) and N(B) / N(A) */
    char trend_cov[64];   /* --trend parsed: the covariate */
    size_t trend_deg;     /* and the degree (0: none) */
    char spec[1024];      /* canonical text of everything that changes a result */
    batch_spread *spread; /* MPI: set while every rank computes one task, its replicates
                             split (not part of the specification); NULL otherwise */
} batch_spec;

/* A task's label, year (null when it has none) and stratum as members of o. */
void batch_id_json(cJSON *o, const char *label, int year, const char *stratum);

/* Fill sp->spec from the other fields (batch_task.c). */
void batch_spec_format(batch_spec *sp);
/* The options of sp as a JSON object (provenance of each result and of the summary). */
cJSON *batch_spec_json(const batch_spec *sp);

typedef enum { TASK_PENDING = 0, TASK_SKIPPED, TASK_DONE } task_state;

/* One line of the summary, as read back from a sealed result. */
typedef struct batch_row batch_row;
struct batch_row {
    char *label, *year, *stratum, *model, *status, *message, *interval;
    double registered, nhat, dark, ratio, lower, upper, level;
    int code;       /* exit code of the status: 0 ok */
    batch_row *sub; /* --pooled: the lines after this one (a year each, the change) */
    size_t n_sub;
};

typedef struct {
    char *label;       /* unique; names the result file */
    int year;          /* -1 when unknown */
    char *stratum;     /* "" for the whole snapshot */
    char *path;        /* as the user named it */
    char *split_value; /* the value of --split this task holds, or NULL */
    char *by_value;    /* --by: the level of the stratum this task holds, or NULL (the
                          whole snapshot); stratum is then "COLUMN=level" */
    char sha[65];      /* SHA-256 of the input file */
    char key[65];      /* SHA-256 of spec, version, input and identity */
    char *result_path; /* DIR/<label>.result.json */
    dfg_table *t;      /* NULL when reading failed */
    dfg_status read_rc;
    dfg_error read_err;
    task_state state;
    char *json; /* the sealed result text (malloc) once computed */
    batch_row row;
    char *parts; /* --pooled: the snapshots stacked, a line each: label TAB year TAB sha TAB
                    path */
} batch_task;

/* Compute task tk with sp: tk->json becomes the sealed result text (malloc), a failure of
 * the task being a result too (status and message). Thread-safe for distinct tasks.
 * Returns 0, or EXIT_INTERNAL when out of memory (tk->json NULL). */
int batch_task_run(const batch_spec *sp, batch_task *tk);

/* The key of tk under sp into tk->key. */
void batch_task_key(const batch_spec *sp, batch_task *tk);

/* Check a result text: it parses, its seal matches its content and its key is key; then
 * fill *row (release with batch_row_free). Returns 0, or 1 with why in msg. */
int batch_result_read(const char *text, const char *key, batch_row *row, char *msg, size_t size);
void batch_row_free(batch_row *row);

/* ---- files (batch_io.c) ---- */

/* Write text to path through cli_write_file (temporary file, fsync, rename; refuses an
 * input or what is not a regular file; on failure nothing is left and the message is
 * said), then sync the folder. 0 or the exit code. */
int batch_write_text(const char *path, const char *text);
/* Remove the temporary files a killed run left in dir (NAME.XXXXXX beside a result or a
 * summary). */
void batch_clean_temporaries(const char *dir);
/* Read a whole file into a NUL-terminated buffer (malloc); NULL when it cannot be read. */
char *batch_read_file(const char *path, size_t *len);
/* Take an exclusive lock on dir/.lock (fcntl): the descriptor, or -1 with msg saying why
 * (another batch holds it, or the folder cannot be written). */
int batch_lock(const char *dir, char *msg, size_t size);

/* A manifest row. */
typedef struct {
    char *label, *year, *path;
    int line;
} manifest_row;

/* Read a manifest (CSV with a header naming label, path and optionally year; quoted fields
 * as RFC 4180). Paths are made relative to the manifest's folder. Returns 0, or -1 with
 * "file:line: message" in msg. *rows (n of them) are released by manifest_free. */
int manifest_read(const char *path, manifest_row **rows, size_t *n, char *msg, size_t size);
void manifest_free(manifest_row *rows, size_t n);

/* ---- MPI (batch_mpi.c; DFG_MPI builds only) ---- */
#ifdef DFG_MPI
/* 1 when the program was started by mpirun or srun (then MPI is initialised). */
int batch_mpi_init(int *argc, char ***argv, int *rank, int *size);
void batch_mpi_finalize(void);
/* Rank 0's verdict (a code, and which tasks are to run) to every rank. */
void batch_mpi_bcast_plan(int *code, unsigned char *todo, size_t n);
/* A worker rank sends task i's result to rank 0. */
void batch_mpi_send_result(size_t i, const char *json);
/* Rank 0: a result from any worker rank if one is waiting (non-blocking): 1 with *i and
 * *json (malloc) filled, 0 when none waits. */
int batch_mpi_poll_result(size_t *i, char **json);
/* Every rank: the largest code over ranks (all learn it). */
int batch_mpi_max(int code);
/* Stop every rank (a rank that cannot go on would leave the others waiting). */
void batch_mpi_abort(int code);

/* The tasks of a batch's last round (fewer left than ranks x jobs) run on every rank at once,
 * one after the other, each rank computing a contiguous range of the bootstrap's
 * replicates on `threads` threads; rank 0 gathers them and finishes the bootstrap (the
 * jackknife, the intervals) exactly as one process would. progress (rank 0; may be NULL)
 * sees rank 0's items: its replicates, then the jackknife fits. NULL when out of memory. */
batch_spread *batch_mpi_spread_new(int rank, int size, int threads, dfg_boot_progress_fn progress,
                                   void *progress_data);
void batch_mpi_spread_free(batch_spread *s);
/* Around each such task: begin, batch_task_run with spec.spread = s, end (which joins the
 * exchange of the ranks when this rank's task stopped before its bootstrap, so that no
 * rank waits for it). */
void batch_mpi_spread_begin(batch_spread *s);
void batch_mpi_spread_end(batch_spread *s);
/* The bootstrap of such a task in place of dfg_boot_run / dfg_cboot_run (same arguments):
 * on rank 0 the result of the one call; on the other ranks DFG_ECANCEL once their range
 * is sent (their result text is not kept). */
dfg_status batch_mpi_boot(batch_spread *s, const dfg_estimator *est, const dfg_table *t,
                          const dfg_est_opts *eo, const dfg_boot_opts *bo, dfg_boot_result *res,
                          dfg_error *err);
dfg_status batch_mpi_cboot(batch_spread *s, const dfg_ctable *ct, const dfg_cmodel *m,
                           const dfg_cfit *fit, const size_t *by, size_t n_by,
                           const dfg_cboot_opts *bo, dfg_cboot_result *res, dfg_error *err);
#endif

#endif
