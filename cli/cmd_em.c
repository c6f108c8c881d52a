/* cli/cmd_em.c: darkfig em (and darkfig fit on a file with missing covariate values): the
 * log-linear model over lists and covariates fitted by EM, totals per covariate level.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PASSIVE 64

static const char EM_HELP[] =
    "Usage: darkfig em FILE --lists A,B,... [options]\n"
    "       (darkfig fit runs this on a file whose covariates have missing values)\n"
    "Fit a log-linear model over the lists and the covariates (the columns that are not\n"
    "lists) when some covariate values are missing, by EM over the full table (as the R\n"
    "package cenzus): the E-step spreads each row with a missing value over the levels it\n"
    "may have in proportion to the fitted values, the M-step fits the model to the\n"
    "completed table. Reports the total, the total of each covariate level, the number of\n"
    "iterations and the last change of the observed-data log-likelihood.\n\n"
    "  --model M       the model over lists and covariates by name, [P:K,P:age,K:age];\n"
    "                  '*' = each list ([*:age]), '@' = all covariates crossed (default:\n"
    "                  main effects)\n"
    "  --na S          a further string that means missing (empty and NA always do)\n"
    "  --passive C:L   list L never records covariate C (repeatable); a list that does\n"
    "                  not record a covariate is also detected (everyone seen by it alone\n"
    "                  lacks it) and reported; a term that the missing values leave\n"
    "                  unidentifiable is refused by name\n"
    "  --em-tol T      converged when |LL_t - LL_{t-1}| / (|LL_t| + 0.1) < T (default 1e-14)\n"
    "  --em-abs-tol T  converged instead when |LL_t - LL_{t-1}| < T (cenzus: 1e-7)\n"
    "  --em-max-iter N EM iterations (M-steps) before giving up (default 5000; exit 1)\n"
    "  --em-plain      plain EM steps, as cenzus (default: SQUAREM steps over the EM map,\n"
    "                  Varadhan & Roland 2008, monotone; the same maximum, fewer steps)\n"
    "S.e.: delta method with the observed information (Louis 1982); log-normal intervals\n"
    "(Chao 1987). Bootstrap: --boot-type nonparametric resamples the observed rows,\n"
    "parametric is cenzus::boot_mse's semi-parametric bootstrap (N-hat people over the\n"
    "observed rows and the unobserved cell); the EM is rerun in every replicate.\n\n";

typedef struct {
    common_opts *c;
    const char *na;
    const char *passive[MAX_PASSIVE];
    size_t n_passive;
    dfg_em_opts eo;
    int em_given;
} em_cli;

static int em_option(int argc, char **argv, int *i, void *data)
{
    em_cli *e = data;
    const char *v = NULL;
    if (strcmp(argv[*i], "--em-plain") == 0) {
        e->eo.accelerate = 0;
        return 1;
    }
    int r = boot_option("em", argc, argv, i, &e->c->boot);
    if (r != 0)
        return r;
    if ((r = take_string("em", argc, argv, i, "--model", &e->c->est.model)) != 0)
        return r;
    if ((r = take_string("em", argc, argv, i, "--na", &e->na)) != 0)
        return r;
    if ((r = take_string("em", argc, argv, i, "--passive", &v)) != 0) {
        if (r > 1)
            return r;
        if (e->n_passive == MAX_PASSIVE)
            return 10 + usage_error("em", "at most %d --passive options", MAX_PASSIVE);
        if (!strchr(v, ':'))
            return 10 + usage_error("em", "--passive takes covariate:list (got \"%s\")", v);
        e->passive[e->n_passive++] = v;
        return 1;
    }
    if ((r = take_string("em", argc, argv, i, "--em-tol", &v)) != 0) {
        if (r > 1)
            return r;
        if (!parse_double(v, &e->eo.tol) || !(e->eo.tol > 0.0))
            return 10 + usage_error("em", "--em-tol must be a number > 0 (got \"%s\")", v);
        return 1;
    }
    if ((r = take_string("em", argc, argv, i, "--em-abs-tol", &v)) != 0) {
        if (r > 1)
            return r;
        if (!parse_double(v, &e->eo.abs_tol) || !(e->eo.abs_tol > 0.0))
            return 10 + usage_error("em", "--em-abs-tol must be a number > 0 (got \"%s\")", v);
        return 1;
    }
    if ((r = take_string("em", argc, argv, i, "--em-max-iter", &v)) != 0) {
        long n;
        if (r > 1)
            return r;
        if (!parse_int(v, 1, 100000, &n))
            return 10 + usage_error("em",
                                    "--em-max-iter must be an integer in 1..100000 (got "
                                    "\"%s\")",
                                    v);
        e->eo.max_iter = (int)n;
        return 1;
    }
    return 0;
}

/* the options that take a value, for the silent scan of fit_em_redirect */
static int takes_value(const char *a)
{
    static const char *const names[] = {"--lists",      "--count",      "--level",   "--format",
                                        "--tol",        "--max-iter",   "--model",   "--bootstrap",
                                        "--boot-type",  "--interval",   "--seed",    "--threads",
                                        "--replicates", "--na",         "--passive", "--em-tol",
                                        "--em-abs-tol", "--em-max-iter"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(a, names[i]) == 0)
            return 1;
    return 0;
}

int fit_em_redirect(int argc, char **argv)
{
    const char *file = NULL, *lists = NULL, *count = NULL, *na = NULL;
    int em_opt = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return -1;
        if (a[0] != '-' || a[1] == '\0') {
            if (!file)
                file = a;
            continue;
        }
        const char *eq = strchr(a, '=');
        char name[32];
        size_t nl = eq ? (size_t)(eq - a) : strlen(a);
        if (nl >= sizeof name)
            continue;
        memcpy(name, a, nl);
        name[nl] = '\0';
        const char *val = eq ? eq + 1 : NULL;
        if (!eq && takes_value(name) && i + 1 < argc)
            val = argv[++i];
        if (strcmp(name, "--na") == 0 || strcmp(name, "--passive") == 0 ||
            strncmp(name, "--em-", 5) == 0)
            em_opt = 1;
        if (strcmp(name, "--na") == 0)
            na = val;
        else if (strcmp(name, "--lists") == 0)
            lists = val;
        else if (strcmp(name, "--count") == 0)
            count = val;
    }
    if (em_opt)
        return cmd_em(argc, argv);
    if (!file || !lists)
        return -1;
    dfg_csv_opts o = dfg_csv_opts_default();
    o.lists = lists;
    if (count)
        o.count = count;
    dfg_table *t = NULL;
    if (dfg_table_read_csv(file, &o, &t, NULL) != DFG_OK)
        return -1;
    int missing = dfg_table_has_missing(t, na);
    dfg_table_free(t);
    return missing ? cmd_em(argc, argv) : -1;
}

typedef struct {
    dfg_emfit f;
    dfg_level_total *rows;
    size_t n_rows;
    dfg_interval total_ci;
    int has_boot;
    dfg_emboot_result boot;
    char model[512];
} em_result;

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

static void em_text(FILE *o, const common_opts *c, const em_cli *e, const char *sha,
                    const dfg_itable *it, const em_result *r)
{
    const dfg_ctable *ct = dfg_itable_ctable(it);
    const dfg_cfit *f = &r->f.fit;
    int pct = (int)lround(100.0 * c->est.level);
    fprintf(o, "darkfig %s fit (EM: covariates with missing values)\n", DFG_VERSION);
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
    fprintf(o, "model     %s (%zu parameters)\n", r->model, f->p);
    fprintf(o,
            "EM        %d iteration%s, last relative change of the log-likelihood %.3g "
            "(%s %.3g)\n",
            r->f.iter, r->f.iter == 1 ? "" : "s", r->f.change,
            e->eo.abs_tol > 0.0 ? "absolute rule" : "tol",
            e->eo.abs_tol > 0.0 ? e->eo.abs_tol : e->eo.tol);
    fprintf(o, "          start: each row spread evenly over its compatible cells%s\n",
            dfg_itable_n_rows(it) ? "" : " (nothing missing: the complete-data fit)");
    fprintf(o, "loglik    %.6f (observed data, multinomial form as cenzus::mse)\n", r->f.loglik);
    fprintf(o, "people    %.0f observed, %.0f with a missing value\n\n", r->f.n_obs,
            r->f.n_incomplete);
    fprintf(o, "  %-24s %14s %14s %10s   %d%% log-normal\n", "", "n (completed)", "N", "s.e.", pct);
    fprintf(o, "  %-24s %14.1f %14.1f %10.1f   [%.1f, %.1f]\n", "total", f->n_obs, f->nhat,
            f->se_nhat, r->total_ci.lower, r->total_ci.upper);
    for (size_t i = 0; i < r->n_rows; i++) {
        const dfg_level_total *q = &r->rows[i];
        fprintf(o, "  %-24s %14.1f %14.1f %10.1f   [%.1f, %.1f]\n", q->label, q->n_obs, q->nhat,
                q->se, q->lognormal.lower, q->lognormal.upper);
    }
    fputs("  s.e.: observed information (Louis 1982), delta method\n", o);
    fprintf(o, "  AIC %.3f  BIC %.3f (from loglik; n = people observed)\n", f->aic, f->bic);
    if (r->has_boot) {
        const dfg_emboot_result *b = &r->boot;
        fprintf(o, "\nbootstrap %zu replicates (%s, seed %lu), %zu failed%s\n", b->B,
                b->type == DFG_BOOT_PARAMETRIC ? "semi-parametric, cenzus::boot_mse"
                                               : "nonparametric over the observed rows",
                (unsigned long)b->seed, b->n_failed,
                b->n_jack ? "; BCa acceleration from the jackknife over the observed rows" : "");
        fprintf(o, "  %-24s %14s %10s   %d%% %s\n", "", "N", "s.d.", pct,
                b->ci[0].type == DFG_CI_BCA ? "BCa" : "percentile");
        for (size_t s = 0; s < b->n_stats; s++)
            fprintf(o, "  %-24s %14.1f %10.1f   [%.1f, %.1f]\n",
                    s == 0 ? "total" : r->rows[s - 1].label, b->point[s], b->se[s], b->ci[s].lower,
                    b->ci[s].upper);
    }
}

static void em_csv(FILE *o, const common_opts *c, const char *sha, const em_result *r)
{
    fputs("file,sha256,model,quantity,n,N,se,lognormal_lower,lognormal_upper,boot_type,"
          "boot_interval,boot_lower,boot_upper,boot_sd,em_iterations,em_change,loglik,status,"
          "darkfig_version\n",
          o);
    for (size_t s = 0; s <= r->n_rows; s++) {
        csv_string(o, c->file);
        fprintf(o, ",%s,", sha);
        csv_string(o, r->model);
        fputc(',', o);
        csv_string(o, s == 0 ? "total" : r->rows[s - 1].label);
        const dfg_cfit *f = &r->f.fit;
        double v[] = {s ? r->rows[s - 1].n_obs : f->n_obs, s ? r->rows[s - 1].nhat : f->nhat,
                      s ? r->rows[s - 1].se : f->se_nhat,
                      s ? r->rows[s - 1].lognormal.lower : r->total_ci.lower,
                      s ? r->rows[s - 1].lognormal.upper : r->total_ci.upper};
        for (size_t i = 0; i < 5; i++) {
            fputc(',', o);
            csv_number(o, v[i]);
        }
        if (r->has_boot && s < r->boot.n_stats) {
            fprintf(o, ",%s,%s,",
                    r->boot.type == DFG_BOOT_PARAMETRIC ? "semiparametric" : "nonparametric",
                    dfg_ci_type_name(r->boot.ci[s].type));
            csv_number(o, r->boot.ci[s].lower);
            fputc(',', o);
            csv_number(o, r->boot.ci[s].upper);
            fputc(',', o);
            csv_number(o, r->boot.se[s]);
        } else {
            fputs(",,,NA,NA,NA", o);
        }
        fprintf(o, ",%d,", r->f.iter);
        csv_number(o, r->f.change);
        fputc(',', o);
        csv_number(o, r->f.loglik);
        fprintf(o, ",ok,%s\n", DFG_VERSION);
    }
}

static void em_json(FILE *o, const common_opts *c, const char *sha, const em_result *r)
{
    const dfg_cfit *f = &r->f.fit;
    fputs("{\n  \"darkfig_version\": ", o);
    json_string(o, DFG_VERSION);
    fputs(",\n  \"command\": \"fit\",\n  \"method\": \"EM\",\n  \"input\": {\"file\": ", o);
    json_string(o, c->file);
    fprintf(o, ", \"sha256\": \"%s\"},\n  \"model\": ", sha);
    json_string(o, r->model);
    fprintf(o, ",\n  \"em_iterations\": %d,\n  \"em_change\": ", r->f.iter);
    json_number(o, r->f.change);
    fputs(",\n  \"loglik\": ", o);
    json_number(o, r->f.loglik);
    fputs(",\n  \"n\": ", o);
    json_number(o, f->n_obs);
    fputs(",\n  \"n_incomplete\": ", o);
    json_number(o, r->f.n_incomplete);
    fputs(",\n  \"totals\": [", o);
    for (size_t s = 0; s <= r->n_rows; s++) {
        fputs(s ? ",\n    {\"quantity\": " : "\n    {\"quantity\": ", o);
        json_string(o, s == 0 ? "total" : r->rows[s - 1].label);
        fputs(", \"n\": ", o);
        json_number(o, s ? r->rows[s - 1].n_obs : f->n_obs);
        fputs(", \"N\": ", o);
        json_number(o, s ? r->rows[s - 1].nhat : f->nhat);
        fputs(", \"se\": ", o);
        json_number(o, s ? r->rows[s - 1].se : f->se_nhat);
        fputs(", \"lognormal\": [", o);
        json_number(o, s ? r->rows[s - 1].lognormal.lower : r->total_ci.lower);
        fputs(", ", o);
        json_number(o, s ? r->rows[s - 1].lognormal.upper : r->total_ci.upper);
        fputc(']', o);
        if (r->has_boot && s < r->boot.n_stats) {
            fprintf(o, ", \"bootstrap\": {\"type\": \"%s\", \"interval\": \"%s\", \"lower\": ",
                    r->boot.type == DFG_BOOT_PARAMETRIC ? "semiparametric" : "nonparametric",
                    dfg_ci_type_name(r->boot.ci[s].type));
            json_number(o, r->boot.ci[s].lower);
            fputs(", \"upper\": ", o);
            json_number(o, r->boot.ci[s].upper);
            fputs(", \"sd\": ", o);
            json_number(o, r->boot.se[s]);
            fputc('}', o);
        }
        fputc('}', o);
    }
    fputs("\n  ],\n  \"AIC\": ", o);
    json_number(o, f->aic);
    fputs(",\n  \"BIC\": ", o);
    json_number(o, f->bic);
    fputs("\n}\n", o);
}

/* every replicate's totals, via a temporary file renamed at the end */
static int write_reps(const char *path, const em_result *r)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "darkfig: %s: cannot write\n", tmp);
        return EXIT_INPUT;
    }
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
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        remove(tmp);
        fprintf(stderr, "darkfig: %s: cannot write\n", path);
        return EXIT_INPUT;
    }
    return 0;
}

int cmd_em(int argc, char **argv)
{
    common_opts c;
    common_init(&c);
    em_cli e;
    memset(&e, 0, sizeof e);
    e.c = &c;
    e.eo = dfg_em_opts_default();
    int pr = parse_args("em", EM_HELP, BOOT_HELP, argc, argv, &c, em_option, &e);
    if (pr >= 0)
        return pr;
    e.eo.glm = c.est.glm;
    dfg_error err = {0};
    dfg_table *t = NULL;
    dfg_itable *it = NULL;
    dfg_cmodel m = {0, NULL};
    em_result r;
    memset(&r, 0, sizeof r);
    char sha[65] = "";
    out_buf ob = {NULL, NULL, 0};
    int code = 0;
    dfg_status rc = dfg_table_read_csv(c.file, &c.csv, &t, &err);
    if (rc == DFG_OK)
        rc = dfg_sha256_file(c.file, sha, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    if (dfg_table_n_cov(t) == 0) {
        code = usage_error("em", "no covariates: name the lists with --lists, the other "
                                 "columns are the covariates");
        goto done;
    }
    dfg_itable_opts io = dfg_itable_opts_default();
    io.na = e.na;
    io.passive = e.passive;
    io.n_passive = e.n_passive;
    if ((rc = dfg_itable_new(t, &io, &it, &err)) != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    const dfg_ctable *ct = dfg_itable_ctable(it);
    for (size_t v = 0; v < dfg_ctable_n_cov(ct); v++)
        if (dfg_itable_detected(it, v))
            fprintf(stderr,
                    "darkfig: note: covariate %s is missing for everyone seen only by some "
                    "lists: taken as not recorded by them (missing by design)\n",
                    dfg_ctable_cov_name(ct, v));
    if ((rc = dfg_cmodel_parse(c.est.model ? c.est.model : "", ct, &m, &err)) != DFG_OK) {
        fail(&err, rc);
        code = EXIT_USAGE;
        goto done;
    }
    dfg_cmodel_format(&m, ct, r.model, sizeof r.model);
    rc = dfg_em_fit(it, &m, &e.eo, &r.f, &err);
    if (rc != DFG_OK) { /* also DFG_ENOCONV: never a number from an unconverged EM */
        code = fail(&err, rc);
        goto done;
    }
    if ((rc = dfg_interval_lognormal(r.f.fit.n_obs, r.f.fit.nhat, r.f.fit.se_nhat, c.est.level,
                                     &r.total_ci, &err)) != DFG_OK ||
        (rc = dfg_cfit_level_totals(r.f.completed, &m, &r.f.fit, NULL, 0, c.est.level, 0,
                                    &c.est.glm, &r.rows, &r.n_rows, &err)) != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    if (c.boot.B > 0) {
        dfg_boot_opts bo = c.boot.bo;
        bo.B = c.boot.B;
        bo.level = c.est.level;
        if (!c.boot.seed_given) {
            bo.seed = (uint32_t)time(NULL);
            fprintf(stderr, "darkfig: note: bootstrap seed %lu\n", (unsigned long)bo.seed);
        }
        if ((rc = dfg_em_boot(it, &m, &e.eo, &r.f, &bo, &r.boot, &err)) != DFG_OK) {
            code = fail(&err, rc);
            goto done;
        }
        r.has_boot = 1;
        if (c.boot.replicates && (code = write_reps(c.boot.replicates, &r)) != 0)
            goto done;
    }
    if ((code = out_open(&ob)) != 0)
        goto done;
    if (c.format == FMT_TEXT)
        em_text(ob.f, &c, &e, sha, it, &r);
    else if (c.format == FMT_CSV)
        em_csv(ob.f, &c, sha, &r);
    else
        em_json(ob.f, &c, sha, &r);
    code = out_flush(&ob);
done:
    out_free(&ob);
    dfg_emboot_result_free(&r.boot);
    dfg_free_level_totals(r.rows);
    dfg_emfit_free(&r.f);
    dfg_cmodel_free(&m);
    dfg_itable_free(it);
    dfg_table_free(t);
    return code;
}
