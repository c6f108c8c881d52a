#!/bin/sh
# tests/cli/batch_mpi.sh: darkfig batch under Open MPI gives the bytes of the serial run:
# summary.csv, summary.json and every result of 1 process x 1 job x 1 thread against
# mpirun -np 3 with 2 jobs and 2 bootstrap threads per rank, and against -np 4 with 2
# threads finishing a folder from which two results were removed. Then one bootstrap
# spread over the ranks (one snapshot, fewer tasks than ranks: its replicates split):
# a stepwise search with 2,000 BCa replicates on 1 rank x 1 thread, 3 ranks x 2 threads
# and 4 ranks x 2 threads; the covariate bootstrap (fit with covariates), the pooled
# model over the years with the change between two years, and the parametric bootstrap
# likewise; a snapshot that fails before its bootstrap among spread tasks.
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
# one bootstrap over the ranks: the same bytes (summary, result, table on stdout)
same() { # same NAME DIR1 DIR2 (every file of DIR1 in DIR2, byte for byte)
    for f in "$tmp/$2"/*.json "$tmp/$2"/summary.csv; do
        b=$(basename "$f")
        if cmp -s "$f" "$tmp/$3/$b"; then ok; else bad "$1: $b differs ($2 against $3)"; fi
    done
    if cmp -s "$tmp/$2.txt" "$tmp/$3.txt"; then ok; else bad "$1: the table on stdout differs"; fi
}
one() { # one NAME DIR NP -- OPTIONS...: a batch into DIR on NP ranks (0: no mpirun)
    name=$1 dir=$2 np=$3
    shift 4
    if [ "$np" -eq 0 ]; then
        "$bin" batch --out "$tmp/$dir" "$@" >"$tmp/$dir.txt" 2>"$tmp/err"
    else
        $mpi -np "$np" "$bin" batch --out "$tmp/$dir" "$@" >"$tmp/$dir.txt" 2>"$tmp/err"
    fi
    code=$?
}
lists="--lists POL,KMAR,ISZW,COA,ZORG,OVR"
y=$src/data/yearly
set -- $lists --method stepwise --bootstrap 2000 --interval bca --seed 11 "$y/nl_synthetic_2018.csv"
one "search, one snapshot" s1 0 -- --jobs 1 --threads 1 "$@"
[ "$code" -eq 0 ] || bad "one snapshot, serial: exit $code: $(cat "$tmp/err")"
grep -q '"B":	2000' "$tmp/s1/nl_synthetic_2018.result.json" && ok || bad "no 2000 replicates in the result"
one "search, one snapshot" s3 3 -- --jobs 1 --threads 2 --progress "$@"
[ "$code" -eq 0 ] || bad "one snapshot, 3 ranks: exit $code: $(cat "$tmp/err")"
grep -q "over 3 ranks" "$tmp/err" && ok || bad "progress does not say the bootstrap is spread: $(cat "$tmp/err")"
same "one snapshot, 2000 replicates" s1 s3
one "search, one snapshot" s4 4 -- --jobs 2 --threads 1 "$@"
[ "$code" -eq 0 ] || bad "one snapshot, 4 ranks: exit $code: $(cat "$tmp/err")"
same "one snapshot, 2000 replicates" s1 s4
# the covariate bootstrap (darkfig fit on snapshots with covariates: dfg_cboot)
set -- $lists --bootstrap 200 --seed 3 "$y/nl_synthetic_2019.csv" "$y/nl_synthetic_2020.csv"
one "fit with covariates" c1 0 -- --threads 1 "$@"
[ "$code" -eq 0 ] || bad "fit with covariates, serial: exit $code: $(cat "$tmp/err")"
one "fit with covariates" c3 3 -- --threads 2 "$@"
[ "$code" -eq 0 ] || bad "fit with covariates, 3 ranks: exit $code: $(cat "$tmp/err")"
same "fit with covariates" c1 c3
# --pooled: one model over the stacked years (year as a polynomial), a total per year and
# the change 2019 -> 2021 from the same replicates: one task, spread over 3 ranks
set -- $lists --pooled year --model "[POL:year,KMAR:year,minor:year,POL:KMAR]" --trend year=2 \
    --change 2019:2021 --bootstrap 100 --seed 3 "$y"/nl_synthetic_201[6-9].csv \
    "$y"/nl_synthetic_202[01].csv
one "pooled" y1 0 -- "$@"
[ "$code" -eq 0 ] || bad "pooled, serial: exit $code: $(cat "$tmp/err")"
one "pooled" y3 3 -- --threads 2 "$@"
[ "$code" -eq 0 ] || bad "pooled, 3 ranks: exit $code: $(cat "$tmp/err")"
same "pooled" y1 y3
# parametric, percentile; 3 snapshots on 2 ranks: two whole tasks, then one spread
set -- $lists --method stepwise --bootstrap 300 --boot-type parametric --interval percentile \
    --seed 3 "$y/nl_synthetic_2019.csv" "$y/nl_synthetic_2020.csv" "$y/nl_synthetic_2021.csv"
one "parametric" p1 0 -- "$@"
one "parametric" p2 2 -- --threads 2 "$@"
[ "$code" -eq 0 ] || bad "parametric, 2 ranks: exit $code: $(cat "$tmp/err")"
same "parametric" p1 p2
# a snapshot that fails before its bootstrap among the spread tasks: its status, the
# others run on, the same exit code
printf 'POL,KMAR,ISZW,COA,ZORG,OVR,count\n' >"$tmp/empty_2015.csv"
set -- $lists --method stepwise --bootstrap 100 --seed 3 "$tmp/empty_2015.csv" "$y/nl_synthetic_2021.csv"
one "a failed snapshot" e1 0 -- "$@"
c1=$code
one "a failed snapshot" e3 3 -- "$@"
[ "$code" -eq "$c1" ] && [ "$code" -eq 3 ] && ok || bad "a failed snapshot: exit $c1 and $code, want 3"
same "a failed snapshot" e1 e3
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
