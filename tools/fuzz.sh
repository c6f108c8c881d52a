#!/bin/sh
# tools/fuzz.sh TARGET SECONDS [libFuzzer options...]: run one libFuzzer target of
# tests/fuzz (csv, model, scenario, freq) for SECONDS seconds on one core, after
# configuring and building a clang build with -DDFG_FUZZ=ON in build-fuzz/.
#   tools/fuzz.sh csv 600          ten minutes on the CSV reader
#   tools/fuzz.sh all 20           every target for 20 s each (what tools/test.sh runs)
# New inputs go to build-fuzz/tests/fuzz/corpus_TARGET (kept between runs); a crash is
# written to build-fuzz/tests/fuzz/crashes_TARGET/ with the stack on stderr: fix it and keep the
# input in tests/fuzz/regressions/TARGET/. The last line of each run is libFuzzer's
# summary (executions, coverage, features).
set -eu
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
    echo "usage: tools/fuzz.sh TARGET|all SECONDS [libFuzzer options]" >&2
    exit 2
fi
target=$1
secs=$2
shift 2
targets="csv model scenario freq"
[ "$target" = all ] || targets=$target
CC=${CC:-$(command -v clang-14 || command -v clang)} cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDFG_FUZZ=ON \
    -DDFG_WERROR=OFF -DDFG_BUILD_BENCH=OFF >/dev/null
for t in $targets; do
    cmake --build build-fuzz --target "fuzz_$t" -j2 >/dev/null
done
src=$PWD
status=0
for t in $targets; do
    case $t in
    csv) seeds="$src/tests/data/good $src/tests/data/bad $src/tests/fuzz/corpus/csv" ;;
    scenario) seeds="$src/bench/accuracy/scenarios $src/tests/fuzz/corpus/scenario" ;;
    *) seeds="$src/tests/fuzz/corpus/$t" ;;
    esac
    dict=
    [ -f "tests/fuzz/$t.dict" ] && dict="-dict=$src/tests/fuzz/$t.dict"
    out=build-fuzz/tests/fuzz
    mkdir -p "$out/corpus_$t" "$out/crashes_$t"
    echo "== fuzz_$t: $secs s"
    # -print_final_stats: executions and their rate; cov/ft on the last status line
    nice build-fuzz/"fuzz_$t" -max_total_time="$secs" -max_len=4096 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$out/crashes_$t/" $dict "$@" \
        "$out/corpus_$t" $seeds >"$out/fuzz_$t.log" 2>&1 || status=1
    grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$out/fuzz_$t.log" | tail -1
    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY' "$out/fuzz_$t.log" || true
done
exit $status
