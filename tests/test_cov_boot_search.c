/* tests/test_cov_boot_search.c: the bootstrap of the totals with the list search (covariate
 * terms held fixed) repeated in every replicate (dfg_cboot_run with opts.search,
 * models/cov_boot.c): the same digits on 1 and 2 threads; on a table where the search
 * always picks one model, the same replicates and intervals as the bootstrap of that model
 * fixed; a replicate whose search fails (a list with no one) counted, exactly those
 * replicates; no leak when an allocation fails.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "check.h"
#include "darkfig.h"
#include "internal.h" /* dfg_rng_stream; dfg_alloc_* of the allocation sweep */
#include "oracle.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* A table from CSV text (lists A,B,C and covariate g) and its full table. */
static dfg_ctable *buffer_table(const char *csv, dfg_table **t)
{
    dfg_error err = {0};
    dfg_csv_opts co = dfg_csv_opts_default();
    co.lists = "A,B,C";
    dfg_ctable *ct = NULL;
    *t = NULL;
    CHECK_CODE(dfg_table_read_csv_buffer("buf", csv, strlen(csv), &co, t, &err), DFG_OK);
    if (*t)
        CHECK_CODE(dfg_ctable_new(*t, 0, &ct, &err), DFG_OK);
    return ct;
}

/* The model the search chooses on ct (fixed terms + its list terms) and its fit. */
static int chosen(const dfg_ctable *ct, const dfg_cmodel *fixed, const dfg_search_opts *so,
                  dfg_cmodel *m, dfg_cfit *f)
{
    dfg_error err = {0};
    dfg_search_result r;
    memset(f, 0, sizeof *f);
    CHECK_CODE(dfg_search_run_cov(ct, fixed, so, &r, &err), DFG_OK);
    if (r.n_rows == 0)
        return 0;
    CHECK_CODE(dfg_search_cov_model(ct, fixed, &r.rows[0].model, m, &err), DFG_OK);
    dfg_search_result_free(&r);
    CHECK_CODE(dfg_cfit_checked(ct, m, NULL, f, &err), DFG_OK);
    return f->fitted != NULL;
}

static int same_double(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* Replicate b draws from stream (seed, b) whatever the thread that runs it: every N*,
 * interval and model count the same on 1 and 2 threads (a stepwise search whose choice
 * varies between replicates, BCa with the search repeated in every jackknife fit). */
static void same_digits_on_any_thread_count(void)
{
    dfg_table *t = oracle_test_table("cov/oracle-cov/cov_013.csv", "P,K,I,R");
    dfg_ctable *ct = NULL;
    dfg_error err = {0};
    if (t)
        CHECK_CODE(dfg_ctable_new(t, 0, &ct, &err), DFG_OK);
    if (!ct) {
        dfg_table_free(t);
        return;
    }
    dfg_cmodel fixed = {0}, m = {0};
    CHECK_CODE(dfg_cmodel_parse("[origin:expl,*:origin,P:expl]", ct, &fixed, &err), DFG_OK);
    dfg_search_opts so = dfg_search_opts_default();
    so.method = DFG_SEARCH_STEPWISE;
    dfg_cfit f;
    if (chosen(ct, &fixed, &so, &m, &f)) {
        dfg_cboot_opts o = dfg_cboot_opts_default();
        o.type = DFG_BOOT_NONPARAMETRIC;
        o.select = 1;
        o.search = &so;
        o.search_fixed = &fixed;
        o.B = 60;
        o.seed = 11;
        dfg_cboot_result a, b;
        CHECK_CODE(dfg_cboot_run(ct, &m, &f, NULL, 0, &o, &a, &err), DFG_OK);
        o.threads = 2;
        CHECK_CODE(dfg_cboot_run(ct, &m, &f, NULL, 0, &o, &b, &err), DFG_OK);
        CHECK(a.n_rows == 6 && b.n_rows == 6); /* total, origin x 2, expl x 3 */
        int same = a.n_rows == b.n_rows;
        for (size_t i = 0; same && i < o.B * a.n_rows; i++)
            same = same_double(a.nstar[i], b.nstar[i]);
        CHECK(same);
        for (size_t g = 0; g < a.n_rows && g < b.n_rows; g++) {
            CHECK(a.rows[g].perc_lo == b.rows[g].perc_lo && a.rows[g].perc_hi == b.rows[g].perc_hi);
            CHECK(a.rows[g].bca_lo == b.rows[g].bca_lo && a.rows[g].bca_hi == b.rows[g].bca_hi);
            CHECK(isfinite(a.rows[g].bca_lo) && a.rows[g].bca_lo < a.rows[g].point &&
                  a.rows[g].point < a.rows[g].bca_hi);
        }
        /* the choice varies (the data's model is one of several), identically */
        CHECK(a.n_models > 1 && a.n_models == b.n_models && a.chosen_count == b.chosen_count);
        CHECK(a.chosen_count > 0 && a.chosen_count < o.B);
        for (size_t i = 0; i < a.n_models && i < b.n_models; i++)
            CHECK(strcmp(a.models[i], b.models[i]) == 0 && a.model_count[i] == b.model_count[i]);
        size_t counted = a.n_failed;
        for (size_t i = 0; i < a.n_models; i++)
            counted += a.model_count[i];
        CHECK(counted == o.B);
        for (size_t r = 0; r < o.B; r++)
            CHECK(a.rep_model[r] == b.rep_model[r]);
        dfg_cboot_result_free(&a);
        dfg_cboot_result_free(&b);
    }
    dfg_cfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_cmodel_free(&fixed);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

/* Counts from log mu = b0(g) + a(g) A + b(g) B + c(g) C + 1.2 A B, rounded (139,632 people):
 * A:B is strong and needed, A:C and B:C are not, so the exhaustive search by BIC picks
 * [12,3] in every replicate of seed 1 (checked: 200 of 200). The replicates draw the same
 * counts with and without the search, and each then fits the same model: N* agree to the
 * convergence of two IRLS runs from different starts (|dD| / (|D| + 0.1) < 1e-10 each, and
 * quadratic convergence: observed 1e-15 relative), hence 1e-9 relative on every N*, every
 * interval and the BCa constants. */
static const char *clear_winner = "A,B,C,g,count\n"
                                  "1,0,0,f,13480\n0,1,0,f,11036\n1,1,0,f,16464\n0,0,1,f,20110\n"
                                  "1,0,1,f,9036\n0,1,1,f,7398\n1,1,1,f,11036\n"
                                  "1,0,0,m,6024\n0,1,0,m,9932\n1,1,0,m,9932\n0,0,1,m,10976\n"
                                  "1,0,1,m,3306\n0,1,1,m,5451\n1,1,1,m,5451\n";

static void one_model_equals_the_model_fixed(void)
{
    dfg_table *t;
    dfg_ctable *ct = buffer_table(clear_winner, &t);
    dfg_error err = {0};
    dfg_cmodel fixed = {0}, m = {0};
    dfg_cfit f;
    memset(&f, 0, sizeof f);
    dfg_search_opts so = dfg_search_opts_default();
    so.method = DFG_SEARCH_EXHAUSTIVE;
    if (ct && dfg_cmodel_parse("[*:g]", ct, &fixed, &err) == DFG_OK &&
        chosen(ct, &fixed, &so, &m, &f)) {
        char name[256];
        dfg_cmodel_format(&m, ct, name, sizeof name);
        CHECK(strcmp(name, "[A:B,A:g,B:g,C:g]") == 0);
        dfg_cboot_opts o = dfg_cboot_opts_default();
        o.type = DFG_BOOT_NONPARAMETRIC;
        o.B = 200;
        o.seed = 1;
        dfg_cboot_result a, b;
        CHECK_CODE(dfg_cboot_run(ct, &m, &f, NULL, 0, &o, &a, &err), DFG_OK);
        o.select = 1;
        o.search = &so;
        o.search_fixed = &fixed;
        CHECK_CODE(dfg_cboot_run(ct, &m, &f, NULL, 0, &o, &b, &err), DFG_OK);
        CHECK(a.n_models == 0); /* no selection: no models counted */
        CHECK(b.n_models == 1 && b.chosen_count == o.B && b.n_failed == 0);
        CHECK(b.n_models == 1 && strcmp(b.models[0], "[12,3]") == 0);
        CHECK(a.n_rows == 3 && b.n_rows == 3);
        double worst = 0.0;
        for (size_t i = 0; a.n_rows == b.n_rows && i < o.B * a.n_rows; i++) {
            double d = fabs(a.nstar[i] - b.nstar[i]) / a.nstar[i];
            worst = d > worst || isnan(d) ? d : worst;
        }
        CHECK(worst <= 1e-9);
        for (size_t g = 0; g < 3 && a.n_rows == b.n_rows; g++) {
            CHECK(a.rows[g].point == b.rows[g].point);
            CHECK_REL(b.rows[g].perc_lo, a.rows[g].perc_lo, 1e-9);
            CHECK_REL(b.rows[g].perc_hi, a.rows[g].perc_hi, 1e-9);
            CHECK_REL(b.rows[g].bca_lo, a.rows[g].bca_lo, 1e-9);
            CHECK_REL(b.rows[g].bca_hi, a.rows[g].bca_hi, 1e-9);
            CHECK_REL(b.rows[g].se, a.rows[g].se, 1e-9);
            CHECK(a.rows[g].z0 == b.rows[g].z0); /* the same replicates below N-hat */
            CHECK(fabs(b.rows[g].accel - a.rows[g].accel) <= 1e-9 * fabs(a.rows[g].accel) + 1e-12);
        }
        dfg_cboot_result_free(&a);
        dfg_cboot_result_free(&b);
    }
    dfg_cfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_cmodel_free(&fixed);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

/* List C holds one person: a nonparametric replicate that leaves that person out has a
 * list with no one, and its search fails. Exactly those replicates are counted failed,
 * carry no N* and no model; the others give N* (replayed here from streams (seed, b) as
 * the sampler draws them: Multinomial(n; y_c / n) over the nonempty observable cells in
 * cell order, the probabilities y_c / n as computed there: GSL's normalisation of other
 * weights rounds differently and moves a draw now and then). The jackknife fit without that person
 * fails too: no BCa, no error. */
static const char *one_on_c = "A,B,C,g,count\n"
                              "1,0,0,f,60\n0,1,0,f,45\n1,1,0,f,20\n"
                              "1,0,0,m,50\n0,1,0,m,40\n1,1,0,m,15\n1,0,1,m,1\n";

static void failed_replicates_counted(void)
{
    dfg_table *t;
    dfg_ctable *ct = buffer_table(one_on_c, &t);
    dfg_error err = {0};
    dfg_cmodel fixed = {0}, m = {0};
    dfg_cfit f;
    memset(&f, 0, sizeof f);
    dfg_search_opts so = dfg_search_opts_default();
    so.method = DFG_SEARCH_STEPWISE;
    if (ct && dfg_cmodel_parse("[]", ct, &fixed, &err) == DFG_OK &&
        chosen(ct, &fixed, &so, &m, &f)) {
        dfg_cboot_opts o = dfg_cboot_opts_default();
        o.type = DFG_BOOT_NONPARAMETRIC;
        o.select = 1;
        o.search = &so;
        o.search_fixed = &fixed;
        o.B = 200;
        o.seed = 1;
        dfg_cboot_result a;
        CHECK_CODE(dfg_cboot_run(ct, &m, &f, NULL, 0, &o, &a, &err), DFG_OK);
        /* the replay */
        const double *y = dfg_ctable_counts(ct);
        size_t nc = dfg_ctable_n_cells(ct), lm = ((size_t)1 << dfg_ctable_k(ct)) - 1;
        double prob[64];
        size_t cell[64], nk = 0, c_one = 0;
        for (size_t c = 0; c < nc && nk < 64; c++)
            if ((c & lm) && y[c] > 0.0) {
                if (c & 4u) /* on C */
                    c_one = nk;
                cell[nk] = c;
                prob[nk++] = y[c] / dfg_ctable_n_obs(ct); /* as the sampler: y_c / n */
            }
        CHECK(nk == 7 && y[cell[c_one]] == 1.0);
        gsl_rng *r = dfg_rng_stream(o.seed, 0, &err);
        unsigned draw[64];
        size_t want = 0, agree = 1;
        for (size_t b = 0; r && b < o.B; b++) {
            dfg_rng_reset(r, o.seed, b, &err);
            gsl_ran_multinomial(r, nk, (unsigned)dfg_ctable_n_obs(ct), prob, draw);
            int fails = draw[c_one] == 0;
            want += (size_t)fails;
            agree &= fails == isnan(a.nstar[b * a.n_rows]);
            agree &= fails == (a.rep_model[b] == DFG_BOOT_NO_MODEL);
        }
        if (r)
            gsl_rng_free(r);
        CHECK(agree);
        /* about e^-1 of the replicates leave the one person out */
        CHECK(want > 40 && want < 110);
        CHECK(a.n_failed == want && a.rows[0].n_ok == o.B - want);
        size_t counted = 0;
        for (size_t i = 0; i < a.n_models; i++)
            counted += a.model_count[i];
        CHECK(counted == o.B - want);
        CHECK(isfinite(a.rows[0].perc_lo) && isnan(a.rows[0].bca_lo));
        dfg_cboot_result_free(&a);
        /* an allocation failure anywhere: DFG_ENOMEM or the result, never a leak */
        o.B = 4;
        o.bca = 0;
        SWEEP_ALLOC("cboot_run_search", dfg_cboot_run(ct, &m, &f, NULL, 0, &o, &a, &sweep_err),
                    dfg_cboot_result_free(&a));
    }
    dfg_cfit_free(&f);
    dfg_cmodel_free(&m);
    dfg_cmodel_free(&fixed);
    dfg_ctable_free(ct);
    dfg_table_free(t);
}

int main(void)
{
    same_digits_on_any_thread_count();
    one_model_equals_the_model_fixed();
    failed_replicates_counted();
    CHECK_DONE();
}
