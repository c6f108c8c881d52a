#!/bin/sh
# tools/test.sh: build darkfig twice, plain and under AddressSanitizer + UBSan, run the
# whole test suite on both (CTest), run cppcheck over the library sources, build the
# command a third time with Open MPI (-DDFG_MPI=ON) and run the batch tests on it (under
# mpirun: the same bytes as the serial run), then execute every notebook against the
# plain build.
# The plain run includes the slow tier (reference bootstraps, the quick accuracy
# benchmark against its baseline, valgrind on the command-line tests); the sanitizer run
# skips the tests labelled slow. Then every libFuzzer target of tests/fuzz runs briefly
# (tools/fuzz.sh all 15 -seed=1: 15 s each from a fixed seed, so a run of the suite does not
# depend on luck; executions and coverage printed per target; long runs use other seeds). Needs
# tools/setup-debian.sh first.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

echo "== format (clang-format, .clang-format)"
git ls-files '*.c' '*.h' | xargs clang-format --dry-run -Werror

echo "== plain build (RelWithDebInfo, warnings are errors)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDFG_WERROR=ON >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs" | tee build/ctest.log

echo "== cppcheck (library sources of build/compile_commands.json)"
# a false positive is suppressed where it stands, with its reason (--inline-suppr)
/usr/bin/python3 -c '
import json
c = json.load(open("build/compile_commands.json"))
lib = [e for e in c if "/darkfig_obj.dir/" in e["command"] or "/darkfig_hooks_obj.dir/" in e["command"]]
json.dump(lib, open("build/compile_commands_lib.json", "w"), indent=1)'
cppcheck --project=build/compile_commands_lib.json --enable=warning,performance,portability \
    --error-exitcode=1 --inline-suppr -q -j "$jobs"

echo "== AddressSanitizer + UBSan build"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DDFG_WERROR=ON -DDFG_SANITIZE=ON \
      -DDFG_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE slow | tee build-asan/ctest.log

echo "== Open MPI build (-DDFG_MPI=ON): darkfig batch under mpirun against the serial run"
cmake -S . -B build-mpi -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDFG_WERROR=ON -DDFG_MPI=ON \
      -DDFG_BUILD_BENCH=OFF >/dev/null
cmake --build build-mpi -j "$jobs" --target darkfig
ctest --test-dir build-mpi --output-on-failure -R '^cli_batch' | tee build-mpi/ctest.log

echo "== fuzz (libFuzzer + ASan + UBSan, clang): every target 15 s, seeds from tests/data"
sh tools/fuzz.sh all 15 -seed=1

echo "== notebooks (Debian's Python: /usr/bin/python3)"
mkdir -p build/notebooks
for nb in notebooks/*.ipynb; do
    (cd notebooks && DARKFIG="$PWD/../build/darkfig" PYDEVD_DISABLE_FILE_VALIDATION=1 \
        /usr/bin/python3 -Xfrozen_modules=off -m nbconvert --to notebook --execute \
        --output-dir ../build/notebooks "$(basename "$nb")")
done
nb=$(ls notebooks/*.ipynb | wc -l)
echo "notebooks: $nb executed"

# one closing line over both CTest runs and the notebooks
total() { sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1 \2/p' "$1"; }
set -- $(total build/ctest.log) $(total build-asan/ctest.log) $(total build-mpi/ctest.log)
if [ $# -ne 6 ] || [ "$1" -ne 0 ] || [ "$3" -ne 0 ] || [ "$5" -ne 0 ]; then
    echo "test.sh: a CTest run failed or printed no summary" >&2
    exit 1
fi
echo "all: $(($2 + $4 + $6 + nb)) passed, 0 failed"
