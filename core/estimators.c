/* core/estimators.c: the list of estimators darkfig offers, in a fixed order.
 * A new family is one file in models/ plus one line here.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <string.h>

static const dfg_estimator *const all[] = {
    &dfg_est_mt,
    &dfg_est_loglin,
};

size_t dfg_estimator_count(void) { return sizeof all / sizeof all[0]; }

const dfg_estimator *dfg_estimator_at(size_t i)
{
    return i < dfg_estimator_count() ? all[i] : NULL;
}

const dfg_estimator *dfg_estimator_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}
