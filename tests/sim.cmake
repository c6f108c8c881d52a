# Simulation scenarios, the hold-one-list-out check and the accuracy benchmark's comparison.
dfg_test(sim tests/test_sim.c)
dfg_test(holdout tests/test_holdout.c)
dfg_test(accuracy_compare tests/test_accuracy_compare.c bench/accuracy/acc.c)
target_include_directories(test_accuracy_compare PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/bench/accuracy)
include(${CMAKE_CURRENT_SOURCE_DIR}/bench/accuracy/accuracy.cmake)
