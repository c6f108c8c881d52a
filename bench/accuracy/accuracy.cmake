# The accuracy benchmark runner (bench/accuracy) and its quick tier as a CTest test.
# Included from ${PROJECT_SOURCE_DIR}/bench/bench.cmake and from sim.cmake; defined once.
include_guard(GLOBAL)
add_executable(darkfig-accuracy ${PROJECT_SOURCE_DIR}/bench/accuracy/accuracy.c ${PROJECT_SOURCE_DIR}/bench/accuracy/acc.c)
target_compile_options(darkfig-accuracy PRIVATE ${DFG_WARNINGS})
target_include_directories(darkfig-accuracy PRIVATE ${GSL_INCLUDE_DIR})
target_link_libraries(darkfig-accuracy PRIVATE darkfig_static)
if(DFG_BUILD_TESTS AND NOT DFG_SANITIZE)
  # Quick tier against the stored baseline (not under the sanitizers: too slow there);
  # fails when a metric got worse by more than
  # 3 combined Monte-Carlo standard errors (bench/accuracy/README.md).
  add_test(NAME accuracy_quick
           COMMAND ${CMAKE_COMMAND}
             -DRUNNER=$<TARGET_FILE:darkfig-accuracy>
             -DPLAN=${PROJECT_SOURCE_DIR}/bench/accuracy/quick.plan
             -DBASELINE=${PROJECT_SOURCE_DIR}/bench/accuracy/baseline-quick.csv
             -DOUT=${CMAKE_CURRENT_BINARY_DIR}/accuracy-quick
             -P ${PROJECT_SOURCE_DIR}/bench/accuracy/run_tier.cmake)
  set_tests_properties(accuracy_quick PROPERTIES LABELS "slow;accuracy" TIMEOUT 900)
endif()
