/* bench/accuracy/acc.c: replicates, performance measures with Monte-Carlo standard errors,
 * CSV/JSON output and the comparison with a stored baseline.
 *
 * Performance measures and their Monte-Carlo standard errors follow Morris, White &
 * Crowther (2019), "Using simulation studies to evaluate statistical methods", Stat. Med.
 * 38:2074, Table 6. With N the true total, Nh_r the estimate of replicate r, over the
 * n_ok replicates whose estimator succeeded (status DFG_OK, finite estimate):
 *   bias      = mean(Nh - N)                    mcse = sd(Nh) / sqrt(n_ok)
 *   relbias   = bias / N                        mcse = sd(Nh) / (N sqrt(n_ok))
 *   rmse      = sqrt(MSE), MSE = mean((Nh-N)^2) mcse = mcse(MSE) / (2 rmse),
 *               mcse(MSE) = sd((Nh-N)^2) / sqrt(n_ok)        (delta method)
 *   rmse_log  = the same for log(Nh / N)
 *   coverL    = share of intervals at level L containing N   mcse = sqrt(p~(1-p~)/n_ci)
 *   widthL    = mean(upper - lower) over finite intervals     mcse = sd / sqrt(n)
 *   fail      = share of the R replicates that failed        mcse = sqrt(p~(1-p~)/R)
 * where p~ = (x + 1) / (n + 2) (Laplace's rule) so that a share of 0 or 1 does not get a
 * zero standard error (a single new failure would otherwise always be a "regression").
 * An interval with no upper limit (profile that did not cross) covers when lower <= N and
 * is left out of the width.
 *
 * Bootstrap intervals (ci=bca, ci=percentile; any estimator): each simulated table is
 * bootstrapped with dfg_boot_run (core/boot.c; nonparametric, boot_B replicates, the whole
 * estimator, its selection included, rerun in each; Chan, Silverman & Vincent 2021 JASA
 * 116:1297), from stream seed boot_seed(scenario seed, r), one thread per table. The 95%
 * interval is the engine's; the 80% one comes from the same replicates, z0 and a, by the
 * engine's documented rule (darkfig.h: quantile type 7 of the N*_b at the levels
 * Phi(z0 + w / (1 - a w)), w = z0 + z_alpha, DiCiccio & Efron 1996 Stat. Sci. 11:189),
 * and acc_run checks that this rule reproduces the engine's 95% limits to 1e-9.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "acc.h"
#include "../bench_clock.h"
#include "internal.h" /* dfg_quantile7, dfg_cmp_double, dfg_rng_fmix32 */

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    int ok;
    double nhat;
    int has_ci[2]; /* [0] 95%, [1] 80% */
    double lo[2], hi[2];
    double secs;
    int mismatch; /* bootstrap: the 95% limits recomputed here differ from the engine's */
    dfg_status sim_status;
    dfg_error sim_err;
} rep;

typedef struct {
    const dfg_scenario *sc;
    const acc_method *m;
    size_t R;
    uint32_t seed;
    int tid, nthreads;
    rep *reps;
} job;

static const double levels[2] = {0.95, 0.80};

/* Level of a bootstrap limit with normal quantile z: percentile Phi(z); BCa
 * Phi(z0 + w / (1 - a w)), w = z0 + z, and past the pole (1 - a w <= 0) the limit from
 * the valid side, 1 when w > 0 else 0 (darkfig.h, dfg_boot_run). */
static double boot_level(const dfg_boot_result *b, dfg_ci_type ci, double z)
{
    if (ci != DFG_CI_BCA)
        return gsl_cdf_ugaussian_P(z);
    double w = b->z0 + z, d = 1.0 - b->accel * w;
    if (!(d > 0.0))
        return w > 0.0 ? 1.0 : 0.0;
    return gsl_cdf_ugaussian_P(b->z0 + w / d);
}

/* Seed of the bootstrap of table r: Murmur3's 32-bit finaliser of the scenario seed and
 * r, so that its streams (seed', b) are unrelated to the tables' streams (seed, r). */
static uint32_t boot_seed(uint32_t seed, size_t r)
{
    return dfg_rng_fmix32((seed ^ 0xb0075eedu) + 0x9e3779b9u * (uint32_t)(r + 1));
}

/* Bootstrap intervals for table t of replicate r: both levels from one dfg_boot_run.
 * When the bootstrap fails the point estimate still counts if the estimator alone
 * succeeds (as for the estimators' own intervals). */
static void boot_replicate(const job *j, size_t r, const dfg_table *t, rep *p)
{
    const acc_method *m = j->m;
    dfg_est_opts o = m->opts;
    o.want_ci = 0;
    o.ci_type = DFG_CI_NONE;
    dfg_boot_opts bo = dfg_boot_opts_default();
    bo.B = m->boot_B ? m->boot_B : ACC_BOOT_B;
    bo.seed = boot_seed(j->seed, r);
    bo.threads = 1; /* the tables run in parallel */
    bo.type = DFG_BOOT_NONPARAMETRIC;
    bo.interval = m->boot_ci;
    bo.level = levels[0];
    dfg_boot_result b;
    memset(&b, 0, sizeof b);
    dfg_error err = {0};
    dfg_status rc = dfg_boot_run(m->est, t, 0, &o, &bo, &b, &err);
    if (rc != DFG_OK) {
        dfg_estimate e;
        memset(&e, 0, sizeof e);
        dfg_error err2 = {0};
        if (rc != DFG_ENOMEM && m->est->estimate(t, 0, &o, &e, &err2) != DFG_ENOMEM &&
            e.status == DFG_OK && isfinite(e.nhat)) {
            p->ok = 1;
            p->nhat = e.nhat;
        }
        return;
    }
    p->ok = isfinite(b.nhat);
    p->nhat = b.nhat;
    double *x = malloc(b.B * sizeof *x);
    size_t n = 0;
    if (p->ok && x) {
        for (size_t i = 0; i < b.B; i++)
            if (b.rep_status[i] == DFG_OK)
                x[n++] = b.nstar[i];
        qsort(x, n, sizeof *x, dfg_cmp_double);
        for (int l = 0; l < 2; l++) {
            double z = gsl_cdf_ugaussian_Pinv((1.0 - levels[l]) / 2.0); /* z_{alpha/2} < 0 */
            p->lo[l] = dfg_quantile7(x, n, boot_level(&b, m->boot_ci, z));
            p->hi[l] = dfg_quantile7(x, n, boot_level(&b, m->boot_ci, -z));
            p->has_ci[l] = isfinite(p->lo[l]) && isfinite(p->hi[l]);
        }
        /* the engine's own 95% limits: the rule above must give the same digits */
        double tol = 1e-9 * fabs(b.ci.upper);
        if (fabs(p->lo[0] - b.ci.lower) > tol || fabs(p->hi[0] - b.ci.upper) > tol)
            p->mismatch = 1;
    }
    free(x);
    dfg_boot_result_free(&b);
}

static void one_replicate(const job *j, size_t r)
{
    rep *p = &j->reps[r];
    dfg_table *t = NULL;
    memset(p, 0, sizeof *p);
    p->nhat = NAN;
    double t0 = bench_wall();
    p->sim_status = dfg_sim_table(j->sc, j->seed, r, &t, &p->sim_err);
    if (p->sim_status)
        return;
    if (j->m->intervals && j->m->boot_ci != DFG_CI_NONE) {
        boot_replicate(j, r, t, p);
        p->secs = bench_wall() - t0;
        dfg_table_free(t);
        return;
    }
    for (int l = 0; l < (j->m->intervals ? 2 : 1); l++) {
        dfg_est_opts o = j->m->opts;
        o.level = levels[l];
        o.want_ci = j->m->intervals;
        dfg_estimate e;
        memset(&e, 0, sizeof e);
        dfg_error err = {0};
        dfg_status rc = j->m->est->estimate(t, 0, &o, &e, &err);
        /* the point counts when the estimate itself succeeded; the interval only when the
         * whole call did */
        if (e.status != DFG_OK || !isfinite(e.nhat) || rc == DFG_ENOMEM)
            break;
        if (l == 0) {
            p->ok = 1;
            p->nhat = e.nhat;
        }
        if (rc != DFG_OK)
            continue;
        if (j->m->intervals && e.ci.type != DFG_CI_NONE && isfinite(e.ci.lower) &&
            !isnan(e.ci.upper)) {
            p->has_ci[l] = 1;
            p->lo[l] = e.ci.lower;
            p->hi[l] = e.ci.upper;
        } else if (j->m->intervals && e.ci.upper_beyond && isfinite(e.ci.lower)) {
            p->has_ci[l] = 1;
            p->lo[l] = e.ci.lower;
            p->hi[l] = HUGE_VAL;
        }
    }
    p->secs = bench_wall() - t0;
    dfg_table_free(t);
}

static void *worker(void *arg)
{
    const job *j = arg;
    for (size_t r = (size_t)j->tid; r < j->R; r += (size_t)j->nthreads)
        one_replicate(j, r);
    return NULL;
}

static int push(acc_rows *out, const char *scenario, const char *method, const char *metric,
                double value, double mcse, long n, double truth)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? 2 * out->cap : 64;
        acc_row *nr = realloc(out->rows, cap * sizeof *nr);
        if (!nr)
            return -1;
        out->rows = nr;
        out->cap = cap;
    }
    acc_row *w = &out->rows[out->n++];
    memset(w, 0, sizeof *w);
    snprintf(w->scenario, sizeof w->scenario, "%s", scenario);
    snprintf(w->method, sizeof w->method, "%s", method);
    snprintf(w->metric, sizeof w->metric, "%s", metric);
    w->value = value;
    w->mcse = mcse;
    w->n = n;
    w->truth = truth;
    return 0;
}

void acc_rows_free(acc_rows *r)
{
    if (r) {
        free(r->rows);
        memset(r, 0, sizeof *r);
    }
}

/* Mean and sample standard deviation of x[0..n-1] in a fixed order (Welford). */
static void mean_sd(const double *x, size_t n, double *mean, double *sd)
{
    double m = 0.0, s = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - m;
        m += d / (double)(i + 1);
        s += d * (x[i] - m);
    }
    *mean = n ? m : (double)NAN;
    *sd = n > 1 ? sqrt(s / (double)(n - 1)) : (double)NAN;
}

/* mcse of a share x / n with Laplace's p~ = (x + 1) / (n + 2). */
static double share_mcse(double x, double n)
{
    double p = (x + 1.0) / (n + 2.0);
    return n > 0 ? sqrt(p * (1.0 - p) / n) : (double)NAN;
}

int acc_run(const dfg_scenario *sc, const acc_method *m, size_t R, uint32_t seed, int threads,
            acc_rows *out, dfg_error *err)
{
    if (!sc || !m || !m->est || !out || R < 2) {
        if (err) {
            err->code = DFG_EINVAL;
            snprintf(err->msg, sizeof err->msg, "acc_run: bad arguments");
        }
        return -1;
    }
    if (threads < 1)
        threads = 1;
    if ((size_t)threads > R)
        threads = (int)R;
    rep *reps = calloc(R, sizeof *reps);
    double *a = calloc(R, sizeof *a), *b = calloc(R, sizeof *b);
    job *jobs = calloc((size_t)threads, sizeof *jobs);
    pthread_t *th = calloc((size_t)threads, sizeof *th);
    int rc = -1;
    if (!reps || !a || !b || !jobs || !th) {
        if (err) {
            err->code = DFG_ENOMEM;
            snprintf(err->msg, sizeof err->msg, "acc_run: out of memory");
        }
        goto done;
    }
    for (int i = 0; i < threads; i++) {
        jobs[i] = (job){sc, m, R, seed, i, threads, reps};
        if (i > 0 && pthread_create(&th[i], NULL, worker, &jobs[i]) != 0) {
            for (int w = 1; w < i; w++)
                pthread_join(th[w], NULL);
            if (err) {
                err->code = DFG_ENOMEM;
                snprintf(err->msg, sizeof err->msg, "acc_run: cannot start a thread");
            }
            goto done;
        }
    }
    worker(&jobs[0]);
    for (int i = 1; i < threads; i++)
        pthread_join(th[i], NULL);
    for (size_t r = 0; r < R; r++)
        if (reps[r].sim_status) {
            if (err)
                *err = reps[r].sim_err;
            goto done;
        }
    for (size_t r = 0; r < R; r++)
        if (reps[r].mismatch) {
            if (err) {
                err->code = DFG_EINTERNAL;
                snprintf(err->msg, sizeof err->msg,
                         "acc_run: replicate %zu: the 95%% bootstrap limits recomputed from "
                         "z0 and a differ from dfg_boot_run's",
                         r);
            }
            goto done;
        }

    /* reductions in replicate order */
    const char *sn = dfg_scenario_name(sc), *mn = m->label;
    double N = dfg_scenario_total(sc), mean, sd, secs = 0.0;
    size_t n_ok = 0;
    for (size_t r = 0; r < R; r++) {
        secs += reps[r].secs;
        if (reps[r].ok)
            a[n_ok++] = reps[r].nhat;
    }
    long nk = (long)n_ok;
    /* bias = mean(Nh) - N, mcse = sd(Nh) / sqrt(n) */
    mean_sd(a, n_ok, &mean, &sd);
    double se_mean = sd / sqrt((double)n_ok);
    if (push(out, sn, mn, "bias", mean - N, se_mean, nk, N) ||
        push(out, sn, mn, "relbias", (mean - N) / N, se_mean / N, nk, N))
        goto oom;
    /* MSE = mean (Nh - N)^2; rmse = sqrt(MSE), mcse = sd((Nh-N)^2) / sqrt(n) / (2 rmse) */
    for (int lg = 0; lg < 2; lg++) {
        for (size_t i = 0; i < n_ok; i++) {
            double d = lg ? log(a[i] / N) : a[i] - N;
            b[i] = d * d;
        }
        mean_sd(b, n_ok, &mean, &sd);
        double rmse = sqrt(mean);
        if (push(out, sn, mn, lg ? "rmse_log" : "rmse", rmse,
                 sd / sqrt((double)n_ok) / (2.0 * rmse), nk, N))
            goto oom;
    }
    if (m->intervals)
        for (int l = 0; l < 2; l++) {
            size_t n_ci = 0, n_w = 0;
            double cov = 0.0;
            for (size_t r = 0; r < R; r++) {
                if (!reps[r].ok || !reps[r].has_ci[l])
                    continue;
                n_ci++;
                cov += reps[r].lo[l] <= N && N <= reps[r].hi[l];
                if (isfinite(reps[r].hi[l]))
                    b[n_w++] = reps[r].hi[l] - reps[r].lo[l];
            }
            mean_sd(b, n_w, &mean, &sd);
            char cn[16], wn[16];
            int pct = (int)lround(100.0 * levels[l]);
            snprintf(cn, sizeof cn, "cover%d", pct);
            snprintf(wn, sizeof wn, "width%d", pct);
            if (push(out, sn, mn, cn, n_ci ? cov / (double)n_ci : (double)NAN,
                     share_mcse(cov, (double)n_ci), (long)n_ci, N) ||
                push(out, sn, mn, wn, mean, sd / sqrt((double)n_w), (long)n_w, N))
                goto oom;
        }
    double fails = (double)(R - n_ok);
    if (push(out, sn, mn, "fail", fails / (double)R, share_mcse(fails, (double)R), (long)R, N) ||
        push(out, sn, mn, "seconds", secs / (double)R, NAN, (long)R, N))
        goto oom;
    rc = 0;
    goto done;
oom:
    if (err) {
        err->code = DFG_ENOMEM;
        snprintf(err->msg, sizeof err->msg, "acc_run: out of memory");
    }
done:
    free(reps);
    free(a);
    free(b);
    free(jobs);
    free(th);
    return rc;
}

int acc_method_option(acc_method *m, const char *kv, char *msg, size_t msg_size)
{
    const char *eq = strchr(kv, '=');
    if (!eq) {
        snprintf(msg, msg_size, "expected key=value, got \"%s\"", kv);
        return -1;
    }
    size_t kl = (size_t)(eq - kv);
    const char *v = eq + 1;
    char *end;
#define KEY(s) (kl == strlen(s) && !strncmp(kv, s, kl))
    if (KEY("ci")) {
        static const struct {
            const char *name;
            dfg_ci_type t;
        } cis[] = {{"default", DFG_CI_NONE},
                   {"lognormal", DFG_CI_LOGNORMAL},
                   {"profile", DFG_CI_PROFILE},
                   {"percentile", DFG_CI_PERCENTILE},
                   {"bca", DFG_CI_BCA}};
        if (!strcmp(v, "none")) {
            m->intervals = 0;
            m->boot_ci = DFG_CI_NONE;
            return 0;
        }
        for (size_t i = 0; i < sizeof cis / sizeof cis[0]; i++)
            if (!strcmp(v, cis[i].name)) {
                /* bootstrap intervals come from dfg_boot_run, not from the estimator */
                int boot = cis[i].t == DFG_CI_BCA || cis[i].t == DFG_CI_PERCENTILE;
                m->opts.ci_type = boot ? DFG_CI_NONE : cis[i].t;
                m->boot_ci = boot ? cis[i].t : DFG_CI_NONE;
                m->intervals = 1;
                return 0;
            }
        snprintf(msg, msg_size, "unknown interval \"%s\"", v);
        return -1;
    }
    /* string options point into the caller's plan text, which outlives the run */
    if (KEY("model"))
        m->opts.model = v;
    else if (KEY("method"))
        m->opts.method = v;
    else if (KEY("criterion"))
        m->opts.criterion = v;
    else if (KEY("threshold")) {
        m->opts.threshold = strtod(v, &end);
        if (*end || end == v)
            goto bad;
    } else if (KEY("boot")) {
        long x = strtol(v, &end, 10);
        if (*end || end == v || x < 2)
            goto bad;
        m->boot_B = (size_t)x;
    } else if (KEY("chains") || KEY("burnin") || KEY("samples") || KEY("thin")) {
        long x = strtol(v, &end, 10); /* the length of a sampling estimator (lcmcr) */
        if (*end || end == v || x < 1)
            goto bad;
        if (KEY("chains"))
            m->opts.mcmc_chains = (size_t)x;
        else if (KEY("burnin"))
            m->opts.mcmc_burnin = (size_t)x;
        else if (KEY("samples"))
            m->opts.mcmc_samples = (size_t)x;
        else
            m->opts.mcmc_thin = (size_t)x;
    } else if (KEY("max_order") || KEY("list_a") || KEY("list_b")) {
        long x = strtol(v, &end, 10);
        if (*end || end == v)
            goto bad;
        if (KEY("max_order"))
            m->opts.max_order = (int)x;
        else if (KEY("list_a"))
            m->opts.list_a = (int)x;
        else
            m->opts.list_b = (int)x;
    } else {
        snprintf(msg, msg_size, "unknown option \"%.*s\"", (int)kl, kv);
        return -1;
    }
#undef KEY
    return 0;
bad:
    snprintf(msg, msg_size, "bad value in \"%s\"", kv);
    return -1;
}

static void put_num(FILE *f, double x)
{
    if (isnan(x))
        fputs("NA", f);
    else if (isinf(x))
        fputs(x > 0 ? "Inf" : "-Inf", f);
    else
        fprintf(f, "%.10g", x);
}

int acc_write_csv(FILE *f, const acc_rows *r)
{
    fputs("scenario,method,metric,value,mcse,n,truth\n", f);
    for (size_t i = 0; i < r->n; i++) {
        const acc_row *w = &r->rows[i];
        fprintf(f, "%s,%s,%s,", w->scenario, w->method, w->metric);
        put_num(f, w->value);
        fputc(',', f);
        put_num(f, w->mcse);
        fprintf(f, ",%ld,", w->n);
        put_num(f, w->truth);
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

static void json_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.10g", x);
    else
        fputs("null", f);
}

int acc_write_json(FILE *f, const acc_rows *r, uint32_t seed, const char *tier)
{
    fprintf(f, "{\n  \"darkfig_version\": \"%s\",\n  \"seed\": %lu,\n  \"tier\": \"%s\",\n",
            DFG_VERSION, (unsigned long)seed, tier ? tier : "");
    fputs("  \"rows\": [\n", f);
    for (size_t i = 0; i < r->n; i++) {
        const acc_row *w = &r->rows[i];
        fprintf(f, "    {\"scenario\": \"%s\", \"method\": \"%s\", \"metric\": \"%s\", \"value\": ",
                w->scenario, w->method, w->metric);
        json_num(f, w->value);
        fputs(", \"mcse\": ", f);
        json_num(f, w->mcse);
        fprintf(f, ", \"n\": %ld, \"truth\": ", w->n);
        json_num(f, w->truth);
        fprintf(f, "}%s\n", i + 1 < r->n ? "," : "");
    }
    fputs("  ]\n}\n", f);
    return ferror(f) ? -1 : 0;
}

static double get_num(const char *s, int *bad)
{
    if (!strcmp(s, "NA"))
        return NAN;
    if (!strcmp(s, "Inf"))
        return HUGE_VAL;
    if (!strcmp(s, "-Inf"))
        return -HUGE_VAL;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end)
        *bad = 1;
    return v;
}

int acc_read_csv(const char *path, acc_rows *out, char *msg, size_t msg_size)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(msg, msg_size, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[512];
    size_t ln = 0;
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        line[strcspn(line, "\r\n")] = '\0';
        if (ln == 1 || !line[0])
            continue;
        char *fld[7];
        size_t nf = 0;
        for (char *p = line; nf < 7;) {
            fld[nf++] = p;
            char *c = strchr(p, ',');
            if (!c)
                break;
            *c = '\0';
            p = c + 1;
        }
        int bad = nf != 7;
        double v = 0, se = 0, truth = 0;
        long n = 0;
        if (!bad) {
            v = get_num(fld[3], &bad);
            se = get_num(fld[4], &bad);
            n = (long)get_num(fld[5], &bad);
            truth = get_num(fld[6], &bad);
        }
        if (bad || push(out, fld[0], fld[1], fld[2], v, se, n, truth)) {
            snprintf(msg, msg_size, "%s:%zu: bad row", path, ln);
            rc = -1;
            break;
        }
    }
    fclose(f);
    return rc;
}

/* How much worse cur is than base (> 0 = worse) on the metric's scale. */
static double worse_by(const char *metric, double base, double cur)
{
    if (!strcmp(metric, "bias") || !strcmp(metric, "relbias"))
        return fabs(cur) - fabs(base);
    if (!strncmp(metric, "cover", 5)) {
        double nominal = atof(metric + 5) / 100.0;
        return fabs(cur - nominal) - fabs(base - nominal);
    }
    return cur - base; /* rmse, rmse_log, width, fail: larger is worse */
}

size_t acc_compare(const acc_rows *base, const acc_rows *cur, double nse, FILE *report)
{
    size_t bad = 0;
    for (size_t i = 0; i < base->n; i++) {
        const acc_row *b = &base->rows[i];
        if (!strcmp(b->metric, "seconds"))
            continue; /* timing is not accuracy: see bench/speed */
        const acc_row *c = NULL;
        for (size_t j = 0; j < cur->n && !c; j++)
            if (!strcmp(cur->rows[j].scenario, b->scenario) &&
                !strcmp(cur->rows[j].method, b->method) && !strcmp(cur->rows[j].metric, b->metric))
                c = &cur->rows[j];
        if (!c) {
            bad++;
            if (report)
                fprintf(report, "REGRESSION %s %s %s: missing from the new results\n", b->scenario,
                        b->method, b->metric);
            continue;
        }
        if (isnan(b->value))
            continue; /* nothing to be worse than */
        double allowed =
            nse * hypot(isfinite(b->mcse) ? b->mcse : 0.0, isfinite(c->mcse) ? c->mcse : 0.0);
        double w = isnan(c->value) ? HUGE_VAL : worse_by(b->metric, b->value, c->value);
        if (w > allowed) {
            bad++;
            if (report)
                fprintf(report,
                        "REGRESSION %s %s %s: %.6g -> %.6g (worse by %.4g, allowed %.4g = %g "
                        "combined MC s.e.)\n",
                        b->scenario, b->method, b->metric, b->value, c->value, w, allowed, nse);
        }
    }
    return bad;
}
