/* models/freq.c: estimators from the frequencies of captures f_1 .. f_t alone.
 *
 * f_i = units caught exactly i times, n = sum f_i, t occasions.
 *   Chao's lower bound (Chao 1984, Scand. J. Stat. 11:265; 1987, Biometrics 43:783):
 *     N = n + f1^2 / (2 f2),
 *     var = f2 (a^4 / 4 + a^3 + a^2 / 2), a = f1 / f2 (Chao 1987, eq. 11).
 *   Rcapture's bias-corrected Mh Chao (closedp.bc; Chao 1987; Baillargeon & Rivest 2007),
 *     with c = (t - 1) / t:
 *     N = n + c f1 (f1 - 1) / (2 (f2 + 1)),
 *     var = c f1 (f1 - 1) / (2 (f2 + 1)) + c^2 f1 (2 f1 - 1)^2 / (4 (f2 + 1)^2)
 *           + c^2 f1^2 f2 (f1 - 1)^2 / (4 (f2 + 1)^4).
 *   Zelterman (1988, J. Stat. Plan. Inf. 18:225): N = n / (1 - exp(-2 f2 / f1)).
 *   Rcapture's closedp.0 (Baillargeon & Rivest 2007): the Mh models as Poisson log-linear
 *     models on f_1 .. f_t with offset log C(t, f): log E(f) = log C(t, f) + b0 + b1 f + h(f)
 *     (h as in models/closed.c; Chao's negative eta dropped), N = n + exp(b0),
 *     var(N) = exp(b0) + exp(2 b0) var(b0). Their N equals the history-level model's.
 * The file reader takes `nbcap,count` CSV: a header, then one row per number of captures,
 * read by the table reader's CSV layer (dfg_csv_read_rows: libcsv, BOM, quotes).
 *
 * Copyright (C) 2026 the darkfig authors. SPDX-License-Identifier: GPL-3.0-or-later */
#include "models.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Units a file may declare for one nbcap (whole numbers are exact in a double below 2^53). */
#define FREQ_MAX_COUNT 9007199254740992.0
/* Largest number of captures a file may hold. */
#define FREQ_MAX_NBCAP 100000

void dfg_freq_free(dfg_freq *fr)
{
    if (!fr)
        return;
    dfg_free(fr->f);
    memset(fr, 0, sizeof *fr);
}

static dfg_status freq_alloc(dfg_freq *fr, size_t max_f, dfg_error *err)
{
    memset(fr, 0, sizeof *fr);
    fr->f = dfg_calloc(max_f + 1, sizeof *fr->f);
    if (!fr->f)
        return dfg_err_set(err, DFG_ENOMEM, "freq", "max_f = %zu", max_f);
    fr->max_f = max_f;
    return DFG_OK;
}

/* ** {======================================================================
 * Reading `nbcap,count`
 * ======================================================================= */

/* Spaces and tabs around a field are no part of it (libcsv drops them around unquoted
 * fields; a quoted header name or value is trimmed too, as the table reader does). */
static dfg_csv_field trimmed(dfg_csv_field f)
{
    while (f.len && (f.s[0] == ' ' || f.s[0] == '\t')) {
        f.s++;
        f.len--;
    }
    while (f.len && (f.s[f.len - 1] == ' ' || f.s[f.len - 1] == '\t'))
        f.len--;
    return f;
}

static int field_is(dfg_csv_field f, const char *word)
{
    f = trimmed(f);
    return f.len == strlen(word) && memcmp(f.s, word, f.len) == 0;
}

/* A whole number >= 0 in f, into *v; 0 on failure. */
static int parse_whole(dfg_csv_field f, double *v)
{
    char buf[64];
    f = trimmed(f);
    if (f.len == 0 || f.len >= sizeof buf)
        return 0;
    memcpy(buf, f.s, f.len);
    buf[f.len] = '\0';
    for (size_t i = 0; i < f.len; i++)
        if (!((buf[i] >= '0' && buf[i] <= '9') || buf[i] == '.' || buf[i] == 'e' || buf[i] == 'E' ||
              buf[i] == '+'))
            return 0;
    char *end;
    errno = 0;
    double x = strtod(buf, &end);
    if (*end != '\0' || errno != 0 || !(x >= 0.0) || x > FREQ_MAX_COUNT || x != floor(x))
        return 0;
    *v = x;
    return 1;
}

/* The reading state: f[1..cap] and which nbcap values were seen. */
typedef struct {
    const char *name;
    int header;
    size_t cap, max_f;
    double *f;
    unsigned char *seen;
} freq_reader;

static dfg_status freq_fail(const freq_reader *fr, size_t line, size_t col, dfg_error *err,
                            const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static dfg_status freq_fail(const freq_reader *fr, size_t line, size_t col, dfg_error *err,
                            const char *fmt, ...)
{
    char where[128], msg[256];
    snprintf(where, sizeof where, "%s:%zu:%zu", fr->name, line, col);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dfg_err_set(err, DFG_EPARSE, where, "%s", msg);
}

/* Make room for nbcap i. */
static dfg_status freq_grow(freq_reader *fr, size_t i, dfg_error *err)
{
    size_t nc = fr->cap;
    while (nc < i)
        nc *= 2;
    double *f2 = dfg_realloc(fr->f, (nc + 1) * sizeof *f2);
    if (!f2)
        return dfg_err_set(err, DFG_ENOMEM, "freq", "reading %s", fr->name);
    fr->f = f2;
    unsigned char *s2 = dfg_realloc(fr->seen, nc + 1);
    if (!s2)
        return dfg_err_set(err, DFG_ENOMEM, "freq", "reading %s", fr->name);
    fr->seen = s2;
    memset(fr->f + fr->cap + 1, 0, (nc - fr->cap) * sizeof *fr->f);
    memset(fr->seen + fr->cap + 1, 0, nc - fr->cap);
    fr->cap = nc;
    return DFG_OK;
}

/* One CSV row (dfg_csv_read_rows): the header, then nbcap,count. Places are
 * "name:line:field", as the table reader gives them. */
static dfg_status freq_row(void *ctx, const dfg_csv_field *fs, size_t nf, size_t line,
                           dfg_error *err)
{
    freq_reader *fr = ctx;
    if (!fr->header) {
        if (nf != 2 || !field_is(fs[0], "nbcap") || !field_is(fs[1], "count"))
            return freq_fail(fr, line, 1, err, "expected the header \"nbcap,count\"");
        fr->header = 1;
        return DFG_OK;
    }
    if (nf != 2)
        return freq_fail(fr, line, nf > 2 ? 3 : nf + 1, err,
                         "expected 2 fields (nbcap,count), got %zu", nf);
    double nb, cnt;
    if (!parse_whole(fs[0], &nb) || nb < 1.0 || nb > FREQ_MAX_NBCAP) {
        dfg_csv_field t = trimmed(fs[0]);
        return freq_fail(fr, line, 1, err,
                         "nbcap must be a whole number from 1 to %d (got \"%.*s\")", FREQ_MAX_NBCAP,
                         (int)(t.len < 40 ? t.len : 40), t.s);
    }
    if (!parse_whole(fs[1], &cnt)) {
        dfg_csv_field t = trimmed(fs[1]);
        return freq_fail(fr, line, 2, err,
                         "count must be a non-negative whole number (got \"%.*s\")",
                         (int)(t.len < 40 ? t.len : 40), t.s);
    }
    size_t i = (size_t)nb;
    dfg_status rc;
    if (i > fr->cap && (rc = freq_grow(fr, i, err)) != DFG_OK)
        return rc;
    if (fr->seen[i])
        return freq_fail(fr, line, 1, err, "nbcap %zu appears twice", i);
    fr->seen[i] = 1;
    fr->f[i] = cnt;
    if (i > fr->max_f)
        fr->max_f = i;
    return DFG_OK;
}

dfg_status dfg_freq_read_buffer(const char *name, const char *buf, size_t len, dfg_freq *out,
                                dfg_error *err)
{
    if (!out)
        return dfg_err_set(err, DFG_EINVAL, "freq", "NULL output");
    memset(out, 0, sizeof *out);
    if (!buf && len)
        return dfg_err_set(err, DFG_EINVAL, "freq", "NULL buffer");
    freq_reader fr = {name ? name : "<buffer>", 0, 16, 0, NULL, NULL};
    fr.f = dfg_calloc(fr.cap + 1, sizeof *fr.f);
    fr.seen = dfg_calloc(fr.cap + 1, 1);
    dfg_status rc = DFG_OK;
    if (!fr.f || !fr.seen) {
        rc = dfg_err_set(err, DFG_ENOMEM, "freq", "reading %s", fr.name);
        goto done;
    }
    if ((rc = dfg_csv_read_rows(fr.name, buf, len, freq_row, &fr, err)) != DFG_OK)
        goto done;
    if (!fr.header) {
        rc = freq_fail(&fr, 1, 1, err, "empty file: expected \"nbcap,count\"");
        goto done;
    }
    /* trailing zero rows do not extend the range */
    while (fr.max_f > 0 && fr.f[fr.max_f] == 0.0)
        fr.max_f--;
    if (fr.max_f == 0) {
        rc = dfg_err_set(err, DFG_EDATA, fr.name, "no unit was caught");
        goto done;
    }
    if ((rc = freq_alloc(out, fr.max_f, err)) != DFG_OK)
        goto done;
    for (size_t i = 1; i <= fr.max_f; i++) {
        out->f[i] = fr.f[i];
        out->n += fr.f[i];
    }
done:
    dfg_free(fr.f);
    dfg_free(fr.seen);
    return rc;
}

dfg_status dfg_freq_read_csv(const char *path, dfg_freq *out, dfg_error *err)
{
    if (!path || !out)
        return dfg_err_set(err, DFG_EINVAL, "freq", "NULL argument");
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return dfg_err_set(err, DFG_EIO, path, "cannot open: %s", strerror(errno));
    size_t cap = 4096, len = 0;
    char *buf = dfg_malloc(cap);
    dfg_status rc = DFG_OK;
    if (!buf) {
        fclose(fp);
        return dfg_err_set(err, DFG_ENOMEM, "freq", "reading %s", path);
    }
    for (;;) {
        if (len == cap) {
            char *nb = dfg_realloc(buf, cap * 2);
            if (!nb) {
                rc = dfg_err_set(err, DFG_ENOMEM, "freq", "reading %s", path);
                goto done;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(fp)) {
        rc = dfg_err_set(err, DFG_EIO, path, "read error");
        goto done;
    }
    rc = dfg_freq_read_buffer(path, buf, len, out, err);
done:
    fclose(fp);
    dfg_free(buf);
    return rc;
}

/* The first row only: is it the header? */
static dfg_status header_row(void *ctx, const dfg_csv_field *fs, size_t nf, size_t line,
                             dfg_error *err)
{
    (void)line;
    (void)err;
    *(int *)ctx = nf == 2 && field_is(fs[0], "nbcap") && field_is(fs[1], "count");
    return DFG_ECANCEL; /* stop: nothing else is needed */
}

int dfg_freq_csv_has_header(const char *path)
{
    enum { HEAD = 65536 };
    FILE *fp = path ? fopen(path, "rb") : NULL;
    if (!fp)
        return 0;
    char *buf = dfg_malloc(HEAD);
    size_t len = buf ? fread(buf, 1, HEAD, fp) : 0;
    fclose(fp);
    int is = 0;
    if (buf)
        dfg_csv_read_rows(path, buf, len, header_row, &is, NULL);
    dfg_free(buf);
    return is;
}

dfg_status dfg_freq_from_table(const dfg_table *t, size_t s, dfg_freq *out, dfg_error *err)
{
    if (!t || !out)
        return dfg_err_set(err, DFG_EINVAL, "freq", "NULL argument");
    memset(out, 0, sizeof *out);
    if (s >= dfg_table_n_strata(t))
        return dfg_err_set(err, DFG_EINVAL, "freq", "stratum %zu out of range", s);
    size_t k = dfg_table_k(t);
    dfg_status rc = freq_alloc(out, k, err);
    if (rc != DFG_OK)
        return rc;
    out->t = k;
    size_t np = dfg_table_n_patterns(t, s);
    for (size_t i = 0; i < np; i++) {
        uint32_t pat;
        double c;
        dfg_table_pattern(t, s, i, &pat, &c);
        out->f[dfg_popcount(pat)] += c;
        out->n += c;
    }
    return DFG_OK;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Estimates
 * ======================================================================= */

static const char *const method_names[DFG_FREQ_N_METHODS] = {
    "Chao (LB)",    "Mh Chao (bias-corrected)",
    "Zelterman",    "M0",
    "Mh Chao (LB)", "Mh Poisson2",
    "Mh Darroch",   "Mh Gamma3.5"};

const char *dfg_freq_method_name(dfg_freq_method m)
{
    return (unsigned)m < DFG_FREQ_N_METHODS ? method_names[m] : "?";
}

/* Poisson log-linear fit with an offset on n rows (row 0 left out), p columns:
 * Newton-Raphson (= IRLS for the log link) with step-halving, R glm.fit's stopping rule.
 * x column-major n x p. cov (p x p) = (X'WX)^-1 at the estimate. */
typedef struct {
    size_t n, p;
    const double *x, *off, *y;
    double *beta, *mu, *cov, *a, *g, *b0;
    double deviance, loglik;
    int iter;
} off_fit;

static double off_deviance(const off_fit *F, const double *mu)
{
    double d = 0.0;
    for (size_t i = 1; i < F->n; i++) {
        double y = F->y[i];
        d += (y > 0.0 ? y * log(y / mu[i]) : 0.0) - (y - mu[i]);
    }
    return 2.0 * d;
}

static void off_mu(const off_fit *F, const double *beta, double *mu)
{
    for (size_t i = 0; i < F->n; i++) {
        double eta = F->off[i];
        for (size_t j = 0; j < F->p; j++)
            eta += F->x[j * F->n + i] * beta[j];
        mu[i] = exp(eta);
    }
}

/* a = X'WX (lower+upper), g = X'(y - mu) (or X'W z for the first step when z != NULL). */
static void off_normal(off_fit *F, const double *w, const double *v)
{
    size_t n = F->n, p = F->p;
    for (size_t a = 0; a < p; a++) {
        double s = 0.0;
        for (size_t i = 1; i < n; i++)
            s += F->x[a * n + i] * v[i];
        F->g[a] = s;
        for (size_t b = 0; b <= a; b++) {
            double q = 0.0;
            for (size_t i = 1; i < n; i++)
                q += F->x[a * n + i] * w[i] * F->x[b * n + i];
            F->a[b * p + a] = F->a[a * p + b] = q;
        }
    }
}

static dfg_status off_run(off_fit *F, const dfg_glm_opts *o, double *scratch, dfg_error *err)
{
    size_t n = F->n, p = F->p;
    double *w = scratch, *v = scratch + n, *mu_new = scratch + 2 * n;
    dfg_status rc;
    /* first step: IRLS from mu0 = y + 0.5: (X'WX) beta = X'W (z - offset), z = log mu0 + (y -
     * mu0)/mu0 */
    for (size_t i = 1; i < n; i++) {
        double m0 = F->y[i] + 0.5;
        w[i] = m0;
        v[i] = m0 * (log(m0) + (F->y[i] - m0) / m0 - F->off[i]);
    }
    off_normal(F, w, v);
    if ((rc = dfg_la_chol(p, F->a, err)) != DFG_OK)
        return rc;
    memcpy(F->beta, F->g, p * sizeof *F->beta);
    if ((rc = dfg_la_chol_solve(p, F->a, F->beta, 1, err)) != DFG_OK)
        return rc;
    off_mu(F, F->beta, F->mu);
    double dev = off_deviance(F, F->mu);
    F->iter = 1;
    int converged = 0;
    for (int it = 1; it < o->max_iter; it++) {
        for (size_t i = 1; i < n; i++) {
            w[i] = F->mu[i];
            v[i] = F->y[i] - F->mu[i];
        }
        off_normal(F, w, v);
        if ((rc = dfg_la_chol(p, F->a, err)) != DFG_OK)
            return rc;
        if ((rc = dfg_la_chol_solve(p, F->a, F->g, 1, err)) != DFG_OK)
            return rc;
        /* beta_new = beta + delta, halved while the deviance rises or is not finite */
        memcpy(F->b0, F->beta, p * sizeof *F->b0);
        double step = 1.0, dnew = NAN;
        for (int h = 0; h <= o->max_halve; h++) {
            for (size_t j = 0; j < p; j++)
                F->beta[j] = F->b0[j] + step * F->g[j];
            off_mu(F, F->beta, mu_new);
            dnew = off_deviance(F, mu_new);
            if (isfinite(dnew) && dnew <= dev + o->tol * (fabs(dev) + 0.1))
                break;
            step /= 2.0;
        }
        memcpy(F->mu, mu_new, n * sizeof *F->mu);
        F->iter = it + 1;
        /* |D_k - D_{k-1}| / (|D_k| + 0.1) < tol */
        int done = fabs(dnew - dev) / (fabs(dnew) + 0.1) < o->tol;
        dev = dnew;
        if (done) {
            converged = 1;
            break;
        }
    }
    F->deviance = dev;
    double ll = 0.0;
    for (size_t i = 1; i < n; i++) {
        double y = F->y[i];
        ll += (y > 0.0 ? y * log(F->mu[i]) : 0.0) - F->mu[i] - lgamma(y + 1.0);
    }
    F->loglik = ll;
    /* covariance at the estimate */
    for (size_t i = 1; i < n; i++)
        w[i] = F->mu[i];
    for (size_t i = 1; i < n; i++)
        v[i] = 0.0;
    off_normal(F, w, v);
    memcpy(F->cov, F->a, p * p * sizeof *F->cov);
    if ((rc = dfg_la_chol(p, F->cov, err)) != DFG_OK)
        return rc;
    if ((rc = dfg_la_chol_inverse(p, F->cov, err)) != DFG_OK)
        return rc;
    return converged ? DFG_OK : DFG_ENOCONV;
}

/* closedp.0: the Mh models (or M0) on the frequencies. */
static dfg_status freq_loglin(const dfg_freq *fr, dfg_freq_method m, const dfg_glm_opts *o,
                              dfg_freq_result *res, dfg_error *err)
{
    size_t t = fr->t, n = t + 1, pmax = n;
    double *x = dfg_calloc(n * pmax, sizeof *x), *off = dfg_calloc(n, sizeof *off),
           *y = dfg_calloc(n, sizeof *y), *beta = dfg_calloc(pmax, sizeof *beta),
           *mu = dfg_calloc(n, sizeof *mu), *cov = dfg_calloc(pmax * pmax, sizeof *cov),
           *a = dfg_calloc(pmax * pmax, sizeof *a), *g = dfg_calloc(pmax, sizeof *g),
           *b0 = dfg_calloc(pmax, sizeof *b0), *scr = dfg_calloc(3 * n, sizeof *scr);
    unsigned char *keep = dfg_malloc(t + 1);
    dfg_status rc = DFG_OK;
    if (!x || !off || !y || !beta || !mu || !cov || !a || !g || !b0 || !scr || !keep) {
        rc = dfg_err_set(err, DFG_ENOMEM, "freq", "t = %zu", t);
        goto done;
    }
    memset(keep, 1, t + 1);
    for (size_t f = 0; f <= t; f++) {
        /* offset log C(t, f) */
        off[f] = lgamma((double)t + 1.0) - lgamma((double)f + 1.0) - lgamma((double)(t - f) + 1.0);
        y[f] = f >= 1 && f <= fr->max_f ? fr->f[f] : 0.0;
    }
    off_fit F;
    for (;;) {
        size_t p = 0;
        for (size_t f = 0; f <= t; f++)
            x[f] = 1.0;
        p = 1;
        for (size_t f = 0; f <= t; f++)
            x[p * n + f] = (double)f;
        p++;
        if (m == DFG_FREQ_MH_CHAO) {
            for (size_t k = 3; k <= t; k++) {
                if (!keep[k])
                    continue;
                for (size_t f = 0; f <= t; f++)
                    x[p * n + f] = f + 1 >= k ? (double)(f + 1 - k) : 0.0; /* (f - k + 1)_+ */
                p++;
            }
        } else if (m != DFG_FREQ_M0) {
            for (size_t f = 0; f <= t; f++) {
                double fd = (double)f;
                x[p * n + f] = m == DFG_FREQ_MH_POISSON2  ? ldexp(1.0, (int)f) - 1.0
                               : m == DFG_FREQ_MH_DARROCH ? fd * fd / 2.0
                                                          : -log(3.5 + fd) + log(3.5);
            }
            p++;
        }
        F = (off_fit){n, p, x, off, y, beta, mu, cov, a, g, b0, 0.0, 0.0, 0};
        dfg_error ferr = {0};
        rc = off_run(&F, o, scr, &ferr);
        if (rc == DFG_ESING) {
            res->status = rc;
            res->flags |= DFG_CLOSED_RANK;
            snprintf(res->note, sizeof res->note, "design not of full rank");
            rc = DFG_OK;
            goto done;
        }
        if (rc != DFG_OK && rc != DFG_ENOCONV) {
            rc = dfg_err_set(err, rc, "freq", "%s", ferr.msg);
            goto done;
        }
        if (m != DFG_FREQ_MH_CHAO)
            break;
        size_t dropped = 0, col = 2;
        for (size_t k = 3; k <= t; k++) {
            if (!keep[k])
                continue;
            if (beta[col] < 0.0) {
                keep[k] = 0;
                dropped++;
            }
            col++;
        }
        if (!dropped)
            break;
        res->flags |= DFG_CLOSED_ETA_DROPPED;
    }
    res->status = rc;
    if (rc == DFG_ENOCONV)
        res->flags |= DFG_CLOSED_NOCONV;
    rc = DFG_OK;
    double m0 = exp(beta[0]);
    res->nhat = fr->n + m0;                /* N = n + exp(b0) */
    res->se = sqrt(m0 + m0 * m0 * cov[0]); /* var = m0 + m0^2 var(b0) */
    res->deviance = F.deviance;
    res->df = (double)t - (double)F.p;
    res->aic = -2.0 * F.loglik + 2.0 * (double)F.p;
    res->bic = res->aic + (log(fr->n) - 2.0) * (double)F.p;
done:
    dfg_free(x);
    dfg_free(off);
    dfg_free(y);
    dfg_free(beta);
    dfg_free(mu);
    dfg_free(cov);
    dfg_free(a);
    dfg_free(g);
    dfg_free(b0);
    dfg_free(scr);
    dfg_free(keep);
    return rc;
}

static dfg_status freq_estimate(const dfg_freq *fr, dfg_freq_method m, const dfg_glm_opts *opts,
                                dfg_freq_result *res, dfg_error *err)
{
    dfg_glm_opts def = dfg_glm_opts_default();
    const dfg_glm_opts *o = opts ? opts : &def;
    if (!res)
        return dfg_err_set(err, DFG_EINVAL, "freq", "NULL result");
    memset(res, 0, sizeof *res);
    res->method = m;
    res->name = dfg_freq_method_name(m);
    res->nhat = res->se = res->deviance = res->df = res->aic = res->bic = NAN;
    if (!fr || !fr->f || (unsigned)m >= DFG_FREQ_N_METHODS)
        return dfg_err_set(err, DFG_EINVAL, "freq", "NULL frequencies or bad method");
    if (!(fr->n > 0.0))
        return dfg_err_set(err, DFG_EDATA, "freq", "no unit was caught");
    double f1 = fr->max_f >= 1 ? fr->f[1] : 0.0, f2 = fr->max_f >= 2 ? fr->f[2] : 0.0;
    double n = fr->n, t = (double)fr->t;
    int needs_t = m != DFG_FREQ_CHAO_LB && m != DFG_FREQ_ZELTERMAN;
    size_t min_t = m >= DFG_FREQ_MH_CHAO ? 3 : 2;
    if (needs_t && (fr->t < min_t || fr->t < fr->max_f))
        return dfg_err_set(err, DFG_EINVAL, "freq",
                           "%s needs the number of occasions t >= %zu and >= the largest "
                           "number of captures %zu (t = %zu)",
                           res->name, min_t, fr->max_f, fr->t);
    switch (m) {
    case DFG_FREQ_CHAO_LB: {
        if (!(f2 > 0.0)) {
            res->status = DFG_EDATA;
            snprintf(res->note, sizeof res->note, "f2 = 0: Chao's bound is infinite");
            return res->status;
        }
        double a = f1 / f2;
        res->nhat = n + f1 * f1 / (2.0 * f2);
        res->se = sqrt(f2 * (a * a * a * a / 4.0 + a * a * a + a * a / 2.0));
        res->status = DFG_OK;
        return DFG_OK;
    }
    case DFG_FREQ_CHAO_BC: {
        double c = (t - 1.0) / t, q = f2 + 1.0;
        double m0 = c * f1 * (f1 - 1.0) / (2.0 * q);
        res->nhat = n + m0;
        double v = m0 + c * c * f1 * (2.0 * f1 - 1.0) * (2.0 * f1 - 1.0) / (4.0 * q * q) +
                   c * c * f1 * f1 * f2 * (f1 - 1.0) * (f1 - 1.0) / (4.0 * q * q * q * q);
        res->se = sqrt(v);
        res->status = DFG_OK;
        return DFG_OK;
    }
    case DFG_FREQ_ZELTERMAN:
        if (!(f1 > 0.0) || !(f2 > 0.0)) {
            res->status = DFG_EDATA;
            snprintf(res->note, sizeof res->note, "Zelterman needs f1 > 0 and f2 > 0");
            return res->status;
        }
        /* N = n / (1 - exp(-lambda)), lambda = 2 f2 / f1 */
        res->nhat = n / -expm1(-2.0 * f2 / f1);
        res->status = DFG_OK;
        return DFG_OK;
    default:
        if (m == DFG_FREQ_MH_CHAO && !(f2 > 0.0)) {
            res->status = DFG_EDATA;
            res->flags |= DFG_CLOSED_NOT_FITTED;
            snprintf(res->note, sizeof res->note, "no unit caught exactly twice (f2 = 0)");
            return res->status;
        }
        {
            dfg_status rc = freq_loglin(fr, m, o, res, err);
            if (rc != DFG_OK)
                return rc;
        }
        return res->status;
    }
}

dfg_status dfg_freq_estimate(const dfg_freq *fr, dfg_freq_method m, const dfg_glm_opts *opts,
                             dfg_freq_result *res, dfg_error *err)
{
    dfg_status rc = freq_estimate(fr, m, opts, res, err);
    /* an estimate that is not a finite number does not exist (a fit run off to infinity,
     * e.g. f1 = 1e11 with nobody caught twice): its own status, never DFG_OK */
    if (rc == DFG_OK && !isfinite(res->nhat)) {
        res->status = DFG_ENOMLE;
        snprintf(res->note, sizeof res->note, "the estimate is %s: it does not exist",
                 isnan(res->nhat) ? "not a number" : "infinite");
        res->nhat = res->se = NAN;
        rc = DFG_ENOMLE;
    }
    return rc;
}

/* ** }====================================================================== */
