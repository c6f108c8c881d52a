/* models/incomplete.c: log-linear models over lists and covariates when some covariate
 * values are missing: the incomplete-data table, identifiability under the missingness,
 * the EM fit and the observed information.
 *
 * Data. A row is (pattern, level or missing per covariate, count). Rows with every
 * covariate observed are cells of the full table (core/design.c); a row with missing
 * values is compatible with the cells that agree with it on the pattern and the observed
 * levels (the product of the missing covariates' levels). A covariate that a list never
 * records ("passive" for that list; van der Heijden et al. 2012) is missing for the people
 * only such lists saw: declared by the caller or detected when every person seen by the
 * list alone lacks it. The missingness is taken as ignorable (missing at random given the
 * pattern and the observed values), which holds by construction for missing by design.
 *
 * Likelihood. With mu the fitted values of the cells, a row's mean is m_r = sum of mu over
 * its compatible cells, and the observed-data log-likelihood (Poisson, up to the
 * missingness mechanism) is sum_r n_r log m_r - sum_observable mu - sum log n_r!; cenzus
 * reports its multinomial form sum_r n_r log(m_r / sum_observable mu), used here for the
 * convergence rule and reported as loglik.
 *
 * EM (Dempster, Laird & Rubin 1977; for these models Zwane & van der Heijden 2007).
 * E-step: y_c = complete count + sum over the rows r with missing values compatible with c
 * of n_r mu_c / m_r. M-step: the Poisson fit of the model on y (the mixed-radix IRLS of
 * core/design.c), warm-started from the previous M-step. Start: each row spread evenly
 * over its cells (cenzus's uniform start), so the result does not depend on the order of
 * the rows. Stop: |LL_t - LL_{t-1}| / (|LL_t| + 0.1) < tol, or |LL_t - LL_{t-1}| <
 * abs_tol (cenzus's rule, crit = 1e-7).
 *
 * Identifiability. Under ignorable missingness the expected observed information is
 * sum over the kinds r of rows the data can hold of g_r g_r' / m_r, g_r = sum_{c in r}
 * mu_c x_c (a complete cell is a row of one cell): the model is identifiable when it has
 * full rank at a generic point. The complete cells that can be observed are those whose
 * pattern holds a list recording every covariate; the rows with missing values are the
 * kinds seen. The rank is taken by a Cholesky factor in the order of the parameters (terms
 * by order), on the scaled matrix, at the fit of the evenly spread table with a fixed small
 * perturbation (so that no interaction is exactly 0 there): a parameter whose pivot is
 * below 1e-9 adds no rank and its term is named.
 *
 * Observed information (Louis 1982): I_obs = I_complete - I_missing
 *   = X' diag(mu) X - sum_r n_r Cov_{c|r}(x_c)
 *   = X' diag(mu - w) X + sum_r n_r g_r g_r' / m_r^2,
 * w_c = sum_r n_r mu_c / m_r over the rows with missing values (the E-step's share);
 * X' diag(v) X by the zeta transform of core/design.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "incomplete.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_TOL 1e-9
/* people seen by a list alone, all lacking a covariate, before the list is taken not to
 * record it (fewer could lack it by chance) */
#define DETECT_MIN 10.0

/* ** {======================================================================
 * The incomplete-data table
 * ======================================================================= */

dfg_itable_opts dfg_itable_opts_default(void)
{
    dfg_itable_opts o;
    memset(&o, 0, sizeof o);
    return o;
}

int dfg_value_missing(const char *v, const char *na)
{
    return !v || v[0] == '\0' || strcmp(v, "NA") == 0 || (na && na[0] && strcmp(v, na) == 0);
}

int dfg_table_has_missing(const dfg_table *t, const char *na)
{
    if (!t)
        return 0;
    for (size_t s = 0; s < dfg_table_n_strata(t); s++) {
        if (dfg_table_n_patterns(t, s) == 0)
            continue;
        for (size_t c = 0; c < dfg_table_n_cov(t); c++)
            if (dfg_value_missing(dfg_table_stratum_value(t, s, c), na))
                return 1;
    }
    return 0;
}

void dfg_itable_free(dfg_itable *it)
{
    if (!it)
        return;
    dfg_ctable_free(it->ct);
    dfg_free(it->off);
    dfg_free(it->cells);
    dfg_free(it->count);
    dfg_free(it->miss);
    dfg_free(it->n_missing);
    dfg_free(it->recorded);
    dfg_free(it->detected);
    dfg_free(it);
}

const dfg_ctable *dfg_itable_ctable(const dfg_itable *it)
{
    return it ? it->ct : NULL;
}
size_t dfg_itable_n_rows(const dfg_itable *it)
{
    return it ? it->n_rows : 0;
}
double dfg_itable_n_obs(const dfg_itable *it)
{
    return it ? it->n_obs : 0.0;
}
double dfg_itable_n_incomplete(const dfg_itable *it)
{
    return it ? it->n_incomplete : 0.0;
}
double dfg_itable_n_missing(const dfg_itable *it, size_t c)
{
    return it && c < it->n_cov ? it->n_missing[c] : 0.0;
}
uint32_t dfg_itable_recorded(const dfg_itable *it, size_t c)
{
    return it && c < it->n_cov ? it->recorded[c] : 0;
}
uint32_t dfg_itable_detected(const dfg_itable *it, size_t c)
{
    return it && c < it->n_cov ? it->detected[c] : 0;
}

static long find_level(const dfg_ctable *ct, size_t c, const char *v)
{
    for (size_t l = 0; l < dfg_ctable_n_levels(ct, c); l++)
        if (strcmp(dfg_ctable_level_name(ct, c, l), v) == 0)
            return (long)l;
    return -1;
}

typedef struct {
    size_t base;
    uint64_t miss;
    double count;
} raw_row;

static int cmp_raw(const void *pa, const void *pb)
{
    const raw_row *a = pa, *b = pb;
    if (a->base != b->base)
        return a->base < b->base ? -1 : 1;
    if (a->miss != b->miss)
        return a->miss < b->miss ? -1 : 1;
    return 0;
}

/* the layout: a copy of t whose strata with missing values contribute a zero count at a
 * level combination using their observed values (so that every observed level is a level) */
static dfg_status build_layout(const dfg_table *t, const char *na, size_t max_cells,
                               dfg_ctable **ct, dfg_error *err)
{
    size_t k = dfg_table_k(t), nc = dfg_table_n_cov(t), ns = dfg_table_n_strata(t);
    const char **ln = dfg_malloc((k + 1) * sizeof *ln);
    const char **cn = dfg_malloc((nc + 1) * sizeof *cn);
    const char **fill = dfg_calloc(nc + 1, sizeof *fill);
    const char **vals = dfg_malloc((nc + 1) * sizeof *vals);
    dfg_table *t2 = NULL;
    dfg_status rc = DFG_OK;
    if (!ln || !cn || !fill || !vals) {
        rc = dfg_err_set(err, DFG_ENOMEM, "incomplete", "layout");
        goto done;
    }
    for (size_t j = 0; j < k; j++)
        ln[j] = dfg_table_list_name(t, j);
    for (size_t c = 0; c < nc; c++) {
        cn[c] = dfg_table_cov_name(t, c);
        for (size_t s = 0; s < ns && !fill[c]; s++) {
            const char *v = dfg_table_stratum_value(t, s, c);
            if (dfg_table_n_patterns(t, s) > 0 && !dfg_value_missing(v, na))
                fill[c] = v;
        }
        if (!fill[c]) {
            rc = dfg_err_set(err, DFG_EDATA, "incomplete",
                             "covariate %s is missing for every person: drop the column", cn[c]);
            goto done;
        }
    }
    if (!(t2 = dfg_table_new(k, ln, nc, cn, err))) {
        rc = err ? err->code : DFG_ENOMEM;
        goto done;
    }
    for (size_t s = 0; s < ns; s++) {
        size_t np = dfg_table_n_patterns(t, s);
        if (np == 0)
            continue;
        int complete = 1;
        for (size_t c = 0; c < nc; c++) {
            const char *v = dfg_table_stratum_value(t, s, c);
            if (dfg_value_missing(v, na)) {
                complete = 0;
                v = fill[c];
            }
            vals[c] = v;
        }
        size_t s2;
        if ((rc = dfg_table_stratum(t2, vals, &s2, err)) != DFG_OK)
            goto done;
        for (size_t i = 0; i < np; i++) {
            uint32_t pat;
            double cnt;
            dfg_table_pattern(t, s, i, &pat, &cnt);
            if ((rc = dfg_table_add(t2, s2, pat, complete ? cnt : 0.0, err)) != DFG_OK)
                goto done;
        }
    }
    rc = dfg_ctable_new(t2, max_cells, ct, err);
done:
    dfg_table_free(t2);
    dfg_free(ln);
    dfg_free(cn);
    dfg_free(fill);
    dfg_free(vals);
    return rc;
}

static dfg_status declare_passive(dfg_itable *it, const char *spec, dfg_error *err)
{
    const char *colon = spec ? strrchr(spec, ':') : NULL;
    if (!colon || colon == spec || !colon[1])
        return dfg_err_set(err, DFG_EINVAL, "passive",
                           "\"%s\": expected covariate:list (the list that never records it)",
                           spec ? spec : "");
    size_t cl = (size_t)(colon - spec), c, j;
    for (c = 0; c < it->n_cov; c++) {
        const char *nm = dfg_ctable_cov_name(it->ct, c);
        if (strlen(nm) == cl && strncmp(nm, spec, cl) == 0)
            break;
    }
    if (c == it->n_cov)
        return dfg_err_set(err, DFG_EINVAL, "passive", "\"%s\": no covariate %.*s", spec, (int)cl,
                           spec);
    for (j = 0; j < it->k; j++)
        if (strcmp(dfg_ctable_list_name(it->ct, j), colon + 1) == 0)
            break;
    if (j == it->k)
        return dfg_err_set(err, DFG_EINVAL, "passive", "\"%s\": no list %s", spec, colon + 1);
    it->recorded[c] &= ~((uint32_t)1 << j);
    if (it->recorded[c] == 0)
        return dfg_err_set(err, DFG_EINVAL, "passive", "covariate %s is recorded by no list",
                           dfg_ctable_cov_name(it->ct, c));
    return DFG_OK;
}

dfg_status dfg_itable_new(const dfg_table *t, const dfg_itable_opts *o, dfg_itable **out,
                          dfg_error *err)
{
    if (!out)
        return dfg_err_set(err, DFG_EINVAL, "incomplete", "NULL output");
    *out = NULL;
    if (!t)
        return dfg_err_set(err, DFG_EINVAL, "incomplete", "NULL table");
    dfg_itable_opts def = dfg_itable_opts_default();
    if (!o)
        o = &def;
    if (o->n_passive && !o->passive)
        return dfg_err_set(err, DFG_EINVAL, "incomplete", "NULL passive declarations");
    size_t k = dfg_table_k(t), nc = dfg_table_n_cov(t), ns = dfg_table_n_strata(t);
    if (nc > 63)
        return dfg_err_set(err, DFG_EINVAL, "incomplete", "%zu covariates: at most 63", nc);
    dfg_itable *it = dfg_calloc(1, sizeof *it);
    raw_row *raw = NULL;
    size_t *lev = NULL;
    double *single = NULL, *single_obs = NULL;
    dfg_status rc = DFG_OK;
    if (!it)
        return dfg_err_set(err, DFG_ENOMEM, "incomplete", "table");
    if ((rc = build_layout(t, o->na, o->max_cells, &it->ct, err)) != DFG_OK)
        goto fail;
    it->k = k;
    it->n_cov = nc;
    it->n_cells = dfg_ctable_n_cells(it->ct);
    size_t n_raw = 0;
    for (size_t s = 0; s < ns; s++)
        n_raw += dfg_table_n_patterns(t, s);
    if (!(it->n_missing = dfg_calloc(nc + 1, sizeof *it->n_missing)) ||
        !(it->recorded = dfg_calloc(nc + 1, sizeof *it->recorded)) ||
        !(it->detected = dfg_calloc(nc + 1, sizeof *it->detected)) ||
        !(raw = dfg_malloc((n_raw + 1) * sizeof *raw)) ||
        !(lev = dfg_malloc((nc + 1) * sizeof *lev)))
        goto nomem;
    uint32_t all = (uint32_t)(((uint64_t)1 << k) - 1);
    for (size_t c = 0; c < nc; c++)
        it->recorded[c] = all;
    /* rows with missing values */
    size_t nr = 0;
    for (size_t s = 0; s < ns; s++) {
        size_t np = dfg_table_n_patterns(t, s);
        if (np == 0)
            continue;
        uint64_t miss = 0;
        size_t base = 0;
        for (size_t c = 0; c < nc; c++) {
            const char *v = dfg_table_stratum_value(t, s, c);
            if (dfg_value_missing(v, o->na)) {
                miss |= (uint64_t)1 << c;
                continue;
            }
            long l = find_level(it->ct, c, v);
            if (l < 0) {
                rc = dfg_err_set(err, DFG_EINTERNAL, "incomplete", "level %s lost", v);
                goto fail;
            }
            base += (size_t)l * dfg_ctable_cov_stride(it->ct, c);
        }
        for (size_t i = 0; i < np; i++) {
            uint32_t pat;
            double cnt;
            dfg_table_pattern(t, s, i, &pat, &cnt);
            it->n_obs += cnt;
            if (!miss)
                continue;
            for (size_t c = 0; c < nc; c++)
                if (miss >> c & 1)
                    it->n_missing[c] += cnt;
            it->n_incomplete += cnt;
            if (cnt > 0.0) {
                raw[nr].base = base + pat;
                raw[nr].miss = miss;
                raw[nr].count = cnt;
                nr++;
            }
        }
    }
    qsort(raw, nr, sizeof *raw, cmp_raw);
    size_t u = 0;
    for (size_t i = 0; i < nr; i++) {
        if (u > 0 && cmp_raw(&raw[u - 1], &raw[i]) == 0)
            raw[u - 1].count += raw[i].count;
        else
            raw[u++] = raw[i];
    }
    it->n_rows = u;
    size_t total = 0;
    for (size_t r = 0; r < u; r++) {
        size_t m = 1;
        for (size_t c = 0; c < nc; c++)
            if (raw[r].miss >> c & 1)
                m *= dfg_ctable_n_levels(it->ct, c);
        total += m;
    }
    if (!(it->off = dfg_malloc((u + 1) * sizeof *it->off)) ||
        !(it->cells = dfg_malloc((total + 1) * sizeof *it->cells)) ||
        !(it->count = dfg_malloc((u + 1) * sizeof *it->count)) ||
        !(it->miss = dfg_malloc((u + 1) * sizeof *it->miss)))
        goto nomem;
    size_t pos = 0;
    for (size_t r = 0; r < u; r++) {
        it->off[r] = pos;
        it->count[r] = raw[r].count;
        it->miss[r] = raw[r].miss;
        /* every combination of the missing covariates' levels, first covariate fastest */
        for (size_t c = 0; c < nc; c++)
            lev[c] = 0;
        for (;;) {
            size_t cell = raw[r].base;
            for (size_t c = 0; c < nc; c++)
                cell += lev[c] * dfg_ctable_cov_stride(it->ct, c);
            it->cells[pos++] = cell;
            size_t c = 0;
            for (; c < nc; c++) {
                if (!(raw[r].miss >> c & 1))
                    continue;
                if (++lev[c] < dfg_ctable_n_levels(it->ct, c))
                    break;
                lev[c] = 0;
            }
            if (c == nc)
                break;
        }
    }
    it->off[u] = pos;

    /* declared passive lists, then a check that no observed value contradicts them */
    for (size_t i = 0; i < o->n_passive; i++)
        if ((rc = declare_passive(it, o->passive[i], err)) != DFG_OK)
            goto fail;
    const double *y = dfg_ctable_counts(it->ct);
    for (size_t c = 0; c < nc && o->n_passive; c++) {
        if (it->recorded[c] == all)
            continue;
        double bad = 0.0;
        for (size_t cell = 0; cell < it->n_cells; cell++)
            if (y[cell] > 0.0 && ((cell & all) & it->recorded[c]) == 0)
                bad += y[cell];
        for (size_t r = 0; r < u; r++)
            if (!(it->miss[r] >> c & 1) && ((it->cells[it->off[r]] & all) & it->recorded[c]) == 0)
                bad += it->count[r];
        if (bad > 0.0) {
            rc = dfg_err_set(err, DFG_EDATA, "incomplete",
                             "covariate %s is observed for %.0f people seen only by lists "
                             "declared not to record it",
                             dfg_ctable_cov_name(it->ct, c), bad);
            goto fail;
        }
    }
    /* detection: list j never records c when everyone seen by j alone lacks c */
    if (!(single = dfg_calloc(k + 1, sizeof *single)) ||
        !(single_obs = dfg_calloc((k + 1) * (nc + 1), sizeof *single_obs)))
        goto nomem;
    size_t np2 = (size_t)1 << k;
    for (size_t cell = 0; cell < it->n_cells; cell++) {
        size_t pat = cell & (np2 - 1);
        if (y[cell] > 0.0 && pat && (pat & (pat - 1)) == 0) {
            size_t j = (size_t)__builtin_ctzll((unsigned long long)pat);
            single[j] += y[cell];
            for (size_t c = 0; c < nc; c++)
                single_obs[j * nc + c] += y[cell];
        }
    }
    for (size_t r = 0; r < u; r++) {
        size_t pat = it->cells[it->off[r]] & (np2 - 1);
        if (pat && (pat & (pat - 1)) == 0) {
            size_t j = (size_t)__builtin_ctzll((unsigned long long)pat);
            single[j] += it->count[r];
            for (size_t c = 0; c < nc; c++)
                if (!(it->miss[r] >> c & 1))
                    single_obs[j * nc + c] += it->count[r];
        }
    }
    for (size_t c = 0; c < nc; c++)
        for (size_t j = 0; j < k; j++)
            if ((it->recorded[c] >> j & 1) && single[j] >= DETECT_MIN &&
                single_obs[j * nc + c] == 0.0 && (it->recorded[c] & ~((uint32_t)1 << j)) != 0) {
                it->recorded[c] &= ~((uint32_t)1 << j);
                it->detected[c] |= (uint32_t)1 << j;
            }
    dfg_free(raw);
    dfg_free(lev);
    dfg_free(single);
    dfg_free(single_obs);
    *out = it;
    return DFG_OK;
nomem:
    rc = dfg_err_set(err, DFG_ENOMEM, "incomplete", "table with missing values");
fail:
    dfg_free(raw);
    dfg_free(lev);
    dfg_free(single);
    dfg_free(single_obs);
    dfg_itable_free(it);
    return rc;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Transforms of the parameters
 * ======================================================================= */

/* eta[cell] = sum of beta over the parameters the cell matches (the transpose of the zeta
 * transform of core/design.c) */
static void eval_eta(const dfg_ctable *ct, const size_t *spec, size_t p, const double *beta,
                     double *eta)
{
    size_t n = dfg_ctable_n_cells(ct), k = dfg_ctable_k(ct);
    memset(eta, 0, n * sizeof *eta);
    for (size_t j = 0; j < p; j++)
        eta[spec[j]] += beta[j];
    for (size_t c = 0; c < dfg_ctable_n_cov(ct); c++) {
        size_t st = dfg_ctable_cov_stride(ct, c), r = dfg_ctable_n_levels(ct, c), blk = st * r;
        for (size_t b = 0; b < n; b += blk)
            for (size_t l = 1; l < r; l++)
                for (size_t i = 0; i < st; i++)
                    eta[b + l * st + i] += eta[b + i];
    }
    for (size_t j = 0; j < k; j++) {
        size_t st = (size_t)1 << j;
        for (size_t b = 0; b < n; b += 2 * st)
            for (size_t i = b; i < b + st; i++)
                eta[i + st] += eta[i];
    }
}

static size_t join_spec(const dfg_ctable *ct, size_t a, size_t b)
{
    size_t lmask = ((size_t)1 << dfg_ctable_k(ct)) - 1, s = (a | b) & lmask;
    for (size_t c = 0; c < dfg_ctable_n_cov(ct); c++) {
        size_t st = dfg_ctable_cov_stride(ct, c), L = dfg_ctable_n_levels(ct, c);
        size_t da = (a / st) % L, db = (b / st) % L;
        if (da && db && da != db)
            return (size_t)-1;
        s += (da ? da : db) * st;
    }
    return s;
}

/* a (p x p) += X' diag(v) X; v is overwritten (zeta transform) */
static void add_xtvx(const dfg_ctable *ct, const size_t *spec, size_t p, double *v, double *a)
{
    dfg_ctable_zeta_up(ct, v);
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j <= i; j++) {
            size_t m = join_spec(ct, spec[i], spec[j]);
            double t = m == (size_t)-1 ? 0.0 : v[m];
            a[i + j * p] += t;
            if (i != j)
                a[j + i * p] += t;
        }
}

static int cell_matches(const dfg_ctable *ct, size_t c, size_t s)
{
    size_t lm = ((size_t)1 << dfg_ctable_k(ct)) - 1;
    if ((c & s & lm) != (s & lm))
        return 0;
    for (size_t v = 0; v < dfg_ctable_n_cov(ct); v++) {
        size_t st = dfg_ctable_cov_stride(ct, v), L = dfg_ctable_n_levels(ct, v);
        size_t ds = (s / st) % L;
        if (ds && ds != (c / st) % L)
            return 0;
    }
    return 1;
}

/* g = sum over the row's cells of mu_c x_c; returns m_r */
static double row_grad(const dfg_itable *it, size_t r, const size_t *spec, size_t p,
                       const double *mu, double *g)
{
    double m = 0.0;
    memset(g, 0, p * sizeof *g);
    for (size_t q = it->off[r]; q < it->off[r + 1]; q++) {
        size_t c = it->cells[q];
        m += mu[c];
        for (size_t j = 0; j < p; j++)
            if (cell_matches(it->ct, c, spec[j]))
                g[j] += mu[c];
    }
    return m;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * EM
 * ======================================================================= */

dfg_em_opts dfg_em_opts_default(void)
{
    dfg_em_opts o;
    o.tol = 1e-14;
    o.abs_tol = 0.0;
    o.max_iter = 5000;
    o.accelerate = 1;
    o.glm = dfg_glm_opts_default();
    return o;
}

void dfg_em_ws_free(dfg_em_ws *ws)
{
    if (!ws)
        return;
    dfg_cfit_work_free(ws->w);
    dfg_free(ws->yc);
    dfg_free(ws->eta);
    dfg_free(ws->sq);
    memset(ws, 0, sizeof *ws);
}

dfg_status dfg_em_ws_init(dfg_em_ws *ws, const dfg_itable *it, const size_t *spec, size_t p,
                          dfg_error *err)
{
    memset(ws, 0, sizeof *ws);
    ws->it = it;
    ws->spec = spec;
    ws->p = p;
    ws->w = dfg_cfit_work_alloc(it->ct, p);
    ws->yc = dfg_malloc(it->n_cells * sizeof *ws->yc);
    ws->eta = dfg_malloc(it->n_cells * sizeof *ws->eta);
    ws->sq = dfg_malloc(6 * p * sizeof *ws->sq);
    if (!ws->w || !ws->yc || !ws->eta || !ws->sq) {
        dfg_em_ws_free(ws);
        return dfg_err_set(err, DFG_ENOMEM, "incomplete", "EM workspace for %zu parameters", p);
    }
    return DFG_OK;
}

/* E-step: yc = y0 + each row spread in proportion to mu (NULL: evenly); returns cenzus's
 * multinomial log-likelihood at mu */
static double estep(const dfg_itable *it, const unsigned char *use, const double *y0,
                    const double *inc_n, const double *mu, double *yc)
{
    size_t n = it->n_cells, lm = ((size_t)1 << it->k) - 1;
    double S = 0.0, ll = 0.0;
    memcpy(yc, y0, n * sizeof *yc);
    for (size_t c = 0; c < n; c++)
        if ((c & lm) && (!use || use[c]))
            S += mu ? mu[c] : 1.0;
    /* S > 0: at least one observable cell, each with mu > 0 (cppcheck cannot see it) */
    /* cppcheck-suppress invalidFunctionArg */
    double logS = log(S);
    for (size_t c = 0; c < n; c++)
        if ((c & lm) && y0[c] > 0.0)
            ll += y0[c] * ((mu ? log(mu[c]) : 0.0) - logS);
    for (size_t r = 0; r < it->n_rows; r++) {
        double nr = inc_n[r];
        if (nr == 0.0)
            continue;
        size_t a = it->off[r], b = it->off[r + 1];
        double m = 0.0;
        for (size_t q = a; q < b; q++)
            m += mu ? mu[it->cells[q]] : 1.0;
        if (!(m > 0.0)) { /* every cell underflowed: spread evenly */
            for (size_t q = a; q < b; q++)
                yc[it->cells[q]] += nr / (double)(b - a);
            ll = -INFINITY;
            continue;
        }
        for (size_t q = a; q < b; q++)
            yc[it->cells[q]] += nr * (mu ? mu[it->cells[q]] : 1.0) / m;
        ll += nr * (log(m) - logS);
    }
    return ll;
}

/* one EM step from th: *ll = LL(th) (the E-step at th's fitted values), out = the M-step
 * warm-started from th */
static dfg_status em_map(dfg_em_ws *ws, const double *y0, const double *inc_n, const double *th,
                         double *out, const dfg_em_opts *o, double *ll, int *msteps, dfg_error *err)
{
    const dfg_itable *it = ws->it;
    eval_eta(it->ct, ws->spec, ws->p, th, ws->eta);
    for (size_t c = 0; c < it->n_cells; c++)
        ws->eta[c] = exp(ws->eta[c]);
    *ll = estep(it, ws->use, y0, inc_n, ws->eta, ws->yc);
    if (!isfinite(*ll))
        return DFG_OK;
    memcpy(out, th, ws->p * sizeof *out);
    dfg_glm_info gi;
    dfg_error me = {0};
    dfg_status rc = dfg_cfit_engine(ws->w, it->ct, ws->spec, ws->p, ws->yc, ws->use, 1, &o->glm,
                                    out, NULL, &gi, &me);
    (*msteps)++;
    if (rc == DFG_ENOCONV) /* the best iterate is kept (see dfg_em_core) */
        rc = DFG_OK;
    if (rc != DFG_OK)
        return dfg_err_set(err, rc, "incomplete", "EM iteration %d: M-step: %s", *msteps, me.msg);
    return DFG_OK;
}

/* SQUAREM (Varadhan & Roland 2008, scheme S3, steplength at most -1) over the EM map F on
 * the parameters: r = F(t0) - t0, v = F(F(t0)) - 2 F(t0) + t0, a = -|r| / |v|,
 * t' = t0 - 2 a r + a^2 v, then t0 <- F(t'), or F(F(t0)) when the log-likelihood at t'
 * is below that at F(t0) (the EM's monotonicity kept). Converged as the plain EM, on
 * LL at successive t0. */
static dfg_status em_squarem(dfg_em_ws *ws, const double *y0, const double *inc_n, int warm,
                             const dfg_em_opts *o, double *beta, dfg_em_info *info, dfg_error *err)
{
    const dfg_itable *it = ws->it;
    size_t p = ws->p;
    double *t0 = ws->sq, *t1 = t0 + p, *t2 = t1 + p, *tp = t2 + p, *t3 = tp + p;
    int ms = 0;
    double ll_prev = -INFINITY, ll0, ll1, llp;
    dfg_status rc;
    if (warm) {
        memcpy(t0, beta, p * sizeof *t0);
    } else { /* the uniform start: one cold M-step */
        ll_prev = estep(it, ws->use, y0, inc_n, NULL, ws->yc);
        dfg_glm_info gi;
        dfg_error me = {0};
        memset(t0, 0, p * sizeof *t0);
        rc = dfg_cfit_engine(ws->w, it->ct, ws->spec, p, ws->yc, ws->use, 0, &o->glm, t0, NULL, &gi,
                             &me);
        ms = 1;
        if (rc != DFG_OK)
            return dfg_err_set(err, rc, "incomplete", "EM iteration 1: M-step: %s", me.msg);
    }
    while (ms < o->max_iter) {
        if ((rc = em_map(ws, y0, inc_n, t0, t1, o, &ll0, &ms, err)) != DFG_OK)
            return rc;
        if (!isfinite(ll0))
            return dfg_err_set(err, DFG_ENOCONV, "incomplete",
                               "EM iteration %d: the log-likelihood is not finite (a row's "
                               "fitted cells underflowed)",
                               ms);
        double d = ll0 - ll_prev;
        info->iter = ms;
        info->loglik = ll0;
        info->abs_change = d;
        info->change = fabs(d) / (fabs(ll0) + 0.1);
        if (o->abs_tol > 0.0 ? fabs(d) < o->abs_tol : info->change < o->tol) {
            memcpy(beta, t1, p * sizeof *beta); /* the M-step of the last E-step */
            info->loglik = estep(it, ws->use, y0, inc_n, dfg_cfit_work_mu(ws->w), ws->yc);
            return DFG_OK;
        }
        ll_prev = ll0;
        if ((rc = em_map(ws, y0, inc_n, t1, t2, o, &ll1, &ms, err)) != DFG_OK)
            return rc;
        if (isfinite(ll1)) { /* two plain steps may be enough (a warm start near the end) */
            d = ll1 - ll0;
            info->iter = ms;
            info->loglik = ll1;
            info->abs_change = d;
            info->change = fabs(d) / (fabs(ll1) + 0.1);
            if (o->abs_tol > 0.0 ? fabs(d) < o->abs_tol : info->change < o->tol) {
                memcpy(beta, t2, p * sizeof *beta);
                info->loglik = estep(it, ws->use, y0, inc_n, dfg_cfit_work_mu(ws->w), ws->yc);
                return DFG_OK;
            }
        }
        double nr = 0.0, nv = 0.0;
        for (size_t j = 0; j < p; j++) {
            double r = t1[j] - t0[j], v = t2[j] - 2.0 * t1[j] + t0[j];
            nr += r * r;
            nv += v * v;
        }
        if (!(nv > 0.0) || !isfinite(ll1)) {
            memcpy(t0, t2, p * sizeof *t0);
            continue;
        }
        double a = -sqrt(nr / nv);
        if (a > -1.0)
            a = -1.0;
        for (size_t j = 0; j < p; j++) {
            double r = t1[j] - t0[j], v = t2[j] - 2.0 * t1[j] + t0[j];
            tp[j] = t0[j] - 2.0 * a * r + a * a * v;
        }
        if ((rc = em_map(ws, y0, inc_n, tp, t3, o, &llp, &ms, err)) != DFG_OK)
            return rc;
        if (isfinite(llp) && llp >= ll1)
            memcpy(t0, t3, p * sizeof *t0);
        else
            memcpy(t0, t2, p * sizeof *t0);
    }
    info->limit = 1;
    return dfg_err_set(err, DFG_ENOCONV, "incomplete",
                       "EM did not converge in %d iterations (last relative change of the "
                       "log-likelihood %.3g, absolute %.3g)",
                       o->max_iter, info->change, info->abs_change);
}

dfg_status dfg_em_core(dfg_em_ws *ws, const double *y0, const double *inc_n, int warm,
                       const dfg_em_opts *o, double *beta, dfg_em_info *info, dfg_error *err)
{
    const dfg_itable *it = ws->it;
    size_t n = it->n_cells;
    info->iter = 0;
    info->limit = 0;
    info->change = info->abs_change = info->loglik = NAN;
    if (o->accelerate)
        return em_squarem(ws, y0, inc_n, warm, o, beta, info, err);
    double ll_prev;
    if (warm) {
        eval_eta(it->ct, ws->spec, ws->p, beta, ws->eta);
        for (size_t c = 0; c < n; c++)
            ws->eta[c] = exp(ws->eta[c]);
        ll_prev = estep(it, ws->use, y0, inc_n, ws->eta, ws->yc);
    } else {
        ll_prev = estep(it, ws->use, y0, inc_n, NULL, ws->yc);
    }
    for (int t = 1; t <= o->max_iter; t++) {
        dfg_glm_info gi;
        dfg_error me = {0};
        int from_warm = warm || t > 1;
        dfg_status rc = dfg_cfit_engine(ws->w, it->ct, ws->spec, ws->p, ws->yc, ws->use, from_warm,
                                        &o->glm, beta, NULL, &gi, &me);
        /* from a warm start, a step-halving failure leaves the best iterate (the deviance
         * of a nearly saturated completed table is at its rounding level): the EM goes on */
        if (rc == DFG_ENOCONV && from_warm)
            rc = DFG_OK;
        if (rc != DFG_OK)
            return dfg_err_set(err, rc, "incomplete", "EM iteration %d: M-step: %s", t, me.msg);
        const double *mu = dfg_cfit_work_mu(ws->w);
        double ll = estep(it, ws->use, y0, inc_n, mu, ws->yc);
        double d = ll - ll_prev;
        info->iter = t;
        info->loglik = ll;
        info->abs_change = d;
        info->change = fabs(d) / (fabs(ll) + 0.1);
        if (!isfinite(ll))
            return dfg_err_set(err, DFG_ENOCONV, "incomplete",
                               "EM iteration %d: the log-likelihood is not finite (a row's "
                               "fitted cells underflowed)",
                               t);
        if (o->abs_tol > 0.0 ? fabs(d) < o->abs_tol : info->change < o->tol)
            return DFG_OK;
        ll_prev = ll;
    }
    info->limit = 1;
    return dfg_err_set(err, DFG_ENOCONV, "incomplete",
                       "EM did not converge in %d iterations (last relative change of the "
                       "log-likelihood %.3g, absolute %.3g)",
                       o->max_iter, info->change, info->abs_change);
}

double dfg_em_complete(const dfg_itable *it, const double *mu, double *yc)
{
    return dfg_em_complete_use(it, NULL, mu, yc);
}

double dfg_em_complete_use(const dfg_itable *it, const unsigned char *use, const double *mu,
                           double *yc)
{
    return estep(it, use, dfg_ctable_counts(it->ct), it->count, mu, yc);
}

size_t dfg_em_n_stats(const dfg_itable *it)
{
    size_t s = 1;
    for (size_t c = 0; c < it->n_cov; c++)
        s += dfg_ctable_n_levels(it->ct, c);
    return s;
}

void dfg_em_stats(const dfg_itable *it, const double *mu, const double *yc, double *out)
{
    size_t ns = dfg_em_n_stats(it), lm = ((size_t)1 << it->k) - 1;
    for (size_t i = 0; i < ns; i++)
        out[i] = 0.0;
    for (size_t cell = 0; cell < it->n_cells; cell++) {
        double v = (cell & lm) ? yc[cell] : mu[cell];
        out[0] += v;
        size_t off = 1;
        for (size_t c = 0; c < it->n_cov; c++) {
            size_t L = dfg_ctable_n_levels(it->ct, c);
            out[off + (cell / dfg_ctable_cov_stride(it->ct, c)) % L] += v;
            off += L;
        }
    }
}

/* ** }====================================================================== */

/* ** {======================================================================
 * Identifiability and the observed information
 * ======================================================================= */

/* the scaled information's Cholesky in parameter order: bad[j] = 1 when parameter j adds
 * no rank */
static dfg_status rank_in_order(size_t p, const double *a, unsigned char *bad,
                                unsigned char *involve, dfg_error *err)
{
    double *l = dfg_calloc(p * p, sizeof *l), *d = dfg_malloc(p * sizeof *d);
    double *xs = dfg_calloc(p, sizeof *xs);
    int first_bad = 1;
    memset(involve, 0, p);
    if (!l || !d || !xs) {
        dfg_free(l);
        dfg_free(d);
        dfg_free(xs);
        return dfg_err_set(err, DFG_ENOMEM, "incomplete", "rank");
    }
    for (size_t j = 0; j < p; j++)
        d[j] = a[j + j * p] > 0.0 ? 1.0 / sqrt(a[j + j * p]) : 0.0;
    for (size_t j = 0; j < p; j++) {
        bad[j] = 0;
        if (d[j] == 0.0) {
            bad[j] = 1;
            continue;
        }
        double piv = 1.0;
        for (size_t q = 0; q < j; q++)
            if (!bad[q])
                piv -= l[j + q * p] * l[j + q * p];
        if (!(piv > ID_TOL)) {
            bad[j] = 1;
            if (first_bad) { /* the earlier parameters it depends on: L_S' x = z */
                first_bad = 0;
                for (size_t q = j; q-- > 0;) {
                    involve[q] = 0;
                    if (bad[q])
                        continue;
                    double x = l[j + q * p];
                    for (size_t q2 = q + 1; q2 < j; q2++)
                        if (!bad[q2])
                            x -= l[q2 + q * p] * xs[q2];
                    xs[q] = x / l[q + q * p];
                    involve[q] = fabs(xs[q]) > 1e-6;
                }
            }
            continue;
        }
        double lj = sqrt(piv);
        l[j + j * p] = lj;
        for (size_t i = j + 1; i < p; i++) {
            double s = a[i + j * p] * d[i] * d[j];
            for (size_t q = 0; q < j; q++)
                if (!bad[q])
                    s -= l[i + q * p] * l[j + q * p];
            l[i + j * p] = s / lj;
        }
    }
    dfg_free(l);
    dfg_free(d);
    dfg_free(xs);
    return DFG_OK;
}

/* identifiability at the fit of the evenly spread table, perturbed */
dfg_status dfg_em_identifiable(const dfg_itable *it, const dfg_cmodel *m, dfg_em_ws *ws,
                               const size_t *term_of, const dfg_glm_opts *glm, dfg_error *err)
{
    size_t p = ws->p, n = it->n_cells, lm = ((size_t)1 << it->k) - 1;
    double *beta = dfg_calloc(p, sizeof *beta), *a = dfg_calloc(p * p, sizeof *a);
    double *v = dfg_malloc(n * sizeof *v), *g = dfg_malloc(p * sizeof *g);
    unsigned char *bad = dfg_malloc(p), *inv = dfg_malloc(p);
    dfg_status rc = DFG_OK;
    if (!beta || !a || !v || !g || !bad || !inv) {
        rc = dfg_err_set(err, DFG_ENOMEM, "incomplete", "identifiability");
        goto done;
    }
    estep(it, NULL, dfg_ctable_counts(it->ct), it->count, NULL, ws->yc);
    dfg_glm_info gi;
    dfg_error me = {0}; /* a fit not converged is enough here: its message is not kept */
    rc = dfg_cfit_engine(ws->w, it->ct, ws->spec, p, ws->yc, NULL, 0, glm, beta, NULL, &gi, &me);
    if (rc != DFG_OK && rc != DFG_ENOCONV) {
        rc = dfg_err_set(err, rc, "incomplete", "identifiability: fit of the spread table: %s",
                         me.msg);
        goto done;
    }
    rc = DFG_OK;
    for (size_t j = 1; j < p; j++) /* a fixed perturbation: no interaction exactly 0 */
        beta[j] += 0.05 * sin(1.0 + 1.7 * (double)j);
    eval_eta(it->ct, ws->spec, p, beta, ws->eta);
    for (size_t c = 0; c < n; c++) {
        double mu = exp(ws->eta[c]);
        int ok = (c & lm) != 0;
        for (size_t cv = 0; cv < it->n_cov && ok; cv++)
            ok = (c & lm & it->recorded[cv]) != 0;
        ws->eta[c] = mu;
        v[c] = ok ? mu : 0.0;
    }
    add_xtvx(it->ct, ws->spec, p, v, a);
    for (size_t r = 0; r < it->n_rows; r++) {
        double mr = row_grad(it, r, ws->spec, p, ws->eta, g);
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p; j++)
                a[i + j * p] += g[i] * g[j] / mr;
    }
    if ((rc = rank_in_order(p, a, bad, inv, err)) != DFG_OK)
        goto done;
    for (size_t j = 0; j < p; j++) {
        if (!bad[j])
            continue;
        char name[256], cov[256] = "";
        uint64_t term = term_of[j] == (size_t)-1 ? 0 : m->terms[term_of[j]];
        dfg_cmodel_term_name(it->ct, term, name, sizeof name);
        size_t len = 0;
        for (size_t c = 0; c < it->n_cov; c++)
            if ((term >> (it->k + c) & 1) && it->n_missing[c] > 0.0 && len < sizeof cov) {
                int w = snprintf(cov + len, sizeof cov - len, "%s%s", len ? ", " : "",
                                 dfg_ctable_cov_name(it->ct, c));
                if (w > 0)
                    len += (size_t)w;
            }
        /* the other terms of the dependence, highest order first */
        char with[512] = "";
        size_t wl = 0, last = (size_t)-2;
        for (size_t q = j; q-- > 0;) {
            if (!inv[q] || term_of[q] == (size_t)-1 || term_of[q] == term_of[j] ||
                term_of[q] == last || wl >= sizeof with - 1)
                continue;
            uint64_t tq = m->terms[term_of[q]];
            int has_missing = 0;
            for (size_t c = 0; c < it->n_cov; c++)
                has_missing |= (tq >> (it->k + c) & 1) && it->n_missing[c] > 0.0;
            if (!has_missing || __builtin_popcountll(tq) < 2)
                continue;
            last = term_of[q];
            char tn[256];
            dfg_cmodel_term_name(it->ct, tq, tn, sizeof tn);
            int w = snprintf(with + wl, sizeof with - wl, "%s%s", wl ? ", " : "", tn);
            if (w > 0)
                wl += (size_t)w;
        }
        if (wl >= sizeof with)
            wl = sizeof with - 1;
        rc = dfg_err_set(err, DFG_EDATA, "incomplete",
                         "model term %s cannot be estimated with the missing values%s%s%s%s%s: "
                         "drop it or one of those from the model",
                         name, len ? " of " : "", cov, wl ? " (together with " : "", with,
                         wl ? ")" : "");
        break;
    }
done:
    dfg_free(beta);
    dfg_free(a);
    dfg_free(v);
    dfg_free(g);
    dfg_free(bad);
    dfg_free(inv);
    return rc;
}

/* fit->cov <- inverse observed information (Louis 1982) at fit->fitted */
static dfg_status louis_cov(const dfg_itable *it, dfg_cfit *fit, dfg_error *err)
{
    size_t p = fit->p, n = it->n_cells, lm = ((size_t)1 << it->k) - 1;
    const double *mu = fit->fitted;
    double *a = dfg_calloc(p * p, sizeof *a), *v = dfg_malloc(n * sizeof *v);
    double *g = dfg_malloc(p * sizeof *g);
    dfg_status rc = DFG_OK;
    if (!a || !v || !g) {
        rc = dfg_err_set(err, DFG_ENOMEM, "incomplete", "observed information");
        goto done;
    }
    for (size_t c = 0; c < n; c++)
        v[c] = (c & lm) ? mu[c] : 0.0;
    for (size_t r = 0; r < it->n_rows; r++) {
        double m = 0.0;
        for (size_t q = it->off[r]; q < it->off[r + 1]; q++)
            m += mu[it->cells[q]];
        for (size_t q = it->off[r]; q < it->off[r + 1]; q++)
            v[it->cells[q]] -= it->count[r] * mu[it->cells[q]] / m;
    }
    add_xtvx(it->ct, fit->spec, p, v, a);
    for (size_t r = 0; r < it->n_rows; r++) {
        double mr = row_grad(it, r, fit->spec, p, mu, g), w = it->count[r] / (mr * mr);
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p; j++)
                a[i + j * p] += w * g[i] * g[j];
    }
    if ((rc = dfg_la_chol(p, a, err)) == DFG_OK && (rc = dfg_la_chol_inverse(p, a, err)) == DFG_OK)
        memcpy(fit->cov, a, p * p * sizeof *a);
    else if (err)
        snprintf(err->msg, sizeof err->msg,
                 "the observed information (Louis) is not positive definite: a parameter is "
                 "not identified by the observed data");
done:
    dfg_free(a);
    dfg_free(v);
    dfg_free(g);
    return rc;
}

/* ** }====================================================================== */

/* ** {======================================================================
 * The fit
 * ======================================================================= */

void dfg_emfit_free(dfg_emfit *f)
{
    if (!f)
        return;
    dfg_cfit_free(&f->fit);
    dfg_ctable_free(f->completed);
    memset(f, 0, sizeof *f);
}

static dfg_status em_opts_check(const dfg_em_opts *o, dfg_error *err)
{
    if (!(o->tol > 0.0) || !(o->abs_tol >= 0.0) || !isfinite(o->abs_tol) || o->max_iter < 1 ||
        o->max_iter > DFG_MAX_ITER)
        return dfg_err_set(err, DFG_EINVAL, "incomplete",
                           "EM options: tol > 0, abs_tol >= 0, max_iter in 1..%d", DFG_MAX_ITER);
    return dfg_glm_opts_check(&o->glm, err);
}

dfg_status dfg_em_fit(const dfg_itable *it, const dfg_cmodel *m, const dfg_em_opts *o,
                      dfg_emfit *out, dfg_error *err)
{
    if (!out)
        return dfg_err_set(err, DFG_EINVAL, "incomplete", "NULL output");
    memset(out, 0, sizeof *out);
    if (!it || !m)
        return dfg_err_set(err, DFG_EINVAL, "incomplete", "NULL table or model");
    dfg_em_opts def = dfg_em_opts_default();
    if (!o)
        o = &def;
    dfg_status rc = em_opts_check(o, err);
    if (rc != DFG_OK)
        return rc;
    size_t p = dfg_cmodel_n_params(m, it->ct), n = it->n_cells;
    if (p > DFG_MAX_PARAMS)
        return dfg_err_set(err, DFG_EINVAL, "incomplete", "%zu parameters: at most %d", p,
                           DFG_MAX_PARAMS);
    out->n_obs = it->n_obs;
    out->n_incomplete = it->n_incomplete;
    const double *y0 = dfg_ctable_counts(it->ct);
    if (it->n_rows == 0) { /* nothing missing: the complete-data fit itself */
        if ((rc = dfg_ctable_copy(it->ct, &out->completed, err)) != DFG_OK)
            return rc;
        rc = dfg_cfit_model(out->completed, m, &o->glm, &out->fit, err);
        if (rc != DFG_OK && out->fit.p == 0) {
            dfg_emfit_free(out);
            return rc;
        }
        double *yc = dfg_malloc(n * sizeof *yc);
        if (!yc) {
            dfg_emfit_free(out);
            return dfg_err_set(err, DFG_ENOMEM, "incomplete", "fit");
        }
        out->loglik = estep(it, NULL, y0, it->count, out->fit.fitted, yc);
        dfg_free(yc);
        out->iter = 1;
        out->change = out->abs_change = 0.0;
        out->status = rc;
        return rc;
    }
    size_t *spec = dfg_malloc(p * sizeof *spec), *term_of = dfg_malloc(p * sizeof *term_of);
    double *beta = dfg_calloc(p, sizeof *beta);
    dfg_em_ws ws;
    memset(&ws, 0, sizeof ws);
    if (!spec || !term_of || !beta) {
        rc = dfg_err_set(err, DFG_ENOMEM, "incomplete", "fit");
        goto done;
    }
    dfg_cmodel_params(m, it->ct, spec, term_of, err);
    if ((rc = dfg_em_ws_init(&ws, it, spec, p, err)) != DFG_OK)
        goto done;
    if ((rc = dfg_em_identifiable(it, m, &ws, term_of, &o->glm, err)) != DFG_OK)
        goto done;
    dfg_em_info info;
    dfg_status em_rc = dfg_em_core(&ws, y0, it->count, 0, o, beta, &info, err);
    out->iter = info.iter;
    out->change = info.change;
    out->abs_change = info.abs_change;
    if (em_rc != DFG_OK && !(em_rc == DFG_ENOCONV && info.limit)) {
        rc = em_rc;
        goto done;
    }
    /* the M-step on the final completed table */
    if ((rc = dfg_ctable_copy(it->ct, &out->completed, err)) != DFG_OK ||
        (rc = dfg_ctable_set_counts(out->completed, ws.yc, err)) != DFG_OK)
        goto done;
    dfg_error e2 = {0};
    rc = dfg_cfit_model(out->completed, m, &o->glm, &out->fit, &e2);
    if (rc != DFG_OK) {
        if (err && err->code == DFG_OK)
            *err = e2;
        goto done;
    }
    out->loglik = estep(it, NULL, y0, it->count, out->fit.fitted, ws.yc);
    /* AIC and BIC from the observed-data log-likelihood (its multinomial form: the
     * Poisson one of rows that share cells is defined only up to the missingness
     * mechanism; differences between models are the same) */
    out->fit.loglik = out->loglik;
    out->fit.deviance = NAN;
    out->fit.df = NAN;
    out->fit.n_obs = it->n_obs;
    dfg_cfit_criteria(&out->fit);
    if ((rc = louis_cov(it, &out->fit, err)) != DFG_OK) {
        for (size_t i = 0; i < p * p; i++)
            out->fit.cov[i] = NAN;
        goto done;
    }
    dfg_cfit_totals(out->completed, &out->fit);
    rc = em_rc;
    out->status = em_rc;
    if (em_rc == DFG_ENOCONV)
        out->fit.status = DFG_ENOCONV;
done:
    dfg_em_ws_free(&ws);
    dfg_free(spec);
    dfg_free(term_of);
    dfg_free(beta);
    if (rc != DFG_OK && rc != DFG_ENOCONV)
        dfg_emfit_free(out);
    return rc;
}

/* ** }====================================================================== */

double dfg_em_obs_loglik(const dfg_itable *it, const size_t *spec, size_t p, const double *beta,
                         double *mu)
{
    size_t n = it->n_cells, lm = ((size_t)1 << it->k) - 1;
    const double *y0 = dfg_ctable_counts(it->ct);
    eval_eta(it->ct, spec, p, beta, mu);
    double ll = 0.0;
    for (size_t c = 0; c < n; c++) {
        double e = mu[c];
        mu[c] = exp(e);
        if (c & lm)
            ll += (y0[c] > 0.0 ? y0[c] * e : 0.0) - mu[c];
    }
    for (size_t r = 0; r < it->n_rows; r++) {
        double m = 0.0;
        for (size_t q = it->off[r]; q < it->off[r + 1]; q++)
            m += mu[it->cells[q]];
        /* m > 0: every row has a compatible cell and every mu > 0 */
        /* cppcheck-suppress invalidFunctionArg */
        ll += it->count[r] * log(m);
    }
    return ll;
}

/* ** {======================================================================
 * Totals per covariate level
 * ======================================================================= */

/* h += d/d beta of sum_r n_r p_{g|r} (the rows' expected count in the group) and the
 * binomial variance sum_r n_r p (1 - p), for the group "covariate cv at level l" */
static double imputed_part(const dfg_itable *it, const dfg_cfit *f, size_t cv, size_t l, double *h,
                           double *gr, double *gg, double *binvar)
{
    size_t p = f->p, st = dfg_ctable_cov_stride(it->ct, cv), L = dfg_ctable_n_levels(it->ct, cv);
    const double *mu = f->fitted;
    double total = 0.0;
    *binvar = 0.0;
    for (size_t r = 0; r < it->n_rows; r++) {
        if (!(it->miss[r] >> cv & 1))
            continue; /* the level is observed: known, no variance from imputation */
        double m = row_grad(it, r, f->spec, p, mu, gr), mg = 0.0;
        memset(gg, 0, p * sizeof *gg);
        for (size_t q = it->off[r]; q < it->off[r + 1]; q++) {
            size_t c = it->cells[q];
            if ((c / st) % L != l)
                continue;
            mg += mu[c];
            for (size_t j = 0; j < p; j++)
                if (cell_matches(it->ct, c, f->spec[j]))
                    gg[j] += mu[c];
        }
        double pr = mg / m, nr = it->count[r];
        total += nr * pr;
        *binvar += nr * pr * (1.0 - pr);
        for (size_t j = 0; j < p; j++)
            h[j] += nr * (gg[j] - pr * gr[j]) / m;
    }
    return total;
}

dfg_status dfg_em_level_totals(const dfg_itable *it, const dfg_emfit *f, double level,
                               dfg_level_total **rows, size_t *n_rows, dfg_error *err)
{
    if (!rows || !n_rows)
        return dfg_err_set(err, DFG_EINVAL, "incomplete", "NULL output");
    *rows = NULL;
    *n_rows = 0;
    if (!it || !f || !f->fit.fitted || !f->fit.cov || !f->completed)
        return dfg_err_set(err, DFG_EINVAL, "incomplete", "NULL argument");
    if (!(level > 0.0 && level < 1.0))
        return dfg_err_set(err, DFG_EINVAL, "incomplete", "level %g not in (0, 1)", level);
    const dfg_cfit *fit = &f->fit;
    size_t nr = dfg_em_n_stats(it) - 1, p = fit->p, n = it->n_cells;
    size_t lm = ((size_t)1 << it->k) - 1;
    dfg_level_total *out = dfg_calloc(nr + 1, sizeof *out);
    double *h = dfg_malloc(p * sizeof *h), *gr = dfg_malloc(p * sizeof *gr);
    double *gg = dfg_malloc(p * sizeof *gg), *z = dfg_malloc(n * sizeof *z);
    dfg_status rc = DFG_OK;
    if (!out || !h || !gr || !gg || !z) {
        rc = dfg_err_set(err, DFG_ENOMEM, "incomplete", "level totals");
        goto done;
    }
    const double *yc = dfg_ctable_counts(f->completed), *y0 = dfg_ctable_counts(it->ct);
    size_t row = 0;
    for (size_t cv = 0; cv < it->n_cov; cv++) {
        size_t st = dfg_ctable_cov_stride(it->ct, cv), L = dfg_ctable_n_levels(it->ct, cv);
        for (size_t l = 0; l < L; l++, row++) {
            dfg_level_total *o = &out[row];
            snprintf(o->label, sizeof o->label, "%s=%s", dfg_ctable_cov_name(it->ct, cv),
                     dfg_ctable_level_name(it->ct, cv, l));
            /* known: the people seen with this level (complete cells, and rows whose missing
             * values are other covariates); the unobserved cells' gradient */
            double known = 0.0, ncomp = 0.0, m0 = 0.0;
            memset(z, 0, n * sizeof *z);
            for (size_t c = 0; c < n; c++) {
                if ((c / st) % L != l)
                    continue;
                if (c & lm) {
                    known += y0[c];
                    ncomp += yc[c];
                } else {
                    m0 += fit->fitted[c];
                    z[c] = fit->fitted[c];
                }
            }
            for (size_t r = 0; r < it->n_rows; r++)
                if (!(it->miss[r] >> cv & 1) && (it->cells[it->off[r]] / st) % L == l)
                    known += it->count[r];
            dfg_ctable_zeta_up(it->ct, z);
            for (size_t j = 0; j < p; j++)
                h[j] = z[fit->spec[j]];
            double binvar;
            imputed_part(it, fit, cv, l, h, gr, gg, &binvar);
            double q = 0.0;
            for (size_t i = 0; i < p; i++) {
                double row_i = 0.0;
                for (size_t j = 0; j < p; j++)
                    row_i += fit->cov[i + j * p] * h[j];
                q += h[i] * row_i;
            }
            o->n_obs = ncomp;
            o->nhat = ncomp + m0;
            o->dark = m0;
            o->ratio = ncomp > 0.0 ? o->nhat / ncomp : (double)NAN;
            double var = m0 + binvar + q;
            o->se = var >= 0.0 ? sqrt(var) : (double)NAN;
            o->profile.type = DFG_CI_NONE;
            /* log-normal on the uncertain part N_g - known (Chao 1987) */
            if (dfg_interval_lognormal(known, o->nhat, o->se, level, &o->lognormal, NULL) !=
                DFG_OK) {
                o->lognormal.type = DFG_CI_LOGNORMAL;
                o->lognormal.level = level;
                o->lognormal.lower = o->lognormal.upper = NAN;
            }
        }
    }
    *rows = out;
    *n_rows = nr;
    out = NULL;
done:
    dfg_free(out);
    dfg_free(h);
    dfg_free(gr);
    dfg_free(gg);
    dfg_free(z);
    return rc;
}

/* ** }====================================================================== */
