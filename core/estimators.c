/* core/estimators.c: the list of estimators darkfig offers, in a fixed order.
 * A new family is one file in models/ plus one line here.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"
/* the registry is the one place in core/ that names the model families */
#include "../models/models.h"

#include <string.h>

/* The defaults every family starts from (darkfig.h). */
dfg_est_opts dfg_est_opts_default(void)
{
    dfg_est_opts o;
    memset(&o, 0, sizeof o);
    o.model = NULL;
    o.level = 0.95;
    o.want_ci = 1;
    o.ci_type = DFG_CI_NONE;
    o.glm = dfg_glm_opts_default();
    o.method = "stepwise";
    o.criterion = "bic";
    o.max_order = 0;
    o.threshold = 0.0;
    o.list_a = 0;
    o.list_b = 1;
    return o;
}

static const dfg_estimator *const all[] = {
    &dfg_est_mt,
    &dfg_est_loglin,
    &dfg_est_stepwise,
    &dfg_est_aic_stepwise,
    &dfg_est_exhaustive,
    &dfg_est_downhill,
    &dfg_est_lincoln_petersen,
    &dfg_est_chapman,
    &dfg_est_closed_m0,
    &dfg_est_closed_mt,
    &dfg_est_closed_mh_chao,
    &dfg_est_closed_mh_poisson2,
    &dfg_est_closed_mh_darroch,
    &dfg_est_closed_mh_gamma,
    &dfg_est_closed_mth_chao,
    &dfg_est_closed_mth_poisson2,
    &dfg_est_closed_mth_darroch,
    &dfg_est_closed_mth_gamma,
    &dfg_est_closed_mb,
    &dfg_est_closed_mbh,
    &dfg_est_lcmcr,
    &dfg_est_dga,
};

size_t dfg_estimator_count(void)
{
    return sizeof all / sizeof all[0];
}

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
