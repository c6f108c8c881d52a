/* tests/test_boot_split.c: the bootstrap in steps (core/boot.c, models/cov_boot.c): the
 * replicates computed over index ranges [first, last) (dfg_boot_replicates,
 * dfg_cboot_replicates), joined and finished once (dfg_boot_finish, dfg_cboot_finish),
 * give bit for bit the result of the one call (dfg_boot_run, dfg_cboot_run), for any cut
 * of [0, B) (empty pieces included) and any number of threads per piece. This is what
 * lets darkfig batch spread one bootstrap over MPI ranks.
 * Cases: the stepwise search repeated in every replicate (Chan, Silverman & Vincent 2021)
 * on the Dutch 6-list table, nonparametric and parametric, BCa; a test estimator that
 * fails on some replicates and reports boundaries; the covariate bootstrap, parametric
 * and with the search repeated; the totals per year and the change between two years.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "boot_test.h"
#include "check.h"
#include "internal.h"
#include "oracle.h"

#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

/* ** {======================================================================
 * Comparing results bit for bit
 * ======================================================================= */

static int same_bits(const double *a, const double *b, size_t n)
{
    return n == 0 || memcmp(a, b, n * sizeof *a) == 0;
}

static int same_interval(const dfg_interval *a, const dfg_interval *b)
{
    return a->type == b->type && same_bits(&a->level, &b->level, 1) &&
           same_bits(&a->point, &b->point, 1) && same_bits(&a->lower, &b->lower, 1) &&
           same_bits(&a->upper, &b->upper, 1);
}

static int same_boot(const dfg_boot_result *a, const dfg_boot_result *b)
{
    if (a->B != b->B || a->type != b->type || a->seed != b->seed || a->n_ok != b->n_ok ||
        a->n_failed != b->n_failed || a->n_boundary != b->n_boundary || a->n_jack != b->n_jack ||
        a->n_jack_failed != b->n_jack_failed || a->n_models != b->n_models ||
        strcmp(a->model, b->model) != 0)
        return 0;
    double x[] = {a->nhat,   a->z0, a->accel,        a->mean,
                  a->median, a->se, a->share_failed, a->share_boundary};
    double y[] = {b->nhat,   b->z0, b->accel,        b->mean,
                  b->median, b->se, b->share_failed, b->share_boundary};
    if (memcmp(x, y, sizeof x) != 0 || !same_interval(&a->ci, &b->ci) ||
        !same_interval(&a->percentile, &b->percentile))
        return 0;
    if (!same_bits(a->nstar, b->nstar, a->B) ||
        memcmp(a->rep_status, b->rep_status, a->B * sizeof *a->rep_status) != 0 ||
        memcmp(a->rep_check, b->rep_check, a->B * sizeof *a->rep_check) != 0 ||
        memcmp(a->rep_model, b->rep_model, a->B * sizeof *a->rep_model) != 0)
        return 0;
    for (size_t i = 0; i < a->n_models; i++)
        if (strcmp(a->models[i], b->models[i]) != 0 || a->model_count[i] != b->model_count[i])
            return 0;
    return 1;
}

static int same_cboot(const dfg_cboot_result *a, const dfg_cboot_result *b)
{
    if (a->B != b->B || a->n_rows != b->n_rows || a->n_failed != b->n_failed ||
        a->n_boundary != b->n_boundary || a->seed != b->seed || a->type != b->type)
        return 0;
    if (!same_bits(a->nstar, b->nstar, a->B * a->n_rows) || a->has_change != b->has_change)
        return 0;
    /* the rows, then the two rows of the change when there is one */
    for (size_t g = 0; g < a->n_rows + (a->has_change ? 2 : 0); g++) {
        const dfg_cboot_row *r = g < a->n_rows ? &a->rows[g] : &a->change[g - a->n_rows];
        const dfg_cboot_row *s = g < a->n_rows ? &b->rows[g] : &b->change[g - a->n_rows];
        double x[] = {r->point,  r->se,     r->perc_lo, r->perc_hi,
                      r->bca_lo, r->bca_hi, r->z0,      r->accel};
        double y[] = {s->point,  s->se,     s->perc_lo, s->perc_hi,
                      s->bca_lo, s->bca_hi, s->z0,      s->accel};
        if (memcmp(x, y, sizeof x) != 0 || r->n_ok != s->n_ok || strcmp(r->label, s->label) != 0)
            return 0;
    }
    return 1;
}

/* ** }====================================================================== */

/* Cuts of [0, B): piece q is [cut[q], cut[q + 1]); repeated points make empty pieces. */
typedef struct {
    size_t n;        /* pieces */
    size_t cut[8];   /* n + 1 points */
    int threads[7];  /* threads of each piece */
    const char *say; /* the case, for a failure */
} split;

static const split *splits_of(size_t B, size_t *n_splits)
{
    static split s[6];
    size_t h = B / 2, t = B / 3;
    s[0] = (split){1, {0, B}, {1}, "one piece"};
    s[1] = (split){2, {0, h, B}, {1, 2}, "halves"};
    s[2] = (split){4, {0, t, 2 * t, 2 * t + 1, B}, {2, 1, 1, 3}, "4 pieces, one of 1"};
    s[3] = (split){5, {0, 0, t, t, B, B}, {1, 3, 1, 2, 1}, "empty pieces first, inside, last"};
    s[4] = (split){3, {0, 1, B - 1, B}, {1, 2, 1}, "first and last replicate alone"};
    s[5] = (split){7, {0, 1, 2, 3, 5, 8, 13, B}, {1, 1, 1, 1, 1, 2, 2}, "ragged"};
    *n_splits = 6;
    return s;
}

/* The bootstrap of (est, t, eo, bo) as pieces of sp, each on its own threads, joined
 * into one array and finished; its status. */
static dfg_status boot_in_pieces(const dfg_estimator *est, const dfg_table *t,
                                 const dfg_est_opts *eo, const dfg_boot_opts *bo, const split *sp,
                                 dfg_boot_result *res, dfg_error *err)
{
    dfg_boot_rep *all = malloc(bo->B * sizeof *all);
    dfg_status rc = all ? DFG_OK : DFG_ENOMEM;
    for (size_t q = 0; q < sp->n && rc == DFG_OK; q++) {
        /* each piece into its own buffer (as a rank would), then copied into place */
        size_t first = sp->cut[q], last = sp->cut[q + 1];
        dfg_boot_rep *mine = last > first ? malloc((last - first) * sizeof *mine) : NULL;
        dfg_boot_opts o = *bo;
        o.threads = sp->threads[q];
        rc = dfg_boot_replicates(est, t, 0, eo, &o, first, last, mine, err);
        if (rc == DFG_OK && mine)
            memcpy(all + first, mine, (last - first) * sizeof *mine);
        free(mine);
    }
    if (rc == DFG_OK)
        rc = dfg_boot_finish(est, t, 0, eo, bo, all, res, err);
    free(all);
    return rc;
}

static void check_pieces_equal_one_call(const dfg_estimator *est, const dfg_table *t,
                                        const dfg_est_opts *eo, const dfg_boot_opts *bo,
                                        const char *name)
{
    dfg_boot_result one;
    dfg_error err = {0};
    CHECK_CODE(dfg_boot_run(est, t, 0, eo, bo, &one, &err), DFG_OK);
    size_t ns;
    const split *s = splits_of(bo->B, &ns);
    for (size_t i = 0; i < ns; i++) {
        dfg_boot_result r;
        dfg_error_clear(&err);
        dfg_status rc = boot_in_pieces(est, t, eo, bo, &s[i], &r, &err);
        CHECK_MSG(rc == DFG_OK, "%s, %s: status %d (%s)", name, s[i].say, (int)rc, err.msg);
        if (rc != DFG_OK)
            continue;
        CHECK_MSG(same_boot(&one, &r), "%s, %s: not the bits of dfg_boot_run", name, s[i].say);
        dfg_boot_result_free(&r);
    }
    dfg_boot_result_free(&one);
}

/* The stepwise search repeated in every replicate on the Dutch 6-list table (Chan,
 * Silverman & Vincent 2021): nonparametric and parametric (from the fit of the model the
 * search chose), BCa, several models among the replicates. */
static void search_bootstrap_in_pieces_equals_one_call(void)
{
    dfg_table *t = oracle_dataset("netherlands_6.csv");
    if (!CHECK(t != NULL))
        return;
    const dfg_estimator *est = dfg_estimator_find("stepwise");
    CHECK(est != NULL);
    dfg_est_opts eo = dfg_est_opts_default();
    eo.method = "stepwise";
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = 24;
    bo.seed = 20261130u;
    check_pieces_equal_one_call(est, t, &eo, &bo, "stepwise, nonparametric");
    /* parametric: the fitted cells of the model chosen on the data */
    dfg_estimate e;
    dfg_error err = {0};
    CHECK_CODE(est->estimate(t, 0, &eo, &e, &err), DFG_OK);
    dfg_model m = {0, 0, NULL};
    dfg_fit fit;
    memset(&fit, 0, sizeof fit);
    CHECK_CODE(dfg_model_parse(e.model, t, &m, &err), DFG_OK);
    CHECK_CODE(dfg_loglin_fit(t, 0, &m, NULL, &fit, &err), DFG_OK);
    bo.type = DFG_BOOT_PARAMETRIC;
    bo.fitted = fit.fitted;
    bo.B = 16;
    check_pieces_equal_one_call(est, t, &eo, &bo, "stepwise, parametric");
    /* the replicates choose more than one model: the model counts are exercised */
    dfg_boot_result r;
    CHECK_CODE(dfg_boot_run(est, t, 0, &eo, &bo, &r, &err), DFG_OK);
    CHECK(r.n_models >= 2);
    dfg_boot_result_free(&r);
    dfg_fit_free(&fit);
    dfg_model_free(&m);
    dfg_table_free(t);
}

/* The cell estimator of boot_test.h in its mode 1: N = the count of cell 1 (50 on the
 * data), failing on multiples of 3, at the boundary on multiples of 5, the model the
 * parity of N: failures, boundaries and two models in the pieces. */
static const double cell_y[4] = {0, 50, 30, 20};

static void failures_and_boundaries_in_pieces_equal_one_call(void)
{
    dfg_table *t = table_of(2, cell_y);
    dfg_est_opts eo = cell_opts(1, 1);
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = 300;
    bo.seed = 11;
    dfg_boot_result r;
    dfg_error err = {0};
    CHECK_CODE(dfg_boot_run(&cell_est, t, 0, &eo, &bo, &r, &err), DFG_OK);
    CHECK(r.n_failed > 0 && r.n_boundary > 0 && r.n_models == 2 && r.n_jack == 3);
    dfg_boot_result_free(&r);
    check_pieces_equal_one_call(&cell_est, t, &eo, &bo, "cell, BCa");
    bo.interval = DFG_CI_PERCENTILE;
    check_pieces_equal_one_call(&cell_est, t, &eo, &bo, "cell, percentile");
    dfg_table_free(t);
}

/* Ranges and slots that are not a bootstrap are refused; progress counts each step's own
 * items. */
static void steps_refuse_bad_ranges_and_slots(void)
{
    dfg_table *t = table_of(2, cell_y);
    dfg_est_opts eo = cell_opts(1, 1);
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = 10;
    dfg_boot_rep reps[10];
    dfg_error err = {0};
    CHECK_CODE(dfg_boot_replicates(&cell_est, t, 0, &eo, &bo, 3, 2, reps, &err), DFG_EINVAL);
    dfg_error_clear(&err);
    CHECK_CODE(dfg_boot_replicates(&cell_est, t, 0, &eo, &bo, 5, 11, reps, &err), DFG_EINVAL);
    dfg_error_clear(&err);
    CHECK_CODE(dfg_boot_replicates(&cell_est, t, 0, &eo, &bo, 0, 1, NULL, &err), DFG_EINVAL);
    dfg_error_clear(&err);
    /* an empty range is nothing to do, even without slots */
    CHECK_CODE(dfg_boot_replicates(&cell_est, t, 0, &eo, &bo, 4, 4, NULL, &err), DFG_OK);
    CHECK_CODE(dfg_boot_replicates(&cell_est, t, 0, &eo, &bo, 10, 10, NULL, &err), DFG_OK);
    /* progress: done of the range, then of the jackknife fits (3 observed patterns) */
    progress_log pl = {0, 0, 0, 1, 0, NULL};
    bo.progress = on_progress;
    bo.progress_data = &pl;
    CHECK_CODE(dfg_boot_replicates(&cell_est, t, 0, &eo, &bo, 2, 9, reps + 2, &err), DFG_OK);
    CHECK(pl.calls == 7 && pl.last_done == 7 && pl.last_total == 7);
    CHECK_CODE(dfg_boot_replicates(&cell_est, t, 0, &eo, &bo, 0, 2, reps, &err), DFG_OK);
    CHECK_CODE(dfg_boot_replicates(&cell_est, t, 0, &eo, &bo, 9, 10, reps + 9, &err), DFG_OK);
    pl = (progress_log){0, 0, 0, 1, 0, NULL};
    dfg_boot_result r;
    CHECK_CODE(dfg_boot_finish(&cell_est, t, 0, &eo, &bo, reps, &r, &err), DFG_OK);
    CHECK(pl.last_done == 3 && pl.last_total == 3);
    dfg_boot_result_free(&r);
    /* a slot that says ok without a finite N*, or without a model's end */
    size_t good = 0;
    while (good < 10 && reps[good].status != DFG_OK)
        good++;
    if (CHECK(good < 10)) {
        dfg_boot_rep keep = reps[good];
        reps[good].nstar = (double)NAN;
        dfg_error_clear(&err);
        CHECK_CODE(dfg_boot_finish(&cell_est, t, 0, &eo, &bo, reps, &r, &err), DFG_EINVAL);
        CHECK(r.nstar == NULL && r.models == NULL);
        reps[good] = keep;
        memset(reps[good].model, 'x', sizeof reps[good].model);
        dfg_error_clear(&err);
        CHECK_CODE(dfg_boot_finish(&cell_est, t, 0, &eo, &bo, reps, &r, &err), DFG_EINVAL);
        reps[good] = keep;
    }
    dfg_error_clear(&err);
    CHECK_CODE(dfg_boot_finish(&cell_est, t, 0, &eo, &bo, NULL, &r, &err), DFG_EINVAL);
    dfg_table_free(t);
}

static void steps_survive_every_allocation_failure(void)
{
    dfg_table *t = table_of(2, cell_y);
    dfg_est_opts eo = cell_opts(1, 1);
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = 6;
    dfg_boot_rep reps[6];
    dfg_error err = {0};
    CHECK_CODE(dfg_boot_replicates(&cell_est, t, 0, &eo, &bo, 0, 6, reps, &err), DFG_OK);
    SWEEP_ALLOC("boot replicates",
                dfg_boot_replicates(&cell_est, t, 0, &eo, &bo, 1, 5, reps + 1, &sweep_err),
                (void)0);
    dfg_boot_result r;
    SWEEP_ALLOC("boot finish", dfg_boot_finish(&cell_est, t, 0, &eo, &bo, reps, &r, &sweep_err),
                dfg_boot_result_free(&r));
    dfg_table_free(t);
}

/* ** {======================================================================
 * The covariate bootstrap
 * ======================================================================= */

static dfg_status cboot_in_pieces(const dfg_ctable *ct, const dfg_cmodel *m, const dfg_cfit *f,
                                  const size_t *by, size_t n_by, const dfg_cboot_opts *o,
                                  const split *sp, dfg_cboot_result *res, dfg_error *err)
{
    size_t nr = dfg_cboot_n_rows(ct, by, n_by);
    double *all = malloc(o->B * nr * sizeof *all);
    unsigned char *bnd = malloc(o->B);
    dfg_status rc = all && bnd ? DFG_OK : DFG_ENOMEM;
    for (size_t q = 0; q < sp->n && rc == DFG_OK; q++) {
        size_t first = sp->cut[q], last = sp->cut[q + 1], c = last - first;
        double *mine = c ? malloc(c * nr * sizeof *mine) : NULL;
        unsigned char *mb = c ? malloc(c) : NULL;
        dfg_cboot_opts oq = *o;
        oq.threads = sp->threads[q];
        rc = dfg_cboot_replicates(ct, m, f, by, n_by, &oq, first, last, mine, mb, err);
        if (rc == DFG_OK && c) {
            memcpy(all + first * nr, mine, c * nr * sizeof *mine);
            memcpy(bnd + first, mb, c);
        }
        free(mine);
        free(mb);
    }
    if (rc == DFG_OK)
        rc = dfg_cboot_finish(ct, m, f, by, n_by, o, all, bnd, res, err);
    free(all);
    free(bnd);
    return rc;
}

/* A table over lists and covariates, a model and its fit. */
typedef struct {
    dfg_table *t;
    dfg_ctable *ct;
    dfg_cmodel m;
    dfg_cfit f;
    size_t year; /* the covariate "year", or the number of covariates */
} cov_case;

/* tests/data/REL with list columns lists, covariate "year" (when there is one) coded as a
 * polynomial of degree trend (0: none), model fitted; 0 when something failed (said). */
static int cov_case_open(cov_case *c, const char *rel, const char *lists, size_t trend,
                         const char *model)
{
    memset(c, 0, sizeof *c);
    dfg_error err = {0};
    if (!CHECK((c->t = oracle_test_table(rel, lists)) != NULL))
        return 0;
    CHECK_CODE(dfg_ctable_new(c->t, 0, &c->ct, &err), DFG_OK);
    if (!c->ct)
        return 0;
    while (c->year < dfg_ctable_n_cov(c->ct) &&
           strcmp(dfg_ctable_cov_name(c->ct, c->year), "year") != 0)
        c->year++;
    if (trend)
        CHECK_CODE(dfg_ctable_set_trend(c->ct, c->year, trend, &err), DFG_OK);
    CHECK_CODE(dfg_cmodel_parse(model, c->ct, &c->m, &err), DFG_OK);
    dfg_status rc = dfg_cfit_checked(c->ct, &c->m, NULL, &c->f, &err);
    CHECK_CODE(rc, DFG_OK);
    return rc == DFG_OK;
}

static void cov_case_close(cov_case *c)
{
    dfg_cfit_free(&c->f);
    dfg_cmodel_free(&c->m);
    dfg_ctable_free(c->ct);
    dfg_table_free(c->t);
}

/* Every cut of splits_of in pieces against dfg_cboot_run, bit for bit. */
static void check_cboot_pieces(const cov_case *c, const size_t *by, size_t n_by,
                               const dfg_cboot_opts *o, const char *name)
{
    dfg_cboot_result one;
    dfg_error err = {0};
    CHECK_CODE(dfg_cboot_run(c->ct, &c->m, &c->f, by, n_by, o, &one, &err), DFG_OK);
    size_t ns;
    const split *s = splits_of(o->B, &ns);
    for (size_t i = 0; i < ns; i++) {
        dfg_cboot_result r;
        dfg_error_clear(&err);
        dfg_status rc = cboot_in_pieces(c->ct, &c->m, &c->f, by, n_by, o, &s[i], &r, &err);
        CHECK_MSG(rc == DFG_OK, "%s, %s: status %d (%s)", name, s[i].say, (int)rc, err.msg);
        if (rc != DFG_OK)
            continue;
        CHECK_MSG(same_cboot(&one, &r), "%s, %s: not the bits of dfg_cboot_run", name, s[i].say);
        dfg_cboot_result_free(&r);
    }
    dfg_cboot_result_free(&one);
}

/* tests/data/cov/oracle-cov/cov_003.csv (three lists, age and origin): the model of
 * tests/test_cov.c; parametric BCa with the model fixed, and nonparametric with the
 * stepwise search over lists and covariates repeated in every replicate. */
static void covariate_bootstrap_in_pieces_equals_one_call(void)
{
    cov_case c;
    if (!cov_case_open(&c, "cov/oracle-cov/cov_003.csv", "P,K,I", 0,
                       "[origin:age,P:origin,K:origin,I:origin]")) {
        cov_case_close(&c);
        return;
    }
    CHECK(dfg_cboot_n_rows(c.ct, NULL, 0) == 5);
    const size_t bad_by = 9;
    CHECK(dfg_cboot_n_rows(c.ct, &bad_by, 1) == 0);
    dfg_cboot_opts o = dfg_cboot_opts_default();
    o.B = 60;
    o.seed = 7;
    check_cboot_pieces(&c, NULL, 0, &o, "cboot parametric");
    o.B = 16; /* the ragged cut needs B >= 14 */
    o.type = DFG_BOOT_NONPARAMETRIC;
    o.select = 1;
    check_cboot_pieces(&c, NULL, 0, &o, "cboot, search repeated");
    /* bad ranges */
    double x[5];
    unsigned char b[1];
    dfg_error err = {0};
    CHECK_CODE(dfg_cboot_replicates(c.ct, &c.m, &c.f, NULL, 0, &o, 3, 2, x, b, &err), DFG_EINVAL);
    dfg_error_clear(&err);
    CHECK_CODE(dfg_cboot_replicates(c.ct, &c.m, &c.f, NULL, 0, &o, 0, 1, NULL, b, &err),
               DFG_EINVAL);
    dfg_error_clear(&err);
    CHECK_CODE(dfg_cboot_replicates(c.ct, &c.m, &c.f, NULL, 0, &o, 2, 2, NULL, NULL, &err), DFG_OK);
    dfg_cboot_result r;
    CHECK_CODE(dfg_cboot_finish(c.ct, &c.m, &c.f, NULL, 0, &o, NULL, b, &r, &err), DFG_EINVAL);
    cov_case_close(&c);
}

/* tests/data/years/stacked_minor.csv (the six synthetic years stacked, year a covariate
 * coded as a polynomial of degree 2, as tests/test_trend.c): the totals per year and the
 * change 2019 -> 2021 (the difference and the ratio, from the same replicates and
 * jackknife values) in pieces equal the one call. */
static void change_between_years_in_pieces_equals_one_call(void)
{
    cov_case c;
    if (cov_case_open(&c, "years/stacked_minor.csv", "POL,KMAR,ISZW,COA,ZORG,OVR", 2,
                      "[POL:year,KMAR:year,minor:year,POL:KMAR]")) {
        CHECK(dfg_cboot_n_rows(c.ct, &c.year, 1) == 7); /* the total and six years */
        dfg_cboot_opts o = dfg_cboot_opts_default();
        o.B = 30;
        o.seed = 7;
        o.change_from = 4; /* rows 1..6: 2016..2021 */
        o.change_to = 6;
        check_cboot_pieces(&c, &c.year, 1, &o, "change 2019 -> 2021");
        dfg_cboot_result one;
        dfg_error err = {0};
        CHECK_CODE(dfg_cboot_run(c.ct, &c.m, &c.f, &c.year, 1, &o, &one, &err), DFG_OK);
        CHECK(one.has_change && one.n_rows == 7);
        dfg_cboot_result_free(&one);
    }
    cov_case_close(&c);
}

/* What the progress callback of the covariate bootstrap saw. */
typedef struct {
    size_t calls, last, total, backwards;
    size_t stop_at; /* 0, or set *cancel once done reaches it */
    volatile sig_atomic_t *cancel;
} seen;

static void note_progress(size_t done, size_t total, void *data)
{
    seen *s = data;
    if (s->calls > 0 && (done < s->last || total != s->total))
        s->backwards++;
    s->calls++;
    s->last = done;
    s->total = total;
    if (s->stop_at && done >= s->stop_at && s->cancel)
        *s->cancel = 1;
}

/* dfg_cboot_opts.progress: done of B replicates + one jackknife fit per nonempty cell,
 * never backwards, ending at the total, on 1 and 3 threads, and the same bits as without
 * it; a range reports its own length; a cancel from the callback stops the run
 * (DFG_ECANCEL, nothing to free). */
static void covariate_bootstrap_reports_progress_and_stops(void)
{
    cov_case c;
    if (!cov_case_open(&c, "cov/oracle-cov/cov_003.csv", "P,K,I", 0,
                       "[origin:age,P:origin,K:origin,I:origin]")) {
        cov_case_close(&c);
        return;
    }
    const double *y = dfg_ctable_counts(c.ct);
    size_t lm = ((size_t)1 << dfg_ctable_k(c.ct)) - 1, n_jack = 0;
    for (size_t i = 0; i < dfg_ctable_n_cells(c.ct); i++)
        n_jack += (i & lm) && y[i] > 0.0;
    dfg_cboot_opts o = dfg_cboot_opts_default();
    o.B = 50;
    o.seed = 7;
    dfg_cboot_result plain, watched;
    dfg_error err = {0};
    CHECK_CODE(dfg_cboot_run(c.ct, &c.m, &c.f, NULL, 0, &o, &plain, &err), DFG_OK);
    for (int threads = 1; threads <= 3; threads += 2) {
        seen s;
        memset(&s, 0, sizeof s);
        dfg_cboot_opts w = o;
        w.threads = threads;
        w.progress = note_progress;
        w.progress_data = &s;
        CHECK_CODE(dfg_cboot_run(c.ct, &c.m, &c.f, NULL, 0, &w, &watched, &err), DFG_OK);
        CHECK_MSG(s.calls > 0 && s.backwards == 0 && s.total == o.B + n_jack && s.last == s.total,
                  "%d threads: %zu calls, %zu backwards, ended at %zu of %zu (want %zu)", threads,
                  s.calls, s.backwards, s.last, s.total, o.B + n_jack);
        CHECK_MSG(same_cboot(&plain, &watched), "%d threads: progress changed the bits", threads);
        dfg_cboot_result_free(&watched);
    }
    seen s;
    memset(&s, 0, sizeof s);
    dfg_cboot_opts w = o;
    w.progress = note_progress;
    w.progress_data = &s;
    double nstar[10 * 5];
    unsigned char bnd[10];
    CHECK_CODE(dfg_cboot_replicates(c.ct, &c.m, &c.f, NULL, 0, &w, 20, 30, nstar, bnd, &err),
               DFG_OK);
    CHECK(s.calls > 0 && s.backwards == 0 && s.total == 10 && s.last == 10);
    volatile sig_atomic_t cancel = 0;
    memset(&s, 0, sizeof s);
    s.stop_at = 5;
    s.cancel = &cancel;
    w.cancel = &cancel;
    CHECK_CODE(dfg_cboot_run(c.ct, &c.m, &c.f, NULL, 0, &w, &watched, &err), DFG_ECANCEL);
    CHECK(s.last < o.B && watched.rows == NULL && watched.nstar == NULL);
    dfg_cboot_result_free(&plain);
    cov_case_close(&c);
}

/* ** }====================================================================== */

int main(void)
{
    gsl_set_error_handler_off();
    RUN(search_bootstrap_in_pieces_equals_one_call);
    RUN(failures_and_boundaries_in_pieces_equal_one_call);
    RUN(steps_refuse_bad_ranges_and_slots);
    RUN(steps_survive_every_allocation_failure);
    RUN(covariate_bootstrap_in_pieces_equals_one_call);
    RUN(change_between_years_in_pieces_equals_one_call);
    RUN(covariate_bootstrap_reports_progress_and_stops);
    CHECK_DONE();
}
