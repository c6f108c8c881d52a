/* cli/boot.c: bootstrap runs from the command line: progress on stderr, Ctrl-C, the
 * replicate file, and the bootstrap's part of the text and JSON output.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted = 0;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void boot_progress(size_t done, size_t total, void *data)
{
    (void)data;
    fprintf(stderr, "\rbootstrap: %zu/%zu", done, total);
    if (done == total)
        fputc('\n', stderr);
}

/* Write the replicates to path via a temporary file renamed at the end, so that an
 * interrupted or failed run leaves no partial file. */
static int write_replicates(const char *path, const dfg_boot_result *r)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return EXIT_INTERNAL;
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "darkfig: %s: cannot write (%s)\n", path, strerror(errno));
        free(tmp);
        return EXIT_INPUT;
    }
    fprintf(f, "replicate,seed,N,status,check,model\n");
    for (size_t i = 0; i < r->B; i++) {
        fprintf(f, "%zu,%lu,", i, (unsigned long)r->seed);
        csv_number(f, r->nstar[i]);
        fprintf(f, ",%s,%s,", r->rep_status[i] == DFG_OK ? "ok" : dfg_strerror(r->rep_status[i]),
                dfg_check_name(r->rep_check[i]));
        csv_string(f, r->rep_model[i] == DFG_BOOT_NO_MODEL ? "" : r->models[r->rep_model[i]]);
        fputc('\n', f);
    }
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        fprintf(stderr, "darkfig: %s: cannot write (%s)\n", path, strerror(errno));
        remove(tmp);
        free(tmp);
        return EXIT_INPUT;
    }
    free(tmp);
    return 0;
}

/* Run the bootstrap of est with the command-line settings (replicates compute point
 * estimates only), then write --replicates. Returns 0, or the exit code after saying why
 * (130 when interrupted); *res is filled on 0 (release with dfg_boot_result_free). */
int run_boot(common_opts *c, const dfg_estimator *est, const dfg_table *t,
             const dfg_est_opts *eo_in, const double *fitted, dfg_boot_result *res)
{
    boot_cli *b = &c->boot;
    dfg_est_opts eo = *eo_in;
    eo.want_ci = 0;
    b->bo.B = b->B;
    b->bo.level = c->est.level;
    b->bo.fitted = fitted;
    if (!b->seed_given)
        b->bo.seed = (uint32_t)time(NULL);
    b->bo.cancel = &interrupted;
    if (isatty(STDERR_FILENO))
        b->bo.progress = boot_progress;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    dfg_error err = {0};
    dfg_status rc = dfg_boot_run(est, t, 0, &eo, &b->bo, res, &err);
    sigaction(SIGINT, &old, NULL);
    if (rc == DFG_ECANCEL) {
        fprintf(stderr, "\ndarkfig: interrupted: no output written\n");
        return 130;
    }
    if (rc != DFG_OK)
        return fail(&err, rc);
    int code = b->replicates ? write_replicates(b->replicates, res) : 0;
    if (code != 0)
        dfg_boot_result_free(res);
    return code;
}

void boot_text(FILE *o, const dfg_boot_result *r, double level)
{
    int pct = (int)lround(100.0 * level);
    fprintf(o,
            "\nbootstrap %zu %s replicates, the whole estimator (selection included) rerun in\n"
            "          each; seed %lu\n",
            r->B, r->type == DFG_BOOT_PARAMETRIC ? "parametric" : "nonparametric",
            (unsigned long)r->seed);
    if (r->ci.type == DFG_CI_BCA)
        fprintf(o,
                "  %d%% BCa interval        [%.1f, %.1f]   (z0 = %.4f, a = %.5f; DiCiccio & Efron "
                "1996)\n",
                pct, r->ci.lower, r->ci.upper, r->z0, r->accel);
    fprintf(o, "  %d%% percentile          [%.1f, %.1f]\n", pct, r->percentile.lower,
            r->percentile.upper);
    fprintf(o, "  mean %.1f, median %.1f, s.e. %.1f over %zu replicates\n", r->mean, r->median,
            r->se, r->n_ok);
    fprintf(o, "  failed %.1f%%, chosen model at the boundary %.1f%%\n", 100.0 * r->share_failed,
            100.0 * r->share_boundary);
    size_t show = r->n_models < 5 ? r->n_models : 5;
    if (show > 1 || (show == 1 && r->n_models > 0)) {
        fprintf(o, "  models chosen (%zu distinct):", r->n_models);
        for (size_t i = 0; i < show; i++)
            fprintf(o, "%s %s %.1f%%", i ? "," : "", r->models[i],
                    100.0 * (double)r->model_count[i] / (double)r->B);
        fputc('\n', o);
    }
}

void boot_json(FILE *o, const dfg_boot_result *r, double level)
{
    fprintf(o,
            "  \"bootstrap\": {\"B\": %zu, \"type\": \"%s\", \"seed\": %lu, \"interval\": \"%s\", "
            "\"level\": ",
            r->B, r->type == DFG_BOOT_PARAMETRIC ? "parametric" : "nonparametric",
            (unsigned long)r->seed, dfg_ci_type_name(r->ci.type));
    json_number(o, level);
    const char *keys[] = {
        "lower",  "upper", "percentile_lower", "percentile_upper", "z0", "acceleration", "mean",
        "median", "se",    "share_failed",     "share_boundary"};
    double v[] = {r->ci.lower,
                  r->ci.upper,
                  r->percentile.lower,
                  r->percentile.upper,
                  r->z0,
                  r->accel,
                  r->mean,
                  r->median,
                  r->se,
                  r->share_failed,
                  r->share_boundary};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        fprintf(o, ", \"%s\": ", keys[i]);
        json_number(o, v[i]);
    }
    fputs(", \"models\": [", o);
    for (size_t i = 0; i < r->n_models; i++) {
        fputs(i ? ", {\"model\": " : "{\"model\": ", o);
        json_string(o, r->models[i]);
        fprintf(o, ", \"count\": %zu}", r->model_count[i]);
    }
    fputs("]},\n", o);
}
