/* tests/fuzz/fuzz_scenario.c: libFuzzer target for the simulation scenario files
 * (core/sim.c, dfg_scenario_read_buffer).
 *
 * A scenario that reads must have k >= 2 lists with names, a finite total >= 1 and cell
 * probabilities that are finite, in [0, 1] and add up to 1; a small one (total <= 10^6)
 * is also drawn once. A scenario that does not read must give an error with a place and
 * a message and no object. Reading costs O(2^k (terms + k) classes): inputs declaring more
 * than 12 lists are skipped here so that each run stays in milliseconds (the reader's
 * limit, DFG_MAX_FIT_LISTS, is checked by tests/test_sim.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "darkfig.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 when a line starting with "lists" has more than 12 tokens or a number above 12 */
static int too_many_lists(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && s[e] != '\n' && s[e] != '\r')
            e++;
        size_t p = i;
        while (p < e && (s[p] == ' ' || s[p] == '\t'))
            p++;
        if (e - p >= 5 && memcmp(s + p, "lists", 5) == 0) {
            size_t tokens = 0;
            for (size_t q = p + 5; q < e;) {
                while (q < e && (s[q] == ' ' || s[q] == '\t'))
                    q++;
                if (q >= e)
                    break;
                tokens++;
                size_t start = q;
                while (q < e && s[q] != ' ' && s[q] != '\t')
                    q++;
                /* a number (the input is not NUL-terminated: no atoi) */
                int digits = 1, v = 0;
                for (size_t r = start; r < q && digits; r++)
                    digits = s[r] >= '0' && s[r] <= '9';
                if (digits && q - start > 2)
                    return 1;
                for (size_t r = start; digits && r < q; r++)
                    v = v * 10 + (s[r] - '0');
                if (digits && v > 12)
                    return 1;
            }
            if (tokens > 12)
                return 1;
        }
        i = e + 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (too_many_lists((const char *)data, size))
        return 0;
    dfg_scenario *sc = NULL;
    dfg_error err = {0};
    dfg_status rc = dfg_scenario_read_buffer("fuzz.scn", (const char *)data, size, &sc, &err);
    if (rc != DFG_OK) {
        if (sc || err.code != rc || !err.msg[0] || !err.where[0])
            abort();
        return 0;
    }
    size_t k = dfg_scenario_k(sc);
    double total = dfg_scenario_total(sc);
    if (k < 2 || k > 12 || !(total >= 1.0) || !isfinite(total) || !dfg_scenario_name(sc))
        abort();
    for (size_t j = 0; j < k; j++)
        if (!dfg_scenario_list_name(sc, j))
            abort();
    size_t cells = (size_t)1 << k;
    double *prob = malloc(cells * sizeof *prob);
    if (!prob)
        abort();
    if (dfg_scenario_cell_probs(sc, prob, &err) != DFG_OK)
        abort();
    double sum = 0.0;
    for (size_t x = 0; x < cells; x++) {
        if (!(prob[x] >= 0.0 && prob[x] <= 1.0))
            abort();
        sum += prob[x];
    }
    if (fabs(sum - 1.0) > 1e-6)
        abort();
    free(prob);
    if (total <= 1e6) {
        dfg_table *t = NULL;
        rc = dfg_sim_table(sc, 1, 0, &t, &err);
        if (rc == DFG_OK) {
            if (!t || dfg_table_k(t) != k || dfg_table_n_obs(t, 0) > total)
                abort();
        } else if (t || !err.msg[0]) {
            abort();
        }
        dfg_table_free(t);
    }
    dfg_scenario_free(sc);
    return 0;
}
