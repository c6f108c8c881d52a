# Closed-population models and frequency estimators.
dfg_test(ref_closed tests/ref_closed.c)
dfg_test(ref_freq tests/ref_freq.c)
dfg_test(ref_oracle_closed tests/ref_oracle_closed.c)
