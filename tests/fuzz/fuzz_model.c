/* tests/fuzz/fuzz_model.c: libFuzzer target for the model notation (core/terms.c,
 * dfg_model_parse) and its writer (dfg_model_format).
 *
 * The first byte picks the table the model refers to: k = 2 .. 12 lists, named by
 * position ("L1" ..) or by short names with letters ("LA", "NG", ...). The rest is the
 * model string (a NUL ends it). A model that parses must be hierarchical, hold every main
 * effect, have no term outside the k lists and not the k-way term, be sorted by order then
 * value, and read back to the same terms from its own bracket notation. A string that
 * does not parse must give DFG_EPARSE or DFG_EINVAL with a place and a message.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "darkfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names_alpha[] = {"LA", "NG",  "PF",  "KM",  "RB", "Z",
                                          "A1", "B_2", "c-3", "D.4", "EE", "FF"};
static const char *const names_pos[] = {"L1", "L2", "L3", "L4",  "L5",  "L6",
                                        "L7", "L8", "L9", "L10", "L11", "L12"};

static int has_subset_closure(const dfg_model *m)
{
    for (size_t i = 0; i < m->n_terms; i++) {
        uint32_t t = m->terms[i];
        /* every subset obtained by dropping one list must be a term (or empty) */
        for (uint32_t b = t; b; b &= b - 1) {
            uint32_t sub = t & ~(b & -b);
            if (!sub)
                continue;
            int found = 0;
            for (size_t j = 0; j < m->n_terms && !found; j++)
                found = m->terms[j] == sub;
            if (!found)
                return 0;
        }
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t k = 2 + data[0] % 11;
    const char *const *names = (data[0] / 11) % 2 ? names_alpha : names_pos;
    data++;
    size--;
    char *spec = malloc(size + 1);
    if (!spec)
        return 0;
    memcpy(spec, data, size);
    spec[size] = '\0';

    dfg_error err = {0};
    dfg_table *t = dfg_table_new(k, names, 0, NULL, &err);
    if (!t)
        abort();
    dfg_model m = {0};
    dfg_status rc = dfg_model_parse(spec, t, &m, &err);
    if (rc == DFG_OK) {
        uint32_t all = (uint32_t)((1u << k) - 1);
        if (m.k != k || m.n_terms < k || !has_subset_closure(&m))
            abort();
        for (size_t j = 0; j < k; j++)
            if (m.terms[j] != 1u << j)
                abort();
        for (size_t i = 0; i < m.n_terms; i++) {
            if (!m.terms[i] || (m.terms[i] & ~all) || m.terms[i] == all)
                abort();
            if (i && m.terms[i] == m.terms[i - 1])
                abort();
        }
        /* round trip through the writer, with names and with positions when they fit */
        char buf[4096];
        for (int pass = 0; pass < 2; pass++) {
            size_t need = dfg_model_format(&m, pass ? NULL : t, buf, sizeof buf);
            if (need >= sizeof buf || (pass && k > 9))
                continue;
            dfg_model back = {0};
            if (dfg_model_parse(buf, t, &back, &err) != DFG_OK || back.n_terms != m.n_terms ||
                memcmp(back.terms, m.terms, m.n_terms * sizeof *m.terms) != 0)
                abort();
            dfg_model_free(&back);
        }
        dfg_model_free(&m);
    } else if ((rc != DFG_EPARSE && rc != DFG_EINVAL) || err.code != rc || !err.msg[0] ||
               !err.where[0] || m.terms) {
        abort();
    }
    dfg_table_free(t);
    free(spec);
    return 0;
}
