# Command-line tests: the binary on data/ and tests/data/, plain and under valgrind.
add_test(NAME cli COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/cli/cli_test.sh
         $<TARGET_FILE:darkfig> ${CMAKE_CURRENT_SOURCE_DIR})
find_program(VALGRIND valgrind)
if(VALGRIND AND NOT DFG_SANITIZE)
  add_test(NAME cli_valgrind COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tests/cli/cli_test.sh
           $<TARGET_FILE:darkfig> ${CMAKE_CURRENT_SOURCE_DIR} valgrind)
  set_tests_properties(cli_valgrind PROPERTIES LABELS "valgrind;slow")
endif()
