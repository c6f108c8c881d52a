/* cli/cmd_batch.c: darkfig batch: one specification over many snapshots, resumable,
 * on threads and MPI ranks.
 *
 * The run: read every snapshot (a file, a manifest row, or one value of --split) and hash
 * it; refuse the batch when two labels collide, a file is missing or the lists differ;
 * lock the output folder; skip every task whose sealed result carries the same key
 * (cli/batch.h); compute the others on --jobs threads (and over MPI ranks), each result
 * written atomically as soon as it is done; then build summary.csv, summary.json and the
 * table on stdout from the result files, in the order the snapshots were given. Since
 * the summary is read back from the files, the bytes do not depend on the number of jobs
 * or ranks, on the order in which tasks finish, nor on whether a task was computed now or
 * by an earlier, interrupted run.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "batch.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_JOBS 256

static int batch_main(int argc, char **argv);

/* The command's own options (the shared groups: input, output, fitting, bootstrap). */
typedef struct {
    const char *out, *manifest, *split, *by, *trend, *model, *pooled, *change;
    int method, criterion, max_order; /* method -1: not given (fit) */
    double threshold;
    int jobs, progress;
} batch_opts;

static const cli_choice method_choices[] = {{"stepwise", DFG_SEARCH_STEPWISE},
                                            {"aic-stepwise", DFG_SEARCH_AIC_STEPWISE},
                                            {"exhaustive", DFG_SEARCH_EXHAUSTIVE},
                                            {"downhill", DFG_SEARCH_DOWNHILL},
                                            {NULL, 0}};
static const cli_choice criterion_choices[] = {
    {"bic", DFG_CRIT_BIC}, {"aic", DFG_CRIT_AIC}, {"aicc", DFG_CRIT_AICC}, {NULL, 0}};

static const cli_option batch_options[] = {
    OPT_STR("out", "DIR", batch_opts, out,
            "the output folder (created if absent; required); locked while the batch runs"),
    OPT_STR("manifest", "FILE", batch_opts, manifest,
            "the snapshots as a CSV with columns label, path and optionally year; paths "
            "relative to the manifest's folder"),
    OPT_STR("split", "COLUMN", batch_opts, split,
            "one FILE, one task per distinct value of COLUMN (needs --lists)"),
    OPT_STR("by", "COLUMN", batch_opts, by,
            "also one task per level of COLUMN in each snapshot, that stratum fitted on its own "
            "(needs --lists; result LABEL.LEVEL.result.json)"),
    OPT_STR("model", "M", batch_opts, model,
            "fit model M in bracket notation, as darkfig fit (the default when no --method: main "
            "effects)"),
    OPT_ONE_OF("method", "M", batch_opts, method, method_choices,
               "search instead of fitting one model, as darkfig search"),
    OPT_CRITERION(batch_opts, criterion,
                  "criterion of the search (default bic), as darkfig search"),
    OPT_MAX_ORDER(batch_opts, max_order,
                  "highest interaction order of the search, as darkfig search"),
    OPT_THRESHOLD(batch_opts, threshold,
                  "p-value threshold of the stepwise searches, as darkfig search"),
    OPT_NUM("jobs", "J", OPT_INT, batch_opts, jobs, 1, MAX_JOBS, 0,
            "tasks at once (default 1); --threads sets the bootstrap's threads inside each "
            "task; the files are the same for any J"),
    OPT_SWITCH("progress", batch_opts, progress,
               "tasks done, running, failed and time left on stderr (the default when stderr is "
               "a terminal)"),
    OPT_STR("pooled", "C", batch_opts, pooled,
            "stack the snapshots into one table with a covariate C holding each one's year (from "
            "its name or the manifest) and fit one model over all (--model with C in its terms, "
            "e.g. [*:year]): one task, a summary line per year and one for the total"),
    OPT_TREND(batch_opts, trend,
              "with --pooled (implied: --pooled C): C as an orthogonal polynomial of degree D in "
              "every term that holds it, as darkfig fit --trend"),
    OPT_STR("change", "A:B", batch_opts, change,
            "with --pooled: lines for N(B) - N(A) and N(B) / N(A) between the years A and B, "
            "with the bootstrap's interval when --bootstrap is given, else the delta method's "
            "(wald; log-wald for the ratio)"),
    OPT_END};

const cli_command cmd_batch = {
    "batch",
    "SNAPSHOT...",
    "one specification over many snapshots (a year each): resumable,\n"
    "on threads and MPI ranks, with a summary table",
    "Run one specification over many snapshots (one a year, say). Each SNAPSHOT is a CSV\n"
    "file: its label is the file name without .csv, its year the first run of exactly four\n"
    "digits in the name; or give --manifest FILE, or one FILE with --split COLUMN. Each\n"
    "snapshot is one task whose result (the full result of darkfig fit, or of darkfig\n"
    "search with --method, on it, with its provenance: input SHA-256, options, version,\n"
    "seed) goes to DIR/LABEL.result.json; DIR/summary.csv and DIR/summary.json list every\n"
    "task (label, year, stratum, registered, N, dark figure, N/n, interval, model, status,\n"
    "message), and a table goes to stdout. A task's digits are those of the single command\n"
    "on the same file: with --lists and covariate columns, fit fits the lists and the\n"
    "covariates (its model over both, the pooled total in the summary), search the lists\n"
    "with the strata summed; a level of --by or --split is the file of its rows without\n"
    "that column. A snapshot whose covariates have missing values is a failed task (darkfig\n"
    "fit fits it by the EM). --pooled year stacks the snapshots into one table with a\n"
    "covariate year (each one's year) and fits one model over all (--model with year\n"
    "terms, --trend year=D for year as a polynomial): one task, a summary line per year\n"
    "(and with --change A:B the change and the ratio between two years).\n\n"
    "Resuming: a rerun skips each task whose result file is whole (sealed with the SHA-256\n"
    "of its text) and was made from the same input, specification and version; a missing,\n"
    "truncated or corrupt result is computed again. Without --seed the bootstrap seed is 1\n"
    "(a batch must give the same digits when it resumes). A task that fails (bad file, no\n"
    "MLE) has its status and message in the summary and the others run on; the exit code\n"
    "is then that of the worst failure. Under mpirun (a build with -DDFG_MPI=ON) the tasks\n"
    "are spread over the ranks and rank 0 writes every file; with a bootstrap, the tasks\n"
    "of the last round (the remainder of the tasks to run divided by ranks x J: all of\n"
    "them when there are fewer) run one after the other on every rank at once, each rank\n"
    "computing a contiguous range of the replicates on J x T threads (--jobs x --threads)\n"
    "and rank 0 finishing the bootstrap. --format and --output apply\n"
    "to the table on stdout (csv and json print the summary); --replicates is refused and\n"
    "--max-seconds does not apply (a batch is meant to run long).\n",
    batch_options,
    CLI_INPUT | CLI_OUTPUT | CLI_FITTING | CLI_BOOT,
    batch_main};

typedef struct {
    common_opts *c;
    batch_opts o;
    batch_spec sp;
    char **snap;
    size_t n_snap;
} batch_args;

/* ---- the tasks ---- */

typedef struct {
    batch_task *tk;
    size_t n;
    int rank, size; /* MPI: only rank 0 speaks and writes */
} task_list;

static char *str_dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* The first run of exactly four digits in s, or -1. */
static int year_in(const char *s)
{
    for (const char *p = s; *p;) {
        if (*p >= '0' && *p <= '9') {
            const char *b = p;
            while (*p >= '0' && *p <= '9')
                p++;
            if (p - b == 4)
                return (b[0] - '0') * 1000 + (b[1] - '0') * 100 + (b[2] - '0') * 10 + (b[3] - '0');
        } else {
            p++;
        }
    }
    return -1;
}

/* A label names a file in DIR: letters, digits, '.', '_', '-', '+', not starting with '.'. */
static int label_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 200 || s[0] == '.')
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '_' || *p == '-' || *p == '+'))
            return 0;
    return 1;
}

static char *label_of_path(const char *path)
{
    const char *b = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t n = strlen(b);
    if (n > 4 && (strcmp(b + n - 4, ".csv") == 0 || strcmp(b + n - 4, ".CSV") == 0))
        n -= 4;
    char *l = malloc(n + 1);
    if (l) {
        memcpy(l, b, n);
        l[n] = '\0';
    }
    return l;
}

static void tasks_free(task_list *L)
{
    for (size_t i = 0; L->tk && i < L->n; i++) {
        batch_task *t = &L->tk[i];
        cli_free_all((void *[]){t->label, t->stratum, t->path, t->split_value, t->by_value,
                                t->result_path, t->json, t->parts},
                     8);
        dfg_table_free(t->t);
        batch_row_free(&t->row);
    }
    free(L->tk);
    L->tk = NULL;
    L->n = 0;
}

#define SAY(L, ...)                                                                                \
    do {                                                                                           \
        if ((L)->rank == 0)                                                                        \
            cli_say(__VA_ARGS__);                                                                  \
    } while (0)

static batch_task *task_add(task_list *L, const char *label, int year, const char *path)
{
    batch_task *t2 = realloc(L->tk, (L->n + 1) * sizeof *t2);
    if (!t2)
        return NULL;
    L->tk = t2;
    batch_task *t = &L->tk[L->n++];
    memset(t, 0, sizeof *t);
    t->label = str_dup(label);
    t->stratum = str_dup("");
    t->path = str_dup(path);
    t->year = year;
    if (!t->label || !t->stratum || !t->path)
        return NULL;
    return t;
}

/* Read a snapshot file into task t, once (cli_input_read: hashed from what was read, and
 * noted as an input no output may replace), then parse it from memory: a one-stratum table
 * (strata summed, as darkfig search does; kept for --by, and for fit, which fits the
 * lists and covariates as darkfig fit does). A file that cannot be read at all is
 * an error of the batch (said; the exit code); one that is not a usable capture table is a
 * failed task. */
static int task_read(const common_opts *c, const batch_spec *sp, batch_task *t)
{
    common_opts one_file = *c;
    one_file.file = t->path;
    cli_input in;
    int code = cli_input_read(&one_file, &in);
    if (code)
        return code;
    memcpy(t->sha, in.sha, sizeof t->sha);
    dfg_table *tab = NULL;
    t->read_rc = dfg_table_read_csv_buffer(in.path, in.buf, in.len, &sp->csv, &tab, &t->read_err);
    cli_input_free(&in);
    if (t->read_rc == DFG_OK && dfg_table_n_strata(tab) > 1 && !sp->by && sp->mode != BATCH_FIT) {
        dfg_table *sum = dfg_table_collapse(tab, &t->read_err);
        dfg_table_free(tab);
        tab = sum;
        if (!sum)
            t->read_rc = t->read_err.code ? t->read_err.code : DFG_ENOMEM;
    }
    t->t = t->read_rc == DFG_OK ? tab : NULL;
    if (t->read_rc != DFG_OK)
        dfg_table_free(tab);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The rows of all whose covariate col is value (every row when value is NULL). keep = 0:
 * their strata summed (a list-only table, as darkfig search reads a file); keep = 1 (fit):
 * the other covariates kept and column col dropped, the table darkfig fit reads from a
 * file holding those rows without that column (value NULL: all of it, col kept). NULL on
 * failure (err says why). */
static dfg_table *sum_strata(const dfg_table *all, size_t col, const char *value, int keep,
                             dfg_error *err)
{
    size_t k = dfg_table_k(all), nc = dfg_table_n_cov(all), nk = 0;
    const char *names[DFG_MAX_LISTS], *cn[64];
    size_t cidx[64];
    for (size_t j = 0; j < k; j++)
        names[j] = dfg_table_list_name(all, j);
    for (size_t c = 0; keep && c < nc && nk < 64; c++)
        if (c != col || !value) {
            cidx[nk] = c;
            cn[nk++] = dfg_table_cov_name(all, c);
        }
    dfg_table *one = dfg_table_new(k, names, nk, nk ? cn : NULL, err);
    dfg_status rc = one ? DFG_OK : DFG_ENOMEM;
    for (size_t s = 0; s < dfg_table_n_strata(all) && rc == DFG_OK; s++) {
        if (value && strcmp(dfg_table_stratum_value(all, s, col), value) != 0)
            continue;
        size_t ds = 0;
        if (nk) {
            const char *vals[64];
            for (size_t c = 0; c < nk; c++)
                vals[c] = dfg_table_stratum_value(all, s, cidx[c]);
            rc = dfg_table_stratum(one, vals, &ds, err);
        }
        for (size_t p = 0; p < dfg_table_n_patterns(all, s) && rc == DFG_OK; p++) {
            uint32_t pat;
            double cnt;
            dfg_table_pattern(all, s, p, &pat, &cnt);
            rc = dfg_table_add(one, ds, pat, cnt, err);
        }
    }
    if (rc != DFG_OK) {
        dfg_table_free(one);
        return NULL;
    }
    return one;
}

/* The sorted distinct values of covariate col of t (pointers into t; malloc'd array). */
static const char **distinct_values(const dfg_table *t, size_t col, size_t *n)
{
    size_t ns = dfg_table_n_strata(t), nv = 0;
    const char **vals = malloc((ns ? ns : 1) * sizeof *vals);
    if (!vals)
        return NULL;
    for (size_t s = 0; s < ns; s++)
        vals[nv++] = dfg_table_stratum_value(t, s, col);
    qsort(vals, nv, sizeof *vals, cmp_str);
    size_t m = 0;
    for (size_t i = 0; i < nv; i++)
        if (m == 0 || strcmp(vals[i], vals[m - 1]) != 0)
            vals[m++] = vals[i];
    *n = m;
    return vals;
}

static size_t find_cov(const dfg_table *t, const char *name)
{
    for (size_t c = 0; c < dfg_table_n_cov(t); c++)
        if (strcmp(dfg_table_cov_name(t, c), name) == 0)
            return c;
    return dfg_table_n_cov(t);
}

/* --by: after each snapshot that could be read, one task per level of the column; the
 * snapshot's own task gets its strata summed (fit: kept, with its covariates). */
static int expand_by(task_list *L, const batch_spec *sp)
{
    task_list out = {NULL, 0, L->rank, L->size};
    int code = 0;
    size_t n0 = L->n;
    for (size_t i = 0; i < n0 && !code; i++) {
        batch_task *b = &L->tk[i];
        batch_task *t = task_add(&out, b->label, b->year, b->path);
        if (!t) {
            code = EXIT_INTERNAL;
            break;
        }
        memcpy(t->sha, b->sha, sizeof t->sha);
        t->read_rc = b->read_rc;
        t->read_err = b->read_err;
        if (!b->t)
            continue; /* a failed read: one failed task */
        dfg_table *all = b->t;
        size_t col = find_cov(all, sp->by);
        if (col == dfg_table_n_cov(all)) {
            SAY(L,
                "%s: --by %s: no such column among the covariates (columns that are not "
                "lists)",
                b->path, sp->by);
            code = EXIT_INPUT;
            break;
        }
        dfg_error err = {0};
        if (!(t->t = sum_strata(all, col, NULL, sp->mode == BATCH_FIT, &err))) {
            code = EXIT_INTERNAL;
            break;
        }
        size_t nv = 0;
        const char **vals = distinct_values(all, col, &nv);
        if (!vals) {
            code = EXIT_INTERNAL;
            break;
        }
        for (size_t v = 0; v < nv && !code; v++) {
            if (!label_ok(vals[v])) {
                SAY(L,
                    "%s: --by %s: the level \"%s\" cannot name a result file (letters, "
                    "digits, '.', '_', '-', '+')",
                    b->path, sp->by, vals[v]);
                code = EXIT_INPUT;
                break;
            }
            batch_task *u = task_add(&out, b->label, b->year, b->path);
            size_t sn = strlen(sp->by) + strlen(vals[v]) + 2;
            char *st = malloc(sn);
            if (!u || !st || !(u->by_value = str_dup(vals[v]))) {
                free(st);
                code = EXIT_INTERNAL;
                break;
            }
            snprintf(st, sn, "%s=%s", sp->by, vals[v]);
            free(u->stratum);
            u->stratum = st;
            memcpy(u->sha, b->sha, sizeof u->sha);
            if (!(u->t = sum_strata(all, col, vals[v], sp->mode == BATCH_FIT, &err)))
                code = EXIT_INTERNAL;
        }
        free(vals);
    }
    tasks_free(L);
    *L = out;
    return code;
}

/* --split: one file, one task per distinct value of the column. */
static int tasks_from_split(task_list *L, const common_opts *c, const batch_spec *sp,
                            const char *path)
{
    dfg_error err = {0};
    dfg_table *all = NULL;
    char sha[65];
    common_opts one_file = *c;
    one_file.file = path;
    cli_input in;
    int rcode = cli_input_read(&one_file, &in);
    if (rcode)
        return rcode;
    memcpy(sha, in.sha, sizeof sha);
    dfg_status rc = dfg_table_read_csv_buffer(in.path, in.buf, in.len, &sp->csv, &all, &err);
    cli_input_free(&in);
    if (rc != DFG_OK) {
        if (L->rank == 0)
            fail(&err, rc);
        return exit_code(rc);
    }
    size_t col = find_cov(all, sp->split);
    if (col == dfg_table_n_cov(all)) {
        SAY(L,
            "%s: --split %s: no such column among the covariates (columns that are not "
            "lists)",
            path, sp->split);
        dfg_table_free(all);
        return EXIT_INPUT;
    }
    size_t nv = 0;
    int code = 0;
    const char **vals = distinct_values(all, col, &nv);
    if (!vals) {
        dfg_table_free(all);
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < nv && !code; i++) {
        if (!label_ok(vals[i])) {
            SAY(L,
                "%s: --split %s: the value \"%s\" cannot name a result file (letters, "
                "digits, '.', '_', '-', '+')",
                path, sp->split, vals[i]);
            code = EXIT_INPUT;
            break;
        }
        batch_task *t = task_add(L, vals[i], year_in(vals[i]), path);
        if (!t || !(t->split_value = str_dup(vals[i]))) {
            code = EXIT_INTERNAL;
            break;
        }
        memcpy(t->sha, sha, sizeof sha);
        if (!(t->t = sum_strata(all, col, vals[i], sp->mode == BATCH_FIT, &err))) {
            if (L->rank == 0)
                fail(&err, err.code);
            code = exit_code(err.code);
        }
    }
    free(vals);
    dfg_table_free(all);
    return code;
}

/* --pooled C: the snapshots read (every one with a year, no two with the same year, the
 * same covariate columns) stacked into one table whose covariates are theirs and C (each
 * snapshot's year): one task, labelled "pooled", whose input hash is the SHA-256 of the
 * snapshots' labels, years and hashes. A snapshot that could not be read stops the batch
 * (the pooled model needs every year). */
static int pool_tasks(task_list *L, const batch_spec *sp)
{
    const char *C = sp->pooled;
    if (L->n < 2) {
        SAY(L, "--pooled %s needs at least two snapshots", C);
        return EXIT_USAGE;
    }
    const dfg_table *f = NULL;
    for (size_t i = 0; i < L->n; i++) {
        const batch_task *t = &L->tk[i];
        if (!t->t) {
            SAY(L, "%s: %s (--pooled needs every snapshot)", t->path, t->read_err.msg);
            return exit_code(t->read_rc);
        }
        if (t->year < 0) {
            SAY(L,
                "%s: no year (a run of four digits in the name, or the manifest's year "
                "column): --pooled %s needs one per snapshot",
                t->path, C);
            return EXIT_INPUT;
        }
        for (size_t j = 0; j < i; j++)
            if (L->tk[j].year == t->year) {
                SAY(L, "%s and %s have the same year %d: --pooled %s needs one snapshot a year",
                    L->tk[j].path, t->path, t->year, C);
                return EXIT_INPUT;
            }
        if (find_cov(t->t, C) < dfg_table_n_cov(t->t)) {
            SAY(L, "%s: a column is already named %s: --pooled %s would add another", t->path, C,
                C);
            return EXIT_INPUT;
        }
        if (!f) {
            f = t->t;
            continue;
        }
        int same = dfg_table_n_cov(t->t) == dfg_table_n_cov(f);
        for (size_t c = 0; same && c < dfg_table_n_cov(f); c++)
            same = strcmp(dfg_table_cov_name(t->t, c), dfg_table_cov_name(f, c)) == 0;
        if (!same) {
            SAY(L,
                "%s: its covariate columns differ from those of %s: --pooled needs the same "
                "columns in every snapshot",
                t->path, L->tk[0].path);
            return EXIT_INPUT;
        }
    }
    size_t k = dfg_table_k(f), nc = dfg_table_n_cov(f);
    if (nc >= 63) {
        SAY(L, "--pooled: too many covariate columns");
        return EXIT_INPUT;
    }
    const char *names[DFG_MAX_LISTS], *cn[64];
    for (size_t j = 0; j < k; j++)
        names[j] = dfg_table_list_name(f, j);
    for (size_t c = 0; c < nc; c++)
        cn[c] = dfg_table_cov_name(f, c);
    cn[nc] = C;
    dfg_error err = {0};
    dfg_table *all = dfg_table_new(k, names, nc + 1, cn, &err);
    char *parts = NULL, *hashed = NULL;
    size_t plen = 0, hlen = 0;
    FILE *pf = open_memstream(&parts, &plen), *hf = open_memstream(&hashed, &hlen);
    dfg_status rc = all && pf && hf ? DFG_OK : DFG_ENOMEM;
    for (size_t i = 0; i < L->n && rc == DFG_OK; i++) {
        const batch_task *t = &L->tk[i];
        char y[16];
        snprintf(y, sizeof y, "%d", t->year);
        fprintf(pf, "%s\t%s\t%s\t%s\n", t->label, y, t->sha, t->path);
        fprintf(hf, "%s\t%s\t%s\n", t->label, y, t->sha);
        for (size_t st = 0; st < dfg_table_n_strata(t->t) && rc == DFG_OK; st++) {
            const char *vals[64];
            for (size_t c = 0; c < nc; c++)
                vals[c] = dfg_table_stratum_value(t->t, st, c);
            vals[nc] = y;
            size_t ds;
            rc = dfg_table_stratum(all, vals, &ds, &err);
            for (size_t q = 0; q < dfg_table_n_patterns(t->t, st) && rc == DFG_OK; q++) {
                uint32_t pat;
                double cnt;
                dfg_table_pattern(t->t, st, q, &pat, &cnt);
                rc = dfg_table_add(all, ds, pat, cnt, &err);
            }
        }
    }
    if (pf && fclose(pf) != 0)
        rc = DFG_ENOMEM;
    if (hf && fclose(hf) != 0)
        rc = DFG_ENOMEM;
    task_list out = {NULL, 0, L->rank, L->size};
    batch_task *p = rc == DFG_OK ? task_add(&out, "pooled", -1, "") : NULL;
    if (!p) {
        if (rc == DFG_OK)
            rc = DFG_ENOMEM;
        if (L->rank == 0)
            fail(&err, rc);
        dfg_table_free(all);
        free(parts);
        free(hashed);
        tasks_free(&out);
        return exit_code(rc);
    }
    dfg_sha256_buffer(hashed, hlen, p->sha);
    free(hashed);
    p->parts = parts;
    p->t = all;
    free(p->path);
    p->path = str_dup(L->tk[0].path); /* the first snapshot's folder, for the messages */
    tasks_free(L);
    *L = out;
    return p->path ? 0 : EXIT_INTERNAL;
}

static int tasks_build(task_list *L, batch_args *a)
{
    int code = 0;
    if (a->sp.by && !a->sp.csv.lists)
        return usage_error("batch", "--by needs --lists (otherwise every column but the count "
                                    "is a list)");
    if (a->sp.by && a->sp.split)
        return usage_error("batch", "--by and --split together are not offered: split the file "
                                    "with --split, or give one file a year with --by");
    if (a->sp.split) {
        if (a->o.manifest || a->n_snap != 1)
            return usage_error("batch", "--split takes exactly one FILE (no --manifest)");
        if (!a->sp.csv.lists)
            return usage_error("batch", "--split needs --lists (otherwise every column but the "
                                        "count is a list)");
        code = tasks_from_split(L, a->c, &a->sp, a->snap[0]);
    } else if (a->o.manifest) {
        if (a->n_snap > 0)
            return usage_error("batch", "give snapshots either as files or in --manifest, not "
                                        "both");
        manifest_row *rows = NULL;
        size_t n = 0;
        char msg[1024];
        if (manifest_read(a->o.manifest, &rows, &n, msg, sizeof msg) != 0) {
            SAY(L, "%s", msg);
            return EXIT_INPUT;
        }
        for (size_t i = 0; i < n && !code; i++) {
            int year = -1;
            if (rows[i].year && rows[i].year[0]) {
                char *end;
                long y = strtol(rows[i].year, &end, 10);
                if (*end != '\0' || y < 0 || y > 9999) {
                    SAY(L, "%s:%d: year must be an integer in 0..9999 (got \"%s\")", a->o.manifest,
                        rows[i].line, rows[i].year);
                    code = EXIT_INPUT;
                    break;
                }
                year = (int)y;
            } else if (!rows[i].year) {
                year = year_in(rows[i].label);
            }
            if (!label_ok(rows[i].label)) {
                SAY(L,
                    "%s:%d: label \"%s\" cannot name a result file (letters, digits, '.', "
                    "'_', '-', '+'; not starting with '.')",
                    a->o.manifest, rows[i].line, rows[i].label);
                code = EXIT_INPUT;
                break;
            }
            struct stat st;
            if (stat(rows[i].path, &st) != 0) {
                SAY(L, "%s:%d: %s: %s", a->o.manifest, rows[i].line, rows[i].path, strerror(errno));
                code = EXIT_INPUT;
                break;
            }
            if (!task_add(L, rows[i].label, year, rows[i].path))
                code = EXIT_INTERNAL;
        }
        manifest_free(rows, n);
    } else {
        if (a->n_snap == 0)
            return usage_error("batch", "no snapshot: give CSV files, --manifest or --split");
        for (size_t i = 0; i < a->n_snap && !code; i++) {
            struct stat st;
            if (stat(a->snap[i], &st) != 0) {
                SAY(L, "%s: %s", a->snap[i], strerror(errno));
                code = EXIT_INPUT;
                break;
            }
            char *label = label_of_path(a->snap[i]);
            if (!label)
                code = EXIT_INTERNAL;
            else if (!label_ok(label)) {
                SAY(L,
                    "%s: the label \"%s\" cannot name a result file (letters, digits, '.', "
                    "'_', '-', '+'); rename the file or use --manifest",
                    a->snap[i], label);
                code = EXIT_INPUT;
            } else if (!task_add(L, label, year_in(label), a->snap[i]))
                code = EXIT_INTERNAL;
            free(label);
        }
    }
    if (code)
        return code;
    /* every label once */
    for (size_t i = 0; i < L->n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(L->tk[i].label, L->tk[j].label) == 0) {
                SAY(L,
                    "two snapshots with the same label \"%s\": %s and %s; labels name the "
                    "result files (use --manifest to give others)",
                    L->tk[i].label, L->tk[j].path, L->tk[i].path);
                return EXIT_USAGE;
            }
    /* read what is not read yet */
    if (!a->sp.split)
        for (size_t i = 0; i < L->n && !code; i++)
            code = task_read(a->c, &a->sp, &L->tk[i]);
    if (code)
        return code;
    if (a->sp.by && (code = expand_by(L, &a->sp)) != 0)
        return code;
    /* the same lists, in the same order, in every snapshot that could be read */
    const batch_task *first = NULL;
    for (size_t i = 0; i < L->n; i++) {
        const batch_task *t = &L->tk[i];
        if (!t->t)
            continue;
        if (!first) {
            first = t;
            continue;
        }
        int same = dfg_table_k(t->t) == dfg_table_k(first->t);
        for (size_t j = 0; same && j < dfg_table_k(t->t); j++)
            same = strcmp(dfg_table_list_name(t->t, j), dfg_table_list_name(first->t, j)) == 0;
        if (!same) {
            char l1[1024] = "", l2[1024] = "";
            for (size_t j = 0; j < dfg_table_k(t->t); j++)
                snprintf(l1 + strlen(l1), sizeof l1 - strlen(l1), "%s%s", j ? "," : "",
                         dfg_table_list_name(t->t, j));
            for (size_t j = 0; j < dfg_table_k(first->t); j++)
                snprintf(l2 + strlen(l2), sizeof l2 - strlen(l2), "%s%s", j ? "," : "",
                         dfg_table_list_name(first->t, j));
            SAY(L,
                "%s: lists %s differ from those of %s (%s): one specification needs the "
                "same lists in every snapshot",
                t->path, l1, first->path, l2);
            return EXIT_INPUT;
        }
    }
    if (a->sp.pooled) {
        if ((code = pool_tasks(L, &a->sp)) != 0)
            return code;
        size_t ny = 0; /* the years: a line of parts each */
        for (const char *p = L->tk[0].parts; p && *p; p++)
            ny += *p == '\n';
        if (a->sp.trend_deg && a->sp.trend_deg >= ny)
            return usage_error("batch",
                               "--trend %s: the degree must be below the number of years (%zu)",
                               a->sp.trend, ny);
        if (a->sp.change) { /* both years among the snapshots */
            const char *colon = strchr(a->sp.change, ':');
            for (int e = 0; e < 2; e++) {
                char y[64];
                snprintf(y, sizeof y, "\t%.*s\t",
                         e ? (int)strlen(colon + 1) : (int)(colon - a->sp.change),
                         e ? colon + 1 : a->sp.change);
                if (!strstr(L->tk[0].parts, y))
                    return usage_error("batch", "--change %s: no snapshot of year %.*s",
                                       a->sp.change, (int)strlen(y) - 2, y + 1);
            }
        }
    }
    return 0;
}

/* ---- running: a pool of threads; the calling thread writes ---- */

typedef struct {
    const batch_spec *sp;
    task_list *L;
    size_t *todo; /* indices of the tasks this rank computes */
    size_t n_todo, next;
    size_t *done; /* finished, not yet written (a queue) */
    size_t n_done;
    int running, stop, oom;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        if (p->stop || p->next == p->n_todo) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        size_t i = p->todo[p->next++];
        p->running++;
        pthread_mutex_unlock(&p->mu);
        int rc = batch_task_run(p->sp, &p->L->tk[i]);
        pthread_mutex_lock(&p->mu);
        p->running--;
        if (rc)
            p->oom = 1;
        p->done[p->n_done++] = i;
        pthread_cond_signal(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
}

typedef struct {
    int show, tty;
    struct timespec start;
    size_t total, skipped, computed, failed;
    size_t last_done; /* not a terminal: a line when this changes */
    int shown;
    char detail[96]; /* MPI, a task spread over the ranks: how far rank 0 is */
    double left;     /* with detail: the seconds left (< 0: unknown) */
} progress;

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* "batch: 3/6 done (1 skipped), 2 running, 0 failed, about 0:12 left": on a terminal one
 * line rewritten in place, otherwise one line each time a task ends. running counts this
 * process's threads. */
static void progress_show(progress *pg, int running, int last)
{
    if (!pg->show)
        return;
    size_t done = pg->skipped + pg->computed;
    if (!pg->tty && pg->shown && done == pg->last_done)
        return;
    if (pg->tty && last) {
        if (pg->shown)
            fputc('\n', stderr);
        return;
    }
    char left[64] = "";
    double sec = -1.0;
    if (pg->detail[0])
        sec = pg->left;
    else if (pg->computed > 0 && done < pg->total)
        sec = since(&pg->start) / (double)pg->computed * (double)(pg->total - done);
    if (sec >= 0.0) {
        long s = lround(sec);
        snprintf(left, sizeof left, ", about %ld:%02ld left", s / 60, s % 60);
    }
    fprintf(stderr, "%sbatch: %zu/%zu done (%zu skipped), %d running%s, %zu failed%s%s",
            pg->tty ? "\r" : "", done, pg->total, pg->skipped, running, pg->detail, pg->failed,
            left, pg->tty ? "   " : "\n");
    pg->shown = 1;
    pg->last_done = done;
}

/* Write task i's result and read it back as its summary row. 0, or EXIT_INPUT when the
 * write failed (said). */
static int store(task_list *L, size_t i, progress *pg)
{
    batch_task *t = &L->tk[i];
    char msg[1200];
    if (pg->shown && pg->tty)
        fputc('\n', stderr);
    int code = batch_write_text(t->result_path, t->json);
    if (code)
        return code;
    if (batch_result_read(t->json, t->key, &t->row, msg, sizeof msg) != 0) {
        cli_say("%s: internal error: the result just made does not read back (%s)", t->result_path,
                msg);
        return EXIT_INTERNAL;
    }
    free(t->json);
    t->json = NULL;
    t->state = TASK_DONE;
    pg->computed++;
    if (t->row.code)
        pg->failed++;
    return 0;
}

#ifdef DFG_MPI
/* Rank 0's line while a task is spread over the ranks: its own items and the time left. */
typedef struct {
    progress *pg;
    struct timespec t0; /* the start of the last round */
    size_t q, n;        /* task q of the n of the last round */
    int size;
    double shown; /* seconds after t0 when the line was last shown */
    int quarter;  /* not a terminal: a line at each quarter of rank 0's items */
} spread_view;

static void spread_progress(size_t done, size_t total, void *data)
{
    spread_view *v = data;
    double el = since(&v->t0);
    int quarter = total ? (int)(4 * done / total) : 0;
    if (v->pg->tty ? el - v->shown < 0.25 && done < total : quarter == v->quarter)
        return;
    v->shown = el;
    v->quarter = quarter;
    if (!v->pg->tty)
        v->pg->last_done = SIZE_MAX; /* a line although no task ended */
    /* the share of the last round done: task q, and done of total of rank 0's items */
    double f = ((double)v->q + (total ? (double)done / (double)total : 0.0)) / (double)v->n;
    v->pg->left = f > 0.0 ? el / f * (1.0 - f) : -1.0;
    snprintf(v->pg->detail, sizeof v->pg->detail,
             " (its bootstrap over %d ranks: %zu/%zu fits on rank 0)", v->size, done, total);
    progress_show(v->pg, 1, 0);
}

/* The last round (cli/batch_mpi.c): tasks idx[0 .. n - 1] one after the other, each on
 * every rank at once, a rank's range of the replicates on jobs x --threads threads (the
 * cores it would give to jobs tasks); rank 0 writes each result. */
static int run_spread(const batch_spec *sp, task_list *L, const size_t *idx, size_t n, int jobs,
                      progress *pg)
{
    spread_view v = {pg, {0, 0}, 0, n, L->size, -1.0, -1};
    clock_gettime(CLOCK_MONOTONIC, &v.t0);
    batch_spread *bs = batch_mpi_spread_new(L->rank, L->size, jobs * sp->bo.threads,
                                            L->rank == 0 && pg->show ? spread_progress : NULL, &v);
    if (!bs) {
        fprintf(stderr, "darkfig: out of memory\n");
        return EXIT_INTERNAL;
    }
    batch_spec one = *sp;
    one.spread = bs;
    int code = 0;
    for (size_t q = 0; q < n && !code; q++) {
        batch_task *tk = &L->tk[idx[q]];
        v.q = q;
        v.quarter = -1;
        batch_mpi_spread_begin(bs);
        int rc = batch_task_run(&one, tk);
        batch_mpi_spread_end(bs);
        pg->detail[0] = '\0';
        if (rc) {
            fprintf(stderr, "darkfig: out of memory\n");
            code = EXIT_INTERNAL;
        } else if (L->rank == 0) {
            code = store(L, idx[q], pg);
            progress_show(pg, 0, 0);
        } else {
            free(tk->json);
            tk->json = NULL;
        }
    }
    batch_mpi_spread_free(bs);
    return code;
}
#endif

static int run_tasks(const batch_spec *sp, task_list *L, const unsigned char *todo_mask, int jobs,
                     progress *pg)
{
    pool p;
    memset(&p, 0, sizeof p);
    p.sp = sp;
    p.L = L;
    p.todo = malloc((L->n ? L->n : 1) * sizeof *p.todo);
    p.done = malloc((L->n ? L->n : 1) * sizeof *p.done);
    size_t *spread = malloc((L->n ? L->n : 1) * sizeof *spread);
    if (!p.todo || !p.done || !spread) {
        free(p.todo);
        free(p.done);
        free(spread);
        fprintf(stderr, "darkfig: out of memory\n");
        return EXIT_INTERNAL;
    }
    /* this rank's share: the j-th task to run goes to rank j mod size, except, with a
     * bootstrap, the last round of size x jobs when it is not full (fewer tasks left than
     * task slots): those run after the others on every rank at once, their replicates
     * split (spread) */
    size_t j = 0, expected = 0, n_run = 0, n_spread = 0;
    for (size_t i = 0; i < L->n; i++)
        n_run += todo_mask[i] != 0;
    size_t slots = (size_t)L->size * (size_t)jobs;
    size_t n_whole = sp->B > 0 && L->size > 1 ? n_run - n_run % slots : n_run;
    for (size_t i = 0; i < L->n; i++)
        if (todo_mask[i]) {
            if (j >= n_whole)
                spread[n_spread++] = i;
            else if ((int)(j % (size_t)L->size) == L->rank)
                p.todo[p.n_todo++] = i;
            j++;
        }
    expected = L->rank == 0 ? n_whole : p.n_todo;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    int nt = jobs < (int)p.n_todo ? jobs : (int)p.n_todo;
    pthread_t th[MAX_JOBS];
    int started = 0, code = 0;
    for (; started < nt; started++)
        if (pthread_create(&th[started], NULL, worker, &p) != 0)
            break;
    if (nt > 0 && started == 0) {
        fprintf(stderr, "darkfig: cannot start a thread\n");
        code = EXIT_INTERNAL;
    }
    size_t got = 0;
    while (!code && got < expected) {
        pthread_mutex_lock(&p.mu);
        if (p.n_done == 0) {
            struct timespec dl;
            clock_gettime(CLOCK_REALTIME, &dl);
            long step = L->size > 1 ? 20000000L : 500000000L; /* poll MPI more often */
            dl.tv_nsec += step;
            if (dl.tv_nsec >= 1000000000L) {
                dl.tv_sec++;
                dl.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&p.cv, &p.mu, &dl);
        }
        size_t nd = p.n_done, idx[64];
        if (nd > 64)
            nd = 64;
        memcpy(idx, p.done, nd * sizeof *idx);
        memmove(p.done, p.done + nd, (p.n_done - nd) * sizeof *p.done);
        p.n_done -= nd;
        int running = p.running, oom = p.oom;
        pthread_mutex_unlock(&p.mu);
        if (oom) {
            fprintf(stderr, "darkfig: out of memory\n");
            code = EXIT_INTERNAL;
            break;
        }
        for (size_t q = 0; q < nd && !code; q++) {
            got++;
#ifdef DFG_MPI
            if (L->rank != 0) {
                batch_mpi_send_result(idx[q], L->tk[idx[q]].json);
                free(L->tk[idx[q]].json);
                L->tk[idx[q]].json = NULL;
                continue;
            }
#endif
            code = store(L, idx[q], pg);
        }
#ifdef DFG_MPI
        if (L->rank == 0 && L->size > 1) {
            size_t i;
            char *json;
            while (!code && batch_mpi_poll_result(&i, &json)) {
                got++;
                if (i >= L->n || !todo_mask[i]) {
                    free(json);
                    fprintf(stderr, "darkfig: internal error: a rank sent task %zu\n", i);
                    code = EXIT_INTERNAL;
                    break;
                }
                L->tk[i].json = json;
                code = store(L, i, pg);
            }
        }
#endif
        if (L->rank == 0)
            progress_show(pg, running, 0);
    }
    if (code) {
        pthread_mutex_lock(&p.mu);
        p.stop = 1; /* running tasks finish; nothing new starts */
        pthread_mutex_unlock(&p.mu);
    }
    for (int q = 0; q < started; q++)
        pthread_join(th[q], NULL);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
#ifdef DFG_MPI
    if (!code && n_spread)
        code = run_spread(sp, L, spread, n_spread, jobs, pg);
#endif
    free(spread);
    free(p.todo);
    free(p.done);
    return code;
}

/* ---- the summary ---- */

static const char *SUMMARY_HEADER = "label,year,stratum,registered,N,dark_figure,N_over_n,level,"
                                    "lower,upper,interval,model,status,message\n";

static void csv_row(FILE *f, const batch_row *r)
{
    csv_string(f, r->label);
    fputc(',', f);
    csv_string(f, r->year);
    fputc(',', f);
    csv_string(f, r->stratum);
    double v[] = {r->registered, r->nhat, r->dark, r->ratio, r->level, r->lower, r->upper};
    for (size_t q = 0; q < sizeof v / sizeof v[0]; q++) {
        fputc(',', f);
        csv_number(f, v[q]);
    }
    const char *s[] = {r->interval, r->model, r->status, r->message};
    for (size_t q = 0; q < sizeof s / sizeof s[0]; q++) {
        fputc(',', f);
        csv_string(f, s[q]);
    }
    fputc('\n', f);
}

static char *summary_csv(const task_list *L)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fputs(SUMMARY_HEADER, f);
    for (size_t i = 0; i < L->n; i++) {
        const batch_row *r = &L->tk[i].row;
        csv_row(f, r);
        for (size_t q = 0; q < r->n_sub; q++) /* --pooled: a line per year */
            csv_row(f, &r->sub[q]);
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static char *summary_json(const batch_spec *sp, const task_list *L)
{
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    cJSON_AddStringToObject(root, "darkfig_version", DFG_VERSION);
    cJSON_AddStringToObject(root, "command", "batch");
    cJSON_AddItemToObject(root, "options", batch_spec_json(sp));
    cJSON_AddStringToObject(root, "specification", sp->spec);
    cJSON *arr = cJSON_AddArrayToObject(root, "tasks");
    for (size_t i = 0; arr && i < L->n; i++) {
        const batch_task *t = &L->tk[i];
        for (size_t q = 0; q <= t->row.n_sub; q++) { /* the task's line, then its sub-lines */
            const batch_row *r = q ? &t->row.sub[q - 1] : &t->row;
            cJSON *o = cJSON_CreateObject();
            if (!o)
                break;
            batch_id_json(o, r->label, r->year[0] ? atoi(r->year) : -1, r->stratum);
            cJSON_AddStringToObject(o, "file", t->path);
            cJSON_AddStringToObject(o, "sha256", t->sha);
            jnum(o, "registered", r->registered);
            jnum(o, "N", r->nhat);
            jnum(o, "dark_figure", r->dark);
            jnum(o, "N_over_n", r->ratio);
            jnum(o, "level", r->level);
            jnum(o, "lower", r->lower);
            jnum(o, "upper", r->upper);
            cJSON_AddStringToObject(o, "interval", r->interval);
            cJSON_AddStringToObject(o, "model", r->model);
            cJSON_AddStringToObject(o, "status", r->status);
            cJSON_AddStringToObject(o, "message", r->message);
            const char *slash = strrchr(t->result_path, '/');
            cJSON_AddStringToObject(o, "result", slash ? slash + 1 : t->result_path);
            cJSON_AddItemToArray(arr, o);
        }
    }
    char *text = cli_json_print(root);
    cJSON_Delete(root);
    if (!text)
        return NULL;
    size_t n = strlen(text);
    char *out = malloc(n + 2);
    if (out) {
        memcpy(out, text, n);
        out[n] = '\n';
        out[n + 1] = '\0';
    }
    cJSON_free(text);
    return out;
}

static void fmt_num(char *b, size_t n, double x, int dec)
{
    if (isfinite(x))
        snprintf(b, n, "%.*f", dec, x);
    else
        snprintf(b, n, "-");
}

static void summary_text(FILE *o, const batch_spec *sp, const task_list *L, size_t skipped)
{
    fprintf(o, "darkfig %s batch: %zu task%s, ", DFG_VERSION, L->n, L->n == 1 ? "" : "s");
    if (sp->mode == BATCH_FIT)
        fprintf(o, "fit %s", sp->model && sp->model[0] ? sp->model : "(main effects)");
    else
        fprintf(o, "search %s", dfg_search_method_name(sp->so.method));
    if (sp->B)
        fprintf(o, ", bootstrap %zu %s %s seed %lu", sp->B,
                sp->bo.type == DFG_BOOT_PARAMETRIC ? "parametric" : "nonparametric",
                dfg_ci_type_name(sp->bo.interval), (unsigned long)sp->bo.seed);
    fprintf(o, " (%zu skipped: done before)\n\n", skipped);
    int pct = (int)lround(100.0 * sp->est.level);
    char ih[32];
    snprintf(ih, sizeof ih, "%d%% interval", pct);
    int w = 5, ws = 0;
    for (size_t i = 0; i < L->n; i++)
        for (size_t q = 0; q <= L->tk[i].row.n_sub; q++) {
            const batch_row *r = q ? &L->tk[i].row.sub[q - 1] : &L->tk[i].row;
            if ((int)strlen(r->label) > w)
                w = (int)strlen(r->label);
            if ((int)strlen(r->stratum) > ws)
                ws = (int)strlen(r->stratum);
        }
    if (ws > 0 && ws < 7)
        ws = 7;
    fprintf(o, "%-*s %4s%s%-*s %10s %10s %10s %6s  %-23s %-10s %s\n", w, "label", "year",
            ws ? " " : "", ws, ws ? "stratum" : "", "registered", "N", "dark", "N/n", ih, "type",
            "status / model");
    for (size_t i = 0; i < L->n; i++)
        for (size_t q = 0; q <= L->tk[i].row.n_sub; q++) {
            const batch_row *r = q ? &L->tk[i].row.sub[q - 1] : &L->tk[i].row;
            int ratio = strcmp(r->label, "ratio") == 0 && !r->year[0]; /* --change: N(B) / N(A) */
            char reg[32], nh[32], dk[32], ra[32], lo[32], hi[32], iv[80];
            fmt_num(reg, sizeof reg, r->registered, 0);
            fmt_num(nh, sizeof nh, r->nhat, ratio ? 4 : 1);
            fmt_num(dk, sizeof dk, r->dark, 1);
            fmt_num(ra, sizeof ra, r->ratio, 2);
            fmt_num(lo, sizeof lo, r->lower, ratio ? 4 : 1);
            fmt_num(hi, sizeof hi, r->upper, ratio ? 4 : 1);
            if (isfinite(r->lower) || isfinite(r->upper))
                snprintf(iv, sizeof iv, "[%s, %s]", lo, hi);
            else
                snprintf(iv, sizeof iv, "-");
            fprintf(o, "%-*s %4s%s%-*s %10s %10s %10s %6s  %-23s %-10s ", w, r->label,
                    r->year[0] ? r->year : "-", ws ? " " : "", ws, r->stratum, reg, nh, dk, ra, iv,
                    r->interval[0] ? r->interval : "-");
            if (r->code == 0)
                fprintf(o, "%s", r->model);
            else
                fprintf(o, "%s: %s", r->status, r->message);
            fputc('\n', o);
        }
}

/* ---- the command ---- */

static int prepare_out(const char *dir, char *msg, size_t size)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            snprintf(msg, size, "--out %s: not a folder", dir);
            return -1;
        }
        return 0;
    }
    if (mkdir(dir, 0777) != 0) {
        snprintf(msg, size, "--out %s: cannot create the folder (%s)", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* Rank 0 before the run: create and lock the folder, remove what a killed run left, and
 * mark in todo every task whose result is missing, damaged or from another specification.
 * 0 or the exit code after saying why. */
static int batch_plan(const char *out, task_list *L, unsigned char *todo, int *lock_fd,
                      size_t *skipped)
{
    char msg[1200];
    if (prepare_out(out, msg, sizeof msg) != 0 ||
        (*lock_fd = batch_lock(out, msg, sizeof msg)) < 0) {
        fprintf(stderr, "darkfig: %s\n", msg);
        return EXIT_INPUT;
    }
    batch_clean_temporaries(out);
    for (size_t i = 0; i < L->n; i++) {
        batch_task *t = &L->tk[i];
        char *text = batch_read_file(t->result_path, NULL);
        char why[256];
        if (text && batch_result_read(text, t->key, &t->row, why, sizeof why) == 0) {
            t->state = TASK_SKIPPED;
            (*skipped)++;
        } else {
            todo[i] = 1;
            if (text)
                cli_say("note: %s: computed again: %s", t->result_path, why);
        }
        free(text);
    }
    return 0;
}

/* Rank 0 after the run: summary.csv and summary.json from the results, the table (or the
 * summary in the --format asked) on stdout. The exit code: that of the worst task, or of
 * a write that failed (said). */
static int fill_text(FILE *f, void *data)
{
    return fputs((const char *)data, f) < 0 ? -1 : 0;
}

static int batch_finish(const batch_spec *sp, const char *out, const common_opts *c,
                        const task_list *L, size_t skipped)
{
    int code = 0;
    char *csv = summary_csv(L), *js = summary_json(sp, L);
    size_t n = strlen(out) + 32;
    char *p1 = malloc(n), *p2 = malloc(n);
    char *tb = NULL;
    size_t tl = 0;
    FILE *o = NULL;
    if (!csv || !js || !p1 || !p2) {
        cli_say("out of memory");
        code = EXIT_INTERNAL;
        goto done;
    }
    snprintf(p1, n, "%s/summary.csv", out);
    snprintf(p2, n, "%s/summary.json", out);
    if ((code = batch_write_text(p1, csv)) != 0 || (code = batch_write_text(p2, js)) != 0)
        goto done;
    if (!(o = open_memstream(&tb, &tl))) {
        code = EXIT_INTERNAL;
        goto done;
    }
    if (c->format == FMT_CSV)
        fputs(csv, o);
    else if (c->format == FMT_JSON)
        fputs(js, o);
    else
        summary_text(o, sp, L, skipped);
    if (fclose(o) != 0) {
        code = EXIT_INTERNAL;
        goto done;
    }
    if (c->output) {
        if ((code = cli_write_file("--output", c->output, fill_text, tb)) != 0)
            goto done;
    } else if (fwrite(tb, 1, tl, stdout) != tl || fflush(stdout) != 0) {
        cli_say("cannot write the table to stdout (%s)", strerror(errno));
        code = EXIT_INPUT;
        goto done;
    }
    size_t nf = 0;
    for (size_t i = 0; i < L->n; i++) {
        nf += L->tk[i].row.code != 0;
        if (L->tk[i].row.code > code)
            code = L->tk[i].row.code;
        for (size_t q = 0; q < L->tk[i].row.n_sub; q++) /* a year that is not an estimate */
            if (L->tk[i].row.sub[q].code > code)
                code = L->tk[i].row.sub[q].code;
    }
    if (nf)
        cli_say("%zu of %zu task%s failed (see the status column)", nf, L->n, L->n == 1 ? "" : "s");
done:
    free(tb);
    free(p1);
    free(p2);
    free(csv);
    free(js);
    return code;
}

/* Parse the arguments, build and read the tasks, their keys and result files. -1 to go
 * on, or the exit code after saying why (only rank 0 speaks). */
static int batch_prepare(int argc, char **argv, common_opts *c, batch_args *a, task_list *L)
{
    int pr = cli_parse(c, &a->o, argc, argv);
    if (pr >= 0)
        return pr;
    a->snap = c->operands;
    a->n_snap = c->n_operands;
    if (!a->o.out)
        return usage_error("batch", "missing --out DIR");
    if (a->o.model && a->o.method >= 0)
        return usage_error("batch", "--model fits one model, --method searches: give one");
    if (a->o.trend) { /* C=D; --pooled C implied */
        size_t len;
        long d;
        if (trend_parse(a->o.trend, &len, &d) != 0 || d > DFG_MAX_TREND_DEGREE ||
            len >= sizeof a->sp.trend_cov)
            return usage_error("batch",
                               "--trend takes COVARIATE=DEGREE with a degree in 1..%d, "
                               "e.g. year=2 (got \"%s\")",
                               DFG_MAX_TREND_DEGREE, a->o.trend);
        snprintf(a->sp.trend_cov, sizeof a->sp.trend_cov, "%.*s", (int)len, a->o.trend);
        a->sp.trend_deg = (size_t)d;
        if (!a->o.pooled) {
            static char pooled_name[64];
            snprintf(pooled_name, sizeof pooled_name, "%s", a->sp.trend_cov);
            a->o.pooled = pooled_name;
        }
    }
    if (a->o.change && !a->o.pooled)
        return usage_error("batch", "--change needs --pooled (the change between two years of "
                                    "one model)");
    if (a->o.change) {
        const char *colon = strchr(a->o.change, ':');
        if (!colon || colon == a->o.change || colon[1] == '\0' || strchr(colon + 1, ':'))
            return usage_error("batch", "--change takes A:B, e.g. 2019:2021 (got \"%s\")",
                               a->o.change);
    }
    if (a->o.pooled) {
        if (a->o.method >= 0)
            return usage_error("batch", "--pooled fits one model (--model): not with --method");
        if (a->o.by || a->o.split)
            return usage_error("batch", "--pooled stacks the snapshots: not with --by or --split");
        if (!c->csv.lists)
            return usage_error("batch", "--pooled needs --lists (the other columns are the "
                                        "covariates)");
    }
    if (c->boot.replicates)
        return usage_error("batch", "--replicates is not offered by batch (each task's result "
                                    "holds its bootstrap summary)");
    a->sp.mode = a->o.method >= 0 ? BATCH_SEARCH : BATCH_FIT;
    a->sp.model = a->o.model;
    a->sp.so = dfg_search_opts_default();
    if (a->o.method >= 0)
        a->sp.so.method = (dfg_search_method)a->o.method;
    a->sp.so.criterion = (dfg_criterion)a->o.criterion;
    a->sp.so.max_order = a->o.max_order;
    a->sp.so.threshold = a->o.threshold;
    a->sp.split = a->o.split;
    a->sp.by = a->o.by;
    a->sp.trend = a->o.trend;
    a->sp.pooled = a->o.pooled;
    a->sp.change = a->o.change;
    a->sp.est = c->est;
    a->sp.csv = c->csv;
    a->sp.B = c->boot.B;
    a->sp.bo = dfg_boot_opts_default();
    a->sp.bo.type = (dfg_boot_type)c->boot.type;
    a->sp.bo.interval = (dfg_ci_type)c->boot.interval;
    a->sp.bo.threads = c->boot.threads;
    a->sp.bo.seed = c->seed_given ? c->boot.seed : 1; /* resumable: never the clock */
    batch_spec_format(&a->sp);

    int code = tasks_build(L, a);
    if (code != 0)
        return code;
    for (size_t i = 0; i < L->n; i++) {
        batch_task *t = &L->tk[i];
        batch_task_key(&a->sp, t);
        size_t n =
            strlen(a->o.out) + strlen(t->label) + (t->by_value ? strlen(t->by_value) : 0) + 16;
        if (!(t->result_path = malloc(n)))
            return EXIT_INTERNAL;
        snprintf(t->result_path, n, "%s/%s%s%s.result.json", a->o.out, t->label,
                 t->by_value ? "." : "", t->by_value ? t->by_value : "");
        for (size_t j = 0; j < i; j++)
            if (strcmp(L->tk[j].result_path, t->result_path) == 0) {
                SAY(L, "%s and %s (%s) would both write %s: rename one", L->tk[j].path, t->path,
                    t->stratum, t->result_path);
                return EXIT_USAGE;
            }
    }
    return -1;
}

static int batch_main(int argc, char **argv)
{
    common_opts c;
    common_init(&c, &cmd_batch);
    batch_args a;
    memset(&a, 0, sizeof a);
    a.c = &c;
    a.o.method = -1;
    a.o.criterion = DFG_CRIT_BIC;
    a.o.jobs = 1;
    task_list L = {NULL, 0, 0, 1};
    int mpi = 0;
#ifdef DFG_MPI
    mpi = batch_mpi_init(&argc, &argv, &L.rank, &L.size);
#endif
    int code = -1;
    int lock_fd = -1;
    unsigned char *todo = NULL;
    size_t skipped = 0;
    /* only rank 0 speaks about usage: the others parse quietly (same argv, same verdict) */
    FILE *saved_err = NULL;
    if (L.rank != 0) {
        saved_err = stderr;
        stderr = fopen("/dev/null", "w");
        if (!stderr)
            stderr = saved_err;
    }
    code = batch_prepare(argc, argv, &c, &a, &L);
#ifdef DFG_MPI
    /* every rank must agree before the first collective step (a file one rank cannot
     * read would otherwise leave the others waiting) */
    if (mpi)
        code = batch_mpi_max(code); /* -1 (go on) only when every rank says so */
#endif
    if (code >= 0)
        goto done;
    todo = calloc(L.n ? L.n : 1, 1);
    if (!todo) {
        code = EXIT_INTERNAL;
        goto done;
    }
    /* rank 0: the folder, the lock, what is done already */
    int plan = L.rank == 0 ? batch_plan(a.o.out, &L, todo, &lock_fd, &skipped) : 0;
#ifdef DFG_MPI
    if (mpi)
        batch_mpi_bcast_plan(&plan, todo, L.n);
#endif
    if (plan) {
        code = plan;
        goto done;
    }
    progress pg;
    memset(&pg, 0, sizeof pg);
    pg.tty = isatty(STDERR_FILENO);
    pg.show = L.rank == 0 && (a.o.progress || pg.tty);
    pg.total = L.n;
    pg.skipped = skipped;
    for (size_t i = 0; i < L.n; i++)
        if (L.tk[i].state == TASK_SKIPPED && L.tk[i].row.code)
            pg.failed++;
    clock_gettime(CLOCK_MONOTONIC, &pg.start);
    code = run_tasks(&a.sp, &L, todo, a.o.jobs, &pg);
#ifdef DFG_MPI
    /* a rank that stopped (a failed write on rank 0, no memory) would leave the others
     * blocked in a send or a receive: stop them all (the message is already said) */
    if (mpi && L.size > 1 && code)
        batch_mpi_abort(code);
    if (mpi)
        code = batch_mpi_max(code);
#endif
    progress_show(&pg, 0, 1);
    if (code || L.rank != 0)
        goto done;

    code = batch_finish(&a.sp, a.o.out, &c, &L, skipped);
done:
    free(todo);
    tasks_free(&L);
    if (lock_fd >= 0)
        close(lock_fd);
    if (saved_err) {
        fclose(stderr);
        stderr = saved_err;
    }
#ifdef DFG_MPI
    if (mpi)
        batch_mpi_finalize();
#endif
    (void)mpi;
    return code < 0 ? EXIT_INTERNAL : code;
}
