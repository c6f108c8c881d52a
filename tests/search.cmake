# Existence/identifiability checks and model search.
dfg_test(check tests/test_check.c)
dfg_test(ref_search tests/ref_search.c)
dfg_test(ref_oracle_search tests/ref_oracle_search.c)
set_tests_properties(ref_oracle_search PROPERTIES LABELS slow)
