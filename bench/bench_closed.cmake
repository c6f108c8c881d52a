# Closed-population table benchmark (bench/bench_closed.c): `bench_closed [repeats]`.
add_executable(bench_closed bench/bench_closed.c)
target_compile_options(bench_closed PRIVATE ${DFG_WARNINGS})
target_link_libraries(bench_closed PRIVATE darkfig_static)
target_compile_definitions(bench_closed PRIVATE DFG_DATA_DIR="${CMAKE_CURRENT_SOURCE_DIR}/data")
