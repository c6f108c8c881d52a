# Benchmarks (not tests): bench_fit measures log-linear fits per second.
add_executable(bench_fit bench/bench_fit.c)
target_compile_options(bench_fit PRIVATE ${DFG_WARNINGS})
target_link_libraries(bench_fit PRIVATE darkfig_static)
target_compile_definitions(bench_fit PRIVATE DFG_DATA_DIR="${CMAKE_CURRENT_SOURCE_DIR}/data")
