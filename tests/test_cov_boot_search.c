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

/* A search case: the table, the fixed terms, the search, the model it chooses on the data
 * and that model's fit. */
typedef struct {
    dfg_table *t;
    dfg_ctable *ct;
    dfg_cmodel fixed, m;
    dfg_search_opts so;
    dfg_cfit f;
} search_case;

/* Open a case on tests/data/REL (csv NULL) or on CSV text with lists A,B,C: 1 when the
 * search chose a model with a fit (failures counted), 0 otherwise. */
static int case_open(search_case *c, const char *rel, const char *lists, const char *csv,
                     const char *fixed, dfg_search_method method)
{
    dfg_error err = {0};
    memset(c, 0, sizeof *c);
    c->so = dfg_search_opts_default();
    c->so.method = method;
    if (csv) {
        dfg_csv_opts co = dfg_csv_opts_default();
        co.lists = "A,B,C";
        CHECK_CODE(dfg_table_read_csv_buffer("buf", csv, strlen(csv), &co, &c->t, &err), DFG_OK);
    } else {
        c->t = oracle_test_table(rel, lists);
    }
    CHECK(c->t != NULL);
    if (!c->t || dfg_ctable_new(c->t, 0, &c->ct, &err) != DFG_OK ||
        dfg_cmodel_parse(fixed, c->ct, &c->fixed, &err) != DFG_OK) {
        CHECK_MSG(0, "case %s: %s", fixed, err.msg);
        return 0;
    }
    dfg_search_result r;
    CHECK_CODE(dfg_search_run_cov(c->ct, &c->fixed, &c->so, &r, &err), DFG_OK);
    if (r.n_rows == 0)
        return 0;
    CHECK_CODE(dfg_search_cov_model(c->ct, &c->fixed, &r.rows[0].model, &c->m, &err), DFG_OK);
    dfg_search_result_free(&r);
    CHECK_CODE(dfg_cfit_checked(c->ct, &c->m, NULL, &c->f, &err), DFG_OK);
    return c->f.fitted != NULL;
}

static void case_close(search_case *c)
{
    dfg_cfit_free(&c->f);
    dfg_cmodel_free(&c->m);
    dfg_cmodel_free(&c->fixed);
    dfg_ctable_free(c->ct);
    dfg_table_free(c->t);
}

/* Nonparametric options with the case's search repeated in every replicate. */
static dfg_cboot_opts case_boot(const search_case *c, size_t B, uint32_t seed)
{
    dfg_cboot_opts o = dfg_cboot_opts_default();
    o.type = DFG_BOOT_NONPARAMETRIC;
    o.select = 1;
    o.search = &c->so;
    o.search_fixed = &c->fixed;
    o.B = B;
    o.seed = seed;
    return o;
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
    search_case c;
    dfg_error err = {0};
    if (case_open(&c, "cov/oracle-cov/cov_013.csv", "P,K,I,R", NULL,
                  "[origin:expl,*:origin,P:expl]", DFG_SEARCH_STEPWISE)) {
        dfg_cboot_opts o = case_boot(&c, 60, 11);
        dfg_cboot_result a, b;
        CHECK_CODE(dfg_cboot_run(c.ct, &c.m, &c.f, NULL, 0, &o, &a, &err), DFG_OK);
        o.threads = 2;
        CHECK_CODE(dfg_cboot_run(c.ct, &c.m, &c.f, NULL, 0, &o, &b, &err), DFG_OK);
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
    case_close(&c);
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
    search_case c;
    dfg_error err = {0};
    if (case_open(&c, NULL, NULL, clear_winner, "[*:g]", DFG_SEARCH_EXHAUSTIVE)) {
        char name[256];
        dfg_cmodel_format(&c.m, c.ct, name, sizeof name);
        CHECK(strcmp(name, "[A:B,A:g,B:g,C:g]") == 0);
        dfg_cboot_opts o = case_boot(&c, 200, 1);
        o.select = 0; /* the model fixed */
        dfg_cboot_result a, b;
        CHECK_CODE(dfg_cboot_run(c.ct, &c.m, &c.f, NULL, 0, &o, &a, &err), DFG_OK);
        o.select = 1;
        CHECK_CODE(dfg_cboot_run(c.ct, &c.m, &c.f, NULL, 0, &o, &b, &err), DFG_OK);
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
    case_close(&c);
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
    search_case c;
    dfg_error err = {0};
    if (case_open(&c, NULL, NULL, one_on_c, "[]", DFG_SEARCH_STEPWISE)) {
        dfg_cboot_opts o = case_boot(&c, 200, 1);
        const dfg_ctable *ct = c.ct;
        dfg_cboot_result a;
        CHECK_CODE(dfg_cboot_run(ct, &c.m, &c.f, NULL, 0, &o, &a, &err), DFG_OK);
        /* the replay */
        const double *y = dfg_ctable_counts(ct);
        size_t nc = dfg_ctable_n_cells(ct), lm = ((size_t)1 << dfg_ctable_k(ct)) - 1;
        double prob[64];
        size_t cell[64], nk = 0, c_one = 0;
        for (size_t q = 0; q < nc && nk < 64; q++)
            if ((q & lm) && y[q] > 0.0) {
                if (q & 4u) /* on C */
                    c_one = nk;
                cell[nk] = q;
                prob[nk++] = y[q] / dfg_ctable_n_obs(ct); /* as the sampler: y_c / n */
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
        SWEEP_ALLOC("cboot_run_search", dfg_cboot_run(ct, &c.m, &c.f, NULL, 0, &o, &a, &sweep_err),
                    dfg_cboot_result_free(&a));
    }
    case_close(&c);
}

int main(void)
{
    same_digits_on_any_thread_count();
    one_model_equals_the_model_fixed();
    failed_replicates_counted();
    CHECK_DONE();
}
