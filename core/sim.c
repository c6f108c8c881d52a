/* core/sim.c: simulation scenarios (populations with a known total) and capture tables drawn
 * from them, for the accuracy benchmarks (bench/accuracy) and tests.
 *
 * A scenario is a text file, one directive a line; '#' starts a comment; tokens are
 * separated by blanks:
 *
 *   name NAME            a label for reports (default: the file name without directory)
 *   lists A B C ...      the list names (k >= 2 names), or `lists K` for L1 .. LK;
 *                        must come before any directive that refers to lists
 *   total N              the population size N (a whole number >= 1)
 *   capture P1 .. Pk     capture probability of each list for a person on no other list
 *                        (main effect = logit P_j); with no interactions and one class
 *                        this is the list's marginal capture probability
 *   main J VALUE         the main effect of list J (1-based position or name) on the
 *                        log-odds scale, |VALUE| <= 50; an alternative to `capture`
 *   term T VALUE         log-linear interaction of the lists in T, |VALUE| <= 50 (order >= 2;
 *                        T is digits over positions, "12", when k <= 9, or names joined by ':',
 *                        "LA:NG")
 *   never T              the lists in T are never all together (the term is -infinity):
 *                        e.g. two lists that never overlap
 *   covariate NAME L1:S1 L2:S2 ...  a categorical covariate with levels L and population
 *                        shares S (adding up to 1), independent of the other covariates
 *   effect LIST COV LEVEL VALUE  VALUE added to the main effect (log-odds) of LIST for
 *                        the people at LEVEL of covariate COV: list x covariate
 *                        heterogeneity (a main effect of the covariate is its shares)
 *   class SHARE F1 .. Fk a latent class with population share SHARE whose capture
 *                        probabilities are P_j * F_j (each must stay inside (0, 1));
 *                        without `class` lines there is one class with all F_j = 1;
 *                        with them the shares must add up to 1
 *
 * The model (a finite mixture of log-linear models; Fienberg 1972 for the log-linear
 * part, Darroch, Fienberg, Glonek & Junker 1993 for heterogeneity as latent classes):
 *   class c:  eta_c(x) = sum_j x_j logit(p_cj) + sum_T [x contains T] gamma_T,
 *             P_c(x) = exp(eta_c(x)) / sum_x' exp(eta_c(x')),  P_c(x) = 0 if x contains a
 *             `never` set;
 *   cells:    P(x) = sum_c share_c P_c(x)   over all 2^k patterns x, x = 0 unobserved.
 * A Poisson log-linear fit log mu_x = b_0 + sum_T b_T [x contains T] gives exactly these
 * probabilities with main/term = the fitted b_T (the intercept is the normalisation), which
 * is how scenarios are built from real tables (Chan, Silverman & Vincent 2021, Sec. 3.4;
 * bench/accuracy/fit_scenario.py).
 *
 * With covariates every combination of levels s (a stratum, share pi_s = the product of
 * the levels' shares) has its own cell probabilities P_s(x), the main effects shifted by
 * the `effect`s of its levels; the pooled cells are P(x) = sum_s pi_s P_s(x), and
 * dfg_sim_ctable draws N over the (stratum, pattern) cells with probabilities pi_s P_s(x).
 * A table is the multinomial draw of N people over the 2^k cells (GSL's
 * gsl_ran_multinomial, conditional binomials) with the generator of stream (seed,
 * replicate) from dfg_rng_stream, so replicate r is the same on any number of threads;
 * cell 0 (never captured) is dropped.
 *
 * Copyright (C) 2026 the darkfig authors. SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#define MAX_TERMS 256
/* Largest |main effect| or |interaction| on the log scale: exp(50) = 5e21 is beyond any
 * population, and a linear predictor of 1e11 loses the small terms to rounding (found by
 * fuzzing: cell probabilities adding up to 1 - 8e-6). */
#define SIM_MAX_EFFECT 50.0
#define MAX_CLASSES 16
#define MAX_COV 6
#define MAX_LEVELS 12

struct dfg_scenario {
    char *name;
    size_t k;
    char **names;
    double total;
    double *prob; /* 2^k cell probabilities, prob[0] = unobserved */
    /* covariates (n_cov = 0: none) */
    size_t n_cov, n_strata;
    char *cov_name[MAX_COV];
    size_t n_levels[MAX_COV];
    char *level[MAX_COV][MAX_LEVELS];
    double *sprob; /* n_strata x 2^k: pi_s P_s(x), stratum s = l_1 + L_1 (l_2 + ...) */
};

/* The parser's state: one line at a time, the place of each token kept for errors. */
typedef struct {
    const char *file;
    size_t line;
    char *tok[64];
    size_t col[64];
    size_t ntok;
    /* what has been read */
    size_t k;
    char **names;
    double total;
    double main[DFG_MAX_FIT_LISTS];
    int have_main[DFG_MAX_FIT_LISTS];
    uint32_t term[MAX_TERMS];
    double gamma[MAX_TERMS]; /* -HUGE_VAL for `never` */
    size_t n_terms;
    double share[MAX_CLASSES];
    double factor[MAX_CLASSES][DFG_MAX_FIT_LISTS];
    size_t n_classes;
    char *name;
    size_t n_cov;
    char *cov_name[MAX_COV];
    size_t n_levels[MAX_COV];
    char *level[MAX_COV][MAX_LEVELS];
    double lshare[MAX_COV][MAX_LEVELS];
    double effect[MAX_COV][MAX_LEVELS][DFG_MAX_FIT_LISTS];
} parser;

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static dfg_status
perr(dfg_error *err, const parser *ps, size_t t, const char *fmt, ...)
{
    char where[128], msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(where, sizeof where, "%s:%zu:%zu", ps->file, ps->line, ps->ntok ? ps->col[t] : 1);
    return dfg_err_set(err, DFG_EPARSE, where, "%s", msg);
}

/* A finite double from token t, or DFG_EPARSE. */
static dfg_status num(const parser *ps, size_t t, double *v, dfg_error *err)
{
    char *end;
    errno = 0;
    *v = strtod(ps->tok[t], &end);
    if (end == ps->tok[t] || *end || errno == ERANGE || !isfinite(*v))
        return perr(err, ps, t, "expected a finite number, got \"%s\"", ps->tok[t]);
    return DFG_OK;
}

/* List index (0-based) of a name or 1-based position. */
static int list_index(const parser *ps, const char *s, size_t len)
{
    for (size_t j = 0; j < ps->k; j++)
        if (strlen(ps->names[j]) == len && !strncmp(ps->names[j], s, len))
            return (int)j;
    if (len > 0 && len <= 2) {
        size_t v = 0;
        for (size_t i = 0; i < len; i++) {
            if (!isdigit((unsigned char)s[i]))
                return -1;
            v = v * 10 + (size_t)(s[i] - '0');
        }
        if (v >= 1 && v <= ps->k)
            return (int)v - 1;
    }
    return -1;
}

/* A term: digits over positions when k <= 9 and no ':' appears, else names joined by ':'. */
static dfg_status term_of(const parser *ps, size_t t, uint32_t *term, dfg_error *err)
{
    const char *s = ps->tok[t];
    uint32_t m = 0;
    if (!strchr(s, ':') && ps->k <= 9 && list_index(ps, s, strlen(s)) < 0) {
        for (const char *c = s; *c; c++) {
            if (*c < '1' || (size_t)(*c - '0') > ps->k)
                return perr(err, ps, t, "bad term \"%s\": digits 1..k expected", s);
            uint32_t b = (uint32_t)1 << (*c - '1');
            if (m & b)
                return perr(err, ps, t, "list repeated in term \"%s\"", s);
            m |= b;
        }
    } else {
        const char *p = s;
        for (;;) {
            const char *q = strchr(p, ':');
            size_t len = q ? (size_t)(q - p) : strlen(p);
            int j = list_index(ps, p, len);
            if (j < 0)
                return perr(err, ps, t, "unknown list in term \"%s\"", s);
            if (m & ((uint32_t)1 << j))
                return perr(err, ps, t, "list repeated in term \"%s\"", s);
            m |= (uint32_t)1 << j;
            if (!q)
                break;
            p = q + 1;
        }
    }
    *term = m;
    return DFG_OK;
}

static dfg_status need_lists(const parser *ps, dfg_error *err)
{
    return ps->k ? DFG_OK : perr(err, ps, 0, "\"%s\" before \"lists\"", ps->tok[0]);
}

static dfg_status need_args(const parser *ps, size_t n, dfg_error *err)
{
    if (ps->ntok == n)
        return DFG_OK;
    char where[128];
    snprintf(where, sizeof where, "%s:%zu:%zu", ps->file, ps->line, ps->col[0]);
    return dfg_err_set(err, DFG_EPARSE, where, "\"%s\" takes %zu value(s), got %zu", ps->tok[0],
                       n - 1, ps->ntok - 1);
}

static dfg_status directive(parser *ps, dfg_error *err)
{
    const char *d = ps->tok[0];
    dfg_status rc;
    double v = 0.0;
    if (!strcmp(d, "name")) {
        if ((rc = need_args(ps, 2, err)))
            return rc;
        dfg_free(ps->name);
        if (!(ps->name = dfg_strdup(ps->tok[1])))
            return dfg_err_set(err, DFG_ENOMEM, "sim", "cannot copy the name");
        return DFG_OK;
    }
    if (!strcmp(d, "lists")) {
        if (ps->k)
            return perr(err, ps, 0, "%s given twice", d);
        size_t k = ps->ntok - 1;
        int numbered = 0;
        if (k == 0) /* a second `lists` line would otherwise pass the check above */
            return perr(err, ps, 0, "expected list names or a number >= 2 after \"lists\"");
        if (k == 1) {
            char *end;
            long v1 = strtol(ps->tok[1], &end, 10);
            if (*end || v1 < 2)
                return perr(err, ps, 1, "expected list names or a number >= 2, got \"%s\"",
                            ps->tok[1]);
            if (v1 > DFG_MAX_FIT_LISTS)
                return perr(err, ps, 1, "at most %d lists can be simulated, got %s",
                            DFG_MAX_FIT_LISTS, ps->tok[1]);
            k = (size_t)v1;
            numbered = 1;
        }
        if (k > DFG_MAX_FIT_LISTS)
            return perr(err, ps, 0, "%s: at most %d lists can be simulated", d, DFG_MAX_FIT_LISTS);
        if (!(ps->names = dfg_calloc(k, sizeof *ps->names)))
            return dfg_err_set(err, DFG_ENOMEM, "sim", "cannot allocate list names");
        ps->k = k;
        for (size_t j = 0; j < k; j++) {
            char buf[16] = "";
            if (numbered)
                snprintf(buf, sizeof buf, "L%u", (unsigned)(j + 1));
            else
                for (size_t i = 0; i < j; i++)
                    if (!strcmp(ps->tok[i + 1], ps->tok[j + 1]))
                        return perr(err, ps, j + 1, "list \"%s\" named twice", ps->tok[j + 1]);
            if (!(ps->names[j] = dfg_strdup(numbered ? buf : ps->tok[j + 1])))
                return dfg_err_set(err, DFG_ENOMEM, "sim", "cannot copy list names");
        }
        return DFG_OK;
    }
    if (!strcmp(d, "total")) {
        if ((rc = need_args(ps, 2, err)) || (rc = num(ps, 1, &v, err)))
            return rc;
        if (!(v >= 1.0 && v <= 4294967295.0 && v == floor(v)))
            return perr(err, ps, 1, "total must be a whole number >= 1, got \"%s\"", ps->tok[1]);
        ps->total = v;
        return DFG_OK;
    }
    if ((rc = need_lists(ps, err)))
        return rc;
    if (!strcmp(d, "capture")) {
        if ((rc = need_args(ps, ps->k + 1, err)))
            return rc;
        for (size_t j = 0; j < ps->k; j++) {
            if ((rc = num(ps, j + 1, &v, err)))
                return rc;
            if (!(v > 0.0 && v < 1.0))
                return perr(err, ps, j + 1, "a capture probability must be in (0, 1), got \"%s\"",
                            ps->tok[j + 1]);
            ps->main[j] = log(v / (1.0 - v)); /* logit */
            ps->have_main[j] = 1;
        }
        return DFG_OK;
    }
    if (!strcmp(d, "main")) {
        if ((rc = need_args(ps, 3, err)))
            return rc;
        int j = list_index(ps, ps->tok[1], strlen(ps->tok[1]));
        if (j < 0)
            return perr(err, ps, 1, "unknown list \"%s\"", ps->tok[1]);
        if ((rc = num(ps, 2, &v, err)))
            return rc;
        if (!(fabs(v) <= SIM_MAX_EFFECT))
            return perr(err, ps, 2, "main effect %s: must be between -%g and %g (log-odds)",
                        ps->tok[2], SIM_MAX_EFFECT, SIM_MAX_EFFECT);
        ps->main[j] = v;
        ps->have_main[j] = 1;
        return DFG_OK;
    }
    if (!strcmp(d, "term") || !strcmp(d, "never")) {
        int never = d[0] == 'n';
        uint32_t t = 0;
        if ((rc = need_args(ps, never ? 2 : 3, err)) || (rc = term_of(ps, 1, &t, err)))
            return rc;
        if (dfg_popcount(t) < 2)
            return perr(err, ps, 1, "a term needs two or more lists, got \"%s\"", ps->tok[1]);
        if (!never && (rc = num(ps, 2, &v, err)))
            return rc;
        if (!never && !(fabs(v) <= SIM_MAX_EFFECT))
            return perr(err, ps, 2,
                        "interaction %s: must be between -%g and %g (use `never` for "
                        "lists that never meet)",
                        ps->tok[2], SIM_MAX_EFFECT, SIM_MAX_EFFECT);
        for (size_t i = 0; i < ps->n_terms; i++)
            if (ps->term[i] == t)
                return perr(err, ps, 1, "term \"%s\" given twice", ps->tok[1]);
        if (ps->n_terms == MAX_TERMS)
            return perr(err, ps, 0, "more than %d terms", MAX_TERMS);
        ps->term[ps->n_terms] = t;
        ps->gamma[ps->n_terms++] = never ? -HUGE_VAL : v;
        return DFG_OK;
    }
    if (!strcmp(d, "class")) {
        if ((rc = need_args(ps, ps->k + 2, err)))
            return rc;
        if (ps->n_classes == MAX_CLASSES)
            return perr(err, ps, 0, "more than %d classes", MAX_CLASSES);
        size_t c = ps->n_classes;
        if ((rc = num(ps, 1, &v, err)))
            return rc;
        if (!(v > 0.0 && v <= 1.0))
            return perr(err, ps, 1, "a class share must be in (0, 1], got \"%s\"", ps->tok[1]);
        ps->share[c] = v;
        for (size_t j = 0; j < ps->k; j++) {
            if ((rc = num(ps, j + 2, &v, err)))
                return rc;
            if (!(v > 0.0))
                return perr(err, ps, j + 2, "a probability factor must be > 0, got \"%s\"",
                            ps->tok[j + 2]);
            ps->factor[c][j] = v;
        }
        ps->n_classes++;
        return DFG_OK;
    }
    if (!strcmp(d, "covariate")) {
        if (ps->ntok < 4)
            return perr(err, ps, 0, "\"covariate\" takes a name and two or more LEVEL:SHARE");
        if (ps->n_cov == MAX_COV)
            return perr(err, ps, 0, "more than %d covariates", MAX_COV);
        if (ps->ntok - 2 > MAX_LEVELS)
            return perr(err, ps, 0, "more than %d levels", MAX_LEVELS);
        size_t c = ps->n_cov;
        for (size_t i = 0; i < c; i++)
            if (!strcmp(ps->cov_name[i], ps->tok[1]))
                return perr(err, ps, 1, "covariate \"%s\" given twice", ps->tok[1]);
        if (list_index(ps, ps->tok[1], strlen(ps->tok[1])) >= 0)
            return perr(err, ps, 1, "\"%s\" is a list", ps->tok[1]);
        if (!(ps->cov_name[c] = dfg_strdup(ps->tok[1])))
            return dfg_err_set(err, DFG_ENOMEM, "sim", "cannot copy a name");
        ps->n_cov++;
        double sum = 0.0;
        for (size_t t = 2; t < ps->ntok; t++) {
            char *colon = strrchr(ps->tok[t], ':');
            if (!colon || colon == ps->tok[t])
                return perr(err, ps, t, "expected LEVEL:SHARE, got \"%s\"", ps->tok[t]);
            *colon = '\0';
            char *end;
            errno = 0;
            v = strtod(colon + 1, &end);
            if (*end || errno || !(v > 0.0 && v <= 1.0))
                return perr(err, ps, t, "a level share must be in (0, 1], got \"%s\"", colon + 1);
            size_t l = ps->n_levels[c];
            if (!(ps->level[c][l] = dfg_strdup(ps->tok[t])))
                return dfg_err_set(err, DFG_ENOMEM, "sim", "cannot copy a level");
            ps->lshare[c][l] = v;
            ps->n_levels[c]++;
            sum += v;
        }
        if (fabs(sum - 1.0) > 1e-9)
            return perr(err, ps, 2, "level shares add up to %.17g, not 1", sum);
        return DFG_OK;
    }
    if (!strcmp(d, "effect")) {
        if ((rc = need_args(ps, 5, err)))
            return rc;
        int j = list_index(ps, ps->tok[1], strlen(ps->tok[1]));
        if (j < 0)
            return perr(err, ps, 1, "unknown list \"%s\"", ps->tok[1]);
        size_t c = 0, l = 0;
        while (c < ps->n_cov && strcmp(ps->cov_name[c], ps->tok[2]))
            c++;
        if (c == ps->n_cov)
            return perr(err, ps, 2, "unknown covariate \"%s\"", ps->tok[2]);
        while (l < ps->n_levels[c] && strcmp(ps->level[c][l], ps->tok[3]))
            l++;
        if (l == ps->n_levels[c])
            return perr(err, ps, 3, "unknown level \"%s\"", ps->tok[3]);
        if ((rc = num(ps, 4, &v, err)))
            return rc;
        ps->effect[c][l][j] += v;
        return DFG_OK;
    }
    return perr(err, ps, 0, "unknown directive \"%s\"", d);
}

/* Split one line (modified in place) into tokens, dropping a '#' comment. */
static dfg_status split(parser *ps, char *s, dfg_error *err)
{
    char *start = s;
    ps->ntok = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\r')
            s++;
        if (!*s || *s == '#')
            return DFG_OK;
        if (ps->ntok == 64) {
            char where[128];
            snprintf(where, sizeof where, "%s:%zu:%zu", ps->file, ps->line,
                     (size_t)(s - start) + 1);
            return dfg_err_set(err, DFG_EPARSE, where, "more than 64 fields on a line");
        }
        ps->col[ps->ntok] = (size_t)(s - start) + 1;
        ps->tok[ps->ntok++] = s;
        while (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '#')
            s++;
        if (*s == '#') {
            *s = '\0';
            return DFG_OK;
        }
        if (*s)
            *s++ = '\0';
    }
}

/* log sum_i exp(a_i) over the finite entries; -inf when there are none. */
static double log_sum_exp(const double *a, size_t n)
{
    double mx = -HUGE_VAL, s = 0.0;
    for (size_t i = 0; i < n; i++)
        if (a[i] > mx)
            mx = a[i];
    if (!isfinite(mx))
        return -HUGE_VAL;
    for (size_t i = 0; i < n; i++)
        s += exp(a[i] - mx);
    return mx + log(s);
}

/* The cell probabilities of the parsed model (formula in the header). */
static dfg_status cell_probs(const parser *ps, const double *main, double *prob, dfg_error *err)
{
    size_t nc = (size_t)1 << ps->k;
    double *eta = dfg_malloc(nc * sizeof *eta);
    if (!eta)
        return dfg_err_set(err, DFG_ENOMEM, "sim", "cannot allocate %zu cells", nc);
    for (size_t x = 0; x < nc; x++)
        prob[x] = 0.0;
    for (size_t c = 0; c < ps->n_classes; c++) {
        double lp[DFG_MAX_FIT_LISTS];
        for (size_t j = 0; j < ps->k; j++) {
            /* p_cj = expit(main_j) * F_cj, inside (0, 1); main effect = logit p_cj */
            double p = ps->factor[c][j] / (1.0 + exp(-main[j]));
            if (!(p > 0.0 && p < 1.0)) {
                dfg_free(eta);
                return dfg_err_set(
                    err, DFG_EPARSE, ps->file,
                    "class %zu: capture probability of list %s is %g, outside (0, 1)", c + 1,
                    ps->names[j], p);
            }
            lp[j] = log(p) - log1p(-p);
        }
        /* eta_c(x) = sum_j x_j logit p_cj + sum_T [x contains T] gamma_T */
        for (size_t x = 0; x < nc; x++) {
            double e = 0.0;
            for (size_t j = 0; j < ps->k; j++)
                if (x >> j & 1)
                    e += lp[j];
            for (size_t i = 0; i < ps->n_terms; i++)
                if ((x & ps->term[i]) == ps->term[i])
                    e += ps->gamma[i];
            eta[x] = e;
        }
        /* P_c(x) = exp(eta_c(x) - log sum exp eta_c); P(x) += share_c P_c(x) */
        double lse = log_sum_exp(eta, nc);
        for (size_t x = 0; x < nc; x++)
            prob[x] += ps->share[c] * exp(eta[x] - lse);
    }
    dfg_free(eta);
    return DFG_OK;
}

static void free_names(char **names, size_t k)
{
    if (!names)
        return;
    for (size_t j = 0; j < k; j++)
        dfg_free(names[j]);
    dfg_free(names);
}

void dfg_scenario_free(dfg_scenario *sc)
{
    if (!sc)
        return;
    dfg_free(sc->name);
    free_names(sc->names, sc->k);
    dfg_free(sc->prob);
    dfg_free(sc->sprob);
    for (size_t c = 0; c < MAX_COV; c++) {
        dfg_free(sc->cov_name[c]);
        for (size_t l = 0; l < MAX_LEVELS; l++)
            dfg_free(sc->level[c][l]);
    }
    dfg_free(sc);
}

/* The file name without its directory and extension. */
static char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t len = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    char *s = dfg_malloc(len + 1);
    if (s) {
        memcpy(s, b, len);
        s[len] = '\0';
    }
    return s;
}

dfg_status dfg_scenario_read_buffer(const char *name, const char *buf, size_t len,
                                    dfg_scenario **out, dfg_error *err)
{
    if (!out)
        return dfg_err_set(err, DFG_EINVAL, "sim", "out must not be NULL");
    *out = NULL;
    if (!name || (!buf && len))
        return dfg_err_set(err, DFG_EINVAL, "sim", "name and buffer must not be NULL");
    dfg_status rc = DFG_OK;
    parser *ps = dfg_calloc(1, sizeof *ps);
    char *line = NULL;
    dfg_scenario *sc = NULL;
    if (!ps) {
        rc = dfg_err_set(err, DFG_ENOMEM, "sim", "cannot allocate the parser");
        goto done;
    }
    ps->file = name;
    /* one line at a time into a NUL-terminated copy */
    size_t pos = 0, cap = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && buf[end] != '\n')
            end++;
        if (end - pos + 1 > cap) {
            cap = end - pos + 1;
            char *nl = dfg_realloc(line, cap);
            if (!nl) {
                rc = dfg_err_set(err, DFG_ENOMEM, "sim", "cannot allocate a line");
                goto done;
            }
            line = nl;
        }
        memcpy(line, buf + pos, end - pos);
        line[end - pos] = '\0';
        ps->line++;
        if (memchr(buf + pos, '\0', end - pos)) {
            char where[128];
            snprintf(where, sizeof where, "%s:%zu:1", name, ps->line);
            rc = dfg_err_set(err, DFG_EPARSE, where, "NUL byte in the line");
            goto done;
        }
        if ((rc = split(ps, line, err)))
            goto done;
        if (ps->ntok && (rc = directive(ps, err)))
            goto done;
        pos = end + 1;
    }
    /* what the whole file must say */
    ps->ntok = 0;
    ps->line++;
    char where[128];
    snprintf(where, sizeof where, "%s:%zu:1", name, ps->line);
    if (!ps->k) {
        rc = dfg_err_set(err, DFG_EPARSE, where, "no \"lists\" directive");
        goto done;
    }
    if (!(ps->total >= 1.0)) {
        rc = dfg_err_set(err, DFG_EPARSE, where, "no \"total\" directive");
        goto done;
    }
    for (size_t j = 0; j < ps->k; j++)
        if (!ps->have_main[j]) {
            rc = dfg_err_set(err, DFG_EPARSE, where,
                             "list %s has no capture probability (\"capture\" or \"main\")",
                             ps->names[j]);
            goto done;
        }
    if (!ps->n_classes) {
        ps->n_classes = 1;
        ps->share[0] = 1.0;
        for (size_t j = 0; j < ps->k; j++)
            ps->factor[0][j] = 1.0;
    } else {
        double s = 0.0;
        for (size_t c = 0; c < ps->n_classes; c++)
            s += ps->share[c];
        if (fabs(s - 1.0) > 1e-9) {
            rc = dfg_err_set(err, DFG_EPARSE, where, "class shares add up to %.17g, not 1", s);
            goto done;
        }
    }
    if (!(sc = dfg_calloc(1, sizeof *sc)) ||
        !(sc->prob = dfg_malloc(((size_t)1 << ps->k) * sizeof *sc->prob))) {
        rc = dfg_err_set(err, DFG_ENOMEM, "sim", "cannot allocate the scenario");
        goto done;
    }
    if (ps->n_cov == 0 && (rc = cell_probs(ps, ps->main, sc->prob, err)))
        goto done;
    if (ps->n_cov > 0) {
        /* per stratum: the main effects shifted by the effects of its levels */
        size_t nc = (size_t)1 << ps->k, ns = 1;
        for (size_t c = 0; c < ps->n_cov; c++)
            ns *= ps->n_levels[c];
        if (!(sc->sprob = dfg_malloc(ns * nc * sizeof *sc->sprob))) {
            rc = dfg_err_set(err, DFG_ENOMEM, "sim", "cannot allocate %zu strata", ns);
            goto done;
        }
        for (size_t x = 0; x < nc; x++)
            sc->prob[x] = 0.0;
        for (size_t st = 0; st < ns; st++) {
            double main[DFG_MAX_FIT_LISTS], pi = 1.0;
            size_t rest = st;
            memcpy(main, ps->main, sizeof main);
            for (size_t c = 0; c < ps->n_cov; c++) {
                size_t l = rest % ps->n_levels[c];
                rest /= ps->n_levels[c];
                pi *= ps->lshare[c][l];
                for (size_t j = 0; j < ps->k; j++)
                    main[j] += ps->effect[c][l][j];
            }
            double *ps_x = sc->sprob + st * nc;
            if ((rc = cell_probs(ps, main, ps_x, err)))
                goto done;
            for (size_t x = 0; x < nc; x++) {
                ps_x[x] *= pi;
                sc->prob[x] += ps_x[x];
            }
        }
        sc->n_strata = ns;
        sc->n_cov = ps->n_cov;
        for (size_t c = 0; c < ps->n_cov; c++) {
            sc->cov_name[c] = ps->cov_name[c];
            ps->cov_name[c] = NULL;
            sc->n_levels[c] = ps->n_levels[c];
            for (size_t l = 0; l < ps->n_levels[c]; l++) {
                sc->level[c][l] = ps->level[c][l];
                ps->level[c][l] = NULL;
            }
        }
    }
    if (!(sc->prob[0] < 1.0)) {
        rc = dfg_err_set(err, DFG_EPARSE, where, "nobody can be captured");
        goto done;
    }
    sc->k = ps->k;
    sc->names = ps->names;
    ps->names = NULL;
    sc->total = ps->total;
    if (ps->name) {
        sc->name = ps->name;
        ps->name = NULL;
    } else if (!(sc->name = base_name(name))) {
        rc = dfg_err_set(err, DFG_ENOMEM, "sim", "cannot copy the name");
        goto done;
    }
    *out = sc;
    sc = NULL;
done:
    if (ps) {
        free_names(ps->names, ps->k);
        dfg_free(ps->name);
        for (size_t c = 0; c < MAX_COV; c++) {
            dfg_free(ps->cov_name[c]);
            for (size_t l = 0; l < MAX_LEVELS; l++)
                dfg_free(ps->level[c][l]);
        }
    }
    dfg_free(ps);
    dfg_free(line);
    dfg_scenario_free(sc);
    return rc;
}

dfg_status dfg_scenario_read(const char *path, dfg_scenario **out, dfg_error *err)
{
    if (!out || !path)
        return dfg_err_set(err, DFG_EINVAL, "sim", "path and out must not be NULL");
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return dfg_err_set(err, DFG_EIO, path, "cannot open: %s", strerror(errno));
    dfg_status rc = DFG_OK;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? 2 * cap : 4096;
            char *nb = dfg_realloc(buf, cap);
            if (!nb) {
                rc = dfg_err_set(err, DFG_ENOMEM, "sim", "cannot read %s", path);
                goto done;
            }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = dfg_err_set(err, DFG_EIO, path, "read error");
        goto done;
    }
    rc = dfg_scenario_read_buffer(path, buf, len, out, err);
done:
    fclose(f);
    dfg_free(buf);
    return rc;
}

const char *dfg_scenario_name(const dfg_scenario *sc)
{
    return sc ? sc->name : NULL;
}

size_t dfg_scenario_k(const dfg_scenario *sc)
{
    return sc ? sc->k : 0;
}

const char *dfg_scenario_list_name(const dfg_scenario *sc, size_t j)
{
    return sc && j < sc->k ? sc->names[j] : NULL;
}

double dfg_scenario_total(const dfg_scenario *sc)
{
    return sc ? sc->total : (double)NAN;
}

dfg_status dfg_scenario_cell_probs(const dfg_scenario *sc, double *prob, dfg_error *err)
{
    if (!sc || !prob)
        return dfg_err_set(err, DFG_EINVAL, "sim", "scenario and prob must not be NULL");
    memcpy(prob, sc->prob, ((size_t)1 << sc->k) * sizeof *prob);
    return DFG_OK;
}

dfg_status dfg_sim_table(const dfg_scenario *sc, uint32_t seed, uint64_t replicate, dfg_table **out,
                         dfg_error *err)
{
    if (!out)
        return dfg_err_set(err, DFG_EINVAL, "sim", "out must not be NULL");
    *out = NULL;
    if (!sc)
        return dfg_err_set(err, DFG_EINVAL, "sim", "scenario must not be NULL");
    size_t nc = (size_t)1 << sc->k;
    dfg_status rc = DFG_OK;
    unsigned int *n = dfg_malloc(nc * sizeof *n);
    double *y = dfg_malloc(nc * sizeof *y);
    gsl_rng *r = NULL;
    if (!n || !y) {
        rc = dfg_err_set(err, DFG_ENOMEM, "sim", "cannot allocate %zu cells", nc);
        goto done;
    }
    if (!(r = dfg_rng_stream(seed, replicate, err))) {
        rc = err && err->code ? err->code : DFG_ENOMEM;
        goto done;
    }
    /* (n_x) ~ Multinomial(N; P(x), x = 0 .. 2^k - 1) */
    gsl_ran_multinomial(r, nc, (unsigned int)sc->total, sc->prob, n);
    for (size_t x = 0; x < nc; x++)
        y[x] = (double)n[x];
    if (!(*out = dfg_table_from_cells(sc->k, (const char *const *)sc->names, y, err)))
        rc = err && err->code ? err->code : DFG_ENOMEM;
done:
    if (r)
        gsl_rng_free(r);
    dfg_free(n);
    dfg_free(y);
    return rc;
}

size_t dfg_scenario_n_cov(const dfg_scenario *sc)
{
    return sc ? sc->n_cov : 0;
}

const char *dfg_scenario_cov_name(const dfg_scenario *sc, size_t c)
{
    return sc && c < sc->n_cov ? sc->cov_name[c] : NULL;
}

size_t dfg_scenario_n_levels(const dfg_scenario *sc, size_t c)
{
    return sc && c < sc->n_cov ? sc->n_levels[c] : 0;
}

const char *dfg_scenario_level_name(const dfg_scenario *sc, size_t c, size_t l)
{
    return sc && c < sc->n_cov && l < sc->n_levels[c] ? sc->level[c][l] : NULL;
}

size_t dfg_scenario_n_strata(const dfg_scenario *sc)
{
    return sc ? (sc->n_cov ? sc->n_strata : 1) : 0;
}

dfg_status dfg_sim_ctable(const dfg_scenario *sc, uint32_t seed, uint64_t replicate,
                          dfg_table **out, double *truth, dfg_error *err)
{
    if (!out)
        return dfg_err_set(err, DFG_EINVAL, "sim", "out must not be NULL");
    *out = NULL;
    if (!sc || sc->n_cov == 0)
        return dfg_err_set(err, DFG_EINVAL, "sim", "a scenario with covariates is needed");
    size_t nc = (size_t)1 << sc->k, ncell = sc->n_strata * nc;
    dfg_status rc = DFG_OK;
    unsigned int *n = dfg_malloc(ncell * sizeof *n);
    gsl_rng *r = NULL;
    dfg_table *t = NULL;
    if (!n) {
        rc = dfg_err_set(err, DFG_ENOMEM, "sim", "cannot allocate %zu cells", ncell);
        goto done;
    }
    if (!(r = dfg_rng_stream(seed, replicate, err))) {
        rc = err && err->code ? err->code : DFG_ENOMEM;
        goto done;
    }
    /* (n_sx) ~ Multinomial(N; pi_s P_s(x)) over every stratum and pattern */
    gsl_ran_multinomial(r, ncell, (unsigned int)sc->total, sc->sprob, n);
    if (!(t = dfg_table_new(sc->k, (const char *const *)sc->names, sc->n_cov,
                            (const char *const *)sc->cov_name, err))) {
        rc = err && err->code ? err->code : DFG_ENOMEM;
        goto done;
    }
    for (size_t st = 0; st < sc->n_strata; st++) {
        const char *vals[MAX_COV];
        size_t rest = st, s;
        double sum = 0.0;
        for (size_t c = 0; c < sc->n_cov; c++) {
            vals[c] = sc->level[c][rest % sc->n_levels[c]];
            rest /= sc->n_levels[c];
        }
        for (size_t x = 0; x < nc; x++)
            sum += (double)n[st * nc + x];
        if (truth)
            truth[st] = sum;
        if (sum == (double)n[st * nc])
            continue; /* nobody observed in this stratum */
        if ((rc = dfg_table_stratum(t, vals, &s, err)) != DFG_OK)
            goto done;
        for (size_t x = 1; x < nc; x++)
            if (n[st * nc + x] &&
                (rc = dfg_table_add(t, s, (uint32_t)x, (double)n[st * nc + x], err)) != DFG_OK)
                goto done;
    }
    *out = t;
    t = NULL;
done:
    if (r)
        gsl_rng_free(r);
    dfg_free(n);
    dfg_table_free(t);
    return rc;
}
