# CSV throughput benchmark (bench/bench_csv.c): `bench_csv [records] [repeats]`.
add_executable(bench_csv bench/bench_csv.c)
target_compile_options(bench_csv PRIVATE ${DFG_WARNINGS})
target_link_libraries(bench_csv PRIVATE darkfig_static)
