#!/bin/sh
# bench/yearly/bench_spread.sh: one large bootstrap spread over Open MPI ranks. darkfig
# batch on one synthetic yearly snapshot (data/yearly/nl_synthetic_2018.csv: 6 lists,
# 1,385 registered) with the stepwise search and B = 20,000 BCa replicates, each
# repeating the search: one process, then mpirun -np 1 and -np 2 (one task, fewer than
# ranks: its replicates split into two contiguous ranges, rank 0 gathers them and
# finishes the bootstrap), and one process on 2 threads for comparison. Wall time, CPU
# time (user + system of the whole run, the ranks included, from /usr/bin/time), the
# speed-up over one process, and a check that every configuration wrote the same
# summary.csv and result. Each configuration runs R times into a fresh folder; the median
# wall time is shown with the CPU time of that run.
# Usage: bench_spread.sh DARKFIG_MPI [B] [R]   (a build with -DDFG_MPI=ON; B = 20000,
# R = 3 by default)
set -eu
bin=$1
B=${2:-20000}
R=${3:-3}
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
snap=$src/data/yearly/nl_synthetic_2018.csv
opts="--lists POL,KMAR,ISZW,COA,ZORG,OVR --method stepwise --bootstrap $B --interval bca --seed 1"
mpi="mpirun --oversubscribe --allow-run-as-root"
echo "load before: $(uptime)"
echo "one snapshot, stepwise search, B = $B BCa replicates (each repeats the search)"
echo "configuration                          wall s   speed-up    CPU s"
base=""
one() { # one NAME DIR COMMAND... (DIR is emptied before each repeat)
    name=$1
    dir=$2
    shift 2
    walls=""
    i=0
    while [ "$i" -lt "$R" ]; do
        rm -rf "${tmp:?}/$dir"
        /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
            cat "$tmp/err" >&2
            exit 1
        }
        walls="$walls $(awk '{ printf "%.3f:%.3f", $1, $2 + $3 }' "$tmp/time")"
        i=$((i + 1))
    done
    # the median by wall time, and the CPU time of that run
    # shellcheck disable=SC2046,SC2086
    set -- $(echo $walls | tr ' ' '\n' | sort -t: -n -k1,1 | awk -F: '{ w[NR] = $1; c[NR] = $2 }
        END { m = int((NR + 1) / 2); printf "%.2f %.2f", w[m], c[m] }')
    [ -n "$base" ] || base=$1
    echo "$name" | awk -v b="$base" -v w="$1" -v c="$2" '{
        printf "%-38s %7.2f %10.2f %8.2f\n", $0, w, b / w, c }'
}
# shellcheck disable=SC2086
one "1 process, --threads 1" a "$bin" batch --out "$tmp/a" $opts --threads 1 "$snap"
# shellcheck disable=SC2086
one "mpirun -np 1, --threads 1" b $mpi -np 1 "$bin" batch --out "$tmp/b" $opts --threads 1 "$snap"
# shellcheck disable=SC2086
one "mpirun -np 2, --threads 1 (spread)" c $mpi -np 2 "$bin" batch --out "$tmp/c" $opts \
    --threads 1 "$snap"
# shellcheck disable=SC2086
one "1 process, --threads 2" d "$bin" batch --out "$tmp/d" $opts --threads 2 "$snap"
# the CPU time of each rank of the spread run: each computes half of the replicates
rm -rf "$tmp/e"
# shellcheck disable=SC2086
$mpi -np 2 sh -c '/usr/bin/time -f "rank $OMPI_COMM_WORLD_RANK: %U s user + %S s system, %e s wall" \
    -o "$0.$OMPI_COMM_WORLD_RANK" "$@" >/dev/null 2>&1' "$tmp/rank" "$bin" batch --out "$tmp/e" \
    $opts --threads 1 "$snap"
cat "$tmp/rank.0" "$tmp/rank.1"
for d in b c d e; do
    cmp "$tmp/a/summary.csv" "$tmp/$d/summary.csv"
    cmp "$tmp/a/nl_synthetic_2018.result.json" "$tmp/$d/nl_synthetic_2018.result.json"
done
echo "summary.csv and the result: the same bytes in every configuration"
echo "load after: $(uptime)"
