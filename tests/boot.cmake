# Random streams and the bootstrap engine.
dfg_test(rng tests/test_rng.c)
dfg_test(boot tests/test_boot.c)
# Published bootstrap intervals (Chan, Silverman & Vincent 2021): minutes of CPU in a
# Debug build, so labelled slow. Exit code 77 = the stepwise estimator is not built yet.
dfg_test(ref_boot tests/ref_boot.c)
set_tests_properties(ref_boot PROPERTIES LABELS slow SKIP_RETURN_CODE 77 TIMEOUT 1800)
# Silverman, Chan & Vincent (2024) Table 6: BCa intervals repeating the exhaustive BIC search
# (Korea; UK 2013 max order 2 and all orders), B = 1000 on 2 threads: slow.
dfg_test(ref_boot2024 tests/ref_boot2024.c)
set_tests_properties(ref_boot2024 PROPERTIES LABELS slow SKIP_RETURN_CODE 77 TIMEOUT 1800)
