/* cli/batch_task.c: one task of darkfig batch: the specification's text and key, the
 * computation (the single command's own: fit_compute, cov_fit_compute, search_boot_setup,
 * so that a task's digits are those of darkfig fit or darkfig search on the same file),
 * and the sealed result.
 *
 * The seal: the result is printed by cJSON, the SHA-256 of that text is appended as the
 * last member "seal", and a reader checks the hash over the text before it (textually: a
 * truncated file or a changed byte fails). Numbers are written as the shortest text that
 * reads back as the same double (cli_json_print, as every --format json) and read back
 * with strtod, so the summary built from a result read back holds the exact
 * doubles of the task just computed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "batch.h"

#include <stdlib.h>
#include <string.h>

#define num jnum /* exact: printed by cli_json_print */

void batch_id_json(cJSON *o, const char *label, int year, const char *stratum)
{
    cJSON_AddStringToObject(o, "label", label);
    if (year >= 0)
        cJSON_AddNumberToObject(o, "year", year);
    else
        cJSON_AddNullToObject(o, "year");
    cJSON_AddStringToObject(o, "stratum", stratum);
}

static const char *status_text(dfg_status s)
{
    return s == DFG_OK ? "ok" : dfg_strerror(s);
}

static const char *boot_type_name(dfg_boot_type t)
{
    return t == DFG_BOOT_PARAMETRIC ? "parametric" : "nonparametric";
}

void batch_spec_format(batch_spec *sp)
{
    char head[512];
    if (sp->mode == BATCH_FIT)
        snprintf(head, sizeof head, "fit;covariates=in_model;model=%s", sp->model ? sp->model : "");
    else
        snprintf(head, sizeof head, "search;method=%s;criterion=%s;max_order=%d;threshold=%.17g",
                 dfg_search_method_name(sp->so.method), dfg_criterion_name(sp->so.criterion),
                 sp->so.max_order, sp->so.threshold);
    snprintf(sp->spec, sizeof sp->spec,
             "%s;lists=%s;count=%s;level=%.17g;tol=%.17g;max_iter=%d;max_halve=%d;"
             "bootstrap=%zu;boot_type=%s;interval=%s;seed=%lu;split=%s;by=%s;trend=%s",
             head, sp->csv.lists ? sp->csv.lists : "", sp->csv.count ? sp->csv.count : "count",
             sp->est.level, sp->est.glm.tol, sp->est.glm.max_iter, sp->est.glm.max_halve, sp->B,
             sp->B ? boot_type_name(sp->bo.type) : "",
             sp->B ? dfg_ci_type_name(sp->bo.interval) : "",
             sp->B ? (unsigned long)sp->bo.seed : 0UL, sp->split ? sp->split : "",
             sp->by ? sp->by : "", sp->trend ? sp->trend : "");
    if (sp->pooled) { /* only then: the keys of the other batches stay as they were */
        size_t n = strlen(sp->spec);
        snprintf(sp->spec + n, sizeof sp->spec - n, ";pooled=%s;change=%s", sp->pooled,
                 sp->change ? sp->change : "");
    }
}

cJSON *batch_spec_json(const batch_spec *sp)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    if (sp->mode == BATCH_FIT) {
        cJSON_AddStringToObject(o, "command", "fit");
        cJSON_AddStringToObject(o, "model", sp->model ? sp->model : "");
    } else {
        cJSON_AddStringToObject(o, "command", "search");
        cJSON_AddStringToObject(o, "method", dfg_search_method_name(sp->so.method));
        cJSON_AddStringToObject(o, "criterion", dfg_criterion_name(sp->so.criterion));
        cJSON_AddNumberToObject(o, "max_order", sp->so.max_order);
        num(o, "threshold", sp->so.threshold);
    }
    cJSON_AddStringToObject(o, "lists", sp->csv.lists ? sp->csv.lists : "");
    cJSON_AddStringToObject(o, "count", sp->csv.count ? sp->csv.count : "count");
    num(o, "level", sp->est.level);
    num(o, "tol", sp->est.glm.tol);
    cJSON_AddNumberToObject(o, "max_iter", sp->est.glm.max_iter);
    cJSON_AddNumberToObject(o, "max_halve", sp->est.glm.max_halve);
    if (sp->B > 0) {
        cJSON *b = cJSON_AddObjectToObject(o, "bootstrap");
        if (b) {
            cJSON_AddNumberToObject(b, "B", (double)sp->B);
            cJSON_AddStringToObject(b, "type", boot_type_name(sp->bo.type));
            cJSON_AddStringToObject(b, "interval", dfg_ci_type_name(sp->bo.interval));
            cJSON_AddNumberToObject(b, "seed", (double)sp->bo.seed);
        }
    } else {
        cJSON_AddNullToObject(o, "bootstrap");
    }
    if (sp->split)
        cJSON_AddStringToObject(o, "split", sp->split);
    else
        cJSON_AddNullToObject(o, "split");
    if (sp->pooled) {
        cJSON_AddStringToObject(o, "pooled", sp->pooled);
        if (sp->trend)
            cJSON_AddStringToObject(o, "trend", sp->trend);
        if (sp->change)
            cJSON_AddStringToObject(o, "change", sp->change);
    }
    return o;
}

void batch_task_key(const batch_spec *sp, batch_task *tk)
{
    size_t n = strlen(sp->spec) + strlen(tk->label) + strlen(tk->stratum) +
               (tk->split_value ? strlen(tk->split_value) : 0) + 256;
    char *s = malloc(n);
    if (!s) {
        memset(tk->key, '0', 64);
        tk->key[64] = '\0';
        return;
    }
    int len = snprintf(s, n, "darkfig %s\n%s\ninput=%s\nlabel=%s\nyear=%d\nstratum=%s\nsplit=%s\n",
                       DFG_VERSION, sp->spec, tk->sha, tk->label, tk->year, tk->stratum,
                       tk->split_value ? tk->split_value : "");
    dfg_sha256_buffer(s, (size_t)len, tk->key);
    free(s);
}

/* The first members of a task's "bootstrap" object: what was run and its interval. */
static void boot_head_json(cJSON *b, size_t B, dfg_boot_type type, uint64_t seed,
                           const char *interval, double level, const dfg_interval *ci,
                           double perc_lo, double perc_hi)
{
    cJSON_AddNumberToObject(b, "B", (double)B);
    cJSON_AddStringToObject(b, "type", boot_type_name(type));
    cJSON_AddNumberToObject(b, "seed", (double)seed);
    cJSON_AddStringToObject(b, "interval", interval);
    num(b, "level", level);
    num(b, "lower", ci->lower);
    num(b, "upper", ci->upper);
    num(b, "percentile_lower", perc_lo);
    num(b, "percentile_upper", perc_hi);
}

static void boot_result_json(cJSON *root, const dfg_boot_result *r, double level)
{
    cJSON *b = cJSON_AddObjectToObject(root, "bootstrap");
    if (!b)
        return;
    boot_head_json(b, r->B, r->type, r->seed, dfg_ci_type_name(r->ci.type), level, &r->ci,
                   r->percentile.lower, r->percentile.upper);
    static const char *const keys[] = {"z0", "acceleration", "mean",         "median",
                                       "se", "n_ok",         "share_failed", "share_boundary"};
    const double v[] = {r->z0, r->accel,        r->mean,         r->median,
                        r->se, (double)r->n_ok, r->share_failed, r->share_boundary};
    jnums(b, keys, v, sizeof v / sizeof v[0]);
    cJSON *ms = cJSON_AddArrayToObject(b, "models");
    for (size_t i = 0; ms && i < r->n_models; i++) {
        cJSON *m = cJSON_CreateObject();
        if (!m)
            break;
        cJSON_AddStringToObject(m, "model", r->models[i]);
        cJSON_AddNumberToObject(m, "count", (double)r->model_count[i]);
        cJSON_AddItemToArray(ms, m);
    }
}

static void interval_json(cJSON *arr, const char *type, double level, double lo, double hi,
                          const char *source)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return;
    cJSON_AddStringToObject(o, "type", type);
    num(o, "level", level);
    num(o, "lower", lo);
    num(o, "upper", hi);
    cJSON_AddStringToObject(o, "source", source);
    cJSON_AddItemToArray(arr, o);
}

/* What a task hands to the summary. */
typedef struct {
    dfg_status rc;
    char message[512];
    double registered, nhat, se, lower, upper;
    dfg_interval ci; /* the interval reported, with its flags (for dfg_value_judge) */
    const char *interval;
    char model[512];
} outcome;

static void set_failure(outcome *oc, dfg_status rc, const dfg_error *err)
{
    oc->rc = rc;
    if (err && err->msg[0])
        snprintf(oc->message, sizeof oc->message, "%s%s%s", err->where, err->where[0] ? ": " : "",
                 err->msg);
    else
        snprintf(oc->message, sizeof oc->message, "%s", dfg_strerror(rc));
}

static void add_note(outcome *oc, const char *note)
{
    size_t n = strlen(oc->message);
    snprintf(oc->message + n, sizeof oc->message - n, "%s%s", n ? "; " : "", note);
}

/* The bootstrap as the single commands run it (cli/boot.c): replicates compute point
 * estimates only, stream (seed, b). */
/* The note a task gets when the profile interval does not exist. */
static void add_profile_note(outcome *oc, const dfg_error *perr)
{
    char note[400];
    snprintf(note, sizeof note, "profile interval: %s", perr->msg);
    add_note(oc, note);
}

/* The summary's estimate: the fit's status, registered count, N and its se. */
static void set_estimate(outcome *oc, dfg_status status, double registered, double nhat, double se)
{
    oc->rc = status;
    oc->registered = registered;
    oc->nhat = nhat;
    oc->se = se;
}

/* The summary's interval: the bootstrap one already in oc->ci when has_boot, else the
 * profile interval where it exists, else the lognormal one; then its bounds. */
static void settle_interval(outcome *oc, int has_boot, dfg_status prof_rc, const dfg_interval *prof,
                            const dfg_interval *logn)
{
    if (!has_boot) {
        if (prof_rc == DFG_OK) {
            oc->interval = "profile";
            oc->ci = *prof;
        } else {
            oc->interval = "lognormal";
            oc->ci = *logn;
        }
    }
    oc->lower = oc->ci.lower;
    oc->upper = oc->ci.upper_beyond ? DNAN : oc->ci.upper;
}

static void fit_head_json(cJSON *res, const char *model, dfg_check_status check, dfg_status status,
                          int iter)
{
    cJSON_AddStringToObject(res, "model", model);
    cJSON_AddStringToObject(res, "check", dfg_check_name(check));
    cJSON_AddStringToObject(res, "fit_status", status_text(status));
    cJSON_AddNumberToObject(res, "iterations", iter);
}

/* The profile (when it exists) and lognormal intervals of a fit. */
static void intervals_json(cJSON *res, double level, dfg_status prof_rc, const dfg_interval *prof,
                           const dfg_interval *logn)
{
    cJSON *iv = cJSON_AddArrayToObject(res, "intervals");
    if (iv) {
        int ok = prof_rc == DFG_OK;
        interval_json(iv, "profile", level, ok ? prof->lower : DNAN,
                      ok && !prof->upper_beyond ? prof->upper : DNAN, "Cormack 1992");
        interval_json(iv, "lognormal", level, logn->lower, logn->upper, "Chao 1987");
    }
}

static void fit_stats_json(cJSON *res, double deviance, double df, double aic, double bic,
                           double aicc)
{
    num(res, "deviance", deviance);
    num(res, "df", df);
    num(res, "AIC", aic);
    num(res, "BIC", bic);
    num(res, "AICc", aicc);
}

static dfg_status run_bootstrap(const batch_spec *sp, const dfg_estimator *est, const dfg_table *t,
                                const dfg_est_opts *eo_in, const double *fitted,
                                dfg_boot_result *res, dfg_error *err)
{
    dfg_est_opts eo = *eo_in;
    eo.want_ci = 0;
    dfg_boot_opts bo = sp->bo;
    bo.B = sp->B;
    bo.level = sp->est.level;
    bo.fitted = fitted;
    bo.progress = NULL;
    bo.cancel = NULL;
#ifdef DFG_MPI
    if (sp->spread) /* every rank computes this task, each a range of the replicates */
        return batch_mpi_boot(sp->spread, est, t, &eo, &bo, res, err);
#endif
    return dfg_boot_run(est, t, 0, &eo, &bo, res, err);
}

/* darkfig fit on the task's table (fit_compute, cli/cmd_fit.c). */
static void run_fit(const batch_spec *sp, const dfg_table *t, cJSON *res, outcome *oc)
{
    dfg_error err = {0};
    dfg_model m = {0, 0, NULL};
    fit_result r;
    memset(&r, 0, sizeof r);
    dfg_status rc = dfg_model_parse(sp->model ? sp->model : "", t, &m, &err);
    if (rc != DFG_OK) {
        set_failure(oc, rc, &err);
        goto done;
    }
    rc = fit_compute(t, &m, &sp->est.glm, sp->est.level, &r, &err);
    snprintf(oc->model, sizeof oc->model, "%s", r.model);
    if (rc != DFG_OK) {
        set_failure(oc, rc, &err);
        goto done;
    }
    const dfg_fit *fit = &r.fit;
    if (fit->n_boundary == 0 && r.prof_rc != DFG_OK)
        add_profile_note(oc, &r.prof_err);
    if (sp->B > 0) {
        rc = run_bootstrap(sp, dfg_estimator_find("loglin"), t, &sp->est, fit->fitted, &r.boot,
                           &err);
        if (rc != DFG_OK) {
            set_failure(oc, rc, &err);
            goto done;
        }
        r.has_boot = 1;
    }
    set_estimate(oc, fit->status, fit->n_obs, fit->nhat, fit->se_nhat);
    if (r.check == DFG_CHECK_BOUNDARY)
        add_note(oc, "MLE exists with the terms of lists that never overlap fixed at -inf");
    if (r.has_boot) {
        oc->interval = dfg_ci_type_name(r.boot.ci.type);
        oc->ci = r.boot.ci;
    }
    settle_interval(oc, r.has_boot, r.prof_rc, &r.prof, &r.logn);
    fit_head_json(res, oc->model, r.check, fit->status, fit->iter);
    num(res, "n", fit->n_obs);
    num(res, "N", fit->nhat);
    num(res, "se", fit->se_nhat);
    num(res, "se_glm", r.se_glm);
    num(res, "dark_figure", fit->m0);
    intervals_json(res, sp->est.level, r.prof_rc, &r.prof, &r.logn);
    if (r.has_boot)
        boot_result_json(res, &r.boot, sp->est.level);
    fit_stats_json(res, fit->deviance, fit->df, fit->aic, fit->bic, fit->aicc);
    cJSON *co = cJSON_AddArrayToObject(res, "coefficients");
    for (size_t j = 0; co && j < fit->p; j++) {
        char name[256];
        term_name(t, fit->terms[j], name, sizeof name);
        cJSON *c = cJSON_CreateObject();
        if (!c)
            break;
        cJSON_AddStringToObject(c, "term", name);
        num(c, "estimate", fit->beta[j]);
        num(c, "se", fit->se[j]);
        cJSON_AddItemToArray(co, c);
    }
    cJSON *bt = cJSON_AddArrayToObject(res, "boundary_terms");
    for (size_t j = 0; bt && j < fit->n_boundary; j++) {
        char name[256];
        term_name(t, fit->boundary[j], name, sizeof name);
        cJSON_AddItemToArray(bt, cJSON_CreateString(name));
    }
done:
    if (r.has_boot)
        dfg_boot_result_free(&r.boot);
    dfg_fit_free(&r.fit);
    dfg_model_free(&m);
}

/* --pooled: the label of the snapshot of year y (its line in parts), else y itself. */
static void part_label(const char *parts, const char *y, char *buf, size_t size)
{
    snprintf(buf, size, "%s", y);
    for (const char *p = parts; p && *p;) {
        const char *tab = strchr(p, '\t'), *nl = strchr(p, '\n');
        if (!nl)
            nl = p + strlen(p);
        if (tab && tab < nl) {
            const char *y2 = tab + 1, *t2 = strchr(y2, '\t');
            if (t2 && t2 < nl && (size_t)(t2 - y2) == strlen(y) && strncmp(y2, y, strlen(y)) == 0) {
                snprintf(buf, size, "%.*s", (int)(tab - p), p);
                return;
            }
        }
        p = *nl ? nl + 1 : nl;
    }
}

/* A line of the summary after the task's own: a row of "summary_rows". */
static void sub_row_json(cJSON *rows, const char *label, int year, const char *stratum, double n,
                         double nhat, double se, const dfg_interval *ci, const char *interval,
                         double level, const char *model)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return;
    char why[160] = "";
    dfg_value_status v = dfg_value_judge(n, nhat, se, ci, 0, why, sizeof why);
    int ok = v == DFG_VALUE_OK;
    batch_id_json(o, label, year, stratum);
    num(o, "registered", n);
    num(o, "N", ok ? nhat : DNAN);
    num(o, "dark_figure", ok ? nhat - n : DNAN);
    num(o, "N_over_n", ok ? nhat / n : DNAN);
    cJSON_AddStringToObject(o, "interval", interval);
    num(o, "level", level);
    num(o, "lower", ok ? ci->lower : DNAN);
    num(o, "upper", ok && !ci->upper_beyond ? ci->upper : DNAN);
    cJSON_AddStringToObject(o, "model", model);
    cJSON_AddStringToObject(o, "status", ok ? "ok" : dfg_value_name(v));
    cJSON_AddNumberToObject(o, "exit_code", ok ? 0 : EXIT_NUMERIC);
    char msg[200];
    snprintf(msg, sizeof msg, "%s%s", ok ? "" : "not an estimate: ", ok ? "" : why);
    cJSON_AddStringToObject(o, "message", msg);
    cJSON_AddItemToArray(rows, o);
}

/* A line for the change between two years: N is the difference (or the ratio), the
 * interval the bootstrap's, else the delta method's (delta[0..1], named dname: "wald" for
 * the difference, "log-wald" for the ratio; dfg_cfit_change); registered and the dark
 * figure do not apply. */
static void change_row_json(cJSON *rows, const char *label, const char *stratum, double point,
                            const dfg_cboot_row *b, int bca, const double *delta, const char *dname,
                            double level, const char *model)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return;
    batch_id_json(o, label, -1, stratum);
    num(o, "registered", DNAN);
    num(o, "N", point);
    num(o, "dark_figure", DNAN);
    num(o, "N_over_n", DNAN);
    cJSON_AddStringToObject(o, "interval", b ? (bca ? "bca" : "percentile") : dname);
    num(o, "level", level);
    num(o, "lower", b ? (bca ? b->bca_lo : b->perc_lo) : delta[0]);
    num(o, "upper", b ? (bca ? b->bca_hi : b->perc_hi) : delta[1]);
    cJSON_AddStringToObject(o, "model", model);
    cJSON_AddStringToObject(o, "status", isfinite(point) ? "ok" : "not an estimate");
    cJSON_AddNumberToObject(o, "exit_code", isfinite(point) ? 0 : EXIT_NUMERIC);
    cJSON_AddStringToObject(o, "message", "");
    cJSON_AddItemToArray(rows, o);
}

#ifdef DFG_MPI
/* The covariate bootstrap spread over the ranks (cov_fit_request.cboot). */
static dfg_status spread_cboot(void *ctx, const dfg_ctable *ct, const dfg_cmodel *m,
                               const dfg_cfit *fit, const size_t *by, size_t n_by,
                               const dfg_cboot_opts *bo, dfg_cboot_result *res, dfg_error *err)
{
    return batch_mpi_cboot(ctx, ct, m, fit, by, n_by, bo, res, err);
}
#endif

/* darkfig fit on a table with covariate columns (cov_fit_compute, cli/covariates.c, as
 * fit_cov computes it without --by and --stratify), so that a task's digits are those of
 * darkfig fit on its file. The summary gets the pooled total. */
static void run_fit_cov(const batch_spec *sp, const batch_task *tk, const dfg_table *t, cJSON *res,
                        cJSON *rows, outcome *oc)
{
    dfg_error err = {0};
    dfg_ctable *ct = NULL;
    cov_fit r;
    memset(&r, 0, sizeof r);
    for (size_t s = 0; s < dfg_table_n_strata(t); s++)
        for (size_t v = 0; v < dfg_table_n_cov(t); v++) {
            const char *x = dfg_table_stratum_value(t, s, v);
            if (!x || x[0] == '\0' || strcmp(x, "NA") == 0) {
                oc->rc = DFG_EDATA;
                snprintf(oc->message, sizeof oc->message,
                         "covariate %s has a missing value: darkfig fit fits such a file by "
                         "the EM, which batch does not run",
                         dfg_table_cov_name(t, v));
                return;
            }
        }
    size_t ycov = (size_t)-1;
    dfg_status rc = dfg_ctable_new(t, (size_t)100000 << dfg_table_k(t), &ct, &err);
    if (rc == DFG_OK && rows) { /* --pooled: the year covariate, the trend (as fit --trend) */
        ycov = cov_named(ct, sp->pooled, strlen(sp->pooled));
        size_t tc = sp->trend_deg ? cov_named(ct, sp->trend_cov, strlen(sp->trend_cov)) : 0;
        if (ycov == (size_t)-1 || tc == (size_t)-1) {
            rc = err.code = DFG_EDATA;
            snprintf(err.msg, sizeof err.msg, "no covariate %s in the pooled table",
                     ycov == (size_t)-1 ? sp->pooled : sp->trend_cov);
        } else if (sp->trend_deg)
            rc = dfg_ctable_set_trend(ct, tc, sp->trend_deg, &err);
    }
    if (rc != DFG_OK) {
        set_failure(oc, rc, &err);
        goto done;
    }
    /* darkfig fit's computation; --pooled: the totals per year, as fit --by year (profile
     * intervals included) and --change year=A:B */
    char change[300];
    if (rows && sp->change)
        snprintf(change, sizeof change, "%s=%s", sp->pooled, sp->change);
    cov_fit_request q = {.model = sp->model,
                         .glm = &sp->est.glm,
                         .level = sp->est.level,
                         .levels = rows != NULL,
                         .by = rows ? &ycov : NULL,
                         .n_by = rows ? 1 : 0,
                         .level_profile = 1,
                         .change = rows && sp->change ? change : NULL};
    dfg_cboot_opts bo = dfg_cboot_opts_default();
    if (sp->B > 0) {
        bo.B = sp->B;
        bo.type = sp->bo.type;
        bo.level = sp->est.level;
        bo.seed = sp->bo.seed;
        bo.threads = sp->bo.threads;
        bo.bca = sp->bo.interval == DFG_CI_BCA;
        bo.glm = sp->est.glm;
        q.boot = &bo;
    }
#ifdef DFG_MPI
    if (sp->spread) {
        q.cboot = spread_cboot;
        q.cboot_ctx = sp->spread;
    }
#endif
    rc = cov_fit_compute(ct, &q, &r, &err);
    if (r.stage != COV_AT_PARSE)
        dfg_cmodel_format(&r.m, ct, oc->model, sizeof oc->model);
    if (r.stage == COV_AT_CHANGE) {
        err.code = DFG_EDATA;
        snprintf(err.msg, sizeof err.msg, "--change %s: a year is not there", sp->change);
        set_failure(oc, DFG_EDATA, &err);
        goto done;
    }
    if (rc != DFG_OK) {
        set_failure(oc, rc, &err);
        goto done;
    }
    if (r.prof_rc != DFG_OK)
        add_profile_note(oc, &r.prof_err);
    if (r.lev_rc != DFG_OK) {
        char note[400];
        snprintf(note, sizeof note, "level profile interval: %s", r.lev_err.msg);
        add_note(oc, note);
    }
    const dfg_cfit *fit = &r.fit;
    int has_boot = r.has_boot;
    set_estimate(oc, fit->status, fit->n_obs, fit->nhat, fit->se_nhat);
    if (fit->note[0])
        add_note(oc, fit->note);
    if (has_boot) {
        oc->ci = cboot_interval(&r.boot.rows[0], bo.bca, sp->est.level);
        oc->interval = dfg_ci_type_name(oc->ci.type);
    }
    settle_interval(oc, has_boot, r.prof_rc, &r.prof, &r.logn);
    fit_head_json(res, oc->model, fit->check, fit->status, fit->iter);
    cJSON_AddNumberToObject(res, "cells", (double)dfg_ctable_n_cells(ct));
    cJSON_AddNumberToObject(res, "strata", (double)dfg_ctable_n_strata(ct));
    num(res, "n", fit->n_obs);
    num(res, "N", fit->nhat);
    num(res, "se", fit->se_nhat);
    num(res, "dark_figure", fit->nhat - fit->n_obs);
    intervals_json(res, sp->est.level, r.prof_rc, &r.prof, &r.logn);
    if (has_boot) {
        cJSON *b = cJSON_AddObjectToObject(res, "bootstrap");
        if (b) {
            const dfg_cboot_row *x = &r.boot.rows[0];
            boot_head_json(b, r.boot.B, r.boot.type, r.boot.seed, oc->interval, sp->est.level,
                           &oc->ci, x->perc_lo, x->perc_hi);
            num(b, "bca_lower", x->bca_lo);
            num(b, "bca_upper", x->bca_hi);
            num(b, "se", x->se);
            cJSON_AddNumberToObject(b, "n_ok", (double)x->n_ok);
            cJSON_AddNumberToObject(b, "failed", (double)r.boot.n_failed);
        }
    }
    fit_stats_json(res, fit->deviance, fit->df, fit->aic, fit->bic, fit->aicc);
    cJSON_AddNumberToObject(res, "parameters", (double)dfg_cmodel_n_params(&r.m, ct));
    if (rows && sp->trend_deg) {
        cJSON *tr = cJSON_AddObjectToObject(res, "trend");
        if (tr) {
            cJSON_AddStringToObject(tr, "covariate", sp->trend_cov);
            cJSON_AddNumberToObject(tr, "degree", (double)sp->trend_deg);
        }
    }
    for (size_t i = 0; rows && i < r.n_lev; i++) {
        /* a line per year: n, N, its interval (the bootstrap's, else the profile, else
         * the log-normal), judged as the total is */
        const dfg_level_total *l = &r.lev[i];
        const char *y = strchr(l->label, '=') ? strchr(l->label, '=') + 1 : l->label;
        char label[256];
        part_label(tk->parts, y, label, sizeof label);
        dfg_interval ci = l->profile.type == DFG_CI_PROFILE && isfinite(l->profile.lower)
                              ? l->profile
                              : l->lognormal;
        const char *iname = ci.type == DFG_CI_PROFILE ? "profile" : "lognormal";
        if (has_boot) {
            ci = cboot_interval(&r.boot.rows[i + 1], bo.bca, sp->est.level);
            iname = dfg_ci_type_name(ci.type);
        }
        sub_row_json(rows, label, atoi(y), "", l->n_obs, l->nhat, l->se, &ci, iname, sp->est.level,
                     oc->model);
    }
    if (rows && r.has_change) {
        const dfg_level_total *a = &r.lev[r.ch_from], *b = &r.lev[r.ch_to];
        char st[400];
        int bca = sp->bo.interval == DFG_CI_BCA;
        /* the interval without a bootstrap: the delta method's, where it exists */
        int dl = r.ch_rc == DFG_OK;
        double dd[2] = {dl ? r.delta.diff_lower : DNAN, dl ? r.delta.diff_upper : DNAN};
        double dr[2] = {dl ? r.delta.ratio_lower : DNAN, dl ? r.delta.ratio_upper : DNAN};
        snprintf(st, sizeof st, "%.190s - %.190s", b->label, a->label);
        change_row_json(rows, "change", st, b->nhat - a->nhat, has_boot ? &r.boot.change[0] : NULL,
                        bca, dd, "wald", sp->est.level, oc->model);
        snprintf(st, sizeof st, "%.190s / %.190s", b->label, a->label);
        change_row_json(rows, "ratio", st, b->nhat / a->nhat, has_boot ? &r.boot.change[1] : NULL,
                        bca, dr, "log-wald", sp->est.level, oc->model);
    }
done:
    cov_fit_free(&r);
    dfg_ctable_free(ct);
}

static void search_row_json(cJSON *o, const dfg_table *t, const dfg_search_row *w)
{
    char name[512];
    dfg_model_format(&w->model, t, name, sizeof name);
    cJSON_AddStringToObject(o, "model", name);
    cJSON_AddStringToObject(o, "check", dfg_check_name(w->status));
    static const char *const keys[] = {"p",  "n_boundary", "loglik", "deviance",
                                       "df", "criterion",  "delta",  "weight",
                                       "N",  "se",         "lower",  "upper"};
    const double v[] = {(double)w->p, (double)w->n_boundary,
                        w->loglik,    w->deviance,
                        w->df,        w->criterion,
                        w->delta,     w->weight,
                        w->nhat,      w->se_nhat,
                        w->lower,     w->upper};
    jnums(o, keys, v, sizeof v / sizeof v[0]);
}

/* darkfig search on the task's table (dfg_search_run and search_boot_setup, as
 * cli/cmd_search.c). */
static void run_search(const batch_spec *sp, const dfg_table *t, cJSON *res, outcome *oc)
{
    dfg_error err = {0};
    dfg_search_result r;
    memset(&r, 0, sizeof r);
    dfg_fit chosen;
    memset(&chosen, 0, sizeof chosen);
    dfg_boot_result boot;
    memset(&boot, 0, sizeof boot);
    int has_boot = 0;
    dfg_search_opts so = sp->so;
    so.threads = sp->bo.threads;
    so.level = sp->est.level;
    so.glm = sp->est.glm;
    so.progress = NULL;
    dfg_status rc = dfg_search_run(t, 0, &so, &r, &err);
    if (rc != DFG_OK) {
        set_failure(oc, rc, &err);
        goto done;
    }
    if (r.n_rows == 0) {
        oc->rc = DFG_EDATA;
        snprintf(oc->message, sizeof oc->message, "no admissible model");
        goto done;
    }
    const dfg_search_row *b = &r.rows[0];
    dfg_model_format(&b->model, t, oc->model, sizeof oc->model);
    if (sp->B > 0) {
        dfg_est_opts eo;
        const dfg_estimator *est;
        rc = search_boot_setup(t, &sp->est, &so, b, &eo, &est, &chosen, &err);
        if (rc == DFG_OK)
            rc = run_bootstrap(sp, est, t, &eo, chosen.fitted, &boot, &err);
        if (rc != DFG_OK) {
            set_failure(oc, rc, &err);
            goto done;
        }
        has_boot = 1;
    }
    oc->rc = DFG_OK;
    oc->registered = r.n_obs;
    oc->nhat = b->nhat;
    oc->se = b->se_nhat;
    if (b->status == DFG_CHECK_BOUNDARY)
        add_note(oc, "chosen model has terms of lists that never overlap fixed at -inf");
    if (has_boot) {
        oc->interval = dfg_ci_type_name(boot.ci.type);
        oc->ci = boot.ci;
    } else {
        oc->interval = "lognormal";
        oc->ci.type = DFG_CI_LOGNORMAL;
        oc->ci.level = sp->est.level;
        oc->ci.lower = b->lower;
        oc->ci.upper = b->upper;
        oc->ci.point = b->nhat;
    }
    oc->lower = oc->ci.lower;
    oc->upper = oc->ci.upper;
    cJSON_AddStringToObject(res, "method", dfg_search_method_name(r.method));
    cJSON_AddStringToObject(res, "criterion", dfg_criterion_name(r.criterion));
    cJSON_AddNumberToObject(res, "max_order", r.max_order);
    num(res, "threshold", r.threshold);
    num(res, "n", r.n_obs);
    cJSON_AddNumberToObject(res, "n_models", (double)r.n_models);
    cJSON_AddNumberToObject(res, "n_admissible", (double)r.n_admissible);
    cJSON_AddNumberToObject(res, "n_steps", (double)r.n_steps);
    cJSON *ch = cJSON_AddObjectToObject(res, "chosen");
    if (ch)
        search_row_json(ch, t, b);
    for (int i = 0; i < 2; i++) {
        cJSON *rg = cJSON_AddObjectToObject(res, i == 0 ? "range_delta_2" : "range_delta_6");
        if (!rg)
            continue;
        cJSON_AddNumberToObject(rg, "models", (double)r.n_within[i]);
        num(rg, "lower", r.range_lo[i]);
        num(rg, "upper", r.range_hi[i]);
    }
    if (has_boot)
        boot_result_json(res, &boot, sp->est.level);
    cJSON *rows = cJSON_AddArrayToObject(res, "models");
    for (size_t i = 0; rows && i < r.n_rows; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o)
            break;
        search_row_json(o, t, &r.rows[i]);
        cJSON_AddItemToArray(rows, o);
    }
done:
    if (has_boot)
        dfg_boot_result_free(&boot);
    dfg_fit_free(&chosen);
    dfg_search_result_free(&r);
}

#define SEAL_KEY "\n\t\"seal\":\t\""

/* Print root, seal it: the sealed text (malloc), NULL when out of memory. The seal is
 * the SHA-256 of the text printed without it, appended as the last member. */
static char *seal(cJSON *root)
{
    char *body = cli_json_print(root); /* every number exact */
    if (!body)
        return NULL;
    size_t n = strlen(body);
    char h[65];
    dfg_sha256_buffer(body, n, h);
    /* body ends with "\n}": the seal goes before it */
    char *out = n >= 2 ? malloc(n + sizeof SEAL_KEY + 80) : NULL;
    if (out)
        sprintf(out, "%.*s," SEAL_KEY "%s\"\n}\n", (int)(n - 2), body, h);
    cJSON_free(body);
    return out;
}

/* 1 when text ends with a seal that matches the text before it. */
static int seal_ok(const char *text)
{
    size_t n = strlen(text), kl = strlen(SEAL_KEY);
    if (n < kl + 64 + 5 || strcmp(text + n - 4, "\"\n}\n") != 0)
        return 0;
    size_t at = n - 4 - 64 - kl; /* where SEAL_KEY starts */
    if (strncmp(text + at, SEAL_KEY, kl) != 0 || at < 1 || text[at - 1] != ',')
        return 0;
    char *body = malloc(at + 2);
    if (!body)
        return 0;
    memcpy(body, text, at - 1);
    memcpy(body + at - 1, "\n}", 3); /* with its NUL */
    char h[65];
    dfg_sha256_buffer(body, at + 1, h);
    free(body);
    return memcmp(h, text + at + kl, 64) == 0;
}

int batch_task_run(const batch_spec *sp, batch_task *tk)
{
    outcome oc;
    memset(&oc, 0, sizeof oc);
    oc.registered = oc.nhat = oc.se = oc.lower = oc.upper = DNAN;
    oc.interval = "";
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return EXIT_INTERNAL;
    cJSON_AddStringToObject(root, "darkfig_version", DFG_VERSION);
    cJSON_AddStringToObject(root, "command", "batch");
    cJSON *task = cJSON_AddObjectToObject(root, "task");
    if (task) {
        batch_id_json(task, tk->label, tk->year, tk->stratum);
        cJSON_AddStringToObject(task, "key", tk->key);
    }
    cJSON *in = cJSON_AddObjectToObject(root, "input");
    if (in) {
        cJSON_AddStringToObject(in, "file", tk->path);
        cJSON_AddStringToObject(in, "sha256", tk->sha);
        if (tk->split_value) {
            cJSON *s = cJSON_AddObjectToObject(in, "split");
            if (s) {
                cJSON_AddStringToObject(s, "column", sp->split);
                cJSON_AddStringToObject(s, "value", tk->split_value);
            }
        }
        cJSON *sn = tk->parts ? cJSON_AddArrayToObject(in, "snapshots") : NULL;
        for (const char *p = tk->parts; sn && p && *p;) { /* label, year, sha, path */
            const char *nl = strchr(p, '\n'), *f[4];
            size_t fl[4];
            if (!nl)
                nl = p + strlen(p);
            f[0] = p;
            for (int q = 0; q < 4; q++) {
                const char *e = q < 3 ? strchr(f[q], '\t') : nl;
                if (!e || e > nl)
                    e = nl;
                fl[q] = (size_t)(e - f[q]);
                if (q < 3)
                    f[q + 1] = e < nl ? e + 1 : nl;
            }
            cJSON *o = cJSON_CreateObject();
            char b[4][1024];
            for (int q = 0; q < 4; q++)
                snprintf(b[q], sizeof b[q], "%.*s", (int)fl[q], f[q]);
            if (o) {
                cJSON_AddStringToObject(o, "label", b[0]);
                cJSON_AddNumberToObject(o, "year", atoi(b[1]));
                cJSON_AddStringToObject(o, "sha256", b[2]);
                cJSON_AddStringToObject(o, "file", b[3]);
                cJSON_AddItemToArray(sn, o);
            }
            p = *nl ? nl + 1 : nl;
        }
        cJSON *l = cJSON_AddArrayToObject(in, "lists");
        for (size_t j = 0; l && tk->t && j < dfg_table_k(tk->t); j++)
            cJSON_AddItemToArray(l, cJSON_CreateString(dfg_table_list_name(tk->t, j)));
    }
    cJSON_AddItemToObject(root, "options", batch_spec_json(sp));
    cJSON_AddStringToObject(root, "specification", sp->spec);
    cJSON *res = cJSON_CreateObject();
    cJSON *sub = sp->pooled ? cJSON_CreateArray() : NULL; /* the lines after the total's */
    if (!tk->t)
        set_failure(&oc, tk->read_rc, &tk->read_err);
    else if (res && sp->mode == BATCH_FIT && dfg_table_n_cov(tk->t) > 0)
        run_fit_cov(sp, tk, tk->t, res, sub, &oc); /* as darkfig fit on a file with covariates */
    else if (res && sp->mode == BATCH_FIT)
        run_fit(sp, tk->t, res, &oc);
    else if (res)
        run_search(sp, tk->t, res, &oc);
    /* an estimate that is not one (darkfig.h, dfg_value_judge) is never a number in the
     * summary: its status and reason instead (the full result keeps the fit) */
    const char *status = status_text(oc.rc);
    int code = oc.rc == DFG_OK ? 0 : exit_code(oc.rc);
    if (oc.rc == DFG_OK) {
        char why[160];
        dfg_value_status v =
            dfg_value_judge(oc.registered, oc.nhat, oc.se, &oc.ci, 0, why, sizeof why);
        if (v != DFG_VALUE_OK) {
            status = dfg_value_name(v);
            code = EXIT_NUMERIC;
            snprintf(oc.message, sizeof oc.message, "not an estimate: %s", why);
            oc.nhat = oc.lower = oc.upper = DNAN;
        }
    }
    cJSON_AddStringToObject(root, "status", status);
    cJSON_AddNumberToObject(root, "exit_code", code);
    cJSON_AddStringToObject(root, "message", oc.message);
    cJSON *sm = cJSON_AddObjectToObject(root, "summary");
    if (sm) {
        num(sm, "registered", oc.registered);
        num(sm, "N", oc.nhat);
        num(sm, "dark_figure", oc.nhat - oc.registered);
        num(sm, "N_over_n", oc.nhat / oc.registered);
        cJSON_AddStringToObject(sm, "interval", oc.interval);
        num(sm, "level", sp->est.level);
        num(sm, "lower", oc.lower);
        num(sm, "upper", oc.upper);
        cJSON_AddStringToObject(sm, "model", oc.model);
    }
    if (sub)
        cJSON_AddItemToObject(root, "summary_rows", sub);
    if (res)
        cJSON_AddItemToObject(root, "result", res);
    tk->json = seal(root);
    cJSON_Delete(root);
    return tk->json ? 0 : EXIT_INTERNAL;
}

static char *dup_json_string(const cJSON *o, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    const char *s = cJSON_IsString(it) ? it->valuestring : NULL;
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

static int get_number(const cJSON *o, const char *key, double *x)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    if (cJSON_IsNull(it)) {
        *x = DNAN;
        return 1;
    }
    if (!cJSON_IsNumber(it))
        return 0;
    *x = it->valuedouble;
    return 1;
}

void batch_row_free(batch_row *row)
{
    for (size_t i = 0; i < row->n_sub; i++)
        batch_row_free(&row->sub[i]);
    cli_free_all((void *[]){row->sub, row->label, row->year, row->stratum, row->model, row->status,
                            row->message, row->interval},
                 8);
    memset(row, 0, sizeof *row);
}

/* A summary line: label, year and stratum from id, status, exit code and message from st,
 * the numbers, interval and model from sm. 0, or 1 when a field is missing (row freed). */
static int read_row(const cJSON *id, const cJSON *st, const cJSON *sm, batch_row *row)
{
    memset(row, 0, sizeof *row);
    const cJSON *yr = cJSON_GetObjectItemCaseSensitive(id, "year");
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(st, "exit_code");
    char ybuf[32] = "";
    if (cJSON_IsNumber(yr))
        snprintf(ybuf, sizeof ybuf, "%d", yr->valueint);
    size_t yn = strlen(ybuf) + 1;
    row->year = malloc(yn);
    if (row->year)
        memcpy(row->year, ybuf, yn);
    row->label = dup_json_string(id, "label");
    row->stratum = dup_json_string(id, "stratum");
    row->status = dup_json_string(st, "status");
    row->message = dup_json_string(st, "message");
    row->model = dup_json_string(sm, "model");
    row->interval = dup_json_string(sm, "interval");
    if (!row->year || !row->label || !row->stratum || !row->status || !row->message ||
        !row->model || !row->interval || !cJSON_IsNumber(code) ||
        !get_number(sm, "registered", &row->registered) || !get_number(sm, "N", &row->nhat) ||
        !get_number(sm, "dark_figure", &row->dark) || !get_number(sm, "N_over_n", &row->ratio) ||
        !get_number(sm, "lower", &row->lower) || !get_number(sm, "upper", &row->upper) ||
        !get_number(sm, "level", &row->level)) {
        batch_row_free(row);
        return 1;
    }
    row->code = code->valueint;
    return 0;
}

int batch_result_read(const char *text, const char *key, batch_row *row, char *msg, size_t size)
{
    memset(row, 0, sizeof *row);
    cJSON *root = cJSON_Parse(text);
    if (!root) {
        snprintf(msg, size, "not JSON (truncated?)");
        return 1;
    }
    int bad = 1;
    if (!seal_ok(text)) {
        snprintf(msg, size, "seal does not match the content (changed or corrupt)");
        goto done;
    }
    const cJSON *task = cJSON_GetObjectItemCaseSensitive(root, "task");
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(task, "key");
    if (!cJSON_IsString(k) || strcmp(k->valuestring, key) != 0) {
        snprintf(msg, size, "another input, specification or version");
        goto done;
    }
    const cJSON *sm = cJSON_GetObjectItemCaseSensitive(root, "summary");
    if (read_row(task, root, sm, row) != 0) {
        snprintf(msg, size, "a summary field is missing");
        goto done;
    }
    const cJSON *sub = cJSON_GetObjectItemCaseSensitive(root, "summary_rows");
    if (sub) {
        size_t n = (size_t)cJSON_GetArraySize(sub);
        if (!cJSON_IsArray(sub) || !(row->sub = calloc(n ? n : 1, sizeof *row->sub))) {
            snprintf(msg, size, "summary_rows is not an array");
            batch_row_free(row);
            goto done;
        }
        const cJSON *e;
        cJSON_ArrayForEach(e, sub)
        {
            if (read_row(e, e, e, &row->sub[row->n_sub]) != 0) {
                snprintf(msg, size, "a field of summary_rows is missing");
                batch_row_free(row);
                goto done;
            }
            row->n_sub++;
        }
    }
    bad = 0;
done:
    cJSON_Delete(root);
    return bad;
}
