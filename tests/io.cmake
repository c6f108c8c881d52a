# Tests of the capture table and the CSV reader (core/table.c, core/csv.c).
# SPDX-License-Identifier: GPL-3.0-or-later
dfg_test(table tests/test_table.c)
dfg_test(csv tests/test_csv.c)
dfg_test(alloc_fail tests/test_alloc_fail.c)

# libFuzzer driver for the CSV reader: clang only, and off by default. The reader's own
# sources are compiled into the driver so that libFuzzer sees their coverage.
option(DFG_FUZZ "Build the libFuzzer driver tests/fuzz_csv.c (clang)" OFF)
if(DFG_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "DFG_FUZZ=ON needs clang (configure with CC=clang)")
  endif()
  add_executable(fuzz_csv tests/fuzz_csv.c core/csv.c core/table.c core/alloc.c core/error.c)
  target_include_directories(fuzz_csv PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/core ${CSV_INCLUDE_DIR})
  target_compile_options(fuzz_csv PRIVATE ${DFG_WARNINGS} -g -fsanitize=fuzzer,address,undefined)
  target_link_options(fuzz_csv PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(fuzz_csv PRIVATE ${CSV_LIB} m)
  # A short smoke run seeded from the good and bad inputs. libFuzzer writes new inputs to
  # the first directory only: a scratch one in the build tree, never tests/data.
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fuzz_csv_corpus)
  add_test(NAME fuzz_csv_smoke
           COMMAND fuzz_csv -runs=20000 -max_len=4096 ${CMAKE_CURRENT_BINARY_DIR}/fuzz_csv_corpus
                   ${CMAKE_CURRENT_SOURCE_DIR}/tests/data/good ${CMAKE_CURRENT_SOURCE_DIR}/tests/data/bad)
endif()
