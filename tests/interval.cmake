# Intervals and the two-list estimators.
dfg_test(interval tests/test_interval.c)
dfg_test(ref_two_list tests/ref_two_list.c)
dfg_test(ref_oracle_interval tests/ref_oracle_interval.c)
