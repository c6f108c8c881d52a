/* core/error.c: status texts and the error record.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <stdio.h>
#include <string.h>

const char *dfg_strerror(dfg_status code)
{
    switch (code) {
    case DFG_OK:
        return "success";
    case DFG_EINVAL:
        return "invalid argument";
    case DFG_ENOMEM:
        return "out of memory";
    case DFG_EIO:
        return "input/output error";
    case DFG_EPARSE:
        return "parse error";
    case DFG_EDATA:
        return "unusable data";
    case DFG_ENOCONV:
        return "iteration did not converge";
    case DFG_ESING:
        return "information matrix is singular";
    case DFG_ENOMLE:
        return "maximum-likelihood estimate does not exist";
    case DFG_EINTERNAL:
        return "internal error";
    case DFG_ECANCEL:
        return "cancelled";
    }
    return "unknown status";
}

void dfg_error_clear(dfg_error *err)
{
    if (!err)
        return;
    err->code = DFG_OK;
    err->where[0] = '\0';
    err->msg[0] = '\0';
}

/* The numerical verdicts that leave usable output (darkfig.h): a later hard error
 * replaces them, so that err describes the code a call returns. */
static int is_verdict(dfg_status code)
{
    return code == DFG_ENOCONV || code == DFG_ESING || code == DFG_ENOMLE;
}

dfg_status dfg_err_set(dfg_error *err, dfg_status code, const char *where, const char *fmt, ...)
{
    if (!err || code == DFG_OK)
        return code;
    if (err->code != DFG_OK && !(is_verdict(err->code) && !is_verdict(code)))
        return code;
    err->code = code;
    snprintf(err->where, sizeof err->where, "%s", where ? where : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

dfg_status dfg_err_too_many_lists(dfg_error *err, size_t k)
{
    return dfg_err_set(err, DFG_EINVAL, "lists",
                       "%zu lists: log-linear models work on all 2^k cells and take at most %d "
                       "lists (2^%d = %zu cells); the closed-population models that use only "
                       "the capture frequencies (M0, Mh) take up to %d",
                       k, DFG_MAX_FIT_LISTS, DFG_MAX_FIT_LISTS, (size_t)1 << DFG_MAX_FIT_LISTS,
                       DFG_MAX_LISTS);
}
