/* tests/test_accuracy_compare.c: the accuracy benchmark's engine (bench/accuracy/acc.c):
 * metrics recomputed here by hand, results independent of the thread count, the CSV round
 * trip, and the baseline comparison: it passes on identical results and on an honest rerun
 * with other seeds, and fails on a deliberately worsened estimator (N x 1.3).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include "acc.h"
#include "check.h"
#include "oracle.h"

#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

#define SCN DFG_DATA_DIR "/../bench/accuracy/scenarios/independence.scn"

/* Chapman (1951) of the first list against the union of the others, with the log-normal
 * interval of Chao (1987) on the dark figure from Seber's variance; `factor` scales the
 * estimate and the interval (1.3: the worsened estimator). */
static dfg_status chapman(const dfg_table *t, size_t s, const dfg_est_opts *o, dfg_estimate *out,
                          double factor)
{
    double na, nb, m;
    oracle_first_vs_rest(t, s, &na, &nb, &m);
    memset(out, 0, sizeof *out);
    double n = dfg_table_n_obs(t, s);
    out->n_obs = n;
    out->nhat = factor * ((na + 1) * (nb + 1) / (m + 1) - 1);
    double var = (na + 1) * (nb + 1) * (na - m) * (nb - m) / ((m + 1) * (m + 1) * (m + 2));
    out->se = factor * sqrt(var);
    if (o->want_ci) {
        double f0 = out->nhat - n, z = o->level > 0.9 ? 1.959963984540054 : 1.2815515655446004;
        double c = exp(z * sqrt(log(1.0 + var / (f0 * f0))));
        out->ci.type = DFG_CI_LOGNORMAL;
        out->ci.level = o->level;
        out->ci.lower = n + f0 / c;
        out->ci.upper = n + f0 * c;
    }
    return out->status = DFG_OK;
}

static dfg_status good(const dfg_table *t, size_t s, const dfg_est_opts *o, dfg_estimate *out,
                       dfg_error *err)
{
    (void)err;
    return chapman(t, s, o, out, 1.0);
}

static dfg_status worse(const dfg_table *t, size_t s, const dfg_est_opts *o, dfg_estimate *out,
                        dfg_error *err)
{
    (void)err;
    return chapman(t, s, o, out, 1.3);
}

static const dfg_estimator good_est = {"chapman-test", "test", 2, good};
static const dfg_estimator worse_est = {"chapman-test", "test (x 1.3)", 2, worse};

static const acc_row *find(const acc_rows *r, const char *metric)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->rows[i].metric, metric))
            return &r->rows[i];
    return NULL;
}

static acc_method method(const dfg_estimator *e)
{
    acc_method m;
    memset(&m, 0, sizeof m);
    snprintf(m.label, sizeof m.label, "chapman-test");
    m.est = e;
    m.opts = dfg_est_opts_default();
    m.intervals = 1;
    return m;
}

enum { R = 200 };

int main(void)
{
    gsl_set_error_handler_off();
    dfg_error err = {0};
    dfg_scenario *sc = NULL;
    CHECK_CODE(dfg_scenario_read(SCN, &sc, &err), DFG_OK);
    if (!sc)
        CHECK_DONE();
    double N = dfg_scenario_total(sc);
    acc_method mg = method(&good_est), mw = method(&worse_est);
    acc_rows base = {0}, one = {0}, other = {0}, bad = {0}, back = {0};
    CHECK(acc_run(sc, &mg, R, 42, 2, &base, &err) == 0);
    CHECK(acc_run(sc, &mg, R, 42, 1, &one, &err) == 0);
    CHECK(acc_run(sc, &mg, R, 4242, 2, &other, &err) == 0);
    CHECK(acc_run(sc, &mw, R, 42, 2, &bad, &err) == 0);

    /* the metrics by hand from the same tables (stream (42, r)) */
    double s1 = 0, s2 = 0, sl = 0, c95 = 0, c80 = 0, w95 = 0;
    for (size_t r = 0; r < R; r++) {
        dfg_table *t = NULL;
        dfg_estimate e;
        dfg_est_opts o = dfg_est_opts_default();
        o.want_ci = 1;
        o.level = 0.95;
        dfg_sim_table(sc, 42, r, &t, &err);
        good(t, 0, &o, &e, &err);
        s1 += e.nhat - N;
        s2 += (e.nhat - N) * (e.nhat - N);
        sl += log(e.nhat / N) * log(e.nhat / N);
        c95 += e.ci.lower <= N && N <= e.ci.upper;
        w95 += e.ci.upper - e.ci.lower;
        o.level = 0.80;
        good(t, 0, &o, &e, &err);
        c80 += e.ci.lower <= N && N <= e.ci.upper;
        dfg_table_free(t);
    }
    const acc_row *w;
    CHECK((w = find(&base, "bias")) && fabs(w->value - s1 / R) <= 1e-9 * N);
    CHECK((w = find(&base, "relbias")) && fabs(w->value - s1 / R / N) <= 1e-12);
    CHECK((w = find(&base, "rmse")) && fabs(w->value - sqrt(s2 / R)) <= 1e-9 * N);
    CHECK((w = find(&base, "rmse_log")) && fabs(w->value - sqrt(sl / R)) <= 1e-12);
    CHECK((w = find(&base, "cover95")) && w->value == c95 / R && w->n == R);
    CHECK((w = find(&base, "cover80")) && w->value == c80 / R);
    CHECK((w = find(&base, "width95")) && fabs(w->value - w95 / R) <= 1e-9 * N);
    CHECK((w = find(&base, "fail")) && w->value == 0.0 && w->mcse > 0.0);
    /* Laplace-smoothed mcse of a share: sqrt(p~(1 - p~)/n), p~ = (x + 1)/(n + 2) */
    if ((w = find(&base, "cover95")))
        CHECK_REL(w->mcse, sqrt((c95 + 1) / (R + 2) * (1 - (c95 + 1) / (R + 2)) / R), 1e-12);
    /* under independence Chapman is nearly unbiased: |relbias| within 4 mcse + 1% */
    if ((w = find(&base, "relbias")))
        CHECK(fabs(w->value) < 4 * w->mcse + 0.01);

    /* same seeds on 1 or 2 threads: the same digits */
    CHECK(one.n == base.n);
    for (size_t i = 0; i < base.n && i < one.n; i++)
        if (strcmp(base.rows[i].metric, "seconds"))
            CHECK(base.rows[i].value == one.rows[i].value);

    /* identical results and an honest rerun pass; the worsened estimator fails */
    CHECK(acc_compare(&base, &one, 3.0, stderr) == 0);
    CHECK(acc_compare(&base, &other, 3.0, stderr) == 0);
    FILE *rep = tmpfile();
    size_t nbad = acc_compare(&base, &bad, 3.0, rep);
    CHECK(nbad >= 3);
    char text[4096] = {0};
    if (rep) {
        rewind(rep);
        size_t got = fread(text, 1, sizeof text - 1, rep);
        text[got] = '\0';
        fclose(rep);
    }
    CHECK(strstr(text, "REGRESSION independence chapman-test bias:") != NULL);
    CHECK(strstr(text, "REGRESSION independence chapman-test rmse:") != NULL);
    CHECK(strstr(text, "cover95") != NULL);
    /* the worsened run is not a regression of itself, and the other way round it is an
     * improvement, not a regression */
    CHECK(acc_compare(&bad, &base, 3.0, stderr) == 0);

    /* CSV round trip keeps every value that the comparison reads */
    char path[] = "/tmp/darkfig-acc-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    CHECK(f != NULL);
    if (f) {
        CHECK(acc_write_csv(f, &base) == 0);
        fclose(f);
        char msg[256];
        CHECK(acc_read_csv(path, &back, msg, sizeof msg) == 0);
        CHECK(back.n == base.n);
        CHECK(acc_compare(&back, &base, 3.0, stderr) == 0);
        CHECK(acc_compare(&back, &bad, 3.0, NULL) == nbad);
        for (size_t i = 0; i < back.n && i < base.n; i++)
            if (isfinite(base.rows[i].value))
                CHECK_REL(back.rows[i].value, base.rows[i].value, 1e-9);
        remove(path);
    }
    /* a metric of the baseline that the new run lacks is a regression */
    snprintf(one.rows[0].metric, sizeof one.rows[0].metric, "renamed");
    CHECK(acc_compare(&base, &one, 3.0, NULL) == 1);
    /* option parsing */
    acc_method m = method(&good_est);
    char msg[128];
    CHECK(acc_method_option(&m, "ci=profile", msg, sizeof msg) == 0 &&
          m.opts.ci_type == DFG_CI_PROFILE);
    CHECK(acc_method_option(&m, "ci=none", msg, sizeof msg) == 0 && m.intervals == 0);
    CHECK(acc_method_option(&m, "threshold=0.02", msg, sizeof msg) == 0 &&
          m.opts.threshold == 0.02);
    CHECK(acc_method_option(&m, "max_order=3", msg, sizeof msg) == 0 && m.opts.max_order == 3);
    CHECK(acc_method_option(&m, "bogus=1", msg, sizeof msg) == -1);
    CHECK(acc_method_option(&m, "ci=bogus", msg, sizeof msg) == -1);

    acc_rows_free(&base);
    acc_rows_free(&one);
    acc_rows_free(&other);
    acc_rows_free(&bad);
    acc_rows_free(&back);
    dfg_scenario_free(sc);
    CHECK_DONE();
}
