/* tests/fuzz/fuzz_freq.c: libFuzzer target for the capture-frequency reader (models/freq.c,
 * dfg_freq_read_buffer: `nbcap,count` files) and the estimators that take its result.
 *
 * A file that reads must give f[1..max_f] whole and non-negative, adding up to n > 0; then
 * every frequency method runs with t = max_f (at least 3) when max_f <= 40 and must return
 * a status, and an estimate that is DFG_OK must be a finite N >= n. A file that does not
 * read must give an error with a place and a message and leave nothing allocated.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "darkfig.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dfg_freq fr;
    dfg_error err = {0};
    dfg_status rc = dfg_freq_read_buffer("fuzz.csv", (const char *)data, size, &fr, &err);
    if (rc != DFG_OK) {
        if (fr.f || err.code != rc || !err.msg[0] || !err.where[0])
            abort();
        return 0;
    }
    double sum = 0.0;
    for (size_t i = 1; i <= fr.max_f; i++) {
        if (!(fr.f[i] >= 0.0) || fr.f[i] != floor(fr.f[i]))
            abort();
        sum += fr.f[i];
    }
    if (!(fr.n > 0.0) || sum != fr.n)
        abort();
    if (fr.max_f <= 40) {
        fr.t = fr.max_f < 3 ? 3 : fr.max_f;
        for (int m = 0; m < DFG_FREQ_N_METHODS; m++) {
            dfg_freq_result res;
            dfg_error e2 = {0};
            rc = dfg_freq_estimate(&fr, (dfg_freq_method)m, NULL, &res, &e2);
            if (rc != res.status && rc != DFG_EINVAL && rc != DFG_ENOMEM)
                abort();
            if (rc == DFG_OK && !(isfinite(res.nhat) && res.nhat >= fr.n * (1 - 1e-12)))
                abort();
        }
    }
    dfg_freq_free(&fr);
    return 0;
}
