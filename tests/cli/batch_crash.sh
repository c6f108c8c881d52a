#!/bin/sh
# tests/cli/batch_crash.sh: kill -9 a darkfig batch with bootstrap at a random moment,
# rerun it, and compare byte for byte with an uninterrupted run (summary.csv,
# summary.json and every result); repeated ROUNDS times (default 3), each round killing
# the same folder again before finishing it.
# Usage: batch_crash.sh DARKFIG SOURCE_DIR [ROUNDS] [extra batch options...]
# Prints "N passed, N failed".
set -u
bin=$1
src=$(cd "$2" && pwd)
rounds=${3:-3}
shift 3 2>/dev/null || shift $#
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
failn=0
ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); echo "FAIL: $*" >&2; }
set -- --lists POL,KMAR,ISZW,COA,ZORG,OVR --bootstrap 300 --seed 11 --jobs 2 "$@" \
    "$src"/data/yearly/nl_synthetic_201[6-9].csv "$src"/data/yearly/nl_synthetic_202[01].csv

start=$(date +%s.%N)
"$bin" batch --out "$tmp/clean" "$@" >/dev/null 2>&1 || bad "clean run failed"
took=$(echo "$start $(date +%s.%N)" | awk '{ print $2 - $1 }')
echo "clean run: $took s"

r=1
while [ "$r" -le "$rounds" ]; do
    # a delay in (0, the clean run's time): seeded by the round and the clock
    delay=$(awk -v t="$took" -v r="$r" 'BEGIN { srand(r + systime()); printf "%.2f", 0.05 + rand() * t }')
    "$bin" batch --out "$tmp/crash" "$@" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    echo "round $r: killed after $delay s ($(find "$tmp/crash" -name '*.result.json' | wc -l)" \
        "results and $(find "$tmp/crash" -name '*.json.??????' | wc -l) temporaries on disk)"
    r=$((r + 1))
done
"$bin" batch --out "$tmp/crash" "$@" >/dev/null 2>"$tmp/err" || bad "rerun failed: $(cat "$tmp/err")"
for f in "$tmp"/clean/*.json "$tmp"/clean/summary.csv; do
    b=$(basename "$f")
    if cmp -s "$f" "$tmp/crash/$b"; then ok; else bad "$b differs after kill -9 and rerun"; fi
done
if [ -n "$(find "$tmp/crash" -name '*.json.??????' -o -name '*.csv.??????')" ]; then bad "temporaries left after the rerun"; else
    ok; fi
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
