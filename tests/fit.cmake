# Tests of model terms, the GLM engine and log-linear fits (core/terms.c la.c glm.c loglin.c).
dfg_test(terms tests/test_terms.c)
dfg_test(glm tests/test_glm.c)
dfg_test(ref_mt tests/ref_mt.c)
dfg_test(ref_oracle_fit tests/ref_oracle_fit.c)
