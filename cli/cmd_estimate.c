/* cli/cmd_estimate.c: darkfig estimate: any estimator through the common interface.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char ESTIMATE_HELP[] =
    "Usage: darkfig estimate FILE --estimator NAME [options]\n"
    "Run any estimator of 'darkfig estimators' (log-linear, search, closed-population,\n"
    "two-list) through the common interface, optionally with the bootstrap repeating the\n"
    "whole estimator in every replicate (nonparametric).\n\n"
    "  --estimator E   the estimator (required)\n"
    "  --model M       model for loglin\n"
    "  --criterion C, --max-order K, --threshold P   options of the search estimators\n"
    "  --ci TYPE       the estimator's own interval: profile, lognormal or none\n\n";

typedef struct {
    common_opts *c;
    const char *estimator;
} estimate_args;

static int estimate_option(int argc, char **argv, int *i, void *data)
{
    estimate_args *a = data;
    const char *v = NULL;
    int r;
    long n;
    double d;
    if ((r = boot_option("estimate", argc, argv, i, &a->c->boot)) != 0)
        return r;
#define TAKE(name)                                                                                 \
    if ((r = opt_value(argc, argv, i, name, &v)) < 0)                                              \
        return 10 + usage_error("estimate", "option %s needs a value", name);                      \
    if (r > 0)
    TAKE("--estimator")
    {
        a->estimator = v;
        return 1;
    }
    TAKE("--model")
    {
        a->c->est.model = v;
        return 1;
    }
    TAKE("--criterion")
    {
        a->c->est.criterion = v;
        return 1;
    }
    TAKE("--max-order")
    {
        if (!parse_int(v, 1, DFG_MAX_FIT_LISTS, &n))
            return 10 +
                   usage_error("estimate", "--max-order must be an integer >= 1 (got \"%s\")", v);
        a->c->est.max_order = (int)n;
        return 1;
    }
    TAKE("--threshold")
    {
        if (!parse_double(v, &d) || !(d > 0.0 && d < 1.0))
            return 10 + usage_error("estimate",
                                    "--threshold must be a number in (0, 1) (got \"%s\")", v);
        a->c->est.threshold = d;
        return 1;
    }
    TAKE("--ci")
    {
        if (strcmp(v, "profile") == 0)
            a->c->est.ci_type = DFG_CI_PROFILE;
        else if (strcmp(v, "lognormal") == 0)
            a->c->est.ci_type = DFG_CI_LOGNORMAL;
        else if (strcmp(v, "none") == 0)
            a->c->est.want_ci = 0;
        else
            return 10 + usage_error("estimate",
                                    "--ci must be profile, lognormal or none (got \"%s\")", v);
        return 1;
    }
#undef TAKE
    return 0;
}

int cmd_estimate(int argc, char **argv)
{
    common_opts c;
    common_init(&c);
    estimate_args a = {&c, NULL};
    int pr = parse_args("estimate", ESTIMATE_HELP, BOOT_HELP, argc, argv, &c, estimate_option, &a);
    if (pr >= 0)
        return pr;
    if (!a.estimator)
        return usage_error("estimate", "--estimator NAME is required (see 'darkfig estimators')");
    const dfg_estimator *est = dfg_estimator_find(a.estimator);
    if (!est)
        return usage_error("estimate", "unknown estimator \"%s\" (see 'darkfig estimators')",
                           a.estimator);
    if (c.boot.B > 0 && c.boot.bo.type == DFG_BOOT_PARAMETRIC)
        return usage_error("estimate",
                           "the parametric bootstrap needs fitted cells: use 'darkfig fit' "
                           "or 'darkfig search'");
    c.est.method = est->name;
    dfg_error err = {0};
    dfg_table *t = NULL;
    dfg_estimate e;
    memset(&e, 0, sizeof e);
    dfg_boot_result boot;
    memset(&boot, 0, sizeof boot);
    int has_boot = 0;
    char sha[65] = "";
    out_buf ob = {NULL, NULL, 0};
    FILE *o = NULL;
    int code = 0;
    dfg_status rc = load_table(&c, &t, sha, &err);
    if (rc == DFG_OK && dfg_table_k(t) < est->min_lists) {
        fprintf(stderr, "darkfig: %s: %s needs at least %zu lists (the file has %zu)\n", c.file,
                est->name, est->min_lists, dfg_table_k(t));
        code = EXIT_INPUT;
        goto done;
    }
    if (rc == DFG_OK)
        rc = est->estimate(t, 0, &c.est, &e, &err);
    if (rc != DFG_OK) {
        code = fail(&err, rc);
        goto done;
    }
    if (c.boot.B > 0) {
        if ((code = run_boot(&c, est, t, &c.est, NULL, &boot)))
            goto done;
        has_boot = 1;
    }
    if ((code = out_open(&ob)) != 0)
        goto done;
    o = ob.f;
    int pct = (int)lround(100.0 * c.est.level);
    int has_ci = e.ci.type != DFG_CI_NONE && c.est.want_ci;
    if (c.format == FMT_TEXT) {
        fprintf(
            o,
            "darkfig %s estimate\ninput     %s (sha256 %.16s...)\nestimator %s: %s\nmodel     %s\n"
            "check     %s\n\n",
            DFG_VERSION, c.file, sha, est->name, est->summary, e.model, dfg_check_name(e.check));
        fprintf(o, "  registered (n)          %12.0f\n", e.n_obs);
        fprintf(o, "  estimated total (N)     %12.1f   s.e. %.1f\n", e.nhat, e.se);
        fprintf(o, "  dark figure (N - n)     %12.1f\n", e.dark);
        if (has_ci)
            fprintf(o, "  %d%% interval for N      [%.1f, %.1f]   %s\n", pct, e.ci.lower,
                    e.ci.upper, dfg_ci_type_name(e.ci.type));
        if (isfinite(e.deviance))
            fprintf(o, "  deviance %.3f, df %.0f, AIC %.3f, BIC %.3f\n", e.deviance, e.df, e.aic,
                    e.bic);
        if (e.note[0])
            fprintf(o, "  note: %s\n", e.note);
        if (has_boot)
            boot_text(o, &boot, c.est.level);
    } else if (c.format == FMT_CSV) {
        fputs("file,sha256,estimator,model,check,n,N,se,dark_figure,level,ci_type,lower,upper,"
              "deviance,df,"
              "AIC,BIC,boot_B,boot_seed,boot_interval,boot_lower,boot_upper,note,darkfig_version\n",
              o);
        csv_string(o, c.file);
        fprintf(o, ",%s,%s,", sha, est->name);
        csv_string(o, e.model);
        fprintf(o, ",%s", dfg_check_name(e.check));
        double v[] = {e.n_obs, e.nhat, e.se, e.dark, c.est.level};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            fputc(',', o);
            csv_number(o, v[i]);
        }
        fprintf(o, ",%s,", has_ci ? dfg_ci_type_name(e.ci.type) : "");
        double w[] = {
            has_ci ? e.ci.lower : DNAN, has_ci ? e.ci.upper : DNAN, e.deviance, e.df, e.aic, e.bic};
        for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
            csv_number(o, w[i]);
            fputc(',', o);
        }
        if (has_boot) {
            fprintf(o, "%zu,%lu,%s,", boot.B, (unsigned long)boot.seed,
                    dfg_ci_type_name(boot.ci.type));
            csv_number(o, boot.ci.lower);
            fputc(',', o);
            csv_number(o, boot.ci.upper);
        } else {
            fputs("0,,,NA,NA", o);
        }
        fputc(',', o);
        csv_string(o, e.note);
        fprintf(o, ",%s\n", DFG_VERSION);
    } else {
        fprintf(o,
                "{\n  \"darkfig_version\": \"%s\",\n  \"command\": \"estimate\",\n  \"input\": "
                "{\"file\": ",
                DFG_VERSION);
        json_string(o, c.file);
        fprintf(o, ", \"sha256\": \"%s\"},\n  \"estimator\": \"%s\",\n  \"model\": ", sha,
                est->name);
        json_string(o, e.model);
        fprintf(o, ",\n  \"check\": \"%s\",\n", dfg_check_name(e.check));
        if (has_boot)
            boot_json(o, &boot, c.est.level);
        const char *keys[] = {"n", "N", "se", "dark_figure", "deviance", "df", "AIC", "BIC"};
        double v[] = {e.n_obs, e.nhat, e.se, e.dark, e.deviance, e.df, e.aic, e.bic};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            fprintf(o, "  \"%s\": ", keys[i]);
            json_number(o, v[i]);
            fputs(",\n", o);
        }
        fprintf(o, "  \"interval\": {\"type\": \"%s\", \"level\": ",
                has_ci ? dfg_ci_type_name(e.ci.type) : "none");
        json_number(o, c.est.level);
        fputs(", \"lower\": ", o);
        json_number(o, has_ci ? e.ci.lower : DNAN);
        fputs(", \"upper\": ", o);
        json_number(o, has_ci ? e.ci.upper : DNAN);
        fputs("},\n  \"note\": ", o);
        json_string(o, e.note);
        fputs("\n}\n", o);
    }
    code = out_flush(&ob);
done:
    out_free(&ob);
    if (has_boot)
        dfg_boot_result_free(&boot);
    dfg_table_free(t);
    return code;
}
