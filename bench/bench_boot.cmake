# Bootstrap benchmarks (bench/bench_boot.c): `bench_boot [stepwise|exhaustive] [B] [threads]`.
add_executable(bench_boot bench/bench_boot.c)
target_compile_options(bench_boot PRIVATE ${DFG_WARNINGS})
target_include_directories(bench_boot PRIVATE ${GSL_INCLUDE_DIR})
target_link_libraries(bench_boot PRIVATE darkfig_static)
target_compile_definitions(bench_boot PRIVATE DFG_DATA_DIR="${CMAKE_CURRENT_SOURCE_DIR}/data")
