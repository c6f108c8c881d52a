#!/bin/sh
# tests/cli/batch_mpi.sh: darkfig batch under Open MPI gives the bytes of the serial run:
# summary.csv, summary.json and every result of 1 process x 1 job x 1 thread against
# mpirun -np 3 with 2 jobs and 2 bootstrap threads per rank, and against -np 4 with 2
# threads finishing a folder from which two results were removed.
# Usage: batch_mpi.sh DARKFIG SOURCE_DIR. Prints "N passed, N failed".
set -u
bin=$1
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
failn=0
ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); echo "FAIL: $*" >&2; }
mpi="mpirun --oversubscribe --allow-run-as-root"
set -- --lists POL,KMAR,ISZW,COA,ZORG,OVR --method stepwise --bootstrap 40 --seed 5 \
    "$src"/data/yearly/nl_synthetic_201[6-9].csv "$src"/data/yearly/nl_synthetic_202[01].csv
"$bin" batch --out "$tmp/serial" --jobs 1 --threads 1 "$@" >"$tmp/serial.txt" 2>"$tmp/err" ||
    bad "serial run: $(cat "$tmp/err")"
$mpi -np 3 "$bin" batch --out "$tmp/mpi" --jobs 2 --threads 2 "$@" >"$tmp/mpi.txt" 2>"$tmp/err" ||
    bad "mpirun -np 3: $(cat "$tmp/err")"
for f in "$tmp"/serial/*.json "$tmp"/serial/summary.csv; do
    b=$(basename "$f")
    if cmp -s "$f" "$tmp/mpi/$b"; then ok; else bad "$b differs between 1 and 3 ranks"; fi
done
if cmp -s "$tmp/serial.txt" "$tmp/mpi.txt"; then ok; else bad "the table on stdout differs"; fi
# 4 ranks x 2 threads on a folder that rank 0 finds partly done
rm -f "$tmp/mpi"/nl_synthetic_2016.result.json "$tmp/mpi"/nl_synthetic_2020.result.json
$mpi -np 4 "$bin" batch --out "$tmp/mpi" --threads 2 "$@" >"$tmp/mpi2.txt" 2>"$tmp/err" ||
    bad "mpirun -np 4 rerun: $(cat "$tmp/err")"
if grep -q "(4 skipped" "$tmp/mpi2.txt"; then ok; else bad "rerun under MPI: not 4 skipped"; fi
if cmp -s "$tmp/serial/summary.csv" "$tmp/mpi/summary.csv"; then ok; else
    bad "summary.csv after a partial rerun on 4 ranks"; fi
rm -rf "$tmp/mpi"
$mpi -np 4 "$bin" batch --out "$tmp/mpi" --threads 2 "$@" >/dev/null 2>"$tmp/err" ||
    bad "mpirun -np 4: $(cat "$tmp/err")"
if cmp -s "$tmp/serial/summary.csv" "$tmp/mpi/summary.csv"; then ok; else
    bad "summary.csv: 1 rank x 1 thread against 4 ranks x 2 threads"; fi
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
