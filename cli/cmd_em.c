/* cli/cmd_em.c: darkfig em (and darkfig fit on a file with missing covariate values): the
 * log-linear model over lists and covariates fitted by EM, totals per covariate level.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PASSIVE 64

static int em_main(int argc, char **argv);

typedef struct {
    const char *model, *na, *passive;
    double tol, abs_tol;
    int max_iter, plain, exact;
    /* --search: the stepwise search with EM fits (models/incomplete_search.c) */
    int search, scope_lists;
    const char *fixed;
    int no_profile;
} em_args;

static const cli_choice em_scope_choices[] = {{"all", 0}, {"lists", 1}, {NULL, 0}};

static const cli_option em_options[] = {
    OPT_STR("model", "M", em_args, model,
            "the model over lists and covariates by name, [P:K,P:age,K:age]; '*' = each list "
            "([*:age]), '@' = all covariates crossed (default: main effects)"),
    OPT_STR("na", "S", em_args, na, "a further string that means missing (empty and NA always do)"),
    OPT_STR("passive", "C:L,...", em_args, passive,
            "list L never records covariate C (comma-separated pairs); a list that does not "
            "record a covariate is also detected (everyone seen by it alone lacks it) and "
            "reported; a term the missing values leave unidentifiable is refused by name"),
    OPT_SWITCH("em-exact", em_args, exact,
               "run to the maximum: SQUAREM steps over the EM map (Varadhan & Roland 2008) "
               "until |LL_t - LL_{t-1}| / (|LL_t| + 0.1) < --em-tol, LL the observed-data "
               "log-likelihood (default: cenzus::mse's EM, plain steps until |LL_t - LL_{t-1}| "
               "< 1e-7, which on a flat likelihood stops short of the maximum: on "
               "tests/data/incomplete/cov_003_missing.csv the age totals differ by 1e-3)"),
    OPT_NUM("em-tol", "T", OPT_DOUBLE, em_args, tol, 0, 1, OPEN_LO,
            "with --em-exact: the relative change that stops it (default 1e-14)"),
    OPT_NUM("em-abs-tol", "T", OPT_DOUBLE, em_args, abs_tol, 0, 1e6, OPEN_LO,
            "converged when |LL_t - LL_{t-1}| < T (default 1e-7, as cenzus; not with --em-exact)"),
    OPT_NUM("em-max-iter", "N", OPT_INT, em_args, max_iter, 1, DFG_MAX_ITER, 0,
            "EM iterations (M-steps) before giving up (default 5000; exit 1 then)"),
    OPT_SWITCH("em-plain", em_args, plain, "with --em-exact: plain EM steps instead of SQUAREM"),
    OPT_SWITCH("search", em_args, search,
               "choose the model by the stepwise search of search --method step (Cruyff's "
               "mse::model_search: R's step() from the main effects over every two-way term, "
               "penalty log n, then 2, then 1) with every candidate fitted by EM, warm-started "
               "from the current model; criteria -2 LL + pen p on the observed-data "
               "log-likelihood LL; a term the missing values leave unidentifiable is skipped "
               "and named; then the chosen model's fit as without --search. darkfig search "
               "FILE --method step runs this on a file with missing covariate values"),
    OPT_STR("fixed", "M", em_args, fixed,
            "with --search: terms kept in every model and never dropped, e.g. [*:age]"),
    OPT_ONE_OF("scope", "S", em_args, scope_lists, em_scope_choices,
               "with --search: all (default: every two-way term) or lists (the list pairs "
               "only, the --fixed covariate terms held)"),
    OPT_SWITCH("no-profile", em_args, no_profile,
               "skip the profile-likelihood intervals of the totals (the observed-data "
               "likelihood maximised with the group's unobserved total fixed, by EM; refused, "
               "with a note, where the constrained fits run off)"),
    OPT_END};

const cli_command cmd_em = {
    "em",
    "FILE",
    "log-linear model with covariates that have missing values (EM);\n"
    "fit runs it on such a file",
    "Fit a log-linear model over the lists and the covariates (the columns that are not\n"
    "lists, --lists names the lists) when some covariate values are missing, by EM over the\n"
    "full table (as the R package cenzus): the E-step spreads each row with a missing value\n"
    "over the levels it may have in proportion to the fitted values, the M-step fits the\n"
    "model to the completed table; the start spreads each row evenly (independent of the\n"
    "row order). darkfig fit runs this when the file's covariates have missing values.\n"
    "Reports the total and each covariate level's total, the iterations and the last\n"
    "change of the observed-data log-likelihood; s.e. by the delta method with the\n"
    "observed information (Louis 1982), log-normal intervals (Chao 1987). Bootstrap:\n"
    "nonparametric resamples the observed rows, parametric is cenzus::boot_mse's\n"
    "semi-parametric bootstrap (N-hat people over the observed rows and the unobserved\n"
    "cell); the EM is rerun in every replicate; BCa or percentile per total.\n"
    "--search chooses the model by the stepwise search of search --method step with EM\n"
    "fits (criteria on the observed-data log-likelihood); search --method step runs it\n"
    "on such a file.\n",
    em_options,
    CLI_INPUT | CLI_OUTPUT | CLI_FITTING | CLI_BOOT,
    em_main};

/* an option of fit or em that takes no value */
static int is_flag(const char *name)
{
    const cli_option *tabs[2] = {cmd_fit.own, em_options};
    for (int t = 0; t < 2; t++)
        for (const cli_option *o = tabs[t]; o && o->name; o++)
            if (strcmp(o->name, name) == 0)
                return o->kind == OPT_FLAG;
    return 0;
}

/* Does fit (or search --method step) go to the EM? 1 when an EM option is given or the
 * file's covariates have missing values, 0 otherwise, -1 for --help or --drop-missing;
 * *step: --method step was given. */
static int em_wanted(int argc, char **argv, int *step)
{
    const char *file = NULL, *lists = NULL, *count = NULL, *na = NULL;
    int em_opt = 0;
    *step = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return -1;
        if (a[0] != '-' || a[1] != '-') {
            if (!file)
                file = a;
            continue;
        }
        const char *eq = strchr(a, '=');
        char name[64];
        size_t nl = eq ? (size_t)(eq - a) - 2 : strlen(a) - 2;
        if (nl >= sizeof name)
            continue;
        memcpy(name, a + 2, nl);
        name[nl] = '\0';
        const char *val = eq ? eq + 1 : NULL;
        if (!eq && !is_flag(name) && i + 1 < argc)
            val = argv[++i];
        if (strcmp(name, "drop-missing") == 0)
            return -1; /* the rows with missing values dropped, as asked: not the EM */
        if (strcmp(name, "na") == 0 || strcmp(name, "passive") == 0 || strncmp(name, "em-", 3) == 0)
            em_opt = 1;
        if (strcmp(name, "na") == 0)
            na = val;
        else if (strcmp(name, "lists") == 0)
            lists = val;
        else if (strcmp(name, "count") == 0)
            count = val;
        else if (strcmp(name, "method") == 0)
            *step = val && strcmp(val, "step") == 0;
    }
    if (em_opt)
        return 1;
    if (!file || !lists || strcmp(file, "-") == 0)
        return 0;
    dfg_csv_opts o = dfg_csv_opts_default();
    o.lists = lists;
    if (count)
        o.count = count;
    dfg_table *t = NULL;
    if (dfg_table_read_csv(file, &o, &t, NULL) != DFG_OK)
        return 0;
    int missing = dfg_table_has_missing(t, na);
    dfg_table_free(t);
    return missing;
}

int fit_em_redirect(int argc, char **argv)
{
    int step;
    return em_wanted(argc, argv, &step) == 1 ? em_main(argc, argv) : -1;
}

int search_em_redirect(int argc, char **argv)
{
    int step;
    if (em_wanted(argc, argv, &step) != 1 || !step)
        return -1;
    /* the same arguments with --method step as --search */
    char **av = malloc(((size_t)argc + 1) * sizeof *av);
    if (!av) {
        cli_say("out of memory");
        return EXIT_INTERNAL;
    }
    int n = 0;
    static char search_flag[] = "--search";
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--method=step") == 0) {
            av[n++] = search_flag;
        } else if (strcmp(argv[i], "--method") == 0 && i + 1 < argc &&
                   strcmp(argv[i + 1], "step") == 0) {
            av[n++] = search_flag;
            i++;
        } else {
            av[n++] = argv[i];
        }
    }
    av[n] = NULL;
    int code = em_main(n, av);
    free(av);
    return code;
}

/* ** {======================================================================
 * search --method stepwise|exhaustive|downhill --fixed M on a file with missing covariate
 * values (cli/cmd_search.c): every candidate fitted by EM (dfg_em_search_run)
 * ======================================================================= */

/* the covariates found not recorded by some lists, said once */
static void detected_notes(const dfg_itable *it)
{
    const dfg_ctable *ct = dfg_itable_ctable(it);
    for (size_t v = 0; v < dfg_ctable_n_cov(ct); v++)
        if (dfg_itable_detected(it, v))
            cli_say("note: covariate %s is missing for everyone seen only by some lists: taken "
                    "as not recorded by them (missing by design)",
                    dfg_ctable_cov_name(ct, v));
}

int em_search_load(cli_run *run, dfg_itable **it)
{
    common_opts *c = &run->c;
    *it = NULL;
    if (c->cov.drop_missing)
        return -2;
    dfg_error err = {0};
    dfg_table *t = NULL;
    dfg_status rc =
        dfg_table_read_csv_buffer(run->in.path, run->in.buf, run->in.len, &c->csv, &t, &err);
    if (rc != DFG_OK)
        return fail(&err, rc);
    if (dfg_table_n_cov(t) == 0 || !dfg_table_has_missing(t, NULL)) {
        dfg_table_free(t);
        return -2;
    }
    dfg_itable_opts io = dfg_itable_opts_default();
    if ((rc = dfg_itable_new(t, &io, it, &err)) != DFG_OK) {
        dfg_table_free(t);
        return fail(&err, rc);
    }
    detected_notes(*it);
    run->t = t; /* the run releases it */
    return 0;
}

dfg_em_opts em_search_opts(const common_opts *c)
{
    dfg_em_opts eo = dfg_em_opts_default();
    eo.glm = c->est.glm;
    return eo;
}

dfg_status em_search_totals(const dfg_itable *it, const dfg_cmodel *m, const common_opts *c,
                            dfg_cfit *fit, dfg_level_total **lev, size_t *n_lev, dfg_error *err)
{
    dfg_em_opts eo = em_search_opts(c);
    dfg_emfit ef;
    dfg_status rc = dfg_em_fit(it, m, &eo, &ef, err);
    if (rc == DFG_OK)
        rc = dfg_em_level_totals(it, &ef, c->est.level, lev, n_lev, err);
    if (rc == DFG_OK && !c->cov.no_level_profile) {
        dfg_interval total;
        dfg_error pe = {0};
        dfg_status prc =
            dfg_em_profiles(it, m, &ef, &eo.glm, c->est.level, &total, *lev, *n_lev, &pe);
        if (prc == DFG_ENOMEM || prc == DFG_EINVAL) {
            rc = prc;
            if (err)
                *err = pe;
        } else if (prc != DFG_OK) {
            cli_say("note: no profile interval: %s", pe.msg);
        }
    }
    if (rc == DFG_OK) { /* the fit moves out */
        *fit = ef.fit;
        memset(&ef.fit, 0, sizeof ef.fit);
    }
    dfg_emfit_free(&ef);
    return rc;
}

void em_search_lines(const dfg_itable *it, const dfg_search_result *r, char *buf, size_t size)
{
    int n = snprintf(buf, size,
                     "EM        every model fitted by EM over the missing covariate values (%.0f "
                     "people with one),\n          to the maximum; criteria on the observed-data "
                     "log-likelihood (multinomial form)\n",
                     dfg_itable_n_incomplete(it));
    if (r->skipped[0] && n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n,
                 "skipped   %zu models not identifiable with the missing values (the term the "
                 "rank test\n          names: %s), never fitted nor compared\n",
                 r->n_notident, r->skipped);
}

/* ** }====================================================================== */

typedef struct {
    dfg_emfit f;
    dfg_level_total *rows;
    size_t n_rows;
    dfg_interval total_ci;
    dfg_interval total_prof; /* type DFG_CI_NONE when not computed */
    int has_boot;
    dfg_emboot_result boot;
    char model[512];
    int has_search;
    dfg_cstep_result search;
} em_result;

/* Is row i (0 the total, then the levels) an estimate (dfg_value_judge of N, s.e. and the
 * interval reported: the bootstrap's, else the profile, else the log-normal)? A fit whose EM did
 * not converge gives none (as dfg_estimate_judge: "no estimate"). why[size]. */
static dfg_value_status em_value(const em_result *r, size_t i, char *why, size_t size)
{
    if (r->f.status != DFG_OK) {
        snprintf(why, size,
                 "no estimate: the EM did not converge in %d iterations (last relative change "
                 "of the log-likelihood %.3g, absolute %.3g)",
                 r->f.iter, r->f.change, r->f.abs_change);
        return DFG_VALUE_NAN;
    }
    const dfg_level_total *q = i ? &r->rows[i - 1] : NULL;
    dfg_interval bi;
    const dfg_interval *ci = q ? &q->lognormal : &r->total_ci;
    const dfg_interval *pr = q ? &q->profile : &r->total_prof;
    if (pr->type == DFG_CI_PROFILE && isfinite(pr->lower))
        ci = pr;
    if (r->has_boot && i < r->boot.n_stats) {
        bi = r->boot.ci[i];
        ci = &bi;
    }
    return dfg_value_judge(q ? q->n_obs : r->f.fit.n_obs, q ? q->nhat : r->f.fit.nhat,
                           q ? q->se : r->f.fit.se_nhat, ci, 0, why, size);
}

static void recorded_text(FILE *o, const dfg_itable *it, const dfg_ctable *ct, size_t c)
{
    size_t k = dfg_ctable_k(ct);
    uint32_t rec = dfg_itable_recorded(it, c), det = dfg_itable_detected(it, c);
    uint32_t all = (uint32_t)(((uint64_t)1 << k) - 1);
    if (rec == all)
        return;
    fputs("; recorded by", o);
    for (size_t j = 0; j < k; j++)
        if (rec >> j & 1)
            fprintf(o, " %s", dfg_ctable_list_name(ct, j));
    fputs(" only", o);
    if (det) {
        fputs(" (detected: nobody seen by", o);
        int first = 1;
        for (size_t j = 0; j < k; j++)
            if (det >> j & 1) {
                fprintf(o, "%s%s", first ? " " : " or ", dfg_ctable_list_name(ct, j));
                first = 0;
            }
        fputs(" alone has it)", o);
    }
}

static void em_text(FILE *o, const common_opts *c, const dfg_em_opts *eo, const char *sha,
                    const dfg_itable *it, const em_result *r)
{
    const dfg_ctable *ct = dfg_itable_ctable(it);
    const dfg_cfit *f = &r->f.fit;
    char pct[32];
    level_label(c->est.level, pct, sizeof pct);
    fprintf(o, "darkfig %s %s (EM: covariates with missing values)\n", DFG_VERSION,
            r->has_search ? "search" : "fit");
    fprintf(o, "input     %s (sha256 %.16s...)\n", c->file, sha);
    fprintf(o, "lists     %zu:", dfg_ctable_k(ct));
    for (size_t j = 0; j < dfg_ctable_k(ct); j++)
        fprintf(o, " %s", dfg_ctable_list_name(ct, j));
    fputc('\n', o);
    for (size_t v = 0; v < dfg_ctable_n_cov(ct); v++) {
        fprintf(o, "%s %s: %zu levels, missing for %.0f people", v ? "         " : "covariate",
                dfg_ctable_cov_name(ct, v), dfg_ctable_n_levels(ct, v),
                dfg_itable_n_missing(it, v));
        recorded_text(o, it, ct, v);
        fputc('\n', o);
    }
    if (r->has_search) {
        step_path_text(o, &r->search, r->model, 0);
        fputc('\n', o);
    }
    fprintf(o, "model     %s (%zu parameters)\n", r->model, f->p);
    fprintf(o,
            "EM        %d iteration%s, last relative change of the log-likelihood %.3g "
            "(%s %.3g)\n",
            r->f.iter, r->f.iter == 1 ? "" : "s", r->f.change,
            eo->abs_tol > 0.0 ? "absolute rule" : "tol", eo->abs_tol > 0.0 ? eo->abs_tol : eo->tol);
    if (r->f.status != DFG_OK)
        fprintf(o,
                "          did not converge: the iteration limit (--em-max-iter %d) stopped it\n",
                eo->max_iter);
    fprintf(o, "          start: each row spread evenly over its compatible cells%s\n",
            dfg_itable_n_rows(it) ? "" : " (nothing missing: the complete-data fit)");
    fprintf(o, "loglik    %.6f (observed data, multinomial form as cenzus::mse)\n", r->f.loglik);
    fprintf(o, "people    %.0f observed, %.0f with a missing value\n\n", r->f.n_obs,
            r->f.n_incomplete);
    fprintf(o, "  %-24s %14s %14s %10s   %-24s %s\n", "", "n (completed)", "N", "s.e.",
            "log-normal", "profile likelihood");
    for (size_t i = 0; i <= r->n_rows; i++) {
        const dfg_level_total *q = i ? &r->rows[i - 1] : NULL;
        const char *label = q ? q->label : "total";
        char why[256];
        dfg_value_status v = em_value(r, i, why, sizeof why);
        if (v != DFG_VALUE_OK) { /* not an estimate: its status and reason, no number */
            fprintf(o, "  %-24s %14.1f   not an estimate (%s): %s\n", label,
                    q ? q->n_obs : f->n_obs, dfg_value_name(v), why);
            continue;
        }
        const dfg_interval *ln = q ? &q->lognormal : &r->total_ci;
        const dfg_interval *pr = q ? &q->profile : &r->total_prof;
        char lnb[96], prb[96] = "-";
        snprintf(lnb, sizeof lnb, "[%.1f, %.1f]", ln->lower, ln->upper);
        if (pr->type == DFG_CI_PROFILE && isfinite(pr->lower))
            fmt_ci(prb, sizeof prb, pr);
        fprintf(o, "  %-24s %14.1f %14.1f %10.1f   %-24s %s\n", label, q ? q->n_obs : f->n_obs,
                q ? q->nhat : f->nhat, q ? q->se : f->se_nhat, lnb, prb);
    }
    fprintf(o,
            "  %s intervals; s.e.: observed information (Louis 1982), delta method; a\n"
            "  level's s.e. also counts how many of the people missing the covariate are at\n"
            "  that level (binomial); the profile interval does not (for such a level it is\n"
            "  that of the expected total); '-': no profile interval (said above)\n",
            pct);
    if (r->f.status == DFG_OK)
        fprintf(o, "  AIC %.3f  BIC %.3f (from loglik; n = people observed)\n", f->aic, f->bic);
    else
        fputs("  AIC, BIC: none (the EM did not converge)\n", o);
    if (r->has_boot) {
        const dfg_emboot_result *b = &r->boot;
        fprintf(o, "\nbootstrap %zu replicates (%s, seed %lu), %zu failed%s\n", b->B,
                b->type == DFG_BOOT_PARAMETRIC ? "semi-parametric, cenzus::boot_mse"
                                               : "nonparametric over the observed rows",
                (unsigned long)b->seed, b->n_failed,
                b->n_jack ? "; BCa acceleration from the jackknife over the observed rows" : "");
        fprintf(o, "  %-24s %14s %10s   %s %s\n", "", "N", "s.d.", pct,
                b->ci[0].type == DFG_CI_BCA ? "BCa" : "percentile");
        for (size_t s = 0; s < b->n_stats; s++) {
            char why[256];
            if (em_value(r, s, why, sizeof why) != DFG_VALUE_OK)
                continue; /* said above */
            fprintf(o, "  %-24s %14.1f %10.1f   [%.1f, %.1f]\n",
                    s == 0 ? "total" : r->rows[s - 1].label, b->point[s], b->se[s], b->ci[s].lower,
                    b->ci[s].upper);
        }
    }
}

static void em_json(cJSON *root, const em_result *r)
{
    const dfg_cfit *f = &r->f.fit;
    jstr(root, "method", r->has_search ? "EM step" : "EM");
    jstr(root, "model", r->model);
    jstr(root, "status", status_name(r->f.status));
    jnum(root, "em_iterations", r->f.iter);
    jnum(root, "em_change", r->f.change);
    jnum(root, "em_abs_change", r->f.abs_change);
    jnum(root, "loglik", r->f.loglik);
    jnum(root, "n", f->n_obs);
    jnum(root, "n_incomplete", r->f.n_incomplete);
    jnum(root, "AIC", r->f.status == DFG_OK ? f->aic : DNAN);
    jnum(root, "BIC", r->f.status == DFG_OK ? f->bic : DNAN);
    if (r->has_search)
        step_path_json(root, &r->search, r->model);
    cJSON *arr = jarr(root, "totals");
    for (size_t s = 0; arr && s <= r->n_rows; s++) {
        const dfg_level_total *q = s ? &r->rows[s - 1] : NULL;
        char why[256];
        dfg_value_status v = em_value(r, s, why, sizeof why);
        int ok = v == DFG_VALUE_OK; /* not an estimate: null numbers, status and reason */
        cJSON *o = jrow(arr);
        jstr(o, "quantity", q ? q->label : "total");
        jnum(o, "n", q ? q->n_obs : f->n_obs);
        jnum(o, "N", !ok ? DNAN : q ? q->nhat : f->nhat);
        jnum(o, "se", !ok ? DNAN : q ? q->se : f->se_nhat);
        jnum(o, "lognormal_lower", !ok ? DNAN : q ? q->lognormal.lower : r->total_ci.lower);
        jnum(o, "lognormal_upper", !ok ? DNAN : q ? q->lognormal.upper : r->total_ci.upper);
        const dfg_interval *pr = q ? &q->profile : &r->total_prof;
        int prof = ok && pr->type == DFG_CI_PROFILE;
        jnum(o, "profile_lower", prof ? pr->lower : DNAN);
        jnum(o, "profile_upper", prof && !pr->upper_beyond ? pr->upper : DNAN);
        jnum(o, "em_iterations", r->f.iter);
        jnum(o, "em_change", r->f.change);
        if (r->has_boot && s < r->boot.n_stats) {
            jstr(o, "boot_type",
                 r->boot.type == DFG_BOOT_PARAMETRIC ? "semiparametric" : "nonparametric");
            jstr(o, "boot_interval", dfg_ci_type_name(r->boot.ci[s].type));
            jnum(o, "boot_lower", ok ? r->boot.ci[s].lower : DNAN);
            jnum(o, "boot_upper", ok ? r->boot.ci[s].upper : DNAN);
            jnum(o, "boot_sd", ok ? r->boot.se[s] : DNAN);
        }
        jvalue(o, v, why);
    }
}

static int reps_fill(FILE *f, void *data)
{
    const em_result *r = data;
    fputs("replicate,total", f);
    for (size_t i = 0; i < r->n_rows; i++) {
        fputc(',', f);
        csv_string(f, r->rows[i].label);
    }
    fputc('\n', f);
    for (size_t b = 0; b < r->boot.B; b++) {
        fprintf(f, "%zu", b);
        for (size_t s = 0; s < r->boot.n_stats; s++) {
            fputc(',', f);
            csv_number(f, r->boot.stars[b * r->boot.n_stats + s]);
        }
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

/* the comma-separated cov:list pairs of --passive, into p (s is copied into buf) */
static int split_passive(const char *s, char *buf, size_t size, const char **p, size_t *n)
{
    *n = 0;
    if (!s)
        return 0;
    if (strlen(s) >= size)
        return usage_error("em", "--passive: too long");
    strcpy(buf, s);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (!strchr(tok, ':'))
            return usage_error("em", "--passive takes covariate:list pairs (got \"%s\")", tok);
        if (*n == MAX_PASSIVE)
            return usage_error("em", "--passive: at most %d pairs", MAX_PASSIVE);
        p[(*n)++] = tok;
    }
    return 0;
}

/* --search: the stepwise search with EM fits; *m = the chosen model. -1 to go on, else the
 * exit code (said). */
static int em_search(const em_args *a, const common_opts *c, const dfg_em_opts *eo,
                     const dfg_itable *it, dfg_cstep_result *sr, dfg_cmodel *m)
{
    const dfg_ctable *ct = dfg_itable_ctable(it);
    if (a->model)
        return usage_error("em", "--model and --search: the search chooses the model (--fixed M "
                                 "keeps terms in every model)");
    dfg_error err = {0};
    dfg_cmodel fixed = {0, NULL};
    dfg_status rc;
    if (a->fixed && (rc = dfg_cmodel_parse(a->fixed, ct, &fixed, &err)) != DFG_OK) {
        fail(&err, rc);
        return EXIT_USAGE;
    }
    dfg_cstep_opts so = dfg_cstep_opts_default();
    so.threads = c->boot.threads;
    so.lists_only = a->scope_lists;
    so.fixed = fixed.terms;
    so.n_fixed = fixed.n_terms;
    rc = dfg_em_step_run(it, eo, &so, sr, &err);
    dfg_cmodel_free(&fixed);
    if (rc == DFG_OK)
        rc = dfg_cmodel_copy(&sr->final, m, &err);
    return rc == DFG_OK ? -1 : fail(&err, rc);
}

static int em_main(int argc, char **argv)
{
    cli_run run;
    common_opts *c = &run.c;
    dfg_em_opts eo = dfg_em_opts_default();
    em_args a = {NULL, NULL, NULL, eo.tol, 0.0, eo.max_iter, 0, 0, 0, 0, NULL, 0};
    int code = cli_run_parse(&run, &cmd_em, &a, argc, argv);
    dfg_error err = {0};
    dfg_itable *it = NULL;
    dfg_cmodel m = {0, NULL};
    em_result r;
    memset(&r, 0, sizeof r);
    char pbuf[4096];
    const char *passive[MAX_PASSIVE];
    size_t n_passive = 0;
    dfg_status rc;
    if (code >= 0 || (code = cli_run_load(&run, 0)) >= 0 ||
        (code = split_passive(a.passive, pbuf, sizeof pbuf, passive, &n_passive)) != 0)
        goto done;
    code = -1;
    eo.tol = a.tol;
    eo.abs_tol = a.abs_tol;
    eo.max_iter = a.max_iter;
    /* the default is cenzus::mse's EM (its numbers to the digit); --em-exact runs on to
     * the maximum; the search fits its candidates with the same EM */
    eo.accelerate = a.exact && !a.plain;
    if (!a.exact && !(a.abs_tol > 0.0))
        eo.abs_tol = 1e-7;
    eo.glm = c->est.glm;
    if ((rc = dfg_table_read_csv_buffer(run.in.path, run.in.buf, run.in.len, &c->csv, &run.t,
                                        &err)) != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    if (dfg_table_n_cov(run.t) == 0) {
        code = usage_error("em", "no covariates: name the lists with --lists, the other "
                                 "columns are the covariates");
        goto done;
    }
    dfg_itable_opts io = dfg_itable_opts_default();
    io.na = a.na;
    io.passive = passive;
    io.n_passive = n_passive;
    if ((rc = dfg_itable_new(run.t, &io, &it, &err)) != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    const dfg_ctable *ct = dfg_itable_ctable(it);
    detected_notes(it);
    if (a.search) {
        if ((code = em_search(&a, c, &eo, it, &r.search, &m)) >= 0)
            goto done;
        r.has_search = 1;
    } else if (a.fixed || a.scope_lists) {
        code = usage_error("em", "--fixed and --scope go with --search");
        goto done;
    } else if ((rc = dfg_cmodel_parse(a.model ? a.model : "", ct, &m, &err)) != DFG_OK) {
        fail(&err, rc);
        code = EXIT_USAGE;
        goto done;
    }
    dfg_cmodel_format(&m, ct, r.model, sizeof r.model);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = dfg_em_fit(it, &m, &eo, &r.f, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double fit_seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    int limit = rc == DFG_ENOCONV && r.f.status == DFG_ENOCONV && r.f.completed;
    if (rc != DFG_OK && !limit) {
        code = fail(&err, rc);
        goto done;
    }
    if (limit) /* said here and in the output (status and reason), never as a number */
        fail(&err, rc);
    if ((rc = dfg_interval_lognormal(r.f.fit.n_obs, r.f.fit.nhat, r.f.fit.se_nhat, c->est.level,
                                     &r.total_ci, &err)) != DFG_OK ||
        (rc = dfg_em_level_totals(it, &r.f, c->est.level, &r.rows, &r.n_rows, &err)) != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    if (!limit && !a.no_profile) {
        dfg_error pe = {0};
        rc = dfg_em_profiles(it, &m, &r.f, &eo.glm, c->est.level, &r.total_prof, r.rows, r.n_rows,
                             &pe);
        if (rc == DFG_ENOMEM || rc == DFG_EINVAL) {
            code = fail(&pe, rc);
            goto done;
        }
        if (rc != DFG_OK)
            cli_say("note: no profile interval: %s", pe.msg);
    }
    if (c->boot.B > 0 && !limit) {
        if (c->boot.replicates && (code = cli_check_output("--replicates", c->boot.replicates)))
            goto done;
        /* --max-seconds: every replicate and jackknife fit costs at most about the point
         * fit (they start from it) */
        double runs = (double)c->boot.B;
        if (c->boot.interval == DFG_CI_BCA) {
            const double *y = dfg_ctable_counts(ct);
            runs += (double)dfg_itable_n_rows(it);
            for (size_t q = 0; q < dfg_ctable_n_cells(ct); q++)
                runs += y[q] > 0.0;
        }
        double total = fit_seconds * runs / (double)c->boot.threads;
        if (total > c->boot.max_seconds) {
            cli_say("--bootstrap %zu would take about %.0f s (the EM fit takes %.3g ms here; %.0f "
                    "fits with the jackknife, on %d thread%s), above --max-seconds %g: raise "
                    "--max-seconds, lower B or add --threads",
                    c->boot.B, total, 1e3 * fit_seconds, runs, c->boot.threads,
                    c->boot.threads == 1 ? "" : "s", c->boot.max_seconds);
            code = EXIT_USAGE;
            goto done;
        }
        dfg_boot_opts bo = dfg_boot_opts_default();
        bo.B = c->boot.B;
        bo.type = (dfg_boot_type)c->boot.type;
        bo.interval = (dfg_ci_type)c->boot.interval;
        bo.threads = c->boot.threads;
        bo.level = c->est.level;
        bo.seed = c->boot.seed;
        if (!c->seed_given) {
            bo.seed = (uint32_t)time(NULL);
            cli_say("note: bootstrap seed %lu", (unsigned long)bo.seed);
        }
        if ((rc = dfg_em_boot(it, &m, &eo, &r.f, &bo, &r.boot, &err)) != DFG_OK) {
            code = fail(&err, rc);
            goto done;
        }
        r.has_boot = 1;
        if (c->boot.replicates &&
            (code = cli_write_file("--replicates", c->boot.replicates, reps_fill, &r)) != 0)
            goto done;
        code = -1;
    }
    if ((code = cli_run_output(&run)) >= 0)
        goto done;
    if (run.o.format == FMT_TEXT) {
        em_text(run.o.text, c, &eo, run.in.sha, it, &r);
    } else {
        run.o.rows = r.has_search ? "steps" : "totals";
        em_json(run.o.root, &r);
    }
    {
        char why[256];
        if (em_value(&r, 0, why, sizeof why) != DFG_VALUE_OK) /* exit 1 once printed */
            run.exit_printed = EXIT_NUMERIC;
    }
done:
    if (r.has_search)
        dfg_cstep_result_free(&r.search);
    dfg_emboot_result_free(&r.boot);
    dfg_free_level_totals(r.rows);
    dfg_emfit_free(&r.f);
    dfg_cmodel_free(&m);
    dfg_itable_free(it);
    return cli_run_end(&run, code);
}
