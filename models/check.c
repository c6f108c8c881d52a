/* models/check.c: existence and identifiability of a hierarchical log-linear model's MLE.
 *
 * A Poisson log-linear model log mu_c = sum_{tau in model, tau subset of c} beta_tau is
 * fitted to the 2^k - 1 observable cells. Two things can go wrong on sparse tables:
 *  - the (extended) MLE does not exist: the observed sufficient statistics X'y lie on the
 *    boundary of the marginal cone, so some fitted cells go to 0 and some coefficients to
 *    +-infinity. Fienberg & Rinaldo (2012), "Maximum likelihood estimation in log-linear
 *    models", Ann. Statist. 40:996: the MLE exists iff there is a strictly positive table z
 *    with X'z = X'y. We solve the linear program
 *        maximise t  subject to  X'z = X'y,  z_c >= t (cells c),  z >= 0,  0 <= t <= 1
 *    with GLPK; the MLE exists iff the optimum t* > 0.
 *  - the parameters are not identifiable: the design on the cells kept is rank deficient.
 * Cost. The LP has a column per kept cell (up to 2^k - 1) and GLPK's simplex grows much
 * faster than linearly in it: about 0.6 s at 4,095 cells, 3 s at 8,191, hours at 65,535. Above
 * CHECK_LP_MAX_CELLS kept cells the LP is not built. Existence is then settled by a Newton
 * certificate at the fitted values (the argument of models/search_space.c): fit the model
 * with the boundary terms fixed, take the Newton step d from the fitted mu,
 * (X'WX) d = X'(y - mu), and z = mu (1 + X d) has the observed margins X'z = X'y; when
 * every kept cell has (X d)_c >= -1/2, z >= mu / 2 > 0 is a strictly positive table with
 * those margins, so the MLE exists. (The searches also ask z_c > 2e-9 on empty cells, to
 * agree with the LP's threshold; here no LP is run, and the deep cells of a table of 20
 * lists legitimately have fitted values far below that: only z_c >= DBL_MIN is asked.) Everything
 * costs O(2^k (k + p)) plus p^3. When the certificate fails (a fit that does not converge, or
 * fitted cells going to 0: the MLE most likely does not exist) and the LP is too large,
 * the check refuses with DFG_EDATA naming the sizes instead of running for hours.
 * Identifiability needs no linear algebra at all: the cells kept form a down-set D (a
 * subset of a kept cell contains no fixed term), the terms not fixed lie in D, and on the
 * rows D the 0/1 design [tau subset of c] over all tau in D is unitriangular. Dropping
 * row 0 (the unobserved cell) leaves a one-dimensional kernel spanned by the Moebius
 * vector v_tau = (-1)^|tau|, whose support is all of D; so a set T of columns (intercept
 * included) is dependent iff T = D, i.e. iff the model (intercept and terms not fixed)
 * has as many parameters as there are cells in D. That generalises the rule that the
 * k-way term is not identifiable on the 2^k - 1 observable cells.
 * Before both tests every model term whose observed count (people on all of its lists) is
 * zero is fixed at minus infinity and the cells containing it are dropped, as
 * MultipleSystemsEstimation 1.2.0's check_extended_MLE and SparseMSE 2.0.1's checkident do
 * (Chan, Silverman & Vincent 2021, JASA 116:1297, Sec. 3). Codes follow them: 0 fine,
 * 1 MLE does not exist, 2 not identifiable, 3 both.
 *
 * GLPK never prints (glp_term_out(GLP_OFF), msg_lev GLP_MSG_OFF) and never aborts: its error
 * hook jumps back here. The GLPK environment of the thread is freed after every LP.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "models.h"

#include <float.h>
#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <string.h>

/* LP optimum t* above this means a strictly positive table exists. t* is min(1, the
 * largest value the zero cells can all take), a ratio of small integer combinations of
 * the counts; when the MLE does not exist it is 0 up to rounding (1e-12 or less). */
#define LP_TOL 1e-9
/* Relative tolerance of the rank test: a column is dependent when its Gram-Schmidt
 * residual is below RANK_TOL times its norm (0/1 columns of at most 2^20 entries). */
#define RANK_TOL 1e-9
/* Kept cells above which the existence LP is not built (models/check.c header: the simplex
 * takes about 0.5 s at 4,095 cells, minutes from 16,383): the Newton certificate decides. */
#define CHECK_LP_MAX_CELLS 4095

const char *dfg_check_name(dfg_check_status c)
{
    switch (c) {
    case DFG_CHECK_FINE:
        return "fine";
    case DFG_CHECK_BOUNDARY:
        return "boundary";
    case DFG_CHECK_NOMLE:
        return "MLE does not exist";
    case DFG_CHECK_NOTIDENT:
        return "not identifiable";
    }
    return "unknown";
}

void dfg_superset_sums(size_t k, const double *y, double *ysup)
{
    size_t ncell = (size_t)1 << k;
    memcpy(ysup, y, ncell * sizeof *ysup);
    /* ysup[tau] = sum_{c superset of tau} y[c], one list at a time (Yates' algorithm). */
    for (size_t j = 0; j < k; j++) {
        size_t bit = (size_t)1 << j;
        for (size_t c = 0; c < ncell; c++)
            if (!(c & bit))
                ysup[c] += ysup[c | bit];
    }
}

size_t dfg_check_boundary(size_t k, const double *ysup, const uint32_t *terms, size_t n,
                          unsigned char *fixed, unsigned char *use)
{
    size_t ncell = (size_t)1 << k, nfix = 0;
    if (use) {
        use[0] = 0;
        for (size_t c = 1; c < ncell; c++)
            use[c] = 1;
    }
    for (size_t i = 0; i < n; i++) {
        /* a term no one is on: its coefficient is -inf, cells containing it are 0 */
        fixed[i] = ysup[terms[i]] == 0.0;
        if (!fixed[i])
            continue;
        nfix++;
        if (use) {
            /* drop every cell c superset of terms[i]: c = terms[i] | r over the others */
            uint32_t rest = (uint32_t)(ncell - 1) & ~terms[i];
            uint32_t r = 0;
            do {
                use[terms[i] | r] = 0;
                r = (r - rest) & rest; /* next subset of rest */
            } while (r);
        }
    }
    return nfix;
}

int dfg_check_ident_count(size_t k, const uint32_t *terms, size_t n, const unsigned char *fixed,
                          const unsigned char *use)
{
    size_t ncell = (size_t)1 << k, kept = 0, free_terms = 0;
    /* D = the kept cells plus cell 0 must be a down-set: every cell with one list fewer
     * than a kept cell is kept too (or is cell 0) */
    for (size_t c = 1; c < ncell; c++) {
        if (!use[c])
            continue;
        kept++;
        for (uint32_t b = (uint32_t)c; b; b &= b - 1) {
            uint32_t sub = (uint32_t)c & ~(b & (0u - b));
            if (sub && !use[sub])
                return -1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (fixed && fixed[i])
            continue;
        if (terms[i] == 0 || terms[i] >= ncell || !use[terms[i]])
            return -1; /* a free term outside D: the argument does not apply */
        free_terms++;
    }
    /* distinct terms in D \ {0}: equal counts mean the columns are all of D */
    return free_terms < kept;
}

int dfg_check_full_rank(size_t k, const uint32_t *terms, size_t n, const unsigned char *fixed,
                        const unsigned char *use, double *work)
{
    {
        int r = dfg_check_ident_count(k, terms, n, fixed, use);
        if (r >= 0)
            return r;
    }
    size_t ncell = (size_t)1 << k, m = 0, rank = 0;
    uint32_t full = (uint32_t)(ncell - 1);
    size_t nfix = 0;
    int has_full = 0;
    for (size_t i = 0; i < n; i++) {
        nfix += fixed && fixed[i];
        has_full |= terms[i] == full;
    }
    /* Shortcut: on all 2^k - 1 observable cells the design of any term set without the
     * k-way term has full rank (the 2^k x 2^k Moebius design is invertible and the
     * indicator of cell 0 needs the k-way term). */
    if (nfix == 0 && !has_full)
        return 1;
    /* dfg_malloc'd, no declared type: stores set the type (C17 6.5p6); aligned as double */
    /* cppcheck-suppress invalidPointerCast */
    uint32_t *rows = (uint32_t *)(work + ncell * (n + 1)); /* after the columns */
    for (size_t c = 1; c < ncell; c++)
        if (use[c])
            rows[m++] = (uint32_t)c;
    /* Fast path: rank over GF(2). A nonzero minor mod 2 is a nonzero integer minor, so
     * full rank mod 2 proves full rank over the reals; otherwise decide in floating point.
     * Columns are bitsets over the kept cells, reduced by xor on their lowest set bit. */
    {
        size_t nw = (m + 63) / 64;
        uint64_t *bits = (uint64_t *)(void *)(rows + ncell); /* 4 ncell bytes in: 8-aligned */
        size_t *pivot_at = (size_t *)(bits + nw * (n + 1));  /* bit -> pivot + 1, 0 none */
        size_t r2 = 0, nc2 = 0;
        memset(pivot_at, 0, m * sizeof *pivot_at);
        for (size_t i = 0; i <= n; i++) {
            if (i > 0 && fixed && fixed[i - 1])
                continue;
            nc2++;
            uint32_t tau = i ? terms[i - 1] : 0;
            uint64_t *v = bits + r2 * nw;
            memset(v, 0, nw * sizeof *v);
            for (size_t r = 0; r < m; r++)
                if ((rows[r] & tau) == tau)
                    v[r / 64] |= (uint64_t)1 << (r % 64);
            /* clear the lowest set bit with the pivot owning it until none owns it */
            size_t x = 0, lowbit = 0;
            for (;;) {
                while (x < nw && v[x] == 0)
                    x++;
                if (x == nw)
                    break;
                lowbit = x * 64 + (size_t)__builtin_ctzll(v[x]);
                if (!pivot_at[lowbit])
                    break;
                const uint64_t *q = bits + (pivot_at[lowbit] - 1) * nw;
                for (size_t y = x; y < nw; y++)
                    v[y] ^= q[y];
            }
            if (x == nw)
                break; /* dependent mod 2: decide over the reals below */
            pivot_at[lowbit] = ++r2;
        }
        if (r2 == nc2)
            return 1;
    }
    size_t ncol = 0;
    for (size_t i = 0; i <= n; i++) {
        /* column i: the intercept (i = 0) or term i - 1 */
        if (i > 0 && fixed && fixed[i - 1])
            continue;
        uint32_t tau = i ? terms[i - 1] : 0;
        double *v = work + rank * m;
        double norm0 = 0.0;
        for (size_t r = 0; r < m; r++) {
            v[r] = (rows[r] & tau) == tau ? 1.0 : 0.0;
            norm0 += v[r];
        }
        ncol++;
        if (norm0 == 0.0)
            continue; /* a zero column: rank deficient */
        /* modified Gram-Schmidt, two passes: v -= (q'v) q for the accepted q */
        dfg_la_gs_project(work, rank, m, v, NULL);
        double nv = 0.0;
        for (size_t r = 0; r < m; r++)
            nv += v[r] * v[r];
        nv = sqrt(nv);
        if (nv <= RANK_TOL * sqrt(norm0))
            continue;
        for (size_t r = 0; r < m; r++)
            v[r] /= nv;
        rank++;
    }
    return rank == ncol;
}

size_t dfg_check_work_size(size_t k, size_t n)
{
    size_t ncell = (size_t)1 << k;
    /* columns (ncell each, n + 1 of them), ncell row patterns, the GF(2) bitsets
     * ((ncell / 64 + 1) words per column) and their pivots, counted generously in doubles */
    return ncell * (n + 2) + (ncell / 64 + 2) * (n + 1) + ncell;
}

static void lp_error_hook(void *info)
{
    longjmp(*(jmp_buf *)info, 1);
}

/* Solve the LP given as rows (bounds kind/lo/hi), columns (kind/lo/hi) and the triplets
 * ia/ja/ar[1..ne]; maximise column tcol. *tstar = the optimum. Returns 0, 1 when GLPK
 * found no optimum, 2 when GLPK raised an error (its environment is then freed). */
static int lp_solve(int nrow, int ncol, const int *rkind, const double *rb, int tcol, int ne,
                    const int *ia, const int *ja, const double *ar, double *tstar)
{
    jmp_buf jb;
    if (setjmp(jb)) {
        glp_error_hook(NULL, NULL);
        glp_free_env();
        return 2;
    }
    glp_error_hook(lp_error_hook, &jb);
    glp_term_out(GLP_OFF);
    glp_prob *lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MAX);
    glp_add_rows(lp, nrow);
    glp_add_cols(lp, ncol);
    for (int c = 1; c <= ncol; c++)
        glp_set_col_bnds(lp, c, GLP_LO, 0.0, 0.0);
    glp_set_col_bnds(lp, tcol, GLP_DB, 0.0, 1.0);
    glp_set_obj_coef(lp, tcol, 1.0);
    for (int r = 1; r <= nrow; r++)
        glp_set_row_bnds(lp, r, rkind[r], rb[r], rb[r]);
    /* GLPK takes non-const arrays but does not change them */
    glp_load_matrix(lp, ne, (int *)(uintptr_t)ia, (int *)(uintptr_t)ja, (double *)(uintptr_t)ar);
    glp_scale_prob(lp, GLP_SF_AUTO);
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    int ret = glp_simplex(lp, &parm);
    if (ret != 0 || glp_get_status(lp) != GLP_OPT)
        ret = glp_exact(lp, &parm); /* the floating-point simplex gave up: exact arithmetic */
    int rc = 1;
    if (ret == 0 && glp_get_status(lp) == GLP_OPT) {
        *tstar = glp_get_obj_val(lp);
        rc = 0;
    }
    glp_delete_prob(lp);
    glp_error_hook(NULL, NULL);
    /* release the thread's GLPK environment now: LPs are rare (the searches prove
     * existence without one), and threads we do not own (the bootstrap's) then leak
     * nothing */
    glp_free_env();
    return rc;
}

dfg_status dfg_check_lp_margins(size_t first, size_t n_cells, const double *y,
                                const unsigned char *use, size_t n_rows, const unsigned char *fixed,
                                size_t fixed_off,
                                double (*has)(const void *arg, size_t r, size_t c), const void *arg,
                                const char *who, int *exists, dfg_error *err)
{
    size_t m = 0, nzero = 0, nrow_eq = 0;
    for (size_t c = first; c < n_cells; c++)
        if (use[c]) {
            m++;
            nzero += y[c] == 0.0;
        }
    /* z = y is positive when no kept cell is empty: the MLE exists, no LP needed. */
    if (nzero == 0) {
        *exists = 1;
        return DFG_OK;
    }
    /* Only empty cells need z_c >= t: given z >= 0 with z_c > 0 on every empty cell and
     * X'z = X'y, (1 - e) y + e z is strictly positive with the same margins. */
    size_t nnz = 2 * nzero;
    for (size_t r = 0; r < n_rows; r++) {
        if (r >= fixed_off && fixed && fixed[r - fixed_off])
            continue;
        nrow_eq++;
        for (size_t c = first; c < n_cells; c++)
            nnz += use[c] && has(arg, r, c) != 0.0;
    }
    size_t nrow = nrow_eq + nzero;
    if (nnz > 200000000 || m > 100000000)
        return dfg_err_set(err, DFG_EINVAL, who, "existence LP too large (%zu entries)", nnz);
    int *ia = dfg_malloc((nnz + 1) * sizeof *ia);
    int *ja = dfg_malloc((nnz + 1) * sizeof *ja);
    double *ar = dfg_malloc((nnz + 1) * sizeof *ar);
    int *col = dfg_malloc(n_cells * sizeof *col);
    int *rkind = dfg_malloc((nrow + 1) * sizeof *rkind);
    double *rb = dfg_malloc((nrow + 1) * sizeof *rb);
    dfg_status rc = DFG_OK;
    if (!ia || !ja || !ar || !col || !rkind || !rb) {
        rc = dfg_err_set(err, DFG_ENOMEM, who, "existence LP of %zu cells", m);
        goto done;
    }
    /* columns 1..m: z of the kept cells; column m + 1: t */
    int jc = 0;
    for (size_t c = first; c < n_cells; c++)
        col[c] = use[c] ? ++jc : 0;
    int tcol = (int)m + 1, row = 0;
    size_t e = 0;
    /* rows 1..nrow_eq: the kept margins of z equal those of y */
    for (size_t r = 0; r < n_rows; r++) {
        if (r >= fixed_off && fixed && fixed[r - fixed_off])
            continue;
        row++;
        double s = 0.0;
        for (size_t c = first; c < n_cells; c++)
            if (use[c] && has(arg, r, c) != 0.0) {
                double x = has(arg, r, c);
                s += x * y[c];
                e++;
                ia[e] = row;
                ja[e] = col[c];
                ar[e] = x;
            }
        rkind[row] = GLP_FX;
        rb[row] = s;
    }
    /* rows for the empty cells: z_c - t >= 0 */
    for (size_t c = first; c < n_cells; c++)
        if (use[c] && y[c] == 0.0) {
            row++;
            e++;
            ia[e] = row;
            ja[e] = col[c];
            ar[e] = 1.0;
            e++;
            ia[e] = row;
            ja[e] = tcol;
            ar[e] = -1.0;
            rkind[row] = GLP_LO;
            rb[row] = 0.0;
        }
    double tstar = 0.0;
    int lrc = lp_solve(row, tcol, rkind, rb, tcol, (int)e, ia, ja, ar, &tstar);
    if (lrc == 2)
        rc = dfg_err_set(err, DFG_EINTERNAL, who, "GLPK failed on an LP of %zu cells", m);
    else if (lrc == 1)
        rc = dfg_err_set(err, DFG_EINTERNAL, who,
                         "GLPK found no optimum for an LP that has one (%zu cells)", m);
    else
        *exists = tstar > LP_TOL;
done:
    dfg_free(ia);
    dfg_free(ja);
    dfg_free(ar);
    dfg_free(col);
    dfg_free(rkind);
    dfg_free(rb);
    return rc;
}

typedef struct {
    const uint32_t *terms;
} lp_terms;

/* row 0: the total (every cell); row i > 0: the cells holding term i - 1 */
static double lp_has_term(const void *arg, size_t r, size_t c)
{
    const lp_terms *t = arg;
    uint32_t tau = r ? t->terms[r - 1] : 0;
    return ((uint32_t)c & tau) == tau ? 1.0 : 0.0;
}

dfg_status dfg_check_lp(size_t k, const double *y, const uint32_t *terms, size_t n,
                        const unsigned char *fixed, const unsigned char *use, int *exists,
                        dfg_error *err)
{
    lp_terms t = {terms};
    return dfg_check_lp_margins(1, (size_t)1 << k, y, use, n + 1, fixed, 1, lp_has_term, &t,
                                "check", exists, err);
}

void dfg_check_thread_free(void)
{
    glp_free_env();
}

void dfg_check_result_free(dfg_check_result *r)
{
    if (!r)
        return;
    dfg_free(r->boundary);
    r->boundary = NULL;
    r->n_boundary = 0;
}

/* The Newton certificate of the header at fitted cells mu (2^k, mu[0] ignored) of the
 * model with pf free parameters fterms[0..pf-1] (intercept 0 first) on the cells in use: 1
 * when it proves that the MLE exists, 0 when it proves nothing. scratch: 3 2^k + pf^2 + pf
 * doubles. */
static int newton_certificate(size_t k, const double *y, const double *mu, const uint32_t *fterms,
                              size_t pf, const unsigned char *use, double *scratch)
{
    size_t ncell = (size_t)1 << k;
    double *ws = scratch, *gs = ws + ncell, *e = gs + ncell, *h = e + ncell, *d = h + pf * pf;
    /* W and y - mu on the kept cells, then superset sums: (X'WX)[a,b] = ws[t_a | t_b],
     * X'(y - mu)[a] = gs[t_a] */
    ws[0] = gs[0] = 0.0;
    for (size_t c = 1; c < ncell; c++) {
        if (!use[c]) {
            ws[c] = gs[c] = 0.0;
            continue;
        }
        if (!(mu[c] > 0.0 && mu[c] < HUGE_VAL))
            return 0;
        ws[c] = mu[c];
        gs[c] = y[c] - mu[c];
    }
    for (size_t j = 0; j < k; j++) {
        size_t bit = (size_t)1 << j;
        for (size_t c = 0; c < ncell; c++)
            if (!(c & bit)) {
                ws[c] += ws[c | bit];
                gs[c] += gs[c | bit];
            }
    }
    for (size_t a = 0; a < pf; a++) {
        for (size_t b = a; b < pf; b++)
            h[b + a * pf] = h[a + b * pf] = ws[fterms[a] | fterms[b]];
        d[a] = gs[fterms[a]];
    }
    if (dfg_la_chol(pf, h, NULL) != DFG_OK || dfg_la_chol_solve(pf, h, d, 1, NULL) != DFG_OK)
        return 0;
    /* (X d)_c = sum of d_j over terms t_j subset of c: a subset-sum transform */
    memset(e, 0, ncell * sizeof *e);
    for (size_t j = 0; j < pf; j++)
        e[fterms[j]] += d[j];
    for (size_t j = 0; j < k; j++) {
        size_t bit = (size_t)1 << j;
        for (size_t c = 0; c < ncell; c++)
            if (c & bit)
                e[c] += e[c ^ bit];
    }
    for (size_t c = 1; c < ncell; c++) {
        if (!use[c])
            continue;
        if (!(e[c] >= -0.5))
            return 0; /* also NaN */
        if (y[c] == 0.0 && !(mu[c] * (1.0 + e[c]) >= DBL_MIN))
            return 0;
    }
    return 1;
}

/* Existence of the MLE of m on stratum s when the LP is too large: the fit with the
 * boundary terms fixed and the certificate at its fitted cells. *exists = 1 when proved;
 * DFG_EDATA naming the sizes when not. */
static dfg_status exists_by_certificate(const dfg_table *t, size_t s, const dfg_model *m,
                                        const double *y, const unsigned char *fixed,
                                        const unsigned char *use, size_t kept, size_t empty,
                                        int *exists, dfg_error *err)
{
    size_t k = m->k, ncell = (size_t)1 << k, n = m->n_terms, nfix = 0, pf = 1;
    for (size_t i = 0; i < n; i++)
        nfix += fixed[i] != 0;
    pf += n - nfix;
    uint32_t *bterms = dfg_malloc((nfix + 1) * sizeof *bterms);
    uint32_t *fterms = dfg_malloc(pf * sizeof *fterms);
    double *scratch = dfg_malloc((3 * ncell + pf * pf + pf) * sizeof *scratch);
    dfg_fit fit;
    memset(&fit, 0, sizeof fit);
    dfg_status rc = DFG_OK;
    char name[128];
    dfg_model_format(m, t, name, sizeof name);
    if (!bterms || !fterms || !scratch) {
        rc = dfg_err_set(err, DFG_ENOMEM, "check", "existence certificate of %zu cells", ncell);
        goto done;
    }
    size_t nb = 0, nf = 0;
    fterms[nf++] = 0;
    for (size_t i = 0; i < n; i++) {
        if (fixed[i])
            bterms[nb++] = m->terms[i];
        else
            fterms[nf++] = m->terms[i];
    }
    dfg_glm_opts o = dfg_glm_opts_default();
    dfg_error ferr = {0};
    dfg_status frc = dfg_loglin_fit_boundary(t, s, m, bterms, nb, &o, &fit, &ferr);
    if (frc == DFG_ENOMEM || frc == DFG_EINVAL) { /* too many parameters, memory */
        rc = dfg_err_set(err, frc, ferr.where, "%s", ferr.msg);
        goto done;
    }
    if ((frc == DFG_OK || frc == DFG_ENOCONV) && fit.fitted &&
        newton_certificate(k, y, fit.fitted, fterms, pf, use, scratch)) {
        *exists = 1;
        goto done;
    }
    rc = dfg_err_set(err, DFG_EDATA, "check",
                     "%s: cannot decide whether the MLE exists: %zu of the %zu cells kept are "
                     "empty, the linear program over them is above the limit of %d cells, and "
                     "the fit gives no certificate (fitted cells go to 0: the MLE most likely "
                     "does not exist); use a smaller model or fewer lists",
                     name, empty, kept, CHECK_LP_MAX_CELLS);
done:
    dfg_fit_free(&fit);
    dfg_free(bterms);
    dfg_free(fterms);
    dfg_free(scratch);
    return rc;
}

dfg_check_status dfg_check_status_of(int code, size_t n_boundary)
{
    if (code & 2)
        return DFG_CHECK_NOTIDENT;
    if (code & 1)
        return DFG_CHECK_NOMLE;
    return n_boundary ? DFG_CHECK_BOUNDARY : DFG_CHECK_FINE;
}

dfg_status dfg_check_model(const dfg_table *t, size_t s, const dfg_model *m, dfg_check_result *res,
                           dfg_error *err)
{
    if (!res)
        return dfg_err_set(err, DFG_EINVAL, "check", "NULL result");
    memset(res, 0, sizeof *res);
    if (!t || !m || (m->n_terms && !m->terms))
        return dfg_err_set(err, DFG_EINVAL, "check", "NULL table or model");
    size_t k = dfg_table_k(t);
    if (s >= dfg_table_n_strata(t))
        return dfg_err_set(err, DFG_EINVAL, "check", "stratum %zu of %zu", s,
                           dfg_table_n_strata(t));
    if (k > DFG_MAX_FIT_LISTS)
        return dfg_err_too_many_lists(err, k);
    if (m->k != k)
        return dfg_err_set(err, DFG_EINVAL, "check", "model over %zu lists, table has %zu", m->k,
                           k);
    size_t ncell = (size_t)1 << k, n = m->n_terms;
    for (size_t i = 0; i < n; i++)
        if (m->terms[i] == 0 || m->terms[i] >= ncell)
            return dfg_err_set(err, DFG_EINVAL, "check", "term %#x outside %zu lists",
                               (unsigned)m->terms[i], k);
    dfg_status rc = DFG_OK;
    double *work = NULL;
    double *y = dfg_malloc(2 * ncell * sizeof *y);
    unsigned char *use = dfg_malloc(ncell + n + 1);
    if (!y || !use) {
        rc = dfg_err_set(err, DFG_ENOMEM, "check", "%zu lists: %zu cells (%zu MB)", k, ncell,
                         (2 * ncell * sizeof *y + ncell) >> 20);
        goto done;
    }
    unsigned char *fixed = use + ncell;
    double *ysup = y + ncell;
    if ((rc = dfg_table_cells(t, s, y, err)))
        goto done;
    dfg_superset_sums(k, y, ysup);
    size_t nfix = dfg_check_boundary(k, ysup, m->terms, n, fixed, use);
    /* identifiability first: it is a count (header), and a model that is not identifiable
     * needs no LP */
    int ident = dfg_check_ident_count(k, m->terms, n, fixed, use);
    if (ident < 0) { /* not reached with use from dfg_check_boundary; kept for safety */
        if (!(work = dfg_malloc(dfg_check_work_size(k, n) * sizeof *work))) {
            rc = dfg_err_set(err, DFG_ENOMEM, "check", "rank test of %zu cells", ncell);
            goto done;
        }
        ident = dfg_check_full_rank(k, m->terms, n, fixed, use, work);
    }
    size_t kept = 0, empty = 0;
    for (size_t c = 1; c < ncell; c++)
        if (use[c]) {
            kept++;
            empty += y[c] == 0.0;
        }
    int exists = 0;
    if (empty == 0)
        exists = 1; /* y itself is a positive table */
    else if (kept <= CHECK_LP_MAX_CELLS) {
        if ((rc = dfg_check_lp(k, y, m->terms, n, fixed, use, &exists, err)))
            goto done;
    } else if (!ident) {
        exists = 1; /* not decided: a model that is not identifiable is refused anyway, and
                       its code says 2 (not identifiable), not 3 */
    } else if ((rc = exists_by_certificate(t, s, m, y, fixed, use, kept, empty, &exists, err))) {
        goto done;
    }
    res->code = (exists ? 0 : 1) + (ident ? 0 : 2);
    if (nfix) {
        if (!(res->boundary = dfg_malloc(nfix * sizeof *res->boundary))) {
            rc = dfg_err_set(err, DFG_ENOMEM, "check", "%zu boundary terms", nfix);
            goto done;
        }
        for (size_t i = 0; i < n; i++)
            if (fixed[i])
                res->boundary[res->n_boundary++] = m->terms[i];
    }
    res->status = dfg_check_status_of(res->code, res->n_boundary);
done:
    dfg_free(y);
    dfg_free(work);
    dfg_free(use);
    return rc;
}
