/* cli/covariates.c: fit and search over lists and covariates (the non-list columns of the
 * input): per-level totals, stratified fits, the mse-style stepwise search.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ** {======================================================================
 * Reading: the table with its covariates, missing values
 * ======================================================================= */

/* The first line of file with an empty or NA field in a column that is neither a list
 * nor the count column: *line, *col (1-based); 0 when none is found. A plain split on
 * commas (quoted fields with commas are not looked into). */
static int find_missing(const char *file, const char *lists, const char *count, long *line,
                        long *col, char *name, size_t name_size)
{
    FILE *f = fopen(file, "r");
    if (!f)
        return 0;
    char buf[65536];
    char is_cov[512];
    char names[512][64];
    int ncol = 0, found = 0;
    long ln = 0;
    while (fgets(buf, sizeof buf, f)) {
        ln++;
        buf[strcspn(buf, "\r\n")] = '\0';
        char *p = buf;
        if (ln == 1 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
            (unsigned char)p[2] == 0xBF)
            p += 3;
        int c = 0;
        for (char *tok = p;; c++) {
            char *end = strchr(tok, ',');
            if (end)
                *end = '\0';
            if (ln == 1 && c < 512) {
                char nm[64];
                snprintf(nm, sizeof nm, "%.63s", tok);
                size_t L = strlen(nm);
                if (L >= 2 && nm[0] == '"' && nm[L - 1] == '"') {
                    memmove(nm, nm + 1, L - 2);
                    nm[L - 2] = '\0';
                }
                snprintf(names[c], sizeof names[c], "%s", nm);
                int is_list = 0;
                if (lists) {
                    const char *q = lists;
                    size_t nl = strlen(nm);
                    while (*q) {
                        size_t w = strcspn(q, ",");
                        if (w == nl && strncmp(q, nm, nl) == 0)
                            is_list = 1;
                        q += w + (q[w] == ',');
                    }
                }
                is_cov[c] = lists && !is_list && strcmp(nm, count ? count : "count") != 0;
                ncol = c + 1;
            } else if (ln > 1 && c < ncol && is_cov[c] &&
                       (tok[0] == '\0' || strcmp(tok, "NA") == 0 || strcmp(tok, "\"\"") == 0 ||
                        strcmp(tok, "\"NA\"") == 0)) {
                *line = ln;
                *col = c + 1;
                snprintf(name, name_size, "%s", names[c]);
                found = 1;
                break;
            }
            if (!end)
                break;
            tok = end + 1;
        }
        if (found || (ln == 1 && ncol == 0))
            break;
    }
    fclose(f);
    return found;
}

/* A copy of t without the strata that have a missing covariate value; *dropped people. */
static dfg_table *drop_missing(const dfg_table *t, double *dropped, dfg_error *err)
{
    size_t k = dfg_table_k(t), nc = dfg_table_n_cov(t);
    const char *ln[64], *cn[64];
    if (k > 64 || nc > 64) {
        err->code = DFG_EINVAL;
        snprintf(err->msg, sizeof err->msg, "--drop-missing: at most 64 lists and covariates");
        return NULL;
    }
    for (size_t j = 0; j < k; j++)
        ln[j] = dfg_table_list_name(t, j);
    for (size_t c = 0; c < nc; c++)
        cn[c] = dfg_table_cov_name(t, c);
    dfg_table *d = dfg_table_new(k, ln, nc, cn, err);
    if (!d)
        return NULL;
    *dropped = 0.0;
    for (size_t s = 0; s < dfg_table_n_strata(t); s++) {
        const char *vals[64];
        int miss = 0;
        for (size_t c = 0; c < nc; c++) {
            vals[c] = dfg_table_stratum_value(t, s, c);
            miss |= !vals[c] || vals[c][0] == '\0' || strcmp(vals[c], "NA") == 0;
        }
        if (miss) {
            *dropped += dfg_table_n_obs(t, s);
            continue;
        }
        size_t ds;
        if (dfg_table_stratum(d, vals, &ds, err) != DFG_OK) {
            dfg_table_free(d);
            return NULL;
        }
        for (size_t i = 0; i < dfg_table_n_patterns(t, s); i++) {
            uint32_t pat;
            double cnt;
            dfg_table_pattern(t, s, i, &pat, &cnt);
            if (dfg_table_add(d, ds, pat, cnt, err) != DFG_OK) {
                dfg_table_free(d);
                return NULL;
            }
        }
    }
    return d;
}

/* The covariate index of each comma-separated name in list: 0 ok, else the exit code. */
int cov_indices(const char *cmd, const dfg_ctable *ct, const char *list, size_t *idx, size_t *n)
{
    *n = 0;
    const char *q = list;
    while (*q) {
        size_t w = strcspn(q, ",");
        size_t c = 0, nc = dfg_ctable_n_cov(ct);
        while (c < nc && !(strlen(dfg_ctable_cov_name(ct, c)) == w &&
                           strncmp(dfg_ctable_cov_name(ct, c), q, w) == 0))
            c++;
        if (c == nc)
            return usage_error(cmd, "'%.*s' is not a covariate of the input", (int)w, q);
        if (*n == 8)
            return usage_error(cmd, "--by takes at most 8 covariates");
        idx[(*n)++] = c;
        q += w + (q[w] == ',');
    }
    if (*n == 0)
        return usage_error(cmd, "an empty list of covariates");
    return 0;
}

/* The covariate named name[0..len) of ct, or SIZE_MAX. */
size_t cov_named(const dfg_ctable *ct, const char *name, size_t len)
{
    for (size_t c = 0; c < dfg_ctable_n_cov(ct); c++)
        if (strlen(dfg_ctable_cov_name(ct, c)) == len &&
            strncmp(dfg_ctable_cov_name(ct, c), name, len) == 0)
            return c;
    return (size_t)-1;
}

/* The "trend" line of a text header when ct codes a covariate as a polynomial. */
static void trend_text(FILE *o, const dfg_ctable *ct)
{
    size_t tc, D = dfg_ctable_trend_degree(ct, &tc);
    if (D)
        fprintf(o,
                "trend     %s as an orthogonal polynomial of degree %zu (R's poly) in every "
                "term with it\n",
                dfg_ctable_cov_name(ct, tc), D);
}

/* --trend C=D on ct: 0, or the exit code after saying why (a usage error for a name that
 * is not a covariate or a degree out of range, an input error for values that are not
 * numbers). */
int trend_parse(const char *spec, size_t *name_len, long *degree)
{
    const char *eq = strchr(spec, '=');
    char *end = NULL;
    long d = eq ? strtol(eq + 1, &end, 10) : 0;
    if (!eq || eq == spec || end == eq + 1 || *end != '\0' || d < 1)
        return -1;
    *name_len = (size_t)(eq - spec);
    *degree = d;
    return 0;
}

int cov_trend(const char *cmd, const char *file, dfg_ctable *ct, const char *spec)
{
    size_t len;
    long d;
    if (trend_parse(spec, &len, &d) != 0)
        return usage_error(cmd,
                           "--trend takes COVARIATE=DEGREE with a degree >= 1, e.g. "
                           "year=2 (got \"%s\")",
                           spec);
    size_t cv = cov_named(ct, spec, len);
    if (cv == (size_t)-1)
        return usage_error(cmd, "--trend: '%.*s' is not a covariate of the input", (int)len, spec);
    dfg_error err = {0};
    dfg_status rc = dfg_ctable_set_trend(ct, cv, (size_t)d, &err);
    if (rc == DFG_EINVAL)
        return usage_error(cmd, "--trend: %s", err.msg);
    if (rc != DFG_OK) {
        cli_say("%s: %s", file, err.msg);
        return exit_code(rc);
    }
    return 0;
}

/* Read the input with its covariates: 0 (*tp and *ctp set), -2 when it has no covariate
 * column (the list-only path), or the exit code after saying why. Missing covariate
 * values: an error naming the line, or dropped with a note. */
static int cov_load(const char *cmd, cli_run *run, dfg_table **tp, dfg_ctable **ctp)
{
    const common_opts *c = &run->c;
    const cov_cli *cc = &c->cov;
    dfg_error err = {0};
    *ctp = NULL;
    *tp = NULL;
    dfg_status rc =
        dfg_table_read_csv_buffer(run->in.path, run->in.buf, run->in.len, &c->csv, tp, &err);
    if (rc != DFG_OK)
        return fail(&err, rc);
    if (dfg_table_n_cov(*tp) == 0) {
        if (cc->by || cc->stratify || cc->trend || cc->change)
            return usage_error(cmd, "--by, --stratify, --trend and --change need covariate "
                                    "columns (give --lists)");
        return -2; /* no covariates: the list-only path */
    }
    /* a missing value: an error naming the line, or dropped with a note */
    int missing = 0;
    for (size_t s = 0; s < dfg_table_n_strata(*tp) && !missing; s++)
        for (size_t v = 0; v < dfg_table_n_cov(*tp); v++) {
            const char *x = dfg_table_stratum_value(*tp, s, v);
            missing |= !x || x[0] == '\0' || strcmp(x, "NA") == 0;
        }
    if (missing && !cc->drop_missing) {
        long line = 0, col = 0;
        char name[64] = "";
        if (find_missing(c->file, c->csv.lists, c->csv.count, &line, &col, name, sizeof name))
            cli_say("%s:%ld:%ld: missing value of covariate %s (the EM of darkfig em handles "
                    "incomplete covariates; --drop-missing drops such rows)",
                    c->file, line, col, name);
        else
            cli_say("%s: a covariate has a missing value (the EM of darkfig em handles "
                    "incomplete covariates; --drop-missing drops such rows)",
                    c->file);
        return EXIT_INPUT;
    }
    if (missing) {
        double dropped = 0.0;
        dfg_table *d = drop_missing(*tp, &dropped, &err);
        if (!d)
            return fail(&err, err.code ? err.code : DFG_ENOMEM);
        dfg_table_free(*tp);
        *tp = d;
        cli_say("note: %s: %.0f %s with a missing covariate value dropped (--drop-missing)",
                c->file, dropped, dropped == 1.0 ? "person" : "people");
    }
    size_t k = dfg_table_k(*tp), ms = cc->max_strata ? cc->max_strata : 100000;
    if ((rc = dfg_ctable_new(*tp, ms << k, ctp, &err)) != DFG_OK) {
        if (rc == DFG_EDATA && strstr(err.msg, "limit"))
            cli_say("%s: %s (--max-strata %zu)", c->file, err.msg, ms);
        else
            cli_say("%s: %s", c->file, err.msg);
        return exit_code(rc);
    }
    int code = cc->trend ? cov_trend(cmd, c->file, *ctp, cc->trend) : 0;
    if (code) {
        dfg_ctable_free(*ctp);
        *ctp = NULL;
    }
    return code;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * fit
 * ======================================================================= */

/* Say why --change names no pair of totals (r->change_why): -1. */
static int why(cov_fit *r, const char *fmt, ...) CLI_PRINTF(2, 3);
static int why(cov_fit *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->change_why, sizeof r->change_why, fmt, ap);
    va_end(ap);
    return -1;
}

/* --change [C=]A:B: the rows of r->lev holding C=A and C=B (C: the trend's covariate,
 * else year); strict: A and B differ. 0, or -1 with r->change_why. */
static int change_rows(const dfg_ctable *ct, const char *spec, int strict, cov_fit *r)
{
    const char *eq = strchr(spec, '='), *v = eq ? eq + 1 : spec, *colon = strchr(v, ':');
    char cov[128];
    size_t tc;
    if (eq)
        snprintf(cov, sizeof cov, "%.*s", (int)(eq - spec), spec);
    else if (dfg_ctable_trend_degree(ct, &tc))
        snprintf(cov, sizeof cov, "%s", dfg_ctable_cov_name(ct, tc));
    else
        snprintf(cov, sizeof cov, "year");
    if (!colon || colon == v || colon[1] == '\0' || strchr(colon + 1, ':'))
        return why(r, "--change takes [COVARIATE=]A:B, e.g. 2019:2021 (got \"%s\")", spec);
    if ((r->ch_cov = cov_named(ct, cov, strlen(cov))) == (size_t)-1)
        return why(r, "--change: '%s' is not a covariate of the input", cov);
    size_t at[2];
    for (int e = 0; e < 2; e++) {
        char lab[300];
        if (e == 0)
            snprintf(lab, sizeof lab, "%s=%.*s", cov, (int)(colon - v), v);
        else
            snprintf(lab, sizeof lab, "%s=%s", cov, colon + 1);
        at[e] = (size_t)-1;
        for (size_t i = 0; i < r->n_lev; i++)
            if (strcmp(r->lev[i].label, lab) == 0)
                at[e] = i;
        if (at[e] == (size_t)-1)
            return why(r, "--change: no total for %s (a level of %s%s)", lab, cov,
                       dfg_ctable_n_cov(ct) > 1 ? "; with --by, name it alone" : "");
        for (size_t l = 0; l < dfg_ctable_n_levels(ct, r->ch_cov); l++)
            if (strcmp(lab + strlen(cov) + 1, dfg_ctable_level_name(ct, r->ch_cov, l)) == 0)
                r->ch_level[e] = l;
    }
    if (strict && at[0] == at[1])
        return why(r, "--change: the two levels are the same");
    r->has_change = 1;
    r->ch_from = at[0];
    r->ch_to = at[1];
    r->ch_diff = r->lev[at[1]].nhat - r->lev[at[0]].nhat;
    r->ch_ratio = r->lev[at[1]].nhat / r->lev[at[0]].nhat;
    return 0;
}

/* Is a level's total an estimate? why[160]. */
static dfg_value_status level_value(const dfg_level_total *l, char *why)
{
    int prof = l->profile.type == DFG_CI_PROFILE && isfinite(l->profile.lower);
    return dfg_value_judge(l->n_obs, l->nhat, l->se, prof ? &l->profile : &l->lognormal, 0, why,
                           160);
}

/* The name of parameter j of a fit: "(intercept)", "P", "P:age[minor]",
 * "age[minor]:sex[m]". */
static void param_name(const dfg_ctable *ct, const dfg_cmodel *m, const dfg_cfit *f, size_t j,
                       char *buf, size_t size)
{
    if (f->term_of[j] == (size_t)-1) {
        snprintf(buf, size, "(intercept)");
        return;
    }
    uint64_t t = m->terms[f->term_of[j]];
    size_t k = dfg_ctable_k(ct), used = 0, spec = f->spec[j];
    buf[0] = '\0';
    for (size_t v = 0; v < k + dfg_ctable_n_cov(ct) && used < size; v++) {
        if (!(t >> v & 1))
            continue;
        int w;
        if (v < k) {
            w = snprintf(buf + used, size - used, "%s%s", used ? ":" : "",
                         dfg_ctable_list_name(ct, v));
        } else {
            size_t c = v - k, L = dfg_ctable_n_levels(ct, c), stride = (size_t)1 << k;
            for (size_t q = 0; q < c; q++)
                stride *= dfg_ctable_n_levels(ct, q);
            size_t tc, D = dfg_ctable_trend_degree(ct, &tc);
            if (D && c == tc) /* R's name of a poly() column */
                w = snprintf(buf + used, size - used, "%spoly(%s,%zu)%zu", used ? ":" : "",
                             dfg_ctable_cov_name(ct, c), D, (spec / stride) % L);
            else
                w = snprintf(buf + used, size - used, "%s%s[%s]", used ? ":" : "",
                             dfg_ctable_cov_name(ct, c),
                             dfg_ctable_level_name(ct, c, (spec / stride) % L));
        }
        if (w < 0)
            return;
        used += (size_t)w;
    }
}

void cov_levels_text(FILE *o, const dfg_level_total *lev, size_t n_lev)
{
    fprintf(o, "  %-24s %8s %10s %10s %6s %9s  %-20s  %s\n", "level", "n", "N", "N - n", "N/n",
            "s.e.", "log-normal", "profile");
    for (size_t i = 0; i < n_lev; i++) {
        const dfg_level_total *l = &lev[i];
        char why[160];
        dfg_value_status v = level_value(l, why);
        if (v != DFG_VALUE_OK) { /* not an estimate: status and reason */
            fprintf(o, "  %-24s %8.0f %10s %10s %6s %9s  not an estimate (%s): %s\n", l->label,
                    l->n_obs, "-", "-", "-", "-", dfg_value_name(v), why);
            continue;
        }
        fprintf(o, "  %-24s %8.0f %10.1f %10.1f %6.2f %9.1f  [%.1f, %.1f]", l->label, l->n_obs,
                l->nhat, l->dark, l->ratio, l->se, l->lognormal.lower, l->lognormal.upper);
        if (l->profile.type == DFG_CI_PROFILE && isfinite(l->profile.lower)) {
            char ci[96];
            fmt_ci(ci, sizeof ci, &l->profile);
            fprintf(o, "  %s", ci);
        }
        fputc('\n', o);
    }
}

/* Is the change an estimate: both totals are (level_value); else the first that is not,
 * with why[160] naming it. */
static dfg_value_status change_value(const cov_fit *r, char *why)
{
    char w[160];
    for (int e = 0; e < 2; e++) {
        const dfg_level_total *l = &r->lev[e ? r->ch_to : r->ch_from];
        dfg_value_status v = level_value(l, w);
        if (v != DFG_VALUE_OK) {
            snprintf(why, 160, "the total of %.50s is not one: %.80s", l->label, w);
            return v;
        }
    }
    why[0] = '\0';
    return DFG_VALUE_OK;
}

/* One measure of the change: the point, the delta method's s.e. and interval, then the
 * bootstrap's s.e. and intervals (b: NULL without a bootstrap); dg decimals. */
static void change_lines(FILE *o, const char *name, int dg, double point, double se, double lo,
                         double hi, const char *how, const dfg_cboot_row *b)
{
    fprintf(o, "  %-34s %10.*f %10.*f  [%.*f, %.*f]  %s\n", name, dg, point, dg, se, dg, lo, dg, hi,
            how);
    if (!b)
        return;
    fprintf(o, "  %-34s %10s %10.*f  [%.*f, %.*f]  bootstrap percentile\n", "", "", dg, b->se, dg,
            b->perc_lo, dg, b->perc_hi);
    if (isfinite(b->bca_lo))
        fprintf(o, "  %-34s %10s %10s  [%.*f, %.*f]  bootstrap BCa\n", "", "", "", dg, b->bca_lo,
                dg, b->bca_hi);
}

/* The change between the two levels of --change: the difference and the ratio, each with
 * its delta-method s.e. and interval and, with --bootstrap, the bootstrap's; "not an
 * estimate" when a level's total is not one. */
static void change_text(FILE *o, const cov_fit *r, int pct)
{
    const dfg_level_total *a = &r->lev[r->ch_from], *b = &r->lev[r->ch_to];
    const dfg_cfit_change_result *d = &r->delta;
    fprintf(o, "\nChange from %s to %s (s.e. by the delta method with the full covariance)\n",
            a->label, b->label);
    char why[160], name[400];
    dfg_value_status v = change_value(r, why);
    if (v != DFG_VALUE_OK) {
        fprintf(o, "  not an estimate (%s): %s\n", dfg_value_name(v), why);
        return;
    }
    fprintf(o, "  %-34s %10s %10s  %d%% interval\n", "", "estimate", "s.e.", pct);
    snprintf(name, sizeof name, "N(%s) - N(%s)", b->label, a->label);
    change_lines(o, name, 1, r->ch_diff, d->se_diff, d->diff_lower, d->diff_upper,
                 "delta method, normal", r->has_boot ? &r->boot.change[0] : NULL);
    snprintf(name, sizeof name, "N(%s) / N(%s)", b->label, a->label);
    change_lines(o, name, 4, r->ch_ratio, d->se_ratio, d->ratio_lower, d->ratio_upper,
                 "delta method, normal on the log scale", r->has_boot ? &r->boot.change[1] : NULL);
    fprintf(o, "  (%.1f - %.1f; covariance of the two totals %.1f)\n", b->nhat, a->nhat,
            d->cov_from_to);
    if (!r->has_boot)
        fprintf(o, "  (--bootstrap B adds bootstrap intervals)\n");
}

static void fit_cov_text(FILE *o, const common_opts *c, const char *sha, const dfg_ctable *ct,
                         const cov_fit *r)
{
    const dfg_cfit *f = &r->fit;
    int pct = (int)lround(100.0 * c->est.level);
    size_t k = dfg_ctable_k(ct);
    text_head(o, "fit", c->file, sha);
    fprintf(o, "lists     %zu:", k);
    for (size_t j = 0; j < k; j++)
        fprintf(o, " %s", dfg_ctable_list_name(ct, j));
    fprintf(o, "\ncovariates %zu:", dfg_ctable_n_cov(ct));
    for (size_t v = 0; v < dfg_ctable_n_cov(ct); v++) {
        fprintf(o, " %s (", dfg_ctable_cov_name(ct, v));
        for (size_t l = 0; l < dfg_ctable_n_levels(ct, v); l++)
            fprintf(o, "%s%s", l ? ", " : "", dfg_ctable_level_name(ct, v, l));
        fputc(')', o);
    }
    fprintf(o, "\ntable     %zu cells: 2^%zu patterns x %zu strata (%zu with no one observed)\n",
            dfg_ctable_n_cells(ct), k, dfg_ctable_n_strata(ct), r->n_empty);
    fprintf(o, "model     %s, %zu parameters\n", r->model, dfg_cmodel_n_params(&r->m, ct));
    trend_text(o, ct);
    fprintf(o, "fit       Poisson log-linear on %zu observable cells, %d iteration%s%s\n",
            dfg_ctable_n_cells(ct) - dfg_ctable_n_strata(ct), f->iter, f->iter == 1 ? "" : "s",
            f->status == DFG_OK ? "" : " (did not converge)");
    fprintf(o, "check     %s%s%s\n\n", dfg_check_name(f->check), f->note[0] ? ": " : "", f->note);
    if (r->value != DFG_VALUE_OK) { /* not an estimate: its status and reason, no number */
        text_not_estimate(o, f->n_obs, r->value, r->reason);
    } else {
        fprintf(o, "  registered (n)          %12.0f\n", f->n_obs);
        fprintf(o, "  estimated total (N)     %12.1f   s.e. %.1f\n", f->nhat, f->se_nhat);
        fprintf(o, "  dark figure (N - n)     %12.1f\n", f->m0);
    }
    char pct_label[16];
    snprintf(pct_label, sizeof pct_label, "%d%%", pct);
    text_intervals(o, pct_label, r->value == DFG_VALUE_OK, r->prof_rc, &r->prof, &r->logn, 0, 0);
    text_fit_stats(o, f->deviance, f->df, f->aic, &f->aicc, f->bic, f->n_obs);
    fprintf(o, "\n  %-30s %12s %12s\n", "coefficient", "estimate", "s.e.");
    for (size_t j = 0; j < f->p; j++) {
        char name[256];
        param_name(ct, &r->m, f, j, name, sizeof name);
        double v = f->cov[j + j * f->p];
        fprintf(o, "  %-30s %12.5f %12.5f\n", name, f->beta[j], v >= 0.0 ? sqrt(v) : DNAN);
    }
    fprintf(o, "\nTotals per level (s.e. by the delta method with the full covariance)\n");
    cov_levels_text(o, r->lev, r->n_lev);
    if (r->has_strat) {
        const dfg_strat_result *s = &r->strat;
        fprintf(o, "\nStratified by %s: the model fitted separately in each level\n",
                dfg_ctable_cov_name(ct, s->cov));
        fprintf(o, "  %-24s %8s %10s %9s  %-20s  %s\n", "level", "n", "N", "s.e.", "log-normal",
                "pooled N (s.e.)");
        for (size_t i = 0; i < s->n_rows; i++) {
            const dfg_strat_row *x = &s->rows[i];
            const dfg_level_total *pl = NULL;
            char lab[160];
            snprintf(lab, sizeof lab, "%s=%s", dfg_ctable_cov_name(ct, s->cov), x->level);
            for (size_t q = 0; q < r->n_lev; q++)
                if (strcmp(r->lev[q].label, lab) == 0)
                    pl = &r->lev[q];
            if (isfinite(x->nhat))
                fprintf(o, "  %-24s %8.0f %10.1f %9.1f  [%.1f, %.1f]", lab, x->n_obs, x->nhat,
                        x->se, x->lognormal.lower, x->lognormal.upper);
            else
                fprintf(o, "  %-24s %8.0f %10s %9s  %-20s", lab, x->n_obs, "-", "-",
                        dfg_check_name(x->check));
            if (pl)
                fprintf(o, "  %.1f (%.1f)", pl->nhat, pl->se);
            fputc('\n', o);
        }
        if (s->all_ok)
            fprintf(o, "  %-24s %8.0f %10.1f %9.1f  [%.1f, %.1f]  %.1f (%.1f)\n", "sum", s->n_obs,
                    s->nhat, s->se, s->lognormal.lower, s->lognormal.upper, f->nhat, f->se_nhat);
        else
            fprintf(o, "  %-24s %8.0f %10s   (a level has no estimate)\n", "sum", s->n_obs, "-");
        for (size_t i = 0; i < s->n_rows; i++)
            if (s->rows[i].note[0])
                fprintf(o, "  note: %s=%s: %s\n", dfg_ctable_cov_name(ct, s->cov), s->rows[i].level,
                        s->rows[i].note);
    }
    if (r->has_change)
        change_text(o, r, pct);
    if (r->has_boot)
        cboot_text(o, &r->boot);
}

dfg_interval cboot_interval(const dfg_cboot_row *b, int bca, double level)
{
    dfg_interval ci;
    memset(&ci, 0, sizeof ci);
    ci.type = bca ? DFG_CI_BCA : DFG_CI_PERCENTILE;
    ci.level = level;
    ci.point = b->point;
    ci.lower = bca ? b->bca_lo : b->perc_lo;
    ci.upper = bca ? b->bca_hi : b->perc_hi;
    return ci;
}

void cboot_text(FILE *o, const dfg_cboot_result *b)
{
    {
        fprintf(o, "\nBootstrap: %zu %s replicates, seed %lu (%zu failed, %zu not interior)\n",
                b->B, b->type == DFG_BOOT_PARAMETRIC ? "parametric" : "nonparametric",
                (unsigned long)b->seed, b->n_failed, b->n_boundary);
        fprintf(o, "  %-24s %10s %9s  %-22s  %s\n", "", "N", "boot s.e.", "percentile", "BCa");
        for (size_t i = 0; i < b->n_rows; i++) {
            const dfg_cboot_row *x = &b->rows[i];
            fprintf(o, "  %-24s %10.1f %9.1f  [%.1f, %.1f]", x->label, x->point, x->se, x->perc_lo,
                    x->perc_hi);
            if (isfinite(x->bca_lo))
                fprintf(o, "  [%.1f, %.1f]", x->bca_lo, x->bca_hi);
            fputc('\n', o);
        }
        for (int i = 0; b->has_change && i < 2; i++) {
            const dfg_cboot_row *x = &b->change[i];
            int dg = i ? 4 : 1; /* the ratio with 4 decimals */
            fprintf(o, "  %-24s %10.*f %9.*f  [%.*f, %.*f]", x->label, dg, x->point, dg, x->se, dg,
                    x->perc_lo, dg, x->perc_hi);
            if (isfinite(x->bca_lo))
                fprintf(o, "  [%.*f, %.*f]", dg, x->bca_lo, dg, x->bca_hi);
            fputc('\n', o);
        }
    }
    if (b->n_models > 0) { /* the selection repeated: the models chosen (as boot_text) */
        size_t show = b->n_models < 5 ? b->n_models : 5;
        fprintf(o, "  models chosen (%zu distinct):", b->n_models);
        for (size_t i = 0; i < show; i++)
            fprintf(o, "%s %s %.1f%%", i ? "," : "", b->models[i],
                    100.0 * (double)b->model_count[i] / (double)b->B);
        fprintf(o, "%s\n  the chosen model in %.1f%% of the replicates\n",
                show < b->n_models ? ", ..." : "", 100.0 * (double)b->chosen_count / (double)b->B);
    }
}

void cboot_json(cJSON *root, const dfg_cboot_result *b, const common_opts *c)
{
    cJSON *o = jobj(root, "bootstrap");
    if (!o)
        return;
    const dfg_cboot_row *t = &b->rows[0];
    int bca = c->boot.interval == (int)DFG_CI_BCA;
    jnum(o, "B", (double)b->B);
    jstr(o, "type", b->type == DFG_BOOT_PARAMETRIC ? "parametric" : "nonparametric");
    jnum(o, "seed", (double)b->seed);
    jstr(o, "interval", bca ? "bca" : "percentile");
    static const char *const keys[] = {
        "level",        "lower", "upper", "percentile_lower", "percentile_upper", "bca_lower",
        "bca_upper",    "se",    "z0",    "acceleration",     "failed",           "not_interior",
        "replicates_ok"};
    const double v[] = {c->est.level,
                        bca ? t->bca_lo : t->perc_lo,
                        bca ? t->bca_hi : t->perc_hi,
                        t->perc_lo,
                        t->perc_hi,
                        t->bca_lo,
                        t->bca_hi,
                        t->se,
                        t->z0,
                        t->accel,
                        (double)b->n_failed,
                        (double)b->n_boundary,
                        (double)t->n_ok};
    jnums(o, keys, v, sizeof v / sizeof v[0]);
    if (b->n_models == 0)
        return;
    jnum(o, "models_distinct", (double)b->n_models);
    jnum(o, "chosen_share", (double)b->chosen_count / (double)b->B);
    cJSON *ms = jarr(o, "models");
    for (size_t i = 0; ms && i < b->n_models; i++) {
        cJSON *m = jrow(ms);
        jstr(m, "model", b->models[i]);
        jnum(m, "count", (double)b->model_count[i]);
    }
}

/* One total as a row of the result (CSV: one line each). */
static void total_row(cJSON *rows, const char *kind, const char *label, const char *model,
                      const char *check, double n, double nhat, double se, const dfg_interval *ln,
                      const dfg_interval *pr, const dfg_cboot_row *b)
{
    cJSON *e = jrow(rows);
    if (!e)
        return;
    /* not an estimate (dfg_value_judge): null numbers, its status and reason at the end */
    char why[160];
    int prof_ok = pr && pr->type == DFG_CI_PROFILE && isfinite(pr->lower);
    dfg_value_status v = dfg_value_judge(n, nhat, se, prof_ok ? pr : ln, 0, why, sizeof why);
    if (v != DFG_VALUE_OK) {
        nhat = se = DNAN;
        ln = pr = NULL;
        b = NULL;
    }
    jstr(e, "kind", kind);
    jstr(e, "row", label);
    jstr(e, "model", model);
    jstr(e, "check", check);
    jnum(e, "n", n);
    jnum(e, "N", nhat);
    jnum(e, "dark_figure", nhat - n);
    jnum(e, "ratio", n > 0.0 ? nhat / n : DNAN);
    jnum(e, "se", se);
    jnum(e, "lognormal_lower", ln ? ln->lower : DNAN);
    jnum(e, "lognormal_upper", ln ? ln->upper : DNAN);
    int prof = pr && pr->type == DFG_CI_PROFILE;
    jnum(e, "profile_lower", prof ? pr->lower : DNAN);
    jnum(e, "profile_upper", prof && !pr->upper_beyond ? pr->upper : DNAN);
    jnum(e, "boot_percentile_lower", b ? b->perc_lo : DNAN);
    jnum(e, "boot_percentile_upper", b ? b->perc_hi : DNAN);
    jnum(e, "boot_bca_lower", b ? b->bca_lo : DNAN);
    jnum(e, "boot_bca_upper", b ? b->bca_hi : DNAN);
    jvalue(e, v, why);
}

void cov_levels_json(cJSON *rows, const char *model, const char *check, const dfg_level_total *lev,
                     size_t n_lev, const dfg_cboot_row *boot)
{
    for (size_t i = 0; i < n_lev; i++)
        total_row(rows, "pooled", lev[i].label, model, check, lev[i].n_obs, lev[i].nhat, lev[i].se,
                  &lev[i].lognormal, &lev[i].profile, boot ? &boot[i] : NULL);
}

/* The bootstrap s.e. and limits of one change measure, as NAME_boot_se, NAME_percentile_lower
 * ... NAME_bca_upper from index first on; null without a bootstrap. */
static void change_limits_json(cJSON *ch, const char *name, const dfg_cboot_row *b, size_t first)
{
    static const char *const what[] = {"boot_se", "percentile_lower", "percentile_upper",
                                       "bca_lower", "bca_upper"};
    double v[5] = {DNAN, DNAN, DNAN, DNAN, DNAN};
    if (b) {
        v[0] = b->se;
        v[1] = b->perc_lo;
        v[2] = b->perc_hi;
        v[3] = b->bca_lo;
        v[4] = b->bca_hi;
    }
    char key[64];
    for (size_t i = first; i < 5; i++) {
        snprintf(key, sizeof key, "%s_%s", name, what[i]);
        jnum(ch, key, v[i]);
    }
}

static void fit_cov_json(cJSON *root, const common_opts *c, const dfg_ctable *ct, const cov_fit *r)
{
    const dfg_cfit *f = &r->fit;
    jstr(root, "model", r->model);
    jnum(root, "parameters", (double)dfg_cmodel_n_params(&r->m, ct));
    jstr(root, "status", status_name(f->status));
    jstr(root, "check", dfg_check_name(f->check));
    jstr(root, "note", f->note);
    jnum(root, "iterations", f->iter);
    jnum(root, "level", c->est.level);
    jnum(root, "cells", (double)dfg_ctable_n_cells(ct));
    jnum(root, "strata", (double)dfg_ctable_n_strata(ct));
    jnum(root, "strata_empty", (double)r->n_empty);
    jfitstats(root, f->deviance, f->df, f->aic, f->bic);
    jnum(root, "AICc", f->aicc);
    {
        size_t tc, D = dfg_ctable_trend_degree(ct, &tc);
        if (D) {
            cJSON *tr = jobj(root, "trend");
            jstr(tr, "covariate", dfg_ctable_cov_name(ct, tc));
            jnum(tr, "degree", (double)D);
        }
    }
    if (c->format == FMT_JSON) {
        cJSON *cv = jobj(root, "covariates");
        for (size_t v = 0; cv && v < dfg_ctable_n_cov(ct); v++) {
            cJSON *a = jarr(cv, dfg_ctable_cov_name(ct, v));
            for (size_t l = 0; a && l < dfg_ctable_n_levels(ct, v); l++)
                cJSON_AddItemToArray(a, cJSON_CreateString(dfg_ctable_level_name(ct, v, l)));
        }
        cJSON *co = jarr(root, "coefficients");
        for (size_t j = 0; co && j < f->p; j++) {
            char name[256];
            param_name(ct, &r->m, f, j, name, sizeof name);
            double v = f->cov[j + j * f->p];
            cJSON *e = jrow(co);
            jstr(e, "term", name);
            jnum(e, "estimate", f->beta[j]);
            jnum(e, "se", v >= 0.0 ? sqrt(v) : DNAN);
        }
    }
    cJSON *rows = jarr(root, "totals");
    const char *chk = dfg_check_name(f->check);
    total_row(rows, "pooled", "total", r->model, chk, f->n_obs, f->nhat, f->se_nhat, &r->logn,
              r->prof_rc == DFG_OK ? &r->prof : NULL, r->has_boot ? &r->boot.rows[0] : NULL);
    cov_levels_json(rows, r->model, chk, r->lev, r->n_lev, r->has_boot ? r->boot.rows + 1 : NULL);
    if (r->has_strat) {
        for (size_t i = 0; i < r->strat.n_rows; i++) {
            const dfg_strat_row *x = &r->strat.rows[i];
            char lab[160];
            snprintf(lab, sizeof lab, "%s=%s", dfg_ctable_cov_name(ct, r->strat.cov), x->level);
            total_row(rows, "stratified", lab, x->model, dfg_check_name(x->check), x->n_obs,
                      x->nhat, x->se, &x->lognormal, NULL, NULL);
        }
        total_row(rows, "stratified", "sum", r->model, r->strat.all_ok ? "fine" : "incomplete",
                  r->strat.n_obs, r->strat.nhat, r->strat.se, &r->strat.lognormal, NULL, NULL);
    }
    if (r->has_change) {
        cJSON *ch = jobj(root, "change");
        const dfg_level_total *a = &r->lev[r->ch_from], *b = &r->lev[r->ch_to];
        const dfg_cboot_row *bd = r->has_boot ? &r->boot.change[0] : NULL;
        const dfg_cboot_row *br = r->has_boot ? &r->boot.change[1] : NULL;
        jstr(ch, "from", a->label);
        jstr(ch, "to", b->label);
        const dfg_cfit_change_result *d = &r->delta;
        static const char *const keys[] = {"N_from",
                                           "N_to",
                                           "difference",
                                           "ratio",
                                           "N_from_se",
                                           "N_to_se",
                                           "covariance",
                                           "difference_se",
                                           "difference_wald_lower",
                                           "difference_wald_upper",
                                           "ratio_se",
                                           "log_ratio_se",
                                           "ratio_log_wald_lower",
                                           "ratio_log_wald_upper"};
        const double v[] = {a->nhat,        b->nhat,       r->ch_diff,     r->ch_ratio,
                            d->se_from,     d->se_to,      d->cov_from_to, d->se_diff,
                            d->diff_lower,  d->diff_upper, d->se_ratio,    d->se_log_ratio,
                            d->ratio_lower, d->ratio_upper};
        /* not an estimate (a total is not one): null numbers, its status and reason */
        char why[160];
        dfg_value_status cv = change_value(r, why);
        jnums(ch, keys, v, cv == DFG_VALUE_OK ? sizeof v / sizeof v[0] : 2);
        for (size_t i = 2; cv != DFG_VALUE_OK && i < sizeof v / sizeof v[0]; i++)
            jnum(ch, keys[i], DNAN);
        change_limits_json(ch, "difference", cv == DFG_VALUE_OK ? bd : NULL, 0);
        change_limits_json(ch, "ratio", cv == DFG_VALUE_OK ? br : NULL,
                           1); /* no s.e. of the ratio */
        jvalue(ch, cv, why);
    }
    if (r->has_boot)
        cboot_json(root, &r->boot, c);
}

dfg_cboot_opts cboot_opts(common_opts *c)
{
    if (!c->seed_given) /* as the other commands: a seed from the clock, printed */
        c->boot.seed = (uint32_t)time(NULL);
    dfg_cboot_opts bo = dfg_cboot_opts_default();
    bo.B = c->boot.B;
    bo.type = (dfg_boot_type)c->boot.type;
    bo.level = c->est.level;
    bo.seed = c->boot.seed;
    bo.threads = c->boot.threads;
    bo.bca = c->boot.interval == (int)DFG_CI_BCA;
    bo.glm = c->est.glm;
    return bo;
}

dfg_status cov_fit_compute(const dfg_ctable *ct, const cov_fit_request *q, cov_fit *r,
                           dfg_error *err)
{
    memset(r, 0, sizeof *r);
    for (size_t s = 0; s < dfg_ctable_n_strata(ct); s++)
        r->n_empty += dfg_ctable_stratum_n_obs(ct, s) == 0.0;
    r->stage = COV_AT_PARSE;
    dfg_status rc = dfg_cmodel_parse(q->model ? q->model : "", ct, &r->m, err);
    if (rc != DFG_OK)
        return rc;
    r->stage = COV_AT_FIT;
    dfg_cmodel_format(&r->m, ct, r->model, sizeof r->model);
    if ((rc = dfg_cfit_checked(ct, &r->m, q->glm, &r->fit, err)) != DFG_OK)
        return rc;
    rc = dfg_interval_lognormal(r->fit.n_obs, r->fit.nhat, r->fit.se_nhat, q->level, &r->logn, err);
    if (rc != DFG_OK)
        return rc;
    r->prof_rc =
        dfg_cfit_profile_group(ct, &r->m, &r->fit, NULL, q->glm, q->level, &r->prof, &r->prof_err);
    if (q->levels) {
        r->lev_rc =
            dfg_cfit_level_totals(ct, &r->m, &r->fit, q->by, q->n_by, q->level, q->level_profile,
                                  q->glm, &r->lev, &r->n_lev, &r->lev_err);
        if (r->lev_rc == DFG_ENOMEM || r->lev_rc == DFG_EINVAL) {
            *err = r->lev_err;
            return r->lev_rc;
        }
        if (q->change && change_rows(ct, q->change, q->change_strict, r) != 0) {
            r->stage = COV_AT_CHANGE;
            return DFG_EINVAL;
        }
    }
    if (r->has_change) {
        dfg_error ce = {0};
        r->ch_rc = dfg_cfit_change(ct, &r->fit, r->ch_cov, r->ch_level[0], r->ch_level[1], q->level,
                                   &r->delta, &ce);
        if (r->ch_rc != DFG_OK && q->change_strict) {
            *err = ce;
            return r->ch_rc;
        }
    }
    if (q->stratify) {
        if ((rc = dfg_cfit_stratified(ct, &r->m, q->strat_cov, q->glm, q->level, &r->strat, err)) !=
            DFG_OK)
            return rc;
        r->has_strat = 1;
    }
    if (q->boot) {
        dfg_cboot_opts bo = *q->boot;
        if (r->has_change) {
            bo.change_from = r->ch_from + 1;
            bo.change_to = r->ch_to + 1;
        }
        rc = q->cboot
                 ? q->cboot(q->cboot_ctx, ct, &r->m, &r->fit, q->by, q->n_by, &bo, &r->boot, err)
                 : dfg_cboot_run(ct, &r->m, &r->fit, q->by, q->n_by, &bo, &r->boot, err);
        if (rc != DFG_OK)
            return rc;
        r->has_boot = 1;
    }
    /* the interval judged: the bootstrap's (BCa or percentile, as asked), else the profile,
     * else the log-normal; as darkfig batch judges the same fit */
    dfg_interval judged = r->has_boot ? cboot_interval(&r->boot.rows[0], q->boot->bca, q->level)
                          : r->prof_rc == DFG_OK ? r->prof
                                                 : r->logn;
    r->value = dfg_value_judge(r->fit.n_obs, r->fit.nhat, r->fit.se_nhat, &judged, 0, r->reason,
                               sizeof r->reason);
    r->stage = 0;
    return DFG_OK;
}

void cov_fit_free(cov_fit *r)
{
    if (r->has_boot)
        dfg_cboot_result_free(&r->boot);
    if (r->has_strat)
        dfg_strat_result_free(&r->strat);
    dfg_free_level_totals(r->lev);
    dfg_cfit_free(&r->fit);
    dfg_cmodel_free(&r->m);
    memset(r, 0, sizeof *r);
}

/* fit's bootstrap for cov_fit_compute: run_cboot (cli/boot.c: the time and memory guard,
 * progress, Ctrl-C); its exit code, when not 0, is kept in the context (already said). */
typedef struct {
    common_opts *c;
    int code;
} fit_cboot_ctx;

static dfg_status fit_cboot(void *ctx, const dfg_ctable *ct, const dfg_cmodel *m,
                            const dfg_cfit *fit, const size_t *by, size_t n_by,
                            const dfg_cboot_opts *bo, dfg_cboot_result *res, dfg_error *err)
{
    fit_cboot_ctx *x = ctx;
    dfg_cboot_opts b = *bo;
    x->code = run_cboot(x->c, ct, m, fit, by, n_by, &b, res);
    if (x->code == 0)
        return DFG_OK;
    err->code = DFG_ECANCEL;
    snprintf(err->msg, sizeof err->msg, "the bootstrap was refused or interrupted");
    return DFG_ECANCEL;
}

int fit_cov(cli_run *run)
{
    common_opts *c = &run->c;
    const cov_cli *cc = &c->cov;
    const char *sha = run->in.sha;
    dfg_table *t = NULL;
    dfg_ctable *ct = NULL;
    int code = cov_load("fit", run, &t, &ct);
    if (code != 0) {
        dfg_table_free(t);
        return code;
    }
    run->t = t; /* the run releases it (and names its lists in the provenance) */
    cov_fit r;
    memset(&r, 0, sizeof r);
    dfg_error err = {0};
    size_t by[8], n_by = 0;
    cov_fit_request q = {.model = c->est.model,
                         .glm = &c->est.glm,
                         .level = c->est.level,
                         .levels = 1,
                         .by = by,
                         .level_profile = !cc->no_level_profile,
                         .change = cc->change,
                         .change_strict = 1};
    if (cc->by && (code = cov_indices("fit", ct, cc->by, by, &n_by)) != 0)
        goto done;
    q.n_by = n_by;
    if (cc->stratify) {
        size_t n1;
        if ((code = cov_indices("fit", ct, cc->stratify, &q.strat_cov, &n1)) != 0)
            goto done;
        if (n1 != 1) {
            code = usage_error("fit", "--stratify takes one covariate");
            goto done;
        }
        q.stratify = 1;
    }
    fit_cboot_ctx fx = {c, 0};
    dfg_cboot_opts bo;
    if (c->boot.B > 0) {
        bo = cboot_opts(c);
        q.boot = &bo;
        q.cboot = fit_cboot; /* the guard, progress and Ctrl-C of cli/boot.c */
        q.cboot_ctx = &fx;
    }
    dfg_status rc = cov_fit_compute(ct, &q, &r, &err);
    if (rc != DFG_OK && fx.code != 0) { /* the bootstrap refused or interrupted: said */
        code = fx.code;
        goto done;
    }
    /* the soft failures first, as they came */
    if (r.prof_rc != DFG_OK)
        cli_say("warning: profile interval: %s", r.prof_err.msg);
    if (r.lev_rc != DFG_OK && r.lev_rc != DFG_ENOMEM && r.lev_rc != DFG_EINVAL)
        cli_say("warning: level profile interval: %s", r.lev_err.msg);
    if (rc != DFG_OK) {
        if (r.stage == COV_AT_PARSE) {
            fail(&err, rc);
            code = EXIT_USAGE;
        } else if (r.stage == COV_AT_CHANGE)
            code = usage_error("fit", "%s", r.change_why);
        else
            code = fail(&err, rc);
        goto done;
    }
    if ((code = cli_run_output(run)) >= 0)
        goto done;
    if (run->o.format == FMT_TEXT) {
        fit_cov_text(run->o.text, c, sha, ct, &r);
    } else {
        fit_cov_json(run->o.root, c, ct, &r);
        run->o.rows = "totals";
    }
done:;
    /* the total is not an estimate: said (status and reason), exit 1 once printed */
    int not_estimate = code == -1 && r.value != DFG_VALUE_OK;
    cov_fit_free(&r);
    dfg_ctable_free(ct);
    if (not_estimate)
        run->exit_printed = EXIT_NUMERIC;
    return code;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * search --method step
 * ======================================================================= */

static const char *const step_phase[3] = {"BIC", "AIC", "pen 1"};

void step_path_text(FILE *o, const dfg_cstep_result *r, const char *final, int fixed)
{
    fprintf(o, "search    step (mse::model_search: R's step() from the main effects over "
               "all two-way terms;\n          penalty log n, then 2, then 1; criteria "
               "minus their minimum)\n\n");
    fprintf(o, "  %4s  %-16s %5s %4s %9s %9s %9s %14s\n", "step", "term", "phase", "p", "AIC",
            "AICc", "BIC", "N");
    for (size_t i = 0; i < r->n_steps; i++) {
        const dfg_cstep_row *s = &r->steps[i];
        char term[160];
        snprintf(term, sizeof term, "%s%s",
                 s->change > 0   ? "+ "
                 : s->change < 0 ? "- "
                 : fixed         ? "(start)"
                                 : "(main effects)",
                 s->term);
        fprintf(o, "  %4d  %-16s %5s %4zu %9.1f %9.1f %9.1f ", s->step, term, step_phase[s->phase],
                s->p, s->d_aic, s->d_aicc, s->d_bic);
        if (s->check == DFG_CHECK_NOMLE)
            fprintf(o, "%14s\n", "no MLE");
        else
            fprintf(o, "%14.1f%s\n", s->nhat, s->check == DFG_CHECK_BOUNDARY ? " (boundary)" : "");
    }
    fprintf(o, "\nfinal     %s\n", final);
    size_t nomle = 0;
    for (size_t i = 0; i < r->n_steps; i++)
        nomle += r->steps[i].check == DFG_CHECK_NOMLE;
    if (nomle)
        fprintf(o,
                "note      %zu step%s whose MLE does not exist: fitted cells go to 0 and N\n"
                "          does not settle (R prints the diverged value); no N is given\n",
                nomle, nomle == 1 ? "" : "s");
    if (r->skipped[0])
        fprintf(o,
                "skipped   %s: not identifiable with the missing values, never fitted nor "
                "compared\n",
                r->skipped);
}

void step_path_json(cJSON *root, const dfg_cstep_result *r, const char *final)
{
    jstr(root, "final", final);
    if (r->skipped[0])
        jstr(root, "skipped", r->skipped);
    cJSON *rows = jarr(root, "steps");
    for (size_t i = 0; rows && i < r->n_steps; i++) {
        const dfg_cstep_row *s = &r->steps[i];
        cJSON *e = jrow(rows);
        jnum(e, "step", s->step);
        jstr(e, "change", s->change > 0 ? "add" : s->change < 0 ? "drop" : "start");
        jstr(e, "term", s->term);
        jstr(e, "phase", step_phase[s->phase]);
        jnum(e, "p", (double)s->p);
        jnum(e, "loglik", s->loglik);
        jnum(e, "AIC", s->aic);
        jnum(e, "AICc", s->aicc);
        jnum(e, "BIC", s->bic);
        jnum(e, "dAIC", s->d_aic);
        jnum(e, "dAICc", s->d_aicc);
        jnum(e, "dBIC", s->d_bic);
        jnum(e, "N", s->nhat);
        jstr(e, "check", dfg_check_name(s->check));
    }
}

int cov_search_load(cli_run *run, dfg_ctable **ctp)
{
    dfg_table *t = NULL;
    dfg_ctable *ct = NULL;
    int code = cov_load("search", run, &t, &ct);
    if (code == -2) {
        /* lists only: one stratum */
        dfg_error e = {0};
        code = 0;
        dfg_status rc = dfg_ctable_new(t, 0, &ct, &e);
        if (rc != DFG_OK)
            code = fail(&e, rc);
    }
    if (code != 0) {
        dfg_ctable_free(ct);
        dfg_table_free(t);
        return code;
    }
    run->t = t; /* the run releases it (and names its lists in the provenance) */
    *ctp = ct;
    return 0;
}

int search_step(cli_run *run)
{
    common_opts *c = &run->c;
    const cov_cli *cc = &c->cov;
    const char *sha = run->in.sha;
    dfg_ctable *ct = NULL;
    int code = cov_search_load(run, &ct);
    if (code != 0)
        return code;
    code = -1;
    dfg_error err = {0};
    dfg_cstep_opts so = dfg_cstep_opts_default();
    so.glm = c->est.glm;
    so.threads = c->boot.threads;
    so.lists_only = cc->lists_only;
    dfg_cstep_result r;
    memset(&r, 0, sizeof r);
    dfg_cmodel fixed = {0};
    dfg_cfit bfit;
    memset(&bfit, 0, sizeof bfit);
    dfg_cboot_result boot;
    memset(&boot, 0, sizeof boot);
    int has_boot = 0;
    dfg_status rc;
    if (cc->fixed) {
        if ((rc = dfg_cmodel_parse(cc->fixed, ct, &fixed, &err)) != DFG_OK) {
            fail(&err, rc);
            code = EXIT_USAGE;
            goto done;
        }
        so.fixed = fixed.terms;
        so.n_fixed = fixed.n_terms;
    }
    rc = dfg_cstep_run(ct, &so, &r, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    char final[2048];
    dfg_cmodel_format(&r.final, ct, final, sizeof final);
    if (c->boot.B > 0) {
        /* the chosen model's totals: parametric with the model fixed, or nonparametric with
         * the whole search repeated in every replicate */
        dfg_error be = {0};
        rc = dfg_cfit_checked(ct, &r.final, &c->est.glm, &bfit, &be);
        if (rc != DFG_OK) {
            code = fail(&be, rc);
            goto done;
        }
        dfg_cboot_opts bo = cboot_opts(c);
        bo.bca = bo.bca && bo.type == DFG_BOOT_PARAMETRIC;
        bo.select = bo.type == DFG_BOOT_NONPARAMETRIC;
        bo.select_phases = 3;
        size_t by[8], n_by = 0;
        if (cc->by && (code = cov_indices("search", ct, cc->by, by, &n_by)) != 0)
            goto done;
        if ((code = run_cboot(c, ct, &r.final, &bfit, by, n_by, &bo, &boot)) != 0)
            goto done;
        has_boot = 1;
    }
    if ((code = cli_run_output(run)) >= 0)
        goto done;
    FILE *o = run->o.text;
    if (run->o.format == FMT_TEXT) {
        text_head(o, "search", c->file, sha);
        trend_text(o, ct);
        step_path_text(o, &r, final, cc->fixed != NULL);
        if (has_boot) {
            if (boot.type == DFG_BOOT_NONPARAMETRIC)
                fprintf(o, "\nthe search repeated in every replicate (percentile intervals)\n");
            cboot_text(o, &boot);
        }
    } else {
        jstr(run->o.root, "method", "step");
        step_path_json(run->o.root, &r, final);
        if (has_boot)
            cboot_json(run->o.root, &boot, c);
        run->o.rows = "steps";
    }
done:
    if (has_boot)
        dfg_cboot_result_free(&boot);
    dfg_cfit_free(&bfit);
    dfg_cmodel_free(&fixed);
    dfg_cstep_result_free(&r);
    dfg_ctable_free(ct);
    return code;
}

/* ** }====================================================================== */
