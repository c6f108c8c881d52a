# bench_search: exhaustive model searches (netherlands_6 order 2, uk2013_5 order 3; 1 and
# 2 threads; `bench_search 5 big` adds a 7-list order-2 search of 2^21 models).
add_executable(bench_search bench/bench_search.c)
target_compile_options(bench_search PRIVATE ${DFG_WARNINGS})
target_include_directories(bench_search PRIVATE ${GSL_INCLUDE_DIR})
target_link_libraries(bench_search PRIVATE darkfig_static)
target_compile_definitions(bench_search PRIVATE DFG_DATA_DIR="${CMAKE_CURRENT_SOURCE_DIR}/data")
